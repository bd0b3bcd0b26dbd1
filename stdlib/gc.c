/* The gc module: collect() runs the collector now, get_objects() lists the
 * live objects after one, get_referents()/get_referrers() the direct links; the rest (enable,
 * disable, thresholds, debug flags, is_tracked...) is stdlib/_gc_py.asy,
 * loaded on first use: collection stays driven by allocation. */
#include <stdlib.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/scheduler.h"
#include "modules.h"

static Value f_collect(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "collect", nargs, kw, 0, 1)) return ERR;
    /* A native called from script code is at a safe point: everything the
     * interpreter holds is on its stacks, and natives further up the C
     * stack root what they hold before calling back into scripts. */
    int64_t found = gc_collect_count(vm);
    if (vm->sched) sched_flush_reports(vm);   /* "Task exception was never retrieved" */
    return int_val(found);
}

/* The kinds CPython's collector would track (containers, instances,
 * functions, classes, modules, iterators...): what get_objects lists. */
static bool tracked_kind(const Obj *o) {
    switch (o->kind) {
    case OBJ_LIST: case OBJ_TUPLE: case OBJ_DICT: case OBJ_SET: case OBJ_FUNCTION: case OBJ_BOUND:
    case OBJ_CLASS: case OBJ_INSTANCE: case OBJ_EXC: case OBJ_MODULE: case OBJ_ITER: case OBJ_GEN:
    case OBJ_PROPERTY:
        return o->cls != NULL;
    default:
        return false;
    }
}

/* get_objects(generation=None): Asy has one generation, so every
 * generation (0-2) lists the same objects. A collection first leaves only
 * live objects on vm->objects, so none is brought back from the dead. */
static Value f_get_objects(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"generation"};
    Value gen;
    if (!args_bind(vm, "get_objects", args, nargs, kw, names, 1, 1, 0, ARGS_INVALID_KW, &gen)) return ERR;
    if (gen != UNDEF && gen != NONE_VAL) {
        int64_t g;
        if (!ssize_value(vm, gen, &g)) return ERR;
        if (g >= 3)
            return exc_raise(vm, E_ValueError,
                             "generation parameter must be less than the number of available generations (3)");
        if (g < -1) return exc_raise(vm, E_ValueError, "generation parameter cannot be negative");
    }
    gc_collect(vm);
    int64_t n = 0;
    for (Obj *o = vm->objects; o; o = o->gcnext) n += tracked_kind(o);
    ObjList *l = list_new(vm, n);       /* the last allocation: the walk below sees no newer object but l */
    if (!l) return ERR;
    for (Obj *o = vm->objects; o && l->len < n; o = o->gcnext) {
        if (o != &l->obj && tracked_kind(o)) l->items[l->len++] = obj_val(o);
    }
    return obj_val(l);
}

/* ---- get_referents / get_referrers ----------------------------------------
 * A growable C array gathers the referents while nothing may allocate (the
 * walk over vm->objects must not see new objects, and gc_trace's visitor
 * runs inside the collector's machinery); the result list is made after.
 * What is gathered stays reachable from the rooted arguments. */

typedef struct Refs {
    Value *v;
    int64_t n, cap;
    bool oom;
} Refs;

static void refs_push(Refs *r, Value v) {
    if (r->n == r->cap) {
        int64_t cap = r->cap ? r->cap * 2 : 16;
        Value *nv = realloc(r->v, (size_t)cap * sizeof *nv);
        if (!nv) { r->oom = true; return; }
        r->v = nv;
        r->cap = cap;
    }
    r->v[r->n++] = v;
}

static void refs_visit(VM *vm, Obj *o) {
    if (o->cls) refs_push(vm->gc_visit_data, obj_val(o));     /* internal objects (no class) are not Python's */
}

/* o's referents in CPython's tp_traverse order for the common containers
 * (lists and tuples last item first, str-keyed dicts their values only);
 * other tracked kinds list what the collector traces. Untracked kinds
 * (str, numbers, bytes...) have none. */
static void referents_of(VM *vm, Obj *o, Refs *r) {
    switch ((ObjKind)o->kind) {
    case OBJ_LIST: {
        ObjList *l = (ObjList *)o;
        for (int64_t i = l->len; --i >= 0;) refs_push(r, l->items[i]);
        return;
    }
    case OBJ_TUPLE: {
        ObjTuple *t = (ObjTuple *)o;
        for (int64_t i = t->len; --i >= 0;) refs_push(r, t->items[i]);
        return;
    }
    case OBJ_DICT: {
        ObjDict *d = (ObjDict *)o;
        int64_t pos = 0;
        Value k, v;
        bool str_keys = true;
        while (dict_next(d, &pos, &k, &v)) str_keys = str_keys && is_str(k);
        pos = 0;
        while (dict_next(d, &pos, &k, &v)) {
            if (!str_keys) refs_push(r, k);
            refs_push(r, v);
        }
        return;
    }
    case OBJ_SET: {
        int64_t pos = 0;
        Value k;
        while (set_next((ObjSet *)o, &pos, &k)) refs_push(r, k);
        return;
    }
    case OBJ_INSTANCE: {
        ObjInstance *in = (ObjInstance *)o;
        for (uint32_t i = 0; i < o->spare; i++)
            if (instance_slots(in)[i] != UNDEF) refs_push(r, instance_slots(in)[i]);
        if (in->dict) {
            int64_t pos = 0;
            Value k, v;
            while (dict_next(in->dict, &pos, &k, &v)) refs_push(r, v);
        }
        refs_push(r, obj_val(o->cls));
        return;
    }
    default:
        if (!tracked_kind(o) && o->kind != OBJ_CELL) return;
        void (*saved)(VM *, Obj *) = vm->gc_visit;
        void *saved_data = vm->gc_visit_data;
        vm->gc_visit = refs_visit;
        vm->gc_visit_data = r;
        gc_trace(vm, o);
        vm->gc_visit = saved;
        vm->gc_visit_data = saved_data;
        return;
    }
}

