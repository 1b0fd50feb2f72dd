/**
 * @file kinesis_source_connector.c
 * @brief io.confluent.connect.kinesis.KinesisSourceConnector: the configuration
 *        (Confluent's keys and defaults), shard discovery and the spread of shards
 *        over at most tasks.max tasks. The task is in kinesis_source_task.c.
 *
 * Start-up lists the stream's shards (ListShards with paging) and fails the
 * connector with the service's message when the stream or the credentials are
 * wrong. A monitor thread re-lists the shards every
 * kinesis.shard.monitor.interval.ms (Confluent's monitor: 300 s; connectd
 * defaults to 60 s and also reacts inside a task to ChildShards) and asks for a
 * task reconfiguration when the set of matching shards changed.
 *
 * Shards are grouped into resharding families (a shard and its parents/children
 * among the listed shards) and a family is never split between tasks, so the task
 * owning a child also owns its parents and can drain them first (per-key order).
 * See docs/modules/kinesis-source.md.
 */
#include <connectd/connector.h>
#include <connectd/version.h>

#include "util/log.h"
#include "util/properties.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "connectors/kinesis/aws_auth.h"
#include "connectors/kinesis/kinesis_client.h"
#include "connectors/kinesis/kinesis_source.h"

#define CONNECTOR_LOGGER "io.confluent.connect.kinesis.KinesisSourceConnector"
#define START_ATTEMPTS 3

/* ------------------------------------------------------------------ */
/* Configuration                                                       */
/* ------------------------------------------------------------------ */

static const char *const position_values[] = {"TRIM_HORIZON", "LATEST", "AT_TIMESTAMP", NULL};

static int validate_timestamp(const char *name, const cd_config_value_t *value, char *errstr,
                              size_t errstr_size)
{
    int64_t ms;
    if (value->is_null || !value->s || !*value->s)
        return 0;
    if (cd_kinesis_parse_timestamp(value->s, &ms) == 0)
        return 0;
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: must be blank, epoch milliseconds or a "
             "timestamp formatted as yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
             value->s, name);
    return -1;
}

static int validate_regex(const char *name, const cd_config_value_t *value, char *errstr,
                          size_t errstr_size)
{
    regex_t re;
    if (value->is_null || !value->s)
        return 0;
    int rc = regcomp(&re, value->s, REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc == 0) {
        regfree(&re);
        return 0;
    }
    char why[128];
    regerror(rc, &re, why, sizeof(why));
    snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: %s", value->s, name, why);
    return -1;
}

static int validate_region(const char *name, const cd_config_value_t *value, char *errstr,
                           size_t errstr_size)
{
    char why[256];
    char *region = value->is_null ? NULL : cd_aws_region_normalize(value->s, why, sizeof(why));
    if (region) {
        free(region);
        return 0;
    }
    snprintf(errstr, errstr_size, "Invalid value %s for configuration %s: %s",
             value->is_null ? "null" : value->s, name,
             value->is_null ? "must be an AWS region such as us-east-1" : why);
    return -1;
}

static int validate_url(const char *name, const cd_config_value_t *value, char *errstr,
                        size_t errstr_size)
{
    if (value->is_null || !value->s || !*value->s)
        return 0;
    if (strncmp(value->s, "http://", 7) == 0 || strncmp(value->s, "https://", 8) == 0)
        return 0;
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: must be an http:// or https:// URL", value->s,
             name);
    return -1;
}

#define KEY(...)                                                                                   \
    {                                                                                              \
        .order_in_group = -1, .width = CD_WIDTH_NONE, __VA_ARGS__                                  \
    }

