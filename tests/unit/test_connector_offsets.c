/**
 * @file test_connector_offsets.c
 * @brief KIP-875 offsets (worker/connector_offsets.c) for source connectors against a
 *        real offsets file (FileOffsetBackingStore format) and FileStreamSourceConnector,
 *        plus the request checks that need no broker: Java 4.3's messages and statuses,
 *        the bytes written for a partition/offset, and Java's HashMap answer order
 *        (checked against java.util.HashMap on Kafka 4.3.1's classes).
 *        The sink path runs against a real broker in tests/integration/test_sink_offsets.py.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "util/properties.h"
#include "worker/connector_offsets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct fixture_s {
    char path[256];
    cd_worker_config_t *wc;
    cd_offset_store_t *store;
    cd_properties_t *config;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));
    char err[1024];
    snprintf(f->path, sizeof(f->path), "/tmp/test_connector_offsets_%d.offsets", (int)getpid());
    unlink(f->path);
    cd_properties_t *w = cd_properties_new();
    cd_properties_set(w, "bootstrap.servers", "127.0.0.1:1");
    cd_properties_set(w, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
    cd_properties_set(w, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    cd_properties_set(w, "offset.storage.file.filename", f->path);
    f->wc = cd_worker_config_new(CD_WORKER_STANDALONE, w, err, sizeof(err));
    cd_properties_destroy(w);
    assert_non_null(f->wc);
    f->store = cd_file_offset_store_open(f->path, err, sizeof(err));
    assert_non_null(f->store);
    f->config = cd_properties_new();
    cd_properties_set(f->config, "name", "c");
    cd_properties_set(f->config, "connector.class", "FileStreamSource");
    cd_properties_set(f->config, "file", "/tmp/in.txt");
    cd_properties_set(f->config, "topic", "t");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    cd_offset_store_destroy(f->store);
    cd_worker_config_destroy(f->wc);
    cd_properties_destroy(f->config);
    unlink(f->path);
    free(f);
    return 0;
}

/* Runs a modify; @returns the JSON text of the answer or "<status> <message>". */
static char *modify(fixture_t *f, const cd_connector_plugin_t *plugin, const char *body_text)
{
    json_t *body = NULL;
    if (body_text) {
        json_error_t jerr;
        body = json_loads(body_text, JSON_DECODE_ANY, &jerr);
        assert_non_null(body);
    }
    char err[2048] = "", *text;
    int status = 0;
    json_t *out = cd_connector_offsets_modify(f->wc, f->store, "c", plugin, f->config, body,
                                              &status, err, sizeof(err));
    json_decref(body);
    if (out) {
        json_t *msg = json_object_get(out, "message");
        text = strdup(json_string_value(msg));
        json_decref(out);
    } else {
        size_t n = strlen(err) + 16;
        text = malloc(n);
        snprintf(text, n, "%d %s", status, err);
    }
    return text;
}

static char *get(fixture_t *f, const cd_connector_plugin_t *plugin)
{
    char err[1024];
    int status = 0;
    json_t *out = cd_connector_offsets_get(f->wc, f->store, "c", plugin, f->config, &status, err,
                                           sizeof(err));
    assert_non_null(out);
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return text;
}

#define ALTERED "The offsets for this connector have been altered successfully"
#define RESET "The offsets for this connector have been reset successfully"

static void assert_modify(fixture_t *f, const cd_connector_plugin_t *plugin, const char *body,
                          const char *expected)
{
    char *got = modify(f, plugin, body);
    assert_string_equal(got, expected);
    free(got);
}

static void assert_get(fixture_t *f, const cd_connector_plugin_t *plugin, const char *expected)
{
    char *got = get(f, plugin);
    assert_string_equal(got, expected);
    free(got);
}

static void test_source_alter_get_reset(void **state)
{
    fixture_t *f = *state;
    const cd_connector_plugin_t *p = &cd_file_stream_source_connector_plugin;
    assert_get(f, p, "{\"offsets\":[]}");
    assert_modify(f, p,
                  "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},"
                  "\"offset\":{\"position\":5}}]}",
                  ALTERED);
    assert_get(f, p,
               "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/in.txt\"},"
               "\"offset\":{\"position\":5}}]}");

    /* The bytes in the store are Java's: ["c",{partition}] -> {offset}. */
    const char *key = "[\"c\",{\"filename\":\"/tmp/in.txt\"}]";
    uint8_t *value = NULL;
    size_t value_len = 0;
    char err[256];
    assert_int_equal(f->store->ops->get(f->store, (const uint8_t *)key, strlen(key), &value,
                                        &value_len, err, sizeof(err)),
                     0);
    assert_non_null(value);
    assert_memory_equal(value, "{\"position\":5}", value_len);
    free(value);

    /* A second partition; then a null offset removes the first. */
    assert_modify(f, p,
                  "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/b\"},"
                  "\"offset\":{\"position\":\"7\"}}]}",
                  "500 The value for the 'position' key in the offset is expected to be a Long "
                  "value");
    assert_modify(f, p,
                  "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/b\"},"
                  "\"offset\":{\"position\":7}},{\"partition\":{\"filename\":\"/tmp/in.txt\"},"
                  "\"offset\":null}]}",
                  ALTERED);
    assert_get(f, p,
               "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/b\"},"
               "\"offset\":{\"position\":7}}]}");

    /* Reset: tombstones for every stored partition; a second reset finds none. */
    assert_modify(f, p, NULL, RESET);
    assert_get(f, p, "{\"offsets\":[]}");
    assert_modify(f, p, NULL, RESET);

    /* The file survives a reopen with the same content. */
    cd_offset_store_destroy(f->store);
    f->store = cd_file_offset_store_open(f->path, err, sizeof(err));
    assert_non_null(f->store);
    assert_get(f, p, "{\"offsets\":[]}");
}

