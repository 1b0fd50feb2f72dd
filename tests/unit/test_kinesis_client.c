/**
 * @file test_kinesis_client.c
 * @brief Unit tests of connectors/kinesis/kinesis_client's parsers (no network):
 *        GetRecords (records, Base64 padding, explicit nulls, ChildShards, closed
 *        shards, malformed and out-of-range fields), ListShards pages, and the error
 *        classification of every class with its message format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connectors/kinesis/kinesis_client.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_get_records_basic(void **state)
{
    (void)state;
    static const char body[] =
        "{\"Records\":[{\"ApproximateArrivalTimestamp\":1795461240.612,\"Data\":\"aGVsbG8=\","
        "\"EncryptionType\":\"NONE\",\"PartitionKey\":\"a\",\"SequenceNumber\":"
        "\"49654225151853421236287386587937580830311522765335232514\"},"
        "{\"Data\":\"aGk=\",\"PartitionKey\":\"b\",\"SequenceNumber\":\"2\","
        "\"ApproximateArrivalTimestamp\":null},"
        "{\"Data\":\"YWJj\",\"PartitionKey\":\"\\u00e9\",\"SequenceNumber\":\"3\","
        "\"ApproximateArrivalTimestamp\":1700000000.0005},"
        "{\"Data\":\"\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"4\","
        "\"ApproximateArrivalTimestamp\":1700000000}],"
        "\"NextShardIterator\":\"AAAA/it\",\"MillisBehindLatest\":42,\"ChildShards\":null}";
    cd_kinesis_records_t r;
    char err[512] = "";
    assert_int_equal(cd_kinesis_parse_get_records(S(body), &r, err, sizeof(err)), CD_KINESIS_OK);
    assert_int_equal(r.count, 4);
    assert_string_equal(r.records[0].sequence_number,
                        "49654225151853421236287386587937580830311522765335232514");
    assert_string_equal(r.records[0].partition_key, "a");
    assert_int_equal(r.records[0].data_len, 5); /* padding not counted (T17) */
    assert_memory_equal(r.records[0].data, "hello", 5);
    assert_int_equal(r.records[0].arrival_ms, 1795461240612LL);
    assert_int_equal(r.records[1].data_len, 2);
    assert_memory_equal(r.records[1].data, "hi", 2);
    assert_int_equal(r.records[1].arrival_ms, -1); /* null = absent */
    assert_int_equal(r.records[2].data_len, 3);
    assert_memory_equal(r.records[2].data, "abc", 3);
    assert_string_equal(r.records[2].partition_key, "\xc3\xa9");
    assert_int_equal(r.records[2].arrival_ms, 1700000000001LL); /* rounded */
    assert_int_equal(r.records[3].data_len, 0);
    assert_non_null(r.records[3].data);
    assert_int_equal(r.records[3].arrival_ms, 1700000000000LL);
    assert_string_equal(r.next_iterator, "AAAA/it");
    assert_int_equal(r.millis_behind_latest, 42);
    assert_int_equal(r.child_count, 0);
    assert_int_equal(r.response_bytes, sizeof(body) - 1);
    cd_kinesis_records_clear(&r);
    assert_null(r.records);
}

static void test_get_records_binary_data(void **state)
{
    (void)state;
    /* 0x00 0xff 0x10 0x80 -> "AP8QgA==" */
    static const char body[] = "{\"Records\":[{\"Data\":\"AP8QgA==\",\"PartitionKey\":\"p\","
                               "\"SequenceNumber\":\"1\"}],\"NextShardIterator\":\"i\","
                               "\"MillisBehindLatest\":0}";
    cd_kinesis_records_t r;
    char err[512];
    assert_int_equal(cd_kinesis_parse_get_records(S(body), &r, err, sizeof(err)), CD_KINESIS_OK);
    assert_int_equal(r.records[0].data_len, 4);
    assert_memory_equal(r.records[0].data, "\x00\xff\x10\x80", 4);
    assert_int_equal(r.millis_behind_latest, 0);
    cd_kinesis_records_clear(&r);
}

