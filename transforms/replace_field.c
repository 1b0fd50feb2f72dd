/*
 * replace_field.c: org.apache.kafka.connect.transforms.ReplaceField ($Key / $Value).
 *
 * Filters (`exclude`, `include`) and renames (`renames`, "old:new" pairs)
 * fields of a Struct or a schemaless Map, as Kafka 4.3 (which no longer has
 * the `blacklist` / `whitelist` aliases). Schemaless output is a HashMap, so
 * entries come out in Java's HashMap order.
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

#define PURPOSE "field replacement"

typedef struct rename_s {
    char *from, *to;
} rename_t;

typedef struct replace_field_s {
    cd_transform_target_t target;
    char **exclude, **include;
    size_t n_exclude, n_include;
    rename_t *renames;
    size_t n_renames;
    bool replace_null_with_default;
    cd_schema_t *cache_in, *cache_out;
} replace_field_t;

static void renames_free(rename_t *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].from);
        free(r[i].to);
    }
    free(r);
}

/* ReplaceField.parseRenameMappings */
static int parse_renames(const char *const *list, size_t n, rename_t **out, size_t *nout,
                         char *errstr, size_t errstr_size)
{
    rename_t *r = calloc(n ? n : 1, sizeof(*r));
    size_t count = 0;
    if (!r)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char *parts[3];
        int np = cd_smta_split_colon(list[i], parts, 3);
        if (np != 2) {
            size_t off = 0;
            off += (size_t)snprintf(errstr + off, errstr_size - off, "Invalid value [");
            for (size_t j = 0; j < n && off < errstr_size; j++)
                off += (size_t)snprintf(errstr + off, errstr_size - off, "%s%s", j ? ", " : "",
                                        list[j]);
            if (off < errstr_size)
                snprintf(errstr + off, errstr_size - off,
                         "] for configuration renames: Invalid rename mapping: %s", list[i]);
            if (np > 0)
                cd_smta_free_parts(parts, np);
            renames_free(r, count);
            return -1;
        }
        size_t j;
        for (j = 0; j < count; j++)
            if (strcmp(r[j].from, parts[0]) == 0)
                break;
        if (j < count) {
            free(r[j].to);
            r[j].to = parts[1];
            free(parts[0]);
        } else {
            r[count].from = parts[0];
            r[count].to = parts[1];
            count++;
        }
    }
    *out = r;
    *nout = count;
    return 0;
}

static int renames_validator(const char *name, const cd_config_value_t *value, char *errstr,
                             size_t errstr_size)
{
    rename_t *r = NULL;
    size_t n = 0;
    (void)name;
    if (value->is_null)
        return 0;
    if (parse_renames(value->list, value->list_count, &r, &n, errstr, errstr_size) != 0)
        return -1;
    renames_free(r, n);
    return 0;
}

static int exclude_validator(const char *name, const cd_config_value_t *value, char *errstr,
                             size_t errstr_size)
{
    (void)name;
    return cd_smta_validate_unique_list("exclude", true, value, errstr, errstr_size);
}

static int include_validator(const char *name, const cd_config_value_t *value, char *errstr,
                             size_t errstr_size)
{
    (void)name;
    return cd_smta_validate_unique_list("include", true, value, errstr, errstr_size);
}

static const cd_config_key_t replace_field_config_keys[] = {
    {.name = "exclude",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM, .custom = exclude_validator, .description = ""},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Fields to exclude. This takes precedence over the fields to include.",
     .order_in_group = -1},
    {.name = "include",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM, .custom = include_validator, .description = ""},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Fields to include. If specified, only these fields will be used.",
     .order_in_group = -1},
    {.name = "renames",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = renames_validator,
                   .description =
                       "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>"},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Field rename mappings.",
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

static char **copy_list(const char *const *list, size_t n)
{
    char **out = calloc(n + 1, sizeof(*out));
    for (size_t i = 0; out && i < n; i++)
        out[i] = strdup(list[i]);
    return out;
}

static void free_list(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++)
        free(list[i]);
    free(list);
}

static bool in_list(char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

static void rf_destroy(void *state)
{
    replace_field_t *r = state;
    if (!r)
        return;
    free_list(r->exclude, r->n_exclude);
    free_list(r->include, r->n_include);
    renames_free(r->renames, r->n_renames);
    cd_schema_unref(r->cache_in);
    cd_schema_unref(r->cache_out);
    free(r);
}

static int rf_create(const cd_properties_t *props, void **state, cd_transform_target_t target,
                     char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_t *config = NULL;
    replace_field_t *r = NULL;
    const char *const *list;
    size_t n;
    cd_config_def_add_table(def, replace_field_config_keys);
    config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config)
        goto fail;
    r = calloc(1, sizeof(*r));
    if (!r)
        goto fail;
    r->target = target;
    list = cd_config_get_list(config, "exclude", &n);
    r->exclude = copy_list(list, n);
    r->n_exclude = n;
    list = cd_config_get_list(config, "include", &n);
    r->include = copy_list(list, n);
    r->n_include = n;
    list = cd_config_get_list(config, "renames", &n);
    if (parse_renames(list, n, &r->renames, &r->n_renames, errstr, errstr_size) != 0)
        goto fail;
    r->replace_null_with_default = cd_config_get_bool(config, "replace.null.with.default");
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    *state = r;
    return 0;
fail:
    rf_destroy(r);
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    return -1;
}

