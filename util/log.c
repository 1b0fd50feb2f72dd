/* log.c: named, hierarchical loggers with levels settable at run time.
 *
 * Java Connect logs through log4j; /admin/loggers reads and changes logger
 * levels. Here a logger is just a dotted name in a table; loggers with an
 * explicit level are "configured", the others inherit from their nearest
 * configured ancestor, and "root" is the top. The table is small (names seen
 * by cd_log_register or cd_log calls) and guarded by one mutex. */
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#define CD_LOG_MAX_LOGGERS 4096
#define CD_LOG_MAX_NAME 512
#define CD_LOG_MAX_LINE 16384

typedef struct cd_log_entry_s {
    char *name;
    bool configured; /* has an explicit level */
    cd_log_level_t level;
    int64_t last_modified_ms; /* -1 = never changed at run time */
} cd_log_entry_t;

static pthread_mutex_t cd_log_lock = PTHREAD_MUTEX_INITIALIZER;
static cd_log_entry_t *cd_log_entries;
static size_t cd_log_entry_count, cd_log_entry_capacity;
static cd_log_level_t cd_log_root_level = CD_LOG_INFO;
static int64_t cd_log_root_modified = -1;

static const char *const cd_log_level_names[] = {"OFF",  "FATAL", "ERROR", "WARN",
                                                 "INFO", "DEBUG", "TRACE", "ALL"};

const char *cd_log_level_name(cd_log_level_t level)
{
    if ((unsigned)level > CD_LOG_ALL)
        return "UNKNOWN";
    return cd_log_level_names[level];
}

bool cd_log_level_parse(const char *name, cd_log_level_t *level)
{
    if (!name)
        return false;
    for (size_t i = 0; i <= CD_LOG_ALL; i++) {
        if (strcasecmp(name, cd_log_level_names[i]) == 0) {
            *level = (cd_log_level_t)i;
            return true;
        }
    }
    return false;
}

static int64_t cd_log_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool cd_log_is_root(const char *name)
{
    return name == NULL || *name == '\0' || strcmp(name, "root") == 0;
}

/* Caller holds the lock. */
static cd_log_entry_t *cd_log_find_locked(const char *name)
{
    for (size_t i = 0; i < cd_log_entry_count; i++)
        if (strcmp(cd_log_entries[i].name, name) == 0)
            return &cd_log_entries[i];
    return NULL;
}

