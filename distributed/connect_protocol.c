/**
 * @file connect_protocol.c
 * @brief Codecs for the bytes inside the "connect" group protocol, byte for
 *        byte as Kafka Connect's ConnectProtocol (v0),
 *        IncrementalCooperativeConnectProtocol (v1/v2) and ExtendedAssignment
 *        write and read them (classic big-endian Kafka types), plus the
 *        Java HashMap iteration-order helpers of java_order.h.
 *
 * Entry order on the wire follows Java: Assignment.asMap() puts the connector
 * instances first, iterating a HashSet of connector names (Java hash order),
 * then appends each task to its connector's entry in list order (new
 * connectors at the end); ExtendedAssignment.revokedAsMap() does the same
 * with the distinct revoked connectors in list order.
 */
#include "connect_protocol.h"
#include "java_order.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------ */
/* Java ordering helpers                                               */

/* Decodes one code point of UTF-8 at s; returns the bytes consumed (>= 1), U+FFFD when invalid. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int extra;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) {
        extra = 1;
        v = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        extra = 2;
        v = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        extra = 3;
        v = c & 0x07;
        min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    for (int i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return (size_t)i;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        v = 0xFFFD;
    *cp = v;
    return (size_t)extra + 1;
}

/* Appends the UTF-16 code units of cp to u (1 or 2). */
static int utf16_units(uint32_t cp, uint16_t u[2])
{
    if (cp < 0x10000) {
        u[0] = (uint16_t)cp;
        return 1;
    }
    cp -= 0x10000;
    u[0] = (uint16_t)(0xD800 + (cp >> 10));
    u[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
    return 2;
}

int32_t cd_java_string_hash(const char *s)
{
    uint32_t h = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        uint16_t u[2];
        p += utf8_next(p, &cp);
        int n = utf16_units(cp, u);
        for (int i = 0; i < n; i++)
            h = 31u * h + u[i];
    }
    return (int32_t)h;
}

int32_t cd_java_task_hash(const char *connector, int32_t task)
{
    return (int32_t)(31u * (uint32_t)cd_java_string_hash(connector) + (uint32_t)task);
}

size_t cd_java_cap_default(size_t n)
{
    size_t cap = 16;
    while (n > cap / 4 * 3)
        cap *= 2;
    return cap;
}

size_t cd_java_cap_copy(size_t n)
{
    /* new HashMap<>(Math.max((int) (n / .75f) + 1, 16)), then tableSizeFor */
    size_t want = (size_t)((float)n / .75f) + 1;
    if (want < 16)
        want = 16;
    size_t cap = 1;
    while (cap < want)
        cap *= 2;
    return cap;
}

void cd_java_hash_order(const int32_t *hashes, size_t n, size_t cap, size_t *perm)
{
    size_t k = 0;
    if (n == 0)
        return;
    size_t *bucket = malloc(n * sizeof(*bucket));
    if (!bucket)
        abort();
    for (size_t i = 0; i < n; i++) {
        uint32_t h = (uint32_t)hashes[i];
        bucket[i] = (size_t)((h ^ (h >> 16)) & (uint32_t)(cap - 1));
    }
    /* stable counting by bucket, without allocating cap entries */
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    /* insertion sort on (bucket, index): n is small (members, one assignment) */
    for (size_t i = 1; i < n; i++) {
        size_t v = perm[i];
        size_t j = i;
        while (j > 0 && bucket[perm[j - 1]] > bucket[v]) {
            perm[j] = perm[j - 1];
            j--;
        }
        perm[j] = v;
    }
    (void)k;
    free(bucket);
}

