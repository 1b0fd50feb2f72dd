/*
 * worker.c: the Worker (org.apache.kafka.connect.runtime.Worker) and its
 * connector instances (WorkerConnector). Every cd_worker_* call comes from
 * the herder thread; connector callbacks run on it too. Each task runs on a
 * thread of its own (source_task.c, sink_task.c) and is controlled through
 * its cd_worker_task_t: a mutex-guarded target state and stop flag with a
 * condition variable. Stopping waits for the threads with a deadline
 * (task.shutdown.graceful.timeout.ms) and abandons the ones that overrun: an
 * abandoned thread frees its own control block when it finally returns.
 */
#include "worker_internal.h"

#include "plugins.h"
#include "providers/config_providers.h"
#include "util/log.h"
#include "util/properties.h"

#include <librdkafka/rdkafka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOGGER "org.apache.kafka.connect.runtime.Worker"

typedef struct worker_connector_s {
    char *name;
    const cd_connector_plugin_t *plugin;
    cd_properties_t *config;     /* resolved: what the connector sees */
    cd_properties_t *raw_config; /* as stored, ${provider:path:key} variables kept */
    void *state;                 /* non-NULL while started */
    cd_target_state_t target;
    cd_connector_context_t ctx;
    struct worker_connector_s *next;
} worker_connector_t;

struct cd_worker_s {
    const cd_worker_config_t *wc;
    cd_properties_t *worker_props;
    cd_config_providers_t *providers; /* config.providers (WorkerConfigTransformer) */
    cd_offset_store_t *offsets;
    cd_status_store_t *status;
    cd_worker_listener_t listener;
    char *cluster_id;
    int64_t generation;
    int64_t flush_interval_ms, flush_timeout_ms, graceful_timeout_ms;
    bool topic_creation_enable;
    worker_connector_t *connectors;
    cd_worker_task_t **tasks;
    size_t ntasks, task_cap;
};

/* ------------------------------------------------------------------ */
/* helpers                                                             */
/* ------------------------------------------------------------------ */

static const char *worker_id(const cd_worker_t *w)
{
    const char *id = w->wc ? cd_worker_config_worker_id(w->wc) : NULL;
    return id ? id : "";
}

static worker_connector_t *find_connector(cd_worker_t *w, const char *name);

static void connector_status(cd_worker_t *w, const char *name, cd_state_t state, const char *trace)
{
    if (!w->status)
        return;
    const worker_connector_t *c = find_connector(w, name);
    cd_status_store_put_version(w->status, name, -1, state, trace, worker_id(w), w->generation,
                                c ? cd_plugins_status_version(c->config) : NULL);
}

static worker_connector_t *find_connector(cd_worker_t *w, const char *name)
{
    for (worker_connector_t *c = w->connectors; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int64_t config_long(const cd_config_t *cfg, const char *key, int64_t dflt)
{
    const cd_config_value_t *v = cfg ? cd_config_get(cfg, key) : NULL;
    if (!v || v->is_null)
        return dflt;
    return v->i;
}

/* ------------------------------------------------------------------ */
/* worker                                                              */
/* ------------------------------------------------------------------ */

/* What the lookup's error callback saw: a fatal or authentication error ends the wait
 * at once (Java's Admin fails describeCluster with the SaslAuthenticationException). */
typedef struct {
    pthread_mutex_t lock;
    bool fatal;
    char last[512];
} cd_cluster_lookup_t;

static void lookup_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    (void)rk;
    cd_cluster_lookup_t *l = opaque;
    pthread_mutex_lock(&l->lock);
    /* The first fatal error is the cause; "all brokers down" only repeats it. */
    if (!l->fatal && (err != RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || !l->last[0]))
        snprintf(l->last, sizeof(l->last), "%s", reason ? reason : rd_kafka_err2str(err));
    if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR__FATAL ||
        err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
        err == RD_KAFKA_RESP_ERR__INVALID_ARG || err == RD_KAFKA_RESP_ERR__SSL)
        l->fatal = true;
    pthread_mutex_unlock(&l->lock);
}

