/*
 * timestamp_router.c: org.apache.kafka.connect.transforms.TimestampRouter:
 * the topic becomes `topic.format` with ${topic} and ${timestamp} replaced,
 * the record timestamp formatted with the java.text.SimpleDateFormat pattern
 * `timestamp.format` in UTC. Like Java, the pattern is only checked when the
 * first record is formatted ("Illegal pattern character 'q'"), and a record
 * without a timestamp fails with "Timestamp missing on record: <record>".
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_c_util.h"

#include <connectd/buf.h>
#include <connectd/version.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const cd_config_key_t timestamp_router_keys[] = {
    {.name = "topic.format",
     .type = CD_CONFIG_STRING,
     .default_value = "${topic}-${timestamp}",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Format string which can contain <code>${topic}</code> and "
                      "<code>${timestamp}</code> as placeholders for the topic and timestamp, "
                      "respectively.",
     .order_in_group = -1},
    {.name = "timestamp.format",
     .type = CD_CONFIG_STRING,
     .default_value = "yyyyMMdd",
     .importance = CD_IMPORTANCE_HIGH,
     .documentation = "Format string for the timestamp that is compatible with "
                      "<code>java.text.SimpleDateFormat</code>.",
     .order_in_group = -1},
    {.name = NULL},
};

typedef struct timestamp_router_s {
    char *topic_format;
    char *timestamp_format;
} timestamp_router_t;

static void timestamp_router_destroy(void *state)
{
    timestamp_router_t *tr = state;
    if (!tr)
        return;
    free(tr->topic_format);
    free(tr->timestamp_format);
    free(tr);
}

static int timestamp_router_create(const cd_properties_t *props, void **state, char *errstr,
                                   size_t errstr_size)
{
    cd_config_def_t *def = NULL;
    cd_config_t *config = cd_smtc_parse(timestamp_router_keys, props, &def, errstr, errstr_size);
    timestamp_router_t *tr = NULL;
    if (!config)
        return -1;
    const char *tf = cd_config_get_string(config, "topic.format");
    const char *sf = cd_config_get_string(config, "timestamp.format");
    tr = calloc(1, sizeof(*tr));
    if (!tr || !(tr->topic_format = strdup(tf ? tf : "")) ||
        !(tr->timestamp_format = strdup(sf ? sf : ""))) {
        snprintf(errstr, errstr_size, "Out of memory");
        cd_smtc_parsed_free(config, def);
        timestamp_router_destroy(tr);
        return -1;
    }
    cd_smtc_parsed_free(config, def);
    *state = tr;
    return 0;
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};

static void append_num(cd_buf_t *out, int64_t v, int width)
{
    cd_buf_appendf(out, "%0*" PRId64, width, v);
}

static void append_text(cd_buf_t *out, const char *full, int count)
{
    if (count >= 4)
        cd_buf_append_str(out, full);
    else
        cd_buf_append(out, full, 3);
}

/* SimpleDateFormat(pattern) with the UTC zone, format(new Date(ms)). */
static int format_timestamp(const char *pattern, int64_t ms, cd_buf_t *out, char *errstr,
                            size_t errstr_size)
{
    int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    int millis = (int)(ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    if (!gmtime_r(&t, &tm)) {
        snprintf(errstr, errstr_size, "timestamp out of range: %" PRId64, ms);
        return -1;
    }
    int64_t year = (int64_t)tm.tm_year + 1900;
    for (size_t i = 0; pattern[i];) {
        char c = pattern[i];
        if (c == '\'') {
            if (pattern[i + 1] == '\'') {
                cd_buf_append_char(out, '\'');
                i += 2;
                continue;
            }
            size_t j = i + 1;
            while (pattern[j]) {
                if (pattern[j] == '\'') {
                    if (pattern[j + 1] == '\'') {
                        cd_buf_append_char(out, '\'');
                        j += 2;
                        continue;
                    }
                    break;
                }
                cd_buf_append_char(out, pattern[j++]);
            }
            if (!pattern[j]) {
                snprintf(errstr, errstr_size, "Unterminated quote");
                return -1;
            }
            i = j + 1;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            cd_buf_append_char(out, c);
            i++;
            continue;
        }
        int count = 0;
        while (pattern[i] == c) {
            count++;
            i++;
        }
        switch (c) {
        case 'G':
            cd_buf_append_str(out, year > 0 ? "AD" : "BC");
            break;
        case 'y':
        case 'Y':
        case 'u':
            if (c == 'u' && count < 3) {
                append_num(out, tm.tm_wday == 0 ? 7 : tm.tm_wday, count);
                break;
            }
            if (count == 2)
                append_num(out, year % 100, 2);
            else
                append_num(out, year, count);
            break;
        case 'M':
        case 'L':
            if (count >= 3)
                append_text(out, month_names[tm.tm_mon], count);
            else
                append_num(out, tm.tm_mon + 1, count);
            break;
        case 'd':
            append_num(out, tm.tm_mday, count);
            break;
        case 'D':
            append_num(out, tm.tm_yday + 1, count);
            break;
        case 'H':
            append_num(out, tm.tm_hour, count);
            break;
        case 'k':
            append_num(out, tm.tm_hour == 0 ? 24 : tm.tm_hour, count);
            break;
        case 'K':
            append_num(out, tm.tm_hour % 12, count);
            break;
        case 'h':
            append_num(out, tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12, count);
            break;
        case 'm':
            append_num(out, tm.tm_min, count);
            break;
        case 's':
            append_num(out, tm.tm_sec, count);
            break;
        case 'S':
            append_num(out, millis, count);
            break;
        case 'E':
            append_text(out, day_names[tm.tm_wday], count);
            break;
        case 'F':
            append_num(out, (tm.tm_mday - 1) / 7 + 1, count);
            break;
        case 'a':
            cd_buf_append_str(out, tm.tm_hour < 12 ? "AM" : "PM");
            break;
        case 'z':
            cd_buf_append_str(out, count >= 4 ? "Coordinated Universal Time" : "UTC");
            break;
        case 'Z':
            cd_buf_append_str(out, "+0000");
            break;
        case 'X':
            cd_buf_append_char(out, 'Z');
            break;
        case 'w':
        case 'W':
            snprintf(errstr, errstr_size, "week pattern letter '%c' is not supported", c);
            return -1;
        default:
            snprintf(errstr, errstr_size, "Illegal pattern character '%c'", c);
            return -1;
        }
    }
    return 0;
}

/* ConnectSchema.toString() */
static void append_schema(cd_buf_t *out, const cd_schema_t *schema)
{
    if (!schema) {
        cd_buf_append_str(out, "null");
        return;
    }
    if (cd_schema_name(schema))
        cd_buf_appendf(out, "Schema{%s:%s}", cd_schema_name(schema),
                       cd_type_name(cd_schema_type(schema)));
    else
        cd_buf_appendf(out, "Schema{%s}", cd_type_name(cd_schema_type(schema)));
}

/* String.valueOf(value) for the simple values. */
static void append_value(cd_buf_t *out, const cd_value_t *value)
{
    if (!value) {
        cd_buf_append_str(out, "null");
        return;
    }
    switch (cd_value_kind(value)) {
    case CD_VALUE_STRING: {
        size_t len;
        const char *s = cd_value_string(value, &len);
        cd_buf_append(out, s, len);
        break;
    }
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
        cd_buf_appendf(out, "%" PRId64, cd_value_as_int64(value));
        break;
    case CD_VALUE_BOOLEAN:
        cd_buf_append_str(out, cd_value_boolean(value) ? "true" : "false");
        break;
    default:
        cd_buf_appendf(out, "%s", cd_value_kind_java_class(cd_value_kind(value)));
        break;
    }
}

/* SourceRecord/SinkRecord.toString() */
static void append_record(cd_buf_t *out, const cd_record_t *r)
{
    int32_t partition = cd_record_partition(r);
    if (cd_record_kafka_offset(r) >= 0)
        cd_buf_appendf(out,
                       "SinkRecord{kafkaOffset=%" PRId64 ", timestampType=NoTimestampType, "
                       "originalTopic=%s, originalKafkaPartition=%" PRId32
                       ", originalKafkaOffset=%" PRId64 "} ",
                       cd_record_kafka_offset(r), cd_record_topic(r), partition,
                       cd_record_kafka_offset(r));
    else
        cd_buf_append_str(out, "SourceRecord{sourcePartition=null, sourceOffset=null} ");
    cd_buf_appendf(out, "ConnectRecord{topic='%s', kafkaPartition=", cd_record_topic(r));
    if (partition == CD_PARTITION_NONE)
        cd_buf_append_str(out, "null");
    else
        cd_buf_appendf(out, "%" PRId32, partition);
    cd_buf_append_str(out, ", key=");
    append_value(out, cd_record_key(r));
    cd_buf_append_str(out, ", keySchema=");
    append_schema(out, cd_record_key_schema(r));
    cd_buf_append_str(out, ", value=");
    append_value(out, cd_record_value(r));
    cd_buf_append_str(out, ", valueSchema=");
    append_schema(out, cd_record_value_schema(r));
    cd_buf_append_str(out, ", timestamp=null, headers=ConnectHeaders(headers=");
    const cd_headers_t *hs = cd_record_headers_const(r);
    if (hs && cd_headers_count(hs) > 0) {
        cd_buf_append_char(out, '[');
        for (size_t i = 0; i < cd_headers_count(hs); i++) {
            cd_buf_appendf(out, "%sConnectHeader(key=%s, value=", i ? ", " : "",
                           cd_headers_key_at(hs, i));
            append_value(out, cd_headers_value_at(hs, i));
            cd_buf_append_str(out, ", schema=");
            append_schema(out, cd_headers_schema_at(hs, i));
            cd_buf_append_char(out, ')');
        }
        cd_buf_append_char(out, ']');
    }
    cd_buf_append_str(out, ")}");
}

/* Replaces every literal occurrence of @p what in @p in with @p with. */
static void replace_all(cd_buf_t *out, const char *in, const char *what, const char *with)
{
    size_t wl = strlen(what);
    const char *p;
    while ((p = strstr(in, what)) != NULL) {
        cd_buf_append(out, in, (size_t)(p - in));
        cd_buf_append_str(out, with);
        in = p + wl;
    }
    cd_buf_append_str(out, in);
}

static int timestamp_router_apply(void *state, cd_record_t **record, char *errstr,
                                  size_t errstr_size)
{
    timestamp_router_t *tr = state;
    int64_t ts = cd_record_timestamp(*record);
    cd_buf_t formatted, step, topic;
    int rc = -1;
    cd_buf_init(&formatted);
    cd_buf_init(&step);
    cd_buf_init(&topic);
    if (ts == CD_TIMESTAMP_NONE) {
        cd_buf_t text;
        cd_buf_init(&text);
        append_record(&text, *record);
        snprintf(errstr, errstr_size, "Timestamp missing on record: %.*s", (int)text.len,
                 text.data ? (const char *)text.data : "");
        cd_buf_free(&text);
        goto done;
    }
    if (format_timestamp(tr->timestamp_format, ts, &formatted, errstr, errstr_size) ||
        cd_buf_append_char(&formatted, '\0'))
        goto done;
    replace_all(&step, tr->topic_format, "${topic}", cd_record_topic(*record));
    cd_buf_append_char(&step, '\0');
    replace_all(&topic, (const char *)step.data, "${timestamp}", (const char *)formatted.data);
    cd_buf_append_char(&topic, '\0');
    cd_record_set_topic(*record, (const char *)topic.data);
    rc = 0;
done:
    cd_buf_free(&formatted);
    cd_buf_free(&step);
    cd_buf_free(&topic);
    return rc;
}

const cd_transform_plugin_t cd_transform_timestamp_router_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.TimestampRouter",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = timestamp_router_keys,
    .create = timestamp_router_create,
    .destroy = timestamp_router_destroy,
    .apply = timestamp_router_apply,
};
