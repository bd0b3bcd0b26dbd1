/* Cyclic garbage, as CPython's reference counting and cycle collector see
 * it. CPython frees an object the moment its last reference goes, unless
 * it sits on (or below) a reference cycle: then it waits for the cycle
 * collector, gc.collect() or its allocation schedule, whose result counts
 * such objects. Asy's collector finds all garbage at once; these helpers
 * tell the cyclic part apart (see gc.h). */
#include <stdlib.h>

#include "gc.h"
#include "object.h"

/* ---- one object: a trial marking ----------------------------------------- */

/* A trial marking (mark value 2) from o's referents, through objects not
 * marked yet; every object it marks is unmarked again before it returns.
 * It follows what gc_trace follows (the attribute dicts of builtin subclass
 * instances aside) and gives up past TRIAL_MAX objects. */
enum { TRIAL_MAX = 100000 };

bool gc_in_garbage_cycle(VM *vm, Obj *o) {
    Obj **seen = NULL;
    int64_t nseen = 0, cap = 0;
    bool cyclic = false, ok = true;
    vm->mark_value = 2;
    gc_trace(vm, o);
    while (vm->ngray > 0 && !cyclic && ok) {
        Obj *x = vm->gray[--vm->ngray];
        if (nseen == cap) {
            cap = cap ? cap * 2 : 64;
            Obj **g = cap <= TRIAL_MAX ? realloc(seen, (size_t)cap * sizeof *g) : NULL;
            if (!g) { ok = false; vm->gray[vm->ngray++] = x; break; }
            seen = g;
        }
        seen[nseen++] = x;
        cyclic = x == o;
        if (!cyclic) gc_trace(vm, x);
    }
    /* undo: what was traced, and what waits in the gray stack */
    for (int64_t i = 0; i < nseen; i++) seen[i]->marked = 0;
    while (vm->ngray > 0) vm->gray[--vm->ngray]->marked = 0;
    free(seen);
    vm->mark_value = 1;
    if (vm->gray_overflow) {    /* some trial marks were not queued: find them */
        vm->gray_overflow = false;
        for (Obj *p = vm->objects; p; p = p->gcnext)
            if (p->marked == 2) p->marked = 0;
        return false;
    }
    return cyclic && ok;
}

void gc_keep_marked(VM *vm, Obj *o) {
    gc_mark_obj(vm, o);
    gc_drain(vm);
}

/* ---- all garbage: what reference counting would leave ------------------- */

/* The unmarked objects that can hold references, each with its count of
 * references from the others (an open-addressing map by address). */
typedef struct Garbage {
    Obj **objs;
    int64_t *refs;
    int64_t n;
    int64_t *slot;      /* map: address -> index + 1, 0 empty */
    int64_t mask;
    Obj **queue;
    int64_t qlen;
} Garbage;

static bool holds_refs(Obj *o) {
    switch ((ObjKind)o->kind) {
    case OBJ_STR: case OBJ_BYTES: case OBJ_BIGINT: case OBJ_FLOAT: case OBJ_COMPLEX: case OBJ_BYTEARRAY:
        return false;
    default: return true;
    }
}

static int64_t find(const Garbage *g, Obj *o) {
    uint64_t h = ((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15u;
    for (int64_t i = (int64_t)(h & (uint64_t)g->mask);; i = (i + 1) & g->mask) {
        int64_t k = g->slot[i];
        if (!k) return -1;
        if (g->objs[k - 1] == o) return k - 1;
    }
}

static void insert(Garbage *g, Obj *o, int64_t idx) {
    uint64_t h = ((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15u;
    int64_t i = (int64_t)(h & (uint64_t)g->mask);
    while (g->slot[i]) i = (i + 1) & g->mask;
    g->slot[i] = idx + 1;
}

static void count_ref(VM *vm, Obj *o) {
    Garbage *g = vm->gc_visit_data;
    int64_t k = find(g, o);
    if (k >= 0) g->refs[k]++;
}

/* A referent of an object reference counting frees: one reference less. */
static void drop_ref(VM *vm, Obj *o) {
    Garbage *g = vm->gc_visit_data;
    int64_t k = find(g, o);
    if (k >= 0 && --g->refs[k] == 0) g->queue[g->qlen++] = o;
}

/* Whether CPython's result counts o: objects its collector tracks, but not
 * an instance's attribute dict, which 3.12 keeps inside the instance. */
static bool counted(Obj *o, const bool *is_owned_dict, int64_t k) {
    switch ((ObjKind)o->kind) {
    case OBJ_INSTANCE: case OBJ_EXC: case OBJ_LIST: case OBJ_SET: case OBJ_TUPLE: case OBJ_FUNCTION:
    case OBJ_CELL: case OBJ_BOUND: case OBJ_GEN: case OBJ_CLASS:
        return true;
    case OBJ_DICT: return !is_owned_dict[k];
    default: return false;
    }
}

int64_t gc_count_cyclic_garbage(VM *vm) {
    Garbage g = {0};
    for (Obj *o = vm->objects; o; o = o->gcnext) g.n += !o->marked && holds_refs(o);
    if (!g.n) return 0;
    int64_t size = 16;
    while (size < 2 * g.n) size *= 2;
    g.objs = malloc((size_t)g.n * sizeof *g.objs);
    g.refs = calloc((size_t)g.n, sizeof *g.refs);
    g.slot = calloc((size_t)size, sizeof *g.slot);
    g.queue = malloc((size_t)g.n * sizeof *g.queue);
    bool *owned = calloc((size_t)g.n, sizeof *owned);
    int64_t result = 0;
    if (!g.objs || !g.refs || !g.slot || !g.queue || !owned) goto done;
    g.mask = size - 1;
    int64_t n = 0;
    for (Obj *o = vm->objects; o; o = o->gcnext)
        if (!o->marked && holds_refs(o)) { g.objs[n] = o; insert(&g, o, n); n++; }
    /* references among the garbage */
    vm->gc_visit_data = &g;
    vm->gc_visit = count_ref;
    for (int64_t i = 0; i < g.n; i++) {
        Obj *o = g.objs[i];
        gc_trace(vm, o);
        if (o->kind == OBJ_INSTANCE && ((ObjInstance *)o)->dict) {
            int64_t k = find(&g, (Obj *)((ObjInstance *)o)->dict);
            if (k >= 0) owned[k] = true;
        }
    }
    /* what nothing else in the garbage refers to goes first, then what it
     * alone held, and so on: what is left is on or below a cycle */
    for (int64_t i = 0; i < g.n; i++)
        if (!g.refs[i]) g.queue[g.qlen++] = g.objs[i];
    vm->gc_visit = drop_ref;
    for (int64_t q = 0; q < g.qlen; q++) gc_trace(vm, g.queue[q]);
    vm->gc_visit = NULL;
    for (int64_t i = 0; i < g.n; i++)
        if (g.refs[i] > 0 && counted(g.objs[i], owned, i)) result++;
done:
    vm->gc_visit = NULL;
    free(g.objs); free(g.refs); free(g.slot); free(g.queue); free(owned);
    return result;
}
