/* Async generators and their awaitables (see agen.h). This follows
 * CPython 3.11's Objects/genobject.c: the same states, checks and messages.
 *
 * The awaitables use the ObjIter layout (next = NULL, so they are driven
 * through their methods or agen_await_step):
 *   asend:  a = the async generator, b = the value to send first, i = state
 *   athrow: a = the async generator, b = the throw() arguments (a tuple), or
 *           UNDEF for aclose(), i = state
 *   anext_awaitable: a = what __anext__() returned, b = the default,
 *           c = the iterator that drives a (found on first use) */
#include "agen.h"

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "ops.h"
#include "scheduler.h"
#include "str.h"

enum { AW_INIT, AW_ITER, AW_CLOSED };

/* What one resumption of the frame did. */
enum { STEP_PASS, STEP_YIELD, STEP_RETURN };

void agen_chain_cause(VM *vm, Value cause) {
    Value e = vm->exc;
    if (!is_kind(e, OBJ_EXC) || !is_kind(cause, OBJ_EXC)) return;
    AS(ObjException, e)->cause = cause;
    AS(ObjException, e)->context = cause;
    AS(ObjException, e)->suppress_context = 1;
}

static Value raise_new(VM *vm, ExcId id) {
    Value e = exc_new(vm, vm->exc_types[id], NULL);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}


/* Resumes the frame of g: sends `send`, or throws `throw`. StopIteration
 * and StopAsyncIteration escaping the body become RuntimeError. */
static Value agen_step(VM *vm, ObjGen *g, Value send, Value throw, bool close_on_genexit, int *kind) {
    bool ran = g->state == GEN_CREATED || g->state == GEN_SUSPENDED;
    /* asyncio's firstiter hook: the loop closes what is left at the end. */
    if (g->state == GEN_CREATED && vm->sched && !sched_agen_started(vm, g)) return ERR;
    bool done;
    *kind = STEP_PASS;
    Value r = throw == UNDEF ? gen_resume(vm, g, send, UNDEF, &done) : gen_throw(vm, g, throw, close_on_genexit, &done);
    if (r == ERR) {
        Value e = vm->exc;
        bool si = exc_is(vm, e, E_StopIteration);
        if (ran && g->state == GEN_DONE && (si || exc_is(vm, e, E_StopAsyncIteration))) {
            vm->exc = UNDEF;
            exc_raise(vm, E_RuntimeError, "async generator raised %s", si ? "StopIteration" : "StopAsyncIteration");
            agen_chain_cause(vm, e);
        }
        return ERR;
    }
    if (done) *kind = STEP_RETURN;
    else if (gen_yield_kind(g) == YIELD_ASYNC) *kind = STEP_YIELD;
    return r;
}

/* CPython's async_gen_unwrap_value: a `yield v` of the body completes the
 * awaitable with v; the body's end is StopAsyncIteration. */
static Value unwrap(VM *vm, ObjGen *g, Value r, int kind, bool *done) {
    if (r != ERR) {
        if (kind == STEP_PASS) return r;
        if (kind == STEP_YIELD) {
            g->ag_running_async = 0;
            *done = true;
            return r;
        }
        raise_new(vm, E_StopAsyncIteration);
    }
    if (exc_is(vm, vm->exc, E_StopAsyncIteration) || exc_is(vm, vm->exc, E_GeneratorExit)) g->ag_closed = 1;
    g->ag_running_async = 0;
    return ERR;
}

static Value asend_step(VM *vm, ObjIter *o, Value send, Value throw, bool *done) {
    ObjGen *g = AS(ObjGen, o->a);
    if (o->i == AW_CLOSED) return exc_raise(vm, E_RuntimeError, "cannot reuse already awaited __anext__()/asend()");
    int kind;
    Value r;
    if (throw != UNDEF) {
        r = agen_step(vm, g, NONE_VAL, throw, true, &kind);
    } else {
        if (o->i == AW_INIT) {
            if (g->ag_running_async)
                return exc_raise(vm, E_RuntimeError, "anext(): asynchronous generator is already running");
            if (send == NONE_VAL || send == UNDEF) send = o->b;
            o->i = AW_ITER;
        }
        g->ag_running_async = 1;
        r = agen_step(vm, g, send, UNDEF, false, &kind);
    }
    r = unwrap(vm, g, r, kind, done);
    if (r == ERR || *done) o->i = AW_CLOSED;
    return r;
}

