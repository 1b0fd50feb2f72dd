/* value.c: Connect values (the Java objects behind a schema), structs, maps, decimals. */
#include "data/data_internal.h"

#include <ctype.h>
#include <math.h>
#include <openssl/bn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p)
        abort();
    return p;
}

static cd_value_t *value_new_with_tail(cd_value_kind_t kind, size_t extra);

/* malloc + memset rather than calloc: glibc's calloc skips the thread cache. */
static cd_value_t *value_new(cd_value_kind_t kind)
{
    return value_new_with_tail(kind, 0);
}

/**
 * A value with @p extra bytes right after it in the same allocation (a string's
 * bytes, a struct's field slots): one malloc instead of two. Only the value
 * header is zeroed.
 */
static cd_value_t *value_new_with_tail(cd_value_kind_t kind, size_t extra)
{
    if (extra > SIZE_MAX - sizeof(cd_value_t))
        abort();
    cd_value_t *v = malloc(sizeof(*v) + extra);
    if (!v)
        abort();
    memset(v, 0, sizeof(*v));
    v->kind = kind;
    return v;
}

/** @returns the bytes right after the value (see value_new_with_tail()). */
static void *value_tail(const cd_value_t *value)
{
    return (void *)(value + 1);
}

const char *cd_value_kind_java_class(cd_value_kind_t kind)
{
    switch (kind) {
    case CD_VALUE_INT8:
        return "java.lang.Byte";
    case CD_VALUE_INT16:
        return "java.lang.Short";
    case CD_VALUE_INT32:
        return "java.lang.Integer";
    case CD_VALUE_INT64:
        return "java.lang.Long";
    case CD_VALUE_FLOAT32:
        return "java.lang.Float";
    case CD_VALUE_FLOAT64:
        return "java.lang.Double";
    case CD_VALUE_BOOLEAN:
        return "java.lang.Boolean";
    case CD_VALUE_STRING:
        return "java.lang.String";
    case CD_VALUE_BYTES:
        return "[B";
    case CD_VALUE_ARRAY:
        return "java.util.ArrayList";
    case CD_VALUE_MAP:
        return "java.util.HashMap";
    case CD_VALUE_STRUCT:
        return "org.apache.kafka.connect.data.Struct";
    case CD_VALUE_DECIMAL:
        return "java.math.BigDecimal";
    case CD_VALUE_DATE:
        return "java.util.Date";
    }
    return "java.lang.Object";
}

cd_value_t *cd_value_new_int8(int8_t v)
{
    cd_value_t *value = value_new(CD_VALUE_INT8);
    value->u.i = v;
    return value;
}

cd_value_t *cd_value_new_int16(int16_t v)
{
    cd_value_t *value = value_new(CD_VALUE_INT16);
    value->u.i = v;
    return value;
}

cd_value_t *cd_value_new_int32(int32_t v)
{
    cd_value_t *value = value_new(CD_VALUE_INT32);
    value->u.i = v;
    return value;
}

cd_value_t *cd_value_new_int64(int64_t v)
{
    cd_value_t *value = value_new(CD_VALUE_INT64);
    value->u.i = v;
    return value;
}

cd_value_t *cd_value_new_float32(float v)
{
    cd_value_t *value = value_new(CD_VALUE_FLOAT32);
    value->u.f32 = v;
    return value;
}

cd_value_t *cd_value_new_float64(double v)
{
    cd_value_t *value = value_new(CD_VALUE_FLOAT64);
    value->u.f64 = v;
    return value;
}

cd_value_t *cd_value_new_boolean(bool v)
{
    cd_value_t *value = value_new(CD_VALUE_BOOLEAN);
    value->u.b = v;
    return value;
}

cd_value_t *cd_value_new_date(int64_t epoch_ms)
{
    cd_value_t *value = value_new(CD_VALUE_DATE);
    value->u.i = epoch_ms;
    return value;
}

static cd_value_t *blob_new(cd_value_kind_t kind, const void *data, size_t len)
{
    if (len == SIZE_MAX)
        abort();
    cd_value_t *value = value_new_with_tail(kind, len + 1);
    value->u.blob.data = value_tail(value);
    if (len)
        memcpy(value->u.blob.data, data, len);
    value->u.blob.data[len] = '\0';
    value->u.blob.len = len;
    return value;
}

cd_value_t *cd_value_new_string(const char *s, size_t len)
{
    return blob_new(CD_VALUE_STRING, s, len);
}

