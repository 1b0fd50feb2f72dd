/**
 * @file kinesis_tool.c
 * @brief Test/benchmark tool over connectd's Kinesis client (kinesis_client.h and
 *        aws_auth.h only), used by tests/integration/test_kinesis_client.py and as the
 *        benchmark's "bare client".
 *
 *   kinesis_tool list --endpoint URL --region R --stream S
 *       prints one JSON line per shard.
 *   kinesis_tool read --endpoint URL --region R --stream S [--limit N] [--max-records N]
 *                     [--seconds T] [--print]
 *       reads every shard from TRIM_HORIZON, round-robin, at most 5 GetRecords calls/s per
 *       shard; stops when --max-records were read, when every shard is caught up
 *       (MillisBehindLatest 0 and no records) or closed, or after --seconds; prints
 *       {"records":..,"bytes":..,"seconds":..,"records_per_s":..,"mb_per_s":..,
 *        "get_records_calls":..} (bytes = decoded Data bytes, MB = 10^6 bytes). With --print
 *       every record is printed first as {"shard","sequence","key","data"(Base64)}.
 *
 * Credentials come from the environment/shared files (cd_aws_credentials_resolve(NULL,
 * NULL)). Errors go to stderr ("error: <text>"), exit status 1 (2 for usage).
 */
#include "connectors/kinesis/aws_auth.h"
#include "connectors/kinesis/kinesis_client.h"

#include <openssl/evp.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct tool_opts_s {
    const char *cmd;
    const char *endpoint;
    const char *region;
    const char *stream;
    int limit;
    long long max_records;
    double seconds;
    int print;
} tool_opts_t;

typedef struct shard_state_s {
    char *shard_id;
    char *iterator;
    char *last_sequence;
    double next_call;
    int done;
} shard_state_t;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static int usage(void)
{
    fprintf(stderr, "usage: kinesis_tool list|read --endpoint URL --region R --stream S "
                    "[--limit N] [--max-records N] [--seconds T] [--print]\n");
    return 2;
}

static int parse_args(int argc, char **argv, tool_opts_t *o)
{
    memset(o, 0, sizeof(*o));
    o->limit = 10000;
    o->seconds = 60;
    if (argc < 2)
        return -1;
    o->cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--print") == 0) {
            o->print = 1;
            continue;
        }
        if (i + 1 >= argc)
            return -1;
        const char *v = argv[++i];
        char *end = NULL;
        if (strcmp(a, "--endpoint") == 0)
            o->endpoint = v;
        else if (strcmp(a, "--region") == 0)
            o->region = v;
        else if (strcmp(a, "--stream") == 0)
            o->stream = v;
        else if (strcmp(a, "--limit") == 0) {
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 10000)
                return -1;
            o->limit = (int)n;
        } else if (strcmp(a, "--max-records") == 0) {
            o->max_records = strtoll(v, &end, 10);
            if (*end || o->max_records < 0)
                return -1;
        } else if (strcmp(a, "--seconds") == 0) {
            o->seconds = strtod(v, &end);
            if (*end || !(o->seconds > 0))
                return -1;
        } else {
            return -1;
        }
    }
    if (!o->region || !o->stream)
        return -1;
    return 0;
}

static void print_opt(json_t *obj, const char *key, const char *value)
{
    json_object_set_new(obj, key, value ? json_string(value) : json_null());
}

