/*
 * json_writer.c: Connect data -> JSON text for the JsonConverter, formatted
 * exactly as Jackson writes the JsonNode tree Java's JsonConverter builds
 * (asJsonSchema() and convertToJson()): compact, members in Java's order,
 * strings escaped as Jackson's UTF8JsonGenerator does, floating-point numbers
 * as Float.toString()/Double.toString(), binary as Base64 with padding.
 */
#include "converters/json_converter.h"
#include "util/java_text.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct writer_s {
    const cd_json_options_t *opts;
    cd_buf_t *out;
    char *errstr;
    size_t errstr_size;
    int depth;
} writer_t;

static int write_error(writer_t *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int write_error(writer_t *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->errstr, w->errstr_size, fmt, ap);
    va_end(ap);
    return -1;
}

static int overflow_error(writer_t *w);

/** Appends raw text, reporting a full buffer. */
static int emit(writer_t *w, const char *s, size_t len)
{
    return cd_buf_append(w->out, s, len) == 0 ? 0 : overflow_error(w);
}

static int emit_str(writer_t *w, const char *s)
{
    return emit(w, s, strlen(s));
}

int cd_json_decimal_scale(const cd_schema_t *schema, int32_t *scale, char *errstr,
                          size_t errstr_size)
{
    const char *text = cd_schema_parameter(schema, CD_DECIMAL_SCALE_PARAM);
    if (!text) {
        snprintf(errstr, errstr_size, "Invalid Decimal schema: scale parameter not found.");
        return -1;
    }
    if (!cd_java_parse_int(text, scale)) {
        snprintf(errstr, errstr_size, "Invalid scale parameter found in Decimal schema: ");
        return -1;
    }
    return 0;
}

/** Counts one more open container, as Jackson's StreamWriteConstraints. */
static int enter(writer_t *w)
{
    if (++w->depth > CD_JSON_MAX_DEPTH)
        return write_error(w,
                           CD_JSON_WRITE_SERIALIZATION_ERROR
                           "Document nesting depth (%d) exceeds the maximum allowed (%d)",
                           w->depth, CD_JSON_MAX_DEPTH);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Scalars                                                              */
/* ------------------------------------------------------------------ */

/** @returns the length of the prefix of @p p that needs no escaping (printable ASCII but
 *  '"' and '\\'), eight bytes a step. */
static size_t plain_prefix_length(const uint8_t *p, size_t len)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, 8);
        uint64_t quote = word ^ (ones * '"'), backslash = word ^ (ones * '\\');
        uint64_t special = (word | ((word - ones * 0x20) & ~word) | ((quote - ones) & ~quote) |
                            ((backslash - ones) & ~backslash)) &
                           highs;
        if (special) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* The lowest flagged byte is exact (a borrow only disturbs the bytes above it). */
            return i + (size_t)__builtin_ctzll(special) / 8;
#else
            break;
#endif
        }
    }
    while (i < len && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
        i++;
    return i;
}

