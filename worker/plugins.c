/*
 * plugins.c: the plugin registry (Java's Plugins / DelegatingClassLoader).
 * Built-in connectors and converters plus the shared objects found under
 * `plugin.path`; names resolve as Java's PluginUtils aliases do (full class
 * name, simple name, simple name without the "Connector"/"Converter" suffix;
 * an alias two classes share is dropped); cd_plugins_all lists every plugin in
 * the order of GET /connector-plugins?connectorsOnly=false.
 */
#include "worker/plugins.h"

#include "util/log.h"

#include <connectd/transform.h>

#include <connectd/version.h>

#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PL_LOGGER "org.apache.kafka.connect.runtime.isolation.Plugins"
#define PL_MAX_CONNECTORS 256
#define PL_MAX_HANDLES 128
#define PL_MAX_DIRS 64

static const cd_connector_plugin_t *pl_connectors[PL_MAX_CONNECTORS + 1];
static size_t pl_connector_count;
static bool pl_builtins_added;
static void *pl_handles[PL_MAX_HANDLES];
static size_t pl_handle_count;
static pthread_mutex_t pl_lock = PTHREAD_MUTEX_INITIALIZER;

static int pl_cmp_connector(const void *a, const void *b)
{
    const cd_connector_plugin_t *x = *(const cd_connector_plugin_t *const *)a;
    const cd_connector_plugin_t *y = *(const cd_connector_plugin_t *const *)b;
    return strcmp(x->class_name, y->class_name);
}

/* Caller holds pl_lock. */
static void pl_ensure_builtins(void)
{
    if (pl_builtins_added)
        return;
    pl_builtins_added = true;
    pl_connectors[pl_connector_count++] = &cd_file_stream_sink_connector_plugin;
    pl_connectors[pl_connector_count++] = &cd_file_stream_source_connector_plugin;
    pl_connectors[pl_connector_count++] = &cd_kinesis_source_connector_plugin;
    qsort(pl_connectors, pl_connector_count, sizeof(pl_connectors[0]), pl_cmp_connector);
    pl_connectors[pl_connector_count] = NULL;
}

static const char *pl_simple_name(const char *class_name)
{
    const char *dot = strrchr(class_name, '.');
    return dot ? dot + 1 : class_name;
}

/* Does @p name equal the simple name of @p class_name, or it without @p suffix? */
static bool pl_alias_of(const char *class_name, const char *suffix, const char *name)
{
    const char *simple = pl_simple_name(class_name);
    size_t len = strlen(simple), sl = strlen(suffix);
    if (strcmp(simple, name) == 0)
        return true;
    return len > sl && strcmp(simple + len - sl, suffix) == 0 && strlen(name) == len - sl &&
           strncmp(simple, name, len - sl) == 0;
}

const cd_connector_plugin_t *cd_plugins_find_connector(const char *name)
{
    const cd_connector_plugin_t *found = NULL;
    size_t matches = 0;
    if (!name)
        return NULL;
    pthread_mutex_lock(&pl_lock);
    pl_ensure_builtins();
    for (size_t i = 0; i < pl_connector_count; i++)
        if (strcmp(pl_connectors[i]->class_name, name) == 0) {
            found = pl_connectors[i];
            goto out;
        }
    /* aliases: used only when exactly one class has them (PluginUtils.computeAliases) */
    for (size_t i = 0; i < pl_connector_count; i++) {
        const cd_connector_plugin_t *p = pl_connectors[i];
        bool hit = pl_alias_of(p->class_name, "Connector", name);
        for (size_t a = 0; !hit && p->aliases && p->aliases[a]; a++)
            hit = strcmp(p->aliases[a], name) == 0;
        if (hit && p != found) {
            found = p;
            matches++;
        }
    }
    if (matches != 1)
        found = NULL;
out:
    pthread_mutex_unlock(&pl_lock);
    return found;
}

const cd_connector_plugin_t *const *cd_plugins_connectors(size_t *n)
{
    pthread_mutex_lock(&pl_lock);
    pl_ensure_builtins();
    *n = pl_connector_count;
    pthread_mutex_unlock(&pl_lock);
    return pl_connectors;
}

static int pl_cmp_info(const void *a, const void *b)
{
    return strcmp(((const cd_plugin_info_t *)a)->class_name,
                  ((const cd_plugin_info_t *)b)->class_name);
}

