/* bytes and bytearray (bytes.c), the codecs they share with str, and the
 * iteration builtins (builtins_iter.c). */
#ifndef ASY_BYTES_H
#define ASY_BYTES_H

#include "vm.h"

Value bytes_new(VM *vm, const uint8_t *data, size_t len);
Value bytearray_new(VM *vm, const uint8_t *data, size_t len);
/* Room for `need` bytes in ba's buffer (its length unchanged); false after MemoryError. */
bool bytearray_reserve(VM *vm, ObjByteArray *ba, int64_t need);
/* Codecs: utf-8, ascii, latin-1; errors strict, ignore, replace,
 * backslashreplace (and xmlcharrefreplace when encoding). */
Value bytes_decode(VM *vm, const uint8_t *p, size_t n, const char *encoding, const char *errors);
Value bytes_encode(VM *vm, ObjStr *s, const char *encoding, const char *errors);
/* Whether the VM itself knows the codec (utf-8, ascii, latin-1 and their
   aliases); the others are the codecs module's. */
bool bytes_native_codec(const char *encoding);
bool bytes_init(VM *vm);

bool builtins_iter_init(VM *vm);
/* __reduce__ and __setstate__ of the native iterators (iter_reduce.c). */
bool iter_reduce_init(VM *vm);

#endif
