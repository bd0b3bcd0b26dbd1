/* memoryview: a view of the memory of a bytes or bytearray object, read as
 * items of a struct format ('B' unless cast). Slicing makes another view of
 * the same memory; writing through a view of a bytearray changes it.
 *
 * A cast to a shape gives a view of several dimensions (or of none, for
 * shape ()): its first dimension is len items `stride` bytes apart, as a
 * one-dimensional view's, and the others are laid out as C arrays inside
 * each of those (casts need C-contiguous memory, and only the first
 * dimension can be sliced), so an item's place is simple arithmetic.
 * A view of a bytearray counts as an export of it until it
 * is released or collected: while one exists the bytearray cannot change
 * size (bytes.c asks memview_resize_ok, which collects once to drop the
 * views nothing refers to any more, as CPython's reference counts would). */
#include "memview.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "strbuf.h"

typedef struct MemView {
    Obj obj;
    Value base;         /* the bytes or bytearray whose memory this is */
    Value owner;        /* what .obj reports: base, or the object that exported it (an array) */
    int64_t offset;     /* of item 0, in bytes */
    int64_t len;        /* items */
    int64_t stride;     /* bytes from one item to the next; < 0 when reversed */
    int itemsize;
    int ndim;           /* 1 unless cast to a shape */
    int64_t *dims;      /* ndim > 1: the shape (dims[0] == len; malloc'ed), else NULL (len 1 for ndim 0) */
    char fmt;           /* the struct format character */
    bool readonly, released;
    bool hashed;        /* hash is set: it outlives release(), as CPython's */
    uint64_t hash;
} MemView;

static void mv_mark(VM *vm, Obj *o) {
    gc_mark_value(vm, ((MemView *)o)->base);
    gc_mark_value(vm, ((MemView *)o)->owner);
}

/* Native types whose objects export their own memory (mmap's maps),
 * registered once by the module that defines them. */
static MemExporter exporters[4];
static int nexporters;

void memview_add_exporter(const MemExporter *e) {
    for (int i = 0; i < nexporters; i++)
        if (exporters[i].ctype == e->ctype) return;
    if (nexporters < (int)(sizeof exporters / sizeof exporters[0])) exporters[nexporters++] = *e;
}

/* The exporter whose object base is; NULL for a bytes or bytearray. */
static const MemExporter *external(Value base) {
    if (!is_kind(base, OBJ_CDATA)) return NULL;
    const CType *t = as_obj(base)->cls->ctype;
    for (int i = 0; i < nexporters; i++)
        if (exporters[i].ctype == t) return &exporters[i];
    return NULL;
}

/* An unreleased view of a bytearray (or of a native object's memory) ends
 * its export when collected. */
static void unexport(MemView *m) {
    if (!m->released && is_kind(m->base, OBJ_BYTEARRAY)) AS(ObjByteArray, m->base)->exports--;
    else if (!m->released && external(m->base)) external(m->base)->pin(as_obj(m->base), -1);
    m->released = true;
}

static void mv_free(VM *vm, Obj *o) {
    (void)vm;
    unexport((MemView *)o);
    free(((MemView *)o)->dims);
}

static const CType memview_ctype = {sizeof(MemView), mv_mark, mv_free, NULL};

static MemView *as_mv(Value v) {
    return is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &memview_ctype ? (MemView *)as_obj(v) : NULL;
}

bool is_memview(Value v) { return as_mv(v) != NULL; }

static const uint8_t *base_data(Value base) {
    if (is_kind(base, OBJ_BYTES)) return AS(ObjBytes, base)->data;
    const MemExporter *t = external(base);
    if (t) {      /* pinned while a view shows it, so still mapped */
        int64_t n;
        const uint8_t *p = t->mem(as_obj(base), &n);
        return p ? p : (const uint8_t *)"";
    }
    return AS(ObjByteArray, base)->data ? AS(ObjByteArray, base)->data : (const uint8_t *)"";
}

/* Items in each step of the first dimension (1 for one dimension). */
static int64_t row_items(const MemView *m) {
    int64_t n = 1;
    for (int k = 1; k < m->ndim; k++) n *= m->dims[k];
    return n;
}

static int64_t nbytes_of(const MemView *m) { return m->len * row_items(m) * m->itemsize; }

/* The stride of dimension k. */
static int64_t dim_stride(const MemView *m, int k) {
    if (k == 0) return m->stride;
    int64_t n = m->itemsize;
    for (int j = k + 1; j < m->ndim; j++) n *= m->dims[j];
    return n;
}

static bool contiguous(const MemView *m) { return m->len <= 1 || m->stride == row_items(m) * m->itemsize; }

static bool f_contiguous(const MemView *m) {
    if (m->ndim <= 1 || nbytes_of(m) == 0) return contiguous(m);
    int64_t sd = m->itemsize;
    for (int k = 0; k < m->ndim; k++) {
        if (m->dims[k] > 1 && dim_stride(m, k) != sd) return false;
        sd *= m->dims[k];
    }
    return true;
}

bool memview_buf(Value v, BinBuf *b) {
    MemView *m = as_mv(v);
    if (!m || m->released || !contiguous(m)) return false;
    b->p = base_data(m->base) + m->offset;
    b->n = nbytes_of(m);
    return true;
}

bool memview_buf_error(VM *vm, Value v) {
    MemView *m = as_mv(v);
    if (!m) return false;
    if (m->released) exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
    else exc_raise(vm, E_BufferError, "memoryview: underlying buffer is not C-contiguous");
    return true;
}