/* The outcome of a step of athrow()/aclose(). */
static Value athrow_result(VM *vm, ObjIter *o, ObjGen *g, Value r, int kind, bool *done) {
    if (o->b != UNDEF) {
        r = unwrap(vm, g, r, kind, done);
        if (r == ERR || *done) o->i = AW_CLOSED;
        return r;
    }
    /* aclose(): awaits inside the body pass through; a `yield` means it
     * ignored GeneratorExit; its end (or GeneratorExit/StopAsyncIteration)
     * completes the aclose() with None. */
    if (r != ERR && kind == STEP_PASS) return r;
    g->ag_running_async = 0;
    o->i = AW_CLOSED;
    if (r != ERR && kind == STEP_YIELD) return exc_raise(vm, E_RuntimeError, "async generator ignored GeneratorExit");
    if (r == ERR) {
        if (!exc_is(vm, vm->exc, E_StopAsyncIteration) && !exc_is(vm, vm->exc, E_GeneratorExit)) return ERR;
        vm->exc = UNDEF;
    }
    *done = true;
    return NONE_VAL;
}

static Value athrow_step(VM *vm, ObjIter *o, Value send, Value throw, bool *done) {
    ObjGen *g = AS(ObjGen, o->a);
    bool aclose = o->b == UNDEF;
    if (o->i == AW_CLOSED) return exc_raise(vm, E_RuntimeError, "cannot reuse already awaited aclose()/athrow()");
    int kind = STEP_PASS;
    Value r;
    if (throw != UNDEF) {
        r = agen_step(vm, g, NONE_VAL, throw, true, &kind);
    } else if (g->state == GEN_DONE) {
        o->i = AW_CLOSED;
        *done = true;
        return NONE_VAL;
    } else if (o->i == AW_INIT) {
        if (g->ag_running_async) {
            o->i = AW_CLOSED;
            return exc_raise(vm, E_RuntimeError, "%s(): asynchronous generator is already running", aclose ? "aclose" : "athrow");
        }
        if (g->ag_closed) {
            o->i = AW_CLOSED;
            return raise_new(vm, E_StopAsyncIteration);
        }
        if (send != NONE_VAL && send != UNDEF)
            return exc_raise(vm, E_RuntimeError, "can't send non-None value to a just-started coroutine");
        o->i = AW_ITER;
        g->ag_running_async = 1;
        Value e;
        if (aclose) {
            g->ag_closed = 1;
            e = exc_new(vm, vm->exc_types[E_GeneratorExit], NULL);
        } else {
            ObjTuple *t = AS(ObjTuple, o->b);
            e = gen_exc_from_args(vm, t->items, (int)t->len);
        }
        r = e == ERR ? ERR : agen_step(vm, g, NONE_VAL, e, false, &kind);
    } else {
        r = agen_step(vm, g, send, UNDEF, false, &kind);
    }
    return athrow_result(vm, o, g, r, kind, done);
}

static Value anext_step(VM *vm, ObjIter *o, Value send, Value throw, bool *done) {
    if (o->c == UNDEF) {
        /* A generator made awaitable by types.coroutine is stepped as it
         * is, as await does (interp.c's GET_AWAITABLE). */
        bool gen_coro = is_kind(o->a, OBJ_GEN) && AS(ObjGen, o->a)->frame &&
                        (AS(ObjGen, o->a)->frame->code->flags & CODE_ITERABLE_COROUTINE);
        Value it = is_coroutine(vm, o->a) || gen_coro ? o->a : agen_get_awaitable(vm, o->a);
        if (it == ERR) return ERR;
        o->c = it;
    }
    Value r = gen_iter_step(vm, o->c, send, throw, true, done);
    if (r == ERR && exc_is(vm, vm->exc, E_StopAsyncIteration)) {
        /* The end of the iteration: the await's result is the default. */
        vm->exc = UNDEF;
        *done = true;
        return o->b;
    }
    return r;
}

Value agen_await_step(VM *vm, ObjIter *aw, Value send, Value throw, bool *done) {
    *done = false;
    ObjClass *c = aw->obj.cls;
    if (c == vm->types[T_ASYNC_GENERATOR_ASEND]) return asend_step(vm, aw, send, throw, done);
    if (c == vm->types[T_ASYNC_GENERATOR_ATHROW]) return athrow_step(vm, aw, send, throw, done);
    return anext_step(vm, aw, send, throw, done);
}

int agen_await_close(VM *vm, ObjIter *aw) {
    if (aw->obj.cls != vm->types[T_ANEXT_AWAITABLE]) {
        aw->i = AW_CLOSED;
        return 0;
    }
    Value it = aw->c;
    if (it == UNDEF) return 0;
    if (is_kind(it, OBJ_GEN)) return gen_close(vm, AS(ObjGen, it));
    if (agen_is_awaitable(vm, it)) return agen_await_close(vm, AS(ObjIter, it));
    Value r = op_call_method(vm, it, str_intern_cstr(vm, "close"), NULL, 0);
    return r == ERR ? -1 : 0;
}

