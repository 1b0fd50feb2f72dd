/**
 * @file test_avro_converter.c
 * @brief Unit tests of io.confluent.connect.avro.AvroConverter and the AvroData
 *        mapping under it: Connect -> Avro schema JSON (checked against what
 *        Confluent's AvroDataTest expects), Avro -> Connect schema, converter
 *        round trips on a mock:// registry, binary compatibility with Avro C's
 *        own reader and writer, and bad input (magic byte, unknown id, truncated,
 *        trailing, negative lengths, huge block counts, union index, depth).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <avro.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <connectd/buf.h>
#include <connectd/converter.h>
#include <connectd/data.h>

#include "converters/avro_data.h"
#include "converters/schema_registry_client.h"
#include "util/properties.h"

#define ES 2048
#define AVRO_CLASS "io.confluent.connect.avro.AvroConverter"

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

static cd_schema_t *named(cd_schema_t *s, const char *name)
{
    cd_schema_set_name(s, name);
    return s;
}

static cd_schema_t *opt(cd_schema_t *s)
{
    cd_schema_set_optional(s, true);
    return s;
}

static void add(cd_schema_t *st, const char *name, cd_schema_t *fs)
{
    char errstr[ES];
    assert_int_equal(cd_schema_add_field(st, name, fs, errstr, sizeof(errstr)), 0);
}

static void put(cd_value_t *st, const char *field, cd_value_t *v)
{
    char errstr[ES];
    assert_int_equal(cd_value_struct_put(st, field, v, errstr, sizeof(errstr)), 0);
}

/* The Avro schema JSON of a Connect schema, parsed with jansson. */
static json_t *avro_json_cfg(const cd_avro_data_config_t *cfg, const cd_schema_t *schema)
{
    char errstr[ES] = "";
    cd_avro_schema_t *a = cd_avro_schema_from_connect(cfg, schema, errstr, sizeof(errstr));
    if (!a)
        fail_msg("fromConnectSchema: %s", errstr);
    json_error_t jerr;
    json_t *j = json_loads(cd_avro_schema_text(a), JSON_DECODE_ANY, &jerr);
    assert_non_null(j);
    cd_avro_schema_destroy(a);
    return j;
}

static json_t *avro_json(const cd_schema_t *schema)
{
    cd_avro_data_config_t cfg;
    cd_avro_data_config_defaults(&cfg);
    return avro_json_cfg(&cfg, schema);
}

/* Asserts the JSON equals the expected JSON text (object key order ignored). */
static void assert_json(const json_t *got, const char *expected)
{
    json_error_t jerr;
    json_t *want = json_loads(expected, JSON_DECODE_ANY, &jerr);
    if (!want)
        fail_msg("bad expected JSON %s: %s", expected, jerr.text);
    if (!json_equal(got, want)) {
        char *text = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);
        json_decref(want);
        fail_msg("got %s\nwant %s", text, expected);
    }
    json_decref(want);
}

/* Connect schema -> Avro JSON, compared with the expected text. */
static void expect_avro(cd_schema_t *schema, const char *expected)
{
    json_t *j = avro_json(schema);
    assert_json(j, expected);
    json_decref(j);
    cd_schema_unref(schema);
}

/* Avro JSON text -> Connect schema (version = registry version or -1). */
static cd_schema_t *to_connect(const char *avro, int32_t version)
{
    char errstr[ES] = "";
    cd_avro_data_config_t cfg;
    bool schemaless = false;
    cd_avro_data_config_defaults(&cfg);
    cd_avro_schema_t *a = cd_avro_schema_parse(avro, strlen(avro), errstr, sizeof(errstr));
    if (!a)
        fail_msg("parse: %s", errstr);
    cd_schema_t *s =
        cd_avro_to_connect_schema(&cfg, a, version, &schemaless, errstr, sizeof(errstr));
    if (!s)
        fail_msg("toConnectSchema: %s", errstr);
    assert_false(schemaless);
    cd_avro_schema_destroy(a);
    return s;
}

static cd_converter_t *converter(cd_converter_type_t type, const char *const *kv)
{
    char errstr[ES] = "";
    cd_properties_t *p = cd_properties_new();
    assert_non_null(p);
    assert_int_equal(cd_properties_set(p, "schema.registry.url", "mock://unit"), 0);
    for (; kv && kv[0]; kv += 2)
        assert_int_equal(cd_properties_set(p, kv[0], kv[1]), 0);
    cd_converter_t *c = cd_converter_new(AVRO_CLASS, p, type, errstr, sizeof(errstr));
    cd_properties_destroy(p);
    if (!c)
        fail_msg("converter: %s", errstr);
    return c;
}

static cd_schema_registry_t *registry(void)
{
    char errstr[ES] = "";
    cd_properties_t *p = cd_properties_new();
    assert_int_equal(cd_properties_set(p, "schema.registry.url", "mock://unit"), 0);
    cd_schema_registry_t *sr = cd_schema_registry_new(p, errstr, sizeof(errstr));
    cd_properties_destroy(p);
    assert_non_null(sr);
    return sr;
}

static int32_t header_id(const cd_buf_t *b)
{
    assert_true(b->len >= 5);
    assert_int_equal(b->data[0], 0);
    return (int32_t)((uint32_t)b->data[1] << 24 | (uint32_t)b->data[2] << 16 |
                     (uint32_t)b->data[3] << 8 | (uint32_t)b->data[4]);
}

/* from_connect into @p out, asserting success. */
static void write_ok(cd_converter_t *c, const char *topic, const cd_schema_t *s,
                     const cd_value_t *v, cd_buf_t *out)
{
    char errstr[ES] = "";
    bool is_null = true;
    cd_buf_reset(out);
    if (cd_converter_from_connect(c, topic, NULL, s, v, out, &is_null, errstr, sizeof(errstr)) < 0)
        fail_msg("from_connect: %s", errstr);
    assert_false(is_null);
}

/* to_connect of raw bytes expected to fail with a message starting with the
 * deserialization prefix and containing @p cause. */
static void read_fails(cd_converter_t *c, const char *topic, const uint8_t *data, size_t len,
                       const char *cause)
{
    char errstr[ES] = "", prefix[256];
    cd_schema_and_value_t sv = {0};
    assert_int_equal(
        cd_converter_to_connect(c, topic, NULL, data, len, &sv, errstr, sizeof(errstr)), -1);
    assert_null(sv.value);
    assert_null(sv.schema);
    snprintf(prefix, sizeof(prefix), "Failed to deserialize data for topic %s to Avro: ", topic);
    if (strncmp(errstr, prefix, strlen(prefix)) != 0 || !strstr(errstr, cause))
        fail_msg("error \"%s\" lacks \"%s\"", errstr, cause);
}

/* ------------------------------------------------------------------ */
/* 1. Connect -> Avro schema                                            */
/* ------------------------------------------------------------------ */

static void test_schema_primitives(void **state)
{
    (void)state;
    /* AvroDataTest.testFromConnectInt8/Int16: int + connect.type */
    expect_avro(cd_schema_new(CD_TYPE_INT8), "{\"type\":\"int\",\"connect.type\":\"int8\"}");
    expect_avro(cd_schema_new(CD_TYPE_INT16), "{\"type\":\"int\",\"connect.type\":\"int16\"}");
    expect_avro(cd_schema_new(CD_TYPE_INT32), "\"int\"");
    expect_avro(cd_schema_new(CD_TYPE_INT64), "\"long\"");
    expect_avro(cd_schema_new(CD_TYPE_FLOAT32), "\"float\"");
    expect_avro(cd_schema_new(CD_TYPE_FLOAT64), "\"double\"");
    expect_avro(cd_schema_new(CD_TYPE_BOOLEAN), "\"boolean\"");
    expect_avro(cd_schema_new(CD_TYPE_STRING), "\"string\"");
    expect_avro(cd_schema_new(CD_TYPE_BYTES), "\"bytes\"");
    /* optional top level: ["null", T] */
    expect_avro(opt(cd_schema_new(CD_TYPE_INT32)), "[\"null\",\"int\"]");
    expect_avro(opt(cd_schema_new(CD_TYPE_INT8)),
                "[\"null\",{\"type\":\"int\",\"connect.type\":\"int8\"}]");
}

