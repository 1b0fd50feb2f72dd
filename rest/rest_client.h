/**
 * @file rest_client.h
 * @brief Worker-to-worker HTTP (Java's RestClient) on libcurl: forwarded REST
 *        requests and internal requests, JSON bodies, `User-Agent: kafka-connect`,
 *        no redirects followed, optional KIP-507 signature headers; plus the
 *        HMAC signing and verification of internal requests
 *        (InternalRequestSignature).
 */
#ifndef CONNECTD_REST_CLIENT_H
#define CONNECTD_REST_CLIENT_H

#include "../worker/worker_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A response. */
typedef struct cd_rest_client_response_s {
    int status; /**< HTTP status; 0 when no response arrived */
    char *body; /**< malloc'd, NUL-terminated (may be empty) */
    size_t body_len;
    char *location; /**< Location header, malloc'd or NULL */
} cd_rest_client_response_t;

void cd_rest_client_response_clear(cd_rest_client_response_t *r);

/** Signing material for an internal request; NULL = unsigned. */
typedef struct cd_rest_client_signing_s {
    const uint8_t *key;
    size_t key_len;
    const char *algorithm; /**< inter.worker.signature.algorithm, e.g. "HmacSHA256" */
} cd_rest_client_signing_t;

/**
 * @brief Sends one request. @p url is absolute. @p body may be NULL (no body).
 * @p authorization: the incoming Authorization header to copy (may be NULL).
 * TLS to https URLs uses the worker's listeners.https.ssl.* / ssl.* trust settings.
 * @returns 0 when a response arrived (any status), -1 with errstr on I/O failure.
 */
int cd_rest_client_request(const cd_worker_config_t *wc, const char *method, const char *url,
                           const char *body, size_t body_len, const char *authorization,
                           const cd_rest_client_signing_t *signing, int64_t timeout_ms,
                           cd_rest_client_response_t *out, char *errstr, size_t errstr_size);

/** @brief UriBuilder.fromUri(@p target).path(@p path): one '/' between them, the path
 *  percent-encoded as a URI path (valid %XX kept). malloc'd, NULL without memory. */
char *cd_rest_url_path(const char *target, const char *path);

/** @brief HMAC(@p algorithm, key, data) as Base64 (malloc'd). Algorithms: HmacSHA1,
 *  HmacSHA256, HmacSHA384, HmacSHA512 (Java names). @returns NULL if unsupported. */
char *cd_internal_request_sign(const char *algorithm, const uint8_t *key, size_t key_len,
                               const uint8_t *data, size_t data_len);
/** @brief Constant-time check of a Base64 signature. */
bool cd_internal_request_verify(const char *algorithm, const uint8_t *key, size_t key_len,
                                const uint8_t *data, size_t data_len, const char *signature_b64);
/** @returns the key size in bytes Java's KeyGenerator uses by default for @p algorithm
 *  (HmacSHA256: 32), or 0 if unknown. */
size_t cd_internal_request_default_key_size(const char *algorithm);
/** @returns whether @p algorithm names a Mac this worker can compute (Java's
 *  Mac.getInstance names, case-insensitive); Java answers 400 "Algorithm X not
 *  available" otherwise. */
bool cd_internal_request_algorithm_supported(const char *algorithm);
/** @brief java.util.Base64 basic decoding with Java's IllegalArgumentException texts
 *  ("Illegal base64 character 2d", ...). @returns malloc'd bytes or NULL + errstr. */
uint8_t *cd_internal_request_b64_decode(const char *s, size_t *out_len, char *errstr,
                                        size_t errstr_size);

#endif
