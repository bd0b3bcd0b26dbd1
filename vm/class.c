/* Classes: builtin types and user classes, the C3 method resolution order,
 * lookup along it, instance creation, object's and type's own methods, and
 * super(). */
#include <stdlib.h>

#include "class.h"
#include "dir_extras.h"

#include "builtin_docs.h"

#include "containers.h"
#include "exc.h"
#include "finalize.h"
#include "func.h"
#include "gc.h"
#include "frameobj.h"
#include "memview.h"
#include "import.h"
#include "interp.h"
#include "ops.h"
#include "str.h"
#include "subtype.h"
#include "weakref.h"

enum { OWN_SLOTS = 1, SLOT_DICT = 2, SLOT_WEAKREF = 4 };     /* what a class's own __slots__ say */

static ObjClass *class_alloc_obj(VM *vm, ObjClass *meta, ObjStr *name) {
    ObjClass *c = gc_new(vm, sizeof(ObjClass), OBJ_CLASS, meta);
    if (!c) return NULL;
    c->name = c->qualname = name;
    c->tp_name = NULL;
    c->module = UNDEF;
    c->ctor = UNDEF;
    c->init = c->new_fn = UNDEF;
    c->init_version = (uint32_t)-1;
    c->dict = dict_new(vm);
    return c->dict ? c : NULL;
}

ObjClass *class_new_builtin(VM *vm, const char *name, ObjClass *base, ObjKind kind) {
    ObjStr *s = str_intern_cstr(vm, name);
    if (!s) return NULL;
    ObjClass *c = class_alloc_obj(vm, vm->types[T_TYPE], s);
    if (!c) return NULL;
    c->obj.flags = CLASS_BUILTIN;
    c->instance_kind = (uint8_t)kind;
    c->bases = base ? tuple_from(vm, (Value[]){obj_val(base)}, 1) : tuple_new(vm, 0);
    if (!c->bases) return NULL;
    int64_t n = base ? base->mro->len + 1 : 1;
    c->mro = tuple_new(vm, n);
    if (!c->mro) return NULL;
    c->mro->items[0] = obj_val(c);
    for (int64_t i = 1; i < n; i++) c->mro->items[i] = base->mro->items[i - 1];
    return c;
}

Value class_lookup(ObjClass *cls, ObjStr *name) {
    ObjTuple *mro = cls->mro;
    for (int64_t i = 0; i < mro->len; i++) {
        Value v = dict_get_str(AS(ObjClass, mro->items[i])->dict, name);
        if (v != UNDEF) return v;
    }
    return UNDEF;
}

Value class_lookup_cached(ObjClass *cls, ObjStr *name) {
    return (cls->obj.flags & CLASS_HAS_GETATTRIBUTE) ? NONE_VAL : class_lookup(cls, name);
}

bool class_is_subclass(ObjClass *a, ObjClass *b) {
    if (a == b) return true;
    ObjTuple *mro = a->mro;
    for (int64_t i = 0; i < mro->len; i++) {
        if (AS(ObjClass, mro->items[i]) == b) return true;
    }
    return false;
}

bool is_instance(VM *vm, Value v, ObjClass *cls) { return class_is_subclass(type_of(vm, v), cls); }

void class_changed(VM *vm, ObjClass *cls) {
    (void)cls;
    vm->class_version++;
}

bool class_add_static(VM *vm, ObjClass *cls, const char *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name, fn);
    if (!n) return false;
    n->owner = cls;
    if (!strcmp(name, "__new__")) n->obj.flags |= NATIVE_NEW;
    return dict_set_str(vm, cls->dict, n->name, obj_val(n)) == 0;
}

bool class_add_native(VM *vm, ObjClass *cls, const char *name, NativeFn fn) {
    if (!strcmp(name, "__new__")) return class_add_static(vm, cls, name, fn);
    ObjNative *n = native_new(vm, name, fn);
    if (!n) return false;
    native_make_method(vm, n, cls);
    return dict_set_str(vm, cls->dict, n->name, obj_val(n)) == 0;
}

bool class_add_property(VM *vm, ObjClass *cls, const char *name, NativeFn getter) {
    ObjNative *g = native_new(vm, name, getter);
    ObjProperty *p = g ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_GETSET_DESCRIPTOR]) : NULL;
    ObjStr *s = p ? str_intern_cstr(vm, name) : NULL;
    if (!s) return false;
    p->fget = obj_val(g);
    p->fset = p->fdel = p->name = NONE_VAL;
    p->doc = obj_val(cls);      /* a getset descriptor's owner (descr_owner) */
    return dict_set_str(vm, cls->dict, s, obj_val(p)) == 0;
}

bool class_add_member(VM *vm, ObjClass *cls, const char *name, NativeFn getter, const char *doc) {
    Value d = str_from_cstr(vm, doc);
    if (d == ERR || !vm_push_root(vm, d)) return false;
    ObjStr *s = str_intern_cstr(vm, name);
    ObjTuple *info = s ? tuple_from(vm, (Value[]){obj_val(s), obj_val(cls)}, 2) : NULL;
    if (!info || !vm_push_root(vm, obj_val(info))) { vm_pop_roots(vm, 1); return false; }
    ObjNative *g = native_new(vm, name, getter);
    ObjProperty *p = g ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_MEMBER_DESCRIPTOR]) : NULL;
    vm_pop_roots(vm, 2);
    if (!p) return false;
    g->self = obj_val(info);    /* (name, owner), as a __slots__ member's (member_info) */
    p->fget = obj_val(g);
    p->fset = p->fdel = NONE_VAL;
    p->doc = d;
    return dict_set_str(vm, cls->dict, s, obj_val(p)) == 0;
}

bool class_add_classmethod(VM *vm, ObjClass *cls, const char *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name, fn);
    ObjWrapper *w = n ? gc_new(vm, sizeof(ObjWrapper), OBJ_WRAPPER, vm->types[T_CLASSMETHOD]) : NULL;
    if (!w) return false;
    n->owner = cls;     /* its __qualname__ */
    w->v = obj_val(n);
    return dict_set_str(vm, cls->dict, n->name, obj_val(w)) == 0;
}

/* ---- the C3 linearization ---------------------------------------------- */

/* Merges the MROs of the bases (and the bases list) into `out`. */
static bool c3_merge(VM *vm, ObjClass *cls, ObjTuple *bases, ObjList *out) {
    int64_t nseq = bases->len + 1;
    ObjTuple *seqs[64];
    int64_t heads[64];
    if (nseq > 64) { exc_raise(vm, E_TypeError, "too many base classes"); return false; }
    for (int64_t i = 0; i < bases->len; i++) seqs[i] = AS(ObjClass, bases->items[i])->mro;
    seqs[bases->len] = bases;
    for (int64_t i = 0; i < nseq; i++) heads[i] = 0;
    if (list_append(vm, out, obj_val(cls)) < 0) return false;
    for (;;) {
        Value cand = UNDEF;
        bool any = false;
        for (int64_t i = 0; i < nseq && cand == UNDEF; i++) {
            if (heads[i] >= seqs[i]->len) continue;
            any = true;
            Value c = seqs[i]->items[heads[i]];
            bool in_tail = false;
            for (int64_t j = 0; j < nseq && !in_tail; j++) {
                for (int64_t k = heads[j] + 1; k < seqs[j]->len; k++) {
                    if (seqs[j]->items[k] == c) { in_tail = true; break; }
                }
            }
            if (!in_tail) cand = c;
        }
        if (!any) return true;
        if (cand == UNDEF) {
            StrBuf b = SB_INIT;
            sb_adds(&b, "Cannot create a consistent method resolution\norder (MRO) for bases ");
            /* CPython names the heads left unmerged, each once, in list order */
            bool first = true;
            for (int64_t i = 0; i < nseq; i++) {
                if (heads[i] >= seqs[i]->len) continue;
                Value c = seqs[i]->items[heads[i]];
                bool seen = false;
                for (int64_t j = 0; j < i && !seen; j++) seen = heads[j] < seqs[j]->len && seqs[j]->items[heads[j]] == c;
                if (seen) continue;
                if (!first) sb_adds(&b, ", ");
                sb_adds(&b, AS(ObjClass, c)->name->data);
                first = false;
            }
            exc_raise(vm, E_TypeError, "%s", b.data ? b.data : "");
            sb_free(&b);
            return false;
        }
        if (list_append(vm, out, cand) < 0) return false;
        for (int64_t i = 0; i < nseq; i++) {
            if (heads[i] < seqs[i]->len && seqs[i]->items[heads[i]] == cand) heads[i]++;
        }
    }
}

/* The builtin layouts a Python subclass may have (OBJ_SUBTYPE instances). */
static bool subtype_layout(uint8_t k) {
    switch ((ObjKind)k) {
    case OBJ_STR: case OBJ_BYTES: case OBJ_BIGINT: case OBJ_LIST: case OBJ_TUPLE: case OBJ_DICT: case OBJ_SET:
    case OBJ_BYTEARRAY: case OBJ_FLOAT: case OBJ_COMPLEX: case OBJ_PROPERTY: case OBJ_ITER: case OBJ_WRAPPER: case OBJ_MODULE:
    case OBJ_CDATA:     /* the native types that allow it (CLASS_BASETYPE): asyncio's Future and Task */
        return true;
    default:
        return false;
    }
}

/* A subclass of a native type (OBJ_CDATA) has its instances' C layout:
 * the collector reads their size and fields from the class's ctype. */
static void inherit_native_layout(ObjClass *c) {
    for (int64_t i = 1; i < c->mro->len; i++) {
        ObjClass *b = AS(ObjClass, c->mro->items[i]);
        if (b->ctype) {
            c->ctype = b->ctype;
            c->obj.flags |= b->obj.flags & CLASS_NATIVE_INHERITED;
            return;
        }
    }
}

/* The layout instances get: that of the first base that is not a plain
 * object, so exceptions stay exceptions and a list subclass makes lists. */
static bool instance_layout(VM *vm, ObjTuple *bases, uint8_t *kind) {
    *kind = OBJ_INSTANCE;
    for (int64_t i = 0; i < bases->len; i++) {
        ObjClass *b = AS(ObjClass, bases->items[i]);
        uint8_t k = b->instance_kind;
        if (k == OBJ_INSTANCE) continue;
        bool builtin = b->obj.flags & CLASS_BUILTIN;
        if (builtin && !(b->obj.flags & CLASS_BASETYPE)) {
            exc_raise(vm, E_TypeError, "type '%s' is not an acceptable base type", class_tp_name(vm, b));
            return false;
        }
        if (k != OBJ_EXC && k != OBJ_CLASS && !subtype_layout(k)) {
            if (builtin)
                exc_raise(vm, E_NotImplementedError, "subclassing the builtin type '%s' is not supported yet",
                          b->name->data);
            else
                exc_raise(vm, E_TypeError, "type '%s' is not an acceptable base type", class_tp_name(vm, b));
            return false;
        }
        if (*kind != OBJ_INSTANCE && *kind != k) {
            exc_raise(vm, E_TypeError, "multiple bases have instance lay-out conflict");
            return false;
        }
        *kind = k;
    }
    return true;
}

/* ---- member descriptors ------------------------------------------------ */

/* The class attribute that each name in __slots__ gets (CPython's
 * member_descriptor): an ObjProperty of class member_descriptor whose
 * fget/fset/fdel natives are bound to the tuple (name, class, index), so
 * the attribute lookup runs them as it runs a property's. The value lives
 * in the instance at that index (instance_slots); an object of a builtin
 * layout (a list's, an exception's ...) has no room for it and keeps it
 * in the map beside the heap (gc_subtype_dict), never in its __dict__. */

static bool member_applies(VM *vm, ObjTuple *info, Value obj) {
    ObjClass *owner = AS(ObjClass, info->items[1]);
    if ((is_obj(obj) && as_obj(obj)->cls == owner) || class_is_subclass(type_of(vm, obj), owner)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%T' object",
              AS(ObjStr, info->items[0])->data, owner->name->data, obj);
    return false;
}

/* The member's place in obj itself, or NULL for an object without room
 * for it (a builtin layout; an instance whose class gained the member by
 * a __bases__ assignment after it was made). */
static Value *member_cell(ObjTuple *info, Value obj) {
    Obj *o = as_obj(obj);
    int64_t k = as_int(info->items[2]);
    return o->kind == OBJ_INSTANCE && k < (int64_t)o->spare ? instance_slots((ObjInstance *)o) + k : NULL;
}

static Value member_missing(VM *vm, Value info, Value obj) {
    ObjStr *name = AS(ObjStr, AS(ObjTuple, info)->items[0]);
    exc_raise(vm, E_AttributeError, "'%T' object has no attribute '%s'", obj, name->data);
    return exc_note_name(vm, name, obj);
}

static Value member_read(VM *vm, ObjTuple *info, Value obj) {
    if (!member_applies(vm, info, obj)) return ERR;
    Value *cell = member_cell(info, obj), v = UNDEF;
    if (cell) {
        v = *cell;
    } else {
        ObjDict *d = gc_subtype_dict(vm, as_obj(obj));
        if (d) v = dict_get_str(d, AS(ObjStr, info->items[0]));
    }
    return v == UNDEF ? member_missing(vm, obj_val(info), obj) : v;
}

/* Stores v, or unsets the member for v UNDEF (false: it was not set). */
static int member_write(VM *vm, ObjTuple *info, Value obj, Value v) {
    if (!member_applies(vm, info, obj)) return -1;
    Value *cell = member_cell(info, obj);
    if (cell) {
        bool was = *cell != UNDEF;
        *cell = v;
        return was || v != UNDEF;
    }
    ObjDict *d = v == UNDEF ? gc_subtype_dict(vm, as_obj(obj)) : gc_subtype_dict_make(vm, as_obj(obj));
    if (v == UNDEF) return d ? dict_del(vm, d, info->items[0]) : 0;
    if (!d) return vm->exc == UNDEF ? (exc_nomem(vm), -1) : -1;
    return dict_set_str(vm, d, AS(ObjStr, info->items[0]), v) < 0 ? -1 : 1;
}

static Value member_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs - 1, kw, 1, 1)) return ERR;
    return member_read(vm, AS(ObjTuple, args[0]), args[1]);
}

static Value member_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__set__", nargs - 1, kw, 2, 2)) return ERR;
    return member_write(vm, AS(ObjTuple, args[0]), args[1], args[2]) < 0 ? ERR : NONE_VAL;
}

static bool is_member(VM *vm, Value attr) {
    return is_kind(attr, OBJ_PROPERTY) && as_obj(attr)->cls == vm->types[T_MEMBER_DESCRIPTOR];
}

Value class_member_get(VM *vm, Value attr, Value obj) {
    if (!is_member(vm, attr)) return UNDEF;
    return member_read(vm, AS(ObjTuple, AS(ObjNative, AS(ObjProperty, attr)->fget)->self), obj);
}

int class_member_set(VM *vm, Value attr, Value obj, Value v) {
    if (!is_member(vm, attr)) return 1;
    return member_write(vm, AS(ObjTuple, AS(ObjNative, AS(ObjProperty, attr)->fset)->self), obj, v) < 0 ? -1 : 0;
}

static Value member_del(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__delete__", nargs - 1, kw, 1, 1)) return ERR;
    int r = member_write(vm, AS(ObjTuple, args[0]), args[1], UNDEF);
    if (r < 0) return ERR;
    /* (CPython's message is the bare name) */
    return r ? NONE_VAL : exc_raise(vm, E_AttributeError, "%s", AS(ObjStr, AS(ObjTuple, args[0])->items[0])->data);
}

static ObjTuple *member_info(Value descr) {
    ObjProperty *p = AS(ObjProperty, descr);
    return AS(ObjTuple, AS(ObjNative, p->fget)->self);
}

