/* Special methods of builtin objects looked up by name (slots.c). */
#ifndef ASY_SLOTS_H
#define ASY_SLOTS_H

#include "vm.h"

/* A bound native performing the operation `name` (a dunder) on obj, UNDEF
 * when obj's type does not support it. */
Value slot_wrapper(VM *vm, Value obj, ObjStr *name);

/* The special method `name` (an interned string) of the builtin type c as
 * an unbound native method doing what c's C layout does, for the methods
 * c's dict lacks because ops.c implements them (list.__getitem__,
 * int.__add__); UNDEF when c has no such method. */
Value slot_method(VM *vm, ObjClass *c, ObjStr *name);

/* Puts those of them that object also defines (__repr__, __eq__, ...) into
 * the builtin types' dicts, where a lookup finds them before object's. */
void slot_init(VM *vm);

#endif
