/* PEP 263 encoding declarations of source given as bytes. */
#ifndef ASY_SOURCE_CODING_H
#define ASY_SOURCE_CODING_H

#include <stdbool.h>
#include <stddef.h>

#include "../vm/vm.h"

/* For source that came as bytes (a file, compile(b"...")): when a coding
 * declaration in its first two lines names an encoding other than UTF-8,
 * decodes it with that codec and points *src and *len at the text's UTF-8,
 * pushing the str as one root the caller pops (returns 1), and clears
 * *bytes. Returns 0 when nothing needed doing and -1 with SyntaxError
 * raised for an unknown encoding or undecodable source. */
int source_recode(VM *vm, const char **src, size_t *len, bool *bytes);

#endif
