/**
 * @file kinesis_client.c
 * @brief Amazon Kinesis Data Streams consumer client: AWS JSON 1.1 over one
 *        reused libcurl easy handle, signed by libcurl (CURLOPT_AWS_SIGV4).
 *
 * Transport: every call is `POST /` with the body passed through
 * CURLOPT_POSTFIELDS + CURLOPT_POSTFIELDSIZE (so libcurl hashes the payload for
 * the signature), Content-Type application/x-amz-json-1.1, X-Amz-Target and,
 * with temporary credentials, X-Amz-Security-Token. The signing scope is always
 * "aws:amz:<region>:kinesis" (never guessed from the host name). The response
 * body is collected into a buffer capped at CD_KINESIS_MAX_RESPONSE; the
 * X-Amzn-Errortype header is captured for error classification.
 *
 * Parsing: jansson; explicit JSON nulls are treated as absent; Base64 blobs are
 * validated and decoded with OpenSSL EVP_DecodeBlock (whose length counts the
 * padding, so the '=' count is subtracted); sequence numbers and hash keys are
 * kept as decimal strings. Any malformed body is a CD_KINESIS_ERR_FATAL with a
 * message, never a crash.
 */
#include "connectors/kinesis/kinesis_client.h"

#include "util/log.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KC_LOGGER "io.connectd.kinesis.KinesisClient"
#define KC_TARGET_PREFIX "Kinesis_20131202."
#define KC_MAX_SHARDS ((size_t)100000)
#define KC_MAX_RECORDS ((size_t)10000)
#define KC_MAX_ID 256             /* shard ids, sequence numbers (<= 129 digits), hash keys */
#define KC_MAX_PARTITION_KEY 4096 /* 256 Unicode chars as UTF-8, with room */
#define KC_MAX_ITERATOR 4096      /* API: <= 512 chars */
#define KC_MAX_TOKEN 65536        /* NextToken: opaque, API max 1048576; be strict but generous */
#define KC_MAX_MESSAGE 512

struct cd_kinesis_client_s {
    CURL *curl;
    char *url;
    char *sigv4;
    char *access_key_id;
    char *secret_access_key;
    char *session_token;
    char *proxy_url;
    char *proxy_username;
    char *proxy_password;
    char *non_proxy_hosts;
    /* Per-call response state. */
    char *body;
    size_t body_len;
    size_t body_cap;
    bool body_overflow;
    char error_type[256];
    char curl_err[CURL_ERROR_SIZE];
};

static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (!errstr || errstr_size == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errstr, errstr_size, fmt, ap);
    va_end(ap);
}

const char *cd_kinesis_err_name(cd_kinesis_err_t err)
{
    switch (err) {
    case CD_KINESIS_OK:
        return "ok";
    case CD_KINESIS_ERR_TRANSIENT:
        return "transient";
    case CD_KINESIS_ERR_THROTTLED:
        return "throttled";
    case CD_KINESIS_ERR_EXPIRED_ITERATOR:
        return "expired_iterator";
    case CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN:
        return "expired_next_token";
    case CD_KINESIS_ERR_NOT_FOUND:
        return "not_found";
    case CD_KINESIS_ERR_IN_USE:
        return "in_use";
    case CD_KINESIS_ERR_INVALID_ARGUMENT:
        return "invalid_argument";
    case CD_KINESIS_ERR_AUTH:
        return "auth";
    case CD_KINESIS_ERR_FATAL:
        return "fatal";
    }
    return "unknown";
}

const char *cd_kinesis_iterator_type_name(cd_kinesis_iterator_type_t type)
{
    switch (type) {
    case CD_KINESIS_TRIM_HORIZON:
        return "TRIM_HORIZON";
    case CD_KINESIS_LATEST:
        return "LATEST";
    case CD_KINESIS_AT_TIMESTAMP:
        return "AT_TIMESTAMP";
    case CD_KINESIS_AT_SEQUENCE_NUMBER:
        return "AT_SEQUENCE_NUMBER";
    case CD_KINESIS_AFTER_SEQUENCE_NUMBER:
        return "AFTER_SEQUENCE_NUMBER";
    }
    return "TRIM_HORIZON";
}

/* ---------------------------------------------------------------------------------------- */
/* Error classification                                                                     */
/* ---------------------------------------------------------------------------------------- */

