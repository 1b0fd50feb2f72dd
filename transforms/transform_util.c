/*
 * transform_util.c: the key/value variant helpers, Requirements' checks and
 * SchemaUtil.copySchemaBasics shared by the built-in transformations.
 */
#include "transforms/transform_util.h"

#include <stdio.h>

const cd_schema_t *cd_transform_operating_schema(const cd_record_t *record,
                                                 cd_transform_target_t target)
{
    return target == CD_TRANSFORM_KEY ? cd_record_key_schema(record)
                                      : cd_record_value_schema(record);
}

const cd_value_t *cd_transform_operating_value(const cd_record_t *record,
                                               cd_transform_target_t target)
{
    return target == CD_TRANSFORM_KEY ? cd_record_key(record) : cd_record_value(record);
}

void cd_transform_set_operating(cd_record_t *record, cd_transform_target_t target,
                                const cd_schema_t *schema, cd_value_t *value)
{
    if (target == CD_TRANSFORM_KEY)
        cd_record_set_key(record, schema, value);
    else
        cd_record_set_value(record, schema, value);
}

const char *cd_transform_class_name(const cd_value_t *value)
{
    return value ? cd_value_kind_java_class(cd_value_kind(value)) : "null";
}

int cd_transform_require_schema(const cd_schema_t *schema, const char *purpose, char *errstr,
                                size_t errstr_size)
{
    if (schema)
        return 0;
    snprintf(errstr, errstr_size, "Schema required for [%s]", purpose);
    return -1;
}

int cd_transform_require_map(const cd_value_t *value, const char *purpose, char *errstr,
                             size_t errstr_size)
{
    if (value && cd_value_kind(value) == CD_VALUE_MAP)
        return 0;
    snprintf(errstr, errstr_size,
             "Only Map objects supported in absence of schema for [%s], found: %s", purpose,
             cd_transform_class_name(value));
    return -1;
}

int cd_transform_require_map_or_null(const cd_value_t *value, const char *purpose, char *errstr,
                                     size_t errstr_size)
{
    return value ? cd_transform_require_map(value, purpose, errstr, errstr_size) : 0;
}

int cd_transform_require_struct(const cd_value_t *value, const char *purpose, char *errstr,
                                size_t errstr_size)
{
    if (value && cd_value_kind(value) == CD_VALUE_STRUCT)
        return 0;
    snprintf(errstr, errstr_size, "Only Struct objects supported for [%s], found: %s", purpose,
             cd_transform_class_name(value));
    return -1;
}

int cd_transform_require_struct_or_null(const cd_value_t *value, const char *purpose, char *errstr,
                                        size_t errstr_size)
{
    return value ? cd_transform_require_struct(value, purpose, errstr, errstr_size) : 0;
}

int cd_transform_require_sink_record(const cd_record_t *record, const char *purpose, char *errstr,
                                     size_t errstr_size)
{
    if (cd_record_kafka_offset(record) >= 0)
        return 0;
    snprintf(errstr, errstr_size, "Only SinkRecord supported for [%s], found: %s", purpose,
             "org.apache.kafka.connect.source.SourceRecord");
    return -1;
}

void cd_transform_copy_schema_basics(const cd_schema_t *source, cd_schema_t *target)
{
    cd_schema_set_name(target, cd_schema_name(source));
    if (cd_schema_has_version(source))
        cd_schema_set_version(target, cd_schema_version(source));
    cd_schema_set_doc(target, cd_schema_doc(source));
    if (cd_schema_has_parameters(source)) {
        size_t n = cd_schema_parameter_count(source);
        if (n == 0)
            cd_schema_set_parameters_empty(target);
        for (size_t i = 0; i < n; i++)
            cd_schema_set_parameter(target, cd_schema_parameter_key(source, i),
                                    cd_schema_parameter_value(source, i));
    }
}
