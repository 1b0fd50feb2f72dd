/*
 * golden_escape.h: the line escaping of the Java golden programs
 * (tests/golden/ValuesGolden.java), shared by the unit tests that read their
 * files. Include after <cmocka.h>.
 */
#ifndef CONNECTD_TESTS_GOLDEN_ESCAPE_H
#define CONNECTD_TESTS_GOLDEN_ESCAPE_H

#include <connectd/buf.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/** Unescapes \\ and \xHH; "\N" gives NULL (null), "\E" the empty input. */
static inline uint8_t *unescape(const char *line, size_t *len)
{
    size_t n = strlen(line), o = 0;
    if (strcmp(line, "\\N") == 0) {
        *len = 0;
        return NULL;
    }
    uint8_t *out = malloc(n + 1);
    assert_non_null(out);
    if (strcmp(line, "\\E") == 0) {
        *len = 0;
        return out;
    }
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '\\' && i + 1 < n && line[i + 1] == '\\') {
            out[o++] = '\\';
            i++;
        } else if (line[i] == '\\' && i + 3 < n && line[i + 1] == 'x') {
            char hex[3] = {line[i + 2], line[i + 3], 0};
            out[o++] = (uint8_t)strtoul(hex, NULL, 16);
            i += 3;
        } else {
            out[o++] = (uint8_t)line[i];
        }
    }
    *len = o;
    return out;
}

static inline void escape_into(cd_buf_t *out, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t c = data[i];
        if (c >= 0x20 && c <= 0x7e && c != '\\' && c != '"')
            cd_buf_append_char(out, (char)c);
        else
            cd_buf_appendf(out, "\\x%02X", c);
    }
    cd_buf_append(out, "", 0);
}

#endif
