/* Generators (see gen.h). */
#include "gen.h"

#include "finalize.h"

#include <stdlib.h>
#include <string.h>

#include "agen.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "finalize.h"
#include "frameobj.h"
#include "func.h"
#include "gc.h"
#include "interp.h"
#include "ops.h"
#include "str.h"
#include "trace.h"

#define FRAME_WORDS ((sizeof(Frame) + sizeof(Value) - 1) / sizeof(Value))

static size_t frame_words(ObjCode *code) {
    return FRAME_WORDS + (size_t)(code->nlocals + code->ncells + code->nfrees) + (size_t)code->stacksize;
}

Value gen_new(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames) {
    ObjCode *code = fn->code;
    size_t nslots = (size_t)(code->nlocals + code->ncells + code->nfrees);
    size_t words = frame_words(code);
    TypeId t = code->flags & CODE_COROUTINE ? T_COROUTINE : code->flags & CODE_ASYNC_GEN ? T_ASYNC_GENERATOR : T_GENERATOR;
    /* One allocation for the object and its frame, which lives as long. */
    ObjGen *g = gc_new(vm, sizeof(ObjGen) + words * sizeof(Value), OBJ_GEN, vm->types[t]);
    if (!g) return ERR;
    Frame *f = (Frame *)(g + 1);
    g->frame = f;
    g->frame_words = (uint32_t)words;
    Frame *caller = vm->fiber ? vm->fiber->frame : NULL;
    if (t == T_COROUTINE && caller && caller->ip) {
        g->site = caller->code;     /* where it was created, for "never awaited" */
        g->obj.spare = (uint32_t)(caller->ip - caller->code->ins);
    }
    g->name = fn->name;
    g->qualname = fn->qualname;
    g->handled = g->saved_handled = g->saved_outer = UNDEF;
    f->slots = (Value *)f + FRAME_WORDS;     /* (gc_new zeroed the rest) */
    for (size_t i = 0; i < nslots; i++) f->slots[i] = UNDEF;
    f->code = code;
    f->func = fn;
    f->globals = fn->globals;
    f->ip = code->ins;
    f->sp = frame_stack_base(f);
    f->flags = FRAME_OWNED;
    f->gen = g;
    if ((code->flags & CODE_SIMPLE) && !kwnames && nargs == code->argcount) {
        for (int i = 0; i < nargs; i++) f->slots[i] = args[i];
    } else if (!func_bind_args(vm, fn, f->slots, args, nargs, kwnames)) {
        g->state = GEN_DONE;
        return ERR;
    }
    if (code->ncells || code->nfrees) {
        Value *cells = f->slots + code->nlocals;
        for (int i = 0; i < code->ncells; i++) {
            int arg = code->cell2arg[i];
            ObjCell *cell = cell_new(vm, arg >= 0 ? f->slots[arg] : UNDEF);
            if (!cell) return ERR;
            cells[i] = obj_val(cell);
        }
        for (int i = 0; i < code->nfrees; i++) cells[code->ncells + i] = fn->closure->items[i];
    }
    /* (Every async generator: one that asyncio's loop hooks is finalized
     * even without handlers, as its aclose() runs as a task.) */
    if (code->nexc || t == T_ASYNC_GENERATOR) finalize_track(vm, g, t == T_GENERATOR);
    return obj_val(g);
}

/* "generator", "coroutine" or "async generator", for messages. */
static const char *gen_kind_name(VM *vm, ObjGen *g) {
    ObjClass *c = g->obj.cls;
    return c == vm->types[T_COROUTINE] ? "coroutine" : c == vm->types[T_ASYNC_GENERATOR] ? "async generator" : "generator";
}

