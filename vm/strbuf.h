/* A growable byte buffer for building strings in C (reprs, formatting,
 * tracebacks). Plain malloc memory, owned by whoever built it: either handed
 * to str_from_buf, which frees it, or released with sb_free. A failed growth
 * sets `oom` and drops later writes, so callers check once at the end. */
#ifndef ASY_STRBUF_H
#define ASY_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct StrBuf {
    char *data;
    size_t len, cap;
    bool oom;
} StrBuf;

#define SB_INIT {0}

void sb_add(StrBuf *b, const char *s, size_t n);
void sb_adds(StrBuf *b, const char *s);
void sb_addc(StrBuf *b, char c);
void sb_addf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_add_utf8(StrBuf *b, uint32_t cp);   /* one code point as UTF-8 */
void sb_free(StrBuf *b);
/* The contents as a malloc'd NUL-terminated string; the buffer is emptied. */
char *sb_take(StrBuf *b);

#endif
