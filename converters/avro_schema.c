/*
 * avro_schema.c: Avro schemas for the AvroConverter.
 *
 *   - cd_avro_schema_parse: JSON text (a registry answer or our own output)
 *     -> a tree of av_node_t with named types resolved (recursion allowed),
 *     bounded in size and depth, then checked by Avro C's parser as well;
 *   - cd_avro_schema_from_connect: Confluent AvroData.fromConnectSchema, a
 *     Connect schema -> Avro schema JSON written in the property order Avro
 *     Java prints (so registered texts look like those of Java workers).
 */
#include "avro_schema_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AV_MAX_NODES 100000

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

typedef struct named_s {
    const char *full_name;
    av_node_t *node;
} named_t;

typedef struct parse_ctx_s {
    cd_avro_schema_t *schema;
    named_t *named;
    size_t nnamed, cap_named;
    char *errstr;
    size_t errstr_size;
} parse_ctx_t;

static av_node_t *node_new(parse_ctx_t *ctx, av_type_t type, json_t *json)
{
    cd_avro_schema_t *s = ctx->schema;
    if (s->nnodes >= AV_MAX_NODES) {
        snprintf(ctx->errstr, ctx->errstr_size, "Avro schema has more than %d types", AV_MAX_NODES);
        return NULL;
    }
    if (s->nnodes == s->cap_nodes) {
        size_t cap = s->cap_nodes ? s->cap_nodes * 2 : 16;
        av_node_t **n = realloc(s->nodes, cap * sizeof(*n));
        if (!n)
            goto oom;
        s->nodes = n;
        s->cap_nodes = cap;
    }
    av_node_t *node = calloc(1, sizeof(*node));
    if (!node)
        goto oom;
    node->type = type;
    node->json = json;
    s->nodes[s->nnodes++] = node;
    return node;
oom:
    snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
    return NULL;
}

static bool primitive_type(const char *name, av_type_t *type)
{
    static const struct {
        const char *name;
        av_type_t type;
    } prims[] = {
        {"null", AV_NULL},   {"boolean", AV_BOOLEAN}, {"int", AV_INT},     {"long", AV_LONG},
        {"float", AV_FLOAT}, {"double", AV_DOUBLE},   {"bytes", AV_BYTES}, {"string", AV_STRING},
    };
    for (size_t i = 0; i < sizeof(prims) / sizeof(prims[0]); i++)
        if (strcmp(prims[i].name, name) == 0) {
            *type = prims[i].type;
            return true;
        }
    return false;
}

static av_node_t *named_find(parse_ctx_t *ctx, const char *full_name)
{
    for (size_t i = 0; i < ctx->nnamed; i++)
        if (strcmp(ctx->named[i].full_name, full_name) == 0)
            return ctx->named[i].node;
    return NULL;
}

