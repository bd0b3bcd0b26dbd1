/* The allocator and the mark-sweep collector (see gc.h and vm.h).
 *
 * Every object is on one singly linked list (vm->objects). A collection marks
 * from the roots with an explicit gray stack (no C recursion, so deep
 * structures cannot overflow the C stack), drops unmarked interned strings,
 * then sweeps the list. The next collection is due when the heap has grown to
 * twice what survived. */
#include "gc.h"

#include <stdlib.h>

#include "exc.h"
#include "containers.h"
#include "builtins.h"
#include "gen.h"
#include "finalize.h"
#include "gil.h"
#include "pool.h"
#include "interp.h"
#include "memtrace.h"
#include "scheduler.h"
#include "str.h"
#include "trace.h"
#include "weakref.h"

static size_t obj_size(Obj *o) {
    switch ((ObjKind)o->kind) {
    case OBJ_STR:
        return sizeof(ObjStr) + ((o->flags & STR_SIZED) ? (size_t)o->spare : (size_t)((ObjStr *)o)->len) + 1;
    case OBJ_BYTES: return sizeof(ObjBytes) + (size_t)((ObjBytes *)o)->len + 1;
    case OBJ_TUPLE: return sizeof(ObjTuple) + (size_t)((ObjTuple *)o)->len * sizeof(Value);
    case OBJ_BIGINT: return sizeof(ObjBigInt);
    case OBJ_LIST: return sizeof(ObjList);
    case OBJ_DICT: return sizeof(ObjDict);
    case OBJ_SET: return sizeof(ObjSet);
    case OBJ_RANGE: return o->flags & RANGE_BIG ? sizeof(ObjBigRange) : sizeof(ObjRange);
    case OBJ_SLICE: return sizeof(ObjSlice);
    case OBJ_FUNCTION: return sizeof(ObjFunction);
    case OBJ_NATIVE: return sizeof(ObjNative);
    case OBJ_BOUND: return sizeof(ObjBound);
    case OBJ_CODE: return sizeof(ObjCode);
    case OBJ_CELL: return sizeof(ObjCell);
    case OBJ_CLASS: return sizeof(ObjClass);
    case OBJ_INSTANCE: return sizeof(ObjInstance) + o->spare * sizeof(Value);
    case OBJ_EXC: return sizeof(ObjException);
    case OBJ_MODULE: return sizeof(ObjModule);
    case OBJ_ITER: return sizeof(ObjIter);
    case OBJ_PROPERTY: return sizeof(ObjProperty);
    case OBJ_WRAPPER: return sizeof(ObjWrapper);
    case OBJ_BYTEARRAY: return sizeof(ObjByteArray);
    case OBJ_GEN: return sizeof(ObjGen) + ((ObjGen *)o)->frame_words * sizeof(Value);
    case OBJ_CDATA: return o->cls->ctype->size;
    case OBJ_FLOAT: return sizeof(ObjFloat);
    case OBJ_COMPLEX: return sizeof(ObjComplex);
    case OBJ_KIND_COUNT: break;
    }
    return 0;
}

/* No single object may exceed this: absurd requests fail at once with
 * MemoryError (and never reach malloc, which sanitizers would abort on). */
#define GC_MAX_OBJECT ((size_t)1 << 40)

static bool over_limit(VM *vm, size_t size) {
    if (size >= GC_MAX_OBJECT) return true;
    return vm->cfg.memory_limit && vm->bytes_allocated + size > vm->cfg.memory_limit;
}

void gc_update_watch(VM *vm) {
    vm->alloc_watch = vm->cfg.gc_stress || vm->memtrace ? 0 : vm->next_gc;
}

/* Past alloc_watch: a collection is due, or every allocation is watched
 * (GC stress, tracemalloc). */
