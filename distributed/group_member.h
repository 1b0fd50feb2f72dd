/**
 * @file group_member.h
 * @brief Membership of the worker group (Java's WorkerGroupMember +
 *        AbstractCoordinator) over our own small Kafka protocol client:
 *        ApiVersions, FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
 *        LeaveGroup, version-negotiated against Kafka 3.x and 4.x, over
 *        PLAINTEXT / SSL / SASL_PLAINTEXT / SASL_SSL (PLAIN, SCRAM-SHA-256/512)
 *        configured from the worker's security.protocol, ssl.* and sasl.* keys.
 *
 * The protocol type is always "connect"; what the metadata and assignment
 * bytes mean is the caller's business (connect_protocol.h). The herder thread
 * drives joins with cd_group_member_poll(); a heartbeat thread keeps the
 * session alive between joins and raises "rejoin needed" (and calls the wakeup
 * callback) when the coordinator starts a rebalance or the member is fenced.
 */
#ifndef CONNECTD_DISTRIBUTED_GROUP_MEMBER_H
#define CONNECTD_DISTRIBUTED_GROUP_MEMBER_H

#include "../worker/worker_config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cd_group_member_s cd_group_member_t;

/** One protocol offered in JoinGroup (name + metadata bytes), in preference order. */
typedef struct cd_group_protocol_s {
    const char *name;
    const uint8_t *metadata;
    size_t metadata_len;
} cd_group_protocol_t;

/** A member as the leader sees it in the JoinGroup response. */
typedef struct cd_group_member_info_s {
    const char *member_id;
    const uint8_t *metadata; /**< the metadata of the chosen protocol */
    size_t metadata_len;
} cd_group_member_info_t;

/** One assignment the leader hands out in SyncGroup. */
typedef struct cd_group_assignment_s {
    const char *member_id;
    const uint8_t *assignment;
    size_t assignment_len;
} cd_group_assignment_t;

/** What the member asks of its owner during a join (run on the poll caller's thread). */
typedef struct cd_group_callbacks_s {
    /** Before (re)joining (onJoinPrepare): an eager member stops its work here.
     *  @p generation / @p member_id are the previous ones (-1 / "" if none). */
    void (*join_prepare)(void *opaque, int32_t generation, const char *member_id);
    /** The protocols to offer (metadata built fresh for each join). Fill @p out
     *  (at most 4), @returns the count. Buffers must stay valid until the next call. */
    size_t (*metadata)(void *opaque, cd_group_protocol_t *out);
    /** Leader only (onLeaderElected): compute one assignment per member. Fill @p out
     *  (member_count entries, same order), buffers valid until the next call.
     *  @returns 0, or -1 to abandon this join (rejoin). */
    int (*assign)(void *opaque, const char *leader_id, const char *protocol,
                  const cd_group_member_info_t *members, size_t member_count,
                  cd_group_assignment_t *out);
    /** The join completed (onJoinComplete) with this member's assignment bytes. */
    void (*assigned)(void *opaque, int32_t generation, const char *member_id, const char *protocol,
                     const uint8_t *assignment, size_t assignment_len);
    /** The coordinator was lost / the member fell out of the group without a
     *  join_prepare (e.g. session timeout, heartbeat failures for a whole
     *  heartbeat interval): the owner should treat its work as revoked (may be NULL). */
    void (*lost)(void *opaque, const char *reason);
    /** Called from the heartbeat thread when a rejoin became needed: wake the poller. */
    void (*wakeup)(void *opaque);
    void *opaque;
} cd_group_callbacks_t;

/**
 * @brief Creates a member of group.id with session.timeout.ms, rebalance.timeout.ms,
 * heartbeat.interval.ms, retry.backoff.ms, request.timeout.ms, client.id
 * ("connect-<host:port>" when empty, Java's default) and the security settings of
 * @p wc. Does not connect yet. @returns NULL with errstr for bad security settings.
 */
cd_group_member_t *cd_group_member_new(const cd_worker_config_t *wc,
                                       const cd_group_callbacks_t *callbacks, char *errstr,
                                       size_t errstr_size);

/**
 * @brief WorkerGroupMember.poll / ensureActiveGroup: if the member is not in a
 * stable generation (first join, rejoin requested, rebalance started, fenced),
 * finds the coordinator and runs JoinGroup + SyncGroup, calling the callbacks,
 * retrying retriable errors with backoff, for at most @p timeout_ms. Returns
 * at once when the member is stable.
 * @returns 0 when stable, 1 when the join is still in progress after the timeout
 * (call again), -1 on a fatal error (errstr; e.g. authentication failed, group
 * authorization failed, inconsistent group protocol).
 */
int cd_group_member_poll(cd_group_member_t *m, int64_t timeout_ms, char *errstr,
                         size_t errstr_size);

/** @brief Asks for a rejoin on the next poll (requestRejoin), with a reason for the log. */
void cd_group_member_request_rejoin(cd_group_member_t *m, const char *reason);
/** @returns whether the next poll will (re)join. Thread-safe. */
bool cd_group_member_rejoin_needed(cd_group_member_t *m);

/** @brief LeaveGroup now (maybeLeaveGroup) and forget the member id and generation. */
void cd_group_member_leave(cd_group_member_t *m, const char *reason);

/** Current generation (-1 none), member id ("" none), chosen protocol (NULL none). */
int32_t cd_group_member_generation(cd_group_member_t *m);
const char *cd_group_member_id(cd_group_member_t *m);

/** @brief Leaves the group (LeaveGroup) if a member, stops the heartbeat thread, frees. */
void cd_group_member_destroy(cd_group_member_t *m);

#endif
