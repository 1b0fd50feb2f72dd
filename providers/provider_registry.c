/*
 * provider_registry.c: the config provider classes this process knows (the
 * three built-ins plus any a plugin registers) and the provider instances a
 * worker makes from `config.providers` (Worker.initConfigTransformer), or
 * that AbstractConfig makes while resolving the worker properties.
 */
#include "providers/config_providers.h"

#include "util/log.h"
#include "util/properties.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CD_MAX_PROVIDER_CLASSES 64
#define CD_MAX_PROVIDERS 256

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static const cd_config_provider_plugin_t *registry[CD_MAX_PROVIDER_CLASSES] = {
    &cd_file_config_provider, &cd_directory_config_provider, &cd_env_var_config_provider};
static size_t registry_count = 3;

int cd_config_provider_register(const cd_config_provider_plugin_t *plugin)
{
    if (!plugin || !plugin->class_name || !plugin->configure || !plugin->get)
        return -1;
    int rc = -1;
    pthread_mutex_lock(&registry_lock);
    bool taken = false;
    for (size_t i = 0; i < registry_count; i++)
        if (strcmp(registry[i]->class_name, plugin->class_name) == 0)
            taken = true;
    if (!taken && registry_count < CD_MAX_PROVIDER_CLASSES) {
        registry[registry_count++] = plugin;
        rc = 0;
    }
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

const cd_config_provider_plugin_t *cd_config_provider_find(const char *class_or_alias)
{
    const cd_config_provider_plugin_t *found = NULL;
    if (!class_or_alias)
        return NULL;
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < registry_count && !found; i++)
        if (strcmp(registry[i]->class_name, class_or_alias) == 0 ||
            (registry[i]->alias && strcmp(registry[i]->alias, class_or_alias) == 0))
            found = registry[i];
    pthread_mutex_unlock(&registry_lock);
    return found;
}

/* "a, b, c": the registered class names, for Plugins.newConfigProvider's message. */
static void registry_names(char *out, size_t out_size)
{
    size_t o = 0;
    out[0] = '\0';
    pthread_mutex_lock(&registry_lock);
    for (size_t i = 0; i < registry_count && o < out_size; i++) {
        int w = snprintf(out + o, out_size - o, "%s%s", i ? ", " : "", registry[i]->class_name);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    pthread_mutex_unlock(&registry_lock);
}

/* ------------------------------------------------------------------ */
/* provider instances                                                  */
/* ------------------------------------------------------------------ */

typedef struct {
    char *name;
    const cd_config_provider_plugin_t *plugin;
    void *state;
} provider_instance_t;

struct cd_config_providers_s {
    provider_instance_t *items;
    size_t count;
};

void cd_config_providers_destroy(cd_config_providers_t *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->count; i++) {
        if (set->items[i].plugin->close)
            set->items[i].plugin->close(set->items[i].state);
        free(set->items[i].name);
    }
    free(set->items);
    free(set);
}

size_t cd_config_providers_count(const cd_config_providers_t *set)
{
    return set ? set->count : 0;
}

/* The instance named @p name, NULL when absent (internal to the transformer). */
const cd_config_provider_plugin_t *cd_config_providers_lookup(const cd_config_providers_t *set,
                                                              const char *name, size_t name_len,
                                                              void **state);
const cd_config_provider_plugin_t *cd_config_providers_lookup(const cd_config_providers_t *set,
                                                              const char *name, size_t name_len,
                                                              void **state)
{
    for (size_t i = 0; set && i < set->count; i++)
        if (strlen(set->items[i].name) == name_len &&
            memcmp(set->items[i].name, name, name_len) == 0) {
            *state = set->items[i].state;
            return set->items[i].plugin;
        }
    return NULL;
}

