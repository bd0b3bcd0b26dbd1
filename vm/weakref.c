/* Weak references (see weakref.h), and the _weakref module. */
#include "weakref.h"

#include <stdlib.h>

#include "../stdlib/modules.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "finalize.h"
#include "func.h"
#include "gc.h"
#include "opcodes.h"
#include "ops.h"
#include "str.h"

static void wr_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((WeakRef *)o)->callback); }

static const CType weakref_ctype = {sizeof(WeakRef), wr_mark, NULL, NULL};

static bool push(WeakRefList *l, WeakRef *r) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        WeakRef **a = realloc(l->items, cap * sizeof *a);
        if (!a) return false;
        l->items = a;
        l->cap = cap;
    }
    l->items[l->len++] = r;
    return true;
}

/* A weak reference to an instance makes the collector run early, as for
 * objects with __del__ (finalize.h), so that a program sees the ref die
 * where CPython's reference counts would free the instance. */
static bool watches_instance(Value target) {
    return is_kind(target, OBJ_INSTANCE) || is_kind(target, OBJ_EXC);
}

void weakref_before_sweep(VM *vm) {
    WeakRefList *l = &vm->weakrefs;
    size_t n = 0, watching = 0;
    for (size_t i = 0; i < l->len; i++) {
        WeakRef *r = l->items[i];
        if (!r->obj.marked) continue;           /* the ref itself dies */
        if (is_obj(r->target) && !as_obj(r->target)->marked) {
            r->target = NONE_VAL;
            if (r->callback != NONE_VAL) push(&vm->weakref_calls, r);
            continue;                           /* dead: off the list */
        }
        l->items[n++] = r;
        if (watches_instance(r->target)) watching++;
    }
    l->len = n;
    vm->weak_live = watching;
    finalize_update_forcing(vm);
}

void weakref_mark(VM *vm) {
    for (size_t i = 0; i < vm->weakref_calls.len; i++) gc_mark_obj(vm, (Obj *)vm->weakref_calls.items[i]);
}

void weakref_run_callbacks(VM *vm) {
    if (vm->weakref_running || !vm->weakref_calls.len) return;
    vm->weakref_running = true;
    Value pending = vm->exc;
    vm->exc = UNDEF;
    /* In the order the refs were made, as CPython calls the newest first
     * for one target but the targets die in no particular order. */
    for (size_t i = 0; i < vm->weakref_calls.len; i++) {
        WeakRef *r = vm->weakref_calls.items[i];
        Value cb = r->callback;
        r->callback = NONE_VAL;
        if (!vm_push_root(vm, obj_val(r))) {
            vm->exc = UNDEF;    /* nested too deep: the remaining callbacks are dropped */
            break;
        }
        if (op_call(vm, cb, (Value[]){obj_val(r)}, 1, NULL) == ERR) exc_report_unraisable(vm, "Exception ignored in: ", cb);
        vm_pop_roots(vm, 1);
    }
    vm->weakref_calls.len = 0;
    vm->exc = pending;
    vm->weakref_running = false;
}

void weakref_free(VM *vm) {
    free(vm->weakrefs.items);
    free(vm->weakref_calls.items);
    vm->weakrefs = vm->weakref_calls = (WeakRefList){0};
}

/* ---- the Python side ------------------------------------------------------ */

static bool can_refer(VM *vm, Value v) {
    if (!is_obj(v)) return false;
    ObjClass *cls = as_obj(v)->cls;
    switch ((ObjKind)as_obj(v)->kind) {
    case OBJ_INSTANCE:
        /* not a bare object(), nor a class whose __slots__ leave out
         * __weakref__ (it then has no such descriptor) */
        if (cls == vm->types[T_OBJECT]) return false;
        if (!(cls->obj.flags & CLASS_SLOTS) || class_lookup(cls, vm_name(vm, N___weakref__)) != UNDEF) return true;
        /* a native class with no dict for its instances (collections.deque)
         * still takes weak references, as do its slotted subclasses */
        for (int64_t i = 0; i < cls->mro->len; i++) {
            ObjClass *b = AS(ObjClass, cls->mro->items[i]);
            if (b != vm->types[T_OBJECT] && (b->obj.flags & CLASS_BUILTIN) && b->instance_kind == OBJ_INSTANCE)
                return true;
        }
        return false;
    case OBJ_EXC: case OBJ_FUNCTION: case OBJ_CLASS: case OBJ_GEN: case OBJ_SET:
    case OBJ_CDATA: case OBJ_MODULE: case OBJ_BOUND: case OBJ_CODE: case OBJ_NATIVE:
        return true;
    case OBJ_BIGINT: case OBJ_TUPLE: case OBJ_BYTES:
        return false;   /* CPython's variable-sized types: no weakrefs, even for subclasses */
    case OBJ_ITER:
        if (cls->obj.flags & CLASS_WEAKREFABLE) return true;
        /* fall through */
    default:
        /* an instance of a Python subclass of str, list, dict, float, ...,
         * unless __slots__ (or a native dict-layout class such as
         * defaultdict, which has none either) left out __weakref__ */
        if (!(as_obj(v)->flags & OBJ_SUBTYPE)) return false;
        return !(cls->obj.flags & CLASS_SLOTS) || class_lookup(cls, vm_name(vm, N___weakref__)) != UNDEF;
    }
}

