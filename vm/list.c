/* list: a growable array of values, and its methods. */
#include <stdlib.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "finalize.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"

ObjList *list_new(VM *vm, int64_t cap) {
    ObjList *l = gc_new(vm, sizeof(ObjList), OBJ_LIST, vm->types[T_LIST]);
    if (!l) return NULL;
    if (cap > 0) {
        l->items = gc_malloc(vm, gc_array_size((size_t)cap, sizeof(Value)));
        if (!l->items) return NULL;
        l->cap = cap;
    }
    return l;
}

ObjList *list_from(VM *vm, const Value *items, int64_t n) {
    ObjList *l = list_new(vm, n);
    if (!l) return NULL;
    if (n) copy_values(l->items, items, n);
    l->len = n;
    return l;
}

/* Sets the buffer to hold exactly cap items (cap >= len). A shrink that
 * fails keeps the old buffer. */
static bool list_set_cap(VM *vm, ObjList *l, int64_t cap) {
    if (cap == l->cap) return true;
    if (cap == 0) {
        if (l->obj.flags & LIST_SORTING) return true;
        gc_free(vm, l->items, (size_t)l->cap * sizeof(Value));
        l->items = NULL;
        l->cap = 0;
        return true;
    }
    Value *items = gc_realloc(vm, l->items, (size_t)l->cap * sizeof(Value), gc_array_size((size_t)cap, sizeof(Value)));
    if (!items) {
        if (cap > l->cap) return false;
        vm->exc = UNDEF;
        return true;
    }
    l->items = items;
    l->cap = cap;
    return true;
}

/* Room for `need` items by CPython's rule for resizing a list, so that
 * sys.getsizeof() sees the capacity CPython's list would have: nothing
 * changes while need lies between half the capacity and all of it; past
 * that the capacity becomes need plus an eighth plus 6, rounded down to a
 * multiple of 4 (or need rounded up to one, when that is too little for a
 * big jump), and 0 for an empty list. Growth by an eighth keeps appending
 * amortized O(1). */
static bool list_fit(VM *vm, ObjList *l, int64_t need) {
    if (need <= l->cap && need >= (l->cap >> 1)) return true;
    int64_t cap = need;
    if (need < INT64_MAX / 2) {
        cap = (need + (need >> 3) + 6) & ~(int64_t)3;
        if (need - l->len > cap - need) cap = (need + 3) & ~(int64_t)3;
    }
    return list_set_cap(vm, l, need == 0 ? 0 : cap);
}

static bool list_reserve(VM *vm, ObjList *l, int64_t need) {
    return need <= l->cap || list_fit(vm, l, need);
}

/* After items were removed: the buffer shrinks once less than half is used. */
static void list_shrunk(VM *vm, ObjList *l) {
    if (l->len < (l->cap >> 1)) list_fit(vm, l, l->len);
}

/* A list with no buffer that is filled with about n items gets exactly n
 * rounded up to even, as CPython preallocates it. */
static bool list_prealloc(VM *vm, ObjList *l, int64_t n) {
    return n <= 0 || list_set_cap(vm, l, n < INT64_MAX - 1 ? (n + 1) & ~(int64_t)1 : n);
}

/* How many items an iterable expects to give, as CPython presizes a list
 * it extends: its len() or __length_hint__, else 8. A builtin type with
 * neither is not asked (no exception made and dropped); -1 after raising. */
static int64_t extend_hint(VM *vm, Value iterable) {
    ObjClass *c = type_of(vm, iterable);
    if ((c->obj.flags & CLASS_BUILTIN) && class_lookup(c, vm_name(vm, N___len__)) == UNDEF &&
        class_lookup(c, vm_name(vm, N___length_hint__)) == UNDEF)
        return 8;
    Value h = op_length_hint(vm, iterable, int_val(8));
    int64_t n;
    if (h == ERR) return -1;
    return int_to_i64(h, &n) ? n : INT64_MAX;
}

/* Lets go of the buffer, as list.clear() does in CPython. */
static void list_drop_buffer(VM *vm, ObjList *l) {
    l->len = 0;
    list_set_cap(vm, l, 0);
}

int list_append(VM *vm, ObjList *l, Value v) {
    if (l->len == l->cap && !list_reserve(vm, l, l->len + 1)) return -1;
    l->items[l->len++] = v;
    return 0;
}

int list_insert(VM *vm, ObjList *l, int64_t i, Value v) {
    if (i < 0) { i += l->len; if (i < 0) i = 0; }
    if (i > l->len) i = l->len;
    if (!list_reserve(vm, l, l->len + 1)) return -1;
    memmove(l->items + i + 1, l->items + i, (size_t)(l->len - i) * sizeof(Value));
    l->items[i] = v;
    l->len++;
    return 0;
}

