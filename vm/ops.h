/* The object protocol: what the interpreter and natives do to any value
 * (arithmetic, comparison, hashing, attributes, items, iteration, calls,
 * repr/str). Builtin types take C fast paths; user instances go through their
 * special methods. Conventions: Value results are ERR after raising; int
 * results are -1 after raising, else 0/1. */
#ifndef ASY_OPS_H
#define ASY_OPS_H

#include "num.h"
#include "strbuf.h"
#include "vm.h"

ObjClass *type_of(VM *vm, Value v);
const char *type_name(VM *vm, Value v);
const char *class_tp_name(VM *vm, ObjClass *c);

Value op_binary(VM *vm, BinOp op, Value a, Value b);
Value op_inplace(VM *vm, BinOp op, Value a, Value b);   /* a op= b */
Value op_neg(VM *vm, Value a);
Value op_pos(VM *vm, Value a);
Value op_invert(VM *vm, Value a);
/* The DeprecationWarning of ~ on a bool (3.12); false if it became an error. */
bool op_warn_bool_invert(VM *vm);
Value op_compare(VM *vm, CmpOp op, Value a, Value b);   /* the result object */
int op_compare_bool(VM *vm, CmpOp op, Value a, Value b);
int op_eq(VM *vm, Value a, Value b);                    /* ==, identity first */
int op_truthy(VM *vm, Value v);
int op_hash(VM *vm, Value v, uint64_t *out);            /* TypeError: unhashable */
int op_contains(VM *vm, Value container, Value item);   /* item in container */

Value op_getattr(VM *vm, Value obj, ObjStr *name);      /* AttributeError */
/* Like op_getattr, but returns UNDEF (no exception) when absent. */
Value op_getattr_opt(VM *vm, Value obj, ObjStr *name);
/* object.__getattribute__: the lookup with neither __getattribute__ nor
 * __getattr__ hooks (AttributeError when absent). */
Value op_generic_getattr(VM *vm, Value obj, ObjStr *name);
int op_setattr(VM *vm, Value obj, ObjStr *name, Value v);
int op_delattr(VM *vm, Value obj, ObjStr *name);
/* object.__setattr__ (object.__delattr__ for v == UNDEF) on an instance:
 * a property or data descriptor of the class, else the instance dict; no
 * __setattr__ hook. */
int op_generic_setattr(VM *vm, Value obj, ObjStr *name, Value v);

/* For obj.name(...): the function to call with obj as first argument
 * (*self_out = obj), or the bound value itself (*self_out = UNDEF). */
Value op_getmethod(VM *vm, Value obj, ObjStr *name, Value *self_out);
/* A class attribute found for obj, applied to it: functions bound, a
 * property's getter run, staticmethod and classmethod unwrapped, a
 * descriptor's __get__ called. */
Value op_bind_attr(VM *vm, Value obj, Value attr);
/* Raises CPython 3.12's AttributeError for a property with no getter,
 * setter or deleter (`what`) used on an instance of cls. Returns ERR. */
Value op_property_missing(VM *vm, Value prop, ObjClass *cls, const char *what);
/* What a classmethod wrapping fn gives for the class cls (see ops.c). */
Value op_classmethod_bind(VM *vm, Value cls, Value fn);
/* A staticmethod or classmethod object (OBJ_WRAPPER) is a classmethod or
 * an instance of a subclass of it. */
bool op_is_classmethod(VM *vm, Value w);
/* v is a staticmethod or classmethod whose binding is the builtin one (a
 * subclass may override __get__). */
bool op_plain_wrapper(VM *vm, Value v);

Value op_getitem(VM *vm, Value obj, Value key);
int op_setitem(VM *vm, Value obj, Value key, Value v);
int op_delitem(VM *vm, Value obj, Value key);
int64_t op_len(VM *vm, Value v);                        /* -1 after raising */
/* operator.length_hint(v, dflt): len(v), else v.__length_hint__(), else
 * dflt; ERR after raising (an error other than TypeError propagates). */
Value op_length_hint(VM *vm, Value v, Value dflt);

Value op_iter(VM *vm, Value v);
Value op_next(VM *vm, Value it);                        /* UNDEF when exhausted */
/* The native next function of the ObjIter it, or NULL when it is none or
 * its class (a subclass of enumerate, zip, ...) overrides __next__. */
IterNextFn op_native_next(VM *vm, Value it);

