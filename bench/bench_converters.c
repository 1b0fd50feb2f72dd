/*
 * bench_converters.c: records/s of JsonConverter (schemas.enable=true and
 * false) and StringConverter, fromConnect and toConnect, on records generated
 * deterministically (the same ones bench/JavaConverterBench.java builds).
 *
 *   bench_converters [records] [passes] [only]   (defaults 200000, 5, all)
 *
 * With @c only, just the converters whose label contains that text run (to
 * profile one case, e.g. under callgrind).
 *
 * Prints one line per measurement:
 *   converter=<name> op=<from|to> records=<n> records_per_sec=<median> bytes_per_record=<avg>
 * or records_per_sec=pending when the converter is not available.
 */
#include <connectd/converter.h>

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct rng_s {
    uint64_t state;
} rng_t;

/** The LCG shared with JavaConverterBench (Knuth's MMIX constants). */
static uint32_t rng_next(rng_t *rng)
{
    rng->state = rng->state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
    return (uint32_t)(rng->state >> 33);
}

static void rng_word(rng_t *rng, char *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (char)('a' + rng_next(rng) % 26);
    out[n] = '\0';
}

static cd_schema_t *record_schema(void)
{
    char err[128];
    cd_schema_t *s = cd_schema_new_struct();
    static const struct {
        const char *name;
        cd_type_t type;
    } fields[] = {
        {"id", CD_TYPE_INT64},    {"name", CD_TYPE_STRING},   {"email", CD_TYPE_STRING},
        {"age", CD_TYPE_INT32},   {"score", CD_TYPE_FLOAT64}, {"active", CD_TYPE_BOOLEAN},
        {"city", CD_TYPE_STRING}, {"ts", CD_TYPE_INT64},
    };
    cd_schema_set_name(s, "bench.Record");
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        cd_schema_add_field(s, fields[i].name, cd_schema_new(fields[i].type), err, sizeof(err));
    return s;
}

static cd_value_t *record_value(const cd_schema_t *schema, rng_t *rng, int64_t id)
{
    char name[32], user[32], domain[32], email[80], city[32];
    cd_value_t *st = cd_value_new_struct(schema);
    rng_word(rng, name, 8 + rng_next(rng) % 8);
    rng_word(rng, user, 6 + rng_next(rng) % 6);
    rng_word(rng, domain, 5 + rng_next(rng) % 5);
    snprintf(email, sizeof(email), "%s@%s.com", user, domain);
    int32_t age = (int32_t)(18 + rng_next(rng) % 60);
    double score = (double)(rng_next(rng) % 100000) / 100.0;
    bool active = rng_next(rng) % 2 == 0;
    rng_word(rng, city, 5 + rng_next(rng) % 10);
    int64_t ts = INT64_C(1700000000000) + rng_next(rng) % 100000000;
    cd_value_struct_set(st, 0, cd_value_new_int64(id));
    cd_value_struct_set(st, 1, cd_value_new_cstring(name));
    cd_value_struct_set(st, 2, cd_value_new_cstring(email));
    cd_value_struct_set(st, 3, cd_value_new_int32(age));
    cd_value_struct_set(st, 4, cd_value_new_float64(score));
    cd_value_struct_set(st, 5, cd_value_new_boolean(active));
    cd_value_struct_set(st, 6, cd_value_new_cstring(city));
    cd_value_struct_set(st, 7, cd_value_new_int64(ts));
    return st;
}

static double now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct encoded_s {
    uint8_t *data;
    size_t len;
} encoded_t;

