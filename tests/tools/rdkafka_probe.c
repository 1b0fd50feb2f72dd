/*
 * rdkafka_probe: exercises the system librdkafka (Debian 12: 2.0.2) against a
 * real broker, one feature per subcommand, so the integration tests can prove
 * which features connectd can rely on.
 *
 *   rdkafka_probe <subcommand> -b <bootstrap> -t <topic> [-g <group>]
 *                 [-n <count>] [-p <partitions>] [-T <timeout ms>]
 *
 *   idempotent     enable.idempotence=true, produce -n messages, all delivered
 *   transactional  commit a transaction of -n messages ("committed-<i>"), then
 *                  abort one of -n messages ("aborted-<i>")
 *   group          produce -n messages, consume them in consumer group -g,
 *                  commit, read the committed offsets back (sum must be -n)
 *   compacted      CreateTopics (-p partitions, cleanup.policy=compact), then
 *                  DescribeConfigs must report cleanup.policy=compact
 *   murmur2        produce keys "key-<i>" with partitioner=murmur2_random and
 *                  print "key-<i> <partition>" per message (topic must exist)
 *
 * Exit status 0 on success, 1 on failure, 2 on usage errors. Every wait is
 * bounded by -T (default 30000 ms).
 */
#include <librdkafka/rdkafka.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROBE_KEY_MAX 64
#define PROBE_VALUE_MAX 64

struct probe_opts {
    const char *command;
    const char *bootstrap;
    const char *topic;
    const char *group;
    int count;
    int partitions;
    int timeout_ms;
};

/* Delivery-report bookkeeping shared by the producing subcommands. */
struct delivery_stats {
    int delivered;
    int failed;
    int *partition_of; /* optional: partition per message index */
    int count;
};

static void fail_msg(const struct probe_opts *o, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: FAIL: ", o->command);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    struct delivery_stats *stats = opaque;
    intptr_t index = (intptr_t)m->_private;

    (void)rk;
    if (m->err) {
        stats->failed++;
        fprintf(stderr, "delivery failed: %s\n", rd_kafka_err2str(m->err));
        return;
    }
    stats->delivered++;
    if (stats->partition_of && index >= 0 && index < stats->count)
        stats->partition_of[index] = (int)m->partition;
}

/* Builds a conf from bootstrap + NULL-terminated key/value pairs. */
static rd_kafka_conf_t *make_conf(const struct probe_opts *o, const char *const *pairs)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    size_t i;

    if (rd_kafka_conf_set(conf, "bootstrap.servers", o->bootstrap, errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK)
        goto fail;
    for (i = 0; pairs && pairs[i]; i += 2) {
        if (rd_kafka_conf_set(conf, pairs[i], pairs[i + 1], errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK)
            goto fail;
    }
    return conf;
fail:
    fail_msg(o, "config: %s", errstr);
    rd_kafka_conf_destroy(conf);
    return NULL;
}

static rd_kafka_t *make_client(const struct probe_opts *o, rd_kafka_type_t type,
                               const char *const *pairs, struct delivery_stats *stats)
{
    char errstr[512];
    rd_kafka_conf_t *conf = make_conf(o, pairs);
    rd_kafka_t *rk;

    if (!conf)
        return NULL;
    if (stats) {
        rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
        rd_kafka_conf_set_opaque(conf, stats);
    }
    rk = rd_kafka_new(type, conf, errstr, sizeof(errstr));
    if (!rk) {
        fail_msg(o, "rd_kafka_new: %s", errstr);
        rd_kafka_conf_destroy(conf);
    }
    return rk;
}

/* Produces messages [first, first+count) with "<prefix>-<i>" values. */
static int produce_range(const struct probe_opts *o, rd_kafka_t *rk, const char *key_prefix,
                         const char *value_prefix, int first, int count)
{
    char key[PROBE_KEY_MAX], value[PROBE_VALUE_MAX];
    rd_kafka_resp_err_t err;
    int i;

    for (i = first; i < first + count; i++) {
        snprintf(key, sizeof(key), "%s-%d", key_prefix, i);
        snprintf(value, sizeof(value), "%s-%d", value_prefix, i);
        err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_KEY(key, strlen(key)),
                                RD_KAFKA_V_VALUE(value, strlen(value)),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_OPAQUE((void *)(intptr_t)i), RD_KAFKA_V_END);
        if (err) {
            fail_msg(o, "produce %s: %s", key, rd_kafka_err2str(err));
            return -1;
        }
        rd_kafka_poll(rk, 0);
    }
    return 0;
}

