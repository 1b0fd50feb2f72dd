/**
 * @file test_worker_runtime.c
 * @brief Unit tests of the worker runtime's pure pieces: SubmittedRecords
 *        bookkeeping (only acknowledged prefixes are committable), the task
 *        client configuration (Java's forced settings and override order),
 *        converter selection (connector over worker) and KIP-158 topic
 *        creation groups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/properties.h"
#include "worker/worker_internal.h"

static cd_properties_t *props(const char *text)
{
    char errstr[256];
    cd_properties_t *p = cd_properties_new();
    assert_int_equal(cd_properties_parse(p, text, strlen(text), errstr, sizeof(errstr)), 0);
    return p;
}

static cd_value_t *offset_map(int64_t pos)
{
    cd_value_t *m = cd_value_new_map();
    cd_value_map_put(m, cd_value_new_cstring("position"), cd_value_new_int64(pos));
    return m;
}

static int64_t position_of(const cd_value_t *offset)
{
    return cd_value_int64(cd_value_map_get_str(offset, "position"));
}

static const cd_committable_offset_t *find_key(const cd_committable_offset_t *c, size_t n,
                                               const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (c[i].key_len == strlen(key) && memcmp(c[i].key, key, c[i].key_len) == 0)
            return &c[i];
    return NULL;
}

static void test_submitted_records_ack_order(void **state)
{
    (void)state;
    cd_submitted_records_t *sr = cd_submitted_records_new();
    cd_submitted_record_t *a1 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(1));
    cd_submitted_record_t *a2 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(2));
    cd_submitted_record_t *b1 =
        cd_submitted_records_submit(sr, (const uint8_t *)"B", 1, NULL, offset_map(10));
    cd_submitted_record_t *a3 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(3));
    assert_int_equal(cd_submitted_records_pending(sr), 4);

    /* nothing acked: nothing committable */
    size_t n = 0;
    assert_null(cd_submitted_records_committable(sr, &n));
    assert_int_equal(n, 0);

    /* a later record acked before an earlier one of the same partition: not committable */
    cd_submitted_record_ack(a2);
    cd_submitted_record_ack(b1);
    cd_committable_offset_t *c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 1);
    assert_non_null(find_key(c, n, "B"));
    assert_int_equal(position_of(find_key(c, n, "B")->offset), 10);
    cd_committable_offsets_free(c, n);

    /* a1 acked: prefix a1,a2 -> newest is 2; a3 still pending */
    cd_submitted_record_ack(a1);
    c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 1);
    assert_int_equal(position_of(find_key(c, n, "A")->offset), 2);
    cd_committable_offsets_free(c, n);
    assert_int_equal(cd_submitted_records_pending(sr), 1);
    assert_int_equal(cd_submitted_records_count(sr), 1);

    cd_submitted_record_ack(a3);
    c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 1);
    assert_int_equal(position_of(find_key(c, n, "A")->offset), 3);
    cd_committable_offsets_free(c, n);
    assert_int_equal(cd_submitted_records_count(sr), 0);
    cd_submitted_records_destroy(sr);
}

/* cd_submitted_records_ack folds acknowledged prefixes right away: same committable
 * offsets as the lazy ack, fewer records held */
