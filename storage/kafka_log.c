/*
 * kafka_log.c: a compacted Kafka topic read and written as a log (Java's
 * KafkaBasedLog + KafkaTopicBasedBackingStore.topicInitializer + the parts of
 * TopicAdmin they use).
 *
 * - Topic: CreateTopics (cleanup.policy=compact + the *.storage.* settings),
 *   retrying retriable errors up to default.api.timeout.ms; an existing topic is
 *   checked with DescribeConfigs (cleanup.policy exactly "compact", else Java's
 *   ConfigException text) and, for the config topic, for a single partition.
 * - Producer: the worker originals + overrides, then acks=all,
 *   max.in.flight=1, enable.idempotence=false, partitioner=murmur2_random (Java's
 *   partitioner), message.timeout.ms=INT_MAX (Java: delivery.timeout.ms=MAX).
 * - Consumer: the worker originals + overrides, then enable.auto.commit=false,
 *   auto.offset.reset=earliest, enable.partition.eof=true; partitions are assigned
 *   manually (rd_kafka_assign, never subscribe) from the beginning and nothing is
 *   ever committed. group.id is passed through (librdkafka needs one for the
 *   assign API; without subscribe it never joins).
 * - A work thread polls the consumer, hands records to the callback and tracks
 *   each partition's position (offset of the last record + 1, or the offset a
 *   partition-EOF event reports, which also covers control records). It polls the
 *   producer for delivery reports too.
 * - Read to end: flush the producer, read the end offsets (offsetsForTimes(-1):
 *   ListOffsets latest, one request per leader), wait until every position
 *   reaches them.
 */
#include "kafka_log.h"

#include "../util/log.h"
#include "../util/properties.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KL_LOGGER "org.apache.kafka.connect.util.KafkaBasedLog"
#define KL_MAX_PARTITIONS 100000
#define KL_POLL_MS 100
#define KL_META_TIMEOUT_MS 30000

struct cd_kafka_log_s {
    char *topic;
    int32_t want_partitions;
    int16_t want_rf;
    cd_properties_t *settings;
    bool require_single_partition;
    char *purpose;
    bool read_only;
    int64_t api_timeout_ms;
    int64_t retry_backoff_ms;

    rd_kafka_t *producer;
    rd_kafka_t *consumer;
    cd_kafka_log_consume_fn *consume;
    void *opaque;

    pthread_mutex_t lock;
    pthread_cond_t cond;
    int32_t partitions;
    int64_t *positions; /* next offset per partition */
    bool thread_started;
    bool stopping;
    pthread_t thread;
};

/* One produced record's delivery state. */
typedef struct kl_sync_s {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t pending;
    char err[512];
    bool failed;
} kl_sync_t;

typedef struct kl_msg_s {
    cd_kafka_log_sent_fn *sent;
    void *sent_opaque;
    kl_sync_t *sync;
} kl_msg_t;

