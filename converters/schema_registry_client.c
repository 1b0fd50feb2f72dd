/**
 * @file schema_registry_client.c
 * @brief Client of the Confluent Schema Registry REST API (the C counterpart of
 *        Confluent's CachedSchemaRegistryClient + RestService), with an
 *        in-process mock:// registry (MockSchemaRegistry).
 *
 * Layers:
 *  - configuration (cd_schema_registry_new): URLs, basic auth, PEM TLS,
 *    timeouts, retries, cache bounds; errors are ConfigException texts;
 *  - caches in front of every call: per subject (schema text, normalize) ->
 *    id/version, bounded by max.schemas.per.subject; subject -> latest (TTL);
 *    id -> schema text (sorted array, cleared when it reaches its bound);
 *  - backend: either HTTP over one reused libcurl handle (URL failover,
 *    exponential backoff retries on transport errors, 408, 429, 500, 502, 503,
 *    504; answers capped at 1 MiB and validated with jansson) or a mock scope
 *    (process-global, mutex-protected).
 * See docs/modules/schema-registry-client.md.
 */
#include "converters/schema_registry_client.h"
#include "converters/schema_registry_client_internal.h"

#include "util/log.h"
#include "util/properties.h"

#include <curl/curl.h>
#include <jansson.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SR_LOGGER "io.confluent.kafka.schemaregistry.client.rest.RestService"
#define SR_MAX_URLS 64
#define SR_MAX_SUBJECTS ((size_t)10000)
#define SR_MAX_IDS ((size_t)10000)
#define SR_MAX_SUBJECT_LEN ((size_t)65536)
#define SR_MAX_SCHEMA_LEN ((size_t)(CD_SR_MAX_RESPONSE / 2))
#define SR_MOCK_MAX_SCHEMAS ((size_t)1000000)
#define SR_CONTENT_TYPE "application/vnd.schemaregistry.v1+json"
#define SR_ACCEPT                                                                                  \
    "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, "        \
    "application/json; qs=0.5"

/* ------------------------------------------------------------------ types */

typedef struct sr_cached_s {
    char *schema;
    uint32_t hash;
    bool normalize;
    int32_t id;
    int32_t version; /* 0 = not known (register answers carry no version) */
} sr_cached_t;

typedef struct sr_subject_s {
    char *name;
    uint32_t hash;
    sr_cached_t *entries;
    size_t n, cap;
    bool latest_valid;
    int32_t latest_id, latest_version;
    char *latest_schema;
    double latest_at;
} sr_subject_t;

typedef struct sr_id_entry_s {
    int32_t id;
    char *schema;
} sr_id_entry_t;

typedef struct sr_url_s {
    char *url; /* without user info */
    char *user, *password;
} sr_url_t;

struct cd_schema_registry_s {
    sr_url_t *urls;
    size_t n_urls, cur_url;
    char *mock_scope;
    bool url_auth;
    char *user, *password; /* USER_INFO */
    char *cainfo, *sslcert, *sslkey, *keypass;
    bool no_verify_host;
    long connect_ms, read_ms, wait_ms, max_wait_ms;
    int max_retries;
    long max_per_subject;
    long long latest_ttl;
    CURL *curl;
    struct curl_slist *headers;
    char curl_err[CURL_ERROR_SIZE];
    char *body;
    size_t body_len, body_cap;
    bool overflow;
    bool read_timed_out;
    double last_activity; /* now_sec() of the last byte moved, for http.read.timeout.ms */
    curl_off_t last_dl, last_ul;
    int last_status, last_code;
    sr_subject_t *subjects;
    size_t n_subjects, cap_subjects;
    sr_id_entry_t *ids;
    size_t n_ids, cap_ids;
};

/* ------------------------------------------------------------------ small helpers */

