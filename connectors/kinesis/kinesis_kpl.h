/**
 * @file kinesis_kpl.h
 * @brief De-aggregation of Kinesis Producer Library (KPL) aggregated records.
 *
 * Format (awslabs/amazon-kinesis-producer aggregation-format.md):
 *   [4-byte magic F3 89 9A C2][protobuf AggregatedRecord][16-byte MD5 of the protobuf]
 * AggregatedRecord { 1: repeated string partition_key_table;
 *                    2: repeated string explicit_hash_key_table;
 *                    3: repeated Record records; }
 * Record { 1: required uint64 partition_key_index; 2: optional uint64 explicit_hash_key_index;
 *          3: required bytes data; 4: repeated Tag tags; }
 * A blob is treated as aggregated only when it is longer than 4 + 16 bytes, starts with the
 * magic, the MD5 matches and the protobuf parses with every index in range (KCL's rule);
 * anything else passes through unchanged, never an error.
 */
#ifndef CONNECTD_KINESIS_KPL_H
#define CONNECTD_KINESIS_KPL_H

#include <stdbool.h>
#include <stddef.h>

/** One user record of an aggregate. Strings and data are malloc'd copies. */
typedef struct cd_kpl_user_record_s {
    char *partition_key;
    char *explicit_hash_key; /**< NULL when the record has none */
    unsigned char *data;
    size_t data_len;
} cd_kpl_user_record_t;

/** Largest number of user records accepted in one aggregate (bounds memory). */
#define CD_KPL_MAX_USER_RECORDS 100000

/**
 * @brief De-aggregates @p blob.
 * @returns 1 with the user records in *out / *count (sub-sequence numbers are their indexes),
 *          0 when @p blob is not a valid aggregate (pass it through as one record),
 *          -1 on out of memory.
 */
int cd_kpl_deaggregate(const unsigned char *blob, size_t len, cd_kpl_user_record_t **out,
                       size_t *count);
void cd_kpl_user_records_free(cd_kpl_user_record_t *records, size_t count);

/**
 * @brief KCL's shard filter: the user record's effective hash key (the explicit hash key,
 *        else MD5(partition key) as an unsigned 128-bit big-endian number) lies within
 *        [@p starting_hash_key, @p ending_hash_key] (decimal strings, up to 39 digits).
 * @returns true when inside (or when a bound does not parse: never drop on bad input).
 */
bool cd_kpl_in_hash_range(const cd_kpl_user_record_t *record, const char *starting_hash_key,
                          const char *ending_hash_key);

/**
 * @brief Builds an aggregate (for tests, benchmarks and the demo tooling): partition keys
 *        are interned into the table in order of first use.
 * @returns a malloc'd blob (*len set), or NULL on out of memory.
 */
unsigned char *cd_kpl_aggregate(const cd_kpl_user_record_t *records, size_t count, size_t *len);

#endif
