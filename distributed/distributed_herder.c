/* distributed_herder.c: DistributedHerder.
 *
 * One herder thread owns every piece of cluster state below. It loops:
 *   1. poll the group member (joins/syncs run here, calling back into this
 *      file: metadata, leader assignment, assignment received);
 *   2. finish a completed rebalance (catch up on the config topic, stop what
 *      was revoked, start what is assigned);
 *   3. the leader rotates the session key;
 *   4. apply what the config store reported (new/changed/removed connectors,
 *      target states, task configs, restart requests, logger levels);
 *   5. regenerate task configs of connectors that asked for it;
 *   6. serve REST calls from the queue until the next deadline.
 * The config store's work thread and the heartbeat thread only set flags under
 * `lock` and wake the queue.
 *
 * Semantics and messages follow Apache Kafka's DistributedHerder (4.x); see
 * docs/modules/distributed-herder.md. */
#include "distributed_herder.h"
#include "worker/task_auto_restart.h"

#include "../rest/rest_client.h"
#include "../storage/config_backing_store.h"
#include "../util/log.h"
#include "../util/properties.h"
#include "../worker/abstract_herder.h"
#include "../worker/connector_config.h"
#include "../worker/connector_offsets.h"
#include "../worker/plugins.h"
#include "../worker/worker.h"
#include "assignor.h"
#include "connect_protocol.h"
#include "group_member.h"

#include <openssl/rand.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CD_DH_LOGGER "org.apache.kafka.connect.runtime.distributed.DistributedHerder"
#define CD_DH_MAX_PROTOCOLS 3
/** KafkaConfigBackingStore.READ_WRITE_TOTAL_TIMEOUT_MS */
#define CD_DH_CONFIG_TIMEOUT_MS 30000
/** Backoff between attempts to publish task configs (reconfigureConnectorTasksWithRetry). */
#define CD_DH_RECONFIG_BACKOFF_MS 250
#define CD_DH_RECONFIG_BACKOFF_MAX_MS 60000

static const char CD_DH_REBALANCE_MESSAGE[] =
    "Request cannot be completed because a rebalance is expected";

/* A set of names (small; linear). */
typedef struct cd_name_set_s {
    char **names;
    size_t count, cap;
} cd_name_set_t;

static void cd_name_set_add(cd_name_set_t *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->names[i], name) == 0)
            return;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **grown = realloc(s->names, cap * sizeof(*grown));
        if (!grown)
            return;
        s->names = grown;
        s->cap = cap;
    }
    char *copy = strdup(name);
    if (copy)
        s->names[s->count++] = copy;
}

static bool cd_name_set_contains(const cd_name_set_t *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->names[i], name) == 0)
            return true;
    return false;
}

static void cd_name_set_clear(cd_name_set_t *s)
{
    for (size_t i = 0; i < s->count; i++)
        free(s->names[i]);
    free(s->names);
    memset(s, 0, sizeof(*s));
}

/* A restart request read from the config topic. */
typedef struct cd_dh_restart_s {
    char *connector;
    bool include_tasks, only_failed;
} cd_dh_restart_t;

/* Where the leader put each piece of work in the last round (member.ownerUrl). */
typedef struct cd_dh_owner_s {
    char *connector;
    int32_t task;
    char *url;
} cd_dh_owner_t;

/* A connector whose task configs must be regenerated, and when to try next. */
typedef struct cd_dh_reconfig_s {
    char *connector;
    int64_t due_ms;
    int64_t backoff_ms;
} cd_dh_reconfig_t;

struct cd_distributed_herder_s {
    cd_abstract_herder_t base; /* must be first */
    cd_worker_config_t *wc;
    cd_offset_store_t *offsets;
    cd_status_store_t *status;
    cd_config_store_t *configs;
    cd_worker_t *worker;
    cd_group_member_t *member;
    cd_task_auto_restart_t *auto_restart; /* herder thread only */
    cd_connect_protocol_t configured_protocol;
    pthread_t thread;
    bool thread_started;
    atomic_bool stopping;

    /* Settings. */
    int64_t worker_sync_timeout_ms;
    int64_t unsync_backoff_ms;
    int64_t max_delay_ms;
    int64_t key_ttl_ms;
    char *key_algorithm;            /* inter.worker.key.generation.algorithm */
    size_t key_size;                /* bytes */
    char *signature_algorithm;      /* inter.worker.signature.algorithm */
    char **verification_algorithms; /* inter.worker.verification.algorithms */
    size_t verification_count;

    /* Set by the config store's thread (under lock), taken by the herder thread. */
    pthread_mutex_t lock;
    cd_name_set_t connector_updates;
    cd_name_set_t target_updates;
    cd_name_set_t task_updates;
    bool needs_reconfig_rebalance;
    cd_dh_restart_t *restarts;
    size_t restart_count;

    /* Herder thread only. */
    cd_cluster_config_t *snapshot;
    cd_assignor_t *assignor;
    cd_connect_protocol_t assignor_protocol;
    bool have_assignment;
    cd_assignment_t full;   /* merged full assignment (leader, urls, offset, work) */
    cd_work_list_t running; /* what is started here */
    cd_work_list_t tasks_to_restart;
    bool rebalance_completed; /* an assignment arrived and is not handled yet */
    bool rebalance_resolved;  /* the last assignment was acted on */
    cd_assignment_t delta;    /* the assignment as received */
    int32_t generation;
    char *member_id;
    cd_connect_protocol_t protocol; /* the group's chosen sub-protocol */
    int64_t scheduled_rebalance_ms; /* 0 = none */
    int64_t join_not_before_ms;     /* backoff after failing to catch up */
    int unsync_retries;
    cd_name_set_t structure; /* cd_dh_structure of the snapshot work started from */
    cd_dh_owner_t *owners;
    size_t owner_count;
    cd_dh_reconfig_t *reconfigs;
    size_t reconfig_count;
    /* buffers handed to the group member */
    uint8_t *metadata_buf[CD_DH_MAX_PROTOCOLS];
    uint8_t **assign_bufs;
    size_t assign_buf_count;
};

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static int64_t cd_dh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t cd_dh_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool cd_dh_is_leader(const cd_distributed_herder_t *h)
{
    return h->have_assignment && h->member_id && h->full.leader &&
           strcmp(h->full.leader, h->member_id) == 0;
}

/* leaderUrl(): NULL before the first assignment. */
static const char *cd_dh_leader_url(const cd_distributed_herder_t *h)
{
    return h->have_assignment && h->full.leader_url && *h->full.leader_url ? h->full.leader_url
                                                                           : NULL;
}

static void cd_dh_refresh_snapshot(cd_distributed_herder_t *h)
{
    cd_cluster_config_destroy(h->snapshot);
    h->snapshot = cd_config_store_snapshot(h->configs);
}

/* refreshConfigSnapshot: read the config topic to the end. */
static bool cd_dh_read_config_to_end(cd_distributed_herder_t *h, int64_t timeout_ms)
{
    char errstr[512];
    if (cd_config_store_refresh(h->configs, timeout_ms, errstr, sizeof(errstr)) != 0) {
        cd_log_warn(CD_DH_LOGGER, "Didn't reach end of config log quickly enough: %s", errstr);
        cd_dh_refresh_snapshot(h);
        return false;
    }
    cd_dh_refresh_snapshot(h);
    return true;
}

static const cd_cluster_connector_t *cd_dh_connector(cd_distributed_herder_t *h, const char *name)
{
    return cd_cluster_config_find(h->snapshot, name);
}

/* checkRebalanceNeeded */
static bool cd_dh_rebalance_needed(cd_distributed_herder_t *h, cd_herder_reply_t *r)
{
    pthread_mutex_lock(&h->lock);
    bool needed = h->needs_reconfig_rebalance;
    pthread_mutex_unlock(&h->lock);
    if (needed) {
        cd_herder_reply_redirect(r, CD_HERDER_REDIRECT_REBALANCE_NEEDED, NULL,
                                 CD_DH_REBALANCE_MESSAGE);
        return true;
    }
    return false;
}

static void cd_dh_not_leader(cd_distributed_herder_t *h, cd_herder_reply_t *r, const char *msg)
{
    cd_herder_reply_redirect(r, CD_HERDER_REDIRECT_NOT_LEADER, cd_dh_leader_url(h), msg);
}

/* ------------------------------------------------------------------ */
/* Config store listener (config log thread: flags only)               */
/* ------------------------------------------------------------------ */

static void cd_dh_on_connector_update(void *opaque, const char *connector)
{
    cd_distributed_herder_t *h = opaque;
    pthread_mutex_lock(&h->lock);
    /* ConfigUpdateListener.onConnectorConfigUpdate (a new connector is detected by the
     * herder thread comparing the work structure). */
    cd_name_set_add(&h->connector_updates, connector);
    pthread_mutex_unlock(&h->lock);
    cd_herder_queue_wakeup(h->base.queue);
}

static void cd_dh_on_connector_remove(void *opaque, const char *connector)
{
    cd_distributed_herder_t *h = opaque;
    pthread_mutex_lock(&h->lock);
    cd_name_set_add(&h->connector_updates, connector);
    h->needs_reconfig_rebalance = true;
    pthread_mutex_unlock(&h->lock);
    cd_herder_queue_wakeup(h->base.queue);
}

static void cd_dh_on_task_update(void *opaque, const char *connector)
{
    cd_distributed_herder_t *h = opaque;
    pthread_mutex_lock(&h->lock);
    cd_name_set_add(&h->task_updates, connector);
    h->needs_reconfig_rebalance = true;
    pthread_mutex_unlock(&h->lock);
    cd_herder_queue_wakeup(h->base.queue);
}