int cd_java_string_compare(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    uint16_t ua[2], ub[2];
    int na = 0, nb = 0, ia = 0, ib = 0;
    for (;;) {
        if (ia == na) {
            if (!*p)
                na = 0;
            else {
                uint32_t cp;
                p += utf8_next(p, &cp);
                na = utf16_units(cp, ua);
            }
            ia = 0;
        }
        if (ib == nb) {
            if (!*q)
                nb = 0;
            else {
                uint32_t cp;
                q += utf8_next(q, &cp);
                nb = utf16_units(cp, ub);
            }
            ib = 0;
        }
        if (na == 0 || nb == 0)
            return (na != 0) - (nb != 0);
        if (ua[ia] != ub[ib])
            return (int)ua[ia] - (int)ub[ib];
        ia++;
        ib++;
    }
}

/* ------------------------------------------------------------------ */
/* Protocol names                                                      */

const char *cd_connect_protocol_wire_name(cd_connect_protocol_t p)
{
    switch (p) {
    case CD_CONNECT_PROTOCOL_EAGER:
        return "default";
    case CD_CONNECT_PROTOCOL_COMPATIBLE:
        return "compatible";
    case CD_CONNECT_PROTOCOL_SESSIONED:
        return "sessioned";
    }
    return "default";
}

bool cd_connect_protocol_from_wire_name(const char *name, cd_connect_protocol_t *out)
{
    /* ConnectProtocolCompatibility.fromProtocol: equalsIgnoreCase on the protocol names */
    if (!name)
        return false;
    if (strcasecmp(name, "default") == 0)
        *out = CD_CONNECT_PROTOCOL_EAGER;
    else if (strcasecmp(name, "compatible") == 0)
        *out = CD_CONNECT_PROTOCOL_COMPATIBLE;
    else if (strcasecmp(name, "sessioned") == 0)
        *out = CD_CONNECT_PROTOCOL_SESSIONED;
    else
        return false;
    return true;
}

bool cd_connect_protocol_from_config(const char *value, cd_connect_protocol_t *out)
{
    if (!value)
        return false;
    if (strcasecmp(value, "eager") == 0)
        *out = CD_CONNECT_PROTOCOL_EAGER;
    else if (strcasecmp(value, "compatible") == 0)
        *out = CD_CONNECT_PROTOCOL_COMPATIBLE;
    else if (strcasecmp(value, "sessioned") == 0)
        *out = CD_CONNECT_PROTOCOL_SESSIONED;
    else
        return false;
    return true;
}

/* ------------------------------------------------------------------ */
/* Work lists                                                          */

static char *xstrdup(const char *s)
{
    char *d = strdup(s ? s : "");
    if (!d)
        abort();
    return d;
}

void cd_work_list_add(cd_work_list_t *l, const char *connector, int32_t task)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        cd_work_id_t *items = realloc(l->items, cap * sizeof(*items));
        if (!items)
            abort();
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count].connector = xstrdup(connector);
    l->items[l->count].task = task;
    l->count++;
}

bool cd_work_list_contains(const cd_work_list_t *l, const char *connector, int32_t task)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].task == task && strcmp(l->items[i].connector, connector) == 0)
            return true;
    return false;
}

void cd_work_list_remove(cd_work_list_t *l, const char *connector, int32_t task)
{
    size_t o = 0;
    for (size_t i = 0; i < l->count; i++) {
        if (l->items[i].task == task && strcmp(l->items[i].connector, connector) == 0) {
            free(l->items[i].connector);
            continue;
        }
        l->items[o++] = l->items[i];
    }
    l->count = o;
}

void cd_work_list_clear(cd_work_list_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].connector);
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

static int work_id_cmp(const void *a, const void *b)
{
    const cd_work_id_t *x = a, *y = b;
    int c = cd_java_string_compare(x->connector, y->connector);
    if (c != 0)
        return c;
    return (x->task > y->task) - (x->task < y->task);
}

void cd_work_list_sort(cd_work_list_t *l)
{
    if (l->count > 1)
        qsort(l->items, l->count, sizeof(*l->items), work_id_cmp);
}

static void work_list_copy(cd_work_list_t *dst, const cd_work_list_t *src)
{
    memset(dst, 0, sizeof(*dst));
    for (size_t i = 0; i < src->count; i++)
        cd_work_list_add(dst, src->items[i].connector, src->items[i].task);
}

