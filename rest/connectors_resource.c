/* connectors_resource.c: /connectors (ConnectorsResource): listing with
 * expand, create, config get/put/patch, status, tasks, restart, pause,
 * resume, stop, delete, topics and offsets, answered with Java's status
 * codes; the request bodies are checked as Java's resource checks them
 * before the herder is called. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "../util/java_text.h"
#include "../util/properties.h"
#include "rest_client.h"
#include "rest_internal.h"

#define M(...) ((const char *const[]){__VA_ARGS__, NULL})

static bool query_bool(const cd_rest_request_t *req, const char *key, bool dflt)
{
    char *v = cd_rest_query_get(req, key);
    bool b;

    if (!v)
        return dflt;
    b = strcasecmp(v, "true") == 0; /* Boolean.valueOf */
    free(v);
    return b;
}

static void list_connectors(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                            cd_rest_response_t *resp)
{
    cd_herder_reply_t r = {0};
    bool expand = false, status = false, info = false;

    for (size_t i = 0; i < req->nparams && i < CD_REST_MAX_PARAMS; i++) {
        char *k = cd_rest_query_decode(req->params[i].key);
        char *v;
        if (!k || strcmp(k, "expand") != 0) {
            free(k);
            continue;
        }
        free(k);
        expand = true;
        v = cd_rest_query_decode(req->params[i].value ? req->params[i].value : "");
        if (v && strcmp(v, "status") == 0)
            status = true;
        else if (v && strcmp(v, "info") == 0)
            info = true;
        free(v);
    }
    ctx->herder->ops->connectors(ctx->herder, status, info, &r);
    if (expand && r.status == 200 && json_is_array(r.body)) {
        /* ?expand=<unknown> still answers the map form, with empty entries */
        json_t *map = json_object();
        size_t i;
        json_t *name;
        json_array_foreach(r.body, i, name)
        {
            if (json_is_string(name))
                json_object_set_new(map, json_string_value(name), json_object());
        }
        json_decref(r.body);
        r.body = map;
    }
    cd_rest_from_reply(resp, &r);
}

/* checkAndPutConnectorConfigName */
static bool check_name(cd_properties_t *config, const char *name, cd_rest_response_t *resp)
{
    const char *included = cd_properties_get(config, "name");

    if (included) {
        if (strcmp(included, name) != 0) {
            cd_rest_error(resp, 400,
                          "Connector name configuration (%s) doesn't match connector name in "
                          "the URL (%s)",
                          included, name);
            return false;
        }
    } else if (cd_properties_set(config, "name", name) != 0) {
        cd_rest_error(resp, 500, "Out of memory");
        return false;
    }
    return true;
}

/* String.trim(): strips chars <= ' ' at both ends. */
static char *java_trim(const char *s)
{
    size_t len = strlen(s);
    size_t b = 0;

    while (b < len && (unsigned char)s[b] <= ' ')
        b++;
    while (len > b && (unsigned char)s[len - 1] <= ' ')
        len--;
    return strndup(s + b, len - b);
}

static void set_location(const cd_rest_request_t *req, const char *name, cd_rest_response_t *resp)
{
    if (resp->status == 201) {
        free(resp->location);
        resp->location = cd_rest_connector_location(req->base_url, name);
    }
}

/* "/connectors/<name><tail>" as Java concatenates it (the decoded name). */
static char *name_path(const char *name, const char *tail)
{
    size_t n = strlen("/connectors/") + strlen(name) + strlen(tail) + 1;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "/connectors/%s%s", name, tail);
    return p;
}

/* completeOrForwardRequest for "/connectors/<name><tail>". */
static void finish(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, cd_herder_reply_t *r,
                   const char *method, const char *name, const char *tail, const json_t *body,
                   const char *const *extra, int local_status, cd_rest_response_t *resp)
{
    char *path = NULL;

    if (r->redirect != CD_HERDER_REDIRECT_NONE) {
        path = name_path(name, tail);
        if (!path) {
            cd_herder_reply_error(r, 500, "Out of memory");
        } else {
            cd_rest_complete_or_forward(ctx, req, r, method, path, body, extra, local_status);
        }
    }
    free(path);
    cd_rest_from_reply(resp, r);
}

