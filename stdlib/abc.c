/* The _abc module: what abc.ABCMeta cannot do in Asy. Its registries and
 * caches are sets that hold their classes weakly (SET_WEAK: the collector
 * drops the dead ones), plain sets otherwise, so lookups stay native. CPython's
 * Py_TPFLAGS_SEQUENCE and Py_TPFLAGS_MAPPING, which collections.abc's
 * Sequence and Mapping carry as __abc_tpflags__ and register() passes on,
 * are Asy's CLASS_SEQUENCE and CLASS_MAPPING (what match statements test,
 * vm/match.c). */
#include "../vm/containers.h"
#include "../vm/func.h"
#include "../vm/class.h"
#include "../vm/exc.h"
#include "../vm/match.h"
#include "modules.h"

enum { TP_SEQUENCE = 1 << 5, TP_MAPPING = 1 << 6 };

/* _collection_flags(cls): the flag cls has or inherits, as CPython's value. */
static Value f_collection_flags(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_collection_flags", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_CLASS)) return int_val(0);
    int f = match_collection(vm, AS(ObjClass, args[0]));
    return int_val(f == CLASS_SEQUENCE ? TP_SEQUENCE : f == CLASS_MAPPING ? TP_MAPPING : 0);
}

/* _set_collection_flags(cls, flags): marks a class made by a script;
 * whether it did (builtin types are left alone). */
static Value f_set_collection_flags(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_set_collection_flags", nargs, kw, 2, 2)) return ERR;
    if (!is_kind(args[0], OBJ_CLASS) || !is_int(args[1]))
        return exc_raise(vm, E_TypeError, "_set_collection_flags() takes a class and an int");
    ObjClass *c = AS(ObjClass, args[0]);
    if (c->obj.flags & CLASS_BUILTIN) return FALSE_VAL;
    int64_t f = as_int(args[1]);
    if (f & (TP_SEQUENCE | TP_MAPPING)) c->obj.flags &= (uint16_t)~(CLASS_SEQUENCE | CLASS_MAPPING);
    if (f & TP_SEQUENCE) c->obj.flags |= CLASS_SEQUENCE;
    if (f & TP_MAPPING) c->obj.flags |= CLASS_MAPPING;
    return TRUE_VAL;
}

/* _weak_set(): a new empty set that holds its members weakly. */
static Value f_weak_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_weak_set", nargs, kw, 0, 0)) return ERR;
    ObjSet *s = set_new(vm, vm->types[T_SET]);
    if (!s) return ERR;
    s->obj.flags |= SET_WEAK;
    return obj_val(s);
}

bool mod_abc_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "_weak_set", f_weak_set) &&
           module_add_native(vm, m, "_collection_flags", f_collection_flags) &&
           module_add_native(vm, m, "_set_collection_flags", f_set_collection_flags);
}
