/* The array module: array.array, a mutable sequence of numbers or
 * characters of one C type (the typecodes bBuhHiIlLqQfd, with CPython's
 * sizes), with CPython's interface, reprs and errors.
 *
 * An array is an OBJ_INSTANCE, as a deque is (collections.c), so that
 * subclasses with their own __new__, __init__ and attributes work as for
 * any class. Its state is a Core (OBJ_CDATA), kept under the int key 0 in
 * the dict that the collector's subtype map pairs with the instance's
 * attribute dict (as defaultdict keeps its factory), so vars() does not
 * show it. The Core holds the typecode and the items packed in a
 * bytearray, in native order and sizes ('u' as 4-byte code points):
 * memoryview(a) is a view of that bytearray (memview_typed), so writes
 * through it change the array, and while one exists (the bytearray's
 * `exports`) the array refuses to change size.
 *
 * Converting an item may run script code (__index__, __float__), which
 * may change the array: items are converted into a local buffer first,
 * and the array's memory is looked at only afterwards. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/memview.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

/* ---- typecodes ------------------------------------------------------------ */

typedef struct Kind {
    char code;
    uint8_t size;
    bool is_signed;
    const char *name;   /* the C type as CPython's range messages name it */
    int mformat;        /* the machine format code pickles carry (little-endian) */
} Kind;

static const Kind kinds[] = {
    {'b', 1, true, "signed char", 1}, {'B', 1, false, "unsigned byte integer", 0},
    {'u', 4, false, NULL, 20}, {'h', 2, true, "signed short integer", 4},
    {'H', 2, false, "unsigned short", 2}, {'i', 4, true, "signed integer", 8},
    {'I', 4, false, "unsigned int", 6}, {'l', 8, true, NULL, 12}, {'L', 8, false, NULL, 10},
    {'q', 8, true, NULL, 12}, {'Q', 8, false, NULL, 10}, {'f', 4, false, NULL, 14},
    {'d', 8, false, NULL, 16},
};

static const Kind *kind_of_code(char code) {
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].code == code) return &kinds[i];
    return NULL;
}

static const Kind *kind_of(Value code) {
    if (!is_str(code) || AS(ObjStr, code)->len != 1) return NULL;
    return kind_of_code(AS(ObjStr, code)->data[0]);
}

static bool is_float_kind(const Kind *k) { return k->code == 'f' || k->code == 'd'; }

/* ---- the core ----------------------------------------------------------- */

typedef struct Core {
    Obj obj;
    ObjByteArray *buf;      /* the items, packed */
    ObjTuple *types;        /* (array.array, arrayiterator, the Core class) */
    const Kind *kind;
} Core;

static void core_mark(VM *vm, Obj *o) {
    Core *c = (Core *)o;
    if (c->buf) gc_mark_value(vm, obj_val(c->buf));
    if (c->types) gc_mark_value(vm, obj_val(c->types));
}

static const CType core_ctype = {sizeof(Core), core_mark, NULL, NULL};

#define HIDDEN_KEY int_val(0)

static int64_t core_len(const Core *c) { return c->buf->len / c->kind->size; }
static uint8_t *core_at(const Core *c, int64_t i) { return c->buf->data + i * c->kind->size; }
static ObjClass *array_class(const Core *c) { return AS(ObjClass, c->types->items[0]); }

/* The core of an array (or of an instance of a subclass); NULL for any
 * other value. */
static Core *core_find(VM *vm, Value v) {
    if (!is_obj(v) || as_obj(v)->kind != OBJ_INSTANCE) return NULL;
    ObjDict *attrs = ((ObjInstance *)as_obj(v))->dict;
    ObjDict *hidden = attrs ? gc_subtype_dict(vm, &attrs->obj) : NULL;
    Value c = hidden ? dict_get(vm, hidden, HIDDEN_KEY) : UNDEF;
    return is_kind(c, OBJ_CDATA) && as_obj(c)->cls->ctype == &core_ctype ? (Core *)as_obj(c) : NULL;
}

/* The receiver's core, or NULL after TypeError (an instance whose
 * __dict__ was replaced has lost it). */
static Core *self_core(VM *vm, Value self) {
    Core *c = core_find(vm, self);
    if (!c) exc_raise(vm, E_TypeError, "descriptor requires a 'array.array' object but received a '%T'", self);
    return c;
}

/* A new empty array of class cls (array.array or a subclass). */
static Value array_make(VM *vm, ObjTuple *types, ObjClass *cls, const Kind *k, Core **out) {
    if (cls->instance_kind != OBJ_INSTANCE || (cls->obj.flags & CLASS_SLOTS)) {
        /* a class that also derives from list, an exception, ...: an array
         * needs a plain instance with an attribute dict */
        exc_raise(vm, E_TypeError, "multiple bases have instance lay-out conflict");
        return ERR;
    }
    ObjInstance *self = instance_new(vm, cls);
    ObjDict *hidden = self ? gc_subtype_dict_make(vm, &self->dict->obj) : NULL;
    Value buf = hidden ? bytearray_new(vm, NULL, 0) : ERR;
    Core *c = buf != ERR ? gc_new(vm, sizeof(Core), OBJ_CDATA, AS(ObjClass, types->items[2])) : NULL;
    if (!c) return ERR;
    c->buf = AS(ObjByteArray, buf);
    c->types = types;
    c->kind = k;
    if (dict_set(vm, hidden, HIDDEN_KEY, obj_val(c)) < 0) return ERR;
    *out = c;
    return obj_val(self);
}

/* ---- storage -------------------------------------------------------------- */

/* Whether c's size may change: BufferError while a memoryview exports its
 * items (after one collection has dropped the views nothing refers to any
 * more, which CPython's reference counts would have freed). It may
 * collect, so callers hold nothing that is not reachable. */
static bool can_resize(VM *vm, Core *c) {
    if (c->buf->exports > 0) gc_collect(vm);
    if (c->buf->exports <= 0) return true;
    exc_raise(vm, E_BufferError, "cannot resize an array that is exporting buffers");
    return false;
}

/* Replaces items [start, stop) by the n items at p, which must not point
 * into the array; the caller has checked can_resize if the size changes. */
static bool splice(VM *vm, Core *c, int64_t start, int64_t stop, const uint8_t *p, int64_t n) {
    int64_t size = c->kind->size, len = core_len(c);
    if (n > (INT64_MAX / size) - (len - (stop - start))) { exc_nomem(vm); return false; }
    if (!bytearray_reserve(vm, c->buf, (len - (stop - start) + n) * size)) return false;
    uint8_t *d = c->buf->data;
    if (len > stop) memmove(d + (start + n) * size, d + stop * size, (size_t)((len - stop) * size));
    if (n) memcpy(d + start * size, p, (size_t)(n * size));
    c->buf->len = (len - (stop - start) + n) * size;
    return true;
}

/* Appends n items from p (which may be the array's own memory). */
static bool append_items(VM *vm, Core *c, const uint8_t *p, int64_t n) {
    if (n == 0) return true;
    if (!can_resize(vm, c)) return false;
    if (p >= c->buf->data && p < c->buf->data + c->buf->len) {
        uint8_t *copy = gc_malloc(vm, (size_t)(n * c->kind->size));
        if (!copy) return false;
        memcpy(copy, p, (size_t)(n * c->kind->size));
        bool ok = splice(vm, c, core_len(c), core_len(c), copy, n);
        gc_free(vm, copy, (size_t)(n * c->kind->size));
        return ok;
    }
    return splice(vm, c, core_len(c), core_len(c), p, n);
}

