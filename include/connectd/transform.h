/**
 * @file transform.h
 * @brief The plugin API for single message transforms and predicates
 *        (org.apache.kafka.connect.transforms.Transformation and
 *        org.apache.kafka.connect.transforms.predicates.Predicate).
 *
 * A plugin is a constant table, as connectors and converters are. The worker
 * builds one instance per alias in a connector's `transforms` / `predicates`
 * list: `create` receives the alias's settings with the
 * `transforms.<alias>.` / `predicates.<alias>.` prefix removed (Java's
 * originalsWithPrefix), exactly as Java's configure(Map) does. The chain
 * (worker/transform_chain.c) handles `predicate` and `negate`; a plugin never
 * sees them.
 *
 * Errors are Java's exception messages: @p errstr receives the message of the
 * ConfigException (create) or DataException (apply) Java would throw, so the
 * worker can show it unchanged.
 */
#ifndef CONNECTD_TRANSFORM_H
#define CONNECTD_TRANSFORM_H

#include <connectd/config_def.h>
#include <connectd/record.h>

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A transformation plugin (Transformation<R>). */
typedef struct cd_transform_plugin_s {
    /** Java's class name, with the nested class for key/value variants:
     *  "org.apache.kafka.connect.transforms.Cast$Value". */
    const char *class_name;
    const char *version; /**< AppInfoParser version for Apache's ("4.3.1"), NULL = undefined */
    /** config(): the ConfigDef keys, unprefixed; NULL-name terminated; NULL = none. */
    const cd_config_key_t *config_keys;
    /** configure(): @returns 0 with *state set, or -1 with the ConfigException message. */
    int (*create)(const cd_properties_t *config, void **state, char *errstr, size_t errstr_size);
    void (*destroy)(void *state);
    /**
     * apply(): transforms @p *record in place or replaces it (destroying the old
     * one); sets *record to NULL to drop it (Java returns null).
     * @returns 0, or -1 with the DataException/ConnectException message (the
     *          record is then left as it was or replaced; the caller owns it).
     */
    int (*apply)(void *state, cd_record_t **record, char *errstr, size_t errstr_size);
} cd_transform_plugin_t;

/** A predicate plugin (Predicate<R>). */
typedef struct cd_predicate_plugin_s {
    const char *class_name; /**< "org.apache.kafka.connect.transforms.predicates.HasHeaderKey" */
    const char *version;
    const cd_config_key_t *config_keys;
    int (*create)(const cd_properties_t *config, void **state, char *errstr, size_t errstr_size);
    void (*destroy)(void *state);
    /** test(): @returns 1 (true), 0 (false), or -1 with errstr. */
    int (*test)(void *state, const cd_record_t *record, char *errstr, size_t errstr_size);
} cd_predicate_plugin_t;

/** A plugin shared object (plugin.path) exports NULL-terminated arrays under these
 *  names: `const cd_transform_plugin_t *const cd_plugin_transforms[]` and
 *  `const cd_predicate_plugin_t *const cd_plugin_predicates[]`. */
#define CD_PLUGIN_TRANSFORMS_SYMBOL "cd_plugin_transforms"
#define CD_PLUGIN_PREDICATES_SYMBOL "cd_plugin_predicates"

/** @returns the built-in or loaded transformation named @p name (class name or
 *  alias: the simple name, e.g. "Cast$Value"), or NULL. */
const cd_transform_plugin_t *cd_transform_plugin_find(const char *name);
/** @returns every transformation plugin sorted by class name; count in *n. */
const cd_transform_plugin_t *const *cd_transform_plugins(size_t *n);
/** @returns the predicate plugin named @p name (class name or simple name), or NULL. */
const cd_predicate_plugin_t *cd_predicate_plugin_find(const char *name);
/** @returns every predicate plugin sorted by class name; count in *n. */
const cd_predicate_plugin_t *const *cd_predicate_plugins(size_t *n);

/** @brief Registers a transformation from a plugin shared object (plugin.path).
 *  @returns 0, or -1 when the registry is full or the class is already known. */
int cd_transform_register(const cd_transform_plugin_t *plugin);
/** @brief Registers a predicate from a plugin shared object. */
int cd_predicate_register(const cd_predicate_plugin_t *plugin);

#ifdef __cplusplus
}
#endif
#endif
