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

#include "../util/log.h"
#include "../util/properties.h"
#include "connector_config.h"
#include "connector_offsets.h"
#include "herder_queue.h"
#include "plugins.h"
#include "status.h"
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
/** RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS */
#define CD_REST_REQUEST_TIMEOUT_MS 90000
/** RestServer.DEFAULT_HEALTH_CHECK_TIMEOUT_MS */
#define CD_HEALTH_CHECK_TIMEOUT_MS 10000

enum cd_standalone_op {
    CD_OP_NOOP,
    CD_OP_CONNECTORS,
    CD_OP_PUT_CONFIG,
    CD_OP_PATCH_CONFIG,
    CD_OP_CONNECTOR_INFO,
    CD_OP_CONNECTOR_CONFIG,
    CD_OP_CONNECTOR_STATUS,
    CD_OP_TASK_CONFIGS,
    CD_OP_TASK_STATUS,
    CD_OP_DELETE,
    CD_OP_RESTART_CONNECTOR,
    CD_OP_RESTART_TASK,
    CD_OP_PAUSE,
    CD_OP_RESUME,
    CD_OP_STOP,
    CD_OP_TOPICS,
    CD_OP_RESET_TOPICS,
    CD_OP_OFFSETS,
    CD_OP_ALTER_OFFSETS,
    CD_OP_RESET_OFFSETS,
    CD_OP_PLUGINS,
    CD_OP_PLUGIN_CONFIG,
    CD_OP_VALIDATE,
    CD_OP_CLUSTER_LOGGER,
    CD_OP_TASK_RECONFIGURATION,
};

typedef struct cd_sh_connector_s {
    char *name;
    cd_properties_t *config;
    cd_target_state_t target;
    cd_properties_t **tasks; /* task configs, in task id order */
    size_t task_count;
    cd_properties_t *applied_config; /* the config the task configs came from */
} cd_sh_connector_t;

struct cd_standalone_herder_s {
    cd_herder_t base; /* must be first */
    cd_worker_config_t *wc;
    cd_offset_store_t *offsets;
    cd_status_store_t *status;
    cd_worker_t *worker;
    cd_herder_queue_t *queue;
    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;
    atomic_bool ready;

    /* herder thread only */
    cd_sh_connector_t *connectors;
    size_t connector_count, connector_capacity;
};

/* ------------------------------------------------------------------ */
/* Entities                                                            */
/* ------------------------------------------------------------------ */

static json_t *cd_properties_to_json(const cd_properties_t *props)
{
    json_t *obj = json_object();
    for (size_t i = 0; i < cd_properties_count(props); i++)
        json_object_set_new(obj, cd_properties_key_at(props, i),
                            json_string(cd_properties_value_at(props, i)));
    return obj;
}

/* AbstractHerder.connectorType: the plugin's type, or "unknown". */
static const char *cd_sh_connector_type(const cd_properties_t *config)
{
    const char *cls = config ? cd_properties_get(config, "connector.class") : NULL;
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    return plugin ? cd_connector_type_name(plugin->type) : "unknown";
}

static cd_sh_connector_t *cd_sh_find(cd_standalone_herder_t *h, const char *name)
{
    for (size_t i = 0; i < h->connector_count; i++)
        if (strcmp(h->connectors[i].name, name) == 0)
            return &h->connectors[i];
    return NULL;
}

static json_t *cd_sh_task_ids_json(const cd_sh_connector_t *c)
{
    json_t *tasks = json_array();
    for (size_t i = 0; i < c->task_count; i++)
        json_array_append_new(tasks, json_pack("{s:s,s:i}", "connector", c->name, "task", (int)i));
    return tasks;
}

/* ConnectorInfo */
static json_t *cd_sh_connector_info(const cd_sh_connector_t *c)
{
    return json_pack("{s:s,s:o,s:o,s:s}", "name", c->name, "config",
                     cd_properties_to_json(c->config), "tasks", cd_sh_task_ids_json(c), "type",
                     cd_sh_connector_type(c->config));
}

/* The plugin version a status carries (Worker.connectorVersion / taskVersion):
 * the connector plugin's version, NULL when unknown or "undefined". */
