/* The iteration builtins.
 *
 * enumerate, zip, map, filter and reversed are types, as in Python: the
 * builtin names refer to the type objects, whose __new__ natives build the
 * iterators. The lazy iterators are ObjIters (object.h), and every Value one
 * keeps lives in its a/b/c fields, which the collector marks:
 *
 *   type                  a                   b                  c      i / n
 *   enumerate             source iterator     next count (int)   -      -
 *   zip                   tuple of iterators  -                  -      strict flag
 *   map                   function            tuple of iterators -      -
 *   filter                function or None    source iterator    -      -
 *   list_reverseiterator  list                -                  -      next index
 *   reversed              sequence            -                  -      next index
 *                                                                       (str: byte offset)
 *   callable_iterator     callable            sentinel           -      -
 *
 * iter, next, sorted, min, max, sum, any and all are plain natives. Values a
 * native holds while script code may run (a user __next__, a key function,
 * a comparison) sit in extra roots reserved with roots_open. */
#include <math.h>
#include <string.h>

#include "slots.h"
#include "bytes.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "ops.h"
#include "slots.h"
#include "str.h"


/* ---- helpers ------------------------------------------------------------ */

/* Raises StopIteration without arguments. */
static Value stop_iteration(VM *vm) {
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], vm->empty_tuple);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* __iter__ and __next__ of the iterator types, for code that calls them by name. */
static Value iter_m_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iter__", nargs - 1, kw, 0, 0)) return ERR;
    return args[0];
}

static Value iter_m_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_ITER) || !AS(ObjIter, args[0])->next)
        return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", args[0]);
    /* The layout's own step, not op_next: a subclass's __next__ reaches
       this through super() and would otherwise call itself. */
    Value v = AS(ObjIter, args[0])->next(vm, AS(ObjIter, args[0]));
    if (v == UNDEF) return stop_iteration(vm);
    return v;
}

/* __length_hint__ of the sequence iterators: how many items are left, 0
   once exhausted (operator.length_hint and list() presizing ask this). */
static int64_t items_left(VM *vm, ObjIter *it) {
    ObjClass *c = it->obj.cls;
    Value a = it->a;
    if (a == UNDEF) return 0;
    if (c == vm->types[T_LIST_ITER]) return AS(ObjList, a)->len - it->i;
    if (c == vm->types[T_TUPLE_ITER]) return AS(ObjTuple, a)->len - it->i;
    if (c == vm->types[T_BYTES_ITER])
        return (is_kind(a, OBJ_BYTES) ? AS(ObjBytes, a)->len : AS(ObjByteArray, a)->len) - it->i;
    if (c == vm->types[T_STR_ITER]) {
        ObjStr *st = AS(ObjStr, a);
        return it->i >= st->len ? 0 : st->cplen - utf8_count(st->data, (size_t)it->i);
    }
    if (c == vm->types[T_LIST_REVITER]) return it->i >= 0 && it->i < AS(ObjList, a)->len ? it->i + 1 : 0;
    if (is_str(a)) return utf8_count(AS(ObjStr, a)->data, (size_t)(it->i > 0 ? it->i : 0));   /* reversed(str) */
    return it->i + 1;       /* reversed(sequence): the next index counts down to 0 */
}

static Value seq_rev_next(VM *vm, ObjIter *it);

/* iter(obj) over __getitem__: len(obj) less the items given, when obj has a
 * __len__ (whose errors, RecursionError included, propagate), else
 * NotImplemented; 0 once exhausted, as CPython's iter_len. */
static Value seq_iter_hint(VM *vm, ObjIter *it) {
    if (it->a == UNDEF) return int_val(0);
    if (class_lookup(type_of(vm, it->a), vm_name(vm, N___len__)) == UNDEF) return NOTIMPL_VAL;
    int64_t len = op_len(vm, it->a);
    if (len < 0) return ERR;
    return int_val(len > it->i ? len - it->i : 0);
}

static Value iter_m_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__length_hint__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_ITER)) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", args[0]);
    ObjIter *it = AS(ObjIter, args[0]);
    if (it->obj.cls == vm->types[T_SEQ_ITER]) return seq_iter_hint(vm, it);
    int64_t n = items_left(vm, it);
    if (it->next == seq_rev_next && n > 0) {
        /* reversed(sequence): the sequence may have shrunk since */
        int64_t len = op_len(vm, it->a);
        if (len < 0) return ERR;
        if (len < n) n = 0;
    }
    return int_val(n > 0 ? n : 0);
}

