/*
 * drop_headers.c: org.apache.kafka.connect.transforms.DropHeaders: removes
 * every header whose key is in `headers` (a non-empty list without
 * duplicates), keeping the others in order.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_c_util.h"

#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ValidList.anyNonDuplicateValues(false, false); custom because cd_config_parse
 * removes the duplicates of a VALID_LIST before validating it. */
static int headers_validator(const char *name, const cd_config_value_t *value, char *errstr,
                             size_t errstr_size)
{
    if (value->is_null) {
        snprintf(errstr, errstr_size, "Configuration '%s' values must not be null.", name);
        return -1;
    }
    if (value->list_count == 0) {
        snprintf(errstr, errstr_size,
                 "Configuration '%s' must not be empty. Valid values include: any non-empty value",
                 name);
        return -1;
    }
    for (size_t i = 0; i < value->list_count; i++)
        for (size_t j = i + 1; j < value->list_count; j++)
            if (strcmp(value->list[i], value->list[j]) == 0) {
                snprintf(errstr, errstr_size, "Configuration '%s' values must not be duplicated.",
                         name);
                return -1;
            }
    for (size_t i = 0; i < value->list_count; i++)
        if (!value->list[i][0]) {
            snprintf(errstr, errstr_size, "Configuration '%s' values must not be empty.", name);
            return -1;
        }
    return 0;
}

static const cd_config_key_t drop_headers_keys[] = {
    {.name = "headers",
     .type = CD_CONFIG_LIST,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM, .custom = headers_validator},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The name of the headers to be removed.",
     .order_in_group = -1},
    {.name = NULL},
};

typedef struct drop_headers_s {
    char **names;
} drop_headers_t;

static void drop_headers_destroy(void *state)
{
    drop_headers_t *dh = state;
    if (!dh)
        return;
    cd_smtc_strv_free(dh->names);
    free(dh);
}

static int drop_headers_create(const cd_properties_t *props, void **state, char *errstr,
                               size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(drop_headers_keys, props, &def, errstr, errstr_size);
    drop_headers_t *dh = NULL;
    size_t n = 0;
    if (!config)
        return -1;
    const char *const *list = cd_config_get_list(config, "headers", &n);
    dh = calloc(1, sizeof(*dh));
    if (!dh || !(dh->names = cd_smtc_strv_copy(list, n))) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    cd_smtc_parsed_free(config, def);
    *state = dh;
    return 0;
fail:
    cd_smtc_parsed_free(config, def);
    drop_headers_destroy(dh);
    return -1;
}

static int drop_headers_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    drop_headers_t *dh = state;
    (void)errstr;
    (void)errstr_size;
    cd_headers_t *headers = cd_record_headers(*record);
    for (size_t i = 0; headers && dh->names[i]; i++)
        cd_headers_remove(headers, dh->names[i]);
    return 0;
}

const cd_transform_plugin_t cd_transform_drop_headers_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.DropHeaders",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = drop_headers_keys,
    .create = drop_headers_create,
    .destroy = drop_headers_destroy,
    .apply = drop_headers_apply,
};
