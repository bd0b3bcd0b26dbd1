/* The scheduler: one per VM, on libuv (DESIGN decision 4).
 *
 * One loop iteration, as in asyncio's BaseEventLoop._run_once: poll libuv
 * (without blocking when something is ready; otherwise until the earliest
 * timer or an I/O event), move the timers that are due to the ready queue,
 * then run exactly the items that were ready at that point; what they
 * schedule runs in the next iteration. That is what makes the order in which
 * tasks start and wake up the same as CPython's.
 *
 * Ready items are small structs, not objects: a task step, a task wakeup, a
 * done callback, a gather notification, a call_soon handle, a sleep that is
 * due. Sleeps sit in one timer heap behind a single uv_timer_t.
 *
 * Everything the queues hold is a GC root (sched_mark). Pending tasks are on
 * an intrusive list, so that all_tasks() and the end of asyncio.run can find
 * them and a task waiting on a future nobody else holds stays alive. */
#ifndef ASY_SCHED_H
#define ASY_SCHED_H

#include <uv.h>

#include "future.h"
#include "runq.h"

typedef enum RunKind {
    RUN_STEP,           /* a: Task; b: exception to throw in, or UNDEF */
    RUN_WAKEUP,         /* a: Task; b: the future it waited on, now done */
    RUN_CALLBACK,       /* a: callable; b: its argument (a future); c: context */
    RUN_GATHER,         /* a: Gather; b: the child that finished */
    RUN_HANDLE,         /* a: Handle from call_soon/call_later */
    RUN_RESULT,         /* a: Future; b: result to set unless it was cancelled (sleep) */
    RUN_SETTLE,         /* from another thread: a: Future; b: result, or exception if c is True */
    RUN_STOP            /* run_until's future (a) is done: stop after this iteration */
} RunKind;

/* I/O on the loop (stdlib/asyncio_streams.c): an object that owns a libuv
 * handle embeds an IoWatch. While the handle is open the watch is on the
 * scheduler's open list, which keeps its owner alive (a GC root): libuv
 * holds a pointer to it. libuv's callbacks run without the interpreter
 * lock and touch no object: they record what happened in the owner's C
 * fields and queue the watch (sched_io_event); after the poll, with the
 * lock, the scheduler calls each queued watch's dispatch, which turns the
 * events into results of futures. */
typedef struct IoWatch IoWatch;
typedef struct IoOps {
    void (*dispatch)(VM *vm, IoWatch *w);
    /* The loop closes: let go of the handle or request. NULL means
     * sched_io_close, which suits every handle. */
    void (*close)(VM *vm, IoWatch *w);
} IoOps;
struct IoWatch {
    const IoOps *ops;
    Obj *owner;
    struct Sched *sched;        /* for libuv's callbacks */
    uv_handle_t *handle;        /* its data points at this watch; NULL for a request */
    IoWatch *prev, *next;       /* the open list */
    IoWatch *next_event;        /* the event list */
    bool queued;                /* on the event list */
    bool closing, closed;       /* uv_close was called / its callback ran */
};

/* A callback scheduled with call_soon/call_later/call_at. */
#define HANDLE_CANCELLED 1
#define HANDLE_IN_HEAP 2
typedef struct Handle {
    Obj obj;
    Value fn, args, ctx;        /* args: a tuple */
    double when;                /* call_later/call_at: the deadline; else NaN */
} Handle;