static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (!errstr || !errstr_size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Once connected, no byte moving for http.read.timeout.ms aborts the transfer,
 * as a socket read timeout would (libcurl calls this at least once a second). */
static int on_progress(void *opaque, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    cd_schema_registry_t *sr = opaque;
    curl_off_t connect_us = 0;
    double now = now_sec();
    (void)dltotal;
    (void)ultotal;
    if (curl_easy_getinfo(sr->curl, CURLINFO_CONNECT_TIME_T, &connect_us) != CURLE_OK ||
        connect_us == 0 || dlnow != sr->last_dl || ulnow != sr->last_ul) {
        sr->last_activity = now; /* still connecting, or bytes moved */
        sr->last_dl = dlnow;
        sr->last_ul = ulnow;
        return 0;
    }
    if ((now - sr->last_activity) * 1000.0 >= (double)sr->read_ms) {
        sr->read_timed_out = true;
        return 1;
    }
    return 0;
}

static char *dup_trim(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = ncap;
    return true;
}

/* ------------------------------------------------------------------ URL helpers */

char *cd_sr_url_encode(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t len = strlen(s);
    char *out = malloc(len * 3 + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes (as URLDecoder does for user info); a bad escape is kept as is. */
static char *url_decode(const char *s, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            *o++ = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

int cd_sr_split_userinfo(const char *url, char **clean_url, char **user, char **password)
{
    *clean_url = *user = *password = NULL;
    const char *sep = strstr(url, "://");
    if (!sep)
        return -1;
    const char *auth = sep + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (auth[i] == '@')
            at = auth + i; /* the last '@' of the authority ends the user info */
    if (!at) {
        *clean_url = strdup(url);
        return *clean_url ? 0 : -1;
    }
    size_t prefix = (size_t)(auth - url);
    size_t rest = strlen(at + 1);
    *clean_url = malloc(prefix + rest + 1);
    if (!*clean_url)
        goto fail;
    memcpy(*clean_url, url, prefix);
    memcpy(*clean_url + prefix, at + 1, rest + 1);
    const char *colon = memchr(auth, ':', (size_t)(at - auth));
    if (colon) {
        *user = url_decode(auth, (size_t)(colon - auth));
        *password = url_decode(colon + 1, (size_t)(at - colon - 1));
    } else {
        *user = url_decode(auth, (size_t)(at - auth));
        *password = strdup("");
    }
    if (!*user || !*password)
        goto fail;
    return 0;
fail:
    free(*clean_url);
    free(*user);
    free(*password);
    *clean_url = *user = *password = NULL;
    return -1;
}

char *cd_sr_join_url(const char *base, const char *path)
{
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    size_t pl = strlen(path);
    char *out = malloc(bl + pl + 1);
    if (!out)
        return NULL;
    memcpy(out, base, bl);
    memcpy(out + bl, path, pl + 1);
    return out;
}

bool cd_sr_status_retriable(int s)
{
    return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
}

long cd_sr_backoff_ms(long wait_ms, long max_wait_ms, int attempt)
{
    long d = wait_ms < 0 ? 0 : wait_ms;
    for (int i = 0; i < attempt && d < max_wait_ms; i++)
        d *= 2;
    return d > max_wait_ms ? max_wait_ms : d;
}

/* ------------------------------------------------------------------ response parsers */

static json_t *load_object(const char *body, size_t len, char *errstr, size_t errstr_size)
{
    json_error_t jerr;
    if (len > CD_SR_MAX_RESPONSE) {
        set_err(errstr, errstr_size, "response larger than %zu bytes", CD_SR_MAX_RESPONSE);
        return NULL;
    }
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        set_err(errstr, errstr_size, "Invalid response from schema registry: %s", jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        set_err(errstr, errstr_size, "Invalid response from schema registry: not a JSON object");
        return NULL;
    }
    return root;
}

static bool get_int32(json_t *root, const char *key, int32_t *out, char *errstr, size_t errstr_size)
{
    json_t *v = json_object_get(root, key);
    if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
        json_integer_value(v) > INT32_MAX) {
        set_err(errstr, errstr_size,
                "Invalid response from schema registry: \"%s\" is not a 32-bit integer", key);
        return false;
    }
    *out = (int32_t)json_integer_value(v);
    return true;
}

static bool get_string(json_t *root, const char *key, char **out, char *errstr, size_t errstr_size)
{
    json_t *v = json_object_get(root, key);
    if (!json_is_string(v)) {
        set_err(errstr, errstr_size,
                "Invalid response from schema registry: \"%s\" is not a string", key);
        return false;
    }
    if (!out)
        return true;
    *out = strdup(json_string_value(v));
    if (!*out) {
        set_err(errstr, errstr_size, "Out of memory");
        return false;
    }
    return true;
}

cd_sr_result_t cd_sr_parse_id_response(const char *body, size_t len, int32_t *id, char *errstr,
                                       size_t errstr_size)
{
    json_t *root = load_object(body, len, errstr, errstr_size);
    if (!root)
        return CD_SR_ERR_TRANSPORT;
    bool ok = get_int32(root, "id", id, errstr, errstr_size);
    json_decref(root);
    return ok ? CD_SR_OK : CD_SR_ERR_TRANSPORT;
}

cd_sr_result_t cd_sr_parse_schema_response(const char *body, size_t len, char **schema,
                                           char *errstr, size_t errstr_size)
{
    *schema = NULL;
    json_t *root = load_object(body, len, errstr, errstr_size);
    if (!root)
        return CD_SR_ERR_TRANSPORT;
    bool ok = get_string(root, "schema", schema, errstr, errstr_size);
    json_decref(root);
    return ok ? CD_SR_OK : CD_SR_ERR_TRANSPORT;
}

cd_sr_result_t cd_sr_parse_subject_version_response(const char *body, size_t len, int32_t *id,
                                                    int32_t *version, char **schema, char *errstr,
                                                    size_t errstr_size)
{
    if (schema)
        *schema = NULL;
    json_t *root = load_object(body, len, errstr, errstr_size);
    if (!root)
        return CD_SR_ERR_TRANSPORT;
    bool ok = get_int32(root, "id", id, errstr, errstr_size) &&
              get_int32(root, "version", version, errstr, errstr_size);
    if (ok && (schema || json_object_get(root, "schema")))
        ok = get_string(root, "schema", schema, errstr, errstr_size);
    json_decref(root);
    if (!ok && schema) {
        free(*schema);
        *schema = NULL;
    }
    return ok ? CD_SR_OK : CD_SR_ERR_TRANSPORT;
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Error";
    }
}

cd_sr_result_t cd_sr_format_error(int http_status, const char *body, size_t len, int *error_code,
                                  char *errstr, size_t errstr_size)
{
    cd_sr_result_t rc = http_status == 404 ? CD_SR_ERR_NOT_FOUND : CD_SR_ERR_REGISTRY;
    json_t *root = NULL;
    if (body && len && len <= CD_SR_MAX_RESPONSE)
        root = json_loadb(body, len, 0, NULL);
    json_t *code = root ? json_object_get(root, "error_code") : NULL;
    json_t *msg = root ? json_object_get(root, "message") : NULL;
    if (json_is_object(root) && (json_is_integer(code) || json_is_string(msg))) {
        /* ErrorMessage: a missing error_code is 0, a missing message is null. */
        json_int_t c = json_is_integer(code) ? json_integer_value(code) : 0;
        if (c < INT32_MIN || c > INT32_MAX)
            c = http_status;
        *error_code = (int)c;
        set_err(errstr, errstr_size, "%s; error code: %d",
                json_is_string(msg) ? json_string_value(msg) : "null", (int)c);
        json_decref(root);
        return rc;
    }
    json_decref(root);
    *error_code = http_status;
    if (http_status == 401 || !body || !len) {
        set_err(errstr, errstr_size, "%s; error code: %d", reason_phrase(http_status), http_status);
        return rc;
    }
    /* A trimmed excerpt, control characters replaced, at most CD_SR_MAX_BODY_EXCERPT bytes. */
    char excerpt[CD_SR_MAX_BODY_EXCERPT + 4];
    size_t s = 0, e = len, n = 0;
    while (s < e && isspace((unsigned char)body[s]))
        s++;
    while (e > s && isspace((unsigned char)body[e - 1]))
        e--;
    for (size_t i = s; i < e && n < CD_SR_MAX_BODY_EXCERPT; i++) {
        unsigned char ch = (unsigned char)body[i];
        excerpt[n++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
    }
    if (e - s > n) {
        memcpy(excerpt + n, "...", 3);
        n += 3;
    }
    excerpt[n] = '\0';
    set_err(errstr, errstr_size,
            "Unable to parse error message from schema registry: '(%s)'; error code: %d", excerpt,
            http_status);
    return rc;
}

/* ------------------------------------------------------------------ configuration */

static int cfg_number(const cd_properties_t *c, const char *key, long long def, long long min,
                      long long max, const char *type, long long *out, char *errstr,
                      size_t errstr_size)
{
    const char *v = cd_properties_get(c, key);
    if (!v) {
        *out = def;
        return 0;
    }
    char *t = dup_trim(v, strlen(v)), *end = NULL;
    if (!t) {
        set_err(errstr, errstr_size, "Out of memory");
        return -1;
    }
    errno = 0;
    long long n = strtoll(t, &end, 10);
    bool ok = *t && end && *end == '\0' && errno == 0 && n >= max * -1 - 1 && n <= max;
    free(t);
    if (!ok) {
        set_err(errstr, errstr_size,
                "Invalid value %s for configuration %s: Not a number of type %s", v, key, type);
        return -1;
    }
    if (n < min) {
        set_err(errstr, errstr_size,
                "Invalid value %lld for configuration %s: Value must be at least %lld", n, key,
                min);
        return -1;
    }
    *out = n;
    return 0;
}

static int cfg_pem_type(const cd_properties_t *c, const char *key, char *errstr, size_t errstr_size)
{
    const char *v = cd_properties_get(c, key);
    if (!v || !*v || !strcasecmp(v, "PEM"))
        return 0;
    set_err(errstr, errstr_size,
            "Invalid value %s for configuration %s: connectd reads PEM files only (JKS and "
            "PKCS12 stores are not supported)",
            v, key);
    return -1;
}

static int dup_opt(const cd_properties_t *c, const char *key, char **out)
{
    const char *v = cd_properties_get(c, key);
    *out = NULL;
    if (!v || !*v)
        return 0;
    *out = strdup(v);
    return *out ? 0 : -1;
}

/* Appends "[a, b]" (Java's List.toString) of the URL list to buf. */
static void list_text(char **parts, size_t n, char *buf, size_t size)
{
    size_t off = 0;
    off += (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; i < n && off < size; i++)
        off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "", parts[i]);
    if (off < size)
        snprintf(buf + off, size - off, "]");
}

static int configure_urls(cd_schema_registry_t *sr, const char *list, char *errstr,
                          size_t errstr_size)
{
    char *parts[SR_MAX_URLS];
    size_t n = 0, n_mock = 0;
    int rc = -1;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (n == SR_MAX_URLS) {
            set_err(errstr, errstr_size,
                    "Invalid value %s for configuration schema.registry.url: more than %d URLs",
                    list, SR_MAX_URLS);
            goto done;
        }
        if (!(parts[n] = dup_trim(p, len)))
            goto oom;
        if (*parts[n]) {
            if (!strncmp(parts[n], "mock://", 7))
                n_mock++;
            n++;
        } else {
            free(parts[n]);
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    if (n == 0) {
        set_err(errstr, errstr_size,
                "Missing required configuration \"schema.registry.url\" which has no default "
                "value.");
        goto done;
    }
    if (n_mock) {
        char text[1024];
        list_text(parts, n, text, sizeof(text));
        if (n_mock > 1) {
            set_err(errstr, errstr_size,
                    "Only one mock scope is permitted for 'schema.registry.url'. Got: %s", text);
            goto done;
        }
        if (n > 1) {
            set_err(errstr, errstr_size,
                    "Cannot mix mock and real urls for 'schema.registry.url'. Got: %s", text);
            goto done;
        }
        if (!(sr->mock_scope = strdup(parts[0] + 7)))
            goto oom;
        rc = 0;
        goto done;
    }
    if (!(sr->urls = calloc(n, sizeof(*sr->urls))))
        goto oom;
    for (size_t i = 0; i < n; i++) {
        if (strncasecmp(parts[i], "http://", 7) && strncasecmp(parts[i], "https://", 8)) {
            set_err(errstr, errstr_size,
                    "Invalid value %s for configuration schema.registry.url: not an http:// or "
                    "https:// URL",
                    parts[i]);
            goto done;
        }
        sr_url_t *u = &sr->urls[sr->n_urls];
        if (cd_sr_split_userinfo(parts[i], &u->url, &u->user, &u->password))
            goto oom;
        sr->n_urls++;
    }
    rc = 0;
    goto done;
oom:
    set_err(errstr, errstr_size, "Out of memory");
done:
    for (size_t i = 0; i < n; i++)
        free(parts[i]);
    return rc;
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    cd_schema_registry_t *sr = ud;
    size_t len = size * nmemb;
    if (sr->body_len + len > CD_SR_MAX_RESPONSE) {
        sr->overflow = true;
        return 0;
    }
    if (sr->body_len + len + 1 > sr->body_cap) {
        size_t ncap = sr->body_cap ? sr->body_cap : 4096;
        while (ncap < sr->body_len + len + 1)
            ncap *= 2;
        char *nb = realloc(sr->body, ncap);
        if (!nb)
            return 0;
        sr->body = nb;
        sr->body_cap = ncap;
    }
    memcpy(sr->body + sr->body_len, ptr, len);
    sr->body_len += len;
    sr->body[sr->body_len] = '\0';
    return len;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static int setup_curl(cd_schema_registry_t *sr, char *errstr, size_t errstr_size)
{
    pthread_once(&curl_once, curl_init_once);
    if (!(sr->curl = curl_easy_init()))
        goto fail;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: " SR_CONTENT_TYPE);
    if (!h)
        goto fail;
    sr->headers = h;
    if (!(h = curl_slist_append(sr->headers, "Accept: " SR_ACCEPT)))
        goto fail;
    if (!(h = curl_slist_append(sr->headers, "Expect:")))
        goto fail;
    CURL *c = sr->curl;
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, sr->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, sr);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, sr->curl_err);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, sr->connect_ms);
    /* http.read.timeout.ms as Java's socket read timeout (see on_progress); the
     * whole exchange also stays bounded by connect + read. */
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, sr);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, sr->connect_ms + sr->read_ms);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "connectd-schema-registry-client");
    if (sr->cainfo)
        curl_easy_setopt(c, CURLOPT_CAINFO, sr->cainfo);
    if (sr->sslcert) {
        curl_easy_setopt(c, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(c, CURLOPT_SSLCERT, sr->sslcert);
        curl_easy_setopt(c, CURLOPT_SSLKEYTYPE, "PEM");
        curl_easy_setopt(c, CURLOPT_SSLKEY, sr->sslkey);
    }
    if (sr->keypass)
        curl_easy_setopt(c, CURLOPT_KEYPASSWD, sr->keypass);
    if (sr->no_verify_host)
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    return 0;
fail:
    set_err(errstr, errstr_size, "Out of memory");
    return -1;
}

