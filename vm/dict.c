/* dict: CPython's compact layout. `entries` keeps insertion order; `index`
 * is an open-addressing table of entry numbers probed with CPython's
 * perturbation, so long runs of similar hashes still spread out. A deleted
 * entry keeps its place in `entries` (key UNDEF) until the next resize
 * compacts them. */
#include "builtins.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "finalize.h"
#include "gc.h"
#include "ops.h"
#include "slots.h"
#include "str.h"

#define IX_EMPTY DICT_IX_EMPTY
#define IX_DELETED (-2)
#define PERTURB_SHIFT 5

ObjDict *dict_new(VM *vm) {
    return gc_new(vm, sizeof(ObjDict), OBJ_DICT, vm->types[T_DICT]);
}

/* Index sizes are powers of two; entries fill at most 2/3 of the index. */
static int64_t usable(int64_t index_size) { return index_size * 2 / 3; }

/* The entries and the index share one allocation: entries first. */
static size_t table_bytes(int64_t cap, int64_t index_size) {
    return (size_t)cap * sizeof(DictEntry) + (size_t)index_size * sizeof(int32_t);
}

void dict_free_table(VM *vm, ObjDict *d) {
    if (d->entries) gc_free(vm, d->entries, table_bytes(d->cap, d->mask + 1));
    d->entries = NULL;
    d->index = NULL;
}

/* The first empty slot of hash's probe sequence: where a key known to be
 * absent goes in an index without deleted slots (just rebuilt). */
static int64_t empty_slot(const int32_t *index, int64_t mask, uint64_t hash) {
    uint64_t perturb = hash;
    int64_t j = (int64_t)(hash & (uint64_t)mask);
    while (index[j] != IX_EMPTY) {
        perturb >>= PERTURB_SHIFT;
        j = (int64_t)((uint64_t)(j * 5 + 1) + perturb) & mask;
    }
    return j;
}

/* A new table with room for min_count entries, its index at least `size`
 * slots; the live entries move over. */
static bool table_resize(VM *vm, ObjDict *d, int64_t min_count, int64_t size) {
    while (usable(size) < min_count) {
        if (size > (INT32_MAX / 2)) { exc_nomem(vm); return false; }
        size *= 2;
    }
    int64_t cap = usable(size);
    DictEntry *entries = gc_malloc(vm, table_bytes(cap, size));
    if (!entries) return false;
    int32_t *index = (int32_t *)(entries + cap);
    memset(index, 0xFF, (size_t)size * sizeof(int32_t));
    int64_t n = 0;
    for (int64_t i = 0; i < d->nentries; i++) {
        DictEntry *e = &d->entries[i];
        if (e->key == UNDEF) continue;
        entries[n] = *e;
        index[empty_slot(index, size - 1, e->hash)] = (int32_t)n++;
    }
    dict_free_table(vm, d);
    d->index = index;
    d->entries = entries;
    d->mask = size - 1;
    d->cap = cap;
    d->nentries = n;
    d->live_lo = 0;
    d->live_hi = n;
    return true;
}

static bool dict_resize(VM *vm, ObjDict *d, int64_t min_count) {
    return table_resize(vm, d, min_count, 8);
}

/* An instance's dict, with room for the attributes its class's instances
 * had (class_alloc): two attributes take a 4-slot index, not the 8 slots
 * a growing dict starts with, and no resize at the first store. */
ObjDict *dict_new_sized(VM *vm, int64_t n) {
    ObjDict *d = dict_new(vm);
    if (d && n > 0 && !table_resize(vm, d, n, 4)) return NULL;
    return d;
}

/* Finds key's slot in the index. Returns the entry number or -1, and stores
 * in *slot where the key is or would go. -2 after an error in __eq__. */
