/**
 * @file test_file_stream.c
 * @brief FileStreamSource/Sink connectors driven through their plugin tables with a
 *        small task context: configuration, task configs, line splitting (\n, \r,
 *        \r\n), positions as Java counts them (UTF-16 units), resume from a stored
 *        offset, batch.size, buffer growth, the sink's String.valueOf output and
 *        alterOffsets messages (all checked against Kafka 4.3's connect-file).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <connectd/connector.h>

#include "connectors/file_stream.h"
#include "util/properties.h"
#include "worker/offset_store.h"
#include "worker/worker_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const cd_connector_plugin_t *source = &cd_file_stream_source_connector_plugin;
static const cd_connector_plugin_t *sink = &cd_file_stream_sink_connector_plugin;

static char tmp_path[256];

static int setup(void **state)
{
    snprintf(tmp_path, sizeof(tmp_path), "/tmp/connectd-fs-test-%d-XXXXXX", (int)getpid());
    int fd = mkstemp(tmp_path);
    assert_true(fd >= 0);
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    unlink(tmp_path);
    return 0;
}

static void write_file(const char *mode, const char *data, size_t len)
{
    FILE *f = fopen(tmp_path, mode);
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static cd_properties_t *props(const char *first, ...)
{
    cd_properties_t *p = cd_properties_new();
    va_list ap;
    va_start(ap, first);
    for (const char *k = first; k; k = va_arg(ap, const char *))
        cd_properties_set(p, k, va_arg(ap, const char *));
    va_end(ap);
    return p;
}

static void test_config_tables(void **state)
{
    const cd_config_key_t *k = source->config_keys;
    assert_string_equal(source->class_name,
                        "org.apache.kafka.connect.file.FileStreamSourceConnector");
    assert_string_equal(k[0].name, "file");
    assert_int_equal(k[0].type, CD_CONFIG_STRING);
    assert_null(k[0].default_value);
    assert_int_equal(k[0].importance, CD_IMPORTANCE_HIGH);
    assert_string_equal(k[0].documentation,
                        "Source filename. If not specified, the standard input will be used");
    assert_string_equal(k[1].name, "topic");
    assert_ptr_equal(k[1].default_value, CD_NO_DEFAULT);
    assert_int_equal(k[1].validator.kind, CD_VALIDATOR_NON_EMPTY_STRING);
    assert_string_equal(k[2].name, "batch.size");
    assert_int_equal(k[2].type, CD_CONFIG_INT);
    assert_string_equal(k[2].default_value, "2000");
    assert_int_equal(k[2].importance, CD_IMPORTANCE_LOW);
    assert_string_equal(k[2].documentation, "The maximum number of records the source task can "
                                            "read from the file each time it is polled");
    assert_null(k[3].name);
    assert_string_equal(sink->class_name, "org.apache.kafka.connect.file.FileStreamSinkConnector");
    assert_string_equal(sink->config_keys[0].documentation,
                        "Destination filename. If not specified, the standard output will be used");
    assert_null(sink->config_keys[1].name);
    assert_int_equal(source->type, CD_CONNECTOR_SOURCE);
    assert_int_equal(sink->type, CD_CONNECTOR_SINK);
}

static void expect_start_error(cd_properties_t *p, const char *message)
{
    char err[512] = "";
    assert_null(source->start(p, NULL, err, sizeof(err)));
    assert_string_equal(err, message);
    cd_properties_destroy(p);
}

static void test_source_config_errors(void **state)
{
    expect_start_error(props("file", "x", NULL),
                       "Missing required configuration \"topic\" which has no default value.");
    expect_start_error(props("topic", "  ", NULL),
                       "Invalid value  for configuration topic: String must be non-empty");
    expect_start_error(props("topic", "t", "batch.size", "12x", NULL),
                       "Invalid value 12x for configuration batch.size: Not a number of type INT");
    char err[256];
    cd_properties_t *p = props("topic", "t", "batch.size", " 7 ", NULL);
    cd_fs_source_config_t c;
    assert_int_equal(cd_fs_source_config_parse(p, &c, err, sizeof(err)), 0);
    assert_int_equal(c.batch_size, 7);
    assert_null(c.file);
    cd_fs_source_config_clear(&c);
    cd_properties_destroy(p);
}

static void test_task_configs(void **state)
{
    char err[256];
    cd_properties_t *p = props("topic", "t", "file", "/x", NULL);
    void *st = source->start(p, NULL, err, sizeof(err));
    assert_non_null(st);
    cd_properties_t *out[4] = {0};
    assert_int_equal(source->task_configs(st, 3, out, err, sizeof(err)), 1);
    assert_string_equal(cd_properties_get(out[0], "file"), "/x");
    cd_properties_destroy(out[0]);
    source->stop(st);
    st = sink->start(p, NULL, err, sizeof(err));
    assert_int_equal(sink->task_configs(st, 3, out, err, sizeof(err)), 3);
    for (int i = 0; i < 3; i++) {
        assert_string_equal(cd_properties_get(out[i], "topic"), "t");
        cd_properties_destroy(out[i]);
    }
    sink->stop(st);
    cd_properties_destroy(p);
}

typedef struct run_s {
    cd_task_context_t ctx;
    void *task;
    cd_record_list_t list;
    char offsets_path[300];
} run_t;

/** Stores {"position": v} for this file under connector "local-file-source" in a real
 *  offsets file, where the task context (worker/task_context.c) will look it up. */
