/**
 * @file kinesis_kpl.c
 * @brief KPL aggregated records: de-aggregation (KCL's "aggregated only when fully
 *        valid, else pass through" rule), the effective-hash-key shard filter and an
 *        aggregate builder.
 *
 * The proto2 messages are read with a small hand-written reader: varints (at most 10
 * bytes, no overflow), length-delimited fields bounded by their parent, unknown fields
 * (any wire type, groups nested at most CD_KPL_MAX_DEPTH deep) skipped as protobuf
 * does. A field whose wire type does not match its declaration is an unknown field,
 * as in protobuf-java's generated parsers. Missing required fields (Record.partition_key_index,
 * Record.data, Tag.key) make the message invalid, like parseFrom's isInitialized check.
 * Parsing takes two passes: the first validates and counts, the second fills arrays
 * allocated to the exact size. MD5 comes from OpenSSL EVP. Hash keys are compared as
 * unsigned 128-bit numbers held in two 64-bit halves.
 */
#include "connectors/kinesis/kinesis_kpl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define CD_KPL_MAGIC_LEN 4
#define CD_KPL_DIGEST_LEN 16
#define CD_KPL_MAX_DEPTH 32

static const unsigned char cd_kpl_magic[CD_KPL_MAGIC_LEN] = {0xF3, 0x89, 0x9A, 0xC2};

/* ---- protobuf reader ---- */

typedef struct {
    const unsigned char *p;
    const unsigned char *end;
} cd_pb_t;

typedef struct {
    const unsigned char *ptr;
    size_t len;
} cd_slice_t;

/* Reads a varint; 0 on success, -1 when truncated or longer than 64 bits. */
static int pb_varint(cd_pb_t *pb, uint64_t *out)
{
    uint64_t value = 0;
    unsigned shift = 0;

    while (pb->p < pb->end) {
        unsigned char b = *pb->p++;

        if (shift == 63 && (b & 0x7E) != 0)
            return -1; /* the 10th byte may only carry bit 63 */
        value |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = value;
            return 0;
        }
        shift += 7;
        if (shift > 63)
            return -1;
    }
    return -1;
}

/* Reads a length-delimited payload into *out. */
static int pb_bytes(cd_pb_t *pb, cd_slice_t *out)
{
    uint64_t len;

    if (pb_varint(pb, &len) != 0 || len > (uint64_t)(pb->end - pb->p))
        return -1;
    out->ptr = pb->p;
    out->len = (size_t)len;
    pb->p += len;
    return 0;
}

static int pb_skip_group(cd_pb_t *pb, uint64_t field, int depth);

/* Skips the payload of a field with the given wire type. */
static int pb_skip(cd_pb_t *pb, uint64_t field, unsigned wire_type, int depth)
{
    uint64_t ignored;
    cd_slice_t slice;

    switch (wire_type) {
    case 0:
        return pb_varint(pb, &ignored);
    case 1:
        if (pb->end - pb->p < 8)
            return -1;
        pb->p += 8;
        return 0;
    case 2:
        return pb_bytes(pb, &slice);
    case 3:
        return pb_skip_group(pb, field, depth + 1);
    case 5:
        if (pb->end - pb->p < 4)
            return -1;
        pb->p += 4;
        return 0;
    default:
        return -1; /* 4 (end group) without a start, 6 and 7 are invalid */
    }
}

/* Reads a tag; field number 0 is invalid. */
static int pb_tag(cd_pb_t *pb, uint64_t *field, unsigned *wire_type)
{
    uint64_t tag;

    if (pb_varint(pb, &tag) != 0)
        return -1;
    *field = tag >> 3;
    *wire_type = (unsigned)(tag & 7);
    if (*field == 0 || *field > 0x1FFFFFFF)
        return -1;
    return 0;
}

