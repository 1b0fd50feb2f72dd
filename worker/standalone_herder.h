/**
 * @file standalone_herder.h
 * @brief The standalone herder (StandaloneHerder): connector and task configs
 *        in memory, statuses in memory, offsets in the offsets file; one herder
 *        thread takes every request from a queue and alone changes state.
 */
#ifndef CONNECTD_STANDALONE_HERDER_H
#define CONNECTD_STANDALONE_HERDER_H

#include "herder.h"
#include "offset_store.h"
#include "worker_config.h"

typedef struct cd_standalone_herder_s cd_standalone_herder_t;

/**
 * @brief Creates the herder and its Worker (which looks up the Kafka cluster id).
 * @p wc and @p offsets must outlive the herder. @returns NULL with errstr.
 */
cd_standalone_herder_t *cd_standalone_herder_new(cd_worker_config_t *wc, cd_offset_store_t *offsets,
                                                 char *errstr, size_t errstr_size);
/** @returns the Herder interface for the REST server. */
cd_herder_t *cd_standalone_herder_herder(cd_standalone_herder_t *h);
/** @brief Starts the herder thread. @returns 0 or -1. */
int cd_standalone_herder_start(cd_standalone_herder_t *h, char *errstr, size_t errstr_size);
/** @brief The worker has created its command-line connectors: /health turns healthy. */
void cd_standalone_herder_ready(cd_standalone_herder_t *h);
/** @brief Stops every task and connector (flush, commit) and the thread, then frees. */
void cd_standalone_herder_destroy(cd_standalone_herder_t *h);

#endif
