/*
 * client_config.c: what the worker hands to a task's Kafka clients and
 * converters, as Java's Worker does it (baseProducerConfigs,
 * baseConsumerConfigs, adminConfigs, Plugins.newConverter), plus the KIP-158
 * topic creation groups (TopicCreation, TopicCreationGroup) and the FAILED
 * status trace text. Pure functions over property maps: unit-tested without
 * a broker.
 */
#include "worker_internal.h"

#include "util/properties.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cd_properties_copy_prefixed(cd_properties_t *to, const cd_properties_t *from,
                                 const char *prefix)
{
    if (!from)
        return;
    size_t plen = strlen(prefix);
    for (size_t i = 0; i < cd_properties_count(from); i++) {
        const char *k = cd_properties_key_at(from, i);
        if (strncmp(k, prefix, plen) == 0 && k[plen] != '\0')
            cd_properties_set(to, k + plen, cd_properties_value_at(from, i));
    }
}

static void set_bootstrap(cd_properties_t *p, const cd_properties_t *worker_props)
{
    const char *bs = worker_props ? cd_properties_get(worker_props, "bootstrap.servers") : NULL;
    /* Java joins the parsed list: drop the blanks around the commas */
    char buf[4096];
    size_t o = 0;
    if (!bs)
        bs = "localhost:9092";
    for (const char *c = bs; *c && o + 1 < sizeof(buf); c++)
        if (*c != ' ' && *c != '\t')
            buf[o++] = *c;
    buf[o] = '\0';
    cd_properties_set(p, "bootstrap.servers", buf);
}

cd_properties_t *cd_worker_producer_props(const cd_properties_t *worker_props,
                                          const cd_properties_t *connector_config,
                                          const char *connector, int task)
{
    cd_properties_t *p = cd_properties_new();
    char id[512];
    if (!p)
        return NULL;
    set_bootstrap(p, worker_props);
    cd_properties_set(p, "enable.idempotence", "false");
    cd_properties_set(p, "acks", "all");
    cd_properties_set(p, "max.in.flight.requests.per.connection", "1");
    cd_properties_set(p, "delivery.timeout.ms", "2147483647");
    snprintf(id, sizeof(id), "connector-producer-%s-%d", connector, task);
    cd_properties_set(p, "client.id", id);
    /* Java's DefaultPartitioner / BuiltInPartitioner: murmur2 of the key bytes,
     * sticky for null keys (librdkafka's murmur2_random is the same for keyed records) */
    cd_properties_set(p, "partitioner", "murmur2_random");
    cd_properties_copy_prefixed(p, worker_props, "producer.");
    cd_properties_copy_prefixed(p, connector_config, "producer.override.");
    return p;
}

cd_properties_t *cd_worker_consumer_props(const cd_properties_t *worker_props,
                                          const cd_properties_t *connector_config,
                                          const char *connector, int task)
{
    cd_properties_t *p = cd_properties_new();
    char id[512];
    if (!p)
        return NULL;
    set_bootstrap(p, worker_props);
    snprintf(id, sizeof(id), "connect-%s", connector);
    cd_properties_set(p, "group.id", id);
    snprintf(id, sizeof(id), "connector-consumer-%s-%d", connector, task);
    cd_properties_set(p, "client.id", id);
    cd_properties_set(p, "enable.auto.commit", "false");
    cd_properties_set(p, "auto.offset.reset", "earliest");
    cd_properties_copy_prefixed(p, worker_props, "consumer.");
    cd_properties_copy_prefixed(p, connector_config, "consumer.override.");
    return p;
}

cd_properties_t *cd_worker_admin_props(const cd_properties_t *worker_props,
                                       const cd_properties_t *connector_config,
                                       const char *connector)
{
    cd_properties_t *p = cd_properties_new();
    char id[512];
    if (!p)
        return NULL;
    set_bootstrap(p, worker_props);
    snprintf(id, sizeof(id), "connector-adminclient-%s", connector);
    cd_properties_set(p, "client.id", id);
    cd_properties_copy_prefixed(p, worker_props, "admin.");
    cd_properties_copy_prefixed(p, connector_config, "admin.override.");
    return p;
}

