/* The os module's calls about the system and file ownership: statvfs,
 * sysconf/pathconf/confstr name tables, getloadavg, the chown family and
 * fchmod, the uid/gid setters and group lists, priorities, device numbers
 * and special files, positioned and vectored I/O, sendfile, lockf, and the
 * constants that go with them. The struct sequences (statvfs_result) and
 * what is easier in Asy (renames, fwalk, environb, the spawn family) are in
 * stdlib/_os_sys.asy, loaded on first use through os.__getattr__.
 *
 * Kept apart from os.c and os_proc.c so that each stays one concern;
 * os_proc_init calls os_sys_init. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <utmp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gil.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

static Value raise_errno(VM *vm, int err, Value file) { return procargs_oserror(vm, err, file, UNDEF); }

static bool int_arg(VM *vm, Value v, int *out) {
    int64_t i;
    if (is_bigint(v)) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return false;
    }
    if (!index_value(vm, v, &i, NULL)) return false;
    if (i < INT_MIN || i > INT_MAX) {
        exc_raise(vm, E_OverflowError, i < 0 ? "signed integer is less than minimum" : "signed integer is greater than maximum");
        return false;
    }
    *out = (int)i;
    return true;
}

static bool i64_arg(VM *vm, Value v, int64_t *out) {
    if (is_bigint(v)) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C long");
        return false;
    }
    return index_value(vm, v, out, NULL);
}

/* A uid or gid: -1 means "leave unchanged", as in chown(2). */
static bool id_arg(VM *vm, Value v, const char *what, uint32_t *out) {
    int64_t i;
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "%s should be integer, not %T", what, v);
        return false;
    }
    if (!index_value(vm, v, &i, NULL)) return false;
    if (i < -1 || i > (int64_t)UINT32_MAX - 1) {
        exc_raise(vm, E_OverflowError, "%s is %s than minimum", what, i < 0 ? "less" : "greater");
        return false;
    }
    *out = (uint32_t)i;
    return true;
}

/* A path (str, bytes, os.PathLike) as a C string; *v becomes the str or
 * bytes that __fspath__ gave. */
static const char *path_of(VM *vm, const char *fname, Value *v) {
    Value p = *v = is_str(*v) || is_kind(*v, OBJ_BYTES) ? *v : op_fspath(vm, *v);
    if (p == ERR) return NULL;
    if (is_kind(p, OBJ_BYTES)) {
        ObjBytes *b = AS(ObjBytes, p);
        if (strlen((const char *)b->data) != (size_t)b->len) {
            exc_raise(vm, E_ValueError, "%s: embedded null character in path", fname);
            return NULL;
        }
        return (const char *)b->data;
    }
    return procargs_path(vm, fname, p);
}

/* dir_fd=None or an int; AT_FDCWD when absent. */
static bool dir_fd_arg(VM *vm, Value v, int *fd) {
    *fd = AT_FDCWD;
    return v == UNDEF || v == NONE_VAL || int_arg(vm, v, fd);
}

static bool truth_arg(VM *vm, Value v, bool dflt, bool *out) {
    int t = v == UNDEF ? dflt : op_truthy(vm, v);
    *out = t > 0;
    return t >= 0;
}

static Value int_tuple(VM *vm, const int64_t *raw, int n) {
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    for (int i = 0; i < n; i++) t->items[i] = int_val(0);
    if (!vm_push_root(vm, obj_val(t))) return exc_nomem(vm);
    for (int i = 0; i < n; i++) {
        Value v = int_from_i64(vm, raw[i]);
        if (v == ERR) return vm_pop_roots(vm, 1), ERR;
        t->items[i] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

/* ---- statvfs ----------------------------------------------------------------- */

/* _statvfs(path or fd) -> the ten fields of statvfs_result and f_fsid. */
static Value os__statvfs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "posix.statvfs", nargs, kw, 1, 1)) return ERR;
    struct statvfs s;
    int r;
    Value path = args[0];
    if (is_intlike(path)) {
        int fd;
        if (!int_arg(vm, path, &fd)) return ERR;
        r = fstatvfs(fd, &s);
        path = UNDEF;
    } else {
        if (!is_str(path) && !is_kind(path, OBJ_BYTES) && op_getattr_opt(vm, path, str_intern_cstr(vm, "__fspath__")) == UNDEF)
            return exc_raise(vm, E_TypeError, "statvfs: path should be string, bytes, os.PathLike or integer, not %T", path);
        const char *p = path_of(vm, "statvfs", &path);
        if (!p) return ERR;
        ThreadState *ts = gil_release(vm);
        r = statvfs(p, &s);
        gil_acquire(vm, ts);
    }
    if (r < 0) return raise_errno(vm, errno, path);
    int64_t raw[11] = {(int64_t)s.f_bsize, (int64_t)s.f_frsize, (int64_t)s.f_blocks, (int64_t)s.f_bfree,
                       (int64_t)s.f_bavail, (int64_t)s.f_files, (int64_t)s.f_ffree, (int64_t)s.f_favail,
                       (int64_t)s.f_flag, (int64_t)s.f_namemax, (int64_t)s.f_fsid};
    return int_tuple(vm, raw, 11);
}

static Value os__fstatvfs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "posix.fstatvfs", nargs, kw, 1, 1) || !int_arg(vm, args[0], &fd)) return ERR;
    struct statvfs s;
    if (fstatvfs(fd, &s) < 0) return raise_errno(vm, errno, UNDEF);
    int64_t raw[11] = {(int64_t)s.f_bsize, (int64_t)s.f_frsize, (int64_t)s.f_blocks, (int64_t)s.f_bfree,
                       (int64_t)s.f_bavail, (int64_t)s.f_files, (int64_t)s.f_ffree, (int64_t)s.f_favail,
                       (int64_t)s.f_flag, (int64_t)s.f_namemax, (int64_t)s.f_fsid};
    return int_tuple(vm, raw, 11);
}

/* ---- configuration names ---------------------------------------------------------- */

typedef struct { const char *name; int id; } ConfName;