static void cd_dh_on_target_state(void *opaque, const char *connector)
{
    cd_distributed_herder_t *h = opaque;
    pthread_mutex_lock(&h->lock);
    cd_name_set_add(&h->target_updates, connector);
    pthread_mutex_unlock(&h->lock);
    cd_herder_queue_wakeup(h->base.queue);
}

static void cd_dh_on_session_key(void *opaque)
{
    cd_distributed_herder_t *h = opaque;
    cd_herder_queue_wakeup(h->base.queue);
}

static void cd_dh_on_restart(void *opaque, const char *connector, bool include_tasks,
                             bool only_failed)
{
    cd_distributed_herder_t *h = opaque;
    pthread_mutex_lock(&h->lock);
    cd_dh_restart_t *grown = realloc(h->restarts, (h->restart_count + 1) * sizeof(*grown));
    if (grown) {
        h->restarts = grown;
        h->restarts[h->restart_count].connector = strdup(connector);
        h->restarts[h->restart_count].include_tasks = include_tasks;
        h->restarts[h->restart_count].only_failed = only_failed;
        if (h->restarts[h->restart_count].connector)
            h->restart_count++;
    }
    pthread_mutex_unlock(&h->lock);
    cd_herder_queue_wakeup(h->base.queue);
}

static void cd_dh_on_logger_level(void *opaque, const char *ns, const char *level)
{
    /* Applied on the reading thread: the logger registry is thread-safe. */
    (void)opaque;
    cd_log_level_t parsed;
    if (!cd_log_level_parse(level, &parsed)) {
        cd_log_warn(CD_DH_LOGGER, "Ignoring invalid log level '%s' for namespace %s", level, ns);
        return;
    }
    size_t n = 0;
    char **names = cd_log_set_level(ns, parsed, &n);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ------------------------------------------------------------------ */
/* Work: start / stop                                                  */
/* ------------------------------------------------------------------ */

static void cd_dh_schedule_reconfig(cd_distributed_herder_t *h, const char *connector,
                                    int64_t delay_ms)
{
    for (size_t i = 0; i < h->reconfig_count; i++)
        if (strcmp(h->reconfigs[i].connector, connector) == 0) {
            int64_t due = cd_dh_now_ms() + delay_ms;
            if (due < h->reconfigs[i].due_ms)
                h->reconfigs[i].due_ms = due;
            return;
        }
    cd_dh_reconfig_t *grown = realloc(h->reconfigs, (h->reconfig_count + 1) * sizeof(*grown));
    if (!grown)
        return;
    h->reconfigs = grown;
    h->reconfigs[h->reconfig_count].connector = strdup(connector);
    h->reconfigs[h->reconfig_count].due_ms = cd_dh_now_ms() + delay_ms;
    h->reconfigs[h->reconfig_count].backoff_ms = CD_DH_RECONFIG_BACKOFF_MS;
    if (h->reconfigs[h->reconfig_count].connector)
        h->reconfig_count++;
}

static void cd_dh_unschedule_reconfig(cd_distributed_herder_t *h, size_t index)
{
    free(h->reconfigs[index].connector);
    memmove(&h->reconfigs[index], &h->reconfigs[index + 1],
            (h->reconfig_count - index - 1) * sizeof(*h->reconfigs));
    h->reconfig_count--;
}

static void cd_dh_start_connector(cd_distributed_herder_t *h, const char *name)
{
    const cd_cluster_connector_t *c = cd_dh_connector(h, name);
    if (!c || !c->config) {
        cd_log_warn(CD_DH_LOGGER, "Ignoring assignment of unknown connector %s", name);
        return;
    }
    char errstr[1024];
    cd_log_info(CD_DH_LOGGER, "Starting connector %s", name);
    if (cd_worker_start_connector(h->worker, name, c->config, c->target, errstr, sizeof(errstr)) !=
        0) {
        cd_log_error(CD_DH_LOGGER, "Couldn't instantiate connector %s: %s", name, errstr);
        return;
    }
    if (c->target == CD_TARGET_STARTED)
        cd_dh_schedule_reconfig(h, name, 0);
}

static void cd_dh_start_task(cd_distributed_herder_t *h, const char *connector, int task)
{
    const cd_cluster_connector_t *c = cd_dh_connector(h, connector);
    if (!c || task < 0 || (size_t)task >= c->tasks_len || !c->tasks[task]) {
        cd_log_warn(CD_DH_LOGGER, "Ignoring assignment of task %s-%d without a config", connector,
                    task);
        return;
    }
    char errstr[1024];
    cd_log_info(CD_DH_LOGGER, "Starting task %s-%d", connector, task);
    if (cd_worker_start_task(h->worker, connector, task, c->config, c->tasks[task], c->target,
                             errstr, sizeof(errstr)) != 0)
        cd_log_error(CD_DH_LOGGER, "Couldn't instantiate task %s-%d: %s", connector, task, errstr);
}

static void cd_dh_stop_work(cd_distributed_herder_t *h, const cd_work_list_t *items)
{
    /* Tasks first, then connectors (stopAndAwaitTasks, then stopAndAwaitConnectors). */
    for (size_t i = 0; i < items->count; i++)
        if (items->items[i].task >= 0) {
            if (cd_work_list_contains(&h->running, items->items[i].connector, items->items[i].task))
                cd_worker_stop_tasks(h->worker, items->items[i].connector, items->items[i].task);
        }
    for (size_t i = 0; i < items->count; i++)
        if (items->items[i].task < 0 &&
            cd_work_list_contains(&h->running, items->items[i].connector, -1))
            cd_worker_stop_connector(h->worker, items->items[i].connector);
    for (size_t i = 0; i < items->count; i++)
        cd_work_list_remove(&h->running, items->items[i].connector, items->items[i].task);
}

static void cd_dh_stop_all(cd_distributed_herder_t *h)
{
    cd_work_list_t all = {0};
    for (size_t i = 0; i < h->running.count; i++)
        cd_work_list_add(&all, h->running.items[i].connector, h->running.items[i].task);
    cd_dh_stop_work(h, &all);
    cd_work_list_clear(&all);
}

/* startWork: start what is assigned and not running (tasks stopped for a task-config
 * update are restarted if still assigned). */
static void cd_dh_start_work(cd_distributed_herder_t *h)
{
    cd_log_info(CD_DH_LOGGER, "Starting connectors and tasks using config offset %lld",
                (long long)h->full.config_offset);
    for (size_t i = 0; i < h->tasks_to_restart.count; i++)
        cd_work_list_remove(&h->running, h->tasks_to_restart.items[i].connector,
                            h->tasks_to_restart.items[i].task);
    cd_work_list_clear(&h->tasks_to_restart);
    cd_work_list_sort(&h->full.assigned);
    for (size_t i = 0; i < h->full.assigned.count; i++) {
        const cd_work_id_t *w = &h->full.assigned.items[i];
        if (w->task >= 0 || cd_work_list_contains(&h->running, w->connector, -1))
            continue;
        cd_dh_start_connector(h, w->connector);
        cd_work_list_add(&h->running, w->connector, -1);
    }
    for (size_t i = 0; i < h->full.assigned.count; i++) {
        const cd_work_id_t *w = &h->full.assigned.items[i];
        if (w->task < 0 || cd_work_list_contains(&h->running, w->connector, w->task))
            continue;
        cd_dh_start_task(h, w->connector, w->task);
        cd_work_list_add(&h->running, w->connector, w->task);
    }
    cd_log_info(CD_DH_LOGGER, "Finished starting connectors and tasks");
}

/* ------------------------------------------------------------------ */
/* Group member callbacks (herder thread, inside cd_group_member_poll) */
/* ------------------------------------------------------------------ */

static void cd_dh_join_prepare(void *opaque, int32_t generation, const char *member_id)
{
    cd_distributed_herder_t *h = opaque;
    (void)generation;
    (void)member_id;
    /* RebalanceListener.onRevoked: flush status writes before rebalancing. */
    cd_status_store_flush(h->status, 5000);
    if (h->have_assignment && h->protocol == CD_CONNECT_PROTOCOL_EAGER) {
        /* Eager: everything is revoked before joining. */
        cd_log_info(CD_DH_LOGGER, "Rebalance started: stopping all work (eager protocol)");
        cd_dh_stop_all(h);
        cd_work_list_clear(&h->full.assigned);
    }
}

static size_t cd_dh_metadata(void *opaque, cd_group_protocol_t *out)
{
    cd_distributed_herder_t *h = opaque;
    cd_dh_refresh_snapshot(h);
    const char *url = cd_worker_config_advertised_url(h->wc);
    static const cd_connect_protocol_t order[] = {
        CD_CONNECT_PROTOCOL_SESSIONED, CD_CONNECT_PROTOCOL_COMPATIBLE, CD_CONNECT_PROTOCOL_EAGER};
    size_t n = 0;
    for (size_t i = 0; i < CD_DH_MAX_PROTOCOLS; i++) {
        free(h->metadata_buf[i]);
        h->metadata_buf[i] = NULL;
    }
    for (size_t i = 0; i < 3; i++) {
        if (order[i] > h->configured_protocol)
            continue;
        /* The allocation is the current full assignment, with this protocol's version. */
        cd_assignment_t alloc;
        const cd_assignment_t *allocation = NULL;
        if (h->have_assignment && order[i] != CD_CONNECT_PROTOCOL_EAGER) {
            cd_assignment_copy(&alloc, &h->full);
            alloc.version = (int16_t)order[i];
            cd_work_list_clear(&alloc.revoked);
            alloc.delay_ms = 0;
            allocation = &alloc;
        }
        size_t len = 0;
        int rc = cd_connect_metadata_serialize(order[i], url, h->snapshot->offset, allocation,
                                               &h->metadata_buf[n], &len);
        if (allocation)
            cd_assignment_clear(&alloc);
        if (rc != 0)
            continue;
        out[n].name = cd_connect_protocol_wire_name(order[i]);
        out[n].metadata = h->metadata_buf[n];
        out[n].metadata_len = len;
        n++;
    }
    return n;
}

static void cd_dh_free_assign_bufs(cd_distributed_herder_t *h)
{
    for (size_t i = 0; i < h->assign_buf_count; i++)
        free(h->assign_bufs[i]);
    free(h->assign_bufs);
    h->assign_bufs = NULL;
    h->assign_buf_count = 0;
}

static void cd_dh_clear_owners(cd_distributed_herder_t *h)
{
    for (size_t i = 0; i < h->owner_count; i++) {
        free(h->owners[i].connector);
        free(h->owners[i].url);
    }
    free(h->owners);
    h->owners = NULL;
    h->owner_count = 0;
}

static void cd_dh_add_owner(cd_distributed_herder_t *h, const char *connector, int32_t task,
                            const char *url)
{
    cd_dh_owner_t *grown = realloc(h->owners, (h->owner_count + 1) * sizeof(*grown));
    if (!grown)
        return;
    h->owners = grown;
    h->owners[h->owner_count].connector = strdup(connector);
    h->owners[h->owner_count].task = task;
    h->owners[h->owner_count].url = strdup(url ? url : "");
    h->owner_count++;
}

/* member.ownerUrl */
static const char *cd_dh_owner_url(const cd_distributed_herder_t *h, const char *connector,
                                   int32_t task)
{
    for (size_t i = 0; i < h->owner_count; i++)
        if (h->owners[i].task == task && strcmp(h->owners[i].connector, connector) == 0)
            return h->owners[i].url;
    return NULL;
}

static int cd_dh_assign(void *opaque, const char *leader_id, const char *protocol,
                        const cd_group_member_info_t *members, size_t member_count,
                        cd_group_assignment_t *out)
{
    cd_distributed_herder_t *h = opaque;
    cd_connect_protocol_t chosen;
    if (!cd_connect_protocol_from_wire_name(protocol, &chosen)) {
        cd_log_error(CD_DH_LOGGER, "Unknown group protocol %s", protocol);
        return -1;
    }
    cd_assignor_member_t *parsed = calloc(member_count ? member_count : 1, sizeof(*parsed));
    cd_assignment_t *results = calloc(member_count ? member_count : 1, sizeof(*results));
    int rc = -1;
    if (!parsed || !results)
        goto done;
    for (size_t i = 0; i < member_count; i++) {
        char errstr[256];
        parsed[i].member_id = members[i].member_id;
        if (cd_connect_metadata_parse(members[i].metadata, members[i].metadata_len,
                                      &parsed[i].metadata, errstr, sizeof(errstr)) != 0) {
            cd_log_error(CD_DH_LOGGER, "Invalid metadata from member %s: %s", members[i].member_id,
                         errstr);
            member_count = i;
            goto done;
        }
    }
    /* ensureLeaderConfig: catch up when a member has read further. */
    int64_t max_offset = cd_assignor_max_offset(parsed, member_count);
    if (h->snapshot->offset < max_offset) {
        cd_log_info(CD_DH_LOGGER,
                    "Was selected to perform assignments, but do not have latest config found in "
                    "sync request. Returning an empty configuration to trigger re-sync.");
        cd_dh_read_config_to_end(h, h->worker_sync_timeout_ms);
    }
    if (!h->assignor)
        h->assignor = cd_assignor_new(chosen, h->max_delay_ms);
    else if (h->assignor_protocol != chosen)
        cd_assignor_set_protocol(h->assignor, chosen);
    h->assignor_protocol = chosen;
    /* previousAssignment only counts if this leader received the last generation. */
    if (h->assignor)
        cd_assignor_check_generation(h->assignor, h->have_assignment ? h->generation : -1);
    const cd_cluster_config_t *cfg = h->snapshot;
    const char **names = calloc(cfg->count + 1, sizeof(*names));
    int *counts = calloc(cfg->count + 1, sizeof(*counts));
    if (!names || !counts || !h->assignor) {
        free(names);
        free(counts);
        goto done;
    }
    for (size_t i = 0; i < cfg->count; i++) {
        names[i] = cfg->connectors[i].name;
        counts[i] = cd_cluster_config_task_count(cfg, cfg->connectors[i].name);
    }
    cd_assignor_config_t config = {
        .offset = cfg->offset,
        .connectors = names,
        .task_counts = counts,
        .count = cfg->count,
    };
    int32_t next_generation = cd_group_member_generation(h->member) + 1;
    rc = cd_assignor_assign(h->assignor, leader_id, next_generation, &config, parsed, member_count,
                            cd_dh_now_ms(), results);
    free(names);
    free(counts);
    if (rc != 0)
        goto done;
    /* Owners for NotAssignedException redirects: allocation - revoked + assigned. */
    cd_dh_clear_owners(h);
    cd_dh_free_assign_bufs(h);
    h->assign_bufs = calloc(member_count, sizeof(*h->assign_bufs));
    if (!h->assign_bufs) {
        rc = -1;
        goto done;
    }
    h->assign_buf_count = member_count;
    for (size_t i = 0; i < member_count; i++) {
        const char *url = parsed[i].metadata.url;
        if (parsed[i].metadata.has_allocation) {
            const cd_work_list_t *mine = &parsed[i].metadata.allocation.assigned;
            for (size_t k = 0; k < mine->count; k++)
                if (!cd_work_list_contains(&results[i].revoked, mine->items[k].connector,
                                           mine->items[k].task))
                    cd_dh_add_owner(h, mine->items[k].connector, mine->items[k].task, url);
        }
        for (size_t k = 0; k < results[i].assigned.count; k++)
            cd_dh_add_owner(h, results[i].assigned.items[k].connector,
                            results[i].assigned.items[k].task, url);
        size_t len = 0;
        if (cd_connect_assignment_serialize(&results[i], &h->assign_bufs[i], &len) != 0) {
            rc = -1;
            goto done;
        }
        out[i].member_id = members[i].member_id;
        out[i].assignment = h->assign_bufs[i];
        out[i].assignment_len = len;
    }
    cd_log_info(CD_DH_LOGGER, "Leader computed assignments for %zu members (protocol %s)",
                member_count, protocol);
    rc = 0;
done:
    for (size_t i = 0; parsed && i < member_count; i++)
        cd_worker_metadata_clear(&parsed[i].metadata);
    for (size_t i = 0; results && i < member_count; i++)
        cd_assignment_clear(&results[i]);
    free(parsed);
    free(results);
    return rc;
}

static void cd_dh_assigned(void *opaque, int32_t generation, const char *member_id,
                           const char *protocol, const uint8_t *assignment, size_t assignment_len)
{
    cd_distributed_herder_t *h = opaque;
    char errstr[256];
    cd_assignment_t delta;
    memset(&delta, 0, sizeof(delta));
    if (cd_connect_assignment_parse(assignment, assignment_len, &delta, errstr, sizeof(errstr)) !=
        0) {
        cd_log_error(CD_DH_LOGGER, "Invalid assignment received: %s", errstr);
        cd_group_member_request_rejoin(h->member, "invalid assignment");
        return;
    }
    cd_connect_protocol_t chosen = CD_CONNECT_PROTOCOL_SESSIONED;
    cd_connect_protocol_from_wire_name(protocol, &chosen);
    h->protocol = chosen;
    h->generation = generation;
    free(h->member_id);
    h->member_id = strdup(member_id);
    cd_worker_set_generation(h->worker, generation);
    cd_log_info(CD_DH_LOGGER,
                "Joined group at generation %d with protocol version %d and got assignment: "
                "leader %s, leaderUrl %s, offset %lld, %zu assigned, %zu revoked, delay %d",
                generation, (int)chosen, delta.leader ? delta.leader : "",
                delta.leader_url ? delta.leader_url : "", (long long)delta.config_offset,
                delta.assigned.count, delta.revoked.count, delta.delay_ms);

    /* WorkerCoordinator.onJoinComplete: cooperative assignments are deltas. */
    cd_work_list_t previous = {0};
    if (chosen != CD_CONNECT_PROTOCOL_EAGER && h->have_assignment)
        for (size_t i = 0; i < h->full.assigned.count; i++)
            cd_work_list_add(&previous, h->full.assigned.items[i].connector,
                             h->full.assigned.items[i].task);
    for (size_t i = 0; i < delta.revoked.count; i++)
        cd_work_list_remove(&previous, delta.revoked.items[i].connector,
                            delta.revoked.items[i].task);
    for (size_t i = 0; i < delta.assigned.count; i++)
        if (!cd_work_list_contains(&previous, delta.assigned.items[i].connector,
                                   delta.assigned.items[i].task))
            cd_work_list_add(&previous, delta.assigned.items[i].connector,
                             delta.assigned.items[i].task);
    cd_assignment_clear(&h->full);
    cd_assignment_copy(&h->full, &delta);
    cd_work_list_clear(&h->full.assigned);
    cd_work_list_clear(&h->full.revoked);
    h->full.assigned = previous;
    h->have_assignment = true;

    /* RebalanceListener.onAssigned: revoked work stops at once. */
    if (delta.revoked.count > 0) {
        cd_log_info(CD_DH_LOGGER, "Stopping %zu revoked connectors and tasks", delta.revoked.count);
        cd_dh_stop_work(h, &delta.revoked);
    }
    cd_assignment_clear(&h->delta);
    h->delta = delta;
    h->rebalance_completed = true;
    h->rebalance_resolved = false;
}

static void cd_dh_lost(void *opaque, const char *reason)
{
    cd_distributed_herder_t *h = opaque;
    cd_log_warn(CD_DH_LOGGER, "Lost the group membership (%s): revoking all work", reason);
    cd_dh_stop_all(h);
    cd_assignment_clear(&h->full);
    h->have_assignment = false;
}

static void cd_dh_wakeup(void *opaque)
{
    cd_distributed_herder_t *h = opaque;
    cd_herder_queue_wakeup(h->base.queue);
}

/* The work the snapshot defines: "name/taskcount" per connector. */
static void cd_dh_structure(const cd_cluster_config_t *cfg, cd_name_set_t *out)
{
    char entry[1024];
    for (size_t i = 0; i < cfg->count; i++) {
        snprintf(entry, sizeof(entry), "%s/%d", cfg->connectors[i].name,
                 cd_cluster_config_task_count(cfg, cfg->connectors[i].name));
        cd_name_set_add(out, entry);
    }
}

static bool cd_dh_structure_changed(cd_distributed_herder_t *h)
{
    cd_name_set_t now = {0};
    cd_dh_structure(h->snapshot, &now);
    bool changed = now.count != h->structure.count;
    for (size_t i = 0; !changed && i < now.count; i++)
        changed = !cd_name_set_contains(&h->structure, now.names[i]);
    cd_name_set_clear(&now);
    return changed;
}

/* ------------------------------------------------------------------ */
/* Rebalance completion (handleRebalanceCompleted)                     */
/* ------------------------------------------------------------------ */

static void cd_dh_backoff(cd_distributed_herder_t *h)
{
    int64_t delay;
    if (h->protocol == CD_CONNECT_PROTOCOL_EAGER) {
        delay = h->unsync_backoff_ms;
    } else {
        int retries_left = 5 - h->unsync_retries;
        if (retries_left <= 0) {
            cd_log_warn(CD_DH_LOGGER, "Giving up catching up on the config topic: revoking all "
                                      "work");
            cd_dh_stop_all(h);
            h->unsync_retries = 0;
            retries_left = 5;
        }
        delay = h->max_delay_ms / 10 / retries_left;
        h->unsync_retries++;
    }
    h->join_not_before_ms = cd_dh_now_ms() + delay;
}

static void cd_dh_handle_rebalance_completed(cd_distributed_herder_t *h)
{
    h->rebalance_completed = false;
    const cd_assignment_t *a = &h->delta;
    bool leader = cd_dh_is_leader(h);
    if (a->error != CD_ASSIGNMENT_NO_ERROR) {
        cd_log_info(CD_DH_LOGGER, "Join group completed, but assignment failed and we are the %s",
                    leader ? "leader. Reading to end of config and retrying." : "follower.");
        if (leader || h->snapshot->offset < a->config_offset) {
            if (!cd_dh_read_config_to_end(h, h->worker_sync_timeout_ms)) {
                cd_group_member_leave(h->member, "taking too long to read the log");
                cd_dh_backoff(h);
            }
        }
        cd_group_member_request_rejoin(h->member, "assignment failed");
        return;
    }
    if (h->snapshot->offset < a->config_offset) {
        cd_log_info(CD_DH_LOGGER,
                    "Current config state offset %lld is behind group assignment %lld, reading "
                    "to end of config log",
                    (long long)h->snapshot->offset, (long long)a->config_offset);
        if (!cd_dh_read_config_to_end(h, h->worker_sync_timeout_ms)) {
            cd_group_member_leave(h->member, "taking too long to read the log");
            cd_dh_backoff(h);
            return;
        }
    }
    if (h->snapshot->offset != a->config_offset) {
        cd_log_info(CD_DH_LOGGER,
                    "Current config state offset %lld does not match group assignment %lld. "
                    "Forcing rebalance.",
                    (long long)h->snapshot->offset, (long long)a->config_offset);
        cd_group_member_request_rejoin(h->member, "config offset mismatch");
        return;
    }
    h->unsync_retries = 0;
    pthread_mutex_lock(&h->lock);
    h->needs_reconfig_rebalance = false;
    pthread_mutex_unlock(&h->lock);
    cd_dh_start_work(h);
    h->rebalance_resolved = true;
    cd_name_set_clear(&h->structure);
    cd_dh_structure(h->snapshot, &h->structure);
    if (a->revoked.count > 0) {
        /* The second round of the cooperative protocol. */
        cd_group_member_request_rejoin(h->member, "work was revoked");
    }
    if (a->delay_ms > 0) {
        h->scheduled_rebalance_ms = cd_dh_now_ms() + a->delay_ms;
        cd_log_info(CD_DH_LOGGER, "Scheduled rebalance in %d ms", a->delay_ms);
    }
    /* The leader cleans statuses of connectors and tasks that no longer exist
     * (updateDeletedConnectorStatus / updateDeletedTaskStatus). */
    if (cd_dh_is_leader(h)) {
        size_t n = 0;
        char **names = cd_status_store_connectors(h->status, &n);
        for (size_t i = 0; i < n; i++) {
            const cd_cluster_connector_t *c = cd_dh_connector(h, names[i]);
            if (!c) {
                cd_status_store_remove_connector(h->status, names[i]);
            } else if (!c->inconsistent) {
                size_t tn = 0;
                cd_status_t *tasks = cd_status_store_get_tasks(h->status, names[i], &tn);
                for (size_t k = 0; k < tn; k++) {
                    if (tasks[k].task >= c->task_count)
                        cd_status_store_remove_task(h->status, names[i], tasks[k].task);
                    cd_status_clear(&tasks[k]);
                }
                free(tasks);
            }
            free(names[i]);
        }
        free(names);
    }
}

/* ------------------------------------------------------------------ */
/* Session keys (checkForKeyRotation)                                  */
/* ------------------------------------------------------------------ */

static void cd_dh_check_key_rotation(cd_distributed_herder_t *h)
{
    if (!cd_dh_is_leader(h) || h->protocol < CD_CONNECT_PROTOCOL_SESSIONED ||
        !h->rebalance_resolved)
        return;
    const cd_session_key_t *key = h->snapshot->session_key;
    int64_t now = cd_dh_wall_ms();
    bool rotate = key == NULL;
    if (key && (key->creation_time_ms + h->key_ttl_ms <= now ||
                strcmp(key->algorithm, h->key_algorithm) != 0 || key->key_len != h->key_size))
        rotate = true;
    if (!rotate)
        return;
    uint8_t bytes[128];
    size_t size = h->key_size <= sizeof(bytes) ? h->key_size : sizeof(bytes);
    if (RAND_bytes(bytes, (int)size) != 1) {
        cd_log_error(CD_DH_LOGGER, "Failed to generate a session key");
        return;
    }
    cd_session_key_t fresh = {
        .key = bytes,
        .key_len = size,
        .algorithm = h->key_algorithm,
        .creation_time_ms = now,
    };
    char errstr[512];
    cd_log_info(CD_DH_LOGGER, "Distributing new session key");
    if (cd_config_store_put_session_key(h->configs, &fresh, errstr, sizeof(errstr)) != 0)
        cd_log_error(CD_DH_LOGGER, "Failed to write new session key: %s", errstr);
    else
        cd_dh_refresh_snapshot(h);
}

/* ------------------------------------------------------------------ */
/* Task configs (reconfigureConnector / publishConnectorTaskConfigs)   */
/* ------------------------------------------------------------------ */

/* AbstractHerder.taskConfigsChanged */
static bool cd_dh_task_configs_changed(const cd_cluster_connector_t *c, cd_properties_t **configs,
                                       size_t n)
{
    if (c->inconsistent || c->tasks_len != n || (size_t)c->task_count != n)
        return true;
    for (size_t i = 0; i < n; i++)
        if (!c->tasks[i] || !cd_properties_equal(c->tasks[i], configs[i]))
            return true;
    if (c->applied_config && !cd_properties_equal(c->applied_config, c->config))
        return true;
    return false;
}

/* Writes the task configs (leader) or POSTs them to the leader.
 * @returns 0 when published, -1 to retry later. */
static int cd_dh_publish_task_configs(cd_distributed_herder_t *h, const char *name,
                                      cd_properties_t **configs, size_t n)
{
    char errstr[1024];
    if (cd_dh_is_leader(h)) {
        if (cd_config_store_put_task_configs(h->configs, name, configs, n, errstr,
                                             sizeof(errstr)) != 0) {
            cd_log_error(CD_DH_LOGGER, "Failed to write task configs of %s: %s", name, errstr);
            return -1;
        }
        cd_dh_refresh_snapshot(h);
        return 0;
    }
    const char *leader = cd_dh_leader_url(h);
    if (!leader) {
        cd_log_warn(CD_DH_LOGGER, "No leader known to publish task configs of %s to", name);
        return -1;
    }
    json_t *array = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(array, cd_herder_properties_json(configs[i]));
    char *body = json_dumps(array, JSON_COMPACT);
    json_decref(array);
    /* publishConnectorTaskConfigs: <leader>/connectors/<name>/tasks, no forward flag. */
    size_t path_size = strlen(name) + sizeof("/connectors//tasks");
    char *path = malloc(path_size);
    char *url = NULL;
    int rc = -1;
    if (!body || !path)
        goto done;
    snprintf(path, path_size, "/connectors/%s/tasks", name);
    url = cd_rest_url_path(leader, path);
    if (!url)
        goto done;
    cd_rest_client_signing_t signing = {0};
    const cd_session_key_t *key = h->snapshot->session_key;
    bool sign = h->protocol >= CD_CONNECT_PROTOCOL_SESSIONED && key;
    if (sign) {
        signing.key = key->key;
        signing.key_len = key->key_len;
        signing.algorithm = h->signature_algorithm;
    }
    cd_rest_client_response_t resp = {0};
    if (cd_rest_client_request(h->wc, "POST", url, body, strlen(body), NULL, sign ? &signing : NULL,
                               30000, &resp, errstr, sizeof(errstr)) != 0) {
        cd_log_error(CD_DH_LOGGER, "Request to leader to reconfigure connector tasks failed: %s",
                     errstr);
    } else if (resp.status >= 400) {
        cd_log_error(CD_DH_LOGGER, "Request to leader to reconfigure connector tasks failed: %d %s",
                     resp.status, resp.body ? resp.body : "");
        if (resp.status == 403) /* the key rotated: re-read it */
            cd_dh_read_config_to_end(h, h->worker_sync_timeout_ms);
    } else {
        rc = 0;
    }
    cd_rest_client_response_clear(&resp);
done:
    free(url);
    free(body);
    free(path);
    return rc;
}

/* reconfigureConnector. @returns 0 done (or nothing to do), -1 retry. */
static int cd_dh_reconfigure_connector(cd_distributed_herder_t *h, const char *name)
{
    const cd_cluster_connector_t *c = cd_dh_connector(h, name);
    if (!c)
        return 0;
    if (!cd_worker_is_running(h->worker, name)) {
        cd_log_info(CD_DH_LOGGER,
                    "Skipping reconfiguration of connector %s since it is not running", name);
        return 0;
    }
    if (c->target != CD_TARGET_STARTED)
        return 0;
    char errstr[1024];
    cd_properties_t **configs = NULL;
    int n = cd_worker_connector_task_configs(h->worker, name, &configs, errstr, sizeof(errstr));
    if (n < 0) {
        cd_log_error(CD_DH_LOGGER, "Failed to reconfigure connector's tasks (%s): %s", name,
                     errstr);
        return -1;
    }
    int rc = 0;
    if (cd_dh_task_configs_changed(c, configs, (size_t)n))
        rc = cd_dh_publish_task_configs(h, name, configs, (size_t)n);
    for (int i = 0; i < n; i++)
        cd_properties_destroy(configs[i]);
    free(configs);
    return rc;
}

static void cd_dh_run_reconfigs(cd_distributed_herder_t *h)
{
    int64_t now = cd_dh_now_ms();
    for (size_t i = 0; i < h->reconfig_count;) {
        cd_dh_reconfig_t *r = &h->reconfigs[i];
        if (r->due_ms > now) {
            i++;
            continue;
        }
        char *name = strdup(r->connector);
        int rc = name ? cd_dh_reconfigure_connector(h, name) : 0;
        free(name);
        r = &h->reconfigs[i];
        if (rc == 0) {
            cd_dh_unschedule_reconfig(h, i);
        } else {
            r->due_ms = cd_dh_now_ms() + r->backoff_ms;
            r->backoff_ms = r->backoff_ms * 2 > CD_DH_RECONFIG_BACKOFF_MAX_MS
                                ? CD_DH_RECONFIG_BACKOFF_MAX_MS
                                : r->backoff_ms * 2;
            i++;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Config updates and restarts                                         */
/* ------------------------------------------------------------------ */

static void cd_dh_restart_connector_instance(cd_distributed_herder_t *h, const char *name)
{
    cd_worker_stop_connector(h->worker, name);
    cd_dh_start_connector(h, name);
}

/* doRestartConnectorAndTasks for the parts this worker owns. */
static void cd_dh_process_restart(cd_distributed_herder_t *h, const cd_dh_restart_t *req)
{
    const cd_cluster_connector_t *c = cd_dh_connector(h, req->connector);
    if (!c)
        return;
    cd_status_t cs = {0};
    if (!cd_status_store_get(h->status, req->connector, -1, &cs)) {
        cd_log_warn(CD_DH_LOGGER, "Skipping restart of connector %s: no status found",
                    req->connector);
        return;
    }
    bool restart_connector = !req->only_failed || cs.state == CD_STATE_FAILED;
    cd_status_clear(&cs);
    const char *worker_id = cd_worker_id(h->worker);
    bool own_connector = cd_work_list_contains(&h->running, req->connector, -1);
    size_t n = 0;
    cd_status_t *tasks = cd_status_store_get_tasks(h->status, req->connector, &n);
    if (restart_connector && own_connector) {
        cd_worker_stop_connector(h->worker, req->connector);
        cd_status_store_put(h->status, req->connector, -1, CD_STATE_RESTARTING, NULL, worker_id,
                            h->generation);
    }
    for (size_t i = 0; req->include_tasks && i < n; i++) {
        if (req->only_failed && tasks[i].state != CD_STATE_FAILED)
            continue;
        if (!cd_work_list_contains(&h->running, req->connector, tasks[i].task))
            continue;
        cd_worker_stop_tasks(h->worker, req->connector, tasks[i].task);
        cd_status_store_put(h->status, req->connector, tasks[i].task, CD_STATE_RESTARTING, NULL,
                            worker_id, h->generation);
    }
    if (restart_connector && own_connector)
        cd_dh_start_connector(h, req->connector);
    for (size_t i = 0; req->include_tasks && i < n; i++) {
        if (req->only_failed && tasks[i].state != CD_STATE_FAILED)
            continue;
        if (cd_work_list_contains(&h->running, req->connector, tasks[i].task))
            cd_dh_start_task(h, req->connector, tasks[i].task);
    }
    for (size_t i = 0; i < n; i++)
        cd_status_clear(&tasks[i]);
    free(tasks);
}

static void cd_dh_process_config_updates(cd_distributed_herder_t *h)
{
    pthread_mutex_lock(&h->lock);
    cd_name_set_t connectors = h->connector_updates, targets = h->target_updates,
                  tasks = h->task_updates;
    memset(&h->connector_updates, 0, sizeof(h->connector_updates));
    memset(&h->target_updates, 0, sizeof(h->target_updates));
    memset(&h->task_updates, 0, sizeof(h->task_updates));
    cd_dh_restart_t *restarts = h->restarts;
    size_t restart_count = h->restart_count;
    h->restarts = NULL;
    h->restart_count = 0;
    pthread_mutex_unlock(&h->lock);

    if (connectors.count || targets.count || tasks.count || restart_count)
        cd_dh_refresh_snapshot(h);

    /* processConnectorConfigUpdates: bounce (or stop) the connectors run here. */
    for (size_t i = 0; i < connectors.count; i++) {
        const char *name = connectors.names[i];
        if (!cd_work_list_contains(&h->running, name, -1))
            continue;
        bool remains = cd_dh_connector(h, name) != NULL;
        cd_log_info(CD_DH_LOGGER, "Handling connector-only config update by %s connector %s",
                    remains ? "restarting" : "stopping", name);
        if (remains) {
            cd_dh_restart_connector_instance(h, name);
        } else {
            cd_work_list_t items = {0};
            cd_work_list_add(&items, name, -1);
            cd_dh_stop_work(h, &items);
            cd_work_list_clear(&items);
        }
    }
    /* A connector added (or its task count changed) since the last rebalance needs
     * a rebalance (onConnectorConfigUpdate for a connector not in configState). */
    if (h->rebalance_resolved && cd_dh_structure_changed(h)) {
        pthread_mutex_lock(&h->lock);
        h->needs_reconfig_rebalance = true;
        pthread_mutex_unlock(&h->lock);
    }
    for (size_t i = 0; i < targets.count; i++) {
        const char *name = targets.names[i];
        const cd_cluster_connector_t *c = cd_dh_connector(h, name);
        if (!c)
            continue;
        /* processTargetStateChanges: the worker gets the state whether it runs the
         * connector or only some of its tasks (a task on a worker without its connector
         * must pause too); only the connector's owner reconfigures. */
        bool runs_connector = cd_work_list_contains(&h->running, name, -1), runs_any = false;
        for (size_t k = 0; k < h->running.count && !runs_any; k++)
            runs_any = strcmp(h->running.items[k].connector, name) == 0;
        if (!runs_any)
            continue;
        cd_log_info(CD_DH_LOGGER, "Handling target state change of connector %s to %s", name,
                    cd_target_state_name(c->target));
        cd_worker_set_target_state(h->worker, name, c->target);
        if (c->target == CD_TARGET_STARTED && runs_connector)
            cd_dh_schedule_reconfig(h, name, 0);
    }
    if (tasks.count > 0 && h->protocol != CD_CONNECT_PROTOCOL_EAGER) {
        /* processTaskConfigUpdatesWithIncrementalCooperative */
        cd_work_list_t stop = {0};
        for (size_t i = 0; i < h->running.count; i++)
            if (h->running.items[i].task >= 0 &&
                cd_name_set_contains(&tasks, h->running.items[i].connector))
                cd_work_list_add(&stop, h->running.items[i].connector, h->running.items[i].task);
        if (stop.count > 0) {
            cd_log_info(CD_DH_LOGGER,
                        "Handling task config update by stopping %zu tasks, which will be "
                        "restarted after rebalance if still assigned to this worker",
                        stop.count);
            cd_dh_stop_work(h, &stop);
            for (size_t i = 0; i < stop.count; i++)
                cd_work_list_add(&h->tasks_to_restart, stop.items[i].connector, stop.items[i].task);
            /* The stopped tasks come back only with a rebalance: make sure one follows even
             * when a rebalance in between already consumed onTaskConfigUpdate's request. */
            pthread_mutex_lock(&h->lock);
            h->needs_reconfig_rebalance = true;
            pthread_mutex_unlock(&h->lock);
        }
        cd_work_list_clear(&stop);
    }
    pthread_mutex_lock(&h->lock);
    bool rejoin = h->needs_reconfig_rebalance;
    pthread_mutex_unlock(&h->lock);
    if (rejoin && !cd_group_member_rejoin_needed(h->member))
        cd_group_member_request_rejoin(h->member, "config change");
    for (size_t i = 0; i < restart_count; i++) {
        cd_dh_process_restart(h, &restarts[i]);
        free(restarts[i].connector);
    }
    free(restarts);
    cd_name_set_clear(&connectors);
    cd_name_set_clear(&targets);
    cd_name_set_clear(&tasks);
}

/* ------------------------------------------------------------------ */
/* REST requests (herder thread)                                       */
/* ------------------------------------------------------------------ */

static void cd_dh_connectors(cd_distributed_herder_t *h, bool expand_status, bool expand_info,
                             cd_herder_reply_t *r)
{
    if (cd_dh_rebalance_needed(h, r))
        return;
    const cd_cluster_config_t *cfg = h->snapshot;
    cd_herder_connector_view_t *views = calloc(cfg->count + 1, sizeof(*views));
    if (!views) {
        cd_herder_reply_error(r, 500, "Out of memory");
        return;
    }
    for (size_t i = 0; i < cfg->count; i++)
        views[i] = (cd_herder_connector_view_t){
            cfg->connectors[i].name, cfg->connectors[i].config,
            (size_t)cd_cluster_config_task_count(cfg, cfg->connectors[i].name)};
    cd_herder_connectors_reply(h->status, views, cfg->count, expand_status, expand_info, r);
    free(views);
}

static void cd_dh_put_config(cd_distributed_herder_t *h, const char *name,
                             const cd_properties_t *config, const char *initial_state,
                             bool allow_replace, cd_herder_reply_t *r)
{
    cd_target_state_t target = CD_TARGET_STARTED;
    if (initial_state && !cd_target_state_parse_initial(initial_state, &target)) {
        cd_herder_reply_error(r, 400, "Invalid initial state: %s", initial_state);
        return;
    }
    if (cd_herder_validate_config(&h->base, config, r) != 0)
        return;
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader can set connector configs.");
        return;
    }
    const cd_cluster_connector_t *existing = cd_dh_connector(h, name);
    bool exists = existing != NULL;
    if (!allow_replace && exists) {
        cd_herder_reply_error(r, 409, "Connector %s already exists", name);
        return;
    }
    size_t task_count = exists ? (size_t)cd_cluster_config_task_count(h->snapshot, name) : 0;
    char errstr[1024];
    if (cd_config_store_put_connector_config(h->configs, name, config,
                                             initial_state ? &target : NULL, errstr,
                                             sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, 500, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, exists ? 200 : 201,
                       cd_herder_connector_info_json(name, config, task_count));
    if (!exists)
        r->location = cd_herder_location(name);
}

static void cd_dh_patch_config(cd_distributed_herder_t *h, const char *name, const json_t *patch,
                               cd_herder_reply_t *r)
{
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader can set connector configs.");
        return;
    }
    const cd_cluster_connector_t *c = cd_dh_connector(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    cd_properties_t *patched = cd_herder_patch_config(c->config, patch);
    char *name_copy = strdup(name);
    cd_dh_put_config(h, name_copy, patched, NULL, true, r);
    free(name_copy);
    cd_properties_destroy(patched);
}

static void cd_dh_delete(cd_distributed_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader can delete connector configs.");
        return;
    }
    if (!cd_dh_connector(h, name)) {
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
        return;
    }
    char errstr[1024];
    if (cd_config_store_remove_connector_config(h->configs, name, errstr, sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, 500, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 204, NULL);
}

static void cd_dh_restart_connector(cd_distributed_herder_t *h, const char *name,
                                    bool include_tasks, bool only_failed, cd_herder_reply_t *r)
{
    if (cd_dh_rebalance_needed(h, r))
        return;
    if (!include_tasks && !only_failed) {
        if (!cd_dh_connector(h, name)) {
            cd_herder_reply_error(r, 404, "Unknown connector: %s", name);
            return;
        }
        if (cd_work_list_contains(&h->running, name, -1)) {
            cd_dh_restart_connector_instance(h, name);
            cd_herder_reply_ok(r, 204, NULL);
        } else if (cd_dh_is_leader(h)) {
            cd_herder_reply_redirect(r, CD_HERDER_REDIRECT_NOT_ASSIGNED,
                                     cd_dh_owner_url(h, name, -1),
                                     "Cannot restart connector since it is not assigned to this "
                                     "member");
        } else {
            cd_dh_not_leader(h, r, "Only the leader can process restart requests.");
        }
        return;
    }
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader can process restart requests.");
        return;
    }
    const cd_cluster_connector_t *c = cd_dh_connector(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Unknown connector: %s", name);
        return;
    }
    json_t *plan =
        cd_herder_status_json(h->status, name, c->config, true, only_failed, include_tasks);
    if (!plan) {
        cd_herder_reply_error(r, 404, "Status for connector %s not found", name);
        return;
    }
    char errstr[1024];
    if (cd_config_store_put_restart_request(h->configs, name, include_tasks, only_failed, errstr,
                                            sizeof(errstr)) != 0) {
        json_decref(plan);
        cd_herder_reply_error(r, 500, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 202, plan);
}

static void cd_dh_restart_task(cd_distributed_herder_t *h, const char *name, int task,
                               cd_herder_reply_t *r)
{
    if (cd_dh_rebalance_needed(h, r))
        return;
    const cd_cluster_connector_t *c = cd_dh_connector(h, name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Unknown connector: %s", name);
        return;
    }
    if (task < 0 || (size_t)task >= c->tasks_len || !c->tasks[task]) {
        cd_herder_reply_error(r, 404, "Unknown task: %s-%d", name, task);
        return;
    }
    if (cd_work_list_contains(&h->running, name, task)) {
        cd_worker_stop_tasks(h->worker, name, task);
        cd_dh_start_task(h, name, task);
        cd_herder_reply_ok(r, 204, NULL);
    } else if (cd_dh_is_leader(h)) {
        cd_herder_reply_redirect(r, CD_HERDER_REDIRECT_NOT_ASSIGNED, cd_dh_owner_url(h, name, task),
                                 "Cannot restart task since it is not assigned to this member");
    } else {
        cd_dh_not_leader(h, r, "Cannot restart task since it is not assigned to this member");
    }
}

static void cd_dh_put_target(cd_distributed_herder_t *h, const char *name, cd_target_state_t target,
                             cd_herder_reply_t *r)
{
    /* AbstractHerder.pauseConnector / resumeConnector: any worker writes. */
    if (!cd_dh_connector(h, name)) {
        cd_herder_reply_error(r, 404, "Unknown connector %s", name);
        return;
    }
    char errstr[1024];
    if (cd_config_store_put_target_state(h->configs, name, target, errstr, sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, 500, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 202, NULL);
}

static void cd_dh_stop(cd_distributed_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    if (!cd_dh_connector(h, name)) {
        cd_herder_reply_error(r, 404, "Unknown connector %s", name);
        return;
    }
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader can transition connectors to the STOPPED state.");
        return;
    }
    char errstr[1024];
    /* Task configs first, so a failure in between leaves a healthy cluster. */
    if (cd_config_store_put_task_configs(h->configs, name, NULL, 0, errstr, sizeof(errstr)) != 0 ||
        cd_config_store_put_target_state(h->configs, name, CD_TARGET_STOPPED, errstr,
                                         sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, 500, "%s", errstr);
        return;
    }
    if (!cd_dh_read_config_to_end(h, h->worker_sync_timeout_ms))
        cd_log_warn(CD_DH_LOGGER,
                    "Failed to read to end of config topic after writing the "
                    "STOPPED target state for connector %s",
                    name);
    cd_herder_reply_ok(r, 204, NULL);
}

static void cd_dh_offsets(cd_distributed_herder_t *h, int op, const char *name, const json_t *body,
                          cd_herder_reply_t *r)
{
    char errstr[1024];
    int status = 500;
    if (op == CD_OP_ALTER_OFFSETS &&
        cd_connector_offsets_check_body(body, &status, errstr, sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, status, "%s", errstr);
        return;
    }
    if (op != CD_OP_OFFSETS) {
        if (cd_dh_rebalance_needed(h, r))
            return;
        if (!cd_dh_is_leader(h)) {
            cd_dh_not_leader(h, r,
                             "Only the leader can process external offsets modification requests");
            return;
        }
        if (!cd_dh_read_config_to_end(h, h->worker_sync_timeout_ms)) {
            cd_herder_reply_error(r, 500, "Failed to read to end of config topic");
            return;
        }
    }
    const cd_cluster_connector_t *c = cd_dh_connector(h, name);
    cd_herder_connector_offsets(h->wc, h->offsets, name, c ? c->config : NULL,
                                c ? c->target : CD_TARGET_STARTED, c ? (size_t)c->task_count : 0,
                                op, body, r);
}

static void cd_dh_cluster_logger(cd_distributed_herder_t *h, const char *logger, const char *level,
                                 cd_herder_reply_t *r)
{
    cd_log_level_t parsed;
    if (!level || !cd_log_level_parse(level, &parsed)) {
        cd_herder_reply_error(r, 404, "invalid log level '%s'.", level ? level : "");
        return;
    }
    char errstr[1024];
    if (cd_config_store_put_logger_level(h->configs, logger, level, errstr, sizeof(errstr)) != 0) {
        cd_herder_reply_error(r, 500, "%s", errstr);
        return;
    }
    cd_herder_reply_ok(r, 204, NULL);
}

/* requestNotSignedProperly. @returns true when the reply is set (reject). */
static bool cd_dh_bad_signature(cd_distributed_herder_t *h, const cd_herder_call_t *call,
                                cd_herder_reply_t *r)
{
    if (h->protocol < CD_CONNECT_PROTOCOL_SESSIONED || !h->have_assignment)
        return false; /* internalRequestValidationEnabled() is false */
    if (!call->flag1) {
        cd_herder_reply_error(r, 400, "Internal request missing required signature");
        return true;
    }
    bool allowed = false;
    for (size_t i = 0; i < h->verification_count && !allowed; i++)
        allowed = strcmp(h->verification_algorithms[i], call->text) == 0;
    if (!allowed) {
        char list[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < h->verification_count && used < sizeof(list); i++)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                     h->verification_algorithms[i]);
        cd_herder_reply_error(
            r, 400,
            "This worker does not support the '%s' key signing algorithm used by other workers. "
            "This worker is currently configured to use: [%s]. Check that all workers' "
            "configuration files permit the same set of signature algorithms, and correct any "
            "misconfigured worker and restart it.",
            call->text, list);
        return true;
    }
    const cd_session_key_t *key = h->snapshot->session_key;
    if (!key) {
        cd_herder_reply_error(r, 503,
                              "This worker is still starting up and has not been able to read a "
                              "session key from the config topic yet");
        return true;
    }
    if (!cd_internal_request_verify(call->text, key->key, key->key_len, call->blob, call->blob_len,
                                    call->text2)) {
        cd_herder_reply_error(r, 403, "Internal request contained invalid signature.");
        return true;
    }
    return false;
}

static void cd_dh_put_task_configs(cd_distributed_herder_t *h, cd_herder_call_t *call,
                                   cd_herder_reply_t *r)
{
    if (cd_dh_bad_signature(h, call, r))
        return;
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader may write task configurations.");
        return;
    }
    const cd_cluster_connector_t *c = cd_dh_connector(h, call->name);
    if (!c) {
        cd_herder_reply_error(r, 404, "Connector %s not found", call->name);
        return;
    }
    size_t n = json_is_array(call->json) ? json_array_size(call->json) : 0;
    if (c->target == CD_TARGET_STOPPED && n > 0) {
        cd_herder_reply_error(r, 400,
                              "Cannot submit non-empty set of task configs for stopped "
                              "connector %s",
                              call->name);
        return;
    }
    cd_properties_t **configs = calloc(n + 1, sizeof(*configs));
    if (!configs) {
        cd_herder_reply_error(r, 500, "Out of memory");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        configs[i] = cd_properties_new();
        const char *key;
        json_t *value;
        json_object_foreach(json_array_get(call->json, i), key, value)
        {
            if (json_is_string(value))
                cd_properties_set(configs[i], key, json_string_value(value));
        }
    }
    char errstr[1024];
    if (cd_config_store_put_task_configs(h->configs, call->name, configs, n, errstr,
                                         sizeof(errstr)) != 0)
        cd_herder_reply_error(r, 500, "%s", errstr);
    else
        cd_herder_reply_ok(r, 204, NULL);
    for (size_t i = 0; i < n; i++)
        cd_properties_destroy(configs[i]);
    free(configs);
    cd_dh_refresh_snapshot(h);
}

static void cd_dh_fence(cd_distributed_herder_t *h, cd_herder_call_t *call, cd_herder_reply_t *r)
{
    if (cd_dh_bad_signature(h, call, r))
        return;
    if (!cd_dh_is_leader(h)) {
        cd_dh_not_leader(h, r, "Only the leader may perform zombie fencing.");
        return;
    }
    if (!cd_dh_connector(h, call->name)) {
        cd_herder_reply_error(r, 404, "Connector %s not found", call->name);
        return;
    }
    cd_herder_reply_error(r, 501,
                          "Zombie fencing is not supported by this worker: exactly-once source "
                          "support is not implemented in connectd yet");
}

static void cd_dh_dispatch(cd_distributed_herder_t *h, cd_herder_call_t *call)
{
    cd_herder_reply_t *r = &call->reply;
    const cd_cluster_connector_t *c = NULL;
    switch (call->op) {
    case CD_OP_NOOP:
        cd_herder_reply_ok(r, 200, NULL);
        break;
    case CD_OP_CONNECTORS:
        cd_dh_connectors(h, call->flag1, call->flag2, r);
        break;
    case CD_OP_PUT_CONFIG:
        cd_dh_put_config(h, call->name, call->config, call->text, call->flag1, r);
        break;
    case CD_OP_PATCH_CONFIG:
        cd_dh_patch_config(h, call->name, call->json, r);
        break;
    case CD_OP_CONNECTOR_INFO:
    case CD_OP_CONNECTOR_CONFIG:
    case CD_OP_TASK_CONFIGS:
        if (cd_dh_rebalance_needed(h, r))
            break;
        c = cd_dh_connector(h, call->name);
        if (!c)
            cd_herder_reply_error(r, 404, "Connector %s not found", call->name);
        else if (call->op == CD_OP_CONNECTOR_INFO)
            cd_herder_reply_ok(r, 200,
                               cd_herder_connector_info_json(
                                   c->name, c->config,
                                   (size_t)cd_cluster_config_task_count(h->snapshot, c->name)));
        else if (call->op == CD_OP_CONNECTOR_CONFIG)
            cd_herder_reply_ok(r, 200, cd_herder_properties_json(c->config));
        else
            cd_herder_reply_ok(
                r, 200,
                cd_herder_task_configs_json(c->name, c->tasks, c->inconsistent ? 0 : c->tasks_len));
        break;
    case CD_OP_CONNECTOR_STATUS:
        c = cd_dh_connector(h, call->name);
        cd_herder_connector_status_reply(h->status, call->name, c ? c->config : NULL, r);
        break;
    case CD_OP_TASK_STATUS:
        c = cd_dh_connector(h, call->name);
        cd_herder_task_status_reply(h->status, call->name, call->task, c ? c->config : NULL, r);
        break;
    case CD_OP_DELETE:
        cd_dh_delete(h, call->name, r);
        break;
    case CD_OP_RESTART_CONNECTOR:
        cd_dh_restart_connector(h, call->name, call->flag1, call->flag2, r);
        break;
    case CD_OP_RESTART_TASK:
        cd_dh_restart_task(h, call->name, call->task, r);
        break;
    case CD_OP_PAUSE:
        cd_dh_put_target(h, call->name, CD_TARGET_PAUSED, r);
        break;
    case CD_OP_RESUME:
        cd_dh_put_target(h, call->name, CD_TARGET_STARTED, r);
        break;
    case CD_OP_STOP:
        cd_dh_stop(h, call->name, r);
        break;
    case CD_OP_TOPICS:
    case CD_OP_RESET_TOPICS:
        cd_herder_topics(h->wc, h->status, call->name, call->op == CD_OP_RESET_TOPICS, r);
        break;
    case CD_OP_OFFSETS:
    case CD_OP_ALTER_OFFSETS:
    case CD_OP_RESET_OFFSETS:
        cd_dh_offsets(h, call->op, call->name, call->json, r);
        break;
    case CD_OP_CLUSTER_LOGGER:
        cd_dh_cluster_logger(h, call->text, call->text2, r);
        break;
    case CD_OP_TASK_FAILED: {
        const cd_cluster_connector_t *failed = cd_dh_connector(h, call->name);
        if (failed && cd_work_list_contains(&h->running, call->name, call->task))
            cd_task_auto_restart_on_failure(h->auto_restart, failed->name, call->task,
                                            failed->config, cd_dh_now_ms());
        break;
    }
    case CD_OP_TASK_RECONFIGURATION:
        if (cd_work_list_contains(&h->running, call->name, -1))
            cd_dh_schedule_reconfig(h, call->name, 0);
        else
            cd_log_error(CD_DH_LOGGER, "Task that requested reconfiguration does not exist: %s",
                         call->name);
        break;
    case CD_OP_PUT_TASK_CONFIGS:
        cd_dh_put_task_configs(h, call, r);
        break;
    case CD_OP_FENCE_ZOMBIES:
        cd_dh_fence(h, call, r);
        break;
    default:
        cd_herder_reply_error(r, 500, "Unknown herder request %d", call->op);
    }
}

/* ------------------------------------------------------------------ */
/* The herder thread                                                   */
/* ------------------------------------------------------------------ */

static int64_t cd_dh_next_deadline(cd_distributed_herder_t *h, int64_t now)
{
    int64_t wait = 1000;
    if (h->scheduled_rebalance_ms && h->scheduled_rebalance_ms - now < wait)
        wait = h->scheduled_rebalance_ms - now;
    for (size_t i = 0; i < h->reconfig_count; i++)
        if (h->reconfigs[i].due_ms - now < wait)
            wait = h->reconfigs[i].due_ms - now;
    if (h->join_not_before_ms && h->join_not_before_ms - now < wait)
        wait = h->join_not_before_ms - now;
    {
        int64_t restart = cd_task_auto_restart_next_ms(h->auto_restart, now);
        if (restart >= 0 && restart < wait)
            wait = restart;
    }
    return wait < 0 ? 0 : wait;
}

/* An automatic restart (task_auto_restart.h) of a task this worker still runs. */
static void cd_dh_auto_restart_task(void *opaque, const char *name, int task)
{
    cd_distributed_herder_t *h = opaque;
    if (!cd_work_list_contains(&h->running, name, task))
        return;
    cd_worker_stop_tasks(h->worker, name, task);
    cd_dh_start_task(h, name, task);
}

static void *cd_dh_thread_main(void *arg)
{
    cd_distributed_herder_t *h = arg;
    char errstr[1024];
    int64_t fatal_backoff_ms = 0;
    while (!atomic_load(&h->stopping)) {
        int64_t now = cd_dh_now_ms();
        if (h->scheduled_rebalance_ms && now >= h->scheduled_rebalance_ms) {
            h->scheduled_rebalance_ms = 0;
            cd_group_member_request_rejoin(h->member, "scheduled rebalance");
        }
        if (now >= h->join_not_before_ms && now >= fatal_backoff_ms) {
            int rc = cd_group_member_poll(h->member, 1000, errstr, sizeof(errstr));
            if (rc < 0) {
                cd_log_error(CD_DH_LOGGER, "Failed to join the worker group: %s", errstr);
                fatal_backoff_ms = cd_dh_now_ms() + 5000;
            } else if (rc == 0) {
                fatal_backoff_ms = 0;
            }
        }
        if (h->rebalance_completed)
            cd_dh_handle_rebalance_completed(h);
        if (h->rebalance_resolved && !atomic_load(&h->base.ready))
            atomic_store(&h->base.ready, true);
        cd_dh_check_key_rotation(h);
        cd_dh_process_config_updates(h);
        if (h->rebalance_resolved)
            cd_dh_run_reconfigs(h);

        /* tick(): a pending rebalance runs before queued requests are served, so they see
         * its outcome instead of a RebalanceNeededException. */
        if (h->rebalance_resolved)
            cd_task_auto_restart_run_due(h->auto_restart, cd_dh_now_ms(), h->status,
                                         cd_dh_auto_restart_task, h);
        bool can_join =
            cd_dh_now_ms() >= h->join_not_before_ms && cd_dh_now_ms() >= fatal_backoff_ms;
        if (can_join && cd_group_member_rejoin_needed(h->member))
            continue;
        int64_t wait = cd_group_member_rejoin_needed(h->member) ? 0 : cd_dh_next_deadline(h, now);
        cd_herder_call_t *call = cd_herder_queue_take(h->base.queue, wait);
        while (call) {
            cd_dh_dispatch(h, call);
            cd_herder_queue_complete(h->base.queue, call);
            if (atomic_load(&h->stopping))
                break;
            call = cd_herder_queue_take(h->base.queue, 0);
        }
    }
    /* halt(): stop work, leave the group, answer what is queued. */
    cd_dh_stop_all(h);
    cd_status_store_flush(h->status, 5000);
    cd_group_member_leave(h->member, "the worker is stopping");
    cd_abstract_herder_drain(&h->base);
    return NULL;
}

static void cd_dh_task_failed(void *opaque, const char *connector, int task)
{
    cd_distributed_herder_t *h = opaque;
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_TASK_FAILED, connector);
    if (call) {
        call->task = task;
        cd_herder_queue_post(h->base.queue, call);
    }
}

static void cd_dh_request_task_reconfiguration(void *opaque, const char *connector)
{
    cd_distributed_herder_t *h = opaque;
    cd_herder_call_t *call = cd_abstract_herder_call(CD_OP_TASK_RECONFIGURATION, connector);
    if (call)
        cd_herder_queue_post(h->base.queue, call);
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */
/* ------------------------------------------------------------------ */

cd_distributed_herder_t *cd_distributed_herder_new(cd_worker_config_t *wc,
                                                   cd_offset_store_t *offsets,
                                                   cd_status_store_t *status, char *errstr,
                                                   size_t errstr_size)
{
    cd_distributed_herder_t *h = calloc(1, sizeof(*h));
    if (!h) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    h->wc = wc;
    h->offsets = offsets;
    h->status = status;
    h->generation = -1;
    h->auto_restart = cd_task_auto_restart_new(cd_config_originals(cd_worker_config_values(wc)));
    cd_connector_config_set_worker_defaults(cd_config_originals(cd_worker_config_values(wc)));
    const cd_config_t *values = cd_worker_config_values(wc);
    const char *protocol = cd_config_get_string(values, "connect.protocol");
    if (!cd_connect_protocol_from_config(protocol ? protocol : "sessioned",
                                         &h->configured_protocol)) {
        snprintf(errstr, errstr_size, "Invalid value %s for configuration connect.protocol",
                 protocol ? protocol : "null");
        goto fail;
    }
    h->protocol = h->configured_protocol;
    h->worker_sync_timeout_ms = cd_config_get_int(values, "worker.sync.timeout.ms");
    h->unsync_backoff_ms = cd_config_get_int(values, "worker.unsync.backoff.ms");
    h->max_delay_ms = cd_config_get_int(values, "scheduled.rebalance.max.delay.ms");
    h->key_ttl_ms = cd_config_get_int(values, "inter.worker.key.ttl.ms");
    const char *alg = cd_config_get_string(values, "inter.worker.key.generation.algorithm");
    h->key_algorithm = strdup(alg ? alg : "HmacSHA256");
    const char *sig_alg = cd_config_get_string(values, "inter.worker.signature.algorithm");
    h->signature_algorithm = strdup(sig_alg ? sig_alg : "HmacSHA256");
    const cd_config_value_t *size_value = cd_config_get(values, "inter.worker.key.size");
    h->key_size = cd_internal_request_default_key_size(h->key_algorithm);
    if (size_value && cd_properties_get(cd_config_originals(values), "inter.worker.key.size"))
        h->key_size = (size_t)cd_config_get_int(values, "inter.worker.key.size") / 8;
    if (h->key_size == 0)
        h->key_size = 32;
    size_t nver = 0;
    const char *const *ver =
        cd_config_get_list(values, "inter.worker.verification.algorithms", &nver);
    h->verification_algorithms = calloc(nver + 1, sizeof(char *));
    for (size_t i = 0; h->verification_algorithms && i < nver; i++)
        h->verification_algorithms[h->verification_count++] = strdup(ver[i]);

    if (cd_abstract_herder_init(&h->base, true) != 0) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    cd_worker_listener_t listener = {
        .request_task_reconfiguration = cd_dh_request_task_reconfiguration,
        .task_failed = cd_dh_task_failed,
        .opaque = h,
    };
    h->worker = cd_worker_new(wc, offsets, status, &listener, errstr, errstr_size);
    h->base.worker = h->worker;
    if (!h->worker)
        goto fail;
    h->base.kafka_cluster_id = strdup(cd_worker_kafka_cluster_id(h->worker));
    cd_config_store_listener_t store_listener = {
        .connector_config_update = cd_dh_on_connector_update,
        .connector_config_remove = cd_dh_on_connector_remove,
        .task_config_update = cd_dh_on_task_update,
        .target_state_change = cd_dh_on_target_state,
        .session_key_update = cd_dh_on_session_key,
        .restart_request = cd_dh_on_restart,
        .logger_level = cd_dh_on_logger_level,
        .opaque = h,
    };
    h->configs = cd_config_store_new(wc, &store_listener, errstr, errstr_size);
    if (!h->configs || cd_config_store_start(h->configs, errstr, errstr_size) != 0)
        goto fail;
    /* Records read during start-up are the initial state, not updates. */
    pthread_mutex_lock(&h->lock);
    cd_name_set_clear(&h->connector_updates);
    cd_name_set_clear(&h->target_updates);
    cd_name_set_clear(&h->task_updates);
    h->needs_reconfig_rebalance = false;
    pthread_mutex_unlock(&h->lock);
    h->snapshot = cd_config_store_snapshot(h->configs);
    cd_group_callbacks_t callbacks = {
        .join_prepare = cd_dh_join_prepare,
        .metadata = cd_dh_metadata,
        .assign = cd_dh_assign,
        .assigned = cd_dh_assigned,
        .lost = cd_dh_lost,
        .wakeup = cd_dh_wakeup,
        .opaque = h,
    };
    h->member = cd_group_member_new(wc, &callbacks, errstr, errstr_size);
    if (!h->member)
        goto fail;
    return h;
fail:
    cd_distributed_herder_destroy(h);
    return NULL;
}

cd_herder_t *cd_distributed_herder_herder(cd_distributed_herder_t *h)
{
    return &h->base.base;
}

int cd_distributed_herder_start(cd_distributed_herder_t *h, char *errstr, size_t errstr_size)
{
    cd_log_info(CD_DH_LOGGER, "Herder starting");
    if (pthread_create(&h->thread, NULL, cd_dh_thread_main, h) != 0) {
        snprintf(errstr, errstr_size, "Failed to start the herder thread");
        return -1;
    }
    h->thread_started = true;
    return 0;
}

void cd_distributed_herder_destroy(cd_distributed_herder_t *h)
{
    if (!h)
        return;
    cd_log_info(CD_DH_LOGGER, "Herder stopping");
    atomic_store(&h->stopping, true);
    if (h->base.queue)
        cd_herder_queue_wakeup(h->base.queue);
    if (h->thread_started)
        pthread_join(h->thread, NULL);
    cd_group_member_destroy(h->member);
    cd_config_store_destroy(h->configs);
    h->base.worker = NULL;
    cd_worker_destroy(h->worker);
    cd_abstract_herder_cleanup(&h->base);
    cd_cluster_config_destroy(h->snapshot);
    cd_assignor_destroy(h->assignor);
    cd_assignment_clear(&h->full);
    cd_assignment_clear(&h->delta);
    cd_work_list_clear(&h->running);
    cd_work_list_clear(&h->tasks_to_restart);
    cd_dh_clear_owners(h);
    cd_dh_free_assign_bufs(h);
    for (size_t i = 0; i < CD_DH_MAX_PROTOCOLS; i++)
        free(h->metadata_buf[i]);
    while (h->reconfig_count > 0)
        cd_dh_unschedule_reconfig(h, h->reconfig_count - 1);
    free(h->reconfigs);
    for (size_t i = 0; i < h->restart_count; i++)
        free(h->restarts[i].connector);
    free(h->restarts);
    cd_name_set_clear(&h->connector_updates);
    cd_name_set_clear(&h->target_updates);
    cd_name_set_clear(&h->task_updates);
    cd_name_set_clear(&h->structure);
    for (size_t i = 0; i < h->verification_count; i++)
        free(h->verification_algorithms[i]);
    free(h->verification_algorithms);
    free(h->key_algorithm);
    free(h->signature_algorithm);
    free(h->member_id);
    cd_task_auto_restart_destroy(h->auto_restart);
    pthread_mutex_destroy(&h->lock);
    free(h);
    cd_connector_config_set_worker_defaults(NULL);
    cd_log_info(CD_DH_LOGGER, "Herder stopped");
}
