/**
 * @file log.h
 * @brief Logging with named, hierarchical loggers (log4j-like), so that
 *        /admin/loggers can read and change levels at run time.
 *
 * Logger names are dotted ("org.apache.kafka.connect.runtime.Worker"); a logger
 * without an explicit level inherits the nearest ancestor's, and "root" is the
 * top. Lines go to stderr as
 *   [2026-11-23 10:00:00,123] INFO [name] message (logger)
 * which is the layout of Connect's default log4j pattern.
 */
#ifndef CONNECTD_LOG_H
#define CONNECTD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cd_log_level_e {
    CD_LOG_OFF,
    CD_LOG_FATAL,
    CD_LOG_ERROR,
    CD_LOG_WARN,
    CD_LOG_INFO,
    CD_LOG_DEBUG,
    CD_LOG_TRACE,
    CD_LOG_ALL,
} cd_log_level_t;

/** @returns "INFO", "DEBUG", ... */
const char *cd_log_level_name(cd_log_level_t level);
/** @brief Parses a level name case-insensitively. @returns false if unknown. */
bool cd_log_level_parse(const char *name, cd_log_level_t *level);

/** @returns whether a line at @p level from @p logger would be written. */
bool cd_log_enabled(const char *logger, cd_log_level_t level);
/** @brief Writes one line (newline added) if enabled. Thread-safe. */
void cd_log(const char *logger, cd_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cd_vlog(const char *logger, cd_log_level_t level, const char *fmt, va_list ap);

#define cd_log_error(logger, ...) cd_log(logger, CD_LOG_ERROR, __VA_ARGS__)
#define cd_log_warn(logger, ...) cd_log(logger, CD_LOG_WARN, __VA_ARGS__)
#define cd_log_info(logger, ...) cd_log(logger, CD_LOG_INFO, __VA_ARGS__)
#define cd_log_debug(logger, ...) cd_log(logger, CD_LOG_DEBUG, __VA_ARGS__)

/** An explicitly configured logger, for GET /admin/loggers. */
typedef struct cd_log_logger_info_s {
    char *name;
    cd_log_level_t level;
    int64_t last_modified_ms; /**< -1 = never changed at run time (null) */
} cd_log_logger_info_t;

/** @brief Lists loggers with an explicit level, "root" first, others sorted.
 *  @returns a malloc'd array (count in *n); free with cd_log_logger_infos_free. */
cd_log_logger_info_t *cd_log_loggers(size_t *n);
void cd_log_logger_infos_free(cd_log_logger_info_t *infos, size_t n);
/** @brief The effective level of @p logger; @returns false if no such logger is known. */
bool cd_log_logger_get(const char *logger, cd_log_logger_info_t *out);
/**
 * @brief Sets @p level on @p logger and every known descendant (Loggers.setLevel).
 * @returns the names whose level changed (4.3: an unchanged logger is not listed;
 * a logger unknown before the call always is), sorted (malloc'd, count in *n; free each and the
 * array).
 */
char **cd_log_set_level(const char *logger, cd_log_level_t level, size_t *n);
/** @brief Registers a logger name as known (so it shows up as a descendant). */
void cd_log_register(const char *logger);
/** @brief Sets the root level (e.g. from CONNECTD_LOG_LEVEL). */
void cd_log_set_root_level(cd_log_level_t level);

#endif
