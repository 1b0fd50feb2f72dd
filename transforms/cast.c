/*
 * cast.c: org.apache.kafka.connect.transforms.Cast ($Key / $Value).
 *
 * Casts fields of a Struct / Map, or the whole key or value, to a primitive
 * type, with Java's conversions (Number.xxxValue(), Xxx.parseXxx, Base64 for
 * bytes, Values' date formats), logical types encoded first (Date, Time,
 * Timestamp), Java's ConfigException / DataException texts, and
 * `replace.null.with.default`. The last built schema is cached per input schema.
 */
#include "transforms/builtin_transforms.h"
#include "transforms/smt_a_util.h"
#include "transforms/transform_util.h"

#include "data/values.h"
#include "util/java_text.h"

#include <connectd/buf.h>
#include <connectd/config_def.h>
#include <connectd/properties.h>
#include <connectd/version.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PURPOSE "cast types"
#define SPEC_MAX_PARTS 64
#define INPUT_TYPES "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"
#define OUTPUT_TYPES "[INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"

typedef struct cast_spec_s {
    char *field; /* NULL = the whole value */
    cd_type_t type;
} cast_spec_t;

typedef struct cast_s {
    cd_transform_target_t target;
    cast_spec_t *specs;
    size_t n;
    bool whole;
    cd_type_t whole_type;
    bool replace_null_with_default;
    cd_schema_t *cache_in, *cache_out;
    size_t *order; /* specs in the iteration order of Java's casts HashMap */
} cast_t;

static void specs_free(cast_spec_t *specs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(specs[i].field);
    free(specs);
}

static bool type_from_java_name(const char *text, cd_type_t *type)
{
    char *t = cd_smta_trim(text);
    bool ok = false;
    if (!t)
        return false;
    for (char *p = t; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    for (int i = 0; i < CD_TYPE_COUNT; i++) {
        if (strcmp(t, cd_type_name((cd_type_t)i)) == 0) {
            *type = (cd_type_t)i;
            ok = true;
            break;
        }
    }
    free(t);
    return ok;
}

static bool output_type_ok(cd_type_t t)
{
    return cd_type_is_primitive(t) && t != CD_TYPE_BYTES;
}

static void java_list_string(const char *const *list, size_t n, char *buf, size_t size)
{
    size_t off = 0;
    off += (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; i < n && off < size; i++)
        off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", list[i]);
    if (off < size)
        snprintf(buf + off, size - off, "]");
}

/* Java: new ConfigException("Invalid type found in casting spec: " + t, e) picks the
 * (name, value) constructor, so the message reads "Invalid value <e> for configuration <msg>". */
static void type_error(const char *part, char *errstr, size_t errstr_size)
{
    char *t = cd_smta_trim(part);
    char *u = t ? strdup(t) : NULL;
    for (char *p = u; p && *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    snprintf(errstr, errstr_size,
             "Invalid value java.lang.IllegalArgumentException: No enum constant "
             "org.apache.kafka.connect.data.Schema.Type.%s for configuration Invalid type found in "
             "casting spec: %s",
             u ? u : "", t ? t : "");
    free(u);
    free(t);
}

/* Cast.parseFieldTypes */
static int parse_field_types(const char *const *list, size_t n, cast_spec_t **out, size_t *nout,
                             char *errstr, size_t errstr_size)
{
    cast_spec_t *specs = calloc(n ? n : 1, sizeof(*specs));
    size_t count = 0;
    bool whole = false;
    char *parts[SPEC_MAX_PARTS];
    int np = 0;
    if (!specs) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        cd_type_t type;
        char *field = NULL;
        size_t j;
        np = cd_smta_split_colon(list[i], parts, SPEC_MAX_PARTS);
        if (np < 0 || np > 2) {
            char lbuf[1024];
            java_list_string(list, n, lbuf, sizeof(lbuf));
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration renames: Invalid rename mapping: %s", lbuf,
                     list[i]);
            np = np < 0 ? 0 : np;
            goto fail;
        }
        if (np == 0) {
            snprintf(errstr, errstr_size, "Index 1 out of bounds for length 0");
            goto fail;
        }
        if (np == 1) {
            if (!type_from_java_name(parts[0], &type)) {
                type_error(parts[0], errstr, errstr_size);
                goto fail;
            }
            whole = true;
        } else {
            if (!type_from_java_name(parts[1], &type)) {
                type_error(parts[1], errstr, errstr_size);
                goto fail;
            }
            field = cd_smta_trim(parts[0]);
        }
        if (!output_type_ok(type)) {
            free(field);
            snprintf(errstr, errstr_size,
                     "Cast transformation does not support casting to %s; supported types are "
                     "%s",
                     cd_type_name(type), OUTPUT_TYPES);
            goto fail;
        }
        for (j = 0; j < count; j++)
            if ((!field && !specs[j].field) ||
                (field && specs[j].field && strcmp(field, specs[j].field) == 0))
                break;
        if (j < count) {
            free(field);
            specs[j].type = type;
        } else {
            specs[count].field = field;
            specs[count].type = type;
            count++;
        }
        cd_smta_free_parts(parts, np);
        np = 0;
    }
    if (whole && n > 1) {
        snprintf(errstr, errstr_size,
                 "Cast transformations that specify a type to cast the entire value to may only "
                 "specify a single cast in their spec");
        goto fail;
    }
    *out = specs;
    *nout = count;
    return 0;
fail:
    cd_smta_free_parts(parts, np);
    specs_free(specs, count);
    return -1;
}