void cd_assignment_clear(cd_assignment_t *a)
{
    free(a->leader);
    free(a->leader_url);
    cd_work_list_clear(&a->assigned);
    cd_work_list_clear(&a->revoked);
    memset(a, 0, sizeof(*a));
}

void cd_assignment_copy(cd_assignment_t *dst, const cd_assignment_t *src)
{
    memset(dst, 0, sizeof(*dst));
    dst->version = src->version;
    dst->error = src->error;
    dst->leader = src->leader ? xstrdup(src->leader) : NULL;
    dst->leader_url = src->leader_url ? xstrdup(src->leader_url) : NULL;
    dst->config_offset = src->config_offset;
    work_list_copy(&dst->assigned, &src->assigned);
    work_list_copy(&dst->revoked, &src->revoked);
    dst->delay_ms = src->delay_ms;
}

void cd_worker_metadata_clear(cd_worker_metadata_t *m)
{
    free(m->url);
    cd_assignment_clear(&m->allocation);
    memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */

typedef struct wbuf_s {
    uint8_t *p;
    size_t len, cap;
} wbuf_t;

static void w_bytes(wbuf_t *w, const void *data, size_t n)
{
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 64;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *p = realloc(w->p, cap);
        if (!p)
            abort();
        w->p = p;
        w->cap = cap;
    }
    if (n)
        memcpy(w->p + w->len, data, n);
    w->len += n;
}

static void w_i16(wbuf_t *w, int16_t v)
{
    uint8_t b[2] = {(uint8_t)((uint16_t)v >> 8), (uint8_t)v};
    w_bytes(w, b, 2);
}

static void w_i32(wbuf_t *w, int32_t v)
{
    uint32_t u = (uint32_t)v;
    uint8_t b[4] = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
    w_bytes(w, b, 4);
}

static void w_i64(wbuf_t *w, int64_t v)
{
    uint64_t u = (uint64_t)v;
    w_i32(w, (int32_t)(uint32_t)(u >> 32));
    w_i32(w, (int32_t)(uint32_t)u);
}

static void w_str(wbuf_t *w, const char *s)
{
    /* STRING is non-nullable: Java would throw on a null leader; write "" instead. */
    size_t n = s ? strlen(s) : 0;
    if (n > 0x7fff)
        n = 0x7fff;
    w_i16(w, (int16_t)n);
    w_bytes(w, s, n);
}

/* One CONNECTOR_ASSIGNMENT entry being built. */
typedef struct group_s {
    const char *connector;
    int32_t *tasks;
    size_t count, cap;
} group_t;

typedef struct groups_s {
    group_t *items;
    size_t count, cap;
} groups_t;

static group_t *groups_get(groups_t *g, const char *connector)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->items[i].connector, connector) == 0)
            return &g->items[i];
    if (g->count == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        group_t *items = realloc(g->items, cap * sizeof(*items));
        if (!items)
            abort();
        g->items = items;
        g->cap = cap;
    }
    group_t *e = &g->items[g->count++];
    memset(e, 0, sizeof(*e));
    e->connector = connector;
    return e;
}

static void group_add(group_t *e, int32_t task)
{
    if (e->count == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 4;
        int32_t *t = realloc(e->tasks, cap * sizeof(*t));
        if (!t)
            abort();
        e->tasks = t;
        e->cap = cap;
    }
    e->tasks[e->count++] = task;
}

static void groups_free(groups_t *g)
{
    for (size_t i = 0; i < g->count; i++)
        free(g->items[i].tasks);
    free(g->items);
}

/* Builds the per-connector map of @p l: as Assignment.asMap (hash_set_connectors = true:
 * connectors iterated from a HashSet copy of the connector list) or revokedAsMap (false:
 * distinct connectors in list order); then tasks in list order. */
