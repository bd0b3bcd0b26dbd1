/* tuple: an immutable array of values. */
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "ops.h"

ObjTuple *tuple_new(VM *vm, int64_t n) {
    if (n == 0 && vm->empty_tuple) return vm->empty_tuple;
    size_t size = gc_array_size((size_t)n, sizeof(Value));
    if (n < 0 || size == SIZE_MAX || size > SIZE_MAX - sizeof(ObjTuple)) { exc_nomem(vm); return NULL; }
    ObjTuple *t = gc_new(vm, sizeof(ObjTuple) + size, OBJ_TUPLE, vm->types[T_TUPLE]);
    if (!t) return NULL;
    t->len = n;
    for (int64_t i = 0; i < n; i++) t->items[i] = NONE_VAL;
    return t;
}

ObjTuple *tuple_from(VM *vm, const Value *items, int64_t n) {
    ObjTuple *t = tuple_new(vm, n);
    if (t && n) copy_values(t->items, items, n);
    return t;
}

Value tuple_getitem(VM *vm, ObjTuple *t, Value index) {
    if (is_kind(index, OBJ_SLICE)) {
        int64_t start, stop, step;
        int64_t n = slice_indices(vm, AS(ObjSlice, index), t->len, &start, &stop, &step);
        if (n < 0) return ERR;
        if (n == t->len && step == 1 && t->obj.cls == vm->types[T_TUPLE]) return obj_val(t);   /* a subclass slices to a tuple */
        ObjTuple *r = tuple_new(vm, n);
        if (!r) return ERR;
        for (int64_t k = 0, i = start; k < n; k++, i += step) r->items[k] = t->items[i];
        return obj_val(r);
    }
    if (!is_intlike(index) && op_special(vm, index, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "tuple indices must be integers or slices, not %T", index);
    int64_t i = seq_index(vm, index, t->len, "tuple");
    return i < 0 ? ERR : t->items[i];
}

#define SELF AS(ObjTuple, args[0])

static Value m_index(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "tuple.index", nargs - 1, kw, 1, 3)) return ERR;
    int64_t len = SELF->len, start = 0, stop = len;
    if (nargs > 2 && !slice_bound(vm, args[2], &start)) return ERR;
    if (nargs > 3 && !slice_bound(vm, args[3], &stop)) return ERR;
    if (start < 0) { start += len; if (start < 0) start = 0; }
    if (stop < 0) { stop += len; if (stop < 0) stop = 0; }
    for (int64_t i = start; i < stop && i < SELF->len; i++) {
        int eq = op_eq(vm, SELF->items[i], args[1]);
        if (eq < 0) return ERR;
        if (eq) return int_val(i);
    }
    return exc_raise(vm, E_ValueError, "tuple.index(x): x not in tuple");
}

static Value m_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "tuple.count", nargs - 1, kw, 1, 1)) return ERR;
    int64_t n = 0;
    for (int64_t i = 0; i < SELF->len; i++) {
        int eq = op_eq(vm, SELF->items[i], args[1]);
        if (eq < 0) return ERR;
        n += eq;
    }
    return int_val(n);
}

void tuple_init_methods(VM *vm) {
    class_add_native(vm, vm->types[T_TUPLE], "index", m_index);
    class_add_native(vm, vm->types[T_TUPLE], "count", m_count);
}