Value class_slot_value(VM *vm, Value obj, ObjStr *name) {
    if (!is_kind(obj, OBJ_INSTANCE)) return UNDEF;
    Value attr = class_lookup(as_obj(obj)->cls, name);
    if (!is_member(vm, attr)) return UNDEF;
    ObjTuple *info = member_info(attr);
    Value *cell = class_is_subclass(as_obj(obj)->cls, AS(ObjClass, info->items[1])) ? member_cell(info, obj) : NULL;
    return cell ? *cell : UNDEF;
}

/* Fills names[k] with the name of c's slot k (NULL where none is found). */
static void slot_names_by_index(VM *vm, ObjClass *c, ObjStr **names) {
    for (int64_t m = 0; m < c->mro->len; m++) {
        ObjClass *b = AS(ObjClass, c->mro->items[m]);
        if (!(b->obj.flags & CLASS_OWN_SLOTS)) continue;
        int64_t pos = 0;
        Value key, val;
        while (dict_next(b->dict, &pos, &key, &val)) {
            if (!is_member(vm, val)) continue;
            ObjTuple *t = member_info(val);
            int64_t k = as_int(t->items[2]);
            if (AS(ObjClass, t->items[1]) == b && k >= 0 && k < (int64_t)c->nslots) names[k] = AS(ObjStr, t->items[0]);
        }
    }
}

bool class_same_slots(VM *vm, ObjClass *a, ObjClass *b) {
    if (a->nslots != b->nslots) return false;
    if (!a->nslots) return true;
    ObjStr **na = calloc(a->nslots, sizeof *na), **nb = calloc(b->nslots, sizeof *nb);
    bool same = na && nb;
    if (!same) exc_nomem(vm);
    if (same) {
        slot_names_by_index(vm, a, na);
        slot_names_by_index(vm, b, nb);
        for (uint32_t k = 0; same && k < a->nslots; k++) same = na[k] && nb[k] && str_eq(na[k], nb[k]);
    }
    free(na);
    free(nb);
    return same;
}

/* The name and the owner class of a member or getset descriptor. */
static void descr_owner(VM *vm, Value descr, ObjStr **name, ObjClass **owner) {
    ObjProperty *p = AS(ObjProperty, descr);
    if (as_obj(descr)->cls == vm->types[T_GETSET_DESCRIPTOR]) {
        *name = AS(ObjNative, p->fget)->name;
        *owner = AS(ObjClass, p->doc);
        return;
    }
    ObjTuple *t = member_info(descr);
    *name = AS(ObjStr, t->items[0]);
    *owner = AS(ObjClass, t->items[1]);
}

static Value member_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjStr *n;
    ObjClass *owner;
    descr_owner(vm, args[0], &n, &owner);
    StrBuf b = {0};
    sb_addf(&b, "<%s '%s' of '%s' objects>", as_obj(args[0])->cls == vm->types[T_GETSET_DESCRIPTOR] ? "attribute" : "member",
            n->data, owner->name->data);
    return str_from_buf(vm, &b);
}

/* The docstrings of CPython's getset descriptors that Asy has (pydoc shows
 * them); None for the others. */
static Value getset_doc(VM *vm, ObjStr *name) {
    static const char *const docs[][2] = {
        {"__class__", "the object's class"},
        {"__dict__", "dictionary for instance variables"},
        {"__weakref__", "list of weak references to the object"},
        {"real", "the real part of a complex number"},
        {"imag", "the imaginary part of a complex number"},
        {"numerator", "the numerator of a rational number in lowest terms"},
        {"denominator", "the denominator of a rational number in lowest terms"}};
    for (size_t i = 0; i < sizeof docs / sizeof *docs; i++)
        if (!strcmp(name->data, docs[i][0])) return str_from_cstr(vm, docs[i][1]);
    return NONE_VAL;
}

Value class_member_attr(VM *vm, Value descr, ObjStr *name) {
    ObjStr *dn;
    ObjClass *owner;
    descr_owner(vm, descr, &dn, &owner);
    Value items[2] = {obj_val(dn), obj_val(owner)};
    if (!strcmp(name->data, "__name__") || !strcmp(name->data, "__qualname__")) {
        if (name->data[2] == 'n') return items[0];
        StrBuf b = {0};
        sb_addf(&b, "%s.%s", owner->qualname->data, dn->data);
        return str_from_buf(vm, &b);
    }
    if (!strcmp(name->data, "__objclass__")) return items[1];
    if (!strcmp(name->data, "__doc__"))     /* a getset's doc is its owner; a member's is None or its doc */
        return as_obj(descr)->cls == vm->types[T_MEMBER_DESCRIPTOR] ? AS(ObjProperty, descr)->doc : getset_doc(vm, dn);
    return UNDEF;
}

static Value member_make(VM *vm, ObjClass *c, Value name, int64_t index) {
    ObjTuple *info = tuple_from(vm, (Value[]){name, obj_val(c), int_val(index)}, 3);
    if (!info) return ERR;
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"__get__", member_get}, {"__set__", member_set}, {"__delete__", member_del}};
    Value f[3];
    for (int i = 0; i < 3; i++) {
        ObjNative *n = native_new(vm, fns[i].name, fns[i].fn);
        if (!n) return ERR;
        n->self = obj_val(info);
        f[i] = obj_val(n);
    }
    ObjProperty *p = gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_MEMBER_DESCRIPTOR]);
    if (!p) return ERR;
    p->fget = f[0];
    p->fset = f[1];
    p->fdel = f[2];
    p->doc = p->name = NONE_VAL;
    return obj_val(p);
}

/* ---- class bodies in a mapping that is not a dict ---------------------- */

/* The interpreter keeps a class body's namespace as a dict; for another
 * mapping from __prepare__ it gets a namespace_proxy: an OBJ_SUBTYPE dict
 * whose class forwards item access to the mapping (kept in its attribute
 * dict), so LOAD_NAME/STORE_NAME/DELETE_NAME reach the mapping's methods. */
static Value proxy_target(VM *vm, Value self) {
    ObjDict *a = gc_subtype_dict(vm, as_obj(self));
    Value t = a ? dict_get(vm, a, int_val(0)) : UNDEF;
    return t == UNDEF ? exc_raise(vm, E_TypeError, "namespace_proxy without a mapping") : t;
}

static Value nsproxy_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getitem__", nargs - 1, kw, 1, 1)) return ERR;
    Value t = proxy_target(vm, args[0]);
    return t == ERR ? ERR : op_getitem(vm, t, args[1]);
}

static Value nsproxy_setitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setitem__", nargs - 1, kw, 2, 2)) return ERR;
    Value t = proxy_target(vm, args[0]);
    return t == ERR || op_setitem(vm, t, args[1], args[2]) < 0 ? ERR : NONE_VAL;
}

static Value nsproxy_delitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__delitem__", nargs - 1, kw, 1, 1)) return ERR;
    Value t = proxy_target(vm, args[0]);
    return t == ERR || op_delitem(vm, t, args[1]) < 0 ? ERR : NONE_VAL;
}

static Value nsproxy_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__contains__", nargs - 1, kw, 1, 1)) return ERR;
    Value t = proxy_target(vm, args[0]);
    int r = t == ERR ? -1 : op_contains(vm, t, args[1]);
    return r < 0 ? ERR : bool_val(r);
}

Value class_namespace_mapping(VM *vm, Value ns) {
    if (!is_obj(ns) || as_obj(ns)->cls != vm->types[T_NS_PROXY]) return ns;
    Value t = proxy_target(vm, ns);
    if (t == ERR) vm->exc = UNDEF;
    return t == ERR ? ns : t;
}

Value class_namespace_proxy(VM *vm, Value mapping) {
    ObjDict *p = gc_new_instance(vm, sizeof(ObjDict), OBJ_DICT, vm->types[T_NS_PROXY]);
    ObjDict *a = p ? gc_subtype_dict_make(vm, &p->obj) : NULL;
    if (!a || dict_set(vm, a, int_val(0), mapping) < 0) return ERR;
    return obj_val(p);
}

static void nsproxy_init(VM *vm) {
    ObjClass *c = vm->types[T_NS_PROXY];
    c->instance_kind = OBJ_DICT;
    c->obj.flags = CLASS_SUBTYPE;       /* not CLASS_BUILTIN: its methods are overrides of the dict layout */
    class_add_native(vm, c, "__getitem__", nsproxy_getitem);
    class_add_native(vm, c, "__setitem__", nsproxy_setitem);
    class_add_native(vm, c, "__delitem__", nsproxy_delitem);
    class_add_native(vm, c, "__contains__", nsproxy_contains);
}

/* ---- getset descriptors: __dict__ and __weakref__ ----------------------- */

/* A class whose instances gain an attribute dict or weak references over
 * its bases gets the descriptors `__dict__` and `__weakref__`, as in
 * CPython: ObjProperty objects of class getset_descriptor sharing the VM's
 * natives (vm->getset_fns: the dict's getter, setter and deleter, the weak
 * reference getter), with the owner class in `doc` (its __objclass__;
 * __doc__ reads None). */

static ObjDict *instance_dict(VM *vm, Value obj, bool make) {
    Obj *o = as_obj(obj);
    if (o->flags & OBJ_SUBTYPE) return make ? gc_subtype_dict_make(vm, o) : gc_subtype_dict(vm, o);
    if (o->kind != OBJ_INSTANCE && o->kind != OBJ_EXC) return NULL;
    ObjInstance *i = (ObjInstance *)o;
    if (!i->dict && make) i->dict = dict_new(vm);
    return i->dict;
}

static Value getset_dict_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs, kw, 1, 1)) return ERR;
    if (is_kind(args[0], OBJ_CLASS)) return mappingproxy_new(vm, obj_val(AS(ObjClass, args[0])->dict));    /* type's */
    if (!is_obj(args[0]) || (!(as_obj(args[0])->flags & OBJ_SUBTYPE) && !is_kind(args[0], OBJ_INSTANCE) &&
                             !is_kind(args[0], OBJ_EXC)))
        return exc_raise(vm, E_TypeError, "descriptor '__dict__' doesn't apply to a '%T' object", args[0]);
    ObjDict *d = instance_dict(vm, args[0], true);
    return d ? obj_val(d) : ERR;
}

/* obj.__dict__ = d (a dict), and `del obj.__dict__` (a new empty one). */
static Value getset_dict_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__set__", nargs, kw, 1, 2)) return ERR;
    Value obj = args[0];
    ObjDict *d = NULL;
    if (nargs == 2) {
        if (!is_dict(args[1]))
            return exc_raise(vm, E_TypeError, "__dict__ must be set to a dictionary, not a '%T'", args[1]);
        d = AS(ObjDict, args[1]);
    } else if (!(d = dict_new(vm))) {
        return ERR;
    }
    Obj *o = is_obj(obj) ? as_obj(obj) : NULL;
    if (o && o->kind == OBJ_CLASS) return exc_raise(vm, E_AttributeError, "attribute '__dict__' of 'type' objects is not writable");
    if (o && (o->flags & OBJ_SUBTYPE)) {
        /* hidden native state paired with the old dict moves to the new one
         * (a defaultdict's factory, stdlib/collections.c) */
        ObjDict *old = gc_subtype_dict(vm, o);
        ObjDict *hidden = old ? gc_subtype_dict(vm, &old->obj) : NULL;
        if (hidden && !gc_subtype_set_dict(vm, &d->obj, hidden)) return ERR;
        return gc_subtype_set_dict(vm, o, d) ? NONE_VAL : ERR;
    }
    if (!o || (o->kind != OBJ_INSTANCE && o->kind != OBJ_EXC))
        return exc_raise(vm, E_TypeError, "descriptor '__dict__' doesn't apply to a '%T' object", obj);
    ((ObjInstance *)o)->dict = d;
    return NONE_VAL;
}

/* obj.__weakref__: the first live weak reference to obj, or None. */
static Value getset_weakref_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs, kw, 1, 1)) return ERR;
    for (size_t i = 0; i < vm->weakrefs.len; i++) {
        WeakRef *r = vm->weakrefs.items[i];
        if (r->target == args[0]) return obj_val(r);
    }
    return NONE_VAL;
}

/* Adds the descriptor unless the class body defined the name itself, as
 * CPython does: a method named __dict__ stays a method (obj.__dict__ and
 * vars(obj) give it), while the instances still keep their attributes. */
static bool getset_add(VM *vm, ObjClass *c, NameId name) {
    if (dict_get_str(c->dict, vm_name(vm, name)) != UNDEF) return true;
    ObjProperty *p = gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_GETSET_DESCRIPTOR]);
    if (!p) return false;
    bool dict = name == N___dict__;
    p->fget = vm->getset_fns[dict ? 0 : 3];
    p->fset = dict ? vm->getset_fns[1] : NONE_VAL;
    p->fdel = dict ? vm->getset_fns[2] : NONE_VAL;
    p->doc = obj_val(c);
    p->name = NONE_VAL;
    return dict_set_str(vm, c->dict, vm_name(vm, name), obj_val(p)) == 0;
}

bool class_add_dict_getset(VM *vm, ObjClass *c) { return getset_add(vm, c, N___dict__); }

static ObjClass *slots_base(ObjClass *c);

/* CPython's best_base, for slotted layouts: the base whose slotted layout
 * derives from all the others', else the first base. */
static ObjClass *best_base(ObjClass *c) {
    ObjClass *base = AS(ObjClass, c->bases->items[0]), *winner = slots_base(base);
    for (int64_t j = 1; j < c->bases->len; j++) {
        ObjClass *b = AS(ObjClass, c->bases->items[j]), *s = slots_base(b);
        if (s && (!winner || (s != winner && class_is_subclass(s, winner)))) base = b, winner = s;
    }
    return base;
}

/* Whether c's instances get `name` (__dict__, __weakref__) from its best
 * base: as CPython, the other bases do not count. */
static bool mro_has(VM *vm, ObjClass *c, NameId name) {
    for (int64_t i = 0; i < c->mro->len; i++)
        if (dict_get_str(AS(ObjClass, c->mro->items[i])->dict, vm_name(vm, name)) != UNDEF) return true;
    return false;
}

static bool inherits_entry(VM *vm, ObjClass *c, NameId name) {
    return c->bases->len > 0 && mro_has(vm, best_base(c), name);
}

/* Whether a base other than the best one has `name`: then a slotted class
 * gets it too, as its own descriptor (CPython's "secondary bases"). */
static bool other_base_has(VM *vm, ObjClass *c, NameId name) {
    ObjClass *best = c->bases->len > 1 ? best_base(c) : NULL;
    for (int64_t j = 0; best && j < c->bases->len; j++) {
        ObjClass *b = AS(ObjClass, c->bases->items[j]);
        if (b != best && mro_has(vm, b, name)) return true;
    }
    return false;
}

/* The descriptors a new class gets, after its own __slots__ (own_slots:
 * OWN_SLOTS, with SLOT_DICT/SLOT_WEAKREF for those names among them).
 * Instances of int, bytes, tuple, set and frozenset and their subclasses
 * take no weak references of their own (CPython's variable-size types and
 * sets keep theirs elsewhere). */
static bool class_getsets(VM *vm, ObjClass *c, int own_slots) {
    /* (a ModuleType subclass's instances have the module's own dict) */
    if (c->instance_kind == OBJ_CLASS || c->instance_kind == OBJ_MODULE) return true;
    bool dict = !own_slots || (own_slots & SLOT_DICT) || other_base_has(vm, c, N___dict__);
    if (dict && !(c->obj.flags & CLASS_SLOTS) && !inherits_entry(vm, c, N___dict__) && !getset_add(vm, c, N___dict__))
        return false;
    if (own_slots && !(own_slots & SLOT_WEAKREF) && !other_base_has(vm, c, N___weakref__)) return true;
    if (inherits_entry(vm, c, N___weakref__)) return true;
    static const TypeId no_weakref[] = {T_INT, T_BYTES, T_TUPLE, T_SET, T_FROZENSET};
    for (size_t i = 0; i < sizeof no_weakref / sizeof *no_weakref; i++)
        if (class_is_subclass(c, vm->types[no_weakref[i]])) return true;
    return getset_add(vm, c, N___weakref__);
}

