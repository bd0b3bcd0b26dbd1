/* sys.setprofile's hook.
 *
 * The interpreter's call and return paths know nothing of profiling until a
 * hook is installed. They already compare the fiber's depth with a limit
 * before every script call; that limit is `vm->call_limit`, the recursion
 * limit while no hook is set and 0 while one is. So with a hook every call
 * leaves the fast path for enter_function's slow branch, which tells a real
 * recursion error from a profiled call (prof_enter), fires the 'call' event
 * and marks the frame FRAME_PROFILED. A return tests that flag together with
 * FRAME_INIT (one test, as before); a yield and an unwinding frame test it
 * too. Native calls are the one place with a check of its own
 * (vm->prof_func != UNDEF) for 'c_call', 'c_return' and 'c_exception'.
 *
 * The hook belongs to the thread that set it (CPython's is per thread);
 * while it runs no events fire, and a hook that raises is removed and its
 * exception replaces the call or return (as in CPython). */
#ifndef ASY_PROFILE_H
#define ASY_PROFILE_H

#include "vm.h"

#define PROF_CALL 0
#define PROF_RETURN 1
#define PROF_C_CALL 2
#define PROF_C_RETURN 3
#define PROF_C_EXCEPTION 4

/* hook(frame object, event name, arg) with no events firing meanwhile
 * (sys.setprofile's and sys.settrace's calls): its result, or ERR. */
Value prof_call_hook(VM *vm, Value hook, Value frameobj, const char *event, Value arg);
/* Installs func (None removes the hook); sets call_limit to match. */
void prof_set(VM *vm, Value func);
/* The limit the call paths compare depth with (recursion limit, or 0). */
void prof_update_limit(VM *vm);
/* Whether events fire now: a hook set by this thread and not running. */
static inline bool prof_active(VM *vm) { return vm->prof_func != UNDEF && !vm->prof_busy && vm->ts == vm->prof_ts; }
/* The 'call' event of frame f, already filled and linked as the fiber's
 * innermost: marks it FRAME_PROFILED. False after raising. */
bool prof_call(VM *vm, Frame *f);
/* The 'return' event of f (still the innermost frame), returning or
 * yielding r. False after raising: a hook that raises is removed and its
 * exception comes out of the returning frame, as in CPython. */
bool prof_return(VM *vm, Frame *f, Value r);
/* The same for a frame an exception is leaving (the exception pending
 * elsewhere): a hook's own error is reported as unraisable. */
void prof_unwind(VM *vm, Frame *f);
/* 'c_call', 'c_return' or 'c_exception' for native fn called from frame f.
 * False after raising (c_call only; the others report as prof_return). */
bool prof_native(VM *vm, int what, Value fn);

#endif
