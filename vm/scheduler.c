/* The scheduler (see scheduler.h). */
#include "scheduler.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../stdlib/contextvars.h"
#include "async_format.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "finalize.h"
#include "func.h"
#include "gc.h"
#include "gen.h"
#include "gil.h"
#include "ops.h"
#include "str.h"

/* ---- creation and teardown --------------------------------------------- */

static ObjClass *new_exception(VM *vm, const char *name, ObjClass *base) {
    ObjStr *n = str_intern_cstr(vm, name);
    ObjTuple *bases = n ? tuple_from(vm, (Value[]){obj_val(base)}, 1) : NULL;
    ObjDict *ns = bases ? dict_new(vm) : NULL;
    Value mod = ns ? str_from_cstr(vm, "asyncio.exceptions") : ERR;
    if (mod == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), mod) < 0) return NULL;
    Value c = class_new(vm, n, bases, ns);
    return c == ERR ? NULL : AS(ObjClass, c);
}

Sched *sched_get(VM *vm) {
    if (vm->sched) return vm->sched;
    Sched *s = calloc(1, sizeof *s);
    if (!s) { exc_nomem(vm); return NULL; }
    s->loop = s->report_loop = s->sync_fallbacks = s->fmt_callback = s->fmt_short = UNDEF;
    s->item.a = s->item.b = s->item.c = UNDEF;
    s->uv = malloc(sizeof *s->uv);
    if (!s->uv || uv_loop_init(s->uv) != 0) {
        free(s->uv);
        free(s);
        exc_raise(vm, E_OSError, "cannot create the event loop");
        return NULL;
    }
    s->own_uv = true;
    uv_timer_init(s->uv, &s->timer);
    uv_async_init(s->uv, &s->wakeup, NULL);
    uv_unref((uv_handle_t *)&s->wakeup);     /* it never keeps the loop alive */
    uv_mutex_init(&s->wd_lock);
    uv_cond_init(&s->wd_cond);
    vm->sched = s;
    if (!future_init_classes(vm) || !task_init_class(vm)) return NULL;
    s->cancelled_error = new_exception(vm, "CancelledError", vm->exc_types[E_BaseException]);
    s->invalid_state_error = s->cancelled_error ? new_exception(vm, "InvalidStateError", vm->exc_types[E_Exception]) : NULL;
    return s->invalid_state_error ? s : NULL;
}

static void report_left(VM *vm);
static void io_close_all(VM *vm);

void sched_free(VM *vm) {
    Sched *s = vm->sched;
    if (!s) return;
    report_left(vm);
    io_close_all(vm);
    uv_close((uv_handle_t *)&s->timer, NULL);
    uv_close((uv_handle_t *)&s->wakeup, NULL);
    uv_run(s->uv, UV_RUN_NOWAIT);
    if (s->own_uv) {
        uv_loop_close(s->uv);
        free(s->uv);
    }
    runq_free(&s->ready);
    timers_free(&s->timers);
    uv_mutex_destroy(&s->wd_lock);
    uv_cond_destroy(&s->wd_cond);
    free(s->logged);
    free(s->report);
    free(s->orphans);
    free(s->agens);
    free(s);
    vm->sched = NULL;
}

#define MARK(p) gc_mark_obj(vm, (Obj *)(p))

void sched_mark(VM *vm) {
    Sched *s = vm->sched;
    if (!s) return;
    for (size_t i = 0; i < s->ready.len; i++) {
        RunItem *it = runq_at(&s->ready, i);
        gc_mark_value(vm, it->a); gc_mark_value(vm, it->b); gc_mark_value(vm, it->c);
    }
    for (size_t i = 0; i < s->timers.len; i++) {
        gc_mark_value(vm, s->timers.items[i].a);
        gc_mark_value(vm, s->timers.items[i].b);
    }
    for (Task *t = s->tasks; t; t = t->next) MARK(t);
    for (IoWatch *w = s->io_open; w; w = w->next) MARK(w->owner);
    for (size_t i = 0; i < s->nreport; i++) MARK(s->report[i]);
    for (size_t i = 0; i < s->nagens; i++)
        if (s->agens[i]->ag_hooked == AG_ORPHAN) MARK(s->agens[i]);
    gc_mark_value(vm, s->item.a); gc_mark_value(vm, s->item.b); gc_mark_value(vm, s->item.c);
    gc_mark_value(vm, s->loop);
    gc_mark_value(vm, s->report_loop);
    gc_mark_value(vm, s->fmt_callback);
    gc_mark_value(vm, s->fmt_short);
    MARK(s->current);
    MARK(s->main_task);
    MARK(s->block_code);
    MARK(s->future_cls); MARK(s->task_cls); MARK(s->gather_cls); MARK(s->loop_cls);
    MARK(s->handle_cls); MARK(s->timer_handle_cls);
    MARK(s->tcp_conn_cls); MARK(s->tcp_listener_cls); MARK(s->resolve_cls); MARK(s->fd_watch_cls); MARK(s->proc_cls);
    MARK(s->cancelled_error); MARK(s->invalid_state_error);
    MARK(s->op_cls); MARK(s->queue_empty); MARK(s->queue_full); MARK(s->core_name);
    for (int i = 0; i < 3; i++) MARK(s->core_cls[i]);
    for (int i = 0; i < 5; i++) MARK(s->sync_cls[i]);
    gc_mark_value(vm, s->sync_fallbacks);
    for (int i = 0; i < s->nop_pool; i++) MARK(s->op_pool[i]);
}

/* ---- unretrieved exceptions -------------------------------------------- */

static bool grow(Future ***arr, size_t *cap, size_t need) {
    if (need <= *cap) return true;
    size_t n = *cap ? *cap * 2 : 16;
    Future **p = realloc(*arr, n * sizeof *p);
    if (!p) return false;
    *arr = p;
    *cap = n;
    return true;
}

void sched_log_exception(VM *vm, Future *f) {
    Sched *s = vm->sched;
    if ((f->obj.flags & FUT_LISTED) || !grow(&s->logged, &s->logcap, s->nlogged + 1)) return;
    f->obj.flags |= FUT_LISTED;
    s->logged[s->nlogged++] = f;
}