static int64_t lookup_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ConnectUtils.lookupKafkaClusterId: Java's Admin.describeCluster waits up to
 * default.api.timeout.ms (60 s) and fails at once on an authentication error. */
char *cd_worker_lookup_kafka_cluster_id(const cd_properties_t *props, char *errstr,
                                        size_t errstr_size)
{
    char err[512];
    int64_t timeout_ms = 60000;
    const char *t = props ? cd_properties_get(props, "default.api.timeout.ms") : NULL;
    if (t) {
        char *endp = NULL;
        long long v = strtoll(t, &endp, 10);
        if (endp && *endp == '\0' && v > 0 && v <= INT32_MAX)
            timeout_ms = v;
    }
    cd_cluster_lookup_t l = {.fatal = false};
    pthread_mutex_init(&l.lock, NULL);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (cd_kafka_conf_apply_java(conf, props, errstr, errstr_size) < 0) {
        rd_kafka_conf_destroy(conf);
        pthread_mutex_destroy(&l.lock);
        return NULL;
    }
    rd_kafka_conf_set_error_cb(conf, lookup_error_cb);
    rd_kafka_conf_set_opaque(conf, &l);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        pthread_mutex_destroy(&l.lock);
        snprintf(errstr, errstr_size, "Failed to create the admin client: %s", err);
        return NULL;
    }
    char *out = NULL;
    int64_t deadline = lookup_now_ms() + timeout_ms;
    bool fatal = false;
    for (;;) {
        int64_t left = deadline - lookup_now_ms();
        if (left <= 0)
            break;
        char *id = rd_kafka_clusterid(rk, (int)(left < 200 ? left : 200));
        if (id) {
            out = strdup(id);
            rd_kafka_mem_free(rk, id);
            break;
        }
        rd_kafka_poll(rk, 0); /* error callbacks */
        pthread_mutex_lock(&l.lock);
        fatal = l.fatal;
        pthread_mutex_unlock(&l.lock);
        if (fatal)
            break;
    }
    rd_kafka_destroy(rk);
    if (!out) {
        if (fatal)
            snprintf(errstr, errstr_size,
                     "Failed to connect to and describe Kafka cluster. Check worker's broker "
                     "connection and security properties. Caused by: %s",
                     l.last);
        else if (l.last[0])
            snprintf(errstr, errstr_size,
                     "Failed to connect to and describe Kafka cluster. Check worker's broker "
                     "connection and security properties. Caused by: Timed out waiting for a "
                     "node assignment after %lld ms (last error: %s)",
                     (long long)timeout_ms, l.last);
        else
            snprintf(errstr, errstr_size,
                     "Failed to connect to and describe Kafka cluster. Check worker's broker "
                     "connection and security properties. Caused by: Timed out waiting for a "
                     "node assignment after %lld ms",
                     (long long)timeout_ms);
    }
    pthread_mutex_destroy(&l.lock);
    return out;
}

