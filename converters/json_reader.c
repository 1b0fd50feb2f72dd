/*
 * json_reader.c: bytes -> Connect data for the JsonConverter.
 *
 * Part 1 is a JSON tree parser that accepts what Jackson's
 * ObjectMapper.readTree() accepts with JsonConverter's settings
 * (ALLOW_LEADING_ZEROS_FOR_NUMBERS, USE_BIG_DECIMAL_FOR_FLOATS), and builds
 * the node types Jackson would build (IntNode, LongNode, BigIntegerNode,
 * DecimalNode, ...). jansson cannot be used for this: it rejects leading
 * zeros and integers beyond int64, and drops the text of floating-point
 * numbers that Decimal values need digit for digit.
 *
 * Part 2 is JsonConverter.asConnectSchema() and convertToConnect() over
 * that tree.
 */
#include "converters/json_converter.h"
#include "util/java_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Size of one arena chunk; larger allocations get a chunk of their own. */
#define ARENA_CHUNK_SIZE ((size_t)64 * 1024)
/** The first chunk: for a small input, a small one (not a 64 KiB malloc per record). */
#define ARENA_FIRST_CHUNK_MIN ((size_t)2 * 1024)
/** Scratch stacks up to this size are kept for the next parse of a reused document. */
#define SCRATCH_KEEP_BYTES ((size_t)16 * 1024)
/** Objects with up to this many members are indexed without a heap allocation. */
#define SMALL_OBJECT_MEMBERS 32

typedef struct arena_chunk_s {
    struct arena_chunk_s *next;
    size_t used;
    size_t size;
    max_align_t data[];
} arena_chunk_t;

struct cd_json_doc_s {
    arena_chunk_t *chunks;
    cd_json_node_t **node_stack; /* children of the containers being parsed */
    size_t node_top, node_cap;
    cd_json_member_t *member_stack;
    size_t member_top, member_cap;
    char *text; /* scratch for decoding strings */
    size_t text_cap;
    const uint8_t *in; /* the input */
    size_t len;
    size_t pos;
    int depth;
    const char *lazy_member; /* a root object's member only validated (see cd_json_node_s.lazy) */
    size_t lazy_member_len;
    bool discard;           /* validating a lazy member's value: no tree is built */
    cd_json_node_t scratch; /* what new_node() hands out while discarding */
    char *last_lazy;        /* the text of the last lazy value checked (kept across parses) */
    size_t last_lazy_len, last_lazy_cap;
    char *errstr;
    size_t errstr_size;
};

static void *arena_alloc(cd_json_doc_t *doc, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0)
        size = align;
    arena_chunk_t *chunk = doc->chunks;
    if (!chunk || chunk->size - chunk->used < size) {
        size_t chunk_size = ARENA_CHUNK_SIZE;
        if (!chunk && doc->len < ARENA_CHUNK_SIZE / 16) /* nodes take ~16x the input */
            chunk_size =
                doc->len * 16 > ARENA_FIRST_CHUNK_MIN ? doc->len * 16 : ARENA_FIRST_CHUNK_MIN;
        if (size > chunk_size)
            chunk_size = size;
        chunk = malloc(sizeof(*chunk) + chunk_size);
        if (!chunk)
            return NULL;
        chunk->used = 0;
        chunk->size = chunk_size;
        chunk->next = doc->chunks;
        doc->chunks = chunk;
    }
    void *p = (char *)chunk->data + chunk->used;
    chunk->used += size;
    return p;
}

