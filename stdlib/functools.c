/* The functools module: partial, reduce, update_wrapper/wraps, lru_cache and
 * cache, cmp_to_key, total_ordering.
 *
 * partial and the lru_cache wrapper are classes made with class_new (so
 * they can be subclassed, carry a __dict__ and bind as methods the way
 * CPython's do) whose methods are natives. A partial keeps func/args/
 * keywords in the map beside its instance dict (gc_subtype_dict, where
 * __slots__ values go), so that vars(p) holds only what a script put there,
 * as in CPython; read-only properties show them. An lru_cache wrapper keeps its state in an
 * `_lru_state` object (an ObjIter with no next function) stored in its dict
 * under __lru_state__ (what a call holds meanwhile is on the list
 * `_lru_state.pending`):
 *
 *   a = the wrapped function   b = the cache dict    c = maxsize (None or int)
 *   i = hits                    n = misses            step = typed
 *
 * cached_property, singledispatch, singledispatchmethod and partialmethod
 * are CPython's Python code, in stdlib/_functools_py.asy, which the
 * module's __getattr__ loads on first use.
 *
 * cmp_to_key returns a KeyWrapper: an ObjIter with a = the cmp function and
 * b = the wrapped object (UNDEF for the factory cmp_to_key returns). */
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
#include "modules.h"

/* ---- helpers ------------------------------------------------------------ */

/* An attribute of the imported functools module (its classes and natives). */
static Value self_attr(VM *vm, const char *name) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "functools"));
    Value v = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (v == UNDEF) return exc_raise(vm, E_RuntimeError, "functools.%s is gone", name);
    return v;
}

static Value dict_attr(VM *vm, Value self, const char *name) {
    if (!is_kind(self, OBJ_INSTANCE)) return UNDEF;
    return dict_get_str(AS(ObjInstance, self)->dict, str_intern_cstr(vm, name));
}

static bool set_dict_attr(VM *vm, Value self, const char *name, Value v) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s && dict_set_str(vm, AS(ObjInstance, self)->dict, s, v) == 0;
}

/* The deleter of these classes' __dict__: their instances' dict is fixed
 * as CPython's generic __dict__ setter keeps it (assigning one is fine). */
static Value dict_no_delete(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return exc_raise(vm, E_TypeError, "cannot delete __dict__");
}

/* A class of this module made with class_new, with native methods and
 * (when doc is not NULL) a docstring. */
static ObjClass *make_class(VM *vm, const char *name, const char *doc, const char *const *mnames, const NativeFn *fns,
                            int n) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_new(vm, 0);
    ObjStr *cname = str_intern_cstr(vm, name);
    Value mod = str_from_cstr(vm, "functools");
    if (!ns || !bases || !cname || mod == ERR) return NULL;
    if (dict_set_str(vm, ns, vm_name(vm, N___module__), mod) < 0) return NULL;
    Value docv = doc ? str_from_cstr(vm, doc) : NONE_VAL;
    if (docv == ERR || dict_set_str(vm, ns, vm_name(vm, N___doc__), docv) < 0) return NULL;
    Value cls = class_new(vm, cname, bases, ns);
    if (cls == ERR) return NULL;
    char tp[64];
    snprintf(tp, sizeof tp, "functools.%s", name);     /* what messages call it, as CPython */
    if (!(AS(ObjClass, cls)->tp_name = str_intern_cstr(vm, tp))) return NULL;
    for (int i = 0; i < n; i++) {
        if (!class_add_native(vm, AS(ObjClass, cls), mnames[i], fns[i])) return NULL;
    }
    Value getset = dict_get_str(AS(ObjClass, cls)->dict, vm_name(vm, N___dict__));
    ObjNative *nodel = is_kind(getset, OBJ_PROPERTY) ? native_new(vm, "__delete__", dict_no_delete) : NULL;
    if (!nodel) return NULL;
    AS(ObjProperty, getset)->fdel = obj_val(nodel);
    class_changed(vm, AS(ObjClass, cls));
    return AS(ObjClass, cls);
}

/* A builtin-style class whose instances are ObjIters holding native state. */
static ObjClass *make_state_class(VM *vm, const char *name) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_ITER);
    Value mod = str_from_cstr(vm, "functools");
    if (!c || mod == ERR) return NULL;
    c->module = mod;
    return c;
}

static ObjIter *state_new(VM *vm, ObjClass *cls) {
    ObjIter *it = gc_new(vm, sizeof(ObjIter), OBJ_ITER, cls);
    if (!it) return NULL;
    it->a = it->b = it->c = UNDEF;
    return it;
}

/* ---- partial ------------------------------------------------------------ */

static Value pstate_get(VM *vm, Value self, const char *name) {
    ObjDict *d = is_obj(self) ? gc_subtype_dict(vm, as_obj(self)) : NULL;
    return d ? dict_get_str(d, str_intern_cstr(vm, name)) : UNDEF;
}

static bool pstate_set(VM *vm, Value self, Value func, Value args, Value keywords) {
    ObjDict *d = gc_subtype_dict_make(vm, as_obj(self));
    if (!d) {
        if (vm->exc == UNDEF) exc_nomem(vm);
        return false;
    }
    return dict_set_str(vm, d, str_intern_cstr(vm, "func"), func) == 0 &&
           dict_set_str(vm, d, str_intern_cstr(vm, "args"), args) == 0 &&
           dict_set_str(vm, d, str_intern_cstr(vm, "keywords"), keywords) == 0;
}

