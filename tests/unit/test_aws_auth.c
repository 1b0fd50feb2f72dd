/**
 * @file test_aws_auth.c
 * @brief Unit tests of connectors/kinesis/aws_auth: the credential chain order
 *        (connector keys, environment, shared credentials file, shared config
 *        file), profiles, INI tolerance, missing pieces, bounds, region
 *        normalization and endpoint precedence. Uses a temporary HOME.
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

#include "connectors/kinesis/aws_auth.h"

static char tmp_home[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/.aws/%s", tmp_home, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/.aws/%s", tmp_home, name);
    unlink(path);
}

static const char *const env_names[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",       "AWS_SESSION_TOKEN",
    "AWS_PROFILE",       "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
    "AWS_ENDPOINT_URL",  "AWS_ENDPOINT_URL_KINESIS",    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"};

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
        unsetenv(env_names[i]);
    snprintf(tmp_home, sizeof(tmp_home), "/tmp/cd_aws_auth_XXXXXX");
    assert_non_null(mkdtemp(tmp_home));
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/.aws", tmp_home);
    assert_int_equal(mkdir(dir, 0700), 0);
    setenv("HOME", tmp_home, 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove_file("credentials");
    remove_file("config");
    remove_file("big");
    char dir[300];
    snprintf(dir, sizeof(dir), "%s/.aws", tmp_home);
    rmdir(dir);
    rmdir(tmp_home);
    return 0;
}

static void resolve_ok(const char *akid, const char *secret, cd_aws_credentials_t *out)
{
    char err[1024] = "";
    if (cd_aws_credentials_resolve(akid, secret, out, err, sizeof(err)) != 0)
        fail_msg("unexpected error: %s", err);
}

static void test_connector_keys_win(void **state)
{
    (void)state;
    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    write_file("credentials", "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=s\n");
    cd_aws_credentials_t c;
    resolve_ok("CONNKEY", "connsecret", &c);
    assert_string_equal(c.access_key_id, "CONNKEY");
    assert_string_equal(c.secret_access_key, "connsecret");
    assert_null(c.session_token);
    assert_string_equal(c.source, "connector configuration");
    cd_aws_credentials_clear(&c);
    assert_null(c.access_key_id);
}

static void test_env_then_files(void **state)
{
    (void)state;
    write_file("credentials", "[default]\naws_access_key_id=FILEKEY\naws_secret_access_key=fs\n");
    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    cd_aws_credentials_t c;
    resolve_ok(NULL, "", &c);
    assert_string_equal(c.access_key_id, "ENVKEY");
    assert_string_equal(c.session_token, "envtoken");
    assert_string_equal(c.source, "environment");
    cd_aws_credentials_clear(&c);

    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    resolve_ok(NULL, NULL, &c);
    assert_string_equal(c.access_key_id, "FILEKEY");
    assert_string_equal(c.secret_access_key, "fs");
    assert_null(c.session_token);
    assert_non_null(strstr(c.source, "shared credentials file"));
    assert_non_null(strstr(c.source, "[default]"));
    cd_aws_credentials_clear(&c);
}

static void test_profiles_and_ini_tolerance(void **state)
{
    (void)state;
    write_file("credentials", "# comment\n"
                              "; other comment\n"
                              "[default]\n"
                              "aws_access_key_id = DEFKEY\n"
                              "aws_secret_access_key = defsecret\n"
                              "\n"
                              "  [ prod ]  \r\n"
                              "\taws_access_key_id\t=\tPRODKEY  ; inline comment\r\n"
                              "unknown_key = x\n"
                              "aws_secret_access_key=prod=secret==\r\n"
                              "aws_session_token = tok\n"
                              "[other]\n"
                              "aws_access_key_id = OTHER\n");
    setenv("AWS_PROFILE", "prod", 1);
    cd_aws_credentials_t c;
    resolve_ok(NULL, NULL, &c);
    assert_string_equal(c.access_key_id, "PRODKEY");
    assert_string_equal(c.secret_access_key, "prod=secret==");
    assert_string_equal(c.session_token, "tok");
    assert_non_null(strstr(c.source, "[prod]"));
    cd_aws_credentials_clear(&c);
}

static void test_config_file_profile(void **state)
{
    (void)state;
    /* Credentials file without the profile: fall through to the config file, where the
     * section is "[profile dev]"; a bare "[dev]" there does not count. */
    write_file("credentials", "[default]\naws_access_key_id=D\naws_secret_access_key=d\n");
    write_file("config", "[dev]\naws_access_key_id=WRONG\naws_secret_access_key=wrong\n"
                         "[profile dev]\nregion = eu-west-1\naws_access_key_id=CFGKEY\n"
                         "aws_secret_access_key=cfgsecret\n");
    setenv("AWS_PROFILE", "dev", 1);
    cd_aws_credentials_t c;
    resolve_ok(NULL, NULL, &c);
    assert_string_equal(c.access_key_id, "CFGKEY");
    assert_non_null(strstr(c.source, "shared config file"));
    cd_aws_credentials_clear(&c);

    /* [default] in the config file also works for the default profile. */
    unsetenv("AWS_PROFILE");
    remove_file("credentials");
    write_file("config", "[default]\naws_access_key_id=CD\naws_secret_access_key=cd\n");
    resolve_ok(NULL, NULL, &c);
    assert_string_equal(c.access_key_id, "CD");
    cd_aws_credentials_clear(&c);
}

