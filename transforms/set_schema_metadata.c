/*
 * set_schema_metadata.c: org.apache.kafka.connect.transforms.SetSchemaMetadata
 * ($Key / $Value).
 *
 * Sets the name and/or version of the key or value schema (a new ConnectSchema
 * with everything else kept), and rebuilds a Struct value on the new schema
 * (honouring `replace.null.with.default`). Schemaless non-null values are
 * refused ("Schema required for [updating schema metadata]").
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

typedef struct ssm_s {
    cd_transform_target_t target;
    char *name;
    bool has_version;
    int32_t version;
    bool replace_null_with_default;
} ssm_t;

static const cd_config_key_t ssm_config_keys[] = {
    {.name = "schema.name",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Schema name to set.",
     .order_in_group = -1},
    {.name = "schema.version",
     .type = CD_CONFIG_INT,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Schema version to set.",
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

static void ssm_destroy(void *state)
{
    ssm_t *s = state;
    if (!s)
        return;
    free(s->name);
    free(s);
}

static int ssm_create(const cd_properties_t *props, void **state, cd_transform_target_t target,
                      char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_t *config;
    ssm_t *s;
    const char *name;
    const cd_config_value_t *ver;
    cd_config_def_add_table(def, ssm_config_keys);
    config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config) {
        cd_config_def_destroy(def);
        return -1;
    }
    s = calloc(1, sizeof(*s));
    if (!s) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    s->target = target;
    name = cd_config_get_string(config, "schema.name");
    if (name && !(s->name = strdup(name))) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    ver = cd_config_get(config, "schema.version");
    if (ver && !ver->is_null) {
        s->has_version = true;
        s->version = (int32_t)ver->i;
    }
    s->replace_null_with_default = cd_config_get_bool(config, "replace.null.with.default");
    if (!s->name && !s->has_version) {
        snprintf(errstr, errstr_size, "Neither schema name nor version configured");
        goto fail;
    }
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    *state = s;
    return 0;
fail:
    ssm_destroy(s);
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    return -1;
}

static int ssm_create_key(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return ssm_create(p, s, CD_TRANSFORM_KEY, e, es);
}

static int ssm_create_value(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return ssm_create(p, s, CD_TRANSFORM_VALUE, e, es);
}

static int ssm_apply(void *state, cd_record_t **recordp, char *errstr, size_t errstr_size)
{
    ssm_t *s = state;
    cd_record_t *record = *recordp;
    const cd_value_t *value = cd_transform_operating_value(record, s->target);
    const cd_schema_t *schema = cd_transform_operating_schema(record, s->target);
    cd_schema_t *updated;
    cd_value_t *out;
    if (!value && !schema)
        return 0;
    if (cd_transform_require_schema(schema, "updating schema metadata", errstr, errstr_size) != 0)
        return -1;
    /* schema.fields() is read for every schema: ConnectSchema refuses non-structs */
    if (cd_schema_type(schema) != CD_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "Cannot list fields on non-struct type");
        return -1;
    }
    /* new ConnectSchema(type, optional, default, name, version, doc, parameters, fields, ...) */
    updated = cd_smta_copy_schema_basics_new(schema);
    if (!updated) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    if (s->name)
        cd_schema_set_name(updated, s->name);
    if (s->has_version)
        cd_schema_set_version(updated, s->version);
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *f = cd_schema_field_at(schema, i);
        if (cd_schema_add_field(updated, cd_field_name(f), cd_schema_ref(cd_field_schema(f)),
                                errstr, errstr_size) != 0)
            goto fail;
    }
    if (cd_schema_is_optional(schema))
        cd_schema_set_optional(updated, true);
    if (cd_schema_default(schema)) {
        char ignored[256];
        /* Java's ConnectSchema constructor does not validate the default; a Struct
         * default keeps its old schema, which connectd cannot attach: it is dropped. */
        (void)cd_schema_set_default(updated, cd_value_copy(cd_schema_default(schema)), ignored,
                                    sizeof(ignored));
    }
    if (value && cd_value_kind(value) == CD_VALUE_STRUCT) {
        const cd_value_t *orig = value;
        out = cd_value_new_struct(updated);
        for (size_t i = 0; i < cd_schema_field_count(updated); i++) {
            const cd_field_t *f = cd_schema_field_at(updated, i);
            const cd_value_t *v;
            const cd_field_t *of = cd_schema_field(cd_value_struct_schema(orig), cd_field_name(f));
            if (!of) {
                snprintf(errstr, errstr_size, "%s is not a valid field name", cd_field_name(f));
                cd_value_destroy(out);
                goto fail;
            }
            v = cd_value_struct_get_at(orig, cd_field_index(of));
            if (!v && s->replace_null_with_default)
                v = cd_schema_default(cd_field_schema(f));
            if (cd_value_struct_put(out, cd_field_name(f), cd_value_copy(v), errstr, errstr_size) !=
                0) {
                cd_value_destroy(out);
                goto fail;
            }
        }
    } else {
        out = cd_value_copy(value);
    }
    cd_transform_set_operating(record, s->target, updated, out);
    cd_schema_unref(updated);
    return 0;
fail:
    cd_schema_unref(updated);
    return -1;
}

const cd_transform_plugin_t cd_transform_set_schema_metadata_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.SetSchemaMetadata$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = ssm_config_keys,
    .create = ssm_create_key,
    .destroy = ssm_destroy,
    .apply = ssm_apply,
};

const cd_transform_plugin_t cd_transform_set_schema_metadata_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = ssm_config_keys,
    .create = ssm_create_value,
    .destroy = ssm_destroy,
    .apply = ssm_apply,
};