cd_schema_registry_t *cd_schema_registry_new(const cd_properties_t *config, char *errstr,
                                             size_t errstr_size)
{
    cd_schema_registry_t *sr = calloc(1, sizeof(*sr));
    long long v;
    if (!sr) {
        set_err(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    const char *urls = config ? cd_properties_get(config, "schema.registry.url") : NULL;
    if (!urls) {
        set_err(errstr, errstr_size,
                "Missing required configuration \"schema.registry.url\" which has no default "
                "value.");
        goto fail;
    }
    if (configure_urls(sr, urls, errstr, errstr_size))
        goto fail;

#define NUM(key, def, min, max, type, field)                                                       \
    do {                                                                                           \
        if (cfg_number(config, key, def, min, max, type, &v, errstr, errstr_size))                 \
            goto fail;                                                                             \
        field = v;                                                                                 \
    } while (0)
    NUM("http.connect.timeout.ms", 60000, 0, INT32_MAX, "INT", sr->connect_ms);
    NUM("http.read.timeout.ms", 60000, 0, INT32_MAX, "INT", sr->read_ms);
    NUM("max.retries", 3, 0, INT32_MAX, "INT", sr->max_retries);
    NUM("retries.wait.ms", 1000, 0, INT32_MAX, "INT", sr->wait_ms);
    NUM("retries.max.wait.ms", 20000, 0, INT32_MAX, "INT", sr->max_wait_ms);
    NUM("max.schemas.per.subject", 1000, 0, INT32_MAX, "INT", sr->max_per_subject);
    NUM("latest.cache.ttl.sec", -1, LLONG_MIN, LLONG_MAX, "LONG", sr->latest_ttl);
#undef NUM
    if (sr->max_retries > 30)
        sr->max_retries = 30; /* the backoff doubling would overflow long before that */

    const char *source = cd_properties_get(config, "basic.auth.credentials.source");
    if (!source || !strcmp(source, "URL")) {
        sr->url_auth = true;
    } else if (!strcmp(source, "USER_INFO")) {
        const char *ui = cd_properties_get(config, "schema.registry.basic.auth.user.info");
        if (!ui || !*ui)
            ui = cd_properties_get(config, "basic.auth.user.info");
        if (!ui || !*ui) {
            set_err(errstr, errstr_size,
                    "UserInfo must be provided when basic.auth.credentials.source is set to "
                    "USER_INFO");
            goto fail;
        }
        const char *colon = strchr(ui, ':');
        sr->user = colon ? strndup(ui, (size_t)(colon - ui)) : strdup(ui);
        sr->password = strdup(colon ? colon + 1 : "");
        if (!sr->user || !sr->password) {
            set_err(errstr, errstr_size, "Out of memory");
            goto fail;
        }
    } else if (*source) {
        set_err(errstr, errstr_size,
                "Invalid value %s for configuration basic.auth.credentials.source: connectd "
                "supports URL and USER_INFO",
                source);
        goto fail;
    }

    if (cfg_pem_type(config, "schema.registry.ssl.truststore.type", errstr, errstr_size) ||
        cfg_pem_type(config, "schema.registry.ssl.keystore.type", errstr, errstr_size))
        goto fail;
    if (dup_opt(config, "schema.registry.ssl.truststore.location", &sr->cainfo) ||
        dup_opt(config, "schema.registry.ssl.keystore.location", &sr->sslcert) ||
        dup_opt(config, "schema.registry.ssl.keystore.location", &sr->sslkey) ||
        dup_opt(config, "schema.registry.ssl.key.password", &sr->keypass)) {
        set_err(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    const char *eia =
        cd_properties_get(config, "schema.registry.ssl.endpoint.identification.algorithm");
    sr->no_verify_host = eia && !*eia;

    if (!sr->mock_scope && setup_curl(sr, errstr, errstr_size))
        goto fail;
    return sr;
fail:
    cd_schema_registry_destroy(sr);
    return NULL;
}

static void clear_subjects(cd_schema_registry_t *sr)
{
    for (size_t i = 0; i < sr->n_subjects; i++) {
        sr_subject_t *s = &sr->subjects[i];
        for (size_t j = 0; j < s->n; j++)
            free(s->entries[j].schema);
        free(s->entries);
        free(s->latest_schema);
        free(s->name);
    }
    sr->n_subjects = 0;
}

static void clear_ids(cd_schema_registry_t *sr)
{
    for (size_t i = 0; i < sr->n_ids; i++)
        free(sr->ids[i].schema);
    sr->n_ids = 0;
}

void cd_schema_registry_destroy(cd_schema_registry_t *sr)
{
    if (!sr)
        return;
    for (size_t i = 0; i < sr->n_urls; i++) {
        free(sr->urls[i].url);
        free(sr->urls[i].user);
        free(sr->urls[i].password);
    }
    free(sr->urls);
    free(sr->mock_scope);
    free(sr->user);
    free(sr->password);
    free(sr->cainfo);
    free(sr->sslcert);
    free(sr->sslkey);
    free(sr->keypass);
    if (sr->curl)
        curl_easy_cleanup(sr->curl);
    curl_slist_free_all(sr->headers);
    free(sr->body);
    clear_subjects(sr);
    free(sr->subjects);
    clear_ids(sr);
    free(sr->ids);
    free(sr);
}

int cd_schema_registry_last_http_status(const cd_schema_registry_t *sr)
{
    return sr ? sr->last_status : 0;
}

int cd_schema_registry_last_error_code(const cd_schema_registry_t *sr)
{
    return sr ? sr->last_code : 0;
}

/* ------------------------------------------------------------------ HTTP backend */

static cd_sr_result_t http_once(cd_schema_registry_t *sr, size_t idx, const char *path,
                                const char *post_body, char *errstr, size_t errstr_size)
{
    sr_url_t *u = &sr->urls[idx];
    char *url = cd_sr_join_url(u->url, path);
    if (!url) {
        set_err(errstr, errstr_size, "Out of memory");
        return CD_SR_ERR_TRANSPORT;
    }
    CURL *c = sr->curl;
    curl_easy_setopt(c, CURLOPT_URL, url);
    if (post_body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, post_body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(post_body));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    const char *user = sr->url_auth ? u->user : sr->user;
    const char *pass = sr->url_auth ? u->password : sr->password;
    if (user) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, user);
        curl_easy_setopt(c, CURLOPT_PASSWORD, pass ? pass : "");
    } else {
        curl_easy_setopt(c, CURLOPT_USERNAME, NULL);
        curl_easy_setopt(c, CURLOPT_PASSWORD, NULL);
    }
    sr->body_len = 0;
    if (sr->body)
        sr->body[0] = '\0';
    sr->overflow = false;
    sr->read_timed_out = false;
    sr->last_activity = now_sec();
    sr->last_dl = sr->last_ul = 0;
    sr->curl_err[0] = '\0';
    CURLcode res = curl_easy_perform(c);
    if (sr->read_timed_out) /* the callback's abort, told as Java tells it */
        snprintf(sr->curl_err, sizeof(sr->curl_err), "Read timed out after %ld ms", sr->read_ms);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    cd_sr_result_t rc = CD_SR_OK;
    if (sr->overflow) {
        set_err(errstr, errstr_size, "response larger than %zu bytes", CD_SR_MAX_RESPONSE);
        sr->last_status = (int)status;
        rc = CD_SR_ERR_TRANSPORT;
    } else if (res != CURLE_OK) {
        long os_errno = 0;
        curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
        const char *text = sr->curl_err[0] ? sr->curl_err : curl_easy_strerror(res);
        const char *os_text = os_errno ? strerror((int)os_errno) : NULL;
        if (os_text && !strstr(text, os_text))
            set_err(errstr, errstr_size, "%s: %s", text, os_text);
        else
            set_err(errstr, errstr_size, "%s", text);
        sr->last_status = 0;
        rc = CD_SR_ERR_TRANSPORT;
    } else if (status == 200 || status == 207 || status == 204) {
        rc = CD_SR_OK;
    } else {
        sr->last_status = (int)status;
        rc = cd_sr_format_error((int)status, sr->body, sr->body_len, &sr->last_code, errstr,
                                errstr_size);
    }
    if (rc != CD_SR_OK)
        cd_log_debug(SR_LOGGER, "%s %s failed: %s", post_body ? "POST" : "GET", url,
                     errstr ? errstr : "");
    free(url);
    return rc;
}

/* Sends one request with retries and URL failover; on CD_SR_OK the answer is in sr->body. */
static cd_sr_result_t http_request(cd_schema_registry_t *sr, const char *path,
                                   const char *post_body, char *errstr, size_t errstr_size)
{
    cd_sr_result_t rc = CD_SR_ERR_TRANSPORT;
    for (size_t u = 0; u < sr->n_urls; u++) {
        size_t idx = sr->cur_url % sr->n_urls;
        for (int attempt = 0;; attempt++) {
            sr->last_status = sr->last_code = 0;
            rc = http_once(sr, idx, path, post_body, errstr, errstr_size);
            if (rc == CD_SR_OK)
                return rc;
            bool retriable = (rc == CD_SR_ERR_TRANSPORT && !sr->overflow) ||
                             cd_sr_status_retriable(sr->last_status);
            if (!retriable)
                return rc;
            if (attempt >= sr->max_retries)
                break;
            long ms = cd_sr_backoff_ms(sr->wait_ms, sr->max_wait_ms, attempt);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
            }
        }
        cd_log_warn(SR_LOGGER,
                    "Request to URL %s failed with error: %s. Failing over to next URL if "
                    "available...",
                    sr->urls[idx].url, errstr ? errstr : "");
        sr->cur_url = (idx + 1) % sr->n_urls;
    }
    return rc;
}

static char *schema_body(const char *schema_json, char *errstr, size_t errstr_size)
{
    json_t *o = json_object();
    json_t *s = json_string(schema_json);
    char *out = NULL;
    if (!o || !s || json_object_set_new(o, "schema", s)) {
        if (!s)
            set_err(errstr, errstr_size, "Invalid schema: the text is not valid UTF-8");
        else
            set_err(errstr, errstr_size, "Out of memory");
        json_decref(o);
        return NULL;
    }
    out = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (!out)
        set_err(errstr, errstr_size, "Out of memory");
    return out;
}

static char *subject_path(const char *fmt, const char *subject, const char *suffix)
{
    char *enc = cd_sr_url_encode(subject);
    if (!enc)
        return NULL;
    size_t len = strlen(fmt) + strlen(enc) + strlen(suffix) + 1;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, fmt, enc, suffix);
    free(enc);
    return out;
}