/* The class a __new__ of type t makes an instance of: args[0], which is t
 * or a Python subclass of it (whose instances share the ObjIter layout). */
static ObjClass *new_class(VM *vm, Value *args, int nargs, TypeId t) {
    ObjClass *base = vm->types[t];
    const char *bn = base->name->data;
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "%s.__new__(): not enough arguments", bn);
        return NULL;
    }
    if (!is_kind(args[0], OBJ_CLASS)) {
        exc_raise(vm, E_TypeError, "%s.__new__(X): X is not a type object (%T)", bn, args[0]);
        return NULL;
    }
    ObjClass *cls = AS(ObjClass, args[0]);
    if (!class_is_subclass(cls, base)) {
        exc_raise(vm, E_TypeError, "%s.__new__(%s): %s is not a subtype of %s", bn, cls->name->data,
                  cls->name->data, bn);
        return NULL;
    }
    return cls;
}

/* ---- enumerate ---------------------------------------------------------- */

static Value enumerate_next(VM *vm, ObjIter *it) {
    Value v = op_next(vm, it->a);
    if (v == UNDEF || v == ERR) return v;
    Value pair[2] = {it->b, v};
    ObjTuple *t = tuple_from(vm, pair, 2);
    if (!t) return ERR;
    if (is_int(it->b) && as_int(it->b) < SMALL_INT_MAX) {
        it->b = int_val(as_int(it->b) + 1);
    } else {
        Value n = int_binop(vm, BIN_ADD, it->b, int_val(1));
        if (n == ERR) return ERR;
        it->b = n;
    }
    return obj_val(t);
}

/* enumerate.__new__(cls, iterable, start=0) */
static Value enumerate_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"iterable", "start"};
    ObjClass *cls = new_class(vm, args, nargs, T_ENUMERATE);
    if (!cls) return ERR;
    Value p[2];
    if (!args_bind(vm, "enumerate", args + 1, nargs - 1, kw, names, 2, 2, 0, ARGS_INVALID_KW | ARGS_DUP_INVALID, p)) return ERR;
    if (p[0] == UNDEF) {
        /* CPython 3.12's words differ between enumerate itself (its
         * vectorcall: with keywords only, the first is "invalid") and a
         * subclass (its __new__'s argument parser) */
        if (cls != vm->types[T_ENUMERATE])
            return exc_raise(vm, E_TypeError, "enumerate() missing required argument 'iterable' (pos 1)");
        if (kw && kw->len)
            return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for enumerate()",
                             AS(ObjStr, kw->items[0])->data);
        return exc_raise(vm, E_TypeError, "enumerate() missing required argument 'iterable'");
    }
    Value start = int_val(0);
    if (p[1] != UNDEF) {
        start = p[1];
        if (is_bool(start)) {
            start = int_val(as_bool(start));
        } else if (!is_intlike(start)) {
            int64_t i;
            if (!index_value(vm, start, &i, NULL)) return ERR;
            start = int_from_i64(vm, i);
            if (start == ERR) return ERR;
        }
    }
    Value src = op_iter(vm, p[0]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, cls, enumerate_next);
    if (!it) return ERR;
    it->a = src;
    it->b = start;
    return obj_val(it);
}

/* ---- zip ---------------------------------------------------------------- */

/* "arguments 1-3", or "argument 1" when k == 1. */
static Value zip_strict_error(VM *vm, int64_t arg, int64_t k, const char *what) {
    if (k == 1) return exc_raise(vm, E_ValueError, "zip() argument %lld is %s than argument 1", (long long)arg, what);
    return exc_raise(vm, E_ValueError, "zip() argument %lld is %s than arguments 1-%lld", (long long)arg, what,
                     (long long)k);
}

/* Iterator k ran out first: under strict, every iterator must have. */
static Value zip_exhausted(VM *vm, ObjIter *it, int64_t k) {
    if (!it->i) return UNDEF;
    ObjTuple *its = AS(ObjTuple, it->a);
    if (k > 0) return zip_strict_error(vm, k + 1, k, "shorter");
    for (int64_t j = 1; j < its->len; j++) {
        Value v = op_next(vm, its->items[j]);
        if (v == ERR) return ERR;
        if (v != UNDEF) return zip_strict_error(vm, j + 1, j, "longer");
    }
    return UNDEF;
}