static int flush_all(const struct probe_opts *o, rd_kafka_t *rk)
{
    rd_kafka_resp_err_t err = rd_kafka_flush(rk, o->timeout_ms);

    if (err) {
        fail_msg(o, "flush: %s (%d still queued)", rd_kafka_err2str(err), rd_kafka_outq_len(rk));
        return -1;
    }
    return 0;
}

static int check_fatal(const struct probe_opts *o, rd_kafka_t *rk)
{
    char errstr[512];
    rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk, errstr, sizeof(errstr));

    if (err) {
        fail_msg(o, "fatal error %s: %s", rd_kafka_err2name(err), errstr);
        return -1;
    }
    return 0;
}

static int cmd_idempotent(const struct probe_opts *o)
{
    static const char *const conf[] = {"enable.idempotence", "true", "acks", "all", NULL};
    struct delivery_stats stats = {0};
    rd_kafka_t *rk = make_client(o, RD_KAFKA_PRODUCER, conf, &stats);
    int rc = 1;

    if (!rk)
        return 1;
    if (produce_range(o, rk, "key", "idempotent", 0, o->count) || flush_all(o, rk) ||
        check_fatal(o, rk))
        goto fail;
    if (stats.delivered != o->count || stats.failed) {
        fail_msg(o, "delivered %d/%d, failed %d", stats.delivered, o->count, stats.failed);
        goto fail;
    }
    printf("idempotent: OK delivered %d/%d to %s\n", stats.delivered, o->count, o->topic);
    rc = 0;
fail:
    rd_kafka_destroy(rk);
    return rc;
}

/* Consumes and reports an rd_kafka_error_t; returns -1 if there was one. */
static int txn_check(const struct probe_opts *o, const char *step, rd_kafka_error_t *error)
{
    if (!error)
        return 0;
    fail_msg(o, "%s: %s (%s)%s%s", step, rd_kafka_error_string(error), rd_kafka_error_name(error),
             rd_kafka_error_is_retriable(error) ? " retriable" : "",
             rd_kafka_error_txn_requires_abort(error) ? " requires-abort" : "");
    rd_kafka_error_destroy(error);
    return -1;
}

static int cmd_transactional(const struct probe_opts *o)
{
    char txn_id[256];
    const char *conf[] = {"transactional.id", txn_id, "acks", "all", NULL};
    struct delivery_stats stats = {0};
    rd_kafka_t *rk;
    int rc = 1;

    snprintf(txn_id, sizeof(txn_id), "rdkafka-probe-%s", o->topic);
    rk = make_client(o, RD_KAFKA_PRODUCER, conf, &stats);
    if (!rk)
        return 1;
    if (txn_check(o, "init_transactions", rd_kafka_init_transactions(rk, o->timeout_ms)))
        goto fail;

    if (txn_check(o, "begin_transaction (commit)", rd_kafka_begin_transaction(rk)) ||
        produce_range(o, rk, "key", "committed", 0, o->count) ||
        txn_check(o, "commit_transaction", rd_kafka_commit_transaction(rk, o->timeout_ms)))
        goto fail;
    printf("transactional: committed %d messages (delivered %d)\n", o->count, stats.delivered);

    if (txn_check(o, "begin_transaction (abort)", rd_kafka_begin_transaction(rk)) ||
        produce_range(o, rk, "key", "aborted", 0, o->count) || flush_all(o, rk) ||
        txn_check(o, "abort_transaction", rd_kafka_abort_transaction(rk, o->timeout_ms)))
        goto fail;
    printf("transactional: aborted %d messages\n", o->count);

    if (check_fatal(o, rk))
        goto fail;
    printf("transactional: OK transactional.id=%s topic=%s\n", txn_id, o->topic);
    rc = 0;
fail:
    rd_kafka_destroy(rk);
    return rc;
}

/* Consumes `count` messages; returns the number consumed or -1. */
static int consume_count(const struct probe_opts *o, rd_kafka_t *rk, int count)
{
    int64_t deadline = now_ms() + o->timeout_ms;
    int got = 0;

    while (got < count && now_ms() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 200);

        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->err) {
            fail_msg(o, "consume: %s", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            return -1;
        }
        got++;
        rd_kafka_message_destroy(m);
    }
    return got;
}

