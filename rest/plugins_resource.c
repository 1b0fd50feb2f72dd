/* plugins_resource.c: /connector-plugins (ConnectorPluginsResource): the
 * plugin list, a plugin's config definition and config validation, with the
 * "Included connector type ... does not match request type ..." check. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/properties.h"
#include "rest_internal.h"

#define M(...) ((const char *const[]){__VA_ARGS__, NULL})

/* normalizedPluginName: strips a trailing "Connector" (alias form). */
static size_t normalized_len(const char *s)
{
    size_t len = strlen(s);

    if (len > 9 && strcmp(s + len - 9, "Connector") == 0)
        return len - 9;
    return len;
}

static bool ends_with_normalized(const char *included, const char *plugin)
{
    size_t a = normalized_len(included), b = normalized_len(plugin);

    return a >= b && memcmp(included + a - b, plugin, b) == 0;
}

static void validate(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, const char *plugin,
                     cd_rest_response_t *resp)
{
    char err[1024];
    int st = 500;
    json_t *body = cd_rest_parse_body(req->body, req->body_len, &st, err, sizeof(err));
    cd_properties_t *config = NULL;
    const char *included;
    cd_herder_reply_t r = {0};

    if (!body) {
        cd_rest_error(resp, st, "%s", err);
        return;
    }
    if (json_is_null(body)) {
        cd_rest_error(resp, 500, "Connector configuration is missing from the request");
        goto done;
    }
    config = cd_rest_json_to_props(body, err, sizeof(err));
    if (!config) {
        cd_rest_error(resp, 500, "%s", err);
        goto done;
    }
    included = cd_properties_get(config, "connector.class");
    if (included && !ends_with_normalized(included, plugin)) {
        cd_rest_error(resp, 400, "Included connector type %s does not match request type %s",
                      included, plugin);
        goto done;
    }
    ctx->herder->ops->validate_config(ctx->herder, plugin, config, &r);
    if ((r.status == 400 || r.status == 404) && r.message) {
        /* Java validates on the herder's executor: the error reaches the resource inside
         * an ExecutionException, which ConnectExceptionMapper answers 500 with the
         * cause's toString() ("<exception class>: <message>"). */
        cd_rest_error(resp, 500, "%s: %s",
                      r.status == 400 ? "org.apache.kafka.connect.runtime.rest.errors."
                                        "BadRequestException"
                                      : "org.apache.kafka.connect.errors.NotFoundException",
                      r.message);
        cd_herder_reply_clear(&r);
        goto done;
    }
    cd_rest_from_reply(resp, &r);
done:
    json_decref(body);
    cd_properties_destroy(config);
}

void cd_rest_plugins_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, char **segs,
                              size_t n, cd_rest_response_t *resp)
{
    cd_herder_reply_t r = {0};

    if (n == 1) {
        char *v;
        bool connectors_only = true;
        if (!cd_rest_method_ok(req, M("GET"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        v = cd_rest_query_get(req, "connectorsOnly");
        if (v && *v)
            connectors_only = strcasecmp(v, "true") == 0;
        free(v);
        ctx->herder->ops->plugins(ctx->herder, connectors_only, &r);
        cd_rest_from_reply(resp, &r);
    } else if (n == 3 && strcmp(segs[2], "config") == 0) {
        if (!cd_rest_method_ok(req, M("GET"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        ctx->herder->ops->plugin_config(ctx->herder, segs[1], &r);
        cd_rest_from_reply(resp, &r);
    } else if (n == 4 && strcmp(segs[2], "config") == 0 && strcmp(segs[3], "validate") == 0) {
        if (!cd_rest_method_ok(req, M("PUT"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        validate(ctx, req, segs[1], resp);
    } else {
        cd_rest_not_found(resp);
    }
}