int list_extend(VM *vm, ObjList *l, Value iterable) {
    if ((is_list(iterable) || is_tuple(iterable)) && op_override(vm, iterable, N___iter__) == UNDEF) {
        int64_t n = is_list(iterable) ? AS(ObjList, iterable)->len : AS(ObjTuple, iterable)->len;
        if (!(l->cap == 0 ? list_prealloc(vm, l, n) : list_reserve(vm, l, l->len + n))) return -1;
        /* Re-read the source: l.extend(l) doubles l. */
        Value *src = is_list(iterable) ? AS(ObjList, iterable)->items : AS(ObjTuple, iterable)->items;
        if (n) memmove(l->items + l->len, src, (size_t)n * sizeof(Value));     /* items may be NULL when empty */
        l->len += n;
        return 0;
    }
    /* Room for what the iterable expects to give first, as CPython makes
     * it (absurd sizes fail at once with MemoryError instead of after
     * growing for ages); what is left over goes after the loop. A script
     * class's __len__ or __length_hint__ is asked, and its errors (but
     * TypeError) propagate. */
    /* (the iterable is held while its __len__ runs: callers need not root it) */
    if (!vm_push_root(vm, iterable)) return -1;
    Value it = op_iter(vm, iterable);
    if (it == ERR || !vm_push_root(vm, it)) { vm_pop_roots(vm, 1); return -1; }
    int64_t hint = extend_hint(vm, iterable);
    if (hint < 0 || (l->cap == 0 ? !list_prealloc(vm, l, hint)
                                 : hint <= INT64_MAX - l->len && !list_reserve(vm, l, l->len + hint))) {
        vm_pop_roots(vm, 2);
        return -1;
    }
    vm_pop_roots(vm, 1);
    vm->roots[vm->nroots - 1] = it;     /* the iterator alone from here */
    int rc = 0;
    for (;;) {
        Value v = op_next(vm, it);
        if (v == UNDEF) break;
        if (v == ERR || list_append(vm, l, v) < 0) { rc = -1; break; }
    }
    vm_pop_roots(vm, 1);
    if (l->len < l->cap) list_fit(vm, l, l->len);
    return rc;
}

