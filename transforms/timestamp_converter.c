/*
 * timestamp_converter.c: org.apache.kafka.connect.transforms.TimestampConverter$Key /
 * $Value. Converts a whole key/value or one struct/map field between string
 * (SimpleDateFormat pattern, UTC), unix (seconds/milli/micro/nanoseconds), and
 * the Date, Time and Timestamp logical types. The SimpleDateFormat subset
 * implemented: G y Y M L d D E u a H k K h m s S F w W z Z X and quoted text,
 * formatted and parsed (leniently, as Java's default) in UTC, proleptic Gregorian.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_b_util.h"
#include "transforms/transform_util.h"

#include <connectd/version.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define TC_PURPOSE "converting timestamp formats"
#define TC_DAY_MS 86400000LL

static const char *const tc_types[] = {"string", "unix", "Date", "Time", "Timestamp", NULL};
static const char *const tc_precisions[] = {"nanoseconds", "microseconds", "milliseconds",
                                            "seconds", NULL};

static const cd_config_key_t tc_config_keys[] = {
    {.name = "field",
     .type = CD_CONFIG_STRING,
     .default_value = "",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation =
         "The field containing the timestamp, or empty if the entire value is a timestamp",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = "target.type",
     .type = CD_CONFIG_STRING,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = tc_types},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation =
         "The desired timestamp representation: string, unix, Date, Time, or Timestamp",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = "format",
     .type = CD_CONFIG_STRING,
     .default_value = "",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "A SimpleDateFormat-compatible format for the timestamp. Used to generate "
                      "the output when type=string or used to parse the input if the input is "
                      "a string.",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = "unix.precision",
     .type = CD_CONFIG_STRING,
     .default_value = "milliseconds",
     .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = tc_precisions},
     .importance = CD_IMPORTANCE_LOW,
     .documentation = "The desired Unix precision for the timestamp: seconds, milliseconds, "
                      "microseconds, or nanoseconds. Used to generate the output when type=unix "
                      "or used to parse the input if the input is a Long.Note: This SMT will "
                      "cause precision loss during conversions from, and to, values with "
                      "sub-millisecond components.",
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = "replace.null.with.default",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = CD_SMTB_REPLACE_NULL_DOC,
     .order_in_group = -1,
     .width = CD_WIDTH_NONE},
    {.name = NULL},
};

typedef enum { TC_STRING, TC_UNIX, TC_DATE, TC_TIME, TC_TIMESTAMP } tc_type_t;
typedef enum { TC_MILLIS, TC_SECONDS, TC_MICROS, TC_NANOS } tc_precision_t;

/* One compiled pattern element: a field letter with its count, or literal text. */
typedef struct tc_elem_s {
    char letter; /* 0 = literal */
    int count;
    char *text; /* literal */
} tc_elem_t;

typedef struct tc_state_s {
    cd_transform_target_t target;
    char *field;
    tc_type_t type;
    tc_precision_t precision;
    char *pattern; /* NULL = no format */
    tc_elem_t *elems;
    size_t n_elems;
    bool replace_null_with_default;
    cd_schema_t *cached_in;
    cd_schema_t *cached_out;
} tc_state_t;

/* ------------------------------------------------------------------ */
/* SimpleDateFormat                                                     */
/* ------------------------------------------------------------------ */

static const char tc_letters[] = "GyMdkHmsSEDFwWahKzZYuXL";
static const char *const tc_months[] = {"January",   "February", "March",    "April",
                                        "May",       "June",     "July",     "August",
                                        "September", "October",  "November", "December"};
static const char *const tc_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                      "Thursday", "Friday", "Saturday"};

static void tc_add_elem(tc_state_t *st, char letter, int count, const char *text, size_t len)
{
    tc_elem_t *e = realloc(st->elems, (st->n_elems + 1) * sizeof(*e));
    if (!e)
        abort();
    st->elems = e;
    e = &st->elems[st->n_elems++];
    e->letter = letter;
    e->count = count;
    e->text = NULL;
    if (!letter) {
        e->text = malloc(len + 1);
        if (!e->text)
            abort();
        memcpy(e->text, text, len);
        e->text[len] = '\0';
    }
}