static const cd_config_key_t kinesis_config_keys[] = {
    KEY(.name = CD_KINESIS_KAFKA_TOPIC, .type = CD_CONFIG_STRING, .default_value = CD_NO_DEFAULT,
        .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING}, .importance = CD_IMPORTANCE_HIGH,
        .documentation = "The Kafka topic to write the records to.", .group = "Kafka"),
    KEY(.name = CD_KINESIS_STREAM, .type = CD_CONFIG_STRING, .default_value = CD_NO_DEFAULT,
        .validator = {.kind = CD_VALIDATOR_NON_EMPTY_STRING}, .importance = CD_IMPORTANCE_HIGH,
        .documentation = "The Kinesis stream to read from.", .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_REGION, .type = CD_CONFIG_STRING, .default_value = "us-east-1",
        .validator = {.kind = CD_VALIDATOR_CUSTOM,
                      .custom = validate_region,
                      .description = "an AWS region, e.g. us-east-1 or US_EAST_1"},
        .importance = CD_IMPORTANCE_MEDIUM,
        .documentation = "The AWS region of the Kinesis stream; requests are signed for it, also "
                         "with kinesis.base.url.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_POSITION, .type = CD_CONFIG_STRING, .default_value = "TRIM_HORIZON",
        .validator = {.kind = CD_VALIDATOR_VALID_STRING, .strings = position_values},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "The position in the stream to reset to if no offsets are stored. Note: "
                         "AFTER_SEQUENCE_NUMBER and AT_SEQUENCE_NUMBER are currently not supported "
                         "values.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_SHARD_TIMESTAMP, .type = CD_CONFIG_STRING, .default_value = "",
        .validator = {.kind = CD_VALIDATOR_CUSTOM,
                      .custom = validate_timestamp,
                      .description = "either blank, epoch time in ms, or "
                                     "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "Timestamp (the Unix epoch time with precision in milliseconds) after "
                         "which to start reading records from. To be used only in combination "
                         "with kinesis.position=AT_TIMESTAMP. Note: this will apply to every "
                         "specified shard in the stream.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_SHARD_ID, .type = CD_CONFIG_STRING, .default_value = ".*",
        .validator = {.kind = CD_VALIDATOR_CUSTOM,
                      .custom = validate_regex,
                      .description = "valid regular expression pattern"},
        .importance = CD_IMPORTANCE_HIGH,
        .documentation = "The shard of the Kinesis stream to read from. This is a regex which can "
                         "be used to read all of the shards in the stream.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_REGEX_TIMEOUT_MS, .type = CD_CONFIG_LONG, .default_value = "100",
        .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 0},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "Accepted for compatibility; POSIX regular expressions cannot backtrack "
                         "without bound, so no timeout is needed.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_RECORD_LIMIT, .type = CD_CONFIG_INT, .default_value = "500",
        .validator =
            {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 1, .has_max = true, .max = 10000},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "The number of records to read in each poll of the Kinesis shard.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_EMPTY_RECORDS_BACKOFF_MS, .type = CD_CONFIG_LONG,
        .default_value = "5000",
        .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 0},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "The number of milliseconds to backoff when the stream is empty.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_THROUGHPUT_EXCEEDED_BACKOFF_MS, .type = CD_CONFIG_LONG,
        .default_value = "10000",
        .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 0},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "The most milliseconds to back off after a "
                         "ProvisionedThroughputExceededException (jittered, growing per attempt).",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_BASE_URL, .type = CD_CONFIG_STRING, .default_value = "",
        .validator = {.kind = CD_VALIDATOR_CUSTOM,
                      .custom = validate_url,
                      .description = "blank or an http:// or https:// URL"},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "Kinesis endpoint URL. Can be used to connect to VPC endpoints and non "
                         "standard endpoints. Blank: AWS_ENDPOINT_URL_KINESIS, AWS_ENDPOINT_URL, "
                         "else https://kinesis.<region>.amazonaws.com.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_SHARD_MONITOR_INTERVAL_MS, .type = CD_CONFIG_LONG,
        .default_value = "60000",
        .validator = {.kind = CD_VALIDATOR_RANGE, .has_min = true, .min = 100},
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "connectd: how often the connector re-lists the shards to pick up "
                         "resharding.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_DEAGGREGATION, .type = CD_CONFIG_BOOLEAN, .default_value = "false",
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "Whether to de-aggregate KPL aggregated records into one record per user "
                         "record.",
        .group = "Kinesis Details"),
    KEY(.name = CD_KINESIS_ACCESS_KEY_ID, .type = CD_CONFIG_STRING, .default_value = "",
        .importance = CD_IMPORTANCE_HIGH,
        .documentation = "The Amazon Access Key used to connect to Kinesis.", .group = "AWS"),
    KEY(.name = CD_KINESIS_SECRET_KEY_ID, .type = CD_CONFIG_PASSWORD, .default_value = NULL,
        .importance = CD_IMPORTANCE_HIGH,
        .documentation = "The Amazon Secret Key used to connect to Kinesis.", .group = "AWS"),
    KEY(.name = CD_KINESIS_CREDENTIALS_PROVIDER, .type = CD_CONFIG_STRING,
        .default_value = "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
        .importance = CD_IMPORTANCE_LOW,
        .documentation = "Accepted for compatibility: connectd always uses its default chain "
                         "(connector keys, AWS_* environment, ~/.aws/credentials and config).",
        .group = "AWS"),
    KEY(.name = CD_KINESIS_PROXY_URL, .type = CD_CONFIG_STRING, .default_value = "",
        .importance = CD_IMPORTANCE_LOW, .documentation = "HTTP(S) proxy for Kinesis requests.",
        .group = "Proxy"),
    KEY(.name = CD_KINESIS_PROXY_USERNAME, .type = CD_CONFIG_STRING, .default_value = "",
        .importance = CD_IMPORTANCE_LOW, .documentation = "Proxy user name.", .group = "Proxy"),
    KEY(.name = CD_KINESIS_PROXY_PASSWORD, .type = CD_CONFIG_PASSWORD, .default_value = "",
        .importance = CD_IMPORTANCE_LOW, .documentation = "Proxy password.", .group = "Proxy"),
    KEY(.name = CD_KINESIS_NON_PROXY_HOSTS, .type = CD_CONFIG_LIST, .default_value = "",
        .importance = CD_IMPORTANCE_LOW, .documentation = "Hosts reached without the proxy.",
        .group = "Proxy"),
    KEY(.name = CD_KINESIS_SHARD_IDS, .type = CD_CONFIG_LIST, .default_value = "",
        .importance = CD_IMPORTANCE_LOW, .internal = true,
        .documentation = "Internal: the shards a task reads."),
    {.name = NULL},
};

