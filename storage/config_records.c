/**
 * @file config_records.c
 * @brief The config-topic value codec (KafkaConfigBackingStore's schemas through the
 *        worker's internal JsonConverter, schemas.enable=false): writers that produce
 *        Java's exact bytes (compact JSON, schema field order, Jackson's escaping) and the
 *        lenient readers' helpers (Long integers, Java class names for log texts,
 *        parseTaskId, java.util.Base64 decoding, HashMap iteration order).
 */
#include "config_store_internal.h"

#include "../util/java_text.h"

#include <connectd/buf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writers ---- */

static char *finish(cd_buf_t *b, int rc)
{
    if (rc != 0 || cd_buf_append_char(b, '\0') != 0) {
        cd_buf_free(b);
        return NULL;
    }
    size_t len;
    return (char *)cd_buf_detach(b, &len);
}

static int put_str(cd_buf_t *b, const char *s)
{
    return cd_json_write_string(b, s, strlen(s));
}

static char *properties_value(const cd_properties_t *props, const size_t *order)
{
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_append_str(&b, "{\"properties\":{");
    size_t n = props ? cd_properties_count(props) : 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t j = order ? order[i] : i;
        if (i > 0)
            rc |= cd_buf_append_char(&b, ',');
        rc |= put_str(&b, cd_properties_key_at(props, j));
        rc |= cd_buf_append_char(&b, ':');
        rc |= put_str(&b, cd_properties_value_at(props, j));
    }
    rc |= cd_buf_append_str(&b, "}}");
    return finish(&b, rc);
}

char *cd_config_value_connector(const cd_properties_t *props)
{
    return properties_value(props, NULL);
}

char *cd_config_value_task(const cd_properties_t *props)
{
    size_t n = props ? cd_properties_count(props) : 0;
    size_t *order = malloc((n ? n : 1) * sizeof(*order));
    if (!order)
        return NULL;
    if (n)
        cd_config_java_hashmap_copy_order(props, order);
    char *out = properties_value(props, order);
    free(order);
    return out;
}

static char *one_int_field(const char *field, int64_t v)
{
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_appendf(&b, "{\"%s\":%lld}", field, (long long)v);
    return finish(&b, rc < 0 ? -1 : 0);
}

char *cd_config_value_commit(int tasks)
{
    return one_int_field("tasks", tasks);
}

char *cd_config_value_task_count(int task_count)
{
    return one_int_field("task-count", task_count);
}

char *cd_config_value_target_state(cd_target_state_t state)
{
    /* serializeTargetState: older workers don't know STOPPED, so "state" says PAUSED. */
    const char *v1 = cd_target_state_name(state == CD_TARGET_STOPPED ? CD_TARGET_PAUSED : state);
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_appendf(&b, "{\"state\":\"%s\",\"state.v2\":\"%s\"}", v1,
                            cd_target_state_name(state));
    return finish(&b, rc < 0 ? -1 : 0);
}

char *cd_config_value_restart(bool include_tasks, bool only_failed)
{
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_appendf(&b, "{\"include-tasks\":%s,\"only-failed\":%s}",
                            include_tasks ? "true" : "false", only_failed ? "true" : "false");
    return finish(&b, rc < 0 ? -1 : 0);
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *cd_config_value_session_key(const cd_session_key_t *key)
{
    if (!key || !key->algorithm || (key->key_len && !key->key) || key->key_len > ((size_t)1 << 28))
        return NULL;
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_append_str(&b, "{\"key\":\"");
    const uint8_t *p = key->key;
    size_t n = key->key_len;
    for (size_t i = 0; rc == 0 && i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=',
                     i + 2 < n ? B64[v & 63] : '='};
        rc |= cd_buf_append(&b, q, 4);
    }
    rc |= cd_buf_append_str(&b, "\",\"algorithm\":");
    rc |= put_str(&b, key->algorithm);
    rc |= cd_buf_appendf(&b, ",\"creation-timestamp\":%lld}", (long long)key->creation_time_ms) < 0;
    return finish(&b, rc);
}

char *cd_config_value_logger_level(const char *level)
{
    if (!level)
        return NULL;
    cd_buf_t b;
    cd_buf_init(&b);
    int rc = cd_buf_append_str(&b, "{\"level\":");
    rc |= put_str(&b, level);
    rc |= cd_buf_append_char(&b, '}');
    return finish(&b, rc);
}

