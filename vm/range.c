/* range and slice objects, and the index helpers every sequence uses.
 *
 * A range keeps its bounds in int64_t. Its iterator is an ObjIter whose `i`
 * is the next value, `n` the values left and `step` the step, so the
 * interpreter can run `for x in range(...)` without calling next(). A range
 * whose bounds or length do not fit (CPython accepts any int) is an
 * ObjBigRange, whose operations work on int values (the "big ranges"
 * section); its length, when beyond int64_t, makes len() raise
 * OverflowError "Python int too large to convert to C ssize_t".
 *
 * Slices resolve against a length exactly as CPython's PySlice_Unpack and
 * PySlice_AdjustIndices do; huge bounds clamp to the int64_t range, as
 * CPython clamps them to Py_ssize_t.
 */
#include <string.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "subtype.h"

static Value int_value(VM *vm, int64_t i) {
    return small_int_fits(i) ? int_val(i) : int_from_i64(vm, i);
}

static Value too_big(VM *vm) {
    return exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
}

/* ---- index helpers ------------------------------------------------------- */

Value index_result(VM *vm, Value r) {
    if (!is_intlike(r)) return exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", r);
    if (!is_bool(r) && !(is_obj(r) && (as_obj(r)->flags & OBJ_SUBTYPE))) return r;
    if (!vm_push_root(vm, r)) return ERR;
    bool ok = exc_warn(vm, E_DeprecationWarning, "__index__ returned non-int (type %T).  The ability to return an "
                       "instance of a strict subclass of int is deprecated, and may be removed in a future version "
                       "of Python.", r);
    vm_pop_roots(vm, 1);
    return !ok ? ERR : is_bool(r) ? int_val(as_bool(r)) : subtype_plain(vm, r);
}

/* What a value past 64 bits is: CPython's PyNumber_AsSsize_t with
 * IndexError (a subscript) or OverflowError (a count: "cannot fit"), or
 * PyLong_AsSsize_t (a C ssize_t argument: "too large"). */
typedef enum { BIG_INDEX, BIG_FIT, BIG_SSIZE } BigIs;

/* v as an int64 through __index__; `what` words the TypeError of a
 * subscript ("list indices must be ..."), NULL the plain one. */
static bool read_index(VM *vm, Value v, int64_t *out, const char *what, BigIs big) {
    Value given = v;     /* the error names its type, not __index__'s result's */
    if (!is_intlike(v)) {
        Value m = op_special(vm, v, N___index__);
        if (m == UNDEF) {
            if (what)
                exc_raise(vm, E_TypeError, "%s indices must be integers or slices, not %T", what, v);
            else
                exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
            return false;
        }
        v = op_call_special(vm, v, m, NULL, 0);
        if (v == ERR || (v = index_result(vm, v)) == ERR) return false;
    }
    if (is_bool(v)) {
        *out = as_bool(v);
        return true;
    }
    if (is_int(v)) {
        *out = as_int(v);
        return true;
    }
    if (int_to_i64(v, out)) return true;
    if (big == BIG_SSIZE)
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
    else
        exc_raise(vm, big == BIG_FIT ? E_OverflowError : E_IndexError, "cannot fit '%T' into an index-sized integer", given);
    return false;
}

bool index_value(VM *vm, Value v, int64_t *out, const char *what) { return read_index(vm, v, out, what, BIG_INDEX); }

bool ssize_value(VM *vm, Value v, int64_t *out) { return read_index(vm, v, out, NULL, BIG_SSIZE); }

bool count_value(VM *vm, Value v, int64_t *out) { return read_index(vm, v, out, NULL, BIG_FIT); }

/* A start or stop argument of list.index and tuple.index: an int (huge
 * ones clamped) or an object with __index__. */
bool slice_bound(VM *vm, Value v, int64_t *out) {
    if (!is_intlike(v) && op_special(vm, v, N___index__) == UNDEF) {
        exc_raise(vm, E_TypeError, "slice indices must be integers or have an __index__ method");
        return false;
    }
    if (is_bigint(v) && !int_to_i64(v, out)) {
        *out = int_sign(v) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        return true;
    }
    return index_value(vm, v, out, NULL);
}

int64_t seq_index(VM *vm, Value index, int64_t len, const char *what) {
    int64_t i;
    if (!index_value(vm, index, &i, what)) return -1;
    if (i < 0) i += len;
    if (i < 0 || i >= len) {
        exc_raise(vm, E_IndexError, "%s index out of range", what);
        return -1;
    }
    return i;
}

/* ---- slices ---------------------------------------------------------- */

Value slice_new(VM *vm, Value start, Value stop, Value step) {
    ObjSlice *s = gc_new(vm, sizeof(ObjSlice), OBJ_SLICE, vm->types[T_SLICE]);
    if (!s) return ERR;
    s->start = start;
    s->stop = stop;
    s->step = step;
    return obj_val(s);
}

/* _PyEval_SliceIndex: an int (or __index__) clamped to int64_t. */
static bool slice_index(VM *vm, Value v, int64_t *out) {
    if (!is_intlike(v) && op_special(vm, v, N___index__) == UNDEF) {
        exc_raise(vm, E_TypeError, "slice indices must be integers or None or have an __index__ method");
        return false;
    }
    if (!is_intlike(v)) {
        Value r = op_call_special(vm, v, op_special(vm, v, N___index__), NULL, 0);
        if (r == ERR || (r = index_result(vm, r)) == ERR) return false;
        v = r;
    }
    if (is_bool(v)) *out = as_bool(v);
    else if (is_int(v)) *out = as_int(v);
    else if (!int_to_i64(v, out)) *out = int_sign(v) < 0 ? INT64_MIN : INT64_MAX;
    return true;
}

