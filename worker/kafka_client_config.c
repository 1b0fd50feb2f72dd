/*
 * kafka_client_config.c: Java Kafka client settings -> librdkafka
 * (cd_kafka_conf_apply_java). Keys both clients share pass through; keys
 * whose names or values differ are translated (sasl.mechanism, send/receive
 * buffers, auto.offset.reset, assignors, PEM/PKCS12 stores, JAAS logins);
 * Java-only keys are skipped with a debug log; settings connectd cannot honour
 * and that matter for security (JKS stores, unknown JAAS login modules) are
 * an error naming the key.
 */
#include "util/log.h"
#include "util/properties.h"
#include "worker/worker_config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define KC_LOGGER "org.apache.kafka.connect.runtime.WorkerConfig"
#define KC_JAAS_MAX 8192
#define KC_JAAS_MAX_OPTIONS 32

/* Keys only the Java clients have: skipped. A trailing '*' is a prefix. */
static const char *const kc_java_only[] = {"key.serializer",
                                           "value.serializer",
                                           "key.deserializer",
                                           "value.deserializer",
                                           "interceptor.classes",
                                           "metric.reporters",
                                           "metrics.*",
                                           "auto.include.jmx.reporter",
                                           "partitioner.*",
                                           "max.block.ms",
                                           "default.api.timeout.ms",
                                           "max.poll.records",
                                           "exclude.internal.topics",
                                           "client.dns.lookup",
                                           "metadata.recovery.*",
                                           "sasl.login.*",
                                           "sasl.client.callback.handler.class",
                                           "sasl.kerberos.kinit.cmd",
                                           "sasl.kerberos.ticket.renew.*",
                                           "sasl.kerberos.min.time.before.relogin",
                                           "sasl.oauthbearer.*",
                                           "security.providers",
                                           "ssl.protocol",
                                           "ssl.provider",
                                           "ssl.enabled.protocols",
                                           "ssl.keymanager.algorithm",
                                           "ssl.trustmanager.algorithm",
                                           "ssl.secure.random.implementation",
                                           "ssl.engine.factory.class",
                                           "ssl.cipher.suites",
                                           "ssl.truststore.password",
                                           "ssl.client.auth",
                                           "config.providers*",
                                           "enable.metrics.push",
                                           "socket.connection.setup.timeout.max.ms",
                                           "group.protocol",
                                           "group.remote.assignor",
                                           "internal.*",
                                           "transaction.two.phase.commit.enable",
                                           NULL};

