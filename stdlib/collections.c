/* The collections module: deque, defaultdict, OrderedDict, Counter and
 * namedtuple.
 *
 * How each keeps its state where the collector sees it (object layouts are
 * fixed per ObjKind, so nothing here adds fields to an object):
 *
 *  - deque instances are OBJ_INSTANCE objects, so that truth, len, `in`,
 *    iteration and == reach the class's special methods as for any user
 *    object. The instance dict holds one entry under the int key 0, which no
 *    attribute name can reach (for a subclass whose instances have a
 *    __dict__, a dict of the collector's side map does, gc_subtype_dict, so
 *    that vars() does not show it): the ring, an ObjIter of class _deque_ring with
 *      a     the buffer, an ObjList whose len is its capacity (free slots hold
 *            None, so every slot is a valid Value to mark)
 *      c     the mutation count (a small int), checked by iterators
 *      i, n  index of the first item, number of items
 *      step  maxlen, or -1 for none.
 *    Iterators (_deque_iterator, _deque_reverse_iterator) are ObjIters with
 *    a = the ring, i = items yielded, n = the mutation count they started at.
 *
 *  - defaultdict, OrderedDict and Counter instances are real ObjDicts (kind
 *    OBJ_DICT) whose class derives from dict, so every dict method, op and
 *    isinstance(d, dict) work on them. A defaultdict is allocated as the
 *    instances of a script's dict subclass are (OBJ_SUBTYPE, with an
 *    attribute dict in the collector's side map); its default factory is
 *    hidden state in the dict that the same map pairs with that attribute
 *    dict, so vars() does not show it, and it dies with the instance.
 *    d[missing] reaches the class's __missing__ through op_getitem.
 *
 *  - namedtuple classes derive from tuple with instance kind OBJ_TUPLE;
 *    their instances are real tuples. Each field is a descriptor of kind
 *    OBJ_PROPERTY but class _tuplegetter (not a property, as in CPython)
 *    whose getter is a bound native (self = the field's index); the class dict holds
 *    `_fields` and `_field_defaults`.
 *
 * These classes are not marked CLASS_BUILTIN, so that repr and str go to
 * their __repr__ rather than the plain dict/tuple printing; their __new__ is
 * then a staticmethod around a native, which class_alloc calls as a user
 * class's __new__. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/import.h"
#include "../vm/interp.h"
#include "../parser/compile.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

/* ---- helpers ------------------------------------------------------------ */

/* A class or other value the module made at import, from its namespace. */
static Value mod_get(VM *vm, const char *name) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "collections"));
    Value v = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (v == UNDEF) exc_raise(vm, E_RuntimeError, "collections.%s is gone", name);
    return v == UNDEF ? ERR : v;
}

static ObjClass *mod_class(VM *vm, const char *name) {
    Value v = mod_get(vm, name);
    return v == ERR ? NULL : AS(ObjClass, v);
}

/* Whether cls derives from a twin of the native class base: the same type
 * made by another import of this module (deleted from sys.modules and
 * imported again, as import_fresh_module does). CPython's types are static,
 * so the twin is the same class there. */
static NativeFn own_new(VM *vm, ObjClass *c) {
    Value f = dict_get_str(c->dict, vm_name(vm, N___new__));
    if (is_kind(f, OBJ_WRAPPER)) f = AS(ObjWrapper, f)->v;     /* (a staticmethod, or deque's bare native) */
    return is_kind(f, OBJ_NATIVE) ? AS(ObjNative, f)->fn : NULL;
}

static bool from_fresh_copy(VM *vm, ObjClass *cls, ObjClass *base) {
    NativeFn fn = own_new(vm, base);
    for (int64_t i = 0; fn && i < cls->mro->len; i++) {
        if (own_new(vm, AS(ObjClass, cls->mro->items[i])) == fn) return true;
    }
    return false;
}

/* The class a native __new__ was called with, after CPython's checks: there
 * is one, it is a class, and a subclass of the type (named `name`) whose
 * __new__ this is. NULL after raising. */
static ObjClass *new_class_arg(VM *vm, Value *args, int nargs, const char *name) {
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "%s.__new__(): not enough arguments", name);
        return NULL;
    }
    if (!is_kind(args[0], OBJ_CLASS)) {
        exc_raise(vm, E_TypeError, "%s.__new__(X): X is not a type object (%T)", name, args[0]);
        return NULL;
    }
    ObjClass *base = mod_class(vm, strrchr(name, '.') + 1), *cls = AS(ObjClass, args[0]);
    if (!base) return NULL;
    if (!class_is_subclass(cls, base) && !from_fresh_copy(vm, cls, base)) {
        exc_raise(vm, E_TypeError, "%s.__new__(%s): %s is not a subtype of %s", name, cls->name->data,
                  cls->name->data, base->name->data);
        return NULL;
    }
    return cls;
}

static Value raise_key_error(VM *vm, Value key) {
    ObjTuple *t = tuple_from(vm, &key, 1);
    Value e = t ? exc_new(vm, vm->exc_types[E_KeyError], t) : ERR;
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static bool add_static_new(VM *vm, ObjClass *c, NativeFn fn) {
    ObjNative *n = native_new(vm, "__new__", fn);
    ObjWrapper *w = n ? gc_new(vm, sizeof(ObjWrapper), OBJ_WRAPPER, vm->types[T_STATICMETHOD]) : NULL;
    if (!w) return false;
    w->v = obj_val(n);
    return dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(w)) == 0;
}

/* A class of this module: not CLASS_BUILTIN (see the top of the file). */
static ObjClass *new_class(VM *vm, const char *name, ObjClass *base, ObjKind kind, Value modname) {
    ObjClass *c = class_new_builtin(vm, name, base, kind);
    if (!c) return NULL;
    c->module = modname;
    c->obj.flags = 0;
    return dict_set_str(vm, c->dict, vm_name(vm, N___module__), modname) == 0 ? c : NULL;
}

/* "{k: v, ...}" for a dict's items. */
static bool dict_body_repr(VM *vm, ObjDict *d, StrBuf *b) {
    sb_addc(b, '{');
    int64_t pos = 0;
    Value k, v;
    bool first = true;
    while (dict_next(d, &pos, &k, &v)) {
        if (!first) sb_adds(b, ", ");
        first = false;
        if (!op_repr_to(vm, k, b)) return false;
        sb_adds(b, ": ");
        if (!op_repr_to(vm, v, b)) return false;
    }
    sb_addc(b, '}');
    return true;
}

/* The class name as repr prints it ("Counter", a subclass's own name). */
static const char *cls_name(Value self) { return as_obj(self)->cls->name->data; }

/* A new empty ObjDict of class cls. */
static ObjDict *dict_of(VM *vm, ObjClass *cls) {
    return gc_new_instance(vm, sizeof(ObjDict), OBJ_DICT, cls);
}

/* Fills d from a dict.update-style positional argument (UNDEF: none) and
 * keywords. d must be reachable if the argument is a user mapping. */
static bool dict_fill(VM *vm, ObjDict *d, Value arg, Value *kwvals, ObjTuple *kw) {
    if (arg != UNDEF && dict_update(vm, d, arg) < 0) return false;
    for (int64_t i = 0; kw && i < kw->len; i++) {
        if (dict_set(vm, d, kw->items[i], kwvals[i]) < 0) return false;
    }
    return true;
}

/* d updated from src (a dict: hashing its keys may run script code). */
static Value copy_into(VM *vm, ObjDict *d, Value src) {
    if (!d || !vm_push_root(vm, obj_val(d))) return ERR;
    int rc = dict_update(vm, d, src);
    vm_pop_roots(vm, 1);
    return rc < 0 ? ERR : obj_val(d);
}

/* ---- deque: the ring ---------------------------------------------------- */

#define RING_KEY int_val(0)

typedef ObjIter Ring;

static inline ObjList *ring_buf(Ring *r) { return AS(ObjList, r->a); }
static inline int64_t ring_cap(Ring *r) { return ring_buf(r)->len; }
static inline Value *ring_slot(Ring *r, int64_t k) {
    return &ring_buf(r)->items[(r->i + k) % ring_cap(r)];
}
static inline void ring_touch(Ring *r) { r->c = int_val((as_int(r->c) + 1) & 0x3FFFFFFF); }

/* The ring of a deque; NULL after TypeError when self is not one. */
static Ring *ring_of(VM *vm, Value self) {
    if (is_kind(self, OBJ_INSTANCE)) {
        ObjInstance *o = AS(ObjInstance, self);
        Value r = o->dict ? dict_get(vm, o->dict, RING_KEY) : UNDEF;
        if (r == UNDEF) {       /* an instance with a __dict__: the side map */
            ObjDict *h = gc_subtype_dict(vm, &o->obj);
            r = h ? dict_get(vm, h, RING_KEY) : UNDEF;
        }
        if (is_kind(r, OBJ_ITER)) return AS(Ring, r);
    }
    exc_raise(vm, E_TypeError, "descriptor requires a 'collections.deque' object but received a '%T'", self);
    return NULL;
}

/* A buffer of cap slots holding the ring's items first. */
static bool ring_resize(VM *vm, Ring *r, int64_t cap) {
    ObjList *nb = list_new(vm, cap);
    if (!nb) return false;
    for (int64_t k = 0; k < cap; k++) nb->items[k] = k < r->n ? *ring_slot(r, k) : NONE_VAL;
    nb->len = cap;
    r->a = obj_val(nb);
    r->i = 0;
    return true;
}

static bool ring_push(VM *vm, Ring *r, Value v, bool left) {
    if (r->step == 0) return true;
    if (r->n == r->step) {
        /* Full with a maxlen: drop from the other end. */
        if (left) {
            *ring_slot(r, r->n - 1) = NONE_VAL;
        } else {
            *ring_slot(r, 0) = NONE_VAL;
            r->i = (r->i + 1) % ring_cap(r);
        }
        r->n--;
    }
    if (r->n == ring_cap(r) && !ring_resize(vm, r, r->n < 4 ? 8 : r->n * 2)) return false;
    if (left) {
        r->i = (r->i + ring_cap(r) - 1) % ring_cap(r);
        *ring_slot(r, 0) = v;
    } else {
        *ring_slot(r, r->n) = v;
    }
    r->n++;
    ring_touch(r);
    return true;
}

static Value ring_pop(Ring *r, bool left) {
    Value *s = ring_slot(r, left ? 0 : r->n - 1);
    Value v = *s;
    *s = NONE_VAL;
    if (left) r->i = (r->i + 1) % ring_cap(r);
    r->n--;
    ring_touch(r);
    return v;
}

/* Removes item k, closing the gap. */
static void ring_del(Ring *r, int64_t k) {
    /* Move the shorter side over the gap: removing near either end (the
     * asyncio waiter queues' common case) stays O(1). */
    if (k < r->n / 2) {
        for (int64_t j = k; j > 0; j--) *ring_slot(r, j) = *ring_slot(r, j - 1);
        *ring_slot(r, 0) = NONE_VAL;
        r->i = (r->i + 1) % ring_cap(r);
    } else {
        for (int64_t j = k; j < r->n - 1; j++) *ring_slot(r, j) = *ring_slot(r, j + 1);
        *ring_slot(r, r->n - 1) = NONE_VAL;
    }
    r->n--;
    ring_touch(r);
}

static void ring_clear(Ring *r) {
    if (r->n == 0) return;      /* nothing changes: iterators stay valid */
    ObjList *b = ring_buf(r);
    for (int64_t k = 0; k < b->len; k++) b->items[k] = NONE_VAL;
    r->i = r->n = 0;
    ring_touch(r);
}

/* A new deque of class cls with the given maxlen (-1: none). */
static Value deque_make(VM *vm, ObjClass *cls, int64_t maxlen, Ring **out) {
    ObjClass *rc = mod_class(vm, "_deque_ring");
    ObjInstance *d = rc ? instance_new(vm, cls) : NULL;
    /* A class with slots, deque itself, makes its instances without a
     * dict: the ring gets one there, which no __dict__ shows. An instance
     * with a __dict__ keeps it in the collector's side map instead, so that
     * vars() does not show it and a new __dict__ does not lose it. */
    bool own = d && !d->dict;
    if (own && !(d->dict = dict_new(vm))) return ERR;
    ObjList *buf = d ? list_new(vm, 8) : NULL;
    Ring *r = buf ? gc_new(vm, sizeof(Ring), OBJ_ITER, rc) : NULL;
    if (!r) return ERR;
    for (int k = 0; k < 8; k++) buf->items[k] = NONE_VAL;
    buf->len = 8;
    r->a = obj_val(buf);
    r->b = UNDEF;
    r->c = int_val(0);
    r->step = maxlen;
    ObjDict *home = own ? d->dict : gc_subtype_dict_make(vm, &d->obj);
    if (!home || dict_set(vm, home, RING_KEY, obj_val(r)) < 0) return ERR;
    *out = r;
    return obj_val(d);
}

/* Appends every item of an iterable (on the left: reversing them). */
static bool ring_extend(VM *vm, Ring *r, Value iterable, bool left) {
    ObjList *l = op_to_list(vm, iterable);
    if (!l) return false;
    for (int64_t k = 0; k < l->len; k++) {
        if (!ring_push(vm, r, l->items[k], left)) return false;
    }
    return true;
}

/* ---- deque: methods ----------------------------------------------------- */

#define RING(self)                          \
    Ring *r = ring_of(vm, self);            \
    if (!r) return ERR

static Value deque_init(VM *vm, Value *args, int nargs, ObjTuple *kw);

/* deque.__new__ makes an empty deque whatever the arguments, which are
 * __init__'s (a subclass's __init__ may take others). deque itself is a
 * builtin type whose constructor is all there is to a call, so for it
 * this runs __init__ too. */