static void getset_init(VM *vm) {
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"__dict__", getset_dict_get}, {"__dict__", getset_dict_set}, {"__dict__", getset_dict_set},
        {"__weakref__", getset_weakref_get}};
    for (int i = 0; i < 4; i++) {
        ObjNative *n = native_new(vm, fns[i].name, fns[i].fn);
        if (!n) return;
        vm->getset_fns[i] = obj_val(n);
    }
    getset_add(vm, vm->exc_types[E_BaseException], N___dict__);
    /* type's own, which a metaclass's MRO finds before that of another base */
    getset_add(vm, vm->types[T_TYPE], N___dict__);
}

/* A name in __slots__ as the class body would mangle it (`__x` in class
 * C is `_C__x`). */
static Value slot_name(VM *vm, ObjClass *c, ObjStr *n) {
    const char *cname = c->name->data;
    while (*cname == '_') cname++;
    if (n->len < 3 || strncmp(n->data, "__", 2) != 0 || !strcmp(n->data + n->len - 2, "__") || !*cname) {
        /* interned, so a str subclass's item names a plain attribute */
        ObjStr *in = str_intern(vm, n->data, (size_t)n->len);
        return in ? obj_val(in) : ERR;
    }
    StrBuf b = {0};
    sb_addf(&b, "_%s%s", cname, n->data);
    Value v = str_from_buf(vm, &b);
    ObjStr *in = v == ERR ? NULL : str_intern(vm, AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len);
    return in ? obj_val(in) : ERR;
}

/* '__dict__' or '__weakref__' in c's __slots__ (is_dict: which), refused
 * when the best base's instances have it already (as CPython, the other
 * bases do not count), or it came before (own_slots: the special names
 * seen so far). */
static bool slot_special_ok(VM *vm, ObjClass *c, int own_slots, bool is_dict) {
    bool again = own_slots & (is_dict ? SLOT_DICT : SLOT_WEAKREF);
    if (!again && !inherits_entry(vm, c, is_dict ? N___dict__ : N___weakref__)) return true;
    exc_raise(vm, E_TypeError, "%s slot disallowed: we already got one", is_dict ? "__dict__" : "__weakref__");
    return false;
}

/* The class of c's MRO whose own __slots__ give its instances their layout
 * (CLASS_OWN_SLOTS), or NULL. */
static ObjClass *slots_base(ObjClass *c) {
    for (int64_t i = 0; i < c->mro->len; i++) {
        ObjClass *b = AS(ObjClass, c->mro->items[i]);
        if (b->obj.flags & CLASS_OWN_SLOTS) return b;
    }
    return NULL;
}

/* Variable-size builtins (int, tuple, bytes, type) take no slots at all
 * (own_slots: what c's __slots__ name). */
static bool slots_layout_ok(VM *vm, ObjClass *c, int own_slots) {
    static const uint8_t varsize[] = {OBJ_BIGINT, OBJ_TUPLE, OBJ_BYTES, OBJ_CLASS};
    for (size_t i = 0; own_slots && i < sizeof varsize; i++) {
        if (c->instance_kind != varsize[i]) continue;
        ObjClass *b = AS(ObjClass, c->bases->items[0]);
        for (int64_t j = c->bases->len - 1; j >= 0; j--)
            if (AS(ObjClass, c->bases->items[j])->instance_kind == varsize[i]) b = AS(ObjClass, c->bases->items[j]);
        exc_raise(vm, E_TypeError, "nonempty __slots__ not supported for subtype of '%s'", b->name->data);
        return false;
    }
    return true;
}

/* Two bases may not both have slotted layouts unless one derives from the
 * other. */
static bool slots_bases_ok(VM *vm, ObjClass *c) {
    ObjClass *solid = NULL;
    for (int64_t j = 0; j < c->bases->len; j++) {
        ObjClass *s = slots_base(AS(ObjClass, c->bases->items[j]));
        if (!s || (solid && class_is_subclass(solid, s))) continue;
        if (solid && !class_is_subclass(s, solid)) {
            exc_raise(vm, E_TypeError, "multiple bases have instance lay-out conflict");
            return false;
        }
        solid = s;
    }
    /* Slots over a plain object's layout and a builtin type's layout (an
     * exception's, an int's, a list's ...) cannot be merged either. */
    for (int64_t j = 0; solid && solid->instance_kind == OBJ_INSTANCE && j < c->bases->len; j++) {
        ObjClass *b = AS(ObjClass, c->bases->items[j]);
        if (b->instance_kind != OBJ_INSTANCE && !class_is_subclass(b, solid)) {
            exc_raise(vm, E_TypeError, "multiple bases have instance lay-out conflict");
            return false;
        }
    }
    return true;
}

/* __slots__: when every class of the MRO but object declares them (and none
 * has __dict__ among them), instances take only those names (CLASS_SLOTS).
 * Such an instance has no instance dict (so the interpreter's attribute
 * caches pass it by); its values live in its OBJ_SUBTYPE attribute dict,
 * which is not exposed, and stores check the names (op_generic_setattr). */
static bool class_slots(VM *vm, ObjClass *c, int *own_slots) {
    ObjStr *slots_name = str_intern_cstr(vm, "__slots__");
    if (!slots_name) return false;
    if (!slots_bases_ok(vm, c)) return false;
    /* the bases' slots come first: the one slotted layout among them
     * (slots_bases_ok) has them all */
    c->nslots = 0;
    for (int64_t j = 0; j < c->bases->len; j++)
        if (AS(ObjClass, c->bases->items[j])->nslots > c->nslots) c->nslots = AS(ObjClass, c->bases->items[j])->nslots;
    Value own = dict_get_str(c->dict, slots_name);
    if (own == UNDEF) return true;
    *own_slots = OWN_SLOTS;
    ObjList *l = is_str(own) ? list_from(vm, &own, 1) : op_to_list(vm, own);
    ObjDict *names = l ? dict_new(vm) : NULL;
    if (!names) return false;
    if (!vm_push_root(vm, obj_val(l))) return false;
    bool has_dict = false;
    /* The names, mangled, then sorted (the order the descriptors go into
     * the class dict, as CPython's). */
    int64_t k = 0;
    for (int64_t i = 0; i < l->len; i++) {
        Value n = l->items[i];
        if (!is_str(n)) {
            vm_pop_roots(vm, 1);
            exc_raise(vm, E_TypeError, "__slots__ items must be strings, not '%T'", n);
            return false;
        }
        if (!strcmp(AS(ObjStr, n)->data, "__dict__") || !strcmp(AS(ObjStr, n)->data, "__weakref__")) {
            bool is_dict = AS(ObjStr, n)->data[2] == 'd';
            if (!slot_special_ok(vm, c, *own_slots, is_dict)) { vm_pop_roots(vm, 1); return false; }
            has_dict |= is_dict;      /* instances keep a dict */
            *own_slots |= is_dict ? SLOT_DICT : SLOT_WEAKREF;
            continue;
        }
        if (!str_isidentifier(AS(ObjStr, n))) {
            vm_pop_roots(vm, 1);
            exc_raise(vm, E_TypeError, "__slots__ must be identifiers");
            return false;
        }
        l->items[k++] = n;
    }
    l->len = k;
    /* (after every name is checked, as CPython's second pass) */
    for (int64_t i = 0; i < l->len; i++) {
        Value n = slot_name(vm, c, AS(ObjStr, l->items[i]));
        if (n == ERR) { vm_pop_roots(vm, 1); return false; }
        if (dict_get(vm, c->dict, n) != UNDEF) {
            vm_pop_roots(vm, 1);
            exc_raise(vm, E_ValueError, "%R in __slots__ conflicts with class variable", n);
            return false;
        }
        l->items[i] = n;
    }
    if (!slots_layout_ok(vm, c, (l->len ? OWN_SLOTS : 0) | (*own_slots & (SLOT_DICT | SLOT_WEAKREF)))) {
        vm_pop_roots(vm, 1);
        return false;
    }
    if (l->len) c->obj.flags |= CLASS_OWN_SLOTS;
    if (list_sort(vm, l, UNDEF, false) < 0) { vm_pop_roots(vm, 1); return false; }
    for (int64_t i = 0; i < l->len; i++) {
        Value n = l->items[i];
        Value m = member_make(vm, c, n, (int64_t)c->nslots + i);
        if (m == ERR || dict_set(vm, names, n, NONE_VAL) < 0 || dict_set(vm, c->dict, n, m) < 0) {
            vm_pop_roots(vm, 1);
            return false;
        }
    }
    c->nslots += (uint32_t)l->len;
    vm_pop_roots(vm, 1);
    if (has_dict) return true;
    for (int64_t i = 1; i < c->mro->len; i++) {
        ObjClass *b = AS(ObjClass, c->mro->items[i]);
        if (b == vm->types[T_OBJECT]) continue;
        /* a builtin tuple, list, str... gives its instances no dict */
        if ((b->obj.flags & CLASS_BUILTIN) && subtype_layout(b->instance_kind)) continue;
        if (!(b->obj.flags & CLASS_SLOTS)) return true;     /* a base without slots gives a dict */
        if (dict_update(vm, names, obj_val(b->slots)) < 0) return false;
    }
    if (c->instance_kind != OBJ_INSTANCE && !subtype_layout(c->instance_kind)) return true;
    c->slots = names;
    c->obj.flags |= CLASS_SLOTS | CLASS_SUBTYPE;
    return true;
}

/* The flags that say which hooks a class has along its MRO. */
static void class_hook_flags(VM *vm, ObjClass *c) {
    c->obj.flags &= (uint16_t)~(CLASS_HAS_GETATTR | CLASS_HAS_DEL | CLASS_HAS_GETATTRIBUTE);
    if (class_lookup(c, vm_name(vm, N___getattr__)) != UNDEF) c->obj.flags |= CLASS_HAS_GETATTR;
    if (class_lookup(c, vm_name(vm, N___del__)) != UNDEF) c->obj.flags |= CLASS_HAS_DEL;
    Value ga = class_lookup(c, vm_name(vm, N___getattribute__));
    if (ga != UNDEF && ga != dict_get_str(vm->types[T_OBJECT]->dict, vm_name(vm, N___getattribute__)))
        c->obj.flags |= CLASS_HAS_GETATTRIBUTE;
}

/* A metaclass's own mro() decides c's MRO, as CPython's mro_invoke: its
 * result (any iterable of classes) replaces the C3 one already in c->mro,
 * which type.mro() gives it. */
static bool class_custom_mro(VM *vm, ObjClass *c) {
    ObjStr *name = str_intern_cstr(vm, "mro");
    if (!name) return false;
    Value m = class_lookup(c->obj.cls, name);
    if (m == UNDEF || m == dict_get_str(vm->types[T_TYPE]->dict, name)) return true;
    if (!vm_push_root(vm, obj_val(c))) return false;     /* (not yet reachable) */
    Value r = op_call_special(vm, obj_val(c), m, NULL, 0);
    int roots = 1;
    ObjList *l = r == ERR || !vm_push_root(vm, r) || !++roots ? NULL : op_to_list(vm, r);
    ObjTuple *t = NULL;
    if (l) {
        int64_t i = 0;
        while (i < l->len && is_kind(l->items[i], OBJ_CLASS)) i++;
        if (i < l->len) {
            exc_raise(vm, E_TypeError, "mro() returned a non-class ('%s')", type_of(vm, l->items[i])->name->data);
        } else {
            t = tuple_from(vm, l->items, l->len);
        }
    }
    vm_pop_roots(vm, roots);
    if (!t) return false;
    c->mro = t;
    return true;
}

bool class_set_mro(VM *vm, ObjClass *c) {
    ObjList *mro = list_new(vm, 4);
    if (!mro || !vm_push_root(vm, obj_val(mro))) return false;
    bool ok = c3_merge(vm, c, c->bases, mro);
    ObjTuple *t = ok ? tuple_from(vm, mro->items, mro->len) : NULL;
    vm_pop_roots(vm, 1);
    if (!t) return false;
    c->mro = t;
    if ((c->obj.flags & CLASS_CUSTOM_META) && !class_custom_mro(vm, c)) return false;
    class_hook_flags(vm, c);
    class_changed(vm, c);
    return true;
}

Value class_new(VM *vm, ObjStr *name, ObjTuple *bases, ObjDict *ns) {
    return class_new_meta(vm, vm->types[T_TYPE], name, bases, ns);
}