/* Deletes items [start, stop). */
static bool delete_items(VM *vm, Core *c, int64_t start, int64_t stop) {
    if (stop <= start) return true;
    return can_resize(vm, c) && splice(vm, c, start, stop, NULL, 0);
}

/* ---- items ------------------------------------------------------------------ */

static Value bad_char(VM *vm, uint32_t cp) {
    return exc_raise(vm, E_ValueError, "character U+%x is not in range [U+0000; U+10ffff]", (unsigned)cp);
}

/* Item i as a value. */
static Value item_get(VM *vm, const Core *c, int64_t i) {
    const uint8_t *p = core_at(c, i);
    switch (c->kind->code) {
    case 'b': return int_val((int8_t)*p);
    case 'B': return int_val(*p);
    case 'h': { int16_t x; memcpy(&x, p, 2); return int_val(x); }
    case 'H': { uint16_t x; memcpy(&x, p, 2); return int_val(x); }
    case 'i': { int32_t x; memcpy(&x, p, 4); return int_val(x); }
    case 'I': { uint32_t x; memcpy(&x, p, 4); return int_val(x); }
    case 'f': { float x; memcpy(&x, p, 4); return float_val(x); }
    case 'd': { double x; memcpy(&x, p, 8); return float_val(x); }
    case 'u': {
        uint32_t x;
        memcpy(&x, p, 4);
        if (x > 0x10FFFF) return exc_raise(vm, E_ValueError, "chr() arg not in range(0x110000)");
        return str_char(vm, x);
    }
    case 'l': case 'q': { int64_t x; memcpy(&x, p, 8); return int_from_i64(vm, x); }
    default: { uint64_t x; memcpy(&x, p, 8); return int_from_u64(vm, x); }
    }
}

/* The int behind v (through __index__), or TypeError. */
static Value int_arg(VM *vm, Value v) {
    if (is_intlike(v)) return is_bool(v) ? int_val(as_bool(v)) : v;
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    Value r = op_call1(vm, m, v);
    if (r != ERR && !is_intlike(r)) return exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", r);
    return r;
}

/* n as a uint64 when 0 <= n < 2**64. */
static bool to_u64(Value n, uint64_t *out) {
    int64_t x;
    if (int_to_i64(n, &x)) {
        *out = (uint64_t)x;
        return x >= 0;
    }
    if (!is_bigint(n) || int_sign(n) < 0) return false;
    const mp_int *m = int_mp(AS(ObjBigInt, n));
    if (mp_count_bits(m) > 64) return false;
    *out = mp_get_u64(m);
    return true;
}

static void store_uint(uint8_t *out, int size, uint64_t x) {
    switch (size) {
    case 1: *out = (uint8_t)x; break;
    case 2: { uint16_t y = (uint16_t)x; memcpy(out, &y, 2); break; }
    case 4: { uint32_t y = (uint32_t)x; memcpy(out, &y, 4); break; }
    default: memcpy(out, &x, 8); break;
    }
}

static bool overflow(VM *vm, const char *msg) {
    exc_raise(vm, E_OverflowError, "%s", msg);
    return false;
}

/* The unsigned codes of 4 and 8 bytes, and q and Q, as CPython words their
 * range errors. */
static bool pack_wide(VM *vm, const Kind *k, Value n, uint8_t *out) {
    int64_t x;
    uint64_t u;
    if (k->code == 'q') {
        if (!int_to_i64(n, &x)) return overflow(vm, "int too big to convert");
        store_uint(out, 8, (uint64_t)x);
        return true;
    }
    bool neg = int_sign(n) < 0;
    if (k->code == 'Q') {
        if (neg) return overflow(vm, "can't convert negative int to unsigned");
        if (!to_u64(n, &u)) return overflow(vm, "int too big to convert");
    } else {
        if (neg) return overflow(vm, "can't convert negative value to unsigned int");
        if (!to_u64(n, &u)) return overflow(vm, "Python int too large to convert to C unsigned long");
        if (k->code == 'I' && u > UINT32_MAX) return overflow(vm, "unsigned int is greater than maximum");
    }
    store_uint(out, k->size, u);
    return true;
}

/* x within the range of kind k (of fewer than 8 bytes), or OverflowError
 * naming its C type. */
static bool in_kind_range(VM *vm, const Kind *k, int64_t x) {
    int bits = 8 * k->size;
    int64_t lo = k->is_signed ? -((int64_t)1 << (bits - 1)) : 0;
    int64_t hi = k->is_signed ? ((int64_t)1 << (bits - 1)) - 1 : ((int64_t)1 << bits) - 1;
    if (x >= lo && x <= hi) return true;
    exc_raise(vm, E_OverflowError, "%s is %s", k->name, x > hi ? "greater than maximum" : "less than minimum");
    return false;
}

static bool pack_int(VM *vm, const Kind *k, Value v, uint8_t *out) {
    Value n = int_arg(vm, v);
    if (n == ERR) return false;
    if (k->code == 'q' || k->code == 'Q' || k->code == 'I' || k->code == 'L') return pack_wide(vm, k, n, out);
    int64_t x;
    if (!int_to_i64(n, &x)) return overflow(vm, "Python int too large to convert to C long");
    /* CPython reads a 'b' item as a C short and an 'H' item as a C int
     * first: values outside those ranges are reported as such. */
    const Kind *first = k->code == 'b' ? kind_of_code('h') : k->code == 'H' ? kind_of_code('i') : NULL;
    if ((first && !in_kind_range(vm, first, x)) || (k->size < 8 && !in_kind_range(vm, k, x))) return false;
    store_uint(out, k->size, (uint64_t)x);
    return true;
}

/* Any real number as a double: floats, ints, __float__, __index__. */
static bool to_double(VM *vm, Value v, double *out) {
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_intlike(v)) return int_to_float(vm, v, out) != ERR;
    Value m = op_special(vm, v, N___float__);
    bool is_index = m == UNDEF;
    if (is_index) m = op_special(vm, v, N___index__);
    if (m == UNDEF) {
        exc_raise(vm, E_TypeError, "must be real number, not %T", v);
        return false;
    }
    Value r = op_call1(vm, m, v);
    if (r == ERR) return false;
    if (!is_index && is_float(r)) { *out = as_float(r); return true; }
    if (is_index && is_intlike(r)) return int_to_float(vm, r, out) != ERR;
    exc_raise(vm, E_TypeError, is_index ? "__index__ returned non-int (type %T)" : "%T.__float__ returned non-float (type %T)",
              is_index ? r : v, r);
    return false;
}

/* d rounded to a float; out of its range gives an infinity (a plain C
 * conversion would be undefined there). */
static float to_f32(double d) {
    if (isfinite(d) && fabs(d) > FLT_MAX) {
        /* Above FLT_MAX by less than half a unit in the last place still
         * rounds down to FLT_MAX. */
        double half_ulp = ldexp(1.0, 127 - 24);
        if (fabs(d) < (double)FLT_MAX + half_ulp) return d > 0 ? FLT_MAX : -FLT_MAX;
        return d > 0 ? INFINITY : -INFINITY;
    }
    return (float)d;
}

/* Converts v to an item of kind k at out (k->size bytes), or raises
 * CPython's TypeError or OverflowError. May run script code. */
