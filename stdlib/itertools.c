/* The itertools module. Every iterator here is an ObjIter (object.h) of a
 * class of its own, made at import with class_new_builtin; the module
 * attribute is the class itself, whose native __new__ builds the iterator.
 * What each keeps (everything else is UNDEF):
 *
 *   type              a                  b                   c                 i / n / step
 *   count             next value         step                -                 -
 *   cycle             source iterator    saved items (list)  -                 replay index / replaying
 *   repeat            object             -                   -                 n: times left (-1: forever)
 *   accumulate        source iterator    func or None        running total     i: initial pending
 *   chain             iterator of its    current iterator    -                 -
 *   compress          data iterator      selectors iterator  -                 -
 *   dropwhile         predicate          source iterator     -                 i: done dropping
 *   takewhile         predicate          source iterator     -                 i: stopped
 *   filterfalse       predicate/None     source iterator     -                 -
 *   groupby           source iterator    key func or None    state tuple (*)   -
 *   _grouper          parent groupby     target key          -                 -
 *   islice            source iterator    next index (int)    -                 i: count, n: stop, step
 *   starmap           function           source iterator     -                 -
 *   _tee              source iterator    shared buffer list  shared busy flag  i: position
 *   zip_longest       tuple of iterators fillvalue           -                 i: still active
 *   product           tuple of pools     last result         indices tuple     i: started, n: stopped
 *   permutations      pool tuple         indices tuple       cycles tuple      i: started, n: r, step: stopped
 *   combinations(_wr) pool tuple         indices tuple       with replacement  i: started, n: r, step: stopped
 *   pairwise          source iterator    previous item       -                 -
 *   batched           source iterator    -                   -                 n: batch size
 *
 * (*) groupby's state tuple, private and mutated in place: tgtkey, currkey,
 * currvalue, currgrouper (UNDEF when unset).
 * A tee's busy flag is a one-item list, True while one of the tees reads the
 * source: another thread's tee must not read it meanwhile.
 *
 * A next function that calls script code (a user iterator, a predicate)
 * keeps the values it holds in the iterator's fields or in extra roots. */
#include <string.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

/* ---- helpers ------------------------------------------------------------ */

enum {
    IT_COUNT, IT_CYCLE, IT_REPEAT, IT_ACCUMULATE, IT_CHAIN, IT_COMPRESS, IT_DROPWHILE, IT_TAKEWHILE,
    IT_FILTERFALSE, IT_GROUPBY, IT_GROUPER, IT_ISLICE, IT_STARMAP, IT_TEE, IT_ZIP_LONGEST, IT_PRODUCT,
    IT_PERMUTATIONS, IT_COMBINATIONS, IT_COMBINATIONS_WR, IT_PAIRWISE, IT_BATCHED, IT_NTYPES
};

static const char *const type_names[IT_NTYPES] = {
    "count", "cycle", "repeat", "accumulate", "chain", "compress", "dropwhile", "takewhile",
    "filterfalse", "groupby", "_grouper", "islice", "starmap", "_tee", "zip_longest", "product",
    "permutations", "combinations", "combinations_with_replacement", "pairwise", "batched",
};

/* The class of iterator type t, from the imported module. */
static ObjClass *it_class(VM *vm, int t) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "itertools"));
    Value c = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, type_names[t])) : UNDEF;
    if (!is_kind(c, OBJ_CLASS)) {
        exc_raise(vm, E_RuntimeError, "itertools.%s is gone", type_names[t]);
        return NULL;
    }
    return AS(ObjClass, c);
}

static ObjIter *it_new(VM *vm, int t, IterNextFn next) {
    ObjClass *c = it_class(vm, t);
    return c ? iter_new(vm, c, next) : NULL;
}

/* Checks t.__new__'s first argument, the class to make an instance of
 * (t's class or a subclass), before anything reads the others. */
static bool new_cls_ok(VM *vm, Value *args, int nargs, int t) {
    const char *n = type_names[t];
    ObjClass *base = it_class(vm, t);
    if (!base) return false;
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "itertools.%s.__new__(): not enough arguments", n);
        return false;
    }
    if (!is_kind(args[0], OBJ_CLASS)) {
        exc_raise(vm, E_TypeError, "itertools.%s.__new__(X): X is not a type object (%T)", n, args[0]);
        return false;
    }
    ObjClass *c = AS(ObjClass, args[0]);
    if (!class_is_subclass(c, base)) {
        exc_raise(vm, E_TypeError, "itertools.%s.__new__(%s): %s is not a subtype of itertools.%s", n, c->name->data,
                  c->name->data, n);
        return false;
    }
    return true;
}

/* t.__new__ refuses keywords unless cls has an __init__ of its own. */
static bool no_kw(VM *vm, Value cls, int t, ObjTuple *kw) {
    if (!kw || !kw->len) return true;
    ObjClass *base = it_class(vm, t);
    return base && args_no_kw_new(vm, type_names[t], cls, base, kw);
}

/* A tuple of all the items of an iterable. */
static ObjTuple *to_tuple(VM *vm, Value iterable) {
    if (is_tuple(iterable)) return AS(ObjTuple, iterable);
    ObjList *l = op_to_list(vm, iterable);
    return l ? tuple_from(vm, l->items, l->len) : NULL;
}

/* A non-negative int argument; -1 after raising. */
static int64_t nonneg_arg(VM *vm, Value v, const char *neg_msg) {
    int64_t n;
    if (!ssize_value(vm, v, &n)) return -1;
    if (n < 0) { exc_raise(vm, E_ValueError, "%s", neg_msg); return -1; }
    return n;
}

/* ---- count, cycle, repeat ---------------------------------------------- */

