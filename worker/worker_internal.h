/**
 * @file worker_internal.h
 * @brief Pieces shared by the worker runtime files (worker.c,
 *        worker_connector.c, source_task.c, sink_task.c, task_context.c) and
 *        their unit tests: submitted-records bookkeeping (SubmittedRecords),
 *        client configuration assembly (Worker.baseProducerConfigs /
 *        baseConsumerConfigs), KIP-158 topic creation groups (TopicCreation)
 *        and the task/connector context structures. Not a public contract.
 */
#ifndef CONNECTD_WORKER_INTERNAL_H
#define CONNECTD_WORKER_INTERNAL_H

#include "worker.h"

#include <connectd/connector.h>
#include <connectd/converter.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------ */
/* SubmittedRecords                                                    */
/* ------------------------------------------------------------------ */

/**
 * Per source partition, the records handed to the producer in submission
 * order. A record's offset becomes committable once it and every earlier
 * record of the same partition were acknowledged. Single-threaded: the task
 * thread submits, and delivery reports run on it too (rd_kafka_poll).
 */
typedef struct cd_submitted_records_s cd_submitted_records_t;
typedef struct cd_submitted_record_s cd_submitted_record_t;

cd_submitted_records_t *cd_submitted_records_new(void);
void cd_submitted_records_destroy(cd_submitted_records_t *sr);
/** @brief Tracks a record of the partition identified by @p key (any bytes, e.g. the
 *  serialized offsets key); takes @p partition and @p offset (either may be NULL).
 *  @returns the handle to ack or remove. */
cd_submitted_record_t *cd_submitted_records_submit(cd_submitted_records_t *sr, const uint8_t *key,
                                                   size_t key_len, cd_value_t *partition,
                                                   cd_value_t *offset);
/** @brief Marks the record acknowledged. */
void cd_submitted_record_ack(cd_submitted_record_t *rec);
/** @brief Marks the record acknowledged and, when it completes an acknowledged prefix
 *  of its partition, frees that prefix keeping only its newest offset for the next
 *  cd_submitted_records_committable() (same result as cd_submitted_record_ack, less
 *  memory held between commits). */
void cd_submitted_records_ack(cd_submitted_records_t *sr, cd_submitted_record_t *rec);
/** @brief Forgets the most recently submitted record (its send failed synchronously
 *  and will be retried). @returns false if @p rec is not the latest of its partition. */
bool cd_submitted_records_remove(cd_submitted_records_t *sr, cd_submitted_record_t *rec);

/** A committable offset: the latest acknowledged prefix of one partition. */
typedef struct cd_committable_offset_s {
    uint8_t *key;
    size_t key_len;
    cd_value_t *partition; /**< owned */
    cd_value_t *offset;    /**< owned */
} cd_committable_offset_t;

/**
 * @brief SubmittedRecords.committableOffsets: removes the acknowledged prefix of
 * every partition and returns the newest offset of each such prefix.
 * @returns the array (count in *n; free with cd_committable_offsets_free), NULL if none.
 */
cd_committable_offset_t *cd_submitted_records_committable(cd_submitted_records_t *sr, size_t *n);
void cd_committable_offsets_free(cd_committable_offset_t *offsets, size_t n);
/** @returns the number of submitted records not yet acknowledged. */
size_t cd_submitted_records_pending(const cd_submitted_records_t *sr);
/** @returns the number of tracked records (acknowledged or not, not yet committed). */
size_t cd_submitted_records_count(const cd_submitted_records_t *sr);

/* ------------------------------------------------------------------ */
/* Client configuration assembly                                       */
/* ------------------------------------------------------------------ */

/**
 * @brief Worker.baseProducerConfigs for a non-EOS source task, in Java's order:
 * forced settings (bootstrap.servers from the worker, enable.idempotence=false,
 * acks=all, max.in.flight.requests.per.connection=1,
 * delivery.timeout.ms=2147483647, client.id=connector-producer-<c>-<t>,
 * partitioner=murmur2_random), then the worker's `producer.*`, then the
 * connector's `producer.override.*`. Java-only keys (serializers, max.block.ms)
 * are left out. @returns Java-named client properties (caller destroys).
 */
cd_properties_t *cd_worker_producer_props(const cd_properties_t *worker_props,
                                          const cd_properties_t *connector_config,
                                          const char *connector, int task);
/**
 * @brief Worker.baseConsumerConfigs for a sink task: bootstrap.servers,
 * group.id=connect-<c>, client.id=connector-consumer-<c>-<t>,
 * enable.auto.commit=false, auto.offset.reset=earliest, then `consumer.*`,
 * then `consumer.override.*`.
 */
cd_properties_t *cd_worker_consumer_props(const cd_properties_t *worker_props,
                                          const cd_properties_t *connector_config,
                                          const char *connector, int task);
/** @brief Worker.adminConfigs for a connector's admin client: bootstrap.servers,
 *  client.id=connector-adminclient-<c>, then `admin.*`, then `admin.override.*`. */
cd_properties_t *cd_worker_admin_props(const cd_properties_t *worker_props,
                                       const cd_properties_t *connector_config,
                                       const char *connector);
/** @brief Copies every key of @p from starting with @p prefix, stripped, into @p to. */
void cd_properties_copy_prefixed(cd_properties_t *to, const cd_properties_t *from,
                                 const char *prefix);

