/*
 * extract_field.c: org.apache.kafka.connect.transforms.ExtractField$Key / $Value.
 * Replaces the key or value by one field of it (a Struct field with its schema, or
 * a Map entry when schemaless); `field.syntax.version=V2` reaches nested fields
 * with dotted paths; `replace.null.with.default` picks Struct.get or
 * getWithoutDefault for the extracted field. Null keys/values pass through.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_b_util.h"
#include "transforms/transform_util.h"

#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define EF_PURPOSE "field extraction"

static const cd_config_key_t ef_config_keys[] = {
    {.name = "field",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Field name to extract.",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = "replace.null.with.default",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = CD_SMTB_REPLACE_NULL_DOC,
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    CD_SMTB_FIELD_SYNTAX_VERSION_KEY,
    {.name = NULL},
};

typedef struct ef_state_s {
    cd_transform_target_t target;
    char *original_path;
    cd_smtb_path_t path;
    bool replace_null_with_default;
} ef_state_t;

static int ef_create(cd_transform_target_t target, const cd_properties_t *props, void **state,
                     char *errstr, size_t errstr_size)
{
    cd_smtb_config_t cfg;
    ef_state_t *st;
    *state = NULL;
    if (cd_smtb_config_parse(&cfg, ef_config_keys, props, errstr, errstr_size) != 0)
        return -1;
    st = calloc(1, sizeof(*st));
    if (!st)
        abort();
    st->target = target;
    st->original_path = cd_smtb_strdup(cd_config_get_string(cfg.config, "field"));
    st->replace_null_with_default = cd_config_get_bool(cfg.config, "replace.null.with.default");
    bool v2 = strcasecmp(cd_config_get_string(cfg.config, "field.syntax.version"), "V2") == 0;
    cd_smtb_config_clear(&cfg);
    if (cd_smtb_path_parse(&st->path, st->original_path, v2, errstr, errstr_size) != 0) {
        free(st->original_path);
        free(st);
        return -1;
    }
    *state = st;
    return 0;
}

static int ef_create_key(const cd_properties_t *props, void **state, char *errstr,
                         size_t errstr_size)
{
    return ef_create(CD_TRANSFORM_KEY, props, state, errstr, errstr_size);
}

static int ef_create_value(const cd_properties_t *props, void **state, char *errstr,
                           size_t errstr_size)
{
    return ef_create(CD_TRANSFORM_VALUE, props, state, errstr, errstr_size);
}

static void ef_destroy(void *state)
{
    ef_state_t *st = state;
    if (!st)
        return;
    cd_smtb_path_clear(&st->path);
    free(st->original_path);
    free(st);
}

static int ef_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    ef_state_t *st = state;
    const cd_schema_t *schema = cd_transform_operating_schema(*record, st->target);
    const cd_value_t *value = cd_transform_operating_value(*record, st->target);
    const cd_value_t *out = NULL;
    if (!schema) {
        if (cd_transform_require_map_or_null(value, EF_PURPOSE, errstr, errstr_size) != 0)
            return -1;
        if (value && cd_smtb_path_value_from_map(&st->path, value, &out, errstr, errstr_size))
            return -1;
        cd_transform_set_operating(*record, st->target, NULL, cd_value_copy(out));
        return 0;
    }
    const cd_field_t *field;
    if (cd_transform_require_struct_or_null(value, EF_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    if (cd_smtb_path_field_from(&st->path, schema, &field, errstr, errstr_size) != 0)
        return -1;
    if (!field) {
        snprintf(errstr, errstr_size, "Unknown field: %s", st->original_path);
        return -1;
    }
    if (value && cd_smtb_path_value_from_struct(&st->path, value, st->replace_null_with_default,
                                                &out, errstr, errstr_size) != 0)
        return -1;
    /* The field's schema belongs to the old schema: hold it while replacing. */
    cd_schema_t *fs = cd_schema_ref(cd_field_schema(field));
    cd_value_t *copy = cd_value_copy(out);
    cd_transform_set_operating(*record, st->target, fs, copy);
    cd_schema_unref(fs);
    return 0;
}

const cd_transform_plugin_t cd_transform_extract_field_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.ExtractField$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = ef_config_keys,
    .create = ef_create_key,
    .destroy = ef_destroy,
    .apply = ef_apply,
};

const cd_transform_plugin_t cd_transform_extract_field_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.ExtractField$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = ef_config_keys,
    .create = ef_create_value,
    .destroy = ef_destroy,
    .apply = ef_apply,
};
