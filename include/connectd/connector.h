/**
 * @file connector.h
 * @brief The connector plugin API: the C counterpart of Connect's
 *        SourceConnector / SinkConnector / SourceTask / SinkTask.
 *
 * A connector plugin is a static table (cd_connector_plugin_t) registered under
 * the Java class name users type; the worker also accepts its simple name and
 * the simple name without the "Connector" suffix (Java's PluginUtils aliases).
 * Built-in plugins are listed in worker/plugins.c; a shared object found under
 * `plugin.path` exports `cd_plugin_connectors` (a NULL-ended array of
 * `const cd_connector_plugin_t *`) and, optionally, `cd_plugin_converters`.
 * A shared object may call every function declared in the public headers
 * (include/connectd/): the connectd executable exports them.
 *
 * Threads: a connector's callbacks run on the herder/worker thread; each task
 * runs on a thread of its own, and all of one task's callbacks are called from
 * that thread, one at a time. Callbacks must not block for long: poll/put
 * should return within about a second so that pause and stop are prompt
 * (cd_task_context_is_stopping tells a long wait to give up).
 *
 * Errors: a callback returns 0, or -1 with a message in errstr (it becomes the
 * FAILED status trace), or CD_TASK_RETRIABLE where Java would throw
 * RetriableException.
 */
#ifndef CONNECTD_CONNECTOR_H
#define CONNECTD_CONNECTOR_H

#include <connectd/config_def.h>
#include <connectd/data.h>
#include <connectd/properties.h>
#include <connectd/record.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cd_properties_s cd_properties_t;

/** Java's RetriableException: try again later. */
#define CD_TASK_RETRIABLE 1

/** ConnectorType as the REST API prints it. */
typedef enum cd_connector_type_e {
    CD_CONNECTOR_SOURCE,
    CD_CONNECTOR_SINK,
} cd_connector_type_t;

/** @returns "source" or "sink". */
const char *cd_connector_type_name(cd_connector_type_t type);

/* ------------------------------------------------------------------ */
/* Connector                                                           */
/* ------------------------------------------------------------------ */

/** ConnectorContext. */
typedef struct cd_connector_context_s cd_connector_context_t;

/** @brief Asks the worker to call task_configs again (ConnectorContext.requestTaskReconfiguration).
 */
void cd_connector_context_request_task_reconfiguration(cd_connector_context_t *ctx);
/** @brief Fails the connector with @p message (ConnectorContext.raiseError). */
void cd_connector_context_raise_error(cd_connector_context_t *ctx, const char *message);
/** @returns the offset stored for @p partition (a MAP value), or NULL; caller destroys.
 *  Source connectors only (SourceConnectorContext.offsetStorageReader). */
cd_value_t *cd_connector_context_offset(cd_connector_context_t *ctx, const cd_value_t *partition);

/** One partition/offset pair for alter_offsets (KIP-875). offset NULL = reset. */
typedef struct cd_offset_entry_s {
    const cd_value_t *partition;
    const cd_value_t *offset;
} cd_offset_entry_t;

struct cd_source_task_plugin_s;
struct cd_sink_task_plugin_s;

typedef struct cd_connector_plugin_s {
    const char *class_name; /**< e.g. "org.apache.kafka.connect.file.FileStreamSourceConnector" */
    const char *const *aliases; /**< extra aliases, NULL-ended; may be NULL */
    const char *version;
    cd_connector_type_t type;
    /** The connector's own settings (Connector.config()), NULL-name ended. */
    const cd_config_key_t *config_keys;

    /** Optional Connector.validate extras, run after the table's checks:
     *  may add errors to @p results. @returns 0, or -1 with errstr for an exception. */
    int (*validate)(const cd_properties_t *config, cd_config_results_t *results, char *errstr,
                    size_t errstr_size);

    /** Connector.start. @returns the state (non-NULL), or NULL with errstr. */
    void *(*start)(const cd_properties_t *config, cd_connector_context_t *ctx, char *errstr,
                   size_t errstr_size);
    /** Connector.taskConfigs(maxTasks): writes up to @p max_tasks new property
     *  sets into @p out (the caller destroys them). @returns the count (>= 0), or -1. */
    int (*task_configs)(void *state, int max_tasks, cd_properties_t **out, char *errstr,
                        size_t errstr_size);
    /** Connector.stop: releases the state. */
    void (*stop)(void *state);

    /** Optional SourceConnector/SinkConnector.alterOffsets. @returns 1 if the connector
     *  manages or accepted the offsets (Java's true), 0 for the default false, -1 with errstr. */
    int (*alter_offsets)(const cd_properties_t *config, const cd_offset_entry_t *offsets,
                         size_t count, char *errstr, size_t errstr_size);

    /** The task class; the one matching @p type is set. */
    const struct cd_source_task_plugin_s *source_task;
    const struct cd_sink_task_plugin_s *sink_task;
} cd_connector_plugin_t;

