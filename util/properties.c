/**
 * @file properties.c
 * @brief Java `.properties` parser, a faithful port of the rules of
 *        `java.util.Properties.load(InputStream)` (JDK 17 LineReader and
 *        loadConvert), written from the specification.
 *
 * Parsing happens in two steps, as in Java:
 *  1. read_logical_line() joins natural lines into one logical line: it skips
 *     blank and comment lines, leading whitespace, and removes each
 *     line-continuation backslash together with the line terminator after it
 *     and the leading whitespace of the continuation line.
 *  2. The logical line is split into key and value (split_key_value()) and
 *     both are unescaped (convert_segment()) into UTF-8.
 */
#include "util/properties.h"
#include "util/java_text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One entry: key and value live in one allocation ("key\0value\0"). */
typedef struct cd_properties_entry_s {
    char *key;
    char *value; /* points into the block that starts at key */
    size_t key_len;
    uint64_t hash;
} cd_properties_entry_t;

struct cd_properties_s {
    cd_properties_entry_t *entries; /* insertion order */
    size_t count;
    size_t capacity;
    size_t *index; /* open addressing: entry position + 1, 0 = empty slot */
    size_t index_capacity;
};

typedef enum {
    CD_PROPERTIES_SET_OK = 0,
    CD_PROPERTIES_SET_NOMEM = -1,
    CD_PROPERTIES_SET_TOO_MANY = -2,
    CD_PROPERTIES_SET_TOO_LONG = -3,
} cd_properties_set_result_t;

/* A growable byte buffer with a caller-checked size. */
typedef struct cd_properties_bytes_s {
    unsigned char *data;
    size_t len;
    size_t capacity;
} cd_properties_bytes_t;

#define CD_PROPERTIES_INDEX_MIN_CAPACITY 16
#define CD_PROPERTIES_REPLACEMENT_CHAR 0xFFFDu
#define CD_PROPERTIES_READ_CHUNK ((size_t)64 * 1024)