/* partial.__init__(self, func, /, *args, **keywords) */
static Value partial_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 2) return exc_raise(vm, E_TypeError, "type 'partial' takes at least one argument");
    Value self = args[0], func = args[1];
    if (!op_callable(vm, func)) return exc_raise(vm, E_TypeError, "the first argument must be callable");
    Value *pos = args + 2;
    int npos = nargs - 2, nkw = kw ? (int)kw->len : 0;
    ObjTuple *inner_args = NULL;
    ObjDict *keywords = NULL;
    if (is_kind(func, OBJ_INSTANCE) && type_of(vm, func) == type_of(vm, self) &&
        AS(ObjInstance, func)->dict->count == 0) {
        /* partial(partial(f, 1), 2) flattens to partial(f, 1, 2) (not when
         * the inner one has attributes of its own). */
        Value f = pstate_get(vm, func, "func"), a = pstate_get(vm, func, "args"), k = pstate_get(vm, func, "keywords");
        if (f != UNDEF && is_tuple(a) && is_dict(k)) {
            func = f;
            inner_args = AS(ObjTuple, a);
            keywords = dict_copy(vm, AS(ObjDict, k));
            if (!keywords) return ERR;
        }
    }
    if (!keywords && !(keywords = dict_new(vm))) return ERR;
    int64_t ninner = inner_args ? inner_args->len : 0;
    ObjTuple *all = tuple_new(vm, ninner + npos);
    if (!all) return ERR;
    copy_values(all->items, inner_args ? inner_args->items : NULL, ninner);
    copy_values(all->items + ninner, pos, npos);
    for (int i = 0; i < nkw; i++) {
        if (dict_set_str(vm, keywords, AS(ObjStr, kw->items[i]), args[nargs + i]) < 0) return ERR;
    }
    return pstate_set(vm, self, func, obj_val(all), obj_val(keywords)) ? NONE_VAL : ERR;
}

static bool partial_parts(VM *vm, Value self, Value *func, ObjTuple **pargs, ObjDict **pkw) {
    *func = pstate_get(vm, self, "func");
    Value a = pstate_get(vm, self, "args"), k = pstate_get(vm, self, "keywords");
    if (*func == UNDEF || !is_tuple(a) || !is_dict(k)) {
        exc_raise(vm, E_TypeError, "partial object is not initialized");
        return false;
    }
    *pargs = AS(ObjTuple, a);
    *pkw = AS(ObjDict, k);
    return true;
}

static Value partial_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value func;
    ObjTuple *pargs;
    ObjDict *pkw;
    if (!partial_parts(vm, args[0], &func, &pargs, &pkw)) return ERR;
    int ncall = nargs - 1, nkw = kw ? (int)kw->len : 0;
    int64_t npos = pargs->len + ncall;
    if (pkw->count == 0) {
        Value argv[npos + nkw + 1];
        copy_values(argv, pargs->items, pargs->len);
        copy_values(argv + pargs->len, args + 1, ncall + nkw);
        return op_call(vm, func, argv, (int)npos, kw);
    }
    /* Merge the stored keywords with the call's (the call's win). */
    ObjDict *merged = dict_copy(vm, pkw);
    if (!merged) return ERR;
    for (int i = 0; i < nkw; i++) {
        if (dict_set_str(vm, merged, AS(ObjStr, kw->items[i]), args[nargs + i]) < 0) return ERR;
    }
    ObjTuple *names = tuple_new(vm, merged->count);
    if (!names) return ERR;
    Value argv[npos + merged->count + 1];
    copy_values(argv, pargs->items, pargs->len);
    copy_values(argv + pargs->len, args + 1, ncall);
    int64_t p = 0, j = 0;
    Value k, v;
    while (dict_next(merged, &p, &k, &v)) {
        /* p.keywords is a plain dict that a script may give any key. */
        if (!is_str(k)) return exc_raise(vm, E_TypeError, "keywords must be strings");
        names->items[j] = k;
        argv[npos + j++] = v;
    }
    /* The values are reachable from the partial and the caller; the
     * names tuple is new. */
    if (!vm_push_root(vm, obj_val(names))) return ERR;
    Value r = op_call(vm, func, argv, (int)npos, names);
    vm_pop_roots(vm, 1);
    return r;
}

static Value partial_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Value func;
    ObjTuple *pargs;
    ObjDict *pkw;
    if (!partial_parts(vm, args[0], &func, &pargs, &pkw)) return ERR;
    bool cycle;
    if (!op_repr_enter(vm, as_obj(args[0]), &cycle)) return ERR;
    if (cycle) return str_from_cstr(vm, "...");     /* a partial among its own parts */
    ObjClass *c = type_of(vm, args[0]);
    StrBuf b = SB_INIT;
    if (is_str(c->module) && strcmp(AS(ObjStr, c->module)->data, "functools") == 0) sb_adds(&b, "functools.");
    sb_adds(&b, c->qualname->data);
    sb_addc(&b, '(');
    bool ok = op_repr_to(vm, func, &b);
    for (int64_t i = 0; ok && i < pargs->len; i++) {
        sb_adds(&b, ", ");
        ok = op_repr_to(vm, pargs->items[i], &b);
    }
    int64_t p = 0;
    Value k, v;
    while (ok && dict_next(pkw, &p, &k, &v)) {
        sb_adds(&b, ", ");
        ok = op_str_to(vm, k, &b);
        sb_addc(&b, '=');
        ok = ok && op_repr_to(vm, v, &b);
    }
    op_repr_leave(vm);
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* The read-only attributes func, args and keywords. */
static Value partial_part(VM *vm, Value *args, int nargs, int which) {
    Value func;
    ObjTuple *pargs;
    ObjDict *pkw;
    if (nargs < 1 || !partial_parts(vm, args[0], &func, &pargs, &pkw)) return ERR;
    return which == 0 ? func : which == 1 ? obj_val(pargs) : obj_val(pkw);
}
static Value partial_func(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return partial_part(vm, args, nargs, 0); }
static Value partial_args(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return partial_part(vm, args, nargs, 1); }
static Value partial_keywords(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return partial_part(vm, args, nargs, 2); }

/* (type(p), (func,), (func, args, keywords, __dict__ or None)) */
static Value partial_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    Value func;
    ObjTuple *pargs;
    ObjDict *pkw;
    if (!partial_parts(vm, args[0], &func, &pargs, &pkw)) return ERR;
    ObjDict *d = AS(ObjInstance, args[0])->dict;
    Value *root = vm_roots_open(vm, 2);
    if (!root) return ERR;
    ObjTuple *fa = tuple_from(vm, &func, 1);
    root[0] = fa ? obj_val(fa) : NONE_VAL;
    Value st[4] = {func, obj_val(pargs), obj_val(pkw), d && d->count ? obj_val(d) : NONE_VAL};
    ObjTuple *state = fa ? tuple_from(vm, st, 4) : NULL;
    root[1] = state ? obj_val(state) : NONE_VAL;
    ObjTuple *r = state ? tuple_from(vm, (Value[]){obj_val(type_of(vm, args[0])), obj_val(fa), obj_val(state)}, 3)
                        : NULL;
    vm_pop_roots(vm, 2);
    return r ? obj_val(r) : ERR;
}

