/*
 * group_member.c: the worker's membership of its Connect group (Java's
 * WorkerGroupMember + AbstractCoordinator) over kafka_protocol.h. The poll
 * caller (herder thread) finds the coordinator and runs JoinGroup/SyncGroup;
 * a heartbeat thread with its own coordinator connection keeps the session
 * alive and flags rejoins. State shared by both is guarded by m->lock. See
 * docs/modules/group-member.md.
 */
#include "distributed/group_member.h"

#include "distributed/kafka_protocol.h"
#include "util/log.h"
#include "util/properties.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define GM_LOGGER "org.apache.kafka.connect.runtime.distributed.WorkerCoordinator"
#define GM_PROTOCOL_TYPE "connect"
#define GM_MAX_PROTOCOLS 4
#define GM_JOIN_SLACK_MS 5000

typedef enum gm_state_e {
    GM_UNJOINED,
    GM_REBALANCING,
    GM_STABLE,
} gm_state_t;

struct cd_group_member_s {
    /* configuration (immutable) */
    char *group_id;
    char *client_id;
    char **bootstrap;
    size_t bootstrap_count;
    int32_t session_timeout_ms, rebalance_timeout_ms, heartbeat_interval_ms, request_timeout_ms;
    int64_t retry_backoff_ms;
    cd_ksecurity_t sec;
    cd_group_callbacks_t cb;

    /* poll-thread only */
    cd_kconn_t *coord;  /**< connection to the coordinator */
    bool join_prepared; /**< join_prepare called for the pending join */
    char *protocol;     /**< chosen protocol of the last join */
    char rejoin_reason[320];

    /* shared, under lock */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    gm_state_t state;
    int32_t generation;
    char member_id[256];
    bool rejoin_needed;
    bool coordinator_known;
    char coord_host[256];
    int32_t coord_port;
    int64_t last_heartbeat_ok;
    bool lost_pending;
    char lost_reason[300];
    bool stop;
    pthread_t hb_thread;
    bool hb_started;
    char id_copy[256]; /**< returned by cd_group_member_id */
};

static int64_t gm_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void gm_sleep_ms(int64_t ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */
/* ------------------------------------------------------------------ */

static char *gm_dup_prop(const cd_properties_t *p, const char *key)
{
    const char *v = cd_properties_get(p, key);
    return v && *v ? strdup(v) : NULL;
}

static int64_t gm_int(const cd_config_t *c, const char *key, int64_t dflt)
{
    const cd_config_value_t *v = cd_config_get(c, key);
    return v && !v->is_null ? v->i : dflt;
}

static int gm_security(cd_group_member_t *m, const cd_config_t *c, char *errstr, size_t errstr_size)
{
    const cd_properties_t *p = cd_config_originals(c);
    const char *proto = cd_properties_get(p, "security.protocol");
    if (!proto || !*proto)
        proto = "PLAINTEXT";
    if (strcasecmp(proto, "PLAINTEXT") == 0) {
    } else if (strcasecmp(proto, "SSL") == 0) {
        m->sec.ssl = true;
    } else if (strcasecmp(proto, "SASL_PLAINTEXT") == 0) {
        m->sec.sasl = true;
    } else if (strcasecmp(proto, "SASL_SSL") == 0) {
        m->sec.ssl = m->sec.sasl = true;
    } else {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration security.protocol: String must be one of: "
                 "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL",
                 proto);
        return -1;
    }
    if (m->sec.sasl) {
        const char *mech = cd_properties_get(p, "sasl.mechanism");
        m->sec.sasl_mechanism = strdup(mech && *mech ? mech : "GSSAPI");
        if (strcmp(m->sec.sasl_mechanism, "PLAIN") != 0 &&
            strcmp(m->sec.sasl_mechanism, "SCRAM-SHA-256") != 0 &&
            strcmp(m->sec.sasl_mechanism, "SCRAM-SHA-512") != 0) {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration sasl.mechanism: connectd's group client "
                     "supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512",
                     m->sec.sasl_mechanism);
            return -1;
        }
        const char *jaas = cd_properties_get(p, "sasl.jaas.config");
        if (!jaas || !*jaas) {
            snprintf(errstr, errstr_size,
                     "Could not find a 'KafkaClient' entry in the JAAS configuration. System "
                     "property 'java.security.auth.login.config' is not set");
            return -1;
        }
        if (cd_kafka_jaas_credentials(jaas, &m->sec.sasl_user, &m->sec.sasl_password, errstr,
                                      errstr_size))
            return -1;
        if (!m->sec.sasl_user || !m->sec.sasl_password) {
            snprintf(errstr, errstr_size,
                     "Invalid value for configuration sasl.jaas.config: the login module needs "
                     "username and password options");
            return -1;
        }
    }
    if (m->sec.ssl) {
        const char *ts_type = cd_properties_get(p, "ssl.truststore.type");
        const char *ks_type = cd_properties_get(p, "ssl.keystore.type");
        m->sec.truststore_location = gm_dup_prop(p, "ssl.truststore.location");
        m->sec.truststore_pem = gm_dup_prop(p, "ssl.truststore.certificates");
        m->sec.keystore_location = gm_dup_prop(p, "ssl.keystore.location");
        m->sec.keystore_key_pem = gm_dup_prop(p, "ssl.keystore.key");
        m->sec.keystore_chain_pem = gm_dup_prop(p, "ssl.keystore.certificate.chain");
        m->sec.key_password = gm_dup_prop(p, "ssl.key.password");
        if (m->sec.truststore_location && !m->sec.truststore_pem &&
            (!ts_type || strcasecmp(ts_type, "PEM") != 0)) {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration ssl.truststore.type: connectd reads "
                     "trust stores in PEM only; convert %s to PEM and set ssl.truststore.type=PEM",
                     ts_type ? ts_type : "JKS", m->sec.truststore_location);
            return -1;
        }
        if (m->sec.keystore_location && (!ks_type || strcasecmp(ks_type, "PEM") != 0)) {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration ssl.keystore.type: connectd's group "
                     "client reads key stores in PEM only; convert %s to PEM and set "
                     "ssl.keystore.type=PEM",
                     ks_type ? ks_type : "JKS", m->sec.keystore_location);
            return -1;
        }
        const char *alg = cd_properties_get(p, "ssl.endpoint.identification.algorithm");
        m->sec.verify_hostname = !alg || strcasecmp(alg, "https") == 0;
    }
    return 0;
}