static void build_groups(const cd_work_list_t *l, bool hash_set_connectors, groups_t *g)
{
    size_t nconn = 0;
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].task == -1)
            nconn++;
    if (nconn > 0) {
        /* distinct connector names in first-seen order */
        const char **names = malloc(nconn * sizeof(*names));
        int32_t *hashes = malloc(nconn * sizeof(*hashes));
        size_t *perm = malloc(nconn * sizeof(*perm));
        if (!names || !hashes || !perm)
            abort();
        size_t nd = 0;
        for (size_t i = 0; i < l->count; i++) {
            if (l->items[i].task != -1)
                continue;
            bool seen = false;
            for (size_t j = 0; j < nd && !seen; j++)
                seen = strcmp(names[j], l->items[i].connector) == 0;
            if (!seen) {
                names[nd] = l->items[i].connector;
                hashes[nd] = cd_java_string_hash(names[nd]);
                nd++;
            }
        }
        if (hash_set_connectors)
            cd_java_hash_order(hashes, nd, cd_java_cap_copy(nconn), perm);
        else
            for (size_t j = 0; j < nd; j++)
                perm[j] = j;
        for (size_t j = 0; j < nd; j++)
            group_add(groups_get(g, names[perm[j]]), -1);
        free(names);
        free(hashes);
        free(perm);
    }
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].task != -1)
            group_add(groups_get(g, l->items[i].connector), l->items[i].task);
}

static void w_groups(wbuf_t *w, const cd_work_list_t *l, bool hash_set_connectors)
{
    groups_t g = {0};
    build_groups(l, hash_set_connectors, &g);
    w_i32(w, (int32_t)g.count);
    for (size_t i = 0; i < g.count; i++) {
        w_str(w, g.items[i].connector);
        w_i32(w, (int32_t)g.items[i].count);
        for (size_t j = 0; j < g.items[i].count; j++)
            w_i32(w, g.items[i].tasks[j]);
    }
    groups_free(&g);
}

/* Writes an assignment with header @p version (0: ASSIGNMENT_V0, else ASSIGNMENT_V1). */
static void w_assignment(wbuf_t *w, const cd_assignment_t *a, int16_t version)
{
    w_i16(w, version);
    w_i16(w, a->error);
    w_str(w, a->leader);
    w_str(w, a->leader_url);
    w_i64(w, a->config_offset);
    w_groups(w, &a->assigned, true);
    if (version == 0)
        return;
    w_groups(w, &a->revoked, false);
    w_i32(w, a->delay_ms);
}

int cd_connect_metadata_serialize(cd_connect_protocol_t protocol, const char *url,
                                  int64_t config_offset, const cd_assignment_t *allocation,
                                  uint8_t **out, size_t *out_len)
{
    wbuf_t w = {0};
    w_i16(&w, (int16_t)protocol);
    w_str(&w, url);
    w_i64(&w, config_offset);
    if (protocol != CD_CONNECT_PROTOCOL_EAGER) {
        /* ExtendedAssignment.empty() (no assignment received yet) is written as null; a
         * received assignment always names its leader. */
        if (!allocation || !allocation->leader) {
            w_i32(&w, -1);
        } else {
            wbuf_t inner = {0};
            w_assignment(&inner, allocation, (int16_t)protocol);
            w_i32(&w, (int32_t)inner.len);
            w_bytes(&w, inner.p, inner.len);
            free(inner.p);
        }
    }
    *out = w.p;
    *out_len = w.len;
    return 0;
}