static int64_t lookup(VM *vm, ObjDict *d, Value key, uint64_t hash, int64_t *slot) {
restart:
    if (!d->index) { *slot = -1; return -1; }     /* also after a clear() in __eq__ */
    uint64_t perturb = hash;
    int64_t j = (int64_t)(hash & (uint64_t)d->mask), free_slot = -1;
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == IX_EMPTY) { *slot = free_slot >= 0 ? free_slot : j; return -1; }
        if (ix == IX_DELETED) {
            if (free_slot < 0) free_slot = j;
        } else {
            DictEntry *e = &d->entries[ix];
            if (e->key == key) { *slot = j; return ix; }
            if (e->hash == hash) {
                Value k = e->key;
                if (is_str(k) && is_str(key) && !((as_obj(k)->flags | as_obj(key)->flags) & OBJ_SUBTYPE)) {
                    if (str_eq(AS(ObjStr, k), AS(ObjStr, key))) { *slot = j; return ix; }
                } else {
                    DictEntry *entries = d->entries;
                    int eq = op_eq(vm, k, key);
                    if (eq < 0) return -2;
                    /* Start again if __eq__ replaced the table or this entry,
                       as CPython does; keys added or removed elsewhere in
                       the same table (an lru_cache hit moving its key to the
                       end) do not make the answer wrong, and restarting on
                       them could loop for ever. */
                    if (entries != d->entries || ix >= d->nentries || d->entries[ix].key != k)
                        goto restart;
                    if (eq) { *slot = j; return ix; }
                }
            }
        }
        perturb >>= PERTURB_SHIFT;
        j = (int64_t)((uint64_t)(j * 5 + 1) + perturb) & d->mask;
    }
}

/* The value under str key, or UNDEF. *other is set when the probe met a
 * key of another type with the same hash, which may still compare equal
 * (a class whose __eq__ and __hash__ mirror str's). */
static Value get_str(ObjDict *d, ObjStr *key, bool *other) {
    if (!d || !d->index) return UNDEF;     /* object() instances have no dict */
    uint64_t hash = str_hash(key), perturb = hash;
    int64_t j = (int64_t)(hash & (uint64_t)d->mask);
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == IX_EMPTY) return UNDEF;
        if (ix >= 0) {
            DictEntry *e = &d->entries[ix];
            if (e->key == obj_val(key)) return e->value;
            if (e->hash == hash) {
                /* (a str subclass key may compare its own way) */
                bool plain = is_str(e->key) && !(as_obj(e->key)->flags & OBJ_SUBTYPE);
                if (plain && str_eq(AS(ObjStr, e->key), key)) return e->value;
                if (!plain) *other = true;
            }
        }
        perturb >>= PERTURB_SHIFT;
        j = (int64_t)((uint64_t)(j * 5 + 1) + perturb) & d->mask;
    }
}

Value dict_get(VM *vm, ObjDict *d, Value key) {
    if (is_str(key) && !(as_obj(key)->flags & OBJ_SUBTYPE)) {     /* (a subclass may hash its own way) */
        bool other = false;
        Value v = get_str(d, AS(ObjStr, key), &other);
        if (v != UNDEF || !other) return v;
    }
    uint64_t h;
    if (op_hash(vm, key, &h) < 0) return ERR;
    int64_t slot, ix = lookup(vm, d, key, h, &slot);
    if (ix == -2) return ERR;
    return ix < 0 ? UNDEF : d->entries[ix].value;
}

Value dict_get_hashed(VM *vm, ObjDict *d, Value key, uint64_t hash) {
    int64_t slot, ix = lookup(vm, d, key, hash, &slot);
    if (ix == -2) return ERR;
    return ix < 0 ? UNDEF : d->entries[ix].value;
}

Value dict_get_str(ObjDict *d, ObjStr *key) {
    bool other = false;
    return get_str(d, key, &other);
}

int64_t dict_find_str(ObjDict *d, ObjStr *key) {
    if (!d || !d->index) return -1;
    uint64_t hash = str_hash(key), perturb = hash;
    int64_t j = (int64_t)(hash & (uint64_t)d->mask);
    for (;;) {
        int32_t ix = d->index[j];
        if (ix == IX_EMPTY) return -1;
        if (ix >= 0) {
            DictEntry *e = &d->entries[ix];
            if (e->key == obj_val(key) || (e->hash == hash && is_str(e->key) && str_eq(AS(ObjStr, e->key), key)))
                return ix;
        }
        perturb >>= PERTURB_SHIFT;
        j = (int64_t)((uint64_t)(j * 5 + 1) + perturb) & d->mask;
    }
}

/* Adds key, absent from d, whose slot lookup just gave. */
static int insert_new(VM *vm, ObjDict *d, Value key, uint64_t hash, Value v, int64_t slot) {
    if (d->nentries >= d->cap) {
        if (!dict_resize(vm, d, d->count + 1 > d->count * 2 ? d->count + 1 : d->count * 2)) return -1;
        slot = empty_slot(d->index, d->mask, hash);     /* the key is absent: no __eq__ to ask */
    }
    d->entries[d->nentries] = (DictEntry){key, v, hash};
    d->index[slot] = (int32_t)d->nentries++;
    d->live_hi = d->nentries;
    d->count++;
    d->version = ++vm->dict_version;
    return 0;
}