static int pb_skip_group(cd_pb_t *pb, uint64_t field, int depth)
{
    if (depth > CD_KPL_MAX_DEPTH)
        return -1;
    while (pb->p < pb->end) {
        uint64_t f;
        unsigned wt;

        if (pb_tag(pb, &f, &wt) != 0)
            return -1;
        if (wt == 4)
            return f == field ? 0 : -1;
        if (pb_skip(pb, f, wt, depth) != 0)
            return -1;
    }
    return -1; /* unterminated group */
}

/* Validates a Tag message: key (1, string) is required. */
static int pb_check_tag(cd_slice_t msg)
{
    cd_pb_t pb = {msg.ptr, msg.ptr + msg.len};
    bool has_key = false;

    while (pb.p < pb.end) {
        uint64_t field;
        unsigned wt;
        cd_slice_t s;

        if (pb_tag(&pb, &field, &wt) != 0)
            return -1;
        if ((field == 1 || field == 2) && wt == 2) {
            if (pb_bytes(&pb, &s) != 0)
                return -1;
            if (field == 1)
                has_key = true;
        } else if (pb_skip(&pb, field, wt, 0) != 0) {
            return -1;
        }
    }
    return has_key ? 0 : -1;
}

typedef struct {
    uint64_t pk_index;
    uint64_t ehk_index;
    bool has_ehk;
    cd_slice_t data;
} cd_pb_record_t;

/* Parses a Record message; partition_key_index and data are required. */
static int pb_record(cd_slice_t msg, cd_pb_record_t *rec)
{
    cd_pb_t pb = {msg.ptr, msg.ptr + msg.len};
    bool has_pk = false;
    bool has_data = false;

    memset(rec, 0, sizeof(*rec));
    while (pb.p < pb.end) {
        uint64_t field;
        unsigned wt;
        cd_slice_t s;

        if (pb_tag(&pb, &field, &wt) != 0)
            return -1;
        if (field == 1 && wt == 0) {
            if (pb_varint(&pb, &rec->pk_index) != 0)
                return -1;
            has_pk = true;
        } else if (field == 2 && wt == 0) {
            if (pb_varint(&pb, &rec->ehk_index) != 0)
                return -1;
            rec->has_ehk = true;
        } else if (field == 3 && wt == 2) {
            if (pb_bytes(&pb, &rec->data) != 0)
                return -1;
            has_data = true;
        } else if (field == 4 && wt == 2) {
            if (pb_bytes(&pb, &s) != 0 || pb_check_tag(s) != 0)
                return -1;
        } else if (pb_skip(&pb, field, wt, 0) != 0) {
            return -1;
        }
    }
    return has_pk && has_data ? 0 : -1;
}

/*
 * Walks an AggregatedRecord. With NULL arrays it only validates the framing and counts
 * the entries; with arrays (sized by the counting pass) it also fills them.
 */
static int pb_aggregated(const unsigned char *body, size_t len, size_t *n_pk, size_t *n_ehk,
                         size_t *n_rec, cd_slice_t *pks, cd_slice_t *ehks, cd_pb_record_t *recs)
{
    cd_pb_t pb = {body, body + len};

    *n_pk = *n_ehk = *n_rec = 0;
    while (pb.p < pb.end) {
        uint64_t field;
        unsigned wt;
        cd_slice_t s;

        if (pb_tag(&pb, &field, &wt) != 0)
            return -1;
        if (wt == 2 && field >= 1 && field <= 3) {
            if (pb_bytes(&pb, &s) != 0)
                return -1;
            if (field == 1) {
                if (pks)
                    pks[*n_pk] = s;
                (*n_pk)++;
            } else if (field == 2) {
                if (ehks)
                    ehks[*n_ehk] = s;
                (*n_ehk)++;
            } else {
                if (*n_rec >= CD_KPL_MAX_USER_RECORDS)
                    return -1;
                if (recs && pb_record(s, &recs[*n_rec]) != 0)
                    return -1;
                (*n_rec)++;
            }
        } else if (pb_skip(&pb, field, wt, 0) != 0) {
            return -1;
        }
    }
    return 0;
}

