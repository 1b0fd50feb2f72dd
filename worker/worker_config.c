/*
 * worker_config.c: the worker configuration (WorkerConfig, StandaloneConfig,
 * DistributedConfig, RestServerConfig). The key tables are generated from the
 * Kafka jars into worker_config_keys.inc (scripts/GenWorkerConfigKeys.java);
 * this file adds the validators Java writes as lambdas, the listener parsing
 * of RestServer, the advertised URL / worker id rules of
 * RestServer.advertisedUrl and the connector client override policies.
 */
#include "worker/worker_config.h"

#include "providers/config_providers.h"
#include "util/log.h"
#include "util/properties.h"

#include <ctype.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#define WC_LOGGER "org.apache.kafka.connect.runtime.WorkerConfig"
#define WC_MAX_LISTENERS 64

/* ------------------------------------------------------------------ */
/* Validators Java writes as lambdas                                   */
/* ------------------------------------------------------------------ */

static int wc_validate_listeners(const char *name, const cd_config_value_t *value, char *errstr,
                                 size_t errstr_size)
{
    if (value->is_null) {
        snprintf(errstr, errstr_size,
                 "Invalid value type for listeners (expected list of URLs , ex: "
                 "http://localhost:8080,https://localhost:8443).");
        return -1;
    }
    if (value->list_count == 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value for listeners, at least one URL is expected, ex: "
                 "http://localhost:8080,https://localhost:8443.");
        return -1;
    }
    for (size_t i = 0; i < value->list_count; i++) {
        const char *s = value->list[i];
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s) {
            snprintf(errstr, errstr_size, "Empty URL found when parsing listeners list.");
            return -1;
        }
    }
    return 0;
}

/* RestServerConfig.validateHeaderConfig for one rule. */
static int wc_check_header_rule(const char *rule, size_t len, char *errstr, size_t errstr_size)
{
    static const char *const actions[] = {"set", "add", "setDate", "addDate", NULL};
    char buf[1024];
    size_t a = 0, b;
    if (len >= sizeof(buf)) {
        snprintf(errstr, errstr_size, "Invalid header config '%.*s'.", (int)(len > 200 ? 200 : len),
                 rule);
        return -1;
    }
    memcpy(buf, rule, len);
    buf[len] = 0;
    while (buf[a] && isspace((unsigned char)buf[a]))
        a++;
    b = a;
    while (buf[b] && !isspace((unsigned char)buf[b]))
        b++;
    const char *pair = buf + b;
    while (*pair && isspace((unsigned char)*pair))
        pair++;
    if (b == a || !*pair) {
        snprintf(errstr, errstr_size,
                 "Invalid format of header config '%s'. Expected: '[action] [header name]:[header "
                 "value]'",
                 buf);
        return -1;
    }
    const char *colon = strchr(pair, ':');
    if (!colon) {
        snprintf(errstr, errstr_size,
                 "Invalid format of header name and header value pair '%s'. Expected: '[header "
                 "name]:[header value]'",
                 pair);
        return -1;
    }
    for (const char *p = pair; p < colon; p++) {
        if (isspace((unsigned char)*p)) {
            snprintf(errstr, errstr_size,
                     "Invalid header name '%.*s'. The '[header name]' cannot contain whitespace",
                     (int)(colon - pair), pair);
            return -1;
        }
    }
    bool ok = false;
    for (size_t i = 0; actions[i]; i++)
        if (strlen(actions[i]) == b - a && strncmp(actions[i], buf + a, b - a) == 0)
            ok = true;
    if (!ok) {
        snprintf(
            errstr, errstr_size,
            "Invalid header config action: '%.*s'. Expected one of [set, add, setDate, addDate]",
            (int)(b - a), buf + a);
        return -1;
    }
    return 0;
}

/* Comma-separated rules, a rule optionally in double quotes (may then hold commas). */
static int wc_validate_response_headers(const char *name, const cd_config_value_t *value,
                                        char *errstr, size_t errstr_size)
{
    const char *s = value->is_null ? NULL : value->s;
    if (!s)
        return 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        const char *start = s, *end;
        if (*s == '"') {
            start = ++s;
            end = strchr(s, '"');
            if (!end)
                end = s + strlen(s);
            s = *end ? end + 1 : end;
            while (*s && *s != ',')
                s++;
        } else {
            end = strchr(s, ',');
            if (!end)
                end = s + strlen(s);
            s = end;
        }
        if (end > start && wc_check_header_rule(start, (size_t)(end - start), errstr, errstr_size))
            return -1;
        if (*s == ',')
            s++;
    }
    return 0;
}