/* PySlice_Unpack: step first (None is 1, 0 is an error), then the bounds,
 * None standing for the end that the step walks from or to. */
bool slice_unpack(VM *vm, ObjSlice *s, int64_t *start, int64_t *stop, int64_t *step) {
    if (s->step == NONE_VAL) {
        *step = 1;
    } else {
        if (!slice_index(vm, s->step, step)) return false;
        if (*step == 0) {
            exc_raise(vm, E_ValueError, "slice step cannot be zero");
            return false;
        }
        if (*step < -INT64_MAX) *step = -INT64_MAX;     /* so that -step cannot overflow */
    }
    if (s->start == NONE_VAL) *start = *step < 0 ? INT64_MAX : 0;
    else if (!slice_index(vm, s->start, start)) return false;
    if (s->stop == NONE_VAL) *stop = *step < 0 ? INT64_MIN : INT64_MAX;
    else if (!slice_index(vm, s->stop, stop)) return false;
    return true;
}

/* PySlice_AdjustIndices */
int64_t slice_adjust(int64_t len, int64_t *start, int64_t *stop, int64_t step) {
    if (*start < 0) {
        *start += len;
        if (*start < 0) *start = step < 0 ? -1 : 0;
    } else if (*start >= len) {
        *start = step < 0 ? len - 1 : len;
    }
    if (*stop < 0) {
        *stop += len;
        if (*stop < 0) *stop = step < 0 ? -1 : 0;
    } else if (*stop >= len) {
        *stop = step < 0 ? len - 1 : len;
    }
    if (step < 0) {
        if (*stop < *start) return (*start - *stop - 1) / (-step) + 1;
    } else if (*start < *stop) {
        return (*stop - *start - 1) / step + 1;
    }
    return 0;
}

int64_t slice_indices(VM *vm, ObjSlice *s, int64_t len, int64_t *start, int64_t *stop, int64_t *step) {
    if (!slice_unpack(vm, s, start, stop, step)) return -1;
    return slice_adjust(len, start, stop, *step);
}

static bool no_kwargs(VM *vm, ObjTuple *kw, const char *fname) {
    if (!kw || kw->len == 0) return true;
    exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", fname);
    return false;
}

/* slice.__new__(cls, *args): slice(stop), slice(start, stop[, step]). */
static Value slice___new__(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!no_kwargs(vm, kw, "slice")) return ERR;
    int n = nargs - 1;
    if (n < 1) return exc_raise(vm, E_TypeError, "slice expected at least 1 argument, got %d", n);
    if (n > 3) return exc_raise(vm, E_TypeError, "slice expected at most 3 arguments, got %d", n);
    if (n == 1) return slice_new(vm, NONE_VAL, args[1], NONE_VAL);
    return slice_new(vm, args[1], args[2], n == 3 ? args[3] : NONE_VAL);
}

static ObjSlice *slice_self(VM *vm, const char *meth, Value *args, int nargs, ObjTuple *kw, int nwant) {
    if (nargs < 1 || !is_kind(args[0], OBJ_SLICE)) {
        exc_raise(vm, E_TypeError, "descriptor '%s' for 'slice' objects doesn't apply to a '%T' object",
                  meth, nargs < 1 ? NONE_VAL : args[0]);
        return NULL;
    }
    if (kw && kw->len > 0) {
        exc_raise(vm, E_TypeError, "slice.%s() takes no keyword arguments", meth);
        return NULL;
    }
    if (nargs - 1 != nwant) {
        if (nwant == 0)
            exc_raise(vm, E_TypeError, "slice.%s() takes no arguments (%d given)", meth, nargs - 1);
        else
            exc_raise(vm, E_TypeError, "slice.%s() takes exactly one argument (%d given)", meth, nargs - 1);
        return NULL;
    }
    return AS(ObjSlice, args[0]);
}

static Value exact_int(VM *vm, Value v, const char *msg);

/* One bound of slice.indices: None is `dflt`, a negative index counts from
 * the end, and the result is clamped to [lower, upper]. */
static Value indices_bound(VM *vm, Value v, Value dflt, Value len, Value lower, Value upper) {
    if (v == NONE_VAL) return dflt;
    v = exact_int(vm, v, "slice indices must be integers or None or have an __index__ method");
    if (v == ERR) return ERR;
    if (int_sign(v) < 0) {
        v = int_binop(vm, BIN_ADD, v, len);
        if (v == ERR) return ERR;
        return int_cmp(v, lower) < 0 ? lower : v;
    }
    return int_cmp(v, upper) > 0 ? upper : v;
}

/* slice.indices(length): (start, stop, step) resolved against length, in
 * ints of any size (CPython's _PySlice_GetLongIndices), since the bounds
 * and the length may exceed a machine word. Lower and upper are 0 and
 * length, or -1 and length - 1 for a negative step. */
