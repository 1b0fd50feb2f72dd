/*
 * test_values.c: data/values.c (Values.convertToString / parseString) against
 * the Java-generated goldens in tests/golden/values/, plus bounds and bad input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <connectd/converter.h>

#include "data/values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/golden_escape.h"

/* ------------------------------------------------------------------ */
/* Golden file helpers (the escaping of ValuesGolden.java)              */
/* ------------------------------------------------------------------ */

static void describe_schema(cd_buf_t *out, const cd_schema_t *s)
{
    if (!s) {
        cd_buf_append_str(out, "null");
        return;
    }
    cd_buf_append_str(out, cd_type_name(cd_schema_type(s)));
    if (cd_schema_is_optional(s))
        cd_buf_append_char(out, '?');
    if (cd_schema_name(s)) {
        cd_buf_appendf(out, "(%s", cd_schema_name(s));
        if (cd_schema_parameter(s, "scale"))
            cd_buf_appendf(out, ",scale=%s", cd_schema_parameter(s, "scale"));
        cd_buf_append_char(out, ')');
    }
    if (cd_schema_type(s) == CD_TYPE_ARRAY) {
        cd_buf_append_char(out, '<');
        describe_schema(out, cd_schema_value_schema(s));
        cd_buf_append_char(out, '>');
    } else if (cd_schema_type(s) == CD_TYPE_MAP) {
        cd_buf_append_char(out, '<');
        describe_schema(out, cd_schema_key_schema(s));
        cd_buf_append_char(out, ',');
        describe_schema(out, cd_schema_value_schema(s));
        cd_buf_append_char(out, '>');
    }
}

/** BigDecimal.unscaledValue().toString() from toPlainString(). */
static void append_unscaled(cd_buf_t *out, const cd_value_t *v)
{
    size_t need = cd_value_decimal_to_plain_string(v, NULL, 0);
    char *plain = malloc(need + 1), *digits = malloc(need + 2);
    size_t n = 0;
    int32_t scale = cd_value_decimal_scale(v);
    cd_value_decimal_to_plain_string(v, plain, need + 1);
    bool negative = plain[0] == '-';
    for (const char *p = plain + negative; *p; p++)
        if (*p != '.')
            digits[n++] = *p;
    if (scale < 0)
        n -= (size_t)(-(int64_t)scale);
    digits[n] = '\0';
    const char *d = digits;
    while (*d == '0' && d[1])
        d++;
    cd_buf_appendf(out, "%s%s", negative && strcmp(d, "0") ? "-" : "", d);
    free(plain);
    free(digits);
}

static void describe_value(cd_buf_t *out, const cd_value_t *v)
{
    char num[64];
    size_t len;
    if (!v) {
        cd_buf_append_str(out, "null");
        return;
    }
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
        cd_buf_appendf(out, "i8:%d", cd_value_int8(v));
        break;
    case CD_VALUE_INT16:
        cd_buf_appendf(out, "i16:%d", cd_value_int16(v));
        break;
    case CD_VALUE_INT32:
        cd_buf_appendf(out, "i32:%d", cd_value_int32(v));
        break;
    case CD_VALUE_INT64:
        cd_buf_appendf(out, "i64:%lld", (long long)cd_value_int64(v));
        break;
    case CD_VALUE_FLOAT32:
        cd_values_format_float(cd_value_float32(v), num, sizeof(num));
        cd_buf_appendf(out, "f32:%s", num);
        break;
    case CD_VALUE_FLOAT64:
        cd_values_format_double(cd_value_float64(v), num, sizeof(num));
        cd_buf_appendf(out, "f64:%s", num);
        break;
    case CD_VALUE_BOOLEAN:
        cd_buf_appendf(out, "bool:%s", cd_value_boolean(v) ? "true" : "false");
        break;
    case CD_VALUE_STRING: {
        const char *s = cd_value_string(v, &len);
        cd_buf_append_str(out, "str:\"");
        escape_into(out, (const uint8_t *)s, len);
        cd_buf_append_char(out, '"');
        break;
    }
    case CD_VALUE_BYTES: {
        const uint8_t *b = cd_value_bytes(v, &len);
        cd_buf_append_str(out, "bytes:");
        for (size_t i = 0; i < len; i++)
            cd_buf_appendf(out, "%02X", b[i]);
        break;
    }
    case CD_VALUE_DECIMAL:
        cd_buf_append_str(out, "dec:");
        append_unscaled(out, v);
        cd_buf_appendf(out, "/%d", cd_value_decimal_scale(v));
        break;
    case CD_VALUE_DATE:
        cd_buf_appendf(out, "date:%lld", (long long)cd_value_date_ms(v));
        break;
    case CD_VALUE_ARRAY:
        cd_buf_append_char(out, '[');
        for (size_t i = 0; i < cd_value_array_size(v); i++) {
            if (i)
                cd_buf_append_char(out, ',');
            describe_value(out, cd_value_array_at(v, i));
        }
        cd_buf_append_char(out, ']');
        break;
    case CD_VALUE_MAP:
        cd_buf_append_char(out, '{');
        for (size_t i = 0; i < cd_value_map_size(v); i++) {
            if (i)
                cd_buf_append_char(out, ',');
            describe_value(out, cd_value_map_key_at(v, i));
            cd_buf_append_char(out, '=');
            describe_value(out, cd_value_map_value_at(v, i));
        }
        cd_buf_append_char(out, '}');
        break;
    default:
        cd_buf_append_str(out, "?");
        break;
    }
}

