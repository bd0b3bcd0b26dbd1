/* _struct: packing values into bytes and back by a format string, with
 * CPython's format codes, sizes, alignment and error messages.
 * stdlib/struct.asy builds the struct module on top (the Struct class and
 * its unpack iterator).
 *
 * A format is walked afresh by each call (fmt_next); fmt_scan validates it
 * first and computes the size and the number of values, so that the walks
 * that pack or unpack never meet an error in the format itself. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/binbuf.h"
#include "../vm/memview.h"
#include "modules.h"

/* A parsed format: its text, byte order and mode, and what fmt_scan found. */
typedef struct Fmt {
    const char *s, *end;    /* the codes after the byte-order character */
    bool native;            /* '@': native sizes and alignment */
    bool little;            /* byte order */
    int64_t size, nitems;
} Fmt;

/* ---- struct.error ------------------------------------------------------- */

static Value raise_error(VM *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static Value raise_error(VM *vm, const char *fmt, ...) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "_struct"));
    Value cls = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, "error")) : UNDEF;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_RuntimeError, "_struct.error is gone");
    Value text = str_from_cstr(vm, msg);
    ObjTuple *args = text != ERR ? tuple_from(vm, &text, 1) : NULL;
    Value exc = args ? exc_new(vm, AS(ObjClass, cls), args) : ERR;
    return exc == ERR ? ERR : exc_raise_value(vm, exc);
}

/* ---- the format ---------------------------------------------------------- */

/* The size of a code in native or standard mode; 0 for a code that the
 * mode lacks. Native alignment equals the native size. */
static int code_size(char c, bool native) {
    switch (c) {
    case 'x': case 'c': case 'b': case 'B': case '?': case 's': case 'p': return 1;
    case 'h': case 'H': case 'e': return 2;
    case 'i': case 'I': case 'f': return 4;
    case 'l': case 'L': return native ? (int)sizeof(long) : 4;
    case 'q': case 'Q': case 'd': return 8;
    case 'n': case 'N': return native ? (int)sizeof(size_t) : 0;
    case 'P': return native ? (int)sizeof(void *) : 0;
    default: return 0;
    }
}

/* The next code and its repeat count; false at the end. Assumes a format
 * that fmt_scan accepted. */
static bool fmt_next(Fmt *f, const char **s, char *code, int64_t *count) {
    while (*s < f->end && (**s == ' ' || (**s >= '\t' && **s <= '\r'))) (*s)++;
    if (*s >= f->end) return false;
    int64_t n = 1;
    if (**s >= '0' && **s <= '9') {
        n = 0;
        while (**s >= '0' && **s <= '9') n = n * 10 + (*(*s)++ - '0');
    }
    *code = *(*s)++;
    *count = n;
    return true;
}

/* A str format is encoded as ASCII first, as CPython's converter does: a
 * run of other characters is its UnicodeEncodeError. False after raising. */
static bool fmt_ascii(VM *vm, Value v, const Fmt *f) {
    int64_t i = 0, j;
    const char *p = f->s;
    for (; p < f->end && (unsigned char)*p < 0x80; p++) i++;
    if (p == f->end) return true;
    j = i;
    for (; p < f->end && (unsigned char)*p >= 0x80; p++)
        if (((unsigned char)*p & 0xC0) != 0x80) j++;    /* a character's first byte */
    exc_unicode_error(vm, E_UnicodeEncodeError, "ascii", v, i, j, "ordinal not in range(128)");
    return false;
}