static char *dup_or_null(const char *s)
{
    return s && *s ? strdup(s) : NULL;
}

int cd_kinesis_source_config_parse(const cd_properties_t *props, cd_kinesis_source_config_t *out,
                                   char *errstr, size_t errstr_size)
{
    memset(out, 0, sizeof(*out));
    cd_config_def_t *def = cd_config_def_new();
    if (!def) {
        snprintf(errstr, errstr_size, "out of memory");
        return -1;
    }
    cd_config_def_add_table(def, kinesis_config_keys);
    cd_config_t *config = cd_config_parse(def, props, errstr, errstr_size);
    if (!config) {
        cd_config_def_destroy(def);
        return -1;
    }
    int rc = -1;
    const char *position = cd_config_get_string(config, CD_KINESIS_POSITION);
    const char *timestamp = cd_config_get_string(config, CD_KINESIS_SHARD_TIMESTAMP);
    out->topic = strdup(cd_config_get_string(config, CD_KINESIS_KAFKA_TOPIC));
    out->stream = strdup(cd_config_get_string(config, CD_KINESIS_STREAM));
    out->region = cd_aws_region_normalize(cd_config_get_string(config, CD_KINESIS_REGION), errstr,
                                          errstr_size);
    if (!out->topic || !out->stream || !out->region)
        goto fail;
    if (strcmp(position, "LATEST") == 0)
        out->position = CD_KINESIS_LATEST;
    else if (strcmp(position, "AT_TIMESTAMP") == 0)
        out->position = CD_KINESIS_AT_TIMESTAMP;
    else
        out->position = CD_KINESIS_TRIM_HORIZON;
    if (out->position == CD_KINESIS_AT_TIMESTAMP) {
        if (!timestamp || !*timestamp) {
            snprintf(errstr, errstr_size,
                     "Invalid value for configuration %s: it must be set when %s is AT_TIMESTAMP",
                     CD_KINESIS_SHARD_TIMESTAMP, CD_KINESIS_POSITION);
            goto fail;
        }
        if (cd_kinesis_parse_timestamp(timestamp, &out->shard_timestamp_ms) != 0) {
            snprintf(errstr, errstr_size, "Invalid value %s for configuration %s", timestamp,
                     CD_KINESIS_SHARD_TIMESTAMP);
            goto fail;
        }
    }
    out->shard_id_regex = strdup(cd_config_get_string(config, CD_KINESIS_SHARD_ID));
    out->record_limit = cd_config_get_int(config, CD_KINESIS_RECORD_LIMIT);
    out->empty_records_backoff_ms = cd_config_get_long(config, CD_KINESIS_EMPTY_RECORDS_BACKOFF_MS);
    out->throughput_exceeded_backoff_ms =
        cd_config_get_long(config, CD_KINESIS_THROUGHPUT_EXCEEDED_BACKOFF_MS);
    out->shard_monitor_interval_ms =
        cd_config_get_long(config, CD_KINESIS_SHARD_MONITOR_INTERVAL_MS);
    out->deaggregate = cd_config_get_bool(config, CD_KINESIS_DEAGGREGATION);
    out->access_key_id = dup_or_null(cd_config_get_string(config, CD_KINESIS_ACCESS_KEY_ID));
    out->secret_access_key = dup_or_null(cd_config_get_string(config, CD_KINESIS_SECRET_KEY_ID));
    out->proxy_url = dup_or_null(cd_config_get_string(config, CD_KINESIS_PROXY_URL));
    out->proxy_username = dup_or_null(cd_config_get_string(config, CD_KINESIS_PROXY_USERNAME));
    out->proxy_password = dup_or_null(cd_config_get_string(config, CD_KINESIS_PROXY_PASSWORD));
    size_t n_hosts = 0;
    const char *const *hosts = cd_config_get_list(config, CD_KINESIS_NON_PROXY_HOSTS, &n_hosts);
    if (n_hosts > 0) {
        size_t len = 1;
        for (size_t i = 0; i < n_hosts; i++)
            len += strlen(hosts[i]) + 1;
        out->non_proxy_hosts = calloc(1, len);
        if (!out->non_proxy_hosts)
            goto oom;
        for (size_t i = 0; i < n_hosts; i++) {
            if (i)
                strcat(out->non_proxy_hosts, ",");
            strcat(out->non_proxy_hosts, hosts[i]);
        }
    }
    if (!out->shard_id_regex)
        goto oom;
    out->endpoint = cd_aws_endpoint_resolve(cd_config_get_string(config, CD_KINESIS_BASE_URL),
                                            "kinesis", out->region, errstr, errstr_size);
    if (!out->endpoint)
        goto fail;
    rc = 0;
    goto done;
oom:
    snprintf(errstr, errstr_size, "out of memory");
fail:
    cd_kinesis_source_config_clear(out);
done:
    cd_config_destroy(config);
    cd_config_def_destroy(def);
    return rc;
}