static int64_t kl_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kl_deadline(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

/* The worker property naming the topic, and the Java "purpose" phrase. */
static void kl_purpose_names(const char *purpose, const char **config_key, const char **phrase)
{
    *config_key = "offset.storage.topic";
    *phrase = purpose ? purpose : "";
    if (!purpose)
        return;
    if (strcmp(purpose, "configuration") == 0 || strcmp(purpose, "connector configurations") == 0) {
        *config_key = "config.storage.topic";
        *phrase = "connector configurations";
    } else if (strcmp(purpose, "offset") == 0 || strcmp(purpose, "source connector offsets") == 0) {
        *config_key = "offset.storage.topic";
        *phrase = "source connector offsets";
    } else if (strcmp(purpose, "status") == 0 ||
               strcmp(purpose, "connector and task statuses") == 0) {
        *config_key = "status.storage.topic";
        *phrase = "connector and task statuses";
    }
}

char *cd_kafka_log_client_id_base(const cd_worker_config_t *wc)
{
    const cd_config_t *c = cd_worker_config_values(wc);
    const cd_properties_t *orig = cd_config_originals(c);
    const char *group = orig ? cd_properties_get(orig, "group.id") : NULL;
    const char *client = orig ? cd_properties_get(orig, "client.id") : NULL;
    if (!group)
        group = "";
    size_t len = strlen(group) + (client ? strlen(client) : 0) + 3;
    char *out = malloc(len);
    if (!out)
        return NULL;
    if (client && client[0])
        snprintf(out, len, "%s-%s-", group, client);
    else
        snprintf(out, len, "%s-", group);
    return out;
}

cd_properties_t *cd_kafka_log_topic_settings(const cd_worker_config_t *wc, const char *prefix)
{
    cd_properties_t *out = cd_properties_new();
    if (!out)
        return NULL;
    const cd_properties_t *orig = cd_config_originals(cd_worker_config_values(wc));
    size_t plen = strlen(prefix);
    for (size_t i = 0; orig && i < cd_properties_count(orig); i++) {
        const char *k = cd_properties_key_at(orig, i);
        if (strncmp(k, prefix, plen) != 0)
            continue;
        const char *rest = k + plen;
        if (strcmp(rest, "topic") == 0 || strcmp(rest, "partitions") == 0 ||
            strcmp(rest, "replication.factor") == 0 || strcmp(rest, "cleanup.policy") == 0 ||
            rest[0] == '\0')
            continue;
        if (cd_properties_set(out, rest, cd_properties_value_at(orig, i)) < 0) {
            cd_properties_destroy(out);
            return NULL;
        }
    }
    return out;
}

static int64_t kl_orig_long(const cd_properties_t *orig, const char *key, int64_t def)
{
    const char *v = orig ? cd_properties_get(orig, key) : NULL;
    if (!v || !*v)
        return def;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || !end || *end || n < 0)
        return def;
    return (int64_t)n;
}

static int kl_set(rd_kafka_conf_t *conf, const char *k, const char *v, char *errstr,
                  size_t errstr_size)
{
    char rderr[256];
    if (rd_kafka_conf_set(conf, k, v, rderr, sizeof(rderr)) != RD_KAFKA_CONF_OK) {
        snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: %s", v, k, rderr);
        return -1;
    }
    return 0;
}

static void kl_dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk;
    (void)opaque;
    kl_msg_t *msg = m->_private;
    if (!msg)
        return;
    const char *err = m->err ? rd_kafka_err2str(m->err) : NULL;
    if (msg->sent)
        msg->sent(msg->sent_opaque, err);
    if (msg->sync) {
        kl_sync_t *s = msg->sync;
        pthread_mutex_lock(&s->lock);
        if (err && !s->failed) {
            s->failed = true;
            snprintf(s->err, sizeof(s->err), "%s", err);
        }
        s->pending--;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
    }
    free(msg);
}

static rd_kafka_t *kl_client(rd_kafka_type_t type, const cd_worker_config_t *wc,
                             const cd_properties_t *overrides, const char *client_id, char *errstr,
                             size_t errstr_size)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    const cd_properties_t *orig = cd_config_originals(cd_worker_config_values(wc));
    if (orig && cd_kafka_conf_apply_java(conf, orig, errstr, errstr_size) < 0)
        goto fail;
    if (overrides && cd_kafka_conf_apply_java(conf, overrides, errstr, errstr_size) < 0)
        goto fail;
    if (kl_set(conf, "client.id", client_id, errstr, errstr_size) < 0)
        goto fail;
    if (type == RD_KAFKA_PRODUCER) {
        if (kl_set(conf, "acks", "all", errstr, errstr_size) < 0 ||
            kl_set(conf, "max.in.flight.requests.per.connection", "1", errstr, errstr_size) < 0 ||
            kl_set(conf, "enable.idempotence", "false", errstr, errstr_size) < 0 ||
            kl_set(conf, "partitioner", "murmur2_random", errstr, errstr_size) < 0 ||
            kl_set(conf, "message.timeout.ms", "2147483647", errstr, errstr_size) < 0)
            goto fail;
        rd_kafka_conf_set_dr_msg_cb(conf, kl_dr_cb);
    } else {
        const char *group = orig ? cd_properties_get(orig, "group.id") : NULL;
        if (!group || !*group)
            group = "connectd-kafka-based-log";
        if (kl_set(conf, "group.id", group, errstr, errstr_size) < 0 ||
            kl_set(conf, "enable.auto.commit", "false", errstr, errstr_size) < 0 ||
            kl_set(conf, "enable.auto.offset.store", "false", errstr, errstr_size) < 0 ||
            kl_set(conf, "auto.offset.reset", "earliest", errstr, errstr_size) < 0 ||
            kl_set(conf, "enable.partition.eof", "true", errstr, errstr_size) < 0 ||
            /* The log is read to its end while herders wait: a fetch parked at the
             * broker must not add librdkafka's 500 ms default to every round trip. */
            kl_set(conf, "fetch.wait.max.ms", "100", errstr, errstr_size) < 0)
            goto fail;
    }
    char rderr[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, rderr, sizeof(rderr));
    if (!rk) {
        snprintf(errstr, errstr_size, "Failed to construct kafka %s: %s",
                 type == RD_KAFKA_PRODUCER ? "producer" : "consumer", rderr);
        goto fail;
    }
    return rk;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