static Value deque_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Ring *r;
    ObjClass *cls = new_class_arg(vm, args, nargs, "collections.deque");
    if (!cls) return ERR;
    Value d = deque_make(vm, cls, -1, &r);
    /* (deque itself, or its twin from a fresh import: not a subclass) */
    if (d == ERR || own_new(vm, cls) != deque_new) return d;
    int nkw = kw ? (int)kw->len : 0;
    Value argv[nargs + nkw];
    memcpy(argv, args, sizeof argv);
    argv[0] = d;
    if (!vm_push_root(vm, d)) return ERR;
    Value ok = deque_init(vm, argv, nargs, kw);
    vm_pop_roots(vm, 1);
    return ok == ERR ? ERR : d;
}

/* deque.__init__(iterable=(), maxlen=None): empties the deque, then fills it. */
static Value deque_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    RING(args[0]);
    Value iterable = UNDEF, maxlen = NONE_VAL;
    if (nargs > 3) return exc_raise(vm, E_TypeError, "deque() takes at most 2 arguments (%d given)", nargs - 1);
    if (nargs > 1) iterable = args[1];
    if (nargs > 2) maxlen = args[2];
    for (int64_t k = 0; kw && k < kw->len; k++) {
        const char *key = AS(ObjStr, kw->items[k])->data;
        if (!strcmp(key, "iterable") && nargs <= 1) iterable = args[nargs + k];
        else if (!strcmp(key, "maxlen") && nargs <= 2) maxlen = args[nargs + k];
        else if (!strcmp(key, "iterable") || !strcmp(key, "maxlen"))
            return exc_raise(vm, E_TypeError, "argument for deque() given by name ('%s') and position", key);
        else return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for deque()", key);
    }
    int64_t n = -1;
    if (maxlen != NONE_VAL) {
        if (!is_intlike(maxlen)) return exc_raise(vm, E_TypeError, "an integer is required");
        if (!int_to_i64(maxlen, &n)) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
        if (n < 0) return exc_raise(vm, E_ValueError, "maxlen must be non-negative");
    }
    ring_clear(r);
    r->step = n;
    if (iterable == UNDEF) return NONE_VAL;
    return ring_extend(vm, r, iterable, false) ? NONE_VAL : ERR;
}

static Value deque_append(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.append", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    return ring_push(vm, r, args[1], false) ? NONE_VAL : ERR;
}

static Value deque_appendleft(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.appendleft", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    return ring_push(vm, r, args[1], true) ? NONE_VAL : ERR;
}

static Value deque_pop_end(VM *vm, Value *args, int nargs, ObjTuple *kw, bool left) {
    if (!args_check(vm, left ? "deque.popleft" : "deque.pop", nargs - 1, kw, 0, 0)) return ERR;
    RING(args[0]);
    if (r->n == 0) return exc_raise(vm, E_IndexError, "pop from an empty deque");
    return ring_pop(r, left);
}
static Value deque_pop(VM *vm, Value *args, int nargs, ObjTuple *kw) { return deque_pop_end(vm, args, nargs, kw, false); }
static Value deque_popleft(VM *vm, Value *args, int nargs, ObjTuple *kw) { return deque_pop_end(vm, args, nargs, kw, true); }

static Value deque_extend(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.extend", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    return ring_extend(vm, r, args[1], false) ? NONE_VAL : ERR;
}

static Value deque_extendleft(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.extendleft", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    return ring_extend(vm, r, args[1], true) ? NONE_VAL : ERR;
}

static Value deque_iadd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iadd__", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    return ring_extend(vm, r, args[1], false) ? args[0] : ERR;
}

static Value deque_rotate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "deque.rotate", kw)) return ERR;
    if (nargs > 2)  /* CPython keeps the type's name here */
        return exc_raise(vm, E_TypeError, "deque.rotate expected at most 1 argument, got %d", nargs - 1);
    RING(args[0]);
    int64_t n = 1;
    if (nargs > 1 && !ssize_value(vm, args[1], &n)) return ERR;
    if (r->n <= 1) return NONE_VAL;
    int64_t k = n % r->n;
    if (k < 0) k += r->n;
    int64_t cap = ring_cap(r);
    if (k <= r->n / 2) {
        /* Move k items from the right end to the left. */
        for (int64_t j = 0; j < k; j++) {
            Value *last = ring_slot(r, r->n - 1);
            Value v = *last;
            *last = NONE_VAL;
            r->i = (r->i + cap - 1) % cap;
            *ring_slot(r, 0) = v;
        }
    } else {
        for (int64_t j = 0; j < r->n - k; j++) {
            Value *first = ring_slot(r, 0);
            Value v = *first;
            *first = NONE_VAL;
            r->i = (r->i + 1) % cap;
            *ring_slot(r, r->n - 1) = v;
        }
    }
    ring_touch(r);
    return NONE_VAL;
}

static Value deque_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.clear", nargs - 1, kw, 0, 0)) return ERR;
    RING(args[0]);
    ring_clear(r);
    return NONE_VAL;
}

static Value deque_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.copy", nargs - 1, kw, 0, 0)) return ERR;
    RING(args[0]);
    Ring *nr;
    Value d = deque_make(vm, as_obj(args[0])->cls, r->step, &nr);
    if (d == ERR) return ERR;
    for (int64_t k = 0; k < r->n; k++) {
        if (!ring_push(vm, nr, *ring_slot(r, k), false)) return ERR;
    }
    return d;
}

/* d *= n: the items repeated n times (n <= 0 empties it; a maxlen keeps the
 * last ones). */
static Value deque_imul(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__imul__", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    if (!is_intlike(args[1]) && op_special(vm, args[1], N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", args[1]);
    int64_t n;
    if (!count_value(vm, args[1], &n)) return ERR;
    if (n <= 0 || r->n == 0) {
        ring_clear(r);
        return args[0];
    }
    /* With a maxlen only the last maxlen items stay, and the repeats are
     * periodic: enough of them to fill it give the same tail. */
    if (r->step >= 0 && n > r->step / r->n + 1) n = r->step / r->n + 1;
    if (r->step < 0 && n > INT64_MAX / 16 / r->n) return exc_nomem(vm);
    ObjList *items = list_new(vm, r->n);
    if (!items || !vm_push_root(vm, obj_val(items))) return ERR;
    for (int64_t k = 0; k < r->n; k++) items->items[items->len++] = *ring_slot(r, k);
    bool ok = true;
    for (int64_t i = 1; ok && i < n; i++) {
        for (int64_t k = 0; ok && k < items->len; k++) ok = ring_push(vm, r, items->items[k], false);
    }
    vm_pop_roots(vm, 1);
    return ok ? args[0] : ERR;
}

static Value deque_mul(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__mul__", nargs - 1, kw, 1, 1)) return ERR;
    Value d = deque_copy(vm, args, 1, NULL);
    if (d == ERR || !vm_push_root(vm, d)) return ERR;
    Value r = deque_imul(vm, (Value[]){d, args[1]}, 2, NULL);
    vm_pop_roots(vm, 1);
    return r;
}

/* n * d. A builtin sequence on the left repeats first in CPython (deque
 * has no number slots), so `[1] * d` names the deque as the bad count. */
static Value deque_rmul(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__rmul__", nargs - 1, kw, 1, 1)) return ERR;
    Value n = args[1];
    if (!is_intlike(n) && (is_str(n) || is_list(n) || is_tuple(n) || is_kind(n, OBJ_BYTES) ||
                           is_kind(n, OBJ_BYTEARRAY)))
        return exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", args[0]);
    return deque_mul(vm, args, nargs, kw);
}

static Value deque_add(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__add__", nargs - 1, kw, 1, 1)) return ERR;
    ObjClass *dc = mod_class(vm, "deque");
    if (!dc) return ERR;
    if (!is_instance(vm, args[1], dc))
        return exc_raise(vm, E_TypeError, "can only concatenate deque (not \"%T\") to deque", args[1]);
    Value d = deque_copy(vm, args, 1, NULL);
    if (d == ERR || !vm_push_root(vm, d)) return ERR;
    Ring *r = ring_of(vm, d);
    bool ok = r && ring_extend(vm, r, args[1], false);
    vm_pop_roots(vm, 1);
    return ok ? d : ERR;
}

/* The index of the first item equal to x in [start, stop), -1 if none, -2
 * after raising. Comparisons may run script code that mutates the deque:
 * that raises `mutated` (CPython's remove says IndexError, the others
 * RuntimeError). */
static int64_t ring_find_or(VM *vm, Ring *r, Value x, int64_t start, int64_t stop, ExcId mutated) {
    Value state = r->c;
    for (int64_t k = start; k < stop && k < r->n; k++) {
        int eq = op_eq(vm, *ring_slot(r, k), x);
        if (eq < 0) return -2;
        if (r->c != state) {
            exc_raise(vm, mutated, "deque mutated during iteration");
            return -2;
        }
        if (eq) return k;
    }
    return -1;
}

static int64_t ring_find(VM *vm, Ring *r, Value x, int64_t start, int64_t stop) {
    return ring_find_or(vm, r, x, start, stop, E_RuntimeError);
}

static Value deque_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.count", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    int64_t count = 0, k = 0;
    for (;;) {
        k = ring_find(vm, r, args[1], k, r->n);
        if (k == -2) return ERR;
        if (k == -1) return int_val(count);
        count++;
        k++;
    }
}

/* A start/stop argument of index(), clamped like a slice bound. */
static bool bound_arg(VM *vm, Value v, int64_t len, int64_t *out) {
    if (!slice_bound(vm, v, out)) return false;     /* huge ints clamp too */
    if (*out < 0) *out = *out + len < 0 ? 0 : *out + len;
    if (*out > len) *out = len;
    return true;
}

static Value deque_index(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "deque.index", kw)) return ERR;
    if (nargs < 2 || nargs > 4)
        return exc_raise(vm, E_TypeError, "index() takes at %s (%d given)",
                         nargs < 2 ? "least 1 argument" : "most 3 arguments", nargs - 1);
    RING(args[0]);
    int64_t start = 0, stop = r->n;
    if (nargs > 2 && !bound_arg(vm, args[2], r->n, &start)) return ERR;
    if (nargs > 3 && !bound_arg(vm, args[3], r->n, &stop)) return ERR;
    int64_t k = ring_find(vm, r, args[1], start, stop);
    if (k == -2) return ERR;
    if (k == -1) return exc_raise(vm, E_ValueError, "%R is not in deque", args[1]);
    return int_val(k);
}

static Value deque_remove(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.remove", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    int64_t k = ring_find_or(vm, r, args[1], 0, r->n, E_IndexError);
    if (k == -2) return ERR;
    if (k == -1) return exc_raise(vm, E_ValueError, "%R is not in deque", args[1]);
    ring_del(r, k);
    return NONE_VAL;
}

static Value deque_reverse(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deque.reverse", nargs - 1, kw, 0, 0)) return ERR;
    RING(args[0]);
    for (int64_t a = 0, b = r->n - 1; a < b; a++, b--) {
        Value t = *ring_slot(r, a);
        *ring_slot(r, a) = *ring_slot(r, b);
        *ring_slot(r, b) = t;
    }
    ring_touch(r);
    return NONE_VAL;
}

static Value deque_insert(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "deque.insert", kw)) return ERR;
    if (nargs != 3)
        return exc_raise(vm, E_TypeError, "insert() takes exactly 2 arguments (%d given)", nargs - 1);
    RING(args[0]);
    int64_t i;
    if (!ssize_value(vm, args[1], &i)) return ERR;
    if (r->n == r->step) return exc_raise(vm, E_IndexError, "deque already at its maximum size");
    if (i < 0) i = i + r->n < 0 ? 0 : i + r->n;
    if (i > r->n) i = r->n;
    if (!ring_push(vm, r, NONE_VAL, false)) return ERR;
    for (int64_t j = r->n - 1; j > i; j--) *ring_slot(r, j) = *ring_slot(r, j - 1);
    *ring_slot(r, i) = args[2];
    return NONE_VAL;
}

static Value deque_maxlen(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    RING(args[0]);
    return r->step < 0 ? NONE_VAL : int_val(r->step);
}

static Value deque_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__len__", nargs - 1, kw, 0, 0)) return ERR;
    RING(args[0]);
    return int_val(r->n);
}

/* The item number an index names; -1 after IndexError/TypeError. */
static int64_t deque_pos(VM *vm, Ring *r, Value index) {
    if (!is_intlike(index) && !is_kind(index, OBJ_INSTANCE)) {
        exc_raise(vm, E_TypeError, "sequence index must be integer, not '%T'", index);
        return -1;
    }
    return seq_index(vm, index, r->n, "deque");
}

static Value deque_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getitem__", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    int64_t k = deque_pos(vm, r, args[1]);
    return k < 0 ? ERR : *ring_slot(r, k);
}

static Value deque_setitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setitem__", nargs - 1, kw, 2, 2)) return ERR;
    RING(args[0]);
    int64_t k = deque_pos(vm, r, args[1]);
    if (k < 0) return ERR;
    *ring_slot(r, k) = args[2];
    return NONE_VAL;
}

static Value deque_delitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__delitem__", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    int64_t k = deque_pos(vm, r, args[1]);
    if (k < 0) return ERR;
    ring_del(r, k);
    return NONE_VAL;
}

static Value deque_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__contains__", nargs - 1, kw, 1, 1)) return ERR;
    RING(args[0]);
    int64_t k = ring_find(vm, r, args[1], 0, r->n);
    return k == -2 ? ERR : bool_val(k >= 0);
}

static Value dequeiter_next(VM *vm, ObjIter *it) {
    Ring *r = AS(Ring, it->a);
    if (as_int(r->c) != it->n) {
        it->i = r->n;   /* CPython's iterator stays exhausted */
        return exc_raise(vm, E_RuntimeError, "deque mutated during iteration");
    }
    if (it->i >= r->n) return UNDEF;
    int64_t k = it->i++;
    return *ring_slot(r, it->step < 0 ? r->n - 1 - k : k);
}

