/*
 * values.c: org.apache.kafka.connect.data.Values (convertToString, parseString)
 * for SimpleHeaderConverter, with the Java text helpers they rely on.
 *
 * The parser mirrors Values.Parser / Values.ValueParser of Kafka 4.x token by
 * token, including its quirks (unescaped quoted strings, trailing tokens
 * ignored after a number, lenient SimpleDateFormat parsing), so that header
 * values infer the same schemas as on a Java worker. See
 * docs/modules/converters.md for the rules and the known differences.
 */
#include "data/values.h"
#include "util/java_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MILLIS_PER_DAY INT64_C(86400000)
/** Bound on the nesting cd_values_convert_to_string() walks. */
#define TO_STRING_MAX_DEPTH 1024
/** Days from 1970-01-01 to 1582-10-15, the Gregorian cutover of java.util.GregorianCalendar. */
#define GREGORIAN_CUTOVER_DAYS INT64_C(-141427)

static void set_err(char *errstr, size_t errstr_size, const char *msg)
{
    if (errstr && errstr_size)
        snprintf(errstr, errstr_size, "%s", msg);
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                                */
/* ------------------------------------------------------------------ */

static bool is_cont(uint8_t b)
{
    return (b & 0xC0) == 0x80;
}

bool cd_values_utf8_is_valid(const uint8_t *data, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, eight bytes at a time */
        while (i + 8 <= len) {
            uint64_t word;
            memcpy(&word, data + i, 8);
            if (word & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i >= len)
            break;
        if (data[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = cd_utf8_sequence_length(data + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}

/* Java's malformed-length rules (String.decodeUTF8_UTF16 / sun.nio.cs.UTF_8). */
static bool malformed3_2(uint8_t b1, uint8_t b2)
{
    return (b1 == 0xE0 && (b2 & 0xE0) == 0x80) || !is_cont(b2);
}

static bool malformed4_2(uint8_t b1, uint8_t b2)
{
    return (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) || (b1 == 0xF4 && (b2 & 0xF0) != 0x80) ||
           !is_cont(b2);
}

static const char REPLACEMENT_UTF8[] = "\xEF\xBF\xBD";

int cd_values_utf8_decode_java(const uint8_t *data, size_t len, cd_buf_t *out)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && data[i] < 0x80)
            i++;
        if (i > start && cd_buf_append(out, data + start, i - start) != 0)
            return -1;
        if (i >= len)
            break;
        size_t n = cd_utf8_sequence_length(data + i, len - i);
        if (n) {
            if (cd_buf_append(out, data + i, n) != 0)
                return -1;
            i += n;
            continue;
        }
        /* Malformed: one U+FFFD covering as many bytes as Java's decoder. */
        uint8_t b1 = data[i];
        size_t rest = len - i - 1, skip = 1;
        if (b1 >= 0xC2 && b1 <= 0xDF) {
            skip = 1; /* truncated or bad continuation: only the lead byte */
        } else if (b1 >= 0xE0 && b1 <= 0xEF) {
            if (rest >= 2) {
                skip = malformed3_2(b1, data[i + 1]) ? 1 : (is_cont(data[i + 2]) ? 3 : 2);
            } else if (rest == 1 && malformed3_2(b1, data[i + 1])) {
                skip = 1;
            } else {
                skip = len - i; /* truncated at the end: one replacement */
            }
        } else if (b1 >= 0xF0 && b1 <= 0xF7) {
            if (rest >= 3) {
                if (b1 > 0xF4 || malformed4_2(b1, data[i + 1]))
                    skip = 1;
                else if (!is_cont(data[i + 2]))
                    skip = 2;
                else
                    skip = 3;
            } else if (b1 > 0xF4 || (rest >= 1 && malformed4_2(b1, data[i + 1]))) {
                skip = 1;
            } else if (rest >= 2 && !is_cont(data[i + 2])) {
                skip = 2;
            } else {
                skip = len - i;
            }
        }
        if (cd_buf_append(out, REPLACEMENT_UTF8, 3) != 0)
            return -1;
        i += skip;
    }
    if (!out->data)
        return cd_buf_append(out, "", 0);
    return 0;
}

/** Length of UTF-8 text in UTF-16 code units (Java's String.length()). */
static size_t utf16_length(const char *s, size_t len)
{
    size_t units = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (uint8_t)s[i];
        if (!is_cont(b))
            units += b >= 0xF0 ? 2 : 1;
    }
    return units;
}

/* ------------------------------------------------------------------ */
/* Base64, Float/Double.toString (util/java_text.c)                     */
/* ------------------------------------------------------------------ */

int cd_values_base64_encode(const uint8_t *data, size_t len, cd_buf_t *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char quad[4];
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        quad[0] = alphabet[v >> 18];
        quad[1] = alphabet[(v >> 12) & 63];
        quad[2] = alphabet[(v >> 6) & 63];
        quad[3] = alphabet[v & 63];
        if (cd_buf_append(out, quad, 4) != 0)
            return -1;
    }
    if (i < len) {
        uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
        quad[0] = alphabet[v >> 18];
        quad[1] = alphabet[(v >> 12) & 63];
        quad[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        quad[3] = '=';
        if (cd_buf_append(out, quad, 4) != 0)
            return -1;
    }
    return 0;
}

size_t cd_values_format_double(double v, char *buf, size_t size)
{
    return cd_java_double_to_string(v, buf, size);
}

size_t cd_values_format_float(float v, char *buf, size_t size)
{
    return cd_java_float_to_string(v, buf, size);
}

/* ------------------------------------------------------------------ */
/* Dates (java.util.GregorianCalendar in UTC, Julian before 1582-10-15)  */
/* ------------------------------------------------------------------ */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/** Days since 1970-01-01 of a proleptic Gregorian (or Julian) date; month 1..12. */
static int64_t days_from_civil(int64_t y, int m, bool julian)
{
    y -= m <= 2;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
    if (julian)
        return 365 * y + floor_div(y, 4) + doy - 719470;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    int64_t y, doe, yoe;
    if (days < GREGORIAN_CUTOVER_DAYS) {
        int64_t z = days + 719470;
        int64_t era = floor_div(z, 1461);
        doe = z - era * 1461;
        yoe = (doe - doe / 1460) / 365;
        y = yoe + era * 4;
        doe -= 365 * yoe;
    } else {
        int64_t z = days + 719468;
        int64_t era = floor_div(z, 146097);
        doe = z - era * 146097;
        yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        y = yoe + era * 400;
        doe -= 365 * yoe + yoe / 4 - yoe / 100;
    }
    int64_t mp = (5 * doe + 2) / 153;
    *day = (int)(doe - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = y + (*month <= 2);
}

int cd_values_format_date(int64_t epoch_ms, cd_buf_t *out)
{
    int64_t days = floor_div(epoch_ms, MILLIS_PER_DAY);
    int64_t tod = epoch_ms - days * MILLIS_PER_DAY;
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    int64_t year_of_era = year > 0 ? year : 1 - year;
    int h = (int)(tod / 3600000), mi = (int)(tod / 60000 % 60), s = (int)(tod / 1000 % 60),
        ms = (int)(tod % 1000);
    if (epoch_ms < MILLIS_PER_DAY)
        return cd_buf_appendf(out, "%02d:%02d:%02d.%03dZ", h, mi, s, ms);
    if (epoch_ms % MILLIS_PER_DAY == 0)
        return cd_buf_appendf(out, "%04lld-%02d-%02d", (long long)year_of_era, month, day);
    return cd_buf_appendf(out, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)year_of_era,
                          month, day, h, mi, s, ms);
}

/** SimpleDateFormat pattern items: a field letter, or a literal prefixed by '\''. */
static const char DATE_PATTERN[] = "y-M-d";
static const char TIME_PATTERN[] = "H:m:s.S'Z";
static const char TIMESTAMP_PATTERN[] = "y-M-d'TH:m:s.S'Z";

/**
 * Parses @p s with a lenient java.text.SimpleDateFormat of the pattern (in UTC,
 * en locale), accepting a parse that stops before the end, as
 * Values.parseAsTemporalType does (ParsePosition index != 0).
 */
static bool lenient_date_parse(const char *s, size_t len, const char *pattern, int64_t *epoch_ms)
{
    int32_t year = 1970, month = 0, day = 1, hour = 0, minute = 0, second = 0, milli = 0;
    size_t pos = 0;
    for (const char *p = pattern; *p; p++) {
        if (*p == '\'' || (*p != 'y' && *p != 'M' && *p != 'd' && *p != 'H' && *p != 'm' &&
                           *p != 's' && *p != 'S')) {
            if (*p == '\'')
                p++;
            if (pos >= len || s[pos] != *p)
                return false;
            pos++;
            continue;
        }
        while (pos < len && (s[pos] == ' ' || s[pos] == '\t'))
            pos++;
        if (pos >= len)
            return false;
        bool negative = false;
        if (s[pos] == '-') {
            negative = true;
            pos++;
        }
        size_t digits_start = pos;
        int64_t v = 0;
        bool huge = false;
        while (pos < len && s[pos] >= '0' && s[pos] <= '9') {
            if (v > INT64_MAX / 10 - 10)
                huge = true;
            else
                v = v * 10 + (s[pos] - '0');
            pos++;
        }
        if (pos == digits_start)
            return false;
        int32_t iv;
        if (huge) /* DecimalFormat returns a Double; Double.intValue() saturates */
            iv = negative ? INT32_MIN : INT32_MAX;
        else
            iv = (int32_t)(uint32_t)(uint64_t)(negative ? -v : v); /* Long.intValue() */
        switch (*p) {
        case 'y':
            year = iv;
            break;
        case 'M':
            month = (int32_t)((uint32_t)iv - 1u);
            break;
        case 'd':
            day = iv;
            break;
        case 'H':
            hour = iv;
            break;
        case 'm':
            minute = iv;
            break;
        case 's':
            second = iv;
            break;
        default:
            milli = iv;
            break;
        }
    }
    /* GregorianCalendar.computeTime(), lenient. */
    int64_t tod = (((int64_t)hour * 60 + minute) * 60 + second) * 1000 + milli;
    int64_t fixed = tod / MILLIS_PER_DAY;
    tod %= MILLIS_PER_DAY;
    while (tod < 0) {
        tod += MILLIS_PER_DAY;
        fixed--;
    }
    int32_t y = year, m = month;
    if (m > 11) {
        y = (int32_t)((uint32_t)y + (uint32_t)(m / 12));
        m %= 12;
    } else if (m < 0) {
        int32_t q = (int32_t)floor_div(m, 12);
        y = (int32_t)((uint32_t)y + (uint32_t)q);
        m = m - q * 12;
    }
    int64_t gfd = days_from_civil(y, m + 1, false) + day - 1;
    int64_t jfd = days_from_civil(y, m + 1, true) + day - 1;
    /* The Julian calendar before 1582; later years are Gregorian unless they
     * normalise to a day before the cutover. */
    int64_t date_days = (year >= 1582 && gfd >= GREGORIAN_CUTOVER_DAYS) ? gfd : jfd;
    *epoch_ms = (int64_t)((uint64_t)(fixed + date_days) * (uint64_t)MILLIS_PER_DAY + (uint64_t)tod);
    return true;
}

/* ------------------------------------------------------------------ */
/* convertToString                                                      */
/* ------------------------------------------------------------------ */

static int append_escaped(cd_buf_t *out, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' || s[i] == '"') {
            if (cd_buf_append(out, s + start, i - start) != 0 || cd_buf_append_char(out, '\\') != 0)
                return -1;
            start = i;
        }
    }
    return cd_buf_append(out, s + start, len - start);
}