static Value slice_m_indices(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjSlice *s = slice_self(vm, "indices", args, nargs, kw, 1);
    if (!s) return ERR;
    Value len = exact_int(vm, args[1], NULL);
    if (len == ERR) return ERR;
    if (int_sign(len) < 0) return exc_raise(vm, E_ValueError, "length should not be negative");
    Value step = s->step == NONE_VAL ? int_val(1)
               : exact_int(vm, s->step, "slice indices must be integers or None or have an __index__ method");
    if (step == ERR) return ERR;
    if (int_sign(step) == 0) return exc_raise(vm, E_ValueError, "slice step cannot be zero");
    bool back = int_sign(step) < 0;
    Value lower = int_val(back ? -1 : 0);
    Value upper = back ? int_binop(vm, BIN_SUB, len, int_val(1)) : len;
    if (upper == ERR) return ERR;
    /* (__index__ may run a collection: the ints made so far are rooted) */
    int roots = 0;
    Value made[3] = {len, step, upper}, start = ERR, stop = ERR;
    for (; roots < 3; roots++)
        if (!vm_push_root(vm, made[roots])) goto done;
    start = indices_bound(vm, s->start, back ? upper : lower, len, lower, upper);
    if (start == ERR || !vm_push_root(vm, start)) goto done;
    roots++;
    stop = indices_bound(vm, s->stop, back ? lower : upper, len, lower, upper);
done:
    if (stop == ERR) {
        vm_pop_roots(vm, roots);
        return ERR;
    }
    Value items[3] = {start, stop, step};
    ObjTuple *t = tuple_from(vm, items, 3);
    vm_pop_roots(vm, roots);
    return t ? obj_val(t) : ERR;
}

static Value slice_m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjSlice *s = slice_self(vm, "__repr__", args, nargs, kw, 0);
    if (!s) return ERR;
    StrBuf b = SB_INIT;
    sb_adds(&b, "slice(");
    Value parts[3] = {s->start, s->stop, s->step};
    for (int i = 0; i < 3; i++) {
        if (i) sb_adds(&b, ", ");
        if (!op_repr_to(vm, parts[i], &b)) {
            sb_free(&b);
            return ERR;
        }
    }
    sb_addc(&b, ')');
    return str_from_buf(vm, &b);
}

/* Slices compare as the tuples (start, stop, step). */
static Value slice_compare(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *meth, CmpOp op) {
    ObjSlice *s = slice_self(vm, meth, args, nargs, kw, 1);
    if (!s) return ERR;
    if (!is_kind(args[1], OBJ_SLICE)) return NOTIMPL_VAL;
    ObjSlice *o = AS(ObjSlice, args[1]);
    if (s == o && (op == CMP_EQ || op == CMP_NE)) return bool_val(op == CMP_EQ);
    Value a[3] = {s->start, s->stop, s->step}, b[3] = {o->start, o->stop, o->step};
    ObjTuple *ta = tuple_from(vm, a, 3);
    if (!ta || !vm_push_root(vm, obj_val(ta))) return ERR;
    ObjTuple *tb = tuple_from(vm, b, 3);
    vm_pop_roots(vm, 1);
    if (!tb) return ERR;
    return op_compare(vm, op, obj_val(ta), obj_val(tb));
}
static Value slice_eq(VM *vm, Value *a, int n, ObjTuple *kw) { return slice_compare(vm, a, n, kw, "__eq__", CMP_EQ); }
static Value slice_ne(VM *vm, Value *a, int n, ObjTuple *kw) { return slice_compare(vm, a, n, kw, "__ne__", CMP_NE); }
static Value slice_lt(VM *vm, Value *a, int n, ObjTuple *kw) { return slice_compare(vm, a, n, kw, "__lt__", CMP_LT); }
static Value slice_le(VM *vm, Value *a, int n, ObjTuple *kw) { return slice_compare(vm, a, n, kw, "__le__", CMP_LE); }
static Value slice_gt(VM *vm, Value *a, int n, ObjTuple *kw) { return slice_compare(vm, a, n, kw, "__gt__", CMP_GT); }
static Value slice_ge(VM *vm, Value *a, int n, ObjTuple *kw) { return slice_compare(vm, a, n, kw, "__ge__", CMP_GE); }

#define XXPRIME_1 11400714785074694791ull
#define XXPRIME_2 14029467366897019727ull
#define XXPRIME_5 2870177450012600261ull
#define XXROTATE(x) ((x) << 31 | (x) >> 33)

/* slice_hash (slices are hashable since Python 3.12). */
static Value slice_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjSlice *s = slice_self(vm, "__hash__", args, nargs, kw, 0);
    if (!s) return ERR;
    Value parts[3] = {s->start, s->stop, s->step};
    uint64_t acc = XXPRIME_5;
    for (int i = 0; i < 3; i++) {
        uint64_t lane;
        if (op_hash(vm, parts[i], &lane) < 0) return ERR;
        acc += lane * XXPRIME_2;
        acc = XXROTATE(acc);
        acc *= XXPRIME_1;
    }
    if (acc == UINT64_MAX) acc = 1546275796;
    return int_from_i64(vm, (int64_t)acc);
}

/* ---- range ------------------------------------------------------------ */

/* The number of values; -1 when it does not fit int64_t. */
static int64_t range_length(int64_t start, int64_t stop, int64_t step) {
    uint64_t n;
    if (step > 0 && start < stop)
        n = ((uint64_t)stop - (uint64_t)start - 1) / (uint64_t)step + 1;
    else if (step < 0 && start > stop)
        n = ((uint64_t)start - (uint64_t)stop - 1) / (0 - (uint64_t)step) + 1;
    else
        return 0;
    return n > (uint64_t)INT64_MAX ? -1 : (int64_t)n;
}

