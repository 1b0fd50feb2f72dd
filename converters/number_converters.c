/*
 * number_converters.c: org.apache.kafka.connect.converters.{Boolean,Short,Integer,Long,Float,
 * Double}Converter, Converters and HeaderConverters for one primitive type each.
 *
 * Bytes are what the Kafka serializers write: BooleanSerializer one byte 0/1, the others the
 * big-endian two's-complement integer or IEEE-754 bits of 2, 4 or 8 bytes. Null is null both
 * ways. Bytes become Connect data with the optional schema of the type (Schema.OPTIONAL_INT32
 * etc.), whatever the topic and headers. The header callbacks are the same conversions.
 *
 * Errors are the getMessage() of Java's DataException (the SerializationException behind it
 * is its cause, not part of the message):
 *   BooleanConverter: "Invalid schema type for BooleanConverter: INT32" (a schema other than
 *     BOOLEAN), "BooleanConverter is not compatible with objects of type class java.lang.X";
 *   NumberConverter (the others, schema ignored): "Failed to serialize to integer (was class
 *     java.lang.Long): ";
 *   all: "Failed to deserialize integer: " for bytes of the wrong size (or a boolean byte other
 *     than 0 and 1).
 */
#include <connectd/converter.h>

#include <stdio.h>
#include <string.h>

/** One converter: its type name in messages, Connect type and serialized size. */
typedef struct number_kind_s {
    const char *type_name; /**< "integer" (NumberConverter's typeName) */
    cd_type_t type;
    cd_value_kind_t kind;
    size_t size; /**< serialized size in bytes */
} number_kind_t;

static const number_kind_t boolean_kind = {"boolean", CD_TYPE_BOOLEAN, CD_VALUE_BOOLEAN, 1};
static const number_kind_t short_kind = {"short", CD_TYPE_INT16, CD_VALUE_INT16, 2};
static const number_kind_t integer_kind = {"integer", CD_TYPE_INT32, CD_VALUE_INT32, 4};
static const number_kind_t long_kind = {"long", CD_TYPE_INT64, CD_VALUE_INT64, 8};
static const number_kind_t float_kind = {"float", CD_TYPE_FLOAT32, CD_VALUE_FLOAT32, 4};
static const number_kind_t double_kind = {"double", CD_TYPE_FLOAT64, CD_VALUE_FLOAT64, 8};

/* The state is the (static) kind: configuring these converters only checks converter.type,
 * which the generic layer passes as an enum. */
#define DEFINE_CREATE(fn, kindvar)                                                                 \
    static void *fn(const cd_properties_t *config, cd_converter_type_t type, char *errstr,         \
                    size_t errstr_size)                                                            \
    {                                                                                              \
        (void)config;                                                                              \
        (void)type;                                                                                \
        (void)errstr;                                                                              \
        (void)errstr_size;                                                                         \
        return (void *)&kindvar;                                                                   \
    }

DEFINE_CREATE(boolean_create, boolean_kind)
DEFINE_CREATE(short_create, short_kind)
DEFINE_CREATE(integer_create, integer_kind)
DEFINE_CREATE(long_create, long_kind)
DEFINE_CREATE(float_create, float_kind)
DEFINE_CREATE(double_create, double_kind)

static void number_destroy(void *state)
{
    (void)state;
}

static void put_be(uint8_t *out, uint64_t bits, size_t size)
{
    for (size_t i = 0; i < size; i++)
        out[i] = (uint8_t)(bits >> (8 * (size - 1 - i)));
}

static uint64_t get_be(const uint8_t *data, size_t size)
{
    uint64_t bits = 0;
    for (size_t i = 0; i < size; i++)
        bits = (bits << 8) | data[i];
    return bits;
}

static int number_from_connect(void *state, const char *topic, const cd_headers_t *headers,
                               const cd_schema_t *schema, const cd_value_t *value, cd_buf_t *out,
                               bool *is_null, char *errstr, size_t errstr_size)
{
    const number_kind_t *k = state;
    uint8_t bytes[8];
    uint64_t bits = 0;
    (void)topic;
    (void)headers;
    if (k->type == CD_TYPE_BOOLEAN && schema && cd_schema_type(schema) != CD_TYPE_BOOLEAN) {
        snprintf(errstr, errstr_size, "Invalid schema type for BooleanConverter: %s",
                 cd_type_name(cd_schema_type(schema)));
        return -1;
    }
    *is_null = value == NULL;
    if (!value)
        return 0;
    if (cd_value_kind(value) != k->kind) {
        const char *cls = cd_value_kind_java_class(cd_value_kind(value));
        if (k->type == CD_TYPE_BOOLEAN)
            snprintf(errstr, errstr_size,
                     "BooleanConverter is not compatible with objects of type class %s", cls);
        else
            snprintf(errstr, errstr_size,
                     "Failed to serialize to %s (was class %s): ", k->type_name, cls);
        return -1;
    }
    switch (k->type) {
    case CD_TYPE_BOOLEAN:
        bits = cd_value_boolean(value) ? 1 : 0;
        break;
    case CD_TYPE_INT16:
        bits = (uint16_t)cd_value_int16(value);
        break;
    case CD_TYPE_INT32:
        bits = (uint32_t)cd_value_int32(value);
        break;
    case CD_TYPE_INT64:
        bits = (uint64_t)cd_value_int64(value);
        break;
    case CD_TYPE_FLOAT32: {
        /* FloatSerializer writes Float.floatToRawIntBits: the bits as they are. */
        float f = cd_value_float32(value);
        uint32_t u;
        memcpy(&u, &f, sizeof(u));
        bits = u;
        break;
    }
    case CD_TYPE_FLOAT64: {
        double d = cd_value_float64(value);
        memcpy(&bits, &d, sizeof(bits));
        break;
    }
    default:
        snprintf(errstr, errstr_size, "Failed to serialize to %s: ", k->type_name);
        return -1;
    }
    put_be(bytes, bits, k->size);
    if (cd_buf_append(out, bytes, k->size) != 0) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    return 0;
}

