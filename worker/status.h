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
    /** The connector plugin's version (Kafka 4.x status "version" field); NULL = null. */
    char *version;
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
/** @brief As cd_status_store_put, with the plugin version the status carries (Kafka 4.x
 *  STATUS_SCHEMA "version"; NULL = null). */
void cd_status_store_put_version(cd_status_store_t *store, const char *connector, int task,
                                 cd_state_t state, const char *trace, const char *worker_id,
                                 int64_t generation, const char *version);
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

/** @brief The names of every connector with a connector or task status (sorted; free each
 *  and the array), count in *n. The leader tombstones statuses of deleted connectors. */
char **cd_status_store_connectors(cd_status_store_t *store, size_t *n);
/** @brief Waits until every status write so far is durable (the status topic: produced and
 *  acknowledged). No-op for the memory store. @returns 0, or -1 on timeout. */
int cd_status_store_flush(cd_status_store_t *store, int64_t timeout_ms);

/* ---- Backends (storage/kafka_status_store.c): the same cache, with writes sent elsewhere. */

/** Where a backed store sends its writes. Called without the store's lock held. */
typedef struct cd_status_backend_s {
    /** A connector (task -1) or task status; state DESTROYED = delete (tombstone). */
    void (*write_status)(void *opaque, const cd_status_t *status);
    /** An active topic (KIP-558) first seen by @p task at @p discover_ts_ms; deleted = reset. */
    void (*write_topic)(void *opaque, const char *connector, const char *topic, int task,
                        int64_t discover_ts_ms, bool deleted);
    int (*flush)(void *opaque, int64_t timeout_ms);
    /** Stops the backend (its reader may call cd_status_store_apply_* until this returns). */
    void (*destroy)(void *opaque);
} cd_status_backend_t;

/**
 * @brief A store whose puts go to @p backend (KafkaStatusBackingStore): put() of
 * FAILED/UNASSIGNED follows Java's putSafe rule (skipped unless the cached status is
 * absent, from the same worker, or of a generation <= the new one); every write also
 * updates the cache. The backend is destroyed by cd_status_store_destroy.
 */
cd_status_store_t *cd_status_store_new_backed(const cd_status_backend_t *backend, void *opaque);
/** @brief Installs the backend's opaque pointer after creation (NULL backend store: no-op). */
void cd_status_store_set_backend_opaque(cd_status_store_t *store, void *opaque);

/**
 * @brief Applies a status read from the backend (no write-back), with Java's reader rules:
 * state DESTROYED removes the entry (a connector: with all its tasks, as
 * KafkaStatusBackingStore.remove(connector)); an UNASSIGNED task status is ignored while
 * the cached one is RUNNING with a generation >= the incoming one.
 */
void cd_status_store_apply_status(cd_status_store_t *store, const cd_status_t *status);
/** @brief Applies an active-topic record read from the backend (deleted = tombstone). */
void cd_status_store_apply_topic(cd_status_store_t *store, const char *connector, const char *topic,
                                 bool deleted);
/** @brief Task that first reported the topic as active, for put_topic (default 0). */
void cd_status_store_put_topic_task(cd_status_store_t *store, const char *connector,
                                    const char *topic, int task);

#endif