static const char *cd_sh_status_version(const cd_properties_t *config)
{
    const char *cls = config ? cd_properties_get(config, "connector.class") : NULL;
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    if (!plugin || !plugin->version || strcmp(plugin->version, "undefined") == 0)
        return NULL;
    return plugin->version;
}

/* ConnectorStateInfo.ConnectorState / TaskState */
static json_t *cd_sh_state_json(const cd_status_t *s, bool with_id, const char *version)
{
    json_t *obj = json_object();
    if (with_id)
        json_object_set_new(obj, "id", json_integer(s->task));
    json_object_set_new(obj, "state", json_string(cd_state_name(s->state)));
    json_object_set_new(obj, "worker_id", json_string(s->worker_id ? s->worker_id : ""));
    if (s->trace && *s->trace) /* @JsonInclude(NON_EMPTY) */
        json_object_set_new(obj, "trace", json_string(s->trace));
    if (version) /* @JsonInclude(CUSTOM, PluginInfo.NoVersionFilter) */
        json_object_set_new(obj, "version", json_string(version));
    return obj;
}

/* ConnectorStateInfo, or NULL when there is no connector status. With a restart
 * plan (restart_connector / restart_tasks / only_failed), the items to restart
 * show RESTARTING (AbstractHerder.buildRestartPlan). */
static json_t *cd_sh_status_json(cd_standalone_herder_t *h, const char *name,
                                 const cd_properties_t *config, bool plan, bool only_failed,
                                 bool include_tasks)
{
    cd_status_t cs = {0};
    if (!cd_status_store_get(h->status, name, -1, &cs))
        return NULL;
    if (plan && (!only_failed || cs.state == CD_STATE_FAILED))
        cs.state = CD_STATE_RESTARTING;
    size_t n = 0;
    cd_status_t *tasks = cd_status_store_get_tasks(h->status, name, &n);
    json_t *task_array = json_array();
    for (size_t i = 0; i < n; i++) {
        if (plan && include_tasks && (!only_failed || tasks[i].state == CD_STATE_FAILED))
            tasks[i].state = CD_STATE_RESTARTING;
        json_array_append_new(task_array,
                              cd_sh_state_json(&tasks[i], true, cd_sh_status_version(config)));
        cd_status_clear(&tasks[i]);
    }
    free(tasks);
    json_t *out = json_pack("{s:s,s:o,s:o,s:s}", "name", name, "connector",
                            cd_sh_state_json(&cs, false, cd_sh_status_version(config)), "tasks",
                            task_array, "type", cd_sh_connector_type(config));
    cd_status_clear(&cs);
    return out;
}

/* Connector names in Java HashMap iteration order (the herder's configs map). */
static json_t *cd_sh_names_json(cd_standalone_herder_t *h)
{
    cd_value_t *map = cd_value_new_map();
    for (size_t i = 0; i < h->connector_count; i++)
        cd_value_map_put(map, cd_value_new_cstring(h->connectors[i].name), NULL);
    cd_value_map_sort_java_hash_order(map);
    json_t *names = json_array();
    for (size_t i = 0; i < cd_value_map_size(map); i++)
        json_array_append_new(names,
                              json_string(cd_value_string(cd_value_map_key_at(map, i), NULL)));
    cd_value_destroy(map);
    return names;
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

/* Validation as AbstractHerder.validateConnectorConfig + maybeAddConfigErrors.
 * @returns 0 if valid, else -1 with the error in the reply. */
static int cd_sh_validate(const cd_properties_t *config, cd_herder_reply_t *r)
{
    char errstr[2048];
    int status = 500;
    json_t *infos = cd_connector_config_validate(config, &status, errstr, sizeof(errstr));
    if (!infos) {
        cd_herder_reply_error(r, status, "%s", errstr);
        return -1;
    }
    if (cd_config_infos_error_count(infos) > 0) {
        char *message = cd_config_infos_error_message(infos);
        cd_herder_reply_error(r, 400, "%s",
                              message ? message : "Connector configuration is invalid");
        free(message);
        json_decref(infos);
        return -1;
    }
    json_decref(infos);
    return 0;
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
    if (cd_sh_validate(config, r) != 0)
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
    if (created) {
        size_t size = strlen(name) + sizeof("/connectors/");
        r->location = malloc(size);
        if (r->location)
            snprintf(r->location, size, "/connectors/%s", name);
    }
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
    cd_properties_t *patched = cd_properties_copy(c->config);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)patch, key, value)
    {
        if (json_is_null(value))
            cd_properties_remove(patched, key);
        else if (json_is_string(value))
            cd_properties_set(patched, key, json_string_value(value));
    }
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
    json_t *plan = cd_sh_status_json(h, name, c->config, true, only_failed, include_tasks);
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