static int number_to_connect(void *state, const char *topic, const cd_headers_t *headers,
                             const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                             char *errstr, size_t errstr_size)
{
    const number_kind_t *k = state;
    cd_value_t *value = NULL;
    (void)topic;
    (void)headers;
    if (data) {
        uint64_t bits;
        /* The deserializers' SerializationException ("Size of data received by
         * IntegerDeserializer is not 4", "Unexpected byte received by BooleanDeserializer")
         * is the cause; the message is NumberConverter's. */
        if (len != k->size || (k->type == CD_TYPE_BOOLEAN && data[0] > 1)) {
            snprintf(errstr, errstr_size, "Failed to deserialize %s: ", k->type_name);
            return -1;
        }
        bits = get_be(data, k->size);
        switch (k->type) {
        case CD_TYPE_BOOLEAN:
            value = cd_value_new_boolean(bits != 0);
            break;
        case CD_TYPE_INT16:
            value = cd_value_new_int16((int16_t)(uint16_t)bits);
            break;
        case CD_TYPE_INT32:
            value = cd_value_new_int32((int32_t)(uint32_t)bits);
            break;
        case CD_TYPE_INT64:
            value = cd_value_new_int64((int64_t)bits);
            break;
        case CD_TYPE_FLOAT32: {
            uint32_t u = (uint32_t)bits;
            float f;
            memcpy(&f, &u, sizeof(f));
            value = cd_value_new_float32(f);
            break;
        }
        case CD_TYPE_FLOAT64: {
            double d;
            memcpy(&d, &bits, sizeof(d));
            value = cd_value_new_float64(d);
            break;
        }
        default:
            break;
        }
        if (!value) {
            snprintf(errstr, errstr_size, "Out of memory");
            return -1;
        }
    }
    out->schema = cd_schema_new(k->type);
    if (!out->schema) {
        cd_value_destroy(value);
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    cd_schema_set_optional(out->schema, true);
    out->value = value;
    return 0;
}

static int number_from_connect_header(void *state, const char *topic, const char *header_key,
                                      const cd_schema_t *schema, const cd_value_t *value,
                                      cd_buf_t *out, bool *is_null, char *errstr,
                                      size_t errstr_size)
{
    (void)header_key;
    return number_from_connect(state, topic, NULL, schema, value, out, is_null, errstr,
                               errstr_size);
}

static int number_to_connect_header(void *state, const char *topic, const char *header_key,
                                    const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                    char *errstr, size_t errstr_size)
{
    (void)header_key;
    return number_to_connect(state, topic, NULL, data, len, out, errstr, errstr_size);
}

#define DEFINE_PLUGIN(var, simple, create_fn)                                                      \
    static const char *const var##_aliases[] = {simple, NULL};                                     \
    const cd_converter_plugin_t var = {                                                            \
        .class_name = "org.apache.kafka.connect.converters." simple,                               \
        .aliases = var##_aliases,                                                                  \
        .version = "4.3.1",                                                                        \
        .is_header_converter = true,                                                               \
        .is_converter = true,                                                                      \
        .create = create_fn,                                                                       \
        .destroy = number_destroy,                                                                 \
        .from_connect = number_from_connect,                                                       \
        .to_connect = number_to_connect,                                                           \
        .from_connect_header = number_from_connect_header,                                         \
        .to_connect_header = number_to_connect_header,                                             \
    };

DEFINE_PLUGIN(cd_boolean_converter_plugin, "BooleanConverter", boolean_create)
DEFINE_PLUGIN(cd_short_converter_plugin, "ShortConverter", short_create)
DEFINE_PLUGIN(cd_integer_converter_plugin, "IntegerConverter", integer_create)
DEFINE_PLUGIN(cd_long_converter_plugin, "LongConverter", long_create)
DEFINE_PLUGIN(cd_float_converter_plugin, "FloatConverter", float_create)
DEFINE_PLUGIN(cd_double_converter_plugin, "DoubleConverter", double_create)