void sched_before_sweep(VM *vm) {
    Sched *s = vm->sched;
    if (!s) return;
    size_t n = 0;
    for (size_t i = 0; i < s->nlogged; i++) {
        Future *f = s->logged[i];
        if (!(f->obj.flags & FUT_LOG_TB)) {
            if (f->obj.marked) f->obj.flags &= ~FUT_LISTED;
            continue;   /* retrieved: off the list (and free to go) */
        }
        if (!f->obj.marked) {
            /* Unreachable with its exception unseen: keep it one more cycle
             * to say so. */
            if (!grow(&s->report, &s->reportcap, s->nreport + 1)) continue;
            MARK(f);
            s->report[s->nreport++] = f;
            continue;
        }
        s->logged[n++] = f;
    }
    s->nlogged = n;
    /* A pending task that dies is reported as asyncio's Task.__del__ does. */
    n = 0;
    for (size_t i = 0; i < s->norphans; i++) {
        Future *t = s->orphans[i];
        if (fut_done(t)) continue;
        if (t->obj.marked) {
            s->orphans[n++] = t;
            continue;
        }
        if (!grow(&s->report, &s->reportcap, s->nreport + 1)) continue;
        MARK(t);
        s->report[s->nreport++] = t;
    }
    s->norphans = n;
}

static void write_str(VM *vm, const char *text) { vm_write(vm, 2, text, strlen(text)); }

static bool fatal(VM *vm, Value e);

typedef struct { ObjStr *key; Value value; } CtxEntry;

static int entry_order(const void *a, const void *b) {
    return strcmp(((const CtxEntry *)a)->key->data, ((const CtxEntry *)b)->key->data);
}

/* The loop's default exception handler, as asyncio's: the message, then
 * "key: repr(value)" for the context's other entries in key order, then
 * the exception's traceback, on stderr. */
/* A program that imported logging may have configured it (basicConfig,
 * a level on the 'asyncio' logger): then asyncio's reports go through that
 * logger, as CPython's always do; asyncio.asy's _log_report decides and
 * logs, true when it did. */
static bool report_via_logging(VM *vm, ObjDict *ctx) {
    if (!vm->modules || dict_get_str(vm->modules, str_intern_cstr(vm, "logging")) == UNDEF) return false;
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "asyncio"));
    if (!is_kind(mod, OBJ_MODULE)) return false;
    Value fn = op_getattr_opt(vm, mod, str_intern_cstr(vm, "_log_report"));
    if (fn == ERR || fn == UNDEF) return false;
    Value r = op_call(vm, fn, (Value[]){obj_val(ctx)}, 1, NULL);
    return r == TRUE_VAL;
}

void sched_default_report(VM *vm, ObjDict *ctx) {
    Value saved = vm->exc;
    if (!vm_push_root(vm, obj_val(ctx))) return;     /* reprs below run code */
    vm->exc = UNDEF;
    if (report_via_logging(vm, ctx)) {
        vm_pop_roots(vm, 1);
        vm->exc = saved;
        return;
    }
    vm->exc = saved;
    StrBuf b = SB_INIT;
    Value msg = dict_get_str(ctx, str_intern_cstr(vm, "message"));
    if (is_str(msg) && AS(ObjStr, msg)->len) sb_adds(&b, AS(ObjStr, msg)->data);
    else sb_adds(&b, "Unhandled exception in event loop");
    sb_addc(&b, '\n');
    CtxEntry extra[16];
    int n = 0;
    int64_t pos = 0;
    Value k, v;
    while (n < 16 && dict_next(ctx, &pos, &k, &v)) {
        if (!is_str(k) || !strcmp(AS(ObjStr, k)->data, "message") || !strcmp(AS(ObjStr, k)->data, "exception")) continue;
        extra[n++] = (CtxEntry){AS(ObjStr, k), v};
    }
    qsort(extra, (size_t)n, sizeof extra[0], entry_order);
    /* The reprs run code that could change the dict: hold the values. */
    ObjTuple *held = tuple_new(vm, n);
    if (!held || !vm_push_root(vm, obj_val(held))) {
        sb_free(&b);
        vm_pop_roots(vm, 1);
        vm->exc = saved;
        return;
    }
    for (int i = 0; i < n; i++) held->items[i] = extra[i].value;
    for (int i = 0; i < n; i++) {
        sb_addf(&b, "%s: ", extra[i].key->data);
        if (!op_repr_to(vm, extra[i].value, &b)) { vm->exc = saved; sb_adds(&b, "<?>"); }
        sb_addc(&b, '\n');
    }
    Value exc = dict_get_str(ctx, str_intern_cstr(vm, "exception"));
    if (is_kind(exc, OBJ_EXC)) exc_format(vm, exc, &b);
    char *text = sb_take(&b);
    if (text) write_str(vm, text);
    free(text);
    vm_pop_roots(vm, 2);
    vm->exc = saved;
}

/* A dict of the given entries (those that are not UNDEF), or NULL. */
static ObjDict *report_context(VM *vm, const char *message, Value exc, const char *key, Value what) {
    ObjDict *ctx = dict_new(vm);
    if (!ctx || !vm_push_root(vm, obj_val(ctx))) return NULL;
    Value msg = str_from_cstr(vm, message);
    bool ok = msg != ERR && dict_set_str(vm, ctx, str_intern_cstr(vm, "message"), msg) == 0;
    if (ok && exc != UNDEF) ok = dict_set_str(vm, ctx, str_intern_cstr(vm, "exception"), exc) == 0;
    if (ok && what != UNDEF) ok = dict_set_str(vm, ctx, str_intern_cstr(vm, key), what) == 0;
    vm_pop_roots(vm, 1);
    return ok ? ctx : NULL;
}

/* The handler loop.set_exception_handler() gave the loop that is running,
 * or that ran last (a task freed after asyncio.run() still reports to its
 * loop's handler, as in CPython), or UNDEF for the default one. */
