/*
 * json_converter.c: the JsonConverter plugin (org.apache.kafka.connect.json.JsonConverter):
 * configuration, the envelope, and the two schema caches. The JSON work is in
 * json_writer.c (Connect -> bytes) and json_reader.c (bytes -> Connect).
 */
#include "converters/json_converter.h"
#include "converters/converter_config.h"

#include <connectd/converter.h>
#include <connectd/version.h>

#include "util/java_text.h"
#include "util/properties.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** Largest schemas.cache.size honoured; larger settings are clamped (memory bound). */
#define JSON_CACHE_MAX_ENTRIES 100000

/** One cached schema: the key bytes, the schema and (write side) its JSON. */
typedef struct cache_entry_s {
    uint64_t hash;
    uint8_t *key; /* NULL = empty slot */
    size_t key_len;
    cd_schema_t *schema;
    char *json;
    size_t json_len;
} cache_entry_t;

/**
 * A bounded schema cache (Java: an LRUCache of schemas.cache.size entries).
 * Open addressing; when full it is emptied, which bounds memory as the LRU does.
 */
typedef struct schema_cache_s {
    pthread_mutex_t lock;
    cache_entry_t *slots;
    size_t slot_count; /* power of two, at least twice max_entries */
    size_t count;
    size_t max_entries;
} schema_cache_t;

typedef struct json_converter_s {
    cd_json_options_t opts;
    bool schemas_enable;
    cd_schema_t *config_schema; /* schema.content, NULL if unset */
    bool has_config_schema;
    schema_cache_t write_cache;         /* cd_schema_t pointer -> schema JSON */
    schema_cache_t read_cache;          /* schema JSON text -> cd_schema_t */
    _Atomic(cd_json_doc_t *) spare_doc; /* a parsed document's memory, for the next parse */
} json_converter_t;

/* ------------------------------------------------------------------ */
/* Cache                                                                */
/* ------------------------------------------------------------------ */