static void *gm_heartbeat_main(void *arg);

cd_group_member_t *cd_group_member_new(const cd_worker_config_t *wc,
                                       const cd_group_callbacks_t *callbacks, char *errstr,
                                       size_t errstr_size)
{
    const cd_config_t *c = cd_worker_config_values(wc);
    cd_group_member_t *m = calloc(1, sizeof(*m));
    if (!m) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->cond, NULL);
    m->cb = *callbacks;
    m->generation = -1;
    m->state = GM_UNJOINED;
    m->rejoin_needed = true;
    snprintf(m->rejoin_reason, sizeof(m->rejoin_reason), "initial join");

    const char *gid = cd_config_get_string(c, "group.id");
    if (!gid || !*gid) {
        snprintf(errstr, errstr_size,
                 "Missing required configuration \"group.id\" which has no default value.");
        goto fail;
    }
    m->group_id = strdup(gid);
    const char *cid = cd_config_get_string(c, "client.id");
    if (cid && *cid) {
        m->client_id = strdup(cid);
    } else {
        const char *wid = cd_worker_config_worker_id(wc);
        size_t n = strlen(wid ? wid : "") + 16;
        m->client_id = malloc(n);
        if (m->client_id)
            snprintf(m->client_id, n, "connect-%s", wid ? wid : "");
    }
    size_t count = 0;
    const char *const *bs = cd_config_get_list(c, "bootstrap.servers", &count);
    if (!bs || count == 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value [] for configuration bootstrap.servers: Empty list");
        goto fail;
    }
    m->bootstrap = calloc(count, sizeof(char *));
    if (!m->group_id || !m->client_id || !m->bootstrap) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto fail;
    }
    for (size_t i = 0; i < count; i++) {
        m->bootstrap[i] = strdup(bs[i]);
        if (!m->bootstrap[i]) {
            snprintf(errstr, errstr_size, "Out of memory");
            goto fail;
        }
        m->bootstrap_count++;
    }
    m->session_timeout_ms = (int32_t)gm_int(c, "session.timeout.ms", 10000);
    m->rebalance_timeout_ms = (int32_t)gm_int(c, "rebalance.timeout.ms", 60000);
    m->heartbeat_interval_ms = (int32_t)gm_int(c, "heartbeat.interval.ms", 3000);
    m->request_timeout_ms = (int32_t)gm_int(c, "request.timeout.ms", 40000);
    m->retry_backoff_ms = gm_int(c, "retry.backoff.ms", 100);
    if (m->heartbeat_interval_ms <= 0)
        m->heartbeat_interval_ms = 3000;
    if (gm_security(m, c, errstr, errstr_size))
        goto fail;
    if (pthread_create(&m->hb_thread, NULL, gm_heartbeat_main, m) != 0) {
        snprintf(errstr, errstr_size, "Failed to start the heartbeat thread");
        goto fail;
    }
    m->hb_started = true;
    return m;
fail:
    cd_group_member_destroy(m);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static int gm_split_host_port(const char *hp, char *host, size_t host_size, int *port)
{
    const char *colon = strrchr(hp, ':');
    if (!colon || colon == hp)
        return -1;
    const char *h = hp;
    size_t hl = (size_t)(colon - hp);
    if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl >= host_size)
        return -1;
    memcpy(host, h, hl);
    host[hl] = 0;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p <= 0 || p > 65535)
        return -1;
    *port = (int)p;
    return 0;
}

