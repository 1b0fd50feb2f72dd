/**
 * @file config_provider.h
 * @brief Config providers (org.apache.kafka.common.config.provider.ConfigProvider):
 *        plugins that hand out configuration data (passwords, keys, paths) by
 *        path and key, so worker and connector configs can say
 *        `${provider:[path:]key}` instead of carrying the secret.
 *
 * A provider is a table of callbacks registered under its Java class name
 * (and an optional short alias). The worker instantiates the providers named
 * by `config.providers` with `config.providers.NAME.class` and passes each
 * its `config.providers.NAME.param.*` settings (prefix stripped) to
 * configure(). Built in: FileConfigProvider, DirectoryConfigProvider and
 * EnvVarConfigProvider (org.apache.kafka.common.config.provider.*).
 */
#ifndef CONNECTD_CONFIG_PROVIDER_H
#define CONNECTD_CONFIG_PROVIDER_H

#include <connectd/properties.h>

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest file a built-in provider reads (a properties file, or one key's file). */
#define CD_CONFIG_PROVIDER_MAX_FILE_SIZE ((size_t)1024 * 1024)

typedef struct cd_config_provider_plugin_s {
    /** Java class name, e.g. "org.apache.kafka.common.config.provider.FileConfigProvider". */
    const char *class_name;
    /** Short name also accepted in config.providers.NAME.class (may be NULL). */
    const char *alias;
    /**
     * ConfigProvider.configure: @p params are the `param.*` settings, prefix stripped.
     * @returns the provider's state (non-NULL), or NULL with Java's message in errstr.
     */
    void *(*configure)(const cd_properties_t *params, char *errstr, size_t errstr_size);
    /**
     * ConfigProvider.get(path, keys): sets in @p out the keys of @p keys it has (a
     * missing key is simply absent). @p path is "" when the variable has none.
     * @returns 0, or -1 with Java's message (a ConfigException's) in errstr.
     */
    int (*get)(void *state, const char *path, const char *const *keys, size_t nkeys,
               cd_properties_t *out, char *errstr, size_t errstr_size);
    /** ConfigProvider.close (may be NULL). */
    void (*close)(void *state);
} cd_config_provider_plugin_t;

/**
 * @brief Adds a provider (not copied: the table must outlive the process's use of it).
 * @returns 0, or -1 when the class name is taken or the table is incomplete.
 */
int cd_config_provider_register(const cd_config_provider_plugin_t *plugin);

/** @returns the provider registered under @p class_or_alias, or NULL. */
const cd_config_provider_plugin_t *cd_config_provider_find(const char *class_or_alias);

#ifdef __cplusplus
}
#endif
#endif
