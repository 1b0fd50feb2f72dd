/**
 * @file data.h
 * @brief The Connect data model: schemas, values, structs, logical types.
 *
 * The C counterpart of org.apache.kafka.connect.data (Schema, SchemaBuilder,
 * ConnectSchema, Struct, Decimal, Date, Time, Timestamp).
 *
 * Ownership rules (the whole API follows them):
 *  - Schemas are reference counted. A function that "takes" a schema consumes
 *    one reference of the caller's; cd_schema_ref() adds one. Build a schema
 *    completely before sharing it: schemas are not changed after that.
 *  - Values are trees with a single owner. A function that "takes" a value
 *    owns it afterwards, also when it fails. A NULL cd_value_t pointer is the
 *    Connect null.
 *  - Logical values have kinds of their own, as in Java: Date, Time and
 *    Timestamp values are CD_VALUE_DATE (a java.util.Date: milliseconds since
 *    the epoch, UTC), Decimal values are CD_VALUE_DECIMAL (a BigDecimal:
 *    unscaled two's-complement big-endian bytes + scale). Converters turn
 *    them into their physical encodings (Date.fromLogical etc.), see the
 *    cd_logical_* helpers. Validation also accepts the physical kind (INT32
 *    for Date/Time, INT64 for Timestamp) where Java would not, for leniency.
 */
#ifndef CONNECTD_DATA_H
#define CONNECTD_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Connect schema types, in Java's Schema.Type order. */
typedef enum cd_type_e {
    CD_TYPE_INT8,
    CD_TYPE_INT16,
    CD_TYPE_INT32,
    CD_TYPE_INT64,
    CD_TYPE_FLOAT32,
    CD_TYPE_FLOAT64,
    CD_TYPE_BOOLEAN,
    CD_TYPE_STRING,
    CD_TYPE_BYTES,
    CD_TYPE_ARRAY,
    CD_TYPE_MAP,
    CD_TYPE_STRUCT,
} cd_type_t;

#define CD_TYPE_COUNT 12

/** @returns Java's Schema.Type name: "INT8" … "STRUCT". */
const char *cd_type_name(cd_type_t type);
/** @returns the lower-case name used by JsonConverter and Values ("int8", "float", …). */
const char *cd_type_json_name(cd_type_t type);
/** @returns true and sets *type for a name accepted by cd_type_json_name(). */
bool cd_type_from_json_name(const char *name, cd_type_t *type);
/** @returns true for every type but ARRAY, MAP and STRUCT. */
bool cd_type_is_primitive(cd_type_t type);

/** Logical type names, as Java's Decimal.LOGICAL_NAME etc. */
#define CD_LOGICAL_DECIMAL "org.apache.kafka.connect.data.Decimal"
#define CD_LOGICAL_DATE "org.apache.kafka.connect.data.Date"
#define CD_LOGICAL_TIME "org.apache.kafka.connect.data.Time"
#define CD_LOGICAL_TIMESTAMP "org.apache.kafka.connect.data.Timestamp"
/** The Decimal schema parameter holding the scale. */
#define CD_DECIMAL_SCALE_PARAM "scale"

typedef enum cd_logical_e {
    CD_LOGICAL_NONE,
    CD_LOGICAL_KIND_DECIMAL,
    CD_LOGICAL_KIND_DATE,
    CD_LOGICAL_KIND_TIME,
    CD_LOGICAL_KIND_TIMESTAMP,
} cd_logical_t;

typedef struct cd_schema_s cd_schema_t;
typedef struct cd_field_s cd_field_t;
typedef struct cd_value_s cd_value_t;

/* ------------------------------------------------------------------ */
/* Schemas                                                              */
/* ------------------------------------------------------------------ */

/** @brief A new schema of a primitive type (refcount 1), required, unnamed. */
cd_schema_t *cd_schema_new(cd_type_t type);
/** @brief A new ARRAY schema; takes @p items. */
cd_schema_t *cd_schema_new_array(cd_schema_t *items);
/** @brief A new MAP schema; takes @p keys and @p values. */
cd_schema_t *cd_schema_new_map(cd_schema_t *keys, cd_schema_t *values);
/** @brief A new STRUCT schema with no fields yet. */
cd_schema_t *cd_schema_new_struct(void);

