/*
 * registry.c: the transformation and predicate registry (the part of Java's
 * Plugins that knows Transformation and Predicate classes). Built-ins first,
 * then what plugin shared objects register; names resolve as Java's plugin
 * aliases do: the class name, or the simple name (after the last '.' and the
 * last '$'), an alias two classes share being dropped.
 */
#include "transforms/builtin_transforms.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define TR_MAX 256

const cd_transform_plugin_t *const cd_builtin_transforms[] = {
    &cd_transform_cast_key_plugin,
    &cd_transform_cast_value_plugin,
    &cd_transform_drop_headers_plugin,
    &cd_transform_extract_field_key_plugin,
    &cd_transform_extract_field_value_plugin,
    &cd_transform_filter_plugin,
    &cd_transform_flatten_key_plugin,
    &cd_transform_flatten_value_plugin,
    &cd_transform_header_from_key_plugin,
    &cd_transform_header_from_value_plugin,
    &cd_transform_hoist_field_key_plugin,
    &cd_transform_hoist_field_value_plugin,
    &cd_transform_insert_field_key_plugin,
    &cd_transform_insert_field_value_plugin,
    &cd_transform_insert_header_plugin,
    &cd_transform_mask_field_key_plugin,
    &cd_transform_mask_field_value_plugin,
    &cd_transform_regex_router_plugin,
    &cd_transform_replace_field_key_plugin,
    &cd_transform_replace_field_value_plugin,
    &cd_transform_set_schema_metadata_key_plugin,
    &cd_transform_set_schema_metadata_value_plugin,
    &cd_transform_timestamp_converter_key_plugin,
    &cd_transform_timestamp_converter_value_plugin,
    &cd_transform_timestamp_router_plugin,
    &cd_transform_value_to_key_plugin,
    NULL,
};

const cd_predicate_plugin_t *const cd_builtin_predicates[] = {
    &cd_predicate_topic_name_matches_plugin,
    &cd_predicate_has_header_key_plugin,
    &cd_predicate_record_is_tombstone_plugin,
    NULL,
};

static const cd_transform_plugin_t *tr_transforms[TR_MAX + 1];
static size_t tr_transform_count;
static const cd_predicate_plugin_t *tr_predicates[TR_MAX + 1];
static size_t tr_predicate_count;
static bool tr_ready;
static pthread_mutex_t tr_lock = PTHREAD_MUTEX_INITIALIZER;

static int tr_cmp_transform(const void *a, const void *b)
{
    return strcmp((*(const cd_transform_plugin_t *const *)a)->class_name,
                  (*(const cd_transform_plugin_t *const *)b)->class_name);
}

static int tr_cmp_predicate(const void *a, const void *b)
{
    return strcmp((*(const cd_predicate_plugin_t *const *)a)->class_name,
                  (*(const cd_predicate_plugin_t *const *)b)->class_name);
}

/* Caller holds tr_lock. */
static void tr_ensure_builtins(void)
{
    if (tr_ready)
        return;
    tr_ready = true;
    for (size_t i = 0; cd_builtin_transforms[i]; i++)
        tr_transforms[tr_transform_count++] = cd_builtin_transforms[i];
    for (size_t i = 0; cd_builtin_predicates[i]; i++)
        tr_predicates[tr_predicate_count++] = cd_builtin_predicates[i];
    qsort(tr_transforms, tr_transform_count, sizeof(tr_transforms[0]), tr_cmp_transform);
    qsort(tr_predicates, tr_predicate_count, sizeof(tr_predicates[0]), tr_cmp_predicate);
}

/* The simple name of a class: after the last '.', then after the last '$'. */
static const char *tr_simple_name(const char *class_name)
{
    const char *dot = strrchr(class_name, '.');
    const char *simple = dot ? dot + 1 : class_name;
    const char *dollar = strrchr(simple, '$');
    return dollar ? dollar + 1 : simple;
}

/* The index in @p names of the class named or aliased @p name, or -1. */
static long tr_find(const char *const *names, size_t n, const char *name)
{
    long found = -1;
    size_t aliased = 0;
    if (!name)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return (long)i;
        if (strcmp(tr_simple_name(names[i]), name) == 0) {
            found = (long)i;
            aliased++;
        }
    }
    return aliased == 1 ? found : -1;
}

const cd_transform_plugin_t *cd_transform_plugin_find(const char *name)
{
    const char *names[TR_MAX];
    const cd_transform_plugin_t *found = NULL;
    long i;
    pthread_mutex_lock(&tr_lock);
    tr_ensure_builtins();
    for (size_t k = 0; k < tr_transform_count; k++)
        names[k] = tr_transforms[k]->class_name;
    i = tr_find(names, tr_transform_count, name);
    if (i >= 0)
        found = tr_transforms[i];
    pthread_mutex_unlock(&tr_lock);
    return found;
}

const cd_transform_plugin_t *const *cd_transform_plugins(size_t *n)
{
    pthread_mutex_lock(&tr_lock);
    tr_ensure_builtins();
    *n = tr_transform_count;
    pthread_mutex_unlock(&tr_lock);
    return tr_transforms;
}

const cd_predicate_plugin_t *cd_predicate_plugin_find(const char *name)
{
    const char *names[TR_MAX];
    const cd_predicate_plugin_t *found = NULL;
    long i;
    pthread_mutex_lock(&tr_lock);
    tr_ensure_builtins();
    for (size_t k = 0; k < tr_predicate_count; k++)
        names[k] = tr_predicates[k]->class_name;
    i = tr_find(names, tr_predicate_count, name);
    if (i >= 0)
        found = tr_predicates[i];
    pthread_mutex_unlock(&tr_lock);
    return found;
}

const cd_predicate_plugin_t *const *cd_predicate_plugins(size_t *n)
{
    pthread_mutex_lock(&tr_lock);
    tr_ensure_builtins();
    *n = tr_predicate_count;
    pthread_mutex_unlock(&tr_lock);
    return tr_predicates;
}

int cd_transform_register(const cd_transform_plugin_t *plugin)
{
    int rc = -1;
    pthread_mutex_lock(&tr_lock);
    tr_ensure_builtins();
    if (tr_transform_count < TR_MAX) {
        bool known = false;
        for (size_t i = 0; i < tr_transform_count && !known; i++)
            known = strcmp(tr_transforms[i]->class_name, plugin->class_name) == 0;
        if (!known) {
            tr_transforms[tr_transform_count++] = plugin;
            qsort(tr_transforms, tr_transform_count, sizeof(tr_transforms[0]), tr_cmp_transform);
            tr_transforms[tr_transform_count] = NULL;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&tr_lock);
    return rc;
}

int cd_predicate_register(const cd_predicate_plugin_t *plugin)
{
    int rc = -1;
    pthread_mutex_lock(&tr_lock);
    tr_ensure_builtins();
    if (tr_predicate_count < TR_MAX) {
        bool known = false;
        for (size_t i = 0; i < tr_predicate_count && !known; i++)
            known = strcmp(tr_predicates[i]->class_name, plugin->class_name) == 0;
        if (!known) {
            tr_predicates[tr_predicate_count++] = plugin;
            qsort(tr_predicates, tr_predicate_count, sizeof(tr_predicates[0]), tr_cmp_predicate);
            tr_predicates[tr_predicate_count] = NULL;
            rc = 0;
        }
    }
    pthread_mutex_unlock(&tr_lock);
    return rc;
}
