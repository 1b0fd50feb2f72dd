/**
 * @file test_herder_support.c
 * @brief Unit tests of the herder's support modules: the REST→herder request
 *        queue (completion, timeout and abandonment, close), the in-memory
 *        status store, and the run-time logger levels behind /admin/loggers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/properties.h"
#include "worker/herder_queue.h"
#include "worker/status.h"

/* A herder thread that answers every call with 200 and the call's op as body. */
static void *answer_thread(void *arg)
{
    cd_herder_queue_t *q = arg;
    for (;;) {
        cd_herder_call_t *call = cd_herder_queue_take(q, 5000);
        if (!call)
            return NULL;
        if (call->op < 0) {
            cd_herder_queue_complete(q, call);
            return NULL;
        }
        cd_herder_reply_ok(&call->reply, 200, json_integer(call->op));
        cd_herder_queue_complete(q, call);
    }
}

static void test_queue_call_completes(void **state)
{
    (void)state;
    cd_herder_queue_t *q = cd_herder_queue_new();
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, answer_thread, q), 0);
    for (int i = 1; i <= 50; i++) {
        cd_herder_call_t *call = cd_herder_call_new(i);
        call->name = strdup("conn");
        call->config = cd_properties_new();
        cd_herder_reply_t reply;
        assert_true(cd_herder_queue_call(q, call, 5000, &reply));
        assert_int_equal(reply.status, 200);
        assert_int_equal(json_integer_value(reply.body), i);
        cd_herder_reply_clear(&reply);
    }
    cd_herder_reply_t reply;
    assert_true(cd_herder_queue_call(q, cd_herder_call_new(-1), 5000, &reply));
    cd_herder_reply_clear(&reply);
    pthread_join(t, NULL);
    cd_herder_queue_destroy(q);
}

static void test_queue_timeout_abandons_call(void **state)
{
    (void)state;
    cd_herder_queue_t *q = cd_herder_queue_new();
    cd_herder_call_t *call = cd_herder_call_new(7);
    call->name = strdup("slow");
    cd_herder_reply_t reply;
    /* Nobody takes the call: the caller gives up after 50 ms. */
    assert_false(cd_herder_queue_call(q, call, 50, &reply));
    assert_null(reply.body);
    /* The herder finds it later, answers, and completing frees it (ASan/valgrind check). */
    cd_herder_call_t *taken = cd_herder_queue_take(q, 1000);
    assert_non_null(taken);
    assert_string_equal(taken->name, "slow");
    cd_herder_reply_ok(&taken->reply, 200, json_string("late"));
    cd_herder_queue_complete(q, taken);
    cd_herder_queue_destroy(q);
}

static void test_queue_closed_refuses(void **state)
{
    (void)state;
    cd_herder_queue_t *q = cd_herder_queue_new();
    cd_herder_queue_post(q, cd_herder_call_new(1));
    cd_herder_queue_close(q);
    cd_herder_reply_t reply;
    assert_false(cd_herder_queue_call(q, cd_herder_call_new(2), 1000, &reply));
    cd_herder_queue_post(q, cd_herder_call_new(3)); /* freed, not queued */
    cd_herder_call_t *call = cd_herder_queue_take(q, 0);
    assert_non_null(call);
    assert_int_equal(call->op, 1);
    cd_herder_queue_complete(q, call);
    assert_null(cd_herder_queue_take(q, 0));
    cd_herder_queue_destroy(q);
}