static Value zip_next(VM *vm, ObjIter *it) {
    ObjTuple *its = AS(ObjTuple, it->a);
    int64_t n = its->len;
    if (n == 0) return UNDEF;
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    *root = obj_val(t);
    for (int64_t k = 0; k < n; k++) {
        Value v = op_next(vm, its->items[k]);
        if (v == ERR || v == UNDEF) {
            vm_pop_roots(vm, 1);
            return v == ERR ? ERR : zip_exhausted(vm, it, k);
        }
        t->items[k] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

/* A tuple of iterators over args[0..n-1]. */
static ObjTuple *iter_tuple(VM *vm, Value *args, int n) {
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return NULL;
    Value *root = vm_roots_open(vm, 1);
    if (!root) return NULL;
    *root = obj_val(t);
    for (int i = 0; i < n; i++) {
        Value it = op_iter(vm, args[i]);
        if (it == ERR) { vm_pop_roots(vm, 1); return NULL; }
        t->items[i] = it;
    }
    vm_pop_roots(vm, 1);
    return t;
}

/* zip.__new__(cls, *iterables, strict=False) */
static Value zip_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *cls = new_class(vm, args, nargs, T_ZIP);
    if (!cls) return ERR;
    int nkw = kw ? (int)kw->len : 0;
    bool strict = false;
    if (nkw > 1) return exc_raise(vm, E_TypeError, "zip() takes at most 1 keyword argument (%d given)", nkw);
    if (nkw == 1) {
        const char *key = AS(ObjStr, kw->items[0])->data;
        if (strcmp(key, "strict") != 0)
            return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for zip()", key);
        int t = op_truthy(vm, args[nargs]);
        if (t < 0) return ERR;
        strict = t;
    }
    ObjTuple *its = iter_tuple(vm, args + 1, nargs - 1);
    if (!its) return ERR;
    ObjIter *it = iter_new(vm, cls, zip_next);
    if (!it) return ERR;
    it->a = obj_val(its);
    it->i = strict;
    return obj_val(it);
}

/* ---- map ---------------------------------------------------------------- */

static Value map_next(VM *vm, ObjIter *it) {
    ObjTuple *its = AS(ObjTuple, it->b);
    int64_t n = its->len;
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    Value r;
    if (n == 1) {
        r = op_next(vm, its->items[0]);
        if (r != ERR && r != UNDEF) {
            *root = r;
            r = op_call(vm, it->a, root, 1, NULL);
        }
    } else {
        ObjTuple *argv = tuple_new(vm, n);
        r = argv ? UNDEF : ERR;
        if (argv) *root = obj_val(argv);
        for (int64_t k = 0; r == UNDEF && k < n; k++) {
            Value v = op_next(vm, its->items[k]);
            if (v == ERR || v == UNDEF) { r = v; break; }
            argv->items[k] = v;
            if (k == n - 1) r = op_call(vm, it->a, argv->items, (int)n, NULL);
        }
    }
    vm_pop_roots(vm, 1);
    return r;
}

/* map.__new__(cls, func, *iterables) */
static Value map_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *cls = new_class(vm, args, nargs, T_MAP);
    if (!cls) return ERR;
    if (!args_no_kw_new(vm, "map", args[0], vm->types[T_MAP], kw)) return ERR;
    if (nargs < 3) return exc_raise(vm, E_TypeError, "map() must have at least two arguments.");
    ObjTuple *its = iter_tuple(vm, args + 2, nargs - 2);
    if (!its) return ERR;
    ObjIter *it = iter_new(vm, cls, map_next);
    if (!it) return ERR;
    it->a = args[1];
    it->b = obj_val(its);
    return obj_val(it);
}

/* ---- filter ------------------------------------------------------------- */

static Value filter_next(VM *vm, ObjIter *it) {
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    for (;;) {
        Value v = op_next(vm, it->b);
        if (v == ERR || v == UNDEF) { vm_pop_roots(vm, 1); return v; }
        *root = v;
        Value test = v;
        if (it->a != NONE_VAL) {
            test = op_call(vm, it->a, root, 1, NULL);
            if (test == ERR) { vm_pop_roots(vm, 1); return ERR; }
        }
        int t = op_truthy(vm, test);
        if (t != 0) { vm_pop_roots(vm, 1); return t < 0 ? ERR : v; }
    }
}

