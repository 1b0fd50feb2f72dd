/*
 * bench_avro_converter.c: the same Connect records through JsonConverter
 * (schemas.enable=true and false) and Confluent's AvroConverter (connectd's
 * io.confluent.connect.avro.AvroConverter on an in-process mock:// schema
 * registry), both directions: fromConnectData (serialize) and toConnectData
 * (deserialize).
 *
 *   bench_avro_converter [records] [passes] [only]   (defaults 200000, 3, all)
 *
 * Three data sets, generated deterministically (LCG, seed 42) into a pool of
 * distinct values that the timed loops cycle through:
 *   flat    a struct of 10 fields: int32, int64, string (~20 chars), double,
 *           boolean, optional string (null every other record), bytes (32),
 *           Timestamp, int32, string
 *   nested  a struct with an array of 10 structs {sku, qty, price, backordered}
 *           and a map<string,string> of 5 entries
 *   string  a STRING-schema value of 100 ASCII characters
 * With @c only, just the cases whose label ("flat/avro", "nested/json-schemas" ...)
 * contains that text run.
 *
 * After one warm-up pass (which also registers the Avro schemas), each
 * direction runs @c passes times over @c records records; the median pass is
 * reported. One line per measurement:
 *   data=<set> converter=<name> op=<from|to> records=<n> records_per_sec=<r>
 *   mb_per_sec=<m> bytes_per_record=<b>
 * (records_per_sec=pending when the converter is not available), then a
 * markdown table and the Avro/JSON ratios.
 */
#include <connectd/converter.h>

#include "util/properties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL 4096

typedef struct rng_s {
    uint64_t state;
} rng_t;

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

static void add_field(cd_schema_t *st, const char *name, cd_schema_t *fs)
{
    char err[256];
    if (cd_schema_add_field(st, name, fs, err, sizeof(err)) != 0) {
        fprintf(stderr, "schema: %s\n", err);
        exit(1);
    }
}

static cd_schema_t *optional(cd_schema_t *s)
{
    cd_schema_set_optional(s, true);
    return s;
}

/* ---- flat ---------------------------------------------------------- */

static cd_schema_t *flat_schema(void)
{
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "bench.Flat");
    add_field(s, "id", cd_schema_new(CD_TYPE_INT64));
    add_field(s, "count", cd_schema_new(CD_TYPE_INT32));
    add_field(s, "name", cd_schema_new(CD_TYPE_STRING));
    add_field(s, "score", cd_schema_new(CD_TYPE_FLOAT64));
    add_field(s, "active", cd_schema_new(CD_TYPE_BOOLEAN));
    add_field(s, "comment", optional(cd_schema_new(CD_TYPE_STRING)));
    add_field(s, "digest", cd_schema_new(CD_TYPE_BYTES));
    add_field(s, "created", cd_schema_new_timestamp());
    add_field(s, "region", cd_schema_new(CD_TYPE_INT32));
    add_field(s, "city", cd_schema_new(CD_TYPE_STRING));
    return s;
}

static cd_value_t *flat_value(const cd_schema_t *schema, rng_t *rng, int64_t id)
{
    char name[32], comment[32], city[32];
    uint8_t digest[32];
    cd_value_t *st = cd_value_new_struct(schema);
    rng_word(rng, name, 16 + rng_next(rng) % 8);
    rng_word(rng, comment, 10 + rng_next(rng) % 10);
    rng_word(rng, city, 5 + rng_next(rng) % 10);
    for (size_t i = 0; i < sizeof(digest); i++)
        digest[i] = (uint8_t)rng_next(rng);
    cd_value_struct_set(st, 0, cd_value_new_int64(id * 7919));
    cd_value_struct_set(st, 1, cd_value_new_int32((int32_t)(rng_next(rng) % 100000)));
    cd_value_struct_set(st, 2, cd_value_new_cstring(name));
    cd_value_struct_set(st, 3, cd_value_new_float64((double)(rng_next(rng) % 100000) / 100.0));
    cd_value_struct_set(st, 4, cd_value_new_boolean(rng_next(rng) % 2 == 0));
    cd_value_struct_set(st, 5, id % 2 ? cd_value_new_cstring(comment) : NULL);
    cd_value_struct_set(st, 6, cd_value_new_bytes(digest, sizeof(digest)));
    cd_value_struct_set(st, 7,
                        cd_value_new_date(INT64_C(1700000000000) + rng_next(rng) % 100000000));
    cd_value_struct_set(st, 8, cd_value_new_int32((int32_t)(rng_next(rng) % 64)));
    cd_value_struct_set(st, 9, cd_value_new_cstring(city));
    return st;
}

