/*
 * test_assignor.c: the leader's assignors. The incremental cooperative
 * assignor runs the scenarios of tests/golden/assignor/scenarios.txt and must
 * produce, round after round, the very bytes that Kafka's own
 * IncrementalCooperativeAssignor produced for them (tests/golden/assignor/
 * expected.txt, from tests/golden/AssignorGolden.java). Explicit tests port
 * the essential IncrementalCooperativeAssignorTest / EagerAssignor behaviour.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "distributed/assignor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MEMBERS 16
#define MAX_CONNECTORS 16

static char *read_golden(const char *name)
{
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/golden/assignor/%s", src ? src : ".", name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("missing %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
    text[n] = '\0';
    fclose(f);
    return text;
}

static char *tohex(const uint8_t *b, size_t n)
{
    char *s = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", b[i]);
    s[n * 2] = '\0';
    return s;
}

/* ------------------------------------------------------------------ */
/* a small simulated group: members apply their assignments like Java */

typedef struct sim_s {
    cd_assignor_t *assignor;
    int version;
    char *connectors[MAX_CONNECTORS];
    int tasks[MAX_CONNECTORS];
    size_t nconn;
    char *names[MAX_MEMBERS];
    bool has[MAX_MEMBERS];
    cd_assignment_t state[MAX_MEMBERS];
    size_t nmembers;
    /* snapshot before the last round, for "lose" */
    char *saved_names[MAX_MEMBERS];
    bool saved_has[MAX_MEMBERS];
    cd_assignment_t saved_state[MAX_MEMBERS];
    size_t saved_n;
    int32_t generation, last_completed;
    int64_t offset;
} sim_t;

static void sim_init(sim_t *s, cd_connect_protocol_t protocol, int64_t max_delay)
{
    memset(s, 0, sizeof(*s));
    s->assignor = cd_assignor_new(protocol, max_delay);
    s->version = (int)protocol;
    s->last_completed = -1;
    s->offset = 1;
}

static void clear_members(char **names, bool *has, cd_assignment_t *st, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        free(names[i]);
        cd_assignment_clear(&st[i]);
        has[i] = false;
    }
    *n = 0;
}

static void sim_free(sim_t *s)
{
    cd_assignor_destroy(s->assignor);
    for (size_t i = 0; i < s->nconn; i++)
        free(s->connectors[i]);
    clear_members(s->names, s->has, s->state, &s->nmembers);
    clear_members(s->saved_names, s->saved_has, s->saved_state, &s->saved_n);
}

static void sim_config(sim_t *s, const char *spec)
{
    for (size_t i = 0; i < s->nconn; i++)
        free(s->connectors[i]);
    s->nconn = 0;
    char *copy = strdup(spec), *save = NULL;
    for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *colon = strchr(tok, ':');
        assert_non_null(colon);
        *colon = '\0';
        s->connectors[s->nconn] = strdup(tok);
        s->tasks[s->nconn] = atoi(colon + 1);
        s->nconn++;
    }
    free(copy);
}

static ssize_t sim_find(const sim_t *s, const char *m)
{
    for (size_t i = 0; i < s->nmembers; i++)
        if (strcmp(s->names[i], m) == 0)
            return (ssize_t)i;
    return -1;
}

/* WorkerCoordinator.onJoinComplete: received + (snapshot - revoked) */
static void apply(cd_assignment_t *state, bool *has, const uint8_t *bytes, size_t len)
{
    char err[256];
    cd_assignment_t rcv;
    assert_int_equal(cd_connect_assignment_parse(bytes, len, &rcv, err, sizeof(err)), 0);
    if (*has) {
        for (size_t i = 0; i < state->assigned.count; i++) {
            const cd_work_id_t *w = &state->assigned.items[i];
            if (!cd_work_list_contains(&rcv.revoked, w->connector, w->task))
                cd_work_list_add(&rcv.assigned, w->connector, w->task);
        }
        cd_assignment_clear(state);
    }
    *state = rcv;
    *has = true;
}