cd_kafka_log_t *cd_kafka_log_new(const cd_worker_config_t *wc, const cd_kafka_log_topic_t *topic,
                                 const char *client_id_suffix,
                                 const cd_properties_t *producer_overrides,
                                 const cd_properties_t *consumer_overrides, bool read_only,
                                 cd_kafka_log_consume_fn *consume, void *opaque, char *errstr,
                                 size_t errstr_size)
{
    if (!wc || !topic || !topic->name || !*topic->name || strlen(topic->name) > 249) {
        snprintf(errstr, errstr_size, "Invalid topic for the Kafka based log");
        return NULL;
    }
    cd_kafka_log_t *log = calloc(1, sizeof(*log));
    char *base = NULL, *client_id = NULL;
    if (!log)
        goto oom;
    pthread_mutex_init(&log->lock, NULL);
    pthread_cond_init(&log->cond, NULL);
    log->topic = strdup(topic->name);
    log->purpose = strdup(topic->purpose ? topic->purpose : "");
    log->settings = topic->settings ? cd_properties_copy(topic->settings) : cd_properties_new();
    if (!log->topic || !log->purpose || !log->settings)
        goto oom;
    log->want_partitions = topic->partitions;
    log->want_rf = topic->replication_factor;
    log->require_single_partition = topic->require_single_partition;
    log->read_only = read_only;
    log->consume = consume;
    log->opaque = opaque;
    const cd_properties_t *orig = cd_config_originals(cd_worker_config_values(wc));
    log->api_timeout_ms = kl_orig_long(orig, "default.api.timeout.ms", 60000);
    log->retry_backoff_ms = kl_orig_long(orig, "retry.backoff.ms", 100);
    if (log->retry_backoff_ms > 10000)
        log->retry_backoff_ms = 10000;

    base = cd_kafka_log_client_id_base(wc);
    if (!base)
        goto oom;
    size_t len = strlen(base) + strlen(client_id_suffix ? client_id_suffix : "") + 1;
    client_id = malloc(len);
    if (!client_id)
        goto oom;
    snprintf(client_id, len, "%s%s", base, client_id_suffix ? client_id_suffix : "");
    if (!read_only) {
        log->producer =
            kl_client(RD_KAFKA_PRODUCER, wc, producer_overrides, client_id, errstr, errstr_size);
        if (!log->producer)
            goto fail;
    }
    log->consumer =
        kl_client(RD_KAFKA_CONSUMER, wc, consumer_overrides, client_id, errstr, errstr_size);
    if (!log->consumer)
        goto fail;
    rd_kafka_poll_set_consumer(log->consumer);
    free(base);
    free(client_id);
    return log;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    free(base);
    free(client_id);
    cd_kafka_log_destroy(log);
    return NULL;
}

static bool kl_retriable(rd_kafka_resp_err_t err)
{
    switch (err) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__WAIT_COORD:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_CONTROLLER:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_THROTTLING_QUOTA_EXCEEDED:
        return true;
    default:
        return false;
    }
}

/* Waits for one admin result event of @p type. */
static rd_kafka_event_t *kl_admin_wait(rd_kafka_queue_t *q, rd_kafka_event_type_t type,
                                       int64_t timeout_ms)
{
    int64_t end = kl_now_ms() + timeout_ms;
    for (;;) {
        int64_t left = end - kl_now_ms();
        if (left <= 0)
            return NULL;
        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, (int)(left > 1000 ? 1000 : left));
        if (!ev)
            continue;
        if (rd_kafka_event_type(ev) == type)
            return ev;
        rd_kafka_event_destroy(ev);
    }
}

