/*
 * transform_chain.c: the TransformationChain of a task. Built from a
 * connector's `transforms` and `predicates` settings as Java's
 * ConnectorConfig.transformationStages does: one stage per alias, its
 * transformation configured with `transforms.<alias>.*` (prefix removed,
 * `predicate` and `negate` taken out), its optional predicate configured with
 * `predicates.<predicate alias>.*`; a stage applies when it has no predicate
 * or when `negate` XOR test(record) (TransformationStage.apply).
 */
#include "transform_chain.h"

#include <connectd/config_def.h>
#include <connectd/properties.h>
#include <connectd/transform.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** More aliases than this in one connector is refused (a bounded chain). */
#define TC_MAX_STAGES 64

typedef struct tc_stage_s {
    const cd_transform_plugin_t *transform;
    void *transform_state;
    const cd_predicate_plugin_t *predicate; /* NULL = always applies */
    void *predicate_state;
    bool negate;
} tc_stage_t;

struct cd_transform_chain_s {
    tc_stage_t stages[TC_MAX_STAGES];
    size_t count;
    const char *failed_class; /* the class of the stage that failed last */
};

/* The aliases of the list setting @p key (ConfigDef LIST parsing). @returns the count,
 * or -1 with errstr. */
static int tc_aliases(const cd_properties_t *config, const char *key, cd_config_value_t *out,
                      char *errstr, size_t errstr_size)
{
    static const cd_config_key_t list_key = {.name = "aliases", .type = CD_CONFIG_LIST};
    const char *raw = cd_properties_get(config, key);
    memset(out, 0, sizeof(*out));
    out->is_null = true;
    if (!raw)
        return 0;
    if (cd_config_parse_value(&list_key, raw, out, errstr, errstr_size) != 0)
        return -1;
    if (out->list_count > TC_MAX_STAGES) {
        snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: more than %d aliases",
                 raw, key, TC_MAX_STAGES);
        cd_config_value_clear(out);
        return -1;
    }
    return (int)out->list_count;
}

/* AbstractConfig.originalsWithPrefix(prefix). */
static cd_properties_t *tc_with_prefix(const cd_properties_t *config, const char *prefix)
{
    cd_properties_t *out = cd_properties_new();
    size_t plen = strlen(prefix);
    for (size_t i = 0; out && i < cd_properties_count(config); i++) {
        const char *k = cd_properties_key_at(config, i);
        if (strncmp(k, prefix, plen) == 0 &&
            cd_properties_set(out, k + plen, cd_properties_value_at(config, i)) != 0) {
            cd_properties_destroy(out);
            return NULL;
        }
    }
    return out;
}

/* The class named by `<prefix>type`, as ConfigDef parses a CLASS setting: the
 * ConfigException texts of a missing or unknown class. */
static const char *tc_class_of(const cd_properties_t *config, const char *prefix, char *key,
                               size_t key_size, const char *kind, char *errstr, size_t errstr_size)
{
    const char *value;
    snprintf(key, key_size, "%stype", prefix);
    value = cd_properties_get(config, key);
    if (!value) {
        /* EnrichablePlugin.getConfigDefFromConfigProvidingClass with no class */
        snprintf(errstr, errstr_size, "Invalid value null for configuration %s: Not a %s", key,
                 kind);
        return NULL;
    }
    return value;
}

static void tc_unknown_class(const char *key, const char *value, char *errstr, size_t errstr_size)
{
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: Class %s could not be found.", value, key,
             value);
}

/* Builds the predicate of a stage from `predicates.<alias>.*`. */
static int tc_predicate(const cd_properties_t *config, const cd_config_value_t *predicates,
                        const char *alias, tc_stage_t *stage, char *errstr, size_t errstr_size)
{
    char prefix[512], key[600];
    const char *cls;
    bool listed = false;
    cd_properties_t *pconf;
    int rc;
    for (size_t i = 0; i < predicates->list_count && !listed; i++)
        listed = strcmp(predicates->list[i], alias) == 0;
    snprintf(prefix, sizeof(prefix), "predicates.%s.", alias);
    if (!listed) {
        /* AbstractConfig.get of a key the enriched ConfigDef does not define */
        snprintf(errstr, errstr_size, "Unknown configuration '%splugin.version'", prefix);
        return -1;
    }
    cls = tc_class_of(config, prefix, key, sizeof(key), "Predicate", errstr, errstr_size);
    if (!cls)
        return -1;
    stage->predicate = cd_predicate_plugin_find(cls);
    if (!stage->predicate) {
        tc_unknown_class(key, cls, errstr, errstr_size);
        return -1;
    }
    pconf = tc_with_prefix(config, prefix);
    if (!pconf) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    rc = stage->predicate->create(pconf, &stage->predicate_state, errstr, errstr_size);
    cd_properties_destroy(pconf);
    if (rc != 0) {
        stage->predicate = NULL;
        return -1;
    }
    return 0;
}