static bool item_pack(VM *vm, const Kind *k, Value v, uint8_t *out) {
    if (k->code == 'u') {
        if (!is_str(v) || AS(ObjStr, v)->cplen != 1) {
            exc_raise(vm, E_TypeError, "array item must be unicode character");
            return false;
        }
        size_t pos = 0;
        uint32_t cp = utf8_decode(AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len, &pos);
        memcpy(out, &cp, 4);
        return true;
    }
    if (!is_float_kind(k)) return pack_int(vm, k, v, out);
    double d;
    if (!to_double(vm, v, &d)) return false;
    if (k->code == 'd') {
        d = float_canon(d);
        memcpy(out, &d, 8);
    } else {
        float f = to_f32(d);
        memcpy(out, &f, 4);
    }
    return true;
}

/* ---- building arrays ---------------------------------------------------- */

/* Appends one value. */
static bool append_value(VM *vm, Core *c, Value v) {
    uint8_t item[8];
    if (!item_pack(vm, c->kind, v, item) || !can_resize(vm, c)) return false;
    ObjByteArray *b = c->buf;
    if (!bytearray_reserve(vm, b, b->len + c->kind->size)) return false;
    memcpy(b->data + b->len, item, c->kind->size);
    b->len += c->kind->size;
    return true;
}

/* Appends every item of an iterable; a bad one leaves those before it.
 * self (which holds c) must be reachable. */
static bool extend_iterable(VM *vm, Core *c, Value iterable) {
    Value it = op_iter(vm, iterable);
    if (it == ERR || !vm_push_root(vm, it)) return false;
    Value v;
    bool ok = true;
    while (ok && (v = op_next(vm, it)) != UNDEF) ok = v != ERR && append_value(vm, c, v);
    vm_pop_roots(vm, 1);
    return ok;
}

/* Appends the bytes p[0:n] as items; ValueError unless whole items. (A
 * 'u' array takes any 4 bytes, as CPython's: reading a code point beyond
 * U+10FFFF raises.) */
static bool append_bytes(VM *vm, Core *c, const uint8_t *p, int64_t n) {
    int size = c->kind->size;
    if (n % size) {
        exc_raise(vm, E_ValueError, "bytes length not a multiple of item size");
        return false;
    }
    return append_items(vm, c, p, n / size);
}

/* Appends the code points of s to a 'u' array. */
static bool append_str(VM *vm, Core *c, ObjStr *s) {
    if (s->cplen == 0) return true;
    if (!can_resize(vm, c) || !bytearray_reserve(vm, c->buf, c->buf->len + 4 * s->cplen)) return false;
    size_t pos = 0;
    while (pos < (size_t)s->len) {
        uint32_t cp = utf8_decode(s->data, (size_t)s->len, &pos);
        memcpy(c->buf->data + c->buf->len, &cp, 4);
        c->buf->len += 4;
    }
    return true;
}

/* The bytes of a bytes-like object, or of what its __buffer__ gives,
 * kept reachable in *root (None when nothing needed keeping); false
 * after TypeError. */
static bool buffer_of(VM *vm, Value v, BinBuf *b, Value *root) {
    *root = NONE_VAL;
    if (binbuf_get(v, b)) return true;
    Core *c = core_find(vm, v);
    if (c && c->kind->size != 1) {
        /* CPython asks for a buffer of bytes, which only 'b' and 'B' arrays give */
        exc_raise(vm, E_TypeError, "a bytes-like object is required");
        return false;
    }
    Value mv = memview_from_buffer_method(vm, v);
    if (mv == ERR) return false;
    if (mv != UNDEF) {
        *root = mv;
        if (binbuf_get(mv, b)) return true;
    }
    exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", v);
    return false;
}

/* Fills a new array from the initializer of array(typecode, initializer). */
static bool array_fill(VM *vm, Core *c, Value init) {
    if (is_str(init)) {
        if (c->kind->code == 'u') return append_str(vm, c, AS(ObjStr, init));
        exc_raise(vm, E_TypeError, "cannot use a str to initialize an array with typecode '%c'", c->kind->code);
        return false;
    }
    if (is_kind(init, OBJ_BYTES) || is_kind(init, OBJ_BYTEARRAY)) {
        BinBuf b;
        binbuf_get(init, &b);
        return append_bytes(vm, c, b.p, b.n);
    }
    Core *src = core_find(vm, init);
    if (src && src->kind->code == 'u' && c->kind->code != 'u') {
        exc_raise(vm, E_TypeError, "cannot use a unicode array to initialize an array with typecode '%c'",
                  c->kind->code);
        return false;
    }
    if (src && src->kind == c->kind) return append_items(vm, c, src->buf->data, core_len(src));
    return extend_iterable(vm, c, init);
}

/* The class whose __new__ is this module's (array.array) along cls's MRO,
 * and the types tuple its __new__ carries; NULL if cls is not an array
 * type. */
static Value array_new(VM *vm, Value *args, int nargs, ObjTuple *kw);

static ObjTuple *types_of(VM *vm, ObjClass *cls) {
    for (int64_t i = 0; i < cls->mro->len; i++) {
        Value f = dict_get_str(AS(ObjClass, cls->mro->items[i])->dict, vm_name(vm, N___new__));
        if (is_kind(f, OBJ_NATIVE) && AS(ObjNative, f)->fn == array_new) return AS(ObjTuple, AS(ObjNative, f)->data);
    }
    return NULL;
}

/* array.__new__(cls, typecode[, initializer]): the whole construction, as
 * in CPython (array has no __init__ of its own). */
static Value array_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1) return exc_raise(vm, E_TypeError, "array.array.__new__(): not enough arguments");
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "array.array.__new__(X): X is not a type object (%T)", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    ObjTuple *types = types_of(vm, cls);
    if (!types)
        return exc_raise(vm, E_TypeError, "array.array.__new__(%s): %s is not a subtype of array.array",
                         cls->name->data, cls->name->data);
    if (kw && kw->len && cls == AS(ObjClass, types->items[0]))
        return exc_raise(vm, E_TypeError, "array.array() takes no keyword arguments");
    int n = nargs - 1;
    if (n < 1) return exc_raise(vm, E_TypeError, "array() takes at least 1 argument (0 given)");
    if (n > 2) return exc_raise(vm, E_TypeError, "array() takes at most 2 arguments (%d given)", n);
    if (!is_str(args[1]) || AS(ObjStr, args[1])->cplen != 1)
        return exc_raise(vm, E_TypeError, "array() argument 1 must be a unicode character, not %T", args[1]);
    /* CPython looks at the initializer before the typecode: a str or a
     * unicode array for another code, then whether it is iterable at all
     * (taking its iterator, which then fills the array). */
    Value init = n == 2 ? args[2] : UNDEF;
    int code = AS(ObjStr, args[1])->data[0];
    if (init != UNDEF && code != 'u') {
        Core *src = is_str(init) ? NULL : core_find(vm, init);
        if (is_str(init) || (src && src->kind->code == 'u'))
            return exc_raise(vm, E_TypeError, "cannot use a %s to initialize an array with typecode '%s'",
                             is_str(init) ? "str" : "unicode array", AS(ObjStr, args[1])->data);
    }
    const Kind *k0 = kind_of(args[1]);
    if (init != UNDEF && !is_kind(init, OBJ_LIST) && !is_kind(init, OBJ_TUPLE) && !is_kind(init, OBJ_BYTES) &&
        !is_kind(init, OBJ_BYTEARRAY) && !(code == 'u' && is_str(init))) {
        Core *src = core_find(vm, init);
        if (!src || !k0 || src->kind != k0) {
            init = op_iter(vm, init);
            if (init == ERR) return ERR;
        }
    }
    if (!k0) return exc_raise(vm, E_ValueError, "bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)");
    if (init != UNDEF && !vm_push_root(vm, init)) return ERR;
    Core *c;
    Value self = array_make(vm, types, cls, k0, &c);
    if (self == ERR || n == 1) {
        if (init != UNDEF) vm_pop_roots(vm, 1);
        return self;
    }
    if (!vm_push_root(vm, self)) {
        vm_pop_roots(vm, 1);
        return ERR;
    }
    bool ok = array_fill(vm, c, init);
    vm_pop_roots(vm, 2);
    return ok ? self : ERR;
}