static void test_schema_struct_optional_fields(void **state)
{
    (void)state;
    char errstr[ES];
    cd_schema_t *st = named(cd_schema_new_struct(), "com.example.Rec");
    add(st, "req", cd_schema_new(CD_TYPE_INT32));
    add(st, "o", opt(cd_schema_new(CD_TYPE_STRING)));
    cd_schema_t *d = opt(cd_schema_new(CD_TYPE_INT64));
    assert_int_equal(cd_schema_set_default(d, cd_value_new_int64(42), errstr, sizeof(errstr)), 0);
    add(st, "od", d);
    cd_schema_t *rd = cd_schema_new(CD_TYPE_BOOLEAN);
    assert_int_equal(cd_schema_set_default(rd, cd_value_new_boolean(true), errstr, sizeof(errstr)),
                     0);
    add(st, "rd", rd);
    expect_avro(st, "{\"type\":\"record\",\"name\":\"Rec\",\"namespace\":\"com.example\","
                    "\"fields\":["
                    "{\"name\":\"req\",\"type\":\"int\"},"
                    "{\"name\":\"o\",\"type\":[\"null\",\"string\"],\"default\":null},"
                    "{\"name\":\"od\",\"type\":[{\"type\":\"long\",\"connect.default\":42},"
                    "\"null\"],\"default\":42},"
                    "{\"name\":\"rd\",\"type\":{\"type\":\"boolean\",\"connect.default\":true},"
                    "\"default\":true}],"
                    "\"connect.name\":\"com.example.Rec\"}");

    /* a name without a dot: no namespace */
    st = named(cd_schema_new_struct(), "Plain");
    add(st, "a", cd_schema_new(CD_TYPE_INT32));
    json_t *j = avro_json(st);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Plain");
    assert_null(json_object_get(j, "namespace"));
    assert_string_equal(json_string_value(json_object_get(j, "connect.name")), "Plain");
    json_decref(j);
    cd_schema_unref(st);
}

static void test_schema_connect_default_names(void **state)
{
    (void)state;
    cd_schema_t *inner = cd_schema_new_struct();
    add(inner, "x", cd_schema_new(CD_TYPE_INT32));
    cd_schema_t *inner2 = cd_schema_new_struct();
    add(inner2, "y", cd_schema_new(CD_TYPE_STRING));
    cd_schema_t *st = cd_schema_new_struct();
    add(st, "a", inner);
    add(st, "b", inner2);
    json_t *j = avro_json(st);
    assert_string_equal(json_string_value(json_object_get(j, "name")), "ConnectDefault");
    assert_string_equal(json_string_value(json_object_get(j, "namespace")),
                        "io.confluent.connect.avro");
    assert_null(json_object_get(j, "connect.name"));
    json_t *fields = json_object_get(j, "fields");
    assert_int_equal(json_array_size(fields), 2);
    json_t *ta = json_object_get(json_array_get(fields, 0), "type");
    json_t *tb = json_object_get(json_array_get(fields, 1), "type");
    assert_string_equal(json_string_value(json_object_get(ta, "name")), "ConnectDefault2");
    assert_string_equal(json_string_value(json_object_get(tb, "name")), "ConnectDefault3");
    json_decref(j);
    cd_schema_unref(st);
}

static void test_schema_logical(void **state)
{
    (void)state;
    /* AvroDataTest.testFromConnectLogicalDecimal */
    expect_avro(cd_schema_new_decimal(2),
                "{\"type\":\"bytes\",\"scale\":2,\"precision\":64,\"logicalType\":\"decimal\","
                "\"connect.version\":1,\"connect.parameters\":{\"scale\":\"2\"},"
                "\"connect.name\":\"org.apache.kafka.connect.data.Decimal\"}");
    expect_avro(cd_schema_new_date(),
                "{\"type\":\"int\",\"logicalType\":\"date\",\"connect.version\":1,"
                "\"connect.name\":\"org.apache.kafka.connect.data.Date\"}");
    expect_avro(cd_schema_new_time(),
                "{\"type\":\"int\",\"logicalType\":\"time-millis\",\"connect.version\":1,"
                "\"connect.name\":\"org.apache.kafka.connect.data.Time\"}");
    expect_avro(cd_schema_new_timestamp(),
                "{\"type\":\"long\",\"logicalType\":\"timestamp-millis\",\"connect.version\":1,"
                "\"connect.name\":\"org.apache.kafka.connect.data.Timestamp\"}");
}

static void test_schema_maps(void **state)
{
    (void)state;
    expect_avro(cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_new(CD_TYPE_INT32)),
                "{\"type\":\"map\",\"values\":\"int\"}");
    /* AvroDataTest.testFromConnectMapWithStringKey / WithNonStringKey */
    expect_avro(cd_schema_new_map(cd_schema_new(CD_TYPE_INT32), cd_schema_new(CD_TYPE_STRING)),
                "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"MapEntry\","
                "\"namespace\":\"io.confluent.connect.avro\",\"fields\":["
                "{\"name\":\"key\",\"type\":\"int\"},{\"name\":\"value\",\"type\":\"string\"}]}}");
    expect_avro(cd_schema_new_array(cd_schema_new(CD_TYPE_FLOAT64)),
                "{\"type\":\"array\",\"items\":\"double\"}");
}

static void test_schema_metadata(void **state)
{
    (void)state;
    cd_schema_t *s = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_name(s, "com.example.S");
    cd_schema_set_version(s, 2);
    cd_schema_set_doc(s, "a doc");
    cd_schema_set_parameter(s, "foo", "bar");
    cd_schema_set_parameter(s, "baz", "qux");
    json_t *j = avro_json(s);
    assert_json(j, "{\"type\":\"string\",\"connect.doc\":\"a doc\",\"connect.version\":2,"
                   "\"connect.parameters\":{\"foo\":\"bar\",\"baz\":\"qux\"},"
                   "\"connect.name\":\"com.example.S\"}");
    json_decref(j);

    /* connect.meta.data=false drops every connect.* property */
    cd_avro_data_config_t cfg;
    cd_avro_data_config_defaults(&cfg);
    cfg.connect_meta_data = false;
    j = avro_json_cfg(&cfg, s);
    assert_json(j, "\"string\"");
    json_decref(j);
    cd_schema_unref(s);

    /* a struct's doc() goes to connect.doc; the Avro record "doc" comes from the
     * io.confluent.connect.avro.record.doc parameter (AvroData.fromConnectSchema) */
    cd_schema_t *st = named(cd_schema_new_struct(), "a.b.R");
    cd_schema_set_doc(st, "connect doc");
    cd_schema_set_parameter(st, "io.confluent.connect.avro.record.doc", "rec doc");
    add(st, "f", cd_schema_new(CD_TYPE_INT32));
    j = avro_json(st);
    assert_string_equal(json_string_value(json_object_get(j, "doc")), "rec doc");
    assert_string_equal(json_string_value(json_object_get(j, "connect.doc")), "connect doc");
    assert_string_equal(json_string_value(json_object_get(j, "namespace")), "a.b");
    json_decref(j);
    cd_schema_unref(st);
}

