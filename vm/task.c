/* Tasks: a coroutine driven by the scheduler (see future.h). The step
 * follows asyncio's Task.__step: resume the coroutine (or throw into it),
 * then look at what came out: a return finishes the task, an exception fails
 * or cancels it, a yielded pending future is the one leaf the task now waits
 * on, and a bare `yield` (sleep(0)) puts the task back on the ready queue. */
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

#define SELF ((Task *)as_obj(args[0]))

static void task_mark(VM *vm, Obj *o) {
    Task *t = (Task *)o;
    gc_mark_value(vm, t->fut.result);
    gc_mark_value(vm, t->fut.callbacks);
    gc_mark_value(vm, t->coro);
    gc_mark_value(vm, t->waiter);
    gc_mark_value(vm, t->context);
    gc_mark_value(vm, t->name);
    gc_mark_value(vm, t->handled);
}

static const CType task_ctype = {sizeof(Task), task_mark, NULL, NULL};

/* What asyncio.iscoroutine() accepts: a coroutine, one of asyncio's native
 * operations (Queue.get(), ...), which are coroutines to Python code, or
 * any object whose class has the methods of collections.abc.Coroutine (an
 * async generator's aclose() awaitable, say). resume() drives all but the
 * first through their send() and throw(). */
bool task_is_coro(VM *vm, Value v) {
    if (is_coroutine(vm, v) || is_await_op(v)) return true;
    if (!is_obj(v)) return false;
    static const char *const methods[] = {"__await__", "send", "throw", "close"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (class_lookup(as_obj(v)->cls, str_intern_cstr(vm, methods[i])) == UNDEF) return false;
    }
    return true;
}

bool is_task(Value v) { return is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &task_ctype; }

/* A new task of class cls (Task or a Python subclass) with no coroutine
 * yet (coro None: Task.__new__ makes one so, Task.__init__ sets it up). */
static Task *task_alloc(VM *vm, ObjClass *cls) {
    Task *t = gc_new_instance(vm, sizeof(Task), OBJ_CDATA, cls);
    if (!t) return NULL;
    t->fut.result = t->fut.callbacks = UNDEF;
    t->coro = NONE_VAL;
    t->waiter = t->handled = t->context = t->name = UNDEF;
    return t;
}

/* Gives t its coroutine, name, context and number, and schedules its
 * first step; with `eager` on a running loop, runs that step now, inside
 * the creator's call, as asyncio's eager tasks do (a task that finishes
 * there never waits in the ready queue). */
static bool task_start(VM *vm, Task *t, Value coro, Value name, Value context, bool eager) {
    Sched *s = vm->sched;
    if (!task_is_coro(vm, coro)) {
        exc_raise(vm, E_TypeError, "a coroutine was expected, got %R", coro);
        return false;
    }
    /* Each task runs in a copy of its creator's context, as in asyncio. */
    if (context == UNDEF && (context = context_copy_current(vm)) == ERR) return false;
    t->coro = coro;
    t->context = context;
    t->name = name;
    if (name == UNDEF) t->number = ++s->task_counter;    /* only unnamed tasks take a number, as asyncio's */
    if (!eager || !s->running) {
        if (!sched_push(vm, RUN_STEP, obj_val(t), UNDEF, UNDEF)) return false;
        sched_task_started(vm, t);
        return true;
    }
    sched_task_started(vm, t);
    if (!vm_push_root(vm, obj_val(t))) return false;
    bool ok = task_step(vm, t, UNDEF);
    vm_pop_roots(vm, 1);
    if (ok && fut_done(&t->fut)) t->coro = NONE_VAL;      /* as asyncio drops it (repr, get_coro) */
    return ok;
}

Task *task_new(VM *vm, Value coro, Value name, Value context) {
    Task *t = task_alloc(vm, vm->sched->task_cls);
    return t && task_start(vm, t, coro, name, context, false) ? t : NULL;
}

Task *task_new_eager(VM *vm, Value coro, Value name, Value context) {
    Task *t = task_alloc(vm, vm->sched->task_cls);
    return t && task_start(vm, t, coro, name, context, true) ? t : NULL;
}

Value task_name(VM *vm, Task *t) {
    if (t->name == UNDEF || t->name == NONE_VAL) {
        char buf[32];
        snprintf(buf, sizeof buf, "Task-%u", t->number);
        Value n = str_from_cstr(vm, buf);
        if (n == ERR) return ERR;
        t->name = n;
    }
    return t->name;
}

