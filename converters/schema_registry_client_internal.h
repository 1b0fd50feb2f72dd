/**
 * @file schema_registry_client_internal.h
 * @brief Internals of schema_registry_client.c exposed for the unit tests and
 *        the fuzzer: response parsers, error-body formatting, URL helpers.
 *        Not part of the contract other modules use.
 */
#ifndef CONNECTD_SCHEMA_REGISTRY_CLIENT_INTERNAL_H
#define CONNECTD_SCHEMA_REGISTRY_CLIENT_INTERNAL_H

#include "converters/schema_registry_client.h"

/** Largest response body accepted from a registry. */
#define CD_SR_MAX_RESPONSE ((size_t)1048576)
/** Largest excerpt of a non-JSON error body quoted in an error message. */
#define CD_SR_MAX_BODY_EXCERPT ((size_t)200)

/** Parses a register answer {"id":N}. @return CD_SR_OK or CD_SR_ERR_TRANSPORT + errstr. */
cd_sr_result_t cd_sr_parse_id_response(const char *body, size_t len, int32_t *id, char *errstr,
                                       size_t errstr_size);

/** Parses {"schema":"..."} (GET /schemas/ids/N); *schema is malloc'd. */
cd_sr_result_t cd_sr_parse_schema_response(const char *body, size_t len, char **schema,
                                           char *errstr, size_t errstr_size);

/**
 * Parses {"subject","version","id","schema"} (lookup and latest). @p schema may be
 * NULL when the text is not wanted (it is still validated to be a string when present);
 * when non-NULL the "schema" member is required and *schema is malloc'd.
 */
cd_sr_result_t cd_sr_parse_subject_version_response(const char *body, size_t len, int32_t *id,
                                                    int32_t *version, char **schema, char *errstr,
                                                    size_t errstr_size);

/**
 * Formats an error answer as RestClientException prints it ("<message>; error
 * code: <code>") into errstr, stores the registry's error_code (or the
 * fallback code) in *error_code and returns the matching result
 * (CD_SR_ERR_NOT_FOUND for 404, CD_SR_ERR_REGISTRY otherwise). A body that
 * is not a JSON error object gives "Unauthorized; error code: 401" for 401 and
 * "Unable to parse error message from schema registry: '(<excerpt>)'; error code:
 * <status>" (or "<reason>; error code: <status>" for an empty body) otherwise.
 */
cd_sr_result_t cd_sr_format_error(int http_status, const char *body, size_t len, int *error_code,
                                  char *errstr, size_t errstr_size);

/** Percent-encodes every byte but ALPHA / DIGIT / "-" / "." / "_" / "~". malloc'd. */
char *cd_sr_url_encode(const char *s);

/**
 * Splits "scheme://[user[:pass]@]host..." into the URL without user info and the
 * percent-decoded user and password (NULL when absent). @return 0, -1 on a URL
 * without "://" or out of memory.
 */
int cd_sr_split_userinfo(const char *url, char **clean_url, char **user, char **password);

/** "<base without trailing '/'><path>" (path starts with '/'). malloc'd. */
char *cd_sr_join_url(const char *base, const char *path);

/** Whether a status is retried (408, 429, 500, 502, 503, 504). */
bool cd_sr_status_retriable(int http_status);

/** The backoff before retry number @p attempt (0-based): min(wait << attempt, max). */
long cd_sr_backoff_ms(long wait_ms, long max_wait_ms, int attempt);

#endif
