/* Pickling and copying of the native iterators: their __reduce__ and
 * __setstate__, with CPython's results, so that pickle, copy.copy and
 * copy.deepcopy take an iterator part-way through and give one that goes
 * on from the same place.
 *
 * An iterator over a sequence reduces to (iter, (seq,), index) and takes
 * the index back through __setstate__; reversed to (reversed, (seq,),
 * index). Iterators over dicts and sets reduce to (iter, (items left,)),
 * read from a copy of the iterator so the original does not move. The
 * lazy ones (enumerate, zip, map, filter) reduce to their class and the
 * arguments that make them again, with their source iterators inside.
 * An exhausted iterator reduces to one over an empty sequence.
 *
 * The state of each ObjIter is described in builtins_iter.c (the lazy ones
 * and reversed), ops.c (the sequence iterators), str.c, range.c, dict.c
 * and set.c: `a` the sequence, `i` the next index, but for str, where `i`
 * is a byte offset. */
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"

/* ---- helpers ------------------------------------------------------------ */

static Value builtin_iter_fn(VM *vm) {
    Value f = dict_get_str(vm->builtins, str_intern_cstr(vm, "iter"));
    return f == UNDEF ? exc_raise(vm, E_RuntimeError, "builtins.iter is missing") : f;
}

/* (fn, args) or, when state is not UNDEF, (fn, args, state). args is
 * rooted by the caller or reachable from the iterator. */
static Value reduce_result(VM *vm, Value fn, Value args, Value state) {
    Value items[3] = {fn, args, state};
    ObjTuple *t = tuple_from(vm, items, state == UNDEF ? 2 : 3);
    return t ? obj_val(t) : ERR;
}

/* (fn, (a,)) or (fn, (a,), state). */
static Value reduce_one(VM *vm, Value fn, Value a, Value state) {
    ObjTuple *args = tuple_from(vm, &a, 1);
    if (!args || !vm_push_root(vm, obj_val(args))) return ERR;
    Value r = reduce_result(vm, fn, obj_val(args), state);
    vm_pop_roots(vm, 1);
    return r;
}

/* (iter, (seq,), index), or (iter, (empty,)) once exhausted. */
static Value reduce_seq(VM *vm, Value seq, int64_t index, Value empty) {
    Value fn = builtin_iter_fn(vm);
    if (fn == ERR) return ERR;
    if (seq == UNDEF) return reduce_one(vm, fn, empty, UNDEF);
    Value ix = int_from_i64(vm, index);
    return ix == ERR ? ERR : reduce_one(vm, fn, seq, ix);
}

/* Whether a tuple, bytes or str iterator's next() has found nothing
 * (ops.c and str.c set b to True then). */
