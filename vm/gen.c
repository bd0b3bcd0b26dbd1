/* Generators (see gen.h). */
#include "gen.h"

#include <stdlib.h>
#include <string.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "interp.h"
#include "opcodes.h"
#include "ops.h"
#include "str.h"

#define FRAME_WORDS ((sizeof(Frame) + sizeof(Value) - 1) / sizeof(Value))

static size_t frame_words(ObjCode *code) {
    return FRAME_WORDS + (size_t)(code->nlocals + code->ncells + code->nfrees) + (size_t)code->stacksize;
}

Value gen_new(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames) {
    ObjCode *code = fn->code;
    size_t nslots = (size_t)(code->nlocals + code->ncells + code->nfrees);
    size_t words = frame_words(code);
    bool coro = code->flags & CODE_COROUTINE;
    ObjGen *g = gc_new(vm, sizeof(ObjGen), OBJ_GEN, vm->types[coro ? T_COROUTINE : T_GENERATOR]);
    if (!g) return ERR;
    Frame *f = gc_malloc(vm, words * sizeof(Value));
    if (!f) return ERR;
    g->frame = f;
    Frame *caller = vm->fiber ? vm->fiber->frame : NULL;
    if (coro && caller && caller->ip) {
        g->site = caller->code;
        g->obj.spare = (uint32_t)(caller->ip - caller->code->ins);
    }
    g->name = fn->name;
    g->qualname = fn->qualname;
    memset(f, 0, sizeof *f);
    f->slots = (Value *)f + FRAME_WORDS;
    for (size_t i = 0; i < nslots; i++) f->slots[i] = UNDEF;
    f->code = code;
    f->func = fn;
    f->globals = fn->globals;
    f->ip = code->ins;
    f->sp = frame_stack_base(f);
    f->flags = FRAME_OWNED;
    f->gen = g;
    if (!func_bind_args(vm, fn, f->slots, args, nargs, kwnames)) {
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
    return obj_val(g);
}

/* Runs g's frame from where it stopped (the sent value, if any, is already
 * on its stack). */
static Value gen_run(VM *vm, ObjGen *g, Value throw, bool *done) {
    if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    Frame *f = g->frame;
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

/* The iterator g delegates to while it is stopped inside `yield from` or
 * `await` (its frame stopped at the YIELD_VALUE that follows a SEND, with the
 * iterator on top of its stack), or UNDEF. */
static Value gen_delegate(ObjGen *g) {
    Frame *f = g->frame;
    if (g->state != GEN_SUSPENDED || f->ip < f->code->ins + 2) return UNDEF;
    if (INS_OP(f->ip[-1]) != OP_YIELD_VALUE || INS_OP(f->ip[-2]) != OP_SEND) return UNDEF;
    return f->sp[-1];
}

/* Closes the iterator a generator delegates to, as close() does. */
static bool close_delegate(VM *vm, Value it) {
    if (is_kind(it, OBJ_GEN)) return gen_close(vm, AS(ObjGen, it));
    Value m = op_getattr_opt(vm, it, str_intern_cstr(vm, "close"));
    if (m == ERR) return false;
    return m == UNDEF || op_call(vm, m, NULL, 0, NULL) != ERR;
}

/* throw() into a generator stopped in `yield from`/`await` goes to the
 * iterator it delegates to first, as in CPython, so that the innermost
 * frame's `finally` blocks run: a task's cancellation lands at the await
 * where it is waiting. */
static Value throw_delegated(VM *vm, ObjGen *g, Value yf, Value exc, bool *done) {
    if (!vm_push_root(vm, exc)) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    g->state = GEN_RUNNING;
    Value r;
    bool subdone = false;
    if (exc_is(vm, exc, E_GeneratorExit)) {
        r = close_delegate(vm, yf) ? UNDEF : ERR;
        subdone = true;
    } else if (is_kind(yf, OBJ_GEN)) {
        r = gen_resume(vm, AS(ObjGen, yf), NONE_VAL, exc, &subdone);
    } else {
        Value m = op_getattr_opt(vm, yf, str_intern_cstr(vm, "throw"));
        if (m == UNDEF) {
            r = UNDEF;      /* no throw(): raise in g itself */
            subdone = true;
        } else {
            r = m == ERR ? ERR : op_call1(vm, m, exc);
            if (r == ERR && exc_is(vm, vm->exc, E_StopIteration)) {
                ObjTuple *a = AS(ObjException, vm->exc)->args;
                r = a->len ? a->items[0] : NONE_VAL;
                vm->exc = UNDEF;
                subdone = true;
            }
        }
    }
    vm_pop_roots(vm, 1);
    g->state = GEN_SUSPENDED;
    Frame *f = g->frame;
    if (r == ERR) {                 /* the delegate raised: so does g, where it waits */
        Value e = vm->exc;
        vm->exc = UNDEF;
        return gen_run(vm, g, e, done);
    }
    if (r == UNDEF) return gen_run(vm, g, exc, done);
    if (!subdone) {                 /* the delegate yielded: g stays where it is */
        *done = false;
        return r;
    }
    /* The delegate finished: g goes on after its loop with the result. */
    f->sp[-1] = r;
    f->ip = f->code->ins + INS_ARG(f->ip[-2]);
    return gen_run(vm, g, UNDEF, done);
}

Value gen_resume(VM *vm, ObjGen *g, Value send, Value throw, bool *done) {
    *done = false;
    if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "generator already executing");
    if (g->state == GEN_DONE) {
        if (g->obj.cls == vm->types[T_COROUTINE]) return exc_raise(vm, E_RuntimeError, "cannot reuse already awaited coroutine");
        if (throw != UNDEF) return exc_raise_value(vm, throw);
        *done = true;
        return NONE_VAL;
    }
    if (g->state == GEN_CREATED && send != NONE_VAL && send != UNDEF && throw == UNDEF)
        return exc_raise(vm, E_TypeError, "can't send non-None value to a just-started generator");
    if (throw != UNDEF) {
        Value yf = gen_delegate(g);
        if (yf != UNDEF) return throw_delegated(vm, g, yf, throw, done);
    }
    Frame *f = g->frame;
    if (g->state == GEN_SUSPENDED && throw == UNDEF) *f->sp++ = send == UNDEF ? NONE_VAL : send;
    return gen_run(vm, g, throw, done);
}

void gen_mark(VM *vm, ObjGen *g) {
    gc_mark_obj(vm, (Obj *)g->name);
    gc_mark_obj(vm, (Obj *)g->qualname);
    gc_mark_obj(vm, (Obj *)g->site);
    Frame *f = g->frame;
    if (!f || g->state == GEN_DONE) return;
    gc_mark_obj(vm, (Obj *)f->func);
    gc_mark_obj(vm, (Obj *)f->code);
    gc_mark_obj(vm, (Obj *)f->globals);
    for (Value *v = f->slots; v < f->sp; v++) gc_mark_value(vm, *v);
}

/* SPEC 6.1: a coroutine that dies without ever running was most likely
 * meant to be awaited. Called from the sweep, which frees newest first, so
 * the creating code and the names (all older than the coroutine) are still
 * there. The warning is queued as plain text and shown once the collection
 * is over (vm_flush_warnings). */
static void warn_never_awaited(VM *vm, ObjGen *g) {
    char msg[1024];
    const char *file = NULL;
    int line = 0;
    if (g->site) {
        file = g->site->filename->data;
        line = code_line(g->site, g->site->ins + g->obj.spare);
        snprintf(msg, sizeof msg, "%s:%d: RuntimeWarning: coroutine '%s' was never awaited", file, line, g->qualname->data);
    } else {
        snprintf(msg, sizeof msg, "RuntimeWarning: coroutine '%s' was never awaited", g->qualname->data);
    }
    vm_queue_warning(vm, msg, file, line);
}

void gen_free(VM *vm, ObjGen *g) {
    if (g->state == GEN_CREATED && g->obj.cls == vm->types[T_COROUTINE]) warn_never_awaited(vm, g);
    if (g->frame) gc_free(vm, g->frame, frame_words(g->frame->code) * sizeof(Value));
    g->frame = NULL;
}

/* ---- methods ----------------------------------------------------------- */

#define SELF AS(ObjGen, args[0])

static Value stop_iteration(VM *vm, Value v) {
    ObjTuple *t = v == NONE_VAL ? vm->empty_tuple : tuple_from(vm, &v, 1);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static Value m_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    bool done;
    Value r = gen_resume(vm, SELF, NONE_VAL, UNDEF, &done);
    if (r == ERR) return ERR;
    return done ? stop_iteration(vm, r) : r;
}

static Value m_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "send", nargs - 1, kw, 1, 1)) return ERR;
    bool done;
    Value r = gen_resume(vm, SELF, args[1], UNDEF, &done);
    if (r == ERR) return ERR;
    return done ? stop_iteration(vm, r) : r;
}