/* A new array.array of c's kind holding n items from p (zeros if p is
 * NULL); its core in *out when out is not NULL. */
static Value array_from(VM *vm, const Core *c, const uint8_t *p, int64_t n, Core **out) {
    Core *r;
    Value a = array_make(vm, c->types, array_class(c), c->kind, &r);
    int64_t nbytes = n * c->kind->size;
    if (a == ERR || (nbytes && !bytearray_reserve(vm, r->buf, nbytes))) return ERR;
    if (nbytes && p) memcpy(r->buf->data, p, (size_t)nbytes);
    else if (nbytes) memset(r->buf->data, 0, (size_t)nbytes);
    r->buf->len = nbytes;
    if (out) *out = r;
    return a;
}
/* ---- the sequence protocol ---------------------------------------------- */

/* The receiver of a method taking min..max arguments, or NULL after
 * raising. */
static Core *method_self(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw, int min, int max) {
    if (!args_check(vm, name, nargs - 1, kw, min, max)) return NULL;
    return self_core(vm, args[0]);
}

/* An index a[i] takes: an int or an object with __index__. */
static bool key_index(VM *vm, Value key, int64_t *i) {
    if (!is_intlike(key) && op_special(vm, key, N___index__) == UNDEF) {
        exc_raise(vm, E_TypeError, "array indices must be integers");
        return false;
    }
    return index_value(vm, key, i, NULL);
}

/* i made non-negative, or -1 after IndexError `msg` when outside. */
static int64_t in_range(VM *vm, const Core *c, int64_t i, const char *msg) {
    int64_t n = core_len(c);
    if (i < 0) i += n;
    if (i >= 0 && i < n) return i;
    exc_raise(vm, E_IndexError, "%s", msg);
    return -1;
}

static Value a_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__len__", args, nargs, kw, 0, 0);
    return c ? int_val(core_len(c)) : ERR;
}

static Value get_slice(VM *vm, Core *c, ObjSlice *s) {
    int64_t start, stop, step;
    int64_t n = slice_indices(vm, s, core_len(c), &start, &stop, &step);
    if (n < 0) return ERR;
    if (step == 1) return array_from(vm, c, core_at(c, start), n, NULL);
    Core *r;
    Value a = array_from(vm, c, NULL, n, &r);
    for (int64_t k = 0; a != ERR && k < n; k++)
        memcpy(core_at(r, k), core_at(c, start + k * step), c->kind->size);
    return a;
}

static Value a_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__getitem__", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    if (is_kind(args[1], OBJ_SLICE)) return get_slice(vm, c, AS(ObjSlice, args[1]));
    int64_t i;
    if (!key_index(vm, args[1], &i) || (i = in_range(vm, c, i, "array index out of range")) < 0) return ERR;
    return item_get(vm, c, i);
}

/* Deletes the n items start, start + step, ... (step != 1), closing the
 * gaps. */
static bool delete_stepped(VM *vm, Core *c, int64_t start, int64_t step, int64_t n) {
    if (n == 0) return true;
    if (!can_resize(vm, c)) return false;
    if (step < 0) {
        start += step * (n - 1);
        step = -step;
    }
    int64_t len = core_len(c), size = c->kind->size, w = start;
    for (int64_t k = 0; k < n; k++) {
        int64_t from = start + k * step + 1, to = k + 1 < n ? start + (k + 1) * step : len;
        memmove(core_at(c, w), core_at(c, from), (size_t)((to - from) * size));
        w += to - from;
    }
    c->buf->len = (len - n) * size;
    return true;
}

/* a[start:stop:step] = src (an array of the same kind). */
static bool assign_slice(VM *vm, Core *c, ObjSlice *s, Value v) {
    int64_t start, stop, step;     /* the slice's errors first, as CPython */
    int64_t n = slice_indices(vm, s, core_len(c), &start, &stop, &step);
    if (n < 0) return false;
    Core *src = core_find(vm, v);
    if (!src) {
        exc_raise(vm, E_TypeError, "can only assign array (not \"%T\") to array slice", v);
        return false;
    }
    if (src->kind != c->kind) {
        exc_raise(vm, E_TypeError, "bad argument type for built-in operation");
        return false;
    }
    int64_t m = core_len(src), size = c->kind->size;
    if (step != 1 && m == 0) return delete_stepped(vm, c, start, step, n);
    if (step != 1 && m != n) {
        exc_raise(vm, E_ValueError, "attempt to assign array of size %lld to extended slice of size %lld",
                  (long long)m, (long long)n);
        return false;
    }
    if (m != n && !can_resize(vm, c)) return false;
    uint8_t *copy = gc_malloc(vm, (size_t)(m * size) + 1);   /* src may be the array itself */
    if (!copy) return false;
    memcpy(copy, src->buf->data ? src->buf->data : copy, (size_t)(m * size));
    bool ok = true;
    if (step == 1) ok = splice(vm, c, start, start + n, copy, m);
    else for (int64_t k = 0; k < n; k++) memcpy(core_at(c, start + k * step), copy + k * size, (size_t)size);
    gc_free(vm, copy, (size_t)(m * size) + 1);
    return ok;
}

static Value a_setitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__setitem__", args, nargs, kw, 2, 2);
    if (!c) return ERR;
    if (is_kind(args[1], OBJ_SLICE)) return assign_slice(vm, c, AS(ObjSlice, args[1]), args[2]) ? NONE_VAL : ERR;
    static const char msg[] = "array assignment index out of range";
    int64_t i;
    uint8_t item[8];
    if (!key_index(vm, args[1], &i) || in_range(vm, c, i, msg) < 0 || !item_pack(vm, c->kind, args[2], item))
        return ERR;
    /* checked again: converting the item may have shrunk the array */
    if ((i = in_range(vm, c, i, msg)) < 0) return ERR;
    memcpy(core_at(c, i), item, c->kind->size);
    return NONE_VAL;
}

static Value a_delitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__delitem__", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    int64_t i, stop, step;
    if (is_kind(args[1], OBJ_SLICE)) {
        int64_t n = slice_indices(vm, AS(ObjSlice, args[1]), core_len(c), &i, &stop, &step);
        if (n < 0) return ERR;
        bool ok = step == 1 ? delete_items(vm, c, i, i + n) : delete_stepped(vm, c, i, step, n);
        return ok ? NONE_VAL : ERR;
    }
    if (!key_index(vm, args[1], &i) || (i = in_range(vm, c, i, "array assignment index out of range")) < 0)
        return ERR;
    return delete_items(vm, c, i, i + 1) ? NONE_VAL : ERR;
}

/* The index of the first item in [start, stop) equal to v: -1 if none, -2
 * after an error. Items compare as CPython's (new objects: a NaN item
 * equals nothing). */
