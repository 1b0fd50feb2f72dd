/*
 * connector_offsets.c: KIP-875 connector offsets (GET/PATCH/DELETE
 * /connectors/{name}/offsets), as Java's Worker.connectorOffsets and
 * Worker.modifyConnectorOffsets, SinkUtils, OffsetUtils.validateFormat and the
 * REST layer's body checks (ConnectorsResource.alterConnectorOffsets,
 * ConnectorOffsets.toMap) behave in Apache Kafka 4.3.
 *
 * Source connectors read and write the worker's offset store (keys and values
 * serialised by worker/offset_storage.c); sink connectors read and change the
 * consumer group (connect-<name> unless consumer.group.id overrides it) with
 * librdkafka's admin API. Where Java iterates a java.util.HashMap the answer is
 * ordered the same way (Java hash codes of the keys, same table size), so the
 * REST answers list entries in Java's order. See docs/modules/connector-offsets.md.
 */
#include "worker/connector_offsets.h"

#include "util/java_text.h"
#include "util/log.h"
#include "util/properties.h"

#include <connectd/buf.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CO_LOGGER "org.apache.kafka.connect.runtime.Worker"
/** RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS */
#define CO_TIMEOUT_MS 90000
/** Bounds on one request body. */
#define CO_MAX_ENTRIES 100000
#define CO_MAX_DEPTH 64

#define CO_PARTITIONS_NEEDED "Partitions / offsets need to be provided for an alter offsets request"
#define CO_ZOMBIE_TAIL                                                                             \
    "haven't stopped completely yet or the connector was resumed before the request to %s its "    \
    "offsets could be successfully completed. If the connector is in a stopped state, this "       \
    "operation can be safely retried. If it doesn't eventually succeed, the Connect cluster may "  \
    "need to be restarted to get rid of the zombie sink tasks."

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

static int64_t co_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int co_fail(int *http_status, int status, char *errstr, size_t errstr_size, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));
static int co_fail(int *http_status, int status, char *errstr, size_t errstr_size, const char *fmt,
                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
    *http_status = status;
    return -1;
}

/* Java String.hashCode over the UTF-16 code units of a UTF-8 string. */
static uint32_t co_java_string_hash(const char *s, size_t len)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint32_t cp = p[i];
        size_t n = 1;
        if (cp >= 0xF0 && i + 3 < len) {
            cp = ((cp & 0x07) << 18) | ((p[i + 1] & 0x3Fu) << 12) | ((p[i + 2] & 0x3Fu) << 6) |
                 (p[i + 3] & 0x3Fu);
            n = 4;
        } else if (cp >= 0xE0 && cp < 0xF0 && i + 2 < len) {
            cp = ((cp & 0x0F) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
            n = 3;
        } else if (cp >= 0xC0 && cp < 0xE0 && i + 1 < len) {
            cp = ((cp & 0x1F) << 6) | (p[i + 1] & 0x3Fu);
            n = 2;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
        i += n;
    }
    return h;
}

static uint32_t co_long_hash(int64_t v)
{
    uint64_t u = (uint64_t)v;
    return (uint32_t)(u ^ (u >> 32));
}

static uint32_t co_double_hash(double d)
{
    uint64_t bits;
    if (d != d)
        bits = 0x7ff8000000000000ULL; /* doubleToLongBits canonical NaN */
    else
        memcpy(&bits, &d, sizeof(bits));
    return (uint32_t)(bits ^ (bits >> 32));
}

/* hashCode of the object Jackson builds for a JSON value (Map<String,?> untyped:
 * Integer if it fits, else Long; Double; String; Boolean; LinkedHashMap; ArrayList). */
static uint32_t co_jackson_hash(const json_t *v)
{
    if (!v || json_is_null(v))
        return 0;
    switch (json_typeof(v)) {
    case JSON_INTEGER: {
        json_int_t i = json_integer_value(v);
        if (i >= INT32_MIN && i <= INT32_MAX)
            return (uint32_t)(int32_t)i;
        return co_long_hash(i);
    }
    case JSON_REAL:
        return co_double_hash(json_real_value(v));
    case JSON_STRING:
        return co_java_string_hash(json_string_value(v), json_string_length(v));
    case JSON_TRUE:
        return 1231;
    case JSON_FALSE:
        return 1237;
    case JSON_OBJECT: {
        uint32_t h = 0;
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
        {
            h += co_java_string_hash(k, strlen(k)) ^ co_jackson_hash(e);
        }
        return h;
    }
    case JSON_ARRAY: {
        uint32_t h = 1;
        for (size_t i = 0; i < json_array_size(v); i++)
            h = 31 * h + co_jackson_hash(json_array_get(v, i));
        return h;
    }
    default:
        return 0;
    }
}

/* hashCode of a Connect value as Java holds it (Long, Integer, Double, String, HashMap...). */
static uint32_t co_value_hash(const cd_value_t *v)
{
    if (!v)
        return 0;
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
        return (uint32_t)(int32_t)cd_value_as_int64(v);
    case CD_VALUE_INT64:
        return co_long_hash(cd_value_int64(v));
    case CD_VALUE_FLOAT32: {
        float f = cd_value_float32(v);
        uint32_t bits;
        if (f != f)
            bits = 0x7fc00000u;
        else
            memcpy(&bits, &f, sizeof(bits));
        return bits;
    }
    case CD_VALUE_FLOAT64:
        return co_double_hash(cd_value_float64(v));
    case CD_VALUE_BOOLEAN:
        return cd_value_boolean(v) ? 1231 : 1237;
    case CD_VALUE_STRING: {
        size_t len;
        const char *s = cd_value_string(v, &len);
        return co_java_string_hash(s, len);
    }
    case CD_VALUE_MAP: {
        uint32_t h = 0;
        for (size_t i = 0; i < cd_value_map_size(v); i++)
            h += co_value_hash(cd_value_map_key_at(v, i)) ^
                 co_value_hash(cd_value_map_value_at(v, i));
        return h;
    }
    case CD_VALUE_ARRAY: {
        uint32_t h = 1;
        for (size_t i = 0; i < cd_value_array_size(v); i++)
            h = 31 * h + co_value_hash(cd_value_array_at(v, i));
        return h;
    }
    default:
        return 0;
    }
}

typedef struct co_order_s {
    size_t index;
    uint32_t bucket;
} co_order_t;