static __attribute__((noinline)) void note_watched(VM *vm, const void *old, const void *p, size_t size) {
    if (vm->bytes_allocated > vm->next_gc || vm->cfg.gc_stress) vm->gc_request = true;
    if (vm->memtrace) memtrace_note(vm, old, p, size);
}

/* Counts the bytes of block p (moved from old, or new when old is NULL):
 * one comparison unless watched. */
static inline void note_alloc(VM *vm, const void *old, const void *p, size_t size) {
    vm->bytes_allocated += size;
    if (__builtin_expect(vm->bytes_allocated > vm->alloc_watch, 0)) note_watched(vm, old, p, size);
}

/* ---- small objects ------------------------------------------------------
 * Objects up to 256 bytes come from 64 KiB slabs in 16-byte size classes,
 * and freed ones go back to their class's free list: no malloc per object in
 * the steady state. Sanitizer builds use malloc for everything, so that ASan
 * still sees each object's lifetime (a missing root shows as a use after
 * free). */

#define SMALL_MAX GC_SMALL_MAX
#define SLAB_BYTES 65536
#if defined(ASY_SANITIZE) || defined(ASY_FUZZ)
#define USE_SLABS 0
#else
#define USE_SLABS 1
#endif

static void *small_alloc(VM *vm, size_t size) {
    size_t c = (size + 15) >> 4, bytes = c << 4;
    void *p = vm->freelist[c];
    if (p) {
        vm->freelist[c] = *(void **)p;
    } else {
        if (vm->slab_left < bytes) {
            char *slab = malloc(SLAB_BYTES);
            if (!slab) return NULL;
            *(void **)slab = vm->slabs;
            vm->slabs = slab;
            vm->slab_ptr = slab + 16;
            vm->slab_left = SLAB_BYTES - 16;
        }
        p = vm->slab_ptr;
        vm->slab_ptr += bytes;
        vm->slab_left -= bytes;
    }
    memset(p, 0, bytes);
    return p;
}

static void small_free(VM *vm, void *p, size_t size) {
    size_t c = (size + 15) >> 4;
    *(void **)p = vm->freelist[c];
    vm->freelist[c] = p;
}

static void *obj_alloc(VM *vm, size_t size) {
    if (USE_SLABS && size <= SMALL_MAX) return small_alloc(vm, size);
    return calloc(1, size);
}

static void obj_release(VM *vm, void *p, size_t size) {
    if (USE_SLABS && size <= SMALL_MAX) small_free(vm, p, size);
    else free(p);
}

/* Links a fresh block into the heap as an object, or raises MemoryError
 * for a NULL one. */
static inline __attribute__((always_inline)) void *gc_adopt(VM *vm, Obj *o, size_t size, ObjKind kind, ObjClass *cls) {
    if (!o) {
        exc_nomem(vm);
        return NULL;
    }
    o->cls = cls;
    o->kind = (uint8_t)kind;
    o->gcnext = vm->objects;
    vm->objects = o;
    note_alloc(vm, NULL, o, size);
    return o;
}

void *gc_new(VM *vm, size_t size, ObjKind kind, ObjClass *cls) {
    return gc_adopt(vm, over_limit(vm, size) ? NULL : obj_alloc(vm, size), size, kind, cls);
}

void *gc_new_large_unzeroed(VM *vm, size_t size, size_t header, ObjKind kind, ObjClass *cls) {
    Obj *o = over_limit(vm, size) ? NULL : malloc(size);
    if (o) memset(o, 0, header);
    return gc_adopt(vm, o, size, kind, cls);
}

void *gc_new_instance(VM *vm, size_t size, ObjKind kind, ObjClass *cls) {
    Obj *o = gc_new(vm, size, kind, cls);
    if (o && (cls->obj.flags & CLASS_SUBTYPE)) o->flags = OBJ_SUBTYPE;
    return o;
}

/* ---- the attribute dicts of subtype instances ----------------------------
 * Kept aside, so that neither their objects' sizes nor the sweep change:
 * after marking, a dict is marked when its object is, and entries of dead
 * objects are dropped before the sweep frees them. */

