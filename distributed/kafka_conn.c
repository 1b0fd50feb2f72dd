/*
 * kafka_conn.c: one blocking connection to a Kafka broker for the group
 * member (see kafka_protocol.h): non-blocking TCP with poll()-based
 * deadlines, optional TLS (OpenSSL; PEM trust/key stores, hostname
 * verification), ApiVersions negotiation (v3, v0 fallback) and SASL
 * (SaslHandshake v1 + SaslAuthenticate; PLAIN, SCRAM-SHA-256/512).
 * Not thread-safe: each thread uses its own connection.
 */
#include "distributed/kafka_protocol.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct cd_kconn_s {
    int fd;
    SSL_CTX *ctx;
    SSL *ssl;
    int32_t corr;
    char *client_id;
    char peer[300];
    cd_kversions_t versions;
};

void cd_ksecurity_clear(cd_ksecurity_t *s)
{
    if (s->sasl_password)
        OPENSSL_cleanse(s->sasl_password, strlen(s->sasl_password));
    free(s->sasl_mechanism);
    free(s->sasl_user);
    free(s->sasl_password);
    free(s->truststore_location);
    free(s->truststore_pem);
    free(s->keystore_location);
    free(s->keystore_key_pem);
    free(s->keystore_chain_pem);
    free(s->key_password);
    memset(s, 0, sizeof(*s));
}

static int64_t kc_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int kc_wait(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - kc_now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {.fd = fd, .events = events};
        int rc = poll(&pfd, 1, (int)(left > 1000000 ? 1000000 : left));
        if (rc < 0 && errno == EINTR)
            continue;
        return rc < 0 ? -1 : rc;
    }
}

/* ------------------------------------------------------------------ */
/* Raw I/O                                                             */
/* ------------------------------------------------------------------ */

static int kc_write_all(cd_kconn_t *c, const uint8_t *p, size_t n, int64_t deadline, char *errstr,
                        size_t errstr_size)
{
    while (n > 0) {
        ssize_t w;
        short ev = POLLOUT;
        if (c->ssl) {
            int r = SSL_write(c->ssl, p, n > 1 << 30 ? 1 << 30 : (int)n);
            if (r > 0) {
                w = r;
            } else {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ)
                    ev = POLLIN;
                else if (e != SSL_ERROR_WANT_WRITE)
                    goto io_err;
                w = -1;
            }
        } else {
            w = send(c->fd, p, n, MSG_NOSIGNAL);
            if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                goto io_err;
        }
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (kc_wait(c->fd, ev, deadline) <= 0) {
            snprintf(errstr, errstr_size, "Timed out writing to %s", c->peer);
            return CD_KCONN_RETRIABLE;
        }
    }
    return CD_KCONN_OK;
io_err:
    snprintf(errstr, errstr_size, "Connection to %s failed while writing: %s", c->peer,
             strerror(errno));
    return CD_KCONN_RETRIABLE;
}

static int kc_read_all(cd_kconn_t *c, uint8_t *p, size_t n, int64_t deadline, char *errstr,
                       size_t errstr_size)
{
    while (n > 0) {
        ssize_t got;
        short ev = POLLIN;
        if (c->ssl) {
            int r = SSL_read(c->ssl, p, n > 1 << 30 ? 1 << 30 : (int)n);
            if (r > 0) {
                got = r;
            } else {
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_WRITE)
                    ev = POLLOUT;
                else if (e != SSL_ERROR_WANT_READ)
                    goto closed;
                got = -1;
            }
        } else {
            got = recv(c->fd, p, n, 0);
            if (got == 0)
                goto closed;
            if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                goto closed;
        }
        if (got > 0) {
            p += got;
            n -= (size_t)got;
            continue;
        }
        if (kc_wait(c->fd, ev, deadline) <= 0) {
            snprintf(errstr, errstr_size, "Timed out waiting for a response from %s", c->peer);
            return CD_KCONN_RETRIABLE;
        }
    }
    return CD_KCONN_OK;
