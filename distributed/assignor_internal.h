/**
 * @file assignor_internal.h
 * @brief State shared by assignor_eager.c and assignor_incremental.c: the
 *        assignor object (IncrementalCooperativeAssignor's fields) and the
 *        helpers both assignors use to fill one assignment per member.
 */
#ifndef CONNECTD_DISTRIBUTED_ASSIGNOR_INTERNAL_H
#define CONNECTD_DISTRIBUTED_ASSIGNOR_INTERNAL_H

#include "assignor.h"

typedef struct cd_str_list_s {
    char **items;
    size_t count, cap;
} cd_str_list_t;

struct cd_assignor_s {
    cd_connect_protocol_t protocol;
    int32_t max_delay;
    cd_work_list_t previous_assignment;
    cd_work_list_t previous_revocation;
    bool revoked_in_previous;
    cd_str_list_t candidates; /**< candidateWorkersForReassignment (LinkedHashSet) */
    int64_t scheduled_rebalance;
    int32_t delay;
    int32_t previous_generation;
    cd_str_list_t previous_members;
    int num_successive_revoking;
};

/** Eager round robin (EagerAssignor.performTaskAssignment) after the offset checks. */
void cd_assignor_eager_assign(const cd_assignor_config_t *config,
                              const cd_assignor_member_t *members, size_t member_count,
                              cd_assignment_t *out);

/** Leader url of @p leader_id among @p members ("" if it is not a member). */
const char *cd_assignor_leader_url(const char *leader_id, const cd_assignor_member_t *members,
                                   size_t member_count);

/** Fills the common header fields of every member's assignment. */
void cd_assignor_fill_headers(cd_assignment_t *out, size_t member_count, int16_t version,
                              int16_t error, const char *leader_id, const char *leader_url,
                              int64_t offset, int32_t delay);

#endif
