/* The interpreter: frames on a fiber's data stack, and the dispatch loop.
 *
 * Calls between script functions push a frame and continue in the same loop
 * (no C recursion). interp_run returns when the frame it was entered with
 * (marked FRAME_ENTRY) returns or lets an exception escape. Natives that call
 * back into script code enter interp_run again; vm->c_depth bounds that
 * nesting.
 *
 * Register discipline: `ip` and `sp` live in C locals while the loop runs;
 * SAVE() writes them to the frame before anything that may collect garbage,
 * re-enter the interpreter or raise, so the collector and the traceback see
 * a consistent frame. */
#include "interp.h"

#include <stdlib.h>

#include "agen.h"
#include "builtins.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "finalize.h"
#include "frameobj.h"
#include "func.h"
#include "gc.h"
#include "future.h"
#include "gen.h"
#include "import.h"
#include "match.h"
#include "num.h"
#include "opcodes.h"
#include "ops.h"
#include "profile.h"
#include "trace.h"
#include "str.h"
#include "suggest.h"

#define FRAME_WORDS ((sizeof(Frame) + sizeof(Value) - 1) / sizeof(Value))
#define CHUNK_WORDS 8192

/* ---- fibers and their data stacks -------------------------------------- */

Fiber *fiber_new(VM *vm) {
    Fiber *f = calloc(1, sizeof(Fiber));
    if (!f) return NULL;
    f->handled = f->handled_outer = UNDEF;
    f->next_fiber = vm->fibers;
    vm->fibers = f;
    return f;
}

void fiber_free(VM *vm, Fiber *f) {
    for (Fiber **p = &vm->fibers; *p; p = &(*p)->next_fiber) {
        if (*p == f) { *p = f->next_fiber; break; }
    }
    while (f->chunk) {
        StackChunk *prev = f->chunk->prev;
        free(f->chunk);
        f->chunk = prev;
    }
    free(f->spare);
    free(f);
}

void fiber_mark(VM *vm, Fiber *fb) {
    gc_mark_value(vm, fb->handled);
    gc_mark_value(vm, fb->handled_outer);
    for (Frame *f = fb->frame; f; f = f->prev) {
        gc_mark_obj(vm, (Obj *)f->func);
        gc_mark_obj(vm, (Obj *)f->code);
        gc_mark_obj(vm, (Obj *)f->globals);
        gc_mark_obj(vm, (Obj *)f->locals);
        if (f->flags & FRAME_OBSERVED) gc_mark_obj(vm, (Obj *)f->fo);
        Value *end = f->sp ? f->sp : frame_stack_base(f);
        for (Value *v = f->slots; v < end; v++) gc_mark_value(vm, *v);
    }
}

static Frame *push_frame(VM *vm, Fiber *fb, ObjCode *code) {
    size_t need = FRAME_WORDS + (size_t)(code->nlocals + code->ncells + code->nfrees + code->stacksize);
    StackChunk *ch = fb->chunk;
    int fresh = 0;
    if (!ch || ch->top + need > ch->limit) {
        size_t words = need > CHUNK_WORDS ? need : CHUNK_WORDS;
        StackChunk *nc = NULL;
        if (fb->spare && (size_t)(fb->spare->limit - fb->spare->data) >= words) {
            nc = fb->spare;
            fb->spare = NULL;
        } else {
            size_t bytes = sizeof(StackChunk) + words * sizeof(Value);
            if (fb->stack_bytes + bytes > FIBER_STACK_MAX) {
                exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
                return NULL;
            }
            nc = malloc(bytes);
            if (!nc) { exc_nomem(vm); return NULL; }
            nc->limit = nc->data + words;
            fb->stack_bytes += bytes;
        }
        nc->prev = ch;
        nc->top = nc->data;
        fb->chunk = ch = nc;
        fresh = 1;
    }
    Frame *f = (Frame *)ch->top;
    ch->top += need;
    f->slots = (Value *)f + FRAME_WORDS;
    f->code = code;
    f->chunk_mark = fresh;
    f->flags = 0;
    f->locals = NULL;
    f->func = NULL;
    f->gen = NULL;
    f->sp = NULL;
    f->ip = code->ins;
    int n = code->nlocals + code->ncells + code->nfrees;
    for (int i = 0; i < n; i++) f->slots[i] = UNDEF;
    return f;
}

/* A generator's frame starts or continues: it handles its own exception
 * (none at first), and sees its callers' through handled_outer. */
static inline void gen_enter_handled(Fiber *fb, ObjGen *g) {
    g->saved_handled = fb->handled;
    g->saved_outer = fb->handled_outer;
    fb->handled_outer = fiber_handled(fb);
    fb->handled = g->handled;
}

/* It yields, returns or raises: its state is kept for the next resume. */
static inline void gen_leave_handled(Fiber *fb, ObjGen *g) {
    g->handled = fb->handled;
    fb->handled = g->saved_handled;
    fb->handled_outer = g->saved_outer;
    g->saved_handled = g->saved_outer = UNDEF;
}

/* A frame that began a new chunk of the data stack: the chunk becomes the
 * spare (the previous spare is freed). */
static __attribute__((noinline)) void pop_chunk(Fiber *fb, StackChunk *ch) {
    fb->chunk = ch->prev;
    if (fb->spare) fb->stack_bytes -= sizeof(StackChunk) + (size_t)(fb->spare->limit - fb->spare->data) * sizeof(Value);
    free(fb->spare);
    fb->spare = ch;
}

/* Unlinks the innermost frame; frames on the data stack are also freed.
 * Inlined: every return of a script function comes here. */
static inline __attribute__((always_inline)) void pop_frame(Fiber *fb, Frame *f) {
    fb->frame = f->prev;
    fb->depth--;
    if (f->flags & FRAME_OWNED) {
        gen_leave_handled(fb, f->gen);
        return;
    }
    StackChunk *ch = fb->chunk;
    ch->top = (Value *)f;
    if (__builtin_expect(f->chunk_mark, 0)) pop_chunk(fb, ch);
}

int frame_line(Frame *f) { return code_line(f->code, f->ip); }

/* Makes the cells of a new frame: captured parameters start with their
 * values; free variables come from the function's closure. */
static bool setup_cells(VM *vm, Frame *f, ObjFunction *fn) {
    ObjCode *c = f->code;
    Value *cells = f->slots + c->nlocals;
    for (int i = 0; i < c->ncells; i++) {
        int arg = c->cell2arg[i];
        ObjCell *cell = cell_new(vm, arg >= 0 ? f->slots[arg] : UNDEF);
        if (!cell) return false;
        cells[i] = obj_val(cell);
    }
    for (int i = 0; i < c->nfrees; i++) cells[c->ncells + i] = fn->closure->items[i];
    return true;
}

/* Pushes and fills the frame of a call to a script function. NULL after
 * raising (bad arguments, recursion limit, memory). */
/* Pushes and fills the frame of a call to fn (the depth already checked).
 * NULL after raising (bad arguments, memory). */
static inline __attribute__((always_inline)) Frame *make_frame(VM *vm, Fiber *fb, ObjFunction *fn, Value *args,
                                                                int nargs, ObjTuple *kwnames) {
    ObjCode *code = fn->code;
    Frame *f = push_frame(vm, fb, code);
    if (!f) return NULL;
    fb->depth++;
    f->func = fn;
    f->globals = fn->globals;
    f->prev = fb->frame;
    bool simple = !kwnames && nargs == code->argcount && !(code->flags & (CODE_VARARGS | CODE_VARKW)) &&
                  code->kwonlycount == 0;
    if (simple) {
        for (int i = 0; i < nargs; i++) f->slots[i] = args[i];
    } else {
        /* Link the frame first so that a collection during binding sees it. */
        f->sp = frame_stack_base(f);
        fb->frame = f;
        bool ok = func_bind_args(vm, fn, f->slots, args, nargs, kwnames);
        if (!ok) { pop_frame(fb, f); return NULL; }
        fb->frame = f->prev;
    }
    if ((code->ncells || code->nfrees) && !setup_cells(vm, f, fn)) { pop_frame(fb, f); return NULL; }
    f->sp = NULL;
    return f;
}

/* Whether a 'call' event is due: call_limit is 0 while a profile or trace
 * hook is set (profile.h, trace.h), so this costs the untraced one test. */
static inline bool hooks_active(VM *vm) {
    return vm->call_limit == 0 && (prof_active(vm) || trace_active(vm));
}

/* The 'call' events of f, to the profile hook, then the trace hook (as
 * CPython orders them). False after raising. */
static bool hooks_call(VM *vm, Frame *f) {
    if (prof_active(vm) && !prof_call(vm, f)) return false;
    return trace_call(vm, f);
}

/* enter_function past call_limit: too deep, or a hook is set (profile.h,
 * trace.h): the frame is made, then linked as the innermost while the
 * hooks get its 'call'. */
static __attribute__((noinline, cold)) Frame *enter_slow(VM *vm, ObjFunction *fn, Value *args, int nargs,
                                                        ObjTuple *kwnames) {
    Fiber *fb = vm->fiber;
    if (fb->depth >= vm->recursion_limit) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
        return NULL;
    }
    Frame *f = make_frame(vm, fb, fn, args, nargs, kwnames);
    if (!f || !hooks_active(vm)) return f;
    fb->frame = f;
    bool ok = hooks_call(vm, f);
    fb->frame = f->prev;
    f->sp = NULL;
    if (!ok) {
        pop_frame(fb, f);
        return NULL;
    }
    return f;
}

/* Pushes and fills the frame of a call to a script function. NULL after
 * raising (bad arguments, recursion limit, memory). */
static Frame *enter_function(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames) {
    Fiber *fb = vm->fiber;
    if (__builtin_expect(fb->depth >= vm->call_limit, 0))      /* (0 while profiling) */
        return enter_slow(vm, fn, args, nargs, kwnames);
    return make_frame(vm, fb, fn, args, nargs, kwnames);
}

/* Whether calling f runs no script frame of its own in this loop: a
 * native, a builtin type or a native's bound method (OP_CALL_TEMP). */
static bool native_callee(Value f) {
    if (is_kind(f, OBJ_BOUND)) f = AS(ObjBound, f)->func;
    return is_kind(f, OBJ_NATIVE) || (is_kind(f, OBJ_CLASS) && (as_obj(f)->flags & CLASS_BUILTIN));
}

/* ---- globals ----------------------------------------------------------- */

/* Out of line, so that load_global stays small enough to inline. */
static __attribute__((noinline, cold)) Value name_error(VM *vm, ObjStr *name) {
    return suggest_name_error(vm, name);
}

/* A name in a class body's namespace, UNDEF if absent; when __prepare__
 * made it a dict subclass, its __getitem__ answers (KeyError is absence). */
static Value ns_get(VM *vm, ObjDict *ns, ObjStr *name) {
    if (!(ns->obj.flags & OBJ_SUBTYPE)) return dict_get_str(ns, name);
    Value v = op_getitem(vm, obj_val(ns), obj_val(name));
    if (v == ERR && exc_is(vm, vm->exc, E_KeyError)) {
        vm->exc = UNDEF;
        return UNDEF;
    }
    return v;
}

Value interp_builtins(VM *vm, ObjDict *globals) {
    Value b = dict_get_str(globals, vm_name(vm, N___builtins__));
    if (b == UNDEF) return obj_val(vm->builtins);
    return is_kind(b, OBJ_MODULE) ? obj_val(AS(ObjModule, b)->dict) : b;
}

/* A local variable read (or deleted) before anything was stored in it. */
/* x += b on a local x past INPLACE_ADD_FAST's int and str cases. The
 * operand, then the old value when __iadd__ gave a new object, may have had
 * their last references here: with objects to finalize about, the result
 * is stored and a collection runs with b off the stack, as CPython drops
 * them at once. */
static __attribute__((noinline)) Value inplace_add_local(VM *vm, Frame *frame, Value *slot, Value a, Value b) {
    Value r = op_inplace(vm, BIN_ADD, a, b);
    Value dropped[2] = {r != a ? a : NONE_VAL, b};     /* the topmost first */
    if (r != ERR && finalize_wanted(vm) && finalize_stack_dropped(vm, dropped, dropped + 2, false)) {
        *slot = r;
        frame->sp--;
        finalize_collect(vm);
        frame->sp++;
    }
    return r;
}

static __attribute__((noinline, cold)) void unbound_local(VM *vm, ObjStr *name) {
    exc_raise(vm, E_UnboundLocalError, "cannot access local variable '%s' where it is not associated with a value",
              name->data);
}

/* A free variable read (or deleted) while its cell is empty. CPython 3.12
 * compiles a list, set or dict comprehension into the function around it,
 * so one of that function's own variables is a local there: the error is
 * unbound_local's. */
static __attribute__((noinline, cold)) void unbound_free(VM *vm, Frame *f, ObjStr *name) {
    for (; (f->code->flags & CODE_INLINED_COMP) && f->prev; f = f->prev) {
        ObjCode *outer = f->prev->code;
        for (int i = 0; i < outer->ncells; i++)
            if (str_eq(outer->cellnames[i], name)) { unbound_local(vm, name); return; }
    }
    exc_raise(vm, E_NameError, "cannot access free variable '%s' where it is not associated with a value in enclosing scope",
              name->data);
}

/* A name from the builtins that code with these globals sees; *shared
 * tells whether that is the VM's own dict, whose version LOAD_GLOBAL's
 * cache checks (another one's value is not cached). */
static __attribute__((noinline)) Value load_builtin(VM *vm, ObjDict *globals, ObjStr *name, bool *shared) {
    Value b = interp_builtins(vm, globals), v;
    *shared = b == obj_val(vm->builtins);
    if (is_plain_kind(b, OBJ_DICT)) {
        v = dict_get_str(AS(ObjDict, b), name);
    } else {
        /* exec's globals may name any mapping; CPython asks its
         * __getitem__, and a KeyError means the name is missing */
        v = op_getitem(vm, b, obj_val(name));
        if (v == ERR && exc_is(vm, vm->exc, E_KeyError)) {
            vm->exc = UNDEF;
            v = UNDEF;
        }
        if (v == ERR) return ERR;
    }
    return v != UNDEF ? v : name_error(vm, name);
}

/* LOAD_GLOBAL's lookup: globals that are a dict subclass (exec's) answer
 * through their __getitem__, as in CPython 3.12, and are not cached. */
static Value load_global_shared(VM *vm, ObjDict *globals, ObjStr *name, bool *shared) {
    *shared = true;
    Value v;
    if (globals->obj.flags & OBJ_SUBTYPE) {
        *shared = false;
        v = ns_get(vm, globals, name);
        if (v == ERR) return ERR;
        if (v != UNDEF) return v;
        bool ignored;
        return load_builtin(vm, globals, name, &ignored);
    }
    v = dict_get_str(globals, name);
    return v != UNDEF ? v : load_builtin(vm, globals, name, shared);
}

/* LOAD_NAME's and LOAD_FROM_DICT_OR_GLOBALS's: the globals as a dict. */
static Value load_global(VM *vm, ObjDict *globals, ObjStr *name) {
    Value v = dict_get_str(globals, name);
    bool shared;
    return v != UNDEF ? v : load_builtin(vm, globals, name, &shared);
}