static int co_order_cmp(const void *a, const void *b)
{
    const co_order_t *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Fills @p order with the iteration order of a java.util.HashMap into which @p n
 * distinct keys with @p hashes were put in index order. */
static void co_java_hashmap_order(const uint32_t *hashes, size_t n, size_t *order)
{
    uint64_t cap = 16;
    while ((double)n > (double)cap * 0.75)
        cap *= 2;
    co_order_t *o = calloc(n ? n : 1, sizeof(*o));
    if (!o) {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = hashes[i] ^ (hashes[i] >> 16);
        o[i].index = i;
        o[i].bucket = (uint32_t)(h & (cap - 1));
    }
    if (n > 1)
        qsort(o, n, sizeof(*o), co_order_cmp);
    for (size_t i = 0; i < n; i++)
        order[i] = o[i].index;
    free(o);
}

/* String.valueOf(Object) of what Jackson built for a JSON value. */
static void co_java_to_string(cd_buf_t *b, const json_t *v, int depth)
{
    if (!v || json_is_null(v) || depth > CO_MAX_DEPTH) {
        cd_buf_append_str(b, "null");
        return;
    }
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        cd_buf_appendf(b, "%lld", (long long)json_integer_value(v));
        break;
    case JSON_REAL: {
        char tmp[64];
        cd_java_double_to_string(json_real_value(v), tmp, sizeof(tmp));
        cd_buf_append_str(b, tmp);
        break;
    }
    case JSON_STRING:
        cd_buf_append(b, json_string_value(v), json_string_length(v));
        break;
    case JSON_TRUE:
        cd_buf_append_str(b, "true");
        break;
    case JSON_FALSE:
        cd_buf_append_str(b, "false");
        break;
    case JSON_OBJECT: {
        const char *k;
        json_t *e;
        bool first = true;
        cd_buf_append_char(b, '{');
        json_object_foreach((json_t *)v, k, e)
        {
            if (!first)
                cd_buf_append_str(b, ", ");
            first = false;
            cd_buf_append_str(b, k);
            cd_buf_append_char(b, '=');
            co_java_to_string(b, e, depth + 1);
        }
        cd_buf_append_char(b, '}');
        break;
    }
    case JSON_ARRAY:
        cd_buf_append_char(b, '[');
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i)
                cd_buf_append_str(b, ", ");
            co_java_to_string(b, json_array_get(v, i), depth + 1);
        }
        cd_buf_append_char(b, ']');
        break;
    case JSON_NULL:
        break;
    }
}

/* A NUL-terminated copy of String.valueOf(v) (caller frees), NULL on out of memory. */
static char *co_java_string_of(const json_t *v)
{
    cd_buf_t b;
    cd_buf_init(&b);
    co_java_to_string(&b, v, 0);
    cd_buf_append_char(&b, '\0');
    size_t len;
    return (char *)cd_buf_detach(&b, &len);
}

/* Long.parseLong (ASCII digits, optional sign). */
static bool co_java_parse_long(const char *text, int64_t *out)
{
    const char *p = text;
    bool negative = false;
    uint64_t v = 0, limit;
    if (!p || !*p)
        return false;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if (!*p)
        return false;
    limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = negative ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* ------------------------------------------------------------------ */
/* JSON <-> Connect values                                             */
/* ------------------------------------------------------------------ */

/* A JSON value as the internal JsonConverter reads it back (schemaless): integers
 * are INT64, reals FLOAT64, objects HashMaps (Java hash order). */
static cd_value_t *co_json_to_value(const json_t *v, int depth)
{
    if (!v || json_is_null(v) || depth > CO_MAX_DEPTH)
        return NULL;
    switch (json_typeof(v)) {
    case JSON_INTEGER:
        return cd_value_new_int64(json_integer_value(v));
    case JSON_REAL:
        return cd_value_new_float64(json_real_value(v));
    case JSON_STRING:
        return cd_value_new_string(json_string_value(v), json_string_length(v));
    case JSON_TRUE:
        return cd_value_new_boolean(true);
    case JSON_FALSE:
        return cd_value_new_boolean(false);
    case JSON_OBJECT: {
        cd_value_t *m = cd_value_new_map();
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)v, k, e)
        {
            cd_value_map_put(m, cd_value_new_cstring(k), co_json_to_value(e, depth + 1));
        }
        cd_value_map_sort_java_hash_order(m);
        return m;
    }
    case JSON_ARRAY: {
        cd_value_t *a = cd_value_new_array();
        for (size_t i = 0; i < json_array_size(v); i++)
            cd_value_array_append(a, co_json_to_value(json_array_get(v, i), depth + 1));
        return a;
    }
    case JSON_NULL:
        break;
    }
    return NULL;
}

/* A Connect value as Jackson writes it in a REST answer; maps in Java HashMap order. */
static json_t *co_value_to_json(const cd_value_t *v, int depth)
{
    if (!v || depth > CO_MAX_DEPTH)
        return json_null();
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
        return json_integer(cd_value_as_int64(v));
    case CD_VALUE_FLOAT32:
        return json_real(cd_value_float32(v));
    case CD_VALUE_FLOAT64:
        return json_real(cd_value_float64(v));
    case CD_VALUE_BOOLEAN:
        return json_boolean(cd_value_boolean(v));
    case CD_VALUE_STRING: {
        size_t len;
        const char *s = cd_value_string(v, &len);
        return json_stringn(s, len);
    }
    case CD_VALUE_MAP: {
        cd_value_t *copy = cd_value_copy(v);
        json_t *o = json_object();
        if (!copy || !o) {
            cd_value_destroy(copy);
            json_decref(o);
            return NULL;
        }
        cd_value_map_sort_java_hash_order(copy);
        for (size_t i = 0; i < cd_value_map_size(copy); i++) {
            const cd_value_t *k = cd_value_map_key_at(copy, i);
            if (!k || cd_value_kind(k) != CD_VALUE_STRING)
                continue;
            size_t klen;
            const char *ks = cd_value_string(k, &klen);
            json_t *jv = co_value_to_json(cd_value_map_value_at(copy, i), depth + 1);
            if (jv)
                json_object_setn_new(o, ks, klen, jv);
        }
        cd_value_destroy(copy);
        return o;
    }
    case CD_VALUE_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; i < cd_value_array_size(v); i++) {
            json_t *jv = co_value_to_json(cd_value_array_at(v, i), depth + 1);
            if (jv)
                json_array_append_new(a, jv);
        }
        return a;
    }
    default:
        return json_null();
    }
}

/* ------------------------------------------------------------------ */
/* The request body: ConnectorsResource + Jackson + ConnectorOffsets.toMap */
/* ------------------------------------------------------------------ */

/** One partition/offset pair of the request (borrowed from the body; NULL = null). */
typedef struct co_req_entry_s {
    const json_t *partition;
    const json_t *offset;
} co_req_entry_t;

typedef struct co_request_s {
    co_req_entry_t *entries; /* ConnectorOffsets.toMap(): unique partitions, HashMap order */
    size_t count;
} co_request_t;

static const char *co_json_token(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return "JsonToken.VALUE_STRING";
    case JSON_INTEGER:
        return "JsonToken.VALUE_NUMBER_INT";
    case JSON_REAL:
        return "JsonToken.VALUE_NUMBER_FLOAT";
    case JSON_TRUE:
        return "JsonToken.VALUE_TRUE";
    case JSON_FALSE:
        return "JsonToken.VALUE_FALSE";
    case JSON_ARRAY:
        return "JsonToken.START_ARRAY";
    case JSON_OBJECT:
        return "JsonToken.START_OBJECT";
    default:
        return "JsonToken.VALUE_NULL";
    }
}

#define CO_ENTITY "org.apache.kafka.connect.runtime.rest.entities."

/* A partition or offset of one ConnectorOffset: null or an object of strings to anything. */
static int co_check_map_field(const json_t *v, int *http_status, char *errstr, size_t errstr_size)
{
    if (!v || json_is_null(v) || json_is_object(v))
        return 0;
    return co_fail(http_status, 500, errstr, errstr_size,
                   "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,"
                   "java.lang.Object>` from %s",
                   json_is_array(v) ? "Array value (token `JsonToken.START_ARRAY`)"
                                    : "non-Object value");
}

