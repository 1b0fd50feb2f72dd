/*
 * worker_task_driver.c: runs a real source task and a real sink task of the
 * worker runtime against a Kafka broker (argv[1] = bootstrap), with small
 * in-file test plugins. Written while the status store, offset store
 * serializers, worker config, plugins and log modules were still being
 * written by other helpers: those are replaced here by WEAK minimal stand-ins
 * (a real implementation linked in wins). It is kept out of tests/tools (not
 * built by CMake) until those modules land; build it by hand:
 *
 *   cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. -Iinclude -Ibuild/generated \
 *      tests/manual/worker_task_driver.c build/libconnectd_core.a -lrdkafka -ljansson -lcrypto -lm
 * \ -lpthread -o build/worker_task_driver && build/worker_task_driver 127.0.0.1:9092
 *
 * Checks: 100 source records reach Kafka in a topic created with the
 * topic.creation.default.* settings, every record is acknowledged through
 * commit_record, the newest acknowledged offset is written to the offset
 * store and commit() is called; a sink task in group connect-<name> reads the
 * 100 records back, a CD_TASK_RETRIABLE put is redelivered, and both tasks
 * end UNASSIGNED after a graceful stop.
 */
#include "util/log.h"
#include "util/properties.h"
#include "worker/plugins.h"
#include "worker/worker_internal.h"

#include <librdkafka/rdkafka.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define N_RECORDS 100

/* ---------------- weak stand-ins for modules being written elsewhere ---------------- */

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static cd_state_t g_state[2] = {CD_STATE_DESTROYED, CD_STATE_DESTROYED};
static cd_properties_t *g_worker_props;

__attribute__((weak)) void cd_log(const char *logger, cd_log_level_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%d] %s: ", (int)level, logger);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

__attribute__((weak)) void cd_status_store_put(cd_status_store_t *store, const char *connector,
                                               int task, cd_state_t state, const char *trace,
                                               const char *worker_id, int64_t generation)
{
    (void)store;
    printf("status %s/%d -> %d %s\n", connector, task, (int)state, trace ? trace : "");
    pthread_mutex_lock(&g_lock);
    if (task >= 0 && task < 2)
        g_state[strcmp(connector, "src") == 0 ? 0 : 1] = state;
    pthread_mutex_unlock(&g_lock);
}

__attribute__((weak)) void cd_status_store_put_topic(cd_status_store_t *store,
                                                     const char *connector, const char *topic)
{
    printf("active topic %s: %s\n", connector, topic);
}

__attribute__((weak)) int cd_kafka_conf_apply_java(rd_kafka_conf_t *conf,
                                                   const cd_properties_t *props, char *errstr,
                                                   size_t errstr_size)
{
    for (size_t i = 0; i < cd_properties_count(props); i++) {
        const char *k = cd_properties_key_at(props, i);
        if (strcmp(k, "key.converter") == 0 || strcmp(k, "value.converter") == 0)
            continue;
        if (rd_kafka_conf_set(conf, k, cd_properties_value_at(props, i), errstr, errstr_size) !=
            RD_KAFKA_CONF_OK)
            return -1;
    }
    return 0;
}

__attribute__((weak)) int cd_offset_key_serialize(const char *connector,
                                                  const cd_value_t *partition, uint8_t **out,
                                                  size_t *out_len, char *errstr, size_t errstr_size)
{
    const cd_value_t *f = partition ? cd_value_map_get_str(partition, "file") : NULL;
    char buf[256];
    int n = snprintf(buf, sizeof(buf), "[\"%s\",{\"file\":\"%s\"}]", connector,
                     f ? cd_value_string(f, NULL) : "");
    *out = (uint8_t *)strdup(buf);
    *out_len = (size_t)n;
    return 0;
}

__attribute__((weak)) int cd_offset_value_serialize(const cd_value_t *offset, uint8_t **out,
                                                    size_t *out_len, char *errstr,
                                                    size_t errstr_size)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "{\"position\":%lld}",
                     (long long)cd_value_int64(cd_value_map_get_str(offset, "position")));
    *out = (uint8_t *)strdup(buf);
    *out_len = (size_t)n;
    return 0;
}

__attribute__((weak)) cd_value_t *
cd_offset_store_read(cd_offset_store_t *store, const char *connector, const cd_value_t *partition)
{
    return NULL;
}

__attribute__((weak)) const cd_config_t *cd_worker_config_values(const cd_worker_config_t *wc)
{
    return (const cd_config_t *)wc;
}
__attribute__((weak)) const cd_properties_t *cd_config_originals(const cd_config_t *config)
{
    return g_worker_props;
}
__attribute__((weak)) const cd_config_value_t *cd_config_get(const cd_config_t *config,
                                                             const char *name)
{
    static cd_config_value_t interval = {.type = CD_CONFIG_LONG, .i = 500};
    static cd_config_value_t timeout = {.type = CD_CONFIG_LONG, .i = 5000};
    static cd_config_value_t enable = {.type = CD_CONFIG_BOOLEAN, .b = true};
    if (strcmp(name, "offset.flush.interval.ms") == 0)
        return &interval;
    if (strcmp(name, "topic.creation.enable") == 0)
        return &enable;
    if (strstr(name, "timeout"))
        return &timeout;
    return NULL;
}
__attribute__((weak)) const char *cd_worker_config_worker_id(const cd_worker_config_t *wc)
{
    return "127.0.0.1:8083";
}