/* Appends every converter (header converter if @p header) sorted by class name. */
static size_t pl_add_converters(cd_plugin_info_t *out, size_t n, bool header)
{
    const cd_converter_plugin_t *const *lists[2] = {cd_converter_plugins(),
                                                    cd_converter_registered_plugins()};
    size_t start = n;
    for (size_t l = 0; l < 2; l++) {
        for (size_t i = 0; lists[l][i]; i++) {
            const cd_converter_plugin_t *p = lists[l][i];
            if (header ? !p->is_header_converter : !p->is_converter)
                continue;
            out[n].class_name = p->class_name;
            out[n].type = header ? "header_converter" : "converter";
            out[n].version = l == 0 ? CONNECTD_KAFKA_COMPAT_VERSION : p->version;
            n++;
        }
    }
    qsort(out + start, n - start, sizeof(*out), pl_cmp_info);
    return n;
}

cd_plugin_info_t *cd_plugins_all(size_t *n)
{
    size_t conv = 0, cap;
    cd_plugin_info_t *out;
    const cd_converter_plugin_t *const *reg = cd_converter_registered_plugins();
    for (size_t i = 0; cd_converter_plugins()[i]; i++)
        conv++;
    for (size_t i = 0; reg[i]; i++)
        conv++;
    size_t ntr = 0, npr = 0;
    const cd_transform_plugin_t *const *trs = cd_transform_plugins(&ntr);
    const cd_predicate_plugin_t *const *prs = cd_predicate_plugins(&npr);
    pthread_mutex_lock(&pl_lock);
    pl_ensure_builtins();
    cap = pl_connector_count + 2 * conv + ntr + npr + 1;
    out = calloc(cap, sizeof(*out));
    *n = 0;
    if (!out) {
        pthread_mutex_unlock(&pl_lock);
        return NULL;
    }
    /* ConnectorPluginsResource: sink connectors, source connectors, transformations,
     * predicates, converters, header converters; each set sorted by class name. */
    for (int pass = 0; pass < 2; pass++) {
        cd_connector_type_t want = pass == 0 ? CD_CONNECTOR_SINK : CD_CONNECTOR_SOURCE;
        for (size_t i = 0; i < pl_connector_count; i++) {
            const cd_connector_plugin_t *p = pl_connectors[i];
            if (p->type != want)
                continue;
            out[*n].class_name = p->class_name;
            out[*n].type = p->type == CD_CONNECTOR_SINK ? "sink" : "source";
            out[*n].version = p->version;
            (*n)++;
        }
    }
    pthread_mutex_unlock(&pl_lock);
    for (size_t i = 0; i < ntr; i++) {
        out[*n].class_name = trs[i]->class_name;
        out[*n].type = "transformation";
        out[*n].version = trs[i]->version;
        (*n)++;
    }
    for (size_t i = 0; i < npr; i++) {
        out[*n].class_name = prs[i]->class_name;
        out[*n].type = "predicate";
        out[*n].version = prs[i]->version;
        (*n)++;
    }
    *n = pl_add_converters(out, *n, false);
    *n = pl_add_converters(out, *n, true);
    return out;
}

/* ------------------------------------------------------------------ */
/* plugin.path                                                         */
/* ------------------------------------------------------------------ */

static bool pl_is_so(const char *name)
{
    size_t len = strlen(name);
    return len > 3 && strcmp(name + len - 3, ".so") == 0;
}

static int pl_validate_connector(const char *path, const cd_connector_plugin_t *p, char *errstr,
                                 size_t errstr_size)
{
    const char *what = NULL;
    if (!p->class_name || !p->class_name[0])
        what = "a connector without a class name";
    else if (!p->start || !p->task_configs || !p->stop)
        what = "a connector without start/task_configs/stop";
    else if (p->type == CD_CONNECTOR_SOURCE && (!p->source_task || !p->source_task->start ||
                                                !p->source_task->poll || !p->source_task->stop))
        what = "a source connector without a complete source task";
    else if (p->type == CD_CONNECTOR_SINK &&
             (!p->sink_task || !p->sink_task->start || !p->sink_task->put || !p->sink_task->stop))
        what = "a sink connector without a complete sink task";
    else if (p->type != CD_CONNECTOR_SOURCE && p->type != CD_CONNECTOR_SINK)
        what = "a connector of unknown type";
    if (what) {
        snprintf(errstr, errstr_size, "Invalid plugin %s: %s%s%s", path, what,
                 p->class_name ? " " : "", p->class_name ? p->class_name : "");
        return -1;
    }
    return 0;
}