static int insert(VM *vm, ObjDict *d, Value key, uint64_t hash, Value v) {
    int64_t slot, ix = lookup(vm, d, key, hash, &slot);
    if (ix == -2) return -1;
    if (ix >= 0) {
        d->entries[ix].value = v;
        d->version = ++vm->dict_version;
        return 0;
    }
    return insert_new(vm, d, key, hash, v, slot);
}

int dict_set(VM *vm, ObjDict *d, Value key, Value v) {
    uint64_t h;
    if (op_hash(vm, key, &h) < 0) return -1;
    return insert(vm, d, key, h, v);
}

int dict_set_hashed(VM *vm, ObjDict *d, Value key, uint64_t hash, Value v) { return insert(vm, d, key, hash, v); }

int dict_set_str(VM *vm, ObjDict *d, ObjStr *key, Value v) {
    return insert(vm, d, obj_val(key), str_hash(key), v);
}

int dict_del(VM *vm, ObjDict *d, Value key) {
    uint64_t h;
    if (op_hash(vm, key, &h) < 0) return -1;
    return dict_del_hashed(vm, d, key, h);
}

int dict_del_hashed(VM *vm, ObjDict *d, Value key, uint64_t h) {
    int64_t slot, ix = lookup(vm, d, key, h, &slot);
    if (ix == -2) return -1;
    if (ix < 0) return 0;
    d->index[slot] = IX_DELETED;
    d->entries[ix].key = UNDEF;
    d->entries[ix].value = UNDEF;
    d->count--;
    d->version = ++vm->dict_version;
    while (d->live_lo < d->live_hi && d->entries[d->live_lo].key == UNDEF) d->live_lo++;
    while (d->live_hi > d->live_lo && d->entries[d->live_hi - 1].key == UNDEF) d->live_hi--;
    return 1;
}

bool dict_next(ObjDict *d, int64_t *pos, Value *key, Value *value) {
    uint64_t hash;
    return dict_next_hash(d, pos, key, value, &hash);
}

bool dict_next_hash(ObjDict *d, int64_t *pos, Value *key, Value *value, uint64_t *hash) {
    if (*pos < d->live_lo) *pos = d->live_lo;
    while (*pos < d->nentries) {
        DictEntry *e = &d->entries[(*pos)++];
        if (e->key == UNDEF) continue;
        if (key) *key = e->key;
        if (value) *value = e->value;
        *hash = e->hash;
        return true;
    }
    return false;
}

ObjDict *dict_copy(VM *vm, ObjDict *src) {
    ObjDict *d = dict_new(vm);
    if (!d) return NULL;
    if (src->count && !dict_resize(vm, d, src->count)) return NULL;
    int64_t pos = 0;
    Value k, v;
    while (dict_next(src, &pos, &k, &v)) {
        if (insert(vm, d, k, src->entries[pos - 1].hash, v) < 0) return NULL;
    }
    return d;
}

void dict_clear(VM *vm, ObjDict *d) {
    dict_free_table(vm, d);
    d->mask = d->cap = d->nentries = d->count = 0;
    d->live_lo = d->live_hi = 0;
    d->version = ++vm->dict_version;
}

