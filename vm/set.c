/* set and frozenset.
 *
 * The table is CPython's (Objects/setobject.c), probe for probe: programs
 * print sets, and the order they print in is the order of the table, so the
 * slot every key lands in must be the one CPython picks. That means the same
 * initial size (8), the same probe sequence (up to LINEAR_PROBES neighbours,
 * then perturbed jumps), the same growth rule and size, re-insertion in
 * table order on resize, reuse of the last deleted slot seen on insertion, the
 * same `finger` for pop(), and the same choice of which operand each set
 * operation walks (intersection walks the smaller set, symmetric difference
 * copies the right operand first, ...). Each function below names the
 * CPython function it mirrors.
 *
 * Slots: an empty slot has key UNDEF and hash 0; a deleted slot (CPython's
 * dummy) has key ERR and hash -1 (all ones), a hash no real key has
 * (hash_key maps it away, as CPython never returns -1). The collector skips
 * both (gc.c). Mutable sets keep pop()'s finger in ObjSet.hash, which only
 * frozensets use for their hash.
 */
#include <string.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "ops.h"
#include "str.h"

#define SET_MINSIZE 8
#define LINEAR_PROBES 9
#define PERTURB_SHIFT 5
#define DUMMY_KEY ERR
#define DUMMY_HASH UINT64_MAX

/* ---- helpers ------------------------------------------------------------ */

static bool is_set(Value v) { return is_kind(v, OBJ_SET); }

static bool set_frozen(VM *vm, ObjSet *s) {
    ObjClass *c = s->obj.cls;
    if (c == vm->types[T_SET]) return false;
    if (c == vm->types[T_FROZENSET]) return true;
    return class_is_subclass(c, vm->types[T_FROZENSET]);
}

/* CPython's make_new_set_basetype: results of set operations are plain
 * sets or frozensets, never instances of a subclass. */
static ObjSet *set_new_basetype(VM *vm, ObjSet *like) {
    return set_new(vm, vm->types[set_frozen(vm, like) ? T_FROZENSET : T_SET]);
}

static int hash_key(VM *vm, Value key, uint64_t *h) {
    if (op_hash(vm, key, h) < 0) return -1;
    if (*h == DUMMY_HASH) *h = DUMMY_HASH - 1;
    return 0;
}

static SetEntry *table_alloc(VM *vm, uint64_t size) {
    SetEntry *t = gc_malloc(vm, gc_array_size(size, sizeof(SetEntry)));
    if (!t) return NULL;
    for (uint64_t i = 0; i < size; i++) {
        t[i].key = UNDEF;
        t[i].hash = 0;
    }
    return t;
}

static size_t table_bytes(ObjSet *s) { return (size_t)(s->mask + 1) * sizeof(SetEntry); }

/* ---- the table ----------------------------------------------------------- */

ObjSet *set_new(VM *vm, ObjClass *cls) {
    ObjSet *s = gc_new_instance(vm, sizeof(ObjSet), OBJ_SET, cls);
    if (!s) return NULL;
    s->table = table_alloc(vm, SET_MINSIZE);
    if (!s->table) return NULL;
    s->mask = SET_MINSIZE - 1;
    return s;
}

/* set_lookkey: the slot holding key, or the empty slot that ends its probe
 * sequence; -1 after raising. A comparison that changes the set restarts. */