static void test_source_validation(void **state)
{
    fixture_t *f = *state;
    const cd_connector_plugin_t *p = &cd_file_stream_source_connector_plugin;
    static const char *const cases[][2] = {
        {"{\"offsets\":[]}",
         "400 Partitions / offsets need to be provided for an alter offsets request"},
        {"{}", "400 Partitions / offsets need to be provided for an alter offsets request"},
        {"{\"offsets\":null}",
         "400 Partitions / offsets need to be provided for an alter offsets request"},
        {"{\"offsets\":[{\"partition\":{\"f\":{\"x\":1}},\"offset\":null}]}",
         "500 Offsets may only contain primitive types as values, but field f contains MAP"},
        {"{\"offsets\":[{\"partition\":{\"f\":1},\"offset\":{\"o\":[1]}}]}",
         "500 Offsets may only contain primitive types as values, but field o contains ARRAY"},
        {"{\"offsets\":[{\"offset\":{\"position\":1}}]}", "500 Partition objects cannot be null"},
        {"{\"offsets\":[{\"partition\":{\"filename\":\"x\"},\"offset\":{\"position\":-1}}]}",
         "500 The value for the 'position' key in the offset should be a non-negative value"},
        {"{\"offsets\":[{\"partition\":{\"filename\":\"x\"},\"offset\":{}}]}",
         "500 Offset objects should either be null or contain the key 'position'"},
        {"{\"offsets\":[{\"partition\":{\"filename\":\"x\"},\"offset\":null,\"extra\":1}]}",
         "500 Unrecognized field \"extra\" (class "
         "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset), not marked as "
         "ignorable (2 known properties: \"offset\", \"partition\"])"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_modify(f, p, cases[i][0], cases[i][1]);
    assert_get(f, p, "{\"offsets\":[]}");

    int status = 0;
    char err[512];
    json_t *empty = json_pack("{s:[]}", "offsets");
    assert_int_equal(cd_connector_offsets_check_body(empty, &status, err, sizeof(err)), -1);
    assert_int_equal(status, 400);
    json_decref(empty);
}

/* Plugins without alterOffsets (Java's default false) and ones that throw
 * UnsupportedOperationException (-1 with an empty errstr). */
static int alter_unsupported(const cd_properties_t *config, const cd_offset_entry_t *offsets,
                             size_t count, char *errstr, size_t errstr_size)
{
    errstr[0] = '\0';
    return -1;
}

static const cd_offset_entry_t *seen_entries;
static size_t seen_count;
static int seen_kind_int64;

static int alter_record(const cd_properties_t *config, const cd_offset_entry_t *offsets,
                        size_t count, char *errstr, size_t errstr_size)
{
    seen_entries = offsets;
    seen_count = count;
    /* Normalised through the JsonConverter: integers are Long. */
    const cd_value_t *v = cd_value_map_get_str(offsets[0].offset, "n");
    seen_kind_int64 = v && cd_value_kind(v) == CD_VALUE_INT64;
    return 0;
}

static void test_plugin_results(void **state)
{
    fixture_t *f = *state;
    cd_connector_plugin_t plain = cd_file_stream_source_connector_plugin;
    plain.alter_offsets = NULL;
    assert_modify(f, &plain, "{\"offsets\":[{\"partition\":{\"k\":1},\"offset\":{\"n\":2}}]}",
                  "The Connect framework-managed offsets for this connector have been altered "
                  "successfully. However, if this connector manages offsets externally, they "
                  "will need to be manually altered in the system that the connector uses.");
    assert_modify(f, &plain, NULL,
                  "The Connect framework-managed offsets for this connector have been reset "
                  "successfully. However, if this connector manages offsets externally, they "
                  "will need to be manually reset in the system that the connector uses.");

    cd_connector_plugin_t unsupported = plain;
    unsupported.alter_offsets = alter_unsupported;
    assert_modify(f, &unsupported, "{\"offsets\":[{\"partition\":{\"k\":1},\"offset\":{\"n\":2}}]}",
                  "500 Failed to modify offsets for connector c because it doesn't support "
                  "external modification of offsets");

    cd_connector_plugin_t record = plain;
    record.alter_offsets = alter_record;
    /* Duplicate partitions: the later entry wins (ConnectorOffsets.toMap's HashMap). */
    assert_modify(f, &record,
                  "{\"offsets\":[{\"partition\":{\"k\":1},\"offset\":{\"n\":2}},"
                  "{\"partition\":{\"k\":1},\"offset\":{\"n\":3}}]}",
                  "The Connect framework-managed offsets for this connector have been altered "
                  "successfully. However, if this connector manages offsets externally, they "
                  "will need to be manually altered in the system that the connector uses.");
    assert_int_equal(seen_count, 1);
    assert_true(seen_kind_int64);
    assert_get(f, &record, "{\"offsets\":[{\"partition\":{\"k\":1},\"offset\":{\"n\":3}}]}");
}

/* Answers list partitions in java.util.HashMap order and write maps in HashMap key
 * order ({zz=1, o=1}: "zz" hashes to bucket 0): java.util.HashMap on Kafka 4.3.1 prints
 * {{filename=/tmp/a}=1, {filename=/tmp/b}=2, {a=5}=3, {filename=x}=3} for these. */
static void test_java_order(void **state)
{
    fixture_t *f = *state;
    cd_connector_plugin_t plain = cd_file_stream_source_connector_plugin;
    plain.alter_offsets = NULL;
    assert_modify(f, &plain,
                  "{\"offsets\":[{\"partition\":{\"filename\":\"x\"},\"offset\":{\"o\":3}},"
                  "{\"partition\":{\"a\":5},\"offset\":{\"o\":3}},"
                  "{\"partition\":{\"filename\":\"/tmp/b\"},\"offset\":{\"o\":2}},"
                  "{\"partition\":{\"filename\":\"/tmp/a\"},\"offset\":{\"zz\":1,\"o\":1}}]}",
                  "The Connect framework-managed offsets for this connector have been altered "
                  "successfully. However, if this connector manages offsets externally, they "
                  "will need to be manually altered in the system that the connector uses.");
    assert_get(f, &plain,
               "{\"offsets\":[{\"partition\":{\"filename\":\"/tmp/a\"},"
               "\"offset\":{\"zz\":1,\"o\":1}},"
               "{\"partition\":{\"filename\":\"/tmp/b\"},\"offset\":{\"o\":2}},"
               "{\"partition\":{\"a\":5},\"offset\":{\"o\":3}},"
               "{\"partition\":{\"filename\":\"x\"},\"offset\":{\"o\":3}}]}");
}

/* Sink request checks fail before any broker is contacted (nothing listens on :1). */
static void test_sink_parse_errors(void **state)
{
    fixture_t *f = *state;
    const cd_connector_plugin_t *p = &cd_file_stream_sink_connector_plugin;
    assert_modify(f, p,
                  "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"t\",\"kafka_partition\":"
                  "\"+3x\"},\"offset\":null}]}",
                  "400 Failed to parse the following Kafka partition value in the provided "
                  "offsets: '+3x'. Partition values for sink connectors need to be integers.");
    assert_modify(f, p,
                  "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"t\",\"kafka_partition\":{"
                  "\"a\":1,\"b\":[1,true]}},\"offset\":null}]}",
                  "400 Failed to parse the following Kafka partition value in the provided "
                  "offsets: '{a=1, b=[1, true]}'. Partition values for sink connectors need to "
                  "be integers.");
    assert_modify(f, p,
                  "{\"offsets\":[{\"partition\":{\"kafka_topic\":\"t\",\"kafka_partition\":1},"
                  "\"offset\":{\"kafka_offset\":1.5}}]}",
                  "400 Failed to parse the following Kafka offset value in the provided "
                  "offsets: '1.5'. Offset values for sink connectors need to be integers.");

    cd_properties_t *props = NULL;
    char err[512];
    cd_properties_set(f->config, "admin.override.client.id", "mine");
    assert_int_equal(
        cd_connector_offsets_admin_props(f->wc, "c", f->config, &props, err, sizeof(err)), 0);
    assert_string_equal(cd_properties_get(props, "bootstrap.servers"), "127.0.0.1:1");
    assert_string_equal(cd_properties_get(props, "client.id"), "mine");
    assert_null(cd_properties_get(props, "consumer.override.group.id"));
    cd_properties_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_source_alter_get_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plugin_results, setup, teardown),
        cmocka_unit_test_setup_teardown(test_java_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sink_parse_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
