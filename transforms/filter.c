/*
 * filter.c: org.apache.kafka.connect.transforms.Filter: drops every record
 * (apply returns null). Useful with a predicate: transforms.X.predicate.
 */
#include "transforms/builtin_transforms.h"

#include <connectd/version.h>

static const cd_config_key_t filter_keys[] = {{.name = NULL}};

static int filter_create(const cd_properties_t *config, void **state, char *errstr,
                         size_t errstr_size)
{
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *state = NULL;
    return 0;
}

static void filter_destroy(void *state)
{
    (void)state;
}

static int filter_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    (void)state;
    (void)errstr;
    (void)errstr_size;
    cd_record_destroy(*record);
    *record = NULL;
    return 0;
}

const cd_transform_plugin_t cd_transform_filter_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.Filter",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = filter_keys,
    .create = filter_create,
    .destroy = filter_destroy,
    .apply = filter_apply,
};
