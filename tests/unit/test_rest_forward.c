/**
 * @file test_rest_forward.c
 * @brief Worker-to-worker requests: KIP-507 signing (RFC 4231 and Java-computed
 *        vectors), Java's Base64 texts, the forward URL and hop decision, the
 *        client's headers, and forwarding through the in-process REST server.
 *
 * Peers: the REST server runs with a herder test double that answers the
 * redirects a distributed herder gives (NOT_LEADER / NOT_ASSIGNED /
 * REBALANCE_NEEDED). The "target worker" is a RECORDING ENDPOINT only: a
 * libmicrohttpd daemon in this file that stores what connectd sent (method,
 * path, query, headers, body) and answers a canned status/body, so the test can
 * check the bytes on the wire. It does not imitate a Connect worker; the real
 * cluster behaviour is covered by the distributed integration tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <microhttpd.h>

#include "rest/rest_client.h"
#include "rest/rest_internal.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_Result_t;
#else
typedef enum MHD_Result MHD_Result_t;
#endif

/* ---- the recording endpoint ---- */
typedef struct rec_s {
    char method[16];
    char path[512];
    char query[512];
    char user_agent[64], accept[64], content_type[64], authorization[128];
    char sig[128], sig_alg[64];
    char body[4096];
    size_t body_len;
    int hits;
    /* the canned answer */
    int status;
    const char *answer;
    const char *location;
} rec_t;

static rec_t rec;
static struct MHD_Daemon *rec_daemon;
static int rec_port;

static MHD_Result_t rec_arg(void *cls, enum MHD_ValueKind kind, const char *k, const char *v)
{
    size_t n = strlen(rec.query);
    snprintf(rec.query + n, sizeof(rec.query) - n, "%s%s=%s", n ? "&" : "", k, v ? v : "");
    return MHD_YES;
}

static void rec_header(struct MHD_Connection *c, const char *name, char *out, size_t size)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    snprintf(out, size, "%s", v ? v : "<none>");
}