Value gen_resume(VM *vm, ObjGen *g, Value send, Value throw, bool *done) {
    *done = false;
    if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "%s already executing", gen_kind_name(vm, g));
    if (g->state == GEN_DONE) {
        if (g->obj.cls == vm->types[T_COROUTINE]) return exc_raise(vm, E_RuntimeError, "cannot reuse already awaited coroutine");
        if (throw != UNDEF) return exc_raise_value(vm, throw);
        *done = true;
        return NONE_VAL;
    }
    if (g->state == GEN_CREATED && send != NONE_VAL && send != UNDEF && throw == UNDEF)
        return exc_raise(vm, E_TypeError, "can't send non-None value to a just-started %s", gen_kind_name(vm, g));
    /* Checked before anything changes: the frame must stay as it stopped. */
    if (vm->c_depth >= C_DEPTH_MAX || vm->fiber->depth >= vm->recursion_limit)
        return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    Frame *f = g->frame;
    if (g->state == GEN_SUSPENDED && throw == UNDEF) *f->sp++ = send == UNDEF ? NONE_VAL : send;
    g->state = GEN_RUNNING;
    f->flags |= FRAME_ENTRY;
    vm->c_depth++;
    Value r = interp_resume(vm, f, throw);
    vm->c_depth--;
    f->flags &= ~FRAME_ENTRY;
    if (r == ERR) return ERR;
    *done = g->state == GEN_DONE;
    return r;
}

