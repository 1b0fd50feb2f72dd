/*
 * hoist_field.c: org.apache.kafka.connect.transforms.HoistField$Key / $Value.
 * Wraps the key or value in a Struct with one field named `field` (schema
 * present: struct{field: <old schema>}) or in a one-entry Map (schemaless).
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_b_util.h"
#include "transforms/transform_util.h"

#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>

static const cd_config_key_t hf_config_keys[] = {
    {.name = "field",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "Field name for the single field that will be created in the resulting Struct or Map.",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = NULL},
};

typedef struct hf_state_s {
    cd_transform_target_t target;
    char *field;
    /* one-entry cache: the last input schema and its wrapper */
    cd_schema_t *cached_in;
    cd_schema_t *cached_out;
} hf_state_t;

static int hf_create(cd_transform_target_t target, const cd_properties_t *props, void **state,
                     char *errstr, size_t errstr_size)
{
    cd_smtb_config_t cfg;
    hf_state_t *st;
    *state = NULL;
    if (cd_smtb_config_parse(&cfg, hf_config_keys, props, errstr, errstr_size) != 0)
        return -1;
    st = calloc(1, sizeof(*st));
    if (!st)
        abort();
    st->target = target;
    st->field = cd_smtb_strdup(cd_config_get_string(cfg.config, "field"));
    cd_smtb_config_clear(&cfg);
    *state = st;
    return 0;
}

static int hf_create_key(const cd_properties_t *props, void **state, char *errstr,
                         size_t errstr_size)
{
    return hf_create(CD_TRANSFORM_KEY, props, state, errstr, errstr_size);
}

static int hf_create_value(const cd_properties_t *props, void **state, char *errstr,
                           size_t errstr_size)
{
    return hf_create(CD_TRANSFORM_VALUE, props, state, errstr, errstr_size);
}

static void hf_destroy(void *state)
{
    hf_state_t *st = state;
    if (!st)
        return;
    cd_schema_unref(st->cached_in);
    cd_schema_unref(st->cached_out);
    free(st->field);
    free(st);
}

static int hf_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    hf_state_t *st = state;
    const cd_schema_t *schema = cd_transform_operating_schema(*record, st->target);
    const cd_value_t *value = cd_transform_operating_value(*record, st->target);
    if (!schema) {
        cd_value_t *map = cd_value_new_map();
        cd_value_map_put(map, cd_value_new_cstring(st->field), cd_value_copy(value));
        cd_transform_set_operating(*record, st->target, NULL, map);
        return 0;
    }
    if (!st->cached_in || !cd_schema_equals(st->cached_in, schema)) {
        cd_schema_t *out = cd_schema_new_struct();
        if (cd_schema_add_field(out, st->field, cd_schema_ref(schema), errstr, errstr_size)) {
            cd_schema_unref(out);
            return -1;
        }
        cd_schema_unref(st->cached_in);
        cd_schema_unref(st->cached_out);
        st->cached_in = cd_schema_ref(schema);
        st->cached_out = out;
    }
    cd_value_t *wrapped = cd_value_new_struct(st->cached_out);
    if (cd_value_struct_put(wrapped, st->field, cd_value_copy(value), errstr, errstr_size) != 0) {
        cd_value_destroy(wrapped);
        return -1;
    }
    cd_transform_set_operating(*record, st->target, st->cached_out, wrapped);
    return 0;
}

const cd_transform_plugin_t cd_transform_hoist_field_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.HoistField$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = hf_config_keys,
    .create = hf_create_key,
    .destroy = hf_destroy,
    .apply = hf_apply,
};

const cd_transform_plugin_t cd_transform_hoist_field_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.HoistField$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = hf_config_keys,
    .create = hf_create_value,
    .destroy = hf_destroy,
    .apply = hf_apply,
};
