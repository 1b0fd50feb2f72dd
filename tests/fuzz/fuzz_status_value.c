/*
 * fuzz_status_value.c: libFuzzer target for the status-topic codecs
 * (storage/kafka_status_store.c): any bytes as a status value, a topic-status
 * value and a status key; a value that parses is serialised and must parse back
 * to the same fields.
 */
#include "storage/kafka_backing_stores.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    cd_status_t s = {0}, back = {0};
    if (cd_status_value_parse(data, size, &s) == 0) {
        size_t len = 0;
        uint8_t *out = cd_status_value_serialize(&s, &len);
        if (!out || cd_status_value_parse(out, len, &back) != 0 || back.state != s.state ||
            back.generation != s.generation || !same(back.trace, s.trace) ||
            !same(back.worker_id, s.worker_id) || !same(back.version, s.version))
            abort();
        free(out);
    }
    cd_status_clear(&s);
    cd_status_clear(&back);
    char *topic = NULL, *connector = NULL;
    int task = 0;
    int64_t ts = 0;
    if (cd_topic_status_value_parse(data, size, &topic, &connector, &task, &ts) == 0) {
        free(topic);
        free(connector);
    }
    if (cd_status_key_parse(data, size, &connector, &task, &topic) != CD_STATUS_KEY_INVALID) {
        free(topic);
        free(connector);
    }
    return 0;
}