static int wc_validate_partitions(const char *name, const cd_config_value_t *value, char *errstr,
                                  size_t errstr_size)
{
    if (!value->is_null && (value->i >= 1 || value->i == -1))
        return 0;
    snprintf(
        errstr, errstr_size,
        "Invalid value %lld for configuration %s: Number of partitions must be positive, or -1 "
        "to use the broker's default",
        (long long)value->i, name);
    return -1;
}

static int wc_validate_replication_factor(const char *name, const cd_config_value_t *value,
                                          char *errstr, size_t errstr_size)
{
    if (!value->is_null && (value->i >= 1 || value->i == -1))
        return 0;
    snprintf(errstr, errstr_size,
             "Invalid value %lld for configuration %s: Replication factor must be positive and not "
             "larger than the number of brokers in the Kafka cluster, or -1 to use the broker's "
             "default",
             (long long)value->i, name);
    return -1;
}

static int wc_validate_connect_protocol(const char *name, const cd_config_value_t *value,
                                        char *errstr, size_t errstr_size)
{
    const char *s = value->is_null ? NULL : value->s;
    if (s && (strcasecmp(s, "eager") == 0 || strcasecmp(s, "compatible") == 0 ||
              strcasecmp(s, "sessioned") == 0))
        return 0;
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: Invalid Connect protocol compatibility",
             s ? s : "null", name);
    return -1;
}

/* The MAC algorithms connectd implements (OpenSSL HMACs, Java names). */
static const char *const wc_mac_algorithms[] = {"HmacSHA1",   "HmacSHA224", "HmacSHA256",
                                                "HmacSHA384", "HmacSHA512", NULL};

static bool wc_mac_supported(const char *alg)
{
    for (size_t i = 0; wc_mac_algorithms[i]; i++)
        if (alg && strcasecmp(alg, wc_mac_algorithms[i]) == 0)
            return true;
    return false;
}

static int wc_unsupported_algorithm(const char *name, const char *alg, char *errstr,
                                    size_t errstr_size)
{
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: the algorithm is not supported by this JVM; "
             "the supported algorithms are: [HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, "
             "HmacSHA512]",
             alg ? alg : "null", name);
    return -1;
}

static int wc_validate_key_algorithm(const char *name, const cd_config_value_t *value, char *errstr,
                                     size_t errstr_size)
{
    const char *s = value->is_null ? NULL : value->s;
    return wc_mac_supported(s) ? 0 : wc_unsupported_algorithm(name, s, errstr, errstr_size);
}

static int wc_validate_mac_algorithm(const char *name, const cd_config_value_t *value, char *errstr,
                                     size_t errstr_size)
{
    return wc_validate_key_algorithm(name, value, errstr, errstr_size);
}

static int wc_validate_verification_algorithms(const char *name, const cd_config_value_t *value,
                                               char *errstr, size_t errstr_size)
{
    if (value->is_null || value->list_count == 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value [] for configuration %s: At least one signature verification "
                 "algorithm must be provided",
                 name);
        return -1;
    }
    for (size_t i = 0; i < value->list_count; i++)
        if (!wc_mac_supported(value->list[i]))
            return wc_unsupported_algorithm(name, value->list[i], errstr, errstr_size);
    return 0;
}

#include "worker/worker_config_keys.inc"

/* ------------------------------------------------------------------ */
/* Definitions                                                         */
/* ------------------------------------------------------------------ */

static cd_config_def_t *wc_defs[2];
static pthread_once_t wc_defs_once = PTHREAD_ONCE_INIT;

static void wc_defs_init(void)
{
    wc_defs[CD_WORKER_STANDALONE] = cd_config_def_new();
    cd_config_def_add_table(wc_defs[CD_WORKER_STANDALONE], wc_base_keys);
    cd_config_def_add_table(wc_defs[CD_WORKER_STANDALONE], wc_standalone_keys);
    wc_defs[CD_WORKER_DISTRIBUTED] = cd_config_def_new();
    cd_config_def_add_table(wc_defs[CD_WORKER_DISTRIBUTED], wc_base_keys);
    cd_config_def_add_table(wc_defs[CD_WORKER_DISTRIBUTED], wc_distributed_keys);
}

const cd_config_def_t *cd_worker_config_def(cd_worker_mode_t mode)
{
    pthread_once(&wc_defs_once, wc_defs_init);
    return wc_defs[mode == CD_WORKER_DISTRIBUTED ? CD_WORKER_DISTRIBUTED : CD_WORKER_STANDALONE];
}

