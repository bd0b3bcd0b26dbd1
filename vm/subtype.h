/* Instances of Python subclasses of builtin types (`class L(list)`), which
 * have the builtin's C layout plus an attribute dict (OBJ_SUBTYPE). */
#ifndef ASY_SUBTYPE_H
#define ASY_SUBTYPE_H

#include "vm.h"

/* T.__new__(cls, *args) for cls a subclass of the builtin type t: an empty
 * instance for the mutable types, whose __init__ fills it; for the
 * immutable ones, T's constructor run on args, its result copied into an
 * instance of cls. The builtin constructors call this when their class
 * argument is not t itself. */
Value subtype_new(VM *vm, TypeId t, Value *args, int nargs, ObjTuple *kwnames);

/* v, a str, bytes, tuple, int, float or complex, as a plain value of its builtin type: v
 * itself, or a copy when v is an instance of a subclass (str(s), int(i)
 * and friends return the exact type). */
Value subtype_plain(VM *vm, Value v);

#endif
