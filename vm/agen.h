/* Async generators and their awaitables (PEP 525).
 *
 * An async generator is an ObjGen of class `async_generator`: its frame is
 * owned like a generator's. Nothing resumes it directly; `__anext__()`,
 * `asend(v)`, `athrow(...)` and `aclose()` return awaitables (ObjIter layout,
 * classes `async_generator_asend` and `async_generator_athrow`) whose
 * send/throw resume the frame through gen_resume/gen_throw. What the frame
 * yields is told apart by the YIELD_VALUE it stopped at (gen.h): a `yield v`
 * of the body (YIELD_ASYNC) completes the awaitable with v, i.e.
 * StopIteration(v) to whoever drives it; anything an `await` inside the body
 * yields (YIELD_DELEGATE) passes through to the driver unchanged. When the
 * body returns, the awaitable raises StopAsyncIteration.
 *
 * The interpreter drives these awaitables without StopIteration objects:
 * SEND calls gen_iter_step, which comes here through agen_await_step.
 * `anext(it, default)` makes a third kind, `anext_awaitable`. */
#ifndef ASY_AGEN_H
#define ASY_AGEN_H

#include "gen.h"

static inline bool is_async_generator(VM *vm, Value v) {
    return is_obj(v) && as_obj(v)->kind == OBJ_GEN && as_obj(v)->cls == vm->types[T_ASYNC_GENERATOR];
}

/* asend/athrow awaitables and anext_awaitable. */
static inline bool agen_is_awaitable(VM *vm, Value v) {
    if (!is_obj(v) || as_obj(v)->kind != OBJ_ITER) return false;
    ObjClass *c = as_obj(v)->cls;
    return c == vm->types[T_ASYNC_GENERATOR_ASEND] || c == vm->types[T_ASYNC_GENERATOR_ATHROW] ||
           c == vm->types[T_ANEXT_AWAITABLE];
}

/* g.asend(v): a new awaitable (what GET_ANEXT uses for async generators). */
Value agen_asend_new(VM *vm, ObjGen *g, Value v);

/* One step of an awaitable from agen_is_awaitable: send `send` (None or
 * UNDEF for next) or throw exception instance `throw`. Returns what passes
 * through to the driver (*done = false), the awaitable's result (*done =
 * true: what its StopIteration would carry), or ERR. */
Value agen_await_step(VM *vm, ObjIter *aw, Value send, Value throw, bool *done);

/* Its close(): 0, or -1 after raising. */
int agen_await_close(VM *vm, ObjIter *aw);

/* What `await v` drives (CPython's _PyCoro_GetAwaitableIter): a coroutine
 * or one of these awaitables as is, else the iterator __await__ returns.
 * TypeError if there is none. */
Value agen_get_awaitable(VM *vm, Value v);

/* Sets `cause` as the __cause__ (and __context__) of the pending exception. */
void agen_chain_cause(VM *vm, Value cause);

/* The types' methods, and the builtins aiter() and anext(). */
bool agen_init(VM *vm);

#endif
