/*
 * test_transforms_golden.c: the single message transform chain against Apache
 * Kafka's own transformations. Every tests/golden/transforms/cases/<file>.json
 * is run through cd_transform_chain_new / cd_transform_chain_apply, records
 * going in and out through connectd's JsonConverter exactly as
 * tests/golden/TransformsGolden.java does with Java's, and each case's outcome
 * must equal tests/golden/transforms/expected/<file>.json (written only by that
 * oracle). The first difference of each case is printed.
 *
 * CONNECTD_GOLDEN_FILTER=<substring> restricts the run to the case files whose
 * name contains it (e.g. "cast").
 */
#include <connectd/converter.h>
#include <connectd/record.h>

#include "util/properties.h"
#include "worker/transform_chain.h"

#include <dirent.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ERRSTR_SIZE 2048
#define MAX_FILES 256

static void *g_reader; /* schemas.enable=true */
static void *g_writer; /* schemas.enable=true, NUMERIC decimals, no null replacement */

static void *make_converter(const char *decimal_format, const char *replace_null)
{
    char errstr[ERRSTR_SIZE];
    cd_properties_t *props = cd_properties_new();
    assert_non_null(props);
    assert_int_equal(cd_properties_set(props, "schemas.enable", "true"), 0);
    if (decimal_format)
        assert_int_equal(cd_properties_set(props, "decimal.format", decimal_format), 0);
    if (replace_null)
        assert_int_equal(cd_properties_set(props, "replace.null.with.default", replace_null), 0);
    void *conv = cd_json_converter_plugin.create(props, CD_CONVERTER_VALUE, errstr, ERRSTR_SIZE);
    cd_properties_destroy(props);
    if (!conv)
        fail_msg("JsonConverter: %s", errstr);
    return conv;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long size;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
            free(buf);
            buf = NULL;
        } else if (buf) {
            buf[size] = '\0';
            *len = (size_t)size;
        }
    }
    fclose(f);
    return buf;
}

static json_t *load_json(const char *path)
{
    size_t len = 0;
    json_error_t jerr;
    char *text = read_file(path, &len);
    if (!text)
        fail_msg("cannot read %s (set CONNECTD_SOURCE_DIR)", path);
    json_t *root = json_loadb(text, len, 0, &jerr);
    free(text);
    if (!root)
        fail_msg("%s:%d: %s", path, jerr.line, jerr.text);
    return root;
}