static const ConfName sysconf_table[] = {
    {"SC_ARG_MAX", _SC_ARG_MAX}, {"SC_CHILD_MAX", _SC_CHILD_MAX}, {"SC_CLK_TCK", _SC_CLK_TCK},
    {"SC_NGROUPS_MAX", _SC_NGROUPS_MAX}, {"SC_OPEN_MAX", _SC_OPEN_MAX}, {"SC_STREAM_MAX", _SC_STREAM_MAX},
    {"SC_TZNAME_MAX", _SC_TZNAME_MAX}, {"SC_JOB_CONTROL", _SC_JOB_CONTROL}, {"SC_SAVED_IDS", _SC_SAVED_IDS},
    {"SC_VERSION", _SC_VERSION}, {"SC_PAGESIZE", _SC_PAGESIZE}, {"SC_PAGE_SIZE", _SC_PAGE_SIZE},
    {"SC_NPROCESSORS_CONF", _SC_NPROCESSORS_CONF}, {"SC_NPROCESSORS_ONLN", _SC_NPROCESSORS_ONLN},
    {"SC_PHYS_PAGES", _SC_PHYS_PAGES}, {"SC_AVPHYS_PAGES", _SC_AVPHYS_PAGES},
    {"SC_HOST_NAME_MAX", _SC_HOST_NAME_MAX}, {"SC_LOGIN_NAME_MAX", _SC_LOGIN_NAME_MAX},
    {"SC_LINE_MAX", _SC_LINE_MAX}, {"SC_IOV_MAX", _SC_IOV_MAX}, {"SC_TTY_NAME_MAX", _SC_TTY_NAME_MAX},
    {"SC_GETPW_R_SIZE_MAX", _SC_GETPW_R_SIZE_MAX}, {"SC_GETGR_R_SIZE_MAX", _SC_GETGR_R_SIZE_MAX},
    {"SC_RTSIG_MAX", _SC_RTSIG_MAX}, {"SC_SIGQUEUE_MAX", _SC_SIGQUEUE_MAX},
    {"SC_SEM_NSEMS_MAX", _SC_SEM_NSEMS_MAX}, {"SC_THREAD_STACK_MIN", _SC_THREAD_STACK_MIN},
    {"SC_THREAD_THREADS_MAX", _SC_THREAD_THREADS_MAX}, {"SC_THREADS", _SC_THREADS},
    {"SC_SEMAPHORES", _SC_SEMAPHORES}, {"SC_SHARED_MEMORY_OBJECTS", _SC_SHARED_MEMORY_OBJECTS},
    {"SC_TIMERS", _SC_TIMERS}, {"SC_MAPPED_FILES", _SC_MAPPED_FILES}, {"SC_FSYNC", _SC_FSYNC},
    {"SC_ASYNCHRONOUS_IO", _SC_ASYNCHRONOUS_IO}, {"SC_PRIORITY_SCHEDULING", _SC_PRIORITY_SCHEDULING},
    {"SC_REALTIME_SIGNALS", _SC_REALTIME_SIGNALS}, {"SC_MEMLOCK", _SC_MEMLOCK},
    {"SC_BC_BASE_MAX", _SC_BC_BASE_MAX}, {"SC_BC_DIM_MAX", _SC_BC_DIM_MAX},
    {"SC_BC_SCALE_MAX", _SC_BC_SCALE_MAX}, {"SC_BC_STRING_MAX", _SC_BC_STRING_MAX},
    {"SC_COLL_WEIGHTS_MAX", _SC_COLL_WEIGHTS_MAX}, {"SC_EXPR_NEST_MAX", _SC_EXPR_NEST_MAX},
    {"SC_RE_DUP_MAX", _SC_RE_DUP_MAX}, {"SC_2_VERSION", _SC_2_VERSION},
    {"SC_XOPEN_VERSION", _SC_XOPEN_VERSION}, {"SC_ATEXIT_MAX", _SC_ATEXIT_MAX},
    {"SC_DELAYTIMER_MAX", _SC_DELAYTIMER_MAX}, {"SC_MQ_OPEN_MAX", _SC_MQ_OPEN_MAX},
    {"SC_MQ_PRIO_MAX", _SC_MQ_PRIO_MAX}, {"SC_TIMER_MAX", _SC_TIMER_MAX},
    {"SC_AIO_MAX", _SC_AIO_MAX}, {"SC_AIO_LISTIO_MAX", _SC_AIO_LISTIO_MAX},
    {"SC_AIO_PRIO_DELTA_MAX", _SC_AIO_PRIO_DELTA_MAX}, {"SC_SEM_VALUE_MAX", _SC_SEM_VALUE_MAX},
    {"SC_THREAD_KEYS_MAX", _SC_THREAD_KEYS_MAX}, {"SC_THREAD_DESTRUCTOR_ITERATIONS", _SC_THREAD_DESTRUCTOR_ITERATIONS},
    {"SC_PASS_MAX", _SC_PASS_MAX}, {"SC_XOPEN_UNIX", _SC_XOPEN_UNIX},
    {"SC_MINSIGSTKSZ", _SC_MINSIGSTKSZ},
};

static const ConfName pathconf_table[] = {
    {"PC_LINK_MAX", _PC_LINK_MAX}, {"PC_MAX_CANON", _PC_MAX_CANON}, {"PC_MAX_INPUT", _PC_MAX_INPUT},
    {"PC_NAME_MAX", _PC_NAME_MAX}, {"PC_PATH_MAX", _PC_PATH_MAX}, {"PC_PIPE_BUF", _PC_PIPE_BUF},
    {"PC_CHOWN_RESTRICTED", _PC_CHOWN_RESTRICTED}, {"PC_NO_TRUNC", _PC_NO_TRUNC}, {"PC_VDISABLE", _PC_VDISABLE},
    {"PC_SYNC_IO", _PC_SYNC_IO}, {"PC_ASYNC_IO", _PC_ASYNC_IO}, {"PC_PRIO_IO", _PC_PRIO_IO},
    {"PC_SOCK_MAXBUF", _PC_SOCK_MAXBUF}, {"PC_FILESIZEBITS", _PC_FILESIZEBITS},
    {"PC_REC_INCR_XFER_SIZE", _PC_REC_INCR_XFER_SIZE}, {"PC_REC_MAX_XFER_SIZE", _PC_REC_MAX_XFER_SIZE},
    {"PC_REC_MIN_XFER_SIZE", _PC_REC_MIN_XFER_SIZE}, {"PC_REC_XFER_ALIGN", _PC_REC_XFER_ALIGN},
    {"PC_ALLOC_SIZE_MIN", _PC_ALLOC_SIZE_MIN}, {"PC_SYMLINK_MAX", _PC_SYMLINK_MAX},
    {"PC_2_SYMLINKS", _PC_2_SYMLINKS},
};

static const ConfName confstr_table[] = {
    {"CS_PATH", _CS_PATH}, {"CS_GNU_LIBC_VERSION", _CS_GNU_LIBC_VERSION},
    {"CS_GNU_LIBPTHREAD_VERSION", _CS_GNU_LIBPTHREAD_VERSION},
};

#define NTAB(t) (sizeof t / sizeof t[0])

/* A configuration name: an int, or a str the table knows. */
static bool conf_arg(VM *vm, Value v, const ConfName *tab, size_t n, int *id) {
    if (is_str(v)) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(AS(ObjStr, v)->data, tab[i].name) == 0) return *id = tab[i].id, true;
        }
        exc_raise(vm, E_ValueError, "unrecognized configuration name");
        return false;
    }
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "configuration names must be strings or integers");
        return false;
    }
    return int_arg(vm, v, id);
}

static Value conf_dict(VM *vm, const ConfName *tab, size_t n) {
    ObjDict *d = dict_new(vm);
    if (!d || !vm_push_root(vm, obj_val(d))) return ERR;
    for (size_t i = 0; i < n; i++) {
        Value k = str_from_cstr(vm, tab[i].name);
        if (k == ERR || dict_set(vm, d, k, int_val(tab[i].id)) < 0) return vm_pop_roots(vm, 1), ERR;
    }
    vm_pop_roots(vm, 1);
    return obj_val(d);
}

/* _conf_names(which) -> sysconf_names (0), pathconf_names (1) or
 * confstr_names (2), made when _os_sys.asy is first loaded. */
static Value os__conf_names(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int which;
    if (!args_check(vm, "_conf_names", nargs, kw, 1, 1) || !int_arg(vm, args[0], &which)) return ERR;
    if (which == 0) return conf_dict(vm, sysconf_table, NTAB(sysconf_table));
    if (which == 1) return conf_dict(vm, pathconf_table, NTAB(pathconf_table));
    return conf_dict(vm, confstr_table, NTAB(confstr_table));
}

/* sysconf(name): -1 without errno is a real answer ("no limit"). */
static Value os_sysconf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int id;
    if (!args_check(vm, "posix.sysconf", nargs, kw, 1, 1) || !conf_arg(vm, args[0], sysconf_table, NTAB(sysconf_table), &id))
        return ERR;
    errno = 0;
    long r = sysconf(id);
    if (r == -1 && errno) return raise_errno(vm, errno, UNDEF);
    return int_from_i64(vm, r);
}

static Value os_pathconf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "name", NULL};
    Value v[2];
    int id;
    if (!args_bind(vm, "pathconf", args, nargs, kw, names, 2, 2, 2, 0, v) ||
        !conf_arg(vm, v[1], pathconf_table, NTAB(pathconf_table), &id))
        return ERR;
    long r;
    errno = 0;
    if (is_intlike(v[0])) {
        int fd;
        if (!int_arg(vm, v[0], &fd)) return ERR;
        r = fpathconf(fd, id);
        v[0] = UNDEF;
    } else {
        const char *p = path_of(vm, "pathconf", &v[0]);
        if (!p) return ERR;
        r = pathconf(p, id);
    }
    if (r == -1 && errno) return raise_errno(vm, errno, v[0]);
    return int_from_i64(vm, r);
}

static Value os_fpathconf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, id;
    if (!args_check(vm, "fpathconf", nargs, kw, 2, 2) || !int_arg(vm, args[0], &fd) ||
        !conf_arg(vm, args[1], pathconf_table, NTAB(pathconf_table), &id))
        return ERR;
    errno = 0;
    long r = fpathconf(fd, id);
    if (r == -1 && errno) return raise_errno(vm, errno, UNDEF);
    return int_from_i64(vm, r);
}

