/*
 * test_kafka_status_codec.c: the status-topic codecs of storage/kafka_status_store.c
 * (no Kafka): values byte-identical to Java's KafkaStatusBackingStore (golden file
 * tests/golden/status/values.txt made by tests/golden/StatusGolden.java), Java's
 * parse rules for keys and values, and the backed status store's putSafe and reader
 * rules (worker/status.c) with a recording backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage/kafka_backing_stores.h"

static char *read_file(const char *rel)
{
    const char *dir = getenv("CONNECTD_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The golden line of case @p n, decoded from hex (malloc'd). */
static uint8_t *golden(const char *file, int n, size_t *len)
{
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "%d ", n);
    for (char *line = strtok((char *)file, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        const char *h = line + strlen(prefix);
        size_t hl = strlen(h);
        uint8_t *out = malloc(hl / 2 + 1);
        for (size_t i = 0; i < hl / 2; i++) {
            unsigned v;
            sscanf(h + 2 * i, "%2x", &v);
            out[i] = (uint8_t)v;
        }
        *len = hl / 2;
        return out;
    }
    fail_msg("no golden case %d", n);
    return NULL;
}

#define TRACE                                                                                      \
    "org.apache.kafka.connect.errors.ConnectException: boom\n\tat X.y(X.java:1)\n\"q\" \\ "        \
    "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x01 \x1f / \xe2\x80\xa8"

static const cd_status_t cases[] = {
    {"c", -1, CD_STATE_RUNNING, NULL, "10.0.0.5:8083", 7, NULL},
    {"c", 0, CD_STATE_FAILED, TRACE, "w:1", 2147483647, NULL},
    {"c", 1, CD_STATE_UNASSIGNED, NULL, "h:8083", 0, NULL},
    {"c", -1, CD_STATE_PAUSED, "", "", -1, "1.2.3"},
    {"c", -1, CD_STATE_STOPPED, NULL, "\xc3\xbcn\xc3\xaf:1", 12, "4.3.1"},
    {"c", 2, CD_STATE_RESTARTING, NULL, "h:1", 3, NULL},
};

static void test_values_match_java(void **state)
{
    (void)state;
    for (int i = 0; i < 8; i++) {
        char *file = read_file("tests/golden/status/values.txt");
        size_t glen = 0, len = 0;
        uint8_t *want = golden(file, i, &glen);
        uint8_t *got;
        if (i < 6)
            got = cd_status_value_serialize(&cases[i], &len);
        else if (i == 6)
            got = cd_topic_status_value_serialize("orders", "src", 0, 1729800000000LL, &len);
        else
            got = cd_topic_status_value_serialize("t.\xc3\xbc-1", "c\"x", 3, 0, &len);
        assert_non_null(got);
        if (len != glen || memcmp(got, want, len) != 0)
            fail_msg("case %d: got %.*s want %.*s", i, (int)len, got, (int)glen, want);
        /* and it parses back to the same fields */
        if (i < 6) {
            cd_status_t back = {0};
            assert_int_equal(cd_status_value_parse(want, glen, &back), 0);
            assert_int_equal(back.state, cases[i].state);
            assert_int_equal(back.generation, cases[i].generation);
            if (cases[i].trace)
                assert_string_equal(back.trace, cases[i].trace);
            else
                assert_null(back.trace);
            assert_string_equal(back.worker_id, cases[i].worker_id);
            if (cases[i].version)
                assert_string_equal(back.version, cases[i].version);
            else
                assert_null(back.version);
            cd_status_clear(&back);
        } else {
            char *t = NULL, *c = NULL;
            int task = -1;
            int64_t ts = -1;
            assert_int_equal(cd_topic_status_value_parse(want, glen, &t, &c, &task, &ts), 0);
            assert_string_equal(t, i == 6 ? "orders" : "t.\xc3\xbc-1");
            assert_int_equal(task, i == 6 ? 0 : 3);
            assert_int_equal(ts, i == 6 ? 1729800000000LL : 0);
            free(t);
            free(c);
        }
        free(got);
        free(want);
        free(file);
    }
}

static int parse_value(const char *json, cd_status_t *out)
{
    memset(out, 0, sizeof(*out));
    return cd_status_value_parse((const uint8_t *)json, strlen(json), out);
}

