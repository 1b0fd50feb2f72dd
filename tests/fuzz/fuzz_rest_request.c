/**
 * @file fuzz_rest_request.c
 * @brief libFuzzer target: arbitrary requests through the REST router and body
 *        parsers (no network) against a herder that returns canned replies,
 *        plus connector-config JSON -> properties conversion.
 *
 * Input: "METHOD\nPATH\nQUERY\nCONTENT-TYPE\nBODY..." (missing lines = empty).
 * QUERY is "k=v&k2" split as libmicrohttpd does. Checks: every answer has a
 * status in 200..599, error statuses carry a JSON error body, bodies are JSON.
 * Connector names starting with 'r' get a REBALANCE_NEEDED redirect, with 'n'
 * a NOT_LEADER redirect without a URL (the forwarding decision and its 409/500,
 * no network); odd-length inputs carry KIP-507 signature headers (algorithm =
 * CONTENT-TYPE line, signature = PATH line) for the internal endpoints, and the
 * body also goes through Java's Base64 decoding and signature verification.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rest/rest_client.h"
#include "rest/rest_internal.h"
#include "util/properties.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ok_reply(cd_herder_reply_t *r)
{
    cd_herder_reply_ok(r, 200, json_object());
}
static void f0(cd_herder_t *h, cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_list(cd_herder_t *h, bool a, bool b, cd_herder_reply_t *r)
{
    cd_herder_reply_ok(r, 200, json_pack("[s,s]", "a", "b"));
}
static void f_put(cd_herder_t *h, const char *n, const cd_properties_t *c, const char *s, bool x,
                  cd_herder_reply_t *r)
{
    cd_herder_reply_ok(r, (cd_properties_count(c) & 1) ? 201 : 200, json_object());
}
static void f_patch(cd_herder_t *h, const char *n, const json_t *p, cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_name(cd_herder_t *h, const char *n, cd_herder_reply_t *r)
{
    if (n[0] == 'r')
        cd_herder_reply_redirect(r, CD_HERDER_REDIRECT_REBALANCE_NEEDED, NULL, "rebalance");
    else if (n[0] == 'n')
        cd_herder_reply_redirect(r, CD_HERDER_REDIRECT_NOT_LEADER, NULL, NULL);
    else if (n[0] == 'e')
        cd_herder_reply_error(r, 404, "Connector %s not found", n);
    else
        cd_herder_reply_ok(r, n[0] == 'd' ? 204 : 200, n[0] == 'd' ? NULL : json_object());
}
static void f_task(cd_herder_t *h, const char *n, int t, cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_restart(cd_herder_t *h, const char *n, bool a, bool b, cd_herder_reply_t *r)
{
    cd_herder_reply_ok(r, a || b ? 202 : 204, NULL);
}
static void f_alter(cd_herder_t *h, const char *n, const json_t *b, cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_plugins(cd_herder_t *h, bool c, cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_plugin(cd_herder_t *h, const char *p, cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_validate(cd_herder_t *h, const char *p, const cd_properties_t *c,
                       cd_herder_reply_t *r)
{
    ok_reply(r);
}
static void f_logger(cd_herder_t *h, const char *l, const char *lv, cd_herder_reply_t *r)
{
    cd_herder_reply_ok(r, 204, NULL);
}

static void f_tasks(cd_herder_t *h, const char *n, const json_t *c,
                    const cd_internal_signature_t *s, cd_herder_reply_t *r)
{
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < s->body_len; i++)
        sum ^= s->body[i]; /* the raw bytes must be readable */
    (void)sum;
    if (!json_is_array(c) && !json_is_null(c))
        abort();
    f_name(h, n, r);
}
static void f_fence(cd_herder_t *h, const char *n, const cd_internal_signature_t *s,
                    cd_herder_reply_t *r)
{
    f_name(h, n, r);
}