/* Reads the format argument (str or bytes) and checks it. */
static bool fmt_scan(VM *vm, Value v, Fmt *f) {
    if (is_str(v)) f->s = AS(ObjStr, v)->data, f->end = f->s + AS(ObjStr, v)->len;
    else if (is_kind(v, OBJ_BYTES)) f->s = (const char *)AS(ObjBytes, v)->data, f->end = f->s + AS(ObjBytes, v)->len;
    else {
        exc_raise(vm, E_TypeError, "Struct() argument 1 must be a str or bytes object, not %T", v);
        return false;
    }
    if (is_str(v) && !fmt_ascii(vm, v, f)) return false;
    if (memchr(f->s, 0, (size_t)(f->end - f->s))) return raise_error(vm, "embedded null character"), false;
    f->native = true;
    f->little = true;    /* the byte order of every machine Asy builds on */
    if (f->s < f->end && *f->s && strchr("@=<>!", *f->s)) {
        char o = *f->s++;
        f->native = o == '@';
        f->little = o == '@' || o == '=' || o == '<';
    }
    f->size = f->nitems = 0;
    for (const char *s = f->s; s < f->end;) {
        if (*s == ' ' || (*s >= '\t' && *s <= '\r')) { s++; continue; }
        int64_t n = 1;
        if (*s >= '0' && *s <= '9') {
            n = 0;
            for (; s < f->end && *s >= '0' && *s <= '9'; s++) {
                if (n > (INT64_MAX - 9) / 10) return raise_error(vm, "total struct size too long"), false;
                n = n * 10 + (*s - '0');
            }
            if (s == f->end) return raise_error(vm, "repeat count given without format specifier"), false;
        }
        char c = *s++;
        int size = code_size(c, f->native);
        if (!size) return raise_error(vm, "bad char in struct format"), false;
        if (f->native && f->size % size) f->size += size - f->size % size;
        int64_t add = c == 's' || c == 'p' ? n : n * size;
        if ((c != 's' && c != 'p' && n > INT64_MAX / size) || f->size > INT64_MAX - add)
            return raise_error(vm, "total struct size too long"), false;
        f->size += add;
        f->nitems += c == 'x' ? 0 : c == 's' || c == 'p' ? 1 : n;
    }
    return true;
}

/* ---- integers and floats -------------------------------------------------- */

static void put_uint(uint8_t *p, uint64_t x, int size, bool little) {
    for (int i = 0; i < size; i++) p[little ? i : size - 1 - i] = (uint8_t)(x >> (8 * i));
}

static uint64_t get_uint(const uint8_t *p, int size, bool little) {
    uint64_t x = 0;
    for (int i = 0; i < size; i++) x |= (uint64_t)p[little ? i : size - 1 - i] << (8 * i);
    return x;
}

/* The int behind v (through __index__), or struct.error. */
static Value int_of(VM *vm, Value v) {
    if (is_intlike(v)) return is_bool(v) ? int_val(as_bool(v)) : v;
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) return raise_error(vm, "required argument is not an integer");
    Value r = op_call1(vm, m, v);
    if (r != ERR && !is_intlike(r)) return exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", r);
    return r;
}

/* An int as uint64 when 0 <= v < 2**64. */
static bool to_u64(Value v, uint64_t *out) {
    int64_t i;
    if (int_to_i64(v, &i)) {
        *out = (uint64_t)i;
        return i >= 0;
    }
    if (int_sign(v) < 0 || int_bit_length(v) > 64) return false;
    mp_int m;
    if (mp_init(&m) != MP_OKAY) return false;
    bool ok = int_to_mp(v, &m);
    *out = mp_get_mag_u64(&m);
    mp_clear(&m);
    return ok;
}

/* CPython 3.12 names the code and its range for every integer code, however
 * far out of range the value is. */
static bool range_error(VM *vm, char c, int size, bool is_signed) {
    if (is_signed) {
        int64_t hi = (int64_t)((1ull << (8 * size - 1)) - 1);
        raise_error(vm, "'%c' format requires %lld <= number <= %lld", c, (long long)(-hi - 1), (long long)hi);
    } else {
        uint64_t hi = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
        raise_error(vm, "'%c' format requires 0 <= number <= %llu", c, (unsigned long long)hi);
    }
    return false;
}

/* Packs an integer code with the range checks of CPython's _struct: 'P'
 * takes any value that fits 64 bits, signed or not ("int too large to
 * convert" otherwise); the other codes must fit their own range. */
