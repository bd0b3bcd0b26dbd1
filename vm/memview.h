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
/* A writable target (readinto's, recv_into's): v when it is a bytearray
 * or a writable memoryview, else the writable view its __buffer__ gives
 * (an array.array's, an mmap's), which the caller keeps rooted while it
 * writes; UNDEF when there is none, ERR after raising. */
Value memview_writable_target(VM *vm, Value v);
/* A view of all of base (a bytes or bytearray) read as items of the struct
 * format fmt, whose .obj is owner: how array.array exports its storage. */
Value memview_typed(VM *vm, Value base, Value owner, char fmt);
/* A native type whose objects export their own memory to memoryviews
 * (mmap's maps): `mem` gives the memory and its size (NULL when there is
 * none now); `pin` counts the views that show it (+1 when one is made, -1
 * when it is released or collected), so that the object can refuse to
 * unmap memory a view still shows. */
typedef struct MemExporter {
    const CType *ctype;
    uint8_t *(*mem)(Obj *o, int64_t *n);
    void (*pin)(Obj *o, int delta);
} MemExporter;
/* Registers an exporter (idempotent; a handful at most). */
void memview_add_exporter(const MemExporter *e);
/* A 'B' view of all the memory of base, an object of a registered
 * exporter's type, with .obj owner; ValueError when base has no memory
 * now. */
Value memview_external(VM *vm, Value base, Value owner, bool readonly);
/* The bytes of memoryview v (a copy, in order; strided views too). */
Value memview_tobytes(VM *vm, Value v);
/* True if ba may change size: no memoryview exports it (after a collection
 * has dropped the unreachable ones); else BufferError and false. */
bool memview_resize_ok(VM *vm, ObjByteArray *ba);

#endif