static char *trimmed(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return strndup(s, n);
}

cd_converter_t *cd_worker_task_converter(const cd_properties_t *worker_props,
                                         const cd_properties_t *connector_config,
                                         cd_converter_type_t type, char *errstr, size_t errstr_size)
{
    const char *key = type == CD_CONVERTER_KEY     ? "key.converter"
                      : type == CD_CONVERTER_VALUE ? "value.converter"
                                                   : "header.converter";
    const cd_properties_t *from = connector_config;
    const char *cls = connector_config ? cd_properties_get(connector_config, key) : NULL;
    if (!cls || !*cls) {
        from = worker_props;
        cls = worker_props ? cd_properties_get(worker_props, key) : NULL;
    }
    if ((!cls || !*cls) && type == CD_CONVERTER_HEADER)
        cls = "org.apache.kafka.connect.storage.SimpleHeaderConverter";
    if (!cls || !*cls) {
        snprintf(errstr, errstr_size,
                 "Missing required configuration \"%s\" which has no default value.", key);
        return NULL;
    }
    char prefix[64];
    snprintf(prefix, sizeof(prefix), "%s.", key);
    cd_properties_t *conf = cd_properties_new();
    char *name = trimmed(cls);
    cd_converter_t *conv = NULL;
    if (!conf || !name) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    cd_properties_copy_prefixed(conf, from, prefix);
    conv = cd_converter_new(name, conf, type, errstr, errstr_size);
fail:
    free(name);
    cd_properties_destroy(conf);
    return conv;
}

char *cd_worker_trace(const char *exception_class, const char *message, const char *where)
{
    const char *cls = exception_class ? exception_class : CD_CONNECT_EXCEPTION;
    const char *msg = message ? message : "";
    size_t n = strlen(cls) + strlen(msg) + (where ? strlen(where) : 0) + 64;
    char *out = malloc(n);
    if (!out)
        return NULL;
    if (where)
        snprintf(out, n, "%s: %s\n\tat %s\n", cls, msg, where);
    else
        snprintf(out, n, "%s: %s\n", cls, msg);
    return out;
}

/* ------------------------------------------------------------------ */
/* Topic creation                                                      */
/* ------------------------------------------------------------------ */

typedef struct tc_group_s {
    char *name;
    regex_t include, exclude;
    bool has_include, has_exclude;
    int32_t partitions, replication;
    cd_properties_t *configs;
} tc_group_t;

struct cd_topic_creation_s {
    tc_group_t *groups;
    size_t ngroups;
    char **known;
    size_t nknown, known_cap;
};

#define TC_PREFIX "topic.creation."

static int parse_int_setting(const char *key, const char *text, int32_t *out, char *errstr,
                             size_t errstr_size)
{
    char *t = trimmed(text), *end = NULL;
    long v = t ? strtol(t, &end, 10) : 0;
    bool ok = t && *t && end && *end == '\0' && v >= -2147483648L && v <= 2147483647L;
    if (!ok) {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: Not a number of type %s", text, key,
                 strstr(key, "replication") ? "SHORT" : "INT");
        free(t);
        return -1;
    }
    free(t);
    if (v == 0 || v < -1) {
        snprintf(errstr, errstr_size,
                 "Invalid value %ld for configuration %s: Number of %s must be positive, or -1 to "
                 "use the broker's default",
                 v, key, strstr(key, "replication") ? "replication factor" : "partitions");
        return -1;
    }
    *out = (int32_t)v;
    return 0;
}

/* Joins a comma-separated regex list with '|' and compiles it for a full match
 * (Java's Pattern.matcher(topic).matches()). */