int dict_update(VM *vm, ObjDict *d, Value other) {
    /* A dict subclass that iterates its own way is read as a mapping, as
     * CPython's PyDict_Merge does. */
    if (is_dict(other) && op_override(vm, other, N___iter__) == UNDEF) {
        /* A key's __eq__ may change `other`: its entry is rooted while it
         * is inserted, and a change of size is an error, as in CPython. */
        ObjDict *o = AS(ObjDict, other);
        int64_t count = o->count;
        Value *roots = vm_roots_open(vm, 2);
        if (!roots) return -1;
        int rc = 0;
        for (int64_t pos = 0; pos < o->nentries && rc == 0; pos++) {
            DictEntry e = o->entries[pos];
            if (e.key == UNDEF) continue;
            roots[0] = e.key, roots[1] = e.value;
            rc = insert(vm, d, e.key, e.hash, e.value) < 0 ? -1 : 0;
            if (rc == 0 && o->count != count) {
                exc_raise(vm, E_RuntimeError, "dict mutated during update");
                rc = -1;
            }
        }
        vm_pop_roots(vm, 2);
        return rc;
    }
    /* A mapping with keys(), or an iterable of pairs. */
    Value keys = op_getattr_opt(vm, other, vm_name(vm, N_keys));
    if (keys == ERR) return -1;
    if (keys != UNDEF) {
        /* listed from keys()'s iterator, as CPython's PyMapping_Keys does
         * (the keys object's __len__ is not asked) */
        Value ks = op_call0(vm, keys);
        if (ks == ERR || !vm_push_root(vm, ks)) return -1;
        Value kit = op_iter(vm, ks);
        bool held = kit != ERR && vm_push_root(vm, kit);
        ObjList *kl = held ? op_to_list(vm, kit) : NULL;
        vm_pop_roots(vm, held ? 2 : 1);
        if (!kl || !vm_push_root(vm, obj_val(kl))) return -1;
        int rc = 0;
        for (int64_t i = 0; i < kl->len && rc == 0; i++) {
            Value v = op_getitem(vm, other, kl->items[i]);
            rc = v == ERR ? -1 : dict_set(vm, d, kl->items[i], v);
        }
        vm_pop_roots(vm, 1);
        return rc;
    }
    Value it = op_iter(vm, other);
    if (it == ERR) return -1;
    if (!vm_push_root(vm, it)) return -1;
    int rc = 0;
    for (int64_t n = 0;; n++) {
        Value item = op_next(vm, it);
        if (item == UNDEF) break;
        if (item == ERR) { rc = -1; break; }
        ObjList *pair = op_to_list(vm, item);
        if (!pair) {
            if (exc_is(vm, vm->exc, E_TypeError)) {
                vm->exc = UNDEF;
                exc_raise(vm, E_TypeError,
                          "cannot convert dictionary update sequence element #%lld to a sequence",
                          (long long)n);
            }
            rc = -1;
            break;
        }
        if (pair->len != 2) {
            exc_raise(vm, E_ValueError,
                      "dictionary update sequence element #%lld has length %lld; 2 is required",
                      (long long)n, (long long)pair->len);
            rc = -1;
            break;
        }
        /* Hashing the key may run script code: keep the pair reachable. */
        if (!vm_push_root(vm, obj_val(pair))) { rc = -1; break; }
        int r = dict_set(vm, d, pair->items[0], pair->items[1]);
        vm_pop_roots(vm, 1);
        if (r < 0) { rc = -1; break; }
    }
    vm_pop_roots(vm, 1);
    return rc;
}

/* ---- methods ----------------------------------------------------------- */

#define SELF AS(ObjDict, args[0])

static Value raise_key_error(VM *vm, Value key) {
    ObjTuple *t = tuple_from(vm, &key, 1);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[E_KeyError], t);
    if (e == ERR) return ERR;
    return exc_raise_value(vm, e);
}

static Value m_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.get", nargs - 1, kw, 1, 2)) return ERR;
    Value v = dict_get(vm, SELF, args[1]);
    if (v == UNDEF) return nargs > 2 ? args[2] : NONE_VAL;
    return v;
}

/* One hash and one probe, as CPython's: a key's __hash__ and __eq__ run
   once each. */
static Value m_setdefault(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.setdefault", nargs - 1, kw, 1, 2)) return ERR;
    uint64_t h;
    if (op_hash(vm, args[1], &h) < 0) return ERR;
    int64_t slot, ix = lookup(vm, SELF, args[1], h, &slot);
    if (ix == -2) return ERR;
    if (ix >= 0) return SELF->entries[ix].value;
    Value dflt = nargs > 2 ? args[2] : NONE_VAL;
    return insert_new(vm, SELF, args[1], h, dflt, slot) < 0 ? ERR : dflt;
}

static Value m_pop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.pop", nargs - 1, kw, 1, 2)) return ERR;
    /* CPython does not hash the key of an empty dict: {}.pop([]) is a KeyError */
    Value v = SELF->count == 0 ? UNDEF : dict_get(vm, SELF, args[1]);
    if (v == ERR) return ERR;
    if (v == UNDEF) return nargs > 2 ? args[2] : raise_key_error(vm, args[1]);
    return dict_del(vm, SELF, args[1]) < 0 ? ERR : v;
}

static Value m_popitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.popitem", nargs - 1, kw, 0, 0)) return ERR;
    ObjDict *d = SELF;
    for (int64_t i = d->live_hi - 1; i >= d->live_lo; i--) {
        DictEntry e = d->entries[i];
        if (e.key == UNDEF) continue;
        Value pair[2] = {e.key, e.value};
        ObjTuple *t = tuple_from(vm, pair, 2);
        if (!t || dict_del(vm, d, e.key) < 0) return ERR;
        return obj_val(t);
    }
    return exc_raise(vm, E_KeyError, "popitem(): dictionary is empty");
}

