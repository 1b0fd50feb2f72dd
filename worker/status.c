/* status.c: connector/task states and the in-memory status store
 * (MemoryStatusBackingStore), plus active-topic tracking (KIP-558).
 *
 * A store may have a backend (storage/kafka_status_store.c: the status topic):
 * writes then also go to the backend (FAILED/UNASSIGNED with Java's putSafe
 * rule), and what the backend reads is applied with Java's reader rules
 * (cd_status_store_apply_*). Without one it behaves as before.
 *
 * One mutex guards a flat list of entries; a worker has tens of tasks, not
 * thousands, so lookups are linear. */
#include "status.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <strings.h>

static const char *const cd_state_names[] = {"UNASSIGNED", "RUNNING", "PAUSED",   "FAILED",
                                             "RESTARTING", "STOPPED", "DESTROYED"};

const char *cd_state_name(cd_state_t state)
{
    if ((unsigned)state > CD_STATE_DESTROYED)
        return "UNASSIGNED";
    return cd_state_names[state];
}

const char *cd_target_state_name(cd_target_state_t state)
{
    switch (state) {
    case CD_TARGET_PAUSED:
        return "PAUSED";
    case CD_TARGET_STOPPED:
        return "STOPPED";
    default:
        return "STARTED";
    }
}

bool cd_target_state_parse_initial(const char *text, cd_target_state_t *out)
{
    if (!text)
        return false;
    if (strcasecmp(text, "RUNNING") == 0)
        *out = CD_TARGET_STARTED;
    else if (strcasecmp(text, "PAUSED") == 0)
        *out = CD_TARGET_PAUSED;
    else if (strcasecmp(text, "STOPPED") == 0)
        *out = CD_TARGET_STOPPED;
    else
        return false;
    return true;
}

void cd_status_clear(cd_status_t *status)
{
    if (!status)
        return;
    free(status->connector);
    free(status->trace);
    free(status->worker_id);
    free(status->version);
    memset(status, 0, sizeof(*status));
}

typedef struct cd_topic_entry_s {
    char *connector;
    char *topic;
} cd_topic_entry_t;

struct cd_status_store_s {
    pthread_mutex_t lock;
    cd_status_t *entries;
    size_t count, capacity;
    cd_topic_entry_t *topics;
    size_t topic_count, topic_capacity;
    bool backed;
    cd_status_backend_t backend;
    void *backend_opaque;
};

cd_status_store_t *cd_status_store_new_memory(void)
{
    cd_status_store_t *store = calloc(1, sizeof(*store));
    if (!store)
        return NULL;
    pthread_mutex_init(&store->lock, NULL);
    return store;
}

cd_status_store_t *cd_status_store_new_backed(const cd_status_backend_t *backend, void *opaque)
{
    cd_status_store_t *store = cd_status_store_new_memory();
    if (!store)
        return NULL;
    store->backed = true;
    store->backend = *backend;
    store->backend_opaque = opaque;
    return store;
}

void cd_status_store_set_backend_opaque(cd_status_store_t *store, void *opaque)
{
    if (store && store->backed)
        store->backend_opaque = opaque;
}

void cd_status_store_destroy(cd_status_store_t *store)
{
    if (!store)
        return;
    if (store->backed && store->backend.destroy)
        store->backend.destroy(store->backend_opaque);
    for (size_t i = 0; i < store->count; i++)
        cd_status_clear(&store->entries[i]);
    free(store->entries);
    for (size_t i = 0; i < store->topic_count; i++) {
        free(store->topics[i].connector);
        free(store->topics[i].topic);
    }
    free(store->topics);
    pthread_mutex_destroy(&store->lock);
    free(store);
}

static char *cd_strdup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static cd_status_t *cd_status_find_locked(cd_status_store_t *store, const char *connector, int task)
{
    for (size_t i = 0; i < store->count; i++)
        if (store->entries[i].task == task && strcmp(store->entries[i].connector, connector) == 0)
            return &store->entries[i];
    return NULL;
}

