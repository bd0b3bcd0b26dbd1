/* The _asyncio module: the native half of asyncio. Futures, tasks, gather
 * and the scheduler live in vm/ (future.c, task.c, scheduler.c); this file hands
 * them to stdlib/asyncio.asy, which builds the public module (run, sleep,
 * the event loop object, wait_for, TaskGroup, queues, locks...) on top. */
#include <math.h>
#include <stdlib.h>

#include "../vm/async_format.h"
#include "../vm/class.h"
#include "contextvars.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/pool.h"
#include "../vm/scheduler.h"
#include "../vm/str.h"
#include "asyncio_streams.h"
#include "asyncio_subprocess.h"
#include "asyncio_sync.h"
#include "modules.h"

/* ---- handles (call_soon, call_later, call_at) --------------------------- */

static void handle_mark(VM *vm, Obj *o) {
    Handle *h = (Handle *)o;
    gc_mark_value(vm, h->fn);
    gc_mark_value(vm, h->args);
    gc_mark_value(vm, h->ctx);
}

static const CType handle_ctype = {sizeof(Handle), handle_mark, NULL, NULL};

static bool is_handle(VM *vm, Value v) {
    Sched *s = vm->sched;
    return is_kind(v, OBJ_CDATA) && (as_obj(v)->cls == s->handle_cls || as_obj(v)->cls == s->timer_handle_cls);
}

#define HSELF ((Handle *)as_obj(args[0]))

static Value h_cancel(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_handle(vm, args[0])) return exc_raise(vm, E_TypeError, "cancel() needs a Handle");
    if (!args_none(vm, "Handle", "cancel", nargs, kw)) return ERR;
    Handle *h = HSELF;
    if (!(h->obj.flags & HANDLE_CANCELLED)) {
        h->obj.flags |= HANDLE_CANCELLED;
        h->fn = h->args = UNDEF;    /* let them go, as asyncio does (its repr no longer shows them) */
        if (h->obj.flags & HANDLE_IN_HEAP) sched_timer_cancelled(vm);
    }
    return NONE_VAL;
}

static Value h_cancelled(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_handle(vm, args[0])) return exc_raise(vm, E_TypeError, "cancelled() needs a Handle");
    if (!args_none(vm, "Handle", "cancelled", nargs, kw)) return ERR;
    return bool_val(HSELF->obj.flags & HANDLE_CANCELLED);
}

static Value h_when(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_handle(vm, args[0])) return exc_raise(vm, E_TypeError, "when() needs a TimerHandle");
    if (!args_none(vm, "TimerHandle", "when", nargs, kw)) return ERR;
    return float_val(HSELF->when);
}

static Value h_get_context(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_handle(vm, args[0])) return exc_raise(vm, E_TypeError, "get_context() needs a Handle");
    if (!args_none(vm, "Handle", "get_context", nargs, kw)) return ERR;
    return HSELF->ctx == UNDEF ? NONE_VAL : HSELF->ctx;
}

/* ---- TimerHandle comparisons: by deadline, as asyncio's ----------------- */

static bool is_timer_handle(VM *vm, Value v) {
    return is_kind(v, OBJ_CDATA) && as_obj(v)->cls == vm->sched->timer_handle_cls;
}

static Value th_compare(VM *vm, Value *args, int nargs, ObjTuple *kw, CmpOp op, const char *name) {
    if (!args_check(vm, name, nargs, kw, 2, 2)) return ERR;
    if (!is_timer_handle(vm, args[0]) || !is_timer_handle(vm, args[1])) return NOTIMPL_VAL;
    double a = ((Handle *)as_obj(args[0]))->when, b = ((Handle *)as_obj(args[1]))->when;
    switch (op) {
    case CMP_LT: return bool_val(a < b);
    case CMP_LE: return bool_val(a <= b);
    case CMP_GT: return bool_val(a > b);
    default: return bool_val(a >= b);
    }
}