static Value m_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.update", nargs - 1, NULL, 0, 1)) return ERR;
    if (nargs > 1 && dict_update(vm, SELF, args[1]) < 0) return ERR;
    int nkw = kw ? (int)kw->len : 0;
    for (int i = 0; i < nkw; i++) {
        if (dict_set(vm, SELF, kw->items[i], args[nargs + i]) < 0) return ERR;
    }
    return NONE_VAL;
}

/* dict.__init__(self, [mapping or pairs], **kw): what dict() adds to a new
 * dict, for subclasses (the builtin itself fills it in its constructor). */
static Value m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || !is_dict(args[0])) return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'dict' object");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "dict expected at most 1 argument, got %d", nargs - 1);
    return m_update(vm, args, nargs, kw);
}

static Value m_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.clear", nargs - 1, kw, 0, 0)) return ERR;
    if (finalize_items_dropped(vm, args[0])) vm->fin_after_call = true;     /* __del__ runs after the call */
    dict_clear(vm, SELF);
    return NONE_VAL;
}

static Value m_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.copy", nargs - 1, kw, 0, 0)) return ERR;
    if (op_override(vm, args[0], N___iter__) != UNDEF) {
        /* a subclass that iterates its own way is copied through keys() */
        ObjDict *d = dict_new(vm);
        if (!d || !vm_push_root(vm, obj_val(d))) return ERR;
        int rc = dict_update(vm, d, args[0]);
        vm_pop_roots(vm, 1);
        return rc < 0 ? ERR : obj_val(d);
    }
    ObjDict *d = dict_copy(vm, SELF);
    return d ? obj_val(d) : ERR;
}

TypeId dict_view_type(VM *vm, ObjClass *c) {
    if (c->mro->len > 2) c = AS(ObjClass, c->mro->items[1]);       /* odict_keys: dict_keys */
    for (TypeId t = T_DICT_KEYS; t <= T_DICT_ITEMS; t++)
        if (c == vm->types[t]) return t;
    return T_COUNT;
}

Value dict_view_new(VM *vm, Value d, ObjClass *cls) {
    ObjIter *v = iter_new(vm, cls, NULL);     /* a view: iterable, not an iterator */
    if (!v) return ERR;
    v->a = d;
    return obj_val(v);
}

static Value make_view(VM *vm, Value d, TypeId t) { return dict_view_new(vm, d, vm->types[t]); }

static Value m_keys(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.keys", nargs - 1, kw, 0, 0)) return ERR;
    return make_view(vm, args[0], T_DICT_KEYS);
}
static Value m_values(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.values", nargs - 1, kw, 0, 0)) return ERR;
    return make_view(vm, args[0], T_DICT_VALUES);
}
static Value m_items(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.items", nargs - 1, kw, 0, 0)) return ERR;
    return make_view(vm, args[0], T_DICT_ITEMS);
}

/* dict.fromkeys from an exact set, frozenset or dict: their keys' stored
 * hashes are reused (no __hash__ calls), as in CPython. False when src is
 * none of those; else *r is ERR after an error. */
static bool fromkeys_hashed(VM *vm, ObjDict *d, Value src, Value value, Value *r) {
    ObjClass *c = is_obj(src) ? as_obj(src)->cls : NULL;
    bool set = c == vm->types[T_SET] || c == vm->types[T_FROZENSET];
    if (!set && c != vm->types[T_DICT]) return false;
    int64_t pos = 0;
    Value k, v;
    uint64_t h;
    while (set ? set_next_hash(AS(ObjSet, src), &pos, &k, &h) : dict_next_hash(AS(ObjDict, src), &pos, &k, &v, &h)) {
        if (dict_set_hashed(vm, d, k, h, value) < 0) {
            *r = ERR;
            break;
        }
    }
    return true;
}

/* dict.fromkeys(iterable[, value]), a classmethod: a subclass gets an
 * instance of itself, made by calling it and filled through its own
 * __setitem__, as in CPython. */
