/*
 * config_transformer.c: org.apache.kafka.common.config.ConfigTransformer and
 * AbstractHerder.reverseTransform. Variables follow Java's pattern
 * `\$\{(.*?):((.*?):)?(.*?)\}` exactly (matched by hand, with the lazy groups'
 * backtracking worked out below); each (provider, path) is asked once for all
 * its keys; an unknown provider or a key the provider does not have leaves the
 * variable's text as it is; a provider's failure fails the whole transform.
 */
#include "providers/config_providers.h"

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cd_config_provider_plugin_t *cd_config_providers_lookup(const cd_config_providers_t *set,
                                                              const char *name, size_t name_len,
                                                              void **state);

/* java.util.regex line terminators ('.' does not match them): \n \r U+0085 U+2028 U+2029. */
static bool line_terminator_at(const char *t, size_t len, size_t i)
{
    unsigned char c = (unsigned char)t[i];
    if (c == '\n' || c == '\r')
        return true;
    if (c == 0xC2 && i + 1 < len && (unsigned char)t[i + 1] == 0x85)
        return true;
    if (c == 0xE2 && i + 2 < len && (unsigned char)t[i + 1] == 0x80 &&
        ((unsigned char)t[i + 2] == 0xA8 || (unsigned char)t[i + 2] == 0xA9))
        return true;
    return false;
}

/* First @p ch at or after @p from on the same line, or len when none. */
static size_t find_on_line(const char *t, size_t len, size_t from, char ch)
{
    for (size_t i = from; i < len; i++) {
        if (line_terminator_at(t, len, i))
            return len;
        if (t[i] == ch)
            return i;
    }
    return len;
}

/*
 * For a match at "${": group 1 (lazy) ends at the first ':' of the line, since if
 * the rest fails after it, it fails after any later ':' too. The optional group 2
 * is tried first: its lazy path ends at the next ':' of the line, and holds when a
 * '}' follows that on the line. Otherwise there is no path and the key runs to the
 * first '}' after the first ':'. Paths and providers may thus contain '}'.
 */
bool cd_config_next_variable(const char *text, size_t len, size_t from, cd_config_variable_t *var)
{
    for (size_t s = from; s + 1 < len; s++) {
        if (text[s] != '$' || text[s + 1] != '{')
            continue;
        size_t p1 = find_on_line(text, len, s + 2, ':');
        if (p1 == len)
            continue;
        size_t close1 = find_on_line(text, len, p1 + 1, '}');
        if (close1 == len)
            continue;
        var->start = s;
        var->provider_off = s + 2;
        var->provider_len = p1 - (s + 2);
        size_t p2 = find_on_line(text, len, p1 + 1, ':');
        size_t close2 = p2 < len ? find_on_line(text, len, p2 + 1, '}') : len;
        if (p2 < len && close2 < len) {
            var->path_off = p1 + 1;
            var->path_len = p2 - (p1 + 1);
            var->key_off = p2 + 1;
            var->key_len = close2 - (p2 + 1);
            var->end = close2 + 1;
        } else {
            var->path_off = p1 + 1;
            var->path_len = 0;
            var->key_off = p1 + 1;
            var->key_len = close1 - (p1 + 1);
            var->end = close1 + 1;
        }
        return true;
    }
    return false;
}

bool cd_config_has_variable(const char *value)
{
    cd_config_variable_t v;
    return value && cd_config_next_variable(value, strlen(value), 0, &v);
}

/* The lookups of one (provider, path). */
typedef struct {
    char *provider;
    char *path;
    char **keys;
    size_t nkeys, keys_cap;
    const cd_config_provider_plugin_t *plugin; /* NULL: unknown provider */
    void *state;
    cd_properties_t *data;
} lookup_t;

typedef struct {
    lookup_t *items;
    size_t count, cap;
    size_t nvars;
} lookups_t;

static void lookups_free(lookups_t *l)
{
    for (size_t i = 0; i < l->count; i++) {
        lookup_t *g = &l->items[i];
        free(g->provider);
        free(g->path);
        for (size_t k = 0; k < g->nkeys; k++)
            free(g->keys[k]);
        free(g->keys);
        cd_properties_destroy(g->data);
    }
    free(l->items);
}

static lookup_t *lookup_find(lookups_t *l, const char *t, const cd_config_variable_t *v)
{
    for (size_t i = 0; i < l->count; i++) {
        lookup_t *g = &l->items[i];
        if (strlen(g->provider) == v->provider_len &&
            memcmp(g->provider, t + v->provider_off, v->provider_len) == 0 &&
            strlen(g->path) == v->path_len && memcmp(g->path, t + v->path_off, v->path_len) == 0)
            return g;
    }
    return NULL;
}

