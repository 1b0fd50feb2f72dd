/*
 * directory_config_provider.c:
 * org.apache.kafka.common.config.provider.DirectoryConfigProvider.
 * `${dir:/run/secrets:db-password}` is the content of the regular file
 * db-password in /run/secrets (Kubernetes/Docker secret mounts). Only the
 * requested keys are read; non-regular files are ignored; a path that is not
 * a directory or not inside `allowed.paths` yields no data (a warning).
 * Content is decoded as Java's new String(bytes, UTF_8): invalid sequences
 * become U+FFFD. Each file is size-capped.
 */
#include "providers/config_providers.h"

#include "util/log.h"
#include "util/properties.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LOGGER "org.apache.kafka.common.config.provider.DirectoryConfigProvider"

/* The provider's state is its `allowed.paths` list (AllowedPaths). */
static void *dir_configure(const cd_properties_t *params, char *errstr, size_t errstr_size)
{
    return cd_allowed_paths_new(params ? cd_properties_get(params, "allowed.paths") : NULL, errstr,
                                errstr_size);
}

static void dir_close(void *state)
{
    cd_allowed_paths_destroy(state);
}

/* Length of the valid UTF-8 sequence at s (0 = invalid byte). */
static size_t utf8_valid_len(const unsigned char *s, size_t n)
{
    uint32_t cp;
    size_t len;
    uint32_t min;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xE0) == 0xC0)
        len = 2, min = 0x80, cp = s[0] & 0x1F;
    else if ((s[0] & 0xF0) == 0xE0)
        len = 3, min = 0x800, cp = s[0] & 0x0F;
    else if ((s[0] & 0xF8) == 0xF0)
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* Valid UTF-8 with every bad byte replaced by U+FFFD (malloc'd), NULL on a NUL byte. */
static char *utf8_sanitize(const char *in, size_t n)
{
    char *out = malloc(n * 3 + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        if (in[i] == '\0') {
            free(out);
            return NULL;
        }
        size_t l = utf8_valid_len((const unsigned char *)in + i, n - i);
        if (l == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
            continue;
        }
        memcpy(out + o, in + i, l);
        o += l;
        i += l;
    }
    out[o] = '\0';
    return out;
}

/* A key names a file directly in the directory: no '/', not "." or "..". */
static bool key_is_file_name(const char *key)
{
    return key[0] && !strchr(key, '/') && strcmp(key, ".") != 0 && strcmp(key, "..") != 0;
}

static int dir_get(void *state, const char *path, const char *const *keys, size_t nkeys,
                   cd_properties_t *out, char *errstr, size_t errstr_size)
{
    const cd_allowed_paths_t *allowed = state;
    struct stat st;
    bool oom = false;
    char *dir;
    if (!path || !path[0])
        return 0;
    dir = cd_allowed_paths_parse(allowed, path, &oom);
    if (!dir) {
        if (oom) {
            snprintf(errstr, errstr_size, "Out of memory");
            return -1;
        }
        cd_log_warn(LOGGER, "The path %s is not allowed to be accessed", path);
        return 0;
    }
    if (stat(dir[0] ? dir : ".", &st) != 0 || !S_ISDIR(st.st_mode)) {
        cd_log_warn(LOGGER, "The path %s is not a directory", path);
        free(dir);
        return 0;
    }
    for (size_t i = 0; i < nkeys; i++) {
        if (!key_is_file_name(keys[i]))
            continue;
        size_t fl = strlen(dir) + strlen(keys[i]) + 2;
        char *file = malloc(fl);
        if (!file) {
            snprintf(errstr, errstr_size, "Out of memory");
            free(dir);
            return -1;
        }
        if (!dir[0])
            snprintf(file, fl, "%s", keys[i]);
        else if (strcmp(dir, "/") == 0)
            snprintf(file, fl, "/%s", keys[i]);
        else
            snprintf(file, fl, "%s/%s", dir, keys[i]);
        if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(file);
            continue; /* Files.list + isRegularFile: absent or not a regular file */
        }
        char why[256];
        size_t len = 0;
        char *text = cd_provider_read_file(file, &len, why, sizeof(why));
        char *value = text ? utf8_sanitize(text, len) : NULL;
        if (!value) {
            if (text)
                snprintf(why, sizeof(why), "contains a NUL byte");
            cd_log_error(LOGGER, "Could not read file %s for property %s: %s", file, keys[i], why);
            snprintf(errstr, errstr_size, "Could not read file %s for property %s", file, keys[i]);
            free(text);
            free(file);
            free(dir);
            return -1;
        }
        int rc = cd_properties_set(out, keys[i], value);
        free(value);
        free(text);
        free(file);
        if (rc != 0) {
            snprintf(errstr, errstr_size, "Out of memory");
            free(dir);
            return -1;
        }
    }
    free(dir);
    return 0;
}

const cd_config_provider_plugin_t cd_directory_config_provider = {
    .class_name = CD_DIRECTORY_CONFIG_PROVIDER,
    .alias = "DirectoryConfigProvider",
    .configure = dir_configure,
    .get = dir_get,
    .close = dir_close,
};
