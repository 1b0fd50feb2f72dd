/**
 * @file test_connector_config.c
 * @brief worker/connector_config against Kafka Connect 4.3.1
 *        (tests/golden/connector_config/golden.out, made by
 *        ConnectorConfigGolden.java): the ConfigKeyInfo lists of
 *        GET /connector-plugins/{p}/config byte for byte after canonical
 *        jansson dumps, and the ConfigInfos of validate cases with recommended
 *        values and converter defaults (which come from Java's plugin set and
 *        worker config) left out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/properties.h"
#include "worker/connector_config.h"

/* Mirrors FileStreamSourceConnector.CONFIG_DEF / FileStreamSinkConnector.CONFIG_DEF (4.3.1). */
static const cd_config_key_t source_keys[] = {
    {.name = "file",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Source filename. If not specified, the standard input will be used",
     .order_in_group = -1},
    {.name = "topic",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The topic to publish data to",
     .order_in_group = -1},
    {.name = "batch.size",
     .type = CD_CONFIG_INT,
     .default_value = "2000",
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "The maximum number of records the source task can read from the file each "
                      "time it is polled",
     .order_in_group = -1},
    {.name = NULL},
};
static const cd_config_key_t sink_keys[] = {
    {.name = "file",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Destination filename. If not specified, the standard output will be used",
     .order_in_group = -1},
    {.name = NULL},
};
static const cd_connector_plugin_t source_plugin = {
    .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
    .version = "4.3.1",
    .type = CD_CONNECTOR_SOURCE,
    .config_keys = source_keys,
};
static const cd_connector_plugin_t sink_plugin = {
    .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
    .version = "4.3.1",
    .type = CD_CONNECTOR_SINK,
    .config_keys = sink_keys,
};

/* What the plugin registry would answer (worker/plugins.c installs the real one). */
static bool known_class(const char *name)
{
    return strstr(name, "org.apache.kafka.connect.") == name;
}

