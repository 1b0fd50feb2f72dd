/*
 * test_converters_basic.c: the converter registry, StringConverter (against
 * the Java-generated tests/golden/values/charset_expected.txt),
 * ByteArrayConverter and the SimpleHeaderConverter plumbing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <connectd/converter.h>

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/golden_escape.h"

static cd_converter_t *string_converter(const char *encoding, char *err, size_t err_size)
{
    cd_properties_t *props = cd_properties_new();
    if (encoding)
        cd_properties_set(props, "converter.encoding", encoding);
    cd_converter_t *conv = cd_converter_new("org.apache.kafka.connect.storage.StringConverter",
                                            props, CD_CONVERTER_VALUE, err, err_size);
    cd_properties_destroy(props);
    return conv;
}

/* ------------------------------------------------------------------ */

static void test_registry(void **state)
{
    char err[256];
    const cd_converter_plugin_t *const *all = cd_converter_plugins();
    size_t n = 0;
    while (all[n])
        n++;
    assert_int_equal(n, 11);
    assert_ptr_equal(cd_converter_plugin_find("AvroConverter"), &cd_avro_converter_plugin);
    assert_ptr_equal(cd_converter_plugin_find("IntegerConverter"), &cd_integer_converter_plugin);
    assert_ptr_equal(cd_converter_plugin_find("StringConverter"), &cd_string_converter_plugin);
    assert_ptr_equal(
        cd_converter_plugin_find("org.apache.kafka.connect.converters.ByteArrayConverter"),
        &cd_byte_array_converter_plugin);
    assert_ptr_equal(cd_converter_plugin_find("SimpleHeaderConverter"),
                     &cd_simple_header_converter_plugin);
    assert_null(cd_converter_plugin_find("org.example.Nope"));
    assert_null(cd_converter_plugin_find(NULL));
    assert_string_equal(cd_converter_type_name(CD_CONVERTER_KEY), "key");
    assert_string_equal(cd_converter_type_name(CD_CONVERTER_VALUE), "value");
    assert_string_equal(cd_converter_type_name(CD_CONVERTER_HEADER), "header");

    assert_null(cd_converter_new("org.example.Nope", NULL, CD_CONVERTER_VALUE, err, sizeof(err)));
    assert_string_equal(err, "Class org.example.Nope could not be found.");
    /* SimpleHeaderConverter is only a HeaderConverter */
    assert_null(
        cd_converter_new("SimpleHeaderConverter", NULL, CD_CONVERTER_VALUE, err, sizeof(err)));
    assert_non_null(strstr(err, "is not a Converter"));

    /* A converter made for headers still refuses key/value calls it lacks, clearly. */
    cd_converter_t *shc =
        cd_converter_new("SimpleHeaderConverter", NULL, CD_CONVERTER_HEADER, err, sizeof(err));
    assert_non_null(shc);
    assert_ptr_equal(cd_converter_plugin(shc), &cd_simple_header_converter_plugin);
    cd_buf_t out;
    bool is_null;
    cd_schema_and_value_t sv = {0};
    cd_buf_init(&out);
    assert_int_equal(
        cd_converter_from_connect(shc, "t", NULL, NULL, NULL, &out, &is_null, err, sizeof(err)),
        -1);
    assert_string_equal(err, "org.apache.kafka.connect.storage.SimpleHeaderConverter does not "
                             "implement Converter.fromConnectData");
    assert_int_equal(
        cd_converter_to_connect(shc, "t", NULL, (const uint8_t *)"x", 1, &sv, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "does not implement Converter.toConnectData"));
    cd_converter_destroy(shc);
    cd_converter_destroy(NULL);
    cd_buf_free(&out);
}

