/*
 * test_plugin.c: a tiny plugin shared object for tests/unit/test_plugins.c.
 * It exports one source connector and one converter, both self-contained (no
 * calls into connectd), so the test can load it from plugin.path and run its
 * callbacks.
 */
#include <connectd/connector.h>
#include <connectd/converter.h>

#include <stdio.h>
#include <stdlib.h>

static int started;

static void *echo_start(const cd_properties_t *config, cd_connector_context_t *ctx, char *errstr,
                        size_t errstr_size)
{
    (void)config;
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    started++;
    return &started;
}

static int echo_task_configs(void *state, int max_tasks, cd_properties_t **out, char *errstr,
                             size_t errstr_size)
{
    (void)state;
    (void)max_tasks;
    (void)out;
    snprintf(errstr, errstr_size, "echo has no tasks");
    return 0;
}

static void echo_stop(void *state)
{
    (void)state;
}

static void *echo_task_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                             size_t errstr_size)
{
    (void)config;
    (void)ctx;
    (void)errstr;
    (void)errstr_size;
    return &started;
}

static int echo_task_poll(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size)
{
    (void)state;
    (void)out;
    (void)errstr;
    (void)errstr_size;
    return 0;
}

static const cd_source_task_plugin_t echo_task = {
    .start = echo_task_start,
    .poll = echo_task_poll,
    .stop = echo_stop,
};

static const cd_connector_plugin_t echo_connector = {
    .class_name = "com.example.test.EchoSourceConnector",
    .version = "0.0.1-test",
    .type = CD_CONNECTOR_SOURCE,
    .start = echo_start,
    .task_configs = echo_task_configs,
    .stop = echo_stop,
    .source_task = &echo_task,
};

static void *upper_create(const cd_properties_t *config, cd_converter_type_t type, char *errstr,
                          size_t errstr_size)
{
    (void)config;
    (void)errstr;
    (void)errstr_size;
    int *state = malloc(sizeof(int));
    if (state)
        *state = (int)type + 100;
    return state;
}

static void upper_destroy(void *state)
{
    free(state);
}

static int upper_from_connect(void *state, const char *topic, const cd_headers_t *headers,
                              const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                              bool *is_null, char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    (void)schema;
    (void)value;
    (void)out;
    (void)is_null;
    snprintf(errstr, errstr_size, "upper state %d", *(int *)state);
    return -1;
}

static int upper_to_connect(void *state, const char *topic, const cd_headers_t *headers,
                            const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                            char *errstr, size_t errstr_size)
{
    (void)topic;
    (void)headers;
    (void)data;
    (void)len;
    (void)out;
    snprintf(errstr, errstr_size, "upper state %d", *(int *)state);
    return -1;
}

static const cd_converter_plugin_t upper_converter = {
    .class_name = "com.example.test.UpperConverter",
    .version = "0.0.2-test",
    .is_converter = true,
    .create = upper_create,
    .destroy = upper_destroy,
    .from_connect = upper_from_connect,
    .to_connect = upper_to_connect,
};

const cd_connector_plugin_t *const cd_plugin_connectors[] = {&echo_connector, NULL};
const cd_converter_plugin_t *const cd_plugin_converters[] = {&upper_converter, NULL};
