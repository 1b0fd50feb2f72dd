/**
 * @file java_text.h
 * @brief Java's text forms that more than one module needs: Double.toString()
 *        and Float.toString() exactly as JDK 17 prints them, and strict UTF-8
 *        sequence validation (what a Java decoder accepts as one character).
 *
 * See docs/modules/java-text.md.
 */
#ifndef CONNECTD_UTIL_JAVA_TEXT_H
#define CONNECTD_UTIL_JAVA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Room for any cd_java_double_to_string()/cd_java_float_to_string() text and its NUL. */
#define CD_JAVA_FLOATING_TEXT_MAX 32

/**
 * @brief Double.toString(v) as JDK 17 prints it ("1.0E10", "0.001", "NaN",
 *        "-Infinity", "-0.0"), including JDK 17's non-shortest digits for some
 *        large integral values ("5.7223519193314771E17").
 * @param buf receives the text, NUL-terminated and cut to @p size - 1 bytes
 *        (may be NULL when @p size is 0).
 * @returns the length of the whole text, as snprintf does.
 */
size_t cd_java_double_to_string(double v, char *buf, size_t size);

/** @brief Float.toString(v) as JDK 17 prints it; buffer and result as cd_java_double_to_string().
 */
size_t cd_java_float_to_string(float v, char *buf, size_t size);

/**
 * @brief Writes the decimal digits of @p v (Long.toString of a non-negative
 *        value) to @p out, without a NUL.
 * @returns their count (1..20).
 */
static inline size_t cd_uint64_to_decimal(uint64_t v, char *out)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[sizeof(tmp) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    memcpy(out, tmp + sizeof(tmp) - n, n);
    return n;
}

/**
 * @brief Length of the well-formed UTF-8 sequence at @p p, which has @p avail
 *        (>= 1) readable bytes.
 *
 * Strict, as RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no truncated sequence.
 * @returns 1..4, or 0 if the bytes at @p p do not start a well-formed sequence.
 */
static inline size_t cd_utf8_sequence_length(const uint8_t *p, size_t avail)
{
    uint8_t lead = p[0];
    size_t length;
    uint32_t code_point;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07;
    } else {
        return 0;
    }
    if (avail < length)
        return 0;
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        code_point = code_point << 6 | (p[i] & 0x3F);
    }
    if ((length == 3 && code_point < 0x800) ||
        (length == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    return length;
}

/** @returns the value of one hexadecimal digit (either case), or -1. */
static inline int cd_hex_digit_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/**
 * @brief Integer.parseInt(text) for ASCII text: an optional sign and decimal
 *        digits only (no spaces), within the int range.
 * @returns true and sets *out, or false (Java's NumberFormatException).
 */
bool cd_java_parse_int(const char *text, int32_t *out);

#ifdef __cplusplus
}
#endif
#endif