static void store_position(run_t *r, cd_value_t *position)
{
    char err[512];
    snprintf(r->offsets_path, sizeof(r->offsets_path), "%s.offsets", tmp_path);
    unlink(r->offsets_path);
    cd_offset_store_t *store = cd_file_offset_store_open(r->offsets_path, err, sizeof(err));
    assert_non_null(store);
    cd_value_t *partition = cd_value_new_map();
    cd_value_map_append(partition, cd_value_new_cstring("filename"),
                        cd_value_new_cstring(tmp_path));
    cd_value_t *offset = cd_value_new_map();
    cd_value_map_append(offset, cd_value_new_cstring("position"), position);
    uint8_t *k, *v;
    size_t kl, vl;
    assert_int_equal(
        cd_offset_key_serialize("local-file-source", partition, &k, &kl, err, sizeof(err)), 0);
    assert_int_equal(cd_offset_value_serialize(offset, &v, &vl, err, sizeof(err)), 0);
    cd_offset_store_entry_t e = {k, kl, v, vl};
    assert_int_equal(store->ops->set(store, &e, 1, 1000, err, sizeof(err)), 0);
    free(k);
    free(v);
    cd_value_destroy(partition);
    cd_value_destroy(offset);
    r->ctx.offsets = store;
}

static void start_task(run_t *r, const char *batch)
{
    char err[256];
    r->ctx.connector = "local-file-source";
    cd_properties_t *p = props("topic", "lines", "file", tmp_path, NULL);
    if (batch)
        cd_properties_set(p, "batch.size", batch);
    r->task = source->source_task->start(p, &r->ctx, err, sizeof(err));
    assert_non_null(r->task);
    cd_properties_destroy(p);
}

static void stop_task(run_t *r)
{
    source->source_task->stop(r->task);
    cd_record_list_free(&r->list);
    cd_offset_store_destroy(r->ctx.offsets);
    if (r->offsets_path[0])
        unlink(r->offsets_path);
}

static size_t poll_once(run_t *r)
{
    char err[256];
    cd_record_list_clear(&r->list);
    assert_int_equal(source->source_task->poll(r->task, &r->list, err, sizeof(err)), 0);
    return r->list.count;
}