cd_worker_t *cd_worker_new(const cd_worker_config_t *wc, cd_offset_store_t *offsets,
                           cd_status_store_t *status, const cd_worker_listener_t *listener,
                           char *errstr, size_t errstr_size)
{
    cd_worker_t *w = calloc(1, sizeof(*w));
    if (!w) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    w->wc = wc;
    w->offsets = offsets;
    w->status = status;
    if (listener)
        w->listener = *listener;
    const cd_config_t *cfg = wc ? cd_worker_config_values(wc) : NULL;
    const cd_properties_t *orig = cfg ? cd_config_originals(cfg) : NULL;
    w->worker_props = cd_properties_new();
    if (!w->worker_props)
        goto fail;
    for (size_t i = 0; orig && i < cd_properties_count(orig); i++)
        cd_properties_set(w->worker_props, cd_properties_key_at(orig, i),
                          cd_properties_value_at(orig, i));
    w->flush_interval_ms = config_long(cfg, "offset.flush.interval.ms", 60000);
    w->flush_timeout_ms = config_long(cfg, "offset.flush.timeout.ms", 5000);
    w->graceful_timeout_ms = config_long(cfg, "task.shutdown.graceful.timeout.ms", 5000);
    const cd_config_value_t *tce = cfg ? cd_config_get(cfg, "topic.creation.enable") : NULL;
    w->topic_creation_enable = tce ? tce->b : true;
    w->providers = cd_config_providers_new(w->worker_props, errstr, errstr_size);
    if (!w->providers)
        goto fail;
    w->cluster_id = cd_worker_lookup_kafka_cluster_id(w->worker_props, errstr, errstr_size);
    if (!w->cluster_id)
        goto fail;
    cd_log_info(LOGGER, "Kafka cluster ID: %s", w->cluster_id);
    return w;
fail:
    cd_config_providers_destroy(w->providers);
    cd_properties_destroy(w->worker_props);
    free(w->cluster_id);
    free(w);
    return NULL;
}

void cd_worker_set_generation(cd_worker_t *w, int64_t generation)
{
    w->generation = generation;
}

void cd_worker_destroy(cd_worker_t *w)
{
    if (!w)
        return;
    cd_worker_stop_all(w);
    free(w->tasks);
    cd_config_providers_destroy(w->providers);
    cd_properties_destroy(w->worker_props);
    free(w->cluster_id);
    free(w);
}

const char *cd_worker_kafka_cluster_id(const cd_worker_t *w)
{
    return w->cluster_id;
}

const char *cd_worker_id(const cd_worker_t *w)
{
    return worker_id(w);
}

cd_properties_t *cd_worker_transform_config(cd_worker_t *w, const cd_properties_t *config,
                                            char *errstr, size_t errstr_size)
{
    if (!config)
        return cd_properties_new();
    return cd_config_transform(w ? w->providers : NULL, config, errstr, errstr_size);
}

/* ------------------------------------------------------------------ */
/* connectors                                                          */
/* ------------------------------------------------------------------ */

void cd_connector_context_request_task_reconfiguration(cd_connector_context_t *ctx)
{
    cd_worker_t *w = ctx->worker;
    if (w->listener.request_task_reconfiguration)
        w->listener.request_task_reconfiguration(w->listener.opaque, ctx->connector);
}

void cd_connector_context_raise_error(cd_connector_context_t *ctx, const char *message)
{
    char *trace = cd_worker_trace(CD_CONNECT_EXCEPTION, message, NULL);
    pthread_mutex_lock(&ctx->lock);
    free(ctx->raised_error);
    ctx->raised_error = strdup(message ? message : "");
    pthread_mutex_unlock(&ctx->lock);
    cd_log_error(LOGGER, "[%s] Connector raised an error: %s", ctx->connector,
                 message ? message : "");
    connector_status(ctx->worker, ctx->connector, CD_STATE_FAILED, trace);
    free(trace);
}

cd_value_t *cd_connector_context_offset(cd_connector_context_t *ctx, const cd_value_t *partition)
{
    if (!ctx->offsets)
        return NULL;
    return cd_offset_store_read(ctx->offsets, ctx->connector, partition);
}

static void connector_free(worker_connector_t *c)
{
    free(c->name);
    cd_properties_destroy(c->config);
    cd_properties_destroy(c->raw_config);
    pthread_mutex_destroy(&c->ctx.lock);
    free(c->ctx.raised_error);
    free(c->ctx.connector);
    free(c);
}