static Value m_throw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "throw", nargs - 1, kw, 1, 3)) return ERR;
    Value e = args[1];
    if (is_kind(e, OBJ_CLASS) && class_is_subclass(AS(ObjClass, e), vm->exc_types[E_BaseException])) {
        e = nargs > 2 && args[2] != NONE_VAL ? op_call1(vm, e, args[2]) : class_call(vm, AS(ObjClass, e), NULL, 0, NULL);
        if (e == ERR) return ERR;
    }
    if (!is_kind(e, OBJ_EXC)) return exc_raise(vm, E_TypeError, "exceptions must be classes or instances deriving from BaseException, not %T", e);
    if (SELF->state == GEN_CREATED) {
        SELF->state = GEN_DONE;
        return exc_raise_value(vm, e);
    }
    bool done;
    Value r = gen_resume(vm, SELF, NONE_VAL, e, &done);
    if (r == ERR) return ERR;
    return done ? stop_iteration(vm, r) : r;
}

bool gen_close(VM *vm, ObjGen *g) {
    if (g->state != GEN_SUSPENDED) { g->state = GEN_DONE; return true; }
    Value e = exc_new(vm, vm->exc_types[E_GeneratorExit], NULL);
    if (e == ERR) return false;
    bool done;
    Value r = gen_resume(vm, g, NONE_VAL, e, &done);
    if (r == ERR) {
        if (exc_is(vm, vm->exc, E_GeneratorExit) || exc_is(vm, vm->exc, E_StopIteration)) {
            vm->exc = UNDEF;
            return true;
        }
        return false;
    }
    if (!done) {
        exc_raise(vm, E_RuntimeError, "%s ignored GeneratorExit",
                  as_obj(obj_val(g))->cls == vm->types[T_COROUTINE] ? "coroutine" : "generator");
        return false;
    }
    return true;
}

