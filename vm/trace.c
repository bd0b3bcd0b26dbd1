/* sys.settrace's hook (trace.h). */
#include "trace.h"

#include <stdlib.h>

#include "containers.h"
#include "exc.h"
#include "frameobj.h"
#include "func.h"
#include "gc.h"
#include "gen.h"
#include "ops.h"
#include "profile.h"
#include "str.h"

_Static_assert(OP_COUNT <= TRACE_START, "opcodes must leave trace_orig's high bit free");

/* ---- line marks ---------------------------------------------------------- */

/* Which instructions of c report lines: the first of each line, every jump
 * target and handler (as CPython 3.12 marks them), and the backward jumps
 * (a loop on one line reports its line at every turn). */
static void find_marks(ObjCode *c, uint8_t *orig, const int32_t *line) {
    int32_t prev = -1;
    for (int32_t i = 0; i < c->nins; i++) {
        int op = INS_OP(c->ins[i]);
        if (line[i] >= 0 && line[i] != prev) orig[i] = TRACE_START;
        prev = line[i];
        if (op_is_jump(op) && (int32_t)INS_ARG(c->ins[i]) < c->nins && line[INS_ARG(c->ins[i])] >= 0)
            orig[INS_ARG(c->ins[i])] = TRACE_START;
        /* nonzero: patched (mark_code fills in the opcode); not the jump
         * back of a `yield from` or `await` (to SEND), which CPython
         * does not report */
        if (op == OP_JUMP_BACKWARD && INS_OP(c->ins[INS_ARG(c->ins[i])]) != OP_SEND) orig[i] |= 1;
        if (op_has_cache_word(op)) i++;
    }
    for (int32_t k = 0; k < c->nexc; k++) {
        uint32_t t = c->exc[k].target;
        if ((int32_t)t < c->nins && line[t] >= 0) orig[t] = TRACE_START;
    }
}

/* Patches c's marked instructions to OP_TRACE. False after raising. */
static bool mark_code(VM *vm, ObjCode *c) {
    if (c->trace_orig || c->nins == 0) return true;
    if (vm->ntrace_codes == vm->trace_codes_cap) {
        int cap = vm->trace_codes_cap ? vm->trace_codes_cap * 2 : 16;
        ObjCode **a = realloc(vm->trace_codes, sizeof *a * (size_t)cap);
        if (!a) return exc_nomem(vm), false;
        vm->trace_codes = a;
        vm->trace_codes_cap = cap;
    }
    uint8_t *orig = calloc((size_t)c->nins, 1);
    int32_t *line = malloc(sizeof *line * (size_t)c->nins);
    if (!orig || !line) {
        free(orig);
        free(line);
        return exc_nomem(vm), false;
    }
    code_lines_each(c, line);
    find_marks(c, orig, line);
    for (int32_t i = 0; i < c->nins; i++) {
        if (!orig[i]) continue;
        orig[i] = (uint8_t)((orig[i] & TRACE_START) | INS_OP(c->ins[i]));
        c->ins[i] = (c->ins[i] & ~0xFFu) | OP_TRACE;
    }
    c->trace_orig = orig;
    c->trace_line = line;
    vm->trace_codes[vm->ntrace_codes++] = c;
    return true;
}

static void unmark_code(ObjCode *c) {
    for (int32_t i = 0; i < c->nins; i++) {
        if (c->trace_orig[i]) c->ins[i] = (c->ins[i] & ~0xFFu) | (c->trace_orig[i] & ~TRACE_START);
    }
    free(c->trace_orig);
    free(c->trace_line);
    c->trace_orig = NULL;
    c->trace_line = NULL;
}

/* ---- the side table ------------------------------------------------------ */

TraceRec *trace_rec(VM *vm, Frame *f) {
    if (!(f->flags & FRAME_TRACED)) return NULL;
    for (int i = vm->ntrace_recs - 1; i >= 0; i--) {
        if (vm->trace_recs[i].f == f) return &vm->trace_recs[i];
    }
    return NULL;
}

