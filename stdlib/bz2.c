/* _bz2: bzip2 compression with the system's libbz2, with CPython's
 * interface and messages: the incremental BZ2Compressor and
 * BZ2Decompressor that stdlib/bz2.asy builds compress(), decompress() and
 * BZ2File on.
 *
 * Each object is an OBJ_CDATA owning a bz_stream (the library allocates
 * with malloc; the free function ends the stream when the collector sweeps
 * the object). A decompressor keeps the input it could not use yet (when
 * max_length stopped it) in `pending`, as CPython's does. */
#include <bzlib.h>
#include <limits.h>
#include <string.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "modules.h"

#define CHUNK 16384

/* The bytes a buffer holds (freed), or MemoryError if it ran out. */
static Value bytes_from_sb(VM *vm, StrBuf *sb) {
    if (sb->oom) { sb_free(sb); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(sb->data ? sb->data : ""), sb->len);
    sb_free(sb);
    return r;
}

typedef struct Bz2Stream {
    Obj obj;
    bz_stream bz;
    bool compressing;
    bool live;              /* initialised and not yet ended */
    bool flushed;           /* Compressor: flush() was called */
    bool eof;               /* Decompressor: the end of the stream was seen */
    bool needs_input;       /* Decompressor: pending is used up */
    Value pending;          /* Decompressor: input not yet decompressed (bytes) */
    Value unused_data;      /* Decompressor: bytes after the end of the stream */
} Bz2Stream;

static void bz2_mark(VM *vm, Obj *o) {
    Bz2Stream *s = (Bz2Stream *)o;
    gc_mark_value(vm, s->pending);
    gc_mark_value(vm, s->unused_data);
}

static void bz2_free(VM *vm, Obj *o) {
    (void)vm;
    Bz2Stream *s = (Bz2Stream *)o;
    if (s->live) s->compressing ? BZ2_bzCompressEnd(&s->bz) : BZ2_bzDecompressEnd(&s->bz);
    s->live = false;
}

static const CType bz2_ctype = {sizeof(Bz2Stream), bz2_mark, bz2_free, NULL};

static Value raise_bz2(VM *vm, int rc) {
    switch (rc) {
    case BZ_MEM_ERROR: return exc_nomem(vm);
    case BZ_DATA_ERROR: case BZ_DATA_ERROR_MAGIC: return exc_raise(vm, E_OSError, "Invalid data stream");
    case BZ_PARAM_ERROR: return exc_raise(vm, E_ValueError, "Internal error - invalid parameters passed to libbzip2");
    case BZ_UNEXPECTED_EOF: return exc_raise(vm, E_EOFError, "Compressed file ended before the logical end-of-stream was detected");
    default: return exc_raise(vm, E_SystemError, "Unrecognized error from libbzip2: %d", rc);
    }
}

/* A new stream object of the module's class `cls_name`. */
static Bz2Stream *stream_new(VM *vm, ObjClass *cls, bool compressing) {
    Bz2Stream *s = gc_new(vm, sizeof(Bz2Stream), OBJ_CDATA, cls);
    if (!s) return NULL;
    memset(&s->bz, 0, sizeof s->bz);
    s->compressing = compressing;
    s->live = s->flushed = s->eof = false;
    s->needs_input = true;
    s->pending = s->unused_data = UNDEF;
    Value empty = bytes_new(vm, NULL, 0);
    if (empty == ERR) return NULL;
    s->pending = s->unused_data = empty;
    return s;
}

static Bz2Stream *self_stream(VM *vm, Value *args, int nargs, bool compressing) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &bz2_ctype ||
        ((Bz2Stream *)as_obj(args[0]))->compressing != compressing) {
        exc_raise(vm, E_TypeError, "descriptor requires a '_bz2.%s' object",
                  compressing ? "BZ2Compressor" : "BZ2Decompressor");
        return NULL;
    }
    return (Bz2Stream *)as_obj(args[0]);
}

/* ---- compressing ----------------------------------------------------------------- */