static size_t sub_probe(VM *vm, Obj *o) {
    size_t mask = (size_t)vm->subcap - 1, i = (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull) & mask;
    while (vm->subkeys[i] && vm->subkeys[i] != o) i = (i + 1) & mask;
    return i;
}

ObjDict *gc_subtype_dict(VM *vm, Obj *o) {
    if (!vm->nsub) return NULL;
    return vm->subvals[sub_probe(vm, o)];
}

/* Rebuilds the map with room for `cap` entries, keeping those whose object
 * `keep` accepts (all, or the marked ones). */
static bool sub_rebuild(VM *vm, int64_t cap, bool marked_only) {
    Obj **keys = calloc((size_t)cap, sizeof *keys);
    ObjDict **vals = calloc((size_t)cap, sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return false;
    }
    Obj **oldk = vm->subkeys;
    ObjDict **oldv = vm->subvals;
    int64_t oldcap = vm->subcap;
    vm->subkeys = keys;
    vm->subvals = vals;
    vm->subcap = cap;
    vm->nsub = 0;
    for (int64_t i = 0; i < oldcap; i++) {
        if (!oldk[i] || (marked_only && !oldk[i]->marked)) continue;
        size_t j = sub_probe(vm, oldk[i]);
        keys[j] = oldk[i];
        vals[j] = oldv[i];
        vm->nsub++;
    }
    free(oldk);
    free(oldv);
    return true;
}

/* Without memory for a new table: deletes the dead objects' entries where
 * they are (linear probing's backward shift), pass after pass until none
 * is left, since a shift may carry one to a place already passed. */
static void sub_prune_in_place(VM *vm) {
    size_t mask = (size_t)vm->subcap - 1;
    for (bool again = true; again;) {
        again = false;
        for (size_t i = 0; i <= mask; i++) {
            if (!vm->subkeys[i] || vm->subkeys[i]->marked) continue;
            again = true;
            vm->nsub--;
            size_t hole = i;
            vm->subkeys[hole] = NULL;
            vm->subvals[hole] = NULL;
            for (size_t j = (hole + 1) & mask; vm->subkeys[j]; j = (j + 1) & mask) {
                size_t home = (size_t)(((uintptr_t)vm->subkeys[j] >> 4) * 0x9E3779B97F4A7C15ull) & mask;
                /* stays if its home lies cyclically in (hole, j] */
                bool stays = hole < j ? (home > hole && home <= j) : (home > hole || home <= j);
                if (stays) continue;
                vm->subkeys[hole] = vm->subkeys[j];
                vm->subvals[hole] = vm->subvals[j];
                vm->subkeys[j] = NULL;
                vm->subvals[j] = NULL;
                hole = j;
            }
        }
    }
}

ObjDict *gc_subtype_dict_make(VM *vm, Obj *o) {
    ObjDict *d = gc_subtype_dict(vm, o);
    if (d) return d;
    if ((vm->nsub + 1) * 2 > vm->subcap && !sub_rebuild(vm, vm->subcap ? vm->subcap * 2 : 16, false)) {
        exc_nomem(vm);
        return NULL;
    }
    d = dict_new(vm);
    if (!d) return NULL;
    size_t i = sub_probe(vm, o);
    vm->subkeys[i] = o;
    vm->subvals[i] = d;
    vm->nsub++;
    return d;
}

bool gc_subtype_set_dict(VM *vm, Obj *o, ObjDict *d) {
    if (vm->nsub) {
        size_t i = sub_probe(vm, o);
        if (vm->subkeys[i] == o) {
            vm->subvals[i] = d;
            return true;
        }
    }
    if ((vm->nsub + 1) * 2 > vm->subcap && !sub_rebuild(vm, vm->subcap ? vm->subcap * 2 : 16, false)) {
        exc_nomem(vm);
        return false;
    }
    size_t i = sub_probe(vm, o);
    vm->subkeys[i] = o;
    vm->subvals[i] = d;
    vm->nsub++;
    return true;
}