static Value refs_to_list(VM *vm, Refs *r) {
    if (r->oom) { free(r->v); return exc_nomem(vm); }
    ObjList *l = list_new(vm, r->n);
    if (l) {
        for (int64_t i = 0; i < r->n; i++) l->items[l->len++] = r->v[i];
    }
    free(r->v);
    return l ? obj_val(l) : ERR;
}

/* get_referents(*objs): the objects each argument refers to directly. */
static Value f_get_referents(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "get_referents() takes no keyword arguments");
    Refs r = {0};
    for (int i = 0; i < nargs; i++)
        if (is_obj(args[i])) referents_of(vm, as_obj(args[i]), &r);
    return refs_to_list(vm, &r);
}

static int cmp_value(const void *a, const void *b) {
    Value x = *(const Value *)a, y = *(const Value *)b;
    return x < y ? -1 : x > y;
}

/* get_referrers(*objs): the tracked objects that refer to any argument,
 * found by walking every live object after a collection. */
static Value f_get_referrers(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "get_referrers() takes no keyword arguments");
    Refs out = {0};
    if (nargs == 0) return refs_to_list(vm, &out);
    gc_collect(vm);
    /* An instance's attribute dict is part of the instance in CPython 3.12:
     * the instance is the referrer, not the dict. */
    Refs owned = {0};
    for (Obj *o = vm->objects; o; o = o->gcnext)
        if (o->kind == OBJ_INSTANCE && ((ObjInstance *)o)->dict) refs_push(&owned, obj_val(((ObjInstance *)o)->dict));
    if (owned.n) qsort(owned.v, (size_t)owned.n, sizeof(Value), cmp_value);
    Refs tmp = {0};
    for (Obj *o = vm->objects; o && !out.oom && !tmp.oom && !owned.oom; o = o->gcnext) {
        if (!tracked_kind(o) && o->kind != OBJ_CELL) continue;
        Value ov = obj_val(o);
        if (o->kind == OBJ_DICT && owned.n && bsearch(&ov, owned.v, (size_t)owned.n, sizeof(Value), cmp_value)) continue;
        tmp.n = 0;
        referents_of(vm, o, &tmp);
        bool hit = false;
        for (int64_t i = 0; i < tmp.n && !hit; i++)
            for (int j = 0; j < nargs && !hit; j++) hit = is_obj(args[j]) && tmp.v[i] == args[j];
        if (hit) refs_push(&out, obj_val(o));
    }
    free(tmp.v);
    free(owned.v);
    if (tmp.oom || owned.oom) out.oom = true;
    return refs_to_list(vm, &out);
}

static const char *const lazy_names[] = {"enable", "disable", "isenabled", "get_threshold", "set_threshold",
                                         "get_count", "get_debug", "set_debug", "get_stats", "is_tracked",
                                         "is_finalized", "freeze", "unfreeze", "get_freeze_count", "garbage",
                                         "callbacks", "DEBUG_STATS", "DEBUG_COLLECTABLE", "DEBUG_UNCOLLECTABLE",
                                         "DEBUG_SAVEALL", "DEBUG_LEAK", NULL};

static Value gc_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    return module_lazy_attr(vm, "gc", "_gc_py", lazy_names, args[0]);
}

bool mod_gc_init(VM *vm, ObjModule *m) {
    static const char *const all[] = {"collect", "get_objects", "get_referents", "get_referrers", "enable", "disable", "isenabled", "get_threshold",
                                      "set_threshold", "get_count", "get_debug", "set_debug", "get_stats",
                                      "is_tracked", "is_finalized", "freeze", "unfreeze", "get_freeze_count",
                                      "garbage", "callbacks", "DEBUG_STATS", "DEBUG_COLLECTABLE",
                                      "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL", "DEBUG_LEAK", NULL};
    return module_add_native(vm, m, "collect", f_collect) && module_add_native(vm, m, "get_objects", f_get_objects) &&
           module_add_native(vm, m, "get_referents", f_get_referents) &&
           module_add_native(vm, m, "get_referrers", f_get_referrers) && module_add_native(vm, m, "__getattr__", gc_getattr) &&
           module_add_all(vm, m, all);
}