Value gen_stop_iteration(VM *vm, Value v) {
    ObjTuple *t = v == NONE_VAL ? vm->empty_tuple : tuple_from(vm, &v, 1);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* The value a StopIteration carries. */
static Value stop_value(Value e) {
    ObjTuple *a = AS(ObjException, e)->args;
    return a && a->len ? a->items[0] : NONE_VAL;
}

Value gen_iter_step(VM *vm, Value it, Value send, Value throw, bool close_on_genexit, bool *done) {
    *done = false;
    if (is_kind(it, OBJ_GEN)) {
        ObjGen *g = AS(ObjGen, it);
        return throw != UNDEF ? gen_throw(vm, g, throw, close_on_genexit, done) : gen_resume(vm, g, send, UNDEF, done);
    }
    if (agen_is_awaitable(vm, it)) return agen_await_step(vm, AS(ObjIter, it), send, throw, done);
    Value r;
    if (throw != UNDEF) {
        r = op_call_method(vm, it, str_intern_cstr(vm, "throw"), &throw, 1);
        if (r == UNDEF) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'throw'", it);
    } else if (send == NONE_VAL || send == UNDEF) {
        IterNextFn next = op_native_next(vm, it);
        if (next) {
            r = next(vm, AS(ObjIter, it));
            if (r == UNDEF) { *done = true; return NONE_VAL; }
            if (r != ERR) return r;     /* an ERR may be StopIteration(value): below */
        } else {
            Value m = op_special(vm, it, N___next__);
            if (m == UNDEF || m == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", it);
            r = op_call_special(vm, it, m, NULL, 0);
        }
    } else {
        r = op_call_method(vm, it, str_intern_cstr(vm, "send"), &send, 1);
        if (r == UNDEF) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'send'", it);
    }
    if (r == ERR && exc_is(vm, vm->exc, E_StopIteration)) {
        Value e = vm->exc;
        vm->exc = UNDEF;
        *done = true;
        return stop_value(e);
    }
    return r;
}

/* The sub-iterator a suspended generator is delegating to, or UNDEF. */
static Value gen_yf(ObjGen *g) {
    if (g->state != GEN_SUSPENDED || gen_yield_kind(g) != YIELD_DELEGATE) return UNDEF;
    return g->frame->sp[-1];
}

bool gen_awaiting(ObjGen *g) { return gen_yf(g) != UNDEF; }

/* Closes a sub-iterator: 0, or -1 after raising. */
static int close_iter(VM *vm, Value it) {
    if (is_kind(it, OBJ_GEN)) return gen_close(vm, AS(ObjGen, it));
    if (agen_is_awaitable(vm, it)) return agen_await_close(vm, AS(ObjIter, it));
    /* An error looking close() up is reported, not raised, as CPython's
     * gen_close_iter does; one from calling it is raised. */
    Value m = op_getattr_opt(vm, it, str_intern_cstr(vm, "close"));
    if (m == ERR) {
        exc_report_unraisable(vm, "Exception ignored in: ", it);
        return 0;
    }
    return m == UNDEF || op_call0(vm, m) != ERR ? 0 : -1;
}

/* A sub-iterator that is neither a generator nor an awaitable wrapper: its
 * own throw() method gets what was thrown as given, even a non-exception
 * (CPython checks the value only where it is raised). */
static bool is_plain_iter(VM *vm, Value it) {
    return it != UNDEF && !is_kind(it, OBJ_GEN) && !agen_is_awaitable(vm, it);
}

/* e is GeneratorExit: an instance of it, or the class (thrown unchanged to
 * a plain sub-iterator). */
static bool is_genexit(VM *vm, Value e) {
    if (is_kind(e, OBJ_CLASS)) return class_is_subclass(AS(ObjClass, e), vm->exc_types[E_GeneratorExit]);
    return is_kind(e, OBJ_EXC) && exc_is(vm, e, E_GeneratorExit);
}

/* The exception that throw(e) raises in the generator: e made an instance.
 * When e is an exception class whose instantiation fails, that error is
 * raised there instead, as in CPython; ERR only when e is no exception. */
static Value thrown_instance(VM *vm, Value e) {
    Value inst = gen_exc_from_args(vm, &e, 1);
    if (inst != ERR || !is_kind(e, OBJ_CLASS) ||
        !class_is_subclass(AS(ObjClass, e), vm->exc_types[E_BaseException]))
        return inst;
    inst = vm->exc;
    vm->exc = UNDEF;
    return inst;
}

Value gen_throw(VM *vm, ObjGen *g, Value e, bool close_on_genexit, bool *done) {
    *done = false;
    if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "%s already executing", gen_kind_name(vm, g));
    /* Anything but a plain sub-iterator needs the exception instance now. */
    if (!is_kind(e, OBJ_EXC) && !is_plain_iter(vm, gen_yf(g))) {
        e = thrown_instance(vm, e);
        if (e == ERR) return ERR;
    }
    /* A generator not started yet raises it at its first line, so the
     * traceback shows its frame, as CPython's. */
    if (g->state == GEN_CREATED) {
        Value r = gen_resume(vm, g, NONE_VAL, e, done);
        /* There it is raised before the body's PEP 479 guard begins, as in
         * CPython: a StopIteration thrown in stays itself. */
        if (r == ERR && is_kind(vm->exc, OBJ_EXC) && is_kind(e, OBJ_EXC) && AS(ObjException, vm->exc)->cause == e)
            vm->exc = e;
        return r;
    }
    Value yf = gen_yf(g);
    if (yf != UNDEF) {
        if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
        /* The sub-iterator runs script code: keep the exception alive. */
        if (!vm_push_root(vm, e)) return ERR;
        g->state = GEN_RUNNING;
        vm->c_depth++;
        Value r = UNDEF;
        bool sub_done = false, throw_here = false;
        if (close_on_genexit && is_genexit(vm, e)) {
            if (close_iter(vm, yf) < 0) { e = vm->exc; vm->exc = UNDEF; }
            throw_here = true;
        } else {
            if (!is_kind(yf, OBJ_GEN) && !agen_is_awaitable(vm, yf)) {
                r = op_getattr_opt(vm, yf, str_intern_cstr(vm, "throw"));
                if (r == UNDEF) throw_here = true;     /* no throw(): raise it here */
            }
            if (!throw_here && r != ERR) r = gen_iter_step(vm, yf, UNDEF, e, close_on_genexit, &sub_done);
        }
        vm->c_depth--;
        g->state = GEN_SUSPENDED;
        vm_pop_roots(vm, 1);
        if (throw_here && !is_kind(e, OBJ_EXC)) {
            e = thrown_instance(vm, e);
            if (e == ERR) return ERR;
        }
        /* A StopIteration raised at the yield from ends it with its value,
         * as CPython's CLEANUP_THROW makes it. */
        if (throw_here && exc_is(vm, e, E_StopIteration)) {
            r = stop_value(e);
            sub_done = true;
            throw_here = false;
        }
        if (!throw_here) {
            if (r != ERR && !sub_done) return r;
            if (r == ERR) {
                e = vm->exc;
                vm->exc = UNDEF;
            } else {
                /* It returned: g continues after its SEND loop with the value. */
                Frame *f = g->frame;
                uint32_t send = code_ins_at(f->code, f->ip - 2);
                f->sp--;
                f->ip = f->code->ins + (send >> 8);
                return gen_resume(vm, g, r, UNDEF, done);
            }
        }
    }
    if (!is_kind(e, OBJ_EXC)) {     /* a class or a non-exception kept for a sub-iterator */
        e = thrown_instance(vm, e);
        if (e == ERR) return ERR;
    }
    return gen_resume(vm, g, NONE_VAL, e, done);
}

int gen_close(VM *vm, ObjGen *g) {
    if (g->state == GEN_RUNNING) {
        exc_raise(vm, E_ValueError, "%s already executing", gen_kind_name(vm, g));
        return -1;
    }
    if (g->state != GEN_SUSPENDED) { g->state = GEN_DONE; return 0; }
    Value e = UNDEF;
    Value yf = gen_yf(g);
    if (yf != UNDEF) {
        g->state = GEN_RUNNING;
        int rc = close_iter(vm, yf);
        g->state = GEN_SUSPENDED;
        if (rc < 0) { e = vm->exc; vm->exc = UNDEF; }
    }
    if (e == UNDEF) {
        e = exc_new(vm, vm->exc_types[E_GeneratorExit], NULL);
        if (e == ERR) return -1;
    }
    bool done;
    Value r = gen_resume(vm, g, NONE_VAL, e, &done);
    if (r == ERR) {
        if (exc_is(vm, vm->exc, E_GeneratorExit) || exc_is(vm, vm->exc, E_StopIteration)) {
            vm->exc = UNDEF;
            return 0;
        }
        return -1;
    }
    if (!done) {
        exc_raise(vm, E_RuntimeError, "%s ignored GeneratorExit", gen_kind_name(vm, g));
        return -1;
    }
    return 0;
}

/* typ(*args), which must give an exception, as CPython checks. */
static Value exc_instantiate(VM *vm, ObjClass *typ, Value *args, int nargs) {
    Value e = class_call(vm, typ, args, nargs, NULL);
    if (e == ERR || is_kind(e, OBJ_EXC)) return e;
    return exc_raise(vm, E_TypeError, "calling %R should have returned an instance of BaseException, not %T",
                     obj_val(typ), e);
}

bool gen_warn_throw_signature(VM *vm, const char *method) {
    return exc_warn(vm, E_DeprecationWarning,
                    "the (type, exc, tb) signature of %s() is deprecated, use the single-arg signature instead.",
                    method);
}

Value gen_exc_from_args(VM *vm, Value *args, int nargs) {
    Value typ = args[0], val = nargs > 1 ? args[1] : NONE_VAL, tb = nargs > 2 ? args[2] : NONE_VAL;
    if (tb != NONE_VAL && !(is_kind(tb, OBJ_ITER) && as_obj(tb)->cls == vm->types[T_TRACEBACK]))
        return exc_raise(vm, E_TypeError, "throw() third argument must be a traceback object");
    if (is_kind(typ, OBJ_CLASS) && class_is_subclass(AS(ObjClass, typ), vm->exc_types[E_BaseException])) {
        ObjClass *c = AS(ObjClass, typ);
        if (val == NONE_VAL) return exc_instantiate(vm, c, NULL, 0);
        if (is_instance(vm, val, c)) return val;
        if (is_tuple(val)) return exc_instantiate(vm, c, AS(ObjTuple, val)->items, (int)AS(ObjTuple, val)->len);
        return exc_instantiate(vm, c, &val, 1);
    }
    if (!is_kind(typ, OBJ_EXC))
        return exc_raise(vm, E_TypeError, "exceptions must be classes or instances deriving from BaseException, not %T", typ);
    if (val != NONE_VAL) return exc_raise(vm, E_TypeError, "instance exception may not have a separate value");
    return typ;
}

void gen_mark(VM *vm, ObjGen *g) {
    gc_mark_value(vm, g->handled);
    gc_mark_value(vm, g->saved_handled);
    gc_mark_value(vm, g->saved_outer);
    gc_mark_obj(vm, (Obj *)g->name);
    gc_mark_obj(vm, (Obj *)g->qualname);
    gc_mark_obj(vm, (Obj *)g->site);
    Frame *f = g->frame;
    gc_mark_obj(vm, (Obj *)f->code);     /* gi_code, even once finished */
    if (f->flags & FRAME_OBSERVED) gc_mark_obj(vm, (Obj *)f->fo);
    if (g->state == GEN_DONE) return;
    gc_mark_obj(vm, (Obj *)f->func);
    gc_mark_obj(vm, (Obj *)f->globals);
    for (Value *v = f->slots; v < f->sp; v++) gc_mark_value(vm, *v);
}

/* SPEC 6.1: a coroutine that dies without ever running was most likely
 * meant to be awaited. Called from the sweep, which frees newest first, so
 * the creating code and the names (all older than the coroutine) are still
 * there. The warning is queued as plain text and shown once the collection
 * is over (vm_flush_warnings). */
void gen_queue_unawaited(VM *vm, const void *coro, ObjCode *site, uint32_t off, const char *qualname) {
    char msg[600], origin[600];
    snprintf(msg, sizeof msg, "coroutine '%s' was never awaited", qualname);
    snprintf(origin, sizeof origin, "<coroutine object %s at %p>", qualname, coro);
    if (site) vm_queue_warning(vm, msg, origin, site->filename->data, code_line(site, site->ins + off));
    else vm_queue_warning(vm, msg, origin, NULL, 0);
}

static bool never_awaited(VM *vm, ObjGen *g) {
    return g->state == GEN_CREATED && g->obj.cls == vm->types[T_COROUTINE] && !(g->obj.flags & GEN_WARNED);
}

void gen_free(VM *vm, ObjGen *g) {
    if (never_awaited(vm, g)) gen_queue_unawaited(vm, g, g->site, g->obj.spare, g->qualname->data);
}

void gen_dropped_at_once(VM *vm, ObjGen *g) {
    if (!never_awaited(vm, g)) return;
    g->obj.flags |= GEN_WARNED;
    gen_warn_unawaited(vm, obj_val(g), g->qualname->data);
}

void gen_warn_unawaited(VM *vm, Value coro, const char *qualname) {
    if (!vm_push_root(vm, coro)) return;
    if (!exc_warn_source(vm, E_RuntimeWarning, coro, "coroutine '%s' was never awaited", qualname))
        exc_report_unraisable(vm, "Exception ignored in: ", coro);
    vm_pop_roots(vm, 1);
}

Value gen_getattr(VM *vm, ObjGen *g, const char *n) {
    if (!strcmp(n, "__name__")) return obj_val(g->name);
    if (!strcmp(n, "__qualname__")) return obj_val(g->qualname);
    bool prefixed = (n[0] == 'g' && n[1] == 'i') || (n[0] == 'c' && n[1] == 'r') || (n[0] == 'a' && n[1] == 'g');
    if (!prefixed || n[2] != '_') return UNDEF;
    const char *p = n + 3;
    if (!strcmp(p, "code")) return g->frame ? obj_val(g->frame->code) : NONE_VAL;
    if (!strcmp(p, "running")) return bool_val(g->state == GEN_RUNNING);
    if (!strcmp(p, "suspended")) return bool_val(g->state == GEN_SUSPENDED);
    if (!strcmp(p, "frame")) {
        /* A snapshot of the generator's frame, as long as it has one. */
        if (g->state == GEN_DONE || !g->frame) return NONE_VAL;
        FrameObj *f = frameobj_of(vm, g->frame, g->frame->ip);
        if (f && g->state != GEN_RUNNING) frameobj_sync(vm, g->frame);
        return f ? obj_val(f) : ERR;
    }
    /* Where a coroutine was made: only with sys.set_coroutine_origin_tracking_depth, which Asy lacks. */
    if (n[0] == 'c' && !strcmp(p, "origin") && g->obj.cls == vm->types[T_COROUTINE]) return NONE_VAL;
    if (!strcmp(p, "yieldfrom") || !strcmp(p, "await")) {
        Value d = g->frame && g->state == GEN_SUSPENDED ? gen_yf(g) : UNDEF;
        return d == UNDEF ? NONE_VAL : d;
    }
    return UNDEF;
}

int gen_setattr(VM *vm, ObjGen *g, ObjStr *name, Value v) {
    bool qual = !strcmp(name->data, "__qualname__");
    if (!qual && strcmp(name->data, "__name__")) return 1;
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s must be set to a string object", name->data);
        return -1;
    }
    if (qual) g->qualname = AS(ObjStr, v);
    else g->name = AS(ObjStr, v);
    return 0;
}