Value class_new_meta(VM *vm, ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns) {
    if (bases->len == 0) {
        bases = tuple_from(vm, (Value[]){obj_val(vm->types[T_OBJECT])}, 1);
        if (!bases) return ERR;
    }
    for (int64_t i = 0; i < bases->len; i++) {
        if (!is_kind(bases->items[i], OBJ_CLASS))
            return exc_raise(vm, E_TypeError, "bases must be types");
        for (int64_t j = 0; j < i; j++) {
            if (bases->items[j] == bases->items[i])
                return exc_raise(vm, E_TypeError, "duplicate base class %s", AS(ObjClass, bases->items[i])->name->data);
        }
    }
    uint8_t kind;
    if (!instance_layout(vm, bases, &kind)) return ERR;
    ObjClass *c = class_alloc_obj(vm, meta, name);
    if (!c) return ERR;
    c->instance_kind = kind;
    c->bases = bases;
    ObjList *mro = list_new(vm, 4);
    if (!mro || !c3_merge(vm, c, bases, mro)) return ERR;
    c->mro = tuple_from(vm, mro->items, mro->len);
    if (!c->mro) return ERR;
    c->obj.flags = CLASS_BASETYPE | (subtype_layout(kind) ? CLASS_SUBTYPE : 0) |
                   (meta != vm->types[T_TYPE] ? CLASS_CUSTOM_META : 0);
    if (kind == OBJ_CDATA) inherit_native_layout(c);
    Frame *caller = vm->fiber ? vm->fiber->frame : NULL;
    int64_t pos = 0;
    Value k, v;
    while (dict_next(ns, &pos, &k, &v)) {
        if (is_str(k) && str_eq(AS(ObjStr, k), vm_name(vm, N___qualname__))) {
            if (!is_str(v)) return exc_raise(vm, E_TypeError, "type __qualname__ must be a str, not %T", v);
            c->qualname = AS(ObjStr, v);
            continue;
        }
        if (is_kind(v, OBJ_FUNCTION) && is_str(k)) {
            /* implicitly classmethods or (__new__) a staticmethod, as
             * type.__new__ makes them: inst.__new__(C) must not bind inst */
            ObjStr *ks = AS(ObjStr, k);
            bool is_new = str_eq(ks, vm_name(vm, N___new__));
            if (is_new || str_eq(ks, vm_name(vm, N___init_subclass__)) ||
                str_eq(ks, vm_name(vm, N___class_getitem__))) {
                ObjWrapper *w = gc_new(vm, sizeof(ObjWrapper), OBJ_WRAPPER,
                                       vm->types[is_new ? T_STATICMETHOD : T_CLASSMETHOD]);
                if (!w) return ERR;
                w->v = v;
                v = obj_val(w);
            }
        }
        if (dict_set(vm, c->dict, k, v) < 0) return ERR;
    }
    if (dict_get_str(ns, vm_name(vm, N___module__)) == UNDEF && caller && caller->globals) {
        /* type(name, bases, ns) without __module__: the caller's module,
         * after the namespace's own entries (CPython's order) */
        Value mod = dict_get_str(caller->globals, vm_name(vm, N___name__));
        if (is_str(mod) && dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return ERR;
    }
    Value mod = dict_get_str(c->dict, vm_name(vm, N___module__));
    c->module = mod == UNDEF ? UNDEF : mod;
    if (meta != vm->types[T_TYPE]) {
        /* a custom mro() may call the methods: their __class__ cell is
         * filled first, as CPython fills it with the attributes */
        Value cell = dict_get_str(c->dict, vm_name(vm, N___classcell__));
        if (is_kind(cell, OBJ_CELL)) AS(ObjCell, cell)->v = obj_val(c);
        if (!class_custom_mro(vm, c)) return ERR;
    }
    class_hook_flags(vm, c);
    int own_slots = 0;
    if (!class_slots(vm, c, &own_slots) || !class_getsets(vm, c, own_slots)) return ERR;
    for (int64_t i = 0; i < bases->len; i++) {
        ObjClass *b = AS(ObjClass, bases->items[i]);
        if (!b->subclasses && !(b->subclasses = list_new(vm, 0))) return ERR;
        if (list_append(vm, b->subclasses, obj_val(c)) < 0) return ERR;
    }
    if (dict_get_str(c->dict, vm_name(vm, N___doc__)) == UNDEF &&
        dict_set_str(vm, c->dict, vm_name(vm, N___doc__), NONE_VAL) < 0)
        return ERR;
    /* A class that defines __eq__ but not __hash__ is unhashable. */
    if (dict_get_str(c->dict, vm_name(vm, N___eq__)) != UNDEF &&
        dict_get_str(c->dict, vm_name(vm, N___hash__)) == UNDEF &&
        dict_set_str(vm, c->dict, vm_name(vm, N___hash__), NONE_VAL) < 0)
        return ERR;
    class_changed(vm, c);
    return obj_val(c);
}

/* A new instance of cls with room for its slots (unset) and no dict. */
static ObjInstance *instance_alloc(VM *vm, ObjClass *cls) {
    uint32_t n = cls->nslots;
    if (!n && !(cls->obj.flags & CLASS_SUBTYPE)) return gc_new(vm, sizeof(ObjInstance), OBJ_INSTANCE, cls);
    ObjInstance *o = gc_new_instance(vm, sizeof(ObjInstance) + n * sizeof(Value), OBJ_INSTANCE, cls);
    if (!o) return NULL;
    o->obj.spare = n;
    for (uint32_t i = 0; i < n; i++) instance_slots(o)[i] = UNDEF;
    return o;
}

ObjInstance *instance_new(VM *vm, ObjClass *cls) {
    ObjInstance *o = instance_alloc(vm, cls);
    if (!o || (cls->obj.flags & CLASS_SLOTS)) return o;
    o->dict = dict_new(vm);
    return o->dict ? o : NULL;
}

/* ---- calling a class --------------------------------------------------- */

static bool is_object_slot(VM *vm, Value found, NameId name) {
    return found == dict_get_str(vm->types[T_OBJECT]->dict, vm_name(vm, name));
}

/* "Can't instantiate abstract class X without an implementation for
 * abstract methods 'a', 'b'", as CPython 3.12's object.__new__ says it. */
static __attribute__((noinline)) Value abstract_error(VM *vm, ObjClass *cls) {
    Value am = dict_get_str(cls->dict, vm_name(vm, N___abstractmethods__));
    ObjList *names = am == UNDEF ? NULL : op_to_list(vm, am);
    if (!names) return am == UNDEF ? exc_raise(vm, E_TypeError, "Can't instantiate abstract class %s", cls->name->data) : ERR;
    if (!vm_push_root(vm, obj_val(names))) return ERR;
    bool ok = list_sort(vm, names, UNDEF, false) == 0;
    vm_pop_roots(vm, 1);
    if (!ok) return ERR;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < names->len; i++) {
        sb_adds(&b, i ? ", '" : "'");
        if (!op_str_to(vm, names->items[i], &b)) { sb_free(&b); return ERR; }
        sb_addc(&b, '\'');
    }
    Value r = exc_raise(vm, E_TypeError,
                        "Can't instantiate abstract class %s without an implementation for abstract method%s %s",
                        cls->name->data, names->len > 1 ? "s" : "", b.data ? b.data : "");
    sb_free(&b);
    return r;
}

/* object.__new__(cls): a plain instance, or an exception. */
static Value default_new(VM *vm, ObjClass *cls, Value *args, int nargs) {
    if (cls->obj.flags & CLASS_ABSTRACT) return abstract_error(vm, cls);
    if (cls->instance_kind == OBJ_EXC) return exc_construct(vm, cls, args, nargs);
    ObjInstance *o = instance_new(vm, cls);
    if (!o) return ERR;
    /* Made without a class call too (object.__new__ from copy, pickle and
     * user __new__): a class with __del__ needs its instances tracked. */
    if ((cls->obj.flags & CLASS_HAS_DEL) && !finalize_track_del(vm, &o->obj)) return exc_nomem(vm);
    return obj_val(o);
}

/* Refreshes what calling cls runs (see ObjClass.init and new_fn). */
static void call_cache(VM *vm, ObjClass *cls) {
    bool exc = cls->instance_kind == OBJ_EXC;
    Value newf = class_lookup(cls, vm_name(vm, N___new__));
    /* a staticmethod unwrapped; a classmethod stays, for class_alloc */
    if (is_kind(newf, OBJ_WRAPPER) && !op_is_classmethod(vm, newf)) newf = AS(ObjWrapper, newf)->v;
    /* Exceptions are made by exc_construct whatever their native __new__. */
    if (newf == UNDEF || is_object_slot(vm, newf, N___new__) || (exc && is_kind(newf, OBJ_NATIVE))) newf = UNDEF;
    Value initf = class_lookup(cls, vm_name(vm, N___init__));
    /* BaseException.__init__ is class_alloc's to run inline */
    bool base_init = exc && initf == dict_get_str(vm->exc_types[E_BaseException]->dict, vm_name(vm, N___init__));
    bool own_init = initf != UNDEF && !is_object_slot(vm, initf, N___init__) && !base_init;
    cls->init = own_init ? initf : UNDEF;
    cls->new_fn = newf;
    cls->init_version = vm->class_version;
}

/* Runs an __init__ that is no function but a property or an object with
 * __get__ (bound to the instance first, as CPython does) at once; obj,
 * or ERR; UNDEF when initf is a function, for the caller to run. */
static Value init_bound(VM *vm, Value obj, Value initf, Value *args, int nargs, ObjTuple *kwnames) {
    if (!vm_push_root(vm, obj)) return ERR;
    Value f = op_special_bound(vm, obj, initf);
    if (f == UNDEF) {
        vm_pop_roots(vm, 1);
        return UNDEF;
    }
    Value r = f == ERR ? ERR : op_call(vm, f, args, nargs, kwnames);
    vm_pop_roots(vm, 1);
    if (r == ERR) return ERR;
    if (r != NONE_VAL) return exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", r);
    return obj;
}

Value class_alloc(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames, Value *init) {
    *init = UNDEF;
    int nkw = kwnames ? (int)kwnames->len : 0;
    if ((cls->obj.flags & CLASS_BUILTIN) && cls->instance_kind != OBJ_EXC) {
        /* Builtin types construct in their __new__ native and need no __init__. */
        Value newf = class_lookup(cls, vm_name(vm, N___new__));
        if (newf == UNDEF || is_object_slot(vm, newf, N___new__)) {
            if (cls == vm->types[T_OBJECT]) {
                if (nargs || nkw) return exc_raise(vm, E_TypeError, "object() takes no arguments");
                ObjInstance *o = gc_new(vm, sizeof(ObjInstance), OBJ_INSTANCE, cls);
                return o ? obj_val(o) : ERR;
            }
            /* the singletons' types give the singleton: type(None)() is None */
            Value single = cls == vm->types[T_NONE] ? NONE_VAL : cls == vm->types[T_NOTIMPL] ? NOTIMPL_VAL
                         : cls == vm->types[T_ELLIPSIS] ? ELLIPSIS_VAL : UNDEF;
            if (single != UNDEF && (nargs || nkw))
                return exc_raise(vm, E_TypeError, "%s takes no arguments",
                                 single == ELLIPSIS_VAL ? "EllipsisType" : cls->name->data);
            if (single != UNDEF) return single;
            return exc_raise(vm, E_TypeError, "cannot create '%s' instances", cls->name->data);
        }
        Value argv[nargs + nkw + 1];
        argv[0] = obj_val(cls);
        copy_values(argv + 1, args, nargs + nkw);
        return op_call(vm, newf, argv, nargs + 1, kwnames);
    }
    if (cls->init_version != vm->class_version) call_cache(vm, cls);
    Value initf = cls->init, newf = cls->new_fn;
    bool own_init = initf != UNDEF;
    Value obj;
    if (newf != UNDEF) {
        /* A script __new__, or a builtin base's (type.__new__ for a
         * metaclass): called with the class first. */
        bool cm = is_kind(newf, OBJ_WRAPPER);   /* a classmethod __new__ gets the class twice */
        Value argv[nargs + nkw + 2];
        int k = 0;
        argv[k++] = obj_val(cls);
        if (cm) argv[k++] = obj_val(cls);
        copy_values(argv + k, args, nargs + nkw);
        obj = op_call(vm, cm ? AS(ObjWrapper, newf)->v : newf, argv, nargs + k, kwnames);
        if (obj == ERR) return ERR;
        if (!is_instance(vm, obj, cls)) return obj;     /* __init__ is skipped */
        ObjClass *oc = type_of(vm, obj);
        if (oc != cls) {
            /* __new__ made an instance of a subclass: its own __init__
             * runs, as CPython's type_call looks it up on type(obj). */
            if (oc->init_version != vm->class_version) call_cache(vm, oc);
            initf = oc->init;
            own_init = initf != UNDEF;
        }
        if (!own_init && is_kind(obj, OBJ_EXC) && !exc_oserror_parsed_by_new(vm, type_of(vm, obj))) {
            /* BaseException.__init__ runs next: args become the call's. */
            ObjTuple *t = tuple_from(vm, args, nargs);
            if (!t) return ERR;
            if (!exc_set_args(vm, AS(ObjException, obj), t)) return ERR;
            if (nkw && exc_init_kwargs(vm, obj, args + nargs, kwnames) < 0) return ERR;
        }
    } else if (!(cls->obj.flags & (CLASS_ABSTRACT | CLASS_SLOTS)) && cls->instance_kind == OBJ_INSTANCE &&
               (own_init || !(nargs || nkw))) {
        /* the common case: a plain instance with its dict */
        ObjInstance *o = instance_alloc(vm, cls);
        if (!o || !(o->dict = dict_new_sized(vm, cls->dict_hint))) return ERR;
        obj = obj_val(o);
    } else {
        if (!own_init && (nargs || nkw) && cls->instance_kind != OBJ_EXC)
            return exc_raise(vm, E_TypeError, "%s() takes no arguments", cls->name->data);
        /* an exception's keywords are checked before its arguments */
        if (nkw && cls->instance_kind == OBJ_EXC && !own_init &&
            !class_is_subclass(cls, vm->exc_types[E_BaseExceptionGroup]) && exc_check_kwargs(vm, cls, kwnames) < 0)
            return ERR;
        obj = default_new(vm, cls, args, nargs);
        if (obj == ERR) return ERR;
        if (nkw && cls->instance_kind == OBJ_EXC && !own_init && exc_init_kwargs(vm, obj, args + nargs, kwnames) < 0)
            return ERR;
    }
    if ((type_of(vm, obj)->obj.flags & CLASS_HAS_DEL) && is_obj(obj)) finalize_track_del(vm, as_obj(obj));
    if (!own_init) return obj;
    Value done = init_bound(vm, obj, initf, args, nargs, kwnames);
    if (done != UNDEF) return done;
    *init = initf;
    return obj;
}

/* type.__call__: __new__, then __init__ when __new__ made an instance. */
static Value call_plain(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames) {
    if (cls->ctor != UNDEF) {
        /* A builtin type: its native constructor takes the class first. */
        int nkw = kwnames ? (int)kwnames->len : 0;
        Value argv[nargs + nkw + 1];
        argv[0] = obj_val(cls);
        copy_values(argv + 1, args, nargs + nkw);
        Value obj = AS(ObjNative, cls->ctor)->fn(vm, argv, nargs + 1, kwnames);
        if (cls != vm->types[T_TYPE] || nargs != 3 || !is_kind(obj, OBJ_CLASS) || as_obj(obj)->cls == cls) return obj;
        /* type(name, bases, ns) made an instance of a base's metaclass:
         * its __init__ runs, as CPython's type_call does. */
        Value initf = class_lookup(as_obj(obj)->cls, vm_name(vm, N___init__));
        if (initf == dict_get_str(cls->dict, vm_name(vm, N___init__))) return obj;
        argv[0] = obj;
        if (!vm_push_root(vm, obj)) return ERR;
        Value r = op_call(vm, initf, argv, nargs + 1, kwnames);
        vm_pop_roots(vm, 1);
        return r == ERR ? ERR : obj;
    }
    Value init;
    Value obj = class_alloc(vm, cls, args, nargs, kwnames, &init);
    if (obj == ERR || init == UNDEF) return obj;
    int nkw = kwnames ? (int)kwnames->len : 0;
    Value argv[nargs + nkw + 1];
    argv[0] = obj;
    copy_values(argv + 1, args, nargs + nkw);
    if (!vm_push_root(vm, obj)) return ERR;
    Value r = op_call(vm, init, argv, nargs + 1, kwnames);
    vm_pop_roots(vm, 1);
    if (r == ERR) return ERR;
    if (r != NONE_VAL) return exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", r);
    return obj;
}

static Value type_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "descriptor '__call__' requires a 'type' object");
    return call_plain(vm, AS(ObjClass, args[0]), args + 1, nargs - 1, kw);
}

Value class_meta_call(VM *vm, ObjClass *cls) {
    ObjClass *meta = cls->obj.cls;
    if (meta == vm->types[T_TYPE]) return UNDEF;
    Value c = class_lookup(meta, vm_name(vm, N___call__));
    return is_kind(c, OBJ_NATIVE) && AS(ObjNative, c)->fn == type_call ? UNDEF : c;
}

Value class_instantiate(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames, Value *init) {
    if (cls->obj.cls == vm->types[T_TYPE]) return class_alloc(vm, cls, args, nargs, kwnames, init);
    Value mc = class_meta_call(vm, cls);
    if (mc == UNDEF) return class_alloc(vm, cls, args, nargs, kwnames, init);
    *init = UNDEF;
    return class_call(vm, cls, args, nargs, kwnames);
}

Value class_call(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames) {
    Value mc = class_meta_call(vm, cls);
    if (mc != UNDEF) {
        Value bound = op_special_bound(vm, obj_val(cls), mc);
        if (bound != UNDEF) return bound == ERR ? ERR : op_call(vm, bound, args, nargs, kwnames);
        int nkw = kwnames ? (int)kwnames->len : 0;
        Value argv[nargs + nkw + 1];
        argv[0] = obj_val(cls);
        copy_values(argv + 1, args, nargs + nkw);
        return op_call(vm, mc, argv, nargs + 1, kwnames);
    }
    return call_plain(vm, cls, args, nargs, kwnames);
}

/* ---- attributes of class objects --------------------------------------- */

static bool is_class_property(Value v);
static Value class_solid_base(VM *vm, ObjClass *cls);

/* A property or an object whose class has __set__ or __delete__: on a
 * metaclass, it wins over the class's own attributes. */
bool class_is_data_descriptor(VM *vm, Value v) {
    if (is_kind(v, OBJ_PROPERTY)) return true;
    return (is_kind(v, OBJ_INSTANCE) || (is_obj(v) && (as_obj(v)->flags & OBJ_SUBTYPE))) &&
           (op_special(vm, v, N___set__) != UNDEF || op_special(vm, v, N___delete__) != UNDEF);
}

/* type's own attributes of a class, as its getset descriptors in
 * type.__dict__ answer them: the name, MRO, bases, dict (a mappingproxy),
 * module and doc; UNDEF for other names. */
/* The ones of them a class's layout holds: name, qualname, MRO, bases,
 * solid base and dict; UNDEF for other names. */
