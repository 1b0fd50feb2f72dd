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
        else if (cd_rest_media_ok(req, false, resp))
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
