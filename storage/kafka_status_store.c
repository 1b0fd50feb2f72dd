/*
 * kafka_status_store.c: the status topic (KafkaStatusBackingStore) behind the
 * cd_status_store_* API of worker/status.h.
 *
 * status.c keeps the cache and applies Java's putSafe rule; this file is its
 * backend: every write becomes a record (key "status-connector-<c>",
 * "status-task-<c>-<n>" or "status-topic-<t>:connector-<c>", value the
 * STATUS_SCHEMA_V0 / TOPIC_STATUS_SCHEMA_V0 JSON as Java's JsonConverter with
 * schemas.enable=false writes it, DESTROYED / reset = tombstone), and every
 * record read from the topic (any worker's) is parsed with Java's rules and
 * applied to the cache (cd_status_store_apply_*).
 */
#include "kafka_backing_stores.h"

#include "../converters/json_converter.h"
#include "../util/java_text.h"
#include "../util/log.h"
#include "../util/properties.h"
#include "kafka_log.h"

#include <connectd/buf.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KS_LOGGER "org.apache.kafka.connect.storage.KafkaStatusBackingStore"
#define KS_CONNECTOR_PREFIX "status-connector-"
#define KS_TASK_PREFIX "status-task-"
#define KS_TOPIC_PREFIX "status-topic-"
#define KS_TOPIC_SEPARATOR ":connector-"

/* ------------------------------------------------------------------ codecs */

static char *ks_strndup(const uint8_t *s, size_t n)
{
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, s, n);
        out[n] = '\0';
    }
    return out;
}

cd_status_key_kind_t cd_status_key_parse(const uint8_t *key, size_t key_len, char **connector,
                                         int *task, char **topic)
{
    *connector = NULL;
    *topic = NULL;
    *task = -1;
    if (!key || key_len > CD_STATUS_MAX_KEY || memchr(key, '\0', key_len))
        return CD_STATUS_KEY_INVALID;
    const size_t cpl = strlen(KS_CONNECTOR_PREFIX), tpl = strlen(KS_TASK_PREFIX),
                 opl = strlen(KS_TOPIC_PREFIX);
    if (key_len >= cpl && memcmp(key, KS_CONNECTOR_PREFIX, cpl) == 0) {
        if (key_len == cpl)
            return CD_STATUS_KEY_INVALID;
        *connector = ks_strndup(key + cpl, key_len - cpl);
        return *connector ? CD_STATUS_KEY_CONNECTOR : CD_STATUS_KEY_INVALID;
    }
    if (key_len >= tpl && memcmp(key, KS_TASK_PREFIX, tpl) == 0) {
        /* String.split("-") drops trailing empty strings. */
        size_t len = key_len;
        while (len && key[len - 1] == '-')
            len--;
        if (len <= tpl)
            return CD_STATUS_KEY_INVALID;
        const uint8_t *rest = key + tpl;
        size_t rest_len = len - tpl;
        size_t dash = rest_len;
        while (dash > 0 && rest[dash - 1] != '-')
            dash--;
        if (dash == 0) /* fewer than 4 parts */
            return CD_STATUS_KEY_INVALID;
        char num[16];
        size_t num_len = rest_len - dash;
        if (num_len >= sizeof(num))
            return CD_STATUS_KEY_INVALID;
        memcpy(num, rest + dash, num_len);
        num[num_len] = '\0';
        int32_t n = 0;
        if (!cd_java_parse_int(num, &n))
            return CD_STATUS_KEY_INVALID; /* "Invalid task status key" */
        *connector = ks_strndup(rest, dash - 1);
        *task = n;
        return *connector ? CD_STATUS_KEY_TASK : CD_STATUS_KEY_INVALID;
    }
    if (key_len >= opl && memcmp(key, KS_TOPIC_PREFIX, opl) == 0) {
        const uint8_t *colon = memchr(key, ':', key_len);
        if (!colon || (size_t)(colon - key) < opl)
            return CD_STATUS_KEY_INVALID;
        size_t delim = (size_t)(colon - key);
        if (delim == opl) /* empty topic */
            return CD_STATUS_KEY_INVALID;
        size_t begin = delim + strlen(KS_TOPIC_SEPARATOR);
        if (begin >= key_len) /* beyond the end, or an empty connector */
            return CD_STATUS_KEY_INVALID;
        *topic = ks_strndup(key + opl, delim - opl);
        *connector = ks_strndup(key + begin, key_len - begin);
        if (!*topic || !*connector) {
            free(*topic);
            free(*connector);
            *topic = *connector = NULL;
            return CD_STATUS_KEY_INVALID;
        }
        return CD_STATUS_KEY_TOPIC;
    }
    return CD_STATUS_KEY_INVALID;
}

