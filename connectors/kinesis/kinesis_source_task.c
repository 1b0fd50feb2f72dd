/**
 * @file kinesis_source_task.c
 * @brief io.confluent.connect.kinesis.KinesisSourceTask: reads the shards listed in
 *        `shard.ids` with GetShardIterator/GetRecords and emits one record per
 *        Kinesis record (or per KPL user record when de-aggregating).
 *
 * Per shard a small state machine: WAITING (a parent in this task is not finished),
 * NEEDS_ITERATOR, READING, FINISHED (NextShardIterator came back null: the closed
 * shard is drained; its children in this task may start, and children reported in
 * ChildShards whose parents all belong to this task are adopted at once).
 *
 * Start position: the stored offset (AFTER_SEQUENCE_NUMBER, or AT_SEQUENCE_NUMBER and
 * skipping the sub-records already delivered of a KPL aggregate), looked up under
 * the new partition and then the old {"kinesis.shard.id"} one; else kinesis.position.
 * A stored sequence number the stream refuses (InvalidArgumentException, e.g. the
 * stream was re-created) falls back to kinesis.position with an error in the log.
 *
 * Pacing: at most one GetRecords per shard every 200 ms (the 5 calls/s/shard
 * limit); after an empty, caught-up answer the shard waits
 * kinesis.empty.records.backoff.ms; throttling and transient errors back off with
 * full jitter, growing per attempt up to kinesis.throughput.exceeded.backoff.ms;
 * ExpiredIteratorException gets a fresh iterator after the last record emitted.
 * Not found, access and argument errors fail the task with the service's message.
 * poll returns within about a second so pause and stop stay prompt.
 */
#include <connectd/connector.h>

#include "util/log.h"
#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/kinesis/aws_auth.h"
#include "connectors/kinesis/kinesis_client.h"
#include "connectors/kinesis/kinesis_kpl.h"
#include "connectors/kinesis/kinesis_source.h"

#define TASK_LOGGER "io.confluent.connect.kinesis.KinesisSourceTask"
#define MIN_CALL_INTERVAL_MS 200
#define POLL_BUDGET_MS 1000
#define SLICE_MS 50
#define BACKOFF_BASE_MS 250
#define MAX_SHARDS_PER_TASK 10000

typedef enum shard_state_e {
    SHARD_WAITING,
    SHARD_NEEDS_ITERATOR,
    SHARD_READING,
    SHARD_FINISHED,
} shard_state_t;

typedef struct shard_s {
    char *id;
    char *parents[2];
    char *start_hash; /**< hash range, for KPL filtering; NULL when unknown */
    char *end_hash;
    shard_state_t state;
    char *iterator;
    /* where to (re)start when no record was emitted in this run */
    cd_kinesis_iterator_type_t start_type;
    char *start_sequence;
    int64_t skip_sub_upto; /**< AT_SEQUENCE_NUMBER resume inside an aggregate; -1 none */
    /* the last record emitted */
    char *last_sequence;
    int64_t next_call_ms;
    int attempts; /**< consecutive throttled/transient answers */
} shard_t;

typedef struct kinesis_task_s {
    cd_task_context_t *ctx;
    cd_kinesis_source_config_t config;
    cd_aws_credentials_t creds;
    cd_kinesis_client_t *client;
    shard_t *shards;
    size_t count;
    size_t capacity;
    size_t next; /**< round-robin start */
    cd_schema_t *key_schema;
    cd_schema_t *value_schema;
    unsigned int seed;
    bool all_finished_logged;
} kinesis_task_t;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shard_clear(shard_t *s)
{
    free(s->id);
    free(s->parents[0]);
    free(s->parents[1]);
    free(s->start_hash);
    free(s->end_hash);
    free(s->iterator);
    free(s->start_sequence);
    free(s->last_sequence);
    memset(s, 0, sizeof(*s));
}

static shard_t *find_shard(kinesis_task_t *t, const char *id)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->shards[i].id, id) == 0)
            return &t->shards[i];
    return NULL;
}

static char *dup_opt(const char *s)
{
    return s ? strdup(s) : NULL;
}

static cd_value_t *partition_map(const char *stream, const char *shard_id)
{
    cd_value_t *map = cd_value_new_map();
    if (!map)
        return NULL;
    if (stream)
        cd_value_map_append(map, cd_value_new_cstring(CD_KINESIS_PARTITION_STREAM),
                            cd_value_new_cstring(stream));
    cd_value_map_append(map, cd_value_new_cstring(CD_KINESIS_PARTITION_SHARD),
                        cd_value_new_cstring(shard_id));
    return map;
}