/** FNV-1a-style hash taking eight bytes a step (the schema text of every record is hashed). */
static uint64_t hash_bytes(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 1469598103934665603ULL ^ len;
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, 8);
        h ^= word;
        h *= 1099511628211ULL;
        h ^= h >> 29;
    }
    for (; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void cache_init(schema_cache_t *cache, size_t max_entries)
{
    memset(cache, 0, sizeof(*cache));
    pthread_mutex_init(&cache->lock, NULL);
    cache->max_entries =
        max_entries > JSON_CACHE_MAX_ENTRIES ? JSON_CACHE_MAX_ENTRIES : max_entries;
}

static void cache_clear(schema_cache_t *cache)
{
    for (size_t i = 0; i < cache->slot_count; i++) {
        cache_entry_t *e = &cache->slots[i];
        if (!e->key)
            continue;
        free(e->key);
        free(e->json);
        cd_schema_unref(e->schema);
    }
    free(cache->slots);
    cache->slots = NULL;
    cache->slot_count = 0;
    cache->count = 0;
}

static void cache_destroy(schema_cache_t *cache)
{
    cache_clear(cache);
    pthread_mutex_destroy(&cache->lock);
}

/** @returns the entry for the key, or NULL. Call with the lock held. */
static cache_entry_t *cache_find(schema_cache_t *cache, const void *key, size_t key_len,
                                 uint64_t hash)
{
    if (!cache->slots)
        return NULL;
    for (size_t i = hash & (cache->slot_count - 1);; i = (i + 1) & (cache->slot_count - 1)) {
        cache_entry_t *e = &cache->slots[i];
        if (!e->key)
            return NULL;
        if (e->hash == hash && e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
            return e;
    }
}

/** Adds an entry (taking a schema reference and copying the rest); best effort. */
static void cache_put(schema_cache_t *cache, const void *key, size_t key_len, uint64_t hash,
                      const cd_schema_t *schema, const char *json, size_t json_len)
{
    if (cache->max_entries == 0)
        return;
    if (cache->count >= cache->max_entries)
        cache_clear(cache);
    if (!cache->slots) {
        size_t n = 16;
        while (n < cache->max_entries * 2)
            n *= 2;
        cache->slots = calloc(n, sizeof(*cache->slots));
        if (!cache->slots)
            return;
        cache->slot_count = n;
    }
    if (cache_find(cache, key, key_len, hash))
        return;
    size_t i = hash & (cache->slot_count - 1);
    while (cache->slots[i].key)
        i = (i + 1) & (cache->slot_count - 1);
    cache_entry_t *e = &cache->slots[i];
    e->key = malloc(key_len ? key_len : 1);
    e->json = json ? malloc(json_len + 1) : NULL;
    if (!e->key || (json && !e->json)) {
        free(e->key);
        free(e->json);
        memset(e, 0, sizeof(*e));
        return;
    }
    memcpy(e->key, key, key_len);
    if (json) {
        memcpy(e->json, json, json_len);
        e->json[json_len] = '\0';
    }
    e->key_len = key_len;
    e->json_len = json_len;
    e->hash = hash;
    e->schema = schema ? cd_schema_ref(schema) : NULL;
    cache->count++;
}

/* ------------------------------------------------------------------ */
/* Configuration (ConfigDef parsing, with Java's messages)              */
/* ------------------------------------------------------------------ */

static int config_decimal_format(const cd_properties_t *config, bool *numeric, char *errstr,
                                 size_t errstr_size)
{
    const char *raw = config ? cd_properties_get(config, "decimal.format") : NULL;
    char trimmed[64];
    *numeric = false;
    if (!raw)
        return 0;
    cd_converter_config_trim(raw, trimmed, sizeof(trimmed));
    if (strlen(raw) < sizeof(trimmed)) {
        if (strcasecmp(trimmed, "BASE64") == 0)
            return 0;
        if (strcasecmp(trimmed, "NUMERIC") == 0) {
            *numeric = true;
            return 0;
        }
    }
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration decimal.format: String must be one of (case "
             "insensitive): NUMERIC, BASE64",
             strlen(raw) < sizeof(trimmed) ? trimmed : raw);
    return -1;
}

/** schema.content: a schema JSON used for every message (KIP-1054). */
static int config_schema_content(json_converter_t *conv, const cd_properties_t *config,
                                 char *errstr, size_t errstr_size)
{
    const char *raw = config ? cd_properties_get(config, "schema.content") : NULL;
    const cd_json_node_t *root;
    char detail[256];
    int rc = -1;
    if (!raw)
        return 0;
    /* ConfigDef trims STRING values; an empty one means unset. */
    size_t start = 0, len = strlen(raw);
    while (start < len && (unsigned char)raw[start] <= ' ')
        start++;
    while (len > start && (unsigned char)raw[len - 1] <= ' ')
        len--;
    if (len == start)
        return 0;
    cd_json_doc_t *doc =
        cd_json_parse((const uint8_t *)raw + start, len - start, &root, detail, sizeof(detail));
    if (!doc) {
        snprintf(errstr, errstr_size,
                 "Failed to parse schema in converter config due to serialization error: %s",
                 detail);
        return -1;
    }
    if (!root) {
        snprintf(errstr, errstr_size, "Schema must contain 'type' field");
        goto fail;
    }
    if (cd_json_read_schema(&conv->opts, root, &conv->config_schema, errstr, errstr_size) != 0)
        goto fail;
    conv->has_config_schema = conv->config_schema != NULL;
    rc = 0;
fail:
    cd_json_doc_destroy(doc);
    return rc;
}

static void json_destroy(void *state)
{
    json_converter_t *conv = state;
    if (!conv)
        return;
    cache_destroy(&conv->write_cache);
    cache_destroy(&conv->read_cache);
    cd_json_doc_destroy(atomic_exchange(&conv->spare_doc, NULL));
    cd_schema_unref(conv->config_schema);
    free(conv);
}

static void *json_create(const cd_properties_t *config, cd_converter_type_t type, char *errstr,
                         size_t errstr_size)
{
    json_converter_t *conv = calloc(1, sizeof(*conv));
    int32_t cache_size;
    if (!conv) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    cache_init(&conv->write_cache, 0);
    cache_init(&conv->read_cache, 0);
    atomic_init(&conv->spare_doc, NULL);
    if (cd_converter_config_bool(config, "schemas.enable", true, &conv->schemas_enable, errstr,
                                 errstr_size) != 0 ||
        cd_converter_config_int(config, "schemas.cache.size", 1000, &cache_size, errstr,
                                errstr_size) != 0 ||
        config_decimal_format(config, &conv->opts.decimal_numeric, errstr, errstr_size) != 0 ||
        cd_converter_config_bool(config, "replace.null.with.default", true,
                                 &conv->opts.replace_null_with_default, errstr, errstr_size) != 0)
        goto fail;
    if (cache_size < 0) {
        /* Java's LinkedHashMap refuses a negative capacity when the cache is built. */
        snprintf(errstr, errstr_size, "Illegal initial capacity: %d", (int)cache_size);
        goto fail;
    }
    conv->write_cache.max_entries =
        cache_size > JSON_CACHE_MAX_ENTRIES ? JSON_CACHE_MAX_ENTRIES : (size_t)cache_size;
    conv->read_cache.max_entries = conv->write_cache.max_entries;
    if (config_schema_content(conv, config, errstr, errstr_size) != 0)
        goto fail;
    return conv;
fail:
    json_destroy(conv);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Connect -> bytes                                                     */
/* ------------------------------------------------------------------ */

/** asJsonSchema() through the cache (keyed by the schema object, which is immutable). */
static int write_schema_cached(json_converter_t *conv, const cd_schema_t *schema, cd_buf_t *out,
                               char *errstr, size_t errstr_size)
{
    schema_cache_t *cache = &conv->write_cache;
    uint64_t hash = hash_bytes(&schema, sizeof(schema));
    size_t start = out->len;
    int rc;
    if (!schema || cache->max_entries == 0)
        return cd_json_write_schema(&conv->opts, schema, 1, out, errstr, errstr_size);
    pthread_mutex_lock(&cache->lock);
    cache_entry_t *e = cache_find(cache, &schema, sizeof(schema), hash);
    if (e) {
        rc = cd_buf_append(out, e->json, e->json_len);
        pthread_mutex_unlock(&cache->lock);
        if (rc != 0)
            snprintf(errstr, errstr_size, CD_JSON_WRITE_SERIALIZATION_ERROR "output too large");
        return rc;
    }
    pthread_mutex_unlock(&cache->lock);
    rc = cd_json_write_schema(&conv->opts, schema, 1, out, errstr, errstr_size);
    if (rc == 0) {
        pthread_mutex_lock(&cache->lock);
        cache_put(cache, &schema, sizeof(schema), hash, schema, (const char *)out->data + start,
                  out->len - start);
        pthread_mutex_unlock(&cache->lock);
    }
    return rc;
}

static int json_from_connect(void *state, const char *topic, const cd_headers_t *headers,
                             const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                             bool *is_null, char *errstr, size_t errstr_size)
{
    json_converter_t *conv = state;
    size_t start = out->len;
    *is_null = false;
    if (errstr_size)
        errstr[0] = '\0';
    if (!schema && !value) {
        *is_null = true;
        return 0;
    }
    if (conv->schemas_enable) {
        if (cd_buf_append_str(out, "{\"schema\":") != 0 ||
            write_schema_cached(conv, schema, out, errstr, errstr_size) != 0 ||
            cd_buf_append_str(out, ",\"payload\":") != 0 ||
            cd_json_write_value(&conv->opts, schema, value, 1, out, errstr, errstr_size) != 0 ||
            cd_buf_append_char(out, '}') != 0)
            goto fail;
    } else if (cd_json_write_value(&conv->opts, schema, value, 0, out, errstr, errstr_size) != 0) {
        goto fail;
    }
    return 0;
fail:
    if (errstr_size && !errstr[0])
        snprintf(errstr, errstr_size, CD_JSON_WRITE_SERIALIZATION_ERROR "output too large");
    out->len = start;
    out->overflow = false;
    if (out->data)
        out->data[start] = '\0';
    return -1;
}

/* ------------------------------------------------------------------ */
/* bytes -> Connect                                                     */
/* ------------------------------------------------------------------ */

/** asConnectSchema() through the cache (keyed by the schema's JSON text). */
static int read_schema_cached(json_converter_t *conv, const uint8_t *data,
                              const cd_json_node_t *node, cd_schema_t **schema, char *errstr,
                              size_t errstr_size)
{
    schema_cache_t *cache = &conv->read_cache;
    const uint8_t *key = data + node->src_start;
    size_t key_len = node->src_end - node->src_start;
    uint64_t hash;
    if (node->type == CD_JSON_NULL || cache->max_entries == 0)
        return cd_json_read_schema(&conv->opts, node, schema, errstr, errstr_size);
    hash = hash_bytes(key, key_len);
    pthread_mutex_lock(&cache->lock);
    cache_entry_t *e = cache_find(cache, key, key_len, hash);
    if (e) {
        *schema = cd_schema_ref(e->schema);
        pthread_mutex_unlock(&cache->lock);
        return 0;
    }
    pthread_mutex_unlock(&cache->lock);
    if (node->lazy) {
        /* Only checked so far: its tree now (the text parsed before, so this cannot fail
         * but for memory). */
        char detail[256];
        const cd_json_node_t *tree;
        cd_json_doc_t *doc = cd_json_parse(key, key_len, &tree, detail, sizeof(detail));
        if (!doc || !tree) {
            snprintf(errstr, errstr_size, "%s%s", CD_JSON_READ_SERIALIZATION_ERROR,
                     doc ? "no schema" : detail);
            cd_json_doc_destroy(doc);
            return -1;
        }
        int rc = cd_json_read_schema(&conv->opts, tree, schema, errstr, errstr_size);
        cd_json_doc_destroy(doc);
        if (rc != 0)
            return -1;
    } else if (cd_json_read_schema(&conv->opts, node, schema, errstr, errstr_size) != 0) {
        return -1;
    }
    pthread_mutex_lock(&cache->lock);
    cache_put(cache, key, key_len, hash, *schema, NULL, 0);
    pthread_mutex_unlock(&cache->lock);
    return 0;
}

static int json_to_connect(void *state, const char *topic, const cd_headers_t *headers,
                           const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                           char *errstr, size_t errstr_size)
{
    json_converter_t *conv = state;
    const cd_json_node_t *root, *payload;
    char detail[256];
    cd_schema_t *schema = NULL;
    cd_value_t *value = NULL;
    cd_json_doc_t *doc = NULL;
    int rc = -1;

    cd_schema_and_value_clear(out);
    if (!data)
        return 0; /* a tombstone: SchemaAndValue.NULL */
    /* Concurrent calls each take the spare document or, if another has it, a new one. */
    /* With the read cache on, the envelope's schema is only checked, not built into a tree:
     * its text is the cache key, and it is parsed again only on a miss. */
    doc = cd_json_parse_reusing(atomic_exchange(&conv->spare_doc, NULL), data, len,
                                conv->schemas_enable && !conv->has_config_schema &&
                                        conv->read_cache.max_entries > 0
                                    ? "schema"
                                    : NULL,
                                &root, detail, sizeof(detail));
    if (!doc) {
        snprintf(errstr, errstr_size, "%s%s", CD_JSON_READ_SERIALIZATION_ERROR, detail);
        return -1;
    }
    payload = root;
    if (conv->schemas_enable && conv->has_config_schema) {
        /* Java converts readTree()'s MissingNode (empty input) with the schema:
         * not a null, so e.g. an int32 reads as 0. */
        static const cd_json_node_t missing = {.type = CD_JSON_MISSING};
        schema = cd_schema_ref(conv->config_schema);
        if (!payload)
            payload = &missing;
    } else if (conv->schemas_enable) {
        const cd_json_node_t *schema_node = cd_json_object_get(root, "schema");
        payload = cd_json_object_get(root, "payload");
        if (!root || root->type != CD_JSON_OBJECT || root->count != 2 || !schema_node || !payload) {
            snprintf(errstr, errstr_size,
                     "JsonConverter with schemas.enable requires \"schema\" and \"payload\" "
                     "fields and may not contain additional fields. If you are trying to "
                     "deserialize plain JSON data, set schemas.enable=false in your converter "
                     "configuration.");
            goto fail;
        }
        if (read_schema_cached(conv, data, schema_node, &schema, errstr, errstr_size) != 0)
            goto fail;
    }
    if (cd_json_read_value(&conv->opts, schema, payload, &value, errstr, errstr_size) != 0)
        goto fail;
    out->schema = schema;
    out->value = value;
    schema = NULL;
    rc = 0;
fail:
    cd_schema_unref(schema);
    cd_json_doc_destroy(atomic_exchange(&conv->spare_doc, doc));
    return rc;
}

static int json_from_connect_header(void *state, const char *topic, const char *header_key,
                                    const cd_schema_t *schema, const cd_value_t *value,
                                    cd_buf_t *out, bool *is_null, char *errstr, size_t errstr_size)
{
    return json_from_connect(state, topic, NULL, schema, value, out, is_null, errstr, errstr_size);
}

static int json_to_connect_header(void *state, const char *topic, const char *header_key,
                                  const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                  char *errstr, size_t errstr_size)
{
    return json_to_connect(state, topic, NULL, data, len, out, errstr, errstr_size);
}

static const char *const json_converter_aliases[] = {"JsonConverter", NULL};

const cd_converter_plugin_t cd_json_converter_plugin = {
    .class_name = "org.apache.kafka.connect.json.JsonConverter",
    .aliases = json_converter_aliases,
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .is_header_converter = true,
    .is_converter = true,
    .create = json_create,
    .destroy = json_destroy,
    .from_connect = json_from_connect,
    .to_connect = json_to_connect,
    .from_connect_header = json_from_connect_header,
    .to_connect_header = json_to_connect_header,
};