static Value os_getloadavg(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.getloadavg", nargs, kw, 0, 0)) return ERR;
    double l[3];
    if (getloadavg(l, 3) != 3) return exc_raise(vm, E_OSError, "Load averages are unobtainable");
    ObjTuple *t = tuple_from(vm, (Value[]){float_val(l[0]), float_val(l[1]), float_val(l[2])}, 3);
    return t ? obj_val(t) : ERR;
}

/* ---- ownership and modes ---------------------------------------------------------- */

/* chown(path, uid, gid, *, dir_fd=None, follow_symlinks=True); path may
 * be a descriptor (fchown). */
static Value os_chown(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "uid", "gid", "dir_fd", "follow_symlinks", NULL};
    Value v[5];
    uint32_t uid, gid;
    int dfd;
    bool follow;
    if (!args_bind(vm, "chown", args, nargs, kw, names, 5, 3, 3, 0, v) || !id_arg(vm, v[1], "uid", &uid) ||
        !id_arg(vm, v[2], "gid", &gid) || !dir_fd_arg(vm, v[3], &dfd) || !truth_arg(vm, v[4], true, &follow))
        return ERR;
    int r;
    if (is_intlike(v[0])) {
        int fd;
        if (!int_arg(vm, v[0], &fd)) return ERR;
        r = fchown(fd, uid, gid);
        v[0] = UNDEF;
    } else {
        const char *p = path_of(vm, "chown", &v[0]);
        if (!p) return ERR;
        r = fchownat(dfd, p, uid, gid, follow ? 0 : AT_SYMLINK_NOFOLLOW);
    }
    return r < 0 ? raise_errno(vm, errno, v[0]) : NONE_VAL;
}

static Value os_lchown(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "uid", "gid", NULL};
    Value v[3];
    uint32_t uid, gid;
    if (!args_bind(vm, "lchown", args, nargs, kw, names, 3, 3, 3, 0, v) || !id_arg(vm, v[1], "uid", &uid) ||
        !id_arg(vm, v[2], "gid", &gid))
        return ERR;
    const char *p = path_of(vm, "lchown", &v[0]);
    if (!p) return ERR;
    return lchown(p, uid, gid) < 0 ? raise_errno(vm, errno, v[0]) : NONE_VAL;
}

static Value os_fchown(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", "uid", "gid", NULL};
    Value v[3];
    int fd;
    uint32_t uid, gid;
    if (!args_bind(vm, "fchown", args, nargs, kw, names, 3, 3, 3, 0, v) || !int_arg(vm, v[0], &fd) ||
        !id_arg(vm, v[1], "uid", &uid) || !id_arg(vm, v[2], "gid", &gid))
        return ERR;
    return fchown(fd, uid, gid) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_fchmod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", "mode", NULL};
    Value v[2];
    int fd, mode;
    if (!args_bind(vm, "fchmod", args, nargs, kw, names, 2, 2, 2, 0, v) || !int_arg(vm, v[0], &fd) ||
        !int_arg(vm, v[1], &mode))
        return ERR;
    return fchmod(fd, (mode_t)mode) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_fchdir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "posix.fchdir", nargs, kw, 1, 1) || !int_arg(vm, args[0], &fd)) return ERR;
    return fchdir(fd) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_chroot(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "posix.chroot", nargs, kw, 1, 1)) return ERR;
    const char *p = path_of(vm, "chroot", &args[0]);
    if (!p) return ERR;
    return chroot(p) < 0 ? raise_errno(vm, errno, args[0]) : NONE_VAL;
}

/* ---- user and group ids -------------------------------------------------------------- */

#define SET1(name, call) \
    static Value os_##name(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        uint32_t a; \
        if (!args_check(vm, #name, nargs, kw, 1, 1) || !id_arg(vm, args[0], #name[3] == 'u' || #name[4] == 'u' ? "uid" : "gid", &a)) \
            return ERR; \
        return call < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL; \
    }
SET1(setuid, setuid(a))
SET1(setgid, setgid(a))
SET1(seteuid, seteuid(a))
SET1(setegid, setegid(a))
#undef SET1

static Value set_ids(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, const char *what, int n) {
    uint32_t a[3];
    if (!args_check(vm, name, nargs, kw, n, n)) return ERR;
    for (int i = 0; i < n; i++) {
        if (!id_arg(vm, args[i], what, &a[i])) return ERR;
    }
    bool uid = what[0] == 'u';
    int r = n == 2 ? (uid ? setreuid(a[0], a[1]) : setregid(a[0], a[1]))
                   : (uid ? setresuid(a[0], a[1], a[2]) : setresgid(a[0], a[1], a[2]));
    return r < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_setreuid(VM *vm, Value *a, int n, ObjTuple *kw) { return set_ids(vm, a, n, kw, "setreuid", "uid", 2); }
static Value os_setregid(VM *vm, Value *a, int n, ObjTuple *kw) { return set_ids(vm, a, n, kw, "setregid", "gid", 2); }
static Value os_setresuid(VM *vm, Value *a, int n, ObjTuple *kw) { return set_ids(vm, a, n, kw, "setresuid", "uid", 3); }
static Value os_setresgid(VM *vm, Value *a, int n, ObjTuple *kw) { return set_ids(vm, a, n, kw, "setresgid", "gid", 3); }

static Value os_getresuid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    uid_t r, e, s;
    if (!args_check(vm, "posix.getresuid", nargs, kw, 0, 0)) return ERR;
    if (getresuid(&r, &e, &s) < 0) return raise_errno(vm, errno, UNDEF);
    return int_tuple(vm, (int64_t[]){r, e, s}, 3);
}

static Value os_getresgid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    gid_t r, e, s;
    if (!args_check(vm, "posix.getresgid", nargs, kw, 0, 0)) return ERR;
    if (getresgid(&r, &e, &s) < 0) return raise_errno(vm, errno, UNDEF);
    return int_tuple(vm, (int64_t[]){r, e, s}, 3);
}

static Value gid_list(VM *vm, const gid_t *g, int n) {
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    for (int i = 0; i < n; i++) {
        Value v = int_from_i64(vm, g[i]);
        if (v == ERR || list_append(vm, l, v) < 0) return vm_pop_roots(vm, 1), ERR;
    }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

static Value os_getgroups(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.getgroups", nargs, kw, 0, 0)) return ERR;
    int n = getgroups(0, NULL);
    gid_t *g = n >= 0 ? malloc(sizeof(gid_t) * (size_t)(n + 1)) : NULL;
    if (n < 0) return raise_errno(vm, errno, UNDEF);
    if (!g) return exc_nomem(vm);
    n = getgroups(n, g);
    Value r = n < 0 ? raise_errno(vm, errno, UNDEF) : gid_list(vm, g, n);
    free(g);
    return r;
}

static Value os_setgroups(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "posix.setgroups", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_LIST) && !is_kind(args[0], OBJ_TUPLE))
        return exc_raise(vm, E_TypeError, "setgroups argument must be a sequence");
    Value seq = op_call1(vm, obj_val(vm->types[T_LIST]), args[0]);
    if (seq == ERR) return ERR;
    ObjList *l = AS(ObjList, seq);
    gid_t *g = malloc(sizeof(gid_t) * (size_t)(l->len + 1));
    if (!g) return exc_nomem(vm);
    for (int64_t i = 0; i < l->len; i++) {
        uint32_t id;
        if (!is_intlike(l->items[i])) {
            free(g);
            return exc_raise(vm, E_TypeError, "groups must be integers");
        }
        if (!id_arg(vm, l->items[i], "gid", &id)) return free(g), ERR;
        g[i] = id;
    }
    int r = setgroups((size_t)l->len, g);
    free(g);
    return r < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_getgrouplist(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    uint32_t base;
    if (!args_check(vm, "getgrouplist", nargs, kw, 2, 2)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "getgrouplist() argument 1 must be str, not %T", args[0]);
    if (!id_arg(vm, args[1], "gid", &base)) return ERR;
    int n = 64;
    for (;;) {
        gid_t *g = malloc(sizeof(gid_t) * (size_t)n);
        if (!g) return exc_nomem(vm);
        int got = n;
        if (getgrouplist(AS(ObjStr, args[0])->data, base, g, &got) >= 0) {
            Value r = gid_list(vm, g, got);
            free(g);
            return r;
        }
        free(g);
        if (n > 65536) return raise_errno(vm, EINVAL, UNDEF);
        n = got > n ? got : n * 2;
    }
}

