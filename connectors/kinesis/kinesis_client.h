/**
 * @file kinesis_client.h
 * @brief A small Amazon Kinesis Data Streams client (AWS JSON 1.1 over libcurl,
 *        signed with libcurl's CURLOPT_AWS_SIGV4): the consumer subset the source
 *        connector needs, plus a generic call for tools and tests.
 *
 * Every call is `POST /` with `Content-Type: application/x-amz-json-1.1` and
 * `X-Amz-Target: Kinesis_20131202.<Op>`, signed "aws:amz:<region>:kinesis" (the
 * region is always explicit, also with an endpoint override), with
 * `X-Amz-Security-Token` when a session token is set. One client owns one CURL
 * easy handle, so connections are reused; a client is used by one thread at a time.
 *
 * Responses are capped (CD_KINESIS_MAX_RESPONSE) and validated: a malformed body
 * is an error, never a crash. Blobs are Base64 (decoded with OpenSSL), timestamps
 * epoch seconds (doubles), sequence numbers decimal strings kept as strings.
 * Errors are classified from `__type` (or the X-Amzn-Errortype header; `ns#` prefix and
 * `:uri` suffix stripped; `message` or `Message`) and the HTTP status.
 */
#ifndef CONNECTD_KINESIS_CLIENT_H
#define CONNECTD_KINESIS_CLIENT_H

#include <jansson.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest response body accepted: 10 MiB of records as Base64 plus JSON overhead. */
#define CD_KINESIS_MAX_RESPONSE ((size_t)16 * 1024 * 1024)

/** How a call ended. */
typedef enum cd_kinesis_err_e {
    CD_KINESIS_OK = 0,
    /** 5xx, InternalFailure, ServiceUnavailable, connection/timeout errors: retry. */
    CD_KINESIS_ERR_TRANSIENT,
    /** ProvisionedThroughputExceeded, LimitExceeded, KMSThrottling, Throttling,
     *  TooManyRequests, RequestLimitExceeded: back off and retry. */
    CD_KINESIS_ERR_THROTTLED,
    /** ExpiredIteratorException: get a new iterator. */
    CD_KINESIS_ERR_EXPIRED_ITERATOR,
    /** ExpiredNextTokenException: restart the listing. */
    CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN,
    /** ResourceNotFoundException. */
    CD_KINESIS_ERR_NOT_FOUND,
    /** ResourceInUseException (stream CREATING/UPDATING/DELETING): retry later. */
    CD_KINESIS_ERR_IN_USE,
    /** InvalidArgumentException / ValidationException. */
    CD_KINESIS_ERR_INVALID_ARGUMENT,
    /** AccessDenied, UnrecognizedClient, InvalidSignature, IncompleteSignature,
     *  MissingAuthenticationToken, ExpiredToken, KMS access errors, HTTP 401/403. */
    CD_KINESIS_ERR_AUTH,
    /** Anything else (including a malformed response): not retryable. */
    CD_KINESIS_ERR_FATAL,
} cd_kinesis_err_t;

/** @returns a short name of @p err ("throttled", "auth", ...). */
const char *cd_kinesis_err_name(cd_kinesis_err_t err);

typedef struct cd_kinesis_client_config_s {
    const char *endpoint;          /**< base URL, e.g. "https://kinesis.us-east-1.amazonaws.com" */
    const char *region;            /**< signing region, e.g. "us-east-1" (required) */
    const char *access_key_id;     /**< required */
    const char *secret_access_key; /**< required */
    const char *session_token;     /**< NULL = none */
    const char *proxy_url;         /**< NULL or "" = none (CURLOPT_PROXY) */
    const char *proxy_username;    /**< NULL = none */
    const char *proxy_password;    /**< NULL = none */
    const char *non_proxy_hosts;   /**< comma list for CURLOPT_NOPROXY; NULL = none */
    long connect_timeout_ms;       /**< 0 = 10000 */
    long request_timeout_ms;       /**< 0 = 30000 */
} cd_kinesis_client_config_t;

typedef struct cd_kinesis_client_s cd_kinesis_client_t;

/**
 * @brief Creates a client (copies the configuration). Checks libcurl: CURLOPT_AWS_SIGV4
 *        needs 7.75.0 (refused below); below 7.86.0 a warning is logged (the port and
 *        user headers are not signed).
 * @returns the client, or NULL with errstr.
 */
cd_kinesis_client_t *cd_kinesis_client_new(const cd_kinesis_client_config_t *config, char *errstr,
                                           size_t errstr_size);
void cd_kinesis_client_destroy(cd_kinesis_client_t *client);

/**
 * @brief A raw call: POSTs @p request (not taken) to operation @p op ("ListShards"...).
 * @param response  set to the parsed JSON object on success (caller decrefs); may be NULL.
 * @returns CD_KINESIS_OK, or an error with errstr "<Type>: <message> (Service: Kinesis,
 *          Status Code: <n>, Operation: <op>)" or "<op> failed: <transport error>".
 */
