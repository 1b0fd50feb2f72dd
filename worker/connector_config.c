/*
 * connector_config.c - connector-config definitions and validation
 * (ConnectorConfig.enrich, AbstractHerder.validateConnectorConfig,
 * ConfigKeyInfo / ConfigInfos JSON of Kafka Connect 4.3).
 *
 * The definition of a connector's config is: the common framework keys, the
 * source- or sink-only keys, the keys that enrichment adds for each alias in
 * "transforms" and "predicates" (<prefix>.<alias>.type and
 * <prefix>.<alias>.plugin.version), then the plugin's own keys. Validation
 * runs cd_config_validate on the framework part and on the plugin part,
 * adds the sink topic checks, and prints ConfigInfos in Java's order. See
 * docs/modules/connector-config.md for what differs from Java.
 */
#include "worker/connector_config_internal.h"

#include "util/properties.h"
#include "worker/plugins.h"

#include <connectd/converter.h>
#include <connectd/transform.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cd_connector_type_name(cd_connector_type_t type)
{
    return type == CD_CONNECTOR_SINK ? "sink" : "source";
}

/* ------------------------------------------------------------------ */
/* Validators of the framework tables                                  */
/* ------------------------------------------------------------------ */

int cd_cc_name_validator(const char *name, const cd_config_value_t *value, char *errstr,
                         size_t errstr_size)
{
    /* NonEmptyStringWithoutControlChars accepts null: a missing name is already
     * reported as a missing required configuration. */
    if (value->is_null)
        return 0;
    if (value->s[0] == '\0') {
        snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: %s", "", name,
                 "String may not be empty");
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)value->s; *p; p++) {
        if (*p < 0x20 || *p == 0x7F || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)) {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration %s: String may not contain control "
                     "sequences but had the following ASCII control characters: ",
                     value->s, name);
            return -1;
        }
    }
    return 0;
}

int cd_cc_alias_validator(const char *name, const cd_config_value_t *value, char *errstr,
                          size_t errstr_size)
{
    if (value->is_null) {
        snprintf(errstr, errstr_size, "Invalid value null for configuration %s: %s", name,
                 "entry must be non null");
        return -1;
    }
    for (size_t i = 0; i < value->list_count; i++)
        for (size_t j = i + 1; j < value->list_count; j++)
            if (strcmp(value->list[i], value->list[j]) == 0) {
                char *shown = cd_config_value_to_java_string(value);
                snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: %s", shown,
                         name, "Duplicate alias provided.");
                free(shown);
                return -1;
            }
    return 0;
}

int cd_cc_non_negative_or_null(const char *name, const cd_config_value_t *value, char *errstr,
                               size_t errstr_size)
{
    if (!value->is_null && value->i < 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value %lld for configuration %s: Value must be at least 0",
                 (long long)value->i, name);
        return -1;
    }
    return 0;
}

int cd_cc_regex_validator(const char *name, const cd_config_value_t *value, char *errstr,
                          size_t errstr_size)
{
    (void)name;
    (void)value;
    (void)errstr;
    (void)errstr_size;
    return 0; /* java.util.regex syntax is not checked (docs/modules/connector-config.md) */
}

/* ------------------------------------------------------------------ */
/* Definitions                                                         */
/* ------------------------------------------------------------------ */

