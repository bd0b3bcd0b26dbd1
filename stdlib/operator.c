/* The operator module: the operators as functions (through ops.h, so user
 * special methods apply) and the callables itemgetter, attrgetter and
 * methodcaller. Those three are ObjIters of classes of their own (no next
 * function), whose __call__ and __repr__ are natives:
 *
 *   itemgetter    a = tuple of items          i = 1 when there was one item
 *   attrgetter    a = tuple of tuples of the dotted names' parts, b = the original names
 *   methodcaller  a = name, b = tuple of positional args, c = dict of keyword args */
#include <string.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/subtype.h"
#include "modules.h"

/* CPython's operator functions check their argument count this way. */
static bool nargs_is(VM *vm, const char *name, int nargs, ObjTuple *kw, int n) {
    if (kw && kw->len) {
        exc_raise(vm, E_TypeError, "_operator.%s() takes no keyword arguments", name);
        return false;
    }
    if (nargs == n) return true;
    if (n == 1) exc_raise(vm, E_TypeError, "_operator.%s() takes exactly one argument (%d given)", name, nargs);
    else exc_raise(vm, E_TypeError, "%s expected %d arguments, got %d", name, n, nargs);
    return false;
}

/* ---- binary and unary operators ---------------------------------------- */

#define BINARY(fname, op) \
    static Value fn_##fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        if (!nargs_is(vm, #fname, nargs, kw, 2)) return ERR; \
        return op_binary(vm, op, args[0], args[1]); \
    }
#define INPLACE(fname, op) \
    static Value fn_##fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        if (!nargs_is(vm, #fname, nargs, kw, 2)) return ERR; \
        return op_inplace(vm, op, args[0], args[1]); \
    }
#define COMPARE(fname, op) \
    static Value fn_##fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        if (!nargs_is(vm, #fname, nargs, kw, 2)) return ERR; \
        return op_compare(vm, op, args[0], args[1]); \
    }
BINARY(add, BIN_ADD) BINARY(sub, BIN_SUB) BINARY(mul, BIN_MUL) BINARY(matmul, BIN_MATMUL)
BINARY(truediv, BIN_TRUEDIV) BINARY(floordiv, BIN_FLOORDIV) BINARY(mod, BIN_MOD) BINARY(pow, BIN_POW)
BINARY(lshift, BIN_LSHIFT) BINARY(rshift, BIN_RSHIFT) BINARY(and_, BIN_AND) BINARY(or_, BIN_OR)
BINARY(xor, BIN_XOR)
INPLACE(iadd, BIN_ADD) INPLACE(isub, BIN_SUB) INPLACE(imul, BIN_MUL) INPLACE(imatmul, BIN_MATMUL)
INPLACE(itruediv, BIN_TRUEDIV)
INPLACE(ifloordiv, BIN_FLOORDIV) INPLACE(imod, BIN_MOD) INPLACE(ipow, BIN_POW) INPLACE(iand, BIN_AND)
INPLACE(ior, BIN_OR) INPLACE(ixor, BIN_XOR) INPLACE(ilshift, BIN_LSHIFT) INPLACE(irshift, BIN_RSHIFT)
COMPARE(lt, CMP_LT) COMPARE(le, CMP_LE) COMPARE(eq, CMP_EQ) COMPARE(ne, CMP_NE) COMPARE(gt, CMP_GT)
COMPARE(ge, CMP_GE)
#undef BINARY
#undef INPLACE
#undef COMPARE

/* call(obj, /, *args, **kwargs) */
static Value op_call_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1) return exc_raise(vm, E_TypeError, "call expected at least 1 argument, got 0");
    return op_call(vm, args[0], args + 1, nargs - 1, kw);
}

static Value op_neg_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "neg", nargs, kw, 1) ? op_neg(vm, args[0]) : ERR;
}
static Value op_pos_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "pos", nargs, kw, 1) ? op_pos(vm, args[0]) : ERR;
}
static Value op_invert_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "invert", nargs, kw, 1) ? op_invert(vm, args[0]) : ERR;
}
/* inv is a function of its own in CPython, with its own name in errors. */
static Value op_inv_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "inv", nargs, kw, 1) ? op_invert(vm, args[0]) : ERR;
}

