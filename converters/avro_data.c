/*
 * avro_data.c: Confluent AvroData's other half for the AvroConverter.
 *
 *   - cd_avro_to_connect_schema: an Avro schema tree -> a Connect schema
 *     (toConnectSchema: connect.* properties, logical types, enums as STRING
 *     with io.confluent.connect.avro.Enum parameters, ["null",T] as optional
 *     T, other unions as io.confluent.connect.avro.Union structs, MapEntry
 *     arrays as maps, ConnectDefault names dropped, defaults);
 *   - cd_avro_encode: Connect value -> Avro C generic value -> Avro binary;
 *   - cd_avro_decode: Avro binary -> Connect value with a bounded reader
 *     (every length and block count checked against the bytes left; at most
 *     CD_AVRO_MAX_ELEMENTS elements and CD_AVRO_MAX_DEPTH nesting per datum).
 */
#include "avro_schema_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MS_PER_DAY 86400000LL

static bool is_union_struct(const cd_schema_t *schema)
{
    const char *name = cd_schema_name(schema);
    return cd_schema_type(schema) == CD_TYPE_STRUCT && name && strcmp(name, AV_UNION_NAME) == 0;
}

/* ------------------------------------------------------------------ */
/* Avro -> Connect schema                                               */
/* ------------------------------------------------------------------ */

typedef struct to_ctx_s {
    const cd_avro_data_config_t *config;
    char *errstr;
    size_t errstr_size;
    int depth;
    const av_node_t *stack[CD_AVRO_MAX_DEPTH + 2]; /* records being converted */
    int nstack;
} to_ctx_t;

static cd_schema_t *to_connect(to_ctx_t *ctx, const av_node_t *node, bool force_optional,
                               json_t *field_default, int32_t version);

/* A JSON default of an Avro type -> a Connect value of @p schema (defaultValueFromAvro). */
static cd_value_t *default_from_avro(to_ctx_t *ctx, const cd_schema_t *schema,
                                     const av_node_t *node, json_t *j, int depth)
{
    if (!j || json_is_null(j) || depth > CD_AVRO_MAX_DEPTH)
        return NULL;
    if (node->type == AV_UNION) /* a union's default is of its first type */
        return node->nbranches ? default_from_avro(ctx, schema, node->branches[0], j, depth + 1)
                               : NULL;
    switch (cd_schema_logical(schema)) {
    case CD_LOGICAL_KIND_DATE:
        return json_is_integer(j) ? cd_value_new_date(json_integer_value(j) * MS_PER_DAY) : NULL;
    case CD_LOGICAL_KIND_TIME:
    case CD_LOGICAL_KIND_TIMESTAMP:
        return json_is_integer(j) ? cd_value_new_date(json_integer_value(j)) : NULL;
    default:
        break;
    }
    switch (cd_schema_type(schema)) {
    case CD_TYPE_INT8:
        return json_is_integer(j) ? cd_value_new_int8((int8_t)json_integer_value(j)) : NULL;
    case CD_TYPE_INT16:
        return json_is_integer(j) ? cd_value_new_int16((int16_t)json_integer_value(j)) : NULL;
    case CD_TYPE_INT32:
        return json_is_integer(j) ? cd_value_new_int32((int32_t)json_integer_value(j)) : NULL;
    case CD_TYPE_INT64:
        return json_is_integer(j) ? cd_value_new_int64(json_integer_value(j)) : NULL;
    case CD_TYPE_FLOAT32:
        return json_is_number(j) ? cd_value_new_float32((float)json_number_value(j)) : NULL;
    case CD_TYPE_FLOAT64:
        return json_is_number(j) ? cd_value_new_float64(json_number_value(j)) : NULL;
    case CD_TYPE_BOOLEAN:
        return json_is_boolean(j) ? cd_value_new_boolean(json_is_true(j)) : NULL;
    case CD_TYPE_STRING:
        return json_is_string(j) ? cd_value_new_string(json_string_value(j), json_string_length(j))
                                 : NULL;
    case CD_TYPE_BYTES: {
        if (!json_is_string(j))
            return NULL;
        /* ISO-8859-1: each code point < 256 is one byte */
        const unsigned char *s = (const unsigned char *)json_string_value(j);
        size_t n = json_string_length(j), o = 0;
        uint8_t *b = malloc(n ? n : 1);
        if (!b)
            return NULL;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < 0x80) {
                b[o++] = s[i];
            } else if ((s[i] & 0xE0) == 0xC0 && i + 1 < n && s[i] <= 0xC3) {
                b[o++] = (uint8_t)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3F));
                i++;
            } else {
                free(b);
                return NULL;
            }
        }
        cd_value_t *v;
        if (cd_schema_logical(schema) == CD_LOGICAL_KIND_DECIMAL) {
            bool ok;
            int32_t scale = cd_schema_decimal_scale(schema, &ok);
            v = o ? cd_value_new_decimal(b, o, scale) : NULL;
        } else {
            v = cd_value_new_bytes(b, o);
        }
        free(b);
        return v;
    }
    case CD_TYPE_ARRAY: {
        if (!json_is_array(j) || node->type != AV_ARRAY)
            return NULL;
        cd_value_t *a = cd_value_new_array();
        for (size_t i = 0; i < json_array_size(j); i++) {
            cd_value_t *e = default_from_avro(ctx, cd_schema_value_schema(schema), node->items,
                                              json_array_get(j, i), depth + 1);
            if (!e && !cd_schema_is_optional(cd_schema_value_schema(schema))) {
                cd_value_destroy(a);
                return NULL;
            }
            cd_value_array_append(a, e);
        }
        return a;
    }
    case CD_TYPE_MAP: {
        if (node->type != AV_MAP || !json_is_object(j))
            return NULL; /* MapEntry-array defaults are not carried over */
        cd_value_t *m = cd_value_new_map();
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v)
        {
            cd_value_t *e =
                default_from_avro(ctx, cd_schema_value_schema(schema), node->items, v, depth + 1);
            if (!e && !cd_schema_is_optional(cd_schema_value_schema(schema))) {
                cd_value_destroy(m);
                return NULL;
            }
            cd_value_map_append(m, cd_value_new_cstring(k), e);
        }
        return m;
    }
    case CD_TYPE_STRUCT: {
        if (node->type != AV_RECORD || !json_is_object(j))
            return NULL;
        cd_value_t *st = cd_value_new_struct(schema);
        for (size_t i = 0; i < node->nfields && i < cd_schema_field_count(schema); i++) {
            const cd_field_t *f = cd_schema_field_at(schema, i);
            json_t *fj = json_object_get(j, node->fields[i].name);
            if (!fj)
                fj = json_object_get(node->fields[i].json, "default");
            cd_value_t *fv =
                default_from_avro(ctx, cd_field_schema(f), node->fields[i].type, fj, depth + 1);
            if (fv)
                cd_value_struct_set(st, i, fv);
        }
        char err[256];
        if (cd_value_struct_validate(st, err, sizeof(err)) < 0) {
            cd_value_destroy(st);
            return NULL;
        }
        return st;
    }
    }
    return NULL;
}

