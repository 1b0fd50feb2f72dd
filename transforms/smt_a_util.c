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