/* ---- methods ----------------------------------------------------------- */

Value gen_bad_self(VM *vm, const char *name, Value *args, int nargs) {
    if (nargs < 1) return exc_raise(vm, E_TypeError, "unbound method %s() needs an argument", name);
    return exc_raise(vm, E_TypeError, "descriptor '%s' doesn't apply to a '%T' object", name, args[0]);
}

#define SELF AS(ObjGen, args[0])
#define CHECK_SELF(name) do { if (nargs < 1 || !is_kind(args[0], OBJ_GEN)) return gen_bad_self(vm, name, args, nargs); } while (0)

static Value m_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_SELF("__next__");
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    bool done;
    Value r = gen_resume(vm, SELF, NONE_VAL, UNDEF, &done);
    if (r == ERR) return ERR;
    return done ? gen_stop_iteration(vm, r) : r;
}

static Value m_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_SELF("send");
    if (!args_check(vm, "send", nargs - 1, kw, 1, 1)) return ERR;
    bool done;
    Value r = gen_resume(vm, SELF, args[1], UNDEF, &done);
    if (r == ERR) return ERR;
    return done ? gen_stop_iteration(vm, r) : r;
}

static Value m_throw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_SELF("throw");
    if (!args_check(vm, "throw", nargs - 1, kw, 1, 3)) return ERR;
    if (nargs > 2 && !gen_warn_throw_signature(vm, "throw")) return ERR;
    /* throw(x) leaves x as given: gen_throw makes the exception where it
     * is raised, after a plain sub-iterator's throw() has had x itself. */
    Value e = nargs == 2 ? args[1] : gen_exc_from_args(vm, args + 1, nargs - 1);
    if (e == ERR) return ERR;
    bool done;
    Value r = gen_throw(vm, SELF, e, true, &done);
    if (r == ERR) return ERR;
    return done ? gen_stop_iteration(vm, r) : r;
}