/* ------------------------------------------------------------------ mock backend */

typedef struct mock_subject_s {
    char *name;
    int32_t *ids; /* versions 1..n */
    size_t n, cap;
} mock_subject_t;

typedef struct mock_scope_s {
    char *name;
    char **schemas; /* id - 1 */
    uint32_t *hashes;
    size_t n_schemas, cap_schemas, cap_hashes;
    mock_subject_t *subjects;
    size_t n_subjects, cap_subjects;
    struct mock_scope_s *next;
} mock_scope_t;

static pthread_mutex_t mock_lock = PTHREAD_MUTEX_INITIALIZER;
static mock_scope_t *mock_scopes;

static mock_scope_t *mock_scope_get(const char *name)
{
    for (mock_scope_t *s = mock_scopes; s; s = s->next)
        if (!strcmp(s->name, name))
            return s;
    mock_scope_t *s = calloc(1, sizeof(*s));
    if (!s || !(s->name = strdup(name))) {
        free(s);
        return NULL;
    }
    s->next = mock_scopes;
    mock_scopes = s;
    return s;
}

static mock_subject_t *mock_subject_find(mock_scope_t *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_subjects; i++)
        if (!strcmp(sc->subjects[i].name, name))
            return &sc->subjects[i];
    return NULL;
}

