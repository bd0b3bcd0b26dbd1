/* Futures and gather() (see future.h). The semantics follow asyncio's
 * futures.py and tasks.py line by line where order is observable: callbacks
 * are scheduled (never called directly) in the order they were added. */
#include "future.h"

#include "../stdlib/contextvars.h"
#include "async_format.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "gen.h"
#include "ops.h"
#include "scheduler.h"
#include "str.h"

#define SELF ((Future *)as_obj(args[0]))

static void future_mark(VM *vm, Obj *o) {
    Future *f = (Future *)o;
    gc_mark_value(vm, f->result);
    gc_mark_value(vm, f->callbacks);
}

static void gather_mark(VM *vm, Obj *o) {
    future_mark(vm, o);
    gc_mark_value(vm, ((Gather *)o)->children);
}

static const CType future_ctype = {sizeof(Future), future_mark, NULL, NULL};
static const CType gather_ctype = {sizeof(Gather), gather_mark, NULL, NULL};

/* A pending future of class cls: Future or a Python subclass of it (whose
 * instances keep their attributes beside the heap, as OBJ_SUBTYPE). */
static Future *future_new_of(VM *vm, ObjClass *cls) {
    Future *f = gc_new_instance(vm, sizeof(Future), OBJ_CDATA, cls);
    if (!f) return NULL;
    f->result = f->callbacks = UNDEF;
    return f;
}

Future *future_new(VM *vm) { return future_new_of(vm, vm->sched->future_cls); }