static int64_t set_lookkey(VM *vm, ObjSet *s, Value key, uint64_t hash) {
restart:;
    SetEntry *table = s->table;
    uint64_t mask = (uint64_t)s->mask, i = hash & mask, perturb = hash;
    for (;;) {
        int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
        for (uint64_t j = i; j <= i + (uint64_t)probes; j++) {
            SetEntry *e = &table[j];
            if (e->key == UNDEF) return (int64_t)j;
            if (e->hash != hash) continue;
            Value start = e->key;
            if (start == key) return (int64_t)j;
            int cmp = op_eq(vm, start, key);
            if (cmp < 0) return -1;
            if (s->table != table || table[j].key != start) goto restart;
            if (cmp > 0) return (int64_t)j;
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

/* set_insert_clean: for keys known absent from a table without dummies. */
static void insert_clean(SetEntry *table, uint64_t mask, Value key, uint64_t hash) {
    uint64_t i = hash & mask, perturb = hash;
    for (;;) {
        if (table[i].key == UNDEF) break;
        if (i + LINEAR_PROBES <= mask) {
            uint64_t j;
            for (j = i + 1; j <= i + LINEAR_PROBES; j++)
                if (table[j].key == UNDEF) break;
            if (j <= i + LINEAR_PROBES) { i = j; break; }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
    table[i].key = key;
    table[i].hash = hash;
}

/* set_table_resize: the smallest power of two above minused (at least 8);
 * live keys are re-inserted in the old table's order, dummies dropped. */
static int set_table_resize(VM *vm, ObjSet *s, int64_t minused) {
    uint64_t newsize = SET_MINSIZE;
    while (newsize <= (uint64_t)minused) newsize <<= 1;
    /* CPython keeps its 8-slot table as it is when there is nothing to purge. */
    if (newsize == SET_MINSIZE && s->mask == SET_MINSIZE - 1 && s->fill == s->used) return 0;
    SetEntry *newtable = table_alloc(vm, newsize);
    if (!newtable) return -1;
    SetEntry *old = s->table;
    size_t oldbytes = table_bytes(s);
    for (int64_t i = 0; i <= s->mask; i++) {
        Value k = old[i].key;
        if (k != UNDEF && k != DUMMY_KEY) insert_clean(newtable, newsize - 1, k, old[i].hash);
    }
    s->table = newtable;
    s->mask = (int64_t)newsize - 1;
    s->fill = s->used;
    gc_free(vm, old, oldbytes);
    return 0;
}

/* set_add_entry: inserts key unless an equal key is present, reusing the
 * last dummy seen on the probe sequence; grows at 60% fill. */
static int set_add_entry(VM *vm, ObjSet *s, Value key, uint64_t hash) {
restart:;
    SetEntry *table = s->table;
    uint64_t mask = (uint64_t)s->mask, i = hash & mask, perturb = hash;
    int64_t freeslot = -1;
    uint64_t slot;
    for (;;) {
        int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
        for (uint64_t j = i; j <= i + (uint64_t)probes; j++) {
            SetEntry *e = &table[j];
            if (e->key == UNDEF) { slot = j; goto found_unused_or_dummy; }
            if (e->hash == hash) {
                Value start = e->key;
                if (start == key) return 0;
                int cmp = op_eq(vm, start, key);
                if (cmp > 0) return 0;
                if (cmp < 0) return -1;
                if (s->table != table || table[j].key != start) goto restart;
            } else if (e->key == DUMMY_KEY) {
                freeslot = (int64_t)j;      /* the last dummy seen, as CPython */
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i * 5 + 1 + perturb) & mask;
    }
found_unused_or_dummy:
    if (freeslot >= 0) {
        s->used++;
        table[freeslot].key = key;
        table[freeslot].hash = hash;
        return 0;
    }
    s->fill++;
    s->used++;
    table[slot].key = key;
    table[slot].hash = hash;
    if ((uint64_t)s->fill * 5 < mask * 3) return 0;
    return set_table_resize(vm, s, s->used > 50000 ? s->used * 2 : s->used * 4);
}

static int set_add_key(VM *vm, ObjSet *s, Value key) {
    uint64_t h;
    if (hash_key(vm, key, &h) < 0) return -1;
    return set_add_entry(vm, s, key, h);
}

/* set_contains_entry: 0/1, -1 after raising. */
static int set_contains_entry(VM *vm, ObjSet *s, Value key, uint64_t hash) {
    int64_t i = set_lookkey(vm, s, key, hash);
    if (i < 0) return -1;
    return s->table[i].key != UNDEF;
}

/* set_discard_entry: 1 removed, 0 absent, -1 after raising. */
static int set_discard_entry(VM *vm, ObjSet *s, Value key, uint64_t hash) {
    int64_t i = set_lookkey(vm, s, key, hash);
    if (i < 0) return -1;
    if (s->table[i].key == UNDEF) return 0;
    s->table[i].key = DUMMY_KEY;
    s->table[i].hash = DUMMY_HASH;
    s->used--;
    return 1;
}

static int set_clear_internal(VM *vm, ObjSet *s) {
    if (s->mask == SET_MINSIZE - 1) {
        for (int i = 0; i < SET_MINSIZE; i++) {
            s->table[i].key = UNDEF;
            s->table[i].hash = 0;
        }
    } else {
        SetEntry *t = table_alloc(vm, SET_MINSIZE);
        if (!t) return -1;
        gc_free(vm, s->table, table_bytes(s));
        s->table = t;
        s->mask = SET_MINSIZE - 1;
    }
    s->fill = s->used = 0;
    return 0;
}

bool set_next(ObjSet *s, int64_t *pos, Value *key) {
    int64_t i = *pos;
    while (i <= s->mask && (s->table[i].key == UNDEF || s->table[i].key == DUMMY_KEY)) i++;
    *pos = i + 1;
    if (i > s->mask) return false;
    *key = s->table[i].key;
    return true;
}

/* Like set_next, with the stored hash. */
static bool set_next_entry(ObjSet *s, int64_t *pos, Value *key, uint64_t *hash) {
    int64_t i = *pos;
    while (i <= s->mask && (s->table[i].key == UNDEF || s->table[i].key == DUMMY_KEY)) i++;
    *pos = i + 1;
    if (i > s->mask) return false;
    *key = s->table[i].key;
    *hash = s->table[i].hash;
    return true;
}

bool set_next_hash(ObjSet *s, int64_t *pos, Value *key, uint64_t *hash) { return set_next_entry(s, pos, key, hash); }

/* ---- the public entry points ------------------------------------------- */

int set_add(VM *vm, ObjSet *s, Value key) { return set_add_key(vm, s, key); }

static int set_contains_key(VM *vm, ObjSet *s, Value key) {
    uint64_t h;
    if (hash_key(vm, key, &h) < 0) return -1;
    return set_contains_entry(vm, s, key, h);
}

static int set_discard_key(VM *vm, ObjSet *s, Value key) {
    uint64_t h;
    if (hash_key(vm, key, &h) < 0) return -1;
    return set_discard_entry(vm, s, key, h);
}

/* A set used as a key (`{1} in s`, s.remove({1})) stands for the frozenset
 * with the same items, as in CPython: retried after its TypeError. */
static bool frozen_key(VM *vm, Value key, Value *out) {
    if (!is_set(key) || set_frozen(vm, AS(ObjSet, key)) || !exc_is(vm, vm->exc, E_TypeError))
        return false;
    vm->exc = UNDEF;
    ObjSet *f = set_new(vm, vm->types[T_FROZENSET]);
    if (!f || set_update(vm, f, key) < 0) return false;
    *out = obj_val(f);
    return true;
}

int set_contains(VM *vm, ObjSet *s, Value key) {
    int rv = set_contains_key(vm, s, key);
    Value tmp;
    if (rv < 0 && frozen_key(vm, key, &tmp)) {
        if (!vm_push_root(vm, tmp)) return -1;
        rv = set_contains_key(vm, s, tmp);
        vm_pop_roots(vm, 1);
    }
    return rv;
}

int set_discard(VM *vm, ObjSet *s, Value key) {
    int rv = set_discard_key(vm, s, key);
    Value tmp;
    if (rv < 0 && frozen_key(vm, key, &tmp)) {
        if (!vm_push_root(vm, tmp)) return -1;
        rv = set_discard_key(vm, s, tmp);
        vm_pop_roots(vm, 1);
    }
    return rv;
}

/* set_merge: adds every key of another set. */
static int set_merge(VM *vm, ObjSet *s, ObjSet *other) {
    if (other == s || other->used == 0) return 0;
    /* One big resize first, expecting few overlapping keys. */
    if ((s->fill + other->used) * 5 >= s->mask * 3 &&
        set_table_resize(vm, s, (s->used + other->used) * 2) < 0)
        return -1;
    /* Empty, same size, no dummies to drop: copy the slots as they are. */
    if (s->fill == 0 && s->mask == other->mask && other->fill == other->used) {
        memcpy(s->table, other->table, table_bytes(s));
        s->fill = other->fill;
        s->used = other->used;
        return 0;
    }
    if (s->fill == 0) {
        for (int64_t i = 0; i <= other->mask; i++) {
            Value k = other->table[i].key;
            if (k != UNDEF && k != DUMMY_KEY)
                insert_clean(s->table, (uint64_t)s->mask, k, other->table[i].hash);
        }
        s->fill = s->used = other->used;
        return 0;
    }
    /* Keys may be equal across the two: normal insertions (which may run
     * __eq__, so the other table is re-read at every step). */
    for (int64_t i = 0; i <= other->mask; i++) {
        Value k = other->table[i].key;
        if (k != UNDEF && k != DUMMY_KEY && set_add_entry(vm, s, k, other->table[i].hash) < 0)
            return -1;
    }
    return 0;
}

static bool is_exact_dict(VM *vm, Value v) {
    return is_dict(v) && as_obj(v)->cls == vm->types[T_DICT];
}

static int set_update_iter(VM *vm, ObjSet *s, Value iterable) {
    Value it = op_iter(vm, iterable);
    if (it == ERR || !vm_push_root(vm, it)) return -1;
    int rc = 0;
    for (;;) {
        Value v = op_next(vm, it);
        if (v == UNDEF) break;
        if (v == ERR || set_add_key(vm, s, v) < 0) { rc = -1; break; }
    }
    vm_pop_roots(vm, 1);
    return rc;
}

/* set_update_internal */
int set_update(VM *vm, ObjSet *s, Value other) {
    if (is_set(other)) return set_merge(vm, s, AS(ObjSet, other));
    if (is_exact_dict(vm, other)) {
        ObjDict *d = AS(ObjDict, other);
        if ((s->fill + d->count) * 5 >= s->mask * 3 &&
            set_table_resize(vm, s, (s->used + d->count) * 2) < 0)
            return -1;
        int64_t pos = 0;
        Value k, v;
        uint64_t h;
        while (dict_next_hash(d, &pos, &k, &v, &h))    /* the dict's hashes serve */
            if (set_add_entry(vm, s, k, h) < 0) return -1;
        return 0;
    }
    if ((is_list(other) || is_tuple(other)) && op_override(vm, other, N___iter__) == UNDEF) {
        /* As its iterator would: re-read the length, user code may run. */
        for (int64_t i = 0;; i++) {
            int64_t n = is_list(other) ? AS(ObjList, other)->len : AS(ObjTuple, other)->len;
            if (i >= n) return 0;
            Value k = is_list(other) ? AS(ObjList, other)->items[i] : AS(ObjTuple, other)->items[i];
            if (set_add_key(vm, s, k) < 0) return -1;
        }
    }
    return set_update_iter(vm, s, other);
}

/* A new set of class cls filled from an iterable (make_new_set). */
static ObjSet *set_from(VM *vm, ObjClass *cls, Value iterable) {
    ObjSet *s = set_new(vm, cls);
    if (!s || !vm_push_root(vm, obj_val(s))) return NULL;
    int rc = set_update(vm, s, iterable);
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : s;
}

/* The frozenset constant CPython's compiler makes for a set display of three
 * or more constants ({1, 2, 3} compiles to BUILD_SET 0, LOAD_CONST
 * frozenset, SET_UPDATE). The compiler builds it from the items in source
 * order, then merge_consts_recursive rebuilds it from its own iteration
 * order; both steps decide where keys land, so both are replayed here. */
ObjSet *set_frozen_const(VM *vm, const Value *items, int64_t n) {
    ObjSet *first = set_new(vm, vm->types[T_FROZENSET]);
    if (!first || !vm_push_root(vm, obj_val(first))) return NULL;
    ObjSet *f = NULL;
    for (int64_t i = 0; i < n; i++)
        if (set_add_key(vm, first, items[i]) < 0) goto done;
    f = set_new(vm, vm->types[T_FROZENSET]);
    if (!f) goto done;
    int64_t pos = 0;
    Value k;
    uint64_t h;
    while (set_next_entry(first, &pos, &k, &h)) {
        if (set_add_entry(vm, f, k, h) < 0) {
            f = NULL;
            break;
        }
    }
done:
    vm_pop_roots(vm, 1);
    return f;
}

/* set_copy: a new set or frozenset (never a subclass) with the same slots. */
static ObjSet *set_copy(VM *vm, ObjSet *s) {
    ObjSet *r = set_new_basetype(vm, s);
    if (!r || set_merge(vm, r, s) < 0) return NULL;
    return r;
}

/* ---- the operations ------------------------------------------------------ */

/* set_intersection: walks the smaller set when both are sets. */
static ObjSet *set_intersection(VM *vm, ObjSet *so, Value other) {
    if (is_set(other) && AS(ObjSet, other) == so) return set_copy(vm, so);
    ObjSet *result = set_new_basetype(vm, so);
    if (!result || !vm_push_root(vm, obj_val(result))) return NULL;
    int rc = 0;
    if (is_set(other)) {
        ObjSet *a = so, *b = AS(ObjSet, other);
        if (b->used > a->used) { ObjSet *t = a; a = b; b = t; }
        int64_t pos = 0;
        Value k;
        uint64_t h;
        while (rc == 0 && set_next_entry(b, &pos, &k, &h)) {
            if (!vm_push_root(vm, k)) { rc = -1; break; }
            int in = set_contains_entry(vm, a, k, h);
            if (in < 0 || (in && set_add_entry(vm, result, k, h) < 0)) rc = -1;
            vm_pop_roots(vm, 1);
        }
    } else {
        Value it = op_iter(vm, other);
        if (it == ERR || !vm_push_root(vm, it)) {
            rc = -1;
        } else {
            for (;;) {
                Value k = op_next(vm, it);
                if (k == UNDEF) break;
                uint64_t h;
                if (k == ERR || !vm_push_root(vm, k)) { rc = -1; break; }
                int in = hash_key(vm, k, &h) < 0 ? -1 : set_contains_entry(vm, so, k, h);
                if (in > 0) in = set_add_entry(vm, result, k, h) < 0 ? -1 : 1;
                vm_pop_roots(vm, 1);
                if (in < 0) { rc = -1; break; }
                if (in && result->used >= so->used) break;
            }
            vm_pop_roots(vm, 1);
        }
    }
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : result;
}

/* Replaces the contents of a with those of b (set_swap_bodies, one way). */
static void set_take_body(VM *vm, ObjSet *a, ObjSet *b) {
    SetEntry *t = a->table;
    int64_t mask = a->mask;
    a->table = b->table; a->mask = b->mask; a->fill = b->fill; a->used = b->used;
    b->table = t; b->mask = mask;
    b->fill = b->used = 0;      /* b is garbage now; its table holds a's old keys */
    (void)vm;
}

/* set_difference_update_internal */
static int set_difference_update(VM *vm, ObjSet *so, Value other) {
    if (is_set(other) && AS(ObjSet, other) == so) return set_clear_internal(vm, so);
    if (is_set(other)) {
        ObjSet *o = AS(ObjSet, other);
        /* When the other set is more than 8 times larger, walk the
         * intersection instead. */
        if ((o->used >> 3) > so->used) {
            o = set_intersection(vm, so, other);
            if (!o) return -1;
        }
        if (!vm_push_root(vm, obj_val(o))) return -1;
        int64_t pos = 0;
        Value k;
        uint64_t h;
        int rc = 0;
        while (set_next_entry(o, &pos, &k, &h)) {
            if (!vm_push_root(vm, k)) { rc = -1; break; }
            int r = set_discard_entry(vm, so, k, h);
            vm_pop_roots(vm, 1);
            if (r < 0) { rc = -1; break; }
        }
        vm_pop_roots(vm, 1);
        if (rc < 0) return -1;
    } else {
        Value it = op_iter(vm, other);
        if (it == ERR || !vm_push_root(vm, it)) return -1;
        int rc = 0;
        for (;;) {
            Value k = op_next(vm, it);
            if (k == UNDEF) break;
            if (k == ERR || set_discard_key(vm, so, k) < 0) { rc = -1; break; }
        }
        vm_pop_roots(vm, 1);
        if (rc < 0) return -1;
    }
    /* More than a quarter dummies: resize them away. */
    if ((uint64_t)(so->fill - so->used) <= (uint64_t)so->mask / 4) return 0;
    return set_table_resize(vm, so, so->used > 50000 ? so->used * 2 : so->used * 4);
}

/* set_copy_and_difference */
static ObjSet *set_copy_and_difference(VM *vm, ObjSet *so, Value other) {
    ObjSet *r = set_copy(vm, so);
    if (!r || !vm_push_root(vm, obj_val(r))) return NULL;
    int rc = set_difference_update(vm, r, other);
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : r;
}

/* set_difference */
static ObjSet *set_difference(VM *vm, ObjSet *so, Value other) {
    int64_t other_size;
    if (is_set(other)) other_size = AS(ObjSet, other)->used;
    else if (is_exact_dict(vm, other)) other_size = AS(ObjDict, other)->count;
    else return set_copy_and_difference(vm, so, other);
    /* Much bigger than other: copy, then remove other's keys. */
    if ((so->used >> 2) > other_size) return set_copy_and_difference(vm, so, other);

    ObjSet *result = set_new_basetype(vm, so);
    if (!result || !vm_push_root(vm, obj_val(result))) return NULL;
    int64_t pos = 0;
    Value k;
    uint64_t h;
    int rc = 0;
    while (set_next_entry(so, &pos, &k, &h)) {
        if (!vm_push_root(vm, k)) { rc = -1; break; }
        int in;
        if (is_set(other)) {
            in = set_contains_entry(vm, AS(ObjSet, other), k, h);
        } else {
            Value v = dict_get_hashed(vm, AS(ObjDict, other), k, h);
            in = v == ERR ? -1 : v != UNDEF;
        }
        if (in == 0 && set_add_entry(vm, result, k, h) < 0) in = -1;
        vm_pop_roots(vm, 1);
        if (in < 0) { rc = -1; break; }
    }
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : result;
}

/* set_symmetric_difference_update */
static int set_symmetric_difference_update(VM *vm, ObjSet *so, Value other) {
    if (is_set(other) && AS(ObjSet, other) == so) return set_clear_internal(vm, so);
    if (is_exact_dict(vm, other)) {
        ObjDict *d = AS(ObjDict, other);
        int64_t pos = 0;
        Value k, v;
        uint64_t h;
        while (dict_next_hash(d, &pos, &k, &v, &h)) {
            if (!vm_push_root(vm, k)) return -1;
            int r = set_discard_entry(vm, so, k, h);
            if (r == 0) r = set_add_entry(vm, so, k, h);
            vm_pop_roots(vm, 1);
            if (r < 0) return -1;
        }
        return 0;
    }
    ObjSet *o;
    if (is_set(other)) {
        o = AS(ObjSet, other);
    } else {
        o = set_from(vm, vm->types[set_frozen(vm, so) ? T_FROZENSET : T_SET], other);
        if (!o) return -1;
    }
    if (!vm_push_root(vm, obj_val(o))) return -1;
    int64_t pos = 0;
    Value k;
    uint64_t h;
    int rc = 0;
    while (set_next_entry(o, &pos, &k, &h)) {
        if (!vm_push_root(vm, k)) { rc = -1; break; }
        int r = set_discard_entry(vm, so, k, h);
        if (r == 0) r = set_add_entry(vm, so, k, h);
        vm_pop_roots(vm, 1);
        if (r < 0) { rc = -1; break; }
    }
    vm_pop_roots(vm, 1);
    return rc;
}

/* set_symmetric_difference: a copy of other, updated with so. */
static ObjSet *set_symmetric_difference(VM *vm, ObjSet *so, Value other) {
    ObjSet *r = set_from(vm, vm->types[set_frozen(vm, so) ? T_FROZENSET : T_SET], other);
    if (!r || !vm_push_root(vm, obj_val(r))) return NULL;
    int rc = set_symmetric_difference_update(vm, r, obj_val(so));
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : r;
}

/* set_issubset with two sets: 0/1, -1 after raising. */
static int set_issubset_set(VM *vm, ObjSet *a, ObjSet *b) {
    if (a->used > b->used) return 0;
    int64_t pos = 0;
    Value k;
    uint64_t h;
    while (set_next_entry(a, &pos, &k, &h)) {
        if (!vm_push_root(vm, k)) return -1;
        int in = set_contains_entry(vm, b, k, h);
        vm_pop_roots(vm, 1);
        if (in <= 0) return in;
    }
    return 1;
}

static int set_issubset(VM *vm, ObjSet *so, Value other) {
    if (is_set(other)) return set_issubset_set(vm, so, AS(ObjSet, other));
    ObjSet *tmp = set_from(vm, vm->types[T_SET], other);
    if (!tmp || !vm_push_root(vm, obj_val(tmp))) return -1;
    int rc = set_issubset_set(vm, so, tmp);
    vm_pop_roots(vm, 1);
    return rc;
}

static int set_issuperset(VM *vm, ObjSet *so, Value other) {
    if (is_set(other)) return set_issubset_set(vm, AS(ObjSet, other), so);
    Value it = op_iter(vm, other);
    if (it == ERR || !vm_push_root(vm, it)) return -1;
    int rc = 1;
    for (;;) {
        Value k = op_next(vm, it);
        if (k == UNDEF) break;
        int in = k == ERR ? -1 : set_contains_key(vm, so, k);
        if (in <= 0) { rc = in; break; }
    }
    vm_pop_roots(vm, 1);
    return rc;
}

static int set_isdisjoint(VM *vm, ObjSet *so, Value other) {
    if (is_set(other) && AS(ObjSet, other) == so) return so->used == 0;
    if (is_set(other)) {
        ObjSet *a = so, *b = AS(ObjSet, other);
        if (b->used > a->used) { ObjSet *t = a; a = b; b = t; }
        int64_t pos = 0;
        Value k;
        uint64_t h;
        while (set_next_entry(b, &pos, &k, &h)) {
            if (!vm_push_root(vm, k)) return -1;
            int in = set_contains_entry(vm, a, k, h);
            vm_pop_roots(vm, 1);
            if (in != 0) return in < 0 ? -1 : 0;
        }
        return 1;
    }
    Value it = op_iter(vm, other);
    if (it == ERR || !vm_push_root(vm, it)) return -1;
    int rc = 1;
    for (;;) {
        Value k = op_next(vm, it);
        if (k == UNDEF) break;
        int in = k == ERR ? -1 : set_contains_key(vm, so, k);
        if (in != 0) { rc = in < 0 ? -1 : 0; break; }
    }
    vm_pop_roots(vm, 1);
    return rc;
}

static uint64_t shuffle_bits(uint64_t h) {
    return ((h ^ 89869747ull) ^ (h << 16)) * 3644798167ull;
}

/* frozenset_hash: independent of order; cached (0 means not computed). */
uint64_t set_frozen_hash(ObjSet *s) {
    if (s->hash) return s->hash;
    uint64_t hash = 0;
    /* CPython xors in every slot's hash and then cancels the empty and
     * dummy slots out; xoring the live ones alone gives the same. */
    for (int64_t i = 0; i <= s->mask; i++) {
        Value k = s->table[i].key;
        if (k != UNDEF && k != DUMMY_KEY) hash ^= shuffle_bits(s->table[i].hash);
    }
    hash ^= ((uint64_t)s->used + 1) * 1927868237ull;
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash * 69069u + 907133923ull;
    if (hash == UINT64_MAX) hash = 590923713ull;
    s->hash = hash;
    return hash;
}

Value set_binop(VM *vm, BinOp op, Value a, Value b) {
    if (!is_set(a) || !is_set(b)) return NOTIMPL_VAL;
    ObjSet *so = AS(ObjSet, a);
    ObjSet *r;
    switch (op) {
    case BIN_OR:
        r = set_copy(vm, so);
        if (r && AS(ObjSet, b) != so) {
            if (!vm_push_root(vm, obj_val(r))) return ERR;
            int rc = set_merge(vm, r, AS(ObjSet, b));
            vm_pop_roots(vm, 1);
            if (rc < 0) return ERR;
        }
        break;
    case BIN_AND: r = set_intersection(vm, so, b); break;
    case BIN_SUB: r = set_difference(vm, so, b); break;
    case BIN_XOR: r = set_symmetric_difference(vm, so, b); break;
    default: return NOTIMPL_VAL;
    }
    return r ? obj_val(r) : ERR;
}

/* set_richcompare: the subset order; -2 when an operand is not a set. */
int set_compare(VM *vm, Value a, Value b, CmpOp op) {
    if (!is_set(a) || !is_set(b)) return -2;
    ObjSet *v = AS(ObjSet, a), *w = AS(ObjSet, b);
    switch (op) {
    case CMP_EQ:
    case CMP_NE: {
        int r;
        if (v->used != w->used) {
            r = 0;
        } else if (set_frozen(vm, v) && set_frozen(vm, w) && v->hash && w->hash && v->hash != w->hash) {
            r = 0;
        } else {
            r = set_issubset_set(vm, v, w);
            if (r < 0) return -1;
        }
        return op == CMP_EQ ? r : !r;
    }
    case CMP_LE: return set_issubset_set(vm, v, w);
    case CMP_GE: return set_issubset_set(vm, w, v);
    case CMP_LT: return v->used >= w->used ? 0 : set_issubset_set(vm, v, w);
    case CMP_GT: return v->used <= w->used ? 0 : set_issubset_set(vm, w, v);
    }
    return -2;
}

/* ---- iterators ---------------------------------------------------------- */

/* it->a: the set (None once exhausted); it->i: the next slot; it->n: the
 * set's size when iteration started (-1 after a size change, so the error
 * sticks); it->step: items left, for __length_hint__. */
static Value setiter_next(VM *vm, ObjIter *it) {
    if (!is_set(it->a)) return UNDEF;
    ObjSet *s = AS(ObjSet, it->a);
    if (it->n != s->used) {
        it->n = -1;
        return exc_raise(vm, E_RuntimeError, "Set changed size during iteration");
    }
    Value k;
    if (!set_next(s, &it->i, &k)) {
        it->a = NONE_VAL;
        return UNDEF;
    }
    it->step--;
    return k;
}

Value set_iter(VM *vm, ObjSet *s) {
    ObjIter *it = iter_new(vm, vm->types[T_SET_ITER], setiter_next);
    if (!it) return ERR;
    it->a = obj_val(s);
    it->i = 0;
    it->n = s->used;
    it->step = s->used;
    return obj_val(it);
}

static Value set_repr_items(VM *vm, ObjSet *s, bool exact, const char *name);

/* set_repr: "{1, 2}", "set()", "frozenset({1})", "S({1})" for a subclass. */
Value set_repr(VM *vm, ObjSet *s) {
    const char *name = s->obj.cls->name->data;
    bool exact = s->obj.cls == vm->types[T_SET];
    StrBuf b = SB_INIT;
    if (s->used == 0) {
        sb_addf(&b, "%s()", name);
        return str_from_buf(vm, &b);
    }
    /* A set reached again inside its own items' reprs shows as "set(...)". */
    bool cycle;
    if (!op_repr_enter(vm, &s->obj, &cycle)) return ERR;
    if (cycle) {
        sb_addf(&b, "%s(...)", name);
        return str_from_buf(vm, &b);
    }
    Value r = set_repr_items(vm, s, exact, name);
    op_repr_leave(vm);
    return r;
}

/* set_repr's text of a non-empty set not being shown already. */
static Value set_repr_items(VM *vm, ObjSet *s, bool exact, const char *name) {
    /* A snapshot first: an item's __repr__ may change the set. */
    ObjList *keys = list_new(vm, s->used);
    if (!keys) return ERR;
    int64_t pos = 0;
    Value k;
    while (set_next(s, &pos, &k) && keys->len < keys->cap) keys->items[keys->len++] = k;
    if (!vm_push_root(vm, obj_val(keys))) return ERR;
    StrBuf b = SB_INIT;
    if (!exact) sb_addf(&b, "%s(", name);
    sb_addc(&b, '{');
    for (int64_t i = 0; i < keys->len; i++) {
        if (i) sb_adds(&b, ", ");
        if (!op_repr_to(vm, keys->items[i], &b)) {
            vm_pop_roots(vm, 1);
            sb_free(&b);
            return ERR;
        }
    }
    sb_addc(&b, '}');
    if (!exact) sb_addc(&b, ')');
    vm_pop_roots(vm, 1);
    return str_from_buf(vm, &b);
}

/* ---- methods ------------------------------------------------------------ */

/* Checks a method call as CPython's method descriptors do: self of the
 * right type, no keywords, and min..max arguments besides self (max -1: any
 * number). Returns self, or NULL after raising. */
static ObjSet *method_self(VM *vm, const char *meth, bool mutating, Value *args, int nargs,
                           ObjTuple *kw, int min, int max) {
    const char *tname = "set";
    if (nargs < 1 || !is_set(args[0]) || (mutating && set_frozen(vm, AS(ObjSet, args[0])))) {
        if (nargs < 1)
            exc_raise(vm, E_TypeError, "unbound method %s.%s() needs an argument", tname, meth);
        else
            exc_raise(vm, E_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%T' object",
                      meth, tname, args[0]);
        return NULL;
    }
    ObjSet *s = AS(ObjSet, args[0]);
    tname = set_frozen(vm, s) ? "frozenset" : "set";
    int n = nargs - 1;
    if (kw && kw->len > 0) {
        exc_raise(vm, E_TypeError, "%s.%s() takes no keyword arguments", tname, meth);
        return NULL;
    }
    if (max == 0 && n > 0) {
        exc_raise(vm, E_TypeError, "%s.%s() takes no arguments (%d given)", tname, meth, n);
        return NULL;
    }
    if (min == 1 && max == 1 && n != 1) {
        exc_raise(vm, E_TypeError, "%s.%s() takes exactly one argument (%d given)", tname, meth, n);
        return NULL;
    }
    return s;
}

#define SELF_OR_ERR(meth, mut, min, max) \
    ObjSet *s = method_self(vm, meth, mut, args, nargs, kw, min, max); \
    if (!s) return ERR

static Value m_add(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("add", true, 1, 1);
    return set_add_key(vm, s, args[1]) < 0 ? ERR : NONE_VAL;
}

static Value key_error(VM *vm, Value key) {
    ObjTuple *t = tuple_from(vm, &key, 1);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[E_KeyError], t);
    if (e == ERR) return ERR;
    return exc_raise_value(vm, e);
}

static Value m_remove(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("remove", true, 1, 1);
    int r = set_discard(vm, s, args[1]);
    if (r < 0) return ERR;
    return r ? NONE_VAL : key_error(vm, args[1]);
}

static Value m_discard(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("discard", true, 1, 1);
    return set_discard(vm, s, args[1]) < 0 ? ERR : NONE_VAL;
}

/* set_pop: walks from the finger, where the last pop stopped. */
static Value m_pop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("pop", true, 0, 0);
    if (s->used == 0) return exc_raise(vm, E_KeyError, "pop from an empty set");
    uint64_t i = s->hash & (uint64_t)s->mask;
    while (s->table[i].key == UNDEF || s->table[i].key == DUMMY_KEY)
        i = i == (uint64_t)s->mask ? 0 : i + 1;
    Value k = s->table[i].key;
    s->table[i].key = DUMMY_KEY;
    s->table[i].hash = DUMMY_HASH;
    s->used--;
    s->hash = i + 1;
    return k;
}

static Value m_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("clear", true, 0, 0);
    return set_clear_internal(vm, s) < 0 ? ERR : NONE_VAL;
}

static Value m_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("copy", false, 0, 0);
    /* frozenset_copy: an exact frozenset is its own copy. */
    if (s->obj.cls == vm->types[T_FROZENSET]) return args[0];
    ObjSet *r = set_copy(vm, s);
    return r ? obj_val(r) : ERR;
}

static Value m_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("update", true, 0, -1);
    for (int i = 1; i < nargs; i++)
        if (set_update(vm, s, args[i]) < 0) return ERR;
    return NONE_VAL;
}

/* set_union */
static Value m_union(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("union", false, 0, -1);
    ObjSet *r = set_copy(vm, s);
    if (!r || !vm_push_root(vm, obj_val(r))) return ERR;
    for (int i = 1; i < nargs; i++) {
        if (is_set(args[i]) && AS(ObjSet, args[i]) == s) continue;
        if (set_update(vm, r, args[i]) < 0) {
            vm_pop_roots(vm, 1);
            return ERR;
        }
    }
    vm_pop_roots(vm, 1);
    return obj_val(r);
}

/* set_intersection_multi */
static ObjSet *intersection_multi(VM *vm, ObjSet *s, Value *others, int n) {
    if (n == 0) return set_copy(vm, s);
    ObjSet *r = s;
    for (int i = 0; i < n; i++) {
        ObjSet *next = set_intersection(vm, r, others[i]);
        if (r != s) vm_pop_roots(vm, 1);
        if (!next || !vm_push_root(vm, obj_val(next))) return NULL;
        r = next;
    }
    vm_pop_roots(vm, 1);
    return r;
}

static Value m_intersection(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("intersection", false, 0, -1);
    ObjSet *r = intersection_multi(vm, s, args + 1, nargs - 1);
    return r ? obj_val(r) : ERR;
}

static Value m_intersection_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("intersection_update", true, 0, -1);
    ObjSet *r = intersection_multi(vm, s, args + 1, nargs - 1);
    if (!r) return ERR;
    set_take_body(vm, s, r);
    return NONE_VAL;
}

