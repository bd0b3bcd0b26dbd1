/* list.sort: CPython 3.12's algorithm (natural runs extended by binary
 * insertion to a minimum length, merged by the powersort policy with
 * galloping), so that the same comparisons are made in the same order.
 * That is what a script sees: which __lt__ calls run, and where items end
 * up when the order is inconsistent (NaNs, a __lt__ that lies).
 *
 * Keys (and, with a key function, the values moving with them) live in
 * lists the collector traces, and so does the scratch space merges use;
 * every item stays in one of them while a comparison may run script code. */
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "exc.h"
#include "gc.h"
#include "ops.h"
#include "str.h"

#define MIN_GALLOP 7
#define MAX_PENDING 85      /* runs on the stack: enough for 2**64 items */

typedef struct Run {
    int64_t base, len;
    int power;
} Run;

typedef struct Sorter {
    VM *vm;
    Value *keys, *vals;     /* the items (vals is NULL without a key function) */
    Value *tk, *tv;         /* scratch, as long as the list */
    int64_t n;
    int min_gallop;
    int npending;
    Run pending[MAX_PENDING];
} Sorter;

static inline bool exact_strs(Value a, Value b) {
    /* (a str subclass may order its own way) */
    return is_str(a) && is_str(b) && !((as_obj(a)->flags | as_obj(b)->flags) & OBJ_SUBTYPE);
}

/* a < b for items that are not exact tuples: 1, 0, or -1 on error. */
static inline int item_lt(Sorter *s, Value a, Value b) {
    if (is_int(a) && is_int(b)) return as_int(a) < as_int(b);
    if (is_float(a) && is_float(b)) return as_float(a) < as_float(b);
    if (exact_strs(a, b)) return str_cmp(AS(ObjStr, a), AS(ObjStr, b)) < 0;
    return op_compare_bool(s->vm, CMP_LT, a, b);
}

/* a == b for two items of tuples, identity already ruled out. */
static inline int item_eq(Sorter *s, Value a, Value b) {
    if (is_int(a) && is_int(b)) return false;       /* (equal small ints are one value) */
    if (is_float(a) && is_float(b)) return as_float(a) == as_float(b);
    if (exact_strs(a, b)) return str_eq(AS(ObjStr, a), AS(ObjStr, b));
    return op_eq(s->vm, a, b);
}

/* Two exact tuples, the usual keys (`sorted(pairs)`), compared as the
 * generic tuple comparison does (the first items that are not equal
 * decide, else the lengths) but with the common item types compared
 * inline: sorting pairs took twice CPython's time through op_compare. A
 * tuple's items cannot change, so nothing needs rooting. */
static int tuple_lt(Sorter *s, ObjTuple *v, ObjTuple *w) {
    int64_t n = v->len < w->len ? v->len : w->len, i = 0;
    for (; i < n; i++) {
        Value x = v->items[i], y = w->items[i];
        if (x == y) continue;
        int eq = item_eq(s, x, y);
        if (eq < 0) return -1;
        if (!eq) break;
    }
    if (i == n) return v->len < w->len;
    return item_lt(s, v->items[i], w->items[i]);
}

static inline bool exact_tuple(Value v) {
    return is_tuple(v) && !(as_obj(v)->flags & OBJ_SUBTYPE);
}

/* keys[i] < keys[j]: 1, 0, or -1 on error. */
static inline int lt(Sorter *s, Value a, Value b) {
    if (exact_tuple(a) && exact_tuple(b)) return tuple_lt(s, AS(ObjTuple, a), AS(ObjTuple, b));
    return item_lt(s, a, b);
}

/* "LT(a, b, fail) stmt else stmt": runs the first when a < b, jumps to
 * fail on an error. Each function using it declares int lt_r. */
#define LT(a, b, fail) if ((lt_r = lt(s, (a), (b))) < 0) goto fail; else if (lt_r)

/* Copies n items (keys and values) from index src of one array pair to
 * index dst of another; the ranges may overlap. */