static void test_get_records_closed_shard(void **state)
{
    (void)state;
    /* kinesis-mock style: explicit null iterator plus ChildShards (a split: two children of
     * one parent) and an empty Records array. */
    static const char body[] =
        "{\"Records\":[],\"NextShardIterator\":null,\"MillisBehindLatest\":0,\"ChildShards\":["
        "{\"ShardId\":\"shardId-000000000002\",\"ParentShards\":[\"shardId-000000000000\"],"
        "\"HashKeyRange\":{\"StartingHashKey\":\"0\",\"EndingHashKey\":\"1\"}},"
        "{\"ShardId\":\"shardId-000000000003\",\"ParentShards\":[\"shardId-000000000000\","
        "\"shardId-000000000001\"]}]}";
    cd_kinesis_records_t r;
    char err[512];
    assert_int_equal(cd_kinesis_parse_get_records(S(body), &r, err, sizeof(err)), CD_KINESIS_OK);
    assert_int_equal(r.count, 0);
    assert_null(r.next_iterator);
    assert_int_equal(r.child_count, 2);
    assert_string_equal(r.children[0].shard_id, "shardId-000000000002");
    assert_string_equal(r.children[0].parents[0], "shardId-000000000000");
    assert_null(r.children[0].parents[1]);
    assert_string_equal(r.children[1].parents[1], "shardId-000000000001");
    cd_kinesis_records_clear(&r);

    /* kinesalite style: key absent, Records absent, MillisBehindLatest absent. */
    assert_int_equal(cd_kinesis_parse_get_records(S("{}"), &r, err, sizeof(err)), CD_KINESIS_OK);
    assert_null(r.next_iterator);
    assert_int_equal(r.count, 0);
    assert_int_equal(r.millis_behind_latest, -1);
    cd_kinesis_records_clear(&r);
    assert_int_equal(cd_kinesis_parse_get_records(
                         S("{\"Records\":null,\"MillisBehindLatest\":null}"), &r, err, sizeof(err)),
                     CD_KINESIS_OK);
    assert_int_equal(r.millis_behind_latest, -1);
    cd_kinesis_records_clear(&r);
}

static void expect_bad_records(const char *body, const char *fragment)
{
    cd_kinesis_records_t r;
    char err[512] = "";
    cd_kinesis_err_t rc = cd_kinesis_parse_get_records(body, strlen(body), &r, err, sizeof(err));
    if (rc != CD_KINESIS_ERR_FATAL)
        fail_msg("accepted: %s", body);
    if (!strstr(err, fragment))
        fail_msg("error '%s' lacks '%s' (body %s)", err, fragment, body);
    assert_null(r.records);
    assert_int_equal(r.count, 0);
    assert_null(r.next_iterator);
}

#define REC(fields) "{\"Records\":[{" fields "}],\"NextShardIterator\":\"i\"}"