static json_t *props_json(const cd_properties_t *p)
{
    json_t *o = json_object();

    for (size_t i = 0; o && i < cd_properties_count(p); i++)
        json_object_set_new(o, cd_properties_key_at(p, i),
                            json_string(cd_properties_value_at(p, i)));
    return o;
}

/* The shared tail of POST /connectors and PUT /connectors/{name}/config: the
 * config object to settings, the name check, the herder call, Location. */
static void put_config_json(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                            const char *name, const json_t *config_json, const char *state,
                            bool allow_replace, const char *raw_name, cd_rest_response_t *resp)
{
    char err[1024];
    cd_herder_reply_t r = {0};
    if (!config_json || json_is_null(config_json)) {
        cd_rest_error(resp, 500, "Connector configuration is missing from the request");
        return;
    }
    cd_properties_t *config = cd_rest_json_to_props(config_json, err, sizeof(err));
    if (!config) {
        cd_rest_error(resp, 500, "%s", err);
        return;
    }
    if (check_name(config, name, resp)) {
        ctx->herder->ops->put_connector_config(ctx->herder, name, config, state, allow_replace, &r);
        if (r.redirect != CD_HERDER_REDIRECT_NONE) {
            /* the request as Jackson writes it again: CreateConnectorRequest or the map */
            json_t *fwd = props_json(config);
            if (!allow_replace) {
                json_t *req_body = json_object();
                /* the request object as received: the name untrimmed (null if absent) */
                json_object_set_new(req_body, "name",
                                    raw_name ? json_string(raw_name) : json_null());
                json_object_set_new(req_body, "config", fwd);
                json_object_set_new(req_body, "initial_state",
                                    state ? json_string(state) : json_null());
                fwd = req_body;
                cd_rest_complete_or_forward(ctx, req, &r, "POST", "/connectors", fwd, NULL, 201);
                json_decref(fwd);
                cd_rest_from_reply(resp, &r);
            } else {
                finish(ctx, req, &r, "PUT", name, "/config", fwd, NULL, 0, resp);
                json_decref(fwd);
            }
        } else {
            cd_rest_from_reply(resp, &r);
        }
        set_location(req, name, resp);
    }
    cd_properties_destroy(config);
}

