/* isinstance() and issubclass(), as CPython's abstract.c does them.
 *
 * A class may decide for itself through its metaclass's __instancecheck__
 * or __subclasscheck__; an object that is no class may too, through its
 * type's. Without such a hook, the check for a class is its MRO, but an
 * object whose __class__ attribute names another class (a proxy, a mock)
 * is an instance of that class as well. Objects that are no classes but
 * have a __bases__ tuple take part as classes do ("abstract" classes): the
 * check walks their __bases__, and an instance is what names one in its
 * __class__. Nested tuples, and the walks through __bases__, count against
 * the C recursion limit, as CPython's do. */
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "ops.h"
#include "str.h"

static const char ARG2_INST[] = "isinstance() arg 2 must be a type, a tuple of types, or a union";
static const char ARG1_SUB[] = "issubclass() arg 1 must be a class";
static const char ARG2_SUB[] = "issubclass() arg 2 must be a class, a tuple of classes, or a union";

static bool depth_enter(VM *vm, const char *where) {
    if (vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded %s", where);
        return false;
    }
    vm->c_depth++;
    return true;
}

/* getattr(v, name) with AttributeError meaning UNDEF. */
static Value attr_or_undef(VM *vm, Value v, NameId name) {
    Value r = op_getattr_opt(vm, v, vm_name(vm, name));
    if (r == ERR && exc_is(vm, vm->exc, E_AttributeError)) {
        vm->exc = UNDEF;
        return UNDEF;
    }
    return r;
}

/* v.__class__, found without a lookup when it is object's (type(v)). */
static Value class_attr(VM *vm, Value v) {
    ObjClass *t = type_of(vm, v);
    ObjStr *name = vm_name(vm, N___class__);
    if (!(t->obj.flags & CLASS_HAS_GETATTRIBUTE) &&
        class_lookup(t, name) == dict_get_str(vm->types[T_OBJECT]->dict, name))
        return obj_val(t);
    return attr_or_undef(vm, v, N___class__);
}

/* cls.__bases__ when it is a tuple; UNDEF otherwise (or ERR). */
static Value bases_of(VM *vm, Value cls) {
    Value b = attr_or_undef(vm, cls, N___bases__);
    return b == ERR || is_tuple(b) ? b : UNDEF;
}

/* Whether cls counts as a class: it has a __bases__ tuple. */
static bool check_class(VM *vm, Value cls, const char *msg) {
    Value b = bases_of(vm, cls);
    if (b == UNDEF) exc_raise(vm, E_TypeError, "%s", msg);
    return b != UNDEF && b != ERR;
}

/* Whether cls is derived or one of its __bases__, recursively. */
static int abstract_issubclass(VM *vm, Value derived, Value cls) {
    for (;;) {
        if (derived == cls) return 1;
        Value bases = bases_of(vm, derived);
        if (bases == UNDEF || bases == ERR) return bases == ERR ? -1 : 0;
        ObjTuple *t = AS(ObjTuple, bases);
        if (t->len == 0) return 0;
        if (t->len == 1) {
            if (!depth_enter(vm, "in __issubclass__")) return -1;
            int r = abstract_issubclass(vm, t->items[0], cls);
            vm->c_depth--;
            return r;
        }
        if (!vm_push_root(vm, bases)) return -1;
        int r = 0;
        for (int64_t i = 0; i < t->len && r == 0; i++) {
            if (!depth_enter(vm, "in __issubclass__")) { r = -1; break; }
            r = abstract_issubclass(vm, t->items[i], cls);
            vm->c_depth--;
        }
        vm_pop_roots(vm, 1);
        return r;
    }
}

int isinstance_real(VM *vm, Value v, Value cls) {
    Value icls;
    if (is_kind(cls, OBJ_CLASS)) {
        if (class_is_subclass(type_of(vm, v), AS(ObjClass, cls))) return 1;
        icls = class_attr(vm, v);
        if (icls == ERR) return -1;
        if (icls == UNDEF || icls == obj_val(type_of(vm, v)) || !is_kind(icls, OBJ_CLASS)) return 0;
        return class_is_subclass(AS(ObjClass, icls), AS(ObjClass, cls));
    }
    if (!check_class(vm, cls, ARG2_INST)) return -1;
    icls = class_attr(vm, v);
    if (icls == ERR) return -1;
    if (icls == UNDEF || !vm_push_root(vm, icls)) return icls == UNDEF ? 0 : -1;
    int r = abstract_issubclass(vm, icls, cls);
    vm_pop_roots(vm, 1);
    return r;
}

int issubclass_real(VM *vm, Value derived, Value cls) {
    if (is_kind(cls, OBJ_CLASS) && is_kind(derived, OBJ_CLASS))
        return class_is_subclass(AS(ObjClass, derived), AS(ObjClass, cls));
    if (!check_class(vm, derived, ARG1_SUB) || !check_class(vm, cls, ARG2_SUB)) return -1;
    return abstract_issubclass(vm, derived, cls);
}

/* The __instancecheck__ or __subclasscheck__ of spec's type when it is not
 * type's own; else UNDEF. */
static Value checker(VM *vm, Value spec, NameId name) {
    if (is_kind(spec, OBJ_CLASS) && as_obj(spec)->cls == vm->types[T_TYPE]) return UNDEF;
    Value m = op_special(vm, spec, name);
    return m == UNDEF || m == dict_get_str(vm->types[T_TYPE]->dict, vm_name(vm, name)) ? UNDEF : m;
}

int isinstance_check(VM *vm, Value v, Value spec, bool inst) {
    if (inst && is_kind(spec, OBJ_CLASS) && type_of(vm, v) == AS(ObjClass, spec)) return 1;
    /* issubclass(C, C) is True at once only for a class whose metaclass is
     * type itself: another metaclass's __subclasscheck__ decides, as in
     * CPython (isinstance's exact-type shortcut above holds for any) */
    if (!inst && v == spec && is_kind(spec, OBJ_CLASS) && as_obj(spec)->cls == vm->types[T_TYPE]) return 1;
    if (is_tuple(spec)) {
        if (!depth_enter(vm, inst ? "in __instancecheck__" : "in __subclasscheck__")) return -1;
        ObjTuple *t = AS(ObjTuple, spec);
        int r = 0;
        for (int64_t i = 0; i < t->len && r == 0; i++) r = isinstance_check(vm, v, t->items[i], inst);
        vm->c_depth--;
        return r;
    }
    Value m = checker(vm, spec, inst ? N___instancecheck__ : N___subclasscheck__);
    if (m != UNDEF) {
        if (!depth_enter(vm, inst ? "in __instancecheck__" : "in __subclasscheck__")) return -1;
        Value r = op_call_special(vm, spec, m, &v, 1);     /* bound if a descriptor */
        vm->c_depth--;
        return r == ERR ? -1 : op_truthy(vm, r);
    }
    return inst ? isinstance_real(vm, v, spec) : issubclass_real(vm, v, spec);
}
