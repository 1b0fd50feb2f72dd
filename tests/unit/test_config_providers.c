/**
 * @file test_config_providers.c
 * @brief Unit tests of the config providers (providers/): Java's variable
 *        pattern (cases checked against java.util.regex with the 4.3 jars),
 *        the ConfigTransformer rules, the File/Directory/EnvVar providers with
 *        allowed.paths and allowlist.pattern, size caps, the reverse transform,
 *        and the worker-properties resolution with Java's messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "providers/config_providers.h"
#include "util/properties.h"

static char tmpdir[256];

static void write_file(const char *name, const char *content, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, len, f), len);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/cd_providers_XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    const char *props = "db.password=s3cr3t\nuser=alice\nesc=\\u00e9t\\u00e9\n";
    write_file("secrets.properties", props, strlen(props));
    const char *utf8 = "k=\xc3\xa9t\xc3\xa9\nb=\\\xc3\xa9\nc=\\\\\xc3\xa9\n";
    write_file("utf8.properties", utf8, strlen(utf8));
    write_file("bad-utf8.properties", "k=\xff\n", 4);
    char sub[512];
    snprintf(sub, sizeof(sub), "%s/dir", tmpdir);
    mkdir(sub, 0700);
    snprintf(sub, sizeof(sub), "%s/dir/inner", tmpdir);
    mkdir(sub, 0700);
    write_file("dir/token", "tok-123\n", 8);
    write_file("dir/latin", "a\xff", 2);
    char *big = malloc(CD_CONFIG_PROVIDER_MAX_FILE_SIZE + 10);
    assert_non_null(big);
    memset(big, 'x', CD_CONFIG_PROVIDER_MAX_FILE_SIZE + 10);
    memcpy(big, "k=", 2);
    write_file("big.properties", big, CD_CONFIG_PROVIDER_MAX_FILE_SIZE + 10);
    write_file("dir/big", big, CD_CONFIG_PROVIDER_MAX_FILE_SIZE + 1);
    free(big);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* the pattern                                                         */
/* ------------------------------------------------------------------ */

/* Renders every match as Java's oracle printed it: [start,end p= path= key=]. */
static void matches(const char *text, char *out, size_t out_size)
{
    cd_config_variable_t v;
    size_t len = strlen(text), o = 0;
    out[0] = '\0';
    for (size_t from = 0; cd_config_next_variable(text, len, from, &v); from = v.end) {
        char path[128];
        if (v.path_len || v.key_off != v.path_off)
            snprintf(path, sizeof(path), "%.*s", (int)v.path_len, text + v.path_off);
        else
            snprintf(path, sizeof(path), "null");
        o += (size_t)snprintf(out + o, out_size - o, "[%zu,%zu p=%.*s path=%s key=%.*s]", v.start,
                              v.end, (int)v.provider_len, text + v.provider_off, path,
                              (int)v.key_len, text + v.key_off);
    }
}

static void test_pattern_like_java(void **state)
{
    (void)state;
    /* expected = java.util.regex.Pattern "\$\{(.*?):((.*?):)?(.*?)\}" (Kafka 4.3 jars) */
    static const char *const cases[][2] = {
        {"${a:b}", "[0,6 p=a path=null key=b]"},
        {"${a:b:c}", "[0,8 p=a path=b key=c]"},
        {"${a:b}c:d}", "[0,10 p=a path=b}c key=d]"},
        {"${a:b} ${c:d}", "[0,13 p=a path=b} ${c key=d]"},
        {"x${a}b:c}y", "[1,9 p=a}b path=null key=c]"},
        {"${a:\nb}", ""},
        {"${a:b\n:c}", ""},
        {"${a::b}", "[0,7 p=a path= key=b]"},
        {"${:b}", "[0,5 p= path=null key=b]"},
        {"$${a:b}", "[1,7 p=a path=null key=b]"},
        {"${a:b", ""},
        {"${a:b:c:d}", "[0,10 p=a path=b key=c:d]"},
        {"${a:b}${c:d:e}", "[0,14 p=a path=b}${c key=d:e]"},
        {"${a:b\xe2\x80\xa8}", ""},
        {"${a:b}\n${c:d}", "[0,6 p=a path=null key=b][7,13 p=c path=null key=d]"},
    };
    char out[512];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        matches(cases[i][0], out, sizeof(out));
        if (strcmp(out, cases[i][1]) != 0)
            fail_msg("%s: got %s, want %s", cases[i][0], out, cases[i][1]);
    }
    assert_true(cd_config_has_variable("x${file:/a:b}"));
    assert_false(cd_config_has_variable("${file}"));
    assert_false(cd_config_has_variable(NULL));
}