static char *read_golden(const char *name)
{
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/golden/values/%s", src ? src : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        fail();
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

/** Splits a line at tabs into at most @p max fields (in place). */
static size_t split_tabs(char *line, char **fields, size_t max)
{
    size_t n = 0;
    fields[n++] = line;
    for (char *p = line; *p && n < max; p++) {
        if (*p == '\t') {
            *p = '\0';
            fields[n++] = p + 1;
        }
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Goldens                                                              */
/* ------------------------------------------------------------------ */

static void test_golden_parse(void **state)
{
    char errstr[512];
    char *text = read_golden("parse_expected.txt");
    size_t cases = 0, passed = 0;
    cd_converter_t *conv = cd_converter_new("SimpleHeaderConverter", NULL, CD_CONVERTER_HEADER,
                                            errstr, sizeof(errstr));
    assert_non_null(conv);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *f[4];
        if (split_tabs(line, f, 4) != 4)
            continue;
        size_t len;
        uint8_t *input = unescape(f[0], &len);
        cd_schema_and_value_t sv = {0};
        cd_buf_t got_schema, got_value, got_back, back;
        cd_buf_init(&got_schema);
        cd_buf_init(&got_value);
        cd_buf_init(&got_back);
        cd_buf_init(&back);
        bool is_null = false;
        assert_int_equal(cd_converter_to_connect_header(conv, "topic", "h", input, len, &sv, errstr,
                                                        sizeof(errstr)),
                         0);
        describe_schema(&got_schema, sv.schema);
        describe_value(&got_value, sv.value);
        assert_int_equal(cd_converter_from_connect_header(conv, "topic", "h", sv.schema, sv.value,
                                                          &back, &is_null, errstr, sizeof(errstr)),
                         0);
        if (is_null)
            cd_buf_append_str(&got_back, "\\N");
        else
            escape_into(&got_back, back.data, back.len);
        cd_buf_append(&got_back, "", 0);
        bool ok = strcmp((char *)got_schema.data, f[1]) == 0 &&
                  strcmp((char *)got_value.data, f[2]) == 0 &&
                  strcmp((char *)got_back.data, f[3]) == 0;
        cases++;
        if (ok)
            passed++;
        else
            fprintf(stderr, "MISMATCH parse [%s]\n  java: %s | %s | %s\n  c:    %s | %s | %s\n",
                    f[0], f[1], f[2], f[3], got_schema.data, got_value.data, got_back.data);
        cd_schema_and_value_clear(&sv);
        cd_buf_free(&got_schema);
        cd_buf_free(&got_value);
        cd_buf_free(&got_back);
        cd_buf_free(&back);
        free(input);
    }
    printf("golden parse: %zu/%zu match Java\n", passed, cases);
    cd_converter_destroy(conv);
    free(text);
    assert_true(cases >= 30);
    assert_int_equal(passed, cases);
}

/** Builds the value of a tostring_inputs.txt line, as ValuesGolden.build(). */
static cd_value_t *build_value(const char *spec)
{
    const char *colon = strchr(spec, ':');
    char kind[16] = {0};
    const char *lit = colon ? colon + 1 : "";
    memcpy(kind, spec, colon ? (size_t)(colon - spec) : strlen(spec));
    if (!strcmp(kind, "i8"))
        return cd_value_new_int8((int8_t)atoi(lit));
    if (!strcmp(kind, "i16"))
        return cd_value_new_int16((int16_t)atoi(lit));
    if (!strcmp(kind, "i32"))
        return cd_value_new_int32((int32_t)strtol(lit, NULL, 10));
    if (!strcmp(kind, "i64"))
        return cd_value_new_int64(strtoll(lit, NULL, 10));
    if (!strcmp(kind, "f32"))
        return cd_value_new_float32(strtof(lit, NULL));
    if (!strcmp(kind, "f64"))
        return cd_value_new_float64(strtod(lit, NULL));
    if (!strcmp(kind, "bool"))
        return cd_value_new_boolean(!strcmp(lit, "true"));
    if (!strcmp(kind, "str")) {
        size_t len;
        uint8_t *b = unescape(lit, &len);
        cd_value_t *v = cd_value_new_string((const char *)b, len);
        free(b);
        return v;
    }
    if (!strcmp(kind, "bytes")) {
        uint8_t b[64];
        size_t n = strlen(lit) / 2;
        for (size_t i = 0; i < n; i++) {
            char hex[3] = {lit[2 * i], lit[2 * i + 1], 0};
            b[i] = (uint8_t)strtoul(hex, NULL, 16);
        }
        return cd_value_new_bytes(b, n);
    }
    if (!strcmp(kind, "dec"))
        return cd_value_new_decimal_from_string(lit, strlen(lit));
    if (!strcmp(kind, "date"))
        return cd_value_new_date(strtoll(lit, NULL, 10));
    if (!strcmp(kind, "parse")) {
        size_t len;
        uint8_t *b = unescape(lit, &len);
        cd_schema_and_value_t sv = {0};
        char err[128];
        assert_int_equal(cd_values_parse_string((const char *)b, len, &sv, err, sizeof(err)), 0);
        free(b);
        cd_value_t *v = sv.value;
        sv.value = NULL;
        cd_schema_and_value_clear(&sv);
        return v;
    }
    if (!strcmp(kind, "struct")) {
        char err[128];
        cd_schema_t *st = cd_schema_new_struct();
        cd_schema_t *name = cd_schema_new(CD_TYPE_STRING);
        cd_schema_t *tags = cd_schema_new_array(cd_schema_new(CD_TYPE_STRING));
        cd_schema_t *q = cd_schema_new(CD_TYPE_FLOAT64);
        cd_schema_set_name(st, "S");
        cd_schema_set_optional(name, true);
        assert_int_equal(
            cd_schema_set_default(name, cd_value_new_cstring("dflt"), err, sizeof(err)), 0);
        cd_schema_set_optional(tags, true);
        cd_schema_set_optional(q, true);
        cd_schema_add_field(st, "id", cd_schema_new(CD_TYPE_INT32), err, sizeof(err));
        cd_schema_add_field(st, "name", name, err, sizeof(err));
        cd_schema_add_field(st, "tags", tags, err, sizeof(err));
        cd_schema_add_field(st, "q\"uote", q, err, sizeof(err));
        cd_value_t *v = cd_value_new_struct(st);
        cd_value_t *list = cd_value_new_array();
        cd_value_array_append(list, cd_value_new_cstring("a"));
        cd_value_array_append(list, cd_value_new_cstring("b\\c"));
        assert_int_equal(cd_value_struct_put(v, "id", cd_value_new_int32(7), err, sizeof(err)), 0);
        assert_int_equal(cd_value_struct_put(v, "tags", list, err, sizeof(err)), 0);
        cd_schema_unref(st);
        return v;
    }
    if (!strcmp(kind, "list")) {
        const uint8_t b[] = {1, 2, 3};
        const uint8_t unscaled[] = {150};
        cd_value_t *l = cd_value_new_array();
        cd_value_array_append(l, cd_value_new_int32(1));
        cd_value_array_append(l, NULL);
        cd_value_array_append(l, cd_value_new_bytes(b, 3));
        cd_value_array_append(l, cd_value_new_decimal((const uint8_t[]){0x00, unscaled[0]}, 2, 2));
        cd_value_array_append(l, cd_value_new_date(INT64_C(1700000000123)));
        cd_value_array_append(l, cd_value_new_float32(2.5f));
        return l;
    }
    if (!strcmp(kind, "map")) {
        cd_value_t *m = cd_value_new_map(), *l = cd_value_new_array(), *inner = cd_value_new_map();
        cd_value_array_append(l, cd_value_new_int64(1));
        cd_value_array_append(l, cd_value_new_int64(2));
        cd_value_map_put(inner, cd_value_new_cstring("in"), cd_value_new_cstring("ner"));
        cd_value_map_put(m, cd_value_new_cstring("k\"1"), l);
        cd_value_map_put(m, cd_value_new_int32(3), NULL);
        cd_value_map_put(m, cd_value_new_boolean(true), inner);
        return m;
    }
    fail_msg("unknown kind %s", kind);
    return NULL;
}

/* JDK 17's Double/Float.toString is not always the shortest form; JDK 19+
 * (JDK-4511638) is, and so is connectd. These lines accept the JDK 19+ form. */
static const char *const jdk19_forms[][2] = {
    {"f64:1.0E23", "1.0E23"},
    {"f32:1.17549435E-38", "1.1754944E-38"},
};

static void test_golden_to_string(void **state)
{
    char *text = read_golden("tostring_expected.txt");
    size_t cases = 0, passed = 0, jdk19 = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *f[2];
        if (split_tabs(line, f, 2) != 2)
            continue;
        char errstr[256];
        cd_value_t *v = build_value(f[0]);
        cd_buf_t out, esc;
        bool is_null;
        cd_buf_init(&out);
        cd_buf_init(&esc);
        assert_int_equal(
            cd_values_convert_to_string(NULL, v, &out, &is_null, errstr, sizeof(errstr)), 0);
        escape_into(&esc, out.data, out.len);
        cd_buf_append(&esc, "", 0);
        cases++;
        bool ok = strcmp((char *)esc.data, f[1]) == 0;
        for (size_t i = 0; !ok && i < sizeof(jdk19_forms) / sizeof(jdk19_forms[0]); i++) {
            if (!strcmp(f[0], jdk19_forms[i][0]) && !strcmp((char *)esc.data, jdk19_forms[i][1])) {
                ok = true;
                jdk19++;
            }
        }
        if (ok)
            passed++;
        else
            fprintf(stderr, "MISMATCH tostring [%s]\n  java: %s\n  c:    %s\n", f[0], f[1],
                    esc.data);
        cd_buf_free(&out);
        cd_buf_free(&esc);
        cd_value_destroy(v);
    }
    printf("golden tostring: %zu/%zu match Java (%zu in the JDK 19+ shortest form)\n", passed,
           cases, jdk19);
    free(text);
    assert_true(cases >= 30);
    assert_int_equal(passed, cases);
}

/* ------------------------------------------------------------------ */
/* Bounds and bad input                                                 */
/* ------------------------------------------------------------------ */

static void parse_expect(const char *text, cd_type_t type, const char *name)
{
    cd_schema_and_value_t sv = {0};
    char err[256];
    assert_int_equal(cd_values_parse_string(text, strlen(text), &sv, err, sizeof(err)), 0);
    assert_non_null(sv.schema);
    assert_int_equal(cd_schema_type(sv.schema), type);
    if (name)
        assert_string_equal(cd_schema_name(sv.schema), name);
    cd_schema_and_value_clear(&sv);
}

static void test_deep_nesting_is_bounded(void **state)
{
    char err[256];
    size_t depth = 100000;
    char *deep = malloc(2 * depth + 2);
    memset(deep, '[', depth);
    deep[depth] = '1';
    memset(deep + depth + 1, ']', depth);
    deep[2 * depth + 1] = '\0';
    cd_schema_and_value_t sv = {0};
    assert_int_equal(cd_values_parse_string(deep, strlen(deep), &sv, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "nesting"));
    assert_null(sv.schema);

    /* SimpleHeaderConverter keeps the raw bytes, as Java does when parsing throws. */
    cd_converter_t *conv =
        cd_converter_new("SimpleHeaderConverter", NULL, CD_CONVERTER_HEADER, err, sizeof(err));
    assert_non_null(conv);
    assert_int_equal(cd_converter_to_connect_header(conv, "t", "h", (const uint8_t *)deep,
                                                    strlen(deep), &sv, err, sizeof(err)),
                     0);
    assert_int_equal(cd_schema_type(sv.schema), CD_TYPE_BYTES);
    cd_schema_and_value_clear(&sv);

    /* Within the bound it parses. */
    size_t ok_depth = CD_VALUES_MAX_DEPTH;
    memset(deep, '[', ok_depth);
    deep[ok_depth] = '1';
    memset(deep + ok_depth + 1, ']', ok_depth);
    deep[2 * ok_depth + 1] = '\0';
    parse_expect(deep, CD_TYPE_ARRAY, NULL);
    /* Unbalanced deep input is a string. */
    deep[2 * ok_depth] = '\0';
    parse_expect(deep, CD_TYPE_STRING, NULL);
    cd_converter_destroy(conv);
    free(deep);
}

static void test_huge_numbers(void **state)
{
    char err[256];
    parse_expect("123456789012345678901234567890", CD_TYPE_BYTES, CD_LOGICAL_DECIMAL);
    parse_expect("1e2147483647", CD_TYPE_BYTES, CD_LOGICAL_DECIMAL);
    parse_expect("1e2147483648", CD_TYPE_STRING, NULL);  /* exponent overflow: not a number */
    parse_expect("1e-2147483649", CD_TYPE_STRING, NULL); /* scale overflow */
    parse_expect("1e-50", CD_TYPE_FLOAT32, NULL);        /* underflows to 0.0f as in Java */
    parse_expect("-1.5e300", CD_TYPE_FLOAT64, NULL);

    /* A number longer than the decimal bound fails instead of taking quadratic time. */
    size_t n = CD_VALUES_MAX_NUMBER_LEN + 10;
    char *big = malloc(n + 1);
    memset(big, '9', n);
    big[n] = '\0';
    cd_schema_and_value_t sv = {0};
    assert_int_equal(cd_values_parse_string(big, n, &sv, err, sizeof(err)), -1);
    /* but a long digit string inside a date-length token is irrelevant; in a string it is kept */
    big[0] = 'x';
    parse_expect(big, CD_TYPE_STRING, NULL);
    free(big);
}

static void test_convert_to_string_null_and_bounds(void **state)
{
    cd_buf_t out;
    bool is_null = false;
    char err[128];
    cd_buf_init(&out);
    assert_int_equal(cd_values_convert_to_string(NULL, NULL, &out, &is_null, err, sizeof(err)), 0);
    assert_true(is_null);
    /* the buffer cap is honoured */
    out.max_size = 8;
    cd_value_t *s = cd_value_new_cstring("a string longer than eight bytes");
    assert_int_equal(cd_values_convert_to_string(NULL, s, &out, &is_null, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too large"));
    cd_value_destroy(s);
    cd_buf_free(&out);
    assert_int_equal(cd_values_parse_string(NULL, 0, &(cd_schema_and_value_t){0}, err, sizeof(err)),
                     0);
}

static void test_invalid_utf8_header(void **state)
{
    char err[256];
    cd_schema_and_value_t sv = {0};
    cd_converter_t *conv =
        cd_converter_new("SimpleHeaderConverter", NULL, CD_CONVERTER_HEADER, err, sizeof(err));
    /* a value holding malformed UTF-8 is written as Java would have held it */
    cd_value_t *bad = cd_value_new_string("a\xff"
                                          "b",
                                          3);
    cd_buf_t out;
    bool is_null;
    cd_buf_init(&out);
    assert_int_equal(cd_converter_from_connect_header(conv, "t", "h", NULL, bad, &out, &is_null,
                                                      err, sizeof(err)),
                     0);
    assert_int_equal(out.len, 5);
    assert_memory_equal(out.data,
                        "a\xef\xbf\xbd"
                        "b",
                        5);
    /* and reading it back gives a valid string */
    assert_int_equal(cd_converter_to_connect_header(conv, "t", "h", (const uint8_t *)"[\"\xc3\"]",
                                                    5, &sv, err, sizeof(err)),
                     0);
    assert_int_equal(cd_schema_type(sv.schema), CD_TYPE_ARRAY);
    assert_string_equal(cd_value_string(cd_value_array_at(sv.value, 0), NULL), "\xef\xbf\xbd");
    cd_schema_and_value_clear(&sv);
    cd_value_destroy(bad);
    cd_buf_free(&out);
    cd_converter_destroy(conv);
}

static void test_number_formatting(void **state)
{
    char buf[64];
    cd_values_format_double(100.0, buf, sizeof(buf));
    assert_string_equal(buf, "100.0");
    cd_values_format_double(1e7, buf, sizeof(buf));
    assert_string_equal(buf, "1.0E7");
    cd_values_format_double(-1.5e-7, buf, sizeof(buf));
    assert_string_equal(buf, "-1.5E-7");
    cd_values_format_double(0.001, buf, sizeof(buf));
    assert_string_equal(buf, "0.001");
    cd_values_format_float(0.3f, buf, sizeof(buf));
    assert_string_equal(buf, "0.3");
    cd_values_format_float(16777216.0f, buf, sizeof(buf));
    assert_string_equal(buf, "1.6777216E7");
    /* buffer too small: the needed length is returned, output truncated */
    assert_int_equal(cd_values_format_double(123.25, buf, 4), 6);
    assert_string_equal(buf, "123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_parse),
        cmocka_unit_test(test_golden_to_string),
        cmocka_unit_test(test_deep_nesting_is_bounded),
        cmocka_unit_test(test_huge_numbers),
        cmocka_unit_test(test_convert_to_string_null_and_bounds),
        cmocka_unit_test(test_invalid_utf8_header),
        cmocka_unit_test(test_number_formatting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
