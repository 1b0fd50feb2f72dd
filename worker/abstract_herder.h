/**
 * @file abstract_herder.h
 * @brief What every herder shares (Java's AbstractHerder): the REST-facing
 *        side of the Herder interface, which packs each request into a call on
 *        the herder queue and waits for the herder thread, and the REST
 *        entities built from configs and the status store (ConnectorInfo,
 *        ConnectorStateInfo, task configs, plugin lists, validation).
 *
 * A concrete herder embeds cd_abstract_herder_t first, runs a thread that
 * takes calls from the queue and switches on cd_herder_op_t.
 */
#ifndef CONNECTD_ABSTRACT_HERDER_H
#define CONNECTD_ABSTRACT_HERDER_H

#include "herder.h"
#include "herder_queue.h"
#include "offset_store.h"
#include "status.h"
#include "worker_config.h"

#include <stdatomic.h>

/** The requests a herder thread handles (cd_herder_call_t.op). */
typedef enum cd_herder_op_e {
    CD_OP_NOOP,
    CD_OP_CONNECTORS,   /* flag1 expand status, flag2 expand info */
    CD_OP_PUT_CONFIG,   /* name, config, text = initial state, flag1 = allow replace */
    CD_OP_PATCH_CONFIG, /* name, json */
    CD_OP_CONNECTOR_INFO,
    CD_OP_CONNECTOR_CONFIG,
    CD_OP_CONNECTOR_STATUS,
    CD_OP_TASK_CONFIGS,
    CD_OP_TASK_STATUS, /* name, task */
    CD_OP_DELETE,
    CD_OP_RESTART_CONNECTOR, /* name, flag1 include tasks, flag2 only failed */
    CD_OP_RESTART_TASK,      /* name, task */
    CD_OP_PAUSE,
    CD_OP_RESUME,
    CD_OP_STOP,
    CD_OP_TOPICS,
    CD_OP_RESET_TOPICS,
    CD_OP_OFFSETS,
    CD_OP_ALTER_OFFSETS, /* name, json */
    CD_OP_RESET_OFFSETS,
    CD_OP_CLUSTER_LOGGER,       /* text = logger, text2 = level */
    CD_OP_TASK_RECONFIGURATION, /* name (posted by connector threads) */
    CD_OP_PUT_TASK_CONFIGS,     /* name, json = configs, text = algorithm, text2 = signature,
                                   config unused; body bytes in blob */
    CD_OP_FENCE_ZOMBIES,        /* name, text/text2/blob as above */
    CD_OP_TASK_FAILED,          /* name, task (posted by task threads; automatic restarts) */
    CD_OP_PRIVATE_BASE = 100,   /* herder-specific internal calls */
} cd_herder_op_t;

typedef struct cd_abstract_herder_s {
    cd_herder_t base; /* must be first */
    cd_herder_ops_t ops;
    cd_herder_queue_t *queue;
    atomic_bool ready;
    char *kafka_cluster_id;
    /** The worker, set by the concrete herder once it made it: its config providers
     *  resolve `${provider:path:key}` before a config is validated. NULL = none. */
    struct cd_worker_s *worker;
} cd_abstract_herder_t;

/** @brief Sets up the queue and the ops table. @p internal_endpoints: offer
 *  put_task_configs / fence_zombies (distributed). @returns 0 or -1 (no memory). */
int cd_abstract_herder_init(cd_abstract_herder_t *h, bool internal_endpoints);
void cd_abstract_herder_cleanup(cd_abstract_herder_t *h);
/** @brief Finishes every queued call with 503 "shutting down" and closes the queue. */
void cd_abstract_herder_drain(cd_abstract_herder_t *h);

/** @brief Queues @p call and waits for its reply (the REST timeout). */
void cd_abstract_herder_submit(cd_abstract_herder_t *h, cd_herder_call_t *call,
                               cd_herder_reply_t *r);
/** @brief A new call with @p name copied (NULL ok). */
cd_herder_call_t *cd_abstract_herder_call(int op, const char *name);

/* Entities (AbstractHerder / ConnectorsResource shapes). */

