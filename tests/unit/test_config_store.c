/*
 * test_config_store.c: the config-topic store without Kafka (detached store +
 * cd_config_store_apply). The writers are compared byte for byte with the records
 * Apache Kafka's KafkaConfigBackingStore + JsonConverter produce
 * (tests/golden/config_records/records.txt, ConfigRecordsGolden.java), and those Java
 * bytes drive the reader through every KafkaConfigBackingStore semantic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../storage/config_backing_store.h"
#include "../../storage/config_store_internal.h"
#include "../../util/properties.h"

static char golden_path[4096];

/* ---- golden file ---- */

typedef struct golden_s {
    char name[64], kind[16];
    uint8_t *key, *value; /* value NULL = tombstone */
    size_t key_len, value_len;
    char *inputs[256];
    size_t n_inputs;
} golden_t;

static golden_t goldens[128];
static size_t n_goldens;

static uint8_t *unhex(const char *h, size_t *len)
{
    if (strcmp(h, "null") == 0) {
        *len = 0;
        return NULL;
    }
    if (strcmp(h, "-") == 0) {
        *len = 0;
        return calloc(1, 1);
    }
    size_t n = strlen(h) / 2;
    uint8_t *out = calloc(1, n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    *len = n;
    return out;
}

static char *unhex_str(const char *h)
{
    size_t len;
    return (char *)unhex(h, &len);
}

static int load_goldens(void **state)
{
    (void)state;
    FILE *f = fopen(golden_path, "r");
    if (!f) {
        fprintf(stderr, "cannot read %s (set CONNECTD_SOURCE_DIR)\n", golden_path);
        return -1;
    }
    static char line[1 << 20];
    while (fgets(line, sizeof(line), f) && n_goldens < 128) {
        line[strcspn(line, "\n")] = 0;
        golden_t *g = &goldens[n_goldens++];
        char *save = NULL, *tok = strtok_r(line, " ", &save);
        snprintf(g->name, sizeof(g->name), "%s", tok);
        snprintf(g->kind, sizeof(g->kind), "%s", strtok_r(NULL, " ", &save));
        g->key = unhex(strtok_r(NULL, " ", &save), &g->key_len);
        g->value = unhex(strtok_r(NULL, " ", &save), &g->value_len);
        while ((tok = strtok_r(NULL, " ", &save)) && g->n_inputs < 256)
            g->inputs[g->n_inputs++] = strdup(tok);
    }
    fclose(f);
    return n_goldens > 30 ? 0 : -1;
}

static int free_goldens(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_goldens; i++) {
        free(goldens[i].key);
        free(goldens[i].value);
        for (size_t j = 0; j < goldens[i].n_inputs; j++)
            free(goldens[i].inputs[j]);
    }
    return 0;
}

static const golden_t *golden(const char *name)
{
    for (size_t i = 0; i < n_goldens; i++)
        if (strcmp(goldens[i].name, name) == 0)
            return &goldens[i];
    fail_msg("no golden case %s", name);
    return NULL;
}

static cd_properties_t *input_props(const golden_t *g)
{
    cd_properties_t *p = cd_properties_new();
    for (size_t i = 0; i < g->n_inputs; i++) {
        char *eq = strchr(g->inputs[i], '=');
        assert_non_null(eq);
        *eq = 0;
        char *k = unhex_str(g->inputs[i]), *v = unhex_str(eq + 1);
        *eq = '=';
        assert_int_equal(cd_properties_set(p, k, v), 0);
        free(k);
        free(v);
    }
    return p;
}