static Value op_abs_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "abs", nargs, kw, 1)) return ERR;
    Value f = dict_get_str(vm->builtins, str_intern_cstr(vm, "abs"));
    return f == UNDEF ? exc_raise(vm, E_NameError, "abs") : op_call1(vm, f, args[0]);
}

static Value op_not_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "not_", nargs, kw, 1)) return ERR;
    int t = op_truthy(vm, args[0]);
    return t < 0 ? ERR : bool_val(!t);
}

static Value op_truth(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "truth", nargs, kw, 1)) return ERR;
    int t = op_truthy(vm, args[0]);
    return t < 0 ? ERR : bool_val(t);
}

static Value op_is_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "is_", nargs, kw, 2) ? bool_val(args[0] == args[1]) : ERR;
}
static Value op_is_not(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "is_not", nargs, kw, 2) ? bool_val(args[0] != args[1]) : ERR;
}

static Value op_index_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "index", nargs, kw, 1)) return ERR;
    Value v = args[0];
    /* an int as an exact int (PyNumber_Index copies a bool or a subclass's instance) */
    if (is_bool(v)) return int_val(as_bool(v));
    if (is_intlike(v)) return subtype_plain(vm, v);
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    Value r = op_call_special(vm, v, m, NULL, 0);
    return r == ERR ? ERR : index_result(vm, r);
}

static bool is_sequence(VM *vm, Value v) {
    if (is_obj(v)) {
        switch ((ObjKind)as_obj(v)->kind) {
        case OBJ_STR: case OBJ_BYTES: case OBJ_BYTEARRAY: case OBJ_LIST: case OBJ_TUPLE: case OBJ_RANGE: return true;
        case OBJ_DICT: case OBJ_SET: return false;
        default: break;
        }
    }
    return is_kind(v, OBJ_INSTANCE) && op_special(vm, v, N___getitem__) != UNDEF;
}

static Value concat(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool inplace) {
    if (!nargs_is(vm, name, nargs, kw, 2)) return ERR;
    Value a = args[0], b = args[1];
    if (!is_sequence(vm, a)) return exc_raise(vm, E_TypeError, "'%T' object can't be concatenated", a);
    /* A sequence that cannot concatenate itself (a range, a class with
     * __getitem__ alone) is added to a sequence only by + methods. */
    bool own = is_str(a) || is_list(a) || is_tuple(a) || is_kind(a, OBJ_BYTES) || is_kind(a, OBJ_BYTEARRAY);
    if (!own && (!is_sequence(vm, b) || (op_special(vm, a, N___add__) == UNDEF && op_special(vm, b, N___radd__) == UNDEF &&
                                         (!inplace || op_special(vm, a, N___iadd__) == UNDEF))))
        return exc_raise(vm, E_TypeError, "'%T' object can't be concatenated", a);
    return inplace ? op_inplace(vm, BIN_ADD, args[0], args[1]) : op_binary(vm, BIN_ADD, args[0], args[1]);
}
static Value op_concat(VM *vm, Value *args, int nargs, ObjTuple *kw) { return concat(vm, args, nargs, kw, "concat", false); }
static Value op_iconcat(VM *vm, Value *args, int nargs, ObjTuple *kw) { return concat(vm, args, nargs, kw, "iconcat", true); }

/* ---- sequences ---------------------------------------------------------- */

static Value op_contains_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "contains", nargs, kw, 2)) return ERR;
    int r = op_contains(vm, args[0], args[1]);
    return r < 0 ? ERR : bool_val(r);
}

static Value op_getitem_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return nargs_is(vm, "getitem", nargs, kw, 2) ? op_getitem(vm, args[0], args[1]) : ERR;
}

static Value op_setitem_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "setitem", nargs, kw, 3)) return ERR;
    return op_setitem(vm, args[0], args[1], args[2]) < 0 ? ERR : NONE_VAL;
}

static Value op_delitem_(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "delitem", nargs, kw, 2)) return ERR;
    return op_delitem(vm, args[0], args[1]) < 0 ? ERR : NONE_VAL;
}

