/**
 * @file test_rest_server.c
 * @brief The REST server in-process: started on 127.0.0.1 port 0, called with
 *        libcurl, against a herder test double that records the calls and
 *        answers canned replies. Covers routing, status codes, error bodies,
 *        Location, the body cap, 415/405/404, percent-encoded names, admin
 *        listeners and the 503 before a herder is attached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "rest/rest_internal.h"
#include "util/log.h"
#include "util/properties.h"
#include "worker/worker_config.h"

/* ---- the herder double ---- */
static char last_call[256];
static char last_config[1024];
static char last_state[32];

static void record(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void record(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_call, sizeof(last_call), fmt, ap);
    va_end(ap);
}

static void t_server_info(cd_herder_t *h, cd_herder_reply_t *r)
{
    record("server_info");
    cd_herder_reply_ok(
        r, 200,
        json_pack("{s:s,s:s,s:s}", "version", "4.3.1", "commit", "abc", "kafka_cluster_id", "cid"));
}
static void t_health(cd_herder_t *h, cd_herder_reply_t *r)
{
    record("health");
    cd_herder_reply_ok(r, 200, json_pack("{s:s,s:s}", "status", "healthy", "message", "ok"));
}
static void t_connectors(cd_herder_t *h, bool s, bool i, cd_herder_reply_t *r)
{
    record("connectors %d %d", s, i);
    if (s || i)
        cd_herder_reply_ok(r, 200, json_pack("{s:{}}", "a"));
    else
        cd_herder_reply_ok(r, 200, json_pack("[s]", "a"));
}
static void t_put(cd_herder_t *h, const char *name, const cd_properties_t *config,
                  const char *state, bool replace, cd_herder_reply_t *r)
{
    size_t o = 0;
    record("put %s %d", name, replace);
    last_config[0] = '\0';
    for (size_t i = 0; i < cd_properties_count(config); i++)
        o += (size_t)snprintf(last_config + o, sizeof(last_config) - o, "%s=%s;",
                              cd_properties_key_at(config, i), cd_properties_value_at(config, i));
    snprintf(last_state, sizeof(last_state), "%s", state ? state : "(null)");
    if (strcmp(name, "exists") == 0 && !replace) {
        cd_herder_reply_error(r, 409, "Connector %s already exists", name);
        return;
    }
    cd_herder_reply_ok(
        r, strcmp(name, "exists") == 0 ? 200 : 201,
        json_pack("{s:s,s:{},s:[],s:s}", "name", name, "config", "tasks", "type", "source"));
}
static void t_patch(cd_herder_t *h, const char *name, const json_t *patch, cd_herder_reply_t *r)
{
    char *s = json_dumps(patch, JSON_COMPACT | JSON_SORT_KEYS);
    record("patch %s %s", name, s);
    free(s);
    cd_herder_reply_ok(r, 200, json_object());
}
static void t_info(cd_herder_t *h, const char *name, cd_herder_reply_t *r)
{
    record("info %s", name);
    if (strcmp(name, "missing") == 0)
        cd_herder_reply_error(r, 404, "Connector %s not found", name);
    else
        cd_herder_reply_ok(r, 200, json_pack("{s:s}", "name", name));
}
#define SIMPLE(fn, label, status)                                                                  \
    static void fn(cd_herder_t *h, const char *name, cd_herder_reply_t *r)                         \
    {                                                                                              \
        record(label " %s", name);                                                                 \
        cd_herder_reply_ok(r, status, NULL);                                                       \
    }