static void test_writers_match_java(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t i = 0; i < n_goldens; i++) {
        const golden_t *g = &goldens[i];
        char *out = NULL;
        if (strcmp(g->kind, "connector") == 0 || strcmp(g->kind, "task") == 0) {
            cd_properties_t *p = input_props(g);
            out = g->kind[0] == 'c' ? cd_config_value_connector(p) : cd_config_value_task(p);
            cd_properties_destroy(p);
        } else if (strcmp(g->kind, "commit") == 0) {
            out = cd_config_value_commit(atoi(g->inputs[0]));
        } else if (strcmp(g->kind, "taskcount") == 0) {
            out = cd_config_value_task_count(atoi(g->inputs[0]));
        } else if (strcmp(g->kind, "target") == 0) {
            cd_target_state_t t = strcmp(g->inputs[0], "STARTED") == 0  ? CD_TARGET_STARTED
                                  : strcmp(g->inputs[0], "PAUSED") == 0 ? CD_TARGET_PAUSED
                                                                        : CD_TARGET_STOPPED;
            out = cd_config_value_target_state(t);
        } else if (strcmp(g->kind, "restart") == 0) {
            out = cd_config_value_restart(strcmp(g->inputs[0], "true") == 0,
                                          strcmp(g->inputs[1], "true") == 0);
        } else if (strcmp(g->kind, "session") == 0) {
            cd_session_key_t k = {0};
            k.key = unhex(g->inputs[0], &k.key_len);
            k.algorithm = g->inputs[1];
            k.creation_time_ms = strtoll(g->inputs[2], NULL, 10);
            out = cd_config_value_session_key(&k);
            free(k.key);
        } else if (strcmp(g->kind, "logger") == 0) {
            char *level = unhex_str(g->inputs[0]);
            out = cd_config_value_logger_level(level);
            free(level);
        } else {
            continue;
        }
        assert_non_null(out);
        if (strlen(out) != g->value_len || memcmp(out, g->value, g->value_len) != 0)
            fail_msg("%s: connectd wrote\n%s\nJava wrote\n%.*s", g->name, out, (int)g->value_len,
                     (const char *)g->value);
        free(out);
        checked++;
    }
    assert_true(checked >= 38);
}

/* ---- reader ---- */

typedef struct events_s {
    int connector_update, connector_remove, task_update, target_change, session, restart, logger;
    char last[256];
    bool include_tasks, only_failed;
    char level[512];
} events_t;

static void on_cu(void *o, const char *c)
{
    events_t *e = o;
    e->connector_update++;
    snprintf(e->last, sizeof(e->last), "%s", c);
}
static void on_cr(void *o, const char *c)
{
    events_t *e = o;
    e->connector_remove++;
    snprintf(e->last, sizeof(e->last), "%s", c);
}
static void on_tu(void *o, const char *c)
{
    events_t *e = o;
    e->task_update++;
    snprintf(e->last, sizeof(e->last), "%s", c);
}
static void on_ts(void *o, const char *c)
{
    events_t *e = o;
    e->target_change++;
    snprintf(e->last, sizeof(e->last), "%s", c);
}
static void on_sk(void *o)
{
    ((events_t *)o)->session++;
}
static void on_rr(void *o, const char *c, bool it, bool of)
{
    events_t *e = o;
    e->restart++;
    snprintf(e->last, sizeof(e->last), "%s", c);
    e->include_tasks = it;
    e->only_failed = of;
}
static void on_ll(void *o, const char *ns, const char *level)
{
    events_t *e = o;
    e->logger++;
    snprintf(e->last, sizeof(e->last), "%s", ns);
    snprintf(e->level, sizeof(e->level), "%s", level);
}

static cd_config_store_t *new_store(events_t *ev)
{
    memset(ev, 0, sizeof(*ev));
    cd_config_store_listener_t l = {on_cu, on_cr, on_tu, on_ts, on_sk, on_rr, on_ll, ev};
    cd_config_store_t *s = cd_config_store_new_detached(&l);
    assert_non_null(s);
    return s;
}

static int64_t next_offset;

static void rec(cd_config_store_t *s, const char *key, const char *json, bool started)
{
    cd_config_store_apply(s, (const uint8_t *)key, strlen(key), (const uint8_t *)json,
                          json ? strlen(json) : 0, next_offset++, started);
}

static void rec_golden(cd_config_store_t *s, const char *name, bool started)
{
    const golden_t *g = golden(name);
    cd_config_store_apply(s, g->key, g->key_len, g->value, g->value_len, next_offset++, started);
}