static int append_value(cd_buf_t *out, const cd_value_t *value, bool embedded, int depth,
                        char *errstr, size_t errstr_size)
{
    char num[64];
    size_t len;
    if (depth > TO_STRING_MAX_DEPTH) {
        set_err(errstr, errstr_size, "Value nesting is too deep to convert to a string");
        return -1;
    }
    if (!value)
        return cd_buf_append(out, "null", 4);
    switch (cd_value_kind(value)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
        return cd_buf_appendf(out, "%lld", (long long)cd_value_as_int64(value));
    case CD_VALUE_FLOAT32:
        len = cd_java_float_to_string(cd_value_float32(value), num, sizeof(num));
        return cd_buf_append(out, num, len);
    case CD_VALUE_FLOAT64:
        len = cd_java_double_to_string(cd_value_float64(value), num, sizeof(num));
        return cd_buf_append(out, num, len);
    case CD_VALUE_BOOLEAN:
        return cd_buf_append_str(out, cd_value_boolean(value) ? "true" : "false");
    case CD_VALUE_DECIMAL: {
        size_t need = cd_value_decimal_to_string(value, num, sizeof(num));
        if (need < sizeof(num))
            return cd_buf_append(out, num, need);
        char *big = malloc(need + 1);
        if (!big)
            return -1;
        cd_value_decimal_to_string(value, big, need + 1);
        int rc = cd_buf_append(out, big, need);
        free(big);
        return rc;
    }
    case CD_VALUE_STRING: {
        const char *s = cd_value_string(value, &len);
        if (!embedded)
            return cd_buf_append(out, s, len);
        if (cd_buf_append_char(out, '"') != 0 || append_escaped(out, s, len) != 0)
            return -1;
        return cd_buf_append_char(out, '"');
    }
    case CD_VALUE_BYTES: {
        const uint8_t *b = cd_value_bytes(value, &len);
        if (embedded && cd_buf_append_char(out, '"') != 0)
            return -1;
        if (cd_values_base64_encode(b, len, out) != 0)
            return -1;
        return embedded ? cd_buf_append_char(out, '"') : 0;
    }
    case CD_VALUE_ARRAY: {
        if (cd_buf_append_char(out, '[') != 0)
            return -1;
        for (size_t i = 0; i < cd_value_array_size(value); i++) {
            if (i && cd_buf_append_char(out, ',') != 0)
                return -1;
            if (append_value(out, cd_value_array_at(value, i), true, depth + 1, errstr,
                             errstr_size) != 0)
                return -1;
        }
        return cd_buf_append_char(out, ']');
    }
    case CD_VALUE_MAP: {
        if (cd_buf_append_char(out, '{') != 0)
            return -1;
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            if (i && cd_buf_append_char(out, ',') != 0)
                return -1;
            if (append_value(out, cd_value_map_key_at(value, i), true, depth + 1, errstr,
                             errstr_size) != 0 ||
                cd_buf_append_char(out, ':') != 0 ||
                append_value(out, cd_value_map_value_at(value, i), true, depth + 1, errstr,
                             errstr_size) != 0)
                return -1;
        }
        return cd_buf_append_char(out, '}');
    }
    case CD_VALUE_STRUCT: {
        const cd_schema_t *schema = cd_value_struct_schema(value);
        if (cd_buf_append_char(out, '{') != 0)
            return -1;
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_field_t *field = cd_schema_field_at(schema, i);
            const cd_value_t *fv = cd_value_struct_get_at(value, i);
            if (!fv) /* Struct.get(Field) falls back to the field's default */
                fv = cd_schema_default(cd_field_schema(field));
            const char *name = cd_field_name(field);
            if ((i && cd_buf_append_char(out, ',') != 0) || cd_buf_append_char(out, '"') != 0 ||
                append_escaped(out, name, strlen(name)) != 0 || cd_buf_append(out, "\":", 2) != 0)
                return -1;
            if (append_value(out, fv, true, depth + 1, errstr, errstr_size) != 0)
                return -1;
        }
        return cd_buf_append_char(out, '}');
    }
    case CD_VALUE_DATE:
        return cd_values_format_date(cd_value_date_ms(value), out);
    }
    set_err(errstr, errstr_size, "Failed to serialize unexpected value type");
    return -1;
}