static Value report_handler(VM *vm, Value *loop) {
    Sched *s = vm->sched;
    *loop = s->loop != UNDEF ? s->loop : s->report_loop;
    if (*loop == UNDEF) return UNDEF;
    Value saved = vm->exc;
    Value h = op_getattr_opt(vm, *loop, str_intern_cstr(vm, "_exception_handler"));
    vm->exc = saved;
    return h == ERR || h == NONE_VAL ? UNDEF : h;
}

/* loop.call_exception_handler(context) for the scheduler's own reports:
 * the loop's handler, else the default one. */
void sched_report(VM *vm, const char *message, Value exc, const char *key, Value what) {
    Value saved = vm->exc;
    ObjDict *ctx = report_context(vm, message, exc, key, what);
    if (!ctx) {         /* out of memory: say what we can */
        vm->exc = saved;
        write_str(vm, message);
        write_str(vm, "\n");
        return;
    }
    if (!vm_push_root(vm, obj_val(ctx))) return;
    Value loop, handler = report_handler(vm, &loop);
    if (handler == UNDEF) {
        sched_default_report(vm, ctx);
        vm_pop_roots(vm, 1);
        return;
    }
    Value r = op_call(vm, handler, (Value[]){loop, obj_val(ctx)}, 2, NULL);
    if (r == ERR && !fatal(vm, vm->exc)) {
        /* As asyncio: the handler's own error, with the context it got. */
        Value e = vm->exc;
        vm->exc = UNDEF;
        ObjDict *outer = report_context(vm, "Unhandled error in exception handler", e, "context", obj_val(ctx));
        if (outer) sched_default_report(vm, outer);
    }
    vm_pop_roots(vm, 1);
    vm->exc = saved;
}

/* A task freed while pending. Collected, its coroutine is closed first,
 * as CPython's collector mostly finalizes it before the task. */
static void report_destroyed(VM *vm, Task *t, bool close_coro) {
    if (close_coro && is_kind(t->coro, OBJ_GEN) && AS(ObjGen, t->coro)->state == GEN_SUSPENDED &&
        gen_close(vm, AS(ObjGen, t->coro)) < 0)
        exc_report_unraisable(vm, "Exception ignored in: ", t->coro);
    sched_report(vm, "Task was destroyed but it is pending!", UNDEF, "task", obj_val(t));
}

static void report_one(VM *vm, Future *f) {
    if (!fut_done(f)) {
        report_destroyed(vm, (Task *)f, true);
        return;
    }
    if (!(f->obj.flags & FUT_LOG_TB)) return;
    f->obj.flags &= ~(FUT_LOG_TB | FUT_LISTED);
    bool task = is_task(obj_val(f));
    sched_report(vm, task ? "Task exception was never retrieved" : "Future exception was never retrieved", f->result,
                 "future", obj_val(f));
}

void sched_flush_reports(VM *vm) {
    Sched *s = vm->sched;
    while (s->nreport) report_one(vm, s->report[--s->nreport]);
}

/* At the end, whatever still holds an unseen exception is reported too,
 * and the tasks loop.close() left pending, as their destruction is. */
static void report_left(VM *vm) {
    Sched *s = vm->sched;
    sched_flush_reports(vm);
    s->report_loop = UNDEF;     /* at exit, the default handler */
    for (size_t i = 0; i < s->nlogged; i++) report_one(vm, s->logged[i]);
    s->nlogged = 0;
    for (size_t i = 0; i < s->norphans; i++) {
        if (!fut_done(s->orphans[i])) report_one(vm, s->orphans[i]);
    }
    s->norphans = 0;
}

void sched_report_pending(VM *vm) {
    Sched *s = vm->sched;
    if (!s || s->running) return;
    for (Task *t = s->tasks; t; t = t->next) report_destroyed(vm, t, false);
}

/* ---- handles ----------------------------------------------------------- */

Handle *sched_handle_new(VM *vm, ObjClass *cls, Value fn, Value args, Value ctx, double when) {
    if (!is_kind(args, OBJ_TUPLE)) {
        exc_raise(vm, E_TypeError, "handle arguments must be a tuple");
        return NULL;
    }
    if (ctx == NONE_VAL) {
        ctx = context_copy_current(vm);     /* as asyncio's Handle */
        if (ctx == ERR) return NULL;
    }
    Handle *h = gc_new(vm, sizeof(Handle), OBJ_CDATA, cls);
    if (!h) return NULL;
    h->fn = fn;
    h->args = args;
    h->ctx = ctx;
    h->when = when;
    return h;
}

/* ---- queues ------------------------------------------------------------ */

double sched_time(void) { return (double)uv_hrtime() / 1e9; }

bool sched_push(VM *vm, RunKind kind, Value a, Value b, Value c) {
    if (runq_push(&vm->sched->ready, (RunItem){a, b, c, kind})) return true;
    exc_nomem(vm);
    return false;
}

bool sched_timer(VM *vm, double when, RunKind kind, Value a, Value b) {
    if (timers_push(&vm->sched->timers, when, a, b, kind)) return true;
    exc_nomem(vm);
    return false;
}

static bool timer_dead(const Timer *t) {
    if (t->kind == RUN_RESULT) return fut_done((Future *)as_obj(t->a));
    if (t->kind == RUN_HANDLE) return (as_obj(t->a)->flags & HANDLE_CANCELLED) != 0;
    return false;
}

static bool timer_alive(const Timer *t, void *ctx) {
    (void)ctx;
    return !timer_dead(t);
}

void sched_timer_cancelled(VM *vm) { vm->sched->timers_dead++; }

/* As asyncio's _run_once begins: a heap of more than 100 timers, most of
 * them cancelled, is rebuilt without those; otherwise the cancelled ones
 * at its top go. (The heap's shape decides the order of equal deadlines.) */
