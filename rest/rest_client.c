/* rest_client.c: worker-to-worker HTTP (Java's RestClient) on libcurl and the
 * KIP-507 request signatures (InternalRequestSignature) on OpenSSL.
 *
 * A request carries Accept: application/json and User-Agent: kafka-connect,
 * a JSON body with Content-Type: application/json when there is one, the
 * caller's Authorization header (the only header Java copies), and, when
 * signing material is given, X-Connect-Authorization (Base64 HMAC of the exact
 * body bytes, of empty input without a body) and
 * X-Connect-Request-Signature-Algorithm. Redirects are not followed; the
 * response body is capped. https trusts the worker's
 * listeners.https.ssl.truststore.* (all or nothing, as SSLUtils) or
 * ssl.truststore.* given as PEM. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../util/properties.h"
#include "rest_client.h"

/** Largest response body kept (a bigger one fails the request). */
#define CD_REST_CLIENT_MAX_BODY ((size_t)32 * 1024 * 1024)

void cd_rest_client_response_clear(cd_rest_client_response_t *r)
{
    if (!r)
        return;
    free(r->body);
    free(r->location);
    memset(r, 0, sizeof(*r));
}

/* ---- HMAC (Java's Mac names; Mac.getInstance matches them case-insensitively) ---- */

static const EVP_MD *hmac_md(const char *algorithm)
{
    static const struct {
        const char *java;
        const EVP_MD *(*md)(void);
    } algs[] = {
        {"HmacSHA1", EVP_sha1},
        {"HmacSHA224", EVP_sha224},
        {"HmacSHA256", EVP_sha256},
        {"HmacSHA384", EVP_sha384},
        {"HmacSHA512", EVP_sha512},
        {"HmacSHA512/224", EVP_sha512_224},
        {"HmacSHA512/256", EVP_sha512_256},
        {"HmacMD5", EVP_md5},
        {"HmacSHA3-224", EVP_sha3_224},
        {"HmacSHA3-256", EVP_sha3_256},
        {"HmacSHA3-384", EVP_sha3_384},
        {"HmacSHA3-512", EVP_sha3_512},
    };

    if (!algorithm)
        return NULL;
    for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
        if (strcasecmp(algorithm, algs[i].java) == 0)
            return algs[i].md();
    return NULL;
}

bool cd_internal_request_algorithm_supported(const char *algorithm)
{
    return hmac_md(algorithm) != NULL;
}

size_t cd_internal_request_default_key_size(const char *algorithm)
{
    /* KeyGenerator.getInstance(alg).generateKey().getEncoded().length on JDK 17:
     * HmacSHA1 64, HmacSHA224 28, HmacSHA256 32, HmacSHA384 48, HmacSHA512 64, HmacMD5 64 */
    static const struct {
        const char *java;
        size_t size;
    } sizes[] = {
        {"HmacSHA1", 64},   {"HmacSHA224", 28}, {"HmacSHA256", 32},
        {"HmacSHA384", 48}, {"HmacSHA512", 64}, {"HmacMD5", 64},
    };

    if (!algorithm)
        return 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        if (strcasecmp(algorithm, sizes[i].java) == 0)
            return sizes[i].size;
    return 0;
}

static int hmac_raw(const char *algorithm, const uint8_t *key, size_t key_len, const uint8_t *data,
                    size_t data_len, uint8_t *out, unsigned int *out_len)
{
    static const uint8_t empty[1] = {0};
    const EVP_MD *md = hmac_md(algorithm);

    if (!md || key_len > INT32_MAX)
        return -1;
    if (!HMAC(md, key_len ? key : empty, (int)key_len, data_len ? data : empty, data_len, out,
              out_len))
        return -1;
    return 0;
}