static void test_string_converter_golden(void **state)
{
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    char path[4096], line[4096];
    snprintf(path, sizeof(path), "%s/tests/golden/values/charset_expected.txt", src ? src : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t cases = 0, passed = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        const char *expected = tab + 1;
        char encoding[64], direction[16], err[256];
        int consumed = 0;
        assert_int_equal(sscanf(line, "%63s %15s %n", encoding, direction, &consumed), 2);
        size_t len;
        uint8_t *input = unescape(line + consumed, &len);
        cd_buf_t got, out;
        cd_buf_init(&got);
        cd_buf_init(&out);
        cd_converter_t *conv = string_converter(encoding, err, sizeof(err));
        if (!conv) {
            cd_buf_appendf(&got, "error:%s", err);
        } else if (!strcmp(direction, "decode")) {
            cd_schema_and_value_t sv = {0};
            assert_int_equal(
                cd_converter_to_connect(conv, "t", NULL, input, len, &sv, err, sizeof(err)), 0);
            assert_true(cd_schema_is_optional(sv.schema));
            assert_int_equal(cd_schema_type(sv.schema), CD_TYPE_STRING);
            if (sv.value) {
                size_t slen;
                const char *s = cd_value_string(sv.value, &slen);
                escape_into(&got, (const uint8_t *)s, slen);
            } else {
                cd_buf_append_str(&got, "\\N");
            }
            cd_schema_and_value_clear(&sv);
        } else {
            bool is_null = false;
            cd_value_t *v = input ? cd_value_new_string((const char *)input, len) : NULL;
            assert_int_equal(cd_converter_from_connect(conv, "t", NULL, NULL, v, &out, &is_null,
                                                       err, sizeof(err)),
                             0);
            if (is_null)
                cd_buf_append_str(&got, "\\N");
            else
                escape_into(&got, out.data, out.len);
            cd_value_destroy(v);
        }
        cd_buf_append(&got, "", 0);
        cases++;
        if (strcmp((const char *)got.data, expected) == 0)
            passed++;
        else
            fprintf(stderr, "MISMATCH charset [%s]\n  java: %s\n  c:    %s\n", line, expected,
                    got.data);
        cd_converter_destroy(conv);
        cd_buf_free(&got);
        cd_buf_free(&out);
        free(input);
    }
    fclose(f);
    printf("golden charset: %zu/%zu match Java\n", passed, cases);
    assert_true(cases >= 30);
    assert_int_equal(passed, cases);
}

static void expect_from_connect_n(cd_converter_t *conv, cd_value_t *v, const char *expected,
                                  size_t expected_len)
{
    char err[256];
    cd_buf_t out;
    bool is_null = false;
    cd_buf_init(&out);
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, NULL, v, &out, &is_null, err, sizeof(err)), 0);
    assert_false(is_null);
    assert_int_equal(out.len, expected_len);
    assert_memory_equal(out.data, expected, out.len);
    cd_buf_free(&out);
    cd_value_destroy(v);
}

static void expect_from_connect(cd_converter_t *conv, cd_value_t *v, const char *expected)
{
    expect_from_connect_n(conv, v, expected, strlen(expected));
}

