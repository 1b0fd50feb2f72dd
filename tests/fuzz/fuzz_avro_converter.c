/*
 * fuzz_avro_converter.c: libFuzzer target for io.confluent.connect.avro.AvroConverter's
 * toConnectData (the Avro binary decoder and the Avro -> Connect schema mapping).
 *
 * Once, lazily: an AvroConverter on the in-process registry mock://fuzz, and a set of
 * writer schemas in that registry. Raw Avro schema texts (an enum, a non-null union, a
 * fixed, a recursive record, a record of every primitive and logical type, ...) are
 * registered with cd_schema_registry_register; more come from serialising Connect
 * values (a struct of all Connect types, nested arrays and maps, a STRING, a
 * schemaless value) with fromConnectData, which registers their Avro schema.
 *
 * Each input is used twice:
 *   1. data[0] picks one registered id (modulo their count); the message is
 *      0x00 + big-endian id + data[1..] (the Avro body).
 *   2. the whole input is the message (wrong magic, short, unknown ids, ...).
 * When (1) decodes, the result is written back with fromConnectData and read
 * again; if that works, writing it once more must give the same Avro body.
 *
 * Seeds (tests/fuzz/corpus/avro_converter/) are a selector byte + a valid body.
 * With FUZZ_AVRO_SEED_DIR=<dir> in the environment, the converter-made
 * encodings are also written there as seeds (the selector order is stable).
 */
#include <connectd/converter.h>

#include "converters/schema_registry_client.h"
#include "util/properties.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_options(void);

/* Avro C's generic values put a 4-byte refcount before each instance, so the
 * pointers inside an instance sit at 4-mod-8 offsets of their allocation, where
 * LeakSanitizer does not look by default: the buffers a live encoder keeps
 * would be reported as leaked. valgrind agrees ("possibly lost" instance,
 * "definitely lost" string buffer) until the encoder is destroyed. */
const char *__lsan_default_options(void)
{
    return "use_unaligned=1";
}

#define MAX_IDS 32

static cd_converter_t *conv;
static int32_t ids[MAX_IDS];
static size_t id_count;

/* Selectors 0.. are these, in this order (the corpus relies on it). */
static const char *const raw_schemas[] = {
    /* 0: enum */
    "{\"type\":\"enum\",\"name\":\"Color\",\"namespace\":\"fuzz\","
    "\"symbols\":[\"RED\",\"GREEN\",\"BLUE\"]}",
    /* 1: a union without null */
    "[\"int\",\"string\",{\"type\":\"record\",\"name\":\"U\",\"namespace\":\"fuzz\","
    "\"fields\":[{\"name\":\"a\",\"type\":\"long\"}]}]",
    /* 2: fixed */
    "{\"type\":\"fixed\",\"name\":\"Md5\",\"namespace\":\"fuzz\",\"size\":16}",
    /* 3: a recursive record (a linked list) */
    "{\"type\":\"record\",\"name\":\"Node\",\"namespace\":\"fuzz\",\"fields\":["
    "{\"name\":\"value\",\"type\":\"int\"},"
    "{\"name\":\"next\",\"type\":[\"null\",\"Node\"],\"default\":null}]}",
    /* 4: null and two more branches */
    "[\"null\",\"int\",\"string\"]",
    /* 5: a map of arrays */
    "{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":\"long\"}}",
    /* 6: a fixed decimal */
    "{\"type\":\"fixed\",\"name\":\"Dec\",\"namespace\":\"fuzz\",\"size\":8,"
    "\"logicalType\":\"decimal\",\"precision\":18,\"scale\":2}",
    /* 7: every primitive and logical type, an enum and nested containers */
    "{\"type\":\"record\",\"name\":\"All\",\"namespace\":\"fuzz\",\"fields\":["
    "{\"name\":\"n\",\"type\":\"null\"},"
    "{\"name\":\"b\",\"type\":\"boolean\"},"
    "{\"name\":\"i\",\"type\":\"int\"},"
    "{\"name\":\"l\",\"type\":\"long\"},"
    "{\"name\":\"f\",\"type\":\"float\"},"
    "{\"name\":\"d\",\"type\":\"double\"},"
    "{\"name\":\"by\",\"type\":\"bytes\"},"
    "{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"dec\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\","
    "\"precision\":10,\"scale\":3}},"
    "{\"name\":\"uuid\",\"type\":{\"type\":\"string\",\"logicalType\":\"uuid\"}},"
    "{\"name\":\"date\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
    "{\"name\":\"tm\",\"type\":{\"type\":\"int\",\"logicalType\":\"time-millis\"}},"
    "{\"name\":\"tu\",\"type\":{\"type\":\"long\",\"logicalType\":\"time-micros\"}},"
    "{\"name\":\"ts\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
    "{\"name\":\"tsu\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
    "{\"name\":\"e\",\"type\":{\"type\":\"enum\",\"name\":\"Suit\",\"symbols\":[\"S\",\"H\"]}},"
    "{\"name\":\"a\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"map\",\"values\":\"int\"}}}"
    ","
    "{\"name\":\"o\",\"type\":[\"null\",\"string\"],\"default\":null}]}",
};
#define RAW_COUNT (sizeof(raw_schemas) / sizeof(raw_schemas[0]))