static bool failed_next(VM *vm, ObjIter *it) {
    ObjClass *c = it->obj.cls;
    bool marks = c == vm->types[T_TUPLE_ITER] || c == vm->types[T_STR_ITER] ||
                 (c == vm->types[T_BYTES_ITER] && is_kind(it->a, OBJ_BYTES));
    return marks && it->b == TRUE_VAL;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* The items an iterator has left, read from a copy of it. */
static Value remaining_list(VM *vm, ObjIter *it) {
    ObjIter *cp = iter_new(vm, it->obj.cls, it->next);
    if (!cp || !vm_push_root(vm, obj_val(cp))) return ERR;
    cp->a = it->a, cp->b = it->b, cp->c = it->c;
    cp->i = it->i, cp->n = it->n, cp->step = it->step;
    ObjList *l = op_to_list(vm, obj_val(cp));
    vm_pop_roots(vm, 1);
    return l ? obj_val(l) : ERR;
}

/* range(first, first + count * step, step) from int values. */
static Value range_left(VM *vm, Value first, Value step, Value count) {
    Value *r = vm_roots_open(vm, 4);
    if (!r) return ERR;
    Value result = ERR;
    r[0] = first, r[1] = step;
    r[3] = int_binop(vm, BIN_MUL, count, step);
    if (r[3] == ERR) goto done;
    r[2] = int_binop(vm, BIN_ADD, first, r[3]);
    if (r[2] == ERR) goto done;
    Value argv[3] = {r[0], r[2], r[1]};
    result = op_call(vm, obj_val(vm->types[T_RANGE]), argv, 3, NULL);
done:
    vm_pop_roots(vm, 4);
    return result;
}

static Value reduce_range(VM *vm, ObjIter *it) {
    Value rng;
    if (it->obj.cls == vm->types[T_RANGE_ITER]) {
        Value *r = vm_roots_open(vm, 3);
        if (!r) return ERR;
        r[0] = int_from_i64(vm, it->i);
        r[1] = r[0] == ERR ? ERR : int_from_i64(vm, it->step);
        r[2] = r[1] == ERR ? ERR : int_from_i64(vm, it->n > 0 ? it->n : 0);
        rng = r[2] == ERR ? ERR : range_left(vm, r[0], r[1], r[2]);
        vm_pop_roots(vm, 3);
    } else {
        rng = range_left(vm, it->a, it->b, it->c);
    }
    if (rng == ERR || !vm_push_root(vm, rng)) return ERR;
    Value fn = builtin_iter_fn(vm);
    Value r = fn == ERR ? ERR : reduce_one(vm, fn, rng, NONE_VAL);
    vm_pop_roots(vm, 1);
    return r;
}

/* (cls, (a,) + tuple t) for map: the function, then its iterators. */
static Value reduce_map(VM *vm, ObjIter *it) {
    ObjTuple *its = AS(ObjTuple, it->b);
    ObjTuple *args = tuple_new(vm, its->len + 1);
    if (!args || !vm_push_root(vm, obj_val(args))) return ERR;
    args->items[0] = it->a;
    copy_values(args->items + 1, its->items, its->len);
    Value r = reduce_result(vm, obj_val(it->obj.cls), obj_val(args), UNDEF);
    vm_pop_roots(vm, 1);
    return r;
}

/* (cls, (a, b)): enumerate (iterator, count) and filter (function, iterator). */
static Value reduce_pair(VM *vm, ObjIter *it) {
    Value pair[2] = {it->a, it->b};
    ObjTuple *args = tuple_from(vm, pair, 2);
    if (!args || !vm_push_root(vm, obj_val(args))) return ERR;
    Value r = reduce_result(vm, obj_val(it->obj.cls), obj_val(args), UNDEF);
    vm_pop_roots(vm, 1);
    return r;
}

/* reversed and list_reverseiterator: (reversed, (seq,), index) while
 * items are left (the class for a subclass of reversed). */
static Value reduce_reversed(VM *vm, ObjIter *it) {
    bool list = it->obj.cls == vm->types[T_LIST_REVITER];
    Value seq = it->a;
    int64_t index = it->i;
    if (is_str(seq)) index = it->i > 0 ? utf8_count(AS(ObjStr, seq)->data, (size_t)it->i) - 1 : -1;
    if (list && index >= AS(ObjList, seq)->len) index = -1;
    /* (a list's is done only once next() found nothing; until then it is at -1) */
    if (list ? index == LIST_REVITER_DONE : index < 0) {
        if (!list) return reduce_one(vm, obj_val(it->obj.cls), obj_val(vm->empty_tuple), UNDEF);
        ObjList *empty = list_new(vm, 0);
        if (!empty || !vm_push_root(vm, obj_val(empty))) return ERR;
        Value fn = builtin_iter_fn(vm);
        Value r = fn == ERR ? ERR : reduce_one(vm, fn, obj_val(empty), UNDEF);
        vm_pop_roots(vm, 1);
        return r;
    }
    Value ix = int_from_i64(vm, index);
    Value cls = list ? obj_val(vm->types[T_REVERSED]) : obj_val(it->obj.cls);
    return ix == ERR ? ERR : reduce_one(vm, cls, seq, ix);
}

/* ---- __reduce__ --------------------------------------------------------- */

static Value m_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_ITER)) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", args[0]);
    ObjIter *it = AS(ObjIter, args[0]);
    ObjClass *c = it->obj.cls;
    if (c == vm->types[T_LIST_ITER]) {
        ObjList *empty = it->a == UNDEF ? list_new(vm, 0) : NULL;
        if (it->a == UNDEF && (!empty || !vm_push_root(vm, obj_val(empty)))) return ERR;
        Value r = reduce_seq(vm, it->a, it->i, empty ? obj_val(empty) : UNDEF);
        if (empty) vm_pop_roots(vm, 1);
        return r;
    }
    /* (the sequence goes only once a next() found nothing: it->b, below) */
    if (c == vm->types[T_TUPLE_ITER])
        return reduce_seq(vm, failed_next(vm, it) ? UNDEF : it->a, it->i, obj_val(vm->empty_tuple));
    if (c == vm->types[T_STR_ITER]) {
        ObjStr *s = AS(ObjStr, it->a);
        if (failed_next(vm, it)) return reduce_seq(vm, UNDEF, 0, obj_val(vm->empty_str));
        return reduce_seq(vm, it->a, utf8_count(s->data, (size_t)it->i), UNDEF);
    }
    if (c == vm->types[T_BYTES_ITER] || c == vm->types[T_SEQ_ITER])
        return reduce_seq(vm, failed_next(vm, it) ? UNDEF : it->a, it->i, obj_val(vm->empty_tuple));
    if (c == vm->types[T_RANGE_ITER] || c == vm->types[T_LONGRANGE_ITER]) return reduce_range(vm, it);
    if (c == vm->types[T_CALL_ITER]) {
        Value fn = builtin_iter_fn(vm);
        if (fn == ERR) return ERR;
        if (it->a == UNDEF) return reduce_one(vm, fn, obj_val(vm->empty_tuple), UNDEF);
        Value pair[2] = {it->a, it->b};
        ObjTuple *a = tuple_from(vm, pair, 2);
        if (!a || !vm_push_root(vm, obj_val(a))) return ERR;
        Value r = reduce_result(vm, fn, obj_val(a), UNDEF);
        vm_pop_roots(vm, 1);
        return r;
    }
    if (c == vm->types[T_LIST_REVITER] || class_is_subclass(c, vm->types[T_REVERSED])) return reduce_reversed(vm, it);
    if (class_is_subclass(c, vm->types[T_ENUMERATE]) || class_is_subclass(c, vm->types[T_FILTER]))
        return reduce_pair(vm, it);
    if (class_is_subclass(c, vm->types[T_MAP])) return reduce_map(vm, it);
    if (class_is_subclass(c, vm->types[T_ZIP]))
        return reduce_result(vm, obj_val(c), it->a, it->i ? TRUE_VAL : UNDEF);
    /* dict and set iterators: the items left. */
    Value l = remaining_list(vm, it);
    if (l == ERR || !vm_push_root(vm, l)) return ERR;
    Value fn = builtin_iter_fn(vm);
    Value r = fn == ERR ? ERR : reduce_one(vm, fn, l, UNDEF);
    vm_pop_roots(vm, 1);
    return r;
}

