/**
 * @file schema_registry_client.h
 * @brief A client of the Confluent Schema Registry REST API (also served by
 *        Apicurio's ccompat API), the C counterpart of Confluent's
 *        CachedSchemaRegistryClient as AvroConverter uses it.
 *
 * Configured from the converter's own settings (prefix already stripped):
 *
 *   schema.registry.url                comma-separated base URLs, tried in order
 *                                      (a URL that fails at the transport level
 *                                      moves the client to the next one);
 *                                      "mock://SCOPE" = an in-process registry
 *                                      shared by every client of that scope
 *                                      (Confluent's MockSchemaRegistry)
 *   basic.auth.credentials.source      URL (default), USER_INFO, SASL_INHERIT (refused)
 *   basic.auth.user.info               "user:password" for USER_INFO (PASSWORD)
 *   schema.registry.basic.auth.user.info  alias of the above
 *   schema.registry.ssl.truststore.location / .type (PEM only)
 *   schema.registry.ssl.keystore.location / .type (PEM), schema.registry.ssl.key.password
 *   schema.registry.ssl.endpoint.identification.algorithm ("" turns hostname checks off)
 *   http.connect.timeout.ms (60000), http.read.timeout.ms (60000)
 *   max.retries (3), retries.wait.ms (1000), retries.max.wait.ms (20000):
 *                                      retried on transport errors, 408, 429 and 5xx
 *   max.schemas.per.subject (1000)     bound of each per-subject cache; more
 *                                      distinct schemas for one subject fail with
 *                                      "Too many schema objects created for SUBJECT!"
 *   latest.cache.ttl.sec (-1 = never expires)
 *
 * All answers are bounded (1 MiB per response) and validated before use.
 * Errors are written into errstr the way Confluent's RestClientException prints
 * them: "<registry message>; error code: <code>" for an error answer, or the
 * transport error ("... Connection refused") otherwise.
 *
 * A client is used by one thread at a time (each converter instance owns one);
 * mock:// scopes are shared and locked internally.
 */
#ifndef CONNECTD_SCHEMA_REGISTRY_CLIENT_H
#define CONNECTD_SCHEMA_REGISTRY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cd_properties_s cd_properties_t;
typedef struct cd_schema_registry_s cd_schema_registry_t;

/** Outcome of a registry call. */
typedef enum cd_sr_result_e {
    CD_SR_OK = 0,
    CD_SR_ERR_NOT_FOUND = -1, /**< 404: subject/version/schema/id not found (40401, 40402, 40403) */
    CD_SR_ERR_REGISTRY =
        -2, /**< any other error answer (409 incompatible, 422 invalid, 401, 5xx) */
    CD_SR_ERR_TRANSPORT = -3, /**< no answer: refused, timeout, TLS, bad/oversized body */
    CD_SR_ERR_CONFIG = -4,    /**< a bad argument or a cache bound exceeded */
} cd_sr_result_t;

/** @returns a client, or NULL with errstr (a ConfigException message). */
cd_schema_registry_t *cd_schema_registry_new(const cd_properties_t *config, char *errstr,
                                             size_t errstr_size);
void cd_schema_registry_destroy(cd_schema_registry_t *sr);

/** The HTTP status and registry error_code of the last failed call (0 if none). */
int cd_schema_registry_last_http_status(const cd_schema_registry_t *sr);
int cd_schema_registry_last_error_code(const cd_schema_registry_t *sr);

/**
 * @brief POST /subjects/{subject}/versions[?normalize=true] {"schema": ...}.
 * Cached per (subject, schema text): the same schema is registered once.
 */
cd_sr_result_t cd_schema_registry_register(cd_schema_registry_t *sr, const char *subject,
                                           const char *schema_json, bool normalize, int32_t *id,
                                           char *errstr, size_t errstr_size);

/**
 * @brief POST /subjects/{subject}[?normalize=true] {"schema": ...}: the id and
 * version of an already registered schema (auto.register.schemas=false).
 * Cached per (subject, schema text).
 */
cd_sr_result_t cd_schema_registry_lookup(cd_schema_registry_t *sr, const char *subject,
                                         const char *schema_json, bool normalize, int32_t *id,
                                         int32_t *version, char *errstr, size_t errstr_size);

/**
 * @brief GET /schemas/ids/{id}: the schema text of an id (cached forever: ids
 * are immutable). *schema_json is a malloc'd copy the caller frees.
 */
cd_sr_result_t cd_schema_registry_schema_by_id(cd_schema_registry_t *sr, int32_t id,
                                               char **schema_json, char *errstr,
                                               size_t errstr_size);

/**
 * @brief GET /subjects/{subject}/versions/latest (use.latest.version): id,
 * version and a malloc'd copy of the schema text. Cached for latest.cache.ttl.sec.
 */
cd_sr_result_t cd_schema_registry_latest(cd_schema_registry_t *sr, const char *subject, int32_t *id,
                                         int32_t *version, char **schema_json, char *errstr,
                                         size_t errstr_size);

/** @brief Forgets every mock:// scope (tests and fuzzers; no client may be alive). */
void cd_schema_registry_mock_reset(void);

#endif