static Value m_fromkeys(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dict.fromkeys", nargs - 1, kw, 1, 2)) return ERR;
    Value cls = is_kind(args[0], OBJ_CLASS) ? args[0] : obj_val(type_of(vm, args[0]));
    bool plain = cls == obj_val(vm->types[T_DICT]);
    Value r;
    if (plain) {
        ObjDict *d = dict_new(vm);
        if (!d) return ERR;
        r = obj_val(d);
    } else if ((r = op_call0(vm, cls)) == ERR) {
        return ERR;
    }
    if (!vm_push_root(vm, r)) return ERR;
    if (plain && fromkeys_hashed(vm, AS(ObjDict, r), args[1], nargs > 2 ? args[2] : NONE_VAL, &r)) {
        vm_pop_roots(vm, 1);
        return r;
    }
    Value it = op_iter(vm, args[1]), value = nargs > 2 ? args[2] : NONE_VAL;
    if (it == ERR || !vm_push_root(vm, it)) { vm_pop_roots(vm, 1); return ERR; }
    for (;;) {
        Value k = op_next(vm, it);
        if (k == UNDEF) break;
        int ok = k == ERR ? -1 : plain ? dict_set(vm, AS(ObjDict, r), k, value) : op_setitem(vm, r, k, value);
        if (ok < 0) { r = ERR; break; }
    }
    vm_pop_roots(vm, 2);
    return r;
}

/* Iterators over a dict and its views: it->a is the dict, it->i the next
 * entry, it->n the size it must keep, it->step the entries given so far. */
#define ITER_DONE (-2)     /* it->n of an exhausted iterator: it ends for good */

static Value dict_iter_step(VM *vm, ObjIter *it, DictEntry **out) {
    ObjDict *d = AS(ObjDict, it->a);
    if (it->n == ITER_DONE) return UNDEF;
    if (d->count != it->n) {
        it->n = -1;     /* stays broken, as in CPython */
        return exc_raise(vm, E_RuntimeError, "dictionary changed size during iteration");
    }
    if (it->i < d->live_lo) it->i = d->live_lo;
    while (it->i < d->nentries) {
        DictEntry *e = &d->entries[it->i++];
        if (e->key == UNDEF) continue;
        if (it->step == it->n) {
            /* More keys than the dict had: one was deleted and another
               added. The iterator is finished from now on, as CPython's. */
            it->i = INT64_MAX;
            return exc_raise(vm, E_RuntimeError, "dictionary keys changed during iteration");
        }
        *out = e;
        it->step++;
        return TRUE_VAL;
    }
    it->n = ITER_DONE;      /* a later change to the dict is no error */
    return UNDEF;
}

/* The reversed() iterators of a dict and its views: as above, from the
 * last entry down (it->i), with no check for replaced keys (CPython has
 * none there either). */
static Value dict_reviter_step(VM *vm, ObjIter *it, DictEntry **out) {
    ObjDict *d = AS(ObjDict, it->a);
    if (it->n == ITER_DONE) return UNDEF;
    if (d->count != it->n) {
        it->n = -1;
        return exc_raise(vm, E_RuntimeError, "dictionary changed size during iteration");
    }
    if (it->i >= d->nentries) it->i = d->nentries - 1;
    while (it->i >= 0 && it->i >= d->live_lo) {
        DictEntry *e = &d->entries[it->i--];
        if (e->key == UNDEF) continue;
        *out = e;
        it->step++;
        return TRUE_VAL;
    }
    it->n = ITER_DONE;
    return UNDEF;
}

static Value dictiter_length_hint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__length_hint__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_ITER)) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", args[0]);
    ObjIter *it = AS(ObjIter, args[0]);
    ObjDict *d = AS(ObjDict, it->a);
    return int_val(d->count == it->n && it->n > it->step ? it->n - it->step : 0);
}

static Value keyiter_next(VM *vm, ObjIter *it) {
    DictEntry *e = NULL;
    Value r = dict_iter_step(vm, it, &e);
    return r == TRUE_VAL ? e->key : r;
}
static Value valueiter_next(VM *vm, ObjIter *it) {
    DictEntry *e = NULL;
    Value r = dict_iter_step(vm, it, &e);
    return r == TRUE_VAL ? e->value : r;
}
static Value itemiter_next(VM *vm, ObjIter *it) {
    DictEntry *e = NULL;
    Value r = dict_iter_step(vm, it, &e);
    if (r != TRUE_VAL) return r;
    Value pair[2] = {e->key, e->value};
    ObjTuple *t = tuple_from(vm, pair, 2);
    return t ? obj_val(t) : ERR;
}