/* ---- reader helpers ---- */

const char *cd_config_class_name(const cd_json_node_t *node)
{
    if (!node)
        return "null";
    switch (node->type) {
    case CD_JSON_BOOLEAN:
        return "java.lang.Boolean";
    case CD_JSON_INT:
    case CD_JSON_LONG:
    case CD_JSON_BIG_INTEGER:
        return "java.lang.Long";
    case CD_JSON_DECIMAL:
        return "java.lang.Double";
    case CD_JSON_STRING:
        return "java.lang.String";
    case CD_JSON_ARRAY:
        return "java.util.ArrayList";
    case CD_JSON_OBJECT:
        return "java.util.HashMap";
    default:
        return "null";
    }
}

bool cd_config_long_value(const cd_json_node_t *node, int64_t *out)
{
    if (!node)
        return false;
    if (node->type == CD_JSON_INT || node->type == CD_JSON_LONG) {
        *out = node->integer;
        return true;
    }
    if (node->type == CD_JSON_BIG_INTEGER && node->text) {
        /* BigInteger.longValue(): the low 64 bits of the two's complement. */
        const char *p = node->text;
        bool neg = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        uint64_t v = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            v = v * 10 + (uint64_t)(*p - '0');
        if (neg)
            v = ~v + 1;
        *out = (int64_t)v;
        return true;
    }
    return false;
}

bool cd_config_int_value(const cd_json_node_t *node, int32_t *out)
{
    int64_t v;
    if (!cd_config_long_value(node, &v))
        return false;
    *out = (int32_t)(uint32_t)(uint64_t)v;
    return true;
}

static int append_scalar_text(cd_buf_t *b, const cd_json_node_t *v)
{
    switch (v->type) {
    case CD_JSON_BOOLEAN:
        return cd_buf_append_str(b, v->boolean ? "true" : "false");
    case CD_JSON_INT:
    case CD_JSON_LONG:
    case CD_JSON_BIG_INTEGER: {
        int64_t l = 0;
        cd_config_long_value(v, &l);
        return cd_buf_appendf(b, "%lld", (long long)l) < 0 ? -1 : 0;
    }
    case CD_JSON_DECIMAL:
        return cd_buf_append_str(b, v->text ? v->text : "0");
    default:
        return -1;
    }
}

cd_properties_t *cd_config_properties_from_json(const cd_json_node_t *map, char *errstr,
                                                size_t errstr_size)
{
    cd_properties_t *props = cd_properties_new();
    cd_buf_t tmp;
    cd_buf_init(&tmp);
    if (!props)
        goto oom;
    for (size_t i = 0; i < map->count; i++) {
        const cd_json_member_t *m = &map->members[i];
        const cd_json_node_t *v = m->value;
        if (strlen(m->key) != m->key_len) {
            snprintf(errstr, errstr_size, "property name contains a NUL character");
            goto fail;
        }
        if (!v || v->type == CD_JSON_NULL)
            continue; /* a null value cannot be held; Java keeps the key with null */
        const char *text;
        if (v->type == CD_JSON_STRING) {
            if (strlen(v->text) != v->text_len) {
                snprintf(errstr, errstr_size, "value of property '%s' contains a NUL character",
                         m->key);
                goto fail;
            }
            text = v->text;
        } else if (v->type == CD_JSON_ARRAY || v->type == CD_JSON_OBJECT) {
            snprintf(errstr, errstr_size, "value of property '%s' should be a String but is %s",
                     m->key, cd_config_class_name(v));
            goto fail;
        } else {
            cd_buf_reset(&tmp);
            if (append_scalar_text(&tmp, v) != 0 || cd_buf_append_char(&tmp, '\0') != 0)
                goto oom;
            text = (const char *)tmp.data;
        }
        if (cd_properties_set(props, m->key, text) != 0) {
            snprintf(errstr, errstr_size, "property '%s' exceeds the bounds of a config map",
                     m->key);
            goto fail;
        }
    }
    cd_buf_free(&tmp);
    return props;
oom:
    snprintf(errstr, errstr_size, "out of memory");
fail:
    cd_buf_free(&tmp);
    cd_properties_destroy(props);
    return NULL;
}

