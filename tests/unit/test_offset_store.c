/**
 * @file test_offset_store.c
 * @brief Source offsets against Java's bytes: the offsets key/value serialisation
 *        (tests/golden/offsets/keys.txt, made by Kafka's JsonConverter) and the
 *        FileOffsetBackingStore file format (tests/golden/offsets/NAME.offsets, written by
 *        Kafka's FileOffsetBackingStore; regenerate with tests/golden/regen-offsets.sh),
 *        the file store's round trip, and corrupt files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "worker/offset_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char golden_dir[1024];

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static char *golden(const char *name, size_t *len)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", golden_dir, name);
    char *data = read_file(path, len);
    if (!data)
        fail_msg("missing golden file %s", path);
    return data;
}

static char *to_hex(const uint8_t *p, size_t n)
{
    if (!p)
        return strdup("null");
    if (n == 0)
        return strdup("-");
    char *s = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(s + i * 2, "%02x", p[i]);
    return s;
}

static cd_value_t *map_of(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    cd_value_t *m = cd_value_new_map();
    for (int i = 0; i < n; i++) {
        const char *k = va_arg(ap, const char *);
        cd_value_t *v = va_arg(ap, cd_value_t *);
        cd_value_map_append(m, cd_value_new_cstring(k), v);
    }
    va_end(ap);
    return m;
}

/** The cases of OffsetsGolden.java, built the same way. */
typedef struct key_case_s {
    const char *name;
    const char *connector;
    cd_value_t *partition;
    cd_value_t *offset;
} key_case_t;

static size_t make_cases(key_case_t *c)
{
    size_t n = 0;
    c[n++] = (key_case_t){"file_source", "local-file-source",
                          map_of(1, "filename", cd_value_new_cstring("/tmp/test.txt")),
                          map_of(1, "position", cd_value_new_int64(42))};
    c[n++] = (key_case_t){"stdin_null_position", "src", map_of(1, "filename", NULL),
                          map_of(1, "position", NULL)};
    c[n++] = (key_case_t){"unicode_name", "c\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \"q\"\\\n",
                          map_of(1, "filename", cd_value_new_cstring("f\xc3\xa9\t\x01")),
                          map_of(1, "position", cd_value_new_int64(0))};
    c[n++] = (key_case_t){
        "multi_key_order", "kinesis",
        map_of(5, "stream", cd_value_new_cstring("s1"), "shard",
               cd_value_new_cstring("shardId-000000000001"), "n", cd_value_new_int32(7), "f",
               cd_value_new_float64(1.5), "b", cd_value_new_boolean(true)),
        map_of(5, "seq",
               cd_value_new_cstring("49590338271490256608559692538361571095921575989136588898"),
               "ms", cd_value_new_int64(-1), "d", cd_value_new_float64(0.1), "i8",
               cd_value_new_int8(3), "bytes", cd_value_new_bytes("\x01\x02\x03", 3))};
    c[n++] = (key_case_t){"empty_partition", "x", map_of(0), map_of(0)};
    c[n++] =
        (key_case_t){"large_numbers", "x",
                     map_of(3, "a", cd_value_new_int64(INT64_MIN), "b",
                            cd_value_new_int64(INT64_MAX), "c", cd_value_new_int32(INT32_MIN)),
                     map_of(3, "f", cd_value_new_float64(1e300), "g", cd_value_new_float64(-0.0),
                            "h", cd_value_new_float32(3.4028235e38f))};
    c[n++] = (key_case_t){"null_offset", "conn", map_of(1, "p", cd_value_new_cstring("1")), NULL};
    return n;
}