int cd_values_convert_to_string(const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                                bool *is_null, char *errstr, size_t errstr_size)
{
    (void)schema;
    *is_null = value == NULL;
    if (!value)
        return 0;
    errstr &&errstr_size ? (void)(errstr[0] = '\0') : (void)0;
    if (append_value(out, value, false, 0, errstr, errstr_size) != 0) {
        if (out->overflow)
            set_err(errstr, errstr_size, "Value is too large to convert to a string");
        else if (errstr && errstr_size && !errstr[0])
            set_err(errstr, errstr_size, "Failed to convert the value to a string");
        return -1;
    }
    if (!out->data)
        return cd_buf_append(out, "", 0);
    return 0;
}

/* ------------------------------------------------------------------ */
/* parseString: Values.Parser                                           */
/* ------------------------------------------------------------------ */

typedef struct token_s {
    size_t start, len;
    bool set;
} token_t;

typedef struct parser_s {
    const char *s;
    size_t len;
    size_t pos; /* the CharacterIterator index */
    token_t next_token;
    token_t prev_token;
    int depth;
    char *errstr;
    size_t errstr_size;
} parser_t;

/** A parse result: Java's SchemaAndValue, or null when !present. */
typedef struct parsed_s {
    bool present;
    cd_schema_t *schema;
    cd_value_t *value;
} parsed_t;

/** Outcomes: a DataException is caught by the array/map parsing that started
 *  it (and the text re-read as a string); a fatal error ends the parse. */
enum { PARSE_OK = 0, PARSE_DATA_ERROR = -1, PARSE_FATAL = -2 };