/* __setstate__((func, args, keywords, dict)), as pickle and copy call it:
 * args and keywords become a plain tuple and dict, None an empty one. */
static Value partial_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1)) return ERR;
    Value self = args[0], state = args[1];
    if (!is_kind(self, OBJ_INSTANCE)) return exc_raise(vm, E_TypeError, "partial object expected");
    if (!is_tuple(state) || AS(ObjTuple, state)->len != 4)
        return exc_raise(vm, E_TypeError, "invalid partial state");
    ObjTuple *t = AS(ObjTuple, state);
    Value func = t->items[0], fargs = t->items[1], fkw = t->items[2], fdict = t->items[3];
    if (!op_callable(vm, func) || !is_tuple(fargs) || (fkw != NONE_VAL && !is_dict(fkw)) ||
        (fdict != NONE_VAL && !is_dict(fdict)))
        return exc_raise(vm, E_TypeError, "invalid partial state");
    Value *root = vm_roots_open(vm, 2);
    if (!root) return ERR;
    if (type_of(vm, fargs) != vm->types[T_TUPLE]) {
        ObjTuple *c = tuple_from(vm, AS(ObjTuple, fargs)->items, AS(ObjTuple, fargs)->len);
        fargs = c ? obj_val(c) : ERR;
    }
    root[0] = fargs;
    if (fargs != ERR && (fkw == NONE_VAL || type_of(vm, fkw) != vm->types[T_DICT])) {
        ObjDict *c = fkw == NONE_VAL ? dict_new(vm) : dict_copy(vm, AS(ObjDict, fkw));
        fkw = c ? obj_val(c) : ERR;
    }
    root[1] = fkw;
    ObjDict *d = fdict == NONE_VAL ? dict_new(vm) : AS(ObjDict, fdict);
    bool ok = fargs != ERR && fkw != ERR && d && pstate_set(vm, self, func, fargs, fkw);
    if (ok) AS(ObjInstance, self)->dict = d;
    vm_pop_roots(vm, 2);
    return ok ? NONE_VAL : ERR;
}

/* ---- reduce ------------------------------------------------------------- */

static Value ft_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "reduce() takes no keyword arguments");
    if (nargs < 2 || nargs > 3)
        return exc_raise(vm, E_TypeError, "reduce expected at %s arguments, got %d", nargs < 2 ? "least 2" : "most 3", nargs);
    Value it = op_iter(vm, args[1]);
    if (it == ERR) {
        if (exc_is(vm, vm->exc, E_TypeError))
            return exc_raise(vm, E_TypeError, "reduce() arg 2 must support iteration");
        return ERR;
    }
    /* root[0] the iterator, root[1] the accumulator, root[2] the item. */
    Value *root = vm_roots_open(vm, 3);
    if (!root) return ERR;
    root[0] = it;
    Value acc = nargs == 3 ? args[2] : UNDEF, r = UNDEF;
    for (;;) {
        Value v = op_next(vm, it);
        if (v == ERR) { r = ERR; break; }
        if (v == UNDEF) break;
        if (acc == UNDEF) { acc = root[1] = v; continue; }
        root[1] = acc;
        root[2] = v;
        acc = op_call(vm, args[0], root + 1, 2, NULL);
        if (acc == ERR) { r = ERR; break; }
        root[1] = acc;
    }
    vm_pop_roots(vm, 3);
    if (r == ERR) return ERR;
    if (acc == UNDEF) return exc_raise(vm, E_TypeError, "reduce() of empty iterable with no initial value");
    return acc;
}

/* ---- update_wrapper and wraps ------------------------------------------- */

static const char *const wrapper_assignments[] = {"__module__", "__name__", "__qualname__", "__doc__",
                                                  "__annotations__", "__type_params__"};

static Value names_tuple(VM *vm, const char *const *names, int n) {
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    for (int i = 0; i < n; i++) {
        ObjStr *s = str_intern_cstr(vm, names[i]);
        if (!s) return ERR;
        t->items[i] = obj_val(s);
    }
    return obj_val(t);
}

/* The work of update_wrapper: `assigned` and `updated` are iterables of
 * attribute names, or UNDEF for the defaults. */