static int64_t find(VM *vm, Core *c, Value v, int64_t start, int64_t stop) {
    for (int64_t i = start; i < stop && i < core_len(c); i++) {
        Value x = item_get(vm, c, i);
        int eq = x == ERR ? -1 : op_compare_bool(vm, CMP_EQ, x, v);
        if (eq < 0) return -2;
        if (eq) return i;
    }
    return -1;
}

static Value a_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__contains__", args, nargs, kw, 1, 1);
    int64_t i = c ? find(vm, c, args[1], 0, INT64_MAX) : -2;
    return i == -2 ? ERR : bool_val(i >= 0);
}

static Value a_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "count", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    int64_t n = 0;
    for (int64_t i = find(vm, c, args[1], 0, INT64_MAX); i != -1; i = find(vm, c, args[1], i + 1, INT64_MAX)) {
        if (i == -2) return ERR;
        n++;
    }
    return int_val(n);
}

static Value a_index(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "index", args, nargs, kw, 1, 3);
    int64_t start = 0, stop = INT64_MAX;
    if (!c || (nargs > 2 && !slice_bound(vm, args[2], &start)) || (nargs > 3 && !slice_bound(vm, args[3], &stop)))
        return ERR;
    int64_t n = core_len(c);
    if (start < 0 && (start += n) < 0) start = 0;
    if (stop < 0 && (stop += n) < 0) stop = 0;
    int64_t i = find(vm, c, args[1], start, stop);
    if (i == -1) return exc_raise(vm, E_ValueError, "array.index(x): x not in array");
    return i == -2 ? ERR : int_val(i);
}

static Value a_remove(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "remove", args, nargs, kw, 1, 1);
    int64_t i = c ? find(vm, c, args[1], 0, INT64_MAX) : -2;
    if (i == -1) return exc_raise(vm, E_ValueError, "array.remove(x): x not in array");
    return i == -2 || !delete_items(vm, c, i, i + 1) ? ERR : NONE_VAL;
}

/* ---- methods that change the items ------------------------------------------ */

static Value a_append(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "append", args, nargs, kw, 1, 1);
    return c && append_value(vm, c, args[1]) ? NONE_VAL : ERR;
}

/* a.extend(b) and a += b for an array b: same kind, or TypeError. */
static bool extend_array(VM *vm, Core *c, Core *src) {
    if (src->kind != c->kind) {
        exc_raise(vm, E_TypeError, "can only extend with array of same kind");
        return false;
    }
    return append_items(vm, c, src->buf->data, core_len(src));
}

static Value a_extend(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "extend", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    Core *src = core_find(vm, args[1]);
    bool ok = src ? extend_array(vm, c, src) : extend_iterable(vm, c, args[1]);
    return ok ? NONE_VAL : ERR;
}

static Value a_insert(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "insert", args, nargs, kw, 2, 2);
    int64_t i;
    uint8_t item[8];
    if (!c || !index_value(vm, args[1], &i, NULL) || !item_pack(vm, c->kind, args[2], item) || !can_resize(vm, c))
        return ERR;
    int64_t n = core_len(c);
    if (i < 0 && (i += n) < 0) i = 0;
    if (i > n) i = n;
    return splice(vm, c, i, i, item, 1) ? NONE_VAL : ERR;
}

static Value a_pop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "pop", args, nargs, kw, 0, 1);
    int64_t i = -1;
    if (!c || (nargs > 1 && !index_value(vm, args[1], &i, NULL))) return ERR;
    if (core_len(c) == 0) return exc_raise(vm, E_IndexError, "pop from empty array");
    if ((i = in_range(vm, c, i, "pop index out of range")) < 0) return ERR;
    Value v = item_get(vm, c, i);
    if (v == ERR || !vm_push_root(vm, v)) return ERR;   /* can_resize may collect */
    bool ok = delete_items(vm, c, i, i + 1);
    vm_pop_roots(vm, 1);
    return ok ? v : ERR;
}

static Value a_reverse(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "reverse", args, nargs, kw, 0, 0);
    if (!c) return ERR;
    uint8_t tmp[8];
    int size = c->kind->size;
    for (int64_t i = 0, j = core_len(c) - 1; i < j; i++, j--) {
        memcpy(tmp, core_at(c, i), size);
        memcpy(core_at(c, i), core_at(c, j), size);
        memcpy(core_at(c, j), tmp, size);
    }
    return NONE_VAL;
}

static Value a_byteswap(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "byteswap", args, nargs, kw, 0, 0);
    if (!c) return ERR;
    int size = c->kind->size;
    for (int64_t i = 0; i < core_len(c); i++) {
        uint8_t *p = core_at(c, i);
        for (int a = 0, b = size - 1; a < b; a++, b--) {
            uint8_t t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
    }
    return NONE_VAL;
}

static Value a_buffer_info(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "buffer_info", args, nargs, kw, 0, 0);
    if (!c) return ERR;
    Value addr = int_from_u64(vm, (uint64_t)(uintptr_t)c->buf->data);
    ObjTuple *t = addr == ERR ? NULL : tuple_from(vm, (Value[]){addr, int_val(core_len(c))}, 2);
    return t ? obj_val(t) : ERR;
}

/* ---- conversions ----------------------------------------------------------- */

static Value a_tobytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "tobytes", args, nargs, kw, 0, 0);
    return c ? bytes_new(vm, c->buf->data, (size_t)c->buf->len) : ERR;
}

static Value a_frombytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "frombytes", args, nargs, kw, 1, 1);
    BinBuf b;
    Value keep;
    if (!c || !buffer_of(vm, args[1], &b, &keep) || !vm_push_root(vm, keep)) return ERR;
    bool ok = append_bytes(vm, c, b.p, b.n);
    vm_pop_roots(vm, 1);
    return ok ? NONE_VAL : ERR;
}

static Value to_list(VM *vm, Core *c) {
    ObjList *l = list_new(vm, core_len(c));
    if (!l) return ERR;
    for (int64_t i = 0; i < core_len(c); i++) {
        Value v = item_get(vm, c, i);
        if (v == ERR) return ERR;
        l->items[l->len++] = v;
    }
    return obj_val(l);
}

static Value a_tolist(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "tolist", args, nargs, kw, 0, 0);
    return c ? to_list(vm, c) : ERR;
}

/* fromlist(list): every item is checked before any is added. */
static Value a_fromlist(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "fromlist", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    if (!is_list(args[1])) return exc_raise(vm, E_TypeError, "arg must be list");
    ObjList *l = AS(ObjList, args[1]);
    if (l->len == 0 || !can_resize(vm, c)) return l->len == 0 ? NONE_VAL : ERR;
    int size = c->kind->size;
    size_t cap = gc_array_size((size_t)l->len, (size_t)size);
    uint8_t *items = gc_malloc(vm, cap);
    if (!items) return ERR;
    int64_t n = 0;      /* converting may run code that shortens the list */
    bool ok = true;
    for (; ok && n < l->len && (size_t)(n + 1) * size <= cap; n++) ok = item_pack(vm, c->kind, l->items[n], items + n * size);
    ok = ok && append_items(vm, c, items, n);
    gc_free(vm, items, cap);
    return ok ? NONE_VAL : ERR;
}

static Value a_tounicode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "tounicode", args, nargs, kw, 0, 0);
    if (!c) return ERR;
    if (c->kind->code != 'u') return exc_raise(vm, E_ValueError, "tounicode() may only be called on unicode type arrays");
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < core_len(c); i++) {
        uint32_t cp;
        memcpy(&cp, core_at(c, i), 4);
        if (cp > 0x10FFFF) {
            sb_free(&b);
            return bad_char(vm, cp);
        }
        sb_add_utf8(&b, cp);
    }
    return str_from_buf(vm, &b);
}

