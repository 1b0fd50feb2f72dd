/* schema.c: Connect schemas (SchemaBuilder / ConnectSchema). */
#include "data/data_internal.h"
#include "util/java_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[CD_TYPE_COUNT] = {
    "INT8",    "INT16",  "INT32", "INT64", "FLOAT32", "FLOAT64",
    "BOOLEAN", "STRING", "BYTES", "ARRAY", "MAP",     "STRUCT",
};
static const char *const type_json_names[CD_TYPE_COUNT] = {
    "int8",    "int16",  "int32", "int64", "float", "double",
    "boolean", "string", "bytes", "array", "map",   "struct",
};

const char *cd_type_name(cd_type_t type)
{
    return (unsigned)type < CD_TYPE_COUNT ? type_names[type] : "UNKNOWN";
}

const char *cd_type_json_name(cd_type_t type)
{
    return (unsigned)type < CD_TYPE_COUNT ? type_json_names[type] : "unknown";
}

bool cd_type_from_json_name(const char *name, cd_type_t *type)
{
    for (int i = 0; i < CD_TYPE_COUNT; i++) {
        if (strcmp(name, type_json_names[i]) == 0) {
            *type = (cd_type_t)i;
            return true;
        }
    }
    return false;
}

bool cd_type_is_primitive(cd_type_t type)
{
    return type != CD_TYPE_ARRAY && type != CD_TYPE_MAP && type != CD_TYPE_STRUCT;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

cd_schema_t *cd_schema_new(cd_type_t type)
{
    cd_schema_t *schema = calloc(1, sizeof(*schema));
    if (!schema)
        abort();
    schema->refcnt = 1;
    schema->type = type;
    return schema;
}

cd_schema_t *cd_schema_new_array(cd_schema_t *items)
{
    cd_schema_t *schema = cd_schema_new(CD_TYPE_ARRAY);
    schema->value_schema = items;
    return schema;
}

cd_schema_t *cd_schema_new_map(cd_schema_t *keys, cd_schema_t *values)
{
    cd_schema_t *schema = cd_schema_new(CD_TYPE_MAP);
    schema->key_schema = keys;
    schema->value_schema = values;
    return schema;
}

cd_schema_t *cd_schema_new_struct(void)
{
    return cd_schema_new(CD_TYPE_STRUCT);
}

static cd_schema_t *logical_schema(cd_type_t type, const char *name)
{
    cd_schema_t *schema = cd_schema_new(type);
    cd_schema_set_name(schema, name);
    cd_schema_set_version(schema, 1);
    return schema;
}

cd_schema_t *cd_schema_new_decimal(int32_t scale)
{
    char text[16];
    cd_schema_t *schema = logical_schema(CD_TYPE_BYTES, CD_LOGICAL_DECIMAL);
    snprintf(text, sizeof(text), "%d", (int)scale);
    cd_schema_set_parameter(schema, CD_DECIMAL_SCALE_PARAM, text);
    return schema;
}

cd_schema_t *cd_schema_new_date(void)
{
    return logical_schema(CD_TYPE_INT32, CD_LOGICAL_DATE);
}

cd_schema_t *cd_schema_new_time(void)
{
    return logical_schema(CD_TYPE_INT32, CD_LOGICAL_TIME);
}

cd_schema_t *cd_schema_new_timestamp(void)
{
    return logical_schema(CD_TYPE_INT64, CD_LOGICAL_TIMESTAMP);
}

int cd_schema_add_field(cd_schema_t *schema, const char *name, cd_schema_t *field_schema,
                        char *errstr, size_t errstr_size)
{
    if (schema->type != CD_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "Cannot create fields on type %s",
                 cd_type_name(schema->type));
        goto fail;
    }
    if (!name || !*name) {
        snprintf(errstr, errstr_size, "fieldName cannot be null.");
        goto fail;
    }
    if (cd_schema_field(schema, name)) {
        snprintf(errstr, errstr_size, "Cannot create field because of field name duplication %s",
                 name);
        goto fail;
    }
    if (schema->field_count == schema->field_cap) {
        size_t cap = schema->field_cap ? schema->field_cap * 2 : 4;
        cd_field_t *fields = realloc(schema->fields, cap * sizeof(*fields));
        if (!fields)
            abort();
        schema->fields = fields;
        schema->field_cap = cap;
    }
    cd_field_t *field = &schema->fields[schema->field_count];
    field->name = strdup(name);
    field->schema = field_schema;
    field->index = schema->field_count++;
    return 0;

fail:
    cd_schema_unref(field_schema);
    return -1;
}

