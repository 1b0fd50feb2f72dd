/*
 * mask_field.c: org.apache.kafka.connect.transforms.MaskField ($Key / $Value).
 *
 * Replaces the listed fields with the "null value" of their class (0, false,
 * "", empty list/map, epoch Date, BigDecimal.ZERO) or, with `replacement`, with
 * that text converted as Values.convertToXxx / new BigDecimal do. Honours
 * `replace.null.with.default`; schemaless output is a HashMap (Java's order).
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_a_util.h"
#include "transforms/transform_util.h"

#include <connectd/config_def.h>
#include <connectd/properties.h>
#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PURPOSE "mask fields"

typedef struct mask_field_s {
    cd_transform_target_t target;
    char **fields;
    size_t n_fields;
    size_t *order;     /* fields in the iteration order of Java's HashSet */
    char *replacement; /* NULL = mask with the class's null value */
    bool replace_null_with_default;
} mask_field_t;

static int fields_validator(const char *name, const cd_config_value_t *value, char *errstr,
                            size_t errstr_size)
{
    (void)name;
    return cd_smta_validate_unique_list("fields", false, value, errstr, errstr_size);
}

static const cd_config_key_t mask_field_config_keys[] = {
    {.name = "fields",
     .type = CD_CONFIG_LIST,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM, .custom = fields_validator, .description = ""},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Names of fields to mask.",
     .order_in_group = -1},
    {.name = "replacement",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Custom value replacement, that will be applied to all 'fields' values "
                      "(numeric or non-empty string values only).",
     .order_in_group = -1},
    {.name = "replace.null.with.default",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Whether to replace fields that have a default value and that are null to "
                      "the default value. When set to true, the default value is used, otherwise "
                      "null is used.",
     .order_in_group = -1},
    {.name = NULL},
};

static void mf_destroy(void *state)
{
    mask_field_t *m = state;
    if (!m)
        return;
    for (size_t i = 0; m->fields && i < m->n_fields; i++)
        free(m->fields[i]);
    free(m->fields);
    free(m->order);
    free(m->replacement);
    free(m);
}

static int mf_create(const cd_properties_t *props, void **state, cd_transform_target_t target,
                     char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_t *config;
    mask_field_t *m;
    const char *const *list;
    const char *repl;
    size_t n;
    cd_config_def_add_table(def, mask_field_config_keys);
    config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config) {
        cd_config_def_destroy(def);
        return -1;
    }
    m = calloc(1, sizeof(*m));
    if (!m)
        goto oom;
    m->target = target;
    list = cd_config_get_list(config, "fields", &n);
    m->fields = calloc(n + 1, sizeof(*m->fields));
    if (!m->fields)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        size_t j;
        for (j = 0; j < m->n_fields; j++)
            if (strcmp(m->fields[j], list[i]) == 0)
                break;
        if (j == m->n_fields && !(m->fields[m->n_fields++] = strdup(list[i])))
            goto oom;
    }
    m->order = calloc(m->n_fields + 1, sizeof(*m->order));
    if (!m->order)
        goto oom;
    cd_smta_java_string_order(m->fields, m->n_fields, m->order);
    repl = cd_config_get_string(config, "replacement");
    if (repl && !(m->replacement = strdup(repl)))
        goto oom;
    m->replace_null_with_default = cd_config_get_bool(config, "replace.null.with.default");
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    *state = m;
    return 0;
oom:
    mf_destroy(m);
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    snprintf(errstr, errstr_size, "out of memory");
    return -1;
}

static int mf_create_key(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return mf_create(p, s, CD_TRANSFORM_KEY, e, es);
}

static int mf_create_value(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return mf_create(p, s, CD_TRANSFORM_VALUE, e, es);
}

static bool is_masked(const mask_field_t *m, const char *name)
{
    for (size_t i = 0; i < m->n_fields; i++)
        if (strcmp(m->fields[i], name) == 0)
            return true;
    return false;
}

/* maskWithNullValue */
static int mask_null(const cd_value_t *v, cd_value_t **out, char *errstr, size_t errstr_size)
{
    static const uint8_t zero = 0;
    switch (cd_value_kind(v)) {
    case CD_VALUE_BOOLEAN:
        *out = cd_value_new_boolean(false);
        return 0;
    case CD_VALUE_INT8:
        *out = cd_value_new_int8(0);
        return 0;
    case CD_VALUE_INT16:
        *out = cd_value_new_int16(0);
        return 0;
    case CD_VALUE_INT32:
        *out = cd_value_new_int32(0);
        return 0;
    case CD_VALUE_INT64:
        *out = cd_value_new_int64(0);
        return 0;
    case CD_VALUE_FLOAT32:
        *out = cd_value_new_float32(0.f);
        return 0;
    case CD_VALUE_FLOAT64:
        *out = cd_value_new_float64(0.);
        return 0;
    case CD_VALUE_DECIMAL:
        *out = cd_value_new_decimal(&zero, 1, 0);
        return 0;
    case CD_VALUE_DATE:
        *out = cd_value_new_date(0);
        return 0;
    case CD_VALUE_STRING:
        *out = cd_value_new_cstring("");
        return 0;
    case CD_VALUE_ARRAY:
        *out = cd_value_new_array();
        return 0;
    case CD_VALUE_MAP:
        *out = cd_value_new_map();
        return 0;
    default:
        snprintf(errstr, errstr_size, "Cannot mask value of type: class %s",
                 cd_transform_class_name(v));
        return -1;
    }
}

