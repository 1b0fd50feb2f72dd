/*
 * connector_config_lookup.c - cd_connector_config_validate: resolves
 * connector.class through the plugin registry (worker/plugins.h), then validates
 * with cd_connector_config_validate_plugin. Kept apart so that code using only
 * the plugin-level entry points does not need the registry.
 */
#include "worker/connector_config.h"

#include "util/properties.h"
#include "worker/plugins.h"

#include <connectd/data.h>

#include <stdarg.h>
#include <stdio.h>

/* Appends to errstr at *len, bounded. */
static void cd_ccl_append(char *errstr, size_t errstr_size, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void cd_ccl_append(char *errstr, size_t errstr_size, size_t *len, const char *fmt, ...)
{
    if (*len >= errstr_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(errstr + *len, errstr_size - *len, fmt, ap);
    va_end(ap);
    *len += w > 0 ? (size_t)w : 0;
}

json_t *cd_connector_config_validate(const cd_properties_t *props, int *http_status, char *errstr,
                                     size_t errstr_size)
{
    const char *cls = cd_properties_get(props, "connector.class");
    const cd_connector_plugin_t *plugin;
    size_t len = 0;
    if (!cls) {
        /* Java prints the request's HashMap (Map.toString): its iteration order. */
        cd_value_t *map = cd_value_new_map();
        for (size_t i = 0; map && i < cd_properties_count(props); i++)
            cd_value_map_put(map, cd_value_new_cstring(cd_properties_key_at(props, i)),
                             cd_value_new_cstring(cd_properties_value_at(props, i)));
        if (map)
            cd_value_map_sort_java_hash_order(map);
        cd_ccl_append(errstr, errstr_size, &len, "Connector config {");
        for (size_t i = 0; map && i < cd_value_map_size(map); i++)
            cd_ccl_append(errstr, errstr_size, &len, "%s%s=%s", i ? ", " : "",
                          cd_value_string(cd_value_map_key_at(map, i), NULL),
                          cd_value_string(cd_value_map_value_at(map, i), NULL));
        cd_ccl_append(errstr, errstr_size, &len, "} contains no connector type");
        cd_value_destroy(map);
        if (http_status)
            *http_status = 400;
        return NULL;
    }
    plugin = cd_plugins_find_connector(cls);
    if (!plugin) {
        /* Plugins.connectorClass: the message lists every connector's PluginDesc. */
        cd_ccl_append(errstr, errstr_size, &len,
                      "Failed to find any class that implements Connector and which name matches "
                      "%s, available connectors are: ",
                      cls);
        size_t n = 0;
        const cd_connector_plugin_t *const *all = cd_plugins_connectors(&n);
        for (size_t i = 0; i < n; i++) {
            const char *type = cd_connector_type_name(all[i]->type);
            const char *version = all[i]->version ? all[i]->version : "undefined";
            cd_ccl_append(errstr, errstr_size, &len,
                          "%sPluginDesc{klass=class %s, name='%s', version='%s', "
                          "encodedVersion=%s, type=%s, typeName='%s', location='classpath'}",
                          i ? ", " : "", all[i]->class_name, all[i]->class_name, version, version,
                          type, type);
        }
        if (http_status)
            *http_status = 400;
        return NULL;
    }
    return cd_connector_config_validate_plugin(plugin, props, http_status, errstr, errstr_size);
}