static void test_string_converter_to_string(void **state)
{
    char err[256];
    cd_converter_t *conv = string_converter(NULL, err, sizeof(err));
    assert_non_null(conv);
    expect_from_connect(conv, cd_value_new_int32(-42), "-42");
    expect_from_connect(conv, cd_value_new_float64(1e10), "1.0E10");
    expect_from_connect(conv, cd_value_new_boolean(true), "true");
    cd_value_t *list = cd_value_new_array();
    cd_value_array_append(list, cd_value_new_cstring("a"));
    cd_value_array_append(list, NULL);
    cd_value_array_append(list, cd_value_new_int8(3));
    expect_from_connect(conv, list, "[a, null, 3]"); /* ArrayList.toString() */
    cd_value_t *map = cd_value_new_map();
    cd_value_map_put(map, cd_value_new_cstring("k"), cd_value_new_cstring("v"));
    expect_from_connect(conv, map, "{k=v}"); /* HashMap.toString() */
    expect_from_connect(conv, cd_value_new_date(INT64_C(1700000000123)),
                        "Tue Nov 14 22:13:20 UTC 2023"); /* Date.toString() in UTC */
    expect_from_connect(conv, cd_value_new_string("a\xff", 2), "a\xef\xbf\xbd");

    cd_schema_t *schema = cd_schema_new_struct();
    cd_schema_t *opt = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_optional(opt, true);
    cd_schema_add_field(schema, "id", cd_schema_new(CD_TYPE_INT32), err, sizeof(err));
    cd_schema_add_field(schema, "name", opt, err, sizeof(err));
    cd_value_t *st = cd_value_new_struct(schema);
    cd_value_struct_put(st, "id", cd_value_new_int32(7), err, sizeof(err));
    expect_from_connect(conv, st, "Struct{id=7}"); /* Struct.toString(): non-null fields */
    cd_schema_unref(schema);

    /* null -> null bytes, both ways */
    cd_buf_t out;
    bool is_null = false;
    cd_schema_and_value_t sv = {0};
    cd_buf_init(&out);
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, NULL, NULL, &out, &is_null, err, sizeof(err)),
        0);
    assert_true(is_null);
    assert_int_equal(cd_converter_to_connect(conv, "t", NULL, NULL, 0, &sv, err, sizeof(err)), 0);
    assert_null(sv.value);
    assert_non_null(sv.schema);
    cd_schema_and_value_clear(&sv);
    /* StringConverter is also a HeaderConverter */
    assert_int_equal(cd_converter_to_connect_header(conv, "t", "h", (const uint8_t *)"\xc3", 1, &sv,
                                                    err, sizeof(err)),
                     0);
    assert_string_equal(cd_value_string(sv.value, NULL), "\xef\xbf\xbd");
    cd_schema_and_value_clear(&sv);
    cd_buf_free(&out);
    cd_converter_destroy(conv);

    /* "encoding" alone is ignored, as by Java's StringConverter; converter.encoding counts */
    cd_properties_t *props = cd_properties_new();
    cd_properties_set(props, "encoding", "UTF-16LE");
    conv = cd_converter_new("StringConverter", props, CD_CONVERTER_KEY, err, sizeof(err));
    assert_non_null(conv);
    expect_from_connect_n(conv, cd_value_new_cstring("a"), "a", 1);
    cd_converter_destroy(conv);
    cd_properties_set(props, "converter.encoding", "UTF-16LE");
    conv = cd_converter_new("StringConverter", props, CD_CONVERTER_KEY, err, sizeof(err));
    assert_non_null(conv);
    expect_from_connect_n(conv, cd_value_new_cstring("a"), "a\0", 2);
    cd_converter_destroy(conv);
    cd_properties_set(props, "converter.encoding", "bogus-charset");
    assert_null(cd_converter_new("StringConverter", props, CD_CONVERTER_KEY, err, sizeof(err)));
    assert_string_equal(err, "Unsupported encoding bogus-charset");
    cd_properties_destroy(props);
}

/* Charsets handled by iconv behave like Java's coders (expected bytes printed by Kafka 4.3.1's
 * StringConverter with converter.encoding=windows-1252). */
static void test_string_converter_iconv_charset(void **state)
{
    char err[256];
    cd_schema_and_value_t sv = {0};
    cd_converter_t *conv = string_converter("windows-1252", err, sizeof(err));
    assert_non_null(conv);
    /* the emoji has no windows-1252 byte: one '?' for the whole code point */
    expect_from_connect_n(conv,
                          cd_value_new_cstring("a\xe2\x82\xac\xf0\x9f\x98\x80"
                                               "b"),
                          "a\x80?b", 4);
    /* 0x81 is undefined in windows-1252: U+FFFD */
    assert_int_equal(cd_converter_to_connect(conv, "t", NULL,
                                             (const uint8_t *)"\x80\x81"
                                                              "a",
                                             3, &sv, err, sizeof(err)),
                     0);
    assert_string_equal(cd_value_string(sv.value, NULL), "\xe2\x82\xac\xef\xbf\xbd"
                                                         "a");
    cd_schema_and_value_clear(&sv);
    cd_converter_destroy(conv);
}

