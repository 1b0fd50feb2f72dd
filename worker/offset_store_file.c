/**
 * @file offset_store_file.c
 * @brief The standalone offsets file (Java's FileOffsetBackingStore): a
 *        java.io.ObjectOutputStream serialisation of a HashMap<byte[],byte[]>,
 *        read and written byte-compatibly so a Java standalone worker and
 *        connectd can share one file.
 *
 * The reader understands the part of the Java serialisation grammar such a file
 * uses (class descriptors, back references, byte arrays, block data, null) and
 * rejects anything else with a message naming the byte. Everything is bounded:
 * file size, entry count, array lengths and descriptor sizes. The writer emits
 * exactly what ObjectOutputStream writes for a HashMap built by put()s: the same
 * class descriptors, loadFactor 0.75, HashMap's threshold and bucket count, then
 * the entries (in connectd's insertion order; Java's own order follows identity
 * hash codes and is not reproducible). Writes go to a temporary file that is
 * fsync'd and renamed over the old one. A mutex makes the store thread-safe.
 * See docs/modules/offsets.md.
 */
#include "worker/offset_store.h"

#include <connectd/buf.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Java serialisation constants (java.io.ObjectStreamConstants)        */
/* ------------------------------------------------------------------ */

#define TC_NULL 0x70
#define TC_REFERENCE 0x71
#define TC_CLASSDESC 0x72
#define TC_OBJECT 0x73
#define TC_STRING 0x74
#define TC_ARRAY 0x75
#define TC_BLOCKDATA 0x77
#define TC_ENDBLOCKDATA 0x78
#define TC_BLOCKDATALONG 0x7A
#define BASE_HANDLE 0x7E0000u
#define SC_WRITE_METHOD 0x01
#define SC_SERIALIZABLE 0x02

#define HASHMAP_CLASS "java.util.HashMap"
#define HASHMAP_SUID 0x0507DAC1C31660D1ull
#define BYTES_CLASS "[B"
#define BYTES_SUID 0xACF317F8060854E0ull
#define MAX_FIELDS 64

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

typedef enum handle_kind_e {
    H_HASHMAP_CLASS,
    H_BYTES_CLASS,
    H_STRING,
    H_HASHMAP,
    H_ARRAY,
} handle_kind_t;

typedef struct handle_s {
    handle_kind_t kind;
    size_t off, len; /**< H_ARRAY: the bytes; H_STRING: the UTF bytes */
} handle_t;

typedef struct reader_s {
    const uint8_t *p;
    size_t len, pos;
    size_t block_left; /**< bytes left in the current block-data segment */
    handle_t *handles;
    size_t handle_count, handle_cap;
    char *errstr;
    size_t errstr_size;
} reader_t;