Value op_repr(VM *vm, Value v);
Value op_str(VM *vm, Value v);
/* repr/str appended to a buffer; false after raising. */
bool op_repr_to(VM *vm, Value v, StrBuf *b);
/* The repr of bytes p[0:n] (b'...') into b; bytearray's escapes every single quote. */
void bytes_repr_to(StrBuf *b, const uint8_t *p, int64_t n, bool bytearray);
/* Py_ReprEnter/Py_ReprLeave for native reprs of containers: false after an
 * error; *cycle when o's repr is already under way (print "..."; then no
 * leave). */
bool op_repr_enter(VM *vm, Obj *o, bool *cycle);
void op_repr_leave(VM *vm);
bool op_str_to(VM *vm, Value v, StrBuf *b);

/* Calls any callable with nargs positional values, then the values of the
 * keywords named by kwnames (or NULL). May run script code (nested). */
Value op_call(VM *vm, Value callable, Value *args, int nargs, ObjTuple *kwnames);
Value native_needs_self(VM *vm, ObjNative *n);     /* TypeError: a method called without its object */
/* Whether an instance of cls may be the object of n, a builtin type's
 * method: whether cls derives from n's owner. */
bool native_applies(VM *vm, ObjNative *n, ObjClass *cls);
Value native_wrong_receiver(VM *vm, ObjNative *n, Value recv);     /* TypeError, CPython's message */
/* Calls n, a builtin type's method taken from its class (`str.upper(x)`),
 * after checking that it has an object it applies to. */
Value native_call_unbound(VM *vm, ObjNative *n, Value *args, int nargs, ObjTuple *kwnames);
Value op_call0(VM *vm, Value callable);
Value op_fspath(VM *vm, Value v);
Value op_call1(VM *vm, Value callable, Value a);
Value op_call2(VM *vm, Value callable, Value a, Value b);
/* Calls the method `name` of obj; UNDEF if obj has no such attribute. */
/* f(*args, **kwargs); either may be NULL. */
Value op_call_tuple(VM *vm, Value f, ObjTuple *args, ObjDict *kwargs);
Value op_call_method(VM *vm, Value obj, ObjStr *name, Value *args, int nargs);
bool op_callable(VM *vm, Value v);

/* Special method lookup on the type (not the instance): UNDEF if absent,
 * or when it is object's or what a builtin type does anyway (NATIVE_LAYOUT). */
Value op_special(VM *vm, Value obj, NameId name);
/* A special method m found on obj's type that is no function (a property,
 * an object with or without __get__): the callable it stands for, bound
 * to obj through __get__ as CPython's slot lookup does (a callable without
 * __get__ as it is, called without obj). UNDEF for a function or a native
 * method, which take obj as their first argument; ERR when __get__ raises. */
Value op_special_bound(VM *vm, Value obj, Value m);
/* Calls m, a special method op_special found for obj, with args (at most
 * 3): obj goes first for a function, else m is bound as above. */
Value op_call_special(VM *vm, Value obj, Value m, Value *args, int nargs);
/* For an instance of a Python subclass of a builtin type (OBJ_SUBTYPE):
 * the special method `name` its class overrides; UNDEF when it does not,
 * or v is no such instance. */
Value op_override(VM *vm, Value v, NameId name);
/* The same for any method name (a subclass's own `items`, ...). */
Value op_override_named(VM *vm, Value v, ObjStr *name);

/* The special method `name` of a builtin type as its C layout does it, no
 * override of a subclass consulted: list.__getitem__(l, i), or what
 * super().__setitem__(k, v) reaches in a dict subclass (slots.c makes the
 * natives). args[0] is self. Binary operators return NotImplemented when
 * they do not apply, as their methods do. */
Value op_layout_call(VM *vm, NameId name, Value *args, int nargs, ObjTuple *kw);

/* A new native iterator of class cls: `next` plus a/b/c set to UNDEF. A
 * Python subclass of an iterator type gets an OBJ_SUBTYPE instance. */
ObjIter *iter_new(VM *vm, ObjClass *cls, IterNextFn next);

/* iter(callable, sentinel): a callable_iterator (callable must be callable). */
Value iter_callable(VM *vm, Value callable, Value sentinel);

/* Converts an iterable to a list of its items (a new list). */
ObjList *op_to_list(VM *vm, Value iterable);

#endif
