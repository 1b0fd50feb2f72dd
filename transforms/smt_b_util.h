/**
 * @file smt_b_util.h
 * @brief Helpers shared by ExtractField, HoistField, InsertField, ValueToKey and
 *        TimestampConverter: parsing a plugin's ConfigDef (SimpleConfig), the
 *        field.syntax.version key and SingleFieldPath (KIP-821 nested paths), and
 *        Struct.get / getWithoutDefault.
 */
#ifndef CONNECTD_TRANSFORMS_SMT_B_UTIL_H
#define CONNECTD_TRANSFORMS_SMT_B_UTIL_H

#include <connectd/config_def.h>
#include <connectd/data.h>

#include <stdbool.h>
#include <stddef.h>

/** The doc text of replace.null.with.default, as every Apache transformation has it. */
#define CD_SMTB_REPLACE_NULL_DOC                                                                   \
    "Whether to replace fields that have a default value and that are null to the default "        \
    "value. When set to true, the default value is used, otherwise null is used."

/** Utils.enumOptions(FieldSyntaxVersion.class): "V1", "V2". */
extern const char *const cd_smtb_syntax_versions[];
/** The documentation of field.syntax.version. */
extern const char cd_smtb_field_syntax_version_doc[];
/** FieldSyntaxVersion.appendConfigTo's row, as a table initializer. */
#define CD_SMTB_FIELD_SYNTAX_VERSION_KEY                                                           \
    {                                                                                              \
        .name = "field.syntax.version", .type = CD_CONFIG_STRING, .default_value = "V1",           \
        .validator = {.kind = CD_VALIDATOR_CASE_INSENSITIVE_STRING,                                \
                      .strings = cd_smtb_syntax_versions},                                         \
        .importance = CD_IMPORTANCE_HIGH, .documentation = cd_smtb_field_syntax_version_doc,       \
        .order_in_group = -1, .width = CD_WIDTH_NONE                                               \
    }

/** A parsed configuration with the definition it was parsed against (SimpleConfig). */
typedef struct cd_smtb_config_s {
    cd_config_def_t *def;
    cd_config_t *config;
} cd_smtb_config_t;

/** @brief new SimpleConfig(CONFIG_DEF, props). @returns 0, or -1 with the ConfigException. */
int cd_smtb_config_parse(cd_smtb_config_t *out, const cd_config_key_t *keys,
                         const cd_properties_t *props, char *errstr, size_t errstr_size);
void cd_smtb_config_clear(cd_smtb_config_t *cfg);

/** SingleFieldPath: one or more steps. */
typedef struct cd_smtb_path_s {
    char **steps;
    size_t count;
} cd_smtb_path_t;

/** @brief new SingleFieldPath(text, version) (v2 false = V1). @returns 0, or -1 with
 *  the ConfigException text ("Incomplete backtick pair in path: ..."). */
int cd_smtb_path_parse(cd_smtb_path_t *path, const char *text, bool v2, char *errstr,
                       size_t errstr_size);
void cd_smtb_path_clear(cd_smtb_path_t *path);
/** @brief SingleFieldPath.fieldFrom(schema): the field or NULL; -1 with Java's
 *  DataException when a step is looked up in a non-struct schema. */
int cd_smtb_path_field_from(const cd_smtb_path_t *path, const cd_schema_t *schema,
                            const cd_field_t **field, char *errstr, size_t errstr_size);
/** @brief SingleFieldPath.valueFrom(struct, withDefault). @returns 0 with *out (borrowed,
 *  may be NULL), or -1 with Java's DataException. */
int cd_smtb_path_value_from_struct(const cd_smtb_path_t *path, const cd_value_t *st,
                                   bool with_default, const cd_value_t **out, char *errstr,
                                   size_t errstr_size);
/** @brief SingleFieldPath.valueFrom(map). */
int cd_smtb_path_value_from_map(const cd_smtb_path_t *path, const cd_value_t *map,
                                const cd_value_t **out, char *errstr, size_t errstr_size);

/** @brief Struct.get(field) (with_default: null falls back to the field schema's
 *  default) or Struct.getWithoutDefault. Borrowed. */
const cd_value_t *cd_smtb_struct_get(const cd_value_t *st, const cd_field_t *field,
                                     bool with_default);

/** @brief ConnectSchema.field(name) on any schema: -1 with "Cannot look up fields on
 *  non-struct type" for a non-struct. */
int cd_smtb_schema_field(const cd_schema_t *schema, const char *name, const cd_field_t **out,
                         char *errstr, size_t errstr_size);

/** @brief Takes @p map (string keys, inserted in the current order) and returns it
 *  with its entries in the iteration order of a java.util.HashMap whose table
 *  started at @p initial_capacity (0 = the default 16) and grew as entries were put. */
cd_value_t *cd_smtb_map_hash_ordered(cd_value_t *map, size_t initial_capacity);
/** @returns the table size of new HashMap<>(m) for a map of @p size entries. */
size_t cd_smtb_hash_map_copy_capacity(size_t size);
/** @returns HashMap.tableSizeFor(n). */
size_t cd_smtb_table_size_for(size_t n);

/** @returns a malloc'd copy of @p s (NULL for NULL); aborts on OOM. */
char *cd_smtb_strdup(const char *s);

#endif