static void test_status_store(void **state)
{
    (void)state;
    cd_status_store_t *s = cd_status_store_new_memory();
    cd_status_store_put(s, "a", -1, CD_STATE_RUNNING, NULL, "h:1", 0);
    cd_status_store_put(s, "a", 2, CD_STATE_FAILED, "boom", "h:1", 0);
    cd_status_store_put(s, "a", 0, CD_STATE_RUNNING, NULL, "h:1", 0);
    cd_status_store_put(s, "b", 0, CD_STATE_PAUSED, NULL, "h:1", 0);
    cd_status_t st = {0};
    assert_true(cd_status_store_get(s, "a", -1, &st));
    assert_int_equal(st.state, CD_STATE_RUNNING);
    assert_null(st.trace);
    cd_status_clear(&st);
    size_t n = 0;
    cd_status_t *tasks = cd_status_store_get_tasks(s, "a", &n);
    assert_int_equal(n, 2);
    assert_int_equal(tasks[0].task, 0);
    assert_int_equal(tasks[1].task, 2);
    assert_string_equal(tasks[1].trace, "boom");
    assert_string_equal(cd_state_name(tasks[1].state), "FAILED");
    for (size_t i = 0; i < n; i++)
        cd_status_clear(&tasks[i]);
    free(tasks);

    cd_status_store_put_topic(s, "a", "t2");
    cd_status_store_put_topic(s, "a", "t1");
    cd_status_store_put_topic(s, "a", "t1");
    char **topics = cd_status_store_get_topics(s, "a", &n);
    assert_int_equal(n, 2);
    assert_string_equal(topics[0], "t1");
    assert_string_equal(topics[1], "t2");
    for (size_t i = 0; i < n; i++)
        free(topics[i]);
    free(topics);

    cd_status_store_remove_connector(s, "a");
    assert_false(cd_status_store_get(s, "a", -1, &st));
    assert_false(cd_status_store_get(s, "a", 0, &st));
    assert_true(cd_status_store_get(s, "b", 0, &st));
    cd_status_clear(&st);
    topics = cd_status_store_get_topics(s, "a", &n);
    assert_int_equal(n, 0);
    free(topics);

    cd_target_state_t ts;
    assert_true(cd_target_state_parse_initial("paused", &ts));
    assert_int_equal(ts, CD_TARGET_PAUSED);
    assert_false(cd_target_state_parse_initial("STARTED", &ts));
    cd_status_store_destroy(s);
}

static void test_log_levels(void **state)
{
    (void)state;
    cd_log_register("org.apache.kafka.connect.runtime.Worker");
    cd_log_register("org.apache.kafka.connect.runtime.rest.RestServer");
    cd_log_register("org.apache.kafka.clients.Producer");
    assert_true(cd_log_enabled("org.apache.kafka.connect.runtime.Worker", CD_LOG_INFO));
    assert_false(cd_log_enabled("org.apache.kafka.connect.runtime.Worker", CD_LOG_DEBUG));

    size_t n = 0;
    char **affected = cd_log_set_level("org.apache.kafka.connect", CD_LOG_DEBUG, &n);
    /* the namespace itself (now configured) and its two descendants, sorted */
    assert_int_equal(n, 3);
    assert_string_equal(affected[0], "org.apache.kafka.connect");
    assert_string_equal(affected[1], "org.apache.kafka.connect.runtime.Worker");
    assert_string_equal(affected[2], "org.apache.kafka.connect.runtime.rest.RestServer");
    for (size_t i = 0; i < n; i++)
        free(affected[i]);
    free(affected);
    assert_true(cd_log_enabled("org.apache.kafka.connect.runtime.Worker", CD_LOG_DEBUG));
    assert_false(cd_log_enabled("org.apache.kafka.clients.Producer", CD_LOG_DEBUG));
    /* 4.3 lists only loggers whose level changed: the same level again changes none */
    affected = cd_log_set_level("org.apache.kafka.connect", CD_LOG_DEBUG, &n);
    assert_int_equal(n, 0);
    free(affected);

    cd_log_logger_info_t info;
    assert_true(cd_log_logger_get("org.apache.kafka.connect.runtime.Worker", &info));
    assert_int_equal(info.level, CD_LOG_DEBUG);
    assert_true(info.last_modified_ms > 0);
    free(info.name);
    assert_false(cd_log_logger_get("no.such.logger", &info));

    cd_log_logger_info_t *all = cd_log_loggers(&n);
    assert_int_equal(n, 2); /* root + the one configured logger */
    assert_string_equal(all[0].name, "root");
    assert_int_equal(all[0].last_modified_ms, -1);
    assert_string_equal(all[1].name, "org.apache.kafka.connect");
    cd_log_logger_infos_free(all, n);

    cd_log_level_t level;
    assert_true(cd_log_level_parse("warn", &level));
    assert_int_equal(level, CD_LOG_WARN);
    assert_false(cd_log_level_parse("LOUD", &level));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_queue_call_completes),
        cmocka_unit_test(test_queue_timeout_abandons_call),
        cmocka_unit_test(test_queue_closed_refuses),
        cmocka_unit_test(test_status_store),
        cmocka_unit_test(test_log_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