static Value type_layout_attr(VM *vm, ObjClass *cls, ObjStr *name) {
    if (str_eq(name, vm_name(vm, N___name__))) return obj_val(cls->name);
    if (str_eq(name, vm_name(vm, N___qualname__))) return obj_val(cls->qualname);
    if (str_eq(name, vm_name(vm, N___mro__))) return obj_val(cls->mro);
    if (str_eq(name, vm_name(vm, N___bases__))) return obj_val(cls->bases);
    if (str_eq(name, vm_name(vm, N___base__))) return class_solid_base(vm, cls);
    if (str_eq(name, vm_name(vm, N___dict__))) return mappingproxy_new(vm, obj_val(cls->dict));
    return UNDEF;
}

static Value type_own_attr(VM *vm, ObjClass *cls, ObjStr *name) {
    Value layout = type_layout_attr(vm, cls, name);
    if (layout != UNDEF) return layout;
    bool doc = str_eq(name, vm_name(vm, N___doc__));
    if (!doc && !str_eq(name, vm_name(vm, N___module__))) return UNDEF;
    /* the class's own entry (not type's descriptor of it) */
    Value v = cls == vm->types[T_TYPE] ? UNDEF : dict_get_str(cls->dict, name);
    if (!doc) return v != UNDEF ? v : cls->module == UNDEF ? str_from_cstr(vm, "builtins") : cls->module;
    if (v == UNDEF) {       /* a builtin type's is CPython's */
        const BuiltinDoc *d = (cls->obj.flags & CLASS_BUILTIN) ? builtin_doc_find(cls->name->data, "") : NULL;
        return d && d->doc ? str_from_cstr(vm, d->doc) : NONE_VAL;
    }
    Value get = is_obj(v) && !is_str(v) ? op_special(vm, v, N___get__) : UNDEF;
    if (get == UNDEF) return v;
    Value argv[3] = {v, NONE_VAL, obj_val(cls)};
    return op_call(vm, get, argv, 3, NULL);
}

/* The getset descriptors' functions; their self is the attribute's name. */
static Value type_getset_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_kind(args[1], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "descriptor '%s' for 'type' objects doesn't apply to a '%T' object",
                         AS(ObjStr, args[0])->data, args[1]);
    Value v = type_own_attr(vm, AS(ObjClass, args[1]), AS(ObjStr, args[0]));
    return v == UNDEF ? exc_raise(vm, E_AttributeError, "%s", AS(ObjStr, args[0])->data) : v;
}

static Value type_getset_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__set__", nargs - 1, kw, 1, 2)) return ERR;
    if (!is_kind(args[1], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "descriptor '%s' for 'type' objects doesn't apply to a '%T' object",
                         AS(ObjStr, args[0])->data, args[1]);
    ObjClass *c = AS(ObjClass, args[1]);
    int r = nargs > 2 ? class_setattr(vm, c, AS(ObjStr, args[0]), args[2]) : class_delattr(vm, c, AS(ObjStr, args[0]));
    return r < 0 ? ERR : NONE_VAL;
}

static bool is_type_getset(Value v) {
    Value g = is_kind(v, OBJ_PROPERTY) ? AS(ObjProperty, v)->fget : UNDEF;
    return is_kind(g, OBJ_NATIVE) && AS(ObjNative, g)->fn == type_getset_get;
}

static void type_add_getsets(VM *vm) {
    static const NameId names[] = {N___name__, N___qualname__, N___bases__, N___base__, N___mro__,
                                   N___module__, N___doc__, N___dict__};
    ObjClass *t = vm->types[T_TYPE];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        ObjStr *name = vm_name(vm, names[i]);
        ObjNative *g = native_new(vm, name->data, type_getset_get);
        ObjNative *set = g ? native_new(vm, name->data, type_getset_set) : NULL;
        ObjProperty *p = set ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_GETSET_DESCRIPTOR]) : NULL;
        if (!p) return;
        g->self = set->self = obj_val(name);
        p->fget = obj_val(g);
        p->fset = p->fdel = obj_val(set);
        p->name = NONE_VAL;
        p->doc = obj_val(t);        /* its owner (descr_owner) */
        dict_set_str(vm, t->dict, name, obj_val(p));
    }
}

/* A class without annotations of its own gets an empty dict on first
 * asking, kept, rather than a base's (as CPython's type.__annotations__). */
static Value class_new_annotations(VM *vm, ObjClass *cls, ObjStr *name) {
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    Value v = obj_val(d);
    return class_setattr(vm, cls, name, v) < 0 ? ERR : v;
}

Value class_getattr(VM *vm, ObjClass *cls, ObjStr *name) {
    /* As type.__getattribute__: data descriptors of the metaclass, then
     * the class's MRO, then the metaclass's other attributes. */
    ObjClass *meta = cls->obj.cls;
    bool plain = meta == vm->types[T_TYPE];
    Value mv = plain ? UNDEF : class_lookup(meta, name);
    if (mv != UNDEF && class_is_data_descriptor(vm, mv) &&
        (is_kind(mv, OBJ_PROPERTY) || op_special(vm, mv, N___get__) != UNDEF))     /* (one without __get__: below) */
        return op_bind_attr(vm, obj_val(cls), mv);
    if (name->data[0] == '_') {
        /* type's own data descriptors, which win over the class's MRO */
        Value layout = type_layout_attr(vm, cls, name);
        if (layout != UNDEF) return layout;
        if (cls == vm->types[T_TYPE] && (str_eq(name, vm_name(vm, N___doc__)) || str_eq(name, vm_name(vm, N___module__))))
            return type_own_attr(vm, cls, name);    /* not its own descriptors */
        if (!strcmp(name->data, "__text_signature__")) {
            /* CPython's for a builtin type, else None */
            const BuiltinDoc *doc = (cls->obj.flags & CLASS_BUILTIN) ? builtin_doc_find(cls->name->data, "") : NULL;
            return doc && doc->sig ? str_from_cstr(vm, doc->sig) : NONE_VAL;
        }
        if (!strcmp(name->data, "__type_params__")) {
            /* the class's own (PEP 695), else none */
            Value tp = cls == vm->types[T_TYPE] ? UNDEF : dict_get_str(cls->dict, name);
            return tp != UNDEF ? tp : obj_val(vm->empty_tuple);
        }
        if (str_eq(name, vm_name(vm, N___annotations__)) && !(cls->obj.flags & CLASS_BUILTIN) &&
            dict_get_str(cls->dict, name) == UNDEF)
            return class_new_annotations(vm, cls, name);
        if (str_eq(name, vm_name(vm, N___doc__))) {
            /* the class's own, never a base's (object's is not in its dict:
             * functions and descriptors answer __doc__ themselves) */
            Value d = dict_get_str(cls->dict, name);
            if (d == UNDEF) {
                /* a builtin type's is CPython's */
                const BuiltinDoc *doc = (cls->obj.flags & CLASS_BUILTIN) ? builtin_doc_find(cls->name->data, "") : NULL;
                return doc && doc->doc ? str_from_cstr(vm, doc->doc) : NONE_VAL;
            }
            /* a descriptor there is asked, as type_get_doc does: the MRO
             * lookup below finds it first in the class's own dict */
        }
    }
    Value v = class_lookup(cls, name);
    if (v != UNDEF) {
        /* a metaclass reaching type's descriptor through its MRO: applied
         * to it, as type (its metaclass) has it */
        if (is_type_getset(v)) {
            Value r = type_own_attr(vm, cls, name);
            if (r != UNDEF) return r;
        }
        if (op_plain_wrapper(vm, v)) {
            if (op_is_classmethod(vm, v)) return op_classmethod_bind(vm, obj_val(cls), AS(ObjWrapper, v)->v);
            return AS(ObjWrapper, v)->v;
        }
        if (is_kind(v, OBJ_PROPERTY) && is_class_property(v)) return obj_val(meta);     /* C.__class__ */
        if (is_kind(v, OBJ_INSTANCE) || (is_obj(v) && (as_obj(v)->flags & OBJ_SUBTYPE))) {
            Value get = op_special(vm, v, N___get__);
            if (get != UNDEF) {
                Value argv[3] = {v, NONE_VAL, obj_val(cls)};
                return op_call(vm, get, argv, 3, NULL);
            }
        }
        return v;
    }
    if (str_eq(name, vm_name(vm, N___class__))) return obj_val(cls->obj.cls);
    if (str_eq(name, vm_name(vm, N___module__))) return cls->module == UNDEF ? str_from_cstr(vm, "builtins") : cls->module;
    if (str_eq(name, vm_name(vm, N___doc__))) return NONE_VAL;
    /* Methods of the metaclass (type's own: mro(), ...), bound to cls. */
    if (plain) mv = class_lookup(meta, name);
    return mv == UNDEF ? UNDEF : op_bind_attr(vm, obj_val(cls), mv);
}

/* __base__: the base whose instance layout the class's instances have
 * (CPython's best_base): the first base with the class's layout, else the
 * first base; None for object. */
static Value class_solid_base(VM *vm, ObjClass *cls) {
    (void)vm;
    if (cls->bases->len == 0) return NONE_VAL;
    uint16_t layout = CLASS_SUBTYPE | CLASS_SLOTS;
    for (int64_t i = 0; i < cls->bases->len; i++) {
        ObjClass *b = AS(ObjClass, cls->bases->items[i]);
        if (b->instance_kind == cls->instance_kind && (b->obj.flags & layout) == (cls->obj.flags & layout))
            return obj_val(b);
    }
    for (int64_t i = 0; i < cls->bases->len; i++) {
        ObjClass *b = AS(ObjClass, cls->bases->items[i]);
        if (b->instance_kind == cls->instance_kind && b->instance_kind != OBJ_INSTANCE) return obj_val(b);
    }
    return cls->bases->items[0];
}

/* Keeps CLASS_ABSTRACT in step with __abstractmethods__ (as CPython's
 * type_set_abstractmethods does). */
static int note_abstract(VM *vm, ObjClass *c, ObjStr *name, Value v) {
    if (!str_eq(name, vm_name(vm, N___abstractmethods__))) return 0;
    int t = v == UNDEF ? 0 : op_truthy(vm, v);
    if (t < 0) return -1;
    if (t) c->obj.flags |= CLASS_ABSTRACT;
    else c->obj.flags &= (uint16_t)~CLASS_ABSTRACT;
    return 0;
}

/* Setting or deleting __getattr__, __getattribute__ or __del__ on a
 * class changes what its subclasses inherit too: their flags are worked
 * out again (depth-bounded: a subclass graph is acyclic). */
static void hooks_changed(VM *vm, ObjClass *c, ObjStr *name, int depth) {
    if (depth == 0 && !str_eq(name, vm_name(vm, N___getattr__)) &&
        !str_eq(name, vm_name(vm, N___getattribute__)) && !str_eq(name, vm_name(vm, N___del__)))
        return;
    class_hook_flags(vm, c);
    if (!c->subclasses || depth > 1000) return;
    for (int64_t i = 0; i < c->subclasses->len; i++) {
        Value sub = c->subclasses->items[i];
        if (is_kind(sub, OBJ_CLASS)) hooks_changed(vm, AS(ObjClass, sub), name, depth + 1);
    }
}

int class_setattr(VM *vm, ObjClass *c, ObjStr *name, Value v) {
    int special = class_set_special(vm, c, name, v);
    if (special <= 0) return special;
    if (c->obj.flags & CLASS_BUILTIN) {
        exc_raise(vm, E_TypeError, "cannot set '%s' attribute of immutable type '%s'", name->data,
                  class_tp_name(vm, c));
        return -1;
    }
    if (dict_set_str(vm, c->dict, name, v) < 0) return -1;
    if (str_eq(name, vm_name(vm, N___module__))) c->module = v;
    hooks_changed(vm, c, name, 0);
    if (note_abstract(vm, c, name, v) < 0) return -1;
    class_changed(vm, c);
    return 0;
}

int class_delattr(VM *vm, ObjClass *c, ObjStr *name) {
    int special = class_set_special(vm, c, name, UNDEF);
    if (special <= 0) return special;
    if (c->obj.flags & CLASS_BUILTIN) {
        /* CPython's message says "set" for a deletion too. */
        exc_raise(vm, E_TypeError, "cannot set '%s' attribute of immutable type '%s'", name->data,
                  class_tp_name(vm, c));
        return -1;
    }
    int r = dict_del(vm, c->dict, obj_val(name));
    if (r < 0) return -1;
    hooks_changed(vm, c, name, 0);
    class_changed(vm, c);
    if (!r) {
        exc_raise(vm, E_AttributeError, "type object '%s' has no attribute '%s'", c->name->data, name->data);
        return -1;
    }
    return note_abstract(vm, c, name, UNDEF);
}

/* ---- object's methods -------------------------------------------------- */

/* Whether the object.__new__/__init__ argument checks apply to cls: a
 * class of plain instances. (Asy's builtin types do not all have the
 * __init__ CPython's have, so their subclasses are let through.) */
static bool plain_layout(ObjClass *cls) {
    return cls->instance_kind == OBJ_INSTANCE && !(cls->obj.flags & (CLASS_BUILTIN | CLASS_SUBTYPE));
}

static bool overrides(VM *vm, ObjClass *cls, NameId name) {
    return !is_object_slot(vm, class_lookup(cls, vm_name(vm, name)), name);
}

/* CPython's excess-argument rules: object.__init__ takes extra arguments
 * only when __new__ is overridden and __init__ is not (and object.__new__
 * the other way round), so a stray super().__init__(x) is an error. */
static Value object_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || (nargs == 1 && (!kw || !kw->len))) return NONE_VAL;
    ObjClass *cls = type_of(vm, args[0]);
    if (!plain_layout(cls) && cls != vm->types[T_OBJECT]) return NONE_VAL;
    if (overrides(vm, cls, N___init__))
        return exc_raise(vm, E_TypeError, "object.__init__() takes exactly one argument (the instance to initialize)");
    if (!overrides(vm, cls, N___new__))
        return exc_raise(vm, E_TypeError, "%s.__init__() takes exactly one argument (the instance to initialize)",
                         cls->name->data);
    return NONE_VAL;
}

static Value object_new_args(VM *vm, ObjClass *cls, int nargs, ObjTuple *kw) {
    if ((nargs == 1 && (!kw || !kw->len)) || !plain_layout(cls)) return NONE_VAL;
    if (overrides(vm, cls, N___new__))
        return exc_raise(vm, E_TypeError, "object.__new__() takes exactly one argument (the type to instantiate)");
    if (!overrides(vm, cls, N___init__)) return exc_raise(vm, E_TypeError, "%s() takes no arguments", cls->name->data);
    return NONE_VAL;
}

static Value object_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1) return exc_raise(vm, E_TypeError, "object.__new__(): not enough arguments");
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "object.__new__(X): X is not a type object (%T)", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    if (cls->instance_kind != OBJ_EXC && cls->instance_kind != OBJ_INSTANCE) {
        /* a builtin's layout (tuple, or a class deriving from it): only its
         * native __new__ can make one. CPython names the nearest class
         * whose __new__ is not written in Python. */
        ObjClass *base = cls;
        while (!(base->obj.flags & CLASS_BUILTIN)) {
            Value nf = class_lookup(base, vm_name(vm, N___new__));
            if (is_kind(nf, OBJ_WRAPPER)) nf = AS(ObjWrapper, nf)->v;
            Value up = class_solid_base(vm, base);
            if (!is_kind(nf, OBJ_FUNCTION) || !is_kind(up, OBJ_CLASS)) break;
            base = AS(ObjClass, up);
        }
        return exc_raise(vm, E_TypeError, "object.__new__(%s) is not safe, use %s.__new__()", class_tp_name(vm, cls),
                         class_tp_name(vm, base));
    }
    if (object_new_args(vm, cls, nargs, kw) == ERR) return ERR;
    return default_new(vm, AS(ObjClass, args[0]), args + 1, nargs - 1);
}