void cd_kinesis_source_config_clear(cd_kinesis_source_config_t *c)
{
    free(c->topic);
    free(c->stream);
    free(c->region);
    free(c->shard_id_regex);
    free(c->endpoint);
    free(c->access_key_id);
    if (c->secret_access_key)
        memset(c->secret_access_key, 0, strlen(c->secret_access_key));
    free(c->secret_access_key);
    free(c->proxy_url);
    free(c->proxy_username);
    if (c->proxy_password)
        memset(c->proxy_password, 0, strlen(c->proxy_password));
    free(c->proxy_password);
    free(c->non_proxy_hosts);
    memset(c, 0, sizeof(*c));
}

void cd_kinesis_source_client_config(const cd_kinesis_source_config_t *config,
                                     const cd_aws_credentials_t *creds,
                                     cd_kinesis_client_config_t *out)
{
    memset(out, 0, sizeof(*out));
    out->endpoint = config->endpoint;
    out->region = config->region;
    out->access_key_id = creds->access_key_id;
    out->secret_access_key = creds->secret_access_key;
    out->session_token = creds->session_token;
    out->proxy_url = config->proxy_url;
    out->proxy_username = config->proxy_username;
    out->proxy_password = config->proxy_password;
    out->non_proxy_hosts = config->non_proxy_hosts;
    out->connect_timeout_ms = 10000;
    out->request_timeout_ms = 20000;
}

/* ------------------------------------------------------------------ */
/* kinesis.shard.timestamp                                             */
/* ------------------------------------------------------------------ */

static int parse_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

