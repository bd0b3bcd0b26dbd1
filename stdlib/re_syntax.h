/* Python's regex syntax as PCRE2's (re_syntax.c): the spellings that
 * differ are rewritten before compiling, and PCRE2's compile errors are
 * reported in CPython's words. Positions here are byte offsets into the
 * pattern; re.c turns them into code points for a str pattern. */
#ifndef ASY_RE_SYNTAX_H
#define ASY_RE_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vm/strbuf.h"

/* The flags' values, as CPython's re. */
#define RE_I 2
#define RE_L 4
#define RE_M 8
#define RE_S 16
#define RE_U 32
#define RE_X 64
#define RE_A 256

/* Rewrites pattern p (a bytes pattern when `bytes`) into out. */
void re_translate(const char *p, size_t len, bool bytes, StrBuf *out);

/* CPython's message for PCRE2's compile error err at offset off into the
 * translated pattern (buf holds it if it is made), and in *pos its
 * position in p, -1 for none. */
const char *re_error_text(int err, const char *p, size_t len, size_t off, int64_t *pos, char *buf, size_t size);

/* The global flags the pattern sets at its start, as (?im): CPython counts
 * them in Pattern.flags. */
int64_t re_leading_flags(const char *p, size_t len);

#endif