int cd_json_write_string(cd_buf_t *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    const uint8_t *p = (const uint8_t *)s;
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    size_t plain = plain_prefix_length(p, len);
    if (plain == len) {
        /* Nothing to escape: one append. */
        uint8_t *dst = len <= SIZE_MAX - 2 ? cd_buf_append_space(out, len + 2) : NULL;
        if (!dst)
            return -1;
        dst[0] = '"';
        memcpy(dst + 1, s, len);
        dst[len + 1] = '"';
        return 0;
    }
    int rc = cd_buf_append_char(out, '"');
    for (size_t i = plain; i < len && rc == 0;) {
        uint8_t c = p[i];
        char esc[6];
        char surrogates[12];
        bool surrogate_escape = false;
        size_t esc_len = 0;
        size_t step = 1;
        if (c < 0x20) {
            /* Jackson: short escapes for \b \t \n \f \r, \u00XX for the rest. */
            char short_esc = c == '\b'   ? 'b'
                             : c == '\t' ? 't'
                             : c == '\n' ? 'n'
                             : c == '\f' ? 'f'
                             : c == '\r' ? 'r'
                                         : 0;
            esc[0] = '\\';
            if (short_esc) {
                esc[1] = short_esc;
                esc_len = 2;
            } else {
                memcpy(esc + 1, "u00", 3);
                esc[4] = hex[c >> 4];
                esc[5] = hex[c & 0xF];
                esc_len = 6;
            }
        } else if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            esc_len = 2;
        } else if (c >= 0x80) {
            step = cd_utf8_sequence_length(p + i, len - i);
            if (step == 0) {
                /* Not UTF-8: written as U+FFFD, as a Java String decoded from it would hold. */
                memcpy(esc, "\xEF\xBF\xBD", 3);
                esc_len = 3;
                step = 1;
            } else if (step == 4) {
                /* Jackson escapes each UTF-16 surrogate of a supplementary character. */
                uint32_t cp = (uint32_t)(c & 0x07) << 18 | (uint32_t)(p[i + 1] & 0x3F) << 12 |
                              (uint32_t)(p[i + 2] & 0x3F) << 6 | (uint32_t)(p[i + 3] & 0x3F);
                uint32_t units[2] = {0xD800 + ((cp - 0x10000) >> 10),
                                     0xDC00 + ((cp - 0x10000) & 0x3FF)};
                for (int u = 0; u < 2; u++) {
                    char *e = surrogates + u * 6;
                    e[0] = '\\';
                    e[1] = 'u';
                    e[2] = hex[units[u] >> 12 & 0xF];
                    e[3] = hex[units[u] >> 8 & 0xF];
                    e[4] = hex[units[u] >> 4 & 0xF];
                    e[5] = hex[units[u] & 0xF];
                }
                surrogate_escape = true;
            }
        }
        if (esc_len || surrogate_escape) {
            if (i > run)
                rc = cd_buf_append(out, p + run, i - run);
            if (rc == 0)
                rc = surrogate_escape ? cd_buf_append(out, surrogates, sizeof(surrogates))
                                      : cd_buf_append(out, esc, esc_len);
            run = i + step;
        }
        i += step;
    }
    if (rc == 0 && len > run)
        rc = cd_buf_append(out, p + run, len - run);
    if (rc == 0)
        rc = cd_buf_append_char(out, '"');
    return rc;
}

/** Appends the JSON for a non-finite value: Jackson writes NaN and the infinities as strings. */
static int write_non_finite(cd_buf_t *out, double v)
{
    if (isnan(v))
        return cd_buf_append_str(out, "\"NaN\"");
    return cd_buf_append_str(out, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
}

int cd_json_write_double(cd_buf_t *out, double v)
{
    char buf[CD_JAVA_FLOATING_TEXT_MAX];
    if (!isfinite(v))
        return write_non_finite(out, v);
    return cd_buf_append(out, buf, cd_java_double_to_string(v, buf, sizeof(buf)));
}

int cd_json_write_float(cd_buf_t *out, float v)
{
    char buf[CD_JAVA_FLOATING_TEXT_MAX];
    if (!isfinite(v))
        return write_non_finite(out, (double)v);
    return cd_buf_append(out, buf, cd_java_float_to_string(v, buf, sizeof(buf)));
}

static int write_int(writer_t *w, int64_t v)
{
    char buf[24];
    size_t n = 0;
    if (v < 0)
        buf[n++] = '-';
    n += cd_uint64_to_decimal(v < 0 ? 0 - (uint64_t)v : (uint64_t)v, buf + n);
    return emit(w, buf, n);
}

static int write_base64(writer_t *w, const uint8_t *data, size_t len)
{
    unsigned char chunk[4 * 1024 + 1];
    if (emit(w, "\"", 1) != 0)
        return -1;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < 3 * 1024 ? len - off : 3 * 1024;
        int enc = EVP_EncodeBlock(chunk, data + off, (int)n);
        if (emit(w, (const char *)chunk, (size_t)enc) != 0)
            return -1;
        off += n;
    }
    return emit(w, "\"", 1);
}