static WeakRef *check_ref(VM *vm, Value v) {
    if (is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &weakref_ctype) return (WeakRef *)as_obj(v);
    exc_raise(vm, E_TypeError, "descriptor requires a 'weakref.ReferenceType' object but received a '%T'", v);
    return NULL;
}

/* ref(object[, callback]): a plain ref without a callback is shared, as in
 * CPython (not a subclass's: its instances may carry attributes). */
static Value r_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *cls = is_kind(args[0], OBJ_CLASS) ? AS(ObjClass, args[0]) : NULL;
    if (!cls) return exc_raise(vm, E_TypeError, "weakref.ReferenceType.__new__(X): X is not a type object (%T)", args[0]);
    if (cls->ctype != &weakref_ctype)
        return exc_raise(vm, E_TypeError, "weakref.ReferenceType.__new__(%s): %s is not a subtype of weakref.ReferenceType",
                         cls->name->data, cls->name->data);
    /* Keyword arguments are left to a subclass's __init__, as in CPython. */
    if (kw && kw->len && !(cls->obj.flags & CLASS_SUBTYPE))
        return exc_raise(vm, E_TypeError, "ref() takes no keyword arguments");
    if (!args_check(vm, "__new__", nargs - 1, NULL, 1, 2)) return ERR;
    Value target = args[1], cb = nargs > 2 ? args[2] : NONE_VAL;
    if (!can_refer(vm, target)) return exc_raise(vm, E_TypeError, "cannot create weak reference to '%T' object", target);
    if (cb == NONE_VAL && !(cls->obj.flags & CLASS_SUBTYPE)) {
        for (size_t i = 0; i < vm->weakrefs.len; i++) {
            WeakRef *r = vm->weakrefs.items[i];
            if (r->target == target && r->callback == NONE_VAL && r->obj.cls == cls) return obj_val(r);
        }
    }
    WeakRef *r = gc_new_instance(vm, sizeof(WeakRef), OBJ_CDATA, cls);
    if (!r) return ERR;
    r->target = target;
    r->callback = cb;
    r->hashed = false;
    if (!push(&vm->weakrefs, r)) return exc_nomem(vm);
    if (watches_instance(target)) {
        as_obj(target)->flags |= INST_WEAKREFD;
        vm->weak_live++;
        finalize_update_forcing(vm);
        /* weakref.ref(A()): a value made for the call dies when the call
         * returns, as CPython's refcount drops it, which the call path
         * collects for (CALL_METHOD's arguments are not told apart) */
        Frame *f = vm->fiber ? vm->fiber->frame : NULL;
        uint32_t op = f && f->ip ? INS_OP(f->ip[-1]) : 0;
        if (op == OP_CALL_TEMP || op == OP_CALL_KW_TEMP || op == OP_CALL_METHOD) vm->fin_after_call = true;
    }
    return obj_val(r);
}

/* __init__(object[, callback]): __new__ did the work; a subclass's
 * __init__ may pass its own arguments up. */
static Value r_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)kw;
    return args_check(vm, "__init__", nargs - 1, NULL, 1, 2) ? NONE_VAL : ERR;
}

static Value r_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    WeakRef *r = check_ref(vm, args[0]);
    if (!r || !args_check(vm, "weakref", nargs - 1, kw, 0, 0)) return ERR;
    return r->target;
}