/* CreateTopics once. @returns 1 created, 0 existed, -2 retriable, -1 fatal. */
static int kl_create_once(cd_kafka_log_t *log, rd_kafka_queue_t *q, int64_t timeout_ms,
                          char *errstr, size_t errstr_size)
{
    char rderr[512];
    int rc = -1;
    rd_kafka_AdminOptions_t *opts = NULL;
    rd_kafka_event_t *ev = NULL;
    rd_kafka_NewTopic_t *nt =
        rd_kafka_NewTopic_new(log->topic, log->want_partitions, log->want_rf, rderr, sizeof(rderr));
    if (!nt) {
        snprintf(errstr, errstr_size, "Unable to create topic(s) '%s': %s", log->topic, rderr);
        return -1;
    }
    for (size_t i = 0; i < cd_properties_count(log->settings); i++) {
        const char *k = cd_properties_key_at(log->settings, i);
        if (strcmp(k, "cleanup.policy") == 0)
            continue;
        rd_kafka_NewTopic_set_config(nt, k, cd_properties_value_at(log->settings, i));
    }
    rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
    opts = rd_kafka_AdminOptions_new(log->consumer, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    int req_ms = (int)(timeout_ms > 30000 ? 30000 : (timeout_ms < 1000 ? 1000 : timeout_ms));
    rd_kafka_AdminOptions_set_request_timeout(opts, req_ms, rderr, sizeof(rderr));
    rd_kafka_AdminOptions_set_operation_timeout(opts, req_ms, rderr, sizeof(rderr));
    rd_kafka_CreateTopics(log->consumer, &nt, 1, opts, q);
    ev = kl_admin_wait(q, RD_KAFKA_EVENT_CREATETOPICS_RESULT, req_ms + 5000);
    if (!ev) {
        rc = -2;
        snprintf(errstr, errstr_size, "Timeout expired while trying to create topic(s)");
        goto done;
    }
    if (rd_kafka_event_error(ev)) {
        rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
        rc = kl_retriable(e) ? -2 : -1;
        snprintf(errstr, errstr_size, "Unable to create topic(s) '%s': %s", log->topic,
                 rd_kafka_event_error_string(ev));
        goto done;
    }
    size_t cnt = 0;
    const rd_kafka_topic_result_t **res =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
    if (cnt < 1) {
        rc = -2;
        snprintf(errstr, errstr_size, "Unable to create topic(s) '%s': no result", log->topic);
        goto done;
    }
    rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[0]);
    const char *es = rd_kafka_topic_result_error_string(res[0]);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
        cd_log_info(KL_LOGGER, "Created topic %s", log->topic);
        rc = 1;
    } else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        cd_log_debug(KL_LOGGER, "Found existing topic '%s'", log->topic);
        rc = 0;
    } else if (e == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
               e == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ||
               e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION) {
        cd_log_warn(KL_LOGGER,
                    "Not authorized to create topic(s) '%s'. Falling back to assume topic(s) "
                    "exist or will be auto-created by the broker.",
                    log->topic);
        rc = 0;
    } else {
        rc = kl_retriable(e) ? -2 : -1;
        snprintf(errstr, errstr_size, "Unable to create topic(s) '%s': %s", log->topic,
                 es ? es : rd_kafka_err2str(e));
    }
done:
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