static void drop_cancelled_timers(VM *vm) {
    Sched *s = vm->sched;
    if (!s->timers_dead) return;
    if (s->timers.len > 100 && s->timers_dead * 2 > s->timers.len) {
        timers_filter(&s->timers, timer_alive, NULL);
        s->timers_dead = 0;
        return;
    }
    Timer *top;
    while ((top = timers_top(&s->timers)) && timer_dead(top)) {
        Timer t;
        timers_pop(&s->timers, &t);
        if (t.kind == RUN_HANDLE) as_obj(t.a)->flags &= ~HANDLE_IN_HEAP;
        if (s->timers_dead) s->timers_dead--;
    }
}

void sched_task_started(VM *vm, Task *t) {
    Sched *s = vm->sched;
    t->next = s->tasks;
    if (s->tasks) s->tasks->prev = t;
    s->tasks = t;
    s->ntasks++;
}

void sched_task_done(VM *vm, Task *t) {
    Sched *s = vm->sched;
    if (t->prev) t->prev->next = t->next;
    else if (s->tasks == t) s->tasks = t->next;
    else return;    /* not on the list */
    if (t->next) t->next->prev = t->prev;
    t->prev = t->next = NULL;
    s->ntasks--;
}

/* ---- I/O handles ------------------------------------------------------- */

void sched_io_open(VM *vm, IoWatch *w, const IoOps *ops, Obj *owner, uv_handle_t *handle) {
    Sched *s = vm->sched;
    w->ops = ops;
    w->owner = owner;
    w->sched = s;
    w->handle = handle;
    if (handle) handle->data = w;
    w->queued = w->closing = w->closed = false;
    w->prev = NULL;
    w->next = s->io_open;
    if (s->io_open) s->io_open->prev = w;
    s->io_open = w;
}

void sched_io_forget(VM *vm, IoWatch *w) {
    Sched *s = vm->sched;
    if (w->prev) w->prev->next = w->next;
    else if (s->io_open == w) s->io_open = w->next;
    if (w->next) w->next->prev = w->prev;
    w->prev = w->next = NULL;
}

static void io_closed_cb(uv_handle_t *h) {
    IoWatch *w = h->data;
    w->closed = true;
    sched_io_event(w->sched, w);
}

void sched_io_close(IoWatch *w) {
    if (w->closing) return;
    w->closing = true;
    uv_close(w->handle, io_closed_cb);
}

/* After a poll: hands the events libuv recorded to their owners, in the
 * order they came. */
static void io_dispatch(VM *vm) {
    Sched *s = vm->sched;
    IoWatch *list = NULL;
    while (s->io_events) {
        IoWatch *w = s->io_events;
        s->io_events = w->next_event;
        w->next_event = list;
        list = w;
    }
    while (list) {
        IoWatch *w = list;
        list = w->next_event;
        w->queued = false;
        w->ops->dispatch(vm, w);
        if (w->closed) sched_io_forget(vm, w);
    }
}

/* Closes every open handle and waits for libuv to let go of them: close
 * callbacks run in the next loop iteration, and a name lookup that a
 * thread has started cannot be cancelled, only waited for (UV_RUN_ONCE
 * blocks only while such a request is out). */
static void io_close_all(VM *vm) {
    Sched *s = vm->sched;
    for (int round = 0; s->io_open && round < 1000; round++) {
        for (IoWatch *w = s->io_open; w; w = w->next) {
            if (w->ops->close) w->ops->close(vm, w);
            else sched_io_close(w);
        }
        uv_run(s->uv, UV_RUN_ONCE);
        io_dispatch(vm);
    }
}

void sched_reset(VM *vm) {
    Sched *s = vm->sched;
    Value exc = vm->exc;
    vm->exc = UNDEF;
    io_close_all(vm);
    vm->exc = exc;
    for (size_t i = 0; i < s->ready.len; i++) {
        if (runq_at(&s->ready, i)->kind == RUN_SETTLE) s->external--;
    }
    runq_free(&s->ready);
    timers_free(&s->timers);
    s->timers_dead = 0;
    while (s->tasks) {
        /* No longer roots: reported if they die pending (sched_before_sweep). */
        if (grow(&s->orphans, &s->orphancap, s->norphans + 1)) s->orphans[s->norphans++] = &s->tasks->fut;
        sched_task_done(vm, s->tasks);
    }
}

void sched_after_fork(VM *vm) {
    Sched *s = vm->sched;
    if (!s) return;
    uv_loop_fork(s->uv);
    sched_reset(vm);
    s->norphans = 0;
    s->external = 0;
    s->running = s->stopping = false;
    s->loop_ts = NULL;
    s->loop = UNDEF;
    s->current = s->main_task = NULL;
    s->interrupts = 0;
    s->wd_running = false;      /* the watchdog thread stayed in the parent */
    uv_mutex_init(&s->wd_lock);
    uv_cond_init(&s->wd_cond);
}

/* ---- async generators ------------------------------------------------- */

bool sched_agen_started(VM *vm, ObjGen *g) {
    Sched *s = vm->sched;
    if (!s->running) return true;
    if (s->nagens == s->agencap) {
        size_t cap = s->agencap ? s->agencap * 2 : 16;
        ObjGen **a = realloc(s->agens, cap * sizeof *a);
        if (!a) {
            exc_nomem(vm);
            return false;
        }
        s->agens = a;
        s->agencap = cap;
    }
    s->agens[s->nagens++] = g;
    g->ag_hooked = 1;
    return finalize_agen_hooked(vm, g);
}

void sched_prune_agens(VM *vm) {
    Sched *s = vm->sched;
    if (!s) return;
    size_t n = 0;
    for (size_t i = 0; i < s->nagens; i++) {
        if (s->agens[i]->obj.marked) s->agens[n++] = s->agens[i];
    }
    s->nagens = n;
}

Value sched_take_agens(VM *vm) {
    Sched *s = vm->sched;
    ObjList *out = list_new(vm, 0);
    if (!out) return ERR;
    for (size_t i = 0; i < s->nagens; i++) {
        if (s->agens[i]->state != GEN_DONE && list_append(vm, out, obj_val(s->agens[i])) < 0) return ERR;
    }
    s->nagens = 0;
    return obj_val(out);
}

