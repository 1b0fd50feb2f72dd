/*
 * sr_tool.c: drives the schema registry client (converters/schema_registry_client.h)
 * from the command line for tests/integration/test_schema_registry_client.py.
 *
 *   sr_tool [-X key=value]... URLS register SUBJECT SCHEMA [normalize]
 *   sr_tool [-X key=value]... URLS lookup SUBJECT SCHEMA [normalize]
 *   sr_tool [-X key=value]... URLS by-id ID
 *   sr_tool [-X key=value]... URLS latest SUBJECT
 *
 * URLS is schema.registry.url; -X sets any other client setting. Prints one JSON
 * object on stdout: {"result":"OK","id":..,"version":..,"schema":..} (exit 0) or
 * {"result":"CD_SR_ERR_...","rc":N,"error":"<errstr>","http_status":N,
 * "error_code":N} (exit 1); usage and configuration errors exit 2.
 */
#include "converters/schema_registry_client.h"
#include "util/properties.h"

#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *result_name(cd_sr_result_t rc)
{
    switch (rc) {
    case CD_SR_OK:
        return "OK";
    case CD_SR_ERR_NOT_FOUND:
        return "CD_SR_ERR_NOT_FOUND";
    case CD_SR_ERR_REGISTRY:
        return "CD_SR_ERR_REGISTRY";
    case CD_SR_ERR_TRANSPORT:
        return "CD_SR_ERR_TRANSPORT";
    case CD_SR_ERR_CONFIG:
        return "CD_SR_ERR_CONFIG";
    }
    return "?";
}

static int usage(void)
{
    fprintf(stderr, "usage: sr_tool [-X key=value]... URLS register|lookup SUBJECT SCHEMA "
                    "[normalize] | by-id ID | latest SUBJECT\n");
    return 2;
}

int main(int argc, char **argv)
{
    cd_properties_t *props = cd_properties_new();
    int i, exit_code = 2;
    char errstr[2048] = "";
    cd_schema_registry_t *sr = NULL;
    json_t *out = json_object();
    if (!props || !out)
        return 2;
    char *pos[8];
    int npos = 0;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-X") && i + 1 < argc) {
            char *eq = strchr(argv[++i], '=');
            if (!eq)
                return usage();
            *eq = '\0';
            cd_properties_set(props, argv[i], eq + 1);
        } else if (npos < 8) {
            pos[npos++] = argv[i];
        } else {
            return usage();
        }
    }
    if (npos < 2)
        return usage();
    cd_properties_set(props, "schema.registry.url", pos[0]);
    const char *cmd = pos[1];
    char **args = pos + 2;
    int nargs = npos - 2;
    sr = cd_schema_registry_new(props, errstr, sizeof(errstr));
    if (!sr) {
        json_object_set_new(out, "result", json_string("CONFIG"));
        json_object_set_new(out, "error", json_string(errstr));
        goto print;
    }
    cd_sr_result_t rc;
    int32_t id = 0, version = 0;
    char *schema = NULL;
    if ((!strcmp(cmd, "register") || !strcmp(cmd, "lookup")) && nargs >= 2) {
        bool normalize = nargs >= 3 && !strcmp(args[2], "normalize");
        if (!strcmp(cmd, "register"))
            rc = cd_schema_registry_register(sr, args[0], args[1], normalize, &id, errstr,
                                             sizeof(errstr));
        else
            rc = cd_schema_registry_lookup(sr, args[0], args[1], normalize, &id, &version, errstr,
                                           sizeof(errstr));
    } else if (!strcmp(cmd, "by-id") && nargs == 1) {
        char *end;
        errno = 0;
        long v = strtol(args[0], &end, 10);
        if (*end || errno || v < INT32_MIN || v > INT32_MAX)
            return usage();
        id = (int32_t)v;
        rc = cd_schema_registry_schema_by_id(sr, id, &schema, errstr, sizeof(errstr));
    } else if (!strcmp(cmd, "latest") && nargs == 1) {
        rc = cd_schema_registry_latest(sr, args[0], &id, &version, &schema, errstr, sizeof(errstr));
    } else {
        cd_schema_registry_destroy(sr);
        return usage();
    }
    json_object_set_new(out, "result", json_string(result_name(rc)));
    if (rc == CD_SR_OK) {
        json_object_set_new(out, "id", json_integer(id));
        if (version)
            json_object_set_new(out, "version", json_integer(version));
        if (schema)
            json_object_set_new(out, "schema", json_string(schema));
        exit_code = 0;
    } else {
        json_object_set_new(out, "rc", json_integer(rc));
        json_object_set_new(out, "error", json_string(errstr));
        json_object_set_new(out, "http_status",
                            json_integer(cd_schema_registry_last_http_status(sr)));
        json_object_set_new(out, "error_code",
                            json_integer(cd_schema_registry_last_error_code(sr)));
        exit_code = 1;
    }
    free(schema);
print:;
    char *text = json_dumps(out, JSON_COMPACT);
    if (text)
        printf("%s\n", text);
    free(text);
    json_decref(out);
    cd_schema_registry_destroy(sr);
    cd_properties_destroy(props);
    return exit_code;
}