static Value invalid_state(VM *vm, const char *msg) {
    Value m = str_from_cstr(vm, msg);
    if (m == ERR) return ERR;
    ObjTuple *a = tuple_from(vm, &m, 1);
    Value e = a ? exc_new(vm, vm->sched->invalid_state_error, a) : ERR;
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* Schedules one done callback of f: a task to wake, a gather() to notify,
 * the loop to stop, or a callable to call with f. */
static bool push_callback(VM *vm, Future *f, Value fn, Value ctx) {
    Value fv = obj_val(f);
    if (ctx == CB_WAKEUP) return sched_push(vm, RUN_WAKEUP, fn, fv, UNDEF);
    if (ctx == CB_GATHER) return sched_push(vm, RUN_GATHER, fn, fv, UNDEF);
    if (ctx == CB_STOP) return sched_push(vm, RUN_STOP, fv, UNDEF, UNDEF);
    return sched_push(vm, RUN_CALLBACK, fn, fv, ctx);
}

/* Moves the done callbacks to the ready queue, in the order they came. */
static bool schedule_callbacks(VM *vm, Future *f) {
    Value cbs = f->callbacks;
    f->callbacks = UNDEF;
    if (cbs == UNDEF) return true;
    if (!is_kind(cbs, OBJ_LIST)) return push_callback(vm, f, cbs, CB_WAKEUP);
    ObjList *l = AS(ObjList, cbs);
    for (int64_t i = 0; i + 1 < l->len; i += 2) {
        if (!push_callback(vm, f, l->items[i], l->items[i + 1])) return false;
    }
    return true;
}

static bool finish(VM *vm, Future *f, int state, Value result, uint16_t extra) {
    f->obj.flags = (uint16_t)((f->obj.flags & ~(FUT_STATE | FUT_EXC | FUT_BLOCKING)) | state | extra);
    f->result = result;
    if (f->obj.flags & FUT_TIMER) {
        if (state == FUT_CANCELLED) sched_timer_cancelled(vm);
        f->obj.flags &= ~FUT_TIMER;
    }
    return schedule_callbacks(vm, f);
}

bool future_set_result(VM *vm, Future *f, Value v) {
    if (fut_done(f)) {
        invalid_state(vm, "invalid state");
        return false;
    }
    return finish(vm, f, FUT_FINISHED, v, 0);
}

bool future_finish_keep(VM *vm, Future *f) { return finish(vm, f, FUT_FINISHED, f->result, 0); }

bool future_set_exception(VM *vm, Future *f, Value exc) {
    if (fut_done(f)) {
        invalid_state(vm, "invalid state");
        return false;
    }
    if (is_kind(exc, OBJ_CLASS) && class_is_subclass(AS(ObjClass, exc), vm->exc_types[E_BaseException])) {
        exc = class_call(vm, AS(ObjClass, exc), NULL, 0, NULL);
        if (exc == ERR) return false;
    }
    if (!is_kind(exc, OBJ_EXC)) {
        exc_raise(vm, E_TypeError, "invalid exception object");
        return false;
    }
    if (exc_is(vm, exc, E_StopIteration)) {
        exc_raise(vm, E_TypeError, "StopIteration interacts badly with generators and cannot be raised into a Future");
        return false;
    }
    if (!finish(vm, f, FUT_FINISHED, exc, FUT_EXC | FUT_LOG_TB)) return false;
    sched_log_exception(vm, f);
    return true;
}

static bool gather_cancel(VM *vm, Gather *g, Value msg);

bool future_cancel(VM *vm, Future *f, Value msg) {
    ObjClass *cls = f->obj.cls;
    if (is_task(obj_val(f))) return task_cancel(vm, (Task *)f, msg);
    f->obj.flags &= ~FUT_LOG_TB;
    if (fut_done(f)) return false;
    if (cls == vm->sched->gather_cls) return gather_cancel(vm, (Gather *)f, msg);
    return future_cancel_plain(vm, f, msg, UNDEF);
}

bool future_cancel_plain(VM *vm, Future *f, Value msg, Value exc) {
    f->obj.flags &= ~FUT_LOG_TB;
    if (exc != UNDEF) return finish(vm, f, FUT_CANCELLED, exc, FUT_EXC);
    return finish(vm, f, FUT_CANCELLED, msg == NONE_VAL ? UNDEF : msg, 0);
}

Value future_cancelled_error(VM *vm, Future *f) {
    if (f->obj.flags & FUT_EXC) {
        /* The CancelledError a task's coroutine raised, given out once. */
        Value e = f->result;
        f->result = UNDEF;
        f->obj.flags &= ~FUT_EXC;
        return e;
    }
    ObjTuple *a = f->result == UNDEF ? vm->empty_tuple : tuple_from(vm, &f->result, 1);
    return a ? exc_new(vm, vm->sched->cancelled_error, a) : ERR;
}

Value future_result(VM *vm, Future *f) {
    switch (fut_state(f)) {
    case FUT_PENDING: return invalid_state(vm, "Result is not set.");
    case FUT_CANCELLED: {
        Value e = future_cancelled_error(vm, f);
        return e == ERR ? ERR : exc_raise_value(vm, e);
    }
    default:
        f->obj.flags &= ~FUT_LOG_TB;
        if (f->obj.flags & FUT_EXC) return exc_raise_value(vm, f->result);
        return f->result;
    }
}

Value future_wake_exception(VM *vm, Future *f) {
    if (fut_state(f) == FUT_CANCELLED) return future_cancelled_error(vm, f);
    f->obj.flags &= ~FUT_LOG_TB;
    return (f->obj.flags & FUT_EXC) ? f->result : UNDEF;
}

bool future_add_callback(VM *vm, Future *f, Value fn, Value ctx) {
    if (fut_done(f)) return push_callback(vm, f, fn, ctx);
    if (f->callbacks == UNDEF && ctx == CB_WAKEUP) {
        f->callbacks = fn;      /* the common case: one task waits */
        return true;
    }
    if (!is_kind(f->callbacks, OBJ_LIST)) {
        ObjList *l = list_new(vm, 4);
        if (!l) return false;
        if (f->callbacks != UNDEF) {
            if (list_append(vm, l, f->callbacks) < 0 || list_append(vm, l, CB_WAKEUP) < 0) return false;
        }
        f->callbacks = obj_val(l);
    }
    ObjList *l = AS(ObjList, f->callbacks);
    return list_append(vm, l, fn) == 0 && list_append(vm, l, ctx) == 0;
}

/* ---- repr -------------------------------------------------------------- */

static const char *const state_names[] = {"pending", "cancelled", "finished"};

/* " result=..." (shortened by reprlib) or " exception=...", once finished. */
void future_result_info(VM *vm, Future *f, StrBuf *b) {
    if (fut_state(f) != FUT_FINISHED || (f->obj.cls->obj.flags & CLASS_AWAIT_OP)) return;
    if (f->obj.flags & FUT_EXC) {
        sb_adds(b, " exception=");
        Value saved = vm->exc;
        if (!op_repr_to(vm, f->result, b)) { vm->exc = saved; sb_adds(b, "<?>"); }
    } else {
        sb_adds(b, " result=");
        async_short_repr(vm, f->result, b);
    }
}

Value future_repr(VM *vm, Future *f) {
    StrBuf b = SB_INIT;
    /* An operation waiting in a queue or lock shows as the future it is. */
    sb_addf(&b, "<%s ", (f->obj.cls->obj.flags & CLASS_AWAIT_OP) ? "Future" : f->obj.cls->name->data);
    sb_adds(&b, state_names[fut_state(f)]);
    future_result_info(vm, f, &b);
    async_callbacks_info(vm, f, &b);
    sb_addc(&b, '>');
    return str_from_buf(vm, &b);
}

/* ---- the Future class -------------------------------------------------- */

static bool check_future(VM *vm, Value v, const char *method) {
    if (is_py_future(v)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'Future' object but received a '%T'", method, v);
    return false;
}

/* Future.__init__(*, loop=None): nothing to do (Asy has one loop). */
static Value init_args(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"loop"};
    Value out[1];
    return args_bind(vm, "Future", args, nargs, kw, names, 1, 0, 0, 0, out) ? NONE_VAL : ERR;
}

static Value m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "__init__")) return ERR;
    return init_args(vm, args + 1, nargs - 1, kw);
}

