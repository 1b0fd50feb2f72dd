/*
 * error_handler.c: a task's RetryWithToleranceOperator with its two
 * reporters: the LogReporter ("Error encountered in task C-0. Executing stage
 * 'TRANSFORMATION' with class '...'.") and the DeadLetterQueueReporter (the
 * original record to the DLQ topic, optionally with the __connect.errors.*
 * context headers). See error_handler.h and docs/modules/error-handling.md.
 */
#include "worker/error_handler.h"

#include "util/log.h"
#include "worker/worker_config.h"

#include <connectd/buf.h>
#include <connectd/converter.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define EH_LOGGER "org.apache.kafka.connect.runtime.errors.LogReporter"
#define EH_DLQ_LOGGER "org.apache.kafka.connect.runtime.errors.DeadLetterQueueReporter"
#define EH_OPERATOR_LOGGER "org.apache.kafka.connect.runtime.errors.RetryWithToleranceOperator"
#define EH_RETRY_DELAY_MIN_MS 300
#define EH_HEADER_PREFIX "__connect.errors."
/* A DLQ context header value is capped (an exception message could be huge). */
#define EH_MAX_HEADER_VALUE 65536

struct cd_error_handler_s {
    char *connector;
    int task_id;
    bool sink;
    bool tolerate_all;
    long long retry_timeout_ms;   /* 0 = none, -1 = forever */
    long long retry_delay_max_ms; /* errors.retry.delay.max.ms */
    bool log_enable;
    bool log_include_messages;
    char *dlq_topic; /* NULL = no dead-letter queue */
    bool dlq_context_headers;
    rd_kafka_t *dlq;
    cd_converter_t *envelope; /* source DLQ: JsonConverter with schemas */
    long dlq_count;
    long tolerated_count;
    long dlq_failed;
};

const char *cd_error_stage_name(cd_error_stage_t stage)
{
    static const char *const names[] = {"KEY_CONVERTER",  "VALUE_CONVERTER", "HEADER_CONVERTER",
                                        "TRANSFORMATION", "TASK_PUT",        "TASK_POLL",
                                        "KAFKA_PRODUCE",  "KAFKA_CONSUME"};
    return (unsigned)stage < sizeof(names) / sizeof(names[0]) ? names[stage] : "UNKNOWN";
}

bool cd_error_is_retriable_message(const char *message)
{
    /* The Avro converter's NetworkException (a RetriableException in Java). */
    return message && strncmp(message, "Network connection error", 24) == 0;
}

static long long eh_long(const cd_properties_t *config, const char *key, long long dflt)
{
    const char *v = cd_properties_get(config, key);
    char *end;
    long long n;
    if (!v)
        return dflt;
    while (*v == ' ' || *v == '\t')
        v++;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno || end == v)
        return dflt;
    return n;
}

static bool eh_bool(const cd_properties_t *config, const char *key)
{
    const char *v = cd_properties_get(config, key);
    return v && strcasecmp(v, "true") == 0;
}

static void eh_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    cd_error_handler_t *h = opaque;
    (void)rk;
    if (msg->err) {
        h->dlq_failed++;
        cd_log_error(EH_DLQ_LOGGER, "Could not produce message to dead letter queue. topic=%s: %s",
                     h->dlq_topic, rd_kafka_err2str(msg->err));
    }
}