/* Caller holds the lock. @returns NULL when the table is full or the name too long. */
static cd_log_entry_t *cd_log_get_or_add_locked(const char *name)
{
    cd_log_entry_t *e = cd_log_find_locked(name);
    if (e)
        return e;
    if (strlen(name) > CD_LOG_MAX_NAME || cd_log_entry_count >= CD_LOG_MAX_LOGGERS)
        return NULL;
    if (cd_log_entry_count == cd_log_entry_capacity) {
        size_t cap = cd_log_entry_capacity ? cd_log_entry_capacity * 2 : 64;
        cd_log_entry_t *grown = realloc(cd_log_entries, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        cd_log_entries = grown;
        cd_log_entry_capacity = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return NULL;
    e = &cd_log_entries[cd_log_entry_count++];
    e->name = copy;
    e->configured = false;
    e->level = CD_LOG_INFO;
    e->last_modified_ms = -1;
    return e;
}

/* Effective level: the nearest configured ancestor (dotted prefix), else root.
 * Caller holds the lock. */
static cd_log_level_t cd_log_effective_locked(const char *name, int64_t *modified)
{
    size_t best_len = 0;
    const cd_log_entry_t *best = NULL;
    size_t name_len = strlen(name);
    for (size_t i = 0; i < cd_log_entry_count; i++) {
        const cd_log_entry_t *e = &cd_log_entries[i];
        if (!e->configured)
            continue;
        size_t len = strlen(e->name);
        if (len > name_len || strncmp(e->name, name, len) != 0)
            continue;
        if (len != name_len && name[len] != '.')
            continue;
        if (len >= best_len) {
            best_len = len;
            best = e;
        }
    }
    if (best) {
        if (modified)
            *modified = best->last_modified_ms;
        return best->level;
    }
    if (modified)
        *modified = cd_log_root_modified;
    return cd_log_root_level;
}

bool cd_log_enabled(const char *logger, cd_log_level_t level)
{
    pthread_mutex_lock(&cd_log_lock);
    cd_log_level_t effective =
        cd_log_is_root(logger) ? cd_log_root_level : cd_log_effective_locked(logger, NULL);
    pthread_mutex_unlock(&cd_log_lock);
    return level != CD_LOG_OFF && level <= effective;
}

void cd_vlog(const char *logger, cd_log_level_t level, const char *fmt, va_list ap)
{
    if (!logger)
        logger = "root";
    pthread_mutex_lock(&cd_log_lock);
    if (!cd_log_is_root(logger))
        (void)cd_log_get_or_add_locked(logger);
    cd_log_level_t effective =
        cd_log_is_root(logger) ? cd_log_root_level : cd_log_effective_locked(logger, NULL);
    pthread_mutex_unlock(&cd_log_lock);
    if (level == CD_LOG_OFF || level > effective)
        return;

    char line[CD_LOG_MAX_LINE];
    vsnprintf(line, sizeof(line), fmt, ap);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
    const char *simple = strrchr(logger, '.');
    simple = simple ? simple + 1 : logger;
    /* One fprintf per line: stdio locks the stream, so lines never interleave. */
    fprintf(stderr, "[%s,%03ld] %s %s (%s)\n", stamp, (long)(tv.tv_usec / 1000),
            cd_log_level_name(level), line, simple);
}

void cd_log(const char *logger, cd_log_level_t level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cd_vlog(logger, level, fmt, ap);
    va_end(ap);
}

void cd_log_register(const char *logger)
{
    if (cd_log_is_root(logger))
        return;
    pthread_mutex_lock(&cd_log_lock);
    (void)cd_log_get_or_add_locked(logger);
    pthread_mutex_unlock(&cd_log_lock);
}

void cd_log_set_root_level(cd_log_level_t level)
{
    pthread_mutex_lock(&cd_log_lock);
    cd_log_root_level = level;
    pthread_mutex_unlock(&cd_log_lock);
}

static int cd_log_info_cmp(const void *a, const void *b)
{
    const cd_log_logger_info_t *x = a, *y = b;
    return strcmp(x->name, y->name);
}

cd_log_logger_info_t *cd_log_loggers(size_t *n)
{
    pthread_mutex_lock(&cd_log_lock);
    size_t count = 1;
    for (size_t i = 0; i < cd_log_entry_count; i++)
        count += cd_log_entries[i].configured;
    cd_log_logger_info_t *infos = calloc(count, sizeof(*infos));
    size_t k = 0;
    if (!infos)
        goto done;
    infos[k].name = strdup("root");
    infos[k].level = cd_log_root_level;
    infos[k].last_modified_ms = cd_log_root_modified;
    k++;
    for (size_t i = 0; i < cd_log_entry_count; i++) {
        if (!cd_log_entries[i].configured)
            continue;
        infos[k].name = strdup(cd_log_entries[i].name);
        infos[k].level = cd_log_entries[i].level;
        infos[k].last_modified_ms = cd_log_entries[i].last_modified_ms;
        k++;
    }
    qsort(infos + 1, k - 1, sizeof(*infos), cd_log_info_cmp);
done:
    pthread_mutex_unlock(&cd_log_lock);
    *n = infos ? k : 0;
    return infos;
}

void cd_log_logger_infos_free(cd_log_logger_info_t *infos, size_t n)
{
    if (!infos)
        return;
    for (size_t i = 0; i < n; i++)
        free(infos[i].name);
    free(infos);
}

bool cd_log_logger_get(const char *logger, cd_log_logger_info_t *out)
{
    bool found = true;
    pthread_mutex_lock(&cd_log_lock);
    if (cd_log_is_root(logger)) {
        out->level = cd_log_root_level;
        out->last_modified_ms = cd_log_root_modified;
    } else if (cd_log_find_locked(logger)) {
        out->level = cd_log_effective_locked(logger, &out->last_modified_ms);
    } else {
        found = false;
    }
    pthread_mutex_unlock(&cd_log_lock);
    out->name = found ? strdup(cd_log_is_root(logger) ? "root" : logger) : NULL;
    return found;
}

static int cd_log_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **cd_log_set_level(const char *logger, cd_log_level_t level, size_t *n)
{
    /* Loggers.setLevel in 4.3: snapshot the effective levels, set the level on the
     * namespace and its descendants, then report (and stamp last_modified on) only
     * the loggers whose effective level actually changed; a logger unknown before
     * the call always counts as changed. */
    *n = 0;
    int64_t now = cd_log_now_ms();
    pthread_mutex_lock(&cd_log_lock);
    char **names = NULL;
    cd_log_level_t *before = NULL;
    bool *member = NULL;
    size_t count = 0;
    bool root = cd_log_is_root(logger);
    size_t len = root ? 0 : strlen(logger);
    cd_log_entry_t *target = NULL;
    size_t known = cd_log_entry_count;

    if (!root) {
        target = cd_log_get_or_add_locked(logger);
        if (!target)
            goto done;
    }
    before = calloc(cd_log_entry_count + 1, sizeof(*before));
    member = calloc(cd_log_entry_count + 1, sizeof(*member));
    names = calloc(cd_log_entry_count + 1, sizeof(*names));
    if (!before || !member || !names) {
        free(names);
        names = NULL;
        goto done;
    }
    for (size_t i = 0; i < cd_log_entry_count; i++) {
        const cd_log_entry_t *e = &cd_log_entries[i];
        member[i] = root || (strncmp(e->name, logger, len) == 0 &&
                             (e->name[len] == '\0' || e->name[len] == '.'));
        if (member[i])
            before[i] = cd_log_effective_locked(e->name, NULL);
    }
    if (root) {
        bool changed = cd_log_root_level != level;
        cd_log_root_level = level;
        if (changed) {
            cd_log_root_modified = now;
            names[count++] = strdup("root");
        }
    } else {
        target->configured = true;
        target->level = level;
    }
    for (size_t i = 0; i < cd_log_entry_count; i++) {
        cd_log_entry_t *e = &cd_log_entries[i];
        if (!member[i])
            continue;
        if (e->configured)
            e->level = level;
        if (e == target && i >= known) {
            e->last_modified_ms = now; /* new: Java's default level "" never matches */
            names[count++] = strdup(e->name);
        } else if (before[i] != level) {
            if (e->configured)
                e->last_modified_ms = now;
            names[count++] = strdup(e->name);
        }
    }
done:
    pthread_mutex_unlock(&cd_log_lock);
    free(before);
    free(member);
    if (names)
        qsort(names, count, sizeof(*names), cd_log_name_cmp);
    *n = count;
    return names;
}