/* Aliases of a list key as ConfigDef parses it (trimmed, split, de-duplicated). */
static size_t aliases_of(const cd_properties_t *props, const char *key, char ***out)
{
    static const cd_config_key_t list_key = {.name = "aliases", .type = CD_CONFIG_LIST};
    cd_config_value_t v;
    const char *raw = props ? cd_properties_get(props, key) : NULL;
    char **names = NULL;
    size_t n = 0;
    char err[256];
    *out = NULL;
    if (!raw || cd_config_parse_value(&list_key, raw, &v, err, sizeof(err)) != 0)
        return 0;
    names = calloc(v.list_count + 1, sizeof(char *));
    for (size_t i = 0; names && i < v.list_count; i++) {
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(names[j], v.list[i]) == 0;
        if (!seen && v.list[i][0])
            names[n++] = strdup(v.list[i]);
    }
    cd_config_value_clear(&v);
    *out = names;
    return n;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ClassRecommender: every transformation / predicate class. */
static size_t recommend_transforms(const char *name, const cd_properties_t *config,
                                   const char **out, size_t out_size)
{
    size_t n = 0, k = 0;
    const cd_transform_plugin_t *const *all = cd_transform_plugins(&n);
    (void)name;
    (void)config;
    for (size_t i = 0; i < n && k + 1 < out_size; i++)
        out[k++] = all[i]->class_name;
    out[k] = NULL;
    return k;
}

static size_t recommend_predicates(const char *name, const cd_properties_t *config,
                                   const char **out, size_t out_size)
{
    size_t n = 0, k = 0;
    const cd_predicate_plugin_t *const *all = cd_predicate_plugins(&n);
    (void)name;
    (void)config;
    for (size_t i = 0; i < n && k + 1 < out_size; i++)
        out[k++] = all[i]->class_name;
    out[k] = NULL;
    return k;
}

/* The implicit keys of every transformation (ConnectorConfig.enrich initialConfigDef). */
static const cd_config_key_t stage_keys[] = {
    {.name = "predicate",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "The alias of a predicate used to determine whether to apply this "
                      "transformation.",
     .order_in_group = -1},
    {.name = "negate",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Whether the configured predicate should be negated.",
     .order_in_group = -1},
    {.name = NULL},
};

/* ConfigDef.sortedConfigs' order: no group first, order in group, keys without a
 * default first, importance (HIGH first), then name. */
static int embed_cmp(const void *a, const void *b)
{
    const cd_config_key_t *x = *(const cd_config_key_t *const *)a;
    const cd_config_key_t *y = *(const cd_config_key_t *const *)b;
    bool xd = x->default_value != CD_NO_DEFAULT, yd = y->default_value != CD_NO_DEFAULT;
    if (!x->group != !y->group)
        return x->group ? 1 : -1;
    if (x->group && y->group && strcmp(x->group, y->group) != 0)
        return strcmp(x->group, y->group);
    if (x->order_in_group != y->order_in_group)
        return x->order_in_group < y->order_in_group ? -1 : 1;
    if (xd != yd)
        return xd ? 1 : -1;
    if (x->importance != y->importance)
        return x->importance < y->importance ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* ConfigDef.embed(prefix, group, startingOrd, child): the child's keys (for a
 * transformation, with the implicit predicate/negate keys, which mask its own) in
 * sortedConfigs order, renamed under the prefix, numbered from @p order. */
static void embed_keys(cd_config_def_t *def, const char *prefix, const char *group, int order,
                       const cd_config_key_t *table, bool with_stage_keys)
{
    const cd_config_key_t *keys[256];
    size_t n = 0;
    for (size_t i = 0; with_stage_keys && stage_keys[i].name; i++)
        keys[n++] = &stage_keys[i];
    for (size_t i = 0; table && table[i].name && n < 256; i++) {
        if (with_stage_keys &&
            (strcmp(table[i].name, "predicate") == 0 || strcmp(table[i].name, "negate") == 0))
            continue;
        keys[n++] = &table[i];
    }
    qsort(keys, n, sizeof(keys[0]), embed_cmp);
    for (size_t i = 0; i < n; i++) {
        cd_config_key_t k = *keys[i];
        char name[600], sub_group[600];
        const char *deps[32];
        char dep_names[32][600];
        size_t nd = 0;
        snprintf(name, sizeof(name), "%s%s", prefix, keys[i]->name);
        k.name = name;
        k.display_name = keys[i]->display_name ? keys[i]->display_name : keys[i]->name;
        if (keys[i]->group) {
            snprintf(sub_group, sizeof(sub_group), "%s: %s", group, keys[i]->group);
            k.group = sub_group;
        } else {
            k.group = group;
        }
        k.order_in_group = order++;
        k.embedded_prefix_len = strlen(prefix);
        for (size_t d = 0; keys[i]->dependents && keys[i]->dependents[d] && nd < 31; d++) {
            snprintf(dep_names[nd], sizeof(dep_names[nd]), "%s%s", prefix, keys[i]->dependents[d]);
            deps[nd] = dep_names[nd];
            nd++;
        }
        deps[nd] = NULL;
        k.dependents = keys[i]->dependents ? deps : NULL;
        cd_config_def_add_copy(def, &k);
    }
}

/* The version of the class an alias's `.type` names (for its `.plugin.version`). */
static const char *alias_class_version(const char *version_key, const cd_properties_t *config)
{
    char type_key[600];
    size_t n = strlen(version_key);
    const char *cls;
    if (n < 15 || !config)
        return NULL;
    snprintf(type_key, sizeof(type_key), "%.*stype", (int)(n - 14), version_key);
    cls = cd_properties_get(config, type_key);
    if (!cls)
        return NULL;
    if (strncmp(version_key, "transforms.", 11) == 0) {
        const cd_transform_plugin_t *tp = cd_transform_plugin_find(cls);
        return tp ? tp->version : NULL;
    }
    {
        const cd_predicate_plugin_t *pp = cd_predicate_plugin_find(cls);
        return pp ? pp->version : NULL;
    }
}

/* PluginVersionRecommender for an alias: the version of its class. */
static size_t recommend_alias_version(const char *name, const cd_properties_t *config,
                                      const char **out, size_t out_size)
{
    const char *v = alias_class_version(name, config);
    size_t k = 0;
    if (v && out_size > 1)
        out[k++] = v;
    out[k] = NULL;
    return k;
}

/* ConnectorConfig.enrich: <prefix>.<alias>.type and .plugin.version per alias, then
 * (when the class is known) the implicit predicate/negate keys of a transformation
 * and the plugin's own keys, embedded under the prefix in the alias's group. */
static void enrich(cd_config_def_t *def, const cd_properties_t *props, const char *prefix,
                   const char *kind, const char *group_title)
{
    char **aliases;
    bool transforms = group_title[0] == 'T';
    size_t n = aliases_of(props, prefix, &aliases);
    for (size_t i = 0; i < n; i++) {
        char name[512], doc[512], group[512], display[512], key_prefix[512];
        const cd_config_key_t *plugin_keys = NULL;
        const char *cls;
        bool found = false;
        int order = 2;
        cd_config_key_t k = {0};
        snprintf(group, sizeof(group), "%s: %s", group_title, aliases[i]);
        snprintf(name, sizeof(name), "%s.%s.type", prefix, aliases[i]);
        snprintf(doc, sizeof(doc), "Class for the '%s' %s.", aliases[i], kind);
        snprintf(display, sizeof(display), "%s type for %s",
                 transforms ? "Transformation" : "Predicate", aliases[i]);
        k.name = name;
        k.type = CD_CONFIG_CLASS;
        k.default_value = CD_NO_DEFAULT;
        k.importance = CD_IMPORTANCE_HIGH;
        k.documentation = doc;
        k.group = group;
        k.order_in_group = 0;
        k.width = CD_WIDTH_LONG;
        k.display_name = display;
        k.recommended_values = transforms ? recommend_transforms : recommend_predicates;
        cd_config_def_add_copy(def, &k);
        cls = props ? cd_properties_get(props, name) : NULL;
        snprintf(name, sizeof(name), "%s.%s.plugin.version", prefix, aliases[i]);
        snprintf(doc, sizeof(doc), "Version of the '%s' %s.", aliases[i], kind);
        snprintf(display, sizeof(display), "%s version for %s",
                 transforms ? "Transformation" : "Predicate", aliases[i]);
        k.type = CD_CONFIG_STRING;
        k.default_value = NULL;
        k.order_in_group = 1;
        k.recommended_values = recommend_alias_version;
        {
            char type_key[600];
            snprintf(type_key, sizeof(type_key), "%s.%s.plugin.version", prefix, aliases[i]);
            k.default_value = alias_class_version(type_key, props);
        }
        cd_config_def_add_copy(def, &k);
        if (cls && transforms) {
            const cd_transform_plugin_t *tp = cd_transform_plugin_find(cls);
            found = tp != NULL;
            plugin_keys = tp ? tp->config_keys : NULL;
        } else if (cls) {
            const cd_predicate_plugin_t *pp = cd_predicate_plugin_find(cls);
            found = pp != NULL;
            plugin_keys = pp ? pp->config_keys : NULL;
        }
        if (!found)
            continue;
        snprintf(key_prefix, sizeof(key_prefix), "%s.%s.", prefix, aliases[i]);
        embed_keys(def, key_prefix, group, order, plugin_keys, transforms);
    }
    free_names(aliases, n);
}

/* ------------------------------------------------------------------ */
/* Converter defaults from the worker config (ConnectorConfig 4.3)      */
/* ------------------------------------------------------------------ */

/* The worker's originals (a copy), read under wd_lock. */
static cd_properties_t *wd_worker;
static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;

void cd_connector_config_set_worker_defaults(const cd_properties_t *worker_originals)
{
    cd_properties_t *copy = worker_originals ? cd_properties_copy(worker_originals) : NULL;
    pthread_mutex_lock(&wd_lock);
    cd_properties_destroy(wd_worker);
    wd_worker = copy;
    pthread_mutex_unlock(&wd_lock);
}

/* The converter plugin named @p name (class or alias) of the right kind, or NULL. */
static const cd_converter_plugin_t *converter_of_kind(const char *name, bool header)
{
    const cd_converter_plugin_t *p = cd_converter_plugin_find(name);
    if (!p || (header ? !p->is_header_converter : !p->is_converter))
        return NULL;
    return p;
}

/* The three converter keys of a connector config. */
static const struct {
    const char *key, *version_key;
    bool header;
} converter_keys[] = {
    {"key.converter", "key.converter.plugin.version", false},
    {"value.converter", "value.converter.plugin.version", false},
    {"header.converter", "header.converter.plugin.version", true},
};

/*
 * ConnectorConfig.converterDefaults: with a connector class and a converter set in the
 * connector or the worker config, the converter key defaults to the worker's converter
 * (the header converter's worker default being SimpleHeaderConverter) and the version key
 * to the version of the connector's converter, else the worker's `<key>.plugin.version`,
 * else the worker converter's latest version. Otherwise both default to null.
 */
static void converter_defaults(cd_config_def_t *def, const cd_properties_t *props)
{
    if (!props || !cd_properties_get(props, "connector.class"))
        return;
    pthread_mutex_lock(&wd_lock);
    for (size_t i = 0; i < sizeof(converter_keys) / sizeof(converter_keys[0]); i++) {
        const char *connector_conv = cd_properties_get(props, converter_keys[i].key);
        const char *worker_conv =
            wd_worker ? cd_properties_get(wd_worker, converter_keys[i].key) : NULL;
        const char *version = NULL;
        const cd_converter_plugin_t *p;
        if (converter_keys[i].header && !worker_conv)
            worker_conv = "org.apache.kafka.connect.storage.SimpleHeaderConverter";
        if (!connector_conv && !worker_conv)
            continue;
        if (connector_conv) {
            p = converter_of_kind(connector_conv, converter_keys[i].header);
            version = p ? p->version : NULL;
        } else {
            version =
                wd_worker ? cd_properties_get(wd_worker, converter_keys[i].version_key) : NULL;
            if (!version) {
                p = converter_of_kind(worker_conv, converter_keys[i].header);
                version = p ? p->version : NULL;
            }
        }
        if (worker_conv) {
            /* Java's default is a Class: shown by its name, aliases resolved. */
            cd_config_key_t k = *cd_config_def_find(def, converter_keys[i].key);
            p = converter_of_kind(worker_conv, converter_keys[i].header);
            k.default_value = p ? p->class_name : worker_conv;
            cd_config_def_add_copy(def, &k);
        }
        if (version) {
            cd_config_key_t k = *cd_config_def_find(def, converter_keys[i].version_key);
            k.default_value = version;
            cd_config_def_add_copy(def, &k);
        }
    }
    pthread_mutex_unlock(&wd_lock);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void set_recommended(cd_config_result_t *r, const char **values, size_t n)
{
    for (size_t i = 0; i < r->recommended_count; i++)
        free(r->recommended_values[i]);
    free(r->recommended_values);
    r->recommended_values = NULL;
    r->recommended_count = 0;
    if (n == 0)
        return;
    r->recommended_values = calloc(n, sizeof(*r->recommended_values));
    for (size_t i = 0; r->recommended_values && i < n; i++) {
        r->recommended_values[i] = strdup(values[i]);
        if (r->recommended_values[i])
            r->recommended_count++;
    }
}

/*
 * The converter recommenders of PluginsRecommenders: every converter (header converter)
 * class sorted by name for the converter keys; for the version keys the versions of the
 * converter in effect, visible only when there is one. A converter class that is not
 * known fails as ConfigDef.parseType does ("Class X could not be found."), its value null.
 */
static void converter_recommendations(cd_config_results_t *results)
{
    const cd_converter_plugin_t *const *lists[2] = {cd_converter_plugins(),
                                                    cd_converter_registered_plugins()};
    for (size_t i = 0; i < sizeof(converter_keys) / sizeof(converter_keys[0]); i++) {
        bool header = converter_keys[i].header;
        cd_config_result_t *r = cd_config_results_find(results, converter_keys[i].key);
        cd_config_result_t *rv = cd_config_results_find(results, converter_keys[i].version_key);
        const cd_converter_plugin_t *p = NULL;
        const char *names[512];
        size_t n = 0;
        if (!r)
            continue;
        for (size_t l = 0; l < 2; l++)
            for (size_t j = 0; lists[l][j] && n < sizeof(names) / sizeof(names[0]); j++)
                if (header ? lists[l][j]->is_header_converter : lists[l][j]->is_converter)
                    names[n++] = lists[l][j]->class_name;
        qsort(names, n, sizeof(names[0]), cmp_str);
        set_recommended(r, names, n);
        if (r->value && r->error_count == 0) {
            p = cd_converter_plugin_find(r->value);
            if (!p) {
                char *msg = malloc(2 * strlen(r->value) + strlen(r->name) + 96);
                if (msg) {
                    sprintf(msg,
                            "Invalid value %s for configuration %s: Class %s could not be found.",
                            r->value, r->name, r->value);
                    cd_config_result_add_error(r, msg);
                    free(msg);
                }
                free(r->value);
                r->value = NULL;
            } else if (strcmp(r->value, p->class_name) != 0) {
                char *canonical = strdup(p->class_name);
                if (canonical) {
                    free(r->value);
                    r->value = canonical;
                }
            }
        }
        if (rv) {
            const char *version = p && p->version ? p->version : NULL;
            set_recommended(rv, &version, version ? 1 : 0);
            rv->visible = r->value != NULL;
        }
    }
}

/* The framework part of the definition (no plugin keys). */
static cd_config_def_t *framework_def_new(const cd_connector_plugin_t *plugin,
                                          const cd_properties_t *props)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_def_add_table(def, cd_connector_config_keys);
    if (plugin && plugin->version) {
        cd_config_key_t k = *cd_config_def_find(def, "connector.plugin.version");
        k.default_value = plugin->version;
        cd_config_def_add_copy(def, &k);
    }
    if (!plugin || plugin->type == CD_CONNECTOR_SOURCE)
        cd_config_def_add_table(def, cd_source_connector_config_keys);
    else
        cd_config_def_add_table(def, cd_sink_connector_config_keys);
    converter_defaults(def, props);
    enrich(def, props, "transforms", "transformation", "Transforms");
    enrich(def, props, "predicates", "predicate", "Predicates");
    return def;
}

cd_config_def_t *cd_connector_config_def_new(const cd_connector_plugin_t *plugin,
                                             const cd_properties_t *props)
{
    cd_config_def_t *def = framework_def_new(plugin, props);
    if (plugin && plugin->config_keys)
        cd_config_def_add_table(def, plugin->config_keys);
    return def;
}

/* ------------------------------------------------------------------ */
/* JSON entities                                                       */
/* ------------------------------------------------------------------ */

json_t *cd_config_key_info_json(const cd_config_key_t *key)
{
    json_t *o = json_object();
    json_t *deps = json_array();
    bool required = key->default_value == CD_NO_DEFAULT;
    json_object_set_new(o, "name", json_string(key->name));
    json_object_set_new(o, "type", json_string(cd_config_type_name(key->type)));
    json_object_set_new(o, "required", json_boolean(required));
    if (required || !key->default_value) {
        json_object_set_new(o, "default_value", json_null());
    } else {
        /* ConfigDef.convertToString of the parsed default. */
        cd_config_value_t v;
        char err[256];
        cd_config_key_t plain = *key;
        plain.validator.kind = CD_VALIDATOR_NONE;
        if (cd_config_parse_value(&plain, key->default_value, &v, err, sizeof(err)) == 0) {
            char *s = cd_config_value_convert_to_string(&v);
            json_object_set_new(o, "default_value", s ? json_string(s) : json_null());
            free(s);
            cd_config_value_clear(&v);
        } else {
            json_object_set_new(o, "default_value", json_string(key->default_value));
        }
    }
    json_object_set_new(o, "importance", json_string(cd_config_importance_name(key->importance)));
    json_object_set_new(o, "documentation",
                        key->documentation ? json_string(key->documentation) : json_null());
    json_object_set_new(o, "group", key->group ? json_string(key->group) : json_null());
    json_object_set_new(o, "order_in_group", json_integer(key->order_in_group));
    json_object_set_new(o, "width", json_string(cd_config_width_name(key->width)));
    json_object_set_new(o, "display_name",
                        json_string(key->display_name ? key->display_name : key->name));
    for (size_t i = 0; key->dependents && key->dependents[i]; i++)
        json_array_append_new(deps, json_string(key->dependents[i]));
    json_object_set_new(o, "dependents", deps);
    return o;
}

json_t *cd_connector_plugin_config_json(const cd_connector_plugin_t *plugin)
{
    json_t *arr = json_array();
    cd_config_def_t *def = framework_def_new(plugin, NULL);
    for (size_t i = 0; plugin->config_keys && plugin->config_keys[i].name; i++)
        if (!plugin->config_keys[i].internal)
            json_array_append_new(arr, cd_config_key_info_json(&plugin->config_keys[i]));
    for (size_t i = 0; i < cd_config_def_count(def); i++)
        json_array_append_new(arr, cd_config_key_info_json(cd_config_def_at(def, i)));
    cd_config_def_destroy(def);
    return arr;
}

static json_t *value_info_json(const cd_config_result_t *r)
{
    json_t *o = json_object();
    json_t *rec = json_array(), *errs = json_array();
    json_object_set_new(o, "name", json_string(r->name));
    json_object_set_new(o, "value", r->value ? json_string(r->value) : json_null());
    for (size_t i = 0; i < r->recommended_count; i++)
        json_array_append_new(rec, json_string(r->recommended_values[i]));
    for (size_t i = 0; i < r->error_count; i++)
        json_array_append_new(errs, json_string(r->errors[i]));
    json_object_set_new(o, "recommended_values", rec);
    json_object_set_new(o, "errors", errs);
    json_object_set_new(o, "visible", json_boolean(r->visible));
    return o;
}

static void append_results(json_t *configs, const cd_config_def_t *def,
                           cd_config_results_t *results, size_t *errors)
{
    for (size_t i = 0; i < cd_config_def_count(def); i++) {
        const cd_config_key_t *k = cd_config_def_at(def, i);
        cd_config_result_t *r = cd_config_results_find(results, k->name);
        json_t *info = json_object();
        if (k->internal || !r) {
            json_decref(info);
            continue;
        }
        *errors += r->error_count;
        json_object_set_new(info, "definition", cd_config_key_info_json(k));
        json_object_set_new(info, "value", value_info_json(r));
        json_array_append_new(configs, info);
    }
}

/* SinkConnectorConfig.validate: topics vs topics.regex, and the DLQ topic. */
static void sink_checks(const cd_properties_t *props, cd_config_results_t *results)
{
    const char *topics = cd_properties_get(props, "topics");
    const char *regex = cd_properties_get(props, "topics.regex");
    const char *dlq = cd_properties_get(props, "errors.deadletterqueue.topic.name");
    bool has_topics = topics && topics[strspn(topics, " \t\r\n\f\v")];
    bool has_regex = regex && regex[strspn(regex, " \t\r\n\f\v")];
    cd_config_result_t *rt = cd_config_results_find(results, "topics");
    cd_config_result_t *rr = cd_config_results_find(results, "topics.regex");
    if (has_topics && has_regex) {
        const char *m = "topics and topics.regex are mutually exclusive options, but both are set.";
        cd_config_result_add_error(rt, m);
        cd_config_result_add_error(rr, m);
    } else if (!has_topics && !has_regex) {
        const char *m = "Must configure one of topics or topics.regex";
        cd_config_result_add_error(rt, m);
        cd_config_result_add_error(rr, m);
    }
    if (has_topics && dlq && dlq[0]) {
        static const cd_config_key_t list_key = {.name = "topics", .type = CD_CONFIG_LIST};
        cd_config_value_t v;
        char err[256];
        if (cd_config_parse_value(&list_key, topics, &v, err, sizeof(err)) == 0) {
            char dlq_trim[512];
            snprintf(dlq_trim, sizeof(dlq_trim), "%s", dlq);
            for (size_t i = 0; i < v.list_count; i++) {
                if (strcmp(v.list[i], dlq_trim) == 0) {
                    char *shown = cd_config_value_to_java_string(&v);
                    char *msg = malloc(strlen(shown) + strlen(dlq) + 128);
                    sprintf(msg,
                            "The DLQ topic '%s' may not be included in the list of topics "
                            "('topics=%s') consumed by the connector",
                            dlq, shown);
                    cd_config_result_add_error(rt, msg);
                    free(msg);
                    free(shown);
                    break;
                }
            }
            cd_config_value_clear(&v);
        }
    }
}

/* The simple name of a class that has $Key/$Value variants (an abstract base such as
 * org.apache.kafka.connect.transforms.Cast): its variants' names, or 0. */
static size_t abstract_variants(const char *cls, char *out, size_t out_size)
{
    size_t n = 0, len = strlen(cls), found = 0;
    const cd_transform_plugin_t *const *all = cd_transform_plugins(&n);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *c = all[i]->class_name;
        if (strncmp(c, cls, len) == 0 && c[len] == '$') {
            size_t used = strlen(out);
            snprintf(out + used, out_size - used, "%s%s", found ? ", " : "", c);
            found++;
        }
    }
    return found;
}