bool memview_wbuf(Value v, uint8_t **p, int64_t *n) {
    BinBuf b;
    if (!memview_buf(v, &b) || as_mv(v)->readonly) return false;
    *p = (uint8_t *)b.p, *n = b.n;
    return true;
}

bool memview_resize_ok(VM *vm, ObjByteArray *ba) {
    if (ba->exports > 0) gc_collect(vm);
    if (ba->exports <= 0) return true;
    exc_raise(vm, E_BufferError, "Existing exports of data: object cannot be re-sized");
    return false;
}

/* ---- formats ------------------------------------------------------------- */

/* The size of one item of format f ("@" and native sizes, as CPython's
 * memoryview), or 0 for formats a view cannot have. */
static int format_size(const char *f) {
    if (f[0] == '@') f++;
    if (!f[0] || f[1]) return 0;
    switch (f[0]) {
    case 'B': case 'b': case 'c': case '?': return 1;
    case 'h': case 'H': case 'e': return 2;
    case 'i': case 'I': case 'f': return 4;
    case 'l': case 'L': case 'q': case 'Q': case 'n': case 'N': case 'd': case 'P': return 8;
    case 'w': return 4;     /* array('u')'s items: a view has them but cannot read them */
    default: return 0;
    }
}

static bool byte_format(char f) { return f == 'B' || f == 'b' || f == 'c'; }
static bool signed_format(char f) { return f == 'b' || f == 'h' || f == 'i' || f == 'l' || f == 'q' || f == 'n'; }

static Value unpack(VM *vm, char f, const uint8_t *p) {
    switch (f) {
    case 'w': return exc_raise(vm, E_NotImplementedError, "memoryview: format w not supported");
    case 'c': return bytes_new(vm, p, 1);
    case '?': return bool_val(*p != 0);
    case 'f': { float x; memcpy(&x, p, 4); return float_val(x); }
    case 'd': { double x; memcpy(&x, p, 8); return float_val(x); }
    case 'e': { uint16_t h; memcpy(&h, p, 2); return float_val(half_to_double(h)); }
    case 'B': return int_val(*p);
    case 'b': return int_val((int8_t)*p);
    }
    int n = format_size((char[]){f, 0});
    if (signed_format(f)) {
        int64_t x = 0;
        memcpy(&x, p, (size_t)n);
        if (n < 8) x = (int64_t)((uint64_t)x << (64 - 8 * n)) >> (64 - 8 * n);
        return int_from_i64(vm, x);
    }
    uint64_t u = 0;
    memcpy(&u, p, (size_t)n);
    return int_from_u64(vm, u);
}

/* Writes v as an item of format f, or raises CPython's TypeError (a value
 * of the wrong type) or ValueError (out of the format's range). */
static bool pack(VM *vm, char f, uint8_t *p, Value v) {
    int n = format_size((char[]){f, 0});
    if (f == 'w') {
        exc_raise(vm, E_NotImplementedError, "memoryview: format w not supported");
        return false;
    }
    if (f == 'c') {
        if (!is_kind(v, OBJ_BYTES) || AS(ObjBytes, v)->len != 1) goto bad_value;
        *p = AS(ObjBytes, v)->data[0];
        return true;
    }
    if (f == '?') {
        int t = op_truthy(vm, v);
        if (t < 0) return false;
        *p = (uint8_t)t;
        return true;
    }
    if (f == 'f' || f == 'd' || f == 'e') {
        double d;
        if (is_float(v)) d = as_float(v);
        else if (!is_intlike(v) || int_to_float(vm, v, &d) == ERR) goto bad_type;
        if (f == 'f') { float x = (float)d; memcpy(p, &x, 4); }
        else if (f == 'd') { d = float_canon(d); memcpy(p, &d, 8); }
        else {
            uint16_t h;
            if (!half_from_double(d, &h)) goto bad_value;
            memcpy(p, &h, 2);
        }
        return true;
    }
    if (!is_intlike(v)) {     /* an object with __index__, as CPython's PyNumber_Index */
        Value r = op_special(vm, v, N___index__) == UNDEF ? UNDEF : fmt_index_of(vm, v);
        if (r == ERR && !exc_is(vm, vm->exc, E_TypeError)) return false;
        if (r == ERR || r == UNDEF) {     /* its TypeError becomes the format's, as CPython's */
            vm->exc = UNDEF;
            goto bad_type;
        }
        if (!vm_push_root(vm, r)) return false;
        bool ok = pack(vm, f, p, r);
        vm_pop_roots(vm, 1);
        return ok;
    }
    int64_t x;
    if (!int_to_i64(v, &x)) {
        mp_int m;
        if (signed_format(f) || int_sign(v) < 0 || !int_to_mp(v, &m)) goto bad_value;
        bool fits = mp_count_bits(&m) <= 64;
        uint64_t u = fits ? mp_get_u64(&m) : 0;
        mp_clear(&m);
        if (!fits || n < 8) goto bad_value;
        memcpy(p, &u, 8);
        return true;
    }
    if (n < 8) {
        int64_t lo = signed_format(f) ? -((int64_t)1 << (8 * n - 1)) : 0;
        int64_t hi = signed_format(f) ? ((int64_t)1 << (8 * n - 1)) - 1 : ((int64_t)1 << (8 * n)) - 1;
        if (x < lo || x > hi) goto bad_value;
    } else if (!signed_format(f) && x < 0) {
        goto bad_value;
    }
    memcpy(p, &x, (size_t)n);   /* little-endian: the low bytes first */
    return true;
bad_type:
    exc_raise(vm, E_TypeError, "memoryview: invalid type for format '%c'", f);
    return false;
bad_value:
    exc_raise(vm, E_ValueError, "memoryview: invalid value for format '%c'", f);
    return false;
}