static void set_error(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    va_list ap;

    if (!errstr || errstr_size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* The ordered map                                                          */
/* ------------------------------------------------------------------------ */

static uint64_t hash_key(const char *key, size_t key_len)
{
    uint64_t hash = 14695981039346656037ULL; /* FNV-1a */
    size_t i;

    for (i = 0; i < key_len; i++) {
        hash ^= (unsigned char)key[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

/* Returns the entry position of key, or SIZE_MAX; *slot_out is the slot that
 * holds it or the empty slot where it belongs. The index must not be full. */
static size_t index_lookup(const cd_properties_t *props, const char *key, size_t key_len,
                           uint64_t hash, size_t *slot_out)
{
    size_t mask = props->index_capacity - 1;
    size_t slot = (size_t)hash & mask;

    for (;;) {
        size_t stored = props->index[slot];
        if (stored == 0) {
            *slot_out = slot;
            return SIZE_MAX;
        }
        const cd_properties_entry_t *entry = &props->entries[stored - 1];
        if (entry->hash == hash && entry->key_len == key_len &&
            memcmp(entry->key, key, key_len) == 0) {
            *slot_out = slot;
            return stored - 1;
        }
        slot = (slot + 1) & mask;
    }
}

static int index_rebuild(cd_properties_t *props, size_t new_capacity)
{
    size_t *new_index = calloc(new_capacity, sizeof(*new_index));
    size_t i;

    if (!new_index)
        return -1;
    free(props->index);
    props->index = new_index;
    props->index_capacity = new_capacity;
    for (i = 0; i < props->count; i++) {
        size_t slot = (size_t)props->entries[i].hash & (new_capacity - 1);
        while (new_index[slot] != 0)
            slot = (slot + 1) & (new_capacity - 1);
        new_index[slot] = i + 1;
    }
    return 0;
}

static cd_properties_set_result_t set_with_lengths(cd_properties_t *props, const char *key,
                                                   size_t key_len, const char *value,
                                                   size_t value_len)
{
    uint64_t hash;
    size_t slot;
    size_t position;
    char *block;

    if (key_len > CD_PROPERTIES_MAX_KEY_LEN || value_len > CD_PROPERTIES_MAX_VALUE_LEN)
        return CD_PROPERTIES_SET_TOO_LONG;

    /* Keep the load factor at or below one half. */
    if ((props->count + 1) * 2 > props->index_capacity) {
        size_t new_capacity =
            props->index_capacity ? props->index_capacity * 2 : CD_PROPERTIES_INDEX_MIN_CAPACITY;
        if (index_rebuild(props, new_capacity) != 0)
            return CD_PROPERTIES_SET_NOMEM;
    }

    hash = hash_key(key, key_len);
    position = index_lookup(props, key, key_len, hash, &slot);
    if (position == SIZE_MAX && props->count >= CD_PROPERTIES_MAX_ENTRIES)
        return CD_PROPERTIES_SET_TOO_MANY;

    block = malloc(key_len + 1 + value_len + 1);
    if (!block)
        return CD_PROPERTIES_SET_NOMEM;
    memcpy(block, key, key_len);
    block[key_len] = '\0';
    memcpy(block + key_len + 1, value, value_len);
    block[key_len + 1 + value_len] = '\0';

    if (position != SIZE_MAX) {
        cd_properties_entry_t *entry = &props->entries[position];
        free(entry->key);
        entry->key = block;
        entry->value = block + key_len + 1;
        return CD_PROPERTIES_SET_OK;
    }

    if (props->count == props->capacity) {
        size_t new_capacity = props->capacity ? props->capacity * 2 : 16;
        cd_properties_entry_t *grown =
            realloc(props->entries, new_capacity * sizeof(*props->entries));
        if (!grown) {
            free(block);
            return CD_PROPERTIES_SET_NOMEM;
        }
        props->entries = grown;
        props->capacity = new_capacity;
    }
    props->entries[props->count].key = block;
    props->entries[props->count].value = block + key_len + 1;
    props->entries[props->count].key_len = key_len;
    props->entries[props->count].hash = hash;
    props->count++;
    props->index[slot] = props->count;
    return CD_PROPERTIES_SET_OK;
}

cd_properties_t *cd_properties_new(void)
{
    return calloc(1, sizeof(cd_properties_t));
}

void cd_properties_destroy(cd_properties_t *props)
{
    size_t i;

    if (!props)
        return;
    for (i = 0; i < props->count; i++)
        free(props->entries[i].key);
    free(props->entries);
    free(props->index);
    free(props);
}

const char *cd_properties_get(const cd_properties_t *props, const char *key)
{
    size_t slot;
    size_t position;
    size_t key_len;

    if (!props || !key || props->count == 0)
        return NULL;
    key_len = strlen(key);
    position = index_lookup(props, key, key_len, hash_key(key, key_len), &slot);
    return position == SIZE_MAX ? NULL : props->entries[position].value;
}

int cd_properties_set(cd_properties_t *props, const char *key, const char *value)
{
    if (!props || !key || !value)
        return -1;
    return set_with_lengths(props, key, strlen(key), value, strlen(value)) == CD_PROPERTIES_SET_OK
               ? 0
               : -1;
}

int cd_properties_remove(cd_properties_t *props, const char *key)
{
    size_t slot;
    size_t position;
    size_t key_len;

    if (!props || !key || props->count == 0)
        return -1;
    key_len = strlen(key);
    position = index_lookup(props, key, key_len, hash_key(key, key_len), &slot);
    if (position == SIZE_MAX)
        return -1;
    free(props->entries[position].key);
    memmove(&props->entries[position], &props->entries[position + 1],
            (props->count - position - 1) * sizeof(*props->entries));
    props->count--;
    /* Positions after the removed entry shifted: rebuild in place. */
    memset(props->index, 0, props->index_capacity * sizeof(*props->index));
    for (position = 0; position < props->count; position++) {
        slot = (size_t)props->entries[position].hash & (props->index_capacity - 1);
        while (props->index[slot] != 0)
            slot = (slot + 1) & (props->index_capacity - 1);
        props->index[slot] = position + 1;
    }
    return 0;
}

size_t cd_properties_count(const cd_properties_t *props)
{
    return props ? props->count : 0;
}

const char *cd_properties_key_at(const cd_properties_t *props, size_t i)
{
    return props && i < props->count ? props->entries[i].key : NULL;
}

const char *cd_properties_value_at(const cd_properties_t *props, size_t i)
{
    return props && i < props->count ? props->entries[i].value : NULL;
}

/* ------------------------------------------------------------------------ */
/* Step 1: natural lines to logical lines (Java's LineReader.readLine)      */
/* ------------------------------------------------------------------------ */

typedef struct cd_properties_reader_s {
    const unsigned char *input;
    size_t input_len;
    size_t pos;
    cd_properties_bytes_t line; /* the current logical line, escapes kept */
    size_t line_start;          /* input offset of its first character */
} cd_properties_reader_t;

static int bytes_reserve(cd_properties_bytes_t *bytes, size_t extra)
{
    size_t needed;
    size_t new_capacity;
    unsigned char *grown;

    if (extra > SIZE_MAX - bytes->len)
        return -1;
    needed = bytes->len + extra;
    if (needed <= bytes->capacity)
        return 0;
    new_capacity = bytes->capacity ? bytes->capacity : 256;
    while (new_capacity < needed)
        new_capacity = new_capacity > SIZE_MAX / 2 ? needed : new_capacity * 2;
    grown = realloc(bytes->data, new_capacity);
    if (!grown)
        return -1;
    bytes->data = grown;
    bytes->capacity = new_capacity;
    return 0;
}

static bool is_properties_whitespace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

static bool is_line_terminator(unsigned char c)
{
    return c == '\r' || c == '\n';
}

/* Returns 1 with a logical line in reader->line, 0 at end of input, -1 on
 * out of memory. The logical line is never longer than the input. */
static int read_logical_line(cd_properties_reader_t *reader)
{
    bool skip_whitespace = true;
    bool appended_line_begin = false; /* just joined a continuation line */
    bool preceding_backslash = false; /* odd number of trailing backslashes */
    bool has_start = false;
    cd_properties_bytes_t *line = &reader->line;

    line->len = 0;
    for (;;) {
        unsigned char c;

        if (reader->pos >= reader->input_len) {
            if (line->len == 0)
                return 0;
            if (preceding_backslash)
                line->len--; /* a backslash at end of input is dropped */
            return 1;
        }
        c = reader->input[reader->pos++];

        if (skip_whitespace) {
            if (is_properties_whitespace(c))
                continue;
            if (!appended_line_begin && is_line_terminator(c))
                continue;
            skip_whitespace = false;
            appended_line_begin = false;
        }

        if (line->len == 0 && (c == '#' || c == '!')) {
            /* A comment runs to the end of the natural line; a backslash at
             * its end does not continue it. */
            while (reader->pos < reader->input_len &&
                   !is_line_terminator(reader->input[reader->pos]))
                reader->pos++;
            if (reader->pos >= reader->input_len)
                return 0;
            reader->pos++;
            skip_whitespace = true;
            continue;
        }

        if (!is_line_terminator(c)) {
            if (!has_start) {
                reader->line_start = reader->pos - 1;
                has_start = true;
            }
            if (bytes_reserve(line, 1) != 0)
                return -1;
            line->data[line->len++] = c;
            preceding_backslash = c == '\\' ? !preceding_backslash : false;
            continue;
        }

        /* A line terminator. */
        if (line->len == 0) {
            skip_whitespace = true;
            continue;
        }
        if (reader->pos >= reader->input_len) {
            if (preceding_backslash)
                line->len--;
            return 1;
        }
        if (!preceding_backslash)
            return 1;
        /* Continuation: drop the backslash, one terminator (\r\n counts as
         * one) and the leading whitespace of the next natural line. */
        line->len--;
        skip_whitespace = true;
        appended_line_begin = true;
        preceding_backslash = false;
        if (c == '\r' && reader->input[reader->pos] == '\n')
            reader->pos++;
    }
}

/* 1-based natural line number of input offset, counting \n, \r and \r\n. */
static unsigned long line_number_at(const unsigned char *input, size_t input_len, size_t offset)
{
    unsigned long line_number = 1;
    size_t i;

    for (i = 0; i < offset && i < input_len; i++) {
        if (input[i] == '\n')
            line_number++;
        else if (input[i] == '\r' && !(i + 1 < input_len && input[i + 1] == '\n'))
            line_number++;
    }
    return line_number;
}

/* ------------------------------------------------------------------------ */
/* Step 2: split and unescape (Java's load0 and loadConvert)                */
/* ------------------------------------------------------------------------ */

/* Finds the key [0, *key_len) and the value [*value_start, line_len). */
static void split_key_value(const unsigned char *line, size_t line_len, size_t *key_len,
                            size_t *value_start)
{
    size_t key_end = 0;
    size_t value_pos = line_len;
    bool has_separator = false;
    bool preceding_backslash = false;

    while (key_end < line_len) {
        unsigned char c = line[key_end];
        if ((c == '=' || c == ':') && !preceding_backslash) {
            value_pos = key_end + 1;
            has_separator = true;
            break;
        }
        if (is_properties_whitespace(c) && !preceding_backslash) {
            value_pos = key_end + 1;
            break;
        }
        preceding_backslash = c == '\\' ? !preceding_backslash : false;
        key_end++;
    }
    /* Whitespace, at most one '=' or ':' (unless the key ended on one), and
     * whitespace again belong to the separator. */
    while (value_pos < line_len) {
        unsigned char c = line[value_pos];
        if (!is_properties_whitespace(c)) {
            if (!has_separator && (c == '=' || c == ':'))
                has_separator = true;
            else
                break;
        }
        value_pos++;
    }
    *key_len = key_end;
    *value_start = value_pos;
}

typedef enum {
    CD_PROPERTIES_CONVERT_OK = 0,
    CD_PROPERTIES_CONVERT_NOMEM,
    CD_PROPERTIES_CONVERT_MALFORMED,
    CD_PROPERTIES_CONVERT_NUL,
    CD_PROPERTIES_CONVERT_TOO_LONG,
} cd_properties_convert_result_t;

static cd_properties_convert_result_t append_code_point(cd_properties_bytes_t *out,
                                                        uint32_t code_point, size_t limit)
{
    unsigned char encoded[4];
    size_t n;

    if (code_point == 0)
        return CD_PROPERTIES_CONVERT_NUL;
    if (code_point < 0x80) {
        encoded[0] = (unsigned char)code_point;
        n = 1;
    } else if (code_point < 0x800) {
        encoded[0] = (unsigned char)(0xC0 | (code_point >> 6));
        encoded[1] = (unsigned char)(0x80 | (code_point & 0x3F));
        n = 2;
    } else if (code_point < 0x10000) {
        encoded[0] = (unsigned char)(0xE0 | (code_point >> 12));
        encoded[1] = (unsigned char)(0x80 | ((code_point >> 6) & 0x3F));
        encoded[2] = (unsigned char)(0x80 | (code_point & 0x3F));
        n = 3;
    } else {
        encoded[0] = (unsigned char)(0xF0 | (code_point >> 18));
        encoded[1] = (unsigned char)(0x80 | ((code_point >> 12) & 0x3F));
        encoded[2] = (unsigned char)(0x80 | ((code_point >> 6) & 0x3F));
        encoded[3] = (unsigned char)(0x80 | (code_point & 0x3F));
        n = 4;
    }
    if (out->len + n > limit)
        return CD_PROPERTIES_CONVERT_TOO_LONG;
    if (bytes_reserve(out, n + 1) != 0) /* + 1 for the final NUL */
        return CD_PROPERTIES_CONVERT_NOMEM;
    memcpy(out->data + out->len, encoded, n);
    out->len += n;
    return CD_PROPERTIES_CONVERT_OK;
}

static bool is_high_surrogate(uint32_t unit)
{
    return unit >= 0xD800 && unit <= 0xDBFF;
}

static bool is_low_surrogate(uint32_t unit)
{
    return unit >= 0xDC00 && unit <= 0xDFFF;
}

/* Appends one UTF-16 code unit; surrogate pairs are joined through
 * *pending_high, lone surrogates become U+FFFD. */
static cd_properties_convert_result_t append_utf16_unit(cd_properties_bytes_t *out, uint32_t unit,
                                                        uint32_t *pending_high, size_t limit)
{
    cd_properties_convert_result_t result;

    if (*pending_high != 0) {
        uint32_t high = *pending_high;
        *pending_high = 0;
        if (is_low_surrogate(unit))
            return append_code_point(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00),
                                     limit);
        result = append_code_point(out, CD_PROPERTIES_REPLACEMENT_CHAR, limit);
        if (result != CD_PROPERTIES_CONVERT_OK)
            return result;
    }
    if (is_high_surrogate(unit)) {
        *pending_high = unit;
        return CD_PROPERTIES_CONVERT_OK;
    }
    if (is_low_surrogate(unit))
        unit = CD_PROPERTIES_REPLACEMENT_CHAR;
    return append_code_point(out, unit, limit);
}

/* Unescapes one ISO-8859-1 segment into NUL-terminated UTF-8 in out. */
static cd_properties_convert_result_t convert_segment(const unsigned char *in, size_t in_len,
                                                      cd_properties_bytes_t *out, size_t limit)
{
    cd_properties_convert_result_t result;
    uint32_t pending_high = 0;
    size_t i = 0;

    out->len = 0;
    if (bytes_reserve(out, 1) != 0)
        return CD_PROPERTIES_CONVERT_NOMEM;
    while (i < in_len) {
        uint32_t unit = in[i++];

        /* The line reader guarantees a backslash is never the last character
         * of a segment; a stray one is kept literally all the same. */
        if (unit == '\\' && i < in_len) {
            unit = in[i++];
            if (unit == 'u') {
                int digit;
                size_t k;

                if (in_len - i < 4)
                    return CD_PROPERTIES_CONVERT_MALFORMED;
                unit = 0;
                for (k = 0; k < 4; k++) {
                    digit = cd_hex_digit_value(in[i++]);
                    if (digit < 0)
                        return CD_PROPERTIES_CONVERT_MALFORMED;
                    unit = (unit << 4) | (uint32_t)digit;
                }
            } else if (unit == 't') {
                unit = '\t';
            } else if (unit == 'r') {
                unit = '\r';
            } else if (unit == 'n') {
                unit = '\n';
            } else if (unit == 'f') {
                unit = '\f';
            }
        }
        result = append_utf16_unit(out, unit, &pending_high, limit);
        if (result != CD_PROPERTIES_CONVERT_OK)
            return result;
    }
    if (pending_high != 0) {
        result = append_code_point(out, CD_PROPERTIES_REPLACEMENT_CHAR, limit);
        if (result != CD_PROPERTIES_CONVERT_OK)
            return result;
    }
    out->data[out->len] = '\0';
    return CD_PROPERTIES_CONVERT_OK;
}

static void set_convert_error(char *errstr, size_t errstr_size, unsigned long line_number,
                              cd_properties_convert_result_t result, const char *what, size_t limit)
{
    switch (result) {
    case CD_PROPERTIES_CONVERT_MALFORMED:
        set_error(errstr, errstr_size, "line %lu: Malformed \\uxxxx encoding.", line_number);
        break;
    case CD_PROPERTIES_CONVERT_NUL:
        set_error(errstr, errstr_size, "line %lu: NUL character in %s is not supported",
                  line_number, what);
        break;
    case CD_PROPERTIES_CONVERT_TOO_LONG:
        set_error(errstr, errstr_size, "line %lu: %s longer than %zu bytes", line_number, what,
                  limit);
        break;
    default:
        set_error(errstr, errstr_size, "out of memory");
        break;
    }
}

/* Moves or copies every entry of src into dst (last wins). */
static int merge_into(cd_properties_t *dst, cd_properties_t *src, char *errstr, size_t errstr_size)
{
    size_t i;

    if (dst->count == 0) {
        cd_properties_t swapped = *dst;
        *dst = *src;
        *src = swapped;
        return 0;
    }
    for (i = 0; i < src->count; i++) {
        const cd_properties_entry_t *entry = &src->entries[i];
        cd_properties_set_result_t result =
            set_with_lengths(dst, entry->key, entry->key_len, entry->value, strlen(entry->value));
        if (result == CD_PROPERTIES_SET_TOO_MANY) {
            set_error(errstr, errstr_size, "more than %zu distinct keys",
                      (size_t)CD_PROPERTIES_MAX_ENTRIES);
            return -1;
        }
        if (result != CD_PROPERTIES_SET_OK) {
            set_error(errstr, errstr_size, "out of memory");
            return -1;
        }
    }
    return 0;
}

int cd_properties_parse(cd_properties_t *props, const char *buf, size_t len, char *errstr,
                        size_t errstr_size)
{
    cd_properties_reader_t reader;
    cd_properties_bytes_t key = {0};
    cd_properties_bytes_t value = {0};
    cd_properties_t *parsed = NULL;
    int ret = -1;
    int rc;

    memset(&reader, 0, sizeof(reader));
    if (!props || (!buf && len > 0)) {
        set_error(errstr, errstr_size, "invalid argument");
        goto fail;
    }
    if (len > CD_PROPERTIES_MAX_INPUT_SIZE) {
        set_error(errstr, errstr_size, "input too large: %zu bytes (limit %zu)", len,
                  (size_t)CD_PROPERTIES_MAX_INPUT_SIZE);
        goto fail;
    }
    parsed = cd_properties_new();
    if (!parsed) {
        set_error(errstr, errstr_size, "out of memory");
        goto fail;
    }
    reader.input = (const unsigned char *)buf;
    reader.input_len = len;

    while ((rc = read_logical_line(&reader)) > 0) {
        const unsigned char *line = reader.line.data;
        size_t line_len = reader.line.len;
        size_t key_len;
        size_t value_start;
        cd_properties_convert_result_t result;
        cd_properties_set_result_t set_result;

        split_key_value(line, line_len, &key_len, &value_start);
        result = convert_segment(line, key_len, &key, CD_PROPERTIES_MAX_KEY_LEN);
        if (result != CD_PROPERTIES_CONVERT_OK) {
            set_convert_error(errstr, errstr_size,
                              line_number_at(reader.input, len, reader.line_start), result, "key",
                              CD_PROPERTIES_MAX_KEY_LEN);
            goto fail;
        }
        result = convert_segment(line + value_start, line_len - value_start, &value,
                                 CD_PROPERTIES_MAX_VALUE_LEN);
        if (result != CD_PROPERTIES_CONVERT_OK) {
            set_convert_error(errstr, errstr_size,
                              line_number_at(reader.input, len, reader.line_start), result, "value",
                              CD_PROPERTIES_MAX_VALUE_LEN);
            goto fail;
        }
        set_result = set_with_lengths(parsed, (const char *)key.data, key.len,
                                      (const char *)value.data, value.len);
        if (set_result == CD_PROPERTIES_SET_TOO_MANY) {
            set_error(errstr, errstr_size, "line %lu: more than %zu distinct keys",
                      line_number_at(reader.input, len, reader.line_start),
                      (size_t)CD_PROPERTIES_MAX_ENTRIES);
            goto fail;
        }
        if (set_result != CD_PROPERTIES_SET_OK) {
            set_error(errstr, errstr_size, "out of memory");
            goto fail;
        }
    }
    if (rc < 0) {
        set_error(errstr, errstr_size, "out of memory");
        goto fail;
    }
    if (merge_into(props, parsed, errstr, errstr_size) != 0)
        goto fail;
    ret = 0;

fail:
    cd_properties_destroy(parsed);
    free(reader.line.data);
    free(key.data);
    free(value.data);
    return ret;
}

int cd_properties_load_file(cd_properties_t *props, const char *path, char *errstr,
                            size_t errstr_size)
{
    char parse_error[512];
    unsigned char *data = NULL;
    size_t len = 0;
    size_t capacity = 0;
    int fd = -1;
    int ret = -1;

    if (!props || !path) {
        set_error(errstr, errstr_size, "invalid argument");
        goto fail;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_error(errstr, errstr_size, "cannot open %s: %s", path, strerror(errno));
        goto fail;
    }
    for (;;) {
        ssize_t n;

        if (len == capacity) {
            /* Room for one byte past the limit, to detect a file too large. */
            size_t new_capacity = capacity + CD_PROPERTIES_READ_CHUNK;
            unsigned char *grown;

            if (new_capacity > CD_PROPERTIES_MAX_INPUT_SIZE + 1)
                new_capacity = CD_PROPERTIES_MAX_INPUT_SIZE + 1;
            grown = realloc(data, new_capacity);
            if (!grown) {
                set_error(errstr, errstr_size, "cannot read %s: out of memory", path);
                goto fail;
            }
            data = grown;
            capacity = new_capacity;
        }
        n = read(fd, data + len, capacity - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            set_error(errstr, errstr_size, "cannot read %s: %s", path, strerror(errno));
            goto fail;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > CD_PROPERTIES_MAX_INPUT_SIZE) {
            set_error(errstr, errstr_size, "cannot read %s: file larger than %zu bytes", path,
                      (size_t)CD_PROPERTIES_MAX_INPUT_SIZE);
            goto fail;
        }
    }
    parse_error[0] = '\0';
    if (cd_properties_parse(props, (const char *)data, len, parse_error, sizeof(parse_error)) !=
        0) {
        set_error(errstr, errstr_size, "%s: %s", path, parse_error);
        goto fail;
    }
    ret = 0;

fail:
    if (fd >= 0)
        close(fd);
    free(data);
    return ret;
}

cd_properties_t *cd_properties_copy(const cd_properties_t *props)
{
    cd_properties_t *copy = cd_properties_new();
    if (!copy || !props)
        return copy;
    for (size_t i = 0; i < props->count; i++) {
        if (cd_properties_set(copy, props->entries[i].key, props->entries[i].value) != 0) {
            cd_properties_destroy(copy);
            return NULL;
        }
    }
    return copy;
}

bool cd_properties_equal(const cd_properties_t *a, const cd_properties_t *b)
{
    if (cd_properties_count(a) != cd_properties_count(b))
        return false;
    for (size_t i = 0; i < cd_properties_count(a); i++) {
        const char *other = cd_properties_get(b, cd_properties_key_at(a, i));
        if (!other || strcmp(other, cd_properties_value_at(a, i)) != 0)
            return false;
    }
    return true;
}