static void add_field(cd_schema_t *st, const char *name, cd_schema_t *fs)
{
    char err[256];
    if (cd_schema_add_field(st, name, fs, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_avro_converter: %s\n", err);
        abort();
    }
}

static cd_schema_t *opt(cd_schema_t *s)
{
    cd_schema_set_optional(s, true);
    return s;
}

/** A struct of every Connect type. */
static void make_all_types(cd_schema_t **schema, cd_value_t **value)
{
    static const uint8_t unscaled[] = {0x30, 0x39}; /* 12345 -> 123.45 */
    cd_schema_t *inner = cd_schema_new_struct();
    cd_schema_set_name(inner, "fuzz.Inner");
    add_field(inner, "x", cd_schema_new(CD_TYPE_INT32));
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "fuzz.AllConnect");
    add_field(s, "i8", cd_schema_new(CD_TYPE_INT8));
    add_field(s, "i16", cd_schema_new(CD_TYPE_INT16));
    add_field(s, "i32", cd_schema_new(CD_TYPE_INT32));
    add_field(s, "i64", cd_schema_new(CD_TYPE_INT64));
    add_field(s, "f32", cd_schema_new(CD_TYPE_FLOAT32));
    add_field(s, "f64", cd_schema_new(CD_TYPE_FLOAT64));
    add_field(s, "bool", cd_schema_new(CD_TYPE_BOOLEAN));
    add_field(s, "str", cd_schema_new(CD_TYPE_STRING));
    add_field(s, "bytes", cd_schema_new(CD_TYPE_BYTES));
    add_field(s, "dec", cd_schema_new_decimal(2));
    add_field(s, "date", cd_schema_new_date());
    add_field(s, "time", cd_schema_new_time());
    add_field(s, "ts", cd_schema_new_timestamp());
    add_field(s, "ostr", opt(cd_schema_new(CD_TYPE_STRING)));
    add_field(s, "arr", cd_schema_new_array(cd_schema_new(CD_TYPE_INT64)));
    add_field(s, "smap",
              cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_new(CD_TYPE_INT32)));
    add_field(s, "imap",
              cd_schema_new_map(cd_schema_new(CD_TYPE_INT32), cd_schema_new(CD_TYPE_STRING)));
    add_field(s, "inner", opt(inner));

    const cd_schema_t *inner_schema = cd_field_schema(cd_schema_field(s, "inner"));
    cd_value_t *v = cd_value_new_struct(s);
    size_t f = 0;
    cd_value_struct_set(v, f++, cd_value_new_int8(-8));
    cd_value_struct_set(v, f++, cd_value_new_int16(1600));
    cd_value_struct_set(v, f++, cd_value_new_int32(-32));
    cd_value_struct_set(v, f++, cd_value_new_int64(INT64_C(6400000000)));
    cd_value_struct_set(v, f++, cd_value_new_float32(3.25f));
    cd_value_struct_set(v, f++, cd_value_new_float64(-0.5));
    cd_value_struct_set(v, f++, cd_value_new_boolean(true));
    cd_value_struct_set(v, f++, cd_value_new_cstring("h\xc3\xa9llo"));
    cd_value_struct_set(v, f++, cd_value_new_bytes("\x00\x01\xff", 3));
    cd_value_struct_set(v, f++, cd_value_new_decimal(unscaled, sizeof(unscaled), 2));
    cd_value_struct_set(v, f++, cd_value_new_date(INT64_C(86400000) * 19000));
    cd_value_struct_set(v, f++, cd_value_new_date(3723000));
    cd_value_struct_set(v, f++, cd_value_new_date(INT64_C(1700000000123)));
    cd_value_struct_set(v, f++, cd_value_new_cstring("optional"));
    cd_value_t *arr = cd_value_new_array();
    cd_value_array_append(arr, cd_value_new_int64(1));
    cd_value_array_append(arr, cd_value_new_int64(-1));
    cd_value_struct_set(v, f++, arr);
    cd_value_t *smap = cd_value_new_map();
    cd_value_map_append(smap, cd_value_new_cstring("k"), cd_value_new_int32(7));
    cd_value_struct_set(v, f++, smap);
    cd_value_t *imap = cd_value_new_map();
    cd_value_map_append(imap, cd_value_new_int32(3), cd_value_new_cstring("three"));
    cd_value_struct_set(v, f++, imap);
    cd_value_t *in = cd_value_new_struct(inner_schema);
    cd_value_struct_set(in, 0, cd_value_new_int32(99));
    cd_value_struct_set(v, f++, in);
    *schema = s;
    *value = v;
}

