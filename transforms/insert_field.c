/*
 * insert_field.c: org.apache.kafka.connect.transforms.InsertField$Key / $Value.
 * Adds fields from the record's metadata (topic, partition, sink offset,
 * timestamp) and/or a static string to a Struct (schema extended, cached) or a
 * Map (HashMap copy). Field names may end with '!' (required field) or '?'
 * (optional, the default). Null keys/values (tombstones) pass unchanged.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_b_util.h"
#include "transforms/transform_util.h"

#include <connectd/version.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IF_PURPOSE "field insertion"
#define IF_OPTIONALITY_DOC                                                                         \
    "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it "      \
    "optional (the default)."

#define IF_STRING_KEY(n, doc)                                                                      \
    {                                                                                              \
        .name = n, .type = CD_CONFIG_STRING, .default_value = NULL,                                \
        .importance = CD_IMPORTANCE_MEDIUM, .documentation = doc, .order_in_group = -1,            \
        .width = CD_WIDTH_NONE                                                                     \
    }

static const cd_config_key_t if_config_keys[] = {
    IF_STRING_KEY("topic.field", "Field name for Kafka topic. " IF_OPTIONALITY_DOC),
    IF_STRING_KEY("partition.field", "Field name for Kafka partition. " IF_OPTIONALITY_DOC),
    IF_STRING_KEY("offset.field", "Field name for Kafka offset - only applicable to sink "
                                  "connectors.<br/>" IF_OPTIONALITY_DOC),
    IF_STRING_KEY("timestamp.field", "Field name for record timestamp. " IF_OPTIONALITY_DOC),
    IF_STRING_KEY("static.field", "Field name for static data field. " IF_OPTIONALITY_DOC),
    IF_STRING_KEY("static.value", "Static field value, if field name configured."),
    {.name = "replace.null.with.default",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = CD_SMTB_REPLACE_NULL_DOC,
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = NULL},
};

/* InsertionSpec */
typedef struct if_spec_s {
    char *name; /* NULL = not configured */
    bool optional;
} if_spec_t;

enum { IF_TOPIC, IF_PARTITION, IF_OFFSET, IF_TIMESTAMP, IF_STATIC, IF_SPEC_COUNT };

static const char *const if_spec_keys[IF_SPEC_COUNT] = {
    "topic.field", "partition.field", "offset.field", "timestamp.field", "static.field",
};

typedef struct if_state_s {
    cd_transform_target_t target;
    if_spec_t spec[IF_SPEC_COUNT];
    char *static_value;
    bool replace_null_with_default;
    cd_schema_t *cached_in;
    cd_schema_t *cached_out;
} if_state_t;

static void if_spec_parse(if_spec_t *spec, const char *text)
{
    size_t n;
    spec->name = NULL;
    spec->optional = true;
    if (!text)
        return;
    n = strlen(text);
    if (n > 0 && (text[n - 1] == '?' || text[n - 1] == '!')) {
        spec->optional = text[n - 1] == '?';
        n--;
    }
    spec->name = malloc(n + 1);
    if (!spec->name)
        abort();
    memcpy(spec->name, text, n);
    spec->name[n] = '\0';
}

static void if_destroy(void *state)
{
    if_state_t *st = state;
    if (!st)
        return;
    for (int i = 0; i < IF_SPEC_COUNT; i++)
        free(st->spec[i].name);
    free(st->static_value);
    cd_schema_unref(st->cached_in);
    cd_schema_unref(st->cached_out);
    free(st);
}