/** Reports a failed append (the buffer's cap reached, or out of memory). */
static int overflow_error(writer_t *w)
{
    return write_error(w, CD_JSON_WRITE_SERIALIZATION_ERROR "output exceeds %zu bytes",
                       w->out->max_size ? w->out->max_size : CD_BUF_DEFAULT_CAP);
}

static int write_text(writer_t *w, const char *s, size_t len)
{
    return cd_json_write_string(w->out, s, len) == 0 ? 0 : overflow_error(w);
}

/* ------------------------------------------------------------------ */
/* Values (convertToJson)                                               */
/* ------------------------------------------------------------------ */

static int write_value(writer_t *w, const cd_schema_t *schema, const cd_value_t *value);

/** @returns the Java class name of a value for messages ("class java.lang.String"). */
static const char *java_class(const cd_value_t *value)
{
    return cd_value_kind_java_class(cd_value_kind(value));
}

static int write_logical(writer_t *w, const cd_schema_t *schema, const cd_value_t *value,
                         const char *name, bool *handled)
{
    cd_value_kind_t kind = cd_value_kind(value);
    *handled = true;
    if (strcmp(name, CD_LOGICAL_DECIMAL) == 0) {
        if (kind != CD_VALUE_DECIMAL)
            return write_error(w, "Invalid type for Decimal, expected BigDecimal but was class %s",
                               java_class(value));
        if (w->opts->decimal_numeric) {
            char small[128];
            size_t n = cd_value_decimal_to_string(value, small, sizeof(small));
            if (n < sizeof(small))
                return emit(w, small, n);
            char *big = malloc(n + 1);
            if (!big)
                return write_error(w, "out of memory");
            cd_value_decimal_to_string(value, big, n + 1);
            int rc = emit(w, big, n);
            free(big);
            return rc;
        }
        int32_t scale;
        if (cd_json_decimal_scale(schema, &scale, w->errstr, w->errstr_size) != 0)
            return -1;
        if (scale != cd_value_decimal_scale(value))
            return write_error(w,
                               "Decimal value has mismatching scale for given Decimal schema. "
                               "Schema has scale %d, value has scale %d.",
                               (int)scale, (int)cd_value_decimal_scale(value));
        size_t len;
        const uint8_t *unscaled = cd_value_decimal_unscaled(value, &len);
        return write_base64(w, unscaled, len);
    }
    if (strcmp(name, CD_LOGICAL_DATE) == 0) {
        int32_t days;
        if (kind == CD_VALUE_INT32) /* the physical form, accepted for leniency */
            return write_int(w, cd_value_int32(value));
        if (kind != CD_VALUE_DATE)
            return write_error(w, "Invalid type for Date, expected Date but was class %s",
                               java_class(value));
        if (cd_logical_date_to_days(cd_value_date_ms(value), &days, w->errstr, w->errstr_size))
            return -1;
        return write_int(w, days);
    }
    if (strcmp(name, CD_LOGICAL_TIME) == 0) {
        int32_t millis;
        if (kind == CD_VALUE_INT32)
            return write_int(w, cd_value_int32(value));
        if (kind != CD_VALUE_DATE)
            return write_error(w, "Invalid type for Time, expected Date but was class %s",
                               java_class(value));
        if (cd_logical_time_to_millis(cd_value_date_ms(value), &millis, w->errstr, w->errstr_size))
            return -1;
        return write_int(w, millis);
    }
    if (strcmp(name, CD_LOGICAL_TIMESTAMP) == 0) {
        if (kind == CD_VALUE_INT64)
            return write_int(w, cd_value_int64(value));
        if (kind != CD_VALUE_DATE)
            return write_error(w, "Invalid type for Timestamp, expected Date but was class %s",
                               java_class(value));
        return write_int(w, cd_value_date_ms(value));
    }
    *handled = false;
    return 0;
}