const cd_config_key_t *cd_worker_config_table(int which)
{
    switch (which) {
    case 0:
        return wc_base_keys;
    case 1:
        return wc_standalone_keys;
    case 2:
        return wc_distributed_keys;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* The configuration                                                   */
/* ------------------------------------------------------------------ */

typedef enum {
    WC_POLICY_NONE,
    WC_POLICY_PRINCIPAL,
    WC_POLICY_ALL,
    WC_POLICY_ALLOWLIST
} wc_policy_t;

struct cd_worker_config_s {
    cd_worker_mode_t mode;
    cd_config_t *config;
    cd_listener_t *listeners;
    size_t listener_count;
    cd_listener_t *admin_listeners;
    size_t admin_listener_count;
    bool admin_set;
    wc_policy_t policy;
    char **allowlist;
    size_t allowlist_count;
    int bound_port;
    char *worker_id;
    char *advertised_url;
};

static char *wc_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

int cd_listener_parse(const char *text, cd_listener_t *out, char *errstr, size_t errstr_size)
{
    const char *s = text, *sep = NULL;
    size_t len;
    memset(out, 0, sizeof(*out));
    while (*s && isspace((unsigned char)*s))
        s++;
    len = strlen(s);
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    /* ^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)$ : the greedy protocol takes the last
     * "://" after which the rest matches. */
    for (size_t i = len; i >= 3; i--) {
        if (strncmp(s + i - 3, "://", 3) != 0)
            continue;
        const char *h = s + i, *end = s + len, *p = end;
        while (p > h && isdigit((unsigned char)p[-1]))
            p--;
        if (p == end)
            continue;
        const char *digits = p;
        if (p > h && p[-1] == '-')
            p--;
        if (p == h || p[-1] != ':')
            continue;
        const char *hs = h, *he = p - 1;
        if (hs < he && *hs == '[')
            hs++;
        if (he > hs && he[-1] == ']')
            he--;
        bool ok = true;
        for (const char *q = hs; q < he; q++)
            if (!isalnum((unsigned char)*q) && !strchr("-%._:", *q))
                ok = false;
        if (!ok)
            continue;
        sep = s + i - 3;
        size_t plen = (size_t)(sep - s);
        if (plen == 4 && strncasecmp(s, "http", 4) == 0)
            out->https = false;
        else if (plen == 5 && strncasecmp(s, "https", 5) == 0)
            out->https = true;
        else {
            snprintf(errstr, errstr_size,
                     "Listener protocol must be either \"http\" or \"https\".");
            return -1;
        }
        long port = 0;
        if (p != digits || (size_t)(end - digits) > 6)
            port = -1;
        else
            port = strtol(digits, NULL, 10);
        if (port < 0 || port > 65535) {
            snprintf(errstr, errstr_size, "Invalid port %.*s in listener %.*s", (int)(end - p), p,
                     (int)(len > 200 ? 200 : len), s);
            return -1;
        }
        out->port = (int)port;
        out->host = strndup(hs, (size_t)(he - hs));
        if (!out->host) {
            snprintf(errstr, errstr_size, "Out of memory");
            return -1;
        }
        return 0;
    }
    snprintf(errstr, errstr_size,
             "Listener doesn't have the right format (protocol://hostname:port).");
    return -1;
}

static void wc_listeners_free(cd_listener_t *l, size_t n)
{
    for (size_t i = 0; l && i < n; i++)
        free(l[i].host);
    free(l);
}

static int wc_parse_listeners(const char *const *list, size_t count, cd_listener_t **out, size_t *n,
                              char *errstr, size_t errstr_size)
{
    *out = NULL;
    *n = 0;
    if (count > WC_MAX_LISTENERS) {
        snprintf(errstr, errstr_size, "Too many listeners (%zu, at most %d)", count,
                 WC_MAX_LISTENERS);
        return -1;
    }
    if (count == 0)
        return 0;
    cd_listener_t *l = calloc(count, sizeof(*l));
    if (!l) {
        snprintf(errstr, errstr_size, "Out of memory");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (cd_listener_parse(list[i], &l[i], errstr, errstr_size)) {
            wc_listeners_free(l, i);
            return -1;
        }
    }
    *out = l;
    *n = count;
    return 0;
}

/* Keys that are not definitions but are read by other parts of the worker. */
static bool wc_key_is_known_prefix(const char *key)
{
    static const char *const prefixes[] = {"key.converter.",
                                           "value.converter.",
                                           "header.converter.",
                                           "producer.",
                                           "consumer.",
                                           "admin.",
                                           "config.providers.",
                                           "listeners.https.",
                                           "admin.listeners.https.",
                                           "config.storage.",
                                           "offset.storage.",
                                           "status.storage.",
                                           "rest.extension.",
                                           "connector.client.config.override.",
                                           "internal.key.converter",
                                           "internal.value.converter",
                                           "ssl.",
                                           "sasl.",
                                           NULL};
    for (size_t i = 0; prefixes[i]; i++)
        if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0)
            return true;
    return false;
}

/* AbstractConfig.logUnused: one warning naming every unknown key. */
static void wc_log_unused(const cd_config_def_t *def, const cd_properties_t *props)
{
    char line[2048];
    size_t used = 0, count = 0;
    line[0] = 0;
    for (size_t i = 0; i < cd_properties_count(props); i++) {
        const char *key = cd_properties_key_at(props, i);
        if (cd_config_def_find(def, key) || wc_key_is_known_prefix(key))
            continue;
        int w = snprintf(line + used, sizeof(line) - used, "%s%s", count ? ", " : "", key);
        if (w < 0 || (size_t)w >= sizeof(line) - used) {
            used = sizeof(line) - 1;
            break;
        }
        used += (size_t)w;
        count++;
    }
    if (count)
        cd_log_warn(WC_LOGGER, "These configurations '[%s]' were supplied but are not used yet.",
                    line);
}

static int wc_parse_policy(cd_worker_config_t *wc, char *errstr, size_t errstr_size)
{
    static const struct {
        const char *alias;
        wc_policy_t policy;
    } names[] = {{"None", WC_POLICY_NONE},
                 {"Principal", WC_POLICY_PRINCIPAL},
                 {"All", WC_POLICY_ALL},
                 {"Allowlist", WC_POLICY_ALLOWLIST}};
    const char *p = cd_config_get_string(wc->config, "connector.client.config.override.policy");
    const char *pkg = "org.apache.kafka.connect.connector.policy.";
    const char *suffix = "ConnectorClientConfigOverridePolicy";
    char name[128];
    if (!p)
        p = "";
    if (strncmp(p, pkg, strlen(pkg)) == 0)
        p += strlen(pkg);
    snprintf(name, sizeof(name), "%s", p);
    size_t nl = strlen(name), sl = strlen(suffix);
    if (nl > sl && strcmp(name + nl - sl, suffix) == 0)
        name[nl - sl] = 0;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i].alias) == 0) {
            wc->policy = names[i].policy;
            goto found;
        }
    }
    snprintf(errstr, errstr_size,
             "Failed to find any class that implements ConnectorClientConfigOverridePolicy for the "
             "config %s, available classes are: [All, Allowlist, None, Principal]",
             cd_config_get_string(wc->config, "connector.client.config.override.policy"));
    return -1;