/* ---- __setstate__ ------------------------------------------------------- */

/* The sequence length an index state is clamped to, or -1 when exhausted. */
static int64_t state_len(VM *vm, ObjIter *it) {
    ObjClass *c = it->obj.cls;
    Value a = it->a;
    if (a == UNDEF || failed_next(vm, it)) return -1;
    if (c == vm->types[T_LIST_ITER] || c == vm->types[T_LIST_REVITER]) return AS(ObjList, a)->len;
    if (is_tuple(a)) return AS(ObjTuple, a)->len;
    if (is_str(a)) return AS(ObjStr, a)->cplen;
    if (is_kind(a, OBJ_BYTES)) return AS(ObjBytes, a)->len;
    if (is_kind(a, OBJ_BYTEARRAY)) return AS(ObjByteArray, a)->len;
    return INT64_MAX;       /* an iterator over __getitem__: no bound */
}

static Value set_index(VM *vm, ObjIter *it, int64_t n) {
    ObjClass *c = it->obj.cls;
    int64_t len = state_len(vm, it);
    if (c == vm->types[T_RANGE_ITER]) {
        n = clamp(n, 0, it->n);
        it->i = (int64_t)((uint64_t)it->i + (uint64_t)n * (uint64_t)it->step);
        it->n -= n;
        return NONE_VAL;
    }
    if (len < 0) return NONE_VAL;
    if (c == vm->types[T_LIST_REVITER] || class_is_subclass(c, vm->types[T_REVERSED])) {
        if (c != vm->types[T_LIST_REVITER] && it->i < (is_str(it->a) ? 1 : 0)) return NONE_VAL;    /* exhausted */
        if (c == vm->types[T_LIST_REVITER] && it->i == LIST_REVITER_DONE) return NONE_VAL;
        n = clamp(n, -1, len == INT64_MAX ? n : len - 1);
        it->i = is_str(it->a) ? str_offset(AS(ObjStr, it->a), n + 1) : n;
        return NONE_VAL;
    }
    n = clamp(n, 0, len);
    it->i = is_str(it->a) ? str_offset(AS(ObjStr, it->a), n) : n;
    return NONE_VAL;
}

static Value m_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_ITER)) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", args[0]);
    ObjIter *it = AS(ObjIter, args[0]);
    if (class_is_subclass(it->obj.cls, vm->types[T_ZIP])) {
        int t = op_truthy(vm, args[1]);
        if (t < 0) return ERR;
        it->i = t;
        return NONE_VAL;
    }
    int64_t n;
    /* PyLong_AsSsize_t: an int, no __index__ */
    if (!is_intlike(args[1])) return exc_raise(vm, E_TypeError, "an integer is required");
    if (!index_value(vm, args[1], &n, NULL)) return ERR;
    return set_index(vm, it, n);
}

/* ---- registration ------------------------------------------------------- */

bool iter_reduce_init(VM *vm) {
    static const TypeId reducible[] = {
        T_LIST_ITER, T_TUPLE_ITER, T_STR_ITER, T_BYTES_ITER, T_SEQ_ITER, T_RANGE_ITER, T_LONGRANGE_ITER,
        T_CALL_ITER, T_LIST_REVITER, T_REVERSED, T_ENUMERATE, T_ZIP, T_MAP, T_FILTER, T_DICT_KEYITER,
        T_DICT_VALUEITER, T_DICT_ITEMITER, T_DICT_REVKEYITER, T_DICT_REVVALUEITER, T_DICT_REVITEMITER, T_ODICT_ITER, T_SET_ITER,
    };
    static const TypeId settable[] = {
        T_LIST_ITER, T_TUPLE_ITER, T_STR_ITER, T_BYTES_ITER, T_SEQ_ITER, T_RANGE_ITER, T_LIST_REVITER,
        T_REVERSED, T_ZIP,
    };
    for (size_t i = 0; i < sizeof reducible / sizeof reducible[0]; i++)
        if (!class_add_native(vm, vm->types[reducible[i]], "__reduce__", m_reduce)) return false;
    for (size_t i = 0; i < sizeof settable / sizeof settable[0]; i++)
        if (!class_add_native(vm, vm->types[settable[i]], "__setstate__", m_setstate)) return false;
    return true;
}