/* ---- the exception table ----------------------------------------------- */

static ExcEntry *find_handler(ObjCode *code, const uint32_t *ip) {
    uint32_t pc = (uint32_t)(ip - code->ins) - 1;
    int lo = 0, hi = code->nexc - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        ExcEntry *e = &code->exc[mid];
        if (pc < e->start) hi = mid - 1;
        else if (pc >= e->end) lo = mid + 1;
        else return e;
    }
    return NULL;
}

/* ---- helpers for the instructions -------------------------------------- */

static Value unpack_error(VM *vm, int64_t got, int64_t want, bool at_least) {
    if (got < want) {
        if (at_least) return exc_raise(vm, E_ValueError, "not enough values to unpack (expected at least %lld, got %lld)",
                                       (long long)want, (long long)got);
        return exc_raise(vm, E_ValueError, "not enough values to unpack (expected %lld, got %lld)",
                         (long long)want, (long long)got);
    }
    return exc_raise(vm, E_ValueError, "too many values to unpack (expected %lld)", (long long)want);
}

/* Writes the items of `seq` to dest[0..n) in order; false after raising.
 * Items are gathered in a rooted list, since __next__ may run script code. */
enum { UNPACK_SMALL = 16 };     /* unpacking targets kept in a local array */

static bool unpack(VM *vm, Value seq, Value *dest, int n) {
    if (is_plain_kind(seq, OBJ_TUPLE) || is_plain_kind(seq, OBJ_LIST)) {
        int64_t len = is_tuple(seq) ? AS(ObjTuple, seq)->len : AS(ObjList, seq)->len;
        Value *items = is_tuple(seq) ? AS(ObjTuple, seq)->items : AS(ObjList, seq)->items;
        if (len != n) { unpack_error(vm, len, n, false); return false; }
        copy_values(dest, items, n);
        return true;
    }
    Value it = op_iter(vm, seq);
    if (it == ERR) {
        if (exc_is(vm, vm->exc, E_TypeError) && op_special(vm, seq, N___iter__) == UNDEF) {
            vm->exc = UNDEF;
            exc_raise(vm, E_TypeError, "cannot unpack non-iterable %T object", seq);
        }
        return false;
    }
    ObjList *got = list_new(vm, n + 1);
    if (!got || !vm_push_root(vm, it)) return false;
    if (!vm_push_root(vm, obj_val(got))) { vm_pop_roots(vm, 1); return false; }
    bool ok = true;
    while (got->len <= n) {
        Value v = op_next(vm, it);
        if (v == UNDEF) break;
        if (v == ERR || list_append(vm, got, v) < 0) { ok = false; break; }
    }
    vm_pop_roots(vm, 2);
    if (!ok) return false;
    if (got->len != n) { unpack_error(vm, got->len, n, false); return false; }
    copy_values(dest, got->items, n);
    return true;
}

static bool unpack_ex(VM *vm, Value seq, Value *dest, int before, int after) {
    /* Anything but a list or tuple is read through its iterator, as
       CPython: list(seq) would ask seq's __len__ for a length hint. */
    Value it = seq;
    if (!is_plain_kind(seq, OBJ_TUPLE) && !is_plain_kind(seq, OBJ_LIST)) {
        it = op_iter(vm, seq);
        if (it == ERR) {
            if (exc_is(vm, vm->exc, E_TypeError) && op_special(vm, seq, N___iter__) == UNDEF) {
                vm->exc = UNDEF;
                exc_raise(vm, E_TypeError, "cannot unpack non-iterable %T object", seq);
            }
            return false;
        }
    }
    if (!vm_push_root(vm, it)) return false;
    ObjList *l = op_to_list(vm, it);
    vm_pop_roots(vm, 1);
    if (!l) return false;
    if (l->len < before + after) { unpack_error(vm, l->len, before + after, true); return false; }
    for (int i = 0; i < before; i++) dest[i] = l->items[i];
    int64_t mid = l->len - before - after;
    if (!vm_push_root(vm, obj_val(l))) return false;     /* (list_from may collect) */
    ObjList *rest = list_from(vm, l->items + before, mid);
    vm_pop_roots(vm, 1);
    if (!rest) return false;
    dest[before] = obj_val(rest);
    for (int i = 0; i < after; i++) dest[before + 1 + i] = l->items[before + mid + i];
    return true;
}

static Value format_value(VM *vm, Value v, int flags, Value spec) {
    int conv = flags & 3;
    if (conv == 1) v = op_str(vm, v);
    else if (conv == 2) v = op_repr(vm, v);
    else if (conv == 3) {
        Value r = op_repr(vm, v);
        if (r == ERR) return ERR;
        v = str_ascii(vm, AS(ObjStr, r));
    }
    if (v == ERR) return ERR;
    if (spec == UNDEF && is_plain_kind(v, OBJ_STR)) return v;
    return fmt_format(vm, v, spec == UNDEF ? NULL : AS(ObjStr, spec));
}

/* How call errors name a callable: "__main__.f()", "print()" (CPython's
 * _PyObject_FunctionStr). */
static void func_str(VM *vm, Value f, StrBuf *b) {
    if (is_kind(f, OBJ_BOUND)) f = AS(ObjBound, f)->func;
    Value mod = op_getattr_opt(vm, f, vm_name(vm, N___module__));
    Value qn = op_getattr_opt(vm, f, vm_name(vm, N___qualname__));
    if (mod == ERR || qn == ERR) vm->exc = UNDEF;
    if (!is_str(qn)) {      /* CPython falls back to str(f): "None", "<__main__.C object at ...>" */
        Value s = op_str(vm, f);
        if (is_str(s)) sb_add(b, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
        else { vm->exc = UNDEF; sb_adds(b, type_name(vm, f)); sb_adds(b, " object"); }
        return;
    }
    if (is_str(mod) && strcmp(AS(ObjStr, mod)->data, "builtins") != 0) {
        sb_adds(b, AS(ObjStr, mod)->data);
        sb_addc(b, '.');
    }
    sb_adds(b, AS(ObjStr, qn)->data);
    sb_adds(b, "()");
}

static Value call_error(VM *vm, Value func, const char *what, Value v) {
    StrBuf b = SB_INIT;
    func_str(vm, func, &b);
    Value r = exc_raise(vm, E_TypeError, "%s %s%s", b.data ? b.data : "", what, v == UNDEF ? "" : type_name(vm, v));
    sb_free(&b);
    return r;
}

static int dict_merge(VM *vm, ObjDict *d, Value other, Value func) {
    if (!is_dict(other) && op_getattr_opt(vm, other, vm_name(vm, N_keys)) == UNDEF) {
        call_error(vm, func, "argument after ** must be a mapping, not ", other);
        return -1;
    }
    /* (a dict subclass with its own __iter__ is read through keys()) */
    bool direct = is_dict(other) && op_override(vm, other, N___iter__) == UNDEF;
    ObjDict *src = direct ? AS(ObjDict, other) : dict_new(vm);
    if (!src || (!direct && (!vm_push_root(vm, obj_val(src)) || dict_update(vm, src, other) < 0))) return -1;
    if (!direct) vm_pop_roots(vm, 1);
    int64_t pos = 0;
    Value k, v;
    while (dict_next(src, &pos, &k, &v)) {
        if (!is_str(k)) {
            exc_raise(vm, E_TypeError, "keywords must be strings");
            return -1;
        }
        if (dict_get_str(d, AS(ObjStr, k)) != UNDEF) {
            StrBuf b = SB_INIT;
            func_str(vm, func, &b);
            exc_raise(vm, E_TypeError, "%s got multiple values for keyword argument '%s'", b.data ? b.data : "",
                      AS(ObjStr, k)->data);
            sb_free(&b);
            return -1;
        }
        if (dict_set(vm, d, k, v) < 0) return -1;
    }
    return 0;
}

/* f(*args, **kwargs): spreads the tuple and dict into an argument array. */
static Value call_ex(VM *vm, Value f, Value argt, Value kwd) {
    ObjTuple *t = AS(ObjTuple, argt);
    if (kwd == UNDEF || AS(ObjDict, kwd)->count == 0) return op_call(vm, f, t->items, (int)t->len, NULL);
    ObjDict *d = AS(ObjDict, kwd);
    ObjTuple *names = tuple_new(vm, d->count);
    if (!names) return ERR;
    int64_t n = t->len + d->count;
    Value *argv = malloc((size_t)(n + 1) * sizeof(Value));
    if (!argv) return exc_nomem(vm);
    copy_values(argv, t->items, t->len);
    int64_t pos = 0, i = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        names->items[i] = k;
        argv[t->len + i++] = v;
    }
    /* argv is not visible to the collector: keep the values reachable. */
    if (!vm_push_root(vm, obj_val(names))) { free(argv); return ERR; }
    Value r = op_call(vm, f, argv, (int)t->len, names);
    vm_pop_roots(vm, 1);
    free(argv);
    return r;
}

static Value build_class(VM *vm, Value *args, int nargs, ObjTuple *kwnames);

/* BEFORE_WITH / BEFORE_ASYNC_WITH once the manager is checked: the bound
 * exit replaces the manager on the stack (*top), and enter(cm) is called. */
static Value with_enter(VM *vm, Value *top, Value cm, Value enter, Value exitf) {
    /* Both are bound before __enter__ runs, as CPython looks them up;
     * a property or descriptor binds through its __get__. */
    Value enter_bound = op_special_bound(vm, cm, enter);
    if (enter_bound == ERR || !vm_push_root(vm, enter_bound)) return ERR;
    Value bound = op_special_bound(vm, cm, exitf);
    if (bound == UNDEF) bound = bound_new(vm, cm, exitf);
    vm_pop_roots(vm, 1);
    if (bound == ERR) return ERR;
    *top = bound;
    return enter_bound != UNDEF ? op_call(vm, enter_bound, NULL, 0, NULL) : op_call1(vm, enter, cm);
}

/* PEP 479: StopIteration leaving a generator's frame would read as "the
 * generator is finished"; it becomes RuntimeError, caused by it. */
static Value stop_iteration_escaped(VM *vm, struct ObjGen *g, Value e) {
    const char *kind = g->obj.cls == vm->types[T_COROUTINE] ? "coroutine"
                       : g->obj.cls == vm->types[T_GENERATOR] ? "generator" : "async generator";
    Value saved = vm->exc;
    exc_raise(vm, E_RuntimeError, "%s raised StopIteration", kind);
    Value r = vm->exc;
    vm->exc = saved;
    if (r == ERR || !is_kind(r, OBJ_EXC)) return e;
    AS(ObjException, r)->cause = e;
    AS(ObjException, r)->context = e;
    AS(ObjException, r)->suppress_context = 1;
    return r;
}

/* ---- the dispatch loop ------------------------------------------------- */

/* A generator about to resume under FOR_ITER or SEND past call_limit: too
 * deep, or profiled (its 'call' event, before the frame is linked). False
 * after raising. */
static __attribute__((noinline, cold)) bool resume_slow(VM *vm, Fiber *fb, ObjGen *g) {
    if (fb->depth >= vm->recursion_limit) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
        return false;
    }
    if (!hooks_active(vm)) return true;
    /* a traced frame running g under FOR_ITER or SEND sees its return as
     * a StopIteration (trace.h) */
    if (fb->frame->flags & FRAME_TRACED) g->frame->flags |= FRAME_TRACE_STOP;
    else g->frame->flags &= ~FRAME_TRACE_STOP;
    return hooks_call(vm, g->frame);
}

/* A native called while a profile hook is set: 'c_call' before, 'c_return'
 * or 'c_exception' after. `unbound` as in do_call. */
static __attribute__((noinline, cold)) Value native_profiled(VM *vm, ObjNative *fn, Value *args, int nargs,
                                                            ObjTuple *kwnames, bool unbound) {
    if (!prof_native(vm, PROF_C_CALL, obj_val(fn))) return ERR;
    Value r = unbound ? native_call_unbound(vm, fn, args, nargs, kwnames) : fn->fn(vm, args, nargs, kwnames);
    if (r != ERR && !vm_push_root(vm, r)) return ERR;
    prof_native(vm, r == ERR ? PROF_C_EXCEPTION : PROF_C_RETURN, obj_val(fn));
    if (r != ERR) vm_pop_roots(vm, 1);
    return r;
}

static Value interp_run(VM *vm, Frame *entry, Value throw);

/* The 'exception' event of traced frame f, where e was raised or passed
 * through: what goes on from there (e, or the trace function's error,
 * which then gets its place in the traceback). */
static __attribute__((noinline, cold)) Value traced_exception(VM *vm, Frame *f, Value e, ObjCode *code,
                                                              const uint32_t *ip) {
    Value r = trace_exception(vm, f, e);
    if (r != e) exc_add_tb(vm, r, code, ip);
    return r;
}

Value interp_call_function(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames) {
    if (fn->code->flags & (CODE_GENERATOR | CODE_COROUTINE | CODE_ASYNC_GEN)) return gen_new(vm, fn, args, nargs, kwnames);
    if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    Frame *f = enter_function(vm, fn, args, nargs, kwnames);
    if (!f) return ERR;
    f->flags |= FRAME_ENTRY;
    vm->fiber->frame = f;
    vm->c_depth++;
    Value r = interp_run(vm, f, UNDEF);
    vm->c_depth--;
    return r;
}

Value interp_run_module(VM *vm, ObjCode *code, ObjDict *globals) {
    return interp_run_code(vm, code, globals, NULL);
}

Value interp_run_code(VM *vm, ObjCode *code, ObjDict *globals, ObjDict *locals) {
    if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    Fiber *fb = vm->fiber;
    Frame *f = push_frame(vm, fb, code);
    if (!f) return ERR;
    fb->depth++;
    f->globals = globals;
    f->locals = locals;
    f->prev = fb->frame;
    f->flags = FRAME_ENTRY;
    fb->frame = f;
    if (__builtin_expect(hooks_active(vm), 0) && !hooks_call(vm, f)) {
        pop_frame(fb, f);
        return ERR;
    }
    f->sp = NULL;
    vm->c_depth++;
    Value r = interp_run(vm, f, UNDEF);
    vm->c_depth--;
    return r;
}

/* The 'call' events of generator frame f resumed from C, with the
 * exception thrown into it (or UNDEF) held meanwhile: the hooks run code. */
static __attribute__((noinline, cold)) bool resume_hooks(VM *vm, Frame *f, Value throw) {
    if (!vm_push_root(vm, throw)) return false;
    bool ok = hooks_call(vm, f);
    vm_pop_roots(vm, 1);
    return ok;
}

Value interp_resume(VM *vm, Frame *f, Value throw) {
    Fiber *fb = vm->fiber;
    if (fb->depth >= vm->recursion_limit) {
        f->gen->state = GEN_SUSPENDED;
        return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    }
    f->prev = fb->frame;
    fb->frame = f;
    fb->depth++;
    gen_enter_handled(fb, f->gen);
    if (__builtin_expect(hooks_active(vm), 0) && !resume_hooks(vm, f, throw)) {
        pop_frame(fb, f);
        f->gen->state = GEN_SUSPENDED;
        return ERR;
    }
    return interp_run(vm, f, throw);
}

