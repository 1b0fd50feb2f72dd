/*
 * provider_paths.c: what the file-based config providers share. Java's
 * AllowedPaths (the `allowed.paths` list every path a provider opens must be
 * inside), java.nio's Unix Path rules it relies on (Paths.get cleaning,
 * normalize(), component-wise startsWith), and a size-capped whole-file read.
 */
#include "providers/config_providers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CD_ALLOWED_PATHS_MAX 1024

struct cd_allowed_paths_s {
    char **paths; /* normalized absolute paths; NULL list = everything allowed */
    size_t count;
    bool configured;
};

/* Paths.get(s) on Unix: duplicate slashes collapse and a trailing slash goes. */
static char *path_clean(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '/' && o > 0 && out[o - 1] == '/')
            continue;
        out[o++] = s[i];
    }
    if (o > 1 && out[o - 1] == '/')
        o--;
    out[o] = '\0';
    return out;
}

char *cd_path_normalize(const char *path)
{
    char *clean = path_clean(path);
    if (!clean)
        return NULL;
    bool absolute = clean[0] == '/';
    size_t n = strlen(clean);
    /* component starts and lengths on a stack */
    size_t *off = malloc((n / 2 + 2) * sizeof(*off));
    size_t *len = malloc((n / 2 + 2) * sizeof(*len));
    char *out = malloc(n + 2);
    size_t depth = 0;
    if (!off || !len || !out)
        goto fail;
    for (size_t i = 0; i < n;) {
        while (i < n && clean[i] == '/')
            i++;
        size_t s = i;
        while (i < n && clean[i] != '/')
            i++;
        size_t l = i - s;
        if (l == 0 || (l == 1 && clean[s] == '.'))
            continue;
        if (l == 2 && clean[s] == '.' && clean[s + 1] == '.') {
            if (depth > 0 && !(len[depth - 1] == 2 && clean[off[depth - 1]] == '.' &&
                               clean[off[depth - 1] + 1] == '.')) {
                depth--;
                continue;
            }
            if (absolute)
                continue; /* "/.." is "/" */
        }
        off[depth] = s;
        len[depth] = l;
        depth++;
    }
    size_t o = 0;
    if (absolute)
        out[o++] = '/';
    for (size_t d = 0; d < depth; d++) {
        if (d > 0)
            out[o++] = '/';
        memcpy(out + o, clean + off[d], len[d]);
        o += len[d];
    }
    out[o] = '\0';
    free(off);
    free(len);
    free(clean);
    return out;
fail:
    free(off);
    free(len);
    free(out);
    free(clean);
    return NULL;
}

/* Path.startsWith for two normalized paths: whole components only. */
static bool path_starts_with(const char *path, const char *prefix)
{
    bool pa = path[0] == '/', qa = prefix[0] == '/';
    if (pa != qa)
        return false;
    if (strcmp(prefix, "/") == 0)
        return true;
    if (prefix[0] == '\0')
        return path[0] == '\0';
    size_t l = strlen(prefix);
    return strncmp(path, prefix, l) == 0 && (path[l] == '\0' || path[l] == '/');
}

void cd_allowed_paths_destroy(cd_allowed_paths_t *ap)
{
    if (!ap)
        return;
    for (size_t i = 0; i < ap->count; i++)
        free(ap->paths[i]);
    free(ap->paths);
    free(ap);
}

cd_allowed_paths_t *cd_allowed_paths_new(const char *config_value, char *errstr, size_t errstr_size)
{
    cd_allowed_paths_t *ap = calloc(1, sizeof(*ap));
    char *copy = NULL;
    if (!ap)
        goto oom;
    if (!config_value || !config_value[0])
        return ap;
    ap->configured = true;
    copy = strdup(config_value);
    if (!copy)
        goto oom;
    /* String.split(","): trailing empty strings are dropped */
    size_t n = strlen(copy);
    while (n > 0 && copy[n - 1] == ',')
        copy[--n] = '\0';
    ap->paths = calloc(CD_ALLOWED_PATHS_MAX, sizeof(*ap->paths));
    if (!ap->paths)
        goto oom;
    if (n == 0)
        goto done; /* "," splits to nothing: no path is allowed */
    for (char *s = copy;;) {
        char *comma = strchr(s, ',');
        if (comma)
            *comma = '\0';
        char *norm = cd_path_normalize(s);
        struct stat st;
        if (!norm)
            goto oom;
        if (norm[0] != '/') {
            snprintf(errstr, errstr_size, "Path %s is not absolute", norm);
            free(norm);
            goto fail;
        }
        if (stat(norm, &st) != 0) {
            snprintf(errstr, errstr_size, "Path %s does not exist", norm);
            free(norm);
            goto fail;
        }
        if (ap->count == CD_ALLOWED_PATHS_MAX) {
            snprintf(errstr, errstr_size, "Too many allowed.paths (at most %d)",
                     CD_ALLOWED_PATHS_MAX);
            free(norm);
            goto fail;
        }
        ap->paths[ap->count++] = norm;
        if (!comma)
            break;
        s = comma + 1;
    }
done:
    free(copy);
    return ap;
oom:
    snprintf(errstr, errstr_size, "Out of memory");
fail:
    free(copy);
    cd_allowed_paths_destroy(ap);
    return NULL;
}

char *cd_allowed_paths_parse(const cd_allowed_paths_t *ap, const char *path, bool *oom)
{
    *oom = false;
    if (!ap || !ap->configured) {
        char *p = path_clean(path);
        *oom = p == NULL;
        return p;
    }
    char *norm = cd_path_normalize(path);
    if (!norm) {
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < ap->count; i++)
        if (path_starts_with(norm, ap->paths[i]))
            return norm;
    free(norm);
    return NULL;
}

char *cd_provider_read_file(const char *path, size_t *len, char *why, size_t why_size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *buf = NULL;
    size_t cap = CD_CONFIG_PROVIDER_MAX_FILE_SIZE;
    size_t got = 0;
    struct stat st;
    if (fd < 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        return NULL;
    }
    if (fstat(fd, &st) != 0) {
        snprintf(why, why_size, "%s", strerror(errno));
        goto fail;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(why, why_size, "Is a directory");
        goto fail;
    }
    buf = malloc(cap + 2);
    if (!buf) {
        snprintf(why, why_size, "Out of memory");
        goto fail;
    }
    for (;;) {
        ssize_t r = read(fd, buf + got, cap + 1 - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            snprintf(why, why_size, "%s", strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        got += (size_t)r;
        if (got > cap) {
            snprintf(why, why_size, "larger than %zu bytes", cap);
            goto fail;
        }
    }
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
fail:
    free(buf);
    close(fd);
    return NULL;
}