cd_value_t *cd_value_new_cstring(const char *s)
{
    return blob_new(CD_VALUE_STRING, s, strlen(s));
}

cd_value_t *cd_value_new_bytes(const void *data, size_t len)
{
    return blob_new(CD_VALUE_BYTES, data, len);
}

cd_value_t *cd_value_new_array(void)
{
    return value_new(CD_VALUE_ARRAY);
}

/* Maps hold their first entry in the value's own allocation (source partitions and
 * offsets are one-entry maps, created per record): entries points at the tail
 * until a second entry moves them to the heap. */
#define MAP_INLINE_ENTRIES 1

cd_value_t *cd_value_new_map(void)
{
    cd_value_t *map =
        value_new_with_tail(CD_VALUE_MAP, MAP_INLINE_ENTRIES * sizeof(cd_map_entry_t));
    map->u.map.entries = value_tail(map);
    map->u.map.cap = MAP_INLINE_ENTRIES;
    return map;
}

cd_value_t *cd_value_new_struct(const cd_schema_t *schema)
{
    size_t field_count = cd_schema_field_count(schema);
    if (field_count > (SIZE_MAX - sizeof(cd_value_t)) / sizeof(cd_value_t *))
        abort();
    cd_value_t *value = value_new_with_tail(CD_VALUE_STRUCT, field_count * sizeof(cd_value_t *));
    value->u.st.schema = cd_schema_ref(schema);
    value->u.st.values = value_tail(value);
    for (size_t i = 0; i < field_count; i++)
        value->u.st.values[i] = NULL;
    return value;
}

/* Strips redundant sign bytes so equal BigIntegers have equal bytes (BigInteger.toByteArray). */
static void decimal_normalize(cd_value_t *value)
{
    uint8_t *b = value->u.dec.unscaled;
    size_t len = value->u.dec.len, skip = 0;
    while (len - skip > 1 && ((b[skip] == 0x00 && !(b[skip + 1] & 0x80)) ||
                              (b[skip] == 0xff && (b[skip + 1] & 0x80))))
        skip++;
    if (skip) {
        memmove(b, b + skip, len - skip);
        value->u.dec.len = len - skip;
    }
}

cd_value_t *cd_value_new_decimal(const uint8_t *unscaled, size_t len, int32_t scale)
{
    cd_value_t *value = value_new(CD_VALUE_DECIMAL);
    value->u.dec.unscaled = xcalloc(len ? len : 1, 1);
    if (len)
        memcpy(value->u.dec.unscaled, unscaled, len);
    value->u.dec.len = len ? len : 1;
    value->u.dec.scale = scale;
    decimal_normalize(value);
    return value;
}

/* Two's complement of a magnitude, in place, over len bytes. */
static void twos_complement(uint8_t *b, size_t len)
{
    unsigned carry = 1;
    for (size_t i = len; i-- > 0;) {
        unsigned x = (uint8_t)~b[i] + carry;
        b[i] = (uint8_t)x;
        carry = x >> 8;
    }
}

/* Minimal two's-complement big-endian bytes of a signed BIGNUM. */
static uint8_t *bn_to_twos(const BIGNUM *bn, size_t *out_len)
{
    int n = BN_num_bytes(bn);
    uint8_t *b = xcalloc((size_t)n + 1, 1);
    BN_bn2bin(bn, b + 1);
    size_t len = (size_t)n + 1;
    if (BN_is_negative(bn))
        twos_complement(b, len);
    *out_len = len;
    return b;
}

static BIGNUM *twos_to_bn(const uint8_t *b, size_t len)
{
    bool negative = len && (b[0] & 0x80);
    if (!negative)
        return BN_bin2bn(b, (int)len, NULL);
    uint8_t *mag = xcalloc(len, 1);
    memcpy(mag, b, len);
    twos_complement(mag, len);
    BIGNUM *bn = BN_bin2bn(mag, (int)len, NULL);
    free(mag);
    if (bn)
        BN_set_negative(bn, 1);
    return bn;
}

#define DECIMAL_MAX_DIGITS 10000

