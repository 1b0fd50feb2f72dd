/*
 * avro_zoo_plugin.c: a test plugin for the Avro converter tests
 * (tests/integration/test_avro_converter.py), loaded from plugin.path.
 *
 * org.connectd.test.AvroZooSourceConnector
 *   topic       the topic to write
 *   zoo.schema  all_types | v1 | v2 | v3_incompatible | primitive_string
 *   zoo.count   how many records (default 10)
 *   Emits records 0..count-1 with STRING keys "k-<i>" and values derived from the index only
 *   (the Python side computes the same values), then stays idle. Source partition
 *   {"zoo.topic", "zoo.schema"}, offset {"index": i}: a restart resumes after the last
 *   committed index.
 *
 * org.connectd.test.AvroZooSinkConnector
 *   file        every record received is appended as one JSON line
 *               {"topic","partition","offset","key","value_schema","value"}; key is the
 *               JsonConverter payload (schemas.enable=false), value_schema/value the schema and
 *               payload of JsonConverter with schemas.enable=true.
 */
#include <connectd/connector.h>
#include <connectd/converter.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ------------------------------------------------------------------ schemas */

static cd_schema_t *opt(cd_schema_t *s)
{
    cd_schema_set_optional(s, true);
    return s;
}

static int add(cd_schema_t *st, const char *name, cd_schema_t *fs)
{
    char err[256];
    return cd_schema_add_field(st, name, fs, err, sizeof(err));
}

static cd_schema_t *inner_schema(void)
{
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "org.connectd.test.Inner");
    add(s, "id", cd_schema_new(CD_TYPE_INT32));
    add(s, "label", opt(cd_schema_new(CD_TYPE_STRING)));
    return s;
}

static cd_schema_t *all_types_schema(void)
{
    char err[256];
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "org.connectd.test.AllTypes");
    cd_schema_set_version(s, 3);
    cd_schema_set_doc(s, "every Connect type");
    cd_schema_set_parameter(s, "zoo", "all_types");
    cd_schema_set_parameter(s, "owner", "connectd");
    add(s, "i8", cd_schema_new(CD_TYPE_INT8));
    add(s, "i16", cd_schema_new(CD_TYPE_INT16));
    add(s, "i32", cd_schema_new(CD_TYPE_INT32));
    add(s, "i64", cd_schema_new(CD_TYPE_INT64));
    add(s, "f32", cd_schema_new(CD_TYPE_FLOAT32));
    add(s, "f64", cd_schema_new(CD_TYPE_FLOAT64));
    add(s, "flag", cd_schema_new(CD_TYPE_BOOLEAN));
    add(s, "text", cd_schema_new(CD_TYPE_STRING));
    add(s, "blob", cd_schema_new(CD_TYPE_BYTES));
    add(s, "tags", cd_schema_new_array(cd_schema_new(CD_TYPE_STRING)));
    add(s, "counts",
        cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_new(CD_TYPE_INT32)));
    add(s, "names", cd_schema_new_map(cd_schema_new(CD_TYPE_INT32), cd_schema_new(CD_TYPE_STRING)));
    add(s, "inner", inner_schema());
    add(s, "opt_inner", opt(inner_schema()));
    cd_schema_t *anon = cd_schema_new_struct();
    add(anon, "x", cd_schema_new(CD_TYPE_INT32));
    add(s, "anon", anon);
    add(s, "opt_int", opt(cd_schema_new(CD_TYPE_INT32)));
    add(s, "opt_str", opt(cd_schema_new(CD_TYPE_STRING)));
    cd_schema_t *dflt = cd_schema_new(CD_TYPE_INT32);
    cd_schema_set_default(dflt, cd_value_new_int32(42), err, sizeof(err));
    add(s, "with_default", dflt);
    add(s, "amount", cd_schema_new_decimal(2));
    add(s, "day", cd_schema_new_date());
    add(s, "tod", cd_schema_new_time());
    add(s, "ts", cd_schema_new_timestamp());
    return s;
}

static cd_schema_t *animal_schema(const char *which)
{
    char err[256];
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "org.connectd.test.Animal");
    add(s, "id", cd_schema_new(CD_TYPE_INT32));
    add(s, "name", cd_schema_new(CD_TYPE_STRING));
    if (strcmp(which, "v3_incompatible") == 0)
        add(s, "weight", cd_schema_new(CD_TYPE_STRING));
    else
        add(s, "weight", cd_schema_new(CD_TYPE_FLOAT64));
    if (strcmp(which, "v2") == 0) {
        cd_schema_t *color = opt(cd_schema_new(CD_TYPE_STRING));
        cd_schema_set_default(color, cd_value_new_cstring("unknown"), err, sizeof(err));
        add(s, "color", color);
    }
    return s;
}