/* ---- de-aggregation ---- */

static int md5(const unsigned char *data, size_t len, unsigned char out[CD_KPL_DIGEST_LEN])
{
    unsigned int out_len = 0;

    if (EVP_Digest(data, len, out, &out_len, EVP_md5(), NULL) != 1 || out_len != CD_KPL_DIGEST_LEN)
        return -1;
    return 0;
}

static char *slice_strdup(cd_slice_t s)
{
    char *out = malloc(s.len + 1);

    if (!out)
        return NULL;
    if (s.len)
        memcpy(out, s.ptr, s.len);
    out[s.len] = '\0';
    return out;
}

void cd_kpl_user_records_free(cd_kpl_user_record_t *records, size_t count)
{
    size_t i;

    if (!records)
        return;
    for (i = 0; i < count; i++) {
        free(records[i].partition_key);
        free(records[i].explicit_hash_key);
        free(records[i].data);
    }
    free(records);
}

int cd_kpl_deaggregate(const unsigned char *blob, size_t len, cd_kpl_user_record_t **out,
                       size_t *count)
{
    unsigned char digest[CD_KPL_DIGEST_LEN];
    const unsigned char *body;
    size_t body_len, n_pk, n_ehk, n_rec, i;
    cd_slice_t *pks = NULL;
    cd_slice_t *ehks = NULL;
    cd_pb_record_t *recs = NULL;
    cd_kpl_user_record_t *res = NULL;
    int rc = 0;

    *out = NULL;
    *count = 0;
    if (!blob || len <= CD_KPL_MAGIC_LEN + CD_KPL_DIGEST_LEN ||
        memcmp(blob, cd_kpl_magic, CD_KPL_MAGIC_LEN) != 0)
        return 0;
    body = blob + CD_KPL_MAGIC_LEN;
    body_len = len - CD_KPL_MAGIC_LEN - CD_KPL_DIGEST_LEN;
    if (md5(body, body_len, digest) != 0)
        return -1;
    if (memcmp(digest, body + body_len, CD_KPL_DIGEST_LEN) != 0)
        return 0;

    /* Pass 1: framing and counts. */
    if (pb_aggregated(body, body_len, &n_pk, &n_ehk, &n_rec, NULL, NULL, NULL) != 0)
        return 0;
    /* +1: never malloc(0). */
    pks = calloc(n_pk + 1, sizeof(*pks));
    ehks = calloc(n_ehk + 1, sizeof(*ehks));
    recs = calloc(n_rec + 1, sizeof(*recs));
    res = calloc(n_rec + 1, sizeof(*res));
    if (!pks || !ehks || !recs || !res) {
        rc = -1;
        goto fail;
    }
    /* Pass 2: records and tables; then every index must be in range. */
    if (pb_aggregated(body, body_len, &n_pk, &n_ehk, &n_rec, pks, ehks, recs) != 0)
        goto fail;
    for (i = 0; i < n_rec; i++) {
        if (recs[i].pk_index >= n_pk || (recs[i].has_ehk && recs[i].ehk_index >= n_ehk))
            goto fail;
    }
    for (i = 0; i < n_rec; i++) {
        cd_kpl_user_record_t *r = &res[i];

        r->partition_key = slice_strdup(pks[recs[i].pk_index]);
        if (recs[i].has_ehk)
            r->explicit_hash_key = slice_strdup(ehks[recs[i].ehk_index]);
        r->data = malloc(recs[i].data.len ? recs[i].data.len : 1);
        if (!r->partition_key || (recs[i].has_ehk && !r->explicit_hash_key) || !r->data) {
            cd_kpl_user_records_free(res, i + 1);
            res = NULL;
            rc = -1;
            goto fail;
        }
        if (recs[i].data.len)
            memcpy(r->data, recs[i].data.ptr, recs[i].data.len);
        r->data_len = recs[i].data.len;
    }
    free(pks);
    free(ehks);
    free(recs);
    *out = res;
    *count = n_rec;
    return 1;

fail:
    free(pks);
    free(ehks);
    free(recs);
    free(res); /* only reached before any field of res was filled, or already freed */
    return rc;
}