static Value os_initgroups(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    uint32_t gid;
    if (!args_check(vm, "initgroups", nargs, kw, 2, 2)) return ERR;
    const char *user = path_of(vm, "initgroups", &args[0]);
    if (!user || !id_arg(vm, args[1], "gid", &gid)) return ERR;
    return initgroups(user, gid) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_setpgrp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.setpgrp", nargs, kw, 0, 0)) return ERR;
    return setpgid(0, 0) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* ---- priorities and scheduling ------------------------------------------------------- */

static Value os_nice(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int inc;
    if (!args_check(vm, "posix.nice", nargs, kw, 1, 1) || !int_arg(vm, args[0], &inc)) return ERR;
    errno = 0;
    int r = nice(inc);
    if (r == -1 && errno) return raise_errno(vm, errno, UNDEF);
    return int_val(r);
}

static Value os_getpriority(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int which, who;
    if (!args_check(vm, "getpriority", nargs, kw, 2, 2) || !int_arg(vm, args[0], &which) || !int_arg(vm, args[1], &who))
        return ERR;
    errno = 0;
    int r = getpriority(which, (id_t)who);
    if (r == -1 && errno) return raise_errno(vm, errno, UNDEF);
    return int_val(r);
}

static Value os_setpriority(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int which, who, prio;
    if (!args_check(vm, "setpriority", nargs, kw, 3, 3) || !int_arg(vm, args[0], &which) || !int_arg(vm, args[1], &who) ||
        !int_arg(vm, args[2], &prio))
        return ERR;
    return setpriority(which, (id_t)who, prio) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_sched_yield(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.sched_yield", nargs, kw, 0, 0)) return ERR;
    ThreadState *ts = gil_release(vm);
    sched_yield();
    gil_acquire(vm, ts);
    return NONE_VAL;
}

static Value sched_prio(VM *vm, Value *args, int nargs, ObjTuple *kw, bool max) {
    static const char *const names[] = {"policy", NULL};
    Value v;
    int pol;
    if (!args_bind(vm, max ? "sched_get_priority_max" : "sched_get_priority_min", args, nargs, kw, names, 1, 1, 1, 0, &v) ||
        !int_arg(vm, v, &pol))
        return ERR;
    int r = max ? sched_get_priority_max(pol) : sched_get_priority_min(pol);
    return r < 0 ? raise_errno(vm, errno, UNDEF) : int_val(r);
}

static Value os_sched_get_priority_max(VM *vm, Value *a, int n, ObjTuple *kw) { return sched_prio(vm, a, n, kw, true); }
static Value os_sched_get_priority_min(VM *vm, Value *a, int n, ObjTuple *kw) { return sched_prio(vm, a, n, kw, false); }

static Value os_sched_setaffinity(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "sched_setaffinity", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pid)) return ERR;
    Value seq = op_call1(vm, obj_val(vm->types[T_LIST]), args[1]);
    if (seq == ERR) return ERR;
    cpu_set_t set;
    CPU_ZERO(&set);
    ObjList *l = AS(ObjList, seq);
    for (int64_t i = 0; i < l->len; i++) {
        int64_t c;
        if (!is_intlike(l->items[i]))
            return exc_raise(vm, E_TypeError, "expected an iterator of ints, but iterator yielded %T", l->items[i]);
        if (!i64_arg(vm, l->items[i], &c)) return ERR;
        if (c < 0) return exc_raise(vm, E_ValueError, "negative CPU number");
        if (c >= CPU_SETSIZE) return exc_raise(vm, E_OverflowError, "CPU number too large");
        CPU_SET((int)c, &set);
    }
    return sched_setaffinity(pid, sizeof set, &set) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_sched_getscheduler(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "posix.sched_getscheduler", nargs, kw, 1, 1) || !int_arg(vm, args[0], &pid)) return ERR;
    int r = sched_getscheduler(pid);
    return r < 0 ? raise_errno(vm, errno, UNDEF) : int_val(r);
}

/* _sched_getparam(pid) -> the priority; sched_getparam in _os_sys.asy
 * wraps it in sched_param. */
static Value os__sched_getparam(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "posix.sched_getparam", nargs, kw, 1, 1) || !int_arg(vm, args[0], &pid)) return ERR;
    struct sched_param sp;
    return sched_getparam(pid, &sp) < 0 ? raise_errno(vm, errno, UNDEF) : int_val(sp.sched_priority);
}

static Value os__sched_setparam(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid, prio;
    if (!args_check(vm, "sched_setparam", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pid) || !int_arg(vm, args[1], &prio))
        return ERR;
    struct sched_param sp = {.sched_priority = prio};
    return sched_setparam(pid, &sp) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os__sched_setscheduler(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid, policy, prio;
    if (!args_check(vm, "sched_setscheduler", nargs, kw, 3, 3) || !int_arg(vm, args[0], &pid) ||
        !int_arg(vm, args[1], &policy) || !int_arg(vm, args[2], &prio))
        return ERR;
    struct sched_param sp = {.sched_priority = prio};
    return sched_setscheduler(pid, policy, &sp) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_sched_rr_get_interval(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "posix.sched_rr_get_interval", nargs, kw, 1, 1) || !int_arg(vm, args[0], &pid)) return ERR;
    struct timespec ts;
    if (sched_rr_get_interval(pid, &ts) < 0) return raise_errno(vm, errno, UNDEF);
    return float_val((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
}

static Value os_unshare(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"flags", NULL};
    Value v;
    int flags;
    if (!args_bind(vm, "unshare", args, nargs, kw, names, 1, 1, 1, 0, &v) || !int_arg(vm, v, &flags)) return ERR;
    return unshare(flags) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_setns(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", "nstype", NULL};
    Value v[2];
    int fd, nstype = 0;
    if (!args_bind(vm, "setns", args, nargs, kw, names, 2, 2, 1, 0, v) || (v[1] != UNDEF && !int_arg(vm, v[1], &nstype)))
        return ERR;
    Value f = v[0];
    if (!is_intlike(f)) {
        Value m = op_getattr_opt(vm, f, str_intern_cstr(vm, "fileno"));
        if (m == ERR) return ERR;
        if (m == UNDEF) return exc_raise(vm, E_TypeError, "argument must be an int, or have a fileno() method.");
        if ((f = op_call0(vm, m)) == ERR) return ERR;
    }
    if (!int_arg(vm, f, &fd)) return ERR;
    return setns(fd, nstype) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* ---- small system calls ---------------------------------------------------------------- */

static Value os_sync(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.sync", nargs, kw, 0, 0)) return ERR;
    ThreadState *ts = gil_release(vm);
    sync();
    gil_acquire(vm, ts);
    return NONE_VAL;
}

/* fdatasync(fd): an int or an object with fileno(). */
static Value os_fdatasync(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "posix.fdatasync", nargs, kw, 1, 1)) return ERR;
    Value f = args[0];
    if (!is_intlike(f)) {
        Value m = op_getattr_opt(vm, f, str_intern_cstr(vm, "fileno"));
        if (m == ERR) return ERR;
        if (m == UNDEF) return exc_raise(vm, E_TypeError, "argument must be an int, or have a fileno() method.");
        if ((f = op_call0(vm, m)) == ERR) return ERR;
    }
    int fd;
    if (!int_arg(vm, f, &fd)) return ERR;
    ThreadState *ts = gil_release(vm);
    int r = fdatasync(fd), err = errno;
    gil_acquire(vm, ts);
    return r < 0 ? raise_errno(vm, err, UNDEF) : NONE_VAL;
}

static Value os_ctermid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.ctermid", nargs, kw, 0, 0)) return ERR;
    char buf[L_ctermid];
    const char *r = ctermid(buf);
    return r ? str_from_cstr(vm, r) : raise_errno(vm, errno, UNDEF);
}

static Value os_abort(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "posix.abort", nargs, kw, 0, 0)) return ERR;
    abort();
}