static int apply_metadata(to_ctx_t *ctx, cd_schema_t *s, const av_node_t *node,
                          json_t *field_default, int32_t version, bool force_optional)
{
    json_t *obj = node->json && json_is_object(node->json) ? node->json : NULL;
    const cd_avro_data_config_t *cfg = ctx->config;
    if (obj && cfg->connect_meta_data) {
        const char *doc = json_string_value(json_object_get(obj, "connect.doc"));
        if (doc)
            cd_schema_set_doc(s, doc);
    }
    json_t *v = obj ? json_object_get(obj, "connect.version") : NULL;
    int32_t version_int = -1;
    if (v) {
        if (!json_is_integer(v)) {
            snprintf(ctx->errstr, ctx->errstr_size, "Invalid Connect version found: %s",
                     json_is_string(v) ? json_string_value(v) : "(not a number)");
            return -1;
        }
        version_int = (int32_t)json_integer_value(v);
    } else if (version >= 0) {
        version_int = version;
    }
    if (version_int >= 0) {
        if (cd_schema_has_version(s) && cd_schema_version(s) != version_int) {
            snprintf(ctx->errstr, ctx->errstr_size,
                     "Mismatched versions: version already added to SchemaBuilder (%d) differs "
                     "from version in source schema (%d)",
                     cd_schema_version(s), version_int);
            return -1;
        }
        cd_schema_set_version(s, version_int);
    }
    json_t *params = obj ? json_object_get(obj, "connect.parameters") : NULL;
    if (cfg->connect_meta_data && params) {
        if (!json_is_object(params)) {
            snprintf(ctx->errstr, ctx->errstr_size,
                     "Expected JSON object for schema parameters but found: %s",
                     json_is_array(params) ? "an array" : "a scalar");
            return -1;
        }
        const char *k;
        json_t *pv;
        json_object_foreach(params, k, pv)
        {
            if (!json_is_string(pv)) {
                snprintf(ctx->errstr, ctx->errstr_size,
                         "Expected schema parameter values to be strings but found: %s",
                         json_is_integer(pv) ? "a number" : "a non-string");
                return -1;
            }
            cd_schema_set_parameter(s, k, json_string_value(pv));
        }
    }
    if (obj) {
        const char *k;
        json_t *pv;
        json_object_foreach(obj, k, pv)
        {
            if (strncmp(k, "avro", 4) == 0 && json_is_string(pv))
                cd_schema_set_parameter(s, k, json_string_value(pv));
        }
    }
    json_t *connect_default = obj ? json_object_get(obj, "connect.default") : NULL;
    if (!field_default)
        field_default = connect_default;
    else if (cfg->connect_meta_data && !connect_default)
        cd_schema_set_parameter(s, "io.confluent.connect.avro.field.default", "true");
    const char *name = obj ? json_string_value(json_object_get(obj, "connect.name")) : NULL;
    if (obj && json_object_get(obj, "connect.name") && !name) {
        snprintf(ctx->errstr, ctx->errstr_size, "Invalid schema name: %s", "(not a string)");
        return -1;
    }
    if (!name && (node->type == AV_RECORD || node->type == AV_ENUM))
        name = node->full_name;
    else if (!name && node->type == AV_FIXED && cd_schema_logical(s) != CD_LOGICAL_KIND_DECIMAL)
        name = node->full_name;
    if (name && strncmp(name, AV_DEFAULT_NAME, strlen(AV_DEFAULT_NAME)) != 0) {
        if (cd_schema_name(s) && strcmp(cd_schema_name(s), name) != 0) {
            snprintf(ctx->errstr, ctx->errstr_size,
                     "Mismatched names: name already added to SchemaBuilder (%.200s) differs from "
                     "name in source schema (%.200s)",
                     cd_schema_name(s), name);
            return -1;
        }
        cd_schema_set_name(s, name);
    }
    if (force_optional)
        cd_schema_set_optional(s, true);
    if (field_default && !json_is_null(field_default)) {
        cd_value_t *d = default_from_avro(ctx, s, node, field_default, 0);
        char err[256];
        if (d)
            (void)cd_schema_set_default(s, d, err, sizeof(err)); /* invalid: ignored, as Java */
    }
    return 0;
}