/* ConnectorsResource.alterConnectorOffsets' checks and ConnectorOffsets.toMap(). */
static int co_request_parse(const json_t *body, co_request_t *req, int *http_status, char *errstr,
                            size_t errstr_size)
{
    memset(req, 0, sizeof(*req));
    if (!json_is_object(body))
        return co_fail(http_status, 500, errstr, errstr_size,
                       "Cannot construct instance of `" CO_ENTITY
                       "ConnectorOffsets` (although at least one Creator exists): no %s-argument "
                       "constructor/factory method to deserialize from %s value",
                       json_is_string(body) ? "String" : "matching",
                       body ? co_json_token(body) : "JsonToken.VALUE_NULL");
    const char *k;
    json_t *e;
    json_object_foreach((json_t *)body, k, e)
    {
        if (strcmp(k, "offsets") != 0)
            return co_fail(http_status, 500, errstr, errstr_size,
                           "Unrecognized field \"%s\" (class " CO_ENTITY
                           "ConnectorOffsets), not marked as ignorable (one known property: "
                           "\"offsets\"])",
                           k);
    }
    const json_t *list = json_object_get(body, "offsets");
    if (list && !json_is_null(list) && !json_is_array(list))
        return co_fail(http_status, 500, errstr, errstr_size,
                       "Cannot deserialize value of type `java.util.ArrayList<" CO_ENTITY
                       "ConnectorOffset>` from %s value (token `%s`)",
                       json_is_object(list) ? "Object" : "non-Array", co_json_token(list));
    if (!list || json_is_null(list) || json_array_size(list) == 0)
        return co_fail(http_status, 400, errstr, errstr_size, CO_PARTITIONS_NEEDED);
    size_t n = json_array_size(list);
    if (n > CO_MAX_ENTRIES)
        return co_fail(http_status, 400, errstr, errstr_size,
                       "Too many offsets in one request (at most %d)", CO_MAX_ENTRIES);
    for (size_t i = 0; i < n; i++) {
        const json_t *el = json_array_get(list, i);
        if (json_is_null(el))
            return co_fail(http_status, 500, errstr, errstr_size,
                           "Cannot invoke \"" CO_ENTITY "ConnectorOffset.partition()\" because "
                           "\"offset\" is null");
        if (!json_is_object(el))
            return co_fail(http_status, 500, errstr, errstr_size,
                           "Cannot construct instance of `" CO_ENTITY
                           "ConnectorOffset` (although at least one Creator exists): no "
                           "matching-argument constructor/factory method to deserialize from %s "
                           "value",
                           co_json_token(el));
        json_object_foreach((json_t *)el, k, e)
        {
            if (strcmp(k, "partition") != 0 && strcmp(k, "offset") != 0)
                return co_fail(http_status, 500, errstr, errstr_size,
                               "Unrecognized field \"%s\" (class " CO_ENTITY
                               "ConnectorOffset), not marked as ignorable (2 known properties: "
                               "\"offset\", \"partition\"])",
                               k);
        }
        if (co_check_map_field(json_object_get(el, "partition"), http_status, errstr,
                               errstr_size) != 0 ||
            co_check_map_field(json_object_get(el, "offset"), http_status, errstr, errstr_size) !=
                0)
            return -1;
    }
    /* toMap(): a HashMap keyed by partition, a later entry replacing an equal one. */
    co_req_entry_t *uniq = calloc(n, sizeof(*uniq));
    uint32_t *hashes = calloc(n, sizeof(*hashes));
    size_t *order = calloc(n, sizeof(*order));
    if (!uniq || !hashes || !order) {
        free(uniq);
        free(hashes);
        free(order);
        return co_fail(http_status, 500, errstr, errstr_size, "out of memory");
    }
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *el = json_array_get(list, i);
        const json_t *p = json_object_get(el, "partition");
        const json_t *o = json_object_get(el, "offset");
        if (p && json_is_null(p))
            p = NULL;
        if (o && json_is_null(o))
            o = NULL;
        size_t j;
        for (j = 0; j < count; j++) {
            if ((!p && !uniq[j].partition) ||
                (p && uniq[j].partition && json_equal((json_t *)p, (json_t *)uniq[j].partition)))
                break;
        }
        if (j < count) {
            uniq[j].offset = o;
            continue;
        }
        uniq[count].partition = p;
        uniq[count].offset = o;
        hashes[count] = co_jackson_hash(p);
        count++;
    }
    co_java_hashmap_order(hashes, count, order);
    req->entries = calloc(count, sizeof(*req->entries));
    if (!req->entries) {
        free(uniq);
        free(hashes);
        free(order);
        return co_fail(http_status, 500, errstr, errstr_size, "out of memory");
    }
    for (size_t i = 0; i < count; i++)
        req->entries[i] = uniq[order[i]];
    req->count = count;
    free(uniq);
    free(hashes);
    free(order);
    return 0;
}

int cd_connector_offsets_check_body(const json_t *body, int *http_status, char *errstr,
                                    size_t errstr_size)
{
    co_request_t req;
    if (co_request_parse(body, &req, http_status, errstr, errstr_size) != 0)
        return -1;
    free(req.entries);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Plugin alterOffsets and the success message                          */
/* ------------------------------------------------------------------ */

static json_t *co_success(bool managed, bool reset)
{
    const char *t = reset ? "reset" : "altered";
    char msg[512];
    if (managed)
        snprintf(msg, sizeof(msg), "The offsets for this connector have been %s successfully", t);
    else
        snprintf(msg, sizeof(msg),
                 "The Connect framework-managed offsets for this connector have been %s "
                 "successfully. However, if this connector manages offsets externally, they will "
                 "need to be manually %s in the system that the connector uses.",
                 t, t);
    return json_pack("{s:s}", "message", msg);
}

/* Connector.alterOffsets: @returns 1/0 (Java's true/false) or -1 with the error.
 * A plugin returning -1 with an empty errstr means UnsupportedOperationException. */
static int co_call_alter(const char *connector, const cd_connector_plugin_t *plugin,
                         const cd_properties_t *config, const cd_offset_entry_t *entries,
                         size_t count, const char *kind, int *http_status, char *errstr,
                         size_t errstr_size)
{
    if (!plugin->alter_offsets)
        return 0;
    char perr[1024] = "";
    int rc = plugin->alter_offsets(config, entries, count, perr, sizeof(perr));
    if (rc >= 0)
        return rc > 0;
    if (!perr[0]) {
        cd_log_error(CO_LOGGER,
                     "Failed to modify offsets for connector %s because it doesn't support "
                     "external modification of offsets",
                     connector);
        return co_fail(http_status, 500, errstr, errstr_size,
                       "Failed to modify offsets for connector %s because it doesn't support "
                       "external modification of offsets",
                       connector);
    }
    cd_log_error(CO_LOGGER, "Failed to modify offsets for %s connector %s: %s", kind, connector,
                 perr);
    return co_fail(http_status, 500, errstr, errstr_size, "%s", perr);
}

/* ------------------------------------------------------------------ */
/* Source connectors                                                    */
/* ------------------------------------------------------------------ */

static json_t *co_offsets_answer(cd_value_t *const *partitions, cd_value_t *const *offsets,
                                 const size_t *order, size_t count)
{
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        size_t k = order ? order[i] : i;
        json_t *p = co_value_to_json(partitions[k], 0);
        json_t *o = co_value_to_json(offsets[k], 0);
        json_t *row = json_object();
        json_object_set_new(row, "partition", p ? p : json_null());
        json_object_set_new(row, "offset", o ? o : json_null());
        json_array_append_new(list, row);
    }
    return json_pack("{s:o}", "offsets", list);
}