static int rf_create_key(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return rf_create(p, s, CD_TRANSFORM_KEY, e, es);
}

static int rf_create_value(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return rf_create(p, s, CD_TRANSFORM_VALUE, e, es);
}

static bool rf_filter(const replace_field_t *r, const char *name)
{
    return !in_list(r->exclude, r->n_exclude, name) &&
           (r->n_include == 0 || in_list(r->include, r->n_include, name));
}

static const char *rf_renamed(const replace_field_t *r, const char *name)
{
    for (size_t i = 0; i < r->n_renames; i++)
        if (strcmp(r->renames[i].from, name) == 0)
            return r->renames[i].to;
    return name;
}

static const char *rf_reverse_renamed(const replace_field_t *r, const char *name)
{
    const char *found = name;
    for (size_t i = 0; i < r->n_renames; i++)
        if (strcmp(r->renames[i].to, name) == 0)
            found = r->renames[i].from;
    return found;
}

static int rf_apply(void *state, cd_record_t **recordp, char *errstr, size_t errstr_size)
{
    replace_field_t *r = state;
    cd_record_t *record = *recordp;
    const cd_value_t *value = cd_transform_operating_value(record, r->target);
    const cd_schema_t *schema = cd_transform_operating_schema(record, r->target);
    cd_value_t *out = NULL;
    if (!value)
        return 0;
    if (!schema) {
        if (cd_transform_require_map(value, PURPOSE, errstr, errstr_size) != 0)
            return -1;
        out = cd_value_new_map();
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            const cd_value_t *k = cd_value_map_key_at(value, i);
            const char *name =
                k && cd_value_kind(k) == CD_VALUE_STRING ? cd_value_string(k, NULL) : NULL;
            if (!name) {
                snprintf(errstr, errstr_size, "class %s cannot be cast to class java.lang.String",
                         cd_transform_class_name(k));
                goto fail;
            }
            if (rf_filter(r, name))
                cd_value_map_put(out, cd_value_new_cstring(rf_renamed(r, name)),
                                 cd_value_copy(cd_value_map_value_at(value, i)));
        }
        out = cd_smta_java_hash_order(out, cd_smta_hashmap_cap_sized(cd_value_map_size(value)));
        cd_transform_set_operating(record, r->target, NULL, out);
        return 0;
    }
    if (cd_transform_require_struct(value, PURPOSE, errstr, errstr_size) != 0)
        return -1;
    const cd_schema_t *vs = cd_value_struct_schema(value);
    if (!r->cache_in || !cd_schema_equals(r->cache_in, vs)) {
        cd_schema_t *s = cd_schema_new_struct();
        cd_transform_copy_schema_basics(vs, s);
        for (size_t i = 0; i < cd_schema_field_count(vs); i++) {
            const cd_field_t *f = cd_schema_field_at(vs, i);
            if (!rf_filter(r, cd_field_name(f)))
                continue;
            if (cd_schema_add_field(s, rf_renamed(r, cd_field_name(f)),
                                    cd_schema_ref(cd_field_schema(f)), errstr, errstr_size) != 0) {
                cd_schema_unref(s);
                return -1;
            }
        }
        cd_schema_unref(r->cache_in);
        cd_schema_unref(r->cache_out);
        r->cache_in = cd_schema_ref(vs);
        r->cache_out = s;
    }
    const cd_schema_t *updated = r->cache_out;
    out = cd_value_new_struct(updated);
    for (size_t i = 0; i < cd_schema_field_count(updated); i++) {
        const char *name = cd_field_name(cd_schema_field_at(updated, i));
        const char *orig_name = rf_reverse_renamed(r, name);
        const cd_field_t *of = cd_schema_field(vs, orig_name);
        if (!of) {
            snprintf(errstr, errstr_size, "%s is not a valid field name", orig_name);
            goto fail;
        }
        const cd_value_t *v = cd_smta_struct_get(value, of, r->replace_null_with_default);
        if (cd_value_struct_put(out, name, cd_value_copy(v), errstr, errstr_size) != 0)
            goto fail;
    }
    cd_transform_set_operating(record, r->target, updated, out);
    return 0;
fail:
    cd_value_destroy(out);
    return -1;
}

const cd_transform_plugin_t cd_transform_replace_field_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.ReplaceField$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = replace_field_config_keys,
    .create = rf_create_key,
    .destroy = rf_destroy,
    .apply = rf_apply,
};

const cd_transform_plugin_t cd_transform_replace_field_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.ReplaceField$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = replace_field_config_keys,
    .create = rf_create_value,
    .destroy = rf_destroy,
    .apply = rf_apply,
};