static cd_schema_t *to_connect(to_ctx_t *ctx, const av_node_t *node, bool force_optional,
                               json_t *field_default, int32_t version)
{
    cd_schema_t *s = NULL;
    const char *logical = node->logical_type;
    char err[256];
    if (ctx->depth >= CD_AVRO_MAX_DEPTH) {
        snprintf(ctx->errstr, ctx->errstr_size, "Avro schema nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        return NULL;
    }
    ctx->depth++;
    switch (node->type) {
    case AV_BOOLEAN:
        s = cd_schema_new(CD_TYPE_BOOLEAN);
        break;
    case AV_BYTES:
    case AV_FIXED:
        if (logical && strcasecmp(logical, "decimal") == 0) {
            json_t *scale = json_object_get(node->json, "scale");
            json_t *precision = json_object_get(node->json, "precision");
            s = cd_schema_new_decimal(json_is_integer(scale) ? (int32_t)json_integer_value(scale)
                                                             : 0);
            if (precision) {
                if (!json_is_integer(precision)) {
                    snprintf(ctx->errstr, ctx->errstr_size,
                             "precision property must be a JSON Integer. "
                             "https://avro.apache.org/docs/1.9.1/spec.html#Decimal");
                    goto fail;
                }
                if (json_integer_value(precision) != 64) {
                    char text[32];
                    snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(precision));
                    cd_schema_set_parameter(s, "connect.decimal.precision", text);
                }
            }
        } else {
            s = cd_schema_new(CD_TYPE_BYTES);
        }
        if (node->type == AV_FIXED) {
            char text[32];
            snprintf(text, sizeof(text), "%lld", (long long)node->fixed_size);
            cd_schema_set_parameter(s, "connect.fixed.size", text);
        }
        break;
    case AV_DOUBLE:
        s = cd_schema_new(CD_TYPE_FLOAT64);
        break;
    case AV_FLOAT:
        s = cd_schema_new(CD_TYPE_FLOAT32);
        break;
    case AV_INT:
        if (!node->connect_type && !logical) {
            s = cd_schema_new(CD_TYPE_INT32);
        } else if (logical) {
            if (strcasecmp(logical, "date") == 0)
                s = cd_schema_new_date();
            else if (strcasecmp(logical, "time-millis") == 0)
                s = cd_schema_new_time();
            else
                s = cd_schema_new(CD_TYPE_INT32);
        } else {
            cd_type_t t;
            if (!cd_type_from_json_name(node->connect_type, &t) || !cd_type_is_primitive(t)) {
                snprintf(ctx->errstr, ctx->errstr_size,
                         "Connect type annotation for Avro int field is null");
                goto fail;
            }
            s = cd_schema_new(t);
        }
        break;
    case AV_LONG:
        s = logical && strcasecmp(logical, "timestamp-millis") == 0 ? cd_schema_new_timestamp()
                                                                    : cd_schema_new(CD_TYPE_INT64);
        break;
    case AV_STRING:
        s = cd_schema_new(CD_TYPE_STRING);
        break;
    case AV_ARRAY:
        if (av_node_is_map_entry(node->items)) {
            const av_node_t *e = node->items;
            if (e->nfields != 2 || strcmp(e->fields[0].name, "key") != 0 ||
                strcmp(e->fields[1].name, "value") != 0) {
                snprintf(ctx->errstr, ctx->errstr_size,
                         "Found map encoded as array of key-value pairs, but array elements do "
                         "not match the expected format.");
                goto fail;
            }
            cd_schema_t *k = to_connect(ctx, e->fields[0].type, false, NULL, -1);
            cd_schema_t *v = k ? to_connect(ctx, e->fields[1].type, false, NULL, -1) : NULL;
            if (!v) {
                cd_schema_unref(k);
                goto fail;
            }
            s = cd_schema_new_map(k, v);
        } else {
            cd_schema_t *items = to_connect(ctx, node->items, false, NULL, -1);
            if (!items)
                goto fail;
            s = cd_schema_new_array(items);
        }
        break;
    case AV_MAP: {
        cd_schema_t *v = to_connect(ctx, node->items, false, NULL, -1);
        if (!v)
            goto fail;
        s = cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), v);
        break;
    }
    case AV_RECORD: {
        for (int i = 0; i < ctx->nstack; i++)
            if (ctx->stack[i] == node) {
                snprintf(ctx->errstr, ctx->errstr_size,
                         "Recursive Avro schemas are not supported: %.200s", node->full_name);
                goto fail;
            }
        ctx->stack[ctx->nstack++] = node;
        s = cd_schema_new_struct();
        const char *doc = json_string_value(json_object_get(node->json, "doc"));
        if (ctx->config->connect_meta_data && doc)
            cd_schema_set_parameter(s, "io.confluent.connect.avro.record.doc", doc);
        for (size_t i = 0; i < node->nfields; i++) {
            const av_field_t *f = &node->fields[i];
            const char *fdoc = json_string_value(json_object_get(f->json, "doc"));
            if (ctx->config->connect_meta_data && fdoc) {
                char key[600];
                snprintf(key, sizeof(key), "io.confluent.connect.avro.field.doc.%s", f->name);
                cd_schema_set_parameter(s, key, fdoc);
            }
            cd_schema_t *fs =
                to_connect(ctx, f->type, false, json_object_get(f->json, "default"), -1);
            if (!fs) {
                ctx->nstack--;
                goto fail;
            }
            if (cd_schema_add_field(s, f->name, fs, err, sizeof(err)) < 0) {
                snprintf(ctx->errstr, ctx->errstr_size, "%s", err);
                ctx->nstack--;
                goto fail;
            }
        }
        ctx->nstack--;
        break;
    }
    case AV_ENUM: {
        s = cd_schema_new(CD_TYPE_STRING);
        char key[600];
        const char *doc = json_string_value(json_object_get(node->json, "doc"));
        const char *def = json_string_value(json_object_get(node->json, "default"));
        if (ctx->config->connect_meta_data && doc) {
            snprintf(key, sizeof(key), "io.confluent.connect.avro.enum.doc.%s", node->name);
            cd_schema_set_parameter(s, key, doc);
        }
        if (ctx->config->connect_meta_data && def) {
            snprintf(key, sizeof(key), "io.confluent.connect.avro.enum.default.%s", node->name);
            cd_schema_set_parameter(s, key, def);
        }
        cd_schema_set_parameter(s, AV_ENUM_PARAM, node->full_name);
        for (size_t i = 0; i < node->nsymbols; i++) {
            snprintf(key, sizeof(key), "%s.%s", AV_ENUM_PARAM, node->symbols[i]);
            cd_schema_set_parameter(s, key, node->symbols[i]);
        }
        break;
    }
    case AV_UNION: {
        if (node->nbranches == 1 && ctx->config->flatten_singleton_unions) {
            ctx->depth--;
            return to_connect(ctx, node->branches[0], false, NULL, -1);
        }
        if (node->nbranches == 2) {
            int null_at = node->branches[0]->type == AV_NULL   ? 0
                          : node->branches[1]->type == AV_NULL ? 1
                                                               : -1;
            if (null_at >= 0) {
                ctx->depth--;
                return to_connect(ctx, node->branches[1 - null_at], true, NULL, -1);
            }
        }
        s = cd_schema_new_struct();
        cd_schema_set_name(s, AV_UNION_NAME);
        for (size_t i = 0; i < node->nbranches; i++) {
            const av_node_t *b = node->branches[i];
            if (b->type == AV_NULL) {
                cd_schema_set_optional(s, true);
                continue;
            }
            const char *fname = av_union_member_name(ctx->config, b);
            if (cd_schema_field(s, fname)) {
                snprintf(ctx->errstr, ctx->errstr_size,
                         "Multiple union schemas map to the Connect union field name");
                goto fail;
            }
            cd_schema_t *fs = to_connect(ctx, b, true, NULL, -1);
            if (!fs)
                goto fail;
            if (cd_schema_add_field(s, fname, fs, err, sizeof(err)) < 0) {
                snprintf(ctx->errstr, ctx->errstr_size, "%s", err);
                goto fail;
            }
        }
        ctx->depth--;
        if (force_optional)
            cd_schema_set_optional(s, true);
        return s;
    }
    case AV_NULL:
        snprintf(ctx->errstr, ctx->errstr_size,
                 "Standalone null schemas are not supported by this converter");
        goto fail;
    }
    if (!s) {
        snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
        goto fail;
    }
    if (apply_metadata(ctx, s, node, field_default, version, force_optional) < 0)
        goto fail;
    ctx->depth--;
    return s;
fail:
    cd_schema_unref(s);
    ctx->depth--;
    return NULL;
}

cd_schema_t *cd_avro_to_connect_schema(const cd_avro_data_config_t *config,
                                       const cd_avro_schema_t *avro, int32_t version,
                                       bool *schemaless, char *errstr, size_t errstr_size)
{
    *schemaless = false;
    if (avro->root->full_name && strcmp(avro->root->full_name, AV_ANYTHING_NAME) == 0) {
        *schemaless = true;
        return NULL;
    }
    to_ctx_t ctx = {.config = config, .errstr = errstr, .errstr_size = errstr_size};
    return to_connect(&ctx, avro->root, false, NULL, version);
}

/* ------------------------------------------------------------------ */
/* Encoding: Connect value -> Avro C generic value -> binary            */
/* ------------------------------------------------------------------ */

struct cd_avro_encoder_s {
    const cd_avro_schema_t *writer;
    avro_value_iface_t *iface;
    avro_value_t value;
    cd_buf_t scratch;
};