static void test_offsets(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_int_equal(c->offset, -1);
    assert_int_equal(c->count, 0);
    cd_cluster_config_destroy(c);
    cd_config_store_apply(s, (const uint8_t *)"connector-a", 11,
                          (const uint8_t *)"{\"properties\":{}}", 17, 5, false);
    c = cd_config_store_snapshot(s);
    assert_int_equal(c->offset, 6);
    cd_cluster_config_destroy(c);
    /* unparseable value: skipped before the offset moves (Java returns early) */
    cd_config_store_apply(s, (const uint8_t *)"connector-b", 11, (const uint8_t *)"{bad", 4, 7,
                          false);
    c = cd_config_store_snapshot(s);
    assert_int_equal(c->offset, 6);
    assert_null(cd_cluster_config_find(c, "b"));
    cd_cluster_config_destroy(c);
    /* unknown key and null key: offset moves */
    cd_config_store_apply(s, (const uint8_t *)"bogus-x", 7, (const uint8_t *)"{}", 2, 8, false);
    cd_config_store_apply(s, NULL, 0, (const uint8_t *)"{}", 2, 9, false);
    c = cd_config_store_snapshot(s);
    assert_int_equal(c->offset, 10);
    cd_cluster_config_destroy(c);
    cd_config_store_destroy(s);
}

static void test_connector_and_target_state(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    rec_golden(s, "conn_simple", false);
    rec_golden(s, "conn_escapes", false);
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_int_equal(c->count, 2);
    /* sorted by name (strcmp) */
    assert_string_equal(c->connectors[0].name, "caf\xc3\xa9-\xe2\x82\xac");
    assert_string_equal(c->connectors[1].name, "local-file-source");
    const cd_cluster_connector_t *cc = cd_cluster_config_find(c, "local-file-source");
    assert_int_equal(cc->target, CD_TARGET_STARTED);
    assert_string_equal(cd_properties_get(cc->config, "file"), "/tmp/in.txt");
    assert_int_equal(cc->task_count, 0);
    assert_int_equal(cc->tasks_len, 0);
    assert_int_equal(cc->task_generation, -1);
    cc = cd_cluster_config_find(c, "caf\xc3\xa9-\xe2\x82\xac");
    /* escapes decoded: the value round-trips to the input */
    cd_properties_t *in = input_props(golden("conn_escapes"));
    assert_true(cd_properties_equal(cc->config, in));
    cd_properties_destroy(in);
    cd_cluster_config_destroy(c);
    assert_int_equal(ev.connector_update, 0); /* not started: no callbacks */

    rec_golden(s, "target_paused", true);
    assert_int_equal(ev.target_change, 1);
    assert_string_equal(ev.last, "local-file-source");
    rec_golden(s, "target_paused", true); /* unchanged: no callback */
    assert_int_equal(ev.target_change, 1);
    rec_golden(s, "target_stopped", true); /* state PAUSED, state.v2 STOPPED: v2 wins */
    c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_find(c, "caf\xc3\xa9-\xe2\x82\xac")->target,
                     CD_TARGET_STOPPED);
    assert_int_equal(cd_cluster_config_find(c, "local-file-source")->target, CD_TARGET_PAUSED);
    cd_cluster_config_destroy(c);
    /* an old worker's V0 record; a bad state.v2 type falls back on state; bad names ignored */
    rec(s, "target-state-local-file-source", "{\"state\":\"STARTED\"}", true);
    rec(s, "target-state-local-file-source", "{\"state\":\"PAUSED\",\"state.v2\":5}", true);
    c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_find(c, "local-file-source")->target, CD_TARGET_PAUSED);
    cd_cluster_config_destroy(c);
    rec(s, "target-state-local-file-source", "{\"state\":\"RUNNING\"}", true);
    rec(s, "target-state-local-file-source", "{\"state\":7}", true);
    rec(s, "target-state-local-file-source", "[1]", true);
    c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_find(c, "local-file-source")->target, CD_TARGET_PAUSED);
    cd_cluster_config_destroy(c);
    /* a target-state tombstone while the config exists: back to STARTED, no callback */
    int before = ev.target_change;
    rec_golden(s, "tomb_target", true);
    c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_find(c, "local-file-source")->target, CD_TARGET_STARTED);
    cd_cluster_config_destroy(c);
    assert_int_equal(ev.target_change, before);
    /* connector update callback after start-up */
    rec_golden(s, "conn_simple", true);
    assert_int_equal(ev.connector_update, 1);
    cd_config_store_destroy(s);
}

