/*
 * drop_headers.c: org.apache.kafka.connect.transforms.DropHeaders (STUB: replaced by the real
 * transformation; apply refuses every record until then).
 */
#include "transforms/builtin_transforms.h"

#include <connectd/version.h>

#include <stdio.h>

static int stub_create(const cd_properties_t *config, void **state, char *errstr,
                       size_t errstr_size)
{
    (void)config;
    (void)errstr;
    (void)errstr_size;
    *state = NULL;
    return 0;
}

static void stub_destroy(void *state)
{
    (void)state;
}

static int stub_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    (void)state;
    (void)record;
    snprintf(errstr, errstr_size, "DropHeaders is not implemented yet");
    return -1;
}

const cd_transform_plugin_t cd_transform_drop_headers_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.DropHeaders",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .create = stub_create,
    .destroy = stub_destroy,
    .apply = stub_apply,
};
