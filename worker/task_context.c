/*
 * task_context.c: the task side of the plugin API (connector.h): record
 * lists, the task context (WorkerSourceTaskContext / WorkerSinkTaskContext)
 * and the helpers every task thread uses to wait for the worker's orders
 * (target state, stop) and report its status.
 */
#include "worker_internal.h"
#include "plugins.h"

#include "util/properties.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void cd_record_list_add(cd_record_list_t *list, cd_record_t *record)
{
    if (!record)
        return;
    if (list->count == list->capacity) {
        size_t ncap = list->capacity ? list->capacity * 2 : 16;
        cd_record_t **nr = realloc(list->records, ncap * sizeof(*nr));
        if (!nr) {
            cd_record_destroy(record);
            return;
        }
        list->records = nr;
        list->capacity = ncap;
    }
    list->records[list->count++] = record;
}

void cd_record_list_clear(cd_record_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        cd_record_destroy(list->records[i]);
    list->count = 0;
}

void cd_record_list_free(cd_record_list_t *list)
{
    cd_record_list_clear(list);
    free(list->records);
    list->records = NULL;
    list->capacity = 0;
}

bool cd_task_context_is_stopping(const cd_task_context_t *ctx)
{
    return __atomic_load_n(&ctx->stopping, __ATOMIC_ACQUIRE) != 0;
}

const char *cd_task_context_connector(const cd_task_context_t *ctx)
{
    return ctx->connector;
}

int cd_task_context_task_id(const cd_task_context_t *ctx)
{
    return ctx->task_id;
}

cd_value_t *cd_task_context_offset(cd_task_context_t *ctx, const cd_value_t *partition)
{
    if (!ctx->offsets)
        return NULL;
    return cd_offset_store_read(ctx->offsets, ctx->connector, partition);
}

void cd_task_context_request_commit(cd_task_context_t *ctx)
{
    ctx->commit_requested = 1;
}

void cd_task_context_set_timeout(cd_task_context_t *ctx, int64_t ms)
{
    ctx->timeout_ms = ms;
}

int64_t cd_worker_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void cd_task_settings_clear(cd_task_settings_t *s)
{
    free(s->connector);
    free(s->worker_id);
    cd_properties_destroy(s->worker_props);
    cd_properties_destroy(s->connector_config);
    cd_properties_destroy(s->task_config);
    memset(s, 0, sizeof(*s));
}

void cd_worker_task_status(cd_worker_task_t *t, cd_state_t state, const char *trace)
{
    if (t->s.status)
        cd_status_store_put_version(t->s.status, t->s.connector, t->s.task_id, state, trace,
                                    t->s.worker_id, t->s.generation,
                                    cd_plugins_status_version(t->s.connector_config));
    if (state == CD_STATE_FAILED && t->s.listener.task_failed)
        t->s.listener.task_failed(t->s.listener.opaque, t->s.connector, t->s.task_id);
}

cd_target_state_t cd_worker_task_target(cd_worker_task_t *t, bool *stopping)
{
    pthread_mutex_lock(&t->lock);
    cd_target_state_t target = t->target;
    *stopping = t->stopping;
    pthread_mutex_unlock(&t->lock);
    return target;
}

cd_target_state_t cd_worker_task_wait(cd_worker_task_t *t, int64_t ms, bool *stopping)
{
    pthread_mutex_lock(&t->lock);
    if (!t->stopping && ms > 0) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += ms / 1000;
        ts.tv_nsec += (ms % 1000) * 1000000;
        if (ts.tv_nsec >= 1000000000) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000;
        }
        cd_target_state_t before = t->target;
        while (!t->stopping && t->target == before) {
            if (pthread_cond_timedwait(&t->cond, &t->lock, &ts) == ETIMEDOUT)
                break;
        }
    }
    cd_target_state_t target = t->target;
    *stopping = t->stopping;
    pthread_mutex_unlock(&t->lock);
    return target;
}

bool cd_worker_task_await_start(cd_worker_task_t *t, bool *paused)
{
    bool stopping = false;
    cd_target_state_t target = cd_worker_task_target(t, &stopping);
    if (!stopping && target != CD_TARGET_STARTED) {
        cd_worker_task_status(t, CD_STATE_PAUSED, NULL);
        *paused = true;
        while (!stopping && target != CD_TARGET_STARTED)
            target = cd_worker_task_wait(t, 1000, &stopping);
    }
    return stopping;
}
