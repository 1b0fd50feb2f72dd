/**
 * @file kafka_log.h
 * @brief A compacted Kafka topic read and written as a log (Java's
 *        KafkaBasedLog + KafkaTopicBasedBackingStore): creates or verifies the
 *        topic, produces with acks=all / max.in.flight=1 / idempotence off /
 *        murmur2 partitioner, consumes every partition by manual assignment
 *        (never commits) on a work thread of its own, and reads to the end on
 *        demand. The three internal-topic stores are built on it.
 *
 * Callbacks run on the log's work thread, in offset order per partition.
 */
#ifndef CONNECTD_STORAGE_KAFKA_LOG_H
#define CONNECTD_STORAGE_KAFKA_LOG_H

#include "../worker/worker_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cd_kafka_log_s cd_kafka_log_t;

/** One consumed record. key/value NULL = null (value NULL = tombstone). */
typedef struct cd_kafka_log_record_s {
    const char *topic;
    int32_t partition;
    int64_t offset;
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
} cd_kafka_log_record_t;

typedef void(cd_kafka_log_consume_fn)(void *opaque, const cd_kafka_log_record_t *record);

/** How the log's topic is created when missing (TopicAdmin.defineTopic). */
typedef struct cd_kafka_log_topic_s {
    const char *name;
    int32_t partitions;         /**< -1 = broker default */
    int16_t replication_factor; /**< -1 = broker default */
    /** Extra topic configs (the config.storage.* / offset.storage.* / status.storage.*
     *  settings, already stripped of topic/partitions/replication.factor/cleanup.policy);
     *  may be NULL. cleanup.policy=compact is always added. */
    const cd_properties_t *settings;
    /** The config topic: start fails if the topic has more than one partition. */
    bool require_single_partition;
    /** Human name for error messages: "configuration", "offset", "status". */
    const char *purpose;
} cd_kafka_log_topic_t;

/**
 * @brief Creates (does not start) a log. Producer and consumer get the worker's
 * originals (cd_kafka_conf_apply_java) plus @p producer_overrides /
 * @p consumer_overrides (Java names, may be NULL) plus the forced settings above.
 * @p client_id_suffix: "configs", "offsets", "statuses" (client.id =
 * ConnectUtils.clientIdBase + suffix). @p read_only: no producer.
 */
cd_kafka_log_t *cd_kafka_log_new(const cd_worker_config_t *wc, const cd_kafka_log_topic_t *topic,
                                 const char *client_id_suffix,
                                 const cd_properties_t *producer_overrides,
                                 const cd_properties_t *consumer_overrides, bool read_only,
                                 cd_kafka_log_consume_fn *consume, void *opaque, char *errstr,
                                 size_t errstr_size);

/**
 * @brief KafkaBasedLog.start: creates the topic (retrying retriable errors up to
 * default.api.timeout.ms) or verifies an existing one (cleanup.policy exactly
 * "compact", else Java's ConfigException text; single partition when required),
 * assigns all partitions from the beginning, reads to the end (the callback sees
 * every record), then starts the work thread.
 * @returns 0, or -1 with Java's error text.
 */
int cd_kafka_log_start(cd_kafka_log_t *log, char *errstr, size_t errstr_size);

/**
 * @brief Flushes this log's producer, then waits until the work thread has consumed
 * every partition up to the end offsets (ListOffsets latest) read now.
 * @returns 0, or -1 on timeout / error.
 */
int cd_kafka_log_read_to_end(cd_kafka_log_t *log, int64_t timeout_ms, char *errstr,
                             size_t errstr_size);

/** Delivery report for cd_kafka_log_send: err NULL on success. Runs on a librdkafka thread. */
typedef void(cd_kafka_log_sent_fn)(void *opaque, const char *err);

/** @brief Produces one record asynchronously (partition by murmur2 of the key, as Java).
 *  @p sent may be NULL. @returns 0 if queued, -1 with errstr. */
int cd_kafka_log_send(cd_kafka_log_t *log, const uint8_t *key, size_t key_len, const uint8_t *value,
                      size_t value_len, cd_kafka_log_sent_fn *sent, void *sent_opaque, char *errstr,
                      size_t errstr_size);

/** @brief Produces records and waits until all are acknowledged (or the first fails).
 *  Each entry: key/value as in cd_kafka_log_send. @returns 0 or -1 with errstr. */
typedef struct cd_kafka_log_entry_s {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value; /**< NULL = tombstone */
    size_t value_len;
} cd_kafka_log_entry_t;
int cd_kafka_log_send_sync(cd_kafka_log_t *log, const cd_kafka_log_entry_t *entries, size_t count,
                           int64_t timeout_ms, char *errstr, size_t errstr_size);

/** @brief Waits for every record sent so far to be acknowledged. */
int cd_kafka_log_flush(cd_kafka_log_t *log, int64_t timeout_ms);

/** @returns the number of partitions of the topic (after start). */
int32_t cd_kafka_log_partitions(const cd_kafka_log_t *log);

/** @brief Stops the work thread, flushes, closes the clients and frees. NULL is fine. */
void cd_kafka_log_destroy(cd_kafka_log_t *log);

/** @brief ConnectUtils.clientIdBase: "<group.id>-" or "<group.id>-<client.id>-" (malloc'd). */
char *cd_kafka_log_client_id_base(const cd_worker_config_t *wc);

/** @brief DistributedConfig.topicSettings: the keys of the worker config under
 *  @p prefix ("config.storage.", ...) without topic/partitions/replication.factor/
 *  cleanup.policy. @returns new properties (caller destroys). */
cd_properties_t *cd_kafka_log_topic_settings(const cd_worker_config_t *wc, const char *prefix);

#endif