static int tc_stage(const cd_properties_t *config, const cd_config_value_t *predicates,
                    const char *alias, tc_stage_t *stage, char *errstr, size_t errstr_size)
{
    char prefix[512], key[600];
    const char *cls, *predicate_alias, *negate;
    cd_properties_t *tconf;
    int rc;
    snprintf(prefix, sizeof(prefix), "transforms.%s.", alias);
    cls = tc_class_of(config, prefix, key, sizeof(key), "Transformation", errstr, errstr_size);
    if (!cls)
        return -1;
    stage->transform = cd_transform_plugin_find(cls);
    if (!stage->transform) {
        tc_unknown_class(key, cls, errstr, errstr_size);
        return -1;
    }
    tconf = tc_with_prefix(config, prefix);
    if (!tconf) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    predicate_alias = cd_properties_get(tconf, "predicate");
    negate = cd_properties_get(tconf, "negate");
    /* Boolean.parseBoolean */
    stage->negate = negate && strcasecmp(negate, "true") == 0;
    if (predicate_alias) {
        char pa[256];
        snprintf(pa, sizeof(pa), "%s", predicate_alias);
        cd_properties_remove(tconf, "predicate");
        cd_properties_remove(tconf, "negate");
        rc = stage->transform->create(tconf, &stage->transform_state, errstr, errstr_size);
        cd_properties_destroy(tconf);
        if (rc != 0) {
            stage->transform = NULL;
            return -1;
        }
        return tc_predicate(config, predicates, pa, stage, errstr, errstr_size);
    }
    cd_properties_remove(tconf, "negate");
    rc = stage->transform->create(tconf, &stage->transform_state, errstr, errstr_size);
    cd_properties_destroy(tconf);
    if (rc != 0) {
        stage->transform = NULL;
        return -1;
    }
    return 0;
}

/* The implicit keys of every transformation (ConnectorConfig.enrich). */
static const cd_config_key_t tc_stage_keys[] = {
    {.name = "predicate", .type = CD_CONFIG_STRING, .default_value = NULL},
    {.name = "negate", .type = CD_CONFIG_BOOLEAN, .default_value = "false"},
    {.name = NULL},
};

/* ConfigDef.embed of @p keys under @p prefix into @p def. */
static void tc_embed(cd_config_def_t *def, const char *prefix, const cd_config_key_t *keys,
                     bool skip_stage_keys)
{
    for (size_t i = 0; keys && keys[i].name; i++) {
        cd_config_key_t k = keys[i];
        char name[600];
        if (skip_stage_keys && (strcmp(k.name, "predicate") == 0 || strcmp(k.name, "negate") == 0))
            continue;
        snprintf(name, sizeof(name), "%s%s", prefix, keys[i].name);
        k.name = name;
        k.embedded_prefix_len = strlen(prefix);
        k.dependents = NULL;
        k.recommended_values = NULL;
        k.visible = NULL;
        cd_config_def_add_copy(def, &k);
    }
}

/* Parses @p config against the keys one alias embeds (EnrichedConnectorConfig): the
 * first ConfigException, with the prefixed name for a missing or mistyped value and the
 * plugin's own name in a validator's message, as Java. */
static int tc_parse_embedded(const cd_properties_t *config, const char *prefix,
                             const cd_config_key_t *keys, bool stage_keys, char *errstr,
                             size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_t *parsed;
    if (!def) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    if (stage_keys)
        tc_embed(def, prefix, tc_stage_keys, false);
    tc_embed(def, prefix, keys, stage_keys);
    parsed = cd_config_parse(def, config, errstr, errstr_size);
    cd_config_destroy(parsed);
    cd_config_def_destroy(def);
    return parsed ? 0 : -1;
}

/* ConnectorConfig's constructor with requireFullConfig: enrich (every alias needs a known
 * class), then the parse of the enriched definition (the type validator's negate rule,
 * the implicit keys, each plugin's keys). */