static Value object_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    ObjClass *c = type_of(vm, args[0]);
    StrBuf b = SB_INIT;
    if (c->module != UNDEF && is_str(c->module) && strcmp(AS(ObjStr, c->module)->data, "builtins") != 0)
        sb_addf(&b, "<%s.%s object at %p>", AS(ObjStr, c->module)->data, c->qualname->data,
                is_obj(args[0]) ? (void *)as_obj(args[0]) : NULL);
    else
        sb_addf(&b, "<%s object at %p>", c->qualname->data, is_obj(args[0]) ? (void *)as_obj(args[0]) : NULL);
    return str_from_buf(vm, &b);
}

static Value object_str(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return op_repr(vm, args[0]);
}

static Value object_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__eq__", nargs - 1, kw, 1, 1)) return ERR;
    return args[0] == args[1] ? TRUE_VAL : NOTIMPL_VAL;
}

/* object.__ne__: the inverse of type(self).__eq__(self, other), unless
 * that is NotImplemented. */
static Value object_ne(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__ne__", nargs - 1, kw, 1, 1)) return ERR;
    Value eq = class_lookup(type_of(vm, args[0]), vm_name(vm, N___eq__));
    Value r;
    if (eq == UNDEF || (is_kind(eq, OBJ_NATIVE) && AS(ObjNative, eq)->fn == object_eq))
        r = args[0] == args[1] ? TRUE_VAL : NOTIMPL_VAL;
    else if (is_kind(eq, OBJ_FUNCTION) || is_kind(eq, OBJ_NATIVE))
        r = op_call(vm, eq, args, 2, NULL);     /* self's __eq__ alone: its NotImplemented stays */
    else
        r = op_compare(vm, CMP_EQ, args[0], args[1]);
    if (r == ERR || r == NOTIMPL_VAL) return r;
    int t = op_truthy(vm, r);
    return t < 0 ? ERR : bool_val(!t);
}

/* Identity hash: never dispatches to a user __hash__, which may be the
 * caller (super().__hash__()). */
static Value object_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!is_obj(args[0])) {
        uint64_t h;
        return op_hash(vm, args[0], &h) < 0 ? ERR : int_from_i64(vm, (int64_t)h);
    }
    return int_from_i64(vm, (int64_t)((uintptr_t)as_obj(args[0]) >> 4));
}

static Value object_setattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setattr__", nargs - 1, kw, 2, 2)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", args[1]);
    Obj *o = is_obj(args[0]) ? as_obj(args[0]) : NULL;
    if (o && o->kind == OBJ_CLASS) return class_setattr(vm, (ObjClass *)o, AS(ObjStr, args[1]), args[2]) < 0 ? ERR : NONE_VAL;
    if (!o || (o->kind != OBJ_INSTANCE && o->kind != OBJ_EXC && !(o->flags & OBJ_SUBTYPE)))
        return op_setattr(vm, args[0], AS(ObjStr, args[1]), args[2]) < 0 ? ERR : NONE_VAL;
    return op_generic_setattr(vm, args[0], AS(ObjStr, args[1]), args[2]) < 0 ? ERR : NONE_VAL;
}

static Value object_delattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__delattr__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", args[1]);
    Obj *o = is_obj(args[0]) ? as_obj(args[0]) : NULL;
    if (o && o->kind == OBJ_CLASS) return class_delattr(vm, (ObjClass *)o, AS(ObjStr, args[1])) < 0 ? ERR : NONE_VAL;
    if (!o || (o->kind != OBJ_INSTANCE && o->kind != OBJ_EXC && !(o->flags & OBJ_SUBTYPE)))
        return op_delattr(vm, args[0], AS(ObjStr, args[1])) < 0 ? ERR : NONE_VAL;
    return op_generic_setattr(vm, args[0], AS(ObjStr, args[1]), UNDEF) < 0 ? ERR : NONE_VAL;
}

/* object.__class__, a property: the type, and assignment to another class
 * of the same layout (op_generic_setattr). A data descriptor, so that the
 * interpreter's store cache leaves `obj.__class__ = C` to the slow path. */
static Value object_class_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return nargs == 1 ? obj_val(type_of(vm, args[0])) : exc_raise(vm, E_TypeError, "__class__ takes an object");
}

static Value object_class_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "__class__ takes an object and a class");
    return op_generic_setattr(vm, args[0], vm_name(vm, N___class__), args[1]) < 0 ? ERR : NONE_VAL;
}

static bool is_class_property(Value v) {
    Value g = AS(ObjProperty, v)->fget;
    return is_kind(g, OBJ_NATIVE) && AS(ObjNative, g)->fn == object_class_get;
}

/* object.__lt__ and friends: NotImplemented (the comparison falls back). */
static Value object_order(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "__lt__", nargs - 1, kw, 1, 1) ? NOTIMPL_VAL : ERR;
}

/* object.__sizeof__(): the object's own size, as CPython counts it for
 * instances (a header and, with an instance dict, its pointer). */
static Value object_sizeof(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__sizeof__", nargs - 1, kw, 0, 0)) return ERR;
    bool dict = is_kind(args[0], OBJ_INSTANCE) && AS(ObjInstance, args[0])->dict;
    return int_val(dict ? 24 : 16);
}

/* object.__reduce_ex__(protocol), object.__reduce__() and
 * object.__getstate__(): copyreg's reduce_object and default state (the
 * pickle module has its own paths for instances and skips these). */
static Value object_copyreg(VM *vm, const char *fn, Value self) {
    Value m = import_standard(vm, "copyreg");
    Value f = m == ERR ? ERR : op_getattr(vm, m, str_intern_cstr(vm, fn));
    return f == ERR ? ERR : op_call1(vm, f, self);
}

static Value object_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw);

/* Protocols 0 and 1: copyreg._reduce_ex (the _reconstructor form). */
static Value object_reduce_old(VM *vm, Value self, Value proto) {
    Value m = import_standard(vm, "copyreg");
    Value f = m == ERR ? ERR : op_getattr(vm, m, str_intern_cstr(vm, "_reduce_ex"));
    return f == ERR ? ERR : op_call(vm, f, (Value[]){self, proto}, 2, NULL);
}

/* (a class's own __reduce__ answers, as in CPython) */
static Value object_reduce_ex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce_ex__", nargs - 1, kw, 1, 1)) return ERR;
    Value r = class_lookup(type_of(vm, args[0]), vm_name(vm, N___reduce__));
    if (r != UNDEF && !(is_kind(r, OBJ_NATIVE) && AS(ObjNative, r)->fn == object_reduce))
        return op_call_method(vm, args[0], vm_name(vm, N___reduce__), NULL, 0);
    if (is_int(args[1]) && as_int(args[1]) < 2) return object_reduce_old(vm, args[0], args[1]);
    return object_copyreg(vm, "reduce_object", args[0]);
}

/* object.__reduce__() is protocol 0's, as CPython's. */
static Value object_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    return object_reduce_old(vm, args[0], int_val(0));
}

static Value object_getstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getstate__", nargs - 1, kw, 0, 0)) return ERR;
    return object_copyreg(vm, "_object_getstate", args[0]);
}

/* Adds the keys of d to the list l (and the set seen), skipping repeats
 * and the non-str keys that natives keep hidden state under (a deque's
 * ring is at key 0 of its instance dict). */
static bool dir_add(VM *vm, ObjList *l, ObjDict *seen, ObjDict *d) {
    int64_t pos = 0;
    Value k;
    while (d && dict_next(d, &pos, &k, NULL)) {
        if (!is_str(k) || dict_get(vm, seen, k) != UNDEF) continue;
        if (dict_set(vm, seen, k, NONE_VAL) < 0 || list_append(vm, l, k) < 0) return false;
    }
    return true;
}

/* A native module that loads part of itself on first use (a native
 * __getattr__, stdlib/modules.c's module_lazy_attr) lists those names in
 * the native's data (module_add_lazy_getattr) or in its __all__: dir()
 * shows them before they are loaded, as CPython's module, which has them
 * all along, does. The native hook itself is not shown: CPython's module
 * has none (seen gets it before the namespace is listed). */
static Value dir_lazy_names(VM *vm, ObjDict *md, ObjList **names) {
    Value getattr = dict_get_str(md, str_intern_cstr(vm, "__getattr__"));
    *names = NULL;
    if (!is_kind(getattr, OBJ_NATIVE)) return UNDEF;
    Value data = AS(ObjNative, getattr)->data;
    if (is_kind(data, OBJ_TUPLE)) return data;
    Value all = dict_get_str(md, str_intern_cstr(vm, "__all__"));
    if (is_list(all)) *names = AS(ObjList, all);
    return UNDEF;
}

static bool dir_add_lazy(VM *vm, ObjList *l, ObjDict *seen, ObjDict *md) {
    ObjList *names;
    Value t = dir_lazy_names(vm, md, &names);
    if (t != UNDEF) {
        ObjTuple *tn = AS(ObjTuple, t);
        for (int64_t i = 0; i < tn->len; i++) {
            if (dict_get(vm, seen, tn->items[i]) != UNDEF) continue;
            if (dict_set(vm, seen, tn->items[i], NONE_VAL) < 0 || list_append(vm, l, tn->items[i]) < 0) return false;
        }
        return true;
    }
    if (!names) return true;
    for (int64_t i = 0; i < names->len; i++) {
        Value k = names->items[i];
        if (!is_str(k) || dict_get(vm, seen, k) != UNDEF) continue;
        if (dict_set(vm, seen, k, NONE_VAL) < 0 || list_append(vm, l, k) < 0) return false;
    }
    return true;
}

/* object.__dir__(): the instance's attributes, then its class's along the
 * MRO; type.__dir__(cls): the attributes along cls's MRO. A module's are
 * its namespace's (PEP 562: a module-level __dir__ answers). */
static Value object_dir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__dir__", nargs - 1, kw, 0, 0)) return ERR;
    Value o = args[0];
    if (is_kind(o, OBJ_MODULE)) {
        ObjDict *md = AS(ObjModule, o)->dict;
        Value f = dict_get_str(md, str_intern_cstr(vm, "__dir__"));
        if (f != UNDEF) {
            Value r = op_call0(vm, f);
            if (r == ERR) return ERR;
            ObjList *l = op_to_list(vm, r);
            return l ? obj_val(l) : ERR;
        }
    }
    ObjList *l = list_new(vm, 0);
    ObjDict *seen = l ? dict_new(vm) : NULL;
    if (!seen) return ERR;
    if (!vm_push_root(vm, obj_val(l))) return ERR;
    if (!vm_push_root(vm, obj_val(seen))) { vm_pop_roots(vm, 1); return ERR; }
    bool ok = true;
    if (!is_kind(o, OBJ_CLASS)) {
        Value d = op_getattr_opt(vm, o, vm_name(vm, N___dict__));
        if (d == ERR) ok = false;
        else if (is_dict(d)) {
            ObjStr *hook = str_intern_cstr(vm, "__getattr__");
            if (is_kind(o, OBJ_MODULE) && is_kind(dict_get_str(AS(ObjDict, d), hook), OBJ_NATIVE))
                ok = dict_set(vm, seen, obj_val(hook), NONE_VAL) == 0;
            ok = ok && dir_add(vm, l, seen, AS(ObjDict, d)) && dir_add_lazy(vm, l, seen, AS(ObjDict, d));
        }
        else if (is_kind(o, OBJ_MODULE)) {
            /* a ModuleType subclass may hide its dict */
            exc_raise(vm, E_TypeError, "<module>.__dict__ is not a dictionary");
            ok = false;
        }
    }
    if (ok && !is_kind(o, OBJ_MODULE)) {
        ObjTuple *mro = (is_kind(o, OBJ_CLASS) ? AS(ObjClass, o) : type_of(vm, o))->mro;
        for (int64_t i = 0; ok && i < mro->len; i++) ok = dir_add(vm, l, seen, AS(ObjClass, mro->items[i])->dict);
        if (ok) ok = dir_add_extras(vm, o, mro, l, seen);
        /* every class has a __doc__ (object's is not kept in its dict) */
        Value doc = obj_val(vm_name(vm, N___doc__));
        if (ok && dict_get(vm, seen, doc) == UNDEF) ok = list_append(vm, l, doc) == 0;
    }
    vm_pop_roots(vm, 2);
    return ok ? obj_val(l) : ERR;
}

/* object.__format__(self, spec): str(self) for an empty spec. */
static Value object_format(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__format__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "__format__() argument must be str, not %A", args[1]);
    if (AS(ObjStr, args[1])->len)
        return exc_raise(vm, E_TypeError, "unsupported format string passed to %T.__format__", args[0]);
    return op_str(vm, args[0]);
}

/* object.__subclasshook__(cls, subclass): no opinion (abc's hook). */
static Value object_subclasshook(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm; (void)args; (void)nargs; (void)kw;
    return NOTIMPL_VAL;
}

static Value object_init_subclass(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!(kw && kw->len) && nargs <= 1) return NONE_VAL;
    const char *name = nargs > 0 && is_kind(args[0], OBJ_CLASS) ? AS(ObjClass, args[0])->qualname->data : "object";
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "%s.__init_subclass__() takes no keyword arguments", name);
    return exc_raise(vm, E_TypeError, "%s.__init_subclass__() takes no arguments (%d given)", name, nargs - 1);
}

/* ---- type's methods ---------------------------------------------------- */

ObjClass *class_calculate_meta(VM *vm, ObjClass *meta, ObjTuple *bases) {
    ObjClass *winner = meta;
    for (int64_t i = 0; i < bases->len; i++) {
        ObjClass *t = type_of(vm, bases->items[i]);
        if (class_is_subclass(winner, t)) continue;
        if (class_is_subclass(t, winner)) {
            winner = t;
            continue;
        }
        exc_raise(vm, E_TypeError, "metaclass conflict: the metaclass of a derived class must be a (non-strict) "
                                   "subclass of the metaclasses of all its bases");
        return NULL;
    }
    return winner;
}

/* The first __init_subclass__ above cls, called with the class keywords
 * (implicitly a classmethod). */
static bool init_subclass(VM *vm, ObjClass *cls, Value *kwv, ObjTuple *kwnames) {
    int nkw = kwnames ? (int)kwnames->len : 0;
    ObjTuple *mro = cls->mro;
    Value fn = UNDEF;
    for (int64_t i = 1; i < mro->len && fn == UNDEF; i++)
        fn = dict_get_str(AS(ObjClass, mro->items[i])->dict, vm_name(vm, N___init_subclass__));
    if (is_kind(fn, OBJ_WRAPPER) && op_is_classmethod(vm, fn)) fn = AS(ObjWrapper, fn)->v;
    if (fn == UNDEF || is_kind(fn, OBJ_NATIVE)) {
        /* object.__init_subclass__ takes nothing. */
        if (nkw == 0) return true;
        exc_raise(vm, E_TypeError, "%s.__init_subclass__() takes no keyword arguments", cls->qualname->data);
        return false;
    }
    Value argv[nkw + 1];
    argv[0] = obj_val(cls);
    copy_values(argv + 1, kwv, nkw);
    return op_call(vm, fn, argv, 1, nkw ? kwnames : NULL) != ERR;
}

/* Says which attribute's __set_name__ failed, as CPython 3.12 does in a
 * note on the exception. */
static void note_set_name_error(VM *vm, ObjClass *cls, Value attr, Value name) {
    Value e = vm->exc;
    if (!is_kind(e, OBJ_EXC) || !is_str(name)) return;
    StrBuf b = SB_INIT;
    sb_addf(&b, "Error calling __set_name__ on '%s' instance '%s' in '%s'", type_of(vm, attr)->name->data,
            AS(ObjStr, name)->data, cls->name->data);
    Value note = str_from_buf(vm, &b);
    if (note != ERR) exc_add_note(vm, e, note);
    vm->exc = e;
}

/* type.__new__'s steps after making the class: the __class__ cell of its
 * methods, __set_name__ on its attributes, the parent's __init_subclass__. */