static int b64_index(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int cd_config_base64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len)
{
    /* java.util.Base64.Decoder (basic): '=' ends the data and must complete the quad
     * ("==" after 2 chars, "=" after 3); no padding is fine; a lone last char is not. */
    uint8_t *buf = malloc(len / 4 * 3 + 3);
    if (!buf)
        return -1;
    size_t o = 0, i = 0;
    uint32_t acc = 0;
    int bits = 0, chars = 0;
    for (; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '=')
            break;
        int v = b64_index(c);
        if (v < 0)
            goto fail;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        chars++;
        if (bits >= 8) {
            bits -= 8;
            buf[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    int rem = chars % 4;
    if (rem == 1)
        goto fail;
    if (i < len) { /* padding */
        size_t pads = len - i;
        if (rem == 0 || (rem == 2 && (pads != 2 || text[i + 1] != '=')) || (rem == 3 && pads != 1))
            goto fail;
    }
    *out = buf;
    *out_len = o;
    return 0;
fail:
    free(buf);
    return -1;
}

char *cd_config_parse_task_key(const char *key, int32_t *task)
{
    /* String.split("-") drops trailing empty strings; then parts[last] is the task
     * number and parts[1..last-1] joined by '-' the connector name. */
    size_t len = strlen(key);
    while (len > 0 && key[len - 1] == '-')
        len--;
    const char *first = memchr(key, '-', len);
    if (!first)
        return NULL;
    const char *last = first;
    for (const char *p = first; p < key + len; p++)
        if (*p == '-')
            last = p;
    if (last == first)
        return NULL; /* fewer than 3 parts */
    size_t num_len = (size_t)(key + len - (last + 1));
    char num[16];
    if (num_len == 0 || num_len >= sizeof(num))
        return NULL;
    memcpy(num, last + 1, num_len);
    num[num_len] = '\0';
    if (!cd_java_parse_int(num, task))
        return NULL;
    size_t name_len = (size_t)(last - first - 1);
    char *name = malloc(name_len + 1);
    if (!name)
        return NULL;
    memcpy(name, first + 1, name_len);
    name[name_len] = '\0';
    return name;
}

/* String.hashCode over the UTF-16 code units of UTF-8 text. */
static uint32_t java_string_hash(const char *s)
{
    const uint8_t *p = (const uint8_t *)s;
    size_t avail = strlen(s);
    uint32_t h = 0;
    while (avail > 0) {
        size_t n = cd_utf8_sequence_length(p, avail);
        uint32_t cp;
        if (n == 0) {
            cp = 0xFFFD;
            n = 1;
        } else if (n == 1) {
            cp = p[0];
        } else if (n == 2) {
            cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
        } else if (n == 3) {
            cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        } else {
            cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
                 (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
        p += n;
        avail -= n;
    }
    return h;
}

typedef struct slot_s {
    uint32_t bucket;
    size_t index;
} slot_t;

static int compare_slots(const void *a, const void *b)
{
    const slot_t *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

void cd_config_java_hashmap_copy_order(const cd_properties_t *props, size_t *order)
{
    size_t n = cd_properties_count(props);
    /* HashMap.putMapEntries (JDK 17): threshold = tableSizeFor((int)(s / 0.75f + 1.0f)),
     * which becomes the capacity of the first table; no resize happens while copying. */
    float ft = (float)n / 0.75f + 1.0f;
    uint64_t t = ft < (float)(1 << 30) ? (uint64_t)ft : (uint64_t)1 << 30;
    uint64_t cap = 1;
    while (cap < t)
        cap <<= 1;
    slot_t *slots = malloc((n ? n : 1) * sizeof(*slots));
    if (!slots) {
        for (size_t i = 0; i < n; i++)
            order[i] = i;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t h = java_string_hash(cd_properties_key_at(props, i));
        h ^= h >> 16;
        slots[i].bucket = (uint32_t)(h & (cap - 1));
        slots[i].index = i;
    }
    qsort(slots, n, sizeof(*slots), compare_slots);
    for (size_t i = 0; i < n; i++)
        order[i] = slots[i].index;
    free(slots);
}