static int tc_validate(const cd_properties_t *config, const cd_config_value_t *transforms,
                       const cd_config_value_t *predicates, char *errstr, size_t errstr_size)
{
    char prefix[512], key[600];
    for (int pass = 0; pass < 2; pass++) {
        const cd_config_value_t *aliases = pass == 0 ? transforms : predicates;
        for (size_t i = 0; i < aliases->list_count; i++) {
            const char *cls;
            snprintf(prefix, sizeof(prefix), "%s.%s.", pass == 0 ? "transforms" : "predicates",
                     aliases->list[i]);
            cls = tc_class_of(config, prefix, key, sizeof(key),
                              pass == 0 ? "Transformation" : "Predicate", errstr, errstr_size);
            if (!cls)
                return -1;
            if (pass == 0 ? !cd_transform_plugin_find(cls) : !cd_predicate_plugin_find(cls)) {
                tc_unknown_class(key, cls, errstr, errstr_size);
                return -1;
            }
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const cd_config_value_t *aliases = pass == 0 ? transforms : predicates;
        for (size_t i = 0; i < aliases->list_count; i++) {
            const char *cls;
            const cd_config_key_t *keys;
            snprintf(prefix, sizeof(prefix), "%s.%s.", pass == 0 ? "transforms" : "predicates",
                     aliases->list[i]);
            snprintf(key, sizeof(key), "%stype", prefix);
            cls = cd_properties_get(config, key);
            if (pass == 0) {
                char negate[600], predicate[600];
                snprintf(negate, sizeof(negate), "%snegate", prefix);
                snprintf(predicate, sizeof(predicate), "%spredicate", prefix);
                if (cd_properties_get(config, negate) && !cd_properties_get(config, predicate)) {
                    snprintf(errstr, errstr_size,
                             "Config '%s' was provided but there is no config '%s' defining a "
                             "predicate to be negated.",
                             negate, predicate);
                    return -1;
                }
                keys = cd_transform_plugin_find(cls)->config_keys;
            } else {
                keys = cd_predicate_plugin_find(cls)->config_keys;
            }
            if (tc_parse_embedded(config, prefix, keys, pass == 0, errstr, errstr_size) != 0)
                return -1;
        }
    }
    return 0;
}

cd_transform_chain_t *cd_transform_chain_new(const cd_properties_t *connector_config, char *errstr,
                                             size_t errstr_size)
{
    cd_transform_chain_t *chain = calloc(1, sizeof(*chain));
    cd_config_value_t transforms, predicates;
    int nt, np;
    if (!chain) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    if (!connector_config)
        return chain;
    nt = tc_aliases(connector_config, "transforms", &transforms, errstr, errstr_size);
    if (nt < 0) {
        free(chain);
        return NULL;
    }
    np = tc_aliases(connector_config, "predicates", &predicates, errstr, errstr_size);
    if (np < 0) {
        cd_config_value_clear(&transforms);
        free(chain);
        return NULL;
    }
    if (tc_validate(connector_config, &transforms, &predicates, errstr, errstr_size) != 0) {
        cd_config_value_clear(&transforms);
        cd_config_value_clear(&predicates);
        free(chain);
        return NULL;
    }
    for (int i = 0; i < nt; i++) {
        tc_stage_t *stage = &chain->stages[chain->count];
        int rc =
            tc_stage(connector_config, &predicates, transforms.list[i], stage, errstr, errstr_size);
        if (stage->transform || stage->predicate)
            chain->count++;
        if (rc != 0) {
            cd_config_value_clear(&transforms);
            cd_config_value_clear(&predicates);
            cd_transform_chain_destroy(chain);
            return NULL;
        }
    }
    cd_config_value_clear(&transforms);
    cd_config_value_clear(&predicates);
    return chain;
}

void cd_transform_chain_destroy(cd_transform_chain_t *chain)
{
    if (!chain)
        return;
    for (size_t i = 0; i < chain->count; i++) {
        tc_stage_t *s = &chain->stages[i];
        if (s->transform && s->transform->destroy)
            s->transform->destroy(s->transform_state);
        if (s->predicate && s->predicate->destroy)
            s->predicate->destroy(s->predicate_state);
    }
    free(chain);
}

size_t cd_transform_chain_size(const cd_transform_chain_t *chain)
{
    return chain ? chain->count : 0;
}

const char *cd_transform_chain_failed_class(const cd_transform_chain_t *chain)
{
    return chain ? chain->failed_class : NULL;
}

int cd_transform_chain_apply(cd_transform_chain_t *chain, cd_record_t **record, char *errstr,
                             size_t errstr_size)
{
    if (!chain)
        return 0;
    chain->failed_class = NULL;
    for (size_t i = 0; i < chain->count && *record; i++) {
        tc_stage_t *s = &chain->stages[i];
        if (s->predicate) {
            int t = s->predicate->test(s->predicate_state, *record, errstr, errstr_size);
            if (t < 0) {
                chain->failed_class = s->predicate->class_name;
                return -1;
            }
            if (!(s->negate ^ (t == 1)))
                continue;
        }
        if (s->transform->apply(s->transform_state, record, errstr, errstr_size) != 0) {
            chain->failed_class = s->transform->class_name;
            return -1;
        }
    }
    return 0;
}
