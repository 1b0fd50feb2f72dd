/*
 * bench_transforms.c: records/s through the single message transform chain
 * (worker/transform_chain.h), with no transform and with a chain of three
 * (InsertField$Value, ReplaceField$Value, Cast$Value), on sink records whose
 * value is a 6-field struct with a schema or a schemaless map. The records
 * are generated deterministically, the same ones bench/JavaTransformBench.java
 * builds.
 *
 *   bench_transforms [records] [passes] [only]   (defaults 100000, 5, all)
 *
 * A transform may consume the record it is given (cd_transform_chain_apply
 * replaces it and destroys the old one), so each pass first copies the
 * generated records and destroys the chain's outputs afterwards, untimed. The
 * timed loop is cd_transform_chain_apply alone: with no transform the
 * identity, as Java's; through the chain it includes freeing the input and
 * the intermediate records, the counterpart of Java's garbage collection of
 * the intermediates and the output (its inputs live on).
 *
 * Prints one line per case:
 *   case=<chain>/<shape> records=<n> records_per_sec=<median>
 * or records_per_sec=pending when the chain cannot be built (a transform not
 * implemented yet). The first transformed record is shown on stderr.
 */
#include "util/properties.h"
#include "worker/transform_chain.h"

#include <connectd/record.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct rng_s {
    uint64_t state;
} rng_t;

/** The LCG shared with JavaTransformBench (Knuth's MMIX constants). */
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

/* The value fields: id, a (renamed to alpha), b (cast to string), c, d, e. */
static const char *const field_names[6] = {"id", "a", "b", "c", "d", "e"};

static cd_schema_t *record_schema(void)
{
    char err[128];
    static const cd_type_t types[6] = {CD_TYPE_INT64,   CD_TYPE_STRING,  CD_TYPE_INT32,
                                       CD_TYPE_FLOAT64, CD_TYPE_BOOLEAN, CD_TYPE_STRING};
    cd_schema_t *s = cd_schema_new_struct();
    cd_schema_set_name(s, "bench.Record");
    for (size_t i = 0; i < 6; i++)
        if (cd_schema_add_field(s, field_names[i], cd_schema_new(types[i]), err, sizeof(err)) !=
            0) {
            fprintf(stderr, "schema: %s\n", err);
            exit(1);
        }
    return s;
}

/** The six field values of record @p id (drawn in the Java program's order). */
static void field_values(rng_t *rng, int64_t id, cd_value_t *out[6])
{
    char a[32], e[32];
    rng_word(rng, a, 8 + rng_next(rng) % 8);
    int32_t b = (int32_t)(rng_next(rng) % 1000000);
    double c = (double)(rng_next(rng) % 100000) / 100.0;
    bool d = rng_next(rng) % 2 == 0;
    rng_word(rng, e, 5 + rng_next(rng) % 10);
    out[0] = cd_value_new_int64(id);
    out[1] = cd_value_new_cstring(a);
    out[2] = cd_value_new_int32(b);
    out[3] = cd_value_new_float64(c);
    out[4] = cd_value_new_boolean(d);
    out[5] = cd_value_new_cstring(e);
}