static int pl_validate_converter(const char *path, const cd_converter_plugin_t *p, char *errstr,
                                 size_t errstr_size)
{
    const char *what = NULL;
    if (!p->class_name || !p->class_name[0])
        what = "a converter without a class name";
    else if (!p->is_converter && !p->is_header_converter)
        what = "a converter that is neither a Converter nor a HeaderConverter";
    else if (p->is_converter && (!p->from_connect || !p->to_connect))
        what = "a Converter without from_connect/to_connect";
    else if (p->is_header_converter && (!p->from_connect_header || !p->to_connect_header))
        what = "a HeaderConverter without from_connect_header/to_connect_header";
    if (what) {
        snprintf(errstr, errstr_size, "Invalid plugin %s: %s%s%s", path, what,
                 p->class_name ? " " : "", p->class_name ? p->class_name : "");
        return -1;
    }
    return 0;
}

/* Loads one shared object. @returns 1 if loaded, -1 with errstr. Caller holds pl_lock. */
static int pl_load_file(const char *path, char *errstr, size_t errstr_size)
{
    void *h;
    const cd_connector_plugin_t *const *conns;
    const cd_converter_plugin_t *const *convs;
    const cd_transform_plugin_t *const *trs;
    const cd_predicate_plugin_t *const *prs;
    size_t nc = 0, nv = 0, nt = 0;
    if (pl_handle_count == PL_MAX_HANDLES) {
        snprintf(errstr, errstr_size, "Too many plugin shared objects (at most %d)",
                 PL_MAX_HANDLES);
        return -1;
    }
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(errstr, errstr_size, "Cannot load plugin %s: %s", path, e ? e : "dlopen failed");
        return -1;
    }
    conns = (const cd_connector_plugin_t *const *)dlsym(h, CD_PLUGIN_CONNECTORS_SYMBOL);
    convs = (const cd_converter_plugin_t *const *)dlsym(h, CD_PLUGIN_CONVERTERS_SYMBOL);
    trs = (const cd_transform_plugin_t *const *)dlsym(h, CD_PLUGIN_TRANSFORMS_SYMBOL);
    prs = (const cd_predicate_plugin_t *const *)dlsym(h, CD_PLUGIN_PREDICATES_SYMBOL);
    for (size_t i = 0; trs && trs[i]; i++) {
        if (!trs[i]->class_name || !trs[i]->create || !trs[i]->apply ||
            cd_transform_register(trs[i]) != 0) {
            snprintf(errstr, errstr_size,
                     "Invalid plugin %s: transformation %s is incomplete or "
                     "already loaded",
                     path, trs[i]->class_name ? trs[i]->class_name : "?");
            goto fail;
        }
        nt++;
    }
    for (size_t i = 0; prs && prs[i]; i++) {
        if (!prs[i]->class_name || !prs[i]->create || !prs[i]->test ||
            cd_predicate_register(prs[i]) != 0) {
            snprintf(errstr, errstr_size,
                     "Invalid plugin %s: predicate %s is incomplete or "
                     "already loaded",
                     path, prs[i]->class_name ? prs[i]->class_name : "?");
            goto fail;
        }
        nt++;
    }
    if (!conns && !convs && nt > 0) {
        pl_handles[pl_handle_count++] = h;
        cd_log_info(PL_LOGGER, "Loaded plugin %s (%zu transformations and predicates)", path, nt);
        return 1;
    }
    if (!conns && !convs) {
        snprintf(errstr, errstr_size, "Invalid plugin %s: it exports neither %s nor %s", path,
                 CD_PLUGIN_CONNECTORS_SYMBOL, CD_PLUGIN_CONVERTERS_SYMBOL);
        goto fail;
    }
    for (; conns && conns[nc]; nc++) {
        if (nc == PL_MAX_CONNECTORS) {
            snprintf(errstr, errstr_size, "Invalid plugin %s: too many connectors", path);
            goto fail;
        }
        if (pl_validate_connector(path, conns[nc], errstr, errstr_size))
            goto fail;
        for (size_t i = 0; i < pl_connector_count; i++)
            if (strcmp(pl_connectors[i]->class_name, conns[nc]->class_name) == 0) {
                snprintf(errstr, errstr_size, "Invalid plugin %s: connector %s is already loaded",
                         path, conns[nc]->class_name);
                goto fail;
            }
    }
    for (; convs && convs[nv]; nv++) {
        if (pl_validate_converter(path, convs[nv], errstr, errstr_size))
            goto fail;
        if (cd_converter_plugin_find(convs[nv]->class_name)) {
            snprintf(errstr, errstr_size, "Invalid plugin %s: converter %s is already loaded", path,
                     convs[nv]->class_name);
            goto fail;
        }
    }
    if (pl_connector_count + nc > PL_MAX_CONNECTORS) {
        snprintf(errstr, errstr_size, "Too many connector plugins (at most %d)", PL_MAX_CONNECTORS);
        goto fail;
    }
    for (size_t i = 0; i < nv; i++) {
        if (cd_converter_register(convs[i])) {
            snprintf(errstr, errstr_size, "Cannot register converter %s from %s",
                     convs[i]->class_name, path);
            goto fail; /* earlier ones stay registered until cd_plugins_unload */
        }
    }
    for (size_t i = 0; i < nc; i++)
        pl_connectors[pl_connector_count++] = conns[i];
    qsort(pl_connectors, pl_connector_count, sizeof(pl_connectors[0]), pl_cmp_connector);
    pl_connectors[pl_connector_count] = NULL;
    pl_handles[pl_handle_count++] = h;
    cd_log_info(PL_LOGGER, "Loaded plugin %s (%zu connectors, %zu converters)", path, nc, nv);
    return 1;