static void test_get_records_malformed(void **state)
{
    (void)state;
    expect_bad_records("", "empty body");
    expect_bad_records("{", "Malformed GetRecords response");
    expect_bad_records("[]", "not a JSON object");
    expect_bad_records("null", "Malformed GetRecords response");
    expect_bad_records("{\"Records\":{}}", "Records is not an array");
    expect_bad_records("{\"Records\":[1]}", "record 0 is not an object");
    expect_bad_records(REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\""),
                       "SequenceNumber is missing");
    expect_bad_records(REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"12a\""),
                       "not a decimal number");
    expect_bad_records(REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":12"),
                       "SequenceNumber is not a string");
    expect_bad_records(REC("\"Data\":\"YQ==\",\"SequenceNumber\":\"1\""),
                       "PartitionKey is missing");
    expect_bad_records(REC("\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\""), "Data is missing");
    expect_bad_records(REC("\"Data\":null,\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\""),
                       "Data is missing");
    /* Base64: wrong length, bad character, padding in the middle, three '='. */
    const char *bad64[] = {"YQ=", "YQ", "Y!==", "YQ==YQ==", "Y===", "====", "YW Jj", "YWJj\\n"};
    for (size_t i = 0; i < sizeof(bad64) / sizeof(bad64[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body),
                 REC("\"Data\":\"%s\",\"PartitionKey\":\"k\","
                     "\"SequenceNumber\":\"1\""),
                 bad64[i]);
        expect_bad_records(body, "Data is not valid Base64");
    }
    expect_bad_records(REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\","
                           "\"ApproximateArrivalTimestamp\":\"1700000000\""),
                       "ApproximateArrivalTimestamp is not a number");
    expect_bad_records(REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\","
                           "\"ApproximateArrivalTimestamp\":-1"),
                       "out of range");
    expect_bad_records(REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\","
                           "\"ApproximateArrivalTimestamp\":1e300"),
                       "out of range");
    expect_bad_records("{\"NextShardIterator\":5}", "NextShardIterator is not a string");
    expect_bad_records("{\"NextShardIterator\":\"\"}", "NextShardIterator is empty");
    expect_bad_records("{\"NextShardIterator\":\"a\\u0000b\"}", "Malformed GetRecords");
    expect_bad_records("{\"MillisBehindLatest\":-5}", "MillisBehindLatest");
    expect_bad_records("{\"MillisBehindLatest\":\"5\"}", "MillisBehindLatest");
    expect_bad_records("{\"MillisBehindLatest\":1.5}", "MillisBehindLatest");
    expect_bad_records("{\"ChildShards\":{}}", "ChildShards is not an array");
    expect_bad_records("{\"ChildShards\":[{\"ParentShards\":[]}]}", "ShardId is missing");
    expect_bad_records(
        "{\"ChildShards\":[{\"ShardId\":\"c\",\"ParentShards\":[\"a\",\"b\",\"c\"]}]}",
        "more than two ParentShards");
    expect_bad_records("{\"ChildShards\":[{\"ShardId\":\"c\",\"ParentShards\":[1]}]}",
                       "invalid ParentShards entry");
    expect_bad_records("{\"Records\":[],\"Records\":[]}", "duplicate");
    /* A record that fails after a good one: everything is freed (ASan checks). */
    expect_bad_records(
        "{\"Records\":[{\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":"
        "\"1\"},{\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"x\"}]}",
        "record 1");
}

static void test_get_records_huge_fields(void **state)
{
    (void)state;
    /* A partition key over the bound, a 300-digit sequence number, an over-long iterator. */
    size_t big = 10000;
    char *body = malloc(big + 256);
    assert_non_null(body);
    char *fill = malloc(big + 1);
    assert_non_null(fill);
    memset(fill, 'k', big);
    fill[big] = '\0';
    snprintf(body, big + 256,
             REC("\"Data\":\"YQ==\",\"PartitionKey\":\"%s\",\"SequenceNumber\":\"1\""), fill);
    expect_bad_records(body, "invalid PartitionKey");
    memset(fill, '7', 300);
    fill[300] = '\0';
    snprintf(body, big + 256,
             REC("\"Data\":\"YQ==\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"%s\""), fill);
    expect_bad_records(body, "invalid SequenceNumber");
    memset(fill, 'i', 5000);
    fill[5000] = '\0';
    snprintf(body, big + 256, "{\"NextShardIterator\":\"%s\"}", fill);
    expect_bad_records(body, "invalid NextShardIterator");
    free(fill);
    free(body);

    /* 10001 records are more than the API allows. */
    size_t n = 10001;
    const char *rec = "{\"Data\":\"\",\"PartitionKey\":\"k\",\"SequenceNumber\":\"1\"},";
    body = malloc(n * strlen(rec) + 64);
    assert_non_null(body);
    strcpy(body, "{\"Records\":[");
    size_t len = strlen(body);
    for (size_t i = 0; i < n; i++) {
        memcpy(body + len, rec, strlen(rec));
        len += strlen(rec);
    }
    body[len - 1] = ']';
    body[len++] = '}';
    body[len] = '\0';
    expect_bad_records(body, "more than 10000 records");
    free(body);

    /* Larger than CD_KINESIS_MAX_RESPONSE is refused without parsing. */
    cd_kinesis_records_t r;
    char err[256];
    assert_int_equal(
        cd_kinesis_parse_get_records("{}", CD_KINESIS_MAX_RESPONSE + 1, &r, err, sizeof(err)),
        CD_KINESIS_ERR_FATAL);
    assert_non_null(strstr(err, "larger than"));
}

