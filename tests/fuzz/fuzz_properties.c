/**
 * @file fuzz_properties.c
 * @brief libFuzzer target: parses arbitrary bytes as a .properties file and
 *        checks the map's invariants (valid UTF-8, lookups agree with the
 *        ordered view, bounds respected, set/remove keep it consistent).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/properties.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts unless text is well-formed UTF-8 without surrogates or overlongs. */
static void check_utf8(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p) {
        uint32_t cp;
        uint32_t min;
        int extra;

        if (*p < 0x80) {
            p++;
            continue;
        }
        if ((*p & 0xE0) == 0xC0) {
            cp = *p & 0x1F;
            extra = 1;
            min = 0x80;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = *p & 0x0F;
            extra = 2;
            min = 0x800;
        } else if ((*p & 0xF8) == 0xF0) {
            cp = *p & 0x07;
            extra = 3;
            min = 0x10000;
        } else {
            abort();
        }
        p++;
        while (extra-- > 0) {
            if ((*p & 0xC0) != 0x80)
                abort();
            cp = (cp << 6) | (*p++ & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char errstr[256];
    cd_properties_t *props = cd_properties_new();
    size_t count;
    size_t i;

    if (!props)
        return 0;
    errstr[0] = '\0';
    if (cd_properties_parse(props, (const char *)data, size, errstr, sizeof(errstr)) != 0) {
        if (errstr[0] == '\0' || cd_properties_count(props) != 0)
            abort();
        cd_properties_destroy(props);
        return 0;
    }
    count = cd_properties_count(props);
    for (i = 0; i < count; i++) {
        const char *key = cd_properties_key_at(props, i);
        const char *value = cd_properties_value_at(props, i);

        if (!key || !value || strlen(key) > CD_PROPERTIES_MAX_KEY_LEN ||
            strlen(value) > CD_PROPERTIES_MAX_VALUE_LEN)
            abort();
        check_utf8(key);
        check_utf8(value);
        if (cd_properties_get(props, key) != value)
            abort();
    }
    if (cd_properties_key_at(props, count) != NULL)
        abort();

    /* Re-parsing into the filled map merges to the same content. */
    if (cd_properties_parse(props, (const char *)data, size, errstr, sizeof(errstr)) != 0 ||
        cd_properties_count(props) != count)
        abort();

    /* Remove the first entry, add it back: it moves to the end. */
    if (count > 0) {
        size_t key_len = strlen(cd_properties_key_at(props, 0));
        char *key = malloc(key_len + 1);
        if (key) {
            memcpy(key, cd_properties_key_at(props, 0), key_len + 1);
            if (cd_properties_remove(props, key) != 0 || cd_properties_get(props, key) != NULL ||
                cd_properties_count(props) != count - 1)
                abort();
            if (cd_properties_set(props, key, "x") != 0 ||
                strcmp(cd_properties_key_at(props, count - 1), key) != 0)
                abort();
            free(key);
        }
    }
    cd_properties_destroy(props);
    return 0;
}