static bool do_update_wrapper(VM *vm, Value wrapper, Value wrapped, Value assigned, Value updated) {
    if (assigned == UNDEF) assigned = names_tuple(vm, wrapper_assignments, 6);
    if (updated == UNDEF) updated = names_tuple(vm, (const char *const[]){"__dict__"}, 1);
    if (assigned == ERR || updated == ERR) return false;
    ObjList *an = op_to_list(vm, assigned);
    if (!an) return false;
    Value *root = vm_roots_open(vm, 2);
    if (!root) return false;
    root[0] = obj_val(an);
    bool ok = true;
    for (int64_t i = 0; ok && i < an->len; i++) {
        Value name = an->items[i];
        if (!is_str(name)) { exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", name); ok = false; break; }
        Value v = op_getattr_opt(vm, wrapped, AS(ObjStr, name));
        if (v == ERR) { ok = false; break; }
        if (v == UNDEF) continue;
        root[1] = v;
        ok = op_setattr(vm, wrapper, AS(ObjStr, name), v) == 0;
    }
    ObjList *un = ok ? op_to_list(vm, updated) : NULL;
    if (ok && !un) ok = false;
    if (ok) root[0] = obj_val(un);
    for (int64_t i = 0; ok && i < un->len; i++) {
        Value name = un->items[i];
        if (!is_str(name)) { exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", name); ok = false; break; }
        Value src = op_getattr_opt(vm, wrapped, AS(ObjStr, name));
        if (src == ERR) { ok = false; break; }
        if (src == UNDEF) {     /* the wrapper's attribute must still be there: {} updates it */
            ObjDict *empty = dict_new(vm);
            if (!empty) { ok = false; break; }
            src = obj_val(empty);
        }
        root[1] = src;
        Value dst = op_getattr(vm, wrapper, AS(ObjStr, name));
        if (dst == ERR) { ok = false; break; }
        if (is_dict(dst)) {
            ok = dict_update(vm, AS(ObjDict, dst), src) == 0;
        } else {
            Value r = op_call_method(vm, dst, str_intern_cstr(vm, "update"), &src, 1);
            if (r == UNDEF) r = exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'update'", dst);
            ok = r != ERR;
        }
    }
    vm_pop_roots(vm, 2);
    return ok && op_setattr(vm, wrapper, str_intern_cstr(vm, "__wrapped__"), wrapped) == 0;
}

/* update_wrapper(wrapper, wrapped, assigned=..., updated=...) */
static Value ft_update_wrapper(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"wrapper", "wrapped", "assigned", "updated", NULL};
    if (!args_kw_only_py(vm, "update_wrapper", kw, names)) return ERR;
    if (nargs > 4)
        return exc_raise(vm, E_TypeError, "update_wrapper() takes from 2 to 4 positional arguments but %d were given", nargs);
    Value p[4];
    for (int i = 0; i < 4; i++) {
        p[i] = i < nargs ? args[i] : args_kw(vm, args, nargs, kw, names[i]);
        if (i < nargs && args_kw(vm, args, nargs, kw, names[i]) != UNDEF)
            return exc_raise(vm, E_TypeError, "update_wrapper() got multiple values for argument '%s'", names[i]);
    }
    if (p[0] == UNDEF || p[1] == UNDEF)
        return exc_raise(vm, E_TypeError, "update_wrapper() missing 1 required positional argument: '%s'",
                         p[0] == UNDEF ? "wrapper" : "wrapped");
    return do_update_wrapper(vm, p[0], p[1], p[2], p[3]) ? p[0] : ERR;
}

/* wraps(wrapped, assigned=..., updated=...): partial(update_wrapper, wrapped=..., ...) */
static Value ft_wraps(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"wrapped", "assigned", "updated", NULL};
    if (!args_kw_only_py(vm, "wraps", kw, names)) return ERR;
    if (nargs > 3) return exc_raise(vm, E_TypeError, "wraps() takes from 1 to 3 positional arguments but %d were given", nargs);
    Value p[3];
    for (int i = 0; i < 3; i++) p[i] = i < nargs ? args[i] : args_kw(vm, args, nargs, kw, names[i]);
    if (p[0] == UNDEF) return exc_raise(vm, E_TypeError, "wraps() missing 1 required positional argument: 'wrapped'");
    if (p[1] == UNDEF) p[1] = names_tuple(vm, wrapper_assignments, 6);
    if (p[2] == UNDEF) p[2] = names_tuple(vm, (const char *const[]){"__dict__"}, 1);
    Value cls = self_attr(vm, "partial"), uw = self_attr(vm, "update_wrapper");
    if (p[1] == ERR || p[2] == ERR || cls == ERR || uw == ERR) return ERR;
    /* root[0..2] the new tuples, root[3] the partial, root[4] its keywords */
    Value *root = vm_roots_open(vm, 5);
    if (!root) return ERR;
    copy_values(root, p, 3);
    ObjInstance *o = instance_new(vm, AS(ObjClass, cls));
    root[3] = o ? obj_val(o) : NONE_VAL;
    ObjDict *kwd = o ? dict_new(vm) : NULL;
    root[4] = kwd ? obj_val(kwd) : NONE_VAL;
    bool ok = kwd != NULL;
    for (int i = 0; ok && i < 3; i++) ok = dict_set_str(vm, kwd, str_intern_cstr(vm, names[i]), p[i]) == 0;
    ok = ok && pstate_set(vm, obj_val(o), uw, obj_val(vm->empty_tuple), obj_val(kwd));
    vm_pop_roots(vm, 5);
    return ok ? obj_val(o) : ERR;
}

/* ---- lru_cache ---------------------------------------------------------- */

static ObjIter *lru_state(VM *vm, Value self) {
    Value s = dict_attr(vm, self, "__lru_state__");
    if (!is_kind(s, OBJ_ITER) || !is_dict(AS(ObjIter, s)->b)) {
        exc_raise(vm, E_TypeError, "lru_cache wrapper is not initialized");
        return NULL;
    }
    return AS(ObjIter, s);
}

/* The cache key of a call, as functools._make_key. */
static Value lru_key(VM *vm, ObjIter *st, Value *args, int nargs, ObjTuple *kw) {
    int nkw = kw ? (int)kw->len : 0;
    bool typed = st->step != 0;
    /* A lone int or str is its own key, as CPython's fast path. */
    if (nkw == 0 && !typed && nargs == 1 &&
        (is_int(args[0]) || (is_obj(args[0]) && (as_obj(args[0])->cls == vm->types[T_STR] ||
                                                 as_obj(args[0])->cls == vm->types[T_INT]))))
        return args[0];
    int64_t n = nargs + (nkw ? 1 + 2 * nkw : 0) + (typed ? nargs + nkw : 0);
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    int64_t j = 0;
    for (int i = 0; i < nargs; i++) t->items[j++] = args[i];
    if (nkw) {
        t->items[j++] = obj_val(st->obj.cls);   /* the keyword mark */
        for (int i = 0; i < nkw; i++) {
            t->items[j++] = kw->items[i];
            t->items[j++] = args[nargs + i];
        }
    }
    if (typed) {
        for (int i = 0; i < nargs + nkw; i++) t->items[j++] = obj_val(type_of(vm, args[i]));
    }
    return obj_val(t);
}

/* The values lru_call holds across calls (keys, results) go on one list
 * shared by every wrapper, kept in the _lru_state class: calls nest, so it
 * is a stack, and recursion through a cached function costs no extra
 * roots. */
static ObjList *lru_pending(VM *vm, ObjIter *st) {
    Value l = dict_get_str(st->obj.cls->dict, str_intern_cstr(vm, "pending"));
    if (!is_list(l)) {
        exc_raise(vm, E_RuntimeError, "lru_cache state is broken");
        return NULL;
    }
    return AS(ObjList, l);
}

/* A cache lookup, then (on a miss) the call and the insertion. The key is
 * hashed once per call (h), as CPython's _HashedSeq: its __hash__ may be
 * slow or count its calls. */