static void assert_record(run_t *r, size_t i, const char *line, int64_t position)
{
    cd_record_t *rec = r->list.records[i];
    size_t len;
    assert_string_equal(cd_record_topic(rec), "lines");
    assert_null(cd_record_key(rec));
    assert_null(cd_record_key_schema(rec));
    assert_int_equal(cd_schema_type(cd_record_value_schema(rec)), CD_TYPE_STRING);
    assert_false(cd_schema_is_optional(cd_record_value_schema(rec)));
    const char *v = cd_value_string(cd_record_value(rec), &len);
    assert_int_equal(len, strlen(line));
    assert_memory_equal(v, line, len);
    const cd_value_t *part = cd_record_source_partition(rec);
    assert_int_equal(cd_value_map_size(part), 1);
    assert_string_equal(cd_value_string(cd_value_map_get_str(part, "filename"), &len), tmp_path);
    const cd_value_t *off = cd_record_source_offset(rec);
    assert_int_equal(cd_value_map_size(off), 1);
    const cd_value_t *pos = cd_value_map_get_str(off, "position");
    assert_int_equal(cd_value_kind(pos), CD_VALUE_INT64);
    assert_int_equal(cd_value_int64(pos), position);
    assert_true(cd_record_timestamp(rec) > 1600000000000LL);
}

static void test_source_line_endings(void **state)
{
    write_file("wb", "a\nb\r\nc\rd", 8);
    run_t r = {0};
    start_task(&r, NULL);
    assert_int_equal(poll_once(&r), 3);
    assert_record(&r, 0, "a", 2);
    assert_record(&r, 1, "b", 5);
    assert_record(&r, 2, "c", 7);
    /* "d" waits for its line end; a trailing \r waits for the next character. */
    write_file("ab", "\r", 1);
    r.ctx.stopping = true; /* no data: the wait gives up at once */
    assert_int_equal(poll_once(&r), 0);
    write_file("ab", "\r\ne\n", 4);
    assert_int_equal(poll_once(&r), 3);
    assert_record(&r, 0, "d", 9);
    assert_record(&r, 1, "", 11);
    assert_record(&r, 2, "e", 13);
    stop_task(&r);
}

static void test_source_resume_from_offset(void **state)
{
    write_file("wb", "a\nb\r\nc\rd\n", 9);
    run_t r = {0};
    store_position(&r, cd_value_new_int64(5));
    start_task(&r, NULL);
    assert_int_equal(poll_once(&r), 2);
    assert_record(&r, 0, "c", 7);
    assert_record(&r, 1, "d", 9);
    stop_task(&r);

    run_t bad = {0};
    store_position(&bad, cd_value_new_cstring("5"));
    start_task(&bad, NULL);
    char err[256];
    assert_int_equal(source->source_task->poll(bad.task, &bad.list, err, sizeof(err)), -1);
    assert_string_equal(err, "Offset position is the incorrect type");
    stop_task(&bad);
}

static void test_source_utf8_positions(void **state)
{
    /* é is one UTF-16 unit, 😀 two, a malformed byte one U+FFFD: positions count units. */
    write_file("wb", "\xc3\xa9\n\xf0\x9f\x98\x80\n\xff!\n", 11);
    run_t r = {0};
    start_task(&r, NULL);
    assert_int_equal(poll_once(&r), 3);
    assert_record(&r, 0, "\xc3\xa9", 2);
    assert_record(&r, 1, "\xf0\x9f\x98\x80", 5);
    assert_record(&r, 2, "\xef\xbf\xbd!", 8);
    stop_task(&r);
}