static Value os_getrandom(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"size", "flags", NULL};
    Value v[2];
    int64_t n;
    int flags = 0;
    if (!args_bind(vm, "getrandom", args, nargs, kw, names, 2, 2, 1, 0, v) || !i64_arg(vm, v[0], &n) ||
        (v[1] != UNDEF && !int_arg(vm, v[1], &flags)))
        return ERR;
    if (n < 0) return raise_errno(vm, EINVAL, UNDEF);
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    if (!buf) return exc_nomem(vm);
    ssize_t got;
    do got = getrandom(buf, (size_t)n, (unsigned)flags); while (got < 0 && errno == EINTR);
    Value r = got < 0 ? raise_errno(vm, errno, UNDEF) : bytes_new(vm, buf, (size_t)got);
    free(buf);
    return r;
}

/* ---- devices and special files ---------------------------------------------------------- */

static bool dev_arg(VM *vm, Value v, uint64_t *out) {
    int64_t i;
    if (!i64_arg(vm, v, &i)) return false;
    if (i < 0) {
        exc_raise(vm, E_OverflowError, "can't convert negative int to unsigned");
        return false;
    }
    *out = (uint64_t)i;
    return true;
}

static Value os_major(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    uint64_t d;
    if (!args_check(vm, "posix.major", nargs, kw, 1, 1) || !dev_arg(vm, args[0], &d)) return ERR;
    return int_from_i64(vm, (int64_t)major(d));
}

static Value os_minor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    uint64_t d;
    if (!args_check(vm, "posix.minor", nargs, kw, 1, 1) || !dev_arg(vm, args[0], &d)) return ERR;
    return int_from_i64(vm, (int64_t)minor(d));
}

static Value os_makedev(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t a, b;
    if (!args_check(vm, "makedev", nargs, kw, 2, 2) || !i64_arg(vm, args[0], &a) || !i64_arg(vm, args[1], &b)) return ERR;
    return int_from_i64(vm, (int64_t)makedev((unsigned)a, (unsigned)b));
}

static Value os_mkfifo(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "mode", "dir_fd", NULL};
    Value v[3];
    int mode = 0666, dfd;
    if (!args_bind(vm, "mkfifo", args, nargs, kw, names, 3, 2, 1, 0, v) || (v[1] != UNDEF && !int_arg(vm, v[1], &mode)) ||
        !dir_fd_arg(vm, v[2], &dfd))
        return ERR;
    const char *p = path_of(vm, "mkfifo", &v[0]);
    if (!p) return ERR;
    return mkfifoat(dfd, p, (mode_t)mode) < 0 ? raise_errno(vm, errno, v[0]) : NONE_VAL;
}

static Value os_mknod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "mode", "device", "dir_fd", NULL};
    Value v[4];
    int mode = 0600, dfd;
    uint64_t dev = 0;
    if (!args_bind(vm, "mknod", args, nargs, kw, names, 4, 3, 1, 0, v) || (v[1] != UNDEF && !int_arg(vm, v[1], &mode)) ||
        (v[2] != UNDEF && !dev_arg(vm, v[2], &dev)) || !dir_fd_arg(vm, v[3], &dfd))
        return ERR;
    const char *p = path_of(vm, "mknod", &v[0]);
    if (!p) return ERR;
    return mknodat(dfd, p, (mode_t)mode, (dev_t)dev) < 0 ? raise_errno(vm, errno, v[0]) : NONE_VAL;
}

/* ---- positioned and vectored I/O ---------------------------------------------------------- */

static Value os_pread(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    int64_t n, off;
    if (!args_check(vm, "pread", nargs, kw, 3, 3) || !int_arg(vm, args[0], &fd) || !i64_arg(vm, args[1], &n) ||
        !i64_arg(vm, args[2], &off))
        return ERR;
    if (n < 0) return raise_errno(vm, EINVAL, UNDEF);
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    if (!buf) return exc_nomem(vm);
    ssize_t got;
    do got = pread(fd, buf, (size_t)n, (off_t)off); while (got < 0 && errno == EINTR);
    Value r = got < 0 ? raise_errno(vm, errno, UNDEF) : bytes_new(vm, buf, (size_t)got);
    free(buf);
    return r;
}

static Value os_pwrite(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    int64_t off;
    BinBuf b;
    if (!args_check(vm, "pwrite", nargs, kw, 3, 3) || !int_arg(vm, args[0], &fd) || !binbuf_arg(vm, args[1], &b) ||
        !i64_arg(vm, args[2], &off))
        return ERR;
    ssize_t n;
    do n = pwrite(fd, b.p, (size_t)b.n, (off_t)off); while (n < 0 && errno == EINTR);
    return n < 0 ? raise_errno(vm, errno, UNDEF) : int_from_i64(vm, n);
}

/* writev(fd, buffers): the buffers are bytes-like objects, written in one call. */
static Value os_writev(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "writev", nargs, kw, 2, 2) || !int_arg(vm, args[0], &fd)) return ERR;
    /* a sequence: anything indexable (a str is one, and fails item by item) */
    if (is_kind(args[1], OBJ_SET) || is_kind(args[1], OBJ_DICT) ||
        op_getattr_opt(vm, args[1], str_intern_cstr(vm, "__getitem__")) == UNDEF)
        return exc_raise(vm, E_TypeError, "writev() arg 2 must be a sequence");
    Value seq = op_call1(vm, obj_val(vm->types[T_LIST]), args[1]);
    if (seq == ERR || !vm_push_root(vm, seq)) return ERR;
    ObjList *l = AS(ObjList, seq);
    struct iovec *iov = malloc(sizeof *iov * (size_t)(l->len + 1));
    if (!iov) return vm_pop_roots(vm, 1), exc_nomem(vm);
    for (int64_t i = 0; i < l->len; i++) {
        BinBuf b;
        if (!binbuf_arg(vm, l->items[i], &b)) return free(iov), vm_pop_roots(vm, 1), ERR;
        iov[i].iov_base = (void *)b.p;
        iov[i].iov_len = (size_t)b.n;
    }
    ssize_t n;
    do n = writev(fd, iov, (int)l->len); while (n < 0 && errno == EINTR);
    free(iov);
    vm_pop_roots(vm, 1);
    return n < 0 ? raise_errno(vm, errno, UNDEF) : int_from_i64(vm, n);
}

static Value os_sendfile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"out_fd", "in_fd", "offset", "count", NULL};
    Value v[4];
    int out, in;
    int64_t count, off = 0;
    if (!args_bind(vm, "sendfile", args, nargs, kw, names, 4, 4, 4, 0, v) || !int_arg(vm, v[0], &out) ||
        !int_arg(vm, v[1], &in) || (v[2] != NONE_VAL && !i64_arg(vm, v[2], &off)) || !i64_arg(vm, v[3], &count))
        return ERR;
    off_t o = (off_t)off;
    ssize_t n;
    ThreadState *ts = gil_release(vm);
    do n = sendfile(out, in, v[2] == NONE_VAL ? NULL : &o, (size_t)count); while (n < 0 && errno == EINTR);
    int err = errno;
    gil_acquire(vm, ts);
    return n < 0 ? raise_errno(vm, err, UNDEF) : int_from_i64(vm, n);
}

static Value os_lockf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, cmd;
    int64_t len;
    if (!args_check(vm, "lockf", nargs, kw, 3, 3) || !int_arg(vm, args[0], &fd) || !int_arg(vm, args[1], &cmd) ||
        !i64_arg(vm, args[2], &len))
        return ERR;
    ThreadState *ts = gil_release(vm);
    int r = lockf(fd, cmd, (off_t)len), err = errno;
    gil_acquire(vm, ts);
    return r < 0 ? raise_errno(vm, err, UNDEF) : NONE_VAL;
}

static Value os_posix_fallocate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    int64_t off, len;
    if (!args_check(vm, "posix_fallocate", nargs, kw, 3, 3) || !int_arg(vm, args[0], &fd) || !i64_arg(vm, args[1], &off) ||
        !i64_arg(vm, args[2], &len))
        return ERR;
    int err = posix_fallocate(fd, (off_t)off, (off_t)len);
    return err ? raise_errno(vm, err, UNDEF) : NONE_VAL;
}

static Value os_posix_fadvise(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, advice;
    int64_t off, len;
    if (!args_check(vm, "posix_fadvise", nargs, kw, 4, 4) || !int_arg(vm, args[0], &fd) || !i64_arg(vm, args[1], &off) ||
        !i64_arg(vm, args[2], &len) || !int_arg(vm, args[3], &advice))
        return ERR;
    int err = posix_fadvise(fd, (off_t)off, (off_t)len, advice);
    return err ? raise_errno(vm, err, UNDEF) : NONE_VAL;
}