/** Envelope JSON -> Connect data through the JsonConverter (absent/null = null). */
static int read_envelope(const char *topic, json_t *envelope, cd_schema_and_value_t *out,
                         char *errstr)
{
    out->schema = NULL;
    out->value = NULL;
    if (!envelope || json_is_null(envelope))
        return 0;
    char *text = json_dumps(envelope, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(text);
    int rc = cd_json_converter_plugin.to_connect(g_reader, topic, NULL, (const uint8_t *)text,
                                                 strlen(text), out, errstr, ERRSTR_SIZE);
    free(text);
    return rc;
}

/** Connect data -> envelope JSON through the JsonConverter (null bytes = JSON null). */
static json_t *write_envelope(const char *topic, const cd_schema_t *schema, const cd_value_t *value,
                              char *errstr)
{
    cd_buf_t out;
    bool is_null = false;
    json_error_t jerr;
    json_t *json;
    cd_buf_init(&out);
    if (cd_json_converter_plugin.from_connect(g_writer, topic, NULL, schema, value, &out, &is_null,
                                              errstr, ERRSTR_SIZE)) {
        cd_buf_free(&out);
        return NULL;
    }
    if (is_null)
        json = json_null();
    else
        json = json_loadb((const char *)out.data, out.len, JSON_DECODE_ANY, &jerr);
    if (!json)
        snprintf(errstr, ERRSTR_SIZE, "JsonConverter wrote invalid JSON: %.*s", (int)out.len,
                 out.data ? (const char *)out.data : "");
    cd_buf_free(&out);
    return json;
}

/** A case record -> cd_record_t (sink record when "offset" is present). */
static cd_record_t *make_record(const char *file, json_t *r)
{
    char errstr[ERRSTR_SIZE];
    const char *topic = json_string_value(json_object_get(r, "topic"));
    json_t *partition = json_object_get(r, "partition");
    json_t *timestamp = json_object_get(r, "timestamp");
    json_t *offset = json_object_get(r, "offset");
    json_t *headers = json_object_get(r, "headers");
    cd_schema_and_value_t sv;
    if (!topic)
        fail_msg("%s: a record without \"topic\"", file);
    cd_record_t *rec = cd_record_new(topic);
    assert_non_null(rec);
    if (json_is_integer(partition))
        cd_record_set_partition(rec, (int32_t)json_integer_value(partition));
    else if (json_is_integer(offset))
        cd_record_set_partition(rec, 0);
    if (json_is_integer(timestamp))
        cd_record_set_timestamp(rec, (int64_t)json_integer_value(timestamp));
    if (json_is_integer(offset))
        cd_record_set_kafka_offset(rec, (int64_t)json_integer_value(offset));
    if (read_envelope(topic, json_object_get(r, "key"), &sv, errstr))
        fail_msg("%s: bad key envelope: %s", file, errstr);
    cd_record_set_key(rec, sv.schema, sv.value);
    sv.value = NULL;
    cd_schema_and_value_clear(&sv);
    if (read_envelope(topic, json_object_get(r, "value"), &sv, errstr))
        fail_msg("%s: bad value envelope: %s", file, errstr);
    cd_record_set_value(rec, sv.schema, sv.value);
    sv.value = NULL;
    cd_schema_and_value_clear(&sv);
    size_t i;
    json_t *h;
    json_array_foreach(headers, i, h)
    {
        const char *key = json_string_value(json_object_get(h, "key"));
        if (!key)
            fail_msg("%s: a header without \"key\"", file);
        if (read_envelope(topic, json_object_get(h, "value"), &sv, errstr))
            fail_msg("%s: bad header envelope: %s", file, errstr);
        cd_headers_add(cd_record_headers(rec), key, sv.schema, sv.value);
        sv.value = NULL;
        cd_schema_and_value_clear(&sv);
    }
    return rec;
}

/** The oracle's {"record": {...}} object for @p rec, or {"error": ...} if it cannot be written. */
static json_t *record_result(const cd_record_t *rec)
{
    char errstr[ERRSTR_SIZE];
    const char *topic = cd_record_topic(rec);
    json_t *o = json_object();
    json_object_set_new(o, "topic", json_string(topic));
    int32_t partition = cd_record_partition(rec);
    json_object_set_new(o, "partition",
                        partition == CD_PARTITION_NONE ? json_null() : json_integer(partition));
    int64_t ts = cd_record_timestamp(rec);
    json_object_set_new(o, "timestamp", ts == CD_TIMESTAMP_NONE ? json_null() : json_integer(ts));
    json_t *key = write_envelope(topic, cd_record_key_schema(rec), cd_record_key(rec), errstr);
    json_t *value =
        key ? write_envelope(topic, cd_record_value_schema(rec), cd_record_value(rec), errstr)
            : NULL;
    if (!key || !value) {
        json_decref(key);
        json_decref(o);
        return json_pack("{s:s}", "error", errstr);
    }
    json_object_set_new(o, "key", key);
    json_object_set_new(o, "value", value);
    json_t *headers = json_array();
    const cd_headers_t *hs = cd_record_headers_const(rec);
    for (size_t i = 0; hs && i < cd_headers_count(hs); i++) {
        json_t *hv =
            write_envelope(topic, cd_headers_schema_at(hs, i), cd_headers_value_at(hs, i), errstr);
        if (!hv) {
            json_decref(headers);
            json_decref(o);
            return json_pack("{s:s+}", "error", "header converter: ", errstr);
        }
        json_array_append_new(headers,
                              json_pack("{s:s,s:o}", "key", cd_headers_key_at(hs, i), "value", hv));
    }
    json_object_set_new(o, "headers", headers);
    return json_pack("{s:o}", "record", o);
}

/** Runs one case; @returns the outcome in the oracle's format. */
static json_t *run_case(const char *file, json_t *c)
{
    char errstr[ERRSTR_SIZE] = "";
    json_t *config = json_object_get(c, "config");
    json_t *records = json_object_get(c, "records");
    json_t *out = json_object();
    const char *key;
    json_t *value;
    cd_properties_t *props = cd_properties_new();
    assert_non_null(props);
    json_object_set(out, "name", json_object_get(c, "name"));
    json_object_foreach(config, key, value)
    {
        if (!json_is_string(value))
            fail_msg("%s: config value of %s is not a string", file, key);
        assert_int_equal(cd_properties_set(props, key, json_string_value(value)), 0);
    }
    cd_transform_chain_t *chain = cd_transform_chain_new(props, errstr, sizeof(errstr));
    cd_properties_destroy(props);
    json_t *results = json_array();
    if (!chain) {
        json_object_set_new(out, "config_error", json_string(errstr));
        json_object_set_new(out, "results", results);
        return out;
    }
    json_object_set_new(out, "config_error", json_null());
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r)
    {
        cd_record_t *rec = make_record(file, r);
        errstr[0] = '\0';
        if (cd_transform_chain_apply(chain, &rec, errstr, sizeof(errstr)))
            json_array_append_new(results, json_pack("{s:s}", "error", errstr));
        else if (!rec)
            json_array_append_new(results, json_pack("{s:b}", "dropped", 1));
        else
            json_array_append_new(results, record_result(rec));
        cd_record_destroy(rec);
    }
    cd_transform_chain_destroy(chain);
    json_object_set_new(out, "results", results);
    return out;
}

