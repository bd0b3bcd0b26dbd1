/* _heapq: heapq's list operations in C, as CPython has them (stdlib/heapq.asy
 * imports them over its own definitions, which stay for the documentation
 * and for merge/nlargest/nsmallest).
 *
 * The items move exactly as heapq.asy's do, since programs see the list's
 * layout. A comparison may run script code that changes the list: its size
 * is checked after each one (RuntimeError, as CPython's), and the items are
 * read again from the list, never kept in C across a comparison unless
 * rooted. */
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "modules.h"

/* a < b, or b < a for the max-heaps: 1, 0 or -1 after raising. */
static int less(VM *vm, Value a, Value b, bool max) {
    return max ? op_compare_bool(vm, CMP_LT, b, a) : op_compare_bool(vm, CMP_LT, a, b);
}

static bool changed(VM *vm, ObjList *heap, int64_t size) {
    if (heap->len == size) return false;
    exc_raise(vm, E_RuntimeError, "list changed size during iteration");
    return true;
}

/* The item at pos moves up towards startpos while it is less than its
 * parent (CPython's _siftdown). */
static bool sift_down(VM *vm, ObjList *heap, int64_t startpos, int64_t pos, bool max) {
    int64_t size = heap->len;
    while (pos > startpos) {
        int64_t parentpos = (pos - 1) >> 1;
        int c = less(vm, heap->items[pos], heap->items[parentpos], max);
        if (c < 0 || changed(vm, heap, size)) return false;
        if (!c) break;
        Value parent = heap->items[parentpos];
        heap->items[parentpos] = heap->items[pos];
        heap->items[pos] = parent;
        pos = parentpos;
    }
    return true;
}

/* The hole at pos walks down to a leaf along the smaller children (the
 * right one on ties), then the item there rises (CPython's _siftup). */
static bool sift_up(VM *vm, ObjList *heap, int64_t pos, bool max) {
    int64_t size = heap->len, startpos = pos, limit = size >> 1;
    while (pos < limit) {
        int64_t child = 2 * pos + 1;
        if (child + 1 < size) {
            int c = less(vm, heap->items[child], heap->items[child + 1], max);
            if (c < 0 || changed(vm, heap, size)) return false;
            child += !c;
        }
        Value v = heap->items[child];
        heap->items[child] = heap->items[pos];
        heap->items[pos] = v;
        pos = child;
    }
    return sift_down(vm, heap, startpos, pos, max);
}

/* The list argument: "f() argument 1 must be list" when more follow. */
static ObjList *heap_arg(VM *vm, Value v, const char *fname, bool numbered) {
    if (is_kind(v, OBJ_LIST)) return AS(ObjList, v);
    exc_raise(vm, E_TypeError, "%s() argument%s must be list, not %s", fname, numbered ? " 1" : "",
              is_none(v) ? "None" : type_of(vm, v)->name->data);
    return NULL;
}

/* The checks of CPython's one- and two-argument functions. */
static ObjList *one_arg(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *qual, const char *fname) {
    if (!args_no_kw(vm, qual, kw)) return NULL;
    if (nargs != 1) {
        exc_raise(vm, E_TypeError, "%s() takes exactly one argument (%d given)", qual, nargs);
        return NULL;
    }
    return heap_arg(vm, args[0], fname, false);
}

static ObjList *two_args(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *qual, const char *fname) {
    if (!args_no_kw(vm, qual, kw)) return NULL;
    if (nargs != 2) {
        exc_raise(vm, E_TypeError, "%s expected 2 arguments, got %d", fname, nargs);
        return NULL;
    }
    return heap_arg(vm, args[0], fname, true);
}

static Value push(VM *vm, Value *args, int nargs, ObjTuple *kw, bool max) {
    ObjList *heap = two_args(vm, args, nargs, kw, max ? "_heapq._heappush_max" : "_heapq.heappush",
                             max ? "_heappush_max" : "heappush");
    if (!heap || list_append(vm, heap, args[1]) < 0) return ERR;
    return sift_down(vm, heap, 0, heap->len - 1, max) ? NONE_VAL : ERR;
}