void cd_schema_set_optional(cd_schema_t *schema, bool optional)
{
    schema->optional = optional;
}

void cd_schema_set_name(cd_schema_t *schema, const char *name)
{
    free(schema->name);
    schema->name = dup_or_null(name);
}

void cd_schema_set_version(cd_schema_t *schema, int32_t version)
{
    schema->has_version = true;
    schema->version = version;
}

void cd_schema_set_doc(cd_schema_t *schema, const char *doc)
{
    free(schema->doc);
    schema->doc = dup_or_null(doc);
}

void cd_schema_set_parameters_empty(cd_schema_t *schema)
{
    schema->has_parameters = true;
}

void cd_schema_set_parameter(cd_schema_t *schema, const char *key, const char *value)
{
    schema->has_parameters = true;
    for (size_t i = 0; i < schema->param_count; i++) {
        if (strcmp(schema->param_keys[i], key) == 0) {
            free(schema->param_values[i]);
            schema->param_values[i] = strdup(value);
            return;
        }
    }
    size_t n = schema->param_count + 1;
    char **keys = realloc(schema->param_keys, n * sizeof(*keys));
    if (!keys)
        abort();
    schema->param_keys = keys;
    char **values = realloc(schema->param_values, n * sizeof(*values));
    if (!values)
        abort();
    schema->param_values = values;
    keys[n - 1] = strdup(key);
    values[n - 1] = strdup(value);
    schema->param_count = n;
}

int cd_schema_set_default(cd_schema_t *schema, cd_value_t *value, char *errstr, size_t errstr_size)
{
    char cause[512];
    if (value && cd_validate_value(schema, value, cause, sizeof(cause)) != 0) {
        snprintf(errstr, errstr_size, "Invalid default value: %s", cause);
        cd_value_destroy(value);
        return -1;
    }
    cd_value_destroy(schema->default_value);
    schema->default_value = value;
    return 0;
}

cd_schema_t *cd_schema_ref(const cd_schema_t *schema)
{
    cd_schema_t *s = (cd_schema_t *)schema;
    if (s)
        __atomic_add_fetch(&s->refcnt, 1, __ATOMIC_RELAXED);
    return s;
}

