/**
 * @file test_kinesis_kpl.c
 * @brief Unit tests of connectors/kinesis/kinesis_kpl: builder → de-aggregation round
 *        trips, a golden aggregate made by the independent Python implementation
 *        (aws-kinesis-agg), KCL's pass-through rule for every kind of invalid blob,
 *        unknown-field skipping, the record-count bound, and the 128-bit hash-range
 *        filter (boundaries, 2^128-1, MD5 of the partition key, bad bounds).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "connectors/kinesis/kinesis_kpl.h"

#define MAX128 "340282366920938463463374607431768211455"

/*
 * Golden aggregate produced once by aws-kinesis-agg 1.2.3 (PyPI, the official Python KPL
 * aggregation library, with protobuf 7.36.2):
 *
 *   a = aws_kinesis_agg.aggregator.RecordAggregator()
 *   for pk, data, ehk in GOLDEN_RECORDS: a.add_user_record(pk, data, ehk)
 *   print(a.clear_and_get().get_contents()[2].hex())
 *
 * with the six records of golden_records below (partition key, data, explicit hash key).
 */
static const char golden_hex[] =
    "f3899ac20a05616c7068610a04626574610a0567616d6d610a0564656c746112273334303238323336363932"
    "303933383436333436333337343630373433313736383231313435351201301a0708001a036f6e651a07080"
    "11a0374776f1a0908001a0574687265651a06080210001a001a0c080110011a0600ff0162696e1a0a08031000"
    "1a046c6173749b650358403dbc5af82c409e48824470";

static const cd_kpl_user_record_t golden_records[] = {
    {"alpha", NULL, (unsigned char *)"one", 3},
    {"beta", NULL, (unsigned char *)"two", 3},
    {"alpha", NULL, (unsigned char *)"three", 5},
    {"gamma", MAX128, (unsigned char *)"", 0},
    {"beta", "0",
     (unsigned char *)"\x00\xff\x01"
                      "bin",
     6},
    {"delta", MAX128, (unsigned char *)"last", 4},
};

#define N_GOLDEN (sizeof(golden_records) / sizeof(golden_records[0]))

/*
 * Aggregate produced by tests/harness/kpl.py (the harness's pure-Python aggregator):
 *   kpl.aggregate([("k-%d" % (i % 3) if i != 4 else "ключ-é",
 *                   bytes((i * 7 + j) % 256 for j in range(i * 3))) for i in range(6)])
 * (aws-kinesis-agg 1.2.3 produces the same bytes for these records.)
 */
static const char harness_hex[] =
    "f3899ac20a036b2d300a036b2d310a036b2d320a0bd0bad0bbd18ed1872dc3a91a0408001a001a0708011a03"
    "0708091a0a08021a060e0f101112131a0d08001a0915161718191a1b1c1d1a1008031a0c1c1d1e1f20212223"
    "242526271a1308021a0f232425262728292a2b2c2d2e2f30311f2cca8173a8d305d7b211bba864ef9f";

static unsigned char *from_hex(const char *hex, size_t *len)
{
    size_t n = strlen(hex) / 2, i;
    unsigned char *out = malloc(n + 1);

    assert_non_null(out);
    for (i = 0; i < n; i++) {
        unsigned int b;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
        out[i] = (unsigned char)b;
    }
    *len = n;
    return out;
}

/* Wraps a raw protobuf body as magic + body + MD5(body). */
static unsigned char *wrap(const unsigned char *body, size_t body_len, size_t *len)
{
    unsigned char *blob = malloc(4 + body_len + 16);
    unsigned int md_len = 0;

    assert_non_null(blob);
    memcpy(blob, "\xF3\x89\x9A\xC2", 4);
    if (body_len)
        memcpy(blob + 4, body, body_len);
    assert_int_equal(EVP_Digest(body, body_len, blob + 4 + body_len, &md_len, EVP_md5(), NULL), 1);
    *len = 4 + body_len + 16;
    return blob;
}

static void assert_records_equal(const cd_kpl_user_record_t *got, const cd_kpl_user_record_t *want,
                                 size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        assert_string_equal(got[i].partition_key, want[i].partition_key);
        if (want[i].explicit_hash_key)
            assert_string_equal(got[i].explicit_hash_key, want[i].explicit_hash_key);
        else
            assert_null(got[i].explicit_hash_key);
        assert_int_equal(got[i].data_len, want[i].data_len);
        assert_memory_equal(got[i].data, want[i].data, want[i].data_len ? want[i].data_len : 0);
    }
}

/* De-aggregates a raw protobuf body (wrapped with a valid MD5); returns the rc. */
static int deagg_body(const char *body, size_t body_len, cd_kpl_user_record_t **out, size_t *count)
{
    size_t len;
    unsigned char *blob = wrap((const unsigned char *)body, body_len, &len);
    int rc = cd_kpl_deaggregate(blob, len, out, count);

    free(blob);
    return rc;
}

