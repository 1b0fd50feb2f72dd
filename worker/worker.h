/**
 * @file worker.h
 * @brief The Worker: runs connector instances and task threads on this
 *        process (org.apache.kafka.connect.runtime.Worker). It does not
 *        decide what runs — the herder does — and every call below is made
 *        from the herder thread. Task threads report their state to the
 *        status store themselves, as Java's TaskStatus.Listener does.
 */
#ifndef CONNECTD_WORKER_H
#define CONNECTD_WORKER_H

#include "offset_store.h"
#include "status.h"
#include "worker_config.h"

#include <connectd/connector.h>

typedef struct cd_worker_s cd_worker_t;

/** Callbacks from connector/task threads to the herder; must only enqueue. */
typedef struct cd_worker_listener_s {
    /** ConnectorContext.requestTaskReconfiguration. */
    void (*request_task_reconfiguration)(void *opaque, const char *connector);
    /** A task of this worker went FAILED (called on the task's thread; may be NULL). */
    void (*task_failed)(void *opaque, const char *connector, int task);
    void *opaque;
} cd_worker_listener_t;

/**
 * @brief Creates the worker: looks up the Kafka cluster id (fails like Java's
 * ConnectUtils.lookupKafkaClusterId when the cluster is unreachable within
 * request.timeout.ms) and keeps the stores (not owned).
 */
cd_worker_t *cd_worker_new(const cd_worker_config_t *wc, cd_offset_store_t *offsets,
                           cd_status_store_t *status, const cd_worker_listener_t *listener,
                           char *errstr, size_t errstr_size);
/** @brief Stops every task and connector (graceful), then frees. */
void cd_worker_destroy(cd_worker_t *w);

const char *cd_worker_kafka_cluster_id(const cd_worker_t *w);
/** @brief ConnectUtils.lookupKafkaClusterId: the cluster id through a client built from the
 *  worker properties @p props, waiting at most default.api.timeout.ms (60000) and failing at
 *  once on an authentication error. @returns a malloc'd id, or NULL with Java's message
 *  ("Failed to connect to and describe Kafka cluster. ...") and the cause in @p errstr. */
char *cd_worker_lookup_kafka_cluster_id(const cd_properties_t *props, char *errstr,
                                        size_t errstr_size);
/** @brief The herder's generation, written into the status records of connectors and
 *  tasks started from now on (0 until set; standalone keeps 0). */
void cd_worker_set_generation(cd_worker_t *w, int64_t generation);
const char *cd_worker_id(const cd_worker_t *w);

/**
 * @brief Starts a connector instance in @p target state (Worker.startConnector):
 * STARTED calls start(); PAUSED/STOPPED only record the state. Writes the
 * connector status (RUNNING / PAUSED / STOPPED, or FAILED with the trace).
 * @returns 0, or -1 with errstr when it failed (status already FAILED).
 */
int cd_worker_start_connector(cd_worker_t *w, const char *name, const cd_properties_t *config,
                              cd_target_state_t target, char *errstr, size_t errstr_size);
/** @returns whether the connector instance exists here (started or paused). */
bool cd_worker_is_running(cd_worker_t *w, const char *name);
/** @returns the plugin of a running connector or NULL. */
const cd_connector_plugin_t *cd_worker_connector_plugin(cd_worker_t *w, const char *name);

/**
 * @brief Worker.connectorTaskConfigs: asks the connector for up to tasks.max
 * configs and adds "task.class" (and, for sinks, "topics"/"topics.regex").
 * @returns the count (configs in *out, caller destroys each and frees), or -1.
 */
int cd_worker_connector_task_configs(cd_worker_t *w, const char *name, cd_properties_t ***out,
                                     char *errstr, size_t errstr_size);
/** @brief Stops the connector instance (not its tasks) and forgets it. */
void cd_worker_stop_connector(cd_worker_t *w, const char *name);

/** @brief Moves a connector and its tasks to @p target (pause/resume). Writes statuses. */
void cd_worker_set_target_state(cd_worker_t *w, const char *name, cd_target_state_t target);

/**
 * @brief Starts task @p task_id of @p connector on a thread of its own
 * (Worker.startTask). A failure to start is reported as the task's FAILED status.
 * @returns 0, or -1 when the task could not be created at all.
 */
int cd_worker_start_task(cd_worker_t *w, const char *connector, int task_id,
                         const cd_properties_t *connector_config,
                         const cd_properties_t *task_config, cd_target_state_t target, char *errstr,
                         size_t errstr_size);
/** @brief Stops the tasks of @p connector and waits up to task.shutdown.graceful.timeout.ms
 *  (Worker.stopAndAwaitTasks). task_id -1 = all of its tasks. */
void cd_worker_stop_tasks(cd_worker_t *w, const char *connector, int task_id);
/** @returns the ids of the running tasks of @p connector (malloc'd), count in *n. */
int *cd_worker_task_ids(cd_worker_t *w, const char *connector, size_t *n);

/**
 * @brief WorkerConfigTransformer.transform: a copy of @p config with the worker's
 * config.providers variables (`${provider:[path:]key}`) resolved. What it returns
 * holds secrets: hand it to connectors and tasks only, never to REST, the config
 * topic or a log line. @returns the copy, or NULL with the provider's message.
 */
cd_properties_t *cd_worker_transform_config(cd_worker_t *w, const cd_properties_t *config,
                                            char *errstr, size_t errstr_size);

/** @brief Stops everything (shutdown): tasks first, then connectors. */
void cd_worker_stop_all(cd_worker_t *w);

#endif