Value range_new(VM *vm, int64_t start, int64_t stop, int64_t step) {
    int64_t len = range_length(start, stop, step);
    if (len < 0) return too_big(vm);
    ObjRange *r = gc_new(vm, sizeof(ObjRange), OBJ_RANGE, vm->types[T_RANGE]);
    if (!r) return ERR;
    r->start = start;
    r->stop = stop;
    r->step = step;
    r->len = len;
    return obj_val(r);
}

/* The i-th value (0 <= i < len): it lies between start and stop, so the
 * arithmetic, done modulo 2**64, gives the right int64_t. */
static int64_t range_at(ObjRange *r, int64_t i) {
    return (int64_t)((uint64_t)r->start + (uint64_t)i * (uint64_t)r->step);
}

/* ---- big ranges ----------------------------------------------------------- */

#define BIG(r) (((ObjBigRange *)(r))->vals->items)

static bool is_big(ObjRange *r) { return r->obj.flags & RANGE_BIG; }

/* v as an exact int: bools and the instances of int subclasses become
 * plain ints; anything else goes through __index__. ERR after raising
 * (TypeError with `msg`, or "'X' object cannot be interpreted as an
 * integer" when msg is NULL). */
static Value exact_int(VM *vm, Value v, const char *msg) {
    if (is_bool(v)) return int_val(as_bool(v));
    if (is_int(v) || (is_bigint(v) && !(as_obj(v)->flags & OBJ_SUBTYPE))) return v;
    if (is_bigint(v)) return int_binop(vm, BIN_ADD, v, int_val(0));
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) {
        if (msg) return exc_raise(vm, E_TypeError, msg, v);
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    }
    Value r = op_call_special(vm, v, m, NULL, 0);
    if (r == ERR || (r = index_result(vm, r)) == ERR) return ERR;
    return exact_int(vm, r, msg);
}

/* compute_range_length: the number of values, as an int. */
static Value big_length(VM *vm, Value start, Value stop, Value step) {
    bool up = int_sign(step) > 0;
    Value lo = up ? start : stop, hi = up ? stop : start;
    if (int_cmp(lo, hi) >= 0) return int_val(0);
    Value span = int_binop(vm, BIN_SUB, hi, lo);
    Value stride = up ? step : int_neg(vm, step);
    if (span == ERR || stride == ERR) return ERR;
    span = int_binop(vm, BIN_SUB, span, int_val(1));
    Value n = span == ERR ? ERR : int_binop(vm, BIN_FLOORDIV, span, stride);
    return n == ERR ? ERR : int_binop(vm, BIN_ADD, n, int_val(1));
}

/* The range of exact ints start, stop, step (not 0): a plain ObjRange when
 * they and the length fit int64_t, else an ObjBigRange. */
static Value range_of_ints(VM *vm, Value start, Value stop, Value step) {
    int64_t a, b, c;
    if (int_to_i64(start, &a) && int_to_i64(stop, &b) && int_to_i64(step, &c) && range_length(a, b, c) >= 0)
        return range_new(vm, a, b, c);
    Value len = big_length(vm, start, stop, step);
    ObjTuple *vals = len == ERR ? NULL : tuple_from(vm, (Value[]){start, stop, step, len}, 4);
    ObjBigRange *r = vals ? gc_new(vm, sizeof(ObjBigRange), OBJ_RANGE, vm->types[T_RANGE]) : NULL;
    if (!r) return ERR;
    r->r.obj.flags |= RANGE_BIG;
    r->vals = vals;
    r->r.start = r->r.stop = 0;
    r->r.step = 1;
    if (!int_to_i64(len, &r->r.len)) r->r.len = -1;
    return obj_val(r);
}

Value range_field(VM *vm, ObjRange *r, int which) {
    if (is_big(r)) return BIG(r)[which];
    int64_t v = which == RANGE_START ? r->start : which == RANGE_STOP ? r->stop : which == RANGE_STEP ? r->step : r->len;
    return int_value(vm, v);
}

int64_t range_len(VM *vm, ObjRange *r) {
    if (r->len < 0) too_big(vm);
    return r->len;
}

/* range_contains_long for a big range (x an exact int). */
static int big_contains(VM *vm, ObjRange *r, Value x) {
    Value start = BIG(r)[RANGE_START], stop = BIG(r)[RANGE_STOP], step = BIG(r)[RANGE_STEP];
    bool up = int_sign(step) > 0;
    if (up ? (int_cmp(x, start) < 0 || int_cmp(x, stop) >= 0) : (int_cmp(x, start) > 0 || int_cmp(x, stop) <= 0))
        return 0;
    Value off = int_binop(vm, BIN_SUB, x, start);
    Value rem = off == ERR ? ERR : int_binop(vm, BIN_MOD, off, step);
    return rem == ERR ? -1 : int_sign(rem) == 0;
}

/* The position of x, an exact int the range contains. */
static Value big_position(VM *vm, ObjRange *r, Value x) {
    Value off = int_binop(vm, BIN_SUB, x, BIG(r)[RANGE_START]);
    return off == ERR ? ERR : int_binop(vm, BIN_FLOORDIV, off, BIG(r)[RANGE_STEP]);
}

/* start + i * step */
static Value big_at(VM *vm, ObjRange *r, Value i) {
    Value t = int_binop(vm, BIN_MUL, i, BIG(r)[RANGE_STEP]);
    return t == ERR ? ERR : int_binop(vm, BIN_ADD, BIG(r)[RANGE_START], t);
}