json_t *cd_herder_properties_json(const cd_properties_t *props);
/** AbstractHerder.connectorType: "source", "sink" or "unknown". */
const char *cd_herder_connector_type(const cd_properties_t *config);
/** ConnectorInfo with task ids 0..task_count-1. */
json_t *cd_herder_connector_info_json(const char *name, const cd_properties_t *config,
                                      size_t task_count);
/** The plugin version a status carries, NULL when unknown. */
const char *cd_herder_status_version(const cd_properties_t *config);
/** ConnectorState / TaskState. */
json_t *cd_herder_state_json(const cd_status_t *s, bool with_id, const char *version);
/** ConnectorStateInfo from the status store, or NULL without a connector status; with
 *  @p plan the items a restart would touch show RESTARTING (buildRestartPlan). */
json_t *cd_herder_status_json(cd_status_store_t *status, const char *name,
                              const cd_properties_t *config, bool plan, bool only_failed,
                              bool include_tasks);
/** Connector names as a JSON array in Java HashMap iteration order. */
json_t *cd_herder_names_json(const char *const *names, size_t n);
/** [{"id":{"connector","task"},"config":{…}}…] */
json_t *cd_herder_task_configs_json(const char *name, cd_properties_t *const *tasks, size_t n);
/** validateConnectorConfig + maybeAddConfigErrors: @returns 0, or -1 with the reply set. */
int cd_herder_validate(const cd_properties_t *config, cd_herder_reply_t *r);
/** cd_herder_validate with @p h's config providers: validateConnectorConfig resolves the
 *  variables first (a provider failure answers 500 with its message), validates, and any
 *  resolved value of a variable is kept out of the reply. */
int cd_herder_validate_config(cd_abstract_herder_t *h, const cd_properties_t *config,
                              cd_herder_reply_t *r);
/** ConnectUtils.patchConfig: a new config with @p patch applied (null values remove). */
cd_properties_t *cd_herder_patch_config(const cd_properties_t *config, const json_t *patch);
/** GET/PUT-reset /connectors/{name}/topics from the status store. */
void cd_herder_topics(const cd_worker_config_t *wc, cd_status_store_t *status, const char *name,
                      bool reset, cd_herder_reply_t *r);
/** The worker-scope logger change (PUT /admin/loggers/{name}). */
void cd_herder_set_local_logger_level(const char *logger, const char *level, cd_herder_reply_t *r);
/** GET / PATCH / DELETE /connectors/{name}/offsets once the herder has checked the body
 *  and found the connector (@p config NULL = not found → 404): the STOPPED-with-no-tasks
 *  rule for modifications, then KIP-875's get/modify. */
void cd_herder_connector_offsets(const cd_worker_config_t *wc, cd_offset_store_t *offsets,
                                 const char *name, const cd_properties_t *config,
                                 cd_target_state_t target, size_t task_count, int op,
                                 const json_t *body, cd_herder_reply_t *r);
/** One connector as a herder knows it, for the shared request tails below. */
typedef struct cd_herder_connector_view_s {
    const char *name;
    const cd_properties_t *config;
    size_t task_count;
} cd_herder_connector_view_t;

/** GET /connectors[?expand=status|info]: names in Java HashMap order, or the expanded map
 *  (404 "No status found for connector" when a status is missing, as Java). */
void cd_herder_connectors_reply(cd_status_store_t *status, const cd_herder_connector_view_t *conns,
                                size_t n, bool expand_status, bool expand_info,
                                cd_herder_reply_t *r);
/** GET /connectors/{name}/status (@p config NULL when the connector is unknown). */
void cd_herder_connector_status_reply(cd_status_store_t *status, const char *name,
                                      const cd_properties_t *config, cd_herder_reply_t *r);
/** GET /connectors/{name}/tasks/{task}/status. */
void cd_herder_task_status_reply(cd_status_store_t *status, const char *name, int task,
                                 const cd_properties_t *config, cd_herder_reply_t *r);
/** "/connectors/<name>" for the Location header (malloc'd). */
char *cd_herder_location(const char *name);

#endif