static void test_key_value_bytes_match_java(void **state)
{
    key_case_t cases[16];
    size_t n = make_cases(cases);
    size_t len;
    char *text = golden("keys.txt", &len);
    size_t matched = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char name[64], khex[4096], vhex[4096];
        assert_int_equal(sscanf(line, "%63s %4095s %4095s", name, khex, vhex), 3);
        key_case_t *c = NULL;
        for (size_t i = 0; i < n; i++)
            if (strcmp(cases[i].name, name) == 0)
                c = &cases[i];
        if (!c)
            fail_msg("no C case for %s", name);
        char err[512];
        uint8_t *kb, *vb;
        size_t kl, vl;
        assert_int_equal(
            cd_offset_key_serialize(c->connector, c->partition, &kb, &kl, err, sizeof(err)), 0);
        char *kh = to_hex(kb, kl);
        if (strcmp(kh, khex) != 0)
            fail_msg("%s key: C %.*s vs Java %s", name, (int)kl, kb, khex);
        assert_int_equal(cd_offset_value_serialize(c->offset, &vb, &vl, err, sizeof(err)), 0);
        char *vh = to_hex(vb, vl);
        if (strcmp(vh, vhex) != 0)
            fail_msg("%s value: C %.*s (%s) vs Java %s", name, (int)vl, vb ? (char *)vb : "", vh,
                     vhex);
        /* And back. */
        char *conn;
        cd_value_t *part;
        assert_int_equal(cd_offset_key_parse(kb, kl, &conn, &part, err, sizeof(err)), 0);
        assert_string_equal(conn, c->connector);
        assert_int_equal(cd_value_map_size(part), cd_value_map_size(c->partition));
        cd_value_t *off;
        assert_int_equal(cd_offset_value_parse(vb, vl, &off, err, sizeof(err)), 0);
        assert_int_equal(off == NULL, c->offset == NULL);
        free(conn);
        cd_value_destroy(part);
        cd_value_destroy(off);
        free(kh);
        free(vh);
        free(kb);
        free(vb);
        matched++;
    }
    assert_int_equal(matched, n);
    for (size_t i = 0; i < n; i++) {
        cd_value_destroy(cases[i].partition);
        cd_value_destroy(cases[i].offset);
    }
    free(text);
}

static void test_validate_format(void **state)
{
    char err[256];
    cd_value_t *nested = map_of(1, "a", cd_value_new_array());
    uint8_t *out;
    size_t len;
    assert_int_equal(cd_offset_key_serialize("c", nested, &out, &len, err, sizeof(err)), -1);
    assert_string_equal(
        err, "Offsets may only contain primitive types as values, but field a contains ARRAY");
    cd_value_t *s = cd_value_new_cstring("x");
    assert_int_equal(cd_offset_value_serialize(s, &out, &len, err, sizeof(err)), -1);
    assert_string_equal(err, "Offsets must be specified as a Map");
    cd_value_t *intkey = cd_value_new_map();
    cd_value_map_append(intkey, cd_value_new_int32(1), cd_value_new_int32(2));
    assert_int_equal(cd_offset_validate_format(intkey, err, sizeof(err)), -1);
    assert_string_equal(err, "Offsets may only use String keys");
    cd_value_destroy(nested);
    cd_value_destroy(s);
    cd_value_destroy(intkey);
}

static void test_key_parse_rejects(void **state)
{
    static const char *const bad[] = {
        "{\"a\":1}", "[\"c\"]", "[1,{}]", "[\"c\",null]", "[\"c\",[1]]", "not json", "[\"c\",{},3]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[512] = "";
        char *conn;
        cd_value_t *part;
        assert_int_equal(cd_offset_key_parse((const uint8_t *)bad[i], strlen(bad[i]), &conn, &part,
                                             err, sizeof(err)),
                         -1);
        assert_true(strncmp(err, "Ignoring offset partition key", 29) == 0);
    }
}

/* ---- the offsets file ---- */

typedef struct lines_s {
    char **lines;
    size_t count;
} lines_t;

