/**
 * @file config_backing_store.c
 * @brief KafkaConfigBackingStore: the reader state machine (ConsumeCallback and the
 *        process*Record methods, with Java's semantics and log texts), snapshots
 *        (ClusterConfigState) and the writes, on a cd_kafka_log. The value codec is in
 *        config_records.c. See docs/modules/config-backing-store.md.
 *
 * Locking: one mutex guards the state; records are applied on the log's work thread,
 * listeners are called after the mutex is released.
 */
#include "config_store_internal.h"

#include "../util/java_text.h"
#include "../util/log.h"
#include "kafka_log.h"

#include <connectd/buf.h>
#include <connectd/config_def.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Java's READ_WRITE_TOTAL_TIMEOUT_MS. */
#define RW_TIMEOUT_MS 30000

typedef struct task_list_s {
    int32_t *ids;
    cd_properties_t **props;
    size_t len, cap;
} task_list_t;

/** Everything Java keeps per connector name, in its separate maps. */
typedef struct entry_s {
    char *name;
    cd_properties_t *config; /**< connectorConfigs */
    bool has_target;
    cd_target_state_t target;
    bool has_task_count;
    int32_t task_count;
    task_list_t applied;  /**< taskConfigs */
    task_list_t deferred; /**< deferredTaskUpdates */
    bool has_deferred;    /**< the deferred map exists (cleared, not removed, by commits) */
    bool inconsistent;
    int64_t generation;              /**< connectorTaskConfigGenerations, -1 = none */
    cd_properties_t *applied_config; /**< appliedConnectorConfigs */
    bool has_task_count_record;
    int32_t task_count_record;
    bool pending_fencing;
} entry_t;

struct cd_config_store_s {
    pthread_mutex_t lock;
    cd_config_store_listener_t listener;
    bool started;
    int64_t offset;
    cd_session_key_t *session_key;
    entry_t **entries; /**< sorted by name */
    size_t count, cap;
    cd_kafka_log_t *log; /**< NULL when detached */
    char *topic;
};

/* ---- small helpers ---- */

static void task_list_clear(task_list_t *l)
{
    for (size_t i = 0; i < l->len; i++)
        cd_properties_destroy(l->props[i]);
    l->len = 0;
}

static void task_list_free(task_list_t *l)
{
    task_list_clear(l);
    free(l->ids);
    free(l->props);
    memset(l, 0, sizeof(*l));
}

static const cd_properties_t *task_list_get(const task_list_t *l, int32_t id)
{
    for (size_t i = 0; i < l->len; i++)
        if (l->ids[i] == id)
            return l->props[i];
    return NULL;
}

/** Takes @p props. @returns 0 or -1 (out of memory, props freed). */
static int task_list_put(task_list_t *l, int32_t id, cd_properties_t *props)
{
    for (size_t i = 0; i < l->len; i++) {
        if (l->ids[i] == id) {
            cd_properties_destroy(l->props[i]);
            l->props[i] = props;
            return 0;
        }
    }
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        int32_t *ids = realloc(l->ids, cap * sizeof(*ids));
        if (ids)
            l->ids = ids;
        cd_properties_t **p = ids ? realloc(l->props, cap * sizeof(*p)) : NULL;
        if (!p) {
            cd_properties_destroy(props);
            return -1;
        }
        l->props = p;
        l->cap = cap;
    }
    l->ids[l->len] = id;
    l->props[l->len++] = props;
    return 0;
}

static void entry_free(entry_t *e)
{
    if (!e)
        return;
    free(e->name);
    cd_properties_destroy(e->config);
    cd_properties_destroy(e->applied_config);
    task_list_free(&e->applied);
    task_list_free(&e->deferred);
    free(e);
}

static size_t find_index(const cd_config_store_t *s, const char *name, bool *found)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->entries[mid]->name, name);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = false;
    return lo;
}

static entry_t *find_entry(const cd_config_store_t *s, const char *name)
{
    bool found;
    size_t i = find_index(s, name, &found);
    return found ? s->entries[i] : NULL;
}

static entry_t *get_entry(cd_config_store_t *s, const char *name)
{
    bool found;
    size_t i = find_index(s, name, &found);
    if (found)
        return s->entries[i];
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        entry_t **n = realloc(s->entries, cap * sizeof(*n));
        if (!n)
            return NULL;
        s->entries = n;
        s->cap = cap;
    }
    entry_t *e = calloc(1, sizeof(*e));
    if (!e || !(e->name = strdup(name))) {
        free(e);
        return NULL;
    }
    e->generation = -1;
    memmove(&s->entries[i + 1], &s->entries[i], (s->count - i) * sizeof(*s->entries));
    s->entries[i] = e;
    s->count++;
    return e;
}

static void session_key_free(cd_session_key_t *k)
{
    if (!k)
        return;
    free(k->key);
    free(k->algorithm);
    free(k);
}

static cd_session_key_t *session_key_copy(const cd_session_key_t *k)
{
    if (!k)
        return NULL;
    cd_session_key_t *c = calloc(1, sizeof(*c));
    if (!c)
        return NULL;
    c->key = malloc(k->key_len ? k->key_len : 1);
    c->algorithm = strdup(k->algorithm);
    if (!c->key || !c->algorithm) {
        session_key_free(c);
        return NULL;
    }
    memcpy(c->key, k->key, k->key_len);
    c->key_len = k->key_len;
    c->creation_time_ms = k->creation_time_ms;
    return c;
}

/* ---- the listener events one record can cause (called after unlocking) ---- */

