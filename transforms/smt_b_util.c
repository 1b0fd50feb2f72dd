/*
 * smt_b_util.c: what ExtractField, HoistField, InsertField, ValueToKey and
 * TimestampConverter share: SimpleConfig parsing, FieldSyntaxVersion's key,
 * SingleFieldPath (V1 single step, V2 dotted paths with backtick quoting) and
 * Struct.get with and without the field default.
 */
#include "transforms/smt_b_util.h"

#include "transforms/transform_util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cd_smtb_syntax_versions[] = {"V1", "V2", NULL};

const char cd_smtb_field_syntax_version_doc[] =
    "Defines the version of the syntax to access fields. If set to <code>V1</code>, then the "
    "field paths are limited to access the elements at the root level of the struct or map. "
    "If set to <code>V2</code>, the syntax will support accessing nested elements. To access "
    "nested elements, dotted notation is used. If dots are already included in the field "
    "name, then backtick pairs can be used to wrap field names containing dots. E.g. to "
    "access the subfield <code>baz</code> from a field named \"foo.bar\" in a struct/map the "
    "following format can be used to access its elements: \"<code>foo.bar</code>.baz\".";

char *cd_smtb_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d)
        abort();
    memcpy(d, s, n);
    return d;
}

int cd_smtb_config_parse(cd_smtb_config_t *out, const cd_config_key_t *keys,
                         const cd_properties_t *props, char *errstr, size_t errstr_size)
{
    out->def = cd_config_def_new();
    if (!out->def)
        abort();
    cd_config_def_add_table(out->def, keys);
    out->config = cd_config_parse(out->def, props, errstr, errstr_size);
    if (!out->config) {
        cd_config_def_destroy(out->def);
        out->def = NULL;
        return -1;
    }
    return 0;
}

void cd_smtb_config_clear(cd_smtb_config_t *cfg)
{
    cd_config_destroy(cfg->config);
    cd_config_def_destroy(cfg->def);
    cfg->config = NULL;
    cfg->def = NULL;
}

/* ------------------------------------------------------------------ */
/* SingleFieldPath                                                      */
/* ------------------------------------------------------------------ */

static void path_add(cd_smtb_path_t *path, const char *s, size_t len)
{
    char **steps = realloc(path->steps, (path->count + 1) * sizeof(*steps));
    char *copy = malloc(len + 1);
    if (!steps || !copy)
        abort();
    memcpy(copy, s, len);
    copy[len] = '\0';
    path->steps = steps;
    path->steps[path->count++] = copy;
}

/* The UTF-16 index Java would report for byte offset @p at. */
static size_t utf16_index(const char *s, size_t at)
{
    size_t n = 0;
    for (size_t i = 0; i < at; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80)
            n += (c >= 0xF0) ? 2 : 1;
    }
    return n;
}

static int incomplete_backtick(const char *text, size_t at, char *errstr, size_t errstr_size)
{
    snprintf(errstr, errstr_size,
             "Incomplete backtick pair in path: [%s], consider adding a backslash before backtick "
             "at position %zu to escape it",
             text, utf16_index(text, at));
    return -1;
}