/* countOf / indexOf: walk the iterable comparing with == (identity first). */
static Value seq_search(VM *vm, Value *args, int nargs, ObjTuple *kw, bool count) {
    if (!nargs_is(vm, count ? "countOf" : "indexOf", nargs, kw, 2)) return ERR;
    Value it = op_iter(vm, args[0]);
    /* CPython's words for any TypeError iter() raises here */
    if (it == ERR && exc_is(vm, vm->exc, E_TypeError)) {
        vm->exc = UNDEF;
        return exc_raise(vm, E_TypeError, "argument of type '%s' is not iterable", type_name(vm, args[0]));
    }
    if (it == ERR || !vm_push_root(vm, it)) return ERR;
    int64_t i = 0, n = 0;
    Value r = UNDEF;
    for (;; i++) {
        Value v = op_next(vm, it);
        if (v == ERR) { r = ERR; break; }
        if (v == UNDEF) break;
        int eq = op_eq(vm, v, args[1]);
        if (eq < 0) { r = ERR; break; }
        if (eq && !count) { r = int_from_i64(vm, i); break; }
        n += eq;
    }
    vm_pop_roots(vm, 1);
    if (r != UNDEF) return r;
    if (count) return int_from_i64(vm, n);
    return exc_raise(vm, E_ValueError, "sequence.index(x): x not in sequence");
}
static Value op_countOf(VM *vm, Value *args, int nargs, ObjTuple *kw) { return seq_search(vm, args, nargs, kw, true); }
static Value op_indexOf(VM *vm, Value *args, int nargs, ObjTuple *kw) { return seq_search(vm, args, nargs, kw, false); }

static Value m_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "_operator.length_hint() takes no keyword arguments");
    if (!args_check(vm, "length_hint", nargs, kw, 1, 2)) return ERR;
    Value dflt = nargs == 2 ? args[1] : int_val(0);
    if (!is_intlike(dflt)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", dflt);
    int64_t d;      /* a Py_ssize_t in CPython: True is 1, past 64 bits OverflowError */
    if (!ssize_value(vm, dflt, &d)) return ERR;
    Value dv = int_from_i64(vm, d);
    if (dv == ERR || !vm_push_root(vm, dv)) return ERR;    /* __length_hint__ may collect */
    Value r = op_length_hint(vm, args[0], dv);
    vm_pop_roots(vm, 1);
    return r;
}

/* ---- itemgetter, attrgetter, methodcaller ------------------------------ */

static ObjIter *callable_new(VM *vm, Value cls) {
    ObjIter *it = gc_new(vm, sizeof(ObjIter), OBJ_ITER, AS(ObjClass, cls));
    if (!it) return NULL;
    it->a = it->b = it->c = UNDEF;
    return it;
}

static Value itemgetter_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "itemgetter() takes no keyword arguments");
    if (nargs < 2) return exc_raise(vm, E_TypeError, "itemgetter expected 1 argument, got 0");
    ObjTuple *items = tuple_from(vm, args + 1, nargs - 1);
    ObjIter *it = items ? callable_new(vm, args[0]) : NULL;
    if (!it) return ERR;
    it->a = obj_val(items);
    it->i = nargs == 2;
    return obj_val(it);
}

