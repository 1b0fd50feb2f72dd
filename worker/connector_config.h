/**
 * @file connector_config.h
 * @brief The framework's connector settings (ConnectorConfig,
 *        SourceConnectorConfig, SinkConnectorConfig) and connector-config
 *        validation as AbstractHerder.validateConnectorConfig does it, with
 *        the JSON entities of the REST API (ConfigInfos, ConfigKeyInfo).
 */
#ifndef CONNECTD_CONNECTOR_CONFIG_H
#define CONNECTD_CONNECTOR_CONFIG_H

#include <connectd/connector.h>

#include <jansson.h>

/** Framework keys common to every connector (name, connector.class, tasks.max,
 *  key.converter, value.converter, header.converter, transforms, predicates,
 *  config.action.reload, errors.*, producer/consumer overrides are prefixes). */
extern const cd_config_key_t cd_connector_config_keys[];
/** Source-only framework keys (topic.creation.groups, exactly.once.support, transaction.boundary,
 *  offsets.storage.topic, ...). */
extern const cd_config_key_t cd_source_connector_config_keys[];
/** Sink-only framework keys (topics, topics.regex, errors.deadletterqueue.*). */
extern const cd_config_key_t cd_sink_connector_config_keys[];

/**
 * @brief Remembers the worker config's originals (copied; NULL forgets them) for the
 * converter defaults of connector configs: as Java 4.3's ConnectorConfig, `key.converter`,
 * `value.converter` and `header.converter` default to the worker's converters (the header
 * converter to SimpleHeaderConverter) and their `.plugin.version` keys to the converter's
 * version, when the connector config names a connector class. Set by the herder.
 */
void cd_connector_config_set_worker_defaults(const cd_properties_t *worker_originals);

/** @brief The full definition for @p plugin's connector config: framework keys
 *  (source or sink) enriched for @p props (transforms, predicates, topic.creation
 *  groups), then the plugin's own keys. */
cd_config_def_t *cd_connector_config_def_new(const cd_connector_plugin_t *plugin,
                                             const cd_properties_t *props);

/**
 * @brief AbstractHerder.validateConnectorConfig: validates @p props.
 * @returns ConfigInfos JSON ({"name","error_count","groups","configs"}), or NULL
 * with errstr and *http_status (400 "Connector config {...} contains no connector type",
 * 400 for an unknown class, ...) when validation cannot run.
 */
json_t *cd_connector_config_validate(const cd_properties_t *props, int *http_status, char *errstr,
                                     size_t errstr_size);

/** @brief cd_connector_config_validate for an already resolved @p plugin (tests, and
 *  callers that looked the plugin up themselves). */
json_t *cd_connector_config_validate_plugin(const cd_connector_plugin_t *plugin,
                                            const cd_properties_t *props, int *http_status,
                                            char *errstr, size_t errstr_size);

/** @returns the error_count of a ConfigInfos document. */
int cd_config_infos_error_count(const json_t *config_infos);
/** @brief Java's 400 message for an invalid config ("Connector configuration is invalid
 *  and contains the following N error(s):\n...") built from ConfigInfos. malloc'd. */
char *cd_config_infos_error_message(const json_t *config_infos);

/** @returns the ConfigKeyInfo array for GET /connector-plugins/{p}/config:
 *  the plugin's keys first, then the framework keys, as Java 4.x. */
json_t *cd_connector_plugin_config_json(const cd_connector_plugin_t *plugin);

/** @returns one ConfigKeyInfo object. */
json_t *cd_config_key_info_json(const cd_config_key_t *key);

#endif
