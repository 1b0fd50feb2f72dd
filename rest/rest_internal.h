/**
 * @file rest_internal.h
 * @brief Internals of the REST server shared by its files, the unit tests and
 *        the fuzz target: the parsed request, the rendered response, the
 *        router (cd_rest_handle: path/query in, status/body out, no network),
 *        the JSON body conversions and an internal server constructor that
 *        does not need a worker configuration.
 */
#ifndef CONNECTD_REST_INTERNAL_H
#define CONNECTD_REST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "../worker/herder.h"
#include "rest_server.h"
#include <stdint.h>

/** Largest request body read (bigger ones get 413 without being read). */
#define CD_REST_MAX_BODY ((size_t)32 * 1024 * 1024)
/** Largest number of path segments / query parameters looked at. */
#define CD_REST_MAX_SEGMENTS 16
#define CD_REST_MAX_PARAMS 64

/** One query parameter, raw (percent-encoded) as received. */
typedef struct cd_rest_param_s {
    const char *key;
    const char *value; /**< NULL for "?flag" without '=' */
} cd_rest_param_t;

/** A request as the router sees it. */
typedef struct cd_rest_request_s {
    const char *method;
    const char *path; /**< raw path, percent-encoded, without the query */
    const cd_rest_param_t *params;
    size_t nparams;
    const char *content_type; /**< NULL if absent */
    const char *accept;       /**< NULL if absent */
    const char *body;         /**< NULL if none */
    size_t body_len;
    const char *base_url;      /**< "http://host:port" for Location, NULL = relative */
    const char *authorization; /**< Authorization header (copied when forwarding), or NULL */
    const char *sig_algorithm; /**< X-Connect-Request-Signature-Algorithm, or NULL */
    const char *sig_signature; /**< X-Connect-Authorization, or NULL */
} cd_rest_request_t;

/** What a listener serves and the settings the resources read. */
typedef struct cd_rest_ctx_s {
    cd_herder_t *herder; /**< NULL = not attached yet (503) */
    bool regular;        /**< /, /health, /connectors, /connector-plugins */
    bool admin;          /**< /admin/loggers */
    bool topic_tracking_enable;
    bool topic_tracking_allow_reset;
    const cd_worker_config_t *wc; /**< TLS trust for forwarded requests; NULL = defaults */
    int64_t forward_timeout_ms;   /**< wait for a forwarded request; 0 = 90 s */
} cd_rest_ctx_t;

/** The answer: status, JSON text body (malloc'd or NULL), Location (malloc'd or NULL). */
typedef struct cd_rest_response_s {
    int status;
    char *body;
    char *location;
    const char *content_type; /**< static; NULL = application/json when there is a body */
} cd_rest_response_t;

/** @brief Routes and answers one request (no network). */
void cd_rest_handle(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                    cd_rest_response_t *resp);
void cd_rest_response_clear(cd_rest_response_t *resp);

/* ---- rendering (rest_response.c) ---- */
/** @brief Jetty's own HTML error page (text/html), for requests Jetty rejects before
 *  Jersey sees them (ambiguous or suspicious URIs). @p message must be plain text. */
void cd_rest_jetty_error(cd_rest_response_t *resp, int status, const char *message);
/** @brief Error body {"error_code":status,"message":...}. */
void cd_rest_error(cd_rest_response_t *resp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** @brief Sets status and a JSON body (takes @p body; NULL = no body). */
void cd_rest_json(cd_rest_response_t *resp, int status, json_t *body);
/** @brief Renders a herder reply (body if any, else the error body for >= 400). */
void cd_rest_from_reply(cd_rest_response_t *resp, cd_herder_reply_t *reply);
/** @brief "/connectors/<name>" encoded as JAX-RS UriBuilder.path() does, with @p base_url. */
char *cd_rest_connector_location(const char *base_url, const char *name);

/* ---- path and query (rest_router.c) ---- */
/**
 * @brief Splits a raw path into percent-decoded segments as Jetty 12 + Jersey
 * do: matrix parameters (";...") are dropped, dot segments resolved, a
 * trailing '/' ignored. @returns 0, or the HTTP status (400) with the message
 * Jetty gives ("Ambiguous URI path separator", "Suspicious Path Character",
 * "Bad UTF-8 encoding", ...) in errstr. Segments are malloc'd (free each).
 */
int cd_rest_split_path(const char *path, char **segs, size_t max_segs, size_t *nsegs, char *errstr,
                       size_t errstr_size);
/** @brief Percent-decodes a query component ('+' is a space); NULL on bad input. */
char *cd_rest_query_decode(const char *raw);
/** @returns the decoded value of the first parameter @p key (malloc'd), else NULL. */
char *cd_rest_query_get(const cd_rest_request_t *req, const char *key);

/* ---- bodies (rest_body.c) ---- */
/**
 * @brief Parses a request body as Jackson would for the resource: NULL with
 * *status/errstr on failure (Java answers 500 for unreadable JSON). An empty
 * body gives json_null().
 */
json_t *cd_rest_parse_body(const char *body, size_t len, int *status, char *errstr,
                           size_t errstr_size);
/**
 * @brief Parses the request body as a JSON object Jackson maps to @p java_type.
 * @returns the object (or json_null() when @p null_ok and the body is null/empty),
 * else NULL with Java's error already in @p resp ("Request body is missing", or
 * "Cannot deserialize value of type `<java_type>` from Array value").
 */
json_t *cd_rest_parse_object_body(const cd_rest_request_t *req, const char *java_type, bool null_ok,
                                  cd_rest_response_t *resp);
/**
 * @brief Converts a JSON object into a string map as Jackson coerces
 * Map<String,String> (strings as is, numbers and booleans as text, null
 * entries dropped; objects/arrays are errors with Jackson's message).
 * @returns the map or NULL with errstr.
 */
cd_properties_t *cd_rest_json_to_props(const json_t *obj, char *errstr, size_t errstr_size);
/** @brief Jackson's coercion of one scalar to String: malloc'd text or NULL (+errstr). */
char *cd_rest_json_scalar_text(const json_t *v, char *errstr, size_t errstr_size);

/* ---- resources ---- */
void cd_rest_root_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, char **segs,
                           size_t nsegs, cd_rest_response_t *resp);