/* Runs a class body with `ns` as its namespace (used by __build_class__). */
static Value run_class_body(VM *vm, ObjFunction *fn, ObjDict *ns) {
    if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    Frame *f = enter_function(vm, fn, NULL, 0, NULL);
    if (!f) return ERR;
    f->flags |= FRAME_ENTRY;
    f->locals = ns;
    vm->fiber->frame = f;
    vm->c_depth++;
    Value r = interp_run(vm, f, UNDEF);
    vm->c_depth--;
    return r;
}

#define SAVE() (frame->ip = ip, frame->sp = sp)
#define PUSH(v) (*sp++ = (v))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define PEEK(n) (sp[-(n)])
#define ARG ((int)(ins >> 8))
#define SARG ((int32_t)(ins & 0xFFFFFF00) >> 8)
#define NEXT() do { ins = *ip++; goto *dispatch[ins & 0xFF]; } while (0)
#define CASE(op) L_##op:
#define CHECK(v) do { if ((v) == ERR) goto error; } while (0)
#define CHECK_INT(r) do { if ((r) < 0) goto error; } while (0)
/* A collection or a signal (Ctrl-C, the blocked-loop watchdog) is taken
 * here. `before`: the frame stands before its next instruction (function
 * entry) rather than after the one that raised (a backward jump). */
#define SAFEPOINT_AT(before) do { \
        if (vm->gc_request | vm_signals(vm)) { \
            SAVE(); \
            if (vm->gc_request) gc_collect(vm); \
            if (vm_signals(vm) && !vm_handle_signals(vm, before)) goto error; \
        } \
    } while (0)
#define SAFEPOINT() SAFEPOINT_AT(true)
/* A collection now, so __del__ runs when CPython's would (finalize.h). */
#define FINALIZE_NOW() do { SAVE(); finalize_collect(vm); } while (0)

/* What a store or del is about to drop from a plain list or dict, or from an
 * instance's dict, so that the caller collects at once if it needs
 * finalizing (finalize.h); UNDEF otherwise. Only int and str keys are looked
 * up: they run no user code. */
static Value dropped_item(VM *vm, Value obj, Value key) {
    if (is_plain_kind(obj, OBJ_LIST) && is_int(key)) {
        ObjList *l = AS(ObjList, obj);
        int64_t i = as_int(key) < 0 ? as_int(key) + l->len : as_int(key);
        return i >= 0 && i < l->len ? l->items[i] : UNDEF;
    }
    if (is_plain_kind(obj, OBJ_DICT) && (is_int(key) || is_str(key))) return dict_get(vm, AS(ObjDict, obj), key);
    return UNDEF;
}

static Value dropped_attr(VM *vm, Value obj, ObjStr *name) {
    if (!is_kind(obj, OBJ_INSTANCE)) return UNDEF;
    Value v = AS(ObjInstance, obj)->dict ? dict_get_str(AS(ObjInstance, obj)->dict, name) : UNDEF;
    return v != UNDEF ? v : class_slot_value(vm, obj, name);
}

/* The stores and dels while finalizable objects live: the operation, then a
 * collection if what it dropped needs finalizing. The caller has saved its
 * ip and sp. Out of line, and the instructions' fast paths step aside for
 * them, so that the dispatch loop keeps the code it had: its other
 * instructions are sensitive to these ones' size (fib took 5% more
 * instructions with this inline). */
/* Whether obj's class (not a builtin above it) defines __setattr__, which
 * may not keep the value it is given. */
static bool user_setattr(VM *vm, Value obj) {
    if (!is_obj(obj) || as_obj(obj)->kind != OBJ_INSTANCE) return false;
    ObjStr *n = str_intern_cstr(vm, "__setattr__");
    ObjTuple *mro = as_obj(obj)->cls->mro;
    if (!n || !mro) { vm->exc = UNDEF; return false; }
    for (int64_t i = 0; i < mro->len; i++) {
        ObjClass *c = AS(ObjClass, mro->items[i]);
        if (c->obj.flags & CLASS_BUILTIN) break;
        if (dict_get_str(c->dict, n) != UNDEF) return true;
    }
    return false;
}

/* *after: the value given may have had its last reference on the stack (a
 * __setattr__ that kept nothing): the caller collects once it is popped. */
static __attribute__((noinline)) int setattr_finalizing(VM *vm, Value obj, ObjStr *name, Value v, bool *after) {
    Value old = dropped_attr(vm, obj, name);
    int r = op_setattr(vm, obj, name, v);
    if (r >= 0 && finalize_dropped(vm, old)) finalize_collect(vm);
    *after = r >= 0 && finalize_pending(v) && user_setattr(vm, obj) && finalize_dropped(vm, v);
    return r;
}

static __attribute__((noinline)) int delattr_finalizing(VM *vm, Value obj, ObjStr *name) {
    Value old = dropped_attr(vm, obj, name);
    int r = op_delattr(vm, obj, name);
    if (r >= 0 && finalize_dropped(vm, old)) finalize_collect(vm);
    return r;
}

static __attribute__((noinline)) int setitem_finalizing(VM *vm, Value obj, Value key, Value v) {
    Value old = dropped_item(vm, obj, key);
    bool slice = is_kind(key, OBJ_SLICE) && finalize_items_dropped(vm, obj);    /* lst[a:b] = ... */
    int r = op_setitem(vm, obj, key, v);
    if (r >= 0 && (slice || finalize_dropped(vm, old))) finalize_collect(vm);
    return r;
}

static __attribute__((noinline)) int delitem_finalizing(VM *vm, Value obj, Value key) {
    Value old = dropped_item(vm, obj, key);
    bool slice = is_kind(key, OBJ_SLICE) && finalize_items_dropped(vm, obj);    /* del lst[a:b] */
    int r = op_delitem(vm, obj, key);
    if (r >= 0 && (slice || finalize_dropped(vm, old))) finalize_collect(vm);
    return r;
}

static Value interp_run(VM *vm, Frame *entry, Value throw) {
    static const void *const dispatch[256] = {
        [0 ... 255] = &&L_BAD,
#define OP(name, effect) [OP_##name] = &&L_##name,
        OPCODES(OP)
#undef OP
    };
    Fiber *fb = vm->fiber;
    Frame *frame = entry;
    ObjCode *code = frame->code;
    const uint32_t *ip = frame->ip;
    Value *sp = frame->sp ? frame->sp : frame_stack_base(frame);
    Value *consts = code->consts;
    ObjStr **names = code->names;
    Value *slots = frame->slots;
    uint32_t ins;
    bool reraise = false;
    /* An exception thrown into a generator chains to what the generator
     * handles, not its caller (as CPython's gen.throw). */
    bool thrown = throw != UNDEF;
    bool raised = false;    /* a raise statement's exception (chained anew) */
    bool moved = false;     /* re-raised where the frame has moved on from its raise */

/* Reloads the cached state after switching frames. */
/* The fast path of a call: a plain function given exactly its positional
 * arguments, with room in the stack chunk for its frame. CALL and
 * CALL_METHOD take it with their own temporaries before joining do_call,
 * which sets the variables the general path needs: with one join point for
 * every call, GCC kept those in memory, costing each call nine more
 * instructions. */
#define CALL_SIMPLE(FSLOT, ARGS, NARGS) do { \
        Value f_ = *(FSLOT); \
        if (!is_kind(f_, OBJ_FUNCTION)) break; \
        ObjFunction *fn_ = AS(ObjFunction, f_); \
        ObjCode *c_ = fn_->code; \
        StackChunk *ch_ = fb->chunk; \
        int n_ = (NARGS); \
        if (!(c_->flags & CODE_SIMPLE) || n_ != c_->argcount || fb->depth >= vm->call_limit || \
            ch_->top + c_->framesize > ch_->limit) \
            break; \
        Value *a_ = (ARGS); \
        Frame *nf_ = (Frame *)ch_->top; \
        ch_->top += c_->framesize; \
        nf_->slots = (Value *)nf_ + FRAME_WORDS; \
        for (int i_ = 0; i_ < n_; i_++) nf_->slots[i_] = a_[i_]; \
        for (int i_ = n_; i_ < c_->nlocals; i_++) nf_->slots[i_] = UNDEF; \
        nf_->code = c_; \
        nf_->func = fn_; \
        nf_->globals = fn_->globals; \
        nf_->locals = NULL; \
        nf_->gen = NULL; \
        nf_->flags = 0; \
        nf_->chunk_mark = 0; \
        nf_->prev = frame; \
        nf_->ip = c_->ins; \
        nf_->sp = NULL; \
        fb->depth++; \
        frame->ip = ip; \
        frame->sp = (FSLOT); \
        fb->frame = frame = nf_; \
        code = c_; \
        ip = c_->ins; \
        consts = c_->consts; \
        names = c_->names; \
        slots = nf_->slots; \
        sp = slots + c_->nlocals; \
        SAFEPOINT(); \
        NEXT(); \
    } while (0)

#define LOAD_FRAME() do { \
        code = frame->code; ip = frame->ip; consts = code->consts; names = code->names; \
        slots = frame->slots; \
    } while (0)

    if (throw != UNDEF) {
        vm->exc = throw;
        goto error;
    }
    SAFEPOINT();
    NEXT();

/* Continues generator g in this loop, above the current frame, which
 * resumes at the instruction after FOR_ITER or SEND when g yields or ends. */
