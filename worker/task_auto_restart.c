/*
 * task_auto_restart.c: the herder's schedule of automatic restarts of FAILED
 * tasks (beyond Java; see task_auto_restart.h). A small array: a worker runs
 * few tasks, and every operation is linear in them.
 */
#include "worker/task_auto_restart.h"

#include "util/log.h"
#include "worker/status.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define AR_ENABLE "connectd.task.auto.restart.enable"
#define AR_INITIAL "connectd.task.auto.restart.initial.backoff.ms"
#define AR_MAX "connectd.task.auto.restart.max.backoff.ms"
#define AR_ATTEMPTS "connectd.task.auto.restart.max.attempts"
#define AR_MAX_ENTRIES 4096
#define AR_LOGGER "connectd.TaskAutoRestart"

typedef struct ar_entry_s {
    char *connector;
    int task;
    int attempts;            /* automatic restarts so far */
    int64_t last_restart_ms; /* -1 = never */
    int64_t due_ms;          /* -1 = nothing scheduled */
} ar_entry_t;

typedef struct ar_policy_s {
    bool enable;
    int64_t initial_ms, max_ms;
    int64_t max_attempts;
} ar_policy_t;

struct cd_task_auto_restart_s {
    ar_policy_t worker;
    ar_entry_t *entries;
    size_t count, cap;
};

static int64_t ar_long(const cd_properties_t *p, const char *key, int64_t dflt, int64_t min)
{
    const char *v = p ? cd_properties_get(p, key) : NULL;
    char *end;
    long long n;
    if (!v)
        return dflt;
    errno = 0;
    n = strtoll(v, &end, 10);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (errno || end == v || *end || n < min)
        return dflt;
    return n;
}

static void ar_policy(const cd_properties_t *p, const ar_policy_t *dflt, ar_policy_t *out)
{
    const char *en = p ? cd_properties_get(p, AR_ENABLE) : NULL;
    *out = *dflt;
    if (en)
        out->enable = strcasecmp(en, "true") == 0;
    out->initial_ms = ar_long(p, AR_INITIAL, dflt->initial_ms, 0);
    out->max_ms = ar_long(p, AR_MAX, dflt->max_ms, 0);
    out->max_attempts = ar_long(p, AR_ATTEMPTS, dflt->max_attempts, -1);
    if (out->max_ms < out->initial_ms)
        out->max_ms = out->initial_ms;
}

cd_task_auto_restart_t *cd_task_auto_restart_new(const cd_properties_t *worker_props)
{
    static const ar_policy_t defaults = {false, 1000, 60000, -1};
    cd_task_auto_restart_t *r = calloc(1, sizeof(*r));
    if (r)
        ar_policy(worker_props, &defaults, &r->worker);
    return r;
}

void cd_task_auto_restart_destroy(cd_task_auto_restart_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++)
        free(r->entries[i].connector);
    free(r->entries);
    free(r);
}

static ar_entry_t *ar_entry(cd_task_auto_restart_t *r, const char *connector, int task)
{
    for (size_t i = 0; i < r->count; i++)
        if (r->entries[i].task == task && strcmp(r->entries[i].connector, connector) == 0)
            return &r->entries[i];
    if (r->count == AR_MAX_ENTRIES)
        return NULL;
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        ar_entry_t *grown = realloc(r->entries, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        r->entries = grown;
        r->cap = cap;
    }
    ar_entry_t *e = &r->entries[r->count];
    memset(e, 0, sizeof(*e));
    if (!(e->connector = strdup(connector)))
        return NULL;
    e->task = task;
    e->last_restart_ms = -1;
    e->due_ms = -1;
    r->count++;
    return e;
}

