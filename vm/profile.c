/* sys.setprofile's hook (profile.h). */
#include "profile.h"
#include "exc.h"
#include "frameobj.h"
#include "ops.h"
#include "str.h"

static const char *const event_names[] = {"call", "return", "c_call", "c_return", "c_exception"};

void prof_update_limit(VM *vm) {
    vm->call_limit = vm->prof_func != UNDEF || vm->trace_func != UNDEF ? 0 : vm->recursion_limit;
}

void prof_set(VM *vm, Value func) {
    vm->prof_func = func == NONE_VAL ? UNDEF : func;
    vm->prof_ts = vm->ts;
    prof_update_limit(vm);
}

Value prof_call_hook(VM *vm, Value hook, Value frameobj, const char *event, Value arg) {
    if (!vm_push_root(vm, frameobj)) return ERR;
    ObjStr *ev = str_intern_cstr(vm, event);
    Value r = ERR;
    if (ev) {
        Value args[3] = {frameobj, obj_val(ev), arg};
        vm->prof_busy = true;
        r = op_call(vm, hook, args, 3, NULL);
        vm->prof_busy = false;
    }
    vm_pop_roots(vm, 1);
    return r;
}

/* Calls the hook with (frame object of f, event, arg). False after raising;
 * the hook is then removed. */
static bool fire(VM *vm, Frame *f, int what, Value arg) {
    FrameObj *fo = frameobj_of(vm, f, f->ip);
    Value r = fo ? prof_call_hook(vm, vm->prof_func, obj_val(fo), event_names[what], arg) : ERR;
    if (r == ERR) {
        prof_set(vm, NONE_VAL);
        return false;
    }
    return true;
}

bool prof_call(VM *vm, Frame *f) {
    /* CPython 3.12 runs comprehensions inline: they are no calls */
    if (exc_inlined_comprehension(f->code)) return true;
    f->flags |= FRAME_PROFILED;
    if (!f->sp) f->sp = frame_stack_base(f);
    bool ok = fire(vm, f, PROF_CALL, NONE_VAL);
    return ok;
}

bool prof_return(VM *vm, Frame *f, Value r) {
    if (!prof_active(vm)) return true;
    if (!vm_push_root(vm, r)) return false;
    bool ok = fire(vm, f, PROF_RETURN, r);
    vm_pop_roots(vm, 1);
    return ok;
}

void prof_unwind(VM *vm, Frame *f) {
    if (!prof_active(vm)) return;
    Value pending = vm->exc;
    vm->exc = UNDEF;
    if (!vm_push_root(vm, pending)) { vm->exc = pending; return; }
    if (!fire(vm, f, PROF_RETURN, NONE_VAL))
        exc_report_unraisable(vm, "Exception ignored in the profile function: ", UNDEF);
    vm_pop_roots(vm, 1);
    vm->exc = pending;
}

bool prof_native(VM *vm, int what, Value fn) {
    if (!prof_active(vm) || !vm->fiber->frame) return true;
    Value pending = vm->exc;
    vm->exc = UNDEF;
    if (!vm_push_root(vm, pending)) { vm->exc = pending; return false; }
    bool ok = fire(vm, vm->fiber->frame, what, fn);
    vm_pop_roots(vm, 1);
    if (!ok && what != PROF_C_CALL) {
        exc_report_unraisable(vm, "Exception ignored in the profile function: ", UNDEF);
        ok = true;
    }
    if (ok) vm->exc = pending;
    return ok;
}