SIMPLE(t_config, "config", 200)
SIMPLE(t_status, "status", 200)
SIMPLE(t_tasks, "tasks", 200)
SIMPLE(t_delete, "delete", 204)
SIMPLE(t_pause, "pause", 202)
SIMPLE(t_resume, "resume", 202)
SIMPLE(t_stop, "stop", 204)
SIMPLE(t_topics, "topics", 200)
SIMPLE(t_reset_topics, "reset_topics", 202)
SIMPLE(t_offsets, "offsets", 200)
SIMPLE(t_reset_offsets, "reset_offsets", 200)
static void t_task_status(cd_herder_t *h, const char *name, int task, cd_herder_reply_t *r)
{
    record("task_status %s %d", name, task);
    cd_herder_reply_ok(r, 200, json_pack("{s:i}", "id", task));
}
static void t_restart(cd_herder_t *h, const char *name, bool it, bool of, cd_herder_reply_t *r)
{
    record("restart %s %d %d", name, it, of);
    cd_herder_reply_ok(r, it || of ? 202 : 204, it || of ? json_object() : NULL);
}
static void t_restart_task(cd_herder_t *h, const char *name, int task, cd_herder_reply_t *r)
{
    record("restart_task %s %d", name, task);
    cd_herder_reply_ok(r, 204, NULL);
}
static void t_alter(cd_herder_t *h, const char *name, const json_t *b, cd_herder_reply_t *r)
{
    record("alter %s %zu", name, json_array_size(json_object_get(b, "offsets")));
    cd_herder_reply_ok(r, 200, json_pack("{s:s}", "message", "ok"));
}
static void t_plugins(cd_herder_t *h, bool only, cd_herder_reply_t *r)
{
    record("plugins %d", only);
    cd_herder_reply_ok(r, 200, json_array());
}
static void t_plugin_config(cd_herder_t *h, const char *p, cd_herder_reply_t *r)
{
    record("plugin_config %s", p);
    cd_herder_reply_ok(r, 200, json_array());
}
static void t_validate(cd_herder_t *h, const char *p, const cd_properties_t *c,
                       cd_herder_reply_t *r)
{
    record("validate %s %zu", p, cd_properties_count(c));
    cd_herder_reply_ok(r, 200, json_object());
}
static void t_cluster_logger(cd_herder_t *h, const char *l, const char *lv, cd_herder_reply_t *r)
{
    record("cluster_logger %s %s", l, lv);
    cd_herder_reply_ok(r, 204, NULL);
}

static const cd_herder_ops_t ops = {
    .server_info = t_server_info,
    .health = t_health,
    .connectors = t_connectors,
    .put_connector_config = t_put,
    .patch_connector_config = t_patch,
    .connector_info = t_info,
    .connector_config = t_config,
    .connector_status = t_status,
    .task_configs = t_tasks,
    .task_status = t_task_status,
    .delete_connector = t_delete,
    .restart_connector = t_restart,
    .restart_task = t_restart_task,
    .pause_connector = t_pause,
    .resume_connector = t_resume,
    .stop_connector = t_stop,
    .connector_topics = t_topics,
    .reset_connector_topics = t_reset_topics,
    .connector_offsets = t_offsets,
    .alter_connector_offsets = t_alter,
    .reset_connector_offsets = t_reset_offsets,
    .plugins = t_plugins,
    .plugin_config = t_plugin_config,
    .validate_config = t_validate,
    .set_cluster_logger_level = t_cluster_logger,
};
static cd_herder_t herder = {.ops = &ops};

/* ---- HTTP client ---- */
typedef struct http_s {
    long status;
    char body[8192];
    size_t len;
    char location[512];
    char content_type[128];
} http_t;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    http_t *h = ud;
    size_t len = sz * n;
    size_t room = sizeof(h->body) - 1 - h->len;
    memcpy(h->body + h->len, p, len < room ? len : room);
    h->len += len < room ? len : room;
    h->body[h->len] = '\0';
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    http_t *h = ud;
    size_t len = sz * n;
    if (len > 10 && strncasecmp(p, "Location: ", 10) == 0)
        snprintf(h->location, sizeof(h->location), "%.*s", (int)(len - 12), p + 10);
    if (len > 14 && strncasecmp(p, "Content-Type: ", 14) == 0)
        snprintf(h->content_type, sizeof(h->content_type), "%.*s", (int)(len - 16), p + 14);
    return len;
}

