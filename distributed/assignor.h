/**
 * @file assignor.h
 * @brief The leader's assignors: EagerAssignor (round robin, full
 *        assignments) and IncrementalCooperativeAssignor (deltas, lost-work
 *        delay scheduled.rebalance.max.delay.ms, load-balancing revocations with
 *        exponential backoff). Pure logic: inputs are the members' metadata and
 *        the leader's config snapshot, outputs one assignment per member.
 */
#ifndef CONNECTD_DISTRIBUTED_ASSIGNOR_H
#define CONNECTD_DISTRIBUTED_ASSIGNOR_H

#include "connect_protocol.h"

/** A member as the leader sees it. */
typedef struct cd_assignor_member_s {
    const char *member_id;
    cd_worker_metadata_t metadata; /**< parsed (not owned by the assignor) */
} cd_assignor_member_t;

/** The configured work from the leader's snapshot (ClusterConfigState). */
typedef struct cd_assignor_config_s {
    int64_t offset;                /**< the snapshot's config offset */
    const char *const *connectors; /**< configured connector names */
    const int *task_counts;        /**< tasks per connector (0 when inconsistent) */
    size_t count;
} cd_assignor_config_t;

typedef struct cd_assignor_s cd_assignor_t;

/** @brief A cooperative assignor (keeps previousAssignment etc. between rounds) or an
 *  eager one (stateless). @p max_delay_ms: scheduled.rebalance.max.delay.ms. */
cd_assignor_t *cd_assignor_new(cd_connect_protocol_t protocol, int64_t max_delay_ms);
void cd_assignor_destroy(cd_assignor_t *a);

/**
 * @brief Computes the assignments (performAssignment). @p out receives member_count
 * assignments in the order of @p members (caller clears each). When the snapshot
 * is behind the members' maximum config offset every member gets CONFIG_MISMATCH
 * (the caller is expected to refresh its snapshot before calling, as
 * ensureLeaderConfig does). @p generation: the new generation id, @p now_ms: a
 * monotonic clock. @returns 0.
 */
int cd_assignor_assign(cd_assignor_t *a, const char *leader_id, int32_t generation,
                       const cd_assignor_config_t *config, const cd_assignor_member_t *members,
                       size_t member_count, int64_t now_ms, cd_assignment_t *out);

/** @brief The leader learned that the last generation did not complete on it (e.g. the
 *  sync failed): forget previousAssignment (cooperative). */
void cd_assignor_reset(cd_assignor_t *a);

/** @brief The group's chosen sub-protocol changed (e.g. a "compatible"-only member joined):
 *  later assignments use @p protocol's algorithm and version, keeping the cooperative
 *  state, as Java's single IncrementalCooperativeAssignor serves both compatible and
 *  sessioned (EAGER switches to EagerAssignor). Added by the connect-protocol helper. */
void cd_assignor_set_protocol(cd_assignor_t *a, cd_connect_protocol_t protocol);

/** @brief Java's generation check in performTaskAssignment: when @p last_completed_generation
 *  (the generation of the last assignment this worker received, -1 if none) differs from
 *  the generation of the assignor's last computed assignment, previousAssignment is
 *  forgotten (cd_assignor_reset). Call it before cd_assignor_assign. Added by the
 *  connect-protocol helper. */
void cd_assignor_check_generation(cd_assignor_t *a, int32_t last_completed_generation);

/** @brief The max config offset among @p members. */
int64_t cd_assignor_max_offset(const cd_assignor_member_t *members, size_t member_count);

#endif
