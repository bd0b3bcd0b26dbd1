/* _lzma: LZMA/XZ compression with the system's liblzma, with CPython's
 * interface and messages: the incremental LZMACompressor and
 * LZMADecompressor, LZMAError, is_check_supported and the constants that
 * stdlib/lzma.asy builds compress(), decompress() and LZMAFile on. The .xz
 * and .lzma containers are supported; custom filter chains (and so
 * FORMAT_RAW) are not.
 *
 * Each object is an OBJ_CDATA owning an lzma_stream, ended by its free
 * function when the collector sweeps it. A decompressor keeps the input
 * max_length left over in `pending`, as CPython's does. */
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
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

enum { FORMAT_AUTO, FORMAT_XZ, FORMAT_ALONE, FORMAT_RAW };
#define CHECK_UNKNOWN (LZMA_CHECK_ID_MAX + 1)

typedef struct XzStream {
    Obj obj;
    lzma_stream lz;
    bool compressing;
    bool live;              /* initialised and not yet ended */
    bool flushed;           /* Compressor: flush() was called */
    int check;              /* Decompressor: the stream's integrity check, once known */
    DecompState d;          /* Decompressor: its input and end */
} XzStream;

static void xz_mark(VM *vm, Obj *o) {
    decomp_mark(vm, &((XzStream *)o)->d);
}

static void xz_free(VM *vm, Obj *o) {
    (void)vm;
    XzStream *s = (XzStream *)o;
    if (s->live) lzma_end(&s->lz);
    s->live = false;
}

static const CType xz_ctype = {sizeof(XzStream), xz_mark, xz_free, NULL};

/* ---- errors -------------------------------------------------------------------- */

static Value raise_lzma_error(VM *vm, const char *msg) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "_lzma"));
    Value cls = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, "LZMAError")) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_RuntimeError, "_lzma.LZMAError is missing");
    Value text = str_from_cstr(vm, msg);
    ObjTuple *args = text == ERR ? NULL : tuple_from(vm, &text, 1);
    Value e = args ? exc_new(vm, AS(ObjClass, cls), args) : ERR;
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* Raises for liblzma's result, with CPython's messages. */
static Value raise_lzma(VM *vm, lzma_ret rc) {
    switch (rc) {
    case LZMA_MEM_ERROR: return exc_nomem(vm);
    case LZMA_UNSUPPORTED_CHECK: return raise_lzma_error(vm, "Unsupported integrity check");
    case LZMA_MEMLIMIT_ERROR: return raise_lzma_error(vm, "Memory usage limit exceeded");
    case LZMA_FORMAT_ERROR: return raise_lzma_error(vm, "Input format not supported by decoder");
    case LZMA_OPTIONS_ERROR: return raise_lzma_error(vm, "Invalid or unsupported options");
    case LZMA_DATA_ERROR: return raise_lzma_error(vm, "Corrupt input data");
    case LZMA_BUF_ERROR: return raise_lzma_error(vm, "Insufficient buffer space");
    case LZMA_PROG_ERROR: return raise_lzma_error(vm, "Internal error");
    default: return raise_lzma_error(vm, "Unrecognized error from liblzma");
    }
}

/* ---- objects --------------------------------------------------------------------- */

static XzStream *stream_new(VM *vm, ObjClass *cls, bool compressing) {
    XzStream *s = gc_new(vm, sizeof(XzStream), OBJ_CDATA, cls);
    if (!s) return NULL;
    lzma_stream init = LZMA_STREAM_INIT;
    s->lz = init;
    s->compressing = compressing;
    s->live = s->flushed = false;
    s->check = CHECK_UNKNOWN;
    s->d.pending = s->d.unused_data = UNDEF;
    return decomp_init(vm, &s->d) ? s : NULL;
}

static XzStream *self_stream(VM *vm, Value *args, int nargs, bool compressing) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &xz_ctype ||
        ((XzStream *)as_obj(args[0]))->compressing != compressing) {
        exc_raise(vm, E_TypeError, "descriptor requires a '_lzma.%s' object",
                  compressing ? "LZMACompressor" : "LZMADecompressor");
        return NULL;
    }
    return (XzStream *)as_obj(args[0]);
}

/* An optional int argument (None or absent: dflt). */
static bool opt_int(VM *vm, Value v, int64_t dflt, int64_t *out) {
    if (v == UNDEF || v == NONE_VAL) {
        *out = dflt;
        return true;
    }
    if (!is_intlike(v)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v), false;
    if (!int_to_i64(v, out)) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int"), false;
    return true;
}