/* ---- nested -------------------------------------------------------- */

static cd_schema_t *item_schema(void)
{
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "bench.Item");
    add_field(s, "sku", cd_schema_new(CD_TYPE_STRING));
    add_field(s, "qty", cd_schema_new(CD_TYPE_INT32));
    add_field(s, "price", cd_schema_new(CD_TYPE_FLOAT64));
    add_field(s, "backordered", cd_schema_new(CD_TYPE_BOOLEAN));
    return s;
}

static cd_schema_t *nested_schema(void)
{
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "bench.Order");
    add_field(s, "id", cd_schema_new(CD_TYPE_INT64));
    add_field(s, "customer", cd_schema_new(CD_TYPE_STRING));
    add_field(s, "items", cd_schema_new_array(item_schema()));
    add_field(s, "tags",
              cd_schema_new_map(cd_schema_new(CD_TYPE_STRING), cd_schema_new(CD_TYPE_STRING)));
    return s;
}

static cd_value_t *nested_value(const cd_schema_t *schema, rng_t *rng, int64_t id)
{
    char word[32], key[16];
    const cd_schema_t *items_schema = cd_field_schema(cd_schema_field(schema, "items"));
    const cd_schema_t *item = cd_schema_value_schema(items_schema);
    cd_value_t *st = cd_value_new_struct(schema);
    cd_value_struct_set(st, 0, cd_value_new_int64(id));
    rng_word(rng, word, 12 + rng_next(rng) % 8);
    cd_value_struct_set(st, 1, cd_value_new_cstring(word));
    cd_value_t *items = cd_value_new_array();
    for (int i = 0; i < 10; i++) {
        cd_value_t *it = cd_value_new_struct(item);
        rng_word(rng, word, 10);
        cd_value_struct_set(it, 0, cd_value_new_cstring(word));
        cd_value_struct_set(it, 1, cd_value_new_int32((int32_t)(1 + rng_next(rng) % 20)));
        cd_value_struct_set(it, 2, cd_value_new_float64((double)(rng_next(rng) % 10000) / 100.0));
        cd_value_struct_set(it, 3, cd_value_new_boolean(rng_next(rng) % 5 == 0));
        cd_value_array_append(items, it);
    }
    cd_value_struct_set(st, 2, items);
    cd_value_t *tags = cd_value_new_map();
    for (int i = 0; i < 5; i++) {
        snprintf(key, sizeof(key), "tag%d", i);
        rng_word(rng, word, 6 + rng_next(rng) % 6);
        cd_value_map_append(tags, cd_value_new_cstring(key), cd_value_new_cstring(word));
    }
    cd_value_struct_set(st, 3, tags);
    return st;
}

/* ---- measurement --------------------------------------------------- */

typedef struct encoded_s {
    uint8_t *data;
    size_t len;
} encoded_t;

typedef struct result_s {
    char data[16];
    char conv[40];
    double from_rate, to_rate; /* records/s; 0 = pending */
    double bytes;              /* per record */
} result_t;

static result_t results[16];
static size_t result_count;

static cd_converter_t *make_converter(const char *class_name, const char *key, const char *value)
{
    char err[512];
    cd_properties_t *props = cd_properties_new();
    cd_properties_set(props, key, value);
    cd_converter_t *conv =
        cd_converter_new(class_name, props, CD_CONVERTER_VALUE, err, sizeof(err));
    cd_properties_destroy(props);
    if (!conv)
        fprintf(stderr, "%s: %s (reported as pending)\n", class_name, err);
    return conv;
}