static void test_file_locations_from_env(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof(path), "%s/.aws/big", tmp_home);
    write_file("big", "[default]\naws_access_key_id=ALT\naws_secret_access_key=alt\n");
    setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
    cd_aws_credentials_t c;
    resolve_ok(NULL, NULL, &c);
    assert_string_equal(c.access_key_id, "ALT");
    assert_non_null(strstr(c.source, path));
    cd_aws_credentials_clear(&c);
}

static void test_missing_everything(void **state)
{
    (void)state;
    char err[1024] = "";
    cd_aws_credentials_t c;
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Unable to load AWS credentials from any provider in the chain: "
                                "connector configuration (aws.access.key.id not set), "
                                "environment (AWS_ACCESS_KEY_ID not set), shared credentials "
                                "file "));
    assert_non_null(strstr(err, "credentials (not found)"));
    assert_non_null(strstr(err, "config (not found)"));
    assert_null(c.access_key_id);

    /* A profile that does not exist. */
    write_file("credentials", "[default]\naws_access_key_id=D\naws_secret_access_key=d\n");
    setenv("AWS_PROFILE", "nope", 1);
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "(no profile nope)"));
}

static void test_half_set_is_error(void **state)
{
    (void)state;
    char err[512] = "";
    cd_aws_credentials_t c;
    assert_int_equal(cd_aws_credentials_resolve("AKID", NULL, &c, err, sizeof(err)), -1);
    assert_string_equal(err, "aws.access.key.id is set but aws.secret.key.id is not");
    assert_int_equal(cd_aws_credentials_resolve("", "secret", &c, err, sizeof(err)), -1);
    assert_string_equal(err, "aws.secret.key.id is set but aws.access.key.id is not");
    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "AWS_SECRET_ACCESS_KEY is not"));
    unsetenv("AWS_ACCESS_KEY_ID");
    write_file("credentials", "[default]\naws_access_key_id=ONLYKEY\n");
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "has aws_access_key_id but no aws_secret_access_key"));
    assert_null(c.access_key_id);
}