static int collect_line(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *opaque)
{
    lines_t *l = opaque;
    char *kh = to_hex(k, kl), *vh = to_hex(v, vl);
    char *line = malloc(strlen(kh) + strlen(vh) + 2);
    sprintf(line, "%s %s", kh, vh);
    free(kh);
    free(vh);
    l->lines = realloc(l->lines, (l->count + 1) * sizeof(char *));
    l->lines[l->count++] = line;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *joined_sorted(lines_t *l)
{
    if (l->count)
        qsort(l->lines, l->count, sizeof(char *), cmp_str);
    size_t total = 1;
    for (size_t i = 0; i < l->count; i++)
        total += strlen(l->lines[i]) + 1;
    char *s = calloc(1, total);
    for (size_t i = 0; i < l->count; i++) {
        strcat(s, l->lines[i]);
        strcat(s, "\n");
        free(l->lines[i]);
    }
    free(l->lines);
    l->lines = NULL;
    l->count = 0;
    return s;
}

static const char *const golden_files[] = {"one_entry", "empty", "null_value", "many_entries",
                                           "big_value"};

static void test_java_files_parse(void **state)
{
    for (size_t i = 0; i < sizeof(golden_files) / sizeof(golden_files[0]); i++) {
        char name[128];
        size_t len, elen;
        snprintf(name, sizeof(name), "%s.offsets", golden_files[i]);
        char *data = golden(name, &len);
        snprintf(name, sizeof(name), "%s.expected", golden_files[i]);
        char *expected = golden(name, &elen);
        lines_t l = {0};
        char err[512];
        if (cd_offset_file_parse((uint8_t *)data, len, collect_line, &l, err, sizeof(err)) != 0)
            fail_msg("%s: %s", golden_files[i], err);
        char *got = joined_sorted(&l);
        assert_string_equal(got, expected);
        free(got);
        free(expected);
        free(data);
    }
}

static int collect_entries(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *opaque)
{
    lines_t *l = opaque; /* reuse: store raw pointers in pairs */
    l->lines = realloc(l->lines, (l->count + 4) * sizeof(char *));
    l->lines[l->count++] = (char *)k;
    l->lines[l->count++] = (char *)(uintptr_t)kl;
    l->lines[l->count++] = (char *)v;
    l->lines[l->count++] = (char *)(uintptr_t)vl;
    return 0;
}

/** Files with at most one entry are deterministic: connectd's bytes equal Java's. */
static void test_serialize_byte_identical(void **state)
{
    static const char *const single[] = {"one_entry", "empty", "null_value", "big_value"};
    for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
        char name[128];
        size_t len;
        snprintf(name, sizeof(name), "%s.offsets", single[i]);
        char *data = golden(name, &len);
        lines_t l = {0};
        char err[512];
        assert_int_equal(
            cd_offset_file_parse((uint8_t *)data, len, collect_entries, &l, err, sizeof(err)), 0);
        size_t n = l.count / 4;
        cd_offset_store_entry_t entries[2];
        for (size_t j = 0; j < n; j++)
            entries[j] = (cd_offset_store_entry_t){
                (uint8_t *)l.lines[j * 4], (size_t)(uintptr_t)l.lines[j * 4 + 1],
                (uint8_t *)l.lines[j * 4 + 2], (size_t)(uintptr_t)l.lines[j * 4 + 3]};
        uint8_t *out;
        size_t out_len;
        assert_int_equal(cd_offset_file_serialize(entries, n, &out, &out_len, err, sizeof(err)), 0);
        assert_int_equal(out_len, len);
        assert_memory_equal(out, data, len);
        free(out);
        free(l.lines);
        free(data);
    }
    /* 21 entries: the same header (threshold 24, 32 buckets) as Java's file. */
    size_t len;
    char *data = golden("many_entries.offsets", &len);
    lines_t l = {0};
    char err[512];
    assert_int_equal(
        cd_offset_file_parse((uint8_t *)data, len, collect_entries, &l, err, sizeof(err)), 0);
    size_t n = l.count / 4;
    assert_int_equal(n, 21);
    cd_offset_store_entry_t entries[21];
    for (size_t j = 0; j < n; j++)
        entries[j] = (cd_offset_store_entry_t){
            (uint8_t *)l.lines[j * 4], (size_t)(uintptr_t)l.lines[j * 4 + 1],
            (uint8_t *)l.lines[j * 4 + 2], (size_t)(uintptr_t)l.lines[j * 4 + 3]};
    uint8_t *out;
    size_t out_len;
    assert_int_equal(cd_offset_file_serialize(entries, n, &out, &out_len, err, sizeof(err)), 0);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, data, 81); /* everything before the entries */
    lines_t a = {0}, b = {0};
    assert_int_equal(cd_offset_file_parse(out, out_len, collect_line, &a, err, sizeof(err)), 0);
    assert_int_equal(cd_offset_file_parse((uint8_t *)data, len, collect_line, &b, err, sizeof(err)),
                     0);
    char *sa = joined_sorted(&a), *sb = joined_sorted(&b);
    assert_string_equal(sa, sb);
    free(sa);
    free(sb);
    free(out);
    free(l.lines);
    free(data);
}