static Value deque_iter_make(VM *vm, Value self, bool reverse) {
    RING(self);
    ObjClass *c = mod_class(vm, reverse ? "_deque_reverse_iterator" : "_deque_iterator");
    ObjIter *it = c ? gc_new(vm, sizeof(ObjIter), OBJ_ITER, c) : NULL;
    if (!it) return ERR;
    it->next = dequeiter_next;
    it->a = obj_val(r);
    it->b = self;       /* the deque, for __reduce__ */
    it->c = UNDEF;
    it->n = as_int(r->c);
    it->step = reverse ? -1 : 1;
    return obj_val(it);
}

/* _deque_iterator(deque[, index]) and its reverse twin, as CPython's
 * dequeiter_new: a fresh iterator moved on by index items (none for a
 * negative index). CPython's parser ignores keywords, and so does this. */
static Value dequeiter_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs < 2) return exc_raise(vm, E_TypeError, "function takes at least 1 argument (0 given)");
    if (nargs > 3) return exc_raise(vm, E_TypeError, "function takes at most 2 arguments (%d given)", nargs - 1);
    ObjClass *dq = mod_class(vm, "deque"), *rev = mod_class(vm, "_deque_reverse_iterator");
    if (!dq || !rev) return ERR;
    if (!is_kind(args[1], OBJ_INSTANCE) || !class_is_subclass(type_of(vm, args[1]), dq))
        return exc_raise(vm, E_TypeError, "argument 1 must be collections.deque, not %T", args[1]);
    int64_t index = 0;
    if (nargs > 2 && !ssize_value(vm, args[2], &index)) return ERR;
    bool reverse = is_kind(args[0], OBJ_CLASS) && class_is_subclass(AS(ObjClass, args[0]), rev);
    Value it = deque_iter_make(vm, args[1], reverse);
    if (it == ERR) return ERR;
    for (int64_t k = 0; k < index; k++) {
        Value v = dequeiter_next(vm, AS(ObjIter, it));
        if (v == ERR) return ERR;
        if (v == UNDEF) break;
    }
    return it;
}

/* it.__reduce__(): (type(it), (deque, items taken)), as CPython's. */
static Value dequeiter_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_ITER) || AS(ObjIter, args[0])->next != dequeiter_next)
        return exc_raise(vm, E_TypeError, "descriptor '__reduce__' requires a deque iterator");
    ObjIter *it = AS(ObjIter, args[0]);
    Value state[2] = {it->b, int_val(it->i)};
    ObjTuple *inner = tuple_from(vm, state, 2);
    if (!inner || !vm_push_root(vm, obj_val(inner))) return ERR;
    Value outer[2] = {obj_val(type_of(vm, args[0])), obj_val(inner)};
    ObjTuple *t = tuple_from(vm, outer, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

/* it.__length_hint__(): the items left. */
static Value dequeiter_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__length_hint__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_ITER) || AS(ObjIter, args[0])->next != dequeiter_next)
        return exc_raise(vm, E_TypeError, "descriptor '__length_hint__' requires a deque iterator");
    ObjIter *it = AS(ObjIter, args[0]);
    int64_t left = AS(Ring, it->a)->n - it->i;
    return int_val(left > 0 ? left : 0);
}

static Value deque_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iter__", nargs - 1, kw, 0, 0)) return ERR;
    return deque_iter_make(vm, args[0], false);
}

static Value deque_reversed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reversed__", nargs - 1, kw, 0, 0)) return ERR;
    return deque_iter_make(vm, args[0], true);
}

static Value deque_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    RING(args[0]);
    bool cycle;
    if (!op_repr_enter(vm, as_obj(args[0]), &cycle)) return ERR;
    if (cycle) return str_from_cstr(vm, "[...]");
    /* The items as they are now (CPython lists them first): a repr that
     * mutates the deque changes nothing here. */
    ObjList *items = list_new(vm, r->n);
    if (!items || !vm_push_root(vm, obj_val(items))) { op_repr_leave(vm); return ERR; }
    for (int64_t k = 0; k < r->n; k++) items->items[items->len++] = *ring_slot(r, k);
    StrBuf b = SB_INIT;
    sb_adds(&b, cls_name(args[0]));
    sb_adds(&b, "([");
    bool ok = true;
    for (int64_t k = 0; ok && k < items->len; k++) {
        if (k) sb_adds(&b, ", ");
        ok = op_repr_to(vm, items->items[k], &b);
    }
    sb_addc(&b, ']');
    if (r->step >= 0) sb_addf(&b, ", maxlen=%lld", (long long)r->step);
    sb_addc(&b, ')');
    vm_pop_roots(vm, 1);
    op_repr_leave(vm);
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* deque == deque (and the other comparisons), item by item; a deque never
 * equals another type. */
static Value deque_cmp(VM *vm, Value *args, int nargs, CmpOp op) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    ObjClass *dc = mod_class(vm, "deque");
    if (!dc) return ERR;
    if (!is_instance(vm, args[1], dc)) return NOTIMPL_VAL;
    RING(args[0]);
    Ring *s = ring_of(vm, args[1]);
    if (!s) return ERR;
    /* Compare snapshots: __eq__ of the items may change the deques. */
    ObjList *x = list_new(vm, r->n), *y = x ? list_new(vm, s->n) : NULL;
    if (!y) return ERR;
    for (int64_t k = 0; k < r->n; k++) x->items[x->len++] = *ring_slot(r, k);
    for (int64_t k = 0; k < s->n; k++) y->items[y->len++] = *ring_slot(s, k);
    if (!vm_push_root(vm, obj_val(x))) return ERR;
    if (!vm_push_root(vm, obj_val(y))) { vm_pop_roots(vm, 1); return ERR; }
    Value res = op_compare(vm, op, obj_val(x), obj_val(y));
    vm_pop_roots(vm, 2);
    return res;
}
static Value deque_eq(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return deque_cmp(vm, a, n, CMP_EQ); }
static Value deque_ne(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return deque_cmp(vm, a, n, CMP_NE); }
static Value deque_lt(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return deque_cmp(vm, a, n, CMP_LT); }
static Value deque_le(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return deque_cmp(vm, a, n, CMP_LE); }
static Value deque_gt(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return deque_cmp(vm, a, n, CMP_GT); }
static Value deque_ge(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return deque_cmp(vm, a, n, CMP_GE); }

static bool deque_init_class(VM *vm, ObjModule *m, Value modname) {
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__init__", deque_init}, {"append", deque_append}, {"appendleft", deque_appendleft}, {"pop", deque_pop},
        {"popleft", deque_popleft}, {"extend", deque_extend}, {"extendleft", deque_extendleft},
        {"rotate", deque_rotate}, {"clear", deque_clear}, {"copy", deque_copy}, {"__copy__", deque_copy},
        {"count", deque_count}, {"index", deque_index}, {"remove", deque_remove},
        {"reverse", deque_reverse}, {"insert", deque_insert}, {"__len__", deque_len},
        {"__getitem__", deque_getitem}, {"__setitem__", deque_setitem}, {"__delitem__", deque_delitem},
        {"__contains__", deque_contains}, {"__iter__", deque_iter}, {"__reversed__", deque_reversed},
        {"__repr__", deque_repr}, {"__iadd__", deque_iadd}, {"__add__", deque_add}, {"__mul__", deque_mul}, {"__rmul__", deque_rmul},
        {"__imul__", deque_imul}, {"__eq__", deque_eq}, {"__ne__", deque_ne},
        {"__lt__", deque_lt}, {"__le__", deque_le}, {"__gt__", deque_gt}, {"__ge__", deque_ge},
    };
    ObjClass *c = class_new_builtin(vm, "deque", vm->types[T_OBJECT], OBJ_INSTANCE);
    if (!c) return false;
    c->module = modname;
    /* messages name it as CPython's tp_name does: 'collections.deque' */
    if (!(c->tp_name = str_intern_cstr(vm, "collections.deque"))) return false;
    c->obj.flags |= CLASS_SEQUENCE;     /* for `case [a, b]:` */
    /* No __dict__, as CPython's deque: its instances take no attributes
     * (an empty `slots`); the ring stays under the int key of the instance
     * dict deque_make gives it, which no attribute reaches. Subclasses
     * without __slots__ have a dict as usual. */
    if (!(c->slots = dict_new(vm))) return false;
    c->obj.flags |= CLASS_SLOTS;
    ObjNative *n = native_new(vm, "__new__", deque_new);
    if (!n || dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(n)) < 0) return false;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    /* unhashable, as CPython's (deque.__hash__ is None, so it is no
     * collections.abc.Hashable); hash() says 'collections.deque' */
    if (dict_set_str(vm, c->dict, vm_name(vm, N___hash__), NONE_VAL) < 0 || !class_add_generic(vm, c)) return false;
    /* a getset descriptor, as CPython's: setting it is "not writable" */
    if (!class_add_property(vm, c, "maxlen", deque_maxlen)) return false;
    if (!module_add_value(vm, m, "deque", obj_val(c))) return false;

    ObjClass *rc = class_new_builtin(vm, "_deque_ring", vm->types[T_OBJECT], OBJ_ITER);
    if (!rc || !module_add_value(vm, m, "_deque_ring", obj_val(rc))) return false;
    rc->module = modname;
    const char *iters[] = {"_deque_iterator", "_deque_reverse_iterator"};
    for (int i = 0; i < 2; i++) {
        ObjClass *ic = class_new_builtin(vm, iters[i], vm->types[T_OBJECT], OBJ_ITER);
        if (!ic) return false;
        ic->module = modname;
        ObjNative *n = native_new(vm, "__new__", dequeiter_new);
        if (!n || dict_set_str(vm, ic->dict, vm_name(vm, N___new__), obj_val(n)) < 0) return false;
        if (!class_add_iter_protocol(vm, ic) ||
            !class_add_native(vm, ic, "__reduce__", dequeiter_reduce) ||
            !class_add_native(vm, ic, "__length_hint__", dequeiter_length_hint) ||
            !module_add_value(vm, m, iters[i], obj_val(ic)))
            return false;
    }
    return true;
}

/* ---- defaultdict -------------------------------------------------------- */

/* A defaultdict is a dict-layout instance (OBJ_SUBTYPE, as the instances of
 * a script's dict subclass). Its default_factory is hidden state: kept in
 * the dict that the collector's subtype map pairs with the instance's
 * attribute dict (gc_subtype_dict of that dict), so vars() does not show
 * it; the class's default_factory property reads and writes it. */
static ObjDict *hidden_state(VM *vm, Value self, bool make) {
    if (!(as_obj(self)->flags & OBJ_SUBTYPE)) return NULL;
    ObjDict *attrs = make ? gc_subtype_dict_make(vm, as_obj(self)) : gc_subtype_dict(vm, as_obj(self));
    if (!attrs) return NULL;
    return make ? gc_subtype_dict_make(vm, &attrs->obj) : gc_subtype_dict(vm, &attrs->obj);
}

static Value factory_of(VM *vm, Value self) {
    ObjDict *h = hidden_state(vm, self, false);
    Value f = h ? dict_get_str(h, str_intern_cstr(vm, "default_factory")) : UNDEF;
    return f == UNDEF ? NONE_VAL : f;
}

static bool set_factory(VM *vm, Value self, Value factory) {
    ObjDict *h = hidden_state(vm, self, true);
    return h && dict_set_str(vm, h, str_intern_cstr(vm, "default_factory"), factory) == 0;
}

static Value defaultdict_factory_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "default_factory", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_DICT)) return exc_raise(vm, E_TypeError, "descriptor 'default_factory' requires a defaultdict");
    return factory_of(vm, args[0]);
}

static Value defaultdict_factory_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "default_factory", nargs, kw, 1, 2)) return ERR;
    if (!is_kind(args[0], OBJ_DICT)) return exc_raise(vm, E_TypeError, "descriptor 'default_factory' requires a defaultdict");
    return set_factory(vm, args[0], nargs > 1 ? args[1] : NONE_VAL) ? NONE_VAL : ERR;
}

/* A new empty defaultdict of class cls (defaultdict or a subclass). */
static ObjDict *defaultdict_make(VM *vm, ObjClass *cls, Value factory) {
    ObjDict *d = dict_of(vm, cls);
    return d && set_factory(vm, obj_val(d), factory) ? d : NULL;
}

/* defaultdict(default_factory=None, [mapping_or_iterable,] **kwargs) sets
 * the factory and fills the dict (what __init__ does; a builtin's __init__
 * is not called). */
static bool defaultdict_fill(VM *vm, Value self, Value *args, int nargs, ObjTuple *kw) {
    Value factory = nargs > 1 ? args[1] : NONE_VAL;
    if (factory != NONE_VAL && !op_callable(vm, factory)) {
        exc_raise(vm, E_TypeError, "first argument must be callable or None");
        return false;
    }
    if (nargs > 3) {
        exc_raise(vm, E_TypeError, "dict expected at most 1 argument, got %d", nargs - 2);
        return false;
    }
    return set_factory(vm, self, factory) && dict_fill(vm, AS(ObjDict, self), nargs > 2 ? args[2] : UNDEF, args + nargs, kw);
}

/* A subclass's instance starts empty: its __init__ (defaultdict's, through
 * super() or inherited) takes the arguments, as in CPython. */
static Value defaultdict_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *base = mod_class(vm, "defaultdict");
    if (!base || !new_class_arg(vm, args, nargs, "collections.defaultdict")) return ERR;
    bool sub = is_kind(args[0], OBJ_CLASS) && AS(ObjClass, args[0]) != base && class_is_subclass(AS(ObjClass, args[0]), base);
    ObjDict *d = defaultdict_make(vm, sub ? AS(ObjClass, args[0]) : base, NONE_VAL);
    if (!d || sub) return d ? obj_val(d) : ERR;
    if (!vm_push_root(vm, obj_val(d))) return ERR;
    bool ok = defaultdict_fill(vm, obj_val(d), args, nargs, kw);
    vm_pop_roots(vm, 1);
    return ok ? obj_val(d) : ERR;
}