static Value a_fromunicode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "fromunicode", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "fromunicode() argument must be str, not %T", args[1]);
    if (c->kind->code != 'u')
        return exc_raise(vm, E_ValueError, "fromunicode() may only be called on unicode type arrays");
    return append_str(vm, c, AS(ObjStr, args[1])) ? NONE_VAL : ERR;
}

/* tofile(f): f.write() of the items' bytes, in blocks of 64 KiB as
 * CPython's (so an empty array writes nothing). */
/* obj.name(*args): AttributeError when obj has no such attribute. */
static Value call_method(VM *vm, Value obj, const char *name, Value *args, int nargs) {
    ObjStr *s = str_intern_cstr(vm, name);
    Value m = s ? op_getattr(vm, obj, s) : ERR;
    return m == ERR ? ERR : op_call(vm, m, args, nargs, NULL);
}

static Value a_tofile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    enum { BLOCK = 64 * 1024 };
    Core *c = method_self(vm, "tofile", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    for (int64_t off = 0; off < c->buf->len; off += BLOCK) {
        int64_t n = c->buf->len - off < BLOCK ? c->buf->len - off : BLOCK;
        Value chunk = bytes_new(vm, c->buf->data + off, (size_t)n);
        if (chunk == ERR || !vm_push_root(vm, chunk)) return ERR;
        Value r = call_method(vm, args[1], "write", &chunk, 1);
        vm_pop_roots(vm, 1);
        if (r == ERR) return ERR;
    }
    return NONE_VAL;
}

/* fromfile(f, n): n items from f.read(); EOFError after adding the whole
 * items read when there were fewer. */
static Value a_fromfile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "fromfile", args, nargs, kw, 2, 2);
    int64_t n;
    if (!c || !index_value(vm, args[2], &n, NULL)) return ERR;
    if (n < 0) return exc_raise(vm, E_ValueError, "negative count");
    if (n > INT64_MAX / c->kind->size) return exc_nomem(vm);
    Value want = int_from_i64(vm, n * c->kind->size);
    Value data = want == ERR ? ERR : call_method(vm, args[1], "read", &want, 1);
    if (data == ERR) return ERR;
    if (!is_kind(data, OBJ_BYTES)) return exc_raise(vm, E_TypeError, "read() didn't return bytes");
    if (!vm_push_root(vm, data)) return ERR;
    ObjBytes *b = AS(ObjBytes, data);
    bool ok = append_bytes(vm, c, b->data, b->len);
    vm_pop_roots(vm, 1);
    if (ok && b->len != n * c->kind->size) return exc_raise(vm, E_EOFError, "read() didn't return enough bytes");
    return ok ? NONE_VAL : ERR;
}

/* __buffer__(flags): a view of the items (PEP 688), which memoryview(),
 * bytes(), bytearray() and bytes.join call. A 'u' array's has CPython's format
 * 'w': its bytes can be read through it, its items cannot. */
static Value a_buffer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__buffer__", args, nargs, kw, 1, 1);
    int64_t flags;
    if (!c || !index_value(vm, args[1], &flags, NULL)) return ERR;
    return memview_typed(vm, obj_val(c->buf), args[0], c->kind->code == 'u' ? 'w' : c->kind->code);
}

static Value a_release_buffer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__release_buffer__", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    if (!is_memview(args[1])) return exc_raise(vm, E_TypeError, "expected a memoryview object");
    return call_method(vm, args[1], "release", NULL, 0);
}

/* ---- operators -------------------------------------------------------------- */

static Value a_add(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__add__", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    Core *src = core_find(vm, args[1]), *r;
    if (!src) return exc_raise(vm, E_TypeError, "can only append array (not \"%T\") to array", args[1]);
    if (src->kind != c->kind) return exc_raise(vm, E_TypeError, "bad argument type for built-in operation");
    Value a = array_from(vm, c, c->buf->data, core_len(c), &r);
    return a != ERR && append_items(vm, r, src->buf->data, core_len(src)) ? a : ERR;
}

static Value a_iadd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__iadd__", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    Core *src = core_find(vm, args[1]);
    if (!src) return exc_raise(vm, E_TypeError, "can only extend array with array (not \"%T\")", args[1]);
    return extend_array(vm, c, src) ? args[0] : ERR;
}

/* The count of a * n (negative counts as 0), or false after raising. The
 * message for a count that is not an int names the operand CPython's
 * sequence repeat was given: `self` when the other operand is a sequence
 * that tried first ('x' * a). */
static bool repeat_count(VM *vm, Value self, Value v, bool reflected, int64_t *n) {
    if (!is_intlike(v) && op_special(vm, v, N___index__) == UNDEF) {
        bool seq = reflected && (is_str(v) || is_list(v) || is_tuple(v) || is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY));
        exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", seq ? self : v);
        return false;
    }
    Value i = int_arg(vm, v);
    if (i == ERR) return false;
    if (!int_to_i64(i, n)) {
        exc_raise(vm, E_OverflowError, "cannot fit 'int' into an index-sized integer");
        return false;
    }
    if (*n < 0) *n = 0;
    return true;
}

/* Fills items [len, len * n) with copies of the first len (the memory has
 * room for them). */
static void repeat_fill(uint8_t *p, int64_t nbytes, int64_t total) {
    for (int64_t done = nbytes; done < total;) {
        int64_t k = done < total - done ? done : total - done;
        memcpy(p + done, p, (size_t)k);
        done += k;
    }
}

static Value repeat(VM *vm, Value *args, int nargs, ObjTuple *kw, bool reflected) {
    Core *c = method_self(vm, reflected ? "__rmul__" : "__mul__", args, nargs, kw, 1, 1), *r;
    int64_t n;
    if (!c || !repeat_count(vm, args[0], args[1], reflected, &n)) return ERR;
    int64_t len = core_len(c);
    if (len && n > INT64_MAX / c->kind->size / len) return exc_nomem(vm);
    Value a = array_from(vm, c, NULL, len * n, &r);
    if (a == ERR || len * n == 0) return a;
    memcpy(r->buf->data, c->buf->data, (size_t)c->buf->len);
    repeat_fill(r->buf->data, c->buf->len, r->buf->len);
    return a;
}

static Value a_mul(VM *vm, Value *a, int n, ObjTuple *kw) { return repeat(vm, a, n, kw, false); }
static Value a_rmul(VM *vm, Value *a, int n, ObjTuple *kw) { return repeat(vm, a, n, kw, true); }

static Value a_imul(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__imul__", args, nargs, kw, 1, 1);
    int64_t n;
    if (!c || !repeat_count(vm, args[0], args[1], false, &n)) return ERR;
    int64_t len = core_len(c);
    if (len == 0 || n == 1) return args[0];
    if (n == 0) return delete_items(vm, c, 0, len) ? args[0] : ERR;
    if (n > INT64_MAX / c->kind->size / len) return exc_nomem(vm);
    if (!can_resize(vm, c) || !bytearray_reserve(vm, c->buf, c->buf->len * n)) return ERR;
    repeat_fill(c->buf->data, c->buf->len, c->buf->len * n);
    c->buf->len *= n;
    return args[0];
}

/* Arrays compare item by item, as CPython's: the first pair that differs
 * decides, else the lengths; anything else is NotImplemented. */