found:
    if (wc->policy == WC_POLICY_ALLOWLIST) {
        const char *list = cd_properties_get(cd_config_originals(wc->config),
                                             "connector.client.config.override.allowlist");
        while (list && *list) {
            const char *comma = strchr(list, ',');
            size_t len = comma ? (size_t)(comma - list) : strlen(list);
            const char *a = list, *b = list + len;
            while (a < b && isspace((unsigned char)*a))
                a++;
            while (b > a && isspace((unsigned char)b[-1]))
                b--;
            if (b > a) {
                char **grown = realloc(wc->allowlist, (wc->allowlist_count + 1) * sizeof(char *));
                if (!grown)
                    return -1;
                wc->allowlist = grown;
                wc->allowlist[wc->allowlist_count] = strndup(a, (size_t)(b - a));
                if (!wc->allowlist[wc->allowlist_count])
                    return -1;
                wc->allowlist_count++;
            }
            list = comma ? comma + 1 : NULL;
        }
    }
    return 0;
}

cd_worker_config_t *cd_worker_config_new(cd_worker_mode_t mode, const cd_properties_t *props,
                                         char *errstr, size_t errstr_size)
{
    const cd_config_def_t *def = cd_worker_config_def(mode);
    cd_worker_config_t *wc = calloc(1, sizeof(*wc));
    const char *const *list;
    size_t count;
    /* AbstractConfig.resolveConfigVariables: ${provider:path:key} in the worker
     * properties are resolved with the providers they declare themselves */
    cd_properties_t *resolved = NULL;
    if (!wc) {
        snprintf(errstr, errstr_size, "Out of memory");
        return NULL;
    }
    wc->mode = mode;
    resolved = cd_config_resolve_worker_props(props, errstr, errstr_size);
    if (!resolved)
        goto fail;
    props = resolved;
    wc->config = cd_config_parse(def, props, errstr, errstr_size);
    if (!wc->config)
        goto fail;
    wc_log_unused(def, props);
    if (cd_properties_get(props, "internal.key.converter") ||
        cd_properties_get(props, "internal.value.converter"))
        cd_log_warn(WC_LOGGER,
                    "The worker has been configured with one or more internal converter "
                    "properties ([internal.key.converter, internal.value.converter]). These "
                    "properties have been removed since version 3.0 and an instance of the "
                    "JsonConverter with schemas.enable set to false will be used instead.");
    list = cd_config_get_list(wc->config, "listeners", &count);
    if (wc_parse_listeners(list, count, &wc->listeners, &wc->listener_count, errstr, errstr_size))
        goto fail;
    {
        const cd_config_value_t *admin = cd_config_get(wc->config, "admin.listeners");
        wc->admin_set = admin && !admin->is_null;
        if (wc->admin_set) {
            /* blank entries are ignored: "admin.listeners=" disables the admin endpoints */
            const char *kept[WC_MAX_LISTENERS];
            size_t n = 0;
            for (size_t i = 0; i < admin->list_count; i++) {
                if (admin->list[i][0] == 0)
                    continue;
                if (n == WC_MAX_LISTENERS) {
                    snprintf(errstr, errstr_size, "Too many admin.listeners (at most %d)",
                             WC_MAX_LISTENERS);
                    goto fail;
                }
                kept[n++] = admin->list[i];
            }
            if (wc_parse_listeners(kept, n, &wc->admin_listeners, &wc->admin_listener_count, errstr,
                                   errstr_size))
                goto fail;
        }
    }
    if (wc_parse_policy(wc, errstr, errstr_size))
        goto fail;
    if (mode == CD_WORKER_DISTRIBUTED) {
        /* DistributedConfig.ensureVerificationAlgorithmsIncludeSignatureAlgorithm */
        const char *sig = cd_config_get_string(wc->config, "inter.worker.signature.algorithm");
        bool found = false;
        list = cd_config_get_list(wc->config, "inter.worker.verification.algorithms", &count);
        for (size_t i = 0; i < count; i++)
            if (sig && strcmp(list[i], sig) == 0)
                found = true;
        if (!found) {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration inter.worker.signature.algorithm: "
                     "Signature algorithm must be present in inter.worker.verification.algorithms "
                     "list",
                     sig ? sig : "null");
            goto fail;
        }
    }
    cd_worker_config_set_bound_port(wc, 0);
    cd_properties_destroy(resolved);
    return wc;
