/*
 * registry.c: the built-in converter table and the generic converter calls of
 * include/connectd/converter.h (lookup by class name or alias, configure,
 * dispatch to the key/value or header callbacks).
 */
#include <connectd/converter.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cd_converter_s {
    const cd_converter_plugin_t *plugin;
    cd_converter_type_t type;
    void *state;
};

static const cd_converter_plugin_t *const builtin_plugins[] = {
    &cd_json_converter_plugin,       &cd_string_converter_plugin,
    &cd_byte_array_converter_plugin, &cd_simple_header_converter_plugin,
    &cd_boolean_converter_plugin,    &cd_short_converter_plugin,
    &cd_integer_converter_plugin,    &cd_long_converter_plugin,
    &cd_float_converter_plugin,      &cd_double_converter_plugin,
    &cd_avro_converter_plugin,       NULL,
};

/* Plugins registered from shared objects (plugin.path). */
#define CD_CONVERTER_MAX_REGISTERED 256
static const cd_converter_plugin_t *registered[CD_CONVERTER_MAX_REGISTERED + 1];
static size_t registered_count;
static pthread_mutex_t registered_lock = PTHREAD_MUTEX_INITIALIZER;

int cd_converter_register(const cd_converter_plugin_t *plugin)
{
    int rc = -1;
    if (!plugin || !plugin->class_name || cd_converter_plugin_find(plugin->class_name))
        return -1;
    pthread_mutex_lock(&registered_lock);
    if (registered_count < CD_CONVERTER_MAX_REGISTERED) {
        registered[registered_count++] = plugin;
        registered[registered_count] = NULL;
        rc = 0;
    }
    pthread_mutex_unlock(&registered_lock);
    return rc;
}

void cd_converter_unregister_all(void)
{
    pthread_mutex_lock(&registered_lock);
    registered_count = 0;
    registered[0] = NULL;
    pthread_mutex_unlock(&registered_lock);
}

const cd_converter_plugin_t *const *cd_converter_registered_plugins(void)
{
    return registered;
}

/* The simple name, or the simple name without "Converter", of a registered class. */
static bool registered_alias_matches(const cd_converter_plugin_t *plugin, const char *name)
{
    const char *dot = strrchr(plugin->class_name, '.');
    const char *simple = dot ? dot + 1 : plugin->class_name;
    size_t len = strlen(simple), suffix = strlen("Converter");
    if (strcmp(simple, name) == 0)
        return true;
    return len > suffix && strcmp(simple + len - suffix, "Converter") == 0 &&
           strlen(name) == len - suffix && strncmp(simple, name, len - suffix) == 0;
}

const char *cd_converter_type_name(cd_converter_type_t type)
{
    switch (type) {
    case CD_CONVERTER_KEY:
        return "key";
    case CD_CONVERTER_VALUE:
        return "value";
    case CD_CONVERTER_HEADER:
        return "header";
    }
    return "unknown";
}

const cd_converter_plugin_t *const *cd_converter_plugins(void)
{
    return builtin_plugins;
}

const cd_converter_plugin_t *cd_converter_plugin_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; builtin_plugins[i]; i++) {
        const cd_converter_plugin_t *plugin = builtin_plugins[i];
        if (strcmp(plugin->class_name, name) == 0)
            return plugin;
        for (size_t a = 0; plugin->aliases && plugin->aliases[a]; a++) {
            if (strcmp(plugin->aliases[a], name) == 0)
                return plugin;
        }
    }
    const cd_converter_plugin_t *found = NULL;
    pthread_mutex_lock(&registered_lock);
    for (size_t i = 0; i < registered_count && !found; i++) {
        const cd_converter_plugin_t *plugin = registered[i];
        if (strcmp(plugin->class_name, name) == 0 || registered_alias_matches(plugin, name))
            found = plugin;
        for (size_t a = 0; !found && plugin->aliases && plugin->aliases[a]; a++)
            if (strcmp(plugin->aliases[a], name) == 0)
                found = plugin;
    }
    pthread_mutex_unlock(&registered_lock);
    return found;
}