void sched_agen_finalize(VM *vm, ObjGen *g) {
    Sched *s = vm->sched;
    if (!s->running || s->loop == UNDEF || !s->handle_cls) {
        /* Found unreachable between loops (asyncio.run's main returned,
         * shutdown_asyncgens not yet run: CPython's refcounting would have
         * handed it to the loop's hook already): kept, strongly, for
         * shutdown_asyncgens to close. */
        g->ag_hooked = AG_ORPHAN;
        return;
    }
    /* The hook first forgets it: shutdown_asyncgens will not close it again. */
    size_t n = 0;
    for (size_t i = 0; i < s->nagens; i++) {
        if (s->agens[i] != g) s->agens[n++] = s->agens[i];
    }
    s->nagens = n;
    Value create = op_getattr(vm, s->loop, str_intern_cstr(vm, "create_task"));
    Value aclose = create == ERR ? ERR : op_call_method(vm, obj_val(g), str_intern_cstr(vm, "aclose"), NULL, 0);
    ObjTuple *args = aclose == ERR ? NULL : tuple_from(vm, &aclose, 1);
    Handle *h = args ? sched_handle_new(vm, s->handle_cls, create, obj_val(args), NONE_VAL, NAN) : NULL;
    if (!h || !sched_push(vm, RUN_HANDLE, obj_val(h), UNDEF, UNDEF))
        exc_report_unraisable(vm, "Exception ignored in: ", obj_val(g));
}

/* ---- signals: Ctrl-C and the blocked-loop detector --------------------- */

void sched_wake(VM *vm) {
    if (vm->sched) uv_async_send(&vm->sched->wakeup);     /* async-signal-safe */
}

/* Raises KeyboardInterrupt (whose context is `context`, or UNDEF). */
static Value keyboard_interrupt(VM *vm, Value context) {
    Value e = exc_new(vm, vm->exc_types[E_KeyboardInterrupt], NULL);
    if (e == ERR) return ERR;
    AS(ObjException, e)->context = context;
    return exc_raise_value(vm, e);
}

/* The script's signal handlers, on the main thread (see signal.c). */
static bool run_signal_handlers(VM *vm) {
    vm_signal_clear(vm, SIG_HANDLER);
    return !vm->signal_run || vm->signal_run(vm);
}

bool vm_handle_signals(VM *vm, bool before) {
    if (vm_signals(vm) & SIG_GIL_DROP) gil_yield(vm);
    uint8_t sig = vm_signals(vm);
    Sched *s = vm->sched;
    if (!gil_is_main(vm)) {
        /* Ctrl-C and the watchdog are the main thread's business; let it
         * run if it waits. */
        if (sig & (SIG_INTERRUPT | SIG_BLOCKED | SIG_HANDLER)) gil_yield(vm);
        return true;
    }
    if ((sig & SIG_HANDLER) && !run_signal_handlers(vm)) return false;
    if (sig & SIG_BLOCKED) {
        vm_signal_clear(vm, SIG_BLOCKED);
        Frame *f = vm->fiber ? vm->fiber->frame : NULL;
        if (s && !s->block_code && f && f->ip) {
            s->block_code = f->code;
            /* Lines are looked up by the instruction before an offset. */
            s->block_off = (uint32_t)(f->ip - f->code->ins) + (before ? 1 : 0);
        }
    }
    if (sig & SIG_INTERRUPT) {
        /* In asyncio.run, the first Ctrl-C cancels the main task: the loop
         * does that once the running step gives it control back. */
        if (s && s->running && s->main_task && s->interrupts == 0) return true;
        vm_signal_clear(vm, SIG_INTERRUPT);
        if (s && s->running) s->interrupts++;
        keyboard_interrupt(vm, UNDEF);
        return false;
    }
    return true;
}

/* The loop's side of Ctrl-C, after a poll. */
static bool handle_interrupt(VM *vm) {
    Sched *s = vm->sched;
    vm_signal_clear(vm, SIG_INTERRUPT);
    s->interrupts++;
    if (s->interrupts == 1 && s->main_task && !fut_done(&s->main_task->fut)) {
        task_cancel(vm, s->main_task, NONE_VAL);
        return vm->exc == UNDEF;
    }
    keyboard_interrupt(vm, UNDEF);
    return false;
}

static uint64_t watch_interval(VM *vm) {
    uint64_t ns = (uint64_t)vm->cfg.block_warn_ms * 250000u;    /* a quarter of the threshold */
    return ns < 1000000u ? 1000000u : ns;
}

/* Time the loop thread spent runnable but waiting for a CPU, from Linux's
 * per-thread schedstat (0 where there is none): on a machine busy with
 * other processes a step of a few milliseconds' work can take far longer
 * than the threshold, which is not the running task's doing. */
static uint64_t cpu_waits(long tid) {
#ifdef __linux__
    char path[64], buf[96];
    snprintf(path, sizeof path, "/proc/self/task/%ld/schedstat", tid);
    int fd = tid > 0 ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    unsigned long long ran, waited;
    if (n <= 0) return 0;
    buf[n] = 0;
    return sscanf(buf, "%llu %llu", &ran, &waited) == 2 ? (uint64_t)waited : 0;
#else
    (void)tid;
    return 0;
#endif
}

/* Time the loop thread spent waiting for the interpreter lock while other
 * threads held it, or for a CPU: not the running task's doing. */
static uint64_t lock_waits(VM *vm, uint64_t now) {
    Sched *s = vm->sched;
    uint64_t gil = s->loop_ts && s->loop_ts->main ? gil_main_waited(vm->gil, now) : 0;
    return gil + cpu_waits(__atomic_load_n(&s->loop_tid, __ATOMIC_RELAXED));
}

/* The watchdog thread: it only reads the loop's item counter, polling flag
 * and lock waits, and raises SIG_BLOCKED when an item has run past the
 * threshold. */
