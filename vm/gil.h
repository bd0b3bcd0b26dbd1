/* The interpreter lock and the thread states (DESIGN decision 5).
 *
 * One lock per VM: a thread runs Asy code, allocates or touches any object
 * only while it holds the lock. The VM's fields that belong to a thread
 * (its fiber, pending exception, native nesting depth, extra roots, current
 * contextvars Context, repr cycle stack) stay in the VM struct, where the
 * hot paths read them; taking the lock loads them from the thread's
 * ThreadState and dropping it saves them back. Until a second thread
 * exists, releasing and taking the lock cost nothing at all.
 *
 * A thread that waits for the lock longer than the switch interval (5 ms,
 * as CPython's) raises SIG_GIL_DROP; the holder yields at its next safe
 * point (function entry, backward jump, native call return). Blocking
 * natives (time.sleep, lock waits, thread joins, file I/O) release the lock
 * around the wait, and so does the event loop while libuv polls.
 *
 * Rule for natives that release the lock: everything they hold must be
 * reachable (their arguments are, on the caller's stack), since another
 * thread may collect meanwhile, and they touch no object until they have
 * it back. */
#ifndef ASY_GIL_H
#define ASY_GIL_H

#include <uv.h>

#include "vm.h"

struct ThreadState {
    ThreadState *next;
    VM *vm;
    struct Gil *gil;
    /* Saved while the thread does not hold the lock. */
    Fiber *fiber;
    Value exc, context;
    int c_depth, nroots;
    Obj **repr_active;
    int nrepr, reprcap;
    /* What the thread runs for (a callable, a thread handle): a root. */
    Value payload;
    uint64_t ident;             /* _thread.get_ident() */
    long native_id;
    bool main;                  /* the VM's first thread: it takes Ctrl-C */
    bool idle;                  /* a pool worker waiting for work */
    Obj *import_wait;           /* a module another thread is importing, waited for (import.c) */
    Value roots[ROOTS_MAX];
};

typedef struct Gil {
    uv_mutex_t mu;
    uv_cond_t cond;             /* the lock was released */
    uv_cond_t switched;         /* another thread took it (forced switches) */
    uv_cond_t notified;         /* gil_notify was called (notices counts them) */
    uint64_t notices;
    bool locked;
    bool multi;                 /* a second thread has existed: the lock is real */
    bool finalizing;            /* the VM is gone: threads that wake up exit */
    int waiting;
    uint64_t switches;
    uint64_t interval_ns;
    /* Time the main thread spent waiting for the lock (nanoseconds), and
     * when its current wait began (0: not waiting): the blocked-loop
     * watchdog does not blame a task for time other threads held the lock. */
    uint64_t main_wait_total, main_wait_start;
    ThreadState *threads;       /* every thread state, the main one last */
    int nthreads, nbusy;        /* threads other than the main one; those not idle */
} Gil;

/* Creates the lock and the main thread's state, which holds it. */
bool gil_init(VM *vm);
/* At the VM's end: when threads are still alive (daemons), marks the VM
 * as theirs for good (a thread that takes the lock then exits) and returns
 * true: the VM must not be freed. */
bool gil_abandon(VM *vm);
void gil_free(VM *vm);

/* Releases the lock around a blocking wait: returns the token for
 * gil_acquire, NULL when no other thread has ever existed (then both are
 * no-ops). */
ThreadState *gil_release(VM *vm);
void gil_acquire(VM *vm, ThreadState *ts);
/* At a safe point, when another thread asked for the lock: let it run. */
void gil_yield(VM *vm);
/* Waiting for something only the lock's holders change (a module another
 * thread is still running): gil_wait_notified releases the lock until a
 * holder calls gil_notify, then takes it back; callers check again. Both
 * are no-ops while no other thread has ever existed. */
void gil_wait_notified(VM *vm);
void gil_notify(VM *vm);

/* How long the main thread has waited for the lock so far, the current
 * wait included (any thread may ask). */
uint64_t gil_main_waited(Gil *g, uint64_t now);

/* Whether the running thread is the VM's main thread. */
static inline bool gil_is_main(VM *vm) { return vm->ts->main; }

/* A new thread's state (under the lock); the thread then calls
 * gil_acquire with it. NULL after MemoryError. */
ThreadState *thread_state_new(VM *vm);
/* Ends the running thread's state: frees it and releases the lock for good. */
void thread_state_exit(VM *vm);
/* Drops a state whose thread never started (under the lock). */
void thread_state_discard(VM *vm, ThreadState *ts);
/* Marks the roots of the threads that are not running. */
void gil_mark(VM *vm);

/* Waits on `cond` (with `mu` held, the interpreter lock released) until
 * signalled or `deadline` (uv_hrtime nanoseconds; 0: none). On the main
 * thread (`main`, found out before releasing the lock) it also returns for
 * Ctrl-C. Returns 0 when signalled (or spuriously), 1 at the deadline, 2
 * for Ctrl-C. */
int gil_cond_wait(VM *vm, bool main, uv_cond_t *cond, uv_mutex_t *mu, uint64_t deadline);

/* In a child made by fork(): the calling thread is the only one left. */
void gil_after_fork(VM *vm);

#endif