/* ---- making views -------------------------------------------------------- */

static Value view_new(VM *vm, Value base, int64_t offset, int64_t len, int64_t stride, char fmt, bool readonly) {
    MemView *m = gc_new(vm, sizeof(MemView), OBJ_CDATA, vm->types[T_MEMORYVIEW]);
    if (!m) return ERR;
    m->base = m->owner = base;
    m->offset = offset, m->len = len, m->stride = stride;
    m->fmt = fmt;
    m->itemsize = format_size((char[]){fmt, 0});
    m->readonly = readonly;
    m->released = false;
    m->hashed = false;
    m->ndim = 1;
    m->dims = NULL;
    if (is_kind(base, OBJ_BYTEARRAY)) AS(ObjByteArray, base)->exports++;
    else if (external(base)) external(base)->pin(as_obj(base), +1);
    return obj_val(m);
}

/* Gives view m the shape dims[0..ndim) (dims[0] is its len). */
static bool set_shape(VM *vm, MemView *m, int ndim, const int64_t *dims) {
    m->ndim = ndim;
    if (ndim == 1) return true;
    if (ndim > 1 && !(m->dims = malloc((size_t)ndim * sizeof *m->dims))) {
        m->ndim = 1;
        exc_nomem(vm);
        return false;
    }
    if (ndim > 1) memcpy(m->dims, dims, (size_t)ndim * sizeof *dims);
    if (ndim > 1) m->dims[0] = m->len;
    return true;
}

/* Another view of src's memory, with src's owner and, unless it is a cast,
 * its dimensions (len items along the first). */
static Value view_like(VM *vm, const MemView *src, int64_t offset, int64_t len, int64_t stride, char fmt, bool readonly) {
    Value v = view_new(vm, src->base, offset, len, stride, fmt, readonly);
    if (v == ERR) return ERR;
    MemView *m = (MemView *)as_obj(v);
    m->owner = src->owner;
    if (src->ndim != 1 && !set_shape(vm, m, src->ndim, src->dims)) return ERR;
    return v;
}

Value memview_typed(VM *vm, Value base, Value owner, char fmt) {
    BinBuf b = {0};
    binbuf_get(base, &b);
    int size = format_size((char[]){fmt, 0});
    Value v = view_new(vm, base, 0, b.n / size, size, fmt, is_kind(base, OBJ_BYTES));
    if (v != ERR) ((MemView *)as_obj(v))->owner = owner;
    return v;
}

Value memview_external(VM *vm, Value base, Value owner, bool readonly) {
    const MemExporter *t = external(base);
    int64_t n = 0;
    if (!t || !t->mem(as_obj(base), &n)) return exc_raise(vm, E_ValueError, "memoryview: no memory to show");
    Value v = view_new(vm, base, 0, n, 1, 'B', readonly);
    if (v != ERR) ((MemView *)as_obj(v))->owner = owner;
    return v;
}

/* A view of v's whole memory: memoryview(v). */
Value memview_of(VM *vm, Value v) {
    MemView *src = as_mv(v);
    if (src) {
        if (src->released) return exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
        return view_like(vm, src, src->offset, src->len, src->stride, src->fmt, src->readonly);
    }
    if (is_kind(v, OBJ_BYTES)) return view_new(vm, v, 0, AS(ObjBytes, v)->len, 1, 'B', true);
    if (is_kind(v, OBJ_BYTEARRAY)) return view_new(vm, v, 0, AS(ObjByteArray, v)->len, 1, 'B', false);
    Value r = memview_from_buffer_method(vm, v);
    if (r != UNDEF) return r == ERR ? ERR : memview_of(vm, r);
    return exc_raise(vm, E_TypeError, "memoryview: a bytes-like object is required, not '%T'", v);
}

Value memview_from_buffer_method(VM *vm, Value v) {
    if (!is_kind(v, OBJ_INSTANCE)) return UNDEF;
    ObjStr *name = str_intern_cstr(vm, "__buffer__");
    if (!name) return ERR;
    Value f = class_lookup(as_obj(v)->cls, name);
    if (f == UNDEF) return UNDEF;
    Value argv[2] = {v, int_val(0)};
    Value r = op_call(vm, f, argv, 2, NULL);
    if (r == ERR || as_mv(r)) return r;
    return exc_raise(vm, E_TypeError, "__buffer__ returned non-memoryview object");
}

Value memview_writable_target(VM *vm, Value v) {
    uint8_t *p;
    int64_t n;
    if (binbuf_writable(v, &p, &n)) return v;
    Value mv = memview_from_buffer_method(vm, v);
    if (mv == ERR || mv == UNDEF) return mv;
    return binbuf_writable(mv, &p, &n) ? mv : UNDEF;
}

int memview_exported_buf(VM *vm, Value v, BinBuf *b) {
    Value mv = memview_from_buffer_method(vm, v);
    if (mv == ERR) return -1;
    if (mv == UNDEF || as_mv(mv)->owner != v) return 0;
    return memview_buf(mv, b);
}

