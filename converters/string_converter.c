/*
 * string_converter.c: org.apache.kafka.connect.storage.StringConverter, a
 * Converter and HeaderConverter writing any value's toString() in a charset
 * and reading bytes back as an OPTIONAL_STRING.
 *
 * UTF-8, US-ASCII, ISO-8859-1 and UTF-16/UTF-16BE/UTF-16LE are coded here with
 * Java's replacement rules (malformed input -> U+FFFD when decoding,
 * unmappable characters -> '?' when encoding); any other charset name glibc
 * iconv knows goes through iconv with the same replacements, best effort.
 */
#include <connectd/converter.h>

#include "data/values.h"
#include "util/properties.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/** The setting of StringConverterConfig. */
#define STRING_CONVERTER_ENCODING_CONFIG "converter.encoding"

typedef enum charset_e {
    CHARSET_UTF8,
    CHARSET_ASCII,
    CHARSET_LATIN1,
    CHARSET_UTF16,
    CHARSET_UTF16BE,
    CHARSET_UTF16LE,
    CHARSET_ICONV,
} charset_t;

typedef struct string_converter_s {
    charset_t charset;
    char iconv_name[64];
    cd_schema_t *optional_string; /**< OPTIONAL_STRING_SCHEMA, shared by every result */
} string_converter_t;

typedef struct charset_alias_s {
    const char *name;
    charset_t charset;
} charset_alias_t;

/* Java's canonical names and aliases (java.nio.charset.StandardCharsets), case-insensitive. */
static const charset_alias_t charset_aliases[] = {
    {"UTF-8", CHARSET_UTF8},
    {"UTF8", CHARSET_UTF8},
    {"unicode-1-1-utf-8", CHARSET_UTF8},
    {"US-ASCII", CHARSET_ASCII},
    {"ASCII", CHARSET_ASCII},
    {"iso-ir-6", CHARSET_ASCII},
    {"ANSI_X3.4-1986", CHARSET_ASCII},
    {"ISO_646.irv:1991", CHARSET_ASCII},
    {"ANSI_X3.4-1968", CHARSET_ASCII},
    {"ISO646-US", CHARSET_ASCII},
    {"us", CHARSET_ASCII},
    {"IBM367", CHARSET_ASCII},
    {"cp367", CHARSET_ASCII},
    {"csASCII", CHARSET_ASCII},
    {"default", CHARSET_ASCII},
    {"646", CHARSET_ASCII},
    {"iso_646.irv:1983", CHARSET_ASCII},
    {"ascii7", CHARSET_ASCII},
    {"ISO-8859-1", CHARSET_LATIN1},
    {"iso-ir-100", CHARSET_LATIN1},
    {"ISO_8859-1", CHARSET_LATIN1},
    {"latin1", CHARSET_LATIN1},
    {"l1", CHARSET_LATIN1},
    {"IBM819", CHARSET_LATIN1},
    {"cp819", CHARSET_LATIN1},
    {"csISOLatin1", CHARSET_LATIN1},
    {"819", CHARSET_LATIN1},
    {"IBM-819", CHARSET_LATIN1},
    {"ISO8859_1", CHARSET_LATIN1},
    {"ISO_8859-1:1987", CHARSET_LATIN1},
    {"ISO_8859_1", CHARSET_LATIN1},
    {"8859_1", CHARSET_LATIN1},
    {"ISO8859-1", CHARSET_LATIN1},
    {"UTF-16", CHARSET_UTF16},
    {"UTF_16", CHARSET_UTF16},
    {"utf16", CHARSET_UTF16},
    {"unicode", CHARSET_UTF16},
    {"UnicodeBig", CHARSET_UTF16},
    {"UTF-16BE", CHARSET_UTF16BE},
    {"UTF_16BE", CHARSET_UTF16BE},
    {"ISO-10646-UCS-2", CHARSET_UTF16BE},
    {"X-UTF-16BE", CHARSET_UTF16BE},
    {"UnicodeBigUnmarked", CHARSET_UTF16BE},
    {"UTF-16LE", CHARSET_UTF16LE},
    {"UTF_16LE", CHARSET_UTF16LE},
    {"X-UTF-16LE", CHARSET_UTF16LE},
    {"UnicodeLittleUnmarked", CHARSET_UTF16LE},
};