static Value itemgetter_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "itemgetter", nargs - 1, kw, 1)) return ERR;
    ObjIter *g = AS(ObjIter, args[0]);
    ObjTuple *items = AS(ObjTuple, g->a);
    if (g->i) return op_getitem(vm, args[1], items->items[0]);
    ObjTuple *t = tuple_new(vm, items->len);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    for (int64_t i = 0; i < items->len; i++) {
        Value v = op_getitem(vm, args[1], items->items[i]);
        if (v == ERR) { vm_pop_roots(vm, 1); return ERR; }
        t->items[i] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

/* "operator.name(repr, repr, ...)" of the values in t. */
static Value repr_call(VM *vm, const char *name, ObjTuple *t, ObjDict *kwargs) {
    StrBuf b = SB_INIT;
    sb_addf(&b, "operator.%s(", name);
    bool ok = true;
    for (int64_t i = 0; ok && i < t->len; i++) {
        if (i) sb_adds(&b, ", ");
        ok = op_repr_to(vm, t->items[i], &b);
    }
    int64_t pos = 0;
    Value k, v;
    while (ok && kwargs && dict_next(kwargs, &pos, &k, &v)) {
        sb_adds(&b, ", ");
        ok = op_str_to(vm, k, &b);
        sb_addc(&b, '=');
        ok = ok && op_repr_to(vm, v, &b);
    }
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

static Value itemgetter_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return repr_call(vm, "itemgetter", AS(ObjTuple, AS(ObjIter, args[0])->a), NULL);
}

static Value attrgetter_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "attrgetter() takes no keyword arguments");
    if (nargs < 2) return exc_raise(vm, E_TypeError, "attrgetter expected 1 argument, got 0");
    ObjTuple *names = tuple_from(vm, args + 1, nargs - 1);
    ObjTuple *paths = names ? tuple_new(vm, nargs - 1) : NULL;
    if (!paths) return ERR;
    for (int i = 1; i < nargs; i++) {
        if (!is_str(args[i])) return exc_raise(vm, E_TypeError, "attribute name must be a string");
        ObjStr *s = AS(ObjStr, args[i]);
        int64_t nparts = 1;
        for (int64_t k = 0; k < s->len; k++) nparts += s->data[k] == '.';
        ObjTuple *parts = tuple_new(vm, nparts);
        if (!parts) return ERR;
        paths->items[i - 1] = obj_val(parts);
        const char *p = s->data;
        for (int64_t k = 0; k < nparts; k++) {
            const char *dot = strchr(p, '.');
            size_t n = dot ? (size_t)(dot - p) : strlen(p);
            ObjStr *part = str_intern(vm, p, n);
            if (!part) return ERR;
            parts->items[k] = obj_val(part);
            p += n + 1;
        }
    }
    ObjIter *it = callable_new(vm, args[0]);
    if (!it) return ERR;
    it->a = obj_val(paths);
    it->b = obj_val(names);
    return obj_val(it);
}

static Value attr_path(VM *vm, Value obj, ObjTuple *parts) {
    for (int64_t k = 0; k < parts->len && obj != ERR; k++) obj = op_getattr(vm, obj, AS(ObjStr, parts->items[k]));
    return obj;
}

static Value attrgetter_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "attrgetter", nargs - 1, kw, 1)) return ERR;
    ObjTuple *paths = AS(ObjTuple, AS(ObjIter, args[0])->a);
    if (paths->len == 1) return attr_path(vm, args[1], AS(ObjTuple, paths->items[0]));
    ObjTuple *t = tuple_new(vm, paths->len);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    for (int64_t i = 0; i < paths->len; i++) {
        Value v = attr_path(vm, args[1], AS(ObjTuple, paths->items[i]));
        if (v == ERR) { vm_pop_roots(vm, 1); return ERR; }
        t->items[i] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

static Value attrgetter_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return repr_call(vm, "attrgetter", AS(ObjTuple, AS(ObjIter, args[0])->b), NULL);
}

static Value methodcaller_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 2) return exc_raise(vm, E_TypeError, "methodcaller needs at least one argument, the method name");
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "method name must be a string");
    ObjTuple *pos = tuple_from(vm, args + 2, nargs - 2);
    ObjDict *kwargs = pos ? dict_new(vm) : NULL;
    if (!kwargs) return ERR;
    for (int64_t k = 0; kw && k < kw->len; k++) {
        if (dict_set_str(vm, kwargs, AS(ObjStr, kw->items[k]), args[nargs + k]) < 0) return ERR;
    }
    ObjStr *name = str_intern(vm, AS(ObjStr, args[1])->data, (size_t)AS(ObjStr, args[1])->len);
    ObjIter *it = name ? callable_new(vm, args[0]) : NULL;
    if (!it) return ERR;
    it->a = obj_val(name);
    it->b = obj_val(pos);
    it->c = obj_val(kwargs);
    return obj_val(it);
}