Value agen_get_awaitable(VM *vm, Value v) {
    if (is_coroutine(vm, v) || agen_is_awaitable(vm, v)) return v;
    Value m = op_special(vm, v, N___await__);
    if (m == UNDEF || m == NONE_VAL) return exc_raise(vm, E_TypeError, "object %T can't be used in 'await' expression", v);
    Value it = op_call_special(vm, v, m, NULL, 0);
    if (it == ERR) return ERR;
    if (!is_generator(vm, it) && !(is_kind(it, OBJ_ITER) && AS(ObjIter, it)->next) && !agen_is_awaitable(vm, it) &&
        op_special(vm, it, N___next__) == UNDEF) {
        if (is_coroutine(vm, it)) return exc_raise(vm, E_TypeError, "__await__() returned a coroutine");
        return exc_raise(vm, E_TypeError, "__await__() returned non-iterator of type '%T'", it);
    }
    return it;
}

static Value new_awaitable(VM *vm, TypeId t, Value a, Value b) {
    ObjIter *o = iter_new(vm, vm->types[t], NULL);
    if (!o) return ERR;
    o->a = a;
    o->b = b;
    o->i = AW_INIT;
    o->n = o->step = 0;
    return obj_val(o);
}

Value agen_asend_new(VM *vm, ObjGen *g, Value v) {
    return new_awaitable(vm, T_ASYNC_GENERATOR_ASEND, obj_val(g), v);
}

/* ---- methods of the awaitables ------------------------------------------ */

#define AW AS(ObjIter, args[0])
#define CHECK_AW(name) do { \
        if (nargs < 1 || !agen_is_awaitable(vm, args[0])) return gen_bad_self(vm, name, args, nargs); \
    } while (0)

static Value aw_result(VM *vm, Value r, bool done) {
    if (r == ERR) return ERR;
    return done ? gen_stop_iteration(vm, r) : r;
}

static Value aw_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AW("send");
    if (!args_check(vm, "send", nargs - 1, kw, 1, 1)) return ERR;
    bool done;
    Value r = agen_await_step(vm, AW, args[1], UNDEF, &done);
    return aw_result(vm, r, done);
}

static Value aw_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AW("__next__");
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    bool done;
    Value r = agen_await_step(vm, AW, NONE_VAL, UNDEF, &done);
    return aw_result(vm, r, done);
}

static Value aw_throw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AW("throw");
    if (!args_check(vm, "throw", nargs - 1, kw, 1, 3)) return ERR;
    if (nargs > 2 && !gen_warn_throw_signature(vm, "throw")) return ERR;
    Value e = gen_exc_from_args(vm, args + 1, nargs - 1);
    if (e == ERR) return ERR;
    bool done;
    Value r = agen_await_step(vm, AW, UNDEF, e, &done);
    return aw_result(vm, r, done);
}

static Value aw_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AW("close");
    if (!args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    return agen_await_close(vm, AW) < 0 ? ERR : NONE_VAL;
}

static Value aw_self(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AW("__await__");
    if (!args_check(vm, "__await__", nargs - 1, kw, 0, 0)) return ERR;
    return args[0];
}

/* ---- methods of async generators ---------------------------------------- */

#define AG AS(ObjGen, args[0])
#define CHECK_AG(name) do { \
        if (nargs < 1 || !is_async_generator(vm, args[0])) return gen_bad_self(vm, name, args, nargs); \
    } while (0)

static Value ag_aiter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("__aiter__");
    if (!args_check(vm, "__aiter__", nargs - 1, kw, 0, 0)) return ERR;
    return args[0];
}

static Value ag_anext(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("__anext__");
    if (!args_check(vm, "__anext__", nargs - 1, kw, 0, 0)) return ERR;
    return agen_asend_new(vm, AG, NONE_VAL);
}

static Value ag_asend(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("asend");
    if (!args_check(vm, "async_generator.asend", nargs - 1, kw, 1, 1)) return ERR;
    return agen_asend_new(vm, AG, args[1]);
}

static Value ag_athrow(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("athrow");
    if (!args_check(vm, "athrow", nargs - 1, kw, 1, 3)) return ERR;
    if (nargs > 2 && !gen_warn_throw_signature(vm, "athrow")) return ERR;
    ObjTuple *t = tuple_from(vm, args + 1, nargs - 1);
    if (!t) return ERR;
    return new_awaitable(vm, T_ASYNC_GENERATOR_ATHROW, args[0], obj_val(t));
}