cd_avro_encoder_t *cd_avro_encoder_new(const cd_avro_schema_t *writer, char *errstr,
                                       size_t errstr_size)
{
    cd_avro_encoder_t *enc = calloc(1, sizeof(*enc));
    if (!enc)
        goto oom;
    enc->writer = writer;
    cd_buf_init(&enc->scratch);
    if (!(enc->iface = avro_generic_class_from_schema(writer->avro))) {
        snprintf(errstr, errstr_size, "Avro C cannot write this schema: %s", avro_strerror());
        free(enc);
        return NULL;
    }
    if (avro_generic_value_new(enc->iface, &enc->value) != 0) {
        snprintf(errstr, errstr_size, "Avro C cannot write this schema: %s", avro_strerror());
        avro_value_iface_decref(enc->iface);
        free(enc);
        return NULL;
    }
    return enc;
oom:
    snprintf(errstr, errstr_size, "out of memory");
    return NULL;
}

void cd_avro_encoder_destroy(cd_avro_encoder_t *enc)
{
    if (!enc)
        return;
    avro_value_decref(&enc->value);
    avro_value_iface_decref(enc->iface);
    cd_buf_free(&enc->scratch);
    free(enc);
}

typedef struct enc_ctx_s {
    char *errstr;
    size_t errstr_size;
    int depth;
} enc_ctx_t;

static int fill(enc_ctx_t *ctx, const av_node_t *node, avro_value_t *av, const cd_schema_t *schema,
                const cd_value_t *value);

#define AVRO_CHECK(call)                                                                           \
    do {                                                                                           \
        if ((call) != 0) {                                                                         \
            snprintf(ctx->errstr, ctx->errstr_size, "Error serializing Avro message: %s",          \
                     avro_strerror());                                                             \
            return -1;                                                                             \
        }                                                                                          \
    } while (0)

static int type_error(enc_ctx_t *ctx, const av_node_t *node, const cd_schema_t *schema)
{
    static const char *const names[] = {"null",   "boolean", "int",    "long",   "float",
                                        "double", "bytes",   "string", "record", "enum",
                                        "array",  "map",     "union",  "fixed"};
    snprintf(ctx->errstr, ctx->errstr_size,
             "Error serializing Avro message: a Connect %s cannot be written as Avro %s",
             schema ? cd_type_name(cd_schema_type(schema)) : "schemaless value", names[node->type]);
    return -1;
}

/* The union branch for a value: null, or the branch matching the Connect schema. */
static int pick_branch(enc_ctx_t *ctx, const av_node_t *node, const cd_schema_t *schema,
                       const cd_value_t *value, const cd_schema_t **member_schema,
                       const cd_value_t **member_value)
{
    *member_schema = schema;
    *member_value = value;
    if (!value) {
        for (size_t i = 0; i < node->nbranches; i++)
            if (node->branches[i]->type == AV_NULL)
                return (int)i;
        snprintf(ctx->errstr, ctx->errstr_size,
                 "Error serializing Avro message: null is not in union %s", "(no null branch)");
        return -1;
    }
    if (schema && is_union_struct(schema)) {
        /* io.confluent.connect.avro.Union: the first non-null field picks the member */
        size_t fields = cd_schema_field_count(schema);
        for (size_t i = 0; i < fields; i++) {
            const cd_value_t *fv = cd_value_struct_get_at(value, i);
            if (!fv)
                continue;
            const cd_field_t *f = cd_schema_field_at(schema, i);
            for (size_t b = 0; b < node->nbranches; b++) {
                const av_node_t *br = node->branches[b];
                if (br->type == AV_NULL)
                    continue;
                const char *bn = br->full_name ? br->name : NULL;
                const char *fname = cd_field_name(f);
                const char *fdot = strrchr(fname, '.');
                bool match =
                    bn ? strcmp(bn, fdot ? fdot + 1 : fname) == 0
                       : strcmp(av_union_member_name(&(cd_avro_data_config_t){0}, br), fname) == 0;
                if (match) {
                    *member_schema = cd_field_schema(f);
                    *member_value = fv;
                    return (int)b;
                }
            }
            snprintf(ctx->errstr, ctx->errstr_size,
                     "Error serializing Avro message: union member %.200s not in the Avro union",
                     cd_field_name(f));
            return -1;
        }
        return pick_branch(ctx, node, schema, NULL, member_schema, member_value);
    }
    /* optional T: the one non-null branch (or the first one of a compatible type) */
    int first = -1;
    for (size_t i = 0; i < node->nbranches; i++)
        if (node->branches[i]->type != AV_NULL) {
            if (first < 0)
                first = (int)i;
        }
    if (first < 0) {
        snprintf(ctx->errstr, ctx->errstr_size,
                 "Error serializing Avro message: union has only null");
        return -1;
    }
    return first;
}

static int fill_anything(enc_ctx_t *ctx, const av_node_t *node, avro_value_t *av,
                         const cd_value_t *value);