static Value m_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_SELF("close");
    if (!args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    return gen_close(vm, SELF) < 0 ? ERR : NONE_VAL;
}

/* generator.__del__() / coroutine.__del__(): what dropping it does, a
 * close() whose error is reported as unraisable (CPython's tp_finalize,
 * which dir() lists). */
static Value m_del(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_SELF("__del__");
    if (!args_check(vm, "__del__", nargs - 1, kw, 0, 0)) return ERR;
    if (SELF->state == GEN_SUSPENDED && gen_close(vm, SELF) < 0) exc_report_unraisable(vm, "Exception ignored in: ", args[0]);
    return NONE_VAL;
}

/* coroutine.__await__(): an iterator over the coroutine, for
 * `yield from coro.__await__()` in a user awaitable. Its send, throw and
 * close go to the coroutine. */
static Value wrapper_next(VM *vm, ObjIter *it) {
    bool done;
    Value r = gen_resume(vm, AS(ObjGen, it->a), NONE_VAL, UNDEF, &done);
    if (r == ERR) return ERR;
    return done ? gen_stop_iteration(vm, r) : r;
}

static Value m_await(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CHECK_SELF("__await__");
    if (!args_check(vm, "__await__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *it = iter_new(vm, vm->types[T_CORO_WRAPPER], wrapper_next);
    if (!it) return ERR;
    it->a = args[0];
    return obj_val(it);
}

static bool is_wrapper(VM *vm, Value v) { return is_kind(v, OBJ_ITER) && as_obj(v)->cls == vm->types[T_CORO_WRAPPER]; }

#define UNWRAP(name) do { \
        if (nargs < 1 || !is_wrapper(vm, args[0])) return gen_bad_self(vm, name, args, nargs); \
    } while (0)

static Value w_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    UNWRAP("send");
    Value a[2] = {AS(ObjIter, args[0])->a, nargs > 1 ? args[1] : NONE_VAL};
    return m_send(vm, a, nargs, kw);
}

