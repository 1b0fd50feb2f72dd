/*
 * converter_config.c: BOOLEAN / INT / LONG converter settings parsed as Java's
 * ConfigDef parses them (trimmed, case-insensitive booleans), with its
 * "Invalid value ... for configuration ..." messages.
 */
#include "converters/converter_config.h"

#include "util/java_text.h"
#include "util/properties.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void cd_converter_config_trim(const char *s, char *out, size_t size)
{
    size_t len = strlen(s);
    size_t start = 0;
    while (start < len && (unsigned char)s[start] <= ' ')
        start++;
    while (len > start && (unsigned char)s[len - 1] <= ' ')
        len--;
    snprintf(out, size, "%.*s", (int)(len - start), s + start);
}

int cd_converter_config_bool(const cd_properties_t *config, const char *key, bool def, bool *out,
                             char *errstr, size_t errstr_size)
{
    const char *raw = config ? cd_properties_get(config, key) : NULL;
    char trimmed[16];
    *out = def;
    if (!raw)
        return 0;
    cd_converter_config_trim(raw, trimmed, sizeof(trimmed));
    if (strcasecmp(trimmed, "true") == 0 && strlen(trimmed) == 4) {
        *out = true;
        return 0;
    }
    if (strcasecmp(trimmed, "false") == 0 && strlen(trimmed) == 5) {
        *out = false;
        return 0;
    }
    snprintf(errstr, errstr_size,
             "Invalid value %s for configuration %s: Expected value to be either true or false",
             raw, key);
    return -1;
}

int cd_converter_config_int(const cd_properties_t *config, const char *key, int32_t def,
                            int32_t *out, char *errstr, size_t errstr_size)
{
    const char *raw = config ? cd_properties_get(config, key) : NULL;
    char trimmed[32];
    *out = def;
    if (!raw)
        return 0;
    cd_converter_config_trim(raw, trimmed, sizeof(trimmed));
    if (strlen(raw) >= sizeof(trimmed) || !cd_java_parse_int(trimmed, out)) {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: Not a number of type INT", raw, key);
        return -1;
    }
    return 0;
}

int cd_converter_config_long(const cd_properties_t *config, const char *key, int64_t def,
                             int64_t *out, char *errstr, size_t errstr_size)
{
    const char *raw = config ? cd_properties_get(config, key) : NULL;
    char trimmed[32], *end;
    *out = def;
    if (!raw)
        return 0;
    cd_converter_config_trim(raw, trimmed, sizeof(trimmed));
    long long v = strtoll(trimmed, &end, 10);
    if (strlen(raw) >= sizeof(trimmed) || !trimmed[0] || *end || v == LLONG_MIN || v == LLONG_MAX) {
        snprintf(errstr, errstr_size,
                 "Invalid value %s for configuration %s: Not a number of type LONG", raw, key);
        return -1;
    }
    *out = v;
    return 0;
}