closed:
    snprintf(errstr, errstr_size, "Connection to %s was disconnected before the response was read",
             c->peer);
    return CD_KCONN_RETRIABLE;
}

int cd_kconn_request(cd_kconn_t *c, int16_t api_key, int16_t version, const cd_kbuf_t *body,
                     int timeout_ms, uint8_t **resp, size_t *resp_len, char *errstr,
                     size_t errstr_size)
{
    cd_kbuf_t frame = {0};
    int32_t corr = ++c->corr;
    int64_t deadline = kc_now_ms() + timeout_ms;
    int rc;
    uint8_t sz[4], *buf = NULL;

    *resp = NULL;
    *resp_len = 0;
    if (c->fd < 0) {
        snprintf(errstr, errstr_size, "Connection to %s is closed", c->peer);
        return CD_KCONN_RETRIABLE;
    }
    cd_kbuf_i32(&frame, 0);
    cd_kafka_request_header(&frame, api_key, version, corr, c->client_id);
    cd_kbuf_raw(&frame, body->data, body->len);
    if (frame.oom || body->oom) {
        cd_kbuf_free(&frame);
        snprintf(errstr, errstr_size, "Out of memory");
        return CD_KCONN_FATAL;
    }
    uint32_t flen = (uint32_t)(frame.len - 4);
    frame.data[0] = (uint8_t)(flen >> 24);
    frame.data[1] = (uint8_t)(flen >> 16);
    frame.data[2] = (uint8_t)(flen >> 8);
    frame.data[3] = (uint8_t)flen;
    rc = kc_write_all(c, frame.data, frame.len, deadline, errstr, errstr_size);
    cd_kbuf_free(&frame);
    if (rc)
        goto fail;
    rc = kc_read_all(c, sz, 4, deadline, errstr, errstr_size);
    if (rc)
        goto fail;
    uint32_t n = ((uint32_t)sz[0] << 24) | ((uint32_t)sz[1] << 16) | ((uint32_t)sz[2] << 8) | sz[3];
    if (n < 4 || n > CD_KAFKA_MAX_RESPONSE) {
        snprintf(errstr, errstr_size, "Invalid response size %u from %s", n, c->peer);
        rc = CD_KCONN_RETRIABLE;
        goto fail;
    }
    buf = malloc(n);
    if (!buf) {
        snprintf(errstr, errstr_size, "Out of memory");
        rc = CD_KCONN_FATAL;
        goto fail;
    }
    rc = kc_read_all(c, buf, n, deadline, errstr, errstr_size);
    if (rc)
        goto fail;
    cd_kreader_t r;
    cd_kreader_init(&r, buf, n);
    int32_t got = cd_kread_i32(&r);
    /* ApiVersions responses always use response header v0 */
    if (api_key != CD_KAPI_API_VERSIONS)
        cd_kread_tags(&r, cd_kafka_flexible(api_key, version));
    if (r.err || got != corr) {
        snprintf(errstr, errstr_size,
                 "Correlation id for response (%d) does not match request (%d) from %s", got, corr,
                 c->peer);
        rc = CD_KCONN_RETRIABLE;
        goto fail;
    }
    memmove(buf, buf + r.pos, n - r.pos);
    *resp = buf;
    *resp_len = n - r.pos;
    return CD_KCONN_OK;
fail:
    free(buf);
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* TLS                                                                 */
/* ------------------------------------------------------------------ */

static void kc_ssl_err(char *errstr, size_t errstr_size, const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256] = "";
    if (e)
        ERR_error_string_n(e, buf, sizeof(buf));
    snprintf(errstr, errstr_size, "%s%s%s", what, *buf ? ": " : "", buf);
    ERR_clear_error();
}

static int kc_pem_pass_cb(char *buf, int size, int rwflag, void *u)
{
    const char *p = u;
    if (!p)
        return 0;
    int n = (int)strlen(p);
    if (n > size)
        n = size;
    memcpy(buf, p, (size_t)n);
    return n;
}

