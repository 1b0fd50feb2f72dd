/*
 * predicates.c: org.apache.kafka.connect.transforms.predicates.* (STUB: replaced by
 * the real predicates; test fails until then).
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

static int stub_test(void *state, const cd_record_t *record, char *errstr, size_t errstr_size)
{
    (void)state;
    (void)record;
    snprintf(errstr, errstr_size, "predicates are not implemented yet");
    return -1;
}

const cd_predicate_plugin_t cd_predicate_topic_name_matches_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .create = stub_create,
    .destroy = stub_destroy,
    .test = stub_test,
};

const cd_predicate_plugin_t cd_predicate_has_header_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .create = stub_create,
    .destroy = stub_destroy,
    .test = stub_test,
};

const cd_predicate_plugin_t cd_predicate_record_is_tombstone_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .create = stub_create,
    .destroy = stub_destroy,
    .test = stub_test,
};
