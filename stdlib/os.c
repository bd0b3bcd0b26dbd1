/* The os module (POSIX only): environment, working directory, directory
 * listing and creation, removal, renaming, file descriptors and the raw
 * stat calls. os.path is the posixpath module (stdlib/posixpath.asy over
 * the natives of stdlib/_posixpath.c), imported on first use.
 *
 * System errors raise the OSError subclass for their errno, with args
 * (errno, strerror, filename) so that str(e) reads as CPython's
 * "[Errno 2] No such file or directory: 'x'". Paths are str, bytes or
 * os.PathLike. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

extern char **environ;

/* Raises the OSError subclass for `err` with no, one or two file names
 * (UNDEF for none): CPython's "[Errno 17] File exists: 'a' -> 'b'". */
static Value os_error2(VM *vm, int err, Value filename, Value filename2) {
    return procargs_oserror(vm, err, filename, filename2);
}

static Value os_error(VM *vm, int err, Value filename) { return os_error2(vm, err, filename, UNDEF); }

/* A path argument as a C string (a str without NUL bytes); an os.PathLike
 * is replaced in *arg by its str. */
static const char *path_arg(VM *vm, const char *fname, Value *arg) {
    Value v = *arg = is_str(*arg) ? *arg : op_fspath(vm, *arg);
    if (is_kind(v, OBJ_BYTES)) {
        /* a bytes path is the file name's bytes as they are (NUL-ended) */
        ObjBytes *b = AS(ObjBytes, v);
        if (strlen((const char *)b->data) != (size_t)b->len) {
            exc_raise(vm, E_ValueError, "%s: embedded null character in path", fname);
            return NULL;
        }
        return (const char *)b->data;
    }
    return v == ERR ? NULL : procargs_path(vm, fname, v);
}

/* ---- environment and process ------------------------------------------------ */

static Value environ_dict(VM *vm) {
    ObjStr *mname = str_intern_cstr(vm, "os"), *ename = str_intern_cstr(vm, "environ");
    Value m = mname ? dict_get_str(vm->modules, mname) : UNDEF;
    return is_kind(m, OBJ_MODULE) && ename ? dict_get_str(AS(ObjModule, m)->dict, ename) : UNDEF;
}

static Value os_getenv(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"key", "default", NULL};
    if (!args_kw_only_py(vm, "getenv", kw, accepted)) return ERR;
    Value key = nargs > 0 ? args[0] : args_kw(vm, args, nargs, kw, "key");
    Value dflt = nargs > 1 ? args[1] : args_kw(vm, args, nargs, kw, "default");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "getenv() takes from 1 to 2 positional arguments but %d were given", nargs);
    if (key == UNDEF) return exc_raise(vm, E_TypeError, "getenv() missing 1 required positional argument: 'key'");
    if (!is_str(key)) return exc_raise(vm, E_TypeError, "str expected, not %T", key);
    if (dflt == UNDEF) dflt = NONE_VAL;
    Value env = environ_dict(vm);
    if (is_dict(env)) {
        Value v = dict_get(vm, AS(ObjDict, env), key);
        return v == ERR ? ERR : v == UNDEF ? dflt : v;
    }
    const char *v = getenv(AS(ObjStr, key)->data);
    return v ? str_decode_utf8(vm, v, strlen(v), "replace") : dflt;
}

static Value make_environ(VM *vm) {
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    for (char **e = environ; *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq || eq == *e) continue;
        Value k = str_decode_utf8(vm, *e, (size_t)(eq - *e), "replace");
        Value v = str_decode_utf8(vm, eq + 1, strlen(eq + 1), "replace");
        if (k == ERR || v == ERR || dict_set(vm, d, k, v) < 0) return ERR;
    }
    return obj_val(d);
}

static Value os_getpid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "getpid", nargs, kw, 0, 0) ? int_val(getpid()) : ERR;
}

/* _exit(status): ends the process at once: no clean-up, no flushing. */
static Value os__exit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_exit", nargs, kw, 1, 1)) return ERR;
    if (!is_int(args[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[0]);
    _exit((int)as_int(args[0]));
}

static Value os_kill(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "kill", nargs, kw, 2, 2)) return ERR;
    if (!is_int(args[0]) || !is_int(args[1]))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", is_int(args[0]) ? args[1] : args[0]);
    if (kill((pid_t)as_int(args[0]), (int)as_int(args[1])) < 0) return os_error(vm, errno, UNDEF);
    return NONE_VAL;
}