/* Whether @p cls is a class connectd knows of another plugin kind. */
static bool other_plugin_class(const char *cls, bool transforms)
{
    if (transforms ? cd_predicate_plugin_find(cls) != NULL : cd_transform_plugin_find(cls) != NULL)
        return true;
    return cd_plugins_find_connector(cls) != NULL || cd_converter_plugin_find(cls) != NULL;
}

/* The type keys' validators (EnrichablePlugin typeValidator): unknown classes, classes
 * of another kind, abstract bases, and `negate` without `predicate`. */
static void alias_class_checks(const cd_config_def_t *def, const cd_properties_t *props,
                               cd_config_results_t *results)
{
    for (size_t i = 0; i < cd_config_def_count(def); i++) {
        const cd_config_key_t *k = cd_config_def_at(def, i);
        cd_config_result_t *r;
        size_t n = strlen(k->name);
        bool transforms;
        char msg[2048], variants[1024];
        if (k->type != CD_CONFIG_CLASS || n < 5 || strcmp(k->name + n - 5, ".type") != 0)
            continue;
        transforms = strncmp(k->name, "transforms.", 11) == 0;
        if (!transforms && strncmp(k->name, "predicates.", 11) != 0)
            continue;
        r = cd_config_results_find(results, k->name);
        if (!r || !r->value || r->error_count != 0)
            continue;
        if (transforms ? cd_transform_plugin_find(r->value) != NULL
                       : cd_predicate_plugin_find(r->value) != NULL) {
            char negate[600], predicate[600];
            snprintf(negate, sizeof(negate), "%.*snegate", (int)(n - 4), k->name);
            snprintf(predicate, sizeof(predicate), "%.*spredicate", (int)(n - 4), k->name);
            if (transforms && cd_properties_get(props, negate) &&
                !cd_properties_get(props, predicate)) {
                snprintf(msg, sizeof(msg),
                         "Config '%s' was provided but there is no config '%s' defining a "
                         "predicate to be negated.",
                         negate, predicate);
                cd_config_result_add_error(r, msg);
            }
            continue;
        }
        if (transforms && abstract_variants(r->value, variants, sizeof(variants)) > 0) {
            snprintf(msg, sizeof(msg),
                     "This class is abstract and cannot be created. Did you mean %s?", variants);
            cd_config_result_add_error(r, msg);
            continue;
        }
        if (other_plugin_class(r->value, transforms)) {
            snprintf(msg, sizeof(msg), "Class class %s does not implement the %s interface",
                     r->value, transforms ? "Transformation" : "Predicate");
            cd_config_result_add_error(r, msg);
            continue;
        }
        snprintf(msg, sizeof(msg),
                 "Invalid value %s for configuration %s: Class %s could not be found.", r->value,
                 k->name, r->value);
        cd_config_result_add_error(r, msg);
        free(r->value);
        r->value = NULL;
    }
}

