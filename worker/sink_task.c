/*
 * sink_task.c: the thread of one sink task (WorkerSinkTask).
 *
 * A librdkafka consumer in group connect-<connector> subscribes to `topics`
 * or `topics.regex`; the rebalance callback (eager or cooperative) opens and
 * closes partitions on the task and commits synchronously on revocation.
 * Loop: consume a batch -> key/value/header converters -> transformation
 * chain seam -> put. CD_TASK_RETRIABLE from put pauses every assigned
 * partition and redelivers the same batch after the context timeout. Every
 * offset.flush.interval.ms (or on request) the task is flushed with the next
 * offsets to read and those offsets are committed to the group.
 */
#include "transform_chain.h"
#include "worker/error_handler.h"
#include "worker_internal.h"

#include "util/log.h"
#include "util/properties.h"

#include <librdkafka/rdkafka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOGGER "org.apache.kafka.connect.runtime.WorkerSinkTask"
#define MAX_POLL_RECORDS 500
#define SINK_QUEUED_MIN_MESSAGES "10000000" /* librdkafka's maximum */

typedef struct tp_s {
    char *topic;
    int32_t partition;
    int64_t offset; /* next offset to read, -1 = none consumed yet */
    int64_t committed;
    bool active_recorded; /* the topic went to the status store (KIP-558) */
} tp_t;

typedef struct snk_s {
    cd_worker_task_t *t;
    const cd_sink_task_plugin_t *plugin;
    void *state;
    rd_kafka_t *rk;
    cd_converter_t *kc, *vc, *hc;
    cd_transform_chain_t *chain;
    tp_t *tps;
    size_t ntps;
    cd_record_list_t batch; /* converted batch awaiting put */
    bool redelivering;      /* batch is a retry after CD_TASK_RETRIABLE */
    int64_t redeliver_at;
    bool partitions_paused; /* by the worker (retry or target state) */
    bool failed;
    char error[1024];
    cd_error_handler_t *eh; /* errors.* (tolerance, log, dead-letter queue) */
} snk_t;

static tp_t *find_tp(snk_t *k, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < k->ntps; i++)
        if (k->tps[i].partition == partition && strcmp(k->tps[i].topic, topic) == 0)
            return &k->tps[i];
    return NULL;
}

static cd_topic_partition_offset_t *tpo_array(snk_t *k, const rd_kafka_topic_partition_list_t *l,
                                              size_t *n)
{
    size_t cnt = l ? (size_t)l->cnt : k->ntps;
    cd_topic_partition_offset_t *out = calloc(cnt ? cnt : 1, sizeof(*out));
    *n = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < cnt; i++) {
        const char *topic = l ? l->elems[i].topic : k->tps[i].topic;
        int32_t part = l ? l->elems[i].partition : k->tps[i].partition;
        tp_t *tp = find_tp(k, topic, part);
        out[(*n)++] = (cd_topic_partition_offset_t){topic, part, tp ? tp->offset : -1};
    }
    return out;
}