static Value big_item(VM *vm, ObjRange *r, Value i) {
    Value len = BIG(r)[RANGE_LEN];
    if (int_sign(i) < 0 && (i = int_binop(vm, BIN_ADD, i, len)) == ERR) return ERR;
    if (int_sign(i) < 0 || int_cmp(i, len) >= 0) return exc_raise(vm, E_IndexError, "range object index out of range");
    return big_at(vm, r, i);
}

/* A slice bound resolved against the length as _PySlice_GetLongIndices
 * does: negative ones count from the end, then clamp to [lower, upper]. */
static Value big_bound(VM *vm, Value v, Value len, Value lower, Value upper) {
    v = exact_int(vm, v, "slice indices must be integers or None or have an __index__ method");
    if (v == ERR) return ERR;
    if (int_sign(v) < 0) {
        if ((v = int_binop(vm, BIN_ADD, v, len)) == ERR) return ERR;
        return int_cmp(v, lower) < 0 ? lower : v;
    }
    return int_cmp(v, upper) > 0 ? upper : v;
}

/* compute_slice over ints: for a big range, or when the values of an
 * int64_t one's slice would leave int64_t. */
static Value big_slice(VM *vm, ObjRange *r, ObjSlice *sl) {
    Value start = range_field(vm, r, RANGE_START), step = range_field(vm, r, RANGE_STEP);
    Value len = range_field(vm, r, RANGE_LEN);
    if (start == ERR || step == ERR || len == ERR) return ERR;
    Value by = int_val(1);
    if (sl->step != NONE_VAL) {
        by = exact_int(vm, sl->step, "slice indices must be integers or None or have an __index__ method");
        if (by == ERR) return ERR;
        if (int_sign(by) == 0) return exc_raise(vm, E_ValueError, "slice step cannot be zero");
    }
    bool back = int_sign(by) < 0;
    Value lower = int_val(back ? -1 : 0), upper = back ? int_binop(vm, BIN_SUB, len, int_val(1)) : len;
    if (upper == ERR) return ERR;
    Value from = sl->start == NONE_VAL ? (back ? upper : lower) : big_bound(vm, sl->start, len, lower, upper);
    if (from == ERR) return ERR;
    Value to = sl->stop == NONE_VAL ? (back ? lower : upper) : big_bound(vm, sl->stop, len, lower, upper);
    if (to == ERR) return ERR;
    Value a = int_binop(vm, BIN_MUL, from, step), b = int_binop(vm, BIN_MUL, to, step);
    Value c = int_binop(vm, BIN_MUL, step, by);
    if (a == ERR || b == ERR || c == ERR) return ERR;
    a = int_binop(vm, BIN_ADD, start, a);
    b = int_binop(vm, BIN_ADD, start, b);
    if (a == ERR || b == ERR) return ERR;
    return range_of_ints(vm, a, b, c);
}

/* longrange_iterator: `a` the next value, `b` the step, `c` the values left. */
static Value longrangeiter_next(VM *vm, ObjIter *it) {
    if (int_sign(it->c) <= 0) return UNDEF;
    Value v = it->a;
    Value next = int_binop(vm, BIN_ADD, v, it->b), left = int_binop(vm, BIN_SUB, it->c, int_val(1));
    if (next == ERR || left == ERR) return ERR;
    it->a = next;
    it->c = left;
    return v;
}

static Value longrangeiter_new(VM *vm, Value first, Value step, Value count) {
    ObjIter *it = iter_new(vm, vm->types[T_LONGRANGE_ITER], longrangeiter_next);
    if (!it) return ERR;
    it->a = first;
    it->b = step;
    it->c = count;
    return obj_val(it);
}

static Value big_reversed(VM *vm, ObjRange *r) {
    Value len = BIG(r)[RANGE_LEN];
    Value back = int_sign(len) ? int_binop(vm, BIN_SUB, len, int_val(1)) : int_val(0);
    Value last = back == ERR ? ERR : big_at(vm, r, back), step = int_neg(vm, BIG(r)[RANGE_STEP]);
    if (last == ERR || step == ERR) return ERR;
    return longrangeiter_new(vm, last, step, len);
}

/* _PySequence_IterSearch over a big range (rooting each value across ==,
 * which may run script code). */
static int64_t big_search(VM *vm, ObjRange *r, Value x, bool count) {
    Value it = longrangeiter_new(vm, BIG(r)[RANGE_START], BIG(r)[RANGE_STEP], BIG(r)[RANGE_LEN]);
    if (it == ERR || !vm_push_root(vm, it)) return -2;
    int64_t found = 0, result = count ? 0 : -1;
    for (int64_t i = 0;; i++) {
        Value v = longrangeiter_next(vm, AS(ObjIter, it));
        if (v == UNDEF || v == ERR) { result = v == ERR ? -2 : count ? found : -1; break; }
        if (!vm_push_root(vm, v)) { result = -2; break; }
        int eq = op_eq(vm, v, x);
        vm_pop_roots(vm, 1);
        if (eq < 0) { result = -2; break; }
        if (eq && !count) { result = i; break; }
        found += eq;
    }
    vm_pop_roots(vm, 1);
    return result;
}