/** A struct holding array<map<string, array<struct{x}>>>. */
static void make_nested(cd_schema_t **schema, cd_value_t **value)
{
    cd_schema_t *leaf = cd_schema_new_struct();
    cd_schema_set_name(leaf, "fuzz.Leaf");
    add_field(leaf, "x", cd_schema_new(CD_TYPE_INT32));
    add_field(leaf, "y", opt(cd_schema_new(CD_TYPE_FLOAT64)));
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "fuzz.Nested");
    add_field(s, "m",
              cd_schema_new_array(
                  cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_new_array(leaf))));
    const cd_schema_t *leaf_schema = cd_schema_value_schema(
        cd_schema_value_schema(cd_schema_value_schema(cd_field_schema(cd_schema_field(s, "m")))));
    cd_value_t *v = cd_value_new_struct(s);
    cd_value_t *outer = cd_value_new_array();
    for (int i = 0; i < 2; i++) {
        cd_value_t *map = cd_value_new_map();
        cd_value_t *leaves = cd_value_new_array();
        for (int j = 0; j < 3; j++) {
            cd_value_t *l = cd_value_new_struct(leaf_schema);
            cd_value_struct_set(l, 0, cd_value_new_int32(i * 10 + j));
            cd_value_struct_set(l, 1, j == 1 ? NULL : cd_value_new_float64(j * 1.5));
            cd_value_array_append(leaves, l);
        }
        cd_value_map_append(map, cd_value_new_cstring(i ? "b" : "a"), leaves);
        cd_value_array_append(outer, map);
    }
    cd_value_struct_set(v, 0, outer);
    *schema = s;
    *value = v;
}

static void write_seed(const char *dir, size_t selector, const char *name, const uint8_t *body,
                       size_t len)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%02zu-%s.bin", dir, selector, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    uint8_t sel = (uint8_t)selector;
    fwrite(&sel, 1, 1, f);
    fwrite(body, 1, len, f);
    fclose(f);
}

/** Serialises @p value (taken) with @p schema (taken) and records its schema id. */
static void register_value(const char *name, cd_schema_t *schema, cd_value_t *value)
{
    char err[1024];
    cd_buf_t out;
    bool is_null = false;
    cd_buf_init(&out);
    if (cd_converter_from_connect(conv, "fuzz", NULL, schema, value, &out, &is_null, err,
                                  sizeof(err)) != 0 ||
        is_null || out.len < 5 || out.data[0] != 0) {
        /* Not every shape need be supported (e.g. schemaless): skip it. */
        fprintf(stderr, "fuzz_avro_converter: %s not registered: %s\n", name,
                is_null ? "null" : err);
        goto done;
    }
    if (id_count < MAX_IDS) {
        ids[id_count] = (int32_t)((uint32_t)out.data[1] << 24 | (uint32_t)out.data[2] << 16 |
                                  (uint32_t)out.data[3] << 8 | (uint32_t)out.data[4]);
        const char *dir = getenv("FUZZ_AVRO_SEED_DIR");
        if (dir)
            write_seed(dir, id_count, name, out.data + 5, out.len - 5);
        id_count++;
    }
done:
    cd_buf_free(&out);
    cd_value_destroy(value);
    cd_schema_unref(schema);
}