/** Sets the shard's start from the stored offset, else kinesis.position. */
static void shard_load_offset(kinesis_task_t *t, shard_t *s)
{
    s->start_type = t->config.position;
    s->skip_sub_upto = -1;
    cd_value_t *offset = NULL;
    const char *scheme = "current";
    for (int pass = 0; pass < 2 && !offset; pass++) {
        cd_value_t *partition = partition_map(pass == 0 ? t->config.stream : NULL, s->id);
        if (partition)
            offset = cd_task_context_offset(t->ctx, partition);
        cd_value_destroy(partition);
        if (pass == 1 && offset)
            scheme = "old";
    }
    if (!offset)
        return;
    const cd_value_t *seq = cd_value_kind(offset) == CD_VALUE_MAP
                                ? cd_value_map_get_str(offset, CD_KINESIS_OFFSET_SEQUENCE)
                                : NULL;
    if (!seq && cd_value_kind(offset) == CD_VALUE_MAP)
        seq = cd_value_map_get_str(offset, "sequenceNumber"); /* Custenborder's connector */
    size_t len = 0;
    const char *text =
        seq && cd_value_kind(seq) == CD_VALUE_STRING ? cd_value_string(seq, &len) : NULL;
    if (!text || len == 0 || len > 129) {
        cd_log_warn(TASK_LOGGER, "Ignoring an unreadable stored offset of shard %s", s->id);
        cd_value_destroy(offset);
        return;
    }
    s->start_sequence = strndup(text, len);
    s->start_type = CD_KINESIS_AFTER_SEQUENCE_NUMBER;
    const cd_value_t *sub = cd_value_map_get_str(offset, CD_KINESIS_OFFSET_SUB_SEQUENCE);
    if (sub && (cd_value_kind(sub) == CD_VALUE_INT64 || cd_value_kind(sub) == CD_VALUE_INT32) &&
        t->config.deaggregate) {
        s->start_type = CD_KINESIS_AT_SEQUENCE_NUMBER;
        s->skip_sub_upto = cd_value_int64(sub);
    }
    cd_log_info(TASK_LOGGER, "Shard %s resumes %s %s (offset stored under the %s partition)", s->id,
                cd_kinesis_iterator_type_name(s->start_type), s->start_sequence, scheme);
    cd_value_destroy(offset);
}

