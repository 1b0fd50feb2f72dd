/*
 * connector_config_keys.c - the framework key tables of Kafka Connect 4.3.1's
 * ConnectorConfig.configDef(), SourceConnectorConfig.configDef() and
 * SinkConnectorConfig.configDef(): names, types, defaults, documentation, groups,
 * order, width and display names as GET /connector-plugins/{p}/config prints them
 * (read from tests/golden/connector_config/golden.out, which
 * tests/golden/ConnectorConfigGolden.java makes with the Java classes). Validators
 * are the C counterparts of Java's (see worker/connector_config.c).
 */
#include "worker/connector_config_internal.h"

static const char *const reload_actions[] = {"none", "restart", NULL};
static const char *const tolerance_types[] = {"none", "all", NULL};
static const char *const eos_levels[] = {"requested", "required", NULL};
static const char *const tx_boundaries[] = {"poll", "interval", "connector", NULL};

const cd_config_key_t cd_connector_config_keys[] = {
    {.name = "name",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = name_validator,
                   .description = "non-empty string without ISO control characters"},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Globally unique name to use for this connector.",
     .group = "Common",
     .order_in_group = 1,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Connector name"},
    {.name = "connector.class",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Name or alias of the class for this connector. Must be a subclass of "
                      "org.apache.kafka.connect.connector.Connector. If the connector is "
                      "org.apache.kafka.connect.file.FileStreamSinkConnector, you can either "
                      "specify this full name,  or use \"FileStreamSink\" or "
                      "\"FileStreamSinkConnector\" to make the configuration a bit shorter",
     .group = "Common",
     .order_in_group = 2,
     .width = CD_WIDTH_LONG,
     .display_name = "Connector class"},
    {.name = "connector.plugin.version",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Version of the connector.",
     .group = "Common",
     .order_in_group = 3,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Connector version"},
    {.name = "tasks.max",
     .type = CD_CONFIG_INT,
     .default_value = "1",
     .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 1},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Maximum number of tasks to use for this connector.",
     .group = "Common",
     .order_in_group = 4,
     .width = CD_WIDTH_SHORT,
     .display_name = "Tasks max"},
    {.name = "tasks.max.enforce",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "(Deprecated) Whether to enforce that the tasks.max property is respected by the "
         "connector. By default, connectors that generate too many tasks will fail, and existing "
         "sets of tasks that exceed the tasks.max property will also be failed. If this property "
         "is set to false, then connectors will be allowed to generate more than the maximum "
         "number of tasks, and existing sets of tasks that exceed the tasks.max property will be "
         "allowed to run. This property is deprecated and will be removed in an upcoming major "
         "release.",
     .group = "Common",
     .order_in_group = 5,
     .width = CD_WIDTH_SHORT,
     .display_name = "Enforce tasks max"},
    {.name = "key.converter",
     .type = CD_CONFIG_CLASS,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "Converter class used to convert between Kafka Connect format and the serialized form "
         "that is written to Kafka. This controls the format of the keys in messages written to or "
         "read from Kafka, and since this is independent of connectors it allows any connector to "
         "work with any serialization format. Examples of common formats include JSON and Avro.",
     .group = "Common",
     .order_in_group = 6,
     .width = CD_WIDTH_SHORT,
     .display_name = "Key converter class"},
    {.name = "key.converter.plugin.version",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Version of the key converter.",
     .group = "Common",
     .order_in_group = 7,
     .width = CD_WIDTH_SHORT,
     .display_name = "Key converter version"},
    {.name = "value.converter",
     .type = CD_CONFIG_CLASS,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "Converter class used to convert between Kafka Connect format and the serialized form "
         "that is written to Kafka. This controls the format of the values in messages written to "
         "or read from Kafka, and since this is independent of connectors it allows any connector "
         "to work with any serialization format. Examples of common formats include JSON and Avro.",
     .group = "Common",
     .order_in_group = 8,
     .width = CD_WIDTH_SHORT,
     .display_name = "Value converter class"},
    {.name = "value.converter.plugin.version",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Version of the value converter.",
     .group = "Common",
     .order_in_group = 9,
     .width = CD_WIDTH_SHORT,
     .display_name = "Value converter version"},
    {.name = "header.converter",
     .type = CD_CONFIG_CLASS,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "HeaderConverter class used to convert between Kafka Connect format and the serialized "
         "form that is written to Kafka. This controls the format of the header values in messages "
         "written to or read from Kafka, and since this is independent of connectors it allows any "
         "connector to work with any serialization format. Examples of common formats include JSON "
         "and Avro. By default, the SimpleHeaderConverter is used to serialize header values to "
         "strings and deserialize them by inferring the schemas.",
     .group = "Common",
     .order_in_group = 10,
     .width = CD_WIDTH_SHORT,
     .display_name = "Header converter class"},
    {.name = "header.converter.plugin.version",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Version of the header converter.",
     .group = "Common",
     .order_in_group = 11,
     .width = CD_WIDTH_SHORT,
     .display_name = "Header converter version"},
    {.name = "transforms",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = alias_validator,
                   .description = "non-null string, unique transformation aliases"},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Aliases for the transformations to be applied to records.",
     .group = "Transforms",
     .order_in_group = 12,
     .width = CD_WIDTH_LONG,
     .display_name = "Transforms"},
    {.name = "predicates",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = alias_validator,
                   .description = "non-null string, unique predicate aliases"},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Aliases for the predicates used by transformations.",
     .group = "Predicates",
     .order_in_group = 13,
     .width = CD_WIDTH_LONG,
     .display_name = "Predicates"},
    {.name = "config.action.reload",
     .type = CD_CONFIG_STRING,
     .default_value = "restart",
     .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = reload_actions},
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "The action that Connect should take on the connector when changes in external "
         "configuration providers result in a change in the connector's configuration properties. "
         "A value of 'none' indicates that Connect will do nothing. A value of 'restart' indicates "
         "that Connect should restart/reload the connector with the updated configuration "
         "properties.The restart may actually be scheduled in the future if the external "
         "configuration provider indicates that a configuration value will expire in the future.",
     .group = "Common",
     .order_in_group = 14,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Reload Action"},
    {.name = "errors.retry.timeout",
     .type = CD_CONFIG_LONG,
     .default_value = "0",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "The maximum duration in milliseconds that a failed operation will be reattempted. The "
         "default is 0, which means no retries will be attempted. Use -1 for infinite retries.",
     .group = "Error Handling",
     .order_in_group = 1,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Retry Timeout for Errors"},
    {.name = "errors.retry.delay.max.ms",
     .type = CD_CONFIG_LONG,
     .default_value = "60000",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "The maximum duration in milliseconds between consecutive retry attempts. Jitter will be "
         "added to the delay once this limit is reached to prevent thundering herd issues.",
     .group = "Error Handling",
     .order_in_group = 2,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Maximum Delay Between Retries for Errors"},
    {.name = "errors.tolerance",
     .type = CD_CONFIG_STRING,
     .default_value = "none",
     .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = tolerance_types},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "Behavior for tolerating errors during connector operation. 'none' is the default value "
         "and signals that any error will result in an immediate connector task failure; 'all' "
         "changes the behavior to skip over problematic records.",
     .group = "Error Handling",
     .order_in_group = 3,
     .width = CD_WIDTH_SHORT,
     .display_name = "Error Tolerance"},
    {.name = "errors.log.enable",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "If true, write each error and the details of the failed operation and "
                      "problematic record to the Connect application log. This is 'false' by "
                      "default, so that only errors that are not tolerated are reported.",
     .group = "Error Handling",
     .order_in_group = 4,
     .width = CD_WIDTH_SHORT,
     .display_name = "Log Errors"},
    {.name = "errors.log.include.messages",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Whether to include in the log the Connect record that resulted in a "
                      "failure. For sink records, the topic, partition, offset, and timestamp will "
                      "be logged. For source records, the key and value (and their schemas), all "
                      "headers, and the timestamp, Kafka topic, Kafka partition, source partition, "
                      "and source offset will be logged. This is 'false' by default, which will "
                      "prevent record keys, values, and headers from being written to log files.",
     .group = "Error Handling",
     .order_in_group = 5,
     .width = CD_WIDTH_SHORT,
     .display_name = "Log Error Details"},
    {.name = NULL},
};

