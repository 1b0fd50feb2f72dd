/* rest_body.c: request bodies as Jersey's Jackson provider reads them:
 * strict JSON (one value, UTF-8), and the Map<String,String> coercion Jackson
 * applies to connector configurations (numbers and booleans become their
 * text; objects and arrays are errors). Unreadable bodies are answered 500,
 * as Java 4.3 does (Jackson's exceptions reach ConnectExceptionMapper). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/properties.h"
#include "rest_internal.h"

json_t *cd_rest_parse_body(const char *body, size_t len, int *status, char *errstr,
                           size_t errstr_size)
{
    json_error_t jerr;
    json_t *v;

    if (!body || len == 0)
        return json_null(); /* Jackson's provider reads an empty entity as null */
    v = json_loadb(body, len, JSON_DECODE_ANY, &jerr);
    if (!v) {
        *status = 500;
        /* Jackson's exception text differs; its location tail has the same shape. */
        snprintf(errstr, errstr_size,
                 "%s\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` "
                 "disabled); line: %d, column: %d]",
                 jerr.text, jerr.line, jerr.column);
        return NULL;
    }
    return v;
}

char *cd_rest_json_scalar_text(const json_t *v, char *errstr, size_t errstr_size)
{
    char buf[64];

    switch (json_typeof(v)) {
    case JSON_STRING:
        return strndup(json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    case JSON_REAL: {
        /* Jackson keeps the number as written; jansson only has the value: the
         * shortest text that reads back the same. */
        double d = json_real_value(v);
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, sizeof(buf), "%.*g", prec, d);
            if (strtod(buf, NULL) == d)
                break;
        }
        return strdup(buf);
    }
    case JSON_TRUE:
        return strdup("true");
    case JSON_FALSE:
        return strdup("false");
    case JSON_OBJECT:
        snprintf(errstr, errstr_size,
                 "Cannot deserialize value of type `java.lang.String` from Object value "
                 "(token `JsonToken.START_OBJECT`)");
        return NULL;
    case JSON_ARRAY:
        snprintf(errstr, errstr_size,
                 "Cannot deserialize value of type `java.lang.String` from Array value "
                 "(token `JsonToken.START_ARRAY`)");
        return NULL;
    default:
        snprintf(errstr, errstr_size, "null value");
        return NULL;
    }
}

cd_properties_t *cd_rest_json_to_props(const json_t *obj, char *errstr, size_t errstr_size)
{
    cd_properties_t *props = NULL;
    const char *key;
    json_t *val;

    if (!json_is_object(obj)) {
        snprintf(errstr, errstr_size,
                 "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang.String,"
                 "java.lang.String>` from %s value (token `JsonToken.%s`)",
                 json_is_array(obj) ? "Array" : "non-Object",
                 json_is_array(obj) ? "START_ARRAY" : "VALUE");
        return NULL;
    }
    props = cd_properties_new();
    if (!props)
        goto oom;
    json_object_foreach((json_t *)obj, key, val)
    {
        char *text;
        if (json_is_null(val))
            continue; /* a null value means "not set" for a connector configuration */
        text = cd_rest_json_scalar_text(val, errstr, errstr_size);
        if (!text)
            goto fail;
        if (cd_properties_set(props, key, text) != 0) {
            free(text);
            snprintf(errstr, errstr_size, "Connector configuration is too large");
            goto fail;
        }
        free(text);
    }
    return props;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    cd_properties_destroy(props);
    return NULL;
}

json_t *cd_rest_parse_object_body(const cd_rest_request_t *req, const char *java_type, bool null_ok,
                                  cd_rest_response_t *resp)
{
    char err[1024];
    int st = 500;
    json_t *body = cd_rest_parse_body(req->body, req->body_len, &st, err, sizeof(err));
    if (!body) {
        cd_rest_error(resp, st, "%s", err);
        return NULL;
    }
    if (json_is_object(body) || (null_ok && json_is_null(body)))
        return body;
    if (json_is_null(body))
        cd_rest_error(resp, 500, "Request body is missing");
    else
        cd_rest_error(resp, 500, "Cannot deserialize value of type `%s` from %s value", java_type,
                      json_is_array(body) ? "Array" : "non-Object");
    json_decref(body);
    return NULL;
}
