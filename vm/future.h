/* Futures and tasks (DESIGN decisions 3 and 4), with asyncio's semantics.
 *
 * A Future is the one leaf awaitable: `await fut` on a pending future yields
 * the future itself up the coroutine chain to the task that runs it, which
 * registers itself as the future's waiter and stops. Everything else a task
 * awaits (coroutines, user awaitables) runs inline on the awaiting chain.
 *
 * A Task is a Future plus a coroutine; the scheduler (scheduler.c) runs its
 * steps. The done callbacks of a future are kept as cheaply as possible: a
 * single waiting task is stored as is, anything more as a list of
 * (callback, context) pairs, where two special "contexts" mark a task to wake
 * and a gather() to notify. */
#ifndef ASY_FUTURE_H
#define ASY_FUTURE_H

#include "strbuf.h"
#include "vm.h"

/* The state lives in obj.flags with the other bits. */
#define FUT_PENDING 0
#define FUT_CANCELLED 1
#define FUT_FINISHED 2
#define FUT_STATE 3
#define FUT_EXC 4               /* result holds an exception */
#define FUT_LOG_TB 8            /* that exception has not been retrieved */
#define FUT_BLOCKING 16         /* yielded by await, not yet taken by a task */
#define FUT_TIMER 32            /* a sleep: it has an entry in the timer heap */
#define FUT_LISTED 64           /* on the scheduler's list of unretrieved exceptions */
#define TASK_MUST_CANCEL 128    /* cancel at the next step (the message is in result) */
#define GATHER_CANCEL_REQ 256   /* a gather()'s cancel() reached a child */
#define GATHER_RETURN_EXC 512   /* gather(..., return_exceptions=True) */

/* Class flag (ObjClass obj.flags) of Future and its native subclasses.
 * (Not 0x100: that is CLASS_HAS_DEL, and futures have no __del__.) */
#define CLASS_FUTURE 0x400
/* Also set on the class of asyncio's native awaitable operations (what
 * Queue.get(), Event.wait(), Lock.acquire() return, stdlib/asyncio_sync.c):
 * they have the Future layout and a ctype->await_step, and wait as futures,
 * but to Python code they are coroutines, not futures. */
#define CLASS_AWAIT_OP 0x200

typedef struct Future {
    Obj obj;
    Value result;       /* the result, the exception (FUT_EXC), or the cancel message (UNDEF: None) */
    Value callbacks;    /* UNDEF, one waiting Task, or a list of (callback, context) pairs */
} Future;

typedef struct Task {
    Future fut;
    Value coro;
    Value waiter;       /* the future it waits on, or UNDEF */
    Value context;      /* the contextvars.Context its steps run in, or UNDEF */
    Value name;         /* UNDEF until asked for: then "Task-<number>" */
    Value handled;      /* the exception being handled where its coroutine stopped */
    struct Task *prev, *next;   /* the scheduler's list of pending tasks */
    int32_t cancels;    /* cancel() requests not yet uncancel()ed */
    uint32_t number;
} Task;

typedef struct Gather {
    Future fut;
    Value children;     /* a list of futures, in argument order */
    int64_t nfinished, nfuts;
} Gather;

/* Callback "contexts" that mark scheduler-internal callbacks. */
#define CB_WAKEUP int_val(-1)
#define CB_GATHER int_val(-2)
#define CB_STOP int_val(-3)

static inline bool is_future(Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_CDATA && (as_obj(v)->cls->obj.flags & CLASS_FUTURE);
}
static inline bool is_await_op(Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_CDATA && (as_obj(v)->cls->obj.flags & CLASS_AWAIT_OP);
}
/* A future as Python code sees one: asyncio.isfuture(). */
static inline bool is_py_future(Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_CDATA &&
           (as_obj(v)->cls->obj.flags & (CLASS_FUTURE | CLASS_AWAIT_OP)) == CLASS_FUTURE;
}
static inline int fut_state(Future *f) { return f->obj.flags & FUT_STATE; }
static inline bool fut_done(Future *f) { return fut_state(f) != FUT_PENDING; }

Future *future_new(VM *vm);
/* False after raising InvalidStateError when the future is done already. */
bool future_set_result(VM *vm, Future *f, Value v);
bool future_set_exception(VM *vm, Future *f, Value exc);
/* Finishes a pending future with whatever `result` holds (asyncio's native
 * operations keep their own data there): its callbacks run as after
 * set_result. */
bool future_finish_keep(VM *vm, Future *f);
/* Cancels a pending future (a task, a gather: their own rules); returns
 * whether it did. */
bool future_cancel(VM *vm, Future *f, Value msg);
/* Future.cancel itself: the state, then the callbacks. `exc` (or UNDEF) is
 * the CancelledError a task's coroutine raised, handed out once by
 * future_cancelled_error so that awaiting the task re-raises it. */
bool future_cancel_plain(VM *vm, Future *f, Value msg, Value exc);
/* The result, or ERR after raising the exception / CancelledError /
 * InvalidStateError; marks an exception as retrieved. */
Value future_result(VM *vm, Future *f);
/* The exception a task waking up from f must see, or UNDEF. */
Value future_wake_exception(VM *vm, Future *f);
/* Adds a done callback (context UNDEF: none); when f is done already, it is
 * scheduled at once, as asyncio does. */
bool future_add_callback(VM *vm, Future *f, Value fn, Value ctx);
/* A new CancelledError for a cancelled future (its message, or the one its
 * coroutine raised). */
Value future_cancelled_error(VM *vm, Future *f);
Value future_repr(VM *vm, Future *f);
/* The " result=..." or " exception=..." part of a finished future's repr. */
void future_result_info(VM *vm, Future *f, StrBuf *b);

/* A new task for coroutine `coro`, scheduled to start; NULL after raising. */
/* A Task, or an instance of a Python subclass of Task. */
bool is_task(Value v);
/* Whether a task can run v: what asyncio.iscoroutine() accepts. */
bool task_is_coro(VM *vm, Value v);
Task *task_new(VM *vm, Value coro, Value name, Value context);
/* The same with eager_start=True: on a running loop, its first step runs now. */
Task *task_new_eager(VM *vm, Value coro, Value name, Value context);
bool task_cancel(VM *vm, Task *t, Value msg);
/* Runs one step of t, throwing `exc` in unless it is UNDEF. False only when
 * the step ended in an exception that must stop the loop (KeyboardInterrupt,
 * SystemExit), which is left in vm->exc. */
bool task_step(VM *vm, Task *t, Value exc);
Value task_name(VM *vm, Task *t);

/* gather(): the outer future and its child callback. */
Value gather_new(VM *vm, Value *args, int nargs, bool return_exceptions);
void gather_child_done(VM *vm, Gather *g, Future *child);

/* The classes and methods (future.c, task.c); called by sched_get. */
bool future_init_classes(VM *vm);
bool task_init_class(VM *vm);
/* Sets a Future-derived native class's module (_asyncio) and its class subscript. */
bool future_class_setup(VM *vm, ObjClass *c);

#endif