static int cmd_list(cd_kinesis_client_t *client, const tool_opts_t *o)
{
    char errstr[1024];
    cd_kinesis_shard_list_t list = {0};
    cd_kinesis_err_t rc = cd_kinesis_list_shards(client, o->stream, &list, errstr, sizeof(errstr));
    if (rc != CD_KINESIS_OK) {
        fprintf(stderr, "error: %s [%s]\n", errstr, cd_kinesis_err_name(rc));
        return 1;
    }
    for (size_t i = 0; i < list.count; i++) {
        const cd_kinesis_shard_t *s = &list.shards[i];
        json_t *obj = json_object();
        print_opt(obj, "ShardId", s->shard_id);
        print_opt(obj, "ParentShardId", s->parent_shard_id);
        print_opt(obj, "AdjacentParentShardId", s->adjacent_parent_shard_id);
        print_opt(obj, "StartingHashKey", s->starting_hash_key);
        print_opt(obj, "EndingHashKey", s->ending_hash_key);
        print_opt(obj, "StartingSequenceNumber", s->starting_sequence_number);
        print_opt(obj, "EndingSequenceNumber", s->ending_sequence_number);
        char *line = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
        if (line)
            printf("%s\n", line);
        free(line);
        json_decref(obj);
    }
    cd_kinesis_shard_list_clear(&list);
    return 0;
}

static void print_record(const char *shard, const cd_kinesis_record_t *r)
{
    size_t b64_len = 4 * ((r->data_len + 2) / 3) + 1;
    unsigned char *b64 = malloc(b64_len);
    if (!b64)
        return;
    EVP_EncodeBlock(b64, r->data, (int)r->data_len);
    json_t *obj = json_pack("{s:s, s:s, s:s, s:s, s:I}", "shard", shard, "sequence",
                            r->sequence_number, "key", r->partition_key, "data", (char *)b64,
                            "arrival_ms", (json_int_t)r->arrival_ms);
    char *line = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
    if (line)
        printf("%s\n", line);
    free(line);
    json_decref(obj);
    free(b64);
}

static int cmd_read(cd_kinesis_client_t *client, const tool_opts_t *o)
{
    char errstr[1024];
    int status = 1;
    cd_kinesis_shard_list_t list = {0};
    shard_state_t *shards = NULL;
    long long records = 0, bytes = 0, calls = 0;
    double start = now_s();
    cd_kinesis_err_t rc = cd_kinesis_list_shards(client, o->stream, &list, errstr, sizeof(errstr));
    if (rc != CD_KINESIS_OK)
        goto fail;
    shards = calloc(list.count ? list.count : 1, sizeof(*shards));
    if (!shards)
        goto oom;
    for (size_t i = 0; i < list.count; i++) {
        shards[i].shard_id = list.shards[i].shard_id;
        rc = cd_kinesis_get_shard_iterator(client, o->stream, shards[i].shard_id,
                                           CD_KINESIS_TRIM_HORIZON, NULL, 0, &shards[i].iterator,
                                           errstr, sizeof(errstr));
        if (rc != CD_KINESIS_OK)
            goto fail;
    }
    double deadline = start + o->seconds;
    for (;;) {
        size_t active = 0;
        double earliest = 0;
        for (size_t i = 0; i < list.count; i++) {
            shard_state_t *s = &shards[i];
            if (s->done)
                continue;
            active++;
            double t = now_s();
            if (t >= deadline || (o->max_records > 0 && records >= o->max_records))
                break;
            if (t < s->next_call) {
                if (earliest == 0 || s->next_call < earliest)
                    earliest = s->next_call;
                continue;
            }
            s->next_call = t + 0.2; /* at most 5 calls/s per shard */
            cd_kinesis_records_t out;
            calls++;
            rc =
                cd_kinesis_get_records(client, s->iterator, o->limit, &out, errstr, sizeof(errstr));
            if (rc == CD_KINESIS_ERR_THROTTLED || rc == CD_KINESIS_ERR_TRANSIENT) {
                s->next_call = t + 1.0;
                continue;
            }
            if (rc == CD_KINESIS_ERR_EXPIRED_ITERATOR) {
                char *it = NULL;
                rc = cd_kinesis_get_shard_iterator(
                    client, o->stream, s->shard_id,
                    s->last_sequence ? CD_KINESIS_AFTER_SEQUENCE_NUMBER : CD_KINESIS_TRIM_HORIZON,
                    s->last_sequence, 0, &it, errstr, sizeof(errstr));
                if (rc != CD_KINESIS_OK)
                    goto fail;
                free(s->iterator);
                s->iterator = it;
                continue;
            }
            if (rc != CD_KINESIS_OK)
                goto fail;
            for (size_t r = 0; r < out.count; r++) {
                bytes += (long long)out.records[r].data_len;
                if (o->print)
                    print_record(s->shard_id, &out.records[r]);
            }
            records += (long long)out.count;
            if (out.count > 0) {
                free(s->last_sequence);
                s->last_sequence = strdup(out.records[out.count - 1].sequence_number);
            }
            free(s->iterator);
            s->iterator = out.next_iterator;
            out.next_iterator = NULL;
            if (!s->iterator || (out.count == 0 && out.millis_behind_latest == 0))
                s->done = 1; /* closed and drained, or caught up */
            cd_kinesis_records_clear(&out);
        }
        if (active == 0 || now_s() >= deadline || (o->max_records > 0 && records >= o->max_records))
            break;
        if (earliest > 0) {
            double wait = earliest - now_s();
            if (earliest > deadline)
                wait = deadline - now_s();
            sleep_s(wait);
        }
    }
    double seconds = now_s() - start;
    if (seconds <= 0)
        seconds = 1e-9;
    json_t *summary = json_pack(
        "{s:I, s:I, s:f, s:f, s:f, s:I}", "records", (json_int_t)records, "bytes",
        (json_int_t)bytes, "seconds", seconds, "records_per_s", (double)records / seconds,
        "mb_per_s", (double)bytes / 1e6 / seconds, "get_records_calls", (json_int_t)calls);
    char *line = summary ? json_dumps(summary, JSON_COMPACT) : NULL;
    if (line)
        printf("%s\n", line);
    free(line);
    json_decref(summary);
    status = 0;
    goto done;
oom:
    snprintf(errstr, sizeof(errstr), "out of memory");
    rc = CD_KINESIS_ERR_FATAL;
fail:
    fprintf(stderr, "error: %s [%s]\n", errstr, cd_kinesis_err_name(rc));
done:
    for (size_t i = 0; shards && i < list.count; i++) {
        free(shards[i].iterator);
        free(shards[i].last_sequence);
    }
    free(shards);
    cd_kinesis_shard_list_clear(&list);
    return status;
}

