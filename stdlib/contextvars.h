/* contextvars for C: what the asyncio scheduler needs to run each task in
 * its own Context (stdlib/contextvars.c implements both this and the
 * Python module).
 *
 * vm->context is the current Context (UNDEF until something first needs
 * one; the empty root Context is then made). A task is created with
 * context_copy_current, and each step of it runs between context_enter and
 * context_exit:
 *
 *     Value prev = context_enter(vm, task->context);
 *     if (prev == ERR) ...             // RuntimeError: already entered
 *     ... run the step ...
 *     context_exit(vm, prev);
 *
 * Entering marks the Context entered (Context.run on it then raises
 * RuntimeError, as in CPython) and keeps `prev` inside it, so `prev` stays
 * reachable for the collector while the step runs even if the caller holds
 * it only in a C variable. Enter and exit are a few stores each; they
 * allocate nothing. Pairs must nest (exit the most recently entered
 * Context first).
 */
#ifndef ASY_CONTEXTVARS_H
#define ASY_CONTEXTVARS_H

#include "../vm/vm.h"

/* A new Context holding the current one's variables (O(1): the two share
 * their table until either changes). ERR after MemoryError. */
Value context_copy_current(VM *vm);

/* Makes ctx (a Context) the current context and returns the previous one
 * (possibly UNDEF), to pass to context_exit. ERR after TypeError (not a
 * Context) or RuntimeError ("cannot enter context: ... is already
 * entered"); nothing changed then. */
Value context_enter(VM *vm, Value ctx);

/* Leaves the current context (entered by context_enter) and makes `prev`
 * current again. Never fails. */
void context_exit(VM *vm, Value prev);

#endif
