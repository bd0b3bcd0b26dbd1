/* Generators: a function whose frame can stop (DESIGN decision 3).
 *
 * The generator object owns its frame (header, locals, cells and value
 * stack in one block). Resuming links that frame onto the running fiber's
 * chain; YIELD_VALUE unlinks it again with ip and sp saved, so nothing is
 * ever unwound on the C stack. The interpreter resumes generators in its own
 * loop for `for` loops and `yield from` (FOR_ITER, SEND); natives resume
 * them through gen_resume, a nested run. A coroutine is the same object
 * with class `coroutine`: `await` drives it like `yield from`. So is an
 * async generator (class `async_generator`, see agen.h), which only its
 * asend/athrow awaitables resume.
 *
 * YIELD_VALUE's argument says what kind of yield suspended a frame; the
 * interpreter ignores it, the code that resumes a frame reads it back from
 * the instruction before the saved ip. */
#ifndef ASY_GEN_H
#define ASY_GEN_H

#include "vm.h"

typedef enum GenState { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_DONE } GenState;

/* Obj flag of a generator tracked by finalize.c whose life keeps the early
 * collections on (finalize.h): a plain generator, or an async generator
 * asyncio's loop hooked. */
#define GEN_PLAIN_TRACKED 0x2000
/* Obj flag of a coroutine already reported as never awaited (gen_dropped_at_once). */
#define GEN_WARNED 0x1000

typedef struct ObjGen {
    Obj obj;                /* obj.spare: the offset of the call that created it in site */
    Frame *frame;           /* in the same allocation, right after the object */
    ObjCode *site;          /* the code that created a coroutine (for "never awaited"), or NULL */
    uint32_t frame_words;   /* the frame's size, for the object's (gc.c) */
    uint8_t state;
    uint8_t ag_running_async;   /* async generators: an asend/athrow is being awaited */
    uint8_t ag_closed;          /* async generators: aclose() began, or it ended by StopAsyncIteration/GeneratorExit */
    uint8_t ag_hooked;          /* async generators: first iterated while asyncio's loop ran (sched_agen_started);
                                 * AG_ORPHAN: found unreachable between loops, kept for shutdown_asyncgens */
    ObjStr *name, *qualname;
    /* The exception its frame handles, kept across yields (UNDEF for none),
     * and while it runs, the fiber's state to restore when it stops. */
    Value handled, saved_handled, saved_outer;
} ObjGen;

#define YIELD_PLAIN 0       /* `yield` in a generator */
#define AG_ORPHAN 2
#define YIELD_ASYNC 1       /* `yield` in an async generator: completes the awaitable that resumed it */
#define YIELD_DELEGATE 2    /* in the SEND loop of `yield from`/`await`: the sub-iterator is on top of the stack */

/* The argument of the YIELD_VALUE a suspended generator stopped at. */
static inline int gen_yield_kind(ObjGen *g) { return (int)(g->frame->ip[-1] >> 8); }

/* A new generator (or coroutine, for an async def) for a call of `fn`:
 * binds the arguments into its own frame and runs nothing. */
Value gen_new(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames);

/* Runs the generator until it yields (returns the value, *done = false),
 * returns (returns its value, *done = true) or raises (ERR). `throw` is
 * UNDEF, or an exception to raise at the point where it stopped. */
Value gen_resume(VM *vm, ObjGen *g, Value send, Value throw, bool *done);

/* Throws `exc` into g where it stopped: an exception instance, or what
 * throw(x) was given (made into the exception where it is raised, as
 * gen_exc_from_args; a plain sub-iterator's throw() gets it unchanged). When g is
 * suspended in `yield from`/`await`, the sub-iterator gets it first (PEP
 * 380): its throw() (or, for GeneratorExit with close_on_genexit, its
 * close()); what it yields g yields, what it returns continues g after the
 * loop, what it raises is raised in g. Results as gen_resume. */
Value gen_throw(VM *vm, ObjGen *g, Value exc, bool close_on_genexit, bool *done);

/* The gi_/cr_/ag_ attributes, __name__ and __qualname__; UNDEF if not one. */
Value gen_getattr(VM *vm, ObjGen *g, const char *name);
/* Sets __name__ or __qualname__ (0, or -1 after raising TypeError); 1 for
 * any other name. */
int gen_setattr(VM *vm, ObjGen *g, ObjStr *name, Value v);

/* generator.close(): 0, or -1 after raising. */
int gen_close(VM *vm, ObjGen *g);
/* Whether suspended g waits on a sub-iterator (yield from, await). */
bool gen_awaiting(ObjGen *g);

/* The exception instance for throw(type[, value[, traceback]]). */
Value gen_exc_from_args(VM *vm, Value *args, int nargs);
/* 3.12's DeprecationWarning for throw(type, value[, tb]) and athrow(...). */
bool gen_warn_throw_signature(VM *vm, const char *method);

/* One step of an iterator driven by `yield from`/`await` (SEND): sends
 * `send` (None or UNDEF: next) or throws `throw` into it. Returns what it
 * yielded (*done = false), the value it returned (*done = true; the value
 * of its StopIteration), or ERR. */
Value gen_iter_step(VM *vm, Value it, Value send, Value throw, bool close_on_genexit, bool *done);

/* Raises StopIteration(v) (no arguments for None). */
Value gen_stop_iteration(VM *vm, Value v);

/* The TypeError for a method of these types called unbound on something
 * else (type(g).send(5, None)), which must not be read as a generator. */
Value gen_bad_self(VM *vm, const char *name, Value *args, int nargs);

static inline bool is_coroutine(VM *vm, Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_GEN && as_obj(v)->cls == vm->types[T_COROUTINE];
}

static inline bool is_generator(VM *vm, Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_GEN && as_obj(v)->cls == vm->types[T_GENERATOR];
}
/* A coroutine the interpreter's CALL just made, which the next instruction
 * (POP_TOP: `get_data()` as a statement) drops: reported as never awaited
 * now, where CPython's reference count frees it, rather than at the next
 * collection. */
void gen_dropped_at_once(VM *vm, ObjGen *g);
/* The warning itself, as CPython's warnings._warn_unawaited_coroutine gives
 * it: through the warnings filters, at the running line, with the
 * coroutine as its source; an error it raises is reported as unraisable. */
void gen_warn_unawaited(VM *vm, Value coro, const char *qualname);
/* The same warning for coro, which the sweep finds (SPEC 6.1): queued,
 * naming the line of site's instruction at offset off that made it (no
 * line for a NULL site). */
void gen_queue_unawaited(VM *vm, const void *coro, ObjCode *site, uint32_t off, const char *qualname);

void gen_mark(VM *vm, ObjGen *g);
void gen_free(VM *vm, ObjGen *g);
bool gen_init(VM *vm);

#endif
