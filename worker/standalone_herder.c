/* standalone_herder.c: StandaloneHerder.
 *
 * REST threads call the cd_herder_ops_t functions below; each packs its
 * arguments into a cd_herder_call_t and waits (at most the REST timeout) while
 * the herder thread runs it. Only the herder thread touches the connector
 * table and calls the Worker, so no state here needs a lock. Task threads
 * reach the herder the same way (task reconfiguration requests are posted).
 *
 * Semantics and messages follow Apache Kafka's StandaloneHerder and
 * AbstractHerder (4.x): configs live in memory until exit, statuses in the
 * in-memory status store, offsets in the offsets file. */
#include "standalone_herder.h"
#include "task_auto_restart.h"

#include "abstract_herder.h"

#include "../util/log.h"
#include "../util/properties.h"
#include "connector_config.h"
#include "connector_offsets.h"
#include "herder_queue.h"
#include "plugins.h"
#include "status.h"
#include "worker_internal.h"
#include "worker.h"

#include <connectd/data.h>
#include <connectd/version.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CD_HERDER_LOGGER "org.apache.kafka.connect.runtime.standalone.StandaloneHerder"

typedef struct cd_sh_connector_s {
    char *name;
    cd_properties_t *config;
    cd_target_state_t target;
    cd_properties_t **tasks; /* task configs, in task id order */
    size_t task_count;
    cd_properties_t *applied_config; /* the config the task configs came from */
} cd_sh_connector_t;

struct cd_standalone_herder_s {
    cd_abstract_herder_t base; /* must be first */
    cd_worker_config_t *wc;
    cd_offset_store_t *offsets;
    cd_status_store_t *status;
    cd_worker_t *worker;
    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;

    /* herder thread only */
    cd_task_auto_restart_t *auto_restart;
    cd_sh_connector_t *connectors;
    size_t connector_count, connector_capacity;
};

/* ------------------------------------------------------------------ */
/* Entities                                                            */
/* ------------------------------------------------------------------ */

static cd_sh_connector_t *cd_sh_find(cd_standalone_herder_t *h, const char *name)
{
    for (size_t i = 0; i < h->connector_count; i++)
        if (strcmp(h->connectors[i].name, name) == 0)
            return &h->connectors[i];
    return NULL;
}

static json_t *cd_sh_connector_info(const cd_sh_connector_t *c)
{
    return cd_herder_connector_info_json(c->name, c->config, c->task_count);
}

/* ------------------------------------------------------------------ */
/* Connector lifecycle (herder thread)                                 */
/* ------------------------------------------------------------------ */

static void cd_sh_free_tasks(cd_sh_connector_t *c)
{
    for (size_t i = 0; i < c->task_count; i++)
        cd_properties_destroy(c->tasks[i]);
    free(c->tasks);
    c->tasks = NULL;
    c->task_count = 0;
}

/* removeConnectorTasks */
static void cd_sh_remove_tasks(cd_standalone_herder_t *h, cd_sh_connector_t *c)
{
    if (c->task_count == 0)
        return;
    cd_worker_stop_tasks(h->worker, c->name, -1);
    for (size_t i = 0; i < c->task_count; i++)
        cd_status_store_remove_task(h->status, c->name, (int)i);
    cd_sh_free_tasks(c);
}

static void cd_sh_start_task(cd_standalone_herder_t *h, cd_sh_connector_t *c, int task)
{
    char errstr[512];
    if (cd_worker_start_task(h->worker, c->name, task, c->config, c->tasks[task], c->target, errstr,
                             sizeof(errstr)) != 0)
        cd_log_error(CD_HERDER_LOGGER, "Failed to start task %s-%d: %s", c->name, task, errstr);
}