static MHD_Result_t rec_request(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *upload,
                                size_t *upload_size, void **con_cls)
{
    struct MHD_Response *r;
    MHD_Result_t ret;

    if (!*con_cls) {
        rec_t keep = rec; /* a new request: forget what the last one sent */
        memset(&rec, 0, sizeof(rec));
        rec.hits = keep.hits;
        rec.status = keep.status;
        rec.answer = keep.answer;
        rec.location = keep.location;
        *con_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t room = sizeof(rec.body) - 1 - rec.body_len;
        size_t n = *upload_size < room ? *upload_size : room;
        memcpy(rec.body + rec.body_len, upload, n);
        rec.body_len += n;
        rec.body[rec.body_len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    rec.hits++;
    snprintf(rec.method, sizeof(rec.method), "%s", method);
    snprintf(rec.path, sizeof(rec.path), "%s", url);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, rec_arg, NULL);
    rec_header(c, "User-Agent", rec.user_agent, sizeof(rec.user_agent));
    rec_header(c, "Accept", rec.accept, sizeof(rec.accept));
    rec_header(c, "Content-Type", rec.content_type, sizeof(rec.content_type));
    rec_header(c, "Authorization", rec.authorization, sizeof(rec.authorization));
    rec_header(c, "X-Connect-Authorization", rec.sig, sizeof(rec.sig));
    rec_header(c, "X-Connect-Request-Signature-Algorithm", rec.sig_alg, sizeof(rec.sig_alg));
    r = MHD_create_response_from_buffer(rec.answer ? strlen(rec.answer) : 0,
                                        (void *)(rec.answer ? rec.answer : ""),
                                        MHD_RESPMEM_MUST_COPY);
    if (rec.answer)
        MHD_add_response_header(r, "Content-Type", "application/json");
    if (rec.location)
        MHD_add_response_header(r, "Location", rec.location);
    ret = MHD_queue_response(c, (unsigned int)rec.status, r);
    MHD_destroy_response(r);
    return ret;
}

static void rec_answer(int status, const char *body)
{
    rec.status = status;
    rec.answer = body;
    rec.location = NULL;
    rec.hits = 0;
}

/* ---- the herder double: redirects first, then success ---- */
static struct {
    cd_herder_redirect_t kind;
    char target[128]; /* "" = no known URL */
    int redirects;    /* how many calls still answer the redirect */
    int calls;
    char sig_alg[64], sig[128], sig_body[256];
    char task_configs[256];
} hd;

static void answer(cd_herder_reply_t *r, int status, json_t *body)
{
    hd.calls++;
    if (hd.redirects > 0) {
        hd.redirects--;
        json_decref(body);
        cd_herder_reply_redirect(r, hd.kind, hd.target[0] ? hd.target : NULL,
                                 hd.kind == CD_HERDER_REDIRECT_REBALANCE_NEEDED
                                     ? "Request cannot be completed because a rebalance is "
                                       "expected"
                                     : NULL);
        return;
    }
    cd_herder_reply_ok(r, status, body);
}

static void t_put(cd_herder_t *h, const char *name, const cd_properties_t *config,
                  const char *initial_state, bool allow_replace, cd_herder_reply_t *r)
{
    answer(r, 201, json_pack("{s:s}", "name", name));
}

static void t_info(cd_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    answer(r, 200, json_pack("{s:s}", "name", name));
}

static void t_void(cd_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    answer(r, 204, NULL);
}

static void t_restart(cd_herder_t *h, const char *name, bool it, bool of, cd_herder_reply_t *r)
{
    answer(r, it || of ? 202 : 204, it || of ? json_pack("{s:s}", "name", name) : NULL);
}

static void t_restart_task(cd_herder_t *h, const char *name, int task, cd_herder_reply_t *r)
{
    answer(r, 204, NULL);
}

static void keep_sig(const cd_internal_signature_t *s)
{
    snprintf(hd.sig_alg, sizeof(hd.sig_alg), "%s", s->algorithm ? s->algorithm : "<none>");
    snprintf(hd.sig, sizeof(hd.sig), "%s", s->signature ? s->signature : "<none>");
    snprintf(hd.sig_body, sizeof(hd.sig_body), "%.*s", (int)s->body_len, (const char *)s->body);
}

static void t_put_tasks(cd_herder_t *h, const char *name, const json_t *configs,
                        const cd_internal_signature_t *s, cd_herder_reply_t *r)
{
    char *text = json_dumps(configs, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(hd.task_configs, sizeof(hd.task_configs), "%s", text ? text : "");
    free(text);
    keep_sig(s);
    answer(r, 204, NULL);
}

static void t_fence(cd_herder_t *h, const char *name, const cd_internal_signature_t *s,
                    cd_herder_reply_t *r)
{
    keep_sig(s);
    answer(r, 204, NULL);
}

static const cd_herder_ops_t ops = {
    .put_connector_config = t_put,
    .connector_info = t_info,
    .delete_connector = t_void,
    .stop_connector = t_void,
    .restart_connector = t_restart,
    .restart_task = t_restart_task,
    .put_task_configs = t_put_tasks,
    .fence_zombies = t_fence,
};
static cd_herder_t herder = {.ops = &ops};

static void redirect(cd_herder_redirect_t kind, const char *target, int times)
{
    hd.kind = kind;
    snprintf(hd.target, sizeof(hd.target), "%s", target ? target : "");
    hd.redirects = times;
    hd.calls = 0;
}

/* ---- calling connectd ---- */
typedef struct http_s {
    long status;
    char body[4096];
    size_t len;
    char location[256];
} http_t;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    http_t *h = ud;
    size_t len = sz * n, room = sizeof(h->body) - 1 - h->len;
    memcpy(h->body + h->len, p, len < room ? len : room);
    h->len += len < room ? len : room;
    h->body[h->len] = '\0';
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    http_t *h = ud;
    size_t len = sz * n;
    if (len > 12 && strncasecmp(p, "Location: ", 10) == 0)
        snprintf(h->location, sizeof(h->location), "%.*s", (int)(len - 12), p + 10);
    return len;
}

static cd_rest_server_t *server;
static int port;
static char own_url[64], rec_url[64];

static void call(http_t *h, const char *method, const char *path, const char *body,
                 const char *const *headers)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hl = NULL;
    char url[1024];

    memset(h, 0, sizeof(*h));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    hl = curl_slist_append(hl, "Expect:");
    hl = curl_slist_append(hl, "Content-Type: application/json");
    for (size_t i = 0; headers && headers[i]; i++)
        hl = curl_slist_append(hl, headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
}

static int setup(void **state)
{
    cd_rest_listener_spec_t spec = {.host = "127.0.0.1", .port = 0, .regular = true};
    cd_rest_server_opts_t opts = {.listeners = &spec, .nlisteners = 1};
    const union MHD_DaemonInfo *info;
    char err[256];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rec_daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION,
                                  0, NULL, NULL, rec_request, NULL, MHD_OPTION_END);
    if (!rec_daemon)
        return -1;
    info = MHD_get_daemon_info(rec_daemon, MHD_DAEMON_INFO_BIND_PORT);
    rec_port = info->port;
    server = cd_rest_server_start_opts(&opts, err, sizeof(err));
    if (!server) {
        fprintf(stderr, "start: %s\n", err);
        return -1;
    }
    cd_rest_server_set_herder(server, &herder);
    port = cd_rest_server_port(server);
    snprintf(own_url, sizeof(own_url), "http://127.0.0.1:%d/", port);
    snprintf(rec_url, sizeof(rec_url), "http://127.0.0.1:%d/", rec_port);
    return 0;
}

