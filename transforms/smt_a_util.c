/*
 * smt_a_util.c: helpers shared by Cast, Flatten, MaskField, ReplaceField and
 * SetSchemaMetadata (Struct.get with defaults, String.split, Java number
 * parsing and Number conversions, SchemaUtil.copySchemaBasics(source)).
 */
#include "transforms/smt_a_util.h"

#include "transforms/transform_util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <connectd/config_def.h>

const cd_value_t *cd_smta_struct_get(const cd_value_t *st, const cd_field_t *field,
                                     bool with_default)
{
    const cd_value_t *v = cd_value_struct_get_at(st, cd_field_index(field));
    if (!v && with_default)
        v = cd_schema_default(cd_field_schema(field));
    return v;
}

void cd_smta_free_parts(char **parts, int n)
{
    for (int i = 0; i < n; i++)
        free(parts[i]);
}

int cd_smta_split_colon(const char *s, char **parts, int max)
{
    int n = 0;
    const char *start = s;
    if (!strchr(s, ':')) {
        parts[0] = strdup(s);
        return parts[0] ? 1 : -1;
    }
    for (;;) {
        const char *colon = strchr(start, ':');
        size_t len = colon ? (size_t)(colon - start) : strlen(start);
        if (n >= max)
            goto fail;
        parts[n] = strndup(start, len);
        if (!parts[n])
            goto fail;
        n++;
        if (!colon)
            break;
        start = colon + 1;
    }
    while (n > 0 && parts[n - 1][0] == '\0') {
        free(parts[n - 1]);
        n--;
    }
    return n;
fail:
    cd_smta_free_parts(parts, n);
    return -1;
}

char *cd_smta_trim(const char *s)
{
    size_t len = strlen(s);
    while (len > 0 && (unsigned char)s[len - 1] <= ' ')
        len--;
    while (len > 0 && (unsigned char)*s <= ' ') {
        s++;
        len--;
    }
    return strndup(s, len);
}

int cd_smta_parse_java_integer(const char *s, int64_t min, int64_t max, int64_t *out)
{
    bool neg = false;
    uint64_t acc = 0, limit;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (!*s)
        return -1;
    limit = neg ? (uint64_t)0 - (uint64_t)min : (uint64_t)max;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return -1;
        if (acc > (limit - (uint64_t)(*s - '0')) / 10)
            return -1;
        acc = acc * 10 + (uint64_t)(*s - '0');
    }
    if (acc > limit)
        return -1;
    *out = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return 0;
}

/* FloatingDecimal.readJavaFormatString's grammar, returning the text strtod may read. */
static char *java_float_text(const char *s)
{
    char *t = cd_smta_trim(s);
    size_t i = 0, len;
    bool digits = false;
    if (!t)
        return NULL;
    len = strlen(t);
    if (t[i] == '+' || t[i] == '-')
        i++;
    if (strcmp(t + i, "NaN") == 0 || strcmp(t + i, "Infinity") == 0)
        return t;
    if (t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
        /* hexadecimal: 0x<hex>[.<hex>]p[+-]<dec>[fFdD] */
        size_t j = i + 2;
        bool hd = false;
        while (isxdigit((unsigned char)t[j]))
            j++, hd = true;
        if (t[j] == '.')
            for (j++; isxdigit((unsigned char)t[j]); j++)
                hd = true;
        if (!hd || (t[j] != 'p' && t[j] != 'P'))
            goto bad;
        j++;
        if (t[j] == '+' || t[j] == '-')
            j++;
        if (!isdigit((unsigned char)t[j]))
            goto bad;
        while (isdigit((unsigned char)t[j]))
            j++;
        if (t[j] && strchr("fFdD", t[j]) && t[j + 1] == '\0')
            t[j] = '\0';
        else if (t[j])
            goto bad;
        return t;
    }
    while (isdigit((unsigned char)t[i]))
        i++, digits = true;
    if (t[i] == '.')
        for (i++; isdigit((unsigned char)t[i]); i++)
            digits = true;
    if (!digits)
        goto bad;
    if (t[i] == 'e' || t[i] == 'E') {
        i++;
        if (t[i] == '+' || t[i] == '-')
            i++;
        if (!isdigit((unsigned char)t[i]))
            goto bad;
        while (isdigit((unsigned char)t[i]))
            i++;
    }
    if (i + 1 == len && strchr("fFdD", t[i]))
        t[i] = '\0';
    else if (i != len)
        goto bad;
    return t;
bad:
    free(t);
    return NULL;
}

