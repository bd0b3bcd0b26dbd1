/* The interpreter lock and the thread states (see gil.h). */
#include "gil.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exc.h"
#include "gc.h"
#include "interp.h"

#define SWITCH_INTERVAL_NS 5000000u
#define INTERRUPT_SLICE_NS 20000000u    /* how often a waiting main thread looks for Ctrl-C */

static uint64_t self_ident(void) { return (uint64_t)pthread_self(); }
static long self_native_id(void) { return (long)syscall(SYS_gettid); }

static void save(VM *vm, ThreadState *ts) {
    ts->fiber = vm->fiber;
    ts->exc = vm->exc;
    ts->context = vm->context;
    ts->c_depth = vm->c_depth;
    ts->nroots = vm->nroots;
    ts->repr_active = vm->repr_active;
    ts->nrepr = vm->nrepr;
    ts->reprcap = vm->reprcap;
}

static void load(VM *vm, ThreadState *ts) {
    vm->ts = ts;
    vm->fiber = ts->fiber;
    vm->exc = ts->exc;
    vm->context = ts->context;
    vm->c_depth = ts->c_depth;
    vm->roots = ts->roots;
    vm->nroots = ts->nroots;
    vm->repr_active = ts->repr_active;
    vm->nrepr = ts->nrepr;
    vm->reprcap = ts->reprcap;
}

bool gil_init(VM *vm) {
    Gil *g = calloc(1, sizeof *g);
    ThreadState *ts = g ? calloc(1, sizeof *ts) : NULL;
    if (!ts) { free(g); return false; }
    uv_mutex_init(&g->mu);
    uv_cond_init(&g->cond);
    uv_cond_init(&g->switched);
    uv_cond_init(&g->notified);
    g->locked = true;
    g->interval_ns = SWITCH_INTERVAL_NS;
    ts->vm = vm;
    ts->gil = g;
    ts->main = true;
    ts->exc = ts->context = ts->payload = UNDEF;
    ts->ident = self_ident();
    ts->native_id = self_native_id();
    g->threads = ts;
    vm->gil = g;
    vm->ts = ts;
    vm->roots = ts->roots;
    return true;
}

/* VMs left to their daemon threads, on a process-wide list: the one global
 * variable (DESIGN decision 8 otherwise holds), there only so that leak
 * checkers count that memory as still reachable rather than lost. */
static struct Abandoned { struct Abandoned *next; VM *vm; } *abandoned;

bool gil_abandon(VM *vm) {
    Gil *g = vm->gil;
    if (!g || g->nthreads == 0) return false;
    struct Abandoned *a = malloc(sizeof *a);
    if (a) {
        a->vm = vm;
        a->next = __atomic_exchange_n(&abandoned, a, __ATOMIC_ACQ_REL);
    }
    /* Threads are still alive (daemons), blocked in natives or waiting for
     * the lock: the VM stays theirs, and one that gets the lock exits. */
    uv_mutex_lock(&g->mu);
    g->finalizing = true;
    uv_cond_broadcast(&g->cond);
    uv_mutex_unlock(&g->mu);
    return true;
}

void gil_free(VM *vm) {
    Gil *g = vm->gil;
    if (!g) return;
    uv_mutex_destroy(&g->mu);
    uv_cond_destroy(&g->cond);
    uv_cond_destroy(&g->switched);
    uv_cond_destroy(&g->notified);
    free(vm->ts);
    free(g);
    vm->gil = NULL;
}

/* ---- taking and dropping the lock ---------------------------------------- */

uint64_t gil_main_waited(Gil *g, uint64_t now) {
    uint64_t start = __atomic_load_n(&g->main_wait_start, __ATOMIC_RELAXED);
    uint64_t total = __atomic_load_n(&g->main_wait_total, __ATOMIC_RELAXED);
    return total + (start && now > start ? now - start : 0);
}

/* Takes the lock (g->mu held). */
static void take(Gil *g, ThreadState *ts) {
    VM *vm = ts->vm;
    uint64_t start = 0;
    if (ts->main && g->locked) {
        start = uv_hrtime();
        __atomic_store_n(&g->main_wait_start, start, __ATOMIC_RELAXED);
    }
    g->waiting++;
    while (g->locked && !g->finalizing) {
        uint64_t before = g->switches;
        int r = uv_cond_timedwait(&g->cond, &g->mu, g->interval_ns);
        if (r == UV_ETIMEDOUT && g->locked && g->switches == before && !g->finalizing) {
            /* The holder has had its interval: ask it to yield. */
            vm_signal_set(vm, SIG_GIL_DROP);
        }
    }
    g->waiting--;
    if (start) {
        __atomic_store_n(&g->main_wait_total, g->main_wait_total + (uv_hrtime() - start), __ATOMIC_RELAXED);
        __atomic_store_n(&g->main_wait_start, 0, __ATOMIC_RELAXED);
    }
    if (g->finalizing) {
        uv_mutex_unlock(&g->mu);
        pthread_exit(NULL);
    }
    g->locked = true;
    g->switches++;
    uv_cond_broadcast(&g->switched);
}

static void drop(Gil *g) {
    g->locked = false;
    uv_cond_signal(&g->cond);
}

ThreadState *gil_release(VM *vm) {
    Gil *g = vm->gil;
    if (!g->multi) return NULL;
    ThreadState *ts = vm->ts;
    save(vm, ts);
    uv_mutex_lock(&g->mu);
    drop(g);
    uv_mutex_unlock(&g->mu);
    return ts;
}