static int teardown(void **state)
{
    cd_rest_server_stop(server);
    MHD_stop_daemon(rec_daemon);
    curl_global_cleanup();
    return 0;
}

/* ---- signing ---- */
static void test_sign_vectors(void **state)
{
    static const uint8_t key[] = "connectd-test-session-key-0123456789";
    static const char body[] = "[{\"task.class\":\"x\",\"k\":\"v\"}]";
    static const struct {
        const char *alg, *body_sig, *empty_sig;
    } java[] = {
        /* computed by javax.crypto.Mac (JDK 17) over the same key and body */
        {"HmacSHA1", "odP39o5OlRSj23chtrFMNPGI9Ww=", "90UZ6sKKr8gI4rPA1YhghLwHTBI="},
        {"HmacSHA256", "m7fuCdW7OsvKhmPac4pzcnF/n0ABkl36XB/bmRWdPOQ=",
         "T6PGMuu9eehrq7XdpAUor7sEprg1XKIOKwt1498Ocnc="},
        {"HmacSHA384", "7qClNJYgm10jZVRuN4ouMqlK8BLzA6E6hGgIAe2NkF3mlHVKtD9aZrawKL9tM36D",
         "5m2SMPfxCr4kjKvvPiM/FQ3bYarp8dZw4MkDVYS1BPN/BsIyNe1yuBdn6z2k9pkK"},
        {"HmacSHA512",
         "hLNrbchnwKpAxuVvOKsjWmaRyPrJFTRz3gYYEbY9ieBYZ5Mg0yaTdnOO8o5QEWFC3SqrjioW52kGr7ZLt6+thg==",
         "Fs6rIk3LPStOM6NBf9/"
         "vNm+cTuzNLCOLZehxl2oEDQLlMCAVsZG4rCC5BeekW12Nrg+EFbrKJzC3VgCJdG59og=="},
    };
    size_t klen = sizeof(key) - 1;
    char *s;

    /* RFC 4231 test case 2 */
    s = cd_internal_request_sign("HmacSHA256", (const uint8_t *)"Jefe", 4,
                                 (const uint8_t *)"what do ya want for nothing?", 28);
    assert_string_equal(s, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    free(s);
    for (size_t i = 0; i < sizeof(java) / sizeof(java[0]); i++) {
        s = cd_internal_request_sign(java[i].alg, key, klen, (const uint8_t *)body, strlen(body));
        assert_string_equal(s, java[i].body_sig);
        free(s);
        s = cd_internal_request_sign(java[i].alg, key, klen, NULL, 0);
        assert_string_equal(s, java[i].empty_sig);
        free(s);
        assert_true(cd_internal_request_verify(java[i].alg, key, klen, (const uint8_t *)body,
                                               strlen(body), java[i].body_sig));
        assert_true(cd_internal_request_verify(java[i].alg, key, klen, NULL, 0, java[i].empty_sig));
        /* another body, key or algorithm does not verify */
        assert_false(cd_internal_request_verify(java[i].alg, key, klen, (const uint8_t *)body,
                                                strlen(body) - 1, java[i].body_sig));
        assert_false(cd_internal_request_verify(java[i].alg, key, klen - 1, (const uint8_t *)body,
                                                strlen(body), java[i].body_sig));
        assert_false(cd_internal_request_verify(java[i].alg, key, klen, NULL, 0, java[i].body_sig));
    }
    assert_false(cd_internal_request_verify("HmacSHA256", key, klen, NULL, 0, "not-base64"));
    assert_false(cd_internal_request_verify("HmacSHA256", key, klen, NULL, 0, ""));
    /* Java's Mac names match case-insensitively */
    s = cd_internal_request_sign("hmacsha256", key, klen, NULL, 0);
    assert_string_equal(s, java[1].empty_sig);
    free(s);
    assert_null(cd_internal_request_sign("HmacFoo", key, klen, NULL, 0));
    assert_false(cd_internal_request_algorithm_supported("HmacFoo"));
    assert_true(cd_internal_request_algorithm_supported("HmacSHA256"));
    /* KeyGenerator defaults on JDK 17 */
    assert_int_equal(cd_internal_request_default_key_size("HmacSHA256"), 32);
    assert_int_equal(cd_internal_request_default_key_size("HmacSHA1"), 64);
    assert_int_equal(cd_internal_request_default_key_size("HmacSHA384"), 48);
    assert_int_equal(cd_internal_request_default_key_size("HmacSHA512"), 64);
    assert_int_equal(cd_internal_request_default_key_size("HmacFoo"), 0);
}

static void test_base64_java(void **state)
{
    static const struct {
        const char *in, *err, *out;
    } cases[] = {
        /* texts from java.util.Base64.getDecoder().decode (JDK 17) */
        {"a-b", "Illegal base64 character 2d", NULL},
        {"!!!!", "Illegal base64 character 21", NULL},
        {"ab=c", "Input byte array has wrong 4-byte ending unit", NULL},
        {"YQ=", "Input byte array has wrong 4-byte ending unit", NULL},
        {"abcde", "Last unit does not have enough valid bits", NULL},
        {"YQ", NULL, "a"},
        {"YQ==", NULL, "a"},
        {"YWI=", NULL, "ab"},
        {"YWJj", NULL, "abc"},
        {"", NULL, ""},
    };
    char err[128];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = 99;
        uint8_t *out = cd_internal_request_b64_decode(cases[i].in, &len, err, sizeof(err));
        if (cases[i].err) {
            assert_null(out);
            assert_string_equal(err, cases[i].err);
        } else {
            assert_non_null(out);
            assert_int_equal(len, strlen(cases[i].out));
            assert_memory_equal(out, cases[i].out, len);
            free(out);
        }
    }
}