static int kc_load_pem_certs(X509_STORE *store, const char *pem, char *errstr, size_t errstr_size)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    int count = 0;
    X509 *x;
    if (!bio)
        return -1;
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        X509_STORE_add_cert(store, x);
        X509_free(x);
        count++;
    }
    ERR_clear_error();
    BIO_free(bio);
    if (count == 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value for configuration ssl.truststore.certificates: no PEM "
                 "certificate found");
        return -1;
    }
    return 0;
}

static SSL_CTX *kc_ssl_ctx(const cd_ksecurity_t *sec, char *errstr, size_t errstr_size)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        kc_ssl_err(errstr, errstr_size, "Failed to create SSL context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (sec->truststore_location) {
        if (SSL_CTX_load_verify_locations(ctx, sec->truststore_location, NULL) != 1) {
            kc_ssl_err(errstr, errstr_size, "Failed to load SSL truststore");
            goto fail;
        }
    } else if (sec->truststore_pem) {
        if (kc_load_pem_certs(SSL_CTX_get_cert_store(ctx), sec->truststore_pem, errstr,
                              errstr_size))
            goto fail;
    } else {
        SSL_CTX_set_default_verify_paths(ctx);
    }
    if (sec->key_password) {
        SSL_CTX_set_default_passwd_cb(ctx, kc_pem_pass_cb);
        SSL_CTX_set_default_passwd_cb_userdata(ctx, sec->key_password);
    }
    if (sec->keystore_location) {
        if (SSL_CTX_use_certificate_chain_file(ctx, sec->keystore_location) != 1 ||
            SSL_CTX_use_PrivateKey_file(ctx, sec->keystore_location, SSL_FILETYPE_PEM) != 1) {
            kc_ssl_err(errstr, errstr_size, "Failed to load SSL keystore");
            goto fail;
        }
    } else if (sec->keystore_key_pem && sec->keystore_chain_pem) {
        BIO *cb = BIO_new_mem_buf(sec->keystore_chain_pem, -1);
        BIO *kb = BIO_new_mem_buf(sec->keystore_key_pem, -1);
        X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
        EVP_PKEY *key =
            kb ? PEM_read_bio_PrivateKey(kb, NULL, kc_pem_pass_cb, sec->key_password) : NULL;
        int ok = cert && key && SSL_CTX_use_certificate(ctx, cert) == 1 &&
                 SSL_CTX_use_PrivateKey(ctx, key) == 1;
        X509 *extra;
        while (ok && (extra = PEM_read_bio_X509(cb, NULL, NULL, NULL)) != NULL)
            if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1) {
                X509_free(extra);
                ok = 0;
            }
        X509_free(cert);
        EVP_PKEY_free(key);
        BIO_free(cb);
        BIO_free(kb);
        if (!ok) {
            kc_ssl_err(errstr, errstr_size, "Failed to load SSL keystore key/certificate chain");
            goto fail;
        }
        ERR_clear_error();
    }
    return ctx;
fail:
    SSL_CTX_free(ctx);
    return NULL;
}

static int kc_tls_handshake(cd_kconn_t *c, const char *host, const cd_ksecurity_t *sec,
                            int64_t deadline, char *errstr, size_t errstr_size)
{
    c->ctx = kc_ssl_ctx(sec, errstr, errstr_size);
    if (!c->ctx)
        return CD_KCONN_FATAL;
    c->ssl = SSL_new(c->ctx);
    if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
        kc_ssl_err(errstr, errstr_size, "Failed to create SSL connection");
        return CD_KCONN_FATAL;
    }
    SSL_set_tlsext_host_name(c->ssl, host);
    if (sec->verify_hostname) {
        SSL_set_hostflags(c->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (SSL_set1_host(c->ssl, host) != 1) {
            kc_ssl_err(errstr, errstr_size, "Failed to set the expected host name");
            return CD_KCONN_FATAL;
        }
    }
    for (;;) {
        int r = SSL_connect(c->ssl);
        if (r == 1)
            return CD_KCONN_OK;
        int e = SSL_get_error(c->ssl, r);
        short ev;
        if (e == SSL_ERROR_WANT_READ)
            ev = POLLIN;
        else if (e == SSL_ERROR_WANT_WRITE)
            ev = POLLOUT;
        else {
            long v = SSL_get_verify_result(c->ssl);
            if (v != X509_V_OK) {
                snprintf(errstr, errstr_size, "SSL handshake failed: %s",
                         X509_verify_cert_error_string(v));
                ERR_clear_error();
                return CD_KCONN_FATAL;
            }
            kc_ssl_err(errstr, errstr_size, "SSL handshake failed");
            return e == SSL_ERROR_SSL ? CD_KCONN_FATAL : CD_KCONN_RETRIABLE;
        }
        if (kc_wait(c->fd, ev, deadline) <= 0) {
            snprintf(errstr, errstr_size, "Timed out during the SSL handshake with %s", c->peer);
            return CD_KCONN_RETRIABLE;
        }
    }
}