/** Logical schemas, as Decimal.schema(scale), Date.SCHEMA, Time.SCHEMA, Timestamp.SCHEMA. */
cd_schema_t *cd_schema_new_decimal(int32_t scale);
cd_schema_t *cd_schema_new_date(void);
cd_schema_t *cd_schema_new_time(void);
cd_schema_t *cd_schema_new_timestamp(void);

/** @brief Adds a field to a STRUCT schema; takes @p field_schema.
 *  @returns 0, or -1 with Java's message on a duplicate name or non-struct. */
int cd_schema_add_field(cd_schema_t *schema, const char *name, cd_schema_t *field_schema,
                        char *errstr, size_t errstr_size);
void cd_schema_set_optional(cd_schema_t *schema, bool optional);
void cd_schema_set_name(cd_schema_t *schema, const char *name);
void cd_schema_set_version(cd_schema_t *schema, int32_t version);
void cd_schema_set_doc(cd_schema_t *schema, const char *doc);
/** @brief Sets a parameter; parameters keep their first insertion order. */
void cd_schema_set_parameter(cd_schema_t *schema, const char *key, const char *value);
/** @brief Sets the default value after validating it; takes @p value (also on error).
 *  @returns 0, or -1 with SchemaBuilder's message. */
int cd_schema_set_default(cd_schema_t *schema, cd_value_t *value, char *errstr, size_t errstr_size);

cd_schema_t *cd_schema_ref(const cd_schema_t *schema);
void cd_schema_unref(cd_schema_t *schema);

cd_type_t cd_schema_type(const cd_schema_t *schema);
bool cd_schema_is_optional(const cd_schema_t *schema);
/** @returns the name or NULL. */
const char *cd_schema_name(const cd_schema_t *schema);
bool cd_schema_has_version(const cd_schema_t *schema);
int32_t cd_schema_version(const cd_schema_t *schema);
/** @returns the doc or NULL. */
const char *cd_schema_doc(const cd_schema_t *schema);
/** @returns true if parameters were set (even an empty set, as Java's non-null map). */
bool cd_schema_has_parameters(const cd_schema_t *schema);
size_t cd_schema_parameter_count(const cd_schema_t *schema);
const char *cd_schema_parameter_key(const cd_schema_t *schema, size_t i);
const char *cd_schema_parameter_value(const cd_schema_t *schema, size_t i);
/** @returns the parameter's value or NULL. */
const char *cd_schema_parameter(const cd_schema_t *schema, const char *key);
/** @brief Marks the parameter map as present but empty (Java's `"parameters":{}`). */
void cd_schema_set_parameters_empty(cd_schema_t *schema);
/** @returns true if a default is set; the default may be the Connect null only
 *  when has_default is false, so a NULL return of cd_schema_default() means "none". */
const cd_value_t *cd_schema_default(const cd_schema_t *schema);

/** ARRAY items / MAP values. */
const cd_schema_t *cd_schema_value_schema(const cd_schema_t *schema);
/** MAP keys. */
const cd_schema_t *cd_schema_key_schema(const cd_schema_t *schema);

size_t cd_schema_field_count(const cd_schema_t *schema);
const cd_field_t *cd_schema_field_at(const cd_schema_t *schema, size_t index);
/** @returns the field or NULL. */
const cd_field_t *cd_schema_field(const cd_schema_t *schema, const char *name);
const char *cd_field_name(const cd_field_t *field);
const cd_schema_t *cd_field_schema(const cd_field_t *field);
size_t cd_field_index(const cd_field_t *field);

/** @returns the logical type named by the schema (name plus matching physical type). */
cd_logical_t cd_schema_logical(const cd_schema_t *schema);
/** @returns the Decimal scale parameter; 0 with *ok=false if absent or invalid. */
int32_t cd_schema_decimal_scale(const cd_schema_t *schema, bool *ok);

/** @brief ConnectSchema.equals(): type, optional, name, version, doc,
 *  parameters, default, fields, key and value schemas. NULL equals NULL. */
bool cd_schema_equals(const cd_schema_t *a, const cd_schema_t *b);

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

