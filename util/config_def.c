/*
 * config_def.c - configuration definitions (Java's ConfigDef / AbstractConfig).
 *
 * A definition is an ordered list of key rows (static tables or owned copies).
 * Values are parsed as ConfigDef.parseType does (String.trim(), Integer/Long/
 * Short.parseInt, Double.parseDouble's grammar, "true"/"false" ignoring case,
 * LIST split on "\s*,\s*" keeping trailing empty elements), validators produce
 * Java's ConfigException texts, and cd_config_validate follows
 * ConfigDef.validateAll: every key gets a result, parsing starts at the keys no
 * other key lists as a dependent and recurses into dependents, parse errors and
 * validator errors accumulate, recommenders set recommended values and
 * visibility. See docs/modules/config-def.md.
 */
#include <connectd/config_def.h>

#include "util/java_text.h"
#include "util/properties.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cd_config_no_default[] = "<no default>";

/* Deepest dependents chain followed (Java would overflow its stack on a cycle). */
#define CD_CONFIG_MAX_DEPTH 64
/* Most recommended values asked of a recommender. */
#define CD_CONFIG_MAX_RECOMMENDED 256

/* ------------------------------------------------------------------ */
/* Enum names                                                          */
/* ------------------------------------------------------------------ */

const char *cd_config_type_name(cd_config_type_t type)
{
    switch (type) {
    case CD_CONFIG_BOOLEAN:
        return "BOOLEAN";
    case CD_CONFIG_STRING:
        return "STRING";
    case CD_CONFIG_INT:
        return "INT";
    case CD_CONFIG_SHORT:
        return "SHORT";
    case CD_CONFIG_LONG:
        return "LONG";
    case CD_CONFIG_DOUBLE:
        return "DOUBLE";
    case CD_CONFIG_LIST:
        return "LIST";
    case CD_CONFIG_CLASS:
        return "CLASS";
    case CD_CONFIG_PASSWORD:
        return "PASSWORD";
    }
    return "UNKNOWN";
}

const char *cd_config_importance_name(cd_config_importance_t importance)
{
    switch (importance) {
    case CD_IMPORTANCE_HIGH:
        return "HIGH";
    case CD_IMPORTANCE_MEDIUM:
        return "MEDIUM";
    case CD_IMPORTANCE_LOW:
        return "LOW";
    }
    return "UNKNOWN";
}

const char *cd_config_width_name(cd_config_width_t width)
{
    switch (width) {
    case CD_WIDTH_NONE:
        return "NONE";
    case CD_WIDTH_SHORT:
        return "SHORT";
    case CD_WIDTH_MEDIUM:
        return "MEDIUM";
    case CD_WIDTH_LONG:
        return "LONG";
    }
    return "UNKNOWN";
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n;
    char *d;
    if (!s)
        return NULL;
    n = strlen(s);
    d = xmalloc(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* String.trim(): strips every char <= U+0020 from both ends. */
static char *java_trim(const char *s)
{
    size_t b = 0, e = strlen(s);
    while (b < e && (unsigned char)s[b] <= 0x20)
        b++;
    while (e > b && (unsigned char)s[e - 1] <= 0x20)
        e--;
    return xstrndup(s + b, e - b);
}

/* java.util.regex \s: [ \t\n\x0B\f\r]. */
static bool is_regex_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\x0B' || c == '\f' || c == '\r';
}

/* Long.parseLong / Integer.parseInt / Short.parseShort on ASCII digits. */
static bool java_parse_integer(const char *p, int64_t min, int64_t max, int64_t *out)
{
    bool negative = false;
    uint64_t v = 0, limit;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if (!*p)
        return false;
    limit = negative ? (uint64_t)(-(min + 1)) + 1 : (uint64_t)max;
    for (; *p; p++) {
        unsigned d;
        if (*p < '0' || *p > '9')
            return false;
        d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (negative)
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    else
        *out = (int64_t)v;
    return true;
}

static bool match_word(const char *p, const char *word, const char **end)
{
    size_t n = strlen(word);
    if (strncmp(p, word, n) != 0)
        return false;
    *end = p + n;
    return true;
}

/* Double.parseDouble's grammar (FloatingDecimal.readJavaFormatString) on a
 * trimmed string: sign, NaN | Infinity | decimal | hex float, optional f/F/d/D. */
static bool java_parse_double(const char *s, double *out)
{
    const char *p = s, *end;
    bool negative = false, digits = false;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if (match_word(p, "NaN", &end) || match_word(p, "Infinity", &end)) {
        if (*end)
            return false;
        *out = *p == 'N' ? NAN : (negative ? -INFINITY : INFINITY);
        return true;
    }
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        const char *q = p + 2;
        bool hex_digits = false;
        while (isxdigit((unsigned char)*q)) {
            q++;
            hex_digits = true;
        }
        if (*q == '.') {
            q++;
            while (isxdigit((unsigned char)*q)) {
                q++;
                hex_digits = true;
            }
        }
        if (!hex_digits || (*q != 'p' && *q != 'P'))
            return false;
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!isdigit((unsigned char)*q))
            return false;
        while (isdigit((unsigned char)*q))
            q++;
        if (*q == 'f' || *q == 'F' || *q == 'd' || *q == 'D')
            q++;
        if (*q)
            return false;
    } else {
        const char *q = p;
        while (isdigit((unsigned char)*q)) {
            q++;
            digits = true;
        }
        if (*q == '.') {
            q++;
            while (isdigit((unsigned char)*q)) {
                q++;
                digits = true;
            }
        }
        if (!digits)
            return false;
        if (*q == 'e' || *q == 'E') {
            q++;
            if (*q == '+' || *q == '-')
                q++;
            if (!isdigit((unsigned char)*q))
                return false;
            while (isdigit((unsigned char)*q))
                q++;
        }
        if (*q == 'f' || *q == 'F' || *q == 'd' || *q == 'D')
            q++;
        if (*q)
            return false;
    }
    {
        /* strtod does not take the f/d suffix: copy without it. */
        size_t n = strlen(s);
        char *copy = xstrndup(s, n);
        if (n && strchr("fFdD", copy[n - 1]))
            copy[n - 1] = '\0';
        errno = 0;
        *out = strtod(copy, NULL);
        free(copy);
    }
    return true;
}

