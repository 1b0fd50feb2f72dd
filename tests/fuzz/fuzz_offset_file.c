/**
 * @file fuzz_offset_file.c
 * @brief libFuzzer target: parses arbitrary bytes as a Java-serialised offsets file
 *        (HashMap<byte[],byte[]>, FileOffsetBackingStore's format). Whatever parses
 *        is written back with cd_offset_file_serialize() and must parse again to the
 *        same entries; every key also goes through cd_offset_key_parse().
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "worker/offset_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct entries_s {
    cd_offset_store_entry_t *e;
    size_t count;
    size_t checked; /**< second pass: entries compared so far */
    int mismatch;
} entries_t;

static int collect(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *opaque)
{
    entries_t *s = opaque;
    cd_offset_store_entry_t *e = realloc(s->e, (s->count + 1) * sizeof(*e));
    if (!e)
        return -1;
    s->e = e;
    s->e[s->count++] = (cd_offset_store_entry_t){k, kl, v, vl};
    char err[256], *connector = NULL;
    cd_value_t *partition = NULL;
    if (cd_offset_key_parse(k, kl, &connector, &partition, err, sizeof(err)) == 0) {
        free(connector);
        cd_value_destroy(partition);
    }
    return 0;
}

static int compare(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, void *opaque)
{
    entries_t *s = opaque;
    const cd_offset_store_entry_t *e = &s->e[s->checked++];
    if (e->key_len != kl || memcmp(e->key, k, kl) != 0 || (e->value == NULL) != (v == NULL) ||
        (v && (e->value_len != vl || memcmp(e->value, v, vl) != 0)))
        s->mismatch = 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    entries_t s = {0};
    char err[512];
    if (cd_offset_file_parse(data, size, collect, &s, err, sizeof(err)) != 0) {
        if (err[0] == '\0')
            abort(); /* every failure explains itself */
        free(s.e);
        return 0;
    }
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (cd_offset_file_serialize(s.e, s.count, &out, &out_len, err, sizeof(err)) == 0) {
        s.checked = 0;
        if (cd_offset_file_parse(out, out_len, compare, &s, err, sizeof(err)) != 0 ||
            s.checked != s.count || s.mismatch)
            abort();
        free(out);
    }
    free(s.e);
    return 0;
}