typedef struct Sched {
    uv_loop_t *uv;
    bool own_uv;
    uv_timer_t timer;           /* armed for the earliest deadline */
    RunQueue ready;
    TimerHeap timers;
    size_t timers_dead;         /* entries whose handle or sleep was cancelled */
    Task *tasks;                /* pending tasks */
    size_t ntasks;
    Task *current;              /* the task running a step, or NULL */
    Value loop;                 /* the event loop object of the current run, or UNDEF */
    bool running;               /* run_until_complete is running the loop */
    struct ThreadState *loop_ts;    /* the thread running it */
    bool stopping;              /* leave after this iteration */
    struct Future *run_fut;     /* the future run_until waits for, or NULL */
    RunItem item;               /* the item being run: a root while it runs */
    uint32_t task_counter;
    uint64_t steps;             /* task steps run: the blocked-loop detector watches it */
    Value report_loop;          /* the loop of the last run: its exception handler takes the reports */
    Value fmt_callback, fmt_short;  /* asyncio's describers (async_format.c), or UNDEF */
    /* Async generators first iterated while the loop ran (asyncio's
     * firstiter hook), held weakly: sched_prune_agens drops the dead. */
    struct ObjGen **agens;
    size_t nagens, agencap;
    Future **logged;            /* futures holding an unretrieved exception (not roots) */
    size_t nlogged, logcap;
    Future **report;            /* those found unreachable: reported after the collection */
    size_t nreport, reportcap;
    Future **orphans;           /* pending tasks loop.close() dropped (not roots): reported when freed */
    size_t norphans, orphancap;

    /* Wakes the loop from a signal handler (Ctrl-C, asy_interrupt: the
     * first cancels the main task of asyncio.run, a second raises
     * KeyboardInterrupt) or from another thread that queued work for it. */
    uv_async_t wakeup;
    size_t external;            /* completions other threads will deliver (to_thread) */
    Task *main_task;
    int interrupts;

    /* The blocked-loop detector (SPEC 6.2): a watchdog thread sees the
     * item counter stand still while the loop is not polling. The loop's
     * cost is one store per item and two per iteration. */
    uint64_t item_seq;
    uint8_t in_poll;
    uv_thread_t watchdog;
    uv_mutex_t wd_lock;
    uv_cond_t wd_cond;
    bool wd_running, wd_stop;
    uint64_t blocked_since;     /* uv_hrtime() when the watchdog first saw this item */
    uint64_t blocked_waited;    /* the loop thread's lock and CPU waits by then (gil.h) */
    long loop_tid;              /* the loop thread's kernel id, for its CPU waits */
    ObjCode *block_code;        /* where the interpreter found it stuck */
    uint32_t block_off;

    IoWatch *io_open;           /* open libuv handles: roots */
    IoWatch *io_events;         /* handles with events to dispatch */
    ObjClass *tcp_conn_cls, *tcp_listener_cls, *resolve_cls, *fd_watch_cls;   /* stdlib/asyncio_streams.c */
    ObjClass *proc_cls;         /* stdlib/asyncio_subprocess.c */

    ObjClass *future_cls, *task_cls, *gather_cls, *loop_cls, *handle_cls, *timer_handle_cls;
    ObjClass *cancelled_error, *invalid_state_error;

    /* asyncio's Queue, Event and Lock in C (stdlib/asyncio_sync.c): the
     * class of their awaitable operations, the classes of the native cores
     * (queue, event, lock), the Asy classes (Queue, LifoQueue,
     * PriorityQueue, Event, Lock), QueueEmpty/QueueFull, and a tuple of the
     * Asy methods that subclasses overriding a hook run instead. */
    ObjClass *op_cls, *core_cls[3], *sync_cls[5], *queue_empty, *queue_full;
    ObjStr *core_name;
    Value sync_fallbacks;
    /* Operations that `await q.get()` and the like finished, which nothing
     * else can hold: reused by the next ones instead of allocated. */
#define SCHED_OP_POOL 8
    Future *op_pool[SCHED_OP_POOL];
    int nop_pool;
} Sched;

/* The VM's scheduler, created on first use; NULL after raising MemoryError. */
Sched *sched_get(VM *vm);
void sched_free(VM *vm);
void sched_mark(VM *vm);
/* Called by the collector after marking, before sweeping: futures with
 * unretrieved exceptions that are about to die are kept for one more cycle
 * and reported. */
void sched_before_sweep(VM *vm);