static int spec_validator(const char *name, const cd_config_value_t *value, char *errstr,
                          size_t errstr_size)
{
    cast_spec_t *specs = NULL;
    size_t n = 0;
    (void)name;
    if (value->is_null || value->list_count == 0) {
        snprintf(errstr, errstr_size, "Must specify at least one field to cast.");
        return -1;
    }
    if (parse_field_types(value->list, value->list_count, &specs, &n, errstr, errstr_size) != 0)
        return -1;
    specs_free(specs, n);
    return 0;
}

static const cd_config_key_t cast_config_keys[] = {
    {.name = "spec",
     .type = CD_CONFIG_LIST,
     .default_value = CD_NO_DEFAULT,
     .validator = {.kind = CD_VALIDATOR_CUSTOM,
                   .custom = spec_validator,
                   .description =
                       "list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>"},
     .importance = CD_IMPORTANCE_HIGH,
     .documentation =
         "List of fields and the type to cast them to of the form field1:type,field2:type to cast "
         "fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, "
         "int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can "
         "only be cast to string.",
     .order_in_group = -1},
    {.name = "replace.null.with.default",
     .type = CD_CONFIG_BOOLEAN,
     .default_value = "true",
     .importance = CD_IMPORTANCE_MEDIUM,
     .documentation = "Whether to replace fields that have a default value and that are null to "
                      "the default value. When set to true, the default value is used, otherwise "
                      "null is used.",
     .order_in_group = -1},
    {.name = NULL},
};

static int cast_create(const cd_properties_t *props, void **state, cd_transform_target_t target,
                       char *errstr, size_t errstr_size)
{
    cd_config_def_t *def = cd_config_def_new();
    cd_config_t *config = NULL;
    cast_t *c = NULL;
    const char *const *list;
    size_t n = 0;
    cd_config_def_add_table(def, cast_config_keys);
    config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config)
        goto fail;
    c = calloc(1, sizeof(*c));
    if (!c)
        goto fail;
    c->target = target;
    list = cd_config_get_list(config, "spec", &n);
    if (parse_field_types(list, n, &c->specs, &c->n, errstr, errstr_size) != 0)
        goto fail;
    for (size_t i = 0; i < c->n; i++) {
        if (!c->specs[i].field) {
            c->whole = true;
            c->whole_type = c->specs[i].type;
        }
    }
    c->order = calloc(c->n ? c->n : 1, sizeof(*c->order));
    if (!c->order)
        goto fail;
    {
        char **names = calloc(c->n ? c->n : 1, sizeof(*names));
        size_t nn = 0;
        if (!names)
            goto fail;
        for (size_t i = 0; i < c->n; i++)
            if (c->specs[i].field)
                names[nn++] = c->specs[i].field;
        cd_smta_java_string_order(names, nn, c->order);
        /* names[] lists only named specs, which are all specs unless whole */
        free(names);
    }
    c->replace_null_with_default = cd_config_get_bool(config, "replace.null.with.default");
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    *state = c;
    return 0;