static bool pack_int(VM *vm, uint8_t *p, char c, int size, Value v, Fmt *f) {
    Value iv = int_of(vm, v);
    if (iv == ERR) return false;
    bool is_signed = strchr("bhilqn", c) != NULL;
    int64_t i;
    uint64_t u;
    if (c == 'P') {
        if (int_to_i64(iv, &i)) u = (uint64_t)i;
        else if (!to_u64(iv, &u)) return raise_error(vm, "int too large to convert"), false;
        put_uint(p, u, size, f->little);
        return true;
    }
    if (is_signed) {
        if (!int_to_i64(iv, &i)) return range_error(vm, c, size, true);
        int64_t lo = size == 8 ? INT64_MIN : -(int64_t)(1ull << (8 * size - 1));
        int64_t hi = size == 8 ? INT64_MAX : (int64_t)(1ull << (8 * size - 1)) - 1;
        if (i < lo || i > hi) return range_error(vm, c, size, true);
        put_uint(p, (uint64_t)i, size, f->little);
        return true;
    }
    if (!to_u64(iv, &u) || (size < 8 && u >> (8 * size))) return range_error(vm, c, size, false);
    put_uint(p, u, size, f->little);
    return true;
}

static Value unpack_int(VM *vm, const uint8_t *p, char c, int size, Fmt *f) {
    uint64_t u = get_uint(p, size, f->little);
    if (!strchr("bhilqn", c)) return int_from_u64(vm, u);
    if (size < 8 && (u >> (8 * size - 1)) & 1) u |= ~0ull << (8 * size);
    return int_from_i64(vm, (int64_t)u);
}

/* The float behind v (float, int, __float__ or __index__), or struct.error. */
static bool float_of(VM *vm, Value v, double *out) {
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_intlike(v)) {
        if (int_to_float(vm, v, out) != ERR) return true;
        vm->exc = UNDEF;
    } else {
        Value m = op_special(vm, v, N___float__);
        if (m == UNDEF) m = op_special(vm, v, N___index__);
        if (m != UNDEF) {
            Value r = op_call1(vm, m, v);
            if (r == ERR) return false;
            if (is_float(r)) { *out = as_float(r); return true; }
            if (is_intlike(r) && int_to_float(vm, r, out) != ERR) return true;
            vm->exc = UNDEF;
        }
    }
    raise_error(vm, "required argument is not a float");
    return false;
}

static bool pack_float(VM *vm, uint8_t *p, char c, Value v, Fmt *f) {
    double x;
    if (!float_of(vm, v, &x)) return false;
    if (c == 'e') {
        uint16_t h;
        if (!half_from_double(x, &h))
            return exc_raise(vm, E_OverflowError, "float too large to pack with e format"), false;
        put_uint(p, h, 2, f->little);
    } else if (c == 'f') {
        float y = (float)x;
        if (!f->native && isinf(y) && !isinf(x))
            return exc_raise(vm, E_OverflowError, "float too large to pack with f format"), false;
        uint32_t u;
        memcpy(&u, &y, 4);
        put_uint(p, u, 4, f->little);
    } else {
        uint64_t u;
        x = float_canon(x);
        memcpy(&u, &x, 8);
        put_uint(p, u, 8, f->little);
    }
    return true;
}

static Value unpack_float(const uint8_t *p, char c, Fmt *f) {
    if (c == 'e') return float_val(half_to_double((uint16_t)get_uint(p, 2, f->little)));
    if (c == 'f') {
        uint32_t u = (uint32_t)get_uint(p, 4, f->little);
        float y;
        memcpy(&y, &u, 4);
        return float_val((double)y);
    }
    uint64_t u = get_uint(p, 8, f->little);
    double x;
    memcpy(&x, &u, 8);
    return float_val(x);
}

/* ---- packing and unpacking -------------------------------------------------- */