static void gm_mark_coordinator_unknown(cd_group_member_t *m, const char *why)
{
    if (m->coord) {
        cd_log_info(GM_LOGGER,
                    "Group coordinator %s is unavailable or invalid due to cause: %s. "
                    "Rediscovery will be attempted.",
                    cd_kconn_peer(m->coord), why);
        cd_kconn_close(m->coord);
        m->coord = NULL;
    }
    pthread_mutex_lock(&m->lock);
    m->coordinator_known = false;
    pthread_mutex_unlock(&m->lock);
}

/* Resets generation (and member id when @p forget_member) and asks for a rejoin. */
static void gm_reset_locked(cd_group_member_t *m, bool forget_member, const char *reason)
{
    m->generation = -1;
    if (forget_member)
        m->member_id[0] = 0;
    m->state = GM_UNJOINED;
    m->rejoin_needed = true;
    snprintf(m->rejoin_reason, sizeof(m->rejoin_reason), "%s", reason);
}

/* One request on the coordinator connection; closes it on I/O errors. */
static int gm_coord_request(cd_group_member_t *m, int16_t api, const cd_kbuf_t *body,
                            int16_t version, int timeout_ms, uint8_t **resp, size_t *len,
                            char *errstr, size_t errstr_size)
{
    int rc =
        cd_kconn_request(m->coord, api, version, body, timeout_ms, resp, len, errstr, errstr_size);
    if (rc == CD_KCONN_RETRIABLE)
        gm_mark_coordinator_unknown(m, errstr);
    return rc;
}

/* FindCoordinator through the bootstrap servers, then connect to it.
 * @returns 0, CD_KCONN_RETRIABLE, CD_KCONN_FATAL. */
static int gm_find_coordinator(cd_group_member_t *m, int64_t deadline, char *errstr,
                               size_t errstr_size)
{
    int last = CD_KCONN_RETRIABLE;
    for (size_t i = 0; i < m->bootstrap_count; i++) {
        char host[256];
        int port, rc;
        int64_t left = deadline - gm_now();
        if (left <= 0)
            break;
        if (left > m->request_timeout_ms)
            left = m->request_timeout_ms;
        if (gm_split_host_port(m->bootstrap[i], host, sizeof(host), &port)) {
            snprintf(errstr, errstr_size, "Invalid url in bootstrap.servers: %s", m->bootstrap[i]);
            return CD_KCONN_FATAL;
        }
        cd_kconn_t *b =
            cd_kconn_open(host, port, &m->sec, m->client_id, (int)left, &rc, errstr, errstr_size);
        if (!b) {
            if (rc == CD_KCONN_FATAL)
                return rc;
            continue;
        }
        int16_t v = cd_kversions_pick(cd_kconn_versions(b), CD_KAPI_FIND_COORDINATOR);
        if (v < 0) {
            snprintf(errstr, errstr_size,
                     "The broker %s does not support a FindCoordinator version connectd speaks",
                     cd_kconn_peer(b));
            cd_kconn_close(b);
            return CD_KCONN_FATAL;
        }
        cd_kbuf_t body = {0};
        uint8_t *resp = NULL;
        size_t len;
        cd_kcoordinator_t co;
        cd_kafka_find_coordinator_request(&body, v, m->group_id);
        rc = cd_kconn_request(b, CD_KAPI_FIND_COORDINATOR, v, &body,
                              (int)(deadline - gm_now() > 0 ? deadline - gm_now() : 1), &resp, &len,
                              errstr, errstr_size);
        cd_kbuf_free(&body);
        cd_kconn_close(b);
        if (rc)
            continue;
        rc = cd_kafka_find_coordinator_response(resp, len, v, m->group_id, &co);
        free(resp);
        if (rc) {
            snprintf(errstr, errstr_size, "Malformed FindCoordinator response");
            continue;
        }
        if (co.error == CD_KERR_GROUP_AUTHORIZATION_FAILED) {
            snprintf(errstr, errstr_size, "Not authorized to access group: %s", m->group_id);
            return CD_KCONN_FATAL;
        }
        if (co.error) {
            snprintf(errstr, errstr_size, "FindCoordinator failed: %s",
                     co.error_message[0] ? co.error_message : cd_kafka_error_message(co.error));
            last = CD_KCONN_RETRIABLE;
            continue;
        }
        cd_kconn_t *cc = cd_kconn_open(co.host, co.port, &m->sec, m->client_id,
                                       (int)(deadline - gm_now() > 0 ? deadline - gm_now() : 1),
                                       &rc, errstr, errstr_size);
        if (!cc) {
            if (rc == CD_KCONN_FATAL)
                return rc;
            continue;
        }
        m->coord = cc;
        const cd_kversions_t *kv = cd_kconn_versions(cc);
        cd_log_info(GM_LOGGER,
                    "Coordinator API versions: ApiVersions v%d FindCoordinator v%d JoinGroup v%d "
                    "SyncGroup v%d Heartbeat v%d LeaveGroup v%d (FindCoordinator via bootstrap "
                    "v%d)",
                    cd_kversions_pick(kv, CD_KAPI_API_VERSIONS),
                    cd_kversions_pick(kv, CD_KAPI_FIND_COORDINATOR),
                    cd_kversions_pick(kv, CD_KAPI_JOIN_GROUP),
                    cd_kversions_pick(kv, CD_KAPI_SYNC_GROUP),
                    cd_kversions_pick(kv, CD_KAPI_HEARTBEAT),
                    cd_kversions_pick(kv, CD_KAPI_LEAVE_GROUP), v);
        cd_log_info(GM_LOGGER, "Discovered group coordinator %s:%d (id: %d) for group %s", co.host,
                    co.port, co.node_id, m->group_id);
        pthread_mutex_lock(&m->lock);
        snprintf(m->coord_host, sizeof(m->coord_host), "%s", co.host);
        m->coord_port = co.port;
        m->coordinator_known = true;
        pthread_mutex_unlock(&m->lock);
        return CD_KCONN_OK;
    }
    return last;
}