/* filter.__new__(cls, function_or_none, iterable) */
static Value filter_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *cls = new_class(vm, args, nargs, T_FILTER);
    if (!cls) return ERR;
    if (!args_no_kw_new(vm, "filter", args[0], vm->types[T_FILTER], kw)) return ERR;
    if (nargs != 3) return exc_raise(vm, E_TypeError, "filter expected 2 arguments, got %d", nargs - 1);
    Value src = op_iter(vm, args[2]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, cls, filter_next);
    if (!it) return ERR;
    it->a = args[1];
    it->b = src;
    return obj_val(it);
}

/* ---- reversed ----------------------------------------------------------- */

static Value list_rev_next(VM *vm, ObjIter *it) {
    (void)vm;
    ObjList *l = AS(ObjList, it->a);
    if (it->i >= 0 && it->i < l->len) return l->items[it->i--];
    it->i = LIST_REVITER_DONE;     /* exhausted: it pickles as iter([]) from now on */
    return UNDEF;
}

static Value tuple_rev_next(VM *vm, ObjIter *it) {
    (void)vm;
    ObjTuple *t = AS(ObjTuple, it->a);
    if (it->i >= 0 && it->i < t->len) return t->items[it->i--];
    return UNDEF;
}

static Value bytes_rev_next(VM *vm, ObjIter *it) {
    (void)vm;
    ObjBytes *b = AS(ObjBytes, it->a);
    if (it->i >= 0 && it->i < b->len) return int_val(b->data[it->i--]);
    return UNDEF;
}

/* Walks the UTF-8 backwards: it->i is the byte offset where the next
 * character (going left) ends. */
static Value str_rev_next(VM *vm, ObjIter *it) {
    ObjStr *s = AS(ObjStr, it->a);
    int64_t end = it->i;
    if (end <= 0) return UNDEF;
    int64_t start = end - 1;
    while (start > 0 && ((uint8_t)s->data[start] & 0xC0) == 0x80) start--;
    it->i = start;
    return str_new(vm, s->data + start, (size_t)(end - start));
}

/* Any sequence: __getitem__ with falling indices until 0 (or IndexError). */
static Value seq_rev_next(VM *vm, ObjIter *it) {
    if (it->i < 0) return UNDEF;
    Value v = op_getitem(vm, it->a, int_val(it->i));
    if (v == ERR) {
        if (exc_is(vm, vm->exc, E_IndexError) || exc_is(vm, vm->exc, E_StopIteration)) {
            vm->exc = UNDEF;
            it->i = -1;
            return UNDEF;
        }
        return ERR;
    }
    it->i--;
    return v;
}

static Value rev_iter(VM *vm, ObjClass *cls, IterNextFn next, Value seq, int64_t i) {
    ObjIter *it = iter_new(vm, cls, next);
    if (!it) return ERR;
    it->a = seq;
    it->i = i;
    return obj_val(it);
}

static bool is_dict_view(VM *vm, Value v) {
    return is_kind(v, OBJ_ITER) && dict_view_type(vm, as_obj(v)->cls) != T_COUNT;
}

/* reversed() of the builtin sequences, dicts and dict views by their
 * layout; UNDEF for anything else. */
static Value reversed_layout(VM *vm, ObjClass *cls, Value seq) {
    ObjClass *lrev = vm->types[T_LIST_REVITER];
    if (!is_obj(seq)) return UNDEF;
    switch ((ObjKind)as_obj(seq)->kind) {
    case OBJ_LIST: return rev_iter(vm, lrev, list_rev_next, seq, AS(ObjList, seq)->len - 1);
    case OBJ_TUPLE: return rev_iter(vm, cls, tuple_rev_next, seq, AS(ObjTuple, seq)->len - 1);
    case OBJ_BYTES: return rev_iter(vm, cls, bytes_rev_next, seq, AS(ObjBytes, seq)->len - 1);
    case OBJ_STR: return rev_iter(vm, cls, str_rev_next, seq, AS(ObjStr, seq)->len);
    case OBJ_DICT: case OBJ_ITER:
        if (is_dict(seq)) return dict_reviter(vm, AS(ObjDict, seq), T_DICT);
        if (is_dict_view(vm, seq))
            return dict_reviter(vm, AS(ObjDict, AS(ObjIter, seq)->a), dict_view_type(vm, as_obj(seq)->cls));
        return UNDEF;
    default:
        return UNDEF;
    }
}