static void test_byte_array_converter(void **state)
{
    char err[256];
    cd_buf_t out;
    bool is_null = false;
    cd_schema_and_value_t sv = {0};
    cd_converter_t *conv =
        cd_converter_new("ByteArrayConverter", NULL, CD_CONVERTER_VALUE, err, sizeof(err));
    assert_non_null(conv);
    cd_buf_init(&out);

    /* bytes pass through unchanged, even invalid UTF-8 */
    cd_value_t *v = cd_value_new_bytes("\xff\x00\xfe", 3);
    cd_schema_t *bytes = cd_schema_new(CD_TYPE_BYTES);
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, bytes, v, &out, &is_null, err, sizeof(err)), 0);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, "\xff\x00\xfe", 3);
    cd_value_destroy(v);

    /* schema type check first, then the value's class */
    cd_schema_t *str = cd_schema_new(CD_TYPE_STRING);
    v = cd_value_new_cstring("x");
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, str, v, &out, &is_null, err, sizeof(err)), -1);
    assert_string_equal(err, "Invalid schema type for ByteArrayConverter: STRING");
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, NULL, v, &out, &is_null, err, sizeof(err)), -1);
    assert_string_equal(
        err, "ByteArrayConverter is not compatible with objects of type class java.lang.String");
    cd_value_destroy(v);
    cd_schema_t *dec_schema = cd_schema_new_decimal(2);
    v = cd_value_new_decimal((const uint8_t *)"\x01", 1, 2);
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, dec_schema, v, &out, &is_null, err, sizeof(err)),
        -1);
    assert_string_equal(
        err,
        "ByteArrayConverter is not compatible with objects of type class java.math.BigDecimal");
    cd_value_destroy(v);

    /* null -> null, with or without a schema */
    assert_int_equal(
        cd_converter_from_connect(conv, "t", NULL, bytes, NULL, &out, &is_null, err, sizeof(err)),
        0);
    assert_true(is_null);

    /* read: OPTIONAL_BYTES */
    assert_int_equal(cd_converter_to_connect(conv, "t", NULL, (const uint8_t *)"\xc3(", 2, &sv, err,
                                             sizeof(err)),
                     0);
    assert_int_equal(cd_schema_type(sv.schema), CD_TYPE_BYTES);
    assert_true(cd_schema_is_optional(sv.schema));
    size_t len;
    assert_memory_equal(cd_value_bytes(sv.value, &len), "\xc3(", 2);
    cd_schema_and_value_clear(&sv);
    assert_int_equal(cd_converter_to_connect(conv, "t", NULL, NULL, 0, &sv, err, sizeof(err)), 0);
    assert_null(sv.value);
    cd_schema_and_value_clear(&sv);
    /* also a HeaderConverter */
    assert_int_equal(cd_converter_to_connect_header(conv, "t", "h", (const uint8_t *)"a", 1, &sv,
                                                    err, sizeof(err)),
                     0);
    cd_schema_and_value_clear(&sv);

    cd_schema_unref(bytes);
    cd_schema_unref(str);
    cd_schema_unref(dec_schema);
    cd_buf_free(&out);
    cd_converter_destroy(conv);
}

static void test_simple_header_converter(void **state)
{
    char err[256];
    cd_schema_and_value_t sv = {0};
    cd_buf_t out;
    bool is_null = false;
    cd_converter_t *conv =
        cd_converter_new("org.apache.kafka.connect.storage.SimpleHeaderConverter", NULL,
                         CD_CONVERTER_HEADER, err, sizeof(err));
    assert_non_null(conv);
    cd_buf_init(&out);
    assert_int_equal(cd_converter_to_connect_header(conv, "t", "h", NULL, 0, &sv, err, sizeof(err)),
                     0);
    assert_null(sv.schema);
    assert_null(sv.value);
    assert_int_equal(cd_converter_from_connect_header(conv, "t", "h", NULL, NULL, &out, &is_null,
                                                      err, sizeof(err)),
                     0);
    assert_true(is_null);
    /* bytes are written as Base64 */
    cd_value_t *v = cd_value_new_bytes("\x00\x01\x02", 3);
    assert_int_equal(
        cd_converter_from_connect_header(conv, "t", "h", NULL, v, &out, &is_null, err, sizeof(err)),
        0);
    assert_false(is_null);
    assert_int_equal(out.len, 4);
    assert_memory_equal(out.data, "AAEC", 4);
    cd_value_destroy(v);
    cd_buf_free(&out);
    cd_converter_destroy(conv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_string_converter_golden),
        cmocka_unit_test(test_string_converter_to_string),
        cmocka_unit_test(test_string_converter_iconv_charset),
        cmocka_unit_test(test_byte_array_converter),
        cmocka_unit_test(test_simple_header_converter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
