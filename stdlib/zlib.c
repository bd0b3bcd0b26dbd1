/* zlib: compression with Debian's zlib, with CPython's interface and
 * messages: crc32, adler32, compress, decompress, and the streaming
 * Compress and Decompress objects of compressobj() and decompressobj().
 *
 * A stream object is an OBJ_CDATA that owns its z_stream: zlib allocates
 * with malloc, and the object's free function (deflateEnd/inflateEnd)
 * returns that memory when the collector sweeps it. */
#include <string.h>
#include <zlib.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/binbuf.h"
#include "cstream.h"
#include "modules.h"

#define DEF_BUF_SIZE 16384
#define CHUNK 16384

typedef struct ZStream {
    Obj obj;
    z_stream zs;
    bool deflating;
    bool live;              /* initialised and not yet ended */
    bool eof;               /* Decompress: the end of the stream was seen */
    Value unused_data;      /* Decompress: bytes after the end of the stream */
    Value unconsumed_tail;  /* Decompress: input that max_length left over */
    Value zdict;            /* Decompress: the dictionary, or UNDEF */
} ZStream;

static void zstream_mark(VM *vm, Obj *o) {
    ZStream *z = (ZStream *)o;
    gc_mark_value(vm, z->unused_data);
    gc_mark_value(vm, z->unconsumed_tail);
    gc_mark_value(vm, z->zdict);
}

static void zstream_free(VM *vm, Obj *o) {
    (void)vm;
    ZStream *z = (ZStream *)o;
    if (z->live) z->deflating ? deflateEnd(&z->zs) : inflateEnd(&z->zs);
    z->live = false;
}

static const CType zstream_ctype = {sizeof(ZStream), zstream_mark, zstream_free, NULL};

/* ---- errors ------------------------------------------------------------------ */

static Value module_attr(VM *vm, const char *name) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "zlib"));
    Value v = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (v == UNDEF) return exc_raise(vm, E_RuntimeError, "zlib.%s is gone", name);
    return v;
}

static Value raise_msg(VM *vm, const char *msg) {
    Value cls = module_attr(vm, "error");
    if (cls == ERR) return ERR;
    Value text = str_from_cstr(vm, msg);
    ObjTuple *args = text != ERR ? tuple_from(vm, &text, 1) : NULL;
    Value exc = args ? exc_new(vm, AS(ObjClass, cls), args) : ERR;
    return exc == ERR ? ERR : exc_raise_value(vm, exc);
}

/* "Error -3 while decompressing data: incorrect header check", as CPython's
 * zlib_error: zlib's own message first, else one for the code. */
static Value raise_zlib(VM *vm, z_stream *zs, int rc, const char *doing) {
    const char *why = rc == Z_VERSION_ERROR ? "library version mismatch" : zs ? zs->msg : NULL;
    if (!why) {
        if (rc == Z_BUF_ERROR) why = "incomplete or truncated stream";
        else if (rc == Z_STREAM_ERROR) why = "inconsistent stream state";
        else if (rc == Z_DATA_ERROR) why = "invalid input data";
    }
    char msg[300];
    if (why) snprintf(msg, sizeof msg, "Error %d %s: %.200s", rc, doing, why);
    else snprintf(msg, sizeof msg, "Error %d %s", rc, doing);
    return raise_msg(vm, msg);
}

/* ---- arguments ------------------------------------------------------------------ */

static bool int_arg(VM *vm, Value v, int64_t dflt, int64_t *out) {
    *out = dflt;
    return v == UNDEF || index_value(vm, v, out, NULL);
}

/* zlib counts its input in a uInt: larger inputs are refused rather than
 * cut short. */
static bool fits_zlib(VM *vm, const BinBuf *b) {
    if ((uint64_t)b->n <= 0xffffffffu) return true;
    exc_raise(vm, E_OverflowError, "Size does not fit in an unsigned int");
    return false;
}

/* ---- checksums ------------------------------------------------------------------ */