fail:
    if (c) {
        specs_free(c->specs, c->n);
        free(c->order);
    }
    free(c);
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    return -1;
}

static int cast_create_key(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return cast_create(p, s, CD_TRANSFORM_KEY, e, es);
}

static int cast_create_value(const cd_properties_t *p, void **s, char *e, size_t es)
{
    return cast_create(p, s, CD_TRANSFORM_VALUE, e, es);
}

static void cast_destroy(void *state)
{
    cast_t *c = state;
    if (!c)
        return;
    specs_free(c->specs, c->n);
    free(c->order);
    cd_schema_unref(c->cache_in);
    cd_schema_unref(c->cache_out);
    free(c);
}

static const cast_spec_t *find_spec(const cast_t *c, const char *field)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->specs[i].field && strcmp(c->specs[i].field, field) == 0)
            return &c->specs[i];
    return NULL;
}

/* ConnectSchema.schemaType(value.getClass()); false when Connect has no type for it. */
static bool inferred_type(const cd_value_t *v, cd_type_t *t)
{
    cd_value_kind_t k = cd_value_kind(v);
    if (k == CD_VALUE_DECIMAL || k == CD_VALUE_DATE)
        return false;
    *t = (cd_type_t)k; /* kinds INT8..STRUCT share the type order */
    return true;
}

static cd_value_t *to_string_value(const cd_value_t *v, char *errstr, size_t errstr_size)
{
    char buf[64];
    cd_buf_t b;
    cd_value_t *out = NULL;
    switch (cd_value_kind(v)) {
    case CD_VALUE_INT8:
    case CD_VALUE_INT16:
    case CD_VALUE_INT32:
    case CD_VALUE_INT64:
        snprintf(buf, sizeof(buf), "%" PRId64, cd_value_as_int64(v));
        return cd_value_new_cstring(buf);
    case CD_VALUE_FLOAT32:
        cd_java_float_to_string(cd_value_float32(v), buf, sizeof(buf));
        return cd_value_new_cstring(buf);
    case CD_VALUE_FLOAT64:
        cd_java_double_to_string(cd_value_float64(v), buf, sizeof(buf));
        return cd_value_new_cstring(buf);
    case CD_VALUE_BOOLEAN:
        return cd_value_new_cstring(cd_value_boolean(v) ? "true" : "false");
    case CD_VALUE_STRING:
        return cd_value_copy(v);
    case CD_VALUE_DECIMAL: {
        size_t need = cd_value_decimal_to_string(v, NULL, 0);
        char *s = malloc(need + 1);
        if (!s)
            break;
        cd_value_decimal_to_string(v, s, need + 1);
        out = cd_value_new_cstring(s);
        free(s);
        return out;
    }
    case CD_VALUE_DATE:
        cd_buf_init(&b);
        if (cd_values_format_date(cd_value_date_ms(v), &b) == 0)
            out = cd_value_new_string(b.data ? (const char *)b.data : "", b.len);
        cd_buf_free(&b);
        if (!out)
            break;
        return out;
    case CD_VALUE_BYTES: {
        size_t len;
        const uint8_t *data = cd_value_bytes(v, &len);
        cd_buf_init(&b);
        if (cd_values_base64_encode(data, len, &b) == 0)
            out = cd_value_new_string(b.data ? (const char *)b.data : "", b.len);
        cd_buf_free(&b);
        if (!out)
            break;
        return out;
    }
    default:
        snprintf(errstr, errstr_size, "Unexpected type in Cast transformation: class %s",
                 cd_transform_class_name(v));
        return NULL;
    }
    snprintf(errstr, errstr_size, "out of memory");
    return NULL;
}

