/* Finalization: generators that die suspended, and __del__ (see finalize.h). */
#include "finalize.h"

#include <stdlib.h>

#include "class.h"
#include "exc.h"
#include "gc.h"
#include "ops.h"
#include "str.h"

static bool push(FinList *l, Obj *o) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        Obj **a = realloc(l->items, cap * sizeof *a);
        if (!a) return false;
        l->items = a;
        l->cap = cap;
    }
    l->items[l->len++] = o;
    return true;
}

bool finalize_track(VM *vm, ObjGen *g, bool plain) {
    if (!push(&vm->fin_tracked, (Obj *)g)) return false;
    if (plain) {
        g->obj.flags |= GEN_PLAIN_TRACKED;
        vm->fin_gens++;
        finalize_update_forcing(vm);
    }
    return true;
}

bool finalize_track_del(VM *vm, Obj *o) {
    if (o->flags & OBJ_FINALIZABLE) return true;
    if (!push(&vm->fin_tracked, o)) return false;
    o->flags |= OBJ_FINALIZABLE;
    vm->fin_live++;
    finalize_update_forcing(vm);
    return true;
}

static bool is_gen(Obj *o) { return o->kind == OBJ_GEN; }

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
    FinList *t = &vm->fin_tracked;
    size_t n = 0;
    vm->fin_gens = 0;
    for (size_t i = 0; i < t->len; i++) {
        Obj *o = t->items[i];
        if (o->marked) {
            t->items[n++] = o;
            if (is_gen(o) && (o->flags & GEN_PLAIN_TRACKED) && ((ObjGen *)o)->state != GEN_DONE) vm->fin_gens++;
            continue;
        }
        if (!is_gen(o)) vm->fin_live--;
        bool due = is_gen(o) ? has_code_to_run((ObjGen *)o) : true;
        if (due && push(&vm->fin_due, o)) gc_mark_obj(vm, o);     /* one more cycle, to finalize it */
    }
    t->len = n;
    finalize_update_forcing(vm);
}

void finalize_mark(VM *vm) {
    for (size_t i = 0; i < vm->fin_due.len; i++) gc_mark_obj(vm, vm->fin_due.items[i]);
}

/* Runs one finalizer, with CPython's unraisable report of what escapes it:
 * close() for a generator, __del__ for anything else. */
static void finalize_one(VM *vm, Obj *o) {
    Value saved = vm->fiber->handled;
    if (!vm_push_root(vm, obj_val(o))) {
        vm->exc = UNDEF;        /* nested too deep to run it: it is dropped */
        return;
    }
    if (is_gen(o)) {
        if (gen_close(vm, (ObjGen *)o) < 0) exc_report_unraisable(vm, "Exception ignored in: ", obj_val(o));
    } else {
        Value del = class_lookup(o->cls, vm_name(vm, N___del__));
        if (del != UNDEF && op_call1(vm, del, obj_val(o)) == ERR)
            exc_report_unraisable(vm, "Exception ignored in: ", del);
    }
    vm_pop_roots(vm, 1);
    vm->fiber->handled = saved;
}

void finalize_run(VM *vm) {
    if (vm->finalizing || !vm->fin_due.len) return;
    vm->finalizing = true;      /* a collection inside a finalizer does not start another round */
    Value pending = vm->exc;
    vm->exc = UNDEF;
    /* The order they were made in, as CPython's refcounts mostly free them. */
    for (size_t i = 0; i < vm->fin_due.len; i++) finalize_one(vm, vm->fin_due.items[i]);
    vm->fin_due.len = 0;
    vm->exc = pending;
    vm->finalizing = false;
}

void finalize_collect(VM *vm) {
    if (vm->finalizing) return;
    if (vm->fin_budget < vm->bytes_allocated) {     /* spent: the ordinary schedule from now on */
        vm->fin_budget = 0;
        vm->fin_forcing = false;
        return;
    }
    vm->fin_budget -= vm->bytes_allocated;
    gc_collect(vm);
}

void finalize_all(VM *vm) {
    if (!vm->fiber) return;
    gc_collect(vm);
    /* Everything still tracked moves to the due list, where it stays marked
     * while the finalizers run (one of them may drop the last reference to
     * another) and is no longer tracked (a collection meanwhile must not
     * finalize it again). Oldest first, as a module's globals are cleared
     * in order; what the finalizers themselves make is left unfinalized. */
    FinList due = vm->fin_tracked;
    vm->fin_tracked = vm->fin_due;
    vm->fin_due = due;
    vm->fin_live = 0;
    vm->fin_forcing = false;
    vm->finalizing = true;
    Value pending = vm->exc;
    vm->exc = UNDEF;
    size_t n = due.len;
    for (size_t i = 0; i < n; i++) {
        Obj *o = vm->fin_due.items[i];
        if (!is_gen(o) || has_code_to_run((ObjGen *)o)) finalize_one(vm, o);
    }
    vm->fin_due.len = 0;
    vm->exc = pending;
    vm->finalizing = false;
}

void finalize_free(VM *vm) {
    free(vm->fin_tracked.items);
    free(vm->fin_due.items);
    vm->fin_tracked = vm->fin_due = (FinList){0};
}