static cd_sr_result_t mock_error(cd_schema_registry_t *sr, int status, int code, char *errstr,
                                 size_t errstr_size, const char *msg)
{
    sr->last_status = status;
    sr->last_code = code;
    set_err(errstr, errstr_size, "%s; error code: %d", msg, code);
    return status == 404 ? CD_SR_ERR_NOT_FOUND : CD_SR_ERR_REGISTRY;
}

static cd_sr_result_t mock_subject_missing(cd_schema_registry_t *sr, const char *subject,
                                           char *errstr, size_t errstr_size)
{
    char msg[512];
    snprintf(msg, sizeof(msg), "Subject '%.400s' not found.", subject);
    return mock_error(sr, 404, 40401, errstr, errstr_size, msg);
}

static cd_sr_result_t mock_oom(cd_schema_registry_t *sr, char *errstr, size_t errstr_size)
{
    return mock_error(sr, 500, 50001, errstr, errstr_size, "Out of memory");
}

/* Version (1-based) of schema text in a subject, 0 if absent. */
static size_t mock_version_of(mock_scope_t *sc, mock_subject_t *ms, const char *schema, uint32_t h)
{
    for (size_t v = 0; v < ms->n; v++) {
        size_t k = (size_t)ms->ids[v] - 1;
        if (sc->hashes[k] == h && !strcmp(sc->schemas[k], schema))
            return v + 1;
    }
    return 0;
}