static Value methodcaller_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!nargs_is(vm, "methodcaller", nargs - 1, kw, 1)) return ERR;
    ObjIter *mc = AS(ObjIter, args[0]);
    Value m = op_getattr(vm, args[1], AS(ObjStr, mc->a));
    if (m == ERR) return ERR;
    ObjTuple *pos = AS(ObjTuple, mc->b);
    ObjDict *kwargs = AS(ObjDict, mc->c);
    ObjTuple *names = tuple_new(vm, kwargs->count);
    if (!names) return ERR;
    Value argv[pos->len + kwargs->count + 1];
    copy_values(argv, pos->items, pos->len);
    int64_t p = 0, j = 0;
    Value k, v;
    while (dict_next(kwargs, &p, &k, &v)) {
        names->items[j] = k;
        argv[pos->len + j++] = v;
    }
    if (!vm_push_root(vm, m)) return ERR;
    if (!vm_push_root(vm, obj_val(names))) { vm_pop_roots(vm, 1); return ERR; }
    Value r = op_call(vm, m, argv, (int)pos->len, j ? names : NULL);
    vm_pop_roots(vm, 2);
    return r;
}

static Value methodcaller_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    ObjIter *mc = AS(ObjIter, args[0]);
    ObjTuple *pos = AS(ObjTuple, mc->b);
    ObjTuple *all = tuple_new(vm, pos->len + 1);
    if (!all) return ERR;
    all->items[0] = mc->a;
    copy_values(all->items + 1, pos->items, pos->len);
    return repr_call(vm, "methodcaller", all, AS(ObjDict, mc->c));
}

/* ---- pickling ----------------------------------------------------------- */

/* (class of self, args): what __reduce__ gives when self is rebuilt by
 * calling its class. */
static Value reduce_call(VM *vm, Value self, ObjTuple *args) {
    if (!args || !vm_push_root(vm, obj_val(args))) return ERR;
    ObjTuple *t = tuple_from(vm, (Value[]){obj_val(as_obj(self)->cls), obj_val(args)}, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

static Value itemgetter_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    return reduce_call(vm, args[0], AS(ObjTuple, AS(ObjIter, args[0])->a));
}

static Value attrgetter_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    return reduce_call(vm, args[0], AS(ObjTuple, AS(ObjIter, args[0])->b));
}

/* functools.partial(cls, name, **kwargs): how a methodcaller with keyword
 * arguments is rebuilt, since its constructor takes them as keywords. */
static Value methodcaller_partial(VM *vm, ObjIter *mc) {
    ObjDict *kwargs = AS(ObjDict, mc->c);
    Value functools = import_standard(vm, "functools");
    Value partial = functools == ERR ? ERR : op_getattr(vm, functools, str_intern_cstr(vm, "partial"));
    if (partial == ERR || !vm_push_root(vm, partial)) return ERR;
    ObjTuple *names = tuple_new(vm, kwargs->count);
    if (!names || !vm_push_root(vm, obj_val(names))) { vm_pop_roots(vm, 1); return ERR; }
    Value argv[kwargs->count + 2];
    argv[0] = obj_val(mc->obj.cls);
    argv[1] = mc->a;
    int64_t p = 0, j = 0;
    Value k, v;
    while (dict_next(kwargs, &p, &k, &v)) {
        names->items[j] = k;
        argv[2 + j++] = v;
    }
    Value r = op_call(vm, partial, argv, 2, names);
    vm_pop_roots(vm, 2);
    return r;
}

static Value methodcaller_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *mc = AS(ObjIter, args[0]);
    ObjTuple *pos = AS(ObjTuple, mc->b);
    if (AS(ObjDict, mc->c)->count == 0) {
        ObjTuple *all = tuple_new(vm, pos->len + 1);
        if (!all) return ERR;
        all->items[0] = mc->a;
        copy_values(all->items + 1, pos->items, pos->len);
        return reduce_call(vm, args[0], all);
    }
    Value f = methodcaller_partial(vm, mc);
    if (f == ERR || !vm_push_root(vm, f)) return ERR;
    ObjTuple *t = tuple_from(vm, (Value[]){f, mc->b}, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

static bool add_callable_class(VM *vm, ObjModule *m, const char *name, NativeFn new_fn, NativeFn call, NativeFn repr,
                               NativeFn reduce) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_ITER);
    Value mod = str_from_cstr(vm, "operator");
    if (!c || mod == ERR) return false;
    c->module = mod;
    ObjNative *n = native_new(vm, "__new__", new_fn);
    if (n) {
        n->owner = c;                   /* called directly, the class argument is checked (NATIVE_NEW) */
        n->obj.flags |= NATIVE_NEW;
    }
    return n && dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(n)) == 0 &&
           class_add_native(vm, c, "__call__", call) && class_add_native(vm, c, "__repr__", repr) &&
           class_add_native(vm, c, "__reduce__", reduce) && module_add_value(vm, m, name, obj_val(c));
}

