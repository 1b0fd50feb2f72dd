/*
 * kafka_offset_store.c: the offsets topic (KafkaOffsetBackingStore) as a
 * cd_offset_store_t (worker/offset_store.h).
 *
 * The latest value per exact key bytes is kept in memory (Java's
 * HashMap<ByteBuffer,ByteBuffer>), fed by the log's work thread; a tombstone
 * removes the key. get() reads the topic to the end first; set() produces one
 * record per entry (raw key/value bytes, murmur2 partitioning by the log) and
 * waits for every ack; foreach() walks a snapshot.
 */
#include "kafka_backing_stores.h"

#include "../util/log.h"
#include "../util/properties.h"
#include "kafka_log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KO_LOGGER "org.apache.kafka.connect.storage.KafkaOffsetBackingStore"
#define KO_MAX_ENTRIES ((size_t)10000000)
#define KO_READ_TIMEOUT_MS 60000

typedef struct ko_entry_s {
    uint8_t *key;
    size_t key_len;
    uint8_t *value;
    size_t value_len;
} ko_entry_t;

typedef struct ko_store_s {
    cd_offset_store_t base;
    cd_kafka_log_t *log;
    pthread_mutex_t lock;
    ko_entry_t *entries; /* open addressing would be faster; offsets maps are small */
    size_t count, capacity;
    size_t *buckets; /* hash -> index+1 chains via a simple table */
    size_t nbuckets;
    size_t *next;
} ko_store_t;

