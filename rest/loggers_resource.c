/* loggers_resource.c: /admin/loggers (LoggingResource). Worker scope reads
 * and sets levels in util/log directly; scope=cluster goes to the herder
 * (a logger-cluster-<name> config record). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../util/log.h"
#include "rest_internal.h"

#define M(...) ((const char *const[]){__VA_ARGS__, NULL})

static json_t *level_json(const cd_log_logger_info_t *info)
{
    json_t *o = json_object();

    json_object_set_new(o, "level", json_string(cd_log_level_name(info->level)));
    json_object_set_new(o, "last_modified",
                        info->last_modified_ms < 0 ? json_null()
                                                   : json_integer(info->last_modified_ms));
    return o;
}

static void set_level(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, const char *logger,
                      cd_rest_response_t *resp)
{
    char err[1024];
    json_t *body = cd_rest_parse_object_body(
        req, "java.util.LinkedHashMap<java.lang.String,java.lang.String>", false, resp);
    json_t *lv;
    char *level_text = NULL;
    char *scope = NULL;
    cd_log_level_t level;

    if (!body)
        return;
    lv = json_object_get(body, "level");
    if (!lv || json_is_null(lv)) {
        cd_rest_error(resp, 400, "Desired 'level' parameter was not specified in request.");
        goto done;
    }
    level_text = cd_rest_json_scalar_text(lv, err, sizeof(err));
    if (!level_text) {
        cd_rest_error(resp, 500, "%s", err);
        goto done;
    }
    if (!cd_log_level_parse(level_text, &level)) {
        cd_rest_error(resp, 404, "invalid log level '%s'.", level_text);
        goto done;
    }
    scope = cd_rest_query_get(req, "scope");
    if (scope && strcasecmp(scope, "cluster") == 0) {
        cd_herder_reply_t r = {0};
        if (cd_rest_no_herder(ctx, resp))
            goto done;
        ctx->herder->ops->set_cluster_logger_level(ctx->herder, logger, level_text, &r);
        cd_rest_from_reply(resp, &r);
    } else {
        /* worker scope (also for an unknown scope, as Java) */
        size_t n = 0;
        char **names = cd_log_set_level(logger, level, &n);
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_array_append_new(arr, json_string(names[i]));
            free(names[i]);
        }
        free(names);
        cd_rest_json(resp, 200, arr);
    }
done:
    json_decref(body);
    free(level_text);
    free(scope);
}

void cd_rest_loggers_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, char **segs,
                              size_t n, cd_rest_response_t *resp)
{
    if (n == 2) {
        size_t count = 0;
        cd_log_logger_info_t *infos;
        json_t *o;
        if (!cd_rest_method_ok(req, M("GET"), resp))
            return;
        infos = cd_log_loggers(&count);
        o = json_object();
        for (size_t i = 0; i < count; i++)
            json_object_set_new(o, infos[i].name, level_json(&infos[i]));
        cd_log_logger_infos_free(infos, count);
        cd_rest_json(resp, 200, o);
    } else if (n == 3) {
        if (!cd_rest_method_ok(req, M("GET", "PUT"), resp))
            return;
        if (strcmp(req->method, "GET") == 0) {
            cd_log_logger_info_t info = {0};
            if (!cd_log_logger_get(segs[2], &info)) {
                cd_rest_error(resp, 404, "Logger %s not found.", segs[2]);
                return;
            }
            cd_rest_json(resp, 200, level_json(&info));
            free(info.name);
        } else {
            set_level(ctx, req, segs[2], resp);
        }
    } else {
        cd_rest_not_found(resp);
    }
}