static void cd_sh_topics(cd_standalone_herder_t *h, const char *name, bool reset,
                         cd_herder_reply_t *r)
{
    const cd_config_t *values = cd_worker_config_values(h->wc);
    if (!cd_config_get_bool(values, "topic.tracking.enable")) {
        cd_herder_reply_error(r, 403, "Topic tracking is disabled.");
        return;
    }
    if (reset) {
        if (!cd_config_get_bool(values, "topic.tracking.allow.reset")) {
            cd_herder_reply_error(r, 403, "Topic tracking reset is disabled.");
            return;
        }
        cd_status_store_reset_topics(h->status, name);
        cd_herder_reply_ok(r, 202, NULL);
        return;
    }
    /* AbstractHerder.connectorActiveTopics: the topics the tasks produced to (or
     * consumed from), as the status store recorded them. */
    size_t n = 0;
    char **topics = cd_status_store_get_topics(h->status, name, &n);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_string(topics[i]));
        free(topics[i]);
    }
    free(topics);
    cd_herder_reply_ok(r, 200, json_pack("{s:{s:o}}", name, "topics", list));
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
    if (!c) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    const char *cls = cd_properties_get(c->config, "connector.class");
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    if (!plugin) {
        cd_herder_reply_error(r, 500, "Failed to find connector class %s", cls ? cls : "null");
        return;
    }
    json_t *out;
    if (op == CD_OP_OFFSETS) {
        out = cd_connector_offsets_get(h->wc, h->offsets, name, plugin, c->config, &status, errstr,
                                       sizeof(errstr));
    } else {
        if (c->target != CD_TARGET_STOPPED || c->task_count != 0) {
            cd_herder_reply_error(
                r, 400,
                "Connectors must be in the STOPPED state before their offsets can be modified. "
                "This can be done for the specified connector by issuing a 'PUT' request to the "
                "'/connectors/%s/stop' endpoint",
                name);
            return;
        }
        out = cd_connector_offsets_modify(h->wc, h->offsets, name, plugin, c->config,
                                          op == CD_OP_ALTER_OFFSETS ? body : NULL, &status, errstr,
                                          sizeof(errstr));
    }
    if (!out) {
        cd_herder_reply_error(r, status, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 200, out);
}

static void cd_sh_plugins(bool connectors_only, cd_herder_reply_t *r)
{
    size_t n = 0;
    cd_plugin_info_t *infos = cd_plugins_all(&n);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        bool is_connector =
            strcmp(infos[i].type, "source") == 0 || strcmp(infos[i].type, "sink") == 0;
        if (connectors_only && !is_connector)
            continue;
        json_t *row = json_pack("{s:s,s:s}", "class", infos[i].class_name, "type", infos[i].type);
        if (infos[i].version && strcmp(infos[i].version, "undefined") != 0)
            json_object_set_new(row, "version", json_string(infos[i].version));
        json_array_append_new(list, row);
    }
    free(infos);
    cd_herder_reply_ok(r, 200, list);
}

static void cd_sh_plugin_config(const char *plugin_name, cd_herder_reply_t *r)
{
    const cd_connector_plugin_t *plugin = cd_plugins_find_connector(plugin_name);
    if (plugin) {
        cd_herder_reply_ok(r, 200, cd_connector_plugin_config_json(plugin));
        return;
    }
    size_t n = 0;
    cd_plugin_info_t *infos = cd_plugins_all(&n);
    bool known = false;
    for (size_t i = 0; i < n && !known; i++)
        known = strcmp(infos[i].class_name, plugin_name) == 0;
    free(infos);
    if (known || cd_converter_plugin_find(plugin_name)) {
        /* Converters and other plugin kinds have no config tables yet. */
        cd_herder_reply_ok(r, 200, json_array());
        return;
    }
    cd_herder_reply_error(r, 404, "Unknown plugin %s.", plugin_name);
}