/* Packs one value of a code (not 'x', 's' or 'p') at p. */
static bool pack_one(VM *vm, uint8_t *p, char c, int size, Value v, Fmt *f) {
    switch (c) {
    case 'c':
        if (!is_kind(v, OBJ_BYTES) || AS(ObjBytes, v)->len != 1)
            return raise_error(vm, "char format requires a bytes object of length 1"), false;
        *p = AS(ObjBytes, v)->data[0];
        return true;
    case '?': {
        int t = op_truthy(vm, v);
        if (t < 0) return false;
        *p = (uint8_t)t;
        return true;
    }
    case 'e': case 'f': case 'd':
        if (pack_float(vm, p, c, v, f)) return true;
        /* CPython turns any OverflowError of an int argument into this */
        if (is_intlike(v) && exc_is(vm, vm->exc, E_OverflowError))
            raise_error(vm, "int too large to convert");
        return false;
    default: return pack_int(vm, p, c, size, v, f);
    }
}

/* Packs the values into out (f->size bytes, zeroed). */
static bool pack_values(VM *vm, Fmt *f, uint8_t *out, Value *vals) {
    const char *s = f->s;
    char c;
    int64_t n, off = 0;
    while (fmt_next(f, &s, &c, &n)) {
        int size = code_size(c, f->native);
        if (f->native && off % size) off += size - off % size;
        if (c == 'x') { off += n; continue; }
        if (c == 's' || c == 'p') {
            BinBuf b;
            if (!binbuf_get(*vals, &b))
                return raise_error(vm, "argument for '%c' must be a bytes object", c), false;
            vals++;
            int64_t room = c == 'p' ? (n ? n - 1 : 0) : n, k = b.n < room ? b.n : room;
            if (c == 'p' && n) out[off] = (uint8_t)(k < 255 ? k : 255);
            if (k) memcpy(out + off + (c == 'p'), b.p, (size_t)k);
            off += n;
            continue;
        }
        for (int64_t i = 0; i < n; i++, off += size) {
            if (!pack_one(vm, out + off, c, size, *vals++, f)) return false;
        }
    }
    return true;
}

static Value unpack_values(VM *vm, Fmt *f, const uint8_t *in) {
    ObjTuple *t = tuple_new(vm, f->nitems);
    if (!t) return ERR;
    for (int64_t i = 0; i < f->nitems; i++) t->items[i] = NONE_VAL;
    const char *s = f->s;
    char c;
    int64_t n, off = 0, k = 0;
    while (fmt_next(f, &s, &c, &n)) {
        int size = code_size(c, f->native);
        if (f->native && off % size) off += size - off % size;
        if (c == 'x') { off += n; continue; }
        Value v;
        if (c == 's' || c == 'p') {
            int64_t len = n;
            if (c == 'p') len = n ? (in[off] < n - 1 ? in[off] : n - 1) : 0;
            v = bytes_new(vm, in + off + (c == 'p' && n), (size_t)len);
            if (v == ERR) return ERR;
            t->items[k++] = v;
            off += n;
            continue;
        }
        for (int64_t i = 0; i < n; i++, off += size) {
            if (c == 'c') v = bytes_new(vm, in + off, 1);
            else if (c == '?') v = bool_val(in[off] != 0);
            else if (c == 'e' || c == 'f' || c == 'd') v = unpack_float(in + off, c, f);
            else v = unpack_int(vm, in + off, c, size, f);
            if (v == ERR) return ERR;
            t->items[k++] = v;
        }
    }
    return obj_val(t);
}

/* ---- the functions -------------------------------------------------------------- */

static Value s_calcsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Fmt f;
    if (!args_check(vm, "calcsize", nargs, kw, 1, 1) || !fmt_scan(vm, args[0], &f)) return ERR;
    return int_from_i64(vm, f.size);
}

