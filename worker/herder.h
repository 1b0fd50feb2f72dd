/**
 * @file herder.h
 * @brief The Herder interface the REST resources call (Java's Herder): one
 *        vtable, implemented by the standalone herder now and the distributed
 *        herder later. Every call is synchronous for the caller (a REST thread):
 *        the request is queued to the herder thread, which alone changes
 *        cluster state, and the caller waits at most the REST timeout (90 s).
 *
 * Results are REST entities as jansson JSON (ConnectorInfo, ConnectorStateInfo,
 * ...) plus the HTTP status Java's resource would answer, or an error status
 * and message that the REST layer renders as {"error_code","message"}.
 */
#ifndef CONNECTD_HERDER_H
#define CONNECTD_HERDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cd_properties_s cd_properties_t;

/** Why a distributed herder could not complete a request here (Java's
 *  RequestTargetException subclasses and RebalanceNeededException). */
typedef enum cd_herder_redirect_e {
    CD_HERDER_REDIRECT_NONE = 0,
    /** NotLeaderException: only the leader can do it; target_url = the leader's URL
     *  (NULL when no leader is known → 409 "no known leader URL"). */
    CD_HERDER_REDIRECT_NOT_LEADER,
    /** NotAssignedException: only the owner of the connector/task can; target_url =
     *  the owner's URL (NULL when unknown). */
    CD_HERDER_REDIRECT_NOT_ASSIGNED,
    /** RebalanceNeededException: 409 on forwardable endpoints, 500 on plain reads;
     *  message = Java's text. */
    CD_HERDER_REDIRECT_REBALANCE_NEEDED,
} cd_herder_redirect_t;

/** The answer to one request. */
typedef struct cd_herder_reply_s {
    int status;     /**< HTTP status: 200, 201, 202, 204, or the error's status */
    char *message;  /**< error message (malloc'd) when status >= 400, else NULL */
    json_t *body;   /**< the entity (owned), NULL for none */
    char *location; /**< Location header for 201 (e.g. "/connectors/x"), malloc'd */
    /** Not done here: the REST layer forwards (HerderRequestHandler.completeOrForwardRequest)
     *  or answers 409/500. status is 0 when redirect is set. */
    cd_herder_redirect_t redirect;
    char *target_url; /**< malloc'd worker URL for NOT_LEADER / NOT_ASSIGNED, or NULL */
} cd_herder_reply_t;

/** The signature headers of an internal request (KIP-507) and the raw body they sign. */
typedef struct cd_internal_signature_s {
    const char *algorithm; /**< X-Connect-Request-Signature-Algorithm, NULL if absent */
    const char *signature; /**< X-Connect-Authorization (Base64), NULL if absent */
    const uint8_t *body;   /**< the exact request body bytes */
    size_t body_len;
} cd_internal_signature_t;

/** @brief Frees the parts of a reply and zeroes it. */
void cd_herder_reply_clear(cd_herder_reply_t *reply);
/** @brief Sets an error reply (message formatted). */
void cd_herder_reply_error(cd_herder_reply_t *reply, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** @brief Sets a success reply (takes @p body). */
void cd_herder_reply_ok(cd_herder_reply_t *reply, int status, json_t *body);
/** @brief Sets a redirect reply (@p url copied, may be NULL; @p message for
 *  REBALANCE_NEEDED). */
void cd_herder_reply_redirect(cd_herder_reply_t *reply, cd_herder_redirect_t kind, const char *url,
                              const char *message);

typedef struct cd_herder_s cd_herder_t;

typedef struct cd_herder_ops_s {
    /** GET / : {"version","commit","kafka_cluster_id"} */
    void (*server_info)(cd_herder_t *h, cd_herder_reply_t *r);
    /** GET /health */
    void (*health)(cd_herder_t *h, cd_herder_reply_t *r);
    /** GET /connectors[?expand=status|info] (expand_status/expand_info) */
    void (*connectors)(cd_herder_t *h, bool expand_status, bool expand_info, cd_herder_reply_t *r);
    /** POST /connectors (create only) and PUT /connectors/{name}/config (allow_replace).
     *  initial_state NULL = RUNNING. */
    void (*put_connector_config)(cd_herder_t *h, const char *name, const cd_properties_t *config,
                                 const char *initial_state, bool allow_replace,
                                 cd_herder_reply_t *r);
    /** PATCH /connectors/{name}/config: patch values NULL remove keys (json object). */
    void (*patch_connector_config)(cd_herder_t *h, const char *name, const json_t *patch,
                                   cd_herder_reply_t *r);
    void (*connector_info)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*connector_config)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*connector_status)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*task_configs)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*task_status)(cd_herder_t *h, const char *name, int task, cd_herder_reply_t *r);
    void (*delete_connector)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*restart_connector)(cd_herder_t *h, const char *name, bool include_tasks,
                              bool only_failed, cd_herder_reply_t *r);
    void (*restart_task)(cd_herder_t *h, const char *name, int task, cd_herder_reply_t *r);
    void (*pause_connector)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*resume_connector)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*stop_connector)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*connector_topics)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*reset_connector_topics)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    void (*connector_offsets)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    /** PATCH offsets: body is the parsed request ({"offsets":[...]}); reset = DELETE. */
    void (*alter_connector_offsets)(cd_herder_t *h, const char *name, const json_t *body,
                                    cd_herder_reply_t *r);
    void (*reset_connector_offsets)(cd_herder_t *h, const char *name, cd_herder_reply_t *r);
    /** GET /connector-plugins[?connectorsOnly] */
    void (*plugins)(cd_herder_t *h, bool connectors_only, cd_herder_reply_t *r);
    /** GET /connector-plugins/{plugin}/config */
    void (*plugin_config)(cd_herder_t *h, const char *plugin, cd_herder_reply_t *r);
    /** PUT /connector-plugins/{plugin}/config/validate */
    void (*validate_config)(cd_herder_t *h, const char *plugin, const cd_properties_t *config,
                            cd_herder_reply_t *r);
    /** PUT /admin/loggers/{name}?scope=cluster (worker scope is handled by REST). */
    void (*set_cluster_logger_level)(cd_herder_t *h, const char *logger, const char *level,
                                     cd_herder_reply_t *r);
    /** Internal: POST /connectors/{name}/tasks (a JSON array of string maps) with its
     *  signature. NULL in standalone (REST answers as Java's StandaloneHerder). */
    void (*put_task_configs)(cd_herder_t *h, const char *name, const json_t *configs,
                             const cd_internal_signature_t *signature, cd_herder_reply_t *r);
    /** Internal: PUT /connectors/{name}/fence. NULL in standalone. */
    void (*fence_zombies)(cd_herder_t *h, const char *name,
                          const cd_internal_signature_t *signature, cd_herder_reply_t *r);
} cd_herder_ops_t;

struct cd_herder_s {
    const cd_herder_ops_t *ops;
};

#endif
