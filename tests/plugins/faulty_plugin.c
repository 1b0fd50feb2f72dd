/*
 * faulty_plugin.c: a source connector that fails on purpose, for the
 * bad-input tests of connectd standalone (tests/integration/test_connectd_standalone.py).
 *
 *   fail.on=start      Connector.start throws
 *   fail.on=poll       the task's poll throws after emitting nothing
 *   fail.on=none       runs, emits nothing
 *
 * Loaded from plugin.path as com.example.test.FaultySourceConnector.
 */
#include <connectd/connector.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *fail_on(const cd_properties_t *config)
{
    const char *v = cd_properties_get(config, "fail.on");
    return v ? v : "none";
}

typedef struct faulty_state_s {
    cd_properties_t *config;
} faulty_state_t;

static void *faulty_start(const cd_properties_t *config, cd_connector_context_t *ctx, char *errstr,
                          size_t errstr_size)
{
    (void)ctx;
    if (strcmp(fail_on(config), "start") == 0) {
        snprintf(errstr, errstr_size, "faulty connector refused to start");
        return NULL;
    }
    faulty_state_t *st = calloc(1, sizeof(*st));
    if (st)
        st->config = cd_properties_copy(config);
    if (!st || !st->config) {
        free(st);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    return st;
}

static int faulty_task_configs(void *state, int max_tasks, cd_properties_t **out, char *errstr,
                               size_t errstr_size)
{
    faulty_state_t *st = state;
    if (max_tasks < 1)
        return 0;
    out[0] = cd_properties_copy(st->config);
    if (!out[0]) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    return 1;
}

static void faulty_stop(void *state)
{
    faulty_state_t *st = state;
    if (!st)
        return;
    cd_properties_destroy(st->config);
    free(st);
}

typedef struct faulty_task_s {
    bool fail_poll;
    cd_task_context_t *ctx;
} faulty_task_t;

static void *faulty_task_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                               size_t errstr_size)
{
    faulty_task_t *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    t->fail_poll = strcmp(fail_on(config), "poll") == 0;
    t->ctx = ctx;
    return t;
}

static int faulty_task_poll(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size)
{
    faulty_task_t *t = state;
    (void)out;
    if (t->fail_poll) {
        snprintf(errstr, errstr_size, "faulty task failed in poll");
        return -1;
    }
    /* Nothing to emit: wait a little like a real source would. */
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
    if (!cd_task_context_is_stopping(t->ctx))
        nanosleep(&pause, NULL);
    return 0;
}

static void faulty_task_stop(void *state)
{
    free(state);
}

static const cd_source_task_plugin_t faulty_task = {
    .start = faulty_task_start,
    .poll = faulty_task_poll,
    .stop = faulty_task_stop,
};

static const cd_config_key_t faulty_config_keys[] = {
    {.name = "fail.on",
     .type = CD_CONFIG_STRING,
     .default_value = "none",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Where to fail: start, poll or none.",
     .order_in_group = -1},
    {.name = NULL},
};

static const cd_connector_plugin_t faulty_connector = {
    .class_name = "com.example.test.FaultySourceConnector",
    .version = "0.0.1-test",
    .type = CD_CONNECTOR_SOURCE,
    .config_keys = faulty_config_keys,
    .start = faulty_start,
    .task_configs = faulty_task_configs,
    .stop = faulty_stop,
    .source_task = &faulty_task,
};

const cd_connector_plugin_t *const cd_plugin_connectors[] = {&faulty_connector, NULL};