/* ------------------------------------------------------------------ */
/* transformer + file provider                                         */
/* ------------------------------------------------------------------ */

static cd_config_providers_t *providers(const char *extra_key, const char *extra_value)
{
    char err[512] = "";
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "config.providers", " file , dir,env,noclass");
    cd_properties_set(p, "config.providers.file.class", CD_FILE_CONFIG_PROVIDER);
    cd_properties_set(p, "config.providers.dir.class", "DirectoryConfigProvider");
    cd_properties_set(p, "config.providers.env.class", CD_ENV_VAR_CONFIG_PROVIDER);
    cd_properties_set(p, "config.providers.env.param.allowlist.pattern", "CD_TEST_.*|HOME");
    if (extra_key)
        cd_properties_set(p, extra_key, extra_value);
    cd_config_providers_t *set = cd_config_providers_new(p, err, sizeof(err));
    if (!set)
        fail_msg("providers: %s", err);
    cd_properties_destroy(p);
    return set;
}

/* Transforms one value; NULL result = error (message in err). */
static char *transform1(cd_config_providers_t *set, const char *value, char *err, size_t n)
{
    cd_properties_t *in = cd_properties_new();
    cd_properties_set(in, "k", value);
    cd_properties_t *out = cd_config_transform(set, in, err, n);
    char *r = out ? strdup(cd_properties_get(out, "k")) : NULL;
    cd_properties_destroy(in);
    cd_properties_destroy(out);
    return r;
}

#define ASSERT_TRANSFORM(set, in, want)                                                            \
    do {                                                                                           \
        char e_[512] = "";                                                                         \
        char *got_ = transform1(set, in, e_, sizeof(e_));                                          \
        if (!got_)                                                                                 \
            fail_msg("%s: error %s", in, e_);                                                      \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("%s: got '%s', want '%s'", in, got_, want);                                   \
        free(got_);                                                                                \
    } while (0)

static void test_file_provider(void **state)
{
    (void)state;
    cd_config_providers_t *set = providers(NULL, NULL);
    assert_int_equal(cd_config_providers_count(set), 3); /* noclass has no class */
    char v[1024], want[1024], err[512];
    snprintf(v, sizeof(v), "${file:%s/secrets.properties:db.password}", tmpdir);
    ASSERT_TRANSFORM(set, v, "s3cr3t");
    snprintf(v, sizeof(v),
             "u=${file:%s/secrets.properties:user};p=${file:%s/secrets.properties:db.password}!",
             tmpdir, tmpdir);
    ASSERT_TRANSFORM(set, v, "u=alice;p=s3cr3t!");
    /* missing key, unknown provider, provider without class: left as they are */
    snprintf(v, sizeof(v), "${file:%s/secrets.properties:nope}", tmpdir);
    ASSERT_TRANSFORM(set, v, v);
    ASSERT_TRANSFORM(set, "${vault:/x:y}", "${vault:/x:y}");
    ASSERT_TRANSFORM(set, "${noclass:/x:y}", "${noclass:/x:y}");
    ASSERT_TRANSFORM(set, "plain", "plain");
    /* no path: the file provider has no data */
    ASSERT_TRANSFORM(set, "${file:db.password}", "${file:db.password}");
    /* escapes and UTF-8 (Properties.load(Reader)) */
    snprintf(v, sizeof(v), "${file:%s/secrets.properties:esc}", tmpdir);
    ASSERT_TRANSFORM(set, v, "\xc3\xa9t\xc3\xa9");
    snprintf(
        v, sizeof(v),
        "${file:%s/utf8.properties:k}|${file:%s/utf8.properties:b}|${file:%s/utf8.properties:c}",
        tmpdir, tmpdir, tmpdir);
    ASSERT_TRANSFORM(set, v, "\xc3\xa9t\xc3\xa9|\xc3\xa9|\\\xc3\xa9");
    /* an unreadable file fails with Java's message */
    snprintf(v, sizeof(v), "${file:%s/missing.properties:k}", tmpdir);
    assert_null(transform1(set, v, err, sizeof(err)));
    snprintf(want, sizeof(want), "Could not read properties from file %s/missing.properties",
             tmpdir);
    assert_string_equal(err, want);
    snprintf(v, sizeof(v), "${file:%s/bad-utf8.properties:k}", tmpdir);
    assert_null(transform1(set, v, err, sizeof(err)));
    snprintf(want, sizeof(want), "Could not read properties from file %s/bad-utf8.properties",
             tmpdir);
    assert_string_equal(err, want);
    /* the size cap */
    snprintf(v, sizeof(v), "${file:%s/big.properties:k}", tmpdir);
    assert_null(transform1(set, v, err, sizeof(err)));
    snprintf(want, sizeof(want), "Could not read properties from file %s/big.properties", tmpdir);
    assert_string_equal(err, want);
    /* a directory is not a properties file */
    snprintf(v, sizeof(v), "${file:%s:k}", tmpdir);
    assert_null(transform1(set, v, err, sizeof(err)));
    cd_config_providers_destroy(set);
    /* no providers at all: a copy */
    ASSERT_TRANSFORM(NULL, "${file:/x:y}", "${file:/x:y}");
}