/* DeadLetterQueueReporter.createAndSetup: the topic (1 partition) if missing. */
static int eh_create_dlq_topic(cd_error_handler_t *h, int replication, char *errstr,
                               size_t errstr_size)
{
    char err[512];
    int rc = -1;
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(h->dlq_topic, 1, replication, err, sizeof(err));
    rd_kafka_queue_t *q = rd_kafka_queue_new(h->dlq);
    rd_kafka_AdminOptions_t *opts =
        rd_kafka_AdminOptions_new(h->dlq, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_event_t *ev = NULL;
    rd_kafka_resp_err_t e;
    if (!nt) {
        snprintf(errstr, errstr_size, "Could not initialize dead letter queue with topic=%s: %s",
                 h->dlq_topic, err);
        goto done;
    }
    rd_kafka_AdminOptions_set_request_timeout(opts, 60000, err, sizeof(err));
    rd_kafka_CreateTopics(h->dlq, &nt, 1, opts, q);
    ev = rd_kafka_queue_poll(q, 90000);
    if (!ev) {
        snprintf(errstr, errstr_size, "Could not initialize dead letter queue with topic=%s",
                 h->dlq_topic);
        goto done;
    }
    {
        const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
        size_t n = 0;
        const rd_kafka_topic_result_t **trs =
            res ? rd_kafka_CreateTopics_result_topics(res, &n) : NULL;
        e = rd_kafka_event_error(ev);
        if (!e && n == 1)
            e = rd_kafka_topic_result_error(trs[0]);
    }
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        cd_log_info(EH_DLQ_LOGGER, "Created dead letter queue topic %s", h->dlq_topic);
        rc = 0;
    } else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        rc = 0;
    } else {
        snprintf(errstr, errstr_size, "Could not initialize dead letter queue with topic=%s: %s",
                 h->dlq_topic, rd_kafka_err2str(e));
    }
done:
    if (ev)
        rd_kafka_event_destroy(ev);
    if (nt)
        rd_kafka_NewTopic_destroy(nt);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_queue_destroy(q);
    return rc;
}

static int eh_open_dlq(cd_error_handler_t *h, const cd_properties_t *connector_config,
                       const cd_properties_t *producer_props, char *errstr, size_t errstr_size)
{
    char client_id[512], err[512];
    cd_properties_t *pp = producer_props ? cd_properties_copy(producer_props) : cd_properties_new();
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    long long rf = eh_long(connector_config, "errors.deadletterqueue.topic.replication.factor", 3);
    snprintf(client_id, sizeof(client_id), "connector-dlq-producer-%s-%d", h->connector,
             h->task_id);
    if (!pp || cd_properties_set(pp, "client.id", client_id) != 0 ||
        cd_kafka_conf_apply_java(conf, pp, errstr, errstr_size) < 0) {
        cd_properties_destroy(pp);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    cd_properties_destroy(pp);
    rd_kafka_conf_set_opaque(conf, h);
    rd_kafka_conf_set_dr_msg_cb(conf, eh_dr_cb);
    h->dlq = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!h->dlq) {
        rd_kafka_conf_destroy(conf);
        snprintf(errstr, errstr_size, "Failed to construct kafka producer: %s", err);
        return -1;
    }
    /* -1 = the broker's default.replication.factor; anything else out of range: Java's 3 */
    if (rf != -1 && (rf < 1 || rf > 32767))
        rf = 3;
    return eh_create_dlq_topic(h, (int)rf, errstr, errstr_size);
}