/* equalsIgnoreCase against an ASCII lower-case word; U+017F (long s) upper-cases
 * to 'S' in Java, so "falſe" equals "false" ignoring case. */
static bool java_equals_ignore_case(const char *s, const char *word)
{
    for (; *word; word++) {
        if (*word == 's' && (unsigned char)s[0] == 0xC5 && (unsigned char)s[1] == 0xBF) {
            s += 2;
            continue;
        }
        if (tolower((unsigned char)*s) != *word)
            return false;
        s++;
    }
    return *s == '\0';
}

static void set_error(char *errstr, size_t errstr_size, const char *fmt, const char *a,
                      const char *b, const char *c)
{
    if (errstr && errstr_size)
        snprintf(errstr, errstr_size, fmt, a, b, c);
}

/* ConfigException(name, value, message). */
static void invalid_value(char *errstr, size_t errstr_size, const char *name, const char *value,
                          const char *message)
{
    set_error(errstr, errstr_size, "Invalid value %s for configuration %s: %s", value, name,
              message);
}

static bool (*class_resolver)(const char *class_name);

void cd_config_set_class_resolver(bool (*class_exists)(const char *class_name))
{
    class_resolver = class_exists;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

void cd_config_value_clear(cd_config_value_t *value)
{
    if (!value)
        return;
    free((char *)value->s);
    if (value->list) {
        for (size_t i = 0; i < value->list_count; i++)
            free((char *)value->list[i]);
        free((char **)value->list);
    }
    memset(value, 0, sizeof(*value));
    value->is_null = true;
}

static void list_append(char ***list, size_t *count, size_t *cap, char *item)
{
    if (*count + 2 > *cap) {
        *cap = *cap ? *cap * 2 : 8;
        *list = xrealloc(*list, *cap * sizeof(char *));
    }
    (*list)[(*count)++] = item;
    (*list)[*count] = NULL;
}

/* LIST: empty after trim -> empty list, else split on \s*,\s* keeping empties. */
static void split_list(const char *trimmed, cd_config_value_t *out)
{
    char **list = NULL;
    size_t count = 0, cap = 0;
    const char *p = trimmed, *start = trimmed;
    if (*trimmed) {
        for (;; p++) {
            if (*p == ',' || *p == '\0') {
                const char *e = p;
                while (*p == ',' && e > start && is_regex_space(e[-1]))
                    e--;
                list_append(&list, &count, &cap, xstrndup(start, (size_t)(e - start)));
                if (*p == '\0')
                    break;
                start = p + 1;
                while (is_regex_space(*start))
                    start++;
                p = start - 1;
            }
        }
    }
    if (!list) {
        list = xmalloc(sizeof(char *));
        list[0] = NULL;
    }
    out->list = (const char *const *)list;
    out->list_count = count;
}

/* ConfigDef.parseType. @p trim: values from properties are trimmed, defaults are not. */
static int parse_type(const cd_config_key_t *key, const char *raw, bool trim,
                      cd_config_value_t *out, char *errstr, size_t errstr_size)
{
    char *trimmed;
    int64_t n;
    char typebuf[32];
    memset(out, 0, sizeof(*out));
    out->type = key->type;
    out->is_null = raw == NULL;
    if (!raw)
        return 0;
    trimmed = trim ? java_trim(raw) : xstrdup(raw);
    switch (key->type) {
    case CD_CONFIG_BOOLEAN:
        if (java_equals_ignore_case(trimmed, "true"))
            out->b = true;
        else if (java_equals_ignore_case(trimmed, "false"))
            out->b = false;
        else
            goto bad_bool;
        free(trimmed);
        return 0;
    case CD_CONFIG_CLASS:
        if (class_resolver && !class_resolver(trimmed)) {
            char *msg = xmalloc(strlen(raw) + 32);
            sprintf(msg, "Class %s could not be found.", raw);
            invalid_value(errstr, errstr_size, key->name, raw, msg);
            free(msg);
            free(trimmed);
            out->is_null = true;
            return -1;
        }
        out->s = trimmed;
        return 0;
    case CD_CONFIG_STRING:
    case CD_CONFIG_PASSWORD:
        out->s = trimmed;
        return 0;
    case CD_CONFIG_INT:
        if (!java_parse_integer(trimmed, INT32_MIN, INT32_MAX, &n))
            goto bad_number;
        out->i = n;
        break;
    case CD_CONFIG_SHORT:
        if (!java_parse_integer(trimmed, INT16_MIN, INT16_MAX, &n))
            goto bad_number;
        out->i = n;
        break;
    case CD_CONFIG_LONG:
        if (!java_parse_integer(trimmed, INT64_MIN, INT64_MAX, &n))
            goto bad_number;
        out->i = n;
        break;
    case CD_CONFIG_DOUBLE:
        if (!java_parse_double(trimmed, &out->d))
            goto bad_number;
        break;
    case CD_CONFIG_LIST:
        split_list(trimmed, out);
        break;
    }
    free(trimmed);
    return 0;
bad_bool:
    free(trimmed);
    invalid_value(errstr, errstr_size, key->name, raw, "Expected value to be either true or false");
    out->is_null = true;
    return -1;
bad_number:
    free(trimmed);
    snprintf(typebuf, sizeof(typebuf), "Not a number of type %s", cd_config_type_name(key->type));
    invalid_value(errstr, errstr_size, key->name, raw, typebuf);
    out->is_null = true;
    return -1;
}

static void java_number_text(const cd_config_key_t *key, double v, char *buf, size_t size)
{
    if (key->type == CD_CONFIG_DOUBLE || v != floor(v) || fabs(v) > 9007199254740992.0)
        cd_java_double_to_string(v, buf, size);
    else
        snprintf(buf, size, "%lld", (long long)v);
}

static void buf_add(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        while (*len + n + 1 > *cap)
            *cap = *cap ? *cap * 2 : 64;
        *buf = xrealloc(*buf, *cap);
    }
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

char *cd_config_value_to_java_string(const cd_config_value_t *value)
{
    char num[64];
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!value || value->is_null)
        return xstrdup("null");
    switch (value->type) {
    case CD_CONFIG_BOOLEAN:
        return xstrdup(value->b ? "true" : "false");
    case CD_CONFIG_INT:
    case CD_CONFIG_SHORT:
    case CD_CONFIG_LONG:
        snprintf(num, sizeof(num), "%lld", (long long)value->i);
        return xstrdup(num);
    case CD_CONFIG_DOUBLE:
        cd_java_double_to_string(value->d, num, sizeof(num));
        return xstrdup(num);
    case CD_CONFIG_STRING:
        return xstrdup(value->s);
    case CD_CONFIG_CLASS:
        buf_add(&buf, &len, &cap, "class ");
        buf_add(&buf, &len, &cap, value->s);
        return buf;
    case CD_CONFIG_PASSWORD:
        return xstrdup("[hidden]");
    case CD_CONFIG_LIST:
        buf_add(&buf, &len, &cap, "[");
        for (size_t i = 0; i < value->list_count; i++) {
            if (i)
                buf_add(&buf, &len, &cap, ", ");
            buf_add(&buf, &len, &cap, value->list[i]);
        }
        buf_add(&buf, &len, &cap, "]");
        return buf;
    }
    return xstrdup("null");
}

