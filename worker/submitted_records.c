/*
 * submitted_records.c: SubmittedRecords of the Java runtime. Source records
 * are tracked per source partition in the order they were handed to the
 * producer; only the offset of the newest record of an acknowledged prefix is
 * committable, so an offset is never committed before every earlier record of
 * its partition reached Kafka. Partitions are told apart by caller-chosen key
 * bytes (the serialized offsets key), as Java compares partition maps.
 *
 * cd_submitted_records_ack() (the worker's path) also folds the acknowledged
 * prefix of the record's partition into one pending committable offset right
 * away, so a fast task does not keep every acknowledged record until the next
 * offset commit (Java's deque does); what becomes committable is the same.
 */
#include "worker_internal.h"

#include <stdlib.h>
#include <string.h>

struct cd_submitted_record_s {
    struct cd_submitted_record_s *prev, *next;
    struct sr_partition_s *owner;
    cd_value_t *offset;
    bool acked;
};

typedef struct sr_partition_s {
    uint8_t *key;
    size_t key_len;
    cd_submitted_record_t *head, *tail;
    size_t count;
    /* the partition map, kept once (the first one submitted, as Java's HashMap keeps
     * its first key): records only hold their offsets, and a record's own copy of
     * the partition is freed at submission while still in cache */
    cd_value_t *partition;
    bool has_done; /* done_offset: newest offset of an already folded acknowledged prefix */
    cd_value_t *done_offset;
} sr_partition_t;

struct cd_submitted_records_s {
    sr_partition_t *parts;
    size_t nparts, cap;
    size_t total;
};

cd_submitted_records_t *cd_submitted_records_new(void)
{
    return calloc(1, sizeof(cd_submitted_records_t));
}

static void record_free(cd_submitted_record_t *r)
{
    cd_value_destroy(r->offset);
    free(r);
}

void cd_submitted_records_destroy(cd_submitted_records_t *sr)
{
    if (!sr)
        return;
    for (size_t i = 0; i < sr->nparts; i++) {
        cd_submitted_record_t *r = sr->parts[i].head;
        while (r) {
            cd_submitted_record_t *next = r->next;
            record_free(r);
            r = next;
        }
        free(sr->parts[i].key);
        cd_value_destroy(sr->parts[i].partition);
        cd_value_destroy(sr->parts[i].done_offset);
    }
    free(sr->parts);
    free(sr);
}

static sr_partition_t *find_partition(cd_submitted_records_t *sr, const uint8_t *key,
                                      size_t key_len, bool create)
{
    for (size_t i = 0; i < sr->nparts; i++) {
        sr_partition_t *p = &sr->parts[i];
        if (p->key_len == key_len && (key_len == 0 || memcmp(p->key, key, key_len) == 0))
            return p;
    }
    if (!create)
        return NULL;
    if (sr->nparts == sr->cap) {
        size_t ncap = sr->cap ? sr->cap * 2 : 8;
        sr_partition_t *np = realloc(sr->parts, ncap * sizeof(*np));
        if (!np)
            return NULL;
        /* records point at their partition: fix them up after the move */
        sr->parts = np;
        sr->cap = ncap;
        for (size_t i = 0; i < sr->nparts; i++)
            for (cd_submitted_record_t *r = sr->parts[i].head; r; r = r->next)
                r->owner = &sr->parts[i];
    }
    sr_partition_t *p = &sr->parts[sr->nparts];
    memset(p, 0, sizeof(*p));
    p->key = malloc(key_len ? key_len : 1);
    if (!p->key)
        return NULL;
    if (key_len)
        memcpy(p->key, key, key_len);
    p->key_len = key_len;
    sr->nparts++;
    return p;
}