/* The receiver, unreleased; else NULL after raising. */
static MemView *self_mv(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int min, int max) {
    if (!args_check(vm, name, nargs - 1, kw, min, max)) return NULL;
    MemView *m = as_mv(args[0]);
    if (!m) {
        exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'memoryview' object but received a '%T'", name, args[0]);
        return NULL;
    }
    if (m->released) {
        exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
        return NULL;
    }
    return m;
}

static const uint8_t *item_at(const MemView *m, int64_t i) { return base_data(m->base) + m->offset + i * m->stride; }

/* The k-th item in C order. */
static const uint8_t *flat_at(const MemView *m, int64_t k, int64_t row) {
    return item_at(m, k / row) + (k % row) * m->itemsize;
}

/* The bytes of the view, in C order, appended to b. */
static void add_bytes(const MemView *m, StrBuf *b) {
    int64_t row = row_items(m) * m->itemsize;
    if (contiguous(m)) {
        sb_add(b, (const char *)item_at(m, 0), (size_t)(m->len * row));
        return;
    }
    for (int64_t i = 0; i < m->len; i++) sb_add(b, (const char *)item_at(m, i), (size_t)row);
}

/* The bytes of the view in Fortran order (the first index varying fastest). */
static void add_bytes_fortran(const MemView *m, StrBuf *b) {
    int64_t total = m->len * row_items(m), idx[64] = {0};
    for (int64_t k = 0; k < total; k++) {
        int64_t off = 0;
        for (int d = 0; d < m->ndim; d++) off += idx[d] * dim_stride(m, d);
        sb_add(b, (const char *)item_at(m, 0) + off, (size_t)m->itemsize);
        for (int d = 0; d < m->ndim && ++idx[d] == m->dims[d]; d++) idx[d] = 0;
    }
}

static Value to_bytes(VM *vm, const MemView *m) {
    StrBuf b = SB_INIT;
    add_bytes(m, &b);
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(b.data ? b.data : ""), b.len);
    sb_free(&b);
    return r;
}

Value memview_tobytes(VM *vm, Value v) {
    MemView *m = as_mv(v);
    if (m->released) return exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
    return to_bytes(vm, m);
}

/* The items of dimension d from p on, as (nested) lists. */
static Value list_dim(VM *vm, const MemView *m, const uint8_t *p, int d) {
    int64_t n = d == 0 ? m->len : m->dims[d], stride = dim_stride(m, d);
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    for (int64_t i = 0; i < n; i++) {
        Value x = d + 1 < m->ndim ? list_dim(vm, m, p + i * stride, d + 1) : unpack(vm, m->fmt, p + i * stride);
        if (x == ERR || list_append(vm, l, x) < 0) { vm_pop_roots(vm, 1); return ERR; }
    }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

static Value to_list(VM *vm, const MemView *m) {
    if (m->ndim == 0) return unpack(vm, m->fmt, item_at(m, 0));
    return list_dim(vm, m, item_at(m, 0), 0);
}

/* ---- indexing ------------------------------------------------------------ */

/* For a tuple key: 1 when all its items are indexes, 2 when all are slices
 * (an empty tuple is the former), else 0. */
static int tuple_key_kind(VM *vm, ObjTuple *t) {
    bool ints = true, slices = true;
    for (int64_t i = 0; i < t->len; i++) {
        Value x = t->items[i];
        if (!is_intlike(x) && op_special(vm, x, N___index__) == UNDEF) ints = false;
        if (!is_kind(x, OBJ_SLICE)) slices = false;
    }
    return ints ? 1 : slices ? 2 : 0;
}

/* The item an index tuple names, or NULL after raising. */
static uint8_t *item_of_tuple(VM *vm, MemView *m, ObjTuple *t) {
    if (t->len < m->ndim) {
        exc_raise(vm, E_NotImplementedError, "sub-views are not implemented");
        return NULL;
    }
    if (t->len > m->ndim) {
        exc_raise(vm, E_TypeError, "cannot index %d-dimension view with %lld-element tuple", m->ndim,
                  (long long)t->len);
        return NULL;
    }
    int64_t off = 0;
    for (int d = 0; d < m->ndim; d++) {
        int64_t i, n = d == 0 ? m->len : m->dims[d];
        if (!index_value(vm, t->items[d], &i, NULL)) return NULL;
        if (i < 0) i += n;
        if (i < 0 || i >= n) {
            exc_raise(vm, E_IndexError, "index out of bounds on dimension %d", d + 1);
            return NULL;
        }
        off += i * dim_stride(m, d);
    }
    if (m->released) {
        exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
        return NULL;
    }
    return (uint8_t *)item_at(m, 0) + off;
}

/* The item a key names in a view of other than one dimension (m[()] of a
 * 0-dim view, m[i, j] of a 2-dim one), or NULL after raising; *whole when
 * the key is ... of a 0-dim view. Keys of other kinds raise as CPython. */
static uint8_t *item_of_key(VM *vm, MemView *m, Value key, bool store, bool *whole) {
    *whole = false;
    if (m->ndim == 0) {
        if ((is_tuple(key) && AS(ObjTuple, key)->len == 0) || key == ELLIPSIS_VAL) {
            *whole = key == ELLIPSIS_VAL;
            return (uint8_t *)item_at(m, 0);
        }
        exc_raise(vm, E_TypeError, "invalid indexing of 0-dim memory");
        return NULL;
    }
    int kind = is_tuple(key) ? tuple_key_kind(vm, AS(ObjTuple, key)) : 0;
    if (kind == 1) return item_of_tuple(vm, m, AS(ObjTuple, key));
    if (is_intlike(key) || op_special(vm, key, N___index__) != UNDEF)
        exc_raise(vm, E_NotImplementedError, store ? "sub-views are not implemented"
                                                   : "multi-dimensional sub-views are not implemented");
    else if (store && (kind == 2 || is_kind(key, OBJ_SLICE)))
        exc_raise(vm, E_NotImplementedError, "memoryview slice assignments are currently restricted to ndim = 1");
    else if (kind == 2)
        exc_raise(vm, E_NotImplementedError, "multi-dimensional slicing is not implemented");
    else
        exc_raise(vm, E_TypeError, "memoryview: invalid slice key");
    return NULL;
}

/* ---- methods ------------------------------------------------------------- */

static Value mv_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"object"};
    Value p[1];
    if (!args_bind(vm, "memoryview", args + 1, nargs - 1, kw, names, 1, 1, 1, 0, p)) return ERR;
    return memview_of(vm, p[0]);
}