static int cmd_group(const struct probe_opts *o)
{
    static const char *const producer_conf[] = {"acks", "all", NULL};
    const char *consumer_conf[] = {
        "group.id", o->group, "auto.offset.reset", "earliest", "enable.auto.commit", "false", NULL};
    struct delivery_stats stats = {0};
    rd_kafka_topic_partition_list_t *topics = NULL, *assignment = NULL;
    rd_kafka_t *producer = NULL, *consumer = NULL;
    rd_kafka_resp_err_t err;
    int64_t committed_sum = 0;
    int consumed, i, rc = 1;

    producer = make_client(o, RD_KAFKA_PRODUCER, producer_conf, &stats);
    if (!producer)
        goto fail;
    if (produce_range(o, producer, "key", "group", 0, o->count) || flush_all(o, producer))
        goto fail;
    if (stats.delivered != o->count) {
        fail_msg(o, "delivered %d/%d", stats.delivered, o->count);
        goto fail;
    }

    consumer = make_client(o, RD_KAFKA_CONSUMER, consumer_conf, NULL);
    if (!consumer)
        goto fail;
    rd_kafka_poll_set_consumer(consumer);
    topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, o->topic, RD_KAFKA_PARTITION_UA);
    err = rd_kafka_subscribe(consumer, topics);
    if (err) {
        fail_msg(o, "subscribe: %s", rd_kafka_err2str(err));
        goto fail;
    }
    consumed = consume_count(o, consumer, o->count);
    if (consumed != o->count) {
        fail_msg(o, "consumed %d/%d within %d ms", consumed, o->count, o->timeout_ms);
        goto fail;
    }
    printf("group: consumed %d messages in group %s\n", consumed, o->group);

    err = rd_kafka_commit(consumer, NULL, 0 /* sync */);
    if (err) {
        fail_msg(o, "commit: %s", rd_kafka_err2str(err));
        goto fail;
    }
    err = rd_kafka_assignment(consumer, &assignment);
    if (err || !assignment || assignment->cnt == 0) {
        fail_msg(o, "assignment: %s", err ? rd_kafka_err2str(err) : "empty");
        goto fail;
    }
    err = rd_kafka_committed(consumer, assignment, o->timeout_ms);
    if (err) {
        fail_msg(o, "committed: %s", rd_kafka_err2str(err));
        goto fail;
    }
    for (i = 0; i < assignment->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &assignment->elems[i];

        if (p->err) {
            fail_msg(o, "committed %s[%" PRId32 "]: %s", p->topic, p->partition,
                     rd_kafka_err2str(p->err));
            goto fail;
        }
        printf("group: committed %s[%" PRId32 "] offset %" PRId64 "\n", p->topic, p->partition,
               p->offset);
        if (p->offset > 0)
            committed_sum += p->offset;
    }
    if (committed_sum != o->count) {
        fail_msg(o, "committed offsets sum to %" PRId64 ", expected %d", committed_sum, o->count);
        goto fail;
    }
    printf("group: OK group=%s committed=%" PRId64 "\n", o->group, committed_sum);
    rc = 0;
fail:
    if (assignment)
        rd_kafka_topic_partition_list_destroy(assignment);
    if (topics)
        rd_kafka_topic_partition_list_destroy(topics);
    if (consumer) {
        rd_kafka_consumer_close(consumer);
        rd_kafka_destroy(consumer);
    }
    if (producer)
        rd_kafka_destroy(producer);
    return rc;
}