static void create_connector(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                             cd_rest_response_t *resp)
{
    static const char *const known = "\"config\", \"name\", \"initial_state\"";
    char err[1024];
    json_t *body = cd_rest_parse_object_body(
        req, "org.apache.kafka.connect.runtime.rest.entities.CreateConnectorRequest", false, resp);
    char *name = NULL;
    char *raw_name = NULL;
    char *state = NULL;
    const char *key;
    json_t *v;

    if (!body)
        return;
    json_object_foreach(body, key, v)
    {
        if (strcmp(key, "name") && strcmp(key, "config") && strcmp(key, "initial_state")) {
            cd_rest_error(resp, 500,
                          "Unrecognized field \"%s\" (class org.apache.kafka.connect.runtime."
                          "rest.entities.CreateConnectorRequest), not marked as ignorable (3 "
                          "known properties: %s)",
                          key, known);
            goto done;
        }
    }
    v = json_object_get(body, "name");
    if (v && !json_is_null(v)) {
        char *raw = cd_rest_json_scalar_text(v, err, sizeof(err));
        if (!raw) {
            cd_rest_error(resp, 500, "%s", err);
            goto done;
        }
        name = java_trim(raw);
        raw_name = raw;
    } else {
        name = strdup(""); /* validated (non-empty) by the herder, as Java */
    }
    v = json_object_get(body, "initial_state");
    if (v && !json_is_null(v)) {
        static const char *const states[] = {"RUNNING", "PAUSED", "STOPPED", NULL};
        char *raw = cd_rest_json_scalar_text(v, err, sizeof(err));
        bool ok = false;
        if (!raw) {
            cd_rest_error(resp, 500, "%s", err);
            goto done;
        }
        for (char *p = raw; *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
        for (size_t i = 0; states[i]; i++)
            ok = ok || strcmp(raw, states[i]) == 0;
        if (!ok) {
            cd_rest_error(resp, 500,
                          "Cannot construct instance of `org.apache.kafka.connect.runtime.rest."
                          "entities.CreateConnectorRequest$InitialState`, problem: No enum "
                          "constant org.apache.kafka.connect.runtime.rest.entities."
                          "CreateConnectorRequest.InitialState.%s",
                          raw);
            free(raw);
            goto done;
        }
        state = raw;
    }
    put_config_json(ctx, req, name, json_object_get(body, "config"), state, false, raw_name, resp);
done:
    json_decref(body);
    free(raw_name);
    free(name);
    free(state);
}

static void put_config(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, const char *name,
                       cd_rest_response_t *resp)
{
    char err[1024];
    int st = 500;
    json_t *body = cd_rest_parse_body(req->body, req->body_len, &st, err, sizeof(err));

    if (!body) {
        cd_rest_error(resp, st, "%s", err);
        return;
    }
    put_config_json(ctx, req, name, body, NULL, true, NULL, resp);
    json_decref(body);
}

static void patch_config(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, const char *name,
                         cd_rest_response_t *resp)
{
    char err[1024];
    json_t *body = cd_rest_parse_object_body(
        req, "java.util.LinkedHashMap<java.lang.String,java.lang.String>", true, resp);
    json_t *patch = NULL;
    const char *key;
    json_t *v;
    cd_herder_reply_t r = {0};

    if (!body)
        return;
    /* values as strings (Jackson's coercion); null stays null = remove the key */
    patch = json_object();
    if (json_is_object(body)) {
        json_object_foreach(body, key, v)
        {
            char *text;
            if (json_is_null(v)) {
                json_object_set_new(patch, key, json_null());
                continue;
            }
            text = cd_rest_json_scalar_text(v, err, sizeof(err));
            if (!text) {
                cd_rest_error(resp, 500, "%s", err);
                goto done;
            }
            json_object_set_new(patch, key, json_string(text));
            free(text);
        }
    }
    ctx->herder->ops->patch_connector_config(ctx->herder, name, patch, &r);
    finish(ctx, req, &r, "PATCH", name, "/config", patch, NULL, 200, resp);
done:
    json_decref(body);
    json_decref(patch);
}

static void alter_offsets(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, const char *name,
                          cd_rest_response_t *resp)
{
    json_t *body = cd_rest_parse_object_body(
        req, "org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets", false, resp);
    json_t *offsets;
    cd_herder_reply_t r = {0};

    if (!body)
        return;
    offsets = json_object_get(body, "offsets");
    if (!offsets || json_is_null(offsets) ||
        (json_is_array(offsets) && json_array_size(offsets) == 0)) {
        cd_rest_error(resp, 400,
                      "Partitions / offsets need to be provided for an alter offsets request");
        goto done;
    }
    if (!json_is_array(offsets)) {
        cd_rest_error(resp, 500,
                      "Cannot deserialize value of type `java.util.ArrayList<org.apache.kafka."
                      "connect.runtime.rest.entities.ConnectorOffset>` from non-Array value");
        goto done;
    }
    ctx->herder->ops->alter_connector_offsets(ctx->herder, name, body, &r);
    finish(ctx, req, &r, "PATCH", name, "/offsets", body, NULL, 200, resp);
done:
    json_decref(body);
}

/* InternalRequestSignature.fromHeaders: NULL (unsigned) unless both headers are
 * there; an unknown algorithm or bad Base64 is Java's 400. */
static bool internal_signature(const cd_rest_request_t *req, cd_internal_signature_t *sig,
                               cd_rest_response_t *resp)
{
    char err[256];
    size_t len = 0;
    uint8_t *raw;

    memset(sig, 0, sizeof(*sig));
    sig->body = (const uint8_t *)(req->body ? req->body : "");
    sig->body_len = req->body ? req->body_len : 0;
    if (!req->sig_algorithm || !req->sig_signature)
        return true;
    if (!cd_internal_request_algorithm_supported(req->sig_algorithm)) {
        cd_rest_error(resp, 400, "Algorithm %s not available", req->sig_algorithm);
        return false;
    }
    raw = cd_internal_request_b64_decode(req->sig_signature, &len, err, sizeof(err));
    if (!raw) {
        cd_rest_error(resp, 400, "%s", err);
        return false;
    }
    free(raw);
    sig->algorithm = req->sig_algorithm;
    sig->signature = req->sig_signature;
    return true;
}

/* "connectors/<name>/<sub>": UriInfo.getPath(), the decoded path without the
 * leading '/' (UriBuilder.path() puts the separator back). */
static void internal_finish(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                            cd_herder_reply_t *r, const char *method, const char *name,
                            const char *sub, const json_t *body, cd_rest_response_t *resp)
{
    size_t n = strlen(name) + strlen(sub) + 16;
    char *path = malloc(n);

    if (!path) {
        cd_herder_reply_error(r, 500, "Out of memory");
    } else {
        snprintf(path, n, "connectors/%s/%s", name, sub);
        cd_rest_complete_or_forward(ctx, req, r, method, path, body, NULL, 204);
    }
    free(path);
    cd_rest_from_reply(resp, r);
}

/* POST /connectors/{name}/tasks (InternalClusterResource.putTaskConfigs): the body
 * as List<Map<String,String>>, the signature, then the herder. */
static void put_task_configs(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                             const char *name, cd_rest_response_t *resp)
{
    char err[1024];
    json_t *body = NULL, *configs = NULL, *elem;
    cd_internal_signature_t sig;
    cd_herder_reply_t r = {0};
    size_t i;

    if (!req->body || req->body_len == 0) {
        /* ObjectMapper.readValue(byte[]) on nothing */
        cd_rest_error(resp, 500,
                      "No content to map due to end-of-input\n at [Source: REDACTED "
                      "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, "
                      "column: 0]");
        return;
    }
    body = cd_rest_parse_body(req->body, req->body_len, &r.status, err, sizeof(err));
    if (!body) {
        cd_rest_error(resp, 500, "%s", err);
        return;
    }
    if (!json_is_array(body) && !json_is_null(body)) {
        cd_rest_error(resp, 500,
                      "Cannot deserialize value of type `java.util.ArrayList<java.util.Map<java."
                      "lang.String,java.lang.String>>` from %s value",
                      json_is_object(body) ? "Object" : "non-Array");
        goto done;
    }
    configs = json_is_null(body) ? json_null() : json_array();
    json_array_foreach(body, i, elem)
    {
        json_t *map;
        const char *key;
        json_t *v;
        if (json_is_null(elem)) {
            json_array_append_new(configs, json_null());
            continue;
        }
        if (!json_is_object(elem)) {
            cd_rest_error(resp, 500,
                          "Cannot deserialize value of type `java.util.LinkedHashMap<java.lang."
                          "String,java.lang.String>` from %s value",
                          json_is_array(elem) ? "Array" : "non-Object");
            goto done;
        }
        map = json_object();
        json_array_append_new(configs, map);
        json_object_foreach(elem, key, v)
        {
            char *text;
            if (json_is_null(v)) {
                json_object_set_new(map, key, json_null());
                continue;
            }
            text = cd_rest_json_scalar_text(v, err, sizeof(err));
            if (!text) {
                cd_rest_error(resp, 500, "%s", err);
                goto done;
            }
            json_object_set_new(map, key, json_string(text));
            free(text);
        }
    }
    if (!internal_signature(req, &sig, resp))
        goto done;
    if (!ctx->herder->ops->put_task_configs) {
        /* StandaloneHerder.putTaskConfigs throws UnsupportedOperationException */
        cd_rest_error(resp, 500,
                      "Kafka Connect in standalone mode does not support externally setting "
                      "task configurations.");
        goto done;
    }
    ctx->herder->ops->put_task_configs(ctx->herder, name, configs, &sig, &r);
    internal_finish(ctx, req, &r, "POST", name, "tasks", configs, resp);
done:
    cd_herder_reply_clear(&r);
    json_decref(body);
    json_decref(configs);
}

/* PUT /connectors/{name}/fence (InternalClusterResource.fenceZombies). */
static void fence_zombies(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req, const char *name,
                          cd_rest_response_t *resp)
{
    cd_internal_signature_t sig;
    cd_herder_reply_t r = {0};
    json_t *fwd;
    char *b64;
    size_t len = req->body ? req->body_len : 0;

    if (!internal_signature(req, &sig, resp))
        return;
    if (!ctx->herder->ops->fence_zombies) {
        cd_rest_error(resp, 500,
                      "Kafka Connect in standalone mode does not support exactly-once source "
                      "connectors.");
        return;
    }
    ctx->herder->ops->fence_zombies(ctx->herder, name, &sig, &r);
    /* Java forwards the byte[] body, which Jackson writes as a Base64 string */
    b64 = malloc((len + 2) / 3 * 4 + 1);
    if (!b64) {
        cd_herder_reply_clear(&r);
        cd_rest_error(resp, 500, "Out of memory");
        return;
    }
    EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)(req->body ? req->body : ""),
                    (int)len);
    fwd = json_string(b64);
    free(b64);
    internal_finish(ctx, req, &r, "PUT", name, "fence", fwd, resp);
    json_decref(fwd);
}

