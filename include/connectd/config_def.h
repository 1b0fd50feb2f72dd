/**
 * @file config_def.h
 * @brief Configuration definitions: the C counterpart of
 *        org.apache.kafka.common.config.ConfigDef.
 *
 * A plugin describes its settings with a static table of cd_config_key_t rows
 * (terminated by a row whose name is NULL). The same table drives
 *  - parsing and validation of a configuration (cd_config_parse),
 *  - PUT /connector-plugins/{p}/config/validate (cd_config_validate),
 *  - GET /connector-plugins/{p}/config (ConfigKeyInfo JSON),
 *  - the generated configuration reference in docs/.
 *
 * Values are parsed as Java's ConfigDef.parseType does, and errors carry Java's
 * ConfigException text, e.g.
 *   "Invalid value abc for configuration tasks.max: Not a number of type INT".
 */
#ifndef CONNECTD_CONFIG_DEF_H
#define CONNECTD_CONFIG_DEF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cd_properties_s cd_properties_t;

/** ConfigDef.Type; the names are what ConfigKeyInfo serialises. */
typedef enum cd_config_type_e {
    CD_CONFIG_BOOLEAN,
    CD_CONFIG_STRING,
    CD_CONFIG_INT,
    CD_CONFIG_SHORT,
    CD_CONFIG_LONG,
    CD_CONFIG_DOUBLE,
    CD_CONFIG_LIST,
    CD_CONFIG_CLASS,
    CD_CONFIG_PASSWORD,
} cd_config_type_t;

/** ConfigDef.Importance. */
typedef enum cd_config_importance_e {
    CD_IMPORTANCE_HIGH,
    CD_IMPORTANCE_MEDIUM,
    CD_IMPORTANCE_LOW,
} cd_config_importance_t;

/** ConfigDef.Width. */
typedef enum cd_config_width_e {
    CD_WIDTH_NONE,
    CD_WIDTH_SHORT,
    CD_WIDTH_MEDIUM,
    CD_WIDTH_LONG,
} cd_config_width_t;

/** Built-in validators (ConfigDef.Range, ValidString, ...). */
typedef enum cd_config_validator_kind_e {
    CD_VALIDATOR_NONE,
    /** ConfigDef.Range: min/max (inclusive), has_min/has_max. Messages
     *  "Value must be at least N" / "Value must be no more than N". */
    CD_VALIDATOR_RANGE,
    /** ConfigDef.ValidString.in(strings): "String must be one of: a, b". */
    CD_VALIDATOR_VALID_STRING,
    /** ConfigDef.CaseInsensitiveValidString.in(strings). */
    CD_VALIDATOR_CASE_INSENSITIVE_STRING,
    /** ConfigDef.NonEmptyString: "String must be non-empty". */
    CD_VALIDATOR_NON_EMPTY_STRING,
    /** ConfigDef.NonNullValidator: "Entry must be non null". */
    CD_VALIDATOR_NON_NULL,
    /** ConfigDef.ValidList: ValidList.in(strings) (strings non-NULL: every element one of
     *  them) or ValidList.anyNonDuplicateValues (strings NULL). Lists with duplicates,
     *  empty elements, or (unless list_allow_empty) no elements are refused; a null
     *  value unless list_allow_null. ConfigDef.parse drops duplicates first, as Java. */
    CD_VALIDATOR_VALID_LIST,
    /** A plugin's own check: custom(). */
    CD_VALIDATOR_CUSTOM,
} cd_config_validator_kind_t;

struct cd_config_value_s;

typedef struct cd_config_validator_s {
    cd_config_validator_kind_t kind;
    bool has_min, has_max;
    double min, max; /**< RANGE (exact for integers up to 2^53) */
    const char *const
        *strings;          /**< VALID_STRING, CASE_INSENSITIVE_STRING, VALID_LIST; NULL-ended */
    bool list_allow_empty; /**< VALID_LIST */
    /** CUSTOM: @returns 0, or -1 with the ConfigException message in errstr
     *  (written in full, e.g. "Invalid value x for configuration y: ..."). */
    int (*custom)(const char *name, const struct cd_config_value_s *value, char *errstr,
                  size_t errstr_size);
    /** Text for the docs ("Valid Values" column); NULL = derived from the kind. */
    const char *description;
    bool list_allow_null; /**< VALID_LIST: a null value is accepted */
} cd_config_validator_t;

