/* rest_request.c: what the resources ask of a routed request — query
 * parameters decoded as JAX-RS @QueryParam does, and the method and media-type
 * checks of @Consumes/@Produces(application/json). Kept apart from the router
 * so that resources depend on it and the router on them, never both ways. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/java_text.h"
#include "rest_internal.h"

char *cd_rest_query_decode(const char *raw)
{
    size_t len = strlen(raw);
    char *d = malloc(len + 1);
    size_t o = 0;

    if (!d)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi = i + 1 < len ? cd_hex_digit_value((unsigned char)raw[i + 1]) : -1;
            int lo = hi >= 0 && i + 2 < len ? cd_hex_digit_value((unsigned char)raw[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                free(d);
                return NULL;
            }
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        d[o++] = (char)c;
    }
    d[o] = '\0';
    return d;
}

char *cd_rest_query_get(const cd_rest_request_t *req, const char *key)
{
    for (size_t i = 0; i < req->nparams && i < CD_REST_MAX_PARAMS; i++) {
        char *k = cd_rest_query_decode(req->params[i].key);
        bool match = k && strcmp(k, key) == 0;
        free(k);
        if (match)
            return cd_rest_query_decode(req->params[i].value ? req->params[i].value : "");
    }
    return NULL;
}

/* Does one media range of a header list match application/json? */
static bool media_matches(const char *list, bool is_accept)
{
    const char *p = list;

    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *semi = memchr(p, ';', len);
        size_t tlen = semi ? (size_t)(semi - p) : len;

        while (tlen > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            tlen--;
            len--;
        }
        while (tlen > 0 && (p[tlen - 1] == ' ' || p[tlen - 1] == '\t'))
            tlen--;
        if ((tlen == 16 && strncasecmp(p, "application/json", 16) == 0) ||
            (is_accept && ((tlen == 3 && strncmp(p, "*/*", 3) == 0) ||
                           (tlen == 13 && strncasecmp(p, "application/*", 13) == 0) || tlen == 0)))
            return true;
        if (!is_accept)
            return false; /* Content-Type is one type */
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* JAX-RS media checks for a resource that @Consumes and @Produces JSON. */
bool cd_rest_media_ok(const cd_rest_request_t *req, bool consumes, cd_rest_response_t *resp)
{
    bool has_entity = req->body_len > 0 || strcmp(req->method, "POST") == 0 ||
                      strcmp(req->method, "PUT") == 0 || strcmp(req->method, "PATCH") == 0;

    /* Jersey reads an entity without Content-Type as application/octet-stream: 415 too */
    if (consumes && has_entity &&
        ((req->content_type && !media_matches(req->content_type, false)) ||
         (!req->content_type && req->body_len > 0))) {
        cd_rest_error(resp, 415, "HTTP 415 Unsupported Media Type");
        return false;
    }
    if (req->accept && !media_matches(req->accept, true)) {
        cd_rest_error(resp, 406, "HTTP 406 Not Acceptable");
        return false;
    }
    return true;
}

/* Shared by the resources: route matched, now the method and media types. */
bool cd_rest_method_ok(const cd_rest_request_t *req, const char *const *allowed,
                       cd_rest_response_t *resp)
{
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(req->method, allowed[i]) == 0)
            return cd_rest_media_ok(req, true, resp);
    }
    cd_rest_not_allowed(resp);
    return false;
}