/** The kind of a value: its runtime class, as in Java's expected classes. */
typedef enum cd_value_kind_e {
    CD_VALUE_INT8,
    CD_VALUE_INT16,
    CD_VALUE_INT32,
    CD_VALUE_INT64,
    CD_VALUE_FLOAT32,
    CD_VALUE_FLOAT64,
    CD_VALUE_BOOLEAN,
    CD_VALUE_STRING,
    CD_VALUE_BYTES,
    CD_VALUE_ARRAY,
    CD_VALUE_MAP,
    CD_VALUE_STRUCT,
    CD_VALUE_DECIMAL,
    CD_VALUE_DATE,
} cd_value_kind_t;

/** @returns the Java class a value of this kind stands for, e.g. "java.lang.String". */
const char *cd_value_kind_java_class(cd_value_kind_t kind);

cd_value_t *cd_value_new_int8(int8_t v);
cd_value_t *cd_value_new_int16(int16_t v);
cd_value_t *cd_value_new_int32(int32_t v);
cd_value_t *cd_value_new_int64(int64_t v);
cd_value_t *cd_value_new_float32(float v);
cd_value_t *cd_value_new_float64(double v);
cd_value_t *cd_value_new_boolean(bool v);
/** @brief A STRING value; copies @p len bytes of UTF-8 (need not be NUL-terminated). */
cd_value_t *cd_value_new_string(const char *s, size_t len);
cd_value_t *cd_value_new_cstring(const char *s);
/** @brief A BYTES value; copies @p len bytes. */
cd_value_t *cd_value_new_bytes(const void *data, size_t len);
cd_value_t *cd_value_new_array(void);
cd_value_t *cd_value_new_map(void);
/** @brief A struct value of a STRUCT schema (referenced); every field null. */
cd_value_t *cd_value_new_struct(const cd_schema_t *schema);
/** @brief A decimal from unscaled two's-complement big-endian bytes (copied). */
cd_value_t *cd_value_new_decimal(const uint8_t *unscaled, size_t len, int32_t scale);
/** @brief A decimal from a plain decimal string such as "-12.340" or "1E+3".
 *  @returns NULL if the text is not a number. */
cd_value_t *cd_value_new_decimal_from_string(const char *text, size_t len);

/** @brief A java.util.Date: milliseconds since the epoch (Date, Time, Timestamp values). */
cd_value_t *cd_value_new_date(int64_t epoch_ms);

void cd_value_destroy(cd_value_t *value);
cd_value_t *cd_value_copy(const cd_value_t *value);
/** @brief Deep equality (Java equals, arrays of bytes by content, decimals by
 *  BigDecimal.equals: same unscaled value and scale). NULL equals NULL. */
bool cd_value_equals(const cd_value_t *a, const cd_value_t *b);

cd_value_kind_t cd_value_kind(const cd_value_t *value);
/** Primitive getters: the value must be of that kind. */
int8_t cd_value_int8(const cd_value_t *value);
int16_t cd_value_int16(const cd_value_t *value);
int32_t cd_value_int32(const cd_value_t *value);
int64_t cd_value_int64(const cd_value_t *value);
float cd_value_float32(const cd_value_t *value);
double cd_value_float64(const cd_value_t *value);
bool cd_value_boolean(const cd_value_t *value);
/** @returns the NUL-terminated string; its byte length in *len if non-NULL. */
const char *cd_value_string(const cd_value_t *value, size_t *len);
const uint8_t *cd_value_bytes(const cd_value_t *value, size_t *len);
/** @returns any integer kind widened to int64 (for INT8…INT64). */
int64_t cd_value_as_int64(const cd_value_t *value);

/** @brief Appends @p elem (taken; may be NULL) to an array. */
void cd_value_array_append(cd_value_t *array, cd_value_t *elem);
size_t cd_value_array_size(const cd_value_t *array);
const cd_value_t *cd_value_array_at(const cd_value_t *array, size_t i);
/** @brief Removes and returns element @p i, leaving null in its place. */
cd_value_t *cd_value_array_take(cd_value_t *array, size_t i);