/* ------------------------------------------------------------------ */
/* Join                                                                */
/* ------------------------------------------------------------------ */

enum { GM_DONE = 0, GM_RETRY_NOW = 1, GM_RETRY_BACKOFF = 2, GM_FATAL = -1 };

static int gm_fatal_error(cd_group_member_t *m, int16_t err, const char *what, char *errstr,
                          size_t errstr_size)
{
    switch (err) {
    case CD_KERR_GROUP_AUTHORIZATION_FAILED:
        snprintf(errstr, errstr_size, "Not authorized to access group: %s", m->group_id);
        return GM_FATAL;
    case CD_KERR_INCONSISTENT_GROUP_PROTOCOL:
    case CD_KERR_INVALID_SESSION_TIMEOUT:
    case CD_KERR_INVALID_GROUP_ID:
        snprintf(errstr, errstr_size, "%s", cd_kafka_error_message(err));
        return GM_FATAL;
    case CD_KERR_GROUP_MAX_SIZE_REACHED:
        snprintf(errstr, errstr_size,
                 "Consumer group %s already has the configured maximum number of members.",
                 m->group_id);
        return GM_FATAL;
    default:
        snprintf(errstr, errstr_size, "Unexpected error in %s response: %s", what,
                 cd_kafka_error_message(err));
        return GM_FATAL;
    }
}

/* Common handling of JoinGroup/SyncGroup errors. */
static int gm_handle_group_error(cd_group_member_t *m, int16_t err, const char *what, char *errstr,
                                 size_t errstr_size)
{
    switch (err) {
    case CD_KERR_COORDINATOR_NOT_AVAILABLE:
    case CD_KERR_NOT_COORDINATOR:
        gm_mark_coordinator_unknown(m, cd_kafka_error_message(err));
        snprintf(errstr, errstr_size, "%s", cd_kafka_error_message(err));
        return GM_RETRY_BACKOFF;
    case CD_KERR_COORDINATOR_LOAD_IN_PROGRESS:
        snprintf(errstr, errstr_size, "%s", cd_kafka_error_message(err));
        return GM_RETRY_BACKOFF;
    case CD_KERR_REBALANCE_IN_PROGRESS:
        pthread_mutex_lock(&m->lock);
        m->rejoin_needed = true;
        pthread_mutex_unlock(&m->lock);
        return GM_RETRY_NOW;
    case CD_KERR_UNKNOWN_MEMBER_ID:
    case CD_KERR_ILLEGAL_GENERATION:
    case CD_KERR_FENCED_INSTANCE_ID:
        cd_log_info(GM_LOGGER, "%s failed for group %s: %s; resetting generation%s and rejoining",
                    what, m->group_id, cd_kafka_error_message(err),
                    err == CD_KERR_UNKNOWN_MEMBER_ID ? " and member id" : "");
        pthread_mutex_lock(&m->lock);
        gm_reset_locked(m, err == CD_KERR_UNKNOWN_MEMBER_ID, cd_kafka_error_name(err));
        pthread_mutex_unlock(&m->lock);
        return GM_RETRY_NOW;
    default:
        return gm_fatal_error(m, err, what, errstr, errstr_size);
    }
}