static Value th_lt(VM *vm, Value *args, int nargs, ObjTuple *kw) { return th_compare(vm, args, nargs, kw, CMP_LT, "__lt__"); }
static Value th_le(VM *vm, Value *args, int nargs, ObjTuple *kw) { return th_compare(vm, args, nargs, kw, CMP_LE, "__le__"); }
static Value th_gt(VM *vm, Value *args, int nargs, ObjTuple *kw) { return th_compare(vm, args, nargs, kw, CMP_GT, "__gt__"); }
static Value th_ge(VM *vm, Value *args, int nargs, ObjTuple *kw) { return th_compare(vm, args, nargs, kw, CMP_GE, "__ge__"); }

/* Equal: same deadline, callback, arguments and cancelled state. */
static Value th_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__eq__", nargs, kw, 2, 2)) return ERR;
    if (!is_timer_handle(vm, args[0]) || !is_timer_handle(vm, args[1])) return NOTIMPL_VAL;
    Handle *a = (Handle *)as_obj(args[0]), *b = (Handle *)as_obj(args[1]);
    if (a == b) return TRUE_VAL;
    if (a->when != b->when || (a->obj.flags & HANDLE_CANCELLED) != (b->obj.flags & HANDLE_CANCELLED)) return FALSE_VAL;
    for (int i = 0; i < 2; i++) {
        Value x = i ? a->args : a->fn, y = i ? b->args : b->fn;
        if (x == UNDEF || y == UNDEF) {
            if (x != y) return FALSE_VAL;
            continue;
        }
        int eq = op_eq(vm, x, y);
        if (eq < 0) return ERR;
        if (!eq) return FALSE_VAL;
    }
    return TRUE_VAL;
}

static Value th_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__hash__", nargs, kw, 1, 1)) return ERR;
    if (!is_timer_handle(vm, args[0])) return exc_raise(vm, E_TypeError, "__hash__() needs a TimerHandle");
    uint64_t h;
    if (op_hash(vm, float_val(((Handle *)as_obj(args[0]))->when), &h) < 0) return ERR;
    return int_from_i64(vm, (int64_t)h);
}

/* "<TimerHandle cancelled when=12.5>", "<Handle f(1) at x.py:3>". */
static Value h_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!is_handle(vm, args[0])) return exc_raise(vm, E_TypeError, "__repr__() needs a Handle");
    Handle *h = HSELF;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%s", h->obj.cls->name->data);
    if (h->obj.flags & HANDLE_CANCELLED) sb_adds(&b, " cancelled");
    if (h->obj.cls != vm->sched->handle_cls) {       /* a TimerHandle, its when NaN too */
        sb_adds(&b, " when=");
        if (!op_repr_to(vm, float_val(h->when), &b)) { sb_free(&b); return ERR; }
    }
    if (h->fn != UNDEF) {
        sb_addc(&b, ' ');
        async_describe_callback(vm, h->fn, h->args, &b);
    }
    sb_addc(&b, '>');
    return str_from_buf(vm, &b);
}

static bool handle_classes(VM *vm) {
    Sched *s = vm->sched;
    if (s->handle_cls) return true;
    ObjClass *h = class_new_builtin(vm, "Handle", vm->types[T_OBJECT], OBJ_CDATA);
    ObjClass *t = h ? class_new_builtin(vm, "TimerHandle", h, OBJ_CDATA) : NULL;
    if (!t) return false;
    h->ctype = t->ctype = &handle_ctype;
    Value mod = str_from_cstr(vm, "asyncio.events");     /* where CPython defines them */
    for (int i = 0; i < 2; i++) {
        ObjClass *c = i ? t : h;
        if (mod == ERR || dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return false;
        c->module = mod;
    }
    s->handle_cls = h;
    s->timer_handle_cls = t;
    return class_add_native(vm, h, "cancel", h_cancel) && class_add_native(vm, h, "cancelled", h_cancelled) &&
           class_add_native(vm, h, "get_context", h_get_context) && class_add_native(vm, h, "__repr__", h_repr) &&
           class_add_native(vm, t, "when", h_when) && class_add_native(vm, t, "__lt__", th_lt) &&
           class_add_native(vm, t, "__le__", th_le) && class_add_native(vm, t, "__gt__", th_gt) &&
           class_add_native(vm, t, "__ge__", th_ge) && class_add_native(vm, t, "__eq__", th_eq) &&
           class_add_native(vm, t, "__hash__", th_hash);
}

/* ---- functions ---------------------------------------------------------- */

static bool number_arg(VM *vm, Value v, const char *what, double *out) {
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_int(v)) { *out = (double)as_int(v); return true; }
    if (is_bool(v)) { *out = v == TRUE_VAL; return true; }
    if (is_kind(v, OBJ_BIGINT)) {
        Value f = op_call1(vm, obj_val(vm->types[T_FLOAT]), v);
        if (f == ERR) return false;
        *out = as_float(f);
        return true;
    }
    exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as a %s", v, what);
    return false;
}

