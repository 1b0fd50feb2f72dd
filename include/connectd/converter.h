/**
 * @file converter.h
 * @brief Converters and header converters: the C counterpart of
 *        org.apache.kafka.connect.storage.Converter and HeaderConverter.
 *
 * A converter plugin is a static table of callbacks registered under the Java
 * class name users type (and its aliases). An instance is made from the
 * converter's own settings, already stripped of their prefix (e.g.
 * "value.converter.schemas.enable" reaches it as "schemas.enable"), plus the
 * converter type (key, value or header), as Java's Converter.configure(map, isKey).
 *
 * Errors are Java's DataException messages, written into errstr.
 */
#ifndef CONNECTD_CONVERTER_H
#define CONNECTD_CONVERTER_H

#include <connectd/buf.h>
#include <connectd/data.h>
#include <connectd/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cd_properties_s cd_properties_t;

/** Java's ConverterType. */
typedef enum cd_converter_type_e {
    CD_CONVERTER_KEY,
    CD_CONVERTER_VALUE,
    CD_CONVERTER_HEADER,
} cd_converter_type_t;

/** @returns "key", "value" or "header" (the `converter.type` setting). */
const char *cd_converter_type_name(cd_converter_type_t type);

typedef struct cd_converter_plugin_s {
    const char *class_name;     /**< e.g. "org.apache.kafka.connect.json.JsonConverter" */
    const char *const *aliases; /**< NULL-terminated; may be NULL */
    const char *version;
    bool is_header_converter; /**< implements the header callbacks */
    bool is_converter;        /**< implements the key/value callbacks */

    /** @returns the instance state, or NULL with errstr set (ConfigException message). */
    void *(*create)(const cd_properties_t *config, cd_converter_type_t type, char *errstr,
                    size_t errstr_size);
    void (*destroy)(void *state);

    /** Connect data -> bytes, appended to @p out. *is_null = true means null bytes.
     *  @returns 0, or -1 with errstr. */
    int (*from_connect)(void *state, const char *topic, const cd_headers_t *headers,
                        const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                        bool *is_null, char *errstr, size_t errstr_size);
    /** bytes (NULL data = null) -> Connect data, into @p out (cleared first).
     *  @returns 0, or -1 with errstr. */
    int (*to_connect)(void *state, const char *topic, const cd_headers_t *headers,
                      const uint8_t *data, size_t len, cd_schema_and_value_t *out, char *errstr,
                      size_t errstr_size);

    /** HeaderConverter.fromConnectHeader / toConnectHeader. */
    int (*from_connect_header)(void *state, const char *topic, const char *header_key,
                               const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                               bool *is_null, char *errstr, size_t errstr_size);
    int (*to_connect_header)(void *state, const char *topic, const char *header_key,
                             const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                             char *errstr, size_t errstr_size);
} cd_converter_plugin_t;

/** A configured converter instance. */
typedef struct cd_converter_s cd_converter_t;

/** @returns the built-in plugin whose class name or alias is @p name, or NULL. */
const cd_converter_plugin_t *cd_converter_plugin_find(const char *name);
/** @returns the NULL-terminated table of built-in converter plugins. */
const cd_converter_plugin_t *const *cd_converter_plugins(void);

/**
 * @brief Registers a converter plugin from a shared object (worker/plugins.c) so that
 * cd_converter_plugin_find / cd_converter_new find it by class name, its aliases,
 * its simple name or the simple name without "Converter". The table must stay
 * loaded until cd_converter_unregister_all. @returns 0, or -1 if full or a duplicate.
 */
int cd_converter_register(const cd_converter_plugin_t *plugin);
/** @brief Forgets every registered (non built-in) converter plugin. */
void cd_converter_unregister_all(void);
/** @returns the NULL-terminated registered (non built-in) plugins (a snapshot, static storage). */
const cd_converter_plugin_t *const *cd_converter_registered_plugins(void);

/** @brief Finds and configures a converter. @returns NULL with errstr on error. */
cd_converter_t *cd_converter_new(const char *class_name, const cd_properties_t *config,
                                 cd_converter_type_t type, char *errstr, size_t errstr_size);
void cd_converter_destroy(cd_converter_t *conv);
const cd_converter_plugin_t *cd_converter_plugin(const cd_converter_t *conv);

int cd_converter_from_connect(cd_converter_t *conv, const char *topic, const cd_headers_t *headers,
                              const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                              bool *is_null, char *errstr, size_t errstr_size);
int cd_converter_to_connect(cd_converter_t *conv, const char *topic, const cd_headers_t *headers,
                            const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                            char *errstr, size_t errstr_size);
int cd_converter_from_connect_header(cd_converter_t *conv, const char *topic,
                                     const char *header_key, const cd_schema_t *schema,
                                     const cd_value_t *value, cd_buf_t *out, bool *is_null,
                                     char *errstr, size_t errstr_size);
int cd_converter_to_connect_header(cd_converter_t *conv, const char *topic, const char *header_key,
                                   const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                   char *errstr, size_t errstr_size);

/** Built-in plugins (defined in converters/). */
extern const cd_converter_plugin_t cd_json_converter_plugin;
extern const cd_converter_plugin_t cd_string_converter_plugin;
extern const cd_converter_plugin_t cd_byte_array_converter_plugin;
extern const cd_converter_plugin_t cd_simple_header_converter_plugin;
/** org.apache.kafka.connect.converters.{Boolean,Short,Integer,Long,Float,Double}Converter. */
extern const cd_converter_plugin_t cd_boolean_converter_plugin;
extern const cd_converter_plugin_t cd_short_converter_plugin;
extern const cd_converter_plugin_t cd_integer_converter_plugin;
extern const cd_converter_plugin_t cd_long_converter_plugin;
extern const cd_converter_plugin_t cd_float_converter_plugin;
extern const cd_converter_plugin_t cd_double_converter_plugin;
/** io.confluent.connect.avro.AvroConverter (converters/avro_converter.c). */
extern const cd_converter_plugin_t cd_avro_converter_plugin;

#ifdef __cplusplus
}
#endif
#endif
