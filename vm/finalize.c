/* Closing generators that die suspended (see finalize.h). */
#include "finalize.h"

#include <stdlib.h>

#include "exc.h"
#include "gc.h"
#include "ops.h"
#include "str.h"

static bool push(GenList *l, ObjGen *g) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        ObjGen **a = realloc(l->items, cap * sizeof *a);
        if (!a) return false;
        l->items = a;
        l->cap = cap;
    }
    l->items[l->len++] = g;
    return true;
}

bool finalize_track(VM *vm, ObjGen *g) { return push(&vm->gens_tracked, g); }

/* Whether closing it would run code: it stopped inside a protected region. */
static bool has_code_to_run(ObjGen *g) {
    if (g->state != GEN_SUSPENDED || !g->frame) return false;
    ObjCode *c = g->frame->code;
    uint32_t off = (uint32_t)(g->frame->ip - c->ins) - 1;
    for (int32_t i = 0; i < c->nexc; i++) {
        if (c->exc[i].start <= off && off < c->exc[i].end) return true;
    }
    return false;
}

void finalize_before_sweep(VM *vm) {
    GenList *t = &vm->gens_tracked;
    size_t n = 0;
    for (size_t i = 0; i < t->len; i++) {
        ObjGen *g = t->items[i];
        if (g->obj.marked) {
            t->items[n++] = g;
        } else if (has_code_to_run(g) && push(&vm->gens_closing, g)) {
            gc_mark_obj(vm, (Obj *)g);     /* one more cycle, to run its finally */
        }
    }
    t->len = n;
}

void finalize_mark(VM *vm) {
    for (size_t i = 0; i < vm->gens_closing.len; i++) gc_mark_obj(vm, (Obj *)vm->gens_closing.items[i]);
}

/* close() with CPython's unraisable report of what escapes it. */
static void close_one(VM *vm, ObjGen *g) {
    Value saved = vm->fiber->handled;
    if (!vm_push_root(vm, obj_val(g))) return;
    if (gen_close(vm, g) < 0) exc_report_unraisable(vm, "Exception ignored in: ", obj_val(g));
    vm_pop_roots(vm, 1);
    vm->fiber->handled = saved;
}

void finalize_run(VM *vm) {
    if (vm->closing_gens || !vm->gens_closing.len) return;
    vm->closing_gens = true;    /* a collection inside a finally does not start another round */
    Value pending = vm->exc;
    vm->exc = UNDEF;
    while (vm->gens_closing.len) {
        ObjGen *g = vm->gens_closing.items[--vm->gens_closing.len];
        close_one(vm, g);
    }
    vm->exc = pending;
    vm->closing_gens = false;
}

void finalize_all(VM *vm) {
    if (!vm->fiber) return;
    gc_collect(vm);
    /* Oldest first, as a module's globals are cleared in order. */
    for (size_t i = 0; i < vm->gens_tracked.len; i++) {
        ObjGen *g = vm->gens_tracked.items[i];
        if (has_code_to_run(g)) close_one(vm, g);
    }
}

void finalize_free(VM *vm) {
    free(vm->gens_tracked.items);
    free(vm->gens_closing.items);
    vm->gens_tracked = vm->gens_closing = (GenList){0};
}
