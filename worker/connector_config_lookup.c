/*
 * connector_config_lookup.c - cd_connector_config_validate: resolves
 * connector.class through the plugin registry (worker/plugins.h), then validates
 * with cd_connector_config_validate_plugin. Kept apart so that code using only
 * the plugin-level entry points does not need the registry.
 */
#include "worker/connector_config.h"

#include "util/properties.h"
#include "worker/plugins.h"

#include <stdio.h>

json_t *cd_connector_config_validate(const cd_properties_t *props, int *http_status, char *errstr,
                                     size_t errstr_size)
{
    const char *cls = cd_properties_get(props, "connector.class");
    const cd_connector_plugin_t *plugin;
    if (!cls) {
        /* Java prints the map (Map.toString); insertion order here. */
        size_t len = 0;
        int w = snprintf(errstr, errstr_size, "Connector config {");
        len = w > 0 ? (size_t)w : 0;
        for (size_t i = 0; i < cd_properties_count(props) && len < errstr_size; i++) {
            w = snprintf(errstr + len, errstr_size - len, "%s%s=%s", i ? ", " : "",
                         cd_properties_key_at(props, i), cd_properties_value_at(props, i));
            len += w > 0 ? (size_t)w : 0;
        }
        if (len < errstr_size)
            snprintf(errstr + len, errstr_size - len, "} contains no connector type");
        if (http_status)
            *http_status = 400;
        return NULL;
    }
    plugin = cd_plugins_find_connector(cls);
    if (!plugin) {
        snprintf(errstr, errstr_size,
                 "Failed to find any class that implements Connector and which name matches %s",
                 cls);
        if (http_status)
            *http_status = 400;
        return NULL;
    }
    return cd_connector_config_validate_plugin(plugin, props, http_status, errstr, errstr_size);
}