cd_value_t *cd_value_new_decimal_from_string(const char *text, size_t len)
{
    char *digits = NULL;
    BIGNUM *bn = NULL;
    cd_value_t *value = NULL;
    size_t i = 0, nd = 0;
    long frac = 0, exp = 0;
    bool negative = false, seen_digit = false;

    if (len == 0 || len > DECIMAL_MAX_DIGITS)
        goto done;
    digits = xcalloc(len + 2, 1);
    if (text[i] == '+' || text[i] == '-')
        negative = text[i++] == '-';
    for (; i < len && isdigit((unsigned char)text[i]); i++, seen_digit = true)
        digits[nd++] = text[i];
    if (i < len && text[i] == '.') {
        for (i++; i < len && isdigit((unsigned char)text[i]); i++, seen_digit = true, frac++)
            digits[nd++] = text[i];
    }
    if (!seen_digit)
        goto done;
    if (i < len && (text[i] == 'e' || text[i] == 'E')) {
        bool eneg = false, edigit = false;
        i++;
        if (i < len && (text[i] == '+' || text[i] == '-'))
            eneg = text[i++] == '-';
        for (; i < len && isdigit((unsigned char)text[i]); i++, edigit = true) {
            exp = exp * 10 + (text[i] - '0');
            if (exp > 2147483648L) /* BigDecimal: the exponent is an int */
                goto done;
        }
        if (!edigit)
            goto done;
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        goto done;
    long scale = frac - exp;
    if (scale < INT32_MIN || scale > INT32_MAX)
        goto done;
    if (!BN_dec2bn(&bn, digits))
        goto done;
    if (negative && !BN_is_zero(bn))
        BN_set_negative(bn, 1);
    size_t blen;
    uint8_t *b = bn_to_twos(bn, &blen);
    value = cd_value_new_decimal(b, blen, (int32_t)scale);
    free(b);
done:
    BN_free(bn);
    free(digits);
    return value;
}

/* The unscaled value as decimal digits, without sign. */
static char *decimal_digits(const cd_value_t *value, bool *negative)
{
    BIGNUM *bn = twos_to_bn(value->u.dec.unscaled, value->u.dec.len);
    if (!bn)
        abort();
    *negative = BN_is_negative(bn);
    BN_set_negative(bn, 0);
    char *dec = BN_bn2dec(bn);
    BN_free(bn);
    if (!dec)
        abort();
    char *copy = strdup(dec);
    OPENSSL_free(dec);
    return copy;
}

static size_t emit(char *buf, size_t size, size_t pos, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, pos++)
        if (pos + 1 < size)
            buf[pos] = s[i];
    return pos;
}

static size_t emit_zeros(char *buf, size_t size, size_t pos, long n)
{
    for (long i = 0; i < n; i++)
        pos = emit(buf, size, pos, "0", 1);
    return pos;
}

static size_t finish(char *buf, size_t size, size_t pos)
{
    if (size)
        buf[pos < size ? pos : size - 1] = '\0';
    return pos;
}

size_t cd_value_decimal_to_string(const cd_value_t *value, char *buf, size_t size)
{
    bool negative;
    char *digits = decimal_digits(value, &negative);
    size_t nd = strlen(digits), pos = 0;
    long scale = value->u.dec.scale;
    long adjusted = -scale + (long)(nd - 1);

    if (negative)
        pos = emit(buf, size, pos, "-", 1);
    if (scale == 0) {
        pos = emit(buf, size, pos, digits, nd);
    } else if (scale > 0 && adjusted >= -6) {
        long int_digits = (long)nd - scale;
        if (int_digits > 0) {
            pos = emit(buf, size, pos, digits, (size_t)int_digits);
            pos = emit(buf, size, pos, ".", 1);
            pos = emit(buf, size, pos, digits + int_digits, nd - (size_t)int_digits);
        } else {
            pos = emit(buf, size, pos, "0.", 2);
            pos = emit_zeros(buf, size, pos, -int_digits);
            pos = emit(buf, size, pos, digits, nd);
        }
    } else {
        char exp[24];
        pos = emit(buf, size, pos, digits, 1);
        if (nd > 1) {
            pos = emit(buf, size, pos, ".", 1);
            pos = emit(buf, size, pos, digits + 1, nd - 1);
        }
        int n = snprintf(exp, sizeof(exp), "E%s%ld", adjusted >= 0 ? "+" : "", adjusted);
        pos = emit(buf, size, pos, exp, (size_t)n);
    }
    free(digits);
    return finish(buf, size, pos);
}