int cd_smta_parse_java_double(const char *s, double *out)
{
    char *t = java_float_text(s);
    if (!t)
        return -1;
    *out = strtod(t, NULL);
    free(t);
    return 0;
}

int cd_smta_parse_java_float(const char *s, float *out)
{
    char *t = java_float_text(s);
    if (!t)
        return -1;
    *out = strtof(t, NULL);
    free(t);
    return 0;
}

bool cd_smta_is_number(const cd_value_t *v)
{
    if (!v)
        return false;
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
    case CD_VALUE_FLOAT32:
    case CD_VALUE_FLOAT64:
    case CD_VALUE_DECIMAL:
        return true;
    default:
        return false;
    }
}

/* Java's (long) double: NaN is 0, out of range saturates. */
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

static int32_t java_d2i(double d)
{
    if (isnan(d))
        return 0;
    if (d >= 2147483647.0)
        return INT32_MAX;
    if (d <= -2147483648.0)
        return INT32_MIN;
    return (int32_t)d;
}

static char *decimal_plain(const cd_value_t *v)
{
    size_t need = cd_value_decimal_to_plain_string(v, NULL, 0);
    char *buf = malloc(need + 1);
    if (buf)
        cd_value_decimal_to_plain_string(v, buf, need + 1);
    return buf;
}

/* BigDecimal.longValue(): the integer part's low 64 bits. */
static int64_t decimal_long(const cd_value_t *v)
{
    char *p = decimal_plain(v);
    const char *s = p;
    uint64_t acc = 0;
    bool neg = false;
    if (!p)
        return 0;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    for (; isdigit((unsigned char)*s); s++)
        acc = acc * 10 + (uint64_t)(*s - '0');
    free(p);
    return (int64_t)(neg ? 0 - acc : acc);
}

int64_t cd_smta_number_long(const cd_value_t *v)
{
    switch (cd_value_kind(v)) {
    case CD_VALUE_FLOAT32:
        return java_d2l(cd_value_float32(v));
    case CD_VALUE_FLOAT64:
        return java_d2l(cd_value_float64(v));
    case CD_VALUE_DECIMAL:
        return decimal_long(v);
    default:
        return cd_value_as_int64(v);
    }
}

int32_t cd_smta_number_int(const cd_value_t *v)
{
    switch (cd_value_kind(v)) {
    case CD_VALUE_FLOAT32:
        return java_d2i(cd_value_float32(v));
    case CD_VALUE_FLOAT64:
        return java_d2i(cd_value_float64(v));
    default:
        return (int32_t)(uint32_t)(uint64_t)cd_smta_number_long(v);
    }
}

double cd_smta_number_double(const cd_value_t *v)
{
    switch (cd_value_kind(v)) {
    case CD_VALUE_FLOAT32:
        return cd_value_float32(v);
    case CD_VALUE_FLOAT64:
        return cd_value_float64(v);
    case CD_VALUE_DECIMAL: {
        char *p = decimal_plain(v);
        double d = p ? strtod(p, NULL) : 0;
        free(p);
        return d;
    }
    default:
        return (double)cd_value_as_int64(v);
    }
}

float cd_smta_number_float(const cd_value_t *v)
{
    switch (cd_value_kind(v)) {
    case CD_VALUE_FLOAT32:
        return cd_value_float32(v);
    case CD_VALUE_FLOAT64:
        return (float)cd_value_float64(v);
    case CD_VALUE_DECIMAL: {
        char *p = decimal_plain(v);
        float f = p ? strtof(p, NULL) : 0;
        free(p);
        return f;
    }
    default:
        return (float)cd_value_as_int64(v);
    }
}

cd_schema_t *cd_smta_copy_schema_basics_new(const cd_schema_t *source)
{
    cd_schema_t *s;
    switch (cd_schema_type(source)) {
    case CD_TYPE_ARRAY:
        s = cd_schema_new_array(cd_schema_ref(cd_schema_value_schema(source)));
        break;
    case CD_TYPE_MAP:
        s = cd_schema_new_map(cd_schema_ref(cd_schema_key_schema(source)),
                              cd_schema_ref(cd_schema_value_schema(source)));
        break;
    case CD_TYPE_STRUCT:
        s = cd_schema_new_struct();
        break;
    default:
        s = cd_schema_new(cd_schema_type(source));
        break;
    }
    if (s)
        cd_transform_copy_schema_basics(source, s);
    return s;
}

