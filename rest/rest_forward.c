/* rest_forward.c: HerderRequestHandler for the resources. A herder reply
 * that asks for another worker (NotLeaderException / NotAssignedException) is
 * forwarded with Java's hop rule (no `forward` param: forward with
 * forward=true; forward=true: once more with forward=false; forward=false:
 * 409), a pending rebalance is a 409 on these endpoints and a 500 on plain
 * reads, and the target's answer is taken over as RestClient does (2xx entity,
 * 204 no entity, >= 400 its status and ErrorMessage, anything else 500). The
 * forward call blocks this REST thread (libmicrohttpd runs one thread per
 * connection, so a request forwarded to this worker itself is served by
 * another thread). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rest_client.h"
#include "rest_internal.h"

#define MSG_NO_LEADER                                                                              \
    "Cannot complete request momentarily due to no known leader URL, likely because a "            \
    "rebalance was underway."
#define MSG_HOPS                                                                                   \
    "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
#define MSG_STALE                                                                                  \
    "Cannot complete request momentarily due to stale configuration (typically caused by a "       \
    "concurrent config change)"

/** Default wait for a forwarded request (the REST request timeout). */
#define CD_REST_FORWARD_TIMEOUT_MS 90000

int cd_rest_forward_param(const cd_rest_request_t *req)
{
    char *v = cd_rest_query_get(req, "forward");
    int r;

    /* @QueryParam Boolean: absent or empty = null, else Boolean.valueOf */
    if (!v || !*v)
        r = -1;
    else
        r = strcasecmp(v, "true") == 0 ? 1 : 0;
    free(v);
    return r;
}

cd_rest_fwd_action_t cd_rest_forward_decide(const cd_herder_reply_t *r, int forward,
                                            bool *recursive, const char **message)
{
    *recursive = false;
    *message = NULL;
    switch (r->redirect) {
    case CD_HERDER_REDIRECT_NONE:
        return CD_REST_FWD_COMPLETE;
    case CD_HERDER_REDIRECT_REBALANCE_NEEDED:
        *message = MSG_STALE;
        return CD_REST_FWD_CONFLICT;
    case CD_HERDER_REDIRECT_NOT_LEADER:
    case CD_HERDER_REDIRECT_NOT_ASSIGNED:
        break;
    }
    if (forward == 0) {
        *message = MSG_HOPS;
        return CD_REST_FWD_CONFLICT;
    }
    if (!r->target_url) {
        *message = MSG_NO_LEADER;
        return CD_REST_FWD_CONFLICT;
    }
    *recursive = forward < 0;
    return CD_REST_FWD_FORWARD;
}

/* UriComponent PATH: unreserved, sub-delims, ':', '@', '/' stay; a valid %XX stays. */
static bool path_char_ok(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("-._~!$&'()*+,;=:@/", c) != NULL;
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Query values as UriComponent QUERY_PARAM encodes them. */
static bool query_char_ok(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("-._~!$'()*,;:@/?", c) != NULL;
}

static void put_encoded(char **p, const char *s, bool (*ok)(unsigned char))
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ok(c) || (c == '%' && i + 2 < n + 1 && is_hex(s[i + 1]) && is_hex(s[i + 2]))) {
            *(*p)++ = (char)c;
        } else {
            *(*p)++ = '%';
            *(*p)++ = hex[c >> 4];
            *(*p)++ = hex[c & 15];
        }
    }
}

static char *build_url(const char *target, const char *path, bool with_forward, bool recursive,
                       const char *const *extra_query)
{
    size_t tlen = strlen(target), plen = strlen(path);
    size_t cap = tlen + plen * 3 + 32;
    const char *q = strchr(target, '?');
    char *out, *p;

    if (q) /* a worker URL has no query; ignore one rather than mixing it in */
        tlen = (size_t)(q - target);
    for (size_t i = 0; extra_query && extra_query[i] && extra_query[i + 1]; i += 2)
        cap += (strlen(extra_query[i]) + strlen(extra_query[i + 1])) * 3 + 2;
    out = malloc(cap);
    if (!out)
        return NULL;
    memcpy(out, target, tlen);
    p = out + tlen;
    /* UriBuilder.path(): exactly one '/' between the existing path and the new one */
    if (tlen > 0 && out[tlen - 1] == '/' && plen > 0 && path[0] == '/')
        p--;
    else if (plen > 0 && path[0] != '/' && (tlen == 0 || out[tlen - 1] != '/'))
        *p++ = '/';
    put_encoded(&p, path, path_char_ok);
    if (with_forward)
        p += sprintf(p, "?forward=%s", recursive ? "true" : "false");
    for (size_t i = 0; extra_query && extra_query[i] && extra_query[i + 1]; i += 2) {
        *p++ = with_forward || i > 0 ? '&' : '?';
        put_encoded(&p, extra_query[i], query_char_ok);
        *p++ = '=';
        put_encoded(&p, extra_query[i + 1], query_char_ok);
    }
    *p = '\0';
    return out;
}