#define RESUME_GEN(g, sendv) do { \
        Frame *gf = (g)->frame; \
        if ((g)->state == GEN_SUSPENDED) *gf->sp++ = (sendv); \
        (g)->state = GEN_RUNNING; \
        gen_enter_handled(fb, (g)); \
        SAVE(); \
        gf->prev = frame; \
        fb->frame = frame = gf; \
        fb->depth++; \
        LOAD_FRAME(); \
        sp = gf->sp; \
        NEXT(); \
    } while (0)

    CASE(NOP) NEXT();
    CASE(UNCOUNT_FRAME) {
        /* (RETURN_VALUE and the unwinding put the depth back before the
         * frame is popped) */
        frame->flags |= FRAME_UNCOUNTED;
        fb->depth--;
        NEXT();
    }
    CASE(POP_TOP) {
        Value v = *--sp;
        /* (a for loop left by break drops its iterator here) */
        if (finalize_wanted(vm) && finalize_dropped(vm, v)) FINALIZE_NOW();
        NEXT();
    }
    CASE(COPY) { Value v = PEEK(ARG); PUSH(v); NEXT(); }
    CASE(SWAP) { Value t = TOP(); TOP() = PEEK(ARG); PEEK(ARG) = t; NEXT(); }
    CASE(LOAD_CONST) PUSH(consts[ARG]); NEXT();
    CASE(LOAD_SMALL_INT) PUSH(int_val(SARG)); NEXT();
    CASE(LOAD_FAST) {
        Value v = slots[ARG];
        if (is_obj(v) && as_obj(v)->flags & STR_UNIQUE && as_obj(v)->kind == OBJ_STR)
            as_obj(v)->flags &= ~STR_UNIQUE;    /* it escapes: immutable from now on */
        if (v == UNDEF) {
            SAVE();
            unbound_local(vm, code->varnames[ARG]);
            goto error;
        }
        PUSH(v);
        NEXT();
    }
    CASE(STORE_FAST) {
        if (finalize_wanted(vm) && finalize_dropped(vm, slots[ARG])) {
            slots[ARG] = POP();
            FINALIZE_NOW();     /* the value replaced may have had its last reference here */
            NEXT();
        }
        slots[ARG] = POP();
        NEXT();
    }
    CASE(DELETE_FAST) {
        if (slots[ARG] == UNDEF) {
            SAVE();
            unbound_local(vm, code->varnames[ARG]);
            goto error;
        }
        if (finalize_wanted(vm)) finalize_note_order(vm, slots[ARG]);     /* if it frees several */
        slots[ARG] = UNDEF;
        if (finalize_wanted(vm)) FINALIZE_NOW();
        NEXT();
    }
    CASE(LOAD_DEREF) {
        ObjCell *cell = AS(ObjCell, slots[code->nlocals + ARG]);
        if (cell->v == UNDEF) {
            SAVE();
            ObjStr *name = code->cellnames[ARG];
            if (ARG < code->ncells)
                unbound_local(vm, name);
            else
                unbound_free(vm, frame, name);
            goto error;
        }
        PUSH(cell->v);
        NEXT();
    }
    CASE(LOAD_FROM_DICT_OR_DEREF) {
        /* A class body's (or its annotation scope's) read of a closure
         * variable: the class namespace may have it (put there by
         * __prepare__ or locals()), and then wins. */
        SAVE();
        ObjStr *name = code->cellnames[ARG];
        Value ns = TOP(), v = UNDEF;
        if (is_kind(ns, OBJ_DICT))
            v = ns_get(vm, AS(ObjDict, ns), name);
        CHECK(v);
        if (v == UNDEF) v = AS(ObjCell, slots[code->nlocals + ARG])->v;
        if (v == UNDEF) {
            exc_raise(vm, E_NameError, "cannot access free variable '%s' where it is not associated with a value in enclosing scope", name->data);
            goto error;
        }
        TOP() = v;
        NEXT();
    }
    CASE(STORE_DEREF) {
        ObjCell *cell = AS(ObjCell, slots[code->nlocals + ARG]);
        if (finalize_wanted(vm) && finalize_dropped(vm, cell->v)) {
            cell->v = POP();
            FINALIZE_NOW();     /* as STORE_FAST: the value replaced may be gone */
            NEXT();
        }
        cell->v = POP();
        NEXT();
    }
    CASE(DELETE_DEREF) {
        ObjCell *cell = AS(ObjCell, slots[code->nlocals + ARG]);
        if (cell->v == UNDEF) {
            SAVE();
            if (ARG < code->ncells)
                unbound_local(vm, code->cellnames[ARG]);
            else
                unbound_free(vm, frame, code->cellnames[ARG]);
            goto error;
        }
        cell->v = UNDEF;
        if (finalize_wanted(vm)) FINALIZE_NOW();
        NEXT();
    }
    CASE(LOAD_CLOSURE) PUSH(slots[code->nlocals + ARG]); NEXT();
    CASE(LOAD_GLOBAL) {
        GlobalCache *gc = &code->caches[*ip++];
        ObjDict *g = frame->globals;
        if (gc->gversion == g->version && gc->bversion == vm->builtins->version && gc->value != UNDEF) {
            PUSH(gc->value);
            NEXT();
        }
        SAVE();
        bool shared;
        Value v = load_global_shared(vm, g, names[ARG], &shared);
        CHECK(v);
        gc->gversion = g->version;
        gc->bversion = vm->builtins->version;
        gc->value = shared ? v : UNDEF;
        PUSH(v);
        NEXT();
    }
    CASE(STORE_GLOBAL) {
        SAVE();
        Value v = POP();
        Value old = finalize_wanted(vm) ? dict_get_str(frame->globals, names[ARG]) : UNDEF;
        CHECK_INT(dict_set_str(vm, frame->globals, names[ARG], v));
        if (old != UNDEF && finalize_dropped(vm, old)) FINALIZE_NOW();
        NEXT();
    }
    CASE(DELETE_GLOBAL) {
        SAVE();
        if (finalize_wanted(vm)) finalize_note_order(vm, dict_get_str(frame->globals, names[ARG]));
        int r = dict_del(vm, frame->globals, obj_val(names[ARG]));
        CHECK_INT(r);
        if (!r) {
            name_error(vm, names[ARG]);
            goto error;
        }
        if (finalize_wanted(vm)) FINALIZE_NOW();
        NEXT();
    }
    CASE(LOAD_NAME) {
        SAVE();
        ObjStr *name = names[ARG];
        Value v = frame->locals ? ns_get(vm, frame->locals, name) : UNDEF;
        CHECK(v);
        if (v == UNDEF) v = load_global(vm, frame->globals, name);
        CHECK(v);
        PUSH(v);
        NEXT();
    }
    CASE(LOAD_LOCALS) {
        if (!frame->locals) { exc_raise(vm, E_RuntimeError, "no locals found"); goto error; }
        PUSH(obj_val(frame->locals));
        NEXT();
    }
    CASE(LOAD_FROM_DICT_OR_GLOBALS) {
        /* An annotation scope in a class body (PEP 695) sees the class's
         * names first: TOS is the namespace from its __classdict__ cell. */
        SAVE();
        ObjStr *name = names[ARG];
        Value ns = TOP(), v = UNDEF;
        if (is_kind(ns, OBJ_DICT))
            v = ns_get(vm, AS(ObjDict, ns), name);
        CHECK(v);
        if (v == UNDEF) v = load_global(vm, frame->globals, name);
        CHECK(v);
        TOP() = v;
        NEXT();
    }
    CASE(STORE_NAME) {
        SAVE();
        Value v = PEEK(1), old = UNDEF;
        if (frame->locals && (frame->locals->obj.flags & OBJ_SUBTYPE)) {
            CHECK_INT(op_setitem(vm, obj_val(frame->locals), obj_val(names[ARG]), v));
        } else {
            ObjDict *ns = frame->locals ? frame->locals : frame->globals;
            if (finalize_wanted(vm)) old = dict_get_str(ns, names[ARG]);
            CHECK_INT(dict_set_str(vm, ns, names[ARG], v));
        }
        sp--;
        if (old != UNDEF && finalize_dropped(vm, old)) FINALIZE_NOW();
        NEXT();
    }
    CASE(SETUP_ANNOTATIONS) {
        /* One given beforehand (by __prepare__ or exec's namespace) is kept. */
        SAVE();
        ObjStr *name = vm_name(vm, N___annotations__);
        bool custom = frame->locals && (frame->locals->obj.flags & OBJ_SUBTYPE);
        ObjDict *ns = frame->locals ? frame->locals : frame->globals;
        Value v = ns_get(vm, ns, name);
        CHECK(v);
        if (v == UNDEF) {
            ObjDict *d = dict_new(vm);
            if (!d) goto error;
            CHECK_INT(custom ? op_setitem(vm, obj_val(ns), obj_val(name), obj_val(d)) : dict_set_str(vm, ns, name, obj_val(d)));
        }
        NEXT();
    }
    CASE(DELETE_NAME) {
        SAVE();
        if (frame->locals && (frame->locals->obj.flags & OBJ_SUBTYPE)) {
            CHECK_INT(op_delitem(vm, obj_val(frame->locals), obj_val(names[ARG])));
            NEXT();
        }
        ObjDict *ns = frame->locals ? frame->locals : frame->globals;
        if (finalize_wanted(vm)) finalize_note_order(vm, dict_get_str(ns, names[ARG]));
        int r = dict_del(vm, ns, obj_val(names[ARG]));
        CHECK_INT(r);
        if (!r) {
            name_error(vm, names[ARG]);
            goto error;
        }
        if (finalize_wanted(vm)) FINALIZE_NOW();
        NEXT();
    }
    CASE(LOAD_ATTR_TMP) {
        /* CPython drops the object, make() of make().x, once its attribute
         * is read: while finalizing, look at it then. Else LOAD_ATTR. */
        if (__builtin_expect(!finalize_wanted(vm), 1)) goto L_LOAD_ATTR;
        ip++;                               /* (the cache, unused here) */
        Value obj = TOP();
        SAVE();
        Value v = op_getattr(vm, obj, names[ARG]);
        CHECK(v);
        TOP() = v;
        if (finalize_dropped(vm, obj)) FINALIZE_NOW();
        NEXT();
    }
    CASE(LOAD_ATTR) {
        AttrCache *ac = &code->attrcaches[*ip++];
        Value obj = TOP();
        ObjStr *name = names[ARG];
        if (is_kind(obj, OBJ_INSTANCE)) {
            ObjClass *cls = as_obj(obj)->cls;
            if (ac->cls != cls || ac->version != vm->class_version) {
                ac->cls = cls;
                ac->version = vm->class_version;
                ac->value = class_lookup_cached(cls, name);
            }
            if (ac->value == UNDEF || is_kind(ac->value, OBJ_FUNCTION)) {
                ObjDict *d = AS(ObjInstance, obj)->dict;
                int64_t k = ac->entry;
                if (d && k < d->nentries && d->entries[k].key == obj_val(name)) { TOP() = d->entries[k].value; NEXT(); }
                k = dict_find_str(d, name);
                if (k >= 0) {
                    ac->entry = (int32_t)k;
                    TOP() = d->entries[k].value;
                    NEXT();
                }
                if (ac->value != UNDEF) {
                    SAVE();
                    Value bm = bound_new(vm, obj, ac->value);
                    CHECK(bm);
                    TOP() = bm;
                    NEXT();
                }
            } else if (!(cls->obj.flags & CLASS_HAS_GETATTR)) {
                SAVE();
                Value v = class_member_get(vm, ac->value, obj);     /* a __slots__ member */
                if (v != UNDEF) {
                    CHECK(v);
                    TOP() = v;
                    NEXT();
                }
            }
        }
        SAVE();
        Value v = op_getattr(vm, obj, name);
        CHECK(v);
        TOP() = v;
        NEXT();
    }
    CASE(STORE_ATTR) {
        /* The cache records whether, for this class version, a store is a
         * plain instance-dict store (no __setattr__, no property), or the
         * __slots__ member descriptor it goes to. */
        AttrCache *ac = &code->attrcaches[*ip++];
        Value obj = PEEK(1), v = PEEK(2);
        SAVE();
        if (is_kind(obj, OBJ_INSTANCE)) {
            ObjClass *cls = as_obj(obj)->cls;
            if (ac->cls != cls || ac->version != vm->class_version) {
                Value attr = class_lookup(cls, names[ARG]);
                bool custom = op_special(vm, obj, N___setattr__) != UNDEF;
                /* (a class with only __slots__ takes no other name, even
                 * where its instances have a dict: a deque's holds its ring) */
                bool plain = !custom && !(cls->obj.flags & CLASS_SLOTS) &&
                             !(is_kind(attr, OBJ_PROPERTY) || (is_kind(attr, OBJ_INSTANCE) &&
                                                               (op_special(vm, attr, N___set__) != UNDEF ||
                                                                op_special(vm, attr, N___delete__) != UNDEF)));
                ac->cls = cls;
                ac->version = vm->class_version;
                /* or the __slots__ member descriptor a store goes to */
                ac->value = !custom && is_kind(attr, OBJ_PROPERTY) &&
                            as_obj(attr)->cls == vm->types[T_MEMBER_DESCRIPTOR] ? attr : bool_val(plain);
            }
            if (ac->value == TRUE_VAL && AS(ObjInstance, obj)->dict && !finalize_wanted(vm)) {
                ObjDict *d = AS(ObjInstance, obj)->dict;
                int64_t k = ac->entry;
                if (k < d->nentries && d->entries[k].key == obj_val(names[ARG])) {
                    d->entries[k].value = v;    /* an existing attribute: no hashing */
                } else {
                    int64_t before = d->nentries;
                    CHECK_INT(dict_set_str(vm, d, names[ARG], v));
                    /* A new attribute is the last entry; else look it up. */
                    k = d->nentries > before ? d->nentries - 1 : dict_find_str(d, names[ARG]);
                    if (k >= 0) ac->entry = (int32_t)k;
                    if (d->count > cls->dict_hint && d->count <= CLASS_DICT_HINT_MAX) cls->dict_hint = (uint8_t)d->count;
                }
                sp -= 2;
                NEXT();
            }
            if (is_kind(ac->value, OBJ_PROPERTY) && !finalize_wanted(vm)) {
                CHECK_INT(class_member_set(vm, ac->value, obj, v));
                sp -= 2;
                NEXT();
            }
        }
        if (finalize_wanted(vm)) {
            bool after;
            CHECK_INT(setattr_finalizing(vm, obj, names[ARG], v, &after));
            sp -= 2;
            if (after) FINALIZE_NOW();
            NEXT();
        }
        CHECK_INT(op_setattr(vm, obj, names[ARG], v));
        sp -= 2;
        NEXT();
    }
    CASE(DELETE_ATTR) {
        SAVE();
        Value obj = POP();
        CHECK_INT(finalize_wanted(vm) ? delattr_finalizing(vm, obj, names[ARG]) : op_delattr(vm, obj, names[ARG]));
        NEXT();
    }
    CASE(LOAD_METHOD) {
        AttrCache *ac = &code->attrcaches[*ip++];
        Value obj = TOP();
        ObjStr *name = names[ARG];
        /* Cached class lookups for instances (unless their dict shadows the
         * name) and for builtin objects, which have no dict: str, list, ... */
        bool inst = is_kind(obj, OBJ_INSTANCE);
        ObjClass *cls = inst ? as_obj(obj)->cls : type_of(vm, obj);
        if (inst || ((cls->obj.flags & CLASS_BUILTIN) && !is_kind(obj, OBJ_CLASS) && !is_kind(obj, OBJ_MODULE) &&
                     !is_kind(obj, OBJ_FUNCTION) && !is_kind(obj, OBJ_EXC) && cls != vm->types[T_SUPER])) {
            if (ac->cls != cls || ac->version != vm->class_version) {
                ac->cls = cls;
                ac->version = vm->class_version;
                ac->value = class_lookup_cached(cls, name);
                /* (a builtin type's method on a class not derived from it
                 * takes the slow path, which refuses to bind it) */
                if (is_kind(ac->value, OBJ_NATIVE) && !native_applies(vm, AS(ObjNative, ac->value), cls))
                    ac->value = UNDEF;
            }
            Value m = ac->value;
            bool native = is_kind(m, OBJ_NATIVE) && (as_obj(m)->flags & NATIVE_METHOD);
            ObjDict *own = inst ? AS(ObjInstance, obj)->dict : NULL;
            bool method = inst ? (native || is_kind(m, OBJ_FUNCTION)) &&
                                     (dict_lacks_str_fast(own, name) || dict_get_str(own, name) == UNDEF)
                               : native;
            if (method) {
                TOP() = m;
                PUSH(obj);
                NEXT();
            }
        }
        SAVE();
        Value self;
        Value m = op_getmethod(vm, obj, name, &self);
        CHECK(m);
        TOP() = m;
        PUSH(self);
        NEXT();
    }

    /* ---- calls ---- */
    {
        Value *fslot;       /* where the callable is; the result goes there */
        Value *args;
        int nargs;
        ObjTuple *kwnames;

    CASE(CALL) {
        Value *fs = sp - ARG - 1;
        CALL_SIMPLE(fs, fs + 1, (int)ARG);
        nargs = ARG;
        fslot = fs;
        args = fs + 1;
        kwnames = NULL;
        goto do_call;
    }
    CASE(CALL_TEMP)
        /* CPython drops a value made for a call, the A() of print(A()),
         * when the call returns. A script function's return looks at its
         * locals (finalize_frame_drops); other callees' arguments are
         * looked at in call_temp, while finalizing. Else this is CALL. */
        if (__builtin_expect(!finalize_wanted(vm), 1)) goto L_CALL;
        kwnames = NULL;
        goto call_temp;
    CASE(CALL_KW_TEMP)
        if (__builtin_expect(!finalize_wanted(vm), 1)) goto L_CALL_KW;
        kwnames = AS(ObjTuple, sp[-1]);
    call_temp: {
        Value *fs = sp - ARG - 1 - (kwnames != NULL);
        if (!native_callee(*fs) || vm->prof_func != UNDEF) {       /* (the profiler's C events are CALL's) */
            if (kwnames) goto L_CALL_KW;
            goto L_CALL;
        }
        SAVE();
        Value r = op_call(vm, *fs, fs + 1, ARG - (kwnames ? (int)kwnames->len : 0), kwnames);
        sp = fs;
        CHECK(r);
        PUSH(r);
        bool due = vm->fin_after_call || finalize_args_dropped(vm, fs + 1, ARG);
        vm->fin_after_call = false;
        if (due) FINALIZE_NOW();
        if (__builtin_expect(vm_signals(vm), 0)) {     /* (a Ctrl-C during a blocking native, as CALL) */
            SAVE();
            if (!vm_handle_signals(vm, false)) goto error;
        }
        NEXT();
    }
    CASE(CALL_KW)
        kwnames = AS(ObjTuple, POP());
        fslot = sp - ARG - 1;
        args = fslot + 1;
        nargs = ARG - (int)kwnames->len;
        goto do_call;
    CASE(CALL_METHOD) {
        Value *fs = sp - ARG - 2;
        bool unbound = fs[1] == UNDEF;
        CALL_SIMPLE(fs, fs + 1 + unbound, (int)ARG + !unbound);
        fslot = fs;
        kwnames = NULL;
        args = fs + 1 + unbound;
        nargs = (int)ARG + !unbound;
        goto do_call;
    }
    CASE(CALL_METHOD_KW)
        kwnames = AS(ObjTuple, POP());
        fslot = sp - ARG - 2;
        if (fslot[1] == UNDEF) { args = fslot + 2; nargs = ARG - (int)kwnames->len; }
        else { args = fslot + 1; nargs = ARG + 1 - (int)kwnames->len; }
        goto do_call;

    do_call: {
        Value f = *fslot;
        if (is_kind(f, OBJ_NATIVE) && AS(ObjNative, f)->self == UNDEF) {
            SAVE();
            /* A builtin type's method taken from its class (`str.upper(x)`)
             * checks its object first; one that LOAD_METHOD found on the
             * object's class needs not: CALL_METHOD then passes the object
             * in the slot above the callable. (The instruction is read
             * from ip[-1] rather than ins, so that ins need not stay live
             * on the other call paths.) CALL_METHOD_KW takes the check. */
            bool found_on_self = (INS_OP(ip[-1]) == OP_CALL_METHOD ||
                                  (INS_OP(ip[-1]) == OP_TRACE && INS_OP(code_ins_at(code, ip - 1)) == OP_CALL_METHOD)) &&
                                 args == fslot + 1;
            uint16_t nf = as_obj(f)->flags;
            bool unbound = (nf & NATIVE_NEW) || ((nf & NATIVE_METHOD) && !found_on_self);
            Value r = __builtin_expect(vm->prof_func != UNDEF, 0)
                          ? native_profiled(vm, AS(ObjNative, f), args, nargs, kwnames, unbound)
                      : __builtin_expect(unbound, 0) ? native_call_unbound(vm, AS(ObjNative, f), args, nargs, kwnames)
                                                     : AS(ObjNative, f)->fn(vm, args, nargs, kwnames);
            sp = fslot;
            CHECK(r);
            PUSH(r);
            /* A native that blocked (time.sleep) is where a blocked loop
             * is stuck; a Ctrl-C during it is raised here. */
            if (__builtin_expect(vm_signals(vm), 0)) {
                SAVE();
                if (!vm_handle_signals(vm, false)) goto error;
            }
            if (__builtin_expect(vm->fin_after_call, 0)) {     /* it dropped objects with __del__ */
                vm->fin_after_call = false;
                FINALIZE_NOW();
            }
            NEXT();
        }
        if (is_kind(f, OBJ_FUNCTION) && (AS(ObjFunction, f)->code->flags & (CODE_GENERATOR | CODE_COROUTINE | CODE_ASYNC_GEN))) {
            SAVE();
            Value g = gen_new(vm, AS(ObjFunction, f), args, nargs, kwnames);
            sp = fslot;
            CHECK(g);
            PUSH(g);
            if (__builtin_expect(INS_OP(*ip) == OP_POP_TOP, 0)) {
                SAVE();
                gen_dropped_at_once(vm, AS(ObjGen, g));
            }
            NEXT();
        }
        if (is_kind(f, OBJ_FUNCTION)) {
            SAVE();
            frame->sp = fslot;      /* the callee's result lands here */
            if (kwnames && !vm_push_root(vm, obj_val(kwnames))) goto error_at_call;
            Frame *nf = enter_function(vm, AS(ObjFunction, f), args, nargs, kwnames);
            if (kwnames) vm_pop_roots(vm, 1);
            if (!nf) goto error_at_call;
            nf->prev = frame;
            fb->frame = frame = nf;
            LOAD_FRAME();
            sp = frame_stack_base(frame);
            SAFEPOINT();
            NEXT();
        }
        if (is_kind(f, OBJ_BOUND) && is_kind(AS(ObjBound, f)->func, OBJ_FUNCTION)) {
            /* A bound method called as a value: self goes in front of the
             * arguments, in the slot CALL_METHOD leaves free or in one made
             * by shifting them up (every frame has two spare stack slots). */
            if (args == fslot + 1) {
                int nkw = kwnames ? (int)kwnames->len : 0;
                memmove(args + 1, args, (size_t)(nargs + nkw) * sizeof(Value));
                args++;
                sp++;
            }
            args[-1] = AS(ObjBound, f)->self;
            *fslot = AS(ObjBound, f)->func;
            args--;
            nargs++;
            if (!kwnames) CALL_SIMPLE(fslot, args, nargs);
            goto do_call;
        }
        if (is_kind(f, OBJ_CLASS) && AS(ObjClass, f)->ctor != UNDEF && f != obj_val(vm->types[T_TYPE])) {
            /* A builtin type (str(x), int(s), list(it)): its native
             * constructor takes the class first, in the slot below the
             * arguments, which holds the callable or is CALL_METHOD's free
             * one. (type() itself goes through class_call: type(name, bases,
             * ns) may need the metaclass's __init__.) */
            SAVE();
            args[-1] = f;
            Value r = AS(ObjNative, AS(ObjClass, f)->ctor)->fn(vm, args - 1, nargs + 1, kwnames);
            sp = fslot;
            CHECK(r);
            PUSH(r);
            NEXT();
        }
        if (is_kind(f, OBJ_CLASS) && !(as_obj(f)->flags & CLASS_BUILTIN)) {
            SAVE();
            Value init;
            Value obj = !(as_obj(f)->flags & CLASS_CUSTOM_META)
                            ? class_alloc(vm, AS(ObjClass, f), args, nargs, kwnames, &init)
                            : class_instantiate(vm, AS(ObjClass, f), args, nargs, kwnames, &init);
            if (obj == ERR) { sp = fslot; goto error; }
            if (init == UNDEF) { sp = fslot; PUSH(obj); NEXT(); }
            if (args == fslot + 1) {
                int nkw = kwnames ? (int)kwnames->len : 0;
                memmove(args + 1, args, (size_t)(nargs + nkw) * sizeof(Value));
                args++;
            }
            *fslot = obj;
            args[-1] = obj;
            if (is_kind(init, OBJ_FUNCTION)) {
                /* Run __init__ in a frame of its own; on return the instance,
                 * already in the callable's slot, is the call's result. */
                frame->sp = fslot + 1;
                if (kwnames && !vm_push_root(vm, obj_val(kwnames))) { sp = fslot; goto error; }
                Frame *nf = enter_function(vm, AS(ObjFunction, init), args - 1, nargs + 1, kwnames);
                if (kwnames) vm_pop_roots(vm, 1);
                if (!nf) { sp = fslot; goto error; }
                nf->flags |= FRAME_INIT;
                nf->prev = frame;
                fb->frame = frame = nf;
                LOAD_FRAME();
                sp = frame_stack_base(frame);
                SAFEPOINT();
                NEXT();
            }
            frame->sp = args + nargs + (kwnames ? (int)kwnames->len : 0);
            Value r = op_call(vm, init, args - 1, nargs + 1, kwnames);
            sp = fslot;
            CHECK(r);
            if (r != NONE_VAL) { exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", r); goto error; }
            PUSH(obj);
            NEXT();
        }
        SAVE();
        Value r = op_call(vm, f, args, nargs, kwnames);
        sp = fslot;
        CHECK(r);
        PUSH(r);
        if (__builtin_expect(vm->fin_after_call, 0)) {     /* weakref.ref(A()) */
            vm->fin_after_call = false;
            FINALIZE_NOW();
        }
        NEXT();
    }
    error_at_call:
        sp = fslot;
        goto error;
    }
    CASE(CALL_EX) {
        /* [f, args tuple, (kwargs)]: they stay on the stack during the call. */
        SAVE();
        bool has_kw = ARG & 1;
        Value kw = has_kw ? TOP() : UNDEF;
        Value argt = PEEK(has_kw ? 2 : 1), f = PEEK(has_kw ? 3 : 2);
        Value r = call_ex(vm, f, argt, kw);
        sp -= has_kw ? 3 : 2;
        CHECK(r);
        PUSH(r);
        NEXT();
    }

    /* ---- arithmetic ---- */
    CASE(BINARY_ADD) {
        Value b = POP(), a = TOP();
        if (is_int(a) && is_int(b)) {
            int64_t r = as_int(a) + as_int(b);
            if (small_int_fits(r)) { TOP() = int_val(r); NEXT(); }
        } else if (is_float(a) && is_float(b)) {
            TOP() = float_val(as_float(a) + as_float(b));
            NEXT();
        }
        sp++;
        SAVE();
        sp--;
        Value r = is_plain_intlike(a) && is_plain_intlike(b) ? int_binop(vm, BIN_ADD, a, b) : op_binary(vm, BIN_ADD, a, b);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(BINARY_SUB) {
        Value b = POP(), a = TOP();
        if (is_int(a) && is_int(b)) {
            int64_t r = as_int(a) - as_int(b);
            if (small_int_fits(r)) { TOP() = int_val(r); NEXT(); }
        } else if (is_float(a) && is_float(b)) {
            TOP() = float_val(as_float(a) - as_float(b));
            NEXT();
        }
        sp++;
        SAVE();
        sp--;
        Value r = is_plain_intlike(a) && is_plain_intlike(b) ? int_binop(vm, BIN_SUB, a, b) : op_binary(vm, BIN_SUB, a, b);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(BINARY_MUL) {
        Value b = POP(), a = TOP();
        if (is_int(a) && is_int(b)) {
            int64_t r;
            if (!__builtin_mul_overflow(as_int(a), as_int(b), &r) && small_int_fits(r)) { TOP() = int_val(r); NEXT(); }
        } else if (is_float(a) && is_float(b)) {
            TOP() = float_val(as_float(a) * as_float(b));
            NEXT();
        }
        sp++;
        SAVE();
        sp--;
        Value r = is_plain_intlike(a) && is_plain_intlike(b) ? int_binop(vm, BIN_MUL, a, b) : op_binary(vm, BIN_MUL, a, b);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(BINARY_OP) {
        Value b = POP(), a = TOP();
        int64_t ir;
        if (is_int(a) && is_int(b) && small_int_binop((BinOp)ARG, as_int(a), as_int(b), &ir)) {
            TOP() = int_val(ir);
            NEXT();
        }
        sp++;
        SAVE();
        sp--;
        Value r = is_plain_intlike(a) && is_plain_intlike(b) ? int_binop(vm, (BinOp)ARG, a, b) : NOTIMPL_VAL;
        if (r == NOTIMPL_VAL) r = op_binary(vm, (BinOp)ARG, a, b);   /* not int's (int @ int) or not ints */
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(INPLACE_OP) {
        Value b = POP(), a = TOP();
        if (is_int(a) && is_int(b)) {
            int64_t r = as_int(a) + as_int(b);
            if (ARG == BIN_ADD ? small_int_fits(r) : small_int_binop((BinOp)ARG, as_int(a), as_int(b), &r)) {
                TOP() = int_val(r);
                NEXT();
            }
        }
        sp++;
        SAVE();
        sp--;
        Value r = is_plain_intlike(a) && is_plain_intlike(b) ? int_binop(vm, (BinOp)ARG, a, b) : NOTIMPL_VAL;
        if (r == NOTIMPL_VAL) r = op_inplace(vm, (BinOp)ARG, a, b);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(INPLACE_ADD_FAST) {
        Value b = TOP(), a = slots[ARG];
        if (a == UNDEF) {
            SAVE();
            unbound_local(vm, code->varnames[ARG]);
            goto error;
        }
        if (is_int(a) && is_int(b)) {
            int64_t r = as_int(a) + as_int(b);
            if (small_int_fits(r)) { slots[ARG] = int_val(r); sp--; NEXT(); }
        }
        SAVE();
        Value r = is_plain_kind_fast(a, OBJ_STR) && is_plain_kind_fast(b, OBJ_STR) ? str_append_unique(vm, AS(ObjStr, a), AS(ObjStr, b))
                  : is_plain_intlike(a) && is_plain_intlike(b)         ? int_binop(vm, BIN_ADD, a, b)
                                                                       : inplace_add_local(vm, frame, &slots[ARG], a, b);
        CHECK(r);
        slots[ARG] = r;
        sp--;
        NEXT();
    }
    CASE(LOAD_FAST_KEEP) {
        /* `s` of `s = s + t`: ADD_STORE_FAST consumes it, so it does not
         * escape and may still grow in place (see STR_UNIQUE) */
        Value v = slots[ARG];
        if (v == UNDEF) {
            SAVE();
            unbound_local(vm, code->varnames[ARG]);
            goto error;
        }
        PUSH(v);
        NEXT();
    }
/* The body of ADD_STORE_FAST and INPLACE_ADD_STORE_FAST: the variable's
 * value a (read first, by LOAD_FAST_KEEP) plus b into r, both popped, with
 * `generic` (op_binary or op_inplace) past the int and string cases. A
 * string grows in place only while the variable still holds it alone:
 * anything that read it meanwhile (b's code may) cleared the flag. */
#define ADD_STORE_BODY(generic)                                                                  \
    Value b = POP(), a = TOP();                                                                  \
    if (is_int(a) && is_int(b)) {                                                                \
        int64_t sum = as_int(a) + as_int(b);                                                     \
        if (small_int_fits(sum)) { sp--; slots[ARG] = int_val(sum); NEXT(); }                    \
    }                                                                                            \
    sp++;                                                                                        \
    SAVE();                                                                                      \
    sp--;                                                                                        \
    Value r = is_plain_kind_fast(a, OBJ_STR) && is_plain_kind_fast(b, OBJ_STR) && slots[ARG] == a \
                  ? str_append_unique(vm, AS(ObjStr, a), AS(ObjStr, b))                          \
              : is_plain_intlike(a) && is_plain_intlike(b) ? int_binop(vm, BIN_ADD, a, b)        \
                                                           : generic(vm, BIN_ADD, a, b);         \
    CHECK(r);                                                                                    \
    sp--

    CASE(ADD_STORE_FAST) {
        ADD_STORE_BODY(op_binary);
        if (finalize_wanted(vm) && finalize_dropped(vm, slots[ARG])) {
            slots[ARG] = r;
            FINALIZE_NOW();
            NEXT();
        }
        slots[ARG] = r;
        NEXT();
    }
    CASE(INPLACE_ADD_STORE_FAST) {
        /* `x += e` whose e might raise, or rebind x: x was read first, as
         * CPython does; the rest is INPLACE_ADD_FAST's */
        ADD_STORE_BODY(op_inplace);
        /* as inplace_add_local: the operand, then a replaced old value */
        if (finalize_wanted(vm)) {
            Value dropped[2] = {r != slots[ARG] ? slots[ARG] : NONE_VAL, b};
            bool due = finalize_stack_dropped(vm, dropped, dropped + 2, false);
            slots[ARG] = r;
            if (due) FINALIZE_NOW();
            NEXT();
        }
        slots[ARG] = r;
        NEXT();
    }
#define COMPARE(NAME, cmp, CMP) \
    CASE(NAME) { \
        Value b = POP(), a = TOP(); \
        if (is_int(a) && is_int(b)) { TOP() = bool_val(as_int(a) cmp as_int(b)); NEXT(); } \
        if (is_float(a) && is_float(b)) { TOP() = bool_val(as_float(a) cmp as_float(b)); NEXT(); } \
        sp++; \
        SAVE(); \
        sp--; \
        Value r = op_compare(vm, CMP, a, b); \
        CHECK(r); \
        TOP() = r; \
        NEXT(); \
    }
    COMPARE(COMPARE_LT, <, CMP_LT)
    COMPARE(COMPARE_LE, <=, CMP_LE)
    COMPARE(COMPARE_GT, >, CMP_GT)
    COMPARE(COMPARE_GE, >=, CMP_GE)
    COMPARE(COMPARE_NE, !=, CMP_NE)
    CASE(COMPARE_EQ) {
        Value b = POP(), a = TOP();
        if (is_int(a) && is_int(b)) { TOP() = bool_val(a == b); NEXT(); }
        if (is_float(a) && is_float(b)) { TOP() = bool_val(as_float(a) == as_float(b)); NEXT(); }
        if (is_plain_kind(a, OBJ_STR) && is_plain_kind(b, OBJ_STR)) { TOP() = bool_val(str_eq(AS(ObjStr, a), AS(ObjStr, b))); NEXT(); }
        sp++;
        SAVE();
        sp--;
        Value r = op_compare(vm, CMP_EQ, a, b);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(IS_OP) {
        Value b = POP(), a = TOP();
        bool same = a == b;
        /* Floats are values here but objects in CPython: only NaN-boxed
         * identity of equal bits counts. */
        TOP() = bool_val(ARG ? !same : same);
        NEXT();
    }
    CASE(CONTAINS_OP) {
        SAVE();
        Value c = POP(), item = TOP();
        int r = op_contains(vm, c, item);
        CHECK_INT(r);
        TOP() = bool_val(ARG ? !r : r);
        NEXT();
    }
    CASE(UNARY_NEG) {
        Value a = TOP();
        if (is_int(a) && as_int(a) != SMALL_INT_MIN) { TOP() = int_val(-as_int(a)); NEXT(); }
        SAVE();
        Value r = op_neg(vm, a);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(UNARY_POS) {
        SAVE();
        Value r = op_pos(vm, TOP());
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(UNARY_NOT) {
        Value a = TOP();
        if (is_bool(a)) { TOP() = bool_val(!as_bool(a)); NEXT(); }
        SAVE();
        int t = op_truthy(vm, a);
        CHECK_INT(t);
        TOP() = bool_val(!t);
        NEXT();
    }
    CASE(UNARY_INVERT) {
        SAVE();
        Value r = op_invert(vm, TOP());
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(BINARY_SUBSCR) {
        Value key = PEEK(1), obj = PEEK(2);
        if (is_plain_kind(obj, OBJ_LIST) && is_int(key)) {
            ObjList *l = AS(ObjList, obj);
            int64_t i = as_int(key);
            if (i < 0) i += l->len;
            if (i >= 0 && i < l->len) { sp--; TOP() = l->items[i]; NEXT(); }
        } else if (is_plain_kind(obj, OBJ_TUPLE) && is_int(key)) {
            ObjTuple *t = AS(ObjTuple, obj);
            int64_t i = as_int(key);
            if (i < 0) i += t->len;
            if (i >= 0 && i < t->len) { sp--; TOP() = t->items[i]; NEXT(); }
        }
        SAVE();
        Value r = op_getitem(vm, obj, key);
        CHECK(r);
        sp--;
        TOP() = r;
        NEXT();
    }
    CASE(STORE_SUBSCR) {
        Value key = PEEK(1), obj = PEEK(2), v = PEEK(3);
        if (is_plain_kind(obj, OBJ_LIST) && is_int(key) && !finalize_wanted(vm)) {
            ObjList *l = AS(ObjList, obj);
            int64_t i = as_int(key);
            if (i < 0) i += l->len;
            if (i >= 0 && i < l->len) { l->items[i] = v; sp -= 3; NEXT(); }
        }
        SAVE();
        int r = finalize_wanted(vm) ? setitem_finalizing(vm, obj, key, v) : op_setitem(vm, obj, key, v);
        CHECK_INT(r);
        sp -= 3;
        /* A container of the program's (a WeakValueDictionary, a
         * WeakKeyDictionary) may keep nothing of the value or key given:
         * d[k] = A() drops it here in CPython. */
        if (__builtin_expect(finalize_wanted(vm), 0) && !is_plain_kind(obj, OBJ_DICT) && !is_plain_kind(obj, OBJ_LIST) &&
            (finalize_dropped(vm, v) || finalize_dropped(vm, key)))
            FINALIZE_NOW();
        NEXT();
    }
    CASE(DELETE_SUBSCR) {
        SAVE();
        int r = finalize_wanted(vm) ? delitem_finalizing(vm, PEEK(2), PEEK(1)) : op_delitem(vm, PEEK(2), PEEK(1));
        CHECK_INT(r);
        sp -= 2;
        NEXT();
    }

    /* ---- building ---- */
    CASE(BUILD_TUPLE) {
        SAVE();
        ObjTuple *t = tuple_from(vm, sp - ARG, ARG);
        if (!t) goto error;
        sp -= ARG;
        PUSH(obj_val(t));
        NEXT();
    }
    CASE(BUILD_LIST) {
        SAVE();
        ObjList *l = list_from(vm, sp - ARG, ARG);
        if (!l) goto error;
        sp -= ARG;
        PUSH(obj_val(l));
        NEXT();
    }
    CASE(BUILD_SET) {
        SAVE();
        ObjSet *s = set_new(vm, vm->types[T_SET]);
        if (!s) goto error;
        PUSH(obj_val(s));      /* reachable while user __hash__/__eq__ run */
        SAVE();
        for (int i = ARG + 1; i > 1; i--) CHECK_INT(set_add(vm, s, PEEK(i)));
        sp -= ARG + 1;
        PUSH(obj_val(s));
        NEXT();
    }
    CASE(BUILD_MAP) {
        SAVE();
        ObjDict *d = dict_new(vm);
        if (!d) goto error;
        PUSH(obj_val(d));      /* keep it reachable while keys hash */
        SAVE();
        for (int i = 2 * ARG + 1; i > 1; i -= 2) CHECK_INT(dict_set(vm, d, PEEK(i), PEEK(i - 1)));
        sp -= 2 * ARG + 1;
        PUSH(obj_val(d));
        NEXT();
    }
    CASE(BUILD_SLICE) {
        SAVE();
        Value step = ARG == 3 ? POP() : NONE_VAL;
        Value stop = POP(), start = POP();
        Value s = slice_new(vm, start, stop, step);
        CHECK(s);
        PUSH(s);
        NEXT();
    }
    CASE(BUILD_STRING) {
        SAVE();
        StrBuf b = SB_INIT;
        for (int i = ARG; i > 0; i--) {
            ObjStr *s = AS(ObjStr, PEEK(i));
            sb_add(&b, s->data, (size_t)s->len);
        }
        Value r = str_from_buf(vm, &b);
        CHECK(r);
        sp -= ARG;
        PUSH(r);
        NEXT();
    }
    CASE(LIST_APPEND) {
        SAVE();
        Value v = POP();
        CHECK_INT(list_append(vm, AS(ObjList, PEEK(ARG)), v));
        NEXT();
    }
    CASE(SET_ADD) {
        SAVE();
        Value v = POP();
        CHECK_INT(set_add(vm, AS(ObjSet, PEEK(ARG)), v));
        NEXT();
    }
    CASE(MAP_ADD) {
        SAVE();
        Value v = POP(), k = POP();
        CHECK_INT(dict_set(vm, AS(ObjDict, PEEK(ARG)), k, v));
        NEXT();
    }
    CASE(LIST_EXTEND) {
        /* arg: the list's depth. (In a call too CPython's words are
         * "Value after *": only f(*x) alone names the callable.) */
        SAVE();
        Value v = TOP();
        int r = list_extend(vm, AS(ObjList, PEEK(ARG + 1)), v);
        if (r < 0 && exc_is(vm, vm->exc, E_TypeError) && op_special(vm, v, N___iter__) == UNDEF &&
            op_special(vm, v, N___getitem__) == UNDEF) {
            vm->exc = UNDEF;
            exc_raise(vm, E_TypeError, "Value after * must be an iterable, not %T", v);
        }
        CHECK_INT(r);
        sp--;
        NEXT();
    }
    CASE(SET_UPDATE) {
        SAVE();
        CHECK_INT(set_update(vm, AS(ObjSet, PEEK(ARG + 1)), TOP()));
        sp--;
        NEXT();
    }
    CASE(DICT_UPDATE) {
        SAVE();
        Value v = TOP();
        if (!is_dict(v) && op_getattr_opt(vm, v, vm_name(vm, N_keys)) == UNDEF) {
            exc_raise(vm, E_TypeError, "'%T' object is not a mapping", v);
            goto error;
        }
        CHECK_INT(dict_update(vm, AS(ObjDict, PEEK(ARG + 1)), v));
        sp--;
        NEXT();
    }
    CASE(DICT_MERGE) {
        SAVE();
        /* The callable sits below the args tuple and the dict being built. */
        CHECK_INT(dict_merge(vm, AS(ObjDict, PEEK(ARG + 1)), TOP(), PEEK(ARG + 3)));
        sp--;
        NEXT();
    }
    CASE(LIST_TO_TUPLE) {
        SAVE();
        Value v = TOP();
        /* (a subclass goes through its own __iter__, as CPython's PySequence_Tuple) */
        if (is_plain_kind(v, OBJ_TUPLE)) NEXT();
        ObjList *l = is_plain_kind(v, OBJ_LIST) ? AS(ObjList, v) : op_to_list(vm, v);
        if (!l) {
            if (exc_is(vm, vm->exc, E_TypeError) && op_special(vm, v, N___iter__) == UNDEF &&
                op_special(vm, v, N___getitem__) == UNDEF) {
                vm->exc = UNDEF;
                /* arg 1: f(*v), with the callable below; 2: f(*v, **kw), with
                 * the keywords between */
                if (ARG) call_error(vm, PEEK(ARG + 1), "argument after * must be an iterable, not ", v);
                else exc_raise(vm, E_TypeError, "Value after * must be an iterable, not %T", v);
            }
            goto error;
        }
        ObjTuple *t = tuple_from(vm, l->items, l->len);
        if (!t) goto error;
        TOP() = obj_val(t);
        NEXT();
    }
    CASE(FORMAT_VALUE) {
        SAVE();
        Value spec = (ARG & 4) ? POP() : UNDEF;
        Value r = format_value(vm, TOP(), ARG, spec);
        CHECK(r);
        TOP() = r;
        NEXT();
    }
    CASE(UNPACK_SEQUENCE) {
        SAVE();
        Value seq = TOP();
        int n = ARG;
        if (is_plain_kind(seq, OBJ_TUPLE) && AS(ObjTuple, seq)->len == n) {
            sp--;
            for (int i = n - 1; i >= 0; i--) PUSH(AS(ObjTuple, seq)->items[i]);
            NEXT();
        }
        /* No variable-length array here: the computed gotos leave its
         * scope without giving its stack back, so a loop would exhaust the
         * C stack. A fixed array, or the heap for long targets. */
        Value small[UNPACK_SMALL];
        Value *tmp = n <= UNPACK_SMALL ? small : malloc((size_t)n * sizeof(Value));
        if (!tmp) { exc_nomem(vm); goto error; }
        /* Keep seq on the stack (a root) while iterating it. */
        bool ok = unpack(vm, seq, tmp, n);
        if (ok) {
            sp--;
            for (int i = n - 1; i >= 0; i--) PUSH(tmp[i]);
        }
        if (tmp != small) free(tmp);
        if (!ok) goto error;
        /* the iterator a class's __iter__ made is dropped here */
        if (finalize_wanted(vm) && is_obj(seq) && as_obj(seq)->kind == OBJ_INSTANCE) FINALIZE_NOW();
        NEXT();
    }
    CASE(UNPACK_EX) {
        SAVE();
        int before = ARG & 0xFFF, after = ARG >> 12, n = before + after + 1;
        Value seq = TOP();
        Value small[UNPACK_SMALL];     /* (no variable-length array: see UNPACK_SEQUENCE) */
        Value *tmp = n <= UNPACK_SMALL ? small : malloc((size_t)n * sizeof(Value));
        if (!tmp) { exc_nomem(vm); goto error; }
        bool ok = unpack_ex(vm, seq, tmp, before, after);
        if (ok) {
            sp--;
            for (int i = n - 1; i >= 0; i--) PUSH(tmp[i]);
        }
        if (tmp != small) free(tmp);
        if (!ok) goto error;
        NEXT();
    }

    /* ---- control flow ---- */
    CASE(JUMP) ip = code->ins + ARG; NEXT();
    CASE(JUMP_BACKWARD) {
        /* The safe point comes before the jump, so that an exception raised
         * there (Ctrl-C) belongs to the loop, inside its try blocks. */
        SAFEPOINT_AT(false);
        ip = code->ins + ARG;
        NEXT();
    }
    CASE(POP_JUMP_IF_FALSE) {
        Value v = POP();
        if (v == FALSE_VAL) { ip = code->ins + ARG; NEXT(); }
        if (v == TRUE_VAL) NEXT();
        SAVE();
        int t = op_truthy(vm, v);
        CHECK_INT(t);
        if (!t) ip = code->ins + ARG;
        NEXT();
    }
    CASE(POP_JUMP_IF_TRUE) {
        Value v = POP();
        if (v == TRUE_VAL) { ip = code->ins + ARG; NEXT(); }
        if (v == FALSE_VAL) NEXT();
        SAVE();
        int t = op_truthy(vm, v);
        CHECK_INT(t);
        if (t) ip = code->ins + ARG;
        NEXT();
    }
    CASE(JUMP_IF_FALSE_OR_POP) {
        SAVE();
        int t = op_truthy(vm, TOP());
        CHECK_INT(t);
        if (!t) ip = code->ins + ARG;
        else {
            sp--;
            /* (`A() or B()` drops A() before B() runs) */
            if (finalize_wanted(vm) && finalize_dropped(vm, *sp)) FINALIZE_NOW();
        }
        NEXT();
    }
    CASE(JUMP_IF_TRUE_OR_POP) {
        SAVE();
        int t = op_truthy(vm, TOP());
        CHECK_INT(t);
        if (t) ip = code->ins + ARG;
        else {
            sp--;
            /* (`A() or B()` drops A() before B() runs) */
            if (finalize_wanted(vm) && finalize_dropped(vm, *sp)) FINALIZE_NOW();
        }
        NEXT();
    }
    CASE(GET_ITER) {
        Value v = TOP();
        if (is_plain_kind(v, OBJ_ITER) && AS(ObjIter, v)->next) NEXT();
        SAVE();
        Value it = op_iter(vm, v);
        CHECK(it);
        TOP() = it;
        NEXT();
    }
    CASE(FOR_ITER) {
        Value it = TOP();
        if (is_kind(it, OBJ_ITER)) {
            ObjIter *o = AS(ObjIter, it);
            if (o->obj.cls == vm->types[T_RANGE_ITER]) {
                if (o->n > 0) {
                    o->n--;
                    int64_t v = o->i;
                    o->i += o->step;
                    if (small_int_fits(v)) { PUSH(int_val(v)); NEXT(); }
                    SAVE();
                    Value bv = int_from_i64(vm, v);
                    CHECK(bv);
                    PUSH(bv);
                    NEXT();
                }
                sp--;
                ip = code->ins + ARG;
                NEXT();
            }
            if (o->obj.cls == vm->types[T_LIST_ITER]) {
                if (o->a != UNDEF) {
                    ObjList *l = AS(ObjList, o->a);
                    if (o->i < l->len) { PUSH(l->items[o->i++]); NEXT(); }
                    o->a = UNDEF;       /* exhausted for good (see seq_next) */
                }
                sp--;
                ip = code->ins + ARG;
                NEXT();
            }
        }
        if (is_generator(vm, it)) {
            ObjGen *g = AS(ObjGen, it);
            if (g->state == GEN_DONE) { sp--; ip = code->ins + ARG; NEXT(); }
            if (g->state == GEN_RUNNING) { SAVE(); exc_raise(vm, E_ValueError, "generator already executing"); goto error; }
            if (fb->depth >= vm->call_limit) {
                SAVE();
                if (!resume_slow(vm, fb, g)) goto error;
            }
            RESUME_GEN(g, NONE_VAL);
        }
        SAVE();
        Value v = op_next(vm, it);
        CHECK(v);
        if (v == UNDEF) {
            sp--;
            ip = code->ins + ARG;
            /* the loop's end drops its iterator: CPython finalizes it here */
            if (finalize_wanted(vm) && finalize_dropped(vm, it)) FINALIZE_NOW();
            NEXT();
        }
        PUSH(v);
        NEXT();
    }
    CASE(RETURN_VALUE) {
        Value r = POP();
        Frame *done = frame;
        if (done->flags & (FRAME_INIT | FRAME_PROFILED | FRAME_TRACED | FRAME_TRACE_STOP | FRAME_UNCOUNTED | FRAME_OBSERVED)) {
            fb->depth += (done->flags & FRAME_UNCOUNTED) != 0;
            if ((done->flags & FRAME_INIT) && r != NONE_VAL) {
                SAVE();
                exc_raise(vm, E_TypeError, "__init__() should return None, not '%T'", r);
                goto error;
            }
            SAVE();
            if ((done->flags & FRAME_PROFILED) && !prof_return(vm, done, r)) goto error;
            if ((done->flags & FRAME_TRACED) && !trace_return(vm, done, r, false)) goto error;
            if ((done->flags & FRAME_TRACE_STOP) && !(done->flags & FRAME_ENTRY) &&
                !trace_stop_iteration(vm, done->prev, r))
                goto error;
            if (done->flags & FRAME_OBSERVED) frameobj_leave(vm, done, LEAVE_RETURN);
        }
        /* the frame's locals may hold the last references to objects to
         * finalize (finalize.h): collect once it is gone */
        if (finalize_wanted(vm)) finalize_frame_drops(vm, done, sp);
        pop_frame(fb, done);
        if (done->flags & FRAME_OWNED) done->gen->state = GEN_DONE;
        if (done->flags & FRAME_ENTRY) {
            /* (a generator run by a native, list(genexpr) say, ends here) */
            if (__builtin_expect(vm->fin_after_return, 0) && vm_push_root(vm, r)) {
                vm->fin_after_return = false;
                finalize_collect(vm);
                vm_pop_roots(vm, 1);
            }
            return r;
        }
        frame = fb->frame;
        LOAD_FRAME();
        sp = frame->sp;
        if (done->flags & FRAME_OWNED) {
            /* A generator ended under FOR_ITER (the loop ends) or SEND
             * (its value replaces it on the stack). */
            uint32_t call = code_ins_at(code, ip - 1);
            if (INS_OP(call) == OP_FOR_ITER) sp--;
            else TOP() = r;
            ip = code->ins + INS_ARG(call);
            if (__builtin_expect(vm->fin_after_return, 0)) {
                vm->fin_after_return = false;
                FINALIZE_NOW();
            }
            NEXT();
        }
        if (!(done->flags & FRAME_INIT)) PUSH(r);
        if (__builtin_expect(vm->fin_after_return, 0)) {
            vm->fin_after_return = false;
            FINALIZE_NOW();
        }
        NEXT();
    }
    CASE(MAKE_FUNCTION) {
        SAVE();
        ObjCode *fcode = AS(ObjCode, POP());
        ObjFunction *fn = func_new(vm, fcode, frame->globals);
        if (!fn) goto error;
        if (ARG & 8) fn->closure = AS(ObjTuple, POP());
        if (ARG & 2) fn->kwdefaults = AS(ObjDict, POP());
        if (ARG & 1) fn->defaults = AS(ObjTuple, POP());
        if (fcode->flags & CODE_HAS_DOC) fn->doc = fcode->consts[0];
        PUSH(obj_val(fn));
        NEXT();
    }
    CASE(LOAD_BUILD_CLASS) {
        Value b = interp_builtins(vm, frame->globals);
        Value v = is_dict(b) ? dict_get_str(AS(ObjDict, b), vm_name(vm, N___build_class__)) : UNDEF;
        if (v == UNDEF) { SAVE(); exc_raise(vm, E_NameError, "__build_class__ not found"); goto error; }
        PUSH(v);
        NEXT();
    }

    /* ---- exceptions ---- */
    CASE(RAISE_VARARGS) {
        SAVE();
        if (ARG == 0) {
            Value h = fiber_handled(fb);
            if (h == UNDEF) { exc_raise(vm, E_RuntimeError, "No active exception to reraise"); goto error; }
            vm->exc = h;
            reraise = moved = true;
            goto error;
        }
        Value cause = ARG == 2 ? POP() : UNDEF;
        Value e = POP();
        SAVE();
        raised = true;
        if (exc_raise_value(vm, e) == ERR && vm->exc != e && !is_kind(e, OBJ_CLASS)) goto error;
        if (cause != UNDEF) {
            Value ex = vm->exc;
            if (is_kind(cause, OBJ_CLASS) && class_is_subclass(AS(ObjClass, cause), vm->exc_types[E_BaseException])) {
                vm->exc = UNDEF;
                cause = class_call(vm, AS(ObjClass, cause), NULL, 0, NULL);
                if (cause == ERR) goto error;
                vm->exc = ex;
            } else if (cause != NONE_VAL && !is_kind(cause, OBJ_EXC)) {
                exc_raise(vm, E_TypeError, "exception causes must derive from BaseException");
                goto error;
            }
            if (is_kind(ex, OBJ_EXC)) {
                AS(ObjException, ex)->cause = cause == NONE_VAL ? UNDEF : cause;
                AS(ObjException, ex)->suppress_context = 1;
            }
        }
        goto error;
    }
    CASE(RERAISE) {
        SAVE();
        vm->exc = POP();
        reraise = true;
        moved = ARG == 0;   /* (1: a cleanup's, where the frame stays at the raise) */
        goto error;
    }
    CASE(PUSH_EXC_INFO) {
        Value e = TOP();
        TOP() = fb->handled;
        PUSH(e);
        fb->handled = e;
        NEXT();
    }
    CASE(POP_EXCEPT) {
        Value done = fb->handled;
        fb->handled = POP();
        /* the exception may have held the last reference to an object with __del__ */
        if (finalize_wanted(vm) && finalize_exc_dropped(vm, done)) FINALIZE_NOW();
        NEXT();
    }
    CASE(POP_EXCEPT_RERAISE) {
        Value e = POP();
        fb->handled = POP();
        SAVE();
        vm->exc = e;
        reraise = true;
        goto error;
    }
    CASE(CHECK_EXC_MATCH) {
        SAVE();
        Value type = TOP();
        int r = exc_matches(vm, PEEK(2), type);
        CHECK_INT(r);
        TOP() = bool_val(r);
        NEXT();
    }
    CASE(CHECK_EG_MATCH) {
        SAVE();
        Value match, rest;
        CHECK_INT(exc_group_match(vm, PEEK(2), TOP(), &match, &rest));
        TOP() = match;
        PEEK(2) = rest;
        if (match != NONE_VAL) fb->handled = match;
        NEXT();
    }
    CASE(PREP_RERAISE_STAR) {
        SAVE();
        Value r = exc_prep_reraise_star(vm, PEEK(2), AS(ObjList, TOP()));
        CHECK(r);
        sp--;
        TOP() = r;
        NEXT();
    }
    CASE(BEFORE_WITH) {
        SAVE();
        Value cm = TOP();
        Value enter = op_special(vm, cm, N___enter__);
        Value exitf = op_special(vm, cm, N___exit__);
        if (enter == UNDEF || exitf == UNDEF) {
            if (enter == UNDEF)
                exc_raise(vm, E_TypeError, "'%T' object does not support the context manager protocol", cm);
            else
                exc_raise(vm, E_TypeError, "'%T' object does not support the context manager protocol (missed __exit__ method)", cm);
            goto error;
        }
        Value r = with_enter(vm, &TOP(), cm, enter, exitf);
        CHECK(r);
        PUSH(r);
        NEXT();
    }
    CASE(WITH_EXCEPT_START) {
        SAVE();
        Value e = TOP(), exitf = PEEK(3);
        Value tb = exc_traceback(vm, e, is_kind(e, OBJ_EXC) ? AS(ObjException, e)->ntb - 1 : -1);
        CHECK(tb);
        Value args[3] = {obj_val(type_of(vm, e)), e, tb};
        Value r = op_call(vm, exitf, args, 3, NULL);
        CHECK(r);
        PUSH(r);
        NEXT();
    }
    CASE(LOAD_ASSERTION_ERROR) PUSH(obj_val(vm->exc_types[E_AssertionError])); NEXT();

    /* ---- modules ---- */
    CASE(IMPORT_NAME) {
        SAVE();
        Value fromlist = POP(), level = POP();
        Value m = import_statement(vm, names[ARG], fromlist, (int)as_int(level), frame);
        CHECK(m);
        PUSH(m);
        NEXT();
    }
    CASE(IMPORT_FROM) {
        SAVE();
        Value v = import_from(vm, TOP(), names[ARG]);
        CHECK(v);
        PUSH(v);
        NEXT();
    }
    CASE(IMPORT_STAR) {
        SAVE();
        CHECK_INT(import_star(vm, TOP(), frame->locals ? frame->locals : frame->globals));
        sp--;
        NEXT();
    }
    CASE(PRINT_EXPR) {
        SAVE();
        CHECK(builtins_display(vm, TOP()));
        sp--;
        NEXT();
    }

    /* ---- generators ---- */
    CASE(YIELD_VALUE) {
        Value v = POP();
        SAVE();
        Frame *done = frame;
        if (__builtin_expect(done->flags & (FRAME_PROFILED | FRAME_TRACED | FRAME_OBSERVED), 0)) {
            if ((done->flags & FRAME_PROFILED) && !prof_return(vm, done, v)) goto error;
            if ((done->flags & FRAME_TRACED) && !trace_return(vm, done, v, true)) goto error;
            if (done->flags & FRAME_OBSERVED) frameobj_leave(vm, done, LEAVE_YIELD);
        }
        done->gen->state = GEN_SUSPENDED;
        pop_frame(fb, done);
        if (done->flags & FRAME_ENTRY) return v;
        frame = fb->frame;
        LOAD_FRAME();
        sp = frame->sp;
        PUSH(v);
        NEXT();
    }
    CASE(GET_YIELD_FROM_ITER) {
        Value v = TOP();
        if (is_generator(vm, v)) NEXT();
        SAVE();
        if (is_coroutine(vm, v)) {
            /* only a coroutine, or a generator made one by types.coroutine, awaits one */
            if (code->flags & (CODE_COROUTINE | CODE_ITERABLE_COROUTINE)) NEXT();
            exc_raise(vm, E_TypeError, "cannot 'yield from' a coroutine object in a non-coroutine generator");
            goto error;
        }
        Value it = op_iter(vm, v);
        CHECK(it);
        TOP() = it;
        NEXT();
    }
    CASE(SEND) {
        /* [iter, v] -> [iter, yielded], or [result] and jump when iter ends. */
        Value v = POP(), it = TOP();
        if (is_kind(it, OBJ_GEN)) {
            ObjGen *g = AS(ObjGen, it);
            if (g->state == GEN_DONE && g->obj.cls == vm->types[T_COROUTINE]) {
                SAVE();
                exc_raise(vm, E_RuntimeError, "cannot reuse already awaited coroutine");
                goto error;
            }
            if (g->state == GEN_DONE) { TOP() = NONE_VAL; ip = code->ins + ARG; NEXT(); }
            if (g->state == GEN_RUNNING) { SAVE(); exc_raise(vm, E_ValueError, "generator already executing"); goto error; }
            if (g->state == GEN_CREATED && v != NONE_VAL) {
                SAVE();
                exc_raise(vm, E_TypeError, "can't send non-None value to a just-started generator");
                goto error;
            }
            if (fb->depth >= vm->call_limit) {
                /* (a generator that yields from a new instance of itself,
                 * or hooks: v stays on the stack while they run code) */
                PUSH(v);
                SAVE();
                bool resumed = resume_slow(vm, fb, g);
                sp--;
                SAVE();
                if (!resumed) goto error;
            }
            RESUME_GEN(g, v);
        }
        if (is_future(it)) {
            /* The leaf awaitable: yield it to the task while it is pending. */
            Future *fu = (Future *)as_obj(it);
            if (fu->obj.cls->ctype->await_step) {
                /* A native operation (Queue.get(), ...) decides each time:
                 * a result, or (again) a pending future to wait on. */
                SAVE();
                Value r = fu->obj.cls->ctype->await_step(vm, &fu->obj);
                if (r == UNDEF) {
                    fu->obj.flags |= FUT_BLOCKING;
                    PUSH(it);
                    NEXT();
                }
                CHECK(r);
                TOP() = r;
                ip = code->ins + ARG;
                NEXT();
            }
            if (!fut_done(fu)) {
                fu->obj.flags |= FUT_BLOCKING;
                PUSH(it);
                NEXT();
            }
            SAVE();
            Value r = future_result(vm, fu);
            CHECK(r);
            TOP() = r;
            ip = code->ins + ARG;
            NEXT();
        }
        /* Anything else, async generators' awaitables included, through
         * gen_iter_step: its value when it ends, with no StopIteration. */
        SAVE();
        bool done;
        Value r = gen_iter_step(vm, it, v, UNDEF, false, &done);
        CHECK(r);
        if (done) { TOP() = r; ip = code->ins + ARG; NEXT(); }
        PUSH(r);
        NEXT();
    }
    CASE(GET_AWAITABLE) {
        /* A coroutine is awaited as is; anything else through __await__,
         * which must return an iterator (agen.c). SEND then drives it.
         * arg 1/2: the result of __aenter__/__aexit__, for the message. */
        Value v = TOP();
        SAVE();
        if (is_coroutine(vm, v)) {
            /* (a finished one fails when SEND resumes it) */
            if (AS(ObjGen, v)->state == GEN_SUSPENDED && gen_awaiting(AS(ObjGen, v))) {
                exc_raise(vm, E_RuntimeError, "coroutine is being awaited already");
                goto error;
            }
            NEXT();
        }
        if (is_future(v)) NEXT();      /* SEND knows futures */
        if (is_kind(v, OBJ_GEN) && AS(ObjGen, v)->frame && (AS(ObjGen, v)->frame->code->flags & CODE_ITERABLE_COROUTINE))
            NEXT();     /* a generator made awaitable by types.coroutine */
        Value m = op_special(vm, v, N___await__);
        if (m == UNDEF) {
            if (ARG)
                exc_raise(vm, E_TypeError, "'async with' received an object from %s that does not implement __await__: %T",
                          ARG == 1 ? "__aenter__" : "__aexit__", v);
            else
                exc_raise(vm, E_TypeError, "object %T can't be used in 'await' expression", v);
            goto error;
        }
        Value it = op_call_special(vm, v, m, NULL, 0);
        CHECK(it);
        if (!(is_kind(it, OBJ_ITER) && AS(ObjIter, it)->next) && !is_generator(vm, it) &&
            op_special(vm, it, N___next__) == UNDEF) {
            if (is_coroutine(vm, it))
                exc_raise(vm, E_TypeError, "__await__() returned a coroutine");
            else
                exc_raise(vm, E_TypeError, "__await__() returned non-iterator of type '%T'", it);
            goto error;
        }
        TOP() = it;
        NEXT();
    }
    CASE(GET_AITER) {
        Value obj = TOP();
        if (is_async_generator(vm, obj)) NEXT();
        SAVE();
        Value m = op_special(vm, obj, N___aiter__);
        if (m == UNDEF || m == NONE_VAL) {
            exc_raise(vm, E_TypeError, "'async for' requires an object with __aiter__ method, got %T", obj);
            goto error;
        }
        Value it = op_call_special(vm, obj, m, NULL, 0);
        CHECK(it);
        if (!is_async_generator(vm, it) && op_special(vm, it, N___anext__) == UNDEF) {
            exc_raise(vm, E_TypeError, "'async for' received an object from __aiter__ that does not implement __anext__: %T", it);
            goto error;
        }
        TOP() = it;
        NEXT();
    }
    CASE(GET_ANEXT) {
        Value ait = TOP();
        SAVE();
        if (is_async_generator(vm, ait)) {
            Value aw = agen_asend_new(vm, AS(ObjGen, ait), NONE_VAL);
            CHECK(aw);
            PUSH(aw);
            NEXT();
        }
        Value m = op_special(vm, ait, N___anext__);
        if (m == UNDEF || m == NONE_VAL) {
            exc_raise(vm, E_TypeError, "'async for' requires an iterator with __anext__ method, got %T", ait);
            goto error;
        }
        Value next = op_call_special(vm, ait, m, NULL, 0);
        CHECK(next);
        PUSH(next);
        SAVE();
        Value aw = agen_get_awaitable(vm, next);
        if (aw == ERR) {
            Value cause = vm->exc;
            vm->exc = UNDEF;
            exc_raise(vm, E_TypeError, "'async for' received an invalid object from __anext__: %T", next);
            agen_chain_cause(vm, cause);
            goto error;
        }
        TOP() = aw;
        NEXT();
    }
    CASE(END_ASYNC_FOR) {
        /* [aiter, exc]: StopAsyncIteration ends the loop. */
        Value e = POP();
        if (exc_is(vm, e, E_StopAsyncIteration)) { sp--; NEXT(); }
        SAVE();
        vm->exc = e;
        reraise = true;
        goto error;
    }
    CASE(BEFORE_ASYNC_WITH) {
        SAVE();
        Value cm = TOP();
        Value enter = op_special(vm, cm, N___aenter__);
        if (enter == UNDEF) {
            exc_raise(vm, E_TypeError, "'%T' object does not support the asynchronous context manager protocol", cm);
            goto error;
        }
        Value exitf = op_special(vm, cm, N___aexit__);
        if (exitf == UNDEF) {
            exc_raise(vm, E_TypeError,
                      "'%T' object does not support the asynchronous context manager protocol (missed __aexit__ method)", cm);
            goto error;
        }
        Value r = with_enter(vm, &TOP(), cm, enter, exitf);
        CHECK(r);
        PUSH(r);
        NEXT();
    }
    CASE(RETURN_GENERATOR) {
        SAVE();
        exc_raise(vm, E_SystemError, "RETURN_GENERATOR is not used");
        goto error;
    }

    /* ---- the match statement (vm/match.c) ---- */
    CASE(GET_LEN) {
        SAVE();
        int64_t n = op_len(vm, TOP());
        CHECK_INT(n);
        PUSH(int_val(n));
        NEXT();
    }
    CASE(MATCH_SEQUENCE) { Value b = bool_val(match_is_sequence(vm, TOP())); PUSH(b); NEXT(); }
    CASE(MATCH_MAPPING) { Value b = bool_val(match_is_mapping(vm, TOP())); PUSH(b); NEXT(); }
    CASE(MATCH_KEYS) {
        SAVE();
        Value r = match_keys(vm, PEEK(2), AS(ObjTuple, TOP()));
        CHECK(r);
        PUSH(r);
        NEXT();
    }
    CASE(MATCH_CLASS) {
        SAVE();
        Value r = match_class(vm, PEEK(3), PEEK(2), ARG, AS(ObjTuple, TOP()));
        CHECK(r);
        sp -= 2;
        TOP() = r;
        NEXT();
    }
    /* a line start while sys.settrace marks this code (trace.h): its 'line'
     * event, then the instruction the mark replaced */
    CASE(TRACE) {
        SAVE();
        if (!trace_line(vm, frame, ip - 1)) goto error;
        ins = code_ins_at(code, ip - 1);
        goto *dispatch[ins & 0xFF];
    }
    L_BAD: {
        SAVE();
        exc_raise(vm, E_SystemError, "bad opcode %d", (int)(ins & 0xFF));
        goto error;
    }

    /* ---- unwinding ---- */
error: {
        Value e = vm->exc;
        vm->exc = UNDEF;
        if (e == UNDEF) {
            exc_raise(vm, E_SystemError, "error return without exception set");
            e = vm->exc;
            vm->exc = UNDEF;
        }
        if (!reraise) {
            /* An exception raised while handling another records it: one
             * a raise statement raises, or a native call made (no frame
             * has seen it yet); not one coming back through a native from
             * a frame it already left (map(f, ...), gen.throw()), which
             * was chained where it was raised, maybe then unchained
             * (`exc.__context__ = None`), as in CPython. */
            bool fresh = raised || thrown ||
                         (is_kind(e, OBJ_EXC) && AS(ObjException, e)->ntb == 0 && !AS(ObjException, e)->comp_code);
            exc_add_tb(vm, e, code, ip);
            Value ctx = thrown ? fb->handled : fiber_handled(fb);
            if (fresh && ctx != UNDEF && is_kind(e, OBJ_EXC) && e != ctx &&
                (raised || AS(ObjException, e)->context == UNDEF)) {
                exc_chain_context(e, ctx);
            }
            if (__builtin_expect(frame->flags & FRAME_TRACED, 0)) e = traced_exception(vm, frame, e, code, ip);
        } else if (moved) {
            exc_reraised_at(e, frame, code, ip);
        }
        reraise = thrown = raised = moved = false;
        bool dropped = false;   /* the unwinding dropped something to finalize */
        for (;;) {
            ExcEntry *h = find_handler(code, ip);
            Value *keep = h ? frame_stack_base(frame) + h->depth : frame_stack_base(frame);
            /* CPython drops the stack's values as it unwinds: a for loop's
             * generator left by the exception is closed before the handler
             * runs (topmost first). frame->sp, not sp: the last SAVE's
             * stack is the one the collector knows to be live. */
            if (finalize_wanted(vm) && frame->sp > keep) dropped |= finalize_stack_dropped(vm, keep, frame->sp, dropped);
            if (h) {
                sp = keep;
                PUSH(e);
                ip = code->ins + h->target;
                if (dropped) FINALIZE_NOW();
                NEXT();
            }
            Frame *done = frame;
            if (done->flags & (FRAME_PROFILED | FRAME_TRACED | FRAME_OBSERVED)) {
                done->ip = ip;
                done->sp = frame_stack_base(done);
                if (vm_push_root(vm, e)) {
                    if (done->flags & FRAME_PROFILED) prof_unwind(vm, done);
                    if (done->flags & FRAME_TRACED) trace_unwind(vm, done);
                    vm_pop_roots(vm, 1);
                }
                if (done->flags & FRAME_TRACED) trace_forget(vm, done);
                if (done->flags & FRAME_OBSERVED) frameobj_leave(vm, done, LEAVE_UNWIND);
            }
            fb->depth += (done->flags & FRAME_UNCOUNTED) != 0;
            pop_frame(fb, done);
            if (done->flags & FRAME_OWNED) {
                done->gen->state = GEN_DONE;
                if (exc_is(vm, e, E_StopIteration)) e = stop_iteration_escaped(vm, done->gen, e);
            }
            if (done->flags & FRAME_ENTRY) {
                /* A native takes the exception (a task's step, say): what
                 * the unwinding dropped (an `async for`'s generator) dies
                 * now, as in CPython, not at some later collection. */
                if (dropped && vm_push_root(vm, e)) {
                    finalize_collect(vm);
                    vm_pop_roots(vm, 1);
                }
                vm->exc = e;
                return ERR;
            }
            frame = fb->frame;
            LOAD_FRAME();
            exc_add_tb(vm, e, code, ip);
            if (__builtin_expect(frame->flags & FRAME_TRACED, 0)) e = traced_exception(vm, frame, e, code, ip);
        }
    }
}

/* ---- __build_class__ --------------------------------------------------- */

/* PEP 560: a base that is not a class may stand for others through its
 * __mro_entries__(bases). Returns bases itself when none does. */
static ObjTuple *resolve_bases(VM *vm, ObjTuple *bases) {
    ObjList *out = NULL;
    for (int64_t i = 0; i < bases->len; i++) {
        Value b = bases->items[i];
        Value me = is_kind(b, OBJ_CLASS) ? UNDEF : op_getattr_opt(vm, b, vm_name(vm, N___mro_entries__));
        if (me == ERR) return NULL;
        if (me == UNDEF) {
            if (out && list_append(vm, out, b) < 0) return NULL;
            continue;
        }
        if (!out) {
            out = list_from(vm, bases->items, i);
            if (!out || !vm_push_root(vm, obj_val(out))) return NULL;
        }
        Value r = op_call1(vm, me, obj_val(bases));
        if (r != ERR && !is_tuple(r)) exc_raise(vm, E_TypeError, "__mro_entries__ must return a tuple");
        if (r == ERR || !is_tuple(r) || list_extend(vm, out, r) < 0) { vm_pop_roots(vm, 1); return NULL; }
    }
    if (!out) return bases;
    vm_pop_roots(vm, 1);
    return tuple_from(vm, out->items, out->len);
}

/* A class body that made a __class__ cell returns it: type.__new__ must
 * have filled it with the class it made (a metaclass that dropped
 * __classcell__ from the namespace, or passed it to another class, is
 * caught here, as CPython's __build_class__ does). cls, or ERR. */
static Value class_cell_check(VM *vm, Value cell, Value name, Value cls) {
    if (!is_kind(cell, OBJ_CELL) || !is_kind(cls, OBJ_CLASS)) return cls;
    Value v = AS(ObjCell, cell)->v;
    if (v == cls) return cls;
    if (v == UNDEF)
        return exc_raise(vm, E_RuntimeError,
                         "__class__ not set defining %R as %R. Was __classcell__ propagated to type.__new__?", name, cls);
    return exc_raise(vm, E_TypeError, "__class__ set to %R defining %R as %R", v, name, cls);
}

/* __build_class__(body, name, *bases, metaclass=..., **kwds): as CPython's,
 * the metaclass (given, or the bases'), its __prepare__, the body run in
 * that namespace, then metaclass(name, bases, ns, **kwds). */
static Value build_class(VM *vm, Value *args, int nargs, ObjTuple *kwnames) {
    if (nargs < 2 || !is_kind(args[0], OBJ_FUNCTION) || !is_str(args[1]))
        return exc_raise(vm, E_TypeError, "__build_class__: bad arguments");
    int64_t nkw = kwnames ? kwnames->len : 0, nsub = 0;
    Value meta = UNDEF;
    /* name, bases, ns, then the class keywords other than metaclass */
    Value argv[3 + nkw];
    ObjTuple *subnames = nkw ? tuple_new(vm, nkw) : NULL;
    if (nkw && !subnames) return ERR;
    for (int64_t i = 0; i < nkw; i++) {
        Value v = args[nargs + i];
        if (str_eq(AS(ObjStr, kwnames->items[i]), vm_name(vm, N_metaclass))) {
            meta = v;
            continue;
        }
        subnames->items[nsub] = kwnames->items[i];
        argv[3 + nsub++] = v;
    }
    if (subnames) subnames->len = nsub;
    if (nsub == 0) subnames = NULL;
    Value *roots = vm_roots_open(vm, 5);
    if (!roots) return ERR;
    if (subnames) roots[0] = obj_val(subnames);
    ObjTuple *orig = tuple_from(vm, args + 2, nargs - 2);
    if (!orig) goto fail;
    roots[1] = obj_val(orig);
    ObjTuple *bases = resolve_bases(vm, orig);
    if (!bases) goto fail;
    roots[2] = obj_val(bases);
    if (meta == UNDEF) meta = obj_val(bases->len ? type_of(vm, bases->items[0]) : vm->types[T_TYPE]);
    if (is_kind(meta, OBJ_CLASS)) {
        ObjClass *winner = class_calculate_meta(vm, AS(ObjClass, meta), bases);
        if (!winner) goto fail;
        meta = obj_val(winner);
    }
    argv[0] = args[1];
    argv[1] = obj_val(bases);
    Value ns;
    bool plain = meta == obj_val(vm->types[T_TYPE]);
    Value prep = plain ? UNDEF : op_getattr_opt(vm, meta, vm_name(vm, N___prepare__));
    if (prep == ERR) goto fail;
    if (prep == UNDEF) {
        ObjDict *d = dict_new(vm);
        ns = d ? obj_val(d) : ERR;
    } else {
        Value pargv[2 + nsub];
        pargv[0] = argv[0];
        pargv[1] = argv[1];
        copy_values(pargv + 2, argv + 3, nsub);
        ns = op_call(vm, prep, pargv, 2, subnames);
        if (ns != ERR && !is_dict(ns) && op_special(vm, ns, N___getitem__) == UNDEF) {
            exc_raise(vm, E_TypeError, "%s.__prepare__() must return a mapping, not %T",
                      is_kind(meta, OBJ_CLASS) ? AS(ObjClass, meta)->name->data : "<metaclass>", ns);
            goto fail;
        }
    }
    if (ns == ERR) goto fail;
    roots[3] = ns;
    /* a mapping that is not a dict: the body runs in a proxy to it */
    Value body_ns = is_dict(ns) ? ns : class_namespace_proxy(vm, ns);
    if (body_ns == ERR || !vm_push_root(vm, body_ns)) goto fail;
    Value cell = run_class_body(vm, AS(ObjFunction, args[0]), AS(ObjDict, body_ns));
    vm_pop_roots(vm, 1);
    if (cell == ERR) goto fail;
    roots[4] = cell;
    if (bases != orig && (is_plain_kind(ns, OBJ_DICT)
                              ? dict_set_str(vm, AS(ObjDict, ns), vm_name(vm, N___orig_bases__), obj_val(orig))
                              : op_setitem(vm, ns, obj_val(vm_name(vm, N___orig_bases__)), obj_val(orig))) < 0)
        goto fail;
    argv[2] = ns;
    Value cls = plain ? class_build(vm, vm->types[T_TYPE], argv, subnames) : op_call(vm, meta, argv, 3, subnames);
    vm_pop_roots(vm, 5);
    return cls == ERR ? ERR : class_cell_check(vm, cell, args[1], cls);
fail:
    vm_pop_roots(vm, 5);
    return ERR;
}

bool interp_init(VM *vm) {
    ObjNative *n = native_new(vm, "__build_class__", build_class);
    return n && dict_set_str(vm, vm->builtins, vm_name(vm, N___build_class__), obj_val(n)) == 0;
}
