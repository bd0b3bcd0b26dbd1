/* list, tuple, dict, set/frozenset, range, slice: the container types.
 * Constructors return NULL (pointer results) or ERR (Value results) after
 * raising MemoryError; int results are -1 on error. */
#ifndef ASY_CONTAINERS_H
#define ASY_CONTAINERS_H

#include "num.h"
#include "vm.h"

/* ---- list.c ---- */
ObjList *list_new(VM *vm, int64_t cap);
ObjList *list_from(VM *vm, const Value *items, int64_t n);
int list_append(VM *vm, ObjList *l, Value v);
int list_extend(VM *vm, ObjList *l, Value iterable);
int list_insert(VM *vm, ObjList *l, int64_t i, Value v);
Value list_getitem(VM *vm, ObjList *l, Value index);       /* index or slice */
int list_setitem(VM *vm, ObjList *l, Value index, Value v);
int list_delitem(VM *vm, ObjList *l, Value index);
/* Sorts in place, stable, with optional key (UNDEF for none). */
int list_sort(VM *vm, ObjList *l, Value key, bool reverse);
void list_init_methods(VM *vm);

/* ---- tuple.c ---- */
/* A tuple of n items, all None; fill them before anyone else sees it. */
ObjTuple *tuple_new(VM *vm, int64_t n);
ObjTuple *tuple_from(VM *vm, const Value *items, int64_t n);
Value tuple_getitem(VM *vm, ObjTuple *t, Value index);
void tuple_init_methods(VM *vm);

/* ---- dict.c ---- */
ObjDict *dict_new(VM *vm);
ObjDict *dict_new_sized(VM *vm, int64_t n);    /* with room for n entries */
/* The value for key; UNDEF when absent; ERR when hashing or comparing raised. */
Value dict_get(VM *vm, ObjDict *d, Value key);
/* For str keys: no user code can run, so no errors but for memory. */
Value dict_get_str(ObjDict *d, ObjStr *key);
/* True when str key is surely not in d: the first slot of its probe is one
 * no entry ever took (deletions leave a different mark). False means "look". */
#define DICT_IX_EMPTY (-1)     /* an index slot no entry ever took */
static inline bool dict_lacks_str_fast(const ObjDict *d, const ObjStr *key) {
    return !d || !d->index || (key->hash && d->index[key->hash & (uint64_t)d->mask] == DICT_IX_EMPTY);
}
/* The entry number of a str key, or -1 (for inline caches). */
int64_t dict_find_str(ObjDict *d, ObjStr *key);
int dict_set(VM *vm, ObjDict *d, Value key, Value v);
int dict_set_str(VM *vm, ObjDict *d, ObjStr *key, Value v);
int dict_del(VM *vm, ObjDict *d, Value key);           /* 1 deleted, 0 absent */
/* Iteration in insertion order: start with *pos = 0. */
bool dict_next(ObjDict *d, int64_t *pos, Value *key, Value *value);
/* The same with each key's stored hash; and lookup and store with a hash
 * known already (a set's or dict's): what moves keys between sets and
 * dicts without calling their __hash__ again, as CPython does. */
bool dict_next_hash(ObjDict *d, int64_t *pos, Value *key, Value *value, uint64_t *hash);
Value dict_get_hashed(VM *vm, ObjDict *d, Value key, uint64_t hash);     /* UNDEF absent, ERR */
int dict_set_hashed(VM *vm, ObjDict *d, Value key, uint64_t hash, Value v);
int dict_del_hashed(VM *vm, ObjDict *d, Value key, uint64_t hash);      /* 1 deleted, 0 absent */
int dict_update(VM *vm, ObjDict *d, Value other);     /* dict, mapping or pairs */
ObjDict *dict_copy(VM *vm, ObjDict *d);
void dict_clear(VM *vm, ObjDict *d);
void dict_free_table(VM *vm, ObjDict *d);     /* for the collector */
/* An iterator over the keys, values or items (view = T_DICT_KEYS/...). */
Value dict_iter(VM *vm, ObjDict *d, TypeId view);
Value dict_reviter(VM *vm, ObjDict *d, TypeId view);
void dict_init_methods(VM *vm);

/* A list_reverseiterator's index once next() found no item left: it then
 * pickles as iter([]), while at -1 before that it is still (reversed, (l,), -1),
 * as CPython tells the two apart (builtins_iter.c, iter_reduce.c). */
#define LIST_REVITER_DONE (-2)
/* obj.flags of a list being sorted (list_sort): a change made meanwhile
 * keeps a buffer, which is how the sort sees it */
#define LIST_SORTING 1