/* Records the variable's key under its (provider, path). 0, or -1 on out of memory. */
static int lookups_add(lookups_t *l, const cd_config_providers_t *set, const char *t,
                       const cd_config_variable_t *v)
{
    lookup_t *g = lookup_find(l, t, v);
    if (!g) {
        if (l->count == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : 8;
            lookup_t *n = realloc(l->items, ncap * sizeof(*n));
            if (!n)
                return -1;
            l->items = n;
            l->cap = ncap;
        }
        g = &l->items[l->count];
        memset(g, 0, sizeof(*g));
        g->provider = strndup(t + v->provider_off, v->provider_len);
        g->path = strndup(t + v->path_off, v->path_len);
        l->count++;
        if (!g->provider || !g->path)
            return -1;
        g->plugin =
            cd_config_providers_lookup(set, t + v->provider_off, v->provider_len, &g->state);
    }
    for (size_t k = 0; k < g->nkeys; k++)
        if (strlen(g->keys[k]) == v->key_len && memcmp(g->keys[k], t + v->key_off, v->key_len) == 0)
            return 0;
    if (g->nkeys == g->keys_cap) {
        size_t ncap = g->keys_cap ? g->keys_cap * 2 : 4;
        char **n = realloc(g->keys, ncap * sizeof(*n));
        if (!n)
            return -1;
        g->keys = n;
        g->keys_cap = ncap;
    }
    g->keys[g->nkeys] = strndup(t + v->key_off, v->key_len);
    if (!g->keys[g->nkeys])
        return -1;
    g->nkeys++;
    return 0;
}

/* ConfigTransformer.replace for one value (malloc'd), NULL on out of memory. */
static char *replace_value(lookups_t *l, const char *value)
{
    size_t len = strlen(value), cap = len + 1, o = 0, i = 0;
    char *out = malloc(cap);
    cd_config_variable_t v;
    if (!out)
        return NULL;
    for (size_t from = 0; cd_config_next_variable(value, len, from, &v); from = v.end) {
        lookup_t *g = lookup_find(l, value, &v);
        char *key = strndup(value + v.key_off, v.key_len);
        if (!key) {
            free(out);
            return NULL;
        }
        const char *rep = g && g->data ? cd_properties_get(g->data, key) : NULL;
        free(key);
        if (!rep)
            continue; /* left as it is */
        size_t need = o + (v.start - i) + strlen(rep) + (len - v.end) + 1;
        if (need > cap) {
            char *n = realloc(out, need);
            if (!n) {
                free(out);
                return NULL;
            }
            out = n;
            cap = need;
        }
        memcpy(out + o, value + i, v.start - i);
        o += v.start - i;
        memcpy(out + o, rep, strlen(rep));
        o += strlen(rep);
        i = v.end;
    }
    if (o + (len - i) + 1 > cap) {
        char *n = realloc(out, o + (len - i) + 1);
        if (!n) {
            free(out);
            return NULL;
        }
        out = n;
    }
    memcpy(out + o, value + i, len - i);
    out[o + len - i] = '\0';
    return out;
}

cd_properties_t *cd_config_transform(const cd_config_providers_t *set,
                                     const cd_properties_t *configs, char *errstr,
                                     size_t errstr_size)
{
    lookups_t l = {0};
    cd_properties_t *out = NULL;
    size_t n = configs ? cd_properties_count(configs) : 0;
    /* collect the variables */
    for (size_t i = 0; i < n; i++) {
        const char *value = cd_properties_value_at(configs, i);
        size_t len = strlen(value);
        cd_config_variable_t v;
        for (size_t from = 0; cd_config_next_variable(value, len, from, &v); from = v.end) {
            if (++l.nvars > CD_CONFIG_MAX_VARIABLES) {
                snprintf(errstr, errstr_size, "Too many config variables (at most %d)",
                         CD_CONFIG_MAX_VARIABLES);
                goto fail;
            }
            if (lookups_add(&l, set, value, &v) != 0)
                goto oom;
        }
    }
    /* ask the providers */
    for (size_t i = 0; i < l.count; i++) {
        lookup_t *g = &l.items[i];
        if (!g->plugin)
            continue;
        g->data = cd_properties_new();
        if (!g->data)
            goto oom;
        errstr[0] = '\0';
        if (g->plugin->get(g->state, g->path, (const char *const *)g->keys, g->nkeys, g->data,
                           errstr, errstr_size) != 0) {
            if (!errstr[0])
                snprintf(errstr, errstr_size, "Config provider %s failed", g->provider);
            goto fail;
        }
    }
    /* replace */
    out = cd_properties_new();
    if (!out)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        const char *value = cd_properties_value_at(configs, i);
        char *nv = l.count ? replace_value(&l, value) : strdup(value);
        if (!nv)
            goto oom;
        int rc = cd_properties_set(out, cd_properties_key_at(configs, i), nv);
        free(nv);
        if (rc != 0)
            goto oom;
    }
    lookups_free(&l);
    return out;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    cd_properties_destroy(out);
    lookups_free(&l);
    return NULL;
}

int cd_config_reverse_transform(const cd_properties_t *raw_connector_config,
                                cd_properties_t *task_config)
{
    for (size_t i = 0; raw_connector_config && i < cd_properties_count(raw_connector_config); i++) {
        const char *k = cd_properties_key_at(raw_connector_config, i);
        const char *raw = cd_properties_value_at(raw_connector_config, i);
        if (cd_properties_get(task_config, k) && cd_config_has_variable(raw) &&
            cd_properties_set(task_config, k, raw) != 0)
            return -1;
    }
    return 0;
}

cd_properties_t *cd_config_resolve_worker_props(const cd_properties_t *props, char *errstr,
                                                size_t errstr_size)
{
    cd_config_providers_t *set = cd_config_providers_new_for_worker(props, errstr, errstr_size);
    cd_properties_t *out;
    if (!set)
        return NULL;
    out = cd_config_transform(set, props, errstr, errstr_size);
    cd_config_providers_destroy(set);
    return out;
}