static int port;
static int admin_port;

static void call_port(http_t *h, int p, const char *method, const char *path, const char *ctype,
                      const char *body, size_t body_len)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdrs = NULL;
    char url[2048];
    char ct[256];

    memset(h, 0, sizeof(*h));
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", p, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (ctype) {
        snprintf(ct, sizeof(ct), "Content-Type: %s", ctype);
        hdrs = curl_slist_append(hdrs, ct);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
}

static void call(http_t *h, const char *method, const char *path, const char *body)
{
    call_port(h, port, method, path, body ? "application/json" : NULL, body,
              body ? strlen(body) : 0);
}

static cd_rest_server_t *server;

static int setup(void **state)
{
    cd_rest_listener_spec_t specs[] = {
        {.host = "127.0.0.1", .port = 0, .regular = true, .admin = false},
        {.host = "127.0.0.1", .port = 0, .regular = false, .admin = true},
    };
    cd_rest_server_opts_t opts = {.listeners = specs,
                                  .nlisteners = 2,
                                  .topic_tracking_enable = true,
                                  .topic_tracking_allow_reset = false,
                                  .max_body = 65536};
    char err[256];

    curl_global_init(CURL_GLOBAL_DEFAULT);
    server = cd_rest_server_start_opts(&opts, err, sizeof(err));
    if (!server) {
        fprintf(stderr, "start: %s\n", err);
        return -1;
    }
    port = cd_rest_server_port(server);
    admin_port = cd_rest_server_listener_port(server, 1);
    return 0;
}

static int teardown(void **state)
{
    cd_rest_server_stop(server);
    curl_global_cleanup();
    return 0;
}

static void test_before_herder(void **state)
{
    http_t h;
    call(&h, "GET", "/health", NULL);
    assert_int_equal(h.status, 503);
    assert_string_equal(h.body,
                        "{\"status\":\"starting\",\"message\":\"Worker is still starting up.\"}");
    call(&h, "GET", "/connectors", NULL);
    assert_int_equal(h.status, 503);
    assert_string_equal(h.body,
                        "{\"error_code\":503,\"message\":\"Worker is still starting up.\"}");
    cd_rest_server_set_herder(server, &herder);
    call(&h, "GET", "/health", NULL);
    assert_int_equal(h.status, 200);
    assert_string_equal(h.content_type, "application/json");
}

static void test_errors(void **state)
{
    http_t h;
    call(&h, "GET", "/nope", NULL);
    assert_int_equal(h.status, 404);
    assert_string_equal(h.body, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}");
    call(&h, "DELETE", "/", NULL);
    assert_int_equal(h.status, 405);
    assert_string_equal(h.body, "{\"error_code\":405,\"message\":\"HTTP 405 Method Not Allowed\"}");
    call(&h, "GET", "/connectors/a/restart", NULL);
    assert_int_equal(h.status, 405);
    call_port(&h, port, "POST", "/connectors", "text/plain", "{}", 2);
    assert_int_equal(h.status, 415);
    assert_string_equal(h.body,
                        "{\"error_code\":415,\"message\":\"HTTP 415 Unsupported Media Type\"}");
    call(&h, "POST", "/connectors", "{bad");
    assert_int_equal(h.status, 500);
    assert_non_null(strstr(h.body, "line: 1, column: "));
    call(&h, "POST", "/connectors", "{\"name\":\"a\",\"config\":{},\"extra\":1}");
    assert_int_equal(h.status, 500);
    assert_non_null(strstr(h.body, "Unrecognized field \\\"extra\\\""));
    call(&h, "PUT", "/connectors/a/config", "{\"a\":[1]}");
    assert_int_equal(h.status, 500);
    assert_non_null(strstr(h.body, "from Array value"));
    call(&h, "PUT", "/connectors/a/config", "{\"a\":\"\xff\"}");
    assert_int_equal(h.status, 500);
    call(&h, "GET", "/connectors/a%2Fb/status", NULL);
    assert_int_equal(h.status, 400);
    /* Jetty's HTML error page, not a Jersey JSON error */
    assert_string_equal(h.content_type, "text/html;charset=iso-8859-1");
    assert_non_null(strstr(h.body, "<h2>HTTP ERROR 400 Ambiguous URI path separator</h2>"));
    call(&h, "GET", "/connectors/a%01b/status", NULL);
    assert_int_equal(h.status, 400);
    assert_non_null(strstr(h.body, "Suspicious Path Character"));
    call(&h, "GET", "/connectors/%2e%2e/status", NULL);
    assert_int_equal(h.status, 400);
    call(&h, "GET", "/connectors/%FF/status", NULL);
    assert_int_equal(h.status, 400);
    assert_non_null(strstr(h.body, "Bad UTF-8 encoding"));
    call(&h, "GET", "/connectors//a", NULL);
    assert_int_equal(h.status, 400);
    call(&h, "GET", "/connectors/a/tasks/x/status", NULL);
    assert_int_equal(h.status, 404);
    call(&h, "GET", "/connectors/missing", NULL);
    assert_int_equal(h.status, 404);
    assert_string_equal(h.body, "{\"error_code\":404,\"message\":\"Connector missing not found\"}");
}

