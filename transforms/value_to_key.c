/*
 * value_to_key.c: org.apache.kafka.connect.transforms.ValueToKey. Replaces the
 * key by a Struct (schema present: fields copied from the value's schema) or a
 * HashMap (schemaless) holding the listed `fields` of the value.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_b_util.h"
#include "transforms/transform_util.h"

#include <connectd/properties.h>
#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VK_PURPOSE "copying fields from value to key"

static const cd_config_key_t vk_config_keys[] = {
    {.name = "fields",
     .type = CD_CONFIG_LIST,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_VALID_LIST},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Field names on the record value to extract as the record key.",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = "replace.null.with.default",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = CD_SMTB_REPLACE_NULL_DOC,
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = NULL},
};

typedef struct vk_state_s {
    char **fields;
    size_t count;
    bool replace_null_with_default;
    cd_schema_t *cached_in;
    cd_schema_t *cached_out;
} vk_state_t;

static void vk_destroy(void *state)
{
    vk_state_t *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->count; i++)
        free(st->fields[i]);
    free(st->fields);
    cd_schema_unref(st->cached_in);
    cd_schema_unref(st->cached_out);
    free(st);
}

/* ValidList.anyNonDuplicateValues sees the list as given (duplicates included). */
static int vk_check_duplicates(const cd_properties_t *props, char *errstr, size_t errstr_size)
{
    const char *raw = cd_properties_get(props, "fields");
    cd_config_value_t parsed;
    static const cd_config_key_t plain = {.name = "fields", .type = CD_CONFIG_LIST};
    int dup = 0;
    if (!raw || cd_config_parse_value(&plain, raw, &parsed, errstr, errstr_size) != 0)
        return 0; /* the real parse reports it */
    for (size_t i = 0; i < parsed.list_count && !dup; i++)
        for (size_t j = i + 1; j < parsed.list_count && !dup; j++)
            dup = strcmp(parsed.list[i], parsed.list[j]) == 0;
    cd_config_value_clear(&parsed);
    if (!dup)
        return 0;
    snprintf(errstr, errstr_size, "Configuration 'fields' values must not be duplicated.");
    return -1;
}

static int vk_create(const cd_properties_t *props, void **state, char *errstr, size_t errstr_size)
{
    cd_smtb_config_t cfg;
    vk_state_t *st;
    const char *const *list;
    *state = NULL;
    if (vk_check_duplicates(props, errstr, errstr_size) != 0)
        return -1;
    if (cd_smtb_config_parse(&cfg, vk_config_keys, props, errstr, errstr_size) != 0)
        return -1;
    st = calloc(1, sizeof(*st));
    if (!st)
        abort();
    list = cd_config_get_list(cfg.config, "fields", &st->count);
    st->fields = calloc(st->count + 1, sizeof(*st->fields));
    if (!st->fields)
        abort();
    for (size_t i = 0; i < st->count; i++)
        st->fields[i] = cd_smtb_strdup(list[i]);
    st->replace_null_with_default = cd_config_get_bool(cfg.config, "replace.null.with.default");
    cd_smtb_config_clear(&cfg);
    *state = st;
    return 0;
}

static int vk_apply_schemaless(vk_state_t *st, cd_record_t *record, char *errstr,
                               size_t errstr_size)
{
    const cd_value_t *value = cd_record_value(record);
    cd_value_t *key;
    if (cd_transform_require_map(value, VK_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    key = cd_value_new_map();
    for (size_t i = 0; i < st->count; i++)
        cd_value_map_put(key, cd_value_new_cstring(st->fields[i]),
                         cd_value_copy(cd_value_map_get_str(value, st->fields[i])));
    key = cd_smtb_map_hash_ordered(key, cd_smtb_table_size_for(st->count));
    cd_record_set_key(record, NULL, key);
    return 0;
}

static int vk_apply_schema(vk_state_t *st, cd_record_t *record, char *errstr, size_t errstr_size)
{
    const cd_value_t *value = cd_record_value(record);
    const cd_schema_t *vs;
    cd_value_t *key;
    if (cd_transform_require_struct(value, VK_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    vs = cd_value_struct_schema(value);
    if (!st->cached_in || !cd_schema_equals(st->cached_in, vs)) {
        cd_schema_t *ks = cd_schema_new_struct();
        for (size_t i = 0; i < st->count; i++) {
            const cd_field_t *f = cd_schema_field(vs, st->fields[i]);
            if (!f) {
                snprintf(errstr, errstr_size, "Field does not exist: %s", st->fields[i]);
                cd_schema_unref(ks);
                return -1;
            }
            if (cd_schema_add_field(ks, st->fields[i], cd_schema_ref(cd_field_schema(f)), errstr,
                                    errstr_size) != 0) {
                cd_schema_unref(ks);
                return -1;
            }
        }
        cd_schema_unref(st->cached_in);
        cd_schema_unref(st->cached_out);
        st->cached_in = cd_schema_ref(vs);
        st->cached_out = ks;
    }
    key = cd_value_new_struct(st->cached_out);
    for (size_t i = 0; i < st->count; i++) {
        const cd_field_t *f = cd_schema_field(vs, st->fields[i]);
        const cd_value_t *v = cd_smtb_struct_get(value, f, st->replace_null_with_default);
        if (cd_value_struct_put(key, st->fields[i], cd_value_copy(v), errstr, errstr_size) != 0) {
            cd_value_destroy(key);
            return -1;
        }
    }
    cd_record_set_key(record, st->cached_out, key);
    return 0;
}

static int vk_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    vk_state_t *st = state;
    if (!cd_record_value_schema(*record))
        return vk_apply_schemaless(st, *record, errstr, errstr_size);
    return vk_apply_schema(st, *record, errstr, errstr_size);
}

const cd_transform_plugin_t cd_transform_value_to_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.ValueToKey",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = vk_config_keys,
    .create = vk_create,
    .destroy = vk_destroy,
    .apply = vk_apply,
};
