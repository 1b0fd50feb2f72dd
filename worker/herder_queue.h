/**
 * @file herder_queue.h
 * @brief The request queue between REST threads (and task threads) and the
 *        herder thread: the only way anything asks the herder to act.
 *
 * A call carries its own copies of the arguments, so a caller that gives up
 * waiting (the 90 s REST timeout) can leave; the herder thread finishes the call
 * and frees it. A call is owned by whoever holds the last reference.
 */
#ifndef CONNECTD_HERDER_QUEUE_H
#define CONNECTD_HERDER_QUEUE_H

#include "herder.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct cd_herder_queue_s cd_herder_queue_t;

/** One request. The argument fields are owned by the call (freed with it). */
typedef struct cd_herder_call_s {
    int op;
    char *name;
    char *text; /**< a second string argument (plugin, initial state, level...) */
    char *text2;
    int task;
    bool flag1, flag2;
    cd_properties_t *config;
    json_t *json;
    uint8_t *blob; /**< raw bytes (e.g. a signed request body), malloc'd */
    size_t blob_len;
    cd_herder_reply_t reply;
    /* private */
    struct cd_herder_call_s *next;
    int refs;
    bool done;
} cd_herder_call_t;

cd_herder_queue_t *cd_herder_queue_new(void);
/** @brief Frees the queue and every call still in it (no waiter may remain). */
void cd_herder_queue_destroy(cd_herder_queue_t *q);

/** @brief A new call for @p op (arguments zeroed). */
cd_herder_call_t *cd_herder_call_new(int op);

/**
 * @brief Queues @p call and waits up to @p timeout_ms for the herder to finish it.
 * @returns true with the reply moved into @p reply, or false on timeout or when
 * the queue is closed (the call is then abandoned and freed by the herder).
 * The call must not be used afterwards.
 */
bool cd_herder_queue_call(cd_herder_queue_t *q, cd_herder_call_t *call, int64_t timeout_ms,
                          cd_herder_reply_t *reply);
/** @brief Queues a call nobody waits for (e.g. a task reconfiguration request). */
void cd_herder_queue_post(cd_herder_queue_t *q, cd_herder_call_t *call);

/** @brief Herder thread: @returns the next call, waiting up to @p timeout_ms (NULL if none). */
cd_herder_call_t *cd_herder_queue_take(cd_herder_queue_t *q, int64_t timeout_ms);
/** @brief Herder thread: the call is finished (reply set); wakes or frees. */
void cd_herder_queue_complete(cd_herder_queue_t *q, cd_herder_call_t *call);
/** @brief Refuses new calls; @returns the calls still queued (to be completed). */
void cd_herder_queue_close(cd_herder_queue_t *q);
/** @brief Wakes the herder thread (cd_herder_queue_take returns NULL). */
void cd_herder_queue_wakeup(cd_herder_queue_t *q);

#endif