/* reversed(seq), made an instance of cls (reversed or a subclass) unless
 * seq has its own __reversed__ (as CPython, which calls it whatever cls).
 * An instance of a subclass goes by layout unless it overrides
 * __reversed__, or, for tuple, str and bytes (which have none), its
 * __getitem__ or __len__: then it goes through those. */
static Value reversed_of(VM *vm, ObjClass *cls, Value seq) {
    bool sub = is_obj(seq) && (as_obj(seq)->flags & OBJ_SUBTYPE);
    Value m = sub ? op_special(vm, seq, N___reversed__) : UNDEF;     /* (the builtin's own is not found) */
    bool layout = !sub, builtin_seq = false;
    if (sub && m == UNDEF) {
        ObjKind k = (ObjKind)as_obj(seq)->kind;
        builtin_seq = k == OBJ_TUPLE || k == OBJ_STR || k == OBJ_BYTES;
        layout = !builtin_seq ||
                 (op_special(vm, seq, N___getitem__) == UNDEF && op_special(vm, seq, N___len__) == UNDEF);
    }
    if (layout) {
        Value r = reversed_layout(vm, cls, seq);
        if (r != UNDEF) return r;
    }
    if (!sub) m = op_special(vm, seq, N___reversed__);
    if (m == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not reversible", seq);
    if (m != UNDEF) return op_call_special(vm, seq, m, NULL, 0);
    if (!builtin_seq && op_special(vm, seq, N___getitem__) == UNDEF)
        return exc_raise(vm, E_TypeError, "'%T' object is not reversible", seq);
    int64_t n = op_len(vm, seq);
    if (n < 0) return ERR;
    return rev_iter(vm, cls, seq_rev_next, seq, n - 1);
}

/* What list.__reversed__ and dict.__reversed__ give (layout methods, so
 * reversed() of a subclass still finds an override first). */
Value builtins_reversed_layout(VM *vm, Value seq) {
    Value r = reversed_layout(vm, vm->types[T_REVERSED], seq);
    return r == UNDEF ? exc_raise(vm, E_TypeError, "'%T' object is not reversible", seq) : r;
}

static Value list_m_reversed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reversed__", nargs - 1, kw, 0, 0)) return ERR;
    return builtins_reversed_layout(vm, args[0]);
}

/* reversed.__new__(cls, sequence) */
static Value reversed_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw_new(vm, "reversed", nargs > 0 ? args[0] : UNDEF, vm->types[T_REVERSED], kw)) return ERR;
    ObjClass *cls = new_class(vm, args, nargs, T_REVERSED);
    if (!cls) return ERR;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "reversed expected 1 argument, got %d", nargs - 1);
    return reversed_of(vm, cls, args[1]);
}

/* ---- iter and next ------------------------------------------------------ */

static Value call_iter_next(VM *vm, ObjIter *it) {
    if (it->a == UNDEF) return UNDEF;
    Value v = op_call(vm, it->a, NULL, 0, NULL);
    if (v == ERR) {
        if (!exc_is(vm, vm->exc, E_StopIteration)) return ERR;
        vm->exc = UNDEF;
        it->a = it->b = UNDEF;
        return UNDEF;
    }
    if (it->a == UNDEF) return UNDEF;     /* the call exhausted this iterator (gh-101892) */
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    *root = v;
    int eq = op_eq(vm, v, it->b);
    vm_pop_roots(vm, 1);
    if (eq < 0) return ERR;
    if (eq) {
        it->a = it->b = UNDEF;
        return UNDEF;
    }
    return v;
}

/* iter(object) or iter(callable, sentinel) */
static Value builtin_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "iter", nargs, kw, 1, 2)) return ERR;
    if (nargs == 1) return op_iter(vm, args[0]);
    if (!op_callable(vm, args[0])) return exc_raise(vm, E_TypeError, "iter(object, sentinel): object must be callable");
    return iter_callable(vm, args[0], args[1]);
}

Value iter_callable(VM *vm, Value callable, Value sentinel) {
    ObjIter *it = iter_new(vm, vm->types[T_CALL_ITER], call_iter_next);
    if (!it) return ERR;
    it->a = callable;
    it->b = sentinel;
    return obj_val(it);
}