static int parse_v2(cd_smtb_path_t *path, const char *p, char *errstr, size_t errstr_size)
{
    size_t len = strlen(p), idx = 0;
    char *field = malloc(len + 1);
    if (!field)
        abort();
    while (idx < len) {
        if (p[idx] != '`') {
            const char *dot = strchr(p + idx, '.');
            if (dot) {
                path_add(path, p + idx, (size_t)(dot - (p + idx)));
                idx = (size_t)(dot - p) + 1;
            } else {
                path_add(path, p + idx, len - idx);
                break;
            }
        } else {
            size_t backtick_at = idx, start, flen = 0;
            idx++;
            start = idx;
            for (;;) {
                const char *bt = strchr(p + idx, '`');
                if (!bt) {
                    free(field);
                    return incomplete_backtick(p, backtick_at, errstr, errstr_size);
                }
                idx = (size_t)(bt - p);
                bool escaped = p[idx - 1] == '\\';
                if (idx >= len - 1) {
                    if (escaped) {
                        free(field);
                        return incomplete_backtick(p, backtick_at, errstr, errstr_size);
                    }
                    memcpy(field + flen, p + start, idx - start);
                    flen += idx - start;
                    path_add(path, field, flen);
                    idx++;
                    break;
                }
                if (p[idx + 1] != '.') {
                    idx++;
                    continue;
                }
                if (escaped) {
                    memcpy(field + flen, p + start, idx - 1 - start);
                    flen += idx - 1 - start;
                    field[flen++] = '`';
                    idx++;
                    start = idx;
                    continue;
                }
                memcpy(field + flen, p + start, idx - start);
                flen += idx - start;
                path_add(path, field, flen);
                idx += 2;
                break;
            }
        }
    }
    free(field);
    if (len > 0 && p[len - 1] == '.')
        path_add(path, "", 0);
    return 0;
}

int cd_smtb_path_parse(cd_smtb_path_t *path, const char *text, bool v2, char *errstr,
                       size_t errstr_size)
{
    path->steps = NULL;
    path->count = 0;
    if (!v2) {
        path_add(path, text, strlen(text));
        return 0;
    }
    if (parse_v2(path, text, errstr, errstr_size) != 0) {
        cd_smtb_path_clear(path);
        return -1;
    }
    if (path->count == 0) {
        /* Java's List.copyOf of no steps: lastStep() would fail at use; keep one
         * empty step so lookups simply find nothing. */
        path_add(path, "", 0);
    }
    return 0;
}

void cd_smtb_path_clear(cd_smtb_path_t *path)
{
    for (size_t i = 0; i < path->count; i++)
        free(path->steps[i]);
    free(path->steps);
    path->steps = NULL;
    path->count = 0;
}

int cd_smtb_schema_field(const cd_schema_t *schema, const char *name, const cd_field_t **out,
                         char *errstr, size_t errstr_size)
{
    if (cd_schema_type(schema) != CD_TYPE_STRUCT) {
        snprintf(errstr, errstr_size, "Cannot look up fields on non-struct type");
        return -1;
    }
    *out = cd_schema_field(schema, name);
    return 0;
}

int cd_smtb_path_field_from(const cd_smtb_path_t *path, const cd_schema_t *schema,
                            const cd_field_t **field, char *errstr, size_t errstr_size)
{
    const cd_schema_t *cur = schema;
    *field = NULL;
    if (!schema)
        return 0;
    for (size_t i = 0; i + 1 < path->count; i++) {
        const cd_field_t *f;
        if (cd_smtb_schema_field(cur, path->steps[i], &f, errstr, errstr_size) != 0)
            return -1;
        if (!f)
            return 0;
        cur = cd_field_schema(f);
    }
    return cd_smtb_schema_field(cur, path->steps[path->count - 1], field, errstr, errstr_size);
}

const cd_value_t *cd_smtb_struct_get(const cd_value_t *st, const cd_field_t *field,
                                     bool with_default)
{
    const cd_value_t *v = cd_value_struct_get_at(st, cd_field_index(field));
    if (!v && with_default)
        v = cd_schema_default(cd_field_schema(field));
    return v;
}

int cd_smtb_path_value_from_struct(const cd_smtb_path_t *path, const cd_value_t *st,
                                   bool with_default, const cd_value_t **out, char *errstr,
                                   size_t errstr_size)
{
    const cd_value_t *cur = st;
    const cd_field_t *f;
    *out = NULL;
    if (!st)
        return 0;
    for (size_t i = 0; i + 1 < path->count; i++) {
        f = cd_schema_field(cd_value_struct_schema(cur), path->steps[i]);
        if (!f)
            return 0;
        const cd_value_t *sub = cd_smtb_struct_get(cur, f, true);
        if (cd_transform_require_struct_or_null(sub, "nested field access", errstr, errstr_size))
            return -1;
        if (!sub)
            return 0;
        cur = sub;
    }
    f = cd_schema_field(cd_value_struct_schema(cur), path->steps[path->count - 1]);
    if (f)
        *out = cd_smtb_struct_get(cur, f, with_default);
    return 0;
}

