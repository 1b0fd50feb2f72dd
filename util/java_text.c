/*
 * java_text.c: Double.toString()/Float.toString() exactly as JDK 17 prints them
 * (FloatingDecimal: its "long" fast path for integral values below 2^63, the
 * shortest round-tripping digits elsewhere), with a fast path for the common
 * doubles with a few fraction digits. See docs/modules/java-text.md.
 */
#include "util/java_text.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Copies @p len bytes of @p text to @p out as snprintf would. @returns @p len. */
static size_t copy_text(const char *text, size_t len, char *out, size_t size)
{
    if (size > 0) {
        size_t copied = len < size ? len : size - 1;
        memcpy(out, text, copied);
        out[copied] = '\0';
    }
    return len;
}

/**
 * The digits JDK 17's FloatingDecimal prints for an integral value below 2^63
 * (its "long" fast path, which Double.toString/Float.toString take there):
 * the integer's own digits, of which the ones below the precision of the
 * type (10^insignificant, from the 2^(binExp - precision - 1) past the last
 * significant bit) are dropped with rounding. Not always the shortest form:
 * 5.7223519193314771E17 where 5.722351919331477E17 would do.
 * @returns false if the value does not take that path.
 */
static bool jdk_long_digits(double v, bool single, char *digits, size_t *nd, int *exponent)
{
    double mag = fabs(v);
    int bin_exp;
    if (mag < 1.0 || mag >= 9223372036854775808.0 || mag != floor(mag))
        return false;
    frexp(mag, &bin_exp);
    bin_exp -= 1; /* mag = 1.xxx * 2^bin_exp */
    int significant_bits = single ? 24 : 53;
    int insignificant = 0;
    int p2 = bin_exp - significant_bits - 1;
    if (bin_exp > significant_bits && p2 > 1 && p2 < 64) {
        /* floor(log10(2^p2)): how many times 2^p2 divides by 10 while >= 10 */
        uint64_t pow2 = (uint64_t)1 << p2;
        while (pow2 >= 10) {
            pow2 /= 10;
            insignificant++;
        }
    }
    uint64_t lvalue = (uint64_t)mag;
    if (insignificant) {
        uint64_t pow10 = 1;
        for (int i = 0; i < insignificant; i++)
            pow10 *= 10;
        uint64_t residue = lvalue % pow10;
        lvalue /= pow10;
        if (residue >= pow10 / 2)
            lvalue++;
    }
    char tmp[32];
    int n = (int)cd_uint64_to_decimal(lvalue, tmp);
    *exponent = n - 1 + insignificant;
    while (n > 1 && tmp[n - 1] == '0')
        n--;
    memcpy(digits, tmp, (size_t)n);
    *nd = (size_t)n;
    return true;
}

/**
 * The shortest digits (at least two) that read back as the same value, the
 * closest such decimal: Double.toString's rule everywhere else (and JDK 19+'s
 * rule everywhere, JDK-4511638).
 */
static void shortest_digits(double v, bool single, char *digits, size_t *nd, int *exponent)
{
    char tmp[64];
    int precision;
    for (precision = 1; precision < 17; precision++) {
        snprintf(tmp, sizeof(tmp), "%.*e", precision, v);
        if (single ? strtof(tmp, NULL) == (float)v : strtod(tmp, NULL) == v)
            break;
    }
    if (precision == 17)
        snprintf(tmp, sizeof(tmp), "%.*e", precision, v);
    /* tmp is "[-]d.ddddde[+-]xx" */
    const char *p = tmp;
    size_t n = 0;
    if (*p == '-')
        p++;
    for (; *p != 'e'; p++) {
        if (*p != '.')
            digits[n++] = *p;
    }
    *exponent = atoi(p + 1);
    while (n > 1 && digits[n - 1] == '0')
        n--;
    *nd = n;
}