static Value os_getppid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "getppid", nargs, kw, 0, 0) ? int_val(getppid()) : ERR;
}

/* urandom(n): n bytes from the kernel's generator (getrandom, which
 * blocks only until the pool is first seeded). */
static Value os_urandom(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t n;
    if (!args_check(vm, "urandom", nargs, kw, 1, 1) || !index_value(vm, args[0], &n, NULL)) return ERR;
    if (n < 0) return exc_raise(vm, E_ValueError, "negative argument not allowed");
    Value b = bytes_new(vm, NULL, (size_t)n);
    if (b == ERR) return ERR;
    uint8_t *p = AS(ObjBytes, b)->data;
    for (int64_t done = 0; done < n;) {
        ssize_t got = getrandom(p + done, (size_t)(n - done), 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return exc_raise(vm, E_OSError, "[Errno %d] %s", errno, strerror(errno));
        done += got;
    }
    return b;
}

static Value os_cpu_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "cpu_count", nargs, kw, 0, 0)) return ERR;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? int_val(n) : NONE_VAL;
}

static Value os_getcwd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "getcwd", nargs, kw, 0, 0)) return ERR;
    char *cwd = getcwd(NULL, 0);
    if (!cwd) return os_error(vm, errno, UNDEF);
    Value r = str_decode_utf8(vm, cwd, strlen(cwd), "replace");
    free(cwd);
    return r;
}

static Value os_chdir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *p;
    if (!args_check(vm, "chdir", nargs, kw, 1, 1) || !(p = path_arg(vm, "chdir", &args[0]))) return ERR;
    return chdir(p) == 0 ? NONE_VAL : os_error(vm, errno, args[0]);
}

/* ---- files and directories ------------------------------------------------- */

static Value os_listdir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "listdir", nargs, kw, 0, 1)) return ERR;
    const char *p = ".";
    if (nargs && args[0] != NONE_VAL && !(p = path_arg(vm, "listdir", &args[0]))) return ERR;
    Value pathv = nargs && args[0] != NONE_VAL ? args[0] : UNDEF;
    DIR *d = opendir(p);
    if (!d) return os_error(vm, errno, pathv == UNDEF ? str_from_cstr(vm, ".") : pathv);
    ObjList *l = list_new(vm, 0);
    struct dirent *e;
    while (l && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        Value name = is_kind(pathv, OBJ_BYTES) ? bytes_new(vm, (const uint8_t *)e->d_name, strlen(e->d_name))
                                                : str_decode_utf8(vm, e->d_name, strlen(e->d_name), "replace");
        if (name == ERR || list_append(vm, l, name) < 0) l = NULL;
    }
    closedir(d);
    return l ? obj_val(l) : ERR;
}

/* remove, unlink, rmdir: one path argument, a system call. */
static Value path_call(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int (*fn)(const char *)) {
    const char *p;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !(p = path_arg(vm, name, &args[0]))) return ERR;
    return fn(p) == 0 ? NONE_VAL : os_error(vm, errno, args[0]);
}

static Value os_remove(VM *vm, Value *a, int n, ObjTuple *kw) { return path_call(vm, a, n, kw, "remove", unlink); }
static Value os_unlink(VM *vm, Value *a, int n, ObjTuple *kw) { return path_call(vm, a, n, kw, "unlink", unlink); }
static Value os_rmdir(VM *vm, Value *a, int n, ObjTuple *kw) { return path_call(vm, a, n, kw, "rmdir", rmdir); }

static bool mode_arg(VM *vm, Value *args, int nargs, ObjTuple *kw, mode_t *mode) {
    Value m = nargs > 1 ? args[1] : args_kw(vm, args, nargs, kw, "mode");
    int64_t v = 0777;
    if (m != UNDEF && !ssize_value(vm, m, &v)) return false;
    *mode = (mode_t)v;
    return true;
}

static Value os_mkdir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"mode", NULL};
    const char *p;
    mode_t mode;
    if (!args_kw_only(vm, "mkdir", kw, accepted)) return ERR;
    if (nargs < 1 || nargs > 2) return exc_raise(vm, E_TypeError, "mkdir() takes from 1 to 2 positional arguments");
    if (!(p = path_arg(vm, "mkdir", &args[0])) || !mode_arg(vm, args, nargs, kw, &mode)) return ERR;
    return mkdir(p, mode) == 0 ? NONE_VAL : os_error(vm, errno, args[0]);
}