static void cd_sh_validate_config(const cd_properties_t *config, cd_herder_reply_t *r)
{
    char errstr[2048];
    int status = 500;
    json_t *infos = cd_connector_config_validate(config, &status, errstr, sizeof(errstr));
    if (!infos) {
        /* ConnectorPluginsResource.validateConfigs waits on the herder's future: a
         * BadRequestException arrives wrapped in an ExecutionException and the
         * mapper answers 500 with the cause's toString(). */
        if (status == 400)
            cd_herder_reply_error(r, 500,
                                  "org.apache.kafka.connect.runtime.rest.errors."
                                  "BadRequestException: %s",
                                  errstr);
        else
            cd_herder_reply_error(r, status, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 200, infos);
}

static void cd_sh_connectors(cd_standalone_herder_t *h, bool expand_status, bool expand_info,
                             cd_herder_reply_t *r)
{
    json_t *names = cd_sh_names_json(h);
    if (!expand_status && !expand_info) {
        cd_herder_reply_ok(r, 200, names);
        return;
    }
    json_t *out = json_object();
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        const char *n = json_string_value(name);
        cd_sh_connector_t *c = cd_sh_find(h, n);
        json_t *entry = json_object();
        if (expand_status) {
            json_t *status = cd_sh_status_json(h, n, c->config, false, false, false);
            if (!status) {
                json_decref(entry);
                json_decref(out);
                json_decref(names);
                cd_herder_reply_error(r, 404, "No status found for connector %s", n);
                return;
            }
            json_object_set_new(entry, "status", status);
        }
        if (expand_info)
            json_object_set_new(entry, "info", cd_sh_connector_info(c));
        json_object_set_new(out, n, entry);
    }
    json_decref(names);
    cd_herder_reply_ok(r, 200, out);
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
            cd_herder_reply_ok(r, 200, cd_properties_to_json(c->config));
        break;
    case CD_OP_CONNECTOR_STATUS: {
        c = cd_sh_find(h, call->name);
        json_t *status =
            cd_sh_status_json(h, call->name, c ? c->config : NULL, false, false, false);
        if (!status)
            cd_herder_reply_error(r, 404, "No status found for connector %s", call->name);
        else
            cd_herder_reply_ok(r, 200, status);
        break;
    }
    case CD_OP_TASK_CONFIGS: {
        c = cd_sh_find(h, call->name);
        if (!c) {
            cd_herder_reply_error(r, 404, "Connector %s not found", call->name);
            break;
        }
        json_t *list = json_array();
        for (size_t i = 0; i < c->task_count; i++)
            json_array_append_new(list,
                                  json_pack("{s:{s:s,s:i},s:o}", "id", "connector", c->name, "task",
                                            (int)i, "config", cd_properties_to_json(c->tasks[i])));
        cd_herder_reply_ok(r, 200, list);
        break;
    }
    case CD_OP_TASK_STATUS: {
        cd_status_t s = {0};
        if (!cd_status_store_get(h->status, call->name, call->task, &s)) {
            cd_herder_reply_error(r, 404, "No status found for task %s-%d", call->name, call->task);
            break;
        }
        c = cd_sh_find(h, call->name);
        cd_herder_reply_ok(r, 200,
                           cd_sh_state_json(&s, true, cd_sh_status_version(c ? c->config : NULL)));
        cd_status_clear(&s);
        break;
    }
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
        cd_sh_topics(h, call->name, false, r);
        break;
    case CD_OP_RESET_TOPICS:
        cd_sh_topics(h, call->name, true, r);
        break;
    case CD_OP_OFFSETS:
    case CD_OP_ALTER_OFFSETS:
    case CD_OP_RESET_OFFSETS:
        cd_sh_offsets(h, call->name, call->op, call->json, r);
        break;
    case CD_OP_PLUGINS:
        cd_sh_plugins(call->flag1, r);
        break;
    case CD_OP_PLUGIN_CONFIG:
        cd_sh_plugin_config(call->text, r);
        break;
    case CD_OP_VALIDATE:
        cd_sh_validate_config(call->config, r);
        break;
    case CD_OP_CLUSTER_LOGGER: {
        /* StandaloneHerder.setClusterLoggerLevel = the worker scope. */
        cd_log_level_t level;
        if (!cd_log_level_parse(call->text2, &level)) {
            cd_herder_reply_error(r, 404, "invalid log level '%s'.", call->text2);
            break;
        }
        size_t n = 0;
        char **names = cd_log_set_level(call->text, level, &n);
        for (size_t i = 0; i < n; i++)
            free(names[i]);
        free(names);
        cd_herder_reply_ok(r, 204, NULL);
        break;
    }
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

static void *cd_sh_thread_main(void *arg)
{
    cd_standalone_herder_t *h = arg;
    while (!atomic_load(&h->stopping)) {
        cd_herder_call_t *call = cd_herder_queue_take(h->queue, 1000);
        if (!call)
            continue;
        cd_sh_dispatch(h, call);
        cd_herder_queue_complete(h->queue, call);
    }
    /* StandaloneHerder.stop: stop every connector's tasks and the connector. */
    for (size_t i = 0; i < h->connector_count; i++) {
        cd_sh_remove_tasks(h, &h->connectors[i]);
        cd_worker_stop_connector(h->worker, h->connectors[i].name);
    }
    /* Finish whatever is still queued with an error so no waiter hangs. */
    cd_herder_queue_close(h->queue);
    cd_herder_call_t *call;
    while ((call = cd_herder_queue_take(h->queue, 0)) != NULL) {
        cd_herder_reply_error(&call->reply, 503, "The worker is shutting down");
        cd_herder_queue_complete(h->queue, call);
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Herder ops (REST threads)                                           */
/* ------------------------------------------------------------------ */

static cd_standalone_herder_t *cd_sh(cd_herder_t *base)
{
    return (cd_standalone_herder_t *)base;
}

static void cd_sh_submit(cd_herder_t *base, cd_herder_call_t *call, cd_herder_reply_t *r)
{
    cd_standalone_herder_t *h = cd_sh(base);
    if (!call) {
        cd_herder_reply_error(r, 500, "Out of memory");
        return;
    }
    if (!cd_herder_queue_call(h->queue, call, CD_REST_REQUEST_TIMEOUT_MS, r))
        cd_herder_reply_error(r, 500, "Request timed out");
}

static cd_herder_call_t *cd_sh_call(int op, const char *name)
{
    cd_herder_call_t *call = cd_herder_call_new(op);
    if (call && name)
        call->name = strdup(name);
    return call;
}

static void cd_sh_op_server_info(cd_herder_t *base, cd_herder_reply_t *r)
{
    cd_standalone_herder_t *h = cd_sh(base);
    const char *cluster = cd_worker_kafka_cluster_id(h->worker);
    cd_herder_reply_ok(r, 200,
                       json_pack("{s:s,s:s,s:s?}", "version", CONNECTD_KAFKA_COMPAT_VERSION,
                                 "commit", "connectd-" CONNECTD_VERSION, "kafka_cluster_id",
                                 cluster));
}

static void cd_sh_op_health(cd_herder_t *base, cd_herder_reply_t *r)
{
    cd_standalone_herder_t *h = cd_sh(base);
    if (!atomic_load(&h->ready)) {
        cd_herder_reply_ok(r, 503,
                           json_pack("{s:s,s:s}", "status", "starting", "message",
                                     "Worker is still starting up."));
        return;
    }
    cd_herder_reply_t probe;
    if (!cd_herder_queue_call(h->queue, cd_herder_call_new(CD_OP_NOOP), CD_HEALTH_CHECK_TIMEOUT_MS,
                              &probe)) {
        cd_herder_reply_ok(r, 500,
                           json_pack("{s:s,s:s}", "status", "unhealthy", "message",
                                     "Worker was unable to handle this request and may be "
                                     "unable to handle other requests."));
        return;
    }
    cd_herder_reply_clear(&probe);
    cd_herder_reply_ok(r, 200,
                       json_pack("{s:s,s:s}", "status", "healthy", "message",
                                 "Worker has completed startup and is ready to handle requests."));
}

static void cd_sh_op_connectors(cd_herder_t *base, bool expand_status, bool expand_info,
                                cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_CONNECTORS, NULL);
    if (call) {
        call->flag1 = expand_status;
        call->flag2 = expand_info;
    }
    cd_sh_submit(base, call, r);
}

static void cd_sh_op_put_config(cd_herder_t *base, const char *name, const cd_properties_t *config,
                                const char *initial_state, bool allow_replace, cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_PUT_CONFIG, name);
    if (call) {
        call->config = cd_properties_copy(config);
        call->text = initial_state ? strdup(initial_state) : NULL;
        call->flag1 = allow_replace;
    }
    cd_sh_submit(base, call, r);
}

static void cd_sh_op_patch_config(cd_herder_t *base, const char *name, const json_t *patch,
                                  cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_PATCH_CONFIG, name);
    if (call)
        call->json = json_deep_copy(patch);
    cd_sh_submit(base, call, r);
}