static Value m_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    return gen_close(vm, SELF) ? NONE_VAL : ERR;
}

Value gen_getattr(VM *vm, ObjGen *g, const char *n) {
    (void)vm;
    if (!strcmp(n, "__name__")) return obj_val(g->name);
    if (!strcmp(n, "__qualname__")) return obj_val(g->qualname);
    const char *p = n[0] == 'g' && n[1] == 'i' && n[2] == '_' ? n + 3 : n[0] == 'c' && n[1] == 'r' && n[2] == '_' ? n + 3 : NULL;
    if (!p) return UNDEF;
    if (!strcmp(p, "code")) return g->frame ? obj_val(g->frame->code) : NONE_VAL;
    if (!strcmp(p, "running")) return bool_val(g->state == GEN_RUNNING);
    if (!strcmp(p, "suspended")) return bool_val(g->state == GEN_SUSPENDED);
    if (!strcmp(p, "frame")) return NONE_VAL;     /* no frame objects */
    if (!strcmp(p, "yieldfrom") || !strcmp(p, "await")) {
        Value d = g->frame ? gen_delegate(g) : UNDEF;
        return d == UNDEF ? NONE_VAL : d;
    }
    return UNDEF;
}

/* coroutine.__await__(): an iterator over the coroutine, for
 * `yield from coro.__await__()` in a user awaitable. */
static Value wrapper_next(VM *vm, ObjIter *it) {
    bool done;
    Value r = gen_resume(vm, AS(ObjGen, it->a), NONE_VAL, UNDEF, &done);
    if (r == ERR) return ERR;
    return done ? stop_iteration(vm, r) : r;
}

static Value m_await(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__await__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *it = iter_new(vm, vm->types[T_CORO_WRAPPER], wrapper_next);
    if (!it) return ERR;
    it->a = args[0];
    return obj_val(it);
}

/* The wrapper's send/throw/close go to the coroutine. */

static Value w_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return m_send(vm, (Value[]){AS(ObjIter, args[0])->a, nargs > 1 ? args[1] : NONE_VAL}, nargs, kw);
}

static Value w_throw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value a[4] = {AS(ObjIter, args[0])->a};
    for (int i = 1; i < nargs && i < 4; i++) a[i] = args[i];
    return m_throw(vm, a, nargs, kw);
}

static Value w_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return m_close(vm, (Value[]){AS(ObjIter, args[0])->a}, nargs, kw);
}

static Value m_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm; (void)nargs; (void)kw;
    return args[0];
}

static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%s object %s at %p>", as_obj(args[0])->cls->name->data, SELF->qualname->data, (void *)SELF);
    return str_from_buf(vm, &b);
}

bool gen_init(VM *vm) {
    ObjClass *g = vm->types[T_GENERATOR], *c = vm->types[T_COROUTINE];
    return class_add_native(vm, g, "__next__", m_next) && class_add_native(vm, g, "send", m_send) &&
           class_add_native(vm, g, "throw", m_throw) && class_add_native(vm, g, "close", m_close) &&
           class_add_native(vm, g, "__iter__", m_iter) && class_add_native(vm, g, "__repr__", m_repr) &&
           class_add_native(vm, c, "send", m_send) && class_add_native(vm, c, "throw", m_throw) &&
           class_add_native(vm, c, "close", m_close) && class_add_native(vm, c, "__repr__", m_repr) &&
           class_add_native(vm, c, "__await__", m_await) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "send", w_send) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "throw", w_throw) &&
           class_add_native(vm, vm->types[T_CORO_WRAPPER], "close", w_close);
}