static void test_submitted_records_eager_ack(void **state)
{
    (void)state;
    cd_submitted_records_t *sr = cd_submitted_records_new();
    cd_submitted_record_t *a1 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(1));
    cd_submitted_record_t *a2 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(2));
    cd_submitted_record_t *b1 =
        cd_submitted_records_submit(sr, (const uint8_t *)"B", 1, NULL, offset_map(10));
    cd_submitted_record_t *a3 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(3));
    cd_submitted_records_ack(sr, a2); /* a1 still in flight: nothing folded */
    assert_int_equal(cd_submitted_records_count(sr), 4);
    cd_submitted_records_ack(sr, b1);
    cd_submitted_records_ack(sr, a1); /* folds a1, a2 */
    assert_int_equal(cd_submitted_records_count(sr), 1);
    assert_int_equal(cd_submitted_records_pending(sr), 1);
    size_t n = 0;
    cd_committable_offset_t *c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 2);
    assert_int_equal(position_of(find_key(c, n, "A")->offset), 2);
    assert_int_equal(position_of(find_key(c, n, "B")->offset), 10);
    cd_committable_offsets_free(c, n);
    assert_null(cd_submitted_records_committable(sr, &n));
    /* a folded prefix then a lazily acked one: the newest wins */
    cd_submitted_records_ack(sr, a3);
    cd_submitted_record_t *a4 =
        cd_submitted_records_submit(sr, (const uint8_t *)"A", 1, NULL, offset_map(4));
    cd_submitted_record_ack(a4);
    c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 1);
    assert_int_equal(position_of(find_key(c, n, "A")->offset), 4);
    cd_committable_offsets_free(c, n);
    /* folded, never collected: destroy frees it */
    cd_submitted_records_ack(
        sr, cd_submitted_records_submit(sr, (const uint8_t *)"B", 1, NULL, offset_map(11)));
    assert_int_equal(cd_submitted_records_count(sr), 0);
    cd_submitted_records_destroy(sr);
}

static void test_submitted_records_remove_latest(void **state)
{
    (void)state;
    cd_submitted_records_t *sr = cd_submitted_records_new();
    cd_submitted_record_t *r1 =
        cd_submitted_records_submit(sr, (const uint8_t *)"P", 1, NULL, offset_map(1));
    cd_submitted_record_t *r2 =
        cd_submitted_records_submit(sr, (const uint8_t *)"P", 1, NULL, offset_map(2));
    /* only the newest record of a partition can be taken back */
    assert_false(cd_submitted_records_remove(sr, r1));
    assert_true(cd_submitted_records_remove(sr, r2));
    cd_submitted_record_ack(r1);
    size_t n = 0;
    cd_committable_offset_t *c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 1);
    assert_int_equal(position_of(c[0].offset), 1);
    cd_committable_offsets_free(c, n);
    /* many partitions: the partition table grows, handles stay valid */
    cd_submitted_record_t *handles[100];
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof(key), "k%d", i);
        handles[i] =
            cd_submitted_records_submit(sr, (const uint8_t *)key, strlen(key), NULL, offset_map(i));
    }
    for (int i = 0; i < 100; i += 2)
        cd_submitted_record_ack(handles[i]);
    c = cd_submitted_records_committable(sr, &n);
    assert_int_equal(n, 50);
    assert_int_equal(position_of(find_key(c, n, "k42")->offset), 42);
    assert_null(find_key(c, n, "k43"));
    cd_committable_offsets_free(c, n);
    assert_int_equal(cd_submitted_records_pending(sr), 50);
    cd_submitted_records_destroy(sr);
}

