/* Finalization: generators that die suspended, and __del__ (see finalize.h). */
#include "finalize.h"

#include <stdlib.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "frameobj.h"
#include "gc.h"
#include "ops.h"
#include "scheduler.h"
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

bool finalize_agen_hooked(VM *vm, ObjGen *g) {
    /* Tracked since it was made (gen.c); `async for` loops left by break
     * drop such generators, so they keep the early collections on. */
    if (!(g->obj.flags & GEN_PLAIN_TRACKED)) {
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

/* An async generator that asyncio's finalizer hook handles: first iterated
 * while the loop ran, and not closed since (as CPython's ag_closed). */
static bool hooked_agen(ObjGen *g) { return g->ag_hooked && !g->ag_closed; }

/* Whether finalizing it would run code: it stopped inside a protected
 * region, or it is an unfinished async generator the loop hooked. */
static bool has_code_to_run(ObjGen *g) {
    if (hooked_agen(g)) return g->state == GEN_SUSPENDED;
    if (g->state != GEN_SUSPENDED || !g->frame) return false;
    ObjCode *c = g->frame->code;
    uint32_t off = (uint32_t)(g->frame->ip - c->ins) - 1;
    for (int32_t i = 0; i < c->nexc; i++) {
        if (c->exc[i].start <= off && off < c->exc[i].end) return true;
    }
    return false;
}

/* In a forced collection, the objects with __del__ on a cycle of garbage
 * (and all they reach) are kept: CPython frees such a cycle only when its
 * cycle collector runs (gc.collect(), or its allocation schedule), not when
 * the program drops its last outside reference, which is when a forced
 * collection runs. An ordinary collection finalizes them. */
static void keep_garbage_cycles(VM *vm) {
    FinList *t = &vm->fin_tracked;
    FinList cyclic = {0};
    for (size_t i = 0; i < t->len; i++) {
        Obj *o = t->items[i];
        if (o->marked || is_gen(o)) continue;
        bool instance = o->kind == OBJ_INSTANCE || o->kind == OBJ_EXC;
        if ((instance && (o->flags & INST_CYCLIC_GARBAGE)) || gc_in_garbage_cycle(vm, o)) {
            if (instance) o->flags |= INST_CYCLIC_GARBAGE;
            push(&cyclic, o);
        }
    }
    for (size_t i = 0; i < cyclic.len; i++) gc_keep_marked(vm, cyclic.items[i]);
    free(cyclic.items);
}

void finalize_before_sweep(VM *vm) {
    FinList *t = &vm->fin_tracked;
    size_t n = 0;
    /* (under GC stress, where the allocation schedule collects all the
     * time, its collections keep them too, so that when they go does not
     * depend on it) */
    if (vm->gc_forced || (vm->cfg.gc_stress && !vm->gc_explicit && !vm->finalizing)) keep_garbage_cycles(vm);
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
    vm->fin_ran++;
    Value saved = vm->fiber->handled;
    if (!vm_push_root(vm, obj_val(o))) {
        vm->exc = UNDEF;        /* nested too deep to run it: it is dropped */
        return;
    }
    if (is_gen(o) && hooked_agen((ObjGen *)o)) {
        sched_agen_finalize(vm, (ObjGen *)o);
    } else if (is_gen(o)) {
        if (gen_close(vm, (ObjGen *)o) < 0) exc_report_unraisable(vm, "Exception ignored in: ", obj_val(o));
    } else {
        Value del = class_lookup(o->cls, vm_name(vm, N___del__));
        if (del != UNDEF && op_call1(vm, del, obj_val(o)) == ERR)
            exc_report_unraisable(vm, "Exception ignored in: ", del);
    }
    vm_pop_roots(vm, 1);
    vm->fiber->handled = saved;
}

enum { DROP_DEPTH = 4, DROP_VISITS = 256 };

static bool among(Obj **items, size_t n, Obj *o) {
    for (size_t i = 0; i < n; i++)
        if (items[i] == o) return true;
    return false;
}

/* *visits < 0 also stops the walk when it meets an object twice: a cycle,
 * which CPython frees later, at its cycle collection, in the order the
 * objects were made. */
static void walk_dropped(VM *vm, Value v, int depth, int *visits) {
    if (!is_obj(v) || depth > DROP_DEPTH || --*visits < 0) return;
    Obj *o = as_obj(v);
    if (finalize_pending(v)) {
        if (among(vm->fin_order.items, vm->fin_order.len, o)) { *visits = -1; return; }
        push(&vm->fin_order, o);
    }
    ObjDict *d = NULL;
    switch ((ObjKind)o->kind) {
    case OBJ_LIST:
        for (int64_t i = ((ObjList *)o)->len - 1; i >= 0; i--) walk_dropped(vm, ((ObjList *)o)->items[i], depth + 1, visits);
        return;
    case OBJ_TUPLE:
        for (int64_t i = ((ObjTuple *)o)->len - 1; i >= 0; i--) walk_dropped(vm, ((ObjTuple *)o)->items[i], depth + 1, visits);
        return;
    case OBJ_DICT: d = (ObjDict *)o; break;
    case OBJ_INSTANCE:      /* its slots go first, then its dict, as CPython's subtype_dealloc */
        for (uint32_t i = 0; i < o->spare; i++) walk_dropped(vm, instance_slots((ObjInstance *)o)[i], depth + 1, visits);
        d = ((ObjInstance *)o)->dict;
        break;
    case OBJ_EXC: d = ((ObjInstance *)o)->dict; break;
    default: return;
    }
    int64_t pos = 0;
    Value key, val;
    while (d && dict_next(d, &pos, &key, &val)) walk_dropped(vm, val, depth + 1, visits);
}

enum { ATTRS_LOOKED_AT = 8 };

bool finalize_attrs_due(Obj *o) {
    int left = ATTRS_LOOKED_AT;
    for (uint32_t i = 0; i < o->spare && left > 0; i++, left--)
        if (finalize_pending(instance_slots((ObjInstance *)o)[i])) return true;
    ObjDict *d = ((ObjInstance *)o)->dict;
    int64_t pos = 0;
    Value key, val;
    while (d && left-- > 0 && dict_next(d, &pos, &key, &val))
        if (finalize_pending(val)) return true;
    return false;
}

void finalize_note_order(VM *vm, Value v) {
    vm->fin_order.len = 0;
    int visits = DROP_VISITS;
    walk_dropped(vm, v, 0, &visits);
    if (visits < 0) vm->fin_order.len = 0;
}

bool finalize_stack_dropped(VM *vm, Value *lo, Value *hi, bool more) {
    bool due = false;
    int visits = DROP_VISITS;
    for (Value *v = hi; v > lo && visits >= 0;) {
        Value x = *--v;
        if (!finalize_drop_due(x)) continue;
        if (!more && !due) vm->fin_order.len = 0;
        walk_dropped(vm, x, 0, &visits);
        due = true;
    }
    if (visits < 0) vm->fin_order.len = 0;
    return due;
}

bool finalize_args_dropped(VM *vm, Value *args, int n) {
    bool due = false;
    int visits = DROP_VISITS;
    for (int i = 0; i < n && visits >= 0; i++) {
        if (!finalize_drop_due(args[i])) continue;
        if (!due) vm->fin_order.len = 0;
        walk_dropped(vm, args[i], 0, &visits);
        due = true;
    }
    if (visits < 0) vm->fin_order.len = 0;
    return due;
}

static bool may_hold_pending(Value v, int depth, int *visits);

/* An exception's args, and the variables of the frames its traceback
 * keeps: a function's (a private copy of its slots) or a class body's
 * namespace, not a module's globals, which live on anyway. */
static bool exc_may_hold_pending(ObjException *e, int depth, int *visits) {
    if (e->args && may_hold_pending(obj_val(e->args), depth + 1, visits)) return true;
    for (int32_t i = 0; i < e->ntb; i++) {
        FrameObj *f = e->tb[i].frame;
        if (!f || (is_obj(f->locals) && as_obj(f->locals) == (Obj *)f->globals)) continue;
        if (may_hold_pending(f->locals, depth + 1, visits)) return true;
    }
    return false;
}

/* Whether v may hold the last reference to an object to finalize: it is
 * one, or holds one a few levels deep, or is too big or too opaque (a native
 * object, say) to tell cheaply. Values that hold nothing are quickly out. */
static bool may_hold_pending(Value v, int depth, int *visits) {
    if (!is_obj(v)) return false;
    Obj *o = as_obj(v);
    switch ((ObjKind)o->kind) {
    case OBJ_STR: case OBJ_BYTES: case OBJ_BIGINT: case OBJ_FLOAT: case OBJ_COMPLEX: case OBJ_RANGE:
    case OBJ_CODE: case OBJ_CLASS: case OBJ_MODULE: case OBJ_NATIVE: case OBJ_FUNCTION:
        return false;
    default: break;
    }
    if (depth > DROP_DEPTH || --*visits < 0 || finalize_pending(v)) return true;
    ObjDict *d = NULL;
    switch ((ObjKind)o->kind) {
    case OBJ_LIST: case OBJ_TUPLE: {
        Value *items = o->kind == OBJ_LIST ? ((ObjList *)o)->items : ((ObjTuple *)o)->items;
        int64_t n = o->kind == OBJ_LIST ? ((ObjList *)o)->len : ((ObjTuple *)o)->len;
        for (int64_t i = 0; i < n; i++)
            if (may_hold_pending(items[i], depth + 1, visits)) return true;
        return false;
    }
    case OBJ_SET: {
        int64_t pos = 0;
        Value key;
        while (set_next((ObjSet *)o, &pos, &key))
            if (may_hold_pending(key, depth + 1, visits)) return true;
        return false;
    }
    case OBJ_CELL: return may_hold_pending(((ObjCell *)o)->v, depth + 1, visits);
    case OBJ_BOUND: return may_hold_pending(((ObjBound *)o)->self, depth + 1, visits);
    case OBJ_DICT: d = (ObjDict *)o; break;
    case OBJ_EXC:
        if (exc_may_hold_pending((ObjException *)o, depth, visits)) return true;
        d = ((ObjInstance *)o)->dict;
        break;
    case OBJ_INSTANCE:
        for (uint32_t i = 0; i < o->spare; i++)
            if (may_hold_pending(instance_slots((ObjInstance *)o)[i], depth + 1, visits)) return true;
        d = ((ObjInstance *)o)->dict;
        break;
    default: return true;
    }
    int64_t pos = 0;
    Value key, val;
    while (d && dict_next(d, &pos, &key, &val))
        if (may_hold_pending(key, depth + 1, visits) || may_hold_pending(val, depth + 1, visits)) return true;
    return false;
}

static bool frame_may_hold_pending(Frame *f, Value *sp) {
    if (f->locals) return true;     /* a class body or exec(): its namespace may go */
    int visits = DROP_VISITS;
    Value *own = f->slots + f->code->nlocals + f->code->ncells;
    for (Value *s = f->slots; s < own; s++)
        if (may_hold_pending(*s, 0, &visits)) return true;
    for (Value *s = frame_stack_base(f); s < sp; s++)
        if (may_hold_pending(*s, 0, &visits)) return true;
    return false;
}

enum { ITEMS_LOOKED_AT = 4096 };

bool finalize_items_dropped(VM *vm, Value container) {
    if (!finalize_wanted(vm)) return false;
    bool due = false;
    if (is_plain_kind(container, OBJ_LIST)) {
        ObjList *l = AS(ObjList, container);
        for (int64_t i = 0; i < l->len && i < ITEMS_LOOKED_AT && !due; i++) due = finalize_pending(l->items[i]);
    } else if (is_plain_kind(container, OBJ_DICT)) {
        int64_t pos = 0, n = 0;
        Value k, v;
        while (!due && n++ < ITEMS_LOOKED_AT && dict_next(AS(ObjDict, container), &pos, &k, &v))
            due = finalize_pending(k) || finalize_pending(v);
    }
    if (due) finalize_note_order(vm, container);
    return due;
}

bool finalize_exc_dropped(VM *vm, Value exc) {
    int visits = DROP_VISITS;
    if (!is_kind(exc, OBJ_EXC) || !may_hold_pending(exc, 0, &visits)) return false;
    finalize_note_order(vm, exc);
    return true;
}

void finalize_frame_drops(VM *vm, Frame *f, Value *sp) {
    /* (a generator's frame and the C caller's entry frame collect on
     * their own return paths too: interp.c's RETURN_VALUE) */
    if (frame_may_hold_pending(f, sp)) vm->fin_after_return = true;
}

/* The due objects that finalize_dropped noted go first, in its order. */
static void put_dropped_first(VM *vm) {
    FinList *due = &vm->fin_due, *order = &vm->fin_order;
    Obj **out = order->len ? malloc(due->len * sizeof *out) : NULL;
    if (out) {
        size_t n = 0;
        for (size_t k = 0; k < order->len; k++)
            if (among(due->items, due->len, order->items[k]) && !among(out, n, order->items[k])) out[n++] = order->items[k];
        size_t first = n;
        for (size_t i = 0; i < due->len; i++)
            if (!among(out, first, due->items[i])) out[n++] = due->items[i];
        for (size_t i = 0; i < n; i++) due->items[i] = out[i];
        free(out);
    }
    order->len = 0;
}

bool finalize_run(VM *vm) {
    if (vm->finalizing) return false;
    if (!vm->fin_due.len) { vm->fin_order.len = 0; return false; }
    vm->finalizing = true;      /* a collection inside a finalizer does not start another round */
    Value pending = vm->exc;
    vm->exc = UNDEF;
    /* What the program dropped first, as CPython's deallocation reaches it;
     * the rest in the order they were made, as refcounts mostly free them. */
    put_dropped_first(vm);
    bool watched = false;
    for (size_t i = 0; i < vm->fin_due.len; i++) {
        Obj *o = vm->fin_due.items[i];
        watched |= (o->kind == OBJ_INSTANCE || o->kind == OBJ_EXC) && (o->flags & INST_WEAKREFD);
        finalize_one(vm, o);
    }
    vm->fin_due.len = 0;
    vm->exc = pending;
    vm->finalizing = false;
    return watched;
}

void finalize_collect(VM *vm) {
    if (vm->finalizing) { vm->fin_order.len = 0; return; }
    if (vm->fin_budget < vm->bytes_allocated) {     /* spent: the ordinary schedule from now on */
        vm->fin_budget = 0;
        vm->fin_forcing = false;
        vm->fin_order.len = 0;
        return;
    }
    vm->fin_budget -= vm->bytes_allocated;
    vm->gc_forced = true;
    gc_collect(vm);
    vm->gc_forced = false;
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
    free(vm->fin_order.items);
    vm->fin_tracked = vm->fin_due = vm->fin_order = (FinList){0};
}