/* range.__new__(cls, *args): range(stop), range(start, stop[, step]). */
static Value range___new__(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!no_kwargs(vm, kw, "range")) return ERR;
    int n = nargs - 1;
    if (n < 1) return exc_raise(vm, E_TypeError, "range expected at least 1 argument, got %d", n);
    if (n > 3) return exc_raise(vm, E_TypeError, "range expected at most 3 arguments, got %d", n);
    Value v[3] = {int_val(0), UNDEF, int_val(1)};
    if (is_int(args[1]) && (n == 1 || (is_int(args[2]) && (n == 2 || is_int(args[3]))))) {
        /* the common case: small ints */
        int64_t a = n == 1 ? 0 : as_int(args[1]), b = as_int(args[n == 1 ? 1 : 2]), c = n == 3 ? as_int(args[3]) : 1;
        if (c == 0) return exc_raise(vm, E_ValueError, "range() arg 3 must not be zero");
        return range_new(vm, a, b, c);
    }
    int rooted = 0;         /* (__index__ may run script code between conversions) */
    for (int i = 0; i < n; i++) {
        Value a = exact_int(vm, args[1 + i], NULL);
        if (a == ERR || !vm_push_root(vm, a)) { vm_pop_roots(vm, rooted); return ERR; }
        rooted++;
        v[n == 1 ? 1 : i] = a;
    }
    vm_pop_roots(vm, rooted);
    if (int_sign(v[2]) == 0) return exc_raise(vm, E_ValueError, "range() arg 3 must not be zero");
    return range_of_ints(vm, v[0], v[1], v[2]);
}

static Value rangeiter_next(VM *vm, ObjIter *it) {
    if (it->n <= 0) return UNDEF;
    int64_t v = it->i;
    it->i = (int64_t)((uint64_t)it->i + (uint64_t)it->step);
    it->n--;
    return int_value(vm, v);
}

static Value rangeiter_new(VM *vm, int64_t first, int64_t n, int64_t step) {
    ObjIter *it = iter_new(vm, vm->types[T_RANGE_ITER], rangeiter_next);
    if (!it) return ERR;
    it->i = first;
    it->n = n;
    it->step = step;
    return obj_val(it);
}

Value range_iter(VM *vm, ObjRange *r) {
    if (is_big(r)) return longrangeiter_new(vm, BIG(r)[RANGE_START], BIG(r)[RANGE_STEP], BIG(r)[RANGE_LEN]);
    return rangeiter_new(vm, r->start, r->len, r->step);
}

/* range_reverse: from the last value down, by -step (modulo 2**64, so a
 * step of INT64_MIN still walks right). */
Value range_reversed(VM *vm, ObjRange *r) {
    if (is_big(r)) return big_reversed(vm, r);
    int64_t last = r->len ? range_at(r, r->len - 1) : r->start;
    return rangeiter_new(vm, last, r->len, (int64_t)(0 - (uint64_t)r->step));
}

/* range_contains_long: 0/1 for an int. */
static int range_contains_int(ObjRange *r, Value v) {
    int64_t x;
    if (is_bool(v)) x = as_bool(v);
    else if (!int_to_i64(v, &x)) return 0;
    if (r->step > 0 ? (x < r->start || x >= r->stop) : (x > r->start || x <= r->stop)) return 0;
    uint64_t off = r->step > 0 ? (uint64_t)x - (uint64_t)r->start : (uint64_t)r->start - (uint64_t)x;
    uint64_t step = r->step > 0 ? (uint64_t)r->step : 0 - (uint64_t)r->step;
    return off % step == 0;
}

/* _PySequence_IterSearch for non-ints: compares every value with ==.
 * Returns the count (count mode) or the first index, -1 when absent, -2
 * after raising. */
static int64_t range_search(VM *vm, ObjRange *r, Value x, bool count) {
    if (is_big(r)) return big_search(vm, r, x, count);
    int64_t found = 0;
    for (int64_t i = 0; i < r->len; i++) {
        Value v = int_value(vm, range_at(r, i));
        if (v == ERR) return -2;
        int eq = op_eq(vm, v, x);
        if (eq < 0) return -2;
        if (!eq) continue;
        if (!count) return i;
        found++;
    }
    return count ? found : -1;
}

/* Whether an int is among the values: 0/1, -1 on error. */
static int contains_int(VM *vm, ObjRange *r, Value x) {
    if (!is_big(r)) return range_contains_int(r, x);
    x = exact_int(vm, x, NULL);
    return x == ERR ? -1 : big_contains(vm, r, x);
}

/* Whether x takes the arithmetic path of in, count and index: an int or
 * bool, but not an instance of an int subclass, whose __eq__ may say
 * otherwise (CPython compares those item by item). */
static bool plain_int(Value x) {
    return is_intlike(x) && !(is_obj(x) && (as_obj(x)->flags & OBJ_SUBTYPE));
}

int range_contains(VM *vm, ObjRange *r, Value x) {
    if (plain_int(x)) return contains_int(vm, r, x);
    int64_t i = range_search(vm, r, x, false);
    return i == -2 ? -1 : i >= 0;
}

static Value range_item(VM *vm, ObjRange *r, int64_t i) {
    if (i < 0) i += r->len;
    if (i < 0 || i >= r->len) return exc_raise(vm, E_IndexError, "range object index out of range");
    return int_value(vm, range_at(r, i));
}

/* compute_slice: the range of the values a slice picks. */
static bool small_bound(Value v) { return v == NONE_VAL || is_int(v) || is_bool(v); }

static Value range_slice(VM *vm, ObjRange *r, ObjSlice *sl) {
    /* other bounds go the exact way: slice_unpack clamps a huge step */
    if (!small_bound(sl->start) || !small_bound(sl->stop) || !small_bound(sl->step)) return big_slice(vm, r, sl);
    int64_t start, stop, step;
    if (!slice_unpack(vm, sl, &start, &stop, &step)) return ERR;
    slice_adjust(r->len, &start, &stop, step);
    int64_t a, b, c, t;
    if (__builtin_mul_overflow(start, r->step, &t) || __builtin_add_overflow(r->start, t, &a) ||
        __builtin_mul_overflow(stop, r->step, &t) || __builtin_add_overflow(r->start, t, &b) ||
        __builtin_mul_overflow(step, r->step, &c) || range_length(a, b, c) < 0)
        return big_slice(vm, r, sl);
    return range_new(vm, a, b, c);
}

