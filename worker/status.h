/**
 * @file status.h
 * @brief Connector and task states (AbstractStatus.State) and the status
 *        store (StatusBackingStore): in memory for standalone, the status topic
 *        in distributed mode (issue 4).
 *
 * Thread-safe: task threads report their own state; the herder reads.
 */
#ifndef CONNECTD_WORKER_STATUS_H
#define CONNECTD_WORKER_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cd_state_e {
    CD_STATE_UNASSIGNED,
    CD_STATE_RUNNING,
    CD_STATE_PAUSED,
    CD_STATE_FAILED,
    CD_STATE_RESTARTING,
    CD_STATE_STOPPED,
    CD_STATE_DESTROYED,
} cd_state_t;

/** @returns "RUNNING", ... */
const char *cd_state_name(cd_state_t state);

/** TargetState. */
typedef enum cd_target_state_e {
    CD_TARGET_STARTED,
    CD_TARGET_PAUSED,
    CD_TARGET_STOPPED,
} cd_target_state_t;

/** @returns "STARTED", "PAUSED", "STOPPED". */
const char *cd_target_state_name(cd_target_state_t state);
/** @brief Parses "RUNNING"/"PAUSED"/"STOPPED" case-insensitively (initial_state). */
bool cd_target_state_parse_initial(const char *text, cd_target_state_t *out);

/** One status record (ConnectorStatus / TaskStatus). task = -1 for the connector. */
typedef struct cd_status_s {
    char *connector;
    int task;
    cd_state_t state;
    char *trace; /**< NULL when none */
    char *worker_id;
    int64_t generation;
} cd_status_t;

void cd_status_clear(cd_status_t *status);

typedef struct cd_status_store_s cd_status_store_t;

/** @brief An in-memory status store (MemoryStatusBackingStore). */
cd_status_store_t *cd_status_store_new_memory(void);
void cd_status_store_destroy(cd_status_store_t *store);
/** @brief Records a state (copied). */
void cd_status_store_put(cd_status_store_t *store, const char *connector, int task,
                         cd_state_t state, const char *trace, const char *worker_id,
                         int64_t generation);
/** @brief Copies a status into @p out. @returns false if none. */
bool cd_status_store_get(cd_status_store_t *store, const char *connector, int task,
                         cd_status_t *out);
/** @brief Copies every task status of @p connector, sorted by task id.
 *  @returns the array (count in *n; cd_status_clear each, then free). */
cd_status_t *cd_status_store_get_tasks(cd_status_store_t *store, const char *connector, size_t *n);
/** @brief Forgets a connector and its tasks (DESTROYED). */
void cd_status_store_remove_connector(cd_status_store_t *store, const char *connector);
/** @brief Forgets one task. */
void cd_status_store_remove_task(cd_status_store_t *store, const char *connector, int task);

/** Active topics (KIP-558): a topic a connector's task used. Thread-safe. */
void cd_status_store_put_topic(cd_status_store_t *store, const char *connector, const char *topic);
/** @returns the sorted topic names (free each and the array), count in *n. */
char **cd_status_store_get_topics(cd_status_store_t *store, const char *connector, size_t *n);
void cd_status_store_reset_topics(cd_status_store_t *store, const char *connector);

#endif