static void test_list_shards(void **state)
{
    (void)state;
    static const char page1[] =
        "{\"Shards\":[{\"ShardId\":\"shardId-000000000000\",\"ParentShardId\":null,"
        "\"AdjacentParentShardId\":null,\"HashKeyRange\":{\"StartingHashKey\":\"0\","
        "\"EndingHashKey\":\"170141183460469231731687303715884105727\"},"
        "\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"4965\","
        "\"EndingSequenceNumber\":\"9223372036854775807\"}}],"
        "\"NextToken\":\"s1::shardId-000000000000\"}";
    static const char page2[] =
        "{\"Shards\":[{\"ShardId\":\"shardId-000000000002\",\"ParentShardId\":"
        "\"shardId-000000000000\",\"AdjacentParentShardId\":\"shardId-000000000001\","
        "\"HashKeyRange\":{\"StartingHashKey\":\"0\",\"EndingHashKey\":\"5\"},"
        "\"SequenceNumberRange\":{\"StartingSequenceNumber\":\"5000\","
        "\"EndingSequenceNumber\":null}}],\"NextToken\":null}";
    cd_kinesis_shard_list_t list = {0};
    char *token = NULL;
    char err[512];
    assert_int_equal(cd_kinesis_parse_list_shards(S(page1), &list, &token, err, sizeof(err)),
                     CD_KINESIS_OK);
    assert_string_equal(token, "s1::shardId-000000000000");
    free(token);
    assert_int_equal(cd_kinesis_parse_list_shards(S(page2), &list, &token, err, sizeof(err)),
                     CD_KINESIS_OK);
    assert_null(token);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.shards[0].shard_id, "shardId-000000000000");
    assert_null(list.shards[0].parent_shard_id);
    assert_null(list.shards[0].adjacent_parent_shard_id);
    assert_string_equal(list.shards[0].ending_hash_key, "170141183460469231731687303715884105727");
    assert_string_equal(list.shards[0].ending_sequence_number, "9223372036854775807");
    assert_string_equal(list.shards[1].parent_shard_id, "shardId-000000000000");
    assert_string_equal(list.shards[1].adjacent_parent_shard_id, "shardId-000000000001");
    assert_string_equal(list.shards[1].starting_sequence_number, "5000");
    assert_null(list.shards[1].ending_sequence_number);

    /* Empty page, absent token, empty token. */
    assert_int_equal(
        cd_kinesis_parse_list_shards(S("{\"Shards\":[]}"), &list, &token, err, sizeof(err)),
        CD_KINESIS_OK);
    assert_null(token);
    assert_int_equal(cd_kinesis_parse_list_shards(S("{\"Shards\":null,\"NextToken\":\"\"}"), &list,
                                                  &token, err, sizeof(err)),
                     CD_KINESIS_OK);
    assert_null(token);
    assert_int_equal(list.count, 2);

    /* A bad page leaves the list as it was. */
    static const char bad[] = "{\"Shards\":[{\"ShardId\":\"ok\"},{\"ShardId\":7}]}";
    assert_int_equal(cd_kinesis_parse_list_shards(S(bad), &list, &token, err, sizeof(err)),
                     CD_KINESIS_ERR_FATAL);
    assert_non_null(strstr(err, "Shards[1]: ShardId is not a string"));
    assert_int_equal(list.count, 2);
    assert_null(token);
    const char *bads[] = {
        "{\"Shards\":{}}",
        "{\"Shards\":[{}]}",
        "{\"Shards\":[{\"ShardId\":\"a\",\"HashKeyRange\":[]}]}",
        "{\"Shards\":[{\"ShardId\":\"a\",\"HashKeyRange\":{\"StartingHashKey\":\"-1\"}}]}",
        "{\"Shards\":[{\"ShardId\":\"a\",\"SequenceNumberRange\":{\"StartingSequenceNumber\":1}}]}",
        "{\"Shards\":[{\"ShardId\":\"a\",\"SequenceNumberRange\":{\"EndingSequenceNumber\":\"x\"}}]"
        "}",
        "{\"Shards\":[],\"NextToken\":5}",
        "{\"Shards\":[]",
        "7",
    };
    for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
        if (cd_kinesis_parse_list_shards(bads[i], strlen(bads[i]), &list, &token, err,
                                         sizeof(err)) != CD_KINESIS_ERR_FATAL)
            fail_msg("accepted %s", bads[i]);
        assert_int_equal(list.count, 2);
        assert_null(token);
    }
    cd_kinesis_shard_list_clear(&list);
    assert_null(list.shards);
}

