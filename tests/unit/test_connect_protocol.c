/*
 * test_connect_protocol.c: the connect group-protocol codecs against bytes
 * written by Apache Kafka Connect itself (tests/golden/connect_protocol/cases.txt,
 * made by tests/golden/ConnectProtocolGolden.java), round trips of Java's bytes,
 * tolerance (missing trailing fields, future versions) and malformed input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "distributed/connect_protocol.h"
#include "distributed/java_order.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *cases_text;

static const char *golden_hex(const char *name)
{
    static char hex[65536];
    size_t nl = strlen(name);
    const char *p = cases_text;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t ll = eol ? (size_t)(eol - p) : strlen(p);
        if (ll > nl && strncmp(p, name, nl) == 0 && p[nl] == ' ') {
            size_t hl = ll - nl - 1;
            assert_true(hl < sizeof(hex));
            memcpy(hex, p + nl + 1, hl);
            hex[hl] = '\0';
            return hex;
        }
        p = eol ? eol + 1 : NULL;
    }
    fail_msg("golden case %s missing", name);
    return NULL;
}

static uint8_t *unhex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2;
    uint8_t *b = malloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        b[i] = (uint8_t)v;
    }
    *len = n;
    return b;
}

static char *tohex(const uint8_t *b, size_t n)
{
    char *s = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", b[i]);
    s[n * 2] = '\0';
    return s;
}

static void expect_bytes(const char *name, uint8_t *buf, size_t len)
{
    char *got = tohex(buf, len);
    const char *want = golden_hex(name);
    if (strcmp(got, want) != 0)
        fail_msg("%s:\n  C:    %s\n  Java: %s", name, got, want);
    free(got);
    free(buf);
}

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("CONNECTD_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof(path), "%s/tests/golden/connect_protocol/cases.txt", src ? src : ".");
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    cases_text = malloc((size_t)n + 1);
    if (fread(cases_text, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    cases_text[n] = '\0';
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(cases_text);
    return 0;
}

/* the assignment of ConnectProtocolGolden.ext(version, c, t, rc, rt, delay) */
static void base_assignment(cd_assignment_t *a, int16_t version, int32_t delay)
{
    memset(a, 0, sizeof(*a));
    a->version = version;
    a->leader = strdup("w1-abc");
    a->leader_url = strdup("http://w1:8083/");
    a->config_offset = 5;
    a->delay_ms = delay;
}

static void std_lists(cd_assignment_t *a)
{
    cd_work_list_add(&a->assigned, "c2", -1);
    cd_work_list_add(&a->assigned, "c1", -1);
    cd_work_list_add(&a->assigned, "a-connector", -1);
    cd_work_list_add(&a->assigned, "c1", 0);
    cd_work_list_add(&a->assigned, "c2", 1);
    cd_work_list_add(&a->assigned, "c2", 0);
    cd_work_list_add(&a->assigned, "x", 3);
    cd_work_list_add(&a->revoked, "c3", -1);
    cd_work_list_add(&a->revoked, "zz", -1);
    cd_work_list_add(&a->revoked, "c3", -1);
    cd_work_list_add(&a->revoked, "c3", 0);
    cd_work_list_add(&a->revoked, "c1", 5);
    cd_work_list_add(&a->revoked, "new", 2);
}

static void test_metadata_golden(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n;
    const char *url = "http://w1:8083/";
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_EAGER, url, 5, NULL, &b, &n);
    expect_bytes("meta_v0", b, n);
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_EAGER, "", -1, NULL, &b, &n);
    expect_bytes("meta_v0_neg", b, n);
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_COMPATIBLE, url, 5, NULL, &b, &n);
    expect_bytes("meta_v1_null", b, n);
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_SESSIONED, url, 5, NULL, &b, &n);
    expect_bytes("meta_v2_null", b, n);
    /* a never-assigned allocation (no leader) is ExtendedAssignment.empty() → null */
    cd_assignment_t none = {0};
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_SESSIONED, url, 5, &none, &b, &n);
    expect_bytes("meta_v2_null", b, n);

    cd_assignment_t a;
    base_assignment(&a, 1, 1234);
    std_lists(&a);
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_COMPATIBLE, url, 7, &a, &b, &n);
    expect_bytes("meta_v1_alloc", b, n);
    /* the allocation's header version is the protocol's, whatever a.version says */
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_SESSIONED, url, 7, &a, &b, &n);
    expect_bytes("meta_v2_alloc", b, n);
    cd_assignment_clear(&a);
    base_assignment(&a, 2, 0);
    cd_connect_metadata_serialize(CD_CONNECT_PROTOCOL_SESSIONED, url, 9, &a, &b, &n);
    expect_bytes("meta_v2_alloc_empty", b, n);
    cd_assignment_clear(&a);
}