/* Integer.valueOf for {task}: a non-number does not match the route (404). */
static bool parse_task(const char *s, int *task)
{
    int32_t v;

    if (!cd_java_parse_int(s, &v))
        return false;
    *task = (int)v;
    return true;
}

void cd_rest_connectors_resource(const cd_rest_ctx_t *ctx, const cd_rest_request_t *req,
                                 char **segs, size_t n, cd_rest_response_t *resp)
{
    cd_herder_t *h = ctx->herder;
    cd_herder_reply_t r = {0};
    const char *name = n >= 2 ? segs[1] : NULL;
    const char *sub = n >= 3 ? segs[2] : NULL;
    const char *m = req->method;
    int task;

    if (n == 1) {
        if (!cd_rest_method_ok(req, M("GET", "POST"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        if (strcmp(m, "GET") == 0)
            list_connectors(ctx, req, resp);
        else
            create_connector(ctx, req, resp);
        return;
    }
    if (n == 2) {
        if (!cd_rest_method_ok(req, M("GET", "DELETE"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        if (strcmp(m, "GET") == 0) {
            h->ops->connector_info(h, name, &r);
            cd_rest_from_reply(resp, &r);
        } else {
            h->ops->delete_connector(h, name, &r);
            finish(ctx, req, &r, "DELETE", name, "", NULL, NULL, 204, resp);
        }
        return;
    }
    if (n == 3 && strcmp(sub, "config") == 0) {
        if (!cd_rest_method_ok(req, M("GET", "PUT", "PATCH"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        if (strcmp(m, "GET") == 0) {
            h->ops->connector_config(h, name, &r);
            cd_rest_from_reply(resp, &r);
        } else if (strcmp(m, "PUT") == 0) {
            put_config(ctx, req, name, resp);
        } else {
            patch_config(ctx, req, name, resp);
        }
        return;
    }
    if (n == 3 && strcmp(sub, "offsets") == 0) {
        if (!cd_rest_method_ok(req, M("GET", "PATCH", "DELETE"), resp) ||
            cd_rest_no_herder(ctx, resp))
            return;
        if (strcmp(m, "GET") == 0) {
            h->ops->connector_offsets(h, name, &r);
            cd_rest_from_reply(resp, &r);
        } else if (strcmp(m, "PATCH") == 0) {
            alter_offsets(ctx, req, name, resp);
        } else {
            h->ops->reset_connector_offsets(h, name, &r);
            finish(ctx, req, &r, "DELETE", name, "/offsets", NULL, NULL, 200, resp);
        }
        return;
    }
    if (n == 3 && strcmp(sub, "tasks") == 0 && strcmp(m, "POST") == 0) {
        /* InternalConnectResource: no @Consumes (the raw bytes are read) */
        if (!cd_rest_media_ok(req, false, resp) || cd_rest_no_herder(ctx, resp))
            return;
        put_task_configs(ctx, req, name, resp);
        return;
    }
    if (n == 3 && strcmp(sub, "fence") == 0) {
        if (strcmp(m, "PUT") != 0) {
            cd_rest_not_allowed(resp);
            return;
        }
        if (!cd_rest_media_ok(req, false, resp) || cd_rest_no_herder(ctx, resp))
            return;
        fence_zombies(ctx, req, name, resp);
        return;
    }
    if (n == 3 &&
        (strcmp(sub, "status") == 0 || strcmp(sub, "tasks") == 0 || strcmp(sub, "topics") == 0)) {
        if (!cd_rest_method_ok(req, strcmp(sub, "tasks") == 0 ? M("GET", "POST") : M("GET"), resp))
            return;
        if (strcmp(sub, "topics") == 0 && !ctx->topic_tracking_enable) {
            cd_rest_error(resp, 403, "Topic tracking is disabled.");
            return;
        }
        if (cd_rest_no_herder(ctx, resp))
            return;
        if (strcmp(sub, "status") == 0)
            h->ops->connector_status(h, name, &r);
        else if (strcmp(sub, "tasks") == 0)
            h->ops->task_configs(h, name, &r);
        else
            h->ops->connector_topics(h, name, &r);
        cd_rest_from_reply(resp, &r);
        return;
    }
    if (n == 3 && strcmp(sub, "restart") == 0) {
        if (!cd_rest_method_ok(req, M("POST"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        bool include_tasks = query_bool(req, "includeTasks", false);
        bool only_failed = query_bool(req, "onlyFailed", false);
        h->ops->restart_connector(h, name, include_tasks, only_failed, &r);
        if (!include_tasks && !only_failed) {
            finish(ctx, req, &r, "POST", name, "/restart", NULL, NULL, 204, resp);
        } else {
            const char *extra[] = {"includeTasks", include_tasks ? "true" : "false", "onlyFailed",
                                   only_failed ? "true" : "false", NULL};
            finish(ctx, req, &r, "POST", name, "/restart", NULL, extra, 202, resp);
        }
        return;
    }
    if (n == 3 &&
        (strcmp(sub, "pause") == 0 || strcmp(sub, "resume") == 0 || strcmp(sub, "stop") == 0)) {
        if (!cd_rest_method_ok(req, M("PUT"), resp) || cd_rest_no_herder(ctx, resp))
            return;
        if (strcmp(sub, "pause") == 0)
            h->ops->pause_connector(h, name, &r);
        else if (strcmp(sub, "resume") == 0)
            h->ops->resume_connector(h, name, &r);
        else {
            h->ops->stop_connector(h, name, &r);
            finish(ctx, req, &r, "PUT", name, "/stop", NULL, NULL, 204, resp);
            return;
        }
        cd_rest_from_reply(resp, &r);
        return;
    }
    if (n == 4 && strcmp(sub, "topics") == 0 && strcmp(segs[3], "reset") == 0) {
        if (!cd_rest_method_ok(req, M("PUT"), resp))
            return;
        if (!ctx->topic_tracking_enable) {
            cd_rest_error(resp, 403, "Topic tracking is disabled.");
            return;
        }
        if (!ctx->topic_tracking_allow_reset) {
            cd_rest_error(resp, 403, "Topic tracking reset is disabled.");
            return;
        }
        if (cd_rest_no_herder(ctx, resp))
            return;
        h->ops->reset_connector_topics(h, name, &r);
        cd_rest_from_reply(resp, &r);
        return;
    }
    if (n == 5 && strcmp(sub, "tasks") == 0 && parse_task(segs[3], &task) &&
        (strcmp(segs[4], "status") == 0 || strcmp(segs[4], "restart") == 0)) {
        bool status = strcmp(segs[4], "status") == 0;
        if (!cd_rest_method_ok(req, status ? M("GET") : M("POST"), resp) ||
            cd_rest_no_herder(ctx, resp))
            return;
        if (status) {
            h->ops->task_status(h, name, task, &r);
            cd_rest_from_reply(resp, &r);
        } else {
            char tail[48];
            h->ops->restart_task(h, name, task, &r);
            snprintf(tail, sizeof(tail), "/tasks/%d/restart", task);
            finish(ctx, req, &r, "POST", name, tail, NULL, NULL, 204, resp);
        }
        return;
    }
    cd_rest_not_found(resp);
}