/* next(iterator[, default]) */
static Value builtin_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "next", nargs, kw, 1, 2)) return ERR;
    Value it = args[0], v;
    IterNextFn next = op_native_next(vm, it);
    if (next) {
        v = next(vm, AS(ObjIter, it));
        if (v == ERR && nargs == 2 && exc_is(vm, vm->exc, E_StopIteration)) v = vm->exc = UNDEF;
        if (v != UNDEF) return v;
        if (nargs == 2) return args[1];
        return stop_iteration(vm);
    }
    /* Call __next__ directly, so that its StopIteration (and value) propagates. */
    Value m = op_special(vm, it, N___next__);
    if (m == UNDEF || m == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", it);
    v = op_call_special(vm, it, m, NULL, 0);
    if (v == ERR && nargs == 2 && exc_is(vm, vm->exc, E_StopIteration)) {
        vm->exc = UNDEF;
        return args[1];
    }
    return v;
}

/* ---- sorted, min, max --------------------------------------------------- */

/* sorted(iterable, /, *, key=None, reverse=False) */
static Value builtin_sorted(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs != 1) return exc_raise(vm, E_TypeError, "sorted expected 1 argument, got %d", nargs);
    static const char *const names[] = {"key", "reverse"};
    Value p[2];
    if (!args_bind(vm, "sort", args + 1, 0, kw, names, 2, 0, 0, ARGS_INVALID_KW | ARGS_DUP_INVALID, p)) return ERR;
    int reverse = p[1] == UNDEF ? 0 : op_truthy(vm, p[1]);     /* any object, by its truth (3.12) */
    if (reverse < 0) return ERR;
    ObjList *l = op_to_list(vm, args[0]);
    if (!l) return ERR;
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    *root = obj_val(l);
    int rc = list_sort(vm, l, p[0], reverse != 0);
    vm_pop_roots(vm, 1);
    return rc < 0 ? ERR : obj_val(l);
}

/* min() and max(): one iterable or several arguments; key= and default=. */
static Value min_max(VM *vm, Value *args, int nargs, ObjTuple *kw, bool is_max) {
    const char *name = is_max ? "max" : "min";
    Value key = UNDEF, dflt = UNDEF;
    /* CPython counts the positional arguments before it reads keywords. */
    if (nargs == 0) return exc_raise(vm, E_TypeError, "%s expected at least 1 argument, got 0", name);
    if (kw && kw->len > 2)
        return exc_raise(vm, E_TypeError, "%s() takes at most 2 keyword arguments (%d given)", name, (int)kw->len);
    for (int64_t k = 0; kw && k < kw->len; k++) {
        const char *kn = AS(ObjStr, kw->items[k])->data;
        if (strcmp(kn, "key") == 0) key = args[nargs + k];
        else if (strcmp(kn, "default") == 0) dflt = args[nargs + k];
        else return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", kn, name);
    }
    if (dflt != UNDEF && nargs > 1)
        return exc_raise(vm, E_TypeError, "Cannot specify a default for %s() with multiple positional arguments", name);
    if (key == NONE_VAL) key = UNDEF;

    /* r[0] the iterator, r[1] the best item, r[2] its key, r[3] the item, r[4] its key. */
    Value *r = vm_roots_open(vm, 5);
    if (!r) return ERR;
    Value result = ERR;
    if (nargs == 1) {
        r[0] = op_iter(vm, args[0]);
        if (r[0] == ERR) goto done;
    }
    bool have = false;
    for (int i = 0;; i++) {
        Value item;
        if (nargs == 1) {
            item = op_next(vm, r[0]);
            if (item == ERR) goto done;
            if (item == UNDEF) break;
        } else {
            if (i == nargs) break;
            item = args[i];
        }
        r[3] = item;
        Value k = item;
        if (key != UNDEF) {
            k = op_call(vm, key, &r[3], 1, NULL);
            if (k == ERR) goto done;
        }
        r[4] = k;
        if (!have) {
            r[1] = item, r[2] = k, have = true;
            continue;
        }
        int c = op_compare_bool(vm, is_max ? CMP_GT : CMP_LT, k, r[2]);
        if (c < 0) goto done;
        if (c) r[1] = item, r[2] = k;
    }
    if (have) result = r[1];
    else if (dflt != UNDEF) result = dflt;
    else exc_raise(vm, E_ValueError, "%s() iterable argument is empty", name);     /* CPython 3.12 */
done:
    vm_pop_roots(vm, 5);
    return result;
}