void *gc_malloc(VM *vm, size_t size) {
    return gc_realloc(vm, NULL, 0, size);
}

void *gc_realloc(VM *vm, void *p, size_t old_size, size_t new_size) {
    uintptr_t was = (uintptr_t)p;     /* (p may be freed below) */
    if (new_size > old_size && over_limit(vm, new_size - old_size)) goto fail;
    void *q;
    if (USE_SLABS && (old_size <= SMALL_MAX || new_size <= SMALL_MAX)) {
        /* Small buffers live in the slabs too: move between the two worlds. */
        if (p && old_size <= SMALL_MAX && new_size <= SMALL_MAX && ((old_size + 15) >> 4) == ((new_size + 15) >> 4))
            return p;
        q = obj_alloc(vm, new_size ? new_size : 1);
        if (!q) goto fail;
        if (p) {
            memcpy(q, p, old_size < new_size ? old_size : new_size);
            obj_release(vm, p, old_size);
        }
    } else {
        q = realloc(p, new_size ? new_size : 1);
        if (!q) goto fail;
    }
    vm->bytes_allocated -= old_size;
    note_alloc(vm, (const void *)was, q, new_size);    /* (the old address, as a key only) */
    return q;
fail:
    exc_nomem(vm);
    return NULL;
}

void gc_free(VM *vm, void *p, size_t size) {
    if (!p) return;
    if (__builtin_expect(vm->memtrace != NULL, 0)) memtrace_forget(vm, p);
    obj_release(vm, p, size);
    vm->bytes_allocated -= size;
}

bool vm_roots_exhausted(VM *vm) {
    exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    return false;
}

Value *vm_roots_open(VM *vm, int n) {
    if (vm->nroots + n > ROOTS_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
        return NULL;
    }
    Value *r = &vm->roots[vm->nroots];
    for (int i = 0; i < n; i++) vm->roots[vm->nroots++] = NONE_VAL;
    return r;
}

/* ---- marking ----------------------------------------------------------- */

void gc_mark_obj(VM *vm, Obj *o) {
    if (vm->gc_visit) {     /* gc_trace used to list o's referents (gc_cycles.c) */
        if (o) vm->gc_visit(vm, o);
        return;
    }
    if (!o || o->marked) return;
    o->marked = vm->mark_value;
    if (vm->ngray == vm->graycap) {
        int64_t cap = vm->graycap ? vm->graycap * 2 : 256;
        Obj **g = realloc(vm->gray, (size_t)cap * sizeof *g);
        if (!g) {
            /* No room to queue it: it stays marked but untraced, and
             * gc_collect rescans the heap for such objects afterwards. */
            vm->gray_overflow = true;
            return;
        }
        vm->gray = g;
        vm->graycap = cap;
    }
    vm->gray[vm->ngray++] = o;
}

void gc_mark_value(VM *vm, Value v) {
    if (is_obj(v)) gc_mark_obj(vm, as_obj(v));
}

static void mark_values(VM *vm, const Value *v, int64_t n) {
    for (int64_t i = 0; i < n; i++) gc_mark_value(vm, v[i]);
}

#define MARK(p) gc_mark_obj(vm, (Obj *)(p))

/* Objects that hold others weakly: a class's list of subclasses, a
 * SET_WEAK set and a code object's attribute caches (which would otherwise
 * keep every class seen at a call site alive) are marked but their
 * members are not traced; prune_weak drops the unmarked members before the
 * sweep, and the cache entries that name one. (Without room to remember
 * the holder, its members are marked as usual.) */
