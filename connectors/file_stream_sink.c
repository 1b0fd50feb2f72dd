/**
 * @file file_stream_sink.c
 * @brief FileStreamSinkConnector / FileStreamSinkTask, as Apache Kafka 4.3's
 *        connect-file module: appends String.valueOf(record.value()) and a
 *        newline per record to a file (created if missing) or to stdout.
 *
 * Also holds the helpers both FileStream connectors share (connectors/file_stream.h):
 * String.trim, a properties copy and Java's String.valueOf for Connect values.
 * As Java's PrintStream, write errors are not reported to the worker.
 */
#include <connectd/connector.h>
#include <connectd/version.h>

#include "connectors/file_stream.h"
#include "util/java_text.h"
#include "util/log.h"
#include "util/properties.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/** Deepest List/Map/Struct nesting printed; deeper values print "..." (Java would recurse). */
#define FS_MAX_DEPTH 100

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */
/* ------------------------------------------------------------------ */

char *cd_fs_java_trim(const char *s)
{
    size_t len = strlen(s), start = 0;
    while (start < len && (unsigned char)s[start] <= ' ')
        start++;
    while (len > start && (unsigned char)s[len - 1] <= ' ')
        len--;
    char *out = malloc(len - start + 1);
    if (!out)
        return NULL;
    memcpy(out, s + start, len - start);
    out[len - start] = '\0';
    return out;
}

cd_properties_t *cd_fs_properties_copy(const cd_properties_t *props)
{
    cd_properties_t *copy = cd_properties_new();
    if (!copy)
        return NULL;
    for (size_t i = 0; i < cd_properties_count(props); i++) {
        if (cd_properties_set(copy, cd_properties_key_at(props, i),
                              cd_properties_value_at(props, i)) != 0) {
            cd_properties_destroy(copy);
            return NULL;
        }
    }
    return copy;
}

/** java.util.Date.toString() in UTC: "Thu Jan 01 00:00:00 UTC 1970". */
static int append_date(int64_t ms, cd_buf_t *out)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int64_t secs = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return -1;
    return cd_buf_appendf(out, "%s %s %02d %02d:%02d:%02d UTC %d", days[tm.tm_wday],
                          months[tm.tm_mon], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                          tm.tm_year + 1900);
}

static int value_of(const cd_value_t *v, cd_buf_t *out, int depth)
{
    char num[64];
    if (!v)
        return cd_buf_append_str(out, "null");
    if (depth > FS_MAX_DEPTH)
        return cd_buf_append_str(out, "...");
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
        return cd_buf_appendf(out, "%" PRId64, cd_value_as_int64(v));
    case CD_VALUE_FLOAT32:
        cd_java_float_to_string(cd_value_float32(v), num, sizeof(num));
        return cd_buf_append_str(out, num);
    case CD_VALUE_FLOAT64:
        cd_java_double_to_string(cd_value_float64(v), num, sizeof(num));
        return cd_buf_append_str(out, num);
    case CD_VALUE_BOOLEAN:
        return cd_buf_append_str(out, cd_value_boolean(v) ? "true" : "false");
    case CD_VALUE_STRING: {
        size_t len;
        const char *s = cd_value_string(v, &len);
        return cd_buf_append(out, s, len);
    }
    case CD_VALUE_BYTES:
        /* Object.toString of a byte[]: the class name and an identity hash. */
        return cd_buf_appendf(out, "[B@%" PRIx32,
                              (uint32_t)(((uintptr_t)v >> 4) * 2654435761u) & 0x7fffffffu);
    case CD_VALUE_DECIMAL: {
        size_t need = cd_value_decimal_to_string(v, NULL, 0);
        uint8_t *dst = cd_buf_append_space(out, need + 1);
        if (!dst)
            return -1;
        cd_value_decimal_to_string(v, (char *)dst, need + 1);
        out->len -= 1; /* drop the NUL */
        return 0;
    }
    case CD_VALUE_DATE:
        return append_date(cd_value_date_ms(v), out);
    case CD_VALUE_ARRAY: {
        if (cd_buf_append_char(out, '[') != 0)
            return -1;
        for (size_t i = 0; i < cd_value_array_size(v); i++) {
            if (i && cd_buf_append_str(out, ", ") != 0)
                return -1;
            if (value_of(cd_value_array_at(v, i), out, depth + 1) != 0)
                return -1;
        }
        return cd_buf_append_char(out, ']');
    }
    case CD_VALUE_MAP: {
        if (cd_buf_append_char(out, '{') != 0)
            return -1;
        for (size_t i = 0; i < cd_value_map_size(v); i++) {
            if (i && cd_buf_append_str(out, ", ") != 0)
                return -1;
            if (value_of(cd_value_map_key_at(v, i), out, depth + 1) != 0 ||
                cd_buf_append_char(out, '=') != 0 ||
                value_of(cd_value_map_value_at(v, i), out, depth + 1) != 0)
                return -1;
        }
        return cd_buf_append_char(out, '}');
    }
    case CD_VALUE_STRUCT: {
        /* Struct.toString: non-null fields only, "name=value" joined by ",". */
        const cd_schema_t *schema = cd_value_struct_schema(v);
        if (cd_buf_append_str(out, "Struct{") != 0)
            return -1;
        bool first = true;
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_value_t *fv = cd_value_struct_get_at(v, i);
            if (!fv)
                continue;
            if (!first && cd_buf_append_char(out, ',') != 0)
                return -1;
            first = false;
            if (cd_buf_append_str(out, cd_field_name(cd_schema_field_at(schema, i))) != 0 ||
                cd_buf_append_char(out, '=') != 0 || value_of(fv, out, depth + 1) != 0)
                return -1;
        }
        return cd_buf_append_char(out, '}');
    }
    }
    return -1;
}

