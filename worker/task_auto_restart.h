/**
 * @file task_auto_restart.h
 * @brief Beyond Java: automatic restarts of FAILED tasks with exponential
 *        backoff, off by default. The herder thread owns one schedule; task
 *        threads only report failures (through the worker listener), the herder
 *        restarts the task when its backoff has passed and it is still FAILED.
 *
 * Keys, in the worker properties and overridable per connector:
 * - `connectd.task.auto.restart.enable` (false)
 * - `connectd.task.auto.restart.initial.backoff.ms` (1000): the first delay, doubled
 *   after every automatic restart
 * - `connectd.task.auto.restart.max.backoff.ms` (60000): the largest delay; a task
 *   that ran longer than this since its last automatic restart starts over at the
 *   initial delay
 * - `connectd.task.auto.restart.max.attempts` (-1 = no limit)
 */
#ifndef CONNECTD_WORKER_TASK_AUTO_RESTART_H
#define CONNECTD_WORKER_TASK_AUTO_RESTART_H

#include <connectd/properties.h>

#include <stdbool.h>
#include <stdint.h>

typedef struct cd_task_auto_restart_s cd_task_auto_restart_t;

/** @brief A schedule with the worker-level defaults of @p worker_props (may be NULL). */
cd_task_auto_restart_t *cd_task_auto_restart_new(const cd_properties_t *worker_props);
void cd_task_auto_restart_destroy(cd_task_auto_restart_t *r);

/**
 * @brief Task @p connector-@p task failed at @p now_ms: schedules its restart when
 * automatic restarts are enabled for @p connector_config.
 * @returns the delay in ms, or -1 when nothing is scheduled (disabled, or the
 *          attempts are used up: *attempt then holds the count).
 */
int64_t cd_task_auto_restart_failed(cd_task_auto_restart_t *r, const char *connector, int task,
                                    const cd_properties_t *connector_config, int64_t now_ms,
                                    int *attempt);

/** @brief Takes one restart due at @p now_ms. @returns true with a malloc'd *connector. */
bool cd_task_auto_restart_pop_due(cd_task_auto_restart_t *r, int64_t now_ms, char **connector,
                                  int *task, int *attempt);

/** @returns the ms until the next scheduled restart (0 if due), or -1 when none. */
int64_t cd_task_auto_restart_next_ms(const cd_task_auto_restart_t *r, int64_t now_ms);

/** @brief The herder's handling of a CD_OP_TASK_FAILED call: schedules the restart
 *  and logs it ("... restarting it automatically in 1000 ms (attempt 1)") or that the
 *  attempts are used up. */
void cd_task_auto_restart_on_failure(cd_task_auto_restart_t *r, const char *connector, int task,
                                     const cd_properties_t *connector_config, int64_t now_ms);

typedef struct cd_status_store_s cd_status_store_t;

/** @brief Restarts (through @p restart, on the herder thread) every task whose restart
 *  is due and which is still FAILED in @p status; logs each. */
void cd_task_auto_restart_run_due(cd_task_auto_restart_t *r, int64_t now_ms,
                                  cd_status_store_t *status,
                                  void (*restart)(void *opaque, const char *connector, int task),
                                  void *opaque);

/** @brief Drops the schedule and history of @p connector (deleted or reconfigured). */
void cd_task_auto_restart_forget(cd_task_auto_restart_t *r, const char *connector);

#endif