static Value lru_lookup(VM *vm, ObjIter *st, Value key, uint64_t h, ObjList *pend, Value *args, int nargs,
                        ObjTuple *kw) {
    ObjDict *cache = AS(ObjDict, st->b);
    Value r = dict_get_hashed(vm, cache, key, h);
    if (r == ERR) return ERR;
    if (r != UNDEF) {
        st->i++;
        if (st->c == NONE_VAL) return r;
        /* Most recently used goes last. */
        if (list_append(vm, pend, r) < 0 || dict_del_hashed(vm, cache, key, h) < 0 ||
            dict_set_hashed(vm, cache, key, h, r) < 0)
            return ERR;
        return r;
    }
    st->n++;
    r = op_call(vm, st->a, args, nargs, kw);
    if (r == ERR || list_append(vm, pend, r) < 0) return ERR;
    cache = AS(ObjDict, st->b);     /* cache_clear may have run */
    Value had = dict_get_hashed(vm, cache, key, h);
    if (had == ERR) return ERR;
    if (had != UNDEF) return r;     /* a recursive call cached it first */
    int64_t max;
    if (st->c != NONE_VAL && int_to_i64(st->c, &max) && cache->count >= max) {
        int64_t pos = 0;
        Value k, v;
        uint64_t kh;
        if (dict_next_hash(cache, &pos, &k, &v, &kh) && dict_del_hashed(vm, cache, k, kh) < 0) return ERR;
    }
    return dict_set_hashed(vm, cache, key, h, r) < 0 ? ERR : r;
}

static Value lru_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *st = lru_state(vm, args[0]);
    if (!st) return ERR;
    if (st->c == int_val(0)) {
        st->n++;
        return op_call(vm, st->a, args + 1, nargs - 1, kw);
    }
    ObjList *pend = lru_pending(vm, st);
    if (!pend) return ERR;
    int64_t mark = pend->len;
    uint64_t h;
    Value key = lru_key(vm, st, args + 1, nargs - 1, kw);
    if (key == ERR || list_append(vm, pend, key) < 0) return ERR;
    Value r = op_hash(vm, key, &h) < 0 ? ERR : lru_lookup(vm, st, key, h, pend, args + 1, nargs - 1, kw);
    if (pend->len > mark) pend->len = mark;
    return r;
}

/* A cached function is copied as itself, as CPython's wrapper is. */
static Value lru_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return args_check(vm, "__copy__", nargs - 1, kw, 0, 0) ? args[0] : ERR;
}
static Value lru_deepcopy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return args_check(vm, "__deepcopy__", nargs - 1, kw, 1, 1) ? args[0] : ERR;
}

static Value lru_cache_info(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "cache_info", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *st = lru_state(vm, args[0]);
    Value cls = self_attr(vm, "_CacheInfo");
    if (!st || cls == ERR) return ERR;
    ObjTuple *t = tuple_new(vm, 4);
    if (!t) return ERR;
    t->obj.cls = AS(ObjClass, cls);
    t->items[0] = int_from_i64(vm, st->i);
    t->items[1] = int_from_i64(vm, st->n);
    t->items[2] = st->c;
    t->items[3] = int_from_i64(vm, AS(ObjDict, st->b)->count);
    return obj_val(t);
}

static Value lru_cache_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "cache_clear", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *st = lru_state(vm, args[0]);
    if (!st) return ERR;
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    st->b = obj_val(d);
    st->i = st->n = 0;
    return NONE_VAL;
}

static Value lru_cache_parameters(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "cache_parameters", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *st = lru_state(vm, args[0]);
    ObjDict *d = st ? dict_new(vm) : NULL;
    if (!d) return ERR;
    if (dict_set_str(vm, d, str_intern_cstr(vm, "maxsize"), st->c) < 0 ||
        dict_set_str(vm, d, str_intern_cstr(vm, "typed"), bool_val(st->step)) < 0)
        return ERR;
    return obj_val(d);
}

/* Binds the wrapper as a method when looked up through an instance. */
static Value lru_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs < 2 || args[1] == NONE_VAL) return args[0];
    return bound_new(vm, args[1], args[0]);
}

static Value lru_wrap(VM *vm, Value func, Value maxsize, bool typed) {
    if (!op_callable(vm, func)) return exc_raise(vm, E_TypeError, "the first argument must be callable");
    Value cls = self_attr(vm, "_lru_cache_wrapper"), scls = self_attr(vm, "_lru_state");
    if (cls == ERR || scls == ERR) return ERR;
    ObjInstance *o = instance_new(vm, AS(ObjClass, cls));
    ObjIter *st = o ? state_new(vm, AS(ObjClass, scls)) : NULL;
    ObjDict *cache = st ? dict_new(vm) : NULL;
    if (!cache) return ERR;
    st->a = func;
    st->b = obj_val(cache);
    st->c = maxsize;
    st->step = typed;
    Value self = obj_val(o);
    if (!vm_push_root(vm, self)) return ERR;
    bool ok = do_update_wrapper(vm, self, func, UNDEF, UNDEF) && set_dict_attr(vm, self, "__lru_state__", obj_val(st));
    vm_pop_roots(vm, 1);
    return ok ? self : ERR;
}

/* The decorator lru_cache(maxsize) returns: self is (maxsize, typed). */
static Value lru_decorator(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "decorating_function", nargs - 1, kw, 1, 1)) return ERR;
    ObjTuple *cfg = AS(ObjTuple, args[0]);
    return lru_wrap(vm, args[1], cfg->items[0], cfg->items[1] == TRUE_VAL);
}