static int if_create(cd_transform_target_t target, const cd_properties_t *props, void **state,
                     char *errstr, size_t errstr_size)
{
    cd_smtb_config_t cfg;
    if_state_t *st;
    bool any = false;
    *state = NULL;
    if (cd_smtb_config_parse(&cfg, if_config_keys, props, errstr, errstr_size) != 0)
        return -1;
    st = calloc(1, sizeof(*st));
    if (!st)
        abort();
    st->target = target;
    for (int i = 0; i < IF_SPEC_COUNT; i++) {
        if_spec_parse(&st->spec[i], cd_config_get_string(cfg.config, if_spec_keys[i]));
        any = any || st->spec[i].name;
    }
    st->static_value = cd_smtb_strdup(cd_config_get_string(cfg.config, "static.value"));
    st->replace_null_with_default = cd_config_get_bool(cfg.config, "replace.null.with.default");
    cd_smtb_config_clear(&cfg);
    if (!any) {
        snprintf(errstr, errstr_size, "No field insertion configured");
        goto fail;
    }
    if (st->spec[IF_STATIC].name && !st->static_value) {
        /* Java prints the InsertionSpec with Object.toString (class@identity hash). */
        snprintf(errstr, errstr_size,
                 "Invalid value null for configuration static.value: No value specified for "
                 "static field: org.apache.kafka.connect.transforms.InsertField$InsertionSpec@%x",
                 (unsigned)((uintptr_t)st->spec[IF_STATIC].name & 0x7fffffff));
        goto fail;
    }
    *state = st;
    return 0;
fail:
    if_destroy(st);
    return -1;
}

static int if_create_key(const cd_properties_t *props, void **state, char *errstr,
                         size_t errstr_size)
{
    return if_create(CD_TRANSFORM_KEY, props, state, errstr, errstr_size);
}

static int if_create_value(const cd_properties_t *props, void **state, char *errstr,
                           size_t errstr_size)
{
    return if_create(CD_TRANSFORM_VALUE, props, state, errstr, errstr_size);
}