/* _wait4(pid, options) -> (pid, status, ru_utime, ru_stime, and the 14
 * integer fields of struct rusage); wait3/wait4 in _os_sys.asy wrap the
 * usage in resource.struct_rusage. */
static Value os__wait4(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid, options;
    if (!args_check(vm, "wait4", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pid) || !int_arg(vm, args[1], &options))
        return ERR;
    struct rusage ru;
    int status = 0;
    pid_t r;
    for (;;) {
        memset(&ru, 0, sizeof ru);
        ThreadState *ts = gil_release(vm);
        r = wait4(pid, &status, options, &ru);
        int err = errno;
        gil_acquire(vm, ts);
        if (r >= 0) break;
        if (err != EINTR) return raise_errno(vm, err, UNDEF);
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
    ObjTuple *t = tuple_new(vm, 18);
    if (!t) return ERR;
    for (int i = 0; i < 18; i++) t->items[i] = int_val(0);
    t->items[0] = int_val(r);
    t->items[1] = int_val(status);
    t->items[2] = float_val((double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6);
    t->items[3] = float_val((double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6);
    long rest[14] = {ru.ru_maxrss, ru.ru_ixrss, ru.ru_idrss, ru.ru_isrss, ru.ru_minflt, ru.ru_majflt, ru.ru_nswap,
                     ru.ru_inblock, ru.ru_oublock, ru.ru_msgsnd, ru.ru_msgrcv, ru.ru_nsignals, ru.ru_nvcsw, ru.ru_nivcsw};
    for (int i = 0; i < 14; i++) t->items[4 + i] = int_val(rest[i]);
    return obj_val(t);
}

/* _waitid(idtype, id, options) -> None when WNOHANG found nothing, else
 * (si_pid, si_uid, si_signo, si_status, si_code). */
static Value os__waitid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int idtype, id, options;
    if (!args_check(vm, "waitid", nargs, kw, 3, 3) || !int_arg(vm, args[0], &idtype) || !int_arg(vm, args[1], &id) ||
        !int_arg(vm, args[2], &options))
        return ERR;
    siginfo_t si;
    for (;;) {
        memset(&si, 0, sizeof si);
        ThreadState *ts = gil_release(vm);
        int r = waitid((idtype_t)idtype, (id_t)id, &si, options);
        int err = errno;
        gil_acquire(vm, ts);
        if (r >= 0) break;
        if (err != EINTR) return raise_errno(vm, err, UNDEF);
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
    if (si.si_pid == 0) return NONE_VAL;
    return int_tuple(vm, (int64_t[]){si.si_pid, si.si_uid, si.si_signo, si.si_status, si.si_code}, 5);
}

/* ---- descriptors of the kernel's own objects ---------------------------------------------- */

static Value os_pidfd_open(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"pid", "flags", NULL};
    Value v[2];
    int pid, flags = 0;
    if (!args_bind(vm, "pidfd_open", args, nargs, kw, names, 2, 2, 1, 0, v) || !int_arg(vm, v[0], &pid) ||
        (v[1] != UNDEF && !int_arg(vm, v[1], &flags)))
        return ERR;
    long fd = syscall(SYS_pidfd_open, pid, flags);
    return fd < 0 ? raise_errno(vm, errno, UNDEF) : int_val(fd);
}

static Value os_memfd_create(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"name", "flags", NULL};
    Value v[2];
    int flags = MFD_CLOEXEC;
    if (!args_bind(vm, "memfd_create", args, nargs, kw, names, 2, 2, 1, 0, v) ||
        (v[1] != UNDEF && !int_arg(vm, v[1], &flags)))
        return ERR;
    const char *name = path_of(vm, "memfd_create", &v[0]);
    if (!name) return ERR;
    int fd = memfd_create(name, (unsigned)flags);
    return fd < 0 ? raise_errno(vm, errno, UNDEF) : int_val(fd);
}

static Value os_eventfd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"initval", "flags", NULL};
    Value v[2];
    int64_t init;
    int flags = EFD_CLOEXEC;
    if (!args_bind(vm, "eventfd", args, nargs, kw, names, 2, 2, 1, 0, v) || !i64_arg(vm, v[0], &init) ||
        (v[1] != UNDEF && !int_arg(vm, v[1], &flags)))
        return ERR;
    if (init < 0 || init > UINT32_MAX) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C unsigned int");
    int fd = eventfd((unsigned)init, flags);
    return fd < 0 ? raise_errno(vm, errno, UNDEF) : int_val(fd);
}

static Value os_eventfd_read(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "posix.eventfd_read", nargs, kw, 1, 1) || !int_arg(vm, args[0], &fd)) return ERR;
    eventfd_t value;
    ThreadState *ts = gil_release(vm);
    int r = eventfd_read(fd, &value), err = errno;
    gil_acquire(vm, ts);
    return r < 0 ? raise_errno(vm, err, UNDEF) : int_from_u64(vm, value);
}

static Value os_eventfd_write(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    int64_t value;
    if (!args_check(vm, "eventfd_write", nargs, kw, 2, 2) || !int_arg(vm, args[0], &fd) || !i64_arg(vm, args[1], &value))
        return ERR;
    ThreadState *ts = gil_release(vm);
    int r = eventfd_write(fd, (eventfd_t)value), err = errno;
    gil_acquire(vm, ts);
    return r < 0 ? raise_errno(vm, err, UNDEF) : NONE_VAL;
}

/* ---- extended attributes ---------------------------------------------------------------------
 * The path may be a descriptor; follow_symlinks=False uses the l* calls. */

typedef struct { int fd; const char *path; bool follow; Value shown; } XTarget;

static bool xtarget(VM *vm, const char *fname, Value *path, Value follow, XTarget *t) {
    t->fd = -1;
    t->path = NULL;
    if (!truth_arg(vm, follow, true, &t->follow)) return false;
    if (is_intlike(*path)) {
        t->shown = UNDEF;
        return int_arg(vm, *path, &t->fd);
    }
    t->path = path_of(vm, fname, path);
    t->shown = *path;
    return t->path != NULL;
}

static const char *xname(VM *vm, const char *fname, Value *name) {
    if (!is_str(*name) && !is_kind(*name, OBJ_BYTES) && op_getattr_opt(vm, *name, str_intern_cstr(vm, "__fspath__")) == UNDEF) {
        exc_raise(vm, E_TypeError, "%s: attribute should be string, bytes or os.PathLike, not %T", fname, *name);
        return NULL;
    }
    return path_of(vm, fname, name);
}

static Value os_getxattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "attribute", "follow_symlinks", NULL};
    Value v[3];
    XTarget t;
    const char *attr;
    if (!args_bind(vm, "getxattr", args, nargs, kw, names, 3, 2, 2, 0, v) || !xtarget(vm, "getxattr", &v[0], v[2], &t) ||
        !(attr = xname(vm, "getxattr", &v[1])))
        return ERR;
    for (size_t cap = 256;; cap *= 4) {
        char *buf = malloc(cap);
        if (!buf) return exc_nomem(vm);
        ssize_t n = t.fd >= 0 ? fgetxattr(t.fd, attr, buf, cap)
                  : t.follow ? getxattr(t.path, attr, buf, cap) : lgetxattr(t.path, attr, buf, cap);
        if (n >= 0) {
            Value r = bytes_new(vm, (const uint8_t *)buf, (size_t)n);
            free(buf);
            return r;
        }
        int err = errno;
        free(buf);
        if (err != ERANGE || cap > (1u << 26)) return raise_errno(vm, err, t.shown);
    }
}

static Value os_setxattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "attribute", "value", "flags", "follow_symlinks", NULL};
    Value v[5];
    XTarget t;
    const char *attr;
    BinBuf b;
    int flags = 0;
    if (!args_bind(vm, "setxattr", args, nargs, kw, names, 5, 4, 3, 0, v) || !xtarget(vm, "setxattr", &v[0], v[4], &t) ||
        !(attr = xname(vm, "setxattr", &v[1])) || !binbuf_arg(vm, v[2], &b) || (v[3] != UNDEF && !int_arg(vm, v[3], &flags)))
        return ERR;
    int r = t.fd >= 0 ? fsetxattr(t.fd, attr, b.p, (size_t)b.n, flags)
          : t.follow ? setxattr(t.path, attr, b.p, (size_t)b.n, flags) : lsetxattr(t.path, attr, b.p, (size_t)b.n, flags);
    return r < 0 ? raise_errno(vm, errno, t.shown) : NONE_VAL;
}

