/* test_data.c: the Connect data model — schemas, values, validation, decimals,
 * Java HashMap order and records. Expected strings come from Java 17 /
 * Apache Kafka 4.x behaviour (BigDecimal, HashMap, ConnectSchema messages). */
#include <connectd/data.h>
#include <connectd/record.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void test_schema_builder(void **state)
{
    char err[256];
    cd_schema_t *st = cd_schema_new_struct();
    cd_schema_set_name(st, "com.example.User");
    assert_int_equal(cd_schema_add_field(st, "id", cd_schema_new(CD_TYPE_INT32), err, sizeof(err)),
                     0);
    cd_schema_t *name = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_optional(name, true);
    assert_int_equal(cd_schema_add_field(st, "name", name, err, sizeof(err)), 0);
    assert_int_equal(cd_schema_add_field(st, "id", cd_schema_new(CD_TYPE_INT64), err, sizeof(err)),
                     -1);
    assert_string_equal(err, "Cannot create field because of field name duplication id");
    assert_int_equal(cd_schema_field_count(st), 2);
    assert_string_equal(cd_field_name(cd_schema_field_at(st, 1)), "name");
    assert_int_equal(cd_field_index(cd_schema_field(st, "name")), 1);
    assert_null(cd_schema_field(st, "nope"));

    cd_schema_t *i = cd_schema_new(CD_TYPE_INT32);
    assert_int_equal(cd_schema_add_field(i, "x", cd_schema_new(CD_TYPE_INT8), err, sizeof(err)),
                     -1);
    assert_string_equal(err, "Cannot create fields on type INT32");
    cd_schema_unref(i);

    cd_schema_t *copy = cd_schema_new_struct();
    cd_schema_set_name(copy, "com.example.User");
    cd_schema_add_field(copy, "id", cd_schema_new(CD_TYPE_INT32), err, sizeof(err));
    cd_schema_t *name2 = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_optional(name2, true);
    cd_schema_add_field(copy, "name", name2, err, sizeof(err));
    assert_true(cd_schema_equals(st, copy));
    cd_schema_set_doc(copy, "different");
    assert_false(cd_schema_equals(st, copy));
    cd_schema_unref(copy);
    cd_schema_unref(st);
}

static void test_logical_schemas(void **state)
{
    cd_schema_t *dec = cd_schema_new_decimal(2);
    bool ok;
    assert_int_equal(cd_schema_logical(dec), CD_LOGICAL_KIND_DECIMAL);
    assert_int_equal(cd_schema_decimal_scale(dec, &ok), 2);
    assert_true(ok);
    assert_string_equal(cd_schema_parameter(dec, "scale"), "2");
    assert_int_equal(cd_schema_version(dec), 1);
    cd_schema_t *date = cd_schema_new_date();
    assert_int_equal(cd_schema_logical(date), CD_LOGICAL_KIND_DATE);
    cd_schema_t *ts = cd_schema_new_timestamp();
    assert_int_equal(cd_schema_type(ts), CD_TYPE_INT64);
    /* A logical name on the wrong physical type is not that logical type. */
    cd_schema_t *odd = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_name(odd, CD_LOGICAL_DATE);
    assert_int_equal(cd_schema_logical(odd), CD_LOGICAL_NONE);

    char err[256];
    int32_t days, millis;
    assert_int_equal(cd_logical_date_to_days(86400000LL * 3, &days, err, sizeof(err)), 0);
    assert_int_equal(days, 3);
    assert_int_equal(cd_logical_date_to_days(-86400000LL, &days, err, sizeof(err)), 0);
    assert_int_equal(days, -1);
    assert_int_equal(cd_logical_date_to_days(5, &days, err, sizeof(err)), -1);
    assert_string_equal(
        err, "Kafka Connect Date type should not have any time fields set to non-zero values.");
    assert_int_equal(cd_logical_time_to_millis(1234, &millis, err, sizeof(err)), 0);
    assert_int_equal(cd_logical_time_to_millis(86400000LL, &millis, err, sizeof(err)), -1);

    cd_value_t *d = cd_value_new_decimal_from_string("2.2", 3);
    assert_int_equal(cd_logical_decimal_check_scale(dec, d, err, sizeof(err)), -1);
    assert_string_equal(err, "Decimal value has mismatching scale for given Decimal schema. Schema "
                             "has scale 2, value has scale 1.");
    cd_value_destroy(d);

    /* A logical name on another physical type is not that logical type: a decimal value does
     * not validate against an ARRAY schema that happens to be named Decimal. */
    cd_schema_t *named_array = cd_schema_new_array(cd_schema_new(CD_TYPE_INT8));
    cd_schema_set_name(named_array, CD_LOGICAL_DECIMAL);
    d = cd_value_new_decimal_from_string("1", 1);
    assert_int_equal(cd_validate_value(named_array, d, err, sizeof(err)), -1);
    cd_value_destroy(d);
    cd_schema_unref(named_array);
    cd_schema_unref(dec);
    cd_schema_unref(date);
    cd_schema_unref(ts);
    cd_schema_unref(odd);
}