typedef enum event_kind_e {
    EV_NONE,
    EV_CONNECTOR_UPDATE,
    EV_CONNECTOR_REMOVE,
    EV_TASK_UPDATE,
    EV_TARGET_STATE,
    EV_SESSION_KEY,
    EV_RESTART,
    EV_LOGGER,
} event_kind_t;

typedef struct event_s {
    event_kind_t kind;
    const char *name; /**< points into the record key (valid during apply) */
    bool include_tasks, only_failed;
    const char *level;
} event_t;

static void fire(const cd_config_store_listener_t *l, const event_t *ev)
{
    switch (ev->kind) {
    case EV_CONNECTOR_UPDATE:
        if (l->connector_config_update)
            l->connector_config_update(l->opaque, ev->name);
        break;
    case EV_CONNECTOR_REMOVE:
        if (l->connector_config_remove)
            l->connector_config_remove(l->opaque, ev->name);
        break;
    case EV_TASK_UPDATE:
        if (l->task_config_update)
            l->task_config_update(l->opaque, ev->name);
        break;
    case EV_TARGET_STATE:
        if (l->target_state_change)
            l->target_state_change(l->opaque, ev->name);
        break;
    case EV_SESSION_KEY:
        if (l->session_key_update)
            l->session_key_update(l->opaque);
        break;
    case EV_RESTART:
        if (l->restart_request)
            l->restart_request(l->opaque, ev->name, ev->include_tasks, ev->only_failed);
        break;
    case EV_LOGGER:
        if (l->logger_level)
            l->logger_level(l->opaque, ev->name, ev->level);
        break;
    default:
        break;
    }
}

/* ---- record processing (lock held) ---- */

#define LOGE(...) cd_log_error(CD_CONFIG_LOGGER, __VA_ARGS__)
#define LOGW(...) cd_log_warn(CD_CONFIG_LOGGER, __VA_ARGS__)
#define LOGI(...) cd_log_info(CD_CONFIG_LOGGER, __VA_ARGS__)
#define LOGD(...) cd_log_debug(CD_CONFIG_LOGGER, __VA_ARGS__)
#define LOGT(...) cd_log(CD_CONFIG_LOGGER, CD_LOG_TRACE, __VA_ARGS__)

static bool is_map(const cd_json_node_t *v)
{
    return v && v->type == CD_JSON_OBJECT;
}

static const cd_json_node_t *field(const cd_json_node_t *map, const char *name)
{
    const cd_json_node_t *f = cd_json_object_get(map, name);
    return f && f->type == CD_JSON_NULL ? NULL : f;
}

