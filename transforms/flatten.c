/*
 * flatten.c: org.apache.kafka.connect.transforms.Flatten ($Key / $Value).
 *
 * Flattens nested Structs (with schema) or Maps (schemaless) into one level,
 * joining field names with `delimiter`. With a schema, flattened fields become
 * optional when an ancestor is optional and inherit defaults from ancestor
 * defaults, as Java's buildUpdatedSchema; arrays are copied unchanged and MAP
 * fields are refused. Schemaless output keeps insertion order (LinkedHashMap).
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

#define PURPOSE "flattening"
#define MAX_DEPTH 256

typedef struct flatten_s {
    cd_transform_target_t target;
    char *delimiter;
    cd_schema_t *cache_in, *cache_out;
} flatten_t;

static const cd_config_key_t flatten_config_keys[] = {
    {.name = "delimiter",
     .type = CD_CONFIG_STRING,
     .default_value = ".",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Delimiter to insert between field names from the input record when "
                      "generating field names for the output record",
     .order_in_group = -1},
    {.name = NULL},
};

static int flatten_create(const cd_properties_t *props, void **state, cd_transform_target_t target,
                          char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_t *config;
    flatten_t *f;
    const char *d;
    cd_config_def_add_table(def, flatten_config_keys);
    config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config) {
        cd_config_def_destroy(def);
        return -1;
    }
    f = calloc(1, sizeof(*f));
    d = cd_config_get_string(config, "delimiter");
    if (f)
        f->delimiter = strdup(d ? d : "null");
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    if (!f || !f->delimiter) {
        free(f);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    f->target = target;
    *state = f;
    return 0;
}

static int flatten_create_key(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return flatten_create(p, s, CD_TRANSFORM_KEY, e, es);
}

static int flatten_create_value(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return flatten_create(p, s, CD_TRANSFORM_VALUE, e, es);
}

static void flatten_destroy(void *state)
{
    flatten_t *f = state;
    if (!f)
        return;
    free(f->delimiter);
    cd_schema_unref(f->cache_in);
    cd_schema_unref(f->cache_out);
    free(f);
}

/* fieldName(prefix, name): malloc'd */
static char *field_name(const flatten_t *f, const char *prefix, const char *name)
{
    size_t n;
    char *s;
    if (!*prefix)
        return strdup(name);
    n = strlen(prefix) + strlen(f->delimiter) + strlen(name) + 1;
    s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", prefix, f->delimiter, name);
    return s;
}

static int schemaless(const flatten_t *f, const cd_value_t *map, const char *prefix,
                      cd_value_t *out, int depth, char *errstr, size_t errstr_size)
{
    if (depth > MAX_DEPTH) {
        snprintf(errstr, errstr_size, "Flatten: nesting deeper than %d levels", MAX_DEPTH);
        return -1;
    }
    for (size_t i = 0; i < cd_value_map_size(map); i++) {
        const cd_value_t *k = cd_value_map_key_at(map, i);
        const cd_value_t *v = cd_value_map_value_at(map, i);
        char *name;
        if (!k || cd_value_kind(k) != CD_VALUE_STRING) {
            snprintf(errstr, errstr_size, "class %s cannot be cast to class java.lang.String",
                     cd_transform_class_name(k));
            return -1;
        }
        name = field_name(f, prefix, cd_value_string(k, NULL));
        if (!name)
            return -1;
        if (!v) {
            cd_value_map_put(out, cd_value_new_cstring(name), NULL);
            free(name);
            continue;
        }
        switch (cd_value_kind(v)) {
        case CD_VALUE_MAP:
            if (schemaless(f, v, name, out, depth + 1, errstr, errstr_size) != 0) {
                free(name);
                return -1;
            }
            break;
        case CD_VALUE_STRUCT:
            snprintf(errstr, errstr_size,
                     "Flatten transformation does not support class %s for record without "
                     "schemas (for field %s).",
                     cd_transform_class_name(v), name);
            free(name);
            return -1;
        case CD_VALUE_DECIMAL:
        case CD_VALUE_DATE:
            snprintf(errstr, errstr_size,
                     "Flatten transformation was passed a value of type class %s which is not "
                     "supported by Connect's data API",
                     cd_transform_class_name(v));
            free(name);
            return -1;
        default:
            cd_value_map_put(out, cd_value_new_cstring(name), cd_value_copy(v));
            break;
        }
        free(name);
    }
    return 0;
}