bool task_cancel(VM *vm, Task *t, Value msg) {
    t->fut.obj.flags &= ~FUT_LOG_TB;
    if (fut_done(&t->fut)) return false;
    t->cancels++;
    if (t->waiter != UNDEF && future_cancel(vm, (Future *)as_obj(t->waiter), msg)) return true;
    if (vm->exc != UNDEF) return false;
    t->fut.obj.flags |= TASK_MUST_CANCEL;
    t->fut.result = msg == NONE_VAL ? UNDEF : msg;
    return true;
}

/* ---- the step ---------------------------------------------------------- */

static bool is_cancelled_error(VM *vm, Value e) {
    return is_kind(e, OBJ_EXC) && class_is_subclass(as_obj(e)->cls, vm->sched->cancelled_error);
}

/* Schedules a step that throws a RuntimeError built by exc_raise's format. */
static bool step_with_error(VM *vm, Task *t) {
    Value e = vm->exc;
    vm->exc = UNDEF;
    return sched_push(vm, RUN_STEP, obj_val(t), e, UNDEF);
}

/* Resumes the coroutine: a native coroutine directly, anything else with a
 * coroutine's methods through send()/throw(). */
static Value resume(VM *vm, Task *t, Value exc, bool *done) {
    if (is_kind(t->coro, OBJ_GEN)) {
        ObjGen *g = AS(ObjGen, t->coro);
        /* A throw goes down the await chain to where the task waits. */
        return exc == UNDEF ? gen_resume(vm, g, NONE_VAL, UNDEF, done) : gen_throw(vm, g, exc, true, done);
    }
    Value r = exc == UNDEF ? op_call_method(vm, t->coro, str_intern_cstr(vm, "send"), (Value[]){NONE_VAL}, 1)
                           : op_call_method(vm, t->coro, str_intern_cstr(vm, "throw"), &exc, 1);
    *done = false;
    if (r == ERR && exc_is(vm, vm->exc, E_StopIteration)) {
        ObjTuple *a = AS(ObjException, vm->exc)->args;
        vm->exc = UNDEF;
        *done = true;
        return a->len ? a->items[0] : NONE_VAL;
    }
    if (r == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object has no attribute 'send'", t->coro);
    return r;
}

/* The coroutine ended: with a value (r) or an exception (ERR, in vm->exc). */
static bool step_ended(VM *vm, Task *t, Value r) {
    Future *f = &t->fut;
    bool ok = true;
    if (r != ERR) {
        if (f->obj.flags & TASK_MUST_CANCEL) {
            /* Cancelled right before the coroutine returned. */
            f->obj.flags &= ~TASK_MUST_CANCEL;
            Value msg = f->result;
            f->result = UNDEF;
            ok = future_cancel_plain(vm, f, msg, UNDEF);
        } else {
            ok = future_set_result(vm, f, r);
        }
        sched_task_done(vm, t);
        return ok;
    }
    Value e = vm->exc;
    vm->exc = UNDEF;
    f->obj.flags &= ~TASK_MUST_CANCEL;
    if (is_cancelled_error(vm, e)) {
        /* Keep the coroutine's own CancelledError: awaiting the task raises it. */
        f->result = UNDEF;
        ok = future_cancel_plain(vm, f, UNDEF, e);
    } else {
        ok = future_set_exception(vm, f, e);
        if (ok && (exc_is(vm, e, E_KeyboardInterrupt) || exc_is(vm, e, E_SystemExit))) {
            sched_task_done(vm, t);
            vm->exc = e;
            return false;
        }
    }
    sched_task_done(vm, t);
    return ok;
}

/* The coroutine yielded r. */
static bool step_yielded(VM *vm, Task *t, Value r) {
    if (is_future(r)) {
        Future *w = (Future *)as_obj(r);
        if (!(w->obj.flags & FUT_BLOCKING)) {
            exc_raise(vm, E_RuntimeError, "yield was used instead of yield from in task %R with %R", obj_val(t), r);
            return step_with_error(vm, t);
        }
        if (w == &t->fut) {
            exc_raise(vm, E_RuntimeError, "Task cannot await on itself: %R", obj_val(t));
            return step_with_error(vm, t);
        }
        w->obj.flags &= ~FUT_BLOCKING;
        if (w->callbacks == UNDEF && !fut_done(w)) w->callbacks = obj_val(t);     /* future_add_callback's usual case */
        else if (!future_add_callback(vm, w, obj_val(t), CB_WAKEUP)) return false;
        t->waiter = r;
        if (t->fut.obj.flags & TASK_MUST_CANCEL) {
            Value msg = t->fut.result;
            if (future_cancel(vm, w, msg == UNDEF ? NONE_VAL : msg)) {
                t->fut.obj.flags &= ~TASK_MUST_CANCEL;
                t->fut.result = UNDEF;
            }
        }
        return true;
    }
    if (r == NONE_VAL) return sched_push(vm, RUN_STEP, obj_val(t), UNDEF, UNDEF);
    if (is_generator(vm, r))
        exc_raise(vm, E_RuntimeError, "yield was used instead of yield from for generator in task %R with %R", obj_val(t), r);
    else
        exc_raise(vm, E_RuntimeError, "Task got bad yield: %R", r);
    return step_with_error(vm, t);
}

bool task_step(VM *vm, Task *t, Value exc) {
    Sched *s = vm->sched;
    Future *f = &t->fut;
    if (fut_done(f)) return true;
    if (f->obj.flags & TASK_MUST_CANCEL) {
        if (!is_cancelled_error(vm, exc)) {
            Value msg = f->result;
            ObjTuple *a = msg == UNDEF ? vm->empty_tuple : tuple_from(vm, &msg, 1);
            exc = a ? exc_new(vm, s->cancelled_error, a) : ERR;
            if (exc == ERR) return false;
        }
        f->obj.flags &= ~TASK_MUST_CANCEL;
        f->result = UNDEF;
    }
    t->waiter = UNDEF;
    Task *caller = s->current;      /* the task creating an eager one, or NULL */
    s->current = t;
    s->steps++;
    /* The task handles its own exception; while it handles none,
     * sys.exc_info() in it sees what the code running the loop handles
     * (asyncio.run() called in an except block), as CPython's chain. */
    Fiber *fb = vm->fiber;
    Value outer = fb->handled, outer_seen = fb->handled_outer;
    fb->handled_outer = fiber_handled(fb);
    fb->handled = t->handled;
    Value prev = context_enter(vm, t->context);
    if (prev == ERR) {
        fb->handled = outer;
        fb->handled_outer = outer_seen;
        s->current = caller;
        return step_ended(vm, t, ERR);
    }
    bool done;
    Value r = resume(vm, t, exc, &done);
    context_exit(vm, prev);
    t->handled = fb->handled;
    fb->handled = outer;
    fb->handled_outer = outer_seen;
    s->current = caller;
    if (r == ERR || done) return step_ended(vm, t, r);
    return step_yielded(vm, t, r);
}

/* ---- repr -------------------------------------------------------------- */

/* "main() running at x.asy:5", as asyncio describes a task's coroutine. */
static void coro_info(VM *vm, Value coro, StrBuf *b) {
    if (!is_kind(coro, OBJ_GEN)) {
        /* Another kind of coroutine: its name, as asyncio words it. */
        Value saved = vm->exc;
        Value name = op_getattr_opt(vm, coro, vm_name(vm, N___qualname__));
        if (!is_str(name) || !AS(ObjStr, name)->len) name = op_getattr_opt(vm, coro, vm_name(vm, N___name__));
        vm->exc = saved;
        if (is_str(name) && AS(ObjStr, name)->len) sb_adds(b, AS(ObjStr, name)->data);
        else sb_addf(b, "<%s without __name__>", as_obj(coro)->cls->name->data);
        sb_adds(b, "()");
        return;
    }
    ObjGen *g = AS(ObjGen, coro);
    sb_addf(b, "%s()", g->qualname->data);
    ObjCode *code = g->frame ? g->frame->code : NULL;
    if (!code) return;
    if (g->state == GEN_DONE)
        sb_addf(b, " done, defined at %s:%d", code->filename->data, code->firstline);
    else
        sb_addf(b, " running at %s:%d", code->filename->data,
                g->state == GEN_CREATED ? code->firstline : code_line(code, g->frame->ip));
}

/* asyncio's order: state, name, coroutine, the future waited on, the
 * outcome, the done callbacks. */
static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Task *t = SELF;
    Value name = task_name(vm, t);
    if (name == ERR) return ERR;
    static const char *states[] = {"pending", "cancelled", "finished"};
    bool cancelling = t->cancels > 0 && !fut_done(&t->fut);
    StrBuf b = SB_INIT;
    sb_addf(&b, "<Task %s name=", cancelling ? "cancelling" : states[fut_state(&t->fut)]);
    Value saved = vm->exc;
    if (!op_repr_to(vm, name, &b)) vm->exc = saved;
    if (t->coro != NONE_VAL) {
        sb_adds(&b, " coro=<");
        coro_info(vm, t->coro, &b);
        sb_addc(&b, '>');
    }
    if (t->waiter != UNDEF) {
        sb_adds(&b, " wait_for=");
        /* (a queue or lock operation shows as the future it is) */
        Value fr = is_await_op(t->waiter) ? future_repr(vm, (Future *)as_obj(t->waiter)) : op_repr(vm, t->waiter);
        if (fr == ERR) { vm->exc = saved; sb_adds(&b, "<?>"); }
        else sb_add(&b, AS(ObjStr, fr)->data, (size_t)AS(ObjStr, fr)->len);
    }
    future_result_info(vm, &t->fut, &b);
    async_callbacks_info(vm, &t->fut, &b);
    sb_addc(&b, '>');
    return str_from_buf(vm, &b);
}