static int gm_sync(cd_group_member_t *m, int32_t generation, const char *member_id,
                   const char *protocol, const cd_kassignment_t *assignments, size_t count,
                   char *errstr, size_t errstr_size)
{
    int16_t v = cd_kversions_pick(cd_kconn_versions(m->coord), CD_KAPI_SYNC_GROUP);
    if (v < 0) {
        snprintf(errstr, errstr_size, "The coordinator does not support SyncGroup");
        return GM_FATAL;
    }
    cd_ksync_req_t req = {.group_id = m->group_id,
                          .generation = generation,
                          .member_id = member_id,
                          .protocol_type = GM_PROTOCOL_TYPE,
                          .protocol_name = protocol,
                          .assignments = assignments,
                          .assignment_count = count};
    cd_kbuf_t body = {0};
    uint8_t *resp;
    size_t len;
    cd_ksync_resp_t sr;
    cd_kafka_sync_group_request(&body, v, &req);
    int rc = gm_coord_request(m, CD_KAPI_SYNC_GROUP, &body, v,
                              m->rebalance_timeout_ms + GM_JOIN_SLACK_MS, &resp, &len, errstr,
                              errstr_size);
    cd_kbuf_free(&body);
    if (rc == CD_KCONN_RETRIABLE)
        return GM_RETRY_BACKOFF;
    if (rc)
        return GM_FATAL;
    if (cd_kafka_sync_group_response(resp, len, v, &sr)) {
        free(resp);
        snprintf(errstr, errstr_size, "Malformed SyncGroup response");
        gm_mark_coordinator_unknown(m, errstr);
        return GM_RETRY_BACKOFF;
    }
    if (sr.error) {
        free(resp);
        return gm_handle_group_error(m, sr.error, "SyncGroup", errstr, errstr_size);
    }
    pthread_mutex_lock(&m->lock);
    m->generation = generation;
    snprintf(m->member_id, sizeof(m->member_id), "%s", member_id);
    m->state = GM_STABLE;
    m->rejoin_needed = false;
    m->last_heartbeat_ok = gm_now();
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    free(m->protocol);
    m->protocol = strdup(protocol);
    m->join_prepared = false;
    cd_log_info(GM_LOGGER,
                "Successfully synced group %s in generation %d as member %s with protocol %s",
                m->group_id, generation, member_id, protocol);
    if (m->cb.assigned)
        m->cb.assigned(m->cb.opaque, generation, member_id, protocol,
                       (const uint8_t *)(sr.assignment.len > 0 ? sr.assignment.p : ""),
                       sr.assignment.len > 0 ? (size_t)sr.assignment.len : 0);
    free(resp);
    return GM_DONE;
}