static void test_source_batch_size_and_growth(void **state)
{
    write_file("wb", "1\n2\n3\n4\n5\n", 10);
    run_t r = {0};
    start_task(&r, "2");
    assert_int_equal(poll_once(&r), 2);
    assert_record(&r, 1, "2", 4);
    assert_int_equal(poll_once(&r), 2);
    assert_record(&r, 0, "3", 6);
    r.ctx.stopping = true;
    assert_int_equal(poll_once(&r), 1);
    assert_record(&r, 0, "5", 10);
    stop_task(&r);

    /* A 3000-character line: the 1024-unit buffer doubles twice, as Java's. */
    char *line = malloc(3002);
    memset(line, 'x', 3000);
    line[3000] = '\n';
    write_file("wb", line, 3001);
    run_t g = {0};
    start_task(&g, NULL);
    assert_int_equal(cd_fs_source_task_buffer_size(g.task), 1024);
    assert_int_equal(poll_once(&g), 1);
    assert_int_equal(cd_fs_source_task_buffer_size(g.task), 4096);
    line[3000] = '\0';
    assert_record(&g, 0, line, 3001);
    stop_task(&g);
    free(line);
}

static void test_source_missing_file_waits(void **state)
{
    unlink(tmp_path);
    run_t r = {0};
    start_task(&r, NULL);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(poll_once(&r), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double waited = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(waited >= 0.9 && waited < 3.0);
    r.ctx.stopping = true;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(poll_once(&r), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_true(b.tv_sec - a.tv_sec < 1);
    write_file("wb", "now\n", 4);
    assert_int_equal(poll_once(&r), 1);
    assert_record(&r, 0, "now", 4);
    stop_task(&r);
}

static void test_alter_offsets(void **state)
{
    char err[512];
    cd_properties_t *no_file = props("topic", "t", NULL);
    assert_int_equal(source->alter_offsets(no_file, NULL, 0, err, sizeof(err)), -1);
    assert_string_equal(err, "Offsets cannot be modified if the 'file' configuration is "
                             "unspecified. This is because stdin is used for input and offsets "
                             "are not tracked.");
    cd_properties_t *p = props("topic", "t", "file", "/f", NULL);
    cd_value_t *part = cd_value_new_map();
    cd_value_map_append(part, cd_value_new_cstring("filename"), cd_value_new_cstring("/f"));
    cd_value_t *good = cd_value_new_map();
    cd_value_map_append(good, cd_value_new_cstring("position"), cd_value_new_int64(3));
    cd_value_t *neg = cd_value_new_map();
    cd_value_map_append(neg, cd_value_new_cstring("position"), cd_value_new_int64(-1));
    cd_value_t *str = cd_value_new_map();
    cd_value_map_append(str, cd_value_new_cstring("position"), cd_value_new_cstring("3"));
    cd_value_t *other = cd_value_new_map();
    cd_value_map_append(other, cd_value_new_cstring("pos"), cd_value_new_int64(3));
    cd_value_t *badpart = cd_value_new_map();
    cd_value_map_append(badpart, cd_value_new_cstring("file"), cd_value_new_cstring("/f"));

    cd_offset_entry_t e = {part, good};
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), 1);
    e.offset = NULL;
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), 1);
    e.offset = neg;
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "The value for the 'position' key in the offset should be a "
                             "non-negative value");
    e.offset = str;
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), -1);
    assert_string_equal(
        err, "The value for the 'position' key in the offset is expected to be a Long value");
    e.offset = other;
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "Offset objects should either be null or contain the key 'position'");
    e = (cd_offset_entry_t){NULL, good};
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "Partition objects cannot be null");
    e = (cd_offset_entry_t){badpart, good};
    assert_int_equal(source->alter_offsets(p, &e, 1, err, sizeof(err)), -1);
    assert_string_equal(err, "Partition objects should contain the key 'filename'");
    assert_int_equal(sink->alter_offsets(p, NULL, 0, err, sizeof(err)), 1);
    cd_value_destroy(part);
    cd_value_destroy(good);
    cd_value_destroy(neg);
    cd_value_destroy(str);
    cd_value_destroy(other);
    cd_value_destroy(badpart);
    cd_properties_destroy(p);
    cd_properties_destroy(no_file);
}