/* Sets (or, DESTROYED, removes) one entry; the lock is held. */
static void cd_status_set_locked(cd_status_store_t *store, const char *connector, int task,
                                 cd_state_t state, const char *trace, const char *worker_id,
                                 int64_t generation, const char *version)
{
    cd_status_t *s = cd_status_find_locked(store, connector, task);
    if (state == CD_STATE_DESTROYED) {
        if (s) {
            cd_status_clear(s);
            *s = store->entries[--store->count];
        }
        return;
    }
    if (!s) {
        if (store->count == store->capacity) {
            size_t cap = store->capacity ? store->capacity * 2 : 16;
            cd_status_t *grown = realloc(store->entries, cap * sizeof(*grown));
            if (!grown)
                return;
            store->entries = grown;
            store->capacity = cap;
        }
        s = &store->entries[store->count++];
        memset(s, 0, sizeof(*s));
        s->connector = strdup(connector);
        s->task = task;
    }
    free(s->trace);
    free(s->worker_id);
    s->state = state;
    s->trace = cd_strdup_or_null(trace);
    s->worker_id = cd_strdup_or_null(worker_id);
    s->generation = generation;
    free(s->version);
    s->version = cd_strdup_or_null(version);
}

void cd_status_store_put(cd_status_store_t *store, const char *connector, int task,
                         cd_state_t state, const char *trace, const char *worker_id,
                         int64_t generation)
{
    cd_status_store_put_version(store, connector, task, state, trace, worker_id, generation, NULL);
}

void cd_status_store_put_version(cd_status_store_t *store, const char *connector, int task,
                                 cd_state_t state, const char *trace, const char *worker_id,
                                 int64_t generation, const char *version)
{
    pthread_mutex_lock(&store->lock);
    if (store->backed && (state == CD_STATE_FAILED || state == CD_STATE_UNASSIGNED)) {
        /* putSafe: CacheEntry.canWriteSafely */
        const cd_status_t *cur = cd_status_find_locked(store, connector, task);
        if (cur && !(cur->worker_id && worker_id && strcmp(cur->worker_id, worker_id) == 0) &&
            cur->generation > generation) {
            pthread_mutex_unlock(&store->lock);
            return;
        }
    }
    cd_status_set_locked(store, connector, task, state, trace, worker_id, generation, version);
    pthread_mutex_unlock(&store->lock);
    if (store->backed && store->backend.write_status) {
        cd_status_t st = {(char *)connector, task,       state,          (char *)trace,
                          (char *)worker_id, generation, (char *)version};
        store->backend.write_status(store->backend_opaque, &st);
    }
}

static void cd_status_copy(const cd_status_t *from, cd_status_t *to)
{
    to->connector = cd_strdup_or_null(from->connector);
    to->task = from->task;
    to->state = from->state;
    to->trace = cd_strdup_or_null(from->trace);
    to->worker_id = cd_strdup_or_null(from->worker_id);
    to->generation = from->generation;
    to->version = cd_strdup_or_null(from->version);
}

bool cd_status_store_get(cd_status_store_t *store, const char *connector, int task,
                         cd_status_t *out)
{
    pthread_mutex_lock(&store->lock);
    cd_status_t *s = cd_status_find_locked(store, connector, task);
    if (s)
        cd_status_copy(s, out);
    pthread_mutex_unlock(&store->lock);
    return s != NULL;
}

static int cd_status_task_cmp(const void *a, const void *b)
{
    const cd_status_t *x = a, *y = b;
    return (x->task > y->task) - (x->task < y->task);
}

cd_status_t *cd_status_store_get_tasks(cd_status_store_t *store, const char *connector, size_t *n)
{
    *n = 0;
    pthread_mutex_lock(&store->lock);
    cd_status_t *out = calloc(store->count + 1, sizeof(*out));
    if (out) {
        for (size_t i = 0; i < store->count; i++) {
            const cd_status_t *s = &store->entries[i];
            if (s->task >= 0 && strcmp(s->connector, connector) == 0)
                cd_status_copy(s, &out[(*n)++]);
        }
    }
    pthread_mutex_unlock(&store->lock);
    if (out)
        qsort(out, *n, sizeof(*out), cd_status_task_cmp);
    return out;
}