int cd_kinesis_parse_timestamp(const char *text, int64_t *out_ms)
{
    if (!text)
        return -1;
    while (isspace((unsigned char)*text))
        text++;
    size_t len = strlen(text);
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || len > 64)
        return -1;
    char buf[72];
    memcpy(buf, text, len);
    buf[len] = '\0';
    bool digits = true;
    for (size_t i = 0; i < len; i++)
        digits = digits && isdigit((unsigned char)buf[i]);
    if (digits) {
        if (len > 18)
            return -1;
        *out_ms = strtoll(buf, NULL, 10);
        return 0;
    }
    const char *p = buf;
    int year, mon, day, hour = 0, min = 0, sec = 0, ms = 0;
    if (parse_digits(&p, 4, &year) || *p++ != '-' || parse_digits(&p, 2, &mon) || *p++ != '-' ||
        parse_digits(&p, 2, &day))
        return -1;
    int64_t offset_s = 0;
    if (*p == 'T') {
        p++;
        if (parse_digits(&p, 2, &hour) || *p++ != ':' || parse_digits(&p, 2, &min))
            return -1;
        if (*p == ':') {
            p++;
            if (parse_digits(&p, 2, &sec))
                return -1;
            if (*p == '.') {
                p++;
                int scale = 0, frac = 0;
                while (isdigit((unsigned char)*p) && scale < 9) {
                    if (scale < 3)
                        frac = frac * 10 + (*p - '0');
                    scale++;
                    p++;
                }
                if (scale == 0)
                    return -1;
                for (int s = scale; s < 3; s++)
                    frac *= 10;
                ms = frac;
            }
        }
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh = 0, om = 0;
            if (parse_digits(&p, 2, &oh))
                return -1;
            if (*p == ':')
                p++;
            if (*p && parse_digits(&p, 2, &om))
                return -1;
            if (oh > 18 || om > 59)
                return -1;
            offset_s = sign * (oh * 3600 + om * 60);
        }
    }
    if (*p != '\0' || mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 ||
        sec > 60)
        return -1;
    struct tm tm = {.tm_year = year - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = day,
                    .tm_hour = hour,
                    .tm_min = min,
                    .tm_sec = sec};
    time_t t = timegm(&tm);
    *out_ms = ((int64_t)t - offset_s) * 1000 + ms;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Shard assignment                                                    */
/* ------------------------------------------------------------------ */