static Value w_throw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    UNWRAP("throw");
    Value a[4] = {AS(ObjIter, args[0])->a, NONE_VAL, NONE_VAL, NONE_VAL};
    for (int i = 1; i < nargs && i < 4; i++) a[i] = args[i];
    return m_throw(vm, a, nargs, kw);
}

static Value w_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    UNWRAP("close");
    return m_close(vm, (Value[]){AS(ObjIter, args[0])->a}, nargs, kw);
}

static Value m_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    CHECK_SELF("__iter__");
    return args[0];
}

static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    CHECK_SELF("__repr__");
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%s object %s at %p>", as_obj(args[0])->cls->name->data, SELF->qualname->data, (void *)SELF);
    return str_from_buf(vm, &b);
}

static Value w_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    UNWRAP("__iter__");
    return args[0];
}

static Value w_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    UNWRAP("__next__");
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    return w_send(vm, (Value[]){args[0], NONE_VAL}, 2, NULL);
}

/* The gi_ and cr_ attributes as properties of the classes, so that dir()
 * and inspect list them; gen_getattr gives their values. */
#define GEN_PROPERTY(fn, attr) \
    static Value fn(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        (void)kw; \
        CHECK_SELF(attr); \
        return gen_getattr(vm, SELF, attr); \
    }