/* Commits the consumed offsets (after task.flush) of @p only (NULL = all). */
static int commit_offsets(snk_t *k, const rd_kafka_topic_partition_list_t *only, bool sync)
{
    size_t n = 0;
    char err[512] = "";
    cd_topic_partition_offset_t *cur;
    /* records sent to the dead-letter queue are delivered before their offsets commit */
    cd_error_handler_flush(k->eh, 30000);
    cur = tpo_array(k, only, &n);
    if (!cur)
        return -1;
    if (k->plugin->flush && k->state && k->plugin->flush(k->state, cur, n, err, sizeof(err)) < 0) {
        cd_log_error(LOGGER, "%s-%d Offset commit failed, rewinding to last committed offsets: %s",
                     k->t->s.connector, k->t->s.task_id, err);
        free(cur);
        return -1;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)(n ? n : 1));
    for (size_t i = 0; i < n; i++) {
        tp_t *tp = find_tp(k, cur[i].topic, cur[i].partition);
        if (!tp || tp->offset < 0 || tp->offset == tp->committed)
            continue;
        rd_kafka_topic_partition_list_add(l, cur[i].topic, cur[i].partition)->offset = tp->offset;
    }
    free(cur);
    int rc = 0;
    if (l->cnt > 0) {
        rd_kafka_resp_err_t e = rd_kafka_commit(k->rk, l, sync ? 0 : 1);
        if (e && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
            cd_log_error(LOGGER, "%s-%d Commit of offsets failed: %s", k->t->s.connector,
                         k->t->s.task_id, rd_kafka_err2str(e));
            rc = -1;
        } else {
            for (int i = 0; i < l->cnt; i++) {
                tp_t *tp = find_tp(k, l->elems[i].topic, l->elems[i].partition);
                if (tp)
                    tp->committed = l->elems[i].offset;
            }
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

static void set_paused(snk_t *k, bool pause)
{
    if (k->ntps == 0) {
        k->partitions_paused = pause;
        return;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new((int)k->ntps);
    for (size_t i = 0; i < k->ntps; i++)
        rd_kafka_topic_partition_list_add(l, k->tps[i].topic, k->tps[i].partition);
    if (pause)
        rd_kafka_pause_partitions(k->rk, l);
    else
        rd_kafka_resume_partitions(k->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    k->partitions_paused = pause;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    snk_t *k = opaque;
    bool coop = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (coop)
            rd_kafka_incremental_assign(rk, parts);
        else
            rd_kafka_assign(rk, parts);
        for (int i = 0; i < parts->cnt; i++) {
            if (find_tp(k, parts->elems[i].topic, parts->elems[i].partition))
                continue;
            tp_t *ntps = realloc(k->tps, (k->ntps + 1) * sizeof(tp_t));
            if (!ntps)
                continue;
            k->tps = ntps;
            k->tps[k->ntps++] =
                (tp_t){strdup(parts->elems[i].topic), parts->elems[i].partition, -1, -1, false};
        }
        cd_log_info(LOGGER, "%s-%d Partitions assigned: %d", k->t->s.connector, k->t->s.task_id,
                    parts->cnt);
        if (k->plugin->open && k->state) {
            size_t n = 0;
            cd_topic_partition_offset_t *a = tpo_array(k, parts, &n);
            if (a)
                k->plugin->open(k->state, a, n);
            free(a);
        }
        if (k->partitions_paused)
            rd_kafka_pause_partitions(rk, parts);
    } else {
        /* revoked or lost: commit what was consumed (sync), then close */
        if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS && k->state && !k->failed)
            commit_offsets(k, parts, true);
        if (k->plugin->close && k->state) {
            size_t n = 0;
            cd_topic_partition_offset_t *a = tpo_array(k, parts, &n);
            if (a)
                k->plugin->close(k->state, a, n);
            free(a);
        }
        for (int i = 0; i < parts->cnt; i++) {
            tp_t *tp = find_tp(k, parts->elems[i].topic, parts->elems[i].partition);
            if (!tp)
                continue;
            free(tp->topic);
            *tp = k->tps[--k->ntps];
        }
        /* a batch waiting for redelivery may hold records of revoked partitions */
        cd_record_list_clear(&k->batch);
        k->redelivering = false;
        if (coop)
            rd_kafka_incremental_unassign(rk, parts);
        else
            rd_kafka_assign(rk, NULL);
    }
}

/* Names the failing stage and the consumed record after the converter's message, as the
 * context Java's error reporter logs ("Executing stage 'VALUE_CONVERTER' with class ...,
 * where consumed record is {topic='t', partition=0, offset=5, ...}"). */
static void name_record(const rd_kafka_message_t *m, const char *stage, const char *cls,
                        char *errstr, size_t errstr_size)
{
    char cause[1536];
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(m, &tt);
    size_t n = strnlen(errstr, errstr_size);
    if (n >= sizeof(cause))
        n = sizeof(cause) - 1;
    memcpy(cause, errstr, n);
    cause[n] = '\0';
    snprintf(errstr, errstr_size,
             "%s (executing stage '%s' with class '%s', where consumed record is {topic='%s', "
             "partition=%d, offset=%lld, timestamp=%lld, timestampType=%s})",
             cause, stage, cls ? cls : "?", rd_kafka_topic_name(m->rkt), (int)m->partition,
             (long long)m->offset, (long long)(tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : ts),
             tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? "LogAppendTime"
             : tt == RD_KAFKA_TIMESTAMP_CREATE_TIME   ? "CreateTime"
                                                      : "NoTimestampType");
}

/* One conversion attempt (the operation the error handler may retry). */
typedef struct convert_op_s {
    snk_t *k;
    const rd_kafka_message_t *m;
    cd_record_t *rec;
    cd_error_stage_t stage;
    const cd_converter_t *conv;
} convert_op_t;

static int convert(snk_t *k, const rd_kafka_message_t *m, cd_record_t **out,
                   cd_error_stage_t *stage, const cd_converter_t **conv_out, char *errstr,
                   size_t errstr_size)
{
    const char *topic = rd_kafka_topic_name(m->rkt);
    cd_record_t *rec = cd_record_new(topic);
    cd_schema_and_value_t sv = {0};
    rd_kafka_headers_t *kh = NULL;
    *out = NULL;
    *stage = CD_STAGE_HEADER_CONVERTER;
    *conv_out = k->hc;
    if (!rec)
        return -1;
    cd_record_set_partition(rec, m->partition);
    cd_record_set_kafka_offset(rec, m->offset);
    rd_kafka_timestamp_type_t tt;
    int64_t ts = rd_kafka_message_timestamp(m, &tt);
    if (tt != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && ts >= 0)
        cd_record_set_timestamp(rec, ts);
    if (rd_kafka_message_headers(m, &kh) == RD_KAFKA_RESP_ERR_NO_ERROR && kh) {
        const char *name;
        const void *val;
        size_t sz;
        for (size_t i = 0; rd_kafka_header_get_all(kh, i, &name, &val, &sz) == 0; i++) {
            if (cd_converter_to_connect_header(k->hc, topic, name, val, sz, &sv, errstr,
                                               errstr_size) < 0)
                goto fail;
            cd_headers_add(cd_record_headers(rec), name, sv.schema, sv.value);
            cd_schema_unref(sv.schema);
            sv.schema = NULL;
            sv.value = NULL;
        }
    }
    *stage = CD_STAGE_KEY_CONVERTER;
    *conv_out = k->kc;
    if (cd_converter_to_connect(k->kc, topic, cd_record_headers(rec), m->key, m->key_len, &sv,
                                errstr, errstr_size) < 0)
        goto fail;
    cd_record_set_key(rec, sv.schema, sv.value);
    cd_schema_unref(sv.schema);
    sv.schema = NULL;
    sv.value = NULL;
    *stage = CD_STAGE_VALUE_CONVERTER;
    *conv_out = k->vc;
    if (cd_converter_to_connect(k->vc, topic, cd_record_headers(rec), m->payload, m->len, &sv,
                                errstr, errstr_size) < 0)
        goto fail;
    cd_record_set_value(rec, sv.schema, sv.value);
    cd_schema_unref(sv.schema);
    *out = rec;
    return 0;
fail:
    cd_schema_and_value_clear(&sv);
    cd_record_destroy(rec);
    return -1;
}

static int convert_attempt(void *arg, bool *retriable, char *errstr, size_t errstr_size)
{
    convert_op_t *op = arg;
    if (convert(op->k, op->m, &op->rec, &op->stage, &op->conv, errstr, errstr_size) == 0)
        return 0;
    *retriable = cd_error_is_retriable_message(errstr);
    return -1;
}

/* Hands a failed record to the error handler. @returns 0 when tolerated (skip it),
 * -1 with the task's failure message (the stage and record named) in errstr. */
static int report_failure(snk_t *k, const rd_kafka_message_t *m, cd_error_stage_t stage,
                          const char *cls, const char *message, char *errstr, size_t errstr_size)
{
    cd_error_context_t ctx = {.stage = stage,
                              .executing_class = cls,
                              .exception_class = "org.apache.kafka.connect.errors.DataException",
                              .message = message,
                              .consumed = m};
    if (cd_error_handler_report(k->eh, &ctx) == 0)
        return 0;
    snprintf(errstr, errstr_size, "%s", message);
    name_record(m, cd_error_stage_name(stage), cls, errstr, errstr_size);
    return -1;
}

/* Consumes up to MAX_POLL_RECORDS (first wait up to @p timeout_ms) into k->batch. */
static int poll_batch(snk_t *k, int timeout_ms, char *errstr, size_t errstr_size,
                      bool *tolerance_exceeded)
{
    char err[2048];
    for (int got = 0; got < MAX_POLL_RECORDS; got++) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(k->rk, got == 0 ? timeout_ms : 0);
        if (!m)
            break;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                cd_log_warn(LOGGER, "%s-%d consumer error: %s", k->t->s.connector, k->t->s.task_id,
                            rd_kafka_message_errstr(m));
            bool fatal = m->err == RD_KAFKA_RESP_ERR__FATAL;
            rd_kafka_message_destroy(m);
            if (fatal) {
                snprintf(errstr, errstr_size, "Fatal consumer error");
                return -1;
            }
            continue;
        }
        tp_t *tp = find_tp(k, rd_kafka_topic_name(m->rkt), m->partition);
        if (tp && !tp->active_recorded && k->t->s.status) {
            /* WorkerSinkTask.recordActiveTopic: a topic this connector consumed. */
            cd_status_store_put_topic(k->t->s.status, k->t->s.connector, tp->topic);
            tp->active_recorded = true;
        }
        convert_op_t op = {.k = k, .m = m};
        cd_record_t *rec = NULL;
        if (cd_error_handler_execute(k->eh, convert_attempt, &op, &k->t->ctx.stopping, err,
                                     sizeof(err)) < 0) {
            const char *cls = op.conv ? cd_converter_plugin(op.conv)->class_name : NULL;
            if (report_failure(k, m, op.stage, cls, err, errstr, errstr_size) < 0) {
                rd_kafka_message_destroy(m);
                *tolerance_exceeded = true;
                return -1;
            }
        }
        rec = op.rec;
        if (rec && cd_transform_chain_apply(k->chain, &rec, err, sizeof(err)) < 0) {
            cd_record_destroy(rec);
            rec = NULL;
            if (report_failure(k, m, CD_STAGE_TRANSFORMATION,
                               cd_transform_chain_failed_class(k->chain), err, errstr,
                               errstr_size) < 0) {
                rd_kafka_message_destroy(m);
                *tolerance_exceeded = true;
                return -1;
            }
        }
        /* a record dropped by a transform or tolerated error still advances the offset */
        if (tp)
            tp->offset = m->offset + 1;
        rd_kafka_message_destroy(m);
        if (rec)
            cd_record_list_add(&k->batch, rec);
    }
    return 0;
}