/* Copies @p src (len bytes) into @p dst, replacing control characters, bounded. */
static void sanitize(char *dst, size_t dst_size, const char *src, size_t len)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < dst_size; i++) {
        unsigned char c = (unsigned char)src[i];
        dst[o++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    dst[o] = '\0';
}

/* Strips "ns#" prefix and ":uri" suffix and surrounding whitespace; bounded copy. */
static void normalize_type(char *dst, size_t dst_size, const char *src, size_t len)
{
    const char *hash = memchr(src, '#', len);
    if (hash) {
        /* the last '#' */
        const char *p = hash;
        while ((p = memchr(p + 1, '#', len - (size_t)(p + 1 - src))) != NULL)
            hash = p;
        len -= (size_t)(hash + 1 - src);
        src = hash + 1;
    }
    const char *colon = memchr(src, ':', len);
    if (colon)
        len = (size_t)(colon - src);
    while (len > 0 && (*src == ' ' || *src == '\t')) {
        src++;
        len--;
    }
    while (len > 0 && (src[len - 1] == ' ' || src[len - 1] == '\t' || src[len - 1] == '\r' ||
                       src[len - 1] == '\n'))
        len--;
    sanitize(dst, dst_size, src, len);
}

/* Compares an error type with @p name, the "Exception" suffix being optional on both. */
static bool type_is(const char *type, const char *name)
{
    size_t tl = strlen(type), nl = strlen(name);
    static const char suffix[] = "Exception";
    const size_t sl = sizeof(suffix) - 1;
    if (tl > sl && strcmp(type + tl - sl, suffix) == 0)
        tl -= sl;
    if (nl > sl && strcmp(name + nl - sl, suffix) == 0)
        nl -= sl;
    return tl == nl && strncmp(type, name, tl) == 0;
}

static cd_kinesis_err_t class_of(const char *type, long status)
{
    static const char *const throttled[] = {"ProvisionedThroughputExceeded",
                                            "LimitExceeded",
                                            "KMSThrottling",
                                            "Throttling",
                                            "TooManyRequests",
                                            "RequestLimitExceeded",
                                            "ThrottledException",
                                            "SlowDown",
                                            "RequestThrottled"};
    static const char *const auth[] = {"AccessDenied",
                                       "UnrecognizedClient",
                                       "InvalidSignature",
                                       "IncompleteSignature",
                                       "MissingAuthenticationToken",
                                       "ExpiredToken",
                                       "InvalidClientTokenId",
                                       "SignatureDoesNotMatch",
                                       "AuthFailure",
                                       "KMSAccessDenied",
                                       "KMSDisabled",
                                       "KMSInvalidState",
                                       "KMSNotFound",
                                       "KMSOptInRequired",
                                       "NotAuthorized",
                                       "RequestExpired"};
    static const char *const transient[] = {"InternalFailure", "InternalServerError",
                                            "InternalError",   "ServiceUnavailable",
                                            "RequestTimeout",  "Unavailable"};
    if (type && *type) {
        for (size_t i = 0; i < sizeof(throttled) / sizeof(throttled[0]); i++)
            if (type_is(type, throttled[i]))
                return CD_KINESIS_ERR_THROTTLED;
        if (type_is(type, "ExpiredIterator"))
            return CD_KINESIS_ERR_EXPIRED_ITERATOR;
        if (type_is(type, "ExpiredNextToken"))
            return CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN;
        if (type_is(type, "ResourceNotFound"))
            return CD_KINESIS_ERR_NOT_FOUND;
        if (type_is(type, "ResourceInUse"))
            return CD_KINESIS_ERR_IN_USE;
        if (type_is(type, "InvalidArgument") || type_is(type, "Validation"))
            return CD_KINESIS_ERR_INVALID_ARGUMENT;
        for (size_t i = 0; i < sizeof(auth) / sizeof(auth[0]); i++)
            if (type_is(type, auth[i]))
                return CD_KINESIS_ERR_AUTH;
        for (size_t i = 0; i < sizeof(transient) / sizeof(transient[0]); i++)
            if (type_is(type, transient[i]))
                return CD_KINESIS_ERR_TRANSIENT;
    }
    if (status >= 500 && status <= 599)
        return CD_KINESIS_ERR_TRANSIENT;
    if (status == 401 || status == 403)
        return CD_KINESIS_ERR_AUTH;
    if (status == 429)
        return CD_KINESIS_ERR_THROTTLED;
    return CD_KINESIS_ERR_FATAL;
}

cd_kinesis_err_t cd_kinesis_classify_error(const char *op, long http_status,
                                           const char *error_type_header, const char *body,
                                           size_t len, char *errstr, size_t errstr_size)
{
    char type[256] = "";
    char message[KC_MAX_MESSAGE + 1] = "";
    json_t *root = NULL;
    if (!op)
        op = "?";
    if (body && len > 0 && len <= CD_KINESIS_MAX_RESPONSE)
        root = json_loadb(body, len, 0, NULL);
    if (root && !json_is_object(root)) {
        json_decref(root);
        root = NULL;
    }
    if (error_type_header && *error_type_header)
        normalize_type(type, sizeof(type), error_type_header, strnlen(error_type_header, 1024));
    if (!type[0] && root) {
        const char *keys[] = {"__type", "code", "Code"};
        for (size_t i = 0; i < 3 && !type[0]; i++) {
            json_t *t = json_object_get(root, keys[i]);
            if (json_is_string(t))
                normalize_type(type, sizeof(type), json_string_value(t), json_string_length(t));
        }
    }
    if (root) {
        json_t *m = json_object_get(root, "message");
        if (!json_is_string(m))
            m = json_object_get(root, "Message");
        if (json_is_string(m))
            sanitize(message, sizeof(message), json_string_value(m), json_string_length(m));
    } else if (body && len > 0) {
        /* Not JSON (e.g. an HTML error page from a proxy): show its start. */
        sanitize(message, sizeof(message), body, len < 200 ? len : 200);
    }
    cd_kinesis_err_t cls = class_of(type, http_status);
    if (!type[0]) {
        if (http_status >= 500)
            snprintf(type, sizeof(type), "InternalFailure");
        else
            snprintf(type, sizeof(type), "UnknownError");
    }
    if (!message[0])
        snprintf(message, sizeof(message), "HTTP %ld", http_status);
    set_err(errstr, errstr_size, "%s: %s (Service: Kinesis, Status Code: %ld, Operation: %s)", type,
            message, http_status, op);
    json_decref(root);
    return cls;
}

/* ---------------------------------------------------------------------------------------- */
/* JSON helpers                                                                             */
/* ---------------------------------------------------------------------------------------- */

/* Gets an optional string member: 0 = absent or null (*out NULL), 1 = present (*out points
 * into the JSON), -1 = wrong type, too long, empty when required non-empty, or embedded NUL. */
static int get_str(json_t *obj, const char *key, size_t max_len, const char **out, char *errstr,
                   size_t errstr_size, const char *what)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        set_err(errstr, errstr_size, "%s: %s is not a string", what, key);
        return -1;
    }
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (len > max_len || strlen(s) != len) {
        set_err(errstr, errstr_size, "%s: invalid %s (longer than %zu bytes or contains NUL)", what,
                key, max_len);
        return -1;
    }
    *out = s;
    return 1;
}