#define DEAGG(lit, out, count) deagg_body(lit, sizeof(lit) - 1, out, count)

static void test_golden_python(void **state)
{
    size_t len, built_len, count;
    unsigned char *golden = from_hex(golden_hex, &len);
    cd_kpl_user_record_t *recs = NULL;
    unsigned char *built;

    (void)state;
    assert_int_equal(cd_kpl_deaggregate(golden, len, &recs, &count), 1);
    assert_int_equal(count, N_GOLDEN);
    assert_records_equal(recs, golden_records, N_GOLDEN);
    cd_kpl_user_records_free(recs, count);

    /* The builder interns keys like the Python library: byte-identical output. */
    built = cd_kpl_aggregate(golden_records, N_GOLDEN, &built_len);
    assert_non_null(built);
    assert_int_equal(built_len, len);
    assert_memory_equal(built, golden, len);
    free(built);
    free(golden);
}

static void test_harness_vector(void **state)
{
    static const char *keys[6] = {
        "k-0", "k-1", "k-2", "k-0", "\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87-\xc3\xa9", "k-2"};
    size_t len, count, i, j;
    unsigned char *blob = from_hex(harness_hex, &len);
    cd_kpl_user_record_t *recs = NULL;

    (void)state;
    assert_int_equal(cd_kpl_deaggregate(blob, len, &recs, &count), 1);
    assert_int_equal(count, 6);
    for (i = 0; i < count; i++) {
        assert_string_equal(recs[i].partition_key, keys[i]);
        assert_null(recs[i].explicit_hash_key);
        assert_int_equal(recs[i].data_len, i * 3);
        for (j = 0; j < i * 3; j++)
            assert_int_equal(recs[i].data[j], (i * 7 + j) % 256);
    }
    cd_kpl_user_records_free(recs, count);
    free(blob);
}

static void test_round_trip(void **state)
{
    enum { N = 300 };
    cd_kpl_user_record_t in[N];
    char keys[N][16];
    unsigned char data[N][200];
    cd_kpl_user_record_t *out = NULL;
    size_t len, count, i;
    unsigned char *blob;

    (void)state;
    for (i = 0; i < N; i++) {
        size_t j;

        snprintf(keys[i], sizeof(keys[i]), "key-%zu", i % 7); /* repeated keys */
        for (j = 0; j < sizeof(data[i]); j++)
            data[i][j] = (unsigned char)(i * 31 + j);
        in[i].partition_key = keys[i];
        in[i].explicit_hash_key = (i % 5 == 0) ? (i % 10 == 0 ? "12345" : MAX128) : NULL;
        in[i].data = data[i];
        in[i].data_len = i % 200; /* includes an empty record and multi-byte lengths */
    }
    blob = cd_kpl_aggregate(in, N, &len);
    assert_non_null(blob);
    assert_int_equal(cd_kpl_deaggregate(blob, len, &out, &count), 1);
    assert_int_equal(count, N);
    assert_records_equal(out, in, N);
    cd_kpl_user_records_free(out, count);
    free(blob);

    /* One record. */
    blob = cd_kpl_aggregate(in + 1, 1, &len);
    assert_non_null(blob);
    assert_int_equal(cd_kpl_deaggregate(blob, len, &out, &count), 1);
    assert_int_equal(count, 1);
    assert_records_equal(out, in + 1, 1);
    cd_kpl_user_records_free(out, count);
    free(blob);
}

static void test_tables(void **state)
{
    /* pk table [a, b], ehk table [7]; records (b), (a, ehk 0), (b). */
    static const char body[] = "\x0a\x01"
                               "a"
                               "\x0a\x01"
                               "b"
                               "\x12\x01"
                               "7"
                               "\x1a\x05\x08\x01\x1a\x01X"
                               "\x1a\x07\x08\x00\x10\x00\x1a\x01Y"
                               "\x1a\x05\x08\x01\x1a\x01Z";
    cd_kpl_user_record_t *out = NULL;
    size_t count;

    (void)state;
    assert_int_equal(DEAGG(body, &out, &count), 1);
    assert_int_equal(count, 3);
    assert_string_equal(out[0].partition_key, "b");
    assert_null(out[0].explicit_hash_key);
    assert_string_equal(out[1].partition_key, "a");
    assert_string_equal(out[1].explicit_hash_key, "7");
    assert_string_equal(out[2].partition_key, "b");
    assert_memory_equal(out[0].data, "X", 1);
    assert_memory_equal(out[1].data, "Y", 1);
    assert_memory_equal(out[2].data, "Z", 1);
    cd_kpl_user_records_free(out, count);
}