fail:
    if (nv == 0 && nt == 0)
        dlclose(h);
    else
        pl_handles[pl_handle_count++] = h;
    return -1;
}

/* Loads the *.so files directly in @p dir, and in its subdirectories if @p depth > 0. */
static int pl_load_dir(const char *dir, int depth, char *errstr, size_t errstr_size)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int loaded = 0;
    if (!d) {
        if (depth > 0) {
            snprintf(errstr, errstr_size, "Cannot read plugin.path directory %s", dir);
            return -1;
        }
        return 0;
    }
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **grown = ncap > 4096 ? NULL : realloc(names, ncap * sizeof(*names));
            if (!grown)
                break;
            names = grown;
            cap = ncap;
        }
        names[count] = strdup(e->d_name);
        if (names[count])
            count++;
    }
    closedir(d);
    /* a stable order: sorted names */
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (size_t i = 0; i < count && loaded >= 0; i++) {
        char path[4096];
        struct stat st;
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path))
            continue;
        if (stat(path, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode) && depth > 0) {
            int r = pl_load_dir(path, depth - 1, errstr, errstr_size);
            loaded = r < 0 ? -1 : loaded + r;
        } else if (S_ISREG(st.st_mode) && pl_is_so(names[i])) {
            int r = pl_load_file(path, errstr, errstr_size);
            loaded = r < 0 ? -1 : loaded + r;
        }
    }
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return loaded;
}

int cd_plugins_load_path(const char *plugin_path, char *errstr, size_t errstr_size)
{
    int total = 0;
    const char *p = plugin_path;
    if (!plugin_path)
        return 0;
    pthread_mutex_lock(&pl_lock);
    pl_ensure_builtins();
    while (p && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char dir[4096];
        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len >= sizeof(dir)) {
            snprintf(errstr, errstr_size, "plugin.path entry too long");
            total = -1;
            break;
        }
        if (len) {
            memcpy(dir, p, len);
            dir[len] = 0;
            struct stat st;
            if (stat(dir, &st) == 0 && S_ISREG(st.st_mode) && pl_is_so(dir)) {
                int r = pl_load_file(dir, errstr, errstr_size);
                if (r < 0) {
                    total = -1;
                    break;
                }
                total += r;
            } else if (stat(dir, &st) != 0) {
                /* Java logs and carries on for a missing plugin.path entry */
                cd_log_error(PL_LOGGER, "Could not get listing for plugin path: %s. Ignoring.",
                             dir);
            } else {
                int r = pl_load_dir(dir, 1, errstr, errstr_size);
                if (r < 0) {
                    total = -1;
                    break;
                }
                total += r;
            }
        }
        p = comma ? comma + 1 : NULL;
    }
    pthread_mutex_unlock(&pl_lock);
    return total;
}

void cd_plugins_unload(void)
{
    pthread_mutex_lock(&pl_lock);
    cd_converter_unregister_all();
    pl_connector_count = 0;
    pl_builtins_added = false;
    pl_connectors[0] = NULL;
    for (size_t i = 0; i < pl_handle_count; i++)
        dlclose(pl_handles[i]);
    pl_handle_count = 0;
    pthread_mutex_unlock(&pl_lock);
}

const char *cd_plugins_status_version(const cd_properties_t *config)
{
    const char *cls = config ? cd_properties_get(config, "connector.class") : NULL;
    const cd_connector_plugin_t *plugin = cls ? cd_plugins_find_connector(cls) : NULL;
    if (!plugin || !plugin->version || strcmp(plugin->version, "undefined") == 0)
        return NULL;
    return plugin->version;
}