#define CD_SH_SIMPLE_OP(fn, op)                                                                    \
    static void fn(cd_herder_t *base, const char *name, cd_herder_reply_t *r)                      \
    {                                                                                              \
        cd_sh_submit(base, cd_sh_call(op, name), r);                                               \
    }

CD_SH_SIMPLE_OP(cd_sh_op_connector_info, CD_OP_CONNECTOR_INFO)
CD_SH_SIMPLE_OP(cd_sh_op_connector_config, CD_OP_CONNECTOR_CONFIG)
CD_SH_SIMPLE_OP(cd_sh_op_connector_status, CD_OP_CONNECTOR_STATUS)
CD_SH_SIMPLE_OP(cd_sh_op_task_configs, CD_OP_TASK_CONFIGS)
CD_SH_SIMPLE_OP(cd_sh_op_delete, CD_OP_DELETE)
CD_SH_SIMPLE_OP(cd_sh_op_pause, CD_OP_PAUSE)
CD_SH_SIMPLE_OP(cd_sh_op_resume, CD_OP_RESUME)
CD_SH_SIMPLE_OP(cd_sh_op_stop, CD_OP_STOP)
CD_SH_SIMPLE_OP(cd_sh_op_topics, CD_OP_TOPICS)
CD_SH_SIMPLE_OP(cd_sh_op_reset_topics, CD_OP_RESET_TOPICS)
CD_SH_SIMPLE_OP(cd_sh_op_offsets, CD_OP_OFFSETS)
CD_SH_SIMPLE_OP(cd_sh_op_reset_offsets, CD_OP_RESET_OFFSETS)