bool mod_operator_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; bool dunder; } fns[] = {
        {"add", fn_add, true}, {"sub", fn_sub, true}, {"mul", fn_mul, true}, {"matmul", fn_matmul, true},
        {"truediv", fn_truediv, true}, {"floordiv", fn_floordiv, true}, {"mod", fn_mod, true},
        {"pow", fn_pow, true}, {"lshift", fn_lshift, true}, {"rshift", fn_rshift, true},
        {"and_", fn_and_, false}, {"or_", fn_or_, false}, {"xor", fn_xor, true},
        {"iadd", fn_iadd, true}, {"isub", fn_isub, true}, {"imul", fn_imul, true}, {"imatmul", fn_imatmul, true},
        {"itruediv", fn_itruediv, true}, {"ifloordiv", fn_ifloordiv, true}, {"imod", fn_imod, true},
        {"ipow", fn_ipow, true}, {"iand", fn_iand, true}, {"ior", fn_ior, true}, {"ixor", fn_ixor, true},
        {"ilshift", fn_ilshift, true}, {"irshift", fn_irshift, true},
        {"lt", fn_lt, true}, {"le", fn_le, true}, {"eq", fn_eq, true}, {"ne", fn_ne, true},
        {"gt", fn_gt, true}, {"ge", fn_ge, true},
        {"neg", op_neg_, true}, {"pos", op_pos_, true}, {"invert", op_invert_, true}, {"inv", op_inv_, true},
        {"abs", op_abs_, true}, {"not_", op_not_, false}, {"truth", op_truth, false}, {"is_", op_is_, false},
        {"is_not", op_is_not, false}, {"index", op_index_, true}, {"concat", op_concat, true},
        {"iconcat", op_iconcat, true}, {"contains", op_contains_, true}, {"getitem", op_getitem_, true},
        {"setitem", op_setitem_, true}, {"delitem", op_delitem_, true}, {"countOf", op_countOf, false},
        {"indexOf", op_indexOf, false}, {"length_hint", m_length_hint, false}, {"call", op_call_, true},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        ObjNative *n = native_new(vm, fns[i].name, fns[i].fn);
        if (!n || !module_add_value(vm, m, fns[i].name, obj_val(n))) return false;
        if (fns[i].dunder) {
            char dn[32];
            snprintf(dn, sizeof dn, "__%s__", fns[i].name);
            if (!module_add_value(vm, m, dn, obj_val(n))) return false;
        }
    }
    /* and_, or_, not_ have dunder aliases without the underscore. */
    static const char *const aliases[][2] = {{"__and__", "and_"}, {"__or__", "or_"}, {"__not__", "not_"}};
    for (size_t i = 0; i < 3; i++) {
        Value v = dict_get_str(m->dict, str_intern_cstr(vm, aliases[i][1]));
        if (!module_add_value(vm, m, aliases[i][0], v)) return false;
    }
    enum { NFNS = sizeof fns / sizeof fns[0] };
    const char *all[NFNS + 4];
    for (size_t i = 0; i < NFNS; i++) all[i] = fns[i].name;
    all[NFNS] = "itemgetter", all[NFNS + 1] = "attrgetter", all[NFNS + 2] = "methodcaller", all[NFNS + 3] = NULL;
    return add_callable_class(vm, m, "itemgetter", itemgetter_new, itemgetter_call, itemgetter_repr,
                              itemgetter_reduce) &&
           add_callable_class(vm, m, "attrgetter", attrgetter_new, attrgetter_call, attrgetter_repr,
                              attrgetter_reduce) &&
           add_callable_class(vm, m, "methodcaller", methodcaller_new, methodcaller_call, methodcaller_repr,
                              methodcaller_reduce) &&
           module_add_all(vm, m, all);
}
