/*
 * test_worker_config.c: the worker configuration (keys, defaults, Java's
 * messages checked against DistributedConfig 4.3.1), listeners, advertised
 * URL, client override policies, the librdkafka translation (read back with
 * rd_kafka_conf_get) and that docs/configuration.md lists every key.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/properties.h"
#include "worker/worker_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cd_properties_t *dist_props(void)
{
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "bootstrap.servers", "localhost:9092");
    cd_properties_set(p, "group.id", "g");
    cd_properties_set(p, "config.storage.topic", "c");
    cd_properties_set(p, "offset.storage.topic", "o");
    cd_properties_set(p, "status.storage.topic", "s");
    cd_properties_set(p, "key.converter", "org.apache.kafka.connect.json.JsonConverter");
    cd_properties_set(p, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    return p;
}

static void test_defaults(void **state)
{
    (void)state;
    char err[1024];
    cd_properties_t *p = dist_props();
    cd_properties_set(p, "some.unknown.key", "x");
    cd_worker_config_t *wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
    assert_non_null(wc);
    const cd_config_t *c = cd_worker_config_values(wc);
    assert_int_equal(cd_config_get_int(c, "session.timeout.ms"), 10000);
    assert_int_equal(cd_config_get_int(c, "scheduled.rebalance.max.delay.ms"), 300000);
    assert_int_equal(cd_config_get_int(c, "offset.storage.partitions"), 25);
    assert_int_equal(cd_config_get_int(c, "status.storage.partitions"), 5);
    assert_int_equal(cd_config_get_long(c, "offset.flush.interval.ms"), 60000);
    assert_string_equal(cd_config_get_string(c, "connect.protocol"), "sessioned");
    assert_string_equal(cd_config_get_string(c, "exactly.once.source.support"), "disabled");
    assert_string_equal(cd_config_get_string(c, "header.converter"),
                        "org.apache.kafka.connect.storage.SimpleHeaderConverter");
    size_t n;
    const cd_listener_t *l = cd_worker_config_listeners(wc, &n);
    assert_int_equal(n, 1);
    assert_false(l[0].https);
    assert_string_equal(l[0].host, "");
    assert_int_equal(l[0].port, 8083);
    bool is_set;
    assert_null(cd_worker_config_admin_listeners(wc, &n, &is_set));
    assert_false(is_set);
    cd_worker_config_destroy(wc);
    cd_properties_destroy(p);
}

/* Messages from `new DistributedConfig(props)` in Kafka 4.3.1. */
static void test_java_messages(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"offset.storage.partitions", "0",
         "Invalid value 0 for configuration offset.storage.partitions: Number of partitions must "
         "be positive, or -1 to use the broker's default"},
        {"status.storage.replication.factor", "-2",
         "Invalid value -2 for configuration status.storage.replication.factor: Replication factor "
         "must be positive and not larger than the number of brokers in the Kafka cluster, or -1 "
         "to use the broker's default"},
        {"connect.protocol", "foo",
         "Invalid value foo for configuration connect.protocol: Invalid Connect protocol "
         "compatibility"},
        {"inter.worker.verification.algorithms", "",
         "Invalid value [] for configuration inter.worker.verification.algorithms: At least one "
         "signature verification algorithm must be provided"},
        {"inter.worker.signature.algorithm", "HmacSHA512",
         "Invalid value HmacSHA512 for configuration inter.worker.signature.algorithm: Signature "
         "algorithm must be present in inter.worker.verification.algorithms list"},
        {"response.http.headers.config", "foo bar:baz",
         "Invalid header config action: 'foo'. Expected one of [set, add, setDate, addDate]"},
        {"response.http.headers.config", "set X-A",
         "Invalid format of header name and header value pair 'X-A'. Expected: '[header "
         "name]:[header value]'"},
        {"listeners", "",
         "Invalid value for listeners, at least one URL is expected, ex: "
         "http://localhost:8080,https://localhost:8443."},
        {"session.timeout.ms", "abc",
         "Invalid value abc for configuration session.timeout.ms: Not a number of type INT"},
        {"exactly.once.source.support", "maybe",
         "Invalid value maybe for configuration exactly.once.source.support: String must be one "
         "of (case insensitive): DISABLED, ENABLED, PREPARING"},
        {"group.id", NULL,
         "Missing required configuration \"group.id\" which has no default value."},
        {"listeners", "ftp://x:1", "Listener protocol must be either \"http\" or \"https\"."},
        {"listeners", "http://x:1/",
         "Listener doesn't have the right format (protocol://hostname:port)."},
        {"connector.client.config.override.policy", "Bogus",
         "Failed to find any class that implements ConnectorClientConfigOverridePolicy for the "
         "config Bogus, available classes are: [All, Allowlist, None, Principal]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char err[1024] = "";
        cd_properties_t *p = dist_props();
        if (cases[i][1])
            cd_properties_set(p, cases[i][0], cases[i][1]);
        else
            cd_properties_remove(p, cases[i][0]);
        cd_worker_config_t *wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
        if (wc)
            fail_msg("%s=%s accepted", cases[i][0], cases[i][1]);
        assert_string_equal(err, cases[i][2]);
        cd_properties_destroy(p);
    }
}