/* _call_soon(callback, args, context) -> Handle */
static Value f_call_soon(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_call_soon", nargs, kw, 3, 3)) return ERR;
    Handle *h = sched_handle_new(vm, vm->sched->handle_cls, args[0], args[1], args[2], NAN);
    if (!h || !sched_push(vm, RUN_HANDLE, obj_val(h), UNDEF, UNDEF)) return ERR;
    return obj_val(h);
}

/* _call_at(when, callback, args, context) -> TimerHandle */
static Value f_call_at(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double when;
    if (!args_check(vm, "_call_at", nargs, kw, 4, 4) || !number_arg(vm, args[0], "float", &when)) return ERR;
    Handle *h = sched_handle_new(vm, vm->sched->timer_handle_cls, args[1], args[2], args[3], when);
    if (!h || !sched_timer(vm, when, RUN_HANDLE, obj_val(h), UNDEF)) return ERR;
    h->obj.flags |= HANDLE_IN_HEAP;
    return obj_val(h);
}

static Value f_time(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_time", nargs, kw, 0, 0)) return ERR;
    return float_val(sched_time());
}

/* _sleep(delay, result) -> a future that the timer heap completes. */
static Value f_sleep(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double delay;
    if (!args_check(vm, "_sleep", nargs, kw, 2, 2) || !number_arg(vm, args[0], "float", &delay)) return ERR;
    Future *f = future_new(vm);
    if (!f || !sched_timer(vm, sched_time() + delay, RUN_RESULT, obj_val(f), args[1])) return ERR;
    f->obj.flags |= FUT_TIMER;
    return obj_val(f);
}

/* _gather(awaitables, return_exceptions) */
static Value f_gather(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_gather", nargs, kw, 2, 2)) return ERR;
    if (!is_kind(args[0], OBJ_TUPLE)) return exc_raise(vm, E_TypeError, "_gather() needs a tuple");
    int truth = op_truthy(vm, args[1]);
    if (truth < 0) return ERR;
    ObjTuple *t = AS(ObjTuple, args[0]);
    return gather_new(vm, t->items, (int)t->len, truth);
}

/* Makes `loop` the running loop object, and the one whose exception
 * handler takes the scheduler's reports until another runs; the previous
 * running loop is given back. */
static Value enter_loop(VM *vm, Value loop) {
    Sched *s = vm->sched;
    Value prev = s->loop;
    s->loop = s->report_loop = loop;
    return prev;
}

/* _run_until_complete(loop, future): runs the loop with `loop` as the
 * running loop object. */
static Value f_run_until_complete(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_run_until_complete", nargs, kw, 2, 2)) return ERR;
    if (!is_future(args[1])) return exc_raise(vm, E_TypeError, "a future was expected, got %R", args[1]);
    Value prev = enter_loop(vm, args[0]);
    Value r = sched_run_until(vm, (Future *)as_obj(args[1]));
    vm->sched->loop = prev;
    return r;
}

/* _run_forever(loop): runs the loop until _stop(), with `loop` as the
 * running loop object. */
static Value f_run_forever(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_run_forever", nargs, kw, 1, 1)) return ERR;
    Value prev = enter_loop(vm, args[0]);
    Value r = sched_run_forever(vm);
    vm->sched->loop = prev;
    return r;
}

/* _stop(): the loop stops after the iteration it is in (or, when it is
 * not running, after the first iteration of its next run). */
static Value f_stop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_stop", nargs, kw, 0, 0)) return ERR;
    sched_stop(vm);
    return NONE_VAL;
}

/* The loop running on this thread, or None. */
static Value f_get_running_loop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_get_running_loop", nargs, kw, 0, 0)) return ERR;
    Sched *s = vm->sched;
    return s->running && s->loop != UNDEF && s->loop_ts == vm->ts ? s->loop : NONE_VAL;
}