static void test_schema_enum_enhanced(void **state)
{
    (void)state;
    cd_schema_t *s = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_name(s, "ns.Color");
    cd_schema_set_parameter(s, "io.confluent.connect.avro.Enum", "ns.Color");
    cd_schema_set_parameter(s, "io.confluent.connect.avro.Enum.RED", "RED");
    cd_schema_set_parameter(s, "io.confluent.connect.avro.Enum.GREEN", "GREEN");
    cd_avro_data_config_t cfg;
    cd_avro_data_config_defaults(&cfg);
    cfg.enhanced_schema_support = true;
    json_t *j = avro_json_cfg(&cfg, s);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "enum");
    assert_string_equal(json_string_value(json_object_get(j, "name")), "Color");
    assert_string_equal(json_string_value(json_object_get(j, "namespace")), "ns");
    assert_json(json_object_get(j, "symbols"), "[\"RED\",\"GREEN\"]");
    json_decref(j);
    /* without enhanced support it stays a string */
    j = avro_json(s);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "string");
    json_decref(j);
    cd_schema_unref(s);
}

/* ------------------------------------------------------------------ */
/* 2. Avro -> Connect schema                                            */
/* ------------------------------------------------------------------ */

static void test_reverse_enum_union(void **state)
{
    (void)state;
    cd_schema_t *s = to_connect("{\"type\":\"enum\",\"name\":\"Color\",\"namespace\":\"ns\","
                                "\"symbols\":[\"RED\",\"GREEN\"]}",
                                -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_STRING);
    assert_string_equal(cd_schema_parameter(s, "io.confluent.connect.avro.Enum"), "ns.Color");
    assert_string_equal(cd_schema_parameter(s, "io.confluent.connect.avro.Enum.RED"), "RED");
    assert_string_equal(cd_schema_parameter(s, "io.confluent.connect.avro.Enum.GREEN"), "GREEN");
    cd_schema_unref(s);

    s = to_connect("[\"null\",\"int\"]", -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_INT32);
    assert_true(cd_schema_is_optional(s));
    cd_schema_unref(s);

    s = to_connect("[\"int\",\"string\"]", -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_STRUCT);
    assert_string_equal(cd_schema_name(s), "io.confluent.connect.avro.Union");
    assert_int_equal(cd_schema_field_count(s), 2);
    assert_string_equal(cd_field_name(cd_schema_field_at(s, 0)), "int");
    assert_string_equal(cd_field_name(cd_schema_field_at(s, 1)), "string");
    assert_int_equal(cd_schema_type(cd_field_schema(cd_schema_field_at(s, 0))), CD_TYPE_INT32);
    assert_true(cd_schema_is_optional(cd_field_schema(cd_schema_field_at(s, 0))));
    assert_int_equal(cd_schema_type(cd_field_schema(cd_schema_field_at(s, 1))), CD_TYPE_STRING);
    cd_schema_unref(s);
}

static void test_reverse_maps_names_versions(void **state)
{
    (void)state;
    cd_schema_t *s = to_connect(
        "{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"MapEntry\","
        "\"namespace\":\"io.confluent.connect.avro\",\"fields\":["
        "{\"name\":\"key\",\"type\":\"int\"},{\"name\":\"value\",\"type\":\"string\"}]}}",
        -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_MAP);
    assert_int_equal(cd_schema_type(cd_schema_key_schema(s)), CD_TYPE_INT32);
    assert_int_equal(cd_schema_type(cd_schema_value_schema(s)), CD_TYPE_STRING);
    cd_schema_unref(s);

    s = to_connect("{\"type\":\"map\",\"values\":\"long\"}", -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_MAP);
    assert_int_equal(cd_schema_type(cd_schema_key_schema(s)), CD_TYPE_STRING);
    assert_int_equal(cd_schema_type(cd_schema_value_schema(s)), CD_TYPE_INT64);
    cd_schema_unref(s);

    /* registry version used when connect.version is absent */
    const char *rec = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"ns\","
                      "\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}";
    s = to_connect(rec, 7);
    assert_string_equal(cd_schema_name(s), "ns.R");
    assert_true(cd_schema_has_version(s));
    assert_int_equal(cd_schema_version(s), 7);
    cd_schema_unref(s);
    s = to_connect(rec, -1);
    assert_false(cd_schema_has_version(s));
    cd_schema_unref(s);
    s = to_connect("{\"type\":\"record\",\"name\":\"R\",\"connect.version\":3,"
                   "\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
                   7);
    assert_int_equal(cd_schema_version(s), 3);
    cd_schema_unref(s);

    /* ConnectDefault names dropped */
    s = to_connect("{\"type\":\"record\",\"name\":\"ConnectDefault\","
                   "\"namespace\":\"io.confluent.connect.avro\","
                   "\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}",
                   -1);
    assert_null(cd_schema_name(s));
    cd_schema_unref(s);

    /* fixed -> BYTES with connect.fixed.size */
    s = to_connect("{\"type\":\"fixed\",\"name\":\"F4\",\"size\":4}", -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_BYTES);
    assert_string_equal(cd_schema_parameter(s, "connect.fixed.size"), "4");
    cd_schema_unref(s);

    /* int8 via connect.type, decimal logical type */
    s = to_connect("{\"type\":\"int\",\"connect.type\":\"int8\"}", -1);
    assert_int_equal(cd_schema_type(s), CD_TYPE_INT8);
    cd_schema_unref(s);
    s = to_connect("{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":3}",
                   -1);
    assert_int_equal(cd_schema_logical(s), CD_LOGICAL_KIND_DECIMAL);
    bool ok = false;
    assert_int_equal(cd_schema_decimal_scale(s, &ok), 3);
    assert_true(ok);
    cd_schema_unref(s);
}

static void test_reverse_errors(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_avro_data_config_t cfg;
    bool schemaless = false;
    cd_avro_data_config_defaults(&cfg);
    const char *rec = "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                      "{\"name\":\"v\",\"type\":\"int\"},"
                      "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}";
    cd_avro_schema_t *a = cd_avro_schema_parse(rec, strlen(rec), errstr, sizeof(errstr));
    assert_non_null(a);
    assert_null(cd_avro_to_connect_schema(&cfg, a, -1, &schemaless, errstr, sizeof(errstr)));
    assert_false(schemaless);
    assert_non_null(strstr(errstr, "Recursive Avro schemas are not supported"));
    cd_avro_schema_destroy(a);

    /* a too-deep (non-recursive) schema: 80 nested arrays */
    cd_buf_t b;
    cd_buf_init(&b);
    for (int i = 0; i < 80; i++)
        cd_buf_append_str(&b, "{\"type\":\"array\",\"items\":");
    cd_buf_append_str(&b, "\"int\"");
    for (int i = 0; i < 80; i++)
        cd_buf_append_str(&b, "}");
    errstr[0] = 0;
    a = cd_avro_schema_parse((const char *)b.data, b.len, errstr, sizeof(errstr));
    if (a) {
        assert_null(cd_avro_to_connect_schema(&cfg, a, -1, &schemaless, errstr, sizeof(errstr)));
        cd_avro_schema_destroy(a);
    }
    assert_non_null(strstr(errstr, "nested deeper"));
    cd_buf_free(&b);

    /* garbage JSON */
    assert_null(cd_avro_schema_parse("{\"type\":", 8, errstr, sizeof(errstr)));
    assert_null(cd_avro_schema_parse("{\"type\":\"nope\"}", 15, errstr, sizeof(errstr)));
}

/* ------------------------------------------------------------------ */
/* 3. Converter round trips                                             */
/* ------------------------------------------------------------------ */

static cd_schema_t *all_types_schema(void)
{
    cd_schema_t *item = named(cd_schema_new_struct(), "com.example.Item");
    add(item, "id", cd_schema_new(CD_TYPE_INT32));
    add(item, "tag", opt(cd_schema_new(CD_TYPE_STRING)));

    cd_schema_t *st = named(cd_schema_new_struct(), "com.example.All");
    add(st, "i8", cd_schema_new(CD_TYPE_INT8));
    add(st, "i16", cd_schema_new(CD_TYPE_INT16));
    add(st, "i32", cd_schema_new(CD_TYPE_INT32));
    add(st, "i64", cd_schema_new(CD_TYPE_INT64));
    add(st, "f32", cd_schema_new(CD_TYPE_FLOAT32));
    add(st, "f64", cd_schema_new(CD_TYPE_FLOAT64));
    add(st, "b", cd_schema_new(CD_TYPE_BOOLEAN));
    add(st, "s", cd_schema_new(CD_TYPE_STRING));
    add(st, "by", cd_schema_new(CD_TYPE_BYTES));
    add(st, "os_null", opt(cd_schema_new(CD_TYPE_STRING)));
    add(st, "oi_set", opt(cd_schema_new(CD_TYPE_INT64)));
    add(st, "dec_pos", cd_schema_new_decimal(2));
    add(st, "dec_neg", cd_schema_new_decimal(2));
    add(st, "date", cd_schema_new_date());
    add(st, "time", cd_schema_new_time());
    add(st, "ts", cd_schema_new_timestamp());
    add(st, "smap", cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_new(CD_TYPE_INT32)));
    add(st, "imap", cd_schema_new_map(cd_schema_new(CD_TYPE_INT32), cd_schema_new(CD_TYPE_STRING)));
    add(st, "items", cd_schema_new_array(cd_schema_ref(item)));
    add(st, "nested", cd_schema_new_array(cd_schema_new_array(cd_schema_new(CD_TYPE_INT32))));
    add(st, "odec_null", opt(cd_schema_new_decimal(4)));
    cd_schema_unref(item);
    return st;
}

