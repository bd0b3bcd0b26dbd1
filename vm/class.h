/* type objects: builtin types and user classes, the C3 MRO, attribute
 * lookup along it, and instances of user classes. */
#ifndef ASY_CLASS_H
#define ASY_CLASS_H

#include "vm.h"

/* A builtin type with a single base (or none, for object). */
ObjClass *class_new_builtin(VM *vm, const char *name, ObjClass *base, ObjKind kind);
/* A new class of metaclass type, with its MRO computed; ERR after
 * TypeError (bad MRO, non-class base). Only the class object: nothing of
 * ns runs (class_build does what type.__new__ does besides). */
Value class_new(VM *vm, ObjStr *name, ObjTuple *bases, ObjDict *ns);
/* The same, for an instance of the metaclass meta (type or a subclass). */
Value class_new_meta(VM *vm, ObjClass *meta, ObjStr *name, ObjTuple *bases, ObjDict *ns);
/* type.__new__(meta, name, bases, ns, **kwds) with args = name, bases, ns
 * and then the values of kwnames: the class, its __class__ cell set,
 * __set_name__ and the parent's __init_subclass__(**kwds) called. */
Value class_build(VM *vm, ObjClass *meta, Value *args, ObjTuple *kwnames);
/* The most derived of meta and the metaclasses of bases; NULL after
 * TypeError "metaclass conflict". */
ObjClass *class_calculate_meta(VM *vm, ObjClass *meta, ObjTuple *bases);
/* The attribute `name` defined on cls or a class of its MRO; UNDEF if none. */
Value class_lookup(ObjClass *cls, ObjStr *name);
/* What the interpreter's attribute caches of instances keep: class_lookup,
 * or None for a class that overrides __getattribute__, which sends every
 * load the slow way. */
Value class_lookup_cached(ObjClass *cls, ObjStr *name);
/* For the interpreter's attribute caches: a __slots__ member read or
 * written without the descriptor call. attr is what the class lookup
 * found; class_member_get gives UNDEF and class_member_set 1 when it is
 * not a member descriptor, else what the descriptor would (ERR / -1 with
 * the AttributeError or TypeError raised). */
Value class_member_get(VM *vm, Value attr, Value obj);
int class_member_set(VM *vm, Value attr, Value obj, Value v);
/* The value in instance obj's slot `name`, UNDEF if it has no such slot
 * or it is unset; raises nothing (what a store or del would drop). */
Value class_slot_value(VM *vm, Value obj, ObjStr *name);
/* Whether a's and b's instances hold the same slots at the same places
 * (CPython's same_slots_added, for __class__ assignment); false with
 * MemoryError raised when out of memory. */
bool class_same_slots(VM *vm, ObjClass *a, ObjClass *b);
bool class_is_subclass(ObjClass *a, ObjClass *b);
/* isinstance(v, spec) (inst) or issubclass(v, spec), hooks and tuples
 * included: 1, 0, or -1 after raising (isinstance.c). */
int isinstance_check(VM *vm, Value v, Value spec, bool inst);
/* What type.__instancecheck__ and __subclasscheck__ do: the check without
 * hooks, by MRO, __class__ and __bases__. */
int isinstance_real(VM *vm, Value v, Value cls);
int issubclass_real(VM *vm, Value derived, Value cls);
bool is_instance(VM *vm, Value v, ObjClass *cls);
void class_changed(VM *vm, ObjClass *cls);       /* invalidates caches */
/* Computes c's MRO again from its bases (after __bases__ changed); false
 * after raising, the old MRO kept. */
bool class_set_mro(VM *vm, ObjClass *c);
/* type's own data descriptors, set or deleted (v UNDEF) on a class:
 * __name__, __qualname__, __bases__ (vm/type_attrs.c), the read-only ones,
 * and the names that cannot be deleted. 1 when name is none of them. */
int class_set_special(VM *vm, ObjClass *c, ObjStr *name, Value v);
/* A class name's checks (type.__new__ and __name__): a str without NUL
 * characters that encodes to UTF-8; false after raising. */
bool class_name_ok(VM *vm, Value name);
/* Whether a str encodes to UTF-8 (no lone surrogates); false after raising
 * UnicodeEncodeError. */
bool class_utf8_ok(VM *vm, Value s);
/* Adds a native method to a builtin type's dict (a `__new__` is static). */
bool class_add_native(VM *vm, ObjClass *cls, const char *name, NativeFn fn);
/* A native stored as is, called without a receiver when found on the class
 * (`__new__`, `str.maketrans`); it prints as a method of the type object. */