static Value count_next(VM *vm, ObjIter *it) {
    Value r = it->a;
    Value n = op_binary(vm, BIN_ADD, it->a, it->b);
    if (n == ERR) return ERR;
    it->a = n;
    return r;
}

/* What count() takes without asking for __add__: the builtin numbers. */
static bool count_number(Value v) {
    return is_number(v) || is_kind(v, OBJ_COMPLEX);
}

static Value count_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_COUNT)) return ERR;
    static const char *const names[] = {"start", "step"};
    Value p[2];
    if (!args_bind(vm, "count", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    Value start = p[0] == UNDEF ? int_val(0) : p[0], step = p[1] == UNDEF ? int_val(1) : p[1];
    if (!count_number(start) || !count_number(step)) {
        Value bad = count_number(start) ? step : start;
        if (!(is_obj(bad) && op_special(vm, bad, N___add__) != UNDEF && is_kind(bad, OBJ_INSTANCE)))
            return exc_raise(vm, E_TypeError, "a number is required");
    }
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), count_next);
    if (!it) return ERR;
    it->a = is_bool(start) ? int_val(as_bool(start)) : start;
    it->b = is_bool(step) ? int_val(as_bool(step)) : step;
    return obj_val(it);
}

static Value count_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    ObjIter *it = AS(ObjIter, args[0]);
    StrBuf b = SB_INIT;
    sb_adds(&b, "count(");
    bool ok = op_repr_to(vm, it->a, &b);
    if (ok && !(is_int(it->b) && as_int(it->b) == 1)) {
        sb_adds(&b, ", ");
        ok = op_repr_to(vm, it->b, &b);
    }
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

static Value cycle_next(VM *vm, ObjIter *it) {
    ObjList *saved = AS(ObjList, it->b);
    if (!it->n) {
        Value v = op_next(vm, it->a);
        if (v == ERR) return ERR;
        if (v != UNDEF) return list_append(vm, saved, v) < 0 ? ERR : v;
        it->n = 1;
        it->a = UNDEF;
    }
    if (saved->len == 0) return UNDEF;
    if (it->i >= saved->len) it->i = 0;
    return saved->items[it->i++];
}

static Value cycle_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_CYCLE)) return ERR;
    if (!no_kw(vm, args[0], IT_CYCLE, kw)) return ERR;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "cycle expected 1 argument, got %d", nargs - 1);
    Value src = op_iter(vm, args[1]);
    if (src == ERR) return ERR;
    ObjList *saved = list_new(vm, 0);
    ObjIter *it = saved ? iter_new(vm, AS(ObjClass, args[0]), cycle_next) : NULL;
    if (!it) return ERR;
    it->a = src;
    it->b = obj_val(saved);
    return obj_val(it);
}

static Value repeat_next(VM *vm, ObjIter *it) {
    (void)vm;
    if (it->n == 0) return UNDEF;
    if (it->n > 0) it->n--;
    return it->a;
}

static Value repeat_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_REPEAT)) return ERR;
    static const char *const names[] = {"object", "times"};
    Value p[2];
    if (!args_bind(vm, "repeat", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF) return exc_raise(vm, E_TypeError, "repeat() missing required argument 'object' (pos 1)");
    int64_t n = -1;
    if (p[1] != UNDEF) {
        if (!ssize_value(vm, p[1], &n)) return ERR;
        if (n < 0) n = 0;
    }
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), repeat_next);
    if (!it) return ERR;
    it->a = p[0];
    it->n = n;
    return obj_val(it);
}

static Value repeat_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    ObjIter *it = AS(ObjIter, args[0]);
    StrBuf b = SB_INIT;
    sb_adds(&b, "repeat(");
    bool ok = op_repr_to(vm, it->a, &b);
    if (it->n >= 0) sb_addf(&b, ", %lld", (long long)it->n);
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* repeat.__length_hint__(): the times left; an endless repeat has no size. */
static Value repeat_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__length_hint__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *it = AS(ObjIter, args[0]);
    if (it->n < 0) return exc_raise(vm, E_TypeError, "len() of unsized object");
    return int_val(it->n);
}

/* ---- accumulate, chain, compress --------------------------------------- */

static Value accumulate_next(VM *vm, ObjIter *it) {
    if (it->i) {
        it->i = 0;
        return it->c;
    }
    Value v = op_next(vm, it->a);
    if (v == ERR || v == UNDEF) return v;
    if (it->c == UNDEF) return it->c = v;
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    *root = v;
    Value r = it->b == NONE_VAL ? op_binary(vm, BIN_ADD, it->c, v) : op_call2(vm, it->b, it->c, v);
    vm_pop_roots(vm, 1);
    if (r == ERR) return ERR;
    return it->c = r;
}

static Value accumulate_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_ACCUMULATE)) return ERR;
    static const char *const names[] = {"iterable", "func", "initial"};
    Value p[3];
    if (!args_bind(vm, "accumulate", args + 1, nargs - 1, kw, names, 3, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF) return exc_raise(vm, E_TypeError, "accumulate() missing required argument 'iterable' (pos 1)");
    Value src = op_iter(vm, p[0]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), accumulate_next);
    if (!it) return ERR;
    it->a = src;
    it->b = p[1] == UNDEF ? NONE_VAL : p[1];
    if (p[2] != UNDEF && p[2] != NONE_VAL) {
        it->c = p[2];
        it->i = 1;
    }
    return obj_val(it);
}

static Value chain_next(VM *vm, ObjIter *it) {
    for (;;) {
        if (it->b == UNDEF) {
            if (it->a == UNDEF) return UNDEF;
            /* A failing source ends the chain, as in CPython. */
            Value src = op_next(vm, it->a);
            if (src == ERR || src == UNDEF) { it->a = UNDEF; return src; }
            it->c = src;    /* rooted while op_iter runs */
            Value i = op_iter(vm, src);
            it->c = UNDEF;
            if (i == ERR) { it->a = UNDEF; return ERR; }
            it->b = i;
        }
        Value v = op_next(vm, it->b);
        if (v != UNDEF) return v;
        it->b = UNDEF;
    }
}

