/**
 * @file record.h
 * @brief Connect records and their headers (ConnectRecord, SourceRecord,
 *        SinkRecord, Headers).
 */
#ifndef CONNECTD_RECORD_H
#define CONNECTD_RECORD_H

#include <connectd/data.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An ordered list of headers; keys may repeat, as Java's ConnectHeaders. */
typedef struct cd_headers_s cd_headers_t;

cd_headers_t *cd_headers_new(void);
void cd_headers_destroy(cd_headers_t *headers);
cd_headers_t *cd_headers_copy(const cd_headers_t *headers);
/** @brief Appends a header; refs @p schema (may be NULL), takes @p value (may be NULL). */
void cd_headers_add(cd_headers_t *headers, const char *key, const cd_schema_t *schema,
                    cd_value_t *value);
size_t cd_headers_count(const cd_headers_t *headers);
const char *cd_headers_key_at(const cd_headers_t *headers, size_t i);
const cd_schema_t *cd_headers_schema_at(const cd_headers_t *headers, size_t i);
const cd_value_t *cd_headers_value_at(const cd_headers_t *headers, size_t i);
/** @returns the index of the last header named @p key, or -1. */
long cd_headers_last_index(const cd_headers_t *headers, const char *key);
/** @brief Removes every header named @p key. @returns how many were removed. */
size_t cd_headers_remove(cd_headers_t *headers, const char *key);

/** No Kafka partition chosen (Java's null Integer). */
#define CD_PARTITION_NONE (-1)
/** No timestamp (Java's null Long). */
#define CD_TIMESTAMP_NONE INT64_MIN

/** A record flowing through a connector, transforms and converters. */
typedef struct cd_record_s cd_record_t;

/** @brief A new record for @p topic: no key, no value, no partition, no timestamp. */
cd_record_t *cd_record_new(const char *topic);
void cd_record_destroy(cd_record_t *record);
cd_record_t *cd_record_copy(const cd_record_t *record);

const char *cd_record_topic(const cd_record_t *record);
void cd_record_set_topic(cd_record_t *record, const char *topic);
int32_t cd_record_partition(const cd_record_t *record);
void cd_record_set_partition(cd_record_t *record, int32_t partition);
int64_t cd_record_timestamp(const cd_record_t *record);
void cd_record_set_timestamp(cd_record_t *record, int64_t timestamp_ms);

const cd_schema_t *cd_record_key_schema(const cd_record_t *record);
const cd_value_t *cd_record_key(const cd_record_t *record);
/** @brief Replaces the key; refs @p schema, takes @p value. */
void cd_record_set_key(cd_record_t *record, const cd_schema_t *schema, cd_value_t *value);
const cd_schema_t *cd_record_value_schema(const cd_record_t *record);
const cd_value_t *cd_record_value(const cd_record_t *record);
/** @brief Replaces the value; refs @p schema, takes @p value. */
void cd_record_set_value(cd_record_t *record, const cd_schema_t *schema, cd_value_t *value);
cd_headers_t *cd_record_headers(cd_record_t *record);
const cd_headers_t *cd_record_headers_const(const cd_record_t *record);

/** Source records: the source partition and offset maps (MAP values with string keys). */
const cd_value_t *cd_record_source_partition(const cd_record_t *record);
const cd_value_t *cd_record_source_offset(const cd_record_t *record);
/** @brief Sets both; takes them. */
void cd_record_set_source_position(cd_record_t *record, cd_value_t *partition, cd_value_t *offset);
/** @brief Moves the source partition and offset out of @p record (which keeps none):
 *         the caller owns them. Lets the worker keep them without copying. */
void cd_record_take_source_position(cd_record_t *record, cd_value_t **partition,
                                    cd_value_t **offset);
/** Sink records: the Kafka offset the record was read at (-1 if none). */
int64_t cd_record_kafka_offset(const cd_record_t *record);
void cd_record_set_kafka_offset(cd_record_t *record, int64_t offset);

#ifdef __cplusplus
}
#endif
#endif
