/* The default executor's worker threads (see pool.h).
 *
 * The job queue is changed only by threads that hold the interpreter lock
 * (so the collector can read it), and also under the pool's mutex, which
 * workers wait on without the interpreter lock. */
#include "pool.h"

#include <stdlib.h>
#include <unistd.h>

#include "../stdlib/contextvars.h"
#include "exc.h"
#include "gc.h"
#include "gil.h"
#include "ops.h"
#include "scheduler.h"
#include "thread.h"

typedef struct Job {
    Value fn, args, kwargs, ctx, fut;   /* kwargs: UNDEF when none */
} Job;

typedef struct Pool {
    uv_mutex_t mu;
    uv_cond_t work;             /* a job was queued, or stop */
    uv_cond_t ended;            /* a worker ended */
    Job *jobs;                  /* a ring */
    size_t head, len, cap;
    int nthreads, max;
    int idle;                   /* workers waiting, not yet claimed by a submit */
    bool stopping;
    Value stopped;              /* the future pool_shutdown settles, or UNDEF */
} Pool;

static int max_workers(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    return n + 4 < 32 ? (int)n + 4 : 32;
}

static Pool *get_pool(VM *vm) {
    if (vm->pool) return vm->pool;
    Pool *p = calloc(1, sizeof *p);
    if (!p) { exc_nomem(vm); return NULL; }
    uv_mutex_init(&p->mu);
    uv_cond_init(&p->work);
    uv_cond_init(&p->ended);
    p->max = max_workers();
    p->stopped = UNDEF;
    vm->pool = p;
    return p;
}

static bool push(Pool *p, Job j) {
    if (p->len == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        Job *a = malloc(cap * sizeof *a);
        if (!a) return false;
        for (size_t i = 0; i < p->len; i++) a[i] = p->jobs[(p->head + i) % p->cap];
        free(p->jobs);
        p->jobs = a;
        p->head = 0;
        p->cap = cap;
    }
    p->jobs[(p->head + p->len++) % p->cap] = j;
    return true;
}

static bool pop(Pool *p, Job *j) {
    if (!p->len) return false;
    *j = p->jobs[p->head];
    p->head = (p->head + 1) % p->cap;
    p->len--;
    return true;
}

/* Hands an outcome to the loop thread (we hold the interpreter lock). */
static void deliver(VM *vm, Value fut, Value v, bool failed) {
    if (!sched_push(vm, RUN_SETTLE, fut, v, bool_val(failed))) {
        vm->exc = UNDEF;    /* no memory for the item: the future stays pending */
        return;
    }
    sched_wake(vm);
}

static void run_job(VM *vm, Job *j) {
    Value *root = vm_roots_open(vm, 5);
    if (!root) {
        deliver(vm, j->fut, vm->exc, true);
        vm->exc = UNDEF;
        return;
    }
    root[0] = j->fn; root[1] = j->args; root[2] = j->kwargs; root[3] = j->ctx; root[4] = j->fut;
    Value prev = j->ctx == UNDEF ? UNDEF : context_enter(vm, j->ctx);
    Value r = prev == ERR ? ERR
                          : op_call_tuple(vm, j->fn, AS(ObjTuple, j->args),
                                          j->kwargs == UNDEF ? NULL : AS(ObjDict, j->kwargs));
    if (j->ctx != UNDEF && prev != ERR) context_exit(vm, prev);
    if (r == ERR) {
        Value e = vm->exc;
        vm->exc = UNDEF;
        deliver(vm, j->fut, e, true);
    } else {
        deliver(vm, j->fut, r, false);
    }
    vm_pop_roots(vm, 5);
}

static void set_idle(VM *vm, bool idle) {
    vm->ts->idle = idle;
    vm->gil->nbusy += idle ? -1 : 1;
}