uint8_t *cd_status_value_serialize(const cd_status_t *status, size_t *len)
{
    cd_buf_t b;
    cd_buf_init(&b);
    const char *state = cd_state_name(status->state);
    int rc = cd_buf_append_str(&b, "{\"state\":");
    rc |= cd_json_write_string(&b, state, strlen(state));
    rc |= cd_buf_append_str(&b, ",\"trace\":");
    if (status->trace)
        rc |= cd_json_write_string(&b, status->trace, strlen(status->trace));
    else
        rc |= cd_buf_append_str(&b, "null");
    rc |= cd_buf_append_str(&b, ",\"worker_id\":");
    if (status->worker_id)
        rc |= cd_json_write_string(&b, status->worker_id, strlen(status->worker_id));
    else
        rc |= cd_buf_append_str(&b, "null");
    rc |=
        cd_buf_appendf(&b, ",\"generation\":%" PRId32 ",\"version\":", (int32_t)status->generation);
    if (status->version)
        rc |= cd_json_write_string(&b, status->version, strlen(status->version));
    else
        rc |= cd_buf_append_str(&b, "null");
    rc |= cd_buf_append_char(&b, '}');
    if (rc) {
        cd_buf_free(&b);
        return NULL;
    }
    return cd_buf_detach(&b, len);
}

/* (String) map.get(name): missing or null -> NULL; a non-string is a ClassCastException. */
static int ks_string_field(const cd_json_node_t *obj, const char *name, char **out)
{
    *out = NULL;
    const cd_json_node_t *n = cd_json_object_get(obj, name);
    if (!n || n->type == CD_JSON_NULL)
        return 0;
    if (n->type != CD_JSON_STRING)
        return -1;
    *out = ks_strndup((const uint8_t *)n->text, n->text_len);
    return *out ? 0 : -1;
}

/* (Long) map.get(name): schemaless integers are Longs; anything else fails. */
static int ks_long_field(const cd_json_node_t *obj, const char *name, int64_t *out)
{
    const cd_json_node_t *n = cd_json_object_get(obj, name);
    if (!n || (n->type != CD_JSON_INT && n->type != CD_JSON_LONG))
        return -1;
    *out = n->integer;
    return 0;
}

int cd_status_value_parse(const uint8_t *value, size_t len, cd_status_t *out)
{
    char err[256];
    const cd_json_node_t *root = NULL;
    char *state = NULL, *trace = NULL, *worker = NULL, *version = NULL;
    int rc = -1;
    if (!value || len > CD_STATUS_MAX_VALUE)
        return -1;
    cd_json_doc_t *doc = cd_json_parse(value, len, &root, err, sizeof(err));
    if (!doc || !root || root->type != CD_JSON_OBJECT)
        goto done;
    if (ks_string_field(root, "state", &state) || !state)
        goto done;
    static const cd_state_t states[] = {
        CD_STATE_UNASSIGNED, CD_STATE_RUNNING,    CD_STATE_PAUSED, CD_STATE_FAILED,
        CD_STATE_DESTROYED,  CD_STATE_RESTARTING, CD_STATE_STOPPED};
    bool found = false;
    cd_state_t st = CD_STATE_UNASSIGNED;
    for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
        if (strcmp(state, cd_state_name(states[i])) == 0) {
            st = states[i];
            found = true;
        }
    if (!found || ks_string_field(root, "trace", &trace) ||
        ks_string_field(root, "worker_id", &worker) || ks_string_field(root, "version", &version))
        goto done;
    int64_t gen = 0;
    if (ks_long_field(root, "generation", &gen))
        goto done;
    out->state = st;
    free(out->trace);
    free(out->worker_id);
    out->trace = trace;
    out->worker_id = worker;
    free(out->version);
    out->version = version;
    trace = worker = version = NULL;
    out->generation = (int32_t)gen; /* .intValue() */
    rc = 0;
done:
    free(state);
    free(trace);
    free(worker);
    free(version);
    cd_json_doc_destroy(doc);
    return rc;
}