/** A key without a default: Java's ConfigDef.NO_DEFAULT_VALUE (the key is required). */
extern const char cd_config_no_default[];
#define CD_NO_DEFAULT cd_config_no_default

/** One row of a configuration table (ConfigDef.ConfigKey). */
typedef struct cd_config_key_s {
    const char *name; /**< NULL ends a table */
    cd_config_type_t type;
    /** The default in Java's string form (ConfigDef.convertToString), NULL for a
     *  null default, or CD_NO_DEFAULT. Lists are comma-separated ("a,b"). */
    const char *default_value;
    cd_config_validator_t validator;
    cd_config_importance_t importance;
    const char *documentation;
    const char *group;  /**< NULL = none */
    int order_in_group; /**< -1 = none, as Java */
    cd_config_width_t width;
    const char *display_name;      /**< NULL = the name, as Java */
    const char *const *dependents; /**< NULL-ended; NULL = none */
    /** Optional ConfigDef.Recommender: writes NULL-ended recommended values
     *  (static strings) into out (capacity out_size). @returns the count. */
    size_t (*recommended_values)(const char *name, const cd_properties_t *config, const char **out,
                                 size_t out_size);
    bool internal; /**< ConfigDef.defineInternal: parsed but never shown */
    /** Optional Recommender.visible(name, config); NULL = visible. Only called when
     *  recommended_values is set, as Java. */
    bool (*visible)(const char *name, const cd_properties_t *config);
    /** ConfigDef.embed: the length of the prefix this key's name was given; its
     *  validator's messages use the name without it, as Java's embeddedValidator. */
    size_t embedded_prefix_len;
} cd_config_key_t;

/** Java names for the enums ("STRING", "HIGH", "MEDIUM", ...). */
const char *cd_config_type_name(cd_config_type_t type);
const char *cd_config_importance_name(cd_config_importance_t importance);
const char *cd_config_width_name(cd_config_width_t width);

/**
 * A configuration definition: one or more tables plus rows made at run time
 * (e.g. "transforms.<alias>.type"). Rows keep their order; a later row with the
 * same name replaces the earlier one.
 */
typedef struct cd_config_def_s cd_config_def_t;

cd_config_def_t *cd_config_def_new(void);
void cd_config_def_destroy(cd_config_def_t *def);
/** @brief Adds every row of @p table (NULL-name terminated; not copied, must outlive def). */
void cd_config_def_add_table(cd_config_def_t *def, const cd_config_key_t *table);
/** @brief Adds a copy of @p key (its strings are copied too). */
void cd_config_def_add_copy(cd_config_def_t *def, const cd_config_key_t *key);
size_t cd_config_def_count(const cd_config_def_t *def);
const cd_config_key_t *cd_config_def_at(const cd_config_def_t *def, size_t i);
const cd_config_key_t *cd_config_def_find(const cd_config_def_t *def, const char *name);
/** @returns the group names in first-seen order (ConfigDef.groups()); count in *n. */
const char *const *cd_config_def_groups(const cd_config_def_t *def, size_t *n);

/** A parsed value (ConfigDef.parseType result). */
typedef struct cd_config_value_s {
    cd_config_type_t type;
    bool is_null;
    bool b;
    int64_t i;               /**< INT, SHORT, LONG */
    double d;                /**< DOUBLE */
    const char *s;           /**< STRING, CLASS, PASSWORD (trimmed as Java) */
    const char *const *list; /**< LIST: NULL-ended, elements trimmed */
    size_t list_count;
} cd_config_value_t;

/** A configuration parsed against a definition (AbstractConfig). */
typedef struct cd_config_s cd_config_t;