static int fill(enc_ctx_t *ctx, const av_node_t *node, avro_value_t *av, const cd_schema_t *schema,
                const cd_value_t *value)
{
    avro_value_t child;
    char err[256];
    if (ctx->depth > CD_AVRO_MAX_DEPTH) {
        snprintf(ctx->errstr, ctx->errstr_size, "Connect value nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        return -1;
    }
    if (!schema && node->type == AV_RECORD && strcmp(node->full_name, AV_ANYTHING_NAME) == 0)
        return fill_anything(ctx, node, av, value);
    if (!value && schema && cd_schema_default(schema))
        value = cd_schema_default(schema); /* Struct.get: a field's default stands for null */
    if (node->type == AV_UNION) {
        const cd_schema_t *ms;
        const cd_value_t *mv;
        int b = pick_branch(ctx, node, schema, value, &ms, &mv);
        if (b < 0)
            return -1;
        AVRO_CHECK(avro_value_set_branch(av, b, &child));
        ctx->depth++;
        int rc = fill(ctx, node->branches[b], &child, ms, mv);
        ctx->depth--;
        return rc;
    }
    if (!value) {
        if (node->type == AV_NULL)
            return 0;
        snprintf(ctx->errstr, ctx->errstr_size,
                 "Error serializing Avro message: null value for a non-optional Avro %s",
                 node->full_name ? node->full_name : "field");
        return -1;
    }
    if (!schema)
        return type_error(ctx, node, schema);
    cd_type_t t = cd_schema_type(schema);
    cd_logical_t logical = cd_schema_logical(schema);
    switch (node->type) {
    case AV_NULL:
        return type_error(ctx, node, schema);
    case AV_BOOLEAN:
        if (t != CD_TYPE_BOOLEAN)
            return type_error(ctx, node, schema);
        AVRO_CHECK(avro_value_set_boolean(av, cd_value_boolean(value)));
        return 0;
    case AV_INT: {
        int32_t i;
        if (logical == CD_LOGICAL_KIND_DATE) {
            if (cd_logical_date_to_days(cd_value_date_ms(value), &i, err, sizeof(err)) < 0)
                goto data_error;
        } else if (logical == CD_LOGICAL_KIND_TIME) {
            if (cd_logical_time_to_millis(cd_value_date_ms(value), &i, err, sizeof(err)) < 0)
                goto data_error;
        } else if (t == CD_TYPE_INT8 || t == CD_TYPE_INT16 || t == CD_TYPE_INT32) {
            i = (int32_t)cd_value_as_int64(value);
        } else {
            return type_error(ctx, node, schema);
        }
        AVRO_CHECK(avro_value_set_int(av, i));
        return 0;
    }
    case AV_LONG:
        if (logical == CD_LOGICAL_KIND_TIMESTAMP) {
            AVRO_CHECK(avro_value_set_long(av, cd_value_date_ms(value)));
        } else if (t == CD_TYPE_INT8 || t == CD_TYPE_INT16 || t == CD_TYPE_INT32 ||
                   t == CD_TYPE_INT64) {
            AVRO_CHECK(avro_value_set_long(av, cd_value_as_int64(value)));
        } else {
            return type_error(ctx, node, schema);
        }
        return 0;
    case AV_FLOAT:
        if (t != CD_TYPE_FLOAT32)
            return type_error(ctx, node, schema);
        AVRO_CHECK(avro_value_set_float(av, cd_value_float32(value)));
        return 0;
    case AV_DOUBLE:
        if (t == CD_TYPE_FLOAT64)
            AVRO_CHECK(avro_value_set_double(av, cd_value_float64(value)));
        else if (t == CD_TYPE_FLOAT32)
            AVRO_CHECK(avro_value_set_double(av, cd_value_float32(value)));
        else
            return type_error(ctx, node, schema);
        return 0;
    case AV_STRING: {
        if (t != CD_TYPE_STRING)
            return type_error(ctx, node, schema);
        size_t n;
        const char *s = cd_value_string(value, &n);
        AVRO_CHECK(avro_value_set_string_len(av, s, n + 1)); /* size counts the NUL */
        return 0;
    }
    case AV_BYTES:
    case AV_FIXED: {
        const uint8_t *b;
        size_t n;
        if (t != CD_TYPE_BYTES)
            return type_error(ctx, node, schema);
        if (logical == CD_LOGICAL_KIND_DECIMAL) {
            if (cd_logical_decimal_check_scale(schema, value, err, sizeof(err)) < 0)
                goto data_error;
            b = cd_value_decimal_unscaled(value, &n);
        } else {
            b = cd_value_bytes(value, &n);
        }
        if (node->type == AV_BYTES) {
            AVRO_CHECK(avro_value_set_bytes(av, (void *)b, n));
            return 0;
        }
        size_t size = (size_t)node->fixed_size;
        if (n == size) {
            AVRO_CHECK(avro_value_set_fixed(av, (void *)b, n));
            return 0;
        }
        if (logical == CD_LOGICAL_KIND_DECIMAL && n < size) { /* padToFixedSize: sign-extend */
            uint8_t *pad = malloc(size ? size : 1);
            if (!pad)
                goto oom;
            memset(pad, n && (b[0] & 0x80) ? 0xFF : 0x00, size - n);
            memcpy(pad + size - n, b, n);
            int rc = avro_value_set_fixed(av, pad, size);
            free(pad);
            AVRO_CHECK(rc);
            return 0;
        }
        snprintf(ctx->errstr, ctx->errstr_size,
                 "Error serializing Avro message: %zu bytes for fixed %.200s of size %zu", n,
                 node->full_name, size);
        return -1;
    }
    case AV_ENUM: {
        if (t != CD_TYPE_STRING)
            return type_error(ctx, node, schema);
        const char *s = cd_value_string(value, NULL);
        for (size_t i = 0; i < node->nsymbols; i++)
            if (strcmp(node->symbols[i], s) == 0) {
                AVRO_CHECK(avro_value_set_enum(av, (int)i));
                return 0;
            }
        snprintf(ctx->errstr, ctx->errstr_size,
                 "Error serializing Avro message: enum value %.200s is not a symbol of %.200s", s,
                 node->full_name);
        return -1;
    }
    case AV_ARRAY:
        if (t == CD_TYPE_ARRAY) {
            for (size_t i = 0; i < cd_value_array_size(value); i++) {
                AVRO_CHECK(avro_value_append(av, &child, NULL));
                ctx->depth++;
                int rc = fill(ctx, node->items, &child, cd_schema_value_schema(schema),
                              cd_value_array_at(value, i));
                ctx->depth--;
                if (rc < 0)
                    return -1;
            }
            return 0;
        }
        if (t == CD_TYPE_MAP && node->items->type == AV_RECORD && node->items->nfields == 2) {
            for (size_t i = 0; i < cd_value_map_size(value); i++) {
                avro_value_t k, v;
                AVRO_CHECK(avro_value_append(av, &child, NULL));
                AVRO_CHECK(avro_value_get_by_index(&child, 0, &k, NULL));
                AVRO_CHECK(avro_value_get_by_index(&child, 1, &v, NULL));
                ctx->depth++;
                int rc = fill(ctx, node->items->fields[0].type, &k, cd_schema_key_schema(schema),
                              cd_value_map_key_at(value, i));
                if (rc == 0)
                    rc = fill(ctx, node->items->fields[1].type, &v, cd_schema_value_schema(schema),
                              cd_value_map_value_at(value, i));
                ctx->depth--;
                if (rc < 0)
                    return -1;
            }
            return 0;
        }
        return type_error(ctx, node, schema);
    case AV_MAP:
        if (t != CD_TYPE_MAP || cd_schema_type(cd_schema_key_schema(schema)) != CD_TYPE_STRING)
            return type_error(ctx, node, schema);
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            const cd_value_t *k = cd_value_map_key_at(value, i);
            if (!k) {
                snprintf(ctx->errstr, ctx->errstr_size,
                         "Error serializing Avro message: null map key");
                return -1;
            }
            AVRO_CHECK(avro_value_add(av, cd_value_string(k, NULL), &child, NULL, NULL));
            ctx->depth++;
            int rc = fill(ctx, node->items, &child, cd_schema_value_schema(schema),
                          cd_value_map_value_at(value, i));
            ctx->depth--;
            if (rc < 0)
                return -1;
        }
        return 0;
    case AV_RECORD: {
        if (t != CD_TYPE_STRUCT)
            return type_error(ctx, node, schema);
        size_t nconnect = cd_schema_field_count(schema);
        for (size_t i = 0; i < node->nfields; i++) {
            const cd_field_t *f = i < nconnect ? cd_schema_field_at(schema, i) : NULL;
            if (!f || strcmp(cd_field_name(f), node->fields[i].name) != 0)
                f = cd_schema_field(schema, node->fields[i].name);
            AVRO_CHECK(avro_value_get_by_index(av, i, &child, NULL));
            ctx->depth++;
            int rc = fill(ctx, node->fields[i].type, &child, f ? cd_field_schema(f) : NULL,
                          f ? cd_value_struct_get_at(value, cd_field_index(f)) : NULL);
            ctx->depth--;
            if (rc < 0)
                return -1;
        }
        return 0;
    }
    case AV_UNION:
        break;
    }
    return type_error(ctx, node, schema);
data_error:
    snprintf(ctx->errstr, ctx->errstr_size, "%s", err);
    return -1;
oom:
    snprintf(ctx->errstr, ctx->errstr_size, "out of memory");
    return -1;
}