Value range_getitem(VM *vm, ObjRange *r, Value index) {
    if (is_kind(index, OBJ_SLICE))
        return is_big(r) ? big_slice(vm, r, AS(ObjSlice, index)) : range_slice(vm, r, AS(ObjSlice, index));
    if (is_big(r)) {
        Value i = exact_int(vm, index, "range indices must be integers or slices, not %T");
        return i == ERR ? ERR : big_item(vm, r, i);
    }
    int64_t i;
    if (!is_intlike(index)) {     /* (a huge __index__ is out of range too) */
        index = exact_int(vm, index, "range indices must be integers or slices, not %T");
        if (index == ERR) return ERR;
    }
    if (is_bool(index)) i = as_bool(index);
    else if (!int_to_i64(index, &i)) return exc_raise(vm, E_IndexError, "range object index out of range");
    return range_item(vm, r, i);
}

/* range_equals: equal as sequences (the same length, first value and,
 * for two values or more, step). */
int range_equal(VM *vm, ObjRange *a, ObjRange *b) {
    if (a == b) return 1;
    if (!is_big(a) && !is_big(b)) {
        if (a->len != b->len) return 0;
        return a->len == 0 || (a->start == b->start && (a->len == 1 || a->step == b->step));
    }
    for (int f = RANGE_LEN;; f = f == RANGE_LEN ? RANGE_START : RANGE_STEP) {
        Value x = range_field(vm, a, f), y = range_field(vm, b, f);
        if (x == ERR || y == ERR) return -1;
        if (int_cmp(x, y) != 0) return 0;
        if (f == RANGE_LEN && int_sign(x) == 0) return 1;
        if (f == RANGE_START && a->len == 1) return 1;
        if (f == RANGE_STEP) return 1;
    }
}

/* ---- range methods ------------------------------------------------------- */

static ObjRange *range_self(VM *vm, const char *meth, Value *args, int nargs, ObjTuple *kw, int nwant) {
    if (nargs < 1 || !is_kind(args[0], OBJ_RANGE)) {
        exc_raise(vm, E_TypeError, "descriptor '%s' for 'range' objects doesn't apply to a '%T' object",
                  meth, nargs < 1 ? NONE_VAL : args[0]);
        return NULL;
    }
    if (kw && kw->len > 0) {
        exc_raise(vm, E_TypeError, "range.%s() takes no keyword arguments", meth);
        return NULL;
    }
    if (nargs - 1 != nwant) {
        if (nwant == 0)
            exc_raise(vm, E_TypeError, "range.%s() takes no arguments (%d given)", meth, nargs - 1);
        else
            exc_raise(vm, E_TypeError, "range.%s() takes exactly one argument (%d given)", meth, nargs - 1);
        return NULL;
    }
    return AS(ObjRange, args[0]);
}

#define RANGE_SELF(meth, nwant) \
    ObjRange *r = range_self(vm, meth, args, nargs, kw, nwant); \
    if (!r) return ERR

static Value range_m_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__len__", 0);
    return range_len(vm, r) < 0 ? ERR : int_value(vm, r->len);
}

static Value range_m_bool(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__bool__", 0);
    return bool_val(r->len != 0);
}

static Value range_m_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__getitem__", 1);
    return range_getitem(vm, r, args[1]);
}

static Value range_m_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__contains__", 1);
    int c = range_contains(vm, r, args[1]);
    return c < 0 ? ERR : bool_val(c);
}

static Value range_m_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__iter__", 0);
    return range_iter(vm, r);
}

static Value range_m_reversed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__reversed__", 0);
    return range_reversed(vm, r);
}

/* range.__reduce__: (range, (start, stop, step)), for copy and pickle. */
static Value range_m_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_RANGE)) return exc_raise(vm, E_TypeError, "descriptor '__reduce__' requires a 'range' object");
    static const char *const names[3] = {"start", "stop", "step"};
    Value parts[3];
    int rooted = 0;
    ObjTuple *r = NULL;
    for (; rooted < 3; rooted++) {
        ObjStr *n = str_intern_cstr(vm, names[rooted]);
        parts[rooted] = n ? op_getattr(vm, args[0], n) : ERR;
        if (parts[rooted] == ERR || !vm_push_root(vm, parts[rooted])) goto done;
    }
    ObjTuple *t = tuple_from(vm, parts, 3);
    if (!t || !vm_push_root(vm, obj_val(t))) goto done;
    rooted++;
    Value pair[2] = {obj_val(vm->types[T_RANGE]), obj_val(t)};
    r = tuple_from(vm, pair, 2);
done:
    vm_pop_roots(vm, rooted);
    return r ? obj_val(r) : ERR;
}

static Value range_m_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("count", 1);
    if (plain_int(args[1])) {
        int c = contains_int(vm, r, args[1]);
        return c < 0 ? ERR : int_val(c);
    }
    int64_t n = range_search(vm, r, args[1], true);
    return n < 0 ? ERR : int_value(vm, n);
}