/* ---- the Task class ---------------------------------------------------- */

static bool check_task(VM *vm, Value v, const char *method) {
    if (is_task(v)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'Task' object but received a '%T'", method, v);
    return false;
}

/* Task.__init__(coro, *, loop=None, name=None, context=None,
 * eager_start=False): schedules it (or, eagerly, runs its first step). */
static Value init_task(VM *vm, Task *t, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"coro", "loop", "name", "context", "eager_start"};
    Value out[5];
    if (!args_bind(vm, "Task", args, nargs, kw, names, 5, 1, 1, 0, out)) return ERR;
    if (t->coro != NONE_VAL || fut_done(&t->fut)) return exc_raise(vm, E_RuntimeError, "Task is already initialized");
    Value name = out[2] == UNDEF || out[2] == NONE_VAL ? UNDEF : out[2];
    if (name != UNDEF && !is_str(name)) {
        name = op_str(vm, name);
        if (name == ERR) return ERR;
    }
    int eager = out[4] == UNDEF ? 0 : op_truthy(vm, out[4]);
    if (eager < 0) return ERR;
    Value ctx = out[3] == NONE_VAL ? UNDEF : out[3];
    return task_start(vm, t, out[0], name, ctx, eager) ? NONE_VAL : ERR;
}

static Value m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "__init__")) return ERR;
    return init_task(vm, SELF, args + 1, nargs - 1, kw);
}