static bool known_schema(const char *which)
{
    return strcmp(which, "all_types") == 0 || strcmp(which, "v1") == 0 ||
           strcmp(which, "v2") == 0 || strcmp(which, "v3_incompatible") == 0 ||
           strcmp(which, "primitive_string") == 0;
}

static cd_schema_t *zoo_schema(const char *which)
{
    if (strcmp(which, "all_types") == 0)
        return all_types_schema();
    if (strcmp(which, "primitive_string") == 0)
        return cd_schema_new(CD_TYPE_STRING);
    return animal_schema(which);
}

/* ------------------------------------------------------------------ values */

/* Minimal two's-complement big-endian bytes of v (BigInteger.toByteArray). */
static size_t unscaled_bytes(int64_t v, uint8_t out[8])
{
    uint8_t all[8];
    for (int i = 0; i < 8; i++)
        all[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
    int start = 0;
    while (start < 7 && ((all[start] == 0x00 && !(all[start + 1] & 0x80)) ||
                         (all[start] == 0xff && (all[start + 1] & 0x80))))
        start++;
    memcpy(out, all + start, (size_t)(8 - start));
    return (size_t)(8 - start);
}

static cd_value_t *str_printf(const char *fmt, long long a)
{
    char buf[64];
    snprintf(buf, sizeof(buf), fmt, a);
    return cd_value_new_cstring(buf);
}

static cd_value_t *inner_value(const cd_schema_t *schema, long long i)
{
    cd_value_t *v = cd_value_new_struct(schema);
    cd_value_struct_set(v, 0, cd_value_new_int32((int32_t)i));
    cd_value_struct_set(v, 1, i % 2 ? NULL : str_printf("L%lld", i));
    return v;
}

static cd_value_t *all_types_value(const cd_schema_t *s, long long i)
{
    cd_value_t *v = cd_value_new_struct(s);
    size_t f = 0;
    cd_value_struct_set(v, f++, cd_value_new_int8((int8_t)(i % 100 - 50)));
    cd_value_struct_set(v, f++, cd_value_new_int16((int16_t)(i * 300 - 1000)));
    cd_value_struct_set(v, f++, cd_value_new_int32((int32_t)(i * 100000 - 7)));
    cd_value_struct_set(v, f++, cd_value_new_int64(i * 10000000000LL - 3));
    cd_value_struct_set(v, f++, cd_value_new_float32((float)i + 0.5f));
    cd_value_struct_set(v, f++, cd_value_new_float64((double)i * 1.25 - 0.125));
    cd_value_struct_set(v, f++, cd_value_new_boolean(i % 2 == 0));
    char text[64];
    snprintf(text, sizeof(text), "text-%lld-\xc3\xbc\xe2\x82\xac", i);
    cd_value_struct_set(v, f++, cd_value_new_cstring(text));
    uint8_t blob[4] = {(uint8_t)i, 0, 255, (uint8_t)(i + 1)};
    cd_value_struct_set(v, f++, cd_value_new_bytes(blob, sizeof(blob)));
    cd_value_t *tags = cd_value_new_array();
    for (long long t = 0; t <= i % 3; t++)
        cd_value_array_append(tags, str_printf("t%lld", t));
    cd_value_struct_set(v, f++, tags);
    cd_value_t *counts = cd_value_new_map();
    cd_value_map_append(counts, cd_value_new_cstring("a"), cd_value_new_int32((int32_t)i));
    cd_value_map_append(counts, cd_value_new_cstring("b"), cd_value_new_int32((int32_t)(i + 1)));
    cd_value_struct_set(v, f++, counts);
    cd_value_t *names = cd_value_new_map();
    cd_value_map_append(names, cd_value_new_int32((int32_t)i), str_printf("n%lld", i));
    cd_value_map_append(names, cd_value_new_int32((int32_t)(i + 1)), str_printf("n%lld", i + 1));
    cd_value_struct_set(v, f++, names);
    cd_value_struct_set(v, f, inner_value(cd_field_schema(cd_schema_field_at(s, f)), i));
    f++;
    cd_value_struct_set(
        v, f, i % 2 ? NULL : inner_value(cd_field_schema(cd_schema_field_at(s, f)), i + 100));
    f++;
    cd_value_t *anon = cd_value_new_struct(cd_field_schema(cd_schema_field_at(s, f)));
    cd_value_struct_set(anon, 0, cd_value_new_int32((int32_t)(i * 2)));
    cd_value_struct_set(v, f++, anon);
    cd_value_struct_set(v, f++, i % 2 ? NULL : cd_value_new_int32((int32_t)i));
    cd_value_struct_set(v, f++, i % 2 ? str_printf("o%lld", i) : NULL);
    cd_value_struct_set(v, f++, cd_value_new_int32((int32_t)(i + 7)));
    uint8_t unscaled[8];
    size_t n = unscaled_bytes(i * 1234 - 5000, unscaled);
    cd_value_struct_set(v, f++, cd_value_new_decimal(unscaled, n, 2));
    cd_value_struct_set(v, f++, cd_value_new_date((19000 + i) * 86400000LL));
    cd_value_struct_set(v, f++, cd_value_new_date((i * 1000 + 123) % 86400000LL));
    cd_value_struct_set(v, f++, cd_value_new_date(1700000000000LL + i * 1000));
    return v;
}

static cd_value_t *zoo_value(const char *which, const cd_schema_t *s, long long i)
{
    if (strcmp(which, "all_types") == 0)
        return all_types_value(s, i);
    if (strcmp(which, "primitive_string") == 0)
        return str_printf("zoo-%lld", i);
    cd_value_t *v = cd_value_new_struct(s);
    cd_value_struct_set(v, 0, cd_value_new_int32((int32_t)i));
    cd_value_struct_set(v, 1, str_printf("animal-%lld", i));
    if (strcmp(which, "v3_incompatible") == 0)
        cd_value_struct_set(v, 2, str_printf("%lld kg", i));
    else
        cd_value_struct_set(v, 2, cd_value_new_float64((double)i * 1.5));
    if (strcmp(which, "v2") == 0)
        cd_value_struct_set(v, 3, i % 2 ? NULL : str_printf("c%lld", i));
    return v;
}

/* ------------------------------------------------------------------ connectors */

typedef struct zoo_state_s {
    cd_properties_t *config;
} zoo_state_t;

static void *zoo_start(const cd_properties_t *config, cd_connector_context_t *ctx, char *errstr,
                       size_t errstr_size)
{
    (void)ctx;
    zoo_state_t *st = calloc(1, sizeof(*st));
    if (st)
        st->config = cd_properties_copy(config);
    if (!st || !st->config) {
        free(st);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    return st;
}

static int zoo_task_configs(void *state, int max_tasks, cd_properties_t **out, char *errstr,
                            size_t errstr_size)
{
    zoo_state_t *st = state;
    if (max_tasks < 1)
        return 0;
    out[0] = cd_properties_copy(st->config);
    if (!out[0]) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    return 1;
}

static void zoo_stop(void *state)
{
    zoo_state_t *st = state;
    if (!st)
        return;
    cd_properties_destroy(st->config);
    free(st);
}

static void idle(cd_task_context_t *ctx)
{
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
    if (!cd_task_context_is_stopping(ctx))
        nanosleep(&pause, NULL);
}

/* -- source task -- */

typedef struct zoo_source_s {
    cd_task_context_t *ctx;
    char *topic;
    char *which;
    long long count;
    long long next;
    cd_schema_t *key_schema;
    cd_schema_t *value_schema;
} zoo_source_t;

static cd_value_t *source_partition(const zoo_source_t *t)
{
    cd_value_t *p = cd_value_new_map();
    cd_value_map_append(p, cd_value_new_cstring("zoo.topic"), cd_value_new_cstring(t->topic));
    cd_value_map_append(p, cd_value_new_cstring("zoo.schema"), cd_value_new_cstring(t->which));
    return p;
}

static void source_free(zoo_source_t *t)
{
    if (!t)
        return;
    free(t->topic);
    free(t->which);
    if (t->key_schema)
        cd_schema_unref(t->key_schema);
    if (t->value_schema)
        cd_schema_unref(t->value_schema);
    free(t);
}

static void *source_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                          size_t errstr_size)
{
    const char *topic = cd_properties_get(config, "topic");
    const char *which = cd_properties_get(config, "zoo.schema");
    const char *count = cd_properties_get(config, "zoo.count");
    if (!topic || !*topic) {
        snprintf(errstr, errstr_size, "AvroZooSource: 'topic' is required");
        return NULL;
    }
    if (!which)
        which = "all_types";
    if (!known_schema(which)) {
        snprintf(errstr, errstr_size, "AvroZooSource: unknown zoo.schema '%s'", which);
        return NULL;
    }
    char *end = NULL;
    long long n = count ? strtoll(count, &end, 10) : 10;
    if ((count && (*end || end == count)) || n < 0 || n > 1000000) {
        snprintf(errstr, errstr_size, "AvroZooSource: bad zoo.count '%s'", count);
        return NULL;
    }
    zoo_source_t *t = calloc(1, sizeof(*t));
    if (!t)
        goto oom;
    t->ctx = ctx;
    t->topic = strdup(topic);
    t->which = strdup(which);
    t->count = n;
    t->key_schema = cd_schema_new(CD_TYPE_STRING);
    t->value_schema = zoo_schema(which);
    if (!t->topic || !t->which || !t->key_schema || !t->value_schema)
        goto oom;
    cd_value_t *partition = source_partition(t);
    cd_value_t *offset = cd_task_context_offset(ctx, partition);
    cd_value_destroy(partition);
    if (offset) {
        const cd_value_t *idx = cd_value_map_get_str(offset, "index");
        if (idx && cd_value_kind(idx) <= CD_VALUE_INT64)
            t->next = cd_value_as_int64(idx) + 1;
        cd_value_destroy(offset);
    }
    return t;
oom:
    source_free(t);
    snprintf(errstr, errstr_size, "out of memory");
    return NULL;
}

static int source_poll(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size)
{
    zoo_source_t *t = state;
    (void)errstr;
    (void)errstr_size;
    if (t->next >= t->count) {
        idle(t->ctx);
        return 0;
    }
    for (int n = 0; n < 100 && t->next < t->count; n++, t->next++) {
        cd_record_t *r = cd_record_new(t->topic);
        char key[32];
        snprintf(key, sizeof(key), "k-%lld", t->next);
        cd_record_set_key(r, t->key_schema, cd_value_new_cstring(key));
        cd_record_set_value(r, t->value_schema, zoo_value(t->which, t->value_schema, t->next));
        cd_value_t *offset = cd_value_new_map();
        cd_value_map_append(offset, cd_value_new_cstring("index"), cd_value_new_int64(t->next));
        cd_record_set_source_position(r, source_partition(t), offset);
        cd_record_list_add(out, r);
    }
    return 0;
}

static void source_stop(void *state)
{
    source_free(state);
}

/* -- sink task -- */

typedef struct zoo_sink_s {
    FILE *file;
    cd_converter_t *key_json;
    cd_converter_t *value_json;
} zoo_sink_t;

static void sink_free(zoo_sink_t *t)
{
    if (!t)
        return;
    if (t->file)
        fclose(t->file);
    if (t->key_json)
        cd_converter_destroy(t->key_json);
    if (t->value_json)
        cd_converter_destroy(t->value_json);
    free(t);
}

static cd_converter_t *json_converter(bool schemas, cd_converter_type_t type, char *errstr,
                                      size_t errstr_size)
{
    cd_properties_t *props = cd_properties_new();
    if (!props) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    cd_properties_set(props, "schemas.enable", schemas ? "true" : "false");
    cd_converter_t *c = cd_converter_new("org.apache.kafka.connect.json.JsonConverter", props, type,
                                         errstr, errstr_size);
    cd_properties_destroy(props);
    return c;
}

static void *sink_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                        size_t errstr_size)
{
    (void)ctx;
    const char *path = cd_properties_get(config, "file");
    if (!path || !*path) {
        snprintf(errstr, errstr_size, "AvroZooSink: 'file' is required");
        return NULL;
    }
    zoo_sink_t *t = calloc(1, sizeof(*t));
    if (!t) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    t->file = fopen(path, "a");
    if (!t->file) {
        snprintf(errstr, errstr_size, "AvroZooSink: cannot open %s", path);
        goto fail;
    }
    t->key_json = json_converter(false, CD_CONVERTER_KEY, errstr, errstr_size);
    if (!t->key_json)
        goto fail;
    t->value_json = json_converter(true, CD_CONVERTER_VALUE, errstr, errstr_size);
    if (!t->value_json)
        goto fail;
    return t;
fail:
    sink_free(t);
    return NULL;
}

