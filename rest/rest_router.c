/* rest_router.c: request routing for the REST server. Splits the raw path
 * into percent-decoded segments with the checks Jetty 12 makes before Jersey
 * sees a request (ambiguous separators, dot segments, control characters,
 * bad UTF-8), decodes query parameters as JAX-RS @QueryParam does, checks the
 * media types of @Consumes/@Produces(application/json) and hands the request
 * to the resource owning the first segment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/java_text.h"
#include "rest_internal.h"

static void free_segs(char **segs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(segs[i]);
}

/* Decodes one raw segment; @returns 0 or 400 with Jetty's message. */
static int decode_segment(const char *raw, size_t len, char **out, char *errstr, size_t errstr_size)
{
    char *d = malloc(len + 1);
    size_t o = 0;
    bool encoded_dot_only = len > 0, escaped = false;

    if (!d) {
        snprintf(errstr, errstr_size, "Out of memory");
        return 500;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c == '%') {
            int hi = i + 2 < len + 1 ? cd_hex_digit_value((unsigned char)raw[i + 1]) : -1;
            int lo = hi >= 0 ? cd_hex_digit_value((unsigned char)raw[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                snprintf(errstr, errstr_size, "Bad Request");
                goto fail;
            }
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
            escaped = true;
            if (c == '/') {
                snprintf(errstr, errstr_size, "Ambiguous URI path separator");
                goto fail;
            }
            if (c == 0) {
                snprintf(errstr, errstr_size, "Bad Request");
                goto fail;
            }
        } else if (c != '.') {
            encoded_dot_only = false;
        }
        if (c != '.')
            encoded_dot_only = false;
        if (c < 0x20 || c == 0x7f) {
            snprintf(errstr, errstr_size, "Suspicious Path Character");
            goto fail;
        }
        d[o++] = (char)c;
    }
    d[o] = '\0';
    /* An encoded "." or ".." (e.g. %2e%2e): the raw form was not a plain dot segment. */
    if (encoded_dot_only && escaped && (o == 1 || o == 2)) {
        snprintf(errstr, errstr_size, "Ambiguous URI path segment");
        goto fail;
    }
    for (size_t i = 0; i < o;) {
        size_t n = cd_utf8_sequence_length((const uint8_t *)d + i, o - i);
        if (n == 0) {
            snprintf(errstr, errstr_size, "Bad UTF-8 encoding");
            goto fail;
        }
        i += n;
    }
    *out = d;
    return 0;
fail:
    free(d);
    return 400;
}

int cd_rest_split_path(const char *path, char **segs, size_t max_segs, size_t *nsegs, char *errstr,
                       size_t errstr_size)
{
    const char *p;
    size_t n = 0, depth = 0;
    int rc;

    *nsegs = 0;
    if (!path || path[0] != '/') {
        snprintf(errstr, errstr_size, "Bad Request");
        return 400;
    }
    p = path + 1;
    while (*p) {
        const char *end = strchr(p, '/');
        size_t raw_len = end ? (size_t)(end - p) : strlen(p);
        size_t seg_len = raw_len;
        const char *semi = memchr(p, ';', raw_len);
        char *seg = NULL;

        if (semi)
            seg_len = (size_t)(semi - p); /* matrix parameters are not part of the name */
        if (raw_len == 0) {
            if (end) { /* "//" inside the path */
                snprintf(errstr, errstr_size, "Ambiguous URI empty segment");
                rc = 400;
                goto fail;
            }
            break;
        }
        /* Jetty rejects a ".." climbing above the root; otherwise Jersey matches the raw
         * request URI, so "." and ".." stay literal segments (no route has them: 404). */
        if (seg_len == 1 && p[0] == '.') {
            depth++;
        } else if (seg_len == 2 && p[0] == '.' && p[1] == '.') {
            if (depth == 0) {
                snprintf(errstr, errstr_size, "Bad Request");
                rc = 400;
                goto fail;
            }
            depth--;
        } else {
            depth++;
        }
        rc = decode_segment(p, seg_len, &seg, errstr, errstr_size);
        if (rc)
            goto fail;
        if (n == max_segs) {
            free(seg);
            snprintf(errstr, errstr_size, "HTTP 404 Not Found");
            rc = 404;
            goto fail;
        }
        segs[n++] = seg;
        if (!end)
            break;
        p = end + 1;
    }
    *nsegs = n;
    return 0;
fail:
    free_segs(segs, n);
    return rc;
}

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
static bool media_ok(const cd_rest_request_t *req, bool consumes, cd_rest_response_t *resp)
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

void cd_rest_handle(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                    cd_rest_response_t *resp)
{
    char *segs[CD_REST_MAX_SEGMENTS];
    size_t n = 0;
    char err[128];
    int rc;

    memset(resp, 0, sizeof(*resp));
    rc = cd_rest_split_path(req->path, segs, CD_REST_MAX_SEGMENTS, &n, err, sizeof(err));
    if (rc == 400) {
        cd_rest_jetty_error(resp, rc, err); /* Jetty rejects the URI before Jersey */
        return;
    }
    if (rc) {
        cd_rest_error(resp, rc, "%s", err);
        return;
    }
    if (n == 0 || (n == 1 && strcmp(segs[0], "health") == 0)) {
        if (!ctx->regular)
            cd_rest_not_found(resp);
        else if (strcmp(req->method, "GET") != 0)
            cd_rest_not_allowed(resp);
        else if (media_ok(req, false, resp))
            cd_rest_root_resource(ctx, req, segs, n, resp);
    } else if (ctx->regular && strcmp(segs[0], "connectors") == 0) {
        cd_rest_connectors_resource(ctx, req, segs, n, resp);
    } else if (ctx->regular && strcmp(segs[0], "connector-plugins") == 0) {
        cd_rest_plugins_resource(ctx, req, segs, n, resp);
    } else if (ctx->admin && n >= 2 && strcmp(segs[0], "admin") == 0 &&
               strcmp(segs[1], "loggers") == 0) {
        cd_rest_loggers_resource(ctx, req, segs, n, resp);
    } else {
        cd_rest_not_found(resp);
    }
    free_segs(segs, n);
}

/* Shared by the resources: route matched, now the method and media types. */
bool cd_rest_method_ok(const cd_rest_request_t *req, const char *const *allowed,
                       cd_rest_response_t *resp)
{
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(req->method, allowed[i]) == 0)
            return media_ok(req, true, resp);
    }
    cd_rest_not_allowed(resp);
    return false;
}