/* Runs one round; out[i] receives the serialised assignment of member i (caller frees). */
static void sim_round(sim_t *s, int64_t now, char **members, size_t n, char **hex_out,
                      cd_assignment_t *asg_out)
{
    /* save for "lose", after dropping members that left */
    char *names[MAX_MEMBERS];
    bool has[MAX_MEMBERS] = {0};
    cd_assignment_t st[MAX_MEMBERS];
    memset(st, 0, sizeof(st));
    for (size_t i = 0; i < n; i++) {
        names[i] = strdup(members[i]);
        ssize_t j = sim_find(s, members[i]);
        if (j >= 0 && s->has[j]) {
            cd_assignment_copy(&st[i], &s->state[j]);
            has[i] = true;
        }
    }
    clear_members(s->names, s->has, s->state, &s->nmembers);
    clear_members(s->saved_names, s->saved_has, s->saved_state, &s->saved_n);
    for (size_t i = 0; i < n; i++) {
        s->names[i] = names[i];
        s->has[i] = has[i];
        s->state[i] = st[i];
        s->saved_names[i] = strdup(names[i]);
        s->saved_has[i] = has[i];
        cd_assignment_copy(&s->saved_state[i], &st[i]);
    }
    s->nmembers = s->saved_n = n;

    char urls[MAX_MEMBERS][64];
    cd_assignor_member_t m[MAX_MEMBERS];
    memset(m, 0, sizeof(m));
    for (size_t i = 0; i < n; i++) {
        snprintf(urls[i], sizeof(urls[i]), "http://%s:8083/", s->names[i]);
        m[i].member_id = s->names[i];
        m[i].metadata.version = (int16_t)s->version;
        m[i].metadata.url = urls[i];
        m[i].metadata.config_offset = s->offset;
        m[i].metadata.has_allocation = s->has[i];
        if (s->has[i])
            m[i].metadata.allocation = s->state[i];
    }
    cd_assignor_config_t cfg = {.offset = s->offset,
                                .connectors = (const char *const *)s->connectors,
                                .task_counts = s->tasks,
                                .count = s->nconn};
    cd_assignment_t out[MAX_MEMBERS];
    s->generation++;
    cd_assignor_check_generation(s->assignor, s->last_completed);
    assert_int_equal(
        cd_assignor_assign(s->assignor, s->names[0], s->generation, &cfg, m, n, now, out), 0);
    for (size_t i = 0; i < n; i++) {
        uint8_t *b;
        size_t len;
        cd_connect_assignment_serialize(&out[i], &b, &len);
        if (hex_out)
            hex_out[i] = tohex(b, len);
        apply(&s->state[i], &s->has[i], b, len);
        free(b);
        if (asg_out)
            asg_out[i] = out[i];
        else
            cd_assignment_clear(&out[i]);
    }
    s->last_completed = s->generation;
}

static void sim_lose(sim_t *s)
{
    clear_members(s->names, s->has, s->state, &s->nmembers);
    for (size_t i = 0; i < s->saved_n; i++) {
        s->names[i] = strdup(s->saved_names[i]);
        s->has[i] = s->saved_has[i];
        cd_assignment_copy(&s->state[i], &s->saved_state[i]);
    }
    s->nmembers = s->saved_n;
    s->last_completed = s->generation - 1;
}

/* ------------------------------------------------------------------ */
/* the Java oracle's scenarios                                         */

static void test_java_scenarios(void **state)
{
    (void)state;
    char *scen = read_golden("scenarios.txt");
    char *exp = read_golden("expected.txt");
    char *exp_save = NULL, *exp_line = strtok_r(exp, "\n", &exp_save);
    char *save = NULL;
    sim_t s;
    bool active = false;
    char scenario[128] = "";
    int round = 0, compared = 0;
    for (char *line = strtok_r(scen, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "scenario ", 9) == 0) {
            if (active)
                sim_free(&s);
            long delay;
            int version;
            assert_int_equal(sscanf(line + 9, "%127s %ld %d", scenario, &delay, &version), 3);
            sim_init(&s, (cd_connect_protocol_t)version, delay);
            active = true;
            round = 0;
        } else if (strncmp(line, "config", 6) == 0) {
            sim_config(&s, line + 6);
        } else if (strcmp(line, "lose") == 0) {
            sim_lose(&s);
        } else if (strncmp(line, "round ", 6) == 0) {
            char *copy = strdup(line + 6), *sv = NULL;
            int64_t now = atoll(strtok_r(copy, " ", &sv));
            char *members[MAX_MEMBERS];
            size_t n = 0;
            for (char *t = strtok_r(NULL, " ", &sv); t; t = strtok_r(NULL, " ", &sv))
                members[n++] = t;
            char *hex[MAX_MEMBERS];
            round++;
            sim_round(&s, now, members, n, hex, NULL);
            for (size_t i = 0; i < n; i++) {
                while (exp_line && exp_line[0] == '#')
                    exp_line = strtok_r(NULL, "\n", &exp_save);
                assert_non_null(exp_line);
                char want_head[256];
                snprintf(want_head, sizeof(want_head), "%s %d %s ", scenario, round, members[i]);
                if (strncmp(exp_line, want_head, strlen(want_head)) != 0)
                    fail_msg("expected.txt out of step: '%s' vs '%s'", exp_line, want_head);
                const char *want = exp_line + strlen(want_head);
                if (strcmp(hex[i], want) != 0)
                    fail_msg("%s round %d member %s:\n  C:    %s\n  Java: %s", scenario, round,
                             members[i], hex[i], want);
                compared++;
                free(hex[i]);
                exp_line = strtok_r(NULL, "\n", &exp_save);
            }
            free(copy);
        } else {
            fail_msg("bad scenario line %s", line);
        }
    }
    if (active)
        sim_free(&s);
    while (exp_line && exp_line[0] == '#')
        exp_line = strtok_r(NULL, "\n", &exp_save);
    assert_null(exp_line);
    print_message("compared %d assignments with Java's\n", compared);
    assert_true(compared > 100);
    free(scen);
    free(exp);
}

