/* Generators: a function whose frame can stop (DESIGN decision 3).
 *
 * The generator object owns its frame (header, locals, cells and value
 * stack in one block). Resuming links that frame onto the running fiber's
 * chain; YIELD_VALUE unlinks it again with ip and sp saved, so nothing is
 * ever unwound on the C stack. The interpreter resumes generators in its own
 * loop for `for` loops and `yield from` (FOR_ITER, SEND); natives resume
 * them through gen_resume, a nested run. A coroutine is the same object
 * with class `coroutine`: `await` drives it like `yield from`. */
#ifndef ASY_GEN_H
#define ASY_GEN_H

#include "vm.h"

typedef enum GenState { GEN_CREATED, GEN_SUSPENDED, GEN_RUNNING, GEN_DONE } GenState;

typedef struct ObjGen {
    Obj obj;                /* obj.spare: the offset of the call that created it in site */
    Frame *frame;           /* owned; NULL once finished and released */
    ObjCode *site;          /* the code that created it (for "never awaited"), or NULL */
    uint8_t state;
    ObjStr *name, *qualname;
} ObjGen;

/* A new generator (or coroutine, for an async def) for a call of `fn`:
 * binds the arguments into its own frame and runs nothing. */
Value gen_new(VM *vm, ObjFunction *fn, Value *args, int nargs, ObjTuple *kwnames);

/* Runs the generator until it yields (returns the value, *done = false),
 * returns (returns its value, *done = true) or raises (ERR). `throw` is
 * UNDEF, or an exception to raise at the point where it stopped. */
Value gen_resume(VM *vm, ObjGen *g, Value send, Value throw, bool *done);

/* The gi_ and cr_ attributes, __name__ and __qualname__; UNDEF if not one. */
Value gen_getattr(VM *vm, ObjGen *g, const char *name);

/* close(): GeneratorExit at the point where g stopped; false after raising. */
bool gen_close(VM *vm, ObjGen *g);

static inline bool is_generator(VM *vm, Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_GEN && as_obj(v)->cls == vm->types[T_GENERATOR];
}

void gen_mark(VM *vm, ObjGen *g);
void gen_free(VM *vm, ObjGen *g);
bool gen_init(VM *vm);

#endif
