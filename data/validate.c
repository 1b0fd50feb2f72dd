/* validate.c: ConnectSchema.validateValue, Struct.validate and the logical-type checks. */
#include "data/data_internal.h"

#include <stdio.h>
#include <string.h>

#define MS_PER_DAY 86400000LL

static int validate(const cd_schema_t *schema, const cd_value_t *value, const char *location,
                    char *errstr, size_t errstr_size);

/* Does the value's kind match the Java classes the schema expects? */
static bool kind_matches(const cd_schema_t *schema, cd_value_kind_t kind)
{
    /* Java picks the expected class by logical name alone; here the name counts only on its
     * physical type, so a value's kind always agrees with the schema type it is walked as. */
    switch (cd_schema_logical(schema)) {
    case CD_LOGICAL_KIND_DECIMAL:
        return kind == CD_VALUE_DECIMAL;
    case CD_LOGICAL_KIND_DATE:
    case CD_LOGICAL_KIND_TIME:
        return kind == CD_VALUE_DATE || kind == CD_VALUE_INT32;
    case CD_LOGICAL_KIND_TIMESTAMP:
        return kind == CD_VALUE_DATE || kind == CD_VALUE_INT64;
    case CD_LOGICAL_NONE:
        break;
    }
    switch (cd_schema_type(schema)) {
    case CD_TYPE_INT8:
        return kind == CD_VALUE_INT8;
    case CD_TYPE_INT16:
        return kind == CD_VALUE_INT16;
    case CD_TYPE_INT32:
        return kind == CD_VALUE_INT32;
    case CD_TYPE_INT64:
        return kind == CD_VALUE_INT64;
    case CD_TYPE_FLOAT32:
        return kind == CD_VALUE_FLOAT32;
    case CD_TYPE_FLOAT64:
        return kind == CD_VALUE_FLOAT64;
    case CD_TYPE_BOOLEAN:
        return kind == CD_VALUE_BOOLEAN;
    case CD_TYPE_STRING:
        return kind == CD_VALUE_STRING;
    case CD_TYPE_BYTES:
        return kind == CD_VALUE_BYTES;
    case CD_TYPE_ARRAY:
        return kind == CD_VALUE_ARRAY;
    case CD_TYPE_MAP:
        return kind == CD_VALUE_MAP;
    case CD_TYPE_STRUCT:
        return kind == CD_VALUE_STRUCT;
    }
    return false;
}