/* set_difference_multi */
static Value m_difference(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("difference", false, 0, -1);
    if (nargs == 1) {
        ObjSet *r = set_copy(vm, s);
        return r ? obj_val(r) : ERR;
    }
    ObjSet *r = set_difference(vm, s, args[1]);
    if (!r || !vm_push_root(vm, obj_val(r))) return ERR;
    for (int i = 2; i < nargs; i++) {
        if (set_difference_update(vm, r, args[i]) < 0) {
            vm_pop_roots(vm, 1);
            return ERR;
        }
    }
    vm_pop_roots(vm, 1);
    return obj_val(r);
}

static Value m_difference_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("difference_update", true, 0, -1);
    for (int i = 1; i < nargs; i++)
        if (set_difference_update(vm, s, args[i]) < 0) return ERR;
    return NONE_VAL;
}

static Value m_symmetric_difference(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("symmetric_difference", false, 1, 1);
    ObjSet *r = set_symmetric_difference(vm, s, args[1]);
    return r ? obj_val(r) : ERR;
}

static Value m_symmetric_difference_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("symmetric_difference_update", true, 1, 1);
    return set_symmetric_difference_update(vm, s, args[1]) < 0 ? ERR : NONE_VAL;
}

static Value bool_or_err(int r) { return r < 0 ? ERR : bool_val(r); }