/* ---------------- test plugins ---------------- */

static int g_acked, g_commits, g_received, g_retriable_done;
static int64_t g_last_committed_pos = -1;

typedef struct {
    int next;
} src_state_t;

static void *src_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                       size_t errstr_size)
{
    return calloc(1, sizeof(src_state_t));
}

static int src_poll(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size)
{
    src_state_t *s = state;
    if (s->next >= N_RECORDS) {
        usleep(50 * 1000);
        return 0;
    }
    for (int i = 0; i < 10 && s->next < N_RECORDS; i++, s->next++) {
        char v[32];
        cd_record_t *r = cd_record_new(getenv("DRIVER_TOPIC"));
        snprintf(v, sizeof(v), "line-%d", s->next);
        cd_record_set_value(r, NULL, cd_value_new_cstring(v));
        cd_record_set_key(r, NULL, cd_value_new_cstring("k"));
        cd_headers_add(cd_record_headers(r), "h", NULL, cd_value_new_cstring("hv"));
        cd_value_t *p = cd_value_new_map(), *o = cd_value_new_map();
        cd_value_map_put(p, cd_value_new_cstring("file"), cd_value_new_cstring("/x"));
        cd_value_map_put(o, cd_value_new_cstring("position"), cd_value_new_int64(s->next));
        cd_record_set_source_position(r, p, o);
        cd_record_list_add(out, r);
    }
    return 0;
}

static void src_commit(void *state)
{
    __atomic_add_fetch(&g_commits, 1, __ATOMIC_SEQ_CST);
}

static void src_commit_record(void *state, const cd_record_t *record,
                              const cd_record_metadata_t *md)
{
    if (md)
        __atomic_add_fetch(&g_acked, 1, __ATOMIC_SEQ_CST);
}

static void src_stop(void *state)
{
    free(state);
}

static const cd_source_task_plugin_t src_task = {src_start, src_poll, src_commit, src_commit_record,
                                                 src_stop};

typedef struct {
    cd_task_context_t *ctx;
    bool failed_once;
} snk_state_t;

static void *snk_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                       size_t errstr_size)
{
    snk_state_t *s = calloc(1, sizeof(*s));
    s->ctx = ctx;
    return s;
}

static int snk_put(void *state, cd_record_t *const *records, size_t count, char *errstr,
                   size_t errstr_size)
{
    snk_state_t *s = state;
    if (!s->failed_once) {
        s->failed_once = true;
        cd_task_context_set_timeout(s->ctx, 200);
        snprintf(errstr, errstr_size, "not yet");
        return CD_TASK_RETRIABLE;
    }
    for (size_t i = 0; i < count; i++) {
        size_t len = 0;
        const char *v = cd_value_string(cd_record_value(records[i]), &len);
        if (strncmp(v, "line-", 5) == 0 && cd_headers_count(cd_record_headers_const(records[i])))
            __atomic_add_fetch(&g_received, 1, __ATOMIC_SEQ_CST);
    }
    g_retriable_done = 1;
    return 0;
}

static int snk_flush(void *state, const cd_topic_partition_offset_t *o, size_t n, char *errstr,
                     size_t errstr_size)
{
    return 0;
}

static void snk_stop(void *state)
{
    free(state);
}

static const cd_sink_task_plugin_t snk_task = {snk_start, NULL, snk_put, snk_flush, NULL, snk_stop};

static const cd_connector_plugin_t src_plugin = {.class_name = "test.DriverSourceConnector",
                                                 .type = CD_CONNECTOR_SOURCE,
                                                 .source_task = &src_task};
static const cd_connector_plugin_t snk_plugin = {
    .class_name = "test.DriverSinkConnector", .type = CD_CONNECTOR_SINK, .sink_task = &snk_task};

__attribute__((weak)) const cd_connector_plugin_t *cd_plugins_find_connector(const char *name)
{
    if (strcmp(name, src_plugin.class_name) == 0)
        return &src_plugin;
    if (strcmp(name, snk_plugin.class_name) == 0)
        return &snk_plugin;
    return NULL;
}

/* ---------------- an in-memory offset store ---------------- */