static void parsed_clear(parsed_t *r)
{
    cd_schema_unref(r->schema);
    cd_value_destroy(r->value);
    memset(r, 0, sizeof(*r));
}

static bool is_delimiter(char c)
{
    return c == ':' || c == ',' || c == '{' || c == '}' || c == '[' || c == ']' || c == '"';
}

static token_t consume_next_token(parser_t *p)
{
    bool escaped = false;
    size_t start = p->pos;
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c == '\\') {
            escaped = !escaped;
        } else if (is_delimiter(c)) {
            if (!escaped) {
                if (start < p->pos)
                    return (token_t){start, p->pos - start, true};
                p->pos++;
                return (token_t){start, 1, true};
            }
            escaped = false;
        } else {
            escaped = false;
        }
        p->pos++;
    }
    return (token_t){start, p->pos - start, true};
}

static size_t parser_mark(const parser_t *p)
{
    return p->pos - (p->next_token.set ? p->next_token.len : 0);
}

static void parser_rewind(parser_t *p, size_t position)
{
    p->pos = position;
    p->next_token.set = false;
    p->prev_token.set = false;
}

static bool parser_has_next(const parser_t *p)
{
    return p->next_token.set || p->pos < p->len;
}

static token_t parser_next(parser_t *p)
{
    if (p->next_token.set) {
        p->prev_token = p->next_token;
        p->next_token.set = false;
    } else {
        p->prev_token = consume_next_token(p);
    }
    return p->prev_token;
}

/** Java's String.trim(): strips chars <= ' ' at both ends. */
static void trim_span(const char *s, size_t *start, size_t *len)
{
    while (*len && (unsigned char)s[*start] <= ' ') {
        (*start)++;
        (*len)--;
    }
    while (*len && (unsigned char)s[*start + *len - 1] <= ' ')
        (*len)--;
}

static bool token_is_blank(const parser_t *p, token_t t)
{
    size_t start = t.start, len = t.len;
    trim_span(p->s, &start, &len);
    return len == 0;
}

static bool parser_can_consume(parser_t *p, const char *expected)
{
    if (!p->next_token.set) {
        if (!parser_has_next(p))
            return false;
        p->next_token = consume_next_token(p);
    }
    while (token_is_blank(p, p->next_token) && p->pos < p->len)
        p->next_token = consume_next_token(p);
    size_t start = p->next_token.start, len = p->next_token.len;
    trim_span(p->s, &start, &len);
    if (len == strlen(expected) && memcmp(p->s + start, expected, len) == 0) {
        p->next_token.set = false;
        return true;
    }
    return false;
}

/** A DataException; Java logs it at TRACE and re-reads the text as a string. */
static int data_error(const char *msg)
{
    (void)msg;
    return PARSE_DATA_ERROR;
}

static int fatal_error(parser_t *p, const char *msg)
{
    set_err(p->errstr, p->errstr_size, msg);
    return PARSE_FATAL;
}

static int parse_value(parser_t *p, bool embedded, parsed_t *out);

static bool can_parse_single_token_literal(parser_t *p, bool embedded, const char *literal)
{
    size_t start = parser_mark(p);
    if (parser_can_consume(p, literal) && (embedded || !parser_has_next(p)))
        return true;
    parser_rewind(p, start);
    return false;
}

/* ---- schema merging (Values.SchemaMerger / mergeSchemas) ---- */

typedef struct merger_s {
    cd_schema_t *common; /* a reference, or NULL */
    bool compatible;
} merger_t;

static bool is_numeric_type(cd_type_t t)
{
    return t <= CD_TYPE_FLOAT64;
}

/** mergeSchemas(previous, newSchema): @returns a borrowed pointer to one of them, or NULL. */
static const cd_schema_t *merge_schemas(const cd_schema_t *previous, const cd_schema_t *latest)
{
    cd_type_t pt = cd_schema_type(previous), nt = cd_schema_type(latest);
    if (pt != nt) {
        if (!is_numeric_type(pt) || !is_numeric_type(nt))
            return NULL;
        /* Within INT8 < INT16 < INT32 < INT64 < FLOAT32 < FLOAT64 the wider one wins. */
        return nt > pt ? latest : previous;
    }
    if (cd_schema_is_optional(previous) == cd_schema_is_optional(latest))
        return cd_schema_is_optional(previous) ? previous : latest;
    if (!cd_schema_equals(previous, latest))
        return NULL;
    return previous;
}

static void merger_merge(merger_t *m, const parsed_t *latest)
{
    if (!latest->present || !latest->schema || !m->compatible)
        return;
    if (!m->common) {
        m->common = cd_schema_ref(latest->schema);
        return;
    }
    const cd_schema_t *merged = merge_schemas(m->common, latest->schema);
    cd_schema_t *ref = merged ? cd_schema_ref(merged) : NULL;
    cd_schema_unref(m->common);
    m->common = ref;
    m->compatible = ref != NULL;
}

/* ---- Values.convertTo(toSchema, null, value) for the alignment of parsed elements ---- */

static int64_t java_d2l(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    return (int64_t)d;
}

static bool value_is_number(const cd_value_t *v)
{
    cd_value_kind_t k = cd_value_kind(v);
    return k <= CD_VALUE_FLOAT64 || k == CD_VALUE_DECIMAL;
}

/** Values.asLong(value, null, null); false = DataException. */
static bool as_long(const cd_value_t *v, int64_t *out)
{
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
        *out = cd_value_as_int64(v);
        return true;
    case CD_VALUE_FLOAT32:
        *out = java_d2l(cd_value_float32(v));
        return true;
    case CD_VALUE_FLOAT64:
        *out = java_d2l(cd_value_float64(v));
        return true;
    default:
        return false; /* decimals never reach here from parseString */
    }
}