/* Cast.castValueToType */
static int cast_value(const cd_schema_t *schema, const cd_value_t *value, cd_type_t target,
                      cd_value_t **out, char *errstr, size_t errstr_size)
{
    cd_type_t in;
    cd_value_t *encoded = NULL;
    const cd_value_t *v = value;
    int rc = -1;
    *out = NULL;
    if (!value)
        return 0;
    if (schema)
        in = cd_schema_type(schema);
    else if (!inferred_type(value, &in)) {
        snprintf(errstr, errstr_size,
                 "Cast transformation was passed a value of type class %s which is not supported "
                 "by Connect's data API",
                 cd_transform_class_name(value));
        return -1;
    }
    if (!cd_type_is_primitive(in)) {
        snprintf(errstr, errstr_size,
                 "Cast transformation does not support casting from %s; supported types are %s",
                 cd_type_name(in), INPUT_TYPES);
        return -1;
    }
    if (schema && cd_schema_name(schema) && target != CD_TYPE_STRING &&
        cd_value_kind(value) == CD_VALUE_DATE) {
        const char *name = cd_schema_name(schema);
        int32_t i32;
        if (strcmp(name, CD_LOGICAL_DATE) == 0) {
            if (cd_logical_date_to_days(cd_value_date_ms(value), &i32, errstr, errstr_size) != 0)
                return -1;
            v = encoded = cd_value_new_int32(i32);
        } else if (strcmp(name, CD_LOGICAL_TIME) == 0) {
            if (cd_logical_time_to_millis(cd_value_date_ms(value), &i32, errstr, errstr_size) != 0)
                return -1;
            v = encoded = cd_value_new_int32(i32);
        } else if (strcmp(name, CD_LOGICAL_TIMESTAMP) == 0) {
            v = encoded = cd_value_new_int64(cd_value_date_ms(value));
        }
    }

    cd_value_kind_t k = cd_value_kind(v);
    bool is_num = cd_smta_is_number(v);
    bool is_bool = k == CD_VALUE_BOOLEAN;
    bool is_str = k == CD_VALUE_STRING;
    const char *str = is_str ? cd_value_string(v, NULL) : NULL;
    if (target == CD_TYPE_STRING) {
        *out = to_string_value(v, errstr, errstr_size);
        rc = *out ? 0 : -1;
        goto done;
    }
    if (!is_num && !is_bool && !is_str) {
        snprintf(errstr, errstr_size, "Unexpected type in Cast transformation: class %s",
                 cd_transform_class_name(v));
        goto done;
    }
    switch (target) {
    case CD_TYPE_INT8:
    case CD_TYPE_INT16:
    case CD_TYPE_INT32:
    case CD_TYPE_INT64: {
        int64_t l;
        if (is_num) {
            l = target == CD_TYPE_INT64 ? cd_smta_number_long(v) : cd_smta_number_int(v);
        } else if (is_bool) {
            l = cd_value_boolean(v) ? 1 : 0;
        } else {
            int64_t mn = target == CD_TYPE_INT8    ? INT8_MIN
                         : target == CD_TYPE_INT16 ? INT16_MIN
                         : target == CD_TYPE_INT32 ? INT32_MIN
                                                   : INT64_MIN;
            int64_t mx = target == CD_TYPE_INT8    ? INT8_MAX
                         : target == CD_TYPE_INT16 ? INT16_MAX
                         : target == CD_TYPE_INT32 ? INT32_MAX
                                                   : INT64_MAX;
            if (cd_smta_parse_java_integer(str, mn, mx, &l) != 0)
                goto nfe;
        }
        if (target == CD_TYPE_INT8)
            *out = cd_value_new_int8((int8_t)(uint8_t)(uint64_t)l);
        else if (target == CD_TYPE_INT16)
            *out = cd_value_new_int16((int16_t)(uint16_t)(uint64_t)l);
        else if (target == CD_TYPE_INT32)
            *out = cd_value_new_int32((int32_t)(uint32_t)(uint64_t)l);
        else
            *out = cd_value_new_int64(l);
        break;
    }
    case CD_TYPE_FLOAT32: {
        float f;
        if (is_num)
            f = cd_smta_number_float(v);
        else if (is_bool)
            f = cd_value_boolean(v) ? 1.f : 0.f;
        else if (cd_smta_parse_java_float(str, &f) != 0)
            goto nfe;
        *out = cd_value_new_float32(f);
        break;
    }
    case CD_TYPE_FLOAT64: {
        double d;
        if (is_num)
            d = cd_smta_number_double(v);
        else if (is_bool)
            d = cd_value_boolean(v) ? 1. : 0.;
        else if (cd_smta_parse_java_double(str, &d) != 0)
            goto nfe;
        *out = cd_value_new_float64(d);
        break;
    }
    case CD_TYPE_BOOLEAN:
        if (is_num)
            *out = cd_value_new_boolean(cd_smta_number_long(v) != 0);
        else if (is_bool)
            *out = cd_value_copy(v);
        else
            *out = cd_value_new_boolean(strcasecmp(str, "true") == 0);
        break;
    default:
        snprintf(errstr, errstr_size, "%s is not supported in the Cast transformation.",
                 cd_type_name(target));
        goto done;
    }
    rc = 0;
    goto done;
nfe:
    snprintf(errstr, errstr_size, "Value (%s) was out of range for requested data type", str);
done:
    cd_value_destroy(encoded);
    return rc;
}

