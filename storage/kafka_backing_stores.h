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

#endif
