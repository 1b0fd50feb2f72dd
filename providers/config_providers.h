/**
 * @file config_providers.h
 * @brief The worker side of config providers: the providers a worker
 *        instantiates from its properties (Worker.initConfigTransformer and
 *        AbstractConfig.resolveConfigVariables), the ConfigTransformer that
 *        replaces `${provider:[path:]key}` variables, and
 *        AbstractHerder.reverseTransform, which puts the variables back into
 *        task configs before they are stored or shown.
 *
 * Every message is Java's. Resolved values are secrets: nothing here logs them.
 */
#ifndef CONNECTD_PROVIDERS_CONFIG_PROVIDERS_H
#define CONNECTD_PROVIDERS_CONFIG_PROVIDERS_H

#include <connectd/config_provider.h>

#include <stdbool.h>
#include <stddef.h>

/** The Java class names of the built-in providers. */
#define CD_FILE_CONFIG_PROVIDER "org.apache.kafka.common.config.provider.FileConfigProvider"
#define CD_DIRECTORY_CONFIG_PROVIDER                                                               \
    "org.apache.kafka.common.config.provider.DirectoryConfigProvider"
#define CD_ENV_VAR_CONFIG_PROVIDER "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
/** The exception class a provider's failure shows in a status trace. */
#define CD_CONFIG_EXCEPTION "org.apache.kafka.common.config.ConfigException"

/** Largest number of variables one config may hold (each is a provider lookup). */
#define CD_CONFIG_MAX_VARIABLES 10000

typedef struct cd_config_providers_s cd_config_providers_t;

/**
 * @brief Worker.initConfigTransformer: one provider per name of `config.providers`
 * (comma-separated, trimmed) that has `config.providers.NAME.class`, configured with
 * its `config.providers.NAME.param.*` settings. A name without a class gets no
 * provider (its variables stay as they are).
 * @returns the set (possibly empty), or NULL with Java's message ("Failed to find any
 * class that implements ConfigProvider and which name matches X, available
 * ConfigProviders are: ..." or the provider's configure() error).
 */
cd_config_providers_t *cd_config_providers_new(const cd_properties_t *props, char *errstr,
                                               size_t errstr_size);
/** @brief As cd_config_providers_new, the way AbstractConfig builds them for the worker
 *  properties (`config.providers` split on ',' untrimmed; an unknown class fails with
 *  "... Could not load config provider class or one of its dependencies"). */
cd_config_providers_t *cd_config_providers_new_for_worker(const cd_properties_t *props,
                                                          char *errstr, size_t errstr_size);
/** @brief Closes every provider and frees the set; NULL is a no-op. */
void cd_config_providers_destroy(cd_config_providers_t *set);
/** @returns how many providers the set holds. */
size_t cd_config_providers_count(const cd_config_providers_t *set);

/**
 * @brief ConfigTransformer.transform: a copy of @p configs with every variable whose
 * provider exists and knows the key replaced by the value; unknown providers and
 * missing keys leave the text as it is. @p set may be NULL (nothing is replaced).
 * @returns the new map, or NULL with the provider's message (e.g. "Could not read
 * properties from file /x") in errstr.
 */
cd_properties_t *cd_config_transform(const cd_config_providers_t *set,
                                     const cd_properties_t *configs, char *errstr,
                                     size_t errstr_size);

/**
 * @brief AbstractConfig.resolveConfigVariables, as WorkerConfig runs it on the worker
 * properties: providers are instantiated from @p props themselves (`config.providers`
 * split on ',' untrimmed; an unknown class fails with "Invalid value X for
 * configuration config.providers.NAME.class: Could not load config provider class or
 * one of its dependencies"), applied, and closed.
 * @returns the resolved copy, or NULL with Java's message.
 */
cd_properties_t *cd_config_resolve_worker_props(const cd_properties_t *props, char *errstr,
                                                size_t errstr_size);

/**
 * @brief AbstractHerder.reverseTransform for one task config: every key of
 * @p task_config whose value in @p raw_connector_config holds a variable gets the
 * raw value back. @returns 0, or -1 on out of memory.
 */
int cd_config_reverse_transform(const cd_properties_t *raw_connector_config,
                                cd_properties_t *task_config);

/** @returns whether @p value holds a `${provider:[path:]key}` variable. */
bool cd_config_has_variable(const char *value);

/** One variable found by cd_config_next_variable (offsets into the scanned text). */
typedef struct cd_config_variable_s {
    size_t start, end; /**< the whole `${...}` */
    size_t provider_off, provider_len;
    size_t path_off, path_len; /**< path_len 0 = no path ("") */
    size_t key_off, key_len;
} cd_config_variable_t;

/**
 * @brief Finds the next match of Java's pattern `\$\{(.*?):((.*?):)?(.*?)\}` in
 * @p text (UTF-8, @p len bytes) at or after @p from, with java.util.regex's
 * semantics ('.' does not match a line terminator). @returns true when found.
 */
bool cd_config_next_variable(const char *text, size_t len, size_t from, cd_config_variable_t *var);

/* Built-in providers and their helpers (the providers directory). */

extern const cd_config_provider_plugin_t cd_file_config_provider;
extern const cd_config_provider_plugin_t cd_directory_config_provider;
extern const cd_config_provider_plugin_t cd_env_var_config_provider;

typedef struct cd_allowed_paths_s cd_allowed_paths_t;
/** @brief AllowedPaths(configValue): NULL/"" allows every path. @returns the list, or
 *  NULL with "Path X is not absolute" / "Path X does not exist". */
cd_allowed_paths_t *cd_allowed_paths_new(const char *config_value, char *errstr,
                                         size_t errstr_size);
void cd_allowed_paths_destroy(cd_allowed_paths_t *ap);
/** @brief AllowedPaths.parseUntrustedPath: the path to open (malloc'd), or NULL when it is
 *  not inside an allowed path (*oom set on out of memory). */
char *cd_allowed_paths_parse(const cd_allowed_paths_t *ap, const char *path, bool *oom);
/** @brief java.nio Path.normalize() of a Unix path (malloc'd). */
char *cd_path_normalize(const char *path);

/** @brief Reads a whole file of at most CD_CONFIG_PROVIDER_MAX_FILE_SIZE bytes.
 *  @returns the bytes (NUL-terminated, malloc'd) with the length in *len, or NULL with
 *  the reason (strerror or "larger than N bytes") in @p why. */
char *cd_provider_read_file(const char *path, size_t *len, char *why, size_t why_size);

#endif