static cd_properties_t *subscription_source(snk_t *k, const char *key)
{
    const char *v = cd_properties_get(k->t->s.task_config, key);
    if (v && *v)
        return k->t->s.task_config;
    return k->t->s.connector_config;
}

static int subscribe(snk_t *k, char *errstr, size_t errstr_size)
{
    const char *topics = cd_properties_get(subscription_source(k, "topics"), "topics");
    const char *regex = cd_properties_get(subscription_source(k, "topics.regex"), "topics.regex");
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(4);
    if (topics && *topics) {
        char *copy = strdup(topics), *save = NULL;
        for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok;
             tok = strtok_r(NULL, ",", &save)) {
            while (*tok == ' ' || *tok == '\t')
                tok++;
            size_t n = strlen(tok);
            while (n && (tok[n - 1] == ' ' || tok[n - 1] == '\t'))
                tok[--n] = '\0';
            if (n)
                rd_kafka_topic_partition_list_add(l, tok, RD_KAFKA_PARTITION_UA);
        }
        free(copy);
    } else if (regex && *regex) {
        /* librdkafka treats a subscription starting with '^' as a regex */
        size_t n = strlen(regex) + 2;
        char *re = malloc(n);
        if (re) {
            snprintf(re, n, "%s%s", regex[0] == '^' ? "" : "^", regex);
            rd_kafka_topic_partition_list_add(l, re, RD_KAFKA_PARTITION_UA);
            free(re);
        }
    }
    if (l->cnt == 0) {
        rd_kafka_topic_partition_list_destroy(l);
        snprintf(errstr, errstr_size, "Must configure one of topics or topics.regex");
        return -1;
    }
    rd_kafka_resp_err_t e = rd_kafka_subscribe(k->rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    if (e) {
        snprintf(errstr, errstr_size, "Failed to subscribe: %s", rd_kafka_err2str(e));
        return -1;
    }
    return 0;
}