cd_kinesis_err_t cd_kinesis_call(cd_kinesis_client_t *client, const char *op, json_t *request,
                                 json_t **response, char *errstr, size_t errstr_size);

/** A shard as ListShards returns it. Strings malloc'd; optional ones NULL when absent/null. */
typedef struct cd_kinesis_shard_s {
    char *shard_id;
    char *parent_shard_id;
    char *adjacent_parent_shard_id;
    char *starting_hash_key;
    char *ending_hash_key;
    char *starting_sequence_number;
    char *ending_sequence_number; /**< NULL while the shard is open */
} cd_kinesis_shard_t;

typedef struct cd_kinesis_shard_list_s {
    cd_kinesis_shard_t *shards;
    size_t count;
    size_t capacity;
} cd_kinesis_shard_list_t;

void cd_kinesis_shard_list_clear(cd_kinesis_shard_list_t *list);

/**
 * @brief Lists every shard of @p stream: ListShards with paging (follow-up pages send only
 *        NextToken and MaxResults), restarting from scratch once on ExpiredNextToken.
 *        Appends to @p out (at most 100000 shards).
 */
cd_kinesis_err_t cd_kinesis_list_shards(cd_kinesis_client_t *client, const char *stream,
                                        cd_kinesis_shard_list_t *out, char *errstr,
                                        size_t errstr_size);

typedef enum cd_kinesis_iterator_type_e {
    CD_KINESIS_TRIM_HORIZON,
    CD_KINESIS_LATEST,
    CD_KINESIS_AT_TIMESTAMP,
    CD_KINESIS_AT_SEQUENCE_NUMBER,
    CD_KINESIS_AFTER_SEQUENCE_NUMBER,
} cd_kinesis_iterator_type_t;

/** @returns "TRIM_HORIZON", "LATEST", ... */
const char *cd_kinesis_iterator_type_name(cd_kinesis_iterator_type_t type);

/**
 * @brief GetShardIterator.
 * @param sequence_number  for AT/AFTER_SEQUENCE_NUMBER.
 * @param timestamp_ms     for AT_TIMESTAMP (sent as epoch seconds with ms precision).
 * @param iterator         set to a malloc'd iterator on success.
 */
cd_kinesis_err_t cd_kinesis_get_shard_iterator(cd_kinesis_client_t *client, const char *stream,
                                               const char *shard_id,
                                               cd_kinesis_iterator_type_t type,
                                               const char *sequence_number, int64_t timestamp_ms,
                                               char **iterator, char *errstr, size_t errstr_size);

/** A record of GetRecords. Strings and data malloc'd. */
typedef struct cd_kinesis_record_s {
    char *sequence_number;
    char *partition_key;
    unsigned char *data;
    size_t data_len;
    /** ApproximateArrivalTimestamp in ms (seconds * 1000, rounded); -1 when absent. */
    int64_t arrival_ms;
} cd_kinesis_record_t;

/** A ChildShards entry. */
typedef struct cd_kinesis_child_shard_s {
    char *shard_id;
    char *parents[2]; /**< parent shard ids; parents[1] NULL unless a merge */
} cd_kinesis_child_shard_t;

typedef struct cd_kinesis_records_s {
    cd_kinesis_record_t *records;
    size_t count;
    /** NULL (JSON null or absent) = the shard is closed and fully read. */
    char *next_iterator;
    int64_t millis_behind_latest; /**< -1 when absent */
    cd_kinesis_child_shard_t *children;
    size_t child_count;
    size_t response_bytes; /**< size of the HTTP body */
} cd_kinesis_records_t;

void cd_kinesis_records_clear(cd_kinesis_records_t *records);

/** @brief GetRecords with @p limit (1..10000). */
cd_kinesis_err_t cd_kinesis_get_records(cd_kinesis_client_t *client, const char *iterator,
                                        int limit, cd_kinesis_records_t *out, char *errstr,
                                        size_t errstr_size);

/* Parsers, exposed for unit tests and fuzzers (no network). */

/** @brief Parses a GetRecords response body. */
cd_kinesis_err_t cd_kinesis_parse_get_records(const char *body, size_t len,
                                              cd_kinesis_records_t *out, char *errstr,
                                              size_t errstr_size);
/** @brief Parses a ListShards page: appends shards, sets *next_token (malloc'd or NULL). */
cd_kinesis_err_t cd_kinesis_parse_list_shards(const char *body, size_t len,
                                              cd_kinesis_shard_list_t *out, char **next_token,
                                              char *errstr, size_t errstr_size);
/**
 * @brief Classifies an error response: @p error_type_header is X-Amzn-Errortype (may be NULL),
 *        @p body the JSON body (may be malformed). Writes "<Type>: <message> (Service: Kinesis,
 *        Status Code: <http_status>, Operation: <op>)" to errstr.
 */
cd_kinesis_err_t cd_kinesis_classify_error(const char *op, long http_status,
                                           const char *error_type_header, const char *body,
                                           size_t len, char *errstr, size_t errstr_size);

#endif
