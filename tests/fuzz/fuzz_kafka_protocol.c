/**
 * @file fuzz_kafka_protocol.c
 * @brief libFuzzer target: feeds arbitrary bytes to every response decoder of
 *        distributed/kafka_protocol.c at every version (first byte picks the
 *        version) and to the SCRAM server-message parsers; the decoders must
 *        stay inside the input and views must lie within it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/kafka_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_view(cd_kstr_t s, const uint8_t *p, size_t n)
{
    if (s.len < 0)
        return;
    if ((const uint8_t *)s.p < p || (const uint8_t *)s.p + s.len > p + n)
        abort();
}

static bool has(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int16_t v = (int16_t)(data[0] % 10);
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    /* copy so that ASan catches any read past the end */
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf)
        return 0;
    memcpy(buf, p, n);

    cd_kversions_t kv;
    int16_t err;
    (void)cd_kafka_api_versions_response(buf, n, v > 3 ? 3 : v, &err, &kv);

    cd_kcoordinator_t co;
    (void)cd_kafka_find_coordinator_response(buf, n, v > 4 ? 4 : v, "g", &co);

    cd_kjoin_resp_t jr;
    if (cd_kafka_join_group_response(buf, n, v, &jr) == 0) {
        check_view(jr.leader, buf, n);
        check_view(jr.member_id, buf, n);
        check_view(jr.protocol_name, buf, n);
        for (size_t i = 0; i < jr.member_count; i++) {
            check_view(jr.members[i].member_id, buf, n);
            check_view(jr.members[i].metadata, buf, n);
        }
        free(jr.members);
    }

    cd_ksync_resp_t sr;
    if (cd_kafka_sync_group_response(buf, n, v > 5 ? 5 : v, &sr) == 0)
        check_view(sr.assignment, buf, n);
    (void)cd_kafka_heartbeat_response(buf, n, v > 4 ? 4 : v, &err);
    (void)cd_kafka_leave_group_response(buf, n, v > 5 ? 5 : v, &err);

    /* SCRAM server messages */
    cd_scram_t s;
    memset(&s, 0, sizeof(s));
    char *first = NULL, *final = NULL, e[128];
    if (n < 512 && cd_scram_client_first(&s, 256, "u", "p", "abc", &first) == 0) {
        /* keep PBKDF2 cheap: only let small iteration counts through */
        if (!has(buf, n, "i=") || has(buf, n, "i=1,")) {
            if (cd_scram_client_final(&s, (const char *)buf, n, &final, e, sizeof(e)) == 0)
                (void)cd_scram_verify_server_final(&s, (const char *)buf, n, e, sizeof(e));
        }
    }
    free(first);
    free(final);
    cd_scram_clear(&s);
    free(buf);
    return 0;
}