static int compile_list(const char *key, const char *list, regex_t *re, bool *has, char *errstr,
                        size_t errstr_size)
{
    *has = false;
    if (!list)
        return 0;
    size_t n = strlen(list);
    char *pat = malloc(n * 2 + 16), *o = pat;
    if (!pat)
        return -1;
    o += sprintf(o, "^(");
    bool first = true, any = false;
    char *copy = strdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *t = trimmed(tok);
        if (t && *t) {
            o += sprintf(o, "%s(%s)", first ? "" : "|", t);
            first = false;
            any = true;
        }
        free(t);
    }
    free(copy);
    sprintf(o, ")$");
    if (!any) {
        free(pat);
        return 0;
    }
    int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);
    free(pat);
    if (rc != 0) {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: Syntax error in regex", list, key);
        return -1;
    }
    *has = true;
    return 0;
}

static void group_clear(tc_group_t *g)
{
    free(g->name);
    if (g->has_include)
        regfree(&g->include);
    if (g->has_exclude)
        regfree(&g->exclude);
    cd_properties_destroy(g->configs);
}

static int group_init(tc_group_t *g, const char *name, const cd_properties_t *cc, bool is_default,
                      int32_t def_partitions, int32_t def_replication, char *errstr,
                      size_t errstr_size)
{
    char prefix[512], key[600];
    memset(g, 0, sizeof(*g));
    g->name = strdup(name);
    g->configs = cd_properties_new();
    if (!g->name || !g->configs)
        return -1;
    snprintf(prefix, sizeof(prefix), TC_PREFIX "%s.", name);
    size_t plen = strlen(prefix);
    g->partitions = def_partitions;
    g->replication = def_replication;
    for (size_t i = 0; i < cd_properties_count(cc); i++) {
        const char *k = cd_properties_key_at(cc, i), *v = cd_properties_value_at(cc, i);
        if (strncmp(k, prefix, plen) != 0)
            continue;
        const char *sub = k + plen;
        if (strcmp(sub, "include") == 0 || strcmp(sub, "exclude") == 0) {
            if (is_default)
                continue; /* ignored for the default group, as Java */
            bool inc = sub[0] == 'i';
            if (compile_list(k, v, inc ? &g->include : &g->exclude,
                             inc ? &g->has_include : &g->has_exclude, errstr, errstr_size) < 0)
                return -1;
        } else if (strcmp(sub, "partitions") == 0) {
            if (parse_int_setting(k, v, &g->partitions, errstr, errstr_size) < 0)
                return -1;
        } else if (strcmp(sub, "replication.factor") == 0) {
            if (parse_int_setting(k, v, &g->replication, errstr, errstr_size) < 0)
                return -1;
            if (g->replication > 32767) {
                snprintf(errstr, errstr_size,
                         "Invalid value %s for configuration %s: Not a number of type SHORT", v, k);
                return -1;
            }
        } else if (*sub) {
            cd_properties_set(g->configs, sub, v);
        }
    }
    if (is_default) {
        /* the default group includes every topic */
        g->has_include = regcomp(&g->include, "^.*$", REG_EXTENDED | REG_NOSUB) == 0;
        snprintf(key, sizeof(key), "%s%s", prefix, "replication.factor");
        if (!cd_properties_get(cc, key)) {
            snprintf(errstr, errstr_size,
                     "Missing required configuration \"%s\" which has no default value.", key);
            return -1;
        }
        snprintf(key, sizeof(key), "%s%s", prefix, "partitions");
        if (!cd_properties_get(cc, key)) {
            snprintf(errstr, errstr_size,
                     "Missing required configuration \"%s\" which has no default value.", key);
            return -1;
        }
    }
    return 0;
}