static Value os_removexattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "attribute", "follow_symlinks", NULL};
    Value v[3];
    XTarget t;
    const char *attr;
    if (!args_bind(vm, "removexattr", args, nargs, kw, names, 3, 2, 2, 0, v) ||
        !xtarget(vm, "removexattr", &v[0], v[2], &t) || !(attr = xname(vm, "removexattr", &v[1])))
        return ERR;
    int r = t.fd >= 0 ? fremovexattr(t.fd, attr) : t.follow ? removexattr(t.path, attr) : lremovexattr(t.path, attr);
    return r < 0 ? raise_errno(vm, errno, t.shown) : NONE_VAL;
}

static Value os_listxattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "follow_symlinks", NULL};
    Value v[2];
    XTarget t;
    if (!args_bind(vm, "listxattr", args, nargs, kw, names, 2, 1, 0, 0, v)) return ERR;
    if (v[0] == UNDEF || v[0] == NONE_VAL) v[0] = str_from_cstr(vm, ".");
    if (v[0] == ERR || !xtarget(vm, "listxattr", &v[0], v[1], &t)) return ERR;
    for (size_t cap = 256;; cap *= 4) {
        char *buf = malloc(cap);
        if (!buf) return exc_nomem(vm);
        ssize_t n = t.fd >= 0 ? flistxattr(t.fd, buf, cap) : t.follow ? listxattr(t.path, buf, cap) : llistxattr(t.path, buf, cap);
        if (n < 0) {
            int err = errno;
            free(buf);
            if (err != ERANGE || cap > (1u << 26)) return raise_errno(vm, err, t.shown);
            continue;
        }
        ObjList *l = list_new(vm, 0);
        if (!l || !vm_push_root(vm, obj_val(l))) return free(buf), ERR;
        for (ssize_t i = 0; i < n;) {
            size_t len = strlen(buf + i);
            Value name = str_decode_utf8(vm, buf + i, len, "surrogateescape");
            if (name == ERR || list_append(vm, l, name) < 0) return free(buf), vm_pop_roots(vm, 1), ERR;
            i += (ssize_t)len + 1;
        }
        free(buf);
        vm_pop_roots(vm, 1);
        return obj_val(l);
    }
}

/* ---- terminals ------------------------------------------------------------------------------------ */

static Value os_tcgetpgrp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "posix.tcgetpgrp", nargs, kw, 1, 1) || !int_arg(vm, args[0], &fd)) return ERR;
    pid_t g = tcgetpgrp(fd);
    return g < 0 ? raise_errno(vm, errno, UNDEF) : int_val(g);
}

static Value os_tcsetpgrp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, pgid;
    if (!args_check(vm, "tcsetpgrp", nargs, kw, 2, 2) || !int_arg(vm, args[0], &fd) || !int_arg(vm, args[1], &pgid))
        return ERR;
    return tcsetpgrp(fd, pgid) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* device_encoding(fd): the locale's encoding when fd is a terminal, else None. */
static Value os_device_encoding(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", NULL};
    Value v;
    int fd;
    if (!args_bind(vm, "device_encoding", args, nargs, kw, names, 1, 1, 1, 0, &v) || !int_arg(vm, v, &fd)) return ERR;
    if (!isatty(fd)) return NONE_VAL;
    return str_from_cstr(vm, "utf-8");
}

static Value os_login_tty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "posix.login_tty", nargs, kw, 1, 1) || !int_arg(vm, args[0], &fd)) return ERR;
    return login_tty(fd) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* ---- copying between descriptors in the kernel -------------------------------------------------- */

/* An optional offset: None for the descriptor's own position. */
static bool off_opt(VM *vm, Value v, loff_t *off, loff_t **p) {
    int64_t i;
    *p = NULL;
    if (v == UNDEF || v == NONE_VAL) return true;
    if (!i64_arg(vm, v, &i)) return false;
    *off = (loff_t)i;
    *p = off;
    return true;
}

static Value os_copy_file_range(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"src", "dst", "count", "offset_src", "offset_dst", NULL};
    Value v[5];
    int src, dst;
    int64_t count;
    loff_t os_, od, *ps, *pd;
    if (!args_bind(vm, "copy_file_range", args, nargs, kw, names, 5, 5, 3, 0, v) || !int_arg(vm, v[0], &src) ||
        !int_arg(vm, v[1], &dst) || !i64_arg(vm, v[2], &count) || !off_opt(vm, v[3], &os_, &ps) || !off_opt(vm, v[4], &od, &pd))
        return ERR;
    if (count < 0) return exc_raise(vm, E_ValueError, "negative value not allowed");
    ThreadState *ts = gil_release(vm);
    ssize_t n = copy_file_range(src, ps, dst, pd, (size_t)count, 0);
    int err = errno;
    gil_acquire(vm, ts);
    return n < 0 ? raise_errno(vm, err, UNDEF) : int_from_i64(vm, n);
}

static Value os_splice(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"src", "dst", "count", "offset_src", "offset_dst", "flags", NULL};
    Value v[6];
    int src, dst, flags = 0;
    int64_t count;
    loff_t os_, od, *ps, *pd;
    if (!args_bind(vm, "splice", args, nargs, kw, names, 6, 6, 3, 0, v) || !int_arg(vm, v[0], &src) ||
        !int_arg(vm, v[1], &dst) || !i64_arg(vm, v[2], &count) || !off_opt(vm, v[3], &os_, &ps) ||
        !off_opt(vm, v[4], &od, &pd) || (v[5] != UNDEF && !int_arg(vm, v[5], &flags)))
        return ERR;
    if (count < 0) return exc_raise(vm, E_ValueError, "negative value not allowed");
    ThreadState *ts = gil_release(vm);
    ssize_t n = splice(src, ps, dst, pd, (size_t)count, (unsigned)flags);
    int err = errno;
    gil_acquire(vm, ts);
    return n < 0 ? raise_errno(vm, err, UNDEF) : int_from_i64(vm, n);
}

/* ---- registration ------------------------------------------------------------------------ */

typedef struct { const char *name; NativeFn fn; } Entry;

static const Entry functions[] = {
    {"_statvfs", os__statvfs}, {"_conf_names", os__conf_names}, {"_fstatvfs", os__fstatvfs}, {"sysconf", os_sysconf}, {"pathconf", os_pathconf},
    {"fpathconf", os_fpathconf}, {"getloadavg", os_getloadavg},
    {"chown", os_chown}, {"lchown", os_lchown}, {"fchown", os_fchown}, {"fchmod", os_fchmod},
    {"fchdir", os_fchdir}, {"chroot", os_chroot},
    {"setuid", os_setuid}, {"setgid", os_setgid}, {"seteuid", os_seteuid}, {"setegid", os_setegid},
    {"setreuid", os_setreuid}, {"setregid", os_setregid}, {"setresuid", os_setresuid}, {"setresgid", os_setresgid},
    {"getresuid", os_getresuid}, {"getresgid", os_getresgid}, {"getgroups", os_getgroups}, {"setgroups", os_setgroups},
    {"getgrouplist", os_getgrouplist}, {"initgroups", os_initgroups}, {"setpgrp", os_setpgrp},
    {"nice", os_nice}, {"getpriority", os_getpriority}, {"setpriority", os_setpriority},
    {"sched_yield", os_sched_yield}, {"sched_get_priority_max", os_sched_get_priority_max},
    {"sched_get_priority_min", os_sched_get_priority_min}, {"sched_setaffinity", os_sched_setaffinity},
    {"sched_getscheduler", os_sched_getscheduler}, {"_sched_getparam", os__sched_getparam},
    {"_sched_setparam", os__sched_setparam}, {"_sched_setscheduler", os__sched_setscheduler},
    {"sched_rr_get_interval", os_sched_rr_get_interval}, {"unshare", os_unshare}, {"setns", os_setns},
    {"sync", os_sync}, {"fdatasync", os_fdatasync}, {"ctermid", os_ctermid}, {"abort", os_abort},
    {"getrandom", os_getrandom}, {"major", os_major}, {"minor", os_minor}, {"makedev", os_makedev},
    {"mkfifo", os_mkfifo}, {"mknod", os_mknod}, {"pread", os_pread}, {"pwrite", os_pwrite},
    {"writev", os_writev}, {"sendfile", os_sendfile}, {"lockf", os_lockf},
    {"posix_fallocate", os_posix_fallocate}, {"posix_fadvise", os_posix_fadvise},
    {"_wait4", os__wait4}, {"_waitid", os__waitid}, {"pidfd_open", os_pidfd_open},
    {"memfd_create", os_memfd_create}, {"eventfd", os_eventfd}, {"eventfd_read", os_eventfd_read},
    {"eventfd_write", os_eventfd_write}, {"getxattr", os_getxattr}, {"setxattr", os_setxattr},
    {"removexattr", os_removexattr}, {"listxattr", os_listxattr}, {"tcgetpgrp", os_tcgetpgrp},
    {"tcsetpgrp", os_tcsetpgrp}, {"device_encoding", os_device_encoding}, {"login_tty", os_login_tty},
    {"copy_file_range", os_copy_file_range}, {"splice", os_splice},
};