char *cd_internal_request_sign(const char *algorithm, const uint8_t *key, size_t key_len,
                               const uint8_t *data, size_t data_len)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    char *out;

    if (hmac_raw(algorithm, key, key_len, data, data_len, mac, &mac_len) != 0)
        return NULL;
    out = malloc(((size_t)mac_len + 2) / 3 * 4 + 1);
    if (!out)
        return NULL;
    EVP_EncodeBlock((unsigned char *)out, mac, (int)mac_len);
    return out;
}

/* java.util.Base64.getDecoder().decode(String): the basic alphabet, padding
 * optional, with Java's IllegalArgumentException texts. */
uint8_t *cd_internal_request_b64_decode(const char *s, size_t *out_len, char *errstr,
                                        size_t errstr_size)
{
    size_t len = strlen(s), sp = 0, dp = 0;
    uint8_t *dst = malloc(len / 4 * 3 + 3);
    uint32_t bits = 0;
    int shiftto = 18;

    if (!dst) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    while (sp < len) {
        unsigned char c = (unsigned char)s[sp++];
        int b;
        if (c >= 'A' && c <= 'Z')
            b = c - 'A';
        else if (c >= 'a' && c <= 'z')
            b = c - 'a' + 26;
        else if (c >= '0' && c <= '9')
            b = c - '0' + 52;
        else if (c == '+')
            b = 62;
        else if (c == '/')
            b = 63;
        else if (c == '=') {
            if ((shiftto == 6 && (sp == len || s[sp++] != '=')) || shiftto == 18) {
                snprintf(errstr, errstr_size, "Input byte array has wrong 4-byte ending unit");
                goto fail;
            }
            break;
        } else {
            /* Integer.toString(byte, 16) of the signed byte */
            snprintf(errstr, errstr_size, "Illegal base64 character %s%x", c >= 0x80 ? "-" : "",
                     c >= 0x80 ? 256u - c : c);
            goto fail;
        }
        bits |= (uint32_t)b << shiftto;
        shiftto -= 6;
        if (shiftto < 0) {
            dst[dp++] = (uint8_t)(bits >> 16);
            dst[dp++] = (uint8_t)(bits >> 8);
            dst[dp++] = (uint8_t)bits;
            shiftto = 18;
            bits = 0;
        }
    }
    if (shiftto == 6) {
        dst[dp++] = (uint8_t)(bits >> 16);
    } else if (shiftto == 0) {
        dst[dp++] = (uint8_t)(bits >> 16);
        dst[dp++] = (uint8_t)(bits >> 8);
    } else if (shiftto == 12) {
        snprintf(errstr, errstr_size, "Last unit does not have enough valid bits");
        goto fail;
    }
    if (sp < len) {
        snprintf(errstr, errstr_size, "Input byte array has incorrect ending byte at %zu", sp + 1);
        goto fail;
    }
    *out_len = dp;
    return dst;
fail:
    free(dst);
    return NULL;
}

bool cd_internal_request_verify(const char *algorithm, const uint8_t *key, size_t key_len,
                                const uint8_t *data, size_t data_len, const char *signature_b64)
{
    uint8_t mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    uint8_t *sig;
    size_t sig_len = 0;
    char err[128];
    bool ok;

    if (!signature_b64 || hmac_raw(algorithm, key, key_len, data, data_len, mac, &mac_len) != 0)
        return false;
    sig = cd_internal_request_b64_decode(signature_b64, &sig_len, err, sizeof(err));
    if (!sig)
        return false;
    /* MessageDigest.isEqual: lengths compared first, then constant time */
    ok = sig_len == mac_len && CRYPTO_memcmp(sig, mac, mac_len) == 0;
    free(sig);
    return ok;
}

