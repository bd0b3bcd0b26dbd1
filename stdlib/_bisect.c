/* _bisect: bisect's searches and insorts in C, as CPython has them
 * (stdlib/bisect.asy imports them over its own definitions).
 *
 * The C path takes the usual call: an exact list, lo and hi small ints (or
 * hi None), key None or a callable, given by position or by keyword.
 * A wrong call raises CPython's messages here; a right one the C path does
 * not take (another sequence, index-like bounds) goes to bisect.asy's own
 * function of the same name, kept as _py_<name>, whose checks and messages
 * are CPython's. A comparison or key may run script
 * code that changes the list: each probe reads the list again, and one
 * past its end raises IndexError, as CPython's PySequence_GetItem does. */
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

typedef struct {
    ObjList *a;
    Value x, key;
    int64_t lo, hi;
} Search;

/* bisect.asy's _py_<name>(*args, **kw), for the calls the C path leaves. */
static Value fallback(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw) {
    char full[32];
    snprintf(full, sizeof full, "_py_%s", name);
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "bisect"));
    if (!is_kind(m, OBJ_MODULE)) {
        /* a program took bisect out of sys.modules: import it again */
        m = import_standard(vm, "bisect");
        if (m == ERR) return ERR;
    }
    Value f = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, full)) : UNDEF;
    if (f == UNDEF) return exc_raise(vm, E_RuntimeError, "bisect.%s is gone", full);
    return op_call(vm, f, args, nargs, kw);
}

/* Binds the call (raising CPython's messages for a wrong one: 0) and reads
 * it into s when the C path can take it (1); -1 leaves it to bisect.asy. */
static int take_call(VM *vm, const char *fname, Value *args, int nargs, ObjTuple *kw, Search *s) {
    static const char *const names[] = {"a", "x", "lo", "hi", "key"};
    Value v[5];
    if (!args_bind(vm, fname, args, nargs, kw, names, 5, 4, 2, ARGS_INVALID_KW, v)) return 0;
    Value lo = v[2], hi = v[3], key = v[4];
    if (!is_obj(v[0]) || as_obj(v[0])->cls != vm->types[T_LIST]) return -1;
    if (lo != UNDEF && !is_int(lo)) return -1;
    if (hi != UNDEF && !is_none(hi) && !is_int(hi)) return -1;
    s->a = AS(ObjList, v[0]);
    s->x = v[1];
    s->key = key == UNDEF ? NONE_VAL : key;
    s->lo = lo == UNDEF ? 0 : as_int(lo);
    s->hi = hi == UNDEF || is_none(hi) || as_int(hi) == -1 ? s->a->len : as_int(hi);
    return 1;
}

/* The insertion point of s->x in a[lo:hi]: after equal items (right) or
 * before them; -1 after raising. */
static int64_t search(VM *vm, Search *s, bool right) {
    if (s->lo < 0) {
        exc_raise(vm, E_ValueError, "lo must be non-negative");
        return -1;
    }
    int64_t lo = s->lo, hi = s->hi;
    while (lo < hi) {
        int64_t mid = (int64_t)(((uint64_t)lo + (uint64_t)hi) / 2);
        if (mid >= s->a->len) {
            exc_raise(vm, E_IndexError, "list index out of range");
            return -1;
        }
        Value item = s->a->items[mid];
        if (!is_none(s->key)) {
            item = op_call1(vm, s->key, item);
            if (item == ERR) return -1;
        }
        if (!vm_push_root(vm, item)) return -1;
        int c = right ? op_compare_bool(vm, CMP_LT, s->x, item) : op_compare_bool(vm, CMP_LT, item, s->x);
        vm_pop_roots(vm, 1);
        if (c < 0) return -1;
        if (right ? c : !c) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

static Value bisect_call(VM *vm, Value *args, int nargs, ObjTuple *kw, bool right) {
    const char *name = right ? "bisect_right" : "bisect_left";
    Search s;
    int taken = take_call(vm, name, args, nargs, kw, &s);
    if (taken <= 0) return taken ? fallback(vm, name, args, nargs, kw) : ERR;
    int64_t i = search(vm, &s, right);
    return i < 0 ? ERR : int_val(i);
}

static Value insort_call(VM *vm, Value *args, int nargs, ObjTuple *kw, bool right) {
    const char *name = right ? "insort_right" : "insort_left";
    Search s;
    int taken = take_call(vm, name, args, nargs, kw, &s);
    if (taken <= 0) return taken ? fallback(vm, name, args, nargs, kw) : ERR;
    Value item = s.x;
    if (!is_none(s.key)) {
        s.x = op_call1(vm, s.key, item);
        if (s.x == ERR || !vm_push_root(vm, s.x)) return ERR;
    }
    int64_t i = search(vm, &s, right);
    if (!is_none(s.key)) vm_pop_roots(vm, 1);
    if (i < 0 || list_insert(vm, s.a, i, item) < 0) return ERR;
    return NONE_VAL;
}

static Value b_bisect_left(VM *vm, Value *args, int nargs, ObjTuple *kw) { return bisect_call(vm, args, nargs, kw, false); }
static Value b_bisect_right(VM *vm, Value *args, int nargs, ObjTuple *kw) { return bisect_call(vm, args, nargs, kw, true); }
static Value b_insort_left(VM *vm, Value *args, int nargs, ObjTuple *kw) { return insort_call(vm, args, nargs, kw, false); }
static Value b_insort_right(VM *vm, Value *args, int nargs, ObjTuple *kw) { return insort_call(vm, args, nargs, kw, true); }

bool mod__bisect_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "bisect_left", b_bisect_left) &&
           module_add_native(vm, m, "bisect_right", b_bisect_right) &&
           module_add_native(vm, m, "insort_left", b_insort_left) &&
           module_add_native(vm, m, "insort_right", b_insort_right);
}
