/* root_resource.c: GET / (ServerInfo) and GET /health (RootResource). Before
 * a herder is attached /health answers 503 {"status":"starting",...}. */
#include <string.h>

#include "rest_internal.h"

void cd_rest_root_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, char **segs,
                           size_t n, cd_rest_response_t *resp)
{
    cd_herder_reply_t r = {0};

    if (n == 1) { /* /health */
        if (!ctx->herder || !ctx->herder->ops) {
            json_t *o = json_object();
            json_object_set_new(o, "status", json_string("starting"));
            json_object_set_new(o, "message", json_string("Worker is still starting up."));
            cd_rest_json(resp, 503, o);
            return;
        }
        ctx->herder->ops->health(ctx->herder, &r);
    } else {
        if (cd_rest_no_herder(ctx, resp))
            return;
        ctx->herder->ops->server_info(ctx->herder, &r);
    }
    cd_rest_from_reply(resp, &r);
}
