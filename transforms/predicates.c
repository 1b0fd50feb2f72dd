/*
 * predicates.c: org.apache.kafka.connect.transforms.predicates.*:
 * TopicNameMatches (`pattern`, the whole topic matches), HasHeaderKey
 * (`name`, at least one header with that key) and RecordIsTombstone (the
 * value is null).
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_c_util.h"

#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CompositeValidator.of(new NonEmptyString(), new RegexValidator()) */
static int pattern_validator(const char *name, const cd_config_value_t *value, char *errstr,
                             size_t errstr_size)
{
    if (!value->is_null && value->s && value->s[0] == '\0') {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: String must be non-empty", value->s, name);
        return -1;
    }
    return cd_smtc_regex_validator(name, value, errstr, errstr_size);
}

static const cd_config_key_t topic_name_matches_keys[] = {
    {.name = "pattern",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = pattern_validator,
                   .description = "non-empty string, valid regex"},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "A Java regular expression for matching against the name of a record's "
                      "topic.",
     .order_in_group = -1},
    {.name = NULL},
};

static const cd_config_key_t has_header_key_keys[] = {
    {.name = "name",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "The header name.",
     .order_in_group = -1},
    {.name = NULL},
};

static const cd_config_key_t record_is_tombstone_keys[] = {{.name = NULL}};

/* ---- TopicNameMatches ---- */

static void tnm_destroy(void *state)
{
    cd_smtc_regex_t *rx = state;
    if (!rx)
        return;
    cd_smtc_regex_free(rx);
    free(rx);
}

static int tnm_create(const cd_properties_t *props, void **state, char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(topic_name_matches_keys, props, &def, errstr, errstr_size);
    cd_smtc_regex_t *rx = NULL;
    char msg[1024];
    if (!config)
        return -1;
    const char *pattern = cd_config_get_string(config, "pattern");
    rx = calloc(1, sizeof(*rx));
    if (!rx) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    if (cd_smtc_regex_compile(rx, pattern ? pattern : "", msg, sizeof(msg))) {
        free(rx);
        rx = NULL;
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration pattern: entry must be a Java-compatible "
                 "regular expression: %s",
                 pattern ? pattern : "null", msg);
        goto fail;
    }
    cd_smtc_parsed_free(config, def);
    *state = rx;
    return 0;
fail:
    cd_smtc_parsed_free(config, def);
    tnm_destroy(rx);
    return -1;
}

static int tnm_test(void *state, const cd_record_t *record, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    const char *topic = cd_record_topic(record);
    return topic && cd_smtc_regex_matches(state, topic, NULL, 0) ? 1 : 0;
}

/* ---- HasHeaderKey ---- */

static void hhk_destroy(void *state)
{
    free(state);
}

static int hhk_create(const cd_properties_t *props, void **state, char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(has_header_key_keys, props, &def, errstr, errstr_size);
    if (!config)
        return -1;
    const char *name = cd_config_get_string(config, "name");
    char *copy = strdup(name ? name : "");
    cd_smtc_parsed_free(config, def);
    if (!copy) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    *state = copy;
    return 0;
}

static int hhk_test(void *state, const cd_record_t *record, char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    const cd_headers_t *headers = cd_record_headers_const(record);
    return headers && cd_headers_last_index(headers, state) >= 0 ? 1 : 0;
}

/* ---- RecordIsTombstone ---- */

static int rit_create(const cd_properties_t *props, void **state, char *errstr, size_t errstr_size)
{
    (void)props;
    (void)errstr;
    (void)errstr_size;
    *state = NULL;
    return 0;
}

static void rit_destroy(void *state)
{
    (void)state;
}

static int rit_test(void *state, const cd_record_t *record, char *errstr, size_t errstr_size)
{
    (void)state;
    (void)errstr;
    (void)errstr_size;
    return cd_record_value(record) == NULL ? 1 : 0;
}

const cd_predicate_plugin_t cd_predicate_topic_name_matches_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = topic_name_matches_keys,
    .create = tnm_create,
    .destroy = tnm_destroy,
    .test = tnm_test,
};

const cd_predicate_plugin_t cd_predicate_has_header_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = has_header_key_keys,
    .create = hhk_create,
    .destroy = hhk_destroy,
    .test = hhk_test,
};

const cd_predicate_plugin_t cd_predicate_record_is_tombstone_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = record_is_tombstone_keys,
    .create = rit_create,
    .destroy = rit_destroy,
    .test = rit_test,
};
