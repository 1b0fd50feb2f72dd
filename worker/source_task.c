/*
 * source_task.c: the thread of one source task (AbstractWorkerSourceTask,
 * WorkerSourceTask, SourceTaskOffsetCommitter, OffsetStorageWriter).
 *
 * Loop: poll the plugin -> transformation chain (transform_chain.h seam) ->
 * header, key and value converters -> KIP-158 topic creation -> librdkafka
 * producer (Java's forced settings). Delivery reports (served by
 * rd_kafka_poll on this thread) acknowledge records in the SubmittedRecords
 * bookkeeping and call commit_record; every offset.flush.interval.ms the
 * acknowledged offsets are written to the offset store and the task's commit
 * is called. A final commit runs when the task stops.
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

#define LOGGER "org.apache.kafka.connect.runtime.WorkerSourceTask"
#define SEND_FAILED_BACKOFF_MS 100
#define TOPIC_METADATA_TIMEOUT_MS 5000

typedef struct src_s {
    cd_worker_task_t *t;
    const cd_source_task_plugin_t *plugin;
    void *state;
    rd_kafka_t *rk;
    cd_converter_t *kc, *vc, *hc;
    cd_transform_chain_t *chain;
    cd_topic_creation_t *tc;
    cd_submitted_records_t *sr;
    cd_record_list_t batch;
    size_t next; /* first unsent record of batch */
    cd_committable_offset_t *flush;
    size_t nflush;
    bool send_failed;
    char send_error[512];
    cd_error_handler_t *eh; /* errors.* (tolerance, log, connectd's source dead-letter queue) */
    char **active;
    size_t nactive;
    cd_buf_t kbuf, vbuf, hbuf;
    bool okey_valid; /* okey caches the serialized offsets key of okey_part */
    cd_value_t *okey_part;
    uint8_t *okey;
    size_t okey_len;
} src_t;

typedef struct inflight_s {
    src_t *src;
    cd_submitted_record_t *sub;
    cd_record_t *record; /* pre-transform copy for commit_record, or NULL */
} inflight_t;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    (void)rk;
    (void)opaque;
    inflight_t *inf = msg->_private;
    if (!inf)
        return;
    src_t *src = inf->src;
    if (msg->err) {
        if (!src->send_failed) {
            src->send_failed = true;
            snprintf(src->send_error, sizeof(src->send_error), "%s", rd_kafka_err2str(msg->err));
        }
        cd_log_error(LOGGER, "%s-%d failed to send record to %s: %s", src->t->s.connector,
                     src->t->s.task_id, rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
    } else {
        cd_submitted_records_ack(src->sr, inf->sub);
        if (src->plugin->commit_record && inf->record) {
            rd_kafka_timestamp_type_t tt;
            cd_record_metadata_t md = {
                .topic = rd_kafka_topic_name(msg->rkt),
                .partition = msg->partition,
                .offset = msg->offset,
                .timestamp = rd_kafka_message_timestamp(msg, &tt),
            };
            src->plugin->commit_record(src->state, inf->record, &md);
        }
    }
    cd_record_destroy(inf->record);
    free(inf);
}

/* librdkafka (2.0) learns a topic first produced to only at its next periodic
 * metadata scan, up to a second later; Java's send() waits for the topic's
 * metadata instead. Ask for it now (bounded), so the first records go out at once. */