static void test_standalone(void **state)
{
    (void)state;
    char err[1024];
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "bootstrap.servers", "localhost:9092");
    cd_properties_set(p, "key.converter", "JsonConverter");
    cd_properties_set(p, "value.converter", "JsonConverter");
    assert_null(cd_worker_config_new(CD_WORKER_STANDALONE, p, err, sizeof(err)));
    assert_string_equal(err, "Missing required configuration \"offset.storage.file.filename\" "
                             "which has no default value.");
    cd_properties_set(p, "offset.storage.file.filename", "/tmp/x.offsets");
    cd_properties_set(p, "listeners", "HTTP://127.0.0.1:0, https://[::1]:8443");
    cd_properties_set(p, "admin.listeners", "");
    cd_worker_config_t *wc = cd_worker_config_new(CD_WORKER_STANDALONE, p, err, sizeof(err));
    assert_non_null(wc);
    size_t n;
    const cd_listener_t *l = cd_worker_config_listeners(wc, &n);
    assert_int_equal(n, 2);
    assert_string_equal(l[0].host, "127.0.0.1");
    assert_int_equal(l[0].port, 0);
    assert_true(l[1].https);
    assert_string_equal(l[1].host, "::1");
    bool is_set;
    cd_worker_config_admin_listeners(wc, &n, &is_set);
    assert_true(is_set);
    assert_int_equal(n, 0);
    cd_worker_config_set_bound_port(wc, 40123);
    assert_string_equal(cd_worker_config_advertised_url(wc), "http://127.0.0.1:40123/");
    assert_string_equal(cd_worker_config_worker_id(wc), "127.0.0.1:40123");
    assert_null(cd_config_def_find(cd_worker_config_def(CD_WORKER_STANDALONE), "group.id"));
    cd_worker_config_destroy(wc);
    cd_properties_destroy(p);
}

static void test_advertised(void **state)
{
    (void)state;
    char err[1024];
    cd_properties_t *p = dist_props();
    cd_properties_set(p, "listeners", "http://:8083");
    cd_properties_set(p, "rest.advertised.host.name", "worker-1.example");
    cd_worker_config_t *wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
    assert_non_null(wc);
    assert_string_equal(cd_worker_config_advertised_url(wc), "http://worker-1.example:8083/");
    assert_string_equal(cd_worker_config_worker_id(wc), "worker-1.example:8083");
    cd_worker_config_destroy(wc);
    cd_properties_set(p, "rest.advertised.port", "9999");
    cd_properties_set(p, "rest.advertised.listener", "HTTPS");
    wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
    assert_non_null(wc);
    assert_string_equal(cd_worker_config_advertised_url(wc), "https://worker-1.example:9999/");
    cd_worker_config_destroy(wc);
    cd_properties_destroy(p);
}

static void test_override_policy(void **state)
{
    (void)state;
    char err[1024];
    cd_properties_t *p = dist_props();
    cd_properties_t *o = cd_properties_new();
    cd_properties_set(o, "sasl.mechanism", "PLAIN");
    cd_worker_config_t *wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
    cd_properties_set(o, "acks", "1");
    assert_int_equal(
        cd_worker_config_check_client_overrides(wc, "producer.override.", o, err, sizeof(err)),
        0); /* default All */
    cd_worker_config_destroy(wc);
    cd_properties_set(p, "connector.client.config.override.policy", "Principal");
    wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
    assert_int_equal(
        cd_worker_config_check_client_overrides(wc, "producer.override.", o, err, sizeof(err)), -1);
    assert_string_equal(err, "The 'Principal' policy does not allow 'acks' to be overridden in "
                             "the connector configuration.");
    cd_worker_config_destroy(wc);
    cd_properties_set(p, "connector.client.config.override.policy",
                      "org.apache.kafka.connect.connector.policy."
                      "NoneConnectorClientConfigOverridePolicy");
    wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, p, err, sizeof(err));
    assert_int_equal(
        cd_worker_config_check_client_overrides(wc, "consumer.override.", o, err, sizeof(err)), -1);
    assert_string_equal(err, "The 'None' policy does not allow 'sasl.mechanism' to be overridden "
                             "in the connector configuration.");
    cd_worker_config_destroy(wc);
    cd_properties_destroy(o);
    cd_properties_destroy(p);
}