/* ------------------------------------------------------------------ */
/* ApiVersions and SASL                                                */
/* ------------------------------------------------------------------ */

static int kc_api_versions(cd_kconn_t *c, int64_t deadline, char *errstr, size_t errstr_size)
{
    int16_t version = 3;
    for (int attempt = 0; attempt < 2; attempt++) {
        cd_kbuf_t body = {0};
        uint8_t *resp;
        size_t len;
        int16_t err;
        cd_kafka_api_versions_request(&body, version);
        int rc = cd_kconn_request(c, CD_KAPI_API_VERSIONS, version, &body,
                                  (int)(deadline - kc_now_ms()), &resp, &len, errstr, errstr_size);
        cd_kbuf_free(&body);
        if (rc)
            return rc;
        rc = cd_kafka_api_versions_response(resp, len, version, &err, &c->versions);
        free(resp);
        if (rc) {
            snprintf(errstr, errstr_size, "Malformed ApiVersions response from %s", c->peer);
            return CD_KCONN_RETRIABLE;
        }
        if (err == CD_KERR_UNSUPPORTED_VERSION && version != 0) {
            /* KIP-511: the broker lists its ApiVersions range; retry with v0 (or its max). */
            int16_t mx = c->versions.max[CD_KAPI_API_VERSIONS];
            version = (mx >= 0 && mx < 3) ? mx : 0;
            continue;
        }
        if (err) {
            snprintf(errstr, errstr_size, "ApiVersions failed on %s: %s", c->peer,
                     cd_kafka_error_message(err));
            return CD_KCONN_RETRIABLE;
        }
        return CD_KCONN_OK;
    }
    snprintf(errstr, errstr_size, "The broker %s does not support ApiVersions", c->peer);
    return CD_KCONN_FATAL;
}

static int kc_sasl_step(cd_kconn_t *c, const uint8_t *out, size_t out_len, uint8_t **in,
                        size_t *in_len, int64_t deadline, char *errstr, size_t errstr_size)
{
    int16_t v = cd_kversions_pick(&c->versions, CD_KAPI_SASL_AUTHENTICATE);
    bool flex;
    cd_kbuf_t body = {0};
    uint8_t *resp;
    size_t len;
    if (v < 0) {
        snprintf(errstr, errstr_size, "The broker %s does not support SaslAuthenticate", c->peer);
        return CD_KCONN_FATAL;
    }
    flex = cd_kafka_flexible(CD_KAPI_SASL_AUTHENTICATE, v);
    cd_kbuf_bytes(&body, flex, out, out_len);
    cd_kbuf_tags(&body, flex);
    int rc = cd_kconn_request(c, CD_KAPI_SASL_AUTHENTICATE, v, &body, (int)(deadline - kc_now_ms()),
                              &resp, &len, errstr, errstr_size);
    cd_kbuf_free(&body);
    if (rc)
        return rc;
    cd_kreader_t r;
    cd_kreader_init(&r, resp, len);
    int16_t err = cd_kread_i16(&r);
    cd_kstr_t msg = cd_kread_str(&r, flex);
    cd_kstr_t bytes = cd_kread_bytes(&r, flex);
    if (r.err) {
        free(resp);
        snprintf(errstr, errstr_size, "Malformed SaslAuthenticate response from %s", c->peer);
        return CD_KCONN_FATAL;
    }
    if (err) {
        if (msg.len > 0)
            snprintf(errstr, errstr_size, "%.*s", (int)(msg.len > 1000 ? 1000 : msg.len), msg.p);
        else
            snprintf(errstr, errstr_size, "%s", cd_kafka_error_message(err));
        free(resp);
        return CD_KCONN_FATAL;
    }
    size_t n = bytes.len > 0 ? (size_t)bytes.len : 0;
    *in = malloc(n + 1);
    if (!*in) {
        free(resp);
        return CD_KCONN_FATAL;
    }
    if (n)
        memcpy(*in, bytes.p, n);
    (*in)[n] = 0;
    *in_len = n;
    free(resp);
    return CD_KCONN_OK;
}

