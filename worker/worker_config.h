/**
 * @file worker_config.h
 * @brief The worker configuration (WorkerConfig, StandaloneConfig,
 *        DistributedConfig, RestServerConfig): every key with Java's defaults
 *        and validation, and what is derived from it (listeners, worker id,
 *        client settings for librdkafka).
 */
#ifndef CONNECTD_WORKER_CONFIG_H
#define CONNECTD_WORKER_CONFIG_H

#include <connectd/config_def.h>

#include <librdkafka/rdkafka.h>

typedef enum cd_worker_mode_e {
    CD_WORKER_STANDALONE,
    CD_WORKER_DISTRIBUTED,
} cd_worker_mode_t;

/** A REST listener from `listeners` / `admin.listeners`. */
typedef struct cd_listener_s {
    bool https;
    char *host; /**< "" = every interface */
    int port;   /**< 0 = pick a free port */
} cd_listener_t;

typedef struct cd_worker_config_s cd_worker_config_t;

/**
 * @brief Parses and validates a worker configuration. Unknown keys are logged
 * (not fatal), as Java's AbstractConfig.logUnused; an invalid value returns
 * NULL with an error naming the key.
 */
cd_worker_config_t *cd_worker_config_new(cd_worker_mode_t mode, const cd_properties_t *props,
                                         char *errstr, size_t errstr_size);
void cd_worker_config_destroy(cd_worker_config_t *wc);

cd_worker_mode_t cd_worker_config_mode(const cd_worker_config_t *wc);
/** The parsed configuration (typed getters in config_def.h). */
const cd_config_t *cd_worker_config_values(const cd_worker_config_t *wc);
/** The definition (for docs). */
const cd_config_def_t *cd_worker_config_def(cd_worker_mode_t mode);

/** @brief Parses one listener URL as RestServer does (protocol://host:port, protocol http or
 *  https in any case, host may be empty or [ipv6]). @returns 0, or -1 with Java's message. */
int cd_listener_parse(const char *text, cd_listener_t *out, char *errstr, size_t errstr_size);

/** The generated key tables: 0 = WorkerConfig.baseConfigDef() (RestServerConfig included),
 *  1 = StandaloneConfig's own keys, 2 = DistributedConfig's own keys; NULL otherwise. */
const cd_config_key_t *cd_worker_config_table(int which);

/** Parsed `listeners`, count in *n. */
const cd_listener_t *cd_worker_config_listeners(const cd_worker_config_t *wc, size_t *n);
/** Parsed `admin.listeners`: NULL with *n = 0 and *is_set false when the key is absent
 *  (admin endpoints on the main listeners); *is_set true and *n = 0 = disabled. */
const cd_listener_t *cd_worker_config_admin_listeners(const cd_worker_config_t *wc, size_t *n,
                                                      bool *is_set);

/**
 * @brief The worker id ("host:port") and advertised URL ("http://host:port/")
 * once the REST server knows its bound port (RestServer.advertisedUrl):
 * rest.advertised.* first, then the first listener, host = the listener host
 * or this machine's name.
 */
void cd_worker_config_set_bound_port(cd_worker_config_t *wc, int port);
const char *cd_worker_config_worker_id(const cd_worker_config_t *wc);
const char *cd_worker_config_advertised_url(const cd_worker_config_t *wc);

/**
 * @brief Copies the Java client settings in @p props into a librdkafka conf:
 * names librdkafka shares with Java (bootstrap.servers, security.protocol,
 * sasl.mechanism, ssl.* PEM/PKCS12 files, client.id, acks, linger.ms, ...)
 * pass through, JAAS PLAIN/SCRAM logins become sasl.username/password, and
 * Java-only keys (serializers, interceptors, ...) are skipped with a debug log.
 * @returns 0, or -1 with errstr naming the key librdkafka rejected.
 */
int cd_kafka_conf_apply_java(rd_kafka_conf_t *conf, const cd_properties_t *props, char *errstr,
                             size_t errstr_size);

/** @brief The username/password options of a PlainLoginModule or ScramLoginModule
 *  sasl.jaas.config (malloc'd, NULL when absent). @returns 0, -1 with Java's message. */
int cd_kafka_jaas_credentials(const char *jaas, char **username, char **password, char *errstr,
                              size_t errstr_size);

/** Java's ConnectorClientConfigOverridePolicy: @returns 0 if every override
 *  key in @p overrides (prefix stripped) is allowed, else -1 with Java's message. */
int cd_worker_config_check_client_overrides(const cd_worker_config_t *wc, const char *prefix,
                                            const cd_properties_t *overrides, char *errstr,
                                            size_t errstr_size);

#endif