/** The schema type Java infers from a value's class (ConnectSchema.schemaType). */
static int infer_type(writer_t *w, const cd_value_t *value, cd_type_t *type)
{
    cd_value_kind_t kind = cd_value_kind(value);
    if (kind == CD_VALUE_DECIMAL || kind == CD_VALUE_DATE)
        return write_error(w, "Java class class %s does not have corresponding schema type.",
                           java_class(value));
    *type = (cd_type_t)kind; /* the kinds INT8..STRUCT mirror the types */
    return 0;
}

/** The text a map key has as an object member name (JsonNode.asText()). */
static int map_key_text(writer_t *w, const cd_schema_t *key_schema, const cd_value_t *key,
                        const char **text, size_t *len)
{
    while (!key) {
        if (!key_schema) {
            *text = "null";
            *len = 4;
            return 0;
        }
        const cd_value_t *def = cd_schema_default(key_schema);
        if (def && w->opts->replace_null_with_default) {
            key = def;
            break;
        }
        if (cd_schema_is_optional(key_schema)) {
            *text = "null";
            *len = 4;
            return 0;
        }
        return write_error(w, "Conversion error: null value for field that is required and has "
                              "no default value");
    }
    if (cd_value_kind(key) != CD_VALUE_STRING)
        return write_error(w, "Invalid type for STRING: class %s", java_class(key));
    *text = cd_value_string(key, len);
    return 0;
}

static int write_map(writer_t *w, const cd_schema_t *schema, const cd_value_t *map)
{
    const cd_schema_t *key_schema = schema ? cd_schema_key_schema(schema) : NULL;
    const cd_schema_t *value_schema = schema ? cd_schema_value_schema(schema) : NULL;
    size_t n = cd_value_map_size(map);
    bool object_mode = true;
    if (schema) {
        object_mode = key_schema && cd_schema_type(key_schema) == CD_TYPE_STRING;
    } else {
        for (size_t i = 0; i < n && object_mode; i++) {
            const cd_value_t *key = cd_value_map_key_at(map, i);
            object_mode = key && cd_value_kind(key) == CD_VALUE_STRING;
        }
    }
    if (enter(w) != 0 || emit(w, object_mode ? "{" : "[", 1) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const cd_value_t *key = cd_value_map_key_at(map, i);
        const cd_value_t *val = cd_value_map_value_at(map, i);
        if (i > 0 && emit(w, ",", 1) != 0)
            return -1;
        if (object_mode) {
            const char *text = NULL;
            size_t len = 0;
            if (map_key_text(w, key_schema, key, &text, &len) != 0 ||
                write_text(w, text, len) != 0 || emit(w, ":", 1) != 0 ||
                write_value(w, value_schema, val) != 0)
                return -1;
        } else {
            if (enter(w) != 0 || emit(w, "[", 1) != 0 || write_value(w, key_schema, key) != 0 ||
                emit(w, ",", 1) != 0 || write_value(w, value_schema, val) != 0 ||
                emit(w, "]", 1) != 0)
                return -1;
            w->depth--;
        }
    }
    w->depth--;
    return emit(w, object_mode ? "}" : "]", 1);
}

static int write_struct(writer_t *w, const cd_schema_t *schema, const cd_value_t *st)
{
    if (!schema || !cd_schema_equals(cd_value_struct_schema(st), schema))
        return write_error(w, "Mismatching schema.");
    if (enter(w) != 0 || emit(w, "{", 1) != 0)
        return -1;
    size_t n = cd_schema_field_count(schema);
    for (size_t i = 0; i < n; i++) {
        const cd_field_t *field = cd_schema_field_at(schema, i);
        const char *name = cd_field_name(field);
        if ((i > 0 && emit(w, ",", 1) != 0) || write_text(w, name, strlen(name)) != 0 ||
            emit(w, ":", 1) != 0 ||
            write_value(w, cd_field_schema(field), cd_value_struct_get_at(st, i)) != 0)
            return -1;
    }
    w->depth--;
    return emit(w, "}", 1);
}