/* updateConnectorTasks */
static void cd_sh_update_tasks(cd_standalone_herder_t *h, cd_sh_connector_t *c)
{
    if (!cd_worker_is_running(h->worker, c->name)) {
        cd_log_info(CD_HERDER_LOGGER,
                    "Skipping update of tasks for connector %s since it is not running", c->name);
        return;
    }
    if (c->target != CD_TARGET_STARTED) {
        cd_log_info(CD_HERDER_LOGGER,
                    "Skipping update of tasks for connector %s since its target state is %s",
                    c->name, cd_target_state_name(c->target));
        return;
    }
    char errstr[512];
    cd_properties_t **configs = NULL;
    int n = cd_worker_connector_task_configs(h->worker, c->name, &configs, errstr, sizeof(errstr));
    if (n < 0) {
        cd_log_error(CD_HERDER_LOGGER, "Failed to generate task configs for connector %s: %s",
                     c->name, errstr);
        return;
    }
    bool changed = (size_t)n != c->task_count;
    for (int i = 0; !changed && i < n; i++)
        changed = !cd_properties_equal(configs[i], c->tasks[i]);
    if (!changed && !cd_properties_equal(c->applied_config, c->config))
        changed = true;
    if (!changed) {
        for (int i = 0; i < n; i++)
            cd_properties_destroy(configs[i]);
        free(configs);
        return;
    }
    cd_sh_remove_tasks(h, c);
    c->tasks = configs;
    c->task_count = (size_t)n;
    cd_properties_destroy(c->applied_config);
    c->applied_config = cd_properties_copy(c->config);
    for (int i = 0; i < n; i++)
        cd_sh_start_task(h, c, i);
}

/* startConnector: the Worker records the status (RUNNING, PAUSED, STOPPED or FAILED). */
static int cd_sh_start_connector(cd_standalone_herder_t *h, cd_sh_connector_t *c, char *errstr,
                                 size_t errstr_size)
{
    return cd_worker_start_connector(h->worker, c->name, c->config, c->target, errstr, errstr_size);
}

static void cd_sh_remove_connector_entry(cd_standalone_herder_t *h, cd_sh_connector_t *c)
{
    free(c->name);
    cd_properties_destroy(c->config);
    cd_properties_destroy(c->applied_config);
    cd_sh_free_tasks(c);
    size_t index = (size_t)(c - h->connectors);
    memmove(c, c + 1, (h->connector_count - index - 1) * sizeof(*c));
    h->connector_count--;
}

static void cd_sh_put_config(cd_standalone_herder_t *h, const char *name,
                             const cd_properties_t *config, const char *initial_state,
                             bool allow_replace, cd_herder_reply_t *r)
{
    cd_target_state_t target = CD_TARGET_STARTED;
    if (initial_state && !cd_target_state_parse_initial(initial_state, &target)) {
        cd_herder_reply_error(r, 400, "Invalid initial state: %s", initial_state);
        return;
    }
    if (cd_herder_validate_config(&h->base, config, r) != 0)
        return;
    cd_sh_connector_t *c = cd_sh_find(h, name);
    bool created = c == NULL;
    if (c) {
        if (!allow_replace) {
            cd_herder_reply_error(r, 409, "Connector %s already exists", name);
            return;
        }
        cd_worker_stop_connector(h->worker, name);
        cd_properties_destroy(c->config);
        c->config = cd_properties_copy(config);
        if (initial_state)
            c->target = target;
    } else {
        if (h->connector_count == h->connector_capacity) {
            size_t cap = h->connector_capacity ? h->connector_capacity * 2 : 8;
            cd_sh_connector_t *grown = realloc(h->connectors, cap * sizeof(*grown));
            if (!grown) {
                cd_herder_reply_error(r, 500, "Out of memory");
                return;
            }
            h->connectors = grown;
            h->connector_capacity = cap;
        }
        c = &h->connectors[h->connector_count++];
        memset(c, 0, sizeof(*c));
        c->name = strdup(name);
        c->config = cd_properties_copy(config);
        c->target = target;
    }
    char errstr[1024];
    /* A Connector.start that throws leaves the connector FAILED (with the trace) and the
     * request succeeds, as WorkerConnector.doStart reports through the status only. */
    if (cd_sh_start_connector(h, c, errstr, sizeof(errstr)) != 0)
        cd_log_error(CD_HERDER_LOGGER, "Connector %s failed to start: %s", name, errstr);
    else
        cd_sh_update_tasks(h, c);
    cd_herder_reply_ok(r, created ? 201 : 200, cd_sh_connector_info(c));
    if (created)
        r->location = cd_herder_location(name);
}

