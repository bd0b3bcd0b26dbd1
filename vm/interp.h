/* The interpreter: frames on fibers and the dispatch loop. */
#ifndef ASY_INTERP_H
#define ASY_INTERP_H

#include "vm.h"

/* Runs a code object (module body) in `globals`; returns its value or ERR. */
Value interp_run_module(VM *vm, ObjCode *code, ObjDict *globals);
/* The same with a namespace for the names of the module level (exec and
 * eval with a locals mapping); NULL means the globals. */
Value interp_run_code(VM *vm, ObjCode *code, ObjDict *globals, ObjDict *locals);
/* The builtins that code running with these globals sees: their
 * __builtins__ (a module's dict, or the mapping itself), the VM's dict
 * when they have none. */
Value interp_builtins(VM *vm, ObjDict *globals);
/* Calls a script function from C: binds the arguments, runs the frame on
 * the current fiber to completion (a nested dispatch loop). */
Value interp_call_function(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames);

Fiber *fiber_new(VM *vm);
void fiber_free(VM *vm, Fiber *f);
void fiber_mark(VM *vm, Fiber *f);

/* Continues an owned (generator) frame already marked FRAME_ENTRY; with
 * `throw` set, raises it at the point where the frame stopped. */
Value interp_resume(VM *vm, Frame *f, Value throw);

/* Registers __build_class__ in the builtins. */
bool interp_init(VM *vm);

/* The line being executed by frame f. */
int frame_line(Frame *f);

#endif