static int rd_error(reader_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int rd_error(reader_t *r, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(r->errstr, r->errstr_size, "%s at byte %zu", msg, r->pos);
    return -1;
}

static int rd_need(reader_t *r, size_t n)
{
    if (r->len - r->pos < n)
        return rd_error(r, "unexpected end of data (java.io.EOFException)");
    return 0;
}

static int rd_u8(reader_t *r, uint8_t *v)
{
    if (rd_need(r, 1))
        return -1;
    *v = r->p[r->pos++];
    return 0;
}

static int rd_u16(reader_t *r, uint16_t *v)
{
    if (rd_need(r, 2))
        return -1;
    *v = (uint16_t)(r->p[r->pos] << 8 | r->p[r->pos + 1]);
    r->pos += 2;
    return 0;
}

static int rd_u32(reader_t *r, uint32_t *v)
{
    if (rd_need(r, 4))
        return -1;
    const uint8_t *b = r->p + r->pos;
    *v = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    r->pos += 4;
    return 0;
}

static int rd_u64(reader_t *r, uint64_t *v)
{
    uint32_t hi, lo;
    if (rd_u32(r, &hi) || rd_u32(r, &lo))
        return -1;
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

/** A modified-UTF-8 string (u2 length + bytes). */
static int rd_utf(reader_t *r, size_t *off, size_t *len)
{
    uint16_t n;
    if (rd_u16(r, &n) || rd_need(r, n))
        return -1;
    *off = r->pos;
    *len = n;
    r->pos += n;
    return 0;
}

static bool rd_utf_is(reader_t *r, size_t off, size_t len, const char *s)
{
    return len == strlen(s) && memcmp(r->p + off, s, len) == 0;
}

static int new_handle(reader_t *r, handle_kind_t kind, size_t off, size_t len)
{
    if (r->handle_count == r->handle_cap) {
        size_t cap = r->handle_cap ? r->handle_cap * 2 : 16;
        handle_t *h = realloc(r->handles, cap * sizeof(*h));
        if (!h)
            return rd_error(r, "out of memory");
        r->handles = h;
        r->handle_cap = cap;
    }
    r->handles[r->handle_count++] = (handle_t){kind, off, len};
    return 0;
}

static int rd_reference(reader_t *r, handle_t **out)
{
    uint32_t h;
    if (rd_u32(r, &h))
        return -1;
    if (h < BASE_HANDLE || h - BASE_HANDLE >= r->handle_count)
        return rd_error(r, "invalid handle value: %08X (java.io.StreamCorruptedException)", h);
    *out = &r->handles[h - BASE_HANDLE];
    return 0;
}

typedef struct field_s {
    char type;
    bool is_load_factor, is_threshold;
} field_t;

/** Skips a class annotation: nothing but TC_ENDBLOCKDATA is expected. */
static int rd_annotation_end(reader_t *r)
{
    uint8_t tc;
    if (rd_u8(r, &tc))
        return -1;
    if (tc != TC_ENDBLOCKDATA)
        return rd_error(r, "unexpected class annotation (type code %02X)", tc);
    return 0;
}

/**
 * Reads a class descriptor (new or a reference) which must be HashMap's or byte[]'s.
 * @returns 0 with *kind set; HashMap's fields go to fields/nfields.
 */
static int rd_class_desc(reader_t *r, handle_kind_t *kind, field_t *fields, size_t *nfields)
{
    uint8_t tc;
    if (rd_u8(r, &tc))
        return -1;
    if (tc == TC_REFERENCE) {
        handle_t *h;
        if (rd_reference(r, &h))
            return -1;
        if (h->kind != H_HASHMAP_CLASS && h->kind != H_BYTES_CLASS)
            return rd_error(r, "reference is not a class descriptor");
        *kind = h->kind;
        if (*kind == H_HASHMAP_CLASS)
            return rd_error(r, "a second java.util.HashMap is not expected");
        return 0;
    }
    if (tc != TC_CLASSDESC)
        return rd_error(r, "expected a class descriptor, found type code %02X", tc);
    size_t name_off, name_len;
    uint64_t suid;
    uint8_t flags;
    if (rd_utf(r, &name_off, &name_len) || rd_u64(r, &suid))
        return -1;
    bool is_map = rd_utf_is(r, name_off, name_len, HASHMAP_CLASS);
    bool is_bytes = rd_utf_is(r, name_off, name_len, BYTES_CLASS);
    if (!is_map && !is_bytes)
        return rd_error(r, "unexpected class %.*s (expected java.util.HashMap of byte[])",
                        (int)(name_len > 100 ? 100 : name_len), (const char *)r->p + name_off);
    uint64_t want = is_map ? HASHMAP_SUID : BYTES_SUID;
    if (suid != want)
        return rd_error(r,
                        "%s; local class incompatible: stream classdesc serialVersionUID = %lld, "
                        "local class serialVersionUID = %lld",
                        is_map ? HASHMAP_CLASS : BYTES_CLASS, (long long)suid, (long long)want);
    *kind = is_map ? H_HASHMAP_CLASS : H_BYTES_CLASS;
    if (new_handle(r, *kind, 0, 0))
        return -1;
    uint16_t count;
    if (rd_u8(r, &flags) || rd_u16(r, &count))
        return -1;
    if (!(flags & SC_SERIALIZABLE))
        return rd_error(r, "class descriptor is not serializable (flags %02X)", flags);
    if (count > MAX_FIELDS || (is_bytes && count != 0))
        return rd_error(r, "unexpected field count %u", count);
    size_t n = 0;
    for (uint16_t i = 0; i < count; i++) {
        uint8_t type;
        size_t off, len;
        if (rd_u8(r, &type) || rd_utf(r, &off, &len))
            return -1;
        if (strchr("BCDFIJSZ", type) == NULL || type == 0) {
            if (type == 'L' || type == '[')
                return rd_error(r, "unexpected object field in java.util.HashMap");
            return rd_error(r, "invalid field type code %02X", type);
        }
        if (fields) {
            fields[n].type = (char)type;
            fields[n].is_load_factor = type == 'F' && rd_utf_is(r, off, len, "loadFactor");
            fields[n].is_threshold = type == 'I' && rd_utf_is(r, off, len, "threshold");
            n++;
        }
    }
    if (nfields)
        *nfields = n;
    if (rd_annotation_end(r))
        return -1;
    /* Neither class has a serializable superclass. */
    uint8_t super_tc;
    if (rd_u8(r, &super_tc))
        return -1;
    if (super_tc != TC_NULL)
        return rd_error(r, "unexpected superclass descriptor (type code %02X)", super_tc);
    if (is_map && !(flags & SC_WRITE_METHOD))
        return rd_error(r, "java.util.HashMap descriptor without writeObject data");
    return 0;
}

/** Reads n bytes of block data (HashMap's custom int fields). */
static int rd_block(reader_t *r, uint8_t *dst, size_t n)
{
    while (n > 0) {
        if (r->block_left == 0) {
            uint8_t tc;
            if (rd_u8(r, &tc))
                return -1;
            if (tc == TC_BLOCKDATA) {
                uint8_t l;
                if (rd_u8(r, &l))
                    return -1;
                r->block_left = l;
            } else if (tc == TC_BLOCKDATALONG) {
                uint32_t l;
                if (rd_u32(r, &l))
                    return -1;
                r->block_left = l;
            } else {
                return rd_error(r,
                                "expected block data, found type code %02X "
                                "(java.io.OptionalDataException)",
                                tc);
            }
            continue;
        }
        size_t take = n < r->block_left ? n : r->block_left;
        if (rd_need(r, take))
            return -1;
        memcpy(dst, r->p + r->pos, take);
        r->pos += take;
        dst += take;
        n -= take;
        r->block_left -= take;
    }
    return 0;
}

/** A key or value: null, a byte[] or a reference to an earlier byte[]. */
static int rd_bytes_object(reader_t *r, const uint8_t **data, size_t *len)
{
    if (r->block_left != 0)
        return rd_error(r, "unread block data before an object (java.io.OptionalDataException)");
    uint8_t tc;
    if (rd_u8(r, &tc))
        return -1;
    if (tc == TC_NULL) {
        *data = NULL;
        *len = 0;
        return 0;
    }
    if (tc == TC_REFERENCE) {
        handle_t *h;
        if (rd_reference(r, &h))
            return -1;
        if (h->kind != H_ARRAY)
            return rd_error(r, "entry reference is not a byte[]");
        *data = r->p + h->off;
        *len = h->len;
        return 0;
    }
    if (tc != TC_ARRAY)
        return rd_error(r, "entry is not a byte[] (type code %02X)", tc);
    handle_kind_t kind;
    if (rd_class_desc(r, &kind, NULL, NULL))
        return -1;
    if (kind != H_BYTES_CLASS)
        return rd_error(r, "entry array is not a byte[]");
    size_t handle_index = r->handle_count;
    if (new_handle(r, H_ARRAY, 0, 0))
        return -1;
    uint32_t n;
    if (rd_u32(r, &n))
        return -1;
    if (n > INT32_MAX)
        return rd_error(r, "negative array size (java.lang.NegativeArraySizeException)");
    if (rd_need(r, n))
        return -1;
    r->handles[handle_index].off = r->pos;
    r->handles[handle_index].len = n;
    *data = r->p + r->pos;
    *len = n;
    r->pos += n;
    return 0;
}

int cd_offset_file_parse(const uint8_t *data, size_t len,
                         int (*fn)(const uint8_t *key, size_t key_len, const uint8_t *value,
                                   size_t value_len, void *opaque),
                         void *opaque, char *errstr, size_t errstr_size)
{
    reader_t r = {.p = data, .len = len, .errstr = errstr, .errstr_size = errstr_size};
    int rc = -1;
    if (len > CD_OFFSET_FILE_MAX_SIZE) {
        snprintf(errstr, errstr_size, "offsets file is larger than %zu bytes",
                 CD_OFFSET_FILE_MAX_SIZE);
        return -1;
    }
    uint16_t magic, version;
    if (rd_u16(&r, &magic) || rd_u16(&r, &version))
        goto done;
    if (magic != 0xACED || version != 5) {
        r.pos = 0;
        rd_error(&r, "invalid stream header: %02X%02X%02X%02X (java.io.StreamCorruptedException)",
                 data[0], data[1], data[2], data[3]);
        goto done;
    }
    uint8_t tc;
    if (rd_u8(&r, &tc))
        goto done;
    if (tc != TC_OBJECT) {
        r.pos--;
        rd_error(&r, "Expected HashMap but found type code %02X", tc);
        goto done;
    }
    field_t fields[MAX_FIELDS];
    size_t nfields = 0;
    handle_kind_t kind;
    if (rd_class_desc(&r, &kind, fields, &nfields))
        goto done;
    if (kind != H_HASHMAP_CLASS) {
        rd_error(&r, "Expected HashMap but found class [B");
        goto done;
    }
    if (new_handle(&r, H_HASHMAP, 0, 0))
        goto done;
    /* Field values, in descriptor order. */
    for (size_t i = 0; i < nfields; i++) {
        static const struct {
            char type;
            size_t size;
        } sizes[] = {{'B', 1}, {'C', 2}, {'D', 8}, {'F', 4},
                     {'I', 4}, {'J', 8}, {'S', 2}, {'Z', 1}};
        size_t size = 0;
        for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++)
            if (sizes[k].type == fields[i].type)
                size = sizes[k].size;
        if (rd_need(&r, size))
            goto done;
        if (fields[i].is_load_factor) {
            uint32_t bits;
            rd_u32(&r, &bits);
            float lf;
            memcpy(&lf, &bits, sizeof(lf));
            if (!(lf > 0)) {
                r.pos -= 4;
                rd_error(&r, "Illegal load factor: %g (java.io.InvalidObjectException)", lf);
                goto done;
            }
        } else {
            r.pos += size;
        }
    }
    uint8_t ints[8];
    if (rd_block(&r, ints, sizeof(ints)))
        goto done;
    int32_t mappings = (int32_t)((uint32_t)ints[4] << 24 | (uint32_t)ints[5] << 16 |
                                 (uint32_t)ints[6] << 8 | ints[7]);
    if (mappings < 0) {
        rd_error(&r, "Illegal mappings count: %d (java.io.InvalidObjectException)", mappings);
        goto done;
    }
    /* Each entry takes at least two bytes (two TC_NULLs). */
    if ((size_t)mappings > CD_OFFSET_FILE_MAX_ENTRIES || (size_t)mappings > (len - r.pos) / 2) {
        rd_error(&r, "mappings count %d is larger than the file allows", mappings);
        goto done;
    }
    for (int32_t i = 0; i < mappings; i++) {
        const uint8_t *k, *v;
        size_t klen, vlen;
        if (rd_bytes_object(&r, &k, &klen) || rd_bytes_object(&r, &v, &vlen))
            goto done;
        if (!k) {
            rd_error(&r, "null offsets key");
            goto done;
        }
        if (fn && fn(k, klen, v, vlen, opaque) != 0) {
            snprintf(errstr, errstr_size, "out of memory");
            goto done;
        }
    }
    /* The end of HashMap's writeObject data; anything after the map is ignored, as Java
     * reads a single object. */
    if (r.block_left != 0) {
        rd_error(&r, "unread block data after the entries");
        goto done;
    }
    if (rd_u8(&r, &tc))
        goto done;
    if (tc != TC_ENDBLOCKDATA) {
        r.pos--;
        rd_error(&r, "expected the end of java.util.HashMap data, found type code %02X", tc);
        goto done;
    }
    rc = 0;
done:
    free(r.handles);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writer                                                              */
/* ------------------------------------------------------------------ */

static int put_u16(cd_buf_t *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return cd_buf_append(b, x, 2);
}

static int put_u32(cd_buf_t *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return cd_buf_append(b, x, 4);
}

static int put_u64(cd_buf_t *b, uint64_t v)
{
    return put_u32(b, (uint32_t)(v >> 32)) || put_u32(b, (uint32_t)v);
}

static int put_utf(cd_buf_t *b, const char *s)
{
    return put_u16(b, (uint16_t)strlen(s)) || cd_buf_append_str(b, s);
}

static int put_bytes(cd_buf_t *b, const uint8_t *data, size_t len, bool *desc_written)
{
    if (!data)
        return cd_buf_append_char(b, TC_NULL);
    if (cd_buf_append_char(b, TC_ARRAY))
        return -1;
    if (!*desc_written) {
        if (cd_buf_append_char(b, TC_CLASSDESC) || put_utf(b, BYTES_CLASS) ||
            put_u64(b, BYTES_SUID) || cd_buf_append_char(b, SC_SERIALIZABLE) || put_u16(b, 0) ||
            cd_buf_append_char(b, TC_ENDBLOCKDATA) || cd_buf_append_char(b, TC_NULL))
            return -1;
        *desc_written = true;
    } else {
        /* handles: HashMap descriptor, the HashMap, the byte[] descriptor */
        if (cd_buf_append_char(b, TC_REFERENCE) || put_u32(b, BASE_HANDLE + 2))
            return -1;
    }
    return put_u32(b, (uint32_t)len) || cd_buf_append(b, data, len);
}

int cd_offset_file_serialize(const cd_offset_store_entry_t *entries, size_t count, uint8_t **out,
                             size_t *out_len, char *errstr, size_t errstr_size)
{
    *out = NULL;
    *out_len = 0;
    if (count > CD_OFFSET_FILE_MAX_ENTRIES) {
        snprintf(errstr, errstr_size, "too many offsets entries (%zu)", count);
        return -1;
    }
    /* What HashMap reaches after count put()s into new HashMap(): table length and threshold. */
    uint32_t buckets = 16, threshold = 0;
    if (count > 0) {
        while ((double)count > buckets * 0.75)
            buckets *= 2;
        threshold = buckets / 4 * 3;
    }
    cd_buf_t b;
    cd_buf_init(&b);
    b.max_size = CD_OFFSET_FILE_MAX_SIZE;
    static const uint8_t header[] = {0xAC, 0xED, 0x00, 0x05, TC_OBJECT, TC_CLASSDESC};
    bool desc_written = false;
    int rc = cd_buf_append(&b, header, sizeof(header)) || put_utf(&b, HASHMAP_CLASS) ||
             put_u64(&b, HASHMAP_SUID) ||
             cd_buf_append_char(&b, SC_SERIALIZABLE | SC_WRITE_METHOD) || put_u16(&b, 2) ||
             cd_buf_append_char(&b, 'F') || put_utf(&b, "loadFactor") ||
             cd_buf_append_char(&b, 'I') || put_utf(&b, "threshold") ||
             cd_buf_append_char(&b, TC_ENDBLOCKDATA) || cd_buf_append_char(&b, TC_NULL) ||
             put_u32(&b, 0x3F400000u) /* 0.75f */ || put_u32(&b, threshold) ||
             cd_buf_append_char(&b, TC_BLOCKDATA) || cd_buf_append_char(&b, 8) ||
             put_u32(&b, buckets) || put_u32(&b, (uint32_t)count);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (!entries[i].key || entries[i].key_len > INT32_MAX ||
            (entries[i].value && entries[i].value_len > INT32_MAX)) {
            snprintf(errstr, errstr_size, "invalid offsets entry %zu", i);
            cd_buf_free(&b);
            return -1;
        }
        rc = put_bytes(&b, entries[i].key, entries[i].key_len, &desc_written) ||
             put_bytes(&b, entries[i].value, entries[i].value_len, &desc_written);
    }
    if (rc == 0)
        rc = cd_buf_append_char(&b, TC_ENDBLOCKDATA);
    if (rc != 0 || b.overflow) {
        snprintf(errstr, errstr_size, "offsets file would be larger than %zu bytes",
                 CD_OFFSET_FILE_MAX_SIZE);
        cd_buf_free(&b);
        return -1;
    }
    *out = cd_buf_detach(&b, out_len);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The store                                                           */
/* ------------------------------------------------------------------ */

typedef struct entry_s {
    uint8_t *key;
    size_t key_len;
    uint8_t *value; /**< NULL: a null value, kept as Java keeps it */
    size_t value_len;
} entry_t;

typedef struct file_store_s {
    cd_offset_store_t base;
    pthread_mutex_t lock;
    char *path;
    entry_t *entries;
    size_t count, capacity;
} file_store_t;

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

static ssize_t find_entry(const entry_t *entries, size_t count, const uint8_t *key, size_t len)
{
    for (size_t i = 0; i < count; i++)
        if (entries[i].key_len == len && memcmp(entries[i].key, key, len) == 0)
            return (ssize_t)i;
    return -1;
}

static int load_entry(const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len,
                      void *opaque)
{
    file_store_t *s = opaque;
    uint8_t *v = NULL;
    if (value && !(v = dup_bytes(value, value_len)))
        return -1;
    ssize_t at = find_entry(s->entries, s->count, key, key_len);
    if (at >= 0) { /* equal keys: the later one wins */
        free(s->entries[at].value);
        s->entries[at].value = v;
        s->entries[at].value_len = value_len;
        return 0;
    }
    if (s->count == s->capacity) {
        size_t cap = s->capacity ? s->capacity * 2 : 16;
        entry_t *e = realloc(s->entries, cap * sizeof(*e));
        if (!e) {
            free(v);
            return -1;
        }
        s->entries = e;
        s->capacity = cap;
    }
    uint8_t *k = dup_bytes(key, key_len);
    if (!k) {
        free(v);
        return -1;
    }
    s->entries[s->count++] = (entry_t){k, key_len, v, value_len};
    return 0;
}

static int write_file(const char *path, const uint8_t *data, size_t len, char *errstr,
                      size_t errstr_size)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 8);
    char *dir = strdup(path);
    if (!tmp || !dir) {
        free(tmp);
        free(dir);
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    snprintf(tmp, plen + 8, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        goto io_fail;
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            goto io_fail;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0) {
        close(fd);
        goto io_fail;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0)
        goto io_fail;
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(tmp);
    free(dir);
    return 0;
io_fail:
    snprintf(errstr, errstr_size, "Could not write offsets file %s: %s", path, strerror(errno));
    unlink(tmp);
    free(tmp);
    free(dir);
    return -1;
}

static int fs_get(cd_offset_store_t *store, const uint8_t *key, size_t key_len, uint8_t **value,
                  size_t *value_len, char *errstr, size_t errstr_size)
{
    file_store_t *s = (file_store_t *)store;
    *value = NULL;
    *value_len = 0;
    int rc = 0;
    pthread_mutex_lock(&s->lock);
    ssize_t at = find_entry(s->entries, s->count, key, key_len);
    if (at >= 0 && s->entries[at].value) {
        *value = dup_bytes(s->entries[at].value, s->entries[at].value_len);
        if (*value) {
            *value_len = s->entries[at].value_len;
        } else {
            snprintf(errstr, errstr_size, "out of memory");
            rc = -1;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static int fs_set(cd_offset_store_t *store, const cd_offset_store_entry_t *entries, size_t count,
                  int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    file_store_t *s = (file_store_t *)store;
    pthread_mutex_lock(&s->lock);
    /* The new map: the old entries (shared) with the changes applied (fresh buffers); it
     * replaces the old one only once the file is written. */
    size_t cap = s->count + count;
    entry_t *next = malloc((cap ? cap : 1) * sizeof(*next));
    bool *fresh_value = calloc(cap ? cap : 1, sizeof(bool));
    bool *fresh_key = calloc(cap ? cap : 1, sizeof(bool));
    size_t n = s->count;
    int rc = -1;
    uint8_t *bytes = NULL;
    size_t bytes_len = 0;
    if (!next || !fresh_value || !fresh_key) {
        snprintf(errstr, errstr_size, "out of memory");
        goto done;
    }
    if (n)
        memcpy(next, s->entries, n * sizeof(*next));
    for (size_t i = 0; i < count; i++) {
        uint8_t *v = NULL;
        if (entries[i].value && !(v = dup_bytes(entries[i].value, entries[i].value_len))) {
            snprintf(errstr, errstr_size, "out of memory");
            goto undo;
        }
        ssize_t at = find_entry(next, n, entries[i].key, entries[i].key_len);
        if (at >= 0) {
            if (fresh_value[at])
                free(next[at].value);
            next[at].value = v;
            next[at].value_len = entries[i].value_len;
            fresh_value[at] = true;
            continue;
        }
        uint8_t *k = dup_bytes(entries[i].key, entries[i].key_len);
        if (!k) {
            free(v);
            snprintf(errstr, errstr_size, "out of memory");
            goto undo;
        }
        next[n] = (entry_t){k, entries[i].key_len, v, entries[i].value_len};
        fresh_key[n] = fresh_value[n] = true;
        n++;
    }
    cd_offset_store_entry_t *view = malloc((n ? n : 1) * sizeof(*view));
    if (!view) {
        snprintf(errstr, errstr_size, "out of memory");
        goto undo;
    }
    for (size_t i = 0; i < n; i++)
        view[i] = (cd_offset_store_entry_t){next[i].key, next[i].key_len, next[i].value,
                                            next[i].value_len};
    rc = cd_offset_file_serialize(view, n, &bytes, &bytes_len, errstr, errstr_size);
    free(view);
    if (rc == 0)
        rc = write_file(s->path, bytes, bytes_len, errstr, errstr_size);
    free(bytes);
    if (rc != 0)
        goto undo;
    /* Commit: free the old values that were replaced. */
    for (size_t i = 0; i < s->count; i++)
        if (fresh_value[i])
            free(s->entries[i].value);
    free(s->entries);
    s->entries = next;
    s->count = s->capacity = n;
    if (cap > n)
        s->capacity = cap;
    next = NULL;
    goto done;
undo:
    rc = -1;
    for (size_t i = 0; i < n; i++) {
        if (fresh_value[i])
            free(next[i].value);
        if (fresh_key[i])
            free(next[i].key);
    }
done:
    free(next);
    free(fresh_value);
    free(fresh_key);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void fs_foreach(cd_offset_store_t *store,
                       void (*fn)(const uint8_t *key, size_t key_len, const uint8_t *value,
                                  size_t value_len, void *opaque),
                       void *opaque)
{
    file_store_t *s = (file_store_t *)store;
    /* A snapshot, so fn may call back into the store. */
    file_store_t snap = {0};
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->count; i++)
        if (load_entry(s->entries[i].key, s->entries[i].key_len, s->entries[i].value,
                       s->entries[i].value_len, &snap) != 0)
            break;
    pthread_mutex_unlock(&s->lock);
    for (size_t i = 0; i < snap.count; i++) {
        fn(snap.entries[i].key, snap.entries[i].key_len, snap.entries[i].value,
           snap.entries[i].value_len, opaque);
        free(snap.entries[i].key);
        free(snap.entries[i].value);
    }
    free(snap.entries);
}

static void fs_destroy(cd_offset_store_t *store)
{
    file_store_t *s = (file_store_t *)store;
    for (size_t i = 0; i < s->count; i++) {
        free(s->entries[i].key);
        free(s->entries[i].value);
    }
    free(s->entries);
    free(s->path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const cd_offset_store_ops_t file_store_ops = {
    .get = fs_get,
    .set = fs_set,
    .foreach = fs_foreach,
    .destroy = fs_destroy,
};

cd_offset_store_t *cd_file_offset_store_open(const char *path, char *errstr, size_t errstr_size)
{
    file_store_t *s = calloc(1, sizeof(*s));
    uint8_t *data = NULL;
    int fd = -1;
    if (!s || !(s->path = strdup(path))) {
        free(s);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    s->base.ops = &file_store_ops;
    pthread_mutex_init(&s->lock, NULL);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return &s->base; /* a new store */
        snprintf(errstr, errstr_size, "Could not read offsets file %s: %s", path, strerror(errno));
        goto fail;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(errstr, errstr_size, "Could not read offsets file %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > CD_OFFSET_FILE_MAX_SIZE) {
        snprintf(errstr, errstr_size,
                 "Invalid offsets file %s: not a regular file of at most %zu "
                 "bytes",
                 path, CD_OFFSET_FILE_MAX_SIZE);
        goto fail;
    }
    size_t size = (size_t)st.st_size, got = 0;
    if (size == 0) { /* Java: EOFException, nothing to load */
        close(fd);
        return &s->base;
    }
    data = malloc(size);
    if (!data) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    while (got < size) {
        ssize_t n = read(fd, data + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(errstr, errstr_size, "Could not read offsets file %s: %s", path,
                     n == 0 ? "file shrank while reading" : strerror(errno));
            goto fail;
        }
        got += (size_t)n;
    }
    close(fd);
    fd = -1;
    char why[384];
    if (cd_offset_file_parse(data, size, load_entry, s, why, sizeof(why)) != 0) {
        snprintf(errstr, errstr_size, "Invalid offsets file %s: %s", path, why);
        goto fail;
    }
    free(data);
    return &s->base;
fail:
    if (fd >= 0)
        close(fd);
    free(data);
    fs_destroy(&s->base);
    return NULL;
}