static void fetch_topic_metadata(src_t *src, const char *topic)
{
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(src->rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    if (!rkt)
        return;
    if (rd_kafka_metadata(src->rk, 0, rkt, &md, TOPIC_METADATA_TIMEOUT_MS) ==
            RD_KAFKA_RESP_ERR_NO_ERROR &&
        md)
        rd_kafka_metadata_destroy(md);
    rd_kafka_topic_destroy(rkt);
}

static void record_active_topic(src_t *src, const char *topic)
{
    for (size_t i = 0; i < src->nactive; i++)
        if (strcmp(src->active[i], topic) == 0)
            return;
    fetch_topic_metadata(src, topic);
    char **na = realloc(src->active, (src->nactive + 1) * sizeof(char *));
    if (!na)
        return;
    src->active = na;
    src->active[src->nactive] = strdup(topic);
    if (src->active[src->nactive])
        src->nactive++;
    if (src->t->s.status)
        cd_status_store_put_topic(src->t->s.status, src->t->s.connector, topic);
}

/* TopicCreation via the admin API on the producer's handle. */
static int maybe_create_topic(src_t *src, const char *topic, char *errstr, size_t errstr_size)
{
    if (!src->tc || cd_topic_creation_is_known(src->tc, topic))
        return 0;
    cd_new_topic_t nt;
    if (!cd_topic_creation_find(src->tc, topic, &nt)) {
        cd_topic_creation_add_known(src->tc, topic);
        return 0;
    }
    char err[512];
    int rc = -1;
    rd_kafka_NewTopic_t *newt =
        rd_kafka_NewTopic_new(topic, nt.partitions, nt.replication, err, sizeof(err));
    rd_kafka_queue_t *q = rd_kafka_queue_new(src->rk);
    rd_kafka_AdminOptions_t *opts =
        rd_kafka_AdminOptions_new(src->rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_event_t *ev = NULL;
    if (!newt) {
        snprintf(errstr, errstr_size, "Task failed to create new topic %s: %s", topic, err);
        goto done;
    }
    for (size_t i = 0; i < cd_properties_count(nt.configs); i++)
        rd_kafka_NewTopic_set_config(newt, cd_properties_key_at(nt.configs, i),
                                     cd_properties_value_at(nt.configs, i));
    rd_kafka_AdminOptions_set_operation_timeout(opts, 30000, err, sizeof(err));
    rd_kafka_AdminOptions_set_request_timeout(opts, 60000, err, sizeof(err));
    rd_kafka_CreateTopics(src->rk, &newt, 1, opts, q);
    ev = rd_kafka_queue_poll(q, 90000);
    if (!ev) {
        snprintf(errstr, errstr_size, "Timed out while creating topic %s", topic);
        goto done;
    }
    const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t **trs = res ? rd_kafka_CreateTopics_result_topics(res, &n) : NULL;
    rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
    if (!e && n == 1)
        e = rd_kafka_topic_result_error(trs[0]);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        cd_log_info(LOGGER, "Created topic '%s' using creation group %s", topic, nt.group);
        rc = 0;
    } else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        cd_log_debug(LOGGER, "Found existing topic '%s'", topic);
        rc = 0;
    } else {
        cd_log_warn(LOGGER, "Request to create new topic '%s' failed: %s", topic,
                    rd_kafka_err2str(e));
        snprintf(errstr, errstr_size,
                 "Task failed to create new topic %s. Ensure that the task is authorized to "
                 "create topics or that the topic exists and restart the task",
                 topic);
    }
    if (rc == 0)
        cd_topic_creation_add_known(src->tc, topic);
done:
    if (ev)
        rd_kafka_event_destroy(ev);
    if (newt)
        rd_kafka_NewTopic_destroy(newt);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    return rc;
}

/* The serialized offsets key of @p partition: the last one is cached, as a
 * task's records nearly always share their source partition. NULL when the
 * partition is invalid (logged; its offsets are not committed). */
static const uint8_t *offset_key(src_t *src, const cd_value_t *partition, size_t *len)
{
    char err[512];
    if (src->okey_valid && cd_value_equals(src->okey_part, partition)) {
        *len = src->okey_len;
        return src->okey;
    }
    free(src->okey);
    cd_value_destroy(src->okey_part);
    src->okey = NULL;
    src->okey_part = NULL;
    src->okey_valid = false;
    if (cd_offset_key_serialize(src->t->s.connector, partition, &src->okey, &src->okey_len, err,
                                sizeof(err)) != 0) {
        cd_log_error(LOGGER, "%s-%d: invalid source partition, its offset is not committed: %s",
                     src->t->s.connector, src->t->s.task_id, err);
        return NULL;
    }
    src->okey_part = partition ? cd_value_copy(partition) : NULL;
    src->okey_valid = !partition || src->okey_part;
    *len = src->okey_len;
    return src->okey;
}