/* Task.__new__(cls, ...): calling Task itself (a builtin type: no __init__
 * call follows) makes and starts the task here; a Python subclass gets an
 * empty task, which its __init__ starts through Task.__init__. */
static Value m_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!sched_get(vm)) return ERR;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "_asyncio.Task.__new__(): not enough arguments");
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "_asyncio.Task.__new__(X): X is not a type object (%T)", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    if (cls->ctype != &task_ctype)
        return exc_raise(vm, E_TypeError, "_asyncio.Task.__new__(%s): %s is not a subtype of _asyncio.Task", cls->name->data, cls->name->data);
    Task *t = task_alloc(vm, cls);
    if (!t) return ERR;
    if (cls != vm->sched->task_cls) return obj_val(t);
    return init_task(vm, t, args + 1, nargs - 1, kw) == ERR ? ERR : obj_val(t);
}

static Value m_get_coro(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "get_coro") || !args_none(vm, "Task", "get_coro", nargs, kw)) return ERR;
    return SELF->coro;
}

static Value m_get_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "get_name") || !args_none(vm, "Task", "get_name", nargs, kw)) return ERR;
    return task_name(vm, SELF);
}

static Value m_set_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "set_name") || !args_check(vm, "set_name", nargs - 1, kw, 1, 1)) return ERR;
    Value n = is_str(args[1]) ? args[1] : op_str(vm, args[1]);
    if (n == ERR) return ERR;
    SELF->name = n;
    return NONE_VAL;
}