void gil_acquire(VM *vm, ThreadState *ts) {
    (void)vm;
    if (!ts) return;
    Gil *g = ts->gil;
    uv_mutex_lock(&g->mu);
    take(g, ts);
    uv_mutex_unlock(&g->mu);
    /* The request was for the previous holder. */
    vm_signal_clear(ts->vm, SIG_GIL_DROP);
    load(ts->vm, ts);
}

void gil_notify(VM *vm) {
    Gil *g = vm->gil;
    if (!g->multi) return;
    uv_mutex_lock(&g->mu);
    g->notices++;
    uv_cond_broadcast(&g->notified);
    uv_mutex_unlock(&g->mu);
}

/* Releases the lock and takes it back: after another thread has had it
 * (gil_yield's forced switch), or after a holder's gil_notify. */
static void release_until(VM *vm, bool notice) {
    Gil *g = vm->gil;
    ThreadState *ts = vm->ts;
    if (!g->multi) return;
    save(vm, ts);
    uv_mutex_lock(&g->mu);
    drop(g);
    if (notice) {
        /* The mutex is held from the release to the wait, so a notice
         * given by the next holder cannot be missed. */
        uint64_t seen = g->notices;
        while (g->notices == seen && !g->finalizing) uv_cond_wait(&g->notified, &g->mu);
    } else if (g->waiting > 0) {
        /* A forced switch: do not take the lock back before another thread
         * has had it, or the fastest thread would always win. */
        uint64_t before = g->switches;
        while (g->switches == before && !g->finalizing) uv_cond_wait(&g->switched, &g->mu);
    }
    take(g, ts);
    uv_mutex_unlock(&g->mu);
    vm_signal_clear(vm, SIG_GIL_DROP);
    load(vm, ts);
}

void gil_yield(VM *vm) { release_until(vm, false); }
void gil_wait_notified(VM *vm) { release_until(vm, true); }

int gil_cond_wait(VM *vm, bool main, uv_cond_t *cond, uv_mutex_t *mu, uint64_t deadline) {
    if (!main && !deadline) {
        uv_cond_wait(cond, mu);
        return 0;
    }
    uint64_t now = uv_hrtime();
    if (deadline && now >= deadline) return 1;
    uint64_t wait = deadline ? deadline - now : UINT64_MAX;
    if (main && wait > INTERRUPT_SLICE_NS) wait = INTERRUPT_SLICE_NS;
    int r = uv_cond_timedwait(cond, mu, wait);
    if (main && (__atomic_load_n(&vm->signals, __ATOMIC_RELAXED) & (SIG_INTERRUPT | SIG_HANDLER))) return 2;
    if (r == UV_ETIMEDOUT && deadline && uv_hrtime() >= deadline) return 1;
    return 0;
}

/* ---- thread states ---------------------------------------------------------- */

ThreadState *thread_state_new(VM *vm) {
    Gil *g = vm->gil;
    ThreadState *ts = calloc(1, sizeof *ts);
    Fiber *f = ts ? fiber_new(vm) : NULL;
    if (!f) {
        free(ts);
        exc_nomem(vm);
        return NULL;
    }
    ts->vm = vm;
    ts->gil = g;
    ts->fiber = f;
    ts->exc = ts->context = ts->payload = UNDEF;
    ts->next = g->threads;
    g->threads = ts;
    g->nthreads++;
    g->nbusy++;
    g->multi = true;
    return ts;
}

static void unlink_state(VM *vm, ThreadState *ts) {
    Gil *g = vm->gil;
    for (ThreadState **p = &g->threads; *p; p = &(*p)->next) {
        if (*p == ts) { *p = ts->next; break; }
    }
    g->nthreads--;
    if (!ts->idle) g->nbusy--;
}

void thread_state_discard(VM *vm, ThreadState *ts) {
    unlink_state(vm, ts);
    fiber_free(vm, ts->fiber);
    free(ts);
}

void thread_state_exit(VM *vm) {
    Gil *g = vm->gil;
    ThreadState *ts = vm->ts;
    unlink_state(vm, ts);
    fiber_free(vm, vm->fiber);
    free(vm->repr_active);
    free(ts);
    vm->repr_active = NULL;
    vm->nrepr = vm->reprcap = 0;
    vm->ts = NULL;
    vm->fiber = NULL;
    vm->exc = UNDEF;
    uv_mutex_lock(&g->mu);
    drop(g);
    uv_mutex_unlock(&g->mu);
}

void gil_mark(VM *vm) {
    for (ThreadState *ts = vm->gil->threads; ts; ts = ts->next) {
        gc_mark_value(vm, ts->payload);
        if (ts == vm->ts) continue;     /* its fields are the VM's */
        gc_mark_value(vm, ts->exc);
        gc_mark_value(vm, ts->context);
        for (int i = 0; i < ts->nroots; i++) gc_mark_value(vm, ts->roots[i]);
    }
}

void gil_after_fork(VM *vm) {
    Gil *g = vm->gil;
    ThreadState *self = vm->ts;
    /* The other threads did not come along: their states go (their fibers
     * stay on the collector's list, unreachable work that never resumes). */
    ThreadState *ts = g->threads;
    while (ts) {
        ThreadState *next = ts->next;
        if (ts != self) free(ts);
        ts = next;
    }
    self->next = NULL;
    self->main = true;
    self->ident = self_ident();
    self->native_id = self_native_id();
    g->threads = self;
    g->nthreads = g->nbusy = 0;
    g->waiting = 0;
    g->locked = true;
    uv_mutex_init(&g->mu);
    uv_cond_init(&g->cond);
    uv_cond_init(&g->switched);
    uv_cond_init(&g->notified);
    vm_signal_clear(vm, SIG_GIL_DROP);
}