static bool as_double(const cd_value_t *v, double *out)
{
    switch (cd_value_kind(v)) {
    case CD_VALUE_FLOAT32:
        *out = cd_value_float32(v);
        return true;
    case CD_VALUE_FLOAT64:
        *out = cd_value_float64(v);
        return true;
    default: {
        int64_t l;
        if (!as_long(v, &l))
            return false;
        *out = (double)l;
        return true;
    }
    }
}

/** Converts @p value (taken) to @p to; @returns the new value in *out or a DataException. */
static int convert_to(const cd_schema_t *to, cd_value_t *value, cd_value_t **out)
{
    int64_t l;
    double d;
    *out = NULL;
    if (!value)
        return cd_schema_is_optional(to) ? PARSE_OK : PARSE_DATA_ERROR;
    cd_value_kind_t kind = cd_value_kind(value);
    const char *name = cd_schema_name(to);
    cd_value_t *converted = NULL;
    switch (cd_schema_type(to)) {
    case CD_TYPE_BYTES:
        if (kind == CD_VALUE_BYTES || kind == CD_VALUE_DECIMAL) {
            *out = value;
            return PARSE_OK;
        }
        break;
    case CD_TYPE_STRING:
    case CD_TYPE_BOOLEAN:
    case CD_TYPE_ARRAY:
    case CD_TYPE_MAP:
        if ((cd_schema_type(to) == CD_TYPE_STRING && kind == CD_VALUE_STRING) ||
            (cd_schema_type(to) == CD_TYPE_BOOLEAN && kind == CD_VALUE_BOOLEAN) ||
            (cd_schema_type(to) == CD_TYPE_ARRAY && kind == CD_VALUE_ARRAY) ||
            (cd_schema_type(to) == CD_TYPE_MAP && kind == CD_VALUE_MAP)) {
            *out = value;
            return PARSE_OK;
        }
        break;
    case CD_TYPE_INT8:
        if (kind == CD_VALUE_INT8) {
            *out = value;
            return PARSE_OK;
        }
        if (as_long(value, &l))
            converted = cd_value_new_int8((int8_t)l);
        break;
    case CD_TYPE_INT16:
        if (kind == CD_VALUE_INT16) {
            *out = value;
            return PARSE_OK;
        }
        if (as_long(value, &l))
            converted = cd_value_new_int16((int16_t)l);
        break;
    case CD_TYPE_INT32:
        if (name && (strcmp(name, CD_LOGICAL_DATE) == 0 || strcmp(name, CD_LOGICAL_TIME) == 0)) {
            if (kind == CD_VALUE_DATE) {
                *out = value;
                return PARSE_OK;
            }
            if (!as_long(value, &l))
                break;
            int32_t i = (int32_t)l;
            if (strcmp(name, CD_LOGICAL_DATE) == 0) {
                converted = cd_value_new_date((int64_t)i * MILLIS_PER_DAY);
            } else if (i >= 0 && i <= MILLIS_PER_DAY) {
                converted = cd_value_new_date(i);
            }
            break;
        }
        if (kind == CD_VALUE_INT32) {
            *out = value;
            return PARSE_OK;
        }
        if (as_long(value, &l))
            converted = cd_value_new_int32((int32_t)l);
        break;
    case CD_TYPE_INT64:
        if (name && strcmp(name, CD_LOGICAL_TIMESTAMP) == 0) {
            if (kind == CD_VALUE_DATE) {
                *out = value;
                return PARSE_OK;
            }
            if (as_long(value, &l))
                converted = cd_value_new_date(l);
            break;
        }
        if (kind == CD_VALUE_INT64) {
            *out = value;
            return PARSE_OK;
        }
        if (as_long(value, &l))
            converted = cd_value_new_int64(l);
        break;
    case CD_TYPE_FLOAT32:
        if (kind == CD_VALUE_FLOAT32) {
            *out = value;
            return PARSE_OK;
        }
        if (value_is_number(value) && as_double(value, &d))
            converted = cd_value_new_float32((float)d);
        break;
    case CD_TYPE_FLOAT64:
        if (kind == CD_VALUE_FLOAT64) {
            *out = value;
            return PARSE_OK;
        }
        if (value_is_number(value) && as_double(value, &d))
            converted = cd_value_new_float64(d);
        break;
    case CD_TYPE_STRUCT:
        break;
    }
    cd_value_destroy(value);
    if (!converted)
        return PARSE_DATA_ERROR;
    *out = converted;
    return PARSE_OK;
}

/* ---- numbers (BigDecimal grammar and ValueParser.parseAsNumber) ---- */

typedef struct decimal_text_s {
    bool negative;
    const char *digits; /* first significant digit (leading zeros skipped) */
    size_t ndigits;     /* significant digits, trailing zeros included */
    size_t trailing_zeros;
    int64_t scale; /* BigDecimal.scale() */
    bool zero;
} decimal_text_t;

/** new BigDecimal(token) grammar; false = NumberFormatException. */
static bool parse_big_decimal(const char *s, size_t len, decimal_text_t *d)
{
    size_t i = 0;
    int64_t frac = 0;
    memset(d, 0, sizeof(*d));
    if (i < len && (s[i] == '+' || s[i] == '-'))
        d->negative = s[i++] == '-';
    size_t int_start = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    size_t int_end = i;
    size_t frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        frac_start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        frac_end = i;
        frac = (int64_t)(frac_end - frac_start);
    }
    if (int_end == int_start && frac_end == frac_start)
        return false;
    int64_t exp = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        bool eneg = false;
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t es = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (exp > INT64_C(10000000000))
                return false; /* far outside int */
            exp = exp * 10 + (s[i] - '0');
            i++;
        }
        if (i == es)
            return false;
        if (eneg)
            exp = -exp;
        if (exp > INT32_MAX || exp < INT32_MIN)
            return false;
    }
    if (i != len)
        return false;
    d->scale = frac - exp;
    if (d->scale > INT32_MAX || d->scale < INT32_MIN)
        return false;
    /* Significant digits: the concatenation of int and fraction digits, leading zeros skipped. */
    size_t total = (int_end - int_start) + (frac_end - frac_start);
    size_t skip = 0;
    for (size_t k = 0; k < total; k++) {
        char c =
            k < int_end - int_start ? s[int_start + k] : s[frac_start + k - (int_end - int_start)];
        if (c != '0')
            break;
        skip++;
    }
    d->zero = skip == total;
    d->ndigits = total - skip;
    for (size_t k = total; k > skip; k--) {
        size_t idx = k - 1;
        char c = idx < int_end - int_start ? s[int_start + idx]
                                           : s[frac_start + idx - (int_end - int_start)];
        if (c != '0')
            break;
        d->trailing_zeros++;
    }
    return true;
}

