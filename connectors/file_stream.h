/**
 * @file file_stream.h
 * @brief Internals shared by the FileStream source and sink connectors
 *        (connectors/file_stream_*.c) and their unit tests.
 */
#ifndef CONNECTD_CONNECTORS_FILE_STREAM_H
#define CONNECTD_CONNECTORS_FILE_STREAM_H

#include <connectd/buf.h>
#include <connectd/data.h>

#include <stddef.h>
#include <stdint.h>

typedef struct cd_properties_s cd_properties_t;

#define CD_FS_FILE_CONFIG "file"
#define CD_FS_TOPIC_CONFIG "topic"
#define CD_FS_BATCH_SIZE_CONFIG "batch.size"
#define CD_FS_DEFAULT_BATCH_SIZE 2000
/** Source partition / offset field names (FileStreamSourceTask.FILENAME_FIELD/POSITION_FIELD). */
#define CD_FS_FILENAME_FIELD "filename"
#define CD_FS_POSITION_FIELD "position"

/** FileStreamSourceConnector's parsed configuration (AbstractConfig over CONFIG_DEF). */
typedef struct cd_fs_source_config_s {
    char *file; /**< trimmed; NULL when unset */
    char *topic;
    int32_t batch_size;
} cd_fs_source_config_t;

/** @brief Parses as `new AbstractConfig(CONFIG_DEF, props)`, with Java's ConfigException text. */
int cd_fs_source_config_parse(const cd_properties_t *props, cd_fs_source_config_t *out,
                              char *errstr, size_t errstr_size);
void cd_fs_source_config_clear(cd_fs_source_config_t *config);

/** @returns the task's line buffer capacity in UTF-16 units (Java's bufferSize(), for tests). */
size_t cd_fs_source_task_buffer_size(void *task_state);

/** @returns a malloc'd copy of @p s without leading/trailing chars <= ' ' (String.trim). */
char *cd_fs_java_trim(const char *s);
/** @returns a copy of @p props, or NULL on out of memory. */
cd_properties_t *cd_fs_properties_copy(const cd_properties_t *props);

/**
 * @brief Appends String.valueOf(value) as Java prints a Connect value object
 *        (null, numbers, Float/Double.toString, BigDecimal, java.util.Date in UTC,
 *        byte[] as "[B@<hex>", List "[a, b]", Map "{k=v, k2=v2}", Struct "Struct{a=1,b=x}").
 * @returns 0 or -1 (buffer cap).
 */
int cd_fs_java_string_value_of(const cd_value_t *value, cd_buf_t *out);

#endif
