/*
 * test_transforms_smt_b.c: ExtractField, HoistField, InsertField, ValueToKey and
 * TimestampConverter through the transform chain: values, schemas and Java's
 * ConfigException / DataException texts (from Apache Kafka 4.3.1's sources).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <connectd/properties.h>
#include <connectd/record.h>

#include "worker/transform_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Builds a chain with one transform "t" of @p type and key/value pairs. */
static cd_transform_chain_t *chain_of(const char *type, char *err, size_t errsz, ...)
{
    va_list ap;
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "transforms", "t");
    cd_properties_set(p, "transforms.t.type", type);
    va_start(ap, errsz);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (!k)
            break;
        char key[256];
        snprintf(key, sizeof(key), "transforms.t.%s", k);
        cd_properties_set(p, key, va_arg(ap, const char *));
    }
    va_end(ap);
    err[0] = '\0';
    cd_transform_chain_t *c = cd_transform_chain_new(p, err, errsz);
    cd_properties_destroy(p);
    return c;
}

static cd_schema_t *point_schema(void)
{
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_t *opt = cd_schema_new(CD_TYPE_INT32);
    cd_schema_set_optional(opt, true);
    assert_int_equal(cd_schema_set_default(opt, cd_value_new_int32(7), NULL, 0), 0);
    cd_schema_add_field(s, "x", cd_schema_new(CD_TYPE_INT32), NULL, 0);
    cd_schema_add_field(s, "y", opt, NULL, 0);
    cd_schema_set_name(s, "Point");
    return s;
}

static cd_record_t *point_record(void)
{
    cd_schema_t *s = point_schema();
    cd_value_t *v = cd_value_new_struct(s);
    cd_value_struct_put(v, "x", cd_value_new_int32(3), NULL, 0);
    cd_record_t *r = cd_record_new("topic");
    cd_record_set_partition(r, 2);
    cd_record_set_timestamp(r, 1700000000123LL);
    cd_record_set_value(r, s, v);
    cd_schema_unref(s);
    return r;
}

static void test_extract_field(void **state)
{
    (void)state;
    char err[512];
    cd_transform_chain_t *c =
        chain_of("org.apache.kafka.connect.transforms.ExtractField$Value", err, sizeof(err), NULL);
    assert_null(c);
    assert_string_equal(
        err, "Missing required configuration \"transforms.t.field\" which has no default value.");

    c = chain_of("org.apache.kafka.connect.transforms.ExtractField$Value", err, sizeof(err),
                 "field", "y", NULL);
    assert_non_null(c);
    cd_record_t *r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    assert_int_equal(cd_schema_type(cd_record_value_schema(r)), CD_TYPE_INT32);
    assert_true(cd_schema_is_optional(cd_record_value_schema(r)));
    assert_int_equal(cd_value_int32(cd_record_value(r)), 7); /* the default */
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    c = chain_of("org.apache.kafka.connect.transforms.ExtractField$Value", err, sizeof(err),
                 "field", "y", "replace.null.with.default", "false", NULL);
    r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    assert_null(cd_record_value(r));
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    c = chain_of("org.apache.kafka.connect.transforms.ExtractField$Value", err, sizeof(err),
                 "field", "nope", NULL);
    r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "Unknown field: nope");
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    /* V2 nested path, schemaless */
    c = chain_of("org.apache.kafka.connect.transforms.ExtractField$Key", err, sizeof(err), "field",
                 "`a.b`.c", "field.syntax.version", "v2", NULL);
    assert_non_null(c);
    cd_value_t *inner = cd_value_new_map();
    cd_value_map_put(inner, cd_value_new_cstring("c"), cd_value_new_cstring("deep"));
    cd_value_t *outer = cd_value_new_map();
    cd_value_map_put(outer, cd_value_new_cstring("a.b"), inner);
    r = cd_record_new("t");
    cd_record_set_key(r, NULL, outer);
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    assert_string_equal(cd_value_string(cd_record_key(r), NULL), "deep");
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    c = chain_of("org.apache.kafka.connect.transforms.ExtractField$Key", err, sizeof(err), "field",
                 "`a.b", "field.syntax.version", "V2", NULL);
    assert_null(c);
    assert_non_null(strstr(err, "Incomplete backtick pair in path: [`a.b], consider adding a "
                                "backslash before backtick at position 0 to escape it"));

    /* schemaless non-map */
    c = chain_of("org.apache.kafka.connect.transforms.ExtractField$Value", err, sizeof(err),
                 "field", "a", NULL);
    r = cd_record_new("t");
    cd_record_set_value(r, NULL, cd_value_new_int64(5));
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Only Map objects supported in absence of schema for [field "
                                "extraction], found: java.lang.Long"));
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);
}

