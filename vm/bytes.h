/* bytes and bytearray (bytes.c), the codecs they share with str, and the
 * iteration builtins (builtins_iter.c). */
#ifndef ASY_BYTES_H
#define ASY_BYTES_H

#include "vm.h"

Value bytes_new(VM *vm, const uint8_t *data, size_t len);
Value bytearray_new(VM *vm, const uint8_t *data, size_t len);
/* Codecs: utf-8, ascii, latin-1; errors strict, ignore, replace,
 * backslashreplace (and xmlcharrefreplace when encoding). */
Value bytes_decode(VM *vm, const uint8_t *p, size_t n, const char *encoding, const char *errors);
Value bytes_encode(VM *vm, ObjStr *s, const char *encoding, const char *errors);
bool bytes_init(VM *vm);

bool builtins_iter_init(VM *vm);

#endif