static cd_value_t *all_types_value(const cd_schema_t *st)
{
    cd_value_t *v = cd_value_new_struct(st);
    put(v, "i8", cd_value_new_int8(-8));
    put(v, "i16", cd_value_new_int16(-1600));
    put(v, "i32", cd_value_new_int32(2147483647));
    put(v, "i64", cd_value_new_int64(-9000000000000LL));
    put(v, "f32", cd_value_new_float32(1.5f));
    put(v, "f64", cd_value_new_float64(-2.25));
    put(v, "b", cd_value_new_boolean(true));
    put(v, "s", cd_value_new_cstring("h\xc3\xa9llo"));
    put(v, "by", cd_value_new_bytes("\x00\x01\xff", 3));
    put(v, "oi_set", cd_value_new_int64(5));
    put(v, "dec_pos", cd_value_new_decimal_from_string("12345.67", 8));
    put(v, "dec_neg", cd_value_new_decimal_from_string("-0.05", 5));
    put(v, "date", cd_value_new_date(86400000LL * 19000));
    put(v, "time", cd_value_new_date(3723004));
    put(v, "ts", cd_value_new_date(1700000000123LL));
    cd_value_t *smap = cd_value_new_map();
    cd_value_map_put(smap, cd_value_new_cstring("one"), cd_value_new_int32(1));
    cd_value_map_put(smap, cd_value_new_cstring("two"), cd_value_new_int32(2));
    put(v, "smap", smap);
    cd_value_t *imap = cd_value_new_map();
    cd_value_map_put(imap, cd_value_new_int32(-3), cd_value_new_cstring("minus three"));
    cd_value_map_put(imap, cd_value_new_int32(70000), cd_value_new_cstring("big"));
    put(v, "imap", imap);
    const cd_schema_t *item = cd_schema_value_schema(cd_field_schema(cd_schema_field(st, "items")));
    cd_value_t *items = cd_value_new_array();
    for (int i = 0; i < 3; i++) {
        cd_value_t *it = cd_value_new_struct(item);
        put(it, "id", cd_value_new_int32(i));
        if (i != 1)
            put(it, "tag", cd_value_new_cstring(i ? "two" : "zero"));
        cd_value_array_append(items, it);
    }
    put(v, "items", items);
    cd_value_t *nested = cd_value_new_array();
    cd_value_t *in1 = cd_value_new_array();
    cd_value_array_append(in1, cd_value_new_int32(1));
    cd_value_array_append(in1, cd_value_new_int32(2));
    cd_value_array_append(nested, in1);
    cd_value_array_append(nested, cd_value_new_array());
    put(v, "nested", nested);
    return v;
}

static void test_roundtrip_all_types(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);
    cd_schema_t *st = all_types_schema();
    cd_value_t *v = all_types_value(st);
    assert_int_equal(cd_value_struct_validate(v, errstr, sizeof(errstr)), 0);
    cd_buf_t out;
    cd_buf_init(&out);
    write_ok(c, "all", st, v, &out);
    int32_t id = header_id(&out);
    assert_true(id > 0);

    cd_schema_and_value_t sv = {0};
    if (cd_converter_to_connect(c, "all", NULL, out.data, out.len, &sv, errstr, sizeof(errstr)) < 0)
        fail_msg("to_connect: %s", errstr);
    assert_non_null(sv.schema);
    /* no connect.version in the written schema: the registry version (1) is set */
    assert_true(cd_schema_has_version(sv.schema));
    assert_int_equal(cd_schema_version(sv.schema), 1);
    assert_false(cd_schema_equals(sv.schema, st));
    cd_schema_set_version(st, 1);
    assert_true(cd_schema_equals(sv.schema, st));
    assert_true(cd_value_equals(sv.value, v));
    assert_null(cd_value_struct_get(sv.value, "os_null"));
    assert_null(cd_value_struct_get(sv.value, "odec_null"));
    char dec[64];
    cd_value_decimal_to_plain_string(cd_value_struct_get(sv.value, "dec_neg"), dec, sizeof(dec));
    assert_string_equal(dec, "-0.05");

    /* the same schema (now with version 1, connect.version written) -> a new id;
     * the same schema object again -> the same id */
    cd_schema_and_value_clear(&sv);
    cd_buf_t out2;
    cd_buf_init(&out2);
    write_ok(c, "all", st, v, &out2);
    int32_t id2 = header_id(&out2);
    write_ok(c, "all", st, v, &out2);
    assert_int_equal(header_id(&out2), id2);
    /* a fresh converter with an equal schema -> the same id from the registry */
    cd_converter_t *c2 = converter(CD_CONVERTER_VALUE, NULL);
    cd_schema_t *st2 = all_types_schema();
    cd_value_t *v2 = all_types_value(st2);
    write_ok(c2, "all", st2, v2, &out2);
    assert_int_equal(header_id(&out2), id);
    assert_int_equal(out2.len, out.len);
    assert_memory_equal(out2.data, out.data, out.len);
    cd_value_destroy(v2);
    cd_schema_unref(st2);
    cd_converter_destroy(c2);

    cd_buf_free(&out);
    cd_buf_free(&out2);
    cd_value_destroy(v);
    cd_schema_unref(st);
    cd_converter_destroy(c);
}

static void roundtrip_schemaless(cd_converter_t *c, cd_value_t *v)
{
    char errstr[ES] = "";
    cd_buf_t out;
    cd_buf_init(&out);
    write_ok(c, "free", NULL, v, &out);
    header_id(&out);
    cd_schema_and_value_t sv = {0};
    if (cd_converter_to_connect(c, "free", NULL, out.data, out.len, &sv, errstr, sizeof(errstr)) <
        0)
        fail_msg("to_connect: %s", errstr);
    assert_null(sv.schema);
    assert_true(cd_value_equals(sv.value, v));
    cd_schema_and_value_clear(&sv);
    cd_buf_free(&out);
    cd_value_destroy(v);
}