static int kc_sasl(cd_kconn_t *c, const cd_ksecurity_t *sec, int64_t deadline, char *errstr,
                   size_t errstr_size)
{
    const char *mech = sec->sasl_mechanism ? sec->sasl_mechanism : "GSSAPI";
    int scram = strcmp(mech, "SCRAM-SHA-256") == 0   ? 256
                : strcmp(mech, "SCRAM-SHA-512") == 0 ? 512
                                                     : 0;
    if (strcmp(mech, "PLAIN") != 0 && !scram) {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration sasl.mechanism: connectd's group client "
                 "supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512",
                 mech);
        return CD_KCONN_FATAL;
    }
    if (!sec->sasl_user || !sec->sasl_password) {
        snprintf(errstr, errstr_size,
                 "Could not find a 'KafkaClient' entry in the JAAS configuration. System "
                 "property 'java.security.auth.login.config' is not set");
        return CD_KCONN_FATAL;
    }
    /* SaslHandshake v1 */
    cd_kbuf_t body = {0};
    uint8_t *resp, *in = NULL;
    size_t len, in_len;
    cd_kbuf_str(&body, false, mech);
    int rc = cd_kconn_request(c, CD_KAPI_SASL_HANDSHAKE, 1, &body, (int)(deadline - kc_now_ms()),
                              &resp, &len, errstr, errstr_size);
    cd_kbuf_free(&body);
    if (rc)
        return rc;
    cd_kreader_t r;
    cd_kreader_init(&r, resp, len);
    int16_t err = cd_kread_i16(&r);
    free(resp);
    if (r.err) {
        snprintf(errstr, errstr_size, "Malformed SaslHandshake response from %s", c->peer);
        return CD_KCONN_FATAL;
    }
    if (err == CD_KERR_UNSUPPORTED_SASL_MECHANISM) {
        snprintf(errstr, errstr_size,
                 "Client SASL mechanism '%s' not enabled in the server, enabled mechanisms are "
                 "not known to connectd",
                 mech);
        return CD_KCONN_FATAL;
    }
    if (err) {
        snprintf(errstr, errstr_size, "SaslHandshake failed: %s", cd_kafka_error_message(err));
        return CD_KCONN_FATAL;
    }
    if (!scram) {
        size_t ul = strlen(sec->sasl_user), pl = strlen(sec->sasl_password);
        uint8_t *msg = malloc(ul + pl + 2);
        if (!msg)
            return CD_KCONN_FATAL;
        msg[0] = 0;
        memcpy(msg + 1, sec->sasl_user, ul);
        msg[ul + 1] = 0;
        memcpy(msg + ul + 2, sec->sasl_password, pl);
        rc = kc_sasl_step(c, msg, ul + pl + 2, &in, &in_len, deadline, errstr, errstr_size);
        OPENSSL_cleanse(msg, ul + pl + 2);
        free(msg);
        free(in);
        return rc;
    }
    cd_scram_t s;
    char *first = NULL, *final = NULL;
    rc = CD_KCONN_FATAL;
    if (cd_scram_client_first(&s, scram, sec->sasl_user, sec->sasl_password, NULL, &first))
        goto scram_done;
    rc = kc_sasl_step(c, (uint8_t *)first, strlen(first), &in, &in_len, deadline, errstr,
                      errstr_size);
    if (rc)
        goto scram_done;
    rc = CD_KCONN_FATAL;
    if (cd_scram_client_final(&s, (char *)in, in_len, &final, errstr, errstr_size))
        goto scram_done;
    free(in);
    in = NULL;
    rc = kc_sasl_step(c, (uint8_t *) final, strlen(final), &in, &in_len, deadline, errstr,
                      errstr_size);
    if (rc)
        goto scram_done;
    rc = cd_scram_verify_server_final(&s, (char *)in, in_len, errstr, errstr_size) ? CD_KCONN_FATAL
                                                                                   : CD_KCONN_OK;