static inline void move(Sorter *s, Value *dk, Value *dv, int64_t dst, Value *sk, Value *sv, int64_t src, int64_t n) {
    if (n == 1) {       /* the common case in merges */
        dk[dst] = sk[src];
        if (s->vals) dv[dst] = sv[src];
        return;
    }
    if (n <= 0) return;
    memmove(dk + dst, sk + src, (size_t)n * sizeof(Value));
    if (s->vals) memmove(dv + dst, sv + src, (size_t)n * sizeof(Value));
}

static void reverse_range(Sorter *s, int64_t lo, int64_t hi) {
    for (hi--; lo < hi; lo++, hi--) {
        Value t = s->keys[lo]; s->keys[lo] = s->keys[hi]; s->keys[hi] = t;
        if (s->vals) { t = s->vals[lo]; s->vals[lo] = s->vals[hi]; s->vals[hi] = t; }
    }
}

/* The length of the run at lo (items before hi): ascending (a[i] <= a[i+1])
 * or strictly descending (*desc set). -1 on error. */
static int64_t count_run(Sorter *s, int64_t lo, int64_t hi, bool *desc) {
    int lt_r;
    *desc = false;
    if (lo + 1 == hi) return 1;
    int64_t i = lo + 1;
    LT(s->keys[i], s->keys[i - 1], fail) {
        *desc = true;
        for (i++; i < hi; i++) {
            LT(s->keys[i], s->keys[i - 1], fail) continue;
            break;
        }
    } else {
        for (i++; i < hi; i++) {
            LT(s->keys[i], s->keys[i - 1], fail) break;
        }
    }
    return i - lo;
fail:
    return -1;
}

/* Sorts [lo, hi) by binary insertion, given that [lo, start) is sorted. */
static int binary_sort(Sorter *s, int64_t lo, int64_t hi, int64_t start) {
    int lt_r;
    if (start == lo) start++;
    for (; start < hi; start++) {
        int64_t l = lo, r = start;
        Value pivot = s->keys[start];
        do {    /* pivot >= all of [lo, l), pivot < all of [r, start) */
            int64_t p = l + ((r - l) >> 1);
            LT(pivot, s->keys[p], fail) r = p;
            else l = p + 1;
        } while (l < r);
        /* no comparison runs from here on: pivot may leave the arrays */
        Value pv = s->vals ? s->vals[start] : 0;
        move(s, s->keys, s->vals, l + 1, s->keys, s->vals, l, start - l);
        s->keys[l] = pivot;
        if (s->vals) s->vals[l] = pv;
    }
    return 0;
fail:
    return -1;
}

/* Where key goes in the sorted a[0, n), left of any equal items; the
 * search starts at a[hint]. -1 on error. */
static int64_t gallop_left(Sorter *s, Value key, const Value *a, int64_t n, int64_t hint) {
    int lt_r;
    int64_t last = 0, ofs = 1;
    LT(a[hint], key, fail) {      /* gallop right: a[hint + last] < key <= a[hint + ofs] */
        int64_t max = n - hint;
        while (ofs < max) {
            LT(a[hint + ofs], key, fail) {
                last = ofs;
                ofs = (ofs << 1) + 1;
            } else break;
        }
        if (ofs > max) ofs = max;
        last += hint;
        ofs += hint;
    } else {                      /* gallop left: a[hint - ofs] < key <= a[hint - last] */
        int64_t max = hint + 1;
        while (ofs < max) {
            LT(a[hint - ofs], key, fail) break;
            last = ofs;
            ofs = (ofs << 1) + 1;
        }
        if (ofs > max) ofs = max;
        int64_t k = last;
        last = hint - ofs;
        ofs = hint - k;
    }
    /* a[last] < key <= a[ofs]: binary search between them */
    for (last++; last < ofs;) {
        int64_t m = last + ((ofs - last) >> 1);
        LT(a[m], key, fail) last = m + 1;
        else ofs = m;
    }
    return ofs;
fail:
    return -1;
}

