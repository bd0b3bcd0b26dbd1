/* Instances of Python subclasses of builtin types (see OBJ_SUBTYPE in
 * object.h): how the builtin constructors make them. An immutable value
 * is built as the builtin would build it, then copied into an object of
 * the subclass (gc_new_instance marks it OBJ_SUBTYPE). */
#include "subtype.h"

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"

/* A copy of the str, bytes or tuple v whose class is cls. */
static Value copy_as(VM *vm, Value v, ObjClass *cls) {
    switch ((ObjKind)as_obj(v)->kind) {
    case OBJ_STR: {
        ObjStr *s = AS(ObjStr, v);
        ObjStr *r = gc_new_instance(vm, sizeof(ObjStr) + (size_t)s->len + 1, OBJ_STR, cls);
        if (!r) return ERR;
        r->len = s->len;
        r->cplen = s->cplen;
        r->hash = s->hash;
        r->ascii = s->ascii;
        memcpy(r->data, s->data, (size_t)s->len + 1);
        return obj_val(r);
    }
    case OBJ_BYTES: {
        ObjBytes *b = AS(ObjBytes, v);
        ObjBytes *r = gc_new_instance(vm, sizeof(ObjBytes) + (size_t)b->len + 1, OBJ_BYTES, cls);
        if (!r) return ERR;
        r->len = b->len;
        r->hash = b->hash;
        memcpy(r->data, b->data, (size_t)b->len + 1);
        return obj_val(r);
    }
    case OBJ_TUPLE: {
        ObjTuple *t = AS(ObjTuple, v);
        ObjTuple *r = gc_new_instance(vm, sizeof(ObjTuple) + (size_t)t->len * sizeof(Value), OBJ_TUPLE, cls);
        if (!r) return ERR;
        r->len = t->len;
        r->hash = t->hash;
        copy_values(r->items, t->items, t->len);
        return obj_val(r);
    }
    default:
        return exc_raise(vm, E_SystemError, "cannot copy a '%T' into a subclass", v);
    }
}

/* Whether cls, a subclass of base, has an __init__ other than base's. */
static bool own_init(VM *vm, ObjClass *cls, ObjClass *base) {
    ObjStr *name = vm_name(vm, N___init__);
    return class_lookup(cls, name) != class_lookup(base, name);
}

Value subtype_new(VM *vm, TypeId t, Value *args, int nargs, ObjTuple *kwnames) {
    ObjClass *base = vm->types[t];
    const char *bn = base->name->data;
    if (nargs < 1 || !is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "%s.__new__(X): X is not a type object (%T)", bn, nargs ? args[0] : NONE_VAL);
    ObjClass *cls = AS(ObjClass, args[0]);
    if (!class_is_subclass(cls, base))
        return exc_raise(vm, E_TypeError, "%s.__new__(%s): %s is not a subtype of %s", bn, cls->name->data,
                         cls->name->data, bn);
    switch ((ObjKind)base->instance_kind) {
    case OBJ_LIST: {
        ObjList *l = gc_new_instance(vm, sizeof(ObjList), OBJ_LIST, cls);
        return l ? obj_val(l) : ERR;
    }
    case OBJ_DICT: {
        ObjDict *d = gc_new_instance(vm, sizeof(ObjDict), OBJ_DICT, cls);
        return d ? obj_val(d) : ERR;
    }
    case OBJ_BYTEARRAY: {
        ObjByteArray *b = gc_new_instance(vm, sizeof(ObjByteArray), OBJ_BYTEARRAY, cls);
        return b ? obj_val(b) : ERR;
    }
    default:
        break;
    }
    /* Immutable: the builtin's own constructor makes the value. tuple and
       float take no keywords, but those given to a subclass with its own
       __init__ are for that __init__, so they leave them out (as CPython). */
    if ((t == T_TUPLE || t == T_FLOAT) && kwnames && kwnames->len && own_init(vm, cls, base)) kwnames = NULL;
    int nkw = kwnames ? (int)kwnames->len : 0;
    Value argv[nargs + nkw];
    argv[0] = obj_val(base);
    copy_values(argv + 1, args + 1, nargs - 1 + nkw);
    Value v = AS(ObjNative, base->ctor)->fn(vm, argv, nargs, kwnames);
    if (v == ERR) return ERR;
    if (t == T_INT) return int_as_class(vm, v, cls);
    if (t == T_FLOAT) {
        ObjFloat *f = gc_new_instance(vm, sizeof(ObjFloat), OBJ_FLOAT, cls);
        if (!f) return ERR;
        f->d = as_float(v);
        return obj_val(f);
    }
    if (t == T_COMPLEX) {
        ObjComplex *c = gc_new_instance(vm, sizeof(ObjComplex), OBJ_COMPLEX, cls);
        if (!c) return ERR;
        c->re = AS(ObjComplex, v)->re;
        c->im = AS(ObjComplex, v)->im;
        return obj_val(c);
    }
    return copy_as(vm, v, cls);
}

Value subtype_plain(VM *vm, Value v) {
    if (!is_obj(v) || !(as_obj(v)->flags & OBJ_SUBTYPE)) return v;
    if (is_bigint(v)) return int_as_class(vm, v, vm->types[T_INT]);
    if (is_kind(v, OBJ_FLOAT)) return float_val(AS(ObjFloat, v)->d);
    if (is_kind(v, OBJ_COMPLEX)) return cpx_new(vm, AS(ObjComplex, v)->re, AS(ObjComplex, v)->im);
    TypeId t = is_str(v) ? T_STR : is_tuple(v) ? T_TUPLE : T_BYTES;
    return copy_as(vm, v, vm->types[t]);
}
