/**
 * @file plugins.h
 * @brief The plugin registry (Plugins / DelegatingClassLoader): built-in
 *        connectors and converters, shared objects from `plugin.path`, and
 *        Java's alias rules (full class name, simple name, simple name without
 *        the "Connector"/"Converter" suffix).
 */
#ifndef CONNECTD_WORKER_PLUGINS_H
#define CONNECTD_WORKER_PLUGINS_H

#include <connectd/connector.h>
#include <connectd/converter.h>

#include <stddef.h>

/** @returns the connector plugin whose class name or alias is @p name, or NULL. */
const cd_connector_plugin_t *cd_plugins_find_connector(const char *name);
/** @returns every connector plugin, sorted by class name; count in *n. */
const cd_connector_plugin_t *const *cd_plugins_connectors(size_t *n);

/** One row of GET /connector-plugins?connectorsOnly=false (PluginInfo). */
typedef struct cd_plugin_info_s {
    const char *class_name;
    const char *type; /**< source, sink, converter, header_converter, transformation, predicate */
    const char *version; /**< NULL when undefined */
} cd_plugin_info_t;

/** @brief Every plugin of every kind, in Java's order (by type, then class name).
 *  @returns a malloc'd array (count in *n). */
cd_plugin_info_t *cd_plugins_all(size_t *n);

/**
 * @brief Loads the shared objects under each directory of @p plugin_path
 * (comma-separated, as the worker key): `*.so` directly inside the directory or
 * in its immediate subdirectories. @returns the number loaded, or -1 with errstr.
 */
int cd_plugins_load_path(const char *plugin_path, char *errstr, size_t errstr_size);

/** @brief Unloads shared objects (at exit). */
void cd_plugins_unload(void);

/** @brief The plugin version a connector's statuses carry (Worker.connectorVersion):
 *  the connector plugin's version for @p config's connector.class, NULL when unknown
 *  or "undefined". */
const char *cd_plugins_status_version(const cd_properties_t *config);

#endif