static Value mv_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, nargs, kw, "__getitem__", 1, 1);
    if (!m) return ERR;
    Value key = args[1];
    if (m->ndim != 1 && !(m->ndim > 1 && is_kind(key, OBJ_SLICE))) {
        bool whole;
        uint8_t *p = item_of_key(vm, m, key, false, &whole);
        return !p ? ERR : whole ? args[0] : unpack(vm, m->fmt, p);
    }
    if (is_tuple(key) && tuple_key_kind(vm, AS(ObjTuple, key)) == 1) {
        uint8_t *p = item_of_tuple(vm, m, AS(ObjTuple, key));
        return p ? unpack(vm, m->fmt, p) : ERR;
    }
    if (is_kind(key, OBJ_SLICE)) {
        int64_t start, stop, step;
        int64_t n = slice_indices(vm, AS(ObjSlice, key), m->len, &start, &stop, &step);
        if (n < 0) return ERR;
        return view_like(vm, m, m->offset + start * m->stride, n, m->stride * step, m->fmt, m->readonly);
    }
    int64_t i;
    if (!is_intlike(key) && op_special(vm, key, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "memoryview: invalid slice key");
    if (!index_value(vm, key, &i, NULL)) return ERR;
    if (m->released) return exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
    if (i < 0) i += m->len;
    if (i < 0 || i >= m->len) return exc_raise(vm, E_IndexError, "index out of bounds on dimension 1");
    return unpack(vm, m->fmt, item_at(m, i));
}

/* view[slice] = bytes-like of the same format and length. */
static bool assign_slice(VM *vm, MemView *m, ObjSlice *s, Value v) {
    MemView *src = as_mv(v);
    BinBuf b;
    if (!src && !binbuf_get(v, &b)) {     /* an exporter such as array.array: its own view */
        Value r = memview_from_buffer_method(vm, v);
        if (r == ERR) return false;
        if (r != UNDEF) {
            if (!vm_push_root(vm, r)) return false;
            bool ok = assign_slice(vm, m, s, r);
            vm_pop_roots(vm, 1);
            return ok;
        }
    }
    StrBuf copy = SB_INIT;    /* the source's bytes: it may overlap the target */
    char fmt = 'B';
    if (src && !src->released) {
        add_bytes(src, &copy);
        fmt = src->fmt;
    } else if (binbuf_get(v, &b)) {
        sb_add(&copy, (const char *)b.p, (size_t)b.n);
    } else {
        exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", v);
        return false;
    }
    int64_t start, stop, step;     /* the value's errors first, as CPython */
    int64_t n = slice_indices(vm, s, m->len, &start, &stop, &step);
    if (n < 0) {
        sb_free(&copy);
        return false;
    }
    bool ok = fmt == m->fmt && (int64_t)copy.len == n * m->itemsize && (!src || src->ndim == 1);
    if (!ok) exc_raise(vm, E_ValueError, "memoryview assignment: lvalue and rvalue have different structures");
    for (int64_t k = 0; ok && k < n; k++)
        memcpy((uint8_t *)item_at(m, start + k * step), copy.data + k * m->itemsize, (size_t)m->itemsize);
    sb_free(&copy);
    return ok;
}

static Value mv_setitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, nargs, kw, "__setitem__", 2, 2);
    if (!m) return ERR;
    if (m->readonly) return exc_raise(vm, E_TypeError, "cannot modify read-only memory");
    Value key = args[1];
    uint8_t *at = NULL;
    if (m->ndim != 1 || (is_tuple(key) && tuple_key_kind(vm, AS(ObjTuple, key)) == 1)) {
        bool whole;
        at = m->ndim == 1 ? item_of_tuple(vm, m, AS(ObjTuple, key)) : item_of_key(vm, m, key, true, &whole);
        if (!at) return ERR;
        uint8_t item[8];
        if (!pack(vm, m->fmt, item, args[2])) return ERR;
        if (m->released) return exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
        memcpy(at, item, (size_t)m->itemsize);
        return NONE_VAL;
    }
    if (is_kind(key, OBJ_SLICE)) return assign_slice(vm, m, AS(ObjSlice, key), args[2]) ? NONE_VAL : ERR;
    int64_t i;
    if (!is_intlike(key) && op_special(vm, key, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "memoryview: invalid slice key");
    if (!index_value(vm, key, &i, NULL)) return ERR;
    if (i < 0) i += m->len;
    if (i < 0 || i >= m->len) return exc_raise(vm, E_IndexError, "index out of bounds on dimension 1");
    uint8_t item[8];
    if (!pack(vm, m->fmt, item, args[2])) return ERR;
    if (m->released) return exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
    memcpy((uint8_t *)item_at(m, i), item, (size_t)m->itemsize);
    return NONE_VAL;
}

