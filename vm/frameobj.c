/* Frame objects (see frameobj.h): made on demand, snapshots that look at
 * the live frame while it still runs. */
#include "frameobj.h"

#include <string.h>

#include "builtins.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "interp.h"
#include "num.h"
#include "str.h"
#include "strbuf.h"
#include "trace.h"

static void fo_mark(VM *vm, Obj *o) {
    FrameObj *f = (FrameObj *)o;
    gc_mark_obj(vm, (Obj *)f->code);
    gc_mark_obj(vm, (Obj *)f->globals);
    gc_mark_value(vm, f->locals);
    gc_mark_value(vm, f->back);
    gc_mark_value(vm, f->shown);
}

static const CType frame_ctype = {sizeof(FrameObj), fo_mark, NULL, NULL};

/* What the frame's variables are now: its namespace, or a copy of its
 * slots (strings in it lose their UNIQUE mark: the copy shares them),
 * written over `old` when that is a copy of the same size (the copy is
 * private to the frame object, so a coroutine's object taking one at
 * each yield allocates nothing). */
static Value snapshot_locals(VM *vm, Frame *f, Value old) {
    if (f->locals && !(f->flags & FRAME_LOCALS_DICT)) return obj_val(f->locals);
    if (f->code->flags & CODE_MODULE) return obj_val(f->globals);
    ObjCode *c = f->code;
    int64_t n = c->nlocals + c->ncells + c->nfrees;
    for (int64_t i = 0; i < c->nlocals; i++) {
        if (is_str(f->slots[i])) as_obj(f->slots[i])->flags &= ~STR_UNIQUE;
    }
    if (is_tuple(old) && AS(ObjTuple, old)->len == n) {
        memcpy(AS(ObjTuple, old)->items, f->slots, (size_t)n * sizeof(Value));
        return old;
    }
    ObjTuple *t = tuple_from(vm, f->slots, n);
    return t ? obj_val(t) : ERR;
}

/* Puts where frame f stands (just past ip's instruction) into o; the line
 * is read again for a new instruction. */
static void stand_at(FrameObj *o, Frame *f, const uint32_t *ip) {
    uint32_t pc = (uint32_t)(ip - f->code->ins);
    if (pc != o->pc) {
        o->pc = pc;
        o->line = 0;
    }
}

static bool on_fiber(VM *vm, Frame *f) {
    for (Frame *g = vm->fiber->frame; g; g = g->prev) {
        if (g == f) return true;
    }
    return false;
}

FrameObj *frameobj_of(VM *vm, Frame *f, const uint32_t *ip) {
    if (f->flags & FRAME_OBSERVED) {
        stand_at(f->fo, f, ip);
        return f->fo;
    }
    /* A frame running here takes its snapshot when read or left: until
     * then its object keeps none of its variables alive (`del x` after a
     * caught exception frees x at once, as in CPython). */
    Value locals = on_fiber(vm, f) ? UNDEF : snapshot_locals(vm, f, UNDEF);
    if (locals == ERR) return NULL;
    FrameObj *o = gc_new(vm, sizeof(FrameObj), OBJ_CDATA, vm->types[T_FRAME]);
    if (!o) return NULL;
    o->code = f->code;
    o->globals = f->globals;
    o->locals = locals;
    o->back = o->shown = UNDEF;
    o->live = f;
    o->live_prev = f->prev;
    o->pc = (uint32_t)(ip - f->code->ins);
    f->fo = o;
    f->flags |= FRAME_OBSERVED;
    return o;
}

/* o takes a snapshot of f's variables now. */
static void resnap(VM *vm, FrameObj *o, Frame *f) {
    Value pending = vm->exc;
    Value locals = snapshot_locals(vm, f, o->locals);
    if (locals != ERR) o->locals = locals;      /* (without memory, the older one stays) */
    vm->exc = pending;
}

void frameobj_sync(VM *vm, Frame *f) {
    resnap(vm, f->fo, f);
    stand_at(f->fo, f, f->ip);
}

void frameobj_leave(VM *vm, Frame *f, FrameLeave how) {
    FrameObj *o = f->fo;
    resnap(vm, o, f);
    /* unwinding, it stays where the exception left it (exc_add_tb,
     * exc_reraised_at), not at a cleanup's re-raise */
    if (how != LEAVE_UNWIND) stand_at(o, f, f->ip);
    if (how != LEAVE_YIELD) {
        Value pending = vm->exc;
        f->flags &= ~FRAME_OBSERVED;
        o->live = NULL;
        /* CPython links the caller's frame object as the frame ends */
        Frame *prev = frame_visible(f->prev);
        FrameObj *b = prev ? frameobj_of(vm, prev, prev->ip) : NULL;
        if (o->back == UNDEF && (b || !prev)) o->back = b ? obj_val(b) : NONE_VAL;
        vm->exc = pending;
    }
}

