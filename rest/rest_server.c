/* rest_server.c: the REST listeners on libmicrohttpd. One daemon per
 * listener (thread per connection, as herder calls block up to the REST
 * timeout and a forwarded request blocks its thread until the target answers;
 * a request forwarded to this worker itself is served on another thread), https through GnuTLS with
 * in-memory PEM key and certificate, request bodies collected up to a cap (413 without reading the
 * rest), and the raw path kept percent-encoded so the router can apply Jetty's rules. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "rest_internal.h"

#if MHD_VERSION < 0x00097002
typedef int MHD_Result_t;
#else
typedef enum MHD_Result MHD_Result_t;
#endif

typedef struct listener_s {
    struct MHD_Daemon *daemon;
    struct cd_rest_server_s *server;
    bool https, regular, admin;
    int port;
} listener_t;

struct cd_rest_server_s {
    listener_t *listeners;
    size_t n;
    _Atomic(cd_herder_t *) herder;
    bool topic_tracking_enable, topic_tracking_allow_reset;
    size_t max_body;
    const cd_worker_config_t *wc;
};

typedef struct conn_s {
    char *body;
    size_t len, cap;
    bool too_large;
} conn_t;

/* Keep the path and query raw: the router decodes them segment by segment. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    return strlen(s);
}

typedef struct params_s {
    cd_rest_param_t p[CD_REST_MAX_PARAMS];
    size_t n;
} params_t;

static MHD_Result_t collect_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    params_t *ps = cls;

    if (ps->n < CD_REST_MAX_PARAMS) {
        ps->p[ps->n].key = key;
        ps->p[ps->n].value = value;
        ps->n++;
    }
    return MHD_YES;
}

static MHD_Result_t send_response(struct MHD_Connection *c, cd_rest_response_t *r)
{
    struct MHD_Response *mr;
    MHD_Result_t ret;
    size_t len = r->body ? strlen(r->body) : 0;

    mr = MHD_create_response_from_buffer(len, r->body ? r->body : "", MHD_RESPMEM_MUST_COPY);
    if (!mr)
        return MHD_NO;
    if (r->body)
        MHD_add_response_header(mr, "Content-Type",
                                r->content_type ? r->content_type : "application/json");
    if (r->location)
        MHD_add_response_header(mr, "Location", r->location);
    ret = MHD_queue_response(c, (unsigned int)r->status, mr);
    MHD_destroy_response(mr);
    return ret;
}

static MHD_Result_t on_request(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    listener_t *l = cls;
    cd_rest_server_t *s = l->server;
    conn_t *cc = *con_cls;
    cd_rest_response_t resp = {0};
    MHD_Result_t ret;

    if (!cc) {
        const char *clen = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        cc = calloc(1, sizeof(*cc));
        if (!cc)
            return MHD_NO;
        *con_cls = cc;
        if (clen && strtoull(clen, NULL, 10) > s->max_body)
            cc->too_large = true;
        else
            return MHD_YES;
    }
    if (*upload_size > 0 && !cc->too_large) {
        if (cc->len + *upload_size > s->max_body) {
            cc->too_large = true;
        } else {
            if (cc->len + *upload_size + 1 > cc->cap) {
                size_t cap = (cc->len + *upload_size + 1) * 2;
                char *nb;
                if (cap > s->max_body + 1)
                    cap = s->max_body + 1;
                nb = realloc(cc->body, cap);
                if (!nb)
                    return MHD_NO;
                cc->body = nb;
                cc->cap = cap;
            }
            memcpy(cc->body + cc->len, upload, *upload_size);
            cc->len += *upload_size;
            cc->body[cc->len] = '\0';
            *upload_size = 0;
            return MHD_YES;
        }
    }
    if (cc->too_large) {
        /* answer now; MHD closes the connection instead of reading the rest */
        cd_rest_error(&resp, 413, "Request body is larger than %zu bytes", s->max_body);
    } else {
        params_t ps = {.n = 0};
        cd_rest_ctx_t ctx = {
            .herder = atomic_load(&s->herder),
            .regular = l->regular,
            .admin = l->admin,
            .topic_tracking_enable = s->topic_tracking_enable,
            .topic_tracking_allow_reset = s->topic_tracking_allow_reset,
            .wc = s->wc,
        };
        char base[300];
        const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
        cd_rest_request_t req = {
            .method = method,
            .path = url,
            .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
            .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
            .body = cc->body,
            .body_len = cc->len,
            .base_url = NULL,
            .authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
            .sig_algorithm = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         "X-Connect-Request-Signature-Algorithm"),
            .sig_signature =
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Connect-Authorization"),
        };
        if (host && strlen(host) < 256 && !strpbrk(host, " \r\n/")) {
            snprintf(base, sizeof(base), "%s://%s", l->https ? "https" : "http", host);
            req.base_url = base;
        }
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, &ps);
        req.params = ps.p;
        req.nparams = ps.n;
        cd_rest_handle(&ctx, &req, &resp);
    }
    *upload_size = 0;
    ret = send_response(c, &resp);
    cd_rest_response_clear(&resp);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    conn_t *cc = *con_cls;

    if (cc) {
        free(cc->body);
        free(cc);
        *con_cls = NULL;
    }
}