static int write_value(writer_t *w, const cd_schema_t *schema, const cd_value_t *value)
{
    cd_type_t type = CD_TYPE_STRING;
    if (!value) {
        if (!schema)
            return emit(w, "null", 4);
        const cd_value_t *def = cd_schema_default(schema);
        if (def && w->opts->replace_null_with_default)
            return write_value(w, schema, def);
        if (cd_schema_is_optional(schema))
            return emit(w, "null", 4);
        return write_error(w, "Conversion error: null value for field that is required and has "
                              "no default value");
    }
    if (cd_schema_logical(schema) != CD_LOGICAL_NONE) { /* see read_value() */
        bool handled;
        int rc = write_logical(w, schema, value, cd_schema_name(schema), &handled);
        if (handled)
            return rc;
    }
    if (schema)
        type = cd_schema_type(schema);
    else if (infer_type(w, value, &type) != 0)
        return -1;

    cd_value_kind_t kind = cd_value_kind(value);
    if (type == CD_TYPE_BYTES) {
        if (kind != CD_VALUE_BYTES)
            return write_error(w, "Invalid type for bytes type: class %s", java_class(value));
    } else if ((cd_value_kind_t)type != kind) {
        /* Java's ClassCastException, reported with the schema type. */
        return write_error(w, "Invalid type for %s: class %s",
                           schema ? cd_type_name(type) : "unknown schema", java_class(value));
    }
    switch (type) {
    case CD_TYPE_INT8:
    case CD_TYPE_INT16:
    case CD_TYPE_INT32:
    case CD_TYPE_INT64:
        return write_int(w, cd_value_as_int64(value));
    case CD_TYPE_FLOAT32:
        return cd_json_write_float(w->out, cd_value_float32(value)) == 0 ? 0 : overflow_error(w);
    case CD_TYPE_FLOAT64:
        return cd_json_write_double(w->out, cd_value_float64(value)) == 0 ? 0 : overflow_error(w);
    case CD_TYPE_BOOLEAN:
        return cd_value_boolean(value) ? emit(w, "true", 4) : emit(w, "false", 5);
    case CD_TYPE_STRING: {
        size_t len;
        const char *s = cd_value_string(value, &len);
        return write_text(w, s, len);
    }
    case CD_TYPE_BYTES: {
        size_t len;
        const uint8_t *b = cd_value_bytes(value, &len);
        return write_base64(w, b, len);
    }
    case CD_TYPE_ARRAY: {
        const cd_schema_t *items = schema ? cd_schema_value_schema(schema) : NULL;
        size_t n = cd_value_array_size(value);
        if (enter(w) != 0 || emit(w, "[", 1) != 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            if ((i > 0 && emit(w, ",", 1) != 0) ||
                write_value(w, items, cd_value_array_at(value, i)) != 0)
                return -1;
        }
        w->depth--;
        return emit(w, "]", 1);
    }
    case CD_TYPE_MAP:
        return write_map(w, schema, value);
    case CD_TYPE_STRUCT:
        return write_struct(w, schema, value);
    }
    return write_error(w, "Couldn't convert value to JSON.");
}

/* ------------------------------------------------------------------ */
/* Schemas (asJsonSchema)                                               */
/* ------------------------------------------------------------------ */

static int write_schema(writer_t *w, const cd_schema_t *schema, const char *field_name);

static int write_schema_member(writer_t *w, const char *name, const cd_schema_t *schema)
{
    if (emit(w, ",\"", 2) != 0 || emit_str(w, name) != 0 || emit(w, "\":", 2) != 0)
        return -1;
    if (!schema)
        return emit(w, "null", 4);
    return write_schema(w, schema, NULL);
}