/* Waits for an admin result event of `type` on `queue` (bounded). */
static rd_kafka_event_t *wait_admin_event(const struct probe_opts *o, rd_kafka_queue_t *queue,
                                          rd_kafka_event_type_t type)
{
    rd_kafka_event_t *ev = rd_kafka_queue_poll(queue, o->timeout_ms + 5000);

    if (!ev) {
        fail_msg(o, "no admin result within %d ms", o->timeout_ms + 5000);
        return NULL;
    }
    if (rd_kafka_event_type(ev) != type) {
        fail_msg(o, "unexpected admin event %s", rd_kafka_event_name(ev));
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    if (rd_kafka_event_error(ev)) {
        fail_msg(o, "%s: %s", rd_kafka_event_name(ev), rd_kafka_event_error_string(ev));
        rd_kafka_event_destroy(ev);
        return NULL;
    }
    return ev;
}

static int create_compacted_topic(const struct probe_opts *o, rd_kafka_t *rk,
                                  rd_kafka_queue_t *queue)
{
    char errstr[512];
    rd_kafka_NewTopic_t *topic = NULL;
    rd_kafka_AdminOptions_t *options = NULL;
    rd_kafka_event_t *ev = NULL;
    const rd_kafka_topic_result_t **results;
    size_t n;
    int rc = -1;

    topic = rd_kafka_NewTopic_new(o->topic, o->partitions, 1, errstr, sizeof(errstr));
    if (!topic) {
        fail_msg(o, "NewTopic: %s", errstr);
        goto fail;
    }
    if (rd_kafka_NewTopic_set_config(topic, "cleanup.policy", "compact")) {
        fail_msg(o, "NewTopic_set_config failed");
        goto fail;
    }
    options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    if (rd_kafka_AdminOptions_set_operation_timeout(options, o->timeout_ms, errstr,
                                                    sizeof(errstr)) ||
        rd_kafka_AdminOptions_set_request_timeout(options, o->timeout_ms, errstr, sizeof(errstr))) {
        fail_msg(o, "AdminOptions: %s", errstr);
        goto fail;
    }
    rd_kafka_CreateTopics(rk, &topic, 1, options, queue);
    ev = wait_admin_event(o, queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT);
    if (!ev)
        goto fail;
    results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    if (n != 1 || rd_kafka_topic_result_error(results[0])) {
        fail_msg(o, "CreateTopics %s: %s", o->topic,
                 n == 1 ? rd_kafka_topic_result_error_string(results[0]) : "no result");
        goto fail;
    }
    printf("compacted: created %s partitions=%d cleanup.policy=compact\n", o->topic, o->partitions);
    rc = 0;
fail:
    if (ev)
        rd_kafka_event_destroy(ev);
    if (options)
        rd_kafka_AdminOptions_destroy(options);
    if (topic)
        rd_kafka_NewTopic_destroy(topic);
    return rc;
}

/*
 * DescribeConfigs for the topic; copies cleanup.policy into `policy`.
 * Returns 0 when read, 1 when the broker does not know the topic yet, -1 on error.
 */
static int describe_cleanup_policy(const struct probe_opts *o, rd_kafka_t *rk,
                                   rd_kafka_queue_t *queue, char *policy, size_t policy_size)
{
    rd_kafka_ConfigResource_t *resource;
    rd_kafka_event_t *ev;
    const rd_kafka_ConfigResource_t **resources;
    const rd_kafka_ConfigEntry_t **entries;
    size_t n, n_entries, i;
    int rc = -1;

    resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, o->topic);
    rd_kafka_DescribeConfigs(rk, &resource, 1, NULL, queue);
    rd_kafka_ConfigResource_destroy(resource);
    ev = wait_admin_event(o, queue, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT);
    if (!ev)
        return -1;
    resources =
        rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
    if (n != 1) {
        fail_msg(o, "DescribeConfigs returned %zu resources", n);
        goto done;
    }
    if (rd_kafka_ConfigResource_error(resources[0]) == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        rc = 1;
        goto done;
    }
    if (rd_kafka_ConfigResource_error(resources[0])) {
        fail_msg(o, "DescribeConfigs %s: %s", o->topic,
                 rd_kafka_ConfigResource_error_string(resources[0]));
        goto done;
    }
    entries = rd_kafka_ConfigResource_configs(resources[0], &n_entries);
    for (i = 0; i < n_entries; i++) {
        const char *value = rd_kafka_ConfigEntry_value(entries[i]);

        if (strcmp(rd_kafka_ConfigEntry_name(entries[i]), "cleanup.policy") == 0) {
            snprintf(policy, policy_size, "%s", value ? value : "");
            rc = 0;
            goto done;
        }
    }
    fail_msg(o, "DescribeConfigs: no cleanup.policy among %zu entries", n_entries);
done:
    rd_kafka_event_destroy(ev);
    return rc;
}