/* SubmittedRecords: the record's source partition and offset move into the
 * entry, keyed by the serialized offsets key. */
static void submit_record(src_t *src, cd_record_t *rec, inflight_t *inf)
{
    size_t klen = 0;
    const uint8_t *key = NULL;
    if (cd_record_source_partition(rec) || cd_record_source_offset(rec))
        key = offset_key(src, cd_record_source_partition(rec), &klen);
    if (!key) {
        inf->sub = cd_submitted_records_submit(src->sr, (const uint8_t *)"", 0, NULL, NULL);
        return;
    }
    cd_value_t *part = NULL, *off = NULL;
    cd_record_take_source_position(rec, &part, &off);
    inf->sub = cd_submitted_records_submit(src->sr, key, klen, part, off);
}

/* One conversion of a record's headers, key and value (the operation the error
 * handler may retry): into src->hbuf/kbuf/vbuf and a header list. */
typedef struct convert_op_s {
    src_t *src;
    cd_record_t *rec;
    rd_kafka_headers_t *kh;
    bool is_null_key, is_null_value;
    cd_error_stage_t stage;
    const cd_converter_t *conv;
} convert_op_t;

static int convert_attempt(void *arg, bool *retriable, char *errstr, size_t errstr_size)
{
    convert_op_t *op = arg;
    src_t *src = op->src;
    cd_record_t *rec = op->rec;
    const char *topic = cd_record_topic(rec);
    cd_headers_t *headers = cd_record_headers(rec);
    size_t nh = cd_headers_count(headers);
    if (op->kh) {
        rd_kafka_headers_destroy(op->kh);
        op->kh = NULL;
    }
    op->stage = CD_STAGE_HEADER_CONVERTER;
    op->conv = src->hc;
    if (nh) {
        op->kh = rd_kafka_headers_new(nh);
        for (size_t i = 0; i < nh; i++) {
            bool is_null = false;
            cd_buf_reset(&src->hbuf);
            if (cd_converter_from_connect_header(
                    src->hc, topic, cd_headers_key_at(headers, i), cd_headers_schema_at(headers, i),
                    cd_headers_value_at(headers, i), &src->hbuf, &is_null, errstr, errstr_size) < 0)
                goto fail;
            rd_kafka_header_add(op->kh, cd_headers_key_at(headers, i), -1,
                                is_null ? NULL : src->hbuf.data, is_null ? 0 : src->hbuf.len);
        }
    }
    cd_buf_reset(&src->kbuf);
    cd_buf_reset(&src->vbuf);
    op->stage = CD_STAGE_KEY_CONVERTER;
    op->conv = src->kc;
    if (cd_converter_from_connect(src->kc, topic, headers, cd_record_key_schema(rec),
                                  cd_record_key(rec), &src->kbuf, &op->is_null_key, errstr,
                                  errstr_size) < 0)
        goto fail;
    op->stage = CD_STAGE_VALUE_CONVERTER;
    op->conv = src->vc;
    if (cd_converter_from_connect(src->vc, topic, headers, cd_record_value_schema(rec),
                                  cd_record_value(rec), &src->vbuf, &op->is_null_value, errstr,
                                  errstr_size) < 0)
        goto fail;
    return 0;
fail:
    *retriable = cd_error_is_retriable_message(errstr);
    if (op->kh) {
        rd_kafka_headers_destroy(op->kh);
        op->kh = NULL;
    }
    return -1;
}

/* Hands a failed record to the error handler: 0 = tolerated (skip it), -1 = the task
 * fails with @p message. */