static Value m_get_context(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "get_context") || !args_none(vm, "Task", "get_context", nargs, kw)) return ERR;
    return SELF->context == UNDEF ? NONE_VAL : SELF->context;
}

static Value m_cancelling(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "cancelling") || !args_none(vm, "Task", "cancelling", nargs, kw)) return ERR;
    return int_val(SELF->cancels);
}

static Value m_uncancel(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_task(vm, args[0], "uncancel") || !args_none(vm, "Task", "uncancel", nargs, kw)) return ERR;
    Task *t = SELF;
    if (t->cancels > 0) t->cancels--;
    return int_val(t->cancels);
}

/* get_stack(*, limit=None): the coroutine's frame while it has one, else
 * the frames of the traceback of the exception it ended with, as asyncio.
 * (A suspended coroutine's frame has no f_back: the stack is that frame.) */
static Value m_get_stack(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"limit"};
    Value out[1];
    if (!check_task(vm, args[0], "get_stack")) return ERR;
    if (nargs > 1) return exc_raise(vm, E_TypeError, "get_stack() takes no positional arguments");
    if (!args_bind(vm, "get_stack", args + 1, nargs - 1, kw, names, 1, 0, 0, 0, out)) return ERR;
    int64_t limit = -1;
    if (out[0] != UNDEF && out[0] != NONE_VAL) {
        if (!is_int(out[0])) return exc_raise(vm, E_TypeError, "limit must be an int or None");
        limit = as_int(out[0]) < 0 ? 0 : as_int(out[0]);
    }
    Task *t = SELF;
    ObjList *frames = list_new(vm, 0);
    if (!frames || !vm_push_root(vm, obj_val(frames))) return ERR;
    Value f = is_kind(t->coro, OBJ_GEN) ? op_getattr(vm, t->coro, str_intern_cstr(vm, "cr_frame")) : NONE_VAL;
    bool ok = f != ERR;
    if (ok && f != NONE_VAL) {
        if (limit != 0) ok = list_append(vm, frames, f) == 0;
    } else if (ok && fut_state(&t->fut) == FUT_FINISHED && (t->fut.obj.flags & FUT_EXC)) {
        Value tb = op_getattr(vm, t->fut.result, str_intern_cstr(vm, "__traceback__"));
        for (; ok && tb != NONE_VAL && limit != 0; limit--) {
            Value fr = tb == ERR ? ERR : op_getattr(vm, tb, str_intern_cstr(vm, "tb_frame"));
            ok = fr != ERR && list_append(vm, frames, fr) == 0;
            if (ok) tb = op_getattr(vm, tb, str_intern_cstr(vm, "tb_next"));
            ok = ok && tb != ERR;
        }
    }
    vm_pop_roots(vm, 1);
    return ok ? obj_val(frames) : ERR;
}

/* Read-only views of asyncio's pure-Python Task attributes. */
static Value p_coro(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return check_task(vm, args[0], "_coro") ? SELF->coro : ERR;
}

static Value p_fut_waiter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_task(vm, args[0], "_fut_waiter")) return ERR;
    return SELF->waiter == UNDEF ? NONE_VAL : SELF->waiter;
}

static Value p_must_cancel(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return check_task(vm, args[0], "_must_cancel") ? bool_val(SELF->fut.obj.flags & TASK_MUST_CANCEL) : ERR;
}

bool task_init_class(VM *vm) {
    Sched *s = vm->sched;
    ObjClass *c = class_new_builtin(vm, "Task", s->future_cls, OBJ_CDATA);
    if (!c) return false;
    c->ctype = &task_ctype;
    c->obj.flags |= CLASS_FUTURE | CLASS_BASETYPE;
    s->task_cls = c;
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__new__", m_new}, {"__init__", m_init}, {"get_coro", m_get_coro}, {"get_name", m_get_name},
        {"set_name", m_set_name}, {"get_context", m_get_context}, {"cancelling", m_cancelling},
        {"uncancel", m_uncancel}, {"__repr__", m_repr}, {"get_stack", m_get_stack},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    return class_add_property(vm, c, "_coro", p_coro) && class_add_property(vm, c, "_fut_waiter", p_fut_waiter) &&
           class_add_property(vm, c, "_must_cancel", p_must_cancel) && future_class_setup(vm, c);
}