/* As gallop_left, but right of any items equal to key. */
static int64_t gallop_right(Sorter *s, Value key, const Value *a, int64_t n, int64_t hint) {
    int lt_r;
    int64_t last = 0, ofs = 1;
    LT(key, a[hint], fail) {      /* gallop left: a[hint - ofs] <= key < a[hint - last] */
        int64_t max = hint + 1;
        while (ofs < max) {
            LT(key, a[hint - ofs], fail) {
                last = ofs;
                ofs = (ofs << 1) + 1;
            } else break;
        }
        if (ofs > max) ofs = max;
        int64_t k = last;
        last = hint - ofs;
        ofs = hint - k;
    } else {                      /* gallop right: a[hint + last] <= key < a[hint + ofs] */
        int64_t max = n - hint;
        while (ofs < max) {
            LT(key, a[hint + ofs], fail) break;
            last = ofs;
            ofs = (ofs << 1) + 1;
        }
        if (ofs > max) ofs = max;
        last += hint;
        ofs += hint;
    }
    for (last++; last < ofs;) {
        int64_t m = last + ((ofs - last) >> 1);
        LT(key, a[m], fail) ofs = m;
        else last = m + 1;
    }
    return ofs;
fail:
    return -1;
}

/* Merges the runs [pa, pa+na) and [pb = pa+na, pb+nb), na <= nb, with a's
 * items in the scratch space. a[0] > b[0] and a[na-1] > b[nb-1] are known. */
static int merge_lo(Sorter *s, int64_t pa, int64_t na, int64_t pb, int64_t nb) {
    int lt_r;
    Value *K = s->keys, *V = s->vals;
    move(s, s->tk, s->tv, 0, K, V, pa, na);
    int64_t dest = pa, a = 0, b = pb;       /* a indexes the scratch copy */
    int rc = -1;
    move(s, K, V, dest++, K, V, b++, 1);
    if (--nb == 0) goto succeed;
    if (na == 1) goto copy_b;
    int min_gallop = s->min_gallop;
    for (;;) {
        int64_t acount = 0, bcount = 0;     /* wins in a row */
        for (;;) {
            LT(K[b], s->tk[a], fail) {
                move(s, K, V, dest++, K, V, b++, 1);
                bcount++, acount = 0;
                if (--nb == 0) goto succeed;
                if (bcount >= min_gallop) break;
            } else {
                move(s, K, V, dest++, s->tk, s->tv, a++, 1);
                acount++, bcount = 0;
                if (--na == 1) goto copy_b;
                if (acount >= min_gallop) break;
            }
        }
        /* one run keeps winning: gallop until neither does */
        min_gallop++;
        do {
            min_gallop -= min_gallop > 1;
            s->min_gallop = min_gallop;
            int64_t k = gallop_right(s, K[b], s->tk + a, na, 0);
            if (k < 0) goto fail;
            acount = k;
            if (k) {
                move(s, K, V, dest, s->tk, s->tv, a, k);
                dest += k, a += k, na -= k;
                if (na == 1) goto copy_b;
                if (na == 0) goto succeed;      /* only with an inconsistent order */
            }
            move(s, K, V, dest++, K, V, b++, 1);
            if (--nb == 0) goto succeed;
            k = gallop_left(s, s->tk[a], K + b, nb, 0);
            if (k < 0) goto fail;
            bcount = k;
            if (k) {
                move(s, K, V, dest, K, V, b, k);
                dest += k, b += k, nb -= k;
                if (nb == 0) goto succeed;
            }
            move(s, K, V, dest++, s->tk, s->tv, a++, 1);
            if (--na == 1) goto copy_b;
        } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
        min_gallop++;       /* a penalty for leaving galloping */
        s->min_gallop = min_gallop;
    }
succeed:
    rc = 0;
fail:
    move(s, K, V, dest, s->tk, s->tv, a, na);
    return rc;
copy_b:     /* the last of a goes after the rest of b */
    move(s, K, V, dest, K, V, b, nb);
    move(s, K, V, dest + nb, s->tk, s->tv, a, 1);
    return 0;
}

/* The mirror image of merge_lo, for na > nb: b's items go to the scratch
 * space and the merge fills from the right. */
