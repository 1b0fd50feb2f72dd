/*
 * insert_header.c: org.apache.kafka.connect.transforms.InsertHeader: appends
 * the header `header` whose value is `value.literal` parsed once with
 * Values.parseString (so "42" is an INT8 42, "true" a BOOLEAN, "[1,2]" an
 * array...).
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_c_util.h"

#include "data/values.h"

#include <connectd/version.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cd_config_key_t insert_header_keys[] = {
    {.name = "header",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_NON_NULL},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The name of the header.",
     .order_in_group = -1},
    {.name = "value.literal",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_NON_NULL},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The literal value that is to be set as the header value on all records.",
     .order_in_group = -1},
    {.name = NULL},
};

typedef struct insert_header_s {
    char *header;
    cd_schema_and_value_t literal;
} insert_header_t;

static void insert_header_destroy(void *state)
{
    insert_header_t *ih = state;
    if (!ih)
        return;
    free(ih->header);
    cd_schema_and_value_clear(&ih->literal);
    free(ih);
}

static int insert_header_create(const cd_properties_t *props, void **state, char *errstr,
                                size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(insert_header_keys, props, &def, errstr, errstr_size);
    insert_header_t *ih = NULL;
    if (!config)
        return -1;
    const char *header = cd_config_get_string(config, "header");
    const char *literal = cd_config_get_string(config, "value.literal");
    ih = calloc(1, sizeof(*ih));
    if (!ih || !(ih->header = strdup(header ? header : ""))) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    if (cd_values_parse_string(literal ? literal : "", literal ? strlen(literal) : 0, &ih->literal,
                               errstr, errstr_size))
        goto fail;
    cd_smtc_parsed_free(config, def);
    *state = ih;
    return 0;
fail:
    cd_smtc_parsed_free(config, def);
    insert_header_destroy(ih);
    return -1;
}

static int insert_header_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    insert_header_t *ih = state;
    cd_value_t *value = NULL;
    if (ih->literal.value && !(value = cd_value_copy(ih->literal.value))) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    cd_headers_add(cd_record_headers(*record), ih->header, ih->literal.schema, value);
    return 0;
}

const cd_transform_plugin_t cd_transform_insert_header_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.InsertHeader",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = insert_header_keys,
    .create = insert_header_create,
    .destroy = insert_header_destroy,
    .apply = insert_header_apply,
};