/** Digit @p k (0-based, over int then fraction digits, leading zeros skipped). */
static int sig_digit(const char *s, size_t len, size_t k)
{
    size_t n = 0;
    bool started = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == 'e' || c == 'E')
            break;
        if (c < '0' || c > '9')
            continue;
        if (!started && c == '0')
            continue;
        started = true;
        if (n++ == k)
            return c - '0';
    }
    return 0;
}

/** The BigDecimal of a validated token: its digits as the unscaled value, and @p scale. */
static cd_value_t *decimal_value(const char *token, size_t len, int64_t scale)
{
    char *digits = malloc(len + 2);
    size_t n = 0;
    cd_value_t *value = NULL, *unscaled = NULL;
    if (!digits)
        return NULL;
    for (size_t i = 0; i < len && token[i] != 'e' && token[i] != 'E'; i++) {
        if (token[i] == '-' || (token[i] >= '0' && token[i] <= '9'))
            digits[n++] = token[i];
    }
    unscaled = cd_value_new_decimal_from_string(digits, n);
    if (unscaled && cd_value_decimal_scale(unscaled) == 0) {
        size_t blen;
        const uint8_t *bytes = cd_value_decimal_unscaled(unscaled, &blen);
        value = cd_value_new_decimal(bytes, blen, (int32_t)scale);
    }
    cd_value_destroy(unscaled);
    free(digits);
    return value;
}

static int parse_as_number(const char *token, size_t len, parsed_t *out, parser_t *p)
{
    decimal_text_t d;
    if (!parse_big_decimal(token, len, &d))
        return PARSE_DATA_ERROR; /* NumberFormatException: not a number */
    /* parseAsExactDecimal */
    bool exact = false;
    int64_t integral = 0;
    if (d.zero) {
        exact = true;
    } else {
        /* value = digits x 10^-scale; adjusted exponent e10 = ndigits - 1 - scale */
        int64_t e10 = (int64_t)d.ndigits - 1 - d.scale;
        size_t sig = d.ndigits - d.trailing_zeros;
        bool above = e10 > 19 || (e10 == 19 && sig > 1);
        bool below_one = e10 < 0;
        bool whole = d.scale <= 0 || d.scale - (int64_t)d.trailing_zeros <= 0;
        if (!above && !below_one && whole) {
            /* at most 20 digits before the point */
            unsigned __int128 mag = 0;
            for (int64_t k = 0; k <= e10; k++) {
                int digit = (size_t)k < sig ? sig_digit(token, len, (size_t)k) : 0;
                mag = mag * 10 + (unsigned)digit;
            }
            unsigned __int128 limit = d.negative ? (unsigned __int128)INT64_MAX + 1 : INT64_MAX;
            if (mag <= limit) {
                exact = true;
                integral = d.negative ? (int64_t)(0 - (uint64_t)mag) : (int64_t)mag;
            }
        }
    }
    if (exact) {
        if (integral == (int8_t)integral) {
            out->schema = cd_schema_new(CD_TYPE_INT8);
            out->value = cd_value_new_int8((int8_t)integral);
        } else if (integral == (int16_t)integral) {
            out->schema = cd_schema_new(CD_TYPE_INT16);
            out->value = cd_value_new_int16((int16_t)integral);
        } else if (integral == (int32_t)integral) {
            out->schema = cd_schema_new(CD_TYPE_INT32);
            out->value = cd_value_new_int32((int32_t)integral);
        } else {
            out->schema = cd_schema_new(CD_TYPE_INT64);
            out->value = cd_value_new_int64(integral);
        }
        out->present = true;
        return PARSE_OK;
    }
    char *text = strndup(token, len);
    if (!text)
        return fatal_error(p, "Out of memory");
    float f = strtof(text, NULL);
    double dv = strtod(text, NULL);
    free(text);
    if (!isinf(f) && d.scale != 0) {
        out->schema = cd_schema_new(CD_TYPE_FLOAT32);
        out->value = cd_value_new_float32(f);
    } else if (!isinf(dv) && d.scale != 0) {
        out->schema = cd_schema_new(CD_TYPE_FLOAT64);
        out->value = cd_value_new_float64(dv);
    } else {
        if (len > CD_VALUES_MAX_NUMBER_LEN)
            return fatal_error(p, "Number is too long to parse as a decimal");
        out->value = decimal_value(token, len, d.scale);
        if (!out->value)
            return fatal_error(p, "Failed to parse a decimal number");
        out->schema = cd_schema_new_decimal(cd_value_decimal_scale(out->value));
    }
    out->present = true;
    return PARSE_OK;
}

/* ---- temporal values ---- */