static Value builtin_min(VM *vm, Value *args, int nargs, ObjTuple *kw) { return min_max(vm, args, nargs, kw, false); }
static Value builtin_max(VM *vm, Value *args, int nargs, ObjTuple *kw) { return min_max(vm, args, nargs, kw, true); }

/* ---- sum, any, all ------------------------------------------------------ */

/* One step of sum(): small ints and floats without allocating. */
static Value sum_add(VM *vm, Value acc, Value item) {
    if (is_int(acc)) {
        if (is_int(item)) return int_from_i64(vm, as_int(acc) + as_int(item));
        if (is_float(item)) return float_val((double)as_int(acc) + as_float(item));
    } else if (is_float(acc)) {
        if (is_float(item)) return float_val(as_float(acc) + as_float(item));
        if (is_int(item)) return float_val(as_float(acc) + (double)as_int(item));
    }
    return op_binary(vm, BIN_ADD, acc, item);
}

/* Adds the compensation of a compensated sum, unless that would lose the
 * sign of a zero or turn an infinite or overflowed sum into a NaN. */
static double sum_fold(double f, double c) {
    return c != 0.0 && isfinite(c) ? f + c : f;
}

/* sum(iterable, /, start=0) */
static Value builtin_sum(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"iterable", "start"};
    Value p[2];
    /* CPython counts all the arguments, then the positional ones. */
    int total = nargs + (kw ? (int)kw->len : 0);
    if (total > 2) return exc_raise(vm, E_TypeError, "sum() takes at most 2 arguments (%d given)", total);
    if (nargs == 0)
        return exc_raise(vm, E_TypeError, "sum() takes at least 1 positional argument (0 given)");
    if (!args_bind(vm, "sum", args, nargs, kw, names, 2, 2, 0, ARGS_INVALID_KW | ARGS_DUP_INVALID, p)) return ERR;
    Value acc = p[1] == UNDEF ? int_val(0) : p[1];
    Value *r = vm_roots_open(vm, 2);     /* the iterator and the running total */
    if (!r) return ERR;
    Value result = ERR;
    r[0] = op_iter(vm, p[0]);       /* first, as CPython: sum(1, '') is "not iterable" */
    r[1] = acc;
    if (r[0] == ERR) goto done;
    if (is_str(acc)) {
        exc_raise(vm, E_TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
        goto done;
    }
    if (is_kind(acc, OBJ_BYTES) || is_kind(acc, OBJ_BYTEARRAY)) {
        exc_raise(vm, E_TypeError, "sum() can't sum %s [use b''.join(seq) instead]", is_kind(acc, OBJ_BYTES) ? "bytes" : "bytearray");
        goto done;
    }
    /* CPython 3.12's phases: ints while total and items are ints; then,
     * if the total is a float, floats with Neumaier's compensated
     * summation (ints added plainly); then plain additions to the end. */
    enum { SUM_INTS, SUM_FLOATS, SUM_ANY } phase = is_int(acc) ? SUM_INTS : is_float(acc) ? SUM_FLOATS : SUM_ANY;
    double f = is_float(acc) ? as_float(acc) : 0.0, c = 0.0;
    for (;;) {
        Value item = op_next(vm, r[0]);
        if (item == ERR) goto done;
        if (item == UNDEF) break;
        if (phase == SUM_FLOATS) {
            if (is_float(item)) {
                double x = as_float(item), t = f + x;
                c += fabs(f) >= fabs(x) ? (f - t) + x : (x - t) + f;
                f = t;
                continue;
            }
            if (is_int(item) || is_bool(item)) {
                f += is_int(item) ? (double)as_int(item) : (double)as_bool(item);
                continue;
            }
            r[1] = float_val(sum_fold(f, c));
            phase = SUM_ANY;
        }
        bool was_ints = phase == SUM_INTS && (is_int(item) || is_bool(item));
        Value s = sum_add(vm, r[1], item);
        if (s == ERR) goto done;
        r[1] = s;
        if (phase == SUM_INTS && !was_ints) {
            phase = is_float(s) ? SUM_FLOATS : SUM_ANY;
            f = is_float(s) ? as_float(s) : 0.0;
            c = 0.0;
        }
    }
    result = phase == SUM_FLOATS ? float_val(sum_fold(f, c)) : r[1];
done:
    vm_pop_roots(vm, 2);
    return result;
}