static bool kc_matches(const char *const *patterns, const char *key)
{
    for (size_t i = 0; patterns[i]; i++) {
        size_t n = strlen(patterns[i]);
        if (patterns[i][n - 1] == '*') {
            if (strncmp(key, patterns[i], n - 1) == 0)
                return true;
        } else if (strcmp(key, patterns[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int kc_set(rd_kafka_conf_t *conf, const char *java_key, const char *rd_key,
                  const char *value, bool skip_unknown, char *errstr, size_t errstr_size)
{
    char rderr[512];
    rd_kafka_conf_res_t r = rd_kafka_conf_set(conf, rd_key, value, rderr, sizeof(rderr));
    if (r == RD_KAFKA_CONF_OK)
        return 0;
    if (r == RD_KAFKA_CONF_UNKNOWN && skip_unknown) {
        cd_log_debug(KC_LOGGER, "Ignoring client setting '%s': librdkafka has no '%s'", java_key,
                     rd_key);
        return 0;
    }
    snprintf(errstr, errstr_size, "Invalid value for configuration %s: %s", java_key, rderr);
    return -1;
}

/* ------------------------------------------------------------------ */
/* JAAS: "<LoginModule> <flag> key=value ... ;" (one module)            */
/* ------------------------------------------------------------------ */

typedef struct kc_jaas_s {
    char module[256];
    size_t count;
    char *keys[KC_JAAS_MAX_OPTIONS];
    char *values[KC_JAAS_MAX_OPTIONS];
} kc_jaas_t;

static void kc_jaas_free(kc_jaas_t *j)
{
    for (size_t i = 0; i < j->count; i++) {
        free(j->keys[i]);
        free(j->values[i]);
    }
    j->count = 0;
}

/* One token: a word (not whitespace, '=', ';', '"') or a quoted string with
 * StreamTokenizer's escapes. @returns the length written to out, -1 on error. */
static int kc_jaas_token(const char **p, char *out, size_t out_size, bool *quoted)
{
    const char *s = *p;
    size_t n = 0;
    *quoted = false;
    if (*s == '"') {
        *quoted = true;
        s++;
        while (*s && *s != '"') {
            char c = *s++;
            if (c == '\\' && *s) {
                c = *s++;
                switch (c) {
                case 'n':
                    c = '\n';
                    break;
                case 't':
                    c = '\t';
                    break;
                case 'r':
                    c = '\r';
                    break;
                case 'b':
                    c = '\b';
                    break;
                case 'f':
                    c = '\f';
                    break;
                default:
                    break;
                }
            }
            if (n + 1 >= out_size)
                return -1;
            out[n++] = c;
        }
        if (*s != '"')
            return -1;
        s++;
    } else {
        while (*s && !isspace((unsigned char)*s) && *s != '=' && *s != ';' && *s != '"') {
            if (n + 1 >= out_size)
                return -1;
            out[n++] = *s++;
        }
    }
    out[n] = 0;
    *p = s;
    return (int)n;
}

static void kc_skip_space(const char **p)
{
    while (**p && isspace((unsigned char)**p))
        (*p)++;
}

static int kc_jaas_parse(const char *text, kc_jaas_t *j, char *errstr, size_t errstr_size)
{
    char tok[KC_JAAS_MAX], val[KC_JAAS_MAX];
    const char *p = text;
    bool quoted;
    size_t modules = 0;
    memset(j, 0, sizeof(*j));
    if (strlen(text) >= KC_JAAS_MAX) {
        snprintf(errstr, errstr_size, "Value too long for configuration sasl.jaas.config");
        return -1;
    }
    for (;;) {
        kc_skip_space(&p);
        if (!*p)
            break;
        if (kc_jaas_token(&p, tok, sizeof(tok), &quoted) <= 0 || quoted)
            goto syntax;
        modules++;
        if (modules == 1) {
            size_t ml = strlen(tok) < sizeof(j->module) - 1 ? strlen(tok) : sizeof(j->module) - 1;
            memcpy(j->module, tok, ml);
            j->module[ml] = 0;
        }
        kc_skip_space(&p);
        if (kc_jaas_token(&p, tok, sizeof(tok), &quoted) <= 0 || quoted)
            goto syntax;
        if (strcasecmp(tok, "required") && strcasecmp(tok, "requisite") &&
            strcasecmp(tok, "sufficient") && strcasecmp(tok, "optional")) {
            snprintf(errstr, errstr_size,
                     "Invalid value for configuration sasl.jaas.config: Invalid control flag %s",
                     tok);
            goto fail;
        }
        for (;;) {
            kc_skip_space(&p);
            if (*p == ';') {
                p++;
                break;
            }
            if (!*p) {
                snprintf(errstr, errstr_size,
                         "Invalid value for configuration sasl.jaas.config: Login module "
                         "configuration should end with ';'");
                goto fail;
            }
            if (kc_jaas_token(&p, tok, sizeof(tok), &quoted) <= 0 || quoted)
                goto syntax;
            kc_skip_space(&p);
            if (*p != '=')
                goto syntax;
            p++;
            kc_skip_space(&p);
            if (kc_jaas_token(&p, val, sizeof(val), &quoted) < 0)
                goto syntax;
            if (modules == 1) {
                if (j->count == KC_JAAS_MAX_OPTIONS) {
                    snprintf(errstr, errstr_size,
                             "Invalid value for configuration sasl.jaas.config: more than %d "
                             "options",
                             KC_JAAS_MAX_OPTIONS);
                    goto fail;
                }
                j->keys[j->count] = strdup(tok);
                j->values[j->count] = strdup(val);
                j->count++;
                if (!j->keys[j->count - 1] || !j->values[j->count - 1])
                    goto syntax;
            }
        }
    }
    if (modules != 1) {
        snprintf(errstr, errstr_size,
                 "Invalid value for configuration sasl.jaas.config: JAAS config property contains "
                 "%zu login modules, should be 1 module",
                 modules);
        goto fail;
    }
    return 0;
syntax:
    snprintf(errstr, errstr_size,
             "Invalid value for configuration sasl.jaas.config: JAAS config entry not terminated "
             "by semi-colon or has a syntax error");
fail:
    kc_jaas_free(j);
    return -1;
}

static const char *kc_jaas_get(const kc_jaas_t *j, const char *key)
{
    for (size_t i = 0; i < j->count; i++)
        if (strcmp(j->keys[i], key) == 0)
            return j->values[i];
    return NULL;
}

static int kc_apply_jaas(rd_kafka_conf_t *conf, const char *text, char *errstr, size_t errstr_size)
{
    kc_jaas_t j;
    int rc = -1;
    if (kc_jaas_parse(text, &j, errstr, errstr_size))
        return -1;
    const char *m = j.module;
    if (strcmp(m, "org.apache.kafka.common.security.plain.PlainLoginModule") == 0 ||
        strcmp(m, "org.apache.kafka.common.security.scram.ScramLoginModule") == 0) {
        const char *user = kc_jaas_get(&j, "username"), *pass = kc_jaas_get(&j, "password");
        if (user &&
            kc_set(conf, "sasl.jaas.config", "sasl.username", user, false, errstr, errstr_size))
            goto done;
        if (pass &&
            kc_set(conf, "sasl.jaas.config", "sasl.password", pass, false, errstr, errstr_size))
            goto done;
    } else if (strcmp(m, "com.sun.security.auth.module.Krb5LoginModule") == 0) {
        const char *principal = kc_jaas_get(&j, "principal"), *keytab = kc_jaas_get(&j, "keyTab");
        if (principal && kc_set(conf, "sasl.jaas.config", "sasl.kerberos.principal", principal,
                                false, errstr, errstr_size))
            goto done;
        if (keytab && kc_set(conf, "sasl.jaas.config", "sasl.kerberos.keytab", keytab, false,
                             errstr, errstr_size))
            goto done;
    } else {
        snprintf(errstr, errstr_size,
                 "Invalid value for configuration sasl.jaas.config: login module %s is not "
                 "supported by connectd (PlainLoginModule, ScramLoginModule, Krb5LoginModule are)",
                 m);
        goto done;
    }
    rc = 0;
done:
    kc_jaas_free(&j);
    return rc;
}

int cd_kafka_jaas_credentials(const char *jaas, char **username, char **password, char *errstr,
                              size_t errstr_size)
{
    kc_jaas_t j;
    *username = *password = NULL;
    if (kc_jaas_parse(jaas, &j, errstr, errstr_size))
        return -1;
    if (strcmp(j.module, "org.apache.kafka.common.security.plain.PlainLoginModule") != 0 &&
        strcmp(j.module, "org.apache.kafka.common.security.scram.ScramLoginModule") != 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value for configuration sasl.jaas.config: login module %s is not "
                 "supported by connectd's group client (PlainLoginModule, ScramLoginModule are)",
                 j.module);
        kc_jaas_free(&j);
        return -1;
    }
    const char *u = kc_jaas_get(&j, "username"), *pw = kc_jaas_get(&j, "password");
    *username = u ? strdup(u) : NULL;
    *password = pw ? strdup(pw) : NULL;
    kc_jaas_free(&j);
    return 0;
}

/* ------------------------------------------------------------------ */
/* SSL stores                                                          */
/* ------------------------------------------------------------------ */

static int kc_apply_ssl(rd_kafka_conf_t *conf, const cd_properties_t *props, char *errstr,
                        size_t errstr_size)
{
    const char *ts_type = cd_properties_get(props, "ssl.truststore.type");
    const char *ts_loc = cd_properties_get(props, "ssl.truststore.location");
    const char *ts_certs = cd_properties_get(props, "ssl.truststore.certificates");
    const char *ks_type = cd_properties_get(props, "ssl.keystore.type");
    const char *ks_loc = cd_properties_get(props, "ssl.keystore.location");
    const char *ks_pass = cd_properties_get(props, "ssl.keystore.password");
    const char *ks_key = cd_properties_get(props, "ssl.keystore.key");
    const char *ks_chain = cd_properties_get(props, "ssl.keystore.certificate.chain");
    const char *key_pass = cd_properties_get(props, "ssl.key.password");
    const char *endpoint = cd_properties_get(props, "ssl.endpoint.identification.algorithm");

    if (!ts_type || !*ts_type)
        ts_type = ts_certs ? "PEM" : "JKS";
    if (!ks_type || !*ks_type)
        ks_type = ks_key ? "PEM" : "JKS";
    if (ts_loc && *ts_loc) {
        if (strcasecmp(ts_type, "PEM") != 0) {
            snprintf(
                errstr, errstr_size,
                "Invalid value %s for configuration ssl.truststore.type: connectd (librdkafka) "
                "reads trust stores in PEM only; convert %s to PEM and set "
                "ssl.truststore.type=PEM",
                ts_type, ts_loc);
            return -1;
        }
        if (kc_set(conf, "ssl.truststore.location", "ssl.ca.location", ts_loc, false, errstr,
                   errstr_size))
            return -1;
    }
    if (ts_certs && kc_set(conf, "ssl.truststore.certificates", "ssl.ca.pem", ts_certs, false,
                           errstr, errstr_size))
        return -1;
    if (ks_loc && *ks_loc) {
        if (strcasecmp(ks_type, "PKCS12") == 0) {
            if (kc_set(conf, "ssl.keystore.location", "ssl.keystore.location", ks_loc, false,
                       errstr, errstr_size))
                return -1;
            if (ks_pass && kc_set(conf, "ssl.keystore.password", "ssl.keystore.password", ks_pass,
                                  false, errstr, errstr_size))
                return -1;
        } else if (strcasecmp(ks_type, "PEM") == 0) {
            if (kc_set(conf, "ssl.keystore.location", "ssl.certificate.location", ks_loc, false,
                       errstr, errstr_size) ||
                kc_set(conf, "ssl.keystore.location", "ssl.key.location", ks_loc, false, errstr,
                       errstr_size))
                return -1;
        } else {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration ssl.keystore.type: connectd (librdkafka) "
                     "reads key stores in PKCS12 or PEM only; convert %s and set "
                     "ssl.keystore.type=PKCS12",
                     ks_type, ks_loc);
            return -1;
        }
    }
    if (ks_key &&
        kc_set(conf, "ssl.keystore.key", "ssl.key.pem", ks_key, false, errstr, errstr_size))
        return -1;
    if (ks_chain && kc_set(conf, "ssl.keystore.certificate.chain", "ssl.certificate.pem", ks_chain,
                           false, errstr, errstr_size))
        return -1;
    if (key_pass &&
        kc_set(conf, "ssl.key.password", "ssl.key.password", key_pass, false, errstr, errstr_size))
        return -1;
    if (endpoint && kc_set(conf, "ssl.endpoint.identification.algorithm",
                           "ssl.endpoint.identification.algorithm", *endpoint ? endpoint : "none",
                           false, errstr, errstr_size))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* The translation                                                     */
/* ------------------------------------------------------------------ */

static const struct {
    const char *java;
    const char *rd;
} kc_renamed[] = {
    {"sasl.mechanism", "sasl.mechanisms"},
    {"send.buffer.bytes", "socket.send.buffer.bytes"},
    {"receive.buffer.bytes", "socket.receive.buffer.bytes"},
    {"max.request.size", "message.max.bytes"},
};

static int kc_apply_one(rd_kafka_conf_t *conf, const char *key, const char *value, char *errstr,
                        size_t errstr_size)
{
    char buf[64];
    for (size_t i = 0; i < sizeof(kc_renamed) / sizeof(kc_renamed[0]); i++)
        if (strcmp(key, kc_renamed[i].java) == 0)
            return kc_set(conf, key, kc_renamed[i].rd, value, false, errstr, errstr_size);
    if (strcmp(key, "auto.offset.reset") == 0) {
        if (strcasecmp(value, "none") == 0)
            value = "error";
        return kc_set(conf, key, key, value, false, errstr, errstr_size);
    }
    if (strcmp(key, "buffer.memory") == 0) {
        char *end;
        long long v = strtoll(value, &end, 10);
        if (*end || v < 1024) {
            snprintf(errstr, errstr_size,
                     "Invalid value %s for configuration buffer.memory: at least 1024 bytes",
                     value);
            return -1;
        }
        snprintf(buf, sizeof(buf), "%lld", v / 1024);
        return kc_set(conf, key, "queue.buffering.max.kbytes", buf, false, errstr, errstr_size);
    }
    if (strcmp(key, "partition.assignment.strategy") == 0) {
        static const struct {
            const char *java, *rd;
        } assignors[] = {
            {"org.apache.kafka.clients.consumer.RangeAssignor", "range"},
            {"org.apache.kafka.clients.consumer.RoundRobinAssignor", "roundrobin"},
            {"org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "cooperative-sticky"},
        };
        char out[256] = "";
        const char *p = value;
        while (p && *p) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            while (len && isspace((unsigned char)*p)) {
                p++;
                len--;
            }
            while (len && isspace((unsigned char)p[len - 1]))
                len--;
            bool found = false;
            for (size_t i = 0; i < sizeof(assignors) / sizeof(assignors[0]); i++) {
                if (strlen(assignors[i].java) == len && strncmp(assignors[i].java, p, len) == 0) {
                    size_t used = strlen(out);
                    snprintf(out + used, sizeof(out) - used, "%s%s", used ? "," : "",
                             assignors[i].rd);
                    found = true;
                }
            }
            if (!found && len)
                cd_log_debug(KC_LOGGER, "Ignoring assignor '%.*s': not available in librdkafka",
                             (int)(len > 200 ? 200 : len), p);
            p = comma ? comma + 1 : NULL;
        }
        return out[0] ? kc_set(conf, key, key, out, false, errstr, errstr_size) : 0;
    }
    /* Same name in both clients, or unknown to librdkafka (skipped). */
    return kc_set(conf, key, key, value, true, errstr, errstr_size);
}

int cd_kafka_conf_apply_java(rd_kafka_conf_t *conf, const cd_properties_t *props, char *errstr,
                             size_t errstr_size)
{
    const char *proto = cd_properties_get(props, "security.protocol");
    bool ssl = proto && (strcasecmp(proto, "SSL") == 0 || strcasecmp(proto, "SASL_SSL") == 0);
    bool sasl =
        proto && (strcasecmp(proto, "SASL_PLAINTEXT") == 0 || strcasecmp(proto, "SASL_SSL") == 0);
    for (size_t i = 0; i < cd_properties_count(props); i++) {
        const char *key = cd_properties_key_at(props, i);
        const char *value = cd_properties_value_at(props, i);
        if (kc_matches(kc_java_only, key)) {
            cd_log_debug(KC_LOGGER, "Ignoring Java-only client setting '%s'", key);
            continue;
        }
        if (strncmp(key, "ssl.", 4) == 0) /* the stores as a whole, below */
            continue;
        if (strcmp(key, "sasl.jaas.config") == 0) {
            if (sasl && kc_apply_jaas(conf, value, errstr, errstr_size))
                return -1;
            continue;
        }
        if (kc_apply_one(conf, key, value, errstr, errstr_size))
            return -1;
    }
    if (ssl && kc_apply_ssl(conf, props, errstr, errstr_size))
        return -1;
    return 0;
}