static void test_connectors(void **state)
{
    http_t h;
    call(&h, "GET", "/connectors/", NULL);
    assert_int_equal(h.status, 200);
    assert_string_equal(h.body, "[\"a\"]");
    call(&h, "GET", "/connectors?expand=status&expand=info", NULL);
    assert_string_equal(last_call, "connectors 1 1");
    call(&h, "GET", "/connectors?expand=zz", NULL);
    assert_string_equal(h.body, "{\"a\":{}}");

    call(&h, "POST", "/connectors",
         "{\"name\":\" a b/c \",\"config\":{\"x\":1,\"y\":true,\"z\":null,\"w\":1.5},"
         "\"initial_state\":\"paused\"}");
    assert_int_equal(h.status, 201);
    assert_string_equal(last_call, "put a b/c 0");
    assert_string_equal(last_config, "x=1;y=true;w=1.5;name=a b/c;");
    assert_string_equal(last_state, "PAUSED");
    assert_int_equal(strncmp(h.location, "http://127.0.0.1:", 17), 0);
    assert_non_null(strstr(h.location, "/connectors/a%20b/c"));

    call(&h, "POST", "/connectors", "{\"name\":\"a\",\"config\":{\"name\":\"b\"}}");
    assert_int_equal(h.status, 400);
    assert_string_equal(h.body,
                        "{\"error_code\":400,\"message\":\"Connector name configuration (b) "
                        "doesn't match connector name in the URL (a)\"}");
    call(&h, "POST", "/connectors", "{\"name\":\"exists\",\"config\":{}}");
    assert_int_equal(h.status, 409);
    call(&h, "POST", "/connectors", "{\"name\":\"a\",\"config\":{},\"initial_state\":\"x\"}");
    assert_int_equal(h.status, 500);
    assert_non_null(strstr(h.body, "No enum constant"));

    call(&h, "PUT", "/connectors/new%20one/config", "{\"k\":\"v\"}");
    assert_int_equal(h.status, 201);
    assert_string_equal(last_call, "put new one 1");
    assert_non_null(strstr(h.location, "/connectors/new%20one"));
    call(&h, "PUT", "/connectors/exists/config", "{\"k\":\"v\"}");
    assert_int_equal(h.status, 200);
    assert_string_equal(h.location, "");
    call(&h, "PUT", "/connectors/a%20b/config", "{\"name\":\"x\"}");
    assert_int_equal(h.status, 400);
    call(&h, "PATCH", "/connectors/a/config", "{\"a\":null,\"b\":1}");
    assert_int_equal(h.status, 200);
    assert_string_equal(last_call, "patch a {\"a\":null,\"b\":\"1\"}");

    call(&h, "DELETE", "/connectors/a", NULL);
    assert_int_equal(h.status, 204);
    assert_int_equal(h.len, 0);
    call(&h, "PUT", "/connectors/a/pause", NULL);
    assert_int_equal(h.status, 202);
    call(&h, "PUT", "/connectors/a/resume", NULL);
    assert_int_equal(h.status, 202);
    call(&h, "PUT", "/connectors/a/stop", NULL);
    assert_int_equal(h.status, 204);
    call(&h, "POST", "/connectors/a/restart", NULL);
    assert_int_equal(h.status, 204);
    call(&h, "POST", "/connectors/a/restart?includeTasks=TRUE&onlyFailed=yes", NULL);
    assert_int_equal(h.status, 202);
    assert_string_equal(last_call, "restart a 1 0");
    call(&h, "GET", "/connectors/a/tasks/-1/status", NULL);
    assert_string_equal(last_call, "task_status a -1");
    call(&h, "POST", "/connectors/a/tasks/2/restart", NULL);
    assert_int_equal(h.status, 204);
    assert_string_equal(last_call, "restart_task a 2");
    call(&h, "GET", "/connectors/a;x=1/status", NULL);
    assert_string_equal(last_call, "status a");
    call(&h, "GET", "/connectors/%C3%A9%3B/status", NULL);
    assert_string_equal(last_call, "status \xc3\xa9;");
    call(&h, "GET", "/connectors/a/topics", NULL);
    assert_string_equal(last_call, "topics a");
    call(&h, "PUT", "/connectors/a/topics/reset", NULL);
    assert_int_equal(h.status, 403);
    assert_non_null(strstr(h.body, "Topic tracking reset is disabled."));

    call(&h, "PATCH", "/connectors/a/offsets", "{\"offsets\":[]}");
    assert_int_equal(h.status, 400);
    assert_non_null(strstr(h.body, "Partitions / offsets need to be provided"));
    call(&h, "PATCH", "/connectors/a/offsets",
         "{\"offsets\":[{\"partition\":{\"a\":1},\"offset\":null}]}");
    assert_int_equal(h.status, 200);
    assert_string_equal(last_call, "alter a 1");
    call(&h, "DELETE", "/connectors/a/offsets", NULL);
    assert_string_equal(last_call, "reset_offsets a");
}

