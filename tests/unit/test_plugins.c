/*
 * test_plugins.c: the plugin registry: built-ins, Java's aliases, the
 * GET /connector-plugins?connectorsOnly=false order, and loading shared
 * objects from plugin.path (tests/plugins/, built by CMake).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <connectd/version.h>

#include "worker/plugins.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Until connectors/ lands in main: weak stand-ins for the file connectors. */
__attribute__((weak)) const cd_connector_plugin_t cd_file_stream_source_connector_plugin = {
    .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .type = CD_CONNECTOR_SOURCE,
};
__attribute__((weak)) const cd_connector_plugin_t cd_file_stream_sink_connector_plugin = {
    .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .type = CD_CONNECTOR_SINK,
};

static void test_builtin_aliases(void **state)
{
    (void)state;
    const cd_connector_plugin_t *src =
        cd_plugins_find_connector("org.apache.kafka.connect.file.FileStreamSourceConnector");
    assert_non_null(src);
    assert_ptr_equal(cd_plugins_find_connector("FileStreamSourceConnector"), src);
    assert_ptr_equal(cd_plugins_find_connector("FileStreamSource"), src);
    assert_ptr_equal(cd_plugins_find_connector("FileStreamSink"),
                     &cd_file_stream_sink_connector_plugin);
    assert_null(cd_plugins_find_connector("FileStream"));
    assert_null(cd_plugins_find_connector("file.FileStreamSource"));
    assert_null(cd_plugins_find_connector(NULL));
    size_t n;
    const cd_connector_plugin_t *const *all = cd_plugins_connectors(&n);
    assert_int_equal(n, 3);
    assert_string_equal(all[0]->class_name, "io.confluent.connect.kinesis.KinesisSourceConnector");
    assert_string_equal(all[1]->class_name,
                        "org.apache.kafka.connect.file.FileStreamSinkConnector");
    assert_null(all[3]);
}

/* The order of Java 4.3's ConnectorPluginsResource: sink, source, (transformations,
 * predicates), converters, header converters, each sorted by class name. */
static void test_all_order(void **state)
{
    (void)state;
    size_t n, w = 0, first_tr = 0, ntr = 0, npr = 0;
    cd_plugin_info_t *all = cd_plugins_all(&n);
    assert_non_null(all);
    /* transformations then predicates right after the source connectors, each sorted;
     * then the rows without them are checked below */
    for (size_t i = 0; i < n; i++) {
        bool tr = strcmp(all[i].type, "transformation") == 0;
        bool pr = strcmp(all[i].type, "predicate") == 0;
        if (tr && ntr++ == 0)
            first_tr = i;
        if (pr) {
            assert_int_equal(i, first_tr + ntr + npr);
            npr++;
        }
        if ((tr && ntr > 1) || (pr && npr > 1))
            assert_true(strcmp(all[i - 1].class_name, all[i].class_name) < 0);
        if (tr || pr) {
            assert_string_equal(all[i].version, CONNECTD_KAFKA_COMPAT_VERSION);
            continue;
        }
        all[w++] = all[i];
    }
    assert_int_equal(first_tr, 3);
    assert_int_equal(ntr, 26);
    assert_int_equal(npr, 3);
    n = w;
    const char *expect[][2] = {
        {"org.apache.kafka.connect.file.FileStreamSinkConnector", "sink"},
        {"io.confluent.connect.kinesis.KinesisSourceConnector", "source"},
        {"org.apache.kafka.connect.file.FileStreamSourceConnector", "source"},
        {"io.confluent.connect.avro.AvroConverter", "converter"},
        {"org.apache.kafka.connect.converters.BooleanConverter", "converter"},
        {"org.apache.kafka.connect.converters.ByteArrayConverter", "converter"},
        {"org.apache.kafka.connect.converters.DoubleConverter", "converter"},
        {"org.apache.kafka.connect.converters.FloatConverter", "converter"},
        {"org.apache.kafka.connect.converters.IntegerConverter", "converter"},
        {"org.apache.kafka.connect.converters.LongConverter", "converter"},
        {"org.apache.kafka.connect.converters.ShortConverter", "converter"},
        {"org.apache.kafka.connect.json.JsonConverter", "converter"},
        {"org.apache.kafka.connect.storage.StringConverter", "converter"},
    };
    const size_t nexp = sizeof(expect) / sizeof(expect[0]);
    assert_true(n >= nexp);
    for (size_t i = 0; i < nexp; i++) {
        assert_string_equal(all[i].class_name, expect[i][0]);
        assert_string_equal(all[i].type, expect[i][1]);
    }
    assert_string_equal(all[2].version, CONNECTD_KAFKA_COMPAT_VERSION);
    assert_string_equal(all[1].version, CONNECTD_VERSION);
    bool simple_header = false;
    for (size_t i = nexp; i < n; i++) {
        assert_string_equal(all[i].type, "header_converter");
        if (i > nexp)
            assert_true(strcmp(all[i - 1].class_name, all[i].class_name) < 0);
        if (strcmp(all[i].class_name, "org.apache.kafka.connect.storage.SimpleHeaderConverter") ==
            0)
            simple_header = true;
    }
    assert_true(simple_header);
    free(all);
}