static void test_producer_props(void **state)
{
    (void)state;
    cd_properties_t *w = props("bootstrap.servers=a:9092, b:9092\n"
                               "ssl.keystore.location=/top/level/is/not/inherited\n"
                               "producer.acks=1\nproducer.linger.ms=7\nproducer.client.id=w\n");
    cd_properties_t *c = props("name=src\nproducer.override.linger.ms=9\n"
                               "consumer.override.fetch.min.bytes=2\n");
    cd_properties_t *p = cd_worker_producer_props(w, c, "src", 3);
    assert_string_equal(cd_properties_get(p, "bootstrap.servers"), "a:9092,b:9092");
    assert_string_equal(cd_properties_get(p, "enable.idempotence"), "false");
    assert_string_equal(cd_properties_get(p, "max.in.flight.requests.per.connection"), "1");
    assert_string_equal(cd_properties_get(p, "delivery.timeout.ms"), "2147483647");
    assert_string_equal(cd_properties_get(p, "partitioner"), "murmur2_random");
    /* worker producer.* beats the forced settings, connector overrides beat both */
    assert_string_equal(cd_properties_get(p, "acks"), "1");
    assert_string_equal(cd_properties_get(p, "client.id"), "w");
    assert_string_equal(cd_properties_get(p, "linger.ms"), "9");
    assert_null(cd_properties_get(p, "ssl.keystore.location"));
    assert_null(cd_properties_get(p, "fetch.min.bytes"));
    cd_properties_destroy(p);

    cd_properties_t *bare = cd_properties_new();
    p = cd_worker_producer_props(w, bare, "src", 3);
    assert_string_equal(cd_properties_get(p, "client.id"), "w");
    cd_properties_destroy(p);
    cd_properties_destroy(w);
    w = props("bootstrap.servers=k:1\n");
    p = cd_worker_producer_props(w, bare, "my-conn", 0);
    assert_string_equal(cd_properties_get(p, "client.id"), "connector-producer-my-conn-0");
    assert_string_equal(cd_properties_get(p, "acks"), "all");
    cd_properties_destroy(p);

    p = cd_worker_consumer_props(w, c, "sink", 2);
    assert_string_equal(cd_properties_get(p, "group.id"), "connect-sink");
    assert_string_equal(cd_properties_get(p, "client.id"), "connector-consumer-sink-2");
    assert_string_equal(cd_properties_get(p, "enable.auto.commit"), "false");
    assert_string_equal(cd_properties_get(p, "auto.offset.reset"), "earliest");
    assert_string_equal(cd_properties_get(p, "fetch.min.bytes"), "2");
    assert_null(cd_properties_get(p, "linger.ms"));
    cd_properties_destroy(p);

    p = cd_worker_admin_props(w, c, "src");
    assert_string_equal(cd_properties_get(p, "client.id"), "connector-adminclient-src");
    assert_string_equal(cd_properties_get(p, "bootstrap.servers"), "k:1");
    cd_properties_destroy(p);
    cd_properties_destroy(bare);
    cd_properties_destroy(w);
    cd_properties_destroy(c);
}

static void test_task_converters(void **state)
{
    (void)state;
    char errstr[512];
    cd_properties_t *w = props("key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                               "key.converter.schemas.enable=false\n"
                               "value.converter=org.apache.kafka.connect.json.JsonConverter\n");
    cd_properties_t *c =
        props("value.converter=org.apache.kafka.connect.storage.StringConverter\n");
    cd_converter_t *k = cd_worker_task_converter(w, c, CD_CONVERTER_KEY, errstr, sizeof(errstr));
    assert_non_null(k);
    assert_string_equal(cd_converter_plugin(k)->class_name,
                        "org.apache.kafka.connect.json.JsonConverter");
    /* the worker's key.converter.schemas.enable=false reached it: a schemaless string */
    cd_buf_t buf;
    bool is_null = false;
    cd_buf_init(&buf);
    cd_value_t *v = cd_value_new_cstring("x");
    assert_int_equal(
        cd_converter_from_connect(k, "t", NULL, NULL, v, &buf, &is_null, errstr, sizeof(errstr)),
        0);
    assert_string_equal((const char *)buf.data, "\"x\"");
    cd_value_destroy(v);
    cd_buf_free(&buf);
    cd_converter_destroy(k);
    cd_converter_t *val =
        cd_worker_task_converter(w, c, CD_CONVERTER_VALUE, errstr, sizeof(errstr));
    assert_string_equal(cd_converter_plugin(val)->class_name,
                        "org.apache.kafka.connect.storage.StringConverter");
    cd_converter_destroy(val);
    cd_converter_t *h = cd_worker_task_converter(w, c, CD_CONVERTER_HEADER, errstr, sizeof(errstr));
    assert_string_equal(cd_converter_plugin(h)->class_name,
                        "org.apache.kafka.connect.storage.SimpleHeaderConverter");
    cd_converter_destroy(h);
    cd_properties_t *none = cd_properties_new();
    assert_null(cd_worker_task_converter(none, none, CD_CONVERTER_KEY, errstr, sizeof(errstr)));
    assert_string_equal(errstr,
                        "Missing required configuration \"key.converter\" which has no default "
                        "value.");
    cd_properties_destroy(none);
    cd_properties_destroy(w);
    cd_properties_destroy(c);
}