static cd_sr_result_t mock_register(cd_schema_registry_t *sr, const char *subject,
                                    const char *schema, int32_t *id, char *errstr,
                                    size_t errstr_size)
{
    cd_sr_result_t rc = CD_SR_OK;
    uint32_t h = fnv1a(schema);
    pthread_mutex_lock(&mock_lock);
    mock_scope_t *sc = mock_scope_get(sr->mock_scope);
    if (!sc) {
        rc = mock_oom(sr, errstr, errstr_size);
        goto done;
    }
    mock_subject_t *ms = mock_subject_find(sc, subject);
    if (!ms) {
        if (!grow((void **)&sc->subjects, &sc->cap_subjects, sc->n_subjects + 1,
                  sizeof(*sc->subjects))) {
            rc = mock_oom(sr, errstr, errstr_size);
            goto done;
        }
        ms = &sc->subjects[sc->n_subjects];
        memset(ms, 0, sizeof(*ms));
        if (!(ms->name = strdup(subject))) {
            rc = mock_oom(sr, errstr, errstr_size);
            goto done;
        }
        sc->n_subjects++;
    }
    size_t v = mock_version_of(sc, ms, schema, h);
    if (v) {
        *id = ms->ids[v - 1];
        goto done;
    }
    int32_t found = 0;
    for (size_t k = 0; k < sc->n_schemas && !found; k++)
        if (sc->hashes[k] == h && !strcmp(sc->schemas[k], schema))
            found = (int32_t)(k + 1);
    if (!found) {
        if (sc->n_schemas >= SR_MOCK_MAX_SCHEMAS) {
            rc = mock_error(sr, 500, 50001, errstr, errstr_size, "Too many schemas in mock scope");
            goto done;
        }
        char *copy = strdup(schema);
        if (!copy ||
            !grow((void **)&sc->schemas, &sc->cap_schemas, sc->n_schemas + 1, sizeof(char *)) ||
            !grow((void **)&sc->hashes, &sc->cap_hashes, sc->n_schemas + 1, sizeof(uint32_t))) {
            free(copy);
            rc = mock_oom(sr, errstr, errstr_size);
            goto done;
        }
        sc->schemas[sc->n_schemas] = copy;
        sc->hashes[sc->n_schemas] = h;
        found = (int32_t)++sc->n_schemas;
    }
    if (!grow((void **)&ms->ids, &ms->cap, ms->n + 1, sizeof(int32_t))) {
        rc = mock_oom(sr, errstr, errstr_size);
        goto done;
    }
    ms->ids[ms->n++] = found;
    *id = found;
done:
    pthread_mutex_unlock(&mock_lock);
    return rc;
}

static cd_sr_result_t mock_lookup(cd_schema_registry_t *sr, const char *subject, const char *schema,
                                  int32_t *id, int32_t *version, char *errstr, size_t errstr_size)
{
    cd_sr_result_t rc = CD_SR_OK;
    pthread_mutex_lock(&mock_lock);
    mock_scope_t *sc = mock_scope_get(sr->mock_scope);
    mock_subject_t *ms = sc ? mock_subject_find(sc, subject) : NULL;
    if (!ms) {
        rc = mock_subject_missing(sr, subject, errstr, errstr_size);
        goto done;
    }
    size_t v = mock_version_of(sc, ms, schema, fnv1a(schema));
    if (!v) {
        rc = mock_error(sr, 404, 40403, errstr, errstr_size, "Schema not found");
        goto done;
    }
    *id = ms->ids[v - 1];
    *version = (int32_t)v;
done:
    pthread_mutex_unlock(&mock_lock);
    return rc;
}

static cd_sr_result_t mock_by_id(cd_schema_registry_t *sr, int32_t id, char **schema, char *errstr,
                                 size_t errstr_size)
{
    cd_sr_result_t rc = CD_SR_OK;
    pthread_mutex_lock(&mock_lock);
    mock_scope_t *sc = mock_scope_get(sr->mock_scope);
    if (!sc || id < 1 || (size_t)id > sc->n_schemas) {
        char msg[64];
        snprintf(msg, sizeof(msg), "Schema %d not found", (int)id);
        rc = mock_error(sr, 404, 40403, errstr, errstr_size, msg);
        goto done;
    }
    if (!(*schema = strdup(sc->schemas[id - 1])))
        rc = mock_oom(sr, errstr, errstr_size);
done:
    pthread_mutex_unlock(&mock_lock);
    return rc;
}

