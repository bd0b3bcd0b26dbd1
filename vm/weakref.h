/* Weak references (the _weakref module's `ref`): a reference the collector
 * does not follow. Every ref is on the VM's list; between marking and
 * sweeping, a ref whose target was not marked is cleared, and if the ref
 * itself is alive and has a callback, the callback is called with it once
 * the collection is over (as CPython calls it when the target dies). */
#ifndef ASY_WEAKREF_H
#define ASY_WEAKREF_H

#include "vm.h"

typedef struct WeakRef {
    Obj obj;
    Value target;       /* not traced; None once the target died */
    Value callback;     /* None or a callable */
    uint64_t hash;      /* the target's hash, once asked for */
    bool hashed;
} WeakRef;

/* The collector's step after all marking, before the sweep. */
void weakref_before_sweep(VM *vm);
void weakref_mark(VM *vm);
/* After a collection: the callbacks of the refs cleared by it. */
void weakref_run_callbacks(VM *vm);
void weakref_free(VM *vm);

#endif