void cd_rest_connectors_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                                 char **segs, size_t nsegs, cd_rest_response_t *resp);
void cd_rest_plugins_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, char **segs,
                              size_t nsegs, cd_rest_response_t *resp);
void cd_rest_loggers_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, char **segs,
                              size_t nsegs, cd_rest_response_t *resp);
/** @brief After a route matched: 405 unless the method is in @p allowed (NULL-ended),
 *  then 415/406 for the JSON media types. @returns true to go on. */
/** @returns whether the request's Content-Type (when @p consumes) and Accept fit
 *  application/json; otherwise sets 415/406 in @p resp. */
bool cd_rest_media_ok(const cd_rest_request_t *req, bool consumes, cd_rest_response_t *resp);
bool cd_rest_method_ok(const cd_rest_request_t *req, const char *const *allowed,
                       cd_rest_response_t *resp);
/** @brief 404 "HTTP 404 Not Found" / 405 "HTTP 405 Method Not Allowed". */
void cd_rest_not_found(cd_rest_response_t *resp);
void cd_rest_not_allowed(cd_rest_response_t *resp);
/** @brief 503 when no herder is attached; @returns true if it answered. */
bool cd_rest_no_herder(const cd_rest_ctx_t *ctx, cd_rest_response_t *resp);

/* ---- forwarding (rest_forward.c; HerderRequestHandler) ---- */
typedef enum cd_rest_fwd_action_e {
    CD_REST_FWD_COMPLETE, /**< no redirect: the reply stands */
    CD_REST_FWD_FORWARD,  /**< send to the reply's target_url */
    CD_REST_FWD_CONFLICT, /**< 409 with *message */
} cd_rest_fwd_action_t;
/** @returns the `forward` query parameter as Jersey binds a Boolean: -1 absent (or
 *  empty), 1 "true" (any case), 0 anything else. */
int cd_rest_forward_param(const cd_rest_request_t *req);
/** @brief completeOrForwardRequest's decision for reply @p r and @p forward (as
 *  cd_rest_forward_param): *recursive = the forward flag to send (true only when the
 *  request came without one); *message = Java's 409 text. */
cd_rest_fwd_action_t cd_rest_forward_decide(const cd_herder_reply_t *r, int forward,
                                            bool *recursive, const char **message);
/** @brief UriBuilder.fromUri(target).path(path).queryParam("forward", recursive)
 *  [.queryParam(k, v)...]: one '/' between target and path, the path encoded as
 *  UriComponent PATH (valid %XX kept). @p extra_query: key, value, ..., NULL. */
char *cd_rest_forward_url(const char *target, const char *path, bool recursive,
                          const char *const *extra_query);
/**
 * @brief HerderRequestHandler.completeOrForwardRequest on reply @p r: a redirect is
 * forwarded to the target (@p method, @p path as Java builds it — the decoded name
 * — @p body re-serialized as JSON or NULL, @p extra_query) or becomes the 409; the
 * target's answer replaces @p r. @p local_status: the status this resource answers
 * on success (0 = the target's / the herder's own).
 */
void cd_rest_complete_or_forward(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                                 cd_herder_reply_t *r, const char *method, const char *path,
                                 const json_t *body, const char *const *extra_query,
                                 int local_status);
/** @brief completeRequest: a redirect left in @p r becomes a 500 with its message. */
void cd_rest_complete(cd_herder_reply_t *r);

/* ---- the server without a worker config (rest_server.c) ---- */
typedef struct cd_rest_listener_spec_s {
    bool https;
    const char *host; /**< "" or NULL = every interface */
    int port;         /**< 0 = any free port */
    bool regular;     /**< serves the regular resources */
    bool admin;       /**< serves /admin */
} cd_rest_listener_spec_t;

typedef struct cd_rest_server_opts_s {
    const cd_rest_listener_spec_t *listeners;
    size_t nlisteners;
    const char *tls_cert_pem;     /**< PEM certificate chain (text) for https listeners */
    const char *tls_key_pem;      /**< PEM private key (text) */
    const char *tls_key_password; /**< NULL if the key is not encrypted */
    bool topic_tracking_enable;
    bool topic_tracking_allow_reset;
    size_t max_body;              /**< 0 = CD_REST_MAX_BODY */
    const cd_worker_config_t *wc; /**< for forwarded requests (TLS trust); may be NULL */
} cd_rest_server_opts_t;

cd_rest_server_t *cd_rest_server_start_opts(const cd_rest_server_opts_t *opts, char *errstr,
                                            size_t errstr_size);
/** @returns the bound port of listener @p i (in the order given), -1 if out of range. */
int cd_rest_server_listener_port(const cd_rest_server_t *server, size_t i);

#endif