double sched_time(void);        /* loop.time(): the monotonic clock, in seconds */
bool sched_push(VM *vm, RunKind kind, Value a, Value b, Value c);
bool sched_timer(VM *vm, double when, RunKind kind, Value a, Value b);
void sched_timer_cancelled(VM *vm);     /* one more dead entry in the heap */
void sched_task_started(VM *vm, Task *t);
void sched_task_done(VM *vm, Task *t);
void sched_log_exception(VM *vm, Future *f);

/* An async generator's first step: while the loop runs, it is noted
 * (weakly) so that shutdown_asyncgens can close it, and if it is dropped
 * unfinished its aclose() runs as a task (finalize.c calls
 * sched_agen_finalize). False after MemoryError. */
bool sched_agen_started(VM *vm, struct ObjGen *g);
/* The async generators that have not finished, handed over once. */
Value sched_take_agens(VM *vm);
/* asyncio's finalizer hook for an unreachable, unfinished async generator:
 * loop.call_soon(loop.create_task, agen.aclose()) while the loop runs;
 * nothing once it has stopped. Errors are reported, not raised. */
void sched_agen_finalize(VM *vm, struct ObjGen *g);
/* The collector, after all marking: forgets the async generators it is
 * about to free. */
void sched_prune_agens(VM *vm);
/* An IoWatch's handle (NULL for a request) was opened / is closed for
 * good. Once a handle's close callback has run (w->closed), the dispatch
 * after it is the last, and the watch leaves the open list by itself. */
void sched_io_open(VM *vm, IoWatch *w, const IoOps *ops, Obj *owner, uv_handle_t *handle);
void sched_io_forget(VM *vm, IoWatch *w);

/* Closes the watch's handle once (uv_close); w->closed tells when libuv has
 * let go of it. */
void sched_io_close(IoWatch *w);

/* The object that owns a watched handle, for libuv's callbacks. */
static inline void *io_owner(const uv_handle_t *h) { return ((IoWatch *)h->data)->owner; }
/* From a libuv callback (no lock): w has events to dispatch. */
static inline void sched_io_event(Sched *s, IoWatch *w) {
    if (w->queued) return;
    w->queued = true;
    w->next_event = s->io_events;
    s->io_events = w;
}
/* Wakes the loop from a signal handler or another thread. */
void sched_wake(VM *vm);
/* _run_main: asyncio.run's run_until_complete, where Ctrl-C cancels the
 * main task and ends in KeyboardInterrupt. */
Value sched_run_main(VM *vm, Task *main);
/* In a child made by fork(): no loop runs, none of the parent's work is
 * there, and libuv gets its own kernel state. */
void sched_after_fork(VM *vm);
/* loop.close(): drops what is still queued, timed or pending. */
void sched_reset(VM *vm);
/* Runs the loop until `fut` is done; returns its result, or ERR. */
Value sched_run_until(VM *vm, Future *fut);
/* loop.run_forever(): iterations until sched_stop (loop.stop()). */
Value sched_run_forever(VM *vm);
void sched_stop(VM *vm);
/* A Handle (or TimerHandle, by cls) for fn(*args) in context ctx (None:
 * a copy of the current one); `when` is NaN but for a TimerHandle. */
Handle *sched_handle_new(VM *vm, ObjClass *cls, Value fn, Value args, Value ctx, double when);
/* loop.call_exception_handler({"message": message, "exception": exc, key:
 * what}) (exc and what may be UNDEF): the handler set, else the default. */
void sched_report(VM *vm, const char *message, Value exc, const char *key, Value what);
/* The default handler: prints the context (a dict) as asyncio does. */
void sched_default_report(VM *vm, ObjDict *ctx);
/* At the VM's end, before the finalizers run: a loop that was never
 * closed still has pending tasks, which CPython's shutdown destroys with
 * "Task was destroyed but it is pending!". */
void sched_report_pending(VM *vm);
/* Prints what the collector found: "Task exception was never retrieved". */
void sched_flush_reports(VM *vm);

#endif