static void test_list_shards_cap(void **state)
{
    (void)state;
    /* Pages of 1000 shards up to 100000; one more is refused. */
    const size_t per = 1000;
    size_t cap = per * 40 + 64;
    char *body = malloc(cap);
    assert_non_null(body);
    size_t len = (size_t)snprintf(body, cap, "{\"Shards\":[");
    for (size_t i = 0; i < per; i++)
        len +=
            (size_t)snprintf(body + len, cap - len, "%s{\"ShardId\":\"s-%zu\"}", i ? "," : "", i);
    len += (size_t)snprintf(body + len, cap - len, "]}");
    cd_kinesis_shard_list_t list = {0};
    char err[256];
    for (int p = 0; p < 100; p++)
        assert_int_equal(cd_kinesis_parse_list_shards(body, len, &list, NULL, err, sizeof(err)),
                         CD_KINESIS_OK);
    assert_int_equal(list.count, 100000);
    assert_int_equal(cd_kinesis_parse_list_shards(S("{\"Shards\":[{\"ShardId\":\"x\"}]}"), &list,
                                                  NULL, err, sizeof(err)),
                     CD_KINESIS_ERR_FATAL);
    assert_non_null(strstr(err, "more than 100000 shards"));
    assert_int_equal(list.count, 100000);
    cd_kinesis_shard_list_clear(&list);
    free(body);
}

typedef struct class_case_s {
    long status;
    const char *header;
    const char *body;
    cd_kinesis_err_t expected;
    const char *text;
} class_case_t;