static Value revkeyiter_next(VM *vm, ObjIter *it) {
    DictEntry *e = NULL;
    Value r = dict_reviter_step(vm, it, &e);
    return r == TRUE_VAL ? e->key : r;
}
static Value revvalueiter_next(VM *vm, ObjIter *it) {
    DictEntry *e = NULL;
    Value r = dict_reviter_step(vm, it, &e);
    return r == TRUE_VAL ? e->value : r;
}
static Value revitemiter_next(VM *vm, ObjIter *it) {
    DictEntry *e = NULL;
    Value r = dict_reviter_step(vm, it, &e);
    if (r != TRUE_VAL) return r;
    Value pair[2] = {e->key, e->value};
    ObjTuple *t = tuple_from(vm, pair, 2);
    return t ? obj_val(t) : ERR;
}

/* An OrderedDict's iterators (class odict_iterator), as CPython's: any change of
 * its keys or their order since the iterator was made is an error, but only
 * while a next item is due (one made after the last item is no error); new
 * values for its keys are fine. it->b and it->c hold the dict's nentries and
 * obj.spare when made; it->i is the entry of the next item. */
static Value odict_iter_step(VM *vm, ObjIter *it, DictEntry **out, bool rev) {
    ObjDict *d = AS(ObjDict, it->a);
    if (it->n == ITER_DONE) return UNDEF;
    if (d->count != it->n || d->nentries != as_int(it->b) || d->obj.spare != (uint32_t)as_int(it->c)) {
        it->n = ITER_DONE;
        return exc_raise(vm, E_RuntimeError, "OrderedDict mutated during iteration");
    }
    *out = &d->entries[it->i];
    it->step++;
    /* the next live entry, if any: none left, and the iterator is done */
    int64_t i = it->i + (rev ? -1 : 1);
    while (i >= 0 && i < d->nentries && d->entries[i].key == UNDEF) i += rev ? -1 : 1;
    if (i < 0 || i >= d->nentries) it->n = ITER_DONE;
    it->i = i;
    return TRUE_VAL;
}
static Value odict_key_next(VM *vm, ObjIter *it, bool rev) {
    DictEntry *e = NULL;
    Value r = odict_iter_step(vm, it, &e, rev);
    return r == TRUE_VAL ? e->key : r;
}
static Value odict_value_next(VM *vm, ObjIter *it, bool rev) {
    DictEntry *e = NULL;
    Value r = odict_iter_step(vm, it, &e, rev);
    return r == TRUE_VAL ? e->value : r;
}
static Value odict_item_next(VM *vm, ObjIter *it, bool rev) {
    DictEntry *e = NULL;
    Value r = odict_iter_step(vm, it, &e, rev);
    if (r != TRUE_VAL) return r;
    Value pair[2] = {e->key, e->value};
    ObjTuple *t = tuple_from(vm, pair, 2);
    return t ? obj_val(t) : ERR;
}
static Value odict_keyiter_next(VM *vm, ObjIter *it) { return odict_key_next(vm, it, false); }
static Value odict_valueiter_next(VM *vm, ObjIter *it) { return odict_value_next(vm, it, false); }
static Value odict_itemiter_next(VM *vm, ObjIter *it) { return odict_item_next(vm, it, false); }
static Value odict_revkeyiter_next(VM *vm, ObjIter *it) { return odict_key_next(vm, it, true); }
static Value odict_revvalueiter_next(VM *vm, ObjIter *it) { return odict_value_next(vm, it, true); }
static Value odict_revitemiter_next(VM *vm, ObjIter *it) { return odict_item_next(vm, it, true); }

/* Sets up an OrderedDict's iterator: it starts at its first (or, reversed,
 * last) live entry, and is done at once when there is none. */
static void odict_iter_start(ObjDict *d, ObjIter *it, bool rev) {
    it->b = int_val(d->nentries);
    it->c = int_val((int64_t)d->obj.spare);
    int64_t i = rev ? d->nentries - 1 : 0;
    while (i >= 0 && i < d->nentries && d->entries[i].key == UNDEF) i += rev ? -1 : 1;
    it->i = i;
    if (i < 0 || i >= d->nentries) it->n = ITER_DONE;
}

/* reversed() of a dict (view is T_DICT or T_DICT_KEYS) or of a view. */
Value dict_reviter(VM *vm, ObjDict *d, TypeId view) {
    TypeId t = view == T_DICT_VALUES ? T_DICT_REVVALUEITER : view == T_DICT_ITEMS ? T_DICT_REVITEMITER
                                                                                   : T_DICT_REVKEYITER;
    bool ordered = d->obj.spare & DICT_ORDERED;
    ObjIter *it = iter_new(vm, vm->types[ordered ? T_ODICT_ITER : t], t == T_DICT_REVVALUEITER  ? (ordered ? odict_revvalueiter_next : revvalueiter_next)
                                             : t == T_DICT_REVITEMITER ? (ordered ? odict_revitemiter_next : revitemiter_next)
                                                                       : (ordered ? odict_revkeyiter_next : revkeyiter_next));
    if (!it) return ERR;
    it->a = obj_val(d);
    it->n = d->count;
    it->i = d->nentries - 1;
    it->step = 0;
    if (ordered) odict_iter_start(d, it, true);
    return obj_val(it);
}

