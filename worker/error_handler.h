/**
 * @file error_handler.h
 * @brief A task's error handling (Java's RetryWithToleranceOperator with its
 *        LogReporter and DeadLetterQueueReporter): `errors.retry.timeout`,
 *        `errors.retry.delay.max.ms`, `errors.tolerance`, `errors.log.enable`,
 *        `errors.log.include.messages`, and the dead-letter queue
 *        (`errors.deadletterqueue.topic.name`, `.topic.replication.factor`,
 *        `.context.headers.enable`) with the `__connect.errors.*` headers.
 *
 * Beyond Java: a source task may have a dead-letter queue too (the same three
 * keys, read by source tasks only when set; Java ignores them on sources). Its
 * records carry the failed SourceRecord's key and value as JsonConverter
 * envelopes (schemas.enable=true) and the same context headers.
 *
 * One handler per task, used by the task thread only.
 */
#ifndef CONNECTD_WORKER_ERROR_HANDLER_H
#define CONNECTD_WORKER_ERROR_HANDLER_H

#include <connectd/properties.h>
#include <connectd/record.h>

#include <librdkafka/rdkafka.h>

#include <stdbool.h>
#include <stddef.h>

/** Stage.java */
typedef enum cd_error_stage_e {
    CD_STAGE_KEY_CONVERTER,
    CD_STAGE_VALUE_CONVERTER,
    CD_STAGE_HEADER_CONVERTER,
    CD_STAGE_TRANSFORMATION,
    CD_STAGE_TASK_PUT,
    CD_STAGE_TASK_POLL,
    CD_STAGE_KAFKA_PRODUCE,
    CD_STAGE_KAFKA_CONSUME,
} cd_error_stage_t;

const char *cd_error_stage_name(cd_error_stage_t stage);

typedef struct cd_error_handler_s cd_error_handler_t;

/**
 * @brief The handler of task @p connector-@p task_id. When a dead-letter queue
 * topic is configured, creates it if missing (1 partition, the configured
 * replication factor) and a producer from @p producer_props (the task's producer
 * settings; client.id becomes connector-dlq-producer-<connector>-<task>).
 * @returns NULL with errstr ("Could not initialize dead letter queue with topic=T").
 */
cd_error_handler_t *cd_error_handler_new(const cd_properties_t *connector_config,
                                         const char *connector, int task_id, bool sink,
                                         const cd_properties_t *producer_props, char *errstr,
                                         size_t errstr_size);
void cd_error_handler_destroy(cd_error_handler_t *h);

/** @returns whether a dead-letter queue is configured (the original record is kept). */
bool cd_error_handler_has_dlq(const cd_error_handler_t *h);

/** errors.tolerance=all */
bool cd_error_handler_tolerates_all(const cd_error_handler_t *h);

/** An operation the handler may retry: @returns 0, or -1 with errstr; sets
 *  *retriable when the failure is transient (Java's RetriableException). */
typedef int (*cd_error_operation_t)(void *arg, bool *retriable, char *errstr, size_t errstr_size);

/**
 * @brief RetryWithToleranceOperator.execAndRetry: runs @p op, retrying retriable
 * failures with a doubling delay (300 ms first, at most errors.retry.delay.max.ms)
 * until errors.retry.timeout has passed (0 = never, -1 = forever) or @p stop
 * becomes true. @returns 0, or -1 with the last failure's errstr.
 */
int cd_error_handler_execute(cd_error_handler_t *h, cd_error_operation_t op, void *arg,
                             const volatile int *stop, char *errstr, size_t errstr_size);

/** What failed, for the reporters. */
typedef struct cd_error_context_s {
    cd_error_stage_t stage;
    const char *executing_class;        /**< the converter/transformation/predicate class */
    const char *exception_class;        /**< e.g. org.apache.kafka.connect.errors.DataException */
    const char *message;                /**< the exception's message */
    const rd_kafka_message_t *consumed; /**< sink: the original Kafka record, else NULL */
    const cd_record_t *source;          /**< source: the record before transformation, else NULL */
} cd_error_context_t;

/**
 * @brief Reports a failure: logs it when errors.log.enable (LogReporter text),
 * sends it to the dead-letter queue when one is configured.
 * @returns 0 when tolerated (errors.tolerance=all: skip the record), -1 when
 *          tolerance is exceeded (the task must fail).
 */
int cd_error_handler_report(cd_error_handler_t *h, const cd_error_context_t *ctx);

/** @brief Serves the DLQ producer's delivery reports; waits up to @p timeout_ms for
 *  every DLQ record to be delivered (flush before offsets are committed). */
void cd_error_handler_flush(cd_error_handler_t *h, int timeout_ms);

/** @returns how many records went to the dead-letter queue / were tolerated. */
long cd_error_handler_dlq_count(const cd_error_handler_t *h);
long cd_error_handler_tolerated_count(const cd_error_handler_t *h);

/** @brief Whether a converter's error text is a transient failure (Java's
 *  RetriableException subclasses: the Avro converter's NetworkException). */
bool cd_error_is_retriable_message(const char *message);

#endif