static Value ag_aclose(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("aclose");
    if (!args_check(vm, "aclose", nargs - 1, kw, 0, 0)) return ERR;
    return new_awaitable(vm, T_ASYNC_GENERATOR_ATHROW, args[0], UNDEF);
}

static Value ag_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("__repr__");
    (void)kw;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<async_generator object %s at %p>", AG->qualname->data, (void *)AG);
    return str_from_buf(vm, &b);
}

static Value ag_running(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("ag_running");
    (void)kw;
    return bool_val(AG->ag_running_async);
}

static Value ag_await(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_AG("ag_await");
    (void)kw;
    ObjGen *g = AG;
    if (g->state != GEN_SUSPENDED || gen_yield_kind(g) != YIELD_DELEGATE) return NONE_VAL;
    return g->frame->sp[-1];
}

/* ---- aiter() and anext() ------------------------------------------------ */

static Value builtin_aiter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "aiter", nargs, kw, 1, 1)) return ERR;
    Value v = args[0];
    if (is_async_generator(vm, v)) return v;
    Value m = op_special(vm, v, N___aiter__);
    if (m == UNDEF || m == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not an async iterable", v);
    Value it = op_call_special(vm, v, m, NULL, 0);
    if (it == ERR) return ERR;
    if (!is_async_generator(vm, it) && op_special(vm, it, N___anext__) == UNDEF)
        return exc_raise(vm, E_TypeError, "aiter() returned not an async iterator of type '%T'", it);
    return it;
}

static Value builtin_anext(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "anext", nargs, kw, 1, 2)) return ERR;
    Value it = args[0], aw;
    if (is_async_generator(vm, it)) {
        aw = agen_asend_new(vm, AS(ObjGen, it), NONE_VAL);
    } else {
        Value m = op_special(vm, it, N___anext__);
        if (m == UNDEF || m == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not an async iterator", it);
        aw = op_call_special(vm, it, m, NULL, 0);
    }
    if (aw == ERR || nargs == 1) return aw;
    return new_awaitable(vm, T_ANEXT_AWAITABLE, aw, args[1]);
}

/* ---- registration ------------------------------------------------------- */

static bool add_property(VM *vm, ObjClass *cls, const char *name, NativeFn get) {
    ObjNative *n = native_new(vm, name, get);
    ObjProperty *p = n ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_PROPERTY]) : NULL;
    if (!p) return false;
    p->fget = obj_val(n);
    p->fset = p->fdel = p->doc = NONE_VAL;
    p->name = obj_val(n->name);
    return dict_set_str(vm, cls->dict, n->name, obj_val(p)) == 0;
}

bool agen_init(VM *vm) {
    static const struct { const char *name; NativeFn fn; } aw_methods[] = {
        {"send", aw_send}, {"__next__", aw_next}, {"throw", aw_throw}, {"close", aw_close},
        {"__await__", aw_self}, {"__iter__", aw_self},
    };
    static const TypeId aw_types[] = {T_ASYNC_GENERATOR_ASEND, T_ASYNC_GENERATOR_ATHROW, T_ANEXT_AWAITABLE};
    for (size_t t = 0; t < sizeof aw_types / sizeof aw_types[0]; t++) {
        for (size_t i = 0; i < sizeof aw_methods / sizeof aw_methods[0]; i++) {
            if (!class_add_native(vm, vm->types[aw_types[t]], aw_methods[i].name, aw_methods[i].fn)) return false;
        }
    }
    static const struct { const char *name; NativeFn fn; } ag_methods[] = {
        {"__aiter__", ag_aiter}, {"__anext__", ag_anext}, {"asend", ag_asend}, {"athrow", ag_athrow},
        {"aclose", ag_aclose}, {"__repr__", ag_repr},
    };
    ObjClass *ag = vm->types[T_ASYNC_GENERATOR];
    for (size_t i = 0; i < sizeof ag_methods / sizeof ag_methods[0]; i++) {
        if (!class_add_native(vm, ag, ag_methods[i].name, ag_methods[i].fn)) return false;
    }
    if (!add_property(vm, ag, "ag_running", ag_running) || !add_property(vm, ag, "ag_await", ag_await)) return false;
    static const struct { const char *name; NativeFn fn; } fns[] = {{"aiter", builtin_aiter}, {"anext", builtin_anext}};
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        ObjNative *n = native_new(vm, fns[i].name, fns[i].fn);
        if (!n || dict_set_str(vm, vm->builtins, n->name, obj_val(n)) < 0) return false;
    }
    return true;
}