static void test_value_parse_rules(void **state)
{
    (void)state;
    cd_status_t s;
    /* Java 3.x records (no version) are fine; generation read as Long then intValue. */
    assert_int_equal(parse_value("{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"a:1\","
                                 "\"generation\":4294967297}",
                                 &s),
                     0);
    assert_int_equal(s.generation, 1);
    cd_status_clear(&s);
    assert_int_equal(
        parse_value("{\"state\":\"PAUSED\",\"worker_id\":\"a:1\",\"generation\":1}", &s), 0);
    assert_null(s.trace);
    cd_status_clear(&s);
    const char *bad[] = {
        "[]",
        "\"RUNNING\"",
        "{\"state\":\"running\",\"worker_id\":\"a\",\"generation\":1}",
        "{\"state\":\"BOGUS\",\"worker_id\":\"a\",\"generation\":1}",
        "{\"worker_id\":\"a\",\"generation\":1}",
        "{\"state\":\"RUNNING\",\"worker_id\":\"a\"}",
        "{\"state\":\"RUNNING\",\"worker_id\":\"a\",\"generation\":1.0}",
        "{\"state\":\"RUNNING\",\"worker_id\":\"a\",\"generation\":\"1\"}",
        "{\"state\":\"RUNNING\",\"worker_id\":5,\"generation\":1}",
        "{\"state\":\"RUNNING\",\"trace\":true,\"worker_id\":\"a\",\"generation\":1}",
        "not json",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (parse_value(bad[i], &s) != -1)
            fail_msg("accepted %s", bad[i]);
        cd_status_clear(&s);
    }
}

static cd_status_key_kind_t key(const char *k, char **c, int *t, char **topic)
{
    return cd_status_key_parse((const uint8_t *)k, strlen(k), c, t, topic);
}