static Value s_pack(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Fmt f;
    if (!args_no_kw(vm, "pack", kw)) return ERR;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "missing format argument");
    if (!fmt_scan(vm, args[0], &f)) return ERR;
    if (nargs - 1 != f.nitems)
        return raise_error(vm, "pack expected %lld items for packing (got %d)", (long long)f.nitems, nargs - 1);
    Value out = bytes_new(vm, NULL, (size_t)f.size);
    if (out == ERR || !vm_push_root(vm, out)) return ERR;
    memset(AS(ObjBytes, out)->data, 0, (size_t)f.size);
    bool ok = pack_values(vm, &f, AS(ObjBytes, out)->data, args + 1);
    vm_pop_roots(vm, 1);
    return ok ? out : ERR;
}

/* Resolves an offset into a buffer of n bytes for an item of `size` bytes,
 * with CPython's messages for pack_into (packing) and unpack_from. */
static bool place(VM *vm, int64_t *off, int64_t n, int64_t size, bool packing) {
    const char *verb = packing ? "pack" : "unpack";
    if (*off < 0) {
        if (*off + size > 0) {
            if (packing) raise_error(vm, "no space to pack %lld bytes at offset %lld", (long long)size, (long long)*off);
            else raise_error(vm, "not enough data to unpack %lld bytes at offset %lld", (long long)size, (long long)*off);
            return false;
        }
        if (*off + n < 0) {
            raise_error(vm, "offset %lld out of range for %lld-byte buffer", (long long)*off, (long long)n);
            return false;
        }
        *off += n;
    }
    if (n - *off < size) {
        /* size + offset in unsigned: it may pass INT64_MAX */
        raise_error(vm, "%s%s requires a buffer of at least %llu bytes for %sing %lld bytes at offset %lld "
                    "(actual buffer size is %lld)", verb, packing ? "_into" : "_from",
                    (unsigned long long)size + (unsigned long long)*off, verb, (long long)size, (long long)*off,
                    (long long)n);
        return false;
    }
    return true;
}

/* pack_into's target: a bytearray, a writable memoryview, or an object
 * whose __buffer__ gives a writable view (array.array). *view is the
 * memoryview to root (UNDEF for the first two); false after raising. */
static bool writable_target(VM *vm, Value v, Value *view) {
    uint8_t *p;
    int64_t n;
    *view = UNDEF;
    if (binbuf_writable(v, &p, &n)) return true;
    Value mv = memview_from_buffer_method(vm, v);
    if (mv == ERR) return false;
    if (mv != UNDEF && binbuf_writable(mv, &p, &n)) return (*view = mv), true;
    exc_raise(vm, E_TypeError, "argument must be read-write bytes-like object, not %T", v);
    return false;
}

static Value s_pack_into(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Fmt f;
    int64_t off, n;
    uint8_t *p;
    Value view;
    if (!args_no_kw(vm, "pack_into", kw)) return ERR;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "missing format argument");
    if (!fmt_scan(vm, args[0], &f)) return ERR;
    if (nargs - 3 != f.nitems) {
        if (nargs < 2) return exc_raise(vm, E_TypeError, "pack_into expected buffer argument");
        if (nargs < 3) return exc_raise(vm, E_TypeError, "pack_into expected offset argument");
        return raise_error(vm, "pack_into expected %lld items for packing (got %d)", (long long)f.nitems, nargs - 3);
    }
    if (!writable_target(vm, args[1], &view)) return ERR;
    Value target = view == UNDEF ? args[1] : view;
    if (!vm_push_root(vm, target)) return ERR;
    bool ok = index_value(vm, args[2], &off, NULL) && binbuf_writable(target, &p, &n) &&
              place(vm, &off, n, f.size, true);
    /* Pack into a scratch copy: converting the values may run script code
     * that resizes the bytearray. */
    Value tmp = ok ? bytes_new(vm, NULL, (size_t)f.size) : ERR;
    if (tmp == ERR || !vm_push_root(vm, tmp)) return vm_pop_roots(vm, 1), ERR;
    memset(AS(ObjBytes, tmp)->data, 0, (size_t)f.size);
    ok = pack_values(vm, &f, AS(ObjBytes, tmp)->data, args + 3);
    vm_pop_roots(vm, 2);
    if (!ok) return ERR;
    if (!binbuf_writable(target, &p, &n) || off + f.size > n) return raise_error(vm, "buffer changed size while packing");
    if (f.size) memcpy(p + off, AS(ObjBytes, tmp)->data, (size_t)f.size);
    return NONE_VAL;
}

