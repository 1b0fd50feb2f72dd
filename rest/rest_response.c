/* rest_response.c: rendering of REST answers: JSON entities, Java's error
 * body {"error_code":N,"message":"..."} (ConnectExceptionMapper/ErrorMessage),
 * herder replies and the Location of a created connector. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest_internal.h"
#include "../util/java_text.h"

void cd_rest_response_clear(cd_rest_response_t *resp)
{
    free(resp->body);
    free(resp->location);
    memset(resp, 0, sizeof(*resp));
}

void cd_rest_jetty_error(cd_rest_response_t *resp, int status, const char *message)
{
    /* Jetty 12's ErrorHandler page; the URI it shows for a rejected path is "/badURI". */
    static const char fmt[] =
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" "
        "content=\"text/html;charset=ISO-8859-1\"/>\n<title>Error %d %s</title>\n</head>\n"
        "<body>\n<h2>HTTP ERROR %d %s</h2>\n<table>\n<tr><th>URI:</th><td>/badURI</td></tr>\n"
        "<tr><th>STATUS:</th><td>%d</td></tr>\n<tr><th>MESSAGE:</th><td>%s</td></tr>\n"
        "</table>\n<hr/><a href=\"https://jetty.org/\">Powered by Jetty:// 12.0.34</a>"
        "<hr/>\n\n</body>\n</html>\n";
    int len = snprintf(NULL, 0, fmt, status, message, status, message, status, message);

    resp->status = status;
    resp->content_type = "text/html;charset=iso-8859-1";
    free(resp->body);
    resp->body = len < 0 ? NULL : malloc((size_t)len + 1);
    if (resp->body)
        snprintf(resp->body, (size_t)len + 1, fmt, status, message, status, message, status,
                 message);
}

static char *dump(json_t *v)
{
    /* Jackson writes compact JSON with non-ASCII as UTF-8 and keeps key order. */
    return json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

void cd_rest_json(cd_rest_response_t *resp, int status, json_t *body)
{
    free(resp->body);
    resp->body = NULL;
    resp->status = status;
    if (body) {
        resp->body = dump(body);
        json_decref(body);
        if (!resp->body)
            resp->status = 500;
    }
}

/* A JSON string of msg; ill-formed UTF-8 bytes become U+FFFD (as Java decodes them). */
static json_t *utf8_string(const char *msg)
{
    size_t len = strlen(msg);
    char *clean = malloc(len * 3 + 1);
    size_t o = 0;
    json_t *s;

    if (!clean)
        return json_null();
    for (size_t i = 0; i < len;) {
        size_t n = cd_utf8_sequence_length((const uint8_t *)msg + i, len - i);
        if (n == 0) {
            memcpy(clean + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(clean + o, msg + i, n);
            o += n;
            i += n;
        }
    }
    s = json_stringn(clean, o);
    free(clean);
    return s ? s : json_null();
}

static void error_text(cd_rest_response_t *resp, int status, const char *msg)
{
    json_t *o = json_object();

    json_object_set_new(o, "error_code", json_integer(status));
    json_object_set_new(o, "message", msg ? utf8_string(msg) : json_null());
    cd_rest_json(resp, status, o);
}

void cd_rest_error(cd_rest_response_t *resp, int status, const char *fmt, ...)
{
    char msg[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    error_text(resp, status, msg);
}

void cd_rest_not_found(cd_rest_response_t *resp)
{
    cd_rest_error(resp, 404, "HTTP 404 Not Found");
}

void cd_rest_not_allowed(cd_rest_response_t *resp)
{
    cd_rest_error(resp, 405, "HTTP 405 Method Not Allowed");
}

bool cd_rest_no_herder(const cd_rest_ctx_t *ctx, cd_rest_response_t *resp)
{
    if (ctx->herder && ctx->herder->ops)
        return false;
    cd_rest_error(resp, 503, "Worker is still starting up.");
    return true;
}

/* completeRequest for plain reads: a redirect left in the reply becomes a 500. */
void cd_rest_complete(cd_herder_reply_t *r)
{
    char *msg;

    /* completeRequest: the exception reaches ConnectExceptionMapper as a 500 */
    if (r->redirect == CD_HERDER_REDIRECT_NONE)
        return;
    msg = r->message;
    r->message = NULL;
    if (r->redirect == CD_HERDER_REDIRECT_REBALANCE_NEEDED)
        cd_herder_reply_error(r, 500, "%s",
                              msg ? msg
                                  : "Request cannot be completed because a rebalance is expected");
    else
        cd_herder_reply_error(r, 500, "%s", msg ? msg : "Cannot complete request on this worker");
    free(msg);
}

void cd_rest_from_reply(cd_rest_response_t *resp, cd_herder_reply_t *reply)
{
    int status;

    cd_rest_complete(reply); /* a redirect left over: a plain read (completeRequest) */
    status = reply->status;
    if (status < 100 || status > 599) {
        cd_rest_error(resp, 500, "%s", reply->message ? reply->message : "Request failed");
    } else if (reply->body) {
        cd_rest_json(resp, status, reply->body);
        reply->body = NULL;
    } else if (status >= 400) {
        error_text(resp, status, reply->message);
    } else {
        cd_rest_json(resp, status, NULL);
    }
    cd_herder_reply_clear(reply);
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

char *cd_rest_connector_location(const char *base_url, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t base_len = base_url ? strlen(base_url) : 0;
    size_t nlen = strlen(name);
    char *out = malloc(base_len + strlen("/connectors/") + nlen * 3 + 1);
    char *p;

    if (!out)
        return NULL;
    memcpy(out, base_url ? base_url : "", base_len);
    p = out + base_len;
    memcpy(p, "/connectors", 11);
    p += 11;
    if (nlen > 0 && name[0] != '/')
        *p++ = '/';
    for (size_t i = 0; i < nlen; i++) {
        unsigned char c = (unsigned char)name[i];
        if (path_char_ok(c) ||
            (c == '%' && i + 2 < nlen + 1 && is_hex(name[i + 1]) && is_hex(name[i + 2]))) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    *p = '\0';
    return out;
}