static int dup_str(json_t *obj, const char *key, size_t max_len, bool required, char **out,
                   char *errstr, size_t errstr_size, const char *what)
{
    const char *s = NULL;
    *out = NULL;
    int rc = get_str(obj, key, max_len, &s, errstr, errstr_size, what);
    if (rc < 0)
        return -1;
    if (rc == 0 || (required && !*s)) {
        if (required) {
            set_err(errstr, errstr_size, "%s: %s is missing", what, key);
            return -1;
        }
        return 0;
    }
    *out = strdup(s);
    if (!*out) {
        set_err(errstr, errstr_size, "out of memory");
        return -1;
    }
    return 0;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Optional array member: NULL when absent or null; -1 when not an array. */
static int get_array(json_t *obj, const char *key, json_t **out, char *errstr, size_t errstr_size,
                     const char *what)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v)) {
        set_err(errstr, errstr_size, "%s: %s is not an array", what, key);
        return -1;
    }
    *out = v;
    return 0;
}

static json_t *load_object(const char *body, size_t len, const char *what, char *errstr,
                           size_t errstr_size)
{
    if (!body || len == 0) {
        set_err(errstr, errstr_size, "Malformed %s response: empty body", what);
        return NULL;
    }
    if (len > CD_KINESIS_MAX_RESPONSE) {
        set_err(errstr, errstr_size, "Malformed %s response: larger than %zu bytes", what,
                CD_KINESIS_MAX_RESPONSE);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        set_err(errstr, errstr_size, "Malformed %s response: %s (at byte %d)", what, jerr.text,
                jerr.position);
        return NULL;
    }
    if (!json_is_object(root)) {
        set_err(errstr, errstr_size, "Malformed %s response: not a JSON object", what);
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Base64 (standard alphabet, padded). Returns 0 and a malloc'd buffer (at least 1 byte). */
static int base64_decode(const char *in, size_t in_len, unsigned char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (in_len % 4 != 0 || in_len > (size_t)INT32_MAX)
        return -1;
    size_t pad = 0;
    for (size_t i = 0; i < in_len; i++) {
        unsigned char c = (unsigned char)in[i];
        bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '+' || c == '/';
        if (c == '=') {
            if (i + 2 < in_len) /* padding only in the last two positions */
                return -1;
            pad++;
        } else if (!alpha || pad > 0) {
            return -1;
        }
    }
    if (pad > 2)
        return -1;
    size_t cap = in_len / 4 * 3;
    unsigned char *buf = malloc(cap + 1);
    if (!buf)
        return -1;
    if (in_len > 0) {
        int n = EVP_DecodeBlock(buf, (const unsigned char *)in, (int)in_len);
        if (n < 0 || (size_t)n != cap) {
            free(buf);
            return -1;
        }
    }
    *out = buf;
    *out_len = cap - pad; /* EVP_DecodeBlock counts padding as decoded zero bytes (T17) */
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* GetRecords                                                                               */
/* ---------------------------------------------------------------------------------------- */

void cd_kinesis_records_clear(cd_kinesis_records_t *records)
{
    if (!records)
        return;
    for (size_t i = 0; i < records->count; i++) {
        free(records->records[i].sequence_number);
        free(records->records[i].partition_key);
        free(records->records[i].data);
    }
    free(records->records);
    free(records->next_iterator);
    for (size_t i = 0; i < records->child_count; i++) {
        free(records->children[i].shard_id);
        free(records->children[i].parents[0]);
        free(records->children[i].parents[1]);
    }
    free(records->children);
    memset(records, 0, sizeof(*records));
    records->millis_behind_latest = -1;
}

static int parse_record(json_t *rec, size_t index, cd_kinesis_record_t *out, char *errstr,
                        size_t errstr_size)
{
    char what[64];
    snprintf(what, sizeof(what), "Malformed GetRecords response: record %zu", index);
    if (!json_is_object(rec)) {
        set_err(errstr, errstr_size, "%s is not an object", what);
        return -1;
    }
    if (dup_str(rec, "SequenceNumber", KC_MAX_ID, true, &out->sequence_number, errstr, errstr_size,
                what) != 0)
        return -1;
    if (!all_digits(out->sequence_number)) {
        set_err(errstr, errstr_size, "%s: SequenceNumber is not a decimal number", what);
        return -1;
    }
    if (dup_str(rec, "PartitionKey", KC_MAX_PARTITION_KEY, true, &out->partition_key, errstr,
                errstr_size, what) != 0)
        return -1;
    const char *data = NULL;
    int rc = get_str(rec, "Data", CD_KINESIS_MAX_RESPONSE, &data, errstr, errstr_size, what);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        set_err(errstr, errstr_size, "%s: Data is missing", what);
        return -1;
    }
    if (base64_decode(data, strlen(data), &out->data, &out->data_len) != 0) {
        set_err(errstr, errstr_size, "%s: Data is not valid Base64", what);
        return -1;
    }
    out->arrival_ms = -1;
    json_t *ts = json_object_get(rec, "ApproximateArrivalTimestamp");
    if (ts && !json_is_null(ts)) {
        if (!json_is_number(ts)) {
            set_err(errstr, errstr_size, "%s: ApproximateArrivalTimestamp is not a number", what);
            return -1;
        }
        double seconds = json_number_value(ts);
        /* 0 .. year ~5000, well inside int64 ms and double precision for ms. */
        if (!isfinite(seconds) || seconds < 0 || seconds > 1e11) {
            set_err(errstr, errstr_size, "%s: ApproximateArrivalTimestamp out of range", what);
            return -1;
        }
        out->arrival_ms = (int64_t)llround(seconds * 1000.0);
    }
    return 0;
}

static int parse_child(json_t *child, size_t index, cd_kinesis_child_shard_t *out, char *errstr,
                       size_t errstr_size)
{
    char what[64];
    snprintf(what, sizeof(what), "Malformed GetRecords response: ChildShards[%zu]", index);
    if (!json_is_object(child)) {
        set_err(errstr, errstr_size, "%s is not an object", what);
        return -1;
    }
    if (dup_str(child, "ShardId", KC_MAX_ID, true, &out->shard_id, errstr, errstr_size, what) != 0)
        return -1;
    json_t *parents = NULL;
    if (get_array(child, "ParentShards", &parents, errstr, errstr_size, what) != 0)
        return -1;
    size_t n = parents ? json_array_size(parents) : 0;
    if (n > 2) {
        set_err(errstr, errstr_size, "%s: more than two ParentShards", what);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(parents, i);
        size_t plen = json_is_string(p) ? json_string_length(p) : 0;
        if (!json_is_string(p) || plen == 0 || plen > KC_MAX_ID ||
            strlen(json_string_value(p)) != plen) {
            set_err(errstr, errstr_size, "%s: invalid ParentShards entry", what);
            return -1;
        }
        out->parents[i] = strdup(json_string_value(p));
        if (!out->parents[i]) {
            set_err(errstr, errstr_size, "out of memory");
            return -1;
        }
    }
    return 0;
}

cd_kinesis_err_t cd_kinesis_parse_get_records(const char *body, size_t len,
                                              cd_kinesis_records_t *out, char *errstr,
                                              size_t errstr_size)
{
    const char *what = "Malformed GetRecords response";
    memset(out, 0, sizeof(*out));
    out->millis_behind_latest = -1;
    json_t *root = load_object(body, len, "GetRecords", errstr, errstr_size);
    if (!root)
        return CD_KINESIS_ERR_FATAL;
    json_t *records = NULL;
    if (get_array(root, "Records", &records, errstr, errstr_size, what) != 0)
        goto fail;
    size_t n = records ? json_array_size(records) : 0;
    if (n > KC_MAX_RECORDS) {
        set_err(errstr, errstr_size, "%s: more than %zu records", what, KC_MAX_RECORDS);
        goto fail;
    }
    if (n > 0) {
        out->records = calloc(n, sizeof(*out->records));
        if (!out->records) {
            set_err(errstr, errstr_size, "out of memory");
            goto fail;
        }
    }
    for (size_t i = 0; i < n; i++) {
        out->count = i + 1; /* so a half-parsed record is freed too */
        if (parse_record(json_array_get(records, i), i, &out->records[i], errstr, errstr_size) != 0)
            goto fail;
    }
    if (dup_str(root, "NextShardIterator", KC_MAX_ITERATOR, false, &out->next_iterator, errstr,
                errstr_size, what) != 0)
        goto fail;
    if (out->next_iterator && !*out->next_iterator) {
        set_err(errstr, errstr_size, "%s: NextShardIterator is empty", what);
        goto fail;
    }
    json_t *behind = json_object_get(root, "MillisBehindLatest");
    if (behind && !json_is_null(behind)) {
        if (json_is_integer(behind) && json_integer_value(behind) >= 0) {
            out->millis_behind_latest = (int64_t)json_integer_value(behind);
        } else if (json_is_real(behind) && json_real_value(behind) >= 0 &&
                   json_real_value(behind) < 9e18 &&
                   floor(json_real_value(behind)) == json_real_value(behind)) {
            out->millis_behind_latest = (int64_t)json_real_value(behind);
        } else {
            set_err(errstr, errstr_size, "%s: MillisBehindLatest is not a non-negative integer",
                    what);
            goto fail;
        }
    }
    json_t *children = NULL;
    if (get_array(root, "ChildShards", &children, errstr, errstr_size, what) != 0)
        goto fail;
    size_t nc = children ? json_array_size(children) : 0;
    if (nc > 1000) {
        set_err(errstr, errstr_size, "%s: more than 1000 ChildShards", what);
        goto fail;
    }
    if (nc > 0) {
        out->children = calloc(nc, sizeof(*out->children));
        if (!out->children) {
            set_err(errstr, errstr_size, "out of memory");
            goto fail;
        }
    }
    for (size_t i = 0; i < nc; i++) {
        out->child_count = i + 1;
        if (parse_child(json_array_get(children, i), i, &out->children[i], errstr, errstr_size) !=
            0)
            goto fail;
    }
    out->response_bytes = len;
    json_decref(root);
    return CD_KINESIS_OK;
fail:
    json_decref(root);
    cd_kinesis_records_clear(out);
    return CD_KINESIS_ERR_FATAL;
}

/* ---------------------------------------------------------------------------------------- */
/* ListShards                                                                               */
/* ---------------------------------------------------------------------------------------- */

static void shard_free(cd_kinesis_shard_t *s)
{
    free(s->shard_id);
    free(s->parent_shard_id);
    free(s->adjacent_parent_shard_id);
    free(s->starting_hash_key);
    free(s->ending_hash_key);
    free(s->starting_sequence_number);
    free(s->ending_sequence_number);
    memset(s, 0, sizeof(*s));
}

static void shard_list_truncate(cd_kinesis_shard_list_t *list, size_t count)
{
    while (list->count > count)
        shard_free(&list->shards[--list->count]);
}

void cd_kinesis_shard_list_clear(cd_kinesis_shard_list_t *list)
{
    if (!list)
        return;
    shard_list_truncate(list, 0);
    free(list->shards);
    memset(list, 0, sizeof(*list));
}

static int parse_shard(json_t *js, size_t index, cd_kinesis_shard_t *s, char *errstr,
                       size_t errstr_size)
{
    char what[64];
    snprintf(what, sizeof(what), "Malformed ListShards response: Shards[%zu]", index);
    if (!json_is_object(js)) {
        set_err(errstr, errstr_size, "%s is not an object", what);
        return -1;
    }
    if (dup_str(js, "ShardId", KC_MAX_ID, true, &s->shard_id, errstr, errstr_size, what) != 0 ||
        dup_str(js, "ParentShardId", KC_MAX_ID, false, &s->parent_shard_id, errstr, errstr_size,
                what) != 0 ||
        dup_str(js, "AdjacentParentShardId", KC_MAX_ID, false, &s->adjacent_parent_shard_id, errstr,
                errstr_size, what) != 0)
        return -1;
    json_t *range = json_object_get(js, "HashKeyRange");
    if (range && !json_is_null(range)) {
        if (!json_is_object(range)) {
            set_err(errstr, errstr_size, "%s: HashKeyRange is not an object", what);
            return -1;
        }
        if (dup_str(range, "StartingHashKey", KC_MAX_ID, false, &s->starting_hash_key, errstr,
                    errstr_size, what) != 0 ||
            dup_str(range, "EndingHashKey", KC_MAX_ID, false, &s->ending_hash_key, errstr,
                    errstr_size, what) != 0)
            return -1;
        if ((s->starting_hash_key && !all_digits(s->starting_hash_key)) ||
            (s->ending_hash_key && !all_digits(s->ending_hash_key))) {
            set_err(errstr, errstr_size, "%s: hash key is not a decimal number", what);
            return -1;
        }
    }
    json_t *seq = json_object_get(js, "SequenceNumberRange");
    if (seq && !json_is_null(seq)) {
        if (!json_is_object(seq)) {
            set_err(errstr, errstr_size, "%s: SequenceNumberRange is not an object", what);
            return -1;
        }
        if (dup_str(seq, "StartingSequenceNumber", KC_MAX_ID, false, &s->starting_sequence_number,
                    errstr, errstr_size, what) != 0 ||
            dup_str(seq, "EndingSequenceNumber", KC_MAX_ID, false, &s->ending_sequence_number,
                    errstr, errstr_size, what) != 0)
            return -1;
        if ((s->starting_sequence_number && !all_digits(s->starting_sequence_number)) ||
            (s->ending_sequence_number && !all_digits(s->ending_sequence_number))) {
            set_err(errstr, errstr_size, "%s: sequence number is not a decimal number", what);
            return -1;
        }
    }
    return 0;
}

cd_kinesis_err_t cd_kinesis_parse_list_shards(const char *body, size_t len,
                                              cd_kinesis_shard_list_t *out, char **next_token,
                                              char *errstr, size_t errstr_size)
{
    const char *what = "Malformed ListShards response";
    size_t start = out->count;
    if (next_token)
        *next_token = NULL;
    json_t *root = load_object(body, len, "ListShards", errstr, errstr_size);
    if (!root)
        return CD_KINESIS_ERR_FATAL;
    json_t *shards = NULL;
    char *token = NULL;
    if (get_array(root, "Shards", &shards, errstr, errstr_size, what) != 0)
        goto fail;
    size_t n = shards ? json_array_size(shards) : 0;
    if (n > KC_MAX_SHARDS || out->count + n > KC_MAX_SHARDS) {
        set_err(errstr, errstr_size, "%s: more than %zu shards", what, KC_MAX_SHARDS);
        goto fail;
    }
    if (out->count + n > out->capacity) {
        size_t cap = out->capacity ? out->capacity : 16;
        while (cap < out->count + n)
            cap *= 2;
        cd_kinesis_shard_t *grown = realloc(out->shards, cap * sizeof(*grown));
        if (!grown) {
            set_err(errstr, errstr_size, "out of memory");
            goto fail;
        }
        out->shards = grown;
        out->capacity = cap;
    }
    for (size_t i = 0; i < n; i++) {
        cd_kinesis_shard_t *s = &out->shards[out->count++];
        memset(s, 0, sizeof(*s));
        if (parse_shard(json_array_get(shards, i), i, s, errstr, errstr_size) != 0)
            goto fail;
    }
    if (dup_str(root, "NextToken", KC_MAX_TOKEN, false, &token, errstr, errstr_size, what) != 0)
        goto fail;
    if (token && !*token) { /* an empty token means no more pages */
        free(token);
        token = NULL;
    }
    json_decref(root);
    if (next_token)
        *next_token = token;
    else
        free(token);
    return CD_KINESIS_OK;
fail:
    free(token);
    json_decref(root);
    shard_list_truncate(out, start);
    return CD_KINESIS_ERR_FATAL;
}

/* ---------------------------------------------------------------------------------------- */
/* Transport                                                                                */
/* ---------------------------------------------------------------------------------------- */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    cd_kinesis_client_t *c = userdata;
    size_t n = size * nmemb;
    if (n > CD_KINESIS_MAX_RESPONSE - c->body_len) {
        c->body_overflow = true;
        return 0; /* aborts the transfer (CURLE_WRITE_ERROR) */
    }
    if (c->body_len + n + 1 > c->body_cap) {
        size_t cap = c->body_cap ? c->body_cap : 16384;
        while (cap < c->body_len + n + 1)
            cap *= 2;
        if (cap > CD_KINESIS_MAX_RESPONSE + 1)
            cap = CD_KINESIS_MAX_RESPONSE + 1;
        char *grown = realloc(c->body, cap);
        if (!grown)
            return 0;
        c->body = grown;
        c->body_cap = cap;
    }
    memcpy(c->body + c->body_len, ptr, n);
    c->body_len += n;
    c->body[c->body_len] = '\0';
    return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    cd_kinesis_client_t *c = userdata;
    size_t n = size * nmemb;
    static const char name[] = "x-amzn-errortype:";
    const size_t nl = sizeof(name) - 1;
    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        c->error_type[0] = '\0'; /* a new response (e.g. after 100 Continue) */
    } else if (n > nl && strncasecmp(ptr, name, nl) == 0) {
        normalize_type(c->error_type, sizeof(c->error_type), ptr + nl, n - nl);
    }
    return n;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static char *dup_opt(const char *s, bool *oom)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *oom = true;
    return d;
}