static size_t family_root(size_t *parent, size_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void family_join(size_t *parent, size_t a, size_t b)
{
    a = family_root(parent, a);
    b = family_root(parent, b);
    if (a == b)
        return;
    if (a < b)
        parent[b] = a;
    else
        parent[a] = b;
}

static long shard_index(const cd_kinesis_shard_t *shards, const bool *selected, size_t count,
                        const char *id)
{
    if (!id)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (selected[i] && strcmp(shards[i].shard_id, id) == 0)
            return (long)i;
    return -1;
}

typedef struct family_s {
    size_t root;
    size_t size;
    size_t open;
    const char *first_id; /**< smallest shard id, for a stable order */
} family_t;

static int family_cmp(const void *a, const void *b)
{
    const family_t *x = a, *y = b;
    if (x->open != y->open)
        return x->open > y->open ? -1 : 1;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return strcmp(x->first_id, y->first_id);
}

int cd_kinesis_assign_shards(const cd_kinesis_shard_t *shards, const bool *selected, size_t count,
                             int max_tasks, int *task_of)
{
    for (size_t i = 0; i < count; i++)
        task_of[i] = -1;
    if (count == 0 || max_tasks < 1)
        return 0;
    size_t *parent = malloc(count * sizeof(*parent));
    family_t *families = calloc(count, sizeof(*families));
    size_t *load = calloc((size_t)max_tasks, sizeof(*load));
    int used = 0;
    if (!parent || !families || !load)
        goto done;
    for (size_t i = 0; i < count; i++)
        parent[i] = i;
    for (size_t i = 0; i < count; i++) {
        if (!selected[i])
            continue;
        long p1 = shard_index(shards, selected, count, shards[i].parent_shard_id);
        long p2 = shard_index(shards, selected, count, shards[i].adjacent_parent_shard_id);
        if (p1 >= 0)
            family_join(parent, i, (size_t)p1);
        if (p2 >= 0)
            family_join(parent, i, (size_t)p2);
    }
    size_t nfam = 0;
    for (size_t i = 0; i < count; i++) {
        if (!selected[i])
            continue;
        size_t root = family_root(parent, i);
        size_t f = 0;
        while (f < nfam && families[f].root != root)
            f++;
        if (f == nfam) {
            families[nfam].root = root;
            families[nfam].first_id = shards[i].shard_id;
            nfam++;
        }
        families[f].size++;
        if (!shards[i].ending_sequence_number)
            families[f].open++;
        if (strcmp(shards[i].shard_id, families[f].first_id) < 0)
            families[f].first_id = shards[i].shard_id;
    }
    qsort(families, nfam, sizeof(*families), family_cmp);
    int tasks = nfam < (size_t)max_tasks ? (int)nfam : max_tasks;
    for (size_t f = 0; f < nfam; f++) {
        int best = 0;
        for (int t = 1; t < tasks; t++)
            if (load[t] < load[best])
                best = t;
        /* a family of closed shards only still weighs one, so it is spread too */
        load[best] += families[f].open ? families[f].open : 1;
        for (size_t i = 0; i < count; i++)
            if (selected[i] && family_root(parent, i) == families[f].root)
                task_of[i] = best;
    }
    used = tasks;
done:
    free(parent);
    free(families);
    free(load);
    return used;
}

/* ------------------------------------------------------------------ */
/* Connector                                                           */
/* ------------------------------------------------------------------ */

typedef struct kinesis_connector_s {
    cd_properties_t *props;
    cd_kinesis_source_config_t config;
    cd_aws_credentials_t creds;
    cd_connector_context_t *ctx;
    regex_t shard_re;
    bool shard_re_ok;

    pthread_mutex_t lock; /**< guards shards and selection */
    cd_kinesis_shard_list_t shards;
    char *selection; /**< the matching shard ids, joined: what a change is compared on */

    cd_kinesis_client_t *client; /**< used by start, then only by the monitor thread */
    pthread_t monitor;
    bool monitor_started;
    bool stopping;
    pthread_cond_t wake;
} kinesis_connector_t;

static bool shard_matches(kinesis_connector_t *c, const char *shard_id)
{
    /* Custenborder's connector: Pattern.compile(regex, CASE_INSENSITIVE).matcher(id).find() */
    return c->shard_re_ok && regexec(&c->shard_re, shard_id, 0, NULL, 0) == 0;
}

/** @returns the joined ids of the matching shards (malloc'd), or NULL. */
static char *selection_of(kinesis_connector_t *c, const cd_kinesis_shard_list_t *list)
{
    size_t len = 1;
    for (size_t i = 0; i < list->count; i++)
        len += strlen(list->shards[i].shard_id) + 1;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    for (size_t i = 0; i < list->count; i++)
        if (shard_matches(c, list->shards[i].shard_id)) {
            strcat(s, list->shards[i].shard_id);
            strcat(s, ",");
        }
    return s;
}

static bool retryable(cd_kinesis_err_t err)
{
    return err == CD_KINESIS_ERR_TRANSIENT || err == CD_KINESIS_ERR_THROTTLED ||
           err == CD_KINESIS_ERR_IN_USE || err == CD_KINESIS_ERR_EXPIRED_NEXT_TOKEN;
}

static void *monitor_main(void *arg)
{
    kinesis_connector_t *c = arg;
    char errstr[1024];
    cd_kinesis_client_t *client = c->client; /* the start-up client, this thread's from now on */
    pthread_mutex_lock(&c->lock);
    while (!c->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        int64_t ns =
            (int64_t)until.tv_nsec + (c->config.shard_monitor_interval_ms % 1000) * 1000000;
        until.tv_sec +=
            (time_t)(c->config.shard_monitor_interval_ms / 1000) + (time_t)(ns / 1000000000);
        until.tv_nsec = (long)(ns % 1000000000);
        while (!c->stopping && pthread_cond_timedwait(&c->wake, &c->lock, &until) != ETIMEDOUT) {
        }
        if (c->stopping)
            break;
        pthread_mutex_unlock(&c->lock);
        cd_kinesis_shard_list_t list = {0};
        cd_kinesis_err_t err =
            cd_kinesis_list_shards(client, c->config.stream, &list, errstr, sizeof(errstr));
        pthread_mutex_lock(&c->lock);
        if (err != CD_KINESIS_OK) {
            cd_kinesis_shard_list_clear(&list);
            cd_log_warn(CONNECTOR_LOGGER, "Listing the shards of Kinesis stream %s failed: %s",
                        c->config.stream, errstr);
            continue;
        }
        char *selection = selection_of(c, &list);
        bool changed = selection && c->selection && strcmp(selection, c->selection) != 0;
        cd_kinesis_shard_list_clear(&c->shards);
        c->shards = list;
        if (selection) {
            free(c->selection);
            c->selection = selection;
        }
        if (changed) {
            cd_log_info(CONNECTOR_LOGGER,
                        "The shards of Kinesis stream %s changed (now %zu); requesting task "
                        "reconfiguration",
                        c->config.stream, list.count);
            pthread_mutex_unlock(&c->lock);
            cd_connector_context_request_task_reconfiguration(c->ctx);
            pthread_mutex_lock(&c->lock);
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

static void connector_free(kinesis_connector_t *c)
{
    if (!c)
        return;
    cd_properties_destroy(c->props);
    cd_kinesis_source_config_clear(&c->config);
    cd_aws_credentials_clear(&c->creds);
    if (c->shard_re_ok)
        regfree(&c->shard_re);
    cd_kinesis_shard_list_clear(&c->shards);
    free(c->selection);
    cd_kinesis_client_destroy(c->client);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->wake);
    free(c);
}

static void *connector_start(const cd_properties_t *props, cd_connector_context_t *ctx,
                             char *errstr, size_t errstr_size)
{
    kinesis_connector_t *c = calloc(1, sizeof(*c));
    if (!c) {
        snprintf(errstr, errstr_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    c->ctx = ctx;
    if (cd_kinesis_source_config_parse(props, &c->config, errstr, errstr_size) != 0)
        goto fail;
    c->props = cd_properties_copy(props);
    if (!c->props) {
        snprintf(errstr, errstr_size, "out of memory");
        goto fail;
    }
    c->shard_re_ok =
        regcomp(&c->shard_re, c->config.shard_id_regex, REG_EXTENDED | REG_ICASE | REG_NOSUB) == 0;
    if (cd_aws_credentials_resolve(c->config.access_key_id, c->config.secret_access_key, &c->creds,
                                   errstr, errstr_size) != 0)
        goto fail;
    cd_kinesis_client_config_t cc;
    cd_kinesis_source_client_config(&c->config, &c->creds, &cc);
    c->client = cd_kinesis_client_new(&cc, errstr, errstr_size);
    if (!c->client)
        goto fail;
    cd_log_info(CONNECTOR_LOGGER,
                "Starting Kinesis source connector for stream %s in %s at %s (credentials from "
                "%s)",
                c->config.stream, c->config.region, c->config.endpoint, c->creds.source);
    char why[1024];
    cd_kinesis_err_t err = CD_KINESIS_OK;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
        cd_kinesis_shard_list_clear(&c->shards);
        err = cd_kinesis_list_shards(c->client, c->config.stream, &c->shards, why, sizeof(why));
        if (err == CD_KINESIS_OK || !retryable(err) || attempt == START_ATTEMPTS)
            break;
        cd_log_warn(CONNECTOR_LOGGER,
                    "Listing the shards of Kinesis stream %s failed (%s), retrying",
                    c->config.stream, why);
        struct timespec ts = {attempt, 0};
        nanosleep(&ts, NULL);
    }
    if (err != CD_KINESIS_OK) {
        snprintf(errstr, errstr_size, "Failed to list the shards of Kinesis stream '%s' in %s: %s",
                 c->config.stream, c->config.region, why);
        goto fail;
    }
    c->selection = selection_of(c, &c->shards);
    if (pthread_create(&c->monitor, NULL, monitor_main, c) == 0)
        c->monitor_started = true;
    else
        cd_log_warn(CONNECTOR_LOGGER, "Could not start the shard monitor of stream %s",
                    c->config.stream);
    return c;
fail:
    connector_free(c);
    return NULL;
}

static int connector_task_configs(void *state, int max_tasks, cd_properties_t **out, char *errstr,
                                  size_t errstr_size)
{
    kinesis_connector_t *c = state;
    int produced = 0;
    pthread_mutex_lock(&c->lock);
    size_t n = c->shards.count;
    bool *selected = calloc(n ? n : 1, sizeof(*selected));
    int *task_of = calloc(n ? n : 1, sizeof(*task_of));
    size_t *lengths = calloc((size_t)(max_tasks > 0 ? max_tasks : 1), sizeof(*lengths));
    if (!selected || !task_of || !lengths)
        goto oom;
    for (size_t i = 0; i < n; i++)
        selected[i] = shard_matches(c, c->shards.shards[i].shard_id);
    int tasks = cd_kinesis_assign_shards(c->shards.shards, selected, n, max_tasks, task_of);
    if (tasks == 0)
        cd_log_warn(CONNECTOR_LOGGER, "No shard of Kinesis stream %s matches %s='%s': no tasks",
                    c->config.stream, CD_KINESIS_SHARD_ID, c->config.shard_id_regex);
    for (size_t i = 0; i < n; i++)
        if (task_of[i] >= 0)
            lengths[task_of[i]] += strlen(c->shards.shards[i].shard_id) + 1;
    for (int t = 0; t < tasks; t++) {
        char *ids = calloc(1, lengths[t] + 1);
        cd_properties_t *props = cd_properties_copy(c->props);
        if (!ids || !props) {
            free(ids);
            cd_properties_destroy(props);
            goto oom;
        }
        for (size_t i = 0; i < n; i++)
            if (task_of[i] == t) {
                if (*ids)
                    strcat(ids, ",");
                strcat(ids, c->shards.shards[i].shard_id);
            }
        int rc = cd_properties_set(props, CD_KINESIS_SHARD_IDS, ids);
        free(ids);
        if (rc != 0) {
            cd_properties_destroy(props);
            goto oom;
        }
        out[produced++] = props;
    }
    pthread_mutex_unlock(&c->lock);
    free(selected);
    free(task_of);
    free(lengths);
    return produced;
oom:
    pthread_mutex_unlock(&c->lock);
    for (int i = 0; i < produced; i++) {
        cd_properties_destroy(out[i]);
        out[i] = NULL;
    }
    free(selected);
    free(task_of);
    free(lengths);
    snprintf(errstr, errstr_size, "out of memory");
    return -1;
}

static void connector_stop(void *state)
{
    kinesis_connector_t *c = state;
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->stopping = true;
    pthread_cond_broadcast(&c->wake);
    pthread_mutex_unlock(&c->lock);
    if (c->monitor_started)
        pthread_join(c->monitor, NULL);
    cd_log_info(CONNECTOR_LOGGER, "Stopped Kinesis source connector for stream %s",
                c->config.stream);
    connector_free(c);
}

/** The offsets a user may write through PATCH /connectors/{name}/offsets. */
static int connector_alter_offsets(const cd_properties_t *config, const cd_offset_entry_t *offsets,
                                   size_t count, char *errstr, size_t errstr_size)
{
    (void)config;
    for (size_t i = 0; i < count; i++) {
        const cd_value_t *partition = offsets[i].partition;
        if (!partition || cd_value_kind(partition) != CD_VALUE_MAP ||
            !cd_value_map_get_str(partition, CD_KINESIS_PARTITION_SHARD)) {
            snprintf(errstr, errstr_size, "Partition objects should contain the key '%s'",
                     CD_KINESIS_PARTITION_SHARD);
            return -1;
        }
        const cd_value_t *offset = offsets[i].offset;
        if (!offset)
            continue;
        const cd_value_t *seq = cd_value_kind(offset) == CD_VALUE_MAP
                                    ? cd_value_map_get_str(offset, CD_KINESIS_OFFSET_SEQUENCE)
                                    : NULL;
        size_t len = 0;
        const char *text =
            seq && cd_value_kind(seq) == CD_VALUE_STRING ? cd_value_string(seq, &len) : NULL;
        bool ok = text && len > 0 && len <= 129;
        for (size_t j = 0; ok && j < len; j++)
            ok = isdigit((unsigned char)text[j]) != 0;
        if (!ok) {
            snprintf(errstr, errstr_size,
                     "Offset objects should either be null or contain the key '%s' with a "
                     "sequence number string",
                     CD_KINESIS_OFFSET_SEQUENCE);
            return -1;
        }
    }
    return 1;
}

/** Connector.validate: the cross-key rule the table cannot express. */
static int connector_validate(const cd_properties_t *config, cd_config_results_t *results,
                              char *errstr, size_t errstr_size)
{
    (void)errstr;
    (void)errstr_size;
    const char *position = cd_properties_get(config, CD_KINESIS_POSITION);
    const char *timestamp = cd_properties_get(config, CD_KINESIS_SHARD_TIMESTAMP);
    bool blank = true;
    for (const char *p = timestamp; p && *p && blank; p++)
        blank = isspace((unsigned char)*p) != 0;
    if (position && strcmp(position, "AT_TIMESTAMP") == 0 && blank) {
        cd_config_result_t *r = cd_config_results_find(results, CD_KINESIS_SHARD_TIMESTAMP);
        if (r)
            cd_config_result_add_error(r, "kinesis.shard.timestamp must be set when "
                                          "kinesis.position is AT_TIMESTAMP");
    }
    return 0;
}

extern const cd_source_task_plugin_t cd_kinesis_source_task_plugin;

static const char *const kinesis_aliases[] = {NULL};

const cd_connector_plugin_t cd_kinesis_source_connector_plugin = {
    .class_name = CD_KINESIS_CONNECTOR_CLASS,
    .aliases = kinesis_aliases,
    .version = CONNECTD_VERSION,
    .type = CD_CONNECTOR_SOURCE,
    .config_keys = kinesis_config_keys,
    .validate = connector_validate,
    .start = connector_start,
    .task_configs = connector_task_configs,
    .stop = connector_stop,
    .alter_offsets = connector_alter_offsets,
    .source_task = &cd_kinesis_source_task_plugin,
};