static json_t *co_source_get(cd_offset_store_t *store, const char *connector, int *http_status,
                             char *errstr, size_t errstr_size)
{
    if (!store) {
        co_fail(http_status, 500, errstr, errstr_size,
                "Failed to retrieve offsets for source connector %s", connector);
        return NULL;
    }
    cd_connector_offsets_t offs;
    cd_offset_store_connector_offsets(store, connector, &offs);
    uint32_t *hashes = calloc(offs.count ? offs.count : 1, sizeof(*hashes));
    size_t *order = calloc(offs.count ? offs.count : 1, sizeof(*order));
    json_t *out = NULL;
    if (!hashes || !order) {
        co_fail(http_status, 500, errstr, errstr_size, "out of memory");
        goto done;
    }
    /* OffsetStorageReaderImpl.offsets: a HashMap keyed by the partition maps. */
    for (size_t i = 0; i < offs.count; i++)
        hashes[i] = co_value_hash(offs.partitions[i]);
    co_java_hashmap_order(hashes, offs.count, order);
    out = co_offsets_answer(offs.partitions, offs.offsets, order, offs.count);
done:
    free(hashes);
    free(order);
    cd_connector_offsets_clear(&offs);
    return out;
}

/* OffsetUtils.validateFormat on what Jackson built for a partition or offset object. */
static int co_validate_format(const json_t *map, int *http_status, char *errstr, size_t errstr_size)
{
    if (!map)
        return 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)map, k, v)
    {
        if (json_is_object(v) || json_is_array(v))
            return co_fail(http_status, 500, errstr, errstr_size,
                           "Offsets may only contain primitive types as values, but field %s "
                           "contains %s",
                           k, json_is_object(v) ? "MAP" : "ARRAY");
    }
    return 0;
}

typedef struct co_source_entries_s {
    cd_value_t **partitions;
    cd_value_t **offsets;
    size_t count;
} co_source_entries_t;

static void co_source_entries_free(co_source_entries_t *s)
{
    for (size_t i = 0; i < s->count; i++) {
        cd_value_destroy(s->partitions[i]);
        cd_value_destroy(s->offsets[i]);
    }
    free(s->partitions);
    free(s->offsets);
    memset(s, 0, sizeof(*s));
}