/* ------------------------------------------------------------------ */
/* ported behaviour checks                                             */

static size_t count_kind(const cd_work_list_t *l, bool connectors)
{
    size_t n = 0;
    for (size_t i = 0; i < l->count; i++)
        if ((l->items[i].task == -1) == connectors)
            n++;
    return n;
}

static void round_n(sim_t *s, int64_t now, const char *spec, cd_assignment_t *out, size_t *n)
{
    char *copy = strdup(spec), *sv = NULL;
    char *members[MAX_MEMBERS];
    *n = 0;
    for (char *t = strtok_r(copy, " ", &sv); t; t = strtok_r(NULL, " ", &sv))
        members[(*n)++] = t;
    sim_round(s, now, members, *n, NULL, out);
    free(copy);
}

static void clear_out(cd_assignment_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cd_assignment_clear(&out[i]);
}

static void test_first_assignment_and_join(void **state)
{
    (void)state;
    sim_t s;
    cd_assignment_t out[MAX_MEMBERS];
    size_t n;
    sim_init(&s, CD_CONNECT_PROTOCOL_SESSIONED, 300000);
    sim_config(&s, "connector1:4 connector2:4");
    round_n(&s, 0, "worker1 worker2", out, &n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].version, 2);
        assert_string_equal(out[i].leader, "worker1");
        assert_string_equal(out[i].leader_url, "http://worker1:8083/");
        assert_int_equal(count_kind(&out[i].assigned, true), 1);
        assert_int_equal(count_kind(&out[i].assigned, false), 4);
        assert_int_equal(out[i].revoked.count, 0);
        assert_int_equal(out[i].delay_ms, 0);
    }
    clear_out(out, n);
    /* a third worker: first a revocation round, nothing assigned */
    round_n(&s, 10, "worker1 worker2 worker3", out, &n);
    size_t revoked = 0;
    for (size_t i = 0; i < n; i++) {
        revoked += out[i].revoked.count;
        assert_int_equal(out[i].assigned.count, 0);
    }
    assert_int_equal(revoked, 2); /* one task from each, 10 items over 3 workers */
    clear_out(out, n);
    /* then the revoked work goes to the new worker */
    round_n(&s, 20, "worker1 worker2 worker3", out, &n);
    assert_int_equal(out[2].assigned.count, 2);
    assert_int_equal(out[0].assigned.count + out[1].assigned.count, 0);
    clear_out(out, n);
    sim_free(&s);
}