/* Schemaless: the value's own kind picks the Anything field. */
static int fill_anything(enc_ctx_t *ctx, const av_node_t *node, avro_value_t *av,
                         const cd_value_t *value)
{
    avro_value_t field, branch;
    int index;
    /* every optional field starts as null; the value's kind then sets one */
    for (size_t i = 0; i < node->nfields; i++) {
        AVRO_CHECK(avro_value_get_by_index(av, i, &field, NULL));
        AVRO_CHECK(avro_value_set_branch(&field, 0, &branch));
    }
    if (!value)
        return 0;
    if (ctx->depth > CD_AVRO_MAX_DEPTH) {
        snprintf(ctx->errstr, ctx->errstr_size, "Connect value nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        return -1;
    }
    switch (cd_value_kind(value)) {
    case CD_VALUE_BOOLEAN:
        index = 0;
        break;
    case CD_VALUE_BYTES:
        index = 1;
        break;
    case CD_VALUE_FLOAT64:
        index = 2;
        break;
    case CD_VALUE_FLOAT32:
        index = 3;
        break;
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
        index = 4;
        break;
    case CD_VALUE_INT64:
        index = 5;
        break;
    case CD_VALUE_STRING:
        index = 6;
        break;
    case CD_VALUE_ARRAY:
        index = 7;
        break;
    case CD_VALUE_MAP:
        index = 8;
        break;
    default:
        snprintf(ctx->errstr, ctx->errstr_size, "Unknown schema type: %s",
                 cd_value_kind_java_class(cd_value_kind(value)));
        return -1;
    }
    AVRO_CHECK(avro_value_get_by_index(av, (size_t)index, &field, NULL));
    AVRO_CHECK(avro_value_set_branch(&field, 1, &branch));
    size_t n;
    switch (index) {
    case 0:
        AVRO_CHECK(avro_value_set_boolean(&branch, cd_value_boolean(value)));
        break;
    case 1: {
        const uint8_t *b = cd_value_bytes(value, &n);
        AVRO_CHECK(avro_value_set_bytes(&branch, (void *)b, n));
        break;
    }
    case 2:
        AVRO_CHECK(avro_value_set_double(&branch, cd_value_float64(value)));
        break;
    case 3:
        AVRO_CHECK(avro_value_set_float(&branch, cd_value_float32(value)));
        break;
    case 4:
        AVRO_CHECK(avro_value_set_int(&branch, (int32_t)cd_value_as_int64(value)));
        break;
    case 5:
        AVRO_CHECK(avro_value_set_long(&branch, cd_value_int64(value)));
        break;
    case 6: {
        const char *s = cd_value_string(value, &n);
        AVRO_CHECK(avro_value_set_string_len(&branch, s, n + 1));
        break;
    }
    case 7:
        for (size_t i = 0; i < cd_value_array_size(value); i++) {
            avro_value_t e;
            AVRO_CHECK(avro_value_append(&branch, &e, NULL));
            ctx->depth++;
            int rc = fill_anything(ctx, node, &e, cd_value_array_at(value, i));
            ctx->depth--;
            if (rc < 0)
                return -1;
        }
        break;
    case 8:
        for (size_t i = 0; i < cd_value_map_size(value); i++) {
            avro_value_t e, k, v;
            AVRO_CHECK(avro_value_append(&branch, &e, NULL));
            AVRO_CHECK(avro_value_get_by_index(&e, 0, &k, NULL));
            AVRO_CHECK(avro_value_get_by_index(&e, 1, &v, NULL));
            ctx->depth++;
            int rc = fill_anything(ctx, node, &k, cd_value_map_key_at(value, i));
            if (rc == 0)
                rc = fill_anything(ctx, node, &v, cd_value_map_value_at(value, i));
            ctx->depth--;
            if (rc < 0)
                return -1;
        }
        break;
    }
    return 0;
}

int cd_avro_encode(cd_avro_encoder_t *enc, const cd_schema_t *schema, const cd_value_t *value,
                   cd_buf_t *out, char *errstr, size_t errstr_size)
{
    enc_ctx_t ctx = {.errstr = errstr, .errstr_size = errstr_size};
    const av_node_t *root = enc->writer->root;
    if (root->type == AV_BYTES && schema && value) {
        /* Confluent writes a top-level bytes schema raw, without the Avro length */
        const uint8_t *b;
        size_t n;
        char err[256];
        if (cd_schema_type(schema) != CD_TYPE_BYTES)
            return type_error(&ctx, root, schema);
        if (cd_schema_logical(schema) == CD_LOGICAL_KIND_DECIMAL) {
            if (cd_logical_decimal_check_scale(schema, value, err, sizeof(err)) < 0) {
                snprintf(errstr, errstr_size, "%s", err);
                return -1;
            }
            b = cd_value_decimal_unscaled(value, &n);
        } else {
            b = cd_value_bytes(value, &n);
        }
        return cd_buf_append(out, b, n) < 0 ? -1 : 0;
    }
    avro_value_reset(&enc->value);
    if (fill(&ctx, root, &enc->value, schema, value) < 0)
        return -1;
    size_t size = 0;
    if (avro_value_sizeof(&enc->value, &size) != 0) {
        snprintf(errstr, errstr_size, "Error serializing Avro message: %s", avro_strerror());
        return -1;
    }
    uint8_t *dst = cd_buf_append_space(out, size);
    if (!dst && size) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    avro_writer_t w = avro_writer_memory((char *)dst, (int64_t)size);
    int rc = avro_value_write(w, &enc->value);
    avro_writer_free(w);
    if (rc != 0) {
        snprintf(errstr, errstr_size, "Error serializing Avro message: %s", avro_strerror());
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Decoding: bounded Avro binary reader -> Connect value                */
/* ------------------------------------------------------------------ */

typedef struct reader_s {
    const uint8_t *p, *end;
    size_t elements;
    int depth;
    char *errstr;
    size_t errstr_size;
} reader_t;

static int rd_fail(reader_t *r, const char *what)
{
    snprintf(r->errstr, r->errstr_size, "%s", what);
    return -1;
}

static int rd_long(reader_t *r, int64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (r->p >= r->end)
            return rd_fail(r, "Malformed data: unexpected end of input");
        uint8_t b = *r->p++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
            return 0;
        }
    }
    return rd_fail(r, "Invalid long encoding");
}

static int rd_int(reader_t *r, int32_t *out)
{
    int64_t v;
    if (rd_long(r, &v) < 0)
        return -1;
    if (v < INT32_MIN || v > INT32_MAX)
        return rd_fail(r, "Invalid int encoding");
    *out = (int32_t)v;
    return 0;
}

static int rd_len(reader_t *r, size_t *len)
{
    int64_t n;
    if (rd_long(r, &n) < 0)
        return -1;
    if (n < 0) {
        snprintf(r->errstr, r->errstr_size, "Malformed data. Length is negative: %lld",
                 (long long)n);
        return -1;
    }
    if ((uint64_t)n > (uint64_t)(r->end - r->p))
        return rd_fail(r, "Malformed data: length beyond the end of input");
    *len = (size_t)n;
    return 0;
}

/* A block count of an array or map: checked against the bytes left and the element budget. */
static int rd_block(reader_t *r, const av_node_t *item, bool map, size_t *count)
{
    int64_t n;
    if (rd_long(r, &n) < 0)
        return -1;
    if (n < 0) {
        int64_t bytes;
        if (n == INT64_MIN || rd_long(r, &bytes) < 0)
            return n == INT64_MIN ? rd_fail(r, "Invalid block count") : -1;
        n = -n;
    }
    size_t per = (map ? 1 : 0) + item->min_bytes;
    size_t left = (size_t)(r->end - r->p);
    if (per > 0 && (uint64_t)n > left / per)
        return rd_fail(r, "Malformed data: block count beyond the end of input");
    if ((uint64_t)n > CD_AVRO_MAX_ELEMENTS - r->elements) {
        snprintf(r->errstr, r->errstr_size, "Avro datum has more than %d elements",
                 CD_AVRO_MAX_ELEMENTS);
        return -1;
    }
    r->elements += (size_t)n;
    *count = (size_t)n;
    return 0;
}

static int decode(reader_t *r, const av_node_t *node, const cd_schema_t *schema, cd_value_t **out);

static int skip_or_decode_anything(reader_t *r, const av_node_t *node, cd_value_t **out);

static int decode_union_index(reader_t *r, const av_node_t *node, size_t *index)
{
    int64_t b;
    if (rd_long(r, &b) < 0)
        return -1;
    if (b < 0 || (uint64_t)b >= node->nbranches) {
        snprintf(r->errstr, r->errstr_size, "Malformed data: union index %lld out of range",
                 (long long)b);
        return -1;
    }
    *index = (size_t)b;
    return 0;
}

static int decode(reader_t *r, const av_node_t *node, const cd_schema_t *schema, cd_value_t **out)
{
    *out = NULL;
    if (r->depth > CD_AVRO_MAX_DEPTH) {
        snprintf(r->errstr, r->errstr_size, "Avro datum nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        return -1;
    }
    if (!schema)
        return skip_or_decode_anything(r, node, out);
    cd_logical_t logical = cd_schema_logical(schema);
    int rc = 0;
    r->depth++;
    switch (node->type) {
    case AV_NULL:
        break;
    case AV_BOOLEAN:
        if (r->p >= r->end) {
            rc = rd_fail(r, "Malformed data: unexpected end of input");
            break;
        }
        if (*r->p > 1) {
            rc = rd_fail(r, "Malformed data: invalid boolean");
            break;
        }
        *out = cd_value_new_boolean(*r->p++ == 1);
        break;
    case AV_INT: {
        int32_t v;
        if ((rc = rd_int(r, &v)) < 0)
            break;
        switch (logical) {
        case CD_LOGICAL_KIND_DATE:
            *out = cd_value_new_date((int64_t)v * MS_PER_DAY);
            break;
        case CD_LOGICAL_KIND_TIME:
            *out = cd_value_new_date(v);
            break;
        default:
            switch (cd_schema_type(schema)) {
            case CD_TYPE_INT8:
                *out = cd_value_new_int8((int8_t)v);
                break;
            case CD_TYPE_INT16:
                *out = cd_value_new_int16((int16_t)v);
                break;
            default:
                *out = cd_value_new_int32(v);
                break;
            }
        }
        break;
    }
    case AV_LONG: {
        int64_t v;
        if ((rc = rd_long(r, &v)) < 0)
            break;
        *out = logical == CD_LOGICAL_KIND_TIMESTAMP ? cd_value_new_date(v) : cd_value_new_int64(v);
        break;
    }
    case AV_FLOAT: {
        float f;
        if (r->end - r->p < 4) {
            rc = rd_fail(r, "Malformed data: unexpected end of input");
            break;
        }
        uint32_t bits = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
                        (uint32_t)r->p[3] << 24;
        memcpy(&f, &bits, 4);
        r->p += 4;
        *out = cd_value_new_float32(f);
        break;
    }
    case AV_DOUBLE: {
        double d;
        if (r->end - r->p < 8) {
            rc = rd_fail(r, "Malformed data: unexpected end of input");
            break;
        }
        uint64_t bits = 0;
        for (int i = 7; i >= 0; i--)
            bits = bits << 8 | r->p[i];
        memcpy(&d, &bits, 8);
        r->p += 8;
        *out = cd_value_new_float64(d);
        break;
    }
    case AV_STRING:
    case AV_BYTES:
    case AV_FIXED: {
        size_t n;
        if (node->type == AV_FIXED) {
            n = (size_t)node->fixed_size;
            if ((size_t)(r->end - r->p) < n) {
                rc = rd_fail(r, "Malformed data: unexpected end of input");
                break;
            }
        } else if ((rc = rd_len(r, &n)) < 0) {
            break;
        }
        if (logical == CD_LOGICAL_KIND_DECIMAL) {
            bool ok;
            if (n == 0) {
                rc = rd_fail(r, "Zero length BigInteger");
                break;
            }
            *out = cd_value_new_decimal(r->p, n, cd_schema_decimal_scale(schema, &ok));
        } else if (node->type == AV_STRING) {
            *out = cd_value_new_string((const char *)r->p, n);
        } else {
            *out = cd_value_new_bytes(r->p, n);
        }
        r->p += n;
        break;
    }
    case AV_ENUM: {
        int64_t i;
        if ((rc = rd_long(r, &i)) < 0)
            break;
        if (i < 0 || (uint64_t)i >= node->nsymbols) {
            snprintf(r->errstr, r->errstr_size, "Malformed data: enum index %lld out of range",
                     (long long)i);
            rc = -1;
            break;
        }
        *out = cd_value_new_cstring(node->symbols[i]);
        break;
    }
    case AV_ARRAY: {
        bool as_map = cd_schema_type(schema) == CD_TYPE_MAP;
        cd_value_t *c = as_map ? cd_value_new_map() : cd_value_new_array();
        *out = c;
        for (;;) {
            size_t count;
            if ((rc = rd_block(r, node->items, false, &count)) < 0 || count == 0)
                break;
            for (size_t i = 0; i < count && rc == 0; i++) {
                if (!as_map) {
                    cd_value_t *e;
                    rc = decode(r, node->items, cd_schema_value_schema(schema), &e);
                    if (rc == 0)
                        cd_value_array_append(c, e);
                    continue;
                }
                const av_node_t *entry = node->items; /* MapEntry {key, value} */
                cd_value_t *k = NULL, *v = NULL;
                if (entry->type != AV_RECORD || entry->nfields != 2) {
                    rc = rd_fail(r, "Found map encoded as array of key-value pairs, but array "
                                    "elements do not match the expected format.");
                    break;
                }
                rc = decode(r, entry->fields[0].type, cd_schema_key_schema(schema), &k);
                if (rc == 0)
                    rc = decode(r, entry->fields[1].type, cd_schema_value_schema(schema), &v);
                if (rc == 0) {
                    cd_value_map_put(c, k, v);
                } else {
                    cd_value_destroy(k);
                    cd_value_destroy(v);
                }
            }
            if (rc < 0)
                break;
        }
        break;
    }
    case AV_MAP: {
        cd_value_t *m = cd_value_new_map();
        *out = m;
        for (;;) {
            size_t count;
            if ((rc = rd_block(r, node->items, true, &count)) < 0 || count == 0)
                break;
            for (size_t i = 0; i < count && rc == 0; i++) {
                size_t n;
                cd_value_t *v;
                if ((rc = rd_len(r, &n)) < 0)
                    break;
                cd_value_t *k = cd_value_new_string((const char *)r->p, n);
                r->p += n;
                rc = decode(r, node->items, cd_schema_value_schema(schema), &v);
                if (rc == 0)
                    cd_value_map_put(m, k, v);
                else
                    cd_value_destroy(k);
            }
            if (rc < 0)
                break;
        }
        break;
    }
    case AV_RECORD: {
        if (cd_schema_type(schema) != CD_TYPE_STRUCT ||
            cd_schema_field_count(schema) != node->nfields) {
            rc = rd_fail(r, "Avro record does not match its Connect schema");
            break;
        }
        cd_value_t *st = cd_value_new_struct(schema);
        *out = st;
        for (size_t i = 0; i < node->nfields && rc == 0; i++) {
            cd_value_t *fv;
            rc = decode(r, node->fields[i].type, cd_field_schema(cd_schema_field_at(schema, i)),
                        &fv);
            if (rc == 0)
                cd_value_struct_set(st, i, fv);
        }
        break;
    }
    case AV_UNION: {
        size_t b;
        if ((rc = decode_union_index(r, node, &b)) < 0)
            break;
        const av_node_t *branch = node->branches[b];
        if (branch->type == AV_NULL)
            break; /* null */
        if (cd_schema_type(schema) == CD_TYPE_STRUCT && is_union_struct(schema)) {
            /* the Connect union struct: the member's field, found by name */
            const cd_field_t *f =
                cd_schema_field(schema, av_union_member_name(&(cd_avro_data_config_t){0}, branch));
            if (!f) {
                /* enhanced.avro.schema.support names members by full name */
                f = cd_schema_field(
                    schema, av_union_member_name(
                                &(cd_avro_data_config_t){.enhanced_schema_support = true}, branch));
            }
            if (!f) {
                rc = rd_fail(r, "Avro union member has no Connect union field");
                break;
            }
            cd_value_t *mv;
            if ((rc = decode(r, branch, cd_field_schema(f), &mv)) < 0)
                break;
            cd_value_t *st = cd_value_new_struct(schema);
            cd_value_struct_set(st, cd_field_index(f), mv);
            *out = st;
            break;
        }
        rc = decode(r, branch, schema, out);
        break;
    }
    }
    r->depth--;
    if (rc < 0) {
        cd_value_destroy(*out);
        *out = NULL;
    }
    return rc;
}

/* Schemaless data: the Anything record -> the one set field's value. */
static int skip_or_decode_anything(reader_t *r, const av_node_t *node, cd_value_t **out)
{
    static const cd_type_t field_types[] = {CD_TYPE_BOOLEAN, CD_TYPE_BYTES, CD_TYPE_FLOAT64,
                                            CD_TYPE_FLOAT32, CD_TYPE_INT32, CD_TYPE_INT64,
                                            CD_TYPE_STRING};
    *out = NULL;
    if (node->type != AV_RECORD || strcmp(node->full_name, AV_ANYTHING_NAME) != 0 ||
        node->nfields != 9)
        return rd_fail(r, "Invalid Avro data for schemaless Connect data");
    if (r->depth > CD_AVRO_MAX_DEPTH) {
        snprintf(r->errstr, r->errstr_size, "Avro datum nested deeper than %d levels",
                 CD_AVRO_MAX_DEPTH);
        return -1;
    }
    r->depth++;
    int rc = 0;
    cd_value_t *found = NULL;
    for (size_t i = 0; i < node->nfields && rc == 0; i++) {
        const av_node_t *u = node->fields[i].type; /* ["null", T] */
        size_t b;
        if ((rc = decode_union_index(r, u, &b)) < 0)
            break;
        if (u->branches[b]->type == AV_NULL)
            continue;
        cd_value_t *v = NULL;
        if (i < 7) {
            cd_schema_t *s = cd_schema_new(field_types[i]);
            rc = decode(r, u->branches[b], s, &v);
            cd_schema_unref(s);
        } else {
            const av_node_t *arr = u->branches[b];
            bool map = i == 8;
            v = map ? cd_value_new_map() : cd_value_new_array();
            for (;;) {
                size_t count;
                if ((rc = rd_block(r, arr->items, false, &count)) < 0 || count == 0)
                    break;
                for (size_t k = 0; k < count && rc == 0; k++) {
                    cd_value_t *e = NULL, *e2 = NULL;
                    if (!map) {
                        if ((rc = skip_or_decode_anything(r, arr->items, &e)) == 0)
                            cd_value_array_append(v, e);
                        continue;
                    }
                    const av_node_t *entry = arr->items;
                    rc = skip_or_decode_anything(r, entry->fields[0].type, &e);
                    if (rc == 0)
                        rc = skip_or_decode_anything(r, entry->fields[1].type, &e2);
                    if (rc == 0) {
                        cd_value_map_put(v, e, e2);
                    } else {
                        cd_value_destroy(e);
                        cd_value_destroy(e2);
                    }
                }
                if (rc < 0)
                    break;
            }
        }
        if (rc < 0) {
            cd_value_destroy(v);
            break;
        }
        if (!found)
            found = v; /* the first non-null field wins, as Java's order of checks */
        else
            cd_value_destroy(v);
    }
    r->depth--;
    if (rc < 0) {
        cd_value_destroy(found);
        return -1;
    }
    *out = found;
    return 0;
}

int cd_avro_decode(const cd_avro_schema_t *writer, const cd_schema_t *connect_schema,
                   const uint8_t *data, size_t len, cd_value_t **value, char *errstr,
                   size_t errstr_size)
{
    reader_t r = {.p = data, .end = data + len, .errstr = errstr, .errstr_size = errstr_size};
    *value = NULL;
    if (writer->root->type == AV_BYTES && connect_schema) {
        /* written raw by Confluent's serializer */
        if (cd_schema_logical(connect_schema) == CD_LOGICAL_KIND_DECIMAL) {
            bool ok;
            if (len == 0)
                return rd_fail(&r, "Zero length BigInteger");
            *value = cd_value_new_decimal(data, len, cd_schema_decimal_scale(connect_schema, &ok));
        } else {
            *value = cd_value_new_bytes(data, len);
        }
        return 0;
    }
    if (decode(&r, writer->root, connect_schema, value) < 0)
        return -1;
    if (r.p != r.end) {
        cd_value_destroy(*value);
        *value = NULL;
        return rd_fail(&r, "Trailing data found after deserializing Avro message");
    }
    return 0;
}
