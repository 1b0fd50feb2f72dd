/* record.c: Connect records (ConnectRecord/SourceRecord/SinkRecord) and their headers. */
#include <connectd/record.h>

#include <stdlib.h>
#include <string.h>

typedef struct cd_header_s {
    char *key;
    cd_schema_t *schema;
    cd_value_t *value;
} cd_header_t;

struct cd_headers_s {
    cd_header_t *items;
    size_t len, cap;
};

struct cd_record_s {
    char *topic;
    int32_t partition;
    int64_t timestamp;
    int64_t kafka_offset;
    cd_schema_t *key_schema;
    cd_value_t *key;
    cd_schema_t *value_schema;
    cd_value_t *value;
    cd_headers_t headers;
    cd_value_t *source_partition;
    cd_value_t *source_offset;
};

static char *xstrdup(const char *s)
{
    char *copy = strdup(s ? s : "");
    if (!copy)
        abort();
    return copy;
}

cd_headers_t *cd_headers_new(void)
{
    cd_headers_t *headers = calloc(1, sizeof(*headers));
    if (!headers)
        abort();
    return headers;
}

static void headers_clear(cd_headers_t *headers)
{
    for (size_t i = 0; i < headers->len; i++) {
        free(headers->items[i].key);
        cd_schema_unref(headers->items[i].schema);
        cd_value_destroy(headers->items[i].value);
    }
    free(headers->items);
    memset(headers, 0, sizeof(*headers));
}

void cd_headers_destroy(cd_headers_t *headers)
{
    if (!headers)
        return;
    headers_clear(headers);
    free(headers);
}

static void headers_copy_into(cd_headers_t *dst, const cd_headers_t *src)
{
    for (size_t i = 0; i < src->len; i++)
        cd_headers_add(dst, src->items[i].key, src->items[i].schema,
                       cd_value_copy(src->items[i].value));
}

cd_headers_t *cd_headers_copy(const cd_headers_t *headers)
{
    cd_headers_t *copy = cd_headers_new();
    headers_copy_into(copy, headers);
    return copy;
}

void cd_headers_add(cd_headers_t *headers, const char *key, const cd_schema_t *schema,
                    cd_value_t *value)
{
    if (headers->len == headers->cap) {
        size_t cap = headers->cap ? headers->cap * 2 : 4;
        cd_header_t *items = realloc(headers->items, cap * sizeof(*items));
        if (!items)
            abort();
        headers->items = items;
        headers->cap = cap;
    }
    cd_header_t *h = &headers->items[headers->len++];
    h->key = xstrdup(key);
    h->schema = cd_schema_ref(schema);
    h->value = value;
}

size_t cd_headers_count(const cd_headers_t *headers)
{
    return headers->len;
}

const char *cd_headers_key_at(const cd_headers_t *headers, size_t i)
{
    return i < headers->len ? headers->items[i].key : NULL;
}

const cd_schema_t *cd_headers_schema_at(const cd_headers_t *headers, size_t i)
{
    return i < headers->len ? headers->items[i].schema : NULL;
}

const cd_value_t *cd_headers_value_at(const cd_headers_t *headers, size_t i)
{
    return i < headers->len ? headers->items[i].value : NULL;
}

long cd_headers_last_index(const cd_headers_t *headers, const char *key)
{
    for (size_t i = headers->len; i-- > 0;)
        if (strcmp(headers->items[i].key, key) == 0)
            return (long)i;
    return -1;
}

size_t cd_headers_remove(cd_headers_t *headers, const char *key)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < headers->len; i++) {
        cd_header_t *h = &headers->items[i];
        if (strcmp(h->key, key) == 0) {
            free(h->key);
            cd_schema_unref(h->schema);
            cd_value_destroy(h->value);
            removed++;
        } else {
            headers->items[kept++] = *h;
        }
    }
    headers->len = kept;
    return removed;
}

cd_record_t *cd_record_new(const char *topic)
{
    cd_record_t *record = calloc(1, sizeof(*record));
    if (!record)
        abort();
    record->topic = xstrdup(topic);
    record->partition = CD_PARTITION_NONE;
    record->timestamp = CD_TIMESTAMP_NONE;
    record->kafka_offset = -1;
    return record;
}

