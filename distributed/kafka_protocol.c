/*
 * kafka_protocol.c: encoders and bounded decoders for the Kafka requests the
 * worker group uses (see kafka_protocol.h), the version negotiation tables and
 * the SCRAM client computations. No I/O here (kafka_conn.c does the I/O), so
 * the decoders can be unit tested and fuzzed directly.
 */
#include "distributed/kafka_protocol.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static const struct {
    int16_t code;
    const char *name;
    const char *message;
} kp_errors[] = {
    {-1, "UNKNOWN_SERVER_ERROR",
     "The server experienced an unexpected error when processing the request."},
    {0, "NONE", ""},
    {7, "REQUEST_TIMED_OUT", "The request timed out."},
    {13, "NETWORK_EXCEPTION", "The server disconnected before a response was received."},
    {14, "COORDINATOR_LOAD_IN_PROGRESS",
     "The coordinator is loading and hence can't process requests."},
    {15, "COORDINATOR_NOT_AVAILABLE", "The coordinator is not available."},
    {16, "NOT_COORDINATOR", "This is not the correct coordinator."},
    {22, "ILLEGAL_GENERATION", "Specified group generation id is not valid."},
    {23, "INCONSISTENT_GROUP_PROTOCOL",
     "The group member's supported protocols are incompatible with those of existing members "
     "or first group member tried to join with empty protocol type or empty protocol list."},
    {24, "INVALID_GROUP_ID", "The configured groupId is invalid."},
    {25, "UNKNOWN_MEMBER_ID", "The coordinator is not aware of this member."},
    {26, "INVALID_SESSION_TIMEOUT",
     "The session timeout is not within the range allowed by the broker (as configured by "
     "group.min.session.timeout.ms and group.max.session.timeout.ms)."},
    {27, "REBALANCE_IN_PROGRESS", "The group is rebalancing, so a rejoin is needed."},
    {30, "GROUP_AUTHORIZATION_FAILED", "Group authorization failed."},
    {33, "UNSUPPORTED_SASL_MECHANISM", "The broker does not support the requested SASL mechanism."},
    {34, "ILLEGAL_SASL_STATE", "Request is not valid given the current SASL state."},
    {35, "UNSUPPORTED_VERSION", "The version of API is not supported."},
    {58, "SASL_AUTHENTICATION_FAILED", "SASL Authentication failed."},
    {79, "MEMBER_ID_REQUIRED",
     "The group member needs to have a valid member id before actually entering a consumer "
     "group."},
    {81, "GROUP_MAX_SIZE_REACHED", "The consumer group has reached its max size."},
    {82, "FENCED_INSTANCE_ID",
     "The broker rejected this static consumer since another consumer with the same "
     "group.instance.id has registered with a different member.id."},
};

const char *cd_kafka_error_message(int16_t code)
{
    for (size_t i = 0; i < sizeof(kp_errors) / sizeof(kp_errors[0]); i++)
        if (kp_errors[i].code == code)
            return kp_errors[i].message;
    return "The server experienced an unexpected error when processing the request.";
}