static void test_validate_messages(void **state)
{
    char err[512];
    cd_schema_t *i32 = cd_schema_new(CD_TYPE_INT32);
    cd_value_t *s = cd_value_new_cstring("x");
    assert_int_equal(cd_validate_value(i32, s, err, sizeof(err)), -1);
    assert_string_equal(
        err, "Invalid Java object for schema with type INT32: class java.lang.String for value");
    assert_int_equal(cd_validate_value(i32, NULL, err, sizeof(err)), -1);
    assert_string_equal(err, "Invalid value: null used for required value, schema type: INT32");
    assert_int_equal(cd_validate_field_value("f", i32, NULL, err, sizeof(err)), -1);
    assert_string_equal(err,
                        "Invalid value: null used for required field: \"f\", schema type: INT32");

    cd_schema_t *arr = cd_schema_new_array(cd_schema_ref(i32));
    cd_value_t *a = cd_value_new_array();
    cd_value_array_append(a, cd_value_new_int32(1));
    cd_value_array_append(a, cd_value_new_int64(2));
    assert_int_equal(cd_validate_field_value("list", arr, a, err, sizeof(err)), -1);
    assert_string_equal(err, "Invalid Java object for schema with type INT32: class java.lang.Long "
                             "for element of array field: \"list\"");

    cd_schema_t *dec = cd_schema_new_decimal(1);
    assert_int_equal(cd_validate_value(dec, s, err, sizeof(err)), -1);
    assert_string_equal(err,
                        "Invalid Java object for schema \"org.apache.kafka.connect.data.Decimal\" "
                        "with type BYTES: class java.lang.String for value");

    cd_schema_t *map = cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_ref(i32));
    cd_value_t *m = cd_value_new_map();
    cd_value_map_put(m, cd_value_new_cstring("k"), NULL);
    assert_int_equal(cd_validate_value(map, m, err, sizeof(err)), -1);
    assert_string_equal(
        err, "Invalid value: null used for required value of map value, schema type: INT32");

    cd_schema_t *opt = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_optional(opt, true);
    assert_int_equal(cd_validate_value(opt, NULL, err, sizeof(err)), 0);
    assert_int_equal(cd_schema_set_default(opt, cd_value_new_int8(1), err, sizeof(err)), -1);
    assert_string_equal(err,
                        "Invalid default value: Invalid Java object for schema with type STRING: "
                        "class java.lang.Byte for value");

    cd_value_destroy(s);
    cd_value_destroy(a);
    cd_value_destroy(m);
    cd_schema_unref(i32);
    cd_schema_unref(arr);
    cd_schema_unref(dec);
    cd_schema_unref(map);
    cd_schema_unref(opt);
}

