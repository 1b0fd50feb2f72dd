/*
 * group_probe: joins a Kafka group of protocol type "connect" through
 * distributed/group_member.h, for the integration tests.
 *
 *   group_probe -w key=value... [-p name[:metadata]]...
 *
 *   -w   a worker setting (bootstrap.servers=..., group.id=..., session.timeout.ms=...)
 *   -p   a protocol to offer, in preference order (default "default:probe")
 *
 * As leader it hands every member the assignment text
 * {"leader":"<id>","protocol":"<p>","members":["<id>",...]} (ids in the
 * JoinGroup order). Prints one JSON object per line on stdout:
 *   {"event":"prepare","generation":-1,"member_id":""}
 *   {"event":"leader","member_count":3,"metadata":["probe",...]}
 *   {"event":"assigned","generation":3,"member_id":"...","protocol":"default",
 *    "assignment":{...}}
 *   {"event":"lost","reason":"..."}
 *   {"event":"fatal","error":"..."}
 *   {"event":"left"}
 * and leaves the group on SIGTERM/SIGINT (exit 0), exits 1 on a fatal error.
 */
#include "distributed/group_member.h"
#include "util/properties.h"

#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_MAX_PROTOCOLS 4

static volatile sig_atomic_t probe_stop;
static int probe_pipe[2] = {-1, -1};

static struct {
    size_t count;
    char *names[PROBE_MAX_PROTOCOLS];
    char *metadata[PROBE_MAX_PROTOCOLS];
    char *assignments; /* leader: one buffer per member, kept until the next call */
    char **texts;
    size_t text_count;
} probe;

static void on_signal(int sig)
{
    (void)sig;
    probe_stop = 1;
    if (probe_pipe[1] >= 0) {
        ssize_t w = write(probe_pipe[1], "s", 1);
        (void)w;
    }
}

static void emit(json_t *obj)
{
    char *s = json_dumps(obj, JSON_COMPACT);
    if (s) {
        printf("%s\n", s);
        fflush(stdout);
        free(s);
    }
    json_decref(obj);
}

static void cb_prepare(void *opaque, int32_t generation, const char *member_id)
{
    emit(json_pack("{s:s,s:i,s:s}", "event", "prepare", "generation", (int)generation, "member_id",
                   member_id));
}

static size_t cb_metadata(void *opaque, cd_group_protocol_t *out)
{
    for (size_t i = 0; i < probe.count; i++) {
        out[i].name = probe.names[i];
        out[i].metadata = (const uint8_t *)probe.metadata[i];
        out[i].metadata_len = strlen(probe.metadata[i]);
    }
    return probe.count;
}

static void free_texts(void)
{
    for (size_t i = 0; i < probe.text_count; i++)
        free(probe.texts[i]);
    free(probe.texts);
    probe.texts = NULL;
    probe.text_count = 0;
}

static int cb_assign(void *opaque, const char *leader_id, const char *protocol,
                     const cd_group_member_info_t *members, size_t member_count,
                     cd_group_assignment_t *out)
{
    json_t *ids = json_array(), *metas = json_array();
    for (size_t i = 0; i < member_count; i++) {
        json_array_append_new(ids, json_string(members[i].member_id));
        json_array_append_new(
            metas, json_stringn((const char *)members[i].metadata, members[i].metadata_len));
    }
    emit(json_pack("{s:s,s:i,s:s,s:O}", "event", "leader", "member_count", (int)member_count,
                   "protocol", protocol, "metadata", metas));
    json_decref(metas);
    json_t *text =
        json_pack("{s:s,s:s,s:O}", "leader", leader_id, "protocol", protocol, "members", ids);
    json_decref(ids);
    char *s = json_dumps(text, JSON_COMPACT);
    json_decref(text);
    if (!s)
        return -1;
    free_texts();
    probe.texts = calloc(member_count ? member_count : 1, sizeof(char *));
    if (!probe.texts) {
        free(s);
        return -1;
    }
    probe.text_count = member_count;
    for (size_t i = 0; i < member_count; i++) {
        probe.texts[i] = strdup(s);
        out[i].member_id = members[i].member_id;
        out[i].assignment = (const uint8_t *)probe.texts[i];
        out[i].assignment_len = probe.texts[i] ? strlen(probe.texts[i]) : 0;
    }
    free(s);
    return 0;
}