/* maskWithCustomReplacement */
static int mask_custom(const cd_value_t *v, const char *repl, cd_value_t **out, char *errstr,
                       size_t errstr_size)
{
    cd_value_kind_t k = cd_value_kind(v);
    cd_value_t *dec;
    switch (k) {
    case CD_VALUE_STRING:
        *out = cd_value_new_cstring(repl);
        return 0;
    case CD_VALUE_DECIMAL:
        *out = cd_value_new_decimal_from_string(repl, strlen(repl));
        if (*out)
            return 0;
        snprintf(errstr, errstr_size, "Unable to convert %s (class java.lang.String) to number",
                 repl);
        return -1;
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
    case CD_VALUE_FLOAT32:
    case CD_VALUE_FLOAT64:
        /* Values.asLong / asDouble: new BigDecimal(text).longValue() / doubleValue() */
        dec = cd_value_new_decimal_from_string(repl, strlen(repl));
        if (!dec) {
            snprintf(errstr, errstr_size,
                     "Unable to convert %s (class java.lang.String) to a number", repl);
            return -1;
        }
        if (k == CD_VALUE_INT8)
            *out = cd_value_new_int8((int8_t)(uint8_t)(uint64_t)cd_smta_number_long(dec));
        else if (k == CD_VALUE_INT16)
            *out = cd_value_new_int16((int16_t)(uint16_t)(uint64_t)cd_smta_number_long(dec));
        else if (k == CD_VALUE_INT32)
            *out = cd_value_new_int32((int32_t)(uint32_t)(uint64_t)cd_smta_number_long(dec));
        else if (k == CD_VALUE_INT64)
            *out = cd_value_new_int64(cd_smta_number_long(dec));
        else if (k == CD_VALUE_FLOAT32)
            *out = cd_value_new_float32((float)cd_smta_number_double(dec));
        else
            *out = cd_value_new_float64(cd_smta_number_double(dec));
        cd_value_destroy(dec);
        return 0;
    default:
        snprintf(errstr, errstr_size, "Cannot mask value of type class %s with custom replacement.",
                 cd_transform_class_name(v));
        return -1;
    }
}

static int masked(const mask_field_t *m, const cd_value_t *v, cd_value_t **out, char *errstr,
                  size_t errstr_size)
{
    *out = NULL;
    if (!v)
        return 0;
    return m->replacement ? mask_custom(v, m->replacement, out, errstr, errstr_size)
                          : mask_null(v, out, errstr, errstr_size);
}

static int mf_apply(void *state, cd_record_t **recordp, char *errstr, size_t errstr_size)
{
    mask_field_t *m = state;
    cd_record_t *record = *recordp;
    const cd_value_t *value = cd_transform_operating_value(record, m->target);
    const cd_schema_t *schema = cd_transform_operating_schema(record, m->target);
    cd_value_t *out = NULL;
    if (!schema) {
        if (cd_transform_require_map(value, PURPOSE, errstr, errstr_size) != 0)
            return -1;
        /* new HashMap<>(value), then put every masked field (HashSet order) */
        out = cd_value_copy(value);
        for (size_t o = 0; o < m->n_fields; o++) {
            size_t i = m->order[o];
            cd_value_t *nv;
            if (masked(m, cd_value_map_get_str(value, m->fields[i]), &nv, errstr, errstr_size) != 0)
                goto fail;
            cd_value_map_put(out, cd_value_new_cstring(m->fields[i]), nv);
        }
        out = cd_smta_java_hash_order(out, cd_smta_hashmap_cap_copy(cd_value_map_size(value)));
        cd_transform_set_operating(record, m->target, NULL, out);
        return 0;
    }
    if (cd_transform_require_struct(value, PURPOSE, errstr, errstr_size) != 0)
        return -1;
    const cd_schema_t *vs = cd_value_struct_schema(value);
    out = cd_value_new_struct(vs);
    for (size_t i = 0; i < cd_schema_field_count(vs); i++) {
        const cd_field_t *f = cd_schema_field_at(vs, i);
        const cd_value_t *orig = cd_smta_struct_get(value, f, m->replace_null_with_default);
        cd_value_t *nv;
        if (is_masked(m, cd_field_name(f))) {
            if (masked(m, orig, &nv, errstr, errstr_size) != 0)
                goto fail;
        } else {
            nv = cd_value_copy(orig);
        }
        if (cd_value_struct_put(out, cd_field_name(f), nv, errstr, errstr_size) != 0)
            goto fail;
    }
    cd_transform_set_operating(record, m->target, schema, out);
    return 0;
fail:
    cd_value_destroy(out);
    return -1;
}

const cd_transform_plugin_t cd_transform_mask_field_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.MaskField$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = mask_field_config_keys,
    .create = mf_create_key,
    .destroy = mf_destroy,
    .apply = mf_apply,
};

const cd_transform_plugin_t cd_transform_mask_field_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.MaskField$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = mask_field_config_keys,
    .create = mf_create_value,
    .destroy = mf_destroy,
    .apply = mf_apply,
};