/* lru_cache(maxsize=128, typed=False), or lru_cache(user_function) */
static Value ft_lru_cache(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"maxsize", "typed", NULL};
    if (!args_kw_only_py(vm, "lru_cache", kw, names)) return ERR;
    if (nargs > 2) return exc_raise(vm, E_TypeError, "lru_cache() takes from 0 to 2 positional arguments but %d were given", nargs);
    Value maxsize = nargs > 0 ? args[0] : args_kw(vm, args, nargs, kw, "maxsize");
    Value typedv = nargs > 1 ? args[1] : args_kw(vm, args, nargs, kw, "typed");
    if (maxsize == UNDEF) maxsize = int_val(128);
    bool typed = false;
    if (typedv != UNDEF) {
        int t = op_truthy(vm, typedv);
        if (t < 0) return ERR;
        typed = t;
    }
    if (is_intlike(maxsize)) {
        if (is_bool(maxsize)) maxsize = int_val(as_bool(maxsize));
        if (int_sign(maxsize) < 0) maxsize = int_val(0);
    } else if (maxsize != NONE_VAL) {
        if (op_callable(vm, maxsize)) return lru_wrap(vm, maxsize, int_val(128), typed);
        return exc_raise(vm, E_TypeError, "Expected first argument to be an integer, a callable, or None");
    }
    ObjTuple *cfg = tuple_from(vm, (Value[]){maxsize, bool_val(typed)}, 2);
    ObjNative *n = cfg ? native_new(vm, "decorating_function", lru_decorator) : NULL;
    if (!n) return ERR;
    n->self = obj_val(cfg);
    return obj_val(n);
}

static Value ft_cache(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "cache", nargs, kw, 1, 1)) return ERR;
    return lru_wrap(vm, args[0], NONE_VAL, false);
}

/* CacheInfo(hits, misses, maxsize, currsize): a tuple with named fields. */
static Value ci_field(VM *vm, Value *args, int nargs, int i) {
    if (nargs < 1 || !is_tuple(args[0]) || AS(ObjTuple, args[0])->len != 4)
        return exc_raise(vm, E_TypeError, "descriptor requires a 'CacheInfo' object");
    return AS(ObjTuple, args[0])->items[i];
}
static Value ci_hits(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return ci_field(vm, args, nargs, 0); }
static Value ci_misses(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return ci_field(vm, args, nargs, 1); }
static Value ci_maxsize(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return ci_field(vm, args, nargs, 2); }
static Value ci_currsize(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return ci_field(vm, args, nargs, 3); }

static Value ci_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    static const char *const f[] = {"hits", "misses", "maxsize", "currsize"};
    if (ci_field(vm, args, nargs, 0) == ERR) return ERR;
    StrBuf b = SB_INIT;
    sb_adds(&b, "CacheInfo(");
    for (int i = 0; i < 4; i++) {
        sb_addf(&b, "%s%s=", i ? ", " : "", f[i]);
        if (!op_repr_to(vm, AS(ObjTuple, args[0])->items[i], &b)) { sb_free(&b); return ERR; }
    }
    sb_addc(&b, ')');
    return str_from_buf(vm, &b);
}

/* CacheInfo(hits, misses, maxsize, currsize), by position or keyword, as
 * the namedtuple it is in CPython. */
static Value ci_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"hits", "misses", "maxsize", "currsize"};
    Value p[4];
    if (nargs < 1 || !is_kind(args[0], OBJ_CLASS)) return exc_raise(vm, E_TypeError, "CacheInfo.__new__(): not a type");
    if (!args_bind(vm, "__new__", args + 1, nargs - 1, kw, names, 4, 4, 4, 0, p)) return ERR;
    ObjTuple *t = tuple_from(vm, p, 4);
    if (!t) return ERR;
    t->obj.cls = AS(ObjClass, args[0]);
    return obj_val(t);
}

static ObjClass *make_cacheinfo(VM *vm) {
    ObjClass *c = class_new_builtin(vm, "CacheInfo", vm->types[T_TUPLE], OBJ_TUPLE);
    Value mod = str_from_cstr(vm, "functools");
    if (!c || mod == ERR) return NULL;
    c->module = mod;
    c->obj.flags = 0;   /* not a plain tuple: repr goes through __repr__ */
    static const char *const names[] = {"hits", "misses", "maxsize", "currsize"};
    static const NativeFn fns[] = {ci_hits, ci_misses, ci_maxsize, ci_currsize};
    for (int i = 0; i < 4; i++) {
        ObjNative *g = native_new(vm, names[i], fns[i]);
        ObjProperty *p = g ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_PROPERTY]) : NULL;
        if (!p) return NULL;
        p->fget = obj_val(g);
        p->fset = p->fdel = p->doc = NONE_VAL;
        if (dict_set_str(vm, c->dict, str_intern_cstr(vm, names[i]), obj_val(p)) < 0) return NULL;
    }
    ObjNative *n = native_new(vm, "__new__", ci_new);
    ObjWrapper *w = n ? gc_new(vm, sizeof(ObjWrapper), OBJ_WRAPPER, vm->types[T_STATICMETHOD]) : NULL;
    if (!w) return NULL;
    w->v = obj_val(n);
    if (dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(w)) < 0) return NULL;
    return class_add_native(vm, c, "__repr__", ci_repr) ? c : NULL;
}

/* ---- cmp_to_key --------------------------------------------------------- */

static Value ft_cmp_to_key(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"mycmp", NULL};
    if (!args_kw_only_py(vm, "cmp_to_key", kw, names)) return ERR;
    Value cmp = nargs == 1 ? args[0] : args_kw(vm, args, nargs, kw, "mycmp");
    if (nargs > 1 || cmp == UNDEF)
        return exc_raise(vm, E_TypeError, "cmp_to_key() takes exactly 1 argument (%d given)", nargs + (kw ? (int)kw->len : 0));
    Value cls = self_attr(vm, "KeyWrapper");
    if (cls == ERR) return ERR;
    ObjIter *k = state_new(vm, AS(ObjClass, cls));
    if (!k) return ERR;
    k->a = cmp;
    return obj_val(k);
}

static Value key_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"obj"};
    Value obj;
    if (!args_bind(vm, "K", args + 1, nargs - 1, kw, names, 1, 1, 1, 0, &obj)) return ERR;
    ObjIter *k = state_new(vm, as_obj(args[0])->cls);
    if (!k) return ERR;
    k->a = AS(ObjIter, args[0])->a;
    k->b = obj;
    return obj_val(k);
}

