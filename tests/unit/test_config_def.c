/**
 * @file test_config_def.c
 * @brief Unit tests of util/config_def (ConfigDef): parsing and validator
 *        messages compared line by line with Java's ConfigDef on
 *        tests/golden/config_def/cases.txt (expected output made by
 *        tests/golden/ConfigDefGolden.java), plus the definition API, getters,
 *        originals, recommenders and visibility.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <connectd/config_def.h>

#include "util/properties.h"

static const char *const vs_strings[] = {"a", "b", NULL};
static const char *const ci_strings[] = {"x", "Yz", NULL};
static const char *const other_strings[] = {"a", "b", "c", NULL};
static const char *const parent_deps[] = {"child", "ghost", NULL};

#define ROW(n, t, d, imp)                                                                          \
    .name = n, .type = t, .default_value = d, .importance = imp, .documentation = "doc",           \
    .order_in_group = -1

/* Mirrors ConfigDefGolden.single(). */
static const cd_config_key_t golden_keys[] = {
    {ROW("b", CD_CONFIG_BOOLEAN, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("i", CD_CONFIG_INT, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("s", CD_CONFIG_SHORT, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("l", CD_CONFIG_LONG, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("d", CD_CONFIG_DOUBLE, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("str", CD_CONFIG_STRING, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("strdef", CD_CONFIG_STRING, "dflt", CD_IMPORTANCE_HIGH)},
    {ROW("lst", CD_CONFIG_LIST, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("pw", CD_CONFIG_PASSWORD, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("cls", CD_CONFIG_CLASS, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH)},
    {ROW("ir", CD_CONFIG_INT, "5", CD_IMPORTANCE_HIGH),
     .validator =
         {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 1, .has_max = true, .max = 10}},
    {ROW("lr", CD_CONFIG_LONG, "0", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 0}},
    {ROW("dr", CD_CONFIG_DOUBLE, "1.0", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 0.5}},
    {ROW("vs", CD_CONFIG_STRING, "a", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = vs_strings}},
    {ROW("ci", CD_CONFIG_STRING, "x", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_CASE_INSENSITIVE_STRING, .strings = ci_strings}},
    {ROW("ne", CD_CONFIG_STRING, NULL, CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING}},
    {ROW("nn", CD_CONFIG_STRING, CD_NO_DEFAULT, CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_NON_NULL}},
    {ROW("vl", CD_CONFIG_LIST, "a", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_VALID_LIST,
                   .strings = vs_strings,
                   .list_allow_empty = true}},
    {ROW("vla", CD_CONFIG_LIST, "", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_VALID_LIST, .list_allow_empty = true}},
    {ROW("vlne", CD_CONFIG_LIST, "x", CD_IMPORTANCE_HIGH),
     .validator = {.kind = CD_VALIDATOR_VALID_LIST, .list_allow_empty = false}},
    {.name = NULL},
};

/* Mirrors ConfigDefGolden.dependents(). */
static const cd_config_key_t dependents_keys[] = {
    {.name = "parent",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "doc",
     .group = "G1",
     .order_in_group = 1,
     .width = CD_WIDTH_SHORT,
     .display_name = "Parent",
     .dependents = parent_deps},
    {.name = "child",
     .type = CD_CONFIG_INT,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 1},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "doc",
     .group = "G1",
     .order_in_group = 2,
     .width = CD_WIDTH_SHORT,
     .display_name = "Child"},
    {.name = "other",
     .type = CD_CONFIG_LIST,
     .default_value = "a,b",
     .validator = {.kind = CD_VALIDATOR_VALID_LIST,
                   .strings = other_strings,
                   .list_allow_empty = true},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "doc",
     .group = "G2",
     .order_in_group = 1,
     .width = CD_WIDTH_LONG,
     .display_name = "Other"},
    {ROW("secret", CD_CONFIG_PASSWORD, NULL, CD_IMPORTANCE_LOW)},
    {.name = NULL},
};

static bool known_class(const char *name)
{
    return strcmp(name, "java.lang.String") == 0;
}

/* ---- small text helpers ---- */

typedef struct text_s {
    char *p;
    size_t len, cap;
} text_t;

static void text_add(text_t *t, const char *s)
{
    size_t n = strlen(s);
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
    memcpy(t->p + t->len, s, n + 1);
    t->len += n;
}

static void text_add_escaped(text_t *t, const char *s)
{
    char one[2] = {0, 0};
    if (!s) {
        text_add(t, "(null)");
        return;
    }
    for (; *s; s++) {
        if (*s == '\\')
            text_add(t, "\\\\");
        else if (*s == '\n')
            text_add(t, "\\n");
        else if (*s == '\t')
            text_add(t, "\\t");
        else {
            one[0] = *s;
            text_add(t, one);
        }
    }
}

static char *unescape(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    assert_non_null(out);
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static char *read_file(const char *rel)
{
    const char *dir = getenv("CONNECTD_SOURCE_DIR");
    char path[1024];
    FILE *f;
    long n;
    char *buf;
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static const cd_config_key_t *golden_key(const char *name)
{
    for (size_t i = 0; golden_keys[i].name; i++)
        if (strcmp(golden_keys[i].name, name) == 0)
            return &golden_keys[i];
    fail_msg("no golden key %s", name);
    return NULL;
}

/* One "parse" case, printed as ConfigDefGolden prints it. */
static void run_parse_case(const char *key, const char *value, text_t *out)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_properties_t *props = cd_properties_new();
    const cd_config_key_t *k = golden_key(key);
    char err[1024];
    cd_config_t *cfg;
    cd_config_def_add_copy(def, k);
    if (strcmp(value, "\\N") != 0) {
        char *v = unescape(value);
        cd_properties_set(props, key, v);
        free(v);
    }
    cfg = cd_config_parse(def, props, err, sizeof(err));
    if (!cfg) {
        text_add(out, "ERR ");
        text_add_escaped(out, err);
    } else {
        const cd_config_value_t *v = cd_config_get(cfg, key);
        assert_non_null(v);
        text_add(out, "OK ");
        if (v->is_null) {
            text_add(out, "(null)");
        } else if (k->type == CD_CONFIG_PASSWORD) {
            text_add(out, "[hidden]");
        } else {
            char *s = cd_config_value_convert_to_string(v);
            text_add_escaped(out, s);
            free(s);
        }
        cd_config_destroy(cfg);
    }
    text_add(out, "\n");
    cd_properties_destroy(props);
    cd_config_def_destroy(def);
}

static int cmp_results(const void *a, const void *b)
{
    const cd_config_result_t *x = *(const cd_config_result_t *const *)a;
    const cd_config_result_t *y = *(const cd_config_result_t *const *)b;
    return strcmp(x->name, y->name);
}

/* One "validate" case on dependents_keys. */
static void run_validate_case(char **fields, size_t n, text_t *out)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_properties_t *props = cd_properties_new();
    cd_config_results_t *results;
    cd_config_result_t **sorted;
    size_t count;
    cd_config_def_add_table(def, dependents_keys);
    for (size_t i = 0; i < n; i++) {
        char *eq = strchr(fields[i], '=');
        char *v;
        assert_non_null(eq);
        *eq = '\0';
        v = unescape(eq + 1);
        cd_properties_set(props, fields[i], v);
        free(v);
    }
    results = cd_config_validate(def, props);
    count = cd_config_results_count(results);
    sorted = calloc(count, sizeof(*sorted));
    for (size_t i = 0; i < count; i++)
        sorted[i] = cd_config_results_at(results, i);
    qsort(sorted, count, sizeof(*sorted), cmp_results);
    text_add(out, "VALIDATE");
    for (size_t i = 0; i < count; i++) {
        cd_config_result_t *r = sorted[i];
        text_add(out, " | ");
        text_add(out, r->name);
        text_add(out, "=");
        /* Java prints an undefined dependent's value with String.valueOf. */
        if (!cd_config_def_find(def, r->name) && !r->value)
            text_add(out, "null");
        else
            text_add_escaped(out, r->value);
        text_add(out, r->visible ? " visible=true errors=[" : " visible=false errors=[");
        for (size_t e = 0; e < r->error_count; e++) {
            if (e)
                text_add(out, ", ");
            text_add_escaped(out, r->errors[e]);
        }
        text_add(out, "]");
    }
    text_add(out, "\n");
    free(sorted);
    cd_config_results_destroy(results);
    cd_properties_destroy(props);
    cd_config_def_destroy(def);
}

static void test_golden_against_java(void **state)
{
    char *cases = read_file("tests/golden/config_def/cases.txt");
    char *expected = read_file("tests/golden/config_def/cases.expected");
    text_t out = {0};
    char *save = NULL;
    (void)state;
    cd_config_set_class_resolver(known_class);
    for (char *line = strtok_r(cases, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *fields[16] = {0};
        size_t n = 0;
        char *p = line;
        if (line[0] == '#')
            continue;
        fields[n++] = p;
        while ((p = strchr(p, '\t')) && n < 16) {
            *p++ = '\0';
            fields[n++] = p;
        }
        if (strcmp(fields[0], "parse") == 0) {
            assert_int_equal(n, 3);
            run_parse_case(fields[1], fields[2], &out);
        } else {
            run_validate_case(fields + 1, n - 1, &out);
        }
    }
    cd_config_set_class_resolver(NULL);
    /* Line by line, so a failure names the first differing case. */
    {
        char *e = expected, *a = out.p;
        int lineno = 1;
        while (*e || *a) {
            char *en = strchr(e, '\n'), *an = strchr(a, '\n');
            size_t el = en ? (size_t)(en - e) : strlen(e), al = an ? (size_t)(an - a) : strlen(a);
            if (el != al || memcmp(e, a, el) != 0)
                fail_msg("line %d:\n java: %.*s\n    c: %.*s", lineno, (int)el, e, (int)al, a);
            e += el + (en ? 1 : 0);
            a += al + (an ? 1 : 0);
            lineno++;
        }
    }
    free(out.p);
    free(cases);
    free(expected);
}

static void test_def_api_and_getters(void **state)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_properties_t *props = cd_properties_new();
    char err[256];
    size_t n = 0, count = 0;
    const char *const *groups;
    cd_config_t *cfg;
    cd_properties_t *pref;
    const char *const *list;
    cd_config_key_t extra = {ROW("extra.key", CD_CONFIG_STRING, "v", CD_IMPORTANCE_LOW),
                             .group = "G3"};
    (void)state;
    cd_config_def_add_table(def, dependents_keys);
    cd_config_def_add_copy(def, &extra);
    assert_int_equal(cd_config_def_count(def), 5);
    groups = cd_config_def_groups(def, &n);
    assert_int_equal(n, 3);
    assert_string_equal(groups[0], "G1");
    assert_string_equal(groups[2], "G3");
    /* A later row of the same name replaces the earlier one in place. */
    extra.name = "child";
    extra.default_value = "7";
    extra.type = CD_CONFIG_INT;
    extra.group = "G1";
    cd_config_def_add_copy(def, &extra);
    assert_int_equal(cd_config_def_count(def), 5);
    assert_string_equal(cd_config_def_at(def, 1)->name, "child");
    assert_string_equal(cd_config_def_find(def, "child")->default_value, "7");
    assert_null(cd_config_def_find(def, "nope"));

    /* "ghost" is a dependent but undefined: parse refuses the definition. */
    assert_null(cd_config_parse(def, props, err, sizeof(err)));
    assert_string_equal(
        err, "Some configurations in are referred in the dependents, but not defined: ghost");
    cd_config_def_destroy(def);

    def = cd_config_def_new();
    cd_config_def_add_table(def, golden_keys + 10); /* ir .. vlne */
    cd_properties_set(props, "ir", " 7 ");
    cd_properties_set(props, "vl", "b, a, b");
    cd_properties_set(props, "x.a", "1");
    cd_properties_set(props, "x.b.c", "2");
    cd_properties_set(props, "nn", "v");
    cfg = cd_config_parse(def, props, err, sizeof(err));
    if (!cfg)
        fail_msg("%s", err);
    assert_int_equal(cd_config_get_int(cfg, "ir"), 7);
    assert_int_equal(cd_config_get_long(cfg, "lr"), 0);
    assert_true(cd_config_get_double(cfg, "dr") == 1.0);
    assert_string_equal(cd_config_get_string(cfg, "vs"), "a");
    assert_null(cd_config_get_string(cfg, "ne"));
    list = cd_config_get_list(cfg, "vl", &count);
    assert_int_equal(count, 2);
    assert_string_equal(list[0], "b");
    assert_string_equal(list[1], "a");
    assert_null(list[2]);
    assert_string_equal(cd_properties_get(cd_config_originals(cfg), "x.a"), "1");
    pref = cd_config_originals_with_prefix(cfg, "x.");
    assert_int_equal(cd_properties_count(pref), 2);
    assert_string_equal(cd_properties_get(pref, "b.c"), "2");
    cd_properties_destroy(pref);
    cd_config_destroy(cfg);
    cd_config_def_destroy(def);
    cd_properties_destroy(props);
}

static size_t recommend_ab(const char *name, const cd_properties_t *config, const char **out,
                           size_t out_size)
{
    (void)name;
    (void)config;
    assert_true(out_size >= 2);
    out[0] = "a";
    out[1] = "b";
    return 2;
}

static bool visible_when_on(const char *name, const cd_properties_t *config)
{
    const char *v = cd_properties_get(config, "on");
    (void)name;
    return v && strcmp(v, "true") == 0;
}

static void test_recommender_and_enums(void **state)
{
    static const cd_config_key_t keys[] = {
        {ROW("r", CD_CONFIG_STRING, NULL, CD_IMPORTANCE_LOW), .recommended_values = recommend_ab,
         .visible = visible_when_on},
        {.name = NULL},
    };
    cd_config_def_t *def = cd_config_def_new();
    cd_properties_t *props = cd_properties_new();
    cd_config_results_t *res;
    cd_config_result_t *r;
    (void)state;
    cd_config_def_add_table(def, keys);
    res = cd_config_validate(def, props);
    r = cd_config_results_find(res, "r");
    assert_non_null(r);
    assert_int_equal(r->recommended_count, 2);
    assert_string_equal(r->recommended_values[1], "b");
    assert_false(r->visible);
    assert_null(r->value);
    r = cd_config_results_add(res, "unknown", "v");
    cd_config_result_add_error(r, "bad");
    assert_int_equal(cd_config_results_error_count(res), 1);
    assert_int_equal(cd_config_results_count(res), 2);
    cd_config_results_destroy(res);
    cd_config_def_destroy(def);
    cd_properties_destroy(props);
    assert_string_equal(cd_config_type_name(CD_CONFIG_PASSWORD), "PASSWORD");
    assert_string_equal(cd_config_importance_name(CD_IMPORTANCE_MEDIUM), "MEDIUM");
    assert_string_equal(cd_config_width_name(CD_WIDTH_LONG), "LONG");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_against_java),
        cmocka_unit_test(test_def_api_and_getters),
        cmocka_unit_test(test_recommender_and_enums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
