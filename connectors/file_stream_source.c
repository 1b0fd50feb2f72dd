/**
 * @file file_stream_source.c
 * @brief FileStreamSourceConnector / FileStreamSourceTask, as Apache Kafka 4.3's
 *        connect-file module: reads lines from a file (or stdin) and emits one
 *        record per line.
 *
 * Compatibility points (see docs/modules/file-stream.md):
 *  - the configuration table is Java's CONFIG_DEF (file, topic, batch.size);
 *  - the task decodes the bytes as Java's InputStreamReader(UTF-8) does (each
 *    malformed sequence is one U+FFFD) into a UTF-16 buffer of 1024 units that
 *    doubles when a full buffer holds no line end, and splits lines at \n, \r
 *    and \r\n (a trailing \r waits for the next character);
 *  - records have key null, value schema STRING, source partition
 *    {"filename": <file>} and offset {"position": <long>}, where position counts
 *    UTF-16 units consumed (Java's streamOffset) and is skipped as bytes on
 *    restart, exactly like Java, so stored offsets mean the same to both workers;
 *  - stdin is read when "file" is unset or empty, with offset {"position": null}.
 */
#include <connectd/connector.h>
#include <connectd/version.h>

#include "util/java_text.h"
#include "util/log.h"
#include "util/properties.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "connectors/file_stream.h"

#define SOURCE_LOGGER "org.apache.kafka.connect.file.FileStreamSourceConnector"
#define TASK_LOGGER "org.apache.kafka.connect.file.FileStreamSourceTask"
#define FS_INITIAL_BUFFER 1024
/** Largest line buffer (UTF-16 units); a longer line fails the task instead of growing forever. */
#define FS_MAX_BUFFER ((size_t)256 * 1024 * 1024)
#define FS_RAW_SIZE 8192
#define FS_WAIT_MS 1000
#define FS_WAIT_SLICE_MS 50

/* ------------------------------------------------------------------ */
/* Configuration (FileStreamSourceConnector.CONFIG_DEF)                */
/* ------------------------------------------------------------------ */

static const cd_config_key_t source_config_keys[] = {
    {.name = CD_FS_FILE_CONFIG,
     .type = CD_CONFIG_STRING,
     .default_value = NULL,
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Source filename. If not specified, the standard input will be used",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = CD_FS_TOPIC_CONFIG,
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "The topic to publish data to",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = CD_FS_BATCH_SIZE_CONFIG,
     .type = CD_CONFIG_INT,
     .default_value = "2000",
     .importance = CD_IMPORTANCE_LOW,
     .documentation =
         "The maximum number of records the source task can read from the file each time it "
         "is polled",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = NULL},
};

int cd_fs_source_config_parse(const cd_properties_t *props, cd_fs_source_config_t *out,
                              char *errstr, size_t errstr_size)
{
    /* new AbstractConfig(CONFIG_DEF, props): the shared ConfigDef parser gives Java's
     * ConfigException text ("Missing required configuration \"topic\" ..."). */
    memset(out, 0, sizeof(*out));
    cd_config_def_t *def = cd_config_def_new();
    if (!def) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    cd_config_def_add_table(def, source_config_keys);
    cd_config_t *config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config) {
        cd_config_def_destroy(def);
        return -1;
    }
    const char *file = cd_config_get_string(config, CD_FS_FILE_CONFIG);
    const char *topic = cd_config_get_string(config, CD_FS_TOPIC_CONFIG);
    out->batch_size = cd_config_get_int(config, CD_FS_BATCH_SIZE_CONFIG);
    out->file = file ? strdup(file) : NULL;
    out->topic = topic ? strdup(topic) : NULL;
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    if ((file && !out->file) || (topic && !out->topic)) {
        cd_fs_source_config_clear(out);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    return 0;
}

void cd_fs_source_config_clear(cd_fs_source_config_t *config)
{
    free(config->file);
    free(config->topic);
    config->file = config->topic = NULL;
}

/* ------------------------------------------------------------------ */
/* Connector                                                           */
/* ------------------------------------------------------------------ */