int64_t cd_task_auto_restart_failed(cd_task_auto_restart_t *r, const char *connector, int task,
                                    const cd_properties_t *connector_config, int64_t now_ms,
                                    int *attempt)
{
    ar_policy_t p;
    ar_entry_t *e;
    int64_t delay;
    *attempt = 0;
    if (!r || !connector)
        return -1;
    ar_policy(connector_config, &r->worker, &p);
    if (!p.enable || !(e = ar_entry(r, connector, task)))
        return -1;
    /* a task that ran for longer than the largest delay starts over */
    if (e->last_restart_ms >= 0 && now_ms - e->last_restart_ms > p.max_ms)
        e->attempts = 0;
    *attempt = e->attempts + 1;
    if (p.max_attempts >= 0 && e->attempts >= p.max_attempts) {
        *attempt = e->attempts;
        return -1;
    }
    delay = p.initial_ms;
    for (int i = 0; i < e->attempts && delay < p.max_ms; i++)
        delay *= 2;
    if (delay > p.max_ms)
        delay = p.max_ms;
    e->due_ms = now_ms + delay;
    return delay;
}

bool cd_task_auto_restart_pop_due(cd_task_auto_restart_t *r, int64_t now_ms, char **connector,
                                  int *task, int *attempt)
{
    for (size_t i = 0; r && i < r->count; i++) {
        ar_entry_t *e = &r->entries[i];
        if (e->due_ms < 0 || e->due_ms > now_ms)
            continue;
        if (!(*connector = strdup(e->connector)))
            return false;
        *task = e->task;
        e->due_ms = -1;
        e->attempts++;
        e->last_restart_ms = now_ms;
        *attempt = e->attempts;
        return true;
    }
    return false;
}

int64_t cd_task_auto_restart_next_ms(const cd_task_auto_restart_t *r, int64_t now_ms)
{
    int64_t best = -1;
    for (size_t i = 0; r && i < r->count; i++) {
        int64_t due = r->entries[i].due_ms;
        if (due < 0)
            continue;
        due = due > now_ms ? due - now_ms : 0;
        if (best < 0 || due < best)
            best = due;
    }
    return best;
}

void cd_task_auto_restart_forget(cd_task_auto_restart_t *r, const char *connector)
{
    size_t w = 0;
    for (size_t i = 0; r && i < r->count; i++) {
        if (strcmp(r->entries[i].connector, connector) == 0) {
            free(r->entries[i].connector);
            continue;
        }
        r->entries[w++] = r->entries[i];
    }
    if (r)
        r->count = w;
}

void cd_task_auto_restart_on_failure(cd_task_auto_restart_t *r, const char *connector, int task,
                                     const cd_properties_t *connector_config, int64_t now_ms)
{
    int attempt = 0;
    int64_t delay =
        cd_task_auto_restart_failed(r, connector, task, connector_config, now_ms, &attempt);
    if (delay >= 0)
        cd_log_info(AR_LOGGER,
                    "Task %s-%d failed; restarting it automatically in %lld ms (attempt %d)",
                    connector, task, (long long)delay, attempt);
    else if (attempt > 0)
        cd_log_warn(AR_LOGGER,
                    "Task %s-%d failed again after %d automatic restarts; it stays FAILED until "
                    "restarted by hand",
                    connector, task, attempt);
}

void cd_task_auto_restart_run_due(cd_task_auto_restart_t *r, int64_t now_ms,
                                  cd_status_store_t *status,
                                  void (*restart)(void *opaque, const char *connector, int task),
                                  void *opaque)
{
    char *connector = NULL;
    int task = 0, attempt = 0;
    while (cd_task_auto_restart_pop_due(r, now_ms, &connector, &task, &attempt)) {
        cd_status_t st;
        bool failed = false;
        if (status && cd_status_store_get(status, connector, task, &st)) {
            failed = st.state == CD_STATE_FAILED;
            cd_status_clear(&st);
        }
        if (failed) {
            cd_log_info(AR_LOGGER, "Restarting failed task %s-%d automatically (attempt %d)",
                        connector, task, attempt);
            restart(opaque, connector, task);
        }
        free(connector);
        connector = NULL;
    }
}