/** @brief Puts a map entry, taking both; an equal existing key is replaced (Java Map.put). */
void cd_value_map_put(cd_value_t *map, cd_value_t *key, cd_value_t *val);
/** @brief Appends without looking for an equal key (caller knows keys are unique). */
void cd_value_map_append(cd_value_t *map, cd_value_t *key, cd_value_t *val);
size_t cd_value_map_size(const cd_value_t *map);
const cd_value_t *cd_value_map_key_at(const cd_value_t *map, size_t i);
const cd_value_t *cd_value_map_value_at(const cd_value_t *map, size_t i);
/** @returns the value under a STRING key, or NULL (absent or null). */
const cd_value_t *cd_value_map_get_str(const cd_value_t *map, const char *key);
/** @brief Reorders entries into the iteration order of a java.util.HashMap
 *  holding the same keys (inserted in the current order). Used where Java
 *  builds a HashMap, so output that iterates the map matches Java's bytes. */
void cd_value_map_sort_java_hash_order(cd_value_t *map);

const cd_schema_t *cd_value_struct_schema(const cd_value_t *st);
/** @brief Struct.put(name, value): validates against the field schema; takes @p val.
 *  @returns 0, or -1 with Java's DataException message. */
int cd_value_struct_put(cd_value_t *st, const char *field, cd_value_t *val, char *errstr,
                        size_t errstr_size);
/** @brief Sets field @p index without validation; takes @p val. */
void cd_value_struct_set(cd_value_t *st, size_t index, cd_value_t *val);
/** @returns the field's value (NULL = null), without applying defaults. */
const cd_value_t *cd_value_struct_get_at(const cd_value_t *st, size_t index);
/** @returns the field's value, or NULL for null or for an unknown field. */
const cd_value_t *cd_value_struct_get(const cd_value_t *st, const char *field);
/** @brief Struct.validate(): every field valid for its schema. */
int cd_value_struct_validate(const cd_value_t *st, char *errstr, size_t errstr_size);

/** @returns the milliseconds since the epoch of a CD_VALUE_DATE. */
int64_t cd_value_date_ms(const cd_value_t *value);

const uint8_t *cd_value_decimal_unscaled(const cd_value_t *value, size_t *len);
int32_t cd_value_decimal_scale(const cd_value_t *value);
/** @brief Writes BigDecimal.toString() (scientific when Java uses it) into @p buf.
 *  @returns the length that was needed (like snprintf). */
size_t cd_value_decimal_to_string(const cd_value_t *value, char *buf, size_t size);
/** @brief Writes BigDecimal.toPlainString() into @p buf. @returns the needed length. */
size_t cd_value_decimal_to_plain_string(const cd_value_t *value, char *buf, size_t size);

/* ------------------------------------------------------------------ */
/* Logical conversions (Date/Time/Timestamp/Decimal fromLogical/toLogical) */
/* ------------------------------------------------------------------ */

/** @brief Date.fromLogical: days since the epoch; -1 with Java's message if the
 *  time of day is not zero. */
int cd_logical_date_to_days(int64_t epoch_ms, int32_t *days, char *errstr, size_t errstr_size);
/** @brief Time.fromLogical: ms since midnight; -1 with Java's message if the date part is set. */
int cd_logical_time_to_millis(int64_t epoch_ms, int32_t *millis, char *errstr, size_t errstr_size);
/** @brief Decimal.fromLogical: the unscaled bytes, checking the schema's scale
 *  ("BigDecimal has mismatching scale value for given Decimal schema"). */
int cd_logical_decimal_check_scale(const cd_schema_t *schema, const cd_value_t *decimal,
                                   char *errstr, size_t errstr_size);

/* ------------------------------------------------------------------ */
/* Validation                                                           */
/* ------------------------------------------------------------------ */

/** @brief ConnectSchema.validateValue(schema, value): does @p value fit @p schema?
 *  @returns 0, or -1 with Java's DataException message in errstr. */
int cd_validate_value(const cd_schema_t *schema, const cd_value_t *value, char *errstr,
                      size_t errstr_size);
/** @brief As cd_validate_value() for a named struct field ("field: \"name\""). */
int cd_validate_field_value(const char *field, const cd_schema_t *schema, const cd_value_t *value,
                            char *errstr, size_t errstr_size);

/** A schema and a value, as Java's SchemaAndValue. Both owned by whoever holds it. */
typedef struct cd_schema_and_value_s {
    cd_schema_t *schema; /**< NULL = no schema */
    cd_value_t *value;   /**< NULL = null */
} cd_schema_and_value_t;

/** @brief Releases both members and sets them to NULL. */
void cd_schema_and_value_clear(cd_schema_and_value_t *sv);

#ifdef __cplusplus
}
#endif
#endif