void cd_kinesis_client_destroy(cd_kinesis_client_t *client)
{
    if (!client)
        return;
    if (client->curl)
        curl_easy_cleanup(client->curl);
    free(client->url);
    free(client->sigv4);
    free(client->access_key_id);
    if (client->secret_access_key) {
        volatile char *p = client->secret_access_key;
        while (*p)
            *p++ = 0;
    }
    free(client->secret_access_key);
    free(client->session_token);
    free(client->proxy_url);
    free(client->proxy_username);
    free(client->proxy_password);
    free(client->non_proxy_hosts);
    free(client->body);
    free(client);
}

#define SETOPT(opt, val)                                                                           \
    do {                                                                                           \
        if (curl_easy_setopt(c->curl, opt, val) != CURLE_OK) {                                     \
            set_err(errstr, errstr_size, "libcurl refused option " #opt);                          \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

cd_kinesis_client_t *cd_kinesis_client_new(const cd_kinesis_client_config_t *config, char *errstr,
                                           size_t errstr_size)
{
    cd_kinesis_client_t *c = NULL;
    if (!config || !config->endpoint || !*config->endpoint || !config->region || !*config->region ||
        !config->access_key_id || !*config->access_key_id || !config->secret_access_key ||
        !*config->secret_access_key) {
        set_err(errstr, errstr_size,
                "Kinesis client needs an endpoint, a region, an access key id and a secret key");
        return NULL;
    }
    if (strncmp(config->endpoint, "http://", 7) != 0 &&
        strncmp(config->endpoint, "https://", 8) != 0) {
        set_err(errstr, errstr_size, "Kinesis endpoint must be an http:// or https:// URL: %.200s",
                config->endpoint);
        return NULL;
    }
    for (const char *p = config->region; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') ||
            p - config->region > 64) {
            set_err(errstr, errstr_size, "Invalid AWS region: %.64s", config->region);
            return NULL;
        }
    }
    pthread_once(&curl_once, curl_init_once);
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    if (!info || info->version_num < 0x074B00) {
        set_err(errstr, errstr_size,
                "libcurl %s is too old for AWS SigV4 signing (CURLOPT_AWS_SIGV4 needs 7.75.0)",
                info ? info->version : "?");
        return NULL;
    }
    if (info->version_num < 0x075600) {
        static bool warned;
        if (!warned) {
            warned = true;
            cd_log_warn(KC_LOGGER,
                        "libcurl %s signs neither the port nor user headers "
                        "(X-Amz-Security-Token); upgrade to 7.86.0 or later for real AWS",
                        info->version);
        }
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        set_err(errstr, errstr_size, "out of memory");
        return NULL;
    }
    bool oom = false;
    size_t elen = strlen(config->endpoint);
    while (elen > 0 && config->endpoint[elen - 1] == '/')
        elen--;
    c->url = malloc(elen + 2);
    if (c->url) {
        memcpy(c->url, config->endpoint, elen);
        memcpy(c->url + elen, "/", 2);
    } else {
        oom = true;
    }
    size_t slen = strlen(config->region) + 32;
    c->sigv4 = malloc(slen);
    if (c->sigv4)
        snprintf(c->sigv4, slen, "aws:amz:%s:kinesis", config->region);
    else
        oom = true;
    c->access_key_id = dup_opt(config->access_key_id, &oom);
    c->secret_access_key = dup_opt(config->secret_access_key, &oom);
    if (config->session_token && *config->session_token)
        c->session_token = dup_opt(config->session_token, &oom);
    if (config->proxy_url && *config->proxy_url)
        c->proxy_url = dup_opt(config->proxy_url, &oom);
    c->proxy_username = dup_opt(config->proxy_username, &oom);
    c->proxy_password = dup_opt(config->proxy_password, &oom);
    c->non_proxy_hosts = dup_opt(config->non_proxy_hosts, &oom);
    if (oom) {
        set_err(errstr, errstr_size, "out of memory");
        goto fail;
    }
    if (c->session_token && strpbrk(c->session_token, "\r\n")) {
        set_err(errstr, errstr_size, "AWS session token contains a line break");
        goto fail;
    }
    c->curl = curl_easy_init();
    if (!c->curl) {
        set_err(errstr, errstr_size, "curl_easy_init failed");
        goto fail;
    }
    SETOPT(CURLOPT_URL, c->url);
#if LIBCURL_VERSION_NUM >= 0x075500
    SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    SETOPT(CURLOPT_AWS_SIGV4, c->sigv4);
    SETOPT(CURLOPT_USERNAME, c->access_key_id);
    SETOPT(CURLOPT_PASSWORD, c->secret_access_key);
    SETOPT(CURLOPT_POST, 1L);
    SETOPT(CURLOPT_NOSIGNAL, 1L);
    SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
    SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(CURLOPT_USERAGENT, "connectd-kinesis/1");
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS,
           config->connect_timeout_ms > 0 ? config->connect_timeout_ms : 10000L);
    SETOPT(CURLOPT_TIMEOUT_MS,
           config->request_timeout_ms > 0 ? config->request_timeout_ms : 30000L);
    SETOPT(CURLOPT_WRITEFUNCTION, on_body);
    SETOPT(CURLOPT_WRITEDATA, c);
    SETOPT(CURLOPT_HEADERFUNCTION, on_header);
    SETOPT(CURLOPT_HEADERDATA, c);
    SETOPT(CURLOPT_ERRORBUFFER, c->curl_err);
    /* Only the configured proxy: "" disables the http_proxy/https_proxy environment. */
    SETOPT(CURLOPT_PROXY, c->proxy_url ? c->proxy_url : "");
    if (c->proxy_url) {
        if (c->proxy_username)
            SETOPT(CURLOPT_PROXYUSERNAME, c->proxy_username);
        if (c->proxy_password)
            SETOPT(CURLOPT_PROXYPASSWORD, c->proxy_password);
        if (c->non_proxy_hosts && *c->non_proxy_hosts)
            SETOPT(CURLOPT_NOPROXY, c->non_proxy_hosts);
    }
    return c;
fail:
    cd_kinesis_client_destroy(c);
    return NULL;
}

/* Performs one call; on CD_KINESIS_OK the body is in client->body/body_len. */
static cd_kinesis_err_t do_call(cd_kinesis_client_t *c, const char *op, const char *req,
                                size_t req_len, char *errstr, size_t errstr_size)
{
    struct curl_slist *headers = NULL, *h;
    char target[128];
    char *token_header = NULL;
    cd_kinesis_err_t rc = CD_KINESIS_ERR_FATAL;
    if (!op || strlen(op) > 64 || strpbrk(op, "\r\n:")) {
        set_err(errstr, errstr_size, "Invalid Kinesis operation name");
        return CD_KINESIS_ERR_FATAL;
    }
    snprintf(target, sizeof(target), "X-Amz-Target: " KC_TARGET_PREFIX "%s", op);
    if (!(h = curl_slist_append(headers, "Content-Type: application/x-amz-json-1.1")))
        goto oom;
    headers = h;
    if (!(h = curl_slist_append(headers, target)))
        goto oom;
    headers = h;
    if (c->session_token) {
        size_t tl = strlen(c->session_token) + 32;
        token_header = malloc(tl);
        if (!token_header)
            goto oom;
        snprintf(token_header, tl, "X-Amz-Security-Token: %s", c->session_token);
        if (!(h = curl_slist_append(headers, token_header)))
            goto oom;
        headers = h;
    }
    c->body_len = 0;
    c->body_overflow = false;
    c->error_type[0] = '\0';
    c->curl_err[0] = '\0';
    if (c->body)
        c->body[0] = '\0';
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, req);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)req_len);
    CURLcode cc = curl_easy_perform(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
    if (cc != CURLE_OK) {
        if (c->body_overflow) {
            set_err(errstr, errstr_size, "%s failed: response larger than %zu bytes", op,
                    CD_KINESIS_MAX_RESPONSE);
            rc = CD_KINESIS_ERR_FATAL;
        } else {
            set_err(errstr, errstr_size, "%s failed: %s%s%s", op, curl_easy_strerror(cc),
                    c->curl_err[0] ? ": " : "", c->curl_err);
            /* Bad URL / unsupported protocol are configuration errors, the rest transient. */
            rc = (cc == CURLE_URL_MALFORMAT || cc == CURLE_UNSUPPORTED_PROTOCOL ||
                  cc == CURLE_OUT_OF_MEMORY)
                     ? CD_KINESIS_ERR_FATAL
                     : CD_KINESIS_ERR_TRANSIENT;
        }
        goto done;
    }
    long status = 0;
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status == 200) {
        rc = CD_KINESIS_OK;
    } else {
        rc = cd_kinesis_classify_error(op, status, c->error_type[0] ? c->error_type : NULL, c->body,
                                       c->body_len, errstr, errstr_size);
        if (rc == CD_KINESIS_OK)
            rc = CD_KINESIS_ERR_FATAL;
    }
    goto done;
