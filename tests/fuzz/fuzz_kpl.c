/**
 * @file fuzz_kpl.c
 * @brief libFuzzer target for connectors/kinesis/kinesis_kpl. The first input byte picks
 *        the mode: odd → the rest is a protobuf body wrapped with the magic and a valid MD5
 *        (so the fuzzer reaches the protobuf reader), even → the rest is a raw blob.
 *        Invariants: 0/1 only (never -1 without OOM), nothing out on pass-through, the
 *        record-count bound, and builder(de-aggregated records) de-aggregates to the same
 *        records; the hash-range filter runs on every record.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "connectors/kinesis/kinesis_kpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const cd_kpl_user_record_t *a, const cd_kpl_user_record_t *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (strcmp(a[i].partition_key, b[i].partition_key) != 0 ||
            (a[i].explicit_hash_key == NULL) != (b[i].explicit_hash_key == NULL) ||
            (a[i].explicit_hash_key &&
             strcmp(a[i].explicit_hash_key, b[i].explicit_hash_key) != 0) ||
            a[i].data_len != b[i].data_len ||
            (a[i].data_len && memcmp(a[i].data, b[i].data, a[i].data_len) != 0))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cd_kpl_user_record_t *recs = NULL;
    cd_kpl_user_record_t *again = NULL;
    size_t count = 0, count2 = 0, len = 0, blob_len, i;
    unsigned char *blob, *built;
    unsigned int md_len;
    int rc;

    if (size < 1)
        return 0;
    if (data[0] & 1) {
        blob_len = 4 + (size - 1) + 16;
        blob = malloc(blob_len);
        if (!blob)
            return 0;
        memcpy(blob, "\xF3\x89\x9A\xC2", 4);
        memcpy(blob + 4, data + 1, size - 1);
        if (EVP_Digest(data + 1, size - 1, blob + 4 + size - 1, &md_len, EVP_md5(), NULL) != 1)
            abort();
    } else {
        blob_len = size - 1;
        blob = malloc(blob_len + 1);
        if (!blob)
            return 0;
        memcpy(blob, data + 1, blob_len);
    }
    rc = cd_kpl_deaggregate(blob, blob_len, &recs, &count);
    free(blob);
    if (rc == 0) {
        if (recs || count)
            abort();
        return 0;
    }
    if (rc != 1 || count > CD_KPL_MAX_USER_RECORDS)
        abort();
    for (i = 0; i < count; i++) {
        (void)cd_kpl_in_hash_range(&recs[i], "0", "340282366920938463463374607431768211455");
        if (recs[i].explicit_hash_key)
            (void)cd_kpl_in_hash_range(&recs[i], recs[i].explicit_hash_key, recs[i].partition_key);
    }
    built = cd_kpl_aggregate(recs, count, &len);
    if (!built)
        abort();
    rc = cd_kpl_deaggregate(built, len, &again, &count2);
    /* Zero records rebuild to an empty body: 20 bytes, which passes through. */
    if (count == 0 ? rc != 0 : (rc != 1 || count2 != count))
        abort();
    check_same(recs, again, count2);
    cd_kpl_user_records_free(again, count2);
    free(built);
    cd_kpl_user_records_free(recs, count);
    return 0;
}