static int merge_hi(Sorter *s, int64_t pa, int64_t na, int64_t pb, int64_t nb) {
    int lt_r;
    Value *K = s->keys, *V = s->vals;
    move(s, s->tk, s->tv, 0, K, V, pb, nb);
    int64_t dest = pb + nb - 1, a = pa + na - 1, b = nb - 1;     /* b indexes the scratch copy */
    int rc = -1;
    move(s, K, V, dest--, K, V, a--, 1);
    if (--na == 0) goto succeed;
    if (nb == 1) goto copy_a;
    int min_gallop = s->min_gallop;
    for (;;) {
        int64_t acount = 0, bcount = 0;
        for (;;) {
            LT(s->tk[b], K[a], fail) {
                move(s, K, V, dest--, K, V, a--, 1);
                acount++, bcount = 0;
                if (--na == 0) goto succeed;
                if (acount >= min_gallop) break;
            } else {
                move(s, K, V, dest--, s->tk, s->tv, b--, 1);
                bcount++, acount = 0;
                if (--nb == 1) goto copy_a;
                if (bcount >= min_gallop) break;
            }
        }
        min_gallop++;
        do {
            min_gallop -= min_gallop > 1;
            s->min_gallop = min_gallop;
            int64_t k = gallop_right(s, s->tk[b], K + pa, na, na - 1);
            if (k < 0) goto fail;
            k = na - k;
            acount = k;
            if (k) {
                dest -= k, a -= k;
                move(s, K, V, dest + 1, K, V, a + 1, k);
                na -= k;
                if (na == 0) goto succeed;
            }
            move(s, K, V, dest--, s->tk, s->tv, b--, 1);
            if (--nb == 1) goto copy_a;
            k = gallop_left(s, K[a], s->tk, nb, nb - 1);
            if (k < 0) goto fail;
            k = nb - k;
            bcount = k;
            if (k) {
                dest -= k, b -= k;
                move(s, K, V, dest + 1, s->tk, s->tv, b + 1, k);
                nb -= k;
                if (nb == 1) goto copy_a;
                if (nb == 0) goto succeed;      /* only with an inconsistent order */
            }
            move(s, K, V, dest--, K, V, a--, 1);
            if (--na == 0) goto succeed;
        } while (acount >= MIN_GALLOP || bcount >= MIN_GALLOP);
        min_gallop++;
        s->min_gallop = min_gallop;
    }
succeed:
    rc = 0;
fail:
    move(s, K, V, dest - (nb - 1), s->tk, s->tv, 0, nb);
    return rc;
copy_a:     /* the first of b goes before the rest of a */
    dest -= na, a -= na;
    move(s, K, V, dest + 1, K, V, a + 1, na);
    move(s, K, V, dest, s->tk, s->tv, b, 1);
    return 0;
}

/* Merges the pending runs i and i + 1. */
static int merge_at(Sorter *s, int i) {
    Run *p = s->pending;
    int64_t pa = p[i].base, na = p[i].len, pb = p[i + 1].base, nb = p[i + 1].len;
    p[i].len = na + nb;
    if (i == s->npending - 3) p[i + 1] = p[i + 2];
    s->npending--;
    /* a's items that go before all of b, and b's that go after all of a,
     * stay where they are */
    int64_t k = gallop_right(s, s->keys[pb], s->keys + pa, na, 0);
    if (k < 0) return -1;
    pa += k, na -= k;
    if (na == 0) return 0;
    nb = gallop_left(s, s->keys[pa + na - 1], s->keys + pb, nb, nb - 1);
    if (nb <= 0) return (int)nb;
    return na <= nb ? merge_lo(s, pa, na, pb, nb) : merge_hi(s, pa, na, pb, nb);
}

/* The powersort "power" of the boundary between the runs [s1, s1+n1) and
 * [s1+n1, s1+n1+n2) in a list of n items: the first bit where their
 * midpoints, as fractions of n, differ. */
static int run_power(int64_t s1, int64_t n1, int64_t n2, int64_t n) {
    int power = 0;
    int64_t a = 2 * s1 + n1, b = a + n1 + n2;      /* twice the midpoints */
    for (;;) {
        power++;
        if (a >= n) { a -= n; b -= n; }
        else if (b >= n) break;
        a <<= 1;
        b <<= 1;
    }
    return power;
}

/* A run of n2 items follows the pending ones: merge those whose boundary
 * has a higher power first. */
static int found_run(Sorter *s, int64_t n2) {
    if (!s->npending) return 0;
    Run *p = s->pending;
    int power = run_power(p[s->npending - 1].base, p[s->npending - 1].len, n2, s->n);
    while (s->npending > 1 && p[s->npending - 2].power > power)
        if (merge_at(s, s->npending - 2) < 0) return -1;
    p[s->npending - 1].power = power;
    return 0;
}