Value list_getitem(VM *vm, ObjList *l, Value index) {
    if (is_kind(index, OBJ_SLICE)) {
        int64_t start, stop, step;
        if (!slice_unpack(vm, AS(ObjSlice, index), &start, &stop, &step)) return ERR;
        int64_t n = slice_adjust(l->len, &start, &stop, step);    /* (the length after __index__ ran) */
        ObjList *r = list_new(vm, n);
        if (!r) return ERR;
        for (int64_t k = 0, i = start; k < n; k++, i += step) r->items[k] = l->items[i];
        r->len = n;
        return obj_val(r);
    }
    if (!is_intlike(index) && op_special(vm, index, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "list indices must be integers or slices, not %T", index);
    int64_t i = seq_index(vm, index, l->len, "list");
    return i < 0 ? ERR : l->items[i];
}

static int list_setslice(VM *vm, ObjList *l, ObjSlice *sl, Value v) {
    int64_t start, stop, step;
    if (!slice_unpack(vm, sl, &start, &stop, &step)) return -1;
    int64_t start0 = start, stop0 = stop;
    int64_t n0 = slice_adjust(l->len, &start0, &stop0, step);     /* what CPython's size check sees */
    ObjList *src = op_to_list(vm, v);
    /* the bounds' __index__ and v's iteration may both have changed l */
    int64_t n = slice_adjust(l->len, &start, &stop, step);
    if (src && step != 1 && src->len != n0) n = n0;
    if (!src) {
        if (exc_is(vm, vm->exc, E_TypeError) && !is_list(v)) {
            vm->exc = UNDEF;
            exc_raise(vm, E_TypeError, step == 1 ? "can only assign an iterable"
                                                 : "must assign iterable to extended slice");
        }
        return -1;
    }
    if (step != 1) {
        if (src->len != n) {
            exc_raise(vm, E_ValueError, "attempt to assign sequence of size %lld to extended slice of size %lld",
                      (long long)src->len, (long long)n);
            return -1;
        }
        for (int64_t k = 0, i = start; k < n; k++, i += step) l->items[i] = src->items[k];
        return 0;
    }
    if (stop < start) stop = start;
    int64_t grow = src->len - (stop - start);
    if (grow > 0 && !list_reserve(vm, l, l->len + grow)) return -1;
    /* an empty list may have no buffer at all: no pointer arithmetic on NULL */
    if (l->len > stop) memmove(l->items + stop + grow, l->items + stop, (size_t)(l->len - stop) * sizeof(Value));
    if (src->len) copy_values(l->items + start, src->items, src->len);
    l->len += grow;
    if (grow < 0) list_shrunk(vm, l);
    return 0;
}

int list_setitem(VM *vm, ObjList *l, Value index, Value v) {
    if (is_kind(index, OBJ_SLICE)) return list_setslice(vm, l, AS(ObjSlice, index), v);
    if (!is_intlike(index) && op_special(vm, index, N___index__) == UNDEF) {
        exc_raise(vm, E_TypeError, "list indices must be integers or slices, not %T", index);
        return -1;
    }
    int64_t i = seq_index(vm, index, l->len, "list assignment");
    if (i < 0) return -1;
    l->items[i] = v;
    return 0;
}

int list_delitem(VM *vm, ObjList *l, Value index) {
    if (is_kind(index, OBJ_SLICE)) {
        int64_t start, stop, step;
        if (!slice_unpack(vm, AS(ObjSlice, index), &start, &stop, &step)) return -1;
        int64_t n = slice_adjust(l->len, &start, &stop, step);
        if (n <= 0) return n;   /* (an empty slice's start may lie outside the list) */
        if (step < 0) { start = start + (n - 1) * step; step = -step; }
        int64_t w = start;
        for (int64_t r = start, k = 0; r < l->len; r++) {
            if (k < n && r == start + k * step) { k++; continue; }
            l->items[w++] = l->items[r];
        }
        l->len = w;
        list_shrunk(vm, l);
        return 0;
    }
    if (!is_intlike(index) && op_special(vm, index, N___index__) == UNDEF) {
        exc_raise(vm, E_TypeError, "list indices must be integers or slices, not %T", index);
        return -1;
    }
    int64_t i = seq_index(vm, index, l->len, "list assignment");
    if (i < 0) return -1;
    memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
    l->len--;
    list_shrunk(vm, l);
    return 0;
}

/* ---- methods ----------------------------------------------------------- */

#define SELF AS(ObjList, args[0])

static Value m_append(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.append", nargs - 1, kw, 1, 1)) return ERR;
    return list_append(vm, SELF, args[1]) < 0 ? ERR : NONE_VAL;
}

static Value m_extend(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.extend", nargs - 1, kw, 1, 1)) return ERR;
    return list_extend(vm, SELF, args[1]) < 0 ? ERR : NONE_VAL;
}

static Value m_insert(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.insert", nargs - 1, kw, 2, 2)) return ERR;
    int64_t i;
    if (!ssize_value(vm, args[1], &i)) return ERR;
    return list_insert(vm, SELF, i, args[2]) < 0 ? ERR : NONE_VAL;
}

static Value m_pop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.pop", nargs - 1, kw, 0, 1)) return ERR;
    ObjList *l = SELF;
    int64_t i = -1;
    if (nargs > 1 && !ssize_value(vm, args[1], &i)) return ERR;     /* the index's type first, as CPython */
    if (l->len == 0) return exc_raise(vm, E_IndexError, "pop from empty list");
    if (i < 0) i += l->len;
    if (i < 0 || i >= l->len) return exc_raise(vm, E_IndexError, "pop index out of range");
    Value v = l->items[i];
    memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
    l->len--;
    list_shrunk(vm, l);
    return v;
}

static int64_t find(VM *vm, ObjList *l, Value x, int64_t start, int64_t stop) {
    for (int64_t i = start; i < stop && i < l->len; i++) {
        int eq = op_eq(vm, l->items[i], x);
        if (eq < 0) return -2;
        if (eq) return i;
    }
    return -1;
}

static Value m_remove(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.remove", nargs - 1, kw, 1, 1)) return ERR;
    int64_t i = find(vm, SELF, args[1], 0, SELF->len);
    if (i == -2) return ERR;
    if (i < 0) return exc_raise(vm, E_ValueError, "list.remove(x): x not in list");
    ObjList *l = SELF;
    if (finalize_wanted(vm) && finalize_dropped(vm, l->items[i]))
        vm->fin_after_call = true;                                  /* __del__ runs after the call */
    memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
    l->len--;
    list_shrunk(vm, l);
    return NONE_VAL;
}

static Value m_index(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.index", nargs - 1, kw, 1, 3)) return ERR;
    int64_t len = SELF->len, start = 0, stop = len;
    if (nargs > 2 && !slice_bound(vm, args[2], &start)) return ERR;
    if (nargs > 3 && !slice_bound(vm, args[3], &stop)) return ERR;
    if (start < 0) { start += len; if (start < 0) start = 0; }
    if (stop < 0) { stop += len; if (stop < 0) stop = 0; }
    int64_t i = find(vm, SELF, args[1], start, stop);
    if (i == -2) return ERR;
    if (i < 0) return exc_raise(vm, E_ValueError, "%R is not in list", args[1]);
    return int_val(i);
}