GEN_PROPERTY(p_gi_code, "gi_code")
GEN_PROPERTY(p_gi_frame, "gi_frame")
GEN_PROPERTY(p_gi_running, "gi_running")
GEN_PROPERTY(p_gi_suspended, "gi_suspended")
GEN_PROPERTY(p_gi_yieldfrom, "gi_yieldfrom")
GEN_PROPERTY(p_cr_await, "cr_await")
GEN_PROPERTY(p_cr_code, "cr_code")
GEN_PROPERTY(p_cr_frame, "cr_frame")
GEN_PROPERTY(p_cr_running, "cr_running")
GEN_PROPERTY(p_cr_suspended, "cr_suspended")

static bool add_properties(VM *vm) {
    ObjClass *g = vm->types[T_GENERATOR], *c = vm->types[T_COROUTINE];
    return class_add_property(vm, g, "gi_code", p_gi_code) && class_add_property(vm, g, "gi_frame", p_gi_frame) &&
           class_add_property(vm, g, "gi_running", p_gi_running) &&
           class_add_property(vm, g, "gi_suspended", p_gi_suspended) &&
           class_add_property(vm, g, "gi_yieldfrom", p_gi_yieldfrom) &&
           class_add_property(vm, c, "cr_await", p_cr_await) && class_add_property(vm, c, "cr_code", p_cr_code) &&
           class_add_property(vm, c, "cr_frame", p_cr_frame) && class_add_property(vm, c, "cr_running", p_cr_running) &&
           class_add_property(vm, c, "cr_suspended", p_cr_suspended);
}

bool gen_init(VM *vm) {
    ObjClass *g = vm->types[T_GENERATOR], *c = vm->types[T_COROUTINE];
    return class_add_native(vm, g, "__next__", m_next) && class_add_native(vm, g, "send", m_send) &&
           class_add_native(vm, g, "throw", m_throw) && class_add_native(vm, g, "close", m_close) &&
           class_add_native(vm, g, "__iter__", m_iter) && class_add_native(vm, g, "__repr__", m_repr) &&
           class_add_native(vm, g, "__del__", m_del) && class_add_native(vm, c, "__del__", m_del) &&
           class_add_native(vm, c, "send", m_send) && class_add_native(vm, c, "throw", m_throw) &&
           class_add_native(vm, c, "close", m_close) && class_add_native(vm, c, "__repr__", m_repr) &&
           class_add_native(vm, c, "__await__", m_await) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "send", w_send) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "throw", w_throw) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "close", w_close) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "__iter__", w_iter) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "__next__", w_next) && add_properties(vm);
}