size_t cd_value_decimal_to_plain_string(const cd_value_t *value, char *buf, size_t size)
{
    bool negative;
    char *digits = decimal_digits(value, &negative);
    size_t nd = strlen(digits), pos = 0;
    long scale = value->u.dec.scale;
    bool zero = nd == 1 && digits[0] == '0';

    if (negative)
        pos = emit(buf, size, pos, "-", 1);
    if (scale <= 0) {
        pos = emit(buf, size, pos, digits, nd);
        if (!zero)
            pos = emit_zeros(buf, size, pos, -scale);
    } else {
        long int_digits = (long)nd - scale;
        if (int_digits > 0) {
            pos = emit(buf, size, pos, digits, (size_t)int_digits);
            pos = emit(buf, size, pos, ".", 1);
            pos = emit(buf, size, pos, digits + int_digits, nd - (size_t)int_digits);
        } else {
            pos = emit(buf, size, pos, "0.", 2);
            pos = emit_zeros(buf, size, pos, -int_digits);
            pos = emit(buf, size, pos, digits, nd);
        }
    }
    free(digits);
    return finish(buf, size, pos);
}

void cd_value_destroy(cd_value_t *value)
{
    if (!value)
        return;
    switch (value->kind) {
    case CD_VALUE_STRING:
    case CD_VALUE_BYTES:
        if (value->u.blob.data != value_tail(value))
            free(value->u.blob.data);
        break;
    case CD_VALUE_ARRAY:
        for (size_t i = 0; i < value->u.array.len; i++)
            cd_value_destroy(value->u.array.items[i]);
        free(value->u.array.items);
        break;
    case CD_VALUE_MAP:
        for (size_t i = 0; i < value->u.map.len; i++) {
            cd_value_destroy(value->u.map.entries[i].key);
            cd_value_destroy(value->u.map.entries[i].value);
        }
        if (value->u.map.entries != value_tail(value))
            free(value->u.map.entries);
        break;
    case CD_VALUE_STRUCT:
        for (size_t i = 0; i < cd_schema_field_count(value->u.st.schema); i++)
            cd_value_destroy(value->u.st.values[i]);
        if (value->u.st.values != value_tail(value))
            free(value->u.st.values);
        cd_schema_unref(value->u.st.schema);
        break;
    case CD_VALUE_DECIMAL:
        free(value->u.dec.unscaled);
        break;
    default:
        break;
    }
    free(value);
}

cd_value_t *cd_value_copy(const cd_value_t *value)
{
    if (!value)
        return NULL;
    cd_value_t *copy;
    switch (value->kind) {
    case CD_VALUE_STRING:
    case CD_VALUE_BYTES:
        return blob_new(value->kind, value->u.blob.data, value->u.blob.len);
    case CD_VALUE_ARRAY:
        copy = cd_value_new_array();
        for (size_t i = 0; i < value->u.array.len; i++)
            cd_value_array_append(copy, cd_value_copy(value->u.array.items[i]));
        return copy;
    case CD_VALUE_MAP:
        copy = cd_value_new_map();
        for (size_t i = 0; i < value->u.map.len; i++)
            cd_value_map_append(copy, cd_value_copy(value->u.map.entries[i].key),
                                cd_value_copy(value->u.map.entries[i].value));
        return copy;
    case CD_VALUE_STRUCT:
        copy = cd_value_new_struct(value->u.st.schema);
        for (size_t i = 0; i < cd_schema_field_count(value->u.st.schema); i++)
            copy->u.st.values[i] = cd_value_copy(value->u.st.values[i]);
        return copy;
    case CD_VALUE_DECIMAL:
        return cd_value_new_decimal(value->u.dec.unscaled, value->u.dec.len, value->u.dec.scale);
    default:
        copy = value_new(value->kind);
        copy->u = value->u;
        return copy;
    }
}

static uint32_t float_bits(float f)
{
    uint32_t bits;
    if (isnan(f))
        return 0x7fc00000u;
    memcpy(&bits, &f, sizeof(bits));
    return bits;
}

static uint64_t double_bits(double d)
{
    uint64_t bits;
    if (isnan(d))
        return 0x7ff8000000000000ull;
    memcpy(&bits, &d, sizeof(bits));
    return bits;
}