static Value range_m_index(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("index", 1);
    Value x = args[1];
    if (!plain_int(x)) {
        int64_t i = range_search(vm, r, x, false);
        if (i == -2) return ERR;
        if (i < 0) return exc_raise(vm, E_ValueError, "sequence.index(x): x not in sequence");
        return int_value(vm, i);
    }
    int c = contains_int(vm, r, x);
    if (c <= 0) return c < 0 ? ERR : exc_raise(vm, E_ValueError, "%R is not in range", x);
    if (is_big(r)) {
        Value i = exact_int(vm, x, NULL);
        return i == ERR ? ERR : big_position(vm, r, i);
    }
    int64_t v = is_bool(x) ? as_bool(x) : 0;
    if (!is_bool(x)) int_to_i64(x, &v);
    uint64_t off = r->step > 0 ? (uint64_t)v - (uint64_t)r->start : (uint64_t)r->start - (uint64_t)v;
    uint64_t step = r->step > 0 ? (uint64_t)r->step : 0 - (uint64_t)r->step;
    return int_value(vm, (int64_t)(off / step));
}

static Value range_m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__repr__", 0);
    if (is_big(r)) {
        StrBuf b = SB_INIT;
        sb_adds(&b, "range(");
        int n = BIG(r)[RANGE_STEP] == int_val(1) ? 2 : 3;
        for (int i = 0; i < n; i++) {
            if (i) sb_adds(&b, ", ");
            if (!op_repr_to(vm, BIG(r)[i], &b)) {
                sb_free(&b);
                return ERR;
            }
        }
        sb_addc(&b, ')');
        return str_from_buf(vm, &b);
    }
    char buf[80];
    if (r->step == 1)
        snprintf(buf, sizeof buf, "range(%lld, %lld)", (long long)r->start, (long long)r->stop);
    else
        snprintf(buf, sizeof buf, "range(%lld, %lld, %lld)", (long long)r->start, (long long)r->stop,
                 (long long)r->step);
    return str_from_cstr(vm, buf);
}

static Value range_compare(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *meth, bool eq) {
    RANGE_SELF(meth, 1);
    if (!is_kind(args[1], OBJ_RANGE)) return NOTIMPL_VAL;
    int e = range_equal(vm, r, AS(ObjRange, args[1]));
    return e < 0 ? ERR : bool_val(e == eq);
}
static Value range_m_eq(VM *vm, Value *a, int n, ObjTuple *kw) { return range_compare(vm, a, n, kw, "__eq__", true); }
static Value range_m_ne(VM *vm, Value *a, int n, ObjTuple *kw) { return range_compare(vm, a, n, kw, "__ne__", false); }

/* range_hash: the hash of (len, start, step), with None for what does not
 * matter (start and step of an empty range, the step of a 1-item range). */
int range_hash(VM *vm, ObjRange *r, uint64_t *out) {
    Value items[3] = {range_field(vm, r, RANGE_LEN), NONE_VAL, NONE_VAL};
    if (r->len) {
        items[1] = range_field(vm, r, RANGE_START);
        if (r->len != 1) items[2] = range_field(vm, r, RANGE_STEP);
    }
    for (int i = 0; i < 3; i++)
        if (items[i] == ERR) return -1;
    ObjTuple *t = tuple_from(vm, items, 3);
    if (!t) return -1;
    return op_hash(vm, obj_val(t), out);
}

static Value range_m_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RANGE_SELF("__hash__", 0);
    uint64_t h;
    if (range_hash(vm, r, &h) < 0) return ERR;
    return int_from_i64(vm, (int64_t)h);
}

/* range_iterator.__length_hint__ */
static Value rangeiter_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs < 1 || !is_kind(args[0], OBJ_ITER))
        return exc_raise(vm, E_TypeError, "descriptor '__length_hint__' requires a 'range_iterator' object");
    return int_value(vm, AS(ObjIter, args[0])->n);
}

void range_init_methods(VM *vm) {
    ObjClass *r = vm->types[T_RANGE], *s = vm->types[T_SLICE];
    class_add_static(vm, r, "__new__", range___new__);
    class_add_native(vm, r, "__len__", range_m_len);
    class_add_native(vm, r, "__bool__", range_m_bool);
    class_add_native(vm, r, "__getitem__", range_m_getitem);
    class_add_native(vm, r, "__contains__", range_m_contains);
    class_add_native(vm, r, "__iter__", range_m_iter);
    class_add_native(vm, r, "__reversed__", range_m_reversed);
    class_add_native(vm, r, "__repr__", range_m_repr);
    class_add_native(vm, r, "__eq__", range_m_eq);
    class_add_native(vm, r, "__ne__", range_m_ne);
    class_add_native(vm, r, "__hash__", range_m_hash);
    class_add_native(vm, r, "count", range_m_count);
    class_add_native(vm, r, "__reduce__", range_m_reduce);
    class_add_native(vm, r, "index", range_m_index);
    class_add_native(vm, vm->types[T_RANGE_ITER], "__length_hint__", rangeiter_length_hint);

    class_add_static(vm, s, "__new__", slice___new__);
    class_add_native(vm, s, "indices", slice_m_indices);
    class_add_native(vm, s, "__repr__", slice_m_repr);
    class_add_native(vm, s, "__eq__", slice_eq);
    class_add_native(vm, s, "__ne__", slice_ne);
    class_add_native(vm, s, "__lt__", slice_lt);
    class_add_native(vm, s, "__le__", slice_le);
    class_add_native(vm, s, "__gt__", slice_gt);
    class_add_native(vm, s, "__ge__", slice_ge);
    class_add_native(vm, s, "__hash__", slice_hash);
}
