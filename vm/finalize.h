/* Closing generators that die suspended (CPython's generator finalizer).
 *
 * A generator or coroutine stopped inside a try/finally, a with block or an
 * except clause has code left to run: CPython runs it (gen.close()) when the
 * last reference goes. Asy's collector finds such generators instead: each
 * one whose code has an exception table is tracked from creation; before the
 * sweep, a tracked generator that is unmarked and suspended inside a
 * protected region is kept alive (marked), and after the collection it is
 * closed, so its finally blocks run. An exception escaping close() is
 * printed as CPython's "Exception ignored in: <generator object ...>". At the
 * VM's end, the tracked generators still suspended are closed too, as
 * CPython's interpreter shutdown does. Async generators are not tracked:
 * asyncio.run's shutdown_asyncgens closes them. */
#ifndef ASY_FINALIZE_H
#define ASY_FINALIZE_H

#include "gen.h"

/* Tracks a new generator whose code has handlers; false after MemoryError
 * (then it is simply not finalized). */
bool finalize_track(VM *vm, ObjGen *g);
/* The collector's step between marking and sweeping. */
void finalize_before_sweep(VM *vm);
void finalize_mark(VM *vm);
/* After a collection: closes what before_sweep kept. */
void finalize_run(VM *vm);
/* The VM's end: closes every tracked generator still suspended. */
void finalize_all(VM *vm);
void finalize_free(VM *vm);

#endif
