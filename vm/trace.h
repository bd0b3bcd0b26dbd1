/* sys.settrace's hook.
 *
 * Events: 'call' when a frame starts or a generator resumes (to the global
 * hook; what it returns becomes the frame's local trace function), then,
 * to that local function, 'line' at each new line, 'exception' where an
 * exception is raised or passes through, and 'return' when the frame
 * returns, yields or is left by an exception.
 *
 * Calls and returns take profile.h's road: while a hook is set call_limit
 * is 0, every call leaves the fast path, and frames with a local trace
 * function carry FRAME_TRACED, which the return, yield and unwinding paths
 * test together with FRAME_PROFILED. Lines cost nothing until then: a code
 * object gets line events by having its line starts (and backward jumps)
 * patched in place to OP_TRACE, the opcode kept aside (trace_orig), as
 * CPython 3.12 instruments its bytecode. OP_TRACE reports the line, then
 * runs the instruction it replaced. Code is marked when a frame of it gets
 * a local trace function and unmarked when the hook is removed.
 *
 * A traced frame's local function, last line and frame object (kept, so
 * that every event shows the same object, as debuggers expect) live in a
 * side table keyed by the frame (vm->trace_recs), dropped when it ends. */
#ifndef ASY_TRACE_H
#define ASY_TRACE_H

#include "vm.h"
#include "opcodes.h"

typedef struct TraceRec {
    Frame *f;
    Value fn;               /* its local trace function (f_trace), or UNDEF */
    /* An inlined comprehension's frame (CPython 3.12 runs those in their
     * function's frame): the function's, which gets its line events. */
    Frame *host;
    int32_t line;           /* the line of the last line start it ran, or -1 */
    bool lines, opcodes;    /* f_trace_lines, f_trace_opcodes */
    bool back_jump;         /* arrived by a backward jump: the line is reported again */
} TraceRec;

/* trace_orig's high bit: the instruction starts a line (a jump target or
 * the first of its line); the low bits are the opcode it had. 0: the word
 * is not patched (it may be a cache index). */
#define TRACE_START 0x80

/* The word at p of code c as compiled (OP_TRACE undone). */
static inline uint32_t code_ins_at(const ObjCode *c, const uint32_t *p) {
    uint8_t orig = c->trace_orig ? c->trace_orig[p - c->ins] : 0;
    return orig ? (*p & ~0xFFu) | (orig & (TRACE_START - 1u)) : *p;
}

/* Whether events fire now: a hook set by this thread, no hook running. */
static inline bool trace_active(VM *vm) {
    return vm->trace_func != UNDEF && !vm->prof_busy && vm->ts == vm->trace_ts;
}

/* sys.settrace(func): None removes the hook and every line mark. False
 * after raising. */
bool trace_set(VM *vm, Value func);
/* The 'call' event of frame f (linked as the fiber's innermost). False
 * after raising: a hook that raises is removed. */
bool trace_call(VM *vm, Frame *f);
/* OP_TRACE at instruction `at` of the running frame f: its 'line' event,
 * if one is due. False after raising. */
bool trace_line(VM *vm, Frame *f, const uint32_t *at);
/* 'return' of f returning (or yielding) r. False after raising. */
bool trace_return(VM *vm, Frame *f, Value r, bool yielding);
/* 'return' of f left by the pending exception, held elsewhere (a hook's
 * own error is reported as unraisable). */
void trace_unwind(VM *vm, Frame *f);
/* 'exception' of f with e, raised in it or passing through. Returns the
 * exception that goes on: e, or the hook's own error. */
Value trace_exception(VM *vm, Frame *f, Value e);
/* 'exception' of f, where a generator it ran under FOR_ITER or SEND
 * returned value (not None): CPython sees the StopIteration. False after
 * raising. */
bool trace_stop_iteration(VM *vm, Frame *f, Value value);
/* A traced frame going away without its events (a generator freed). */
void trace_forget(VM *vm, Frame *f);
/* The record of f (FRAME_TRACED), or NULL. */
TraceRec *trace_rec(VM *vm, Frame *f);
/* f's record, made if it has none (then f gets FRAME_TRACED and its code
 * line marks); NULL after raising MemoryError. */
TraceRec *trace_rec_make(VM *vm, Frame *f);
/* The hook's roots, for the collector. */
void trace_mark(VM *vm);
/* Before the collector's sweep: the records of generators' frames about to
 * be freed go. */
void trace_sweep(VM *vm);

#endif