/* ConnectUtils.patchConfig: null values remove keys. */
static void cd_sh_patch_config(cd_standalone_herder_t *h, const char *name, const json_t *patch,
                               cd_herder_reply_t *r)
{
    cd_sh_connector_t *c = cd_sh_find(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    cd_properties_t *patched = cd_herder_patch_config(c->config, patch);
    char *name_copy = strdup(name);
    cd_sh_put_config(h, name_copy, patched, NULL, true, r);
    free(name_copy);
    cd_properties_destroy(patched);
}

static void cd_sh_delete(cd_standalone_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    cd_sh_connector_t *c = cd_sh_find(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    cd_sh_remove_tasks(h, c);
    cd_worker_stop_connector(h->worker, name);
    cd_status_store_remove_connector(h->status, name);
    cd_sh_remove_connector_entry(h, c);
    cd_herder_reply_ok(r, 204, NULL);
}

static void cd_sh_restart_connector(cd_standalone_herder_t *h, const char *name, bool include_tasks,
                                    bool only_failed, cd_herder_reply_t *r)
{
    cd_sh_connector_t *c = cd_sh_find(h, name);
    char errstr[1024];
    if (!include_tasks && !only_failed) {
        if (!c) {
            cd_herder_reply_error(r, 404, "Connector %s not found", name);
            return;
        }
        cd_worker_stop_connector(h->worker, name);
        if (cd_sh_start_connector(h, c, errstr, sizeof(errstr)) != 0)
            cd_log_error(CD_HERDER_LOGGER, "Connector '%s' restart failed: %s", name, errstr);
        else if (c->target == CD_TARGET_STARTED)
            cd_sh_update_tasks(h, c);
        cd_herder_reply_ok(r, 204, NULL);
        return;
    }
    if (!c) {
        cd_herder_reply_error(r, 404, "Unknown connector: %s", name);
        return;
    }
    json_t *plan =
        cd_herder_status_json(h->status, name, c->config, true, only_failed, include_tasks);
    if (!plan) {
        cd_herder_reply_error(r, 404, "Status for connector %s not found", name);
        return;
    }
    cd_status_t cs = {0};
    cd_status_store_get(h->status, name, -1, &cs);
    bool restart_connector = !only_failed || cs.state == CD_STATE_FAILED;
    cd_status_clear(&cs);
    size_t n = 0;
    cd_status_t *tasks = cd_status_store_get_tasks(h->status, name, &n);
    if (restart_connector) {
        cd_worker_stop_connector(h->worker, name);
        cd_status_store_put(h->status, name, -1, CD_STATE_RESTARTING, NULL, cd_worker_id(h->worker),
                            0);
    }
    for (size_t i = 0; include_tasks && i < n; i++) {
        if (only_failed && tasks[i].state != CD_STATE_FAILED)
            continue;
        cd_worker_stop_tasks(h->worker, name, tasks[i].task);
        cd_status_store_put(h->status, name, tasks[i].task, CD_STATE_RESTARTING, NULL,
                            cd_worker_id(h->worker), 0);
    }
    if (restart_connector && cd_sh_start_connector(h, c, errstr, sizeof(errstr)) != 0)
        cd_log_error(CD_HERDER_LOGGER, "Connector '%s' restart failed: %s", name, errstr);
    for (size_t i = 0; include_tasks && i < n; i++) {
        if (only_failed && tasks[i].state != CD_STATE_FAILED)
            continue;
        if ((size_t)tasks[i].task < c->task_count)
            cd_sh_start_task(h, c, tasks[i].task);
    }
    for (size_t i = 0; i < n; i++)
        cd_status_clear(&tasks[i]);
    free(tasks);
    cd_herder_reply_ok(r, 202, plan);
}

static void cd_sh_restart_task(cd_standalone_herder_t *h, const char *name, int task,
                               cd_herder_reply_t *r)
{
    cd_sh_connector_t *c = cd_sh_find(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    if (task < 0 || (size_t)task >= c->task_count) {
        cd_herder_reply_error(r, 404, "Task %s-%d not found", name, task);
        return;
    }
    cd_worker_stop_tasks(h->worker, name, task);
    char errstr[512];
    if (cd_worker_start_task(h->worker, name, task, c->config, c->tasks[task], c->target, errstr,
                             sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, 500, "Failed to start task: %s-%d", name, task);
        return;
    }
    cd_herder_reply_ok(r, 204, NULL);
}

/* MemoryConfigBackingStore.putTargetState + ConfigUpdateListener.onConnectorTargetStateChange */
static void cd_sh_set_target(cd_standalone_herder_t *h, cd_sh_connector_t *c,
                             cd_target_state_t target)
{
    c->target = target;
    cd_worker_set_target_state(h->worker, c->name, target);
    if (target == CD_TARGET_STARTED)
        cd_sh_update_tasks(h, c);
}

static void cd_sh_pause_resume(cd_standalone_herder_t *h, const char *name,
                               cd_target_state_t target, cd_herder_reply_t *r)
{
    cd_sh_connector_t *c = cd_sh_find(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Unknown connector %s", name);
        return;
    }
    cd_sh_set_target(h, c, target);
    cd_herder_reply_ok(r, 202, NULL);
}

static void cd_sh_stop(cd_standalone_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    cd_sh_connector_t *c = cd_sh_find(h, name);
    if (!c) {
        /* MemoryConfigBackingStore.putTargetState's IllegalArgumentException -> 500 */
        cd_herder_reply_error(r, 500, "No connector `%s` configured", name);
        return;
    }
    cd_sh_remove_tasks(h, c);
    cd_sh_set_target(h, c, CD_TARGET_STOPPED);
    cd_herder_reply_ok(r, 204, NULL);
}

static void cd_sh_offsets(cd_standalone_herder_t *h, const char *name, int op, const json_t *body,
                          cd_herder_reply_t *r)
{
    char errstr[1024];
    int status = 500;
    /* The REST layer maps and checks the body before the herder looks at the connector. */
    if (op == CD_OP_ALTER_OFFSETS &&
        cd_connector_offsets_check_body(body, &status, errstr, sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, status, "%s", errstr);
        return;
    }
    cd_sh_connector_t *c = cd_sh_find(h, name);
    cd_herder_connector_offsets(h->wc, h->offsets, name, c ? c->config : NULL,
                                c ? c->target : CD_TARGET_STARTED, c ? c->task_count : 0, op, body,
                                r);
}

static void cd_sh_connectors(cd_standalone_herder_t *h, bool expand_status, bool expand_info,
                             cd_herder_reply_t *r)
{
    cd_herder_connector_view_t *views = calloc(h->connector_count + 1, sizeof(*views));
    if (!views) {
        cd_herder_reply_error(r, 500, "Out of memory");
        return;
    }
    for (size_t i = 0; i < h->connector_count; i++)
        views[i] = (cd_herder_connector_view_t){h->connectors[i].name, h->connectors[i].config,
                                                h->connectors[i].task_count};
    cd_herder_connectors_reply(h->status, views, h->connector_count, expand_status, expand_info, r);
    free(views);
}

static void cd_sh_dispatch(cd_standalone_herder_t *h, cd_herder_call_t *call)
{
    cd_herder_reply_t *r = &call->reply;
    cd_sh_connector_t *c = NULL;
    switch (call->op) {
    case CD_OP_NOOP:
        cd_herder_reply_ok(r, 200, NULL);
        break;
    case CD_OP_CONNECTORS:
        cd_sh_connectors(h, call->flag1, call->flag2, r);
        break;
    case CD_OP_PUT_CONFIG:
        cd_sh_put_config(h, call->name, call->config, call->text, call->flag1, r);
        break;
    case CD_OP_PATCH_CONFIG:
        cd_sh_patch_config(h, call->name, call->json, r);
        break;
    case CD_OP_CONNECTOR_INFO:
    case CD_OP_CONNECTOR_CONFIG:
        c = cd_sh_find(h, call->name);
        if (!c)
            cd_herder_reply_error(r, 404, "Connector %s not found", call->name);
        else if (call->op == CD_OP_CONNECTOR_INFO)
            cd_herder_reply_ok(r, 200, cd_sh_connector_info(c));
        else
            cd_herder_reply_ok(r, 200, cd_herder_properties_json(c->config));
        break;
    case CD_OP_CONNECTOR_STATUS:
        c = cd_sh_find(h, call->name);
        cd_herder_connector_status_reply(h->status, call->name, c ? c->config : NULL, r);
        break;
    case CD_OP_TASK_CONFIGS: {
        c = cd_sh_find(h, call->name);
        if (!c) {
            cd_herder_reply_error(r, 404, "Connector %s not found", call->name);
            break;
        }
        cd_herder_reply_ok(r, 200, cd_herder_task_configs_json(c->name, c->tasks, c->task_count));
        break;
    }
    case CD_OP_TASK_STATUS:
        c = cd_sh_find(h, call->name);
        cd_herder_task_status_reply(h->status, call->name, call->task, c ? c->config : NULL, r);
        break;
    case CD_OP_DELETE:
        cd_sh_delete(h, call->name, r);
        break;
    case CD_OP_RESTART_CONNECTOR:
        cd_sh_restart_connector(h, call->name, call->flag1, call->flag2, r);
        break;
    case CD_OP_RESTART_TASK:
        cd_sh_restart_task(h, call->name, call->task, r);
        break;
    case CD_OP_PAUSE:
        cd_sh_pause_resume(h, call->name, CD_TARGET_PAUSED, r);
        break;
    case CD_OP_RESUME:
        cd_sh_pause_resume(h, call->name, CD_TARGET_STARTED, r);
        break;
    case CD_OP_STOP:
        cd_sh_stop(h, call->name, r);
        break;
    case CD_OP_TOPICS:
        cd_herder_topics(h->wc, h->status, call->name, false, r);
        break;
    case CD_OP_RESET_TOPICS:
        cd_herder_topics(h->wc, h->status, call->name, true, r);
        break;
    case CD_OP_OFFSETS:
    case CD_OP_ALTER_OFFSETS:
    case CD_OP_RESET_OFFSETS:
        cd_sh_offsets(h, call->name, call->op, call->json, r);
        break;
    case CD_OP_CLUSTER_LOGGER:
        /* StandaloneHerder.setClusterLoggerLevel = the worker scope. */
        cd_herder_set_local_logger_level(call->text, call->text2, r);
        break;
    case CD_OP_TASK_FAILED:
        c = cd_sh_find(h, call->name);
        if (c)
            cd_task_auto_restart_on_failure(h->auto_restart, c->name, call->task, c->config,
                                            cd_worker_now_ms());
        break;
    case CD_OP_TASK_RECONFIGURATION:
        c = cd_sh_find(h, call->name);
        if (!c || !cd_worker_is_running(h->worker, call->name))
            cd_log_error(CD_HERDER_LOGGER, "Task that requested reconfiguration does not exist: %s",
                         call->name);
        else
            cd_sh_update_tasks(h, c);
        break;
    default:
        cd_herder_reply_error(r, 500, "Unknown herder request %d", call->op);
    }
}

/* An automatic restart (task_auto_restart.h): RestartTask without a reply. */
static void cd_sh_auto_restart_task(void *opaque, const char *name, int task)
{
    cd_standalone_herder_t *h = opaque;
    cd_sh_connector_t *c = cd_sh_find(h, name);
    char errstr[512];
    if (!c || task < 0 || (size_t)task >= c->task_count)
        return;
    cd_worker_stop_tasks(h->worker, name, task);
    if (cd_worker_start_task(h->worker, name, task, c->config, c->tasks[task], c->target, errstr,
                             sizeof(errstr)) != 0)
        cd_log_error(CD_HERDER_LOGGER, "Failed to start task: %s-%d", name, task);
}

static void *cd_sh_thread_main(void *arg)
{
    cd_standalone_herder_t *h = arg;
    while (!atomic_load(&h->stopping)) {
        int64_t next = cd_task_auto_restart_next_ms(h->auto_restart, cd_worker_now_ms());
        cd_herder_call_t *call =
            cd_herder_queue_take(h->base.queue, next >= 0 && next < 1000 ? next : 1000);
        if (call) {
            cd_sh_dispatch(h, call);
            cd_herder_queue_complete(h->base.queue, call);
        }
        cd_task_auto_restart_run_due(h->auto_restart, cd_worker_now_ms(), h->status,
                                     cd_sh_auto_restart_task, h);
    }
    /* StandaloneHerder.stop: stop every connector's tasks and the connector. */
    for (size_t i = 0; i < h->connector_count; i++) {
        cd_sh_remove_tasks(h, &h->connectors[i]);
        cd_worker_stop_connector(h->worker, h->connectors[i].name);
    }
    /* Finish whatever is still queued with an error so no waiter hangs. */
    cd_abstract_herder_drain(&h->base);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

static void cd_sh_task_failed(void *opaque, const char *connector, int task)
{
    cd_standalone_herder_t *h = opaque;
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_TASK_FAILED, connector);
    if (call) {
        call->task = task;
        cd_herder_queue_post(h->base.queue, call);
    }
}

static void cd_sh_request_task_reconfiguration(void *opaque, const char *connector)
{
    cd_standalone_herder_t *h = opaque;
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_TASK_RECONFIGURATION, connector);
    if (call)
        cd_herder_queue_post(h->base.queue, call);
}

cd_standalone_herder_t *cd_standalone_herder_new(cd_worker_config_t *wc, cd_offset_store_t *offsets,
                                                 char *errstr, size_t errstr_size)
{
    cd_standalone_herder_t *h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    h->wc = wc;
    /* validateConnectorConfig takes the converter defaults from the worker config. */
    cd_connector_config_set_worker_defaults(cd_config_originals(cd_worker_config_values(wc)));
    h->offsets = offsets;
    h->auto_restart = cd_task_auto_restart_new(cd_config_originals(cd_worker_config_values(wc)));
    h->status = cd_status_store_new_memory();
    if (cd_abstract_herder_init(&h->base, false) != 0 || !h->status) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    cd_worker_listener_t listener = {
        .request_task_reconfiguration = cd_sh_request_task_reconfiguration,
        .task_failed = cd_sh_task_failed,
        .opaque = h,
    };
    h->worker = cd_worker_new(wc, offsets, h->status, &listener, errstr, errstr_size);
    h->base.worker = h->worker;
    if (!h->worker)
        goto fail;
    h->base.kafka_cluster_id = strdup(cd_worker_kafka_cluster_id(h->worker));
    return h;
fail:
    cd_abstract_herder_cleanup(&h->base);
    cd_status_store_destroy(h->status);
    free(h);
    return NULL;
}

cd_herder_t *cd_standalone_herder_herder(cd_standalone_herder_t *h)
{
    return &h->base.base;
}

int cd_standalone_herder_start(cd_standalone_herder_t *h, char *errstr, size_t errstr_size)
{
    cd_log_info(CD_HERDER_LOGGER, "Herder starting");
    if (pthread_create(&h->thread, NULL, cd_sh_thread_main, h) != 0) {
        snprintf(errstr, errstr_size, "Failed to start the herder thread");
        return -1;
    }
    h->thread_started = true;
    cd_log_info(CD_HERDER_LOGGER, "Herder started");
    return 0;
}

void cd_standalone_herder_ready(cd_standalone_herder_t *h)
{
    atomic_store(&h->base.ready, true);
}

void cd_standalone_herder_destroy(cd_standalone_herder_t *h)
{
    if (!h)
        return;
    cd_log_info(CD_HERDER_LOGGER, "Herder stopping");
    atomic_store(&h->stopping, true);
    cd_herder_queue_wakeup(h->base.queue);
    if (h->thread_started)
        pthread_join(h->thread, NULL);
    for (size_t i = 0; i < h->connector_count; i++) {
        free(h->connectors[i].name);
        cd_properties_destroy(h->connectors[i].config);
        cd_properties_destroy(h->connectors[i].applied_config);
        cd_sh_free_tasks(&h->connectors[i]);
    }
    free(h->connectors);
    h->base.worker = NULL;
    cd_worker_destroy(h->worker);
    cd_abstract_herder_cleanup(&h->base);
    cd_status_store_destroy(h->status);
    cd_task_auto_restart_destroy(h->auto_restart);
    free(h);
    cd_connector_config_set_worker_defaults(NULL);
    cd_log_info(CD_HERDER_LOGGER, "Herder stopped");
}