/* Future.__new__(cls, ...): Future itself (a builtin type: no __init__
 * call follows) checks its arguments here; a Python subclass's __init__
 * gets them. */
static Value m_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!sched_get(vm)) return ERR;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "_asyncio.Future.__new__(): not enough arguments");
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "_asyncio.Future.__new__(X): X is not a type object (%T)", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    if (!(cls->obj.flags & CLASS_FUTURE) || cls->ctype != vm->sched->future_cls->ctype)
        return exc_raise(vm, E_TypeError, "_asyncio.Future.__new__(%s): %s is not a subtype of _asyncio.Future", cls->name->data, cls->name->data);
    if (cls == vm->sched->future_cls && init_args(vm, args + 1, nargs - 1, kw) == ERR) return ERR;
    Future *f = future_new_of(vm, cls);
    return f ? obj_val(f) : ERR;
}

static Value m_result(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "result") || !args_none(vm, "Future", "result", nargs, kw)) return ERR;
    return future_result(vm, SELF);
}

static Value m_exception(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "exception") || !args_none(vm, "Future", "exception", nargs, kw)) return ERR;
    Future *f = SELF;
    switch (fut_state(f)) {
    case FUT_PENDING: return invalid_state(vm, "Exception is not set.");
    case FUT_CANCELLED: {
        Value e = future_cancelled_error(vm, f);
        return e == ERR ? ERR : exc_raise_value(vm, e);
    }
    default:
        f->obj.flags &= ~FUT_LOG_TB;
        return (f->obj.flags & FUT_EXC) ? f->result : NONE_VAL;
    }
}

static Value m_set_result(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "set_result") || !args_check(vm, "set_result", nargs - 1, kw, 1, 1)) return ERR;
    if (is_task(args[0])) return exc_raise(vm, E_RuntimeError, "Task does not support set_result operation");
    return future_set_result(vm, SELF, args[1]) ? NONE_VAL : ERR;
}

static Value m_set_exception(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "set_exception") || !args_check(vm, "set_exception", nargs - 1, kw, 1, 1)) return ERR;
    if (is_task(args[0])) return exc_raise(vm, E_RuntimeError, "Task does not support set_exception operation");
    return future_set_exception(vm, SELF, args[1]) ? NONE_VAL : ERR;
}