static Value chain_of(VM *vm, Value cls, Value sources) {
    Value src = op_iter(vm, sources);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, AS(ObjClass, cls), chain_next);
    if (!it) return ERR;
    it->a = src;
    return obj_val(it);
}

static Value chain_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_CHAIN)) return ERR;
    if (!no_kw(vm, args[0], IT_CHAIN, kw)) return ERR;
    ObjTuple *t = tuple_from(vm, args + 1, nargs - 1);
    return t ? chain_of(vm, args[0], obj_val(t)) : ERR;
}

static Value chain_from_iterable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "from_iterable", nargs - 1, kw, 1, 1) || !new_cls_ok(vm, args, nargs, IT_CHAIN)) return ERR;
    return chain_of(vm, args[0], args[1]);
}

static Value compress_next(VM *vm, ObjIter *it) {
    for (;;) {
        Value v = op_next(vm, it->a);
        if (v == ERR || v == UNDEF) return v;
        it->c = v;
        Value s = op_next(vm, it->b);
        v = it->c;
        it->c = UNDEF;
        if (s == ERR || s == UNDEF) return s;
        int t = op_truthy(vm, s);
        if (t < 0) return ERR;
        if (t) return v;
    }
}

static Value compress_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_COMPRESS)) return ERR;
    static const char *const names[] = {"data", "selectors"};
    Value p[2];
    if (!args_bind(vm, "compress", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF || p[1] == UNDEF)
        return exc_raise(vm, E_TypeError, "compress() missing required argument '%s' (pos %d)",
                         p[0] == UNDEF ? "data" : "selectors", p[0] == UNDEF ? 1 : 2);
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), compress_next);
    if (!it) return ERR;
    if (!vm_push_root(vm, obj_val(it))) return ERR;
    it->a = op_iter(vm, p[0]);
    it->b = it->a == ERR ? ERR : op_iter(vm, p[1]);
    vm_pop_roots(vm, 1);
    if (it->a == ERR || it->b == ERR) return ERR;
    return obj_val(it);
}

/* ---- dropwhile, takewhile, filterfalse, starmap ------------------------ */

/* pred(v) as 0/1, -1 on error; v is rooted in it->c meanwhile. Only
 * filterfalse takes None for bool (the others call it, and fail). */
static int call_pred(VM *vm, ObjIter *it, Value pred, Value v, bool none_is_bool) {
    it->c = v;
    Value r = pred == NONE_VAL && none_is_bool ? v : op_call1(vm, pred, v);
    int t = r == ERR ? -1 : op_truthy(vm, r);
    it->c = UNDEF;
    return t;
}

static Value dropwhile_next(VM *vm, ObjIter *it) {
    for (;;) {
        Value v = op_next(vm, it->b);
        if (v == ERR || v == UNDEF || it->i) return v;
        int t = call_pred(vm, it, it->a, v, false);
        if (t < 0) return ERR;
        if (!t) { it->i = 1; return v; }
    }
}

static Value takewhile_next(VM *vm, ObjIter *it) {
    if (it->i) return UNDEF;
    Value v = op_next(vm, it->b);
    if (v == ERR || v == UNDEF) return v;
    int t = call_pred(vm, it, it->a, v, false);
    if (t < 0) return ERR;
    if (t) return v;
    it->i = 1;
    return UNDEF;
}

static Value filterfalse_next(VM *vm, ObjIter *it) {
    for (;;) {
        Value v = op_next(vm, it->b);
        if (v == ERR || v == UNDEF) return v;
        int t = call_pred(vm, it, it->a, v, true);
        if (t < 0) return ERR;
        if (!t) return v;
    }
}

static Value starmap_next(VM *vm, ObjIter *it) {
    Value v = op_next(vm, it->b);
    if (v == ERR || v == UNDEF) return v;
    it->c = v;
    ObjTuple *t = to_tuple(vm, v);
    Value r = ERR;
    if (t) {
        it->c = obj_val(t);
        r = op_call(vm, it->a, t->items, (int)t->len, NULL);
    }
    it->c = UNDEF;
    return r;
}

/* func(pred, iterable) constructors. */
static Value pred_iter_new(VM *vm, Value *args, int nargs, ObjTuple *kw, int type, IterNextFn next) {
    if (!new_cls_ok(vm, args, nargs, type)) return ERR;
    const char *name = type_names[type];
    if (!no_kw(vm, args[0], type, kw)) return ERR;
    if (nargs != 3) return exc_raise(vm, E_TypeError, "%s expected 2 arguments, got %d", name, nargs - 1);
    Value src = op_iter(vm, args[2]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), next);
    if (!it) return ERR;
    it->a = args[1];
    it->b = src;
    return obj_val(it);
}

/* CPython 3.12's pickling of these four (deprecated there, removed in
 * 3.14): (type, (pred or func, source iterator)) and, for dropwhile and
 * takewhile, whether they are done dropping / stopped, which __setstate__
 * puts back. */
static Value pred_iter_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    if (!exc_warn(vm, E_DeprecationWarning,
                  "Pickle, copy, and deepcopy support will be removed from itertools in Python 3.14."))
        return ERR;
    ObjIter *it = AS(ObjIter, args[0]);
    Value fields[2] = {it->a, it->b};
    ObjTuple *inner = tuple_from(vm, fields, 2);
    if (!inner || !vm_push_root(vm, obj_val(inner))) return ERR;
    bool stateful = it->next == dropwhile_next || it->next == takewhile_next;
    Value outer[3] = {obj_val(as_obj(args[0])->cls), obj_val(inner), int_val(it->i != 0)};
    ObjTuple *r = tuple_from(vm, outer, stateful ? 3 : 2);
    vm_pop_roots(vm, 1);
    return r ? obj_val(r) : ERR;
}

