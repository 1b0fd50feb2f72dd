/*
 * byte_array_converter.c: org.apache.kafka.connect.converters.ByteArrayConverter,
 * a pass-through Converter and HeaderConverter for BYTES.
 */
#include <connectd/converter.h>

#include <stdio.h>
#include <string.h>

/** Any non-NULL pointer: the converter has no settings. */
static int byte_array_state;

static void *byte_array_create(const cd_properties_t *config, cd_converter_type_t type,
                               char *errstr, size_t errstr_size)
{
    return &byte_array_state;
}

static void byte_array_destroy(void *state) {}

static int byte_array_from_connect(void *state, const char *topic, const cd_headers_t *headers,
                                   const cd_schema_t *schema, const cd_value_t *value,
                                   cd_buf_t *out, bool *is_null, char *errstr, size_t errstr_size)
{
    size_t len;
    if (schema && cd_schema_type(schema) != CD_TYPE_BYTES) {
        snprintf(errstr, errstr_size, "Invalid schema type for ByteArrayConverter: %s",
                 cd_type_name(cd_schema_type(schema)));
        return -1;
    }
    *is_null = value == NULL;
    if (!value)
        return 0;
    if (cd_value_kind(value) != CD_VALUE_BYTES) {
        snprintf(errstr, errstr_size,
                 "ByteArrayConverter is not compatible with objects of type class %s",
                 cd_value_kind_java_class(cd_value_kind(value)));
        return -1;
    }
    const uint8_t *data = cd_value_bytes(value, &len);
    if (cd_buf_append(out, data, len) != 0) {
        snprintf(errstr, errstr_size, "ByteArrayConverter: value of %zu bytes is too large", len);
        return -1;
    }
    return 0;
}

static int byte_array_to_connect(void *state, const char *topic, const cd_headers_t *headers,
                                 const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                 char *errstr, size_t errstr_size)
{
    out->schema = cd_schema_new(CD_TYPE_BYTES);
    cd_schema_set_optional(out->schema, true);
    out->value = data ? cd_value_new_bytes(data, len) : NULL;
    return 0;
}

static int byte_array_from_connect_header(void *state, const char *topic, const char *header_key,
                                          const cd_schema_t *schema, const cd_value_t *value,
                                          cd_buf_t *out, bool *is_null, char *errstr,
                                          size_t errstr_size)
{
    return byte_array_from_connect(state, topic, NULL, schema, value, out, is_null, errstr,
                                   errstr_size);
}

static int byte_array_to_connect_header(void *state, const char *topic, const char *header_key,
                                        const uint8_t *data, size_t len, cd_schema_and_value_t *out,
                                        char *errstr, size_t errstr_size)
{
    return byte_array_to_connect(state, topic, NULL, data, len, out, errstr, errstr_size);
}

static const char *const byte_array_converter_aliases[] = {"ByteArrayConverter", NULL};

const cd_converter_plugin_t cd_byte_array_converter_plugin = {
    .class_name = "org.apache.kafka.connect.converters.ByteArrayConverter",
    .aliases = byte_array_converter_aliases,
    .version = "4.3.1",
    .is_header_converter = true,
    .is_converter = true,
    .create = byte_array_create,
    .destroy = byte_array_destroy,
    .from_connect = byte_array_from_connect,
    .to_connect = byte_array_to_connect,
    .from_connect_header = byte_array_from_connect_header,
    .to_connect_header = byte_array_to_connect_header,
};