static void test_initial_state_before_connector(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    /* putConnectorConfig with initial_state: target-state first, same batch */
    rec(s, "target-state-new", "{\"state\":\"PAUSED\",\"state.v2\":\"STOPPED\"}", true);
    assert_int_equal(ev.target_change, 0); /* connector does not exist yet */
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_int_equal(c->count, 0);
    cd_cluster_config_destroy(c);
    rec(s, "connector-new", "{\"properties\":{\"name\":\"new\"}}", true);
    c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_find(c, "new")->target, CD_TARGET_STOPPED);
    cd_cluster_config_destroy(c);
    assert_int_equal(ev.connector_update, 1);
    cd_config_store_destroy(s);
}

static void put_task(cd_config_store_t *s, const char *conn, int id, const char *v, bool started)
{
    char key[256], json[256];
    snprintf(key, sizeof(key), "task-%s-%d", conn, id);
    snprintf(json, sizeof(json), "{\"properties\":{\"id\":\"%s\"}}", v);
    rec(s, key, json, started);
}

static void commit(cd_config_store_t *s, const char *conn, int n, bool started)
{
    char key[256];
    snprintf(key, sizeof(key), "commit-%s", conn);
    char *v = cd_config_value_commit(n);
    rec(s, key, v, started);
    free(v);
}

static void test_deferred_tasks_and_commits(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    rec(s, "connector-c", "{\"properties\":{\"k\":\"v1\"}}", false);
    put_task(s, "c", 0, "a0", false);
    put_task(s, "c", 1, "a1", false);
    /* not visible before the commit */
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_task_count(c, "c"), 0);
    cd_cluster_config_destroy(c);
    commit(s, "c", 2, false);
    c = cd_config_store_snapshot(s);
    const cd_cluster_connector_t *cc = cd_cluster_config_find(c, "c");
    assert_int_equal(cc->task_count, 2);
    assert_int_equal(cc->tasks_len, 2);
    assert_false(cc->inconsistent);
    assert_int_equal(cc->task_generation, 0);
    assert_true(cc->pending_fencing);
    assert_string_equal(cd_properties_get(cc->tasks[1], "id"), "a1");
    assert_string_equal(cd_properties_get(cc->applied_config, "k"), "v1");
    cd_cluster_config_destroy(c);

    /* compaction lost task 1: inconsistent, tasks reported empty */
    put_task(s, "c", 0, "b0", true);
    commit(s, "c", 2, true);
    assert_int_equal(ev.task_update, 1);
    c = cd_config_store_snapshot(s);
    cc = cd_cluster_config_find(c, "c");
    assert_true(cc->inconsistent);
    assert_int_equal(cc->task_count, 2);
    assert_int_equal(cc->tasks_len, 0);
    assert_int_equal(cd_cluster_config_task_count(c, "c"), 0);
    cd_cluster_config_destroy(c);
    /* the buffer was cleared: task 1 alone does not complete it */
    put_task(s, "c", 1, "c1", true);
    commit(s, "c", 2, true);
    c = cd_config_store_snapshot(s);
    assert_true(cd_cluster_config_find(c, "c")->inconsistent);
    cd_cluster_config_destroy(c);
    /* extra ids are tolerated; a full set repairs it */
    put_task(s, "c", 0, "d0", true);
    put_task(s, "c", 5, "d5", true);
    commit(s, "c", 1, true);
    c = cd_config_store_snapshot(s);
    cc = cd_cluster_config_find(c, "c");
    assert_false(cc->inconsistent);
    assert_int_equal(cc->tasks_len, 1);
    assert_string_equal(cd_properties_get(cc->tasks[0], "id"), "d0");
    assert_int_equal(cc->task_generation, 1);
    cd_cluster_config_destroy(c);
    /* n = 0 (stop): consistent, no tasks; generation still counts (the buffer exists) */
    commit(s, "c", 0, true);
    c = cd_config_store_snapshot(s);
    cc = cd_cluster_config_find(c, "c");
    assert_int_equal(cc->tasks_len, 0);
    assert_false(cc->inconsistent);
    assert_int_equal(cc->task_generation, 2);
    cd_cluster_config_destroy(c);
    /* task-count record clears pending fencing; the next commit sets it again */
    rec(s, "tasks-fencing-c", "{\"task-count\":0}", true);
    c = cd_config_store_snapshot(s);
    assert_false(cd_cluster_config_find(c, "c")->pending_fencing);
    assert_int_equal(cd_cluster_config_find(c, "c")->task_count_record, 0);
    cd_cluster_config_destroy(c);
    /* lenient ints: Long narrowed as (int) long; a string or a double is rejected */
    put_task(s, "c", 0, "e0", true);
    put_task(s, "c", 1, "e1", true);
    rec(s, "commit-c", "{\"tasks\":\"2\"}", true);
    rec(s, "commit-c", "{\"tasks\":2.0}", true);
    c = cd_config_store_snapshot(s);
    assert_int_equal(cd_cluster_config_find(c, "c")->task_count, 0);
    assert_false(cd_cluster_config_find(c, "c")->pending_fencing);
    cd_cluster_config_destroy(c);
    rec(s, "commit-c", "{\"tasks\":4294967298}", true);
    c = cd_config_store_snapshot(s);
    cc = cd_cluster_config_find(c, "c");
    assert_int_equal(cc->task_count, 2);
    assert_int_equal(cc->tasks_len, 2);
    assert_string_equal(cd_properties_get(cc->tasks[1], "id"), "e1");
    cd_cluster_config_destroy(c);
    /* bad task records are ignored */
    rec(s, "task-c-0", NULL, true);
    rec(s, "task-c-0", "{\"properties\":[1]}", true);
    rec(s, "task-c-x", "{\"properties\":{}}", true);
    rec(s, "task-c", "{\"properties\":{}}", true);
    commit(s, "c", 1, true);
    c = cd_config_store_snapshot(s);
    assert_true(cd_cluster_config_find(c, "c")->inconsistent);
    cd_cluster_config_destroy(c);
    cd_config_store_destroy(s);
}