/* BZ2Compressor(compresslevel=9) */
static Value compressor_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"compresslevel"};
    Value a[1];
    int64_t level = 9;
    if (!args_bind(vm, "BZ2Compressor", args + 1, nargs - 1, kw, names, 1, 1, 0, 0, a)) return ERR;
    if (a[0] != UNDEF) {
        if (!is_intlike(a[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", a[0]);
        if (!int_to_i64(a[0], &level)) level = 0;
    }
    if (level < 1 || level > 9) return exc_raise(vm, E_ValueError, "compresslevel must be between 1 and 9");
    Bz2Stream *s = stream_new(vm, AS(ObjClass, args[0]), true);
    if (!s) return ERR;
    int rc = BZ2_bzCompressInit(&s->bz, (int)level, 0, 0);
    if (rc != BZ_OK) return raise_bz2(vm, rc);
    s->live = true;
    return obj_val(s);
}

/* Runs the compressor over input with `action`, appending what it gives. */
static int run_compress(Bz2Stream *s, const uint8_t *p, size_t n, int action, StrBuf *out) {
    char buf[CHUNK];
    s->bz.next_in = (char *)p;
    s->bz.avail_in = (unsigned)n;
    for (;;) {
        s->bz.next_out = buf;
        s->bz.avail_out = sizeof buf;
        int rc = BZ2_bzCompress(&s->bz, action);
        sb_add(out, buf, sizeof buf - s->bz.avail_out);
        if (rc == BZ_STREAM_END) return BZ_STREAM_END;
        if (rc != BZ_RUN_OK && rc != BZ_FINISH_OK) return rc;
        if (action == BZ_RUN && s->bz.avail_in == 0) return BZ_RUN_OK;
    }
}

static Value c_compress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Bz2Stream *s = self_stream(vm, args, nargs, true);
    BinBuf b;
    if (!s || !args_check(vm, "compress", nargs - 1, kw, 1, 1) || !binbuf_arg(vm, args[1], &b)) return ERR;
    if (s->flushed) return exc_raise(vm, E_ValueError, "Compressor has been flushed");
    if (b.n > UINT_MAX) return exc_raise(vm, E_OverflowError, "data is too long for libbzip2");
    StrBuf out = SB_INIT;
    int rc = run_compress(s, b.p, (size_t)b.n, BZ_RUN, &out);
    if (rc != BZ_RUN_OK) { sb_free(&out); return raise_bz2(vm, rc); }
    return bytes_from_sb(vm, &out);
}

static Value c_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Bz2Stream *s = self_stream(vm, args, nargs, true);
    if (!s || !args_check(vm, "flush", nargs - 1, kw, 0, 0)) return ERR;
    if (s->flushed) return exc_raise(vm, E_ValueError, "Repeated call to flush()");
    s->flushed = true;
    StrBuf out = SB_INIT;
    int rc = run_compress(s, NULL, 0, BZ_FINISH, &out);
    if (rc != BZ_STREAM_END) { sb_free(&out); return raise_bz2(vm, rc); }
    BZ2_bzCompressEnd(&s->bz);
    s->live = false;
    return bytes_from_sb(vm, &out);
}

/* ---- decompressing ------------------------------------------------------------- */

/* BZ2Decompressor() */
static Value decompressor_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "BZ2Decompressor", nargs - 1, kw, 0, 0)) return ERR;
    Bz2Stream *s = stream_new(vm, AS(ObjClass, args[0]), false);
    if (!s) return ERR;
    int rc = BZ2_bzDecompressInit(&s->bz, 0, 0);
    if (rc != BZ_OK) return raise_bz2(vm, rc);
    s->live = true;
    return obj_val(s);
}

/* Joins two byte strings (either may be empty). */
static Value concat(VM *vm, const uint8_t *a, size_t na, const uint8_t *b, size_t nb) {
    Value r = bytes_new(vm, NULL, na + nb);
    if (r == ERR) return ERR;
    if (na) memcpy(AS(ObjBytes, r)->data, a, na);
    if (nb) memcpy(AS(ObjBytes, r)->data + na, b, nb);
    return r;
}

/* decompress(data, max_length=-1): what the data (after the input left
 * from before) decompresses to, at most max_length bytes when >= 0. */