static const cd_herder_ops_t ops = {
    .put_task_configs = f_tasks,
    .fence_zombies = f_fence,
    .server_info = f0,
    .health = f0,
    .connectors = f_list,
    .put_connector_config = f_put,
    .patch_connector_config = f_patch,
    .connector_info = f_name,
    .connector_config = f_name,
    .connector_status = f_name,
    .task_configs = f_name,
    .task_status = f_task,
    .delete_connector = f_name,
    .restart_connector = f_restart,
    .restart_task = f_task,
    .pause_connector = f_name,
    .resume_connector = f_name,
    .stop_connector = f_name,
    .connector_topics = f_name,
    .reset_connector_topics = f_name,
    .connector_offsets = f_name,
    .alter_connector_offsets = f_alter,
    .reset_connector_offsets = f_name,
    .plugins = f_plugins,
    .plugin_config = f_plugin,
    .validate_config = f_validate,
    .set_cluster_logger_level = f_logger,
};

/* Next '\n'-terminated line of the input as a NUL-terminated copy. */
static char *take_line(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t len = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = malloc(len + 1);

    memcpy(s, *p, len);
    s[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0')
            s[i] = ' '; /* HTTP headers and the URL carry no NUL */
    *p = nl ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *p = data, *end = data + size;
    char *method = take_line(&p, end);
    char *path = take_line(&p, end);
    char *query = take_line(&p, end);
    char *ctype = take_line(&p, end);
    cd_herder_t herder = {.ops = &ops};
    cd_rest_ctx_t ctx = {.herder = &herder,
                         .regular = true,
                         .admin = true,
                         .topic_tracking_enable = size & 1,
                         .topic_tracking_allow_reset = true};
    cd_rest_param_t params[CD_REST_MAX_PARAMS];
    size_t nparams = 0;
    cd_rest_request_t req = {0};
    cd_rest_response_t resp;
    char *save = NULL;

    for (char *kv = strtok_r(query, "&", &save); kv && nparams < CD_REST_MAX_PARAMS;
         kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = '\0';
        params[nparams].key = kv;
        params[nparams].value = eq ? eq + 1 : NULL;
        nparams++;
    }
    req.method = method;
    req.path = path;
    req.params = params;
    req.nparams = nparams;
    req.content_type = *ctype ? ctype : NULL;
    req.body = (const char *)p;
    req.body_len = (size_t)(end - p);
    req.base_url = "http://h:1";
    if (size & 1) {
        req.sig_algorithm = ctype;
        req.sig_signature = path;
    }
    cd_rest_handle(&ctx, &req, &resp);
    if (resp.status < 200 || resp.status > 599)
        abort();
    /* A content type other than JSON is only Jetty's HTML page for URIs it rejects. */
    bool json_body = resp.content_type == NULL;
    if (!json_body && (resp.status < 400 || !resp.body || !strstr(resp.body, "<html>")))
        abort();
    if (json_body && resp.status >= 400 && (!resp.body || !strstr(resp.body, "\"error_code\"")))
        abort();
    if (json_body && resp.body) {
        json_t *v = json_loads(resp.body, JSON_DECODE_ANY, NULL);
        if (!v)
            abort();
        json_decref(v);
    }
    cd_rest_response_clear(&resp);

    /* the body as a Base64 signature */
    {
        char *text = strndup((const char *)p, (size_t)(end - p));
        char err[256];
        size_t n = 0;
        uint8_t *raw = cd_internal_request_b64_decode(text, &n, err, sizeof(err));
        if (raw && n > strlen(text))
            abort();
        free(raw);
        (void)cd_internal_request_verify("HmacSHA256", (const uint8_t *)"k", 1, p,
                                         (size_t)(end - p), text);
        free(text);
    }

    /* the body as a connector configuration */
    {
        char err[512];
        int st = 0;
        json_t *v = cd_rest_parse_body(req.body, req.body_len, &st, err, sizeof(err));
        if (v) {
            cd_properties_t *props = cd_rest_json_to_props(v, err, sizeof(err));
            if (props) {
                for (size_t i = 0; i < cd_properties_count(props); i++)
                    if (!cd_properties_get(props, cd_properties_key_at(props, i)))
                        abort();
                cd_properties_destroy(props);
            }
            json_decref(v);
        } else if (st != 500) {
            abort();
        }
    }
    free(method);
    free(path);
    free(query);
    free(ctype);
    return 0;
}
