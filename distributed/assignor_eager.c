/**
 * @file assignor_eager.c
 * @brief EagerAssignor (sub-protocol "default"): full assignments computed by
 *        round robin. Connector names are sorted (String order), member ids are
 *        sorted, and one circular iterator over the members hands out first
 *        every connector, then (continuing the same iterator) every task of
 *        every connector in ConnectorTaskId order. Assignments are version 0.
 */
#include "assignor_internal.h"
#include "java_order.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
    return cd_java_string_compare(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_member(const void *a, const void *b)
{
    const cd_assignor_member_t *const *x = a, *const *y = b;
    return cd_java_string_compare((*x)->member_id, (*y)->member_id);
}

void cd_assignor_eager_assign(const cd_assignor_config_t *config,
                              const cd_assignor_member_t *members, size_t member_count,
                              cd_assignment_t *out)
{
    if (member_count == 0)
        return;
    const char **connectors = malloc((config->count + 1) * sizeof(*connectors));
    size_t *conn_index = malloc((config->count + 1) * sizeof(*conn_index));
    const cd_assignor_member_t **sorted = malloc(member_count * sizeof(*sorted));
    if (!connectors || !conn_index || !sorted)
        abort();
    for (size_t i = 0; i < config->count; i++)
        connectors[i] = config->connectors[i];
    qsort(connectors, config->count, sizeof(*connectors), cmp_str);
    for (size_t i = 0; i < config->count; i++)
        for (size_t j = 0; j < config->count; j++)
            if (config->connectors[j] == connectors[i])
                conn_index[i] = j;
    for (size_t i = 0; i < member_count; i++)
        sorted[i] = &members[i];
    qsort(sorted, member_count, sizeof(*sorted), cmp_member);

    size_t it = 0;
    for (size_t i = 0; i < config->count; i++) {
        size_t m = (size_t)(sorted[it] - members);
        cd_work_list_add(&out[m].assigned, connectors[i], -1);
        it = (it + 1) % member_count;
    }
    for (size_t i = 0; i < config->count; i++) {
        int n = config->task_counts ? config->task_counts[conn_index[i]] : 0;
        for (int t = 0; t < n; t++) {
            size_t m = (size_t)(sorted[it] - members);
            cd_work_list_add(&out[m].assigned, connectors[i], t);
            it = (it + 1) % member_count;
        }
    }
    free(connectors);
    free(conn_index);
    free(sorted);
}