/* ---- the decision and the URL ---- */
static void test_forward_url(void **state)
{
    static const char *const restart[] = {"includeTasks", "true", "onlyFailed", "false", NULL};
    char *u;

    u = cd_rest_forward_url("http://h:8083", "/connectors", true, NULL);
    assert_string_equal(u, "http://h:8083/connectors?forward=true");
    free(u);
    u = cd_rest_forward_url("http://h:8083/", "/connectors/a b/config", false, NULL);
    assert_string_equal(u, "http://h:8083/connectors/a%20b/config?forward=false");
    free(u);
    /* UriInfo.getPath() has no leading '/'; path() adds the separator */
    u = cd_rest_forward_url("http://h:8083", "connectors/x/tasks", true, NULL);
    assert_string_equal(u, "http://h:8083/connectors/x/tasks?forward=true");
    free(u);
    u = cd_rest_forward_url("https://h:8443/", "connectors/x/fence", true, NULL);
    assert_string_equal(u, "https://h:8443/connectors/x/fence?forward=true");
    free(u);
    u = cd_rest_forward_url("http://h:8083/", "/connectors/x/restart", true, restart);
    assert_string_equal(u, "http://h:8083/connectors/x/restart?forward=true&includeTasks=true&"
                           "onlyFailed=false");
    free(u);
    /* '?', '#', non-ASCII are encoded; a valid %XX and '/' are kept (UriBuilder.path) */
    u = cd_rest_forward_url("http://h:8083/", "/connectors/q?#\xc3\xa9%41/z", true, NULL);
    assert_string_equal(u, "http://h:8083/connectors/q%3F%23%C3%A9%41/z?forward=true");
    free(u);
}