static void init_once(void)
{
    char err[1024];
    cd_properties_t *props = cd_properties_new();
    cd_properties_set(props, "schema.registry.url", "mock://fuzz");
    conv = cd_converter_new("io.confluent.connect.avro.AvroConverter", props, CD_CONVERTER_VALUE,
                            err, sizeof(err));
    if (!conv) {
        fprintf(stderr, "fuzz_avro_converter: %s\n", err);
        abort();
    }
    cd_schema_registry_t *sr = cd_schema_registry_new(props, err, sizeof(err));
    cd_properties_destroy(props);
    if (!sr) {
        fprintf(stderr, "fuzz_avro_converter: %s\n", err);
        abort();
    }
    for (size_t i = 0; i < RAW_COUNT; i++) {
        char subject[32];
        snprintf(subject, sizeof(subject), "fuzz-raw-%zu", i);
        if (cd_schema_registry_register(sr, subject, raw_schemas[i], false, &ids[id_count], err,
                                        sizeof(err)) != CD_SR_OK) {
            fprintf(stderr, "fuzz_avro_converter: schema %zu: %s\n", i, err);
            abort(); /* the corpus' selectors rely on these being 0..RAW_COUNT-1 */
        }
        id_count++;
    }
    cd_schema_registry_destroy(sr);

    cd_schema_t *s;
    cd_value_t *v;
    make_all_types(&s, &v);
    register_value("all-types", s, v);
    make_nested(&s, &v);
    register_value("nested", s, v);
    register_value("string", cd_schema_new(CD_TYPE_STRING), cd_value_new_cstring("a string"));
    cd_schema_t *oi = opt(cd_schema_new(CD_TYPE_INT64));
    register_value("optional-int64", oi, cd_value_new_int64(-123456789));
    /* Schemaless: AvroData's io.confluent.connect.avro.Anything record. */
    cd_value_t *any = cd_value_new_map();
    cd_value_map_append(any, cd_value_new_cstring("a"), cd_value_new_int32(1));
    register_value("schemaless", NULL, any);
}

/** Writes @p sv with fromConnectData into @p out (the Avro body after the 5-byte prefix). */
static bool write_back(const cd_schema_and_value_t *sv, cd_buf_t *out)
{
    char err[1024];
    bool is_null = false;
    cd_buf_reset(out);
    return cd_converter_from_connect(conv, "fuzz-rt", NULL, sv->schema, sv->value, out, &is_null,
                                     err, sizeof(err)) == 0 &&
           !is_null && out->len >= 5;
}

static void round_trip(const cd_schema_and_value_t *first)
{
    char err[1024];
    cd_schema_and_value_t second = {NULL, NULL};
    cd_buf_t b1, b2;
    cd_buf_init(&b1);
    cd_buf_init(&b2);
    /* Java may refuse to write what it read leniently: not a failure. */
    if (!write_back(first, &b1))
        goto done;
    if (cd_converter_to_connect(conv, "fuzz-rt", NULL, b1.data, b1.len, &second, err,
                                sizeof(err)) != 0) {
        fprintf(stderr, "re-read of our own encoding failed: %s\n", err);
        abort();
    }
    if (!write_back(&second, &b2))
        goto done;
    /* The schema id may differ (a re-registered variant); the body may not. */
    if (b1.len != b2.len || memcmp(b1.data + 5, b2.data + 5, b1.len - 5) != 0) {
        fprintf(stderr, "round trip differs: %zu vs %zu bytes\n", b1.len, b2.len);
        abort();
    }
done:
    cd_schema_and_value_clear(&second);
    cd_buf_free(&b1);
    cd_buf_free(&b2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    cd_schema_and_value_t sv = {NULL, NULL};
    if (!conv)
        init_once();
    if (size < 1)
        return 0;

    /* 1. a registered id + the fuzzed body */
    uint8_t *msg = malloc(size + 4);
    if (!msg)
        return 0;
    uint32_t id = (uint32_t)ids[data[0] % id_count];
    msg[0] = 0;
    msg[1] = (uint8_t)(id >> 24);
    msg[2] = (uint8_t)(id >> 16);
    msg[3] = (uint8_t)(id >> 8);
    msg[4] = (uint8_t)id;
    memcpy(msg + 5, data + 1, size - 1);
    if (cd_converter_to_connect(conv, "fuzz", NULL, msg, size + 4, &sv, err, sizeof(err)) == 0)
        round_trip(&sv);
    cd_schema_and_value_clear(&sv);
    free(msg);

    /* 2. the input as the whole message */
    (void)cd_converter_to_connect(conv, "fuzz", NULL, data, size, &sv, err, sizeof(err));
    cd_schema_and_value_clear(&sv);
    return 0;
}
