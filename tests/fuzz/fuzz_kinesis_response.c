/*
 * fuzz_kinesis_response.c: libFuzzer target for the Kinesis response parsers
 * (connectors/kinesis/kinesis_client.c): any bytes as a GetRecords body, a
 * ListShards page (appended twice to one list, checking the invariants) and an
 * error body (the first byte picks the HTTP status, a prefix up to the first
 * newline is used as the X-Amzn-Errortype header).
 */
#include "connectors/kinesis/kinesis_client.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1024 * 1024)
        return 0;
    char err[1024];
    const char *body = (const char *)data;

    cd_kinesis_records_t r;
    if (cd_kinesis_parse_get_records(body, size, &r, err, sizeof(err)) == CD_KINESIS_OK) {
        for (size_t i = 0; i < r.count; i++) {
            if (!r.records[i].sequence_number || !r.records[i].partition_key ||
                !r.records[i].data || r.records[i].arrival_ms < -1)
                abort();
        }
        if (r.next_iterator && !*r.next_iterator)
            abort();
        for (size_t i = 0; i < r.child_count; i++)
            if (!r.children[i].shard_id)
                abort();
        if (r.response_bytes != size)
            abort();
    } else if (r.records || r.count || r.next_iterator || r.children) {
        abort(); /* a failed parse leaves nothing behind */
    }
    cd_kinesis_records_clear(&r);

    cd_kinesis_shard_list_t list = {0};
    for (int round = 0; round < 2; round++) {
        size_t before = list.count;
        char *token = NULL;
        cd_kinesis_err_t rc =
            cd_kinesis_parse_list_shards(body, size, &list, &token, err, sizeof(err));
        if (rc != CD_KINESIS_OK && (list.count != before || token))
            abort();
        if (token && !*token)
            abort();
        free(token);
        for (size_t i = 0; i < list.count; i++)
            if (!list.shards[i].shard_id)
                abort();
    }
    cd_kinesis_shard_list_clear(&list);

    long status = size > 0 ? 400 + (long)(data[0] % 200) : 400;
    const uint8_t *nl = size > 0 ? memchr(data, '\n', size < 300 ? size : 300) : NULL;
    char header[301];
    const char *hdr = NULL;
    if (nl) {
        size_t hl = (size_t)(nl - data);
        memcpy(header, data, hl);
        header[hl] = '\0';
        hdr = header;
    }
    err[0] = '\0';
    cd_kinesis_err_t cls =
        cd_kinesis_classify_error("GetRecords", status, hdr, body, size, err, sizeof(err));
    if (cls == CD_KINESIS_OK || !strstr(err, "(Service: Kinesis, Status Code: "))
        abort();
    return 0;
}
