/**
 * @file config_store_internal.h
 * @brief Internals shared by the config-topic modules (config_records.c: the value
 *        codec; config_backing_store.c: the state and the Kafka side). Not a contract
 *        for other modules.
 */
#ifndef CONNECTD_STORAGE_CONFIG_STORE_INTERNAL_H
#define CONNECTD_STORAGE_CONFIG_STORE_INTERNAL_H

#include "../converters/json_converter.h"
#include "../util/properties.h"
#include "config_backing_store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest record value the reader parses (bytes); larger ones are logged and skipped. */
#define CD_CONFIG_MAX_VALUE_SIZE ((size_t)16 * 1024 * 1024)
/** Largest record key the reader accepts (bytes of UTF-8). */
#define CD_CONFIG_MAX_KEY_SIZE ((size_t)64 * 1024)

/** The logger name of the store (Java's class name, as log4j prints it). */
#define CD_CONFIG_LOGGER "org.apache.kafka.connect.storage.KafkaConfigBackingStore"

/** @returns ConnectUtils.className() of a schemaless JsonConverter value made from
 *  @p node: "null", "java.lang.Long", "java.lang.Double", "java.lang.String",
 *  "java.lang.Boolean", "java.util.HashMap" or "java.util.ArrayList". */
const char *cd_config_class_name(const cd_json_node_t *node);

/** @brief KafkaConfigBackingStore.intValue() of a schemaless value: integers are
 *  Longs, narrowed as (int) long. @returns false for anything else (Java's
 *  ConnectException "Expected integer value to be either Integer or Long"). */
bool cd_config_int_value(const cd_json_node_t *node, int32_t *out);
/** @brief The Long a schemaless integer converts to (JsonNode.longValue()). */
bool cd_config_long_value(const cd_json_node_t *node, int64_t *out);

/** @brief A {"properties":{...}} map as Java reads it into a Map<String,String>:
 *  string values are kept, null values dropped, other scalars kept as their JSON
 *  text. @returns the properties, or NULL with a reason (nested values, NULs,
 *  bounds) in errstr. */
cd_properties_t *cd_config_properties_from_json(const cd_json_node_t *map, char *errstr,
                                                size_t errstr_size);

/** @brief java.util.Base64.getDecoder().decode(): RFC 4648 alphabet, padding optional.
 *  @returns 0 with a malloc'd buffer, or -1 (IllegalArgumentException). */
int cd_config_base64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len);

/** @brief KafkaConfigBackingStore.parseTaskId() on a whole "task-..." key.
 *  @returns a malloc'd connector name and sets *task, or NULL. */
char *cd_config_parse_task_key(const char *key, int32_t *task);

/** @brief The order in which `new HashMap<>(map)` iterates @p props inserted in their
 *  order (JDK 17: capacity tableSizeFor((int)(n / 0.75f + 1))). @p order gets n indexes. */
void cd_config_java_hashmap_copy_order(const cd_properties_t *props, size_t *order);

#endif