static void test_classify_error(void **state)
{
    (void)state;
    static const class_case_t cases[] = {
        {400, NULL,
         "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Stream s under account "
         "000000000000 not found.\"}",
         CD_KINESIS_ERR_NOT_FOUND,
         "ResourceNotFoundException: Stream s under account 000000000000 not found. (Service: "
         "Kinesis, Status Code: 400, Operation: GetRecords)"},
        {400, NULL,
         "{\"__type\":\"com.amazonaws.kinesis#ProvisionedThroughputExceededException:http://x/\","
         "\"Message\":\"Rate exceeded\"}",
         CD_KINESIS_ERR_THROTTLED,
         "ProvisionedThroughputExceededException: Rate exceeded (Service: Kinesis, Status Code: "
         "400, Operation: GetRecords)"},
        {400, NULL, "{\"__type\":\"LimitExceededException\"}", CD_KINESIS_ERR_THROTTLED,
         "LimitExceededException: HTTP 400 (Service: Kinesis, Status Code: 400, Operation: "
         "GetRecords)"},
        {400, NULL, "{\"__type\":\"KMSThrottlingException\"}", CD_KINESIS_ERR_THROTTLED, NULL},
        {400, NULL, "{\"__type\":\"ThrottlingException\"}", CD_KINESIS_ERR_THROTTLED, NULL},
        {400, NULL, "{\"__type\":\"Throttling\"}", CD_KINESIS_ERR_THROTTLED, NULL},
        {429, NULL, "{\"__type\":\"TooManyRequestsException\"}", CD_KINESIS_ERR_THROTTLED, NULL},
        {400, NULL, "{\"__type\":\"RequestLimitExceeded\"}", CD_KINESIS_ERR_THROTTLED, NULL},
        {429, NULL, "", CD_KINESIS_ERR_THROTTLED, NULL},
        {400, NULL, "{\"__type\":\"ExpiredIteratorException\",\"message\":\"Iterator expired\"}",
         CD_KINESIS_ERR_EXPIRED_ITERATOR, NULL},
        {400, NULL, "{\"__type\":\"ExpiredNextTokenException\"}", CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN,
         NULL},
        {400, NULL, "{\"__type\":\"ResourceInUseException\"}", CD_KINESIS_ERR_IN_USE, NULL},
        {400, NULL, "{\"__type\":\"InvalidArgumentException\"}", CD_KINESIS_ERR_INVALID_ARGUMENT,
         NULL},
        {400, NULL, "{\"__type\":\"ValidationException\"}", CD_KINESIS_ERR_INVALID_ARGUMENT, NULL},
        {400, NULL, "{\"__type\":\"AccessDeniedException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {400, NULL, "{\"__type\":\"UnrecognizedClientException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {403, NULL, "{\"__type\":\"InvalidSignatureException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {400, NULL, "{\"__type\":\"IncompleteSignatureException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {403, NULL, "{\"__type\":\"MissingAuthenticationTokenException\"}", CD_KINESIS_ERR_AUTH,
         NULL},
        {400, NULL, "{\"__type\":\"ExpiredTokenException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {400, NULL, "{\"__type\":\"KMSAccessDeniedException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {400, NULL, "{\"__type\":\"KMSDisabledException\"}", CD_KINESIS_ERR_AUTH, NULL},
        {403, NULL, "<html>Forbidden</html>", CD_KINESIS_ERR_AUTH,
         "UnknownError: <html>Forbidden</html> (Service: Kinesis, Status Code: 403, Operation: "
         "GetRecords)"},
        {401, NULL, NULL, CD_KINESIS_ERR_AUTH, NULL},
        {500, NULL, "{\"__type\":\"InternalFailure\"}", CD_KINESIS_ERR_TRANSIENT, NULL},
        {503, NULL, "{\"__type\":\"ServiceUnavailableException\"}", CD_KINESIS_ERR_TRANSIENT, NULL},
        {502, NULL, "Bad Gateway", CD_KINESIS_ERR_TRANSIENT,
         "InternalFailure: Bad Gateway (Service: Kinesis, Status Code: 502, Operation: "
         "GetRecords)"},
        {504, NULL, "{\"__type\":\"SomethingNew\"}", CD_KINESIS_ERR_TRANSIENT, NULL},
        {400, NULL, "{\"__type\":\"SomethingNewException\",\"message\":\"x\"}",
         CD_KINESIS_ERR_FATAL, NULL},
        {404, NULL, "{\"__type\":\"UnknownOperationException\"}", CD_KINESIS_ERR_FATAL, NULL},
        {400, NULL, "not json", CD_KINESIS_ERR_FATAL,
         "UnknownError: not json (Service: Kinesis, Status Code: 400, Operation: GetRecords)"},
        /* The header wins over the body, with its prefix and suffix stripped. */
        {400, "aws.protocoltests#ExpiredIteratorException:http://internal.amazon.com/",
         "{\"__type\":\"ResourceNotFoundException\",\"message\":\"m\"}",
         CD_KINESIS_ERR_EXPIRED_ITERATOR,
         "ExpiredIteratorException: m (Service: Kinesis, Status Code: 400, Operation: "
         "GetRecords)"},
        {400, "  ResourceInUseException  ", NULL, CD_KINESIS_ERR_IN_USE, NULL},
        /* `code` when there is no __type; control characters in the message are replaced. */
        {400, NULL, "{\"code\":\"AccessDenied\",\"message\":\"a\\nb\"}", CD_KINESIS_ERR_AUTH,
         "AccessDenied: a b (Service: Kinesis, Status Code: 400, Operation: GetRecords)"},
        /* __type of the wrong JSON type is ignored. */
        {400, NULL, "{\"__type\":5,\"message\":\"m\"}", CD_KINESIS_ERR_FATAL,
         "UnknownError: m (Service: Kinesis, Status Code: 400, Operation: GetRecords)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const class_case_t *c = &cases[i];
        char err[1024] = "";
        cd_kinesis_err_t rc =
            cd_kinesis_classify_error("GetRecords", c->status, c->header, c->body,
                                      c->body ? strlen(c->body) : 0, err, sizeof(err));
        if (rc != c->expected)
            fail_msg("case %zu (%s): got %s, want %s (%s)", i, c->body ? c->body : "(null)",
                     cd_kinesis_err_name(rc), cd_kinesis_err_name(c->expected), err);
        if (c->text && strcmp(err, c->text) != 0)
            fail_msg("case %zu: text '%s', want '%s'", i, err, c->text);
        assert_non_null(strstr(err, "(Service: Kinesis, Status Code: "));
    }
    /* A long message is bounded. */
    char body[4096];
    memset(body, 'm', sizeof(body));
    memcpy(body, "{\"message\":\"", 12);
    memcpy(body + sizeof(body) - 2, "\"}", 2);
    char err[2048];
    cd_kinesis_classify_error("ListShards", 400, NULL, body, sizeof(body), err, sizeof(err));
    assert_true(strlen(err) < 700);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(cd_kinesis_err_name(CD_KINESIS_OK), "ok");
    assert_string_equal(cd_kinesis_err_name(CD_KINESIS_ERR_THROTTLED), "throttled");
    assert_string_equal(cd_kinesis_err_name(CD_KINESIS_ERR_AUTH), "auth");
    assert_string_equal(cd_kinesis_iterator_type_name(CD_KINESIS_AFTER_SEQUENCE_NUMBER),
                        "AFTER_SEQUENCE_NUMBER");
    assert_string_equal(cd_kinesis_iterator_type_name(CD_KINESIS_AT_TIMESTAMP), "AT_TIMESTAMP");
}

static void test_client_config_checks(void **state)
{
    (void)state;
    char err[512];
    cd_kinesis_client_config_t cfg = {.endpoint = "http://127.0.0.1:1",
                                      .region = "us-east-1",
                                      .access_key_id = "AKID",
                                      .secret_access_key = "s"};
    cd_kinesis_client_t *c = cd_kinesis_client_new(&cfg, err, sizeof(err));
    assert_non_null(c);
    /* Nothing listens on port 1: a transport error, classified transient. */
    cd_kinesis_records_t r;
    assert_int_equal(cd_kinesis_get_records(c, "it", 0, &r, err, sizeof(err)),
                     CD_KINESIS_ERR_INVALID_ARGUMENT);
    json_t *resp = NULL;
    cd_kinesis_err_t rc = cd_kinesis_call(c, "ListStreams", NULL, &resp, err, sizeof(err));
    assert_int_equal(rc, CD_KINESIS_ERR_TRANSIENT);
    assert_null(resp);
    assert_non_null(strstr(err, "ListStreams failed: "));
    cd_kinesis_client_destroy(c);
    cfg.region = NULL;
    assert_null(cd_kinesis_client_new(&cfg, err, sizeof(err)));
    cfg.region = "us east";
    assert_null(cd_kinesis_client_new(&cfg, err, sizeof(err)));
    cfg.region = "us-east-1";
    cfg.endpoint = "ftp://x";
    assert_null(cd_kinesis_client_new(&cfg, err, sizeof(err)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_records_basic),
        cmocka_unit_test(test_get_records_binary_data),
        cmocka_unit_test(test_get_records_closed_shard),
        cmocka_unit_test(test_get_records_malformed),
        cmocka_unit_test(test_get_records_huge_fields),
        cmocka_unit_test(test_list_shards),
        cmocka_unit_test(test_list_shards_cap),
        cmocka_unit_test(test_classify_error),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_client_config_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