static cd_schema_t *new_type_schema(cd_type_t t)
{
    return cd_schema_new(t);
}

/* Cast.getOrBuildSchema */
static const cd_schema_t *get_or_build_schema(cast_t *c, const cd_schema_t *schema, char *errstr,
                                              size_t errstr_size)
{
    cd_schema_t *s = NULL;
    if (c->cache_in && cd_schema_equals(c->cache_in, schema))
        return c->cache_out;
    if (c->whole) {
        s = new_type_schema(c->whole_type);
        cd_transform_copy_schema_basics(schema, s);
    } else {
        if (cd_schema_type(schema) != CD_TYPE_STRUCT) {
            snprintf(errstr, errstr_size, "Cannot list fields on non-struct type");
            return NULL;
        }
        s = cd_schema_new_struct();
        cd_transform_copy_schema_basics(schema, s);
        for (size_t i = 0; i < cd_schema_field_count(schema); i++) {
            const cd_field_t *f = cd_schema_field_at(schema, i);
            const cd_schema_t *fs = cd_field_schema(f);
            const cast_spec_t *spec = find_spec(c, cd_field_name(f));
            cd_schema_t *nfs;
            if (spec) {
                nfs = new_type_schema(spec->type);
                if (cd_schema_is_optional(fs))
                    cd_schema_set_optional(nfs, true);
                if (cd_schema_default(fs)) {
                    cd_value_t *d;
                    if (cast_value(fs, cd_schema_default(fs), spec->type, &d, errstr,
                                   errstr_size) != 0 ||
                        cd_schema_set_default(nfs, d, errstr, errstr_size) != 0) {
                        cd_schema_unref(nfs);
                        goto fail;
                    }
                }
            } else {
                nfs = cd_schema_ref(fs);
            }
            if (cd_schema_add_field(s, cd_field_name(f), nfs, errstr, errstr_size) != 0)
                goto fail;
        }
    }
    if (cd_schema_is_optional(schema))
        cd_schema_set_optional(s, true);
    if (cd_schema_default(schema)) {
        cd_value_t *d;
        if (cast_value(schema, cd_schema_default(schema), cd_schema_type(s), &d, errstr,
                       errstr_size) != 0 ||
            cd_schema_set_default(s, d, errstr, errstr_size) != 0)
            goto fail;
    }
    cd_schema_unref(c->cache_in);
    cd_schema_unref(c->cache_out);
    c->cache_in = cd_schema_ref(schema);
    c->cache_out = s;
    return s;
fail:
    cd_schema_unref(s);
    return NULL;
}