static Value mv_delitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, nargs, kw, "__delitem__", 1, 1);
    if (!m) return ERR;
    return exc_raise(vm, E_TypeError, m->readonly ? "cannot modify read-only memory" : "cannot delete memory");
}

static Value mv_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, nargs, kw, "__len__", 0, 0);
    if (m && m->ndim == 0) return exc_raise(vm, E_TypeError, "0-dim memory has no length");
    return m ? int_val(m->len) : ERR;
}

static Value mv_tobytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"order"};
    Value p[1];
    MemView *m = self_mv(vm, args, 1, NULL, "tobytes", 0, 0);
    if (!m || !args_bind(vm, "tobytes", args + 1, nargs - 1, kw, names, 1, 1, 0, 0, p)) return ERR;
    /* one-dimensional views read the same in every order, but the order is checked */
    bool fortran = false;
    if (p[0] != UNDEF && p[0] != NONE_VAL) {
        if (!is_str(p[0]))
            return exc_raise(vm, E_TypeError, "tobytes() argument 'order' must be str or None, not %T", p[0]);
        const char *o = AS(ObjStr, p[0])->data;
        if (strcmp(o, "C") && strcmp(o, "F") && strcmp(o, "A"))
            return exc_raise(vm, E_ValueError, "order must be 'C', 'F' or 'A'");
        fortran = m->ndim > 1 && (*o == 'F' || (*o == 'A' && !contiguous(m) && f_contiguous(m)));
    }
    if (!fortran) return to_bytes(vm, m);
    StrBuf b = SB_INIT;
    add_bytes_fortran(m, &b);
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(b.data ? b.data : ""), b.len);
    sb_free(&b);
    return r;
}

static Value mv_tolist(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, nargs, kw, "tolist", 0, 0);
    return m ? to_list(vm, m) : ERR;
}

/* hex(sep, bytes_per_sep): bytes.hex of the view's bytes. */
static Value mv_hex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, 1, NULL, "hex", 0, 0);
    if (!m) return ERR;
    Value b = to_bytes(vm, m);
    Value hex = b == ERR ? ERR : dict_get_str(vm->types[T_BYTES]->dict, str_intern_cstr(vm, "hex"));
    if (hex == ERR || hex == UNDEF || !vm_push_root(vm, b)) return ERR;
    Value saved = args[0];
    args[0] = b;    /* the bytes in the receiver's place, for bytes.hex */
    Value r = op_call(vm, hex, args, nargs, kw);
    args[0] = saved;
    vm_pop_roots(vm, 1);
    return r;
}

static Value mv_release(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "release", nargs - 1, kw, 0, 0)) return ERR;
    MemView *m = as_mv(args[0]);
    if (m) unexport(m);
    return NONE_VAL;
}

static Value mv_enter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return self_mv(vm, args, nargs, kw, "__enter__", 0, 0) ? args[0] : ERR;
}

static Value mv_exit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm, (void)nargs, (void)kw;
    MemView *m = as_mv(args[0]);
    if (m) unexport(m);
    return NONE_VAL;
}

static Value mv_toreadonly(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *m = self_mv(vm, args, nargs, kw, "toreadonly", 0, 0);
    return m ? view_like(vm, m, m->offset, m->len, m->stride, m->fmt, true) : ERR;
}

/* The shape a cast asks for, in dims (*ndim of them, at most 64); false
 * after raising. */
static bool cast_shape(VM *vm, Value shape, int64_t *dims, int *ndim) {
    for (int k = 0; k < *ndim; k++) {
        Value d = is_list(shape) ? AS(ObjList, shape)->items[k] : AS(ObjTuple, shape)->items[k];
        if (!is_intlike(d)) {
            exc_raise(vm, E_TypeError, "memoryview.cast(): elements of shape must be integers");
            return false;
        }
        if (!index_value(vm, d, &dims[k], NULL)) return false;
        if (dims[k] <= 0) {
            exc_raise(vm, E_ValueError, "memoryview.cast(): elements of shape must be integers > 0");
            return false;
        }
    }
    return true;
}

/* cast(format[, shape]): the same bytes read as items of another format,
 * with one dimension or the shape given; one of the two formats must be a
 * byte format, and one of the two views one-dimensional, as in CPython. */