static void expect_conf(rd_kafka_conf_t *conf, const char *key, const char *value)
{
    char buf[512];
    size_t sz = sizeof(buf);
    assert_int_equal(rd_kafka_conf_get(conf, key, buf, &sz), RD_KAFKA_CONF_OK);
    assert_string_equal(buf, value);
}

static void test_kafka_conf(void **state)
{
    (void)state;
    char err[1024];
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "bootstrap.servers", "b1:9092,b2:9092");
    cd_properties_set(p, "client.id", "connect-1");
    cd_properties_set(p, "linger.ms", "7");
    cd_properties_set(p, "acks", "all");
    cd_properties_set(p, "key.serializer",
                      "org.apache.kafka.common.serialization.ByteArraySerializer");
    cd_properties_set(p, "security.protocol", "SASL_SSL");
    cd_properties_set(p, "sasl.mechanism", "SCRAM-SHA-512");
    cd_properties_set(p, "sasl.jaas.config",
                      "org.apache.kafka.common.security.scram.ScramLoginModule required "
                      "username=\"alice\" password=\"p\\\"w;d\";");
    cd_properties_set(p, "ssl.truststore.type", "PEM");
    cd_properties_set(p, "ssl.truststore.location", "/etc/ca.pem");
    cd_properties_set(p, "ssl.endpoint.identification.algorithm", "");
    cd_properties_set(p, "send.buffer.bytes", "131072");
    cd_properties_set(p, "auto.offset.reset", "none");
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    assert_int_equal(cd_kafka_conf_apply_java(conf, p, err, sizeof(err)), 0);
    expect_conf(conf, "bootstrap.servers", "b1:9092,b2:9092");
    expect_conf(conf, "client.id", "connect-1");
    expect_conf(conf, "linger.ms", "7");
    expect_conf(conf, "sasl.mechanisms", "SCRAM-SHA-512");
    expect_conf(conf, "sasl.username", "alice");
    expect_conf(conf, "sasl.password", "p\"w;d");
    expect_conf(conf, "security.protocol", "sasl_ssl");
    expect_conf(conf, "ssl.ca.location", "/etc/ca.pem");
    expect_conf(conf, "ssl.endpoint.identification.algorithm", "none");
    expect_conf(conf, "socket.send.buffer.bytes", "131072");
    expect_conf(conf, "auto.offset.reset", "error");
    rd_kafka_conf_destroy(conf);

    /* JKS stores are an error naming the key */
    cd_properties_set(p, "ssl.truststore.type", "JKS");
    conf = rd_kafka_conf_new();
    assert_int_equal(cd_kafka_conf_apply_java(conf, p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "ssl.truststore.type"));
    rd_kafka_conf_destroy(conf);
    cd_properties_set(p, "ssl.truststore.type", "PEM");

    /* broken JAAS */
    cd_properties_set(p, "sasl.jaas.config",
                      "org.apache.kafka.common.security.plain.PlainLoginModule required "
                      "username=\"a\"");
    conf = rd_kafka_conf_new();
    assert_int_equal(cd_kafka_conf_apply_java(conf, p, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "sasl.jaas.config"));
    rd_kafka_conf_destroy(conf);
    cd_properties_destroy(p);
}

/* docs/configuration.md lists every key of the generated tables. */
static void test_docs_list_every_key(void **state)
{
    (void)state;
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/docs/configuration.md", src ? src : ".");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = 0;
    size_t keys = 0;
    for (int t = 0; t < 3; t++) {
        for (const cd_config_key_t *k = cd_worker_config_table(t); k->name; k++) {
            char needle[300];
            snprintf(needle, sizeof(needle), "| `%s` |", k->name);
            if (!strstr(text, needle))
                fail_msg("docs/configuration.md does not list %s", k->name);
            keys++;
        }
    }
    assert_int_equal(keys, 134);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_java_messages),
        cmocka_unit_test(test_standalone),
        cmocka_unit_test(test_advertised),
        cmocka_unit_test(test_override_policy),
        cmocka_unit_test(test_kafka_conf),
        cmocka_unit_test(test_docs_list_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