static void test_roundtrip_schemaless(void **state)
{
    (void)state;
    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);
    cd_value_t *m = cd_value_new_map();
    cd_value_map_put(m, cd_value_new_cstring("k1"), cd_value_new_cstring("v1"));
    cd_value_map_put(m, cd_value_new_cstring("k2"), cd_value_new_cstring("v2"));
    roundtrip_schemaless(c, m);
    cd_value_t *a = cd_value_new_array();
    cd_value_array_append(a, cd_value_new_int64(1));
    cd_value_array_append(a, cd_value_new_cstring("x"));
    cd_value_array_append(a, cd_value_new_boolean(false));
    roundtrip_schemaless(c, a);
    roundtrip_schemaless(c, cd_value_new_int32(12345));
    roundtrip_schemaless(c, cd_value_new_float64(0.5));
    /* the Anything record was registered under free-value */
    cd_schema_registry_t *sr = registry();
    char errstr[ES] = "", *text = NULL;
    int32_t id, version;
    assert_int_equal(
        cd_schema_registry_latest(sr, "free-value", &id, &version, &text, errstr, sizeof(errstr)),
        CD_SR_OK);
    assert_non_null(strstr(text, "Anything"));
    free(text);
    cd_schema_registry_destroy(sr);
    cd_converter_destroy(c);
}

static void test_roundtrip_bytes_and_null(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);
    cd_schema_t *s = cd_schema_new(CD_TYPE_BYTES);
    cd_value_t *v = cd_value_new_bytes("raw\x00z", 5);
    cd_buf_t out;
    cd_buf_init(&out);
    write_ok(c, "bin", s, v, &out);
    header_id(&out);
    assert_int_equal(out.len, 5 + 5); /* no length prefix */
    assert_memory_equal(out.data + 5, "raw\x00z", 5);
    cd_schema_and_value_t sv = {0};
    assert_int_equal(
        cd_converter_to_connect(c, "bin", NULL, out.data, out.len, &sv, errstr, sizeof(errstr)), 0);
    assert_int_equal(cd_schema_type(sv.schema), CD_TYPE_BYTES);
    assert_true(cd_value_equals(sv.value, v));
    cd_schema_and_value_clear(&sv);

    /* int: zigzag varint */
    cd_schema_t *is = cd_schema_new(CD_TYPE_INT32);
    cd_value_t *iv = cd_value_new_int32(-2);
    write_ok(c, "int", is, iv, &out);
    assert_int_equal(out.len, 6);
    assert_int_equal(out.data[5], 3);
    cd_value_destroy(iv);
    cd_schema_unref(is);

    /* null value -> null bytes; null bytes -> null */
    bool is_null = false;
    cd_buf_reset(&out);
    assert_int_equal(
        cd_converter_from_connect(c, "bin", NULL, s, NULL, &out, &is_null, errstr, sizeof(errstr)),
        0);
    assert_true(is_null);
    assert_int_equal(cd_converter_to_connect(c, "bin", NULL, NULL, 0, &sv, errstr, sizeof(errstr)),
                     0);
    assert_null(sv.schema);
    assert_null(sv.value);

    /* a value that does not match its schema */
    cd_value_t *wrong = cd_value_new_cstring("x");
    is_null = false;
    assert_int_equal(
        cd_converter_from_connect(c, "bin", NULL, s, wrong, &out, &is_null, errstr, sizeof(errstr)),
        -1);
    assert_true(strncmp(errstr, "Failed to serialize Avro data from topic bin: ", 46) == 0);
    cd_value_destroy(wrong);

    cd_buf_free(&out);
    cd_value_destroy(v);
    cd_schema_unref(s);
    cd_converter_destroy(c);
}

static void test_subject_strategies(void **state)
{
    (void)state;
    char errstr[ES] = "", *text = NULL;
    int32_t id, version;
    cd_schema_t *st = named(cd_schema_new_struct(), "com.example.Key");
    add(st, "k", cd_schema_new(CD_TYPE_STRING));
    cd_value_t *v = cd_value_new_struct(st);
    put(v, "k", cd_value_new_cstring("abc"));
    cd_buf_t out;
    cd_buf_init(&out);
    cd_schema_registry_t *sr = registry();

    cd_converter_t *c =
        converter(CD_CONVERTER_KEY, (const char *[]){"key.subject.name.strategy",
                                                     "io.confluent.kafka.serializers."
                                                     "subject.RecordNameStrategy",
                                                     NULL});
    write_ok(c, "topicA", st, v, &out);
    int32_t wid = header_id(&out);
    assert_int_equal(cd_schema_registry_latest(sr, "com.example.Key", &id, &version, &text, errstr,
                                               sizeof(errstr)),
                     CD_SR_OK);
    assert_int_equal(id, wid);
    assert_non_null(strstr(text, "\"Key\""));
    free(text);
    cd_converter_destroy(c);

    c = converter(CD_CONVERTER_KEY,
                  (const char *[]){"key.subject.name.strategy", "TopicRecordNameStrategy", NULL});
    write_ok(c, "topicB", st, v, &out);
    assert_int_equal(header_id(&out), wid);
    assert_int_equal(cd_schema_registry_latest(sr, "topicB-com.example.Key", &id, &version, &text,
                                               errstr, sizeof(errstr)),
                     CD_SR_OK);
    assert_int_equal(id, wid);
    free(text);
    cd_converter_destroy(c);

    /* default TopicNameStrategy for a key converter: topic-key */
    c = converter(CD_CONVERTER_KEY, NULL);
    write_ok(c, "topicC", st, v, &out);
    assert_int_equal(
        cd_schema_registry_latest(sr, "topicC-key", &id, &version, &text, errstr, sizeof(errstr)),
        CD_SR_OK);
    free(text);
    assert_int_equal(
        cd_schema_registry_latest(sr, "topicC-value", &id, &version, &text, errstr, sizeof(errstr)),
        CD_SR_ERR_NOT_FOUND);
    cd_converter_destroy(c);

    /* RecordNameStrategy with a non-record schema */
    c = converter(CD_CONVERTER_VALUE,
                  (const char *[]){"value.subject.name.strategy", "RecordNameStrategy", NULL});
    cd_schema_t *s = cd_schema_new(CD_TYPE_STRING);
    cd_value_t *sv = cd_value_new_cstring("x");
    bool is_null;
    assert_int_equal(
        cd_converter_from_connect(c, "t", NULL, s, sv, &out, &is_null, errstr, sizeof(errstr)), -1);
    assert_non_null(strstr(errstr, "Failed to serialize Avro data from topic t: "));
    assert_non_null(strstr(errstr, "must only be an Avro record schema"));
    cd_value_destroy(sv);
    cd_schema_unref(s);
    cd_converter_destroy(c);

    cd_schema_registry_destroy(sr);
    cd_buf_free(&out);
    cd_value_destroy(v);
    cd_schema_unref(st);
}

/* ------------------------------------------------------------------ */
/* 4. Binary compatibility with Avro C                                  */
/* ------------------------------------------------------------------ */

