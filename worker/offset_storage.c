/**
 * @file offset_storage.c
 * @brief The connector-facing half of source offsets: Java's OffsetStorageWriter
 *        key/value serialisation, OffsetStorageReaderImpl lookups, OffsetUtils
 *        validation and key parsing, and the per-connector offset listing.
 *
 * Keys are ["<connector>",{partition}] and values {offset}, both written by the
 * JsonConverter with schemas.enable=false (the worker's internal converters), so
 * the bytes equal what a Java worker writes and either worker reads the other's
 * offsets. Maps are written in the order the value holds them, as Java writes the
 * Map it was given. See docs/modules/offsets.md.
 */
#include "worker/offset_store.h"

#include <connectd/converter.h>

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_CONVERTER "org.apache.kafka.connect.json.JsonConverter"

/** The worker's internal converter: JsonConverter, schemas.enable=false. */
static cd_converter_t *internal_converter(cd_converter_type_t type, char *errstr,
                                          size_t errstr_size)
{
    cd_properties_t *props = cd_properties_new();
    if (!props || cd_properties_set(props, "schemas.enable", "false") != 0) {
        cd_properties_destroy(props);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    cd_converter_t *conv = cd_converter_new(JSON_CONVERTER, props, type, errstr, errstr_size);
    cd_properties_destroy(props);
    return conv;
}

/** Java's ConnectSchema.schemaType(value.getClass()) name, or NULL for classes it does not
 *  know (BigDecimal, Date). */
static const char *schema_type_name(cd_value_kind_t kind)
{
    switch (kind) {
    case CD_VALUE_INT8:
        return "INT8";
    case CD_VALUE_INT16:
        return "INT16";
    case CD_VALUE_INT32:
        return "INT32";
    case CD_VALUE_INT64:
        return "INT64";
    case CD_VALUE_FLOAT32:
        return "FLOAT32";
    case CD_VALUE_FLOAT64:
        return "FLOAT64";
    case CD_VALUE_BOOLEAN:
        return "BOOLEAN";
    case CD_VALUE_STRING:
        return "STRING";
    case CD_VALUE_BYTES:
        return "BYTES";
    case CD_VALUE_ARRAY:
        return "ARRAY";
    case CD_VALUE_MAP:
        return "MAP";
    case CD_VALUE_STRUCT:
        return "STRUCT";
    default:
        return NULL;
    }
}

int cd_offset_validate_format(const cd_value_t *map, char *errstr, size_t errstr_size)
{
    if (!map)
        return 0;
    if (cd_value_kind(map) != CD_VALUE_MAP) {
        snprintf(errstr, errstr_size, "Offsets must be specified as a Map");
        return -1;
    }
    for (size_t i = 0; i < cd_value_map_size(map); i++) {
        const cd_value_t *k = cd_value_map_key_at(map, i);
        const cd_value_t *v = cd_value_map_value_at(map, i);
        if (!k || cd_value_kind(k) != CD_VALUE_STRING) {
            snprintf(errstr, errstr_size, "Offsets may only use String keys");
            return -1;
        }
        if (!v)
            continue;
        size_t klen;
        const char *key = cd_value_string(k, &klen);
        const char *type = schema_type_name(cd_value_kind(v));
        if (!type) {
            snprintf(errstr, errstr_size,
                     "Offsets may only contain primitive types as values, but field %s contains "
                     "class %s",
                     key, cd_value_kind_java_class(cd_value_kind(v)));
            return -1;
        }
        cd_value_kind_t kind = cd_value_kind(v);
        if (kind == CD_VALUE_ARRAY || kind == CD_VALUE_MAP || kind == CD_VALUE_STRUCT) {
            snprintf(errstr, errstr_size,
                     "Offsets may only contain primitive types as values, but field %s contains %s",
                     key, type);
            return -1;
        }
    }
    return 0;
}

static int serialize(cd_converter_type_t type, const cd_value_t *value, uint8_t **out,
                     size_t *out_len, char *errstr, size_t errstr_size)
{
    *out = NULL;
    *out_len = 0;
    cd_converter_t *conv = internal_converter(type, errstr, errstr_size);
    if (!conv)
        return -1;
    cd_buf_t buf;
    cd_buf_init(&buf);
    bool is_null = false;
    int rc = cd_converter_from_connect(conv, NULL, NULL, NULL, value, &buf, &is_null, errstr,
                                       errstr_size);
    cd_converter_destroy(conv);
    if (rc != 0) {
        cd_buf_free(&buf);
        return -1;
    }
    if (is_null) {
        cd_buf_free(&buf);
        return 0;
    }
    if (!buf.data && cd_buf_append(&buf, "", 0) != 0) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    *out = cd_buf_detach(&buf, out_len);
    return 0;
}

int cd_offset_key_serialize(const char *connector, const cd_value_t *partition, uint8_t **out,
                            size_t *out_len, char *errstr, size_t errstr_size)
{
    *out = NULL;
    *out_len = 0;
    if (cd_offset_validate_format(partition, errstr, errstr_size) != 0)
        return -1;
    cd_value_t *key = cd_value_new_array();
    cd_value_t *name = cd_value_new_cstring(connector);
    cd_value_t *part = partition ? cd_value_copy(partition) : NULL;
    if (!key || !name || (partition && !part)) {
        cd_value_destroy(key);
        cd_value_destroy(name);
        cd_value_destroy(part);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    cd_value_array_append(key, name);
    cd_value_array_append(key, part);
    int rc = serialize(CD_CONVERTER_KEY, key, out, out_len, errstr, errstr_size);
    cd_value_destroy(key);
    return rc;
}

int cd_offset_value_serialize(const cd_value_t *offset, uint8_t **out, size_t *out_len,
                              char *errstr, size_t errstr_size)
{
    *out = NULL;
    *out_len = 0;
    if (!offset)
        return 0;
    if (cd_offset_validate_format(offset, errstr, errstr_size) != 0)
        return -1;
    return serialize(CD_CONVERTER_VALUE, offset, out, out_len, errstr, errstr_size);
}

static const char *class_name(const cd_value_t *v)
{
    return v ? cd_value_kind_java_class(cd_value_kind(v)) : "null";
}

int cd_offset_key_parse(const uint8_t *key, size_t key_len, char **connector,
                        cd_value_t **partition, char *errstr, size_t errstr_size)
{
    *connector = NULL;
    *partition = NULL;
    if (!key) {
        snprintf(errstr, errstr_size,
                 "Ignoring offset partition key with an unexpected null value");
        return -1;
    }
    cd_converter_t *conv = internal_converter(CD_CONVERTER_KEY, errstr, errstr_size);
    if (!conv)
        return -1;
    cd_schema_and_value_t sv = {0};
    char cause[512];
    int rc = cd_converter_to_connect(conv, "", NULL, key, key_len, &sv, cause, sizeof(cause));
    cd_converter_destroy(conv);
    if (rc != 0) {
        snprintf(errstr, errstr_size,
                 "Ignoring offset partition key with unknown serialization. Expected json. (%s)",
                 cause);
        cd_schema_and_value_clear(&sv);
        return -1;
    }
    const cd_value_t *v = sv.value;
    if (!v || cd_value_kind(v) != CD_VALUE_ARRAY) {
        snprintf(errstr, errstr_size,
                 "Ignoring offset partition key with an unexpected format. Expected type: "
                 "java.util.List, actual type: %s",
                 class_name(v));
        goto fail;
    }
    if (cd_value_array_size(v) != 2) {
        snprintf(errstr, errstr_size,
                 "Ignoring offset partition key with an unexpected number of elements. Expected: "
                 "2, actual: %zu",
                 cd_value_array_size(v));
        goto fail;
    }
    const cd_value_t *first = cd_value_array_at(v, 0);
    const cd_value_t *second = cd_value_array_at(v, 1);
    if (!first || cd_value_kind(first) != CD_VALUE_STRING) {
        snprintf(errstr, errstr_size,
                 "Ignoring offset partition key with an unexpected format for the first element "
                 "in the partition key list. Expected type: java.lang.String, actual type: %s",
                 class_name(first));
        goto fail;
    }
    if (!second || cd_value_kind(second) != CD_VALUE_MAP) {
        snprintf(errstr, errstr_size,
                 "Ignoring offset partition key with an unexpected format for the second element "
                 "in the partition key list. Expected type: java.util.Map, actual type: %s",
                 class_name(second));
        goto fail;
    }
    size_t len;
    const char *name = cd_value_string(first, &len);
    *connector = malloc(len + 1);
    if (!*connector) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    memcpy(*connector, name, len);
    (*connector)[len] = '\0';
    *partition = cd_value_array_take(sv.value, 1);
    cd_schema_and_value_clear(&sv);
    return 0;
fail:
    cd_schema_and_value_clear(&sv);
    return -1;
}

int cd_offset_value_parse(const uint8_t *value, size_t value_len, cd_value_t **offset, char *errstr,
                          size_t errstr_size)
{
    *offset = NULL;
    if (!value)
        return 0;
    cd_converter_t *conv = internal_converter(CD_CONVERTER_VALUE, errstr, errstr_size);
    if (!conv)
        return -1;
    cd_schema_and_value_t sv = {0};
    int rc = cd_converter_to_connect(conv, "", NULL, value, value_len, &sv, errstr, errstr_size);
    cd_converter_destroy(conv);
    if (rc != 0) {
        cd_schema_and_value_clear(&sv);
        return -1;
    }
    if (cd_offset_validate_format(sv.value, errstr, errstr_size) != 0) {
        cd_schema_and_value_clear(&sv);
        return -1;
    }
    *offset = sv.value;
    sv.value = NULL;
    cd_schema_and_value_clear(&sv);
    return 0;
}

cd_value_t *cd_offset_store_read(cd_offset_store_t *store, const char *connector,
                                 const cd_value_t *partition)
{
    char errstr[512];
    uint8_t *key = NULL, *raw = NULL;
    size_t key_len = 0, raw_len = 0;
    cd_value_t *offset = NULL;
    if (!store ||
        cd_offset_key_serialize(connector, partition, &key, &key_len, errstr, sizeof(errstr)) != 0)
        goto done;
    if (store->ops->get(store, key, key_len, &raw, &raw_len, errstr, sizeof(errstr)) != 0 || !raw)
        goto done;
    /* OffsetStorageReaderImpl: a value that does not deserialise is skipped (Java logs it). */
    if (cd_offset_value_parse(raw, raw_len, &offset, errstr, sizeof(errstr)) != 0)
        offset = NULL;
done:
    free(key);
    free(raw);
    return offset;
}

typedef struct collect_s {
    const char *connector;
    cd_connector_offsets_t *out;
    size_t capacity;
} collect_t;

static void collect_entry(const uint8_t *key, size_t key_len, const uint8_t *value,
                          size_t value_len, void *opaque)
{
    collect_t *c = opaque;
    char errstr[256];
    char *connector = NULL;
    cd_value_t *partition = NULL, *offset = NULL;
    if (cd_offset_key_parse(key, key_len, &connector, &partition, errstr, sizeof(errstr)) != 0)
        return;
    if (strcmp(connector, c->connector) != 0 || !value ||
        cd_offset_value_parse(value, value_len, &offset, errstr, sizeof(errstr)) != 0 || !offset)
        goto skip;
    cd_connector_offsets_t *o = c->out;
    /* A later entry for an equal partition replaces the earlier one. */
    for (size_t i = 0; i < o->count; i++) {
        if (cd_value_equals(o->partitions[i], partition)) {
            cd_value_destroy(o->offsets[i]);
            o->offsets[i] = offset;
            cd_value_destroy(partition);
            free(connector);
            return;
        }
    }
    if (o->count == c->capacity) {
        size_t cap = c->capacity ? c->capacity * 2 : 8;
        cd_value_t **p = realloc(o->partitions, cap * sizeof(*p));
        if (!p)
            goto skip;
        o->partitions = p;
        cd_value_t **q = realloc(o->offsets, cap * sizeof(*q));
        if (!q)
            goto skip;
        o->offsets = q;
        c->capacity = cap;
    }
    o->partitions[o->count] = partition;
    o->offsets[o->count] = offset;
    o->count++;
    free(connector);
    return;
skip:
    free(connector);
    cd_value_destroy(partition);
    cd_value_destroy(offset);
}

void cd_offset_store_connector_offsets(cd_offset_store_t *store, const char *connector,
                                       cd_connector_offsets_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!store)
        return;
    collect_t c = {.connector = connector, .out = out, .capacity = 0};
    store->ops->foreach (store, collect_entry, &c);
}

void cd_connector_offsets_clear(cd_connector_offsets_t *offsets)
{
    if (!offsets)
        return;
    for (size_t i = 0; i < offsets->count; i++) {
        cd_value_destroy(offsets->partitions[i]);
        cd_value_destroy(offsets->offsets[i]);
    }
    free(offsets->partitions);
    free(offsets->offsets);
    memset(offsets, 0, sizeof(*offsets));
}