static bool valid_name(const char *name)
{
    if (!*name ||
        !((*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z') || *name == '_'))
        return false;
    for (const char *p = name + 1; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '_'))
            return false;
    return true;
}

/* Sets node->full_name/name from "name"/"namespace" and registers it. */
static int name_node(parse_ctx_t *ctx, av_node_t *node, json_t *obj, const char *enclosing_ns,
                     const char **ns_out)
{
    const char *name = json_string_value(json_object_get(obj, "name"));
    const char *ns = json_string_value(json_object_get(obj, "namespace"));
    if (!name) {
        snprintf(ctx->errstr, ctx->errstr_size, "No name in schema: %.200s",
                 json_string_value(json_object_get(obj, "type")) ?: "?");
        return -1;
    }
    const char *dot = strrchr(name, '.');
    size_t len;
    if (dot) {
        node->full_name = strdup(name);
    } else {
        if (!ns)
            ns = enclosing_ns;
        len = (ns && *ns ? strlen(ns) + 1 : 0) + strlen(name) + 1;
        node->full_name = malloc(len);
        if (node->full_name)
            snprintf(node->full_name, len, "%s%s%s", ns && *ns ? ns : "", ns && *ns ? "." : "",
                     name);
    }
    if (!node->full_name) {
        snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
        return -1;
    }
    dot = strrchr(node->full_name, '.');
    node->name = dot ? dot + 1 : node->full_name;
    if (!valid_name(node->name)) {
        snprintf(ctx->errstr, ctx->errstr_size, "Illegal character in: %.200s", node->name);
        return -1;
    }
    if (named_find(ctx, node->full_name)) {
        snprintf(ctx->errstr, ctx->errstr_size, "Can't redefine: %.200s", node->full_name);
        return -1;
    }
    if (ctx->nnamed == ctx->cap_named) {
        size_t cap = ctx->cap_named ? ctx->cap_named * 2 : 8;
        named_t *n = realloc(ctx->named, cap * sizeof(*n));
        if (!n) {
            snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
            return -1;
        }
        ctx->named = n;
        ctx->cap_named = cap;
    }
    ctx->named[ctx->nnamed].full_name = node->full_name;
    ctx->named[ctx->nnamed++].node = node;
    /* the namespace nested definitions inherit: this type's own */
    *ns_out = NULL;
    if (dot) {
        static __thread char buf[1024];
        size_t n = (size_t)(dot - node->full_name);
        if (n >= sizeof(buf))
            n = sizeof(buf) - 1;
        memcpy(buf, node->full_name, n);
        buf[n] = '\0';
        *ns_out = buf;
    }
    return 0;
}

static av_node_t *parse_node(parse_ctx_t *ctx, json_t *j, const char *ns, int depth);

static av_node_t *resolve_name(parse_ctx_t *ctx, const char *name, const char *ns)
{
    av_node_t *node = NULL;
    if (!strchr(name, '.') && ns && *ns) {
        char full[1024];
        snprintf(full, sizeof(full), "%s.%s", ns, name);
        node = named_find(ctx, full);
    }
    if (!node)
        node = named_find(ctx, name);
    if (!node)
        snprintf(ctx->errstr, ctx->errstr_size, "\"%.200s\" is not a defined name.", name);
    return node;
}

static av_node_t *parse_record(parse_ctx_t *ctx, av_node_t *node, json_t *obj, const char *ns,
                               int depth)
{
    char ns_copy[1024];
    const char *inner_ns;
    if (name_node(ctx, node, obj, ns, &inner_ns) < 0)
        return NULL;
    snprintf(ns_copy, sizeof(ns_copy), "%s", inner_ns ? inner_ns : "");
    json_t *fields = json_object_get(obj, "fields");
    if (!json_is_array(fields)) {
        snprintf(ctx->errstr, ctx->errstr_size, "Record has no fields: %.200s", node->full_name);
        return NULL;
    }
    node->nfields = json_array_size(fields);
    node->fields = calloc(node->nfields ? node->nfields : 1, sizeof(*node->fields));
    if (!node->fields) {
        snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < node->nfields; i++) {
        json_t *f = json_array_get(fields, i);
        const char *fname = json_string_value(json_object_get(f, "name"));
        if (!json_is_object(f) || !fname || !json_object_get(f, "type")) {
            snprintf(ctx->errstr, ctx->errstr_size, "Invalid field %zu of record %.200s", i,
                     node->full_name);
            return NULL;
        }
        if (!valid_name(fname)) {
            snprintf(ctx->errstr, ctx->errstr_size, "Illegal character in: %.200s", fname);
            return NULL;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(node->fields[k].name, fname) == 0) {
                snprintf(ctx->errstr, ctx->errstr_size, "Duplicate field %.200s in record %.200s",
                         fname, node->full_name);
                return NULL;
            }
        node->fields[i].name = fname;
        node->fields[i].json = f;
        node->fields[i].type = parse_node(ctx, json_object_get(f, "type"), ns_copy, depth + 1);
        if (!node->fields[i].type)
            return NULL;
    }
    return node;
}

static av_node_t *parse_object(parse_ctx_t *ctx, json_t *obj, const char *ns, int depth)
{
    json_t *type_json = json_object_get(obj, "type");
    const char *type = json_string_value(type_json);
    av_type_t prim;
    av_node_t *node = NULL;
    const char *inner_ns;
    if (!type) {
        if (json_is_object(type_json) || json_is_array(type_json))
            return parse_node(ctx, type_json, ns, depth + 1);
        snprintf(ctx->errstr, ctx->errstr_size, "No type: %.200s", "schema object");
        return NULL;
    }
    if (primitive_type(type, &prim)) {
        node = node_new(ctx, prim, obj);
    } else if (strcmp(type, "record") == 0 || strcmp(type, "error") == 0) {
        if ((node = node_new(ctx, AV_RECORD, obj)))
            node = parse_record(ctx, node, obj, ns, depth);
    } else if (strcmp(type, "enum") == 0) {
        if (!(node = node_new(ctx, AV_ENUM, obj)) || name_node(ctx, node, obj, ns, &inner_ns) < 0)
            return NULL;
        json_t *symbols = json_object_get(obj, "symbols");
        if (!json_is_array(symbols) || json_array_size(symbols) == 0) {
            snprintf(ctx->errstr, ctx->errstr_size, "Enum has no symbols: %.200s", node->full_name);
            return NULL;
        }
        node->nsymbols = json_array_size(symbols);
        node->symbols = calloc(node->nsymbols, sizeof(*node->symbols));
        if (!node->symbols) {
            snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < node->nsymbols; i++) {
            node->symbols[i] = json_string_value(json_array_get(symbols, i));
            if (!node->symbols[i] || !valid_name(node->symbols[i])) {
                snprintf(ctx->errstr, ctx->errstr_size, "Invalid symbol %zu of enum %.200s", i,
                         node->full_name);
                return NULL;
            }
        }
    } else if (strcmp(type, "fixed") == 0) {
        if (!(node = node_new(ctx, AV_FIXED, obj)) || name_node(ctx, node, obj, ns, &inner_ns) < 0)
            return NULL;
        json_t *size = json_object_get(obj, "size");
        if (!json_is_integer(size) || json_integer_value(size) < 0 ||
            json_integer_value(size) > INT32_MAX) {
            snprintf(ctx->errstr, ctx->errstr_size, "Invalid fixed size for %.200s",
                     node->full_name);
            return NULL;
        }
        node->fixed_size = json_integer_value(size);
    } else if (strcmp(type, "array") == 0 || strcmp(type, "map") == 0) {
        bool array = type[0] == 'a';
        if (!(node = node_new(ctx, array ? AV_ARRAY : AV_MAP, obj)))
            return NULL;
        json_t *inner = json_object_get(obj, array ? "items" : "values");
        if (!inner) {
            snprintf(ctx->errstr, ctx->errstr_size, "%s has no %s", array ? "Array" : "Map",
                     array ? "items" : "values");
            return NULL;
        }
        if (!(node->items = parse_node(ctx, inner, ns, depth + 1)))
            return NULL;
    } else {
        /* {"type": "SomeName"}: a reference */
        return resolve_name(ctx, type, ns);
    }
    if (node) {
        node->logical_type = json_string_value(json_object_get(obj, "logicalType"));
        node->connect_type = json_string_value(json_object_get(obj, "connect.type"));
    }
    return node;
}

static av_node_t *parse_node(parse_ctx_t *ctx, json_t *j, const char *ns, int depth)
{
    av_type_t prim;
    if (depth > CD_AVRO_MAX_DEPTH) {
        snprintf(ctx->errstr, ctx->errstr_size, "Avro schema nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        return NULL;
    }
    if (json_is_string(j)) {
        const char *name = json_string_value(j);
        if (primitive_type(name, &prim))
            return node_new(ctx, prim, NULL);
        return resolve_name(ctx, name, ns);
    }
    if (json_is_array(j)) {
        av_node_t *node = node_new(ctx, AV_UNION, j);
        if (!node)
            return NULL;
        node->nbranches = json_array_size(j);
        if (node->nbranches == 0) {
            snprintf(ctx->errstr, ctx->errstr_size, "Union has no types");
            return NULL;
        }
        node->branches = calloc(node->nbranches, sizeof(*node->branches));
        if (!node->branches) {
            snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
            return NULL;
        }
        for (size_t i = 0; i < node->nbranches; i++) {
            if (!(node->branches[i] = parse_node(ctx, json_array_get(j, i), ns, depth + 1)))
                return NULL;
            if (node->branches[i]->type == AV_UNION) {
                snprintf(ctx->errstr, ctx->errstr_size, "Nested union: %s", "not allowed");
                return NULL;
            }
            for (size_t k = 0; k < i; k++) {
                const av_node_t *a = node->branches[k], *b = node->branches[i];
                bool named = a->full_name && b->full_name;
                if (a->type == b->type &&
                    (named ? strcmp(a->full_name, b->full_name) == 0 : !a->full_name)) {
                    snprintf(ctx->errstr, ctx->errstr_size, "Duplicate in union: %.200s",
                             a->full_name ? a->full_name : "type");
                    return NULL;
                }
            }
        }
        return node;
    }
    if (json_is_object(j))
        return parse_object(ctx, j, ns, depth);
    snprintf(ctx->errstr, ctx->errstr_size, "Invalid Avro schema: not a string, array or object");
    return NULL;
}

static size_t min_bytes(av_node_t *node, int depth)
{
    if (node->min_known || depth > CD_AVRO_MAX_DEPTH)
        return node->min_bytes;
    size_t n = 0;
    switch (node->type) {
    case AV_NULL:
        n = 0;
        break;
    case AV_FLOAT:
        n = 4;
        break;
    case AV_DOUBLE:
        n = 8;
        break;
    case AV_FIXED:
        n = (size_t)node->fixed_size;
        break;
    case AV_RECORD:
        node->min_known = true; /* a recursive reference counts 0 */
        node->min_bytes = 0;
        for (size_t i = 0; i < node->nfields; i++) {
            size_t f = min_bytes(node->fields[i].type, depth + 1);
            n = n + f < n ? SIZE_MAX : n + f;
        }
        break;
    default: /* boolean, int, long, bytes, string, enum, array, map, union */
        n = 1;
        break;
    }
    node->min_bytes = n;
    node->min_known = true;
    return n;
}

void cd_avro_schema_destroy(cd_avro_schema_t *schema)
{
    if (!schema)
        return;
    for (size_t i = 0; i < schema->nnodes; i++) {
        av_node_t *n = schema->nodes[i];
        free(n->full_name);
        free(n->fields);
        free(n->branches);
        free(n->symbols);
        free(n);
    }
    free(schema->nodes);
    if (schema->avro)
        avro_schema_decref(schema->avro);
    json_decref(schema->json);
    free(schema->text);
    free(schema);
}

static cd_avro_schema_t *schema_from_json(json_t *json, char *errstr, size_t errstr_size)
{
    parse_ctx_t ctx = {.errstr = errstr, .errstr_size = errstr_size};
    cd_avro_schema_t *s = calloc(1, sizeof(*s));
    if (!s) {
        json_decref(json);
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    s->json = json;
    ctx.schema = s;
    s->text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
    if (!s->text) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    if (!(s->root = parse_node(&ctx, json, NULL, 0)))
        goto fail;
    for (size_t i = 0; i < s->nnodes; i++)
        min_bytes(s->nodes[i], 0);
    if (avro_schema_from_json_length(s->text, strlen(s->text), &s->avro) != 0) {
        snprintf(errstr, errstr_size, "Invalid Avro schema: %s", avro_strerror());
        s->avro = NULL;
        goto fail;
    }
    free(ctx.named);
    return s;
fail:
    free(ctx.named);
    cd_avro_schema_destroy(s);
    return NULL;
}

cd_avro_schema_t *cd_avro_schema_parse(const char *text, size_t len, char *errstr,
                                       size_t errstr_size)
{
    json_error_t jerr;
    if (len > CD_AVRO_MAX_SCHEMA_BYTES) {
        snprintf(errstr, errstr_size, "Avro schema larger than %d bytes", CD_AVRO_MAX_SCHEMA_BYTES);
        return NULL;
    }
    json_t *json = json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
    if (!json) {
        snprintf(errstr, errstr_size, "Invalid Avro schema JSON: %s (line %d)", jerr.text,
                 jerr.line);
        return NULL;
    }
    return schema_from_json(json, errstr, errstr_size);
}

const char *cd_avro_schema_text(const cd_avro_schema_t *schema)
{
    return schema->text;
}

const char *cd_avro_schema_full_name(const cd_avro_schema_t *schema)
{
    return schema->root->full_name;
}

bool cd_avro_schema_has_connect_version(const cd_avro_schema_t *schema)
{
    return json_is_object(schema->json) && json_object_get(schema->json, "connect.version");
}

bool cd_avro_schema_is_bytes(const cd_avro_schema_t *schema)
{
    return schema->root->type == AV_BYTES;
}

bool av_node_is_map_entry(const av_node_t *node)
{
    if (node->type != AV_RECORD)
        return false;
    if (strcmp(node->full_name, AV_MAP_ENTRY_NAME) == 0)
        return true;
    const char *internal = json_string_value(json_object_get(node->json, "connect.internal.type"));
    return internal && strcmp(internal, "MapEntry") == 0;
}

const char *av_union_member_name(const cd_avro_data_config_t *config, const av_node_t *node)
{
    static const char *const names[] = {"null",   "boolean", "int",    "long",   "float",
                                        "double", "bytes",   "string", "record", "enum",
                                        "array",  "map",     "union",  "fixed"};
    if (node->full_name)
        return config->enhanced_schema_support ? node->full_name : node->name;
    return names[node->type];
}

/* ------------------------------------------------------------------ */
/* Connect -> Avro schema (AvroData.fromConnectSchema)                  */
/* ------------------------------------------------------------------ */

typedef struct seen_s {
    const cd_schema_t *schema; /* a non-optional struct/map entry: reused by name */
    char *full_name;
} seen_t;

typedef struct from_ctx_s {
    const cd_avro_data_config_t *config;
    int name_index;
    seen_t *seen;
    size_t nseen, cap_seen;
    char **emitted; /* full names already defined in the document */
    size_t nemitted, cap_emitted;
    char *errstr;
    size_t errstr_size;
    int depth;
} from_ctx_t;

static json_t *from_connect(from_ctx_t *ctx, const cd_schema_t *schema, bool ignore_optional);

static bool emitted(from_ctx_t *ctx, const char *full_name)
{
    for (size_t i = 0; i < ctx->nemitted; i++)
        if (strcmp(ctx->emitted[i], full_name) == 0)
            return true;
    return false;
}

static int add_emitted(from_ctx_t *ctx, const char *full_name)
{
    if (ctx->nemitted == ctx->cap_emitted) {
        size_t cap = ctx->cap_emitted ? ctx->cap_emitted * 2 : 8;
        char **n = realloc(ctx->emitted, cap * sizeof(*n));
        if (!n)
            return -1;
        ctx->emitted = n;
        ctx->cap_emitted = cap;
    }
    if (!(ctx->emitted[ctx->nemitted] = strdup(full_name)))
        return -1;
    ctx->nemitted++;
    return 0;
}

/* Equal as Connect schemas, ignoring whether they are optional. */
static bool same_ignoring_optional(const cd_schema_t *a, const cd_schema_t *b)
{
    if (a == b)
        return true;
    if (cd_schema_type(a) != cd_schema_type(b) || cd_schema_type(a) != CD_TYPE_STRUCT)
        return cd_schema_equals(a, b);
    const char *na = cd_schema_name(a), *nb = cd_schema_name(b);
    if ((na == NULL) != (nb == NULL) || (na && strcmp(na, nb) != 0))
        return false;
    if (cd_schema_field_count(a) != cd_schema_field_count(b))
        return false;
    for (size_t i = 0; i < cd_schema_field_count(a); i++) {
        const cd_field_t *fa = cd_schema_field_at(a, i), *fb = cd_schema_field_at(b, i);
        if (strcmp(cd_field_name(fa), cd_field_name(fb)) != 0 ||
            !cd_schema_equals(cd_field_schema(fa), cd_field_schema(fb)))
            return false;
    }
    return true;
}

static const char *seen_find(from_ctx_t *ctx, const cd_schema_t *schema)
{
    for (size_t i = 0; i < ctx->nseen; i++)
        if (same_ignoring_optional(ctx->seen[i].schema, schema))
            return ctx->seen[i].full_name;
    return NULL;
}

static int seen_add(from_ctx_t *ctx, const cd_schema_t *schema, const char *full_name)
{
    if (ctx->nseen == ctx->cap_seen) {
        size_t cap = ctx->cap_seen ? ctx->cap_seen * 2 : 8;
        seen_t *n = realloc(ctx->seen, cap * sizeof(*n));
        if (!n)
            return -1;
        ctx->seen = n;
        ctx->cap_seen = cap;
    }
    if (!(ctx->seen[ctx->nseen].full_name = strdup(full_name)))
        return -1;
    ctx->seen[ctx->nseen++].schema = schema;
    return 0;
}

/* "a.b.C" -> namespace "a.b" (or NULL), name "C"; scrubbed when configured. */
static void split_name(from_ctx_t *ctx, const char *full, char *ns, size_t ns_size, char *name,
                       size_t name_size)
{
    const char *dot = strrchr(full, '.');
    if (dot) {
        size_t n = (size_t)(dot - full);
        snprintf(ns, ns_size, "%.*s", (int)(n < ns_size ? n : ns_size - 1), full);
        snprintf(name, name_size, "%s", dot + 1);
    } else {
        ns[0] = '\0';
        snprintf(name, name_size, "%s", full);
    }
    if (ctx->config->scrub_invalid_names) {
        for (char *p = name; *p; p++)
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '_'))
                *p = '_';
        if (name[0] >= '0' && name[0] <= '9' && strlen(name) + 2 < name_size) {
            memmove(name + 1, name, strlen(name) + 1);
            name[0] = 'x';
        }
        for (char *p = ns; *p; p++)
            if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
                *p = '_';
    }
}

/* getNameOrDefault: the schema's own name, or ConnectDefault, ConnectDefault2, ... */
static void name_or_default(from_ctx_t *ctx, const char *schema_name, char *ns, size_t ns_size,
                            char *name, size_t name_size)
{
    if (schema_name) {
        split_name(ctx, schema_name, ns, ns_size, name, name_size);
        return;
    }
    int index = ++ctx->name_index;
    snprintf(ns, ns_size, "%s", AV_NAMESPACE);
    if (index > 1)
        snprintf(name, name_size, "ConnectDefault%d", index);
    else
        snprintf(name, name_size, "ConnectDefault");
}

static json_t *named_start(const char *type, const char *ns, const char *name)
{
    json_t *o = json_object();
    json_object_set_new(o, "type", json_string(type));
    json_object_set_new(o, "name", json_string(name));
    if (ns && *ns)
        json_object_set_new(o, "namespace", json_string(ns));
    return o;
}

static void full_name_of(const char *ns, const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s", ns && *ns ? ns : "", ns && *ns ? "." : "", name);
}

/* Avro's JSON form of bytes: an ISO-8859-1 string, each byte one code point. */
static json_t *latin1_string(const uint8_t *b, size_t n)
{
    cd_buf_t s;
    cd_buf_init(&s);
    for (size_t i = 0; i < n; i++) {
        if (b[i] < 0x80) {
            cd_buf_append_char(&s, (char)b[i]);
        } else {
            cd_buf_append_char(&s, (char)(0xC0 | (b[i] >> 6)));
            cd_buf_append_char(&s, (char)(0x80 | (b[i] & 0x3F)));
        }
    }
    json_t *j = json_stringn(s.data ? (const char *)s.data : "", s.len);
    cd_buf_free(&s);
    return j;
}

/* A Connect value -> its JSON default (defaultValueFromConnect). */
static json_t *default_from_connect(from_ctx_t *ctx, const cd_schema_t *schema,
                                    const cd_value_t *value)
{
    if (!value)
        return json_null();
    switch (cd_schema_logical(schema)) {
    case CD_LOGICAL_KIND_DECIMAL: {
        size_t n;
        const uint8_t *b = cd_value_decimal_unscaled(value, &n);
        return latin1_string(b, n);
    }
    case CD_LOGICAL_KIND_DATE: {
        int32_t days;
        char err[128];
        if (cd_logical_date_to_days(cd_value_date_ms(value), &days, err, sizeof(err)) < 0)
            return NULL;
        return json_integer(days);
    }
    case CD_LOGICAL_KIND_TIME: {
        int32_t ms;
        char err[128];
        if (cd_logical_time_to_millis(cd_value_date_ms(value), &ms, err, sizeof(err)) < 0)
            return NULL;
        return json_integer(ms);
    }
    case CD_LOGICAL_KIND_TIMESTAMP:
        return json_integer(cd_value_date_ms(value));
    default:
        break;
    }
    switch (cd_schema_type(schema)) {
    case CD_TYPE_INT8:
    case CD_TYPE_INT16:
    case CD_TYPE_INT32:
    case CD_TYPE_INT64:
        return json_integer(cd_value_as_int64(value));
    case CD_TYPE_FLOAT32:
        return json_real(cd_value_float32(value));
    case CD_TYPE_FLOAT64:
        return json_real(cd_value_float64(value));
    case CD_TYPE_BOOLEAN:
        return json_boolean(cd_value_boolean(value));
    case CD_TYPE_STRING: {
        size_t n;
        const char *s = cd_value_string(value, &n);
        return json_stringn(s, n);
    }
    case CD_TYPE_BYTES: {
        size_t n;
        const uint8_t *b = cd_value_bytes(value, &n);
        return latin1_string(b, n);
    }
    case CD_TYPE_ARRAY: {
        json_t *a = json_array();
        for (size_t i = 0; i < cd_value_array_size(value); i++)
            json_array_append_new(a, default_from_connect(ctx, cd_schema_value_schema(schema),
                                                          cd_value_array_at(value, i)));
        return a;
    }
    case CD_TYPE_MAP: {
        const cd_schema_t *ks = cd_schema_key_schema(schema);
        bool string_keys = cd_schema_type(ks) == CD_TYPE_STRING &&
                           (!cd_schema_is_optional(ks) || ctx->config->allow_optional_map_keys);
        json_t *m = string_keys ? json_object() : json_array();
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            const cd_value_t *k = cd_value_map_key_at(value, i);
            json_t *v = default_from_connect(ctx, cd_schema_value_schema(schema),
                                             cd_value_map_value_at(value, i));
            if (string_keys && k) {
                json_object_set_new(m, cd_value_string(k, NULL), v);
            } else {
                json_t *e = json_object();
                json_object_set_new(e, "key", default_from_connect(ctx, ks, k));
                json_object_set_new(e, "value", v);
                json_array_append_new(m, e);
            }
        }
        return m;
    }
    case CD_TYPE_STRUCT: {
        json_t *o = json_object();
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_field_t *f = cd_schema_field_at(schema, i);
            json_object_set_new(
                o, cd_field_name(f),
                default_from_connect(ctx, cd_field_schema(f), cd_value_struct_get_at(value, i)));
        }
        return o;
    }
    }
    return json_null();
}