bool class_add_static(VM *vm, ObjClass *cls, const char *name, NativeFn fn);
/* A read-only property whose getter is a native taking self. */
bool class_add_property(VM *vm, ObjClass *cls, const char *name, NativeFn getter);
/* A read-only member_descriptor (CPython's T_OBJECT members: complex.real):
 * the getter gets (name, owner) as args[0] and the object as args[1], which
 * descriptor lookup has checked is an instance of cls. */
bool class_add_member(VM *vm, ObjClass *cls, const char *name, NativeFn getter, const char *doc);
/* A native classmethod: fn gets the class (or the instance's) as args[0]. */
bool class_add_classmethod(VM *vm, ObjClass *cls, const char *name, NativeFn fn);
ObjInstance *instance_new(VM *vm, ObjClass *cls);
/* Calling a class: allocates the instance (running a user __new__ if there
 * is one) and returns it with the __init__ to run next in *init (UNDEF when
 * there is nothing to run). The interpreter runs a script __init__ in a
 * frame of its own; class_call runs everything (a nested call). */
Value class_alloc(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames, Value *init);
Value class_call(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames);
/* What the interpreter calls: class_alloc, unless the metaclass defines
 * __call__, which then runs to the end (and *init is UNDEF). */
Value class_instantiate(VM *vm, ObjClass *cls, Value *args, int nargs, ObjTuple *kwnames, Value *init);
/* The __call__ of cls's metaclass when it is not type's; else UNDEF (a
 * plain instantiation). */
Value class_meta_call(VM *vm, ObjClass *cls);
/* The value of attribute `name` of a class object (MRO lookup, descriptors
 * applied, type's own attributes); UNDEF if absent. */
Value class_getattr(VM *vm, ObjClass *cls, ObjStr *name);
/* A property, or an object whose class defines __set__ or __delete__. */
bool class_is_data_descriptor(VM *vm, Value v);
/* Gives a native class whose instances are OBJ_SUBTYPE (so they keep
 * attributes) the __dict__ descriptor script classes get. */
bool class_add_dict_getset(VM *vm, ObjClass *c);
/* types.GenericAlias(origin, args): what `list[int]` gives. */
Value class_generic_alias(VM *vm, Value origin, Value args);
/* Gives a native class CPython's generic-class `__class_getitem__`
 * (`cls[int]` is a types.GenericAlias). */
bool class_add_generic(VM *vm, ObjClass *c);
/* Gives a native iterator class (instances are OBJ_ITER, stepped by
 * op_next) the methods __iter__ (itself) and __next__. */
bool class_add_iter_protocol(VM *vm, ObjClass *c);
/* Setting and deleting a class attribute as type.__setattr__ and
 * type.__delattr__ do (no metaclass hook); -1 after raising. */
int class_setattr(VM *vm, ObjClass *c, ObjStr *name, Value v);
int class_delattr(VM *vm, ObjClass *c, ObjStr *name);
/* Attribute lookup through a super object. */
Value super_getattr(VM *vm, ObjIter *s, ObjStr *name);
/* Whether cls is super or a subclass of it (its instances are super objects). */
bool class_is_super(VM *vm, ObjClass *cls);
void class_init_methods(VM *vm);
/* A read-only view of `mapping` (types.MappingProxyType): what a class's
 * __dict__ gives (vm/mappingproxy.c). */
Value mappingproxy_new(VM *vm, Value mapping);
void mappingproxy_init(VM *vm);
/* What a class body runs in when __prepare__ returned a mapping that is
 * not a dict: a dict-layout object whose item access goes to `mapping`. */
Value class_namespace_proxy(VM *vm, Value mapping);
/* The mapping behind a namespace_proxy; any other namespace as it is. */
Value class_namespace_mapping(VM *vm, Value ns);
/* __name__, __qualname__, __objclass__ and __doc__ of a member descriptor
 * (the class attribute of a name in __slots__); UNDEF for other names. */
Value class_member_attr(VM *vm, Value descr, ObjStr *name);
/* Lists the builtin types and exceptions in their bases' __subclasses__()
 * (type in object.__subclasses__(), KeyError in LookupError's), as
 * CPython's static types register themselves. */
bool class_register_builtins(VM *vm);
/* Caches each builtin type's native __new__ (after every module registered
 * its constructors), so calling int or str skips the dict lookups. */
void class_cache_ctors(VM *vm);                 /* object and type methods */

#endif
