/* The gc module: collect() runs the collector now; the rest (enable,
 * disable, thresholds, debug flags, is_tracked...) is stdlib/_gc_py.asy,
 * loaded on first use: collection stays driven by allocation. */
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
    static const char *const all[] = {"collect", "enable", "disable", "isenabled", "get_threshold",
                                      "set_threshold", "get_count", "get_debug", "set_debug", "get_stats",
                                      "is_tracked", "is_finalized", "freeze", "unfreeze", "get_freeze_count",
                                      "garbage", "callbacks", "DEBUG_STATS", "DEBUG_COLLECTABLE",
                                      "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL", "DEBUG_LEAK", NULL};
    return module_add_native(vm, m, "collect", f_collect) && module_add_native(vm, m, "__getattr__", gc_getattr) &&
           module_add_all(vm, m, all);
}