/**
 * @brief Parses and validates every defined key of @p props (ConfigDef.parse).
 * Keys not in @p def are kept as originals. @returns NULL with the first
 * ConfigException message in errstr, e.g.
 * "Missing required configuration \"file\" which has no default value."
 */
cd_config_t *cd_config_parse(const cd_config_def_t *def, const cd_properties_t *props, char *errstr,
                             size_t errstr_size);
void cd_config_destroy(cd_config_t *config);

/** Typed getters; the key must be defined with the matching type. */
const cd_config_value_t *cd_config_get(const cd_config_t *config, const char *name);
const char *cd_config_get_string(const cd_config_t *config, const char *name); /**< NULL if null */
int32_t cd_config_get_int(const cd_config_t *config, const char *name);
int64_t cd_config_get_long(const cd_config_t *config, const char *name);
bool cd_config_get_bool(const cd_config_t *config, const char *name);
double cd_config_get_double(const cd_config_t *config, const char *name);
const char *const *cd_config_get_list(const cd_config_t *config, const char *name, size_t *count);
/** The properties the config was parsed from (AbstractConfig.originals()). */
const cd_properties_t *cd_config_originals(const cd_config_t *config);
/** @brief Copies every original starting with @p prefix, prefix stripped
 *  (AbstractConfig.originalsWithPrefix). */
cd_properties_t *cd_config_originals_with_prefix(const cd_config_t *config, const char *prefix);

/** The result of validating one key (ConfigValue): what /config/validate shows. */
typedef struct cd_config_result_s {
    char *name;
    char *value; /**< the text shown; NULL for null; "[hidden]" for passwords */
    char **recommended_values;
    size_t recommended_count;
    char **errors;
    size_t error_count;
    bool visible;
} cd_config_result_t;

/** The results of ConfigDef.validate, one per defined key, in definition order. */
typedef struct cd_config_results_s cd_config_results_t;

/** @brief Validates @p props against @p def without stopping at the first error. */
cd_config_results_t *cd_config_validate(const cd_config_def_t *def, const cd_properties_t *props);
void cd_config_results_destroy(cd_config_results_t *results);
size_t cd_config_results_count(const cd_config_results_t *results);
cd_config_result_t *cd_config_results_at(cd_config_results_t *results, size_t i);
cd_config_result_t *cd_config_results_find(cd_config_results_t *results, const char *name);
/** @brief Appends a result for a key (e.g. one not in any definition); returns it. */
cd_config_result_t *cd_config_results_add(cd_config_results_t *results, const char *name,
                                          const char *value);
/** @brief Adds an error message to a result. */
void cd_config_result_add_error(cd_config_result_t *result, const char *message);
/** @returns the Java text of a parsed value as ConfigException prints it ("null",
 *  "[a, b]" for lists, "[hidden]" for passwords); malloc'd. */
char *cd_config_value_to_java_string(const cd_config_value_t *value);
/** @returns ConfigDef.convertToString of a parsed value (lists joined with ","),
 *  NULL for null; malloc'd. */
char *cd_config_value_convert_to_string(const cd_config_value_t *value);
/** @brief Parses one text as key @p key's type (ConfigDef.parseType; @p trim as Java
 *  trims strings) and runs the key's validator. @returns 0, or -1 with the
 *  ConfigException text; *out must be released with cd_config_value_clear. */
int cd_config_parse_value(const cd_config_key_t *key, const char *text, cd_config_value_t *out,
                          char *errstr, size_t errstr_size);
/** @brief Frees what cd_config_parse_value allocated inside @p value. */
void cd_config_value_clear(cd_config_value_t *value);

/** @brief Installs the check ConfigDef.parseType's Class.forName stands for: a CLASS
 *  value naming no known class fails with "Class X could not be found.". NULL (the
 *  default) accepts every name. */
void cd_config_set_class_resolver(bool (*class_exists)(const char *class_name));

/** @returns the total number of error messages. */
size_t cd_config_results_error_count(const cd_config_results_t *results);

#ifdef __cplusplus
}
#endif
#endif
