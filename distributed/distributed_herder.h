/**
 * @file distributed_herder.h
 * @brief The distributed herder (DistributedHerder): a member of the worker
 *        group that keeps configs in the config topic, statuses in the status
 *        topic and offsets in the offsets topic; the leader assigns connectors
 *        and tasks to members; only the herder thread changes cluster state.
 *        Design: docs/modules/distributed-herder.md.
 */
#ifndef CONNECTD_DISTRIBUTED_HERDER_H
#define CONNECTD_DISTRIBUTED_HERDER_H

#include "../worker/herder.h"
#include "../worker/offset_store.h"
#include "../worker/status.h"
#include "../worker/worker_config.h"

typedef struct cd_distributed_herder_s cd_distributed_herder_t;

/**
 * @brief Creates the herder: the Worker (which looks up the Kafka cluster id), the
 * config store (created/verified and read to the end here) and the group member.
 * @p offsets and @p status are the started Kafka stores; they and @p wc must
 * outlive the herder. @returns NULL with Java's error text.
 */
cd_distributed_herder_t *cd_distributed_herder_new(cd_worker_config_t *wc,
                                                   cd_offset_store_t *offsets,
                                                   cd_status_store_t *status, char *errstr,
                                                   size_t errstr_size);
/** @returns the Herder interface for the REST server. */
cd_herder_t *cd_distributed_herder_herder(cd_distributed_herder_t *h);
/** @brief Starts the herder thread (joins the group). @returns 0 or -1. */
int cd_distributed_herder_start(cd_distributed_herder_t *h, char *errstr, size_t errstr_size);
/** @brief Stops all work, leaves the group, stops the thread, frees. */
void cd_distributed_herder_destroy(cd_distributed_herder_t *h);

#endif
