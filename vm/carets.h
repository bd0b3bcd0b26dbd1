/* The caret line under a traceback's source line. */
#ifndef ASY_CARETS_H
#define ASY_CARETS_H

#include "object.h"
#include "strbuf.h"

/* Appends "    ~~~^~~~\n" for the span `pos` (of the instruction that raised)
 * under `line` (len bytes, the whole source line pos->line, without its
 * newline), or nothing where CPython prints nothing. */
void tb_carets(const char *line, size_t len, const LineEntry *pos, StrBuf *out);

#endif