oom:
    set_err(errstr, errstr_size, "out of memory");
    rc = CD_KINESIS_ERR_FATAL;
done:
    curl_slist_free_all(headers);
    free(token_header);
    return rc;
}

/* Serializes @p request and performs the call. */
static cd_kinesis_err_t call_json(cd_kinesis_client_t *c, const char *op, json_t *request,
                                  char *errstr, size_t errstr_size)
{
    char *req = request ? json_dumps(request, JSON_COMPACT) : strdup("{}");
    if (!req) {
        set_err(errstr, errstr_size, "%s failed: cannot serialize the request", op);
        return CD_KINESIS_ERR_FATAL;
    }
    cd_kinesis_err_t rc = do_call(c, op, req, strlen(req), errstr, errstr_size);
    free(req);
    return rc;
}

cd_kinesis_err_t cd_kinesis_call(cd_kinesis_client_t *client, const char *op, json_t *request,
                                 json_t **response, char *errstr, size_t errstr_size)
{
    if (response)
        *response = NULL;
    if (!client) {
        set_err(errstr, errstr_size, "no client");
        return CD_KINESIS_ERR_FATAL;
    }
    cd_kinesis_err_t rc = call_json(client, op, request, errstr, errstr_size);
    if (rc != CD_KINESIS_OK)
        return rc;
    char what[96];
    snprintf(what, sizeof(what), "%s", op);
    json_t *root = load_object(client->body, client->body_len, what, errstr, errstr_size);
    if (!root)
        return CD_KINESIS_ERR_FATAL;
    if (response)
        *response = root;
    else
        json_decref(root);
    return CD_KINESIS_OK;
}

