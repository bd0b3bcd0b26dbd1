/* fcntl: the fcntl(), ioctl(), flock() and lockf() system calls on file
 * descriptors (an int, or an object whose fileno() gives one), with the
 * F_*, FD_*, LOCK_* and related constants. As in CPython, an int argument
 * is passed as is and a bytes-like one through a copy of at most 1024
 * bytes, returned as bytes (ioctl writes a mutable buffer back). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../vm/bytes.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gil.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

#define ARG_MAX_BYTES 1024

/* A file descriptor: an int, or what obj.fileno() returns. */
static bool fd_of(VM *vm, Value v, int *fd) {
    long n;
    if (!is_intlike(v)) {
        ObjStr *name = str_intern_cstr(vm, "fileno");
        Value meth = name ? op_getattr_opt(vm, v, name) : ERR;
        if (meth == ERR) return false;
        if (meth == UNDEF) {
            exc_raise(vm, E_TypeError, "argument must be an int, or have a fileno() method.");
            return false;
        }
        v = op_call0(vm, meth);
        if (v == ERR) return false;
        if (!is_intlike(v)) {
            exc_raise(vm, E_TypeError, "fileno() returned a non-integer");
            return false;
        }
    }
    if (!procargs_long(vm, v, &n)) return false;
    if (n < 0) {
        exc_raise(vm, E_ValueError, "file descriptor cannot be a negative integer (%ld)", n);
        return false;
    }
    *fd = (int)n;
    return true;
}

static Value os_err(VM *vm) { return procargs_oserror(vm, errno, UNDEF, UNDEF); }

/* The bytes of a bytes, bytearray or str (UTF-8) argument, or NULL when v
 * is none of them. */
static const uint8_t *buffer_of(Value v, int64_t *len) {
    if (is_kind(v, OBJ_STR)) {
        *len = AS(ObjStr, v)->len;
        return (const uint8_t *)AS(ObjStr, v)->data;
    }
    if (is_kind(v, OBJ_BYTES)) {
        *len = AS(ObjBytes, v)->len;
        return AS(ObjBytes, v)->data;
    }
    if (is_kind(v, OBJ_BYTEARRAY)) {
        *len = AS(ObjByteArray, v)->len;
        return AS(ObjByteArray, v)->data;
    }
    return NULL;
}