fail:
    cd_properties_destroy(resolved);
    cd_worker_config_destroy(wc);
    return NULL;
}

void cd_worker_config_destroy(cd_worker_config_t *wc)
{
    if (!wc)
        return;
    cd_config_destroy(wc->config);
    wc_listeners_free(wc->listeners, wc->listener_count);
    wc_listeners_free(wc->admin_listeners, wc->admin_listener_count);
    for (size_t i = 0; i < wc->allowlist_count; i++)
        free(wc->allowlist[i]);
    free(wc->allowlist);
    free(wc->worker_id);
    free(wc->advertised_url);
    free(wc);
}

cd_worker_mode_t cd_worker_config_mode(const cd_worker_config_t *wc)
{
    return wc->mode;
}

const cd_config_t *cd_worker_config_values(const cd_worker_config_t *wc)
{
    return wc->config;
}

const cd_listener_t *cd_worker_config_listeners(const cd_worker_config_t *wc, size_t *n)
{
    *n = wc->listener_count;
    return wc->listeners;
}

const cd_listener_t *cd_worker_config_admin_listeners(const cd_worker_config_t *wc, size_t *n,
                                                      bool *is_set)
{
    *n = wc->admin_listener_count;
    *is_set = wc->admin_set;
    return wc->admin_listeners;
}

/* What Jetty's Server.getURI uses for a listener without a host:
 * InetAddress.getLocalHost().getHostAddress() (the machine name's address). */