static void test_worker_leaves_delay(void **state)
{
    (void)state;
    sim_t s;
    cd_assignment_t out[MAX_MEMBERS];
    size_t n;
    sim_init(&s, CD_CONNECT_PROTOCOL_COMPATIBLE, 300000);
    sim_config(&s, "connector1:4 connector2:4");
    round_n(&s, 0, "worker1 worker2 worker3", out, &n);
    size_t lost = out[2].assigned.count; /* worker3's work (2 tasks, as Java) */
    assert_int_equal(lost, 2);
    clear_out(out, n);
    round_n(&s, 100, "worker1 worker2", out, &n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(out[i].version, 1);
        assert_int_equal(out[i].delay_ms, 300000);
        assert_int_equal(out[i].assigned.count, 0);
    }
    clear_out(out, n);
    round_n(&s, 1100, "worker1 worker2", out, &n);
    assert_int_equal(out[0].delay_ms, 299000);
    clear_out(out, n);
    /* after the delay the lost work is reassigned */
    round_n(&s, 300100, "worker1 worker2", out, &n);
    assert_int_equal(out[0].delay_ms, 0);
    assert_int_equal(out[0].assigned.count + out[1].assigned.count, lost);
    clear_out(out, n);
    sim_free(&s);

    /* scheduled.rebalance.max.delay.ms=0: immediately */
    sim_init(&s, CD_CONNECT_PROTOCOL_SESSIONED, 0);
    sim_config(&s, "connector1:4 connector2:4");
    round_n(&s, 0, "worker1 worker2 worker3", out, &n);
    clear_out(out, n);
    round_n(&s, 100, "worker1 worker2", out, &n);
    assert_int_equal(out[0].delay_ms, 0);
    assert_int_equal(out[0].assigned.count + out[1].assigned.count, lost);
    clear_out(out, n);
    sim_free(&s);
}

static void test_deleted_and_duplicated(void **state)
{
    (void)state;
    sim_t s;
    cd_assignment_t out[MAX_MEMBERS];
    size_t n;
    sim_init(&s, CD_CONNECT_PROTOCOL_SESSIONED, 300000);
    sim_config(&s, "a:2 b:2");
    round_n(&s, 0, "w1 w2", out, &n);
    clear_out(out, n);
    sim_config(&s, "a:2");
    round_n(&s, 10, "w1 w2", out, &n);
    size_t revoked = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < out[i].revoked.count; j++) {
            assert_string_equal(out[i].revoked.items[j].connector, "b");
            revoked++;
        }
    assert_int_equal(revoked, 3);
    clear_out(out, n);
    sim_free(&s);

    /* two members both report connector a and task a-0: revoked from both */
    sim_init(&s, CD_CONNECT_PROTOCOL_SESSIONED, 300000);
    const char *conns[] = {"a"};
    int tasks[] = {1};
    cd_assignor_config_t cfg = {.offset = 3, .connectors = conns, .task_counts = tasks, .count = 1};
    cd_assignor_member_t m[2];
    memset(m, 0, sizeof(m));
    const char *ids[] = {"w1", "w2"};
    for (int i = 0; i < 2; i++) {
        m[i].member_id = ids[i];
        m[i].metadata.url = "http://x/";
        m[i].metadata.config_offset = 3;
        m[i].metadata.has_allocation = true;
        m[i].metadata.allocation.leader = (char *)"w1";
        cd_work_list_add(&m[i].metadata.allocation.assigned, "a", -1);
        cd_work_list_add(&m[i].metadata.allocation.assigned, "a", 0);
    }
    assert_int_equal(cd_assignor_assign(s.assignor, "w1", 1, &cfg, m, 2, 0, out), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(out[i].revoked.count, 2);
        assert_true(cd_work_list_contains(&out[i].revoked, "a", -1));
        assert_true(cd_work_list_contains(&out[i].revoked, "a", 0));
        assert_int_equal(out[i].assigned.count, 0);
        assert_int_equal(out[i].config_offset, 3);
        cd_work_list_clear(&m[i].metadata.allocation.assigned);
    }
    clear_out(out, 2);
    sim_free(&s);
}

static void test_config_mismatch(void **state)
{
    (void)state;
    for (int p = 0; p <= 2; p++) {
        cd_assignor_t *a = cd_assignor_new((cd_connect_protocol_t)p, 300000);
        const char *conns[] = {"a"};
        int tasks[] = {1};
        cd_assignor_config_t cfg = {
            .offset = 4, .connectors = conns, .task_counts = tasks, .count = 1};
        cd_assignor_member_t m[2];
        memset(m, 0, sizeof(m));
        m[0].member_id = "leader";
        m[0].metadata.url = "http://leader:8083/";
        m[0].metadata.config_offset = 4;
        m[1].member_id = "other";
        m[1].metadata.url = "http://other:8083/";
        m[1].metadata.config_offset = 9;
        assert_int_equal(cd_assignor_max_offset(m, 2), 9);
        cd_assignment_t out[2];
        assert_int_equal(cd_assignor_assign(a, "leader", 1, &cfg, m, 2, 0, out), 0);
        for (int i = 0; i < 2; i++) {
            assert_int_equal(out[i].error, CD_ASSIGNMENT_CONFIG_MISMATCH);
            assert_int_equal(out[i].config_offset, 9);
            assert_int_equal(out[i].version, p);
            assert_string_equal(out[i].leader, "leader");
            assert_string_equal(out[i].leader_url, "http://leader:8083/");
            assert_int_equal(out[i].assigned.count, 0);
            cd_assignment_clear(&out[i]);
        }
        cd_assignor_destroy(a);
    }
}