/* ---- 128-bit hash keys ---- */

typedef struct {
    uint64_t hi;
    uint64_t lo;
} cd_u128_t;

/* Parses a non-empty decimal string into 128 bits; -1 on a non-digit or overflow. */
static int u128_parse(const char *s, cd_u128_t *out)
{
    cd_u128_t v = {0, 0};

    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        uint64_t lo8, lo2, lo, hi, carry;
        unsigned digit;

        if (*s < '0' || *s > '9')
            return -1;
        digit = (unsigned)(*s - '0');
        /* v * 10 = v * 8 + v * 2, each checked for overflow of the top bits. */
        if (v.hi >> 61)
            return -1;
        lo8 = v.lo << 3;
        lo2 = v.lo << 1;
        hi = (v.hi << 3) | (v.lo >> 61);
        carry = v.hi << 1 | (v.lo >> 63);
        lo = lo8 + lo2;
        if (lo < lo8)
            carry++;
        if (hi > UINT64_MAX - carry)
            return -1;
        hi += carry;
        v.lo = lo + digit;
        if (v.lo < lo) {
            if (hi == UINT64_MAX)
                return -1;
            hi++;
        }
        v.hi = hi;
    }
    *out = v;
    return 0;
}

static int u128_cmp(cd_u128_t a, cd_u128_t b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

bool cd_kpl_in_hash_range(const cd_kpl_user_record_t *record, const char *starting_hash_key,
                          const char *ending_hash_key)
{
    cd_u128_t start, end, key;

    if (u128_parse(starting_hash_key, &start) != 0 || u128_parse(ending_hash_key, &end) != 0)
        return true;
    if (record->explicit_hash_key) {
        /* A malformed explicit hash key is bad input too: keep the record. */
        if (u128_parse(record->explicit_hash_key, &key) != 0)
            return true;
    } else {
        unsigned char digest[CD_KPL_DIGEST_LEN];
        const char *pk = record->partition_key ? record->partition_key : "";
        int i;

        if (md5((const unsigned char *)pk, strlen(pk), digest) != 0)
            return true;
        key.hi = key.lo = 0;
        for (i = 0; i < 8; i++) {
            key.hi = key.hi << 8 | digest[i];
            key.lo = key.lo << 8 | digest[8 + i];
        }
    }
    return u128_cmp(key, start) >= 0 && u128_cmp(key, end) <= 0;
}

/* ---- builder ---- */

static size_t varint_size(uint64_t v)
{
    size_t n = 1;

    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static unsigned char *put_varint(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

/* Adds a to *sum unless it overflows. */
static int add_size(size_t *sum, size_t a)
{
    if (a > SIZE_MAX - *sum)
        return -1;
    *sum += a;
    return 0;
}

/* Index of key among the first n entries of table (compared by content), or n. */
static size_t find_key(const char **table, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(table[i], key) == 0)
            return i;
    return n;
}

static size_t record_body_size(size_t pk_index, const char *ehk, size_t ehk_index, size_t data_len)
{
    size_t n = 1 + varint_size(pk_index);

    if (ehk)
        n += 1 + varint_size(ehk_index);
    return n + 1 + varint_size(data_len) + data_len;
}

unsigned char *cd_kpl_aggregate(const cd_kpl_user_record_t *records, size_t count, size_t *len)
{
    const char **pks = NULL;
    const char **ehks = NULL;
    size_t *pk_idx = NULL;
    size_t *ehk_idx = NULL;
    size_t n_pk = 0, n_ehk = 0, body = 0, i;
    unsigned char *blob = NULL;
    unsigned char *p;

    *len = 0;
    pks = calloc(count + 1, sizeof(*pks));
    ehks = calloc(count + 1, sizeof(*ehks));
    pk_idx = calloc(count + 1, sizeof(*pk_idx));
    ehk_idx = calloc(count + 1, sizeof(*ehk_idx));
    if (!pks || !ehks || !pk_idx || !ehk_idx)
        goto fail;
    /* Intern keys in order of first use (quadratic: aggregates hold few keys). */
    for (i = 0; i < count; i++) {
        const char *pk = records[i].partition_key ? records[i].partition_key : "";
        const char *ehk = records[i].explicit_hash_key;

        pk_idx[i] = find_key(pks, n_pk, pk);
        if (pk_idx[i] == n_pk) {
            pks[n_pk++] = pk;
            if (add_size(&body, 1 + varint_size(strlen(pk)) + strlen(pk)) != 0)
                goto fail;
        }
        if (ehk) {
            ehk_idx[i] = find_key(ehks, n_ehk, ehk);
            if (ehk_idx[i] == n_ehk) {
                ehks[n_ehk++] = ehk;
                if (add_size(&body, 1 + varint_size(strlen(ehk)) + strlen(ehk)) != 0)
                    goto fail;
            }
        }
    }
    for (i = 0; i < count; i++) {
        size_t rec;

        if (records[i].data_len > SIZE_MAX / 2)
            goto fail;
        rec = record_body_size(pk_idx[i], records[i].explicit_hash_key, ehk_idx[i],
                               records[i].data_len);
        if (add_size(&body, 1 + varint_size(rec)) != 0 || add_size(&body, rec) != 0)
            goto fail;
    }
    if (body > SIZE_MAX - CD_KPL_MAGIC_LEN - CD_KPL_DIGEST_LEN)
        goto fail;
    blob = malloc(CD_KPL_MAGIC_LEN + body + CD_KPL_DIGEST_LEN);
    if (!blob)
        goto fail;
    memcpy(blob, cd_kpl_magic, CD_KPL_MAGIC_LEN);
    p = blob + CD_KPL_MAGIC_LEN;
    /* Fields in number order, as protobuf serializers write them. */
    for (i = 0; i < n_pk; i++) {
        size_t l = strlen(pks[i]);
        *p++ = (1 << 3) | 2;
        p = put_varint(p, l);
        memcpy(p, pks[i], l);
        p += l;
    }
    for (i = 0; i < n_ehk; i++) {
        size_t l = strlen(ehks[i]);
        *p++ = (2 << 3) | 2;
        p = put_varint(p, l);
        memcpy(p, ehks[i], l);
        p += l;
    }
    for (i = 0; i < count; i++) {
        size_t dl = records[i].data_len;

        *p++ = (3 << 3) | 2;
        p = put_varint(p,
                       record_body_size(pk_idx[i], records[i].explicit_hash_key, ehk_idx[i], dl));
        *p++ = (1 << 3) | 0;
        p = put_varint(p, pk_idx[i]);
        if (records[i].explicit_hash_key) {
            *p++ = (2 << 3) | 0;
            p = put_varint(p, ehk_idx[i]);
        }
        *p++ = (3 << 3) | 2;
        p = put_varint(p, dl);
        if (dl)
            memcpy(p, records[i].data, dl);
        p += dl;
    }
    if (md5(blob + CD_KPL_MAGIC_LEN, body, p) != 0)
        goto fail;
    *len = CD_KPL_MAGIC_LEN + body + CD_KPL_DIGEST_LEN;
    free(pks);
    free(ehks);
    free(pk_idx);
    free(ehk_idx);
    return blob;

fail:
    free(blob);
    free(pks);
    free(ehks);
    free(pk_idx);
    free(ehk_idx);
    return NULL;
}