/* any() and all(): stop at the first item whose truth is `stop_at`. */
static Value any_all(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool stop_at) {
    if (!args_check(vm, name, nargs, kw, 1, 1)) return ERR;
    Value *r = vm_roots_open(vm, 1);
    if (!r) return ERR;
    Value result = ERR;
    r[0] = op_iter(vm, args[0]);
    if (r[0] == ERR) goto done;
    for (;;) {
        Value item = op_next(vm, r[0]);
        if (item == ERR) goto done;
        if (item == UNDEF) break;
        int t = op_truthy(vm, item);
        if (t < 0) goto done;
        if ((t != 0) == stop_at) {
            result = bool_val(stop_at);
            goto done;
        }
    }
    result = bool_val(!stop_at);
done:
    vm_pop_roots(vm, 1);
    return result;
}

static Value builtin_any(VM *vm, Value *args, int nargs, ObjTuple *kw) { return any_all(vm, args, nargs, kw, "any", true); }
static Value builtin_all(VM *vm, Value *args, int nargs, ObjTuple *kw) { return any_all(vm, args, nargs, kw, "all", false); }

/* ---- registration ------------------------------------------------------- */

static bool set_builtin(VM *vm, const char *name, Value v) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s && dict_set_str(vm, vm->builtins, s, v) == 0;
}

bool builtins_iter_init(VM *vm) {
    static const struct { TypeId type; NativeFn new_fn; } types[] = {
        {T_ENUMERATE, enumerate_new}, {T_ZIP, zip_new}, {T_MAP, map_new},
        {T_FILTER, filter_new}, {T_REVERSED, reversed_new},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        ObjClass *c = vm->types[types[i].type];
        ObjNative *n = native_new(vm, "__new__", types[i].new_fn);
        if (!n || dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(n)) < 0) return false;
        if (!set_builtin(vm, c->name->data, obj_val(c))) return false;
    }
    /* Every native iterator type answers __iter__ and __next__ by name. */
    static const TypeId iter_types[] = {
        T_ENUMERATE, T_ZIP, T_MAP, T_FILTER, T_REVERSED, T_LIST_REVITER, T_CALL_ITER, T_LIST_ITER,
        T_TUPLE_ITER, T_STR_ITER, T_RANGE_ITER, T_DICT_KEYITER, T_DICT_VALUEITER, T_DICT_ITEMITER, T_DICT_REVKEYITER, T_DICT_REVVALUEITER, T_DICT_REVITEMITER,
        T_ODICT_ITER, T_SET_ITER, T_BYTES_ITER, T_SEQ_ITER,
    };
    for (size_t i = 0; i < sizeof iter_types / sizeof iter_types[0]; i++) {
        ObjClass *c = vm->types[iter_types[i]];
        if (!class_add_native(vm, c, "__iter__", iter_m_iter) || !class_add_native(vm, c, "__next__", iter_m_next))
            return false;
    }
    static const TypeId hint_types[] = {
        T_LIST_ITER, T_TUPLE_ITER, T_BYTES_ITER, T_STR_ITER, T_LIST_REVITER, T_REVERSED, T_SEQ_ITER,
    };
    for (size_t i = 0; i < sizeof hint_types / sizeof hint_types[0]; i++)
        if (!class_add_native(vm, vm->types[hint_types[i]], "__length_hint__", iter_m_length_hint)) return false;
    if (!add_layout_native(vm, vm->types[T_LIST], vm_name(vm, N___reversed__), list_m_reversed)) return false;
    if (!iter_reduce_init(vm)) return false;
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"iter", builtin_iter}, {"next", builtin_next}, {"sorted", builtin_sorted},
        {"min", builtin_min}, {"max", builtin_max}, {"sum", builtin_sum},
        {"any", builtin_any}, {"all", builtin_all},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        ObjNative *n = native_new(vm, fns[i].name, fns[i].fn);
        if (!n || dict_set_str(vm, vm->builtins, n->name, obj_val(n)) < 0) return false;
    }
    return true;
}