static void watchdog_main(void *arg) {
    VM *vm = arg;
    Sched *s = vm->sched;
    uint64_t threshold = (uint64_t)vm->cfg.block_warn_ms * 1000000u, interval = watch_interval(vm);
    uint64_t last = UINT64_MAX, since = 0, waited = 0;
    bool flagged = false;
    uv_mutex_lock(&s->wd_lock);
    while (!s->wd_stop) {
        uv_cond_timedwait(&s->wd_cond, &s->wd_lock, interval);
        if (s->wd_stop) break;
        uint64_t seq = __atomic_load_n(&s->item_seq, __ATOMIC_RELAXED), now = uv_hrtime();
        if (__atomic_load_n(&s->in_poll, __ATOMIC_RELAXED) || seq != last) {
            last = seq;
            since = now;
            waited = lock_waits(vm, now);
            flagged = false;
            continue;
        }
        if (!flagged && now - since - (lock_waits(vm, now) - waited) >= threshold) {
            flagged = true;
            __atomic_store_n(&s->blocked_waited, waited, __ATOMIC_RELAXED);
            __atomic_store_n(&s->blocked_since, since, __ATOMIC_RELAXED);
            vm_signal_set(vm, SIG_BLOCKED);
        }
    }
    uv_mutex_unlock(&s->wd_lock);
}

static void watchdog_start(VM *vm) {
    Sched *s = vm->sched;
    if (vm->cfg.block_warn_ms <= 0 || s->wd_running) return;
    __atomic_store_n(&s->loop_tid, vm->ts ? vm->ts->native_id : 0, __ATOMIC_RELAXED);
    s->wd_stop = false;
    s->wd_running = uv_thread_create(&s->watchdog, watchdog_main, vm) == 0;
}

static void watchdog_stop(VM *vm) {
    Sched *s = vm->sched;
    if (!s->wd_running) return;
    uv_mutex_lock(&s->wd_lock);
    s->wd_stop = true;
    uv_cond_signal(&s->wd_cond);
    uv_mutex_unlock(&s->wd_lock);
    uv_thread_join(&s->watchdog);
    s->wd_running = false;
}

/* After an item that held the loop past the threshold: SPEC 6.2's
 * warning, naming the task, the line it was stuck on and for how long. */
static void report_blocked(VM *vm, RunItem *it) {
    Sched *s = vm->sched;
    uint64_t since = __atomic_exchange_n(&s->blocked_since, 0, __ATOMIC_RELAXED), now = uv_hrtime();
    uint64_t waited = lock_waits(vm, now) - __atomic_load_n(&s->blocked_waited, __ATOMIC_RELAXED);
    vm_signal_clear(vm, SIG_BLOCKED);
    /* The watchdog's view of the CPU waits lags (the kernel counts a wait
     * when it ends), so it may flag a step that waited for a CPU: the loop
     * thread's own count, now, decides. */
    uint64_t ran = now - since > waited ? now - since - waited : 0;
    ran += watch_interval(vm) / 2;
    double secs = (double)ran / 1e9;
    ObjCode *code = s->block_code;
    uint32_t off = s->block_off;
    s->block_code = NULL;
    if (ran < (uint64_t)vm->cfg.block_warn_ms * 1000000u) return;
    Task *t = it->kind == RUN_STEP || it->kind == RUN_WAKEUP ? (Task *)as_obj(it->a) : NULL;
    if (!code && t && is_kind(t->coro, OBJ_GEN)) {
        ObjGen *g = AS(ObjGen, t->coro);
        if (g->state == GEN_SUSPENDED && g->frame) {
            code = g->frame->code;
            off = (uint32_t)(g->frame->ip - code->ins);
        }
    }
    int line = code ? code_line(code, code->ins + off) : 0;
    char key[600];
    snprintf(key, sizeof key, "blocked at %s:%d", code ? code->filename->data : "?", line);
    if (vm_warned_before(vm, key)) return;
    StrBuf b = SB_INIT;
    if (code) sb_addf(&b, "%s:%d: ", code->filename->data, line);
    sb_adds(&b, "RuntimeWarning: ");
    if (t) {
        Value name = task_name(vm, t);
        sb_addf(&b, "task '%s'", name == ERR ? "?" : AS(ObjStr, name)->data);
        if (is_kind(t->coro, OBJ_GEN)) sb_addf(&b, " (coroutine '%s')", AS(ObjGen, t->coro)->qualname->data);
        vm->exc = UNDEF;
    } else {
        sb_adds(&b, "a callback");
    }
    sb_addf(&b, " blocked the event loop for %.2f seconds\n", secs);
    char *text = sb_take(&b);
    if (text) vm_write(vm, 2, text, strlen(text));
    free(text);
    if (code) vm_write_source_line(vm, code->filename->data, line);
    static const char hint[] =
        "  hint: no other task runs while one blocks; await an async version of the call "
        "(asyncio.sleep for time.sleep), or run it in a thread with 'await asyncio.to_thread(...)'\n";
    vm_write(vm, 2, hint, sizeof hint - 1);
}

/* ---- running ----------------------------------------------------------- */

/* The deadline timer stops the poll it ends. Without that, a deadline that
 * passed before libuv polled would fire in uv_run's first timer pass, and
 * with a socket still watched libuv would then poll without a timeout. */
static void wake(uv_timer_t *t) { uv_stop(t->loop); }

/* Blocks in libuv without the interpreter lock: other threads run
 * meanwhile, and what they complete for the loop wakes it (s->wakeup).
 * libuv's callbacks touch no object, so they need no lock. */
static void run_once(VM *vm) {
    ThreadState *ts = gil_release(vm);
    uv_run(vm->sched->uv, UV_RUN_ONCE);
    gil_acquire(vm, ts);
}

/* Whether the program handles a signal in Python (asyncio's
 * add_signal_handler, say), beyond SIGINT's default: one may come and
 * wake the loop (signal.c's handler does), so waiting is no deadlock. */
static bool signal_may_come(VM *vm) {
    if (!is_kind(vm->signal_handlers, OBJ_LIST)) return false;
    ObjList *h = AS(ObjList, vm->signal_handlers);
    for (int64_t i = 1; i < h->len; i++) {
        Value v = h->items[i];
        if (!is_int(v) && v != NONE_VAL && v != h->items[0]) return true;
    }
    return false;
}

/* Polls libuv: without blocking when something is ready, else until the
 * first timer is due or an event comes. False when nothing at all can
 * happen any more while the loop still waits: a deadlock. */