static bool parse_target(const char *text, cd_target_state_t *out)
{
    static const cd_target_state_t all[] = {CD_TARGET_STARTED, CD_TARGET_PAUSED, CD_TARGET_STOPPED};
    for (size_t i = 0; i < 3; i++) {
        if (strcmp(text, cd_target_state_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

static void process_target_state(cd_config_store_t *s, const char *name,
                                 const cd_json_node_t *value, bool started, event_t *ev)
{
    entry_t *e = get_entry(s, name);
    if (!e)
        return;
    if (!value) {
        LOGD("Removed target state for connector %s due to null value in topic.", name);
        e->has_target = false;
        /* Still configured: back to the default STARTED. No notification on removal. */
        if (e->config) {
            e->has_target = true;
            e->target = CD_TARGET_STARTED;
        }
        return;
    }
    if (!is_map(value)) {
        LOGE("Ignoring target state for connector '%s' because it is in the wrong format: %s", name,
             cd_config_class_name(value));
        return;
    }
    const cd_json_node_t *state = field(value, "state.v2");
    if (state && state->type != CD_JSON_STRING) {
        LOGE("Invalid data for target state for connector '%s': 'state.v2' field should be a "
             "String but is %s",
             name, cd_config_class_name(state));
        state = NULL;
    }
    if (!state) {
        state = field(value, "state");
        if (!state || state->type != CD_JSON_STRING) {
            LOGE("Invalid data for target state for connector '%s': 'state' field should be a "
                 "String but is %s",
                 name, cd_config_class_name(state));
            return;
        }
    }
    cd_target_state_t ts;
    if (strlen(state->text) != state->text_len || !parse_target(state->text, &ts)) {
        LOGE("Invalid target state for connector '%s': %s", name, state->text);
        return;
    }
    LOGD("Setting target state for connector '%s' to %s", name, state->text);
    bool changed = !e->has_target || e->target != ts;
    e->has_target = true;
    e->target = ts;
    if (started && changed && e->config)
        ev->kind = EV_TARGET_STATE;
}

static void connector_removal(entry_t *e)
{
    /* processConnectorRemoval: target state, generation, fencing flags stay. */
    cd_properties_destroy(e->config);
    e->config = NULL;
    e->has_task_count = false;
    e->task_count = 0;
    task_list_clear(&e->applied);
    task_list_clear(&e->deferred);
    e->has_deferred = false;
    cd_properties_destroy(e->applied_config);
    e->applied_config = NULL;
}

static void process_connector_config(cd_config_store_t *s, const char *name,
                                     const cd_json_node_t *value, bool started, event_t *ev)
{
    if (!value) {
        entry_t *e = find_entry(s, name);
        if (e)
            connector_removal(e);
        LOGI("Successfully processed removal of connector '%s'", name);
        if (started)
            ev->kind = EV_CONNECTOR_REMOVE;
        return;
    }
    if (!is_map(value)) {
        LOGE("Ignoring configuration for connector '%s' because it is in the wrong format: %s",
             name, cd_config_class_name(value));
        return;
    }
    const cd_json_node_t *props = field(value, "properties");
    if (!is_map(props)) {
        LOGE("Invalid data for config for connector '%s': 'properties' field should be a Map "
             "but is %s",
             name, cd_config_class_name(props));
        return;
    }
    char err[512];
    cd_properties_t *config = cd_config_properties_from_json(props, err, sizeof(err));
    if (!config) {
        LOGE("Ignoring configuration for connector '%s': %s", name, err);
        return;
    }
    entry_t *e = get_entry(s, name);
    if (!e) {
        cd_properties_destroy(config);
        return;
    }
    LOGD("Updating configuration for connector '%s'", name);
    cd_properties_destroy(e->config);
    e->config = config;
    if (!e->has_target) {
        e->has_target = true;
        e->target = CD_TARGET_STARTED;
    }
    if (started)
        ev->kind = EV_CONNECTOR_UPDATE;
}

static void process_task_config(cd_config_store_t *s, const char *conn, int32_t task,
                                const cd_json_node_t *value)
{
    if (!value) {
        LOGE("Ignoring task configuration for task %s-%d because it is unexpectedly null", conn,
             task);
        return;
    }
    if (!is_map(value)) {
        LOGE("Ignoring task configuration for task %s-%d because the value is not a Map but is "
             "%s",
             conn, task, cd_config_class_name(value));
        return;
    }
    const cd_json_node_t *props = field(value, "properties");
    if (!is_map(props)) {
        LOGE("Invalid data for config of task %s-%d 'properties' field should be a Map but is %s",
             conn, task, cd_config_class_name(props));
        return;
    }
    char err[512];
    cd_properties_t *config = cd_config_properties_from_json(props, err, sizeof(err));
    if (!config) {
        LOGE("Ignoring task configuration for task %s-%d: %s", conn, task, err);
        return;
    }
    entry_t *e = get_entry(s, conn);
    if (!e) {
        cd_properties_destroy(config);
        return;
    }
    LOGD("Storing new config for task %s-%d; this will wait for a commit message before the "
         "new config will take effect.",
         conn, task);
    e->has_deferred = true;
    task_list_put(&e->deferred, task, config);
}

static void process_commit(cd_config_store_t *s, const char *name, const cd_json_node_t *value,
                           bool started, event_t *ev)
{
    entry_t *e = find_entry(s, name);
    if (!e || !e->config) {
        if (e)
            connector_removal(e);
        LOGD("Ignoring task configs for connector %s; it appears that the connector was deleted "
             "previously and that log compaction has since removed any trace of its previous "
             "configurations from the config topic",
             name);
        return;
    }
    if (!is_map(value)) {
        LOGE("Ignoring connector tasks configuration commit for connector '%s' because it is in "
             "the wrong format: %s",
             name, cd_config_class_name(value));
        return;
    }
    int32_t n;
    if (!cd_config_int_value(field(value, "tasks"), &n)) {
        /* Java throws ConnectException out of the callback; KafkaBasedLog logs it. */
        LOGE("Unexpected exception in KafkaBasedLog's work thread: "
             "org.apache.kafka.connect.errors.ConnectException: Expected integer value to be "
             "either Integer or Long");
        return;
    }
    /* completeTaskIdSet: every id 0..n-1 present (extra ids are compaction artefacts). */
    bool complete = true;
    if (n > 0) {
        if (e->deferred.len < (size_t)n)
            complete = false;
        for (int32_t i = 0; complete && i < n; i++)
            complete = task_list_get(&e->deferred, i) != NULL;
    }
    if (!complete) {
        LOGD("We have an incomplete set of task configs for connector '%s' probably due to "
             "compaction. So we are not doing anything with the new configuration.",
             name);
        e->inconsistent = true;
    } else {
        if (e->has_deferred) {
            for (size_t i = 0; i < e->deferred.len; i++) {
                task_list_put(&e->applied, e->deferred.ids[i], e->deferred.props[i]);
                e->deferred.props[i] = NULL;
            }
            e->deferred.len = 0;
            e->generation = e->generation >= 0 ? e->generation + 1 : 0;
        }
        e->inconsistent = false;
        cd_properties_t *applied = cd_properties_copy(e->config);
        if (applied) {
            cd_properties_destroy(e->applied_config);
            e->applied_config = applied;
        }
    }
    task_list_clear(&e->deferred);
    e->has_task_count = true;
    e->task_count = n;
    e->pending_fencing = true;
    if (started)
        ev->kind = EV_TASK_UPDATE;
}

static void process_restart(const char *name, const cd_json_node_t *value, bool started,
                            event_t *ev)
{
    if (!is_map(value)) {
        LOGE("Ignoring restart request because the value is not a Map but is %s",
             cd_config_class_name(value));
        return;
    }
    const cd_json_node_t *failed = field(value, "only-failed");
    bool only_failed = false, include_tasks = false;
    if (!failed || failed->type != CD_JSON_BOOLEAN)
        LOGW("Invalid data for restart request '%s' field should be a Boolean but is %s, "
             "defaulting to %s",
             "only-failed", cd_config_class_name(failed), "false");
    else
        only_failed = failed->boolean;
    const cd_json_node_t *tasks = field(value, "include-tasks");
    if (!tasks || tasks->type != CD_JSON_BOOLEAN)
        LOGW("Invalid data for restart request '%s' field should be a Boolean but is %s, "
             "defaulting to %s",
             "include-tasks", cd_config_class_name(tasks), "false");
    else
        include_tasks = tasks->boolean;
    if (started) {
        ev->kind = EV_RESTART;
        ev->name = name;
        ev->include_tasks = include_tasks;
        ev->only_failed = only_failed;
    }
}

static void process_task_count(cd_config_store_t *s, const char *name, const cd_json_node_t *value)
{
    if (!is_map(value)) {
        LOGE("Ignoring task count record for connector '%s' because it is in the wrong format: "
             "%s",
             name, cd_config_class_name(value));
        return;
    }
    int32_t n;
    if (!cd_config_int_value(field(value, "task-count"), &n)) {
        LOGE("Unexpected exception in KafkaBasedLog's work thread: "
             "org.apache.kafka.connect.errors.ConnectException: Expected integer value to be "
             "either Integer or Long");
        return;
    }
    entry_t *e = get_entry(s, name);
    if (!e)
        return;
    LOGD("Setting task count record for connector '%s' to %d", name, n);
    e->has_task_count_record = true;
    e->task_count_record = n;
    e->pending_fencing = false;
}

static void process_session_key(cd_config_store_t *s, const cd_json_node_t *value, bool started,
                                event_t *ev)
{
    if (!value) {
        LOGE("Ignoring session key because it is unexpectedly null");
        return;
    }
    if (!is_map(value)) {
        LOGE("Ignoring session key because the value is not a Map but is %s",
             cd_config_class_name(value));
        return;
    }
    const cd_json_node_t *key = field(value, "key");
    if (!key || key->type != CD_JSON_STRING) {
        LOGE("Invalid data for session key 'key' field should be a String but is %s",
             cd_config_class_name(key));
        return;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    if (cd_config_base64_decode(key->text, key->text_len, &bytes, &len) != 0) {
        LOGE("Unexpected exception in KafkaBasedLog's work thread: "
             "java.lang.IllegalArgumentException: invalid Base64 in the session key");
        return;
    }
    const cd_json_node_t *alg = field(value, "algorithm");
    if (!alg || alg->type != CD_JSON_STRING) {
        LOGE("Invalid data for session key 'algorithm' field should be a String but it is %s",
             cd_config_class_name(alg));
        goto out;
    }
    const cd_json_node_t *ts = field(value, "creation-timestamp");
    int64_t created;
    if (!ts || ts->type == CD_JSON_DECIMAL || !cd_config_long_value(ts, &created)) {
        LOGE("Invalid data for session key 'creation-timestamp' field should be a long but it "
             "is %s",
             cd_config_class_name(ts));
        goto out;
    }
    if (len == 0 || strlen(alg->text) != alg->text_len) {
        /* new SecretKeySpec(key, algorithm) */
        LOGE("Unexpected exception in KafkaBasedLog's work thread: "
             "java.lang.IllegalArgumentException: %s",
             len == 0 ? "Empty key" : "Invalid algorithm");
        goto out;
    }
    cd_session_key_t *k = calloc(1, sizeof(*k));
    if (!k || !(k->algorithm = strdup(alg->text))) {
        free(k);
        goto out;
    }
    k->key = bytes;
    k->key_len = len;
    k->creation_time_ms = created;
    bytes = NULL;
    session_key_free(s->session_key);
    s->session_key = k;
    if (started)
        ev->kind = EV_SESSION_KEY;
out:
    free(bytes);
}

static void process_logger_level(const char *ns, const cd_json_node_t *value, bool started,
                                 event_t *ev)
{
    if (!value) {
        LOGE("Ignoring logging level for namespace %s because it is unexpectedly null", ns);
        return;
    }
    if (!is_map(value)) {
        LOGE("Ignoring logging level for namespace %s because the value is not a Map but is %s", ns,
             cd_config_class_name(value));
        return;
    }
    const cd_json_node_t *level = field(value, "level");
    if (!level || level->type != CD_JSON_STRING || strlen(level->text) != level->text_len) {
        LOGE("Invalid data for logging level key 'level' field with namespace %s; should be a "
             "String but it is %s",
             ns, cd_config_class_name(level));
        return;
    }
    if (started) {
        ev->kind = EV_LOGGER;
        ev->name = ns;
        ev->level = level->text;
    } else {
        LOGT("Ignoring old logging level %s for namespace %s that was written to the config "
             "topic before this worker completed startup",
             level->text, ns);
    }
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/** StringDeserializer: UTF-8, malformed bytes replaced by U+FFFD. NULL if the key holds
 *  a NUL or is too long. */
static char *decode_key(const uint8_t *key, size_t len)
{
    if (len > CD_CONFIG_MAX_KEY_SIZE || memchr(key, 0, len))
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = cd_utf8_sequence_length(key + i, len - i);
        if (n == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, key + i, n);
            o += n;
            i += n;
        }
    }
    out[o] = '\0';
    return out;
}

void cd_config_store_apply(cd_config_store_t *s, const uint8_t *key, size_t key_len,
                           const uint8_t *value, size_t value_len, int64_t offset, bool started)
{
    if (!s)
        return;
    const cd_json_node_t *root = NULL;
    cd_json_doc_t *doc = NULL;
    if (value) {
        char err[512];
        /* Java's message, then which record it was: an operator must be able to find a
         * foreign record in the config topic. */
        if (value_len > CD_CONFIG_MAX_VALUE_SIZE) {
            char *bad = key ? decode_key(key, key_len) : NULL;
            LOGE("Failed to convert config data to Kafka Connect format: record value of %zu "
                 "bytes exceeds the limit of %zu bytes (record key '%s' at offset %lld, "
                 "skipped)",
                 value_len, CD_CONFIG_MAX_VALUE_SIZE, bad ? bad : "null", (long long)offset);
            free(bad);
            return; /* like Java: the offset is not advanced */
        }
        doc = cd_json_parse(value, value_len, &root, err, sizeof(err));
        if (!doc) {
            char *bad = key ? decode_key(key, key_len) : NULL;
            LOGE("Failed to convert config data to Kafka Connect format: "
                 "org.apache.kafka.connect.errors.DataException: %s%s (record key '%s' at "
                 "offset %lld, skipped)",
                 CD_JSON_READ_SERIALIZATION_ERROR, err, bad ? bad : "null", (long long)offset);
            free(bad);
            return; /* like Java: the offset is not advanced */
        }
        if (root && root->type == CD_JSON_NULL)
            root = NULL;
    }
    event_t ev = {.kind = EV_NONE};
    char *name = NULL;
    pthread_mutex_lock(&s->lock);
    /* The offset of the *next* record, as consumer positions are. */
    s->offset = offset + 1;
    char *k = key ? decode_key(key, key_len) : NULL;
    if (!k) {
        LOGE("Discarding config update record with invalid key: %s",
             key ? "(contains a NUL character or is too long)" : "null");
        goto done;
    }
    const char *suffix = NULL;
    if (has_prefix(k, "target-state-")) {
        suffix = k + strlen("target-state-");
        process_target_state(s, suffix, root, started, &ev);
    } else if (has_prefix(k, "connector-")) {
        suffix = k + strlen("connector-");
        process_connector_config(s, suffix, root, started, &ev);
    } else if (has_prefix(k, "task-")) {
        int32_t task;
        char *conn = cd_config_parse_task_key(k, &task);
        if (!conn)
            LOGE("Ignoring task configuration because %s couldn't be parsed as a task config key",
                 k);
        else
            process_task_config(s, conn, task, root);
        free(conn);
    } else if (has_prefix(k, "commit-")) {
        suffix = k + strlen("commit-");
        process_commit(s, suffix, root, started, &ev);
    } else if (has_prefix(k, "restart-connector-")) {
        suffix = k + strlen("restart-connector-");
        process_restart(suffix, root, started, &ev);
    } else if (has_prefix(k, "tasks-fencing-")) {
        process_task_count(s, k + strlen("tasks-fencing-"), root);
    } else if (strcmp(k, "session-key") == 0) {
        process_session_key(s, root, started, &ev);
    } else if (has_prefix(k, "logger-cluster-")) {
        suffix = k + strlen("logger-cluster-");
        process_logger_level(suffix, root, started, &ev);
    } else {
        LOGE("Discarding config update record with invalid key: %s", k);
    }
    if (ev.kind != EV_NONE && !ev.name)
        ev.name = suffix;
    name = k;
done:
    pthread_mutex_unlock(&s->lock);
    if (ev.kind != EV_NONE)
        fire(&s->listener, &ev);
    free(name);
    cd_json_doc_destroy(doc);
}

/* ---- snapshots ---- */

void cd_cluster_config_destroy(cd_cluster_config_t *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->count; i++) {
        cd_cluster_connector_t *c = &cfg->connectors[i];
        free(c->name);
        cd_properties_destroy(c->config);
        cd_properties_destroy(c->applied_config);
        for (size_t t = 0; t < c->tasks_len; t++)
            cd_properties_destroy(c->tasks[t]);
        free(c->tasks);
    }
    free(cfg->connectors);
    session_key_free(cfg->session_key);
    free(cfg);
}

const cd_cluster_connector_t *cd_cluster_config_find(const cd_cluster_config_t *cfg,
                                                     const char *name)
{
    if (!cfg || !name)
        return NULL;
    size_t lo = 0, hi = cfg->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cfg->connectors[mid].name, name);
        if (c == 0)
            return &cfg->connectors[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int cd_cluster_config_task_count(const cd_cluster_config_t *cfg, const char *name)
{
    const cd_cluster_connector_t *c = cd_cluster_config_find(cfg, name);
    return c ? (int)c->tasks_len : 0;
}

cd_cluster_config_t *cd_config_store_snapshot(cd_config_store_t *s)
{
    cd_cluster_config_t *cfg = calloc(1, sizeof(*cfg));
    if (!cfg)
        abort(); /* "Never NULL" */
    cfg->offset = -1;
    if (!s)
        return cfg;
    pthread_mutex_lock(&s->lock);
    cfg->offset = s->offset;
    cfg->session_key = session_key_copy(s->session_key);
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        n += s->entries[i]->config != NULL;
    cfg->connectors = calloc(n ? n : 1, sizeof(*cfg->connectors));
    if (!cfg->connectors)
        abort();
    for (size_t i = 0; i < s->count; i++) {
        const entry_t *e = s->entries[i];
        if (!e->config)
            continue;
        cd_cluster_connector_t *c = &cfg->connectors[cfg->count++];
        c->name = strdup(e->name);
        c->config = cd_properties_copy(e->config);
        c->target = e->has_target ? e->target : CD_TARGET_STARTED;
        c->task_count = e->has_task_count ? e->task_count : 0;
        c->inconsistent = e->inconsistent;
        c->pending_fencing = e->pending_fencing;
        c->task_generation = e->generation;
        c->applied_config = e->applied_config ? cd_properties_copy(e->applied_config) : NULL;
        c->task_count_record = e->has_task_count_record ? e->task_count_record : -1;
        if (!c->name || !c->config)
            abort();
        /* ClusterConfigState.tasks(): empty while inconsistent. */
        if (!e->inconsistent && e->has_task_count && e->task_count > 0) {
            c->tasks = calloc((size_t)e->task_count, sizeof(*c->tasks));
            if (!c->tasks)
                abort();
            c->tasks_len = (size_t)e->task_count;
            for (int32_t t = 0; t < e->task_count; t++) {
                const cd_properties_t *p = task_list_get(&e->applied, t);
                c->tasks[t] = p ? cd_properties_copy(p) : NULL;
            }
        }
    }
    pthread_mutex_unlock(&s->lock);
    return cfg;
}

/* ---- lifecycle ---- */

static cd_config_store_t *store_alloc(const cd_config_store_listener_t *listener)
{
    cd_config_store_t *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    if (listener)
        s->listener = *listener;
    s->offset = -1;
    return s;
}

cd_config_store_t *cd_config_store_new_detached(const cd_config_store_listener_t *listener)
{
    return store_alloc(listener);
}

static void consume(void *opaque, const cd_kafka_log_record_t *rec)
{
    cd_config_store_t *s = opaque;
    pthread_mutex_lock(&s->lock);
    bool started = s->started;
    pthread_mutex_unlock(&s->lock);
    cd_config_store_apply(s, rec->key, rec->key_len, rec->value, rec->value_len, rec->offset,
                          started);
}

cd_config_store_t *cd_config_store_new(const cd_worker_config_t *wc,
                                       const cd_config_store_listener_t *listener, char *errstr,
                                       size_t errstr_size)
{
    const cd_config_t *values = cd_worker_config_values(wc);
    const char *topic = cd_config_get_string(values, "config.storage.topic");
    const char *p = topic;
    while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (!p || !*p) {
        snprintf(errstr, errstr_size, "Must specify topic for connector configuration.");
        return NULL;
    }
    cd_config_store_t *s = store_alloc(listener);
    cd_properties_t *settings = cd_kafka_log_topic_settings(wc, "config.storage.");
    cd_properties_t *prod = cd_properties_new();
    cd_properties_t *cons = cd_properties_new();
    if (!s || !prod || !cons || !(s->topic = strdup(topic))) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    /* baseProducerProps: idempotence off, delivery.timeout.ms = Integer.MAX_VALUE. */
    cd_properties_set(prod, "enable.idempotence", "false");
    cd_properties_set(prod, "delivery.timeout.ms", "2147483647");
    const char *eos = cd_config_get_string(values, "exactly.once.source.support");
    if (eos && strcmp(eos, "enabled") == 0)
        cd_properties_set(cons, "isolation.level", "read_committed");
    const cd_config_value_t *rf = cd_config_get(values, "config.storage.replication.factor");
    cd_kafka_log_topic_t t = {
        .name = s->topic,
        .partitions = 1,
        .replication_factor = rf ? (int16_t)rf->i : -1,
        .settings = settings,
        .require_single_partition = true,
        .purpose = "connector configurations",
    };
    s->log =
        cd_kafka_log_new(wc, &t, "configs", prod, cons, false, consume, s, errstr, errstr_size);
    if (!s->log)
        goto fail;
    cd_properties_destroy(settings);
    cd_properties_destroy(prod);
    cd_properties_destroy(cons);
    return s;
fail:
    cd_properties_destroy(settings);
    cd_properties_destroy(prod);
    cd_properties_destroy(cons);
    cd_config_store_destroy(s);
    return NULL;
}

int cd_config_store_start(cd_config_store_t *s, char *errstr, size_t errstr_size)
{
    if (!s->log) {
        snprintf(errstr, errstr_size, "config store has no Kafka log");
        return -1;
    }
    LOGI("Starting KafkaConfigBackingStore");
    if (cd_kafka_log_start(s->log, errstr, errstr_size) != 0)
        return -1;
    int32_t parts = cd_kafka_log_partitions(s->log);
    if (parts > 1) {
        snprintf(errstr, errstr_size,
                 "Topic '%s' supplied via the '%s' property is required to have a single "
                 "partition in order to guarantee consistency of connector configurations, but "
                 "found %d partitions.",
                 s->topic, "config.storage.topic", (int)parts);
        return -1;
    }
    pthread_mutex_lock(&s->lock);
    s->started = true;
    pthread_mutex_unlock(&s->lock);
    LOGI("Started KafkaConfigBackingStore");
    return 0;
}

void cd_config_store_destroy(cd_config_store_t *s)
{
    if (!s)
        return;
    if (s->log) {
        LOGI("Closing KafkaConfigBackingStore");
        cd_kafka_log_destroy(s->log);
        LOGI("Closed KafkaConfigBackingStore");
    }
    for (size_t i = 0; i < s->count; i++)
        entry_free(s->entries[i]);
    free(s->entries);
    session_key_free(s->session_key);
    free(s->topic);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

int cd_config_store_refresh(cd_config_store_t *s, int64_t timeout_ms, char *errstr,
                            size_t errstr_size)
{
    if (!s->log)
        return 0;
    char cause[512] = "";
    if (cd_kafka_log_read_to_end(s->log, timeout_ms, cause, sizeof(cause)) != 0) {
        snprintf(errstr, errstr_size, "Error trying to read to end of config log: %s", cause);
        return -1;
    }
    return 0;
}

/* ---- writes ---- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t remaining(int64_t deadline)
{
    int64_t r = deadline - now_ms();
    return r > 0 ? r : 0;
}

static int send_batch(cd_config_store_t *s, const cd_kafka_log_entry_t *entries, size_t n,
                      int64_t deadline, char *cause, size_t cause_size)
{
    if (!s->log) { /* detached: apply locally so tests can exercise the writers */
        pthread_mutex_lock(&s->lock);
        int64_t off = s->offset < 0 ? 0 : s->offset;
        bool started = s->started;
        pthread_mutex_unlock(&s->lock);
        for (size_t i = 0; i < n; i++)
            cd_config_store_apply(s, entries[i].key, entries[i].key_len, entries[i].value,
                                  entries[i].value_len, off + (int64_t)i, started);
        return 0;
    }
    return cd_kafka_log_send_sync(s->log, entries, n, remaining(deadline), cause, cause_size);
}

static int read_to_end(cd_config_store_t *s, int64_t deadline, char *cause, size_t cause_size)
{
    if (!s->log)
        return 0;
    return cd_kafka_log_read_to_end(s->log, remaining(deadline), cause, cause_size);
}

static void entry_set(cd_kafka_log_entry_t *e, const char *key, const char *value)
{
    e->key = (const uint8_t *)key;
    e->key_len = strlen(key);
    e->value = (const uint8_t *)value;
    e->value_len = value ? strlen(value) : 0;
}

static char *make_key(const char *prefix, const char *name)
{
    size_t a = strlen(prefix), b = strlen(name);
    char *k = malloc(a + b + 1);
    if (k) {
        memcpy(k, prefix, a);
        memcpy(k + a, name, b + 1);
    }
    return k;
}

/** Logs "<log_text>: <cause>" and sets errstr to Java's ConnectException text. */
static int write_failed(const char *log_text, const char *java_text, const char *cause,
                        char *errstr, size_t errstr_size)
{
    LOGE("%s: %s", log_text, cause);
    snprintf(errstr, errstr_size, "%s", java_text);
    return -1;
}

int cd_config_store_put_connector_config(cd_config_store_t *s, const char *name,
                                         const cd_properties_t *config,
                                         const cd_target_state_t *initial_target, char *errstr,
                                         size_t errstr_size)
{
    LOGD("Writing connector configuration for connector '%s'", name);
    int64_t deadline = now_ms() + RW_TIMEOUT_MS;
    char cause[512] = "out of memory";
    char *ck = make_key("connector-", name), *tk = make_key("target-state-", name);
    char *cv = cd_config_value_connector(config);
    char *tv = initial_target ? cd_config_value_target_state(*initial_target) : NULL;
    int rc = -1;
    if (!ck || !tk || !cv || (initial_target && !tv))
        goto out;
    cd_kafka_log_entry_t e[2];
    size_t n = 0;
    if (initial_target) {
        LOGD("Writing target state %s for connector %s", cd_target_state_name(*initial_target),
             name);
        entry_set(&e[n++], tk, tv);
    }
    entry_set(&e[n++], ck, cv);
    if (send_batch(s, e, n, deadline, cause, sizeof(cause)) != 0 ||
        read_to_end(s, deadline, cause, sizeof(cause)) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        write_failed("Failed to write connector configuration to Kafka",
                     "Error writing connector configuration to Kafka", cause, errstr, errstr_size);
    free(ck);
    free(tk);
    free(cv);
    free(tv);
    return rc;
}

int cd_config_store_remove_connector_config(cd_config_store_t *s, const char *name, char *errstr,
                                            size_t errstr_size)
{
    LOGD("Removing connector configuration for connector '%s'", name);
    int64_t deadline = now_ms() + RW_TIMEOUT_MS;
    char cause[512] = "out of memory";
    char *ck = make_key("connector-", name), *tk = make_key("target-state-", name);
    int rc = -1;
    if (!ck || !tk)
        goto out;
    cd_kafka_log_entry_t e[2];
    entry_set(&e[0], ck, NULL);
    entry_set(&e[1], tk, NULL);
    if (send_batch(s, e, 2, deadline, cause, sizeof(cause)) != 0 ||
        read_to_end(s, deadline, cause, sizeof(cause)) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        write_failed("Failed to remove connector configuration from Kafka",
                     "Error removing connector configuration from Kafka", cause, errstr,
                     errstr_size);
    free(ck);
    free(tk);
    return rc;
}

int cd_config_store_put_task_configs(cd_config_store_t *s, const char *name,
                                     cd_properties_t *const *configs, size_t n, char *errstr,
                                     size_t errstr_size)
{
    int64_t deadline = now_ms() + RW_TIMEOUT_MS;
    char cause[512] = "out of memory";
    if (read_to_end(s, deadline, cause, sizeof(cause)) != 0)
        return write_failed("Failed to write root configuration to Kafka",
                            "Error writing root configuration to Kafka", cause, errstr,
                            errstr_size);
    if (n > (size_t)INT32_MAX) {
        snprintf(errstr, errstr_size, "Error writing task configurations to Kafka");
        return -1;
    }
    char **keys = calloc(n ? n : 1, sizeof(*keys));
    char **vals = calloc(n ? n : 1, sizeof(*vals));
    cd_kafka_log_entry_t *e = calloc(n ? n : 1, sizeof(*e));
    char *commit_key = make_key("commit-", name);
    char *commit_val = cd_config_value_commit((int)n);
    int rc = -1;
    if (!keys || !vals || !e || !commit_key || !commit_val) {
        write_failed("Failed to write task configurations to Kafka",
                     "Error writing task configurations to Kafka", cause, errstr, errstr_size);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        char idx[24];
        snprintf(idx, sizeof(idx), "-%zu", i);
        size_t nl = strlen(name);
        keys[i] = malloc(5 + nl + strlen(idx) + 1);
        vals[i] = cd_config_value_task(configs[i]);
        if (!keys[i] || !vals[i]) {
            write_failed("Failed to write task configurations to Kafka",
                         "Error writing task configurations to Kafka", cause, errstr, errstr_size);
            goto out;
        }
        memcpy(keys[i], "task-", 5);
        memcpy(keys[i] + 5, name, nl);
        strcpy(keys[i] + 5 + nl, idx);
        LOGD("Writing configuration for connector '%s' task %zu", name, i);
        entry_set(&e[i], keys[i], vals[i]);
    }
    if (n > 0 && send_batch(s, e, n, deadline, cause, sizeof(cause)) != 0) {
        write_failed("Failed to write task configurations to Kafka",
                     "Error writing task configurations to Kafka", cause, errstr, errstr_size);
        goto out;
    }
    if (n > 0 && read_to_end(s, deadline, cause, sizeof(cause)) != 0)
        goto root_fail;
    LOGD("Writing commit for connector '%s' with %zu tasks.", name, n);
    cd_kafka_log_entry_t c;
    entry_set(&c, commit_key, commit_val);
    if (send_batch(s, &c, 1, deadline, cause, sizeof(cause)) != 0 ||
        read_to_end(s, deadline, cause, sizeof(cause)) != 0)
        goto root_fail;
    rc = 0;
    goto out;
root_fail:
    write_failed("Failed to write root configuration to Kafka",
                 "Error writing root configuration to Kafka", cause, errstr, errstr_size);
out:
    for (size_t i = 0; keys && vals && i < n; i++) {
        free(keys[i]);
        free(vals[i]);
    }
    free(keys);
    free(vals);
    free(e);
    free(commit_key);
    free(commit_val);
    return rc;
}

/** One record; @p read_back: read to the end afterwards (not for target state / logger
 *  levels, which Java only waits to be acknowledged). */
static int put_one(cd_config_store_t *s, const char *prefix, const char *name, char *value,
                   bool read_back, const char *log_text, const char *java_text, char *errstr,
                   size_t errstr_size)
{
    int64_t deadline = now_ms() + RW_TIMEOUT_MS;
    char cause[512] = "out of memory";
    char *k = make_key(prefix, name);
    int rc = -1;
    if (k && value) {
        cd_kafka_log_entry_t e;
        entry_set(&e, k, value);
        if (send_batch(s, &e, 1, deadline, cause, sizeof(cause)) == 0 &&
            (!read_back || read_to_end(s, deadline, cause, sizeof(cause)) == 0))
            rc = 0;
    }
    if (rc != 0)
        write_failed(log_text, java_text, cause, errstr, errstr_size);
    free(k);
    free(value);
    return rc;
}

int cd_config_store_put_target_state(cd_config_store_t *s, const char *name,
                                     cd_target_state_t state, char *errstr, size_t errstr_size)
{
    LOGD("Writing target state %s for connector %s", cd_target_state_name(state), name);
    return put_one(s, "target-state-", name, cd_config_value_target_state(state), false,
                   "Failed to write target state to Kafka", "Error writing target state to Kafka",
                   errstr, errstr_size);
}

int cd_config_store_put_restart_request(cd_config_store_t *s, const char *name, bool include_tasks,
                                        bool only_failed, char *errstr, size_t errstr_size)
{
    /* RestartRequest.toString() */
    char desc[1024];
    snprintf(desc, sizeof(desc),
             "restart request for {connectorName='%s', onlyFailed=%s, "
             "includeTasks=%s}",
             name, only_failed ? "true" : "false", include_tasks ? "true" : "false");
    char log_text[1100], java_text[1100];
    snprintf(log_text, sizeof(log_text), "Failed to write %s to Kafka", desc);
    snprintf(java_text, sizeof(java_text), "Error writing %s to Kafka", desc);
    LOGD("Writing %s to Kafka", desc);
    return put_one(s, "restart-connector-", name,
                   cd_config_value_restart(include_tasks, only_failed), true, log_text, java_text,
                   errstr, errstr_size);
}

int cd_config_store_put_session_key(cd_config_store_t *s, const cd_session_key_t *key, char *errstr,
                                    size_t errstr_size)
{
    LOGD("Distributing new session key");
    return put_one(s, "session-key", "", cd_config_value_session_key(key), true,
                   "Failed to write session key to Kafka", "Error writing session key to Kafka",
                   errstr, errstr_size);
}

int cd_config_store_put_task_count_record(cd_config_store_t *s, const char *name, int task_count,
                                          char *errstr, size_t errstr_size)
{
    LOGD("Writing task count record %d for connector %s", task_count, name);
    char log_text[1024];
    snprintf(log_text, sizeof(log_text),
             "Failed to write task count record with %d tasks for connector %s to Kafka",
             task_count, name);
    return put_one(s, "tasks-fencing-", name, cd_config_value_task_count(task_count), true,
                   log_text, "Error writing task count record to Kafka", errstr, errstr_size);
}

int cd_config_store_put_logger_level(cd_config_store_t *s, const char *ns, const char *level,
                                     char *errstr, size_t errstr_size)
{
    LOGD("Writing level %s for logging namespace %s to Kafka", level, ns);
    return put_one(s, "logger-cluster-", ns, cd_config_value_logger_level(level), false,
                   "Failed to write logger level to Kafka", "Error writing logger level to Kafka",
                   errstr, errstr_size);
}