void cd_status_store_remove_connector(cd_status_store_t *store, const char *connector)
{
    if (store->backed && store->backend.write_status) {
        /* AbstractHerder.onDeletion: every task, then the connector, as DESTROYED. */
        size_t n = 0;
        cd_status_t *tasks = cd_status_store_get_tasks(store, connector, &n);
        for (size_t i = 0; tasks && i < n; i++) {
            cd_status_t st = {
                (char *)connector,   tasks[i].task, CD_STATE_DESTROYED, NULL, tasks[i].worker_id,
                tasks[i].generation, NULL};
            store->backend.write_status(store->backend_opaque, &st);
            cd_status_clear(&tasks[i]);
        }
        free(tasks);
        cd_status_t cs;
        memset(&cs, 0, sizeof(cs));
        bool have = cd_status_store_get(store, connector, -1, &cs);
        cd_status_t st = {
            (char *)connector,        -1,  CD_STATE_DESTROYED, NULL, have ? cs.worker_id : NULL,
            have ? cs.generation : 0, NULL};
        store->backend.write_status(store->backend_opaque, &st);
        cd_status_clear(&cs);
    }
    pthread_mutex_lock(&store->lock);
    for (size_t i = 0; i < store->count;) {
        if (strcmp(store->entries[i].connector, connector) == 0) {
            cd_status_clear(&store->entries[i]);
            store->entries[i] = store->entries[--store->count];
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&store->lock);
    cd_status_store_reset_topics(store, connector);
}

void cd_status_store_remove_task(cd_status_store_t *store, const char *connector, int task)
{
    cd_status_store_put(store, connector, task, CD_STATE_DESTROYED, NULL, NULL, 0);
}

/* Adds a topic; @returns true if it was new. The lock is held. */
static bool cd_status_topic_add_locked(cd_status_store_t *store, const char *connector,
                                       const char *topic)
{
    for (size_t i = 0; i < store->topic_count; i++)
        if (strcmp(store->topics[i].connector, connector) == 0 &&
            strcmp(store->topics[i].topic, topic) == 0)
            return false;
    if (store->topic_count == store->topic_capacity) {
        size_t cap = store->topic_capacity ? store->topic_capacity * 2 : 16;
        cd_topic_entry_t *grown = realloc(store->topics, cap * sizeof(*grown));
        if (!grown)
            return false;
        store->topics = grown;
        store->topic_capacity = cap;
    }
    char *c = strdup(connector), *t = strdup(topic);
    if (!c || !t) {
        free(c);
        free(t);
        return false;
    }
    store->topics[store->topic_count].connector = c;
    store->topics[store->topic_count].topic = t;
    store->topic_count++;
    return true;
}

void cd_status_store_put_topic_task(cd_status_store_t *store, const char *connector,
                                    const char *topic, int task)
{
    pthread_mutex_lock(&store->lock);
    bool added = cd_status_topic_add_locked(store, connector, topic);
    pthread_mutex_unlock(&store->lock);
    if (added && store->backed && store->backend.write_topic) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
        store->backend.write_topic(store->backend_opaque, connector, topic, task, now, false);
    }
}

void cd_status_store_put_topic(cd_status_store_t *store, const char *connector, const char *topic)
{
    if (store->backed) {
        cd_status_store_put_topic_task(store, connector, topic, 0);
        return;
    }
    pthread_mutex_lock(&store->lock);
    for (size_t i = 0; i < store->topic_count; i++)
        if (strcmp(store->topics[i].connector, connector) == 0 &&
            strcmp(store->topics[i].topic, topic) == 0)
            goto done;
    if (store->topic_count == store->topic_capacity) {
        size_t cap = store->topic_capacity ? store->topic_capacity * 2 : 16;
        cd_topic_entry_t *grown = realloc(store->topics, cap * sizeof(*grown));
        if (!grown)
            goto done;
        store->topics = grown;
        store->topic_capacity = cap;
    }
    store->topics[store->topic_count].connector = strdup(connector);
    store->topics[store->topic_count].topic = strdup(topic);
    store->topic_count++;
done:
    pthread_mutex_unlock(&store->lock);
}