/* The frame o shows if it runs on this thread's fiber now, else NULL: it
 * has returned, or it is a suspended generator's (which may run again, so
 * the answer is not kept). A frame that returned and was replaced by a
 * call of the same code from the same caller at the same address passes
 * for it (documented). */
static Frame *live(VM *vm, FrameObj *o) {
    if (!o->live) return NULL;
    for (Frame *f = vm->fiber->frame; f; f = f->prev) {
        if (f == o->live) return f->code == o->code && f->prev == o->live_prev ? f : NULL;
    }
    return NULL;
}

void frameobj_set_back(FrameObj *f, Value back) {
    if (f->back == UNDEF) f->back = back;
}

/* f, or the first frame above it that is not an inlined comprehension's:
 * CPython 3.12 runs those in their function's frame, so frames seen from
 * the language (sys._getframe, f_back) never show them. */
Frame *frame_visible(Frame *f) {
    while (f && exc_inlined_comprehension(f->code)) f = f->prev;
    return f;
}

Value frameobj_getframe(VM *vm, Value depth) {
    if (!is_intlike(depth)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", depth);
    int64_t n;
    if (!int_to_i64(depth, &n) || n > INT32_MAX || n < INT32_MIN)
        return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    Frame *f = frame_visible(vm->fiber->frame);
    for (; f && n > 0; n--) f = frame_visible(f->prev);
    if (!f) return exc_raise(vm, E_ValueError, "call stack is not deep enough");
    FrameObj *o = frameobj_of(vm, f, f->ip);
    return o ? obj_val(o) : ERR;
}

/* ---- attributes ---------------------------------------------------------- */

/* A running frame's object takes its snapshot again at every read. */
static void refresh(VM *vm, FrameObj *o) {
    Frame *f = live(vm, o);
    if (!f) return;
    stand_at(o, f, f->ip);
    resnap(vm, o, f);
}

/* The frame object an attribute getter is called on, refreshed. */
static FrameObj *self(VM *vm, Value v) {
    if (is_kind(v, OBJ_CDATA) && as_obj(v)->cls == vm->types[T_FRAME]) {
        FrameObj *o = (FrameObj *)as_obj(v);
        refresh(vm, o);
        return o;
    }
    exc_raise(vm, E_TypeError, "descriptor requires a 'frame' object but received a '%T'", v);
    return NULL;
}

static int line(FrameObj *o) {
    /* a frame that has not started stands at its def line, as CPython's */
    if (o->line == 0) o->line = o->pc == 0 ? o->code->firstline : code_line(o->code, o->code->ins + o->pc);
    return o->line;
}

#define GETTER(name) static Value name(VM *vm, Value *args, int nargs, ObjTuple *kw)

GETTER(f_code) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    return o ? obj_val(o->code) : ERR;
}

GETTER(f_globals) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    return o ? obj_val(o->globals) : ERR;
}

GETTER(f_builtins) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    return o ? obj_val(vm->builtins) : ERR;
}

/* ---- the trace function's attributes: in the frame's record (trace.h)
 * while it runs; a frame that has ended keeps none */

/* The record of the live frame o shows, made if `make`; NULL if it has
 * none or has ended (or after raising, then *err). */
static TraceRec *trace_of(VM *vm, FrameObj *o, bool make, bool *err) {
    Frame *f = live(vm, o);
    if (!f) return NULL;
    TraceRec *r = make ? trace_rec_make(vm, f) : trace_rec(vm, f);
    if (!r) {
        *err = make;
        return NULL;
    }
    return r;
}

GETTER(f_trace) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    bool err = false;
    TraceRec *r = o ? trace_of(vm, o, false, &err) : NULL;
    if (!o) return ERR;
    return r && r->fn != UNDEF ? r->fn : NONE_VAL;
}

/* f_trace = fn (del: None): the frame's local trace function. */
static Value set_f_trace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    Value fn = nargs > 1 ? args[1] : NONE_VAL;
    bool err = false;
    TraceRec *r = trace_of(vm, o, fn != NONE_VAL, &err);
    if (err) return ERR;
    if (r) r->fn = fn == NONE_VAL ? UNDEF : fn;
    return NONE_VAL;
}

/* f_trace_lines and f_trace_opcodes: flags in the record, true and false
 * without one. */
static Value trace_flag(VM *vm, Value *args, int nargs, bool opcodes) {
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    bool err = false;
    TraceRec *r = trace_of(vm, o, nargs > 1, &err);
    if (err) return ERR;
    if (nargs == 1) return bool_val(r ? (opcodes ? r->opcodes : r->lines) : !opcodes);
    if (!is_bool(args[1]))
        return exc_raise(vm, E_TypeError, "attribute value type must be bool");
    if (r) *(opcodes ? &r->opcodes : &r->lines) = args[1] == TRUE_VAL;
    return NONE_VAL;
}

GETTER(f_trace_lines) {
    (void)kw;
    return trace_flag(vm, args, nargs, false);
}