/* ---- compressing ---------------------------------------------------------------- */

/* LZMACompressor(format=FORMAT_XZ, check=-1, preset=None, filters=None) */
static Value compressor_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"format", "check", "preset", "filters"};
    Value a[4];
    int64_t format, check, preset;
    if (!args_bind(vm, "LZMACompressor", args + 1, nargs - 1, kw, names, 4, 4, 0, 0, a) ||
        !opt_int(vm, a[0], FORMAT_XZ, &format) || !opt_int(vm, a[1], -1, &check) ||
        !opt_int(vm, a[2], LZMA_PRESET_DEFAULT, &preset))
        return ERR;
    bool filters = a[3] != UNDEF && a[3] != NONE_VAL;
    if (format != FORMAT_XZ && check != -1 && check != LZMA_CHECK_NONE)
        return exc_raise(vm, E_ValueError, "Integrity checks are only supported by FORMAT_XZ");
    if (a[2] != UNDEF && a[2] != NONE_VAL && filters)
        return exc_raise(vm, E_ValueError, "Cannot specify both preset and filter chain");
    if (filters || format == FORMAT_RAW)
        return exc_raise(vm, E_ValueError, format == FORMAT_RAW && !filters ? "Must specify filters for FORMAT_RAW"
                                                                            : "custom filter chains are not supported");
    if (format != FORMAT_XZ && format != FORMAT_ALONE)
        return exc_raise(vm, E_ValueError, "Invalid container format: %lld", (long long)format);
    XzStream *s = stream_new(vm, AS(ObjClass, args[0]), true);
    if (!s) return ERR;
    lzma_ret rc;
    if (format == FORMAT_XZ) {
        rc = lzma_easy_encoder(&s->lz, (uint32_t)preset, check == -1 ? LZMA_CHECK_CRC64 : (lzma_check)check);
    } else {
        lzma_options_lzma options;
        if (lzma_lzma_preset(&options, (uint32_t)preset)) {
            char msg[64];
            snprintf(msg, sizeof msg, "Invalid compression preset: %u", (unsigned)preset);
            return raise_lzma_error(vm, msg);
        }
        rc = lzma_alone_encoder(&s->lz, &options);
    }
    if (rc != LZMA_OK) return raise_lzma(vm, rc);
    s->live = true;
    return obj_val(s);
}

/* Runs the encoder over input with `action`, appending what it gives. */
static lzma_ret run_compress(XzStream *s, const uint8_t *p, size_t n, lzma_action action, StrBuf *out) {
    uint8_t buf[CHUNK];
    s->lz.next_in = p;
    s->lz.avail_in = n;
    for (;;) {
        s->lz.next_out = buf;
        s->lz.avail_out = sizeof buf;
        lzma_ret rc = lzma_code(&s->lz, action);
        sb_add(out, (const char *)buf, sizeof buf - s->lz.avail_out);
        if (rc == LZMA_STREAM_END) return rc;
        if (rc != LZMA_OK) return rc;
        if (action == LZMA_RUN && s->lz.avail_in == 0 && s->lz.avail_out > 0) return LZMA_OK;
    }
}

static Value c_compress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    XzStream *s = self_stream(vm, args, nargs, true);
    BinBuf b;
    if (!s || !args_check(vm, "compress", nargs - 1, kw, 1, 1) || !binbuf_arg(vm, args[1], &b)) return ERR;
    if (s->flushed) return exc_raise(vm, E_ValueError, "Compressor has been flushed");
    StrBuf out = SB_INIT;
    lzma_ret rc = run_compress(s, b.p, (size_t)b.n, LZMA_RUN, &out);
    if (rc != LZMA_OK) { sb_free(&out); return raise_lzma(vm, rc); }
    return cstream_bytes(vm, &out);
}

static Value c_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    XzStream *s = self_stream(vm, args, nargs, true);
    if (!s || !args_check(vm, "flush", nargs - 1, kw, 0, 0)) return ERR;
    if (s->flushed) return exc_raise(vm, E_ValueError, "Repeated call to flush()");
    s->flushed = true;
    StrBuf out = SB_INIT;
    lzma_ret rc = run_compress(s, NULL, 0, LZMA_FINISH, &out);
    if (rc != LZMA_STREAM_END) { sb_free(&out); return raise_lzma(vm, rc); }
    lzma_end(&s->lz);
    s->live = false;
    return cstream_bytes(vm, &out);
}

/* ---- decompressing ------------------------------------------------------------ */