/** Converts @p n records cycling through @p pool, @p passes times after one warm-up pass. */
static void bench_case(const char *data_name, const char *label, cd_converter_t *conv,
                       const cd_schema_t *schema, cd_value_t **pool, size_t pool_size, size_t n,
                       int passes)
{
    char err[512];
    result_t *res = &results[result_count++];
    snprintf(res->data, sizeof(res->data), "%s", data_name);
    snprintf(res->conv, sizeof(res->conv), "%s", label);
    if (!conv) {
        printf("data=%s converter=%s op=from records=%zu records_per_sec=pending\n", data_name,
               label, n);
        printf("data=%s converter=%s op=to records=%zu records_per_sec=pending\n", data_name, label,
               n);
        return;
    }
    encoded_t *enc = calloc(pool_size, sizeof(*enc));
    double *rates = calloc((size_t)passes, sizeof(double));
    size_t pool_bytes = 0;
    cd_buf_t out;
    cd_buf_init(&out);
    for (int pass = -1; pass < passes; pass++) {
        double start = now_sec();
        size_t count = pass < 0 ? pool_size : n;
        for (size_t i = 0; i < count; i++) {
            bool is_null = false;
            size_t k = i % pool_size;
            cd_buf_reset(&out);
            if (cd_converter_from_connect(conv, "bench", NULL, schema, pool[k], &out, &is_null, err,
                                          sizeof(err)) != 0) {
                fprintf(stderr, "%s/%s fromConnect failed: %s\n", data_name, label, err);
                exit(1);
            }
            if (pass < 0) {
                enc[k].data = malloc(out.len + 1);
                memcpy(enc[k].data, out.data, out.len);
                enc[k].len = out.len;
                pool_bytes += out.len;
            }
        }
        if (pass >= 0)
            rates[pass] = (double)n / (now_sec() - start);
    }
    qsort(rates, (size_t)passes, sizeof(double), cmp_double);
    res->from_rate = rates[passes / 2];
    res->bytes = (double)pool_bytes / (double)pool_size;
    printf("data=%s converter=%s op=from records=%zu records_per_sec=%.0f mb_per_sec=%.1f "
           "bytes_per_record=%.1f\n",
           data_name, label, n, res->from_rate, res->from_rate * res->bytes / 1e6, res->bytes);
    fflush(stdout);
    for (int pass = -1; pass < passes; pass++) {
        double start = now_sec();
        size_t count = pass < 0 ? pool_size : n;
        for (size_t i = 0; i < count; i++) {
            size_t k = i % pool_size;
            cd_schema_and_value_t sv = {0};
            if (cd_converter_to_connect(conv, "bench", NULL, enc[k].data, enc[k].len, &sv, err,
                                        sizeof(err)) != 0) {
                fprintf(stderr, "%s/%s toConnect failed: %s\n", data_name, label, err);
                exit(1);
            }
            cd_schema_and_value_clear(&sv);
        }
        if (pass >= 0)
            rates[pass] = (double)n / (now_sec() - start);
    }
    qsort(rates, (size_t)passes, sizeof(double), cmp_double);
    res->to_rate = rates[passes / 2];
    printf("data=%s converter=%s op=to records=%zu records_per_sec=%.0f mb_per_sec=%.1f "
           "bytes_per_record=%.1f\n",
           data_name, label, n, res->to_rate, res->to_rate * res->bytes / 1e6, res->bytes);
    fflush(stdout);
    for (size_t i = 0; i < pool_size; i++)
        free(enc[i].data);
    free(enc);
    free(rates);
    cd_buf_free(&out);
}

static const result_t *find_result(const char *data_name, const char *label)
{
    for (size_t i = 0; i < result_count; i++)
        if (strcmp(results[i].data, data_name) == 0 && strcmp(results[i].conv, label) == 0)
            return &results[i];
    return NULL;
}

static void print_rate(double rate, double bytes)
{
    if (rate > 0)
        printf(" %.0f | %.1f |", rate, rate * bytes / 1e6);
    else
        printf(" pending | - |");
}

static void print_ratio(const result_t *avro, const result_t *json, bool from)
{
    double a = avro ? (from ? avro->from_rate : avro->to_rate) : 0;
    double j = json ? (from ? json->from_rate : json->to_rate) : 0;
    if (a > 0 && j > 0)
        printf(" %.2fx |", a / j);
    else
        printf(" - |");
}

