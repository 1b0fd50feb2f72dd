/*
 * header_from.c: org.apache.kafka.connect.transforms.HeaderFrom$Key / $Value:
 * copies or moves the fields `fields` of the key/value into the headers
 * `headers` (pairwise). With a schema the operating value must be a Struct;
 * `move` drops the fields from the schema (copySchemaBasics: name, version,
 * doc, parameters, never optional). Without a schema the value must be a Map
 * (rebuilt as Java's HashMap). `replace.null.with.default` chooses
 * Struct.get (defaults applied) or getWithoutDefault.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_c_util.h"
#include "transforms/transform_util.h"

#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const header_from_operations[] = {"move", "copy", NULL};

static const cd_config_key_t header_from_keys[] = {
    {.name = "fields",
     .type = CD_CONFIG_LIST,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = cd_smtc_non_empty_list_validator,
                   .description = "non-empty list"},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Field names in the record whose values are to be copied or moved to "
                      "headers.",
     .order_in_group = -1},
    {.name = "headers",
     .type = CD_CONFIG_LIST,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = cd_smtc_non_empty_list_validator,
                   .description = "non-empty list"},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Header names, in the same order as the field names listed in the fields "
                      "configuration property.",
     .order_in_group = -1},
    {.name = "operation",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = header_from_operations},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Either <code>move</code> if the fields are to be moved to the headers "
                      "(removed from the key/value), or <code>copy</code> if the fields are to be "
                      "copied to the headers (retained in the key/value).",
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

typedef struct header_from_s {
    cd_transform_target_t target;
    char **fields;
    char **headers;
    size_t count;
    bool move;
    bool replace_null_with_default;
} header_from_t;

static void header_from_destroy(void *state)
{
    header_from_t *hf = state;
    if (!hf)
        return;
    cd_smtc_strv_free(hf->fields);
    cd_smtc_strv_free(hf->headers);
    free(hf);
}

static int header_from_create(const cd_properties_t *props, cd_transform_target_t target,
                              void **state, char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(header_from_keys, props, &def, errstr, errstr_size);
    header_from_t *hf = NULL;
    size_t nf = 0, nh = 0;
    if (!config)
        return -1;
    const char *const *fields = cd_config_get_list(config, "fields", &nf);
    const char *const *headers = cd_config_get_list(config, "headers", &nh);
    if (nf != nh) {
        snprintf(errstr, errstr_size,
                 "'fields' config must have the same number of elements as 'headers' config.");
        goto fail;
    }
    hf = calloc(1, sizeof(*hf));
    if (!hf || !(hf->fields = cd_smtc_strv_copy(fields, nf)) ||
        !(hf->headers = cd_smtc_strv_copy(headers, nh))) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    hf->target = target;
    hf->count = nf;
    hf->move = strcmp(cd_config_get_string(config, "operation"), "move") == 0;
    hf->replace_null_with_default = cd_config_get_bool(config, "replace.null.with.default");
    cd_smtc_parsed_free(config, def);
    *state = hf;
    return 0;
fail:
    cd_smtc_parsed_free(config, def);
    header_from_destroy(hf);
    return -1;
}

static int header_from_create_key(const cd_properties_t *props, void **state, char *errstr,
                                  size_t errstr_size)
{
    return header_from_create(props, CD_TRANSFORM_KEY, state, errstr, errstr_size);
}

static int header_from_create_value(const cd_properties_t *props, void **state, char *errstr,
                                    size_t errstr_size)
{
    return header_from_create(props, CD_TRANSFORM_VALUE, state, errstr, errstr_size);
}

static bool is_moved(const header_from_t *hf, const char *name)
{
    for (size_t i = 0; i < hf->count; i++)
        if (strcmp(hf->fields[i], name) == 0)
            return true;
    return false;
}

/* getFieldValue(struct, field) */
static const cd_value_t *field_value(const header_from_t *hf, const cd_value_t *st,
                                     const cd_field_t *field)
{
    const cd_value_t *v = cd_value_struct_get_at(st, cd_field_index(field));
    if (!v && hf->replace_null_with_default)
        v = cd_schema_default(cd_field_schema(field));
    return v;
}

static cd_value_t *copy_or_null(const cd_value_t *v)
{
    return v ? cd_value_copy(v) : NULL;
}