static void test_assignment_golden(void **state)
{
    (void)state;
    uint8_t *b;
    size_t n;
    cd_assignment_t a;
    base_assignment(&a, 0, 0);
    std_lists(&a);
    cd_work_list_clear(&a.revoked);
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v0", b, n);
    cd_assignment_clear(&a);

    memset(&a, 0, sizeof(a));
    a.error = CD_ASSIGNMENT_CONFIG_MISMATCH;
    a.leader = strdup("leader");
    a.leader_url = strdup("http://l:8083/");
    a.config_offset = 42;
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v0_mismatch", b, n);
    cd_assignment_clear(&a);

    base_assignment(&a, 1, 0);
    std_lists(&a);
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v1", b, n);
    a.version = 2;
    a.delay_ms = 300000;
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v2", b, n);
    cd_assignment_clear(&a);

    base_assignment(&a, 2, 0);
    cd_work_list_add(&a.assigned, "c", -1);
    cd_work_list_add(&a.assigned, "c", 0);
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v2_wire_example", b, n);
    cd_assignment_clear(&a);

    char name[64];
    base_assignment(&a, 2, 5);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "connector-%d", i);
        cd_work_list_add(&a.assigned, name, -1);
    }
    for (int i = 39; i >= 0; i -= 3) {
        snprintf(name, sizeof(name), "connector-%d", i);
        cd_work_list_add(&a.assigned, name, i % 4);
    }
    for (int i = 0; i < 20; i++) {
        snprintf(name, sizeof(name), "rev-%d", i);
        cd_work_list_add(&a.revoked, name, -1);
    }
    cd_work_list_add(&a.revoked, "rev-3", 1);
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v2_many", b, n);
    cd_assignment_clear(&a);

    base_assignment(&a, 0, 0);
    for (int i = 0; i < 13; i++) {
        snprintf(name, sizeof(name), "c%d", i);
        cd_work_list_add(&a.assigned, name, -1);
    }
    for (int i = 39; i >= 0; i -= 3) {
        snprintf(name, sizeof(name), "connector-%d", i);
        cd_work_list_add(&a.assigned, name, i % 4);
    }
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v0_many", b, n);
    cd_assignment_clear(&a);

    base_assignment(&a, 1, 0);
    const char *u[] = {"\xc3\xbcn\xc3\xaf"
                       "code",
                       "\xe6\x97\xa5\xe6\x9c\xac",
                       "emoji-\xf0\x9f\x98\x80",
                       "Aa",
                       "BB",
                       "plain"};
    for (int i = 0; i < 6; i++)
        cd_work_list_add(&a.assigned, u[i], -1);
    cd_work_list_add(&a.assigned, u[1], 0);
    cd_work_list_add(&a.assigned, u[2], 1);
    cd_connect_assignment_serialize(&a, &b, &n);
    expect_bytes("asg_v1_unicode", b, n);
    cd_assignment_clear(&a);
}