static cd_sr_result_t mock_latest(cd_schema_registry_t *sr, const char *subject, int32_t *id,
                                  int32_t *version, char **schema, char *errstr, size_t errstr_size)
{
    cd_sr_result_t rc = CD_SR_OK;
    pthread_mutex_lock(&mock_lock);
    mock_scope_t *sc = mock_scope_get(sr->mock_scope);
    mock_subject_t *ms = sc ? mock_subject_find(sc, subject) : NULL;
    if (!ms || !ms->n) {
        rc = mock_subject_missing(sr, subject, errstr, errstr_size);
        goto done;
    }
    *id = ms->ids[ms->n - 1];
    *version = (int32_t)ms->n;
    if (!(*schema = strdup(sc->schemas[*id - 1])))
        rc = mock_oom(sr, errstr, errstr_size);
done:
    pthread_mutex_unlock(&mock_lock);
    return rc;
}

void cd_schema_registry_mock_reset(void)
{
    pthread_mutex_lock(&mock_lock);
    while (mock_scopes) {
        mock_scope_t *s = mock_scopes;
        mock_scopes = s->next;
        for (size_t i = 0; i < s->n_schemas; i++)
            free(s->schemas[i]);
        free(s->schemas);
        free(s->hashes);
        for (size_t i = 0; i < s->n_subjects; i++) {
            free(s->subjects[i].name);
            free(s->subjects[i].ids);
        }
        free(s->subjects);
        free(s->name);
        free(s);
    }
    pthread_mutex_unlock(&mock_lock);
}

/* ------------------------------------------------------------------ caches */

static sr_subject_t *cache_subject(cd_schema_registry_t *sr, const char *subject, bool create)
{
    uint32_t h = fnv1a(subject);
    for (size_t i = 0; i < sr->n_subjects; i++)
        if (sr->subjects[i].hash == h && !strcmp(sr->subjects[i].name, subject))
            return &sr->subjects[i];
    if (!create)
        return NULL;
    if (sr->n_subjects >= SR_MAX_SUBJECTS)
        clear_subjects(sr); /* bounded: start over rather than grow without limit */
    if (!grow((void **)&sr->subjects, &sr->cap_subjects, sr->n_subjects + 1, sizeof(*sr->subjects)))
        return NULL;
    sr_subject_t *s = &sr->subjects[sr->n_subjects];
    memset(s, 0, sizeof(*s));
    if (!(s->name = strdup(subject)))
        return NULL;
    s->hash = h;
    sr->n_subjects++;
    return s;
}

static sr_cached_t *cache_entry(sr_subject_t *s, const char *schema, uint32_t h, bool normalize)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->entries[i].hash == h && s->entries[i].normalize == normalize &&
            !strcmp(s->entries[i].schema, schema))
            return &s->entries[i];
    return NULL;
}

static sr_cached_t *cache_add(sr_subject_t *s, const char *schema, uint32_t h, bool normalize)
{
    if (!grow((void **)&s->entries, &s->cap, s->n + 1, sizeof(*s->entries)))
        return NULL;
    sr_cached_t *e = &s->entries[s->n];
    memset(e, 0, sizeof(*e));
    if (!(e->schema = strdup(schema)))
        return NULL;
    e->hash = h;
    e->normalize = normalize;
    s->n++;
    return e;
}

