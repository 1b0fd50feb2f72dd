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

#endif