GETTER(f_trace_opcodes) {
    (void)kw;
    return trace_flag(vm, args, nargs, true);
}

GETTER(f_lineno) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    return int_val(line(o));
}

GETTER(f_lasti) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    return int_val(o->pc ? 2 * (int64_t)(o->pc - 1) : 0);
}

/* Puts the variables of fresh (a snapshot of code's frame) into shown:
 * a variable unbound now goes; keys that are no variable stay. */
static bool update_shown(VM *vm, ObjCode *code, ObjDict *shown, ObjDict *fresh) {
    int n = code->nlocals + code->ncells + code->nfrees;
    for (int i = 0; i < n; i++) {
        ObjStr *name = i < code->nlocals ? code->varnames[i] : code->cellnames[i - code->nlocals];
        Value v = dict_get_str(fresh, name);
        if (v != UNDEF ? dict_set_str(vm, shown, name, v) < 0
                       : dict_get_str(shown, name) != UNDEF && dict_del(vm, shown, obj_val(name)) < 0)
            return false;
    }
    return true;
}

/* A function frame's variables, from the latest snapshot of its slots
 * (made into a dict once). */
GETTER(f_locals) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    if (o->locals == UNDEF) {
        /* a frame that left without its last snapshot (a generator freed
         * while it ran on another thread, say): no variables */
        ObjDict *none = dict_new(vm);
        if (!none) return ERR;
        o->locals = obj_val(none);
    }
    if (is_tuple(o->locals)) {
        Value d = builtins_slots_locals(vm, o->code, AS(ObjTuple, o->locals)->items);
        if (d == ERR) return ERR;
        if (o->shown != UNDEF && !update_shown(vm, o->code, AS(ObjDict, o->shown), AS(ObjDict, d))) return ERR;
        o->locals = o->shown = o->shown != UNDEF ? o->shown : d;
    }
    return o->locals;
}

/* The caller's frame object while this frame runs; once it has ended, the
 * one linked as it ended (None for the outermost frame, and for a
 * suspended generator's). */
GETTER(f_back) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    Frame *f = live(vm, o);
    if (!f) return o->back != UNDEF ? o->back : NONE_VAL;
    Frame *prev = frame_visible(f->prev);
    if (!prev) return NONE_VAL;
    FrameObj *b = frameobj_of(vm, prev, prev->ip);
    return b ? obj_val(b) : ERR;
}

static Value f_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    FrameObj *o = self(vm, args[0]);
    if (!o) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<frame at %p, file '%s', line %d, code %s>", (void *)o, o->code->filename->data, line(o),
            o->code->name->data);
    return str_from_buf(vm, &b);
}

/* frame.clear(): CPython drops the locals of a frame that has ended and
 * refuses a running one. */
static Value f_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    FrameObj *o = self(vm, args[0]);
    if (!o || !args_check(vm, "clear", nargs - 1, kw, 0, 0)) return ERR;
    if (live(vm, o)) return exc_raise(vm, E_RuntimeError, "cannot clear an executing frame");
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    if (!(o->code->flags & (CODE_MODULE | CODE_CLASSBODY))) o->locals = obj_val(d);
    return NONE_VAL;
}

void frameobj_init(VM *vm) {
    ObjClass *c = vm->types[T_FRAME];
    c->ctype = &frame_ctype;
    static const struct { const char *name; NativeFn fn; } attrs[] = {
        {"f_code", f_code}, {"f_globals", f_globals}, {"f_builtins", f_builtins}, {"f_lineno", f_lineno},
        {"f_lasti", f_lasti}, {"f_locals", f_locals}, {"f_back", f_back}, {"f_trace", f_trace},
        {"f_trace_lines", f_trace_lines}, {"f_trace_opcodes", f_trace_opcodes},
    };
    for (size_t i = 0; i < sizeof attrs / sizeof *attrs; i++) class_add_property(vm, c, attrs[i].name, attrs[i].fn);
    /* the trace attributes can be set (and f_trace deleted) */
    static const struct { const char *name; NativeFn fn; } settable[] = {
        {"f_trace", set_f_trace}, {"f_trace_lines", f_trace_lines}, {"f_trace_opcodes", f_trace_opcodes},
    };
    for (size_t i = 0; i < sizeof settable / sizeof *settable; i++) {
        ObjNative *set = native_new(vm, settable[i].name, settable[i].fn);
        Value p = set ? dict_get_str(c->dict, str_intern_cstr(vm, settable[i].name)) : UNDEF;
        if (p == UNDEF || !is_kind(p, OBJ_PROPERTY)) return;
        AS(ObjProperty, p)->fset = obj_val(set);
        if (i == 0) AS(ObjProperty, p)->fdel = obj_val(set);
    }
    class_add_native(vm, c, "__repr__", f_repr);
    class_add_native(vm, c, "clear", f_clear);
}