static Value defaultdict_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_kind(args[0], OBJ_DICT)) return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a defaultdict");
    return defaultdict_fill(vm, args[0], args, nargs, kw) ? NONE_VAL : ERR;
}

static Value defaultdict_missing(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__missing__", nargs - 1, kw, 1, 1)) return ERR;
    Value f = factory_of(vm, args[0]);
    if (f == NONE_VAL) return raise_key_error(vm, args[1]);
    Value v = op_call0(vm, f);
    if (v == ERR || !vm_push_root(vm, v)) return ERR;
    /* self[key] = value: a subclass's __setitem__ sees it, as in CPython */
    int rc = op_setitem(vm, args[0], args[1], v);
    vm_pop_roots(vm, 1);
    return rc < 0 ? ERR : v;
}

/* type(self)(self.default_factory, self), as CPython's copy(). */
static Value defaultdict_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "copy", nargs - 1, kw, 0, 0)) return ERR;
    ObjDict *d = defaultdict_make(vm, as_obj(args[0])->cls, factory_of(vm, args[0]));
    return copy_into(vm, d, args[0]);
}

/* d | other and other | d: a new defaultdict with d's class and factory,
 * holding the left operand's items updated by the right one's. */
static Value defaultdict_union(VM *vm, Value *args, int nargs, bool reflected) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    if (!is_dict(args[1])) return NOTIMPL_VAL;
    ObjDict *d = defaultdict_make(vm, as_obj(args[0])->cls, factory_of(vm, args[0]));
    if (!d || !vm_push_root(vm, obj_val(d))) return ERR;
    int rc = dict_update(vm, d, reflected ? args[1] : args[0]);
    if (rc == 0) rc = dict_update(vm, d, reflected ? args[0] : args[1]);
    vm_pop_roots(vm, 1);
    return rc < 0 ? ERR : obj_val(d);
}
static Value defaultdict_or(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return defaultdict_union(vm, a, n, false); }
static Value defaultdict_ror(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return defaultdict_union(vm, a, n, true); }

static Value defaultdict_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    StrBuf b = SB_INIT;
    sb_adds(&b, cls_name(args[0]));
    sb_addc(&b, '(');
    /* As CPython: a factory whose repr comes back to it (a bound method of
     * this dict) prints as "...", and the dict's own cycles as {...}. */
    Value f = factory_of(vm, args[0]);
    bool cycle = false, ok = !is_obj(f) || op_repr_enter(vm, as_obj(f), &cycle);
    if (ok && cycle) sb_adds(&b, "...");
    else if (ok) {
        ok = op_repr_to(vm, f, &b);
        if (is_obj(f)) op_repr_leave(vm);
    }
    sb_adds(&b, ", ");
    ok = ok && op_repr_enter(vm, as_obj(args[0]), &cycle);
    if (ok && cycle) sb_adds(&b, AS(ObjDict, args[0])->count ? "{...}" : "{}");
    else if (ok) {
        ok = dict_body_repr(vm, AS(ObjDict, args[0]), &b);
        op_repr_leave(vm);
    }
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* ---- OrderedDict -------------------------------------------------------- */

/* OrderedDict() starts empty whatever the arguments; __init__ fills it, so
 * a subclass's __init__ may take others. */
static Value odict_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjClass *cls = new_class_arg(vm, args, nargs, "collections.OrderedDict");
    ObjDict *d = cls ? dict_of(vm, cls) : NULL;
    if (d) d->obj.spare = DICT_ORDERED;     /* (its iterators are odict_iterator's) */
    return d ? obj_val(d) : ERR;
}

/* OrderedDict's updates store each item with self[key] = value, as
 * CPython's (MutableMapping.update's way), so a subclass's __setitem__
 * sees every one (the LRU recipe of the docs relies on it). */

/* self[key] = value for each pair an iterable gives; a pair is any
 * iterable of two. */
static bool od_add_pairs(VM *vm, Value self, Value pairs) {
    Value it = op_iter(vm, pairs);
    if (it == ERR || !vm_push_root(vm, it)) return false;
    bool ok = true;
    for (;;) {
        Value pair = op_next(vm, it);
        if (pair == UNDEF || pair == ERR) { ok = pair == UNDEF; break; }
        Value kv[3] = {UNDEF, UNDEF, UNDEF};
        Value pit = op_iter(vm, pair);
        ok = pit != ERR && vm_push_root(vm, pit);
        if (!ok) break;
        int got = 0;
        while (ok && got < 3) {
            Value x = op_next(vm, pit);
            if (x == UNDEF) break;
            ok = x != ERR && vm_push_root(vm, x);
            if (ok) kv[got++] = x;
        }
        if (ok && got < 2)
            ok = exc_raise(vm, E_ValueError, "need more than %d value%s to unpack", got, got == 1 ? "" : "s") != ERR;
        else if (ok && got > 2)
            ok = exc_raise(vm, E_ValueError, "too many values to unpack (expected 2)") != ERR;
        else if (ok)
            ok = op_setitem(vm, self, kv[0], kv[1]) == 0;
        vm_pop_roots(vm, 1 + got);
        if (!ok) break;
    }
    vm_pop_roots(vm, 1);
    return ok;
}

/* A list of d's keys as they are now. */
static Value keys_now(VM *vm, ObjDict *d) {
    ObjList *l = list_new(vm, d->count);
    if (!l) return ERR;
    int64_t pos = 0;
    Value k;
    while (dict_next(d, &pos, &k, NULL)) l->items[l->len++] = k;
    return obj_val(l);
}

/* self[k] = other[k] for each k of other.keys() (keys UNDEF: of a list of
 * other's keys as they are now, other being a dict) */
static bool od_add_keys(VM *vm, Value self, Value other, Value keys) {
    Value ks = keys != UNDEF ? op_call0(vm, keys) : keys_now(vm, AS(ObjDict, other));
    Value it = ks == ERR ? ERR : op_iter(vm, ks);
    if (it == ERR || !vm_push_root(vm, it)) return false;
    bool ok = true;
    for (;;) {
        Value k = op_next(vm, it);
        if (k == UNDEF || k == ERR) { ok = k == UNDEF; break; }
        if (!vm_push_root(vm, k)) { ok = false; break; }
        Value v = op_getitem(vm, other, k);
        ok = v != ERR && vm_push_root(vm, v);
        if (ok) {
            ok = op_setitem(vm, self, k, v) == 0;
            vm_pop_roots(vm, 1);
        }
        vm_pop_roots(vm, 1);
        if (!ok) break;
    }
    vm_pop_roots(vm, 1);
    return ok;
}

/* The positional argument of update(): a dict (its items as they are
 * now), else whatever has keys(), else items(), else pairs. */
static bool od_update_arg(VM *vm, Value self, Value other) {
    if (is_dict(other) && as_obj(other)->cls == vm->types[T_DICT]) {
        ObjDict *d = AS(ObjDict, other);
        ObjList *snap = list_new(vm, d->count * 2);
        if (!snap || !vm_push_root(vm, obj_val(snap))) return false;
        int64_t pos = 0;
        Value k, v;
        while (dict_next(d, &pos, &k, &v)) {
            snap->items[snap->len++] = k;
            snap->items[snap->len++] = v;
        }
        bool ok = true;
        for (int64_t i = 0; ok && i < snap->len; i += 2) ok = op_setitem(vm, self, snap->items[i], snap->items[i + 1]) == 0;
        vm_pop_roots(vm, 1);
        return ok;
    }
    Value keys = op_getattr_opt(vm, other, str_intern_cstr(vm, "keys"));
    if (keys == ERR) return false;
    if (keys != UNDEF) {
        if (!vm_push_root(vm, keys)) return false;
        bool ok = od_add_keys(vm, self, other, keys);
        vm_pop_roots(vm, 1);
        return ok;
    }
    Value items = op_getattr_opt(vm, other, str_intern_cstr(vm, "items"));
    if (items == ERR) return false;
    if (items == UNDEF) return od_add_pairs(vm, self, other);
    Value got = op_call0(vm, items);
    if (got == ERR || !vm_push_root(vm, got)) return false;
    bool ok = od_add_pairs(vm, self, got);
    vm_pop_roots(vm, 1);
    return ok;
}

/* update(other=(), /, **kw) on self, nargs counting self */
static bool od_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs > 1 && !od_update_arg(vm, args[0], args[1])) return false;
    for (int64_t i = 0; kw && i < kw->len; i++)
        if (op_setitem(vm, args[0], kw->items[i], args[nargs + i]) < 0) return false;
    return true;
}

/* Whether an unbound method got an OrderedDict, else the TypeError CPython
 * gives (called with no argument at all, native_needs_self answers). */
static bool odict_self(VM *vm, const char *what, Value *args, int nargs) {
    ObjClass *oc = mod_class(vm, "OrderedDict");
    if (!oc || nargs < 1) return false;
    if (is_kind(args[0], OBJ_DICT) && (is_instance(vm, args[0], oc) || from_fresh_copy(vm, type_of(vm, args[0]), oc)))
        return true;
    if (strcmp(what, "__init__") == 0)
        exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'collections.OrderedDict' object but received a '%T'", args[0]);
    else
        exc_raise(vm, E_TypeError, "descriptor '%s' for 'collections.OrderedDict' objects doesn't apply to a '%T' object",
                  what, args[0]);
    return false;
}

static Value odict_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!odict_self(vm, "__init__", args, nargs)) return ERR;
    if (nargs > 2) return exc_raise(vm, E_TypeError, "expected at most 1 arguments, got %d", nargs - 1);
    return od_update(vm, args, nargs, kw) ? NONE_VAL : ERR;
}

static Value odict_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!odict_self(vm, "update", args, nargs)) return ERR;
    if (nargs > 2) return exc_raise(vm, E_TypeError, "update() takes at most 1 positional argument (%d given)", nargs - 1);
    return od_update(vm, args, nargs, kw) ? NONE_VAL : ERR;
}

/* od |= other: other's items stored one by one, as update() */
static Value odict_ior(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__ior__", nargs - 1, kw, 1, 1)) return ERR;
    return od_update_arg(vm, args[0], args[1]) ? args[0] : ERR;
}

/* Parses the `last` argument of move_to_end/popitem. */
static bool last_arg(VM *vm, const char *fname, Value *args, int nargs, ObjTuple *kw, int npos, bool *last) {
    *last = true;
    Value v = nargs > npos + 1 ? args[npos + 1] : UNDEF;
    if (nargs > npos + 2) {
        exc_raise(vm, E_TypeError, "%s() takes at most %d arguments (%d given)", fname, npos + 1, nargs - 1);
        return false;
    }
    for (int64_t k = 0; kw && k < kw->len; k++) {
        if (strcmp(AS(ObjStr, kw->items[k])->data, "last") != 0) {
            exc_raise(vm, E_TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                      AS(ObjStr, kw->items[k])->data);
            return false;
        }
        v = args[nargs + k];
    }
    if (v == UNDEF) return true;
    int t = op_truthy(vm, v);
    *last = t == 1;
    return t >= 0;
}

/* Moves key (present in d with value v) to the front: rebuilds the order. */
static bool dict_move_front(VM *vm, ObjDict *d, Value key, Value v) {
    ObjList *items = list_new(vm, d->count * 2);
    if (!items) return false;
    int64_t pos = 0;
    Value k, w;
    while (dict_next(d, &pos, &k, &w)) {
        items->items[items->len++] = k;
        items->items[items->len++] = w;
    }
    if (!vm_push_root(vm, obj_val(items))) return false;
    dict_clear(vm, d);
    bool ok = dict_set(vm, d, key, v) == 0;
    for (int64_t i = 0; ok && i < items->len; i += 2) {
        if (items->items[i] != key) ok = dict_set(vm, d, items->items[i], items->items[i + 1]) == 0;
    }
    vm_pop_roots(vm, 1);
    return ok;
}

static Value odict_move_to_end(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 2) return exc_raise(vm, E_TypeError, "move_to_end() missing required argument 'key' (pos 1)");
    bool last;
    if (!last_arg(vm, "move_to_end", args, nargs, kw, 1, &last)) return ERR;
    ObjDict *d = AS(ObjDict, args[0]);
    Value v = dict_get(vm, d, args[1]);
    if (v == ERR) return ERR;
    if (v == UNDEF) return raise_key_error(vm, args[1]);
    if (!vm_push_root(vm, v)) return ERR;
    bool ok = last ? dict_del(vm, d, args[1]) >= 0 && dict_set(vm, d, args[1], v) == 0
                   : dict_move_front(vm, d, args[1], v);
    if (d->obj.spare & DICT_ORDERED)        /* the order changed: iterators notice */
        d->obj.spare = DICT_ORDERED | ((d->obj.spare + 1) & ~DICT_ORDERED);
    vm_pop_roots(vm, 1);
    return ok ? NONE_VAL : ERR;
}

static Value odict_popitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    bool last;
    if (!last_arg(vm, "popitem", args, nargs, kw, 0, &last)) return ERR;
    ObjDict *d = AS(ObjDict, args[0]);
    if (d->count == 0) return exc_raise(vm, E_KeyError, "dictionary is empty");
    Value key = UNDEF, val = UNDEF;
    if (last) {     /* the last live entry, from the end */
        for (int64_t i = d->live_hi - 1; i >= d->live_lo && key == UNDEF; i--) {
            key = d->entries[i].key;
            val = d->entries[i].value;
        }
    } else {
        int64_t pos = 0;
        dict_next(d, &pos, &key, &val);
    }
    ObjTuple *t = tuple_from(vm, (Value[]){key, val}, 2);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    int rc = dict_del(vm, d, key);
    vm_pop_roots(vm, 1);
    return rc < 0 ? ERR : obj_val(t);
}