static int report_failure(src_t *src, cd_error_stage_t stage, const char *cls, const char *message,
                          const cd_record_t *original)
{
    cd_error_context_t ctx = {.stage = stage,
                              .executing_class = cls,
                              .exception_class = "org.apache.kafka.connect.errors.DataException",
                              .message = message,
                              .source = original};
    return cd_error_handler_report(src->eh, &ctx);
}

/* 0 sent, 1 retry later (queue full), 2 dropped (tolerated), -1 fatal (errstr). */
static int send_one(src_t *src, cd_record_t *rec, cd_record_t **pre, char *errstr,
                    size_t errstr_size, bool *tolerance_exceeded)
{
    const char *topic = cd_record_topic(rec);
    rd_kafka_headers_t *kh = NULL;
    char err[2048];
    bool is_null_key, is_null_value;
    convert_op_t op = {.src = src, .rec = rec};
    *tolerance_exceeded = false;
    if (!topic || !*topic) {
        snprintf(errstr, errstr_size, "Record has no topic");
        return -1;
    }
    if (cd_error_handler_execute(src->eh, convert_attempt, &op, &src->t->ctx.stopping, err,
                                 sizeof(err)) < 0) {
        const char *cls = op.conv ? cd_converter_plugin(op.conv)->class_name : NULL;
        if (report_failure(src, op.stage, cls, err, *pre ? *pre : rec) == 0)
            return 2;
        *tolerance_exceeded = true;
        snprintf(errstr, errstr_size, "%s", err);
        return -1;
    }
    kh = op.kh;
    is_null_key = op.is_null_key;
    is_null_value = op.is_null_value;

    if (maybe_create_topic(src, topic, errstr, errstr_size) < 0)
        goto fatal;
    record_active_topic(src, topic);

    inflight_t *inf = calloc(1, sizeof(*inf));
    if (!inf) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fatal;
    }
    inf->src = src;
    inf->record = *pre;
    int32_t partition = cd_record_partition(rec);
    int64_t ts = cd_record_timestamp(rec);
    /* delivery reports are served by rd_kafka_poll on this thread only, so the
     * SubmittedRecords entry can be attached to inf after a successful produce */
    rd_kafka_resp_err_t e = rd_kafka_producev(
        src->rk, RD_KAFKA_V_TOPIC(topic),
        RD_KAFKA_V_PARTITION(partition == CD_PARTITION_NONE ? RD_KAFKA_PARTITION_UA : partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(is_null_key ? NULL : src->kbuf.data, is_null_key ? 0 : src->kbuf.len),
        RD_KAFKA_V_VALUE(is_null_value ? NULL : src->vbuf.data, is_null_value ? 0 : src->vbuf.len),
        RD_KAFKA_V_TIMESTAMP(ts == CD_TIMESTAMP_NONE ? 0 : ts), RD_KAFKA_V_HEADERS(kh),
        RD_KAFKA_V_OPAQUE(inf), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        *pre = NULL; /* owned by the in-flight entry; headers by the message */
        submit_record(src, rec, inf);
        return 0;
    }
    free(inf);
    if (kh)
        rd_kafka_headers_destroy(kh);
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        return 1; /* retriable: keep the remainder, retry after a backoff */
    snprintf(errstr, errstr_size, "Unrecoverable exception trying to send: %s",
             rd_kafka_err2str(e));
    return -1;

fatal:
    if (kh)
        rd_kafka_headers_destroy(kh);
    return -1;
}

