/**
 * @file connector_offsets.h
 * @brief KIP-875 connector offsets for the REST API: read, alter and reset the
 *        offsets of a source connector (the offset store) or a sink connector
 *        (its consumer group `connect-<name>`), as Java's
 *        Worker.connectorOffsets / modifyConnectorOffsets do.
 *
 * Called on the herder thread after the herder's own checks (connector exists;
 * for modifications: STOPPED with no tasks). Answers are REST entities.
 */
#ifndef CONNECTD_CONNECTOR_OFFSETS_H
#define CONNECTD_CONNECTOR_OFFSETS_H

#include "offset_store.h"
#include "worker_config.h"

#include <connectd/connector.h>
#include <jansson.h>

/**
 * @brief GET /connectors/{name}/offsets.
 * @returns {"offsets":[{"partition":{...},"offset":{...}}]} or NULL with
 * *http_status and errstr (Java's message, e.g. "Failed to retrieve consumer group
 * offsets for sink connector x").
 */
json_t *cd_connector_offsets_get(const cd_worker_config_t *wc, cd_offset_store_t *store,
                                 const char *connector, const cd_connector_plugin_t *plugin,
                                 const cd_properties_t *connector_config, int *http_status,
                                 char *errstr, size_t errstr_size);

/**
 * @brief PATCH (body = the parsed request {"offsets":[...]}) or DELETE (body NULL)
 * /connectors/{name}/offsets. Validates the body as Java's REST layer and
 * Worker/SinkUtils do (400 messages), calls the plugin's alter_offsets, writes the
 * offsets (source: the offset store, null offset = tombstone; sink: alter or delete
 * the consumer group offsets with the admin API), and @returns {"message": ...}
 * with Java's success text, or NULL with *http_status and errstr.
 */
json_t *cd_connector_offsets_modify(const cd_worker_config_t *wc, cd_offset_store_t *store,
                                    const char *connector, const cd_connector_plugin_t *plugin,
                                    const cd_properties_t *connector_config, const json_t *body,
                                    int *http_status, char *errstr, size_t errstr_size);

/**
 * @brief The REST layer's checks of a PATCH body (ConnectorsResource.alterConnectorOffsets
 * and Jackson's reading of ConnectorOffsets), which Java makes before the herder looks at
 * the connector: @returns 0, or -1 with *http_status (400 "Partitions / offsets need to be
 * provided for an alter offsets request", 500 for a body Jackson cannot map) and errstr.
 * cd_connector_offsets_modify makes the same checks itself.
 */
int cd_connector_offsets_check_body(const json_t *body, int *http_status, char *errstr,
                                    size_t errstr_size);

/**
 * @brief The Java client settings of the admin client used for a sink connector's
 * offsets (Worker.adminConfigs): bootstrap.servers, client.id
 * "connector-worker-adminclient-<name>", the worker's top-level settings (not admin.*,
 * producer.*, consumer.*), its admin.* settings (prefix stripped), then the connector's
 * admin.override.* (checked against the override policy). @returns 0 with *out (caller
 * destroys) or -1 with errstr.
 */
int cd_connector_offsets_admin_props(const cd_worker_config_t *wc, const char *connector,
                                     const cd_properties_t *connector_config, cd_properties_t **out,
                                     char *errstr, size_t errstr_size);

#endif