static void test_load_path(void **state)
{
    (void)state;
    char err[512] = "";
    char path[1024];
    /* a missing entry is skipped (Java logs it), the good directory holds one .so in sub/ */
    snprintf(path, sizeof(path), "/nonexistent/connectd-plugins, %s/good", CD_TEST_PLUGIN_DIR);
    int loaded = cd_plugins_load_path(path, err, sizeof(err));
    assert_int_equal(loaded, 1);
    const cd_connector_plugin_t *echo = cd_plugins_find_connector("EchoSource");
    assert_non_null(echo);
    assert_string_equal(echo->class_name, "com.example.test.EchoSourceConnector");
    assert_ptr_equal(cd_plugins_find_connector("com.example.test.EchoSourceConnector"), echo);
    assert_non_null(echo->start(NULL, NULL, err, sizeof(err)));

    /* its converter is found by cd_converter_new by every Java alias */
    const char *names[] = {"com.example.test.UpperConverter", "UpperConverter", "Upper"};
    for (size_t i = 0; i < 3; i++) {
        cd_converter_t *conv =
            cd_converter_new(names[i], NULL, CD_CONVERTER_VALUE, err, sizeof(err));
        assert_non_null(conv);
        cd_schema_and_value_t sv;
        memset(&sv, 0, sizeof(sv));
        bool is_null;
        assert_int_equal(cd_converter_from_connect(conv, "t", NULL, NULL, NULL, NULL, &is_null, err,
                                                   sizeof(err)),
                         -1);
        assert_string_equal(err, "upper state 101");
        cd_converter_destroy(conv);
    }

    size_t n;
    cd_plugin_info_t *all = cd_plugins_all(&n);
    bool seen_echo = false, seen_upper = false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(all[i].class_name, "com.example.test.EchoSourceConnector") == 0) {
            seen_echo = true;
            assert_string_equal(all[i].type, "source");
            assert_string_equal(all[i].version, "0.0.1-test");
            /* sources sorted by class name: com.example < io.confluent < org.apache */
            assert_string_equal(all[i + 1].class_name,
                                "io.confluent.connect.kinesis.KinesisSourceConnector");
        }
        if (strcmp(all[i].class_name, "com.example.test.UpperConverter") == 0) {
            seen_upper = true;
            assert_string_equal(all[i].type, "converter");
            assert_string_equal(all[i].version, "0.0.2-test");
        }
    }
    free(all);
    assert_true(seen_echo && seen_upper);

    /* loading it again is an error naming the class */
    snprintf(path, sizeof(path), "%s/good/sub/libcd_test_plugin.so", CD_TEST_PLUGIN_DIR);
    assert_int_equal(cd_plugins_load_path(path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "com.example.test.EchoSourceConnector is already loaded"));

    cd_plugins_unload();
    assert_null(cd_plugins_find_connector("EchoSource"));
    assert_null(cd_converter_plugin_find("Upper"));
    assert_non_null(cd_plugins_find_connector("FileStreamSink"));
}

static void test_bad_plugin(void **state)
{
    (void)state;
    char err[512] = "";
    char path[1024];
    snprintf(path, sizeof(path), "%s/bad", CD_TEST_PLUGIN_DIR);
    assert_int_equal(cd_plugins_load_path(path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "libcd_bad_plugin.so: a connector without a class name"));

    /* a file that is not a shared object */
    snprintf(path, sizeof(path), "%s/junk", CD_TEST_PLUGIN_DIR);
    char so[1100];
    snprintf(so, sizeof(so), "%s/junk/x.so", CD_TEST_PLUGIN_DIR);
    char cmd[2300];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s/junk' && printf 'not elf' > '%s'", CD_TEST_PLUGIN_DIR,
             so);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(cd_plugins_load_path(path, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Cannot load plugin"));
    assert_non_null(strstr(err, "x.so"));
    cd_plugins_unload();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_aliases),
        cmocka_unit_test(test_all_order),
        cmocka_unit_test(test_load_path),
        cmocka_unit_test(test_bad_plugin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