static void *source_connector_start(const cd_properties_t *config, cd_connector_context_t *ctx,
                                    char *errstr, size_t errstr_size)
{
    cd_fs_source_config_t parsed;
    if (cd_fs_source_config_parse(config, &parsed, errstr, errstr_size) != 0)
        return NULL;
    cd_log_info(SOURCE_LOGGER, "Starting file source connector reading from %s",
                parsed.file && *parsed.file ? parsed.file : "standard input");
    cd_fs_source_config_clear(&parsed);
    cd_properties_t *copy = cd_fs_properties_copy(config);
    if (!copy)
        snprintf(errstr, errstr_size, "out of memory");
    return copy;
}

static int source_connector_task_configs(void *state, int max_tasks, cd_properties_t **out,
                                         char *errstr, size_t errstr_size)
{
    /* Only one input stream makes sense: one task whatever tasks.max says. */
    out[0] = cd_fs_properties_copy(state);
    if (!out[0]) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    return 1;
}

static void source_connector_stop(void *state)
{
    cd_properties_destroy(state);
}

/** SourceConnector.alterOffsets as FileStreamSourceConnector 4.3 implements it. */
static int source_connector_alter_offsets(const cd_properties_t *config,
                                          const cd_offset_entry_t *offsets, size_t count,
                                          char *errstr, size_t errstr_size)
{
    cd_fs_source_config_t parsed;
    if (cd_fs_source_config_parse(config, &parsed, errstr, errstr_size) != 0)
        return -1;
    bool no_file = !parsed.file || !*parsed.file;
    cd_fs_source_config_clear(&parsed);
    if (no_file) {
        snprintf(errstr, errstr_size,
                 "Offsets cannot be modified if the '%s' configuration is unspecified. This is "
                 "because stdin is used for input and offsets are not tracked.",
                 CD_FS_FILE_CONFIG);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        const cd_value_t *offset = offsets[i].offset;
        if (!offset)
            continue; /* a reset is always allowed */
        bool has_position = false;
        const cd_value_t *position = NULL;
        if (cd_value_kind(offset) == CD_VALUE_MAP) {
            for (size_t j = 0; j < cd_value_map_size(offset); j++) {
                const cd_value_t *k = cd_value_map_key_at(offset, j);
                size_t klen;
                if (k && cd_value_kind(k) == CD_VALUE_STRING &&
                    strcmp(cd_value_string(k, &klen), CD_FS_POSITION_FIELD) == 0) {
                    has_position = true;
                    position = cd_value_map_value_at(offset, j);
                }
            }
        }
        if (!has_position) {
            snprintf(errstr, errstr_size,
                     "Offset objects should either be null or contain the key '%s'",
                     CD_FS_POSITION_FIELD);
            return -1;
        }
        if (!position || cd_value_kind(position) != CD_VALUE_INT64) {
            snprintf(errstr, errstr_size,
                     "The value for the '%s' key in the offset is expected to be a Long value",
                     CD_FS_POSITION_FIELD);
            return -1;
        }
        if (cd_value_int64(position) < 0) {
            snprintf(errstr, errstr_size,
                     "The value for the '%s' key in the offset should be a non-negative value",
                     CD_FS_POSITION_FIELD);
            return -1;
        }
        const cd_value_t *partition = offsets[i].partition;
        if (!partition) {
            snprintf(errstr, errstr_size, "Partition objects cannot be null");
            return -1;
        }
        bool has_filename = false;
        if (cd_value_kind(partition) == CD_VALUE_MAP) {
            for (size_t j = 0; j < cd_value_map_size(partition); j++) {
                const cd_value_t *k = cd_value_map_key_at(partition, j);
                size_t klen;
                if (k && cd_value_kind(k) == CD_VALUE_STRING &&
                    strcmp(cd_value_string(k, &klen), CD_FS_FILENAME_FIELD) == 0)
                    has_filename = true;
            }
        }
        if (!has_filename) {
            snprintf(errstr, errstr_size, "Partition objects should contain the key '%s'",
                     CD_FS_FILENAME_FIELD);
            return -1;
        }
    }
    return 1;
}

/* ------------------------------------------------------------------ */
/* Task                                                                */
/* ------------------------------------------------------------------ */