static int if_apply_schemaless(if_state_t *st, cd_record_t *record, const cd_value_t *value,
                               char *errstr, size_t errstr_size)
{
    cd_value_t *updated;
    if (cd_transform_require_map(value, IF_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    if (st->spec[IF_OFFSET].name &&
        cd_transform_require_sink_record(record, IF_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    updated = cd_value_copy(value);
    if (st->spec[IF_TOPIC].name)
        cd_value_map_put(updated, cd_value_new_cstring(st->spec[IF_TOPIC].name),
                         cd_value_new_cstring(cd_record_topic(record)));
    if (st->spec[IF_PARTITION].name && cd_record_partition(record) != CD_PARTITION_NONE)
        cd_value_map_put(updated, cd_value_new_cstring(st->spec[IF_PARTITION].name),
                         cd_value_new_int32(cd_record_partition(record)));
    if (st->spec[IF_OFFSET].name)
        cd_value_map_put(updated, cd_value_new_cstring(st->spec[IF_OFFSET].name),
                         cd_value_new_int64(cd_record_kafka_offset(record)));
    if (st->spec[IF_TIMESTAMP].name && cd_record_timestamp(record) != CD_TIMESTAMP_NONE)
        cd_value_map_put(updated, cd_value_new_cstring(st->spec[IF_TIMESTAMP].name),
                         cd_value_new_int64(cd_record_timestamp(record)));
    if (st->spec[IF_STATIC].name && st->static_value)
        cd_value_map_put(updated, cd_value_new_cstring(st->spec[IF_STATIC].name),
                         cd_value_new_cstring(st->static_value));
    updated =
        cd_smtb_map_hash_ordered(updated, cd_smtb_hash_map_copy_capacity(cd_value_map_size(value)));
    cd_transform_set_operating(record, st->target, NULL, updated);
    return 0;
}

static cd_schema_t *if_field_schema(int which, bool optional)
{
    cd_schema_t *s;
    switch (which) {
    case IF_PARTITION:
        s = cd_schema_new(CD_TYPE_INT32);
        break;
    case IF_OFFSET:
        s = cd_schema_new(CD_TYPE_INT64);
        break;
    case IF_TIMESTAMP:
        s = cd_schema_new_timestamp();
        break;
    default:
        s = cd_schema_new(CD_TYPE_STRING);
        break;
    }
    cd_schema_set_optional(s, optional);
    return s;
}

static cd_schema_t *if_make_schema(if_state_t *st, const cd_schema_t *schema, char *errstr,
                                   size_t errstr_size)
{
    cd_schema_t *out = cd_schema_new_struct();
    cd_transform_copy_schema_basics(schema, out);
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *f = cd_schema_field_at(schema, i);
        if (cd_schema_add_field(out, cd_field_name(f), cd_schema_ref(cd_field_schema(f)), errstr,
                                errstr_size) != 0)
            goto fail;
    }
    for (int w = 0; w < IF_SPEC_COUNT; w++) {
        if (!st->spec[w].name)
            continue;
        if (cd_schema_add_field(out, st->spec[w].name, if_field_schema(w, st->spec[w].optional),
                                errstr, errstr_size) != 0)
            goto fail;
    }
    return out;
fail:
    cd_schema_unref(out);
    return NULL;
}

static int if_apply_schema(if_state_t *st, cd_record_t *record, const cd_value_t *value,
                           char *errstr, size_t errstr_size)
{
    const cd_schema_t *schema;
    cd_value_t *updated = NULL;
    if (cd_transform_require_struct(value, IF_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    schema = cd_value_struct_schema(value);
    if (!st->cached_in || !cd_schema_equals(st->cached_in, schema)) {
        cd_schema_t *out = if_make_schema(st, schema, errstr, errstr_size);
        if (!out)
            return -1;
        cd_schema_unref(st->cached_in);
        cd_schema_unref(st->cached_out);
        st->cached_in = cd_schema_ref(schema);
        st->cached_out = out;
    }
    updated = cd_value_new_struct(st->cached_out);
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *f = cd_schema_field_at(schema, i);
        const cd_value_t *v = cd_smtb_struct_get(value, f, st->replace_null_with_default);
        if (cd_value_struct_put(updated, cd_field_name(f), cd_value_copy(v), errstr, errstr_size) !=
            0)
            goto fail;
    }
#define IF_PUT(which, val)                                                                         \
    do {                                                                                           \
        if (cd_value_struct_put(updated, st->spec[which].name, (val), errstr, errstr_size) != 0)   \
            goto fail;                                                                             \
    } while (0)
    if (st->spec[IF_TOPIC].name)
        IF_PUT(IF_TOPIC, cd_value_new_cstring(cd_record_topic(record)));
    if (st->spec[IF_PARTITION].name && cd_record_partition(record) != CD_PARTITION_NONE)
        IF_PUT(IF_PARTITION, cd_value_new_int32(cd_record_partition(record)));
    if (st->spec[IF_OFFSET].name) {
        if (cd_transform_require_sink_record(record, IF_PURPOSE, errstr, errstr_size) != 0)
            goto fail;
        IF_PUT(IF_OFFSET, cd_value_new_int64(cd_record_kafka_offset(record)));
    }
    if (st->spec[IF_TIMESTAMP].name && cd_record_timestamp(record) != CD_TIMESTAMP_NONE)
        IF_PUT(IF_TIMESTAMP, cd_value_new_date(cd_record_timestamp(record)));
    if (st->spec[IF_STATIC].name && st->static_value)
        IF_PUT(IF_STATIC, cd_value_new_cstring(st->static_value));
#undef IF_PUT
    cd_transform_set_operating(record, st->target, st->cached_out, updated);
    return 0;
fail:
    cd_value_destroy(updated);
    return -1;
}

static int if_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    if_state_t *st = state;
    const cd_value_t *value = cd_transform_operating_value(*record, st->target);
    if (!value)
        return 0;
    if (!cd_transform_operating_schema(*record, st->target))
        return if_apply_schemaless(st, *record, value, errstr, errstr_size);
    return if_apply_schema(st, *record, value, errstr, errstr_size);
}

const cd_transform_plugin_t cd_transform_insert_field_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.InsertField$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = if_config_keys,
    .create = if_create_key,
    .destroy = if_destroy,
    .apply = if_apply,
};

const cd_transform_plugin_t cd_transform_insert_field_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.InsertField$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = if_config_keys,
    .create = if_create_value,
    .destroy = if_destroy,
    .apply = if_apply,
};
