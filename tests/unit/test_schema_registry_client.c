/**
 * @file test_schema_registry_client.c
 * @brief Unit tests of converters/schema_registry_client: configuration and its
 *        ConfigException texts, the mock:// registry, the caches and their bound,
 *        URL helpers, the response/error parsers on canned bodies, and the HTTP
 *        path against a scripted libmicrohttpd server (headers, basic auth,
 *        encoded subjects, retries, no retry on 4xx, 1 MiB cap, failover).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "converters/schema_registry_client.h"
#include "converters/schema_registry_client_internal.h"
#include "util/properties.h"

#define ES 1024

static cd_schema_registry_t *make(const char *const *kv, char *errstr)
{
    cd_properties_t *p = cd_properties_new();
    assert_non_null(p);
    for (; kv && kv[0]; kv += 2)
        assert_int_equal(cd_properties_set(p, kv[0], kv[1]), 0);
    cd_schema_registry_t *sr = cd_schema_registry_new(p, errstr, ES);
    cd_properties_destroy(p);
    return sr;
}

static void expect_config_error(const char *const *kv, const char *text)
{
    char errstr[ES] = "";
    cd_schema_registry_t *sr = make(kv, errstr);
    assert_null(sr);
    assert_string_equal(errstr, text);
}

static void test_config_errors(void **state)
{
    (void)state;
    expect_config_error((const char *[]){NULL},
                        "Missing required configuration \"schema.registry.url\" which has no "
                        "default value.");
    expect_config_error((const char *[]){"schema.registry.url", " , ", NULL},
                        "Missing required configuration \"schema.registry.url\" which has no "
                        "default value.");
    expect_config_error(
        (const char *[]){"schema.registry.url", "http://h", "max.retries", "x3", NULL},
        "Invalid value x3 for configuration max.retries: Not a number of type INT");
    expect_config_error((const char *[]){"schema.registry.url", "http://h", "http.read.timeout.ms",
                                         "99999999999", NULL},
                        "Invalid value 99999999999 for configuration http.read.timeout.ms: Not a "
                        "number of type INT");
    expect_config_error(
        (const char *[]){"schema.registry.url", "http://h", "latest.cache.ttl.sec", "1.5", NULL},
        "Invalid value 1.5 for configuration latest.cache.ttl.sec: Not a number "
        "of type LONG");
    expect_config_error(
        (const char *[]){"schema.registry.url", "http://h", "retries.wait.ms", "-1", NULL},
        "Invalid value -1 for configuration retries.wait.ms: Value must be at "
        "least 0");
    expect_config_error((const char *[]){"schema.registry.url", "mock://a,mock://b", NULL},
                        "Only one mock scope is permitted for 'schema.registry.url'. Got: "
                        "[mock://a, mock://b]");
    expect_config_error((const char *[]){"schema.registry.url", "mock://a, http://h", NULL},
                        "Cannot mix mock and real urls for 'schema.registry.url'. Got: "
                        "[mock://a, http://h]");
    expect_config_error((const char *[]){"schema.registry.url", "ftp://h", NULL},
                        "Invalid value ftp://h for configuration schema.registry.url: not an "
                        "http:// or https:// URL");
    expect_config_error((const char *[]){"schema.registry.url", "http://h",
                                         "basic.auth.credentials.source", "USER_INFO", NULL},
                        "UserInfo must be provided when basic.auth.credentials.source is set to "
                        "USER_INFO");
    expect_config_error((const char *[]){"schema.registry.url", "http://h",
                                         "basic.auth.credentials.source", "SASL_INHERIT", NULL},
                        "Invalid value SASL_INHERIT for configuration "
                        "basic.auth.credentials.source: connectd supports URL and USER_INFO");
    expect_config_error((const char *[]){"schema.registry.url", "http://h",
                                         "schema.registry.ssl.truststore.type", "JKS", NULL},
                        "Invalid value JKS for configuration schema.registry.ssl.truststore.type: "
                        "connectd reads PEM files only (JKS and PKCS12 stores are not supported)");
    expect_config_error((const char *[]){"schema.registry.url", "http://h",
                                         "schema.registry.ssl.keystore.type", "PKCS12", NULL},
                        "Invalid value PKCS12 for configuration schema.registry.ssl.keystore.type: "
                        "connectd reads PEM files only (JKS and PKCS12 stores are not supported)");

    char errstr[ES] = "";
    cd_schema_registry_t *sr =
        make((const char *[]){"schema.registry.url", " http://a:1 , https://u:p@b:2/x ",
                              "max.retries", " 5 ", "schema.registry.ssl.truststore.type", "PEM",
                              "basic.auth.credentials.source", "URL", NULL},
             errstr);
    assert_non_null(sr);
    assert_int_equal(cd_schema_registry_last_http_status(sr), 0);
    assert_int_equal(cd_schema_registry_last_error_code(sr), 0);
    cd_schema_registry_destroy(sr);
    cd_schema_registry_destroy(NULL);
}

#define S1 "{\"type\":\"string\"}"
#define S2 "{\"type\":\"int\"}"
#define S3 "{\"type\":\"long\"}"

static void test_mock_registry(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_schema_registry_mock_reset();
    cd_schema_registry_t *a =
        make((const char *[]){"schema.registry.url", "mock://t1", NULL}, errstr);
    cd_schema_registry_t *b =
        make((const char *[]){"schema.registry.url", "mock://t1", NULL}, errstr);
    cd_schema_registry_t *other =
        make((const char *[]){"schema.registry.url", "mock://t2", NULL}, errstr);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(other);
    int32_t id = 0, version = 0;
    char *text = NULL;

    assert_int_equal(cd_schema_registry_register(a, "s", S1, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 1);
    assert_int_equal(cd_schema_registry_register(a, "s", S2, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 2);
    /* Another client of the same scope: same ids (not cached in b, so from the scope). */
    assert_int_equal(cd_schema_registry_register(b, "s", S1, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 1);
    /* Identical text under another subject keeps its id. */
    assert_int_equal(cd_schema_registry_register(b, "t", S2, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 2);
    /* Another scope numbers from 1. */
    assert_int_equal(cd_schema_registry_register(other, "s", S3, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 1);

    assert_int_equal(cd_schema_registry_lookup(b, "s", S2, false, &id, &version, errstr, ES),
                     CD_SR_OK);
    assert_int_equal(id, 2);
    assert_int_equal(version, 2);
    assert_int_equal(cd_schema_registry_lookup(b, "s", S3, false, &id, &version, errstr, ES),
                     CD_SR_ERR_NOT_FOUND);
    assert_string_equal(errstr, "Schema not found; error code: 40403");
    assert_int_equal(cd_schema_registry_last_error_code(b), 40403);
    assert_int_equal(cd_schema_registry_last_http_status(b), 404);
    assert_int_equal(cd_schema_registry_lookup(b, "nope", S3, false, &id, &version, errstr, ES),
                     CD_SR_ERR_NOT_FOUND);
    assert_string_equal(errstr, "Subject 'nope' not found.; error code: 40401");

    assert_int_equal(cd_schema_registry_schema_by_id(b, 2, &text, errstr, ES), CD_SR_OK);
    assert_string_equal(text, S2);
    free(text);
    assert_int_equal(cd_schema_registry_schema_by_id(b, 77, &text, errstr, ES),
                     CD_SR_ERR_NOT_FOUND);
    assert_null(text);
    assert_string_equal(errstr, "Schema 77 not found; error code: 40403");
    assert_int_equal(cd_schema_registry_last_error_code(b), 40403);

    assert_int_equal(cd_schema_registry_latest(a, "s", &id, &version, &text, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 2);
    assert_int_equal(version, 2);
    assert_string_equal(text, S2);
    free(text);
    assert_int_equal(cd_schema_registry_latest(a, "missing", &id, &version, &text, errstr, ES),
                     CD_SR_ERR_NOT_FOUND);
    assert_string_equal(errstr, "Subject 'missing' not found.; error code: 40401");

    /* Latest is cached forever by default: a new version is not seen by a... */
    assert_int_equal(cd_schema_registry_register(b, "s", S3, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 3);
    assert_int_equal(cd_schema_registry_latest(a, "s", &id, &version, &text, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 2);
    free(text);
    /* ...but by a client with latest.cache.ttl.sec=0 it is. */
    cd_schema_registry_t *c = make(
        (const char *[]){"schema.registry.url", "mock://t1", "latest.cache.ttl.sec", "0", NULL},
        errstr);
    assert_int_equal(cd_schema_registry_latest(c, "s", &id, &version, &text, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 3);
    assert_int_equal(version, 3);
    free(text);

    /* NULL arguments are CD_SR_ERR_CONFIG, not crashes. */
    assert_int_equal(cd_schema_registry_register(a, NULL, S1, false, &id, errstr, ES),
                     CD_SR_ERR_CONFIG);
    assert_int_equal(cd_schema_registry_latest(a, NULL, &id, &version, &text, errstr, ES),
                     CD_SR_ERR_CONFIG);
    /* Schema text that is not UTF-8 is refused before anything is sent (HTTP path). */

    cd_schema_registry_destroy(a);
    cd_schema_registry_destroy(b);
    cd_schema_registry_destroy(c);
    cd_schema_registry_destroy(other);
    cd_schema_registry_mock_reset();
}

static void test_cache_bound(void **state)
{
    (void)state;
    char errstr[ES] = "";
    cd_schema_registry_mock_reset();
    cd_schema_registry_t *sr = make((const char *[]){"schema.registry.url", "mock://bound",
                                                     "max.schemas.per.subject", "3", NULL},
                                    errstr);
    assert_non_null(sr);
    int32_t id;
    char schema[64];
    for (int i = 0; i < 3; i++) {
        snprintf(schema, sizeof(schema), "{\"type\":\"enum\",\"name\":\"E%d\"}", i);
        assert_int_equal(cd_schema_registry_register(sr, "subj", schema, false, &id, errstr, ES),
                         CD_SR_OK);
        assert_int_equal(id, i + 1);
    }
    /* Cached ones still answer; a fourth distinct schema is refused. */
    assert_int_equal(cd_schema_registry_register(sr, "subj", schema, false, &id, errstr, ES),
                     CD_SR_OK);
    assert_int_equal(id, 3);
    assert_int_equal(cd_schema_registry_register(sr, "subj", S1, false, &id, errstr, ES),
                     CD_SR_ERR_CONFIG);
    assert_string_equal(errstr, "Too many schema objects created for subj!");
    /* normalize is part of the key. */
    assert_int_equal(cd_schema_registry_register(sr, "subj", schema, true, &id, errstr, ES),
                     CD_SR_ERR_CONFIG);
    /* Other subjects have their own bound. */
    assert_int_equal(cd_schema_registry_register(sr, "other", S1, false, &id, errstr, ES),
                     CD_SR_OK);
    assert_int_equal(id, 4);
    cd_schema_registry_destroy(sr);
    cd_schema_registry_mock_reset();
}

static void test_url_helpers(void **state)
{
    (void)state;
    char *s = cd_sr_url_encode("my topic/value?x=1&é~._-");
    assert_string_equal(s, "my%20topic%2Fvalue%3Fx%3D1%26%C3%A9~._-");
    free(s);
    s = cd_sr_join_url("http://h:1/apis/ccompat/v7//", "/subjects");
    assert_string_equal(s, "http://h:1/apis/ccompat/v7/subjects");
    free(s);

    char *url, *user, *pass;
    assert_int_equal(cd_sr_split_userinfo("http://us%40er:p%3Ass@h:8081/x", &url, &user, &pass), 0);
    assert_string_equal(url, "http://h:8081/x");
    assert_string_equal(user, "us@er");
    assert_string_equal(pass, "p:ss");
    free(url);
    free(user);
    free(pass);
    assert_int_equal(cd_sr_split_userinfo("https://h/p@q", &url, &user, &pass), 0);
    assert_string_equal(url, "https://h/p@q");
    assert_null(user);
    assert_null(pass);
    free(url);
    assert_int_equal(cd_sr_split_userinfo("no-scheme", &url, &user, &pass), -1);

    assert_true(cd_sr_status_retriable(503));
    assert_true(cd_sr_status_retriable(429));
    assert_true(cd_sr_status_retriable(408));
    assert_false(cd_sr_status_retriable(422));
    assert_false(cd_sr_status_retriable(404));
    assert_int_equal(cd_sr_backoff_ms(1000, 20000, 0), 1000);
    assert_int_equal(cd_sr_backoff_ms(1000, 20000, 3), 8000);
    assert_int_equal(cd_sr_backoff_ms(1000, 20000, 10), 20000);
    assert_int_equal(cd_sr_backoff_ms(1000, 20000, 1000), 20000);
}

#define P(body) body, strlen(body)

static void test_parsers(void **state)
{
    (void)state;
    char errstr[ES] = "";
    int32_t id = 0, version = 0;
    char *schema = NULL;
    int code = 0;

    assert_int_equal(cd_sr_parse_id_response(P("{\"id\":42}"), &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 42);
    assert_int_equal(cd_sr_parse_id_response(P("{\"id\":2147483648}"), &id, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_string_equal(errstr,
                        "Invalid response from schema registry: \"id\" is not a 32-bit integer");
    assert_int_equal(cd_sr_parse_id_response(P("{\"id\":\"1\"}"), &id, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_int_equal(cd_sr_parse_id_response(P("[1]"), &id, errstr, ES), CD_SR_ERR_TRANSPORT);
    assert_int_equal(cd_sr_parse_id_response(P("{\"id\":1,\"id\":2}"), &id, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_int_equal(cd_sr_parse_id_response(P("<html>"), &id, errstr, ES), CD_SR_ERR_TRANSPORT);

    assert_int_equal(
        cd_sr_parse_schema_response(P("{\"schema\":\"\\\"int\\\"\"}"), &schema, errstr, ES),
        CD_SR_OK);
    assert_string_equal(schema, "\"int\"");
    free(schema);
    assert_int_equal(cd_sr_parse_schema_response(P("{\"schema\":null}"), &schema, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_null(schema);
    assert_int_equal(
        cd_sr_parse_schema_response(P("{\"schema\":\"a\\u0000b\"}"), &schema, errstr, ES),
        CD_SR_ERR_TRANSPORT);

    const char *sv = "{\"subject\":\"s\",\"version\":3,\"id\":7,\"schema\":\"x\"}";
    assert_int_equal(
        cd_sr_parse_subject_version_response(P(sv), &id, &version, &schema, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 7);
    assert_int_equal(version, 3);
    assert_string_equal(schema, "x");
    free(schema);
    assert_int_equal(cd_sr_parse_subject_version_response(P("{\"id\":7,\"version\":1}"), &id,
                                                          &version, NULL, errstr, ES),
                     CD_SR_OK);
    assert_int_equal(cd_sr_parse_subject_version_response(P("{\"id\":7,\"version\":1}"), &id,
                                                          &version, &schema, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_null(schema);
    assert_int_equal(
        cd_sr_parse_subject_version_response(P("{\"id\":7}"), &id, &version, NULL, errstr, ES),
        CD_SR_ERR_TRANSPORT);

    /* Error bodies. */
    assert_int_equal(cd_sr_format_error(409,
                                        P("{\"error_code\":409,\"message\":\"Incompatible: x\"}"),
                                        &code, errstr, ES),
                     CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Incompatible: x; error code: 409");
    assert_int_equal(code, 409);
    assert_int_equal(cd_sr_format_error(404,
                                        P("{\"error_code\":40403,\"message\":\"Schema 5 not "
                                          "found\"}"),
                                        &code, errstr, ES),
                     CD_SR_ERR_NOT_FOUND);
    assert_string_equal(errstr, "Schema 5 not found; error code: 40403");
    assert_int_equal(code, 40403);
    assert_int_equal(
        cd_sr_format_error(401, P("<html>401 Authorization Required</html>"), &code, errstr, ES),
        CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Unauthorized; error code: 401");
    assert_int_equal(code, 401);
    assert_int_equal(
        cd_sr_format_error(502, P("  \n<html>bad\tgateway</html>\r\n"), &code, errstr, ES),
        CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Unable to parse error message from schema registry: "
                                "'(<html>bad gateway</html>)'; error code: 502");
    assert_int_equal(cd_sr_format_error(503, "", 0, &code, errstr, ES), CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Service Unavailable; error code: 503");
    /* A long body is cut to CD_SR_MAX_BODY_EXCERPT bytes plus "...". */
    char big[1000];
    memset(big, 'z', sizeof(big));
    assert_int_equal(cd_sr_format_error(500, big, sizeof(big), &code, errstr, ES),
                     CD_SR_ERR_REGISTRY);
    assert_non_null(strstr(errstr, "...)'; error code: 500"));
    assert_int_equal(strlen(errstr), strlen("Unable to parse error message from schema registry: "
                                            "'(...)'; error code: 500") +
                                         CD_SR_MAX_BODY_EXCERPT);
    /* message without error_code, error_code out of range */
    assert_int_equal(
        cd_sr_format_error(422, P("{\"message\":\"Invalid schema\"}"), &code, errstr, ES),
        CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Invalid schema; error code: 0");
    assert_int_equal(cd_sr_format_error(422, P("{\"error_code\":99999999999}"), &code, errstr, ES),
                     CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "null; error code: 422");
    /* errstr truncation is safe */
    char tiny[8];
    cd_sr_format_error(409, P("{\"error_code\":409,\"message\":\"long message\"}"), &code, tiny,
                       sizeof(tiny));
    assert_string_equal(tiny, "long me");
}

/* ------------------------------------------------------------------ scripted HTTP server */

typedef struct reply_s {
    int status;
    const char *body;
    size_t big; /* > 0: a body of this many 'x' bytes */
} reply_t;

static struct {
    pthread_mutex_t lock;
    reply_t replies[16];
    int n_replies, served;
    char method[16], uri[512], content_type[256], accept[256], auth[256], body[4096];
} srv = {.lock = PTHREAD_MUTEX_INITIALIZER};

typedef struct conn_s {
    char body[4096];
    size_t len;
    bool started;
} conn_t;

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    pthread_mutex_lock(&srv.lock);
    snprintf(srv.uri, sizeof(srv.uri), "%s", uri);
    pthread_mutex_unlock(&srv.lock);
    conn_t *cc = calloc(1, sizeof(conn_t));
    return cc;
}

static void copy_header(struct MHD_Connection *c, const char *name, char *out, size_t size)
{
    const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
    snprintf(out, size, "%s", v ? v : "");
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)version;
    conn_t *cc = *con_cls;
    if (!cc->started) { /* the first call only has the headers */
        cc->started = true;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t n = *upload_size;
        if (cc->len + n < sizeof(cc->body)) {
            memcpy(cc->body + cc->len, upload, n);
            cc->len += n;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "GET") && strcmp(method, "POST"))
        return MHD_NO;
    /* POST: wait for the body's end (the call after the last upload chunk). */
    pthread_mutex_lock(&srv.lock);
    snprintf(srv.method, sizeof(srv.method), "%s", method);
    copy_header(c, "Content-Type", srv.content_type, sizeof(srv.content_type));
    copy_header(c, "Accept", srv.accept, sizeof(srv.accept));
    copy_header(c, "Authorization", srv.auth, sizeof(srv.auth));
    memcpy(srv.body, cc->body, cc->len);
    srv.body[cc->len] = '\0';
    reply_t r = srv.served < srv.n_replies ? srv.replies[srv.served] : (reply_t){500, "", 0};
    srv.served++;
    pthread_mutex_unlock(&srv.lock);
    struct MHD_Response *resp;
    if (r.big) {
        char *b = malloc(r.big);
        memset(b, 'x', r.big);
        resp = MHD_create_response_from_buffer(r.big, b, MHD_RESPMEM_MUST_FREE);
    } else {
        resp =
            MHD_create_response_from_buffer(strlen(r.body), (void *)r.body, MHD_RESPMEM_PERSISTENT);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    free(*con_cls);
    *con_cls = NULL;
}

static void script(const reply_t *replies, int n)
{
    pthread_mutex_lock(&srv.lock);
    memcpy(srv.replies, replies, (size_t)n * sizeof(*replies));
    srv.n_replies = n;
    srv.served = 0;
    pthread_mutex_unlock(&srv.lock);
}

static int served(void)
{
    pthread_mutex_lock(&srv.lock);
    int n = srv.served;
    pthread_mutex_unlock(&srv.lock);
    return n;
}

static void test_http(void **state)
{
    (void)state;
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
                                            NULL, NULL, handler, NULL, MHD_OPTION_URI_LOG_CALLBACK,
                                            uri_log, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed,
                                            NULL, MHD_OPTION_SOCK_ADDR, NULL, MHD_OPTION_END);
    assert_non_null(d);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    int port = info->port;
    char url[256], urls[512], errstr[ES] = "";
    snprintf(url, sizeof(url), "http://al%%69ce:s%%3Acret@127.0.0.1:%d/apis/ccompat/v7/", port);
    cd_schema_registry_t *sr = make((const char *[]){"schema.registry.url", url, "max.retries", "2",
                                                     "retries.wait.ms", "10", NULL},
                                    errstr);
    assert_non_null(sr);
    int32_t id = 0, version = 0;
    char *text = NULL;

    /* Register: path, encoded subject, normalize, headers, basic auth from the URL. */
    script((reply_t[]){{200, "{\"id\":12}", 0}}, 1);
    assert_int_equal(cd_schema_registry_register(sr, "a b/c", S1, true, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 12);
    assert_string_equal(srv.method, "POST");
    assert_string_equal(srv.uri, "/apis/ccompat/v7/subjects/a%20b%2Fc/versions?normalize=true");
    assert_string_equal(srv.content_type, "application/vnd.schemaregistry.v1+json");
    assert_string_equal(srv.accept, "application/vnd.schemaregistry.v1+json, "
                                    "application/vnd.schemaregistry+json; qs=0.9, "
                                    "application/json; qs=0.5");
    assert_string_equal(srv.auth, "Basic YWxpY2U6czpjcmV0"); /* alice:s:cret */
    assert_string_equal(srv.body, "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}");
    /* Cached: no second request. */
    assert_int_equal(cd_schema_registry_register(sr, "a b/c", S1, true, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(served(), 1);

    /* 503, 503, then 200: retried; lookup path without normalize. */
    script((reply_t[]){{503, "", 0},
                       {503, "{\"error_code\":50003,\"message\":\"busy\"}", 0},
                       {200, "{\"subject\":\"s\",\"version\":4,\"id\":9,\"schema\":\"x\"}", 0}},
           3);
    assert_int_equal(cd_schema_registry_lookup(sr, "s", S2, false, &id, &version, errstr, ES),
                     CD_SR_OK);
    assert_int_equal(id, 9);
    assert_int_equal(version, 4);
    assert_int_equal(served(), 3);
    assert_string_equal(srv.uri, "/apis/ccompat/v7/subjects/s");

    /* 422: never retried, registry text. */
    script((reply_t[]){{422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}", 0}}, 1);
    assert_int_equal(cd_schema_registry_register(sr, "s", S3, false, &id, errstr, ES),
                     CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Invalid schema; error code: 42201");
    assert_int_equal(served(), 1);
    assert_int_equal(cd_schema_registry_last_http_status(sr), 422);
    assert_int_equal(cd_schema_registry_last_error_code(sr), 42201);

    /* 401 with an HTML body. */
    script((reply_t[]){{401, "<html>no</html>", 0}}, 1);
    assert_int_equal(cd_schema_registry_latest(sr, "s", &id, &version, &text, errstr, ES),
                     CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Unauthorized; error code: 401");
    assert_string_equal(srv.uri, "/apis/ccompat/v7/subjects/s/versions/latest");

    /* 500 three times (1 + max.retries 2): the last answer's text. */
    script((reply_t[]){{500, "", 0},
                       {500, "", 0},
                       {500,
                        "{\"error_code\":50001,\"message\":"
                        "\"Error in the backend data store\"}",
                        0}},
           3);
    assert_int_equal(cd_schema_registry_schema_by_id(sr, 3, &text, errstr, ES), CD_SR_ERR_REGISTRY);
    assert_string_equal(errstr, "Error in the backend data store; error code: 50001");
    assert_int_equal(served(), 3);
    assert_string_equal(srv.uri, "/apis/ccompat/v7/schemas/ids/3");

    /* A 2 MiB answer is refused, not retried. */
    script((reply_t[]){{200, NULL, 2 * 1048576}}, 1);
    assert_int_equal(cd_schema_registry_schema_by_id(sr, 4, &text, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_string_equal(errstr, "response larger than 1048576 bytes");
    assert_int_equal(served(), 1);

    /* A 2xx that is not the expected JSON. */
    script((reply_t[]){{200, "{\"schema\":5}", 0}}, 1);
    assert_int_equal(cd_schema_registry_schema_by_id(sr, 5, &text, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_string_equal(errstr,
                        "Invalid response from schema registry: \"schema\" is not a string");

    /* by id: fetched once, then cached. */
    script((reply_t[]){{200, "{\"schema\":\"\\\"int\\\"\"}", 0}}, 1);
    assert_int_equal(cd_schema_registry_schema_by_id(sr, 6, &text, errstr, ES), CD_SR_OK);
    assert_string_equal(text, "\"int\"");
    free(text);
    assert_int_equal(cd_schema_registry_schema_by_id(sr, 6, &text, errstr, ES), CD_SR_OK);
    free(text);
    assert_int_equal(served(), 1);

    /* Invalid UTF-8 schema text: refused locally. */
    assert_int_equal(cd_schema_registry_register(sr, "s", "\"\xff\"", false, &id, errstr, ES),
                     CD_SR_ERR_CONFIG);
    cd_schema_registry_destroy(sr);

    /* Failover: a closed port first, the live server second; USER_INFO auth. */
    snprintf(urls, sizeof(urls), "http://127.0.0.1:1,http://127.0.0.1:%d", port);
    sr = make((const char *[]){"schema.registry.url", urls, "max.retries", "1", "retries.wait.ms",
                               "1", "basic.auth.credentials.source", "USER_INFO",
                               "schema.registry.basic.auth.user.info", "bob:pw", NULL},
              errstr);
    assert_non_null(sr);
    script((reply_t[]){{200, "{\"id\":1}", 0}, {200, "{\"id\":2}", 0}}, 2);
    assert_int_equal(cd_schema_registry_register(sr, "f", S1, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 1);
    assert_string_equal(srv.auth, "Basic Ym9iOnB3");
    /* The client stays on the live URL. */
    assert_int_equal(cd_schema_registry_register(sr, "f", S2, false, &id, errstr, ES), CD_SR_OK);
    assert_int_equal(id, 2);
    cd_schema_registry_destroy(sr);

    /* Closed port only: transport error with the OS text. */
    sr = make((const char *[]){"schema.registry.url", "http://127.0.0.1:1", "max.retries", "1",
                               "retries.wait.ms", "1", NULL},
              errstr);
    assert_int_equal(cd_schema_registry_latest(sr, "s", &id, &version, &text, errstr, ES),
                     CD_SR_ERR_TRANSPORT);
    assert_non_null(strstr(errstr, "Connection refused"));
    assert_int_equal(cd_schema_registry_last_http_status(sr), 0);
    cd_schema_registry_destroy(sr);
    MHD_stop_daemon(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_errors), cmocka_unit_test(test_mock_registry),
        cmocka_unit_test(test_cache_bound),   cmocka_unit_test(test_url_helpers),
        cmocka_unit_test(test_parsers),       cmocka_unit_test(test_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