static void wc_local_host_address(char *out, size_t out_size)
{
    char name[256];
    struct addrinfo hints, *res = NULL;
    if (gethostname(name, sizeof(name) - 1) != 0) {
        snprintf(out, out_size, "127.0.0.1");
        return;
    }
    name[sizeof(name) - 1] = 0;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    if (getaddrinfo(name, NULL, &hints, &res) == 0 && res) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)res->ai_addr;
        if (!inet_ntop(AF_INET, &sin->sin_addr, out, (socklen_t)out_size))
            snprintf(out, out_size, "%s", name);
        freeaddrinfo(res);
        return;
    }
    snprintf(out, out_size, "%s", name);
}

void cd_worker_config_set_bound_port(cd_worker_config_t *wc, int port)
{
    const cd_config_t *c = wc->config;
    const char *adv_listener = cd_config_get_string(c, "rest.advertised.listener");
    const char *adv_host = cd_config_get_string(c, "rest.advertised.host.name");
    const cd_config_value_t *adv_port = cd_config_get(c, "rest.advertised.port");
    bool https = false;
    const cd_listener_t *l = NULL;
    char host[300];
    char url[400];
    int p = -1;

    wc->bound_port = port;
    /* RestServer.determineAdvertisedProtocol */
    if (adv_listener) {
        https = strcasecmp(adv_listener, "https") == 0;
    } else {
        bool any_http = false, any_https = false;
        for (size_t i = 0; i < wc->listener_count; i++) {
            if (wc->listeners[i].https)
                any_https = true;
            else
                any_http = true;
        }
        https = !any_http && any_https;
    }
    for (size_t i = 0; i < wc->listener_count && !l; i++)
        if (wc->listeners[i].https == https)
            l = &wc->listeners[i];

    if (adv_host && adv_host[0])
        snprintf(host, sizeof(host), "%s", adv_host);
    else if (l && l->host[0])
        snprintf(host, sizeof(host), "%s", l->host);
    else
        wc_local_host_address(host, sizeof(host));
    if (adv_port && !adv_port->is_null)
        p = (int)adv_port->i;
    else if (l && l->port > 0)
        p = l->port;
    else if (port > 0)
        p = port;

    const char *bracket_open = strchr(host, ':') ? "[" : "",
               *bracket_close = strchr(host, ':') ? "]" : "";
    if (p >= 0)
        snprintf(url, sizeof(url), "%s://%s%s%s:%d/", https ? "https" : "http", bracket_open, host,
                 bracket_close, p);
    else
        snprintf(url, sizeof(url), "%s://%s%s%s/", https ? "https" : "http", bracket_open, host,
                 bracket_close);
    free(wc->advertised_url);
    wc->advertised_url = wc_strdup(url);
    /* worker id: URI host:port (ConnectProtocol's worker url without scheme and slash) */
    snprintf(url, sizeof(url), "%s%s%s:%d", bracket_open, host, bracket_close, p);
    free(wc->worker_id);
    wc->worker_id = wc_strdup(url);
}

const char *cd_worker_config_worker_id(const cd_worker_config_t *wc)
{
    return wc->worker_id;
}

const char *cd_worker_config_advertised_url(const cd_worker_config_t *wc)
{
    return wc->advertised_url;
}

/* ------------------------------------------------------------------ */
/* ConnectorClientConfigOverridePolicy                                 */
/* ------------------------------------------------------------------ */

int cd_worker_config_check_client_overrides(const cd_worker_config_t *wc, const char *prefix,
                                            const cd_properties_t *overrides, char *errstr,
                                            size_t errstr_size)
{
    static const char *const principal[] = {"sasl.jaas.config", "sasl.mechanism",
                                            "security.protocol", NULL};
    static const char *const policy_names[] = {"None", "Principal", "All", "Allowlist"};
    (void)prefix;
    if (!overrides || wc->policy == WC_POLICY_ALL)
        return 0;
    for (size_t i = 0; i < cd_properties_count(overrides); i++) {
        const char *key = cd_properties_key_at(overrides, i);
        bool allowed = false;
        if (wc->policy == WC_POLICY_PRINCIPAL) {
            for (size_t j = 0; principal[j]; j++)
                if (strcmp(key, principal[j]) == 0)
                    allowed = true;
        } else if (wc->policy == WC_POLICY_ALLOWLIST) {
            for (size_t j = 0; j < wc->allowlist_count; j++)
                if (strcmp(key, wc->allowlist[j]) == 0)
                    allowed = true;
        }
        if (!allowed) {
            snprintf(errstr, errstr_size,
                     "The '%s' policy does not allow '%s' to be overridden in the connector "
                     "configuration.",
                     policy_names[wc->policy], key);
            return -1;
        }
    }
    return 0;
}
