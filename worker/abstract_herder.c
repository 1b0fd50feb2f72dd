/* abstract_herder.c: AbstractHerder — the REST-facing half of every herder and
 * the REST entities built from configs and statuses.
 *
 * Every Herder op packs its arguments into a cd_herder_call_t and waits while
 * the herder thread runs it (the REST timeout, 90 s); the stateless ones
 * (plugins, plugin config, validation) are answered on the REST thread. */
#include "abstract_herder.h"

#include <connectd/transform.h>

#include "../util/log.h"
#include "../util/properties.h"
#include "connector_config.h"
#include "connector_offsets.h"
#include "plugins.h"
#include "providers/config_providers.h"
#include "worker.h"

#include <connectd/data.h>
#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** RestServer.DEFAULT_REST_REQUEST_TIMEOUT_MS */
#define CD_REST_REQUEST_TIMEOUT_MS 90000
/** RestServer.DEFAULT_HEALTH_CHECK_TIMEOUT_MS */
#define CD_HEALTH_CHECK_TIMEOUT_MS 10000

/* ------------------------------------------------------------------ */
/* Entities                                                            */
/* ------------------------------------------------------------------ */

json_t *cd_herder_properties_json(const cd_properties_t *props)
{
    json_t *obj = json_object();
    for (size_t i = 0; props && i < cd_properties_count(props); i++)
        json_object_set_new(obj, cd_properties_key_at(props, i),
                            json_string(cd_properties_value_at(props, i)));
    return obj;
}

const char *cd_herder_connector_type(const cd_properties_t *config)
{
    const char *cls = config ? cd_properties_get(config, "connector.class") : NULL;
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    return plugin ? cd_connector_type_name(plugin->type) : "unknown";
}

json_t *cd_herder_connector_info_json(const char *name, const cd_properties_t *config,
                                      size_t task_count)
{
    json_t *tasks = json_array();
    for (size_t i = 0; i < task_count; i++)
        json_array_append_new(tasks, json_pack("{s:s,s:i}", "connector", name, "task", (int)i));
    return json_pack("{s:s,s:o,s:o,s:s}", "name", name, "config", cd_herder_properties_json(config),
                     "tasks", tasks, "type", cd_herder_connector_type(config));
}

const char *cd_herder_status_version(const cd_properties_t *config)
{
    return cd_plugins_status_version(config);
}

json_t *cd_herder_state_json(const cd_status_t *s, bool with_id, const char *version)
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

json_t *cd_herder_status_json(cd_status_store_t *status, const char *name,
                              const cd_properties_t *config, bool plan, bool only_failed,
                              bool include_tasks)
{
    cd_status_t cs = {0};
    if (!cd_status_store_get(status, name, -1, &cs))
        return NULL;
    if (plan && (!only_failed || cs.state == CD_STATE_FAILED))
        cs.state = CD_STATE_RESTARTING;
    size_t n = 0;
    cd_status_t *tasks = cd_status_store_get_tasks(status, name, &n);
    json_t *task_array = json_array();
    const char *version = cd_herder_status_version(config);
    for (size_t i = 0; i < n; i++) {
        if (plan && include_tasks && (!only_failed || tasks[i].state == CD_STATE_FAILED))
            tasks[i].state = CD_STATE_RESTARTING;
        json_array_append_new(task_array, cd_herder_state_json(&tasks[i], true, version));
        cd_status_clear(&tasks[i]);
    }
    free(tasks);
    json_t *out = json_pack("{s:s,s:o,s:o,s:s}", "name", name, "connector",
                            cd_herder_state_json(&cs, false, version), "tasks", task_array, "type",
                            cd_herder_connector_type(config));
    cd_status_clear(&cs);
    return out;
}

json_t *cd_herder_names_json(const char *const *names, size_t n)
{
    cd_value_t *map = cd_value_new_map();
    for (size_t i = 0; i < n; i++)
        cd_value_map_put(map, cd_value_new_cstring(names[i]), NULL);
    cd_value_map_sort_java_hash_order(map);
    json_t *out = json_array();
    for (size_t i = 0; i < cd_value_map_size(map); i++)
        json_array_append_new(out, json_string(cd_value_string(cd_value_map_key_at(map, i), NULL)));
    cd_value_destroy(map);
    return out;
}