static Value m_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.count", nargs - 1, kw, 1, 1)) return ERR;
    int64_t n = 0;
    for (int64_t i = 0; i < SELF->len; i++) {
        int eq = op_eq(vm, SELF->items[i], args[1]);
        if (eq < 0) return ERR;
        n += eq;
    }
    return int_val(n);
}

static Value m_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.clear", nargs - 1, kw, 0, 0)) return ERR;
    if (finalize_items_dropped(vm, args[0])) vm->fin_after_call = true;     /* __del__ runs after the call */
    list_drop_buffer(vm, SELF);
    return NONE_VAL;
}

static Value m_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.copy", nargs - 1, kw, 0, 0)) return ERR;
    ObjList *r = list_from(vm, SELF->items, SELF->len);
    return r ? obj_val(r) : ERR;
}

/* CPython's list object (40 bytes) and the pointers it has room for,
 * which list_fit keeps as CPython's list would have them. */
static Value m_sizeof(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__sizeof__", nargs - 1, kw, 0, 0)) return ERR;
    return int_from_i64(vm, 40 + 8 * SELF->cap);
}

static Value m_reverse(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "list.reverse", nargs - 1, kw, 0, 0)) return ERR;
    ObjList *l = SELF;
    for (int64_t i = 0, j = l->len - 1; i < j; i++, j--) {
        Value t = l->items[i]; l->items[i] = l->items[j]; l->items[j] = t;
    }
    return NONE_VAL;
}

static Value m_sort(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    /* CPython counts all the arguments first */
    int total = nargs - 1 + (kw ? (int)kw->len : 0);
    if (total > 2)
        return exc_raise(vm, E_TypeError, "sort() takes at most 2 %sarguments (%d given)", nargs > 1 ? "" : "keyword ",
                         total);
    if (nargs > 1) return exc_raise(vm, E_TypeError, "sort() takes no positional arguments");
    static const char *const accepted[] = {"key", "reverse", NULL};
    if (!args_kw_only(vm, "sort", kw, accepted)) return ERR;
    Value key = args_kw(vm, args, nargs, kw, "key");
    Value rev = args_kw(vm, args, nargs, kw, "reverse");
    int r = rev == UNDEF ? 0 : op_truthy(vm, rev);
    if (r < 0) return ERR;
    return list_sort(vm, SELF, key, r) < 0 ? ERR : NONE_VAL;
}

/* list.__init__(self, iterable=()): empties the list, then fills it (for
 * subclasses: the builtin itself fills a new list in its constructor). */
/* Whether a list subclass defines its own __new__: its keyword arguments
   are then that __new__'s business, and list.__init__ ignores them. */
static bool own_new(VM *vm, ObjClass *cls) {
    ObjStr *name = vm_name(vm, N___new__);
    return cls != vm->types[T_LIST] && class_lookup(cls, name) != class_lookup(vm->types[T_LIST], name);
}

static Value m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || !is_list(args[0])) return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'list' object");
    if (kw && kw->len && own_new(vm, as_obj(args[0])->cls)) kw = NULL;
    if (!args_check(vm, "list", nargs - 1, kw, 0, 1)) return ERR;
    ObjList *l = SELF;
    if (nargs > 1 && args[1] == args[0]) {
        /* list.__init__(x, x): the items are read before the list empties. */
        ObjList *copy = list_from(vm, l->items, l->len);
        if (!copy || !vm_push_root(vm, obj_val(copy))) return ERR;
        list_drop_buffer(vm, l);
        int rc = list_extend(vm, l, obj_val(copy));
        vm_pop_roots(vm, 1);
        return rc < 0 ? ERR : NONE_VAL;
    }
    list_drop_buffer(vm, l);
    return nargs > 1 && list_extend(vm, l, args[1]) < 0 ? ERR : NONE_VAL;
}

void list_init_methods(VM *vm) {
    ObjClass *c = vm->types[T_LIST];
    class_add_native(vm, c, "__init__", m_init);
    class_add_native(vm, c, "append", m_append);
    class_add_native(vm, c, "extend", m_extend);
    class_add_native(vm, c, "insert", m_insert);
    class_add_native(vm, c, "pop", m_pop);
    class_add_native(vm, c, "remove", m_remove);
    class_add_native(vm, c, "index", m_index);
    class_add_native(vm, c, "count", m_count);
    class_add_native(vm, c, "__sizeof__", m_sizeof);
    class_add_native(vm, c, "clear", m_clear);
    class_add_native(vm, c, "copy", m_copy);
    class_add_native(vm, c, "reverse", m_reverse);
    class_add_native(vm, c, "sort", m_sort);
}