static void test_hoist_and_value_to_key(void **state)
{
    (void)state;
    char err[512];
    cd_transform_chain_t *c = chain_of("org.apache.kafka.connect.transforms.HoistField$Value", err,
                                       sizeof(err), "field", "wrapped", NULL);
    assert_non_null(c);
    cd_record_t *r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    const cd_schema_t *s = cd_record_value_schema(r);
    assert_int_equal(cd_schema_field_count(s), 1);
    assert_string_equal(cd_field_name(cd_schema_field_at(s, 0)), "wrapped");
    assert_string_equal(cd_schema_name(cd_field_schema(cd_schema_field_at(s, 0))), "Point");
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    c = chain_of("org.apache.kafka.connect.transforms.ValueToKey", err, sizeof(err), "fields",
                 "y,x", NULL);
    assert_non_null(c);
    r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    s = cd_record_key_schema(r);
    assert_int_equal(cd_schema_field_count(s), 2);
    assert_string_equal(cd_field_name(cd_schema_field_at(s, 0)), "y");
    assert_int_equal(cd_value_int32(cd_value_struct_get(cd_record_key(r), "y")), 7);
    assert_int_equal(cd_value_int32(cd_value_struct_get(cd_record_key(r), "x")), 3);
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    c = chain_of("org.apache.kafka.connect.transforms.ValueToKey", err, sizeof(err), "fields", "z",
                 NULL);
    r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "Field does not exist: z");
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);
}

static void test_insert_field(void **state)
{
    (void)state;
    char err[512];
    cd_transform_chain_t *c =
        chain_of("org.apache.kafka.connect.transforms.InsertField$Value", err, sizeof(err), NULL);
    assert_null(c);
    assert_non_null(strstr(err, "No field insertion configured"));

    c = chain_of("org.apache.kafka.connect.transforms.InsertField$Value", err, sizeof(err),
                 "topic.field", "t!", "partition.field", "p", "timestamp.field", "ts?",
                 "static.field", "s", "static.value", "v", NULL);
    assert_non_null(c);
    cd_record_t *r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    const cd_schema_t *s = cd_record_value_schema(r);
    assert_int_equal(cd_schema_field_count(s), 6);
    assert_string_equal(cd_schema_name(s), "Point");
    assert_false(cd_schema_is_optional(cd_field_schema(cd_schema_field(s, "t"))));
    assert_true(cd_schema_is_optional(cd_field_schema(cd_schema_field(s, "p"))));
    assert_int_equal(cd_schema_logical(cd_field_schema(cd_schema_field(s, "ts"))),
                     CD_LOGICAL_KIND_TIMESTAMP);
    const cd_value_t *v = cd_record_value(r);
    assert_string_equal(cd_value_string(cd_value_struct_get(v, "t"), NULL), "topic");
    assert_int_equal(cd_value_int32(cd_value_struct_get(v, "p")), 2);
    assert_int_equal(cd_value_date_ms(cd_value_struct_get(v, "ts")), 1700000000123LL);
    assert_string_equal(cd_value_string(cd_value_struct_get(v, "s"), NULL), "v");
    assert_int_equal(cd_value_int32(cd_value_struct_get(v, "y")), 7);
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);

    c = chain_of("org.apache.kafka.connect.transforms.InsertField$Value", err, sizeof(err),
                 "offset.field", "o", NULL);
    r = point_record();
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), -1);
    assert_string_equal(err, "Only SinkRecord supported for [field insertion], found: "
                             "org.apache.kafka.connect.source.SourceRecord");
    cd_record_set_kafka_offset(r, 42);
    assert_int_equal(cd_transform_chain_apply(c, &r, err, sizeof(err)), 0);
    assert_int_equal(cd_value_int64(cd_value_struct_get(cd_record_value(r), "o")), 42);
    cd_record_destroy(r);
    cd_transform_chain_destroy(c);
}

static cd_transform_chain_t *tc_chain(const char *target, const char *format, const char *prec)
{
    char err[512];
    cd_transform_chain_t *c =
        chain_of("org.apache.kafka.connect.transforms.TimestampConverter$Value", err, sizeof(err),
                 "target.type", target, "format", format, "unix.precision", prec, NULL);
    if (!c)
        fail_msg("%s", err);
    return c;
}