/* Sends the buffered batch from src->next. 0 = all sent, 1 = retry later, -1 = fail. */
static int send_records(src_t *src, char *errstr, size_t errstr_size, bool *tolerance_exceeded)
{
    char err[512];
    while (src->next < src->batch.count) {
        cd_record_t *rec = src->batch.records[src->next];
        /* the record before transformation: for commitRecord and the dead-letter queue */
        cd_record_t *pre = src->plugin->commit_record || cd_error_handler_has_dlq(src->eh)
                               ? cd_record_copy(rec)
                               : NULL;
        if (cd_transform_chain_apply(src->chain, &rec, err, sizeof(err)) < 0) {
            if (report_failure(src, CD_STAGE_TRANSFORMATION,
                               cd_transform_chain_failed_class(src->chain), err,
                               pre ? pre : rec) < 0) {
                cd_record_destroy(pre);
                src->batch.records[src->next] = rec;
                *tolerance_exceeded = true;
                snprintf(errstr, errstr_size, "%s", err);
                return -1;
            }
            cd_record_destroy(rec);
            rec = NULL;
        }
        src->batch.records[src->next] = rec;
        int rc = rec ? send_one(src, rec, &pre, errstr, errstr_size, tolerance_exceeded) : 2;
        while (rc == 1) {
            /* retriable (producer queue full): back off, serve delivery reports, retry the
             * same converted record; a stop request abandons the unsent remainder */
            rd_kafka_poll(src->rk, SEND_FAILED_BACKOFF_MS);
            if (cd_task_context_is_stopping(&src->t->ctx))
                break;
            rc = send_one(src, rec, &pre, errstr, errstr_size, tolerance_exceeded);
        }
        if (rc == 2 && src->plugin->commit_record && pre) /* dropped: commitRecord(record, null) */
            src->plugin->commit_record(src->state, pre, NULL);
        cd_record_destroy(pre);
        if (rc == 1 || rc < 0)
            return rc;
        src->next++;
    }
    cd_record_list_clear(&src->batch);
    src->next = 0;
    return 0;
}

/* Moves committable offsets into the flush set (newest wins per partition). */
static void collect_committable(src_t *src)
{
    size_t n = 0;
    cd_committable_offset_t *c = cd_submitted_records_committable(src->sr, &n);
    for (size_t i = 0; i < n; i++) {
        if (c[i].key_len == 0)
            continue; /* partition that could not be serialized */
        size_t j = 0;
        for (; j < src->nflush; j++)
            if (src->flush[j].key_len == c[i].key_len &&
                memcmp(src->flush[j].key, c[i].key, c[i].key_len) == 0)
                break;
        if (j == src->nflush) {
            cd_committable_offset_t *nf = realloc(src->flush, (src->nflush + 1) * sizeof(*nf));
            if (!nf)
                continue;
            src->flush = nf;
            src->nflush++;
            memset(&src->flush[j], 0, sizeof(src->flush[j]));
        } else {
            free(src->flush[j].key);
            cd_value_destroy(src->flush[j].partition);
            cd_value_destroy(src->flush[j].offset);
        }
        src->flush[j] = c[i];
        memset(&c[i], 0, sizeof(c[i]));
    }
    cd_committable_offsets_free(c, n);
}

/* WorkerSourceTask.commitOffsets: flush acknowledged offsets, then task.commit(). */
static void commit_offsets(src_t *src)
{
    cd_task_settings_t *s = &src->t->s;
    /* records sent to the dead-letter queue are delivered before the offsets move on */
    cd_error_handler_flush(src->eh, 30000);
    collect_committable(src);
    if (src->nflush > 0 && s->offsets) {
        cd_offset_store_entry_t *entries = calloc(src->nflush, sizeof(*entries));
        uint8_t **values = calloc(src->nflush, sizeof(uint8_t *));
        char err[512] = "";
        int rc = entries && values ? 0 : -1;
        for (size_t i = 0; rc == 0 && i < src->nflush; i++) {
            size_t vlen = 0;
            if (cd_offset_value_serialize(src->flush[i].offset, &values[i], &vlen, err,
                                          sizeof(err)) < 0) {
                rc = -1;
                break;
            }
            entries[i].key = src->flush[i].key;
            entries[i].key_len = src->flush[i].key_len;
            entries[i].value = values[i];
            entries[i].value_len = vlen;
        }
        if (rc == 0)
            rc = s->offsets->ops->set(s->offsets, entries, src->nflush, s->offset_flush_timeout_ms,
                                      err, sizeof(err));
        for (size_t i = 0; values && i < src->nflush; i++)
            free(values[i]);
        free(values);
        free(entries);
        if (rc < 0) {
            /* cancelFlush: the offsets stay for the next attempt */
            cd_log_error(LOGGER, "%s-%d Failed to flush offsets to storage: %s", s->connector,
                         s->task_id, err);
            return;
        }
        cd_log_debug(LOGGER, "%s-%d Finished committing %zu offsets", s->connector, s->task_id,
                     src->nflush);
        cd_committable_offsets_free(src->flush, src->nflush);
        src->flush = NULL;
        src->nflush = 0;
    }
    if (src->plugin->commit && src->state)
        src->plugin->commit(src->state);
}