static int build_schema(const flatten_t *f, const cd_schema_t *schema, const char *prefix,
                        cd_schema_t *out, bool optional, const cd_value_t *parent_default,
                        int depth, char *errstr, size_t errstr_size)
{
    if (depth > MAX_DEPTH) {
        snprintf(errstr, errstr_size, "Flatten: nesting deeper than %d levels", MAX_DEPTH);
        return -1;
    }
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *fld = cd_schema_field_at(schema, i);
        const cd_schema_t *fs = cd_field_schema(fld);
        bool fopt = optional || cd_schema_is_optional(fs);
        const cd_value_t *fdef = NULL;
        char *name = field_name(f, prefix, cd_field_name(fld));
        int rc = 0;
        if (!name)
            return -1;
        if (cd_schema_default(fs))
            fdef = cd_schema_default(fs);
        else if (parent_default)
            fdef = cd_smta_struct_get(parent_default, fld, true);
        switch (cd_schema_type(fs)) {
        case CD_TYPE_STRUCT:
            rc = build_schema(f, fs, name, out, fopt, fdef, depth + 1, errstr, errstr_size);
            break;
        case CD_TYPE_MAP:
            snprintf(errstr, errstr_size,
                     "Flatten transformation does not support MAP for record with schemas (for "
                     "field %s).",
                     name);
            rc = -1;
            break;
        default: {
            cd_schema_t *ns = cd_smta_copy_schema_basics_new(fs);
            if (fopt)
                cd_schema_set_optional(ns, true);
            if (fdef && cd_schema_set_default(ns, cd_value_copy(fdef), errstr, errstr_size) != 0) {
                cd_schema_unref(ns);
                rc = -1;
                break;
            }
            rc = cd_schema_add_field(out, name, ns, errstr, errstr_size);
            break;
        }
        }
        free(name);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int build_value(const flatten_t *f, const cd_value_t *st, const char *prefix,
                       cd_value_t *out, int depth, char *errstr, size_t errstr_size)
{
    const cd_schema_t *schema;
    if (!st)
        return 0;
    if (depth > MAX_DEPTH || cd_value_kind(st) != CD_VALUE_STRUCT) {
        snprintf(errstr, errstr_size, "Flatten: unexpected nested value");
        return -1;
    }
    schema = cd_value_struct_schema(st);
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *fld = cd_schema_field_at(schema, i);
        char *name = field_name(f, prefix, cd_field_name(fld));
        const cd_value_t *v = cd_smta_struct_get(st, fld, true);
        int rc;
        if (!name)
            return -1;
        switch (cd_schema_type(cd_field_schema(fld))) {
        case CD_TYPE_STRUCT:
            rc = build_value(f, v, name, out, depth + 1, errstr, errstr_size);
            break;
        case CD_TYPE_MAP:
            snprintf(errstr, errstr_size,
                     "Flatten transformation does not support MAP for record with schemas (for "
                     "field %s).",
                     name);
            rc = -1;
            break;
        default:
            rc = cd_value_struct_put(out, name, cd_value_copy(v), errstr, errstr_size);
            break;
        }
        free(name);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int flatten_apply(void *state, cd_record_t **recordp, char *errstr, size_t errstr_size)
{
    flatten_t *f = state;
    cd_record_t *record = *recordp;
    const cd_value_t *value = cd_transform_operating_value(record, f->target);
    const cd_schema_t *schema = cd_transform_operating_schema(record, f->target);
    cd_value_t *out = NULL;
    if (!value)
        return 0;
    if (!schema) {
        if (cd_transform_require_map(value, PURPOSE, errstr, errstr_size) != 0)
            return -1;
        out = cd_value_new_map();
        if (schemaless(f, value, "", out, 0, errstr, errstr_size) != 0)
            goto fail;
        cd_transform_set_operating(record, f->target, NULL, out);
        return 0;
    }
    if (cd_transform_require_struct_or_null(value, PURPOSE, errstr, errstr_size) != 0)
        return -1;
    if (!f->cache_in || !cd_schema_equals(f->cache_in, schema)) {
        cd_schema_t *s = cd_schema_new_struct();
        const cd_value_t *def = cd_schema_default(schema);
        cd_transform_copy_schema_basics(schema, s);
        if (build_schema(f, schema, "", s, cd_schema_is_optional(schema),
                         def && cd_value_kind(def) == CD_VALUE_STRUCT ? def : NULL, 0, errstr,
                         errstr_size) != 0) {
            cd_schema_unref(s);
            return -1;
        }
        cd_schema_unref(f->cache_in);
        cd_schema_unref(f->cache_out);
        f->cache_in = cd_schema_ref(schema);
        f->cache_out = s;
    }
    out = cd_value_new_struct(f->cache_out);
    if (build_value(f, value, "", out, 0, errstr, errstr_size) != 0)
        goto fail;
    cd_transform_set_operating(record, f->target, f->cache_out, out);
    return 0;
fail:
    cd_value_destroy(out);
    return -1;
}

const cd_transform_plugin_t cd_transform_flatten_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.Flatten$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = flatten_config_keys,
    .create = flatten_create_key,
    .destroy = flatten_destroy,
    .apply = flatten_apply,
};

const cd_transform_plugin_t cd_transform_flatten_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.Flatten$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = flatten_config_keys,
    .create = flatten_create_value,
    .destroy = flatten_destroy,
    .apply = flatten_apply,
};