static Value pred_iter_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1)) return ERR;
    if (!exc_warn(vm, E_DeprecationWarning,
                  "Pickle, copy, and deepcopy support will be removed from itertools in Python 3.14."))
        return ERR;
    int t = op_truthy(vm, args[1]);
    if (t < 0) return ERR;
    AS(ObjIter, args[0])->i = t;
    return NONE_VAL;
}

static Value dropwhile_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pred_iter_new(vm, args, nargs, kw, IT_DROPWHILE, dropwhile_next);
}
static Value takewhile_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pred_iter_new(vm, args, nargs, kw, IT_TAKEWHILE, takewhile_next);
}
static Value filterfalse_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pred_iter_new(vm, args, nargs, kw, IT_FILTERFALSE, filterfalse_next);
}
static Value starmap_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pred_iter_new(vm, args, nargs, kw, IT_STARMAP, starmap_next);
}

/* ---- groupby ------------------------------------------------------------ */

enum { GB_TGTKEY, GB_CURRKEY, GB_CURRVALUE, GB_CURRGROUPER };

/* Advances the source: currvalue and currkey of the next item. 0 ok, 1
 * exhausted, -1 error. */
static int groupby_step(VM *vm, ObjIter *gb) {
    ObjTuple *st = AS(ObjTuple, gb->c);
    Value v = op_next(vm, gb->a);
    if (v == ERR) return -1;
    if (v == UNDEF) return 1;
    Value key = v;
    if (gb->b != NONE_VAL) {
        Value *root = vm_roots_open(vm, 1);
        if (!root) return -1;
        *root = v;
        key = op_call1(vm, gb->b, v);
        vm_pop_roots(vm, 1);
        if (key == ERR) return -1;
    }
    st->items[GB_CURRVALUE] = v;
    st->items[GB_CURRKEY] = key;
    return 0;
}

static Value grouper_next(VM *vm, ObjIter *g) {
    ObjIter *gb = AS(ObjIter, g->a);
    ObjTuple *st = AS(ObjTuple, gb->c);
    if (st->items[GB_CURRGROUPER] != obj_val(g)) return UNDEF;
    if (st->items[GB_CURRVALUE] == UNDEF) {
        int r = groupby_step(vm, gb);
        if (r) return r < 0 ? ERR : UNDEF;
    }
    int eq = op_eq(vm, g->b, st->items[GB_CURRKEY]);
    if (eq <= 0) return eq < 0 ? ERR : UNDEF;
    Value v = st->items[GB_CURRVALUE];
    st->items[GB_CURRVALUE] = UNDEF;
    return v;
}

static Value groupby_next(VM *vm, ObjIter *gb) {
    ObjTuple *st = AS(ObjTuple, gb->c);
    st->items[GB_CURRGROUPER] = UNDEF;
    for (;;) {
        if (st->items[GB_CURRKEY] == UNDEF) {
            /* nothing read yet */
        } else if (st->items[GB_TGTKEY] == UNDEF) {
            break;
        } else {
            int eq = op_eq(vm, st->items[GB_TGTKEY], st->items[GB_CURRKEY]);
            if (eq < 0) return ERR;
            if (!eq) break;
        }
        int r = groupby_step(vm, gb);
        if (r) return r < 0 ? ERR : UNDEF;
    }
    st->items[GB_TGTKEY] = st->items[GB_CURRKEY];
    ObjIter *g = it_new(vm, IT_GROUPER, grouper_next);
    if (!g) return ERR;
    g->a = obj_val(gb);
    g->b = st->items[GB_TGTKEY];
    st->items[GB_CURRGROUPER] = obj_val(g);
    ObjTuple *pair = tuple_from(vm, (Value[]){st->items[GB_CURRKEY], obj_val(g)}, 2);
    return pair ? obj_val(pair) : ERR;
}

static Value groupby_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_GROUPBY)) return ERR;
    static const char *const names[] = {"iterable", "key"};
    Value p[2];
    if (!args_bind(vm, "groupby", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF) return exc_raise(vm, E_TypeError, "groupby() missing required argument 'iterable' (pos 1)");
    Value src = op_iter(vm, p[0]);
    if (src == ERR) return ERR;
    ObjTuple *st = tuple_new(vm, 4);
    ObjIter *it = st ? iter_new(vm, AS(ObjClass, args[0]), groupby_next) : NULL;
    if (!it) return ERR;
    for (int i = 0; i < 4; i++) st->items[i] = UNDEF;
    it->a = src;
    it->b = p[1] == UNDEF ? NONE_VAL : p[1];
    it->c = obj_val(st);
    return obj_val(it);
}

/* ---- islice ------------------------------------------------------------- */

/* The next index to yield, kept as a small int: indices past SMALL_INT_MAX
 * (2**47 items, more than any source yields in practice) are capped there,
 * where int_val would wrap them to small ones. */
static int64_t islice_index(int64_t i) { return i > SMALL_INT_MAX || i < 0 ? SMALL_INT_MAX : i; }

static Value islice_next(VM *vm, ObjIter *it) {
    if (it->a == UNDEF) return UNDEF;
    int64_t next = as_int(it->b), stop = it->n;
    while (it->i < next) {
        Value v = op_next(vm, it->a);
        if (v == ERR) return ERR;
        if (v == UNDEF) { it->a = UNDEF; return UNDEF; }
        it->i++;
    }
    if (stop != -1 && it->i >= stop) { it->a = UNDEF; return UNDEF; }
    Value v = op_next(vm, it->a);
    if (v == ERR) return ERR;
    if (v == UNDEF) { it->a = UNDEF; return UNDEF; }
    it->i++;
    int64_t old = next;
    next += it->step;
    if (next < old || (stop != -1 && next > stop)) next = stop;
    it->b = int_val(islice_index(next));
    return v;
}