static void test_unknown_fields_skipped(void **state)
{
    /* Unknown top-level fields of every wire type (varint, fixed64, length, group with a
     * nested group, fixed32), a known field number with the wrong wire type (skipped as
     * unknown), and a Record carrying a Tag and an unknown field. */
    static const char body[] = "\x0a\x01k"
                               "\x28\x96\x01"                         /* 5: varint */
                               "\x31\x01\x02\x03\x04\x05\x06\x07\x08" /* 6: fixed64 */
                               "\x3a\x02zz"                           /* 7: bytes */
                               "\x43\x08\x01\x4b\x4c\x44"             /* 8: group{1:1, 9:group{}} */
                               "\x4d\x01\x02\x03\x04"                 /* 9: fixed32 */
                               "\x08\x05"                             /* 1 as varint: unknown */
                               "\x1a\x0d\x08\x00\x1a\x01V\x22\x04\x0a\x02tk\x50\x01";
    cd_kpl_user_record_t *out = NULL;
    size_t count;

    (void)state;
    assert_int_equal(DEAGG(body, &out, &count), 1);
    assert_int_equal(count, 1);
    assert_string_equal(out[0].partition_key, "k");
    assert_int_equal(out[0].data_len, 1);
    assert_memory_equal(out[0].data, "V", 1);
    cd_kpl_user_records_free(out, count);
}

static void assert_pass_through(const unsigned char *blob, size_t len)
{
    cd_kpl_user_record_t *out = (cd_kpl_user_record_t *)1;
    size_t count = 99;

    assert_int_equal(cd_kpl_deaggregate(blob, len, &out, &count), 0);
    assert_null(out);
    assert_int_equal(count, 0);
}

#define ASSERT_BODY_INVALID(lit)                                                                   \
    do {                                                                                           \
        size_t l_;                                                                                 \
        unsigned char *b_ = wrap((const unsigned char *)(lit), sizeof(lit) - 1, &l_);              \
        assert_pass_through(b_, l_);                                                               \
        free(b_);                                                                                  \
    } while (0)

static void test_pass_through(void **state)
{
    size_t len, i;
    unsigned char *golden = from_hex(golden_hex, &len);
    unsigned char *copy = malloc(len);

    (void)state;
    assert_non_null(copy);
    /* Not aggregates at all. */
    assert_pass_through((const unsigned char *)"plain json {}", 13);
    assert_pass_through((const unsigned char *)"", 0);
    assert_pass_through(golden, 3);
    /* Exactly magic + digest (empty protobuf): not longer than 20 bytes. */
    {
        size_t l;
        unsigned char *b = wrap((const unsigned char *)"", 0, &l);
        assert_int_equal(l, 20);
        assert_pass_through(b, l);
        free(b);
    }
    /* Wrong magic, flipped digest, flipped body byte. */
    memcpy(copy, golden, len);
    copy[0] ^= 1;
    assert_pass_through(copy, len);
    memcpy(copy, golden, len);
    copy[len - 1] ^= 0x80;
    assert_pass_through(copy, len);
    memcpy(copy, golden, len);
    copy[10] ^= 0x01;
    assert_pass_through(copy, len);
    /* Every truncation. */
    for (i = 0; i < len; i++)
        assert_pass_through(golden, i);

    /* Valid MD5 but invalid protobuf: */
    ASSERT_BODY_INVALID("\x0a\x05"
                        "ab");                                /* truncated string */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x03\x08\x00\x1a");     /* truncated data in record */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x02\x1a\x00");         /* no partition_key_index */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x02\x08\x00");         /* no data */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x04\x08\x01\x1a\x00"); /* pk index out of range */
    ASSERT_BODY_INVALID("\x1a\x04\x08\x00\x1a\x00");          /* empty pk table */
    ASSERT_BODY_INVALID("\x0a\x01k\x12\x01"
                        "5\x1a\x06\x08\x00\x10\x01\x1a\x00"); /* ehk index out of range */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x08\x08\x00\x1a\x00\x22\x02\x12\x00"); /* tag w/o key */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x04\x08\x00\x1a\x00\x00");             /* field 0 */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x04\x08\x00\x1a\x00\x2b\x08\x01");     /* open group */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x04\x08\x00\x1a\x00\x2c");             /* stray end group */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x04\x08\x00\x1a\x00\x2e\x00");         /* wire type 6 */
    ASSERT_BODY_INVALID("\x0a\x01k\x1a\x0d\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f\x1a"
                        "\x00"); /* varint over 64 bits */
    free(copy);
    free(golden);
}