char *cd_rest_forward_url(const char *target, const char *path, bool recursive,
                          const char *const *extra_query)
{
    return build_url(target, path, true, recursive, extra_query);
}

char *cd_rest_url_path(const char *target, const char *path)
{
    return build_url(target, path, false, false, NULL);
}

/* RestClient: the target's answer as this worker's reply. */
static void take_answer(cd_herder_reply_t *r, const cd_rest_client_response_t *res)
{
    json_error_t jerr;
    json_t *doc;

    if (res->status == 204) {
        cd_herder_reply_ok(r, 204, NULL);
        return;
    }
    if (res->status < 200 || (res->status >= 300 && res->status < 400)) {
        cd_herder_reply_error(r, 500, "Unexpected status code when handling forwarded request: %d",
                              res->status);
        return;
    }
    doc = json_loadb(res->body, res->body_len, JSON_DECODE_ANY, &jerr);
    if (!doc) {
        cd_herder_reply_error(r, 500, "IO Error trying to forward REST request: %s", jerr.text);
        return;
    }
    if (res->status >= 400) {
        /* ConnectRestException(status, errorMessage.errorCode(), errorMessage.message()) */
        json_t *code = json_object_get(doc, "error_code");
        json_t *msg = json_object_get(doc, "message");
        json_t *err;
        if (!json_is_object(doc) || (code && !json_is_integer(code) && !json_is_null(code)) ||
            (msg && !json_is_string(msg) && !json_is_null(msg))) {
            json_decref(doc);
            cd_herder_reply_error(r, 500,
                                  "IO Error trying to forward REST request: the answer (%d) is "
                                  "not an ErrorMessage",
                                  res->status);
            return;
        }
        err = json_object();
        json_object_set_new(err, "error_code",
                            json_integer(json_is_integer(code) ? json_integer_value(code) : 0));
        json_object_set_new(err, "message",
                            msg && json_is_string(msg) ? json_copy(msg) : json_null());
        json_decref(doc);
        cd_herder_reply_ok(r, res->status, err);
        return;
    }
    cd_herder_reply_ok(r, res->status, doc);
}

void cd_rest_complete_or_forward(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                                 cd_herder_reply_t *r, const char *method, const char *path,
                                 const json_t *body, const char *const *extra_query,
                                 int local_status)
{
    bool recursive;
    const char *msg;
    char *url = NULL, *text = NULL;
    char err[512];
    cd_rest_client_response_t res = {0};

    switch (cd_rest_forward_decide(r, cd_rest_forward_param(req), &recursive, &msg)) {
    case CD_REST_FWD_COMPLETE:
        return;
    case CD_REST_FWD_CONFLICT:
        cd_herder_reply_error(r, 409, "%s", msg);
        return;
    case CD_REST_FWD_FORWARD:
        break;
    }
    url = cd_rest_forward_url(r->target_url, path, recursive, extra_query);
    if (body)
        text = json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    if (!url || (body && !text)) {
        cd_herder_reply_error(r, 500, "Out of memory");
        goto done;
    }
    if (cd_rest_client_request(
            ctx->wc, method, url, text, text ? strlen(text) : 0, req->authorization, NULL,
            ctx->forward_timeout_ms > 0 ? ctx->forward_timeout_ms : CD_REST_FORWARD_TIMEOUT_MS,
            &res, err, sizeof(err)) != 0) {
        cd_herder_reply_error(r, 500, "IO Error trying to forward REST request: %s", err);
        goto done;
    }
    take_answer(r, &res);
    if (local_status && r->status >= 200 && r->status < 300) {
        r->status = local_status;
        if (local_status == 204 && r->body) {
            json_decref(r->body);
            r->body = NULL;
        }
    }
done:
    cd_rest_client_response_clear(&res);
    free(url);
    free(text);
}
