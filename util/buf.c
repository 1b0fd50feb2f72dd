/* buf.c: a growable byte buffer with a hard cap (see include/connectd/buf.h). */
#include <connectd/buf.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cd_buf_init(cd_buf_t *buf)
{
    memset(buf, 0, sizeof(*buf));
}

void cd_buf_free(cd_buf_t *buf)
{
    free(buf->data);
    memset(buf, 0, sizeof(*buf));
}

void cd_buf_reset(cd_buf_t *buf)
{
    buf->len = 0;
    buf->overflow = false;
    if (buf->data)
        buf->data[0] = '\0';
}

static int buf_reserve(cd_buf_t *buf, size_t extra)
{
    size_t cap = buf->max_size ? buf->max_size : CD_BUF_DEFAULT_CAP;
    if (buf->overflow || extra > cap || buf->len > cap - extra) {
        buf->overflow = true;
        return -1;
    }
    size_t need = buf->len + extra + 1;
    if (need <= buf->size)
        return 0;
    size_t size = buf->size ? buf->size : 256;
    while (size < need)
        size *= 2;
    uint8_t *data = realloc(buf->data, size);
    if (!data) {
        buf->overflow = true;
        return -1;
    }
    buf->data = data;
    buf->size = size;
    return 0;
}

int cd_buf_append(cd_buf_t *buf, const void *data, size_t len)
{
    if (buf_reserve(buf, len) != 0)
        return -1;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return 0;
}

uint8_t *cd_buf_append_space(cd_buf_t *buf, size_t len)
{
    if (buf_reserve(buf, len) != 0)
        return NULL;
    uint8_t *space = buf->data + buf->len;
    buf->len += len;
    buf->data[buf->len] = '\0';
    return space;
}

int cd_buf_append_str(cd_buf_t *buf, const char *s)
{
    return cd_buf_append(buf, s, strlen(s));
}

int cd_buf_append_char(cd_buf_t *buf, char c)
{
    if (buf->len + 1 < buf->size && !buf->overflow) {
        buf->data[buf->len++] = (uint8_t)c;
        buf->data[buf->len] = '\0';
        return 0;
    }
    return cd_buf_append(buf, &c, 1);
}

int cd_buf_appendf(cd_buf_t *buf, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof(small))
        return cd_buf_append(buf, small, (size_t)n);
    if (buf_reserve(buf, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf((char *)buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
    return 0;
}

uint8_t *cd_buf_detach(cd_buf_t *buf, size_t *len)
{
    uint8_t *data = buf->data;
    if (!data)
        data = calloc(1, 1);
    if (len)
        *len = buf->len;
    memset(buf, 0, sizeof(*buf));
    return data;
}