/* CPython 3.12's (deprecated) pickling: (type, (source, next, stop, step),
 * count), or an empty source once exhausted; __setstate__ takes the count. */
static Value islice_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    if (!exc_warn(vm, E_DeprecationWarning,
                  "Pickle, copy, and deepcopy support will be removed from itertools in Python 3.14."))
        return ERR;
    ObjIter *it = AS(ObjIter, args[0]);
    Value src = it->a;
    if (src == UNDEF) {
        ObjList *empty = list_new(vm, 0);
        src = empty ? op_iter(vm, obj_val(empty)) : ERR;
        if (src == ERR) return ERR;
    }
    if (!vm_push_root(vm, src)) return ERR;
    Value fields[4] = {src, it->a == UNDEF ? int_val(0) : it->b, it->n == -1 ? NONE_VAL : int_val(it->n),
                       int_val(it->step)};
    ObjTuple *inner = tuple_from(vm, fields, it->a == UNDEF ? 2 : 4);
    vm_pop_roots(vm, 1);
    if (!inner || !vm_push_root(vm, obj_val(inner))) return ERR;
    Value outer[3] = {obj_val(as_obj(args[0])->cls), obj_val(inner), int_val(it->a == UNDEF ? 0 : it->i)};
    ObjTuple *r = tuple_from(vm, outer, 3);
    vm_pop_roots(vm, 1);
    return r ? obj_val(r) : ERR;
}

static Value islice_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1)) return ERR;
    if (!exc_warn(vm, E_DeprecationWarning,
                  "Pickle, copy, and deepcopy support will be removed from itertools in Python 3.14."))
        return ERR;
    int64_t cnt;
    if (!index_value(vm, args[1], &cnt, NULL)) return ERR;
    AS(ObjIter, args[0])->i = cnt;
    return NONE_VAL;
}

/* An islice argument as CPython reads it: an int or __index__ object in
 * ssize_t range, with any failure (wrong type, overflow, an __index__ that
 * raises) turned into -1, which the caller then reports as out of range. */
static int64_t islice_arg(VM *vm, Value v) {
    int64_t n;
    if (ssize_value(vm, v, &n)) return n;
    vm->exc = UNDEF;
    return -1;
}

static Value islice_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_ISLICE)) return ERR;
    if (!no_kw(vm, args[0], IT_ISLICE, kw)) return ERR;
    if (nargs < 3 || nargs > 5)
        return exc_raise(vm, E_TypeError, "islice expected at %s, got %d", nargs < 3 ? "least 2 arguments" : "most 4 arguments",
                         nargs - 1);
    /* CPython's order: start, then stop (-1, or anything unreadable, is
     * "Stop argument"), then both ranges ("Indices"), then step. */
    int64_t start = 0, stop = -1, step = 1;
    Value vstop = nargs == 3 ? args[2] : args[3];
    if (nargs > 3 && args[2] != NONE_VAL) start = islice_arg(vm, args[2]);
    if (vstop != NONE_VAL && (stop = islice_arg(vm, vstop)) == -1)
        return exc_raise(vm, E_ValueError, "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
    if (start < 0 || stop < -1)
        return exc_raise(vm, E_ValueError, "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
    if (nargs == 5 && args[4] != NONE_VAL) step = islice_arg(vm, args[4]);
    if (step < 1) return exc_raise(vm, E_ValueError, "Step for islice() must be a positive integer or None.");
    Value src = op_iter(vm, args[1]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), islice_next);
    if (!it) return ERR;
    it->a = src;
    it->b = int_val(islice_index(start));
    it->n = stop;
    it->step = step;
    return obj_val(it);
}

/* ---- tee, zip_longest, pairwise, batched ------------------------------- */

static Value tee_next(VM *vm, ObjIter *it) {
    ObjList *buf = AS(ObjList, it->b), *busy = AS(ObjList, it->c);
    if (it->i < buf->len) return buf->items[it->i++];
    if (busy->items[0] == TRUE_VAL) return exc_raise(vm, E_RuntimeError, "cannot re-enter the tee iterator");
    busy->items[0] = TRUE_VAL;
    Value v = op_next(vm, it->a);
    busy->items[0] = FALSE_VAL;
    if (v == ERR || v == UNDEF) return v;
    if (buf->len == it->i && list_append(vm, buf, v) < 0) return ERR;
    it->i++;
    return v;
}

/* _tee.__copy__(): another reader of the same buffer, at the same place. */
static Value tee_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__copy__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *src = AS(ObjIter, args[0]);
    ObjIter *it = it_new(vm, IT_TEE, tee_next);
    if (!it) return ERR;
    it->a = src->a;
    it->b = src->b;
    it->c = src->c;
    it->i = src->i;
    return obj_val(it);
}

static Value it_tee(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "tee", kw)) return ERR;
    if (nargs < 1 || nargs > 2)
        return exc_raise(vm, E_TypeError, "tee expected at %s, got %d", nargs < 1 ? "least 1 argument" : "most 2 arguments", nargs);
    int64_t n = 2;
    if (nargs == 2 && (n = nonneg_arg(vm, args[1], "n must be >= 0")) < 0) return ERR;
    if (n == 0) {   /* CPython does not even iterate */
        ObjTuple *none = tuple_new(vm, 0);
        return none ? obj_val(none) : ERR;
    }
    Value src = op_iter(vm, args[0]);
    if (src == ERR) return ERR;
    ObjList *buf = list_new(vm, 0);
    Value no = FALSE_VAL;
    ObjList *busy = buf ? list_from(vm, &no, 1) : NULL;
    ObjTuple *t = busy ? tuple_new(vm, n) : NULL;
    if (!t) return ERR;
    for (int64_t i = 0; i < n; i++) {
        ObjIter *it = it_new(vm, IT_TEE, tee_next);
        if (!it) return ERR;
        it->a = src;
        it->b = obj_val(buf);
        it->c = obj_val(busy);
        t->items[i] = obj_val(it);
    }
    return obj_val(t);
}