static void test_plugins_root_loggers(void **state)
{
    http_t h;
    call(&h, "GET", "/", NULL);
    assert_int_equal(h.status, 200);
    assert_non_null(strstr(h.body, "\"kafka_cluster_id\":\"cid\""));
    call(&h, "GET", "/connector-plugins?connectorsOnly=false", NULL);
    assert_string_equal(last_call, "plugins 0");
    call(&h, "GET", "/connector-plugins", NULL);
    assert_string_equal(last_call, "plugins 1");
    call(&h, "GET", "/connector-plugins/FileStreamSource/config", NULL);
    assert_string_equal(last_call, "plugin_config FileStreamSource");
    call(&h, "PUT", "/connector-plugins/FileStreamSourceConnector/config/validate",
         "{\"connector.class\":\"org.x.FileStreamSinkConnector\"}");
    assert_int_equal(h.status, 400);
    assert_non_null(strstr(h.body, "Included connector type org.x.FileStreamSinkConnector does "
                                   "not match request type FileStreamSourceConnector"));
    call(&h, "PUT", "/connector-plugins/FileStreamSource/config/validate",
         "{\"connector.class\":\"org.x.FileStreamSourceConnector\",\"a\":\"b\"}");
    assert_int_equal(h.status, 200);
    assert_string_equal(last_call, "validate FileStreamSource 2");

    /* admin only on the admin listener */
    call(&h, "GET", "/admin/loggers", NULL);
    assert_int_equal(h.status, 404);
    call_port(&h, admin_port, "GET", "/connectors", NULL, NULL, 0);
    assert_int_equal(h.status, 404);
    call_port(&h, admin_port, "GET", "/admin/loggers/nonexist", NULL, NULL, 0);
    assert_int_equal(h.status, 404);
    assert_string_equal(h.body, "{\"error_code\":404,\"message\":\"Logger nonexist not found.\"}");
    call_port(&h, admin_port, "PUT", "/admin/loggers/org.x", "application/json", "{}", 2);
    assert_int_equal(h.status, 400);
    assert_non_null(strstr(h.body, "Desired 'level' parameter was not specified in request."));
    call_port(&h, admin_port, "PUT", "/admin/loggers/org.x", "application/json",
              "{\"level\":\"bogus\"}", 17);
    assert_int_equal(h.status, 404);
    assert_non_null(strstr(h.body, "invalid log level 'bogus'."));
    call_port(&h, admin_port, "PUT", "/admin/loggers/org.x?scope=cluster", "application/json",
              "{\"level\":\"debug\"}", 17);
    assert_int_equal(h.status, 204);
    assert_string_equal(last_call, "cluster_logger org.x debug");
    call_port(&h, admin_port, "PUT", "/admin/loggers/org.x", "application/json",
              "{\"level\":\"DEBUG\"}", 17);
    assert_int_equal(h.status, 200);
    assert_non_null(strstr(h.body, "\"org.x\""));
}