bool cd_value_equals(const cd_value_t *a, const cd_value_t *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case CD_VALUE_FLOAT32:
        return float_bits(a->u.f32) == float_bits(b->u.f32);
    case CD_VALUE_FLOAT64:
        return double_bits(a->u.f64) == double_bits(b->u.f64);
    case CD_VALUE_BOOLEAN:
        return a->u.b == b->u.b;
    case CD_VALUE_STRING:
    case CD_VALUE_BYTES:
        return a->u.blob.len == b->u.blob.len &&
               memcmp(a->u.blob.data, b->u.blob.data, a->u.blob.len) == 0;
    case CD_VALUE_ARRAY:
        if (a->u.array.len != b->u.array.len)
            return false;
        for (size_t i = 0; i < a->u.array.len; i++)
            if (!cd_value_equals(a->u.array.items[i], b->u.array.items[i]))
                return false;
        return true;
    case CD_VALUE_MAP:
        if (a->u.map.len != b->u.map.len)
            return false;
        for (size_t i = 0; i < a->u.map.len; i++) {
            bool found = false;
            for (size_t j = 0; j < b->u.map.len && !found; j++) {
                if (cd_value_equals(a->u.map.entries[i].key, b->u.map.entries[j].key)) {
                    if (!cd_value_equals(a->u.map.entries[i].value, b->u.map.entries[j].value))
                        return false;
                    found = true;
                }
            }
            if (!found)
                return false;
        }
        return true;
    case CD_VALUE_STRUCT:
        if (!cd_schema_equals(a->u.st.schema, b->u.st.schema))
            return false;
        for (size_t i = 0; i < cd_schema_field_count(a->u.st.schema); i++)
            if (!cd_value_equals(a->u.st.values[i], b->u.st.values[i]))
                return false;
        return true;
    case CD_VALUE_DECIMAL:
        return a->u.dec.scale == b->u.dec.scale && a->u.dec.len == b->u.dec.len &&
               memcmp(a->u.dec.unscaled, b->u.dec.unscaled, a->u.dec.len) == 0;
    default:
        return a->u.i == b->u.i;
    }
}

cd_value_kind_t cd_value_kind(const cd_value_t *value)
{
    return value->kind;
}

int8_t cd_value_int8(const cd_value_t *value)
{
    return (int8_t)value->u.i;
}

int16_t cd_value_int16(const cd_value_t *value)
{
    return (int16_t)value->u.i;
}

int32_t cd_value_int32(const cd_value_t *value)
{
    return (int32_t)value->u.i;
}

int64_t cd_value_int64(const cd_value_t *value)
{
    return value->u.i;
}

int64_t cd_value_as_int64(const cd_value_t *value)
{
    return value->u.i;
}

int64_t cd_value_date_ms(const cd_value_t *value)
{
    return value->u.i;
}

float cd_value_float32(const cd_value_t *value)
{
    return value->u.f32;
}

double cd_value_float64(const cd_value_t *value)
{
    return value->u.f64;
}

bool cd_value_boolean(const cd_value_t *value)
{
    return value->u.b;
}

const char *cd_value_string(const cd_value_t *value, size_t *len)
{
    if (len)
        *len = value->u.blob.len;
    return value->u.blob.data;
}

const uint8_t *cd_value_bytes(const cd_value_t *value, size_t *len)
{
    if (len)
        *len = value->u.blob.len;
    return (const uint8_t *)value->u.blob.data;
}

void cd_value_array_append(cd_value_t *array, cd_value_t *elem)
{
    if (array->u.array.len == array->u.array.cap) {
        size_t cap = array->u.array.cap ? array->u.array.cap * 2 : 4;
        array->u.array.items = xrealloc(array->u.array.items, cap * sizeof(cd_value_t *));
        array->u.array.cap = cap;
    }
    array->u.array.items[array->u.array.len++] = elem;
}

size_t cd_value_array_size(const cd_value_t *array)
{
    return array->u.array.len;
}

const cd_value_t *cd_value_array_at(const cd_value_t *array, size_t i)
{
    return i < array->u.array.len ? array->u.array.items[i] : NULL;
}

cd_value_t *cd_value_array_take(cd_value_t *array, size_t i)
{
    if (i >= array->u.array.len)
        return NULL;
    cd_value_t *v = array->u.array.items[i];
    array->u.array.items[i] = NULL;
    return v;
}