/* Java's bytes parse and serialise back to the same bytes. */
static void test_round_trip(void **state)
{
    (void)state;
    const char *asg[] = {"asg_v0",      "asg_v0_mismatch", "asg_v1",         "asg_v2",
                         "asg_v2_many", "asg_v0_many",     "asg_v1_unicode", "asg_v2_wire_example"};
    char err[512];
    for (size_t i = 0; i < sizeof(asg) / sizeof(asg[0]); i++) {
        size_t n;
        uint8_t *in = unhex(golden_hex(asg[i]), &n);
        cd_assignment_t a;
        assert_int_equal(cd_connect_assignment_parse(in, n, &a, err, sizeof(err)), 0);
        uint8_t *out;
        size_t on;
        cd_connect_assignment_serialize(&a, &out, &on);
        expect_bytes(asg[i], out, on);
        cd_assignment_clear(&a);
        free(in);
    }
    const char *meta[] = {"meta_v0",       "meta_v0_neg",   "meta_v1_null",       "meta_v2_null",
                          "meta_v1_alloc", "meta_v2_alloc", "meta_v2_alloc_empty"};
    for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
        size_t n;
        uint8_t *in = unhex(golden_hex(meta[i]), &n);
        cd_worker_metadata_t m;
        assert_int_equal(cd_connect_metadata_parse(in, n, &m, err, sizeof(err)), 0);
        uint8_t *out;
        size_t on;
        cd_connect_metadata_serialize((cd_connect_protocol_t)m.version, m.url, m.config_offset,
                                      m.has_allocation ? &m.allocation : NULL, &out, &on);
        expect_bytes(meta[i], out, on);
        cd_worker_metadata_clear(&m);
        free(in);
    }
}

static void test_parse_fields(void **state)
{
    (void)state;
    size_t n;
    char err[256];
    uint8_t *in = unhex(golden_hex("meta_v2_alloc"), &n);
    cd_worker_metadata_t m;
    assert_int_equal(cd_connect_metadata_parse(in, n, &m, err, sizeof(err)), 0);
    assert_int_equal(m.version, 2);
    assert_string_equal(m.url, "http://w1:8083/");
    assert_int_equal(m.config_offset, 7);
    assert_true(m.has_allocation);
    assert_int_equal(m.allocation.version, 2);
    assert_string_equal(m.allocation.leader, "w1-abc");
    assert_int_equal(m.allocation.delay_ms, 1234);
    assert_int_equal(m.allocation.assigned.count, 7);
    assert_true(cd_work_list_contains(&m.allocation.assigned, "a-connector", -1));
    assert_true(cd_work_list_contains(&m.allocation.assigned, "x", 3));
    /* revoked: c3 (distinct), zz, then tasks */
    assert_int_equal(m.allocation.revoked.count, 5);
    assert_string_equal(m.allocation.revoked.items[0].connector, "c3");
    assert_int_equal(m.allocation.revoked.items[0].task, -1);
    cd_worker_metadata_clear(&m);
    free(in);

    /* v0 metadata parses with a null allocation */
    in = unhex(golden_hex("meta_v0"), &n);
    assert_int_equal(cd_connect_metadata_parse(in, n, &m, err, sizeof(err)), 0);
    assert_false(m.has_allocation);
    assert_int_equal(m.version, 0);
    cd_worker_metadata_clear(&m);
    free(in);
}

static void test_tolerance(void **state)
{
    (void)state;
    char err[256];
    size_t n;
    /* a v0 assignment read by the v1 reader: no revoked, delay 0 */
    uint8_t *in = unhex(golden_hex("asg_v0"), &n);
    cd_assignment_t a;
    assert_int_equal(cd_connect_assignment_parse(in, n, &a, err, sizeof(err)), 0);
    assert_int_equal(a.version, 0);
    assert_int_equal(a.revoked.count, 0);
    assert_int_equal(a.delay_ms, 0);
    assert_int_equal(a.assigned.count, 7);
    cd_assignment_clear(&a);
    free(in);
    /* version 7 with an extra trailing field: parsed like v1 */
    in = unhex(golden_hex("asg_v2"), &n);
    uint8_t *big = malloc(n + 3);
    memcpy(big, in, n);
    big[0] = 0;
    big[1] = 7;
    big[n] = 1;
    big[n + 1] = 2;
    big[n + 2] = 3;
    assert_int_equal(cd_connect_assignment_parse(big, n + 3, &a, err, sizeof(err)), 0);
    assert_int_equal(a.version, 7);
    assert_int_equal(a.delay_ms, 300000);
    cd_assignment_clear(&a);
    /* missing delay (and revoked) fields take their defaults */
    assert_int_equal(cd_connect_assignment_parse(in, n - 4, &a, err, sizeof(err)), 0);
    assert_int_equal(a.delay_ms, 0);
    assert_int_equal(a.revoked.count, 5);
    cd_assignment_clear(&a);
    free(big);
    free(in);
    /* null arrays are accepted */
    const uint8_t nulls[] = {0, 1, 0, 0,    0,    1,    'l',  0,    1,    'u',  0,    0, 0, 0, 0,
                             0, 0, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9};
    assert_int_equal(cd_connect_assignment_parse(nulls, sizeof(nulls), &a, err, sizeof(err)), 0);
    assert_int_equal(a.assigned.count, 0);
    assert_int_equal(a.delay_ms, 9);
    cd_assignment_clear(&a);
}