static void test_task_keys_with_dashes(void **state)
{
    (void)state;
    int32_t t;
    char *n = cd_config_parse_task_key("task-my-dash-conn-12", &t);
    assert_string_equal(n, "my-dash-conn");
    assert_int_equal(t, 12);
    free(n);
    n = cd_config_parse_task_key("task-a-1--", &t); /* split() drops trailing empties */
    assert_string_equal(n, "a");
    assert_int_equal(t, 1);
    free(n);
    n = cd_config_parse_task_key("task--+3", &t);
    assert_string_equal(n, "");
    assert_int_equal(t, 3);
    free(n);
    assert_null(cd_config_parse_task_key("task-5", &t));
    assert_null(cd_config_parse_task_key("task-a-99999999999", &t));
    assert_null(cd_config_parse_task_key("task-a-1x", &t));

    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    rec(s, "connector-my-dash-conn", "{\"properties\":{}}", false);
    for (int i = 0; i < 13; i++)
        put_task(s, "my-dash-conn", i, "x", false);
    rec_golden(s, "task_dash_name", false); /* Java's task-my-dash-conn-12 */
    rec_golden(s, "commit_3", false);       /* Java's commit-my-dash-conn {"tasks":3} */
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    const cd_cluster_connector_t *cc = cd_cluster_config_find(c, "my-dash-conn");
    assert_int_equal(cc->tasks_len, 3);
    assert_false(cc->inconsistent);
    cd_cluster_config_destroy(c);
    cd_config_store_destroy(s);
}

