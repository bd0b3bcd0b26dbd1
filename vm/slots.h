/* Special methods of builtin objects looked up by name (slots.c). */
#ifndef ASY_SLOTS_H
#define ASY_SLOTS_H

#include "vm.h"

/* A bound native performing the operation `name` (a dunder) on obj, UNDEF
 * when obj's type does not support it. */
Value slot_wrapper(VM *vm, Value obj, ObjStr *name);

/* Puts into the dicts of the builtin types that may be subclassed the
 * special methods that ops.c implements for them (list.__getitem__,
 * int.__add__, ...), as natives doing what the C layout does. */
void slot_init(VM *vm);

/* Adds to c's dict a NATIVE_LAYOUT method `name` of its own. */
bool add_layout_native(VM *vm, ObjClass *c, ObjStr *name, NativeFn fn);

#endif
