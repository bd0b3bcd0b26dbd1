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
#include "cstream.h"
#include "modules.h"

#define CHUNK 16384

typedef struct Bz2Stream {
    Obj obj;
    bz_stream bz;
    bool compressing;
    bool live;              /* initialised and not yet ended */
    bool flushed;           /* Compressor: flush() was called */
    DecompState d;          /* Decompressor: its input and end */
} Bz2Stream;

static void bz2_mark(VM *vm, Obj *o) {
    decomp_mark(vm, &((Bz2Stream *)o)->d);
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
    s->live = s->flushed = false;
    s->d.pending = s->d.unused_data = UNDEF;
    return decomp_init(vm, &s->d) ? s : NULL;
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
    /* libbzip2 calls a BZ_RUN that makes no progress a parameter error */
    if (action == BZ_RUN && n == 0) return BZ_RUN_OK;
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
    return cstream_bytes(vm, &out);
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
    return cstream_bytes(vm, &out);
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

/* Decodes the input set in the stream, at most max_length bytes of output when >= 0. */
static int run_decompress(Bz2Stream *s, int64_t max_length, StrBuf *out) {
    char buf[CHUNK];
    int rc = BZ_OK;
    while (max_length < 0 || (int64_t)out->len < max_length) {
        size_t room = sizeof buf;
        if (max_length >= 0 && (int64_t)room > max_length - (int64_t)out->len) room = (size_t)(max_length - (int64_t)out->len);
        s->bz.next_out = buf;
        s->bz.avail_out = (unsigned)room;
        rc = BZ2_bzDecompress(&s->bz);
        sb_add(out, buf, room - s->bz.avail_out);
        if (rc != BZ_OK || (s->bz.avail_in == 0 && s->bz.avail_out > 0)) break;
    }
    return rc;
}

/* decompress(data, max_length=-1): what the data (after the input left
 * from before) decompresses to, at most max_length bytes when >= 0. */
static Value d_decompress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "max_length"};
    Bz2Stream *s = self_stream(vm, args, nargs, false);
    Value a[2];
    int64_t max_length = -1;
    BinBuf b;
    if (!s || !args_bind(vm, "decompress", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, a)) return ERR;
    if (a[1] != UNDEF && (!is_intlike(a[1]) || !int_to_i64(a[1], &max_length)))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", a[1]);
    if (!binbuf_arg(vm, a[0], &b)) return ERR;
    if (s->d.eof) return exc_raise(vm, E_EOFError, "End of stream already reached");
    Value input = decomp_input(vm, &s->d, &b);
    if (input == ERR || !vm_push_root(vm, input)) return ERR;
    s->bz.next_in = (char *)AS(ObjBytes, input)->data;
    s->bz.avail_in = (unsigned)AS(ObjBytes, input)->len;
    StrBuf out = SB_INIT;
    int rc = run_decompress(s, max_length, &out);
    if (rc != BZ_OK && rc != BZ_STREAM_END) {
        vm_pop_roots(vm, 1);
        sb_free(&out);
        return raise_bz2(vm, rc);
    }
    bool ended = rc == BZ_STREAM_END;
    bool ok = decomp_settle(vm, &s->d, (const uint8_t *)s->bz.next_in, s->bz.avail_in, ended);
    vm_pop_roots(vm, 1);
    if (!ok) { sb_free(&out); return ERR; }
    if (ended) {
        BZ2_bzDecompressEnd(&s->bz);
        s->live = false;
    }
    return cstream_bytes(vm, &out);
}

static DecompState *self_d(VM *vm, Value *args, int nargs) {
    Bz2Stream *s = self_stream(vm, args, nargs, false);
    return s ? &s->d : NULL;
}

static Value d_eof(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return decomp_eof(self_d(vm, args, nargs)); }
static Value d_unused_data(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return decomp_unused_data(self_d(vm, args, nargs));
}
static Value d_needs_input(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return decomp_needs_input(self_d(vm, args, nargs));
}

/* ---- the module ------------------------------------------------------------------ */

bool mod_bz2_init(VM *vm, ObjModule *m) {
    static const CStreamMethod cm[] = {{"compress", c_compress}, {"flush", c_flush}};
    static const CStreamMethod dm[] = {{"decompress", d_decompress}};
    static const CStreamMethod dp[] = {{"eof", d_eof}, {"unused_data", d_unused_data}, {"needs_input", d_needs_input}};
    return cstream_add_class(vm, m, "_bz2", &bz2_ctype, "BZ2Compressor", compressor_new, cm, 2, NULL, 0) &&
           cstream_add_class(vm, m, "_bz2", &bz2_ctype, "BZ2Decompressor", decompressor_new, dm, 1, dp, 3);
}