cd_topic_creation_t *cd_topic_creation_new(bool worker_enabled,
                                           const cd_properties_t *connector_config, char *errstr,
                                           size_t errstr_size)
{
    if (errstr_size)
        errstr[0] = '\0';
    if (!worker_enabled || !connector_config)
        return NULL;
    bool uses = false;
    for (size_t i = 0; i < cd_properties_count(connector_config); i++)
        if (strncmp(cd_properties_key_at(connector_config, i), TC_PREFIX, strlen(TC_PREFIX)) == 0)
            uses = true;
    if (!uses)
        return NULL;
    cd_topic_creation_t *tc = calloc(1, sizeof(*tc));
    tc_group_t def;
    char *groups = NULL;
    if (!tc)
        return NULL;
    if (group_init(&def, "default", connector_config, true, -1, -1, errstr, errstr_size) < 0) {
        group_clear(&def);
        goto fail;
    }
    const char *list = cd_properties_get(connector_config, TC_PREFIX "groups");
    size_t max = 1;
    if (list)
        for (const char *c = list; *c; c++)
            max += *c == ',';
    tc->groups = calloc(max + 1, sizeof(tc_group_t));
    if (!tc->groups) {
        group_clear(&def);
        goto fail;
    }
    if (list) {
        char *save = NULL;
        groups = strdup(list);
        for (char *tok = groups ? strtok_r(groups, ",", &save) : NULL; tok;
             tok = strtok_r(NULL, ",", &save)) {
            char *name = trimmed(tok);
            bool dup = !name || !*name || strcmp(name, "default") == 0;
            for (size_t i = 0; !dup && i < tc->ngroups; i++)
                dup = strcmp(tc->groups[i].name, name) == 0;
            if (!dup) {
                if (group_init(&tc->groups[tc->ngroups], name, connector_config, false,
                               def.partitions, def.replication, errstr, errstr_size) < 0) {
                    tc->ngroups++;
                    free(name);
                    group_clear(&def);
                    goto fail;
                }
                tc->ngroups++;
            }
            free(name);
        }
    }
    tc->groups[tc->ngroups++] = def;
    free(groups);
    return tc;
fail:
    free(groups);
    cd_topic_creation_destroy(tc);
    return NULL;
}

void cd_topic_creation_destroy(cd_topic_creation_t *tc)
{
    if (!tc)
        return;
    for (size_t i = 0; i < tc->ngroups; i++)
        group_clear(&tc->groups[i]);
    free(tc->groups);
    for (size_t i = 0; i < tc->nknown; i++)
        free(tc->known[i]);
    free(tc->known);
    free(tc);
}

bool cd_topic_creation_find(const cd_topic_creation_t *tc, const char *topic, cd_new_topic_t *out)
{
    for (size_t i = 0; i < tc->ngroups; i++) {
        const tc_group_t *g = &tc->groups[i];
        /* an empty pattern (no list) matches only the empty name */
        bool inc = g->has_include ? regexec(&g->include, topic, 0, NULL, 0) == 0 : !*topic;
        bool exc = g->has_exclude ? regexec(&g->exclude, topic, 0, NULL, 0) == 0 : !*topic;
        if (inc && !exc) {
            out->group = g->name;
            out->partitions = g->partitions;
            out->replication = g->replication;
            out->configs = g->configs;
            return true;
        }
    }
    return false;
}

bool cd_topic_creation_is_known(const cd_topic_creation_t *tc, const char *topic)
{
    for (size_t i = 0; i < tc->nknown; i++)
        if (strcmp(tc->known[i], topic) == 0)
            return true;
    return false;
}

void cd_topic_creation_add_known(cd_topic_creation_t *tc, const char *topic)
{
    if (cd_topic_creation_is_known(tc, topic))
        return;
    if (tc->nknown == tc->known_cap) {
        size_t ncap = tc->known_cap ? tc->known_cap * 2 : 8;
        char **nk = realloc(tc->known, ncap * sizeof(char *));
        if (!nk)
            return;
        tc->known = nk;
        tc->known_cap = ncap;
    }
    char *copy = strdup(topic);
    if (copy)
        tc->known[tc->nknown++] = copy;
}