static void *string_converter_create(const cd_properties_t *config, cd_converter_type_t type,
                                     char *errstr, size_t errstr_size)
{
    const char *encoding = NULL;
    string_converter_t *sc = calloc(1, sizeof(*sc));
    if (!sc) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    /* Only Java's key: "encoding" alone has no effect on a Java worker, so it has none here,
     * and a mixed cluster writes the same bytes. */
    if (config)
        encoding = cd_properties_get(config, STRING_CONVERTER_ENCODING_CONFIG);
    sc->optional_string = cd_schema_new(CD_TYPE_STRING);
    cd_schema_set_optional(sc->optional_string, true);
    if (!encoding) {
        sc->charset = CHARSET_UTF8;
        return sc;
    }
    for (size_t i = 0; i < sizeof(charset_aliases) / sizeof(charset_aliases[0]); i++) {
        if (strcasecmp(charset_aliases[i].name, encoding) == 0) {
            sc->charset = charset_aliases[i].charset;
            return sc;
        }
    }
    /* Any other charset glibc knows; Java names are mostly iconv names too. */
    if (strlen(encoding) < sizeof(sc->iconv_name)) {
        iconv_t cd = iconv_open("UTF-8", encoding);
        if (cd != (iconv_t)-1) {
            iconv_close(cd);
            sc->charset = CHARSET_ICONV;
            snprintf(sc->iconv_name, sizeof(sc->iconv_name), "%s", encoding);
            return sc;
        }
    }
    /* StringSerializer.configure's SerializationException */
    snprintf(errstr, errstr_size, "Unsupported encoding %s", encoding);
    cd_schema_unref(sc->optional_string);
    free(sc);
    return NULL;
}

static void string_converter_destroy(void *state)
{
    string_converter_t *sc = state;
    cd_schema_unref(sc->optional_string);
    free(sc);
}

/** Next code point of (valid) UTF-8 @p s at *i. */
static uint32_t next_code_point(const uint8_t *s, size_t len, size_t *i)
{
    uint8_t b = s[*i];
    uint32_t cp;
    size_t n;
    if (b < 0x80) {
        (*i)++;
        return b;
    } else if (b < 0xE0) {
        cp = b & 0x1F;
        n = 1;
    } else if (b < 0xF0) {
        cp = b & 0x0F;
        n = 2;
    } else {
        cp = b & 0x07;
        n = 3;
    }
    (*i)++;
    for (size_t k = 0; k < n && *i < len; k++, (*i)++)
        cp = (cp << 6) | (s[*i] & 0x3F);
    return cp;
}

static int put_utf16(cd_buf_t *out, uint32_t unit, bool little)
{
    uint8_t b[2];
    b[little ? 1 : 0] = (uint8_t)(unit >> 8);
    b[little ? 0 : 1] = (uint8_t)unit;
    return cd_buf_append(out, b, 2);
}