json_t *cd_connector_config_validate_plugin(const cd_connector_plugin_t *plugin,
                                            const cd_properties_t *props, int *http_status,
                                            char *errstr, size_t errstr_size)
{
    cd_config_def_t *fw = framework_def_new(plugin, props);
    cd_config_def_t *pd = cd_config_def_new();
    cd_config_results_t *fr, *pr;
    json_t *out, *configs = json_array(), *groups = json_array();
    size_t errors = 0, ng = 0;
    const char *const *g;
    (void)http_status;
    (void)errstr;
    (void)errstr_size;
    if (plugin->config_keys)
        cd_config_def_add_table(pd, plugin->config_keys);
    fr = cd_config_validate(fw, props);
    pr = cd_config_validate(pd, props);
    if (plugin->type == CD_CONNECTOR_SINK)
        sink_checks(props, fr);
    alias_class_checks(fw, props, fr);
    converter_recommendations(fr);
    if (plugin->validate) {
        char err[1024] = "";
        if (plugin->validate(props, pr, err, sizeof(err)) != 0) {
            cd_config_results_destroy(fr);
            cd_config_results_destroy(pr);
            cd_config_def_destroy(fw);
            cd_config_def_destroy(pd);
            json_decref(configs);
            json_decref(groups);
            if (http_status)
                *http_status = 500;
            snprintf(errstr, errstr_size, "%s", err);
            return NULL;
        }
    }
    if (plugin->version) {
        /* ConnectorPluginVersionRecommender: the versions of the connector class. */
        cd_config_result_t *rv = cd_config_results_find(fr, "connector.plugin.version");
        char **rec = rv ? malloc(sizeof(*rec)) : NULL;
        if (rec && (rec[0] = strdup(plugin->version)) != NULL) {
            for (size_t i = 0; i < rv->recommended_count; i++)
                free(rv->recommended_values[i]);
            free(rv->recommended_values);
            rv->recommended_values = rec;
            rv->recommended_count = 1;
        } else {
            free(rec);
        }
    }
    append_results(configs, fw, fr, &errors);
    append_results(configs, pd, pr, &errors);
    /* Client overrides: listed without a definition (prefixedConfigInfos). */
    for (size_t i = 0; i < cd_properties_count(props); i++) {
        const char *k = cd_properties_key_at(props, i);
        static const char *const prefixes[] = {"producer.override.", "consumer.override.",
                                               "admin.override.", NULL};
        for (size_t p = 0; prefixes[p]; p++) {
            if (strncmp(k, prefixes[p], strlen(prefixes[p])) == 0) {
                cd_config_result_t r = {.name = (char *)k,
                                        .value = (char *)cd_properties_value_at(props, i),
                                        .visible = true};
                json_t *info = json_object();
                json_object_set_new(info, "definition", json_null());
                json_object_set_new(info, "value", value_info_json(&r));
                json_array_append_new(configs, info);
            }
        }
    }
    g = cd_config_def_groups(fw, &ng);
    for (size_t i = 0; i < ng; i++)
        json_array_append_new(groups, json_string(g[i]));
    g = cd_config_def_groups(pd, &ng);
    for (size_t i = 0; i < ng; i++)
        json_array_append_new(groups, json_string(g[i]));
    out = json_object();
    json_object_set_new(out, "name", json_string(cd_properties_get(props, "connector.class")));
    json_object_set_new(out, "error_count", json_integer((json_int_t)errors));
    json_object_set_new(out, "groups", groups);
    json_object_set_new(out, "configs", configs);
    cd_config_results_destroy(fr);
    cd_config_results_destroy(pr);
    cd_config_def_destroy(fw);
    cd_config_def_destroy(pd);
    return out;
}

