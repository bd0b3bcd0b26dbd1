/* Bytes-like arguments (bytes' and bytearray's methods, struct, binascii,
 * hashlib, zlib): a read-only view of a bytes or bytearray value, or of a
 * contiguous memoryview's memory. The view is valid until script code runs
 * or the bytearray is resized. */
#ifndef ASY_BINBUF_H
#define ASY_BINBUF_H

#include "exc.h"
#include "vm.h"

typedef struct BinBuf {
    const uint8_t *p;
    int64_t n;
} BinBuf;

bool memview_buf(Value v, BinBuf *b);   /* memview.c */
bool memview_wbuf(Value v, uint8_t **p, int64_t *n);
/* For a memoryview memview_buf refused (released, or not C-contiguous):
 * raises CPython's ValueError or BufferError and gives true. */
bool memview_buf_error(VM *vm, Value v);
/* The memory of an instance whose __buffer__ exports its own storage
 * (array.array), which v keeps alive: 1 and *b, 0 when it has none, -1
 * after raising. (A view some other object owns could be freed under the
 * caller, so it is not taken.) */
int memview_exported_buf(VM *vm, Value v, BinBuf *b);

static inline bool binbuf_get(Value v, BinBuf *b) {
    if (is_kind(v, OBJ_BYTES)) {
        b->p = AS(ObjBytes, v)->data, b->n = AS(ObjBytes, v)->len;
        return true;
    }
    if (is_kind(v, OBJ_BYTEARRAY)) {
        b->p = AS(ObjByteArray, v)->data ? AS(ObjByteArray, v)->data : (const uint8_t *)"";
        b->n = AS(ObjByteArray, v)->len;
        return true;
    }
    return is_kind(v, OBJ_CDATA) && memview_buf(v, b);
}

/* Writable memory (readinto's target): a bytearray's, or a writable
 * contiguous memoryview's. */
static inline bool binbuf_writable(Value v, uint8_t **p, int64_t *n) {
    if (is_kind(v, OBJ_BYTEARRAY)) {
        *p = AS(ObjByteArray, v)->data, *n = AS(ObjByteArray, v)->len;
        return true;
    }
    return is_kind(v, OBJ_CDATA) && memview_wbuf(v, p, n);
}

/* binbuf_get, or an exported buffer (array.array): 1, 0 when v has
 * none, -1 after raising. */
static inline int binbuf_any(VM *vm, Value v, BinBuf *b) {
    if (binbuf_get(v, b)) return 1;
    return is_kind(v, OBJ_INSTANCE) ? memview_exported_buf(vm, v, b) : 0;
}

/* binbuf_get, or TypeError "a bytes-like object is required, not 'T'". */
static inline bool binbuf_arg(VM *vm, Value v, BinBuf *b) {
    int r = binbuf_any(vm, v, b);
    if (r) return r > 0;
    if (is_kind(v, OBJ_CDATA) && memview_buf_error(vm, v)) return false;
    exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", v);
    return false;
}

#endif
