/**
 * @file kafka_backing_stores.h
 * @brief The offsets topic (KafkaOffsetBackingStore) and the status topic
 *        (KafkaStatusBackingStore) behind the store interfaces the worker
 *        already uses (offset_store.h, status.h), so tasks and the herder do not
 *        know whether they run standalone or distributed.
 */
#ifndef CONNECTD_STORAGE_KAFKA_BACKING_STORES_H
#define CONNECTD_STORAGE_KAFKA_BACKING_STORES_H

#include "../worker/offset_store.h"
#include "../worker/status.h"
#include "../worker/worker_config.h"

/**
 * @brief The offsets store on offset.storage.topic (offset.storage.partitions,
 * offset.storage.replication.factor, offset.storage.* topic settings). Started:
 * the topic is created/verified and read to the end. get() reads to the end first;
 * set() produces one record per entry (key/value bytes as given) and waits for the acks.
 * @returns NULL with Java's error text (e.g. a topic that is not compact).
 */
cd_offset_store_t *cd_kafka_offset_store_open(const cd_worker_config_t *wc, char *errstr,
                                              size_t errstr_size);

/**
 * @brief The status store on status.storage.topic. Every cd_status_store_* call of
 * status.h works on it: puts write status-connector-/status-task-/status-topic-
 * records (STATUS_SCHEMA_V0 / TOPIC_STATUS_SCHEMA_V0 values, DESTROYED as a tombstone,
 * FAILED and UNASSIGNED with Java's putSafe rule) and update the cache; records read
 * from the topic (any worker's) update the cache with Java's reader rules.
 * Started: the topic is created/verified and read to the end.
 * @returns NULL with Java's error text.
 */
cd_status_store_t *cd_kafka_status_store_open(const cd_worker_config_t *wc, char *errstr,
                                              size_t errstr_size);

/* ---- Status topic codecs (KafkaStatusBackingStore), exposed for tests and fuzzing. */

/** Kinds of status-topic keys (cd_status_key_parse). */
typedef enum cd_status_key_kind_e {
    CD_STATUS_KEY_INVALID,   /**< Java logs and discards the record */
    CD_STATUS_KEY_CONNECTOR, /**< status-connector-<connector> */
    CD_STATUS_KEY_TASK,      /**< status-task-<connector>-<task> */
    CD_STATUS_KEY_TOPIC,     /**< status-topic-<topic>:connector-<connector> */
} cd_status_key_kind_t;

/** Longest status-topic key and value accepted (bytes). */
#define CD_STATUS_MAX_KEY ((size_t)65536)
#define CD_STATUS_MAX_VALUE ((size_t)(16 * 1024 * 1024))

/**
 * @brief Parses a key as KafkaStatusBackingStore does (task keys: String.split("-"), last
 * part = Integer.parseInt task, the middle parts = connector; topic keys: the first ':'
 * ends the topic, the connector starts 11 characters later). *connector and *topic are
 * malloc'd (NULL when not part of the kind). Never fails on malformed input.
 */
cd_status_key_kind_t cd_status_key_parse(const uint8_t *key, size_t key_len, char **connector,
                                         int *task, char **topic);

/** @brief STATUS_SCHEMA_V0 bytes as Java's JsonConverter (schemas.enable=false) writes them:
 *  {"state":..,"trace":..|null,"worker_id":..,"generation":int32,"version":..|null}
 *  (Kafka 4.x added the optional "version" field to STATUS_SCHEMA_V0). @returns malloc'd, or NULL.
 */
uint8_t *cd_status_value_serialize(const cd_status_t *status, size_t *len);
/** @brief Parses a status value with Java's casts (state a State name, trace/worker_id
 *  strings or null, generation an integer (Long)). Fills state/trace/worker_id/generation
 *  of @p out (connector/task untouched). @returns 0, or -1 if Java would discard it. */
int cd_status_value_parse(const uint8_t *value, size_t len, cd_status_t *out);

/** @brief TOPIC_STATUS_SCHEMA_V0 bytes: {"topic":{"name","connector","task","discoverTimestamp"}}.
 */
uint8_t *cd_topic_status_value_serialize(const char *topic, const char *connector, int task,
                                         int64_t discover_ts_ms, size_t *len);
/** @brief Parses a topic status value (Java's parseTopicStatus). @returns 0 (strings
 *  malloc'd), or -1. */
int cd_topic_status_value_parse(const uint8_t *value, size_t len, char **topic, char **connector,
                                int *task, int64_t *discover_ts_ms);

#endif
