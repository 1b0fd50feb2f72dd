#include "connector_offsets.h"
#include <stdio.h>
json_t *cd_connector_offsets_get(const cd_worker_config_t *wc, cd_offset_store_t *store,
                                 const char *connector, const cd_connector_plugin_t *plugin,
                                 const cd_properties_t *connector_config, int *http_status,
                                 char *errstr, size_t errstr_size)
{
    (void)wc;
    (void)store;
    (void)connector;
    (void)plugin;
    (void)connector_config;
    *http_status = 500;
    snprintf(errstr, errstr_size, "stub");
    return NULL;
}
json_t *cd_connector_offsets_modify(const cd_worker_config_t *wc, cd_offset_store_t *store,
                                    const char *connector, const cd_connector_plugin_t *plugin,
                                    const cd_properties_t *connector_config, const json_t *body,
                                    int *http_status, char *errstr, size_t errstr_size)
{
    (void)wc;
    (void)store;
    (void)connector;
    (void)plugin;
    (void)connector_config;
    (void)body;
    *http_status = 500;
    snprintf(errstr, errstr_size, "stub");
    return NULL;
}