json_t *cd_herder_task_configs_json(const char *name, cd_properties_t *const *tasks, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list,
                              json_pack("{s:{s:s,s:i},s:o}", "id", "connector", name, "task",
                                        (int)i, "config", cd_herder_properties_json(tasks[i])));
    return list;
}

/* Replaces every occurrence of @p secret in @p text (malloc'd), NULL when none. */
static char *replace_all(const char *text, const char *secret, const char *with)
{
    size_t sl = strlen(secret), wl = strlen(with), count = 0;
    if (!sl || !strstr(text, secret))
        return NULL;
    for (const char *p = strstr(text, secret); p; p = strstr(p + sl, secret))
        count++;
    size_t n = strlen(text) + count * wl + 1;
    char *out = malloc(n);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const char *p = text;;) {
        const char *q = strstr(p, secret);
        if (!q) {
            memcpy(out + o, p, strlen(p) + 1);
            break;
        }
        memcpy(out + o, p, (size_t)(q - p));
        o += (size_t)(q - p);
        memcpy(out + o, with, wl);
        o += wl;
        p = q + sl;
    }
    return out;
}

/*
 * Keeps resolved secrets out of a ConfigInfos reply: a key whose raw value holds a
 * variable shows the raw value (Java would show the resolved one; connectd does not,
 * on purpose), and its error messages get the raw text in place of the resolved one.
 */
static void mask_resolved_values(json_t *infos, const cd_properties_t *raw,
                                 const cd_properties_t *resolved)
{
    json_t *configs = json_object_get(infos, "configs");
    size_t i;
    json_t *item;
    json_array_foreach(configs, i, item)
    {
        json_t *value = json_object_get(item, "value");
        const char *name = json_string_value(json_object_get(value, "name"));
        const char *rv = name ? cd_properties_get(raw, name) : NULL;
        if (!rv || !cd_config_has_variable(rv))
            continue;
        json_t *shown = json_object_get(value, "value");
        if (json_is_string(shown) && strcmp(json_string_value(shown), "[hidden]") != 0)
            json_object_set_new(value, "value", json_string(rv));
        const char *secret = cd_properties_get(resolved, name);
        json_t *errors = json_object_get(value, "errors");
        size_t j;
        json_t *err;
        json_array_foreach(errors, j, err)
        {
            char *masked = secret && json_is_string(err)
                               ? replace_all(json_string_value(err), secret, rv)
                               : NULL;
            if (masked)
                json_array_set_new(errors, j, json_string(masked));
            free(masked);
        }
    }
}

/* validateConnectorConfig with the worker's providers: NULL with *status and errstr
 * (*provider_failed when a provider failed: Java's ConfigException). */
static json_t *validate_resolved(cd_abstract_herder_t *h, const cd_properties_t *config,
                                 int *status, bool *provider_failed, char *errstr,
                                 size_t errstr_size)
{
    *provider_failed = false;
    cd_properties_t *resolved =
        cd_worker_transform_config(h ? h->worker : NULL, config, errstr, errstr_size);
    if (!resolved) {
        *status = 500;
        *provider_failed = true;
        return NULL;
    }
    json_t *infos = cd_connector_config_validate(resolved, status, errstr, errstr_size);
    if (infos) {
        mask_resolved_values(infos, config, resolved);
    } else {
        /* the message may quote the config ("Connector config {...} contains no connector
         * type"): it is made again from the raw config, which holds no secret */
        json_t *raw = cd_connector_config_validate(config, status, errstr, errstr_size);
        if (raw) {
            json_decref(raw);
            *status = 400;
            snprintf(errstr, errstr_size, "Connector configuration is invalid");
        }
    }
    cd_properties_destroy(resolved);
    return infos;
}

int cd_herder_validate(const cd_properties_t *config, cd_herder_reply_t *r)
{
    return cd_herder_validate_config(NULL, config, r);
}

int cd_herder_validate_config(cd_abstract_herder_t *h, const cd_properties_t *config,
                              cd_herder_reply_t *r)
{
    char errstr[2048];
    int status = 500;
    bool provider_failed;
    json_t *infos = validate_resolved(h, config, &status, &provider_failed, errstr, sizeof(errstr));
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

cd_properties_t *cd_herder_patch_config(const cd_properties_t *config, const json_t *patch)
{
    cd_properties_t *patched = cd_properties_copy(config);
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)patch, key, value)
    {
        if (json_is_null(value))
            cd_properties_remove(patched, key);
        else if (json_is_string(value))
            cd_properties_set(patched, key, json_string_value(value));
    }
    return patched;
}