static Value checksum(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool crc) {
    BinBuf b;
    if (!args_check(vm, name, nargs, kw, 1, 2) || !binbuf_arg(vm, args[0], &b)) return ERR;
    uLong value = crc ? 0 : 1;
    if (nargs > 1) {
        Value m = is_intlike(args[1]) ? int_binop(vm, BIN_AND, args[1], int_from_u64(vm, 0xffffffffu)) : ERR;
        int64_t i;
        if (m == ERR) return is_intlike(args[1]) ? ERR : exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[1]);
        int_to_i64(m, &i);
        value = (uLong)i;
    }
    for (int64_t done = 0; done < b.n;) {
        uInt k = b.n - done > 0x40000000 ? 0x40000000 : (uInt)(b.n - done);
        value = crc ? crc32(value, b.p + done, k) : adler32(value, b.p + done, k);
        done += k;
    }
    return int_from_u64(vm, (uint32_t)value);
}

static Value z_crc32(VM *vm, Value *args, int nargs, ObjTuple *kw) { return checksum(vm, args, nargs, kw, "crc32", true); }
static Value z_adler32(VM *vm, Value *args, int nargs, ObjTuple *kw) { return checksum(vm, args, nargs, kw, "adler32", false); }

/* ---- running a stream ------------------------------------------------------------- */

/* Feeds n bytes (the caller sets next_in/avail_in) through deflate with
 * `flush`, appending the output to out; the zlib code, or Z_STREAM_ERROR. */
static int run_deflate(z_stream *zs, int flush, StrBuf *out) {
    uint8_t chunk[CHUNK];
    int rc;
    do {
        zs->next_out = chunk;
        zs->avail_out = CHUNK;
        rc = deflate(zs, flush);
        if (rc == Z_STREAM_ERROR) return rc;
        sb_add(out, (const char *)chunk, CHUNK - zs->avail_out);
    } while (zs->avail_out == 0 || (zs->avail_in > 0 && rc == Z_OK));
    return rc == Z_BUF_ERROR ? Z_OK : rc;
}

/* Inflates what is in next_in/avail_in, at most max_out bytes (0: no
 * limit); a dictionary is supplied when the stream asks for one. */
static int run_inflate(z_stream *zs, int flush, int64_t max_out, const BinBuf *dict, StrBuf *out) {
    uint8_t chunk[CHUNK];
    int rc;
    do {
        size_t room = CHUNK;
        if (max_out) {
            if ((int64_t)out->len >= max_out) return Z_OK;
            if (max_out - (int64_t)out->len < CHUNK) room = (size_t)(max_out - (int64_t)out->len);
        }
        zs->next_out = chunk;
        zs->avail_out = (uInt)room;
        rc = inflate(zs, flush);
        if (rc == Z_NEED_DICT && dict) {
            rc = inflateSetDictionary(zs, dict->p, (uInt)dict->n);
            if (rc != Z_OK) return rc;
            rc = inflate(zs, flush);
        }
        if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) return rc;
        sb_add(out, (const char *)chunk, room - zs->avail_out);
    } while (rc != Z_STREAM_END && zs->avail_out == 0);
    return rc;
}

/* ---- one-shot functions -------------------------------------------------------------- */

static Value z_compress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "level", "wbits"};
    Value a[3];
    BinBuf b;
    int64_t level, wbits;
    if (!args_bind(vm, "compress", args, nargs, kw, names, 3, 3, 1, 0, a) || !binbuf_arg(vm, a[0], &b)) return ERR;
    if (!int_arg(vm, a[1], Z_DEFAULT_COMPRESSION, &level) || !int_arg(vm, a[2], MAX_WBITS, &wbits)) return ERR;
    if (!binbuf_arg(vm, a[0], &b) || !fits_zlib(vm, &b)) return ERR;
    z_stream zs = {0};
    int rc = deflateInit2(&zs, (int)level, Z_DEFLATED, (int)wbits, 8, Z_DEFAULT_STRATEGY);
    if (rc == Z_MEM_ERROR) return exc_raise(vm, E_MemoryError, "Out of memory while compressing data");
    if (rc != Z_OK) return raise_msg(vm, "Bad compression level");
    StrBuf out = SB_INIT;
    zs.next_in = (Bytef *)b.p;
    zs.avail_in = (uInt)b.n;
    rc = run_deflate(&zs, Z_FINISH, &out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) { sb_free(&out); return raise_zlib(vm, &zs, rc, "while compressing data"); }
    return cstream_bytes(vm, &out);
}