/* ---- HTTP ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

typedef struct sink_s {
    char *buf;
    size_t len, cap;
    bool too_large;
} sink_t;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink_t *s = ud;
    size_t n = size * nmemb;

    if (s->len + n > CD_REST_CLIENT_MAX_BODY) {
        s->too_large = true;
        return 0; /* aborts the transfer */
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = (s->len + n + 1) * 2;
        char *nb;
        if (cap > CD_REST_CLIENT_MAX_BODY + 1)
            cap = CD_REST_CLIENT_MAX_BODY + 1;
        nb = realloc(s->buf, cap);
        if (!nb)
            return 0;
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, ptr, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    cd_rest_client_response_t *out = ud;
    size_t n = size * nmemb;

    if (n > 9 && strncasecmp(ptr, "Location:", 9) == 0 && n < 8192) {
        size_t b = 9, e = n;
        while (b < e && (ptr[b] == ' ' || ptr[b] == '\t'))
            b++;
        while (e > b && (ptr[e - 1] == '\r' || ptr[e - 1] == '\n' || ptr[e - 1] == ' '))
            e--;
        free(out->location);
        out->location = strndup(ptr + b, e - b);
    }
    return n;
}

/* SSLUtils: the listeners.https. prefixed settings when any is set, else the plain ones. */
static const char *ssl_setting(const cd_properties_t *p, bool prefixed, const char *key)
{
    char full[160];

    if (!prefixed)
        return cd_properties_get(p, key);
    snprintf(full, sizeof(full), "listeners.https.%s", key);
    return cd_properties_get(p, full);
}

static int apply_tls(CURL *c, const cd_worker_config_t *wc, char *errstr, size_t errstr_size)
{
    const cd_properties_t *p;
    bool prefixed = false;
    const char *v;

    if (!wc)
        return 0;
    p = cd_config_originals(cd_worker_config_values(wc));
    if (!p)
        return 0;
    for (size_t i = 0; i < cd_properties_count(p); i++)
        if (strncmp(cd_properties_key_at(p, i), "listeners.https.", 16) == 0)
            prefixed = true;
    v = ssl_setting(p, prefixed, "ssl.truststore.type");
    if (v && strcasecmp(v, "PEM") != 0 &&
        (ssl_setting(p, prefixed, "ssl.truststore.location") ||
         ssl_setting(p, prefixed, "ssl.truststore.certificates"))) {
        snprintf(errstr, errstr_size,
                 "ssl.truststore.type %s is not supported for worker-to-worker requests; use PEM",
                 v);
        return -1;
    }
    if ((v = ssl_setting(p, prefixed, "ssl.truststore.certificates"))) {
        struct curl_blob blob = {.data = (void *)v, .len = strlen(v), .flags = CURL_BLOB_COPY};
        curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
    } else if ((v = ssl_setting(p, prefixed, "ssl.truststore.location"))) {
        curl_easy_setopt(c, CURLOPT_CAINFO, v);
    }
    /* client authentication when the keystore is PEM */
    v = ssl_setting(p, prefixed, "ssl.keystore.type");
    if (v && strcasecmp(v, "PEM") == 0) {
        const char *loc = ssl_setting(p, prefixed, "ssl.keystore.location");
        const char *chain = ssl_setting(p, prefixed, "ssl.keystore.certificate.chain");
        const char *key = ssl_setting(p, prefixed, "ssl.keystore.key");
        const char *pw = ssl_setting(p, prefixed, "ssl.key.password");
        if (chain && key) {
            struct curl_blob cb = {
                .data = (void *)chain, .len = strlen(chain), .flags = CURL_BLOB_COPY};
            struct curl_blob kb = {
                .data = (void *)key, .len = strlen(key), .flags = CURL_BLOB_COPY};
            curl_easy_setopt(c, CURLOPT_SSLCERT_BLOB, &cb);
            curl_easy_setopt(c, CURLOPT_SSLKEY_BLOB, &kb);
        } else if (loc) {
            curl_easy_setopt(c, CURLOPT_SSLCERT, loc);
            curl_easy_setopt(c, CURLOPT_SSLKEY, loc);
        }
        if (pw)
            curl_easy_setopt(c, CURLOPT_KEYPASSWD, pw);
    }
    /* ssl.endpoint.identification.algorithm (default https); empty = no host check */
    v = ssl_setting(p, prefixed, "ssl.endpoint.identification.algorithm");
    if (v && !*v)
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    return 0;
}