void cd_herder_topics(const cd_worker_config_t *wc, cd_status_store_t *status, const char *name,
                      bool reset, cd_herder_reply_t *r)
{
    const cd_config_t *values = cd_worker_config_values(wc);
    if (!cd_config_get_bool(values, "topic.tracking.enable")) {
        cd_herder_reply_error(r, 403, "Topic tracking is disabled.");
        return;
    }
    if (reset) {
        if (!cd_config_get_bool(values, "topic.tracking.allow.reset")) {
            cd_herder_reply_error(r, 403, "Topic tracking reset is disabled.");
            return;
        }
        cd_status_store_reset_topics(status, name);
        cd_herder_reply_ok(r, 202, NULL);
        return;
    }
    /* AbstractHerder.connectorActiveTopics: the topics the tasks produced to (or
     * consumed from), as the status store recorded them. */
    size_t n = 0;
    char **topics = cd_status_store_get_topics(status, name, &n);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(list, json_string(topics[i]));
        free(topics[i]);
    }
    free(topics);
    cd_herder_reply_ok(r, 200, json_pack("{s:{s:o}}", name, "topics", list));
}

void cd_herder_set_local_logger_level(const char *logger, const char *level, cd_herder_reply_t *r)
{
    cd_log_level_t parsed;
    if (!level || !cd_log_level_parse(level, &parsed)) {
        cd_herder_reply_error(r, 404, "invalid log level '%s'.", level ? level : "");
        return;
    }
    size_t n = 0;
    char **names = cd_log_set_level(logger, parsed, &n);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    cd_herder_reply_ok(r, 204, NULL);
}