static void cd_sh_op_task_status(cd_herder_t *base, const char *name, int task,
                                 cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_TASK_STATUS, name);
    if (call)
        call->task = task;
    cd_sh_submit(base, call, r);
}

static void cd_sh_op_restart_connector(cd_herder_t *base, const char *name, bool include_tasks,
                                       bool only_failed, cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_RESTART_CONNECTOR, name);
    if (call) {
        call->flag1 = include_tasks;
        call->flag2 = only_failed;
    }
    cd_sh_submit(base, call, r);
}

static void cd_sh_op_restart_task(cd_herder_t *base, const char *name, int task,
                                  cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_RESTART_TASK, name);
    if (call)
        call->task = task;
    cd_sh_submit(base, call, r);
}

static void cd_sh_op_alter_offsets(cd_herder_t *base, const char *name, const json_t *body,
                                   cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_ALTER_OFFSETS, name);
    if (call)
        call->json = json_deep_copy(body);
    cd_sh_submit(base, call, r);
}

static void cd_sh_op_plugins(cd_herder_t *base, bool connectors_only, cd_herder_reply_t *r)
{
    (void)base;
    cd_sh_plugins(connectors_only, r);
}

static void cd_sh_op_plugin_config(cd_herder_t *base, const char *plugin, cd_herder_reply_t *r)
{
    (void)base;
    cd_sh_plugin_config(plugin, r);
}

static void cd_sh_op_validate(cd_herder_t *base, const char *plugin, const cd_properties_t *config,
                              cd_herder_reply_t *r)
{
    (void)base;
    (void)plugin;
    cd_sh_validate_config(config, r);
}