static Value f_fcntl(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    long cmd, iarg = 0;
    if (!args_check(vm, "fcntl", nargs, kw, 2, 3) || !fd_of(vm, args[0], &fd) || !procargs_long(vm, args[1], &cmd))
        return ERR;
    if (nargs == 3) {
        int64_t len;
        const uint8_t *data = buffer_of(args[2], &len);
        if (data) {
            if (len > ARG_MAX_BYTES) return exc_raise(vm, E_ValueError, "fcntl string arg too long");
            char buf[ARG_MAX_BYTES + 1];
            memcpy(buf, data, (size_t)len);
            if (fcntl(fd, (int)cmd, buf) < 0) return os_err(vm);
            return bytes_new(vm, (const uint8_t *)buf, (size_t)len);
        }
        if (!procargs_long(vm, args[2], &iarg)) return ERR;
    }
    int r;
    for (;;) {
        r = fcntl(fd, (int)cmd, iarg);
        if (r >= 0 || errno != EINTR) break;
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
    return r < 0 ? os_err(vm) : int_val(r);
}

static Value f_ioctl(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", "request", "arg", "mutate_flag"};
    Value p[4];
    int fd;
    long req, iarg = 0;
    if (!args_bind(vm, "ioctl", args, nargs, kw, names, 4, 4, 2, 0, p) || !fd_of(vm, p[0], &fd) ||
        !procargs_long(vm, p[1], &req))
        return ERR;
    bool mutate = p[3] == UNDEF || op_truthy(vm, p[3]) > 0;
    if (p[2] != UNDEF) {
        int64_t len;
        const uint8_t *data = buffer_of(p[2], &len);
        if (data) {
            if (is_kind(p[2], OBJ_BYTEARRAY) && mutate) {
                /* the call writes into the caller's buffer (copied, so that
                 * a short one has room) */
                char buf[ARG_MAX_BYTES + 1];
                bool big = len > ARG_MAX_BYTES;
                char *target = big ? (char *)AS(ObjByteArray, p[2])->data : buf;
                if (!big) memcpy(buf, data, (size_t)len);
                int r = ioctl(fd, (unsigned long)req, target);
                if (r < 0) return os_err(vm);
                if (!big) memcpy(AS(ObjByteArray, p[2])->data, buf, (size_t)len);
                return int_val(r);
            }
            if (len > ARG_MAX_BYTES) return exc_raise(vm, E_ValueError, "ioctl string arg too long");
            char buf[ARG_MAX_BYTES + 1];
            memcpy(buf, data, (size_t)len);
            if (ioctl(fd, (unsigned long)req, buf) < 0) return os_err(vm);
            return bytes_new(vm, (const uint8_t *)buf, (size_t)len);
        }
        if (!procargs_long(vm, p[2], &iarg)) return ERR;
    }
    int r = ioctl(fd, (unsigned long)req, iarg);
    return r < 0 ? os_err(vm) : int_val(r);
}

static Value f_flock(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    long op;
    if (!args_check(vm, "flock", nargs, kw, 2, 2) || !fd_of(vm, args[0], &fd) || !procargs_long(vm, args[1], &op))
        return ERR;
    int r;
    for (;;) {
        /* a blocking lock waits without the interpreter lock */
        ThreadState *ts = gil_release(vm);
        r = flock(fd, (int)op);
        int err = errno;
        gil_acquire(vm, ts);
        errno = err;
        if (r == 0 || errno != EINTR) break;
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
    return r < 0 ? os_err(vm) : NONE_VAL;
}

/* lockf(fd, cmd, len=0, start=0, whence=0): a POSIX record lock through
 * fcntl, with flock()'s LOCK_* commands as CPython takes them. */
static Value f_lockf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    long cmd, len = 0, start = 0, whence = 0;
    if (!args_check(vm, "lockf", nargs, kw, 2, 5) || !fd_of(vm, args[0], &fd) || !procargs_long(vm, args[1], &cmd) ||
        (nargs > 2 && !procargs_long(vm, args[2], &len)) || (nargs > 3 && !procargs_long(vm, args[3], &start)) ||
        (nargs > 4 && !procargs_long(vm, args[4], &whence)))
        return ERR;
    struct flock l = {0};
    if (cmd == LOCK_UN) l.l_type = F_UNLCK;
    else if (cmd & LOCK_SH) l.l_type = F_RDLCK;
    else if (cmd & LOCK_EX) l.l_type = F_WRLCK;
    else return exc_raise(vm, E_ValueError, "unrecognized lockf argument");
    l.l_start = start;
    l.l_len = len;
    l.l_whence = (short)whence;
    int op = (cmd & LOCK_NB) ? F_SETLK : F_SETLKW;
    int r;
    for (;;) {
        ThreadState *ts = gil_release(vm);
        r = fcntl(fd, op, &l);
        int err = errno;
        gil_acquire(vm, ts);
        errno = err;
        if (r >= 0 || errno != EINTR) break;
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
    return r < 0 ? os_err(vm) : NONE_VAL;
}

bool mod_fcntl_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; long value; } consts[] = {
        {"FD_CLOEXEC", FD_CLOEXEC}, {"F_DUPFD", F_DUPFD}, {"F_DUPFD_CLOEXEC", F_DUPFD_CLOEXEC},
        {"F_GETFD", F_GETFD}, {"F_SETFD", F_SETFD}, {"F_GETFL", F_GETFL}, {"F_SETFL", F_SETFL},
        {"F_GETLK", F_GETLK}, {"F_SETLK", F_SETLK}, {"F_SETLKW", F_SETLKW}, {"F_GETOWN", F_GETOWN},
        {"F_SETOWN", F_SETOWN}, {"F_GETSIG", F_GETSIG}, {"F_SETSIG", F_SETSIG}, {"F_RDLCK", F_RDLCK},
        {"F_WRLCK", F_WRLCK}, {"F_UNLCK", F_UNLCK}, {"F_EXLCK", 4}, {"F_SHLCK", 8},
        {"F_GETLEASE", F_GETLEASE}, {"F_SETLEASE", F_SETLEASE}, {"F_NOTIFY", F_NOTIFY},
        {"F_GETPIPE_SZ", F_GETPIPE_SZ}, {"F_SETPIPE_SZ", F_SETPIPE_SZ},
        {"F_OFD_GETLK", F_OFD_GETLK}, {"F_OFD_SETLK", F_OFD_SETLK}, {"F_OFD_SETLKW", F_OFD_SETLKW},
        {"F_ADD_SEALS", F_ADD_SEALS}, {"F_GET_SEALS", F_GET_SEALS}, {"F_SEAL_SEAL", F_SEAL_SEAL},
        {"F_SEAL_SHRINK", F_SEAL_SHRINK}, {"F_SEAL_GROW", F_SEAL_GROW}, {"F_SEAL_WRITE", F_SEAL_WRITE},
        {"DN_ACCESS", DN_ACCESS}, {"DN_MODIFY", DN_MODIFY}, {"DN_CREATE", DN_CREATE}, {"DN_DELETE", DN_DELETE},
        {"DN_RENAME", DN_RENAME}, {"DN_ATTRIB", DN_ATTRIB}, {"DN_MULTISHOT", (long)DN_MULTISHOT},
        {"LOCK_SH", LOCK_SH}, {"LOCK_EX", LOCK_EX}, {"LOCK_NB", LOCK_NB}, {"LOCK_UN", LOCK_UN},
        {"LOCK_MAND", 32}, {"LOCK_READ", 64}, {"LOCK_WRITE", 128}, {"LOCK_RW", 192},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (!module_add_value(vm, m, consts[i].name, int_from_i64(vm, consts[i].value))) return false;
    return module_add_native(vm, m, "fcntl", f_fcntl) && module_add_native(vm, m, "ioctl", f_ioctl) &&
           module_add_native(vm, m, "flock", f_flock) && module_add_native(vm, m, "lockf", f_lockf);
}