static void test_removal_and_unknown_commit(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    /* commit for a connector never configured (compacted away): ignored, buffer dropped */
    put_task(s, "x", 0, "x0", false);
    commit(s, "x", 1, false);
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_int_equal(c->count, 0);
    cd_cluster_config_destroy(c);
    rec(s, "connector-x", "{\"properties\":{}}", false);
    commit(s, "x", 1, false);
    c = cd_config_store_snapshot(s);
    assert_true(cd_cluster_config_find(c, "x")->inconsistent);
    cd_cluster_config_destroy(c);

    rec_golden(s, "conn_simple", false);
    rec_golden(s, "task_simple", false);
    rec_golden(s, "commit_0", false);
    put_task(s, "local-file-source", 0, "p", false);
    rec_golden(s, "tomb_connector", true);
    assert_int_equal(ev.connector_remove, 1);
    assert_string_equal(ev.last, "local-file-source");
    rec_golden(s, "tomb_target", true);
    c = cd_config_store_snapshot(s);
    assert_null(cd_cluster_config_find(c, "local-file-source"));
    cd_cluster_config_destroy(c);
    /* recreated: the old task configs and buffer are gone */
    rec_golden(s, "conn_simple", true);
    commit(s, "local-file-source", 1, true);
    c = cd_config_store_snapshot(s);
    const cd_cluster_connector_t *cc = cd_cluster_config_find(c, "local-file-source");
    assert_true(cc->inconsistent);
    assert_int_equal(cc->target, CD_TARGET_STARTED);
    cd_cluster_config_destroy(c);
    cd_config_store_destroy(s);
}

static void test_restart_session_logger(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    /* during start-up: not acted on */
    rec_golden(s, "restart_tf", false);
    rec_golden(s, "logger_debug", false);
    rec_golden(s, "session_32", false);
    assert_int_equal(ev.restart + ev.logger + ev.session, 0);
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_non_null(c->session_key);
    const golden_t *g = golden("session_32");
    size_t klen;
    uint8_t *k = unhex(g->inputs[0], &klen);
    assert_int_equal(c->session_key->key_len, klen);
    assert_memory_equal(c->session_key->key, k, klen);
    free(k);
    assert_string_equal(c->session_key->algorithm, "HmacSHA256");
    assert_int_equal(c->session_key->creation_time_ms, 1729800000000LL);
    cd_cluster_config_destroy(c);

    rec_golden(s, "restart_tf", true);
    assert_int_equal(ev.restart, 1);
    assert_string_equal(ev.last, "x-y");
    assert_true(ev.include_tasks);
    assert_false(ev.only_failed);
    rec_golden(s, "restart_ft", true);
    assert_false(ev.include_tasks);
    assert_true(ev.only_failed);
    rec(s, "restart-connector-z", "{}", true); /* missing booleans: false */
    assert_int_equal(ev.restart, 3);
    assert_false(ev.include_tasks);
    assert_false(ev.only_failed);
    rec(s, "restart-connector-z", NULL, true);
    assert_int_equal(ev.restart, 3);

    rec_golden(s, "logger_weird", true);
    assert_int_equal(ev.logger, 1);
    assert_string_equal(ev.last, "n\xc3\xa9/s");
    char *weird = unhex_str(golden("logger_weird")->inputs[0]);
    assert_string_equal(ev.level, weird);
    free(weird);
    rec(s, "logger-cluster-a", "{\"level\":1}", true);
    rec(s, "logger-cluster-a", NULL, true);
    assert_int_equal(ev.logger, 1);

    rec_golden(s, "session_odd", true);
    assert_int_equal(ev.session, 1);
    rec(s, "session-key", "{\"key\":\"AAAA\",\"algorithm\":\"H\",\"creation-timestamp\":1.5}",
        true);
    rec(s, "session-key", "{\"key\":\"A\",\"algorithm\":\"H\",\"creation-timestamp\":1}", true);
    rec(s, "session-key", "{\"key\":\"\",\"algorithm\":\"H\",\"creation-timestamp\":1}", true);
    rec(s, "session-key", NULL, true);
    assert_int_equal(ev.session, 1);
    c = cd_config_store_snapshot(s);
    assert_string_equal(c->session_key->algorithm, "HmacSHA512");
    assert_int_equal(c->session_key->creation_time_ms, -5);
    assert_int_equal(c->session_key->key_len, 5);
    cd_cluster_config_destroy(c);
    rec(s, "session-key", "{\"key\":\"+/8=\",\"algorithm\":\"H\",\"creation-timestamp\":2}", true);
    c = cd_config_store_snapshot(s);
    assert_int_equal(c->session_key->key_len, 2);
    assert_int_equal(c->session_key->key[0], 0xfb);
    cd_cluster_config_destroy(c);
    cd_config_store_destroy(s);
}