static bool hold_weakly(VM *vm, Obj *holder) {
    if (vm->gc_visit) return false;     /* listing referents: all of them */
    if (vm->nweak_holders == vm->weak_holders_cap) {
        int64_t cap = vm->weak_holders_cap ? vm->weak_holders_cap * 2 : 64;
        Obj **w = realloc(vm->weak_holders, (size_t)cap * sizeof *w);
        if (!w) return false;
        vm->weak_holders = w;
        vm->weak_holders_cap = cap;
    }
    vm->weak_holders[vm->nweak_holders++] = holder;
    return true;
}

static void mark_subclasses(VM *vm, ObjClass *c) {
    ObjList *l = c->subclasses;
    if (!l) return;
    if (hold_weakly(vm, &c->obj)) l->obj.marked = vm->mark_value;
    else MARK(l);
}

static void prune_weak(VM *vm) {
    for (int64_t i = 0; i < vm->nweak_holders; i++) {
        Obj *o = vm->weak_holders[i];
        if (o->kind == OBJ_CODE) {
            ObjCode *c = (ObjCode *)o;
            for (int k = 0; k < c->nattrcaches; k++) {
                AttrCache *a = &c->attrcaches[k];
                if ((a->cls && !a->cls->obj.marked) || (is_obj(a->value) && !as_obj(a->value)->marked)) {
                    a->cls = NULL;
                    a->value = UNDEF;
                }
            }
        } else if (o->kind == OBJ_CLASS) {
            ObjList *l = ((ObjClass *)o)->subclasses;
            int64_t n = 0;
            for (int64_t k = 0; k < l->len; k++)
                if (as_obj(l->items[k])->marked) l->items[n++] = l->items[k];
            l->len = n;
        } else {
            /* a dead member's slot becomes a deleted one, as set.discard */
            ObjSet *s = (ObjSet *)o;
            for (int64_t k = 0; s->table && k <= s->mask; k++) {
                Value v = s->table[k].key;
                if (v == UNDEF || v == ERR || !is_obj(v) || as_obj(v)->marked) continue;
                s->table[k].key = ERR;
                s->table[k].hash = UINT64_MAX;
                s->used--;
            }
        }
    }
    vm->nweak_holders = 0;
}

static void blacken_code(VM *vm, ObjCode *c) {
    mark_values(vm, c->consts, c->nconsts);
    for (int i = 0; i < c->nnames; i++) MARK(c->names[i]);
    for (int i = 0; i < c->nlocals; i++) MARK(c->varnames[i]);
    for (int i = 0; i < c->ncells + c->nfrees; i++) MARK(c->cellnames[i]);
    if (c->nattrcaches && !hold_weakly(vm, &c->obj)) {
        for (int i = 0; i < c->nattrcaches; i++) {
            MARK(c->attrcaches[i].cls);
            gc_mark_value(vm, c->attrcaches[i].value);
        }
    }
    MARK(c->name);
    MARK(c->qualname);
    MARK(c->filename);
}