typedef struct fs_source_task_s {
    cd_task_context_t *ctx;
    char *filename; /**< NULL: stdin */
    char *topic;
    int32_t batch_size;
    int fd; /**< -1 until opened */
    bool is_stdin;
    bool has_stream_offset; /**< Java's streamOffset != null */
    int64_t stream_offset;
    uint16_t *buffer; /**< UTF-16 units, as Java's char[] */
    size_t capacity;
    size_t offset;            /**< units in buffer */
    uint8_t raw[FS_RAW_SIZE]; /**< bytes read but not decoded yet */
    size_t raw_len;
    bool eof;                  /**< the last read saw end of file (regular files: more may come) */
    uint16_t pending_low;      /**< a low surrogate a one-unit read left over (0: none) */
    cd_schema_t *value_schema; /**< Schema.STRING_SCHEMA, shared by every record */
    char *utf8;                /**< scratch for a line's UTF-8 bytes */
    size_t utf8_capacity;
} fs_source_task_t;

size_t cd_fs_source_task_buffer_size(void *state)
{
    return ((fs_source_task_t *)state)->capacity;
}

static void *source_task_start(const cd_properties_t *config, cd_task_context_t *ctx, char *errstr,
                               size_t errstr_size)
{
    cd_fs_source_config_t parsed;
    if (cd_fs_source_config_parse(config, &parsed, errstr, errstr_size) != 0)
        return NULL;
    fs_source_task_t *t = calloc(1, sizeof(*t));
    if (!t || !(t->buffer = malloc(FS_INITIAL_BUFFER * sizeof(uint16_t)))) {
        free(t);
        cd_fs_source_config_clear(&parsed);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    t->value_schema = cd_schema_new(CD_TYPE_STRING); /* Schema.STRING_SCHEMA */
    if (!t->value_schema) {
        free(t->buffer);
        free(t);
        cd_fs_source_config_clear(&parsed);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    t->ctx = ctx;
    t->capacity = FS_INITIAL_BUFFER;
    t->fd = -1;
    t->filename = parsed.file; /* taken */
    t->topic = parsed.topic;
    t->batch_size = parsed.batch_size;
    if (!t->filename || !*t->filename) {
        /* Tracking offsets for stdin doesn't make sense. */
        t->is_stdin = true;
        t->fd = STDIN_FILENO;
        t->has_stream_offset = false;
    }
    return t;
}

static void source_task_stop(void *state)
{
    fs_source_task_t *t = state;
    if (!t)
        return;
    if (t->fd >= 0 && !t->is_stdin)
        close(t->fd);
    free(t->buffer);
    free(t->utf8);
    cd_schema_unref(t->value_schema);
    free(t->filename);
    free(t->topic);
    free(t);
}

/** Waits about a second (Java's wait(1000)), giving up early when the task stops. */
static void source_wait(fs_source_task_t *t)
{
    for (int waited = 0; waited < FS_WAIT_MS; waited += FS_WAIT_SLICE_MS) {
        if (cd_task_context_is_stopping(t->ctx))
            return;
        struct timespec ts = {0, FS_WAIT_SLICE_MS * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static cd_value_t *single_map(const char *key, cd_value_t *value)
{
    cd_value_t *map = cd_value_new_map();
    if (map)
        cd_value_map_append(map, cd_value_new_cstring(key), value);
    return map;
}

/** Opens the file and skips to the stored offset. @returns 1 opened, 0 not there yet, -1 error. */
static int source_open(fs_source_task_t *t, char *errstr, size_t errstr_size)
{
    int fd = open(t->filename, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0; /* Java: NoSuchFileException, wait for it to be created */
        const char *cls = errno == EACCES || errno == EPERM ? "java.nio.file.AccessDeniedException"
                                                            : "java.nio.file.FileSystemException";
        if (errno == EACCES || errno == EPERM)
            snprintf(errstr, errstr_size, "%s: %s", cls, t->filename);
        else
            snprintf(errstr, errstr_size, "%s: %s: %s", cls, t->filename, strerror(errno));
        return -1;
    }
    cd_value_t *partition = single_map(CD_FS_FILENAME_FIELD, cd_value_new_cstring(t->filename));
    cd_value_t *offset = partition ? cd_task_context_offset(t->ctx, partition) : NULL;
    cd_value_destroy(partition);
    int64_t position = 0;
    if (offset && cd_value_kind(offset) == CD_VALUE_MAP) {
        const cd_value_t *pos = cd_value_map_get_str(offset, CD_FS_POSITION_FIELD);
        if (pos && cd_value_kind(pos) != CD_VALUE_INT64) {
            cd_value_destroy(offset);
            close(fd);
            snprintf(errstr, errstr_size, "Offset position is the incorrect type");
            return -1;
        }
        if (pos)
            position = cd_value_int64(pos);
    }
    cd_value_destroy(offset);
    if (position > 0 && lseek(fd, (off_t)position, SEEK_SET) < 0) {
        snprintf(errstr, errstr_size, "java.io.IOException: %s", strerror(errno));
        close(fd);
        return -1;
    }
    t->fd = fd;
    t->has_stream_offset = true;
    t->stream_offset = position;
    return 1;
}

static bool is_cont(uint8_t b)
{
    return (b & 0xC0) == 0x80;
}

static bool malformed3_2(uint8_t b1, uint8_t b2)
{
    return (b1 == 0xE0 && (b2 & 0xE0) == 0x80) || !is_cont(b2);
}

static bool malformed4_2(uint8_t b1, uint8_t b2)
{
    return (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) || (b1 == 0xF4 && (b2 & 0xF0) != 0x80) ||
           !is_cont(b2);
}

/**
 * Decodes the character at raw[i] as Java's UTF-8 CharsetDecoder with REPLACE.
 * @returns bytes consumed (>0) with the UTF-16 units in u[0..*n), or 0 when the
 *          bytes so far are an incomplete sequence (wait for more).
 */
static size_t decode_one(const uint8_t *p, size_t avail, uint16_t u[2], size_t *n)
{
    size_t len = cd_utf8_sequence_length(p, avail);
    *n = 1;
    if (len == 1) {
        u[0] = p[0];
        return 1;
    }
    if (len == 2) {
        u[0] = (uint16_t)(((p[0] & 0x1F) << 6) | (p[1] & 0x3F));
        return 2;
    }
    if (len == 3) {
        u[0] = (uint16_t)(((p[0] & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F));
        return 3;
    }
    if (len == 4) {
        uint32_t cp = ((uint32_t)(p[0] & 0x07) << 18) | ((uint32_t)(p[1] & 0x3F) << 12) |
                      ((uint32_t)(p[2] & 0x3F) << 6) | (p[3] & 0x3F);
        cp -= 0x10000;
        u[0] = (uint16_t)(0xD800 + (cp >> 10));
        u[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        *n = 2;
        return 4;
    }
    /* Malformed or incomplete: Java's malformed lengths, one U+FFFD each. */
    uint8_t b1 = p[0];
    size_t rest = avail - 1, skip = 1;
    if (b1 >= 0xC2 && b1 <= 0xDF) {
        if (rest == 0)
            return 0;
        skip = 1;
    } else if (b1 >= 0xE0 && b1 <= 0xEF) {
        if (rest == 0)
            return 0;
        if (malformed3_2(b1, p[1]))
            skip = 1;
        else if (rest == 1)
            return 0;
        else
            skip = is_cont(p[2]) ? 3 : 2; /* 3: an encoded surrogate */
    } else if (b1 >= 0xF0 && b1 <= 0xF4) {
        if (rest == 0)
            return 0;
        if (malformed4_2(b1, p[1]))
            skip = 1;
        else if (rest == 1)
            return 0;
        else if (!is_cont(p[2]))
            skip = 2;
        else if (rest == 2)
            return 0;
        else
            skip = 3;
    }
    u[0] = 0xFFFD;
    return skip;
}

/** Reads more bytes without blocking. @returns bytes read, 0 if none available now, -1 error. */
static ssize_t fill_raw(fs_source_task_t *t)
{
    if (t->raw_len >= sizeof(t->raw))
        return 0;
    if (t->is_stdin) {
        struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
        if (poll(&pfd, 1, 0) <= 0 || !(pfd.revents & (POLLIN | POLLHUP)))
            return 0;
    }
    ssize_t n = read(t->fd, t->raw + t->raw_len, sizeof(t->raw) - t->raw_len);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    t->eof = n == 0;
    t->raw_len += (size_t)n;
    return n;
}

/** BufferedReader.ready(): a character can be read without blocking. */
static int source_ready(fs_source_task_t *t)
{
    if (t->pending_low)
        return 1;
    for (;;) {
        if (t->raw_len > 0) {
            uint16_t u[2];
            size_t n;
            if (decode_one(t->raw, t->raw_len, u, &n) > 0)
                return 1;
        }
        ssize_t got = fill_raw(t);
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
    }
}

/** BufferedReader.read(buffer, offset, len). @returns units read (>= 0) or -1. */
static ssize_t source_read(fs_source_task_t *t, uint16_t *dst, size_t len)
{
    size_t done = 0, pos = 0;
    if (len > 0 && t->pending_low) {
        dst[done++] = t->pending_low;
        t->pending_low = 0;
    }
    while (done < len) {
        /* ASCII runs need no decoding */
        while (done < len && pos < t->raw_len && t->raw[pos] < 0x80)
            dst[done++] = t->raw[pos++];
        if (done >= len || pos >= t->raw_len)
            break;
        uint16_t u[2];
        size_t n;
        size_t used = decode_one(t->raw + pos, t->raw_len - pos, u, &n);
        if (used == 0)
            break;
        dst[done++] = u[0];
        if (n == 2) {
            if (done < len)
                dst[done++] = u[1];
            else
                t->pending_low = u[1]; /* as Java's StreamDecoder keeps a leftover char */
        }
        pos += used;
    }
    memmove(t->raw, t->raw + pos, t->raw_len - pos);
    t->raw_len -= pos;
    return (ssize_t)done;
}

/** Appends UTF-16 units as UTF-8 (a lone surrogate, which cannot come from the decoder,
 *  would become U+FFFD as String.getBytes does). */
static cd_value_t *utf16_to_string(fs_source_task_t *t, const uint16_t *s, size_t n)
{
    if (n * 3 + 1 > t->utf8_capacity) {
        char *grown = realloc(t->utf8, n * 3 + 1);
        if (!grown)
            return NULL;
        t->utf8 = grown;
        t->utf8_capacity = n * 3 + 1;
    }
    char *out = t->utf8;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t c = s[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
            i++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            c = '?';
        }
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if (c < 0x800) {
            out[o++] = (char)(0xC0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            out[o++] = (char)(0xE0 | (c >> 12));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (c >> 18));
            out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    return cd_value_new_string(out, o);
}

/** extractLine(): @returns 1 with *line set, 0 when no complete line is buffered, -1 oom. */
static int extract_line(fs_source_task_t *t, cd_value_t **line)
{
    size_t until = 0, new_start = 0;
    bool found = false;
    for (size_t i = 0; i < t->offset; i++) {
        if (t->buffer[i] == '\n') {
            until = i;
            new_start = i + 1;
            found = true;
            break;
        } else if (t->buffer[i] == '\r') {
            /* \r\n must be checked for: wait when the next char is not there yet */
            if (i + 1 >= t->offset)
                return 0;
            until = i;
            new_start = t->buffer[i + 1] == '\n' ? i + 2 : i + 1;
            found = true;
            break;
        }
    }
    if (!found)
        return 0;
    *line = utf16_to_string(t, t->buffer, until);
    if (!*line)
        return -1;
    memmove(t->buffer, t->buffer + new_start, (t->offset - new_start) * sizeof(uint16_t));
    t->offset -= new_start;
    if (t->has_stream_offset)
        t->stream_offset += (int64_t)new_start;
    return 1;
}

static cd_record_t *make_record(fs_source_task_t *t, cd_value_t *line)
{
    cd_record_t *r = cd_record_new(t->topic);
    if (!r) {
        cd_value_destroy(line);
        return NULL;
    }
    cd_record_set_value(r, t->value_schema, line);
    cd_value_t *partition =
        single_map(CD_FS_FILENAME_FIELD, t->filename ? cd_value_new_cstring(t->filename) : NULL);
    cd_value_t *offset = single_map(
        CD_FS_POSITION_FIELD, t->has_stream_offset ? cd_value_new_int64(t->stream_offset) : NULL);
    cd_record_set_source_position(r, partition, offset);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    cd_record_set_timestamp(r, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    return r;
}

/** Emits every complete buffered line. @returns 1 when the batch is full, 0, -1 (errstr). */
static int emit_lines(fs_source_task_t *t, cd_record_list_t *out, size_t *emitted, bool *found,
                      char *errstr, size_t errstr_size)
{
    for (;;) {
        cd_value_t *line = NULL;
        int rc = extract_line(t, &line);
        if (rc < 0)
            goto oom;
        if (rc == 0)
            return 0;
        *found = true;
        cd_record_t *r = make_record(t, line);
        if (!r)
            goto oom;
        cd_record_list_add(out, r);
        if ((int64_t)++ * emitted >= t->batch_size)
            return 1;
    }
oom:
    snprintf(errstr, errstr_size, "out of memory");
    return -1;
}

/** Doubles a full buffer that holds no line end. @returns 0 or -1 (errstr). */
static int grow_if_full(fs_source_task_t *t, char *errstr, size_t errstr_size)
{
    if (t->offset < t->capacity)
        return 0;
    if (t->capacity * 2 > FS_MAX_BUFFER) {
        snprintf(errstr, errstr_size,
                 "FileStreamSourceTask: a line of %s is longer than %zu characters",
                 t->filename ? t->filename : "stdin", FS_MAX_BUFFER);
        return -1;
    }
    uint16_t *grown = realloc(t->buffer, t->capacity * 2 * sizeof(uint16_t));
    if (!grown) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    cd_log_info(TASK_LOGGER, "Increased buffer from %zu to %zu", t->capacity, t->capacity * 2);
    t->buffer = grown;
    t->capacity *= 2;
    return 0;
}

static int source_task_poll(void *state, cd_record_list_t *out, char *errstr, size_t errstr_size)
{
    fs_source_task_t *t = state;
    if (t->fd < 0) {
        int rc = source_open(t, errstr, errstr_size);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            cd_log_warn(TASK_LOGGER,
                        "Couldn't find file %s for FileStreamSourceTask, sleeping to wait for it "
                        "to be created",
                        t->filename);
            source_wait(t);
            return 0;
        }
    }
    size_t emitted = 0;
    bool found = false;
    /* Lines a batch-limited poll left in the buffer go first (Java keeps them until
     * more bytes arrive; the records and offsets are the same, they only come sooner). */
    int rc = emit_lines(t, out, &emitted, &found, errstr, errstr_size);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (!found && grow_if_full(t, errstr, errstr_size) != 0)
        return -1;
    ssize_t nread = 0;
    for (;;) {
        int ready = source_ready(t);
        if (ready < 0)
            return 0; /* Java: an IOException here returns null (stream killed) */
        if (!ready)
            break;
        nread = source_read(t, t->buffer + t->offset, t->capacity - t->offset);
        if (nread <= 0)
            continue;
        t->offset += (size_t)nread;
        found = false;
        rc = emit_lines(t, out, &emitted, &found, errstr, errstr_size);
        if (rc != 0)
            return rc < 0 ? -1 : 0;
        if (!found && grow_if_full(t, errstr, errstr_size) != 0)
            return -1;
    }
    if (nread <= 0)
        source_wait(t);
    return 0;
}

static const cd_source_task_plugin_t source_task_plugin = {
    .start = source_task_start,
    .poll = source_task_poll,
    .stop = source_task_stop,
};

static const char *const source_aliases[] = {NULL};

const cd_connector_plugin_t cd_file_stream_source_connector_plugin = {
    .class_name = "org.apache.kafka.connect.file.FileStreamSourceConnector",
    .aliases = source_aliases,
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .type = CD_CONNECTOR_SOURCE,
    .config_keys = source_config_keys,
    .start = source_connector_start,
    .task_configs = source_connector_task_configs,
    .stop = source_connector_stop,
    .alter_offsets = source_connector_alter_offsets,
    .source_task = &source_task_plugin,
};