void cd_value_map_append(cd_value_t *map, cd_value_t *key, cd_value_t *val)
{
    if (map->u.map.len == map->u.map.cap) {
        size_t cap = map->u.map.cap < 2 ? 4 : map->u.map.cap * 2;
        if (map->u.map.entries == value_tail(map)) {
            cd_map_entry_t *heap = xrealloc(NULL, cap * sizeof(cd_map_entry_t));
            memcpy(heap, map->u.map.entries, map->u.map.len * sizeof(cd_map_entry_t));
            map->u.map.entries = heap;
        } else {
            map->u.map.entries = xrealloc(map->u.map.entries, cap * sizeof(cd_map_entry_t));
        }
        map->u.map.cap = cap;
    }
    map->u.map.entries[map->u.map.len].key = key;
    map->u.map.entries[map->u.map.len].value = val;
    map->u.map.len++;
}

void cd_value_map_put(cd_value_t *map, cd_value_t *key, cd_value_t *val)
{
    for (size_t i = 0; i < map->u.map.len; i++) {
        if (cd_value_equals(map->u.map.entries[i].key, key)) {
            cd_value_destroy(key);
            cd_value_destroy(map->u.map.entries[i].value);
            map->u.map.entries[i].value = val;
            return;
        }
    }
    cd_value_map_append(map, key, val);
}

size_t cd_value_map_size(const cd_value_t *map)
{
    return map->u.map.len;
}

const cd_value_t *cd_value_map_key_at(const cd_value_t *map, size_t i)
{
    return i < map->u.map.len ? map->u.map.entries[i].key : NULL;
}

const cd_value_t *cd_value_map_value_at(const cd_value_t *map, size_t i)
{
    return i < map->u.map.len ? map->u.map.entries[i].value : NULL;
}

const cd_value_t *cd_value_map_get_str(const cd_value_t *map, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < map->u.map.len; i++) {
        const cd_value_t *k = map->u.map.entries[i].key;
        if (k && k->kind == CD_VALUE_STRING && k->u.blob.len == klen &&
            memcmp(k->u.blob.data, key, klen) == 0)
            return map->u.map.entries[i].value;
    }
    return NULL;
}

/* ---- Java hashCode(), for HashMap iteration order ---- */

static int32_t java_string_hash(const char *s, size_t len)
{
    uint32_t h = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n;
        if (c < 0x80) {
            cp = c, n = 1;
        } else if ((c & 0xe0) == 0xc0 && i + 1 < len) {
            cp = ((c & 0x1fu) << 6) | (s[i + 1] & 0x3fu), n = 2;
        } else if ((c & 0xf0) == 0xe0 && i + 2 < len) {
            cp = ((c & 0x0fu) << 12) | ((s[i + 1] & 0x3fu) << 6) | (s[i + 2] & 0x3fu), n = 3;
        } else if ((c & 0xf8) == 0xf0 && i + 3 < len) {
            cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3fu) << 12) | ((s[i + 2] & 0x3fu) << 6) |
                 (s[i + 3] & 0x3fu),
            n = 4;
        } else {
            cp = 0xfffd, n = 1;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xd800 + (cp >> 10));
            h = 31 * h + (0xdc00 + (cp & 0x3ff));
        } else {
            h = 31 * h + cp;
        }
        i += n;
    }
    return (int32_t)h;
}

static int32_t java_long_hash(int64_t v)
{
    uint64_t u = (uint64_t)v;
    return (int32_t)(uint32_t)(u ^ (u >> 32));
}

static int32_t java_hash(const cd_value_t *v)
{
    if (!v)
        return 0;
    switch (v->kind) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
        return (int32_t)v->u.i;
    case CD_VALUE_INT64:
    case CD_VALUE_DATE:
        return java_long_hash(v->u.i);
    case CD_VALUE_FLOAT32:
        return (int32_t)float_bits(v->u.f32);
    case CD_VALUE_FLOAT64:
        return java_long_hash((int64_t)double_bits(v->u.f64));
    case CD_VALUE_BOOLEAN:
        return v->u.b ? 1231 : 1237;
    case CD_VALUE_STRING:
        return java_string_hash(v->u.blob.data, v->u.blob.len);
    case CD_VALUE_ARRAY: {
        uint32_t h = 1;
        for (size_t i = 0; i < v->u.array.len; i++)
            h = 31 * h + (uint32_t)java_hash(v->u.array.items[i]);
        return (int32_t)h;
    }
    case CD_VALUE_MAP: {
        uint32_t h = 0;
        for (size_t i = 0; i < v->u.map.len; i++)
            h += (uint32_t)(java_hash(v->u.map.entries[i].key) ^
                            java_hash(v->u.map.entries[i].value));
        return (int32_t)h;
    }
    default:
        /* byte[] hashes by identity in Java; structs and decimals are not map keys in practice. */
        return 0;
    }
}

