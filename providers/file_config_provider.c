/*
 * file_config_provider.c: org.apache.kafka.common.config.provider.FileConfigProvider.
 * `${file:/path/to/file.properties:key}` reads a properties file (UTF-8, as
 * Java's Properties.load(Reader)) and hands out the requested keys. The
 * `allowed.paths` parameter restricts which files may be opened; a path
 * outside it yields no data (a warning), an unreadable file fails with
 * "Could not read properties from file PATH". Files are size-capped.
 */
#include "providers/config_providers.h"

#include "util/log.h"
#include "util/properties.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOGGER "org.apache.kafka.common.config.provider.FileConfigProvider"

/* The provider's state is its `allowed.paths` list (AllowedPaths). */
static void *file_configure(const cd_properties_t *params, char *errstr, size_t errstr_size)
{
    return cd_allowed_paths_new(params ? cd_properties_get(params, "allowed.paths") : NULL, errstr,
                                errstr_size);
}

static void file_close(void *state)
{
    cd_allowed_paths_destroy(state);
}

/* Decodes one UTF-8 sequence strictly. @returns its length, 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t min;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, *cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, *cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/*
 * Properties.load(Reader) over UTF-8 text, with the ISO-8859-1 parser of
 * util/properties: every non-ASCII character becomes a \uXXXX escape. A
 * backslash escaping such a character stands for the character itself in Java,
 * so an odd run of backslashes before it loses its last one.
 * @returns the ASCII text (malloc'd), NULL on invalid UTF-8 or out of memory.
 */
static char *utf8_to_escaped(const char *in, size_t n, size_t *out_len)
{
    if (n > SIZE_MAX / 12 - 1)
        return NULL;
    char *out = malloc(n * 12 + 1);
    size_t o = 0;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_decode((const unsigned char *)in + i, n - i, &cp);
        if (l == 0) {
            free(out);
            return NULL;
        }
        i += l;
        if (cp < 0x80) {
            out[o++] = (char)cp;
            continue;
        }
        size_t run = 0;
        while (run < o && out[o - 1 - run] == '\\')
            run++;
        if (run % 2 == 1)
            o--;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000;
            o += (size_t)sprintf(out + o, "\\u%04X\\u%04X", 0xD800 + (v >> 10),
                                 0xDC00 + (v & 0x3FF));
        } else {
            o += (size_t)sprintf(out + o, "\\u%04X", cp);
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

static int file_get(void *state, const char *path, const char *const *keys, size_t nkeys,
                    cd_properties_t *out, char *errstr, size_t errstr_size)
{
    const cd_allowed_paths_t *allowed = state;
    char why[256], perr[256];
    char *text = NULL, *escaped = NULL, *file = NULL;
    cd_properties_t *props = NULL;
    size_t len = 0, elen = 0;
    bool oom = false;
    if (!path || !path[0])
        return 0;
    file = cd_allowed_paths_parse(allowed, path, &oom);
    if (!file) {
        if (oom)
            goto fail;
        cd_log_warn(LOGGER, "The path %s is not allowed to be accessed", path);
        return 0;
    }
    text = cd_provider_read_file(file, &len, why, sizeof(why));
    if (!text) {
        cd_log_error(LOGGER, "Could not read properties from file %s: %s", path, why);
        goto fail;
    }
    escaped = utf8_to_escaped(text, len, &elen);
    props = cd_properties_new();
    if (!escaped || !props) {
        cd_log_error(LOGGER, "Could not read properties from file %s: not UTF-8 text", path);
        goto fail;
    }
    if (cd_properties_parse(props, escaped, elen, perr, sizeof(perr)) != 0) {
        /* perr may quote the file's text: not logged */
        cd_log_error(LOGGER, "Could not read properties from file %s: not a properties file", path);
        goto fail;
    }
    for (size_t i = 0; i < nkeys; i++) {
        const char *v = cd_properties_get(props, keys[i]);
        if (v && cd_properties_set(out, keys[i], v) != 0)
            goto fail;
    }
    cd_properties_destroy(props);
    free(escaped);
    free(text);
    free(file);
    return 0;
fail:
    snprintf(errstr, errstr_size, "Could not read properties from file %s", path);
    cd_properties_destroy(props);
    free(escaped);
    free(text);
    free(file);
    return -1;
}

const cd_config_provider_plugin_t cd_file_config_provider = {
    .class_name = CD_FILE_CONFIG_PROVIDER,
    .alias = "FileConfigProvider",
    .configure = file_configure,
    .get = file_get,
    .close = file_close,
};