cd_error_handler_t *cd_error_handler_new(const cd_properties_t *connector_config,
                                         const char *connector, int task_id, bool sink,
                                         const cd_properties_t *producer_props, char *errstr,
                                         size_t errstr_size)
{
    cd_error_handler_t *h = calloc(1, sizeof(*h));
    const char *tol = cd_properties_get(connector_config, "errors.tolerance");
    const char *dlq = cd_properties_get(connector_config, "errors.deadletterqueue.topic.name");
    if (!h || !(h->connector = strdup(connector ? connector : ""))) {
        free(h);
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    h->task_id = task_id;
    h->sink = sink;
    if (tol) {
        while (*tol == ' ' || *tol == '\t')
            tol++;
        h->tolerate_all =
            strncasecmp(tol, "all", 3) == 0 && strspn(tol + 3, " \t") == strlen(tol + 3);
    }
    h->retry_timeout_ms = eh_long(connector_config, "errors.retry.timeout", 0);
    h->retry_delay_max_ms = eh_long(connector_config, "errors.retry.delay.max.ms", 60000);
    h->log_enable = eh_bool(connector_config, "errors.log.enable");
    h->log_include_messages = eh_bool(connector_config, "errors.log.include.messages");
    h->dlq_context_headers =
        eh_bool(connector_config, "errors.deadletterqueue.context.headers.enable");
    if (dlq) {
        size_t b = strspn(dlq, " \t\r\n"), e = strlen(dlq);
        while (e > b && strchr(" \t\r\n", dlq[e - 1]))
            e--;
        if (e > b)
            h->dlq_topic = strndup(dlq + b, e - b);
    }
    if (h->dlq_topic) {
        if (!sink) {
            /* beyond Java: source tasks write the failed record as JSON envelopes */
            cd_properties_t *jc = cd_properties_new();
            cd_properties_set(jc, "schemas.enable", "true");
            h->envelope = cd_converter_new("org.apache.kafka.connect.json.JsonConverter", jc,
                                           CD_CONVERTER_VALUE, errstr, errstr_size);
            cd_properties_destroy(jc);
            if (!h->envelope)
                goto fail;
        }
        if (eh_open_dlq(h, connector_config, producer_props, errstr, errstr_size) != 0)
            goto fail;
    }
    return h;
fail:
    cd_error_handler_destroy(h);
    return NULL;
}

void cd_error_handler_destroy(cd_error_handler_t *h)
{
    if (!h)
        return;
    if (h->dlq) {
        rd_kafka_flush(h->dlq, 10000);
        rd_kafka_destroy(h->dlq);
    }
    cd_converter_destroy(h->envelope);
    free(h->dlq_topic);
    free(h->connector);
    free(h);
}

bool cd_error_handler_has_dlq(const cd_error_handler_t *h)
{
    return h && h->dlq;
}

bool cd_error_handler_tolerates_all(const cd_error_handler_t *h)
{
    return h && h->tolerate_all;
}

static long long eh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cd_error_handler_execute(cd_error_handler_t *h, cd_error_operation_t op, void *arg,
                             const volatile int *stop, char *errstr, size_t errstr_size)
{
    long long start = eh_now_ms(), delay = EH_RETRY_DELAY_MIN_MS;
    for (int attempt = 1;; attempt++) {
        bool retriable = false;
        long long now, deadline, wait;
        if (op(arg, &retriable, errstr, errstr_size) == 0)
            return 0;
        if (!retriable || !h || h->retry_timeout_ms == 0)
            return -1;
        now = eh_now_ms();
        deadline = h->retry_timeout_ms < 0 ? -1 : start + h->retry_timeout_ms;
        if (deadline >= 0 && now >= deadline)
            return -1;
        wait = delay < h->retry_delay_max_ms ? delay : h->retry_delay_max_ms;
        if (deadline >= 0 && now + wait > deadline)
            wait = deadline - now;
        cd_log_debug(EH_OPERATOR_LOGGER, "Sleeping for %lld millis (attempt %d)", wait, attempt);
        /* sleep in slices so a stopping task is not held up */
        for (long long slept = 0; slept < wait && !(stop && *stop); slept += 50) {
            long long slice = wait - slept < 50 ? wait - slept : 50;
            struct timespec ts = {slice / 1000, (long)(slice % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
        if (stop && *stop)
            return -1;
        if (delay < (1LL << 40))
            delay *= 2;
    }
}

/* LogReporter.Source appendMessage: a short SourceRecord description. */
static void eh_describe_source(cd_buf_t *b, const cd_record_t *r)
{
    int32_t p = cd_record_partition(r);
    int64_t ts = cd_record_timestamp(r);
    cd_buf_appendf(b, ", where source record is = SourceRecord{topic='%s', kafkaPartition=",
                   cd_record_topic(r));
    if (p == CD_PARTITION_NONE)
        cd_buf_append_str(b, "null");
    else
        cd_buf_appendf(b, "%d", (int)p);
    if (ts == CD_TIMESTAMP_NONE)
        cd_buf_append_str(b, ", timestamp=null}");
    else
        cd_buf_appendf(b, ", timestamp=%" PRId64 "}", ts);
}

static void eh_log(cd_error_handler_t *h, const cd_error_context_t *ctx)
{
    cd_buf_t b;
    cd_buf_init(&b);
    cd_buf_appendf(&b, "Error encountered in task %s-%d. Executing stage '%s' with class '%s'",
                   h->connector, h->task_id, cd_error_stage_name(ctx->stage),
                   ctx->executing_class ? ctx->executing_class : "null");
    if (h->log_include_messages && ctx->consumed) {
        const rd_kafka_message_t *m = ctx->consumed;
        rd_kafka_timestamp_type_t tt;
        int64_t ts = rd_kafka_message_timestamp(m, &tt);
        cd_buf_appendf(&b, ", where consumed record is {topic='%s', partition=%d, offset=%" PRId64,
                       rd_kafka_topic_name(m->rkt), (int)m->partition, (int64_t)m->offset);
        if (tt == RD_KAFKA_TIMESTAMP_CREATE_TIME || tt == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME)
            cd_buf_appendf(&b, ", timestamp=%" PRId64 ", timestampType=%s", ts,
                           tt == RD_KAFKA_TIMESTAMP_CREATE_TIME ? "CreateTime" : "LogAppendTime");
        cd_buf_append_char(&b, '}');
    } else if (h->log_include_messages && ctx->source) {
        eh_describe_source(&b, ctx->source);
    }
    cd_buf_appendf(&b, ".\n%s: %s", ctx->exception_class ? ctx->exception_class : "",
                   ctx->message ? ctx->message : "");
    cd_buf_append_char(&b, '\0');
    cd_log_error(EH_LOGGER, "%s", (const char *)b.data);
    cd_buf_free(&b);
}

static void eh_header(rd_kafka_headers_t *hs, const char *name, const char *value)
{
    size_t len;
    if (!value)
        return;
    len = strnlen(value, EH_MAX_HEADER_VALUE);
    rd_kafka_header_add(hs, name, -1, value, (ssize_t)len);
}

/* DeadLetterQueueReporter.populateContextHeaders */
static void eh_context_headers(cd_error_handler_t *h, rd_kafka_headers_t *hs,
                               const cd_error_context_t *ctx)
{
    char num[32];
    if (ctx->consumed) {
        eh_header(hs, EH_HEADER_PREFIX "topic", rd_kafka_topic_name(ctx->consumed->rkt));
        snprintf(num, sizeof(num), "%d", (int)ctx->consumed->partition);
        eh_header(hs, EH_HEADER_PREFIX "partition", num);
        snprintf(num, sizeof(num), "%" PRId64, (int64_t)ctx->consumed->offset);
        eh_header(hs, EH_HEADER_PREFIX "offset", num);
    } else if (ctx->source) {
        /* beyond Java: the topic the source record was meant for */
        eh_header(hs, EH_HEADER_PREFIX "topic", cd_record_topic(ctx->source));
    }
    eh_header(hs, EH_HEADER_PREFIX "connector.name", h->connector);
    snprintf(num, sizeof(num), "%d", h->task_id);
    eh_header(hs, EH_HEADER_PREFIX "task.id", num);
    eh_header(hs, EH_HEADER_PREFIX "stage", cd_error_stage_name(ctx->stage));
    eh_header(hs, EH_HEADER_PREFIX "class.name", ctx->executing_class);
    if (ctx->exception_class) {
        cd_buf_t trace;
        eh_header(hs, EH_HEADER_PREFIX "exception.class.name", ctx->exception_class);
        eh_header(hs, EH_HEADER_PREFIX "exception.message", ctx->message);
        /* Throwable.printStackTrace's first line; connectd has no Java frames */
        cd_buf_init(&trace);
        cd_buf_appendf(&trace, "%s: %s\n", ctx->exception_class, ctx->message ? ctx->message : "");
        cd_buf_append_char(&trace, '\0');
        eh_header(hs, EH_HEADER_PREFIX "exception.stacktrace", (const char *)trace.data);
        cd_buf_free(&trace);
    }
}

/* The source record's key or value as a JsonConverter envelope. */
static int eh_envelope(cd_error_handler_t *h, const char *topic, const cd_schema_t *schema,
                       const cd_value_t *value, cd_buf_t *out, bool *is_null)
{
    char err[512];
    cd_buf_reset(out);
    return cd_converter_from_connect(h->envelope, topic, NULL, schema, value, out, is_null, err,
                                     sizeof(err));
}

static void eh_send_dlq(cd_error_handler_t *h, const cd_error_context_t *ctx)
{
    rd_kafka_headers_t *hs = NULL;
    const void *key = NULL, *val = NULL;
    size_t klen = 0, vlen = 0;
    int64_t ts = 0;
    cd_buf_t kb, vb;
    rd_kafka_resp_err_t e;
    cd_buf_init(&kb);
    cd_buf_init(&vb);
    if (ctx->consumed) {
        const rd_kafka_message_t *m = ctx->consumed;
        rd_kafka_headers_t *orig = NULL;
        rd_kafka_timestamp_type_t tt;
        key = m->key;
        klen = m->key_len;
        val = m->payload;
        vlen = m->len;
        ts = rd_kafka_message_timestamp(m, &tt);
        if (tt == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || ts < 0)
            ts = 0;
        if (rd_kafka_message_headers(m, &orig) == RD_KAFKA_RESP_ERR_NO_ERROR && orig)
            hs = rd_kafka_headers_copy(orig);
    } else if (ctx->source && h->envelope) {
        bool knull = false, vnull = false;
        const cd_record_t *r = ctx->source;
        if (eh_envelope(h, cd_record_topic(r), cd_record_key_schema(r), cd_record_key(r), &kb,
                        &knull) == 0 &&
            !knull) {
            key = kb.data;
            klen = kb.len;
        }
        if (eh_envelope(h, cd_record_topic(r), cd_record_value_schema(r), cd_record_value(r), &vb,
                        &vnull) == 0 &&
            !vnull) {
            val = vb.data;
            vlen = vb.len;
        }
        ts = cd_record_timestamp(r) == CD_TIMESTAMP_NONE ? 0 : cd_record_timestamp(r);
    } else {
        cd_buf_free(&kb);
        cd_buf_free(&vb);
        return; /* context.original() == null: nothing to send */
    }
    if (!hs)
        hs = rd_kafka_headers_new(12);
    if (h->dlq_context_headers)
        eh_context_headers(h, hs, ctx);
    e = rd_kafka_producev(h->dlq, RD_KAFKA_V_TOPIC(h->dlq_topic),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_KEY((void *)key, klen), RD_KAFKA_V_VALUE((void *)val, vlen),
                          RD_KAFKA_V_TIMESTAMP(ts), RD_KAFKA_V_HEADERS(hs), RD_KAFKA_V_END);
    if (e) {
        rd_kafka_headers_destroy(hs);
        h->dlq_failed++;
        cd_log_error(EH_DLQ_LOGGER, "Could not produce message to dead letter queue. topic=%s: %s",
                     h->dlq_topic, rd_kafka_err2str(e));
    } else {
        h->dlq_count++;
    }
    rd_kafka_poll(h->dlq, 0);
    cd_buf_free(&kb);
    cd_buf_free(&vb);
}

int cd_error_handler_report(cd_error_handler_t *h, const cd_error_context_t *ctx)
{
    if (!h)
        return -1;
    /* RetryWithToleranceOperator.execAndHandleError: an error beyond the tolerance
     * fails the task before any reporter runs. */
    if (!h->tolerate_all)
        return -1;
    if (h->log_enable)
        eh_log(h, ctx);
    if (h->dlq)
        eh_send_dlq(h, ctx);
    h->tolerated_count++;
    return 0;
}

void cd_error_handler_flush(cd_error_handler_t *h, int timeout_ms)
{
    if (h && h->dlq)
        rd_kafka_flush(h->dlq, timeout_ms);
}

long cd_error_handler_dlq_count(const cd_error_handler_t *h)
{
    return h ? h->dlq_count : 0;
}

long cd_error_handler_tolerated_count(const cd_error_handler_t *h)
{
    return h ? h->tolerated_count : 0;
}
