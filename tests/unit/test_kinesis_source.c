/**
 * @file test_kinesis_source.c
 * @brief The Kinesis source connector's configuration (Confluent's keys and defaults),
 *        kinesis.shard.timestamp parsing and the spread of shards over tasks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <connectd/connector.h>

#include "util/properties.h"

#include <stdlib.h>
#include <string.h>

#include "connectors/kinesis/kinesis_source.h"

static cd_properties_t *props_of(const char *const *kv)
{
    cd_properties_t *p = cd_properties_new();
    for (size_t i = 0; kv[i]; i += 2)
        cd_properties_set(p, kv[i], kv[i + 1]);
    return p;
}

static void test_defaults_match_confluent(void **state)
{
    (void)state;
    unsetenv("AWS_ENDPOINT_URL_KINESIS");
    unsetenv("AWS_ENDPOINT_URL");
    const char *kv[] = {"kafka.topic", "t", "kinesis.stream", "s", NULL};
    cd_properties_t *p = props_of(kv);
    cd_kinesis_source_config_t c;
    char err[512];
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), 0);
    assert_string_equal(c.region, "us-east-1");
    assert_int_equal(c.position, CD_KINESIS_TRIM_HORIZON);
    assert_string_equal(c.shard_id_regex, ".*");
    assert_int_equal(c.record_limit, 500);
    assert_int_equal(c.empty_records_backoff_ms, 5000);
    assert_int_equal(c.throughput_exceeded_backoff_ms, 10000);
    assert_false(c.deaggregate);
    assert_null(c.access_key_id);
    assert_null(c.secret_access_key);
    assert_string_equal(c.endpoint, "https://kinesis.us-east-1.amazonaws.com");
    cd_kinesis_source_config_clear(&c);
    cd_properties_destroy(p);
}

static void test_confluent_json_deploys(void **state)
{
    (void)state;
    const char *kv[] = {"connector.class",
                        "io.confluent.connect.kinesis.KinesisSourceConnector",
                        "tasks.max",
                        "1",
                        "kafka.topic",
                        "payments",
                        "kinesis.stream",
                        "payments",
                        "kinesis.region",
                        "EU_WEST_3",
                        "kinesis.position",
                        "AT_TIMESTAMP",
                        "kinesis.shard.timestamp",
                        "2024-05-06T07:08:09.123+02:00",
                        "kinesis.base.url",
                        "http://localhost:4567",
                        "aws.access.key.id",
                        "AKID",
                        "aws.secret.key.id",
                        "secret",
                        "confluent.license",
                        "",
                        "confluent.topic.bootstrap.servers",
                        "broker:9092",
                        "confluent.topic.replication.factor",
                        "1",
                        NULL};
    cd_properties_t *p = props_of(kv);
    cd_kinesis_source_config_t c;
    char err[512];
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), 0);
    assert_string_equal(c.region, "eu-west-3");
    assert_int_equal(c.position, CD_KINESIS_AT_TIMESTAMP);
    assert_int_equal(c.shard_timestamp_ms, 1714972089123LL);
    assert_string_equal(c.endpoint, "http://localhost:4567");
    assert_string_equal(c.access_key_id, "AKID");
    assert_string_equal(c.secret_access_key, "secret");
    cd_kinesis_source_config_clear(&c);
    cd_properties_destroy(p);
}

static void test_bad_configs(void **state)
{
    (void)state;
    cd_kinesis_source_config_t c;
    char err[512];
    const char *missing[] = {"kafka.topic", "t", NULL};
    cd_properties_t *p = props_of(missing);
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kinesis.stream"));
    cd_properties_destroy(p);

    const char *no_ts[] = {"kafka.topic",  "t", "kinesis.stream", "s", "kinesis.position",
                           "AT_TIMESTAMP", NULL};
    p = props_of(no_ts);
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kinesis.shard.timestamp"));
    cd_properties_destroy(p);

    const char *bad_pos[] = {
        "kafka.topic",           "t", "kinesis.stream", "s", "kinesis.position",
        "AFTER_SEQUENCE_NUMBER", NULL};
    p = props_of(bad_pos);
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kinesis.position"));
    cd_properties_destroy(p);

    const char *bad_limit[] = {"kafka.topic", "t", "kinesis.stream", "s", "kinesis.record.limit",
                               "10001",       NULL};
    p = props_of(bad_limit);
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kinesis.record.limit"));
    cd_properties_destroy(p);

    const char *bad_re[] = {"kafka.topic", "t", "kinesis.stream", "s", "kinesis.shard.id",
                            "(",           NULL};
    p = props_of(bad_re);
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kinesis.shard.id"));
    cd_properties_destroy(p);

    const char *bad_url[] = {"kafka.topic",    "t", "kinesis.stream", "s", "kinesis.base.url",
                             "localhost:4567", NULL};
    p = props_of(bad_url);
    assert_int_equal(cd_kinesis_source_config_parse(p, &c, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "kinesis.base.url"));
    cd_properties_destroy(p);
}

static void test_timestamps(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_int_equal(cd_kinesis_parse_timestamp("1700000000123", &ms), 0);
    assert_int_equal(ms, 1700000000123LL);
    assert_int_equal(cd_kinesis_parse_timestamp("2023-11-14T22:13:20.123Z", &ms), 0);
    assert_int_equal(ms, 1700000000123LL);
    assert_int_equal(cd_kinesis_parse_timestamp("2023-11-14T23:13:20.123+01:00", &ms), 0);
    assert_int_equal(ms, 1700000000123LL);
    assert_int_equal(cd_kinesis_parse_timestamp("2023-11-14T22:13:20", &ms), 0);
    assert_int_equal(ms, 1700000000000LL);
    assert_int_equal(cd_kinesis_parse_timestamp("2023-11-14", &ms), 0);
    assert_int_equal(ms, 1699920000000LL);
    assert_int_equal(cd_kinesis_parse_timestamp("2023-13-14", &ms), -1);
    assert_int_equal(cd_kinesis_parse_timestamp("yesterday", &ms), -1);
    assert_int_equal(cd_kinesis_parse_timestamp("2023-11-14T22:13:20.Z", &ms), -1);
    assert_int_equal(cd_kinesis_parse_timestamp("", &ms), -1);
    assert_int_equal(cd_kinesis_parse_timestamp("1234567890123456789012", &ms), -1);
}

#define SHARD(id, p, a, closed)                                                                    \
    {                                                                                              \
        .shard_id = (id), .parent_shard_id = (p), .adjacent_parent_shard_id = (a),                 \
        .ending_sequence_number = (closed) ? "9223372036854775807" : NULL                          \
    }

static void test_assignment_even_and_families_together(void **state)
{
    (void)state;
    cd_kinesis_shard_t four[] = {
        SHARD("shardId-0", NULL, NULL, 0), SHARD("shardId-1", NULL, NULL, 0),
        SHARD("shardId-2", NULL, NULL, 0), SHARD("shardId-3", NULL, NULL, 0)};
    bool all[6] = {true, true, true, true, true, true};
    int task_of[6];
    assert_int_equal(cd_kinesis_assign_shards(four, all, 4, 2, task_of), 2);
    int per_task[2] = {0, 0};
    for (int i = 0; i < 4; i++)
        per_task[task_of[i]]++;
    assert_int_equal(per_task[0], 2);
    assert_int_equal(per_task[1], 2);
    /* more tasks than shards: one task per shard */
    assert_int_equal(cd_kinesis_assign_shards(four, all, 4, 8, task_of), 4);

    /* 2 -> 4 split: each parent with its two children; a merge joins two families */
    cd_kinesis_shard_t split[] = {
        SHARD("shardId-0", NULL, NULL, 1),        SHARD("shardId-1", NULL, NULL, 1),
        SHARD("shardId-2", "shardId-0", NULL, 0), SHARD("shardId-3", "shardId-0", NULL, 0),
        SHARD("shardId-4", "shardId-1", NULL, 0), SHARD("shardId-5", "shardId-1", NULL, 0)};
    assert_int_equal(cd_kinesis_assign_shards(split, all, 6, 4, task_of), 2);
    assert_int_equal(task_of[0], task_of[2]);
    assert_int_equal(task_of[0], task_of[3]);
    assert_int_equal(task_of[1], task_of[4]);
    assert_int_equal(task_of[1], task_of[5]);
    assert_int_not_equal(task_of[0], task_of[1]);
    int again[6];
    assert_int_equal(cd_kinesis_assign_shards(split, all, 6, 4, again), 2);
    assert_memory_equal(task_of, again, sizeof(again));

    cd_kinesis_shard_t merge[] = {
        SHARD("shardId-0", NULL, NULL, 1), SHARD("shardId-1", NULL, NULL, 1),
        SHARD("shardId-2", "shardId-0", "shardId-1", 0), SHARD("shardId-3", NULL, NULL, 0)};
    assert_int_equal(cd_kinesis_assign_shards(merge, all, 4, 3, task_of), 2);
    assert_int_equal(task_of[0], task_of[1]);
    assert_int_equal(task_of[0], task_of[2]);
    assert_int_not_equal(task_of[0], task_of[3]);

    /* unselected shards get no task; nothing selected -> no task */
    bool some[4] = {false, true, false, true};
    assert_int_equal(cd_kinesis_assign_shards(four, some, 4, 4, task_of), 2);
    assert_int_equal(task_of[0], -1);
    assert_int_equal(task_of[2], -1);
    bool none[4] = {false, false, false, false};
    assert_int_equal(cd_kinesis_assign_shards(four, none, 4, 4, task_of), 0);
}

static void test_plugin_registered_under_confluent_names(void **state)
{
    (void)state;
    const cd_connector_plugin_t *p = &cd_kinesis_source_connector_plugin;
    assert_string_equal(p->class_name, "io.confluent.connect.kinesis.KinesisSourceConnector");
    assert_int_equal(p->type, CD_CONNECTOR_SOURCE);
    bool secret_is_password = false;
    for (const cd_config_key_t *k = p->config_keys; k->name; k++)
        if (strcmp(k->name, "aws.secret.key.id") == 0)
            secret_is_password = k->type == CD_CONFIG_PASSWORD;
    assert_true(secret_is_password);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_match_confluent),
        cmocka_unit_test(test_confluent_json_deploys),
        cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_assignment_even_and_families_together),
        cmocka_unit_test(test_plugin_registered_under_confluent_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