static Value mv_cast(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"format", "shape"};
    Value p[2];
    MemView *m = self_mv(vm, args, 1, NULL, "cast", 0, 0);
    if (!m || !args_bind(vm, "cast", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, p)) return ERR;
    if (!is_str(p[0])) return exc_raise(vm, E_TypeError, "memoryview: format argument must be a string");
    if (!contiguous(m)) return exc_raise(vm, E_TypeError, "memoryview: casts are restricted to C-contiguous views");
    Value shape = p[1];
    if ((shape != UNDEF || m->ndim != 1) && nbytes_of(m) == 0)
        return exc_raise(vm, E_TypeError, "memoryview: cannot cast view with zeros in shape or strides");
    int64_t dims[64];
    int ndim = 1;
    if (shape != UNDEF) {
        int64_t n = is_list(shape) ? AS(ObjList, shape)->len : is_tuple(shape) ? AS(ObjTuple, shape)->len : -1;
        if (n < 0) return exc_raise(vm, E_TypeError, "shape must be a list or a tuple");
        if (n > 64) return exc_raise(vm, E_ValueError, "memoryview: number of dimensions must not exceed 64");
        if (m->ndim != 1 && n != 1) return exc_raise(vm, E_TypeError, "memoryview: cast must be 1D -> ND or ND -> 1D");
        ndim = (int)n;
    }
    const char *f = AS(ObjStr, p[0])->data;
    int size = strchr(f, 'w') ? 0 : format_size(f);
    if (!size) return exc_raise(vm, E_ValueError, "memoryview: destination format must be a native single character format prefixed with an optional '@'");
    char fmt = f[0] == '@' ? f[1] : f[0];
    if (!byte_format(fmt) && !byte_format(m->fmt))
        return exc_raise(vm, E_TypeError, "memoryview: cannot cast between two non-byte formats");
    int64_t nbytes = nbytes_of(m);
    if (nbytes % size) return exc_raise(vm, E_TypeError, "memoryview: length is not a multiple of itemsize");
    int64_t len = nbytes / size;
    if (shape != UNDEF) {
        if (!cast_shape(vm, shape, dims, &ndim)) return ERR;
        int64_t items = 1;
        for (int k = 0; k < ndim; k++) {
            if (items > INT64_MAX / dims[k]) return exc_raise(vm, E_ValueError, "memoryview.cast(): product(shape) > SSIZE_MAX");
            items *= dims[k];
        }
        if (items != len) return exc_raise(vm, E_TypeError, "memoryview: product(shape) * itemsize != buffer size");
        if (ndim != 1) len = ndim ? dims[0] : 1;
    }
    Value v = view_like(vm, m, m->offset, len, size, fmt, m->readonly);
    if (v == ERR) return ERR;
    MemView *c = (MemView *)as_obj(v);
    free(c->dims);
    c->dims = NULL;
    c->ndim = 1;
    if (ndim != 1) {
        c->stride = ndim ? dims[0] ? nbytes / dims[0] : size : size;
        if (!set_shape(vm, c, ndim, dims)) return ERR;
    }
    return v;
}

static Value mv_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    MemView *m = as_mv(args[0]);
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%smemory at %p>", m && m->released ? "released " : "", (void *)as_obj(args[0]));
    return str_from_buf(vm, &b);
}

/* == compares the items (as their format reads them) with another view or
 * bytes-like object; anything else is NotImplemented. */
static Value mv_eq_ne(VM *vm, Value *args, int nargs, ObjTuple *kw, bool eq) {
    if (!args_check(vm, eq ? "__eq__" : "__ne__", nargs - 1, kw, 1, 1)) return ERR;
    MemView *a = as_mv(args[0]), *b = as_mv(args[1]);
    if (!a) return NOTIMPL_VAL;
    bool floats = a->fmt == 'd' || a->fmt == 'f' || a->fmt == 'e';    /* (a NaN item is unequal to itself) */
    if (args[0] == args[1] && !floats) return bool_val(eq);
    if (a->released || (b && b->released)) return bool_val(args[0] == args[1] ? eq : !eq);
    MemView tmp;    /* bytes and bytearray compare as a 'B' view, made on the stack */
    if (!b && !is_kind(args[1], OBJ_BYTES) && !is_kind(args[1], OBJ_BYTEARRAY)) {
        /* another exporter (array.array): compare with the view it gives */
        Value r = memview_from_buffer_method(vm, args[1]);
        if (r == ERR || r == UNDEF) return r == ERR ? ERR : NOTIMPL_VAL;
        if (!vm_push_root(vm, r)) return ERR;
        Value argv[2] = {args[0], r};
        Value res = mv_eq_ne(vm, argv, 2, NULL, eq);
        vm_pop_roots(vm, 1);
        return res;
    }
    if (!b) {
        BinBuf buf;
        binbuf_get(args[1], &buf);
        tmp = (MemView){.base = args[1], .len = buf.n, .stride = 1, .itemsize = 1, .ndim = 1, .fmt = 'B', .readonly = true};
        b = &tmp;
    }
    if (a->fmt == 'w' || b->fmt == 'w') return bool_val(!eq);     /* items it cannot read */
    if (a->len != b->len || a->ndim != b->ndim) return bool_val(!eq);
    for (int k = 1; k < a->ndim; k++)
        if (a->dims[k] != b->dims[k]) return bool_val(!eq);
    int64_t row = row_items(a), total = a->len * row;
    if (a->fmt == b->fmt && !floats) {
        for (int64_t i = 0; i < total; i++)
            if (memcmp(flat_at(a, i, row), flat_at(b, i, row), (size_t)a->itemsize) != 0) return bool_val(!eq);
        return bool_val(eq);
    }
    if (floats && (b->fmt == 'd' || b->fmt == 'f' || b->fmt == 'e')) {
        for (int64_t i = 0; i < total; i++)
            if (as_float(unpack(vm, a->fmt, flat_at(a, i, row))) != as_float(unpack(vm, b->fmt, flat_at(b, i, row))))
                return bool_val(!eq);
        return bool_val(eq);
    }
    Value la = to_list(vm, a);
    Value lb = la == ERR || !vm_push_root(vm, la) ? ERR : to_list(vm, b);
    Value r = lb == ERR ? ERR : op_compare(vm, eq ? CMP_EQ : CMP_NE, la, lb);
    if (la != ERR) vm_pop_roots(vm, 1);
    return r;
}