static json_t *co_source_modify(cd_offset_store_t *store, const char *connector,
                                const cd_connector_plugin_t *plugin, const cd_properties_t *config,
                                const json_t *body, int *http_status, char *errstr,
                                size_t errstr_size)
{
    int64_t deadline = co_now_ms() + CO_TIMEOUT_MS;
    co_source_entries_t se = {0};
    co_request_t req = {0};
    cd_offset_entry_t *plugin_entries = NULL;
    cd_offset_store_entry_t *raw = NULL;
    size_t raw_count = 0;
    json_t *out = NULL;
    bool reset = body == NULL;

    if (!reset && co_request_parse(body, &req, http_status, errstr, errstr_size) != 0)
        return NULL;
    if (!store) {
        co_fail(http_status, 500, errstr, errstr_size,
                "Failed to modify offsets for source connector %s", connector);
        goto done;
    }
    if (reset) {
        /* Every partition with a stored (non-null) offset gets a null offset. */
        cd_connector_offsets_t offs;
        cd_offset_store_connector_offsets(store, connector, &offs);
        se.partitions = offs.partitions;
        se.offsets = calloc(offs.count ? offs.count : 1, sizeof(*se.offsets));
        se.count = offs.count;
        for (size_t i = 0; i < offs.count; i++)
            cd_value_destroy(offs.offsets[i]);
        free(offs.offsets);
        if (!se.offsets) {
            co_fail(http_status, 500, errstr, errstr_size, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < se.count; i++)
            cd_value_map_sort_java_hash_order(se.partitions[i]);
        cd_log_debug(CO_LOGGER, "Found %zu partitions (to reset offsets) for source connector %s",
                     se.count, connector);
    } else {
        /* normalizeSourceConnectorOffsets: validate, then round-trip through the
         * internal JsonConverter (integers become Long, objects HashMaps). */
        se.partitions = calloc(req.count, sizeof(*se.partitions));
        se.offsets = calloc(req.count, sizeof(*se.offsets));
        if (!se.partitions || !se.offsets) {
            co_fail(http_status, 500, errstr, errstr_size, "out of memory");
            goto done;
        }
        for (size_t i = 0; i < req.count; i++) {
            if (co_validate_format(req.entries[i].partition, http_status, errstr, errstr_size) !=
                    0 ||
                co_validate_format(req.entries[i].offset, http_status, errstr, errstr_size) != 0) {
                cd_log_error(CO_LOGGER, "Failed to modify offsets for source connector %s: %s",
                             connector, errstr);
                goto done;
            }
            se.partitions[se.count] = co_json_to_value(req.entries[i].partition, 0);
            se.offsets[se.count] = co_json_to_value(req.entries[i].offset, 0);
            se.count++;
        }
    }

    plugin_entries = calloc(se.count ? se.count : 1, sizeof(*plugin_entries));
    if (!plugin_entries) {
        co_fail(http_status, 500, errstr, errstr_size, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < se.count; i++) {
        plugin_entries[i].partition = se.partitions[i];
        plugin_entries[i].offset = se.offsets[i];
    }
    int managed = co_call_alter(connector, plugin, config, plugin_entries, se.count, "source",
                                http_status, errstr, errstr_size);
    if (managed < 0)
        goto done;
    if (co_now_ms() >= deadline) {
        co_fail(http_status, 500, errstr, errstr_size,
                "Timed out while calling the 'alterOffsets' method for source connector %s",
                connector);
        goto done;
    }
    if (se.count == 0) {
        cd_log_info(CO_LOGGER,
                    "No offsets found for source connector %s - this can occur due to a prior "
                    "attempt to reset offsets or if the source connector hasn't committed any "
                    "offsets yet",
                    connector);
        out = co_success(managed, reset);
        goto done;
    }

    /* OffsetStorageWriter.doFlush: serialise every entry, then one durable write. */
    raw = calloc(se.count, sizeof(*raw));
    if (!raw) {
        co_fail(http_status, 500, errstr, errstr_size, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < se.count; i++) {
        uint8_t *k = NULL, *v = NULL;
        size_t klen = 0, vlen = 0;
        char serr[512];
        if (cd_offset_key_serialize(connector, se.partitions[i], &k, &klen, serr, sizeof(serr)) !=
                0 ||
            cd_offset_value_serialize(se.offsets[i], &v, &vlen, serr, sizeof(serr)) != 0) {
            free(k);
            cd_log_error(CO_LOGGER, "Failed to serialize offset data for %s: %s", connector, serr);
            co_fail(http_status, 500, errstr, errstr_size, "%s", serr);
            goto done;
        }
        raw[raw_count].key = k;
        raw[raw_count].key_len = klen;
        raw[raw_count].value = v;
        raw[raw_count].value_len = vlen;
        raw_count++;
    }
    cd_log_debug(CO_LOGGER, "Committing %zu offsets for source connector %s", raw_count, connector);
    int64_t remaining = deadline - co_now_ms();
    if (remaining <= 0) {
        co_fail(http_status, 500, errstr, errstr_size,
                "Timed out while attempting to modify offsets for source connector %s", connector);
        goto done;
    }
    char werr[512] = "";
    if (store->ops->set(store, raw, raw_count, remaining, werr, sizeof(werr)) != 0) {
        cd_log_error(CO_LOGGER, "Failed to modify offsets for source connector %s: %s", connector,
                     werr);
        if (co_now_ms() >= deadline)
            co_fail(http_status, 500, errstr, errstr_size,
                    "Timed out while attempting to modify offsets for source connector %s",
                    connector);
        else
            co_fail(http_status, 500, errstr, errstr_size,
                    "Failed to modify offsets for source connector %s", connector);
        goto done;
    }
    out = co_success(managed, reset);
done:
    for (size_t i = 0; i < raw_count; i++) {
        free((void *)raw[i].key);
        free((void *)raw[i].value);
    }
    free(raw);
    free(plugin_entries);
    co_source_entries_free(&se);
    free(req.entries);
    return out;
}

/* ------------------------------------------------------------------ */
/* Sink connectors: SinkUtils + the admin client                        */
/* ------------------------------------------------------------------ */

/** A parsed sink offset: topic partition and offset (has_offset false = null). */
typedef struct co_sink_entry_s {
    char *topic;
    int32_t partition;
    bool has_offset;
    int64_t offset;
} co_sink_entry_t;

static void co_sink_entries_free(co_sink_entry_t *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].topic);
    free(e);
}

/* SinkUtils.parseSinkConnectorOffsets. */
static int co_sink_parse(const co_request_t *req, co_sink_entry_t **out, size_t *out_count,
                         int *http_status, char *errstr, size_t errstr_size)
{
    co_sink_entry_t *e = calloc(req->count ? req->count : 1, sizeof(*e));
    size_t n = 0;
    char *text = NULL;
    if (!e)
        return co_fail(http_status, 500, errstr, errstr_size, "out of memory");
    for (size_t i = 0; i < req->count; i++) {
        const json_t *p = req->entries[i].partition;
        const json_t *o = req->entries[i].offset;
        if (!p) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "The partition for a sink connector offset cannot be null or missing");
            goto fail;
        }
        const json_t *jt = json_object_get(p, "kafka_topic");
        const json_t *jp = json_object_get(p, "kafka_partition");
        if (!jt || !jp) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "The partition for a sink connector offset must contain the keys "
                    "'kafka_topic' and 'kafka_partition'");
            goto fail;
        }
        if (json_is_null(jt)) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "Kafka topic names must be valid strings and may not be null");
            goto fail;
        }
        if (json_is_null(jp)) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "Kafka partitions must be valid numbers and may not be null");
            goto fail;
        }
        e[n].topic = co_java_string_of(jt);
        text = co_java_string_of(jp);
        if (!e[n].topic || !text) {
            co_fail(http_status, 500, errstr, errstr_size, "out of memory");
            goto fail;
        }
        n++;
        if (!cd_java_parse_int(text, &e[n - 1].partition)) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "Failed to parse the following Kafka partition value in the provided "
                    "offsets: '%s'. Partition values for sink connectors need to be integers.",
                    text);
            goto fail;
        }
        free(text);
        text = NULL;
        if (!o)
            continue;
        const json_t *jo = json_object_get(o, "kafka_offset");
        if (!jo) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "The offset for a sink connector should either be null or contain the key "
                    "'kafka_offset'");
            goto fail;
        }
        text = co_java_string_of(jo);
        if (!text) {
            co_fail(http_status, 500, errstr, errstr_size, "out of memory");
            goto fail;
        }
        if (!co_java_parse_long(text, &e[n - 1].offset)) {
            co_fail(http_status, 400, errstr, errstr_size,
                    "Failed to parse the following Kafka offset value in the provided offsets: "
                    "'%s'. Offset values for sink connectors need to be integers.",
                    text);
            goto fail;
        }
        e[n - 1].has_offset = true;
        free(text);
        text = NULL;
    }
    /* The result is a HashMap<TopicPartition, Long>: equal topic partitions collapse
     * (the last parsed wins). */
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < w; j++)
            if (e[j].partition == e[i].partition && strcmp(e[j].topic, e[i].topic) == 0)
                break;
        if (j < w) {
            free(e[j].topic);
            e[j] = e[i];
        } else {
            e[w++] = e[i];
        }
    }
    *out = e;
    *out_count = w;
    return 0;
fail:
    free(text);
    co_sink_entries_free(e, n);
    return -1;
}

/* The partition/offset maps SinkConnector.alterOffsets sees ({kafka_topic,kafka_partition}
 * and {kafka_offset}); used only to hand them to the plugin. */