void cd_record_destroy(cd_record_t *record)
{
    if (!record)
        return;
    free(record->topic);
    cd_schema_unref(record->key_schema);
    cd_value_destroy(record->key);
    cd_schema_unref(record->value_schema);
    cd_value_destroy(record->value);
    headers_clear(&record->headers);
    cd_value_destroy(record->source_partition);
    cd_value_destroy(record->source_offset);
    free(record);
}

cd_record_t *cd_record_copy(const cd_record_t *record)
{
    cd_record_t *copy = cd_record_new(record->topic);
    copy->partition = record->partition;
    copy->timestamp = record->timestamp;
    copy->kafka_offset = record->kafka_offset;
    cd_record_set_key(copy, record->key_schema, cd_value_copy(record->key));
    cd_record_set_value(copy, record->value_schema, cd_value_copy(record->value));
    headers_copy_into(&copy->headers, &record->headers);
    cd_record_set_source_position(copy, cd_value_copy(record->source_partition),
                                  cd_value_copy(record->source_offset));
    return copy;
}

const char *cd_record_topic(const cd_record_t *record)
{
    return record->topic;
}

void cd_record_set_topic(cd_record_t *record, const char *topic)
{
    char *copy = xstrdup(topic);
    free(record->topic);
    record->topic = copy;
}

int32_t cd_record_partition(const cd_record_t *record)
{
    return record->partition;
}

void cd_record_set_partition(cd_record_t *record, int32_t partition)
{
    record->partition = partition;
}

int64_t cd_record_timestamp(const cd_record_t *record)
{
    return record->timestamp;
}

void cd_record_set_timestamp(cd_record_t *record, int64_t timestamp_ms)
{
    record->timestamp = timestamp_ms;
}

const cd_schema_t *cd_record_key_schema(const cd_record_t *record)
{
    return record->key_schema;
}

const cd_value_t *cd_record_key(const cd_record_t *record)
{
    return record->key;
}

void cd_record_set_key(cd_record_t *record, const cd_schema_t *schema, cd_value_t *value)
{
    cd_schema_t *ref = cd_schema_ref(schema);
    cd_schema_unref(record->key_schema);
    record->key_schema = ref;
    if (value != record->key)
        cd_value_destroy(record->key);
    record->key = value;
}

const cd_schema_t *cd_record_value_schema(const cd_record_t *record)
{
    return record->value_schema;
}

const cd_value_t *cd_record_value(const cd_record_t *record)
{
    return record->value;
}

void cd_record_set_value(cd_record_t *record, const cd_schema_t *schema, cd_value_t *value)
{
    cd_schema_t *ref = cd_schema_ref(schema);
    cd_schema_unref(record->value_schema);
    record->value_schema = ref;
    if (value != record->value)
        cd_value_destroy(record->value);
    record->value = value;
}

cd_headers_t *cd_record_headers(cd_record_t *record)
{
    return &record->headers;
}

const cd_headers_t *cd_record_headers_const(const cd_record_t *record)
{
    return &record->headers;
}

const cd_value_t *cd_record_source_partition(const cd_record_t *record)
{
    return record->source_partition;
}

const cd_value_t *cd_record_source_offset(const cd_record_t *record)
{
    return record->source_offset;
}

void cd_record_set_source_position(cd_record_t *record, cd_value_t *partition, cd_value_t *offset)
{
    cd_value_destroy(record->source_partition);
    cd_value_destroy(record->source_offset);
    record->source_partition = partition;
    record->source_offset = offset;
}

void cd_record_take_source_position(cd_record_t *record, cd_value_t **partition,
                                    cd_value_t **offset)
{
    *partition = record->source_partition;
    *offset = record->source_offset;
    record->source_partition = NULL;
    record->source_offset = NULL;
}

int64_t cd_record_kafka_offset(const cd_record_t *record)
{
    return record->kafka_offset;
}

void cd_record_set_kafka_offset(cd_record_t *record, int64_t offset)
{
    record->kafka_offset = offset;
}