static Value mv_eq(VM *vm, Value *a, int n, ObjTuple *kw) { return mv_eq_ne(vm, a, n, kw, true); }
static Value mv_ne(VM *vm, Value *a, int n, ObjTuple *kw) { return mv_eq_ne(vm, a, n, kw, false); }

static Value mv_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MemView *seen = nargs == 1 && !kw ? as_mv(args[0]) : NULL;
    if (seen && seen->hashed) return int_from_i64(vm, (int64_t)seen->hash);
    MemView *m = self_mv(vm, args, nargs, kw, "__hash__", 0, 0);
    if (!m) return ERR;
    if (!m->readonly) return exc_raise(vm, E_ValueError, "cannot hash writable memoryview object");
    if (!byte_format(m->fmt))
        return exc_raise(vm, E_ValueError, "memoryview: hashing is restricted to formats 'B', 'b' or 'c'");
    Value b = to_bytes(vm, m);
    uint64_t h;
    if (b == ERR || op_hash(vm, b, &h) < 0) return ERR;
    m->hash = h, m->hashed = true;
    return int_from_i64(vm, (int64_t)h);
}

/* ---- attributes ---------------------------------------------------------- */

static MemView *attr_self(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name) {
    return self_mv(vm, args, nargs, kw, name, 0, 0);
}

/* shape or strides: a tuple of ndim ints. */
static Value dims_tuple(VM *vm, const MemView *m, bool strides) {
    Value items[64];
    for (int k = 0; k < m->ndim; k++)
        items[k] = int_val(strides ? dim_stride(m, k) : k == 0 ? m->len : m->dims[k]);
    ObjTuple *t = tuple_from(vm, items, m->ndim);
    return t ? obj_val(t) : ERR;
}

static Value a_obj(VM *vm, Value *a, int n, ObjTuple *kw) { MemView *m = attr_self(vm, a, n, kw, "obj"); return m ? m->owner : ERR; }
static Value a_nbytes(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "nbytes");
    return m ? int_val(nbytes_of(m)) : ERR;
}
static Value a_readonly(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "readonly");
    return m ? bool_val(m->readonly) : ERR;
}
static Value a_itemsize(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "itemsize");
    return m ? int_val(m->itemsize) : ERR;
}
static Value a_format(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "format");
    return m ? str_new(vm, &m->fmt, 1) : ERR;
}
static Value a_ndim(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "ndim");
    return m ? int_val(m->ndim) : ERR;
}
static Value a_shape(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "shape");
    return m ? dims_tuple(vm, m, false) : ERR;
}
static Value a_strides(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "strides");
    return m ? dims_tuple(vm, m, true) : ERR;
}
static Value a_suboffsets(VM *vm, Value *a, int n, ObjTuple *kw) {
    return attr_self(vm, a, n, kw, "suboffsets") ? obj_val(vm->empty_tuple) : ERR;
}
static Value a_contiguous(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "contiguous");
    return m ? bool_val(contiguous(m) || f_contiguous(m)) : ERR;
}
static Value a_c_contiguous(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "c_contiguous");
    return m ? bool_val(contiguous(m)) : ERR;
}
static Value a_f_contiguous(VM *vm, Value *a, int n, ObjTuple *kw) {
    MemView *m = attr_self(vm, a, n, kw, "f_contiguous");
    return m ? bool_val(f_contiguous(m)) : ERR;
}
void memview_init(VM *vm) {
    ObjClass *c = vm->types[T_MEMORYVIEW];
    c->ctype = &memview_ctype;
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__getitem__", mv_getitem}, {"__setitem__", mv_setitem}, {"__delitem__", mv_delitem}, {"__len__", mv_len},
        {"tobytes", mv_tobytes}, {"tolist", mv_tolist}, {"hex", mv_hex}, {"release", mv_release},
        {"__enter__", mv_enter}, {"__exit__", mv_exit}, {"toreadonly", mv_toreadonly}, {"cast", mv_cast},
        {"__repr__", mv_repr}, {"__eq__", mv_eq}, {"__ne__", mv_ne}, {"__hash__", mv_hash},
    };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) class_add_native(vm, c, methods[i].name, methods[i].fn);
    static const struct { const char *name; NativeFn fn; } attrs[] = {
        {"obj", a_obj}, {"nbytes", a_nbytes}, {"readonly", a_readonly}, {"itemsize", a_itemsize},
        {"format", a_format}, {"ndim", a_ndim}, {"shape", a_shape}, {"strides", a_strides},
        {"suboffsets", a_suboffsets}, {"c_contiguous", a_c_contiguous}, {"f_contiguous", a_f_contiguous},
        {"contiguous", a_contiguous},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) class_add_property(vm, c, attrs[i].name, attrs[i].fn);
    ObjNative *n = native_new(vm, "__new__", mv_new);
    if (n) dict_set_str(vm, c->dict, n->name, obj_val(n));
}
