/**
 * @file values.h
 * @brief The C counterpart of org.apache.kafka.connect.data.Values:
 *        convertToString() and parseString() with schema inference, as used by
 *        SimpleHeaderConverter, plus the Java text helpers they need
 *        (Float/Double.toString, Java's UTF-8 decoding with replacement).
 *
 * Dates are formatted and parsed in UTC (Java uses the JVM's default time zone;
 * Connect workers normally run with UTC). See docs/modules/converters.md.
 */
#ifndef CONNECTD_DATA_VALUES_H
#define CONNECTD_DATA_VALUES_H

#include <connectd/buf.h>
#include <connectd/data.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Deepest nesting of arrays and maps cd_values_parse_string() accepts (Java
 *  would run out of stack much later); deeper input fails with -1. */
#define CD_VALUES_MAX_DEPTH 128
/** Longest text cd_values_parse_string() accepts, in bytes. */
#define CD_VALUES_MAX_PARSE_LEN ((size_t)16 * 1024 * 1024)
/** Longest number token parsed as a Decimal (Java has no limit); longer ones fail with -1. */
#define CD_VALUES_MAX_NUMBER_LEN 10000

/**
 * @brief Values.convertToString(schema, value): appends the string form of
 *        @p value (the schema is not used, as in Java) to @p out.
 * @param is_null set to true (and nothing appended) when @p value is null.
 * @return 0, or -1 with a message (buffer cap reached, bad date).
 */
int cd_values_convert_to_string(const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                                bool *is_null, char *errstr, size_t errstr_size);

/**
 * @brief Values.parseString(text): infers a schema and value from UTF-8 text
 *        (must be valid UTF-8; see cd_values_utf8_decode_java()).
 *
 * @p text NULL gives the Connect null (both members NULL), as does the text
 * "null"; anything that is not a boolean, number, date/time, array or map is
 * a STRING of the whole text.
 * @return 0 with @p out set (cleared first), or -1 with a message when the
 *         input passes a bound (length, depth, number length) or memory runs out.
 */
int cd_values_parse_string(const char *text, size_t len, cd_schema_and_value_t *out, char *errstr,
                           size_t errstr_size);

/** @brief Double.toString(v) ("1.0E10", "NaN"): cd_java_double_to_string() (util/java_text.h).
 *  @returns the length, as snprintf. */
size_t cd_values_format_double(double v, char *buf, size_t size);
/** @brief Float.toString(v): cd_java_float_to_string(). @returns the length, as snprintf. */
size_t cd_values_format_float(float v, char *buf, size_t size);

/**
 * @brief Formats a java.util.Date as Values does (UTC): "HH:mm:ss.SSS'Z'" below one day,
 *        "yyyy-MM-dd" on whole days, else "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'".
 * @return 0 or -1 (buffer cap).
 */
int cd_values_format_date(int64_t epoch_ms, cd_buf_t *out);

/** @returns true if the bytes are well-formed UTF-8 (no surrogates, no overlongs). */
bool cd_values_utf8_is_valid(const uint8_t *data, size_t len);

/**
 * @brief Decodes bytes as Java's `new String(bytes, UTF_8)` does and appends the
 *        result as UTF-8: each malformed sequence becomes U+FFFD, with Java's
 *        rules for how many bytes one replacement covers.
 * @return 0 or -1 (buffer cap).
 */
int cd_values_utf8_decode_java(const uint8_t *data, size_t len, cd_buf_t *out);

/** @brief Appends standard Base64 (with padding) of @p data. @return 0 or -1. */
int cd_values_base64_encode(const uint8_t *data, size_t len, cd_buf_t *out);

#ifdef __cplusplus
}
#endif
#endif