const cd_config_key_t cd_source_connector_config_keys[] = {
    {.name = "topic.creation.groups",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = alias_validator,
                   .description = "non-null string, unique topic creation groups"},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "Groups of configurations for topics created by source connectors",
     .group = "Topic Creation",
     .order_in_group = 1,
     .width = CD_WIDTH_LONG,
     .display_name = "Topic Creation Groups"},
    {.name = "exactly.once.support",
     .type = CD_CONFIG_STRING,
     .default_value = "requested",
     .validator = {.kind = CD_VALIDATOR_CASE_INSENSITIVE_STRING, .strings = eos_levels},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "Permitted values are requested, required. If set to \"required\", forces a preflight "
         "check for the connector to ensure that it can provide exactly-once semantics with the "
         "given configuration. Some connectors may be capable of providing exactly-once semantics "
         "but not signal to Connect that they support this; in that case, documentation for the "
         "connector should be consulted carefully before creating it, and the value for this "
         "property should be set to \"requested\". Additionally, if the value is set to "
         "\"required\" but the worker that performs preflight validation does not have "
         "exactly-once support enabled for source connectors, requests to create or validate the "
         "connector will fail.",
     .group = "Exactly Once Support",
     .order_in_group = 2,
     .width = CD_WIDTH_SHORT,
     .display_name = "Exactly once support"},
    {.name = "transaction.boundary",
     .type = CD_CONFIG_STRING,
     .default_value = "poll",
     .validator = {.kind = CD_VALIDATOR_CASE_INSENSITIVE_STRING, .strings = tx_boundaries},
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "Permitted values are: poll, interval, connector. If set to 'poll', a new producer "
         "transaction will be started and committed for every batch of records that each task from "
         "this connector provides to Connect. If set to 'connector', relies on connector-defined "
         "transaction boundaries; note that not all connectors are capable of defining their own "
         "transaction boundaries, and in that case, attempts to instantiate a connector with this "
         "value will fail. Finally, if set to 'interval', commits transactions only after a "
         "user-defined time interval has passed.",
     .group = "Exactly Once Support",
     .order_in_group = 3,
     .width = CD_WIDTH_SHORT,
     .display_name = "Transaction Boundary"},
    {.name = "transaction.boundary.interval.ms",
     .type = CD_CONFIG_LONG,
     .default_value = NULL,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = non_negative_or_null,
                   .description = "[0,...]"},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "If 'transaction.boundary' is set to 'interval', determines the interval for "
                      "producer transaction commits by connector tasks. If unset, defaults to the "
                      "value of the worker-level 'offset.flush.interval.ms' property. It has no "
                      "effect if a different transaction.boundary is specified.",
     .group = "Exactly Once Support",
     .order_in_group = 4,
     .width = CD_WIDTH_SHORT,
     .display_name = "Transaction boundary interval"},
    {.name = "offsets.storage.topic",
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING},
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "The name of a separate offsets topic to use for this connector. If empty or not "
         "specified, the worker\342\200\231s global offsets topic name will be used. If specified, "
         "the offsets topic will be created if it does not already exist on the Kafka cluster "
         "targeted by this connector (which may be different from the one used for the worker's "
         "global offsets topic if the bootstrap.servers property of the connector's producer has "
         "been overridden from the worker's). Only applicable in distributed mode; in standalone "
         "mode, setting this property will have no effect.",
     .group = "offsets.topic",
     .order_in_group = 1,
     .width = CD_WIDTH_LONG,
     .display_name = "Offsets topic"},
    {.name = NULL},
};