/* Two OrderedDicts are equal only with their items in the same order; with
 * any other mapping, dict's own == decides (NotImplemented gets there). */
static Value odict_cmp(VM *vm, Value *args, int nargs, bool ne) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    ObjClass *oc = mod_class(vm, "OrderedDict");
    if (!oc) return ERR;
    if (!is_instance(vm, args[1], oc) && !from_fresh_copy(vm, type_of(vm, args[1]), oc)) return NOTIMPL_VAL;
    ObjDict *a = AS(ObjDict, args[0]), *b = AS(ObjDict, args[1]);
    bool eq = a->count == b->count;
    int64_t pa = 0, pb = 0;
    Value ka, va, kb, vb;
    while (eq && dict_next(a, &pa, &ka, &va) && dict_next(b, &pb, &kb, &vb)) {
        int e = op_eq(vm, ka, kb);
        if (e > 0) e = op_eq(vm, va, vb);
        if (e < 0) return ERR;
        eq = e;
    }
    return bool_val(eq != ne);
}
/* od | other and other | od: an OrderedDict of od's class, updated in order. */
static Value odict_union(VM *vm, Value *args, int nargs, bool reflected) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    if (!is_dict(args[1])) return NOTIMPL_VAL;
    Value d = op_call1(vm, obj_val(as_obj(args[0])->cls), reflected ? args[1] : args[0]);
    if (d == ERR || !vm_push_root(vm, d)) return ERR;
    bool ok = od_update_arg(vm, d, reflected ? args[0] : args[1]);
    vm_pop_roots(vm, 1);
    return ok ? d : ERR;
}
static Value odict_or(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return odict_union(vm, a, n, false); }
static Value odict_ror(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return odict_union(vm, a, n, true); }

static Value odict_eq(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return odict_cmp(vm, a, n, false); }
static Value odict_ne(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return odict_cmp(vm, a, n, true); }

/* keys(), values() and items(): dict's views with CPython's odict_keys,
 * odict_values and odict_items classes, subclasses of dict's (module
 * attributes _odict_keys, ...). */
static Value odict_view(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name) {
    char meth[24], cls[24];
    snprintf(meth, sizeof meth, "dict.%s", name);
    snprintf(cls, sizeof cls, "_odict_%s", name);
    if (!args_check(vm, meth, nargs - 1, kw, 0, 0)) return ERR;
    ObjClass *c = mod_class(vm, cls);
    return c ? dict_view_new(vm, args[0], c) : ERR;
}
static Value odict_keys(VM *vm, Value *a, int n, ObjTuple *kw) { return odict_view(vm, a, n, kw, "keys"); }
static Value odict_values(VM *vm, Value *a, int n, ObjTuple *kw) { return odict_view(vm, a, n, kw, "values"); }
static Value odict_items(VM *vm, Value *a, int n, ObjTuple *kw) { return odict_view(vm, a, n, kw, "items"); }

static bool odict_view_classes(VM *vm, ObjModule *m) {
    static const char *const names[] = {"_odict_keys", "_odict_values", "_odict_items"};
    for (int i = 0; i < 3; i++) {
        ObjClass *c = class_new_builtin(vm, names[i] + 1, vm->types[T_DICT_KEYS + i], OBJ_ITER);
        if (!c || !module_add_value(vm, m, names[i], obj_val(c))) return false;
    }
    return true;
}

/* od.pop(key, default=...) and od.setdefault(key, default=None): dict's,
 * with the keywords CPython's OrderedDict methods take. */
static Value odict_keyed(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name) {
    static const char *const names[] = {"key", "default"};
    Value p[2];
    if (!args_bind(vm, name, args + 1, nargs - 1, kw, names, 2, 2, 1, 0, p)) return ERR;
    Value fn = dict_get_str(vm->types[T_DICT]->dict, str_intern_cstr(vm, name));
    if (fn == UNDEF) return exc_raise(vm, E_RuntimeError, "dict.%s is gone", name);
    return op_call(vm, fn, (Value[]){args[0], p[0], p[1]}, p[1] == UNDEF ? 2 : 3, NULL);
}
static Value odict_pop(VM *vm, Value *a, int n, ObjTuple *kw) { return odict_keyed(vm, a, n, kw, "pop"); }

/* A subclass's setdefault goes through `in`, self[key] and self[key] =
 * default, which it may have redefined (CPython's does the same). */
static Value odict_setdefault(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *oc = mod_class(vm, "OrderedDict");
    if (!oc) return ERR;
    if (nargs < 1 || own_new(vm, as_obj(args[0])->cls) == own_new(vm, oc)) return odict_keyed(vm, args, nargs, kw, "setdefault");
    static const char *const names[] = {"key", "default"};
    Value p[2];
    if (!args_bind(vm, "setdefault", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, p)) return ERR;
    Value dflt = p[1] == UNDEF ? NONE_VAL : p[1];
    int in = op_contains(vm, args[0], p[0]);
    if (in < 0) return ERR;
    if (in) return op_getitem(vm, args[0], p[0]);
    return op_setitem(vm, args[0], p[0], dflt) < 0 ? ERR : dflt;
}

static Value dict_fromkeys(VM *vm, Value *args, int nargs, ObjTuple *kw);

/* OrderedDict.fromkeys(iterable, value=None) */
static Value odict_fromkeys(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"iterable", "value"};
    Value p[2];
    if (!args_bind(vm, "fromkeys", args + 1, nargs - 1, kw, names, 2, 2, 1, ARGS_INVALID_KW, p)) return ERR;
    return dict_fromkeys(vm, (Value[]){args[0], p[0], p[1]}, p[1] == UNDEF ? 2 : 3, NULL);
}

/* od.copy(): a subclass's copy is type(od)() filled with self[key] = od[key]
 * (both of which it may have redefined), as CPython's. */
static Value odict_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "copy", nargs - 1, kw, 0, 0)) return ERR;
    ObjClass *oc = mod_class(vm, "OrderedDict"), *cls = as_obj(args[0])->cls;
    if (!oc) return ERR;
    if (own_new(vm, cls) == own_new(vm, oc)) {
        ObjDict *d = dict_of(vm, cls);
        if (d) d->obj.spare = DICT_ORDERED;
        return copy_into(vm, d, args[0]);
    }
    Value d = op_call0(vm, obj_val(cls));
    if (d == ERR || !vm_push_root(vm, d)) return ERR;
    bool ok = od_add_keys(vm, d, args[0], UNDEF);
    vm_pop_roots(vm, 1);
    return ok ? d : ERR;
}

static Value odict_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjDict *d = AS(ObjDict, args[0]);
    bool cycle;
    if (!op_repr_enter(vm, as_obj(args[0]), &cycle)) return ERR;
    if (cycle) return str_from_cstr(vm, "...");
    StrBuf b = SB_INIT;
    sb_adds(&b, cls_name(args[0]));
    sb_addc(&b, '(');
    bool ok = !d->count || dict_body_repr(vm, d, &b);     /* CPython 3.12: OrderedDict({...}) */
    sb_addc(&b, ')');
    op_repr_leave(vm);
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* ---- Counter ------------------------------------------------------------ */

/* Whether self's class counts through dict's own get and __setitem__, so
 * counting may write the dict directly; a subclass that overrides either
 * sees each count go through it, as with CPython's _count_elements. */
static bool counter_plain(VM *vm, ObjDict *d) {
    ObjClass *dc = vm->types[T_DICT], *c = d->obj.cls;
    ObjStr *get = str_intern_cstr(vm, "get"), *set = vm_name(vm, N___setitem__);
    return get && class_lookup(c, get) == dict_get_str(dc->dict, get) &&
           class_lookup(c, set) == dict_get_str(dc->dict, set);
}

/* d[key] += n (or -= n), missing keys counting as 0; through d.get and
 * d[key] = ... unless plain. */
static bool count_add(VM *vm, ObjDict *d, Value key, Value n, bool sub, bool plain) {
    Value cur;
    if (plain) {
        cur = dict_get(vm, d, key);
    } else {
        ObjStr *get = str_intern_cstr(vm, "get");
        cur = get ? op_call_method(vm, obj_val(d), get, (Value[]){key, int_val(0)}, 2) : ERR;
    }
    if (cur == ERR) return false;
    Value r = cur == UNDEF ? (sub ? op_neg(vm, n) : n) : op_binary(vm, sub ? BIN_SUB : BIN_ADD, cur, n);
    if (r == ERR || !vm_push_root(vm, r)) return false;
    int rc = plain ? dict_set(vm, d, key, r) : op_setitem(vm, obj_val(d), key, r);
    vm_pop_roots(vm, 1);
    return rc == 0;
}

/* Whether src is a mapping: a dict, or an instance of
 * collections.abc.Mapping (whose counts Counter reads through items()).
 * -1 on error. */
static int is_mapping(VM *vm, Value src) {
    if (is_dict(src)) return 1;
    Value abc = import_module(vm, "collections.abc");
    if (abc == ERR) return -1;
    Value mapping = is_kind(abc, OBJ_MODULE) ? dict_get_str(AS(ObjModule, abc)->dict, str_intern_cstr(vm, "Mapping")) : UNDEF;
    return is_kind(mapping, OBJ_CLASS) && is_instance(vm, src, AS(ObjClass, mapping));
}

/* A mapping's (key, count) pairs, flattened into one list. */
static ObjList *mapping_pairs(VM *vm, Value src) {
    if (is_dict(src)) {
        ObjList *items = list_new(vm, AS(ObjDict, src)->count * 2);
        if (!items) return NULL;
        int64_t pos = 0;
        Value k, v;
        while (dict_next(AS(ObjDict, src), &pos, &k, &v)) {
            items->items[items->len++] = k;
            items->items[items->len++] = v;
        }
        return items;
    }
    Value pairs = op_call_method(vm, src, str_intern_cstr(vm, "items"), NULL, 0);
    ObjList *l = pairs == ERR ? NULL : op_to_list(vm, pairs);
    if (!l || !vm_push_root(vm, obj_val(l))) return NULL;
    ObjList *items = list_new(vm, l->len * 2);
    for (int64_t i = 0; items && i < l->len; i++) {
        Value p = l->items[i];
        if (!is_tuple(p) || AS(ObjTuple, p)->len != 2) {
            exc_raise(vm, E_TypeError, "items() must give (key, value) pairs");
            items = NULL;
            break;
        }
        items->items[items->len++] = AS(ObjTuple, p)->items[0];
        items->items[items->len++] = AS(ObjTuple, p)->items[1];
    }
    vm_pop_roots(vm, 1);
    return items;
}

/* Counter.update / subtract: from a mapping (adding its counts) or an
 * iterable (counting its items), then keywords. */
static bool counter_feed(VM *vm, ObjDict *d, Value src, Value *kwvals, ObjTuple *kw, bool sub) {
    bool plain = counter_plain(vm, d);
    if (src != UNDEF && src != NONE_VAL) {
        int m = is_mapping(vm, src);
        if (m < 0) return false;
        int step = m ? 2 : 1;
        ObjList *items = m ? mapping_pairs(vm, src) : op_to_list(vm, src);
        if (!items || !vm_push_root(vm, obj_val(items))) return false;
        bool ok = true;
        for (int64_t i = 0; ok && i < items->len; i += step)
            ok = count_add(vm, d, items->items[i], step == 2 ? items->items[i + 1] : int_val(1), sub, plain);
        vm_pop_roots(vm, 1);
        if (!ok) return false;
    }
    for (int64_t i = 0; kw && i < kw->len; i++) {
        if (!count_add(vm, d, kw->items[i], kwvals[i], sub, plain)) return false;
    }
    return true;
}

/* Counter() starts empty whatever the arguments: __init__ counts them, so
 * a subclass's __init__ may take others. */
static Value counter_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjClass *cls = new_class_arg(vm, args, nargs, "collections.Counter");
    ObjDict *d = cls ? dict_of(vm, cls) : NULL;
    return d ? obj_val(d) : ERR;
}

static Value counter_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs > 2)
        return exc_raise(vm, E_TypeError, "Counter.__init__() takes from 1 to 2 positional arguments but %d were given", nargs);
    if (!is_kind(args[0], OBJ_DICT)) return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'Counter' object");
    return counter_feed(vm, AS(ObjDict, args[0]), nargs > 1 ? args[1] : UNDEF, args + nargs, kw, false) ? NONE_VAL : ERR;
}

/* del c[key] ignores a missing key. */
static Value counter_delitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__delitem__", nargs - 1, kw, 1, 1)) return ERR;
    Value cur = dict_get(vm, AS(ObjDict, args[0]), args[1]);
    if (cur == ERR) return ERR;
    return cur == UNDEF || dict_del(vm, AS(ObjDict, args[0]), args[1]) >= 0 ? NONE_VAL : ERR;
}

static Value counter_update_impl(VM *vm, Value *args, int nargs, ObjTuple *kw, bool sub) {
    if (nargs > 2) return exc_raise(vm, E_TypeError, "Counter.%s() takes from 1 to 2 positional arguments but %d were given", sub ? "subtract" : "update", nargs);
    return counter_feed(vm, AS(ObjDict, args[0]), nargs > 1 ? args[1] : UNDEF, args + nargs, kw, sub) ? NONE_VAL : ERR;
}
static Value counter_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return counter_update_impl(vm, args, nargs, kw, false);
}
static Value counter_subtract(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return counter_update_impl(vm, args, nargs, kw, true);
}

static Value counter_missing(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "__missing__", nargs - 1, kw, 1, 1)) return ERR;
    return int_val(0);
}

