/* The gc module: collect() runs the collector now, get_objects() lists the
 * live objects after one; the rest (enable,
 * disable, thresholds, debug flags, is_tracked...) is stdlib/_gc_py.asy,
 * loaded on first use: collection stays driven by allocation. */
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
    static const char *const all[] = {"collect", "get_objects", "enable", "disable", "isenabled", "get_threshold",
                                      "set_threshold", "get_count", "get_debug", "set_debug", "get_stats",
                                      "is_tracked", "is_finalized", "freeze", "unfreeze", "get_freeze_count",
                                      "garbage", "callbacks", "DEBUG_STATS", "DEBUG_COLLECTABLE",
                                      "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL", "DEBUG_LEAK", NULL};
    return module_add_native(vm, m, "collect", f_collect) && module_add_native(vm, m, "get_objects", f_get_objects) && module_add_native(vm, m, "__getattr__", gc_getattr) &&
           module_add_all(vm, m, all);
}