static int co_sink_call_alter(const char *connector, const cd_connector_plugin_t *plugin,
                              const cd_properties_t *config, const co_sink_entry_t *e, size_t n,
                              int *http_status, char *errstr, size_t errstr_size)
{
    if (!plugin->alter_offsets)
        return 0;
    cd_value_t **parts = calloc(n ? n : 1, sizeof(*parts));
    cd_value_t **offs = calloc(n ? n : 1, sizeof(*offs));
    cd_offset_entry_t *entries = calloc(n ? n : 1, sizeof(*entries));
    int rc = -1;
    if (!parts || !offs || !entries) {
        co_fail(http_status, 500, errstr, errstr_size, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        parts[i] = cd_value_new_map();
        cd_value_map_put(parts[i], cd_value_new_cstring("kafka_topic"),
                         cd_value_new_cstring(e[i].topic));
        cd_value_map_put(parts[i], cd_value_new_cstring("kafka_partition"),
                         cd_value_new_int32(e[i].partition));
        cd_value_map_sort_java_hash_order(parts[i]);
        if (e[i].has_offset) {
            offs[i] = cd_value_new_map();
            cd_value_map_put(offs[i], cd_value_new_cstring("kafka_offset"),
                             cd_value_new_int64(e[i].offset));
        }
        entries[i].partition = parts[i];
        entries[i].offset = offs[i];
    }
    rc = co_call_alter(connector, plugin, config, entries, n, "sink", http_status, errstr,
                       errstr_size);
done:
    for (size_t i = 0; parts && offs && i < n; i++) {
        cd_value_destroy(parts[i]);
        cd_value_destroy(offs[i]);
    }
    free(parts);
    free(offs);
    free(entries);
    return rc;
}

/* Copies every entry of @p from into @p to (last wins). */
static int co_props_merge(cd_properties_t *to, const cd_properties_t *from, const char *skip1,
                          const char *skip2, const char *skip3)
{
    for (size_t i = 0; from && i < cd_properties_count(from); i++) {
        const char *k = cd_properties_key_at(from, i);
        if ((skip1 && strncmp(k, skip1, strlen(skip1)) == 0) ||
            (skip2 && strncmp(k, skip2, strlen(skip2)) == 0) ||
            (skip3 && strncmp(k, skip3, strlen(skip3)) == 0))
            continue;
        if (cd_properties_set(to, k, cd_properties_value_at(from, i)) != 0)
            return -1;
    }
    return 0;
}

/* originalsWithPrefix on a connector configuration. */
static cd_properties_t *co_props_with_prefix(const cd_properties_t *from, const char *prefix)
{
    cd_properties_t *p = cd_properties_new();
    size_t plen = strlen(prefix);
    for (size_t i = 0; p && from && i < cd_properties_count(from); i++) {
        const char *k = cd_properties_key_at(from, i);
        if (strncmp(k, prefix, plen) == 0 &&
            cd_properties_set(p, k + plen, cd_properties_value_at(from, i)) != 0) {
            cd_properties_destroy(p);
            return NULL;
        }
    }
    return p;
}

/* Worker.baseConsumerConfigs(...).get("group.id"). */
static char *co_sink_group_id(const cd_worker_config_t *wc, const char *connector,
                              const cd_properties_t *config)
{
    const cd_config_t *values = wc ? cd_worker_config_values(wc) : NULL;
    const char *group = NULL;
    cd_properties_t *worker_consumer =
        values ? cd_config_originals_with_prefix(values, "consumer.") : NULL;
    char *out = NULL;
    if (worker_consumer)
        group = cd_properties_get(worker_consumer, "group.id");
    const char *override = config ? cd_properties_get(config, "consumer.override.group.id") : NULL;
    if (override)
        group = override;
    if (group) {
        out = strdup(group);
    } else {
        size_t n = strlen(connector) + sizeof("connect-");
        out = malloc(n);
        if (out)
            snprintf(out, n, "connect-%s", connector);
    }
    cd_properties_destroy(worker_consumer);
    return out;
}

int cd_connector_offsets_admin_props(const cd_worker_config_t *wc, const char *connector,
                                     const cd_properties_t *connector_config, cd_properties_t **out,
                                     char *errstr, size_t errstr_size)
{
    const cd_config_t *values = cd_worker_config_values(wc);
    cd_properties_t *p = cd_properties_new();
    cd_properties_t *admin = NULL, *overrides = NULL;
    char client_id[512];
    *out = NULL;
    if (!p)
        goto oom;
    size_t nbs = 0;
    const char *const *bs = cd_config_get_list(values, "bootstrap.servers", &nbs);
    cd_buf_t b;
    cd_buf_init(&b);
    for (size_t i = 0; i < nbs; i++) {
        if (i)
            cd_buf_append_char(&b, ',');
        cd_buf_append_str(&b, bs[i]);
    }
    cd_buf_append_char(&b, '\0');
    int rc = cd_properties_set(p, "bootstrap.servers", (const char *)b.data);
    cd_buf_free(&b);
    snprintf(client_id, sizeof(client_id), "connector-worker-adminclient-%s", connector);
    if (rc != 0 || cd_properties_set(p, "client.id", client_id) != 0)
        goto oom;
    if (co_props_merge(p, cd_config_originals(values), "admin.", "producer.", "consumer.") != 0)
        goto oom;
    admin = cd_config_originals_with_prefix(values, "admin.");
    if (!admin || co_props_merge(p, admin, NULL, NULL, NULL) != 0)
        goto oom;
    overrides = co_props_with_prefix(connector_config, "admin.override.");
    if (!overrides)
        goto oom;
    char perr[512];
    if (cd_worker_config_check_client_overrides(wc, "admin.override.", overrides, perr,
                                                sizeof(perr)) != 0) {
        snprintf(errstr, errstr_size, "Client Config Overrides not allowed %s", perr);
        goto fail;
    }
    if (co_props_merge(p, overrides, NULL, NULL, NULL) != 0)
        goto oom;
    cd_properties_destroy(admin);
    cd_properties_destroy(overrides);
    *out = p;
    return 0;
oom:
    snprintf(errstr, errstr_size, "out of memory");
fail:
    cd_properties_destroy(p);
    cd_properties_destroy(admin);
    cd_properties_destroy(overrides);
    return -1;
}

static rd_kafka_t *co_admin_new(const cd_worker_config_t *wc, const char *connector,
                                const cd_properties_t *config, char *errstr, size_t errstr_size)
{
    cd_properties_t *props = NULL;
    if (cd_connector_offsets_admin_props(wc, connector, config, &props, errstr, errstr_size) != 0)
        return NULL;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (cd_kafka_conf_apply_java(conf, props, errstr, errstr_size) != 0) {
        rd_kafka_conf_destroy(conf);
        cd_properties_destroy(props);
        return NULL;
    }
    cd_properties_destroy(props);
    char rderr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, rderr, sizeof(rderr));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errstr_size, "Failed to create new KafkaAdminClient: %s", rderr);
        return NULL;
    }
    return rk;
}

/** The outcome of one admin request. */
typedef struct co_admin_result_s {
    rd_kafka_event_t *ev; /* owned; NULL after a timeout */
    rd_kafka_resp_err_t err;
    char errstr[512];
    const rd_kafka_topic_partition_list_t *partitions; /* of the single group result */
} co_admin_result_t;

typedef enum co_admin_op_e {
    CO_LIST,
    CO_ALTER,
    CO_DELETE_OFFSETS,
    CO_DELETE_GROUP,
} co_admin_op_t;