uint8_t *cd_topic_status_value_serialize(const char *topic, const char *connector, int task,
                                         int64_t discover_ts_ms, size_t *len)
{
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_append_str(&b, "{\"topic\":{\"name\":");
    rc |= cd_json_write_string(&b, topic, strlen(topic));
    rc |= cd_buf_append_str(&b, ",\"connector\":");
    rc |= cd_json_write_string(&b, connector, strlen(connector));
    rc |= cd_buf_appendf(&b, ",\"task\":%d,\"discoverTimestamp\":%" PRId64 "}}", task,
                         discover_ts_ms);
    if (rc) {
        cd_buf_free(&b);
        return NULL;
    }
    return cd_buf_detach(&b, len);
}

int cd_topic_status_value_parse(const uint8_t *value, size_t len, char **topic, char **connector,
                                int *task, int64_t *discover_ts_ms)
{
    char err[256];
    const cd_json_node_t *root = NULL;
    *topic = *connector = NULL;
    if (!value || len > CD_STATUS_MAX_VALUE)
        return -1;
    cd_json_doc_t *doc = cd_json_parse(value, len, &root, err, sizeof(err));
    int rc = -1;
    if (!doc || !root || root->type != CD_JSON_OBJECT)
        goto done;
    const cd_json_node_t *inner = cd_json_object_get(root, "topic");
    if (!inner || inner->type != CD_JSON_OBJECT)
        goto done;
    int64_t t = 0, ts = 0;
    if (ks_string_field(inner, "name", topic) || !*topic ||
        ks_string_field(inner, "connector", connector) || !*connector ||
        ks_long_field(inner, "task", &t) || ks_long_field(inner, "discoverTimestamp", &ts))
        goto done;
    *task = (int32_t)t;
    *discover_ts_ms = ts;
    rc = 0;
done:
    if (rc) {
        free(*topic);
        free(*connector);
        *topic = *connector = NULL;
    }
    cd_json_doc_destroy(doc);
    return rc;
}

/* ------------------------------------------------------------------ the store */

typedef struct ks_ctx_s {
    cd_kafka_log_t *log;
    cd_status_store_t *store;
} ks_ctx_t;

static void ks_sent(void *opaque, const char *err)
{
    (void)opaque;
    if (err)
        cd_log_error(KS_LOGGER, "Failed to write status update: %s", err);
}

static void ks_send(ks_ctx_t *ctx, const char *key, const uint8_t *value, size_t value_len)
{
    char err[512];
    if (!ctx->log)
        return;
    if (cd_kafka_log_send(ctx->log, (const uint8_t *)key, strlen(key), value, value_len, ks_sent,
                          NULL, err, sizeof(err)) < 0)
        cd_log_error(KS_LOGGER, "Failed to write status update: %s", err);
}

static void ks_write_status(void *opaque, const cd_status_t *status)
{
    ks_ctx_t *ctx = opaque;
    cd_buf_t key;
    cd_buf_init(&key);
    int rc = status->task < 0
                 ? cd_buf_appendf(&key, "%s%s", KS_CONNECTOR_PREFIX, status->connector)
                 : cd_buf_appendf(&key, "%s%s-%d", KS_TASK_PREFIX, status->connector, status->task);
    uint8_t *value = NULL;
    size_t value_len = 0;
    if (rc == 0 && status->state != CD_STATE_DESTROYED) {
        value = cd_status_value_serialize(status, &value_len);
        if (!value)
            rc = -1;
    }
    if (rc == 0 && cd_buf_append_char(&key, '\0') == 0)
        ks_send(ctx, (const char *)key.data, value, value_len);
    free(value);
    cd_buf_free(&key);
}

static void ks_write_topic(void *opaque, const char *connector, const char *topic, int task,
                           int64_t ts, bool deleted)
{
    ks_ctx_t *ctx = opaque;
    cd_buf_t key;
    cd_buf_init(&key);
    uint8_t *value = NULL;
    size_t value_len = 0;
    int rc =
        cd_buf_appendf(&key, "%s%s%s%s", KS_TOPIC_PREFIX, topic, KS_TOPIC_SEPARATOR, connector);
    if (rc == 0 && !deleted) {
        value = cd_topic_status_value_serialize(topic, connector, task, ts, &value_len);
        if (!value)
            rc = -1;
    }
    if (rc == 0 && cd_buf_append_char(&key, '\0') == 0)
        ks_send(ctx, (const char *)key.data, value, value_len);
    free(value);
    cd_buf_free(&key);
}

static int ks_flush(void *opaque, int64_t timeout_ms)
{
    ks_ctx_t *ctx = opaque;
    return ctx->log ? cd_kafka_log_flush(ctx->log, timeout_ms) : 0;
}