static bool poll_events(VM *vm) {
    Sched *s = vm->sched;
    if (s->ready.len || s->stopping) {     /* (a stopping loop only takes what is there) */
        /* Nothing libuv watches (no active handle or request: no I/O, no
         * thread work): no events to take, so skip the poll and its clock
         * read. (uv_loop_alive would say the same, in a call.) */
        if (s->uv->active_handles || s->uv->active_reqs.count) uv_run(s->uv, UV_RUN_NOWAIT);
        return true;
    }
    Timer *top = timers_top(&s->timers);
    if (top) {
        double delay = top->when - sched_time();
        uint64_t ms = !(delay > 0) ? 0 : (uint64_t)ceil(delay * 1000.0);   /* (a NaN deadline is due) */
        uv_timer_start(&s->timer, wake, ms, 0);
        run_once(vm);
        uv_timer_stop(&s->timer);
        return true;
    }
    if (uv_loop_alive(s->uv)) {
        run_once(vm);
        return true;
    }
    if (s->external || vm->gil->nbusy || signal_may_come(vm)) {
        /* Only another thread, or a signal, can wake the loop now: wait. */
        uv_ref((uv_handle_t *)&s->wakeup);
        run_once(vm);
        uv_unref((uv_handle_t *)&s->wakeup);
        return true;
    }
    exc_raise(vm, E_RuntimeError,
              "the event loop has nothing left to do, but the awaited task is still waiting: "
              "every task waits for something no one will ever complete (a deadlock)");
    return false;
}

static void due_timers(VM *vm) {
    Sched *s = vm->sched;
    if (!s->timers.len) return;
    double now = sched_time();
    Timer *top;
    /* As asyncio's "when >= end_time: break": a NaN deadline is due at once. */
    while ((top = timers_top(&s->timers)) && !(top->when > now)) {
        Timer t;
        timers_pop(&s->timers, &t);
        if (t.kind == RUN_HANDLE) as_obj(t.a)->flags &= ~HANDLE_IN_HEAP;
        if (timer_dead(&t)) {
            if (s->timers_dead) s->timers_dead--;
            continue;
        }
        if (!runq_push(&s->ready, (RunItem){t.a, t.b, UNDEF, t.kind})) {
            exc_nomem(vm);
            return;
        }
    }
    timers_shrink(&s->timers);
}

static bool fatal(VM *vm, Value e) {
    return exc_is(vm, e, E_KeyboardInterrupt) || exc_is(vm, e, E_SystemExit);
}

/* An error escaped a callback: "Exception in callback f(1, 2) at x.py:3"
 * goes to the exception handler with the handle. A future's done callback
 * gets a handle made for the report: asyncio's are handles too. */
static void callback_failed(VM *vm, Value fn, Value *args, int nargs, Value ctx, Value handle) {
    Value e = vm->exc;
    vm->exc = UNDEF;
    Value argt = UNDEF;
    if (handle == UNDEF) {
        ObjTuple *t = tuple_from(vm, args, nargs);
        Handle *h = t ? sched_handle_new(vm, vm->sched->handle_cls, fn, obj_val(t), ctx == UNDEF ? NONE_VAL : ctx, NAN)
                      : NULL;
        if (h) handle = obj_val(h);
    }
    if (handle != UNDEF) argt = ((Handle *)as_obj(handle))->args;
    vm->exc = UNDEF;
    if (!vm_push_root(vm, e)) return;
    if (!vm_push_root(vm, handle)) {
        vm_pop_roots(vm, 1);
        return;
    }
    StrBuf b = SB_INIT;
    sb_adds(&b, "Exception in callback ");
    async_describe_callback(vm, fn, argt, &b);
    char *msg = sb_take(&b);
    sched_report(vm, msg ? msg : "Exception in callback", e, "handle", handle);
    free(msg);
    vm_pop_roots(vm, 2);
}

/* Calls fn(args) for a callback, in its context; errors go to the
 * exception handler. */
static bool run_callback(VM *vm, Value fn, Value *args, int nargs, Value ctx, Value handle) {
    Value prev = ctx == UNDEF ? UNDEF : context_enter(vm, ctx);
    Value r = prev == ERR ? ERR : op_call(vm, fn, args, nargs, NULL);
    if (ctx != UNDEF && prev != ERR) context_exit(vm, prev);
    if (r != ERR) return true;
    if (fatal(vm, vm->exc)) return false;
    callback_failed(vm, fn, args, nargs, ctx, handle);
    return true;
}

static bool run_item(VM *vm, RunItem *it) {
    Sched *s = vm->sched;
    switch ((RunKind)it->kind) {
    case RUN_STEP: return task_step(vm, (Task *)as_obj(it->a), it->b);
    case RUN_WAKEUP: {
        Future *w = (Future *)as_obj(it->b);
        Value e = (w->obj.flags & (FUT_STATE | FUT_EXC)) == FUT_FINISHED ? UNDEF : future_wake_exception(vm, w);
        if (e == ERR) return false;
        /* asyncio's wakeup raises a cancelled future's CancelledError, so
         * it chains to what the code running the loop handles: a child
         * cancelled by asyncio.run's shutdown after main failed shows that
         * failure as its CancelledError's context. */
        Value outer = fiber_handled(vm->fiber);
        if (fut_state(w) == FUT_CANCELLED && is_kind(e, OBJ_EXC) && is_kind(outer, OBJ_EXC) && outer != e)
            exc_chain_context(e, outer);
        return task_step(vm, (Task *)as_obj(it->a), e);
    }
    case RUN_CALLBACK: return run_callback(vm, it->a, &it->b, 1, it->c, UNDEF);
    case RUN_GATHER:
        gather_child_done(vm, (Gather *)as_obj(it->a), (Future *)as_obj(it->b));
        return vm->exc == UNDEF;
    case RUN_HANDLE: {
        Handle *h = (Handle *)as_obj(it->a);
        if (h->obj.flags & HANDLE_CANCELLED) return true;
        ObjTuple *args = AS(ObjTuple, h->args);
        return run_callback(vm, h->fn, args->items, (int)args->len, h->ctx, it->a);
    }
    case RUN_RESULT: {
        Future *f = (Future *)as_obj(it->a);
        f->obj.flags &= ~FUT_TIMER;
        return fut_done(f) || future_set_result(vm, f, it->b);
    }
    case RUN_SETTLE: {
        Future *f = (Future *)as_obj(it->a);
        s->external--;
        if (fut_done(f)) return true;   /* cancelled while the thread ran */
        if (it->c != TRUE_VAL) return future_set_result(vm, f, it->b);
        if (future_set_exception(vm, f, it->b)) return true;
        /* StopIteration cannot go into a future: the TypeError that says so
         * goes there instead of stopping the loop. */
        Value e = vm->exc;
        vm->exc = UNDEF;
        return future_set_exception(vm, f, e);
    }
    case RUN_STOP:
        /* (One left queued by a run that ended in an error stops nothing.) */
        if ((Future *)as_obj(it->a) == s->run_fut) s->stopping = true;
        return true;
    }
    return true;
}