/* The loop running on any thread (loop.is_running()), or None. */
static Value f_running_loop_any(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_running_loop_any", nargs, kw, 0, 0)) return ERR;
    Sched *s = vm->sched;
    return s->running && s->loop != UNDEF ? s->loop : NONE_VAL;
}

/* _call_soon_threadsafe(callback, args, context) -> Handle: from any
 * thread; wakes the loop. */
static Value f_call_soon_threadsafe(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_call_soon_threadsafe", nargs, kw, 3, 3)) return ERR;
    Handle *h = sched_handle_new(vm, vm->sched->handle_cls, args[0], args[1], args[2], NAN);
    if (!h || !sched_push(vm, RUN_HANDLE, obj_val(h), UNDEF, UNDEF)) return ERR;
    sched_wake(vm);
    return obj_val(h);
}

/* _run_in_thread(func, args, kwargs, copy_context) -> a Future for
 * func(*args, **kwargs) run by the default executor's threads (vm/pool.c);
 * to_thread runs it in a copy of the caller's context. */
static Value f_run_in_thread(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_run_in_thread", nargs, kw, 4, 4)) return ERR;
    if (!is_tuple(args[1]) || (args[2] != NONE_VAL && !is_dict(args[2])))
        return exc_raise(vm, E_TypeError, "_run_in_thread() needs a tuple and a dict");
    if (!op_callable(vm, args[0])) return exc_raise(vm, E_TypeError, "'%T' object is not callable", args[0]);
    int copy = op_truthy(vm, args[3]);
    Value ctx = copy > 0 ? context_copy_current(vm) : UNDEF;
    Future *f = copy >= 0 && ctx != ERR ? future_new(vm) : NULL;
    if (!f) return ERR;
    ObjDict *kwargs = args[2] == NONE_VAL || AS(ObjDict, args[2])->count == 0 ? NULL : AS(ObjDict, args[2]);
    if (!pool_submit(vm, args[0], AS(ObjTuple, args[1]), kwargs, ctx, f)) return ERR;
    return obj_val(f);
}

/* _pool_shutdown() -> a Future done once the default executor's threads
 * have finished their work and ended. */
static Value f_pool_shutdown(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_pool_shutdown", nargs, kw, 0, 0)) return ERR;
    Future *f = future_new(vm);
    if (!f || !pool_shutdown(vm, f)) return ERR;
    return obj_val(f);
}

static Value f_current_task(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "current_task", nargs, kw, 0, 1)) return ERR;
    Sched *s = vm->sched;
    if (!s->running || s->loop_ts != vm->ts) return exc_raise(vm, E_RuntimeError, "no running event loop");
    return s->current ? obj_val(s->current) : NONE_VAL;
}

/* _all_tasks(): the pending tasks, oldest first. */
static Value f_all_tasks(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_all_tasks", nargs, kw, 0, 0)) return ERR;
    Sched *s = vm->sched;
    ObjList *l = list_new(vm, (int64_t)s->ntasks);
    if (!l) return ERR;
    for (Task *t = s->tasks; t; t = t->next) {
        if (list_append(vm, l, obj_val(t)) < 0) return ERR;
    }
    for (int64_t i = 0, j = l->len - 1; i < j; i++, j--) {
        Value x = l->items[i];
        l->items[i] = l->items[j];
        l->items[j] = x;
    }
    return obj_val(l);
}

/* _report(context): the loop's default exception handler. */
static Value f_report(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_report", nargs, kw, 1, 1)) return ERR;
    if (!is_dict(args[0])) return exc_raise(vm, E_TypeError, "context must be a dict");
    sched_default_report(vm, AS(ObjDict, args[0]));
    return NONE_VAL;
}

/* _set_formatters(describe_callback, short_repr): how reprs and reports
 * word callbacks and results (vm/async_format.c). */
static Value f_set_formatters(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_set_formatters", nargs, kw, 2, 2)) return ERR;
    vm->sched->fmt_callback = args[0];
    vm->sched->fmt_short = args[1];
    return NONE_VAL;
}

/* _run_main(loop, task): asyncio.run's run_until_complete, with Ctrl-C
 * cancelling the task. */
