/**
 * @file buf.h
 * @brief A growable byte buffer with a hard cap, for converters and encoders.
 */
#ifndef CONNECTD_BUF_H
#define CONNECTD_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Default cap of a buffer: no single record encodes to more than this. */
#define CD_BUF_DEFAULT_CAP ((size_t)64 * 1024 * 1024)

typedef struct cd_buf_s {
    uint8_t *data; /**< always NUL-terminated past len when non-NULL */
    size_t len;
    size_t size;     /**< allocated */
    size_t max_size; /**< 0 = CD_BUF_DEFAULT_CAP */
    bool overflow;   /**< set when an append would pass max_size; later appends are dropped */
} cd_buf_t;

void cd_buf_init(cd_buf_t *buf);
void cd_buf_free(cd_buf_t *buf);
/** @brief Empties the buffer, keeping its memory and clearing overflow. */
void cd_buf_reset(cd_buf_t *buf);
/** @returns 0, or -1 (and sets overflow) when the cap would be passed. */
int cd_buf_append(cd_buf_t *buf, const void *data, size_t len);
int cd_buf_append_str(cd_buf_t *buf, const char *s);
int cd_buf_append_char(cd_buf_t *buf, char c);
/**
 * @brief Appends @p len bytes for the caller to fill (the length grows now,
 *        the NUL terminator follows them).
 * @returns where to write them, or NULL if the buffer is full (cap reached or
 *          out of memory; nothing appended).
 */
uint8_t *cd_buf_append_space(cd_buf_t *buf, size_t len);
int cd_buf_appendf(cd_buf_t *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** @brief Hands the bytes to the caller (malloc'ed, NUL-terminated); the buffer is emptied. */
uint8_t *cd_buf_detach(cd_buf_t *buf, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