/* WorkerConnector.doStart; 0 or -1 with errstr (status FAILED written). */
static int connector_start(cd_worker_t *w, worker_connector_t *c, char *errstr, size_t errstr_size)
{
    if (c->state)
        return 0;
    errstr[0] = '\0';
    c->state = c->plugin->start(c->config, &c->ctx, errstr, errstr_size);
    if (!c->state) {
        if (!errstr[0])
            snprintf(errstr, errstr_size, "Connector %s failed to start", c->name);
        char *trace = cd_worker_trace(CD_CONNECT_EXCEPTION, errstr, NULL);
        cd_log_error(LOGGER, "[%s] Error while starting connector: %s", c->name, errstr);
        connector_status(w, c->name, CD_STATE_FAILED, trace);
        free(trace);
        return -1;
    }
    return 0;
}

static void connector_stop_instance(worker_connector_t *c)
{
    if (c->state && c->plugin->stop)
        c->plugin->stop(c->state);
    c->state = NULL;
}

int cd_worker_start_connector(cd_worker_t *w, const char *name, const cd_properties_t *config,
                              cd_target_state_t target, char *errstr, size_t errstr_size)
{
    if (find_connector(w, name)) {
        snprintf(errstr, errstr_size, "Connector %s already running", name);
        return -1;
    }
    const char *cls = config ? cd_properties_get(config, "connector.class") : NULL;
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    if (!plugin) {
        snprintf(errstr, errstr_size,
                 "Failed to find any class that implements Connector and which name matches %s",
                 cls ? cls : "null");
        char *trace = cd_worker_trace(CD_CONNECT_EXCEPTION, errstr, NULL);
        connector_status(w, name, CD_STATE_FAILED, trace);
        free(trace);
        return -1;
    }
    /* WorkerConfigTransformer.transform: the connector sees resolved values */
    cd_properties_t *resolved = cd_worker_transform_config(w, config, errstr, errstr_size);
    if (!resolved) {
        char *trace = cd_worker_trace(CD_CONFIG_EXCEPTION, errstr, NULL);
        cd_log_error(LOGGER, "[%s] Failed to resolve the connector configuration: %s", name,
                     errstr);
        connector_status(w, name, CD_STATE_FAILED, trace);
        free(trace);
        return -1;
    }
    worker_connector_t *c = calloc(1, sizeof(*c));
    if (!c) {
        cd_properties_destroy(resolved);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    c->name = strdup(name);
    c->plugin = plugin;
    c->config = resolved;
    c->raw_config = cd_properties_copy(config);
    c->target = target;
    c->ctx.worker = w;
    c->ctx.connector = strdup(name);
    c->ctx.offsets = plugin->type == CD_CONNECTOR_SOURCE ? w->offsets : NULL;
    pthread_mutex_init(&c->ctx.lock, NULL);
    c->next = w->connectors;
    w->connectors = c;
    cd_log_info(LOGGER, "Creating connector %s of type %s", name, plugin->class_name);
    if (target == CD_TARGET_STARTED) {
        if (connector_start(w, c, errstr, errstr_size) < 0)
            return -1;
        connector_status(w, name, CD_STATE_RUNNING, NULL);
    } else {
        connector_status(w, name, target == CD_TARGET_PAUSED ? CD_STATE_PAUSED : CD_STATE_STOPPED,
                         NULL);
    }
    return 0;
}

bool cd_worker_is_running(cd_worker_t *w, const char *name)
{
    return find_connector(w, name) != NULL;
}

const cd_connector_plugin_t *cd_worker_connector_plugin(cd_worker_t *w, const char *name)
{
    worker_connector_t *c = find_connector(w, name);
    return c ? c->plugin : NULL;
}

/* The Java task class name: FooConnector -> FooTask. */
static void task_class_name(const cd_connector_plugin_t *p, char *out, size_t out_size)
{
    size_t n = strlen(p->class_name);
    const char *suffix = "Connector";
    size_t sl = strlen(suffix);
    if (n > sl && strcmp(p->class_name + n - sl, suffix) == 0)
        snprintf(out, out_size, "%.*sTask", (int)(n - sl), p->class_name);
    else
        snprintf(out, out_size, "%sTask", p->class_name);
}

int cd_worker_connector_task_configs(cd_worker_t *w, const char *name, cd_properties_t ***out,
                                     char *errstr, size_t errstr_size)
{
    worker_connector_t *c = find_connector(w, name);
    *out = NULL;
    if (!c || !c->state) {
        snprintf(errstr, errstr_size, "Connector %s is not running", name);
        return -1;
    }
    const char *tm = cd_properties_get(c->config, "tasks.max");
    long max = tm ? strtol(tm, NULL, 10) : 1;
    if (max < 1 || max > 100000)
        max = 1;
    cd_properties_t **configs = calloc((size_t)max, sizeof(*configs));
    if (!configs) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    errstr[0] = '\0';
    int n = c->plugin->task_configs(c->state, (int)max, configs, errstr, errstr_size);
    if (n < 0) {
        for (long i = 0; i < max; i++)
            cd_properties_destroy(configs[i]);
        free(configs);
        return -1;
    }
    char cls[512];
    task_class_name(c->plugin, cls, sizeof(cls));
    for (int i = 0; i < n; i++) {
        if (!configs[i])
            configs[i] = cd_properties_new();
        cd_properties_set(configs[i], "task.class", cls);
        if (c->plugin->type == CD_CONNECTOR_SINK) {
            const char *topics = cd_properties_get(c->config, "topics");
            const char *regex = cd_properties_get(c->config, "topics.regex");
            if (topics)
                cd_properties_set(configs[i], "topics", topics);
            if (regex)
                cd_properties_set(configs[i], "topics.regex", regex);
        }
        /* AbstractHerder.reverseTransform: secrets never reach the config topic or REST */
        cd_config_reverse_transform(c->raw_config, configs[i]);
    }
    *out = configs;
    return n;
}

void cd_worker_stop_connector(cd_worker_t *w, const char *name)
{
    worker_connector_t **pp = &w->connectors;
    while (*pp && strcmp((*pp)->name, name) != 0)
        pp = &(*pp)->next;
    worker_connector_t *c = *pp;
    if (!c)
        return;
    cd_log_info(LOGGER, "Stopping connector %s", name);
    *pp = c->next;
    connector_stop_instance(c);
    connector_status(w, name, CD_STATE_UNASSIGNED, NULL);
    connector_free(c);
}

void cd_worker_set_target_state(cd_worker_t *w, const char *name, cd_target_state_t target)
{
    char errstr[1024];
    worker_connector_t *c = find_connector(w, name);
    if (c) {
        c->target = target;
        if (target == CD_TARGET_STARTED) {
            if (connector_start(w, c, errstr, sizeof(errstr)) == 0)
                connector_status(w, name, CD_STATE_RUNNING, NULL);
        } else {
            /* WorkerConnector.pause/stop: the instance is stopped */
            connector_stop_instance(c);
            connector_status(w, name,
                             target == CD_TARGET_PAUSED ? CD_STATE_PAUSED : CD_STATE_STOPPED, NULL);
        }
    }
    for (size_t i = 0; i < w->ntasks; i++) {
        cd_worker_task_t *t = w->tasks[i];
        if (strcmp(t->s.connector, name) != 0)
            continue;
        pthread_mutex_lock(&t->lock);
        t->target = target;
        pthread_cond_broadcast(&t->cond);
        pthread_mutex_unlock(&t->lock);
    }
}

/* ------------------------------------------------------------------ */
/* tasks                                                               */
/* ------------------------------------------------------------------ */

static void task_free(cd_worker_task_t *t)
{
    cd_task_settings_clear(&t->s);
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->cond);
    free(t);
}