static Value z_decompress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "wbits", "bufsize"};
    Value a[3];
    BinBuf b;
    int64_t wbits, bufsize;
    if (!args_bind(vm, "decompress", args, nargs, kw, names, 3, 3, 1, 0, a)) return ERR;
    if (!int_arg(vm, a[1], MAX_WBITS, &wbits) || !int_arg(vm, a[2], DEF_BUF_SIZE, &bufsize)) return ERR;
    if (bufsize < 0) return exc_raise(vm, E_ValueError, "bufsize must be non-negative");
    if (!binbuf_arg(vm, a[0], &b) || !fits_zlib(vm, &b)) return ERR;
    z_stream zs = {0};
    int rc = inflateInit2(&zs, (int)wbits);
    if (rc == Z_MEM_ERROR) return exc_raise(vm, E_MemoryError, "Out of memory while decompressing data");
    if (rc != Z_OK) { inflateEnd(&zs); return raise_zlib(vm, &zs, rc, "while preparing to decompress data"); }
    StrBuf out = SB_INIT;
    zs.next_in = (Bytef *)b.p;
    zs.avail_in = (uInt)b.n;
    rc = run_inflate(&zs, Z_NO_FLUSH, 0, NULL, &out);
    if (rc != Z_STREAM_END) {
        Value r = raise_zlib(vm, &zs, rc == Z_OK ? Z_BUF_ERROR : rc, "while decompressing data");
        inflateEnd(&zs);
        sb_free(&out);
        return r;
    }
    inflateEnd(&zs);
    return cstream_bytes(vm, &out);
}

/* ---- stream objects ------------------------------------------------------------------- */

static ZStream *zstream_new(VM *vm, const char *cls_name, bool deflating) {
    Value cls = module_attr(vm, cls_name), empty = bytes_new(vm, NULL, 0);
    if (cls == ERR || empty == ERR) return NULL;
    ZStream *z = gc_new(vm, sizeof(ZStream), OBJ_CDATA, AS(ObjClass, cls));
    if (!z) return NULL;
    memset(&z->zs, 0, sizeof z->zs);
    z->deflating = deflating;
    z->live = z->eof = false;
    z->unused_data = z->unconsumed_tail = empty;
    z->zdict = UNDEF;
    return z;
}

static ZStream *zstream_self(VM *vm, Value *args, int nargs, bool deflating) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &zstream_ctype ||
        ((ZStream *)as_obj(args[0]))->deflating != deflating) {
        exc_raise(vm, E_TypeError, "descriptor requires a 'zlib.%s' object", deflating ? "Compress" : "Decompress");
        return NULL;
    }
    return (ZStream *)as_obj(args[0]);
}

static Value z_compressobj(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"level", "method", "wbits", "memLevel", "strategy", "zdict"};
    Value a[6];
    int64_t level, method, wbits, memlevel, strategy;
    if (!args_bind(vm, "compressobj", args, nargs, kw, names, 6, 6, 0, 0, a)) return ERR;
    if (!int_arg(vm, a[0], Z_DEFAULT_COMPRESSION, &level) || !int_arg(vm, a[1], Z_DEFLATED, &method) ||
        !int_arg(vm, a[2], MAX_WBITS, &wbits) || !int_arg(vm, a[3], 8, &memlevel) ||
        !int_arg(vm, a[4], Z_DEFAULT_STRATEGY, &strategy))
        return ERR;
    BinBuf dict = {NULL, 0};
    if (a[5] != UNDEF && a[5] != NONE_VAL && !binbuf_arg(vm, a[5], &dict)) return ERR;
    ZStream *z = zstream_new(vm, "Compress", true);
    if (!z) return ERR;
    int rc = deflateInit2(&z->zs, (int)level, (int)method, (int)wbits, (int)memlevel, (int)strategy);
    if (rc == Z_MEM_ERROR) return exc_raise(vm, E_MemoryError, "Can't allocate memory for compression object");
    if (rc == Z_STREAM_ERROR) return exc_raise(vm, E_ValueError, "Invalid initialization option");
    if (rc != Z_OK) return raise_zlib(vm, &z->zs, rc, "while creating compression object");
    z->live = true;
    if (dict.p && deflateSetDictionary(&z->zs, dict.p, (uInt)dict.n) != Z_OK)
        return exc_raise(vm, E_ValueError, "Invalid dictionary");
    return obj_val(z);
}