scram_done:
    free(first);
    free(final);
    free(in);
    cd_scram_clear(&s);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Open / close                                                        */
/* ------------------------------------------------------------------ */

static int kc_tcp_connect(cd_kconn_t *c, const char *host, int port, int64_t deadline, char *errstr,
                          size_t errstr_size)
{
    struct addrinfo hints, *res = NULL;
    char portstr[16];
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", port);
    int g = getaddrinfo(host, portstr, &hints, &res);
    if (g != 0) {
        snprintf(errstr, errstr_size, "Couldn't resolve server %s from bootstrap.servers: %s",
                 c->peer, gai_strerror(g));
        return CD_KCONN_RETRIABLE;
    }
    int err = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS) {
            if (kc_wait(fd, POLLOUT, deadline) > 0) {
                socklen_t sl = sizeof(err);
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) == 0 && err == 0) {
                    c->fd = fd;
                    freeaddrinfo(res);
                    return CD_KCONN_OK;
                }
            } else {
                err = ETIMEDOUT;
            }
        } else {
            err = errno;
        }
        close(fd);
    }
    freeaddrinfo(res);
    snprintf(errstr, errstr_size, "Connection to %s failed: %s", c->peer, strerror(err));
    return CD_KCONN_RETRIABLE;
}

cd_kconn_t *cd_kconn_open(const char *host, int port, const cd_ksecurity_t *sec,
                          const char *client_id, int timeout_ms, int *rc, char *errstr,
                          size_t errstr_size)
{
    cd_kconn_t *c = calloc(1, sizeof(*c));
    int64_t deadline = kc_now_ms() + timeout_ms;
    *rc = CD_KCONN_FATAL;
    if (!c)
        return NULL;
    c->fd = -1;
    c->client_id = strdup(client_id ? client_id : "");
    snprintf(c->peer, sizeof(c->peer), "%s:%d", host, port);
    if (!c->client_id)
        goto fail;
    *rc = kc_tcp_connect(c, host, port, deadline, errstr, errstr_size);
    if (*rc)
        goto fail;
    if (sec->ssl) {
        *rc = kc_tls_handshake(c, host, sec, deadline, errstr, errstr_size);
        if (*rc)
            goto fail;
    }
    *rc = kc_api_versions(c, deadline, errstr, errstr_size);
    if (*rc)
        goto fail;
    if (sec->sasl) {
        *rc = kc_sasl(c, sec, deadline, errstr, errstr_size);
        if (*rc)
            goto fail;
    }
    return c;
fail:
    cd_kconn_close(c);
    return NULL;
}

void cd_kconn_close(cd_kconn_t *c)
{
    if (!c)
        return;
    if (c->ssl) {
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
    }
    if (c->ctx)
        SSL_CTX_free(c->ctx);
    if (c->fd >= 0)
        close(c->fd);
    free(c->client_id);
    free(c);
}

const cd_kversions_t *cd_kconn_versions(const cd_kconn_t *c)
{
    return &c->versions;
}

const char *cd_kconn_peer(const cd_kconn_t *c)
{
    return c->peer;
}
