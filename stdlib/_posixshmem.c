/* _posixshmem: POSIX shared memory objects (shm_open/shm_unlink), the
 * system calls under multiprocessing.shared_memory. The descriptor
 * shm_open gives is not inheritable, as every descriptor CPython opens. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "modules.h"
#include "procargs.h"

/* The str path argument; NULL after CPython's TypeError. */
static const char *path_arg(VM *vm, const char *fname, Value v) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s() argument 'path' must be str, not %T", fname, v);
        return NULL;
    }
    return AS(ObjStr, v)->data;   /* C-string up to a NUL, as CPython hands it on */
}

/* A C int argument through __index__ (CPython's "i" format). */
static bool int_arg(VM *vm, Value v, int *out) {
    int64_t n;
    if (!ssize_value(vm, v, &n)) return false;
    if (n > INT_MAX || n < INT_MIN) {
        exc_raise(vm, E_OverflowError, n > 0 ? "signed integer is greater than maximum"
                                             : "signed integer is less than minimum");
        return false;
    }
    *out = (int)n;
    return true;
}

/* shm_open(path, flags, mode=0o777) -> a file descriptor. */
static Value f_shm_open(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "flags", "mode"};
    Value a[3];
    if (!args_bind(vm, "shm_open", args, nargs, kw, names, 3, 3, 2, 0, a)) return ERR;
    const char *path = path_arg(vm, "shm_open", a[0]);
    int flags, mode = 0777;
    if (!path || !int_arg(vm, a[1], &flags) || (a[2] != UNDEF && !int_arg(vm, a[2], &mode))) return ERR;
    int fd;
    for (;;) {
        fd = shm_open(path, flags | O_CLOEXEC, (mode_t)mode);
        if (fd >= 0 || errno != EINTR) break;
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
    return fd < 0 ? procargs_oserror(vm, errno, a[0], UNDEF) : int_val(fd);
}

/* shm_unlink(path): removes the name; the memory goes with its last map. */
static Value f_shm_unlink(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path"};
    Value a[1];
    if (!args_bind(vm, "shm_unlink", args, nargs, kw, names, 1, 1, 1, 0, a)) return ERR;
    const char *path = path_arg(vm, "shm_unlink", a[0]);
    if (!path) return ERR;
    if (shm_unlink(path) < 0) return procargs_oserror(vm, errno, a[0], UNDEF);
    return NONE_VAL;
}

bool mod__posixshmem_init(VM *vm, ObjModule *mod) {
    return module_add_native(vm, mod, "shm_open", f_shm_open) &&
           module_add_native(vm, mod, "shm_unlink", f_shm_unlink);
}