/* A bytes-like argument, or the memoryview that its __buffer__ gives (an
 * array.array's), kept as a root until the caller pops it (*rooted). */
static bool buffer_arg(VM *vm, Value v, BinBuf *b, bool *rooted) {
    *rooted = false;
    if (binbuf_get(v, b)) return true;
    Value mv = memview_from_buffer_method(vm, v);
    if (mv == ERR) return false;
    if (mv == UNDEF || !binbuf_get(mv, b)) return binbuf_arg(vm, v, b);
    return (*rooted = vm_push_root(vm, mv));
}

static Value s_unpack(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Fmt f;
    BinBuf b;
    if (!args_no_kw(vm, "unpack", kw)) return ERR;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "unpack expected 2 arguments, got %d", nargs);
    bool rooted;
    if (!fmt_scan(vm, args[0], &f) || !buffer_arg(vm, args[1], &b, &rooted)) return ERR;
    Value r = b.n != f.size ? raise_error(vm, "unpack requires a buffer of %lld bytes", (long long)f.size)
                            : unpack_values(vm, &f, b.p);
    if (rooted) vm_pop_roots(vm, 1);
    return r;
}

static Value s_unpack_from(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"format", "buffer", "offset"};
    Value a[3];
    Fmt f;
    BinBuf b;
    int64_t off = 0;
    if (!args_bind(vm, "unpack_from", args, nargs, kw, names, 3, 3, 2, 0, a)) return ERR;
    if (!fmt_scan(vm, a[0], &f)) return ERR;
    if (a[2] != UNDEF && !index_value(vm, a[2], &off, NULL)) return ERR;
    bool rooted;
    if (!buffer_arg(vm, a[1], &b, &rooted)) return ERR;
    Value r = place(vm, &off, b.n, f.size, false) ? unpack_values(vm, &f, b.p + off) : ERR;
    if (rooted) vm_pop_roots(vm, 1);
    return r;
}

/* _iter_check(format, buffer): the struct's size after checking that the
 * buffer holds a whole number of structs (struct.asy iterates). */
static Value s_iter_check(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Fmt f;
    BinBuf b;
    if (!args_check(vm, "iter_unpack", nargs, kw, 2, 2) || !fmt_scan(vm, args[0], &f)) return ERR;
    if (f.size == 0) return raise_error(vm, "cannot iteratively unpack with a struct of length 0");
    bool rooted;
    if (!buffer_arg(vm, args[1], &b, &rooted)) return ERR;
    if (rooted) vm_pop_roots(vm, 1);     /* only its length is read */
    if (b.n % f.size)
        return raise_error(vm, "iterative unpacking requires a buffer of a multiple of %lld bytes", (long long)f.size);
    return int_from_i64(vm, f.size);
}

bool mod_struct_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; } funcs[] = {
        {"calcsize", s_calcsize}, {"pack", s_pack}, {"pack_into", s_pack_into}, {"unpack", s_unpack},
        {"unpack_from", s_unpack_from}, {"_iter_check", s_iter_check},
    };
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (!module_add_native(vm, m, funcs[i].name, funcs[i].fn)) return false;
    }
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_from(vm, (Value[]){obj_val(vm->exc_types[E_Exception])}, 1);
    Value modname = str_from_cstr(vm, "struct");
    if (!ns || !bases || modname == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return false;
    Value err = class_new(vm, str_intern_cstr(vm, "error"), bases, ns);
    return err != ERR && module_add_value(vm, m, "error", err);
}