static uint64_t ko_hash(const uint8_t *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= k[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static int ko_rehash(ko_store_t *s, size_t nbuckets)
{
    size_t *b = calloc(nbuckets, sizeof(*b));
    if (!b)
        return -1;
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = nbuckets;
    for (size_t i = 0; i < s->count; i++) {
        size_t h = (size_t)(ko_hash(s->entries[i].key, s->entries[i].key_len) % nbuckets);
        s->next[i] = s->buckets[h];
        s->buckets[h] = i + 1;
    }
    return 0;
}

static ssize_t ko_find_locked(ko_store_t *s, const uint8_t *key, size_t key_len)
{
    if (!s->nbuckets)
        return -1;
    size_t h = (size_t)(ko_hash(key, key_len) % s->nbuckets);
    for (size_t i = s->buckets[h]; i; i = s->next[i - 1]) {
        const ko_entry_t *e = &s->entries[i - 1];
        if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
            return (ssize_t)(i - 1);
    }
    return -1;
}

static void ko_put_locked(ko_store_t *s, const uint8_t *key, size_t key_len, const uint8_t *value,
                          size_t value_len)
{
    ssize_t at = ko_find_locked(s, key, key_len);
    if (!value) {
        if (at < 0)
            return;
        free(s->entries[at].key);
        free(s->entries[at].value);
        s->entries[at] = s->entries[--s->count];
        ko_rehash(s, s->nbuckets); /* indexes moved */
        return;
    }
    uint8_t *v = malloc(value_len ? value_len : 1);
    if (!v)
        return;
    memcpy(v, value, value_len);
    if (at >= 0) {
        free(s->entries[at].value);
        s->entries[at].value = v;
        s->entries[at].value_len = value_len;
        return;
    }
    if (s->count >= KO_MAX_ENTRIES) {
        free(v);
        cd_log_error(KO_LOGGER, "Too many offsets in the offsets topic; ignoring a new key");
        return;
    }
    if (s->count == s->capacity) {
        size_t cap = s->capacity ? s->capacity * 2 : 64;
        ko_entry_t *ge = realloc(s->entries, cap * sizeof(*ge));
        if (!ge) {
            free(v);
            return;
        }
        s->entries = ge;
        size_t *gn = realloc(s->next, cap * sizeof(*gn));
        if (!gn) {
            free(v);
            return;
        }
        s->next = gn;
        s->capacity = cap;
    }
    uint8_t *k = malloc(key_len ? key_len : 1);
    if (!k) {
        free(v);
        return;
    }
    memcpy(k, key, key_len);
    s->entries[s->count] = (ko_entry_t){k, key_len, v, value_len};
    s->count++;
    if (s->count > s->nbuckets) {
        if (ko_rehash(s, s->nbuckets ? s->nbuckets * 2 : 128) < 0)
            ko_rehash(s, s->nbuckets);
    } else {
        size_t h = (size_t)(ko_hash(k, key_len) % s->nbuckets);
        s->next[s->count - 1] = s->buckets[h];
        s->buckets[h] = s->count;
    }
}

static void ko_consume(void *opaque, const cd_kafka_log_record_t *rec)
{
    ko_store_t *s = opaque;
    if (!rec->key) {
        cd_log_warn(KO_LOGGER, "Ignoring a record with a null key in the offsets topic");
        return;
    }
    pthread_mutex_lock(&s->lock);
    ko_put_locked(s, rec->key, rec->key_len, rec->value, rec->value_len);
    pthread_mutex_unlock(&s->lock);
}

static int ko_get(cd_offset_store_t *base, const uint8_t *key, size_t key_len, uint8_t **value,
                  size_t *value_len, char *errstr, size_t errstr_size)
{
    ko_store_t *s = (ko_store_t *)base;
    *value = NULL;
    *value_len = 0;
    if (cd_kafka_log_read_to_end(s->log, KO_READ_TIMEOUT_MS, errstr, errstr_size) < 0)
        return -1;
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    ssize_t at = ko_find_locked(s, key, key_len);
    if (at >= 0) {
        *value = malloc(s->entries[at].value_len ? s->entries[at].value_len : 1);
        if (*value) {
            memcpy(*value, s->entries[at].value, s->entries[at].value_len);
            *value_len = s->entries[at].value_len;
        } else {
            snprintf(errstr, errstr_size, "Out of memory");
            rc = -1;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int ko_set(cd_offset_store_t *base, const cd_offset_store_entry_t *entries, size_t count,
                  int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    ko_store_t *s = (ko_store_t *)base;
    if (!count)
        return 0;
    cd_kafka_log_entry_t *le = calloc(count, sizeof(*le));
    if (!le) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    for (size_t i = 0; i < count; i++)
        le[i] = (cd_kafka_log_entry_t){entries[i].key, entries[i].key_len, entries[i].value,
                                       entries[i].value_len};
    int rc = cd_kafka_log_send_sync(s->log, le, count, timeout_ms, errstr, errstr_size);
    free(le);
    if (rc == 0) {
        /* The work thread applies them when it reads them back; apply now too so a
         * reader on this worker sees them at once (the final state is the same). */
        pthread_mutex_lock(&s->lock);
        for (size_t i = 0; i < count; i++)
            if (entries[i].key)
                ko_put_locked(s, entries[i].key, entries[i].key_len, entries[i].value,
                              entries[i].value_len);
        pthread_mutex_unlock(&s->lock);
    }
    return rc;
}

static void ko_foreach(cd_offset_store_t *base,
                       void (*fn)(const uint8_t *key, size_t key_len, const uint8_t *value,
                                  size_t value_len, void *opaque),
                       void *opaque)
{
    ko_store_t *s = (ko_store_t *)base;
    char err[256];
    if (cd_kafka_log_read_to_end(s->log, KO_READ_TIMEOUT_MS, err, sizeof(err)) < 0)
        cd_log_warn(KO_LOGGER, "Failed to read the offsets topic to the end: %s", err);
    pthread_mutex_lock(&s->lock);
    size_t n = s->count;
    ko_entry_t *snap = calloc(n + 1, sizeof(*snap));
    size_t got = 0;
    for (size_t i = 0; snap && i < n; i++) {
        ko_entry_t *e = &s->entries[i];
        uint8_t *k = malloc(e->key_len + 1), *v = malloc(e->value_len + 1);
        if (!k || !v) {
            free(k);
            free(v);
            continue;
        }
        memcpy(k, e->key, e->key_len);
        memcpy(v, e->value, e->value_len);
        snap[got++] = (ko_entry_t){k, e->key_len, v, e->value_len};
    }
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < got; i++) {
        fn(snap[i].key, snap[i].key_len, snap[i].value, snap[i].value_len, opaque);
        free(snap[i].key);
        free(snap[i].value);
    }
    free(snap);
}

static void ko_destroy(cd_offset_store_t *base)
{
    ko_store_t *s = (ko_store_t *)base;
    if (!s)
        return;
    cd_kafka_log_destroy(s->log);
    for (size_t i = 0; i < s->count; i++) {
        free(s->entries[i].key);
        free(s->entries[i].value);
    }
    free(s->entries);
    free(s->next);
    free(s->buckets);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const cd_offset_store_ops_t ko_ops = {ko_get, ko_set, ko_foreach, ko_destroy};

cd_offset_store_t *cd_kafka_offset_store_open(const cd_worker_config_t *wc, char *errstr,
                                              size_t errstr_size)
{
    const cd_config_t *c = cd_worker_config_values(wc);
    const cd_config_value_t *tv = cd_config_get(c, "offset.storage.topic");
    const char *topic = tv && !tv->is_null ? cd_config_get_string(c, "offset.storage.topic") : NULL;
    if (!topic || !*topic) {
        snprintf(errstr, errstr_size, "Offset storage topic must be specified");
        return NULL;
    }
    ko_store_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    s->base.ops = &ko_ops;
    pthread_mutex_init(&s->lock, NULL);
    const cd_config_value_t *pv = cd_config_get(c, "offset.storage.partitions");
    const cd_config_value_t *rv = cd_config_get(c, "offset.storage.replication.factor");
    cd_properties_t *settings = cd_kafka_log_topic_settings(wc, "offset.storage.");
    cd_properties_t *consumer = cd_properties_new();
    const cd_config_value_t *eos = cd_config_get(c, "exactly.once.source.support");
    if (!settings || !consumer) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    if (eos && !eos->is_null && cd_config_get_string(c, "exactly.once.source.support") &&
        strcmp(cd_config_get_string(c, "exactly.once.source.support"), "enabled") == 0)
        cd_properties_set(consumer, "isolation.level", "read_committed");
    cd_kafka_log_topic_t t = {
        .name = topic,
        .partitions = pv && !pv->is_null ? (int32_t)pv->i : 25,
        .replication_factor = (int16_t)(rv && !rv->is_null ? rv->i : 3),
        .settings = settings,
        .require_single_partition = false,
        .purpose = "offset",
    };
    s->log = cd_kafka_log_new(wc, &t, "offsets", NULL, consumer, false, ko_consume, s, errstr,
                              errstr_size);
    if (!s->log || cd_kafka_log_start(s->log, errstr, errstr_size) < 0)
        goto fail;
    cd_properties_destroy(settings);
    cd_properties_destroy(consumer);
    return &s->base;
fail:
    cd_properties_destroy(settings);
    cd_properties_destroy(consumer);
    ko_destroy(&s->base);
    return NULL;
}
