/**
 * @file kafka_protocol.h
 * @brief A small Kafka protocol client for the classic group APIs: byte
 *        encoders/decoders (classic and flexible/compact encodings, tagged
 *        fields), request framing (request header v1/v2, correlation ids),
 *        one blocking connection (TCP, TLS via OpenSSL, SASL PLAIN and
 *        SCRAM-SHA-256/512) with ApiVersions negotiation, and the requests
 *        the worker group needs: FindCoordinator, JoinGroup, SyncGroup,
 *        Heartbeat, LeaveGroup. Everything read from the network is bounded.
 */
#ifndef CONNECTD_DISTRIBUTED_KAFKA_PROTOCOL_H
#define CONNECTD_DISTRIBUTED_KAFKA_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest response accepted (bytes after the size prefix). */
#define CD_KAFKA_MAX_RESPONSE (100 * 1024 * 1024)

/* API keys */
enum {
    CD_KAPI_FIND_COORDINATOR = 10,
    CD_KAPI_JOIN_GROUP = 11,
    CD_KAPI_HEARTBEAT = 12,
    CD_KAPI_LEAVE_GROUP = 13,
    CD_KAPI_SYNC_GROUP = 14,
    CD_KAPI_SASL_HANDSHAKE = 17,
    CD_KAPI_API_VERSIONS = 18,
    CD_KAPI_SASL_AUTHENTICATE = 36,
    CD_KAPI_COUNT = 37,
};

/* Error codes used by the group member */
enum {
    CD_KERR_NONE = 0,
    CD_KERR_COORDINATOR_LOAD_IN_PROGRESS = 14,
    CD_KERR_COORDINATOR_NOT_AVAILABLE = 15,
    CD_KERR_NOT_COORDINATOR = 16,
    CD_KERR_ILLEGAL_GENERATION = 22,
    CD_KERR_INCONSISTENT_GROUP_PROTOCOL = 23,
    CD_KERR_INVALID_GROUP_ID = 24,
    CD_KERR_UNKNOWN_MEMBER_ID = 25,
    CD_KERR_INVALID_SESSION_TIMEOUT = 26,
    CD_KERR_REBALANCE_IN_PROGRESS = 27,
    CD_KERR_GROUP_AUTHORIZATION_FAILED = 30,
    CD_KERR_UNSUPPORTED_SASL_MECHANISM = 33,
    CD_KERR_ILLEGAL_SASL_STATE = 34,
    CD_KERR_UNSUPPORTED_VERSION = 35,
    CD_KERR_SASL_AUTHENTICATION_FAILED = 58,
    CD_KERR_MEMBER_ID_REQUIRED = 79,
    CD_KERR_GROUP_MAX_SIZE_REACHED = 81,
    CD_KERR_FENCED_INSTANCE_ID = 82,
};

/** @returns Java's Errors.X.message() text for a code ("Unknown error code N" otherwise). */
const char *cd_kafka_error_message(int16_t code);
/** @returns Java's Errors enum name ("UNKNOWN_SERVER_ERROR" for unknown codes). */
const char *cd_kafka_error_name(int16_t code);

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

typedef struct cd_kbuf_s {
    uint8_t *data;
    size_t len, cap;
    bool oom;
} cd_kbuf_t;

void cd_kbuf_free(cd_kbuf_t *b);
void cd_kbuf_i8(cd_kbuf_t *b, int8_t v);
void cd_kbuf_i16(cd_kbuf_t *b, int16_t v);
void cd_kbuf_i32(cd_kbuf_t *b, int32_t v);
void cd_kbuf_uvarint(cd_kbuf_t *b, uint32_t v);
void cd_kbuf_raw(cd_kbuf_t *b, const void *p, size_t n);
/** STRING / COMPACT_STRING; NULL = null (nullable variants). */
void cd_kbuf_str(cd_kbuf_t *b, bool flexible, const char *s);
/** BYTES / COMPACT_BYTES. */
void cd_kbuf_bytes(cd_kbuf_t *b, bool flexible, const uint8_t *p, size_t n);
/** Array length (INT32 or compact UVARINT count+1). */
void cd_kbuf_array(cd_kbuf_t *b, bool flexible, size_t n);
/** Empty tagged-field section (flexible only; no-op otherwise). */
void cd_kbuf_tags(cd_kbuf_t *b, bool flexible);

/* ------------------------------------------------------------------ */
/* Decoding (views into the response buffer)                           */
/* ------------------------------------------------------------------ */

typedef struct cd_kreader_s {
    const uint8_t *p;
    size_t len, pos;
    bool err;
} cd_kreader_t;

