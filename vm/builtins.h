/* The builtins module (print, len, range, ...) and the sys module. */
#ifndef ASY_BUILTINS_H
#define ASY_BUILTINS_H

#include "vm.h"

/* Makes the builtin type objects (before any string or dict exists). */
bool builtins_bootstrap_types(VM *vm);
/* Fills vm->builtins. */
bool builtins_init(VM *vm);
/* eval, exec and compile (builtins_eval.c). */
bool builtins_eval_init(VM *vm);
/* builtins.__import__ as made (the import statement skips calling it). */
Value builtins_import(VM *vm, Value *args, int nargs, ObjTuple *kw);
/* What an expression statement at the interactive prompt (compile mode
 * 'single') does with its value: sys.displayhook(v) if the script set one,
 * else repr(v) on sys.stdout (which doctest and redirect_stdout replace)
 * and v kept as builtins._; None is skipped. NONE_VAL or ERR. */
Value builtins_display(VM *vm, Value v);
/* What locals() returns in frame f: its namespace, or a snapshot of a
 * function's variables. */
Value builtins_frame_locals(VM *vm, Frame *f);
/* The dict of a function's variables from a copy of its frame's slots. */
Value builtins_slots_locals(VM *vm, ObjCode *code, const Value *slots);
/* open() and the file classes (file.c). */
bool file_init(VM *vm);
/* The collector frees o: if it is a file object that owns its descriptor
 * and was never closed, the descriptor is closed (as CPython's file objects
 * close when they die). */
void file_release(Obj *o);

/* The reverse iterator a list, tuple, str, bytes, dict or dict view makes
 * of itself, ignoring a subclass's overrides: their __reversed__ layout
 * methods (builtins_iter.c). */
Value builtins_reversed_layout(VM *vm, Value seq);

/* The attribute dict of a staticmethod or classmethod (kept beside the
 * heap, gc_subtype_dict), made on first use with the callable's
 * __module__, __name__, __qualname__, __doc__ and __annotations__ copied
 * in, as CPython's wrappers have them from the start; NULL on error. */
ObjDict *builtins_wrapper_dict(VM *vm, ObjWrapper *w);

#endif