/* SimpleDateFormat.compile: @returns 0 or -1 with IllegalArgumentException's text. */
static int tc_compile(tc_state_t *st, const char *p, char *errstr, size_t errstr_size)
{
    size_t len = strlen(p), i = 0;
    char *lit = malloc(len + 1);
    size_t ll = 0;
    if (!lit)
        abort();
    while (i < len) {
        char c = p[i];
        if (c == '\'') {
            if (i + 1 < len && p[i + 1] == '\'') {
                lit[ll++] = '\'';
                i += 2;
                continue;
            }
            i++;
            for (;;) {
                if (i >= len) {
                    free(lit);
                    snprintf(errstr, errstr_size, "Unterminated quote");
                    return -1;
                }
                if (p[i] == '\'') {
                    if (i + 1 < len && p[i + 1] == '\'') {
                        lit[ll++] = '\'';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                lit[ll++] = p[i++];
            }
            continue;
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            int count = 1;
            if (!strchr(tc_letters, c)) {
                free(lit);
                snprintf(errstr, errstr_size, "Illegal pattern character '%c'", c);
                return -1;
            }
            while (i + (size_t)count < len && p[i + (size_t)count] == c)
                count++;
            if (c == 'X' && count > 3) {
                free(lit);
                snprintf(errstr, errstr_size, "invalid ISO 8601 format: length=%d", count);
                return -1;
            }
            if (ll) {
                tc_add_elem(st, 0, 0, lit, ll);
                ll = 0;
            }
            tc_add_elem(st, c, count, NULL, 0);
            i += (size_t)count;
            continue;
        }
        lit[ll++] = c;
        i++;
    }
    if (ll)
        tc_add_elem(st, 0, 0, lit, ll);
    free(lit);
    return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    return a - floor_div(a, b) * b;
}

/* days since 1970-01-01 of a proleptic Gregorian date (month 1-12) */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

typedef struct tc_buf_s {
    char *s;
    size_t len, cap;
} tc_buf_t;

static void buf_add(tc_buf_t *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_num(tc_buf_t *b, int64_t v, int min_digits)
{
    char tmp[48];
    int n = snprintf(tmp, sizeof(tmp), "%s%0*lld", v < 0 ? "-" : "", min_digits,
                     (long long)(v < 0 ? -v : v));
    buf_add(b, tmp, (size_t)n);
}

static void buf_text(tc_buf_t *b, const char *full, int count)
{
    buf_add(b, full, count >= 4 ? strlen(full) : (strlen(full) < 3 ? strlen(full) : 3));
}

static char *tc_format(const tc_state_t *st, int64_t ms)
{
    tc_buf_t b = {NULL, 0, 0};
    int64_t days = floor_div(ms, TC_DAY_MS), tod = floor_mod(ms, TC_DAY_MS), y;
    int mo, d;
    civil_from_days(days, &y, &mo, &d);
    int dow = (int)floor_mod(days + 4, 7); /* 0 = Sunday */
    int64_t doy = days - days_from_civil(y, 1, 1) + 1;
    int hour = (int)(tod / 3600000), min = (int)(tod / 60000 % 60), sec = (int)(tod / 1000 % 60);
    int milli = (int)(tod % 1000);
    int64_t yoe = y <= 0 ? 1 - y : y;
    buf_add(&b, "", 0);
    for (size_t i = 0; i < st->n_elems; i++) {
        const tc_elem_t *e = &st->elems[i];
        int c = e->count;
        switch (e->letter) {
        case 0:
            buf_add(&b, e->text, strlen(e->text));
            break;
        case 'G':
            buf_add(&b, y <= 0 ? "BC" : "AD", 2);
            break;
        case 'y':
        case 'Y':
            if (c == 2)
                buf_num(&b, yoe % 100, 2);
            else
                buf_num(&b, yoe, c);
            break;
        case 'M':
        case 'L':
            if (c >= 3)
                buf_text(&b, tc_months[mo - 1], c);
            else
                buf_num(&b, mo, c);
            break;
        case 'd':
            buf_num(&b, d, c);
            break;
        case 'D':
            buf_num(&b, doy, c);
            break;
        case 'E':
            buf_text(&b, tc_days[dow], c);
            break;
        case 'u':
            buf_num(&b, dow == 0 ? 7 : dow, c);
            break;
        case 'F':
            buf_num(&b, (d - 1) / 7 + 1, c);
            break;
        case 'W': {
            int first = (int)floor_mod(days - (d - 1) + 4, 7);
            buf_num(&b, (d - 1 + first) / 7 + 1, c);
            break;
        }
        case 'w': {
            int jan1 = (int)floor_mod(days - (doy - 1) + 4, 7);
            int64_t w = (doy - 1 + jan1) / 7 + 1;
            /* the Sunday-to-Saturday week holding next January 1st is week 1 */
            if (days + (6 - dow) >= days_from_civil(y + 1, 1, 1))
                w = 1;
            buf_num(&b, w, c);
            break;
        }
        case 'a':
            buf_add(&b, hour < 12 ? "AM" : "PM", 2);
            break;
        case 'H':
            buf_num(&b, hour, c);
            break;
        case 'k':
            buf_num(&b, hour == 0 ? 24 : hour, c);
            break;
        case 'K':
            buf_num(&b, hour % 12, c);
            break;
        case 'h':
            buf_num(&b, hour % 12 == 0 ? 12 : hour % 12, c);
            break;
        case 'm':
            buf_num(&b, min, c);
            break;
        case 's':
            buf_num(&b, sec, c);
            break;
        case 'S':
            buf_num(&b, milli, c);
            break;
        case 'z':
            if (c >= 4)
                buf_add(&b, "Coordinated Universal Time", 26);
            else
                buf_add(&b, "UTC", 3);
            break;
        case 'Z':
            buf_add(&b, "+0000", 5);
            break;
        case 'X':
            buf_add(&b, "Z", 1);
            break;
        default:
            break;
        }
    }
    return b.s;
}

static bool tc_numeric(char letter)
{
    return letter && !strchr("GMLEazZXG", letter);
}

/* Parses a number at *pos: at most max_width characters when max_width > 0. */
static bool parse_num(const char *s, size_t *pos, int max_width, int64_t *out, int *ndigits)
{
    size_t i = *pos, end = max_width > 0 ? *pos + (size_t)max_width : SIZE_MAX;
    bool neg = false;
    int64_t v = 0;
    int n = 0;
    if (s[i] == '-' && i + 1 < end && isdigit((unsigned char)s[i + 1])) {
        neg = true;
        i++;
    }
    while (i < end && isdigit((unsigned char)s[i])) {
        if (v < INT64_MAX / 10)
            v = v * 10 + (s[i] - '0');
        i++;
        n++;
    }
    if (n == 0)
        return false;
    *out = neg ? -v : v;
    *ndigits = n;
    *pos = i;
    return true;
}

static int match_names(const char *s, size_t *pos, const char *const *names, int n)
{
    size_t best_len = 0;
    int best = -1;
    for (int i = 0; i < n; i++) {
        size_t fl = strlen(names[i]);
        if (strncasecmp(s + *pos, names[i], fl) == 0 && fl > best_len) {
            best = i;
            best_len = fl;
        }
        if (fl > 3 && strncasecmp(s + *pos, names[i], 3) == 0 && best_len < 3) {
            best = i;
            best_len = 3;
        }
    }
    if (best >= 0)
        *pos += best_len;
    return best;
}

static bool parse_zone(const char *s, size_t *pos, int64_t *offset_ms)
{
    size_t i = *pos;
    if (s[i] == 'Z') {
        *pos = i + 1;
        *offset_ms = 0;
        return true;
    }
    if (strncmp(s + i, "GMT", 3) == 0 || strncmp(s + i, "UTC", 3) == 0) {
        i += 3;
        if (s[i] != '+' && s[i] != '-') {
            *pos = i;
            *offset_ms = 0;
            return true;
        }
    }
    if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '-' ? -1 : 1;
        int hh = 0, mm = 0, n = 0;
        i++;
        while (isdigit((unsigned char)s[i]) && n < 2) {
            hh = hh * 10 + (s[i++] - '0');
            n++;
        }
        if (n == 0)
            return false;
        if (s[i] == ':')
            i++;
        n = 0;
        while (isdigit((unsigned char)s[i]) && n < 2) {
            mm = mm * 10 + (s[i++] - '0');
            n++;
        }
        *offset_ms = sign * ((int64_t)hh * 3600000 + (int64_t)mm * 60000);
        *pos = i;
        return true;
    }
    return false;
}

/* SimpleDateFormat.parse (lenient, UTC). @returns 0 with *ms, or -1. */
static int tc_parse(const tc_state_t *st, const char *s, int64_t *ms)
{
    size_t pos = 0;
    int64_t year = 1970, month = 1, day = 1, doy = -1, hour = 0, min = 0, sec = 0, milli = 0;
    int64_t zone = 0, h12 = -1;
    int ampm = -1;
    bool have_md = false;
    for (size_t i = 0; i < st->n_elems; i++) {
        const tc_elem_t *e = &st->elems[i];
        int64_t v = 0;
        int nd = 0;
        if (!e->letter) {
            size_t tl = strlen(e->text);
            if (strncmp(s + pos, e->text, tl) != 0)
                return -1;
            pos += tl;
            continue;
        }
        while (s[pos] == ' ' || s[pos] == '\t')
            pos++;
        bool obey = i + 1 < st->n_elems && tc_numeric(st->elems[i + 1].letter);
        int width = obey ? e->count : 0;
        switch (e->letter) {
        case 'G': {
            static const char *const eras[] = {"BC", "AD"};
            if (match_names(s, &pos, eras, 2) < 0)
                return -1;
            break;
        }
        case 'M':
        case 'L':
            if (e->count >= 3) {
                int m = match_names(s, &pos, tc_months, 12);
                if (m < 0)
                    return -1;
                month = m + 1;
            } else {
                if (!parse_num(s, &pos, width, &month, &nd))
                    return -1;
            }
            have_md = true;
            break;
        case 'E': {
            if (match_names(s, &pos, tc_days, 7) < 0)
                return -1;
            break;
        }
        case 'a': {
            static const char *const ampms[] = {"AM", "PM"};
            ampm = match_names(s, &pos, ampms, 2);
            if (ampm < 0)
                return -1;
            break;
        }
        case 'z':
        case 'Z':
        case 'X':
            if (!parse_zone(s, &pos, &zone))
                return -1;
            break;
        default:
            if (!parse_num(s, &pos, width, &v, &nd))
                return -1;
            switch (e->letter) {
            case 'y':
            case 'Y':
                year = v;
                if (e->count <= 2 && nd == 2 && v >= 0) {
                    /* two-digit years: within 80 years before and 20 after now */
                    time_t now = time(NULL);
                    struct tm tmv;
                    gmtime_r(&now, &tmv);
                    int64_t start = tmv.tm_year + 1900 - 80;
                    int64_t century = start / 100 * 100;
                    year = century + v;
                    if (year < start)
                        year += 100;
                }
                break;
            case 'd':
                day = v;
                have_md = true;
                break;
            case 'D':
                doy = v;
                break;
            case 'H':
                hour = v;
                break;
            case 'k':
                hour = v == 24 ? 0 : v;
                break;
            case 'K':
                h12 = v;
                break;
            case 'h':
                h12 = v == 12 ? 0 : v;
                break;
            case 'm':
                min = v;
                break;
            case 's':
                sec = v;
                break;
            case 'S':
                milli = v;
                break;
            default: /* u F w W: parsed, not used */
                break;
            }
        }
    }
    if (h12 >= 0)
        hour = h12 + (ampm == 1 ? 12 : 0);
    else if (ampm == 1 && hour < 12)
        hour += 12;
    /* lenient month: roll into years */
    int64_t m0 = month - 1;
    year += floor_div(m0, 12);
    m0 = floor_mod(m0, 12);
    int64_t days;
    if (doy >= 0 && !have_md)
        days = days_from_civil(year, 1, 1) + doy - 1;
    else
        days = days_from_civil(year, m0 + 1, 1) + day - 1;
    *ms = days * TC_DAY_MS + hour * 3600000 + min * 60000 + sec * 1000 + milli - zone;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The transformation                                                   */
/* ------------------------------------------------------------------ */

static void tc_destroy(void *state)
{
    tc_state_t *st = state;
    if (!st)
        return;
    for (size_t i = 0; i < st->n_elems; i++)
        free(st->elems[i].text);
    free(st->elems);
    free(st->pattern);
    free(st->field);
    cd_schema_unref(st->cached_in);
    cd_schema_unref(st->cached_out);
    free(st);
}

static bool is_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if ((unsigned char)*s > ' ')
            return false;
    return true;
}

static int tc_create(cd_transform_target_t target, const cd_properties_t *props, void **state,
                     char *errstr, size_t errstr_size)
{
    cd_smtb_config_t cfg;
    tc_state_t *st;
    const char *type, *prec, *format;
    *state = NULL;
    if (cd_smtb_config_parse(&cfg, tc_config_keys, props, errstr, errstr_size) != 0)
        return -1;
    st = calloc(1, sizeof(*st));
    if (!st)
        abort();
    st->target = target;
    st->field = cd_smtb_strdup(cd_config_get_string(cfg.config, "field"));
    type = cd_config_get_string(cfg.config, "target.type");
    st->type = !strcmp(type, "string") ? TC_STRING
               : !strcmp(type, "unix") ? TC_UNIX
               : !strcmp(type, "Date") ? TC_DATE
               : !strcmp(type, "Time") ? TC_TIME
                                       : TC_TIMESTAMP;
    prec = cd_config_get_string(cfg.config, "unix.precision");
    st->precision = !strcmp(prec, "seconds")        ? TC_SECONDS
                    : !strcmp(prec, "microseconds") ? TC_MICROS
                    : !strcmp(prec, "nanoseconds")  ? TC_NANOS
                                                    : TC_MILLIS;
    st->replace_null_with_default = cd_config_get_bool(cfg.config, "replace.null.with.default");
    format = cd_config_get_string(cfg.config, "format");
    if (st->type == TC_STRING && is_blank(format)) {
        snprintf(errstr, errstr_size,
                 "TimestampConverter requires format option to be specified "
                 "when using string timestamps");
        goto fail;
    }
    if (!is_blank(format)) {
        char why[256];
        st->pattern = cd_smtb_strdup(format);
        if (tc_compile(st, format, why, sizeof(why)) != 0) {
            /* Java's ConfigException(String, Throwable) resolves to (name, value):
             * "Invalid value <exception> for configuration <message>". */
            snprintf(errstr, errstr_size,
                     "Invalid value java.lang.IllegalArgumentException: %s for configuration "
                     "TimestampConverter requires a SimpleDateFormat-compatible pattern for "
                     "string timestamps: %s",
                     why, format);
            goto fail;
        }
    }
    cd_smtb_config_clear(&cfg);
    *state = st;
    return 0;
fail:
    cd_smtb_config_clear(&cfg);
    tc_destroy(st);
    return -1;
}

static int tc_create_key(const cd_properties_t *props, void **state, char *errstr,
                         size_t errstr_size)
{
    return tc_create(CD_TRANSFORM_KEY, props, state, errstr, errstr_size);
}

static int tc_create_value(const cd_properties_t *props, void **state, char *errstr,
                           size_t errstr_size)
{
    return tc_create(CD_TRANSFORM_VALUE, props, state, errstr, errstr_size);
}

static const char *tc_class(const cd_value_t *v)
{
    return cd_transform_class_name(v);
}

static int64_t sat_mul(int64_t v, int64_t m)
{
    if (v > INT64_MAX / m)
        return INT64_MAX;
    if (v < INT64_MIN / m)
        return INT64_MIN;
    return v * m;
}

/* toRaw: the value in format @p from as epoch milliseconds. */
static int tc_to_raw(const tc_state_t *st, tc_type_t from, const cd_value_t *v, int64_t *ms,
                     char *errstr, size_t errstr_size)
{
    cd_value_kind_t k = cd_value_kind(v);
    switch (from) {
    case TC_STRING:
        if (k != CD_VALUE_STRING) {
            snprintf(errstr, errstr_size,
                     "Expected string timestamp to be a String, but found class %s", tc_class(v));
            return -1;
        }
        if (!st->pattern) {
            snprintf(errstr, errstr_size,
                     "Cannot invoke \"java.text.SimpleDateFormat.parse("
                     "String)\" because \"config.format\" is null");
            return -1;
        }
        if (tc_parse(st, cd_value_string(v, NULL), ms) != 0) {
            snprintf(errstr, errstr_size,
                     "Could not parse timestamp: value (%s) does not match pattern (%s)",
                     cd_value_string(v, NULL), st->pattern);
            return -1;
        }
        return 0;
    case TC_UNIX: {
        if (k != CD_VALUE_INT64) {
            snprintf(errstr, errstr_size,
                     "Expected Unix timestamp to be a Long, but found class %s", tc_class(v));
            return -1;
        }
        int64_t t = cd_value_int64(v);
        *ms = st->precision == TC_SECONDS  ? sat_mul(t, 1000)
              : st->precision == TC_MICROS ? t / 1000
              : st->precision == TC_NANOS  ? t / 1000000
                                           : t;
        return 0;
    }
    default:
        if (k != CD_VALUE_DATE) {
            snprintf(errstr, errstr_size, "Expected %s to be a java.util.Date, but found class %s",
                     from == TC_DATE   ? "Date"
                     : from == TC_TIME ? "Time"
                                       : "Timestamp",
                     tc_class(v));
            return -1;
        }
        *ms = cd_value_date_ms(v);
        return 0;
    }
}

static cd_value_t *tc_to_type(const tc_state_t *st, int64_t ms)
{
    switch (st->type) {
    case TC_STRING: {
        char *s = tc_format(st, ms);
        cd_value_t *v = cd_value_new_cstring(s);
        free(s);
        return v;
    }
    case TC_UNIX:
        return cd_value_new_int64(st->precision == TC_SECONDS  ? ms / 1000
                                  : st->precision == TC_MICROS ? sat_mul(ms, 1000)
                                  : st->precision == TC_NANOS  ? sat_mul(ms, 1000000)
                                                               : ms);
    case TC_DATE:
        return cd_value_new_date(floor_div(ms, TC_DAY_MS) * TC_DAY_MS);
    case TC_TIME:
        return cd_value_new_date(floor_mod(ms, TC_DAY_MS));
    default:
        return cd_value_new_date(ms);
    }
}

/* convertTimestamp(timestamp, format); @p from < 0 = infer from the value. */
static int tc_convert(const tc_state_t *st, const cd_value_t *v, int from, cd_value_t **out,
                      char *errstr, size_t errstr_size)
{
    int64_t ms;
    *out = NULL;
    if (!v)
        return 0;
    if (from < 0) {
        switch (cd_value_kind(v)) {
        case CD_VALUE_DATE:
            from = TC_TIMESTAMP;
            break;
        case CD_VALUE_INT64:
            from = TC_UNIX;
            break;
        case CD_VALUE_STRING:
            from = TC_STRING;
            break;
        default:
            snprintf(errstr, errstr_size,
                     "TimestampConverter does not support class %s objects as timestamps",
                     tc_class(v));
            return -1;
        }
    }
    if (tc_to_raw(st, (tc_type_t)from, v, &ms, errstr, errstr_size) != 0)
        return -1;
    *out = tc_to_type(st, ms);
    return 0;
}

static int tc_type_from_schema(const cd_schema_t *schema, char *errstr, size_t errstr_size)
{
    const char *name = cd_schema_name(schema);
    if (name && !strcmp(name, CD_LOGICAL_TIMESTAMP))
        return TC_TIMESTAMP;
    if (name && !strcmp(name, CD_LOGICAL_DATE))
        return TC_DATE;
    if (name && !strcmp(name, CD_LOGICAL_TIME))
        return TC_TIME;
    if (cd_schema_type(schema) == CD_TYPE_STRING)
        return TC_STRING;
    if (cd_schema_type(schema) == CD_TYPE_INT64)
        return TC_UNIX;
    if (name)
        snprintf(errstr, errstr_size,
                 "Schema Schema{%s:%s} does not correspond to a known timestamp type format", name,
                 cd_type_name(cd_schema_type(schema)));
    else
        snprintf(errstr, errstr_size,
                 "Schema Schema{%s} does not correspond to a known timestamp type format",
                 cd_type_name(cd_schema_type(schema)));
    return -1;
}

static cd_schema_t *tc_type_schema(tc_type_t type, bool optional)
{
    cd_schema_t *s;
    switch (type) {
    case TC_STRING:
        s = cd_schema_new(CD_TYPE_STRING);
        break;
    case TC_UNIX:
        s = cd_schema_new(CD_TYPE_INT64);
        break;
    case TC_DATE:
        s = cd_schema_new_date();
        break;
    case TC_TIME:
        s = cd_schema_new_time();
        break;
    default:
        s = cd_schema_new_timestamp();
        break;
    }
    cd_schema_set_optional(s, optional);
    return s;
}

/* applyValueWithSchema */
static int tc_apply_struct(const tc_state_t *st, const cd_value_t *value,
                           const cd_schema_t *updated_schema, cd_value_t **out, char *errstr,
                           size_t errstr_size)
{
    const cd_schema_t *vs;
    cd_value_t *updated;
    *out = NULL;
    if (!value)
        return 0;
    vs = cd_value_struct_schema(value);
    updated = cd_value_new_struct(updated_schema);
    for (size_t i = 0; i < cd_schema_field_count(vs); i++) {
        const cd_field_t *f = cd_schema_field_at(vs, i);
        const cd_value_t *fv = cd_smtb_struct_get(value, f, st->replace_null_with_default);
        cd_value_t *nv;
        if (!strcmp(cd_field_name(f), st->field)) {
            int from = tc_type_from_schema(cd_field_schema(f), errstr, errstr_size);
            if (from < 0 || tc_convert(st, fv, from, &nv, errstr, errstr_size) != 0)
                goto fail;
        } else {
            nv = cd_value_copy(fv);
        }
        if (cd_value_struct_put(updated, cd_field_name(f), nv, errstr, errstr_size) != 0)
            goto fail;
    }
    *out = updated;
    return 0;
fail:
    cd_value_destroy(updated);
    return -1;
}

static cd_schema_t *tc_make_schema(const tc_state_t *st, const cd_schema_t *schema, char *errstr,
                                   size_t errstr_size)
{
    cd_schema_t *out = cd_schema_new_struct();
    cd_transform_copy_schema_basics(schema, out);
    for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
        const cd_field_t *f = cd_schema_field_at(schema, i);
        cd_schema_t *fs = !strcmp(cd_field_name(f), st->field)
                              ? tc_type_schema(st->type, cd_schema_is_optional(cd_field_schema(f)))
                              : cd_schema_ref(cd_field_schema(f));
        if (cd_schema_add_field(out, cd_field_name(f), fs, errstr, errstr_size) != 0)
            goto fail;
    }
    if (cd_schema_is_optional(schema))
        cd_schema_set_optional(out, true);
    if (cd_schema_default(schema)) {
        cd_value_t *def = NULL;
        if (tc_apply_struct(st, cd_schema_default(schema), out, &def, errstr, errstr_size) != 0)
            goto fail;
        /* The default is a struct of a schema without default (avoids a reference cycle). */
        cd_schema_t *with_default = cd_schema_new_struct();
        cd_transform_copy_schema_basics(schema, with_default);
        for (size_t i = 0; i < cd_schema_field_count(out); i++) {
            const cd_field_t *f = cd_schema_field_at(out, i);
            cd_schema_add_field(with_default, cd_field_name(f), cd_schema_ref(cd_field_schema(f)),
                                errstr, errstr_size);
        }
        cd_schema_set_optional(with_default, cd_schema_is_optional(schema));
        if (cd_schema_set_default(with_default, def, errstr, errstr_size) != 0) {
            cd_schema_unref(with_default);
            goto fail;
        }
        cd_schema_unref(out);
        out = with_default;
    }
    return out;
fail:
    cd_schema_unref(out);
    return NULL;
}

static int tc_apply_with_schema(tc_state_t *st, cd_record_t *record, const cd_schema_t *schema,
                                char *errstr, size_t errstr_size)
{
    const cd_value_t *value = cd_transform_operating_value(record, st->target);
    cd_value_t *out = NULL;
    if (!st->field[0]) {
        int from = tc_type_from_schema(schema, errstr, errstr_size);
        if (from < 0 || tc_convert(st, value, from, &out, errstr, errstr_size) != 0)
            return -1;
        cd_schema_t *ns = tc_type_schema(st->type, cd_schema_is_optional(schema));
        cd_transform_set_operating(record, st->target, ns, out);
        cd_schema_unref(ns);
        return 0;
    }
    if (cd_transform_require_struct_or_null(value, TC_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    if (!st->cached_in || !cd_schema_equals(st->cached_in, schema)) {
        cd_schema_t *ns = tc_make_schema(st, schema, errstr, errstr_size);
        if (!ns)
            return -1;
        cd_schema_unref(st->cached_in);
        cd_schema_unref(st->cached_out);
        st->cached_in = cd_schema_ref(schema);
        st->cached_out = ns;
    }
    if (tc_apply_struct(st, value, st->cached_out, &out, errstr, errstr_size) != 0)
        return -1;
    cd_transform_set_operating(record, st->target, st->cached_out, out);
    return 0;
}

static int tc_apply_schemaless(tc_state_t *st, cd_record_t *record, char *errstr,
                               size_t errstr_size)
{
    const cd_value_t *raw = cd_transform_operating_value(record, st->target);
    cd_value_t *out = NULL;
    if (!raw || !st->field[0]) {
        if (tc_convert(st, raw, -1, &out, errstr, errstr_size) != 0)
            return -1;
        cd_transform_set_operating(record, st->target, NULL, out);
        return 0;
    }
    if (cd_transform_require_map(raw, TC_PURPOSE, errstr, errstr_size) != 0)
        return -1;
    if (tc_convert(st, cd_value_map_get_str(raw, st->field), -1, &out, errstr, errstr_size) != 0)
        return -1;
    cd_value_t *updated = cd_value_copy(raw);
    cd_value_map_put(updated, cd_value_new_cstring(st->field), out);
    updated =
        cd_smtb_map_hash_ordered(updated, cd_smtb_hash_map_copy_capacity(cd_value_map_size(raw)));
    cd_transform_set_operating(record, st->target, NULL, updated);
    return 0;
}

static int tc_apply(void *state, cd_record_t **record, char *errstr, size_t errstr_size)
{
    tc_state_t *st = state;
    const cd_schema_t *schema = cd_transform_operating_schema(*record, st->target);
    if (!schema)
        return tc_apply_schemaless(st, *record, errstr, errstr_size);
    return tc_apply_with_schema(st, *record, schema, errstr, errstr_size);
}

const cd_transform_plugin_t cd_transform_timestamp_converter_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.TimestampConverter$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = tc_config_keys,
    .create = tc_create_key,
    .destroy = tc_destroy,
    .apply = tc_apply,
};

const cd_transform_plugin_t cd_transform_timestamp_converter_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.TimestampConverter$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = tc_config_keys,
    .create = tc_create_value,
    .destroy = tc_destroy,
    .apply = tc_apply,
};