/* The param.* settings of provider @p name, prefix stripped. */
static cd_properties_t *provider_params(const cd_properties_t *props, const char *name)
{
    cd_properties_t *params = cd_properties_new();
    size_t pl = strlen("config.providers.") + strlen(name) + strlen(".param.") + 1;
    char *prefix = malloc(pl);
    if (!params || !prefix)
        goto fail;
    snprintf(prefix, pl, "config.providers.%s.param.", name);
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < cd_properties_count(props); i++) {
        const char *k = cd_properties_key_at(props, i);
        if (strncmp(k, prefix, plen) == 0 && k[plen] &&
            cd_properties_set(params, k + plen, cd_properties_value_at(props, i)) != 0)
            goto fail;
    }
    free(prefix);
    return params;
fail:
    free(prefix);
    cd_properties_destroy(params);
    return NULL;
}

/* Builds the set. @p abstract_config: AbstractConfig's rules (names split on ',' as
 * they are, unknown class = ConfigException), else the Worker's (names trimmed,
 * unknown class = ConnectException from Plugins). */
static cd_config_providers_t *providers_build(const cd_properties_t *props, bool abstract_config,
                                              char *errstr, size_t errstr_size)
{
    cd_config_providers_t *set = calloc(1, sizeof(*set));
    const char *list = props ? cd_properties_get(props, "config.providers") : NULL;
    char *copy = NULL;
    if (!set)
        goto oom;
    if (!list || !list[0])
        return set;
    copy = strdup(list);
    set->items = calloc(CD_MAX_PROVIDERS, sizeof(*set->items));
    if (!copy || !set->items)
        goto oom;
    for (char *s = copy;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        char *name = s;
        if (!abstract_config) {
            while (*name == ' ' || *name == '\t')
                name++;
            size_t nl = strlen(name);
            while (nl > 0 && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
                name[--nl] = '\0';
        }
        char key[512];
        snprintf(key, sizeof(key), "config.providers.%s.class", name);
        const char *cls = strlen(name) < 400 ? cd_properties_get(props, key) : NULL;
        bool dup = false;
        for (size_t i = 0; i < set->count; i++)
            if (strcmp(set->items[i].name, name) == 0)
                dup = true; /* a map: the first instance stays */
        if (cls && !dup) {
            const cd_config_provider_plugin_t *plugin = cd_config_provider_find(cls);
            if (!plugin) {
                if (abstract_config) {
                    snprintf(errstr, errstr_size,
                             "Invalid value %s for configuration %s: Could not load config "
                             "provider class or one of its dependencies",
                             cls, key);
                } else {
                    char names[1024];
                    registry_names(names, sizeof(names));
                    snprintf(errstr, errstr_size,
                             "Failed to find any class that implements ConfigProvider and which "
                             "name matches %s, available ConfigProviders are: %s",
                             cls, names);
                }
                goto fail;
            }
            if (set->count == CD_MAX_PROVIDERS) {
                snprintf(errstr, errstr_size, "Too many config providers (at most %d)",
                         CD_MAX_PROVIDERS);
                goto fail;
            }
            cd_properties_t *params = provider_params(props, name);
            if (!params)
                goto oom;
            void *state = plugin->configure(params, errstr, errstr_size);
            cd_properties_destroy(params);
            if (!state)
                goto fail;
            provider_instance_t *it = &set->items[set->count];
            it->name = strdup(name);
            it->plugin = plugin;
            it->state = state;
            set->count++;
            if (!it->name)
                goto oom;
        }
        if (!comma)
            break;
        s = comma + 1;
    }
    free(copy);
    return set;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    free(copy);
    cd_config_providers_destroy(set);
    return NULL;
}

cd_config_providers_t *cd_config_providers_new(const cd_properties_t *props, char *errstr,
                                               size_t errstr_size)
{
    return providers_build(props, false, errstr, errstr_size);
}

cd_config_providers_t *cd_config_providers_new_for_worker(const cd_properties_t *props,
                                                          char *errstr, size_t errstr_size)
{
    return providers_build(props, true, errstr, errstr_size);
}