static int snk_init(snk_t *k, char *errstr, size_t errstr_size)
{
    cd_task_settings_t *s = &k->t->s;
    char err[512];
    k->plugin = s->plugin->sink_task;
    if (!k->plugin) {
        snprintf(errstr, errstr_size, "Connector %s has no sink task", s->connector);
        return -1;
    }
    if (!(k->kc = cd_worker_task_converter(s->worker_props, s->connector_config, CD_CONVERTER_KEY,
                                           errstr, errstr_size)) ||
        !(k->vc = cd_worker_task_converter(s->worker_props, s->connector_config, CD_CONVERTER_VALUE,
                                           errstr, errstr_size)) ||
        !(k->hc = cd_worker_task_converter(s->worker_props, s->connector_config,
                                           CD_CONVERTER_HEADER, errstr, errstr_size)))
        return -1;
    if (!(k->chain = cd_transform_chain_new(s->connector_config, errstr, errstr_size)))
        return -1;
    {
        cd_properties_t *pp = cd_worker_producer_props(s->worker_props, s->connector_config,
                                                       s->connector, s->task_id);
        k->eh = cd_error_handler_new(s->connector_config, s->connector, s->task_id, true, pp,
                                     errstr, errstr_size);
        cd_properties_destroy(pp);
        if (!k->eh)
            return -1;
    }
    cd_properties_t *cp =
        cd_worker_consumer_props(s->worker_props, s->connector_config, s->connector, s->task_id);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* librdkafka (before 2.2) stops fetching a partition whose local queue holds
     * queued.min.messages (default 100000) and looks again only a second later,
     * however fast the task drains it: at 100-byte records that is a 1 s stall
     * per 100000 records. Java's consumer has no such threshold; the queue stays
     * bounded by queued.max.messages.kbytes (64 MiB per partition). A consumer.*
     * or consumer.override.* setting still wins. */
    rd_kafka_conf_set(conf, "queued.min.messages", SINK_QUEUED_MIN_MESSAGES, err, sizeof(err));
    if (!cp || cd_kafka_conf_apply_java(conf, cp, errstr, errstr_size) < 0) {
        cd_properties_destroy(cp);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    cd_properties_destroy(cp);
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    rd_kafka_conf_set_opaque(conf, k);
    k->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    if (!k->rk) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errstr_size, "Failed to construct kafka consumer: %s", err);
        return -1;
    }
    rd_kafka_poll_set_consumer(k->rk);
    return 0;
}