static Value r_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    WeakRef *r = check_ref(vm, args[0]);
    if (!r) return ERR;
    if (!r->hashed) {
        if (r->target == NONE_VAL) return exc_raise(vm, E_TypeError, "weak object has gone away");
        if (op_hash(vm, r->target, &r->hash) < 0) return ERR;
        r->hashed = true;
    }
    return int_from_i64(vm, (int64_t)r->hash);
}

/* Two refs are equal when both targets live and are equal; else only when
 * they are the same ref. */
static Value r_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    WeakRef *a = check_ref(vm, args[0]);
    if (!a) return ERR;
    if (!is_kind(args[1], OBJ_CDATA) || as_obj(args[1])->cls->ctype != &weakref_ctype) return NOTIMPL_VAL;
    WeakRef *b = (WeakRef *)as_obj(args[1]);
    if (a->target == NONE_VAL || b->target == NONE_VAL) return bool_val(a == b);
    int r = op_eq(vm, a->target, b->target);
    return r < 0 ? ERR : bool_val(r);
}

static Value r_ne(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value r = r_eq(vm, args, nargs, kw);
    return r == ERR || r == NOTIMPL_VAL ? r : bool_val(r == FALSE_VAL);
}

static Value r_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    WeakRef *r = check_ref(vm, args[0]);
    if (!r) return ERR;
    StrBuf b = SB_INIT;
    if (r->target == NONE_VAL) sb_addf(&b, "<weakref at %p; dead>", (void *)r);
    else sb_addf(&b, "<weakref at %p; to '%s' at %p>", (void *)r, type_of(vm, r->target)->qualname->data,
                 (void *)as_obj(r->target));
    return str_from_buf(vm, &b);
}

static Value r_callback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    WeakRef *r = check_ref(vm, args[0]);
    return r ? r->callback : ERR;
}

/* The refs to target. The callers collect first, so that refs nothing holds
 * any more do not count (CPython's die as soon as they are dropped). */
static int64_t count_refs(VM *vm, Value target, ObjList *out) {
    int64_t n = 0;
    for (size_t i = 0; i < vm->weakrefs.len; i++) {
        WeakRef *r = vm->weakrefs.items[i];
        if (r->target != target) continue;
        n++;
        if (out && list_append(vm, out, obj_val(r)) < 0) return -1;
    }
    return n;
}

static Value f_getweakrefcount(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "getweakrefcount", nargs, kw, 1, 1)) return ERR;
    gc_collect(vm);
    return int_val(count_refs(vm, args[0], NULL));
}

static Value f_getweakrefs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "getweakrefs", nargs, kw, 1, 1)) return ERR;
    gc_collect(vm);
    ObjList *l = list_new(vm, 0);
    return l && count_refs(vm, args[0], l) >= 0 ? obj_val(l) : ERR;
}

/* _weakref.proxy and its types: they are Asy code in stdlib/weakref.asy
 * (which imports this module), so they are fetched from there on first use. */
static Value w_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"proxy", "ProxyType", "CallableProxyType", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    return module_lazy_attr(vm, "_weakref", "weakref", names, args[0]);
}

bool mod_weakref_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__new__", r_new}, {"__init__", r_init}, {"__call__", r_call}, {"__hash__", r_hash}, {"__eq__", r_eq}, {"__ne__", r_ne},
        {"__repr__", r_repr},
    };
    ObjClass *c = class_new_builtin(vm, "ReferenceType", vm->types[T_OBJECT], OBJ_CDATA);
    Value modname = c ? str_from_cstr(vm, "weakref") : ERR;
    if (modname == ERR || dict_set_str(vm, c->dict, vm_name(vm, N___module__), modname) < 0) return false;
    c->module = modname;
    c->ctype = &weakref_ctype;
    c->obj.flags |= CLASS_BASETYPE;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    return class_add_property(vm, c, "__callback__", r_callback) && class_add_generic(vm, c) &&
           module_add_value(vm, m, "ref", obj_val(c)) &&
           module_add_value(vm, m, "ReferenceType", obj_val(c)) &&
           module_add_native(vm, m, "getweakrefcount", f_getweakrefcount) &&
           module_add_native(vm, m, "getweakrefs", f_getweakrefs) && module_add_native(vm, m, "__getattr__", w_getattr);
}