static void test_eager(void **state)
{
    (void)state;
    cd_assignor_t *a = cd_assignor_new(CD_CONNECT_PROTOCOL_EAGER, 300000);
    const char *conns[] = {"zeta", "alpha", "mid"};
    int tasks[] = {2, 3, 0};
    cd_assignor_config_t cfg = {.offset = 7, .connectors = conns, .task_counts = tasks, .count = 3};
    cd_assignor_member_t m[2];
    memset(m, 0, sizeof(m));
    m[0].member_id = "w-b";
    m[0].metadata.url = "http://b/";
    m[0].metadata.config_offset = 7;
    m[1].member_id = "w-a";
    m[1].metadata.url = "http://a/";
    m[1].metadata.config_offset = 2;
    cd_assignment_t out[2];
    assert_int_equal(cd_assignor_assign(a, "w-b", 3, &cfg, m, 2, 0, out), 0);
    /* sorted members w-a, w-b; connectors alpha, mid, zeta; then alpha-0..2, zeta-0..1 */
    const cd_assignment_t *wa = &out[1], *wb = &out[0];
    assert_int_equal(wa->version, 0);
    assert_int_equal(wa->error, 0);
    assert_int_equal(wa->config_offset, 7);
    assert_string_equal(wa->leader, "w-b");
    assert_string_equal(wa->leader_url, "http://b/");
    assert_true(cd_work_list_contains(&wa->assigned, "alpha", -1));
    assert_true(cd_work_list_contains(&wb->assigned, "mid", -1));
    assert_true(cd_work_list_contains(&wa->assigned, "zeta", -1));
    assert_true(cd_work_list_contains(&wb->assigned, "alpha", 0));
    assert_true(cd_work_list_contains(&wa->assigned, "alpha", 1));
    assert_true(cd_work_list_contains(&wb->assigned, "alpha", 2));
    assert_true(cd_work_list_contains(&wa->assigned, "zeta", 0));
    assert_true(cd_work_list_contains(&wb->assigned, "zeta", 1));
    assert_int_equal(wa->assigned.count, 4);
    assert_int_equal(wb->assigned.count, 4);
    /* a v0 assignment without revoked/delay on the wire */
    uint8_t *b;
    size_t len;
    cd_connect_assignment_serialize(wa, &b, &len);
    assert_int_equal(b[1], 0);
    free(b);
    cd_assignment_clear(&out[0]);
    cd_assignment_clear(&out[1]);
    cd_assignor_destroy(a);
}

static void test_protocol_switch_and_reset(void **state)
{
    (void)state;
    sim_t s;
    cd_assignment_t out[MAX_MEMBERS];
    size_t n;
    sim_init(&s, CD_CONNECT_PROTOCOL_SESSIONED, 300000);
    sim_config(&s, "a:2");
    round_n(&s, 0, "w1 w2", out, &n);
    clear_out(out, n);
    cd_assignor_set_protocol(s.assignor, CD_CONNECT_PROTOCOL_COMPATIBLE);
    round_n(&s, 10, "w1 w2", out, &n);
    assert_int_equal(out[0].version, 1);
    assert_int_equal(out[0].assigned.count + out[1].assigned.count, 0);
    clear_out(out, n);
    /* a generation that did not complete makes the leader forget its previous view:
     * nothing is lost then, and members keep running what they report */
    cd_assignor_check_generation(s.assignor, 1);
    cd_assignor_reset(s.assignor);
    round_n(&s, 20, "w1 w2", out, &n);
    assert_int_equal(out[0].assigned.count + out[1].assigned.count, 0);
    assert_int_equal(out[0].revoked.count + out[1].revoked.count, 0);
    clear_out(out, n);
    sim_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_java_scenarios),
        cmocka_unit_test(test_first_assignment_and_join),
        cmocka_unit_test(test_worker_leaves_delay),
        cmocka_unit_test(test_deleted_and_duplicated),
        cmocka_unit_test(test_config_mismatch),
        cmocka_unit_test(test_eager),
        cmocka_unit_test(test_protocol_switch_and_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
