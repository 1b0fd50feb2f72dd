/*
 * regex_router.c: org.apache.kafka.connect.transforms.RegexRouter: when the
 * whole topic matches `regex` (Matcher.matches()), the topic becomes
 * `replacement` with Matcher.replaceFirst's $n group references and \
 * escapes; other records pass unchanged. Java regexes are approximated with
 * POSIX extended ones (smt_c_util.c).
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_c_util.h"

#include <connectd/buf.h>
#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cd_config_key_t regex_router_keys[] = {
    {.name = "regex",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = cd_smtc_regex_validator,
                   .description = "valid regex"},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Regular expression to use for matching.",
     .order_in_group = -1},
    {.name = "replacement",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Replacement string.",
     .order_in_group = -1},
    {.name = NULL},
};

#define RR_MAX_GROUPS 32

typedef struct regex_router_s {
    cd_smtc_regex_t rx;
    bool compiled;
    char *replacement;
} regex_router_t;

static void regex_router_destroy(void *state)
{
    regex_router_t *rr = state;
    if (!rr)
        return;
    if (rr->compiled)
        cd_smtc_regex_free(&rr->rx);
    free(rr->replacement);
    free(rr);
}

static int regex_router_create(const cd_properties_t *props, void **state, char *errstr,
                               size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(regex_router_keys, props, &def, errstr, errstr_size);
    regex_router_t *rr = NULL;
    if (!config)
        return -1;
    const char *regex = cd_config_get_string(config, "regex");
    const char *replacement = cd_config_get_string(config, "replacement");
    rr = calloc(1, sizeof(*rr));
    if (!rr || !(rr->replacement = strdup(replacement ? replacement : ""))) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    if (!regex) {
        snprintf(errstr, errstr_size,
                 "Cannot invoke \"String.length()\" because \"regex\" is null");
        goto fail;
    }
    if (cd_smtc_regex_compile(&rr->rx, regex, errstr, errstr_size))
        goto fail;
    rr->compiled = true;
    cd_smtc_parsed_free(config, def);
    *state = rr;
    return 0;
fail:
    cd_smtc_parsed_free(config, def);
    regex_router_destroy(rr);
    return -1;
}

/* Matcher.appendReplacement for a whole-input match. @returns 0 or -1 with Java's message. */
static int expand_replacement(const char *repl, const char *topic, const regmatch_t *m,
                              size_t groups, cd_buf_t *out, char *errstr, size_t errstr_size)
{
    for (size_t i = 0; repl[i];) {
        char c = repl[i];
        if (c == '\\') {
            if (!repl[i + 1]) {
                snprintf(errstr, errstr_size, "character to be escaped is missing");
                return -1;
            }
            cd_buf_append_char(out, repl[i + 1]);
            i += 2;
        } else if (c == '$') {
            i++;
            if (!repl[i]) {
                snprintf(errstr, errstr_size, "Illegal group reference: group index is missing");
                return -1;
            }
            if (repl[i] == '{') {
                const char *end = strchr(repl + i, '}');
                int len = end ? (int)(end - (repl + i) - 1) : (int)strlen(repl + i + 1);
                if (!end)
                    snprintf(errstr, errstr_size, "named capturing group is missing trailing '}'");
                else
                    snprintf(errstr, errstr_size, "No group with name {%.*s}", len, repl + i + 1);
                return -1;
            }
            if (repl[i] < '0' || repl[i] > '9') {
                snprintf(errstr, errstr_size, "Illegal group reference");
                return -1;
            }
            size_t ref = (size_t)(repl[i] - '0');
            i++;
            if (ref > groups) {
                snprintf(errstr, errstr_size, "No group %zu", ref);
                return -1;
            }
            while (repl[i] >= '0' && repl[i] <= '9') {
                size_t next = ref * 10 + (size_t)(repl[i] - '0');
                if (next > groups)
                    break;
                ref = next;
                i++;
            }
            if (ref < RR_MAX_GROUPS && m[ref].rm_so >= 0)
                cd_buf_append(out, topic + m[ref].rm_so, (size_t)(m[ref].rm_eo - m[ref].rm_so));
        } else {
            cd_buf_append_char(out, c);
            i++;
        }
    }
    return 0;
}

static int regex_router_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    regex_router_t *rr = state;
    regmatch_t m[RR_MAX_GROUPS];
    const char *topic = cd_record_topic(*record);
    cd_buf_t out;
    if (!topic || !cd_smtc_regex_matches(&rr->rx, topic, m, RR_MAX_GROUPS))
        return 0;
    cd_buf_init(&out);
    if (expand_replacement(rr->replacement, topic, m, rr->rx.groups, &out, errstr, errstr_size) ||
        cd_buf_append_char(&out, '\0')) {
        cd_buf_free(&out);
        return -1;
    }
    cd_record_set_topic(*record, (const char *)out.data);
    cd_buf_free(&out);
    return 0;
}

const cd_transform_plugin_t cd_transform_regex_router_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.RegexRouter",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = regex_router_keys,
    .create = regex_router_create,
    .destroy = regex_router_destroy,
    .apply = regex_router_apply,
};