static bool is_dir(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* makedirs: each missing parent first (existing ones are fine), then the
 * leaf, which may exist only with exist_ok and only as a directory. */
static Value os_makedirs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"mode", "exist_ok", NULL};
    const char *p;
    mode_t mode;
    if (!args_kw_only_py(vm, "makedirs", kw, accepted)) return ERR;
    if (nargs < 1 || nargs > 3) return exc_raise(vm, E_TypeError, "makedirs() takes from 1 to 3 positional arguments");
    if (!(p = path_arg(vm, "makedirs", &args[0])) || !mode_arg(vm, args, nargs, kw, &mode)) return ERR;
    Value eo = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "exist_ok");
    int exist_ok = eo == UNDEF ? 0 : op_truthy(vm, eo);
    if (exist_ok < 0) return ERR;
    size_t len = strlen(p);
    char *buf = malloc(len + 1);
    if (!buf) return exc_nomem(vm);
    memcpy(buf, p, len + 1);
    while (len > 1 && buf[len - 1] == '/') buf[--len] = 0;
    for (size_t i = 1; i < len; i++) {
        if (buf[i] != '/' || buf[i - 1] == '/') continue;
        buf[i] = 0;
        if (!is_dir(buf) && mkdir(buf, mode) != 0 && errno != EEXIST) {
            Value where = str_from_cstr(vm, buf);
            free(buf);
            return where == ERR ? ERR : os_error(vm, errno, where);
        }
        buf[i] = '/';
    }
    int r = mkdir(buf, mode), err = errno;
    bool dir = is_dir(buf);
    free(buf);
    if (r == 0 || (exist_ok && err == EEXIST && dir)) return NONE_VAL;
    return os_error(vm, err, args[0]);
}

static Value os_rename(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *a, *b;
    if (!args_check(vm, "rename", nargs, kw, 2, 2) || !(a = path_arg(vm, "rename", &args[0])) ||
        !(b = path_arg(vm, "rename", &args[1])))
        return ERR;
    return rename(a, b) == 0 ? NONE_VAL : os_error2(vm, errno, args[0], args[1]);
}

/* ---- file descriptors ------------------------------------------------------ */

static bool fd_arg(VM *vm, Value v, int *fd) {
    int64_t i;
    if (!ssize_value(vm, v, &i)) return false;
    if (i < INT_MIN || i > INT_MAX) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return false;
    }
    *fd = (int)i;
    return true;
}

/* os.open(path, flags, mode=0o777, *, dir_fd=None): a relative path from
 * the directory dir_fd when given (openat). */
static Value os_open(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"mode", "dir_fd", NULL};
    const char *p;
    int64_t flags, mode = 0777;
    int dir_fd = AT_FDCWD;
    if (!args_kw_only(vm, "open", kw, accepted)) return ERR;
    if (nargs < 2 || nargs > 3) return exc_raise(vm, E_TypeError, "open() takes from 2 to 3 positional arguments");
    Value mv = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "mode");
    Value dv = args_kw(vm, args, nargs, kw, "dir_fd");
    if (!(p = path_arg(vm, "open", &args[0])) || !ssize_value(vm, args[1], &flags) ||
        (mv != UNDEF && !ssize_value(vm, mv, &mode)) || (dv != UNDEF && dv != NONE_VAL && !fd_arg(vm, dv, &dir_fd)))
        return ERR;
    int fd = openat(dir_fd, p, (int)flags | O_CLOEXEC, (mode_t)mode);
    return fd >= 0 ? int_val(fd) : os_error(vm, errno, args[0]);
}

static Value os_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "close", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    return close(fd) == 0 ? NONE_VAL : os_error(vm, errno, UNDEF);
}

static Value os_write(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "write", nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd)) return ERR;
    const uint8_t *data;
    int64_t len;
    BinBuf b;
    if (!binbuf_arg(vm, args[1], &b)) return ERR;
    data = b.p, len = b.n;
    ssize_t n;
    do n = write(fd, data, (size_t)len); while (n < 0 && errno == EINTR);
    return n >= 0 ? int_from_i64(vm, n) : os_error(vm, errno, UNDEF);
}

