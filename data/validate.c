/* validate.c: ConnectSchema.validateValue, Struct.validate and the logical-type checks. */
#include "data/data_internal.h"

#include <stdio.h>
#include <string.h>

#define MS_PER_DAY 86400000LL

/**
 * Where a value sits, for messages ("element of array field: \"tags\""),
 * rendered only when a message needs it: a chain from the innermost prefix
 * out to the base (a field name, or the text "value").
 */
typedef struct location_s {
    const struct location_s *outer; /**< NULL for the base */
    const char *text;               /**< a prefix ("element of array "), or the base text */
    const char *field;              /**< base only: the field name (rendered field: "<name>") */
} location_t;

/** Appends @p s to @p out (@p size bytes, NUL-terminated), truncating as snprintf does. */
static void append_truncated(char *out, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + 1 >= size)
        return;
    if (n > size - 1 - *len)
        n = size - 1 - *len;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
}

/** Renders a location as the eager snprintf chain did (each level truncated to 511 bytes). */
static void location_render(const location_t *loc, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (; loc->outer; loc = loc->outer)
        append_truncated(out, size, &len, loc->text);
    if (loc->field) {
        append_truncated(out, size, &len, "field: \"");
        append_truncated(out, size, &len, loc->field);
        append_truncated(out, size, &len, "\"");
    } else {
        append_truncated(out, size, &len, loc->text);
    }
}

static int validate(const cd_schema_t *schema, const cd_value_t *value, const location_t *location,
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
                             const location_t *location, char *errstr, size_t errstr_size)
{
    char where[512];
    switch (cd_schema_type(schema)) {
    case CD_TYPE_STRUCT:
        if (!cd_schema_equals(cd_value_struct_schema(value), schema)) {
            snprintf(errstr, errstr_size, "Struct schemas do not match.");
            return -1;
        }
        return cd_value_struct_validate(value, errstr, errstr_size);
    case CD_TYPE_ARRAY: {
        location_t element = {location, "element of array ", NULL};
        if (!cd_schema_value_schema(schema)) {
            location_render(&element, where, sizeof(where));
            snprintf(errstr, errstr_size, "No schema defined for %s", where);
            return -1;
        }
        for (size_t i = 0; i < cd_value_array_size(value); i++)
            if (validate(cd_schema_value_schema(schema), cd_value_array_at(value, i), &element,
                         errstr, errstr_size) != 0)
                return -1;
        return 0;
    }
    case CD_TYPE_MAP: {
        location_t key_location = {location, "key of map ", NULL};
        location_t value_location = {location, "value of map ", NULL};
        if (!cd_schema_key_schema(schema)) {
            location_render(&key_location, where, sizeof(where));
            snprintf(errstr, errstr_size, "No schema defined for %s", where);
            return -1;
        }
        if (!cd_schema_value_schema(schema)) {
            location_render(&value_location, where, sizeof(where));
            snprintf(errstr, errstr_size, "No schema defined for %s", where);
            return -1;
        }
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            if (validate(cd_schema_key_schema(schema), cd_value_map_key_at(value, i), &key_location,
                         errstr, errstr_size) != 0 ||
                validate(cd_schema_value_schema(schema), cd_value_map_value_at(value, i),
                         &value_location, errstr, errstr_size) != 0)
                return -1;
        }
        return 0;
    }
    default:
        return 0;
    }
}

static int validate(const cd_schema_t *schema, const cd_value_t *value, const location_t *location,
                    char *errstr, size_t errstr_size)
{
    char where[512];
    if (!value) {
        if (cd_schema_is_optional(schema))
            return 0;
        location_render(location, where, sizeof(where));
        snprintf(errstr, errstr_size, "Invalid value: null used for required %s, schema type: %s",
                 where, cd_type_name(cd_schema_type(schema)));
        return -1;
    }
    if (!kind_matches(schema, cd_value_kind(value))) {
        const char *name = cd_schema_name(schema);
        location_render(location, where, sizeof(where));
        snprintf(errstr, errstr_size,
                 "Invalid Java object for schema%s%s%s with type %s: class %s for %s",
                 name ? " \"" : "", name ? name : "", name ? "\"" : "",
                 cd_type_name(cd_schema_type(schema)),
                 cd_value_kind_java_class(cd_value_kind(value)), where);
        return -1;
    }
    return validate_children(schema, value, location, errstr, errstr_size);
}

int cd_validate_value(const cd_schema_t *schema, const cd_value_t *value, char *errstr,
                      size_t errstr_size)
{
    location_t base = {NULL, "value", NULL};
    return validate(schema, value, &base, errstr, errstr_size);
}

int cd_validate_field_value(const char *field, const cd_schema_t *schema, const cd_value_t *value,
                            char *errstr, size_t errstr_size)
{
    location_t base = {NULL, field ? NULL : "value", field};
    return validate(schema, value, &base, errstr, errstr_size);
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