static void test_forward_decide(void **state)
{
    cd_herder_reply_t r = {0};
    bool rec_flag;
    const char *msg;

    cd_herder_reply_ok(&r, 200, NULL);
    assert_int_equal(cd_rest_forward_decide(&r, -1, &rec_flag, &msg), CD_REST_FWD_COMPLETE);
    cd_herder_reply_redirect(&r, CD_HERDER_REDIRECT_NOT_LEADER, "http://l:8083/", NULL);
    assert_int_equal(cd_rest_forward_decide(&r, -1, &rec_flag, &msg), CD_REST_FWD_FORWARD);
    assert_true(rec_flag);
    assert_int_equal(cd_rest_forward_decide(&r, 1, &rec_flag, &msg), CD_REST_FWD_FORWARD);
    assert_false(rec_flag);
    assert_int_equal(cd_rest_forward_decide(&r, 0, &rec_flag, &msg), CD_REST_FWD_CONFLICT);
    assert_string_equal(msg, "Cannot complete request because of a conflicting operation (e.g. "
                             "worker rebalance)");
    cd_herder_reply_redirect(&r, CD_HERDER_REDIRECT_NOT_ASSIGNED, NULL, NULL);
    assert_int_equal(cd_rest_forward_decide(&r, -1, &rec_flag, &msg), CD_REST_FWD_CONFLICT);
    assert_string_equal(msg, "Cannot complete request momentarily due to no known leader URL, "
                             "likely because a rebalance was underway.");
    /* forward=false wins over the missing URL (Java checks the flag first) */
    assert_int_equal(cd_rest_forward_decide(&r, 0, &rec_flag, &msg), CD_REST_FWD_CONFLICT);
    assert_string_equal(msg, "Cannot complete request because of a conflicting operation (e.g. "
                             "worker rebalance)");
    cd_herder_reply_redirect(&r, CD_HERDER_REDIRECT_REBALANCE_NEEDED, NULL, "x");
    assert_int_equal(cd_rest_forward_decide(&r, 1, &rec_flag, &msg), CD_REST_FWD_CONFLICT);
    assert_string_equal(msg, "Cannot complete request momentarily due to stale configuration "
                             "(typically caused by a concurrent config change)");
    cd_herder_reply_clear(&r);
}