static Value f_run_main(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_run_main", nargs, kw, 2, 2)) return ERR;
    Sched *s = vm->sched;
    if (!is_task(args[1]))
        return exc_raise(vm, E_TypeError, "a task was expected, got %R", args[1]);
    Value prev = enter_loop(vm, args[0]);
    Value r = sched_run_main(vm, (Task *)as_obj(args[1]));
    s->loop = prev;
    return r;
}

/* _reset(): loop.close() drops whatever is still scheduled. */
static Value f_reset(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_reset", nargs, kw, 0, 0)) return ERR;
    sched_reset(vm);
    return NONE_VAL;
}

static Value f_iscoroutinefunction(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "iscoroutinefunction", nargs, kw, 1, 1)) return ERR;
    Value f = args[0];
    if (asyncio_sync_is_coroutine_method(f)) return TRUE_VAL;
    if (is_kind(f, OBJ_BOUND)) f = AS(ObjBound, f)->func;
    return bool_val(is_kind(f, OBJ_FUNCTION) && (AS(ObjFunction, f)->code->flags & CODE_COROUTINE));
}

/* _iterable_coroutine(f): types.coroutine on a generator function. */
static Value f_iterable_coroutine(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_iterable_coroutine", nargs, kw, 1, 1)) return ERR;
    if (is_kind(args[0], OBJ_FUNCTION) && (AS(ObjFunction, args[0])->code->flags & CODE_GENERATOR)) {
        AS(ObjFunction, args[0])->code->flags |= CODE_ITERABLE_COROUTINE;
        return TRUE_VAL;
    }
    return FALSE_VAL;
}

static Value f_take_asyncgens(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_take_asyncgens", nargs, kw, 0, 0)) return ERR;
    return sched_take_agens(vm);
}

static Value f_isfuture(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "isfuture", nargs, kw, 1, 1)) return ERR;
    return bool_val(is_py_future(args[0]));
}

/* _env_debug(): PYTHONASYNCIODEBUG set and not empty, read here so that
 * making a loop imports no os module (os.environ's writes go through
 * putenv, so a program's own setting counts too). */
static Value f_env_debug(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_env_debug", nargs, kw, 0, 0)) return ERR;
    const char *v = getenv("PYTHONASYNCIODEBUG");
    return bool_val(v && *v);
}

bool mod_asyncio_init(VM *vm, ObjModule *m) {
    Sched *s = sched_get(vm);
    if (!s || !handle_classes(vm)) return false;
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"_call_soon", f_call_soon}, {"_call_at", f_call_at}, {"_time", f_time}, {"_sleep", f_sleep},
        {"_gather", f_gather}, {"_run_until_complete", f_run_until_complete},
        {"_get_running_loop", f_get_running_loop}, {"current_task", f_current_task},
        {"_running_loop_any", f_running_loop_any}, {"_call_soon_threadsafe", f_call_soon_threadsafe},
        {"_run_in_thread", f_run_in_thread}, {"_pool_shutdown", f_pool_shutdown},
        {"_all_tasks", f_all_tasks},
        {"_report", f_report}, {"_set_formatters", f_set_formatters}, {"isfuture", f_isfuture}, {"_run_main", f_run_main}, {"_reset", f_reset},
        {"_iscoroutinefunction", f_iscoroutinefunction}, {"_iterable_coroutine", f_iterable_coroutine},
        {"_take_asyncgens", f_take_asyncgens}, {"_run_forever", f_run_forever}, {"_stop", f_stop},
        {"_env_debug", f_env_debug},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (!module_add_native(vm, m, fns[i].name, fns[i].fn)) return false;
    }
    return asyncio_sync_init(vm, m) && asyncio_streams_init(vm, m) && asyncio_subprocess_init(vm, m) && module_add_value(vm, m, "Future", obj_val(s->future_cls)) &&
           module_add_value(vm, m, "Task", obj_val(s->task_cls)) &&
           module_add_value(vm, m, "Handle", obj_val(s->handle_cls)) &&
           module_add_value(vm, m, "TimerHandle", obj_val(s->timer_handle_cls)) &&
           module_add_value(vm, m, "CancelledError", obj_val(s->cancelled_error)) &&
           module_add_value(vm, m, "InvalidStateError", obj_val(s->invalid_state_error));
}