/** ValueParser.parseAsTemporal(token): false = null. */
static bool parse_as_temporal(const char *token, size_t len, parsed_t *out)
{
    char small[64];
    char *text = small;
    size_t n = 0;
    if (len >= sizeof(small)) {
        text = malloc(len + 1);
        if (!text)
            return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (token[i] == '\\' && i + 1 < len && token[i + 1] == ':')
            continue; /* "\:" -> ":" */
        text[n++] = token[i];
    }
    text[n] = '\0';
    size_t units = utf16_length(text, n);
    const char *pattern = NULL;
    cd_schema_t *(*schema_new)(void) = NULL;
    if (units == 13) {
        pattern = TIME_PATTERN;
        schema_new = cd_schema_new_time;
    } else if (units == 24) {
        pattern = TIMESTAMP_PATTERN;
        schema_new = cd_schema_new_timestamp;
    } else if (units == 10) {
        pattern = DATE_PATTERN;
        schema_new = cd_schema_new_date;
    }
    int64_t ms = 0;
    bool ok = pattern && lenient_date_parse(text, n, pattern, &ms);
    if (text != small)
        free(text);
    if (!ok)
        return false;
    out->present = true;
    out->schema = schema_new();
    out->value = cd_value_new_date(ms);
    return true;
}

static int parse_next_token(parser_t *p, bool embedded, size_t tstart, size_t tlen, parsed_t *out)
{
    const char *token = p->s + tstart;
    char first = token[0];
    bool digit = first >= '0' && first <= '9';
    if (digit) {
        /* parseMultipleTokensAsTemporal: a time may span 5 tokens ("12", ":", "34", ":", "56.789Z")
         */
        size_t position = parser_mark(p);
        size_t current = parser_mark(p);
        bool complete = true;
        for (int i = 0; i < 4; i++) {
            if (!parser_has_next(p)) {
                parser_rewind(p, current);
                complete = false;
                break;
            }
            parser_next(p);
        }
        if (complete) {
            size_t rlen = p->pos - current;
            if (tlen + rlen < 128) { /* 24 UTF-16 units take at most 96 bytes */
                char joined[128];
                memcpy(joined, token, tlen);
                memcpy(joined + tlen, p->s + current, rlen);
                if (parse_as_temporal(joined, tlen + rlen, out))
                    return PARSE_OK;
            }
        }
        parser_rewind(p, position);
        if (parse_as_temporal(token, tlen, out))
            return PARSE_OK;
    }
    if (digit || first == '+' || first == '-') {
        int rc = parse_as_number(token, tlen, out, p);
        if (rc != PARSE_DATA_ERROR)
            return rc;
    }
    if (embedded)
        return data_error("Failed to parse embedded value");
    out->present = true;
    out->schema = cd_schema_new(CD_TYPE_STRING);
    out->value = cd_value_new_string(p->s, p->len);
    return PARSE_OK;
}

static int parse_quoted_string(parser_t *p, parsed_t *out)
{
    cd_buf_t sb;
    cd_buf_init(&sb);
    while (parser_has_next(p)) {
        if (parser_can_consume(p, "\""))
            break;
        token_t t = parser_next(p);
        if (cd_buf_append(&sb, p->s + t.start, t.len) != 0) {
            cd_buf_free(&sb);
            return fatal_error(p, "Out of memory");
        }
    }
    const char *content = sb.data ? (const char *)sb.data : "";
    if (!parse_as_temporal(content, sb.len, out)) {
        out->present = true;
        out->schema = cd_schema_new(CD_TYPE_STRING);
        out->value = cd_value_new_string(content, sb.len);
    }
    cd_buf_free(&sb);
    return PARSE_OK;
}

static int parse_array(parser_t *p, parsed_t *out)
{
    cd_value_t *result = cd_value_new_array();
    merger_t merger = {NULL, true};
    int rc = PARSE_DATA_ERROR;
    while (parser_has_next(p)) {
        if (parser_can_consume(p, "]")) {
            cd_schema_t *list_schema;
            if (merger.common) {
                list_schema = cd_schema_new_array(cd_schema_ref(merger.common));
                cd_value_t *aligned = cd_value_new_array();
                for (size_t i = 0; i < cd_value_array_size(result); i++) {
                    cd_value_t *converted;
                    rc = convert_to(merger.common, cd_value_array_take(result, i), &converted);
                    if (rc != PARSE_OK) {
                        cd_value_destroy(aligned);
                        cd_schema_unref(list_schema);
                        goto fail;
                    }
                    cd_value_array_append(aligned, converted);
                }
                cd_value_destroy(result);
                result = aligned;
            } else {
                list_schema = cd_schema_new_array(NULL); /* arrayOfNull() */
            }
            cd_schema_unref(merger.common);
            out->present = true;
            out->schema = list_schema;
            out->value = result;
            return PARSE_OK;
        }
        if (parser_can_consume(p, ",")) {
            rc = data_error("Unable to parse an empty array element");
            goto fail;
        }
        parsed_t element = {0};
        rc = parse_value(p, true, &element);
        if (rc != PARSE_OK)
            goto fail;
        merger_merge(&merger, &element);
        cd_value_array_append(result, element.value);
        element.value = NULL;
        parsed_clear(&element);

        size_t current = parser_mark(p);
        if (parser_can_consume(p, "]")) {
            parser_rewind(p, current);
        } else if (!parser_can_consume(p, ",")) {
            rc = data_error("Array elements missing ',' delimiter");
            goto fail;
        }
    }
    rc = data_error("Array is missing terminating ']'");
fail:
    cd_schema_unref(merger.common);
    cd_value_destroy(result);
    return rc;
}

static int align_map(const cd_schema_t *key_schema, const cd_schema_t *value_schema,
                     cd_value_t **map)
{
    cd_value_t *aligned = cd_value_new_map();
    cd_value_t *input = *map;
    for (size_t i = 0; i < cd_value_map_size(input); i++) {
        cd_value_t *k = NULL, *v = NULL;
        if (convert_to(key_schema, cd_value_copy(cd_value_map_key_at(input, i)), &k) != PARSE_OK)
            goto fail;
        const cd_value_t *orig = cd_value_map_value_at(input, i);
        if (value_schema) {
            if (convert_to(value_schema, orig ? cd_value_copy(orig) : NULL, &v) != PARSE_OK) {
                cd_value_destroy(k);
                goto fail;
            }
        } else {
            v = orig ? cd_value_copy(orig) : NULL;
        }
        cd_value_map_put(aligned, k, v);
    }
    cd_value_destroy(input);
    *map = aligned;
    return PARSE_OK;
fail:
    cd_value_destroy(aligned);
    return PARSE_DATA_ERROR;
}

