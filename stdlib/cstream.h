/* What zlib, bz2 and lzma's incremental compressor and decompressor objects
 * share: their output buffers, the classes that hold them, and a
 * decompressor's bookkeeping of the input it has not used yet (`pending`,
 * when max_length stopped it) and of what followed the end of the stream
 * (`unused_data`), with CPython's eof and needs_input. */
#ifndef ASY_CSTREAM_H
#define ASY_CSTREAM_H

#include "../vm/binbuf.h"
#include "../vm/strbuf.h"
#include "../vm/vm.h"

/* The bytes a buffer holds (the buffer is freed), or MemoryError if it ran out. */
Value cstream_bytes(VM *vm, StrBuf *sb);

typedef struct CStreamMethod {
    const char *name;
    NativeFn fn;
} CStreamMethod;

/* Adds class `name` of module `module` (an OBJ_CDATA of `ctype`) to m, with
 * __new__ (when new_fn is not NULL), methods and read-only properties. */
bool cstream_add_class(VM *vm, ObjModule *m, const char *module, const CType *ctype, const char *name,
                       NativeFn new_fn, const CStreamMethod *methods, size_t n, const CStreamMethod *props,
                       size_t np);

typedef struct DecompState {
    bool eof;               /* the end of the stream was seen */
    bool needs_input;       /* pending is used up */
    Value pending;          /* input not yet decompressed (bytes) */
    Value unused_data;      /* bytes after the end of the stream */
} DecompState;

/* Starts with no input pending; false (MemoryError raised) if out of memory. */
bool decomp_init(VM *vm, DecompState *d);
void decomp_mark(VM *vm, DecompState *d);
/* The input of a decompress() call: what was pending, then data. The caller
 * roots it while the library reads it. ERR if out of memory. */
Value decomp_input(VM *vm, DecompState *d, const BinBuf *data);
/* After the library ran: the `left` bytes at `rest` become unused_data when
 * the stream ended, else the input pending for the next call. */
bool decomp_settle(VM *vm, DecompState *d, const uint8_t *rest, size_t left, bool ended);

/* The eof, unused_data and needs_input properties; d is NULL (and an
 * exception raised) when self was of the wrong type. */
Value decomp_eof(DecompState *d);
Value decomp_unused_data(DecompState *d);
Value decomp_needs_input(DecompState *d);

#endif