TraceRec *trace_rec_make(VM *vm, Frame *f) {
    TraceRec *r = trace_rec(vm, f);
    if (r) return r;
    if (vm->trace_func != UNDEF && !mark_code(vm, f->code)) return NULL;
    if (vm->ntrace_recs == vm->trace_recs_cap) {
        int cap = vm->trace_recs_cap ? vm->trace_recs_cap * 2 : 16;
        TraceRec *a = realloc(vm->trace_recs, sizeof *a * (size_t)cap);
        if (!a) return exc_nomem(vm), NULL;
        vm->trace_recs = a;
        vm->trace_recs_cap = cap;
    }
    r = &vm->trace_recs[vm->ntrace_recs++];
    *r = (TraceRec){.f = f, .fn = UNDEF, .host = NULL, .line = -1, .lines = true};
    f->flags |= FRAME_TRACED;
    return r;
}

void trace_forget(VM *vm, Frame *f) {
    TraceRec *r = trace_rec(vm, f);
    f->flags &= ~FRAME_TRACED;
    if (r) *r = vm->trace_recs[--vm->ntrace_recs];
}

void trace_mark(VM *vm) {
    gc_mark_value(vm, vm->trace_func);
    for (int i = 0; i < vm->ntrace_recs; i++) {
        gc_mark_value(vm, vm->trace_recs[i].fn);
    }
    for (int i = 0; i < vm->ntrace_codes; i++) gc_mark_obj(vm, (Obj *)vm->trace_codes[i]);
}

void trace_sweep(VM *vm) {
    for (int i = vm->ntrace_recs - 1; i >= 0; i--) {
        Frame *f = vm->trace_recs[i].f;
        if ((f->flags & FRAME_OWNED) && f->gen && !f->gen->obj.marked) trace_forget(vm, f);
    }
}

bool trace_set(VM *vm, Value func) {
    if (func == NONE_VAL) {
        vm->trace_func = UNDEF;
        for (int i = 0; i < vm->ntrace_codes; i++) unmark_code(vm->trace_codes[i]);
        vm->ntrace_codes = 0;
    } else {
        vm->trace_func = func;
        vm->trace_ts = vm->ts;
        /* frames given a local function before the hook (bdb sets f_trace
         * up the stack, then the hook) report their lines from now on */
        for (int i = 0; i < vm->ntrace_recs; i++) {
            if (!mark_code(vm, vm->trace_recs[i].f->code)) return false;
        }
    }
    prof_update_limit(vm);
    return true;
}

/* ---- events -------------------------------------------------------------- */

static const char *const event_names[] = {"call", "line", "return", "exception"};
enum { EV_CALL, EV_LINE, EV_RETURN, EV_EXCEPTION };

/* Calls fn(frame object of f, event, arg) with events off. The result, or
 * ERR after raising; the hook is then removed, as CPython removes it. */
static Value fire(VM *vm, Value fn, Frame *f, int what, Value arg, int line) {
    FrameObj *fo = frameobj_of(vm, f, f->ip);
    if (!fo) return ERR;
    if (line > 0) fo->line = line;
    Value r = prof_call_hook(vm, fn, obj_val(fo), event_names[what], arg);
    if (r == ERR) {
        trace_set(vm, NONE_VAL);
        TraceRec *rec = trace_rec(vm, f);
        if (rec) rec->fn = UNDEF;
    }
    return r;
}

/* An event to f's local trace function, which its result replaces unless
 * None (CPython's trace_trampoline); the frame object shows `line` if it
 * is not 0. */
static bool fire_local(VM *vm, Frame *f, int what, Value arg, int line) {
    TraceRec *r = trace_rec(vm, f);
    if (!r || r->fn == UNDEF) return true;
    Value res = fire(vm, r->fn, f, what, arg, line);
    if (res == ERR) return false;
    r = trace_rec(vm, f);
    if (r && res != NONE_VAL) r->fn = res;
    return true;
}

/* An inlined comprehension starting: no 'call'; its lines go to the
 * function running it, if that is traced. */
static bool comprehension_call(VM *vm, Frame *f) {
    Frame *host = f->prev;
    TraceRec *h = host ? trace_rec(vm, host) : NULL;
    if (!h || h->fn == UNDEF) return true;
    int32_t line = h->line;
    TraceRec *r = trace_rec_make(vm, f);
    if (!r) return false;
    r->host = host;
    r->line = line;
    return true;
}