static void cb_assigned(void *opaque, int32_t generation, const char *member_id,
                        const char *protocol, const uint8_t *assignment, size_t assignment_len)
{
    json_error_t jerr;
    json_t *a = json_loadb((const char *)assignment, assignment_len, 0, &jerr);
    emit(json_pack("{s:s,s:i,s:s,s:s,s:o}", "event", "assigned", "generation", (int)generation,
                   "member_id", member_id, "protocol", protocol, "assignment",
                   a ? a : json_stringn((const char *)assignment, assignment_len)));
}

static void cb_lost(void *opaque, const char *reason)
{
    emit(json_pack("{s:s,s:s}", "event", "lost", "reason", reason));
}

static void cb_wakeup(void *opaque)
{
    ssize_t w = write(probe_pipe[1], "w", 1);
    (void)w;
}

static int set_kv(cd_properties_t *p, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq)
        return -1;
    char *key = strndup(kv, (size_t)(eq - kv));
    int rc = key ? cd_properties_set(p, key, eq + 1) : -1;
    free(key);
    return rc;
}

int main(int argc, char **argv)
{
    cd_properties_t *props = cd_properties_new();
    cd_worker_config_t *wc = NULL;
    cd_group_member_t *m = NULL;
    char err[1024];
    int opt, rc = 2;

    while ((opt = getopt(argc, argv, "w:p:")) != -1) {
        if (opt == 'w') {
            if (set_kv(props, optarg))
                goto usage;
        } else if (opt == 'p') {
            if (probe.count == PROBE_MAX_PROTOCOLS)
                goto usage;
            const char *colon = strchr(optarg, ':');
            probe.names[probe.count] =
                colon ? strndup(optarg, (size_t)(colon - optarg)) : strdup(optarg);
            probe.metadata[probe.count] = strdup(colon ? colon + 1 : "probe");
            probe.count++;
        } else {
            goto usage;
        }
    }
    if (probe.count == 0) {
        probe.names[0] = strdup("default");
        probe.metadata[0] = strdup("probe");
        probe.count = 1;
    }
    static const char *defaults[][2] = {
        {"config.storage.topic", "probe-configs"},
        {"offset.storage.topic", "probe-offsets"},
        {"status.storage.topic", "probe-status"},
        {"key.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"value.converter", "org.apache.kafka.connect.json.JsonConverter"},
        {"listeners", "http://127.0.0.1:0"}};
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
        if (!cd_properties_get(props, defaults[i][0]))
            cd_properties_set(props, defaults[i][0], defaults[i][1]);

    if (pipe(probe_pipe) != 0)
        return 2;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    wc = cd_worker_config_new(CD_WORKER_DISTRIBUTED, props, err, sizeof(err));
    if (!wc) {
        emit(json_pack("{s:s,s:s}", "event", "fatal", "error", err));
        rc = 1;
        goto done;
    }
    cd_group_callbacks_t cb = {.join_prepare = cb_prepare,
                               .metadata = cb_metadata,
                               .assign = cb_assign,
                               .assigned = cb_assigned,
                               .lost = cb_lost,
                               .wakeup = cb_wakeup};
    m = cd_group_member_new(wc, &cb, err, sizeof(err));
    if (!m) {
        emit(json_pack("{s:s,s:s}", "event", "fatal", "error", err));
        rc = 1;
        goto done;
    }
    rc = 0;
    while (!probe_stop) {
        int r = cd_group_member_poll(m, 500, err, sizeof(err));
        if (r < 0) {
            emit(json_pack("{s:s,s:s}", "event", "fatal", "error", err));
            rc = 1;
            break;
        }
        if (r == 0 && !cd_group_member_rejoin_needed(m)) {
            struct pollfd pfd = {.fd = probe_pipe[0], .events = POLLIN};
            if (poll(&pfd, 1, 500) > 0) {
                char buf[64];
                ssize_t n = read(probe_pipe[0], buf, sizeof(buf));
                (void)n;
            }
        }
    }
    if (probe_stop) {
        cd_group_member_leave(m, "the probe is stopping");
        emit(json_pack("{s:s}", "event", "left"));
    }
done:
    cd_group_member_destroy(m);
    cd_worker_config_destroy(wc);
    cd_properties_destroy(props);
    free_texts();
    for (size_t i = 0; i < probe.count; i++) {
        free(probe.names[i]);
        free(probe.metadata[i]);
    }
    return rc;
usage:
    fprintf(stderr, "usage: group_probe -w key=value... [-p name[:metadata]]...\n");
    cd_properties_destroy(props);
    return 2;
}