Value dict_iter(VM *vm, ObjDict *d, TypeId view) {
    TypeId t = view == T_DICT_VALUES ? T_DICT_VALUEITER : view == T_DICT_ITEMS ? T_DICT_ITEMITER : T_DICT_KEYITER;
    bool ordered = d->obj.spare & DICT_ORDERED;
    ObjIter *it = iter_new(vm, vm->types[ordered ? T_ODICT_ITER : t], t == T_DICT_VALUEITER ? (ordered ? odict_valueiter_next : valueiter_next)
                                           : t == T_DICT_ITEMITER  ? (ordered ? odict_itemiter_next : itemiter_next)
                                                                   : (ordered ? odict_keyiter_next : keyiter_next));
    if (!it) return ERR;
    it->a = obj_val(d);
    it->n = d->count;
    it->i = it->step = 0;
    if (ordered) odict_iter_start(d, it, false);
    return obj_val(it);
}

/* __reversed__ of dicts and their views: what reversed() does for them. A
 * layout method (NATIVE_LAYOUT), which reversed() itself passes over. */
static Value m_reversed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reversed__", nargs - 1, kw, 0, 0)) return ERR;
    return builtins_reversed_layout(vm, args[0]);
}

/* isdisjoint and mapping of the keys, values and items views. */
static Value m_view_isdisjoint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "isdisjoint", nargs - 1, kw, 1, 1)) return ERR;
    Value it = op_iter(vm, args[1]);
    if (it == ERR || !vm_push_root(vm, it)) return ERR;
    Value r = TRUE_VAL;
    for (;;) {
        Value x = op_next(vm, it);
        if (x == UNDEF) break;
        int c = x == ERR ? -1 : op_contains(vm, args[0], x);
        if (c != 0) { r = c < 0 ? ERR : FALSE_VAL; break; }
    }
    vm_pop_roots(vm, 1);
    return r;
}
static Value m_view_mapping(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return mappingproxy_new(vm, AS(ObjIter, args[0])->a);
}

void dict_init_methods(VM *vm) {
    ObjClass *c = vm->types[T_DICT];
    class_add_native(vm, c, "__init__", m_init);
    class_add_native(vm, c, "get", m_get);
    class_add_native(vm, c, "setdefault", m_setdefault);
    class_add_native(vm, c, "pop", m_pop);
    class_add_native(vm, c, "popitem", m_popitem);
    class_add_native(vm, c, "update", m_update);
    class_add_native(vm, c, "clear", m_clear);
    class_add_native(vm, c, "copy", m_copy);
    class_add_native(vm, c, "keys", m_keys);
    class_add_native(vm, c, "values", m_values);
    class_add_native(vm, c, "items", m_items);
    static const TypeId reversible[] = {T_DICT, T_DICT_KEYS, T_DICT_VALUES, T_DICT_ITEMS};
    for (size_t i = 0; i < sizeof reversible / sizeof *reversible; i++)
        add_layout_native(vm, vm->types[reversible[i]], vm_name(vm, N___reversed__), m_reversed);
    for (TypeId t = T_DICT_KEYS; t <= T_DICT_ITEMS; t++) {
        class_add_property(vm, vm->types[t], "mapping", m_view_mapping);
        if (t != T_DICT_VALUES) class_add_native(vm, vm->types[t], "isdisjoint", m_view_isdisjoint);
    }
    /* keys and items views compare as sets: unhashable, as in CPython */
    dict_set_str(vm, vm->types[T_DICT_KEYS]->dict, vm_name(vm, N___hash__), NONE_VAL);
    dict_set_str(vm, vm->types[T_DICT_ITEMS]->dict, vm_name(vm, N___hash__), NONE_VAL);
    class_add_classmethod(vm, c, "fromkeys", m_fromkeys);
    for (TypeId t = T_DICT_KEYITER; t <= T_DICT_REVITEMITER; t++)
        class_add_native(vm, vm->types[t], "__length_hint__", dictiter_length_hint);
}