static Value m_issubset(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("issubset", false, 1, 1);
    return bool_or_err(set_issubset(vm, s, args[1]));
}

static Value m_issuperset(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("issuperset", false, 1, 1);
    return bool_or_err(set_issuperset(vm, s, args[1]));
}

static Value m_isdisjoint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("isdisjoint", false, 1, 1);
    return bool_or_err(set_isdisjoint(vm, s, args[1]));
}

/* ---- special methods ---------------------------------------------------- */

static Value m_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("__len__", false, 0, 0);
    return int_val(s->used);
}

static Value m_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("__contains__", false, 1, 1);
    return bool_or_err(set_contains(vm, s, args[1]));
}

static Value m_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("__iter__", false, 0, 0);
    return set_iter(vm, s);
}

static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("__repr__", false, 0, 0);
    return set_repr(vm, s);
}

static Value m_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    SELF_OR_ERR("__hash__", false, 0, 0);
    return int_from_i64(vm, (int64_t)set_frozen_hash(s));
}

static Value compare(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *meth, CmpOp op) {
    SELF_OR_ERR(meth, false, 1, 1);
    int r = set_compare(vm, obj_val(s), args[1], op);
    if (r == -2) return NOTIMPL_VAL;
    return bool_or_err(r);
}
static Value m_eq(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, "__eq__", CMP_EQ); }
static Value m_ne(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, "__ne__", CMP_NE); }
static Value m_lt(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, "__lt__", CMP_LT); }
static Value m_le(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, "__le__", CMP_LE); }
static Value m_gt(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, "__gt__", CMP_GT); }
static Value m_ge(VM *vm, Value *a, int n, ObjTuple *kw) { return compare(vm, a, n, kw, "__ge__", CMP_GE); }