static void test_allowed_paths(void **state)
{
    (void)state;
    char allowed[600], v[1024], err[512] = "";
    snprintf(allowed, sizeof(allowed), "%s/dir/./inner/..", tmpdir);
    cd_config_providers_t *set = providers("config.providers.file.param.allowed.paths", allowed);
    snprintf(v, sizeof(v), "${file:%s/secrets.properties:user}", tmpdir);
    ASSERT_TRANSFORM(set, v, v); /* outside: no data, no error */
    snprintf(v, sizeof(v), "${file:%s/dir/../secrets.properties:user}", tmpdir);
    ASSERT_TRANSFORM(set, v, v); /* normalized before the check */
    snprintf(v, sizeof(v), "${file:%s/dirx/secrets.properties:user}", tmpdir);
    ASSERT_TRANSFORM(set, v, v); /* whole components only */
    snprintf(v, sizeof(v), "${file:%s/dir/nope.properties:user}", tmpdir);
    assert_null(transform1(set, v, err, sizeof(err)));
    cd_config_providers_destroy(set);

    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "config.providers", "file");
    cd_properties_set(p, "config.providers.file.class", CD_FILE_CONFIG_PROVIDER);
    cd_properties_set(p, "config.providers.file.param.allowed.paths", "relative/../x");
    assert_null(cd_config_providers_new(p, err, sizeof(err)));
    assert_string_equal(err, "Path x is not absolute");
    cd_properties_set(p, "config.providers.file.param.allowed.paths", "/nonexistent/../a");
    assert_null(cd_config_providers_new(p, err, sizeof(err)));
    assert_string_equal(err, "Path /a does not exist");
    cd_properties_set(p, "config.providers.file.param.allowed.paths", "/tmp, /tmp");
    assert_null(cd_config_providers_new(p, err, sizeof(err)));
    assert_string_equal(err, "Path  /tmp is not absolute");
    cd_properties_destroy(p);

    static const char *const norm[][2] = {
        {"/a/./b/../c", "/a/c"}, {"/../a", "/a"}, {"a/../..", ".."}, {"a/..", ""},
        {"//a//b/", "/a/b"},     {"/", "/"},      {"./a", "a"},
    };
    for (size_t i = 0; i < sizeof(norm) / sizeof(norm[0]); i++) {
        char *n = cd_path_normalize(norm[i][0]);
        assert_string_equal(n, norm[i][1]);
        free(n);
    }
}

