/*
 * offsets_tool: drives worker/connector_offsets.c outside a worker, so the
 * integration tests can check the KIP-875 paths against a real broker (sink
 * connectors: the consumer group) or a real offsets file (source connectors).
 *
 *   offsets_tool get|alter|reset -c <connector> [-t sink|source]
 *                [-w key=value]... [-C key=value]... [-d <PATCH body JSON>]
 *
 *   -w   a worker setting (bootstrap.servers=..., offset.storage.file.filename=...)
 *   -C   a connector setting (file=..., consumer.override.group.id=...)
 *   -t   sink (FileStreamSinkConnector, default) or source (FileStreamSourceConnector)
 *
 * Prints one line "<http status> <JSON answer or error message>" and exits 0 when
 * the call succeeded, 1 when it returned an error, 2 on usage errors.
 */
#include "util/properties.h"
#include "worker/connector_offsets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int set_kv(cd_properties_t *p, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return -1;
    char *key = strndup(kv, (size_t)(eq - kv));
    int rc = key ? cd_properties_set(p, key, eq + 1) : -1;
    free(key);
    return rc;
}

static int usage(void)
{
    fprintf(stderr, "usage: offsets_tool get|alter|reset -c <connector> [-t sink|source] "
                    "[-w k=v]... [-C k=v]... [-d <json>]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    const char *cmd = argv[1];
    const char *connector = NULL, *type = "sink", *body_text = NULL;
    cd_properties_t *wprops = cd_properties_new();
    cd_properties_t *cprops = cd_properties_new();
    int opt, rc = 2;
    char err[2048];
    cd_worker_config_t *wc = NULL;
    cd_offset_store_t *store = NULL;
    json_t *body = NULL, *out = NULL;

    optind = 2;
    while ((opt = getopt(argc, argv, "c:t:w:C:d:")) != -1) {
        switch (opt) {
        case 'c':
            connector = optarg;
            break;
        case 't':
            type = optarg;
            break;
        case 'w':
            if (set_kv(wprops, optarg) != 0)
                goto done;
            break;
        case 'C':
            if (set_kv(cprops, optarg) != 0)
                goto done;
            break;
        case 'd':
            body_text = optarg;
            break;
        default:
            goto done;
        }
    }
    if (!connector) {
        rc = usage();
        goto done;
    }
    const cd_connector_plugin_t *plugin = strcmp(type, "source") == 0
                                              ? &cd_file_stream_source_connector_plugin
                                              : &cd_file_stream_sink_connector_plugin;
    cd_properties_set(cprops, "name", connector);
    cd_properties_set(cprops, "connector.class", plugin->class_name);
    if (!cd_properties_get(wprops, "key.converter"))
        cd_properties_set(wprops, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
    if (!cd_properties_get(wprops, "value.converter"))
        cd_properties_set(wprops, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    if (!cd_properties_get(wprops, "offset.storage.file.filename"))
        cd_properties_set(wprops, "offset.storage.file.filename", "/dev/null");
    wc = cd_worker_config_new(CD_WORKER_STANDALONE, wprops, err, sizeof(err));
    if (!wc) {
        fprintf(stderr, "worker config: %s\n", err);
        goto done;
    }
    if (strcmp(type, "source") == 0) {
        store = cd_file_offset_store_open(cd_properties_get(wprops, "offset.storage.file.filename"),
                                          err, sizeof(err));
        if (!store) {
            fprintf(stderr, "offset store: %s\n", err);
            goto done;
        }
    }
    int status = 0;
    if (strcmp(cmd, "get") == 0) {
        out = cd_connector_offsets_get(wc, store, connector, plugin, cprops, &status, err,
                                       sizeof(err));
    } else if (strcmp(cmd, "alter") == 0 || strcmp(cmd, "reset") == 0) {
        if (strcmp(cmd, "alter") == 0) {
            json_error_t jerr;
            body = json_loads(body_text ? body_text : "null", JSON_DECODE_ANY, &jerr);
            if (!body) {
                fprintf(stderr, "body: %s\n", jerr.text);
                goto done;
            }
        }
        out = cd_connector_offsets_modify(wc, store, connector, plugin, cprops, body, &status, err,
                                          sizeof(err));
    } else {
        rc = usage();
        goto done;
    }
    if (out) {
        char *text = json_dumps(out, JSON_COMPACT);
        printf("200 %s\n", text ? text : "null");
        free(text);
        rc = 0;
    } else {
        printf("%d %s\n", status, err);
        rc = 1;
    }
done:
    json_decref(out);
    json_decref(body);
    cd_offset_store_destroy(store);
    cd_worker_config_destroy(wc);
    cd_properties_destroy(wprops);
    cd_properties_destroy(cprops);
    return rc;
}
