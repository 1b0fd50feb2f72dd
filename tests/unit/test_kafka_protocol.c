/*
 * test_kafka_protocol.c: byte layouts of the group requests at classic and
 * flexible versions, response decoding (including truncated input), version
 * negotiation, and SCRAM-SHA-256 against the RFC 7677 test vector.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "distributed/kafka_protocol.h"

static void assert_bytes(const cd_kbuf_t *b, const uint8_t *expect, size_t n)
{
    assert_false(b->oom);
    assert_int_equal(b->len, n);
    assert_memory_equal(b->data, expect, n);
}

static const cd_kprotocol_t protos[] = {{"sessioned", (const uint8_t *)"AB", 2},
                                        {"default", (const uint8_t *)"C", 1}};

static void test_join_group_v5(void **state)
{
    (void)state;
    cd_kbuf_t b = {0};
    cd_kjoin_req_t req = {"g", 10000, 60000, "", "connect", protos, 2, "r"};
    cd_kafka_join_group_request(&b, 5, &req);
    static const uint8_t expect[] = {
        0,    1,    'g', 0,   0,   0x27, 0x10, 0,   0,   0xEA, 0x60, 0, 0, /* member "" */
        0xFF, 0xFF, /* group_instance_id null */
        0,    7,    'c', 'o', 'n', 'n',  'e',  'c', 't', 0,    0,    0, 2, 0,   9,
        's',  'e',  's', 's', 'i', 'o',  'n',  'e', 'd', 0,    0,    0, 2, 'A', 'B',
        0,    7,    'd', 'e', 'f', 'a',  'u',  'l', 't', 0,    0,    0, 1, 'C'};
    assert_bytes(&b, expect, sizeof(expect));
    cd_kbuf_free(&b);
}

static void test_join_group_v9(void **state)
{
    (void)state;
    cd_kbuf_t b = {0};
    cd_kjoin_req_t req = {"g", 10000, 60000, "m", "connect", protos, 2, "r"};
    cd_kafka_join_group_request(&b, 9, &req);
    static const uint8_t expect[] = {
        2,  'g', 0,   0,   0x27, 0x10, 0,   0,   0xEA, 0x60, 2, 'm', 0, /* instance id null */
        8,  'c', 'o', 'n', 'n',  'e',  'c', 't', 3,                     /* 2 protocols */
        10, 's', 'e', 's', 's',  'i',  'o', 'n', 'e',  'd',  3, 'A', 'B', 0,
        8,  'd', 'e', 'f', 'a',  'u',  'l', 't', 2,    'C',  0, 2,   'r', /* reason */
        0};
    assert_bytes(&b, expect, sizeof(expect));
    cd_kbuf_free(&b);
}

static const cd_kassignment_t asg[] = {{"m", (const uint8_t *)"X", 1}};

static void test_sync_group_v3_v5(void **state)
{
    (void)state;
    cd_kbuf_t b = {0};
    cd_ksync_req_t req = {"g", 7, "m", "connect", "default", asg, 1};
    cd_kafka_sync_group_request(&b, 3, &req);
    static const uint8_t v3[] = {0, 1, 'g', 0, 0, 0, 7,   0, 1, 'm', 0xFF, 0xFF,
                                 0, 0, 0,   1, 0, 1, 'm', 0, 0, 0,   1,    'X'};
    assert_bytes(&b, v3, sizeof(v3));
    cd_kbuf_free(&b);
    cd_kafka_sync_group_request(&b, 5, &req);
    static const uint8_t v5[] = {2,   'g', 0,   0,   0,   7,   2, 'm', 0,   8,   'c',
                                 'o', 'n', 'n', 'e', 'c', 't', 8, 'd', 'e', 'f', 'a',
                                 'u', 'l', 't', 2,   2,   'm', 2, 'X', 0,   0};
    assert_bytes(&b, v5, sizeof(v5));
    cd_kbuf_free(&b);
}