static void test_avro_c_reads_ours(void **state)
{
    (void)state;
    char errstr[ES] = "", *text = NULL;
    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);
    cd_schema_t *st = all_types_schema();
    cd_value_t *v = all_types_value(st);
    cd_buf_t out;
    cd_buf_init(&out);
    write_ok(c, "compat", st, v, &out);
    int32_t id = header_id(&out);
    cd_schema_registry_t *sr = registry();
    assert_int_equal(cd_schema_registry_schema_by_id(sr, id, &text, errstr, sizeof(errstr)),
                     CD_SR_OK);

    avro_schema_t schema = NULL;
    assert_int_equal(avro_schema_from_json_length(text, strlen(text), &schema), 0);
    avro_value_iface_t *iface = avro_generic_class_from_schema(schema);
    assert_non_null(iface);
    avro_value_t rec, f;
    assert_int_equal(avro_generic_value_new(iface, &rec), 0);
    avro_reader_t rd = avro_reader_memory((const char *)out.data + 5, (int64_t)(out.len - 5));
    assert_int_equal(avro_value_read(rd, &rec), 0);
    /* Avro C's size of the datum it read is the size of our body */
    size_t datum_size = 0;
    assert_int_equal(avro_value_sizeof(&rec, &datum_size), 0);
    assert_int_equal(datum_size, out.len - 5);

    int32_t i32;
    int64_t i64;
    const char *s;
    size_t sz;
    const void *bytes;
    assert_int_equal(avro_value_get_by_name(&rec, "i8", &f, NULL), 0);
    assert_int_equal(avro_value_get_int(&f, &i32), 0);
    assert_int_equal(i32, -8);
    assert_int_equal(avro_value_get_by_name(&rec, "i64", &f, NULL), 0);
    assert_int_equal(avro_value_get_long(&f, &i64), 0);
    assert_true(i64 == -9000000000000LL);
    assert_int_equal(avro_value_get_by_name(&rec, "s", &f, NULL), 0);
    assert_int_equal(avro_value_get_string(&f, &s, &sz), 0);
    assert_string_equal(s, "h\xc3\xa9llo");
    assert_int_equal(avro_value_get_by_name(&rec, "date", &f, NULL), 0);
    assert_int_equal(avro_value_get_int(&f, &i32), 0);
    assert_int_equal(i32, 19000);
    assert_int_equal(avro_value_get_by_name(&rec, "dec_neg", &f, NULL), 0);
    assert_int_equal(avro_value_get_bytes(&f, &bytes, &sz), 0);
    assert_int_equal(sz, 1); /* -5 unscaled, two's complement */
    assert_int_equal(((const uint8_t *)bytes)[0], 0xfb);
    /* optional null: union branch 0 */
    avro_value_t br;
    int disc = -1;
    assert_int_equal(avro_value_get_by_name(&rec, "os_null", &f, NULL), 0);
    assert_int_equal(avro_value_get_discriminant(&f, &disc), 0);
    assert_int_equal(disc, 0);
    assert_int_equal(avro_value_get_by_name(&rec, "oi_set", &f, NULL), 0);
    assert_int_equal(avro_value_get_discriminant(&f, &disc), 0);
    assert_int_equal(disc, 1);
    assert_int_equal(avro_value_get_current_branch(&f, &br), 0);
    assert_int_equal(avro_value_get_long(&br, &i64), 0);
    assert_true(i64 == 5);
    /* int-key map: array of MapEntry */
    size_t n = 0;
    avro_value_t e, k;
    assert_int_equal(avro_value_get_by_name(&rec, "imap", &f, NULL), 0);
    assert_int_equal(avro_value_get_size(&f, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(avro_value_get_by_index(&f, 1, &e, NULL), 0);
    assert_int_equal(avro_value_get_by_name(&e, "key", &k, NULL), 0);
    assert_int_equal(avro_value_get_int(&k, &i32), 0);
    assert_int_equal(i32, 70000);

    avro_reader_free(rd);
    avro_value_decref(&rec);
    avro_value_iface_decref(iface);
    avro_schema_decref(schema);
    free(text);
    cd_schema_registry_destroy(sr);
    cd_buf_free(&out);
    cd_value_destroy(v);
    cd_schema_unref(st);
    cd_converter_destroy(c);
}

static void test_we_read_avro_c(void **state)
{
    (void)state;
    char errstr[ES] = "";
    const char *text = "{\"type\":\"record\",\"name\":\"Rec\",\"namespace\":\"ns\",\"fields\":["
                       "{\"name\":\"a\",\"type\":\"int\"},"
                       "{\"name\":\"s\",\"type\":\"string\"},"
                       "{\"name\":\"o\",\"type\":[\"null\",\"long\"]},"
                       "{\"name\":\"m\",\"type\":{\"type\":\"map\",\"values\":\"double\"}}]}";
    cd_schema_registry_t *sr = registry();
    int32_t id = 0;
    assert_int_equal(
        cd_schema_registry_register(sr, "ext-value", text, false, &id, errstr, sizeof(errstr)),
        CD_SR_OK);

    avro_schema_t schema = NULL;
    assert_int_equal(avro_schema_from_json_length(text, strlen(text), &schema), 0);
    avro_value_iface_t *iface = avro_generic_class_from_schema(schema);
    avro_value_t rec, f, br, mv;
    assert_int_equal(avro_generic_value_new(iface, &rec), 0);
    assert_int_equal(avro_value_get_by_name(&rec, "a", &f, NULL), 0);
    assert_int_equal(avro_value_set_int(&f, -77), 0);
    assert_int_equal(avro_value_get_by_name(&rec, "s", &f, NULL), 0);
    assert_int_equal(avro_value_set_string(&f, "from avro c"), 0);
    assert_int_equal(avro_value_get_by_name(&rec, "o", &f, NULL), 0);
    assert_int_equal(avro_value_set_branch(&f, 1, &br), 0);
    assert_int_equal(avro_value_set_long(&br, 1LL << 40), 0);
    assert_int_equal(avro_value_get_by_name(&rec, "m", &f, NULL), 0);
    assert_int_equal(avro_value_add(&f, "pi", &mv, NULL, NULL), 0);
    assert_int_equal(avro_value_set_double(&mv, 3.5), 0);

    char buf[256];
    buf[0] = 0;
    buf[1] = (char)((uint32_t)id >> 24);
    buf[2] = (char)((uint32_t)id >> 16);
    buf[3] = (char)((uint32_t)id >> 8);
    buf[4] = (char)id;
    avro_writer_t w = avro_writer_memory(buf + 5, sizeof(buf) - 5);
    assert_int_equal(avro_value_write(w, &rec), 0);
    size_t len = 5 + (size_t)avro_writer_tell(w);
    avro_writer_free(w);
    avro_value_decref(&rec);
    avro_value_iface_decref(iface);
    avro_schema_decref(schema);

    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);
    cd_schema_and_value_t sv = {0};
    if (cd_converter_to_connect(c, "ext", NULL, (const uint8_t *)buf, len, &sv, errstr,
                                sizeof(errstr)) < 0)
        fail_msg("to_connect: %s", errstr);
    assert_string_equal(cd_schema_name(sv.schema), "ns.Rec");
    assert_int_equal(cd_schema_version(sv.schema), 1); /* the registry's version under ext-value */
    assert_int_equal(cd_value_int32(cd_value_struct_get(sv.value, "a")), -77);
    size_t sl;
    assert_string_equal(cd_value_string(cd_value_struct_get(sv.value, "s"), &sl), "from avro c");
    assert_true(cd_value_int64(cd_value_struct_get(sv.value, "o")) == (1LL << 40));
    const cd_value_t *m = cd_value_struct_get(sv.value, "m");
    assert_int_equal(cd_value_map_size(m), 1);
    assert_true(cd_value_float64(cd_value_map_get_str(m, "pi")) == 3.5);
    cd_schema_and_value_clear(&sv);

    /* read under another topic: registered elsewhere -> no version */
    if (cd_converter_to_connect(c, "other", NULL, (const uint8_t *)buf, len, &sv, errstr,
                                sizeof(errstr)) < 0)
        fail_msg("to_connect: %s", errstr);
    assert_false(cd_schema_has_version(sv.schema));
    cd_schema_and_value_clear(&sv);

    /* truncated and trailing bodies of this record */
    read_fails(c, "ext", (const uint8_t *)buf, len - 1, "");
    read_fails(c, "ext", (const uint8_t *)buf, 7, "");
    buf[len] = 0;
    read_fails(c, "ext", (const uint8_t *)buf, len + 1, "Trailing data found");
    /* a negative string length: a=0 (0x00), s length -1 (0x01) */
    buf[5] = 0;
    buf[6] = 0x01;
    read_fails(c, "ext", (const uint8_t *)buf, len, "Length is negative");

    cd_converter_destroy(c);
    cd_schema_registry_destroy(sr);
}