static int cmd_compacted(const struct probe_opts *o)
{
    rd_kafka_t *rk = make_client(o, RD_KAFKA_PRODUCER, NULL, NULL);
    rd_kafka_queue_t *queue = NULL;
    int64_t deadline = now_ms() + o->timeout_ms;
    char policy[64] = "";
    int rc = 1, found;

    if (!rk)
        return 1;
    queue = rd_kafka_queue_new(rk);
    if (create_compacted_topic(o, rk, queue))
        goto fail;
    /* The topic may take a moment to reach the broker's metadata cache. */
    while ((found = describe_cleanup_policy(o, rk, queue, policy, sizeof(policy))) == 1 &&
           now_ms() < deadline)
        sleep_ms(100);
    if (found != 0) {
        if (found == 1)
            fail_msg(o, "DescribeConfigs: topic %s unknown after %d ms", o->topic, o->timeout_ms);
        goto fail;
    }
    printf("compacted: DescribeConfigs %s cleanup.policy=%s\n", o->topic, policy);
    if (strcmp(policy, "compact") != 0) {
        fail_msg(o, "cleanup.policy is '%s', expected 'compact'", policy);
        goto fail;
    }
    printf("compacted: OK\n");
    rc = 0;
fail:
    if (queue)
        rd_kafka_queue_destroy(queue);
    rd_kafka_destroy(rk);
    return rc;
}

static int cmd_murmur2(const struct probe_opts *o)
{
    static const char *const conf[] = {"partitioner", "murmur2_random", "acks", "all", NULL};
    struct delivery_stats stats = {0};
    rd_kafka_t *rk = NULL;
    int i, rc = 1;

    stats.count = o->count;
    stats.partition_of = calloc((size_t)o->count, sizeof(int));
    if (!stats.partition_of) {
        fail_msg(o, "out of memory");
        return 1;
    }
    rk = make_client(o, RD_KAFKA_PRODUCER, conf, &stats);
    if (!rk)
        goto fail;
    if (produce_range(o, rk, "key", "murmur2", 0, o->count) || flush_all(o, rk))
        goto fail;
    if (stats.delivered != o->count) {
        fail_msg(o, "delivered %d/%d", stats.delivered, o->count);
        goto fail;
    }
    for (i = 0; i < o->count; i++)
        printf("key-%d %d\n", i, stats.partition_of[i]);
    printf("murmur2: OK %d keys\n", o->count);
    rc = 0;
fail:
    if (rk)
        rd_kafka_destroy(rk);
    free(stats.partition_of);
    return rc;
}

struct probe_command {
    const char *name;
    int (*run)(const struct probe_opts *o);
    int needs_group;
};

/* clang-format off */
static const struct probe_command commands[] = {
    {"idempotent",    cmd_idempotent,    0},
    {"transactional", cmd_transactional, 0},
    {"group",         cmd_group,         1},
    {"compacted",     cmd_compacted,     0},
    {"murmur2",       cmd_murmur2,       0},
};
/* clang-format on */

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: rdkafka_probe <subcommand> -b bootstrap -t topic "
                 "[-g group] [-n count] [-p partitions] [-T timeout_ms]\n"
                 "subcommands:");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, " %s", commands[i].name);
    fprintf(out, "\nlibrdkafka %s\n", rd_kafka_version_str());
}

static int parse_int(const char *s, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (*s == '\0' || *end != '\0' || v <= 0 || v > 1000000)
        return -1;
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    struct probe_opts o = {.count = 10, .partitions = 1, .timeout_ms = 30000};
    const struct probe_command *cmd = NULL;
    size_t i;
    int c;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "unknown subcommand '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    o.command = cmd->name;
    optind = 2;
    while ((c = getopt(argc, argv, "b:t:g:n:p:T:")) != -1) {
        switch (c) {
        case 'b':
            o.bootstrap = optarg;
            break;
        case 't':
            o.topic = optarg;
            break;
        case 'g':
            o.group = optarg;
            break;
        case 'n':
        case 'p':
        case 'T':
            if (parse_int(optarg, c == 'n' ? &o.count : c == 'p' ? &o.partitions : &o.timeout_ms)) {
                fprintf(stderr, "-%c: bad number '%s'\n", c, optarg);
                return 2;
            }
            break;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!o.bootstrap || !o.topic || (cmd->needs_group && !o.group)) {
        fprintf(stderr, "%s: -b and -t are required%s\n", cmd->name,
                cmd->needs_group ? ", and -g" : "");
        return 2;
    }
    printf("%s: librdkafka %s, bootstrap %s, topic %s\n", cmd->name, rd_kafka_version_str(),
           o.bootstrap, o.topic);
    fflush(stdout);
    c = cmd->run(&o);
    fflush(stdout);
    return c ? 1 : 0;
}