static Value zip_longest_next(VM *vm, ObjIter *it) {
    ObjTuple *its = AS(ObjTuple, it->a);
    int64_t n = its->len;
    if (n == 0 || it->i == 0) return UNDEF;
    ObjTuple *t = tuple_new(vm, n);
    Value *root = t ? vm_roots_open(vm, 1) : NULL;
    if (!root) return ERR;
    *root = obj_val(t);
    for (int64_t k = 0; k < n; k++) {
        Value v = its->items[k] == UNDEF ? UNDEF : op_next(vm, its->items[k]);
        if (v == ERR) { vm_pop_roots(vm, 1); return ERR; }
        if (v == UNDEF) {
            if (its->items[k] != UNDEF) {
                its->items[k] = UNDEF;
                if (--it->i == 0) { vm_pop_roots(vm, 1); return UNDEF; }
            }
            v = it->b;
        }
        t->items[k] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

static Value zip_longest_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_ZIP_LONGEST)) return ERR;
    int nkw = kw ? (int)kw->len : 0;
    Value fill = NONE_VAL;
    /* CPython takes exactly one keyword, fillvalue, and names no culprit. */
    if (nkw > 1 || (nkw == 1 && strcmp(AS(ObjStr, kw->items[0])->data, "fillvalue") != 0))
        return exc_raise(vm, E_TypeError, "zip_longest() got an unexpected keyword argument");
    if (nkw == 1) fill = args[nargs];
    ObjTuple *its = tuple_new(vm, nargs - 1);
    ObjIter *it = its ? iter_new(vm, AS(ObjClass, args[0]), zip_longest_next) : NULL;
    if (!it) return ERR;
    it->a = obj_val(its);
    it->b = fill;
    it->i = nargs - 1;
    if (!vm_push_root(vm, obj_val(it))) return ERR;
    for (int i = 1; i < nargs; i++) {
        Value s = op_iter(vm, args[i]);
        if (s == ERR) { vm_pop_roots(vm, 1); return ERR; }
        its->items[i - 1] = s;
    }
    vm_pop_roots(vm, 1);
    return obj_val(it);
}

/* A source that calls next() on this pairwise again (reentry) changes the
 * fields midway: as CPython, a call keeps its source and its first item
 * in locals (rooted) and pairs those. */
static Value pairwise_next(VM *vm, ObjIter *it) {
    Value src = it->a;
    if (src == UNDEF) return UNDEF;
    Value *roots = vm_roots_open(vm, 2);
    if (!roots) return ERR;
    roots[0] = src;
    Value old = it->b, r = UNDEF;
    if (old == UNDEF) {
        old = op_next(vm, src);
        if (old == ERR || old == UNDEF) {
            if (old == UNDEF) it->a = UNDEF;
            vm_pop_roots(vm, 2);
            return old;
        }
        it->b = old;
    }
    roots[1] = old;
    Value v = op_next(vm, src);
    if (v == UNDEF) it->a = it->b = UNDEF;
    if (v != ERR && v != UNDEF) {
        ObjTuple *t = tuple_from(vm, (Value[]){old, v}, 2);
        r = t ? obj_val(t) : ERR;
        if (t) it->b = v;
    } else {
        r = v;
    }
    vm_pop_roots(vm, 2);
    return r;
}

static Value pairwise_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_PAIRWISE)) return ERR;
    if (!no_kw(vm, args[0], IT_PAIRWISE, kw)) return ERR;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "pairwise expected 1 argument, got %d", nargs - 1);
    Value src = op_iter(vm, args[1]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), pairwise_next);
    if (!it) return ERR;
    it->a = src;
    return obj_val(it);
}

static Value batched_next(VM *vm, ObjIter *it) {
    if (it->a == UNDEF) return UNDEF;
    ObjList *l = list_new(vm, it->n);
    Value *root = l ? vm_roots_open(vm, 1) : NULL;
    if (!root) return ERR;
    *root = obj_val(l);
    while (l->len < it->n) {
        Value v = op_next(vm, it->a);
        if (v == ERR) { vm_pop_roots(vm, 1); return ERR; }
        if (v == UNDEF) { it->a = UNDEF; break; }
        if (list_append(vm, l, v) < 0) { vm_pop_roots(vm, 1); return ERR; }
    }
    vm_pop_roots(vm, 1);
    if (l->len == 0) return UNDEF;
    ObjTuple *t = tuple_from(vm, l->items, l->len);
    return t ? obj_val(t) : ERR;
}

static Value batched_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_BATCHED)) return ERR;
    static const char *const names[] = {"iterable", "n"};
    Value p[2];
    if (!args_bind(vm, "batched", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF || p[1] == UNDEF)
        return exc_raise(vm, E_TypeError, "batched() missing required argument '%s' (pos %d)",
                         p[0] == UNDEF ? "iterable" : "n", p[0] == UNDEF ? 1 : 2);
    int64_t n;
    if (!ssize_value(vm, p[1], &n)) return ERR;
    if (n < 1) return exc_raise(vm, E_ValueError, "n must be at least one");
    Value src = op_iter(vm, p[0]);
    if (src == ERR) return ERR;
    ObjIter *it = iter_new(vm, AS(ObjClass, args[0]), batched_next);
    if (!it) return ERR;
    it->a = src;
    it->n = n;
    return obj_val(it);
}