static Value m_cancel(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"msg"};
    Value out[1];
    if (!check_future(vm, args[0], "cancel") || !args_bind(vm, "cancel", args + 1, nargs - 1, kw, names, 1, 1, 0, 0, out))
        return ERR;
    bool r = future_cancel(vm, SELF, out[0] == UNDEF ? NONE_VAL : out[0]);
    if (!r && vm->exc != UNDEF) return ERR;
    return bool_val(r);
}

static Value m_cancelled(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "cancelled") || !args_none(vm, "Future", "cancelled", nargs, kw)) return ERR;
    return bool_val(fut_state(SELF) == FUT_CANCELLED);
}

static Value m_done(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "done") || !args_none(vm, "Future", "done", nargs, kw)) return ERR;
    return bool_val(fut_done(SELF));
}

static Value m_add_done_callback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fn", "context"};
    Value out[2];
    if (!check_future(vm, args[0], "add_done_callback") ||
        !args_bind(vm, "add_done_callback", args + 1, nargs - 1, kw, names, 2, 1, 1, 0, out))
        return ERR;
    /* Callbacks run in a copy of the context they were added in. */
    Value ctx = out[1] == NONE_VAL || out[1] == UNDEF ? context_copy_current(vm) : out[1];
    if (ctx == ERR) return ERR;
    return future_add_callback(vm, SELF, out[0], ctx) ? NONE_VAL : ERR;
}

static Value m_remove_done_callback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "remove_done_callback") ||
        !args_check(vm, "remove_done_callback", nargs - 1, kw, 1, 1))
        return ERR;
    Future *f = SELF;
    if (!is_kind(f->callbacks, OBJ_LIST)) return int_val(0);
    ObjList *l = AS(ObjList, f->callbacks);
    int64_t n = 0, removed = 0;
    for (int64_t i = 0; i + 1 < l->len; i += 2) {
        Value fn = l->items[i], ctx = l->items[i + 1];
        int eq = is_int(ctx) ? 0 : op_eq(vm, fn, args[1]);     /* internal callbacks stay */
        if (eq < 0) return ERR;
        if (eq) { removed++; continue; }
        l->items[n++] = fn;
        l->items[n++] = ctx;
    }
    l->len = n;
    return int_val(removed);
}

static Value m_get_loop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_none(vm, "Future", "get_loop", nargs, kw)) return ERR;
    (void)args;
    return vm->sched->loop == UNDEF ? NONE_VAL : vm->sched->loop;
}

static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return future_repr(vm, SELF);
}

/* ---- the attributes of asyncio's pure-Python Future -------------------- *
 * Read-only views of the state, which programs (and tests) look at. */

static Value p_state(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_future(vm, args[0], "_state")) return ERR;
    static const char *const names[] = {"PENDING", "CANCELLED", "FINISHED"};
    return str_from_cstr(vm, names[fut_state(SELF)]);
}

static Value p_result(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_future(vm, args[0], "_result")) return ERR;
    Future *f = SELF;
    return fut_state(f) == FUT_FINISHED && !(f->obj.flags & FUT_EXC) ? f->result : NONE_VAL;
}

static Value p_exception(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_future(vm, args[0], "_exception")) return ERR;
    Future *f = SELF;
    return fut_state(f) == FUT_FINISHED && (f->obj.flags & FUT_EXC) ? f->result : NONE_VAL;
}

static Value p_cancel_message(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_future(vm, args[0], "_cancel_message")) return ERR;
    Future *f = SELF;
    bool cancelled = fut_state(f) == FUT_CANCELLED || (f->obj.flags & TASK_MUST_CANCEL);
    return cancelled && !(f->obj.flags & FUT_EXC) && f->result != UNDEF ? f->result : NONE_VAL;
}

static Value p_blocking(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_future(vm, args[0], "_asyncio_future_blocking")) return ERR;
    return bool_val(SELF->obj.flags & FUT_BLOCKING);
}

static Value p_log_traceback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_future(vm, args[0], "_log_traceback")) return ERR;
    return bool_val(SELF->obj.flags & FUT_LOG_TB);
}

static Value p_none(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm; (void)args; (void)nargs; (void)kw;
    return NONE_VAL;
}

static Value p_loop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return vm->sched->loop == UNDEF ? NONE_VAL : vm->sched->loop;
}