/* The shortest run worth making: n itself below 64, else between 32 and
 * 64 such that n / minrun is a power of two or just below one. */
static int64_t min_run(int64_t n) {
    int64_t r = 0;
    while (n >= 64) { r |= n & 1; n >>= 1; }
    return n + r;
}

static int timsort(Sorter *s) {
    int64_t lo = 0, left = s->n, minrun = min_run(s->n);
    s->min_gallop = MIN_GALLOP;
    s->npending = 0;
    while (left) {
        bool desc;
        int64_t n = count_run(s, lo, lo + left, &desc);
        if (n < 0) return -1;
        if (desc) reverse_range(s, lo, lo + n);
        if (n < minrun) {
            int64_t force = left <= minrun ? left : minrun;
            if (binary_sort(s, lo, lo + force, lo + n) < 0) return -1;
            n = force;
        }
        if (found_run(s, n) < 0) return -1;
        s->pending[s->npending++] = (Run){lo, n, 0};
        lo += n;
        left -= n;
    }
    while (s->npending > 1) {
        int i = s->npending - 2;
        if (i > 0 && s->pending[i - 1].len < s->pending[i + 1].len) i--;
        if (merge_at(s, i) < 0) return -1;
    }
    return 0;
}

int list_sort(VM *vm, ObjList *l, Value key, bool reverse) {
    int64_t n = l->len;
    /* (one item is sorted already, but a key function still runs on it) */
    if (n == 0 || (n == 1 && (key == UNDEF || key == NONE_VAL))) return 0;
    /* Sort copies held in lists the collector can see (comparisons and
     * keys may run script code); the list itself appears empty meanwhile,
     * as in CPython. */
    ObjList *keys = list_from(vm, l->items, n);
    ObjList *vals = NULL, *tmp = list_new(vm, n * (key != UNDEF && key != NONE_VAL ? 2 : 1));
    if (!keys || !tmp || !vm_push_root(vm, obj_val(keys))) return -1;
    if (!vm_push_root(vm, obj_val(tmp))) { vm_pop_roots(vm, 1); return -1; }
    int roots = 2, rc = -1;
    /* The list gives up its buffer meanwhile, so that any change made by
     * the key function or a comparison shows (in a new buffer). */
    int64_t saved_len = l->len, saved_cap = l->cap;
    Value *saved_items = l->items;
    l->items = NULL;
    l->len = l->cap = 0;
    l->obj.flags |= LIST_SORTING;
    bool has_key = key != UNDEF && key != NONE_VAL;
    if (has_key) {
        vals = keys;
        keys = list_new(vm, n);
        if (!keys || !vm_push_root(vm, obj_val(keys))) goto done;
        roots++;
        for (int64_t i = 0; i < n; i++) {
            Value k = op_call1(vm, key, vals->items[i]);
            if (k == ERR) goto done;
            keys->items[keys->len++] = k;
        }
    }
    Sorter s = {.vm = vm, .keys = keys->items, .vals = vals ? vals->items : NULL,
                .tk = tmp->items, .tv = vals ? tmp->items + n : NULL, .n = n};
    /* reverse, sort stably, reverse: keeps equal items in order */
    if (reverse) reverse_range(&s, 0, n);
    for (int64_t i = 0; i < tmp->cap; i++) tmp->items[i] = NONE_VAL;
    tmp->len = tmp->cap;
    /* a comparison's error comes first, as in CPython */
    if (timsort(&s) == 0) {
        if (l->items || l->len) exc_raise(vm, E_ValueError, "list modified during sort");
        else rc = 0;
    }
    /* undone after a failed comparison too: CPython leaves the list in
     * that order */
    if (reverse) reverse_range(&s, 0, n);
done:
    /* what the script put in the list meanwhile is dropped, as in CPython */
    l->obj.flags &= (uint16_t)~LIST_SORTING;
    if (l->items) gc_free(vm, l->items, (size_t)l->cap * sizeof(Value));
    l->items = saved_items;
    l->cap = saved_cap;
    copy_values(l->items, vals ? vals->items : keys->items, saved_len);
    l->len = saved_len;
    vm_pop_roots(vm, roots);
    return rc;
}
