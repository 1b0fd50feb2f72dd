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

typedef struct cd_properties_s cd_properties_t;

/** The answer to one request. */
typedef struct cd_herder_reply_s {
    int status;     /**< HTTP status: 200, 201, 202, 204, or the error's status */
    char *message;  /**< error message (malloc'd) when status >= 400, else NULL */
    json_t *body;   /**< the entity (owned), NULL for none */
    char *location; /**< Location header for 201 (e.g. "/connectors/x"), malloc'd */
} cd_herder_reply_t;

/** @brief Frees the parts of a reply and zeroes it. */
void cd_herder_reply_clear(cd_herder_reply_t *reply);
/** @brief Sets an error reply (message formatted). */
void cd_herder_reply_error(cd_herder_reply_t *reply, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** @brief Sets a success reply (takes @p body). */
void cd_herder_reply_ok(cd_herder_reply_t *reply, int status, json_t *body);

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
} cd_herder_ops_t;

struct cd_herder_s {
    const cd_herder_ops_t *ops;
};

#endif
