/*
 * test_transforms_smt_a.c: unit tests for Cast, Flatten, MaskField, ReplaceField
 * and SetSchemaMetadata beyond the Java goldens: the Java text helpers
 * (String.split, Long.parseLong, Double.parseDouble, Number conversions), the
 * plugins' ConfigDef tables, schema caching across records, and config errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <connectd/properties.h>
#include <connectd/transform.h>

#include "transforms/builtin_transforms.h"
#include "transforms/smt_a_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_split_colon(void **unused)
{
    char *parts[4];
    int n;
    (void)unused;
    n = cd_smta_split_colon("a:b", parts, 4);
    assert_int_equal(n, 2);
    assert_string_equal(parts[0], "a");
    assert_string_equal(parts[1], "b");
    cd_smta_free_parts(parts, n);
    n = cd_smta_split_colon("a::", parts, 4); /* trailing empties dropped */
    assert_int_equal(n, 1);
    cd_smta_free_parts(parts, n);
    n = cd_smta_split_colon(":b", parts, 4);
    assert_int_equal(n, 2);
    assert_string_equal(parts[0], "");
    cd_smta_free_parts(parts, n);
    n = cd_smta_split_colon("::", parts, 4);
    assert_int_equal(n, 0);
    n = cd_smta_split_colon("", parts, 4); /* no separator: the whole text */
    assert_int_equal(n, 1);
    assert_string_equal(parts[0], "");
    cd_smta_free_parts(parts, n);
    assert_int_equal(cd_smta_split_colon("a:b:c:d:e", parts, 4), -1);
}

static void test_java_numbers(void **unused)
{
    int64_t l;
    double d;
    float f;
    (void)unused;
    assert_int_equal(cd_smta_parse_java_integer("+127", INT8_MIN, INT8_MAX, &l), 0);
    assert_int_equal(l, 127);
    assert_int_equal(cd_smta_parse_java_integer("-128", INT8_MIN, INT8_MAX, &l), 0);
    assert_int_equal(l, -128);
    assert_int_equal(cd_smta_parse_java_integer("128", INT8_MIN, INT8_MAX, &l), -1);
    assert_int_equal(cd_smta_parse_java_integer("-9223372036854775808", INT64_MIN, INT64_MAX, &l),
                     0);
    assert_true(l == INT64_MIN);
    assert_int_equal(cd_smta_parse_java_integer("9223372036854775808", INT64_MIN, INT64_MAX, &l),
                     -1);
    assert_int_equal(cd_smta_parse_java_integer("", INT32_MIN, INT32_MAX, &l), -1);
    assert_int_equal(cd_smta_parse_java_integer("-", INT32_MIN, INT32_MAX, &l), -1);
    assert_int_equal(cd_smta_parse_java_integer(" 1", INT32_MIN, INT32_MAX, &l), -1);

    assert_int_equal(cd_smta_parse_java_double(" 2.5e3 ", &d), 0);
    assert_true(d == 2500.0);
    assert_int_equal(cd_smta_parse_java_double("1f", &d), 0);
    assert_true(d == 1.0);
    assert_int_equal(cd_smta_parse_java_double("0x1p3", &d), 0);
    assert_true(d == 8.0);
    assert_int_equal(cd_smta_parse_java_double("-Infinity", &d), 0);
    assert_true(isinf(d) && d < 0);
    assert_int_equal(cd_smta_parse_java_double("NaN", &d), 0);
    assert_true(isnan(d));
    assert_int_equal(cd_smta_parse_java_double("inf", &d), -1);
    assert_int_equal(cd_smta_parse_java_double("nan", &d), -1);
    assert_int_equal(cd_smta_parse_java_double("1e", &d), -1);
    assert_int_equal(cd_smta_parse_java_double("", &d), -1);
    assert_int_equal(cd_smta_parse_java_double(".", &d), -1);
    assert_int_equal(cd_smta_parse_java_float(".5", &f), 0);
    assert_true(f == 0.5f);

    cd_value_t *v = cd_value_new_float64(1e30);
    assert_true(cd_smta_number_long(v) == INT64_MAX);
    assert_int_equal(cd_smta_number_int(v), INT32_MAX);
    cd_value_destroy(v);
    v = cd_value_new_float64(NAN);
    assert_int_equal(cd_smta_number_long(v), 0);
    cd_value_destroy(v);
    v = cd_value_new_decimal_from_string("-12.99", 6);
    assert_int_equal(cd_smta_number_long(v), -12);
    assert_true(cd_smta_number_double(v) == -12.99);
    cd_value_destroy(v);
    /* BigDecimal.longValue keeps the low 64 bits: 2^64 + 5 -> 5 */
    v = cd_value_new_decimal_from_string("18446744073709551621", 20);
    assert_int_equal(cd_smta_number_long(v), 5);
    cd_value_destroy(v);
}