/* ---- the client on the wire ---- */
static void test_client_wire(void **state)
{
    static const uint8_t key[] = "k3y";
    cd_rest_client_signing_t sign = {.key = key, .key_len = 3, .algorithm = "HmacSHA256"};
    cd_rest_client_response_t res;
    char url[128], err[256];
    char *expect;

    snprintf(url, sizeof(url), "http://127.0.0.1:%d/connectors/x/tasks?forward=true", rec_port);
    rec_answer(204, NULL);
    assert_int_equal(cd_rest_client_request(NULL, "POST", url, "[{\"a\":\"b\"}]", 11, "Basic dTpw",
                                            &sign, 5000, &res, err, sizeof(err)),
                     0);
    assert_int_equal(res.status, 204);
    assert_string_equal(rec.method, "POST");
    assert_string_equal(rec.path, "/connectors/x/tasks");
    assert_string_equal(rec.query, "forward=true");
    assert_string_equal(rec.user_agent, "kafka-connect");
    assert_string_equal(rec.accept, "application/json");
    assert_string_equal(rec.content_type, "application/json");
    assert_string_equal(rec.authorization, "Basic dTpw");
    assert_string_equal(rec.body, "[{\"a\":\"b\"}]");
    expect = cd_internal_request_sign("HmacSHA256", key, 3, (const uint8_t *)rec.body, 11);
    assert_string_equal(rec.sig, expect);
    free(expect);
    assert_string_equal(rec.sig_alg, "HmacSHA256");
    cd_rest_client_response_clear(&res);

    /* no body: HMAC of empty input, no Content-Type, no Authorization */
    rec_answer(200, "{\"ok\":true}");
    assert_int_equal(cd_rest_client_request(NULL, "PUT", url, NULL, 0, NULL, &sign, 5000, &res, err,
                                            sizeof(err)),
                     0);
    assert_int_equal(res.status, 200);
    assert_string_equal(res.body, "{\"ok\":true}");
    assert_string_equal(rec.content_type, "<none>");
    assert_string_equal(rec.authorization, "<none>");
    assert_int_equal(rec.body_len, 0);
    expect = cd_internal_request_sign("HmacSHA256", key, 3, NULL, 0);
    assert_string_equal(rec.sig, expect);
    free(expect);
    cd_rest_client_response_clear(&res);

    /* unsigned; a redirect is not followed */
    rec_answer(307, "{}");
    rec.location = "http://127.0.0.1:1/elsewhere";
    assert_int_equal(
        cd_rest_client_request(NULL, "GET", url, NULL, 0, NULL, NULL, 5000, &res, err, sizeof(err)),
        0);
    assert_int_equal(res.status, 307);
    assert_int_equal(rec.hits, 1);
    assert_string_equal(res.location, "http://127.0.0.1:1/elsewhere");
    assert_string_equal(rec.sig, "<none>");
    assert_string_equal(rec.sig_alg, "<none>");
    cd_rest_client_response_clear(&res);

    /* nobody listening */
    assert_int_equal(cd_rest_client_request(NULL, "GET", "http://127.0.0.1:1/", NULL, 0, NULL, NULL,
                                            2000, &res, err, sizeof(err)),
                     -1);
    assert_int_equal(res.status, 0);
}