static char *failure_trace(const char *message, bool tolerance_exceeded)
{
    if (!tolerance_exceeded)
        return cd_worker_trace(CD_CONNECT_EXCEPTION, message, NULL);
    size_t n = strlen(message) + 256;
    char *out = malloc(n);
    if (out)
        snprintf(out, n,
                 CD_CONNECT_EXCEPTION ": Tolerance exceeded in error handler\n"
                                      "Caused by: org.apache.kafka.connect.errors.DataException: "
                                      "%s\n",
                 message);
    return out;
}

static int src_init(src_t *src, char *errstr, size_t errstr_size)
{
    cd_task_settings_t *s = &src->t->s;
    char err[512];
    src->plugin = s->plugin->source_task;
    src->sr = cd_submitted_records_new();
    cd_buf_init(&src->kbuf);
    cd_buf_init(&src->vbuf);
    cd_buf_init(&src->hbuf);
    if (!src->plugin || !src->sr) {
        snprintf(errstr, errstr_size, "Connector %s has no source task", s->connector);
        return -1;
    }
    if (!(src->kc = cd_worker_task_converter(s->worker_props, s->connector_config, CD_CONVERTER_KEY,
                                             errstr, errstr_size)) ||
        !(src->vc = cd_worker_task_converter(s->worker_props, s->connector_config,
                                             CD_CONVERTER_VALUE, errstr, errstr_size)) ||
        !(src->hc = cd_worker_task_converter(s->worker_props, s->connector_config,
                                             CD_CONVERTER_HEADER, errstr, errstr_size)))
        return -1;
    if (!(src->chain = cd_transform_chain_new(s->connector_config, errstr, errstr_size)))
        return -1;
    src->tc =
        cd_topic_creation_new(s->topic_creation_enable, s->connector_config, errstr, errstr_size);
    if (!src->tc && errstr[0])
        return -1;

    cd_properties_t *pp =
        cd_worker_producer_props(s->worker_props, s->connector_config, s->connector, s->task_id);
    src->eh = cd_error_handler_new(s->connector_config, s->connector, s->task_id, false, pp, errstr,
                                   errstr_size);
    if (!src->eh) {
        cd_properties_destroy(pp);
        return -1;
    }
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (!pp || cd_kafka_conf_apply_java(conf, pp, errstr, errstr_size) < 0) {
        cd_properties_destroy(pp);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    cd_properties_destroy(pp);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    src->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!src->rk) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errstr_size, "Failed to construct kafka producer: %s", err);
        return -1;
    }
    return 0;
}