cd_converter_t *cd_converter_new(const char *class_name, const cd_properties_t *config,
                                 cd_converter_type_t type, char *errstr, size_t errstr_size)
{
    const cd_converter_plugin_t *plugin = cd_converter_plugin_find(class_name);
    cd_converter_t *conv = NULL;
    if (!plugin) {
        snprintf(errstr, errstr_size, "Class %s could not be found.",
                 class_name ? class_name : "null");
        return NULL;
    }
    if (type == CD_CONVERTER_HEADER ? !plugin->is_header_converter : !plugin->is_converter) {
        snprintf(errstr, errstr_size, "%s is not a %s", plugin->class_name,
                 type == CD_CONVERTER_HEADER ? "HeaderConverter" : "Converter");
        return NULL;
    }
    conv = calloc(1, sizeof(*conv));
    if (!conv) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    conv->plugin = plugin;
    conv->type = type;
    if (plugin->create) {
        conv->state = plugin->create(config, type, errstr, errstr_size);
        if (!conv->state)
            goto fail;
    }
    return conv;
fail:
    free(conv);
    return NULL;
}

void cd_converter_destroy(cd_converter_t *conv)
{
    if (!conv)
        return;
    if (conv->plugin->destroy && conv->state)
        conv->plugin->destroy(conv->state);
    free(conv);
}

const cd_converter_plugin_t *cd_converter_plugin(const cd_converter_t *conv)
{
    return conv->plugin;
}

/** A clear error for a call the plugin does not implement. */
static int unsupported(const cd_converter_t *conv, const char *what, char *errstr,
                       size_t errstr_size)
{
    snprintf(errstr, errstr_size, "%s does not implement %s", conv->plugin->class_name, what);
    return -1;
}

int cd_converter_from_connect(cd_converter_t *conv, const char *topic, const cd_headers_t *headers,
                              const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                              bool *is_null, char *errstr, size_t errstr_size)
{
    if (!conv->plugin->is_converter || !conv->plugin->from_connect)
        return unsupported(conv, "Converter.fromConnectData", errstr, errstr_size);
    *is_null = false;
    return conv->plugin->from_connect(conv->state, topic, headers, schema, value, out, is_null,
                                      errstr, errstr_size);
}

int cd_converter_to_connect(cd_converter_t *conv, const char *topic, const cd_headers_t *headers,
                            const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                            char *errstr, size_t errstr_size)
{
    if (!conv->plugin->is_converter || !conv->plugin->to_connect)
        return unsupported(conv, "Converter.toConnectData", errstr, errstr_size);
    cd_schema_and_value_clear(out);
    return conv->plugin->to_connect(conv->state, topic, headers, data, len, out, errstr,
                                    errstr_size);
}

int cd_converter_from_connect_header(cd_converter_t *conv, const char *topic,
                                     const char *header_key, const cd_schema_t *schema,
                                     const cd_value_t *value, cd_buf_t *out, bool *is_null,
                                     char *errstr, size_t errstr_size)
{
    if (!conv->plugin->is_header_converter || !conv->plugin->from_connect_header)
        return unsupported(conv, "HeaderConverter.fromConnectHeader", errstr, errstr_size);
    *is_null = false;
    return conv->plugin->from_connect_header(conv->state, topic, header_key, schema, value, out,
                                             is_null, errstr, errstr_size);
}

int cd_converter_to_connect_header(cd_converter_t *conv, const char *topic, const char *header_key,
                                   const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                   char *errstr, size_t errstr_size)
{
    if (!conv->plugin->is_header_converter || !conv->plugin->to_connect_header)
        return unsupported(conv, "HeaderConverter.toConnectHeader", errstr, errstr_size);
    cd_schema_and_value_clear(out);
    return conv->plugin->to_connect_header(conv->state, topic, header_key, data, len, out, errstr,
                                           errstr_size);
}