static void test_struct_values(void **state)
{
    char err[512];
    cd_schema_t *st = cd_schema_new_struct();
    cd_schema_add_field(st, "one", cd_schema_new(CD_TYPE_STRING), err, sizeof(err));
    cd_schema_t *two = cd_schema_new(CD_TYPE_INT32);
    cd_schema_set_default(two, cd_value_new_int32(7), err, sizeof(err));
    cd_schema_add_field(st, "two", two, err, sizeof(err));

    cd_value_t *v = cd_value_new_struct(st);
    assert_int_equal(cd_value_struct_validate(v, err, sizeof(err)), -1);
    assert_string_equal(
        err, "Invalid value: null used for required field: \"one\", schema type: STRING");
    assert_int_equal(cd_value_struct_put(v, "one", cd_value_new_int8(1), err, sizeof(err)), -1);
    assert_string_equal(err,
                        "Invalid Java object for schema with type STRING: class java.lang.Byte "
                        "for field: \"one\"");
    assert_int_equal(cd_value_struct_put(v, "three", cd_value_new_int8(1), err, sizeof(err)), -1);
    assert_string_equal(err, "three is not a valid field name");
    assert_int_equal(cd_value_struct_put(v, "one", cd_value_new_cstring("hi"), err, sizeof(err)),
                     0);
    /* "two" is null but has a default: valid. */
    assert_int_equal(cd_value_struct_validate(v, err, sizeof(err)), 0);
    assert_string_equal(cd_value_string(cd_value_struct_get(v, "one"), NULL), "hi");

    cd_value_t *copy = cd_value_copy(v);
    assert_true(cd_value_equals(v, copy));
    cd_value_struct_set(copy, 1, cd_value_new_int32(3));
    assert_false(cd_value_equals(v, copy));
    cd_value_destroy(copy);
    cd_value_destroy(v);
    cd_schema_unref(st);
}

static void check_decimal(const char *text, const char *to_string, const char *plain,
                          const uint8_t *bytes, size_t nbytes, int32_t scale)
{
    char buf[128];
    size_t len;
    cd_value_t *d = cd_value_new_decimal_from_string(text, strlen(text));
    assert_non_null(d);
    cd_value_decimal_to_string(d, buf, sizeof(buf));
    assert_string_equal(buf, to_string);
    cd_value_decimal_to_plain_string(d, buf, sizeof(buf));
    assert_string_equal(buf, plain);
    const uint8_t *u = cd_value_decimal_unscaled(d, &len);
    assert_int_equal(len, nbytes);
    assert_memory_equal(u, bytes, nbytes);
    assert_int_equal(cd_value_decimal_scale(d), scale);
    cd_value_destroy(d);
}

static void test_decimals(void **state)
{
    /* Expected values printed by Java 17's BigDecimal. */
    check_decimal("0", "0", "0", (const uint8_t[]){0}, 1, 0);
    check_decimal("-0.00", "0.00", "0.00", (const uint8_t[]){0}, 1, 2);
    check_decimal("123.4500", "123.4500", "123.4500", (const uint8_t[]){18, 0xd6, 68}, 3, 4);
    check_decimal("1E+3", "1E+3", "1000", (const uint8_t[]){1}, 1, -3);
    check_decimal("-1.23E-10", "-1.23E-10", "-0.000000000123", (const uint8_t[]){0x85}, 1, 12);
    check_decimal("0.000001", "0.000001", "0.000001", (const uint8_t[]){1}, 1, 6);
    check_decimal("0.0000001", "1E-7", "0.0000001", (const uint8_t[]){1}, 1, 7);
    check_decimal("12345678901234567890.123", "12345678901234567890.123",
                  "12345678901234567890.123",
                  (const uint8_t[]){2, 0x9d, 66, 0xb6, 78, 118, 113, 66, 68, 0xcb}, 10, 3);
    check_decimal("-128", "-128", "-128", (const uint8_t[]){0x80}, 1, 0);
    check_decimal("255", "255", "255", (const uint8_t[]){0, 0xff}, 2, 0);
    check_decimal("2.22", "2.22", "2.22", (const uint8_t[]){0x00, 0xde}, 2, 2);
    assert_null(cd_value_new_decimal_from_string("1.2.3", 5));
    assert_null(cd_value_new_decimal_from_string("", 0));
    assert_null(cd_value_new_decimal_from_string("e5", 2));
    assert_null(cd_value_new_decimal_from_string("1e", 2));
    /* Non-minimal input bytes are normalised, so equal numbers compare equal. */
    cd_value_t *a = cd_value_new_decimal((const uint8_t[]){0xff, 0xff, 0x80}, 3, 0);
    cd_value_t *b = cd_value_new_decimal_from_string("-128", 4);
    assert_true(cd_value_equals(a, b));
    cd_value_destroy(a);
    cd_value_destroy(b);
}