/* One iteration of the loop (see scheduler.h). */
static bool iteration(VM *vm) {
    Sched *s = vm->sched;
    drop_cancelled_timers(vm);
    __atomic_store_n(&s->in_poll, 1, __ATOMIC_RELAXED);
    bool polled = poll_events(vm);
    __atomic_store_n(&s->in_poll, 0, __ATOMIC_RELAXED);
    if (!polled) return false;
    if (s->io_events) io_dispatch(vm);
    if ((vm_signals(vm) & SIG_HANDLER) && gil_is_main(vm) && !run_signal_handlers(vm)) return false;
    if ((vm_signals(vm) & SIG_INTERRUPT) && !handle_interrupt(vm)) return false;
    due_timers(vm);
    if (vm->exc != UNDEF) return false;
    for (size_t n = s->ready.len; n > 0; n--) {
        /* A burst (a million tasks started at once) gives its memory back
         * as it drains, as asyncio's deque of handles does. */
        if ((n & 4095) == 0) runq_shrink(&s->ready);
        runq_pop(&s->ready, &s->item);
        __atomic_store_n(&s->item_seq, s->item_seq + 1, __ATOMIC_RELAXED);
        bool ok = run_item(vm, &s->item);
        if (__builtin_expect(__atomic_load_n(&s->blocked_since, __ATOMIC_RELAXED) != 0, 0)) report_blocked(vm, &s->item);
        s->item.a = s->item.b = s->item.c = UNDEF;
        if (!ok) return false;
    }
    runq_shrink(&s->ready);
    if (s->nreport) sched_flush_reports(vm);
    return true;
}

/* Drops the stop marker run_until put on fut, when the loop ended early. */
static void remove_stop(Future *f) {
    if (!is_kind(f->callbacks, OBJ_LIST)) return;
    ObjList *l = AS(ObjList, f->callbacks);
    int64_t n = 0;
    for (int64_t i = 0; i + 1 < l->len; i += 2) {
        if (l->items[i + 1] == CB_STOP) continue;
        l->items[n++] = l->items[i];
        l->items[n++] = l->items[i + 1];
    }
    l->len = n;
}

/* Runs iterations until something asks the loop to stop (stop(), or the
 * done callback of run_until's future) or an error ends it. As asyncio's
 * run_forever, one iteration always runs, so a stop() that came before
 * the run ends it after that one. */
static bool run_loop(VM *vm) {
    Sched *s = vm->sched;
    s->running = true;
    s->loop_ts = vm->ts;
    watchdog_start(vm);
    bool ok;
    do ok = iteration(vm);
    while (ok && !s->stopping);
    watchdog_stop(vm);
    __atomic_store_n(&s->blocked_since, 0, __ATOMIC_RELAXED);
    s->block_code = NULL;
    s->running = false;
    s->loop_ts = NULL;
    s->stopping = false;
    return ok;
}

Value sched_run_forever(VM *vm) {
    if (vm->sched->running) return exc_raise(vm, E_RuntimeError, "This event loop is already running");
    return run_loop(vm) ? NONE_VAL : ERR;
}

void sched_stop(VM *vm) { vm->sched->stopping = true; }

Value sched_run_until(VM *vm, Future *fut) {
    Sched *s = vm->sched;
    if (s->running) return exc_raise(vm, E_RuntimeError, "This event loop is already running");
    /* As in asyncio, a done callback stops the loop after the iteration in
     * which it runs. */
    if (!future_add_callback(vm, fut, UNDEF, CB_STOP)) return ERR;
    if (!vm_push_root(vm, obj_val(fut))) return ERR;
    Future *outer = s->run_fut;
    s->run_fut = fut;
    bool ok = run_loop(vm);
    s->run_fut = outer;
    vm_pop_roots(vm, 1);
    if (!ok) {
        remove_stop(fut);
        /* The future that ended the run with SystemExit or
         * KeyboardInterrupt: its exception is being raised, not lost. */
        if (fut_done(fut)) fut->obj.flags &= ~FUT_LOG_TB;
        return ERR;
    }
    if (!fut_done(fut)) {
        remove_stop(fut);
        return exc_raise(vm, E_RuntimeError, "Event loop stopped before Future completed.");
    }
    return future_result(vm, fut);
}

Value sched_run_main(VM *vm, Task *main) {
    Sched *s = vm->sched;
    s->main_task = main;
    s->interrupts = 0;
    Value r = sched_run_until(vm, &main->fut);
    s->main_task = NULL;
    if (r == ERR && s->interrupts > 0 && is_kind(vm->exc, OBJ_EXC) &&
        class_is_subclass(as_obj(vm->exc)->cls, s->cancelled_error) && (main->cancels == 0 || --main->cancels == 0)) {
        /* Ctrl-C cancelled the main task: the run ends as CPython's, in
         * KeyboardInterrupt. */
        Value cancelled = vm->exc;
        vm->exc = UNDEF;
        return keyboard_interrupt(vm, cancelled);
    }
    return r;
}
