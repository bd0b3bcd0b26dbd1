/* memoryview (memview.c). */
#ifndef ASY_MEMVIEW_H
#define ASY_MEMVIEW_H

#include "binbuf.h"

void memview_init(VM *vm);
bool is_memview(Value v);
/* memoryview(v): a view of a bytes, bytearray or memoryview, or of what
 * v.__buffer__(0) returns (PEP 688), or TypeError. */
Value memview_of(VM *vm, Value v);
/* The memoryview an instance's __buffer__(0) returns; UNDEF when its
 * class has none, ERR after raising. */
Value memview_from_buffer_method(VM *vm, Value v);
/* A view of all of base (a bytes or bytearray) read as items of the struct
 * format fmt, whose .obj is owner: how array.array exports its storage. */
Value memview_typed(VM *vm, Value base, Value owner, char fmt);
/* The bytes of memoryview v (a copy, in order; strided views too). */
Value memview_tobytes(VM *vm, Value v);
/* True if ba may change size: no memoryview exports it (after a collection
 * has dropped the unreachable ones); else BufferError and false. */
bool memview_resize_ok(VM *vm, ObjByteArray *ba);

#endif