static Value key_compare(VM *vm, Value *args, int nargs, CmpOp op) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    if (!is_kind(args[1], OBJ_ITER) || as_obj(args[1])->cls != as_obj(args[0])->cls)
        return exc_raise(vm, E_TypeError, "other argument must be K instance");
    ObjIter *a = AS(ObjIter, args[0]), *b = AS(ObjIter, args[1]);
    if (a->b == UNDEF || b->b == UNDEF) return exc_raise(vm, E_AttributeError, "object");
    /* list.sort may hold a key only in a C variable while it compares:
     * keep both wrappers alive through the script call. */
    if (!vm_push_root(vm, args[0])) return ERR;
    if (!vm_push_root(vm, args[1])) { vm_pop_roots(vm, 1); return ERR; }
    Value r = op_call2(vm, a->a, a->b, b->b);
    vm_pop_roots(vm, 2);
    if (r == ERR) return ERR;
    return op_compare(vm, op, r, int_val(0));
}
static Value key_lt(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return key_compare(vm, args, nargs, CMP_LT); }
static Value key_le(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return key_compare(vm, args, nargs, CMP_LE); }
static Value key_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return key_compare(vm, args, nargs, CMP_EQ); }
static Value key_ne(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return key_compare(vm, args, nargs, CMP_NE); }
static Value key_gt(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return key_compare(vm, args, nargs, CMP_GT); }
static Value key_ge(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return key_compare(vm, args, nargs, CMP_GE); }

static Value key_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs == 2 && is_str(args[1]) && strcmp(AS(ObjStr, args[1])->data, "obj") == 0 && AS(ObjIter, args[0])->b != UNDEF)
        return AS(ObjIter, args[0])->b;
    return exc_raise(vm, E_AttributeError, "'functools.KeyWrapper' object has no attribute '%s'",
                     nargs == 2 && is_str(args[1]) ? AS(ObjStr, args[1])->data : "?");
}

static ObjClass *make_keywrapper(VM *vm) {
    ObjClass *c = make_state_class(vm, "KeyWrapper");
    if (!c) return NULL;
    static const char *const names[] = {"__call__", "__lt__", "__le__", "__eq__", "__ne__", "__gt__", "__ge__", "__getattr__"};
    static const NativeFn fns[] = {key_call, key_lt, key_le, key_eq, key_ne, key_gt, key_ge, key_getattr};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (!class_add_native(vm, c, names[i], fns[i])) return NULL;
    }
    c->obj.flags |= CLASS_HAS_GETATTR;
    if (!(c->tp_name = str_intern_cstr(vm, "functools.KeyWrapper"))) return NULL;
    return dict_set_str(vm, c->dict, vm_name(vm, N___hash__), NONE_VAL) < 0 ? NULL : c;
}

/* ---- total_ordering ----------------------------------------------------- */

/* The derived comparisons of functools.total_ordering, given the result r
 * of the root comparison:
 *   NOT_AND_NE: not r and self != other      OR_EQ: r or self == other
 *   NOT: not r                               NOT_OR_EQ: not r or self == other
 *   AND_NE: r and self != other */
typedef enum Derive { NOT_AND_NE, OR_EQ, NOT, NOT_OR_EQ, AND_NE } Derive;

static Value derived_cmp(VM *vm, Value *args, int nargs, NameId root, Derive how) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    Value self = args[0], other = args[1];
    Value m = class_lookup(type_of(vm, self), vm_name(vm, root));
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "missing root comparison");
    Value r = op_call2(vm, m, self, other);
    if (r == ERR || r == NOTIMPL_VAL) return r;
    int t = op_truthy(vm, r);
    if (t < 0) return ERR;
    switch (how) {
    case NOT: return bool_val(!t);
    case NOT_AND_NE: return t ? FALSE_VAL : op_compare(vm, CMP_NE, self, other);
    case OR_EQ: return t ? r : op_compare(vm, CMP_EQ, self, other);
    case NOT_OR_EQ: return !t ? TRUE_VAL : op_compare(vm, CMP_EQ, self, other);
    case AND_NE: return !t ? r : op_compare(vm, CMP_NE, self, other);
    }
    return ERR;
}

#define DERIVED(fname, root, how) \
    static Value fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return derived_cmp(vm, args, nargs, root, how); }
DERIVED(_gt_from_lt, N___lt__, NOT_AND_NE)
DERIVED(_le_from_lt, N___lt__, OR_EQ)
DERIVED(_ge_from_lt, N___lt__, NOT)
DERIVED(_ge_from_le, N___le__, NOT_OR_EQ)
DERIVED(_lt_from_le, N___le__, AND_NE)
DERIVED(_gt_from_le, N___le__, NOT)
DERIVED(_lt_from_gt, N___gt__, NOT_AND_NE)
DERIVED(_ge_from_gt, N___gt__, OR_EQ)
DERIVED(_le_from_gt, N___gt__, NOT)
DERIVED(_le_from_ge, N___ge__, NOT_OR_EQ)
DERIVED(_gt_from_ge, N___ge__, AND_NE)
DERIVED(_lt_from_ge, N___ge__, NOT)
#undef DERIVED

/* The module's own function object for a derived comparison (as in
 * CPython, the methods total_ordering adds are functools._gt_from_lt and
 * its kin, so they pickle by name); a new one if the module is gone. */
static Value derived_fn(VM *vm, const char *name, NativeFn fn) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "functools"));
    if (is_kind(mod, OBJ_MODULE)) {
        Value f = dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, name));
        if (is_kind(f, OBJ_NATIVE) && AS(ObjNative, f)->fn == fn) return f;
    }
    ObjNative *n = native_new(vm, name, fn);
    if (!n) return ERR;
    n->obj.flags = NATIVE_METHOD;
    return obj_val(n);
}