static Value counter_total(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "total", nargs - 1, kw, 0, 0)) return ERR;
    Value sum = int_val(0);
    int64_t pos = 0;
    Value k, v;
    while (dict_next(AS(ObjDict, args[0]), &pos, &k, &v)) {
        if ((sum = op_binary(vm, BIN_ADD, sum, v)) == ERR) return ERR;
    }
    return sum;
}

/* The (key, count) pairs, most common first (a stable sort, so ties keep
 * insertion order). */
static ObjList *counter_sorted(VM *vm, ObjDict *d) {
    ObjList *l = list_new(vm, d->count);
    if (!l) return NULL;
    int64_t pos = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        ObjTuple *t = tuple_from(vm, (Value[]){k, v}, 2);
        if (!t) return NULL;
        l->items[l->len++] = obj_val(t);
    }
    Value getter = mod_get(vm, "_count_of");
    if (getter == ERR || !vm_push_root(vm, obj_val(l))) return NULL;
    int rc = list_sort(vm, l, getter, true);
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : l;
}

/* The sort key of counter_sorted: a pair's count. */
static Value count_of(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs != 1 || !is_tuple(args[0])) return exc_raise(vm, E_TypeError, "_count_of() expects a pair");
    return AS(ObjTuple, args[0])->items[1];
}

/* most_common(n) with an n that is no int: CPython's heapq.nlargest
 * compares it with 1 and the size first, so a float equal to 1 is fine, and
 * anything else fails as that comparison or the slicing or range after it
 * does. True when n equals 1 (l is then cut to its first item). */
static bool most_common_odd_n(VM *vm, Value n, ObjList *l) {
    int eq = op_eq(vm, n, int_val(1));
    if (eq < 0) return false;
    if (eq) {
        if (l->len > 1) l->len = 1;
        return true;
    }
    Value ge = op_compare(vm, CMP_GE, n, int_val(l->len));
    if (ge == ERR) return false;
    int big = op_truthy(vm, ge);
    if (big < 0) return false;
    if (big) exc_raise(vm, E_TypeError, "slice indices must be integers or None or have an __index__ method");
    else exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", n);
    return false;
}

static Value counter_most_common(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"n"};
    if (!args_check(vm, "most_common", nargs - 1, NULL, 0, 1)) return ERR;
    if (kw && !args_kw_only_py(vm, "Counter.most_common", kw, (const char *const[]){names[0], NULL})) return ERR;
    Value n = nargs > 1 ? args[1] : kw && kw->len ? args[nargs] : NONE_VAL;
    ObjList *l = counter_sorted(vm, AS(ObjDict, args[0]));
    if (!l) return ERR;
    if (n != NONE_VAL && !is_intlike(n)) return most_common_odd_n(vm, n, l) ? obj_val(l) : ERR;
    if (n != NONE_VAL) {
        int64_t k;
        if (!index_value(vm, n, &k, "most_common")) return ERR;
        if (k < 0) k = 0;
        if (k < l->len) l->len = k;
    }
    return obj_val(l);
}

static Value counter_elements(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "elements", nargs - 1, kw, 0, 0)) return ERR;
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;     /* a count's __index__ may collect */
    int64_t pos = 0;
    Value k, v;
    bool ok = true;
    while (ok && dict_next(AS(ObjDict, args[0]), &pos, &k, &v)) {
        int64_t n;
        ok = ssize_value(vm, v, &n);
        for (int64_t i = 0; ok && i < n; i++) ok = list_append(vm, l, k) == 0;
    }
    vm_pop_roots(vm, 1);
    return ok ? op_iter(vm, obj_val(l)) : ERR;
}

static Value counter_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "copy", nargs - 1, kw, 0, 0)) return ERR;
    ObjDict *d = dict_of(vm, as_obj(args[0])->cls);
    return copy_into(vm, d, args[0]);
}

static Value counter_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjDict *d = AS(ObjDict, args[0]);
    StrBuf b = SB_INIT;
    sb_adds(&b, cls_name(args[0]));
    sb_addc(&b, '(');
    bool ok = true;
    ObjList *l = d->count ? counter_sorted(vm, d) : NULL;
    if (d->count && !l) {
        /* Counts that do not compare print in insertion order, as CPython's
         * repr falls back to dict(self) on TypeError. */
        if (!exc_is(vm, vm->exc, E_TypeError)) { sb_free(&b); return ERR; }
        vm->exc = UNDEF;
        ok = dict_body_repr(vm, d, &b);
    } else if (l) {
        if (!vm_push_root(vm, obj_val(l))) { sb_free(&b); return ERR; }
        sb_addc(&b, '{');
        for (int64_t i = 0; ok && i < l->len; i++) {
            ObjTuple *t = AS(ObjTuple, l->items[i]);
            if (i) sb_adds(&b, ", ");
            ok = op_repr_to(vm, t->items[0], &b);
            sb_adds(&b, ": ");
            ok = ok && op_repr_to(vm, t->items[1], &b);
        }
        vm_pop_roots(vm, 1);
        sb_addc(&b, '}');
    }
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* Counter arithmetic: + - | & keep only positive counts, as CPython. The
 * in-place forms also take a plain dict (CPython reads other.items()). */
static Value counter_binop(VM *vm, Value *args, int nargs, BinOp op, bool inplace) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    ObjClass *cc = mod_class(vm, "Counter");
    if (!cc) return ERR;
    if (!is_instance(vm, args[1], cc) && !(inplace && is_dict(args[1]))) return NOTIMPL_VAL;
    ObjDict *a = AS(ObjDict, args[0]), *b = AS(ObjDict, args[1]);
    ObjDict *r = dict_of(vm, cc);
    if (!r || !vm_push_root(vm, obj_val(r))) return ERR;
    bool ok = true;
    /* Keys of a first, then those only in b. */
    for (int pass = 0; ok && pass < 2; pass++) {
        ObjDict *src = pass ? b : a, *other = pass ? a : b;
        int64_t pos = 0;
        Value k, v;
        while (ok && dict_next(src, &pos, &k, &v)) {
            Value w = dict_get(vm, other, k);
            if (w == ERR) { ok = false; break; }
            if (pass && w != UNDEF) continue;
            Value x = pass ? (w == UNDEF ? int_val(0) : w) : v, y = pass ? v : (w == UNDEF ? int_val(0) : w);
            Value res;
            if (op == BIN_ADD) res = op_binary(vm, BIN_ADD, x, y);
            else if (op == BIN_SUB) res = op_binary(vm, BIN_SUB, x, y);
            else {
                int lt = op_compare_bool(vm, CMP_LT, x, y);
                if (lt < 0) { ok = false; break; }
                res = (op == BIN_OR) == (lt == 1) ? y : x;
            }
            if (res == ERR) { ok = false; break; }
            int pos_ = op_compare_bool(vm, CMP_GT, res, int_val(0));
            if (pos_ < 0) { ok = false; break; }
            if (pos_ && !vm_push_root(vm, res)) { ok = false; break; }
            if (pos_) {
                ok = dict_set(vm, r, k, res) == 0;
                vm_pop_roots(vm, 1);
            }
        }
    }
    vm_pop_roots(vm, 1);
    return ok ? obj_val(r) : ERR;
}
static Value counter_add(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_binop(vm, a, n, BIN_ADD, false); }
static Value counter_sub(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_binop(vm, a, n, BIN_SUB, false); }
static Value counter_or(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_binop(vm, a, n, BIN_OR, false); }
static Value counter_and(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_binop(vm, a, n, BIN_AND, false); }

/* c += other and friends: the result of the binary form, copied back into
 * self so that the object (and its class) stays the same. */
static Value counter_inplace(VM *vm, Value *args, int nargs, BinOp op) {
    Value r = counter_binop(vm, args, nargs, op, true);
    if (r == ERR || r == NOTIMPL_VAL || !vm_push_root(vm, r)) return r == NOTIMPL_VAL ? r : ERR;
    ObjDict *self = AS(ObjDict, args[0]);
    dict_clear(vm, self);
    int rc = dict_update(vm, self, r);
    vm_pop_roots(vm, 1);
    return rc < 0 ? ERR : args[0];
}
static Value counter_iadd(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_inplace(vm, a, n, BIN_ADD); }
static Value counter_isub(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_inplace(vm, a, n, BIN_SUB); }
static Value counter_ior(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_inplace(vm, a, n, BIN_OR); }
static Value counter_iand(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_inplace(vm, a, n, BIN_AND); }

/* +c and -c: Counter() + c and Counter() - c. */
static Value counter_unary(VM *vm, Value *args, int nargs, BinOp op) {
    if (nargs != 1) return exc_raise(vm, E_TypeError, "expected 0 arguments, got %d", nargs - 1);
    ObjClass *cc = mod_class(vm, "Counter");
    ObjDict *zero = cc ? dict_of(vm, cc) : NULL;
    if (!zero || !vm_push_root(vm, obj_val(zero))) return ERR;
    Value r = counter_binop(vm, (Value[]){obj_val(zero), args[0]}, 2, op, false);
    vm_pop_roots(vm, 1);
    return r;
}
static Value counter_pos(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_unary(vm, a, n, BIN_ADD); }
static Value counter_neg(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_unary(vm, a, n, BIN_SUB); }

/* 1 when a[e] op b[e] holds for every key e of either (missing keys count
 * as 0), 0 when not, -1 on error. */
static int counter_all(VM *vm, ObjDict *a, ObjDict *b, CmpOp op) {
    for (int pass = 0; pass < 2; pass++) {
        int64_t pos = 0;
        Value k, v;
        while (dict_next(pass ? b : a, &pos, &k, &v)) {
            Value w = dict_get(vm, pass ? a : b, k);
            if (w == ERR) return -1;
            if (w == UNDEF) w = int_val(0);
            int t = pass ? op_compare_bool(vm, op, w, v) : op_compare_bool(vm, op, v, w);
            if (t <= 0) return t;
        }
    }
    return 1;
}

/* Rich comparison as multiset inclusion (Python 3.10+); < and > also need
 * the counters to differ. */
static Value counter_cmp(VM *vm, Value *args, int nargs, CmpOp op) {
    if (nargs != 2) return exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    ObjClass *cc = mod_class(vm, "Counter");
    if (!cc) return ERR;
    if (!is_instance(vm, args[1], cc)) return NOTIMPL_VAL;
    ObjDict *a = AS(ObjDict, args[0]), *b = AS(ObjDict, args[1]);
    CmpOp base = op == CMP_NE ? CMP_EQ : op == CMP_LT ? CMP_LE : op == CMP_GT ? CMP_GE : op;
    int t = counter_all(vm, a, b, base);
    if (t < 0) return ERR;
    if (op == CMP_NE) return bool_val(!t);
    if (t && (op == CMP_LT || op == CMP_GT)) {
        int eq = counter_all(vm, a, b, CMP_EQ);
        if (eq < 0) return ERR;
        t = !eq;
    }
    return bool_val(t);
}
static Value counter_eq(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_cmp(vm, a, n, CMP_EQ); }
static Value counter_ne(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_cmp(vm, a, n, CMP_NE); }
static Value counter_lt(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_cmp(vm, a, n, CMP_LT); }
static Value counter_le(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_cmp(vm, a, n, CMP_LE); }
static Value counter_gt(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_cmp(vm, a, n, CMP_GT); }
static Value counter_ge(VM *vm, Value *a, int n, ObjTuple *kw) { (void)kw; return counter_cmp(vm, a, n, CMP_GE); }

static Value counter_fromkeys(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return exc_raise(vm, E_NotImplementedError,
                     "Counter.fromkeys() is undefined.  Use Counter(iterable) instead.");
}

/* ---- namedtuple --------------------------------------------------------- */

static ObjTuple *nt_fields(VM *vm, ObjClass *cls) {
    Value f = class_lookup(cls, str_intern_cstr(vm, "_fields"));
    return is_tuple(f) ? AS(ObjTuple, f) : NULL;
}

/* "x, y, z": the field names, as the class's doc and __new__ list them. */
static void nt_arg_list(StrBuf *b, ObjTuple *fields) {
    for (int64_t i = 0; i < fields->len; i++) {
        if (i) sb_adds(b, ", ");
        sb_adds(b, AS(ObjStr, fields->items[i])->data);
    }
}

/* Sets fn.<name> = v (a str made from text when v is UNDEF). */
static bool set_fn_attr(VM *vm, Value fn, const char *name, const char *text, Value v) {
    if (v == UNDEF) v = str_from_cstr(vm, text);
    return v != ERR && op_setattr(vm, fn, str_intern_cstr(vm, name), v) == 0;
}

/* Evaluates `src` in a namespace of its own holding _tuple_new
 * (tuple.__new__) and no builtins, as CPython's namedtuple does; module
 * "namedtuple_<typename>". The caller keeps the class rooted. */
static Value nt_eval(VM *vm, ObjClass *c, const StrBuf *src) {
    ObjCode *code = src->oom ? NULL : compile_string(vm, src->data, (size_t)src->len, "<string>", COMPILE_EVAL, false);
    if (!code || !vm_push_root(vm, obj_val(code))) return ERR;
    Value tnew = dict_get_str(vm->types[T_TUPLE]->dict, vm_name(vm, N___new__));
    if (is_kind(tnew, OBJ_WRAPPER)) tnew = AS(ObjWrapper, tnew)->v;
    ObjDict *ns = dict_new(vm), *nobuiltins = dict_new(vm);
    StrBuf mod = SB_INIT;
    sb_addf(&mod, "namedtuple_%s", c->name->data);
    Value modname = mod.oom ? ERR : str_from_buf(vm, &mod);
    bool ok = ns && nobuiltins && modname != ERR && dict_set_str(vm, ns, str_intern_cstr(vm, "_tuple_new"), tnew) == 0 &&
              dict_set_str(vm, ns, str_intern_cstr(vm, "__builtins__"), obj_val(nobuiltins)) == 0 &&
              dict_set_str(vm, ns, vm_name(vm, N___name__), modname) == 0 && vm_push_root(vm, obj_val(ns));
    Value fn = ok ? interp_run_code(vm, code, ns, ns) : ERR;
    vm_pop_roots(vm, ok ? 2 : 1);
    return fn;
}