static Value compare(VM *vm, Value *args, int nargs, ObjTuple *kw, CmpOp op) {
    Core *c = method_self(vm, "__eq__", args, nargs, kw, 1, 1);
    if (!c) return ERR;
    Core *d = core_find(vm, args[1]);
    if (!d) return NOTIMPL_VAL;
    int64_t la = core_len(c), lb = core_len(d);
    if ((op == CMP_EQ || op == CMP_NE) && la != lb) return bool_val(op == CMP_NE);
    /* Items of one integer or character kind are equal when their bytes are. */
    bool raw = c->kind == d->kind && !is_float_kind(c->kind);
    for (int64_t i = 0; i < la && i < lb; i++) {
        if (raw && memcmp(core_at(c, i), core_at(d, i), c->kind->size) == 0) continue;
        if (raw && (op == CMP_EQ || op == CMP_NE)) return bool_val(op == CMP_NE);
        Value x = item_get(vm, c, i), y = x == ERR ? ERR : item_get(vm, d, i);
        int eq = y == ERR ? -1 : op_compare_bool(vm, CMP_EQ, x, y);
        if (eq < 0) return ERR;
        if (eq) continue;
        if (op == CMP_EQ || op == CMP_NE) return bool_val(op == CMP_NE);
        return op_compare(vm, op, x, y);
    }
    return op_compare(vm, op, int_val(la), int_val(lb));
}

static Value a_eq(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, CMP_EQ); }
static Value a_ne(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, CMP_NE); }
static Value a_lt(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, CMP_LT); }
static Value a_le(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, CMP_LE); }
static Value a_gt(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, CMP_GT); }
static Value a_ge(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, CMP_GE); }

static Value a_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args, (void)nargs, (void)kw;
    return exc_raise(vm, E_TypeError, "unhashable type: 'array.array'");
}

/* repr: array('i', [1, 2]), array('u', 'ab'); a subclass shows its name. */
static Value a_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__repr__", args, nargs, kw, 0, 0);
    if (!c) return ERR;
    Value items = UNDEF;
    if (core_len(c)) {
        items = c->kind->code == 'u' ? a_tounicode(vm, args, 1, NULL) : to_list(vm, c);
        if (items == ERR) return ERR;
    }
    StrBuf b = SB_INIT;
    sb_addf(&b, "%s('%c'", as_obj(args[0])->cls->name->data, c->kind->code);
    if (items != UNDEF) {
        sb_adds(&b, ", ");
        op_repr_to(vm, items, &b);      /* of ints, floats or a str: cannot fail */
    }
    sb_addc(&b, ')');
    return str_from_buf(vm, &b);
}

static Value a_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__copy__", args, nargs, kw, 0, 0);
    return c ? array_from(vm, c, c->buf->data, core_len(c), NULL) : ERR;
}

static Value a_deepcopy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__deepcopy__", args, nargs, kw, 1, 1);
    return c ? array_from(vm, c, c->buf->data, core_len(c), NULL) : ERR;
}

/* __reduce_ex__(protocol): (cls, (typecode, items), state) before protocol
 * 3, else (_array_reconstructor, (cls, typecode, mformat, bytes), state),
 * as CPython; state is the instance dict (None for a plain array). */
static Value a_reduce_ex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__reduce_ex__", args, nargs, kw, 1, 1);
    int64_t proto;
    if (!c || !index_value(vm, args[1], &proto, NULL)) return ERR;
    ObjClass *cls = as_obj(args[0])->cls;
    ObjDict *d = ((ObjInstance *)as_obj(args[0]))->dict;
    Value state = cls == array_class(c) && d->count == 0 ? NONE_VAL : obj_val(d);
    Value code = str_new_ascii(vm, &c->kind->code, 1);
    Value items = code == ERR ? ERR : proto < 3 ? to_list(vm, c) : a_tobytes(vm, args, 1, NULL);
    if (items == ERR) return ERR;
    ObjTuple *t = proto < 3 ? tuple_from(vm, (Value[]){code, items}, 2)
                            : tuple_from(vm, (Value[]){obj_val(cls), code, int_val(c->kind->mformat), items}, 4);
    Value func = proto < 3 ? obj_val(cls) : c->types->items[3];
    ObjTuple *r = t ? tuple_from(vm, (Value[]){func, obj_val(t), state}, 3) : NULL;
    return r ? obj_val(r) : ERR;
}

/* _array_reconstructor(cls, typecode, mformat, items): what pickles of
 * protocol 3 and later call. Only the machine formats of this machine's
 * typecodes are read. */
static Value array_reconstructor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_array_reconstructor", nargs, kw, 4, 4)) return ERR;
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "first argument must be a type object, not %T", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    ObjTuple *types = types_of(vm, cls);
    if (!types) return exc_raise(vm, E_TypeError, "%s is not a subtype of array.array", cls->name->data);
    const Kind *k = kind_of(args[1]);
    if (!k) return exc_raise(vm, E_ValueError, "second argument must be a valid type code");
    int64_t mformat;
    if (!index_value(vm, args[2], &mformat, NULL)) return ERR;
    if (mformat < 0 || mformat > 21) return exc_raise(vm, E_ValueError, "third argument must be a valid machine format code.");
    if (!is_kind(args[3], OBJ_BYTES))
        return exc_raise(vm, E_TypeError, "fourth argument should be bytes, not %T", args[3]);
    if (mformat != k->mformat)
        return exc_raise(vm, E_NotImplementedError, "array: machine format %d is not this machine's", (int)mformat);
    Core *c;
    Value a = array_make(vm, types, cls, k, &c);
    return a != ERR && append_bytes(vm, c, AS(ObjBytes, args[3])->data, AS(ObjBytes, args[3])->len) ? a : ERR;
}

static Value a_typecode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "typecode", args, nargs, kw, 0, 0);
    return c ? str_new_ascii(vm, &c->kind->code, 1) : ERR;
}

static Value a_itemsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "itemsize", args, nargs, kw, 0, 0);
    return c ? int_val(c->kind->size) : ERR;
}

/* A plain array takes no attributes of its own (CPython's has no dict);
 * a subclass's instances take any. */
/* Whether a name in __slots__ (a str, or a tuple or list of them) is
 * '__dict__'; any other iterable counts as one that may be. */
static bool slots_give_dict(Value slots) {
    if (is_str(slots)) return strcmp(AS(ObjStr, slots)->data, "__dict__") == 0;
    Value *items;
    int64_t n;
    if (is_tuple(slots)) items = AS(ObjTuple, slots)->items, n = AS(ObjTuple, slots)->len;
    else if (is_list(slots)) items = AS(ObjList, slots)->items, n = AS(ObjList, slots)->len;
    else return true;
    for (int64_t i = 0; i < n; i++)
        if (is_str(items[i]) && strcmp(AS(ObjStr, items[i])->data, "__dict__") == 0) return true;
    return false;
}

/* Whether instances of cls, a subclass of array.array, take no names
 * beyond their class's: every class above array.array in the MRO declares
 * __slots__ without '__dict__' (array.array itself has no dict). */
static bool slots_only(VM *vm, ObjClass *cls, ObjClass *array) {
    ObjStr *slots_name = str_intern_cstr(vm, "__slots__");
    if (!slots_name) return false;
    for (int64_t i = 0; i < cls->mro->len; i++) {
        ObjClass *b = AS(ObjClass, cls->mro->items[i]);
        if (b == array) return true;
        Value slots = dict_get_str(b->dict, slots_name);
        if (slots == UNDEF || slots_give_dict(slots)) return false;
    }
    return false;
}