static int parse_error(cd_json_doc_t *doc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int parse_error(cd_json_doc_t *doc, const char *fmt, ...)
{
    char detail[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    snprintf(doc->errstr, doc->errstr_size, "%s (at byte %zu)", detail, doc->pos);
    return -1;
}

static int push_node(cd_json_doc_t *doc, cd_json_node_t *node)
{
    if (doc->node_top == doc->node_cap) {
        size_t cap = doc->node_cap ? doc->node_cap * 2 : 64;
        cd_json_node_t **stack = realloc(doc->node_stack, cap * sizeof(*stack));
        if (!stack)
            return parse_error(doc, "out of memory");
        doc->node_stack = stack;
        doc->node_cap = cap;
    }
    doc->node_stack[doc->node_top++] = node;
    return 0;
}

static int push_member(cd_json_doc_t *doc, const char *key, size_t key_len, cd_json_node_t *value)
{
    if (doc->member_top == doc->member_cap) {
        size_t cap = doc->member_cap ? doc->member_cap * 2 : 64;
        cd_json_member_t *stack = realloc(doc->member_stack, cap * sizeof(*stack));
        if (!stack)
            return parse_error(doc, "out of memory");
        doc->member_stack = stack;
        doc->member_cap = cap;
    }
    cd_json_member_t *m = &doc->member_stack[doc->member_top++];
    m->key = key;
    m->key_len = key_len;
    m->value = value;
    return 0;
}

static int text_reserve(cd_json_doc_t *doc, size_t need)
{
    if (need <= doc->text_cap)
        return 0;
    size_t cap = doc->text_cap ? doc->text_cap : 256;
    while (cap < need)
        cap *= 2;
    char *text = realloc(doc->text, cap);
    if (!text)
        return parse_error(doc, "out of memory");
    doc->text = text;
    doc->text_cap = cap;
    return 0;
}

static void skip_whitespace(cd_json_doc_t *doc)
{
    while (doc->pos < doc->len) {
        uint8_t c = doc->in[doc->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        doc->pos++;
    }
}

static bool is_identifier_part(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static cd_json_node_t *new_node(cd_json_doc_t *doc, cd_json_node_type_t type, size_t start)
{
    if (doc->discard) {
        /* Only checked, never read: no need to clear it. */
        doc->scratch.type = type;
        doc->scratch.src_start = start;
        return &doc->scratch;
    }
    cd_json_node_t *node = arena_alloc(doc, sizeof(*node));
    if (!node) {
        parse_error(doc, "out of memory");
        return NULL;
    }
    memset(node, 0, sizeof(*node));
    node->type = type;
    node->src_start = start;
    return node;
}

static int read_hex4(cd_json_doc_t *doc, uint32_t *unit)
{
    if (doc->len - doc->pos < 4)
        return parse_error(doc, "unexpected end of input in a \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = cd_hex_digit_value(doc->in[doc->pos + (size_t)i]);
        if (h < 0)
            return parse_error(doc, "expected a hex digit in a \\u escape");
        v = v << 4 | (uint32_t)h;
    }
    doc->pos += 4;
    *unit = v;
    return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/** @returns true for a byte that stands for itself in a string literal (printable ASCII). */
static bool is_plain_string_byte(uint8_t c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

/** Parses a string literal (at its opening quote) into arena memory. */
static int parse_string(cd_json_doc_t *doc, const char **out, size_t *out_len)
{
    size_t n = 0;
    doc->pos++; /* opening quote */
    size_t plain_end = doc->pos;
    /* Eight bytes at a time while none is a quote, backslash, control or non-ASCII byte. */
    while (doc->len - plain_end >= 8) {
        uint64_t word, ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
        memcpy(&word, doc->in + plain_end, 8);
        uint64_t quote = word ^ (ones * '"'), backslash = word ^ (ones * '\\');
        uint64_t special = (word | ((word - ones * 0x20) & ~word) | ((quote - ones) & ~quote) |
                            ((backslash - ones) & ~backslash)) &
                           highs;
        if (special) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
            /* The lowest flagged byte is exact (a borrow only disturbs the bytes above it). */
            plain_end += (size_t)__builtin_ctzll(special) / 8;
#endif
            break;
        }
        plain_end += 8;
    }
    while (plain_end < doc->len && is_plain_string_byte(doc->in[plain_end]))
        plain_end++;
    n = plain_end - doc->pos;
    if (plain_end < doc->len && doc->in[plain_end] == '"') {
        /* Nothing to decode: copied straight from the input. */
        if (doc->discard) {
            doc->pos = plain_end + 1;
            *out = "";
            *out_len = 0;
            return 0;
        }
        char *copy = arena_alloc(doc, n + 1);
        if (!copy)
            return parse_error(doc, "out of memory");
        memcpy(copy, doc->in + doc->pos, n);
        copy[n] = '\0';
        doc->pos = plain_end + 1;
        *out = copy;
        *out_len = n;
        return 0;
    }
    if (text_reserve(doc, n + 8) != 0)
        return -1;
    memcpy(doc->text, doc->in + doc->pos, n);
    doc->pos = plain_end;
    for (;;) {
        if (doc->pos >= doc->len)
            return parse_error(doc, "unexpected end of input in a string");
        if (text_reserve(doc, n + 8) != 0)
            return -1;
        uint8_t c = doc->in[doc->pos];
        if (c == '"') {
            doc->pos++;
            break;
        }
        if (c < 0x20)
            return parse_error(doc, "illegal unquoted control character (code %u) in a string",
                               (unsigned)c);
        if (c == '\\') {
            doc->pos++;
            if (doc->pos >= doc->len)
                return parse_error(doc, "unexpected end of input in an escape");
            uint8_t e = doc->in[doc->pos++];
            char simple = 0;
            switch (e) {
            case '"':
                simple = '"';
                break;
            case '\\':
                simple = '\\';
                break;
            case '/':
                simple = '/';
                break;
            case 'b':
                simple = '\b';
                break;
            case 'f':
                simple = '\f';
                break;
            case 'n':
                simple = '\n';
                break;
            case 'r':
                simple = '\r';
                break;
            case 't':
                simple = '\t';
                break;
            case 'u': {
                uint32_t unit, low;
                if (read_hex4(doc, &unit) != 0)
                    return -1;
                if (unit >= 0xDC00 && unit <= 0xDFFF)
                    return parse_error(doc,
                                       "unpaired low surrogate \\u%04X in a string "
                                       "(not representable as UTF-8)",
                                       unit);
                if (unit >= 0xD800 && unit <= 0xDBFF) {
                    if (doc->len - doc->pos < 2 || doc->in[doc->pos] != '\\' ||
                        doc->in[doc->pos + 1] != 'u')
                        return parse_error(doc,
                                           "unpaired high surrogate \\u%04X in a string "
                                           "(not representable as UTF-8)",
                                           unit);
                    doc->pos += 2;
                    if (read_hex4(doc, &low) != 0)
                        return -1;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return parse_error(doc,
                                           "unpaired high surrogate \\u%04X in a string "
                                           "(not representable as UTF-8)",
                                           unit);
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                }
                n += utf8_encode(unit, doc->text + n);
                continue;
            }
            default:
                return parse_error(doc, "unrecognized character escape '\\%c'",
                                   e >= 0x20 && e < 0x7F ? (char)e : '?');
            }
            doc->text[n++] = simple;
            continue;
        }
        size_t seq = cd_utf8_sequence_length(doc->in + doc->pos, doc->len - doc->pos);
        if (seq == 0)
            return parse_error(doc, "invalid UTF-8 byte 0x%02X in a string", (unsigned)c);
        memcpy(doc->text + n, doc->in + doc->pos, seq);
        n += seq;
        doc->pos += seq;
    }
    if (doc->discard) {
        *out = "";
        *out_len = 0;
        return 0;
    }
    char *copy = arena_alloc(doc, n + 1);
    if (!copy)
        return parse_error(doc, "out of memory");
    memcpy(copy, doc->text, n);
    copy[n] = '\0';
    *out = copy;
    *out_len = n;
    return 0;
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/** @returns true if the integer text (optional '-', digits) fits int64; sets *value. */
static bool integer_fits_int64(const char *text, int64_t *value)
{
    bool negative = *text == '-';
    const char *p = text + (negative ? 1 : 0);
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    for (; *p; p++) {
        uint64_t d = (uint64_t)(*p - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *value = negative ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static int parse_number(cd_json_doc_t *doc, cd_json_node_t **out)
{
    size_t start = doc->pos;
    size_t int_len = 0, frac_len = 0, exp_len = 0;
    bool has_frac = false, has_exp = false;
    if (doc->pos < doc->len && doc->in[doc->pos] == '-')
        doc->pos++;
    while (doc->pos < doc->len && is_digit(doc->in[doc->pos])) {
        doc->pos++;
        int_len++;
    }
    if (int_len == 0)
        return parse_error(doc, "invalid number: expected a digit");
    if (doc->pos < doc->len && doc->in[doc->pos] == '.') {
        has_frac = true;
        doc->pos++;
        while (doc->pos < doc->len && is_digit(doc->in[doc->pos])) {
            doc->pos++;
            frac_len++;
        }
        if (frac_len == 0)
            return parse_error(doc, "invalid number: decimal point not followed by a digit");
    }
    size_t exp_start = 0;
    if (doc->pos < doc->len && (doc->in[doc->pos] == 'e' || doc->in[doc->pos] == 'E')) {
        has_exp = true;
        doc->pos++;
        if (doc->pos < doc->len && (doc->in[doc->pos] == '+' || doc->in[doc->pos] == '-'))
            doc->pos++;
        exp_start = doc->pos;
        while (doc->pos < doc->len && is_digit(doc->in[doc->pos])) {
            doc->pos++;
            exp_len++;
        }
        if (exp_len == 0)
            return parse_error(doc, "invalid number: exponent indicator not followed by a digit");
    }
    if (int_len + frac_len + exp_len > CD_JSON_MAX_NUMBER_LENGTH)
        return parse_error(doc, "number value length (%zu) exceeds the maximum allowed (%d)",
                           int_len + frac_len + exp_len, CD_JSON_MAX_NUMBER_LENGTH);
    if (has_exp) {
        /* BigDecimal needs the scale (fraction digits - exponent) to fit an int. */
        bool exp_negative = doc->in[exp_start - 1] == '-';
        int64_t exponent = 0;
        for (size_t i = exp_start; i < doc->pos; i++) {
            exponent = exponent * 10 + (doc->in[i] - '0');
            if (exponent > (int64_t)INT32_MAX * 4)
                return parse_error(doc, "number exponent out of range");
        }
        int64_t scale = (int64_t)frac_len + (exp_negative ? exponent : -exponent);
        if (scale > INT32_MAX || scale < INT32_MIN)
            return parse_error(doc, "number scale out of range");
    }
    size_t text_len = doc->pos - start;
    if (doc->discard) {
        *out = new_node(doc, CD_JSON_DECIMAL, start);
        return 0;
    }
    char *text = arena_alloc(doc, text_len + 1);
    if (!text)
        return parse_error(doc, "out of memory");
    memcpy(text, doc->in + start, text_len);
    text[text_len] = '\0';
    cd_json_node_t *node = new_node(doc, CD_JSON_DECIMAL, start);
    if (!node)
        return -1;
    node->text = text;
    node->text_len = text_len;
    if (!has_frac && !has_exp) {
        int64_t v;
        if (integer_fits_int64(text, &v)) {
            node->integer = v;
            node->type = (v >= INT32_MIN && v <= INT32_MAX) ? CD_JSON_INT : CD_JSON_LONG;
        } else {
            node->type = CD_JSON_BIG_INTEGER;
        }
    }
    *out = node;
    return 0;
}

static int parse_literal(cd_json_doc_t *doc, const char *word, cd_json_node_t **out)
{
    size_t n = strlen(word);
    size_t start = doc->pos;
    if (doc->len - doc->pos < n || memcmp(doc->in + doc->pos, word, n) != 0 ||
        (doc->len - doc->pos > n && is_identifier_part(doc->in[doc->pos + n])))
        return parse_error(doc, "unrecognized token: was expecting a JSON string, number, "
                                "array, object or 'null', 'true' or 'false'");
    doc->pos += n;
    cd_json_node_t *node = new_node(doc, word[0] == 'n' ? CD_JSON_NULL : CD_JSON_BOOLEAN, start);
    if (!node)
        return -1;
    node->boolean = word[0] == 't';
    *out = node;
    return 0;
}

static int compare_keys(const char *a, size_t a_len, const char *b, size_t b_len)
{
    if (a_len && b_len && a[0] != b[0]) /* most keys differ in their first byte */
        return (uint8_t)a[0] < (uint8_t)b[0] ? -1 : 1;
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    if (c != 0)
        return c;
    return a_len < b_len ? -1 : a_len > b_len ? 1 : 0;
}

static int compare_member_ptrs(const void *pa, const void *pb)
{
    const cd_json_member_t *a = *(const cd_json_member_t *const *)pa;
    const cd_json_member_t *b = *(const cd_json_member_t *const *)pb;
    int c = compare_keys(a->key, a->key_len, b->key, b->key_len);
    if (c != 0)
        return c;
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Keeps one member per key (first position, last value, as LinkedHashMap.put) and
 *  builds the sorted lookup index. */
static int finish_object(cd_json_doc_t *doc, cd_json_node_t *node)
{
    int rc = -1;
    size_t n = node->count;
    cd_json_member_t *small_order[SMALL_OBJECT_MEMBERS];
    size_t small_new_index[SMALL_OBJECT_MEMBERS];
    cd_json_member_t **order = small_order;
    size_t *new_index = small_new_index;
    if (n == 0)
        return 0;
    if (n > SMALL_OBJECT_MEMBERS) {
        order = malloc(n * sizeof(*order));
        new_index = malloc(n * sizeof(*new_index));
    }
    node->sorted = arena_alloc(doc, n * sizeof(*node->sorted));
    if (!order || !new_index || !node->sorted) {
        parse_error(doc, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = &node->members[i];
    if (n > SMALL_OBJECT_MEMBERS) {
        qsort(order, n, sizeof(*order), compare_member_ptrs);
    } else {
        /* Insertion sort: the order is total, so the result is qsort's. */
        for (size_t i = 1; i < n; i++) {
            cd_json_member_t *m = order[i];
            size_t j = i;
            while (j > 0 && compare_member_ptrs(&order[j - 1], &m) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = m;
        }
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && compare_keys(order[i]->key, order[i]->key_len, order[j]->key,
                                     order[j]->key_len) == 0)
            j++;
        if (j - i > 1) {
            order[i]->value = order[j - 1]->value;
            for (size_t k = i + 1; k < j; k++)
                order[k]->key = NULL;
        }
        i = j;
    }
    /* Indexes first (order[] points into members[], which is compacted last). */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (node->members[i].key)
            new_index[i] = kept++;
    }
    size_t s = 0;
    for (size_t i = 0; i < n; i++) {
        if (order[i]->key)
            node->sorted[s++] = new_index[order[i] - node->members];
    }
    kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (node->members[i].key)
            node->members[kept++] = node->members[i];
    }
    node->count = kept;
    rc = 0;
fail:
    if (order != small_order)
        free(order);
    if (new_index != small_new_index)
        free(new_index);
    return rc;
}

static int parse_value(cd_json_doc_t *doc, cd_json_node_t **out);

/** Keeps the text of a lazy value just checked, if self-delimited and not too large. */
static void remember_lazy_text(cd_json_doc_t *doc, size_t start)
{
    size_t len = doc->pos - start;
    uint8_t first = doc->in[start];
    doc->last_lazy_len = 0;
    if ((first != '{' && first != '[' && first != '"') || len > SCRATCH_KEEP_BYTES)
        return;
    if (len > doc->last_lazy_cap) {
        char *text = realloc(doc->last_lazy, len);
        if (!text)
            return;
        doc->last_lazy = text;
        doc->last_lazy_cap = len;
    }
    memcpy(doc->last_lazy, doc->in + start, len);
    doc->last_lazy_len = len;
}

/**
 * Parses a value with the same checks (and errors) as parse_value() but builds
 * no tree: the node says only whether it is a null, and where its text is.
 */
static int parse_lazy_value(cd_json_doc_t *doc, cd_json_node_t **out)
{
    size_t start = doc->pos;
    cd_json_node_t *scratch;
    if (doc->last_lazy_len && doc->len - doc->pos >= doc->last_lazy_len &&
        memcmp(doc->in + doc->pos, doc->last_lazy, doc->last_lazy_len) == 0) {
        /* The same bytes as the value checked last time, an object, array or string: it ends
         * where it ended then (nothing after it is looked at) and passes the same checks. */
        doc->pos += doc->last_lazy_len;
    } else {
        doc->discard = true;
        int rc = parse_value(doc, &scratch);
        doc->discard = false;
        if (rc != 0)
            return -1;
        remember_lazy_text(doc, start);
    }
    cd_json_node_t *node =
        new_node(doc, doc->in[start] == 'n' ? CD_JSON_NULL : CD_JSON_MISSING, start);
    if (!node)
        return -1;
    node->lazy = true;
    node->src_end = doc->pos;
    *out = node;
    return 0;
}

static int parse_array(cd_json_doc_t *doc, cd_json_node_t **out)
{
    cd_json_node_t *node = new_node(doc, CD_JSON_ARRAY, doc->pos);
    size_t base = doc->node_top;
    if (!node)
        return -1;
    doc->pos++; /* '[' */
    skip_whitespace(doc);
    if (doc->pos < doc->len && doc->in[doc->pos] == ']') {
        doc->pos++;
    } else {
        for (;;) {
            cd_json_node_t *item;
            if (parse_value(doc, &item) != 0 || (!doc->discard && push_node(doc, item) != 0))
                return -1;
            skip_whitespace(doc);
            if (doc->pos >= doc->len)
                return parse_error(doc, "unexpected end of input: expected close marker for "
                                        "an array");
            uint8_t c = doc->in[doc->pos++];
            if (c == ']')
                break;
            if (c != ',')
                return parse_error(doc, "unexpected character: was expecting a comma to "
                                        "separate array entries");
            skip_whitespace(doc);
        }
    }
    if (doc->discard) {
        *out = node;
        return 0;
    }
    node->count = doc->node_top - base;
    if (node->count) {
        node->items = arena_alloc(doc, node->count * sizeof(*node->items));
        if (!node->items)
            return parse_error(doc, "out of memory");
        memcpy(node->items, doc->node_stack + base, node->count * sizeof(*node->items));
    }
    doc->node_top = base;
    *out = node;
    return 0;
}

static int parse_object(cd_json_doc_t *doc, cd_json_node_t **out)
{
    cd_json_node_t *node = new_node(doc, CD_JSON_OBJECT, doc->pos);
    size_t base = doc->member_top;
    if (!node)
        return -1;
    doc->pos++; /* '{' */
    skip_whitespace(doc);
    if (doc->pos < doc->len && doc->in[doc->pos] == '}') {
        doc->pos++;
    } else {
        for (;;) {
            const char *key;
            size_t key_len;
            cd_json_node_t *value;
            if (doc->pos >= doc->len || doc->in[doc->pos] != '"')
                return parse_error(doc, "unexpected character: was expecting a double-quote "
                                        "to start a field name");
            if (parse_string(doc, &key, &key_len) != 0)
                return -1;
            skip_whitespace(doc);
            if (doc->pos >= doc->len || doc->in[doc->pos] != ':')
                return parse_error(doc, "unexpected character: was expecting a colon to "
                                        "separate field name and value");
            doc->pos++;
            skip_whitespace(doc);
            bool lazy = !doc->discard && doc->depth == 1 && doc->lazy_member &&
                        key_len == doc->lazy_member_len &&
                        memcmp(key, doc->lazy_member, key_len) == 0;
            if (lazy) {
                if (parse_lazy_value(doc, &value) != 0)
                    return -1;
            } else if (parse_value(doc, &value) != 0) {
                return -1;
            }
            if (!doc->discard && push_member(doc, key, key_len, value) != 0)
                return -1;
            skip_whitespace(doc);
            if (doc->pos >= doc->len)
                return parse_error(doc, "unexpected end of input: expected close marker for "
                                        "an object");
            uint8_t c = doc->in[doc->pos++];
            if (c == '}')
                break;
            if (c != ',')
                return parse_error(doc, "unexpected character: was expecting a comma to "
                                        "separate object entries");
            skip_whitespace(doc);
        }
    }
    if (doc->discard) {
        *out = node;
        return 0;
    }
    node->count = doc->member_top - base;
    if (node->count) {
        node->members = arena_alloc(doc, node->count * sizeof(*node->members));
        if (!node->members)
            return parse_error(doc, "out of memory");
        memcpy(node->members, doc->member_stack + base, node->count * sizeof(*node->members));
    }
    doc->member_top = base;
    if (finish_object(doc, node) != 0)
        return -1;
    *out = node;
    return 0;
}

static int parse_value(cd_json_doc_t *doc, cd_json_node_t **out)
{
    int rc;
    if (doc->pos >= doc->len)
        return parse_error(doc, "unexpected end of input: expected a value");
    uint8_t c = doc->in[doc->pos];
    size_t start = doc->pos;
    switch (c) {
    case '{':
    case '[':
        if (++doc->depth > CD_JSON_MAX_DEPTH)
            return parse_error(doc, "document nesting depth (%d) exceeds the maximum allowed (%d)",
                               doc->depth, CD_JSON_MAX_DEPTH);
        rc = c == '{' ? parse_object(doc, out) : parse_array(doc, out);
        doc->depth--;
        break;
    case '"': {
        cd_json_node_t *node = new_node(doc, CD_JSON_STRING, start);
        if (!node)
            return -1;
        rc = parse_string(doc, &node->text, &node->text_len);
        *out = node;
        break;
    }
    case 't':
        rc = parse_literal(doc, "true", out);
        break;
    case 'f':
        rc = parse_literal(doc, "false", out);
        break;
    case 'n':
        rc = parse_literal(doc, "null", out);
        break;
    default:
        if (c == '-' || is_digit(c)) {
            rc = parse_number(doc, out);
            break;
        }
        if (c < 0x20)
            return parse_error(doc,
                               "illegal character (code %u): only regular white space "
                               "(\\r, \\n, \\t) is allowed between tokens",
                               (unsigned)c);
        return parse_error(doc,
                           "unexpected character (code %u): expected a valid value "
                           "(JSON string, number, array, object, 'true', 'false' or "
                           "'null')",
                           (unsigned)c);
    }
    if (rc == 0)
        (*out)->src_end = doc->pos;
    return rc;
}

/** Empties a document for another parse, keeping one arena chunk (the largest of at most
 *  ARENA_CHUNK_SIZE bytes) and the scratch stacks. */
static void doc_reset(cd_json_doc_t *doc)
{
    arena_chunk_t *keep = NULL;
    arena_chunk_t *chunk = doc->chunks;
    while (chunk) {
        arena_chunk_t *next = chunk->next;
        if (chunk->size <= ARENA_CHUNK_SIZE && (!keep || chunk->size > keep->size)) {
            free(keep);
            keep = chunk;
        } else {
            free(chunk);
        }
        chunk = next;
    }
    if (keep) {
        keep->used = 0;
        keep->next = NULL;
    }
    doc->chunks = keep;
    doc->node_top = 0;
    doc->member_top = 0;
    doc->pos = 0;
    doc->depth = 0;
}

/** Frees scratch stacks grown past what is worth keeping for the next parse. */
static void doc_trim_scratch(cd_json_doc_t *doc)
{
    if (doc->node_cap * sizeof(*doc->node_stack) > SCRATCH_KEEP_BYTES) {
        free(doc->node_stack);
        doc->node_stack = NULL;
        doc->node_cap = 0;
    }
    if (doc->member_cap * sizeof(*doc->member_stack) > SCRATCH_KEEP_BYTES) {
        free(doc->member_stack);
        doc->member_stack = NULL;
        doc->member_cap = 0;
    }
    if (doc->text_cap > SCRATCH_KEEP_BYTES) {
        free(doc->text);
        doc->text = NULL;
        doc->text_cap = 0;
    }
}

cd_json_doc_t *cd_json_parse(const uint8_t *data, size_t len, const cd_json_node_t **root,
                             char *errstr, size_t errstr_size)
{
    return cd_json_parse_reusing(NULL, data, len, NULL, root, errstr, errstr_size);
}

cd_json_doc_t *cd_json_parse_reusing(cd_json_doc_t *spare, const uint8_t *data, size_t len,
                                     const char *lazy_member, const cd_json_node_t **root,
                                     char *errstr, size_t errstr_size)
{
    cd_json_doc_t *doc = spare;
    cd_json_node_t *value = NULL;
    *root = NULL;
    if (doc)
        doc_reset(doc);
    else
        doc = calloc(1, sizeof(*doc));
    if (!doc) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    doc->in = data;
    doc->len = len;
    doc->lazy_member = lazy_member;
    doc->lazy_member_len = lazy_member ? strlen(lazy_member) : 0;
    doc->discard = false;
    doc->errstr = errstr;
    doc->errstr_size = errstr_size;
    if (len > CD_JSON_MAX_INPUT_SIZE) {
        snprintf(errstr, errstr_size, "input of %zu bytes exceeds the maximum allowed (%zu)", len,
                 CD_JSON_MAX_INPUT_SIZE);
        goto fail;
    }
    if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
        doc->pos = 3; /* a UTF-8 byte order mark, skipped as Jackson does */
    skip_whitespace(doc);
    if (doc->pos == doc->len)
        return doc; /* no content: Jackson's MissingNode */
    if (parse_value(doc, &value) != 0)
        goto fail;
    if (value->type != CD_JSON_ARRAY && value->type != CD_JSON_OBJECT &&
        value->type != CD_JSON_STRING && doc->pos < doc->len) {
        /* Jackson wants white space after a root-level number; a literal was
         * already checked for a following identifier character. */
        uint8_t c = doc->in[doc->pos];
        bool number = value->type != CD_JSON_NULL && value->type != CD_JSON_BOOLEAN;
        if (number && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            parse_error(doc,
                        "unexpected character (code %u): expected space separating "
                        "root-level values",
                        (unsigned)c);
            goto fail;
        }
    }
    /* Jackson's readTree() ignores whatever follows the first value. */
    doc_trim_scratch(doc);
    *root = value;
    return doc;
fail:
    cd_json_doc_destroy(doc);
    return NULL;
}

void cd_json_doc_destroy(cd_json_doc_t *doc)
{
    if (!doc)
        return;
    arena_chunk_t *chunk = doc->chunks;
    while (chunk) {
        arena_chunk_t *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    free(doc->node_stack);
    free(doc->member_stack);
    free(doc->text);
    free(doc->last_lazy);
    free(doc);
}

const cd_json_node_t *cd_json_object_get(const cd_json_node_t *node, const char *key)
{
    if (!node || node->type != CD_JSON_OBJECT || node->count == 0)
        return NULL;
    size_t key_len = strlen(key);
    size_t lo = 0, hi = node->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const cd_json_member_t *m = &node->members[node->sorted[mid]];
        int c = compare_keys(m->key, m->key_len, key, key_len);
        if (c == 0)
            return m->value;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const char *cd_json_node_type_name(const cd_json_node_t *node)
{
    if (!node)
        return "MISSING";
    switch (node->type) {
    case CD_JSON_NULL:
        return "NULL";
    case CD_JSON_BOOLEAN:
        return "BOOLEAN";
    case CD_JSON_STRING:
        return "STRING";
    case CD_JSON_ARRAY:
        return "ARRAY";
    case CD_JSON_OBJECT:
        return "OBJECT";
    case CD_JSON_MISSING:
        return "MISSING";
    default:
        return "NUMBER";
    }
}

/* ------------------------------------------------------------------ */
/* Part 2: JsonNode accessors, convertToConnect, asConnectSchema        */
/* ------------------------------------------------------------------ */

typedef struct reader_s {
    const cd_json_options_t *opts;
    char *errstr;
    size_t errstr_size;
} reader_t;

static int read_error(reader_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int read_error(reader_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->errstr, r->errstr_size, fmt, ap);
    va_end(ap);
    return -1;
}

static bool node_is_number(const cd_json_node_t *node)
{
    return node->type == CD_JSON_INT || node->type == CD_JSON_LONG ||
           node->type == CD_JSON_BIG_INTEGER || node->type == CD_JSON_DECIMAL;
}

static bool node_is_integral(const cd_json_node_t *node)
{
    return node->type == CD_JSON_INT || node->type == CD_JSON_LONG ||
           node->type == CD_JSON_BIG_INTEGER;
}

/**
 * The low 64 bits of the integer part of a number's text, as BigInteger.longValue()
 * of BigDecimal.toBigInteger(): the fraction is dropped (towards zero) and the
 * rest wraps modulo 2^64.
 */
static uint64_t number_text_low_bits(const char *text)
{
    const char *p = text;
    bool negative = *p == '-';
    const char *digits_start;
    size_t int_len = 0, frac_len = 0;
    int64_t exponent = 0;
    if (negative)
        p++;
    digits_start = p;
    while (is_digit((uint8_t)*p)) {
        p++;
        int_len++;
    }
    const char *frac_start = p;
    if (*p == '.') {
        frac_start = ++p;
        while (is_digit((uint8_t)*p)) {
            p++;
            frac_len++;
        }
    }
    if (*p == 'e' || *p == 'E') {
        bool exp_negative = false;
        p++;
        if (*p == '+' || *p == '-')
            exp_negative = *p++ == '-';
        while (is_digit((uint8_t)*p)) {
            if (exponent < (int64_t)1 << 40)
                exponent = exponent * 10 + (*p - '0');
            p++;
        }
        if (exp_negative)
            exponent = -exponent;
    }
    /* value = digits(int part + fraction) * 10^(exponent - frac_len) */
    int64_t shift = exponent - (int64_t)frac_len;
    size_t total = int_len + frac_len;
    size_t keep = total;
    if (shift < 0)
        keep = (int64_t)total + shift > 0 ? (size_t)((int64_t)total + shift) : 0;
    uint64_t acc = 0;
    for (size_t i = 0; i < keep; i++) {
        char c = i < int_len ? digits_start[i] : frac_start[i - int_len];
        acc = acc * 10 + (uint64_t)(c - '0');
    }
    if (shift > 0) {
        if (shift >= 64)
            acc = 0; /* 10^64 is a multiple of 2^64 */
        else
            for (int64_t i = 0; i < shift; i++)
                acc *= 10;
    }
    return negative ? 0 - acc : acc;
}

/** @returns true if every digit of a number's text is zero (BigDecimal signum 0). */
static bool number_text_is_zero(const char *text)
{
    for (const char *p = text; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p >= '1' && *p <= '9')
            return false;
    }
    return true;
}

/** JsonNode.longValue(): 0 for a non-number. */
static int64_t node_long_value(const cd_json_node_t *node)
{
    if (node->type == CD_JSON_INT || node->type == CD_JSON_LONG)
        return node->integer;
    if (node->type == CD_JSON_BIG_INTEGER || node->type == CD_JSON_DECIMAL)
        return (int64_t)number_text_low_bits(node->text);
    return 0;
}

/** JsonNode.intValue(): the low 32 bits of longValue(). */
static int32_t node_int_value(const cd_json_node_t *node)
{
    return (int32_t)(uint32_t)(uint64_t)node_long_value(node);
}

/**
 * Reads a number's text as a double without strtod when that is exact
 * (Clinger's fast path): the digits form an integer below 2^53 and the power
 * of ten is at most 10^22, so both are doubles and one IEEE multiplication or
 * division gives the correctly rounded value.
 * @returns false where it does not apply.
 */
static bool number_text_to_double_fast(const char *text, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = text;
    bool negative = *p == '-';
    uint64_t mantissa = 0;
    int64_t exponent = 0;
    if (negative)
        p++;
    for (; is_digit((uint8_t)*p); p++) {
        mantissa = mantissa * 10 + (uint64_t)(*p - '0');
        if (mantissa >= (uint64_t)1 << 53)
            return false;
    }
    if (*p == '.') {
        for (p++; is_digit((uint8_t)*p); p++) {
            mantissa = mantissa * 10 + (uint64_t)(*p - '0');
            if (mantissa >= (uint64_t)1 << 53)
                return false;
            exponent--;
        }
    }
    if (*p == 'e' || *p == 'E') {
        bool exp_negative = false;
        int64_t e = 0;
        p++;
        if (*p == '+' || *p == '-')
            exp_negative = *p++ == '-';
        for (; is_digit((uint8_t)*p); p++) {
            e = e * 10 + (*p - '0');
            if (e > 1000)
                return false;
        }
        exponent += exp_negative ? -e : e;
    }
    if (*p || exponent < -22 || exponent > 22)
        return false;
    double v = (double)mantissa;
    v = exponent < 0 ? v / pow10[-exponent] : v * pow10[exponent];
    *out = negative ? -v : v;
    return true;
}

/** JsonNode.doubleValue(): correctly rounded; an exact zero is +0.0 as BigDecimal has no -0. */
static double node_double_value(const cd_json_node_t *node)
{
    if (node->type == CD_JSON_INT || node->type == CD_JSON_LONG)
        return (double)node->integer;
    if (node->type == CD_JSON_BIG_INTEGER || node->type == CD_JSON_DECIMAL) {
        double v;
        if (number_text_is_zero(node->text))
            return 0.0;
        return number_text_to_double_fast(node->text, &v) ? v : strtod(node->text, NULL);
    }
    return 0.0;
}

/** JsonNode.floatValue(). */
static float node_float_value(const cd_json_node_t *node)
{
    if (node->type == CD_JSON_INT || node->type == CD_JSON_LONG)
        return (float)node->integer;
    if (node->type == CD_JSON_BIG_INTEGER || node->type == CD_JSON_DECIMAL)
        return number_text_is_zero(node->text) ? 0.0f : strtof(node->text, NULL);
    return 0.0f;
}

/* Jackson's Base64 (MIME-NO-LINEFEEDS) alphabet: -1 invalid, -2 padding. */
static int base64_value(uint8_t c)
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
    if (c == '=')
        return -2;
    return -1;
}

int cd_json_base64_decode(const char *text, size_t len, uint8_t **out, size_t *out_len)
{
    const uint8_t *s = (const uint8_t *)text;
    uint8_t *buf = malloc(len / 4 * 3 + 3);
    size_t n = 0, i = 0;
    int bits[4];
    if (!buf)
        return -1;
    for (;;) {
        /* White space (any char <= ' ') is skipped only before a quad. */
        while (i < len && s[i] <= ' ')
            i++;
        if (i >= len)
            break;
        for (int k = 0; k < 2; k++) {
            if (i >= len || (bits[k] = base64_value(s[i++])) < 0)
                goto fail;
        }
        if (i >= len)
            goto fail; /* padding is required */
        bits[2] = base64_value(s[i++]);
        if (bits[2] == -2) {
            if (i >= len || s[i++] != '=')
                goto fail;
            buf[n++] = (uint8_t)(bits[0] << 2 | bits[1] >> 4);
            continue;
        }
        if (bits[2] < 0 || i >= len)
            goto fail;
        bits[3] = base64_value(s[i++]);
        if (bits[3] == -2) {
            buf[n++] = (uint8_t)(bits[0] << 2 | bits[1] >> 4);
            buf[n++] = (uint8_t)((bits[1] & 0xF) << 4 | bits[2] >> 2);
            continue;
        }
        if (bits[3] < 0)
            goto fail;
        buf[n++] = (uint8_t)(bits[0] << 2 | bits[1] >> 4);
        buf[n++] = (uint8_t)((bits[1] & 0xF) << 4 | bits[2] >> 2);
        buf[n++] = (uint8_t)((bits[2] & 0x3) << 6 | bits[3]);
    }
    *out = buf;
    *out_len = n;
    return 0;
fail:
    free(buf);
    return -1;
}

static int read_value(reader_t *r, const cd_schema_t *schema, const cd_json_node_t *node,
                      cd_value_t **out);

static int read_decimal(reader_t *r, const cd_schema_t *schema, const cd_json_node_t *node,
                        cd_value_t **out)
{
    if (node_is_number(node)) {
        *out = cd_value_new_decimal_from_string(node->text, node->text_len);
        if (!*out)
            return read_error(r, "Invalid numeric value for Decimal field");
        return 0;
    }
    if (node->type == CD_JSON_STRING) {
        uint8_t *bytes = NULL;
        size_t len = 0;
        int32_t scale = 0;
        char ignored[128];
        if (cd_json_base64_decode(node->text, node->text_len, &bytes, &len) != 0 || len == 0 ||
            cd_json_decimal_scale(schema, &scale, ignored, sizeof(ignored)) != 0) {
            free(bytes);
            return read_error(r, "Invalid bytes for Decimal field");
        }
        *out = cd_value_new_decimal(bytes, len, scale);
        free(bytes);
        return 0;
    }
    return read_error(r,
                      "Invalid type for Decimal, underlying representation should be numeric or "
                      "bytes but was %s",
                      cd_json_node_type_name(node));
}

/** LOGICAL_CONVERTERS.get(name).toConnect(); *handled=false for other names. */
static int read_logical(reader_t *r, const cd_schema_t *schema, const cd_json_node_t *node,
                        cd_value_t **out, bool *handled)
{
    const char *name = cd_schema_name(schema);
    *handled = true;
    if (strcmp(name, CD_LOGICAL_DECIMAL) == 0)
        return read_decimal(r, schema, node, out);
    if (strcmp(name, CD_LOGICAL_DATE) == 0) {
        if (node->type != CD_JSON_INT)
            return read_error(r,
                              "Invalid type for Date, underlying representation should be "
                              "integer but was %s",
                              cd_json_node_type_name(node));
        *out = cd_value_new_date(node->integer * 86400000LL);
        return 0;
    }
    if (strcmp(name, CD_LOGICAL_TIME) == 0) {
        if (node->type != CD_JSON_INT)
            return read_error(r,
                              "Invalid type for Time, underlying representation should be "
                              "integer but was %s",
                              cd_json_node_type_name(node));
        if (node->integer < 0 || node->integer > 86400000)
            return read_error(r, "Time values must use number of milliseconds greater than 0 "
                                 "and less than 86400000");
        *out = cd_value_new_date(node->integer);
        return 0;
    }
    if (strcmp(name, CD_LOGICAL_TIMESTAMP) == 0) {
        if (!node_is_integral(node))
            return read_error(r,
                              "Invalid type for Timestamp, underlying representation should be "
                              "integral but was %s",
                              cd_json_node_type_name(node));
        *out = cd_value_new_date(node_long_value(node));
        return 0;
    }
    *handled = false;
    return 0;
}

static int read_map(reader_t *r, const cd_schema_t *schema, const cd_json_node_t *node,
                    cd_value_t **out)
{
    const cd_schema_t *key_schema = schema ? cd_schema_key_schema(schema) : NULL;
    const cd_schema_t *value_schema = schema ? cd_schema_value_schema(schema) : NULL;
    cd_value_t *map = NULL;
    if (!schema || cd_schema_type(key_schema) == CD_TYPE_STRING) {
        if (node->type != CD_JSON_OBJECT)
            return read_error(r,
                              "Maps with string fields should be encoded as JSON objects, but "
                              "found %s",
                              cd_json_node_type_name(node));
        map = cd_value_new_map();
        for (size_t i = 0; i < node->count; i++) {
            const cd_json_member_t *m = &node->members[i];
            cd_value_t *val = NULL;
            if (read_value(r, value_schema, m->value, &val) != 0)
                goto fail;
            /* Member names are unique already: no equal key to look for. */
            cd_value_map_append(map, cd_value_new_string(m->key, m->key_len), val);
        }
    } else {
        if (node->type != CD_JSON_ARRAY)
            return read_error(r,
                              "Maps with non-string fields should be encoded as JSON array of "
                              "tuples, but found %s",
                              cd_json_node_type_name(node));
        map = cd_value_new_map();
        for (size_t i = 0; i < node->count; i++) {
            const cd_json_node_t *entry = node->items[i];
            cd_value_t *key = NULL, *val = NULL;
            if (entry->type != CD_JSON_ARRAY) {
                read_error(r, "Found invalid map entry instead of array tuple: %s",
                           cd_json_node_type_name(entry));
                goto fail;
            }
            if (entry->count != 2) {
                read_error(r, "Found invalid map entry, expected length 2 but found :%zu",
                           entry->count);
                goto fail;
            }
            if (read_value(r, key_schema, entry->items[0], &key) != 0)
                goto fail;
            if (read_value(r, value_schema, entry->items[1], &val) != 0) {
                cd_value_destroy(key);
                goto fail;
            }
            cd_value_map_put(map, key, val);
        }
    }
    /* Java fills a HashMap: iterate like it. */
    cd_value_map_sort_java_hash_order(map);
    *out = map;
    return 0;
fail:
    cd_value_destroy(map);
    return -1;
}

static int read_struct(reader_t *r, const cd_schema_t *schema, const cd_json_node_t *node,
                       cd_value_t **out)
{
    if (node->type != CD_JSON_OBJECT)
        return read_error(r, "Structs should be encoded as JSON objects, but found %s",
                          cd_json_node_type_name(node));
    cd_value_t *st = cd_value_new_struct(schema);
    size_t n = cd_schema_field_count(schema);
    for (size_t i = 0; i < n; i++) {
        const cd_field_t *field = cd_schema_field_at(schema, i);
        const cd_schema_t *field_schema = cd_field_schema(field);
        cd_value_t *val = NULL;
        if (read_value(r, field_schema, cd_json_object_get(node, cd_field_name(field)), &val) !=
                0 ||
            cd_validate_field_value(cd_field_name(field), field_schema, val, r->errstr,
                                    r->errstr_size) != 0) {
            cd_value_destroy(val);
            cd_value_destroy(st);
            return -1;
        }
        cd_value_struct_set(st, i, val);
    }
    *out = st;
    return 0;
}

static int read_value(reader_t *r, const cd_schema_t *schema, const cd_json_node_t *node,
                      cd_value_t **out)
{
    cd_type_t type;
    *out = NULL;
    if (schema) {
        type = cd_schema_type(schema);
        if (!node || node->type == CD_JSON_NULL) {
            const cd_value_t *def = cd_schema_default(schema);
            if (def && r->opts->replace_null_with_default) {
                *out = cd_value_copy(def);
                return 0;
            }
            if (cd_schema_is_optional(schema))
                return 0;
            return read_error(r, "Invalid null value for required %s field", cd_type_name(type));
        }
        /* Java dispatches on the name alone; the data model only knows logical
         * values on their physical type, so a logical name on another type is
         * read as that type (see the module page). */
        if (cd_schema_logical(schema) != CD_LOGICAL_NONE) {
            bool handled;
            int rc = read_logical(r, schema, node, out, &handled);
            if (handled)
                return rc;
        }
    } else {
        if (!node)
            return 0;
        switch (node->type) {
        case CD_JSON_NULL:
        case CD_JSON_MISSING:
            return 0;
        case CD_JSON_BOOLEAN:
            type = CD_TYPE_BOOLEAN;
            break;
        case CD_JSON_INT:
        case CD_JSON_LONG:
        case CD_JSON_BIG_INTEGER:
            type = CD_TYPE_INT64;
            break;
        case CD_JSON_DECIMAL:
            type = CD_TYPE_FLOAT64;
            break;
        case CD_JSON_STRING:
            type = CD_TYPE_STRING;
            break;
        case CD_JSON_ARRAY:
            type = CD_TYPE_ARRAY;
            break;
        default:
            type = CD_TYPE_MAP;
            break;
        }
    }
    switch (type) {
    case CD_TYPE_BOOLEAN:
        *out = cd_value_new_boolean(node->type == CD_JSON_BOOLEAN && node->boolean);
        return 0;
    case CD_TYPE_INT8:
        *out = cd_value_new_int8((int8_t)node_int_value(node));
        return 0;
    case CD_TYPE_INT16:
        *out = cd_value_new_int16((int16_t)node_int_value(node));
        return 0;
    case CD_TYPE_INT32:
        *out = cd_value_new_int32(node_int_value(node));
        return 0;
    case CD_TYPE_INT64:
        *out = cd_value_new_int64(node_long_value(node));
        return 0;
    case CD_TYPE_FLOAT32:
        *out = cd_value_new_float32(node_float_value(node));
        return 0;
    case CD_TYPE_FLOAT64:
        *out = cd_value_new_float64(node_double_value(node));
        return 0;
    case CD_TYPE_STRING:
        /* JsonNode.textValue() is null for anything but a string. */
        if (node->type == CD_JSON_STRING)
            *out = cd_value_new_string(node->text, node->text_len);
        return 0;
    case CD_TYPE_BYTES: {
        uint8_t *bytes;
        size_t len;
        if (node->type != CD_JSON_STRING)
            return 0; /* JsonNode.binaryValue() is null */
        if (cd_json_base64_decode(node->text, node->text_len, &bytes, &len) != 0)
            return read_error(r, "Invalid bytes field");
        *out = cd_value_new_bytes(bytes, len);
        free(bytes);
        return 0;
    }
    case CD_TYPE_ARRAY: {
        /* Iterating a JsonNode: array items, object values, nothing for a scalar. */
        const cd_schema_t *items = schema ? cd_schema_value_schema(schema) : NULL;
        cd_value_t *array = cd_value_new_array();
        size_t n = node->type == CD_JSON_ARRAY || node->type == CD_JSON_OBJECT ? node->count : 0;
        for (size_t i = 0; i < n; i++) {
            cd_value_t *elem = NULL;
            const cd_json_node_t *child =
                node->type == CD_JSON_ARRAY ? node->items[i] : node->members[i].value;
            if (read_value(r, items, child, &elem) != 0) {
                cd_value_destroy(array);
                return -1;
            }
            cd_value_array_append(array, elem);
        }
        *out = array;
        return 0;
    }
    case CD_TYPE_MAP:
        return read_map(r, schema, node, out);
    case CD_TYPE_STRUCT:
        return read_struct(r, schema, node, out);
    }
    return read_error(r, "Unknown schema type: %s", cd_type_name(type));
}

int cd_json_read_value(const cd_json_options_t *opts, const cd_schema_t *schema,
                       const cd_json_node_t *node, cd_value_t **value, char *errstr,
                       size_t errstr_size)
{
    reader_t r = {opts, errstr, errstr_size};
    return read_value(&r, schema, node, value);
}

static bool node_is_text(const cd_json_node_t *node)
{
    return node && node->type == CD_JSON_STRING;
}

static int read_schema(reader_t *r, const cd_json_node_t *node, cd_schema_t **out);

static int read_struct_fields(reader_t *r, const cd_json_node_t *json, cd_schema_t *schema)
{
    const cd_json_node_t *fields = cd_json_object_get(json, "fields");
    if (!fields || fields->type != CD_JSON_ARRAY)
        return read_error(r, "Struct schema's \"fields\" argument is not an array.");
    for (size_t i = 0; i < fields->count; i++) {
        const cd_json_node_t *field = fields->items[i];
        const cd_json_node_t *name = cd_json_object_get(field, "field");
        cd_schema_t *field_schema = NULL;
        if (!node_is_text(name))
            return read_error(r, "Struct schema's field name not specified properly");
        if (read_schema(r, field, &field_schema) != 0)
            return -1;
        if (name->text_len == 0) {
            cd_schema_unref(field_schema);
            return read_error(r, "fieldName cannot be null.");
        }
        if (cd_schema_add_field(schema, name->text, field_schema, r->errstr, r->errstr_size))
            return -1;
    }
    return 0;
}

/** The builder for the type named by the schema JSON (the switch in asConnectSchema). */
static int new_schema_of_type(reader_t *r, const cd_json_node_t *json, const char *type_name,
                              cd_schema_t **out)
{
    cd_type_t type;
    *out = NULL;
    if (!cd_type_from_json_name(type_name, &type))
        return read_error(r, "Unknown schema type: %s", type_name);
    if (type == CD_TYPE_ARRAY) {
        const cd_json_node_t *items = cd_json_object_get(json, "items");
        cd_schema_t *item_schema = NULL;
        if (!items || items->type == CD_JSON_NULL)
            return read_error(r, "Array schema did not specify the element type");
        if (read_schema(r, items, &item_schema) != 0)
            return -1;
        *out = cd_schema_new_array(item_schema);
        return 0;
    }
    if (type == CD_TYPE_MAP) {
        const cd_json_node_t *keys = cd_json_object_get(json, "keys");
        const cd_json_node_t *values = cd_json_object_get(json, "values");
        cd_schema_t *key_schema = NULL, *value_schema = NULL;
        if (!keys)
            return read_error(r, "Map schema did not specify the key type");
        if (!values)
            return read_error(r, "Map schema did not specify the value type");
        if (read_schema(r, keys, &key_schema) != 0)
            return -1;
        if (read_schema(r, values, &value_schema) != 0) {
            cd_schema_unref(key_schema);
            return -1;
        }
        if (!key_schema || !value_schema) {
            read_error(r, "%s",
                       !key_schema ? "keySchema cannot be null." : "valueSchema cannot be null.");
            cd_schema_unref(key_schema);
            cd_schema_unref(value_schema);
            return -1;
        }
        *out = cd_schema_new_map(key_schema, value_schema);
        return 0;
    }
    if (type == CD_TYPE_STRUCT) {
        *out = cd_schema_new_struct();
        if (read_struct_fields(r, json, *out) != 0) {
            cd_schema_unref(*out);
            *out = NULL;
            return -1;
        }
        return 0;
    }
    *out = cd_schema_new(type);
    return 0;
}

static int read_schema_default(reader_t *r, const cd_json_node_t *node, cd_schema_t *schema)
{
    cd_value_t *def = NULL;
    if (read_value(r, schema, node, &def) != 0)
        return -1;
    if (!def) {
        if (cd_schema_is_optional(schema))
            return 0; /* SchemaBuilder.defaultValue(null): no default */
        return read_error(r, "Invalid default value");
    }
    if (cd_schema_type(schema) == CD_TYPE_STRUCT) {
        /* Java validates the Struct's (built) schema against the builder:
         * never equal, so a struct default is always refused. */
        cd_value_destroy(def);
        return read_error(r, "Invalid default value");
    }
    if (cd_schema_set_default(schema, def, r->errstr, r->errstr_size) != 0)
        return read_error(r, "Invalid default value");
    return 0;
}

static int read_schema(reader_t *r, const cd_json_node_t *json, cd_schema_t **out)
{
    const cd_json_node_t *member;
    cd_schema_t *schema = NULL;
    *out = NULL;
    if (json->type == CD_JSON_NULL)
        return 0;
    member = cd_json_object_get(json, "type");
    if (!node_is_text(member))
        return read_error(r, "Schema must contain 'type' field");
    if (strlen(member->text) != member->text_len)
        return read_error(r, "Unknown schema type: %s", member->text);
    if (new_schema_of_type(r, json, member->text, &schema) != 0)
        return -1;

    member = cd_json_object_get(json, "optional");
    cd_schema_set_optional(schema, member && member->type == CD_JSON_BOOLEAN && member->boolean);
    member = cd_json_object_get(json, "name");
    if (node_is_text(member))
        cd_schema_set_name(schema, member->text);
    member = cd_json_object_get(json, "version");
    if (member && node_is_integral(member))
        cd_schema_set_version(schema, node_int_value(member));
    member = cd_json_object_get(json, "doc");
    if (node_is_text(member))
        cd_schema_set_doc(schema, member->text);
    member = cd_json_object_get(json, "parameters");
    if (member && member->type == CD_JSON_OBJECT) {
        for (size_t i = 0; i < member->count; i++) {
            const cd_json_member_t *param = &member->members[i];
            if (!node_is_text(param->value)) {
                read_error(r, "Schema parameters must have string values.");
                goto fail;
            }
            cd_schema_set_parameter(schema, param->key, param->value->text);
        }
    }
    member = cd_json_object_get(json, "default");
    if (member && read_schema_default(r, member, schema) != 0)
        goto fail;
    *out = schema;
    return 0;
fail:
    cd_schema_unref(schema);
    return -1;
}

int cd_json_read_schema(const cd_json_options_t *opts, const cd_json_node_t *node,
                        cd_schema_t **schema, char *errstr, size_t errstr_size)
{
    reader_t r = {opts, errstr, errstr_size};
    return read_schema(&r, node, schema);
}