static Value os_read(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    int64_t n;
    if (!args_check(vm, "read", nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd) || !ssize_value(vm, args[1], &n))
        return ERR;
    if (n < 0) return os_error(vm, EINVAL, UNDEF);
    uint8_t *buf = malloc(n ? (size_t)n : 1);
    if (!buf) return exc_nomem(vm);
    ssize_t got;
    do got = read(fd, buf, (size_t)n); while (got < 0 && errno == EINTR);
    Value r = got >= 0 ? bytes_new(vm, buf, (size_t)got) : os_error(vm, errno, UNDEF);
    free(buf);
    return r;
}

/* ---- file status and links ---------------------------------------------------
 * The natives give raw values; stat_result, scandir, walk and the rest are
 * Asy code (stdlib/_os_py.asy), reached through __getattr__. */

/* _stat(path, follow_symlinks): (mode, ino, dev, nlink, uid, gid, size,
 * atime_ns, mtime_ns, ctime_ns). */
static Value os__stat(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *p = NULL;
    if (!args_check(vm, "_stat", nargs, kw, 2, 2)) return ERR;
    int follow = op_truthy(vm, args[1]);
    if (follow < 0) return ERR;
    bool fd = follow && is_int(args[0]);      /* stat(fd) is fstat(fd); lstat takes no fd */
    ObjStr *dunder = str_intern_cstr(vm, "__fspath__");
    if (!fd && !is_str(args[0]) && !is_kind(args[0], OBJ_BYTES) && dunder &&
        class_lookup(type_of(vm, args[0]), dunder) == UNDEF)
        return exc_raise(vm, E_TypeError, follow ? "stat: path should be string, bytes, os.PathLike or integer, not %T"
                                                 : "lstat: path should be string, bytes or os.PathLike, not %T", args[0]);
    if (!fd && !(p = path_arg(vm, follow ? "stat" : "lstat", &args[0]))) return ERR;
    struct stat st;
    int rc = fd ? (as_int(args[0]) < 0 || as_int(args[0]) > INT32_MAX ? (errno = EBADF, -1) : fstat((int)as_int(args[0]), &st))
                : follow ? stat(p, &st) : lstat(p, &st);
    if (rc != 0) return os_error(vm, errno, fd ? UNDEF : args[0]);
    int64_t raw[10] = {
        (int64_t)st.st_mode, (int64_t)st.st_ino, (int64_t)st.st_dev, (int64_t)st.st_nlink,
        (int64_t)st.st_uid, (int64_t)st.st_gid, (int64_t)st.st_size,
        (int64_t)st.st_atim.tv_sec * 1000000000 + st.st_atim.tv_nsec,
        (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec,
        (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec,
    };
    ObjTuple *t = tuple_new(vm, 10);
    if (!t) return ERR;
    for (int i = 0; i < 10; i++) t->items[i] = int_val(0);
    if (!vm_push_root(vm, obj_val(t))) return exc_nomem(vm);
    for (int i = 0; i < 10; i++) {
        Value v = int_from_i64(vm, raw[i]);
        if (v == ERR) { vm_pop_roots(vm, 1); return ERR; }
        t->items[i] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

static Value os_readlink(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *p;
    if (!args_check(vm, "readlink", nargs, kw, 1, 1) || !(p = path_arg(vm, "readlink", &args[0]))) return ERR;
    char buf[PATH_MAX];
    ssize_t n = readlink(p, buf, sizeof buf);
    if (n < 0) return os_error(vm, errno, args[0]);
    /* the link's text in the type of the path: bytes for bytes */
    if (is_kind(args[0], OBJ_BYTES)) return bytes_new(vm, (const uint8_t *)buf, (size_t)n);
    return str_decode_utf8(vm, buf, (size_t)n, "replace");
}

/* symlink(src, dst, target_is_directory=False, *, dir_fd=None): the
 * flag only matters on Windows. */
static Value os_symlink(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"src", "dst", "target_is_directory", "dir_fd"};
    Value v[4];
    const char *a, *b;
    int64_t dir_fd = AT_FDCWD;
    if (!args_bind(vm, "symlink", args, nargs, kw, names, 4, 3, 2, 0, v)) return ERR;
    if (v[3] != UNDEF && v[3] != NONE_VAL && !ssize_value(vm, v[3], &dir_fd)) return ERR;
    if (!(a = path_arg(vm, "symlink", &v[0])) || !(b = path_arg(vm, "symlink", &v[1]))) return ERR;
    return symlinkat(a, (int)dir_fd, b) == 0 ? NONE_VAL : os_error2(vm, errno, v[0], v[1]);
}

static Value os_chmod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *p;
    int64_t mode;
    if (!args_check(vm, "chmod", nargs, kw, 2, 2) || !(p = path_arg(vm, "chmod", &args[0])) ||
        !ssize_value(vm, args[1], &mode))
        return ERR;
    return chmod(p, (mode_t)mode) == 0 ? NONE_VAL : os_error(vm, errno, args[0]);
}

static Value os_access(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *p;
    int64_t mode;
    if (!args_check(vm, "access", nargs, kw, 2, 2) || !(p = path_arg(vm, "access", &args[0])) ||
        !ssize_value(vm, args[1], &mode))
        return ERR;
    return bool_val(access(p, (int)mode) == 0);
}

static Value os_getuid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "getuid", nargs, kw, 0, 0) ? int_from_i64(vm, (int64_t)getuid()) : ERR;
}

