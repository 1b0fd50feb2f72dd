/**
 * @file fuzz_connect_protocol.c
 * @brief libFuzzer target for the connect group-protocol parsers: arbitrary
 *        bytes as member metadata and as an assignment. Whatever parses must
 *        serialise and parse again to the same structure (the serialiser's
 *        output is canonical: a second round trip gives identical bytes), and
 *        failures must come with an error message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "distributed/connect_protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const cd_assignment_t *a, const cd_assignment_t *b)
{
    if (a->error != b->error || a->config_offset != b->config_offset ||
        strcmp(a->leader, b->leader) != 0 || strcmp(a->leader_url, b->leader_url) != 0)
        abort();
    /* connector ids are de-duplicated on the wire (Java's asMap/revokedAsMap), tasks are not */
    for (size_t i = 0; i < a->assigned.count; i++)
        if (!cd_work_list_contains(&b->assigned, a->assigned.items[i].connector,
                                   a->assigned.items[i].task))
            abort();
    for (size_t i = 0; i < b->assigned.count; i++)
        if (!cd_work_list_contains(&a->assigned, b->assigned.items[i].connector,
                                   b->assigned.items[i].task))
            abort();
    if (a->version == 0)
        return;
    if (a->delay_ms != b->delay_ms)
        abort();
    for (size_t i = 0; i < a->revoked.count; i++)
        if (!cd_work_list_contains(&b->revoked, a->revoked.items[i].connector,
                                   a->revoked.items[i].task))
            abort();
}

static void assignment_round_trip(const cd_assignment_t *a)
{
    char err[256];
    uint8_t *b1, *b2;
    size_t n1, n2;
    cd_assignment_t x, y;
    if (cd_connect_assignment_serialize(a, &b1, &n1) != 0)
        abort();
    if (cd_connect_assignment_parse(b1, n1, &x, err, sizeof(err)) != 0)
        abort();
    check_same(a, &x);
    cd_connect_assignment_serialize(&x, &b2, &n2);
    if (cd_connect_assignment_parse(b2, n2, &y, err, sizeof(err)) != 0)
        abort();
    uint8_t *b3;
    size_t n3;
    cd_connect_assignment_serialize(&y, &b3, &n3);
    if (n2 != n3 || memcmp(b2, b3, n2) != 0)
        abort();
    free(b1);
    free(b2);
    free(b3);
    cd_assignment_clear(&x);
    cd_assignment_clear(&y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    cd_assignment_t a;
    err[0] = '\0';
    if (cd_connect_assignment_parse(data, size, &a, err, sizeof(err)) == 0) {
        assignment_round_trip(&a);
        cd_assignment_clear(&a);
    } else if (err[0] == '\0') {
        abort();
    }

    cd_worker_metadata_t m;
    err[0] = '\0';
    if (cd_connect_metadata_parse(data, size, &m, err, sizeof(err)) == 0) {
        uint8_t *b;
        size_t n;
        cd_connect_protocol_t p = m.version >= 2   ? CD_CONNECT_PROTOCOL_SESSIONED
                                  : m.version == 1 ? CD_CONNECT_PROTOCOL_COMPATIBLE
                                                   : CD_CONNECT_PROTOCOL_EAGER;
        cd_connect_metadata_serialize(p, m.url, m.config_offset,
                                      m.has_allocation ? &m.allocation : NULL, &b, &n);
        cd_worker_metadata_t m2;
        if (cd_connect_metadata_parse(b, n, &m2, err, sizeof(err)) != 0)
            abort();
        if (strcmp(m.url, m2.url) != 0 || m.config_offset != m2.config_offset)
            abort();
        if (p != CD_CONNECT_PROTOCOL_EAGER && m.has_allocation && m.allocation.leader &&
            !m2.has_allocation)
            abort();
        if (m.has_allocation)
            assignment_round_trip(&m.allocation);
        free(b);
        cd_worker_metadata_clear(&m2);
        cd_worker_metadata_clear(&m);
    } else if (err[0] == '\0') {
        abort();
    }
    return 0;
}