int cd_config_infos_error_count(const json_t *config_infos)
{
    return (int)json_integer_value(json_object_get(config_infos, "error_count"));
}

char *cd_config_infos_error_message(const json_t *config_infos)
{
    json_t *configs = json_object_get(config_infos, "configs");
    int n = cd_config_infos_error_count(config_infos);
    size_t cap = 256, len;
    char *out = malloc(cap);
    size_t i;
    json_t *c;
    if (!out)
        return NULL;
    len = (size_t)snprintf(out, cap,
                           "Connector configuration is invalid and contains the following %d "
                           "error(s):\n",
                           n);
    json_array_foreach(configs, i, c)
    {
        json_t *errs = json_object_get(json_object_get(c, "value"), "errors");
        size_t j;
        json_t *e;
        json_array_foreach(errs, j, e)
        {
            const char *s = json_string_value(e);
            size_t need = strlen(s) + 2;
            if (len + need + 1 > cap) {
                char *grown;
                while (len + need + 1 > cap)
                    cap *= 2;
                grown = realloc(out, cap);
                if (!grown) {
                    free(out);
                    return NULL;
                }
                out = grown;
            }
            len += (size_t)snprintf(out + len, cap - len, "%s\n", s);
        }
    }
    {
        const char *tail = "You can also find the above list of errors at the endpoint "
                           "`/connector-plugins/{connectorType}/config/validate`";
        char *grown = realloc(out, len + strlen(tail) + 1);
        if (!grown) {
            free(out);
            return NULL;
        }
        out = grown;
        strcpy(out + len, tail);
    }
    return out;
}