static int cd_status_str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cd_status_store_get_topics(cd_status_store_t *store, const char *connector, size_t *n)
{
    *n = 0;
    pthread_mutex_lock(&store->lock);
    char **out = calloc(store->topic_count + 1, sizeof(*out));
    if (out)
        for (size_t i = 0; i < store->topic_count; i++)
            if (strcmp(store->topics[i].connector, connector) == 0)
                out[(*n)++] = strdup(store->topics[i].topic);
    pthread_mutex_unlock(&store->lock);
    if (out)
        qsort(out, *n, sizeof(*out), cd_status_str_cmp);
    return out;
}

void cd_status_store_reset_topics(cd_status_store_t *store, const char *connector)
{
    if (store->backed && store->backend.write_topic) {
        size_t n = 0;
        char **topics = cd_status_store_get_topics(store, connector, &n);
        for (size_t i = 0; topics && i < n; i++) {
            store->backend.write_topic(store->backend_opaque, connector, topics[i], 0, 0, true);
            free(topics[i]);
        }
        free(topics);
    }
    pthread_mutex_lock(&store->lock);
    for (size_t i = 0; i < store->topic_count;) {
        if (strcmp(store->topics[i].connector, connector) == 0) {
            free(store->topics[i].connector);
            free(store->topics[i].topic);
            store->topics[i] = store->topics[--store->topic_count];
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&store->lock);
}

char **cd_status_store_connectors(cd_status_store_t *store, size_t *n)
{
    *n = 0;
    pthread_mutex_lock(&store->lock);
    char **out = calloc(store->count + 1, sizeof(*out));
    for (size_t i = 0; out && i < store->count; i++) {
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = strcmp(out[j], store->entries[i].connector) == 0;
        if (!seen) {
            char *name = strdup(store->entries[i].connector);
            if (name)
                out[(*n)++] = name;
        }
    }
    pthread_mutex_unlock(&store->lock);
    if (out)
        qsort(out, *n, sizeof(*out), cd_status_str_cmp);
    return out;
}

int cd_status_store_flush(cd_status_store_t *store, int64_t timeout_ms)
{
    if (store && store->backed && store->backend.flush)
        return store->backend.flush(store->backend_opaque, timeout_ms);
    return 0;
}

void cd_status_store_apply_status(cd_status_store_t *store, const cd_status_t *status)
{
    pthread_mutex_lock(&store->lock);
    if (status->state == CD_STATE_DESTROYED) {
        if (status->task < 0) {
            /* KafkaStatusBackingStore.remove(connector): the connector and its tasks. */
            for (size_t i = 0; i < store->count;) {
                if (strcmp(store->entries[i].connector, status->connector) == 0) {
                    cd_status_clear(&store->entries[i]);
                    store->entries[i] = store->entries[--store->count];
                } else {
                    i++;
                }
            }
        } else {
            cd_status_set_locked(store, status->connector, status->task, CD_STATE_DESTROYED, NULL,
                                 NULL, 0, NULL);
        }
        goto done;
    }
    if (status->task >= 0 && status->state == CD_STATE_UNASSIGNED) {
        const cd_status_t *cur = cd_status_find_locked(store, status->connector, status->task);
        if (cur && cur->state == CD_STATE_RUNNING && cur->generation >= status->generation)
            goto done; /* "Ignoring stale status" */
    }
    cd_status_set_locked(store, status->connector, status->task, status->state, status->trace,
                         status->worker_id, status->generation, status->version);
done:
    pthread_mutex_unlock(&store->lock);
}

void cd_status_store_apply_topic(cd_status_store_t *store, const char *connector, const char *topic,
                                 bool deleted)
{
    pthread_mutex_lock(&store->lock);
    if (!deleted) {
        cd_status_topic_add_locked(store, connector, topic);
    } else {
        for (size_t i = 0; i < store->topic_count; i++) {
            if (strcmp(store->topics[i].connector, connector) == 0 &&
                strcmp(store->topics[i].topic, topic) == 0) {
                free(store->topics[i].connector);
                free(store->topics[i].topic);
                store->topics[i] = store->topics[--store->topic_count];
                break;
            }
        }
    }
    pthread_mutex_unlock(&store->lock);
}