int cd_connect_assignment_serialize(const cd_assignment_t *a, uint8_t **out, size_t *out_len)
{
    wbuf_t w = {0};
    w_assignment(&w, a, a->version < 0 ? 0 : a->version);
    *out = w.p;
    *out_len = w.len;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reader (messages as Kafka's Schema/Type/ArrayOf SchemaException)    */

typedef struct rbuf_s {
    const uint8_t *p;
    size_t len, pos;
    char *err;
    size_t err_size;
    const char *path[4]; /* field names being read, outermost first */
    int depth;
} rbuf_t;

static size_t r_remaining(const rbuf_t *r)
{
    return r->len - r->pos;
}

static int r_fail(rbuf_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int r_fail(rbuf_t *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (r->err && r->err_size) {
        size_t o = 0;
        r->err[0] = '\0';
        for (int i = 0; i < r->depth && o < r->err_size; i++) {
            int n = snprintf(r->err + o, r->err_size - o, "Error reading field '%s': ", r->path[i]);
            if (n < 0)
                break;
            o += (size_t)n;
        }
        if (o < r->err_size)
            snprintf(r->err + o, r->err_size - o, "%s", msg);
    }
    return -1;
}

static int r_underflow(rbuf_t *r)
{
    return r_fail(r, "java.nio.BufferUnderflowException");
}

static int r_i16(rbuf_t *r, int16_t *v)
{
    if (r_remaining(r) < 2)
        return r_underflow(r);
    *v = (int16_t)(uint16_t)((r->p[r->pos] << 8) | r->p[r->pos + 1]);
    r->pos += 2;
    return 0;
}

static int r_i32(rbuf_t *r, int32_t *v)
{
    if (r_remaining(r) < 4)
        return r_underflow(r);
    const uint8_t *b = r->p + r->pos;
    *v = (int32_t)(((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) |
                   (uint32_t)b[3]);
    r->pos += 4;
    return 0;
}

static int r_i64(rbuf_t *r, int64_t *v)
{
    int32_t hi = 0, lo = 0;
    if (r_remaining(r) < 8)
        return r_underflow(r);
    r_i32(r, &hi);
    r_i32(r, &lo);
    *v = (int64_t)(((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo);
    return 0;
}

static int r_str(rbuf_t *r, char **out)
{
    int16_t n = 0;
    if (r_i16(r, &n) != 0)
        return -1;
    if (n < 0)
        return r_fail(r, "String length %d cannot be negative", n);
    if ((size_t)n > r_remaining(r))
        return r_fail(r, "Error reading string of length %d, only %zu bytes available", n,
                      r_remaining(r));
    if (memchr(r->p + r->pos, 0, (size_t)n))
        return r_fail(r, "String contains a NUL character");
    char *s = malloc((size_t)n + 1);
    if (!s)
        abort();
    memcpy(s, r->p + r->pos, (size_t)n);
    s[n] = '\0';
    r->pos += (size_t)n;
    *out = s;
    return 0;
}

static void r_push(rbuf_t *r, const char *field)
{
    if (r->depth < 4)
        r->path[r->depth] = field;
    r->depth++;
}

static void r_pop(rbuf_t *r)
{
    r->depth--;
}

/* ArrayOf(CONNECTOR_ASSIGNMENT) into @p l; nullable arrays give an empty list. */
static int r_groups(rbuf_t *r, const char *field, bool nullable, cd_work_list_t *l)
{
    int32_t n = 0;
    r_push(r, field);
    if (r_i32(r, &n) != 0)
        goto fail;
    if (n < 0 && nullable) {
        r_pop(r);
        return 0;
    }
    if (n < 0) {
        r_fail(r, "Array size %d cannot be negative", n);
        goto fail;
    }
    if ((size_t)n > r_remaining(r)) {
        r_fail(r, "Error reading array of size %d, only %zu bytes available", n, r_remaining(r));
        goto fail;
    }
    for (int32_t i = 0; i < n; i++) {
        char *connector = NULL;
        int32_t nt = 0;
        r_push(r, "connector");
        if (r_str(r, &connector) != 0)
            goto fail;
        r_pop(r);
        r_push(r, "tasks");
        if (r_i32(r, &nt) != 0) {
            free(connector);
            goto fail;
        }
        if (nt < 0) {
            free(connector);
            r_fail(r, "Array size %d cannot be negative", nt);
            goto fail;
        }
        if ((size_t)nt > r_remaining(r)) {
            free(connector);
            r_fail(r, "Error reading array of size %d, only %zu bytes available", nt,
                   r_remaining(r));
            goto fail;
        }
        for (int32_t j = 0; j < nt; j++) {
            int32_t task = 0;
            if (r_i32(r, &task) != 0) {
                free(connector);
                goto fail;
            }
            cd_work_list_add(l, connector, task);
        }
        free(connector);
        r_pop(r);
    }
    r_pop(r);
    return 0;
fail:
    return -1;
}

static int r_version(rbuf_t *r, int16_t *version)
{
    r_push(r, "version");
    if (r_i16(r, version) != 0)
        return -1;
    r_pop(r);
    if (*version < 0)
        return r_fail(r, "Unsupported subscription version: %d", *version);
    return 0;
}

/* The fields of ASSIGNMENT_V1 (tolerating missing trailing fields with defaults). */
static int r_assignment_body(rbuf_t *r, cd_assignment_t *a)
{
    static const char *required[] = {"error", "leader", "leader-url", "config-offset"};
    for (int f = 0; f < 4; f++) {
        if (r_remaining(r) == 0)
            return r_fail(r, "Missing value for field '%s' which has no default value.",
                          required[f]);
        r_push(r, required[f]);
        int rc = f == 0   ? r_i16(r, &a->error)
                 : f == 1 ? r_str(r, &a->leader)
                 : f == 2 ? r_str(r, &a->leader_url)
                          : r_i64(r, &a->config_offset);
        if (rc != 0)
            return -1;
        r_pop(r);
    }
    if (r_remaining(r) > 0 && r_groups(r, "assignment", true, &a->assigned) != 0)
        return -1;
    if (r_remaining(r) > 0 && r_groups(r, "revoked", true, &a->revoked) != 0)
        return -1;
    a->delay_ms = 0;
    if (r_remaining(r) > 0) {
        r_push(r, "delay");
        if (r_i32(r, &a->delay_ms) != 0)
            return -1;
        r_pop(r);
    }
    return 0;
}

static int parse_assignment(rbuf_t *r, cd_assignment_t *out)
{
    memset(out, 0, sizeof(*out));
    if (r_version(r, &out->version) != 0 || r_assignment_body(r, out) != 0) {
        cd_assignment_clear(out);
        return -1;
    }
    return 0;
}

int cd_connect_assignment_parse(const uint8_t *buf, size_t len, cd_assignment_t *out, char *errstr,
                                size_t errstr_size)
{
    rbuf_t r = {.p = buf, .len = buf ? len : 0, .err = errstr, .err_size = errstr_size};
    return parse_assignment(&r, out);
}

int cd_connect_metadata_parse(const uint8_t *buf, size_t len, cd_worker_metadata_t *out,
                              char *errstr, size_t errstr_size)
{
    rbuf_t r = {.p = buf, .len = buf ? len : 0, .err = errstr, .err_size = errstr_size};
    memset(out, 0, sizeof(*out));
    if (r_version(&r, &out->version) != 0)
        goto fail;
    r_push(&r, "url");
    if (r_str(&r, &out->url) != 0)
        goto fail;
    r_pop(&r);
    r_push(&r, "config-offset");
    if (r_i64(&r, &out->config_offset) != 0)
        goto fail;
    r_pop(&r);
    /* ALLOCATION_V1 tolerates a missing field (v0 metadata): allocation = null */
    if (r_remaining(&r) > 0) {
        int32_t n = 0;
        r_push(&r, "allocation");
        if (r_i32(&r, &n) != 0)
            goto fail;
        if (n >= 0) {
            if ((size_t)n > r_remaining(&r)) {
                r_fail(&r, "Error reading bytes of size %d, only %zu bytes available", n,
                       r_remaining(&r));
                goto fail;
            }
            rbuf_t inner = {
                .p = buf + r.pos, .len = (size_t)n, .err = errstr, .err_size = errstr_size};
            if (parse_assignment(&inner, &out->allocation) != 0)
                goto fail;
            out->has_allocation = true;
            r.pos += (size_t)n;
        }
        r_pop(&r);
    }
    return 0;
fail:
    cd_worker_metadata_clear(out);
    return -1;
}