/* @returns the JSON the converter writes for schema+value, or NULL with errstr. */
static json_t *render(cd_converter_t *conv, const char *topic, const cd_schema_t *schema,
                      const cd_value_t *value, char *errstr, size_t errstr_size)
{
    cd_buf_t buf;
    cd_buf_init(&buf);
    bool is_null = false;
    json_t *out = NULL;
    if (cd_converter_from_connect(conv, topic, NULL, schema, value, &buf, &is_null, errstr,
                                  errstr_size) != 0)
        goto done;
    if (is_null) {
        out = json_null();
        goto done;
    }
    json_error_t jerr;
    out = json_loadb((const char *)buf.data, buf.len, JSON_DECODE_ANY, &jerr);
    if (!out)
        snprintf(errstr, errstr_size, "AvroZooSink: JsonConverter output does not parse: %s",
                 jerr.text);
done:
    cd_buf_free(&buf);
    return out;
}

static int sink_put(void *state, cd_record_t *const *records, size_t count, char *errstr,
                    size_t errstr_size)
{
    zoo_sink_t *t = state;
    for (size_t i = 0; i < count; i++) {
        const cd_record_t *r = records[i];
        const char *topic = cd_record_topic(r);
        json_t *key = render(t->key_json, topic, cd_record_key_schema(r), cd_record_key(r), errstr,
                             errstr_size);
        if (!key)
            return -1;
        json_t *env = render(t->value_json, topic, cd_record_value_schema(r), cd_record_value(r),
                             errstr, errstr_size);
        if (!env) {
            json_decref(key);
            return -1;
        }
        json_t *line = json_object();
        json_object_set_new(line, "topic", json_string(topic));
        json_object_set_new(line, "partition", json_integer(cd_record_partition(r)));
        json_object_set_new(line, "offset", json_integer(cd_record_kafka_offset(r)));
        json_object_set_new(line, "key", key);
        json_t *schema = json_is_object(env) ? json_object_get(env, "schema") : NULL;
        json_t *payload = json_is_object(env) ? json_object_get(env, "payload") : NULL;
        json_object_set(line, "value_schema", schema ? schema : json_null());
        json_object_set(line, "value", payload ? payload : json_null());
        json_decref(env);
        char *text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(line);
        if (!text) {
            snprintf(errstr, errstr_size, "out of memory");
            return -1;
        }
        fprintf(t->file, "%s\n", text);
        free(text);
    }
    fflush(t->file);
    return 0;
}

