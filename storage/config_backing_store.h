/**
 * @file config_backing_store.h
 * @brief The config topic (KafkaConfigBackingStore): connector configs, task
 *        configs with their commit records, target states, restart requests,
 *        the session key, task-count (fencing) records and cluster logger
 *        levels, read and written byte for byte as Java does, and the
 *        snapshot (ClusterConfigState) the herder works from.
 *
 * Record keys and value layouts: docs/modules/config-backing-store.md and
 * ../shared/reference/connect-wire.md §1.1. Thread-safe: records are applied on
 * the log's work thread; writers call from the herder thread.
 */
#ifndef CONNECTD_STORAGE_CONFIG_BACKING_STORE_H
#define CONNECTD_STORAGE_CONFIG_BACKING_STORE_H

#include "../worker/status.h"
#include "../worker/worker_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The inter-worker session key (SessionKey). */
typedef struct cd_session_key_s {
    uint8_t *key;
    size_t key_len;
    char *algorithm;          /**< e.g. "HmacSHA256" */
    int64_t creation_time_ms; /**< creation-timestamp */
} cd_session_key_t;

/** One connector in a snapshot. */
typedef struct cd_cluster_connector_s {
    char *name;
    cd_properties_t *config;  /**< raw (untransformed) connector config */
    cd_target_state_t target; /**< STARTED when no target-state record */
    int task_count;           /**< from the last commit record (0 if none) */
    /** Applied task configs, index = task id; NULL entries and count 0 while inconsistent. */
    cd_properties_t **tasks;
    size_t tasks_len;
    bool inconsistent;       /**< last commit did not cover every task id */
    bool pending_fencing;    /**< KIP-618: a commit without a later task-count record */
    int64_t task_generation; /**< incremented on every applied commit; -1 before the first */
    /** The connector config in force at the last applied commit (AppliedConnectorConfig,
     *  for AbstractHerder.taskConfigsChanged), or NULL. */
    cd_properties_t *applied_config;
    int task_count_record; /**< last tasks-fencing record (KIP-618), -1 if none */
} cd_cluster_connector_t;

/** ClusterConfigState: an immutable, owned copy. */
typedef struct cd_cluster_config_s {
    int64_t offset;                     /**< next offset to read (last consumed + 1), -1 if none */
    cd_session_key_t *session_key;      /**< NULL if none read */
    cd_cluster_connector_t *connectors; /**< sorted by name (strcmp) */
    size_t count;
} cd_cluster_config_t;

void cd_cluster_config_destroy(cd_cluster_config_t *cfg);
/** @returns the connector or NULL. */
const cd_cluster_connector_t *cd_cluster_config_find(const cd_cluster_config_t *cfg,
                                                     const char *name);
/** @returns ClusterConfigState.tasks(name).size(): 0 when inconsistent or unknown. */
int cd_cluster_config_task_count(const cd_cluster_config_t *cfg, const char *name);

/** What the store tells the herder (ConfigBackingStore.UpdateListener). Called on the
 *  log's work thread: implementations must only enqueue / set flags. Any may be NULL. */
typedef struct cd_config_store_listener_s {
    /** A connector config record (created or updated). */
    void (*connector_config_update)(void *opaque, const char *connector);
    /** A connector tombstone. */
    void (*connector_config_remove)(void *opaque, const char *connector);
    /** A commit record was applied (task configs changed) for @p connector. */
    void (*task_config_update)(void *opaque, const char *connector);
    /** A target-state record for an existing connector. */
    void (*target_state_change)(void *opaque, const char *connector);
    /** A new session key was read. */
    void (*session_key_update)(void *opaque);
    /** A restart request read after start-up. */
    void (*restart_request)(void *opaque, const char *connector, bool include_tasks,
                            bool only_failed);
    /** A cluster logger level read after start-up (namespace, level). */
    void (*logger_level)(void *opaque, const char *ns, const char *level);
    void *opaque;
} cd_config_store_listener_t;

typedef struct cd_config_store_s cd_config_store_t;

/** @brief Creates the store on config.storage.topic (not started). */
cd_config_store_t *cd_config_store_new(const cd_worker_config_t *wc,
                                       const cd_config_store_listener_t *listener, char *errstr,
                                       size_t errstr_size);