void gc_trace(VM *vm, Obj *o) {
    MARK(o->cls);
    switch ((ObjKind)o->kind) {
    case OBJ_STR: case OBJ_BYTES: case OBJ_BIGINT: case OBJ_BYTEARRAY: case OBJ_FLOAT:
    case OBJ_COMPLEX: case OBJ_KIND_COUNT:
        break;
    case OBJ_RANGE:
        if (o->flags & RANGE_BIG) MARK(((ObjBigRange *)o)->vals);
        break;
    case OBJ_LIST: mark_values(vm, ((ObjList *)o)->items, ((ObjList *)o)->len); break;
    case OBJ_TUPLE: mark_values(vm, ((ObjTuple *)o)->items, ((ObjTuple *)o)->len); break;
    case OBJ_DICT: {
        ObjDict *d = (ObjDict *)o;
        for (int64_t i = 0; i < d->nentries; i++) {
            if (d->entries[i].key == UNDEF) continue;
            gc_mark_value(vm, d->entries[i].key);
            gc_mark_value(vm, d->entries[i].value);
        }
        break;
    }
    case OBJ_SET: {
        ObjSet *s = (ObjSet *)o;
        if (!s->table || ((o->flags & SET_WEAK) && hold_weakly(vm, o))) break;
        for (int64_t i = 0; i <= s->mask; i++) {
            Value k = s->table[i].key;
            if (k != UNDEF && k != ERR) gc_mark_value(vm, k);
        }
        break;
    }
    case OBJ_SLICE: {
        ObjSlice *s = (ObjSlice *)o;
        gc_mark_value(vm, s->start); gc_mark_value(vm, s->stop); gc_mark_value(vm, s->step);
        break;
    }
    case OBJ_FUNCTION: {
        ObjFunction *f = (ObjFunction *)o;
        MARK(f->code); MARK(f->globals); MARK(f->defaults); MARK(f->kwdefaults);
        MARK(f->closure); MARK(f->name); MARK(f->qualname); MARK(f->dict); MARK(f->annotations);
        gc_mark_value(vm, f->doc); gc_mark_value(vm, f->module);
        break;
    }
    case OBJ_NATIVE: {
        ObjNative *n = (ObjNative *)o;
        MARK(n->name); gc_mark_value(vm, n->self); gc_mark_value(vm, n->data); gc_mark_value(vm, n->module);
        if (n->owner) MARK(n->owner);
        break;
    }
    case OBJ_BOUND: gc_mark_value(vm, ((ObjBound *)o)->self); gc_mark_value(vm, ((ObjBound *)o)->func); break;
    case OBJ_CODE: blacken_code(vm, (ObjCode *)o); break;
    case OBJ_CELL: gc_mark_value(vm, ((ObjCell *)o)->v); break;
    case OBJ_CLASS: {
        ObjClass *c = (ObjClass *)o;
        MARK(c->name); MARK(c->qualname); MARK(c->tp_name); gc_mark_value(vm, c->module);
        MARK(c->bases); MARK(c->mro); MARK(c->dict);
        gc_mark_value(vm, c->ctor);
        gc_mark_value(vm, c->init);
        gc_mark_value(vm, c->new_fn);
        mark_subclasses(vm, c);
        MARK(c->slots);
        break;
    }
    case OBJ_EXC: {
        ObjException *e = (ObjException *)o;
        MARK(e->args); MARK(e->group); MARK(e->scope); MARK(e->oserr); gc_mark_value(vm, e->cause); gc_mark_value(vm, e->context);
        for (int i = 0; i < e->ntb; i++) { MARK(e->tb[i].code); MARK(e->tb[i].at); MARK(e->tb[i].frame); MARK(e->tb[i].obj); }
        MARK(e->comp_code);
    }
        /* an exception is also an instance */
        __attribute__((fallthrough));
    case OBJ_INSTANCE:
        MARK(((ObjInstance *)o)->dict);
        if (o->spare && o->kind == OBJ_INSTANCE) mark_values(vm, instance_slots((ObjInstance *)o), o->spare);
        break;
    case OBJ_MODULE: MARK(((ObjModule *)o)->name); MARK(((ObjModule *)o)->dict); break;
    case OBJ_ITER: {
        ObjIter *it = (ObjIter *)o;
        gc_mark_value(vm, it->a); gc_mark_value(vm, it->b); gc_mark_value(vm, it->c);
        break;
    }
    case OBJ_PROPERTY: {
        ObjProperty *p = (ObjProperty *)o;
        gc_mark_value(vm, p->fget); gc_mark_value(vm, p->fset);
        gc_mark_value(vm, p->fdel); gc_mark_value(vm, p->doc);
        gc_mark_value(vm, p->name);
        break;
    }
    case OBJ_WRAPPER: gc_mark_value(vm, ((ObjWrapper *)o)->v); break;
    case OBJ_GEN: gen_mark(vm, (ObjGen *)o); break;
    case OBJ_CDATA: if (o->cls->ctype->mark) o->cls->ctype->mark(vm, o); break;
    }
}