static shard_t *add_shard(kinesis_task_t *t, const char *id, const char *parent,
                          const char *adjacent, const char *start_hash, const char *end_hash)
{
    if (t->count == t->capacity) {
        size_t cap = t->capacity ? t->capacity * 2 : 8;
        shard_t *grown = realloc(t->shards, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        t->shards = grown;
        t->capacity = cap;
    }
    shard_t *s = &t->shards[t->count];
    memset(s, 0, sizeof(*s));
    s->id = strdup(id);
    s->parents[0] = dup_opt(parent);
    s->parents[1] = dup_opt(adjacent);
    s->start_hash = dup_opt(start_hash);
    s->end_hash = dup_opt(end_hash);
    if (!s->id || (parent && !s->parents[0]) || (adjacent && !s->parents[1])) {
        shard_clear(s);
        return NULL;
    }
    s->state = SHARD_WAITING;
    t->count++;
    shard_load_offset(t, s);
    return s;
}

/** @returns true when every parent that this task reads is finished. */
static bool parents_done(kinesis_task_t *t, const shard_t *s)
{
    for (int i = 0; i < 2; i++) {
        if (!s->parents[i])
            continue;
        const shard_t *p = find_shard(t, s->parents[i]);
        if (p && p->state != SHARD_FINISHED)
            return false;
    }
    return true;
}

static void *task_start(const cd_properties_t *props, cd_task_context_t *ctx, char *errstr,
                        size_t errstr_size)
{
    kinesis_task_t *t = calloc(1, sizeof(*t));
    cd_kinesis_shard_list_t listing = {0};
    if (!t) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    t->ctx = ctx;
    t->seed = (unsigned int)wall_ms() ^ (unsigned int)cd_task_context_task_id(ctx) * 2654435761u;
    if (cd_kinesis_source_config_parse(props, &t->config, errstr, errstr_size) != 0)
        goto fail;
    if (cd_aws_credentials_resolve(t->config.access_key_id, t->config.secret_access_key, &t->creds,
                                   errstr, errstr_size) != 0)
        goto fail;
    cd_kinesis_client_config_t cc;
    cd_kinesis_source_client_config(&t->config, &t->creds, &cc);
    t->client = cd_kinesis_client_new(&cc, errstr, errstr_size);
    t->key_schema = cd_schema_new(CD_TYPE_STRING);
    t->value_schema = cd_schema_new(CD_TYPE_BYTES);
    if (!t->client || !t->key_schema || !t->value_schema) {
        if (t->client)
            snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    /* The shard lineage (parents, hash ranges) comes from one listing. */
    char why[1024];
    cd_kinesis_err_t err = CD_KINESIS_OK;
    for (int attempt = 1; attempt <= 3; attempt++) {
        cd_kinesis_shard_list_clear(&listing);
        err = cd_kinesis_list_shards(t->client, t->config.stream, &listing, why, sizeof(why));
        if (err != CD_KINESIS_ERR_TRANSIENT && err != CD_KINESIS_ERR_THROTTLED &&
            err != CD_KINESIS_ERR_IN_USE && err != CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN)
            break;
        struct timespec pause = {attempt, 0};
        nanosleep(&pause, NULL);
    }
    if (err != CD_KINESIS_OK) {
        snprintf(errstr, errstr_size, "Failed to list the shards of Kinesis stream '%s': %s",
                 t->config.stream, why);
        goto fail;
    }
    const char *ids = cd_properties_get(props, CD_KINESIS_SHARD_IDS);
    char *copy = strdup(ids ? ids : "");
    if (!copy) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    char *save = NULL;
    for (char *id = strtok_r(copy, ", ", &save); id; id = strtok_r(NULL, ", ", &save)) {
        if (find_shard(t, id) || t->count >= MAX_SHARDS_PER_TASK)
            continue;
        const cd_kinesis_shard_t *known = NULL;
        for (size_t i = 0; i < listing.count; i++)
            if (strcmp(listing.shards[i].shard_id, id) == 0)
                known = &listing.shards[i];
        if (!known) {
            cd_log_warn(TASK_LOGGER, "Shard %s of stream %s is no longer listed; skipping it", id,
                        t->config.stream);
            continue;
        }
        if (!add_shard(t, id, known->parent_shard_id, known->adjacent_parent_shard_id,
                       known->starting_hash_key, known->ending_hash_key)) {
            free(copy);
            snprintf(errstr, errstr_size, "out of memory");
            goto fail;
        }
    }
    free(copy);
    cd_kinesis_shard_list_clear(&listing);
    cd_log_info(TASK_LOGGER, "Kinesis source task %s-%d reads %zu shard(s) of stream %s",
                cd_task_context_connector(ctx), cd_task_context_task_id(ctx), t->count,
                t->config.stream);
    return t;
fail:
    cd_kinesis_shard_list_clear(&listing);
    cd_kinesis_client_destroy(t->client);
    cd_schema_unref(t->key_schema);
    cd_schema_unref(t->value_schema);
    cd_kinesis_source_config_clear(&t->config);
    cd_aws_credentials_clear(&t->creds);
    free(t);
    return NULL;
}

static void task_stop(void *state)
{
    kinesis_task_t *t = state;
    if (!t)
        return;
    for (size_t i = 0; i < t->count; i++)
        shard_clear(&t->shards[i]);
    free(t->shards);
    cd_kinesis_client_destroy(t->client);
    cd_schema_unref(t->key_schema);
    cd_schema_unref(t->value_schema);
    cd_kinesis_source_config_clear(&t->config);
    cd_aws_credentials_clear(&t->creds);
    free(t);
}

/** Full-jitter backoff: uniform in [delay/2, delay], delay = min(cap, base * 2^attempts),
 *  never below the pacing interval. */
static int64_t backoff_ms(kinesis_task_t *t, shard_t *s)
{
    int64_t cap = t->config.throughput_exceeded_backoff_ms;
    if (cap < MIN_CALL_INTERVAL_MS)
        cap = MIN_CALL_INTERVAL_MS;
    int64_t delay = BACKOFF_BASE_MS;
    for (int i = 0; i < s->attempts && delay < cap; i++)
        delay *= 2;
    if (delay > cap)
        delay = cap;
    if (s->attempts < 30)
        s->attempts++;
    int64_t wait = delay / 2 + (int64_t)(rand_r(&t->seed) % (unsigned int)(delay / 2 + 1));
    /* never sooner than an unthrottled shard's next call */
    return wait < MIN_CALL_INTERVAL_MS ? MIN_CALL_INTERVAL_MS : wait;
}

static cd_record_t *make_record(kinesis_task_t *t, shard_t *s, const char *sequence,
                                int64_t sub_sequence, const char *partition_key,
                                const unsigned char *data, size_t data_len, int64_t arrival_ms)
{
    cd_record_t *r = cd_record_new(t->config.topic);
    cd_value_t *partition = partition_map(t->config.stream, s->id);
    cd_value_t *offset = cd_value_new_map();
    if (!r || !partition || !offset)
        goto fail;
    cd_value_map_append(offset, cd_value_new_cstring(CD_KINESIS_OFFSET_SEQUENCE),
                        cd_value_new_cstring(sequence));
    if (sub_sequence >= 0)
        cd_value_map_append(offset, cd_value_new_cstring(CD_KINESIS_OFFSET_SUB_SEQUENCE),
                            cd_value_new_int64(sub_sequence));
    cd_record_set_key(r, t->key_schema, cd_value_new_cstring(partition_key ? partition_key : ""));
    cd_record_set_value(r, t->value_schema, cd_value_new_bytes(data, data_len));
    cd_record_set_timestamp(r, arrival_ms >= 0 ? arrival_ms : wall_ms());
    cd_record_set_source_position(r, partition, offset);
    return r;
fail:
    cd_record_destroy(r);
    cd_value_destroy(partition);
    cd_value_destroy(offset);
    return NULL;
}

/** Emits the records of one GetRecords answer. @returns 0 or -1 (out of memory). */
static int emit_records(kinesis_task_t *t, shard_t *s, const cd_kinesis_records_t *page,
                        cd_record_list_t *out)
{
    for (size_t i = 0; i < page->count; i++) {
        const cd_kinesis_record_t *kr = &page->records[i];
        cd_kpl_user_record_t *users = NULL;
        size_t n_users = 0;
        int agg = t->config.deaggregate
                      ? cd_kpl_deaggregate(kr->data, kr->data_len, &users, &n_users)
                      : 0;
        if (agg < 0)
            return -1;
        int64_t skip = -1;
        if (s->skip_sub_upto >= 0) {
            /* First record after an AT_SEQUENCE_NUMBER resume inside an aggregate. */
            if (s->start_sequence && strcmp(kr->sequence_number, s->start_sequence) == 0)
                skip = s->skip_sub_upto;
            s->skip_sub_upto = -1;
            if (skip >= 0 && agg == 0) {
                /* not an aggregate: the stored record itself was delivered already */
                continue;
            }
        }
        if (agg == 1) {
            bool keep = true;
            for (size_t u = 0; u < n_users && keep; u++)
                keep = !s->start_hash || !s->end_hash ||
                       cd_kpl_in_hash_range(&users[u], s->start_hash, s->end_hash);
            if (!keep)
                cd_log_debug(TASK_LOGGER,
                             "Dropping aggregate %s of shard %s: a user record hashes outside "
                             "the shard (delivered by the other child after a reshard)",
                             kr->sequence_number, s->id);
            for (size_t u = 0; u < n_users && keep; u++) {
                if ((int64_t)u <= skip)
                    continue;
                cd_record_t *r =
                    make_record(t, s, kr->sequence_number, (int64_t)u, users[u].partition_key,
                                users[u].data, users[u].data_len, kr->arrival_ms);
                if (!r) {
                    cd_kpl_user_records_free(users, n_users);
                    return -1;
                }
                cd_record_list_add(out, r);
            }
            cd_kpl_user_records_free(users, n_users);
        } else {
            cd_record_t *r = make_record(t, s, kr->sequence_number, -1, kr->partition_key, kr->data,
                                         kr->data_len, kr->arrival_ms);
            if (!r)
                return -1;
            cd_record_list_add(out, r);
        }
        char *last = strdup(kr->sequence_number);
        if (!last)
            return -1;
        free(s->last_sequence);
        s->last_sequence = last;
    }
    return 0;
}

/** Adopts children whose parents are all in this task (their family is ours). */
static int adopt_children(kinesis_task_t *t, size_t shard_index, const cd_kinesis_records_t *page)
{
    for (size_t i = 0; i < page->child_count; i++) {
        const cd_kinesis_child_shard_t *c = &page->children[i];
        if (!c->shard_id || find_shard(t, c->shard_id) || t->count >= MAX_SHARDS_PER_TASK)
            continue;
        bool ours = true;
        for (int p = 0; p < 2; p++)
            if (c->parents[p] && !find_shard(t, c->parents[p]))
                ours = false;
        if (!ours) {
            cd_log_info(TASK_LOGGER,
                        "Child shard %s of %s has a parent read by another task; it starts "
                        "after the connector's next shard listing",
                        c->shard_id, t->shards[shard_index].id);
            continue;
        }
        if (!add_shard(t, c->shard_id, c->parents[0], c->parents[1], NULL, NULL))
            return -1;
        cd_log_info(TASK_LOGGER, "Shard %s is closed; reading its child shard %s next",
                    t->shards[shard_index].id, c->shard_id);
    }
    return 0;
}

static bool fatal_error(cd_kinesis_err_t err)
{
    return err == CD_KINESIS_ERR_NOT_FOUND || err == CD_KINESIS_ERR_AUTH ||
           err == CD_KINESIS_ERR_INVALID_ARGUMENT || err == CD_KINESIS_ERR_FATAL;
}

/** One step for shard @p i. @returns 0, or -1 with errstr (the task fails). */
static int shard_step(kinesis_task_t *t, size_t i, cd_record_list_t *out, char *errstr,
                      size_t errstr_size)
{
    shard_t *s = &t->shards[i];
    char why[1024];
    int64_t now = now_ms();
    if (s->state == SHARD_WAITING) {
        if (!parents_done(t, s))
            return 0;
        s->state = SHARD_NEEDS_ITERATOR;
    }
    if (s->state == SHARD_NEEDS_ITERATOR) {
        cd_kinesis_iterator_type_t type = s->start_type;
        const char *seq = s->start_sequence;
        if (s->last_sequence) {
            type = CD_KINESIS_AFTER_SEQUENCE_NUMBER;
            seq = s->last_sequence;
        }
        char *iterator = NULL;
        cd_kinesis_err_t err = cd_kinesis_get_shard_iterator(
            t->client, t->config.stream, s->id, type, seq, t->config.shard_timestamp_ms, &iterator,
            why, sizeof(why));
        if (err == CD_KINESIS_ERR_INVALID_ARGUMENT && seq && !s->last_sequence) {
            cd_log_error(TASK_LOGGER,
                         "The stored sequence number %s of shard %s was refused (%s); starting "
                         "from %s instead (was the stream re-created?)",
                         seq, s->id, why, cd_kinesis_iterator_type_name(t->config.position));
            free(s->start_sequence);
            s->start_sequence = NULL;
            s->start_type = t->config.position;
            s->skip_sub_upto = -1;
            return 0;
        }
        if (fatal_error(err)) {
            snprintf(errstr, errstr_size,
                     "GetShardIterator(%s) for shard %s of Kinesis stream '%s' failed: %s",
                     cd_kinesis_iterator_type_name(type), s->id, t->config.stream, why);
            return -1;
        }
        if (err != CD_KINESIS_OK) {
            int64_t wait = backoff_ms(t, s);
            cd_log_warn(TASK_LOGGER, "GetShardIterator for shard %s: %s; retrying in %lld ms",
                        s->id, why, (long long)wait);
            s->next_call_ms = now + wait;
            return 0;
        }
        cd_log_debug(TASK_LOGGER, "Shard %s: new %s iterator", s->id,
                     cd_kinesis_iterator_type_name(type));
        free(s->iterator);
        s->iterator = iterator;
        s->state = SHARD_READING;
    }
    if (s->state != SHARD_READING)
        return 0;
    cd_kinesis_records_t page;
    memset(&page, 0, sizeof(page));
    cd_kinesis_err_t err = cd_kinesis_get_records(t->client, s->iterator, t->config.record_limit,
                                                  &page, why, sizeof(why));
    now = now_ms();
    if (err == CD_KINESIS_ERR_EXPIRED_ITERATOR) {
        cd_log_info(TASK_LOGGER, "The iterator of shard %s expired; getting a new one %s %s", s->id,
                    s->last_sequence ? "after" : "from the start position",
                    s->last_sequence ? s->last_sequence : "");
        s->state = SHARD_NEEDS_ITERATOR;
        /* the refused call still counts against the shard's 5 calls/s */
        s->next_call_ms = now + MIN_CALL_INTERVAL_MS;
        cd_kinesis_records_clear(&page);
        return 0;
    }
    if (fatal_error(err)) {
        cd_kinesis_records_clear(&page);
        snprintf(errstr, errstr_size, "GetRecords on shard %s of Kinesis stream '%s' failed: %s",
                 s->id, t->config.stream, why);
        return -1;
    }
    if (err != CD_KINESIS_OK) {
        int64_t wait = backoff_ms(t, s);
        if (err == CD_KINESIS_ERR_THROTTLED)
            cd_log_info(TASK_LOGGER, "GetRecords on shard %s throttled (%s); backing off %lld ms",
                        s->id, why, (long long)wait);
        else
            cd_log_warn(TASK_LOGGER, "GetRecords on shard %s failed (%s); retrying in %lld ms",
                        s->id, why, (long long)wait);
        s->next_call_ms = now + wait;
        cd_kinesis_records_clear(&page);
        return 0;
    }
    s->attempts = 0;
    if (emit_records(t, s, &page, out) != 0) {
        cd_kinesis_records_clear(&page);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    free(s->iterator);
    s->iterator = page.next_iterator;
    page.next_iterator = NULL;
    if (!s->iterator) {
        s->state = SHARD_FINISHED;
        cd_log_info(TASK_LOGGER, "Shard %s of stream %s is closed and fully read", s->id,
                    t->config.stream);
        if (adopt_children(t, i, &page) != 0) {
            cd_kinesis_records_clear(&page);
            snprintf(errstr, errstr_size, "out of memory");
            return -1;
        }
    } else if (page.count == 0 && page.millis_behind_latest <= 0) {
        s->next_call_ms = now + t->config.empty_records_backoff_ms;
    } else {
        /* a 10 MiB answer blocks the shard for 5 s on AWS */
        s->next_call_ms =
            now + (page.response_bytes >= (size_t)8 * 1024 * 1024 ? 5000 : MIN_CALL_INTERVAL_MS);
    }
    if (s->next_call_ms < now + MIN_CALL_INTERVAL_MS)
        s->next_call_ms = now + MIN_CALL_INTERVAL_MS;
    cd_kinesis_records_clear(&page);
    return 0;
}

static int task_poll(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size)
{
    kinesis_task_t *t = state;
    int64_t deadline = now_ms() + POLL_BUDGET_MS;
    for (;;) {
        int64_t now = now_ms();
        int64_t earliest = deadline;
        size_t active = 0;
        size_t n = t->count; /* children adopted in this round start next round */
        for (size_t k = 0; k < n; k++) {
            if (cd_task_context_is_stopping(t->ctx))
                return 0;
            size_t i = (t->next + k) % n;
            shard_t *s = &t->shards[i];
            if (s->state == SHARD_FINISHED)
                continue;
            active++;
            if (s->state == SHARD_WAITING && !parents_done(t, s))
                continue;
            /* now is whole ms (truncated): equal is not yet due, so a wait is never short */
            if (s->next_call_ms >= now) {
                if (s->next_call_ms < earliest)
                    earliest = s->next_call_ms;
                continue;
            }
            if (shard_step(t, i, out, errstr, errstr_size) != 0)
                return -1;
            s = &t->shards[i]; /* adopt_children may have moved the array */
            if (s->state != SHARD_FINISHED && s->next_call_ms < earliest)
                earliest = s->next_call_ms;
        }
        if (n > 0)
            t->next = (t->next + 1) % n;
        if (out->count > 0)
            return 0;
        if (active == 0 && t->count > 0 && !t->all_finished_logged) {
            t->all_finished_logged = true;
            cd_log_info(TASK_LOGGER, "Every shard of this task is closed and read; waiting for the "
                                     "connector to assign new shards");
        }
        now = now_ms();
        if (now >= deadline)
            return 0;
        int64_t until = earliest < deadline ? earliest : deadline;
        while (now <= until) {
            if (cd_task_context_is_stopping(t->ctx))
                return 0;
            int64_t slice = until - now + 1 < SLICE_MS ? until - now + 1 : SLICE_MS;
            struct timespec ts = {0, (long)slice * 1000000L};
            nanosleep(&ts, NULL);
            now = now_ms();
        }
    }
}

const cd_source_task_plugin_t cd_kinesis_source_task_plugin = {
    .start = task_start,
    .poll = task_poll,
    .stop = task_stop,
};
