/* herder_queue.c: REST threads -> herder thread request queue.
 *
 * A mutex and two condition variables: one wakes the herder when a call
 * arrives, the other wakes waiters when a call completes. Calls are reference
 * counted (caller + queue) so an abandoned call is freed by whoever lets go last. */
#include "herder_queue.h"

#include "../util/properties.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct cd_herder_queue_s {
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    pthread_cond_t completed;
    cd_herder_call_t *head, *tail;
    bool closed;
    bool wakeup;
};

cd_herder_queue_t *cd_herder_queue_new(void)
{
    cd_herder_queue_t *q = calloc(1, sizeof(*q));
    if (!q)
        return NULL;
    pthread_mutex_init(&q->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&q->arrived, &attr);
    pthread_cond_init(&q->completed, &attr);
    pthread_condattr_destroy(&attr);
    return q;
}

static void cd_herder_call_free(cd_herder_call_t *call)
{
    free(call->name);
    free(call->text);
    free(call->text2);
    free(call->blob);
    cd_properties_destroy(call->config);
    json_decref(call->json);
    cd_herder_reply_clear(&call->reply);
    free(call);
}

void cd_herder_queue_destroy(cd_herder_queue_t *q)
{
    if (!q)
        return;
    cd_herder_call_t *c = q->head;
    while (c) {
        cd_herder_call_t *next = c->next;
        cd_herder_call_free(c);
        c = next;
    }
    pthread_cond_destroy(&q->arrived);
    pthread_cond_destroy(&q->completed);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

cd_herder_call_t *cd_herder_call_new(int op)
{
    cd_herder_call_t *call = calloc(1, sizeof(*call));
    if (call)
        call->op = op;
    return call;
}

static void cd_deadline(struct timespec *ts, int64_t timeout_ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += timeout_ms / 1000;
    ts->tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Caller holds the lock. */
static void cd_herder_queue_append_locked(cd_herder_queue_t *q, cd_herder_call_t *call)
{
    call->next = NULL;
    if (q->tail)
        q->tail->next = call;
    else
        q->head = call;
    q->tail = call;
    pthread_cond_signal(&q->arrived);
}

bool cd_herder_queue_call(cd_herder_queue_t *q, cd_herder_call_t *call, int64_t timeout_ms,
                          cd_herder_reply_t *reply)
{
    memset(reply, 0, sizeof(*reply));
    pthread_mutex_lock(&q->lock);
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        cd_herder_call_free(call);
        return false;
    }
    call->refs = 2;
    cd_herder_queue_append_locked(q, call);
    struct timespec deadline;
    cd_deadline(&deadline, timeout_ms);
    int rc = 0;
    while (!call->done && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&q->completed, &q->lock, &deadline);
    bool done = call->done;
    if (done) {
        *reply = call->reply;
        memset(&call->reply, 0, sizeof(call->reply));
    }
    bool last = --call->refs == 0;
    pthread_mutex_unlock(&q->lock);
    if (last)
        cd_herder_call_free(call);
    return done;
}

void cd_herder_queue_post(cd_herder_queue_t *q, cd_herder_call_t *call)
{
    pthread_mutex_lock(&q->lock);
    if (q->closed) {
        pthread_mutex_unlock(&q->lock);
        cd_herder_call_free(call);
        return;
    }
    call->refs = 1;
    cd_herder_queue_append_locked(q, call);
    pthread_mutex_unlock(&q->lock);
}

cd_herder_call_t *cd_herder_queue_take(cd_herder_queue_t *q, int64_t timeout_ms)
{
    struct timespec deadline;
    cd_deadline(&deadline, timeout_ms < 0 ? 0 : timeout_ms);
    pthread_mutex_lock(&q->lock);
    int rc = 0;
    while (!q->head && !q->wakeup && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&q->arrived, &q->lock, &deadline);
    q->wakeup = false;
    cd_herder_call_t *call = q->head;
    if (call) {
        q->head = call->next;
        if (!q->head)
            q->tail = NULL;
        call->next = NULL;
    }
    pthread_mutex_unlock(&q->lock);
    return call;
}

void cd_herder_queue_complete(cd_herder_queue_t *q, cd_herder_call_t *call)
{
    pthread_mutex_lock(&q->lock);
    call->done = true;
    bool last = --call->refs == 0;
    pthread_cond_broadcast(&q->completed);
    pthread_mutex_unlock(&q->lock);
    if (last)
        cd_herder_call_free(call);
}

void cd_herder_queue_close(cd_herder_queue_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->closed = true;
    pthread_cond_broadcast(&q->arrived);
    pthread_mutex_unlock(&q->lock);
}

void cd_herder_queue_wakeup(cd_herder_queue_t *q)
{
    pthread_mutex_lock(&q->lock);
    q->wakeup = true;
    pthread_cond_signal(&q->arrived);
    pthread_mutex_unlock(&q->lock);
}