static Value ft_total_ordering(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "total_ordering", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_CLASS)) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute '__lt__'", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    static const struct { NameId root; const char *names[3]; NativeFn fns[3]; } convert[] = {
        {N___lt__, {"__gt__", "__le__", "__ge__"}, {_gt_from_lt, _le_from_lt, _ge_from_lt}},
        {N___le__, {"__ge__", "__lt__", "__gt__"}, {_ge_from_le, _lt_from_le, _gt_from_le}},
        {N___gt__, {"__lt__", "__ge__", "__le__"}, {_lt_from_gt, _ge_from_gt, _le_from_gt}},
        {N___ge__, {"__le__", "__gt__", "__lt__"}, {_le_from_ge, _gt_from_ge, _lt_from_ge}},
    };
    static const char *const fnames[4][3] = {
        {"_gt_from_lt", "_le_from_lt", "_ge_from_lt"}, {"_ge_from_le", "_lt_from_le", "_gt_from_le"},
        {"_lt_from_gt", "_ge_from_gt", "_le_from_gt"}, {"_le_from_ge", "_gt_from_ge", "_lt_from_ge"},
    };
    /* The operations the class defines itself (not inherited from object). */
    bool defined[4];
    int root = -1;
    for (int i = 0; i < 4; i++) {
        Value own = class_lookup(cls, vm_name(vm, convert[i].root));
        Value base = dict_get_str(vm->types[T_OBJECT]->dict, vm_name(vm, convert[i].root));
        defined[i] = own != UNDEF && own != base;
        if (defined[i] && root < 0) root = i;
    }
    if (root < 0) return exc_raise(vm, E_ValueError, "must define at least one ordering operation: < > <= >=");
    for (int j = 0; j < 3; j++) {
        const char *name = convert[root].names[j];
        int k = 0;
        while (k < 4 && strcmp(vm_name(vm, convert[k].root)->data, name) != 0) k++;
        if (k < 4 && defined[k]) continue;
        Value f = derived_fn(vm, fnames[root][j], convert[root].fns[j]);
        if (f == ERR || op_setattr(vm, args[0], str_intern_cstr(vm, name), f) < 0) return ERR;
    }
    return args[0];
}

/* ---- the module --------------------------------------------------------- */

/* CPython's public names: `from functools import *` must bring the lazy ones. */
static const char *const functools_all[] = {
    "update_wrapper", "wraps", "WRAPPER_ASSIGNMENTS", "WRAPPER_UPDATES", "total_ordering", "cache", "cmp_to_key",
    "lru_cache", "reduce", "partial", "partialmethod", "singledispatch", "singledispatchmethod", "cached_property",
    NULL};

/* What stdlib/_functools_py.asy defines, loaded on first use. */
static Value ft_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"cached_property", "singledispatch", "singledispatchmethod",
                                        "partialmethod", "recursive_repr", "get_cache_token", "RLock",
                                        "_c3_merge", "_c3_mro", "_compose_mro", "_find_impl", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    return module_lazy_attr(vm, "functools", "_functools_py", names, args[0]);
}

bool mod_functools_init(VM *vm, ObjModule *m) {
    static const char *const pnames[] = {"__init__", "__call__", "__repr__", "__reduce__", "__setstate__"};
    static const NativeFn pfns[] = {partial_init, partial_call, partial_repr, partial_reduce, partial_setstate};
    ObjClass *partial = make_class(vm, "partial",
                                  "partial(func, *args, **keywords) - new function with partial application\n"
                                  "    of the given arguments and keywords.\n",
                                  pnames, pfns, 5);
    if (!partial || !class_add_property(vm, partial, "func", partial_func) ||
        !class_add_property(vm, partial, "args", partial_args) ||
        !class_add_property(vm, partial, "keywords", partial_keywords))
        return false;
    static const char *const lnames[] = {"__call__", "__get__", "cache_info", "cache_clear", "cache_parameters",
                                         "__copy__", "__deepcopy__"};
    static const NativeFn lfns[] = {lru_call, lru_get, lru_cache_info, lru_cache_clear, lru_cache_parameters,
                                    lru_copy, lru_deepcopy};
    ObjClass *lru = make_class(vm, "_lru_cache_wrapper", NULL, lnames, lfns, 7);
    ObjClass *state = make_state_class(vm, "_lru_state");
    ObjList *pending = list_new(vm, 0);
    if (!state || !pending || dict_set_str(vm, state->dict, str_intern_cstr(vm, "pending"), obj_val(pending)) < 0)
        return false;
    ObjClass *info = make_cacheinfo(vm);
    ObjClass *keyw = make_keywrapper(vm);
    if (!partial || !lru || !state || !info || !keyw || !class_add_generic(vm, partial)) return false;
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"reduce", ft_reduce}, {"update_wrapper", ft_update_wrapper}, {"wraps", ft_wraps},
        {"lru_cache", ft_lru_cache}, {"cache", ft_cache}, {"cmp_to_key", ft_cmp_to_key},
        {"total_ordering", ft_total_ordering}, {"__getattr__", ft_getattr},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (!module_add_native(vm, m, fns[i].name, fns[i].fn)) return false;
    }
    static const struct { const char *name; NativeFn fn; } derived[] = {
        {"_gt_from_lt", _gt_from_lt}, {"_le_from_lt", _le_from_lt}, {"_ge_from_lt", _ge_from_lt},
        {"_ge_from_le", _ge_from_le}, {"_lt_from_le", _lt_from_le}, {"_gt_from_le", _gt_from_le},
        {"_lt_from_gt", _lt_from_gt}, {"_ge_from_gt", _ge_from_gt}, {"_le_from_gt", _le_from_gt},
        {"_le_from_ge", _le_from_ge}, {"_gt_from_ge", _gt_from_ge}, {"_lt_from_ge", _lt_from_ge},
    };
    for (size_t i = 0; i < sizeof derived / sizeof derived[0]; i++) {
        ObjNative *n = native_new(vm, derived[i].name, derived[i].fn);
        if (!n || !module_add_value(vm, m, derived[i].name, obj_val(n))) return false;
        n->obj.flags = NATIVE_METHOD;     /* binds like a def in a class */
    }
    return module_add_value(vm, m, "partial", obj_val(partial)) &&
           module_add_value(vm, m, "_lru_cache_wrapper", obj_val(lru)) &&
           module_add_value(vm, m, "_lru_state", obj_val(state)) &&
           module_add_value(vm, m, "_CacheInfo", obj_val(info)) &&
           module_add_value(vm, m, "KeyWrapper", obj_val(keyw)) &&
           module_add_value(vm, m, "WRAPPER_ASSIGNMENTS", names_tuple(vm, wrapper_assignments, 6)) &&
           module_add_value(vm, m, "WRAPPER_UPDATES", names_tuple(vm, (const char *const[]){"__dict__"}, 1)) &&
           module_add_all(vm, m, functools_all);
}