static void test_topic_creation(void **state)
{
    (void)state;
    char errstr[512];
    cd_properties_t *c = props("name=x\n");
    /* off: no topic.creation. key, or the worker disabled it */
    assert_null(cd_topic_creation_new(true, c, errstr, sizeof(errstr)));
    assert_string_equal(errstr, "");
    cd_properties_destroy(c);
    c = props("topic.creation.default.replication.factor=1\n"
              "topic.creation.default.partitions=5\n");
    assert_null(cd_topic_creation_new(false, c, errstr, sizeof(errstr)));
    assert_string_equal(errstr, "");
    cd_properties_destroy(c);

    c = props("topic.creation.groups=inorder, compacted,default\n"
              "topic.creation.default.replication.factor=-1\n"
              "topic.creation.default.partitions=5\n"
              "topic.creation.default.include=ignored-for-default\n"
              "topic.creation.default.cleanup.policy=delete\n"
              "topic.creation.inorder.include=orders.*, audit\n"
              "topic.creation.inorder.exclude=orders-tmp.*\n"
              "topic.creation.inorder.partitions=1\n"
              "topic.creation.compacted.include=.*-state\n"
              "topic.creation.compacted.replication.factor=3\n"
              "topic.creation.compacted.cleanup.policy=compact\n");
    cd_topic_creation_t *tc = cd_topic_creation_new(true, c, errstr, sizeof(errstr));
    assert_non_null(tc);
    cd_new_topic_t nt;
    assert_true(cd_topic_creation_find(tc, "orders-eu", &nt));
    assert_string_equal(nt.group, "inorder");
    assert_int_equal(nt.partitions, 1);
    assert_int_equal(nt.replication, -1); /* from the default group */
    assert_int_equal(cd_properties_count(nt.configs), 0);
    /* full match: "audit" only, not "audit-log" */
    assert_true(cd_topic_creation_find(tc, "audit-log", &nt));
    assert_string_equal(nt.group, "default");
    assert_true(cd_topic_creation_find(tc, "orders-tmp1", &nt));
    assert_string_equal(nt.group, "default");
    assert_int_equal(nt.partitions, 5);
    assert_string_equal(cd_properties_get(nt.configs, "cleanup.policy"), "delete");
    assert_true(cd_topic_creation_find(tc, "user-state", &nt));
    assert_string_equal(nt.group, "compacted");
    assert_int_equal(nt.partitions, 5);
    assert_int_equal(nt.replication, 3);
    assert_string_equal(cd_properties_get(nt.configs, "cleanup.policy"), "compact");
    assert_false(cd_topic_creation_is_known(tc, "user-state"));
    cd_topic_creation_add_known(tc, "user-state");
    assert_true(cd_topic_creation_is_known(tc, "user-state"));
    cd_topic_creation_destroy(tc);
    cd_properties_destroy(c);

    c = props("topic.creation.default.partitions=5\n");
    assert_null(cd_topic_creation_new(true, c, errstr, sizeof(errstr)));
    assert_string_equal(errstr, "Missing required configuration "
                                "\"topic.creation.default.replication.factor\" which has no "
                                "default value.");
    cd_properties_destroy(c);
    c = props("topic.creation.default.partitions=0\n"
              "topic.creation.default.replication.factor=1\n");
    assert_null(cd_topic_creation_new(true, c, errstr, sizeof(errstr)));
    assert_non_null(strstr(errstr, "topic.creation.default.partitions"));
    cd_properties_destroy(c);
}

static void test_trace_text(void **state)
{
    (void)state;
    char *t = cd_worker_trace(CD_CONNECT_EXCEPTION, "boom", NULL);
    assert_string_equal(t, "org.apache.kafka.connect.errors.ConnectException: boom\n");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_submitted_records_ack_order),
        cmocka_unit_test(test_submitted_records_eager_ack),
        cmocka_unit_test(test_submitted_records_remove_latest),
        cmocka_unit_test(test_producer_props),
        cmocka_unit_test(test_task_converters),
        cmocka_unit_test(test_topic_creation),
        cmocka_unit_test(test_trace_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