/* LZMADecompressor(format=FORMAT_AUTO, memlimit=None, filters=None) */
static Value decompressor_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"format", "memlimit", "filters"};
    Value a[3];
    int64_t format, memlimit;
    if (!args_bind(vm, "LZMADecompressor", args + 1, nargs - 1, kw, names, 3, 3, 0, 0, a) ||
        !opt_int(vm, a[0], FORMAT_AUTO, &format) || !opt_int(vm, a[1], -1, &memlimit))
        return ERR;
    if (a[1] != UNDEF && a[1] != NONE_VAL && format == FORMAT_RAW)
        return exc_raise(vm, E_ValueError, "Cannot specify memory limit with FORMAT_RAW");
    if ((a[2] != UNDEF && a[2] != NONE_VAL) || format == FORMAT_RAW)
        return exc_raise(vm, E_ValueError, format == FORMAT_RAW && (a[2] == UNDEF || a[2] == NONE_VAL)
                                               ? "Must specify filters for FORMAT_RAW"
                                               : "custom filter chains are not supported");
    uint64_t limit = memlimit < 0 ? UINT64_MAX : (uint64_t)memlimit;
    uint32_t flags = LZMA_TELL_ANY_CHECK | LZMA_TELL_NO_CHECK;
    XzStream *s = stream_new(vm, AS(ObjClass, args[0]), false);
    if (!s) return ERR;
    lzma_ret rc;
    switch (format) {
    case FORMAT_AUTO: rc = lzma_auto_decoder(&s->lz, limit, flags); break;
    case FORMAT_XZ: rc = lzma_stream_decoder(&s->lz, limit, flags); break;
    case FORMAT_ALONE: s->check = LZMA_CHECK_NONE; rc = lzma_alone_decoder(&s->lz, limit); break;
    default: return exc_raise(vm, E_ValueError, "Invalid container format: %lld", (long long)format);
    }
    if (rc != LZMA_OK) return raise_lzma(vm, rc);
    s->live = true;
    return obj_val(s);
}

/* Decodes input, at most max_length bytes of output when >= 0. */
static lzma_ret run_decompress(XzStream *s, int64_t max_length, StrBuf *out) {
    uint8_t buf[CHUNK];
    lzma_ret rc = LZMA_OK;
    while (max_length < 0 || (int64_t)out->len < max_length) {
        size_t room = sizeof buf;
        if (max_length >= 0 && (int64_t)room > max_length - (int64_t)out->len) room = (size_t)(max_length - (int64_t)out->len);
        s->lz.next_out = buf;
        s->lz.avail_out = room;
        rc = lzma_code(&s->lz, LZMA_RUN);
        sb_add(out, (const char *)buf, room - s->lz.avail_out);
        if (rc == LZMA_GET_CHECK || rc == LZMA_NO_CHECK) {
            s->check = lzma_get_check(&s->lz);
            rc = LZMA_OK;
            continue;
        }
        if (rc != LZMA_OK || (s->lz.avail_in == 0 && s->lz.avail_out > 0)) break;
    }
    return rc == LZMA_BUF_ERROR && s->lz.avail_in == 0 ? LZMA_OK : rc;
}

/* decompress(data, max_length=-1) */
static Value d_decompress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "max_length"};
    XzStream *s = self_stream(vm, args, nargs, false);
    Value a[2];
    int64_t max_length;
    BinBuf b;
    if (!s || !args_bind(vm, "decompress", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, a) ||
        !opt_int(vm, a[1], -1, &max_length) || !binbuf_arg(vm, a[0], &b))
        return ERR;
    if (s->d.eof) return exc_raise(vm, E_EOFError, "Already at end of stream");
    Value input = decomp_input(vm, &s->d, &b);
    if (input == ERR || !vm_push_root(vm, input)) return ERR;
    s->lz.next_in = AS(ObjBytes, input)->data;
    s->lz.avail_in = (size_t)AS(ObjBytes, input)->len;
    StrBuf out = SB_INIT;
    lzma_ret rc = run_decompress(s, max_length, &out);
    if (rc != LZMA_OK && rc != LZMA_STREAM_END) {
        vm_pop_roots(vm, 1);
        sb_free(&out);
        return raise_lzma(vm, rc);
    }
    bool ended = rc == LZMA_STREAM_END;
    bool ok = decomp_settle(vm, &s->d, s->lz.next_in, s->lz.avail_in, ended);
    vm_pop_roots(vm, 1);
    if (!ok) { sb_free(&out); return ERR; }
    if (ended) {
        lzma_end(&s->lz);
        s->live = false;
    }
    return cstream_bytes(vm, &out);
}