static void src_close(src_t *src)
{
    cd_task_settings_t *s = &src->t->s;
    if (src->rk) {
        /* wait up to offset.flush.timeout.ms for outstanding acks, then commit */
        rd_kafka_flush(src->rk,
                       (int)(s->offset_flush_timeout_ms > 0x7fffffff ? 0x7fffffff
                                                                     : s->offset_flush_timeout_ms));
        if (src->state)
            commit_offsets(src);
    }
    if (src->state && src->plugin->stop)
        src->plugin->stop(src->state);
    src->state = NULL;
    if (src->rk) {
        rd_kafka_purge(src->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(src->rk, 0); /* frees purged messages' in-flight entries */
        rd_kafka_destroy(src->rk);
    }
    cd_record_list_free(&src->batch);
    cd_submitted_records_destroy(src->sr);
    cd_committable_offsets_free(src->flush, src->nflush);
    cd_converter_destroy(src->kc);
    cd_converter_destroy(src->vc);
    cd_converter_destroy(src->hc);
    cd_transform_chain_destroy(src->chain);
    cd_error_handler_destroy(src->eh);
    cd_topic_creation_destroy(src->tc);
    for (size_t i = 0; i < src->nactive; i++)
        free(src->active[i]);
    free(src->active);
    cd_buf_free(&src->kbuf);
    cd_buf_free(&src->vbuf);
    cd_buf_free(&src->hbuf);
    cd_value_destroy(src->okey_part);
    free(src->okey);
}

void *cd_source_task_run(void *arg)
{
    cd_worker_task_t *t = arg;
    cd_task_settings_t *s = &t->s;
    src_t src;
    char errstr[2048] = "";
    char *trace = NULL;
    bool stopping = false, paused = false, tolerance_exceeded = false;
    memset(&src, 0, sizeof(src));
    src.t = t;

    /* WorkerTask.doRun: a task created paused reports PAUSED and waits */
    stopping = cd_worker_task_await_start(t, &paused);
    if (stopping)
        goto out;
    if (src_init(&src, errstr, sizeof(errstr)) < 0)
        goto failed;
    src.state = src.plugin->start(s->task_config, &t->ctx, errstr, sizeof(errstr));
    if (!src.state)
        goto failed;
    cd_log_info(LOGGER, "%s-%d Source task finished initialization and start", s->connector,
                s->task_id);
    cd_worker_task_status(t, CD_STATE_RUNNING, NULL);
    paused = false;

    int64_t next_commit = cd_worker_now_ms() + s->offset_flush_interval_ms;
    for (;;) {
        cd_target_state_t target = cd_worker_task_target(t, &stopping);
        if (stopping)
            break;
        int64_t now = cd_worker_now_ms();
        if (now >= next_commit) {
            commit_offsets(&src);
            next_commit = cd_worker_now_ms() + s->offset_flush_interval_ms;
        }
        if (target != CD_TARGET_STARTED) {
            if (!paused) {
                cd_worker_task_status(t, CD_STATE_PAUSED, NULL);
                paused = true;
            }
            rd_kafka_poll(src.rk, 0);
            int64_t wait = next_commit - cd_worker_now_ms();
            cd_worker_task_wait(t, wait < 1 ? 1 : (wait > 1000 ? 1000 : wait), &stopping);
            continue;
        }
        if (paused) {
            cd_worker_task_status(t, CD_STATE_RUNNING, NULL);
            paused = false;
        }
        if (src.send_failed) {
            snprintf(errstr, sizeof(errstr), "Unrecoverable exception from producer send callback");
            size_t n = strlen(errstr);
            snprintf(errstr + n, sizeof(errstr) - n, "\nCaused by: %s", src.send_error);
            goto failed;
        }
        if (src.batch.count == 0) {
            int rc = src.plugin->poll(src.state, &src.batch, errstr, sizeof(errstr));
            if (rc < 0)
                goto failed;
            if (rc == CD_TASK_RETRIABLE)
                cd_record_list_clear(&src.batch); /* RetriableException: poll again */
        }
        if (src.batch.count > 0 &&
            send_records(&src, errstr, sizeof(errstr), &tolerance_exceeded) < 0)
            goto failed;
        rd_kafka_poll(src.rk, 0);
    }
    goto out;

failed:
    trace = failure_trace(errstr, tolerance_exceeded);
    cd_log_error(LOGGER,
                 "%s-%d Task threw an uncaught and unrecoverable exception. Task is being "
                 "killed and will not recover until manually restarted: %s",
                 s->connector, s->task_id, errstr);
    cd_worker_task_status(t, CD_STATE_FAILED, trace);
    free(trace);
    src_close(&src);
    return NULL;
out:
    src_close(&src);
    cd_worker_task_status(t, CD_STATE_UNASSIGNED, NULL);
    return NULL;
}