static void print_tables(void)
{
    static const char *const sets[] = {"flat", "nested", "string"};
    printf("\n| Data | Converter | bytes/record | fromConnectData (records/s) | MB/s | "
           "toConnectData (records/s) | MB/s |\n");
    printf("|---|---|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < result_count; i++) {
        const result_t *r = &results[i];
        printf("| %s | %s |", r->data, r->conv);
        if (r->bytes > 0)
            printf(" %.1f |", r->bytes);
        else
            printf(" - |");
        print_rate(r->from_rate, r->bytes);
        print_rate(r->to_rate, r->bytes);
        printf("\n");
    }
    printf("\n| Data | Avro / JSON(schemas) from | Avro / JSON(schemas) to | "
           "Avro / JSON(schemaless) from | Avro / JSON(schemaless) to | "
           "Avro bytes / JSON(schemaless) bytes |\n");
    printf("|---|---:|---:|---:|---:|---:|\n");
    for (size_t s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
        const result_t *avro = find_result(sets[s], "AvroConverter");
        const result_t *js = find_result(sets[s], "JsonConverter(schemas.enable=true)");
        const result_t *jn = find_result(sets[s], "JsonConverter(schemas.enable=false)");
        if (!avro && !js && !jn)
            continue;
        printf("| %s |", sets[s]);
        print_ratio(avro, js, true);
        print_ratio(avro, js, false);
        print_ratio(avro, jn, true);
        print_ratio(avro, jn, false);
        if (avro && jn && avro->bytes > 0 && jn->bytes > 0)
            printf(" %.2f |\n", avro->bytes / jn->bytes);
        else
            printf(" - |\n");
    }
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    int passes = argc > 2 ? atoi(argv[2]) : 3;
    const char *only = argc > 3 ? argv[3] : "";
    if (n == 0 || passes <= 0)
        return 2;
    size_t pool_size = n < POOL ? n : POOL;
    rng_t rng = {42};
    const char *json = "org.apache.kafka.connect.json.JsonConverter";
    cd_converter_t *convs[3] = {
        make_converter(json, "schemas.enable", "true"),
        make_converter(json, "schemas.enable", "false"),
        make_converter("io.confluent.connect.avro.AvroConverter", "schema.registry.url",
                       "mock://bench"),
    };
    static const char *const labels[3] = {"JsonConverter(schemas.enable=true)",
                                          "JsonConverter(schemas.enable=false)", "AvroConverter"};
    static const char *const short_labels[3] = {"json-schemas", "json-schemaless", "avro"};

    cd_schema_t *schemas[3] = {flat_schema(), nested_schema(), cd_schema_new(CD_TYPE_STRING)};
    static const char *const set_names[3] = {"flat", "nested", "string"};
    cd_value_t **pools[3];
    for (int s = 0; s < 3; s++) {
        pools[s] = calloc(pool_size, sizeof(cd_value_t *));
        for (size_t i = 0; i < pool_size; i++) {
            if (s == 0) {
                pools[s][i] = flat_value(schemas[s], &rng, (int64_t)i);
            } else if (s == 1) {
                pools[s][i] = nested_value(schemas[s], &rng, (int64_t)i);
            } else {
                char text[101];
                rng_word(&rng, text, 100);
                pools[s][i] = cd_value_new_string(text, 100);
            }
        }
    }
    for (int s = 0; s < 3; s++) {
        for (int c = 0; c < 3; c++) {
            char case_label[64];
            snprintf(case_label, sizeof(case_label), "%s/%s", set_names[s], short_labels[c]);
            if (!strstr(case_label, only))
                continue;
            bench_case(set_names[s], labels[c], convs[c], schemas[s], pools[s], pool_size, n,
                       passes);
        }
    }
    print_tables();
    printf("\n%zu records (cycling through %zu distinct values), median of %d passes after one "
           "warm-up pass; value converters, single thread.\n",
           n, pool_size, passes);
    for (int c = 0; c < 3; c++)
        cd_converter_destroy(convs[c]);
    for (int s = 0; s < 3; s++) {
        for (size_t i = 0; i < pool_size; i++)
            cd_value_destroy(pools[s][i]);
        free(pools[s]);
        cd_schema_unref(schemas[s]);
    }
    return 0;
}