static void test_java_hash_order(void **state)
{
    /* Printed by Java 17: new HashMap<>() filled in this order, then keySet(). */
    static const char *const in[] = {"zeta", "apple", "banana", "cherry", "ü-key", "😀", "k10",
                                     "k2",   "a",     "b",      "c",      "d",     "e", "f",
                                     "g",    "h",     "i",      "j",      "k",     "l", "m"};
    static const char *const out[] = {"zeta", "banana", "cherry", "a", "b",     "c", "d",
                                      "e",    "f",      "k2",     "g", "h",     "i", "j",
                                      "k10",  "k",      "l",      "m", "apple", "😀", "ü-key"};
    cd_value_t *m = cd_value_new_map();
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        cd_value_map_put(m, cd_value_new_cstring(in[i]), cd_value_new_int32(1));
    cd_value_map_sort_java_hash_order(m);
    for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++)
        assert_string_equal(cd_value_string(cd_value_map_key_at(m, i), NULL), out[i]);
    cd_value_destroy(m);

    static const int64_t lin[] = {100, -1, 5, 17, 1LL << 40, 33, 16};
    static const int64_t lout[] = {-1, 1LL << 40, 16, 17, 33, 100, 5};
    m = cd_value_new_map();
    for (size_t i = 0; i < 7; i++)
        cd_value_map_put(m, cd_value_new_int64(lin[i]), NULL);
    cd_value_map_sort_java_hash_order(m);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(cd_value_int64(cd_value_map_key_at(m, i)), lout[i]);
    /* put() replaces an equal key in place. */
    cd_value_map_put(m, cd_value_new_int64(5), cd_value_new_boolean(true));
    assert_int_equal(cd_value_map_size(m), 7);
    assert_true(cd_value_boolean(cd_value_map_value_at(m, 6)));
    cd_value_destroy(m);
}

static void test_value_equality(void **state)
{
    cd_value_t *a = cd_value_new_int32(1), *b = cd_value_new_int64(1);
    assert_false(cd_value_equals(a, b)); /* Integer(1) != Long(1), as in Java */
    cd_value_destroy(a);
    cd_value_destroy(b);
    a = cd_value_new_float64(0.0 / 0.0);
    b = cd_value_new_float64(0.0 / 0.0);
    assert_true(cd_value_equals(a, b)); /* Double.equals: NaN equals NaN */
    cd_value_destroy(a);
    cd_value_destroy(b);
    a = cd_value_new_bytes("a\0b", 3);
    b = cd_value_new_bytes("a\0c", 3);
    assert_false(cd_value_equals(a, b));
    size_t len;
    cd_value_bytes(a, &len);
    assert_int_equal(len, 3);
    cd_value_destroy(a);
    cd_value_destroy(b);
    assert_true(cd_value_equals(NULL, NULL));
}

static void test_records(void **state)
{
    cd_record_t *r = cd_record_new("t");
    assert_int_equal(cd_record_partition(r), CD_PARTITION_NONE);
    assert_true(cd_record_timestamp(r) == CD_TIMESTAMP_NONE);
    cd_schema_t *s = cd_schema_new(CD_TYPE_STRING);
    cd_record_set_key(r, s, cd_value_new_cstring("k"));
    cd_record_set_value(r, NULL, NULL);
    cd_headers_t *h = cd_record_headers(r);
    cd_headers_add(h, "a", s, cd_value_new_cstring("1"));
    cd_headers_add(h, "b", NULL, NULL);
    cd_headers_add(h, "a", s, cd_value_new_cstring("2"));
    assert_int_equal(cd_headers_last_index(h, "a"), 2);
    cd_record_t *copy = cd_record_copy(r);
    assert_int_equal(cd_headers_remove(h, "a"), 2);
    assert_int_equal(cd_headers_count(h), 1);
    assert_int_equal(cd_headers_count(cd_record_headers(copy)), 3);
    assert_string_equal(cd_value_string(cd_headers_value_at(cd_record_headers(copy), 2), NULL),
                        "2");
    cd_record_set_topic(copy, "u");
    assert_string_equal(cd_record_topic(copy), "u");
    assert_string_equal(cd_record_topic(r), "t");
    cd_schema_unref(s);
    cd_record_destroy(r);
    cd_record_destroy(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_builder),    cmocka_unit_test(test_logical_schemas),
        cmocka_unit_test(test_validate_messages), cmocka_unit_test(test_struct_values),
        cmocka_unit_test(test_decimals),          cmocka_unit_test(test_java_hash_order),
        cmocka_unit_test(test_value_equality),    cmocka_unit_test(test_records),
    };
    return cmocka_run_group_tests_name("data", tests, NULL, NULL);
}