static void test_directory_provider(void **state)
{
    (void)state;
    cd_config_providers_t *set = providers(NULL, NULL);
    char v[1024], err[512] = "";
    snprintf(v, sizeof(v), "${dir:%s/dir:token}", tmpdir);
    ASSERT_TRANSFORM(set, v, "tok-123\n");
    snprintf(v, sizeof(v), "${dir:%s//dir/:latin}", tmpdir);
    ASSERT_TRANSFORM(set, v, "a\xef\xbf\xbd"); /* new String(bytes, UTF_8) */
    /* sub-directories, absent files, "..": no data */
    snprintf(v, sizeof(v), "${dir:%s/dir:inner}|${dir:%s/dir:nope}|${dir:%s/dir/inner:..}", tmpdir,
             tmpdir, tmpdir);
    ASSERT_TRANSFORM(set, v, v);
    /* not a directory: no data */
    snprintf(v, sizeof(v), "${dir:%s/secrets.properties:user}", tmpdir);
    ASSERT_TRANSFORM(set, v, v);
    /* too big */
    snprintf(v, sizeof(v), "${dir:%s/dir:big}", tmpdir);
    assert_null(transform1(set, v, err, sizeof(err)));
    char want[1024];
    snprintf(want, sizeof(want), "Could not read file %s/dir/big for property big", tmpdir);
    assert_string_equal(err, want);
    cd_config_providers_destroy(set);

    char allowed[600];
    snprintf(allowed, sizeof(allowed), "%s/dir/inner", tmpdir);
    set = providers("config.providers.dir.param.allowed.paths", allowed);
    snprintf(v, sizeof(v), "${dir:%s/dir:token}", tmpdir);
    ASSERT_TRANSFORM(set, v, v);
    cd_config_providers_destroy(set);
}

static void test_env_provider(void **state)
{
    (void)state;
    setenv("CD_TEST_SECRET", "env-secret", 1);
    setenv("CD_OTHER", "hidden", 1);
    cd_config_providers_t *set = providers(NULL, NULL);
    char err[512] = "";
    ASSERT_TRANSFORM(set, "${env:CD_TEST_SECRET}", "env-secret");
    ASSERT_TRANSFORM(set, "${env:CD_OTHER}", "${env:CD_OTHER}");   /* not in the allowlist */
    ASSERT_TRANSFORM(set, "${env::CD_TEST_SECRET}", "env-secret"); /* empty path */
    assert_null(transform1(set, "${env:/x:CD_TEST_SECRET}", err, sizeof(err)));
    assert_string_equal(err, "Path is not supported for EnvVarConfigProvider, invalid value '/x'");
    cd_config_providers_destroy(set);
    /* default pattern: everything; snapshot taken at configure */
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "config.providers", "env");
    cd_properties_set(p, "config.providers.env.class", "EnvVarConfigProvider");
    set = cd_config_providers_new(p, err, sizeof(err));
    assert_non_null(set);
    setenv("CD_LATE", "late", 1);
    ASSERT_TRANSFORM(set, "${env:CD_OTHER}", "hidden");
    ASSERT_TRANSFORM(set, "${env:CD_LATE}", "${env:CD_LATE}");
    cd_config_providers_destroy(set);
    cd_properties_set(p, "config.providers.env.param.allowlist.pattern", "(");
    assert_null(cd_config_providers_new(p, err, sizeof(err)));
    assert_non_null(strstr(err, "allowlist.pattern"));
    cd_properties_destroy(p);
}

static void test_unknown_class_messages(void **state)
{
    (void)state;
    char err[1024] = "";
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "config.providers", "vault");
    cd_properties_set(p, "config.providers.vault.class", "com.example.VaultConfigProvider");
    assert_null(cd_config_providers_new(p, err, sizeof(err)));
    assert_string_equal(err, "Failed to find any class that implements ConfigProvider and which "
                             "name matches com.example.VaultConfigProvider, available "
                             "ConfigProviders are: " CD_FILE_CONFIG_PROVIDER
                             ", " CD_DIRECTORY_CONFIG_PROVIDER ", " CD_ENV_VAR_CONFIG_PROVIDER);
    assert_null(cd_config_resolve_worker_props(p, err, sizeof(err)));
    assert_string_equal(err, "Invalid value com.example.VaultConfigProvider for configuration "
                             "config.providers.vault.class: Could not load config provider class "
                             "or one of its dependencies");
    cd_properties_destroy(p);
}