/* The class's __new__, made as CPython makes it: a function of the field
 * names, `lambda _cls, x, y: tuple.__new__(_cls, (x, y))`, so that its
 * signature, __defaults__ (which old code assigns to) and call errors are
 * a function's. The class's defaults are in field order. */
static bool nt_add_new(VM *vm, ObjClass *c, ObjTuple *fields, ObjDict *defaults) {
    StrBuf args = SB_INIT, src = SB_INIT, qual = SB_INIT, doc = SB_INIT;
    nt_arg_list(&args, fields);
    const char *a = args.data ? args.data : "";
    sb_addf(&src, "lambda _cls%s%s: _tuple_new(_cls, (%s%s))", fields->len ? ", " : "", a, a, fields->len ? "," : "");
    sb_addf(&qual, "%s.__new__", c->name->data);
    sb_addf(&doc, "Create new instance of %s(%s)", c->name->data, a);
    /* Running the code may collect, and the new class is not reachable
     * from anywhere yet. */
    bool rooted = vm_push_root(vm, obj_val(c));
    Value fn = rooted ? nt_eval(vm, c, &src) : ERR;
    bool ok = fn != ERR && vm_push_root(vm, fn);
    if (ok) {
        ObjTuple *dt = tuple_new(vm, defaults->count);
        int64_t pos = 0, i = 0;
        Value k, v;
        while (dt && dict_next(defaults, &pos, &k, &v)) dt->items[i++] = v;
        ObjWrapper *w = dt ? gc_new(vm, sizeof(ObjWrapper), OBJ_WRAPPER, vm->types[T_STATICMETHOD]) : NULL;
        ok = w && !qual.oom && !doc.oom && set_fn_attr(vm, fn, "__name__", "__new__", UNDEF) &&
             set_fn_attr(vm, fn, "__qualname__", qual.data, UNDEF) && set_fn_attr(vm, fn, "__doc__", doc.data, UNDEF) &&
             (!dt->len || set_fn_attr(vm, fn, "__defaults__", NULL, obj_val(dt)));
        if (ok) w->v = fn;
        ok = ok && dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(w)) == 0;
        vm_pop_roots(vm, 1);
    }
    if (rooted) vm_pop_roots(vm, 1);
    sb_free(&args); sb_free(&src); sb_free(&qual); sb_free(&doc);
    return ok;
}

static Value nt_getfield(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    int64_t i = as_int(args[0]);
    if (nargs != 2 || !is_tuple(args[1]))
        return exc_raise(vm, E_TypeError, "descriptor for index '%lld' for tuple subclasses doesn't apply to '%T' object",
                         (long long)i, nargs == 2 ? args[1] : NONE_VAL);
    ObjTuple *t = AS(ObjTuple, args[1]);
    return i >= 0 && i < t->len ? t->items[i] : exc_raise(vm, E_IndexError, "tuple index out of range");
}

/* A field's setter and deleter: fields are fixed, as CPython's _tuplegetter. */
static Value nt_fixed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)kw;
    return exc_raise(vm, E_AttributeError, nargs > 1 ? "can't set attribute" : "can't delete attribute");
}

static Value nt_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjTuple *t = AS(ObjTuple, args[0]), *fields = nt_fields(vm, as_obj(args[0])->cls);
    if (!fields) return exc_raise(vm, E_TypeError, "not a namedtuple");
    StrBuf b = SB_INIT;
    sb_adds(&b, cls_name(args[0]));
    sb_addc(&b, '(');
    bool ok = true;
    for (int64_t i = 0; ok && i < t->len && i < fields->len; i++) {
        if (i) sb_adds(&b, ", ");
        sb_adds(&b, AS(ObjStr, fields->items[i])->data);
        sb_addc(&b, '=');
        ok = op_repr_to(vm, t->items[i], &b);
    }
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

static Value nt_asdict(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_asdict", nargs - 1, kw, 0, 0)) return ERR;
    ObjTuple *t = AS(ObjTuple, args[0]), *fields = nt_fields(vm, as_obj(args[0])->cls);
    ObjDict *d = fields ? dict_new(vm) : NULL;
    if (!d) return ERR;
    for (int64_t i = 0; i < t->len && i < fields->len; i++) {
        if (dict_set(vm, d, fields->items[i], t->items[i]) < 0) return ERR;
    }
    return obj_val(d);
}

/* tuple(self): what copy and pickle pass back to __new__. */
static Value nt_getnewargs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getnewargs__", nargs - 1, kw, 0, 0)) return ERR;
    ObjTuple *t = AS(ObjTuple, args[0]);
    ObjTuple *r = tuple_from(vm, t->items, t->len);
    return r ? obj_val(r) : ERR;
}

static Value nt_replace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs != 1) return exc_raise(vm, E_TypeError, "_replace() takes 1 positional argument but %d were given", nargs);
    ObjClass *cls = as_obj(args[0])->cls;
    ObjTuple *src = AS(ObjTuple, args[0]), *fields = nt_fields(vm, cls);
    ObjTuple *t = fields ? gc_new_instance(vm, sizeof(ObjTuple) + (size_t)src->len * sizeof(Value), OBJ_TUPLE, cls) : NULL;
    if (!t) return ERR;
    t->len = src->len;
    copy_values(t->items, src->items, src->len);
    StrBuf bad = SB_INIT;
    for (int64_t k = 0; kw && k < kw->len; k++) {
        int64_t i = 0;
        while (i < fields->len && !str_eq(AS(ObjStr, fields->items[i]), AS(ObjStr, kw->items[k]))) i++;
        if (i < fields->len && i < t->len) { t->items[i] = args[nargs + k]; continue; }
        sb_adds(&bad, bad.len ? ", " : "[");
        str_repr_to(&bad, AS(ObjStr, kw->items[k])->data, (size_t)AS(ObjStr, kw->items[k])->len);
    }
    if (bad.len) {
        sb_addc(&bad, ']');
        Value e = exc_raise(vm, E_ValueError, "Got unexpected field names: %s", bad.data);
        sb_free(&bad);
        return e;
    }
    return obj_val(t);
}

static Value nt_make(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_make", nargs - 1, kw, 1, 1)) return ERR;
    ObjClass *cls = AS(ObjClass, args[0]);
    ObjTuple *fields = nt_fields(vm, cls);
    ObjList *l = fields ? op_to_list(vm, args[1]) : NULL;
    if (!l) return fields ? ERR : exc_raise(vm, E_TypeError, "not a namedtuple class");
    if (l->len != fields->len)
        return exc_raise(vm, E_TypeError, "Expected %lld arguments, got %lld", (long long)fields->len, (long long)l->len);
    ObjTuple *t = gc_new_instance(vm, sizeof(ObjTuple) + (size_t)l->len * sizeof(Value), OBJ_TUPLE, cls);
    if (!t) return ERR;
    t->len = l->len;
    copy_values(t->items, l->items, l->len);
    return obj_val(t);
}

static bool is_identifier(ObjStr *s) {
    if (s->len == 0) return false;
    for (int64_t i = 0; i < s->len; i++) {
        unsigned char c = (unsigned char)s->data[i];
        if (!(c >= 0x80 || c == '_' || isalpha(c) || (i > 0 && isdigit(c)))) return false;
    }
    return true;
}

static bool is_keyword(const char *s) {
    static const char *const kws[] = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
        "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    };
    for (size_t i = 0; i < sizeof kws / sizeof kws[0]; i++) {
        if (!strcmp(kws[i], s)) return true;
    }
    return false;
}

/* The field names: a list/tuple of str, or one str split on commas and
 * whitespace. */
static ObjList *nt_field_names(VM *vm, Value spec) {
    if (!is_str(spec)) {
        ObjList *l = op_to_list(vm, spec);
        for (int64_t i = 0; l && i < l->len; i++) {
            if (!is_str(l->items[i])) {
                exc_raise(vm, E_TypeError, "Type names and field names must be strings");
                return NULL;
            }
        }
        return l;
    }
    ObjList *l = list_new(vm, 0);
    const char *p = AS(ObjStr, spec)->data, *end = p + AS(ObjStr, spec)->len;
    while (l && p < end) {
        while (p < end && (*p == ',' || isspace((unsigned char)*p))) p++;
        const char *q = p;
        while (q < end && *q != ',' && !isspace((unsigned char)*q)) q++;
        if (q > p) {
            Value s = str_new(vm, p, (size_t)(q - p));
            if (s == ERR || list_append(vm, l, s) < 0) return NULL;
        }
        p = q;
    }
    return l;
}

static bool nt_check_name(VM *vm, ObjStr *s, bool field) {
    if (!is_identifier(s)) {
        exc_raise(vm, E_ValueError, "Type names and field names must be valid identifiers: %R", obj_val(s));
        return false;
    }
    if (is_keyword(s->data)) {
        exc_raise(vm, E_ValueError, "Type names and field names cannot be a keyword: %R", obj_val(s));
        return false;
    }
    if (field && s->data[0] == '_') {
        exc_raise(vm, E_ValueError, "Field names cannot start with an underscore: %R", obj_val(s));
        return false;
    }
    return true;
}

/* rename=True: each invalid or repeated field name becomes _<index>. */
static bool nt_rename(VM *vm, ObjList *fl) {
    for (int64_t i = 0; i < fl->len; i++) {
        ObjStr *s = AS(ObjStr, fl->items[i]);
        bool bad = !is_identifier(s) || is_keyword(s->data) || s->data[0] == '_';
        for (int64_t j = 0; !bad && j < i; j++) bad = str_eq(s, AS(ObjStr, fl->items[j]));
        if (!bad) continue;
        char buf[32];
        snprintf(buf, sizeof buf, "_%lld", (long long)i);
        Value r = str_from_cstr(vm, buf);
        if (r == ERR) return false;
        fl->items[i] = r;
    }
    return true;
}

/* The __name__ of the module running the namedtuple() call. */
static Value caller_module(VM *vm) {
    Frame *f = vm->fiber ? vm->fiber->frame : NULL;
    Value n = f && f->globals ? dict_get_str(f->globals, vm_name(vm, N___name__)) : UNDEF;
    return is_str(n) ? n : str_from_cstr(vm, "__main__");
}

/* A _tuplegetter for field i: a read-only descriptor of kind OBJ_PROPERTY
 * (its getter nt_getfield bound to i) but class collections._tuplegetter,
 * which (as in CPython) is not a property, so isinstance(P.x, property) is
 * False and doctest does not collect it. */
static Value tuplegetter_make(VM *vm, ObjClass *getter_cls, int64_t i, Value doc) {
    ObjNative *get = native_new(vm, "_tuplegetter", nt_getfield);
    Value g = get ? bound_new(vm, int_val(i), obj_val(get)) : ERR;
    if (g == ERR || !vm_push_root(vm, g)) return ERR;
    ObjNative *fixed = native_new(vm, "__set__", nt_fixed);
    if (!fixed || !vm_push_root(vm, obj_val(fixed))) { vm_pop_roots(vm, 1); return ERR; }
    ObjProperty *p = gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, getter_cls);
    vm_pop_roots(vm, 2);
    if (!p) return ERR;
    p->fget = g;
    p->fset = p->fdel = obj_val(fixed);
    p->doc = doc;
    return obj_val(p);
}

/* The field index a _tuplegetter reads (0 for one not made here). */
static int64_t tuplegetter_index(Value self) {
    ObjProperty *p = AS(ObjProperty, self);
    return is_kind(p->fget, OBJ_BOUND) ? as_int(AS(ObjBound, p->fget)->self) : 0;
}

/* _tuplegetter(index, doc), as CPython's constructor (namedtuple's pickled
 * fields come back through it). */
static Value tuplegetter_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *cls = new_class_arg(vm, args, nargs, "collections._tuplegetter");
    if (!cls) return ERR;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "_tuplegetter() takes no keyword arguments");
    if (nargs != 3) return exc_raise(vm, E_TypeError, "_tuplegetter expected 2 arguments, got %d", nargs - 1);
    int64_t i;
    if (!index_value(vm, args[1], &i, NULL)) return ERR;
    return tuplegetter_make(vm, cls, i, args[2]);
}

static Value tuplegetter_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "_tuplegetter(%lld, ", (long long)tuplegetter_index(args[0]));
    bool ok = op_repr_to(vm, AS(ObjProperty, args[0])->doc, &b);
    sb_addc(&b, ')');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* (type(self), (index, doc)), so a field descriptor pickles. */
static Value tuplegetter_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    Value inner[2] = {int_val(tuplegetter_index(args[0])), AS(ObjProperty, args[0])->doc};
    ObjTuple *t = tuple_from(vm, inner, 2);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    Value outer[2] = {obj_val(as_obj(args[0])->cls), obj_val(t)};
    ObjTuple *r = tuple_from(vm, outer, 2);
    vm_pop_roots(vm, 1);
    return r ? obj_val(r) : ERR;
}

/* Field i of a namedtuple class, with CPython's doc. */
static bool nt_add_field(VM *vm, ObjClass *c, ObjStr *name, int64_t i) {
    ObjClass *getter_cls = mod_class(vm, "_tuplegetter");
    if (!getter_cls) return false;
    char doc[48];
    snprintf(doc, sizeof doc, "Alias for field number %lld", (long long)i);
    Value d = str_from_cstr(vm, doc);
    if (d == ERR || !vm_push_root(vm, d)) return false;
    Value p = tuplegetter_make(vm, getter_cls, i, d);
    vm_pop_roots(vm, 1);
    return p != ERR && dict_set_str(vm, c->dict, name, p) == 0;
}