static int sink_flush(void *state, const cd_topic_partition_offset_t *offsets, size_t count,
                      char *errstr, size_t errstr_size)
{
    zoo_sink_t *t = state;
    (void)offsets;
    (void)count;
    if (fflush(t->file) != 0) {
        snprintf(errstr, errstr_size, "AvroZooSink: flush failed");
        return -1;
    }
    return 0;
}

static void sink_stop(void *state)
{
    sink_free(state);
}

/* ------------------------------------------------------------------ tables */

static const cd_source_task_plugin_t zoo_source_task = {
    .start = source_start,
    .poll = source_poll,
    .stop = source_stop,
};

static const cd_sink_task_plugin_t zoo_sink_task = {
    .start = sink_start,
    .put = sink_put,
    .flush = sink_flush,
    .stop = sink_stop,
};

static const cd_config_key_t zoo_source_keys[] = {
    {.name = "topic",
     .type = CD_CONFIG_STRING,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The topic to write.",
     .order_in_group = -1},
    {.name = "zoo.schema",
     .type = CD_CONFIG_STRING,
     .default_value = "all_types",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "all_types, v1, v2, v3_incompatible or primitive_string.",
     .order_in_group = -1},
    {.name = "zoo.count",
     .type = CD_CONFIG_STRING,
     .default_value = "10",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "How many records to emit.",
     .order_in_group = -1},
    {.name = NULL},
};

static const cd_config_key_t zoo_sink_keys[] = {
    {.name = "file",
     .type = CD_CONFIG_STRING,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The JSON-lines file to append to.",
     .order_in_group = -1},
    {.name = NULL},
};

static const cd_connector_plugin_t zoo_source = {
    .class_name = "org.connectd.test.AvroZooSourceConnector",
    .version = "0.0.1-test",
    .type = CD_CONNECTOR_SOURCE,
    .config_keys = zoo_source_keys,
    .start = zoo_start,
    .task_configs = zoo_task_configs,
    .stop = zoo_stop,
    .source_task = &zoo_source_task,
};

static const cd_connector_plugin_t zoo_sink = {
    .class_name = "org.connectd.test.AvroZooSinkConnector",
    .version = "0.0.1-test",
    .type = CD_CONNECTOR_SINK,
    .config_keys = zoo_sink_keys,
    .start = zoo_start,
    .task_configs = zoo_task_configs,
    .stop = zoo_stop,
    .sink_task = &zoo_sink_task,
};

const cd_connector_plugin_t *const cd_plugin_connectors[] = {&zoo_source, &zoo_sink, NULL};
