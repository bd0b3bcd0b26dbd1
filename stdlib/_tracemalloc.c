/* _tracemalloc: the native half of tracemalloc (stdlib/tracemalloc.asy),
 * over the VM's tracer (vm/memtrace.h). */
#include <stdlib.h>
#include <string.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/memtrace.h"
#include "../vm/num.h"
#include "../vm/str.h"
#include "modules.h"

static Value tm_start(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"nframe"};
    Value p[1];
    if (!args_bind(vm, "start", args, nargs, kw, names, 1, 1, 0, 0, p)) return ERR;
    if (p[0] == UNDEF) p[0] = int_val(1);
    if (!is_intlike(p[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", p[0]);
    int64_t n;
    if (!int_to_i64(p[0], &n) || n < 1 || n > 65535)
        return exc_raise(vm, E_ValueError, "the number of frames must be in range [1; 65535]");
    if (!memtrace_start(vm, (int)n)) return exc_nomem(vm);
    return NONE_VAL;
}

static Value tm_stop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "stop", nargs, kw, 0, 0)) return ERR;
    memtrace_stop(vm);
    return NONE_VAL;
}

static Value tm_is_tracing(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "is_tracing", nargs, kw, 0, 0)) return ERR;
    return bool_val(vm->memtrace != NULL);
}

static Value tm_clear_traces(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "clear_traces", nargs, kw, 0, 0)) return ERR;
    memtrace_clear(vm);
    return NONE_VAL;
}

static Value pair(VM *vm, size_t a, size_t b) {
    Value x = int_from_i64(vm, (int64_t)a);
    if (x == ERR || !vm_push_root(vm, x)) return ERR;
    Value y = int_from_i64(vm, (int64_t)b);
    ObjTuple *t = y == ERR ? NULL : tuple_from(vm, (Value[]){x, y}, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

static Value tm_get_traced_memory(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "get_traced_memory", nargs, kw, 0, 0)) return ERR;
    size_t cur, peak;
    memtrace_totals(vm, &cur, &peak);
    return pair(vm, cur, peak);
}

static Value tm_reset_peak(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "reset_peak", nargs, kw, 0, 0)) return ERR;
    memtrace_reset_peak(vm);
    return NONE_VAL;
}

static Value tm_get_traceback_limit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "get_traceback_limit", nargs, kw, 0, 0)) return ERR;
    return int_val(memtrace_nframe(vm));
}

static Value tm_get_tracemalloc_memory(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "get_tracemalloc_memory", nargs, kw, 0, 0)) return ERR;
    return int_from_i64(vm, (int64_t)memtrace_overhead(vm));
}

/* ((filename, lineno),): a site as a one-frame traceback. */
static Value site_frames(VM *vm, const MemSite *s) {
    Value file = str_from_cstr(vm, s->file);
    if (file == ERR || !vm_push_root(vm, file)) return ERR;
    ObjTuple *frame = tuple_from(vm, (Value[]){file, int_val(s->line)}, 2);
    vm_pop_roots(vm, 1);
    if (!frame || !vm_push_root(vm, obj_val(frame))) return ERR;
    ObjTuple *tb = tuple_from(vm, (Value[]){obj_val(frame)}, 1);
    vm_pop_roots(vm, 1);
    return tb ? obj_val(tb) : ERR;
}

/* Appends (domain, size, traceback, total_nframe, count) for site s. */
static bool add_trace(VM *vm, ObjList *out, const MemSite *s) {
    Value tb = site_frames(vm, s);
    if (tb == ERR || !vm_push_root(vm, tb)) return false;
    Value size = int_from_i64(vm, (int64_t)s->size);
    bool ok = size != ERR && vm_push_root(vm, size);
    if (ok) {
        Value count = int_from_i64(vm, (int64_t)s->count);
        ObjTuple *t = count == ERR ? NULL : tuple_from(vm, (Value[]){int_val(0), size, tb, int_val(1), count}, 5);
        ok = t && list_append(vm, out, obj_val(t)) >= 0;
        vm_pop_roots(vm, 1);
    }
    vm_pop_roots(vm, 1);
    return ok;
}

/* One entry per site with live blocks (CPython gives one per block;
 * tracemalloc.asy counts them). The sites are copied first: making the
 * list allocates, which the tracer notes. */
static Value tm_get_traces(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_get_traces", nargs, kw, 0, 0)) return ERR;
    size_t n, k = 0;
    const MemSite *live = memtrace_sites(vm, &n);
    MemSite *copy = n ? malloc(n * sizeof *copy) : NULL;
    if (n && !copy) return exc_nomem(vm);
    for (size_t i = 0; i < n; i++) {
        if (!live[i].count) continue;
        copy[k] = live[i];
        if (!(copy[k].file = strdup(live[i].file))) break;
        k++;
    }
    ObjList *out = list_new(vm, 0);
    bool rooted = out && vm_push_root(vm, obj_val(out));
    bool ok = rooted;
    for (size_t i = 0; ok && i < k; i++) ok = add_trace(vm, out, &copy[i]);
    for (size_t i = 0; i < k; i++) free(copy[i].file);
    free(copy);
    if (rooted) vm_pop_roots(vm, 1);
    return ok ? obj_val(out) : ERR;
}

static Value tm_get_object_traceback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_get_object_traceback", nargs, kw, 1, 1)) return ERR;
    const MemSite *s = is_obj(args[0]) ? memtrace_site_of(vm, as_obj(args[0])) : NULL;
    if (!s) return NONE_VAL;
    MemSite copy = *s;
    copy.file = strdup(s->file);
    if (!copy.file) return exc_nomem(vm);
    Value tb = site_frames(vm, &copy);
    free(copy.file);
    return tb;
}

bool mod__tracemalloc_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "start", tm_start) && module_add_native(vm, m, "stop", tm_stop) &&
           module_add_native(vm, m, "is_tracing", tm_is_tracing) &&
           module_add_native(vm, m, "clear_traces", tm_clear_traces) &&
           module_add_native(vm, m, "get_traced_memory", tm_get_traced_memory) &&
           module_add_native(vm, m, "reset_peak", tm_reset_peak) &&
           module_add_native(vm, m, "get_traceback_limit", tm_get_traceback_limit) &&
           module_add_native(vm, m, "get_tracemalloc_memory", tm_get_tracemalloc_memory) &&
           module_add_native(vm, m, "_get_traces", tm_get_traces) &&
           module_add_native(vm, m, "_get_object_traceback", tm_get_object_traceback);
}