/* TopicAdmin.verifyTopicCleanupPolicyOnlyCompact. */
static int kl_verify_compact(cd_kafka_log_t *log, rd_kafka_queue_t *q, char *errstr,
                             size_t errstr_size)
{
    char rderr[256];
    int rc = 0;
    char policy[512] = "";
    rd_kafka_ConfigResource_t *cr =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, log->topic);
    rd_kafka_AdminOptions_t *opts =
        rd_kafka_AdminOptions_new(log->consumer, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
    int req_ms = (int)(log->api_timeout_ms > 30000 ? 30000 : log->api_timeout_ms);
    if (req_ms < 1000)
        req_ms = 1000;
    rd_kafka_AdminOptions_set_request_timeout(opts, req_ms, rderr, sizeof(rderr));
    rd_kafka_DescribeConfigs(log->consumer, &cr, 1, opts, q);
    rd_kafka_event_t *ev = kl_admin_wait(q, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, req_ms + 5000);
    bool found = false;
    if (ev && !rd_kafka_event_error(ev)) {
        size_t n = 0;
        const rd_kafka_ConfigResource_t **rs = rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(ev), &n);
        if (n >= 1 && rd_kafka_ConfigResource_error(rs[0]) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            size_t ce = 0;
            const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(rs[0], &ce);
            for (size_t i = 0; i < ce; i++) {
                if (strcmp(rd_kafka_ConfigEntry_name(entries[i]), "cleanup.policy") == 0) {
                    const char *v = rd_kafka_ConfigEntry_value(entries[i]);
                    snprintf(policy, sizeof(policy), "%s", v ? v : "");
                    found = v != NULL;
                }
            }
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_ConfigResource_destroy(cr);
    /* Java: the set of comma-separated, trimmed, lower-cased policies. */
    char norm[512] = "";
    bool has_compact = false, has_other = false;
    size_t nlen = 0;
    for (char *save = NULL, *tok = strtok_r(policy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ' || *tok == '\t')
            tok++;
        size_t tl = strlen(tok);
        while (tl && (tok[tl - 1] == ' ' || tok[tl - 1] == '\t'))
            tok[--tl] = '\0';
        for (size_t i = 0; i < tl; i++)
            if (tok[i] >= 'A' && tok[i] <= 'Z')
                tok[i] = (char)(tok[i] - 'A' + 'a');
        if (!tl)
            continue;
        if (strcmp(tok, "compact") == 0)
            has_compact = true;
        else
            has_other = true;
        nlen += (size_t)snprintf(norm + nlen,
                                 sizeof(norm) - (nlen < sizeof(norm) ? nlen : sizeof(norm)), "%s%s",
                                 nlen ? "," : "", tok);
        if (nlen >= sizeof(norm))
            nlen = sizeof(norm) - 1;
    }
    if (!found || (!has_compact && !has_other)) {
        cd_log_info(KL_LOGGER,
                    "Unable to use admin client to verify the cleanup policy of '%s' topic is "
                    "'compact', either because the broker is an older version or because the "
                    "Kafka principal used for Connect internal topics does not have the required "
                    "permission to describe topic configurations.",
                    log->topic);
        return 0;
    }
    if (has_other || !has_compact) {
        const char *key, *phrase;
        kl_purpose_names(log->purpose, &key, &phrase);
        snprintf(errstr, errstr_size,
                 "Topic '%s' supplied via the '%s' property is required to have "
                 "'cleanup.policy=compact' to guarantee consistency and durability of %s, but "
                 "found the topic currently has 'cleanup.policy=%s'. Continuing would likely "
                 "result in eventually losing %s and problems restarting this Connect cluster in "
                 "the future. Change the '%s' property in the Connect worker configurations to "
                 "use a topic with 'cleanup.policy=compact'.",
                 log->topic, key, phrase, norm, phrase, key);
        rc = -1;
    }
    return rc;
}

static int kl_init_topic(cd_kafka_log_t *log, char *errstr, size_t errstr_size)
{
    rd_kafka_queue_t *q = rd_kafka_queue_new(log->consumer);
    int64_t end = kl_now_ms() + log->api_timeout_ms;
    int rc;
    for (;;) {
        int64_t left = end - kl_now_ms();
        rc = kl_create_once(log, q, left > 0 ? left : 1000, errstr, errstr_size);
        if (rc != -2)
            break;
        if (kl_now_ms() + log->retry_backoff_ms >= end) {
            snprintf(errstr, errstr_size, "Timeout expired while trying to create topic(s)");
            rc = -1;
            break;
        }
        cd_log_warn(KL_LOGGER, "'%s' topic creation failed due to '%s', retrying", log->topic,
                    errstr);
        struct timespec ts = {(time_t)(log->retry_backoff_ms / 1000),
                              (long)(log->retry_backoff_ms % 1000) * 1000000};
        nanosleep(&ts, NULL);
    }
    if (rc == 0)
        rc = kl_verify_compact(log, q, errstr, errstr_size);
    rd_kafka_queue_destroy(q);
    return rc < 0 ? -1 : 0;
}

/* partitionsFor with Java's retry: 100 ms doubling to 1 s, up to 30 s. */
static int32_t kl_partition_count(cd_kafka_log_t *log, char *errstr, size_t errstr_size)
{
    int64_t end = kl_now_ms() + KL_META_TIMEOUT_MS;
    int64_t backoff = 100;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(log->consumer, log->topic, NULL);
    int32_t n = -1;
    while (rkt) {
        const struct rd_kafka_metadata *md = NULL;
        rd_kafka_resp_err_t e = rd_kafka_metadata(log->consumer, 0, rkt, &md, 5000);
        if (!e && md && md->topic_cnt == 1 && !md->topics[0].err && md->topics[0].partition_cnt > 0)
            n = md->topics[0].partition_cnt;
        if (md)
            rd_kafka_metadata_destroy(md);
        if (n > 0 || kl_now_ms() >= end)
            break;
        struct timespec ts = {0, (long)backoff * 1000000};
        nanosleep(&ts, NULL);
        backoff = backoff * 2 > 1000 ? 1000 : backoff * 2;
    }
    if (rkt)
        rd_kafka_topic_destroy(rkt);
    if (n <= 0)
        snprintf(
            errstr, errstr_size,
            "Could not look up partition metadata for offset backing store topic in allotted "
            "period. This could indicate a connectivity issue, unavailable topic partitions, or "
            "if this is your first use of the topic it may have taken too long to create.");
    else if (n > KL_MAX_PARTITIONS) {
        snprintf(errstr, errstr_size, "Topic '%s' has too many partitions (%" PRId32 ")",
                 log->topic, n);
        n = -1;
    }
    return n;
}

static void *kl_thread(void *arg)
{
    cd_kafka_log_t *log = arg;
    for (;;) {
        pthread_mutex_lock(&log->lock);
        bool stop = log->stopping;
        pthread_mutex_unlock(&log->lock);
        if (stop)
            break;
        if (log->producer)
            rd_kafka_poll(log->producer, 0);
        rd_kafka_message_t *m = rd_kafka_consumer_poll(log->consumer, KL_POLL_MS);
        if (!m)
            continue;
        int32_t p = m->partition;
        bool ours = m->rkt && strcmp(rd_kafka_topic_name(m->rkt), log->topic) == 0 && p >= 0 &&
                    p < log->partitions;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (ours) {
                pthread_mutex_lock(&log->lock);
                if (m->offset > log->positions[p])
                    log->positions[p] = m->offset;
                pthread_cond_broadcast(&log->cond);
                pthread_mutex_unlock(&log->lock);
            }
        } else if (m->err) {
            cd_log_warn(KL_LOGGER, "Error polling topic %s: %s", log->topic,
                        rd_kafka_message_errstr(m));
        } else if (ours) {
            if (log->consume) {
                cd_kafka_log_record_t rec = {
                    .topic = log->topic,
                    .partition = p,
                    .offset = m->offset,
                    .key = m->key,
                    .key_len = m->key ? m->key_len : 0,
                    .value = m->payload,
                    .value_len = m->payload ? m->len : 0,
                };
                log->consume(log->opaque, &rec);
            }
            pthread_mutex_lock(&log->lock);
            if (m->offset + 1 > log->positions[p])
                log->positions[p] = m->offset + 1;
            pthread_cond_broadcast(&log->cond);
            pthread_mutex_unlock(&log->lock);
        }
        rd_kafka_message_destroy(m);
    }
    return NULL;
}

int cd_kafka_log_start(cd_kafka_log_t *log, char *errstr, size_t errstr_size)
{
    if (kl_init_topic(log, errstr, errstr_size) < 0)
        return -1;
    int32_t n = kl_partition_count(log, errstr, errstr_size);
    if (n <= 0)
        return -1;
    if (log->require_single_partition && n > 1) {
        const char *key, *phrase;
        kl_purpose_names(log->purpose, &key, &phrase);
        snprintf(errstr, errstr_size,
                 "Topic '%s' supplied via the '%s' property is required to have a single partition "
                 "in order to guarantee consistency of connector configurations, but found %" PRId32
                 " partitions.",
                 log->topic, key, n);
        return -1;
    }
    log->positions = calloc((size_t)n, sizeof(*log->positions));
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(n);
    if (!log->positions || !parts) {
        if (parts)
            rd_kafka_topic_partition_list_destroy(parts);
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    log->partitions = n;
    for (int32_t i = 0; i < n; i++)
        rd_kafka_topic_partition_list_add(parts, log->topic, i)->offset = RD_KAFKA_OFFSET_BEGINNING;
    rd_kafka_resp_err_t e = rd_kafka_assign(log->consumer, parts);
    rd_kafka_topic_partition_list_destroy(parts);
    if (e) {
        snprintf(errstr, errstr_size, "Failed to assign partitions of topic %s: %s", log->topic,
                 rd_kafka_err2str(e));
        return -1;
    }
    if (pthread_create(&log->thread, NULL, kl_thread, log) != 0) {
        snprintf(errstr, errstr_size, "Failed to start the KafkaBasedLog work thread");
        return -1;
    }
    log->thread_started = true;
    /* Java retries the first end-offset read for up to 15 min; bound it by the API timeout. */
    int64_t timeout = log->api_timeout_ms > 120000 ? log->api_timeout_ms : 120000;
    if (cd_kafka_log_read_to_end(log, timeout, errstr, errstr_size) < 0)
        return -1;
    return 0;
}

int cd_kafka_log_flush(cd_kafka_log_t *log, int64_t timeout_ms)
{
    if (!log || !log->producer)
        return 0;
    if (timeout_ms > INT32_MAX)
        timeout_ms = INT32_MAX;
    return rd_kafka_flush(log->producer, (int)(timeout_ms < 0 ? 0 : timeout_ms)) ? -1 : 0;
}

int cd_kafka_log_read_to_end(cd_kafka_log_t *log, int64_t timeout_ms, char *errstr,
                             size_t errstr_size)
{
    int64_t end = kl_now_ms() + timeout_ms;
    if (!log->thread_started) {
        snprintf(errstr, errstr_size, "The Kafka based log for topic %s is not started",
                 log->topic);
        return -1;
    }
    if (log->producer && cd_kafka_log_flush(log, timeout_ms) < 0) {
        snprintf(errstr, errstr_size, "Timed out while flushing the producer of topic '%s'",
                 log->topic);
        return -1;
    }
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(log->partitions);
    if (!parts) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR__TIMED_OUT;
    for (;;) {
        rd_kafka_topic_partition_list_destroy(parts);
        parts = rd_kafka_topic_partition_list_new(log->partitions);
        if (!parts) {
            snprintf(errstr, errstr_size, "Out of memory");
            return -1;
        }
        for (int32_t i = 0; i < log->partitions; i++)
            rd_kafka_topic_partition_list_add(parts, log->topic, i)->offset = RD_KAFKA_OFFSET_END;
        int64_t left = end - kl_now_ms();
        if (left <= 0)
            break;
        e = rd_kafka_offsets_for_times(log->consumer, parts, (int)(left > 30000 ? 30000 : left));
        for (int i = 0; !e && i < parts->cnt; i++)
            if (parts->elems[i].err)
                e = parts->elems[i].err;
        if (!e || !kl_retriable(e))
            break;
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (e) {
        rd_kafka_topic_partition_list_destroy(parts);
        snprintf(errstr, errstr_size,
                 "Timed out while waiting to get end offsets for topic '%s' on brokers: %s",
                 log->topic, rd_kafka_err2str(e));
        return -1;
    }
    int rc = 0;
    pthread_mutex_lock(&log->lock);
    for (int i = 0; i < parts->cnt; i++) {
        int32_t p = parts->elems[i].partition;
        int64_t want = parts->elems[i].offset;
        if (p < 0 || p >= log->partitions || want < 0)
            continue;
        while (log->positions[p] < want && !log->stopping) {
            int64_t left = end - kl_now_ms();
            if (left <= 0) {
                rc = -1;
                break;
            }
            struct timespec ts;
            kl_deadline(&ts, left);
            pthread_cond_timedwait(&log->cond, &log->lock, &ts);
        }
        if (rc < 0 || log->stopping) {
            snprintf(errstr, errstr_size,
                     "Timed out while reading topic '%s' to the end (partition %" PRId32
                     " at %" PRId64 " of %" PRId64 ")",
                     log->topic, p, log->positions[p], want);
            rc = -1;
            break;
        }
    }
    pthread_mutex_unlock(&log->lock);
    rd_kafka_topic_partition_list_destroy(parts);
    return rc;
}

static int kl_produce(cd_kafka_log_t *log, const uint8_t *key, size_t key_len, const uint8_t *value,
                      size_t value_len, kl_msg_t *msg, char *errstr, size_t errstr_size)
{
    if (!log->producer) {
        snprintf(errstr, errstr_size, "This Kafka based log is read-only");
        free(msg);
        return -1;
    }
    rd_kafka_resp_err_t e = rd_kafka_producev(
        log->producer, RD_KAFKA_V_TOPIC(log->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY((void *)key, key ? key_len : 0),
        RD_KAFKA_V_VALUE((void *)value, value ? value_len : 0), RD_KAFKA_V_OPAQUE(msg),
        RD_KAFKA_V_END);
    if (e) {
        snprintf(errstr, errstr_size, "Failed to send record to topic '%s': %s", log->topic,
                 rd_kafka_err2str(e));
        free(msg);
        return -1;
    }
    return 0;
}

int cd_kafka_log_send(cd_kafka_log_t *log, const uint8_t *key, size_t key_len, const uint8_t *value,
                      size_t value_len, cd_kafka_log_sent_fn *sent, void *sent_opaque, char *errstr,
                      size_t errstr_size)
{
    kl_msg_t *msg = calloc(1, sizeof(*msg));
    if (!msg) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    msg->sent = sent;
    msg->sent_opaque = sent_opaque;
    return kl_produce(log, key, key_len, value, value_len, msg, errstr, errstr_size);
}

int cd_kafka_log_send_sync(cd_kafka_log_t *log, const cd_kafka_log_entry_t *entries, size_t count,
                           int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    kl_sync_t *s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        kl_msg_t *msg = calloc(1, sizeof(*msg));
        if (!msg) {
            snprintf(errstr, errstr_size, "Out of memory");
            rc = -1;
            break;
        }
        msg->sync = s;
        pthread_mutex_lock(&s->lock);
        s->pending++;
        pthread_mutex_unlock(&s->lock);
        if (kl_produce(log, entries[i].key, entries[i].key_len, entries[i].value,
                       entries[i].value_len, msg, errstr, errstr_size) < 0) {
            pthread_mutex_lock(&s->lock);
            s->pending--;
            pthread_mutex_unlock(&s->lock);
            rc = -1;
            break;
        }
    }
    /* Wait for the reports of what was queued (also after a failure: they reference s). */
    int64_t end = kl_now_ms() + timeout_ms;
    bool timed_out = false;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        size_t pending = s->pending;
        pthread_mutex_unlock(&s->lock);
        if (!pending)
            break;
        if (kl_now_ms() >= end) {
            if (!timed_out) {
                timed_out = true;
                /* The reports still reference s: purge what is queued, then wait for them. */
                rd_kafka_purge(log->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
                end = kl_now_ms() + 30000;
                continue;
            }
            /* Should not happen after a purge; leak s rather than risk a use after free. */
            snprintf(errstr, errstr_size, "Timed out waiting for records to be acknowledged");
            return -1;
        }
        rd_kafka_poll(log->producer, 50);
    }
    if (rc == 0 && timed_out) {
        snprintf(errstr, errstr_size, "Timed out waiting for records to be written to topic '%s'",
                 log->topic);
        rc = -1;
    } else if (rc == 0 && s->failed) {
        snprintf(errstr, errstr_size, "Failed to write to topic '%s': %s", log->topic, s->err);
        rc = -1;
    }
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    free(s);
    return rc;
}

int32_t cd_kafka_log_partitions(const cd_kafka_log_t *log)
{
    return log ? log->partitions : 0;
}

void cd_kafka_log_destroy(cd_kafka_log_t *log)
{
    if (!log)
        return;
    if (log->thread_started) {
        pthread_mutex_lock(&log->lock);
        log->stopping = true;
        pthread_cond_broadcast(&log->cond);
        pthread_mutex_unlock(&log->lock);
        pthread_join(log->thread, NULL);
    }
    if (log->producer) {
        if (rd_kafka_flush(log->producer, 10000))
            cd_log_warn(KL_LOGGER, "Failed to flush all records to topic %s before closing",
                        log->topic);
        rd_kafka_purge(log->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(log->producer, 0);
        rd_kafka_destroy(log->producer);
    }
    if (log->consumer) {
        rd_kafka_consumer_close(log->consumer);
        rd_kafka_destroy(log->consumer);
    }
    pthread_mutex_destroy(&log->lock);
    pthread_cond_destroy(&log->cond);
    cd_properties_destroy(log->settings);
    free(log->positions);
    free(log->topic);
    free(log->purpose);
    free(log);
}