/* ---- forwarding through the REST server ---- */
static void test_forwarding(void **state)
{
    static const char *const auth[] = {"Authorization: Bearer t0k", NULL};
    char expect[256];
    http_t h;

    /* a user request: forwarded with forward=true, the entity relayed, Location local */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(201, "{\"name\":\"c1\",\"config\":{},\"tasks\":[],\"type\":\"source\"}");
    rec.location = "http://leader/connectors/c1";
    call(&h, "POST", "/connectors", "{\"name\":\" c1 \",\"config\":{\"k\":\"v\"}}", auth);
    assert_int_equal(h.status, 201);
    assert_string_equal(h.body, "{\"name\":\"c1\",\"config\":{},\"tasks\":[],\"type\":\"source\"}");
    snprintf(expect, sizeof(expect), "http://127.0.0.1:%d/connectors/c1", port);
    assert_string_equal(h.location, expect);
    assert_string_equal(rec.method, "POST");
    assert_string_equal(rec.path, "/connectors");
    assert_string_equal(rec.query, "forward=true");
    assert_string_equal(rec.authorization, "Bearer t0k");
    /* CreateConnectorRequest as received (name untrimmed), the config with the name put in */
    assert_string_equal(rec.body, "{\"name\":\" c1 \",\"config\":{\"k\":\"v\",\"name\":\"c1\"},"
                                  "\"initial_state\":null}");

    /* forward=true: once more, with forward=false */
    redirect(CD_HERDER_REDIRECT_NOT_ASSIGNED, rec_url, 1);
    rec_answer(204, NULL);
    call(&h, "POST", "/connectors/c1/tasks/3/restart?forward=true", NULL, NULL);
    assert_int_equal(h.status, 204);
    assert_string_equal(rec.path, "/connectors/c1/tasks/3/restart");
    assert_string_equal(rec.query, "forward=false");
    assert_string_equal(rec.authorization, "<none>");

    /* forward=false: the hop limit */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(204, NULL);
    call(&h, "DELETE", "/connectors/c1?forward=false", NULL, NULL);
    assert_int_equal(h.status, 409);
    assert_string_equal(h.body, "{\"error_code\":409,\"message\":\"Cannot complete request because "
                                "of a conflicting operation (e.g. worker rebalance)\"}");
    assert_int_equal(rec.hits, 0);

    /* no known leader */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, NULL, 1);
    call(&h, "PUT", "/connectors/c1/stop", NULL, NULL);
    assert_int_equal(h.status, 409);
    assert_string_equal(h.body, "{\"error_code\":409,\"message\":\"Cannot complete request "
                                "momentarily due to no known leader URL, likely because a "
                                "rebalance was underway.\"}");

    /* a pending rebalance: 409 on a forwarding endpoint, 500 on a plain read */
    redirect(CD_HERDER_REDIRECT_REBALANCE_NEEDED, NULL, 1);
    call(&h, "DELETE", "/connectors/c1", NULL, NULL);
    assert_int_equal(h.status, 409);
    assert_string_equal(h.body, "{\"error_code\":409,\"message\":\"Cannot complete request "
                                "momentarily due to stale configuration (typically caused by a "
                                "concurrent config change)\"}");
    redirect(CD_HERDER_REDIRECT_REBALANCE_NEEDED, NULL, 1);
    call(&h, "GET", "/connectors/c1", NULL, NULL);
    assert_int_equal(h.status, 500);
    assert_string_equal(h.body, "{\"error_code\":500,\"message\":\"Request cannot be completed "
                                "because a rebalance is expected\"}");

    /* restart with flags: the two query params go along; 202 with the entity */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(202, "{\"name\":\"c1\"}");
    call(&h, "POST", "/connectors/c1/restart?includeTasks=true&other=1", NULL, NULL);
    assert_int_equal(h.status, 202);
    assert_string_equal(h.body, "{\"name\":\"c1\"}");
    assert_string_equal(rec.query, "forward=true&includeTasks=true&onlyFailed=false");

    /* the target's error: its status and ErrorMessage (error_code as sent) */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(400, "{\"error_code\":4001,\"message\":\"Connector configuration is invalid\"}");
    call(&h, "PUT", "/connectors/c1/config", "{\"k\":\"v\"}", NULL);
    assert_int_equal(h.status, 400);
    assert_string_equal(h.body, "{\"error_code\":4001,\"message\":\"Connector configuration is "
                                "invalid\"}");
    assert_string_equal(rec.method, "PUT");
    assert_string_equal(rec.path, "/connectors/c1/config");
    assert_string_equal(rec.body, "{\"k\":\"v\",\"name\":\"c1\"}");

    /* not an ErrorMessage / unexpected status / nobody there: 500 */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(502, "<html>bad gateway</html>");
    call(&h, "DELETE", "/connectors/c1", NULL, NULL);
    assert_int_equal(h.status, 500);
    assert_non_null(strstr(h.body, "IO Error trying to forward REST request: "));
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(302, NULL);
    call(&h, "DELETE", "/connectors/c1", NULL, NULL);
    assert_int_equal(h.status, 500);
    assert_string_equal(h.body, "{\"error_code\":500,\"message\":\"Unexpected status code when "
                                "handling forwarded request: 302\"}");
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, "http://127.0.0.1:1/", 1);
    call(&h, "DELETE", "/connectors/c1", NULL, NULL);
    assert_int_equal(h.status, 500);
    assert_non_null(strstr(h.body, "IO Error trying to forward REST request: "));

    /* forwarding to this worker itself (one thread per connection: no deadlock) */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, own_url, 1);
    call(&h, "DELETE", "/connectors/self", NULL, NULL);
    assert_int_equal(h.status, 204);
    assert_int_equal(hd.calls, 2);
    /* ... and twice: the second hop is forward=false, the third answer is the 409 */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, own_url, 5);
    call(&h, "DELETE", "/connectors/self", NULL, NULL);
    assert_int_equal(h.status, 409);
    assert_int_equal(hd.calls, 3);
}