int cd_fs_java_string_value_of(const cd_value_t *value, cd_buf_t *out)
{
    return value_of(value, out, 0);
}

/* ------------------------------------------------------------------ */
/* Connector                                                           */
/* ------------------------------------------------------------------ */

static const cd_config_key_t sink_config_keys[] = {
    {.name = CD_FS_FILE_CONFIG,
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Destination filename. If not specified, the standard output will be used",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = NULL},
};

static void *sink_connector_start(const cd_properties_t *config, cd_connector_context_t *ctx,
                                  char *errstr, size_t errstr_size)
{
    const char *file = cd_properties_get(config, CD_FS_FILE_CONFIG);
    char *trimmed = file ? cd_fs_java_trim(file) : NULL;
    cd_log_info("org.apache.kafka.connect.file.FileStreamSinkConnector",
                "Starting file sink connector writing to %s",
                trimmed && *trimmed ? trimmed : "standard output");
    free(trimmed);
    cd_properties_t *copy = cd_fs_properties_copy(config);
    if (!copy)
        snprintf(errstr, errstr_size, "out of memory");
    return copy;
}

static int sink_connector_task_configs(void *state, int max_tasks, cd_properties_t **out,
                                       char *errstr, size_t errstr_size)
{
    /* Java hands the same settings to each of maxTasks tasks. */
    for (int i = 0; i < max_tasks; i++) {
        out[i] = cd_fs_properties_copy(state);
        if (!out[i]) {
            while (i-- > 0)
                cd_properties_destroy(out[i]);
            snprintf(errstr, errstr_size, "out of memory");
            return -1;
        }
    }
    return max_tasks < 0 ? 0 : max_tasks;
}

static void sink_connector_stop(void *state)
{
    cd_properties_destroy(state);
}

/** FileStreamSinkConnector.alterOffsets: the sink accepts any offsets (true). */
static int sink_connector_alter_offsets(const cd_properties_t *config,
                                        const cd_offset_entry_t *offsets, size_t count,
                                        char *errstr, size_t errstr_size)
{
    return 1;
}

/* ------------------------------------------------------------------ */
/* Task                                                                */
/* ------------------------------------------------------------------ */

typedef struct fs_sink_task_s {
    char *filename; /**< NULL: stdout */
    int fd;
    cd_buf_t line;
} fs_sink_task_t;

static void *sink_task_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                             size_t errstr_size)
{
    fs_sink_task_t *t = calloc(1, sizeof(*t));
    if (!t)
        goto oom;
    cd_buf_init(&t->line);
    t->fd = STDOUT_FILENO;
    const char *file = cd_properties_get(config, CD_FS_FILE_CONFIG);
    if (file) {
        if (!(t->filename = cd_fs_java_trim(file)))
            goto oom;
        if (!*t->filename) {
            free(t->filename);
            t->filename = NULL;
        }
    }
    if (t->filename) {
        t->fd = open(t->filename, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
        if (t->fd < 0) {
            snprintf(errstr, errstr_size,
                     "Couldn't find or create file '%s' for FileStreamSinkTask", t->filename);
            free(t->filename);
            free(t);
            return NULL;
        }
    }
    return t;
oom:
    free(t);
    snprintf(errstr, errstr_size, "out of memory");
    return NULL;
}

/** Writes the pending bytes; errors are dropped as Java's PrintStream does. */
static void sink_write_pending(fs_sink_task_t *t)
{
    size_t off = 0;
    while (off < t->line.len) {
        ssize_t n = write(t->fd, t->line.data + off, t->line.len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    cd_buf_reset(&t->line);
}

static int sink_task_put(void *state, cd_record_t *const *records, size_t count, char *errstr,
                         size_t errstr_size)
{
    fs_sink_task_t *t = state;
    for (size_t i = 0; i < count; i++) {
        /* PrintStream.println(Object): String.valueOf(value) then the line separator. */
        if (cd_fs_java_string_value_of(cd_record_value(records[i]), &t->line) != 0 ||
            cd_buf_append_char(&t->line, '\n') != 0) {
            snprintf(errstr, errstr_size, "FileStreamSinkTask: record value too large to print");
            cd_buf_reset(&t->line);
            return -1;
        }
        if (t->line.len >= 65536)
            sink_write_pending(t);
    }
    sink_write_pending(t);
    return 0;
}

static int sink_task_flush(void *state, const cd_topic_partition_offset_t *offsets, size_t count,
                           char *errstr, size_t errstr_size)
{
    sink_write_pending(state);
    return 0;
}

static void sink_task_stop(void *state)
{
    fs_sink_task_t *t = state;
    if (!t)
        return;
    sink_write_pending(t);
    if (t->filename && t->fd >= 0)
        close(t->fd);
    cd_buf_free(&t->line);
    free(t->filename);
    free(t);
}

static const cd_sink_task_plugin_t sink_task_plugin = {
    .start = sink_task_start,
    .put = sink_task_put,
    .flush = sink_task_flush,
    .stop = sink_task_stop,
};

static const char *const sink_aliases[] = {NULL};

const cd_connector_plugin_t cd_file_stream_sink_connector_plugin = {
    .class_name = "org.apache.kafka.connect.file.FileStreamSinkConnector",
    .aliases = sink_aliases,
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .type = CD_CONNECTOR_SINK,
    .config_keys = sink_config_keys,
    .start = sink_connector_start,
    .task_configs = sink_connector_task_configs,
    .stop = sink_connector_stop,
    .alter_offsets = sink_connector_alter_offsets,
    .sink_task = &sink_task_plugin,
};