char *cd_config_value_convert_to_string(const cd_config_value_t *value)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (!value || value->is_null)
        return NULL;
    switch (value->type) {
    case CD_CONFIG_STRING:
    case CD_CONFIG_CLASS:
    case CD_CONFIG_PASSWORD:
        return xstrdup(value->s);
    case CD_CONFIG_LIST:
        buf_add(&buf, &len, &cap, "");
        for (size_t i = 0; i < value->list_count; i++) {
            if (i)
                buf_add(&buf, &len, &cap, ",");
            buf_add(&buf, &len, &cap, value->list[i]);
        }
        return buf;
    default:
        return cd_config_value_to_java_string(value);
    }
}

static void join_strings(const char *const *strings, const char *sep, bool upper, char *out,
                         size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; strings && strings[i]; i++) {
        int w = snprintf(out + len, size - len, "%s%s", i ? sep : "", strings[i]);
        if (w < 0 || (size_t)w >= size - len) {
            len = size - 1;
            break;
        }
        if (upper)
            for (size_t j = len; j < len + (size_t)w; j++)
                out[j] = (char)toupper((unsigned char)out[j]);
        len += (size_t)w;
    }
}

/* String.hashCode over the UTF-16 units of UTF-8 text. */
static int32_t java_string_hash(const char *s)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp = *p, units[2];
        size_t n = 1, len = cd_utf8_sequence_length(p, strlen((const char *)p));
        if (len > 1) {
            cp = len == 2 ? (p[0] & 0x1Fu) : len == 3 ? (p[0] & 0x0Fu) : (p[0] & 0x07u);
            for (size_t i = 1; i < len; i++)
                cp = (cp << 6) | (p[i] & 0x3Fu);
        } else {
            len = 1;
        }
        units[0] = cp;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            n = 2;
        }
        for (size_t i = 0; i < n; i++)
            h = 31 * h + units[i];
        p += len;
    }
    return (int32_t)h;
}

/* The strings upper-cased, in the iteration order of a java.util.HashSet built from
 * them (CaseInsensitiveValidString keeps Collectors.toSet()). */