void cd_schema_unref(cd_schema_t *schema)
{
    if (!schema || __atomic_sub_fetch(&schema->refcnt, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    free(schema->name);
    free(schema->doc);
    for (size_t i = 0; i < schema->param_count; i++) {
        free(schema->param_keys[i]);
        free(schema->param_values[i]);
    }
    free(schema->param_keys);
    free(schema->param_values);
    cd_value_destroy(schema->default_value);
    cd_schema_unref(schema->key_schema);
    cd_schema_unref(schema->value_schema);
    for (size_t i = 0; i < schema->field_count; i++) {
        free(schema->fields[i].name);
        cd_schema_unref(schema->fields[i].schema);
    }
    free(schema->fields);
    free(schema);
}

cd_type_t cd_schema_type(const cd_schema_t *schema)
{
    return schema->type;
}

bool cd_schema_is_optional(const cd_schema_t *schema)
{
    return schema->optional;
}

const char *cd_schema_name(const cd_schema_t *schema)
{
    return schema->name;
}

bool cd_schema_has_version(const cd_schema_t *schema)
{
    return schema->has_version;
}

int32_t cd_schema_version(const cd_schema_t *schema)
{
    return schema->version;
}

const char *cd_schema_doc(const cd_schema_t *schema)
{
    return schema->doc;
}

bool cd_schema_has_parameters(const cd_schema_t *schema)
{
    return schema->has_parameters;
}

size_t cd_schema_parameter_count(const cd_schema_t *schema)
{
    return schema->param_count;
}

const char *cd_schema_parameter_key(const cd_schema_t *schema, size_t i)
{
    return i < schema->param_count ? schema->param_keys[i] : NULL;
}

const char *cd_schema_parameter_value(const cd_schema_t *schema, size_t i)
{
    return i < schema->param_count ? schema->param_values[i] : NULL;
}

const char *cd_schema_parameter(const cd_schema_t *schema, const char *key)
{
    for (size_t i = 0; i < schema->param_count; i++)
        if (strcmp(schema->param_keys[i], key) == 0)
            return schema->param_values[i];
    return NULL;
}

const cd_value_t *cd_schema_default(const cd_schema_t *schema)
{
    return schema->default_value;
}

const cd_schema_t *cd_schema_value_schema(const cd_schema_t *schema)
{
    return schema->value_schema;
}

const cd_schema_t *cd_schema_key_schema(const cd_schema_t *schema)
{
    return schema->key_schema;
}

size_t cd_schema_field_count(const cd_schema_t *schema)
{
    return schema->field_count;
}

const cd_field_t *cd_schema_field_at(const cd_schema_t *schema, size_t index)
{
    return index < schema->field_count ? &schema->fields[index] : NULL;
}

const cd_field_t *cd_schema_field(const cd_schema_t *schema, const char *name)
{
    for (size_t i = 0; i < schema->field_count; i++)
        if (strcmp(schema->fields[i].name, name) == 0)
            return &schema->fields[i];
    return NULL;
}

const char *cd_field_name(const cd_field_t *field)
{
    return field->name;
}

const cd_schema_t *cd_field_schema(const cd_field_t *field)
{
    return field->schema;
}

size_t cd_field_index(const cd_field_t *field)
{
    return field->index;
}

cd_logical_t cd_schema_logical(const cd_schema_t *schema)
{
    if (!schema || !schema->name)
        return CD_LOGICAL_NONE;
    const char *n = schema->name;
    if (schema->type == CD_TYPE_BYTES && strcmp(n, CD_LOGICAL_DECIMAL) == 0)
        return CD_LOGICAL_KIND_DECIMAL;
    if (schema->type == CD_TYPE_INT32 && strcmp(n, CD_LOGICAL_DATE) == 0)
        return CD_LOGICAL_KIND_DATE;
    if (schema->type == CD_TYPE_INT32 && strcmp(n, CD_LOGICAL_TIME) == 0)
        return CD_LOGICAL_KIND_TIME;
    if (schema->type == CD_TYPE_INT64 && strcmp(n, CD_LOGICAL_TIMESTAMP) == 0)
        return CD_LOGICAL_KIND_TIMESTAMP;
    return CD_LOGICAL_NONE;
}

int32_t cd_schema_decimal_scale(const cd_schema_t *schema, bool *ok)
{
    int32_t scale = 0;
    /* Decimal.scale(): Integer.parseInt of the "scale" parameter. */
    *ok = cd_java_parse_int(cd_schema_parameter(schema, CD_DECIMAL_SCALE_PARAM), &scale);
    return *ok ? scale : 0;
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool params_equal(const cd_schema_t *a, const cd_schema_t *b)
{
    if (a->has_parameters != b->has_parameters || a->param_count != b->param_count)
        return false;
    for (size_t i = 0; i < a->param_count; i++) {
        const char *other = cd_schema_parameter(b, a->param_keys[i]);
        if (!other || strcmp(other, a->param_values[i]) != 0)
            return false;
    }
    return true;
}

bool cd_schema_equals(const cd_schema_t *a, const cd_schema_t *b)
{
    if (a == b)
        return true;
    if (!a || !b)
        return false;
    if (a->type != b->type || a->optional != b->optional || a->has_version != b->has_version ||
        (a->has_version && a->version != b->version) || !str_eq(a->name, b->name) ||
        !str_eq(a->doc, b->doc) || !params_equal(a, b) ||
        !cd_value_equals(a->default_value, b->default_value))
        return false;
    if (a->field_count != b->field_count)
        return false;
    for (size_t i = 0; i < a->field_count; i++) {
        if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
            !cd_schema_equals(a->fields[i].schema, b->fields[i].schema))
            return false;
    }
    return cd_schema_equals(a->key_schema, b->key_schema) &&
           cd_schema_equals(a->value_schema, b->value_schema);
}