static Value a_setattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__setattr__", args, nargs, kw, 2, 2);
    if (!c) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", args[1]);
    ObjStr *name = AS(ObjStr, args[1]);
    ObjClass *cls = as_obj(args[0])->cls;
    if (cls == array_class(c) && class_lookup(cls, name) == UNDEF)
        return exc_raise(vm, E_AttributeError, "'array.array' object has no attribute '%s'", name->data);
    if (cls != array_class(c) && class_lookup(cls, name) == UNDEF && slots_only(vm, cls, array_class(c)))
        return exc_raise(vm, E_AttributeError, "'%s' object has no attribute '%s'", cls->name->data, name->data);
    return op_generic_setattr(vm, args[0], name, args[2]) < 0 ? ERR : NONE_VAL;
}

/* ---- the iterator ---------------------------------------------------------- */

/* It reads the live array (a = the array, b = its core, i = the next
 * index) and, once exhausted, stays so (a = b = UNDEF), as CPython's. */
static Value iter_next(VM *vm, ObjIter *it) {
    if (it->b == UNDEF) return UNDEF;
    Core *c = (Core *)as_obj(it->b);
    if (it->i < core_len(c)) return item_get(vm, c, it->i++);
    it->a = it->b = UNDEF;
    return UNDEF;
}

static Value a_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Core *c = method_self(vm, "__iter__", args, nargs, kw, 0, 0);
    ObjIter *it = c ? iter_new(vm, AS(ObjClass, c->types->items[1]), iter_next) : NULL;
    if (!it) return ERR;
    it->a = args[0];
    it->b = obj_val(c);
    it->c = UNDEF;
    it->i = 0;
    return obj_val(it);
}

static Value it_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return args_check(vm, "__iter__", nargs - 1, kw, 0, 0) ? args[0] : ERR;
}

static Value it_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    Value v = iter_next(vm, AS(ObjIter, args[0]));
    if (v != UNDEF) return v;
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], vm->empty_tuple);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* (iter, (array,), index), or (iter, ((),)) once exhausted. */
static Value it_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *it = AS(ObjIter, args[0]);
    Value iter = dict_get_str(vm->builtins, str_intern_cstr(vm, "iter"));
    Value arg = it->a == UNDEF ? obj_val(vm->empty_tuple) : it->a;
    ObjTuple *a = iter == UNDEF ? NULL : tuple_from(vm, &arg, 1);
    ObjTuple *r = !a ? NULL : it->a == UNDEF ? tuple_from(vm, (Value[]){iter, obj_val(a)}, 2)
                                              : tuple_from(vm, (Value[]){iter, obj_val(a), int_val(it->i)}, 3);
    return r ? obj_val(r) : ERR;
}

static Value it_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t i;
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1) || !index_value(vm, args[1], &i, NULL)) return ERR;
    ObjIter *it = AS(ObjIter, args[0]);
    if (it->b == UNDEF) return NONE_VAL;
    int64_t n = core_len((Core *)as_obj(it->b));
    it->i = i < 0 ? 0 : i > n ? n : i;
    return NONE_VAL;
}

/* ---- the module --------------------------------------------------------------- */

typedef struct MethodDef {
    const char *name;
    NativeFn fn;
} MethodDef;

static const MethodDef array_methods[] = {
    {"__len__", a_len}, {"__getitem__", a_getitem}, {"__setitem__", a_setitem}, {"__delitem__", a_delitem},
    {"__contains__", a_contains}, {"__iter__", a_iter}, {"__repr__", a_repr}, {"__add__", a_add},
    {"__iadd__", a_iadd}, {"__mul__", a_mul}, {"__rmul__", a_rmul}, {"__imul__", a_imul},
    {"__eq__", a_eq}, {"__ne__", a_ne}, {"__lt__", a_lt}, {"__le__", a_le}, {"__gt__", a_gt}, {"__ge__", a_ge},
    {"__hash__", a_hash}, {"__copy__", a_copy}, {"__deepcopy__", a_deepcopy}, {"__reduce_ex__", a_reduce_ex},
    {"__buffer__", a_buffer}, {"__release_buffer__", a_release_buffer}, {"__setattr__", a_setattr},
    {"append", a_append}, {"extend", a_extend}, {"insert", a_insert}, {"pop", a_pop}, {"remove", a_remove},
    {"index", a_index}, {"count", a_count}, {"reverse", a_reverse}, {"byteswap", a_byteswap},
    {"buffer_info", a_buffer_info}, {"tobytes", a_tobytes}, {"frombytes", a_frombytes}, {"tolist", a_tolist},
    {"fromlist", a_fromlist}, {"tounicode", a_tounicode}, {"fromunicode", a_fromunicode},
    {"tofile", a_tofile}, {"fromfile", a_fromfile},
};

static const MethodDef iter_methods[] = {
    {"__iter__", it_iter}, {"__next__", it_next}, {"__reduce__", it_reduce}, {"__setstate__", it_setstate},
};

static bool add_methods(VM *vm, ObjClass *c, const MethodDef *defs, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!class_add_native(vm, c, defs[i].name, defs[i].fn)) return false;
    return true;
}

static ObjClass *module_class(VM *vm, const char *name, const char *tp_name, ObjKind kind, Value modname) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], kind);
    if (!c || !(c->tp_name = str_intern_cstr(vm, tp_name))) return NULL;
    c->module = modname;
    return c;
}

bool mod_array_init(VM *vm, ObjModule *m) {
    Value modname = str_from_cstr(vm, "array");
    ObjClass *a = modname == ERR ? NULL : module_class(vm, "array", "array.array", OBJ_INSTANCE, modname);
    ObjClass *it = a ? module_class(vm, "arrayiterator", "array.arrayiterator", OBJ_ITER, modname) : NULL;
    ObjClass *core = it ? module_class(vm, "_array_core", "array._array_core", OBJ_CDATA, modname) : NULL;
    ObjNative *recon = core ? native_new(vm, "_array_reconstructor", array_reconstructor) : NULL;
    ObjNative *new_fn = recon ? native_new(vm, "__new__", array_new) : NULL;
    if (!new_fn) return false;
    core->ctype = &core_ctype;
    a->obj.flags |= CLASS_SEQUENCE;     /* for `case [x, y]:` */
    /* what constructing needs, found through the class's __new__ (types_of) */
    ObjTuple *types = tuple_from(vm, (Value[]){obj_val(a), obj_val(it), obj_val(core), obj_val(recon)}, 4);
    if (!types) return false;
    new_fn->data = obj_val(types);
    new_fn->owner = a;
    if (dict_set_str(vm, a->dict, vm_name(vm, N___new__), obj_val(new_fn)) < 0 ||
        dict_set_str(vm, a->dict, vm_name(vm, N___module__), modname) < 0 ||
        !add_methods(vm, a, array_methods, sizeof array_methods / sizeof array_methods[0]) ||
        !add_methods(vm, it, iter_methods, sizeof iter_methods / sizeof iter_methods[0]) ||
        !class_add_property(vm, a, "typecode", a_typecode) || !class_add_property(vm, a, "itemsize", a_itemsize) ||
        !class_add_generic(vm, a))
        return false;
    return module_add_value(vm, m, "array", obj_val(a)) && module_add_value(vm, m, "ArrayType", obj_val(a)) &&
           module_add_value(vm, m, "typecodes", str_from_cstr(vm, "bBuhHiIlLqQfd")) &&
           module_add_value(vm, m, "_array_reconstructor", obj_val(recon));
}