static cd_value_t *tc_run(cd_transform_chain_t *c, cd_value_t *in, char *err, size_t errsz)
{
    cd_record_t *r = cd_record_new("t");
    cd_record_set_value(r, NULL, in);
    if (cd_transform_chain_apply(c, &r, err, errsz) != 0) {
        cd_record_destroy(r);
        return NULL;
    }
    cd_value_t *out = cd_value_copy(cd_record_value(r));
    cd_record_destroy(r);
    return out;
}

static void test_timestamp_converter(void **state)
{
    (void)state;
    char err[512];
    cd_transform_chain_t *c;
    cd_value_t *out;

    c = chain_of("org.apache.kafka.connect.transforms.TimestampConverter$Value", err, sizeof(err),
                 "target.type", "string", NULL);
    assert_null(c);
    assert_non_null(strstr(err, "TimestampConverter requires format option to be specified when "
                                "using string timestamps"));
    c = chain_of("org.apache.kafka.connect.transforms.TimestampConverter$Value", err, sizeof(err),
                 "target.type", "string", "format", "yyyy-qq", NULL);
    assert_null(c);
    assert_non_null(strstr(err, "TimestampConverter requires a SimpleDateFormat-compatible "
                                "pattern for string timestamps: yyyy-qq"));
    c = chain_of("org.apache.kafka.connect.transforms.TimestampConverter$Value", err, sizeof(err),
                 "target.type", "str", NULL);
    assert_null(c);
    assert_non_null(strstr(err, "String must be one of: string, unix, Date, Time, Timestamp"));

    /* 2023-11-14T22:13:20.123Z, a Tuesday */
    c = tc_chain("string", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX EEE MMM a hh z Z", "milliseconds");
    out = tc_run(c, cd_value_new_int64(1700000000123LL), err, sizeof(err));
    assert_non_null(out);
    assert_string_equal(cd_value_string(out, NULL),
                        "2023-11-14T22:13:20.123Z Tue Nov PM 10 UTC +0000");
    cd_value_destroy(out);
    cd_transform_chain_destroy(c);

    /* expected texts printed by java.text.SimpleDateFormat (UTC) */
    c = tc_chain("string", "EEEE dd MMMM yy w W D F u k K", "milliseconds");
    out = tc_run(c, cd_value_new_int64(1703980800000LL), err, sizeof(err));
    assert_string_equal(cd_value_string(out, NULL), "Sunday 31 December 23 1 6 365 5 7 24 0");
    cd_value_destroy(out);
    out = tc_run(c, cd_value_new_int64(-34560000000LL), err, sizeof(err));
    assert_string_equal(cd_value_string(out, NULL), "Wednesday 27 November 68 48 5 332 4 3 24 0");
    cd_value_destroy(out);
    cd_transform_chain_destroy(c);

    c = tc_chain("unix", "yyyy-MM-dd HH:mm:ss", "seconds");
    out = tc_run(c, cd_value_new_cstring("2023-11-14 22:13:20"), err, sizeof(err));
    assert_non_null(out);
    assert_int_equal(cd_value_int64(out), 1700000000LL);
    cd_value_destroy(out);
    out = tc_run(c, cd_value_new_cstring("nope"), err, sizeof(err));
    assert_null(out);
    assert_string_equal(err, "Could not parse timestamp: value (nope) does not match pattern "
                             "(yyyy-MM-dd HH:mm:ss)");
    out = tc_run(c, cd_value_new_int32(5), err, sizeof(err));
    assert_null(out);
    assert_string_equal(
        err, "TimestampConverter does not support class java.lang.Integer objects as timestamps");
    cd_transform_chain_destroy(c);

    c = tc_chain("Date", "", "milliseconds");
    out = tc_run(c, cd_value_new_int64(1700000000123LL), err, sizeof(err));
    assert_int_equal(cd_value_date_ms(out), 1699920000000LL);
    cd_value_destroy(out);
    cd_transform_chain_destroy(c);
    c = tc_chain("Time", "", "milliseconds");
    out = tc_run(c, cd_value_new_int64(-1), err, sizeof(err));
    assert_int_equal(cd_value_date_ms(out), 86399999LL);
    cd_value_destroy(out);
    cd_transform_chain_destroy(c);
    c = tc_chain("unix", "", "nanoseconds");
    out = tc_run(c, cd_value_new_date(1700000000123LL), err, sizeof(err));
    assert_int_equal(cd_value_int64(out), 1700000000123000000LL);
    cd_value_destroy(out);
    cd_transform_chain_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extract_field),
        cmocka_unit_test(test_hoist_and_value_to_key),
        cmocka_unit_test(test_insert_field),
        cmocka_unit_test(test_timestamp_converter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
