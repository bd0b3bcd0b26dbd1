/* _resource: the system calls under the resource module (stdlib/resource.asy):
 * resource limits, usage and the page size. */
#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <unistd.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "modules.h"
#include "procargs.h"

/* An rlim_t as Python sees it: RLIM_INFINITY is -1, as in CPython. */
static Value rlim_value(VM *vm, rlim_t r) {
    return r == RLIM_INFINITY ? int_val(-1) : int_from_i64(vm, (int64_t)r);
}

static bool int_arg(VM *vm, Value v, int64_t *out) {
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        return false;
    }
    if (!int_to_i64(v, out)) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C long");
        return false;
    }
    return true;
}

static bool resource_arg(VM *vm, Value v, int *out) {
    int64_t n;
    if (!int_arg(vm, v, &n)) return false;
    if (n < 0 || n >= RLIM_NLIMITS) {
        exc_raise(vm, E_ValueError, "invalid resource specified");
        return false;
    }
    *out = (int)n;
    return true;
}

static Value limits_value(VM *vm, const struct rlimit *rl) {
    Value soft = rlim_value(vm, rl->rlim_cur);
    if (soft == ERR || !vm_push_root(vm, soft)) return ERR;
    Value hard = rlim_value(vm, rl->rlim_max);
    ObjTuple *t = hard == ERR ? NULL : tuple_from(vm, (Value[]){soft, hard}, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

/* (soft, hard) from a 2-sequence (a tuple or list) of ints; -1 is infinity. */
static bool limits_arg(VM *vm, Value v, struct rlimit *rl) {
    Value *items;
    int64_t n;
    if (is_kind(v, OBJ_TUPLE)) items = AS(ObjTuple, v)->items, n = AS(ObjTuple, v)->len;
    else if (is_kind(v, OBJ_LIST)) items = AS(ObjList, v)->items, n = AS(ObjList, v)->len;
    else n = -1, items = NULL;
    if (n != 2) {
        exc_raise(vm, E_ValueError, "expected a tuple of 2 integers");
        return false;
    }
    int64_t soft, hard;
    if (!int_arg(vm, items[0], &soft) || !int_arg(vm, items[1], &hard)) return false;
    rl->rlim_cur = soft < 0 ? RLIM_INFINITY : (rlim_t)soft;
    rl->rlim_max = hard < 0 ? RLIM_INFINITY : (rlim_t)hard;
    return true;
}

static Value set_error(VM *vm, int err) {
    if (err == EINVAL) return exc_raise(vm, E_ValueError, "current limit exceeds maximum limit");
    if (err == EPERM) return exc_raise(vm, E_ValueError, "not allowed to raise maximum limit");
    return procargs_oserror(vm, err, UNDEF, UNDEF);
}

static Value r_getrlimit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int res;
    if (!args_check(vm, "getrlimit", nargs, kw, 1, 1) || !resource_arg(vm, args[0], &res)) return ERR;
    struct rlimit rl;
    if (getrlimit(res, &rl) < 0) return procargs_oserror(vm, errno, UNDEF, UNDEF);
    return limits_value(vm, &rl);
}

static Value r_setrlimit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int res;
    struct rlimit rl;
    if (!args_check(vm, "setrlimit", nargs, kw, 2, 2) || !resource_arg(vm, args[0], &res) ||
        !limits_arg(vm, args[1], &rl))
        return ERR;
    if (setrlimit(res, &rl) < 0) return set_error(vm, errno);
    return NONE_VAL;
}

static Value r_prlimit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t pid;
    int res;
    if (!args_check(vm, "prlimit", nargs, kw, 2, 3) || !int_arg(vm, args[0], &pid) ||
        !resource_arg(vm, args[1], &res))
        return ERR;
    struct rlimit new_rl, old_rl;
    if (nargs == 3 && !limits_arg(vm, args[2], &new_rl)) return ERR;
    if (prlimit((pid_t)pid, res, nargs == 3 ? &new_rl : NULL, &old_rl) < 0) return set_error(vm, errno);
    return limits_value(vm, &old_rl);
}

/* The 16 fields of struct_rusage, as a tuple; resource.asy names them. */
static Value r_getrusage(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t who;
    if (!args_check(vm, "getrusage", nargs, kw, 1, 1) || !int_arg(vm, args[0], &who)) return ERR;
    struct rusage ru;
    if (getrusage((int)who, &ru) < 0) {
        if (errno == EINVAL) return exc_raise(vm, E_ValueError, "invalid who parameter");
        return procargs_oserror(vm, errno, UNDEF, UNDEF);
    }
    Value items[16] = {
        float_val((double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6),
        float_val((double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6),
        int_val(ru.ru_maxrss), int_val(ru.ru_ixrss), int_val(ru.ru_idrss), int_val(ru.ru_isrss),
        int_val(ru.ru_minflt), int_val(ru.ru_majflt), int_val(ru.ru_nswap), int_val(ru.ru_inblock),
        int_val(ru.ru_oublock), int_val(ru.ru_msgsnd), int_val(ru.ru_msgrcv), int_val(ru.ru_nsignals),
        int_val(ru.ru_nvcsw), int_val(ru.ru_nivcsw),
    };
    ObjTuple *t = tuple_from(vm, items, 16);
    return t ? obj_val(t) : ERR;
}

static Value r_getpagesize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "getpagesize", nargs, kw, 0, 0)) return ERR;
    return int_val(sysconf(_SC_PAGESIZE));
}

bool mod__resource_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; long value; } consts[] = {
        {"RLIMIT_CPU", RLIMIT_CPU}, {"RLIMIT_FSIZE", RLIMIT_FSIZE}, {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_STACK", RLIMIT_STACK}, {"RLIMIT_CORE", RLIMIT_CORE}, {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC}, {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
        {"RLIMIT_AS", RLIMIT_AS}, {"RLIMIT_LOCKS", RLIMIT_LOCKS}, {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE}, {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
        {"RLIMIT_RTTIME", RLIMIT_RTTIME}, {"RLIM_INFINITY", -1}, {"RUSAGE_SELF", RUSAGE_SELF},
        {"RUSAGE_CHILDREN", RUSAGE_CHILDREN}, {"RUSAGE_THREAD", RUSAGE_THREAD},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (!module_add_value(vm, m, consts[i].name, int_val(consts[i].value))) return false;
    return module_add_native(vm, m, "getrlimit", r_getrlimit) && module_add_native(vm, m, "setrlimit", r_setrlimit) &&
           module_add_native(vm, m, "prlimit", r_prlimit) && module_add_native(vm, m, "_getrusage", r_getrusage) &&
           module_add_native(vm, m, "getpagesize", r_getpagesize);
}