static void expect_assignment_error(const uint8_t *b, size_t n, const char *msg)
{
    char err[256] = "";
    cd_assignment_t a;
    assert_int_equal(cd_connect_assignment_parse(b, n, &a, err, sizeof(err)), -1);
    assert_string_equal(err, msg);
}

static void test_malformed(void **state)
{
    (void)state;
    char err[256];
    cd_worker_metadata_t m;
    expect_assignment_error((const uint8_t *)"", 0,
                            "Error reading field 'version': java.nio.BufferUnderflowException");
    const uint8_t neg[] = {0xff, 0xfe, 0, 0};
    expect_assignment_error(neg, sizeof(neg), "Unsupported subscription version: -2");
    const uint8_t noerr[] = {0, 1};
    expect_assignment_error(noerr, sizeof(noerr),
                            "Missing value for field 'error' which has no default value.");
    const uint8_t badleader[] = {0, 1, 0, 0, 0, 9, 'a'};
    expect_assignment_error(badleader, sizeof(badleader),
                            "Error reading field 'leader': Error reading string of length 9, only "
                            "1 bytes available");
    const uint8_t negleader[] = {0, 1, 0, 0, 0xff, 0xff};
    expect_assignment_error(negleader, sizeof(negleader),
                            "Error reading field 'leader': String length -1 cannot be negative");
    const uint8_t hugearr[] = {0, 1, 0, 0, 0, 1, 'l', 0,    1,    'u',  0,
                               0, 0, 0, 0, 0, 0, 3,   0x7f, 0xff, 0xff, 0xff};
    expect_assignment_error(hugearr, sizeof(hugearr),
                            "Error reading field 'assignment': Error reading array of size "
                            "2147483647, only 0 bytes available");
    const uint8_t hugetasks[] = {0, 1, 0, 0, 0, 1, 'l', 0, 1, 'u', 0,    0, 0, 0, 0,
                                 0, 0, 3, 0, 0, 0, 1,   0, 1, 'c', 0x10, 0, 0, 0};
    expect_assignment_error(hugetasks, sizeof(hugetasks),
                            "Error reading field 'assignment': Error reading field 'tasks': Error "
                            "reading array of size 268435456, only 0 bytes available");
    const uint8_t shorttask[] = {0, 1, 0, 0, 0, 1, 'l', 0, 1,   'u', 0, 0, 0, 0, 0, 0,
                                 0, 3, 0, 0, 0, 1, 0,   1, 'c', 0,   0, 0, 1, 0, 0};
    expect_assignment_error(shorttask, sizeof(shorttask),
                            "Error reading field 'assignment': Error reading field 'tasks': "
                            "java.nio.BufferUnderflowException");
    const uint8_t shortdelay[] = {0, 1, 0, 0, 0, 1, 'l', 0, 1, 'u', 0, 0, 0, 0,
                                  0, 0, 0, 3, 0, 0, 0,   0, 0, 0,   0, 0, 0, 0};
    expect_assignment_error(shortdelay, sizeof(shortdelay),
                            "Error reading field 'delay': java.nio.BufferUnderflowException");

    const uint8_t metashort[] = {0, 2, 0, 1, 'u', 0, 0, 0};
    assert_int_equal(cd_connect_metadata_parse(metashort, sizeof(metashort), &m, err, sizeof(err)),
                     -1);
    assert_string_equal(err,
                        "Error reading field 'config-offset': java.nio.BufferUnderflowException");
    const uint8_t metabytes[] = {0, 2, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 50, 0, 1};
    assert_int_equal(cd_connect_metadata_parse(metabytes, sizeof(metabytes), &m, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "Error reading field 'allocation': Error reading bytes of size 50, "
                             "only 2 bytes available");
    /* the embedded assignment's errors surface too */
    const uint8_t metainner[] = {0, 2, 0, 1, 'u', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 2};
    assert_int_equal(cd_connect_metadata_parse(metainner, sizeof(metainner), &m, err, sizeof(err)),
                     -1);
    assert_string_equal(err, "Missing value for field 'error' which has no default value.");
    /* truncated Java bytes fail at every cut inside the fixed part and never crash */
    size_t n;
    uint8_t *in = unhex(golden_hex("meta_v2_alloc"), &n);
    for (size_t cut = 0; cut < n; cut++) {
        int rc = cd_connect_metadata_parse(in, cut, &m, err, sizeof(err));
        if (rc == 0)
            cd_worker_metadata_clear(&m);
        else
            assert_true(strlen(err) > 0);
        if (cut < 27)
            assert_int_equal(rc, -1);
    }
    free(in);
}

static void test_names_and_lists(void **state)
{
    (void)state;
    cd_connect_protocol_t p;
    assert_true(cd_connect_protocol_from_config("Sessioned", &p));
    assert_int_equal(p, CD_CONNECT_PROTOCOL_SESSIONED);
    assert_true(cd_connect_protocol_from_config("EAGER", &p));
    assert_int_equal(p, CD_CONNECT_PROTOCOL_EAGER);
    assert_false(cd_connect_protocol_from_config("default", &p));
    assert_true(cd_connect_protocol_from_wire_name("default", &p));
    assert_int_equal(p, CD_CONNECT_PROTOCOL_EAGER);
    assert_true(cd_connect_protocol_from_wire_name("compatible", &p));
    assert_int_equal(p, CD_CONNECT_PROTOCOL_COMPATIBLE);
    assert_false(cd_connect_protocol_from_wire_name("eager", &p));
    assert_string_equal(cd_connect_protocol_wire_name(CD_CONNECT_PROTOCOL_SESSIONED), "sessioned");
    assert_string_equal(cd_connect_protocol_wire_name(CD_CONNECT_PROTOCOL_EAGER), "default");

    cd_work_list_t l = {0};
    cd_work_list_add(&l, "b", 1);
    cd_work_list_add(&l, "a", 2);
    cd_work_list_add(&l, "b", -1);
    cd_work_list_add(&l, "a", -1);
    cd_work_list_add(&l, "a", 10);
    cd_work_list_sort(&l);
    assert_string_equal(l.items[0].connector, "a");
    assert_int_equal(l.items[0].task, -1);
    assert_int_equal(l.items[1].task, 2);
    assert_int_equal(l.items[2].task, 10);
    assert_int_equal(l.items[3].task, -1);
    cd_work_list_remove(&l, "a", 2);
    assert_false(cd_work_list_contains(&l, "a", 2));
    assert_int_equal(l.count, 4);
    cd_work_list_clear(&l);

    /* Java String.hashCode over UTF-16 */
    assert_int_equal(cd_java_string_hash("Aa"), cd_java_string_hash("BB"));
    assert_int_equal(cd_java_string_hash("hello"), 99162322);
    assert_int_equal(cd_java_string_hash("\xf0\x9f\x98\x80"), 1772899); /* "\ud83d\ude00" */
    /* UTF-16 order: U+FFFD sorts after a supplementary character (surrogates are D8xx) */
    assert_true(cd_java_string_compare("\xef\xbf\xbd", "\xf0\x9f\x98\x80") > 0);
    assert_true(cd_java_string_compare("a", "ab") < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_metadata_golden), cmocka_unit_test(test_assignment_golden),
        cmocka_unit_test(test_round_trip),      cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_tolerance),       cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_names_and_lists),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
