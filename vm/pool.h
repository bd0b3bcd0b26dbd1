/* The default executor: worker threads for asyncio.to_thread and
 * loop.run_in_executor(None, ...), in C so that a call costs two thread
 * wake-ups and no Python-level machinery.
 *
 * A job is a call plus the asyncio Future that waits for it. A worker runs
 * the call holding the interpreter lock, then queues the outcome on the
 * scheduler's ready queue (RUN_SETTLE) and wakes the loop; the loop thread
 * settles the future, unless it was cancelled meanwhile: the thread then
 * finished in the background, as in CPython. Threads start on demand up to
 * min(32, cpu count + 4) and stay until the pool is shut down (the end of
 * asyncio.run, or of the VM). Everything queued is a GC root. */
#ifndef ASY_POOL_H
#define ASY_POOL_H

#include "future.h"

/* Queues fn(*args, **kwargs), run in context `ctx` (UNDEF: none), whose
 * outcome settles `fut`. False after raising. */
bool pool_submit(VM *vm, Value fn, ObjTuple *args, ObjDict *kwargs, Value ctx, Future *fut);
/* Stops the workers once the queue is empty; `fut` (may be NULL) is set to
 * None on the loop when the last one has ended. The next submit starts
 * new workers. */
bool pool_shutdown(VM *vm, Future *fut);
/* The VM's end: waits for the workers (without the interpreter lock). */
void pool_shutdown_all(VM *vm);
void pool_mark(VM *vm);
void pool_free(VM *vm);
/* In a child made by fork(): the workers did not come along. */
void pool_after_fork(VM *vm);

#endif