static int apply_with_schema(header_from_t *hf, cd_record_t *record, const cd_schema_t *schema,
                             const cd_value_t *value, char *errstr, size_t errstr_size)
{
    const char *purpose = hf->move ? "header move" : "header copy";
    cd_schema_t *moved = NULL;
    cd_value_t *updated = NULL;
    if (cd_transform_require_struct(value, purpose, errstr, errstr_size))
        return -1;
    const cd_schema_t *vschema = cd_value_struct_schema(value);
    /* Java checks every header's field before touching the record. */
    for (size_t i = 0; i < hf->count; i++) {
        if (!cd_schema_field(schema, hf->fields[i])) {
            snprintf(errstr, errstr_size,
                     "Cannot invoke \"org.apache.kafka.connect.data.Field.schema()\" because the "
                     "return value of \"org.apache.kafka.connect.data.Schema.field(String)\" is "
                     "null");
            return -1;
        }
    }
    if (hf->move) {
        moved = cd_schema_new_struct();
        if (!moved)
            goto oom;
        cd_transform_copy_schema_basics(schema, moved);
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_field_t *f = cd_schema_field_at(schema, i);
            if (is_moved(hf, cd_field_name(f)))
                continue;
            if (cd_schema_add_field(moved, cd_field_name(f), cd_schema_ref(cd_field_schema(f)),
                                    errstr, errstr_size))
                goto fail;
        }
        updated = cd_value_new_struct(moved);
        if (!updated)
            goto oom;
        for (size_t i = 0; i < cd_schema_field_count(moved); i++) {
            const cd_field_t *f = cd_schema_field_at(moved, i);
            const cd_field_t *src = cd_schema_field(vschema, cd_field_name(f));
            const cd_value_t *v = src ? field_value(hf, value, src) : NULL;
            if (cd_value_struct_put(updated, cd_field_name(f), copy_or_null(v), errstr,
                                    errstr_size))
                goto fail;
        }
    }
    cd_headers_t *headers = cd_record_headers(record);
    for (size_t i = 0; i < hf->count; i++) {
        const cd_field_t *vf = cd_schema_field(vschema, hf->fields[i]);
        const cd_value_t *v = vf ? field_value(hf, value, vf) : NULL;
        cd_headers_add(headers, hf->headers[i],
                       cd_field_schema(cd_schema_field(schema, hf->fields[i])), copy_or_null(v));
    }
    if (hf->move) {
        cd_transform_set_operating(record, hf->target, moved, updated);
        cd_schema_unref(moved);
    }
    return 0;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    cd_value_destroy(updated);
    cd_schema_unref(moved);
    return -1;
}

static int apply_schemaless(header_from_t *hf, cd_record_t *record, const cd_value_t *value,
                            char *errstr, size_t errstr_size)
{
    const char *purpose = hf->move ? "header move" : "header copy";
    if (cd_transform_require_map(value, purpose, errstr, errstr_size))
        return -1;
    cd_value_t *updated = cd_value_new_map();
    if (!updated) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    for (size_t i = 0; i < cd_value_map_size(value); i++) {
        const cd_value_t *k = cd_value_map_key_at(value, i);
        if (hf->move && k && cd_value_kind(k) == CD_VALUE_STRING &&
            is_moved(hf, cd_value_string(k, NULL)))
            continue;
        cd_value_map_append(updated, copy_or_null(k),
                            copy_or_null(cd_value_map_value_at(value, i)));
    }
    cd_value_map_sort_java_hash_order(updated);
    cd_headers_t *headers = cd_record_headers(record);
    for (size_t i = 0; i < hf->count; i++)
        cd_headers_add(headers, hf->headers[i], NULL,
                       copy_or_null(cd_value_map_get_str(value, hf->fields[i])));
    cd_transform_set_operating(record, hf->target, NULL, updated);
    return 0;
}

static int header_from_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    header_from_t *hf = state;
    const cd_schema_t *schema = cd_transform_operating_schema(*record, hf->target);
    const cd_value_t *value = cd_transform_operating_value(*record, hf->target);
    if (schema)
        return apply_with_schema(hf, *record, schema, value, errstr, errstr_size);
    return apply_schemaless(hf, *record, value, errstr, errstr_size);
}

const cd_transform_plugin_t cd_transform_header_from_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.HeaderFrom$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = header_from_keys,
    .create = header_from_create_key,
    .destroy = header_from_destroy,
    .apply = header_from_apply,
};

const cd_transform_plugin_t cd_transform_header_from_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.HeaderFrom$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = header_from_keys,
    .create = header_from_create_value,
    .destroy = header_from_destroy,
    .apply = header_from_apply,
};
