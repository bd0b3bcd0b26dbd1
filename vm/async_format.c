/* What asyncio prints for callbacks and results (async_format.h). The
 * wording is asyncio's: stdlib/asyncio.asy registers its describer and
 * reprlib's repr, so that the rules (partials unwrapped, arguments cut by
 * reprlib, "at file:line" for plain functions) are written once, in Python.
 * Reprs must not fail, so any error falls back to a plain description. */
#include "async_format.h"

#include "containers.h"
#include "ops.h"
#include "scheduler.h"

/* Appends the str that fmt(args...) returns; false (error cleared) if the
 * formatter is missing or fails. */
static bool call_formatter(VM *vm, Value fmt, Value *args, int nargs, StrBuf *b) {
    if (fmt == UNDEF) return false;
    Value saved = vm->exc;
    Value r = op_call(vm, fmt, args, nargs, NULL);
    if (r == ERR || !is_str(r)) {
        vm->exc = saved;
        return false;
    }
    sb_add(b, AS(ObjStr, r)->data, (size_t)AS(ObjStr, r)->len);
    return true;
}

static void plain_repr(VM *vm, Value v, StrBuf *b) {
    Value saved = vm->exc;
    if (!op_repr_to(vm, v, b)) {
        vm->exc = saved;
        sb_adds(b, "<?>");
    }
}

void async_describe_callback(VM *vm, Value fn, Value args, StrBuf *b) {
    Value argv[2] = {fn, args == UNDEF ? obj_val(vm->empty_tuple) : args};
    if (call_formatter(vm, vm->sched->fmt_callback, argv, 2, b)) return;
    Value saved = vm->exc;
    Value name = op_getattr_opt(vm, fn, vm_name(vm, N___qualname__));
    vm->exc = saved;
    if (is_str(name)) sb_adds(b, AS(ObjStr, name)->data);
    else plain_repr(vm, fn, b);
    sb_addc(b, '(');
    ObjTuple *a = AS(ObjTuple, argv[1]);
    for (int64_t i = 0; i < a->len; i++) {
        if (i) sb_adds(b, ", ");
        plain_repr(vm, a->items[i], b);
    }
    sb_addc(b, ')');
}

void async_short_repr(VM *vm, Value v, StrBuf *b) {
    if (!call_formatter(vm, vm->sched->fmt_short, &v, 1, b)) plain_repr(vm, v, b);
}

/* One done callback as asyncio lists it (called without arguments). The
 * scheduler's own callbacks are named after what asyncio registers there. */
static void callback_entry(VM *vm, Value fn, Value ctx, StrBuf *b) {
    if (ctx == CB_WAKEUP) sb_adds(b, "Task.task_wakeup()");
    else if (ctx == CB_GATHER) sb_adds(b, "gather.<locals>._done_callback()");
    else if (ctx == CB_STOP) sb_adds(b, "_run_until_complete_cb()");
    else async_describe_callback(vm, fn, UNDEF, b);
}

/* As asyncio: all of one or two, else the first, a count and the last. */
void async_callbacks_info(VM *vm, Future *f, StrBuf *b) {
    Value cbs = f->callbacks;
    if (cbs == UNDEF || (is_kind(cbs, OBJ_LIST) && AS(ObjList, cbs)->len < 2)) return;
    sb_adds(b, " cb=[");
    if (!is_kind(cbs, OBJ_LIST)) {
        callback_entry(vm, cbs, CB_WAKEUP, b);     /* one waiting task, stored as is */
    } else {
        ObjList *l = AS(ObjList, cbs);
        int64_t n = l->len / 2;
        for (int64_t i = 0; i < n; i++) {
            if (n > 2 && i == 1) {
                sb_addf(b, ", <%lld more>", (long long)(n - 2));
                i = n - 2;
                continue;
            }
            if (i) sb_adds(b, ", ");
            callback_entry(vm, l->items[2 * i], l->items[2 * i + 1], b);
        }
    }
    sb_addc(b, ']');
}