/* ---- combinatorics ------------------------------------------------------ */

/* A tuple of n small ints (indices), values from f(i). */
static ObjTuple *int_tuple(VM *vm, int64_t n, int64_t base, int64_t mul) {
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return NULL;
    for (int64_t i = 0; i < n; i++) t->items[i] = int_val(base + mul * i);
    return t;
}

/* A new tuple of pool items at the given indices. */
static Value pick(VM *vm, ObjTuple *pool, ObjTuple *idx, int64_t r) {
    ObjTuple *t = tuple_new(vm, r);
    if (!t) return ERR;
    for (int64_t i = 0; i < r; i++) t->items[i] = pool->items[as_int(idx->items[i])];
    return obj_val(t);
}

#define IDX(t, i) as_int((t)->items[i])
#define SET(t, i, v) ((t)->items[i] = int_val(v))

static Value product_next(VM *vm, ObjIter *it) {
    if (it->n) return UNDEF;
    ObjTuple *pools = AS(ObjTuple, it->a), *idx = AS(ObjTuple, it->c);
    int64_t n = pools->len;
    if (!it->i) {
        it->i = 1;
        for (int64_t k = 0; k < n; k++) {
            if (AS(ObjTuple, pools->items[k])->len == 0) { it->n = 1; return UNDEF; }
        }
    } else {
        int64_t k = n - 1;
        for (; k >= 0; k--) {
            ObjTuple *pool = AS(ObjTuple, pools->items[k]);
            if (IDX(idx, k) + 1 < pool->len) { SET(idx, k, IDX(idx, k) + 1); break; }
            SET(idx, k, 0);
        }
        if (k < 0) { it->n = 1; return UNDEF; }
    }
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    for (int64_t k = 0; k < n; k++) t->items[k] = AS(ObjTuple, pools->items[k])->items[IDX(idx, k)];
    return obj_val(t);
}

static Value product_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_PRODUCT)) return ERR;
    int nkw = kw ? (int)kw->len : 0;
    int64_t repeat = 1;
    for (int k = 0; k < nkw; k++) {
        if (strcmp(AS(ObjStr, kw->items[k])->data, "repeat") != 0)
            return exc_raise(vm, E_TypeError, "product() got an unexpected keyword argument '%s'",
                             AS(ObjStr, kw->items[k])->data);
        if ((repeat = nonneg_arg(vm, args[nargs + k], "repeat argument cannot be negative")) < 0) return ERR;
    }
    int64_t np = repeat == 0 ? 0 : nargs - 1;   /* repeat=0 reads none of the iterables */
    ObjTuple *pools = tuple_new(vm, np * repeat);
    ObjIter *it = pools ? iter_new(vm, AS(ObjClass, args[0]), product_next) : NULL;
    if (!it) return ERR;
    it->a = obj_val(pools);
    if (!vm_push_root(vm, obj_val(it))) return ERR;
    for (int64_t i = 0; i < np; i++) {
        ObjTuple *t = to_tuple(vm, args[i + 1]);
        if (!t) { vm_pop_roots(vm, 1); return ERR; }
        for (int64_t r = 0; r < repeat; r++) pools->items[r * np + i] = obj_val(t);
    }
    vm_pop_roots(vm, 1);
    ObjTuple *idx = int_tuple(vm, np * repeat, 0, 0);
    if (!idx) return ERR;
    it->c = obj_val(idx);
    return obj_val(it);
}

static Value permutations_next(VM *vm, ObjIter *it) {
    if (it->step) return UNDEF;
    ObjTuple *pool = AS(ObjTuple, it->a), *idx = AS(ObjTuple, it->b), *cyc = AS(ObjTuple, it->c);
    int64_t n = pool->len, r = it->n;
    if (!it->i) {
        it->i = 1;
        if (r > n) { it->step = 1; return UNDEF; }
        return pick(vm, pool, idx, r);
    }
    if (n == 0) { it->step = 1; return UNDEF; }
    for (int64_t i = r - 1; i >= 0; i--) {
        int64_t c = IDX(cyc, i) - 1;
        if (c == 0) {
            /* Rotate indices[i:] left by one. */
            Value first = idx->items[i];
            for (int64_t j = i; j < n - 1; j++) idx->items[j] = idx->items[j + 1];
            idx->items[n - 1] = first;
            SET(cyc, i, n - i);
        } else {
            SET(cyc, i, c);
            int64_t j = n - c;
            Value tmp = idx->items[i];
            idx->items[i] = idx->items[j];
            idx->items[j] = tmp;
            return pick(vm, pool, idx, r);
        }
    }
    it->step = 1;
    return UNDEF;
}

static Value permutations_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!new_cls_ok(vm, args, nargs, IT_PERMUTATIONS)) return ERR;
    static const char *const names[] = {"iterable", "r"};
    Value p[2];
    if (!args_bind(vm, "permutations", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF) return exc_raise(vm, E_TypeError, "permutations() missing required argument 'iterable' (pos 1)");
    ObjTuple *pool = to_tuple(vm, p[0]);
    if (!pool) return ERR;
    int64_t r = pool->len;
    if (p[1] != UNDEF && p[1] != NONE_VAL) {
        if (!is_intlike(p[1])) return exc_raise(vm, E_TypeError, "Expected int as r");
        if ((r = nonneg_arg(vm, p[1], "r must be non-negative")) < 0) return ERR;
    }
    ObjTuple *idx = int_tuple(vm, pool->len, 0, 1);
    ObjTuple *cyc = idx ? int_tuple(vm, r < pool->len ? r : pool->len, pool->len, -1) : NULL;
    ObjIter *it = cyc ? iter_new(vm, AS(ObjClass, args[0]), permutations_next) : NULL;
    if (!it) return ERR;
    it->a = obj_val(pool);
    it->b = obj_val(idx);
    it->c = obj_val(cyc);
    it->n = r;
    return obj_val(it);
}