static void *create(const cd_transform_plugin_t *p, const char *const *kv, char *err, size_t errsz)
{
    cd_properties_t *props = cd_properties_new();
    void *state = NULL;
    for (size_t i = 0; kv[i]; i += 2)
        cd_properties_set(props, kv[i], kv[i + 1]);
    if (p->create(props, &state, err, errsz) != 0)
        state = NULL;
    cd_properties_destroy(props);
    return state;
}

static void test_config_tables(void **unused)
{
    const cd_transform_plugin_t *all[] = {
        &cd_transform_cast_key_plugin,
        &cd_transform_cast_value_plugin,
        &cd_transform_flatten_key_plugin,
        &cd_transform_flatten_value_plugin,
        &cd_transform_mask_field_key_plugin,
        &cd_transform_mask_field_value_plugin,
        &cd_transform_replace_field_key_plugin,
        &cd_transform_replace_field_value_plugin,
        &cd_transform_set_schema_metadata_key_plugin,
        &cd_transform_set_schema_metadata_value_plugin,
    };
    (void)unused;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        assert_non_null(all[i]->config_keys);
        assert_string_equal(all[i]->version, "4.3.1");
        assert_non_null(strstr(all[i]->class_name, "org.apache.kafka.connect.transforms."));
    }
    /* ReplaceField has no blacklist/whitelist in 4.3 */
    for (const cd_config_key_t *k = cd_transform_replace_field_value_plugin.config_keys; k->name;
         k++)
        assert_true(strcmp(k->name, "blacklist") != 0 && strcmp(k->name, "whitelist") != 0);
    assert_string_equal(cd_transform_cast_value_plugin.config_keys[0].name, "spec");
    assert_string_equal(cd_transform_flatten_value_plugin.config_keys[0].default_value, ".");
}

static void test_config_errors(void **unused)
{
    char err[512];
    (void)unused;
    assert_null(create(&cd_transform_cast_value_plugin,
                       (const char *const[]){"spec", "a:int8,int32", NULL}, err, sizeof(err)));
    assert_string_equal(err, "Cast transformations that specify a type to cast the entire value "
                             "to may only specify a single cast in their spec");
    assert_null(create(&cd_transform_set_schema_metadata_value_plugin,
                       (const char *const[]){"replace.null.with.default", "false", NULL}, err,
                       sizeof(err)));
    assert_string_equal(err, "Neither schema name nor version configured");
    assert_null(create(&cd_transform_mask_field_value_plugin,
                       (const char *const[]){"fields", "a,b,a", NULL}, err, sizeof(err)));
    assert_string_equal(err, "Configuration 'fields' values must not be duplicated.");
    assert_null(create(&cd_transform_replace_field_key_plugin,
                       (const char *const[]){"renames", "a:b,c", NULL}, err, sizeof(err)));
    assert_string_equal(
        err, "Invalid value [a:b, c] for configuration renames: Invalid rename mapping: c");
}

/* One instance, records with two different schemas in turn: the one-entry cache
 * must follow the schema (no stale output schema). */
static void test_cast_schema_cache(void **unused)
{
    char err[512];
    void *st;
    (void)unused;
    st = create(&cd_transform_cast_value_plugin, (const char *const[]){"spec", "a:string", NULL},
                err, sizeof(err));
    assert_non_null(st);
    for (int round = 0; round < 4; round++) {
        cd_schema_t *s = cd_schema_new_struct();
        cd_value_t *v;
        cd_record_t *rec = cd_record_new("t");
        assert_int_equal(
            cd_schema_add_field(s, "a", cd_schema_new(CD_TYPE_INT32), err, sizeof(err)), 0);
        if (round % 2)
            assert_int_equal(
                cd_schema_add_field(s, "b", cd_schema_new(CD_TYPE_BOOLEAN), err, sizeof(err)), 0);
        v = cd_value_new_struct(s);
        cd_value_struct_set(v, 0, cd_value_new_int32(round));
        if (round % 2)
            cd_value_struct_set(v, 1, cd_value_new_boolean(true));
        cd_record_set_value(rec, s, v);
        cd_schema_unref(s);
        assert_int_equal(cd_transform_cast_value_plugin.apply(st, &rec, err, sizeof(err)), 0);
        const cd_schema_t *out = cd_record_value_schema(rec);
        assert_int_equal(cd_schema_field_count(out), round % 2 ? 2 : 1);
        assert_int_equal(cd_schema_type(cd_field_schema(cd_schema_field(out, "a"))),
                         CD_TYPE_STRING);
        char want[8];
        snprintf(want, sizeof(want), "%d", round);
        assert_string_equal(cd_value_string(cd_value_struct_get(cd_record_value(rec), "a"), NULL),
                            want);
        cd_record_destroy(rec);
    }
    cd_transform_cast_value_plugin.destroy(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_colon),       cmocka_unit_test(test_java_numbers),
        cmocka_unit_test(test_config_tables),     cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_cast_schema_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