static struct curl_slist *add_header(struct curl_slist *h, const char *name, const char *value,
                                     bool *ok)
{
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    struct curl_slist *nh;

    if (!line) {
        *ok = false;
        return h;
    }
    snprintf(line, n, "%s: %s", name, value);
    nh = curl_slist_append(h, line);
    free(line);
    if (!nh) {
        *ok = false;
        return h;
    }
    return nh;
}

static bool header_value_ok(const char *v)
{
    for (; *v; v++)
        if (*v == '\r' || *v == '\n')
            return false;
    return true;
}

int cd_rest_client_request(const cd_worker_config_t *wc, const char *method, const char *url,
                           const char *body, size_t body_len, const char *authorization,
                           const cd_rest_client_signing_t *signing, int64_t timeout_ms,
                           cd_rest_client_response_t *out, char *errstr, size_t errstr_size)
{
    CURL *c = NULL;
    struct curl_slist *hdrs = NULL;
    sink_t sink = {0};
    char curl_err[CURL_ERROR_SIZE] = "";
    char *sig = NULL;
    bool ok = true;
    CURLcode rc;
    long status = 0;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) {
        snprintf(errstr, errstr_size, "Unsupported URL %s", url);
        return -1;
    }
    pthread_once(&curl_once, curl_init_once);
    c = curl_easy_init();
    if (!c) {
        snprintf(errstr, errstr_size, "Failed to start RestClient: curl_easy_init failed");
        return -1;
    }
    hdrs = add_header(hdrs, "Accept", "application/json", &ok);
    hdrs = add_header(hdrs, "User-Agent", "kafka-connect", &ok);
    hdrs = add_header(hdrs, "Expect", "", &ok); /* no 100-continue round trip */
    if (body)
        hdrs = add_header(hdrs, "Content-Type", "application/json", &ok);
    else
        hdrs = add_header(hdrs, "Content-Type", "", &ok); /* none (curl adds one for POST) */
    if (authorization && header_value_ok(authorization))
        hdrs = add_header(hdrs, "Authorization", authorization, &ok);
    if (signing && signing->key && signing->algorithm) {
        sig = cd_internal_request_sign(signing->algorithm, signing->key, signing->key_len,
                                       (const uint8_t *)body, body ? body_len : 0);
        if (!sig || !header_value_ok(signing->algorithm)) {
            snprintf(errstr, errstr_size,
                     "java.security.NoSuchAlgorithmException: Algorithm %s "
                     "not available",
                     signing->algorithm);
            goto done;
        }
        hdrs = add_header(hdrs, "X-Connect-Authorization", sig, &ok);
        hdrs = add_header(hdrs, "X-Connect-Request-Signature-Algorithm", signing->algorithm, &ok);
    }
    if (!ok) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto done;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    if (timeout_ms > 0) {
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                         (long)(timeout_ms < 30000 ? timeout_ms : 30000));
    }
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "DELETE") != 0) {
        /* PUT/POST without a body: Content-Length: 0 */
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
    }
    if (strncmp(url, "https://", 8) == 0 && apply_tls(c, wc, errstr, errstr_size) != 0)
        goto done;
    rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
        if (sink.too_large)
            snprintf(errstr, errstr_size, "Response body is larger than %zu bytes",
                     CD_REST_CLIENT_MAX_BODY);
        else
            snprintf(errstr, errstr_size, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
        cd_rest_client_response_clear(out);
        goto done;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    out->status = (int)status;
    out->body = sink.buf ? sink.buf : strdup("");
    out->body_len = sink.len;
    sink.buf = NULL;
    if (!out->body) {
        snprintf(errstr, errstr_size, "Out of memory");
        cd_rest_client_response_clear(out);
        goto done;
    }
    ret = 0;
done:
    free(sink.buf);
    free(sig);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return ret;
}