static const struct { const char *name; long value; } constants[] = {
    {"EX_USAGE", 64}, {"EX_DATAERR", 65}, {"EX_NOINPUT", 66}, {"EX_NOUSER", 67},
    {"EX_NOHOST", 68}, {"EX_UNAVAILABLE", 69}, {"EX_SOFTWARE", 70}, {"EX_OSERR", 71}, {"EX_OSFILE", 72},
    {"EX_CANTCREAT", 73}, {"EX_IOERR", 74}, {"EX_TEMPFAIL", 75}, {"EX_PROTOCOL", 76}, {"EX_NOPERM", 77},
    {"EX_CONFIG", 78},
    {"O_ACCMODE", O_ACCMODE}, {"O_ASYNC", O_ASYNC}, {"O_DIRECT", O_DIRECT}, {"O_DSYNC", O_DSYNC},
    {"O_NDELAY", O_NDELAY}, {"O_NOATIME", O_NOATIME}, {"O_PATH", O_PATH}, {"O_RSYNC", O_RSYNC},
    {"O_TMPFILE", O_TMPFILE}, {"O_LARGEFILE", 0}, {"O_FSYNC", O_FSYNC},
    {"F_LOCK", F_LOCK}, {"F_TLOCK", F_TLOCK}, {"F_ULOCK", F_ULOCK}, {"F_TEST", F_TEST},
    {"PRIO_PROCESS", PRIO_PROCESS}, {"PRIO_PGRP", PRIO_PGRP}, {"PRIO_USER", PRIO_USER},
    {"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_IDLE", SCHED_IDLE}, {"SCHED_RESET_ON_FORK", SCHED_RESET_ON_FORK},
    {"SEEK_DATA", SEEK_DATA}, {"SEEK_HOLE", SEEK_HOLE},
    {"ST_RDONLY", ST_RDONLY}, {"ST_NOSUID", ST_NOSUID}, {"ST_NODEV", ST_NODEV}, {"ST_NOEXEC", ST_NOEXEC},
    {"ST_SYNCHRONOUS", ST_SYNCHRONOUS}, {"ST_MANDLOCK", ST_MANDLOCK}, {"ST_WRITE", ST_WRITE},
    {"ST_APPEND", ST_APPEND}, {"ST_NOATIME", ST_NOATIME}, {"ST_NODIRATIME", ST_NODIRATIME},
    {"ST_RELATIME", ST_RELATIME},
    {"WEXITED", WEXITED}, {"WSTOPPED", WSTOPPED}, {"WNOWAIT", WNOWAIT},
    {"CLD_EXITED", CLD_EXITED}, {"CLD_KILLED", CLD_KILLED}, {"CLD_DUMPED", CLD_DUMPED},
    {"CLD_TRAPPED", CLD_TRAPPED}, {"CLD_STOPPED", CLD_STOPPED}, {"CLD_CONTINUED", CLD_CONTINUED},
    {"GRND_NONBLOCK", GRND_NONBLOCK}, {"GRND_RANDOM", GRND_RANDOM},
    {"RTLD_LAZY", 1}, {"RTLD_NOW", 2}, {"RTLD_GLOBAL", 0x100}, {"RTLD_LOCAL", 0}, {"RTLD_NODELETE", 0x1000},
    {"RTLD_NOLOAD", 4}, {"RTLD_DEEPBIND", 8},
    {"POSIX_FADV_NORMAL", POSIX_FADV_NORMAL}, {"POSIX_FADV_SEQUENTIAL", POSIX_FADV_SEQUENTIAL},
    {"POSIX_FADV_RANDOM", POSIX_FADV_RANDOM}, {"POSIX_FADV_NOREUSE", POSIX_FADV_NOREUSE},
    {"POSIX_FADV_WILLNEED", POSIX_FADV_WILLNEED}, {"POSIX_FADV_DONTNEED", POSIX_FADV_DONTNEED},
    {"NGROUPS_MAX", NGROUPS_MAX}, {"TMP_MAX", TMP_MAX},
    {"MFD_CLOEXEC", MFD_CLOEXEC}, {"MFD_ALLOW_SEALING", MFD_ALLOW_SEALING}, {"MFD_HUGETLB", MFD_HUGETLB},
    {"EFD_CLOEXEC", EFD_CLOEXEC}, {"EFD_NONBLOCK", EFD_NONBLOCK}, {"EFD_SEMAPHORE", EFD_SEMAPHORE},
    {"PIDFD_NONBLOCK", O_NONBLOCK}, {"XATTR_CREATE", XATTR_CREATE}, {"XATTR_REPLACE", XATTR_REPLACE},
    {"XATTR_SIZE_MAX", 65536}, {"SPLICE_F_MOVE", 1}, {"SPLICE_F_NONBLOCK", 2}, {"SPLICE_F_MORE", 4},
    {"CLONE_FILES", CLONE_FILES}, {"CLONE_FS", CLONE_FS}, {"CLONE_NEWCGROUP", CLONE_NEWCGROUP},
    {"CLONE_NEWIPC", CLONE_NEWIPC}, {"CLONE_NEWNET", CLONE_NEWNET}, {"CLONE_NEWNS", CLONE_NEWNS},
    {"CLONE_NEWPID", CLONE_NEWPID}, {"CLONE_NEWTIME", 128}, {"CLONE_NEWUSER", CLONE_NEWUSER},
    {"CLONE_NEWUTS", CLONE_NEWUTS}, {"CLONE_SIGHAND", CLONE_SIGHAND}, {"CLONE_SYSVSEM", CLONE_SYSVSEM},
    {"CLONE_THREAD", CLONE_THREAD}, {"CLONE_VM", CLONE_VM},
    {"MFD_HUGE_SHIFT", 26}, {"MFD_HUGE_MASK", 63}, {"MFD_HUGE_64KB", 16L << 26}, {"MFD_HUGE_512KB", 19L << 26},
    {"MFD_HUGE_1MB", 20L << 26}, {"MFD_HUGE_2MB", 21L << 26}, {"MFD_HUGE_8MB", 23L << 26},
    {"MFD_HUGE_16MB", 24L << 26}, {"MFD_HUGE_32MB", 25L << 26}, {"MFD_HUGE_256MB", 28L << 26},
    {"MFD_HUGE_512MB", 29L << 26}, {"MFD_HUGE_1GB", 30L << 26}, {"MFD_HUGE_2GB", 31L << 26},
    {"MFD_HUGE_16GB", 34L << 26},
    {"RWF_HIPRI", 1}, {"RWF_DSYNC", 2}, {"RWF_SYNC", 4}, {"RWF_NOWAIT", 8}, {"RWF_APPEND", 16},
    {"P_PIDFD", 3},
    {"P_WAIT", 0}, {"P_NOWAIT", 1}, {"P_NOWAITO", 1},
};

bool os_sys_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < NTAB(functions); i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    for (size_t i = 0; i < NTAB(constants); i++) {
        Value v = int_from_i64(vm, constants[i].value);
        if (v == ERR || !module_add_value(vm, m, constants[i].name, v)) return false;
    }
    return true;
}