/* ------------------------------------------------------------------ */
/* 5. Bad input                                                         */
/* ------------------------------------------------------------------ */

static int32_t register_schema(const char *subject, const char *text)
{
    char errstr[ES] = "";
    int32_t id = 0;
    cd_schema_registry_t *sr = registry();
    assert_int_equal(
        cd_schema_registry_register(sr, subject, text, false, &id, errstr, sizeof(errstr)),
        CD_SR_OK);
    cd_schema_registry_destroy(sr);
    return id;
}

static size_t with_header(uint8_t *buf, int32_t id, const void *body, size_t len)
{
    buf[0] = 0;
    buf[1] = (uint8_t)((uint32_t)id >> 24);
    buf[2] = (uint8_t)((uint32_t)id >> 16);
    buf[3] = (uint8_t)((uint32_t)id >> 8);
    buf[4] = (uint8_t)id;
    memcpy(buf + 5, body, len);
    return 5 + len;
}

static void test_bad_input(void **state)
{
    (void)state;
    uint8_t buf[512];
    size_t len;
    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);

    read_fails(c, "bad", (const uint8_t *)"\x01\x00\x00\x00\x01\x02", 6, "Unknown magic byte!");
    read_fails(c, "bad", (const uint8_t *)"", 0, "Unknown magic byte!");
    read_fails(c, "bad", (const uint8_t *)"\x00\x00", 2, "");
    len = with_header(buf, 999999, "\x02", 1);
    read_fails(c, "bad", buf, len, "Error retrieving Avro value schema for id 999999");

    /* a standalone null schema is refused (toConnectSchema) */
    int32_t id = register_schema("null-value", "{\"type\":\"array\",\"items\":\"null\"}");
    len = with_header(buf, id, "\x00", 1);
    read_fails(c, "null", buf, len, "Standalone null schemas are not supported by this converter");
    /* an array of a zero-byte item (an empty record) with a huge block count: the
     * element bound, fast, without allocating */
    id = register_schema("bad-value", "{\"type\":\"array\",\"items\":{\"type\":\"record\","
                                      "\"name\":\"E\",\"fields\":[]}}");
    /* 2^40 elements (zigzag varint of 2^40) */
    len = with_header(buf, id, "\x80\x80\x80\x80\x80\x80\x01", 7);
    read_fails(c, "bad", buf, len, "more than 1000000 elements");
    /* a negative block count (with its byte size) that is huge */
    len = with_header(buf, id, "\xff\xff\xff\xff\xff\xff\x01\x00", 8);
    read_fails(c, "bad", buf, len, "");
    /* a small array of nulls is fine */
    len = with_header(buf, id, "\x06\x00", 2);
    char errstr[ES] = "";
    cd_schema_and_value_t sv = {0};
    assert_int_equal(cd_converter_to_connect(c, "bad", NULL, buf, len, &sv, errstr, sizeof(errstr)),
                     0);
    assert_int_equal(cd_value_array_size(sv.value), 3);
    cd_schema_and_value_clear(&sv);
    /* block count beyond the input for an array of ints */
    id = register_schema("ints-value", "{\"type\":\"array\",\"items\":\"int\"}");
    len = with_header(buf, id, "\x80\x80\x80\x80\x80\x80\x01", 7);
    read_fails(c, "ints", buf, len, "");

    /* union index out of range */
    id = register_schema("u-value", "[\"null\",\"int\",\"string\"]");
    len = with_header(buf, id, "\x06", 1);
    read_fails(c, "u", buf, len, "union index 3 out of range");
    len = with_header(buf, id, "\x01", 1);
    read_fails(c, "u", buf, len, "out of range");

    /* string longer than the input */
    id = register_schema("s-value", "\"string\"");
    len = with_header(buf, id, "\xfe\xff\x03", 3);
    read_fails(c, "s", buf, len, "");

    /* deep nesting through the (recursive) schemaless Anything record:
     * 70 levels of {array: [ ... ]} */
    cd_avro_data_config_t cfg;
    cd_avro_data_config_defaults(&cfg);
    cd_avro_schema_t *any = cd_avro_schema_from_connect(&cfg, NULL, errstr, sizeof(errstr));
    assert_non_null(any);
    id = register_schema("deep-value", cd_avro_schema_text(any));
    cd_avro_schema_destroy(any);
    uint8_t deep[5 + 70 * 12 + 16];
    size_t p = with_header(deep, id, "", 0);
    for (int lvl = 0; lvl < 70; lvl++) {
        for (int f = 0; f < 7; f++)
            deep[p++] = 0; /* null branches */
        deep[p++] = 2;     /* array branch */
        deep[p++] = 2;     /* block of 1 */
    }
    for (int f = 0; f < 9; f++)
        deep[p++] = 0; /* innermost: all null */
    for (int lvl = 0; lvl < 70; lvl++) {
        deep[p++] = 0; /* end of block */
        deep[p++] = 0; /* map null */
    }
    read_fails(c, "deep", deep, p, "nested deeper than 64 levels");

    /* an unknown Avro schema text in the registry (bad JSON cannot be registered,
     * so register a schema the Connect mapping refuses) */
    id = register_schema("rec-value", "{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                                      "{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
    len = with_header(buf, id, "\x00", 1);
    read_fails(c, "rec", buf, len, "Recursive Avro schemas are not supported");

    cd_converter_destroy(c);
}

static void test_bad_config(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_properties_t *p = cd_properties_new();
    assert_null(cd_converter_new(AVRO_CLASS, p, CD_CONVERTER_VALUE, errstr, sizeof(errstr)));
    assert_string_equal(errstr, "Missing required configuration \"schema.registry.url\" which has "
                                "no default value.");
    cd_properties_set(p, "schema.registry.url", "mock://unit");
    cd_properties_set(p, "value.subject.name.strategy", "com.example.NoSuchStrategy");
    assert_null(cd_converter_new(AVRO_CLASS, p, CD_CONVERTER_VALUE, errstr, sizeof(errstr)));
    assert_string_equal(errstr, "Invalid value com.example.NoSuchStrategy for configuration "
                                "value.subject.name.strategy: Class com.example.NoSuchStrategy "
                                "could not be found.");
    /* the key strategy setting does not affect a value converter */
    cd_properties_remove(p, "value.subject.name.strategy");
    cd_properties_set(p, "key.subject.name.strategy", "com.example.NoSuchStrategy");
    cd_converter_t *c = cd_converter_new(AVRO_CLASS, p, CD_CONVERTER_VALUE, errstr, sizeof(errstr));
    assert_non_null(c);
    cd_converter_destroy(c);
    cd_properties_set(p, "auto.register.schemas", "maybe");
    assert_null(cd_converter_new(AVRO_CLASS, p, CD_CONVERTER_VALUE, errstr, sizeof(errstr)));
    assert_non_null(strstr(errstr, "auto.register.schemas"));
    cd_properties_destroy(p);

    /* aliases */
    p = cd_properties_new();
    cd_properties_set(p, "schema.registry.url", "mock://unit");
    c = cd_converter_new("AvroConverter", p, CD_CONVERTER_VALUE, errstr, sizeof(errstr));
    assert_non_null(c);
    cd_converter_destroy(c);
    cd_properties_destroy(p);

    /* auto.register.schemas=false with an unregistered schema */
    c = converter(CD_CONVERTER_VALUE, (const char *[]){"auto.register.schemas", "false", NULL});
    cd_schema_t *s = named(cd_schema_new_struct(), "never.Registered");
    add(s, "x", cd_schema_new(CD_TYPE_INT32));
    cd_value_t *v = cd_value_new_struct(s);
    put(v, "x", cd_value_new_int32(1));
    cd_buf_t out;
    cd_buf_init(&out);
    bool is_null;
    assert_int_equal(
        cd_converter_from_connect(c, "nr", NULL, s, v, &out, &is_null, errstr, sizeof(errstr)), -1);
    assert_true(strncmp(errstr, "Failed to serialize Avro data from topic nr: ", 45) == 0);
    assert_int_equal(out.len, 0);
    cd_buf_free(&out);
    cd_value_destroy(v);
    cd_schema_unref(s);
    cd_converter_destroy(c);
}

/* TopicRecordNameStrategy: the cached entry of topic "a-b" (subject a-b-ns.R) is
 * not the entry of topic "a" (subject a-ns.R), writing or reading. */
static void test_topic_record_strategy_prefix_topics(void **state)
{
    (void)state;
    char errstr[ES] = "", *text = NULL;
    int32_t id, version;
    cd_schema_t *st = named(cd_schema_new_struct(), "ns.R");
    add(st, "k", cd_schema_new(CD_TYPE_STRING));
    cd_value_t *v = cd_value_new_struct(st);
    put(v, "k", cd_value_new_cstring("abc"));
    cd_buf_t out;
    cd_buf_init(&out);
    cd_schema_registry_t *sr = registry();
    cd_converter_t *c =
        converter(CD_CONVERTER_VALUE,
                  (const char *[]){"value.subject.name.strategy", "TopicRecordNameStrategy", NULL});
    write_ok(c, "a-b", st, v, &out);
    write_ok(c, "a", st, v, &out);
    assert_int_equal(
        cd_schema_registry_latest(sr, "a-b-ns.R", &id, &version, &text, errstr, sizeof(errstr)),
        CD_SR_OK);
    free(text);
    assert_int_equal(
        cd_schema_registry_latest(sr, "a-ns.R", &id, &version, &text, errstr, sizeof(errstr)),
        CD_SR_OK);
    free(text);

    /* reading: the same id is version 1 under x-ns.R and version 2 under y-ns.R */
    const char *other = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"ns\","
                        "\"fields\":[{\"name\":\"z\",\"type\":\"int\"}]}";
    const char *mine = "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"ns\","
                       "\"fields\":[{\"name\":\"q\",\"type\":\"int\"}]}";
    int32_t id_x, id_y, ignored;
    assert_int_equal(
        cd_schema_registry_register(sr, "x-ns.R", mine, false, &id_x, errstr, sizeof(errstr)),
        CD_SR_OK);
    assert_int_equal(
        cd_schema_registry_register(sr, "y-ns.R", other, false, &ignored, errstr, sizeof(errstr)),
        CD_SR_OK);
    assert_int_equal(
        cd_schema_registry_register(sr, "y-ns.R", mine, false, &id_y, errstr, sizeof(errstr)),
        CD_SR_OK);
    assert_int_equal(id_x, id_y);
    uint8_t buf[16];
    size_t len = with_header(buf, id_x, "\x02", 1);
    cd_schema_and_value_t sv = {0};
    assert_int_equal(cd_converter_to_connect(c, "x", NULL, buf, len, &sv, errstr, sizeof(errstr)),
                     0);
    assert_int_equal(cd_schema_version(sv.schema), 1);
    cd_schema_and_value_clear(&sv);
    assert_int_equal(cd_converter_to_connect(c, "y", NULL, buf, len, &sv, errstr, sizeof(errstr)),
                     0);
    assert_int_equal(cd_schema_version(sv.schema), 2);
    cd_schema_and_value_clear(&sv);
    /* x again: its own cached entry, not y's */
    assert_int_equal(cd_converter_to_connect(c, "x", NULL, buf, len, &sv, errstr, sizeof(errstr)),
                     0);
    assert_int_equal(cd_schema_version(sv.schema), 1);
    cd_schema_and_value_clear(&sv);

    cd_converter_destroy(c);
    cd_schema_registry_destroy(sr);
    cd_buf_free(&out);
    cd_value_destroy(v);
    cd_schema_unref(st);
}

/* Edge values: empty string/bytes/map/array, a null optional struct, null map
 * values, a 30-digit decimal; a Date with a time part is refused on write. */
static void test_edge_values(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_schema_t *inner = named(cd_schema_new_struct(), "e.Inner");
    add(inner, "x", cd_schema_new(CD_TYPE_INT32));
    cd_schema_t *st = named(cd_schema_new_struct(), "e.Edge");
    add(st, "s", cd_schema_new(CD_TYPE_STRING));
    add(st, "b", cd_schema_new(CD_TYPE_BYTES));
    add(st, "m",
        cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), opt(cd_schema_new(CD_TYPE_INT32))));
    add(st, "a", cd_schema_new_array(cd_schema_new(CD_TYPE_STRING)));
    add(st, "inner", opt(inner));
    add(st, "big", cd_schema_new_decimal(5));
    cd_schema_set_version(st, 4);
    cd_value_t *v = cd_value_new_struct(st);
    put(v, "s", cd_value_new_cstring(""));
    put(v, "b", cd_value_new_bytes("", 0));
    cd_value_t *m = cd_value_new_map();
    cd_value_map_put(m, cd_value_new_cstring("n"), NULL);
    cd_value_map_put(m, cd_value_new_cstring("v"), cd_value_new_int32(-1));
    put(v, "m", m);
    put(v, "a", cd_value_new_array());
    put(v, "big", cd_value_new_decimal_from_string("-1234567890123456789012345.67890", 32));
    cd_converter_t *c = converter(CD_CONVERTER_VALUE, NULL);
    cd_buf_t out;
    cd_buf_init(&out);
    write_ok(c, "edge", st, v, &out);
    cd_schema_and_value_t sv = {0};
    if (cd_converter_to_connect(c, "edge", NULL, out.data, out.len, &sv, errstr, sizeof(errstr)) <
        0)
        fail_msg("to_connect: %s", errstr);
    /* connect.version 4 was written: it wins over the registry version */
    assert_int_equal(cd_schema_version(sv.schema), 4);
    assert_true(cd_schema_equals(sv.schema, st));
    assert_true(cd_value_equals(sv.value, v));
    cd_schema_and_value_clear(&sv);
    cd_value_destroy(v);
    cd_schema_unref(st);

    cd_schema_t *ds = cd_schema_new_date();
    cd_value_t *dv = cd_value_new_date(86400000LL + 5);
    bool is_null;
    assert_int_equal(
        cd_converter_from_connect(c, "edge", NULL, ds, dv, &out, &is_null, errstr, sizeof(errstr)),
        -1);
    assert_true(strncmp(errstr, "Failed to serialize Avro data from topic edge: ", 47) == 0);
    cd_value_destroy(dv);
    cd_schema_unref(ds);
    cd_buf_free(&out);
    cd_converter_destroy(c);
}

static int teardown_all(void **state)
{
    (void)state;
    cd_schema_registry_mock_reset();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_primitives),
        cmocka_unit_test(test_schema_struct_optional_fields),
        cmocka_unit_test(test_schema_connect_default_names),
        cmocka_unit_test(test_schema_logical),
        cmocka_unit_test(test_schema_maps),
        cmocka_unit_test(test_schema_metadata),
        cmocka_unit_test(test_schema_enum_enhanced),
        cmocka_unit_test(test_reverse_enum_union),
        cmocka_unit_test(test_reverse_maps_names_versions),
        cmocka_unit_test(test_reverse_errors),
        cmocka_unit_test(test_roundtrip_all_types),
        cmocka_unit_test(test_roundtrip_schemaless),
        cmocka_unit_test(test_roundtrip_bytes_and_null),
        cmocka_unit_test(test_subject_strategies),
        cmocka_unit_test(test_avro_c_reads_ours),
        cmocka_unit_test(test_we_read_avro_c),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_edge_values),
        cmocka_unit_test(test_topic_record_strategy_prefix_topics),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