/* One JoinGroup + SyncGroup attempt. */
static int gm_join_once(cd_group_member_t *m, char *errstr, size_t errstr_size)
{
    cd_group_protocol_t protos[GM_MAX_PROTOCOLS];
    cd_kprotocol_t kp[GM_MAX_PROTOCOLS];
    char member_id[256], reason[320];
    int32_t generation;

    pthread_mutex_lock(&m->lock);
    snprintf(member_id, sizeof(member_id), "%s", m->member_id);
    generation = m->generation;
    snprintf(reason, sizeof(reason), "%s", m->rejoin_reason);
    pthread_mutex_unlock(&m->lock);

    if (!m->join_prepared) {
        if (m->cb.join_prepare)
            m->cb.join_prepare(m->cb.opaque, generation, member_id);
        m->join_prepared = true;
    }
    pthread_mutex_lock(&m->lock);
    m->state = GM_REBALANCING;
    pthread_mutex_unlock(&m->lock);

    memset(protos, 0, sizeof(protos));
    size_t n = m->cb.metadata ? m->cb.metadata(m->cb.opaque, protos) : 0;
    if (n > GM_MAX_PROTOCOLS)
        n = GM_MAX_PROTOCOLS;
    for (size_t i = 0; i < n; i++) {
        kp[i].name = protos[i].name;
        kp[i].metadata = protos[i].metadata;
        kp[i].metadata_len = protos[i].metadata_len;
    }
    int16_t v = cd_kversions_pick(cd_kconn_versions(m->coord), CD_KAPI_JOIN_GROUP);
    if (v < 0) {
        snprintf(errstr, errstr_size, "The coordinator does not support JoinGroup");
        return GM_FATAL;
    }
    cd_kjoin_req_t req = {.group_id = m->group_id,
                          .session_timeout_ms = m->session_timeout_ms,
                          .rebalance_timeout_ms = m->rebalance_timeout_ms,
                          .member_id = member_id,
                          .protocol_type = GM_PROTOCOL_TYPE,
                          .protocols = kp,
                          .protocol_count = n,
                          .reason = reason};
    cd_kbuf_t body = {0};
    uint8_t *resp;
    size_t len;
    cd_kjoin_resp_t jr;
    cd_log_info(GM_LOGGER, "(Re-)joining group %s (member id '%s', reason: %s)", m->group_id,
                member_id, reason);
    cd_kafka_join_group_request(&body, v, &req);
    int rc = gm_coord_request(m, CD_KAPI_JOIN_GROUP, &body, v,
                              m->rebalance_timeout_ms + GM_JOIN_SLACK_MS, &resp, &len, errstr,
                              errstr_size);
    cd_kbuf_free(&body);
    if (rc == CD_KCONN_RETRIABLE)
        return GM_RETRY_BACKOFF;
    if (rc)
        return GM_FATAL;
    if (cd_kafka_join_group_response(resp, len, v, &jr)) {
        free(resp);
        snprintf(errstr, errstr_size, "Malformed JoinGroup response");
        gm_mark_coordinator_unknown(m, errstr);
        return GM_RETRY_BACKOFF;
    }
    int result;
    if (jr.error == CD_KERR_MEMBER_ID_REQUIRED) {
        pthread_mutex_lock(&m->lock);
        char *id = cd_kstr_dup(jr.member_id);
        snprintf(m->member_id, sizeof(m->member_id), "%s", id ? id : "");
        free(id);
        snprintf(m->rejoin_reason, sizeof(m->rejoin_reason),
                 "need to re-join with the given member-id: %s", m->member_id);
        pthread_mutex_unlock(&m->lock);
        result = GM_RETRY_NOW;
        goto done;
    }
    if (jr.error) {
        result = gm_handle_group_error(m, jr.error, "JoinGroup", errstr, errstr_size);
        goto done;
    }
    if (jr.protocol_type.len >= 0 && !cd_kstr_eq(jr.protocol_type, GM_PROTOCOL_TYPE)) {
        snprintf(errstr, errstr_size, "%s",
                 cd_kafka_error_message(CD_KERR_INCONSISTENT_GROUP_PROTOCOL));
        result = GM_FATAL;
        goto done;
    }
    char *my_id = cd_kstr_dup(jr.member_id), *leader = cd_kstr_dup(jr.leader);
    char *protocol = cd_kstr_dup(jr.protocol_name);
    char **ids = calloc(jr.member_count ? jr.member_count : 1, sizeof(char *));
    cd_group_member_info_t *infos = calloc(jr.member_count ? jr.member_count : 1, sizeof(*infos));
    cd_group_assignment_t *outs = calloc(jr.member_count ? jr.member_count : 1, sizeof(*outs));
    cd_kassignment_t *ka = calloc(jr.member_count ? jr.member_count : 1, sizeof(*ka));
    result = GM_FATAL;
    if (!my_id || !leader || !protocol || !ids || !infos || !outs || !ka) {
        snprintf(errstr, errstr_size, "Out of memory");
        goto join_done;
    }
    pthread_mutex_lock(&m->lock);
    snprintf(m->member_id, sizeof(m->member_id), "%s", my_id);
    pthread_mutex_unlock(&m->lock);
    cd_log_info(GM_LOGGER,
                "Successfully joined group %s with generation %d (leader %s, protocol %s)",
                m->group_id, jr.generation, leader, protocol);
    size_t count = 0;
    if (strcmp(my_id, leader) == 0) {
        for (size_t i = 0; i < jr.member_count; i++) {
            ids[i] = cd_kstr_dup(jr.members[i].member_id);
            if (!ids[i])
                goto join_done;
            infos[i].member_id = ids[i];
            infos[i].metadata =
                (const uint8_t *)(jr.members[i].metadata.len > 0 ? jr.members[i].metadata.p : "");
            infos[i].metadata_len =
                jr.members[i].metadata.len > 0 ? (size_t)jr.members[i].metadata.len : 0;
        }
        if (!m->cb.assign ||
            m->cb.assign(m->cb.opaque, leader, protocol, infos, jr.member_count, outs) != 0) {
            snprintf(errstr, errstr_size, "The leader's assignment failed");
            pthread_mutex_lock(&m->lock);
            m->rejoin_needed = true;
            pthread_mutex_unlock(&m->lock);
            result = GM_RETRY_BACKOFF;
            goto join_done;
        }
        for (size_t i = 0; i < jr.member_count; i++) {
            ka[i].member_id = outs[i].member_id ? outs[i].member_id : ids[i];
            ka[i].assignment = outs[i].assignment;
            ka[i].assignment_len = outs[i].assignment_len;
        }
        count = jr.member_count;
    }
    result = gm_sync(m, jr.generation, my_id, protocol, ka, count, errstr, errstr_size);
join_done:
    if (ids)
        for (size_t i = 0; i < jr.member_count; i++)
            free(ids[i]);
    free(ids);
    free(infos);
    free(outs);
    free(ka);
    free(my_id);
    free(leader);
    free(protocol);
done:
    free(jr.members);
    free(resp);
    return result;
}

int cd_group_member_poll(cd_group_member_t *m, int64_t timeout_ms, char *errstr, size_t errstr_size)
{
    int64_t deadline = gm_now() + (timeout_ms > 0 ? timeout_ms : 0);
    char lost[300];
    bool deliver_lost = false;

    pthread_mutex_lock(&m->lock);
    if (m->lost_pending) {
        m->lost_pending = false;
        deliver_lost = true;
        snprintf(lost, sizeof(lost), "%s", m->lost_reason);
    }
    bool stable = m->state == GM_STABLE && !m->rejoin_needed;
    bool known = m->coordinator_known;
    pthread_mutex_unlock(&m->lock);
    if (deliver_lost) {
        cd_log_warn(GM_LOGGER, "Group %s: %s", m->group_id, lost);
        if (m->cb.lost)
            m->cb.lost(m->cb.opaque, lost);
    }
    if (stable) {
        if ((!known || !m->coord) && timeout_ms > 0) {
            if (m->coord) {
                cd_kconn_close(m->coord);
                m->coord = NULL;
            }
            int rc = gm_find_coordinator(m, deadline, errstr, errstr_size);
            if (rc == CD_KCONN_FATAL)
                return -1;
        }
        return 0;
    }
    for (;;) {
        int r;
        if (!m->coord) {
            r = gm_find_coordinator(m, deadline, errstr, errstr_size);
            if (r == CD_KCONN_FATAL)
                return -1;
            r = r ? GM_RETRY_BACKOFF : GM_RETRY_NOW;
            if (r == GM_RETRY_BACKOFF)
                cd_log_debug(GM_LOGGER, "Group %s: coordinator lookup failed: %s", m->group_id,
                             errstr);
        } else {
            r = gm_join_once(m, errstr, errstr_size);
        }
        if (r == GM_DONE)
            return 0;
        if (r == GM_FATAL) {
            pthread_mutex_lock(&m->lock);
            m->state = GM_UNJOINED;
            pthread_mutex_unlock(&m->lock);
            cd_log_error(GM_LOGGER, "Group %s: %s", m->group_id, errstr);
            return -1;
        }
        int64_t left = deadline - gm_now();
        if (r == GM_RETRY_BACKOFF) {
            int64_t b = m->retry_backoff_ms < left ? m->retry_backoff_ms : left;
            gm_sleep_ms(b);
            left = deadline - gm_now();
        }
        if (left <= 0)
            return 1;
    }
}

