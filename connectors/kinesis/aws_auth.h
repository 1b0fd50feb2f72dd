/**
 * @file aws_auth.h
 * @brief AWS credentials, region and endpoint resolution for connectd's AWS
 *        clients (the Kinesis source), following the AWS SDKs' conventions.
 *
 * Credentials (first match wins, like the SDKs' default chain minus the
 * container/IMDS/web-identity providers, which connectd does not implement):
 *  1. the connector's own keys (`aws.access.key.id` / `aws.secret.key.id`);
 *  2. the environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *     (+ AWS_SESSION_TOKEN);
 *  3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, default
 *     $HOME/.aws/credentials), section `[<profile>]`;
 *  4. the shared config file (AWS_CONFIG_FILE, default $HOME/.aws/config),
 *     section `[profile <profile>]` (or `[default]`);
 * where <profile> is AWS_PROFILE, else "default". Keys read from files:
 * aws_access_key_id, aws_secret_access_key, aws_session_token.
 *
 * Endpoint: an explicit URL (the connector's `kinesis.base.url`) beats
 * AWS_ENDPOINT_URL_<SERVICE> which beats AWS_ENDPOINT_URL (both ignored when
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true); the default is
 * https://<service>.<region>.amazonaws.com (".amazonaws.com.cn" for cn-*).
 *
 * Everything read from the environment and files is bounded (files up to
 * 1 MiB, values up to 4 KiB) and validated; errors carry a readable message.
 */
#ifndef CONNECTD_KINESIS_AWS_AUTH_H
#define CONNECTD_KINESIS_AWS_AUTH_H

#include <stddef.h>

/** Resolved credentials. Strings are malloc'd; session_token may be NULL. */
typedef struct cd_aws_credentials_s {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
    /** Where they came from, for logs (never the secret): "connector configuration",
     *  "environment", "shared credentials file <path> [profile]", ... */
    char source[256];
} cd_aws_credentials_t;

/**
 * @brief Resolves credentials through the chain above.
 * @param access_key_id, secret_access_key  the connector's keys; NULL or "" = not set.
 *        Only one of them set is an error.
 * @returns 0, or -1 with errstr, e.g. "Unable to load AWS credentials from any provider
 *          in the chain: connector configuration (aws.access.key.id not set),
 *          environment (AWS_ACCESS_KEY_ID not set), shared credentials file
 *          /root/.aws/credentials (not found), ..."
 */
int cd_aws_credentials_resolve(const char *access_key_id, const char *secret_access_key,
                               cd_aws_credentials_t *out, char *errstr, size_t errstr_size);
/** @brief Frees the strings (wiping the secret) and zeroes @p creds. */
void cd_aws_credentials_clear(cd_aws_credentials_t *creds);

/**
 * @brief Normalizes a region as the Confluent connector accepts it: "us-east-1" stays,
 *        the enum spelling "US_EAST_1" becomes "us-east-1" (trimmed, lower-cased, '_' -> '-').
 * @returns a malloc'd string, or NULL with errstr when empty or not [a-z0-9-] after
 *          normalization ("Invalid AWS region: ...").
 */
char *cd_aws_region_normalize(const char *region, char *errstr, size_t errstr_size);

/**
 * @brief Resolves the endpoint URL for @p service (e.g. "kinesis"; the environment suffix
 *        is its upper-case form, AWS_ENDPOINT_URL_KINESIS).
 * @param explicit_url  the configured override; NULL or "" = none.
 * @returns a malloc'd URL without a trailing '/', or NULL with errstr when the chosen value
 *          is not an http:// or https:// URL.
 */
char *cd_aws_endpoint_resolve(const char *explicit_url, const char *service, const char *region,
                              char *errstr, size_t errstr_size);

#endif
