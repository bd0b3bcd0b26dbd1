/* Special methods of builtin objects looked up by name (slots.c). */
#ifndef ASY_SLOTS_H
#define ASY_SLOTS_H

#include "vm.h"

/* A bound native performing the operation `name` (a dunder) on obj, UNDEF
 * when obj's type does not support it. */
Value slot_wrapper(VM *vm, Value obj, ObjStr *name);

#endif