static void mark_roots(VM *vm) {
    for (int i = 0; i < T_COUNT; i++) MARK(vm->types[i]);
    for (int i = 0; i < E_COUNT; i++) MARK(vm->exc_types[i]);
    for (int i = 0; i < N_COUNT; i++) MARK(vm->names[i]);
    for (int i = 0; i < 128; i++) MARK(vm->char_strs[i]);
    MARK(vm->empty_str);
    MARK(vm->empty_tuple);
    MARK(vm->builtins);
    MARK(vm->modules);
    MARK(vm->standard_apart);
    MARK(vm->main_module);
    gc_mark_value(vm, vm->sys_argv);
    gc_mark_value(vm, vm->signal_handlers);
    gc_mark_value(vm, vm->prof_func);
    trace_mark(vm);
    gc_mark_value(vm, vm->exc);
    gc_mark_value(vm, vm->memory_error);
    gc_mark_value(vm, vm->context);
    for (int i = 0; i < CONTEXT_NTYPES; i++) MARK(vm->context_types[i]);
    for (int i = 0; i < 4; i++) MARK(vm->modspec_types[i]);
    mark_values(vm, vm->roots, vm->nroots);
    mark_values(vm, vm->getset_fns, 4);
    for (Fiber *f = vm->fibers; f; f = f->next_fiber) fiber_mark(vm, f);
    gil_mark(vm);
    finalize_mark(vm);
    weakref_mark(vm);
    pool_mark(vm);
    sched_mark(vm);
}

static void gc_free_object(VM *vm, Obj *o);

static void sweep(VM *vm) {
    bool traced = vm->memtrace != NULL;     /* (tracemalloc: read once, not per object) */
    Obj **link = &vm->objects;
    while (*link) {
        Obj *o = *link;
        if (o->marked) {
            o->marked = 0;
            link = &o->gcnext;
            continue;
        }
        *link = o->gcnext;
        if (__builtin_expect(traced, 0)) memtrace_forget(vm, o);
        gc_free_object(vm, o);
    }
}

/* Blackens gray objects until none is left. */
static void drain(VM *vm) {
    while (vm->ngray > 0) gc_trace(vm, vm->gray[--vm->ngray]);
    while (vm->gray_overflow) {
        vm->gray_overflow = false;
        for (Obj *o = vm->objects; o; o = o->gcnext) {
            if (!o->marked) continue;
            gc_trace(vm, o);
            while (vm->ngray > 0) gc_trace(vm, vm->gray[--vm->ngray]);
        }
    }
}

/* Marks the attribute dicts of marked subtype instances; true if any was
 * not marked yet (they may lead to more). */
static bool mark_subtype_dicts(VM *vm) {
    bool more = false;
    for (int64_t i = 0; i < vm->subcap; i++) {
        Obj *k = vm->subkeys[i];
        if (k && k->marked && !vm->subvals[i]->obj.marked) {
            MARK(vm->subvals[i]);
            more = true;
        }
    }
    return more;
}

void gc_drain(VM *vm) {
    do drain(vm);
    while (vm->nsub && mark_subtype_dicts(vm));
}


void gc_collect(VM *vm) {
    vm->gc_request = false;
    vm->files_since_gc = 0;
    mark_roots(vm);
    gc_drain(vm);
    if (vm->gc_counted == -2) vm->gc_counted = gc_count_cyclic_garbage(vm);
    /* Futures with unseen exceptions about to die are kept to be reported,
     * and generators with finally blocks to run, to be closed. */
    sched_before_sweep(vm);
    finalize_before_sweep(vm);
    gc_drain(vm);
    sched_prune_agens(vm);      /* held weakly: those about to be freed go */
    /* The dead objects' attribute dicts go with them. */
    if (vm->nsub && !sub_rebuild(vm, vm->subcap, true)) sub_prune_in_place(vm);
    prune_weak(vm);
    weakref_before_sweep(vm);   /* after all marking: what is unmarked now dies */
    if (vm->ntrace_recs) trace_sweep(vm);
    str_sweep_interned(vm);
    str_cursors_forget();      /* before the sweep: freed addresses may come back */
    sweep(vm);
    size_t next = vm->bytes_allocated * 2;
    vm->next_gc = next > vm->cfg.gc_initial ? next : vm->cfg.gc_initial;
    gc_update_watch(vm);
    if (vm->pending_warnings) vm_flush_warnings(vm);    /* (runs the warnings module) */
    bool watched = finalize_run(vm);
    weakref_run_callbacks(vm);
    if (watched) gc_collect(vm);    /* clears the refs to what __del__ left dead */
}