/** @brief Creates/verifies the topic (1 partition, compact) and reads it to the end. */
int cd_config_store_start(cd_config_store_t *s, char *errstr, size_t errstr_size);
void cd_config_store_destroy(cd_config_store_t *s);

/** @brief A deep copy of the current state (ClusterConfigState). Never NULL. */
cd_cluster_config_t *cd_config_store_snapshot(cd_config_store_t *s);
/** @brief Reads to the end of the topic (KafkaConfigBackingStore.refresh). */
int cd_config_store_refresh(cd_config_store_t *s, int64_t timeout_ms, char *errstr,
                            size_t errstr_size);

/* Writes. Each waits for the ack and then reads to the end (Java's 30 s budget),
 * so a following snapshot includes it. @returns 0, or -1 with errstr. */

/** connector-<name> (and, when @p initial_target is not NULL, target-state-<name> first,
 *  in the same batch: initial_state). */
int cd_config_store_put_connector_config(cd_config_store_t *s, const char *name,
                                         const cd_properties_t *config,
                                         const cd_target_state_t *initial_target, char *errstr,
                                         size_t errstr_size);
/** Tombstones connector-<name> and target-state-<name>. */
int cd_config_store_remove_connector_config(cd_config_store_t *s, const char *name, char *errstr,
                                            size_t errstr_size);
/** task-<name>-<i> for each config, then commit-<name> {"tasks":n} (n may be 0). */
int cd_config_store_put_task_configs(cd_config_store_t *s, const char *name,
                                     cd_properties_t *const *configs, size_t n, char *errstr,
                                     size_t errstr_size);
/** target-state-<name> {"state":…, "state.v2":…} (STOPPED written as PAUSED in "state"). */
int cd_config_store_put_target_state(cd_config_store_t *s, const char *name,
                                     cd_target_state_t state, char *errstr, size_t errstr_size);
/** restart-connector-<name>. */
int cd_config_store_put_restart_request(cd_config_store_t *s, const char *name, bool include_tasks,
                                        bool only_failed, char *errstr, size_t errstr_size);
/** session-key. */
int cd_config_store_put_session_key(cd_config_store_t *s, const cd_session_key_t *key, char *errstr,
                                    size_t errstr_size);
/** tasks-fencing-<name> {"task-count":n}. */
int cd_config_store_put_task_count_record(cd_config_store_t *s, const char *name, int task_count,
                                          char *errstr, size_t errstr_size);
/** logger-cluster-<namespace> {"level":…}. */
int cd_config_store_put_logger_level(cd_config_store_t *s, const char *ns, const char *level,
                                     char *errstr, size_t errstr_size);

/* The record codec, for tests and fuzzing (no Kafka). */

/** @brief Serialises a record value exactly as Java (compact JSON, schema field order).
 *  Examples: cd_config_value_connector(props) → {"properties":{…}}. malloc'd, NUL-terminated. */
char *cd_config_value_connector(const cd_properties_t *props);
/** A task config: the entries in the order Java's `new HashMap<>(props)` iterates them
 *  (AbstractHerder.reverseTransform copies every task config into a HashMap; JDK 17 sizing),
 *  so a task record is byte-identical to a Java leader's for the same connector output. */
char *cd_config_value_task(const cd_properties_t *props);
char *cd_config_value_commit(int tasks);
char *cd_config_value_target_state(cd_target_state_t state);
char *cd_config_value_restart(bool include_tasks, bool only_failed);
char *cd_config_value_session_key(const cd_session_key_t *key);
char *cd_config_value_task_count(int task_count);
char *cd_config_value_logger_level(const char *level);

/** @brief A store with no Kafka: records are fed by cd_config_store_apply (tests, fuzzing). */
cd_config_store_t *cd_config_store_new_detached(const cd_config_store_listener_t *listener);
/** @brief Applies one record as if consumed at @p offset (bounded, validated; bad
 *  records are logged and skipped as Java does). @p started: after the initial catch-up. */
void cd_config_store_apply(cd_config_store_t *s, const uint8_t *key, size_t key_len,
                           const uint8_t *value, size_t value_len, int64_t offset, bool started);

#endif