static int start_listener(cd_rest_server_t *s, listener_t *l, const cd_rest_listener_spec_t *spec,
                          const cd_rest_server_opts_t *opts, char *errstr, size_t errstr_size)
{
    struct sockaddr_storage ss;
    unsigned int flags =
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ITC;
    struct MHD_OptionItem o[12];
    size_t k = 0;
    const char *host = spec->host && *spec->host ? spec->host : NULL;
    const union MHD_DaemonInfo *info;

    memset(&ss, 0, sizeof(ss));
    l->server = s;
    l->https = spec->https;
    l->regular = spec->regular;
    l->admin = spec->admin;
    if (spec->port < 0 || spec->port > 65535) {
        snprintf(errstr, errstr_size, "Invalid port %d", spec->port);
        return -1;
    }
    if (host) {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
        struct addrinfo *res = NULL;
        int rc = getaddrinfo(host, NULL, &hints, &res);
        if (rc != 0 || !res) {
            snprintf(errstr, errstr_size, "Could not resolve listener host %s: %s", host,
                     gai_strerror(rc));
            return -1;
        }
        memcpy(&ss, res->ai_addr, res->ai_addrlen);
        if (res->ai_family == AF_INET6) {
            ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)spec->port);
            flags |= MHD_USE_IPv6;
        } else {
            ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)spec->port);
        }
        freeaddrinfo(res);
        o[k++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
    } else {
        flags |= MHD_USE_DUAL_STACK;
    }
    if (spec->https) {
        if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
            snprintf(errstr, errstr_size, "This libmicrohttpd was built without TLS support");
            return -1;
        }
        if (!opts->tls_cert_pem || !opts->tls_key_pem) {
            snprintf(errstr, errstr_size,
                     "An https listener needs listeners.https.ssl.keystore.* (a PEM key and "
                     "certificate chain)");
            return -1;
        }
        flags |= MHD_USE_TLS;
        o[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)opts->tls_key_pem};
        o[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)opts->tls_cert_pem};
        if (opts->tls_key_password)
            o[k++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_KEY_PASSWORD, 0,
                                             (void *)opts->tls_key_password};
    }
    o[k++] = (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)no_unescape, NULL};
    o[k++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
    o[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT, 128, NULL};
    o[k++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT, 120, NULL};
    o[k++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    l->daemon = MHD_start_daemon(flags, (uint16_t)spec->port, NULL, NULL, on_request, l,
                                 MHD_OPTION_ARRAY, o, MHD_OPTION_END);
    if (!l->daemon) {
        snprintf(errstr, errstr_size, "Unable to start the REST server on %s://%s:%d%s",
                 spec->https ? "https" : "http", host ? host : "", spec->port,
                 spec->https ? " (check the TLS key and certificate)" : " (port in use?)");
        return -1;
    }
    info = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_BIND_PORT);
    l->port = info ? info->port : spec->port;
    return 0;
}

cd_rest_server_t *cd_rest_server_start_opts(const cd_rest_server_opts_t *opts, char *errstr,
                                            size_t errstr_size)
{
    cd_rest_server_t *s = calloc(1, sizeof(*s));

    if (!s)
        goto oom;
    s->listeners = calloc(opts->nlisteners ? opts->nlisteners : 1, sizeof(*s->listeners));
    if (!s->listeners)
        goto oom;
    s->topic_tracking_enable = opts->topic_tracking_enable;
    s->topic_tracking_allow_reset = opts->topic_tracking_allow_reset;
    s->max_body = opts->max_body ? opts->max_body : CD_REST_MAX_BODY;
    s->wc = opts->wc;
    atomic_store(&s->herder, NULL);
    for (size_t i = 0; i < opts->nlisteners; i++) {
        if (start_listener(s, &s->listeners[i], &opts->listeners[i], opts, errstr, errstr_size))
            goto fail;
        s->n++;
    }
    return s;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    cd_rest_server_stop(s);
    return NULL;
}

void cd_rest_server_set_herder(cd_rest_server_t *server, cd_herder_t *herder)
{
    atomic_store(&server->herder, herder);
}

int cd_rest_server_port(const cd_rest_server_t *server)
{
    for (size_t i = 0; i < server->n; i++)
        if (server->listeners[i].regular)
            return server->listeners[i].port;
    return server->n ? server->listeners[0].port : -1;
}

int cd_rest_server_listener_port(const cd_rest_server_t *server, size_t i)
{
    return i < server->n ? server->listeners[i].port : -1;
}

void cd_rest_server_stop(cd_rest_server_t *server)
{
    if (!server)
        return;
    for (size_t i = 0; i < server->n; i++)
        MHD_stop_daemon(server->listeners[i].daemon);
    free(server->listeners);
    free(server);
}