static void test_sink_writes_string_value_of(void **state)
{
    unlink(tmp_path);
    char err[256];
    cd_properties_t *p = props("file", tmp_path, NULL);
    void *task = sink->sink_task->start(p, NULL, err, sizeof(err));
    assert_non_null(task);
    cd_record_t *recs[8];
    size_t n = 0;
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], NULL, cd_value_new_cstring("hello"));
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], NULL, NULL);
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], NULL, cd_value_new_int64(-42));
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], NULL, cd_value_new_float64(1e10));
    cd_value_t *list = cd_value_new_array();
    cd_value_array_append(list, cd_value_new_int32(1));
    cd_value_array_append(list, NULL);
    cd_value_array_append(list, cd_value_new_cstring("x"));
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], NULL, list);
    cd_value_t *map = cd_value_new_map();
    cd_value_map_append(map, cd_value_new_cstring("a"), cd_value_new_boolean(true));
    cd_value_map_append(map, cd_value_new_cstring("b"), cd_value_new_float32(0.1f));
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], NULL, map);
    cd_schema_t *schema = cd_schema_new_struct();
    cd_schema_add_field(schema, "id", cd_schema_new(CD_TYPE_INT32), err, sizeof(err));
    cd_schema_t *opt = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_optional(opt, true);
    cd_schema_add_field(schema, "name", opt, err, sizeof(err));
    cd_schema_add_field(schema, "tag", cd_schema_new(CD_TYPE_STRING), err, sizeof(err));
    cd_value_t *st = cd_value_new_struct(schema);
    cd_value_struct_put(st, "id", cd_value_new_int32(7), err, sizeof(err));
    cd_value_struct_put(st, "tag", cd_value_new_cstring("z"), err, sizeof(err));
    recs[n] = cd_record_new("t");
    cd_record_set_value(recs[n++], schema, st);
    cd_schema_unref(schema);
    assert_int_equal(sink->sink_task->put(task, recs, n, err, sizeof(err)), 0);
    assert_int_equal(sink->sink_task->flush(task, NULL, 0, err, sizeof(err)), 0);
    sink->sink_task->stop(task);
    for (size_t i = 0; i < n; i++)
        cd_record_destroy(recs[i]);

    FILE *f = fopen(tmp_path, "rb");
    char buf[512];
    size_t len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[len] = '\0';
    assert_string_equal(buf, "hello\nnull\n-42\n1.0E10\n[1, null, x]\n{a=true, b=0.1}\n"
                             "Struct{id=7,tag=z}\n");

    /* Appends to an existing file; an unwritable path fails start with Java's message. */
    task = sink->sink_task->start(p, NULL, err, sizeof(err));
    recs[0] = cd_record_new("t");
    cd_record_set_value(recs[0], NULL, cd_value_new_cstring("more"));
    assert_int_equal(sink->sink_task->put(task, recs, 1, err, sizeof(err)), 0);
    sink->sink_task->stop(task);
    cd_record_destroy(recs[0]);
    f = fopen(tmp_path, "rb");
    len = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[len] = '\0';
    assert_non_null(strstr(buf, "Struct{id=7,tag=z}\nmore\n"));
    cd_properties_destroy(p);
    p = props("file", "/nonexistent-dir/x/out.txt", NULL);
    assert_null(sink->sink_task->start(p, NULL, err, sizeof(err)));
    assert_string_equal(
        err, "Couldn't find or create file '/nonexistent-dir/x/out.txt' for FileStreamSinkTask");
    cd_properties_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_tables),
        cmocka_unit_test(test_source_config_errors),
        cmocka_unit_test(test_task_configs),
        cmocka_unit_test_setup_teardown(test_source_line_endings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_resume_from_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_utf8_positions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_batch_size_and_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_missing_file_waits, setup, teardown),
        cmocka_unit_test(test_alter_offsets),
        cmocka_unit_test_setup_teardown(test_sink_writes_string_value_of, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