static DecompState *self_d(VM *vm, Value *args, int nargs) {
    XzStream *s = self_stream(vm, args, nargs, false);
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

static Value d_check(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    XzStream *s = self_stream(vm, args, nargs, false);
    return s ? int_val(s->check) : ERR;
}

static Value f_is_check_supported(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t id;
    if (!args_check(vm, "is_check_supported", nargs, kw, 1, 1) || !opt_int(vm, args[0], 0, &id)) return ERR;
    return bool_val(id >= 0 && id <= LZMA_CHECK_ID_MAX && lzma_check_is_supported((lzma_check)id));
}

/* ---- the module ------------------------------------------------------------------ */

/* LZMAError, an Exception subclass of module _lzma. */
static bool add_error(VM *vm, ObjModule *m) {
    Value base = obj_val(vm->exc_types[E_Exception]);
    ObjTuple *bases = tuple_from(vm, &base, 1);
    ObjDict *ns = dict_new(vm);
    ObjStr *name = str_intern_cstr(vm, "LZMAError");
    Value mod = str_from_cstr(vm, "_lzma");
    Value doc = str_from_cstr(vm, "Call to liblzma failed.");
    if (!bases || !ns || !name || mod == ERR || doc == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), mod) < 0 ||
        dict_set_str(vm, ns, vm_name(vm, N___doc__), doc) < 0)
        return false;
    Value cls = class_new(vm, name, bases, ns);
    return cls != ERR && module_add_value(vm, m, "LZMAError", cls);
}

bool mod_lzma_init(VM *vm, ObjModule *m) {
    static const CStreamMethod cm[] = {{"compress", c_compress}, {"flush", c_flush}};
    static const CStreamMethod dm[] = {{"decompress", d_decompress}};
    static const CStreamMethod dp[] = {{"eof", d_eof}, {"unused_data", d_unused_data}, {"needs_input", d_needs_input},
                                {"check", d_check}};
    static const struct { const char *name; int64_t value; } consts[] = {
        {"FORMAT_AUTO", FORMAT_AUTO}, {"FORMAT_XZ", FORMAT_XZ}, {"FORMAT_ALONE", FORMAT_ALONE},
        {"FORMAT_RAW", FORMAT_RAW}, {"CHECK_NONE", LZMA_CHECK_NONE}, {"CHECK_CRC32", LZMA_CHECK_CRC32},
        {"CHECK_CRC64", LZMA_CHECK_CRC64}, {"CHECK_SHA256", LZMA_CHECK_SHA256}, {"CHECK_ID_MAX", LZMA_CHECK_ID_MAX},
        {"CHECK_UNKNOWN", CHECK_UNKNOWN}, {"PRESET_DEFAULT", LZMA_PRESET_DEFAULT},
        {"PRESET_EXTREME", LZMA_PRESET_EXTREME}, {"FILTER_LZMA2", LZMA_FILTER_LZMA2},
        {"FILTER_DELTA", LZMA_FILTER_DELTA}, {"FILTER_X86", LZMA_FILTER_X86}, {"FILTER_POWERPC", LZMA_FILTER_POWERPC},
        {"FILTER_IA64", LZMA_FILTER_IA64}, {"FILTER_ARM", LZMA_FILTER_ARM}, {"FILTER_ARMTHUMB", LZMA_FILTER_ARMTHUMB},
        {"FILTER_SPARC", LZMA_FILTER_SPARC}, {"MF_HC3", LZMA_MF_HC3}, {"MF_HC4", LZMA_MF_HC4},
        {"MF_BT2", LZMA_MF_BT2}, {"MF_BT3", LZMA_MF_BT3}, {"MF_BT4", LZMA_MF_BT4}, {"MODE_FAST", LZMA_MODE_FAST},
        {"MODE_NORMAL", LZMA_MODE_NORMAL},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        if (!module_add_value(vm, m, consts[i].name, int_from_i64(vm, consts[i].value))) return false;
    }
    return module_add_value(vm, m, "FILTER_LZMA1", int_from_u64(vm, LZMA_FILTER_LZMA1)) && add_error(vm, m) &&
           cstream_add_class(vm, m, "_lzma", &xz_ctype, "LZMACompressor", compressor_new, cm, 2, NULL, 0) &&
           cstream_add_class(vm, m, "_lzma", &xz_ctype, "LZMADecompressor", decompressor_new, dm, 1, dp, 4) &&
           module_add_native(vm, m, "is_check_supported", f_is_check_supported);
}