cd_kinesis_err_t cd_kinesis_list_shards(cd_kinesis_client_t *client, const char *stream,
                                        cd_kinesis_shard_list_t *out, char *errstr,
                                        size_t errstr_size)
{
    if (!client || !stream || !*stream || !out) {
        set_err(errstr, errstr_size, "ListShards: missing stream name");
        return CD_KINESIS_ERR_INVALID_ARGUMENT;
    }
    const size_t start = out->count;
    bool restarted = false;
    char *token = NULL;
    cd_kinesis_err_t rc = CD_KINESIS_OK;
    size_t pages = 0;
    for (;;) {
        json_t *req = token ? json_pack("{s:s, s:i}", "NextToken", token, "MaxResults", 1000)
                            : json_pack("{s:s, s:i}", "StreamName", stream, "MaxResults", 1000);
        if (!req) {
            set_err(errstr, errstr_size, "ListShards failed: cannot build the request");
            rc = CD_KINESIS_ERR_FATAL;
            break;
        }
        rc = call_json(client, "ListShards", req, errstr, errstr_size);
        json_decref(req);
        if (rc == CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN && token && !restarted) {
            cd_log_info(KC_LOGGER, "ListShards of %s: NextToken expired, listing again", stream);
            restarted = true;
            free(token);
            token = NULL;
            shard_list_truncate(out, start);
            pages = 0;
            continue;
        }
        if (rc != CD_KINESIS_OK)
            break;
        char *next = NULL;
        rc = cd_kinesis_parse_list_shards(client->body, client->body_len, out, &next, errstr,
                                          errstr_size);
        if (rc != CD_KINESIS_OK)
            break;
        if (!next)
            break;
        if (++pages > KC_MAX_SHARDS || (token && strcmp(token, next) == 0)) {
            set_err(errstr, errstr_size, "ListShards of %s: the service keeps returning pages",
                    stream);
            free(next);
            rc = CD_KINESIS_ERR_FATAL;
            break;
        }
        free(token);
        token = next;
    }
    free(token);
    if (rc != CD_KINESIS_OK)
        shard_list_truncate(out, start);
    return rc;
}

