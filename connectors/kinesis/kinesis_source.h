/**
 * @file kinesis_source.h
 * @brief Internals shared by the Kinesis source connector and task
 *        (kinesis_source_connector.c, kinesis_source_task.c) and their unit tests.
 *
 * Registered as io.confluent.connect.kinesis.KinesisSourceConnector (aliases
 * KinesisSourceConnector, KinesisSource) with the Confluent connector's keys.
 *
 * Records: topic `kafka.topic`; key = the PartitionKey (STRING schema); value = the
 * Data bytes (BYTES schema); timestamp = ApproximateArrivalTimestamp in ms (the
 * wall clock when absent); source partition
 *   {"kinesis.stream.name": <stream>, "kinesis.shard.id": <shard id>}
 * and source offset
 *   {"kinesis.sequence.number": "<the record's own sequence number>"}
 * plus "kinesis.sub.sequence.number": <n> (a long) for a user record of a
 * de-aggregated KPL aggregate. A task also looks up the older partition
 * {"kinesis.shard.id": <shard id>} when the new one has no offset.
 */
#ifndef CONNECTD_KINESIS_SOURCE_H
#define CONNECTD_KINESIS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "connectors/kinesis/kinesis_client.h"

typedef struct cd_properties_s cd_properties_t;

#define CD_KINESIS_CONNECTOR_CLASS "io.confluent.connect.kinesis.KinesisSourceConnector"

/* Confluent's configuration keys. */
#define CD_KINESIS_KAFKA_TOPIC "kafka.topic"
#define CD_KINESIS_STREAM "kinesis.stream"
#define CD_KINESIS_REGION "kinesis.region"
#define CD_KINESIS_POSITION "kinesis.position"
#define CD_KINESIS_SHARD_TIMESTAMP "kinesis.shard.timestamp"
#define CD_KINESIS_SHARD_ID "kinesis.shard.id"
#define CD_KINESIS_REGEX_TIMEOUT_MS "regex.timeout.ms"
#define CD_KINESIS_RECORD_LIMIT "kinesis.record.limit"
#define CD_KINESIS_EMPTY_RECORDS_BACKOFF_MS "kinesis.empty.records.backoff.ms"
#define CD_KINESIS_THROUGHPUT_EXCEEDED_BACKOFF_MS "kinesis.throughput.exceeded.backoff.ms"
#define CD_KINESIS_BASE_URL "kinesis.base.url"
#define CD_KINESIS_ACCESS_KEY_ID "aws.access.key.id"
#define CD_KINESIS_SECRET_KEY_ID "aws.secret.key.id"
#define CD_KINESIS_CREDENTIALS_PROVIDER "kinesis.credentials.provider.class"
#define CD_KINESIS_DEAGGREGATION "kinesis.record.deaggregation.enable"
#define CD_KINESIS_PROXY_URL "kinesis.proxy.url"
#define CD_KINESIS_PROXY_USERNAME "kinesis.proxy.username"
#define CD_KINESIS_PROXY_PASSWORD "kinesis.proxy.password"
#define CD_KINESIS_NON_PROXY_HOSTS "kinesis.non.proxy.hosts"
/** Internal: the shards a task reads (comma-separated), written by the connector. */
#define CD_KINESIS_SHARD_IDS "shard.ids"
/** connectd extension: how often the connector re-lists the shards. */
#define CD_KINESIS_SHARD_MONITOR_INTERVAL_MS "kinesis.shard.monitor.interval.ms"

/* Source partition / offset fields. */
#define CD_KINESIS_PARTITION_STREAM "kinesis.stream.name"
#define CD_KINESIS_PARTITION_SHARD "kinesis.shard.id"
#define CD_KINESIS_OFFSET_SEQUENCE "kinesis.sequence.number"
#define CD_KINESIS_OFFSET_SUB_SEQUENCE "kinesis.sub.sequence.number"

/** The connector's parsed configuration. Strings malloc'd. */
typedef struct cd_kinesis_source_config_s {
    char *topic;
    char *stream;
    char *region;                        /**< normalized ("us-east-1") */
    cd_kinesis_iterator_type_t position; /**< TRIM_HORIZON, LATEST or AT_TIMESTAMP */
    int64_t shard_timestamp_ms;          /**< AT_TIMESTAMP only */
    char *shard_id_regex;
    int32_t record_limit;
    int64_t empty_records_backoff_ms;
    int64_t throughput_exceeded_backoff_ms;
    int64_t shard_monitor_interval_ms;
    char *endpoint;          /**< resolved: kinesis.base.url, AWS_ENDPOINT_URL_KINESIS, ... */
    char *access_key_id;     /**< NULL when unset */
    char *secret_access_key; /**< NULL when unset */
    bool deaggregate;
    char *proxy_url; /**< NULL when unset */
    char *proxy_username;
    char *proxy_password;
    char *non_proxy_hosts; /**< comma list or NULL */
} cd_kinesis_source_config_t;

/** @brief Parses and validates @p props. @returns 0, or -1 with a ConfigException text. */
int cd_kinesis_source_config_parse(const cd_properties_t *props, cd_kinesis_source_config_t *out,
                                   char *errstr, size_t errstr_size);
void cd_kinesis_source_config_clear(cd_kinesis_source_config_t *config);

/**
 * @brief Parses kinesis.shard.timestamp: epoch milliseconds, or yyyy-MM-dd,
 *        yyyy-MM-dd'T'HH:mm:ss[.SSS][XXX] (no zone = UTC).
 * @returns 0, or -1 when it does not parse.
 */
int cd_kinesis_parse_timestamp(const char *text, int64_t *out_ms);

/**
 * @brief Spreads shards over at most @p max_tasks tasks, keeping each resharding family
 *        (shards linked by parent ids, among @p shards) in one task so a task can finish
 *        parents before it reads their children; families go, largest first, to the task
 *        with the fewest open shards. Deterministic for a given shard list.
 * @param selected  which shards match kinesis.shard.id (same indexes as @p shards).
 * @param task_of   out: task index per shard, -1 when not selected.
 * @returns the number of tasks used (0 when nothing is selected).
 */
int cd_kinesis_assign_shards(const cd_kinesis_shard_t *shards, const bool *selected, size_t count,
                             int max_tasks, int *task_of);

/** Client configuration from a parsed config and resolved credentials. */
struct cd_aws_credentials_s;
void cd_kinesis_source_client_config(const cd_kinesis_source_config_t *config,
                                     const struct cd_aws_credentials_s *creds,
                                     cd_kinesis_client_config_t *out);

#endif