static Value combinations_next(VM *vm, ObjIter *it) {
    if (it->step) return UNDEF;
    ObjTuple *pool = AS(ObjTuple, it->a), *idx = AS(ObjTuple, it->b);
    int64_t n = pool->len, r = it->n;
    bool repl = it->c == TRUE_VAL;
    if (!it->i) {
        it->i = 1;
        if ((!repl && r > n) || (repl && n == 0 && r > 0)) { it->step = 1; return UNDEF; }
        return pick(vm, pool, idx, r);
    }
    int64_t i = r - 1;
    if (repl) {
        while (i >= 0 && IDX(idx, i) == n - 1) i--;
        if (i < 0) { it->step = 1; return UNDEF; }
        int64_t v = IDX(idx, i) + 1;
        for (int64_t j = i; j < r; j++) SET(idx, j, v);
    } else {
        while (i >= 0 && IDX(idx, i) == i + n - r) i--;
        if (i < 0) { it->step = 1; return UNDEF; }
        SET(idx, i, IDX(idx, i) + 1);
        for (int64_t j = i + 1; j < r; j++) SET(idx, j, IDX(idx, j - 1) + 1);
    }
    return pick(vm, pool, idx, r);
}

static Value combinations_make(VM *vm, Value *args, int nargs, ObjTuple *kw, int type) {
    if (!new_cls_ok(vm, args, nargs, type)) return ERR;
    const char *name = type_names[type];
    static const char *const names[] = {"iterable", "r"};
    Value p[2];
    if (!args_bind(vm, name, args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[0] == UNDEF || p[1] == UNDEF)
        return exc_raise(vm, E_TypeError, "%s() missing required argument '%s' (pos %d)", name,
                         p[0] == UNDEF ? "iterable" : "r", p[0] == UNDEF ? 1 : 2);
    /* r is read before the iterable is, as CPython's argument parser does;
     * its sign is checked after. */
    int64_t r;
    if (!ssize_value(vm, p[1], &r)) return ERR;
    ObjTuple *pool = to_tuple(vm, p[0]);
    if (!pool) return ERR;
    if (r < 0) return exc_raise(vm, E_ValueError, "r must be non-negative");
    ObjTuple *idx = int_tuple(vm, r, 0, type == IT_COMBINATIONS ? 1 : 0);
    ObjIter *it = idx ? iter_new(vm, AS(ObjClass, args[0]), combinations_next) : NULL;
    if (!it) return ERR;
    it->a = obj_val(pool);
    it->b = obj_val(idx);
    it->c = bool_val(type == IT_COMBINATIONS_WR);
    it->n = r;
    return obj_val(it);
}

static Value combinations_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return combinations_make(vm, args, nargs, kw, IT_COMBINATIONS);
}
static Value combinations_wr_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return combinations_make(vm, args, nargs, kw, IT_COMBINATIONS_WR);
}

#undef IDX
#undef SET

/* ---- the module --------------------------------------------------------- */

bool mod_itertools_init(VM *vm, ObjModule *m) {
    static const NativeFn ctors[IT_NTYPES] = {
        count_new, cycle_new, repeat_new, accumulate_new, chain_new, compress_new, dropwhile_new, takewhile_new,
        filterfalse_new, groupby_new, NULL, islice_new, starmap_new, NULL, zip_longest_new, product_new,
        permutations_new, combinations_new, combinations_wr_new, pairwise_new, batched_new,
    };
    Value modname = str_from_cstr(vm, "itertools");
    if (modname == ERR) return false;
    for (int t = 0; t < IT_NTYPES; t++) {
        ObjClass *c = class_new_builtin(vm, type_names[t], vm->types[T_OBJECT], OBJ_ITER);
        if (!c) return false;
        if (t != IT_GROUPER && t != IT_TEE) c->obj.flags |= CLASS_BASETYPE;
        c->module = modname;
        if (ctors[t]) {
            ObjNative *n = native_new(vm, "__new__", ctors[t]);
            if (!n || dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(n)) < 0) return false;
        }
        if (!class_add_iter_protocol(vm, c)) return false;
        if (t == IT_COUNT && !class_add_native(vm, c, "__repr__", count_repr)) return false;
        if (t == IT_REPEAT && (!class_add_native(vm, c, "__repr__", repeat_repr) ||
                               !class_add_native(vm, c, "__length_hint__", repeat_length_hint)))
            return false;
        if (t == IT_TEE && !class_add_native(vm, c, "__copy__", tee_copy)) return false;
        if ((t == IT_DROPWHILE || t == IT_TAKEWHILE || t == IT_FILTERFALSE || t == IT_STARMAP) &&
            !class_add_native(vm, c, "__reduce__", pred_iter_reduce))
            return false;
        if ((t == IT_DROPWHILE || t == IT_TAKEWHILE) && !class_add_native(vm, c, "__setstate__", pred_iter_setstate))
            return false;
        if (t == IT_ISLICE && (!class_add_native(vm, c, "__reduce__", islice_reduce) ||
                               !class_add_native(vm, c, "__setstate__", islice_setstate)))
            return false;
        if (t == IT_CHAIN && (!class_add_classmethod(vm, c, "from_iterable", chain_from_iterable) ||
                              !class_add_generic(vm, c)))
            return false;
        if (!module_add_value(vm, m, type_names[t], obj_val(c))) return false;
    }
    return module_add_native(vm, m, "tee", it_tee);
}