static int put_utf8(cd_buf_t *out, uint32_t cp)
{
    uint8_t b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xC0 | (cp >> 6));
        b[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xE0 | (cp >> 12));
        b[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (uint8_t)(0xF0 | (cp >> 18));
        b[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return cd_buf_append(out, b, n);
}

/**
 * @brief Converts @p len bytes from charset @p from to @p to with iconv, as Java's coders do with
 *        bad input: when @p encoding (UTF-8 -> charset), an unmappable character becomes '?';
 *        when decoding (charset -> UTF-8), each malformed byte becomes U+FFFD.
 */
static int iconv_transcode(const char *to, const char *from, const uint8_t *data, size_t len,
                           bool encoding, cd_buf_t *out, char *errstr, size_t errstr_size)
{
    iconv_t cd = iconv_open(to, from);
    if (cd == (iconv_t)-1) {
        snprintf(errstr, errstr_size, "Unsupported encoding %s", encoding ? to : from);
        return -1;
    }
    char chunk[4096];
    char *in = (char *)data;
    size_t inleft = len;
    int rc = 0;
    while (inleft > 0 && rc == 0) {
        char *o = chunk;
        size_t oleft = sizeof(chunk);
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        rc = cd_buf_append(out, chunk, sizeof(chunk) - oleft);
        if (r != (size_t)-1 || errno == E2BIG)
            continue;
        if (encoding && errno == EILSEQ) {
            size_t skip = 0;
            next_code_point((const uint8_t *)in, inleft, &skip);
            in += skip;
            inleft -= skip;
            if (rc == 0)
                rc = cd_buf_append_char(out, '?');
        } else if (!encoding && (errno == EILSEQ || errno == EINVAL)) {
            in++;
            inleft--;
            if (rc == 0)
                rc = put_utf8(out, 0xFFFD);
        } else {
            break;
        }
    }
    iconv_close(cd);
    return rc;
}

/** String.getBytes(charset) of valid UTF-8 text @p s. */
static int encode_text(const string_converter_t *sc, const uint8_t *s, size_t len, cd_buf_t *out,
                       char *errstr, size_t errstr_size)
{
    size_t i = 0;
    switch (sc->charset) {
    case CHARSET_UTF8:
        return cd_buf_append(out, s, len);
    case CHARSET_ASCII:
    case CHARSET_LATIN1: {
        uint32_t limit = sc->charset == CHARSET_ASCII ? 0x80 : 0x100;
        while (i < len) {
            uint32_t cp = next_code_point(s, len, &i);
            if (cd_buf_append_char(out, cp < limit ? (char)cp : '?') != 0)
                return -1;
        }
        return 0;
    }
    case CHARSET_UTF16:
    case CHARSET_UTF16BE:
    case CHARSET_UTF16LE: {
        bool little = sc->charset == CHARSET_UTF16LE;
        if (sc->charset == CHARSET_UTF16 && len > 0 && put_utf16(out, 0xFEFF, false) != 0)
            return -1; /* Java's UTF-16 encoder writes a big-endian BOM */
        while (i < len) {
            uint32_t cp = next_code_point(s, len, &i);
            int rc;
            if (cp >= 0x10000) {
                cp -= 0x10000;
                rc = put_utf16(out, 0xD800 | (cp >> 10), little) |
                     put_utf16(out, 0xDC00 | (cp & 0x3FF), little);
            } else {
                rc = put_utf16(out, cp, little);
            }
            if (rc != 0)
                return -1;
        }
        return 0;
    }
    case CHARSET_ICONV:
        return iconv_transcode(sc->iconv_name, "UTF-8", s, len, true, out, errstr, errstr_size);
    }
    return -1;
}

/** Decodes a UTF-16 unit stream, unpaired surrogates and a trailing odd byte -> U+FFFD. */
static int decode_utf16(const uint8_t *data, size_t len, bool little, cd_buf_t *out)
{
    size_t i = 0;
    while (i + 1 < len) {
        uint32_t u = little ? (uint32_t)data[i] | (uint32_t)data[i + 1] << 8
                            : (uint32_t)data[i] << 8 | data[i + 1];
        i += 2;
        uint32_t cp = u;
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 1 < len) {
                uint32_t u2 = little ? (uint32_t)data[i] | (uint32_t)data[i + 1] << 8
                                     : (uint32_t)data[i] << 8 | data[i + 1];
                if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
                    cp = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
                } else {
                    cp = 0xFFFD; /* Java: malformed input of length 4, both units */
                }
                i += 2;
            } else {
                cp = 0xFFFD;
                i = len; /* truncated pair at the end: one replacement */
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            cp = 0xFFFD;
        }
        if (put_utf8(out, cp) != 0)
            return -1;
    }
    if (i < len && put_utf8(out, 0xFFFD) != 0)
        return -1;
    return 0;
}