static Value c_compress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ZStream *z = zstream_self(vm, args, nargs, true);
    BinBuf b;
    if (!z || !args_check(vm, "compress", nargs - 1, kw, 1, 1) || !binbuf_arg(vm, args[1], &b) || !fits_zlib(vm, &b))
        return ERR;
    if (!z->live) return raise_zlib(vm, NULL, Z_STREAM_ERROR, "while compressing data");
    StrBuf out = SB_INIT;
    z->zs.next_in = (Bytef *)b.p;
    z->zs.avail_in = (uInt)b.n;
    int rc = run_deflate(&z->zs, Z_NO_FLUSH, &out);
    if (rc != Z_OK) { sb_free(&out); return raise_zlib(vm, &z->zs, rc, "while compressing data"); }
    return cstream_bytes(vm, &out);
}

static Value c_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ZStream *z = zstream_self(vm, args, nargs, true);
    int64_t mode = Z_FINISH;
    if (!z || !args_check(vm, "flush", nargs - 1, kw, 0, 1) || (nargs > 1 && !int_arg(vm, args[1], Z_FINISH, &mode)))
        return ERR;
    if (mode == Z_NO_FLUSH) return bytes_new(vm, NULL, 0);
    if (!z->live) return raise_zlib(vm, NULL, Z_STREAM_ERROR, "while flushing");
    StrBuf out = SB_INIT;
    z->zs.next_in = NULL;
    z->zs.avail_in = 0;
    int rc = run_deflate(&z->zs, (int)mode, &out);
    if (rc != Z_OK && rc != Z_STREAM_END) { sb_free(&out); return raise_zlib(vm, &z->zs, rc, "while flushing"); }
    if (mode == Z_FINISH) {
        deflateEnd(&z->zs);
        z->live = false;
    }
    return cstream_bytes(vm, &out);
}

static Value z_decompressobj(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"wbits", "zdict"};
    Value a[2];
    int64_t wbits;
    if (!args_bind(vm, "decompressobj", args, nargs, kw, names, 2, 2, 0, 0, a)) return ERR;
    if (!int_arg(vm, a[0], MAX_WBITS, &wbits)) return ERR;
    BinBuf dict = {NULL, 0};
    if (a[1] != UNDEF && !binbuf_arg(vm, a[1], &dict)) {
        vm->exc = UNDEF;
        return exc_raise(vm, E_TypeError, "zdict argument must support the buffer protocol");
    }
    ZStream *z = zstream_new(vm, "Decompress", false);
    if (!z) return ERR;
    int rc = inflateInit2(&z->zs, (int)wbits);
    if (rc == Z_MEM_ERROR) return exc_raise(vm, E_MemoryError, "Can't allocate memory for decompression object");
    if (rc == Z_STREAM_ERROR) return exc_raise(vm, E_ValueError, "Invalid initialization option");
    if (rc != Z_OK) return raise_zlib(vm, &z->zs, rc, "while creating decompression object");
    z->live = true;
    if (dict.p) {
        z->zdict = a[1];
        /* a raw stream never asks for its dictionary: give it now */
        if (wbits < 0 && inflateSetDictionary(&z->zs, dict.p, (uInt)dict.n) != Z_OK)
            return raise_zlib(vm, &z->zs, rc, "while setting zdict");
    }
    return obj_val(z);
}

/* After inflating: what input is left becomes unused_data (after the end of
 * the stream) or unconsumed_tail (when max_length stopped early). */