int cd_smtb_path_value_from_map(const cd_smtb_path_t *path, const cd_value_t *map,
                                const cd_value_t **out, char *errstr, size_t errstr_size)
{
    const cd_value_t *cur = map;
    *out = NULL;
    if (!map)
        return 0;
    for (size_t i = 0; i + 1 < path->count; i++) {
        const cd_value_t *sub = cd_value_map_get_str(cur, path->steps[i]);
        if (cd_transform_require_map_or_null(sub, "nested field access", errstr, errstr_size))
            return -1;
        if (!sub)
            return 0;
        cur = sub;
    }
    *out = cd_value_map_get_str(cur, path->steps[path->count - 1]);
    return 0;
}

size_t cd_smtb_table_size_for(size_t n)
{
    size_t cap = 1;
    while (cap < n && cap < ((size_t)1 << 30))
        cap <<= 1;
    return cap;
}

size_t cd_smtb_hash_map_copy_capacity(size_t size)
{
    if (size == 0)
        return 0;
    return cd_smtb_table_size_for((size_t)((float)size / 0.75f + 1.0f));
}

/* String.hashCode over the UTF-16 code units of a UTF-8 string. */
static uint32_t java_string_hash(const char *s, size_t len)
{
    uint32_t h = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;
        size_t n;
        if (c < 0x80) {
            cp = c;
            n = 1;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            n = 2;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            n = 3;
        } else {
            cp = c & 0x07;
            n = 4;
        }
        for (size_t k = 1; k < n && i + k < len; k++)
            cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xD800 + (cp >> 10));
            h = 31 * h + (0xDC00 + (cp & 0x3FF));
        } else {
            h = 31 * h + cp;
        }
    }
    return h;
}

typedef struct smtb_slot_s {
    uint32_t bucket;
    size_t order;
    cd_value_t *key;
    cd_value_t *val;
} smtb_slot_t;

static int smtb_slot_cmp(const void *a, const void *b)
{
    const smtb_slot_t *x = a, *y = b;
    if (x->bucket != y->bucket)
        return x->bucket < y->bucket ? -1 : 1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

cd_value_t *cd_smtb_map_hash_ordered(cd_value_t *map, size_t initial_capacity)
{
    size_t n = cd_value_map_size(map);
    uint64_t cap = initial_capacity ? initial_capacity : 16;
    smtb_slot_t *slots;
    if (n < 2)
        return map;
    for (size_t i = 0; i < n; i++) {
        if (cd_value_kind(cd_value_map_key_at(map, i)) != CD_VALUE_STRING) {
            cd_value_map_sort_java_hash_order(map);
            return map;
        }
    }
    while ((uint64_t)n > (uint64_t)((float)cap * 0.75f))
        cap *= 2;
    slots = calloc(n, sizeof(*slots));
    if (!slots)
        abort();
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *k = cd_value_string(cd_value_map_key_at(map, i), &len);
        uint32_t h = java_string_hash(k, len);
        h ^= h >> 16;
        slots[i].bucket = (uint32_t)(h & (cap - 1));
        slots[i].order = i;
        slots[i].key = cd_value_copy(cd_value_map_key_at(map, i));
        slots[i].val = cd_value_copy(cd_value_map_value_at(map, i));
    }
    qsort(slots, n, sizeof(*slots), smtb_slot_cmp);
    cd_value_t *fresh = cd_value_new_map();
    for (size_t i = 0; i < n; i++)
        cd_value_map_append(fresh, slots[i].key, slots[i].val);
    free(slots);
    cd_value_destroy(map);
    return fresh;
}