static void cd_sh_op_cluster_logger(cd_herder_t *base, const char *logger, const char *level,
                                    cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_sh_call(CD_OP_CLUSTER_LOGGER, NULL);
    if (call) {
        call->text = strdup(logger);
        call->text2 = strdup(level ? level : "");
    }
    cd_sh_submit(base, call, r);
}

static const cd_herder_ops_t cd_standalone_herder_ops = {
    .server_info = cd_sh_op_server_info,
    .health = cd_sh_op_health,
    .connectors = cd_sh_op_connectors,
    .put_connector_config = cd_sh_op_put_config,
    .patch_connector_config = cd_sh_op_patch_config,
    .connector_info = cd_sh_op_connector_info,
    .connector_config = cd_sh_op_connector_config,
    .connector_status = cd_sh_op_connector_status,
    .task_configs = cd_sh_op_task_configs,
    .task_status = cd_sh_op_task_status,
    .delete_connector = cd_sh_op_delete,
    .restart_connector = cd_sh_op_restart_connector,
    .restart_task = cd_sh_op_restart_task,
    .pause_connector = cd_sh_op_pause,
    .resume_connector = cd_sh_op_resume,
    .stop_connector = cd_sh_op_stop,
    .connector_topics = cd_sh_op_topics,
    .reset_connector_topics = cd_sh_op_reset_topics,
    .connector_offsets = cd_sh_op_offsets,
    .alter_connector_offsets = cd_sh_op_alter_offsets,
    .reset_connector_offsets = cd_sh_op_reset_offsets,
    .plugins = cd_sh_op_plugins,
    .plugin_config = cd_sh_op_plugin_config,
    .validate_config = cd_sh_op_validate,
    .set_cluster_logger_level = cd_sh_op_cluster_logger,
};

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

static void cd_sh_request_task_reconfiguration(void *opaque, const char *connector)
{
    cd_standalone_herder_t *h = opaque;
    cd_herder_call_t *call = cd_sh_call(CD_OP_TASK_RECONFIGURATION, connector);
    if (call)
        cd_herder_queue_post(h->queue, call);
}

cd_standalone_herder_t *cd_standalone_herder_new(cd_worker_config_t *wc, cd_offset_store_t *offsets,
                                                 char *errstr, size_t errstr_size)
{
    cd_standalone_herder_t *h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    h->base.ops = &cd_standalone_herder_ops;
    h->wc = wc;
    /* validateConnectorConfig takes the converter defaults from the worker config. */
    cd_connector_config_set_worker_defaults(cd_config_originals(cd_worker_config_values(wc)));
    h->offsets = offsets;
    h->status = cd_status_store_new_memory();
    h->queue = cd_herder_queue_new();
    if (!h->status || !h->queue) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    cd_worker_listener_t listener = {
        .request_task_reconfiguration = cd_sh_request_task_reconfiguration,
        .opaque = h,
    };
    h->worker = cd_worker_new(wc, offsets, h->status, &listener, errstr, errstr_size);
    if (!h->worker)
        goto fail;
    return h;
fail:
    cd_herder_queue_destroy(h->queue);
    cd_status_store_destroy(h->status);
    free(h);
    return NULL;
}

cd_herder_t *cd_standalone_herder_herder(cd_standalone_herder_t *h)
{
    return &h->base;
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
    atomic_store(&h->ready, true);
}

void cd_standalone_herder_destroy(cd_standalone_herder_t *h)
{
    if (!h)
        return;
    cd_log_info(CD_HERDER_LOGGER, "Herder stopping");
    atomic_store(&h->stopping, true);
    cd_herder_queue_wakeup(h->queue);
    if (h->thread_started)
        pthread_join(h->thread, NULL);
    for (size_t i = 0; i < h->connector_count; i++) {
        free(h->connectors[i].name);
        cd_properties_destroy(h->connectors[i].config);
        cd_properties_destroy(h->connectors[i].applied_config);
        cd_sh_free_tasks(&h->connectors[i]);
    }
    free(h->connectors);
    cd_worker_destroy(h->worker);
    cd_herder_queue_destroy(h->queue);
    cd_status_store_destroy(h->status);
    free(h);
    cd_connector_config_set_worker_defaults(NULL);
    cd_log_info(CD_HERDER_LOGGER, "Herder stopped");
}