static size_t id_search(const cd_schema_registry_t *sr, int32_t id, bool *found)
{
    size_t lo = 0, hi = sr->n_ids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sr->ids[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < sr->n_ids && sr->ids[lo].id == id;
    return lo;
}

static void id_cache_put(cd_schema_registry_t *sr, int32_t id, const char *schema)
{
    bool found;
    if (sr->n_ids >= SR_MAX_IDS)
        clear_ids(sr);
    size_t pos = id_search(sr, id, &found);
    if (found)
        return;
    char *copy = strdup(schema);
    if (!copy || !grow((void **)&sr->ids, &sr->cap_ids, sr->n_ids + 1, sizeof(*sr->ids))) {
        free(copy);
        return; /* a cache miss next time, not an error */
    }
    memmove(&sr->ids[pos + 1], &sr->ids[pos], (sr->n_ids - pos) * sizeof(*sr->ids));
    sr->ids[pos].id = id;
    sr->ids[pos].schema = copy;
    sr->n_ids++;
}

/* Validates the arguments and finds (or makes room for) the cache entry. */
static cd_sr_result_t prepare(cd_schema_registry_t *sr, const char *subject, const char *schema,
                              bool normalize, sr_subject_t **subj, sr_cached_t **entry,
                              char *errstr, size_t errstr_size)
{
    if (!sr || !subject || !schema) {
        set_err(errstr, errstr_size, "Invalid argument: subject and schema are required");
        return CD_SR_ERR_CONFIG;
    }
    if (strlen(subject) > SR_MAX_SUBJECT_LEN || strlen(schema) > SR_MAX_SCHEMA_LEN) {
        set_err(errstr, errstr_size, "Invalid argument: subject or schema too long");
        return CD_SR_ERR_CONFIG;
    }
    sr->last_status = sr->last_code = 0;
    *subj = cache_subject(sr, subject, true);
    if (!*subj) {
        set_err(errstr, errstr_size, "Out of memory");
        return CD_SR_ERR_CONFIG;
    }
    *entry = cache_entry(*subj, schema, fnv1a(schema), normalize);
    if (!*entry && (*subj)->n >= (size_t)sr->max_per_subject) {
        set_err(errstr, errstr_size, "Too many schema objects created for %s!", subject);
        return CD_SR_ERR_CONFIG;
    }
    return CD_SR_OK;
}

/* ------------------------------------------------------------------ API */

cd_sr_result_t cd_schema_registry_register(cd_schema_registry_t *sr, const char *subject,
                                           const char *schema_json, bool normalize, int32_t *id,
                                           char *errstr, size_t errstr_size)
{
    sr_subject_t *subj;
    sr_cached_t *e;
    cd_sr_result_t rc =
        prepare(sr, subject, schema_json, normalize, &subj, &e, errstr, errstr_size);
    if (rc != CD_SR_OK)
        return rc;
    if (e) {
        *id = e->id;
        return CD_SR_OK;
    }
    int32_t got = 0;
    if (sr->mock_scope) {
        rc = mock_register(sr, subject, schema_json, &got, errstr, errstr_size);
    } else {
        char *body = schema_body(schema_json, errstr, errstr_size);
        char *path =
            subject_path("/subjects/%s/versions%s", subject, normalize ? "?normalize=true" : "");
        if (!body || !path) {
            if (body)
                set_err(errstr, errstr_size, "Out of memory");
            free(body);
            free(path);
            return CD_SR_ERR_CONFIG;
        }
        rc = http_request(sr, path, body, errstr, errstr_size);
        if (rc == CD_SR_OK)
            rc = cd_sr_parse_id_response(sr->body, sr->body_len, &got, errstr, errstr_size);
        free(body);
        free(path);
    }
    if (rc != CD_SR_OK)
        return rc;
    *id = got;
    e = cache_add(subj, schema_json, fnv1a(schema_json), normalize);
    if (e)
        e->id = got;
    return CD_SR_OK;
}

cd_sr_result_t cd_schema_registry_lookup(cd_schema_registry_t *sr, const char *subject,
                                         const char *schema_json, bool normalize, int32_t *id,
                                         int32_t *version, char *errstr, size_t errstr_size)
{
    sr_subject_t *subj;
    sr_cached_t *e;
    cd_sr_result_t rc =
        prepare(sr, subject, schema_json, normalize, &subj, &e, errstr, errstr_size);
    if (rc != CD_SR_OK)
        return rc;
    if (e && e->version > 0) {
        *id = e->id;
        *version = e->version;
        return CD_SR_OK;
    }
    int32_t got_id = 0, got_version = 0;
    if (sr->mock_scope) {
        rc = mock_lookup(sr, subject, schema_json, &got_id, &got_version, errstr, errstr_size);
    } else {
        char *body = schema_body(schema_json, errstr, errstr_size);
        char *path = subject_path("/subjects/%s%s", subject, normalize ? "?normalize=true" : "");
        if (!body || !path) {
            if (body)
                set_err(errstr, errstr_size, "Out of memory");
            free(body);
            free(path);
            return CD_SR_ERR_CONFIG;
        }
        rc = http_request(sr, path, body, errstr, errstr_size);
        if (rc == CD_SR_OK)
            rc = cd_sr_parse_subject_version_response(sr->body, sr->body_len, &got_id, &got_version,
                                                      NULL, errstr, errstr_size);
        free(body);
        free(path);
    }
    if (rc != CD_SR_OK)
        return rc;
    *id = got_id;
    *version = got_version;
    /* prepare() may have been followed by nothing that moves entries: e is still valid. */
    if (!e)
        e = cache_add(subj, schema_json, fnv1a(schema_json), normalize);
    if (e) {
        e->id = got_id;
        e->version = got_version;
    }
    return CD_SR_OK;
}

cd_sr_result_t cd_schema_registry_schema_by_id(cd_schema_registry_t *sr, int32_t id,
                                               char **schema_json, char *errstr, size_t errstr_size)
{
    if (!sr || !schema_json) {
        set_err(errstr, errstr_size, "Invalid argument");
        return CD_SR_ERR_CONFIG;
    }
    *schema_json = NULL;
    sr->last_status = sr->last_code = 0;
    bool found;
    size_t pos = id_search(sr, id, &found);
    if (found) {
        if (!(*schema_json = strdup(sr->ids[pos].schema))) {
            set_err(errstr, errstr_size, "Out of memory");
            return CD_SR_ERR_CONFIG;
        }
        return CD_SR_OK;
    }
    cd_sr_result_t rc;
    char *text = NULL;
    if (sr->mock_scope) {
        rc = mock_by_id(sr, id, &text, errstr, errstr_size);
    } else {
        char path[64];
        snprintf(path, sizeof(path), "/schemas/ids/%d", (int)id);
        rc = http_request(sr, path, NULL, errstr, errstr_size);
        if (rc == CD_SR_OK)
            rc = cd_sr_parse_schema_response(sr->body, sr->body_len, &text, errstr, errstr_size);
    }
    if (rc != CD_SR_OK)
        return rc;
    id_cache_put(sr, id, text);
    *schema_json = text;
    return CD_SR_OK;
}

cd_sr_result_t cd_schema_registry_latest(cd_schema_registry_t *sr, const char *subject, int32_t *id,
                                         int32_t *version, char **schema_json, char *errstr,
                                         size_t errstr_size)
{
    if (!sr || !subject || !schema_json || strlen(subject) > SR_MAX_SUBJECT_LEN) {
        set_err(errstr, errstr_size, "Invalid argument: a subject is required");
        return CD_SR_ERR_CONFIG;
    }
    *schema_json = NULL;
    sr->last_status = sr->last_code = 0;
    sr_subject_t *subj = cache_subject(sr, subject, false);
    if (subj && subj->latest_valid &&
        (sr->latest_ttl < 0 || now_sec() - subj->latest_at < (double)sr->latest_ttl)) {
        if (!(*schema_json = strdup(subj->latest_schema))) {
            set_err(errstr, errstr_size, "Out of memory");
            return CD_SR_ERR_CONFIG;
        }
        *id = subj->latest_id;
        *version = subj->latest_version;
        return CD_SR_OK;
    }
    cd_sr_result_t rc;
    int32_t got_id = 0, got_version = 0;
    char *text = NULL;
    if (sr->mock_scope) {
        rc = mock_latest(sr, subject, &got_id, &got_version, &text, errstr, errstr_size);
    } else {
        char *path = subject_path("/subjects/%s/versions/latest%s", subject, "");
        if (!path) {
            set_err(errstr, errstr_size, "Out of memory");
            return CD_SR_ERR_CONFIG;
        }
        rc = http_request(sr, path, NULL, errstr, errstr_size);
        if (rc == CD_SR_OK)
            rc = cd_sr_parse_subject_version_response(sr->body, sr->body_len, &got_id, &got_version,
                                                      &text, errstr, errstr_size);
        free(path);
    }
    if (rc != CD_SR_OK)
        return rc;
    if (sr->latest_ttl != 0 && (subj = cache_subject(sr, subject, true)) != NULL) {
        char *copy = strdup(text);
        if (copy) {
            free(subj->latest_schema);
            subj->latest_schema = copy;
            subj->latest_id = got_id;
            subj->latest_version = got_version;
            subj->latest_at = now_sec();
            subj->latest_valid = true;
        }
    }
    *id = got_id;
    *version = got_version;
    *schema_json = text;
    return CD_SR_OK;
}