static Value binop(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *meth, BinOp op, bool reflected) {
    SELF_OR_ERR(meth, false, 1, 1);
    return reflected ? set_binop(vm, op, args[1], obj_val(s)) : set_binop(vm, op, obj_val(s), args[1]);
}
static Value m_or(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__or__", BIN_OR, false); }
static Value m_and(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__and__", BIN_AND, false); }
static Value m_sub(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__sub__", BIN_SUB, false); }
static Value m_xor(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__xor__", BIN_XOR, false); }
static Value m_ror(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__ror__", BIN_OR, true); }
static Value m_rand(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__rand__", BIN_AND, true); }
static Value m_rsub(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__rsub__", BIN_SUB, true); }
static Value m_rxor(VM *vm, Value *a, int n, ObjTuple *kw) { return binop(vm, a, n, kw, "__rxor__", BIN_XOR, true); }

/* a |= b and friends: change the set a itself (other names for it see the
 * change), as CPython's set_ior/set_iand/set_isub/set_ixor, and return it;
 * NOTIMPL unless a is a mutable set and b a set or frozenset. */
Value set_inplace(VM *vm, BinOp op, Value a, Value b) {
    if (!is_set(a) || !is_set(b) || set_frozen(vm, AS(ObjSet, a))) return NOTIMPL_VAL;
    ObjSet *s = AS(ObjSet, a);
    int rc;
    switch (op) {
    case BIN_OR: rc = set_update(vm, s, b); break;
    case BIN_SUB: rc = set_difference_update(vm, s, b); break;
    case BIN_XOR: rc = set_symmetric_difference_update(vm, s, b); break;
    case BIN_AND: {
        ObjSet *r = set_intersection(vm, s, b);
        rc = r ? 0 : -1;
        if (r) set_take_body(vm, s, r);
        break;
    }
    default: return NOTIMPL_VAL;
    }
    return rc < 0 ? ERR : a;
}

static Value inplace(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *meth, BinOp op) {
    SELF_OR_ERR(meth, true, 1, 1);
    return set_inplace(vm, op, obj_val(s), args[1]);
}
static Value m_ior(VM *vm, Value *a, int n, ObjTuple *kw) { return inplace(vm, a, n, kw, "__ior__", BIN_OR); }
static Value m_iand(VM *vm, Value *a, int n, ObjTuple *kw) { return inplace(vm, a, n, kw, "__iand__", BIN_AND); }
static Value m_isub(VM *vm, Value *a, int n, ObjTuple *kw) { return inplace(vm, a, n, kw, "__isub__", BIN_SUB); }
static Value m_ixor(VM *vm, Value *a, int n, ObjTuple *kw) { return inplace(vm, a, n, kw, "__ixor__", BIN_XOR); }

/* ---- construction ------------------------------------------------------- */

/* set.__new__(cls, *args) and frozenset.__new__(cls, *args). For the exact
 * types it does the whole construction (CPython's vectorcall path: class.c
 * calls no __init__ for builtin types); a set subclass gets an empty
 * instance that set.__init__ fills. */
static Value set___new__(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1) return exc_raise(vm, E_TypeError, "set.__new__(): not enough arguments");
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "set.__new__(X): X is not a type object (%T)", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    bool frozen = cls == vm->types[T_FROZENSET] || class_is_subclass(cls, vm->types[T_FROZENSET]);
    const char *name = frozen ? "frozenset" : "set";
    if (!frozen && !class_is_subclass(cls, vm->types[T_SET]))     /* (it would make a set of class cls) */
        return exc_raise(vm, E_TypeError, "set.__new__(%s): %s is not a subtype of set", cls->name->data, cls->name->data);
    bool exact = cls == vm->types[frozen ? T_FROZENSET : T_SET];
    if (exact && kw && kw->len > 0)
        return exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", name);
    /* a frozenset subclass takes keywords only for an __init__ of its own */
    if (frozen && !args_no_kw_new(vm, "frozenset", args[0], vm->types[T_FROZENSET], kw)) return ERR;
    if ((exact || frozen) && nargs > 2)
        return exc_raise(vm, E_TypeError, "%s expected at most 1 argument, got %d", name, nargs - 1);
    if (!frozen && !exact) {
        ObjSet *s = set_new(vm, cls);
        return s ? obj_val(s) : ERR;
    }
    if (frozen && nargs > 1 && exact && is_set(args[1]) && as_obj(args[1])->cls == cls)
        return args[1];
    ObjSet *s = nargs > 1 ? set_from(vm, cls, args[1]) : set_new(vm, cls);
    return s ? obj_val(s) : ERR;
}

/* set.__init__(self, iterable=()): empties the set, then fills it. */
static Value set___init__(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || !is_set(args[0]) || set_frozen(vm, AS(ObjSet, args[0])))
        return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'set' object");
    ObjSet *s = AS(ObjSet, args[0]);
    if (kw && kw->len > 0) return exc_raise(vm, E_TypeError, "set() takes no keyword arguments");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "set expected at most 1 argument, got %d", nargs - 1);
    if (s->fill && set_clear_internal(vm, s) < 0) return ERR;
    if (nargs > 1 && set_update(vm, s, args[1]) < 0) return ERR;
    return NONE_VAL;
}

static Value setiter_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs < 1 || !is_kind(args[0], OBJ_ITER))
        return exc_raise(vm, E_TypeError, "descriptor '__length_hint__' requires a 'set_iterator' object");
    ObjIter *it = AS(ObjIter, args[0]);
    return int_val(is_set(it->a) && it->n == AS(ObjSet, it->a)->used ? it->step : 0);
}

void set_init_methods(VM *vm) {
    static const struct { const char *name; NativeFn fn; } common[] = {
        {"copy", m_copy}, {"union", m_union},
        {"intersection", m_intersection}, {"difference", m_difference},
        {"symmetric_difference", m_symmetric_difference}, {"issubset", m_issubset},
        {"issuperset", m_issuperset}, {"isdisjoint", m_isdisjoint},
        {"__len__", m_len}, {"__contains__", m_contains}, {"__iter__", m_iter},
        {"__repr__", m_repr}, {"__eq__", m_eq}, {"__ne__", m_ne}, {"__lt__", m_lt},
        {"__le__", m_le}, {"__gt__", m_gt}, {"__ge__", m_ge}, {"__or__", m_or},
        {"__and__", m_and}, {"__sub__", m_sub}, {"__xor__", m_xor}, {"__ror__", m_ror},
        {"__rand__", m_rand}, {"__rsub__", m_rsub}, {"__rxor__", m_rxor},
    };
    static const struct { const char *name; NativeFn fn; } mutating[] = {
        {"__init__", set___init__}, {"add", m_add}, {"remove", m_remove},
        {"discard", m_discard}, {"pop", m_pop}, {"clear", m_clear}, {"update", m_update},
        {"intersection_update", m_intersection_update},
        {"difference_update", m_difference_update},
        {"symmetric_difference_update", m_symmetric_difference_update},
        {"__ior__", m_ior}, {"__iand__", m_iand}, {"__isub__", m_isub}, {"__ixor__", m_ixor},
    };
    ObjClass *set = vm->types[T_SET], *fset = vm->types[T_FROZENSET];
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        class_add_native(vm, set, common[i].name, common[i].fn);
        class_add_native(vm, fset, common[i].name, common[i].fn);
    }
    for (size_t i = 0; i < sizeof mutating / sizeof mutating[0]; i++)
        class_add_native(vm, set, mutating[i].name, mutating[i].fn);
    /* __new__ is static: no NATIVE_METHOD flag, as class.c registers its own. */
    ObjNative *n = native_new(vm, "__new__", set___new__);
    if (n) {
        dict_set_str(vm, set->dict, n->name, obj_val(n));
        dict_set_str(vm, fset->dict, n->name, obj_val(n));
    }
    class_add_native(vm, fset, "__hash__", m_hash);
    dict_set_str(vm, set->dict, vm_name(vm, N___hash__), NONE_VAL);   /* unhashable */
    class_add_native(vm, vm->types[T_SET_ITER], "__length_hint__", setiter_length_hint);
}