static Value os_isatty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t fd;
    if (!args_check(vm, "isatty", nargs, kw, 1, 1) || !ssize_value(vm, args[0], &fd)) return ERR;
    return bool_val(fd >= 0 && fd <= INT32_MAX && isatty((int)fd));
}

/* openpty(): a new pseudo-terminal's (master, slave) descriptors, both
 * non-inheritable as CPython's. */
static Value os_openpty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "openpty", nargs, kw, 0, 0)) return ERR;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return os_error(vm, errno, UNDEF);
    const char *name = grantpt(master) == 0 && unlockpt(master) == 0 ? ptsname(master) : NULL;
    int slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
    if (slave < 0) {
        int err = errno;
        close(master);
        return os_error(vm, err, UNDEF);
    }
    Value items[2] = {int_val(master), int_val(slave)};
    ObjTuple *t = tuple_from(vm, items, 2);
    if (!t) { close(master); close(slave); return ERR; }
    return obj_val(t);
}

/* ttyname(fd): the path of the terminal open on fd, or OSError. */
static Value os_ttyname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t fd;
    if (!args_check(vm, "ttyname", nargs, kw, 1, 1) || !index_value(vm, args[0], &fd, NULL)) return ERR;
    char buf[PATH_MAX];
    int err = fd < 0 || fd > INT32_MAX ? EBADF : ttyname_r((int)fd, buf, sizeof buf);
    return err ? os_error(vm, err, UNDEF) : str_from_cstr(vm, buf);
}

/* _terminal_size(fd): (columns, lines) of the terminal on fd, or OSError. */
static Value os__terminal_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t fd;
    if (!args_check(vm, "_terminal_size", nargs, kw, 1, 1) || !ssize_value(vm, args[0], &fd)) return ERR;
    struct winsize w;
    if (fd < 0 || fd > INT32_MAX || ioctl((int)fd, TIOCGWINSZ, &w) != 0) return os_error(vm, fd < 0 || fd > INT32_MAX ? EBADF : errno, UNDEF);
    Value items[2] = {int_val(w.ws_col), int_val(w.ws_row)};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

/* os.path is the posixpath module, imported when first asked for (it is
 * Asy code, which importing os does not run) and then registered as
 * CPython's os registers it: as os.path and as sys.modules['os.path']. */
static Value path_module(VM *vm) {
    Value path = import_module(vm, "posixpath");
    ObjStr *os_name = str_intern_cstr(vm, "os"), *key = str_intern_cstr(vm, "os.path");
    Value os = os_name ? dict_get_str(vm->modules, os_name) : UNDEF;
    if (path == ERR || !key || dict_set_str(vm, vm->modules, key, path) < 0) return ERR;
    if (is_kind(os, OBJ_MODULE) && !module_add_value(vm, AS(ObjModule, os), "path", path)) return ERR;
    return path;
}

/* The names stdlib/_os_py.asy defines, loaded on first use. */
static const char *const lazy_names[] = {
    "stat_result", "stat", "lstat", "fspath", "fsencode", "fsdecode", "getcwdb", "PathLike", "scandir", "DirEntry", "walk",
    "replace", "removedirs", "get_terminal_size", "terminal_size", "supports_fd", "fstat",
    "supports_dir_fd", "supports_follow_symlinks", "supports_effective_ids", "supports_bytes_environ", NULL};