static int parse_map(parser_t *p, parsed_t *out)
{
    cd_value_t *result = cd_value_new_map();
    merger_t keys = {NULL, true}, values = {NULL, true};
    int rc = PARSE_DATA_ERROR;
    while (parser_has_next(p)) {
        if (parser_can_consume(p, "}")) {
            cd_schema_t *map_schema;
            if (keys.common && values.common) {
                map_schema =
                    cd_schema_new_map(cd_schema_ref(keys.common), cd_schema_ref(values.common));
                rc = align_map(keys.common, values.common, &result);
            } else if (keys.common) {
                map_schema = cd_schema_new_map(cd_schema_ref(keys.common), NULL);
                rc = align_map(keys.common, NULL, &result);
            } else {
                map_schema = cd_schema_new_map(NULL, NULL); /* mapOfNull() */
                rc = PARSE_OK;
            }
            if (rc != PARSE_OK) {
                cd_schema_unref(map_schema);
                goto fail;
            }
            cd_schema_unref(keys.common);
            cd_schema_unref(values.common);
            out->present = true;
            out->schema = map_schema;
            out->value = result;
            return PARSE_OK;
        }
        if (parser_can_consume(p, ",")) {
            rc = data_error("Unable to parse a map entry with no key or value");
            goto fail;
        }
        parsed_t key = {0}, value = {0};
        rc = parse_value(p, true, &key);
        if (rc != PARSE_OK)
            goto fail;
        if (!key.present || !key.value) {
            parsed_clear(&key);
            rc = data_error("Map entry may not have a null key");
            goto fail;
        }
        if (!parser_can_consume(p, ":")) {
            parsed_clear(&key);
            rc = data_error("Map entry is missing ':'");
            goto fail;
        }
        rc = parse_value(p, true, &value);
        if (rc != PARSE_OK) {
            parsed_clear(&key);
            goto fail;
        }
        cd_value_map_put(result, cd_value_copy(key.value), value.value);
        value.value = NULL;
        parser_can_consume(p, ",");
        merger_merge(&keys, &key);
        merger_merge(&values, &value);
        parsed_clear(&key);
        parsed_clear(&value);
    }
    rc = data_error("Map is missing terminating '}'");
fail:
    cd_schema_unref(keys.common);
    cd_schema_unref(values.common);
    cd_value_destroy(result);
    return rc;
}

/** Runs a nested array/map parse one level deeper, bounding the recursion. */
static int parse_nested(parser_t *p, int (*fn)(parser_t *, parsed_t *), parsed_t *out)
{
    if (p->depth >= CD_VALUES_MAX_DEPTH)
        return fatal_error(p, "Value nesting is deeper than the parser's limit");
    p->depth++;
    int rc = fn(p, out);
    p->depth--;
    return rc;
}

static int parse_value(parser_t *p, bool embedded, parsed_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!parser_has_next(p))
        return PARSE_OK;
    if (embedded && parser_can_consume(p, "\""))
        return parse_quoted_string(p, out);
    if (can_parse_single_token_literal(p, embedded, "null"))
        return PARSE_OK;
    for (int truth = 1; truth >= 0; truth--) {
        if (can_parse_single_token_literal(p, embedded, truth ? "true" : "false")) {
            out->present = true;
            out->schema = cd_schema_new(CD_TYPE_BOOLEAN);
            out->value = cd_value_new_boolean(truth != 0);
            return PARSE_OK;
        }
    }
    size_t start = parser_mark(p);
    int rc = PARSE_DATA_ERROR;
    bool nested = false;
    if (parser_can_consume(p, "[")) {
        nested = true;
        rc = parse_nested(p, parse_array, out);
    } else if (parser_can_consume(p, "{")) {
        nested = true;
        rc = parse_nested(p, parse_map, out);
    }
    if (nested) {
        if (rc != PARSE_DATA_ERROR)
            return rc;
        parser_rewind(p, start); /* not an array or map after all: read it as a token */
    }
    token_t t = parser_next(p);
    if (token_is_blank(p, t)) {
        out->present = true;
        out->schema = cd_schema_new(CD_TYPE_STRING);
        out->value = cd_value_new_string(p->s + t.start, t.len);
        return PARSE_OK;
    }
    size_t tstart = t.start, tlen = t.len;
    trim_span(p->s, &tstart, &tlen);
    return parse_next_token(p, embedded, tstart, tlen, out);
}

int cd_values_parse_string(const char *text, size_t len, cd_schema_and_value_t *out, char *errstr,
                           size_t errstr_size)
{
    parser_t parser = {0};
    parsed_t result = {0};
    cd_schema_and_value_clear(out);
    if (!text)
        return 0;
    if (len > CD_VALUES_MAX_PARSE_LEN) {
        set_err(errstr, errstr_size, "Value is too long to parse");
        return -1;
    }
    if (len == 0) {
        out->schema = cd_schema_new(CD_TYPE_STRING);
        out->value = cd_value_new_string("", 0);
        return 0;
    }
    parser.s = text;
    parser.len = len;
    parser.errstr = errstr;
    parser.errstr_size = errstr_size;
    int rc = parse_value(&parser, false, &result);
    if (rc != PARSE_OK) {
        parsed_clear(&result);
        if (rc == PARSE_DATA_ERROR) /* cannot happen at the top level; be safe */
            set_err(errstr, errstr_size, "Failed to parse the value");
        return -1;
    }
    out->schema = result.schema;
    out->value = result.value;
    return 0;
}