/* ---- set.c ---- */
ObjSet *set_new(VM *vm, ObjClass *cls);   /* vm->types[T_SET] or T_FROZENSET */
int set_add(VM *vm, ObjSet *s, Value key);
int set_contains(VM *vm, ObjSet *s, Value key);      /* 0/1 */
int set_discard(VM *vm, ObjSet *s, Value key);       /* 1 removed, 0 absent */
int set_update(VM *vm, ObjSet *s, Value iterable);
bool set_next(ObjSet *s, int64_t *pos, Value *key);
bool set_next_hash(ObjSet *s, int64_t *pos, Value *key, uint64_t *hash);     /* with the stored hash */
Value set_binop(VM *vm, BinOp op, Value a, Value b); /* | & ^ -; NOTIMPL otherwise */
int set_compare(VM *vm, Value a, Value b, CmpOp op); /* subset/superset/eq; -2: not sets */
/* CPython's frozenset hash (also used by op_hash). */
uint64_t set_frozen_hash(ObjSet *s);
/* a |= b, a &= b, a -= b, a ^= b in place (CPython's order); NOTIMPL when
 * they don't apply. */
Value set_inplace(VM *vm, BinOp op, Value a, Value b);
/* A frozenset constant built as CPython builds set displays of constants. */
ObjSet *set_frozen_const(VM *vm, const Value *items, int64_t n);
/* An iterator over the set's keys (set_iterator). */
Value set_iter(VM *vm, ObjSet *s);
void set_init_methods(VM *vm);

/* The view type (T_DICT_KEYS, T_DICT_VALUES, T_DICT_ITEMS) of an object
 * of class c, also through a subclass (OrderedDict's odict_keys, ...);
 * T_COUNT when c is no view class. */
TypeId dict_view_type(VM *vm, ObjClass *c);
/* A view of the dict d (or dict subclass instance) of class cls: a view
 * class or a subclass of one. */
Value dict_view_new(VM *vm, Value d, ObjClass *cls);

/* ---- range.c, slice.c ---- */
Value range_new(VM *vm, int64_t start, int64_t stop, int64_t step);
Value slice_new(VM *vm, Value start, Value stop, Value step);
/* Resolves a slice against a length, as PySlice_GetIndicesEx: fills
 * start/stop/step and returns the slice length, or -1 after raising. */
int64_t slice_indices(VM *vm, ObjSlice *s, int64_t len, int64_t *start, int64_t *stop, int64_t *step);
/* The two halves of slice_indices, for a mutable sequence: the bounds'
 * __index__ may change its length, so it is read after slice_unpack
 * (PySlice_Unpack) and given to slice_adjust (PySlice_AdjustIndices). */
bool slice_unpack(VM *vm, ObjSlice *s, int64_t *start, int64_t *stop, int64_t *step);
int64_t slice_adjust(int64_t len, int64_t *start, int64_t *stop, int64_t step);
/* Normalizes a sequence index (negative counts from the end); raises
 * IndexError "<what> index out of range" and returns -1 when outside. */
int64_t seq_index(VM *vm, Value index, int64_t len, const char *what);
/* An int index from any int-like (or __index__); TypeError naming `what`. */
bool index_value(VM *vm, Value v, int64_t *out, const char *what);
/* What an __index__ method returned, as PyNumber_Index takes it: an int
 * as is; a bool or an int subclass's instance as a plain int, after 3.12's
 * DeprecationWarning; anything else TypeError. ERR after raising. */
Value index_result(VM *vm, Value r);
/* A C ssize_t argument (list.insert's index, deque.rotate's count): an int
 * or an object with __index__; too big is OverflowError, as CPython's. */
bool ssize_value(VM *vm, Value v, int64_t *out);
/* The same for a size or count CPython reads with PyNumber_AsSsize_t
 * (file.read's size, a sequence repeat): past 64 bits OverflowError
 * "cannot fit 'int' into an index-sized integer". */
bool count_value(VM *vm, Value v, int64_t *out);
bool slice_bound(VM *vm, Value v, int64_t *out);
int range_hash(VM *vm, ObjRange *r, uint64_t *out);       /* hash((len, start, step)) */
/* One of a range's values as an int: RANGE_START, RANGE_STOP, RANGE_STEP or
 * RANGE_LEN (ERR after MemoryError). */
enum { RANGE_START, RANGE_STOP, RANGE_STEP, RANGE_LEN };
Value range_field(VM *vm, ObjRange *r, int which);
int64_t range_len(VM *vm, ObjRange *r);                    /* -1 after OverflowError */
int range_equal(VM *vm, ObjRange *a, ObjRange *b);         /* 0/1, -1 on error */
int range_contains(VM *vm, ObjRange *r, Value x);          /* 0/1, -1 on error */
/* An iterator over the range (range_iterator: it->i next value, it->n
 * values left, it->step the step; a longrange_iterator for a big range). */
Value range_iter(VM *vm, ObjRange *r);
void range_init_methods(VM *vm);

#endif