static bool save_leftover(VM *vm, ZStream *z, int rc) {
    const uint8_t *rest = z->zs.next_in;
    size_t n = z->zs.avail_in;
    if (rc == Z_STREAM_END) {
        z->eof = true;
        if (n) {
            BinBuf old = {(const uint8_t *)"", 0};
            binbuf_get(z->unused_data, &old);
            Value joined = bytes_new(vm, NULL, (size_t)old.n + n);
            if (joined == ERR) return false;
            memcpy(AS(ObjBytes, joined)->data, old.p, (size_t)old.n);
            memcpy(AS(ObjBytes, joined)->data + old.n, rest, n);
            z->unused_data = joined;
        }
        z->unconsumed_tail = bytes_new(vm, NULL, 0);
        return z->unconsumed_tail != ERR;
    }
    Value tail = bytes_new(vm, rest, n);
    if (tail == ERR) return false;
    z->unconsumed_tail = tail;
    return true;
}

static Value inflate_value(VM *vm, ZStream *z, Value data, int flush, int64_t max_out) {
    BinBuf b, dict;
    if (!binbuf_arg(vm, data, &b) || !fits_zlib(vm, &b)) return ERR;
    if (!z->live) return raise_zlib(vm, NULL, Z_STREAM_ERROR, "while decompressing data");
    bool has_dict = z->zdict != UNDEF && binbuf_get(z->zdict, &dict);
    StrBuf out = SB_INIT;
    z->zs.next_in = (Bytef *)b.p;
    z->zs.avail_in = (uInt)b.n;
    /* after the end of the stream, input only joins unused_data */
    int rc = z->eof ? Z_STREAM_END : run_inflate(&z->zs, flush, max_out, has_dict ? &dict : NULL, &out);
    if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END) {
        sb_free(&out);
        return raise_zlib(vm, &z->zs, rc, "while decompressing data");
    }
    Value r = cstream_bytes(vm, &out);
    if (r == ERR || !vm_push_root(vm, r)) return ERR;
    bool ok = save_leftover(vm, z, rc);
    vm_pop_roots(vm, 1);
    return ok ? r : ERR;
}

static Value d_decompress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "max_length"};
    ZStream *z = zstream_self(vm, args, nargs, false);
    Value a[2];
    int64_t max_length;
    if (!z || !args_bind(vm, "decompress", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, a)) return ERR;
    if (!int_arg(vm, a[1], 0, &max_length)) return ERR;
    if (max_length < 0) return exc_raise(vm, E_ValueError, "max_length must be non-negative");
    return inflate_value(vm, z, a[0], Z_SYNC_FLUSH, max_length);
}

static Value d_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ZStream *z = zstream_self(vm, args, nargs, false);
    int64_t length = DEF_BUF_SIZE;
    if (!z || !args_check(vm, "flush", nargs - 1, kw, 0, 1) || (nargs > 1 && !int_arg(vm, args[1], DEF_BUF_SIZE, &length)))
        return ERR;
    if (length <= 0) return exc_raise(vm, E_ValueError, "length must be greater than zero");
    Value r = inflate_value(vm, z, z->unconsumed_tail, Z_FINISH, 0);
    if (r != ERR && z->eof && z->live) {
        inflateEnd(&z->zs);
        z->live = false;
    }
    return r;
}

static Value stream_copy(VM *vm, Value *args, int nargs, ObjTuple *kw, bool deflating) {
    ZStream *z = zstream_self(vm, args, nargs, deflating);
    if (!z || !args_none(vm, deflating ? "Compress" : "Decompress", "copy", nargs, kw)) return ERR;
    if (!z->live) return exc_raise(vm, E_ValueError, "Inconsistent stream state");
    ZStream *c = zstream_new(vm, deflating ? "Compress" : "Decompress", deflating);
    if (!c) return ERR;
    int rc = deflating ? deflateCopy(&c->zs, &z->zs) : inflateCopy(&c->zs, &z->zs);
    if (rc == Z_MEM_ERROR) return exc_raise(vm, E_MemoryError, "Can't allocate memory for %s object",
                                            deflating ? "compression" : "decompression");
    if (rc != Z_OK) return raise_zlib(vm, &z->zs, rc, "while copying compression object");
    c->live = true;
    c->eof = z->eof;
    c->unused_data = z->unused_data;
    c->unconsumed_tail = z->unconsumed_tail;
    c->zdict = z->zdict;
    return obj_val(c);
}