static void java_hash_set_join(const char *const *strings, char *out, size_t size)
{
    size_t n = 0, cap = 16, len = 0;
    char **upper;
    uint32_t *bucket;
    while (strings && strings[n])
        n++;
    while (n > cap * 3 / 4)
        cap *= 2;
    upper = xmalloc((n + 1) * sizeof(char *));
    bucket = xmalloc((n + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        uint32_t h;
        upper[i] = xstrdup(strings[i]);
        for (char *c = upper[i]; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        h = (uint32_t)java_string_hash(upper[i]);
        bucket[i] = (h ^ (h >> 16)) & (uint32_t)(cap - 1);
        for (size_t j = 0; j < i; j++)
            if (upper[j] && strcmp(upper[j], upper[i]) == 0) {
                free(upper[i]);
                upper[i] = NULL;
                break;
            }
    }
    out[0] = '\0';
    for (uint32_t b = 0; b < cap; b++)
        for (size_t i = 0; i < n; i++) {
            int w;
            if (!upper[i] || bucket[i] != b)
                continue;
            w = snprintf(out + len, size - len, "%s%s", len ? ", " : "", upper[i]);
            if (w > 0 && (size_t)w < size - len)
                len += (size_t)w;
        }
    for (size_t i = 0; i < n; i++)
        free(upper[i]);
    free(upper);
    free(bucket);
}

static bool in_strings(const char *const *strings, const char *s, bool ignore_case)
{
    for (size_t i = 0; s && strings && strings[i]; i++)
        if (ignore_case ? strcasecmp(strings[i], s) == 0 : strcmp(strings[i], s) == 0)
            return true;
    return false;
}

/* Validator.ensureValid(name, value). */
static int run_validator(const cd_config_key_t *key, const cd_config_value_t *value, char *errstr,
                         size_t errstr_size)
{
    const cd_config_validator_t *v = &key->validator;
    /* ConfigDef.embed: an embedded key's validator sees the name without the prefix */
    const char *vname = key->name + key->embedded_prefix_len;
    char msg[1024], shown[64];
    char *text;
    switch (v->kind) {
    case CD_VALIDATOR_NONE:
        return 0;
    case CD_VALIDATOR_RANGE: {
        double d;
        if (value->is_null) {
            invalid_value(errstr, errstr_size, vname, "null", "Value must be non-null");
            return -1;
        }
        d = value->type == CD_CONFIG_DOUBLE ? value->d : (double)value->i;
        if (v->has_min && d < v->min) {
            java_number_text(key, v->min, shown, sizeof(shown));
            snprintf(msg, sizeof(msg), "Value must be at least %s", shown);
        } else if (v->has_max && d > v->max) {
            java_number_text(key, v->max, shown, sizeof(shown));
            snprintf(msg, sizeof(msg), "Value must be no more than %s", shown);
        } else {
            return 0;
        }
        text = cd_config_value_to_java_string(value);
        invalid_value(errstr, errstr_size, vname, text, msg);
        free(text);
        return -1;
    }
    case CD_VALIDATOR_VALID_STRING:
    case CD_VALIDATOR_CASE_INSENSITIVE_STRING: {
        bool ci = v->kind == CD_VALIDATOR_CASE_INSENSITIVE_STRING;
        const char *s = value->is_null ? NULL : value->s;
        char joined[768];
        if (in_strings(v->strings, s, ci))
            return 0;
        if (ci)
            java_hash_set_join(v->strings, joined, sizeof(joined));
        else
            join_strings(v->strings, ", ", false, joined, sizeof(joined));
        snprintf(msg, sizeof(msg), "String must be one of%s: %s", ci ? " (case insensitive)" : "",
                 joined);
        text = cd_config_value_to_java_string(value);
        invalid_value(errstr, errstr_size, vname, text, msg);
        free(text);
        return -1;
    }
    case CD_VALIDATOR_NON_EMPTY_STRING:
        if (value->is_null || value->s[0])
            return 0;
        invalid_value(errstr, errstr_size, vname, "", "String must be non-empty");
        return -1;
    case CD_VALIDATOR_NON_NULL:
        if (!value->is_null)
            return 0;
        invalid_value(errstr, errstr_size, vname, "null", "entry must be non null");
        return -1;
    case CD_VALIDATOR_VALID_LIST: {
        bool any = v->strings == NULL || v->strings[0] == NULL;
        if (value->is_null) {
            if (v->list_allow_null)
                return 0;
            set_error(errstr, errstr_size, "Configuration '%s' values must not be null.", vname,
                      NULL, NULL);
            return -1;
        }
        if (!v->list_allow_empty && value->list_count == 0) {
            char joined[768];
            if (any) {
                snprintf(joined, sizeof(joined), "any non-empty value");
            } else {
                char inner[700];
                join_strings(v->strings, ", ", false, inner, sizeof(inner));
                snprintf(joined, sizeof(joined), "[%s]", inner);
            }
            set_error(errstr, errstr_size,
                      "Configuration '%s' must not be empty. Valid values include: %s", vname,
                      joined, NULL);
            return -1;
        }
        for (size_t i = 0; i < value->list_count; i++)
            for (size_t j = i + 1; j < value->list_count; j++)
                if (strcmp(value->list[i], value->list[j]) == 0) {
                    set_error(errstr, errstr_size,
                              "Configuration '%s' values must not be duplicated.", vname, NULL,
                              NULL);
                    return -1;
                }
        for (size_t i = 0; i < value->list_count; i++) {
            char joined[768];
            if (!value->list[i][0]) {
                set_error(errstr, errstr_size, "Configuration '%s' values must not be empty.",
                          vname, NULL, NULL);
                return -1;
            }
            if (any || in_strings(v->strings, value->list[i], false))
                continue;
            join_strings(v->strings, ", ", false, joined, sizeof(joined));
            snprintf(msg, sizeof(msg), "String must be one of: %s", joined);
            invalid_value(errstr, errstr_size, vname, value->list[i], msg);
            return -1;
        }
        return 0;
    }
    case CD_VALIDATOR_CUSTOM:
        if (!v->custom)
            return 0;
        if (errstr && errstr_size)
            errstr[0] = '\0';
        return v->custom(vname, value, errstr, errstr_size) == 0 ? 0 : -1;
    }
    return 0;
}

/* ConfigDef.parse's list de-duplication for ValidList keys (first occurrence kept). */
static void dedupe_list(cd_config_value_t *value)
{
    char **list = (char **)value->list;
    size_t w = 0;
    if (value->is_null || !list)
        return;
    for (size_t i = 0; i < value->list_count; i++) {
        bool seen = false;
        for (size_t j = 0; j < w && !seen; j++)
            seen = strcmp(list[j], list[i]) == 0;
        if (seen)
            free(list[i]);
        else
            list[w++] = list[i];
    }
    list[w] = NULL;
    value->list_count = w;
}

int cd_config_parse_value(const cd_config_key_t *key, const char *text, cd_config_value_t *out,
                          char *errstr, size_t errstr_size)
{
    if (parse_type(key, text, true, out, errstr, errstr_size) != 0)
        return -1;
    if (key->validator.kind == CD_VALIDATOR_VALID_LIST && key->type == CD_CONFIG_LIST)
        dedupe_list(out);
    if (run_validator(key, out, errstr, errstr_size) != 0) {
        cd_config_value_clear(out);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Definitions                                                         */
/* ------------------------------------------------------------------ */

typedef struct def_row_s {
    const cd_config_key_t *key;
    cd_config_key_t *owned; /* non-NULL for copies */
} def_row_t;

struct cd_config_def_s {
    def_row_t *rows;
    size_t count, cap;
    const char **groups;
    size_t group_count;
};

cd_config_def_t *cd_config_def_new(void)
{
    cd_config_def_t *def = xmalloc(sizeof(*def));
    memset(def, 0, sizeof(*def));
    return def;
}

static void free_owned_key(cd_config_key_t *k)
{
    if (!k)
        return;
    free((char *)k->name);
    if (k->default_value != CD_NO_DEFAULT)
        free((char *)k->default_value);
    free((char *)k->documentation);
    free((char *)k->group);
    free((char *)k->display_name);
    free((char *)k->validator.description);
    if (k->validator.strings) {
        for (size_t i = 0; k->validator.strings[i]; i++)
            free((char *)k->validator.strings[i]);
        free((char **)k->validator.strings);
    }
    if (k->dependents) {
        for (size_t i = 0; k->dependents[i]; i++)
            free((char *)k->dependents[i]);
        free((char **)k->dependents);
    }
    free(k);
}

void cd_config_def_destroy(cd_config_def_t *def)
{
    if (!def)
        return;
    for (size_t i = 0; i < def->count; i++)
        free_owned_key(def->rows[i].owned);
    free(def->rows);
    free(def->groups);
    free(def);
}

static void refresh_groups(cd_config_def_t *def)
{
    free(def->groups);
    def->groups = xmalloc((def->count + 1) * sizeof(char *));
    def->group_count = 0;
    for (size_t i = 0; i < def->count; i++) {
        const char *g = def->rows[i].key->group;
        bool seen = false;
        if (!g)
            continue;
        for (size_t j = 0; j < def->group_count && !seen; j++)
            seen = strcmp(def->groups[j], g) == 0;
        if (!seen)
            def->groups[def->group_count++] = g;
    }
    def->groups[def->group_count] = NULL;
}

static void add_row(cd_config_def_t *def, const cd_config_key_t *key, cd_config_key_t *owned)
{
    for (size_t i = 0; i < def->count; i++) {
        if (strcmp(def->rows[i].key->name, key->name) == 0) {
            free_owned_key(def->rows[i].owned);
            def->rows[i].key = key;
            def->rows[i].owned = owned;
            refresh_groups(def);
            return;
        }
    }
    if (def->count == def->cap) {
        def->cap = def->cap ? def->cap * 2 : 32;
        def->rows = xrealloc(def->rows, def->cap * sizeof(def_row_t));
    }
    def->rows[def->count].key = key;
    def->rows[def->count].owned = owned;
    def->count++;
    refresh_groups(def);
}

void cd_config_def_add_table(cd_config_def_t *def, const cd_config_key_t *table)
{
    for (size_t i = 0; table && table[i].name; i++)
        add_row(def, &table[i], NULL);
}

static const char *const *copy_strings(const char *const *src)
{
    size_t n = 0;
    char **dst;
    if (!src)
        return NULL;
    while (src[n])
        n++;
    dst = xmalloc((n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        dst[i] = xstrdup(src[i]);
    dst[n] = NULL;
    return (const char *const *)dst;
}

void cd_config_def_add_copy(cd_config_def_t *def, const cd_config_key_t *key)
{
    cd_config_key_t *k = xmalloc(sizeof(*k));
    *k = *key;
    k->name = xstrdup(key->name);
    k->default_value =
        key->default_value == CD_NO_DEFAULT ? CD_NO_DEFAULT : xstrdup(key->default_value);
    k->documentation = xstrdup(key->documentation);
    k->group = xstrdup(key->group);
    k->display_name = xstrdup(key->display_name);
    k->validator.description = xstrdup(key->validator.description);
    k->validator.strings = copy_strings(key->validator.strings);
    k->dependents = copy_strings(key->dependents);
    add_row(def, k, k);
}

size_t cd_config_def_count(const cd_config_def_t *def)
{
    return def ? def->count : 0;
}

const cd_config_key_t *cd_config_def_at(const cd_config_def_t *def, size_t i)
{
    return def && i < def->count ? def->rows[i].key : NULL;
}

const cd_config_key_t *cd_config_def_find(const cd_config_def_t *def, const char *name)
{
    for (size_t i = 0; def && name && i < def->count; i++)
        if (strcmp(def->rows[i].key->name, name) == 0)
            return def->rows[i].key;
    return NULL;
}

static ptrdiff_t def_index(const cd_config_def_t *def, const char *name)
{
    for (size_t i = 0; i < def->count; i++)
        if (strcmp(def->rows[i].key->name, name) == 0)
            return (ptrdiff_t)i;
    return -1;
}

const char *const *cd_config_def_groups(const cd_config_def_t *def, size_t *n)
{
    static const char *const none[] = {NULL};
    if (!def || !def->groups) {
        if (n)
            *n = 0;
        return none;
    }
    if (n)
        *n = def->group_count;
    return def->groups;
}

/* Dependents named by some key but not defined (Java's undefinedDependentConfigs). */
static size_t undefined_dependents(const cd_config_def_t *def, const char ***out)
{
    const char **names = NULL;
    size_t n = 0;
    for (size_t i = 0; i < def->count; i++) {
        const char *const *deps = def->rows[i].key->dependents;
        for (size_t j = 0; deps && deps[j]; j++) {
            bool seen = false;
            if (def_index(def, deps[j]) >= 0)
                continue;
            for (size_t k = 0; k < n && !seen; k++)
                seen = strcmp(names[k], deps[j]) == 0;
            if (seen)
                continue;
            names = xrealloc(names, (n + 1) * sizeof(char *));
            names[n++] = deps[j];
        }
    }
    *out = names;
    return n;
}

/* ------------------------------------------------------------------ */
/* Parsed configurations                                               */
/* ------------------------------------------------------------------ */

struct cd_config_s {
    const cd_config_def_t *def;
    const cd_config_key_t **keys;
    cd_config_value_t *values;
    size_t count;
    cd_properties_t *originals;
};

static cd_properties_t *copy_properties(const cd_properties_t *props)
{
    cd_properties_t *copy = cd_properties_new();
    if (!copy)
        abort();
    for (size_t i = 0; props && i < cd_properties_count(props); i++)
        cd_properties_set(copy, cd_properties_key_at(props, i), cd_properties_value_at(props, i));
    return copy;
}

cd_config_t *cd_config_parse(const cd_config_def_t *def, const cd_properties_t *props, char *errstr,
                             size_t errstr_size)
{
    cd_config_t *cfg;
    const char **undefined = NULL;
    size_t n_undefined = undefined_dependents(def, &undefined);
    if (n_undefined) {
        char joined[1024];
        size_t len = 0;
        joined[0] = '\0';
        for (size_t i = 0; i < n_undefined && len < sizeof(joined) - 1; i++) {
            int w =
                snprintf(joined + len, sizeof(joined) - len, "%s%s", i ? "," : "", undefined[i]);
            if (w < 0)
                break;
            len += (size_t)w;
        }
        free(undefined);
        set_error(errstr, errstr_size,
                  "Some configurations in are referred in the dependents, but not defined: %s",
                  joined, NULL, NULL);
        return NULL;
    }
    cfg = xmalloc(sizeof(*cfg));
    cfg->def = def;
    cfg->count = def->count;
    cfg->keys = xmalloc((def->count + 1) * sizeof(*cfg->keys));
    cfg->values = xmalloc((def->count + 1) * sizeof(*cfg->values));
    for (size_t i = 0; i < def->count; i++) {
        cfg->keys[i] = def->rows[i].key;
        memset(&cfg->values[i], 0, sizeof(cfg->values[i]));
        cfg->values[i].is_null = true;
    }
    cfg->originals = copy_properties(props);
    for (size_t i = 0; i < def->count; i++) {
        const cd_config_key_t *key = cfg->keys[i];
        const char *raw = props ? cd_properties_get(props, key->name) : NULL;
        cd_config_value_t *v = &cfg->values[i];
        int rc;
        if (raw) {
            rc = parse_type(key, raw, true, v, errstr, errstr_size);
        } else if (key->default_value == CD_NO_DEFAULT) {
            set_error(errstr, errstr_size,
                      "Missing required configuration \"%s\" which has no default value.",
                      key->name, NULL, NULL);
            rc = -1;
        } else {
            rc = parse_type(key, key->default_value, false, v, errstr, errstr_size);
        }
        if (rc == 0 && key->validator.kind == CD_VALIDATOR_VALID_LIST &&
            key->type == CD_CONFIG_LIST)
            dedupe_list(v);
        if (rc == 0)
            rc = run_validator(key, v, errstr, errstr_size);
        if (rc != 0) {
            cd_config_destroy(cfg);
            return NULL;
        }
    }
    return cfg;
}

void cd_config_destroy(cd_config_t *config)
{
    if (!config)
        return;
    for (size_t i = 0; i < config->count; i++)
        cd_config_value_clear(&config->values[i]);
    free(config->values);
    free(config->keys);
    cd_properties_destroy(config->originals);
    free(config);
}

const cd_config_value_t *cd_config_get(const cd_config_t *config, const char *name)
{
    for (size_t i = 0; config && name && i < config->count; i++)
        if (strcmp(config->keys[i]->name, name) == 0)
            return &config->values[i];
    return NULL;
}

const char *cd_config_get_string(const cd_config_t *config, const char *name)
{
    const cd_config_value_t *v = cd_config_get(config, name);
    return v && !v->is_null ? v->s : NULL;
}

int32_t cd_config_get_int(const cd_config_t *config, const char *name)
{
    const cd_config_value_t *v = cd_config_get(config, name);
    return v && !v->is_null ? (int32_t)v->i : 0;
}

int64_t cd_config_get_long(const cd_config_t *config, const char *name)
{
    const cd_config_value_t *v = cd_config_get(config, name);
    return v && !v->is_null ? v->i : 0;
}

bool cd_config_get_bool(const cd_config_t *config, const char *name)
{
    const cd_config_value_t *v = cd_config_get(config, name);
    return v && !v->is_null && v->b;
}

double cd_config_get_double(const cd_config_t *config, const char *name)
{
    const cd_config_value_t *v = cd_config_get(config, name);
    return v && !v->is_null ? v->d : 0.0;
}

const char *const *cd_config_get_list(const cd_config_t *config, const char *name, size_t *count)
{
    const cd_config_value_t *v = cd_config_get(config, name);
    if (!v || v->is_null || v->type != CD_CONFIG_LIST) {
        if (count)
            *count = 0;
        return NULL;
    }
    if (count)
        *count = v->list_count;
    return v->list;
}

const cd_properties_t *cd_config_originals(const cd_config_t *config)
{
    return config ? config->originals : NULL;
}

cd_properties_t *cd_config_originals_with_prefix(const cd_config_t *config, const char *prefix)
{
    cd_properties_t *out = cd_properties_new();
    size_t plen = strlen(prefix);
    if (!out)
        abort();
    for (size_t i = 0; config && i < cd_properties_count(config->originals); i++) {
        const char *k = cd_properties_key_at(config->originals, i);
        if (strncmp(k, prefix, plen) == 0)
            cd_properties_set(out, k + plen, cd_properties_value_at(config->originals, i));
    }
    return out;
}

/* ------------------------------------------------------------------ */
/* Validation (ConfigDef.validateAll)                                  */
/* ------------------------------------------------------------------ */

struct cd_config_results_s {
    cd_config_result_t **items;
    size_t count, cap;
};

static cd_config_results_t *results_new(void)
{
    cd_config_results_t *r = xmalloc(sizeof(*r));
    memset(r, 0, sizeof(*r));
    return r;
}

cd_config_result_t *cd_config_results_add(cd_config_results_t *results, const char *name,
                                          const char *value)
{
    cd_config_result_t *item = xmalloc(sizeof(*item));
    memset(item, 0, sizeof(*item));
    item->name = xstrdup(name);
    item->value = xstrdup(value);
    item->visible = true;
    if (results->count == results->cap) {
        results->cap = results->cap ? results->cap * 2 : 32;
        results->items = xrealloc(results->items, results->cap * sizeof(*results->items));
    }
    results->items[results->count++] = item;
    return item;
}

void cd_config_result_add_error(cd_config_result_t *result, const char *message)
{
    result->errors = xrealloc(result->errors, (result->error_count + 1) * sizeof(char *));
    result->errors[result->error_count++] = xstrdup(message);
}

static void result_free(cd_config_result_t *r)
{
    free(r->name);
    free(r->value);
    for (size_t i = 0; i < r->recommended_count; i++)
        free(r->recommended_values[i]);
    free(r->recommended_values);
    for (size_t i = 0; i < r->error_count; i++)
        free(r->errors[i]);
    free(r->errors);
    free(r);
}

void cd_config_results_destroy(cd_config_results_t *results)
{
    if (!results)
        return;
    for (size_t i = 0; i < results->count; i++)
        result_free(results->items[i]);
    free(results->items);
    free(results);
}

size_t cd_config_results_count(const cd_config_results_t *results)
{
    return results ? results->count : 0;
}

cd_config_result_t *cd_config_results_at(cd_config_results_t *results, size_t i)
{
    return results && i < results->count ? results->items[i] : NULL;
}

cd_config_result_t *cd_config_results_find(cd_config_results_t *results, const char *name)
{
    for (size_t i = 0; results && name && i < results->count; i++)
        if (strcmp(results->items[i]->name, name) == 0)
            return results->items[i];
    return NULL;
}

size_t cd_config_results_error_count(const cd_config_results_t *results)
{
    size_t n = 0;
    for (size_t i = 0; results && i < results->count; i++)
        n += results->items[i]->error_count;
    return n;
}

typedef struct validate_ctx_s {
    const cd_config_def_t *def;
    const cd_properties_t *props;
    cd_config_results_t *results; /* results->items[i] is def row i */
} validate_ctx_t;

/* The shown text of a parsed value (what ConfigValue.value() converts to). */
static char *shown_value(const cd_config_value_t *v)
{
    if (v->is_null)
        return NULL;
    if (v->type == CD_CONFIG_PASSWORD)
        return xstrdup("[hidden]");
    return cd_config_value_convert_to_string(v);
}

static void parse_for_validate(validate_ctx_t *ctx, const char *name, int depth)
{
    ptrdiff_t idx = def_index(ctx->def, name);
    const cd_config_key_t *key;
    cd_config_result_t *res;
    cd_config_value_t v;
    char *err = NULL;
    size_t err_size;
    const char *raw;
    if (idx < 0 || depth > CD_CONFIG_MAX_DEPTH)
        return;
    key = ctx->def->rows[idx].key;
    res = ctx->results->items[idx];
    memset(&v, 0, sizeof(v));
    v.type = key->type;
    v.is_null = true;
    raw = ctx->props ? cd_properties_get(ctx->props, key->name) : NULL;
    /* Messages quote the value whole, as Java's do: size the buffer to it. */
    err_size = (raw ? strlen(raw) * 2 : 0) + strlen(key->name) + 4096;
    err = malloc(err_size);
    if (!err)
        return;
    if (raw) {
        if (parse_type(key, raw, true, &v, err, err_size) != 0)
            cd_config_result_add_error(res, err);
    } else if (key->default_value == CD_NO_DEFAULT) {
        snprintf(err, err_size, "Missing required configuration \"%s\" which has no default value.",
                 key->name);
        cd_config_result_add_error(res, err);
    } else {
        parse_type(key, key->default_value, false, &v, err, err_size);
    }
    if (key->validator.kind != CD_VALIDATOR_NONE && run_validator(key, &v, err, err_size) != 0)
        cd_config_result_add_error(res, err);
    free(err);
    free(res->value);
    res->value = shown_value(&v);
    cd_config_value_clear(&v);
    for (size_t i = 0; key->dependents && key->dependents[i]; i++)
        parse_for_validate(ctx, key->dependents[i], depth + 1);
}

static void recommend(validate_ctx_t *ctx, const char *name, int depth)
{
    ptrdiff_t idx = def_index(ctx->def, name);
    const cd_config_key_t *key;
    cd_config_result_t *res;
    if (idx < 0 || depth > CD_CONFIG_MAX_DEPTH)
        return;
    key = ctx->def->rows[idx].key;
    res = ctx->results->items[idx];
    if (key->recommended_values) {
        const char *vals[CD_CONFIG_MAX_RECOMMENDED + 1];
        size_t n = key->recommended_values(name, ctx->props, vals, CD_CONFIG_MAX_RECOMMENDED);
        char **kept = xmalloc((n + 1) * sizeof(char *));
        size_t k = 0;
        if (n > CD_CONFIG_MAX_RECOMMENDED)
            n = CD_CONFIG_MAX_RECOMMENDED;
        for (size_t i = 0; i < n; i++) {
            bool keep = res->recommended_count == 0;
            for (size_t j = 0; j < res->recommended_count && !keep; j++)
                keep = strcmp(res->recommended_values[j], vals[i]) == 0;
            if (keep)
                kept[k++] = xstrdup(vals[i]);
        }
        for (size_t i = 0; i < res->recommended_count; i++)
            free(res->recommended_values[i]);
        free(res->recommended_values);
        res->recommended_values = kept;
        res->recommended_count = k;
        res->visible = key->visible ? key->visible(name, ctx->props) : true;
    }
    for (size_t i = 0; key->dependents && key->dependents[i]; i++)
        recommend(ctx, key->dependents[i], depth + 1);
}

static bool is_dependent(const cd_config_def_t *def, const char *name)
{
    for (size_t i = 0; i < def->count; i++) {
        const char *const *deps = def->rows[i].key->dependents;
        for (size_t j = 0; deps && deps[j]; j++)
            if (strcmp(deps[j], name) == 0)
                return true;
    }
    return false;
}

cd_config_results_t *cd_config_validate(const cd_config_def_t *def, const cd_properties_t *props)
{
    validate_ctx_t ctx;
    const char **undefined = NULL;
    size_t n_undefined;
    ctx.def = def;
    ctx.props = props;
    ctx.results = results_new();
    for (size_t i = 0; i < def->count; i++)
        cd_config_results_add(ctx.results, def->rows[i].key->name, NULL);
    for (size_t i = 0; i < def->count; i++)
        if (!is_dependent(def, def->rows[i].key->name))
            parse_for_validate(&ctx, def->rows[i].key->name, 0);
    for (size_t i = 0; i < def->count; i++)
        if (!is_dependent(def, def->rows[i].key->name))
            recommend(&ctx, def->rows[i].key->name, 0);
    n_undefined = undefined_dependents(def, &undefined);
    for (size_t i = 0; i < n_undefined; i++) {
        char err[1024];
        cd_config_result_t *r = cd_config_results_add(ctx.results, undefined[i], NULL);
        snprintf(err, sizeof(err), "%s is referred in the dependents, but not defined.",
                 undefined[i]);
        cd_config_result_add_error(r, err);
        r->visible = false;
    }
    free(undefined);
    return ctx.results;
}