static json_t *maybe_optional(const cd_schema_t *schema, json_t *base)
{
    if (!cd_schema_is_optional(schema))
        return base;
    json_t *u = json_array();
    if (cd_schema_default(schema)) {
        json_array_append_new(u, base);
        json_array_append_new(u, json_string("null"));
    } else {
        json_array_append_new(u, json_string("null"));
        json_array_append_new(u, base);
    }
    return u;
}

/* Makes a bare primitive name an object so that properties can be added. */
static json_t *as_object(json_t *base)
{
    if (json_is_object(base))
        return base;
    json_t *o = json_object();
    json_object_set_new(o, "type", base);
    return o;
}

static int add_field(from_ctx_t *ctx, json_t *fields, const char *field_name,
                     const cd_schema_t *field_schema, const char *doc)
{
    json_t *type = from_connect(ctx, field_schema, false);
    if (!type)
        return -1;
    json_t *f = json_object();
    json_object_set_new(f, "name", json_string(field_name));
    json_object_set_new(f, "type", type);
    if (doc)
        json_object_set_new(f, "doc", json_string(doc));
    if (cd_schema_default(field_schema)) {
        json_t *d = default_from_connect(ctx, field_schema, cd_schema_default(field_schema));
        if (d)
            json_object_set_new(f, "default", d);
    } else if (cd_schema_is_optional(field_schema)) {
        json_object_set_new(f, "default", json_null());
    }
    json_array_append_new(fields, f);
    return 0;
}

