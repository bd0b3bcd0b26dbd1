/* The encoding of text files opened without one, as CPython chooses it:
 * "utf-8" in its UTF-8 mode (PYTHONUTF8=1, or an LC_CTYPE locale of C or
 * POSIX, which CPython coerces), else the codeset of the user's LC_CTYPE
 * locale ("UTF-8" under C.UTF-8). Asy's files are UTF-8 either way: a
 * locale of another codeset reads as UTF-8 too (only the name shows). */
#ifndef ASY_TEXTENC_H
#define ASY_TEXTENC_H

#include <stdbool.h>

#include "vm.h"

/* Reads the environment and the locale it names, once, when the VM starts. */
void textenc_init(VM *vm);
/* open()'s and locale.getpreferredencoding()'s encoding. */
const char *textenc_default(VM *vm);
bool textenc_utf8_mode(VM *vm);
/* The error handler of sys.stdin and sys.stdout, as CPython picks it:
 * PYTHONIOENCODING's ":errors" part (strict when it names an encoding
 * only), else surrogateescape in UTF-8 mode or under a C.UTF-8 locale,
 * strict under other locales. sys.stderr's is always backslashreplace. */
const char *textenc_stdio_errors(VM *vm);

#endif