const char *cd_kafka_error_name(int16_t code)
{
    for (size_t i = 0; i < sizeof(kp_errors) / sizeof(kp_errors[0]); i++)
        if (kp_errors[i].code == code)
            return kp_errors[i].name;
    return "UNKNOWN_SERVER_ERROR";
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

void cd_kbuf_free(cd_kbuf_t *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}

void cd_kbuf_raw(cd_kbuf_t *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) {
            b->oom = true;
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void cd_kbuf_i8(cd_kbuf_t *b, int8_t v)
{
    cd_kbuf_raw(b, &v, 1);
}

void cd_kbuf_i16(cd_kbuf_t *b, int16_t v)
{
    uint8_t x[2] = {(uint8_t)((uint16_t)v >> 8), (uint8_t)v};
    cd_kbuf_raw(b, x, 2);
}

void cd_kbuf_i32(cd_kbuf_t *b, int32_t v)
{
    uint32_t u = (uint32_t)v;
    uint8_t x[4] = {(uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8), (uint8_t)u};
    cd_kbuf_raw(b, x, 4);
}

void cd_kbuf_uvarint(cd_kbuf_t *b, uint32_t v)
{
    uint8_t x[5];
    size_t n = 0;
    while (v >= 0x80) {
        x[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    x[n++] = (uint8_t)v;
    cd_kbuf_raw(b, x, n);
}

void cd_kbuf_str(cd_kbuf_t *b, bool flexible, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n > 32767)
        n = 32767; /* callers bound their strings; never emit an invalid length */
    if (flexible)
        cd_kbuf_uvarint(b, s ? (uint32_t)n + 1 : 0);
    else
        cd_kbuf_i16(b, s ? (int16_t)n : -1);
    if (s)
        cd_kbuf_raw(b, s, n);
}

void cd_kbuf_bytes(cd_kbuf_t *b, bool flexible, const uint8_t *p, size_t n)
{
    if (flexible)
        cd_kbuf_uvarint(b, (uint32_t)n + 1);
    else
        cd_kbuf_i32(b, (int32_t)n);
    cd_kbuf_raw(b, p, n);
}

void cd_kbuf_array(cd_kbuf_t *b, bool flexible, size_t n)
{
    if (flexible)
        cd_kbuf_uvarint(b, (uint32_t)n + 1);
    else
        cd_kbuf_i32(b, (int32_t)n);
}

void cd_kbuf_tags(cd_kbuf_t *b, bool flexible)
{
    if (flexible)
        cd_kbuf_uvarint(b, 0);
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

void cd_kreader_init(cd_kreader_t *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = len;
    r->pos = 0;
    r->err = false;
}

static const uint8_t *kr_take(cd_kreader_t *r, size_t n)
{
    if (r->err || n > r->len - r->pos) {
        r->err = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->pos;
    r->pos += n;
    return p;
}

int8_t cd_kread_i8(cd_kreader_t *r)
{
    const uint8_t *p = kr_take(r, 1);
    return p ? (int8_t)p[0] : 0;
}

int16_t cd_kread_i16(cd_kreader_t *r)
{
    const uint8_t *p = kr_take(r, 2);
    return p ? (int16_t)(uint16_t)((p[0] << 8) | p[1]) : 0;
}

int32_t cd_kread_i32(cd_kreader_t *r)
{
    const uint8_t *p = kr_take(r, 4);
    if (!p)
        return 0;
    return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
                     p[3]);
}

int64_t cd_kread_i64(cd_kreader_t *r)
{
    uint64_t hi = (uint32_t)cd_kread_i32(r), lo = (uint32_t)cd_kread_i32(r);
    return (int64_t)((hi << 32) | lo);
}

uint32_t cd_kread_uvarint(cd_kreader_t *r)
{
    uint32_t v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        const uint8_t *p = kr_take(r, 1);
        if (!p)
            return 0;
        if (shift == 28 && (*p & 0xF0)) {
            r->err = true;
            return 0;
        }
        v |= (uint32_t)(*p & 0x7F) << shift;
        if (!(*p & 0x80))
            return v;
    }
    r->err = true;
    return 0;
}

static cd_kstr_t kr_blob(cd_kreader_t *r, int64_t n)
{
    cd_kstr_t s = {NULL, -1};
    if (r->err || n < -1) {
        r->err = true;
        return s;
    }
    if (n == -1)
        return s;
    const uint8_t *p = kr_take(r, (size_t)n);
    if (!p)
        return s;
    s.p = (const char *)p;
    s.len = (int32_t)n;
    return s;
}

cd_kstr_t cd_kread_str(cd_kreader_t *r, bool flexible)
{
    int64_t n = flexible ? (int64_t)cd_kread_uvarint(r) - 1 : cd_kread_i16(r);
    return kr_blob(r, n);
}

cd_kstr_t cd_kread_bytes(cd_kreader_t *r, bool flexible)
{
    int64_t n = flexible ? (int64_t)cd_kread_uvarint(r) - 1 : cd_kread_i32(r);
    return kr_blob(r, n);
}

int32_t cd_kread_array(cd_kreader_t *r, bool flexible, size_t min_elem_size)
{
    int64_t n = flexible ? (int64_t)cd_kread_uvarint(r) - 1 : cd_kread_i32(r);
    if (r->err || n < -1) {
        r->err = true;
        return -1;
    }
    if (n > 0 && (uint64_t)n * (min_elem_size ? min_elem_size : 1) > r->len - r->pos) {
        r->err = true;
        return -1;
    }
    return (int32_t)n;
}

void cd_kread_tags(cd_kreader_t *r, bool flexible)
{
    if (!flexible)
        return;
    uint32_t n = cd_kread_uvarint(r);
    for (uint32_t i = 0; i < n && !r->err; i++) {
        (void)cd_kread_uvarint(r); /* tag */
        uint32_t size = cd_kread_uvarint(r);
        (void)kr_take(r, size);
    }
}

char *cd_kstr_dup(cd_kstr_t s)
{
    size_t n = s.len > 0 ? (size_t)s.len : 0;
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    if (n)
        memcpy(out, s.p, n);
    out[n] = 0;
    return out;
}

bool cd_kstr_eq(cd_kstr_t s, const char *c)
{
    if (s.len < 0)
        return c == NULL;
    return c && strlen(c) == (size_t)s.len && memcmp(s.p, c, (size_t)s.len) == 0;
}

static void kstr_copy(cd_kstr_t s, char *out, size_t out_size)
{
    size_t n = s.len > 0 ? (size_t)s.len : 0;
    if (n >= out_size)
        n = out_size - 1;
    if (n)
        memcpy(out, s.p, n);
    out[n] = 0;
}

/* ------------------------------------------------------------------ */
/* Versions                                                            */
/* ------------------------------------------------------------------ */

static const struct {
    int16_t key, min, max, flex;
} kp_apis[] = {
    {CD_KAPI_FIND_COORDINATOR, 0, 4, 3}, {CD_KAPI_JOIN_GROUP, 0, 9, 6},
    {CD_KAPI_HEARTBEAT, 0, 4, 4},        {CD_KAPI_LEAVE_GROUP, 0, 5, 4},
    {CD_KAPI_SYNC_GROUP, 0, 5, 4},       {CD_KAPI_SASL_HANDSHAKE, 1, 1, 99},
    {CD_KAPI_API_VERSIONS, 0, 3, 3},     {CD_KAPI_SASL_AUTHENTICATE, 0, 2, 2},
};

bool cd_kafka_flexible(int16_t api_key, int16_t version)
{
    for (size_t i = 0; i < sizeof(kp_apis) / sizeof(kp_apis[0]); i++)
        if (kp_apis[i].key == api_key)
            return version >= kp_apis[i].flex;
    return false;
}

bool cd_kafka_client_range(int16_t api_key, int16_t *min, int16_t *max)
{
    for (size_t i = 0; i < sizeof(kp_apis) / sizeof(kp_apis[0]); i++)
        if (kp_apis[i].key == api_key) {
            *min = kp_apis[i].min;
            *max = kp_apis[i].max;
            return true;
        }
    return false;
}

int16_t cd_kversions_pick(const cd_kversions_t *v, int16_t api_key)
{
    int16_t cmin, cmax;
    if (api_key < 0 || api_key >= CD_KAPI_COUNT || !cd_kafka_client_range(api_key, &cmin, &cmax))
        return -1;
    if (v->max[api_key] < 0)
        return -1;
    int16_t hi = cmax < v->max[api_key] ? cmax : v->max[api_key];
    int16_t lo = cmin > v->min[api_key] ? cmin : v->min[api_key];
    return hi >= lo ? hi : -1;
}

/* ------------------------------------------------------------------ */
/* Requests and responses                                              */
/* ------------------------------------------------------------------ */

void cd_kafka_request_header(cd_kbuf_t *b, int16_t api_key, int16_t version, int32_t corr,
                             const char *client_id)
{
    cd_kbuf_i16(b, api_key);
    cd_kbuf_i16(b, version);
    cd_kbuf_i32(b, corr);
    cd_kbuf_str(b, false, client_id); /* client_id is always a classic nullable string */
    cd_kbuf_tags(b, cd_kafka_flexible(api_key, version));
}

void cd_kafka_api_versions_request(cd_kbuf_t *b, int16_t version)
{
    if (version >= 3) {
        cd_kbuf_str(b, true, "connectd");
        cd_kbuf_str(b, true, "0.1.0");
        cd_kbuf_tags(b, true);
    }
}

int cd_kafka_api_versions_response(const uint8_t *p, size_t len, int16_t version, int16_t *error,
                                   cd_kversions_t *out)
{
    cd_kreader_t r;
    bool flex = version >= 3;
    cd_kreader_init(&r, p, len);
    for (int i = 0; i < CD_KAPI_COUNT; i++) {
        out->min[i] = -1;
        out->max[i] = -1;
    }
    *error = cd_kread_i16(&r);
    /* An UNSUPPORTED_VERSION answer is always encoded as v0. */
    if (!r.err && *error == CD_KERR_UNSUPPORTED_VERSION)
        flex = false;
    int32_t n = cd_kread_array(&r, flex, 6);
    for (int32_t i = 0; i < n && !r.err; i++) {
        int16_t key = cd_kread_i16(&r), mn = cd_kread_i16(&r), mx = cd_kread_i16(&r);
        cd_kread_tags(&r, flex);
        if (!r.err && key >= 0 && key < CD_KAPI_COUNT && mn >= 0 && mx >= mn) {
            out->min[key] = mn;
            out->max[key] = mx;
        }
    }
    return r.err ? -1 : 0; /* throttle time and tagged features are not needed */
}

void cd_kafka_find_coordinator_request(cd_kbuf_t *b, int16_t version, const char *group_id)
{
    bool flex = version >= 3;
    if (version <= 3)
        cd_kbuf_str(b, flex, group_id);
    if (version >= 1)
        cd_kbuf_i8(b, 0); /* key_type GROUP */
    if (version >= 4) {
        cd_kbuf_array(b, true, 1);
        cd_kbuf_str(b, true, group_id);
    }
    cd_kbuf_tags(b, flex);
}

int cd_kafka_find_coordinator_response(const uint8_t *p, size_t len, int16_t version,
                                       const char *group_id, cd_kcoordinator_t *out)
{
    cd_kreader_t r;
    bool flex = version >= 3;
    cd_kreader_init(&r, p, len);
    memset(out, 0, sizeof(*out));
    out->node_id = -1;
    if (version >= 1)
        (void)cd_kread_i32(&r); /* throttle */
    if (version <= 3) {
        out->error = cd_kread_i16(&r);
        if (version >= 1)
            kstr_copy(cd_kread_str(&r, flex), out->error_message, sizeof(out->error_message));
        out->node_id = cd_kread_i32(&r);
        kstr_copy(cd_kread_str(&r, flex), out->host, sizeof(out->host));
        out->port = cd_kread_i32(&r);
        cd_kread_tags(&r, flex);
        return r.err ? -1 : 0;
    }
    int32_t n = cd_kread_array(&r, true, 14);
    bool found = false;
    for (int32_t i = 0; i < n && !r.err; i++) {
        cd_kstr_t key = cd_kread_str(&r, true);
        int32_t node = cd_kread_i32(&r);
        cd_kstr_t host = cd_kread_str(&r, true);
        int32_t port = cd_kread_i32(&r);
        int16_t err = cd_kread_i16(&r);
        cd_kstr_t msg = cd_kread_str(&r, true);
        cd_kread_tags(&r, true);
        if (!r.err && !found && cd_kstr_eq(key, group_id)) {
            found = true;
            out->node_id = node;
            kstr_copy(host, out->host, sizeof(out->host));
            out->port = port;
            out->error = err;
            kstr_copy(msg, out->error_message, sizeof(out->error_message));
        }
    }
    cd_kread_tags(&r, true);
    if (r.err || !found)
        return -1;
    return 0;
}

void cd_kafka_join_group_request(cd_kbuf_t *b, int16_t version, const cd_kjoin_req_t *req)
{
    bool flex = version >= 6;
    cd_kbuf_str(b, flex, req->group_id);
    cd_kbuf_i32(b, req->session_timeout_ms);
    if (version >= 1)
        cd_kbuf_i32(b, req->rebalance_timeout_ms);
    cd_kbuf_str(b, flex, req->member_id);
    if (version >= 5)
        cd_kbuf_str(b, flex, NULL); /* group_instance_id: no static membership */
    cd_kbuf_str(b, flex, req->protocol_type);
    cd_kbuf_array(b, flex, req->protocol_count);
    for (size_t i = 0; i < req->protocol_count; i++) {
        cd_kbuf_str(b, flex, req->protocols[i].name);
        cd_kbuf_bytes(b, flex, req->protocols[i].metadata, req->protocols[i].metadata_len);
        cd_kbuf_tags(b, flex);
    }
    if (version >= 8)
        cd_kbuf_str(b, true, req->reason);
    cd_kbuf_tags(b, flex);
}

int cd_kafka_join_group_response(const uint8_t *p, size_t len, int16_t version,
                                 cd_kjoin_resp_t *out)
{
    cd_kreader_t r;
    bool flex = version >= 6;
    cd_kreader_init(&r, p, len);
    memset(out, 0, sizeof(*out));
    if (version >= 2)
        (void)cd_kread_i32(&r);
    out->error = cd_kread_i16(&r);
    out->generation = cd_kread_i32(&r);
    out->protocol_type.len = -1;
    if (version >= 7)
        out->protocol_type = cd_kread_str(&r, flex);
    out->protocol_name = cd_kread_str(&r, flex);
    out->leader = cd_kread_str(&r, flex);
    if (version >= 9)
        out->skip_assignment = cd_kread_i8(&r) != 0;
    out->member_id = cd_kread_str(&r, flex);
    /* member: id (>=1 byte) + metadata (>=1 byte) */
    int32_t n = cd_kread_array(&r, flex, 2);
    if (n > 0) {
        out->members = calloc((size_t)n, sizeof(*out->members));
        if (!out->members)
            return -1;
    }
    for (int32_t i = 0; i < n && !r.err; i++) {
        out->members[i].member_id = cd_kread_str(&r, flex);
        if (version >= 5)
            (void)cd_kread_str(&r, flex); /* group_instance_id */
        out->members[i].metadata = cd_kread_bytes(&r, flex);
        cd_kread_tags(&r, flex);
        if (out->members[i].member_id.len < 0)
            r.err = true;
        out->member_count = (size_t)i + 1;
    }
    cd_kread_tags(&r, flex);
    if (r.err) {
        free(out->members);
        out->members = NULL;
        out->member_count = 0;
        return -1;
    }
    return 0;
}

void cd_kafka_sync_group_request(cd_kbuf_t *b, int16_t version, const cd_ksync_req_t *req)
{
    bool flex = version >= 4;
    cd_kbuf_str(b, flex, req->group_id);
    cd_kbuf_i32(b, req->generation);
    cd_kbuf_str(b, flex, req->member_id);
    if (version >= 3)
        cd_kbuf_str(b, flex, NULL);
    if (version >= 5) {
        cd_kbuf_str(b, flex, req->protocol_type);
        cd_kbuf_str(b, flex, req->protocol_name);
    }
    cd_kbuf_array(b, flex, req->assignment_count);
    for (size_t i = 0; i < req->assignment_count; i++) {
        cd_kbuf_str(b, flex, req->assignments[i].member_id);
        cd_kbuf_bytes(b, flex, req->assignments[i].assignment, req->assignments[i].assignment_len);
        cd_kbuf_tags(b, flex);
    }
    cd_kbuf_tags(b, flex);
}

int cd_kafka_sync_group_response(const uint8_t *p, size_t len, int16_t version,
                                 cd_ksync_resp_t *out)
{
    cd_kreader_t r;
    bool flex = version >= 4;
    cd_kreader_init(&r, p, len);
    memset(out, 0, sizeof(*out));
    out->protocol_type.len = out->protocol_name.len = -1;
    if (version >= 1)
        (void)cd_kread_i32(&r);
    out->error = cd_kread_i16(&r);
    if (version >= 5) {
        out->protocol_type = cd_kread_str(&r, flex);
        out->protocol_name = cd_kread_str(&r, flex);
    }
    out->assignment = cd_kread_bytes(&r, flex);
    cd_kread_tags(&r, flex);
    return r.err ? -1 : 0;
}

void cd_kafka_heartbeat_request(cd_kbuf_t *b, int16_t version, const char *group_id,
                                int32_t generation, const char *member_id)
{
    bool flex = version >= 4;
    cd_kbuf_str(b, flex, group_id);
    cd_kbuf_i32(b, generation);
    cd_kbuf_str(b, flex, member_id);
    if (version >= 3)
        cd_kbuf_str(b, flex, NULL);
    cd_kbuf_tags(b, flex);
}

int cd_kafka_heartbeat_response(const uint8_t *p, size_t len, int16_t version, int16_t *error)
{
    cd_kreader_t r;
    bool flex = version >= 4;
    cd_kreader_init(&r, p, len);
    if (version >= 1)
        (void)cd_kread_i32(&r);
    *error = cd_kread_i16(&r);
    cd_kread_tags(&r, flex);
    return r.err ? -1 : 0;
}

void cd_kafka_leave_group_request(cd_kbuf_t *b, int16_t version, const char *group_id,
                                  const char *member_id, const char *reason)
{
    bool flex = version >= 4;
    cd_kbuf_str(b, flex, group_id);
    if (version <= 2) {
        cd_kbuf_str(b, flex, member_id);
    } else {
        cd_kbuf_array(b, flex, 1);
        cd_kbuf_str(b, flex, member_id);
        cd_kbuf_str(b, flex, NULL);
        if (version >= 5)
            cd_kbuf_str(b, flex, reason);
        cd_kbuf_tags(b, flex);
    }
    cd_kbuf_tags(b, flex);
}

int cd_kafka_leave_group_response(const uint8_t *p, size_t len, int16_t version, int16_t *error)
{
    cd_kreader_t r;
    bool flex = version >= 4;
    cd_kreader_init(&r, p, len);
    if (version >= 1)
        (void)cd_kread_i32(&r);
    *error = cd_kread_i16(&r);
    if (version >= 3) {
        int32_t n = cd_kread_array(&r, flex, 4);
        for (int32_t i = 0; i < n && !r.err; i++) {
            (void)cd_kread_str(&r, flex);
            (void)cd_kread_str(&r, flex);
            int16_t e = cd_kread_i16(&r);
            cd_kread_tags(&r, flex);
            if (!r.err && *error == 0)
                *error = e;
        }
    }
    cd_kread_tags(&r, flex);
    return r.err ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* SCRAM                                                               */
/* ------------------------------------------------------------------ */

static char *sc_escape_user(const char *u)
{
    size_t n = 0;
    for (const char *p = u; *p; p++)
        n += (*p == '=' || *p == ',') ? 3 : 1;
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = u; *p; p++) {
        if (*p == '=') {
            memcpy(o, "=3D", 3);
            o += 3;
        } else if (*p == ',') {
            memcpy(o, "=2C", 3);
            o += 3;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    return out;
}

int cd_scram_client_first(cd_scram_t *s, int sha, const char *user, const char *password,
                          const char *nonce, char **client_first)
{
    memset(s, 0, sizeof(*s));
    s->sha = sha;
    if (nonce) {
        snprintf(s->nonce, sizeof(s->nonce), "%s", nonce);
    } else {
        static const char alphabet[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        unsigned char rnd[32];
        if (RAND_bytes(rnd, sizeof(rnd)) != 1)
            return -1;
        for (size_t i = 0; i < sizeof(rnd); i++)
            s->nonce[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
        s->nonce[sizeof(rnd)] = 0;
    }
    s->user = strdup(user);
    s->password = strdup(password);
    char *esc = sc_escape_user(user);
    if (!s->user || !s->password || !esc) {
        free(esc);
        return -1;
    }
    size_t n = strlen(esc) + strlen(s->nonce) + 16;
    s->client_first_bare = malloc(n);
    *client_first = malloc(n + 3);
    if (!s->client_first_bare || !*client_first) {
        free(esc);
        free(*client_first);
        *client_first = NULL;
        return -1;
    }
    snprintf(s->client_first_bare, n, "n=%s,r=%s", esc, s->nonce);
    snprintf(*client_first, n + 3, "n,,%s", s->client_first_bare);
    free(esc);
    return 0;
}

/* The value of attribute @p a ("r", "s", "i", "v", "e") in a SCRAM message. */
static char *sc_attr(const char *msg, size_t len, char a)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && msg[end] != ',')
            end++;
        if (end - i >= 2 && msg[i] == a && msg[i + 1] == '=')
            return strndup(msg + i + 2, end - i - 2);
        i = end + 1;
    }
    return NULL;
}

static const EVP_MD *sc_md(int sha)
{
    return sha == 512 ? EVP_sha512() : EVP_sha256();
}

int cd_scram_client_final(cd_scram_t *s, const char *server_first, size_t server_first_len,
                          char **client_final, char *errstr, size_t errstr_size)
{
    int rc = -1;
    char *r = NULL, *salt64 = NULL, *iter = NULL, *e = NULL, *auth = NULL, *final = NULL;
    unsigned char salt[256], salted[64], ckey[64], skey[64], stored[64], csig[64], proof[64];
    unsigned int mdlen = s->sha == 512 ? 64 : 32, l;
    const EVP_MD *md = sc_md(s->sha);
    char proof64[100];

    *client_final = NULL;
    if (server_first_len > 4096 || memchr(server_first, 0, server_first_len)) {
        snprintf(errstr, errstr_size, "Invalid SCRAM server first message");
        return -1;
    }
    e = sc_attr(server_first, server_first_len, 'e');
    if (e) {
        snprintf(errstr, errstr_size, "Invalid server first message: error %s", e);
        goto done;
    }
    r = sc_attr(server_first, server_first_len, 'r');
    salt64 = sc_attr(server_first, server_first_len, 's');
    iter = sc_attr(server_first, server_first_len, 'i');
    if (!r || !salt64 || !iter || strncmp(r, s->nonce, strlen(s->nonce)) != 0 ||
        strlen(r) <= strlen(s->nonce) || strlen(salt64) > 300) {
        snprintf(errstr, errstr_size, "Invalid SCRAM server first message");
        goto done;
    }
    char *endp;
    long iterations = strtol(iter, &endp, 10);
    if (*endp || iterations < 1 || iterations > 100000) {
        snprintf(errstr, errstr_size, "Invalid SCRAM iteration count %s", iter);
        goto done;
    }
    int saltlen = EVP_DecodeBlock(salt, (const unsigned char *)salt64, (int)strlen(salt64));
    size_t s64 = strlen(salt64);
    if (saltlen < 0 || s64 % 4 != 0) {
        snprintf(errstr, errstr_size, "Invalid SCRAM salt");
        goto done;
    }
    if (s64 >= 1 && salt64[s64 - 1] == '=')
        saltlen--;
    if (s64 >= 2 && salt64[s64 - 2] == '=')
        saltlen--;
    if (!PKCS5_PBKDF2_HMAC(s->password, (int)strlen(s->password), salt, saltlen, (int)iterations,
                           md, (int)mdlen, salted))
        goto done;
    HMAC(md, salted, (int)mdlen, (const unsigned char *)"Client Key", 10, ckey, &l);
    HMAC(md, salted, (int)mdlen, (const unsigned char *)"Server Key", 10, skey, &l);
    EVP_Digest(ckey, mdlen, stored, &l, md, NULL);
    size_t alen = strlen(s->client_first_bare) + server_first_len + strlen(r) + 16;
    auth = malloc(alen);
    if (!auth)
        goto done;
    int an = snprintf(auth, alen, "%s,%.*s,c=biws,r=%s", s->client_first_bare,
                      (int)server_first_len, server_first, r);
    HMAC(md, stored, (int)mdlen, (unsigned char *)auth, (size_t)an, csig, &l);
    HMAC(md, skey, (int)mdlen, (unsigned char *)auth, (size_t)an, s->server_signature, &l);
    for (unsigned int i = 0; i < mdlen; i++)
        proof[i] = ckey[i] ^ csig[i];
    EVP_EncodeBlock((unsigned char *)proof64, proof, (int)mdlen);
    size_t flen = strlen(r) + strlen(proof64) + 16;
    final = malloc(flen);
    if (!final)
        goto done;
    snprintf(final, flen, "c=biws,r=%s,p=%s", r, proof64);
    *client_final = final;
    rc = 0;
done:
    free(r);
    free(salt64);
    free(iter);
    free(e);
    free(auth);
    OPENSSL_cleanse(salted, sizeof(salted));
    OPENSSL_cleanse(ckey, sizeof(ckey));
    return rc;
}

int cd_scram_verify_server_final(cd_scram_t *s, const char *server_final, size_t len, char *errstr,
                                 size_t errstr_size)
{
    if (len > 4096) {
        snprintf(errstr, errstr_size, "Invalid SCRAM server final message");
        return -1;
    }
    char *e = sc_attr(server_final, len, 'e');
    if (e) {
        snprintf(errstr, errstr_size, "Sasl authentication using %s failed with error: %s",
                 s->sha == 512 ? "SCRAM-SHA-512" : "SCRAM-SHA-256", e);
        free(e);
        return -1;
    }
    char *v = sc_attr(server_final, len, 'v');
    char expect[100];
    EVP_EncodeBlock((unsigned char *)expect, s->server_signature, s->sha == 512 ? 64 : 32);
    int ok = v && strcmp(v, expect) == 0;
    free(v);
    if (!ok) {
        snprintf(errstr, errstr_size, "Invalid server signature in server final message");
        return -1;
    }
    return 0;
}

void cd_scram_clear(cd_scram_t *s)
{
    if (s->password)
        OPENSSL_cleanse(s->password, strlen(s->password));
    free(s->user);
    free(s->password);
    free(s->client_first_bare);
    memset(s, 0, sizeof(*s));
}