/**
 * shortest_digits() for the common doubles with a few fraction digits (prices,
 * scores: 1e-3 <= |v| < 1e7, not integral) without a loop of snprintf/strtod.
 * For each count k of fraction digits, the only integer m that can make
 * m / 10^k read back as |v| is the nearest one to |v| * 10^k: as long as
 * |v| * 10^k < 2^50, a decimal that reads back is within |v| * 10^k * 2^-52 <
 * 0.25 of it, and the rounded product is within 0.125. m / 10^k with both
 * exact is the correctly rounded quotient, i.e. what reading the decimal gives.
 * The first k that works is the shortest; its decimal is also the closest.
 * @returns false where it does not apply (the caller takes the slow path).
 */
static bool short_fraction_digits(double v, char *digits, size_t *nd, int *exponent)
{
    static const double pow10[] = {1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7, 1e8,
                                   1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16};
    double mag = fabs(v);
    if (!(mag >= 1e-3 && mag < 1e7))
        return false;
    for (int k = 1; k < (int)(sizeof(pow10) / sizeof(pow10[0])); k++) {
        double scaled = mag * pow10[k];
        if (scaled >= 1125899906842624.0) /* 2^50 */
            return false;
        double m = nearbyint(scaled);
        if (m / pow10[k] != mag)
            continue;
        char tmp[20];
        size_t n = cd_uint64_to_decimal((uint64_t)m, tmp);
        *exponent = (int)n - 1 - k;
        while (n > 1 && tmp[n - 1] == '0')
            n--;
        memcpy(digits, tmp, n);
        *nd = n;
        return true;
    }
    return false;
}

/**
 * Formats @p v as Java's Double.toString() (or Float.toString() when @p single,
 * @p v then holding a float) into @p out: cut to @p size - 1 bytes and
 * NUL-terminated if @p size > 0. @returns the length of the whole text.
 */
static size_t format_java_floating(double v, bool single, char *out, size_t size)
{
    if (isnan(v))
        return copy_text("NaN", 3, out, size);
    if (isinf(v))
        return v > 0 ? copy_text("Infinity", 8, out, size) : copy_text("-Infinity", 9, out, size);
    if (v == 0)
        return signbit(v) ? copy_text("-0.0", 4, out, size) : copy_text("0.0", 3, out, size);
    char digits[32];
    size_t nd;
    int exponent;
    if (!jdk_long_digits(v, single, digits, &nd, &exponent) &&
        (single || !short_fraction_digits(v, digits, &nd, &exponent)))
        shortest_digits(v, single, digits, &nd, &exponent);
    char buf[64];
    size_t n = 0;
    if (v < 0)
        buf[n++] = '-';
    if (exponent >= -3 && exponent < 7) {
        if (exponent >= 0) {
            for (int i = 0; i <= exponent; i++)
                buf[n++] = (size_t)i < nd ? digits[i] : '0';
            buf[n++] = '.';
            if ((size_t)exponent + 1 < nd) {
                for (size_t i = (size_t)exponent + 1; i < nd; i++)
                    buf[n++] = digits[i];
            } else {
                buf[n++] = '0';
            }
        } else {
            buf[n++] = '0';
            buf[n++] = '.';
            for (int i = -1; i > exponent; i--)
                buf[n++] = '0';
            for (size_t i = 0; i < nd; i++)
                buf[n++] = digits[i];
        }
    } else {
        buf[n++] = digits[0];
        buf[n++] = '.';
        if (nd > 1) {
            for (size_t i = 1; i < nd; i++)
                buf[n++] = digits[i];
        } else {
            buf[n++] = '0';
        }
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, "E%d", exponent);
    }
    return copy_text(buf, n, out, size);
}

size_t cd_java_double_to_string(double v, char *buf, size_t size)
{
    return format_java_floating(v, false, buf, size);
}

size_t cd_java_float_to_string(float v, char *buf, size_t size)
{
    return format_java_floating((double)v, true, buf, size);
}

bool cd_java_parse_int(const char *text, int32_t *out)
{
    const char *p = text;
    bool negative = false;
    int64_t v = 0;
    if (!p)
        return false;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
        if (v > (int64_t)INT32_MAX + 1)
            return false;
    }
    if (negative)
        v = -v;
    if (v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}