static void test_worker_props_resolved(void **state)
{
    (void)state;
    char v[1024], err[512] = "";
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "config.providers", "file");
    cd_properties_set(p, "config.providers.file.class", CD_FILE_CONFIG_PROVIDER);
    snprintf(v, sizeof(v), "${file:%s/secrets.properties:db.password}", tmpdir);
    cd_properties_set(p, "sasl.jaas.config", v);
    cd_properties_set(p, "group.id", "${env:HOME}");
    cd_properties_t *out = cd_config_resolve_worker_props(p, err, sizeof(err));
    assert_non_null(out);
    assert_string_equal(cd_properties_get(out, "sasl.jaas.config"), "s3cr3t");
    assert_string_equal(cd_properties_get(out, "group.id"), "${env:HOME}"); /* no env provider */
    cd_properties_destroy(out);
    /* a provider failure fails the whole resolution */
    assert_int_equal(cd_properties_set(p, "x", "${file:/nope/x:y}"), 0);
    cd_properties_remove(p, "group.id");
    assert_null(cd_config_resolve_worker_props(p, err, sizeof(err)));
    assert_string_equal(err, "Could not read properties from file /nope/x");
    /* "a, b" is not trimmed by AbstractConfig: " file" has no class there */
    cd_properties_set(p, "config.providers", "x, file");
    out = cd_config_resolve_worker_props(p, err, sizeof(err));
    assert_non_null(out);
    assert_string_equal(cd_properties_get(out, "sasl.jaas.config"), v);
    cd_properties_destroy(out);
    cd_properties_destroy(p);
}

static void test_reverse_transform(void **state)
{
    (void)state;
    cd_properties_t *raw = cd_properties_new();
    cd_properties_set(raw, "connector.class", "FileStreamSource");
    cd_properties_set(raw, "file", "${file:/s.properties:path}");
    cd_properties_set(raw, "topic", "pre-${env:T}");
    cd_properties_set(raw, "other", "${env:O}");
    cd_properties_t *task = cd_properties_new();
    cd_properties_set(task, "file", "/secret/path");
    cd_properties_set(task, "topic", "pre-t");
    cd_properties_set(task, "task.class", "X");
    cd_properties_set(task, "connector.class", "FileStreamSource");
    assert_int_equal(cd_config_reverse_transform(raw, task), 0);
    assert_string_equal(cd_properties_get(task, "file"), "${file:/s.properties:path}");
    assert_string_equal(cd_properties_get(task, "topic"), "pre-${env:T}");
    assert_null(cd_properties_get(task, "other")); /* only keys the task has */
    assert_string_equal(cd_properties_get(task, "task.class"), "X");
    assert_int_equal(cd_properties_count(task), 4);
    cd_properties_destroy(raw);
    cd_properties_destroy(task);
}

static void test_registry(void **state)
{
    (void)state;
    assert_ptr_equal(cd_config_provider_find("FileConfigProvider"), &cd_file_config_provider);
    assert_ptr_equal(cd_config_provider_find(CD_DIRECTORY_CONFIG_PROVIDER),
                     &cd_directory_config_provider);
    assert_null(cd_config_provider_find("Nope"));
    assert_int_equal(cd_config_provider_register(&cd_file_config_provider), -1); /* taken */
    static const cd_config_provider_plugin_t incomplete = {.class_name = "x.Y"};
    assert_int_equal(cd_config_provider_register(&incomplete), -1);
}

static void test_variable_cap(void **state)
{
    (void)state;
    size_t n = CD_CONFIG_MAX_VARIABLES + 1;
    char *big = malloc(n * 7 + 1); /* one per line: a line ends a variable */
    assert_non_null(big);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * 7, "${a:b}\n", 7);
    big[n * 7] = '\0';
    char err[512] = "";
    assert_null(transform1(NULL, big, err, sizeof(err)));
    assert_non_null(strstr(err, "Too many config variables"));
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pattern_like_java),
        cmocka_unit_test(test_file_provider),
        cmocka_unit_test(test_allowed_paths),
        cmocka_unit_test(test_directory_provider),
        cmocka_unit_test(test_env_provider),
        cmocka_unit_test(test_unknown_class_messages),
        cmocka_unit_test(test_worker_props_resolved),
        cmocka_unit_test(test_reverse_transform),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_variable_cap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