static int mem_set(cd_offset_store_t *store, const cd_offset_store_entry_t *e, size_t n,
                   int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    for (size_t i = 0; i < n; i++) {
        printf("offset set %.*s = %.*s\n", (int)e[i].key_len, e[i].key, (int)e[i].value_len,
               e[i].value);
        const char *p = strstr((const char *)e[i].value, ":");
        if (p)
            __atomic_store_n(&g_last_committed_pos, atoll(p + 1), __ATOMIC_SEQ_CST);
    }
    return 0;
}
static void mem_destroy(cd_offset_store_t *store) {}
static const cd_offset_store_ops_t mem_ops = {.set = mem_set, .destroy = mem_destroy};

static bool wait_for(int *counter, int target, int seconds)
{
    for (int i = 0; i < seconds * 20; i++) {
        if (__atomic_load_n(counter, __ATOMIC_SEQ_CST) >= target)
            return true;
        usleep(50 * 1000);
    }
    return false;
}

int main(int argc, char **argv)
{
    char errstr[1024];
    char topic[64];
    if (argc < 2) {
        fprintf(stderr, "usage: %s bootstrap\n", argv[0]);
        return 2;
    }
    snprintf(topic, sizeof(topic), "driver-%ld", (long)time(NULL));
    setenv("DRIVER_TOPIC", topic, 1);
    g_worker_props = cd_properties_new();
    cd_properties_set(g_worker_props, "bootstrap.servers", argv[1]);
    cd_properties_set(g_worker_props, "key.converter",
                      "org.apache.kafka.connect.storage.StringConverter");
    cd_properties_set(g_worker_props, "value.converter",
                      "org.apache.kafka.connect.storage.StringConverter");
    cd_offset_store_t store = {&mem_ops};
    static int dummy;
    cd_worker_t *w = cd_worker_new((const cd_worker_config_t *)&dummy, &store,
                                   (cd_status_store_t *)&dummy, NULL, errstr, sizeof(errstr));
    if (!w) {
        printf("worker: %s\n", errstr);
        return 1;
    }
    printf("cluster id %s\n", cd_worker_kafka_cluster_id(w));

    cd_properties_t *sc = cd_properties_new();
    cd_properties_set(sc, "connector.class", "test.DriverSourceConnector");
    cd_properties_set(sc, "topic.creation.default.replication.factor", "1");
    cd_properties_set(sc, "topic.creation.default.partitions", "3");
    cd_properties_t *tc = cd_properties_new();
    if (cd_worker_start_task(w, "src", 0, sc, tc, CD_TARGET_STARTED, errstr, sizeof(errstr))) {
        printf("start src: %s\n", errstr);
        return 1;
    }
    int ok = 1;
    if (!wait_for(&g_acked, N_RECORDS, 30)) {
        printf("FAIL: acked %d\n", g_acked);
        ok = 0;
    }
    int c0 = g_commits;
    wait_for(&g_commits, c0 + 2, 10);
    if (__atomic_load_n(&g_last_committed_pos, __ATOMIC_SEQ_CST) != N_RECORDS - 1) {
        printf("FAIL: last committed position %lld\n", (long long)g_last_committed_pos);
        ok = 0;
    }
    /* pause and resume */
    cd_worker_set_target_state(w, "src", CD_TARGET_PAUSED);
    usleep(300 * 1000);
    if (g_state[0] != CD_STATE_PAUSED) {
        printf("FAIL: source not PAUSED (%d)\n", g_state[0]);
        ok = 0;
    }
    cd_worker_set_target_state(w, "src", CD_TARGET_STARTED);
    usleep(300 * 1000);
    if (g_state[0] != CD_STATE_RUNNING) {
        printf("FAIL: source not RUNNING again (%d)\n", g_state[0]);
        ok = 0;
    }

    cd_properties_t *kc = cd_properties_new();
    cd_properties_set(kc, "connector.class", "test.DriverSinkConnector");
    cd_properties_set(kc, "topics", topic);
    if (cd_worker_start_task(w, "snk", 0, kc, tc, CD_TARGET_STARTED, errstr, sizeof(errstr))) {
        printf("start snk: %s\n", errstr);
        return 1;
    }
    if (!wait_for(&g_received, N_RECORDS, 60) || !g_retriable_done) {
        printf("FAIL: sink received %d\n", g_received);
        ok = 0;
    }
    cd_worker_stop_tasks(w, "src", -1);
    cd_worker_stop_tasks(w, "snk", -1);
    if (g_state[0] != CD_STATE_UNASSIGNED || g_state[1] != CD_STATE_UNASSIGNED) {
        printf("FAIL: states after stop %d %d\n", g_state[0], g_state[1]);
        ok = 0;
    }
    printf("acked=%d commits=%d last_pos=%lld received=%d\n", g_acked, g_commits,
           (long long)g_last_committed_pos, g_received);
    cd_worker_destroy(w);
    cd_properties_destroy(sc);
    cd_properties_destroy(kc);
    cd_properties_destroy(tc);
    cd_properties_destroy(g_worker_props);
    printf(ok ? "worker_task_driver: OK\n" : "worker_task_driver: FAILED\n");
    return ok ? 0 : 1;
}