static void test_body_cap(void **state)
{
    http_t h;
    size_t len = 200000;
    char *big = malloc(len);
    memset(big, ' ', len);
    big[0] = '{';
    big[len - 1] = '}';
    call_port(&h, port, "PUT", "/connectors/a/config", "application/json", big, len);
    assert_int_equal(h.status, 413);
    assert_non_null(strstr(h.body, "\"error_code\":413"));
    free(big);
    /* the server still serves */
    call(&h, "GET", "/connectors", NULL);
    assert_int_equal(h.status, 200);
}

static void test_location_encoding(void **state)
{
    char *l = cd_rest_connector_location(NULL, "a b/c%41{x}\xc3\xa9");
    assert_string_equal(l, "/connectors/a%20b/c%41%7Bx%7D%C3%A9");
    free(l);
    l = cd_rest_connector_location("http://h:1", "");
    assert_string_equal(l, "http://h:1/connectors");
    free(l);
}

/* cd_rest_server_start with a real worker configuration: admin.listeners= disables /admin. */
static void test_worker_config_start(void **state)
{
    static const char text[] = "bootstrap.servers=localhost:9092\n"
                               "key.converter=org.apache.kafka.connect.json.JsonConverter\n"
                               "value.converter=org.apache.kafka.connect.json.JsonConverter\n"
                               "offset.storage.file.filename=/tmp/x.offsets\n"
                               "listeners=http://127.0.0.1:0\n"
                               "admin.listeners=\n";
    cd_properties_t *props = cd_properties_new();
    char err[512];
    cd_worker_config_t *wc;
    cd_rest_server_t *s;
    http_t h;

    assert_int_equal(cd_properties_parse(props, text, sizeof(text) - 1, err, sizeof(err)), 0);
    wc = cd_worker_config_new(CD_WORKER_STANDALONE, props, err, sizeof(err));
    if (!wc)
        fail_msg("worker config: %s", err);
    s = cd_rest_server_start(wc, err, sizeof(err));
    if (!s)
        fail_msg("start: %s", err);
    call_port(&h, cd_rest_server_port(s), "GET", "/admin/loggers", NULL, NULL, 0);
    assert_int_equal(h.status, 404);
    call_port(&h, cd_rest_server_port(s), "GET", "/health", NULL, NULL, 0);
    assert_int_equal(h.status, 503);
    cd_rest_server_stop(s);
    cd_worker_config_destroy(wc);
    cd_properties_destroy(props);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_before_herder),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_connectors),
        cmocka_unit_test(test_plugins_root_loggers),
        cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_location_encoding),
        cmocka_unit_test(test_worker_config_start),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