static bool class_finish(VM *vm, ObjClass *cls, Value *kwv, ObjTuple *kwnames) {
    ObjStr *cellname = vm_name(vm, N___classcell__);
    Value cell = dict_get_str(cls->dict, cellname);
    if (cell != UNDEF && !is_kind(cell, OBJ_CELL)) {
        exc_raise(vm, E_TypeError, "__classcell__ must be a nonlocal cell, not %R", obj_val(type_of(vm, cell)));
        return false;
    }
    if (cell != UNDEF) {
        AS(ObjCell, cell)->v = obj_val(cls);
        if (dict_del(vm, cls->dict, obj_val(cellname)) < 0) return false;
    }
    /* The __classdict__ cell of the class's annotation scopes (PEP 695):
     * from now on they read the class's own dict, as CPython's. */
    cellname = vm_name(vm, N___classdictcell__);
    cell = dict_get_str(cls->dict, cellname);
    if (is_kind(cell, OBJ_CELL)) {
        AS(ObjCell, cell)->v = obj_val(cls->dict);
        if (dict_del(vm, cls->dict, obj_val(cellname)) < 0) return false;
    }
    /* A snapshot, as in CPython: a __set_name__ that adds, replaces or
     * deletes class attributes changes neither which are told nor the order. */
    ObjDict *d = dict_copy(vm, cls->dict);
    Value *root = d ? vm_roots_open(vm, 1) : NULL;
    if (!root) return false;
    *root = obj_val(d);
    bool ok = true;
    for (int64_t pos = 0; ok && pos < d->nentries; pos++) {
        DictEntry *e = &d->entries[pos];
        if (e->key == UNDEF || !(is_kind(e->value, OBJ_INSTANCE) || is_kind(e->value, OBJ_PROPERTY))) continue;
        Value sn = op_special(vm, e->value, N___set_name__);
        if (sn == UNDEF) continue;
        Value argv[3] = {e->value, obj_val(cls), e->key};
        ok = op_call(vm, sn, argv, 3, NULL) != ERR;
        if (!ok) note_set_name_error(vm, cls, e->value, e->key);
    }
    vm_pop_roots(vm, 1);
    return ok && init_subclass(vm, cls, kwv, kwnames);
}

static bool is_type_new(Value f);

/* type(x), and type.__new__(mcls, name, bases, ns, **kwds). */
static Value type_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int nkw = kw ? (int)kw->len : 0;
    ObjClass *type = vm->types[T_TYPE];
    if (nargs < 1 || !is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "type.__new__(X): X is not a type object (%T)", nargs ? args[0] : NONE_VAL);
    ObjClass *mcls = AS(ObjClass, args[0]);
    if (mcls == type && nargs == 2 && nkw == 0) return obj_val(type_of(vm, args[1]));
    if (nargs != 4) {
        /* CPython: keywords with one argument are refused as such; any
         * other count than 1 or 3 is "1 or 3 arguments", keywords or not. */
        if (mcls == type && nkw && nargs == 2) return exc_raise(vm, E_TypeError, "type() takes no keyword arguments");
        if (mcls == type) return exc_raise(vm, E_TypeError, "type() takes 1 or 3 arguments");
        return exc_raise(vm, E_TypeError, "type.__new__() takes exactly 3 arguments (%d given)", nargs - 1);
    }
    if (!class_is_subclass(mcls, type))
        return exc_raise(vm, E_TypeError, "type.__new__(%s): %s is not a subtype of type", mcls->name->data,
                         mcls->name->data);
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "type.__new__() argument 1 must be str, not %A", args[1]);
    if (!is_tuple(args[2])) return exc_raise(vm, E_TypeError, "type.__new__() argument 2 must be tuple, not %A", args[2]);
    if (!is_dict(args[3])) return exc_raise(vm, E_TypeError, "type.__new__() argument 3 must be dict, not %A", args[3]);
    if (!class_name_ok(vm, args[1])) return ERR;
    Value doc = dict_get_str(AS(ObjDict, args[3]), vm_name(vm, N___doc__));
    if (is_str(doc) && !class_utf8_ok(vm, doc)) return ERR;
    ObjTuple *bases = AS(ObjTuple, args[2]);
    for (int64_t i = 0; i < bases->len; i++) {
        /* (a class statement resolves __mro_entries__; type() does not) */
        if (is_kind(bases->items[i], OBJ_CLASS)) continue;
        Value me = op_getattr_opt(vm, bases->items[i], vm_name(vm, N___mro_entries__));
        if (me == ERR) return ERR;
        if (me != UNDEF)
            return exc_raise(vm, E_TypeError, "type() doesn't support MRO entry resolution; use types.new_class()");
    }
    /* (the metaclass first, as CPython: a base that is not a class is
     * usually a metaclass conflict) */
    ObjClass *winner = class_calculate_meta(vm, mcls, bases);
    if (!winner) return ERR;
    for (int64_t i = 0; i < bases->len; i++) {
        if (!is_kind(bases->items[i], OBJ_CLASS)) return exc_raise(vm, E_TypeError, "bases must be types");
    }
    if (winner != mcls) {
        /* A base's metaclass is more derived: its __new__ makes the class. */
        Value wn = class_lookup(winner, vm_name(vm, N___new__));
        if (is_kind(wn, OBJ_WRAPPER)) wn = AS(ObjWrapper, wn)->v;
        if (!is_type_new(wn)) {
            Value argv[4 + nkw];
            argv[0] = obj_val(winner);
            copy_values(argv + 1, args + 1, 3 + nkw);
            return op_call(vm, wn, argv, 4, kw);
        }
        mcls = winner;
    }
    Value cls = class_new_meta(vm, mcls, AS(ObjStr, args[1]), bases, AS(ObjDict, args[3]));
    if (cls == ERR || !vm_push_root(vm, cls)) return ERR;
    bool ok = class_finish(vm, AS(ObjClass, cls), args + nargs, kw);
    vm_pop_roots(vm, 1);
    return ok ? cls : ERR;
}

static bool is_type_new(Value f) { return is_kind(f, OBJ_NATIVE) && AS(ObjNative, f)->fn == type_new; }

Value class_build(VM *vm, ObjClass *meta, Value *args, ObjTuple *kwnames) {
    int nkw = kwnames ? (int)kwnames->len : 0;
    Value argv[4 + nkw];
    argv[0] = obj_val(meta);
    copy_values(argv + 1, args, 3 + nkw);
    return type_new(vm, argv, 4, kwnames);
}

static Value type_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (nargs != 2 && nargs != 4) return exc_raise(vm, E_TypeError, "type.__init__() takes 1 or 3 arguments");
    if (nargs == 2 && kw && kw->len) return exc_raise(vm, E_TypeError, "type.__init__() takes no keyword arguments");
    return NONE_VAL;
}

static bool self_class(VM *vm, Value *args, int nargs, const char *name) {
    if (nargs >= 1 && is_kind(args[0], OBJ_CLASS)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'type' object", name);
    return false;
}

static Value type_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "__repr__") || !args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjClass *c = AS(ObjClass, args[0]);
    StrBuf b = SB_INIT;
    sb_adds(&b, "<class '");
    if (c->module != UNDEF && is_str(c->module) && strcmp(AS(ObjStr, c->module)->data, "builtins") != 0) {
        sb_add(&b, AS(ObjStr, c->module)->data, (size_t)AS(ObjStr, c->module)->len);
        sb_addc(&b, '.');
    }
    sb_adds(&b, c->qualname->data);
    sb_adds(&b, "'>");
    return str_from_buf(vm, &b);
}

static Value type_instancecheck(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "__instancecheck__") || !args_check(vm, "__instancecheck__", nargs - 1, kw, 1, 1))
        return ERR;
    int r = isinstance_real(vm, args[1], args[0]);
    return r < 0 ? ERR : bool_val(r);
}

static Value type_subclasscheck(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "__subclasscheck__") || !args_check(vm, "__subclasscheck__", nargs - 1, kw, 1, 1))
        return ERR;
    int r = issubclass_real(vm, args[1], args[0]);
    return r < 0 ? ERR : bool_val(r);
}

/* type.__prepare__(name, bases, **kwds): the namespace of a class body. */
static Value type_prepare(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    ObjDict *d = dict_new(vm);
    return d ? obj_val(d) : ERR;
}

static Value type_setattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "__setattr__") || !args_check(vm, "__setattr__", nargs - 1, kw, 2, 2)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", args[1]);
    return class_setattr(vm, AS(ObjClass, args[0]), AS(ObjStr, args[1]), args[2]) < 0 ? ERR : NONE_VAL;
}

static Value type_delattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "__delattr__") || !args_check(vm, "__delattr__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", args[1]);
    return class_delattr(vm, AS(ObjClass, args[0]), AS(ObjStr, args[1])) < 0 ? ERR : NONE_VAL;
}

/* types.<name>: the classes of the types module for annotations (imported
 * first: the import runs script code, which may collect). */
static Value types_attr(VM *vm, const char *name) {
    Value m = import_standard(vm, "types");
    return m == ERR ? ERR : op_getattr(vm, m, str_intern_cstr(vm, name));
}

Value class_generic_alias(VM *vm, Value origin, Value args) {
    Value f = types_attr(vm, "GenericAlias");
    Value pair[2] = {origin, args};
    return f == ERR ? ERR : op_call(vm, f, pair, 2, NULL);
}

/* cls.__class_getitem__(item): a types.GenericAlias, as CPython's generic
 * builtin classes answer `list[int]`. */
static Value generic_class_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__class_getitem__", nargs - 1, kw, 1, 1)) return ERR;
    return class_generic_alias(vm, args[0], args[1]);
}

static Value iter_self(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iter__", nargs - 1, kw, 0, 0)) return ERR;
    return args[0];
}

static Value iter_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    Value v = op_next(vm, args[0]);
    if (v != UNDEF) return v;
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], vm->empty_tuple);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

bool class_add_iter_protocol(VM *vm, ObjClass *c) {
    return class_add_native(vm, c, "__iter__", iter_self) && class_add_native(vm, c, "__next__", iter_next);
}

bool class_add_generic(VM *vm, ObjClass *c) {
    return class_add_classmethod(vm, c, "__class_getitem__", generic_class_getitem);
}

/* type.__or__ and __ror__: `int | None` is a types.UnionType. */
static Value type_union(VM *vm, Value *args, int nargs, ObjTuple *kw, bool reflected) {
    if (!self_class(vm, args, nargs, reflected ? "__ror__" : "__or__") ||
        !args_check(vm, reflected ? "__ror__" : "__or__", nargs - 1, kw, 1, 1))
        return ERR;
    Value other = args[1];
    if (other != NONE_VAL && !is_kind(other, OBJ_CLASS) && !is_kind(other, OBJ_INSTANCE)) return NOTIMPL_VAL;
    Value f = types_attr(vm, "UnionType");
    if (f == ERR) return ERR;
    Value pair[2] = {reflected ? other : args[0], reflected ? args[0] : other};
    ObjTuple *t = tuple_from(vm, pair, 2);
    return t ? op_call1(vm, f, obj_val(t)) : ERR;
}

static Value type_or(VM *vm, Value *args, int nargs, ObjTuple *kw) { return type_union(vm, args, nargs, kw, false); }
static Value type_ror(VM *vm, Value *args, int nargs, ObjTuple *kw) { return type_union(vm, args, nargs, kw, true); }

static Value type_subclasses(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "__subclasses__") || !args_check(vm, "__subclasses__", nargs - 1, kw, 0, 0))
        return ERR;
    ObjList *s = AS(ObjClass, args[0])->subclasses;
    ObjList *l = s ? list_from(vm, s->items, s->len) : list_new(vm, 0);
    return l ? obj_val(l) : ERR;
}

/* object.__getattribute__(self, name): the lookup without the class's hook. */
static Value object_getattribute(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattribute__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", args[1]);
    return op_generic_getattr(vm, args[0], AS(ObjStr, args[1]));
}

static Value type_mro(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_class(vm, args, nargs, "mro") || !args_check(vm, "mro", nargs - 1, kw, 0, 0)) return ERR;
    ObjClass *c = AS(ObjClass, args[0]);
    if (!(c->obj.flags & CLASS_CUSTOM_META) || !c->bases) {
        ObjList *l = list_from(vm, c->mro->items, c->mro->len);
        return l ? obj_val(l) : ERR;
    }
    /* the C3 order afresh: __mro__ may be a metaclass's own mro()'s */
    ObjList *l = list_new(vm, 4);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    bool ok = c3_merge(vm, c, c->bases, l);
    vm_pop_roots(vm, 1);
    return ok ? obj_val(l) : ERR;
}

/* ---- the descriptor protocol of functions, classmethod, staticmethod and
 * property (the attribute lookup applies them by layout; these answer
 * `f.__get__(obj, cls)` and hasattr(x, "__get__")) ---------------------- */

/* A member or getset descriptor takes only instances of its owner class. */
static bool descr_applies(VM *vm, Value descr, Value obj) {
    ObjClass *dc = as_obj(descr)->cls;
    if (dc != vm->types[T_MEMBER_DESCRIPTOR] && dc != vm->types[T_GETSET_DESCRIPTOR]) return true;
    if (dc == vm->types[T_GETSET_DESCRIPTOR] && !is_kind(AS(ObjProperty, descr)->doc, OBJ_CLASS)) return true;
    ObjStr *name;
    ObjClass *owner;
    descr_owner(vm, descr, &name, &owner);
    if (class_is_subclass(type_of(vm, obj), owner)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%T' object", name->data,
              owner->name->data, obj);
    return false;
}

static Value descr_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs - 1, kw, 1, 2)) return ERR;
    Value self = args[0], obj = args[1], type = nargs > 2 ? args[2] : NONE_VAL;
    if (obj == NONE_VAL && type == NONE_VAL)
        return exc_raise(vm, E_TypeError, "__get__(None, None) is invalid");
    if (is_kind(self, OBJ_WRAPPER)) {
        Value fn = AS(ObjWrapper, self)->v;
        if (!op_is_classmethod(vm, self)) return fn;
        return op_classmethod_bind(vm, type != NONE_VAL ? type : obj_val(type_of(vm, obj)), fn);
    }
    if (obj == NONE_VAL) return self;
    if (!descr_applies(vm, self, obj)) return ERR;
    return op_bind_attr(vm, obj, self);
}

static Value descr_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    bool del = nargs == 2;
    if (!args_check(vm, del ? "__delete__" : "__set__", nargs - 1, kw, del ? 1 : 2, del ? 1 : 2)) return ERR;
    if (!is_kind(args[0], OBJ_PROPERTY)) return exc_raise(vm, E_TypeError, "descriptor requires a 'property' object");
    ObjProperty *p = AS(ObjProperty, args[0]);
    Value f = del ? p->fdel : p->fset;
    if (!descr_applies(vm, args[0], args[1])) return ERR;
    ObjClass *dc = as_obj(args[0])->cls;
    if ((f == NONE_VAL || f == UNDEF) && (dc == vm->types[T_MEMBER_DESCRIPTOR] || dc == vm->types[T_GETSET_DESCRIPTOR])) {
        ObjStr *name;
        ObjClass *owner;
        descr_owner(vm, args[0], &name, &owner);
        return op_setattr(vm, args[1], name, del ? UNDEF : args[2]) < 0 ? ERR : NONE_VAL;     /* its message */
    }
    if (f == NONE_VAL || f == UNDEF) return op_property_missing(vm, args[0], type_of(vm, args[1]), del ? "deleter" : "setter");
    Value r = del ? op_call1(vm, f, args[1]) : op_call2(vm, f, args[1], args[2]);
    return r == ERR ? ERR : NONE_VAL;
}

/* int/float/str/bytes/tuple.__getnewargs__(): (the plain value,), what
 * copy and pickle pass to cls.__new__ to rebuild a subclass's instance. */
static Value getnewargs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getnewargs__", nargs - 1, kw, 0, 0)) return ERR;
    Value v = is_bool(args[0]) ? int_val(args[0] == TRUE_VAL) : subtype_plain(vm, args[0]);
    ObjTuple *r = v == ERR ? NULL : tuple_from(vm, &v, 1);
    return r ? obj_val(r) : ERR;
}

/* ---- super ------------------------------------------------------------- */

