/* main.c: the connectd command line (distributed | standalone), mirroring
 * connect-distributed.sh and connect-standalone.sh (ConnectStandalone).
 *
 * Standalone start-up follows Java's order: worker config, plugins, the REST
 * server (so /health answers "starting" early), the offsets file, the herder
 * and its worker, then the connectors named on the command line, then ready.
 * SIGTERM/SIGINT stop the REST server, then the herder (tasks flush and commit
 * within task.shutdown.graceful.timeout.ms).
 *
 * Distributed start-up follows ConnectDistributed: worker config, plugins, the
 * REST server, the offsets and status topics (created or verified, read to the
 * end), the herder (worker, config topic, group member), then the herder
 * thread joins the group. */
#include "../distributed/distributed_herder.h"
#include "../rest/rest_server.h"
#include "../storage/kafka_backing_stores.h"
#include "../util/log.h"
#include "../util/properties.h"
#include "offset_store.h"
#include "plugins.h"
#include "standalone_herder.h"
#include "worker.h"
#include "worker_config.h"

#include <connectd/version.h>

#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CD_MAIN_LOGGER "org.apache.kafka.connect.cli.AbstractConnectCli"
/** Connector files are small; Java has no limit but we bound what we read. */
#define CD_CONNECTOR_FILE_MAX (16 * 1024 * 1024)

static void usage(FILE *out)
{
    fprintf(out,
            "connectd %s — a Kafka Connect compatible worker (Apache Kafka Connect %s)\n"
            "\n"
            "Usage:\n"
            "  connectd distributed WORKER.properties\n"
            "  connectd standalone WORKER.properties [CONNECTOR.properties|CONNECTOR.json ...]\n"
            "  connectd --version\n"
            "  connectd --help\n",
            CONNECTD_VERSION, CONNECTD_KAFKA_COMPAT_VERSION);
}

/* One connector file: a JSON string map, a JSON CreateConnectorRequest, or a
 * properties file (ConnectStandalone.parseConnectorConfigurationFile). */
typedef struct cd_connector_file_s {
    char *name;
    cd_properties_t *config;
    char *initial_state;
} cd_connector_file_t;

static void cd_connector_file_clear(cd_connector_file_t *f)
{
    free(f->name);
    cd_properties_destroy(f->config);
    free(f->initial_state);
    memset(f, 0, sizeof(*f));
}

/* A JSON object whose values are all scalars becomes a string map (Jackson
 * coerces numbers and booleans). @returns NULL if it is not such a map. */
static cd_properties_t *cd_json_string_map(json_t *obj)
{
    if (!json_is_object(obj))
        return NULL;
    cd_properties_t *props = cd_properties_new();
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value)
    {
        char buf[64];
        const char *text = NULL;
        if (json_is_string(value))
            text = json_string_value(value);
        else if (json_is_integer(value))
            snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(value)),
                text = buf;
        else if (json_is_true(value))
            text = "true";
        else if (json_is_false(value))
            text = "false";
        if (!text || cd_properties_set(props, key, text) != 0) {
            cd_properties_destroy(props);
            return NULL;
        }
    }
    return props;
}

static int cd_parse_connector_file(const char *path, cd_connector_file_t *out, char *errstr,
                                   size_t errstr_size)
{
    memset(out, 0, sizeof(*out));
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_DECODE_ANY, &jerr);
    if (doc) {
        cd_properties_t *map = cd_json_string_map(doc);
        if (map) {
            const char *name = cd_properties_get(map, "name");
            if (!name) {
                cd_properties_destroy(map);
                json_decref(doc);
                goto missing_name;
            }
            out->name = strdup(name);
            out->config = map;
            json_decref(doc);
            return 0;
        }
        /* CreateConnectorRequest {"name","config","initial_state"}, unknown fields rejected */
        json_t *name = json_object_get(doc, "name");
        json_t *config = json_object_get(doc, "config");
        json_t *state = json_object_get(doc, "initial_state");
        bool only_known = json_is_object(doc);
        const char *key;
        json_t *value;
        json_object_foreach(doc, key,
                            value) if (strcmp(key, "name") != 0 && strcmp(key, "config") != 0 &&
                                       strcmp(key, "initial_state") != 0) only_known = false;
        cd_properties_t *cmap = cd_json_string_map(config);
        if (only_known && json_is_string(name) && cmap) {
            const char *cname = cd_properties_get(cmap, "name");
            if (cname && strcmp(cname, json_string_value(name)) != 0) {
                snprintf(errstr, errstr_size,
                         "Connector name configuration in 'config' doesn't match the one "
                         "specified in 'name' at '%s'",
                         path);
                cd_properties_destroy(cmap);
                json_decref(doc);
                return -1;
            }
            if (!cname)
                cd_properties_set(cmap, "name", json_string_value(name));
            out->name = strdup(json_string_value(name));
            out->config = cmap;
            out->initial_state = json_is_string(state) ? strdup(json_string_value(state)) : NULL;
            json_decref(doc);
            return 0;
        }
        cd_properties_destroy(cmap);
        json_decref(doc);
    }
    out->config = cd_properties_new();
    if (cd_properties_load_file(out->config, path, errstr, errstr_size) != 0) {
        cd_connector_file_clear(out);
        return -1;
    }
    const char *name = cd_properties_get(out->config, "name");
    if (!name) {
        cd_connector_file_clear(out);
        goto missing_name;
    }
    out->name = strdup(name);
    return 0;