/** new String(bytes, charset), appended as UTF-8. */
static int decode_bytes(const string_converter_t *sc, const uint8_t *data, size_t len,
                        cd_buf_t *out, char *errstr, size_t errstr_size)
{
    switch (sc->charset) {
    case CHARSET_UTF8:
        if (cd_values_utf8_is_valid(data, len))
            return cd_buf_append(out, data, len);
        return cd_values_utf8_decode_java(data, len, out);
    case CHARSET_ASCII:
    case CHARSET_LATIN1:
        for (size_t i = 0; i < len; i++) {
            uint32_t cp = data[i];
            if (sc->charset == CHARSET_ASCII && cp >= 0x80)
                cp = 0xFFFD;
            if (put_utf8(out, cp) != 0)
                return -1;
        }
        return 0;
    case CHARSET_UTF16:
        if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF)
            return decode_utf16(data + 2, len - 2, false, out);
        if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE)
            return decode_utf16(data + 2, len - 2, true, out);
        return decode_utf16(data, len, false, out);
    case CHARSET_UTF16BE:
    case CHARSET_UTF16LE:
        return decode_utf16(data, len, sc->charset == CHARSET_UTF16LE, out);
    case CHARSET_ICONV:
        return iconv_transcode("UTF-8", sc->iconv_name, data, len, false, out, errstr, errstr_size);
    }
    return -1;
}

/** Appends Java's Object.toString() of @p value (ArrayList, HashMap, Struct, Date, ...). */
static int append_java_to_string(const cd_value_t *value, cd_buf_t *out, int depth, char *errstr,
                                 size_t errstr_size)
{
    static const char *const weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    size_t len;
    bool unused;
    if (depth > 1024) {
        snprintf(errstr, errstr_size, "Value nesting is too deep to convert to a string");
        return -1;
    }
    if (!value)
        return cd_buf_append(out, "null", 4);
    switch (cd_value_kind(value)) {
    case CD_VALUE_STRING: {
        const char *s = cd_value_string(value, &len);
        return cd_buf_append(out, s, len);
    }
    case CD_VALUE_ARRAY: /* AbstractCollection.toString() */
        if (cd_buf_append_char(out, '[') != 0)
            return -1;
        for (size_t i = 0; i < cd_value_array_size(value); i++) {
            if ((i && cd_buf_append(out, ", ", 2) != 0) ||
                append_java_to_string(cd_value_array_at(value, i), out, depth + 1, errstr,
                                      errstr_size) != 0)
                return -1;
        }
        return cd_buf_append_char(out, ']');
    case CD_VALUE_MAP: /* AbstractMap.toString(), in the map's own order */
        if (cd_buf_append_char(out, '{') != 0)
            return -1;
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            if ((i && cd_buf_append(out, ", ", 2) != 0) ||
                append_java_to_string(cd_value_map_key_at(value, i), out, depth + 1, errstr,
                                      errstr_size) != 0 ||
                cd_buf_append_char(out, '=') != 0 ||
                append_java_to_string(cd_value_map_value_at(value, i), out, depth + 1, errstr,
                                      errstr_size) != 0)
                return -1;
        }
        return cd_buf_append_char(out, '}');
    case CD_VALUE_STRUCT: { /* Struct.toString(): non-null fields only */
        const cd_schema_t *schema = cd_value_struct_schema(value);
        bool first = true;
        if (cd_buf_append(out, "Struct{", 7) != 0)
            return -1;
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_value_t *fv = cd_value_struct_get_at(value, i);
            if (!fv)
                continue;
            if ((!first && cd_buf_append_char(out, ',') != 0) ||
                cd_buf_append_str(out, cd_field_name(cd_schema_field_at(schema, i))) != 0 ||
                cd_buf_append_char(out, '=') != 0 ||
                append_java_to_string(fv, out, depth + 1, errstr, errstr_size) != 0)
                return -1;
            first = false;
        }
        return cd_buf_append_char(out, '}');
    }
    case CD_VALUE_DATE: { /* Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy" (UTC) */
        int64_t ms = cd_value_date_ms(value);
        int64_t days = ms / 86400000 - (ms % 86400000 < 0);
        int64_t tod = ms - days * 86400000;
        /* proleptic Gregorian civil date (Java switches to Julian before 1582) */
        int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        int d = (int)(doy - (153 * mp + 2) / 5 + 1);
        int m = (int)(mp < 10 ? mp + 3 : mp - 9);
        long long y = (long long)(yoe + era * 400 + (m <= 2));
        int64_t wd = ((days % 7) + 7) % 7;
        return cd_buf_appendf(out, "%s %s %02d %02d:%02d:%02d UTC %lld", weekdays[wd],
                              months[m - 1], d, (int)(tod / 3600000), (int)(tod / 60000 % 60),
                              (int)(tod / 1000 % 60), y);
    }
    default: /* numbers, booleans, decimals: as Values; bytes: Base64 (Java prints "[B@hash") */
        return cd_values_convert_to_string(NULL, value, out, &unused, errstr, errstr_size);
    }
}