/** Writes one schema object; @p field_name (for a struct field) is appended last. */
static int write_schema(writer_t *w, const cd_schema_t *schema, const char *field_name)
{
    cd_type_t type = cd_schema_type(schema);
    char num[32];
    if (enter(w) != 0 || emit(w, "{\"type\":\"", 9) != 0 ||
        emit_str(w, cd_type_json_name(type)) != 0 || emit(w, "\"", 1) != 0)
        return -1;
    switch (type) {
    case CD_TYPE_ARRAY:
        if (write_schema_member(w, "items", cd_schema_value_schema(schema)) != 0)
            return -1;
        break;
    case CD_TYPE_MAP:
        if (write_schema_member(w, "keys", cd_schema_key_schema(schema)) != 0 ||
            write_schema_member(w, "values", cd_schema_value_schema(schema)) != 0)
            return -1;
        break;
    case CD_TYPE_STRUCT: {
        size_t n = cd_schema_field_count(schema);
        if (enter(w) != 0 || emit_str(w, ",\"fields\":[") != 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            const cd_field_t *field = cd_schema_field_at(schema, i);
            if ((i > 0 && emit(w, ",", 1) != 0) ||
                write_schema(w, cd_field_schema(field), cd_field_name(field)) != 0)
                return -1;
        }
        w->depth--;
        if (emit(w, "]", 1) != 0)
            return -1;
        break;
    }
    default:
        break;
    }
    if (emit_str(w, cd_schema_is_optional(schema) ? ",\"optional\":true" : ",\"optional\":false"))
        return -1;
    const char *name = cd_schema_name(schema);
    if (name && (emit_str(w, ",\"name\":") != 0 || write_text(w, name, strlen(name)) != 0))
        return -1;
    if (cd_schema_has_version(schema)) {
        int n = snprintf(num, sizeof(num), ",\"version\":%d", (int)cd_schema_version(schema));
        if (emit(w, num, (size_t)n) != 0)
            return -1;
    }
    const char *doc = cd_schema_doc(schema);
    if (doc && (emit_str(w, ",\"doc\":") != 0 || write_text(w, doc, strlen(doc)) != 0))
        return -1;
    if (cd_schema_has_parameters(schema)) {
        size_t n = cd_schema_parameter_count(schema);
        if (enter(w) != 0 || emit_str(w, ",\"parameters\":{") != 0)
            return -1;
        for (size_t i = 0; i < n; i++) {
            const char *k = cd_schema_parameter_key(schema, i);
            const char *v = cd_schema_parameter_value(schema, i);
            if ((i > 0 && emit(w, ",", 1) != 0) || write_text(w, k, strlen(k)) != 0 ||
                emit(w, ":", 1) != 0 || write_text(w, v, strlen(v)) != 0)
                return -1;
        }
        w->depth--;
        if (emit(w, "}", 1) != 0)
            return -1;
    }
    const cd_value_t *def = cd_schema_default(schema);
    if (def && (emit_str(w, ",\"default\":") != 0 || write_value(w, schema, def) != 0))
        return -1;
    if (field_name &&
        (emit_str(w, ",\"field\":") != 0 || write_text(w, field_name, strlen(field_name)) != 0))
        return -1;
    w->depth--;
    return emit(w, "}", 1);
}

int cd_json_write_schema(const cd_json_options_t *opts, const cd_schema_t *schema, int depth,
                         cd_buf_t *out, char *errstr, size_t errstr_size)
{
    writer_t w = {opts, out, errstr, errstr_size, depth};
    if (!schema)
        return emit(&w, "null", 4);
    return write_schema(&w, schema, NULL);
}

int cd_json_write_value(const cd_json_options_t *opts, const cd_schema_t *schema,
                        const cd_value_t *value, int depth, cd_buf_t *out, char *errstr,
                        size_t errstr_size)
{
    writer_t w = {opts, out, errstr, errstr_size, depth};
    return write_value(&w, schema, value);
}