static Value os_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    if (is_str(args[0]) && !strcmp(AS(ObjStr, args[0])->data, "path")) return path_module(vm);
    return module_lazy_attr(vm, "os", "_os_py", lazy_names, args[0]);
}

/* __all__: the public names, the lazy ones and "path" included, so dir(os)
 * lists them before first use (vm/class.c: dir_add_lazy), as CPython's does
 * and as `from os import pathx`'s "Did you mean: 'path'?" needs. */
static bool add_all_list(VM *vm, ObjModule *m) {
    ObjList *all = list_new(vm, 0);
    if (!all || !module_add_value(vm, m, "__all__", obj_val(all))) return false;
    int64_t pos = 0;
    Value k, v;
    while (dict_next(m->dict, &pos, &k, &v)) {
        if (!is_str(k) || AS(ObjStr, k)->data[0] == '_') continue;
        if (list_append(vm, all, k) < 0) return false;
    }
    Value path = str_from_cstr(vm, "path");
    if (path == ERR || list_append(vm, all, path) < 0) return false;
    for (size_t i = 0; lazy_names[i]; i++) {
        Value n = str_from_cstr(vm, lazy_names[i]);
        Value have = n == ERR ? ERR : dict_get(vm, m->dict, n);    /* os_proc.c's replace is native */
        if (have == ERR || (have == UNDEF && list_append(vm, all, n) < 0)) return false;
    }
    return os_proc_list_lazy(vm, m, all, lazy_names);
}

/* ---- the modules ------------------------------------------------------------------ */

typedef struct { const char *name; NativeFn fn; } Entry;

static const Entry os_functions[] = {
    {"getenv", os_getenv}, {"getpid", os_getpid}, {"getppid", os_getppid}, {"_exit", os__exit}, {"kill", os_kill}, {"cpu_count", os_cpu_count}, {"urandom", os_urandom}, {"getcwd", os_getcwd},
    {"chdir", os_chdir}, {"listdir", os_listdir}, {"remove", os_remove}, {"unlink", os_unlink},
    {"rmdir", os_rmdir}, {"mkdir", os_mkdir}, {"makedirs", os_makedirs}, {"rename", os_rename},
    {"open", os_open}, {"close", os_close}, {"write", os_write}, {"read", os_read},
    {"_stat", os__stat}, {"readlink", os_readlink}, {"symlink", os_symlink}, {"chmod", os_chmod},
    {"access", os_access}, {"getuid", os_getuid}, {"isatty", os_isatty}, {"openpty", os_openpty}, {"ttyname", os_ttyname}, {"_terminal_size", os__terminal_size}, {"__getattr__", os_getattr},
};

static bool add_all(VM *vm, ObjModule *m, const Entry *e, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!module_add_native(vm, m, e[i].name, e[i].fn)) return false;
    }
    return true;
}

static bool add_strings(VM *vm, ObjModule *m) {
    static const char *const pairs[][2] = {
        {"sep", "/"}, {"altsep", NULL}, {"extsep", "."}, {"pathsep", ":"}, {"linesep", "\n"},
        {"curdir", "."}, {"pardir", ".."}, {"devnull", "/dev/null"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        Value v = pairs[i][1] ? str_from_cstr(vm, pairs[i][1]) : NONE_VAL;
        if (!module_add_value(vm, m, pairs[i][0], v)) return false;
    }
    return true;
}

static bool add_flags(VM *vm, ObjModule *m) {
    static const struct { const char *name; int value; } flags[] = {
        {"O_RDONLY", O_RDONLY}, {"O_WRONLY", O_WRONLY}, {"O_RDWR", O_RDWR}, {"O_APPEND", O_APPEND},
        {"O_CREAT", O_CREAT}, {"O_EXCL", O_EXCL}, {"O_TRUNC", O_TRUNC},
        {"F_OK", F_OK}, {"R_OK", R_OK}, {"W_OK", W_OK}, {"X_OK", X_OK},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!module_add_value(vm, m, flags[i].name, int_val(flags[i].value))) return false;
    }
    return true;
}

bool mod_os_init(VM *vm, ObjModule *m) {
    return add_all(vm, m, os_functions, sizeof os_functions / sizeof os_functions[0]) && add_strings(vm, m) && add_flags(vm, m) &&
           module_add_value(vm, m, "name", str_from_cstr(vm, "posix")) &&
           module_add_value(vm, m, "environ", make_environ(vm)) &&
           os_proc_init(vm, m) && add_all_list(vm, m);
}