static Value c_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) { return stream_copy(vm, args, nargs, kw, true); }
static Value d_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) { return stream_copy(vm, args, nargs, kw, false); }

static Value d_unused_data(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ZStream *z = zstream_self(vm, args, nargs, false);
    return z ? z->unused_data : ERR;
}

static Value d_unconsumed_tail(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ZStream *z = zstream_self(vm, args, nargs, false);
    return z ? z->unconsumed_tail : ERR;
}

static Value d_eof(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ZStream *z = zstream_self(vm, args, nargs, false);
    return z ? bool_val(z->eof) : ERR;
}

/* ---- the module ------------------------------------------------------------------ */

bool mod_zlib_init(VM *vm, ObjModule *m) {
    static const CStreamMethod funcs[] = {
        {"crc32", z_crc32}, {"adler32", z_adler32}, {"compress", z_compress}, {"decompress", z_decompress},
        {"compressobj", z_compressobj}, {"decompressobj", z_decompressobj},
    };
    static const CStreamMethod cmethods[] = {{"compress", c_compress}, {"flush", c_flush}, {"copy", c_copy}};
    static const CStreamMethod dmethods[] = {{"decompress", d_decompress}, {"flush", d_flush}, {"copy", d_copy}};
    static const CStreamMethod dprops[] = {
        {"unused_data", d_unused_data}, {"unconsumed_tail", d_unconsumed_tail}, {"eof", d_eof},
    };
    static const struct { const char *name; int value; } consts[] = {
        {"MAX_WBITS", MAX_WBITS}, {"DEFLATED", Z_DEFLATED}, {"DEF_MEM_LEVEL", 8}, {"DEF_BUF_SIZE", DEF_BUF_SIZE},
        {"Z_NO_COMPRESSION", Z_NO_COMPRESSION}, {"Z_BEST_SPEED", Z_BEST_SPEED},
        {"Z_BEST_COMPRESSION", Z_BEST_COMPRESSION}, {"Z_DEFAULT_COMPRESSION", Z_DEFAULT_COMPRESSION},
        {"Z_FILTERED", Z_FILTERED}, {"Z_HUFFMAN_ONLY", Z_HUFFMAN_ONLY}, {"Z_RLE", Z_RLE}, {"Z_FIXED", Z_FIXED},
        {"Z_DEFAULT_STRATEGY", Z_DEFAULT_STRATEGY}, {"Z_NO_FLUSH", Z_NO_FLUSH}, {"Z_PARTIAL_FLUSH", Z_PARTIAL_FLUSH},
        {"Z_SYNC_FLUSH", Z_SYNC_FLUSH}, {"Z_FULL_FLUSH", Z_FULL_FLUSH}, {"Z_FINISH", Z_FINISH},
        {"Z_BLOCK", Z_BLOCK}, {"Z_TREES", Z_TREES},
    };
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (!module_add_native(vm, m, funcs[i].name, funcs[i].fn)) return false;
    }
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        if (!module_add_value(vm, m, consts[i].name, int_val(consts[i].value))) return false;
    }
    if (!module_add_value(vm, m, "ZLIB_VERSION", str_from_cstr(vm, ZLIB_VERSION)) ||
        !module_add_value(vm, m, "ZLIB_RUNTIME_VERSION", str_from_cstr(vm, zlibVersion())) ||
        !cstream_add_class(vm, m, "zlib", &zstream_ctype, "Compress", NULL, cmethods, 3, NULL, 0) ||
        !cstream_add_class(vm, m, "zlib", &zstream_ctype, "Decompress", NULL, dmethods, 3, dprops, 3))
        return false;
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_from(vm, (Value[]){obj_val(vm->exc_types[E_Exception])}, 1);
    Value modname = str_from_cstr(vm, "zlib");
    if (!ns || !bases || modname == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return false;
    Value err = class_new(vm, str_intern_cstr(vm, "error"), bases, ns);
    return err != ERR && module_add_value(vm, m, "error", err);
}