missing_name:
    snprintf(errstr, errstr_size,
             "Connector configuration at '%s' is missing the mandatory 'name' field", path);
    return -1;
}

/* What both modes do first: signals, log level, worker config, plugins, REST.
 * @returns 0, or -1 after logging the error. */
static int cd_boot(cd_worker_mode_t mode, const char *path, sigset_t *signals,
                   cd_properties_t **props, cd_worker_config_t **wc, cd_rest_server_t **rest)
{
    char errstr[2048];
    /* Signals are taken by sigwait; every thread inherits the mask. */
    sigemptyset(signals);
    sigaddset(signals, SIGTERM);
    sigaddset(signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    const char *level_env = getenv("CONNECTD_LOG_LEVEL");
    cd_log_level_t level;
    if (level_env && cd_log_level_parse(level_env, &level))
        cd_log_set_root_level(level);

    cd_log_info(CD_MAIN_LOGGER, "Kafka Connect %s worker initializing ...",
                mode == CD_WORKER_STANDALONE ? "standalone" : "distributed");
    *props = cd_properties_new();
    if (!*props || cd_properties_load_file(*props, path, errstr, sizeof(errstr)) != 0)
        goto fail;
    *wc = cd_worker_config_new(mode, *props, errstr, sizeof(errstr));
    if (!*wc)
        goto fail;
    size_t plugin_dirs = 0;
    const char *const *plugin_path =
        cd_config_get_list(cd_worker_config_values(*wc), "plugin.path", &plugin_dirs);
    for (size_t i = 0; plugin_path && i < plugin_dirs; i++)
        if (cd_plugins_load_path(plugin_path[i], errstr, sizeof(errstr)) < 0)
            goto fail;
    *rest = cd_rest_server_start(*wc, errstr, sizeof(errstr));
    if (!*rest)
        goto fail;
    cd_worker_config_set_bound_port(*wc, cd_rest_server_port(*rest));
    return 0;
fail:
    cd_log_error(CD_MAIN_LOGGER, "Stopping due to error: %s", errstr);
    return -1;
}

static int cd_run_distributed(const char *path)
{
    char errstr[2048];
    int exit_code = 1;
    sigset_t signals;
    cd_properties_t *props = NULL;
    cd_worker_config_t *wc = NULL;
    cd_rest_server_t *rest = NULL;
    cd_offset_store_t *offsets = NULL;
    cd_status_store_t *status = NULL;
    cd_distributed_herder_t *herder = NULL;

    if (cd_boot(CD_WORKER_DISTRIBUTED, path, &signals, &props, &wc, &rest) != 0)
        goto done;
    /* ConnectDistributed looks the cluster id up before anything touches a topic: an
     * unreachable broker or wrong credentials fail start-up with that message. */
    {
        char *cluster_id = cd_worker_lookup_kafka_cluster_id(
            cd_config_originals(cd_worker_config_values(wc)), errstr, sizeof(errstr));
        if (!cluster_id)
            goto fail;
        free(cluster_id);
    }
    offsets = cd_kafka_offset_store_open(wc, errstr, sizeof(errstr));
    if (!offsets)
        goto fail;
    status = cd_kafka_status_store_open(wc, errstr, sizeof(errstr));
    if (!status)
        goto fail;
    herder = cd_distributed_herder_new(wc, offsets, status, errstr, sizeof(errstr));
    if (!herder || cd_distributed_herder_start(herder, errstr, sizeof(errstr)) != 0)
        goto fail;
    cd_rest_server_set_herder(rest, cd_distributed_herder_herder(herder));
    cd_log_info(CD_MAIN_LOGGER, "Kafka Connect started");

    int sig = 0;
    sigwait(&signals, &sig);
    cd_log_info(CD_MAIN_LOGGER, "Kafka Connect stopping (signal %d)", sig);
    exit_code = 0;
    goto done;
fail:
    cd_log_error(CD_MAIN_LOGGER, "Stopping due to error: %s", errstr);
done:
    cd_rest_server_stop(rest);
    cd_distributed_herder_destroy(herder);
    cd_status_store_destroy(status);
    cd_offset_store_destroy(offsets);
    cd_worker_config_destroy(wc);
    cd_properties_destroy(props);
    cd_plugins_unload();
    if (exit_code == 0)
        cd_log_info(CD_MAIN_LOGGER, "Kafka Connect stopped");
    return exit_code;
}

static int cd_run_standalone(int argc, char **argv)
{
    char errstr[2048];
    int exit_code = 1;
    cd_properties_t *props = NULL;
    cd_worker_config_t *wc = NULL;
    cd_rest_server_t *rest = NULL;
    cd_offset_store_t *offsets = NULL;
    cd_standalone_herder_t *herder = NULL;

    sigset_t signals;
    if (cd_boot(CD_WORKER_STANDALONE, argv[2], &signals, &props, &wc, &rest) != 0)
        goto done;
    const char *offsets_file =
        cd_config_get_string(cd_worker_config_values(wc), "offset.storage.file.filename");
    offsets = cd_file_offset_store_open(offsets_file, errstr, sizeof(errstr));
    if (!offsets) {
        cd_log_error(CD_MAIN_LOGGER, "Stopping due to error: %s", errstr);
        goto done;
    }
    herder = cd_standalone_herder_new(wc, offsets, errstr, sizeof(errstr));
    if (!herder) {
        cd_log_error(CD_MAIN_LOGGER, "Stopping due to error: %s", errstr);
        goto done;
    }
    if (cd_standalone_herder_start(herder, errstr, sizeof(errstr)) != 0) {
        cd_log_error(CD_MAIN_LOGGER, "Stopping due to error: %s", errstr);
        goto done;
    }
    cd_herder_t *h = cd_standalone_herder_herder(herder);
    cd_rest_server_set_herder(rest, h);
    cd_log_info(CD_MAIN_LOGGER, "Kafka Connect started");

    for (int i = 3; i < argc; i++) {
        cd_connector_file_t file;
        if (cd_parse_connector_file(argv[i], &file, errstr, sizeof(errstr)) != 0) {
            cd_log_error(CD_MAIN_LOGGER, "Failed to create connector for %s: %s", argv[i], errstr);
            exit_code = 3;
            goto done;
        }
        cd_herder_reply_t reply = {0};
        h->ops->put_connector_config(h, file.name, file.config, file.initial_state, false, &reply);
        if (reply.status >= 400) {
            cd_log_error(CD_MAIN_LOGGER, "Failed to create connector for %s: %s", argv[i],
                         reply.message ? reply.message : "unknown error");
            cd_herder_reply_clear(&reply);
            cd_connector_file_clear(&file);
            exit_code = 3;
            goto done;
        }
        cd_log_info(CD_MAIN_LOGGER, "Created connector %s", file.name);
        cd_herder_reply_clear(&reply);
        cd_connector_file_clear(&file);
    }
    cd_standalone_herder_ready(herder);

    int sig = 0;
    sigwait(&signals, &sig);
    cd_log_info(CD_MAIN_LOGGER, "Kafka Connect stopping (signal %d)", sig);
    exit_code = 0;
done:
    cd_rest_server_stop(rest);
    cd_standalone_herder_destroy(herder);
    cd_offset_store_destroy(offsets);
    cd_worker_config_destroy(wc);
    cd_properties_destroy(props);
    cd_plugins_unload();
    if (exit_code == 0)
        cd_log_info(CD_MAIN_LOGGER, "Kafka Connect stopped");
    return exit_code;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0)) {
        printf("connectd %s (Kafka Connect %s compatible)\n", CONNECTD_VERSION,
               CONNECTD_KAFKA_COMPAT_VERSION);
        return 0;
    }
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "standalone") == 0)
        return cd_run_standalone(argc, argv);
    if (argc == 3 && strcmp(argv[1], "distributed") == 0)
        return cd_run_distributed(argv[2]);
    usage(stderr);
    return 2;
}