static int string_from_connect(void *state, const char *topic, const cd_headers_t *headers,
                               const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                               bool *is_null, char *errstr, size_t errstr_size)
{
    const string_converter_t *sc = state;
    cd_buf_t text;
    int rc = -1;
    *is_null = value == NULL;
    if (!value)
        return 0;
    cd_buf_init(&text);
    const uint8_t *s;
    size_t len;
    if (cd_value_kind(value) == CD_VALUE_STRING) {
        s = (const uint8_t *)cd_value_string(value, &len);
    } else {
        /* value.toString() */
        if (append_java_to_string(value, &text, 0, errstr, errstr_size) != 0)
            goto overflow;
        s = text.data;
        len = text.len;
    }
    if (!cd_values_utf8_is_valid(s, len)) {
        /* A Java String cannot hold malformed UTF-8: decode it as Java would first. */
        cd_buf_t clean;
        cd_buf_init(&clean);
        if (cd_values_utf8_decode_java(s, len, &clean) != 0) {
            cd_buf_free(&clean);
            goto overflow;
        }
        cd_buf_free(&text);
        text = clean;
        s = text.data;
        len = text.len;
    }
    if (encode_text(sc, s, len, out, errstr, errstr_size) != 0)
        goto overflow;
    if (!out->data && cd_buf_append(out, "", 0) != 0)
        goto overflow;
    rc = 0;
    goto fail;
overflow:
    if (out->overflow)
        snprintf(errstr, errstr_size, "Failed to serialize to a string: value too large");
fail:
    cd_buf_free(&text);
    return rc;
}

static int string_to_connect(void *state, const char *topic, const cd_headers_t *headers,
                             const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                             char *errstr, size_t errstr_size)
{
    const string_converter_t *sc = state;
    out->schema = cd_schema_ref(sc->optional_string);
    if (!data)
        return 0;
    if (sc->charset == CHARSET_UTF8 && cd_values_utf8_is_valid(data, len)) {
        out->value = cd_value_new_string((const char *)data, len);
        return 0;
    }
    cd_buf_t text;
    cd_buf_init(&text);
    if (decode_bytes(sc, data, len, &text, errstr, errstr_size) != 0) {
        if (text.overflow)
            snprintf(errstr, errstr_size, "Failed to deserialize string: value too large");
        cd_buf_free(&text);
        cd_schema_and_value_clear(out);
        return -1;
    }
    out->value = cd_value_new_string(text.data ? (const char *)text.data : "", text.len);
    cd_buf_free(&text);
    return 0;
}

static int string_from_connect_header(void *state, const char *topic, const char *header_key,
                                      const cd_schema_t *schema, const cd_value_t *value,
                                      cd_buf_t *out, bool *is_null, char *errstr,
                                      size_t errstr_size)
{
    return string_from_connect(state, topic, NULL, schema, value, out, is_null, errstr,
                               errstr_size);
}

static int string_to_connect_header(void *state, const char *topic, const char *header_key,
                                    const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                    char *errstr, size_t errstr_size)
{
    return string_to_connect(state, topic, NULL, data, len, out, errstr, errstr_size);
}

static const char *const string_converter_aliases[] = {"StringConverter", NULL};

const cd_converter_plugin_t cd_string_converter_plugin = {
    .class_name = "org.apache.kafka.connect.storage.StringConverter",
    .aliases = string_converter_aliases,
    .version = "4.3.1",
    .is_header_converter = true,
    .is_converter = true,
    .create = string_converter_create,
    .destroy = string_converter_destroy,
    .from_connect = string_from_connect,
    .to_connect = string_to_connect,
    .from_connect_header = string_from_connect_header,
    .to_connect_header = string_to_connect_header,
};