static void worker(VM *vm, void *arg) {
    (void)arg;
    Pool *p = vm->pool;
    for (;;) {
        set_idle(vm, true);
        ThreadState *ts = gil_release(vm);
        uv_mutex_lock(&p->mu);
        p->idle++;
        while (!p->len && !p->stopping) uv_cond_wait(&p->work, &p->mu);
        if (p->idle > 0) p->idle--;
        bool stop = !p->len;
        uv_mutex_unlock(&p->mu);
        gil_acquire(vm, ts);
        set_idle(vm, false);
        if (stop) break;
        Job j;
        uv_mutex_lock(&p->mu);
        bool got = pop(p, &j);
        uv_mutex_unlock(&p->mu);
        if (got) run_job(vm, &j);
    }
    uv_mutex_lock(&p->mu);
    bool last = --p->nthreads == 0;
    uv_cond_broadcast(&p->ended);
    uv_mutex_unlock(&p->mu);
    if (last && p->stopped != UNDEF) {
        deliver(vm, p->stopped, NONE_VAL, false);
        p->stopped = UNDEF;
    }
    if (last) p->stopping = false;     /* the next submit starts afresh */
}

bool pool_submit(VM *vm, Value fn, ObjTuple *args, ObjDict *kwargs, Value ctx, Future *fut) {
    Pool *p = get_pool(vm);
    Sched *s = sched_get(vm);
    if (!p || !s) return false;
    if (p->stopping) {
        exc_raise(vm, E_RuntimeError, "cannot schedule new futures after shutdown");
        return false;
    }
    Job j = {fn, obj_val(args), kwargs ? obj_val(kwargs) : UNDEF, ctx, obj_val(fut)};
    uv_mutex_lock(&p->mu);
    bool ok = push(p, j), spawn = false;
    if (ok) {
        if (p->idle > 0) p->idle--;
        else spawn = p->nthreads < p->max;
        if (spawn) p->nthreads++;
        uv_cond_signal(&p->work);
    }
    uv_mutex_unlock(&p->mu);
    if (!ok) {
        exc_nomem(vm);
        return false;
    }
    s->external++;
    if (spawn && !thread_start(vm, worker, NULL, UNDEF, NULL)) {
        uv_mutex_lock(&p->mu);
        p->nthreads--;
        uv_mutex_unlock(&p->mu);
        /* Others may still take the job; with none, it is lost: say so. */
        if (p->nthreads > 0) vm->exc = UNDEF;
        else {
            Job dropped;
            uv_mutex_lock(&p->mu);
            pop(p, &dropped);
            uv_mutex_unlock(&p->mu);
            s->external--;
            return false;
        }
    }
    return true;
}

bool pool_shutdown(VM *vm, Future *fut) {
    Pool *p = vm->pool;
    if (!p || p->nthreads == 0) {
        if (p) p->stopping = false;
        return !fut || future_set_result(vm, fut, NONE_VAL);
    }
    if (fut) {
        p->stopped = obj_val(fut);
        vm->sched->external++;
    }
    uv_mutex_lock(&p->mu);
    p->stopping = true;
    uv_cond_broadcast(&p->work);
    uv_mutex_unlock(&p->mu);
    return true;
}

void pool_shutdown_all(VM *vm) {
    Pool *p = vm->pool;
    if (!p || p->nthreads == 0) return;
    pool_shutdown(vm, NULL);
    ThreadState *ts = gil_release(vm);
    uv_mutex_lock(&p->mu);
    while (p->nthreads > 0) uv_cond_wait(&p->ended, &p->mu);
    uv_mutex_unlock(&p->mu);
    gil_acquire(vm, ts);
}

void pool_mark(VM *vm) {
    Pool *p = vm->pool;
    if (!p) return;
    for (size_t i = 0; i < p->len; i++) {
        Job *j = &p->jobs[(p->head + i) % p->cap];
        gc_mark_value(vm, j->fn); gc_mark_value(vm, j->args); gc_mark_value(vm, j->kwargs);
        gc_mark_value(vm, j->ctx); gc_mark_value(vm, j->fut);
    }
    gc_mark_value(vm, p->stopped);
}

void pool_free(VM *vm) {
    Pool *p = vm->pool;
    if (!p) return;
    uv_mutex_destroy(&p->mu);
    uv_cond_destroy(&p->work);
    uv_cond_destroy(&p->ended);
    free(p->jobs);
    free(p);
    vm->pool = NULL;
}

void pool_after_fork(VM *vm) {
    Pool *p = vm->pool;
    if (!p) return;
    uv_mutex_init(&p->mu);
    uv_cond_init(&p->work);
    uv_cond_init(&p->ended);
    p->len = p->head = 0;
    p->nthreads = p->idle = 0;
    p->stopping = false;
    p->stopped = UNDEF;
}