static int cast_apply(void *state, cd_record_t **recordp, char *errstr, size_t errstr_size)
{
    cast_t *c = state;
    cd_record_t *record = *recordp;
    const cd_value_t *value = cd_transform_operating_value(record, c->target);
    const cd_schema_t *schema = cd_transform_operating_schema(record, c->target);
    cd_value_t *out = NULL;
    if (!value)
        return 0;
    if (!schema) {
        if (c->whole) {
            if (cast_value(NULL, value, c->whole_type, &out, errstr, errstr_size) != 0)
                return -1;
            cd_transform_set_operating(record, c->target, NULL, out);
            return 0;
        }
        if (cd_transform_require_map(value, PURPOSE, errstr, errstr_size) != 0)
            return -1;
        /* new HashMap<>(value), then put every cast (casts.entrySet() order) */
        out = cd_value_copy(value);
        for (size_t o = 0; o < c->n; o++) {
            size_t i = c->order[o];
            cd_value_t *nv;
            if (cast_value(NULL, cd_value_map_get_str(value, c->specs[i].field), c->specs[i].type,
                           &nv, errstr, errstr_size) != 0)
                goto fail;
            cd_value_map_put(out, cd_value_new_cstring(c->specs[i].field), nv);
        }
        out = cd_smta_java_hash_order(out, cd_smta_hashmap_cap_copy(cd_value_map_size(value)));
        cd_transform_set_operating(record, c->target, NULL, out);
        return 0;
    }
    const cd_schema_t *updated = get_or_build_schema(c, schema, errstr, errstr_size);
    if (!updated)
        return -1;
    if (c->whole) {
        if (cast_value(schema, value, c->whole_type, &out, errstr, errstr_size) != 0)
            return -1;
        cd_transform_set_operating(record, c->target, updated, out);
        return 0;
    }
    if (cd_transform_require_struct(value, PURPOSE, errstr, errstr_size) != 0)
        return -1;
    const cd_schema_t *vs = cd_value_struct_schema(value);
    out = cd_value_new_struct(updated);
    for (size_t i = 0; i < cd_schema_field_count(vs); i++) {
        const cd_field_t *f = cd_schema_field_at(vs, i);
        const cd_value_t *orig = cd_smta_struct_get(value, f, c->replace_null_with_default);
        const cast_spec_t *spec = find_spec(c, cd_field_name(f));
        cd_value_t *nv;
        if (spec) {
            if (cast_value(cd_field_schema(f), orig, spec->type, &nv, errstr, errstr_size) != 0)
                goto fail;
        } else {
            nv = cd_value_copy(orig);
        }
        if (cd_value_struct_put(out, cd_field_name(f), nv, errstr, errstr_size) != 0)
            goto fail;
    }
    cd_transform_set_operating(record, c->target, updated, out);
    return 0;
fail:
    cd_value_destroy(out);
    return -1;
}

const cd_transform_plugin_t cd_transform_cast_key_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.Cast$Key",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = cast_config_keys,
    .create = cast_create_key,
    .destroy = cast_destroy,
    .apply = cast_apply,
};

const cd_transform_plugin_t cd_transform_cast_value_plugin = {
    .class_name = "org.apache.kafka.connect.transforms.Cast$Value",
    .version = CONNECTD_KAFKA_COMPAT_VERSION,
    .config_keys = cast_config_keys,
    .create = cast_create_value,
    .destroy = cast_destroy,
    .apply = cast_apply,
};