static void test_snapshot_is_a_copy_and_detached_writes(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    cd_properties_t *p = cd_properties_new();
    cd_properties_set(p, "name", "w");
    cd_properties_set(p, "tasks.max", "2");
    cd_target_state_t stopped = CD_TARGET_STOPPED;
    char err[512];
    assert_int_equal(cd_config_store_put_connector_config(s, "w", p, &stopped, err, sizeof(err)),
                     0);
    cd_properties_t *tasks[2] = {cd_properties_new(), cd_properties_new()};
    cd_properties_set(tasks[0], "t", "0");
    cd_properties_set(tasks[1], "t", "1");
    assert_int_equal(cd_config_store_put_task_configs(s, "w", tasks, 2, err, sizeof(err)), 0);
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    const cd_cluster_connector_t *cc = cd_cluster_config_find(c, "w");
    assert_non_null(cc);
    assert_int_equal(cc->target, CD_TARGET_STOPPED);
    assert_int_equal(cc->tasks_len, 2);
    assert_string_equal(cd_properties_get(cc->tasks[1], "t"), "1");
    assert_int_equal(cd_config_store_remove_connector_config(s, "w", err, sizeof(err)), 0);
    /* the snapshot taken before is unchanged */
    assert_string_equal(cd_properties_get(cc->config, "tasks.max"), "2");
    cd_cluster_config_destroy(c);
    c = cd_config_store_snapshot(s);
    assert_int_equal(c->count, 0);
    cd_cluster_config_destroy(c);
    cd_properties_destroy(p);
    cd_properties_destroy(tasks[0]);
    cd_properties_destroy(tasks[1]);
    cd_config_store_destroy(s);
}

static void test_lenient_properties(void **state)
{
    (void)state;
    events_t ev;
    cd_config_store_t *s = new_store(&ev);
    /* numbers/booleans kept as text, nulls dropped; trailing content ignored as Jackson */
    rec(s, "connector-l",
        "{\"properties\":{\"a\":1,\"b\":true,\"c\":null,\"d\":\"x\"},\"extra\":[]} trailing",
        false);
    rec(s, "connector-m", "{\"properties\":{\"a\":{}}}", false); /* nested: rejected */
    rec(s, "connector-n", "{\"properties\":\"x\"}", false);
    rec(s, "connector-o", "\"x\"", false);
    cd_cluster_config_t *c = cd_config_store_snapshot(s);
    assert_int_equal(c->count, 1);
    const cd_cluster_connector_t *cc = cd_cluster_config_find(c, "l");
    assert_string_equal(cd_properties_get(cc->config, "a"), "1");
    assert_string_equal(cd_properties_get(cc->config, "b"), "true");
    assert_null(cd_properties_get(cc->config, "c"));
    assert_int_equal(cd_properties_count(cc->config), 3);
    cd_cluster_config_destroy(c);
    cd_config_store_destroy(s);
}

int main(void)
{
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    snprintf(golden_path, sizeof(golden_path), "%s/tests/golden/config_records/records.txt",
             src ? src : ".");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writers_match_java),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_connector_and_target_state),
        cmocka_unit_test(test_initial_state_before_connector),
        cmocka_unit_test(test_deferred_tasks_and_commits),
        cmocka_unit_test(test_task_keys_with_dashes),
        cmocka_unit_test(test_removal_and_unknown_commit),
        cmocka_unit_test(test_restart_session_logger),
        cmocka_unit_test(test_snapshot_is_a_copy_and_detached_writes),
        cmocka_unit_test(test_lenient_properties),
    };
    return cmocka_run_group_tests(tests, load_goldens, free_goldens);
}