static int validate_children(const cd_schema_t *schema, const cd_value_t *value,
                             const char *location, char *errstr, size_t errstr_size)
{
    char child[512];
    switch (cd_schema_type(schema)) {
    case CD_TYPE_STRUCT:
        if (!cd_schema_equals(cd_value_struct_schema(value), schema)) {
            snprintf(errstr, errstr_size, "Struct schemas do not match.");
            return -1;
        }
        return cd_value_struct_validate(value, errstr, errstr_size);
    case CD_TYPE_ARRAY:
        snprintf(child, sizeof(child), "element of array %s", location);
        if (!cd_schema_value_schema(schema)) {
            snprintf(errstr, errstr_size, "No schema defined for %s", child);
            return -1;
        }
        for (size_t i = 0; i < cd_value_array_size(value); i++)
            if (validate(cd_schema_value_schema(schema), cd_value_array_at(value, i), child, errstr,
                         errstr_size) != 0)
                return -1;
        return 0;
    case CD_TYPE_MAP: {
        char value_location[512];
        snprintf(child, sizeof(child), "key of map %s", location);
        snprintf(value_location, sizeof(value_location), "value of map %s", location);
        if (!cd_schema_key_schema(schema)) {
            snprintf(errstr, errstr_size, "No schema defined for %s", child);
            return -1;
        }
        if (!cd_schema_value_schema(schema)) {
            snprintf(errstr, errstr_size, "No schema defined for %s", value_location);
            return -1;
        }
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            if (validate(cd_schema_key_schema(schema), cd_value_map_key_at(value, i), child, errstr,
                         errstr_size) != 0 ||
                validate(cd_schema_value_schema(schema), cd_value_map_value_at(value, i),
                         value_location, errstr, errstr_size) != 0)
                return -1;
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int validate(const cd_schema_t *schema, const cd_value_t *value, const char *location,
                    char *errstr, size_t errstr_size)
{
    if (!value) {
        if (cd_schema_is_optional(schema))
            return 0;
        snprintf(errstr, errstr_size, "Invalid value: null used for required %s, schema type: %s",
                 location, cd_type_name(cd_schema_type(schema)));
        return -1;
    }
    if (!kind_matches(schema, cd_value_kind(value))) {
        const char *name = cd_schema_name(schema);
        snprintf(errstr, errstr_size,
                 "Invalid Java object for schema%s%s%s with type %s: class %s for %s",
                 name ? " \"" : "", name ? name : "", name ? "\"" : "",
                 cd_type_name(cd_schema_type(schema)),
                 cd_value_kind_java_class(cd_value_kind(value)), location);
        return -1;
    }
    return validate_children(schema, value, location, errstr, errstr_size);
}

int cd_validate_value(const cd_schema_t *schema, const cd_value_t *value, char *errstr,
                      size_t errstr_size)
{
    return validate(schema, value, "value", errstr, errstr_size);
}

int cd_validate_field_value(const char *field, const cd_schema_t *schema, const cd_value_t *value,
                            char *errstr, size_t errstr_size)
{
    char location[512];
    if (!field)
        return validate(schema, value, "value", errstr, errstr_size);
    snprintf(location, sizeof(location), "field: \"%s\"", field);
    return validate(schema, value, location, errstr, errstr_size);
}

int cd_value_struct_validate(const cd_value_t *st, char *errstr, size_t errstr_size)
{
    const cd_schema_t *schema = cd_value_struct_schema(st);
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *field = cd_schema_field_at(schema, i);
        const cd_schema_t *fs = cd_field_schema(field);
        const cd_value_t *v = cd_value_struct_get_at(st, i);
        if (!v && (cd_schema_is_optional(fs) || cd_schema_default(fs)))
            continue;
        if (cd_validate_field_value(cd_field_name(field), fs, v, errstr, errstr_size) != 0)
            return -1;
    }
    return 0;
}

int cd_logical_date_to_days(int64_t epoch_ms, int32_t *days, char *errstr, size_t errstr_size)
{
    if (epoch_ms % MS_PER_DAY != 0) {
        snprintf(errstr, errstr_size,
                 "Kafka Connect Date type should not have any time fields set to non-zero values.");
        return -1;
    }
    *days = (int32_t)(epoch_ms / MS_PER_DAY);
    return 0;
}

int cd_logical_time_to_millis(int64_t epoch_ms, int32_t *millis, char *errstr, size_t errstr_size)
{
    if (epoch_ms < 0 || epoch_ms >= MS_PER_DAY) {
        snprintf(errstr, errstr_size,
                 "Kafka Connect Time type should not have any date fields set to non-zero values.");
        return -1;
    }
    *millis = (int32_t)epoch_ms;
    return 0;
}

int cd_logical_decimal_check_scale(const cd_schema_t *schema, const cd_value_t *decimal,
                                   char *errstr, size_t errstr_size)
{
    bool ok;
    int32_t scale = cd_schema_decimal_scale(schema, &ok);
    if (!ok) {
        snprintf(errstr, errstr_size, "Invalid Decimal schema: scale parameter not found.");
        return -1;
    }
    if (scale != cd_value_decimal_scale(decimal)) {
        snprintf(
            errstr, errstr_size,
            "Decimal value has mismatching scale for given Decimal schema. Schema has scale %d, "
            "value has scale %d.",
            (int)scale, (int)cd_value_decimal_scale(decimal));
        return -1;
    }
    return 0;
}