static Value collections_namedtuple(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"typename", "field_names", "rename", "defaults", "module"};
    Value p[5] = {UNDEF, UNDEF, UNDEF, UNDEF, UNDEF};
    if (nargs > 2) return exc_raise(vm, E_TypeError, "namedtuple() takes 2 positional arguments but %d were given", nargs);
    for (int i = 0; i < nargs; i++) p[i] = args[i];
    for (int64_t k = 0; kw && k < kw->len; k++) {
        const char *key = AS(ObjStr, kw->items[k])->data;
        int i = 0;
        while (i < 5 && strcmp(names[i], key) != 0) i++;
        if (i == 5 || (i < 2 && p[i] != UNDEF))
            return exc_raise(vm, E_TypeError, "namedtuple() got an unexpected keyword argument '%s'", key);
        p[i] = args[nargs + k];
    }
    if (p[0] == UNDEF || p[1] == UNDEF)
        return exc_raise(vm, E_TypeError, "namedtuple() missing %d required positional argument%s: %s",
                         p[0] == UNDEF && p[1] == UNDEF ? 2 : 1, p[0] == UNDEF && p[1] == UNDEF ? "s" : "",
                         p[0] == UNDEF ? (p[1] == UNDEF ? "'typename' and 'field_names'" : "'typename'") : "'field_names'");
    if (!is_str(p[0])) return exc_raise(vm, E_TypeError, "Type names and field names must be strings");
    if (!nt_check_name(vm, AS(ObjStr, p[0]), false)) return ERR;
    ObjList *fl = nt_field_names(vm, p[1]);
    if (!fl) return ERR;
    int rename = p[2] == UNDEF ? 0 : op_truthy(vm, p[2]);
    if (rename < 0 || (rename && !nt_rename(vm, fl))) return ERR;
    for (int64_t i = 0; i < fl->len; i++) {
        ObjStr *s = AS(ObjStr, fl->items[i]);
        if (!nt_check_name(vm, s, !rename)) return ERR;
        for (int64_t j = 0; j < i; j++) {
            if (str_eq(s, AS(ObjStr, fl->items[j])))
                return exc_raise(vm, E_ValueError, "Encountered duplicate field name: %R", obj_val(s));
        }
    }
    ObjDict *defaults = dict_new(vm);
    if (!defaults) return ERR;
    if (p[3] != UNDEF && p[3] != NONE_VAL) {
        if (!vm_push_root(vm, obj_val(fl))) return ERR;
        if (!vm_push_root(vm, obj_val(defaults))) { vm_pop_roots(vm, 1); return ERR; }
        ObjList *dl = op_to_list(vm, p[3]);
        vm_pop_roots(vm, 2);
        if (!dl) return ERR;
        if (dl->len > fl->len) return exc_raise(vm, E_TypeError, "Got more default values than field names");
        for (int64_t i = 0; i < dl->len; i++) {
            if (dict_set(vm, defaults, fl->items[fl->len - dl->len + i], dl->items[i]) < 0) return ERR;
        }
    }
    ObjStr *tn = str_intern(vm, AS(ObjStr, p[0])->data, (size_t)AS(ObjStr, p[0])->len);
    Value modname = p[4] != UNDEF && p[4] != NONE_VAL ? p[4] : caller_module(vm);
    ObjTuple *fields = tn && modname != ERR ? tuple_from(vm, fl->items, fl->len) : NULL;
    ObjClass *c = fields ? new_class(vm, tn->data, vm->types[T_TUPLE], OBJ_TUPLE, modname) : NULL;
    if (!c) return ERR;
    /* __slots__ = (), as CPython's: a subclass with empty __slots__ makes
     * instances without a dict too */
    c->slots = dict_new(vm);
    if (!c->slots || dict_set_str(vm, c->dict, str_intern_cstr(vm, "__slots__"), obj_val(vm->empty_tuple)) < 0)
        return ERR;
    c->obj.flags |= CLASS_SLOTS;
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__repr__", nt_repr}, {"_asdict", nt_asdict}, {"_replace", nt_replace},
        {"__getnewargs__", nt_getnewargs},
    };
    if (!class_add_classmethod(vm, c, "_make", nt_make)) return ERR;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return ERR;
    }
    ObjTuple *no_slots = tuple_from(vm, NULL, 0);
    if (!no_slots || dict_set_str(vm, c->dict, str_intern_cstr(vm, "__slots__"), obj_val(no_slots)) < 0 ||
        dict_set_str(vm, c->dict, str_intern_cstr(vm, "_fields"), obj_val(fields)) < 0 ||
        dict_set_str(vm, c->dict, str_intern_cstr(vm, "__match_args__"), obj_val(fields)) < 0 ||
        dict_set_str(vm, c->dict, str_intern_cstr(vm, "_field_defaults"), obj_val(defaults)) < 0 ||
        !nt_add_new(vm, c, fields, defaults))     /* after: fields and defaults are reachable from c */
        return ERR;
    /* CPython's docstring: "Point(x, y)" */
    StrBuf doc = SB_INIT;
    sb_adds(&doc, c->name->data);
    sb_addc(&doc, '(');
    nt_arg_list(&doc, fields);
    if (fields->len == 1) sb_addc(&doc, ',');   /* CPython's "P(x,)", its one-item tuple */
    sb_addc(&doc, ')');
    Value docstr = str_from_buf(vm, &doc);
    if (docstr == ERR || dict_set_str(vm, c->dict, vm_name(vm, N___doc__), docstr) < 0) return ERR;
    for (int64_t i = 0; i < fields->len; i++) {
        if (!nt_add_field(vm, c, AS(ObjStr, fields->items[i]), i)) return ERR;
    }
    return obj_val(c);
}

/* ---- the module --------------------------------------------------------- */

typedef struct MethodDef {
    const char *name;
    NativeFn fn;
} MethodDef;

/* cls.fromkeys(iterable, value=None): cls() filled through its __setitem__. */
static Value dict_fromkeys(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "fromkeys", nargs - 1, kw, 1, 2)) return ERR;
    Value d = op_call0(vm, args[0]);
    if (d == ERR || !vm_push_root(vm, d)) return ERR;
    Value it = op_iter(vm, args[1]), r = d;
    if (it == ERR || !vm_push_root(vm, it)) { vm_pop_roots(vm, 1); return ERR; }
    for (;;) {
        Value k = op_next(vm, it);
        if (k == UNDEF) break;
        if (k == ERR || op_setitem(vm, d, k, nargs > 2 ? args[2] : NONE_VAL) < 0) { r = ERR; break; }
    }
    vm_pop_roots(vm, 2);
    return r;
}

static ObjClass *dict_class(VM *vm, ObjModule *m, const char *name, NativeFn ctor, const MethodDef *methods,
                            size_t n, Value modname) {
    ObjClass *c = new_class(vm, name, vm->types[T_DICT], OBJ_DICT, modname);
    /* What messages call it: CPython's C types say "collections.OrderedDict";
     * Counter is written in Python there, so it goes by its name. */
    char tp[64];
    snprintf(tp, sizeof tp, "collections.%s", name);
    if (c && strcmp(name, "Counter") != 0 && !(c->tp_name = str_intern_cstr(vm, tp))) return NULL;
    if (!c || !add_static_new(vm, c, ctor) || !class_add_classmethod(vm, c, "fromkeys", dict_fromkeys))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return NULL;
    }
    return module_add_value(vm, m, name, obj_val(c)) ? c : NULL;
}

/* ---- the classes written in Asy -------------------------------------------- */

/* ChainMap, UserDict, UserList, UserString and _count_elements live in
 * stdlib/_collections_py.asy, loaded on first use; `collections.abc` is the
 * module of that name (stdlib/collections.abc.asy). */
static Value collections_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"ChainMap", "UserDict", "UserList", "UserString", "_count_elements", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    if (is_str(args[0]) && !strcmp(AS(ObjStr, args[0])->data, "abc")) return import_module(vm, "collections.abc");
    return module_lazy_attr(vm, "collections", "_collections_py", names, args[0]);
}

/* `from collections import *` must also bring the lazily loaded classes. */
static const char *const collections_all[] = {"ChainMap", "Counter", "OrderedDict", "UserDict", "UserList",
                                              "UserString", "defaultdict", "deque", "namedtuple", NULL};

bool mod_collections_init(VM *vm, ObjModule *m) {
    static const MethodDef dd_methods[] = {
        {"__missing__", defaultdict_missing}, {"copy", defaultdict_copy}, {"__copy__", defaultdict_copy},
        {"__repr__", defaultdict_repr}, {"__or__", defaultdict_or}, {"__ror__", defaultdict_ror},
    };
    static const MethodDef od_methods[] = {
        {"__init__", odict_init}, {"update", odict_update}, {"__ior__", odict_ior}, {"move_to_end", odict_move_to_end}, {"popitem", odict_popitem}, {"copy", odict_copy},
        {"pop", odict_pop}, {"setdefault", odict_setdefault}, {"__repr__", odict_repr}, {"__eq__", odict_eq}, {"__ne__", odict_ne},
        {"__or__", odict_or}, {"__ror__", odict_ror}, {"keys", odict_keys}, {"values", odict_values},
        {"items", odict_items},
    };
    static const MethodDef ct_methods[] = {
        {"__init__", counter_init}, {"__delitem__", counter_delitem}, {"__missing__", counter_missing}, {"update", counter_update}, {"subtract", counter_subtract},
        {"total", counter_total}, {"most_common", counter_most_common}, {"elements", counter_elements},
        {"copy", counter_copy}, {"__copy__", counter_copy}, {"__repr__", counter_repr},
        {"__add__", counter_add}, {"__sub__", counter_sub}, {"__or__", counter_or}, {"__and__", counter_and},
        {"__iadd__", counter_iadd}, {"__isub__", counter_isub}, {"__ior__", counter_ior}, {"__iand__", counter_iand},
        {"__pos__", counter_pos}, {"__neg__", counter_neg}, {"__eq__", counter_eq}, {"__ne__", counter_ne},
        {"__lt__", counter_lt}, {"__le__", counter_le}, {"__gt__", counter_gt}, {"__ge__", counter_ge},
    };
    Value modname = str_from_cstr(vm, "collections");
    if (modname == ERR || !deque_init_class(vm, m, modname)) return false;
    ObjClass *tg = new_class(vm, "_tuplegetter", vm->types[T_OBJECT], OBJ_PROPERTY, modname);
    if (!tg || !module_add_value(vm, m, "_tuplegetter", obj_val(tg))) return false;
    tg->obj.flags |= CLASS_BUILTIN;      /* not subclassable, as CPython's */
    static const char *const descr_methods[] = {"__get__", "__set__", "__delete__"};
    for (size_t i = 0; i < 3; i++) {     /* property's own natives, which take any OBJ_PROPERTY */
        Value fn = dict_get_str(vm->types[T_PROPERTY]->dict, str_intern_cstr(vm, descr_methods[i]));
        if (!is_kind(fn, OBJ_NATIVE) || !class_add_native(vm, tg, descr_methods[i], AS(ObjNative, fn)->fn))
            return false;
    }
    if (!add_static_new(vm, tg, tuplegetter_new) || !class_add_native(vm, tg, "__repr__", tuplegetter_repr) ||
        !class_add_native(vm, tg, "__reduce__", tuplegetter_reduce))
        return false;
    ObjClass *dd = dict_class(vm, m, "defaultdict", defaultdict_new, dd_methods, sizeof dd_methods / sizeof dd_methods[0], modname);
    if (!dd || !class_add_property(vm, dd, "default_factory", defaultdict_factory_get) || !class_add_generic(vm, dd))
        return false;
    /* no __dict__, as CPython's: a defaultdict takes no attributes (its
     * factory is hidden state, not one); subclasses have a dict as usual */
    if (!(dd->slots = dict_new(vm))) return false;
    dd->obj.flags |= CLASS_SLOTS;
    Value fp = dict_get_str(dd->dict, str_intern_cstr(vm, "default_factory"));
    ObjNative *fs = native_new(vm, "default_factory", defaultdict_factory_set);
    if (!fs) return false;
    AS(ObjProperty, fp)->fset = AS(ObjProperty, fp)->fdel = obj_val(fs);
    dd->obj.flags |= CLASS_SUBTYPE;     /* instances are OBJ_SUBTYPE, with hidden state */
    if (!class_add_native(vm, dd, "__init__", defaultdict_init)) return false;
    ObjClass *od = odict_view_classes(vm, m) ? dict_class(vm, m, "OrderedDict", odict_new, od_methods,
                                                          sizeof od_methods / sizeof od_methods[0], modname) : NULL;
    if (!od) return false;
    /* Instances take attributes, which copy and pickle keep (through
     * object.__reduce_ex__, as CPython's OrderedDict.__reduce__). */
    od->obj.flags |= CLASS_SUBTYPE;
    if (!(od->tp_name = str_intern_cstr(vm, "collections.OrderedDict"))) return false;
    if (!class_add_dict_getset(vm, od) || !class_add_classmethod(vm, od, "fromkeys", odict_fromkeys)) return false;
    ObjClass *ct = dict_class(vm, m, "Counter", counter_new, ct_methods, sizeof ct_methods / sizeof ct_methods[0], modname);
    if (!ct) return false;
    /* Instances are OBJ_SUBTYPE, so that `del c[k]` reaches __delitem__ and
     * they take attributes, as CPython's. */
    ct->obj.flags |= CLASS_SUBTYPE;
    if (!class_add_dict_getset(vm, ct)) return false;
    ObjNative *fk = native_new(vm, "fromkeys", counter_fromkeys);
    if (!fk || dict_set_str(vm, ct->dict, fk->name, obj_val(fk)) < 0) return false;
    return module_add_native(vm, m, "_count_of", count_of) && module_add_native(vm, m, "namedtuple", collections_namedtuple) &&
           module_add_native(vm, m, "__getattr__", collections_getattr) && module_add_all(vm, m, collections_all);
}
