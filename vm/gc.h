/* Memory: one allocation path that counts bytes, and a precise mark-sweep
 * collector that runs only at safe points (see vm.h). Every function here
 * that can fail returns NULL after raising MemoryError. */
#ifndef ASY_GC_H
#define ASY_GC_H

#include "vm.h"

/* A new object of `size` bytes (header included), zeroed but for the header. */
void *gc_new(VM *vm, size_t size, ObjKind kind, ObjClass *cls);
/* The same for a builtin layout whose class may be a Python subclass (set,
 * dict, tuple ... of class cls): marked OBJ_SUBTYPE for a class marked
 * CLASS_SUBTYPE. */
void *gc_new_instance(VM *vm, size_t size, ObjKind kind, ObjClass *cls);
/* gc_new for an object whose maker writes every byte past the first
 * `header` (a str's text): a large one is not zeroed first, which made
 * building a long string by repeated `+=` pay for each copy twice.
 * gc_new_large_unzeroed is its case for sizes above GC_SMALL_MAX. */
void *gc_new_large_unzeroed(VM *vm, size_t size, size_t header, ObjKind kind, ObjClass *cls);
/* Objects up to GC_SMALL_MAX bytes come from slabs (gc.c), zeroed anyway;
 * the test is inline so that a short string costs one call. */
#define GC_SMALL_MAX 256
static inline void *gc_new_unzeroed(VM *vm, size_t size, size_t header, ObjKind kind, ObjClass *cls) {
    return size <= GC_SMALL_MAX ? gc_new(vm, size, kind, cls) : gc_new_large_unzeroed(vm, size, header, kind, cls);
}

/* A subtype instance's attribute dict (see OBJ_SUBTYPE), kept in a map
 * beside the heap: NULL until made; _make makes it (NULL after
 * MemoryError). */
ObjDict *gc_subtype_dict(VM *vm, Obj *o);
ObjDict *gc_subtype_dict_make(VM *vm, Obj *o);
/* Replaces (or sets) a subtype instance's attribute dict; false after
 * MemoryError. */
bool gc_subtype_set_dict(VM *vm, Obj *o, ObjDict *d);

/* Sets alloc_watch from next_gc, GC stress and tracemalloc (vm.h). */
void gc_update_watch(VM *vm);

/* Buffers owned by objects (list items, dict tables): counted, not traced. */
void *gc_malloc(VM *vm, size_t size);
void *gc_realloc(VM *vm, void *p, size_t old_size, size_t new_size);
void gc_free(VM *vm, void *p, size_t size);

/* Overflow-checked n * size for array allocations; SIZE_MAX on overflow
 * (which every allocator here refuses). */
static inline size_t gc_array_size(size_t n, size_t size) {
    return (size && n > SIZE_MAX / size) ? SIZE_MAX : n * size;
}

/* Reserves n extra roots, all None, for native code that calls back into
 * script code; NULL after raising RecursionError when they run out. Release
 * them with vm_pop_roots(vm, n). */
Value *vm_roots_open(VM *vm, int n);

void gc_collect(VM *vm);
/* A collection that also returns how many of the objects it found dead
 * CPython's cycle collector would have found (gc_count_cyclic_garbage):
 * gc.collect()'s result. */
int64_t gc_collect_count(VM *vm);
static inline void gc_safepoint(VM *vm) {
    if (__builtin_expect(vm->gc_request, 0)) gc_collect(vm);
}

void gc_mark_value(VM *vm, Value v);
void gc_mark_obj(VM *vm, Obj *o);
/* The collector's own steps, shared with gc_cycles.c: marking o's
 * referents (or listing them to vm->gc_visit), and marking until no
 * marked object is left untraced. */
void gc_trace(VM *vm, Obj *o);
void gc_drain(VM *vm);

/* gc_cycles.c, between marking and sweeping. Whether o, unmarked, is on a
 * cycle of unmarked objects (a trial marking, undone); gc_keep_marked marks
 * o and all it reaches, so that this collection keeps them;
 * gc_count_cyclic_garbage counts the unmarked objects that reference
 * counting would not free (on or below a cycle) as CPython's gc.collect()
 * counts them. */
bool gc_in_garbage_cycle(VM *vm, Obj *o);
void gc_keep_marked(VM *vm, Obj *o);
int64_t gc_count_cyclic_garbage(VM *vm);

/* Frees every object (asy_free). */
void gc_free_all(VM *vm);

#endif