/* super(type, obj) is an ObjIter of class super: a = type, b = obj. The
 * zero-argument form reads the calling frame: its __class__ cell and its
 * first argument. */
/* The class whose MRO super(type, obj) searches: obj itself when it is a
 * subclass of type, else its class; NULL when neither derives from type. */
static ObjClass *super_obj_class(VM *vm, ObjClass *type, Value obj) {
    if (is_kind(obj, OBJ_CLASS) && class_is_subclass(AS(ObjClass, obj), type)) return AS(ObjClass, obj);
    ObjClass *oc = type_of(vm, obj);
    return class_is_subclass(oc, type) ? oc : NULL;
}

bool class_is_super(VM *vm, ObjClass *cls) {
    return cls == vm->types[T_SUPER] || (cls->instance_kind == OBJ_ITER && class_is_subclass(cls, vm->types[T_SUPER]));
}

static Value super_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "super() takes no keyword arguments");
    Value type, obj;
    if (nargs == 3) {
        type = args[1];
        obj = args[2] == NONE_VAL ? UNDEF : args[2];   /* super(T, None) is unbound */
    } else if (nargs == 1) {
        Frame *f = vm->fiber->frame;
        ObjCode *c = f ? f->code : NULL;
        if (!c || c->argcount == 0) return exc_raise(vm, E_RuntimeError, "super(): no arguments");
        /* the first argument, then __class__, as CPython checks them */
        obj = f->slots[0];
        if (obj == UNDEF && c->ncells) {
            /* self was moved into a cell */
            for (int i = 0; i < c->ncells; i++) {
                if (c->cell2arg && c->cell2arg[i] == 0) obj = AS(ObjCell, f->slots[c->nlocals + i])->v;
            }
        }
        if (obj == UNDEF) return exc_raise(vm, E_RuntimeError, "super(): arg[0] deleted");
        type = UNDEF;
        bool found = false;
        for (int i = 0; i < c->ncells + c->nfrees; i++) {
            if (strcmp(c->cellnames[i]->data, "__class__") == 0) {
                Value cell = f->slots[c->nlocals + i];
                type = is_kind(cell, OBJ_CELL) ? AS(ObjCell, cell)->v : UNDEF;
                found = true;
            }
        }
        if (type == UNDEF)
            return exc_raise(vm, E_RuntimeError, found ? "super(): empty __class__ cell" : "super(): __class__ cell not found");
    } else if (nargs == 2) {
        type = args[1];     /* an unbound super object: its __get__ binds it */
        obj = UNDEF;
    } else {
        return exc_raise(vm, E_TypeError, "super() expected at most 2 arguments, got %d", nargs - 1);
    }
    if (!is_kind(type, OBJ_CLASS)) return exc_raise(vm, E_TypeError, "super() argument 1 must be a type, not %T", type);
    if (obj != UNDEF && !super_obj_class(vm, AS(ObjClass, type), obj))
        return exc_raise(vm, E_TypeError, "super(type, obj): obj must be an instance or subtype of type");
    /* a subclass of super (args[0]) makes its own instances */
    ObjClass *sc = nargs > 0 && is_kind(args[0], OBJ_CLASS) && class_is_super(vm, AS(ObjClass, args[0]))
                       ? AS(ObjClass, args[0]) : vm->types[T_SUPER];
    ObjIter *s = gc_new_instance(vm, sizeof(ObjIter), OBJ_ITER, sc);
    if (!s) return ERR;
    s->a = type;
    s->b = obj;
    s->c = UNDEF;
    return obj_val(s);
}

/* super.__get__(obj, type=None): an unbound super bound to obj. */
static Value super_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs - 1, kw, 1, 2)) return ERR;
    ObjIter *s = AS(ObjIter, args[0]);
    if (s->b != UNDEF || args[1] == NONE_VAL) return args[0];
    Value argv[3] = {obj_val(type_of(vm, args[0])), s->a, args[1]};
    return super_new(vm, argv, 3, NULL);
}

static Value super_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *s = AS(ObjIter, args[0]);
    StrBuf b = SB_INIT;
    sb_addf(&b, "<super: <class '%s'>, ", AS(ObjClass, s->a)->name->data);
    if (s->b == UNDEF) sb_adds(&b, "NULL>");
    else sb_addf(&b, "<%s object>>", super_obj_class(vm, AS(ObjClass, s->a), s->b)->name->data);
    return str_from_buf(vm, &b);
}

/* What a super object answers itself: __thisclass__, __self__,
 * __self_class__, __get__; UNDEF for other names. */
static Value super_own_attr(VM *vm, ObjIter *s, ObjStr *name) {
    const char *n = name->data;
    if (!strcmp(n, "__thisclass__")) return s->a;
    if (!strcmp(n, "__self__")) return s->b == UNDEF ? NONE_VAL : s->b;
    if (!strcmp(n, "__self_class__"))
        return s->b == UNDEF ? NONE_VAL : obj_val(super_obj_class(vm, AS(ObjClass, s->a), s->b));
    if (!strcmp(n, "__get__")) return bound_new(vm, obj_val(s), dict_get_str(vm->types[T_SUPER]->dict, name));
    return UNDEF;
}

/* A name the MRO after `type` lacks: a subclass of super's own attribute
 * (CPython falls back to the generic lookup), else AttributeError. */
static Value super_missing(VM *vm, ObjIter *s, ObjStr *name) {
    ObjClass *sc = s->obj.cls;
    if (sc != vm->types[T_SUPER]) {
        ObjDict *d = (s->obj.flags & OBJ_SUBTYPE) ? gc_subtype_dict(vm, &s->obj) : NULL;
        Value v = d ? dict_get_str(d, name) : UNDEF;
        if (v != UNDEF) return v;
        v = class_lookup(sc, name);
        if (v != UNDEF) return op_bind_attr(vm, obj_val(s), v);
    }
    return exc_raise(vm, E_AttributeError, "'%s' object has no attribute '%s'", sc->name->data, name->data);
}

/* Attribute lookup through super: the MRO of obj's class after `type`,
 * then the super object's own attributes (the only ones of an unbound
 * super). */
Value super_getattr(VM *vm, ObjIter *s, ObjStr *name) {
    ObjClass *start = AS(ObjClass, s->a);
    Value obj = s->b;
    if (str_eq(name, vm_name(vm, N___class__))) return obj_val(s->obj.cls);
    if (obj == UNDEF) {
        Value own = super_own_attr(vm, s, name);
        if (own != UNDEF) return own;
        return super_missing(vm, s, name);
    }
    bool obj_is_class = is_kind(obj, OBJ_CLASS) && class_is_subclass(AS(ObjClass, obj), start);
    ObjClass *oc = obj_is_class ? AS(ObjClass, obj) : type_of(vm, obj);
    ObjTuple *mro = oc->mro;
    int64_t i = 0;
    while (i < mro->len && AS(ObjClass, mro->items[i]) != start) i++;
    for (i++; i < mro->len; i++) {
        ObjClass *c = AS(ObjClass, mro->items[i]);
        Value v = dict_get_str(c->dict, name);
        if (v == UNDEF) continue;
        if (op_plain_wrapper(vm, v)) {
            if (op_is_classmethod(vm, v))
                return op_classmethod_bind(vm, obj_is_class ? obj : obj_val(oc), AS(ObjWrapper, v)->v);
            return AS(ObjWrapper, v)->v;
        }
        if (obj_is_class) return v;
        if (is_kind(v, OBJ_FUNCTION) || (is_kind(v, OBJ_NATIVE) && (as_obj(v)->flags & NATIVE_METHOD)))
            return bound_new(vm, obj, v);
        if (is_kind(v, OBJ_PROPERTY)) return op_call1(vm, AS(ObjProperty, v)->fget, obj);
        return v;
    }
    Value own = super_own_attr(vm, s, name);
    if (own != UNDEF) return own;
    return super_missing(vm, s, name);
}

/* Registers one builtin class with its bases, once. */
static bool register_builtin(VM *vm, ObjClass *c) {
    if (!c || !c->bases) return true;
    for (int64_t i = 0; i < c->bases->len; i++) {
        ObjClass *b = AS(ObjClass, c->bases->items[i]);
        if (!b->subclasses && !(b->subclasses = list_new(vm, 0))) return false;
        bool known = false;
        for (int64_t j = 0; j < b->subclasses->len && !known; j++) known = b->subclasses->items[j] == obj_val(c);
        if (!known && list_append(vm, b->subclasses, obj_val(c)) < 0) return false;
    }
    return true;
}

bool class_register_builtins(VM *vm) {
    for (int i = 0; i < T_COUNT; i++)
        if (!register_builtin(vm, vm->types[i])) return false;
    for (int i = 0; i < E_COUNT; i++)
        if (!register_builtin(vm, vm->exc_types[i])) return false;
    return true;
}

/* list.__new__(list, [1, 2]) and its kind: an empty object, which
 * __init__ fills, as in CPython (whose calls of these types skip both for
 * a constructor that does all: cls->ctor). The ctor given the class alone
 * makes that, with its checks of the class. */
static Value bare_new(VM *vm, TypeId t, Value *args, int nargs) {
    if (nargs < 1) return exc_raise(vm, E_TypeError, "%s.__new__(): not enough arguments", vm->types[t]->name->data);
    return AS(ObjNative, vm->types[t]->ctor)->fn(vm, args, 1, NULL);
}

#define BARE_NEW(fn, t) \
    static Value fn(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return bare_new(vm, t, args, nargs); }
BARE_NEW(list_bare_new, T_LIST)
BARE_NEW(dict_bare_new, T_DICT)
BARE_NEW(set_bare_new, T_SET)
BARE_NEW(bytearray_bare_new, T_BYTEARRAY)

void class_cache_ctors(VM *vm) {
    for (int i = 0; i < T_COUNT; i++) {
        ObjClass *c = vm->types[i];
        Value n = dict_get_str(c->dict, vm_name(vm, N___new__));
        if (is_kind(n, OBJ_NATIVE) && i != T_OBJECT) c->ctor = n;
    }
    static const struct { TypeId t; NativeFn fn; } bare[] = {
        {T_LIST, list_bare_new}, {T_DICT, dict_bare_new}, {T_SET, set_bare_new}, {T_BYTEARRAY, bytearray_bare_new}};
    for (size_t i = 0; i < sizeof bare / sizeof *bare; i++)
        if (vm->types[bare[i].t]->ctor != UNDEF) class_add_static(vm, vm->types[bare[i].t], "__new__", bare[i].fn);
}

void class_init_methods(VM *vm) {
    type_add_getsets(vm);
    mappingproxy_init(vm);
    memview_init(vm);
    frameobj_init(vm);
    func_init_methods(vm);
    ObjClass *o = vm->types[T_OBJECT];
    class_add_native(vm, o, "__init__", object_init);
    class_add_native(vm, o, "__repr__", object_repr);
    class_add_native(vm, o, "__str__", object_str);
    class_add_native(vm, o, "__eq__", object_eq);
    class_add_native(vm, o, "__ne__", object_ne);
    class_add_native(vm, o, "__hash__", object_hash);
    class_add_native(vm, o, "__setattr__", object_setattr);
    class_add_native(vm, o, "__delattr__", object_delattr);
    class_add_native(vm, o, "__format__", object_format);
    static const char *const order[] = {"__lt__", "__le__", "__gt__", "__ge__"};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) class_add_native(vm, o, order[i], object_order);
    class_add_native(vm, o, "__sizeof__", object_sizeof);
    class_add_native(vm, o, "__reduce_ex__", object_reduce_ex);
    class_add_native(vm, o, "__reduce__", object_reduce);
    class_add_native(vm, o, "__getstate__", object_getstate);
    class_add_native(vm, o, "__dir__", object_dir);
    class_add_native(vm, vm->types[T_TYPE], "__dir__", object_dir);
    ObjNative *cg = native_new(vm, "__class__", object_class_get), *cs = native_new(vm, "__class__", object_class_set);
    /* a getset descriptor, as CPython's: <attribute '__class__' of 'object' objects> */
    ObjProperty *cp = cs ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_GETSET_DESCRIPTOR]) : NULL;
    if (cp) {
        cp->fget = obj_val(cg);
        cp->fset = obj_val(cs);
        cp->fdel = cp->name = NONE_VAL;
        cp->doc = obj_val(o);       /* its owner (descr_owner) */
        dict_set_str(vm, o->dict, vm_name(vm, N___class__), obj_val(cp));
    }
    class_add_static(vm, o, "__new__", object_new);
    /* A classmethod, as CPython's, so that super().__init_subclass__()
     * passes the class. */
    static const struct { const char *name; NativeFn fn; } classmethods[] = {
        {"__init_subclass__", object_init_subclass}, {"__subclasshook__", object_subclasshook}};
    for (size_t i = 0; i < sizeof classmethods / sizeof *classmethods; i++)
        class_add_classmethod(vm, o, classmethods[i].name, classmethods[i].fn);
    static const TypeId immutable[] = {T_INT, T_FLOAT, T_STR, T_BYTES, T_TUPLE};
    for (size_t i = 0; i < sizeof immutable / sizeof *immutable; i++)
        class_add_native(vm, vm->types[immutable[i]], "__getnewargs__", getnewargs);
    ObjClass *t = vm->types[T_TYPE];
    class_add_static(vm, t, "__new__", type_new);
    class_add_native(vm, t, "__init__", type_init);
    class_add_native(vm, t, "__call__", type_call);
    class_add_native(vm, t, "__repr__", type_repr);
    class_add_native(vm, t, "__setattr__", type_setattr);
    class_add_native(vm, t, "__delattr__", type_delattr);
    class_add_native(vm, t, "__instancecheck__", type_instancecheck);
    class_add_native(vm, t, "__subclasscheck__", type_subclasscheck);
    class_add_native(vm, t, "mro", type_mro);
    class_add_native(vm, t, "__subclasses__", type_subclasses);
    class_add_native(vm, o, "__getattribute__", object_getattribute);
    class_add_native(vm, t, "__or__", type_or);
    class_add_native(vm, t, "__ror__", type_ror);
    static const TypeId described[] = {T_FUNCTION, T_CLASSMETHOD, T_STATICMETHOD, T_PROPERTY, T_METHOD_DESCRIPTOR,
                                       T_WRAPPER_DESCRIPTOR};
    for (size_t i = 0; i < sizeof described / sizeof *described; i++)
        class_add_native(vm, vm->types[described[i]], "__get__", descr_get);
    class_add_native(vm, vm->types[T_PROPERTY], "__set__", descr_set);
    class_add_native(vm, vm->types[T_PROPERTY], "__delete__", descr_set);
    static const TypeId data_descriptors[] = {T_MEMBER_DESCRIPTOR, T_GETSET_DESCRIPTOR};
    for (size_t i = 0; i < sizeof data_descriptors / sizeof *data_descriptors; i++) {
        ObjClass *c = vm->types[data_descriptors[i]];
        class_add_native(vm, c, "__get__", descr_get);
        class_add_native(vm, c, "__set__", descr_set);
        class_add_native(vm, c, "__delete__", descr_set);
        class_add_native(vm, c, "__repr__", member_repr);
    }
    getset_init(vm);
    nsproxy_init(vm);
    class_add_classmethod(vm, t, "__prepare__", type_prepare);
    class_add_static(vm, vm->types[T_SUPER], "__new__", super_new);
    class_add_native(vm, vm->types[T_SUPER], "__get__", super_get);
    class_add_native(vm, vm->types[T_SUPER], "__repr__", super_repr);
    static const TypeId generic[] = {T_LIST, T_DICT, T_TUPLE, T_SET, T_FROZENSET, T_ENUMERATE, T_MAPPINGPROXY,
                                     T_ASYNC_GENERATOR};
    for (size_t i = 0; i < sizeof generic / sizeof *generic; i++) class_add_generic(vm, vm->types[generic[i]]);
    class_add_generic(vm, vm->exc_types[E_BaseExceptionGroup]);
}