static Value d_decompress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "max_length"};
    Bz2Stream *s = self_stream(vm, args, nargs, false);
    Value a[2];
    int64_t max_length = -1;
    BinBuf b, pend;
    if (!s || !args_bind(vm, "decompress", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, a)) return ERR;
    if (a[1] != UNDEF && (!is_intlike(a[1]) || !int_to_i64(a[1], &max_length)))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", a[1]);
    if (!binbuf_arg(vm, a[0], &b)) return ERR;
    if (s->eof) return exc_raise(vm, E_EOFError, "End of stream already reached");
    binbuf_get(s->pending, &pend);
    Value input = concat(vm, pend.p, (size_t)pend.n, b.p, (size_t)b.n);
    if (input == ERR || !vm_push_root(vm, input)) return ERR;
    const uint8_t *in = AS(ObjBytes, input)->data;
    size_t avail = (size_t)AS(ObjBytes, input)->len;
    StrBuf out = SB_INIT;
    char buf[CHUNK];
    int rc = BZ_OK;
    s->bz.next_in = (char *)in;
    s->bz.avail_in = (unsigned)avail;
    while (max_length < 0 || (int64_t)out.len < max_length) {
        size_t room = sizeof buf;
        if (max_length >= 0 && (int64_t)room > max_length - (int64_t)out.len) room = (size_t)(max_length - (int64_t)out.len);
        s->bz.next_out = buf;
        s->bz.avail_out = (unsigned)room;
        rc = BZ2_bzDecompress(&s->bz);
        sb_add(&out, buf, room - s->bz.avail_out);
        if (rc != BZ_OK || (s->bz.avail_in == 0 && s->bz.avail_out > 0)) break;
    }
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
        vm_pop_roots(vm, 1);
        sb_free(&out);
        return raise_bz2(vm, rc);
    }
    const uint8_t *rest = (const uint8_t *)s->bz.next_in;
    size_t left = s->bz.avail_in;
    Value kept = bytes_new(vm, rest, left);
    Value empty = kept == ERR ? ERR : bytes_new(vm, NULL, 0);
    vm_pop_roots(vm, 1);
    if (empty == ERR) { sb_free(&out); return ERR; }
    if (rc == BZ_STREAM_END) {
        s->eof = true;
        s->needs_input = false;
        s->unused_data = kept;
        s->pending = empty;
        BZ2_bzDecompressEnd(&s->bz);
        s->live = false;
    } else {
        s->pending = kept;
        s->needs_input = left == 0;
    }
    return bytes_from_sb(vm, &out);
}

static Value d_eof(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    Bz2Stream *s = self_stream(vm, args, nargs, false);
    return s ? bool_val(s->eof) : ERR;
}

static Value d_unused_data(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    Bz2Stream *s = self_stream(vm, args, nargs, false);
    return s ? s->unused_data : ERR;
}

static Value d_needs_input(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    Bz2Stream *s = self_stream(vm, args, nargs, false);
    return s ? bool_val(s->needs_input) : ERR;
}

/* ---- the module ------------------------------------------------------------------ */

typedef struct Method {
    const char *name;
    NativeFn fn;
} Method;

static bool add_class(VM *vm, ObjModule *m, const char *name, NativeFn new_fn, const Method *methods, size_t n,
                      const Method *props, size_t np) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_CDATA);
    Value mod = str_from_cstr(vm, "_bz2");
    if (!c || mod == ERR) return false;
    c->ctype = &bz2_ctype;
    c->module = mod;
    if (dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0 ||
        !class_add_native(vm, c, "__new__", new_fn))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    for (size_t i = 0; i < np; i++) {
        if (!class_add_property(vm, c, props[i].name, props[i].fn)) return false;
    }
    return module_add_value(vm, m, name, obj_val(c));
}

bool mod_bz2_init(VM *vm, ObjModule *m) {
    static const Method cm[] = {{"compress", c_compress}, {"flush", c_flush}};
    static const Method dm[] = {{"decompress", d_decompress}};
    static const Method dp[] = {{"eof", d_eof}, {"unused_data", d_unused_data}, {"needs_input", d_needs_input}};
    return add_class(vm, m, "BZ2Compressor", compressor_new, cm, 2, NULL, 0) &&
           add_class(vm, m, "BZ2Decompressor", decompressor_new, dm, 1, dp, 3);
}