/* ------------------------------------------------------------------ */
/* Heartbeat thread                                                    */
/* ------------------------------------------------------------------ */

static void *gm_heartbeat_main(void *arg)
{
    cd_group_member_t *m = arg;
    cd_kconn_t *conn = NULL;
    char host[256] = "", err[200];
    int port = 0;

    pthread_mutex_lock(&m->lock);
    while (!m->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int64_t ns = ts.tv_nsec + (int64_t)(m->heartbeat_interval_ms % 1000) * 1000000;
        ts.tv_sec += m->heartbeat_interval_ms / 1000 + ns / 1000000000;
        ts.tv_nsec = ns % 1000000000;
        pthread_cond_timedwait(&m->cond, &m->lock, &ts);
        if (m->stop)
            break;
        if (m->state != GM_STABLE || m->rejoin_needed)
            continue;
        if (gm_now() - m->last_heartbeat_ok < m->heartbeat_interval_ms - 50)
            continue; /* woken early (a join just completed) */
        int32_t gen = m->generation;
        char member[256];
        snprintf(member, sizeof(member), "%s", m->member_id);
        bool known = m->coordinator_known;
        if (conn && (strcmp(host, m->coord_host) != 0 || port != m->coord_port)) {
            cd_kconn_close(conn);
            conn = NULL;
        }
        snprintf(host, sizeof(host), "%s", m->coord_host);
        port = m->coord_port;
        pthread_mutex_unlock(&m->lock);

        int16_t kerr = -1;
        int rc = CD_KCONN_RETRIABLE;
        if (known) {
            if (!conn)
                conn = cd_kconn_open(host, port, &m->sec, m->client_id, m->request_timeout_ms, &rc,
                                     err, sizeof(err));
            if (conn) {
                int16_t v = cd_kversions_pick(cd_kconn_versions(conn), CD_KAPI_HEARTBEAT);
                cd_kbuf_t body = {0};
                uint8_t *resp = NULL;
                size_t len;
                cd_kafka_heartbeat_request(&body, v < 0 ? 0 : v, m->group_id, gen, member);
                rc = cd_kconn_request(conn, CD_KAPI_HEARTBEAT, v < 0 ? 0 : v, &body,
                                      m->request_timeout_ms, &resp, &len, err, sizeof(err));
                cd_kbuf_free(&body);
                if (rc == CD_KCONN_OK && cd_kafka_heartbeat_response(resp, len, v, &kerr))
                    rc = CD_KCONN_RETRIABLE;
                free(resp);
                if (rc) {
                    cd_kconn_close(conn);
                    conn = NULL;
                }
            }
        } else {
            snprintf(err, sizeof(err), "coordinator unknown");
        }

        pthread_mutex_lock(&m->lock);
        if (m->generation != gen || strcmp(m->member_id, member) != 0 || m->state != GM_STABLE)
            continue; /* a new join happened meanwhile: this answer is stale */
        bool wake = false;
        if (rc == CD_KCONN_OK && kerr == 0) {
            m->last_heartbeat_ok = gm_now();
        } else if (rc == CD_KCONN_OK && kerr == CD_KERR_REBALANCE_IN_PROGRESS) {
            m->last_heartbeat_ok = gm_now();
            m->rejoin_needed = true;
            snprintf(m->rejoin_reason, sizeof(m->rejoin_reason), "group is already rebalancing");
            wake = true;
        } else if (rc == CD_KCONN_OK &&
                   (kerr == CD_KERR_ILLEGAL_GENERATION || kerr == CD_KERR_UNKNOWN_MEMBER_ID ||
                    kerr == CD_KERR_FENCED_INSTANCE_ID)) {
            gm_reset_locked(m, kerr == CD_KERR_UNKNOWN_MEMBER_ID, cd_kafka_error_name(kerr));
            m->lost_pending = true;
            snprintf(m->lost_reason, sizeof(m->lost_reason),
                     "Heartbeat failed: %s; the member fell out of the group",
                     cd_kafka_error_message(kerr));
            wake = true;
        } else {
            if (rc == CD_KCONN_OK &&
                (kerr == CD_KERR_NOT_COORDINATOR || kerr == CD_KERR_COORDINATOR_NOT_AVAILABLE)) {
                m->coordinator_known = false;
                wake = true;
            } else if (rc == CD_KCONN_OK) {
                snprintf(err, sizeof(err), "%s", cd_kafka_error_message(kerr));
            } else if (rc != CD_KCONN_OK) {
                m->coordinator_known = false;
                wake = true;
            }
            if (gm_now() - m->last_heartbeat_ok > m->session_timeout_ms) {
                gm_reset_locked(m, false, "session timed out without a successful heartbeat");
                m->lost_pending = true;
                snprintf(m->lost_reason, sizeof(m->lost_reason),
                         "Heartbeats failed for longer than session.timeout.ms (%d ms): %s",
                         m->session_timeout_ms, err);
                wake = true;
            }
        }
        if (wake && m->cb.wakeup) {
            pthread_mutex_unlock(&m->lock);
            m->cb.wakeup(m->cb.opaque);
            pthread_mutex_lock(&m->lock);
        }
    }
    pthread_mutex_unlock(&m->lock);
    cd_kconn_close(conn);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Leave, accessors, destroy                                           */
/* ------------------------------------------------------------------ */

void cd_group_member_request_rejoin(cd_group_member_t *m, const char *reason)
{
    pthread_mutex_lock(&m->lock);
    m->rejoin_needed = true;
    snprintf(m->rejoin_reason, sizeof(m->rejoin_reason), "%s", reason ? reason : "");
    pthread_mutex_unlock(&m->lock);
    cd_log_debug(GM_LOGGER, "Group %s: rejoin requested: %s", m->group_id, reason ? reason : "");
}

bool cd_group_member_rejoin_needed(cd_group_member_t *m)
{
    pthread_mutex_lock(&m->lock);
    bool r = m->rejoin_needed || m->state != GM_STABLE;
    pthread_mutex_unlock(&m->lock);
    return r;
}

void cd_group_member_leave(cd_group_member_t *m, const char *reason)
{
    char member[256];
    pthread_mutex_lock(&m->lock);
    snprintf(member, sizeof(member), "%s", m->member_id);
    gm_reset_locked(m, true, reason ? reason : "left the group");
    pthread_mutex_unlock(&m->lock);
    m->join_prepared = false;
    if (!member[0] || !m->coord)
        return;
    cd_log_info(GM_LOGGER, "Member %s sending LeaveGroup request to coordinator %s due to %s",
                member, cd_kconn_peer(m->coord), reason ? reason : "");
    int16_t v = cd_kversions_pick(cd_kconn_versions(m->coord), CD_KAPI_LEAVE_GROUP);
    if (v < 0)
        return;
    cd_kbuf_t body = {0};
    uint8_t *resp = NULL;
    size_t len;
    int16_t err = 0;
    char errstr[256];
    cd_kafka_leave_group_request(&body, v, m->group_id, member, reason);
    int timeout = m->request_timeout_ms < 5000 ? m->request_timeout_ms : 5000;
    if (gm_coord_request(m, CD_KAPI_LEAVE_GROUP, &body, v, timeout, &resp, &len, errstr,
                         sizeof(errstr)) == CD_KCONN_OK &&
        cd_kafka_leave_group_response(resp, len, v, &err) == 0 && err)
        cd_log_info(GM_LOGGER, "LeaveGroup request for group %s failed: %s", m->group_id,
                    cd_kafka_error_message(err));
    cd_kbuf_free(&body);
    free(resp);
}

int32_t cd_group_member_generation(cd_group_member_t *m)
{
    pthread_mutex_lock(&m->lock);
    int32_t g = m->generation;
    pthread_mutex_unlock(&m->lock);
    return g;
}

const char *cd_group_member_id(cd_group_member_t *m)
{
    pthread_mutex_lock(&m->lock);
    snprintf(m->id_copy, sizeof(m->id_copy), "%s", m->member_id);
    pthread_mutex_unlock(&m->lock);
    return m->id_copy;
}

void cd_group_member_destroy(cd_group_member_t *m)
{
    if (!m)
        return;
    if (m->hb_started) {
        pthread_mutex_lock(&m->lock);
        m->stop = true;
        pthread_cond_broadcast(&m->cond);
        pthread_mutex_unlock(&m->lock);
        pthread_join(m->hb_thread, NULL);
    }
    if (m->member_id[0])
        cd_group_member_leave(m, "the consumer is being closed");
    cd_kconn_close(m->coord);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->cond);
    for (size_t i = 0; i < m->bootstrap_count; i++)
        free(m->bootstrap[i]);
    free(m->bootstrap);
    free(m->group_id);
    free(m->client_id);
    free(m->protocol);
    cd_ksecurity_clear(&m->sec);
    free(m);
}