static void ks_destroy(void *opaque)
{
    ks_ctx_t *ctx = opaque;
    if (!ctx)
        return;
    cd_kafka_log_destroy(ctx->log);
    free(ctx);
}

static void ks_consume(void *opaque, const cd_kafka_log_record_t *rec)
{
    ks_ctx_t *ctx = opaque;
    char *connector = NULL, *topic = NULL;
    int task = -1;
    if (!rec->key)
        return;
    cd_status_key_kind_t kind =
        cd_status_key_parse(rec->key, rec->key_len, &connector, &task, &topic);
    switch (kind) {
    case CD_STATUS_KEY_CONNECTOR:
    case CD_STATUS_KEY_TASK: {
        cd_status_t st = {
            connector, kind == CD_STATUS_KEY_TASK ? task : -1, CD_STATE_DESTROYED, NULL, NULL, 0,
            NULL};
        if (rec->value && cd_status_value_parse(rec->value, rec->value_len, &st) < 0) {
            cd_log_error(KS_LOGGER, "Failed to deserialize %s status (key %.*s)",
                         kind == CD_STATUS_KEY_TASK ? "task" : "connector",
                         (int)(rec->key_len > 256 ? 256 : rec->key_len), (const char *)rec->key);
            break;
        }
        cd_status_store_apply_status(ctx->store, &st);
        free(st.trace);
        free(st.worker_id);
        free(st.version);
        break;
    }
    case CD_STATUS_KEY_TOPIC: {
        if (!rec->value) {
            cd_status_store_apply_topic(ctx->store, connector, topic, true);
            break;
        }
        char *vt = NULL, *vc = NULL;
        int vtask = 0;
        int64_t ts = 0;
        if (cd_topic_status_value_parse(rec->value, rec->value_len, &vt, &vc, &vtask, &ts) < 0) {
            cd_log_error(KS_LOGGER, "Failed to deserialize topic status");
            break;
        }
        cd_status_store_apply_topic(ctx->store, connector, topic, false);
        free(vt);
        free(vc);
        break;
    }
    default:
        cd_log_warn(KS_LOGGER, "Discarding record with invalid key %.*s",
                    (int)(rec->key_len > 256 ? 256 : rec->key_len), (const char *)rec->key);
        break;
    }
    free(connector);
    free(topic);
}

/* A worker setting as an int, or @p def when absent. */
static int32_t ks_int(const cd_worker_config_t *wc, const char *name, int32_t def)
{
    const cd_config_value_t *v = cd_config_get(cd_worker_config_values(wc), name);
    return v && !v->is_null ? (int32_t)v->i : def;
}

cd_status_store_t *cd_kafka_status_store_open(const cd_worker_config_t *wc, char *errstr,
                                              size_t errstr_size)
{
    const cd_config_t *c = cd_worker_config_values(wc);
    const cd_config_value_t *tv = cd_config_get(c, "status.storage.topic");
    const char *topic = tv && !tv->is_null ? cd_config_get_string(c, "status.storage.topic") : NULL;
    if (!topic || !*topic) {
        snprintf(errstr, errstr_size, "Must specify topic for connector status.");
        return NULL;
    }
    ks_ctx_t *ctx = calloc(1, sizeof(*ctx));
    if (!ctx) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    static const cd_status_backend_t backend = {ks_write_status, ks_write_topic, ks_flush,
                                                ks_destroy};
    cd_status_store_t *store = cd_status_store_new_backed(&backend, ctx);
    if (!store) {
        free(ctx);
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    ctx->store = store;
    cd_properties_t *settings = cd_kafka_log_topic_settings(wc, "status.storage.");
    cd_properties_t *pover = cd_properties_new();
    if (!settings || !pover) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    cd_kafka_log_topic_t t = {
        .name = topic,
        .partitions = ks_int(wc, "status.storage.partitions", 5),
        .replication_factor = (int16_t)ks_int(wc, "status.storage.replication.factor", 3),
        .settings = settings,
        .require_single_partition = false,
        .purpose = "status",
    };
    ctx->log = cd_kafka_log_new(wc, &t, "statuses", pover, NULL, false, ks_consume, ctx, errstr,
                                errstr_size);
    if (!ctx->log || cd_kafka_log_start(ctx->log, errstr, errstr_size) < 0)
        goto fail;
    cd_properties_destroy(settings);
    cd_properties_destroy(pover);
    return store;
fail:
    cd_properties_destroy(settings);
    cd_properties_destroy(pover);
    cd_status_store_destroy(store); /* destroys ctx and the log */
    return NULL;
}