static void test_internal_endpoints(void **state)
{
    static const char *const signed_hdrs[] = {
        "X-Connect-Request-Signature-Algorithm: HmacSHA256",
        "X-Connect-Authorization: T6PGMuu9eehrq7XdpAUor7sEprg1XKIOKwt1498Ocnc=", NULL};
    static const char *const bad_alg[] = {"X-Connect-Request-Signature-Algorithm: HmacFoo",
                                          "X-Connect-Authorization: abcd", NULL};
    static const char *const bad_b64[] = {"X-Connect-Request-Signature-Algorithm: HmacSHA256",
                                          "X-Connect-Authorization: a-b", NULL};
    http_t h;

    redirect(CD_HERDER_REDIRECT_NONE, NULL, 0);
    call(&h, "POST", "/connectors/c1/tasks", "[{\"a\":\"b\",\"n\":1},null]", signed_hdrs);
    assert_int_equal(h.status, 204);
    assert_string_equal(hd.task_configs, "[{\"a\":\"b\",\"n\":\"1\"},null]");
    assert_string_equal(hd.sig_alg, "HmacSHA256");
    assert_string_equal(hd.sig, "T6PGMuu9eehrq7XdpAUor7sEprg1XKIOKwt1498Ocnc=");
    assert_string_equal(hd.sig_body, "[{\"a\":\"b\",\"n\":1},null]"); /* the raw bytes */

    /* unsigned: the herder decides (it answers "missing required signature") */
    call(&h, "PUT", "/connectors/c1/fence", NULL, NULL);
    assert_int_equal(h.status, 204);
    assert_string_equal(hd.sig_alg, "<none>");
    assert_string_equal(hd.sig_body, "");

    call(&h, "POST", "/connectors/c1/tasks", "[]", bad_alg);
    assert_int_equal(h.status, 400);
    assert_string_equal(h.body, "{\"error_code\":400,\"message\":\"Algorithm HmacFoo not "
                                "available\"}");
    call(&h, "PUT", "/connectors/c1/fence", NULL, bad_b64);
    assert_int_equal(h.status, 400);
    assert_string_equal(h.body, "{\"error_code\":400,\"message\":\"Illegal base64 character "
                                "2d\"}");
    call(&h, "POST", "/connectors/c1/tasks", "{\"a\":\"b\"}", signed_hdrs);
    assert_int_equal(h.status, 500);

    /* leader-only: forwarded to the leader without the signature (Java copies only
     * Authorization), the configs written again as JSON */
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    rec_answer(204, NULL);
    call(&h, "POST", "/connectors/c1/tasks", "[ {\"a\" : 2} ]", signed_hdrs);
    assert_int_equal(h.status, 204);
    assert_string_equal(rec.path, "/connectors/c1/tasks");
    assert_string_equal(rec.query, "forward=true");
    assert_string_equal(rec.body, "[{\"a\":\"2\"}]");
    assert_string_equal(rec.sig, "<none>");
    redirect(CD_HERDER_REDIRECT_NOT_LEADER, rec_url, 1);
    call(&h, "PUT", "/connectors/c1/fence?forward=true", NULL, NULL);
    assert_int_equal(h.status, 204);
    assert_string_equal(rec.path, "/connectors/c1/fence");
    assert_string_equal(rec.query, "forward=false");
    assert_string_equal(rec.body, "\"\""); /* Jackson writes the empty byte[] as "" */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_vectors),       cmocka_unit_test(test_base64_java),
        cmocka_unit_test(test_forward_url),        cmocka_unit_test(test_forward_decide),
        cmocka_unit_test(test_client_wire),        cmocka_unit_test(test_forwarding),
        cmocka_unit_test(test_internal_endpoints),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