bool trace_call(VM *vm, Frame *f) {
    if (!trace_active(vm)) return true;
    if (exc_inlined_comprehension(f->code)) return comprehension_call(vm, f);
    if (!f->sp) f->sp = frame_stack_base(f);
    Value res = fire(vm, vm->trace_func, f, EV_CALL, NONE_VAL, 0);
    if (res == ERR) return false;
    if (res == NONE_VAL) return true;
    if (!vm_push_root(vm, res)) return false;
    TraceRec *r = trace_rec_make(vm, f);
    vm_pop_roots(vm, 1);
    if (!r) return false;
    r->fn = res;
    return true;
}

bool trace_line(VM *vm, Frame *f, const uint32_t *at) {
    if (!trace_active(vm)) return true;
    TraceRec *r = trace_rec(vm, f);
    if (!r) return true;
    ObjCode *c = f->code;
    int32_t i = (int32_t)(at - c->ins);
    uint8_t orig = c->trace_orig[i];
    int op = orig & ~TRACE_START;
    int32_t line = c->trace_line[i];
    bool due = false;
    if ((orig & TRACE_START) && line >= 0) {
        due = line != r->line || r->back_jump;
        r->back_jump = false;
        r->line = line;
        /* a loop's jump back on its header's line: the header reports it */
        if (op == OP_JUMP_BACKWARD && c->trace_line[INS_ARG(*at)] == line) due = false;
    }
    if (op == OP_JUMP_BACKWARD && INS_OP(code_ins_at(c, c->ins + INS_ARG(*at))) != OP_SEND) r->back_jump = true;
    if (!due) return true;
    Frame *to = r->host ? r->host : f;
    TraceRec *t = r->host ? trace_rec(vm, r->host) : r;
    return !t || !t->lines || fire_local(vm, to, EV_LINE, NONE_VAL, line);
}

bool trace_return(VM *vm, Frame *f, Value r, bool yielding) {
    bool ok = true;
    if (trace_active(vm) && vm_push_root(vm, r)) {
        ok = fire_local(vm, f, EV_RETURN, r, 0);
        vm_pop_roots(vm, 1);
    }
    if (!yielding) trace_forget(vm, f);
    return ok;
}

void trace_unwind(VM *vm, Frame *f) {
    if (trace_active(vm)) {
        Value pending = vm->exc;
        vm->exc = UNDEF;
        if (vm_push_root(vm, pending)) {
            if (!fire_local(vm, f, EV_RETURN, NONE_VAL, 0))
                exc_report_unraisable(vm, "Exception ignored in the trace function: ", UNDEF);
            vm_pop_roots(vm, 1);
        }
        vm->exc = pending;
    }
    trace_forget(vm, f);
}

/* The 'exception' event of e with traceback tb. False after raising. */
static bool fire_exception(VM *vm, Frame *f, Value e, Value tb) {
    ObjTuple *t = tuple_from(vm, (Value[]){obj_val(type_of(vm, e)), e, tb}, 3);
    if (!t || !vm_push_root(vm, obj_val(t))) return false;
    bool ok = fire_local(vm, f, EV_EXCEPTION, obj_val(t), 0);
    vm_pop_roots(vm, 1);
    return ok;
}

Value trace_exception(VM *vm, Frame *f, Value e) {
    if (!trace_active(vm)) return e;
    TraceRec *r = trace_rec(vm, f);
    if (!r || r->fn == UNDEF || !vm_push_root(vm, e)) return e;
    Value tb = op_getattr(vm, e, vm_name(vm, N___traceback__));
    bool ok = tb != ERR && fire_exception(vm, f, e, tb);
    vm_pop_roots(vm, 1);
    if (ok) return e;
    Value err = vm->exc;
    vm->exc = UNDEF;
    return err;
}

bool trace_stop_iteration(VM *vm, Frame *f, Value value) {
    if (!trace_active(vm) || value == NONE_VAL) return true;
    TraceRec *r = trace_rec(vm, f);
    if (!r || r->fn == UNDEF) return true;
    if (!vm_push_root(vm, value)) return false;
    ObjTuple *args = tuple_from(vm, &value, 1);
    Value e = args ? exc_new(vm, vm->exc_types[E_StopIteration], args) : ERR;
    bool ok = e != ERR && vm_push_root(vm, e);
    if (ok) {
        ok = fire_exception(vm, f, e, NONE_VAL);
        vm_pop_roots(vm, 1);
    }
    vm_pop_roots(vm, 1);
    return ok;
}
