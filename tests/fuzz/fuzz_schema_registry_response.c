/*
 * fuzz_schema_registry_response.c: libFuzzer target for the schema registry
 * client's response parsers (converters/schema_registry_client.c): any bytes as
 * a register answer, a by-id answer, a lookup/latest answer (with and without
 * the schema text), an error body under a status picked by the first byte, and
 * (as a C string) a URL to split and a subject to encode. Checks the
 * invariants: success means the outputs are set, failure leaves nothing
 * allocated, messages are NUL-terminated and bounded.
 */
#include "converters/schema_registry_client_internal.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const char *err, size_t size)
{
    if (memchr(err, '\0', size) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > CD_SR_MAX_RESPONSE + 16)
        return 0;
    const char *body = (const char *)data;
    char err[512];
    int32_t id = -5, version = -5;
    char *schema = NULL;

    err[0] = '\0';
    if (cd_sr_parse_id_response(body, size, &id, err, sizeof(err)) != CD_SR_OK)
        check_err(err, sizeof(err));

    if (cd_sr_parse_schema_response(body, size, &schema, err, sizeof(err)) == CD_SR_OK) {
        if (!schema)
            abort();
        free(schema);
    } else if (schema) {
        abort();
    }

    schema = NULL;
    if (cd_sr_parse_subject_version_response(body, size, &id, &version, &schema, err,
                                             sizeof(err)) == CD_SR_OK) {
        if (!schema)
            abort();
        free(schema);
    } else if (schema) {
        abort();
    }
    cd_sr_parse_subject_version_response(body, size, &id, &version, NULL, err, sizeof(err));

    int code = 0;
    int status = size ? 400 + data[0] % 200 : 500;
    cd_sr_result_t rc = cd_sr_format_error(status, body, size, &code, err, sizeof(err));
    if ((status == 404) != (rc == CD_SR_ERR_NOT_FOUND) ||
        (rc != CD_SR_ERR_NOT_FOUND && rc != CD_SR_ERR_REGISTRY))
        abort();
    check_err(err, sizeof(err));

    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *enc = cd_sr_url_encode(text);
    if (enc) {
        for (const char *p = enc; *p; p++)
            if (!(*p == '%' || *p == '-' || *p == '.' || *p == '_' || *p == '~' ||
                  (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
                abort();
        free(enc);
    }
    char *url = NULL, *user = NULL, *pass = NULL;
    if (cd_sr_split_userinfo(text, &url, &user, &pass) == 0) {
        if (!url || (user && !pass) || strlen(url) > size)
            abort();
        char *joined = cd_sr_join_url(url, "/subjects");
        free(joined);
    }
    free(url);
    free(user);
    free(pass);
    free(text);
    return 0;
}