/** A string or bytes view; len -1 = null. */
typedef struct cd_kstr_s {
    const char *p;
    int32_t len;
} cd_kstr_t;

void cd_kreader_init(cd_kreader_t *r, const uint8_t *p, size_t len);
int8_t cd_kread_i8(cd_kreader_t *r);
int16_t cd_kread_i16(cd_kreader_t *r);
int32_t cd_kread_i32(cd_kreader_t *r);
int64_t cd_kread_i64(cd_kreader_t *r);
uint32_t cd_kread_uvarint(cd_kreader_t *r);
cd_kstr_t cd_kread_str(cd_kreader_t *r, bool flexible);
cd_kstr_t cd_kread_bytes(cd_kreader_t *r, bool flexible);
/** Array count (-1 = null), checked against the remaining bytes
 *  (@p min_elem_size bytes per element at least). */
int32_t cd_kread_array(cd_kreader_t *r, bool flexible, size_t min_elem_size);
void cd_kread_tags(cd_kreader_t *r, bool flexible);
/** @returns a malloc'd NUL-terminated copy ("" for null), NULL on OOM. */
char *cd_kstr_dup(cd_kstr_t s);
bool cd_kstr_eq(cd_kstr_t s, const char *c);

/* ------------------------------------------------------------------ */
/* Versions                                                            */
/* ------------------------------------------------------------------ */

/** Whether @p version of @p api_key uses the flexible encoding. */
bool cd_kafka_flexible(int16_t api_key, int16_t version);
/** Our supported range for an API (min, max), false if not implemented. */
bool cd_kafka_client_range(int16_t api_key, int16_t *min, int16_t *max);

/** The broker's ranges, from ApiVersions. */
typedef struct cd_kversions_s {
    int16_t min[CD_KAPI_COUNT];
    int16_t max[CD_KAPI_COUNT]; /**< -1 = not supported */
} cd_kversions_t;

/** @brief The version to use: highest both support, or -1. */
int16_t cd_kversions_pick(const cd_kversions_t *v, int16_t api_key);

/* ------------------------------------------------------------------ */
/* Requests and responses                                              */
/* ------------------------------------------------------------------ */

/** Writes the request header (v1 or v2 by flexibility of api/version). */
void cd_kafka_request_header(cd_kbuf_t *b, int16_t api_key, int16_t version, int32_t corr,
                             const char *client_id);

/** ApiVersions request body (v0..v3). */
void cd_kafka_api_versions_request(cd_kbuf_t *b, int16_t version);
/** Decodes the ApiVersions response body; sets *error. @returns 0 or -1 (malformed). */
int cd_kafka_api_versions_response(const uint8_t *p, size_t len, int16_t version, int16_t *error,
                                   cd_kversions_t *out);

void cd_kafka_find_coordinator_request(cd_kbuf_t *b, int16_t version, const char *group_id);
typedef struct cd_kcoordinator_s {
    int16_t error;
    char error_message[256];
    int32_t node_id;
    char host[256];
    int32_t port;
} cd_kcoordinator_t;
int cd_kafka_find_coordinator_response(const uint8_t *p, size_t len, int16_t version,
                                       const char *group_id, cd_kcoordinator_t *out);

typedef struct cd_kprotocol_s {
    const char *name;
    const uint8_t *metadata;
    size_t metadata_len;
} cd_kprotocol_t;

typedef struct cd_kjoin_req_s {
    const char *group_id;
    int32_t session_timeout_ms;
    int32_t rebalance_timeout_ms;
    const char *member_id;
    const char *protocol_type;
    const cd_kprotocol_t *protocols;
    size_t protocol_count;
    const char *reason; /**< may be NULL */
} cd_kjoin_req_t;
void cd_kafka_join_group_request(cd_kbuf_t *b, int16_t version, const cd_kjoin_req_t *req);

typedef struct cd_kjoin_member_s {
    cd_kstr_t member_id;
    cd_kstr_t metadata;
} cd_kjoin_member_t;

typedef struct cd_kjoin_resp_s {
    int16_t error;
    int32_t generation;
    cd_kstr_t protocol_type, protocol_name, leader, member_id;
    bool skip_assignment;
    size_t member_count;
    cd_kjoin_member_t *members; /**< malloc'd; free with free() */
} cd_kjoin_resp_t;
int cd_kafka_join_group_response(const uint8_t *p, size_t len, int16_t version,
                                 cd_kjoin_resp_t *out);

typedef struct cd_kassignment_s {
    const char *member_id;
    const uint8_t *assignment;
    size_t assignment_len;
} cd_kassignment_t;