static void test_key_parse(void **state)
{
    (void)state;
    char *c, *t;
    int task;
    assert_int_equal(key("status-connector-my-conn", &c, &task, &t), CD_STATUS_KEY_CONNECTOR);
    assert_string_equal(c, "my-conn");
    free(c);
    assert_int_equal(key("status-connector-", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("status-task-my-conn-12", &c, &task, &t), CD_STATUS_KEY_TASK);
    assert_string_equal(c, "my-conn");
    assert_int_equal(task, 12);
    free(c);
    /* String.split drops trailing empty parts; middle empty parts are kept */
    assert_int_equal(key("status-task-a--3--", &c, &task, &t), CD_STATUS_KEY_TASK);
    assert_string_equal(c, "a-");
    assert_int_equal(task, 3);
    free(c);
    assert_int_equal(key("status-task--0", &c, &task, &t), CD_STATUS_KEY_TASK);
    assert_string_equal(c, "");
    free(c);
    assert_int_equal(key("status-task-c-+7", &c, &task, &t), CD_STATUS_KEY_TASK);
    assert_int_equal(task, 7);
    free(c);
    assert_int_equal(key("status-task-5", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("status-task-c-x", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("status-task-c-99999999999", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("status-topic-orders:connector-src", &c, &task, &t), CD_STATUS_KEY_TOPIC);
    assert_string_equal(t, "orders");
    assert_string_equal(c, "src");
    free(c);
    free(t);
    /* first ':' ends the topic; the connector starts 11 characters later whatever they are */
    assert_int_equal(key("status-topic-a:b:connector-c", &c, &task, &t), CD_STATUS_KEY_TOPIC);
    assert_string_equal(t, "a");
    assert_string_equal(c, "r-c");
    free(c);
    free(t);
    assert_int_equal(key("status-topic-:connector-c", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("status-topic-t:connector-", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("status-topic-t", &c, &task, &t), CD_STATUS_KEY_INVALID);
    assert_int_equal(key("other", &c, &task, &t), CD_STATUS_KEY_INVALID);
}

/* A backend that records writes. */
typedef struct rec_s {
    int writes;
    cd_state_t last_state;
    int topic_writes;
    bool last_topic_deleted;
} rec_t;

static void rec_status(void *o, const cd_status_t *s)
{
    rec_t *r = o;
    r->writes++;
    r->last_state = s->state;
}

static void rec_topic(void *o, const char *c, const char *t, int task, int64_t ts, bool deleted)
{
    (void)c;
    (void)t;
    (void)task;
    (void)ts;
    rec_t *r = o;
    r->topic_writes++;
    r->last_topic_deleted = deleted;
}

static void test_backed_store_rules(void **state)
{
    (void)state;
    rec_t r = {0};
    static const cd_status_backend_t be = {rec_status, rec_topic, NULL, NULL};
    cd_status_store_t *s = cd_status_store_new_backed(&be, &r);
    cd_status_t st;
    /* another worker's newer status is read from the topic */
    cd_status_t in = {"c", 0, CD_STATE_RUNNING, NULL, "other:1", 5, NULL};
    cd_status_store_apply_status(s, &in);
    assert_int_equal(r.writes, 0);
    /* putSafe: FAILED from an older generation of another worker is skipped */
    cd_status_store_put(s, "c", 0, CD_STATE_FAILED, "t", "me:1", 4);
    assert_int_equal(r.writes, 0);
    assert_true(cd_status_store_get(s, "c", 0, &st));
    assert_int_equal(st.state, CD_STATE_RUNNING);
    cd_status_clear(&st);
    /* a plain put always writes */
    cd_status_store_put(s, "c", 0, CD_STATE_PAUSED, NULL, "me:1", 4);
    assert_int_equal(r.writes, 1);
    /* same generation: putSafe writes */
    cd_status_store_put(s, "c", 0, CD_STATE_UNASSIGNED, NULL, "me:1", 5);
    assert_int_equal(r.writes, 2);
    /* reader rule: UNASSIGNED ignored while RUNNING with generation >= incoming */
    cd_status_t run = {"c", 1, CD_STATE_RUNNING, NULL, "x:1", 6, NULL};
    cd_status_store_apply_status(s, &run);
    cd_status_t un = {"c", 1, CD_STATE_UNASSIGNED, NULL, "y:1", 6, NULL};
    cd_status_store_apply_status(s, &un);
    assert_true(cd_status_store_get(s, "c", 1, &st));
    assert_int_equal(st.state, CD_STATE_RUNNING);
    cd_status_clear(&st);
    un.generation = 7;
    cd_status_store_apply_status(s, &un);
    assert_true(cd_status_store_get(s, "c", 1, &st));
    assert_int_equal(st.state, CD_STATE_UNASSIGNED);
    cd_status_clear(&st);
    /* connectors() lists names with any status */
    cd_status_t other = {"d", 3, CD_STATE_RUNNING, NULL, "x:1", 1, NULL};
    cd_status_store_apply_status(s, &other);
    size_t n = 0;
    char **names = cd_status_store_connectors(s, &n);
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "c");
    assert_string_equal(names[1], "d");
    free(names[0]);
    free(names[1]);
    free(names);
    /* a connector tombstone read from the topic removes its tasks too */
    cd_status_t tomb = {"c", -1, CD_STATE_DESTROYED, NULL, NULL, 0, NULL};
    cd_status_store_apply_status(s, &tomb);
    assert_false(cd_status_store_get(s, "c", 0, &st));
    assert_false(cd_status_store_get(s, "c", 1, &st));
    /* topics: a new one is written once; reset writes tombstones */
    cd_status_store_put_topic(s, "d", "t1");
    cd_status_store_put_topic(s, "d", "t1");
    assert_int_equal(r.topic_writes, 1);
    cd_status_store_reset_topics(s, "d");
    assert_int_equal(r.topic_writes, 2);
    assert_true(r.last_topic_deleted);
    /* deletion: tombstones for each task then the connector */
    int before = r.writes;
    cd_status_store_remove_connector(s, "d");
    assert_int_equal(r.writes, before + 2);
    assert_int_equal(r.last_state, CD_STATE_DESTROYED);
    assert_int_equal(cd_status_store_flush(s, 10), 0);
    cd_status_store_destroy(s);
}

static void test_memory_store_unchanged(void **state)
{
    (void)state;
    cd_status_store_t *s = cd_status_store_new_memory();
    cd_status_store_put(s, "c", 0, CD_STATE_RUNNING, NULL, "a:1", 9);
    /* no putSafe for the memory store (MemoryStatusBackingStore.putSafe = put) */
    cd_status_store_put(s, "c", 0, CD_STATE_FAILED, "t", "b:1", 1);
    cd_status_t st = {0};
    assert_true(cd_status_store_get(s, "c", 0, &st));
    assert_int_equal(st.state, CD_STATE_FAILED);
    cd_status_clear(&st);
    assert_int_equal(cd_status_store_flush(s, 0), 0);
    cd_status_store_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_match_java),
        cmocka_unit_test(test_value_parse_rules),
        cmocka_unit_test(test_key_parse),
        cmocka_unit_test(test_backed_store_rules),
        cmocka_unit_test(test_memory_store_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