cd_submitted_record_t *cd_submitted_records_submit(cd_submitted_records_t *sr, const uint8_t *key,
                                                   size_t key_len, cd_value_t *partition,
                                                   cd_value_t *offset)
{
    sr_partition_t *p = find_partition(sr, key, key_len, true);
    cd_submitted_record_t *r = p ? calloc(1, sizeof(*r)) : NULL;
    if (!r) {
        cd_value_destroy(partition);
        cd_value_destroy(offset);
        return NULL;
    }
    if (!p->partition)
        p->partition = partition;
    else
        cd_value_destroy(partition);
    r->offset = offset;
    r->owner = p;
    r->prev = p->tail;
    if (p->tail)
        p->tail->next = r;
    else
        p->head = r;
    p->tail = r;
    p->count++;
    sr->total++;
    return r;
}

void cd_submitted_record_ack(cd_submitted_record_t *rec)
{
    if (rec)
        rec->acked = true;
}

/* Unlinks the acknowledged prefix of @p p. @returns its newest record (the
 * caller frees it) or NULL when the head is not acknowledged. */
static cd_submitted_record_t *pop_acked_prefix(cd_submitted_records_t *sr, sr_partition_t *p)
{
    cd_submitted_record_t *last = NULL;
    while (p->head && p->head->acked) {
        cd_submitted_record_t *r = p->head;
        p->head = r->next;
        if (p->head)
            p->head->prev = NULL;
        else
            p->tail = NULL;
        p->count--;
        sr->total--;
        if (last)
            record_free(last);
        last = r;
    }
    return last;
}

void cd_submitted_records_ack(cd_submitted_records_t *sr, cd_submitted_record_t *rec)
{
    if (!rec)
        return;
    rec->acked = true;
    sr_partition_t *p = rec->owner;
    if (p->head != rec)
        return; /* an earlier record of the partition is still in flight */
    cd_submitted_record_t *last = pop_acked_prefix(sr, p);
    cd_value_destroy(p->done_offset);
    p->done_offset = last->offset;
    p->has_done = true;
    last->offset = NULL;
    record_free(last);
}

bool cd_submitted_records_remove(cd_submitted_records_t *sr, cd_submitted_record_t *rec)
{
    if (!rec)
        return false;
    sr_partition_t *p = rec->owner;
    if (p->tail != rec)
        return false;
    p->tail = rec->prev;
    if (p->tail)
        p->tail->next = NULL;
    else
        p->head = NULL;
    p->count--;
    sr->total--;
    record_free(rec);
    return true;
}

cd_committable_offset_t *cd_submitted_records_committable(cd_submitted_records_t *sr, size_t *n)
{
    *n = 0;
    if (sr->nparts == 0)
        return NULL;
    cd_committable_offset_t *out = calloc(sr->nparts, sizeof(*out));
    if (!out)
        return NULL;
    for (size_t i = 0; i < sr->nparts; i++) {
        sr_partition_t *p = &sr->parts[i];
        cd_submitted_record_t *last = pop_acked_prefix(sr, p);
        if (!last && !p->has_done)
            continue;
        cd_committable_offset_t *c = &out[(*n)++];
        c->key = malloc(p->key_len ? p->key_len : 1);
        if (c->key && p->key_len)
            memcpy(c->key, p->key, p->key_len);
        c->key_len = p->key_len;
        c->partition = cd_value_copy(p->partition);
        if (last) {
            c->offset = last->offset;
            last->offset = NULL;
            record_free(last);
            cd_value_destroy(p->done_offset);
        } else {
            c->offset = p->done_offset;
        }
        p->done_offset = NULL;
        p->has_done = false;
    }
    if (*n == 0) {
        free(out);
        return NULL;
    }
    return out;
}

void cd_committable_offsets_free(cd_committable_offset_t *offsets, size_t n)
{
    if (!offsets)
        return;
    for (size_t i = 0; i < n; i++) {
        free(offsets[i].key);
        cd_value_destroy(offsets[i].partition);
        cd_value_destroy(offsets[i].offset);
    }
    free(offsets);
}

size_t cd_submitted_records_pending(const cd_submitted_records_t *sr)
{
    size_t pending = 0;
    for (size_t i = 0; i < sr->nparts; i++)
        for (cd_submitted_record_t *r = sr->parts[i].head; r; r = r->next)
            if (!r->acked)
                pending++;
    return pending;
}

size_t cd_submitted_records_count(const cd_submitted_records_t *sr)
{
    return sr->total;
}