const cd_config_key_t cd_sink_connector_config_keys[] = {
    {.name = "topics",
     .type = CD_CONFIG_LIST,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_VALID_LIST, .list_allow_empty = true},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "List of topics to consume, separated by commas",
     .group = "Common",
     .order_in_group = 4,
     .width = CD_WIDTH_LONG,
     .display_name = "Topics"},
    {.name = "topics.regex",
     .type = CD_CONFIG_STRING,
     .default_value = "",
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = regex_validator,
                   .description = "valid regex"},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Regular expression giving topics to consume. Under the hood, the regex is "
                      "compiled to a <code>java.util.regex.Pattern</code>. Only one of topics or "
                      "topics.regex should be specified.",
     .group = "Common",
     .order_in_group = 4,
     .width = CD_WIDTH_LONG,
     .display_name = "Topics regex"},
    {.name = "errors.deadletterqueue.topic.name",
     .type = CD_CONFIG_STRING,
     .default_value = "",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "The name of the topic to be used as the dead letter queue (DLQ) for "
                      "messages that result in an error when processed by this sink connector, or "
                      "its transformations or converters. The topic name is blank by default, "
                      "which means that no messages are to be recorded in the DLQ.",
     .group = "Error Handling",
     .order_in_group = 6,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Dead Letter Queue Topic Name"},
    {.name = "errors.deadletterqueue.topic.replication.factor",
     .type = CD_CONFIG_SHORT,
     .default_value = "3",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Replication factor used to create the dead letter queue topic when it "
                      "doesn't already exist.",
     .group = "Error Handling",
     .order_in_group = 7,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Dead Letter Queue Topic Replication Factor"},
    {.name = "errors.deadletterqueue.context.headers.enable",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "false",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation =
         "If true, add headers containing error context to the messages written to the dead letter "
         "queue. To avoid clashing with headers from the original record, all error context header "
         "keys, all error context header keys will start with <code>__connect.errors.</code>",
     .group = "Error Handling",
     .order_in_group = 8,
     .width = CD_WIDTH_MEDIUM,
     .display_name = "Enable Error Context Headers"},
    {.name = NULL},
};