int main(int argc, char **argv)
{
    tool_opts_t o;
    if (parse_args(argc, argv, &o) != 0)
        return usage();
    if (strcmp(o.cmd, "list") != 0 && strcmp(o.cmd, "read") != 0)
        return usage();
    char errstr[1024];
    char *region = cd_aws_region_normalize(o.region, errstr, sizeof(errstr));
    if (!region) {
        fprintf(stderr, "error: %s\n", errstr);
        return 1;
    }
    char *endpoint = cd_aws_endpoint_resolve(o.endpoint, "kinesis", region, errstr, sizeof(errstr));
    if (!endpoint) {
        fprintf(stderr, "error: %s\n", errstr);
        free(region);
        return 1;
    }
    cd_aws_credentials_t creds;
    if (cd_aws_credentials_resolve(NULL, NULL, &creds, errstr, sizeof(errstr)) != 0) {
        fprintf(stderr, "error: %s\n", errstr);
        free(region);
        free(endpoint);
        return 1;
    }
    cd_kinesis_client_config_t config = {
        .endpoint = endpoint,
        .region = region,
        .access_key_id = creds.access_key_id,
        .secret_access_key = creds.secret_access_key,
        .session_token = creds.session_token,
    };
    int status = 1;
    cd_kinesis_client_t *client = cd_kinesis_client_new(&config, errstr, sizeof(errstr));
    if (!client) {
        fprintf(stderr, "error: %s\n", errstr);
    } else {
        status = strcmp(o.cmd, "list") == 0 ? cmd_list(client, &o) : cmd_read(client, &o);
        cd_kinesis_client_destroy(client);
    }
    cd_aws_credentials_clear(&creds);
    free(region);
    free(endpoint);
    return status;
}
