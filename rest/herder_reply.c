/* herder_reply.c: the reply a herder call fills for the REST layer
 * (status, error message, entity, Location). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../worker/herder.h"

void cd_herder_reply_clear(cd_herder_reply_t *reply)
{
    if (!reply)
        return;
    free(reply->message);
    if (reply->body)
        json_decref(reply->body);
    free(reply->location);
    free(reply->target_url);
    memset(reply, 0, sizeof(*reply));
}

void cd_herder_reply_redirect(cd_herder_reply_t *reply, cd_herder_redirect_t kind, const char *url,
                              const char *message)
{
    cd_herder_reply_clear(reply);
    reply->redirect = kind;
    reply->target_url = url ? strdup(url) : NULL;
    reply->message = message ? strdup(message) : NULL;
}

void cd_herder_reply_error(cd_herder_reply_t *reply, int status, const char *fmt, ...)
{
    va_list ap;
    int n;

    cd_herder_reply_clear(reply);
    reply->status = status;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    reply->message = malloc((size_t)n + 1);
    if (!reply->message)
        return;
    va_start(ap, fmt);
    vsnprintf(reply->message, (size_t)n + 1, fmt, ap);
    va_end(ap);
}

void cd_herder_reply_ok(cd_herder_reply_t *reply, int status, json_t *body)
{
    cd_herder_reply_clear(reply);
    reply->status = status;
    reply->body = body;
}
