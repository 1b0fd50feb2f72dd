/**
 * @file transform_util.h
 * @brief What the built-in transformations share: the key/value variants
 *        (Java's $Key/$Value nested classes), Requirements' checks with
 *        Java's DataException texts, and SchemaUtil.copySchemaBasics.
 */
#ifndef CONNECTD_TRANSFORMS_TRANSFORM_UTIL_H
#define CONNECTD_TRANSFORMS_TRANSFORM_UTIL_H

#include <connectd/data.h>
#include <connectd/record.h>

#include <stdbool.h>
#include <stddef.h>

/** Which part of the record a $Key / $Value variant operates on. */
typedef enum cd_transform_target_e {
    CD_TRANSFORM_KEY,
    CD_TRANSFORM_VALUE,
} cd_transform_target_t;

/** operatingSchema(record) */
const cd_schema_t *cd_transform_operating_schema(const cd_record_t *record,
                                                 cd_transform_target_t target);
/** operatingValue(record) */
const cd_value_t *cd_transform_operating_value(const cd_record_t *record,
                                               cd_transform_target_t target);
/** newRecord(record, schema, value): replaces the key or the value; refs @p schema,
 *  takes @p value. */
void cd_transform_set_operating(cd_record_t *record, cd_transform_target_t target,
                                const cd_schema_t *schema, cd_value_t *value);

/** Requirements.requireSchema: "Schema required for [<purpose>]". @returns 0 or -1. */
int cd_transform_require_schema(const cd_schema_t *schema, const char *purpose, char *errstr,
                                size_t errstr_size);
/** Requirements.requireMap: "Only Map objects supported in absence of schema for
 *  [<purpose>], found: <class or null>". @returns 0 or -1. */
int cd_transform_require_map(const cd_value_t *value, const char *purpose, char *errstr,
                             size_t errstr_size);
/** Requirements.requireMapOrNull: as requireMap, a null value passes. */
int cd_transform_require_map_or_null(const cd_value_t *value, const char *purpose, char *errstr,
                                     size_t errstr_size);
/** Requirements.requireStruct: "Only Struct objects supported for [<purpose>], found:
 *  <class or null>". @returns 0 or -1. */
int cd_transform_require_struct(const cd_value_t *value, const char *purpose, char *errstr,
                                size_t errstr_size);
/** Requirements.requireStructOrNull. */
int cd_transform_require_struct_or_null(const cd_value_t *value, const char *purpose, char *errstr,
                                        size_t errstr_size);
/** Requirements.requireSinkRecord: "Only SinkRecord supported for [<purpose>], found:
 *  <class>" (a record without a Kafka offset is a SourceRecord). */
int cd_transform_require_sink_record(const cd_record_t *record, const char *purpose, char *errstr,
                                     size_t errstr_size);

/** Java's nullSafeClassName(value): the value's Java class, or "null". */
const char *cd_transform_class_name(const cd_value_t *value);

/** SchemaUtil.copySchemaBasics(source, builder): name, version, doc, parameters of
 *  @p source onto @p target (not optional, not the default). */
void cd_transform_copy_schema_basics(const cd_schema_t *source, cd_schema_t *target);

#endif