static void test_empty_records_and_bounds(void **state)
{
    cd_kpl_user_record_t *out = NULL;
    size_t count = 5;
    size_t n = CD_KPL_MAX_USER_RECORDS + 1, i, body_len, len;
    unsigned char *body, *blob, *p;

    (void)state;
    /* A table but no records: a valid aggregate of zero user records (as KCL). */
    assert_int_equal(DEAGG("\x0a\x01k\x0a\x01j", &out, &count), 1);
    assert_int_equal(count, 0);
    cd_kpl_user_records_free(out, count);

    /* CD_KPL_MAX_USER_RECORDS records are accepted, one more passes through. */
    body_len = 3 + n * 6;
    body = malloc(body_len);
    assert_non_null(body);
    p = body;
    memcpy(p, "\x0a\x01k", 3);
    p += 3;
    for (i = 0; i < n; i++) {
        memcpy(p, "\x1a\x04\x08\x00\x1a\x00", 6);
        p += 6;
    }
    blob = wrap(body, body_len, &len);
    assert_pass_through(blob, len);
    free(blob);
    blob = wrap(body, body_len - 6, &len);
    assert_int_equal(cd_kpl_deaggregate(blob, len, &out, &count), 1);
    assert_int_equal(count, CD_KPL_MAX_USER_RECORDS);
    assert_string_equal(out[count - 1].partition_key, "k");
    cd_kpl_user_records_free(out, count);
    free(blob);
    free(body);
}

static bool in_range(const char *pk, const char *ehk, const char *start, const char *end)
{
    cd_kpl_user_record_t r = {(char *)pk, (char *)ehk, NULL, 0};

    return cd_kpl_in_hash_range(&r, start, end);
}

static void test_hash_range(void **state)
{
    (void)state;
    /* Explicit hash keys at and around the bounds. */
    assert_true(in_range("x", "0", "0", "0"));
    assert_true(in_range("x", "100", "100", "200"));
    assert_true(in_range("x", "200", "100", "200"));
    assert_false(in_range("x", "99", "100", "200"));
    assert_false(in_range("x", "201", "100", "200"));
    assert_true(in_range("x", MAX128, "0", MAX128));
    assert_true(in_range("x", MAX128, MAX128, MAX128));
    assert_false(in_range("x", "340282366920938463463374607431768211454", MAX128, MAX128));
    assert_false(in_range("x", MAX128, "0", "340282366920938463463374607431768211454"));
    /* Across the 64-bit boundary (2^64 = 18446744073709551616). */
    assert_true(in_range("x", "18446744073709551616", "18446744073709551616", MAX128));
    assert_false(in_range("x", "18446744073709551615", "18446744073709551616", MAX128));
    assert_true(in_range("x", "18446744073709551615", "0", "18446744073709551615"));
    assert_false(in_range("x", "18446744073709551616", "0", "18446744073709551615"));
    /* Two halves of the key space (a reshard of one shard into two). */
    assert_true(in_range("x", "170141183460469231731687303715884105727", "0",
                         "170141183460469231731687303715884105727"));
    assert_false(in_range("x", "170141183460469231731687303715884105728", "0",
                          "170141183460469231731687303715884105727"));
    assert_true(in_range("x", "170141183460469231731687303715884105728",
                         "170141183460469231731687303715884105728", MAX128));
    /* Leading zeros are numbers like any other (BigInteger accepts them). */
    assert_true(in_range("x", "000100", "100", "100"));

    /* MD5 of the partition key as an unsigned big-endian number:
     * md5("alpha") = 58606826522850340945736240254012750329,
     * md5("beta") = 202685418872336884493770735918403116178. */
    assert_true(in_range("alpha", NULL, "58606826522850340945736240254012750329",
                         "58606826522850340945736240254012750329"));
    assert_false(in_range("alpha", NULL, "58606826522850340945736240254012750330", MAX128));
    assert_false(in_range("alpha", NULL, "0", "58606826522850340945736240254012750328"));
    assert_true(in_range("beta", NULL, "170141183460469231731687303715884105728", MAX128));
    assert_false(in_range("beta", NULL, "0", "170141183460469231731687303715884105727"));
    /* The explicit hash key wins over the partition key. */
    assert_true(in_range("beta", "5", "0", "10"));

    /* Bad input never drops: unparseable bounds or explicit hash keys. */
    assert_true(in_range("x", "5", "", "10"));
    assert_true(in_range("x", "5", "abc", "10"));
    assert_true(in_range("x", "5", "0", "340282366920938463463374607431768211456"));
    assert_true(in_range("x", "5", "-1", "3"));
    assert_true(in_range("x", "12a", "0", "3"));
    assert_true(in_range("x", "340282366920938463463374607431768211456", "0", "3"));
    assert_true(in_range("x", "999999999999999999999999999999999999999999", "0", "3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_python),
        cmocka_unit_test(test_harness_vector),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_unknown_fields_skipped),
        cmocka_unit_test(test_pass_through),
        cmocka_unit_test(test_empty_records_and_bounds),
        cmocka_unit_test(test_hash_range),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