static void print_json(const char *label, json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    print_error("    %s %s\n", label, text ? text : "?");
    free(text);
}

/** @returns true if @p got equals @p want; prints the first difference otherwise. */
static bool case_matches(const char *file, json_t *want, json_t *got)
{
    const char *name = json_string_value(json_object_get(want, "name"));
    if (json_equal(want, got))
        return true;
    print_error("MISMATCH %s: %s\n", file, name ? name : "?");
    json_t *we = json_object_get(want, "config_error");
    json_t *ge = json_object_get(got, "config_error");
    if (!json_equal(we, ge)) {
        print_json("want config_error", we);
        print_json("got  config_error", ge);
        return false;
    }
    json_t *wr = json_object_get(want, "results");
    json_t *gr = json_object_get(got, "results");
    if (json_array_size(wr) != json_array_size(gr)) {
        print_error("    want %zu results, got %zu\n", json_array_size(wr), json_array_size(gr));
        return false;
    }
    for (size_t i = 0; i < json_array_size(wr); i++) {
        if (json_equal(json_array_get(wr, i), json_array_get(gr, i)))
            continue;
        print_error("    record %zu:\n", i);
        print_json("want", json_array_get(wr, i));
        print_json("got ", json_array_get(gr, i));
        return false;
    }
    return false;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_golden_transforms(void **state)
{
    (void)state;
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    const char *filter = getenv("CONNECTD_GOLDEN_FILTER");
    char dir[2048], path[4096];
    char *names[MAX_FILES];
    size_t nfiles = 0, total = 0, passed = 0;
    if (strlen(src ? src : ".") > 1024)
        fail_msg("CONNECTD_SOURCE_DIR too long");
    snprintf(dir, sizeof(dir), "%.1024s/tests/golden/transforms", src ? src : ".");
    snprintf(path, sizeof(path), "%s/cases", dir);
    DIR *d = opendir(path);
    if (!d)
        fail_msg("cannot open %s (set CONNECTD_SOURCE_DIR)", path);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
            continue;
        if (filter && !strstr(e->d_name, filter))
            continue;
        assert_true(nfiles < MAX_FILES);
        names[nfiles++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, nfiles, sizeof(names[0]), cmp_names);

    g_reader = make_converter(NULL, NULL);
    g_writer = make_converter("NUMERIC", "false");
    for (size_t f = 0; f < nfiles; f++) {
        snprintf(path, sizeof(path), "%s/cases/%.1024s", dir, names[f]);
        json_t *cases = load_json(path);
        snprintf(path, sizeof(path), "%s/expected/%.1024s", dir, names[f]);
        json_t *expected = load_json(path);
        size_t file_passed = 0, n = json_array_size(cases);
        if (!json_is_array(cases) || json_array_size(expected) != n)
            fail_msg("%s: %zu cases but %zu expected results (run TransformsGolden.java)", names[f],
                     n, json_array_size(expected));
        for (size_t i = 0; i < n; i++) {
            json_t *c = json_array_get(cases, i);
            json_t *want = json_array_get(expected, i);
            if (!json_equal(json_object_get(c, "name"), json_object_get(want, "name")))
                fail_msg("%s: case %zu is %s in the cases but %s in expected", names[f], i,
                         json_string_value(json_object_get(c, "name")),
                         json_string_value(json_object_get(want, "name")));
            json_t *got = run_case(names[f], c);
            if (case_matches(names[f], want, got))
                file_passed++;
            json_decref(got);
        }
        print_message("golden transforms %s: %zu/%zu match Java\n", names[f], file_passed, n);
        passed += file_passed;
        total += n;
        json_decref(cases);
        json_decref(expected);
        free(names[f]);
    }
    cd_json_converter_plugin.destroy(g_reader);
    cd_json_converter_plugin.destroy(g_writer);
    print_message("golden transforms: %zu/%zu cases match Java\n", passed, total);
    assert_int_equal(passed, total);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_transforms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