/** Runs from/to over all records @p passes times (after one warm-up pass) and prints medians. */
static void bench_converter(const char *label, const char *class_name, const char *setting,
                            const char *setting_value, const cd_schema_t *schema,
                            cd_value_t **values, size_t n, int passes)
{
    char err[512];
    cd_properties_t *props = cd_properties_new();
    if (setting)
        cd_properties_set(props, setting, setting_value);
    cd_converter_t *conv =
        cd_converter_new(class_name, props, CD_CONVERTER_VALUE, err, sizeof(err));
    cd_properties_destroy(props);
    if (!conv || !cd_converter_plugin(conv)->from_connect) {
        printf("converter=%s op=from records=%zu records_per_sec=pending\n", label, n);
        printf("converter=%s op=to records=%zu records_per_sec=pending\n", label, n);
        cd_converter_destroy(conv);
        return;
    }
    encoded_t *enc = calloc(n, sizeof(*enc));
    double *rates = calloc((size_t)passes, sizeof(double));
    cd_buf_t out;
    size_t total_bytes = 0;
    cd_buf_init(&out);
    for (int pass = -1; pass < passes; pass++) {
        double start = now_sec();
        for (size_t i = 0; i < n; i++) {
            bool is_null = false;
            cd_buf_reset(&out);
            if (cd_converter_from_connect(conv, "bench", NULL, schema, values[i], &out, &is_null,
                                          err, sizeof(err)) != 0) {
                fprintf(stderr, "%s fromConnect failed: %s\n", label, err);
                exit(1);
            }
            if (pass == -1) {
                enc[i].data = malloc(out.len + 1);
                memcpy(enc[i].data, out.data, out.len);
                enc[i].len = out.len;
                total_bytes += out.len;
            }
        }
        if (pass >= 0)
            rates[pass] = (double)n / (now_sec() - start);
    }
    qsort(rates, (size_t)passes, sizeof(double), cmp_double);
    printf("converter=%s op=from records=%zu records_per_sec=%.0f bytes_per_record=%.1f\n", label,
           n, rates[passes / 2], (double)total_bytes / (double)n);
    for (int pass = -1; pass < passes; pass++) {
        double start = now_sec();
        for (size_t i = 0; i < n; i++) {
            cd_schema_and_value_t sv = {0};
            if (cd_converter_to_connect(conv, "bench", NULL, enc[i].data, enc[i].len, &sv, err,
                                        sizeof(err)) != 0) {
                fprintf(stderr, "%s toConnect failed: %s\n", label, err);
                exit(1);
            }
            cd_schema_and_value_clear(&sv);
        }
        if (pass >= 0)
            rates[pass] = (double)n / (now_sec() - start);
    }
    qsort(rates, (size_t)passes, sizeof(double), cmp_double);
    printf("converter=%s op=to records=%zu records_per_sec=%.0f bytes_per_record=%.1f\n", label, n,
           rates[passes / 2], (double)total_bytes / (double)n);
    fflush(stdout);
    for (size_t i = 0; i < n; i++)
        free(enc[i].data);
    free(enc);
    free(rates);
    cd_buf_free(&out);
    cd_converter_destroy(conv);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    int passes = argc > 2 ? atoi(argv[2]) : 5;
    if (n == 0 || passes <= 0)
        return 2;
    rng_t rng = {42};
    cd_schema_t *schema = record_schema();
    cd_value_t **records = calloc(n, sizeof(*records));
    cd_value_t **strings = calloc(n, sizeof(*strings));
    cd_schema_t *string_schema = cd_schema_new(CD_TYPE_STRING);
    char text[101];
    for (size_t i = 0; i < n; i++)
        records[i] = record_value(schema, &rng, (int64_t)i);
    for (size_t i = 0; i < n; i++) {
        rng_word(&rng, text, 100);
        strings[i] = cd_value_new_string(text, 100);
    }
    const char *only = argc > 3 ? argv[3] : "";
    const char *json = "org.apache.kafka.connect.json.JsonConverter";
    if (strstr("JsonConverter(schemas.enable=true)", only))
        bench_converter("JsonConverter(schemas.enable=true)", json, "schemas.enable", "true",
                        schema, records, n, passes);
    if (strstr("JsonConverter(schemas.enable=false)", only))
        bench_converter("JsonConverter(schemas.enable=false)", json, "schemas.enable", "false",
                        schema, records, n, passes);
    if (strstr("StringConverter", only))
        bench_converter("StringConverter", "org.apache.kafka.connect.storage.StringConverter", NULL,
                        NULL, string_schema, strings, n, passes);
    for (size_t i = 0; i < n; i++) {
        cd_value_destroy(records[i]);
        cd_value_destroy(strings[i]);
    }
    free(records);
    free(strings);
    cd_schema_unref(schema);
    cd_schema_unref(string_schema);
    return 0;
}