/* Runs one admin request for @p group and waits for it until @p deadline. */
static void co_admin_run(rd_kafka_t *rk, co_admin_op_t op, const char *group,
                         rd_kafka_topic_partition_list_t *parts, int64_t deadline,
                         co_admin_result_t *res)
{
    memset(res, 0, sizeof(*res));
    int64_t remaining = deadline - co_now_ms();
    if (remaining < 1)
        remaining = 1;
    if (remaining > INT32_MAX)
        remaining = INT32_MAX;
    static const rd_kafka_admin_op_t ops[] = {
        RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
        RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS, RD_KAFKA_ADMIN_OP_DELETEGROUPS};
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, ops[op]);
    char oerr[256];
    rd_kafka_AdminOptions_set_request_timeout(opts, (int)remaining, oerr, sizeof(oerr));
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    switch (op) {
    case CO_LIST: {
        rd_kafka_ListConsumerGroupOffsets_t *l = rd_kafka_ListConsumerGroupOffsets_new(group, NULL);
        rd_kafka_ListConsumerGroupOffsets(rk, &l, 1, opts, q);
        rd_kafka_ListConsumerGroupOffsets_destroy(l);
        break;
    }
    case CO_ALTER: {
        rd_kafka_AlterConsumerGroupOffsets_t *a =
            rd_kafka_AlterConsumerGroupOffsets_new(group, parts);
        rd_kafka_AlterConsumerGroupOffsets(rk, &a, 1, opts, q);
        rd_kafka_AlterConsumerGroupOffsets_destroy(a);
        break;
    }
    case CO_DELETE_OFFSETS: {
        rd_kafka_DeleteConsumerGroupOffsets_t *d =
            rd_kafka_DeleteConsumerGroupOffsets_new(group, parts);
        rd_kafka_DeleteConsumerGroupOffsets(rk, &d, 1, opts, q);
        rd_kafka_DeleteConsumerGroupOffsets_destroy(d);
        break;
    }
    case CO_DELETE_GROUP: {
        rd_kafka_DeleteGroup_t *g = rd_kafka_DeleteGroup_new(group);
        rd_kafka_DeleteGroups(rk, &g, 1, opts, q);
        rd_kafka_DeleteGroup_destroy(g);
        break;
    }
    }
    rd_kafka_event_t *ev = NULL;
    for (;;) {
        int64_t left = deadline - co_now_ms();
        /* The request itself times out at the deadline; allow it a little to report. */
        ev = rd_kafka_queue_poll(q, (int)(left > 0 ? left + 1000 : 1000));
        if (!ev || rd_kafka_event_type(ev) != RD_KAFKA_EVENT_LOG)
            break;
        rd_kafka_event_destroy(ev);
    }
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    if (!ev) {
        res->err = RD_KAFKA_RESP_ERR__TIMED_OUT;
        snprintf(res->errstr, sizeof(res->errstr), "Timed out waiting for a node assignment.");
        return;
    }
    res->ev = ev;
    if (rd_kafka_event_error(ev)) {
        res->err = rd_kafka_event_error(ev);
        snprintf(res->errstr, sizeof(res->errstr), "%s", rd_kafka_event_error_string(ev));
        return;
    }
    const rd_kafka_group_result_t **groups = NULL;
    size_t ng = 0;
    switch (op) {
    case CO_LIST:
        groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &ng);
        break;
    case CO_ALTER:
        groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
            rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &ng);
        break;
    case CO_DELETE_OFFSETS:
        groups = rd_kafka_DeleteConsumerGroupOffsets_result_groups(
            rd_kafka_event_DeleteConsumerGroupOffsets_result(ev), &ng);
        break;
    case CO_DELETE_GROUP:
        groups = rd_kafka_DeleteGroups_result_groups(rd_kafka_event_DeleteGroups_result(ev), &ng);
        break;
    }
    if (ng < 1 || !groups) {
        res->err = RD_KAFKA_RESP_ERR__FAIL;
        snprintf(res->errstr, sizeof(res->errstr), "no result for group %s", group);
        return;
    }
    const rd_kafka_error_t *gerr = rd_kafka_group_result_error(groups[0]);
    if (gerr) {
        res->err = rd_kafka_error_code(gerr);
        snprintf(res->errstr, sizeof(res->errstr), "%s", rd_kafka_error_string(gerr));
        return;
    }
    res->partitions = rd_kafka_group_result_partitions(groups[0]);
    /* Alter/delete: a partition error fails the whole future (KafkaFuture.all()). */
    if (op != CO_LIST && res->partitions) {
        for (int i = 0; i < res->partitions->cnt; i++) {
            if (res->partitions->elems[i].err) {
                res->err = res->partitions->elems[i].err;
                snprintf(res->errstr, sizeof(res->errstr), "%s", rd_kafka_err2str(res->err));
                return;
            }
        }
    }
}

static void co_admin_result_clear(co_admin_result_t *res)
{
    if (res->ev)
        rd_kafka_event_destroy(res->ev);
    memset(res, 0, sizeof(*res));
}

/* SinkUtils.consumerGroupOffsetsToConnectorOffsets over a HashMap<TopicPartition, ...>. */
static json_t *co_sink_answer(const rd_kafka_topic_partition_list_t *parts)
{
    size_t n = 0;
    int cnt = parts ? parts->cnt : 0;
    uint32_t *hashes = calloc(cnt > 0 ? (size_t)cnt : 1, sizeof(*hashes));
    size_t *idx = calloc(cnt > 0 ? (size_t)cnt : 1, sizeof(*idx));
    size_t *order = calloc(cnt > 0 ? (size_t)cnt : 1, sizeof(*order));
    json_t *out = NULL;
    if (!hashes || !idx || !order)
        goto done;
    for (int i = 0; i < cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &parts->elems[i];
        /* No committed offset (negative) or a partition error: Java leaves them out. */
        if (tp->err || tp->offset < 0)
            continue;
        /* TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode() */
        hashes[n] = 31u * (31u + (uint32_t)tp->partition) +
                    co_java_string_hash(tp->topic, strlen(tp->topic));
        idx[n++] = (size_t)i;
    }
    co_java_hashmap_order(hashes, n, order);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const rd_kafka_topic_partition_t *tp = &parts->elems[idx[order[i]]];
        cd_value_t *p = cd_value_new_map();
        cd_value_map_put(p, cd_value_new_cstring("kafka_topic"), cd_value_new_cstring(tp->topic));
        cd_value_map_put(p, cd_value_new_cstring("kafka_partition"),
                         cd_value_new_int32(tp->partition));
        cd_value_t *o = cd_value_new_map();
        cd_value_map_put(o, cd_value_new_cstring("kafka_offset"), cd_value_new_int64(tp->offset));
        json_t *row = json_object();
        json_object_set_new(row, "partition", co_value_to_json(p, 0));
        json_object_set_new(row, "offset", co_value_to_json(o, 0));
        json_array_append_new(list, row);
        cd_value_destroy(p);
        cd_value_destroy(o);
    }
    out = json_pack("{s:o}", "offsets", list);
done:
    free(hashes);
    free(idx);
    free(order);
    return out;
}

static json_t *co_sink_get(const cd_worker_config_t *wc, const char *connector,
                           const cd_properties_t *config, int *http_status, char *errstr,
                           size_t errstr_size)
{
    char *group = co_sink_group_id(wc, connector, config);
    json_t *out = NULL;
    rd_kafka_t *rk = NULL;
    if (!group) {
        co_fail(http_status, 500, errstr, errstr_size, "out of memory");
        return NULL;
    }
    rk = co_admin_new(wc, connector, config, errstr, errstr_size);
    if (!rk) {
        *http_status = 500;
        goto done;
    }
    co_admin_result_t res;
    co_admin_run(rk, CO_LIST, group, NULL, co_now_ms() + CO_TIMEOUT_MS, &res);
    if (res.err) {
        cd_log_error(CO_LOGGER,
                     "Failed to retrieve consumer group offsets for sink connector %s: %s",
                     connector, res.errstr);
        co_fail(http_status, 500, errstr, errstr_size,
                "Failed to retrieve consumer group offsets for sink connector %s", connector);
    } else {
        out = co_sink_answer(res.partitions);
        if (!out)
            co_fail(http_status, 500, errstr, errstr_size, "out of memory");
    }
    co_admin_result_clear(&res);
done:
    if (rk)
        rd_kafka_destroy(rk);
    free(group);
    return out;
}