static void test_request_header(void **state)
{
    (void)state;
    cd_kbuf_t b = {0};
    cd_kafka_request_header(&b, CD_KAPI_HEARTBEAT, 4, 5, "c");
    static const uint8_t v2[] = {0, 12, 0, 4, 0, 0, 0, 5, 0, 1, 'c', 0};
    assert_bytes(&b, v2, sizeof(v2));
    cd_kbuf_free(&b);
    cd_kafka_request_header(&b, CD_KAPI_HEARTBEAT, 3, 5, "c");
    static const uint8_t v1[] = {0, 12, 0, 3, 0, 0, 0, 5, 0, 1, 'c'};
    assert_bytes(&b, v1, sizeof(v1));
    cd_kbuf_free(&b);
}

static void test_join_response_v9(void **state)
{
    (void)state;
    static const uint8_t resp[] = {
        0,   0,   0,   0, /* throttle */
        0,   0,           /* error */
        0,   0,   0,   3, /* generation */
        8,   'c', 'o', 'n', 'n', 'e', 'c', 't', 8,   'd', 'e', 'f', 'a',
        'u', 'l', 't', 2,   'a',                                       /* leader */
        0,                                                             /* skip assignment */
        2,   'a',                                                      /* member id */
        3,                                                             /* 2 members */
        2,   'a', 0,   3,   'M', '1', 0,   2,   'b', 0,   1,   0,   0, /* tags */
    };
    cd_kjoin_resp_t jr;
    assert_int_equal(cd_kafka_join_group_response(resp, sizeof(resp), 9, &jr), 0);
    assert_int_equal(jr.error, 0);
    assert_int_equal(jr.generation, 3);
    assert_true(cd_kstr_eq(jr.protocol_type, "connect"));
    assert_true(cd_kstr_eq(jr.protocol_name, "default"));
    assert_true(cd_kstr_eq(jr.leader, "a"));
    assert_int_equal(jr.member_count, 2);
    assert_true(cd_kstr_eq(jr.members[0].metadata, "M1"));
    assert_true(cd_kstr_eq(jr.members[1].member_id, "b"));
    assert_int_equal(jr.members[1].metadata.len, 0);
    free(jr.members);
    /* every truncation is rejected, never read past the end */
    for (size_t n = 0; n < sizeof(resp); n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, resp, n);
        assert_int_equal(cd_kafka_join_group_response(copy, n, 9, &jr), -1);
        assert_null(jr.members);
        free(copy);
    }
    /* a huge array count is refused before allocating */
    static const uint8_t huge[] = {0, 0, 0, 0, 0,    0,    0,    0,    0, 1, 0,   0,
                                   0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0, 1, 'a', 0};
    assert_int_equal(cd_kafka_join_group_response(huge, sizeof(huge), 2, &jr), -1);
}

static void test_api_versions_and_pick(void **state)
{
    (void)state;
    /* v3: error 0, 2 keys (JoinGroup 2..9, SyncGroup 0..5), throttle, tags */
    static const uint8_t resp[] = {0,  0, 3, 0, 11, 0, 2, 0, 9, 0, 0,
                                   14, 0, 0, 0, 5,  0, 0, 0, 0, 0, 0};
    cd_kversions_t v;
    int16_t err;
    assert_int_equal(cd_kafka_api_versions_response(resp, sizeof(resp), 3, &err, &v), 0);
    assert_int_equal(err, 0);
    assert_int_equal(cd_kversions_pick(&v, CD_KAPI_JOIN_GROUP), 9);
    assert_int_equal(cd_kversions_pick(&v, CD_KAPI_SYNC_GROUP), 5);
    assert_int_equal(cd_kversions_pick(&v, CD_KAPI_HEARTBEAT), -1);
    v.min[CD_KAPI_JOIN_GROUP] = 10;
    v.max[CD_KAPI_JOIN_GROUP] = 12;
    assert_int_equal(cd_kversions_pick(&v, CD_KAPI_JOIN_GROUP), -1);
    /* UNSUPPORTED_VERSION comes back in the v0 layout */
    static const uint8_t unsup[] = {0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 2};
    assert_int_equal(cd_kafka_api_versions_response(unsup, sizeof(unsup), 3, &err, &v), 0);
    assert_int_equal(err, 35);
    assert_int_equal(v.max[CD_KAPI_API_VERSIONS], 2);
}