static void temp_path(char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/connectd-offsets-test-%d-XXXXXX", (int)getpid());
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    close(fd);
    unlink(buf);
}

static void test_store_round_trip(void **state)
{
    char path[256], err[512];
    temp_path(path, sizeof(path));
    cd_offset_store_t *store = cd_file_offset_store_open(path, err, sizeof(err));
    assert_non_null(store); /* missing file = empty */
    cd_value_t *partition = map_of(1, "filename", cd_value_new_cstring("/tmp/test.txt"));
    assert_null(cd_offset_store_read(store, "local-file-source", partition));
    uint8_t *k, *v;
    size_t kl, vl;
    cd_value_t *offset = map_of(1, "position", cd_value_new_int64(42));
    assert_int_equal(
        cd_offset_key_serialize("local-file-source", partition, &k, &kl, err, sizeof(err)), 0);
    assert_int_equal(cd_offset_value_serialize(offset, &v, &vl, err, sizeof(err)), 0);
    cd_offset_store_entry_t e = {k, kl, v, vl};
    assert_int_equal(store->ops->set(store, &e, 1, 1000, err, sizeof(err)), 0);
    cd_offset_store_destroy(store);

    /* The file equals the one Java's FileOffsetBackingStore wrote for this entry. */
    size_t len, glen;
    char *written = read_file(path, &len);
    char *java = golden("one_entry.offsets", &glen);
    assert_int_equal(len, glen);
    assert_memory_equal(written, java, len);
    free(written);
    free(java);

    store = cd_file_offset_store_open(path, err, sizeof(err));
    assert_non_null(store);
    cd_value_t *got = cd_offset_store_read(store, "local-file-source", partition);
    assert_non_null(got);
    assert_true(cd_value_equals(got, offset));
    cd_value_destroy(got);

    /* A null value is kept as Java keeps it, and reads as no offset. */
    e.value = NULL;
    assert_int_equal(store->ops->set(store, &e, 1, 1000, err, sizeof(err)), 0);
    assert_null(cd_offset_store_read(store, "local-file-source", partition));
    cd_connector_offsets_t all;
    cd_offset_store_connector_offsets(store, "local-file-source", &all);
    assert_int_equal(all.count, 0);
    cd_connector_offsets_clear(&all);
    cd_offset_store_destroy(store);

    free(k);
    free(v);
    cd_value_destroy(partition);
    cd_value_destroy(offset);
    unlink(path);
}

