/* dir()'s view of the attributes builtin objects answer without class dict
 * entries (see dir_extras.c). */
#ifndef ASY_DIR_EXTRAS_H
#define ASY_DIR_EXTRAS_H

#include "vm.h"

/* Appends to `out` (and `seen`) the names of such attributes o has, for the
 * builtin classes in mro (o's class's, or o's own if o is a class); false
 * after an error. */
bool dir_add_extras(VM *vm, Value o, ObjTuple *mro, ObjList *out, ObjDict *seen);

#endif