static void test_find_coordinator_v4(void **state)
{
    (void)state;
    cd_kbuf_t b = {0};
    cd_kafka_find_coordinator_request(&b, 4, "g");
    static const uint8_t req[] = {0, 2, 2, 'g', 0};
    assert_bytes(&b, req, sizeof(req));
    cd_kbuf_free(&b);
    static const uint8_t resp[] = {0, 0,   0, 0, 2,    2,    'g', 0, 0, 0, 1,
                                   2, 'h', 0, 0, 0x23, 0x84, 0,   0, 0, 0, 0};
    cd_kcoordinator_t co;
    assert_int_equal(cd_kafka_find_coordinator_response(resp, sizeof(resp), 4, "g", &co), 0);
    assert_int_equal(co.node_id, 1);
    assert_string_equal(co.host, "h");
    assert_int_equal(co.port, 9092);
    assert_int_equal(cd_kafka_find_coordinator_response(resp, sizeof(resp), 4, "x", &co), -1);
}

static void test_leave_group_v5(void **state)
{
    (void)state;
    cd_kbuf_t b = {0};
    cd_kafka_leave_group_request(&b, 5, "g", "m", "bye");
    static const uint8_t req[] = {2, 'g', 2, 2, 'm', 0, 4, 'b', 'y', 'e', 0, 0};
    assert_bytes(&b, req, sizeof(req));
    cd_kbuf_free(&b);
    cd_kafka_leave_group_request(&b, 2, "g", "m", "bye");
    static const uint8_t v2[] = {0, 1, 'g', 0, 1, 'm'};
    assert_bytes(&b, v2, sizeof(v2));
    cd_kbuf_free(&b);
}

/* RFC 7677 section 3 */
static void test_scram_sha256_rfc7677(void **state)
{
    (void)state;
    cd_scram_t s;
    char *first = NULL, *final = NULL, err[256];
    assert_int_equal(
        cd_scram_client_first(&s, 256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO", &first), 0);
    assert_string_equal(first, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    const char *server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                               "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    assert_int_equal(
        cd_scram_client_final(&s, server_first, strlen(server_first), &final, err, sizeof(err)), 0);
    assert_string_equal(final, "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                               "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    const char *ok = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    assert_int_equal(cd_scram_verify_server_final(&s, ok, strlen(ok), err, sizeof(err)), 0);
    const char *bad = "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    assert_int_equal(cd_scram_verify_server_final(&s, bad, strlen(bad), err, sizeof(err)), -1);
    /* a server nonce that does not extend ours is refused */
    free(final);
    final = NULL;
    const char *evil = "r=other,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    assert_int_equal(cd_scram_client_final(&s, evil, strlen(evil), &final, err, sizeof(err)), -1);
    assert_null(final);
    free(first);
    cd_scram_clear(&s);
}

static void test_scram_username_escape(void **state)
{
    (void)state;
    cd_scram_t s;
    char *first = NULL;
    assert_int_equal(cd_scram_client_first(&s, 512, "a=b,c", "p", "N", &first), 0);
    assert_string_equal(first, "n,,n=a=3Db=2Cc,r=N");
    free(first);
    cd_scram_clear(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_join_group_v5),        cmocka_unit_test(test_join_group_v9),
        cmocka_unit_test(test_sync_group_v3_v5),     cmocka_unit_test(test_request_header),
        cmocka_unit_test(test_join_response_v9),     cmocka_unit_test(test_api_versions_and_pick),
        cmocka_unit_test(test_find_coordinator_v4),  cmocka_unit_test(test_leave_group_v5),
        cmocka_unit_test(test_scram_sha256_rfc7677), cmocka_unit_test(test_scram_username_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
