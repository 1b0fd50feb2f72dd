/*
 * bad_plugin.c: a plugin shared object whose connector table is invalid (no
 * class name), for the error path of cd_plugins_load_path.
 */
#include <connectd/connector.h>

static const cd_connector_plugin_t nameless = {
    .class_name = NULL,
    .type = CD_CONNECTOR_SINK,
};

const cd_connector_plugin_t *const cd_plugin_connectors[] = {&nameless, NULL};