static char *read_file(const char *rel)
{
    const char *dir = getenv("CONNECTD_SOURCE_DIR");
    char path[1024];
    FILE *f;
    long n;
    char *buf;
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
    f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void assert_same_json(json_t *java, json_t *c, const char *what)
{
    char *a = json_dumps(java, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    char *b = json_dumps(c, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    if (strcmp(a, b) != 0) {
        size_t i = 0;
        while (a[i] && a[i] == b[i])
            i++;
        fail_msg("%s differs at %zu:\n java: %.300s\n    c: %.300s", what, i,
                 a + (i > 80 ? i - 80 : 0), b + (i > 80 ? i - 80 : 0));
    }
    free(a);
    free(b);
}

/* What depends on Java's plugin set or worker config is left out of validate results. */
static void normalise(json_t *infos)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(infos, "configs"), i, c)
    {
        json_t *v = json_object_get(c, "value");
        const char *name = json_string_value(json_object_get(v, "name"));
        json_object_del(v, "recommended_values");
        if (strstr(name, "converter") || strstr(name, "plugin.version")) {
            json_object_del(v, "value");
            json_object_del(v, "visible");
            if (json_object_get(c, "definition"))
                json_object_del(json_object_get(c, "definition"), "default_value");
        }
    }
}

static void test_against_java(void **state)
{
    char *golden = read_file("tests/golden/connector_config/golden.out");
    char *cases = read_file("tests/golden/connector_config/cases.txt");
    char *save = NULL;
    int checked_keys = 0, checked_validate = 0;
    (void)state;
    cd_config_set_class_resolver(known_class);
    for (char *line = strtok_r(golden, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char kind[16], which[64];
        const char *json_text;
        json_error_t jerr;
        json_t *java;
        if (sscanf(line, "%15s %63s", kind, which) != 2)
            continue;
        json_text = line + strlen(kind) + 1 + strlen(which) + 1;
        if (strcmp(kind, "keys") == 0) {
            const cd_connector_plugin_t *p =
                strcmp(which, "source") == 0 ? &source_plugin : &sink_plugin;
            json_t *c = cd_connector_plugin_config_json(p);
            java = json_loads(json_text, 0, &jerr);
            assert_non_null(java);
            assert_same_json(java, c, which);
            json_decref(java);
            json_decref(c);
            checked_keys++;
        } else if (strcmp(kind, "validate") == 0 && json_text[0] == '{') {
            /* Find the case's properties. */
            char *copy = strdup(cases), *s2 = NULL;
            cd_properties_t *props = cd_properties_new();
            const cd_connector_plugin_t *plugin = NULL;
            json_t *c;
            int status = 0;
            char err[512];
            for (char *cl = strtok_r(copy, "\n", &s2); cl; cl = strtok_r(NULL, "\n", &s2)) {
                char *tab = strchr(cl, '\t');
                if (cl[0] == '#' || !tab || (size_t)(tab - cl) != strlen(which) ||
                    strncmp(cl, which, strlen(which)) != 0)
                    continue;
                for (char *f = tab + 1; f && *f;) {
                    char *next = strchr(f, '\t'), *eq;
                    if (next)
                        *next++ = '\0';
                    eq = strchr(f, '=');
                    *eq = '\0';
                    cd_properties_set(props, f, eq + 1);
                    f = next;
                }
            }
            free(copy);
            plugin = strstr(cd_properties_get(props, "connector.class"), "Sink") ? &sink_plugin
                                                                                 : &source_plugin;
            c = cd_connector_config_validate_plugin(plugin, props, &status, err, sizeof(err));
            assert_non_null(c);
            java = json_loads(json_text, 0, &jerr);
            assert_non_null(java);
            normalise(java);
            normalise(c);
            assert_same_json(java, c, which);
            json_decref(java);
            json_decref(c);
            cd_properties_destroy(props);
            checked_validate++;
        }
    }
    cd_config_set_class_resolver(NULL);
    assert_int_equal(checked_keys, 2);
    assert_true(checked_validate >= 4);
    free(golden);
    free(cases);
}

static void test_error_message(void **state)
{
    cd_properties_t *props = cd_properties_new();
    json_t *infos;
    char err[256], *msg;
    int status = 0;
    (void)state;
    cd_properties_set(props, "connector.class", "FileStreamSource");
    cd_properties_set(props, "name", "x");
    cd_properties_set(props, "tasks.max", "0");
    infos = cd_connector_config_validate_plugin(&source_plugin, props, &status, err, sizeof(err));
    assert_int_equal(cd_config_infos_error_count(infos), 2);
    msg = cd_config_infos_error_message(infos);
    assert_string_equal(
        msg, "Connector configuration is invalid and contains the following 2 error(s):\n"
             "Invalid value 0 for configuration tasks.max: Value must be at least 1\n"
             "Missing required configuration \"topic\" which has no default value.\n"
             "You can also find the above list of errors at the endpoint "
             "`/connector-plugins/{connectorType}/config/validate`");
    free(msg);
    json_decref(infos);
    cd_properties_destroy(props);
    assert_string_equal(cd_connector_type_name(CD_CONNECTOR_SINK), "sink");
}

/* The ConfigInfo entry of @p name in a ConfigInfos document. */
static json_t *config_info(json_t *infos, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(infos, "configs"), i, c)
    {
        json_t *def = json_object_get(c, "definition");
        if (def && strcmp(json_string_value(json_object_get(def, "name")), name) == 0)
            return c;
    }
    fail_msg("no config %s", name);
    return NULL;
}

static const char *field(json_t *info, const char *part, const char *key)
{
    return json_string_value(json_object_get(json_object_get(info, part), key));
}

/* AbstractHerder 4.3 (checked against the Java worker by the differential "validate"
 * scenario): converter keys default to the worker's converters, versions to the plugin's. */
static void test_worker_converter_defaults(void **state)
{
    cd_properties_t *worker = cd_properties_new(), *props = cd_properties_new();
    json_t *infos, *info, *rec;
    char err[256];
    int status = 0;
    (void)state;
    cd_properties_set(worker, "key.converter", "StringConverter");
    cd_properties_set(worker, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    cd_properties_set(worker, "value.converter.plugin.version", "3.9.0");
    cd_connector_config_set_worker_defaults(worker);
    cd_properties_set(props, "connector.class", "FileStreamSource");
    cd_properties_set(props, "name", "x");
    cd_properties_set(props, "topic", "t");
    cd_properties_set(props, "header.converter", "org.example.Nope");
    infos = cd_connector_config_validate_plugin(&source_plugin, props, &status, err, sizeof(err));
    assert_non_null(infos);

    info = config_info(infos, "key.converter");
    assert_string_equal(field(info, "definition", "default_value"),
                        "org.apache.kafka.connect.storage.StringConverter");
    assert_string_equal(field(info, "value", "value"),
                        "org.apache.kafka.connect.storage.StringConverter");
    rec = json_object_get(json_object_get(info, "value"), "recommended_values");
    assert_int_equal(json_array_size(rec), 10);
    assert_string_equal(json_string_value(json_array_get(rec, 0)),
                        "io.confluent.connect.avro.AvroConverter");
    assert_string_equal(json_string_value(json_array_get(rec, 1)),
                        "org.apache.kafka.connect.converters.BooleanConverter");
    assert_string_equal(json_string_value(json_array_get(rec, 9)),
                        "org.apache.kafka.connect.storage.StringConverter");
    info = config_info(infos, "key.converter.plugin.version");
    assert_string_equal(field(info, "definition", "default_value"), "4.3.1");
    assert_string_equal(field(info, "value", "value"), "4.3.1");
    rec = json_object_get(json_object_get(info, "value"), "recommended_values");
    assert_int_equal(json_array_size(rec), 1);
    assert_string_equal(json_string_value(json_array_get(rec, 0)), "4.3.1");

    /* The worker's own version setting is the default; the recommendation is what exists. */
    info = config_info(infos, "value.converter.plugin.version");
    assert_string_equal(field(info, "definition", "default_value"), "3.9.0");
    assert_string_equal(field(info, "value", "value"), "3.9.0");

    /* An unknown connector converter: ConfigDef.parseType's error, no version. */
    info = config_info(infos, "header.converter");
    assert_string_equal(field(info, "definition", "default_value"),
                        "org.apache.kafka.connect.storage.SimpleHeaderConverter");
    assert_true(json_is_null(json_object_get(json_object_get(info, "value"), "value")));
    assert_string_equal(json_string_value(json_array_get(
                            json_object_get(json_object_get(info, "value"), "errors"), 0)),
                        "Invalid value org.example.Nope for configuration header.converter: "
                        "Class org.example.Nope could not be found.");
    rec = json_object_get(json_object_get(info, "value"), "recommended_values");
    assert_int_equal(json_array_size(rec), 10);
    info = config_info(infos, "header.converter.plugin.version");
    assert_true(
        json_is_null(json_object_get(json_object_get(info, "definition"), "default_value")));
    assert_false(json_is_true(json_object_get(json_object_get(info, "value"), "visible")));
    assert_int_equal(cd_config_infos_error_count(infos), 1);
    json_decref(infos);

    /* No worker converters: key and value converters default to null, header to Simple. */
    cd_connector_config_set_worker_defaults(NULL);
    infos = cd_connector_config_validate_plugin(&source_plugin, props, &status, err, sizeof(err));
    info = config_info(infos, "key.converter");
    assert_true(
        json_is_null(json_object_get(json_object_get(info, "definition"), "default_value")));
    assert_false(json_is_true(json_object_get(
        json_object_get(config_info(infos, "key.converter.plugin.version"), "value"), "visible")));
    json_decref(infos);
    cd_properties_destroy(props);
    cd_properties_destroy(worker);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_java),
        cmocka_unit_test(test_error_message),
        cmocka_unit_test(test_worker_converter_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