cd_kinesis_err_t cd_kinesis_get_shard_iterator(cd_kinesis_client_t *client, const char *stream,
                                               const char *shard_id,
                                               cd_kinesis_iterator_type_t type,
                                               const char *sequence_number, int64_t timestamp_ms,
                                               char **iterator, char *errstr, size_t errstr_size)
{
    if (iterator)
        *iterator = NULL;
    if (!client || !stream || !*stream || !shard_id || !*shard_id || !iterator) {
        set_err(errstr, errstr_size, "GetShardIterator: missing stream or shard");
        return CD_KINESIS_ERR_INVALID_ARGUMENT;
    }
    json_t *req = json_pack("{s:s, s:s, s:s}", "StreamName", stream, "ShardId", shard_id,
                            "ShardIteratorType", cd_kinesis_iterator_type_name(type));
    if (!req) {
        set_err(errstr, errstr_size, "GetShardIterator failed: cannot build the request");
        return CD_KINESIS_ERR_FATAL;
    }
    if (type == CD_KINESIS_AT_SEQUENCE_NUMBER || type == CD_KINESIS_AFTER_SEQUENCE_NUMBER) {
        if (!sequence_number || !all_digits(sequence_number) ||
            strlen(sequence_number) > KC_MAX_ID) {
            json_decref(req);
            set_err(errstr, errstr_size, "GetShardIterator: invalid sequence number");
            return CD_KINESIS_ERR_INVALID_ARGUMENT;
        }
        json_object_set_new(req, "StartingSequenceNumber", json_string(sequence_number));
    } else if (type == CD_KINESIS_AT_TIMESTAMP) {
        if (timestamp_ms < 0) {
            json_decref(req);
            set_err(errstr, errstr_size, "GetShardIterator: invalid timestamp");
            return CD_KINESIS_ERR_INVALID_ARGUMENT;
        }
        json_object_set_new(req, "Timestamp", json_real((double)timestamp_ms / 1000.0));
    }
    json_t *resp = NULL;
    cd_kinesis_err_t rc =
        cd_kinesis_call(client, "GetShardIterator", req, &resp, errstr, errstr_size);
    json_decref(req);
    if (rc != CD_KINESIS_OK)
        return rc;
    if (dup_str(resp, "ShardIterator", KC_MAX_ITERATOR, true, iterator, errstr, errstr_size,
                "Malformed GetShardIterator response") != 0)
        rc = CD_KINESIS_ERR_FATAL;
    json_decref(resp);
    return rc;
}

cd_kinesis_err_t cd_kinesis_get_records(cd_kinesis_client_t *client, const char *iterator,
                                        int limit, cd_kinesis_records_t *out, char *errstr,
                                        size_t errstr_size)
{
    if (out) {
        memset(out, 0, sizeof(*out));
        out->millis_behind_latest = -1;
    }
    if (!client || !iterator || !*iterator || !out || limit < 1 || limit > 10000) {
        set_err(errstr, errstr_size, "GetRecords: missing iterator or Limit outside 1..10000");
        return CD_KINESIS_ERR_INVALID_ARGUMENT;
    }
    json_t *req = json_pack("{s:s, s:i}", "ShardIterator", iterator, "Limit", limit);
    if (!req) {
        set_err(errstr, errstr_size, "GetRecords failed: cannot build the request");
        return CD_KINESIS_ERR_FATAL;
    }
    cd_kinesis_err_t rc = call_json(client, "GetRecords", req, errstr, errstr_size);
    json_decref(req);
    if (rc != CD_KINESIS_OK)
        return rc;
    return cd_kinesis_parse_get_records(client->body, client->body_len, out, errstr, errstr_size);
}