static void snk_close(snk_t *k, bool commit)
{
    if (k->rk && k->state && commit)
        commit_offsets(k, NULL, true); /* final commit on stop */
    if (k->rk) {
        /* close runs the revoke callback: task.close(partitions) */
        k->failed = k->failed || !commit;
        rd_kafka_consumer_close(k->rk);
    }
    if (k->state && k->plugin->stop)
        k->plugin->stop(k->state);
    k->state = NULL;
    if (k->rk)
        rd_kafka_destroy(k->rk);
    cd_record_list_free(&k->batch);
    for (size_t i = 0; i < k->ntps; i++)
        free(k->tps[i].topic);
    free(k->tps);
    cd_converter_destroy(k->kc);
    cd_converter_destroy(k->vc);
    cd_converter_destroy(k->hc);
    cd_transform_chain_destroy(k->chain);
    cd_error_handler_destroy(k->eh);
}

void *cd_sink_task_run(void *arg)
{
    cd_worker_task_t *t = arg;
    cd_task_settings_t *s = &t->s;
    snk_t k;
    char errstr[2048] = "";
    bool stopping = false, paused = false, tolerance_exceeded = false;
    memset(&k, 0, sizeof(k));
    k.t = t;

    stopping = cd_worker_task_await_start(t, &paused);
    if (stopping)
        goto out;
    if (snk_init(&k, errstr, sizeof(errstr)) < 0)
        goto failed;
    k.state = k.plugin->start(s->task_config, &t->ctx, errstr, sizeof(errstr));
    if (!k.state)
        goto failed;
    if (subscribe(&k, errstr, sizeof(errstr)) < 0)
        goto failed;
    cd_log_info(LOGGER, "%s-%d Sink task finished initialization and start", s->connector,
                s->task_id);
    cd_worker_task_status(t, CD_STATE_RUNNING, NULL);
    paused = false;

    int64_t next_commit = cd_worker_now_ms() + s->offset_flush_interval_ms;
    for (;;) {
        cd_target_state_t target = cd_worker_task_target(t, &stopping);
        if (stopping)
            break;
        int64_t now = cd_worker_now_ms();
        if (now >= next_commit || t->ctx.commit_requested) {
            t->ctx.commit_requested = 0;
            if (!k.redelivering)
                commit_offsets(&k, NULL, false);
            next_commit = cd_worker_now_ms() + s->offset_flush_interval_ms;
        }
        bool want_paused = target != CD_TARGET_STARTED || k.redelivering;
        if (want_paused != k.partitions_paused)
            set_paused(&k, want_paused);
        if (target != CD_TARGET_STARTED) {
            if (!paused) {
                cd_worker_task_status(t, CD_STATE_PAUSED, NULL);
                paused = true;
            }
            /* keep the group membership alive: poll (partitions are paused) */
            rd_kafka_message_t *m = rd_kafka_consumer_poll(k.rk, 100);
            if (m)
                rd_kafka_message_destroy(m);
            continue;
        }
        if (paused) {
            cd_worker_task_status(t, CD_STATE_RUNNING, NULL);
            paused = false;
        }
        if (k.redelivering) {
            if (cd_worker_now_ms() < k.redeliver_at) {
                rd_kafka_message_t *m = rd_kafka_consumer_poll(k.rk, 50);
                if (m)
                    rd_kafka_message_destroy(m);
                continue;
            }
        } else {
            int64_t wait = next_commit - cd_worker_now_ms();
            if (poll_batch(&k, wait < 1 ? 1 : (wait > 500 ? 500 : (int)wait), errstr,
                           sizeof(errstr), &tolerance_exceeded) < 0)
                goto failed;
            if (k.batch.count == 0)
                continue;
        }
        t->ctx.timeout_ms = 0;
        int rc = k.plugin->put(k.state, k.batch.records, k.batch.count, errstr, sizeof(errstr));
        if (rc < 0) {
            /* WorkerSinkTask.deliverMessages wraps the task's exception */
            char cause[768];
            snprintf(cause, sizeof(cause), "%.*s", (int)sizeof(cause) - 1, errstr);
            snprintf(errstr, sizeof(errstr),
                     "Exiting WorkerSinkTask due to unrecoverable exception.\nCaused by: %.767s",
                     cause);
            goto failed;
        }
        if (rc == CD_TASK_RETRIABLE) {
            /* RetriableException: pause everything and redeliver the same batch */
            cd_log_warn(LOGGER, "%s-%d RetriableException from SinkTask; will retry: %s",
                        s->connector, s->task_id, errstr);
            k.redelivering = true;
            k.redeliver_at = cd_worker_now_ms() + (t->ctx.timeout_ms > 0 ? t->ctx.timeout_ms : 0);
            continue;
        }
        k.redelivering = false;
        cd_record_list_clear(&k.batch);
    }
    goto out;

failed : {
    char *trace = NULL;
    if (tolerance_exceeded) {
        size_t n = strlen(errstr) + 256;
        trace = malloc(n);
        if (trace)
            snprintf(trace, n,
                     CD_CONNECT_EXCEPTION ": Tolerance exceeded in error handler\nCaused by: "
                                          "org.apache.kafka.connect.errors.DataException: %s\n",
                     errstr);
    } else {
        trace = cd_worker_trace(CD_CONNECT_EXCEPTION, errstr, NULL);
    }
    cd_log_error(LOGGER,
                 "%s-%d Task threw an uncaught and unrecoverable exception. Task is "
                 "being killed and will not recover until manually restarted: %s",
                 s->connector, s->task_id, errstr);
    cd_worker_task_status(t, CD_STATE_FAILED, trace);
    free(trace);
    k.failed = true;
    snk_close(&k, false);
    return NULL;
}
out:
    snk_close(&k, true);
    cd_worker_task_status(t, CD_STATE_UNASSIGNED, NULL);
    return NULL;
}
