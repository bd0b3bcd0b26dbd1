/* Generators (see gen.h). */
#include "gen.h"

#include <stdlib.h>

#include "agen.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "interp.h"
#include "ops.h"
#include "str.h"

#define FRAME_WORDS ((sizeof(Frame) + sizeof(Value) - 1) / sizeof(Value))

Value gen_new(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames) {
    ObjCode *code = fn->code;
    size_t nslots = (size_t)(code->nlocals + code->ncells + code->nfrees);
    size_t words = FRAME_WORDS + nslots + (size_t)code->stacksize;
    TypeId t = code->flags & CODE_COROUTINE ? T_COROUTINE : code->flags & CODE_ASYNC_GEN ? T_ASYNC_GENERATOR : T_GENERATOR;
    ObjGen *g = gc_new(vm, sizeof(ObjGen), OBJ_GEN, vm->types[t]);
    if (!g) return ERR;
    Frame *f = gc_malloc(vm, words * sizeof(Value));
    if (!f) return ERR;
    g->frame = f;
    g->frame_words = words;
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

/* "generator", "coroutine" or "async generator", for messages. */
static const char *gen_kind_name(VM *vm, ObjGen *g) {
    ObjClass *c = g->obj.cls;
    return c == vm->types[T_COROUTINE] ? "coroutine" : c == vm->types[T_ASYNC_GENERATOR] ? "async generator" : "generator";
}

Value gen_resume(VM *vm, ObjGen *g, Value send, Value throw, bool *done) {
    *done = false;
    if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "%s already executing", gen_kind_name(vm, g));
    if (g->state == GEN_DONE) {
        if (throw != UNDEF) return exc_raise_value(vm, throw);
        if (g->obj.cls == vm->types[T_COROUTINE]) return exc_raise(vm, E_RuntimeError, "cannot reuse already awaited coroutine");
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
        if (is_kind(it, OBJ_ITER) && AS(ObjIter, it)->next) {
            r = AS(ObjIter, it)->next(vm, AS(ObjIter, it));
            if (r == UNDEF) { *done = true; return NONE_VAL; }
            return r;
        }
        Value m = op_special(vm, it, N___next__);
        if (m == UNDEF || m == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", it);
        r = op_call1(vm, m, it);
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

/* Closes a sub-iterator: 0, or -1 after raising. */
static int close_iter(VM *vm, Value it) {
    if (is_kind(it, OBJ_GEN)) return gen_close(vm, AS(ObjGen, it));
    if (agen_is_awaitable(vm, it)) return agen_await_close(vm, AS(ObjIter, it));
    Value r = op_call_method(vm, it, str_intern_cstr(vm, "close"), NULL, 0);
    return r == ERR ? -1 : 0;
}

Value gen_throw(VM *vm, ObjGen *g, Value e, bool close_on_genexit, bool *done) {
    *done = false;
    if (g->state == GEN_RUNNING) return exc_raise(vm, E_ValueError, "%s already executing", gen_kind_name(vm, g));
    if (g->state == GEN_CREATED) {
        g->state = GEN_DONE;
        return exc_raise_value(vm, e);
    }
    Value yf = gen_yf(g);
    if (yf != UNDEF) {
        if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
        /* The sub-iterator runs script code: keep the exception alive. */
        if (!vm_push_root(vm, e)) return exc_nomem(vm);
        g->state = GEN_RUNNING;
        vm->c_depth++;
        Value r = UNDEF;
        bool sub_done = false, throw_here = false;
        if (close_on_genexit && exc_is(vm, e, E_GeneratorExit)) {
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
        if (!throw_here) {
            if (r != ERR && !sub_done) return r;
            if (r == ERR) {
                e = vm->exc;
                vm->exc = UNDEF;
            } else {
                /* It returned: g continues after its SEND loop with the value. */
                Frame *f = g->frame;
                uint32_t send = f->ip[-2];
                f->sp--;
                f->ip = f->code->ins + (send >> 8);
                return gen_resume(vm, g, r, UNDEF, done);
            }
        }
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

Value gen_exc_from_args(VM *vm, Value *args, int nargs) {
    Value typ = args[0], val = nargs > 1 ? args[1] : NONE_VAL, tb = nargs > 2 ? args[2] : NONE_VAL;
    if (tb != NONE_VAL && !(is_kind(tb, OBJ_ITER) && as_obj(tb)->cls == vm->types[T_TRACEBACK]))
        return exc_raise(vm, E_TypeError, "throw() third argument must be a traceback object");
    if (is_kind(typ, OBJ_CLASS) && class_is_subclass(AS(ObjClass, typ), vm->exc_types[E_BaseException])) {
        if (val == NONE_VAL) return class_call(vm, AS(ObjClass, typ), NULL, 0, NULL);
        if (is_instance(vm, val, AS(ObjClass, typ))) return val;
        if (is_tuple(val)) return class_call(vm, AS(ObjClass, typ), AS(ObjTuple, val)->items, (int)AS(ObjTuple, val)->len, NULL);
        return class_call(vm, AS(ObjClass, typ), &val, 1, NULL);
    }
    if (!is_kind(typ, OBJ_EXC))
        return exc_raise(vm, E_TypeError, "exceptions must be classes or instances deriving from BaseException, not %T", typ);
    if (val != NONE_VAL) return exc_raise(vm, E_TypeError, "instance exception may not have a separate value");
    return typ;
}

void gen_mark(VM *vm, ObjGen *g) {
    gc_mark_obj(vm, (Obj *)g->name);
    gc_mark_obj(vm, (Obj *)g->qualname);
    Frame *f = g->frame;
    if (!f || g->state == GEN_DONE) return;
    gc_mark_obj(vm, (Obj *)f->func);
    gc_mark_obj(vm, (Obj *)f->code);
    gc_mark_obj(vm, (Obj *)f->globals);
    for (Value *v = f->slots; v < f->sp; v++) gc_mark_value(vm, *v);
}

void gen_free(VM *vm, ObjGen *g) {
    if (g->frame) gc_free(vm, g->frame, g->frame_words * sizeof(Value));
    g->frame = NULL;
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
    Value e = gen_exc_from_args(vm, args + 1, nargs - 1);
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

bool gen_init(VM *vm) {
    ObjClass *g = vm->types[T_GENERATOR], *c = vm->types[T_COROUTINE];
    return class_add_native(vm, g, "__next__", m_next) && class_add_native(vm, g, "send", m_send) &&
           class_add_native(vm, g, "throw", m_throw) && class_add_native(vm, g, "close", m_close) &&
           class_add_native(vm, g, "__iter__", m_iter) && class_add_native(vm, g, "__repr__", m_repr) &&
           class_add_native(vm, c, "send", m_send) && class_add_native(vm, c, "throw", m_throw) &&
           class_add_native(vm, c, "close", m_close) && class_add_native(vm, c, "__repr__", m_repr);
}