/* ------------------------------------------------------------------ */
/* Tasks                                                               */
/* ------------------------------------------------------------------ */

/** Common task context (the thread's stop flag and identity). */
typedef struct cd_task_context_s cd_task_context_t;

/** @returns true once the worker is stopping or pausing the task: finish a long wait. */
bool cd_task_context_is_stopping(const cd_task_context_t *ctx);
/** @returns the connector name. */
const char *cd_task_context_connector(const cd_task_context_t *ctx);
/** @returns the task number. */
int cd_task_context_task_id(const cd_task_context_t *ctx);
/** @returns the offset stored for a source @p partition (a MAP value), or NULL; caller
 *  destroys (SourceTaskContext.offsetStorageReader().offset()). */
cd_value_t *cd_task_context_offset(cd_task_context_t *ctx, const cd_value_t *partition);
/** Sink tasks: ask for an offset commit soon (SinkTaskContext.requestCommit). */
void cd_task_context_request_commit(cd_task_context_t *ctx);
/** Sink tasks: after CD_TASK_RETRIABLE from put, wait @p ms before redelivering
 *  (SinkTaskContext.timeout). */
void cd_task_context_set_timeout(cd_task_context_t *ctx, int64_t ms);

/** A growable list of records: what poll returns and put receives. */
typedef struct cd_record_list_s {
    cd_record_t **records;
    size_t count;
    size_t capacity;
} cd_record_list_t;

/** @brief Appends @p record (taken). */
void cd_record_list_add(cd_record_list_t *list, cd_record_t *record);
/** @brief Destroys every record and empties the list (keeps the storage). */
void cd_record_list_clear(cd_record_list_t *list);
/** @brief Destroys every record and frees the storage. */
void cd_record_list_free(cd_record_list_t *list);

/** RecordMetadata for commit_record. */
typedef struct cd_record_metadata_s {
    const char *topic;
    int32_t partition;
    int64_t offset;
    int64_t timestamp;
} cd_record_metadata_t;

typedef struct cd_source_task_plugin_s {
    /** SourceTask.start. @returns the state, or NULL with errstr. */
    void *(*start)(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                   size_t errstr_size);
    /** SourceTask.poll: appends records (source partition/offset set) to @p out.
     *  Returning with none is fine. @returns 0, CD_TASK_RETRIABLE or -1 with errstr. */
    int (*poll)(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size);
    /** Optional SourceTask.commit: offsets up to here were written. */
    void (*commit)(void *state);
    /** Optional SourceTask.commitRecord: @p metadata NULL when a transform dropped it. */
    void (*commit_record)(void *state, const cd_record_t *record,
                          const cd_record_metadata_t *metadata);
    /** SourceTask.stop: releases the state. */
    void (*stop)(void *state);
} cd_source_task_plugin_t;

/** A Kafka topic partition with an offset (the next offset to read). */
typedef struct cd_topic_partition_offset_s {
    const char *topic;
    int32_t partition;
    int64_t offset;
} cd_topic_partition_offset_t;

typedef struct cd_sink_task_plugin_s {
    /** SinkTask.start. @returns the state, or NULL with errstr. */
    void *(*start)(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                   size_t errstr_size);
    /** Optional SinkTask.open(partitions) (offsets unused). */
    void (*open)(void *state, const cd_topic_partition_offset_t *partitions, size_t count);
    /** SinkTask.put. Records carry topic, partition, kafka offset, timestamp.
     *  @returns 0, CD_TASK_RETRIABLE (redeliver the batch later) or -1 with errstr. */
    int (*put)(void *state, cd_record_t *const *records, size_t count, char *errstr,
               size_t errstr_size);
    /** SinkTask.flush(currentOffsets) (preCommit's default). @returns 0 or -1. */
    int (*flush)(void *state, const cd_topic_partition_offset_t *offsets, size_t count,
                 char *errstr, size_t errstr_size);
    /** Optional SinkTask.close(partitions). */
    void (*close)(void *state, const cd_topic_partition_offset_t *partitions, size_t count);
    /** SinkTask.stop: releases the state. */
    void (*stop)(void *state);
} cd_sink_task_plugin_t;

/** The symbol a plugin shared object exports: a NULL-ended array. */
#define CD_PLUGIN_CONNECTORS_SYMBOL "cd_plugin_connectors"
#define CD_PLUGIN_CONVERTERS_SYMBOL "cd_plugin_converters"

/** Built-in connectors (connectors/). */
extern const cd_connector_plugin_t cd_file_stream_source_connector_plugin;
extern const cd_connector_plugin_t cd_file_stream_sink_connector_plugin;
extern const cd_connector_plugin_t cd_kinesis_source_connector_plugin;

#ifdef __cplusplus
}
#endif
#endif