void cd_herder_connector_offsets(const cd_worker_config_t *wc, cd_offset_store_t *offsets,
                                 const char *name, const cd_properties_t *config,
                                 cd_target_state_t target, size_t task_count, int op,
                                 const json_t *body, cd_herder_reply_t *r)
{
    char errstr[1024];
    int status = 500;
    if (!config) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    const char *cls = cd_properties_get(config, "connector.class");
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    if (!plugin) {
        cd_herder_reply_error(r, 500, "Failed to find connector class %s", cls ? cls : "null");
        return;
    }
    json_t *out;
    if (op == CD_OP_OFFSETS) {
        out = cd_connector_offsets_get(wc, offsets, name, plugin, config, &status, errstr,
                                       sizeof(errstr));
    } else {
        if (target != CD_TARGET_STOPPED || task_count != 0) {
            cd_herder_reply_error(
                r, 400,
                "Connectors must be in the STOPPED state before their offsets can be modified. "
                "This can be done for the specified connector by issuing a 'PUT' request to the "
                "'/connectors/%s/stop' endpoint",
                name);
            return;
        }
        out = cd_connector_offsets_modify(wc, offsets, name, plugin, config,
                                          op == CD_OP_ALTER_OFFSETS ? body : NULL, &status, errstr,
                                          sizeof(errstr));
    }
    if (!out) {
        cd_herder_reply_error(r, status, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 200, out);
}

void cd_herder_connectors_reply(cd_status_store_t *status, const cd_herder_connector_view_t *conns,
                                size_t n, bool expand_status, bool expand_info,
                                cd_herder_reply_t *r)
{
    const char **names = calloc(n + 1, sizeof(*names));
    if (!names) {
        cd_herder_reply_error(r, 500, "Out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++)
        names[i] = conns[i].name;
    json_t *list = cd_herder_names_json(names, n);
    free(names);
    if (!expand_status && !expand_info) {
        cd_herder_reply_ok(r, 200, list);
        return;
    }
    json_t *out = json_object();
    size_t i;
    json_t *name;
    json_array_foreach(list, i, name)
    {
        const char *text = json_string_value(name);
        const cd_herder_connector_view_t *c = NULL;
        for (size_t k = 0; k < n && !c; k++)
            if (strcmp(conns[k].name, text) == 0)
                c = &conns[k];
        json_t *entry = json_object();
        if (expand_status) {
            json_t *state = cd_herder_status_json(status, text, c->config, false, false, false);
            if (!state) {
                json_decref(entry);
                json_decref(out);
                json_decref(list);
                cd_herder_reply_error(r, 404, "No status found for connector %s", text);
                return;
            }
            json_object_set_new(entry, "status", state);
        }
        if (expand_info)
            json_object_set_new(entry, "info",
                                cd_herder_connector_info_json(text, c->config, c->task_count));
        json_object_set_new(out, text, entry);
    }
    json_decref(list);
    cd_herder_reply_ok(r, 200, out);
}

void cd_herder_connector_status_reply(cd_status_store_t *status, const char *name,
                                      const cd_properties_t *config, cd_herder_reply_t *r)
{
    json_t *state = cd_herder_status_json(status, name, config, false, false, false);
    if (!state)
        cd_herder_reply_error(r, 404, "No status found for connector %s", name);
    else
        cd_herder_reply_ok(r, 200, state);
}

void cd_herder_task_status_reply(cd_status_store_t *status, const char *name, int task,
                                 const cd_properties_t *config, cd_herder_reply_t *r)
{
    cd_status_t s = {0};
    if (!cd_status_store_get(status, name, task, &s)) {
        cd_herder_reply_error(r, 404, "No status found for task %s-%d", name, task);
        return;
    }
    cd_herder_reply_ok(r, 200, cd_herder_state_json(&s, true, cd_herder_status_version(config)));
    cd_status_clear(&s);
}

char *cd_herder_location(const char *name)
{
    size_t size = strlen(name) + sizeof("/connectors/");
    char *location = malloc(size);
    if (location)
        snprintf(location, size, "/connectors/%s", name);
    return location;
}

/* ------------------------------------------------------------------ */
/* Stateless requests (answered on the REST thread)                    */
/* ------------------------------------------------------------------ */

static void cd_ah_plugins(cd_herder_t *base, bool connectors_only, cd_herder_reply_t *r)
{
    (void)base;
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

static void cd_ah_plugin_config(cd_herder_t *base, const char *plugin_name, cd_herder_reply_t *r)
{
    (void)base;
    const cd_connector_plugin_t *plugin = cd_plugins_find_connector(plugin_name);
    if (plugin) {
        cd_herder_reply_ok(r, 200, cd_connector_plugin_config_json(plugin));
        return;
    }
    {
        /* ConnectorPluginsResource.getConnectorConfigDef: a transformation's or
         * predicate's own config() */
        const cd_transform_plugin_t *tp = cd_transform_plugin_find(plugin_name);
        const cd_predicate_plugin_t *pp = tp ? NULL : cd_predicate_plugin_find(plugin_name);
        const cd_config_key_t *keys = tp ? tp->config_keys : pp ? pp->config_keys : NULL;
        if (tp || pp) {
            json_t *arr = json_array();
            for (size_t i = 0; keys && keys[i].name; i++)
                if (!keys[i].internal)
                    json_array_append_new(arr, cd_config_key_info_json(&keys[i]));
            cd_herder_reply_ok(r, 200, arr);
            return;
        }
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

static void cd_ah_validate(cd_herder_t *base, const char *plugin, const cd_properties_t *config,
                           cd_herder_reply_t *r)
{
    (void)plugin;
    char errstr[2048];
    int status = 500;
    bool provider_failed;
    json_t *infos = validate_resolved((cd_abstract_herder_t *)base, config, &status,
                                      &provider_failed, errstr, sizeof(errstr));
    if (!infos && provider_failed) {
        cd_herder_reply_error(r, 500, "%s: %s", CD_CONFIG_EXCEPTION, errstr);
        return;
    }
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

static void cd_ah_server_info(cd_herder_t *base, cd_herder_reply_t *r)
{
    cd_abstract_herder_t *h = (cd_abstract_herder_t *)base;
    cd_herder_reply_ok(r, 200,
                       json_pack("{s:s,s:s,s:s?}", "version", CONNECTD_KAFKA_COMPAT_VERSION,
                                 "commit", "connectd-" CONNECTD_VERSION, "kafka_cluster_id",
                                 h->kafka_cluster_id));
}

static void cd_ah_health(cd_herder_t *base, cd_herder_reply_t *r)
{
    cd_abstract_herder_t *h = (cd_abstract_herder_t *)base;
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

/* ------------------------------------------------------------------ */
/* Queued requests                                                     */
/* ------------------------------------------------------------------ */

void cd_abstract_herder_submit(cd_abstract_herder_t *h, cd_herder_call_t *call,
                               cd_herder_reply_t *r)
{
    if (!call) {
        cd_herder_reply_error(r, 500, "Out of memory");
        return;
    }
    if (!cd_herder_queue_call(h->queue, call, CD_REST_REQUEST_TIMEOUT_MS, r))
        cd_herder_reply_error(r, 500, "Request timed out");
}

cd_herder_call_t *cd_abstract_herder_call(int op, const char *name)
{
    cd_herder_call_t *call = cd_herder_call_new(op);
    if (call && name)
        call->name = strdup(name);
    return call;
}

static void cd_ah_submit(cd_herder_t *base, cd_herder_call_t *call, cd_herder_reply_t *r)
{
    cd_abstract_herder_submit((cd_abstract_herder_t *)base, call, r);
}

static void cd_ah_connectors(cd_herder_t *base, bool expand_status, bool expand_info,
                             cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_CONNECTORS, NULL);
    if (call) {
        call->flag1 = expand_status;
        call->flag2 = expand_info;
    }
    cd_ah_submit(base, call, r);
}

static void cd_ah_put_config(cd_herder_t *base, const char *name, const cd_properties_t *config,
                             const char *initial_state, bool allow_replace, cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_PUT_CONFIG, name);
    if (call) {
        call->config = cd_properties_copy(config);
        call->text = initial_state ? strdup(initial_state) : NULL;
        call->flag1 = allow_replace;
    }
    cd_ah_submit(base, call, r);
}

static void cd_ah_json_op(cd_herder_t *base, int op, const char *name, const json_t *json,
                          cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(op, name);
    if (call && json)
        call->json = json_deep_copy(json);
    cd_ah_submit(base, call, r);
}

static void cd_ah_patch_config(cd_herder_t *base, const char *name, const json_t *patch,
                               cd_herder_reply_t *r)
{
    cd_ah_json_op(base, CD_OP_PATCH_CONFIG, name, patch, r);
}

static void cd_ah_alter_offsets(cd_herder_t *base, const char *name, const json_t *body,
                                cd_herder_reply_t *r)
{
    cd_ah_json_op(base, CD_OP_ALTER_OFFSETS, name, body, r);
}

#define CD_AH_SIMPLE_OP(fn, op)                                                                    \
    static void fn(cd_herder_t *base, const char *name, cd_herder_reply_t *r)                      \
    {                                                                                              \
        cd_ah_submit(base, cd_abstract_herder_call(op, name), r);                                  \
    }

CD_AH_SIMPLE_OP(cd_ah_connector_info, CD_OP_CONNECTOR_INFO)
CD_AH_SIMPLE_OP(cd_ah_connector_config, CD_OP_CONNECTOR_CONFIG)
CD_AH_SIMPLE_OP(cd_ah_connector_status, CD_OP_CONNECTOR_STATUS)
CD_AH_SIMPLE_OP(cd_ah_task_configs, CD_OP_TASK_CONFIGS)
CD_AH_SIMPLE_OP(cd_ah_delete, CD_OP_DELETE)
CD_AH_SIMPLE_OP(cd_ah_pause, CD_OP_PAUSE)
CD_AH_SIMPLE_OP(cd_ah_resume, CD_OP_RESUME)
CD_AH_SIMPLE_OP(cd_ah_stop, CD_OP_STOP)
CD_AH_SIMPLE_OP(cd_ah_topics, CD_OP_TOPICS)
CD_AH_SIMPLE_OP(cd_ah_reset_topics, CD_OP_RESET_TOPICS)
CD_AH_SIMPLE_OP(cd_ah_offsets, CD_OP_OFFSETS)
CD_AH_SIMPLE_OP(cd_ah_reset_offsets, CD_OP_RESET_OFFSETS)

static void cd_ah_task_op(cd_herder_t *base, int op, const char *name, int task,
                          cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(op, name);
    if (call)
        call->task = task;
    cd_ah_submit(base, call, r);
}

static void cd_ah_task_status(cd_herder_t *base, const char *name, int task, cd_herder_reply_t *r)
{
    cd_ah_task_op(base, CD_OP_TASK_STATUS, name, task, r);
}

static void cd_ah_restart_task(cd_herder_t *base, const char *name, int task, cd_herder_reply_t *r)
{
    cd_ah_task_op(base, CD_OP_RESTART_TASK, name, task, r);
}

static void cd_ah_restart_connector(cd_herder_t *base, const char *name, bool include_tasks,
                                    bool only_failed, cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_RESTART_CONNECTOR, name);
    if (call) {
        call->flag1 = include_tasks;
        call->flag2 = only_failed;
    }
    cd_ah_submit(base, call, r);
}

static void cd_ah_cluster_logger(cd_herder_t *base, const char *logger, const char *level,
                                 cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_CLUSTER_LOGGER, NULL);
    if (call) {
        call->text = strdup(logger);
        call->text2 = strdup(level ? level : "");
    }
    cd_ah_submit(base, call, r);
}

static void cd_ah_signed_op(cd_herder_t *base, int op, const char *name, const json_t *json,
                            const cd_internal_signature_t *sig, cd_herder_reply_t *r)
{
    cd_herder_call_t *call = cd_abstract_herder_call(op, name);
    if (call) {
        if (json)
            call->json = json_deep_copy(json);
        if (sig && sig->algorithm)
            call->text = strdup(sig->algorithm);
        if (sig && sig->signature)
            call->text2 = strdup(sig->signature);
        if (sig && sig->body && sig->body_len > 0) {
            call->blob = malloc(sig->body_len);
            if (call->blob) {
                memcpy(call->blob, sig->body, sig->body_len);
                call->blob_len = sig->body_len;
            }
        }
        call->flag1 = sig && sig->algorithm && sig->signature; /* headers present */
    }
    cd_ah_submit(base, call, r);
}

static void cd_ah_put_task_configs(cd_herder_t *base, const char *name, const json_t *configs,
                                   const cd_internal_signature_t *signature, cd_herder_reply_t *r)
{
    cd_ah_signed_op(base, CD_OP_PUT_TASK_CONFIGS, name, configs, signature, r);
}

static void cd_ah_fence_zombies(cd_herder_t *base, const char *name,
                                const cd_internal_signature_t *signature, cd_herder_reply_t *r)
{
    cd_ah_signed_op(base, CD_OP_FENCE_ZOMBIES, name, NULL, signature, r);
}

int cd_abstract_herder_init(cd_abstract_herder_t *h, bool internal_endpoints)
{
    h->ops = (cd_herder_ops_t){
        .server_info = cd_ah_server_info,
        .health = cd_ah_health,
        .connectors = cd_ah_connectors,
        .put_connector_config = cd_ah_put_config,
        .patch_connector_config = cd_ah_patch_config,
        .connector_info = cd_ah_connector_info,
        .connector_config = cd_ah_connector_config,
        .connector_status = cd_ah_connector_status,
        .task_configs = cd_ah_task_configs,
        .task_status = cd_ah_task_status,
        .delete_connector = cd_ah_delete,
        .restart_connector = cd_ah_restart_connector,
        .restart_task = cd_ah_restart_task,
        .pause_connector = cd_ah_pause,
        .resume_connector = cd_ah_resume,
        .stop_connector = cd_ah_stop,
        .connector_topics = cd_ah_topics,
        .reset_connector_topics = cd_ah_reset_topics,
        .connector_offsets = cd_ah_offsets,
        .alter_connector_offsets = cd_ah_alter_offsets,
        .reset_connector_offsets = cd_ah_reset_offsets,
        .plugins = cd_ah_plugins,
        .plugin_config = cd_ah_plugin_config,
        .validate_config = cd_ah_validate,
        .set_cluster_logger_level = cd_ah_cluster_logger,
        .put_task_configs = internal_endpoints ? cd_ah_put_task_configs : NULL,
        .fence_zombies = internal_endpoints ? cd_ah_fence_zombies : NULL,
    };
    h->base.ops = &h->ops;
    h->queue = cd_herder_queue_new();
    atomic_store(&h->ready, false);
    return h->queue ? 0 : -1;
}

void cd_abstract_herder_drain(cd_abstract_herder_t *h)
{
    cd_herder_queue_close(h->queue);
    cd_herder_call_t *call;
    while ((call = cd_herder_queue_take(h->queue, 0)) != NULL) {
        cd_herder_reply_error(&call->reply, 503, "The worker is shutting down");
        cd_herder_queue_complete(h->queue, call);
    }
}

void cd_abstract_herder_cleanup(cd_abstract_herder_t *h)
{
    cd_herder_queue_destroy(h->queue);
    h->queue = NULL;
    free(h->kafka_cluster_id);
    h->kafka_cluster_id = NULL;
}