/* Puts item at the root and sifts it down: the old root, kept rooted
 * while the comparisons run. */
static Value replace_root(VM *vm, ObjList *heap, Value item, bool max) {
    Value top = heap->items[0];
    heap->items[0] = item;
    if (!vm_push_root(vm, top)) return ERR;
    bool ok = sift_up(vm, heap, 0, max);
    vm_pop_roots(vm, 1);
    return ok ? top : ERR;
}

/* Takes the last item and puts it at the root: the old root. */
static Value pop(VM *vm, Value *args, int nargs, ObjTuple *kw, bool max) {
    ObjList *heap = one_arg(vm, args, nargs, kw, max ? "_heapq._heappop_max" : "_heapq.heappop",
                            max ? "_heappop_max" : "heappop");
    if (!heap) return ERR;
    if (!heap->len) return exc_raise(vm, E_IndexError, "index out of range");
    Value last = heap->items[--heap->len];
    return heap->len ? replace_root(vm, heap, last, max) : last;
}

static Value replace(VM *vm, Value *args, int nargs, ObjTuple *kw, bool max) {
    ObjList *heap = two_args(vm, args, nargs, kw, max ? "_heapq._heapreplace_max" : "_heapq.heapreplace",
                             max ? "_heapreplace_max" : "heapreplace");
    if (!heap) return ERR;
    if (!heap->len) return exc_raise(vm, E_IndexError, "index out of range");
    return replace_root(vm, heap, args[1], max);
}

static Value heapify(VM *vm, Value *args, int nargs, ObjTuple *kw, bool max) {
    ObjList *heap = one_arg(vm, args, nargs, kw, max ? "_heapq._heapify_max" : "_heapq.heapify",
                            max ? "_heapify_max" : "heapify");
    if (!heap) return ERR;
    for (int64_t i = (heap->len >> 1) - 1; i >= 0; i--)
        if (!sift_up(vm, heap, i, max)) return ERR;
    return NONE_VAL;
}

static Value h_heappush(VM *vm, Value *args, int nargs, ObjTuple *kw) { return push(vm, args, nargs, kw, false); }
static Value h_heappop(VM *vm, Value *args, int nargs, ObjTuple *kw) { return pop(vm, args, nargs, kw, false); }
static Value h_heapreplace(VM *vm, Value *args, int nargs, ObjTuple *kw) { return replace(vm, args, nargs, kw, false); }
static Value h_heapify(VM *vm, Value *args, int nargs, ObjTuple *kw) { return heapify(vm, args, nargs, kw, false); }
static Value h_heappush_max(VM *vm, Value *args, int nargs, ObjTuple *kw) { return push(vm, args, nargs, kw, true); }
static Value h_heappop_max(VM *vm, Value *args, int nargs, ObjTuple *kw) { return pop(vm, args, nargs, kw, true); }
static Value h_heapreplace_max(VM *vm, Value *args, int nargs, ObjTuple *kw) { return replace(vm, args, nargs, kw, true); }
static Value h_heapify_max(VM *vm, Value *args, int nargs, ObjTuple *kw) { return heapify(vm, args, nargs, kw, true); }

/* heappushpop(heap, item): item itself when it is not above the root. */
static Value h_heappushpop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjList *heap = two_args(vm, args, nargs, kw, "_heapq.heappushpop", "heappushpop");
    if (!heap) return ERR;
    if (!heap->len) return args[1];
    int c = op_compare_bool(vm, CMP_LT, heap->items[0], args[1]);
    if (c <= 0) return c < 0 ? ERR : args[1];
    if (!heap->len) return exc_raise(vm, E_IndexError, "index out of range");
    return replace_root(vm, heap, args[1], false);
}

bool mod__heapq_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"heappush", h_heappush}, {"heappop", h_heappop}, {"heapreplace", h_heapreplace},
        {"heappushpop", h_heappushpop}, {"heapify", h_heapify}, {"_heappush_max", h_heappush_max},
        {"_heappop_max", h_heappop_max}, {"_heapreplace_max", h_heapreplace_max}, {"_heapify_max", h_heapify_max},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (!module_add_native(vm, m, fns[i].name, fns[i].fn)) return false;
    return true;
}