/** Maps with up to this many entries are put in HashMap order without a heap allocation. */
#define SMALL_MAP_ENTRIES 32

typedef struct {
    uint32_t bucket;
    size_t order;
    cd_map_entry_t entry;
} hash_slot_t;

static int compare_slots(const void *pa, const void *pb)
{
    const hash_slot_t *a = pa, *b = pb;
    if (a->bucket != b->bucket)
        return a->bucket < b->bucket ? -1 : 1;
    return a->order < b->order ? -1 : (a->order > b->order);
}

void cd_value_map_sort_java_hash_order(cd_value_t *map)
{
    size_t n = map->u.map.len;
    if (n < 2)
        return;
    /* HashMap: capacity 16, doubled while size > 0.75 * capacity. */
    uint64_t cap = 16;
    while ((uint64_t)n * 4 > cap * 3)
        cap *= 2;
    hash_slot_t small_slots[SMALL_MAP_ENTRIES];
    hash_slot_t *slots = n <= SMALL_MAP_ENTRIES ? small_slots : xcalloc(n, sizeof(*slots));
    for (size_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)java_hash(map->u.map.entries[i].key);
        h ^= h >> 16;
        slots[i].bucket = (uint32_t)(h & (cap - 1));
        slots[i].order = i;
        slots[i].entry = map->u.map.entries[i];
    }
    if (n > SMALL_MAP_ENTRIES) {
        qsort(slots, n, sizeof(*slots), compare_slots);
    } else {
        /* Insertion sort: (bucket, order) is a total order, so the result is qsort's. */
        for (size_t i = 1; i < n; i++) {
            hash_slot_t slot = slots[i];
            size_t j = i;
            while (j > 0 && compare_slots(&slots[j - 1], &slot) > 0) {
                slots[j] = slots[j - 1];
                j--;
            }
            slots[j] = slot;
        }
    }
    for (size_t i = 0; i < n; i++)
        map->u.map.entries[i] = slots[i].entry;
    if (slots != small_slots)
        free(slots);
}

/* ---- structs ---- */

const cd_schema_t *cd_value_struct_schema(const cd_value_t *st)
{
    return st->u.st.schema;
}

int cd_value_struct_put(cd_value_t *st, const char *field, cd_value_t *val, char *errstr,
                        size_t errstr_size)
{
    const cd_field_t *f = cd_schema_field(st->u.st.schema, field);
    if (!f) {
        snprintf(errstr, errstr_size, "%s is not a valid field name", field);
        goto fail;
    }
    if (cd_validate_field_value(field, cd_field_schema(f), val, errstr, errstr_size) != 0)
        goto fail;
    cd_value_destroy(st->u.st.values[cd_field_index(f)]);
    st->u.st.values[cd_field_index(f)] = val;
    return 0;
fail:
    cd_value_destroy(val);
    return -1;
}

void cd_value_struct_set(cd_value_t *st, size_t index, cd_value_t *val)
{
    if (index >= cd_schema_field_count(st->u.st.schema)) {
        cd_value_destroy(val);
        return;
    }
    cd_value_destroy(st->u.st.values[index]);
    st->u.st.values[index] = val;
}

const cd_value_t *cd_value_struct_get_at(const cd_value_t *st, size_t index)
{
    return index < cd_schema_field_count(st->u.st.schema) ? st->u.st.values[index] : NULL;
}

const cd_value_t *cd_value_struct_get(const cd_value_t *st, const char *field)
{
    const cd_field_t *f = cd_schema_field(st->u.st.schema, field);
    return f ? st->u.st.values[cd_field_index(f)] : NULL;
}

/* ---- decimals ---- */

const uint8_t *cd_value_decimal_unscaled(const cd_value_t *value, size_t *len)
{
    if (len)
        *len = value->u.dec.len;
    return value->u.dec.unscaled;
}

int32_t cd_value_decimal_scale(const cd_value_t *value)
{
    return value->u.dec.scale;
}

void cd_schema_and_value_clear(cd_schema_and_value_t *sv)
{
    cd_schema_unref(sv->schema);
    cd_value_destroy(sv->value);
    sv->schema = NULL;
    sv->value = NULL;
}