static bool add_properties(VM *vm, ObjClass *c) {
    static const struct { const char *name; NativeFn fn; } props[] = {
        {"_state", p_state}, {"_result", p_result}, {"_exception", p_exception},
        {"_cancel_message", p_cancel_message}, {"_asyncio_future_blocking", p_blocking},
        {"_log_traceback", p_log_traceback}, {"_source_traceback", p_none}, {"_loop", p_loop},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        if (!class_add_property(vm, c, props[i].name, props[i].fn)) return false;
    }
    return true;
}

/* fut.__await__(): an iterator that yields the future while it is pending
 * (`await fut` itself does not need one: the interpreter knows futures). */
static Value await_next(VM *vm, ObjIter *it) {
    Future *f = (Future *)as_obj(it->a);
    if (it->i++ == 0 && !fut_done(f)) {
        f->obj.flags |= FUT_BLOCKING;
        return it->a;
    }
    if (!fut_done(f)) return exc_raise(vm, E_RuntimeError, "await wasn't used with future");
    Value r = future_result(vm, f);
    if (r == ERR) return ERR;
    ObjTuple *a = r == NONE_VAL ? vm->empty_tuple : tuple_from(vm, &r, 1);
    Value e = a ? exc_new(vm, vm->exc_types[E_StopIteration], a) : ERR;
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static Value m_await(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_future(vm, args[0], "__await__") || !args_none(vm, "Future", "__await__", nargs, kw)) return ERR;
    ObjIter *it = iter_new(vm, vm->types[T_SEQ_ITER], await_next);
    if (!it) return ERR;
    it->a = args[0];
    return obj_val(it);
}

/* ---- gather ------------------------------------------------------------ */

/* A child of gather(): futures as they are, coroutines wrapped in tasks
 * (asyncio.gather wraps other awaitables in coroutines before it gets here). */
static Value ensure_future(VM *vm, Value v) {
    if (is_py_future(v)) return v;
    if (task_is_coro(vm, v)) {
        Task *t = task_new(vm, v, UNDEF, UNDEF);
        return t ? obj_val(t) : ERR;
    }
    return exc_raise(vm, E_TypeError, "An asyncio.Future, a coroutine or an awaitable is required");
}

Value gather_new(VM *vm, Value *args, int nargs, bool return_exceptions) {
    Sched *s = vm->sched;
    Gather *g = gc_new(vm, sizeof(Gather), OBJ_CDATA, s->gather_cls);
    if (!g) return ERR;
    g->fut.result = g->fut.callbacks = UNDEF;
    if (return_exceptions) g->fut.obj.flags |= GATHER_RETURN_EXC;
    ObjList *children = list_new(vm, nargs);
    if (!children) return ERR;
    g->children = obj_val(children);
    if (nargs == 0) {
        ObjList *empty = list_new(vm, 0);
        return empty && future_set_result(vm, &g->fut, obj_val(empty)) ? obj_val(g) : ERR;
    }
    /* The same awaitable twice is one child awaited twice, as in asyncio. */
    ObjDict *seen = dict_new(vm);
    ObjList *done = seen ? list_new(vm, 0) : NULL;
    if (!done) return ERR;
    for (int i = 0; i < nargs; i++) {
        Value fut = dict_get(vm, seen, args[i]);
        if (fut == ERR) return ERR;
        if (fut == UNDEF) {
            fut = ensure_future(vm, args[i]);
            if (fut == ERR || dict_set(vm, seen, args[i], fut) < 0) return ERR;
            g->nfuts++;
            if (fut_done((Future *)as_obj(fut)) ? list_append(vm, done, fut) < 0
                                                : !future_add_callback(vm, (Future *)as_obj(fut), obj_val(g), CB_GATHER))
                return ERR;
        }
        if (list_append(vm, children, fut) < 0) return ERR;
    }
    /* As asyncio 3.12: children already done count at once, so a gather of
     * finished futures is finished when made (awaiting it does not yield). */
    for (int64_t i = 0; i < done->len; i++) {
        gather_child_done(vm, g, (Future *)as_obj(done->items[i]));
        if (vm->exc != UNDEF) return ERR;
    }
    return obj_val(g);
}