static void test_bounds(void **state)
{
    (void)state;
    char err[512] = "";
    cd_aws_credentials_t c;
    /* File larger than 1 MiB. */
    char path[512];
    snprintf(path, sizeof(path), "%s/.aws/credentials", tmp_home);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (int i = 0; i < 1100; i++) {
        char line[1024];
        memset(line, '#', sizeof(line) - 1);
        line[sizeof(line) - 2] = '\n';
        line[sizeof(line) - 1] = '\0';
        fputs(line, f);
    }
    fclose(f);
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger than 1048576 bytes"));
    /* A value longer than 4 KiB. */
    char *text = malloc(6000);
    assert_non_null(text);
    strcpy(text, "[default]\naws_access_key_id=");
    size_t n = strlen(text);
    memset(text + n, 'A', 5000);
    strcpy(text + n + 5000, "\naws_secret_access_key=x\n");
    write_file("credentials", text);
    free(text);
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "longer than 4096 bytes"));
    /* A directory where a file is expected. */
    remove_file("credentials");
    setenv("AWS_SHARED_CREDENTIALS_FILE", tmp_home, 1);
    assert_int_equal(cd_aws_credentials_resolve(NULL, NULL, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not a regular file"));
}

static void test_region_normalize(void **state)
{
    (void)state;
    char err[256] = "";
    char *r = cd_aws_region_normalize("us-east-1", err, sizeof(err));
    assert_string_equal(r, "us-east-1");
    free(r);
    r = cd_aws_region_normalize("  US_EAST_1 ", err, sizeof(err));
    assert_string_equal(r, "us-east-1");
    free(r);
    r = cd_aws_region_normalize("CN_NORTHWEST_1", err, sizeof(err));
    assert_string_equal(r, "cn-northwest-1");
    free(r);
    assert_null(cd_aws_region_normalize("", err, sizeof(err)));
    assert_string_equal(err, "Invalid AWS region: ''");
    assert_null(cd_aws_region_normalize("   ", err, sizeof(err)));
    assert_null(cd_aws_region_normalize(NULL, err, sizeof(err)));
    assert_null(cd_aws_region_normalize("us east 1", err, sizeof(err)));
    assert_string_equal(err, "Invalid AWS region: 'us east 1'");
    assert_null(cd_aws_region_normalize("us-east-1.evil.com", err, sizeof(err)));
    assert_null(cd_aws_region_normalize("us/east", err, sizeof(err)));
}

static void test_endpoint_precedence(void **state)
{
    (void)state;
    char err[512] = "";
    char *e = cd_aws_endpoint_resolve(NULL, "kinesis", "eu-west-3", err, sizeof(err));
    assert_string_equal(e, "https://kinesis.eu-west-3.amazonaws.com");
    free(e);
    e = cd_aws_endpoint_resolve("", "kinesis", "cn-north-1", err, sizeof(err));
    assert_string_equal(e, "https://kinesis.cn-north-1.amazonaws.com.cn");
    free(e);

    setenv("AWS_ENDPOINT_URL", "http://all.example:1234/", 1);
    e = cd_aws_endpoint_resolve(NULL, "kinesis", "us-east-1", err, sizeof(err));
    assert_string_equal(e, "http://all.example:1234");
    free(e);
    setenv("AWS_ENDPOINT_URL_KINESIS", "https://kin.example/base//", 1);
    e = cd_aws_endpoint_resolve(NULL, "kinesis", "us-east-1", err, sizeof(err));
    assert_string_equal(e, "https://kin.example/base");
    free(e);
    e = cd_aws_endpoint_resolve("http://127.0.0.1:4568", "kinesis", "us-east-1", err, sizeof(err));
    assert_string_equal(e, "http://127.0.0.1:4568");
    free(e);
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    e = cd_aws_endpoint_resolve(NULL, "kinesis", "us-east-1", err, sizeof(err));
    assert_string_equal(e, "https://kinesis.us-east-1.amazonaws.com");
    free(e);
    e = cd_aws_endpoint_resolve("http://explicit:1", "kinesis", "us-east-1", err, sizeof(err));
    assert_string_equal(e, "http://explicit:1");
    free(e);
    unsetenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

    /* Invalid values. */
    assert_null(cd_aws_endpoint_resolve("ftp://x", "kinesis", "us-east-1", err, sizeof(err)));
    assert_non_null(strstr(err, "the connector configuration"));
    assert_null(cd_aws_endpoint_resolve("https://", "kinesis", "us-east-1", err, sizeof(err)));
    assert_null(cd_aws_endpoint_resolve("http://a b", "kinesis", "us-east-1", err, sizeof(err)));
    setenv("AWS_ENDPOINT_URL_KINESIS", "localhost:4568", 1);
    assert_null(cd_aws_endpoint_resolve(NULL, "kinesis", "us-east-1", err, sizeof(err)));
    assert_non_null(strstr(err, "AWS_ENDPOINT_URL_KINESIS"));
    unsetenv("AWS_ENDPOINT_URL_KINESIS");
    unsetenv("AWS_ENDPOINT_URL");
    assert_null(cd_aws_endpoint_resolve(NULL, "kinesis", "bad region", err, sizeof(err)));
    assert_non_null(strstr(err, "Invalid AWS region"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connector_keys_win, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_then_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_profiles_and_ini_tolerance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_file_profile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_locations_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_half_set_is_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_region_normalize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_endpoint_precedence, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