static bool is_connect_union(const cd_schema_t *schema)
{
    const char *name = cd_schema_name(schema);
    return cd_schema_type(schema) == CD_TYPE_STRUCT && name && strcmp(name, AV_UNION_NAME) == 0;
}

static json_t *from_connect(from_ctx_t *ctx, const cd_schema_t *schema, bool ignore_optional)
{
    char ns[512], name[512], full[1100];
    const char *connect_type = NULL;
    json_t *base = NULL;
    const char *sname = cd_schema_name(schema);
    if (++ctx->depth > CD_AVRO_MAX_DEPTH) {
        snprintf(ctx->errstr, ctx->errstr_size, "Connect schema nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        goto fail;
    }
    switch (cd_schema_type(schema)) {
    case CD_TYPE_INT8:
        connect_type = "int8";
        base = json_string("int");
        break;
    case CD_TYPE_INT16:
        connect_type = "int16";
        base = json_string("int");
        break;
    case CD_TYPE_INT32:
        base = json_string("int");
        break;
    case CD_TYPE_INT64:
        base = json_string("long");
        break;
    case CD_TYPE_FLOAT32:
        base = json_string("float");
        break;
    case CD_TYPE_FLOAT64:
        base = json_string("double");
        break;
    case CD_TYPE_BOOLEAN:
        base = json_string("boolean");
        break;
    case CD_TYPE_STRING: {
        const char *enum_name = cd_schema_parameter(schema, AV_ENUM_PARAM);
        if (ctx->config->enhanced_schema_support && enum_name) {
            /* an Avro enum, symbols from the io.confluent.connect.avro.Enum.<symbol> params */
            char ens[512], en[512];
            split_name(ctx, enum_name, ens, sizeof(ens), en, sizeof(en));
            full_name_of(ens, en, full, sizeof(full));
            if (emitted(ctx, full)) {
                base = json_string(full);
                break;
            }
            base = named_start("enum", ens, en);
            char key[600];
            snprintf(key, sizeof(key), "io.confluent.connect.avro.enum.doc.%s", en);
            if (cd_schema_parameter(schema, key))
                json_object_set_new(base, "doc", json_string(cd_schema_parameter(schema, key)));
            json_t *symbols = json_array();
            size_t plen = strlen(AV_ENUM_PARAM) + 1;
            for (size_t i = 0; i < cd_schema_parameter_count(schema); i++) {
                const char *k = cd_schema_parameter_key(schema, i);
                if (strncmp(k, AV_ENUM_PARAM ".", plen) == 0)
                    json_array_append_new(symbols, json_string(k + plen));
            }
            json_object_set_new(base, "symbols", symbols);
            snprintf(key, sizeof(key), "io.confluent.connect.avro.enum.default.%s", en);
            if (cd_schema_parameter(schema, key))
                json_object_set_new(base, "default", json_string(cd_schema_parameter(schema, key)));
            if (add_emitted(ctx, full) < 0)
                goto oom;
        } else {
            base = json_string("string");
        }
        break;
    }
    case CD_TYPE_BYTES: {
        const char *fixed_size = cd_schema_parameter(schema, "connect.fixed.size");
        if (fixed_size) {
            int32_t size = atoi(fixed_size);
            name_or_default(ctx, sname, ns, sizeof(ns), name, sizeof(name));
            full_name_of(ns, name, full, sizeof(full));
            if (emitted(ctx, full)) {
                base = json_string(full);
                break;
            }
            base = named_start("fixed", ns, name);
            json_object_set_new(base, "size", json_integer(size));
            if (add_emitted(ctx, full) < 0)
                goto oom;
        } else {
            base = json_string("bytes");
        }
        if (cd_schema_logical(schema) == CD_LOGICAL_KIND_DECIMAL) {
            const char *precision = cd_schema_parameter(schema, "connect.decimal.precision");
            base = as_object(base);
            json_object_set_new(base, "scale",
                                json_integer(atoi(cd_schema_parameter(schema, "scale") ?: "0")));
            json_object_set_new(base, "precision", json_integer(precision ? atoi(precision) : 64));
        }
        break;
    }
    case CD_TYPE_ARRAY: {
        json_t *items = from_connect(ctx, cd_schema_value_schema(schema), false);
        if (!items)
            goto fail;
        base = json_object();
        json_object_set_new(base, "type", json_string("array"));
        json_object_set_new(base, "items", items);
        break;
    }
    case CD_TYPE_MAP: {
        const cd_schema_t *ks = cd_schema_key_schema(schema);
        if (cd_schema_type(ks) == CD_TYPE_STRING &&
            (!cd_schema_is_optional(ks) || ctx->config->allow_optional_map_keys)) {
            json_t *values = from_connect(ctx, cd_schema_value_schema(schema), false);
            if (!values)
                goto fail;
            base = json_object();
            json_object_set_new(base, "type", json_string("map"));
            json_object_set_new(base, "values", values);
            break;
        }
        json_t *entry;
        if (!sname) {
            snprintf(full, sizeof(full), "%s", AV_MAP_ENTRY_NAME);
            if (emitted(ctx, full)) {
                entry = json_string(full);
                goto map_array;
            }
            entry = named_start("record", AV_NAMESPACE, "MapEntry");
        } else {
            name_or_default(ctx, sname, ns, sizeof(ns), name, sizeof(name));
            full_name_of(ns, name, full, sizeof(full));
            if (emitted(ctx, full)) {
                entry = json_string(full);
                goto map_array;
            }
            entry = named_start("record", ns, name);
        }
        if (add_emitted(ctx, full) < 0) {
            json_decref(entry);
            goto oom;
        }
        json_t *fields = json_array();
        json_object_set_new(entry, "fields", fields);
        if (add_field(ctx, fields, "key", ks, NULL) < 0 ||
            add_field(ctx, fields, "value", cd_schema_value_schema(schema), NULL) < 0) {
            json_decref(entry);
            goto fail;
        }
        if (sname)
            json_object_set_new(entry, "connect.internal.type", json_string("MapEntry"));
    map_array:
        base = json_object();
        json_object_set_new(base, "type", json_string("array"));
        json_object_set_new(base, "items", entry);
        break;
    }
    case CD_TYPE_STRUCT: {
        if (is_connect_union(schema)) {
            base = json_array();
            if (cd_schema_is_optional(schema))
                json_array_append_new(base, json_string("null"));
            for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
                json_t *member =
                    from_connect(ctx, cd_field_schema(cd_schema_field_at(schema, i)), true);
                if (!member)
                    goto fail;
                json_array_append_new(base, member);
            }
            ctx->depth--;
            return base; /* unions carry no properties */
        }
        if (cd_schema_is_optional(schema) && !ignore_optional) {
            json_t *inner = from_connect(ctx, schema, true);
            if (!inner)
                goto fail;
            base = json_array();
            if (cd_schema_default(schema)) {
                json_array_append_new(base, inner);
                json_array_append_new(base, json_string("null"));
            } else {
                json_array_append_new(base, json_string("null"));
                json_array_append_new(base, inner);
            }
            ctx->depth--;
            return base;
        }
        const char *again = seen_find(ctx, schema);
        if (again) {
            ctx->depth--;
            return json_string(again);
        }
        name_or_default(ctx, sname, ns, sizeof(ns), name, sizeof(name));
        full_name_of(ns, name, full, sizeof(full));
        if (emitted(ctx, full)) { /* a recursive reference or a reused name */
            ctx->depth--;
            return json_string(full);
        }
        base = named_start("record", ns, name);
        const char *doc = cd_schema_parameter(schema, "io.confluent.connect.avro.record.doc");
        if (doc)
            json_object_set_new(base, "doc", json_string(doc));
        if (add_emitted(ctx, full) < 0 || seen_add(ctx, schema, full) < 0)
            goto oom;
        json_t *fields = json_array();
        json_object_set_new(base, "fields", fields);
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_field_t *f = cd_schema_field_at(schema, i);
            char key[600], fname[512], fns[8];
            snprintf(key, sizeof(key), "io.confluent.connect.avro.field.doc.%s", cd_field_name(f));
            if (ctx->config->scrub_invalid_names)
                split_name(ctx, cd_field_name(f), fns, sizeof(fns), fname, sizeof(fname));
            else
                snprintf(fname, sizeof(fname), "%s", cd_field_name(f));
            if (add_field(ctx, fields, fname, cd_field_schema(f),
                          cd_schema_parameter(schema, key)) < 0)
                goto fail;
        }
        break;
    }
    }
    if (!base)
        goto oom;

    /* metadata on the non-union type */
    if (ctx->config->connect_meta_data) {
        if (cd_schema_doc(schema))
            json_object_set_new(base = as_object(base), "connect.doc",
                                json_string(cd_schema_doc(schema)));
        if (cd_schema_has_version(schema))
            json_object_set_new(base = as_object(base), "connect.version",
                                json_integer(cd_schema_version(schema)));
        if (cd_schema_parameter_count(schema) > 0) {
            json_t *params = json_object();
            for (size_t i = 0; i < cd_schema_parameter_count(schema); i++)
                json_object_set_new(params, cd_schema_parameter_key(schema, i),
                                    json_string(cd_schema_parameter_value(schema, i)));
            json_object_set_new(base = as_object(base), "connect.parameters", params);
        }
        if (cd_schema_default(schema) &&
            !cd_schema_parameter(schema, "io.confluent.connect.avro.field.default")) {
            json_t *d = default_from_connect(ctx, schema, cd_schema_default(schema));
            if (d)
                json_object_set_new(base = as_object(base), "connect.default", d);
        }
        if (sname)
            json_object_set_new(base = as_object(base), "connect.name", json_string(sname));
        if (connect_type)
            json_object_set_new(base = as_object(base), "connect.type", json_string(connect_type));
    }
    switch (cd_schema_logical(schema)) {
    case CD_LOGICAL_KIND_DECIMAL:
        json_object_set_new(base = as_object(base), "logicalType", json_string("decimal"));
        break;
    case CD_LOGICAL_KIND_DATE:
        json_object_set_new(base = as_object(base), "logicalType", json_string("date"));
        break;
    case CD_LOGICAL_KIND_TIME:
        json_object_set_new(base = as_object(base), "logicalType", json_string("time-millis"));
        break;
    case CD_LOGICAL_KIND_TIMESTAMP:
        json_object_set_new(base = as_object(base), "logicalType", json_string("timestamp-millis"));
        break;
    default:
        break;
    }
    for (size_t i = 0; i < cd_schema_parameter_count(schema); i++) {
        const char *k = cd_schema_parameter_key(schema, i);
        if (strncmp(k, "avro", 4) == 0)
            json_object_set_new(base = as_object(base), k,
                                json_string(cd_schema_parameter_value(schema, i)));
    }
    ctx->depth--;
    if (ignore_optional)
        return base;
    return maybe_optional(schema, base);