int cd_smta_validate_unique_list(const char *key, bool allow_empty,
                                 const struct cd_config_value_s *value, char *errstr,
                                 size_t errstr_size)
{
    if (value->is_null) {
        snprintf(errstr, errstr_size, "Configuration '%s' values must not be null.", key);
        return -1;
    }
    if (!allow_empty && value->list_count == 0) {
        snprintf(errstr, errstr_size,
                 "Configuration '%s' must not be empty. Valid values include: any non-empty value",
                 key);
        return -1;
    }
    for (size_t i = 0; i < value->list_count; i++)
        for (size_t j = i + 1; j < value->list_count; j++)
            if (strcmp(value->list[i], value->list[j]) == 0) {
                snprintf(errstr, errstr_size, "Configuration '%s' values must not be duplicated.",
                         key);
                return -1;
            }
    for (size_t i = 0; i < value->list_count; i++)
        if (!value->list[i][0]) {
            snprintf(errstr, errstr_size, "Configuration '%s' values must not be empty.", key);
            return -1;
        }
    return 0;
}

static size_t table_size_for(size_t c)
{
    size_t n = 1;
    while (n < c)
        n <<= 1;
    return n;
}

size_t cd_smta_hashmap_cap_copy(size_t s)
{
    if (s == 0)
        return 16;
    return table_size_for((size_t)((float)s / 0.75f + 1.0f));
}

size_t cd_smta_hashmap_cap_sized(size_t n)
{
    return table_size_for(n);
}

/* String.hashCode() over the UTF-16 units of UTF-8 text (malformed bytes count as U+FFFD). */
static uint32_t java_string_hash(const char *s, size_t len)
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
                 (s[i + 3] & 0x3fu);
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
    return h;
}

static uint32_t key_hash(const cd_value_t *k)
{
    if (!k)
        return 0;
    switch (cd_value_kind(k)) {
    case CD_VALUE_STRING: {
        size_t len;
        const char *s = cd_value_string(k, &len);
        return java_string_hash(s, len);
    }
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
        return (uint32_t)cd_value_as_int64(k);
    case CD_VALUE_INT64: {
        uint64_t u = (uint64_t)cd_value_int64(k);
        return (uint32_t)(u ^ (u >> 32));
    }
    case CD_VALUE_BOOLEAN:
        return cd_value_boolean(k) ? 1231 : 1237;
    default:
        return 0;
    }
}

cd_value_t *cd_smta_java_hash_order(cd_value_t *map, size_t initial_cap)
{
    size_t n = cd_value_map_size(map), cap = initial_cap ? initial_cap : 1;
    size_t *bucket, *idx;
    cd_value_t *out;
    if (n < 2)
        return map;
    while (n > cap * 3 / 4)
        cap *= 2;
    bucket = malloc(n * sizeof(*bucket));
    idx = malloc(n * sizeof(*idx));
    out = cd_value_new_map();
    if (!bucket || !idx || !out) {
        free(bucket);
        free(idx);
        cd_value_destroy(out);
        return map;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = key_hash(cd_value_map_key_at(map, i));
        h ^= h >> 16;
        bucket[i] = h & (cap - 1);
        idx[i] = i;
    }
    /* stable insertion sort by bucket: insertion order within a bucket */
    for (size_t i = 1; i < n; i++) {
        size_t v = idx[i], j = i;
        while (j > 0 && bucket[idx[j - 1]] > bucket[v]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = v;
    }
    for (size_t i = 0; i < n; i++)
        cd_value_map_append(out, cd_value_copy(cd_value_map_key_at(map, idx[i])),
                            cd_value_copy(cd_value_map_value_at(map, idx[i])));
    free(bucket);
    free(idx);
    cd_value_destroy(map);
    return out;
}

void cd_smta_java_string_order(char *const *names, size_t n, size_t *order)
{
    size_t cap = 16;
    while (n > cap * 3 / 4)
        cap *= 2;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        uint32_t hv = java_string_hash(names[v], strlen(names[v]));
        hv = (hv ^ (hv >> 16)) & (uint32_t)(cap - 1);
        while (j > 0) {
            uint32_t hp = java_string_hash(names[order[j - 1]], strlen(names[order[j - 1]]));
            hp = (hp ^ (hp >> 16)) & (uint32_t)(cap - 1);
            if (hp <= hv)
                break;
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
}