static cd_record_t *sink_record(const cd_schema_t *schema, cd_value_t *value, int64_t offset)
{
    cd_record_t *r = cd_record_new("bench");
    cd_record_set_partition(r, 0);
    cd_record_set_kafka_offset(r, offset);
    cd_record_set_value(r, schema, value);
    return r;
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

/** A short rendering of a value for the stderr sample (struct/map fields by name). */
static void show_value(const cd_record_t *r)
{
    const cd_value_t *v = cd_record_value(r);
    const cd_schema_t *s = cd_record_value_schema(r);
    fprintf(stderr, "  sample: {");
    size_t n = s ? cd_schema_field_count(s) : (v ? cd_value_map_size(v) : 0);
    for (size_t i = 0; i < n; i++) {
        const char *name;
        const cd_value_t *fv;
        if (s) {
            name = cd_field_name(cd_schema_field_at(s, i));
            fv = cd_value_struct_get_at(v, i);
        } else {
            name = cd_value_string(cd_value_map_key_at(v, i), NULL);
            fv = cd_value_map_value_at(v, i);
        }
        fprintf(stderr, "%s%s:%s", i ? ", " : "", name,
                fv ? cd_value_kind_java_class(cd_value_kind(fv)) : "null");
    }
    fprintf(stderr, "}\n");
}

/** Runs the chain of @p props over copies of @p base, @p passes times after one warm-up pass. */
static void bench_case(const char *label, const cd_properties_t *props, cd_record_t **base,
                       size_t n, int passes)
{
    char err[512] = "";
    cd_transform_chain_t *chain = cd_transform_chain_new(props, err, sizeof(err));
    if (!chain) {
        printf("case=%s records=%zu records_per_sec=pending\n", label, n);
        fprintf(stderr, "  %s: %s\n", label, err);
        fflush(stdout);
        return;
    }
    cd_record_t **work = calloc(n, sizeof(*work));
    double *rates = calloc((size_t)passes, sizeof(double));
    if (!work || !rates) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    for (int pass = -1; pass < passes; pass++) {
        for (size_t i = 0; i < n; i++)
            work[i] = cd_record_copy(base[i]);
        double start = now_sec();
        for (size_t i = 0; i < n; i++) {
            if (cd_transform_chain_apply(chain, &work[i], err, sizeof(err)) != 0) {
                /* A transform not implemented yet (or a real failure): no rate. */
                printf("case=%s records=%zu records_per_sec=pending\n", label, n);
                fprintf(stderr, "  %s: apply failed (%s): %s\n", label,
                        cd_transform_chain_failed_class(chain), err);
                fflush(stdout);
                for (size_t j = 0; j < n; j++)
                    cd_record_destroy(work[j]);
                goto done;
            }
        }
        if (pass >= 0)
            rates[pass] = (double)n / (now_sec() - start);
        if (pass == -1 && work[0])
            show_value(work[0]);
        for (size_t i = 0; i < n; i++)
            cd_record_destroy(work[i]);
    }
    qsort(rates, (size_t)passes, sizeof(double), cmp_double);
    printf("case=%s records=%zu records_per_sec=%.0f\n", label, n, rates[passes / 2]);
    fflush(stdout);
done:
    free(work);
    free(rates);
    cd_transform_chain_destroy(chain);
}

/** The connector settings of the three-transform chain. */
static cd_properties_t *chain3_props(void)
{
    static const char *const kv[][2] = {
        {"transforms", "insert,rename,cast"},
        {"transforms.insert.type", "org.apache.kafka.connect.transforms.InsertField$Value"},
        {"transforms.insert.static.field", "origin"},
        {"transforms.insert.static.value", "bench"},
        {"transforms.rename.type", "org.apache.kafka.connect.transforms.ReplaceField$Value"},
        {"transforms.rename.renames", "a:alpha"},
        {"transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value"},
        {"transforms.cast.spec", "b:string"},
    };
    cd_properties_t *p = cd_properties_new();
    for (size_t i = 0; p && i < sizeof(kv) / sizeof(kv[0]); i++)
        if (cd_properties_set(p, kv[i][0], kv[i][1]) != 0) {
            cd_properties_destroy(p);
            return NULL;
        }
    return p;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
    int passes = argc > 2 ? atoi(argv[2]) : 5;
    const char *only = argc > 3 ? argv[3] : "";
    if (n == 0 || n > 100000000 || passes <= 0 || passes > 1000)
        return 2;
    rng_t rng = {42};
    cd_schema_t *schema = record_schema();
    cd_record_t **structs = calloc(n, sizeof(*structs));
    cd_record_t **maps = calloc(n, sizeof(*maps));
    cd_properties_t *none = cd_properties_new();
    cd_properties_t *chain3 = chain3_props();
    if (!structs || !maps || !none || !chain3) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    /* Struct records first, then the schemaless ones, as the Java program draws them. */
    for (size_t i = 0; i < n; i++) {
        cd_value_t *f[6];
        field_values(&rng, (int64_t)i, f);
        cd_value_t *st = cd_value_new_struct(schema);
        for (size_t k = 0; k < 6; k++)
            cd_value_struct_set(st, k, f[k]);
        structs[i] = sink_record(schema, st, (int64_t)i);
    }
    for (size_t i = 0; i < n; i++) {
        cd_value_t *f[6];
        field_values(&rng, (int64_t)i, f);
        cd_value_t *map = cd_value_new_map();
        for (size_t k = 0; k < 6; k++)
            cd_value_map_append(map, cd_value_new_cstring(field_names[k]), f[k]);
        maps[i] = sink_record(NULL, map, (int64_t)i);
    }
    static const struct {
        const char *label;
        bool chain;
        bool structs;
    } cases[] = {
        {"none/struct", false, true},
        {"chain3/struct", true, true},
        {"none/schemaless", false, false},
        {"chain3/schemaless", true, false},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
        if (strstr(cases[c].label, only))
            bench_case(cases[c].label, cases[c].chain ? chain3 : none,
                       cases[c].structs ? structs : maps, n, passes);
    for (size_t i = 0; i < n; i++) {
        cd_record_destroy(structs[i]);
        cd_record_destroy(maps[i]);
    }
    free(structs);
    free(maps);
    cd_properties_destroy(none);
    cd_properties_destroy(chain3);
    cd_schema_unref(schema);
    return 0;
}
