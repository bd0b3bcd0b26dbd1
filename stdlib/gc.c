/* The gc module: collect() runs the collector now; enable/disable are
 * accepted for compatibility (collection stays driven by allocation). */
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

static Value f_noop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "enable", nargs, kw, 0, 0) ? NONE_VAL : ERR;
}

static Value f_isenabled(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "isenabled", nargs, kw, 0, 0) ? TRUE_VAL : ERR;
}

bool mod_gc_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "collect", f_collect) && module_add_native(vm, m, "enable", f_noop) &&
           module_add_native(vm, m, "disable", f_noop) && module_add_native(vm, m, "isenabled", f_isenabled);
}