static void *task_main(void *arg)
{
    cd_worker_task_t *t = arg;
    const cd_connector_plugin_t *p = t->s.plugin;
    if (p->type == CD_CONNECTOR_SOURCE)
        cd_source_task_run(t);
    else
        cd_sink_task_run(t);
    pthread_mutex_lock(&t->lock);
    t->done = true;
    bool abandoned = t->abandoned;
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
    if (abandoned)
        task_free(t); /* the worker gave up on this thread */
    return NULL;
}

static cd_properties_t *props_copy(const cd_properties_t *from)
{
    cd_properties_t *p = cd_properties_new();
    for (size_t i = 0; p && from && i < cd_properties_count(from); i++)
        cd_properties_set(p, cd_properties_key_at(from, i), cd_properties_value_at(from, i));
    return p;
}

int cd_worker_start_task(cd_worker_t *w, const char *connector, int task_id,
                         const cd_properties_t *connector_config,
                         const cd_properties_t *task_config, cd_target_state_t target, char *errstr,
                         size_t errstr_size)
{
    for (size_t i = 0; i < w->ntasks; i++)
        if (w->tasks[i]->s.task_id == task_id && strcmp(w->tasks[i]->s.connector, connector) == 0) {
            snprintf(errstr, errstr_size, "Task already exists in this worker: %s-%d", connector,
                     task_id);
            return -1;
        }
    cd_log_info(LOGGER, "Creating task %s-%d", connector, task_id);
    const char *cls =
        connector_config ? cd_properties_get(connector_config, "connector.class") : NULL;
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    if (!plugin ||
        (plugin->type == CD_CONNECTOR_SOURCE ? !plugin->source_task : !plugin->sink_task)) {
        snprintf(errstr, errstr_size,
                 "Failed to find any class that implements Connector and which name matches %s",
                 cls ? cls : "null");
        char *trace = cd_worker_trace(CD_CONNECT_EXCEPTION, errstr, NULL);
        if (w->status)
            cd_status_store_put_version(w->status, connector, task_id, CD_STATE_FAILED, trace,
                                        worker_id(w), w->generation,
                                        cd_plugins_status_version(connector_config));
        free(trace);
        return -1;
    }
    /* The task sees resolved connector and task configs (ClusterConfigState.taskConfig) */
    cd_properties_t *resolved_conn =
        cd_worker_transform_config(w, connector_config, errstr, errstr_size);
    cd_properties_t *resolved_task =
        resolved_conn ? cd_worker_transform_config(w, task_config, errstr, errstr_size) : NULL;
    if (!resolved_task) {
        cd_properties_destroy(resolved_conn);
        char *trace = cd_worker_trace(CD_CONFIG_EXCEPTION, errstr, NULL);
        cd_log_error(LOGGER, "Failed to start task %s-%d: %s", connector, task_id, errstr);
        if (w->status)
            cd_status_store_put_version(w->status, connector, task_id, CD_STATE_FAILED, trace,
                                        worker_id(w), w->generation,
                                        cd_plugins_status_version(connector_config));
        free(trace);
        return -1;
    }
    if (w->ntasks == w->task_cap) {
        size_t ncap = w->task_cap ? w->task_cap * 2 : 8;
        cd_worker_task_t **nt = realloc(w->tasks, ncap * sizeof(*nt));
        if (!nt) {
            cd_properties_destroy(resolved_conn);
            cd_properties_destroy(resolved_task);
            snprintf(errstr, errstr_size, "out of memory");
            return -1;
        }
        w->tasks = nt;
        w->task_cap = ncap;
    }
    cd_worker_task_t *t = calloc(1, sizeof(*t));
    if (!t) {
        cd_properties_destroy(resolved_conn);
        cd_properties_destroy(resolved_task);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&t->cond, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&t->lock, NULL);
    t->target = target;
    t->s.connector = strdup(connector);
    t->s.task_id = task_id;
    t->s.worker_id = strdup(worker_id(w));
    t->s.generation = w->generation;
    t->s.worker_props = props_copy(w->worker_props);
    t->s.connector_config = resolved_conn;
    t->s.task_config = resolved_task;
    t->s.offset_flush_interval_ms = w->flush_interval_ms;
    t->s.offset_flush_timeout_ms = w->flush_timeout_ms;
    t->s.topic_creation_enable = w->topic_creation_enable;
    t->s.offsets = plugin->type == CD_CONNECTOR_SOURCE ? w->offsets : NULL;
    t->s.status = w->status;
    t->s.plugin = plugin;
    t->s.listener = w->listener;
    t->ctx.task = t;
    t->ctx.connector = t->s.connector;
    t->ctx.task_id = task_id;
    t->ctx.offsets = t->s.offsets;
    if (!t->s.connector || !t->s.worker_id || !t->s.worker_props || !t->s.connector_config ||
        !t->s.task_config) {
        task_free(t);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    int rc = pthread_create(&t->thread, NULL, task_main, t);
    if (rc != 0) {
        snprintf(errstr, errstr_size, "Failed to start the task thread: %s", strerror(rc));
        task_free(t);
        return -1;
    }
    w->tasks[w->ntasks++] = t;
    return 0;
}

static void signal_stop(cd_worker_task_t *t)
{
    pthread_mutex_lock(&t->lock);
    t->stopping = true;
    __atomic_store_n(&t->ctx.stopping, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&t->cond);
    pthread_mutex_unlock(&t->lock);
}

/* Waits for the thread until @p deadline (monotonic ms): joins and frees it, or
 * abandons it (the thread frees itself). */
static void await_task(cd_worker_task_t *t, int64_t deadline)
{
    struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
    pthread_mutex_lock(&t->lock);
    while (!t->done) {
        if (pthread_cond_timedwait(&t->cond, &t->lock, &ts) == ETIMEDOUT)
            break;
    }
    bool done = t->done;
    if (!done)
        t->abandoned = true;
    pthread_mutex_unlock(&t->lock);
    if (done) {
        pthread_join(t->thread, NULL);
        task_free(t);
    } else {
        cd_log_error(LOGGER, "Graceful stop of task %s-%d failed.", t->s.connector, t->s.task_id);
        pthread_detach(t->thread);
    }
}

void cd_worker_stop_tasks(cd_worker_t *w, const char *connector, int task_id)
{
    size_t n = 0;
    cd_worker_task_t **stopping = calloc(w->ntasks ? w->ntasks : 1, sizeof(*stopping));
    if (!stopping)
        return;
    for (size_t i = 0; i < w->ntasks;) {
        cd_worker_task_t *t = w->tasks[i];
        if ((connector == NULL || strcmp(t->s.connector, connector) == 0) &&
            (task_id < 0 || t->s.task_id == task_id)) {
            cd_log_info(LOGGER, "Stopping task %s-%d", t->s.connector, t->s.task_id);
            signal_stop(t);
            stopping[n++] = t;
            w->tasks[i] = w->tasks[--w->ntasks];
        } else {
            i++;
        }
    }
    int64_t deadline = cd_worker_now_ms() + w->graceful_timeout_ms;
    for (size_t i = 0; i < n; i++)
        await_task(stopping[i], deadline);
    free(stopping);
}

int *cd_worker_task_ids(cd_worker_t *w, const char *connector, size_t *n)
{
    int *ids = malloc((w->ntasks ? w->ntasks : 1) * sizeof(int));
    *n = 0;
    if (!ids)
        return NULL;
    for (size_t i = 0; i < w->ntasks; i++)
        if (strcmp(w->tasks[i]->s.connector, connector) == 0)
            ids[(*n)++] = w->tasks[i]->s.task_id;
    /* sorted, for stable output */
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            int tmp = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = tmp;
        }
    return ids;
}

void cd_worker_stop_all(cd_worker_t *w)
{
    cd_worker_stop_tasks(w, NULL, -1);
    while (w->connectors) {
        char *name = strdup(w->connectors->name);
        if (!name)
            break;
        cd_worker_stop_connector(w, name);
        free(name);
    }
}