static json_t *co_sink_modify(const cd_worker_config_t *wc, const char *connector,
                              const cd_connector_plugin_t *plugin, const cd_properties_t *config,
                              const json_t *body, int *http_status, char *errstr,
                              size_t errstr_size)
{
    int64_t deadline = co_now_ms() + CO_TIMEOUT_MS;
    bool reset = body == NULL;
    co_request_t req = {0};
    co_sink_entry_t *entries = NULL;
    size_t count = 0;
    char *group = NULL;
    rd_kafka_t *rk = NULL;
    json_t *out = NULL;
    co_admin_result_t res = {0};
    rd_kafka_topic_partition_list_t *alter = NULL, *del = NULL;

    if (!reset && co_request_parse(body, &req, http_status, errstr, errstr_size) != 0)
        return NULL;
    group = co_sink_group_id(wc, connector, config);
    if (!group) {
        co_fail(http_status, 500, errstr, errstr_size, "out of memory");
        goto done;
    }
    rk = co_admin_new(wc, connector, config, errstr, errstr_size);
    if (!rk) {
        *http_status = 500;
        goto done;
    }
    if (reset) {
        co_admin_run(rk, CO_LIST, group, NULL, deadline, &res);
        if (res.err) {
            cd_log_error(CO_LOGGER,
                         "Failed to list offsets prior to resetting offsets for sink connector "
                         "%s: %s",
                         connector, res.errstr);
            co_fail(http_status, 500, errstr, errstr_size,
                    "Failed to list offsets prior to resetting offsets for sink connector %s",
                    connector);
            goto done;
        }
        int cnt = res.partitions ? res.partitions->cnt : 0;
        entries = calloc(cnt > 0 ? (size_t)cnt : 1, sizeof(*entries));
        if (!entries) {
            co_fail(http_status, 500, errstr, errstr_size, "out of memory");
            goto done;
        }
        for (int i = 0; i < cnt; i++) {
            const rd_kafka_topic_partition_t *tp = &res.partitions->elems[i];
            if (tp->err)
                continue;
            entries[count].topic = strdup(tp->topic);
            entries[count].partition = tp->partition;
            if (!entries[count].topic) {
                co_fail(http_status, 500, errstr, errstr_size, "out of memory");
                goto done;
            }
            count++;
        }
        co_admin_result_clear(&res);
    } else if (co_sink_parse(&req, &entries, &count, http_status, errstr, errstr_size) != 0) {
        goto done;
    }

    int managed = co_sink_call_alter(connector, plugin, config, entries, count, http_status, errstr,
                                     errstr_size);
    if (managed < 0)
        goto done;
    if (co_now_ms() >= deadline) {
        co_fail(http_status, 500, errstr, errstr_size,
                "Timed out while calling the 'alterOffsets' method for sink connector %s",
                connector);
        goto done;
    }

    if (reset) {
        co_admin_run(rk, CO_DELETE_GROUP, group, NULL, deadline, &res);
        /* GroupIdNotFound: already reset (the operation is idempotent). */
        if (res.err && res.err != RD_KAFKA_RESP_ERR_GROUP_ID_NOT_FOUND) {
            if (res.err == RD_KAFKA_RESP_ERR_NON_EMPTY_GROUP)
                co_fail(http_status, 500, errstr, errstr_size,
                        "Failed to reset consumer group offsets for connector %s either because "
                        "its tasks " CO_ZOMBIE_TAIL,
                        connector, "reset");
            else
                co_fail(http_status, 500, errstr, errstr_size,
                        "Failed to reset consumer group offsets for sink connector %s", connector);
            cd_log_error(CO_LOGGER, "%s: %s", errstr, res.errstr);
            goto done;
        }
        out = co_success(managed, true);
        goto done;
    }

    alter = rd_kafka_topic_partition_list_new((int)count);
    del = rd_kafka_topic_partition_list_new((int)count);
    for (size_t i = 0; i < count; i++) {
        if (entries[i].has_offset)
            rd_kafka_topic_partition_list_add(alter, entries[i].topic, entries[i].partition)
                ->offset = entries[i].offset;
        else
            rd_kafka_topic_partition_list_add(del, entries[i].topic, entries[i].partition);
    }
    rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
    char detail[512] = "";
    if (alter->cnt > 0) {
        cd_log_debug(CO_LOGGER,
                     "Committing %d consumer group offsets using an admin client for sink "
                     "connector %s",
                     alter->cnt, connector);
        co_admin_run(rk, CO_ALTER, group, alter, deadline, &res);
        err = res.err;
        snprintf(detail, sizeof(detail), "%s", res.errstr);
        co_admin_result_clear(&res);
    }
    if (!err && del->cnt > 0) {
        cd_log_debug(CO_LOGGER,
                     "Deleting the consumer group offsets for %d topic partitions using an admin "
                     "client for sink connector %s",
                     del->cnt, connector);
        co_admin_run(rk, CO_DELETE_OFFSETS, group, del, deadline, &res);
        err = res.err;
        snprintf(detail, sizeof(detail), "%s", res.errstr);
        co_admin_result_clear(&res);
    }
    if (err) {
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID ||
            err == RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC)
            co_fail(http_status, 500, errstr, errstr_size,
                    "Failed to alter consumer group offsets for connector %s either because its "
                    "tasks " CO_ZOMBIE_TAIL,
                    connector, "alter");
        else
            co_fail(http_status, 500, errstr, errstr_size,
                    "Failed to alter consumer group offsets for connector %s", connector);
        cd_log_error(CO_LOGGER, "%s: %s", errstr, detail);
        goto done;
    }
    out = co_success(managed, false);
done:
    co_admin_result_clear(&res);
    if (alter)
        rd_kafka_topic_partition_list_destroy(alter);
    if (del)
        rd_kafka_topic_partition_list_destroy(del);
    if (rk)
        rd_kafka_destroy(rk);
    co_sink_entries_free(entries, count);
    free(group);
    free(req.entries);
    return out;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

json_t *cd_connector_offsets_get(const cd_worker_config_t *wc, cd_offset_store_t *store,
                                 const char *connector, const cd_connector_plugin_t *plugin,
                                 const cd_properties_t *connector_config, int *http_status,
                                 char *errstr, size_t errstr_size)
{
    *http_status = 500;
    if (plugin->type == CD_CONNECTOR_SINK) {
        cd_log_debug(CO_LOGGER, "Fetching offsets for sink connector: %s", connector);
        return co_sink_get(wc, connector, connector_config, http_status, errstr, errstr_size);
    }
    cd_log_debug(CO_LOGGER, "Fetching offsets for source connector: %s", connector);
    return co_source_get(store, connector, http_status, errstr, errstr_size);
}

json_t *cd_connector_offsets_modify(const cd_worker_config_t *wc, cd_offset_store_t *store,
                                    const char *connector, const cd_connector_plugin_t *plugin,
                                    const cd_properties_t *connector_config, const json_t *body,
                                    int *http_status, char *errstr, size_t errstr_size)
{
    *http_status = 500;
    if (plugin->type == CD_CONNECTOR_SINK) {
        cd_log_debug(CO_LOGGER, "Modifying offsets for sink connector: %s", connector);
        return co_sink_modify(wc, connector, plugin, connector_config, body, http_status, errstr,
                              errstr_size);
    }
    cd_log_debug(CO_LOGGER, "Modifying offsets for source connector: %s", connector);
    return co_source_modify(store, connector, plugin, connector_config, body, http_status, errstr,
                            errstr_size);
}