/* What gather(return_exceptions=True) reports for a child. */
static Value child_outcome(VM *vm, Future *c) {
    if (fut_state(c) == FUT_CANCELLED) {
        Value msg = !(c->obj.flags & FUT_EXC) && c->result != UNDEF ? c->result : obj_val(vm->empty_str);
        ObjTuple *a = tuple_from(vm, &msg, 1);
        return a ? exc_new(vm, vm->sched->cancelled_error, a) : ERR;
    }
    c->obj.flags &= ~FUT_LOG_TB;
    return c->result;
}

void gather_child_done(VM *vm, Gather *g, Future *child) {
    g->nfinished++;
    Future *outer = &g->fut;
    if (fut_done(outer)) {
        if (fut_state(child) != FUT_CANCELLED) child->obj.flags &= ~FUT_LOG_TB;
        return;
    }
    if (!(outer->obj.flags & GATHER_RETURN_EXC)) {
        if (fut_state(child) == FUT_CANCELLED) {
            Value e = future_cancelled_error(vm, child);
            if (e != ERR) future_set_exception(vm, outer, e);
            return;
        }
        if (child->obj.flags & FUT_EXC) {
            child->obj.flags &= ~FUT_LOG_TB;
            future_set_exception(vm, outer, child->result);
            return;
        }
    }
    if (g->nfinished < g->nfuts) return;
    ObjList *children = AS(ObjList, g->children);
    ObjList *results = list_new(vm, children->len);
    if (!results) return;
    for (int64_t i = 0; i < children->len; i++) {
        Value r = child_outcome(vm, (Future *)as_obj(children->items[i]));
        if (r == ERR || list_append(vm, results, r) < 0) return;
    }
    if (outer->obj.flags & GATHER_CANCEL_REQ) {
        Value e = future_cancelled_error(vm, child);
        if (e != ERR) future_set_exception(vm, outer, e);
        return;
    }
    future_set_result(vm, outer, obj_val(results));
}

static bool gather_cancel(VM *vm, Gather *g, Value msg) {
    ObjList *children = AS(ObjList, g->children);
    bool any = false;
    for (int64_t i = 0; i < children->len; i++) {
        if (future_cancel(vm, (Future *)as_obj(children->items[i]), msg)) any = true;
        if (vm->exc != UNDEF) return false;
    }
    if (any) g->fut.obj.flags |= GATHER_CANCEL_REQ;
    return any;
}

/* Future and Task live in CPython's _asyncio module (their reprs say so)
 * and are generic (`asyncio.Future[int]`). */
bool future_class_setup(VM *vm, ObjClass *c) {
    Value mod = str_from_cstr(vm, "_asyncio");
    if (mod == ERR || dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return false;
    c->module = mod;
    return class_add_generic(vm, c);
}

bool future_init_classes(VM *vm) {
    Sched *s = vm->sched;
    ObjClass *c = class_new_builtin(vm, "Future", vm->types[T_OBJECT], OBJ_CDATA);
    if (!c) return false;
    c->ctype = &future_ctype;
    c->obj.flags |= CLASS_FUTURE | CLASS_BASETYPE;
    s->future_cls = c;
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__new__", m_new}, {"__init__", m_init}, {"result", m_result}, {"exception", m_exception},
        {"set_result", m_set_result}, {"set_exception", m_set_exception}, {"cancel", m_cancel},
        {"cancelled", m_cancelled}, {"done", m_done}, {"add_done_callback", m_add_done_callback},
        {"remove_done_callback", m_remove_done_callback}, {"get_loop", m_get_loop},
        {"__repr__", m_repr}, {"__await__", m_await}, {"__iter__", m_await},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    if (!future_class_setup(vm, c) || !add_properties(vm, c)) return false;
    ObjClass *g = class_new_builtin(vm, "_GatheringFuture", c, OBJ_CDATA);
    if (!g) return false;
    g->ctype = &gather_ctype;
    g->obj.flags |= CLASS_FUTURE;
    s->gather_cls = g;
    return true;
}