/**
 * @brief The converter a task uses for @p type (Plugins.newConverter /
 * newHeaderConverter): the connector's `key.converter` (with its
 * `key.converter.*` settings) when set, else the worker's; for headers the
 * default is SimpleHeaderConverter. @returns NULL with errstr.
 */
cd_converter_t *cd_worker_task_converter(const cd_properties_t *worker_props,
                                         const cd_properties_t *connector_config,
                                         cd_converter_type_t type, char *errstr,
                                         size_t errstr_size);

/* ------------------------------------------------------------------ */
/* Topic creation (KIP-158)                                            */
/* ------------------------------------------------------------------ */

typedef struct cd_topic_creation_s cd_topic_creation_t;

/** What to create for one topic (TopicCreationGroup.newTopic). */
typedef struct cd_new_topic_s {
    const char *group;              /**< the matching group ("default" last) */
    int32_t partitions;             /**< -1 = broker default */
    int32_t replication;            /**< -1 = broker default */
    const cd_properties_t *configs; /**< other topic configs (owned by the topic creation) */
} cd_new_topic_t;

/**
 * @brief TopicCreation.newTopicCreation: @returns NULL with *errstr empty when
 * topic creation is off (worker `topic.creation.enable` false, or no
 * `topic.creation.` key in the connector config), NULL with errstr on a bad
 * setting, else the groups in `topic.creation.groups` order then "default".
 */
cd_topic_creation_t *cd_topic_creation_new(bool worker_enabled,
                                           const cd_properties_t *connector_config, char *errstr,
                                           size_t errstr_size);
void cd_topic_creation_destroy(cd_topic_creation_t *tc);
/** @brief TopicCreation.findFirstGroup + newTopic. @returns false if no group matches. */
bool cd_topic_creation_find(const cd_topic_creation_t *tc, const char *topic, cd_new_topic_t *out);
/** @brief Whether @p topic was already created or found (the topic cache). */
bool cd_topic_creation_is_known(const cd_topic_creation_t *tc, const char *topic);
void cd_topic_creation_add_known(cd_topic_creation_t *tc, const char *topic);

/* ------------------------------------------------------------------ */
/* Tasks and contexts                                                  */
/* ------------------------------------------------------------------ */

/** A Java-like stack trace text for a FAILED status: "<exception class>: <message>\n\tat ...". */
char *cd_worker_trace(const char *exception_class, const char *message, const char *where);
#define CD_CONNECT_EXCEPTION "org.apache.kafka.connect.errors.ConnectException"

typedef struct cd_worker_task_s cd_worker_task_t;

/** The task context handed to the plugin (see connector.h). */
struct cd_task_context_s {
    cd_worker_task_t *task;
    const char *connector;
    int task_id;
    cd_offset_store_t *offsets; /**< source tasks */
    volatile int stopping;      /**< set by the worker (atomic via the task mutex) */
    int commit_requested;
    int64_t timeout_ms; /**< SinkTaskContext.timeout */
};

struct cd_connector_context_s {
    cd_worker_t *worker;
    char *connector;
    cd_offset_store_t *offsets;
    pthread_mutex_t lock;
    char *raised_error; /**< raiseError message, read by the worker */
};

/** What a task thread needs from the worker, copied at start. */
typedef struct cd_task_settings_s {
    char *connector;
    int task_id;
    char *worker_id;
    int64_t generation;
    cd_properties_t *worker_props;     /**< the worker originals (copy) */
    cd_properties_t *connector_config; /**< copy */
    cd_properties_t *task_config;      /**< copy */
    int64_t offset_flush_interval_ms;
    int64_t offset_flush_timeout_ms;
    bool topic_creation_enable;
    cd_offset_store_t *offsets;
    cd_status_store_t *status;
    const cd_connector_plugin_t *plugin;
    cd_worker_listener_t listener; /**< the worker's (task_failed) */
} cd_task_settings_t;

/** Thread-shared control block of one task. */
struct cd_worker_task_s {
    cd_task_settings_t s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    cd_target_state_t target; /**< guarded by lock */
    bool stopping;            /**< guarded by lock */
    bool done;                /**< guarded by lock: the thread finished */
    bool abandoned;           /**< guarded by lock: the worker gave up waiting; thread frees */
    cd_task_context_t ctx;
};

void cd_task_settings_clear(cd_task_settings_t *s);
/** @brief Task thread bodies. */
void *cd_source_task_run(void *arg);
void *cd_sink_task_run(void *arg);
/** @brief Writes the task's status. */
void cd_worker_task_status(cd_worker_task_t *t, cd_state_t state, const char *trace);
/** @brief Under the task lock: waits up to @p ms for a change (stop/target); returns the
 *  current target and *stopping. */
cd_target_state_t cd_worker_task_wait(cd_worker_task_t *t, int64_t ms, bool *stopping);
/** @returns the current target state and stop flag (locks). */
cd_target_state_t cd_worker_task_target(cd_worker_task_t *t, bool *stopping);
/** @brief WorkerTask.doRun's start: a task created paused reports PAUSED and waits until it
 *  is started or stopped (*paused tells which happened first). @returns true when stopping. */
bool cd_worker_task_await_start(cd_worker_task_t *t, bool *paused);
/** @returns monotonic milliseconds. */
int64_t cd_worker_now_ms(void);

#endif