oom:
    snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
fail:
    json_decref(base);
    ctx->depth--;
    return NULL;
}

/* io.confluent.connect.avro.Anything: a self-referencing record of optional fields. */
static const char ANYTHING_SCHEMA[] =
    "{\"type\":\"record\",\"name\":\"Anything\",\"namespace\":\"io.confluent.connect.avro\","
    "\"fields\":[{\"name\":\"boolean\",\"type\":[\"null\",\"boolean\"],\"default\":null},"
    "{\"name\":\"bytes\",\"type\":[\"null\",\"bytes\"],\"default\":null},"
    "{\"name\":\"double\",\"type\":[\"null\",\"double\"],\"default\":null},"
    "{\"name\":\"float\",\"type\":[\"null\",\"float\"],\"default\":null},"
    "{\"name\":\"int\",\"type\":[\"null\",\"int\"],\"default\":null},"
    "{\"name\":\"long\",\"type\":[\"null\",\"long\"],\"default\":null},"
    "{\"name\":\"string\",\"type\":[\"null\",\"string\"],\"default\":null},"
    "{\"name\":\"array\",\"type\":[\"null\",{\"type\":\"array\",\"items\":\"Anything\"}],"
    "\"default\":null},"
    "{\"name\":\"map\",\"type\":[\"null\",{\"type\":\"array\",\"items\":{\"type\":\"record\","
    "\"name\":\"MapEntry\",\"fields\":[{\"name\":\"key\",\"type\":\"Anything\"},"
    "{\"name\":\"value\",\"type\":\"Anything\"}]}}],\"default\":null}]}";

cd_avro_schema_t *cd_avro_schema_from_connect(const cd_avro_data_config_t *config,
                                              const cd_schema_t *schema, char *errstr,
                                              size_t errstr_size)
{
    if (!schema)
        return cd_avro_schema_parse(ANYTHING_SCHEMA, sizeof(ANYTHING_SCHEMA) - 1, errstr,
                                    errstr_size);
    from_ctx_t ctx = {.config = config, .errstr = errstr, .errstr_size = errstr_size};
    json_t *json = from_connect(&ctx, schema, false);
    for (size_t i = 0; i < ctx.nseen; i++)
        free(ctx.seen[i].full_name);
    free(ctx.seen);
    for (size_t i = 0; i < ctx.nemitted; i++)
        free(ctx.emitted[i]);
    free(ctx.emitted);
    if (!json)
        return NULL;
    return schema_from_json(json, errstr, errstr_size);
}

void cd_avro_data_config_defaults(cd_avro_data_config_t *config)
{
    memset(config, 0, sizeof(*config));
    config->connect_meta_data = true;
    config->flatten_singleton_unions = true;
}