int64_t gc_collect_count(VM *vm) {
    vm->gc_counted = -2;        /* asks gc_collect to count */
    vm->gc_explicit = true;
    size_t ran = vm->fin_ran;
    gc_collect(vm);
    int64_t n = vm->gc_counted < 0 ? 0 : vm->gc_counted;
    vm->gc_counted = -1;
    /* CPython frees what it finalized in the same run, unless __del__
     * revived it; the next count must not see those objects again */
    if (vm->fin_ran != ran) gc_collect(vm);
    vm->gc_explicit = false;
    return n;
}

/* ---- freeing ----------------------------------------------------------- */

static void free_code(ObjCode *c) {
    free(c->ins); free(c->consts); free(c->names); free(c->varnames);
    free(c->cellnames); free(c->cell2arg); free(c->lines); free(c->exc);
    free(c->caches); free(c->attrcaches); free(c->trace_orig); free(c->trace_line);
}

static void gc_free_object(VM *vm, Obj *o) {
    switch ((ObjKind)o->kind) {
    case OBJ_LIST: gc_free(vm, ((ObjList *)o)->items, (size_t)((ObjList *)o)->cap * sizeof(Value)); break;
    case OBJ_DICT:
        dict_free_table(vm, (ObjDict *)o);
        break;
    case OBJ_SET: {
        ObjSet *s = (ObjSet *)o;
        if (s->table) gc_free(vm, s->table, (size_t)(s->mask + 1) * sizeof(SetEntry));
        break;
    }
    case OBJ_BIGINT:
        if (!(o->flags & BIGINT_WIDE)) mp_clear(&((ObjBigInt *)o)->n);
        break;
    case OBJ_CODE: free_code((ObjCode *)o); break;
    case OBJ_EXC: free(((ObjException *)o)->tb); break;
    case OBJ_BYTEARRAY: gc_free(vm, ((ObjByteArray *)o)->data, (size_t)((ObjByteArray *)o)->cap); break;
    case OBJ_GEN: gen_free(vm, (ObjGen *)o); break;
    case OBJ_ITER: file_release(o); break;
    case OBJ_CDATA: if (o->cls->ctype->free) o->cls->ctype->free(vm, o); break;
    default: break;
    }
    size_t size = obj_size(o);
    vm->bytes_allocated -= size;
    obj_release(vm, o, size);
}

void gc_free_all(VM *vm) {
    str_cursors_forget();
    Obj *o = vm->objects;
    while (o) {
        Obj *next = o->gcnext;
        gc_free_object(vm, o);
        o = next;
    }
    vm->objects = NULL;
    while (vm->slabs) {
        void *next = *(void **)vm->slabs;
        free(vm->slabs);
        vm->slabs = next;
    }
    free(vm->gray);
    vm->gray = NULL;
    free(vm->weak_holders);
    vm->weak_holders = NULL;
    vm->nweak_holders = vm->weak_holders_cap = 0;
    vm->ngray = vm->graycap = 0;
    free(vm->subkeys);
    free(vm->subvals);
    vm->subkeys = NULL;
    vm->subvals = NULL;
    vm->nsub = vm->subcap = 0;
}