static void test_store_reads_java_file(void **state)
{
    char path[1200], err[512];
    snprintf(path, sizeof(path), "%s/many_entries.offsets", golden_dir);
    cd_offset_store_t *store = cd_file_offset_store_open(path, err, sizeof(err));
    assert_non_null(store);
    cd_connector_offsets_t all;
    cd_offset_store_connector_offsets(store, "conn-0", &all);
    assert_int_equal(all.count, 7); /* files 0, 3, ..., 18 */
    for (size_t i = 0; i < all.count; i++) {
        const cd_value_t *f = cd_value_map_get_str(all.partitions[i], "filename");
        const cd_value_t *p = cd_value_map_get_str(all.offsets[i], "position");
        assert_non_null(f);
        assert_non_null(p);
        size_t flen;
        int idx = atoi(cd_value_string(f, &flen) + strlen("/data/file-"));
        assert_int_equal(idx % 3, 0);
        assert_int_equal(cd_value_int64(p), (int64_t)idx * 1000);
    }
    cd_connector_offsets_clear(&all);
    cd_value_t *partition = map_of(1, "filename", cd_value_new_cstring("/data/file-7.txt"));
    cd_value_t *got = cd_offset_store_read(store, "conn-1", partition);
    assert_non_null(got);
    assert_int_equal(cd_value_int64(cd_value_map_get_str(got, "position")), 7000);
    cd_value_destroy(got);
    cd_value_destroy(partition);
    cd_offset_store_destroy(store);
}

static void test_corrupt_files(void **state)
{
    size_t len;
    char *data = golden("many_entries.offsets", &len);
    char err[512];
    /* Every truncation is an error with a message, never a crash. */
    for (size_t cut = 1; cut < len; cut++) {
        err[0] = '\0';
        assert_int_equal(cd_offset_file_parse((uint8_t *)data, cut, NULL, NULL, err, sizeof(err)),
                         -1);
        assert_true(err[0] != '\0');
    }
    uint8_t *copy = malloc(len);
    /* Bad magic. */
    memcpy(copy, data, len);
    copy[0] = 'X';
    assert_int_equal(cd_offset_file_parse(copy, len, NULL, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "invalid stream header"));
    /* Wrong serialVersionUID. */
    memcpy(copy, data, len);
    copy[0x1c] ^= 1;
    assert_int_equal(cd_offset_file_parse(copy, len, NULL, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "local class incompatible"));
    /* Negative and huge mapping counts (bytes 0x4d..0x50). */
    memcpy(copy, data, len);
    copy[0x4d] = 0xff;
    assert_int_equal(cd_offset_file_parse(copy, len, NULL, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Illegal mappings count"));
    memcpy(copy, data, len);
    copy[0x4d] = 0x7f;
    assert_int_equal(cd_offset_file_parse(copy, len, NULL, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger than the file allows"));
    /* A huge array length. */
    memcpy(copy, data, len);
    copy[0x64] = 0x7f;
    assert_int_equal(cd_offset_file_parse(copy, len, NULL, NULL, err, sizeof(err)), -1);
    /* Not a HashMap. */
    static const uint8_t string_obj[] = {0xac, 0xed, 0x00, 0x05, 0x74, 0x00, 0x01, 'x'};
    assert_int_equal(
        cd_offset_file_parse(string_obj, sizeof(string_obj), NULL, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Expected HashMap"));

    /* The store names the file; an empty file is an empty store (Java's EOFException). */
    char path[256];
    temp_path(path, sizeof(path));
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, len / 2, f);
    fclose(f);
    assert_null(cd_file_offset_store_open(path, err, sizeof(err)));
    assert_non_null(strstr(err, "Invalid offsets file"));
    assert_non_null(strstr(err, path));
    f = fopen(path, "wb");
    fclose(f);
    cd_offset_store_t *store = cd_file_offset_store_open(path, err, sizeof(err));
    assert_non_null(store);
    cd_offset_store_destroy(store);
    unlink(path);
    free(copy);
    free(data);
}

int main(void)
{
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    snprintf(golden_dir, sizeof(golden_dir), "%s/tests/golden/offsets", src ? src : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_value_bytes_match_java), cmocka_unit_test(test_validate_format),
        cmocka_unit_test(test_key_parse_rejects),          cmocka_unit_test(test_java_files_parse),
        cmocka_unit_test(test_serialize_byte_identical),   cmocka_unit_test(test_store_round_trip),
        cmocka_unit_test(test_store_reads_java_file),      cmocka_unit_test(test_corrupt_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