typedef struct cd_ksync_req_s {
    const char *group_id;
    int32_t generation;
    const char *member_id;
    const char *protocol_type;
    const char *protocol_name;
    const cd_kassignment_t *assignments;
    size_t assignment_count;
} cd_ksync_req_t;
void cd_kafka_sync_group_request(cd_kbuf_t *b, int16_t version, const cd_ksync_req_t *req);

typedef struct cd_ksync_resp_s {
    int16_t error;
    cd_kstr_t protocol_type, protocol_name, assignment;
} cd_ksync_resp_t;
int cd_kafka_sync_group_response(const uint8_t *p, size_t len, int16_t version,
                                 cd_ksync_resp_t *out);

void cd_kafka_heartbeat_request(cd_kbuf_t *b, int16_t version, const char *group_id,
                                int32_t generation, const char *member_id);
/** Heartbeat response: @returns 0 and *error, -1 if malformed. */
int cd_kafka_heartbeat_response(const uint8_t *p, size_t len, int16_t version, int16_t *error);

void cd_kafka_leave_group_request(cd_kbuf_t *b, int16_t version, const char *group_id,
                                  const char *member_id, const char *reason);
/** LeaveGroup response: top-level error, else the member's error. */
int cd_kafka_leave_group_response(const uint8_t *p, size_t len, int16_t version, int16_t *error);

/* ------------------------------------------------------------------ */
/* SCRAM (RFC 5802 / 7677)                                             */
/* ------------------------------------------------------------------ */

typedef struct cd_scram_s {
    int sha; /**< 256 or 512 */
    char *user, *password;
    char nonce[64];
    char *client_first_bare;
    unsigned char server_signature[64];
} cd_scram_t;

/** @brief Starts an exchange; @p nonce NULL = random. Writes the client-first message. */
int cd_scram_client_first(cd_scram_t *s, int sha, const char *user, const char *password,
                          const char *nonce, char **client_first);
/** @brief From the server-first message computes the client-final message. */
int cd_scram_client_final(cd_scram_t *s, const char *server_first, size_t server_first_len,
                          char **client_final, char *errstr, size_t errstr_size);
/** @brief Checks the server-final message's signature. */
int cd_scram_verify_server_final(cd_scram_t *s, const char *server_final, size_t len, char *errstr,
                                 size_t errstr_size);
void cd_scram_clear(cd_scram_t *s);

/* ------------------------------------------------------------------ */
/* Connection                                                          */
/* ------------------------------------------------------------------ */

/** Security settings (Java client keys). */
typedef struct cd_ksecurity_s {
    bool ssl, sasl;
    char *sasl_mechanism; /**< PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 */
    char *sasl_user, *sasl_password;
    char *truststore_location, *truststore_pem;
    char *keystore_location, *keystore_key_pem, *keystore_chain_pem, *key_password;
    bool verify_hostname;
} cd_ksecurity_t;

void cd_ksecurity_clear(cd_ksecurity_t *s);

typedef struct cd_kconn_s cd_kconn_t;

/** Result codes of connection operations. */
enum {
    CD_KCONN_OK = 0,
    CD_KCONN_RETRIABLE = -1, /**< connection refused, timeout, I/O error */
    CD_KCONN_FATAL = -2,     /**< authentication / TLS verification failure, protocol error */
};

/**
 * @brief Connects to host:port, runs TLS, ApiVersions (v3, falling back to v0) and SASL.
 * @returns the connection, or NULL with *rc (CD_KCONN_RETRIABLE/FATAL) and errstr.
 */
cd_kconn_t *cd_kconn_open(const char *host, int port, const cd_ksecurity_t *sec,
                          const char *client_id, int timeout_ms, int *rc, char *errstr,
                          size_t errstr_size);
void cd_kconn_close(cd_kconn_t *c);
const cd_kversions_t *cd_kconn_versions(const cd_kconn_t *c);
/** "host:port" of the connection. */
const char *cd_kconn_peer(const cd_kconn_t *c);

/**
 * @brief Sends one request (header written here, @p body is the request body) and
 * waits for its response body (header stripped) for at most @p timeout_ms.
 * @returns CD_KCONN_OK with *resp (malloc'd) / *resp_len, or an error code; after
 * an error the connection is unusable.
 */
int cd_kconn_request(cd_kconn_t *c, int16_t api_key, int16_t version, const cd_kbuf_t *body,
                     int timeout_ms, uint8_t **resp, size_t *resp_len, char *errstr,
                     size_t errstr_size);

#endif
