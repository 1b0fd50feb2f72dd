/*
 * simple_header_converter.c: org.apache.kafka.connect.storage.SimpleHeaderConverter,
 * the worker's default header converter: Values.convertToString() as UTF-8 on
 * the way out, Values.parseString() with schema inference on the way in.
 */
#include <connectd/converter.h>

#include "data/values.h"

#include <stdio.h>
#include <string.h>

static int simple_header_state;

static void *simple_header_create(const cd_properties_t *config, cd_converter_type_t type,
                                  char *errstr, size_t errstr_size)
{
    return &simple_header_state;
}

static void simple_header_destroy(void *state) {}

static int simple_header_from_connect_header(void *state, const char *topic, const char *header_key,
                                             const cd_schema_t *schema, const cd_value_t *value,
                                             cd_buf_t *out, bool *is_null, char *errstr,
                                             size_t errstr_size)
{
    size_t start = out->len;
    if (cd_values_convert_to_string(schema, value, out, is_null, errstr, errstr_size) != 0)
        return -1;
    if (*is_null)
        return 0;
    /* String.getBytes(UTF_8) of a string Java could hold: malformed UTF-8 becomes U+FFFD. */
    if (!cd_values_utf8_is_valid(out->data + start, out->len - start)) {
        cd_buf_t clean;
        cd_buf_init(&clean);
        if (cd_values_utf8_decode_java(out->data + start, out->len - start, &clean) != 0) {
            cd_buf_free(&clean);
            snprintf(errstr, errstr_size, "Header '%s' value is too large",
                     header_key ? header_key : "");
            return -1;
        }
        out->len = start;
        int rc = cd_buf_append(out, clean.data, clean.len);
        cd_buf_free(&clean);
        return rc;
    }
    return 0;
}

static int simple_header_to_connect_header(void *state, const char *topic, const char *header_key,
                                           const uint8_t *data, size_t len,
                                           cd_schema_and_value_t *out, char *errstr,
                                           size_t errstr_size)
{
    cd_buf_t text;
    const char *str = (const char *)data;
    size_t str_len = len;
    char ignored[256];
    if (!data)
        return 0;
    cd_buf_init(&text);
    if (!cd_values_utf8_is_valid(data, len)) { /* new String(value, UTF_8) */
        if (cd_values_utf8_decode_java(data, len, &text) != 0)
            goto as_bytes;
        str = (const char *)text.data;
        str_len = text.len;
    }
    if (cd_values_parse_string(str ? str : "", str_len, out, ignored, sizeof(ignored)) != 0)
        goto as_bytes;
    cd_buf_free(&text);
    return 0;
as_bytes:
    /* Java logs a warning and keeps the raw bytes (e.g. on a StackOverflowError). */
    cd_buf_free(&text);
    cd_schema_and_value_clear(out);
    out->schema = cd_schema_new(CD_TYPE_BYTES);
    out->value = cd_value_new_bytes(data, len);
    return 0;
}

static const char *const simple_header_converter_aliases[] = {"SimpleHeaderConverter", NULL};

const cd_converter_plugin_t cd_simple_header_converter_plugin = {
    .class_name = "org.apache.kafka.connect.storage.SimpleHeaderConverter",
    .aliases = simple_header_converter_aliases,
    .version = "4.3.1",
    .is_header_converter = true,
    .is_converter = false,
    .create = simple_header_create,
    .destroy = simple_header_destroy,
    .from_connect_header = simple_header_from_connect_header,
    .to_connect_header = simple_header_to_connect_header,
};
