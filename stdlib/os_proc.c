/* The os module's process functions and the smaller system calls around
 * them: fork and the wait family, the exec family, system, the ids of the
 * process and its user, umask, access and the file-descriptor calls
 * (dup, dup2, lseek, fsync, ftruncate, isatty), putenv/unsetenv, and the
 * raw data behind uname(), times() and get_terminal_size(), whose result
 * classes are written in Asy (stdlib/_os_proc.asy, imported when os is).
 *
 * Kept apart from os.c so that the two grow independently; os.c calls
 * os_proc_init at the end of its module init.
 *
 * Blocking calls (waitpid, system) release the interpreter lock and, when
 * a signal interrupts them (EINTR), run what it asked for (a script's
 * signal handler, Ctrl-C) and retry, as CPython does (PEP 475). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/fork.h"
#include "../vm/func.h"
#include "../vm/gil.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

extern char **environ;

/* Raises the OSError subclass for `err`, with one or two file names (UNDEF
 * for none), as CPython's "[Errno 2] ...: 'a' -> 'b'". */
static Value raise_errno2(VM *vm, int err, Value file, Value file2) {
    return procargs_oserror(vm, err, file, file2);
}

static Value raise_errno(VM *vm, int err, Value file) { return raise_errno2(vm, err, file, UNDEF); }

/* After EINTR: runs what the signal asked for; false after raising. */
static bool eintr_ok(VM *vm) { return !vm_signals(vm) || vm_handle_signals(vm, false); }

static bool int_arg(VM *vm, Value v, int *out) {
    int64_t i;
    if (!index_value(vm, v, &i, NULL)) return false;
    if (i < INT_MIN || i > INT_MAX) {
        exc_raise(vm, E_OverflowError, "signed integer is greater than maximum");
        return false;
    }
    *out = (int)i;
    return true;
}

static Value tuple2(VM *vm, Value a, Value b) {
    if (a == ERR || b == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, (Value[]){a, b}, 2);
    return t ? obj_val(t) : ERR;
}

/* ---- fork and wait -------------------------------------------------------- */

/* _fork(): os.fork without the register_at_fork hooks (_os_proc.asy runs
 * them). The child's VM starts over as the process pool's workers do. */
static Value os__fork(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "fork", nargs, kw, 0, 0)) return ERR;
    fflush(stdout);     /* or the child would write the parent's buffered output again */
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return raise_errno(vm, errno, UNDEF);
    if (pid == 0) {
        vm_after_fork(vm, -1);
        sigset_t none;      /* a fork from a thread (all signals blocked) */
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, NULL);
    }
    return int_val(pid);
}

/* waitpid() with the lock released, retried after signals. */
static Value wait_for(VM *vm, pid_t pid, int options) {
    int status = 0;
    for (;;) {
        ThreadState *ts = gil_release(vm);
        pid_t r = waitpid(pid, &status, options);
        int err = errno;
        gil_acquire(vm, ts);
        if (r >= 0) return tuple2(vm, int_val(r), int_val(status));
        if (err != EINTR) return raise_errno(vm, err, UNDEF);
        if (!eintr_ok(vm)) return ERR;
    }
}

static Value os_waitpid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid, options;
    if (!args_check(vm, "waitpid", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pid) || !int_arg(vm, args[1], &options))
        return ERR;
    return wait_for(vm, pid, options);
}

static Value os_wait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "wait", nargs, kw, 0, 0) ? wait_for(vm, -1, 0) : ERR;
}

/* The W* macros on a wait status. */
static bool status_arg(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw, int *st) {
    static const char *const names[] = {"status", NULL};
    Value v;
    return args_bind(vm, name, args, nargs, kw, names, 1, 1, 1, 0, &v) && int_arg(vm, v, st);
}

#define STATUS_FN(name, expr, wrap) \
    static Value os_##name(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        int status; \
        if (!status_arg(vm, #name, args, nargs, kw, &status)) return ERR; \
        return wrap(expr); \
    }
STATUS_FN(WIFEXITED, WIFEXITED(status), bool_val)
STATUS_FN(WEXITSTATUS, WEXITSTATUS(status), int_val)
STATUS_FN(WIFSIGNALED, WIFSIGNALED(status), bool_val)
STATUS_FN(WTERMSIG, WTERMSIG(status), int_val)
STATUS_FN(WIFSTOPPED, WIFSTOPPED(status), bool_val)
STATUS_FN(WSTOPSIG, WSTOPSIG(status), int_val)
STATUS_FN(WIFCONTINUED, WIFCONTINUED(status), bool_val)
STATUS_FN(WCOREDUMP, WCOREDUMP(status), bool_val)
#undef STATUS_FN

static Value os_waitstatus_to_exitcode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int status;
    if (!status_arg(vm, "waitstatus_to_exitcode", args, nargs, kw, &status)) return ERR;
    if (WIFEXITED(status)) return int_val(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return int_val(-WTERMSIG(status));
    if (WIFSTOPPED(status))
        return exc_raise(vm, E_ValueError, "process stopped by delivery of signal %d", WSTOPSIG(status));
    return exc_raise(vm, E_ValueError, "invalid wait status: %d", status);
}

/* ---- exec and system ------------------------------------------------------- */

/* execv/execve/execvp/execvpe: `env` UNDEF keeps the environment. Returns
 * only after raising. Signals an Asy thread blocks (all of them) must not
 * stay blocked in the new program. */
static Value do_exec(VM *vm, const char *fname, Value path, Value argv, Value env, bool search) {
    int roots = 0;
    const char *p = procargs_fspath(vm, fname, &path, &roots);
    char **av = p ? procargs_argv(vm, fname, argv, true) : NULL, **ev = NULL;
    if (!av || (env != UNDEF && !(ev = procargs_env(vm, fname, env)))) {
        procargs_free(av);
        vm_pop_roots(vm, roots);
        return ERR;
    }
    sigset_t old, none;
    sigemptyset(&none);
    pthread_sigmask(SIG_SETMASK, &none, &old);
    if (search) execvpe(p, av, ev ? ev : environ);
    else execve(p, av, ev ? ev : environ);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    procargs_free(av);
    procargs_free(ev);
    vm_pop_roots(vm, roots);
    return raise_errno(vm, err, UNDEF);
}

static Value os_execv(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "execv", nargs, kw, 2, 2)) return ERR;
    return do_exec(vm, "execv", args[0], args[1], UNDEF, false);
}

static Value os_execve(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "argv", "env", NULL};
    Value v[3];
    if (!args_bind(vm, "execve", args, nargs, kw, names, 3, 3, 3, 0, v)) return ERR;
    return do_exec(vm, "execve", v[0], v[1], v[2], false);
}

static Value os_execvp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "execvp", nargs, kw, 2, 2)) return ERR;
    return do_exec(vm, "execv", args[0], args[1], UNDEF, true);
}

static Value os_execvpe(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "execvpe", nargs, kw, 3, 3)) return ERR;
    return do_exec(vm, "execve", args[0], args[1], args[2], true);
}

/* system(3)'s rule: the caller ignores Ctrl-C and SIGQUIT while the shell
 * runs (the terminal sends them to the shell too). Several threads may be
 * inside system() at once: the first saves the old handlers, the last puts
 * them back. */
static uv_mutex_t system_mu;
static uv_once_t system_once = UV_ONCE_INIT;
static int system_users;
static struct sigaction saved_int, saved_quit;

static void system_init(void) { uv_mutex_init(&system_mu); }

static void system_ignore(bool on) {
    uv_once(&system_once, system_init);
    uv_mutex_lock(&system_mu);
    if (on && system_users++ == 0) {
        struct sigaction ign;
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigaction(SIGINT, &ign, &saved_int);
        sigaction(SIGQUIT, &ign, &saved_quit);
    } else if (!on && --system_users == 0) {
        sigaction(SIGINT, &saved_int, NULL);
        sigaction(SIGQUIT, &saved_quit, NULL);
    }
    uv_mutex_unlock(&system_mu);
}

/* Starts /bin/sh -c cmd with default Ctrl-C handling and no signal blocked. */
static int spawn_shell(const char *cmd, pid_t *pid) {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT);
    sigaddset(&dfl, SIGQUIT);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    int err = posix_spawn(pid, "/bin/sh", NULL, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    return err;
}

static Value os_system(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"command", NULL};
    Value cmd;
    if (!args_bind(vm, "system", args, nargs, kw, names, 1, 1, 1, 0, &cmd)) return ERR;
    if (!is_str(cmd)) return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", cmd);
    if (strlen(AS(ObjStr, cmd)->data) != (size_t)AS(ObjStr, cmd)->len)
        return exc_raise(vm, E_ValueError, "embedded null byte");
    ThreadState *ts = gil_release(vm);
    system_ignore(true);
    pid_t pid;
    int status = -1;
    if (spawn_shell(AS(ObjStr, cmd)->data, &pid) == 0) {
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    }
    system_ignore(false);
    gil_acquire(vm, ts);
    return int_val(status);
}

/* ---- ids, groups, sessions ---------------------------------------------------- */

#define ID_FN(name, expr) \
    static Value os_##name(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        (void)args; \
        return args_check(vm, #name, nargs, kw, 0, 0) ? int_from_i64(vm, (int64_t)(expr)) : ERR; \
    }
ID_FN(getuid, getuid())
ID_FN(geteuid, geteuid())
ID_FN(getgid, getgid())
ID_FN(getegid, getegid())
ID_FN(getpgrp, getpgrp())
#undef ID_FN

static Value os_setsid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "setsid", nargs, kw, 0, 0)) return ERR;
    return setsid() < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_getpgid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "getpgid", nargs, kw, 1, 1) || !int_arg(vm, args[0], &pid)) return ERR;
    pid_t g = getpgid(pid);
    return g < 0 ? raise_errno(vm, errno, UNDEF) : int_val(g);
}

static Value os_getsid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "getsid", nargs, kw, 1, 1) || !int_arg(vm, args[0], &pid)) return ERR;
    pid_t s = getsid(pid);
    return s < 0 ? raise_errno(vm, errno, UNDEF) : int_val(s);
}

static Value os_setpgid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid, pgrp;
    if (!args_check(vm, "setpgid", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pid) || !int_arg(vm, args[1], &pgrp))
        return ERR;
    return setpgid(pid, pgrp) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* kill(pid, sig), taking any integer (a signal.Signals member); replaces
 * os.c's, which takes plain ints only. */
static Value os_kill(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid, sig;
    if (!args_check(vm, "kill", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pid) || !int_arg(vm, args[1], &sig))
        return ERR;
    if (kill(pid, sig) < 0) return raise_errno(vm, errno, UNDEF);
    /* A signal sent to this process may have a handler to run now. */
    return vm_signals(vm) && !vm_handle_signals(vm, false) ? ERR : NONE_VAL;
}

static Value os_killpg(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pgrp, sig;
    if (!args_check(vm, "killpg", nargs, kw, 2, 2) || !int_arg(vm, args[0], &pgrp) || !int_arg(vm, args[1], &sig))
        return ERR;
    return killpg(pgrp, sig) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_getlogin(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "getlogin", nargs, kw, 0, 0)) return ERR;
    errno = 0;
    const char *name = getlogin();
    if (!name) return raise_errno(vm, errno ? errno : ENOTTY, UNDEF);
    return str_from_cstr(vm, name);
}

static Value os_umask(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int mask;
    if (!args_check(vm, "umask", nargs, kw, 1, 1) || !int_arg(vm, args[0], &mask)) return ERR;
    return int_val(umask((mode_t)mask));
}

static Value os_sched_getaffinity(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pid;
    if (!args_check(vm, "sched_getaffinity", nargs, kw, 1, 1) || !int_arg(vm, args[0], &pid)) return ERR;
    cpu_set_t set;
    if (sched_getaffinity(pid, sizeof set, &set) < 0) return raise_errno(vm, errno, UNDEF);
    ObjSet *s = set_new(vm, vm->types[T_SET]);
    for (int i = 0; s && i < CPU_SETSIZE; i++) {
        if (CPU_ISSET(i, &set) && set_add(vm, s, int_val(i)) < 0) return ERR;
    }
    return s ? obj_val(s) : ERR;
}

/* ---- the environment ------------------------------------------------------------ */

/* A str argument for putenv/unsetenv (TypeError, or ValueError for NUL). */
static const char *env_str(VM *vm, Value v) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", v);
        return NULL;
    }
    if (strlen(AS(ObjStr, v)->data) != (size_t)AS(ObjStr, v)->len) {
        exc_raise(vm, E_ValueError, "embedded null byte");
        return NULL;
    }
    return AS(ObjStr, v)->data;
}

static Value os_putenv(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *k, *v;
    if (!args_check(vm, "putenv", nargs, kw, 2, 2) || !(k = env_str(vm, args[0])) || !(v = env_str(vm, args[1])))
        return ERR;
    if (strchr(k, '=')) return exc_raise(vm, E_ValueError, "illegal environment variable name");
    return setenv(k, v, 1) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_unsetenv(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *k;
    if (!args_check(vm, "unsetenv", nargs, kw, 1, 1) || !(k = env_str(vm, args[0]))) return ERR;
    return unsetenv(k) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* ---- paths ----------------------------------------------------------------------- */

static Value os_access(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "mode", "dir_fd", "effective_ids", "follow_symlinks", NULL};
    Value v[5];
    const char *p;
    int mode, roots = 0, dir_fd = AT_FDCWD, flags = 0;
    if (!args_bind(vm, "access", args, nargs, kw, names, 5, 2, 2, 0, v) || !int_arg(vm, v[1], &mode) ||
        (v[2] != UNDEF && v[2] != NONE_VAL && !int_arg(vm, v[2], &dir_fd)))
        return ERR;
    for (int k = 3; k < 5; k++) {      /* effective_ids=True, follow_symlinks=False */
        int t = v[k] == UNDEF ? k == 4 : op_truthy(vm, v[k]);
        if (t < 0) return ERR;
        if (k == 3 && t) flags |= AT_EACCESS;
        if (k == 4 && !t) flags |= AT_SYMLINK_NOFOLLOW;
    }
    if (!(p = procargs_fspath(vm, "access", &v[0], &roots))) return vm_pop_roots(vm, roots), ERR;
    bool ok = (dir_fd == AT_FDCWD && !flags ? access(p, mode) : faccessat(dir_fd, p, mode, flags)) == 0;
    vm_pop_roots(vm, roots);
    return bool_val(ok);
}

static Value os_chmod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "mode", NULL};
    Value v[2];
    const char *p;
    int mode, roots = 0;
    if (!args_bind(vm, "chmod", args, nargs, kw, names, 2, 2, 2, 0, v) || !int_arg(vm, v[1], &mode) ||
        !(p = procargs_fspath(vm, "chmod", &v[0], &roots)))
        return vm_pop_roots(vm, roots), ERR;
    int r = chmod(p, (mode_t)mode);
    vm_pop_roots(vm, roots);
    return r < 0 ? raise_errno(vm, errno, v[0]) : NONE_VAL;
}

/* replace and link: two paths, both named in the error. */
static Value two_paths(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int (*fn)(const char *, const char *)) {
    static const char *const names[] = {"src", "dst", NULL};
    Value v[2];
    const char *a, *b;
    int roots = 0;
    if (!args_bind(vm, name, args, nargs, kw, names, 2, 2, 2, 0, v) || !(a = procargs_fspath(vm, name, &v[0], &roots)) ||
        !(b = procargs_fspath(vm, name, &v[1], &roots)))
        return vm_pop_roots(vm, roots), ERR;
    int r = fn(a, b);
    vm_pop_roots(vm, roots);
    return r < 0 ? raise_errno2(vm, errno, v[0], v[1]) : NONE_VAL;
}

static Value os_replace(VM *vm, Value *a, int n, ObjTuple *kw) { return two_paths(vm, a, n, kw, "replace", rename); }
static Value os_link(VM *vm, Value *a, int n, ObjTuple *kw) { return two_paths(vm, a, n, kw, "link", link); }

static Value os_truncate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "length", NULL};
    Value v[2];
    const char *p;
    int64_t len;
    int roots = 0;
    if (!args_bind(vm, "truncate", args, nargs, kw, names, 2, 2, 2, 0, v) || !index_value(vm, v[1], &len, NULL) ||
        !(p = procargs_fspath(vm, "truncate", &v[0], &roots)))
        return vm_pop_roots(vm, roots), ERR;
    int r = truncate(p, (off_t)len);
    vm_pop_roots(vm, roots);
    return r < 0 ? raise_errno(vm, errno, v[0]) : NONE_VAL;
}

/* A (seconds, nanoseconds) time from utime's `times` (numbers) or `ns` (ints). */
static bool utime_pair(VM *vm, Value t, bool ns, struct timespec out[2]) {
    if (!is_kind(t, OBJ_TUPLE) || AS(ObjTuple, t)->len != 2) {
        exc_raise(vm, E_TypeError, ns ? "utime: 'ns' must be a tuple of two ints"
                                      : "utime: 'times' must be either a tuple of two ints or None");
        return false;
    }
    for (int i = 0; i < 2; i++) {
        Value x = AS(ObjTuple, t)->items[i];
        if (ns) {
            int64_t n;
            if (!is_intlike(x) && !is_float(x)) {     /* CPython splits ns with divmod(x, 10**9) */
                exc_raise(vm, E_TypeError, "unsupported operand type(s) for divmod(): '%T' and 'int'", x);
                return false;
            }
            if (!index_value(vm, x, &n, NULL)) return false;
            out[i].tv_sec = (time_t)(n / 1000000000), out[i].tv_nsec = (long)(n % 1000000000);
        } else {
            double d;
            int64_t n;
            if (is_float(x)) d = as_float(x);
            else if (is_intlike(x) ? int_to_float(vm, x, &d) == ERR : !index_value(vm, x, &n, NULL)) return false;
            else if (!is_intlike(x)) d = (double)n;     /* an __index__ object, as CPython's time_t conversion */
            double whole = (double)(int64_t)d;
            if (whole > d) whole -= 1;
            out[i].tv_sec = (time_t)whole, out[i].tv_nsec = (long)((d - whole) * 1e9);
        }
        if (out[i].tv_nsec < 0) out[i].tv_sec -= 1, out[i].tv_nsec += 1000000000;
    }
    return true;
}

static Value os_utime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"path", "times", "ns", NULL};
    Value v[3];
    const char *p;
    int roots = 0;
    if (!args_bind(vm, "utime", args, nargs, kw, names, 3, 2, 1, 0, v)) return ERR;
    bool has_times = v[1] != UNDEF && v[1] != NONE_VAL, has_ns = v[2] != UNDEF;
    if (has_times && has_ns) return exc_raise(vm, E_ValueError, "utime: you may specify either 'times' or 'ns' but not both");
    struct timespec ts[2];
    if ((has_times || has_ns) && !utime_pair(vm, has_ns ? v[2] : v[1], has_ns, ts)) return ERR;
    if (!(p = procargs_fspath(vm, "utime", &v[0], &roots))) return vm_pop_roots(vm, roots), ERR;
    int r = utimensat(AT_FDCWD, p, has_times || has_ns ? ts : NULL, 0);
    vm_pop_roots(vm, roots);
    /* CPython names no file in this error. */
    return r < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

/* ---- file descriptors --------------------------------------------------------------- */

static bool fd_arg(VM *vm, Value v, int *fd) { return int_arg(vm, v, fd); }

static Value os_dup(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "dup", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    int r = fcntl(fd, F_DUPFD_CLOEXEC, 0);     /* not inheritable, as CPython */
    return r < 0 ? raise_errno(vm, errno, UNDEF) : int_val(r);
}

static Value os_dup2(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", "fd2", "inheritable", NULL};
    Value v[3];
    int fd, fd2, inh = 1;
    if (!args_bind(vm, "dup2", args, nargs, kw, names, 3, 3, 2, 0, v) || !fd_arg(vm, v[0], &fd) ||
        !fd_arg(vm, v[1], &fd2) || (v[2] != UNDEF && (inh = op_truthy(vm, v[2])) < 0))
        return ERR;
    int r = fd == fd2 ? fcntl(fd, F_GETFD) : dup3(fd, fd2, inh ? 0 : O_CLOEXEC);
    return r < 0 ? raise_errno(vm, errno, UNDEF) : int_val(fd2);
}

static Value os_lseek(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, how;
    int64_t pos;
    if (!args_check(vm, "lseek", nargs, kw, 3, 3) || !fd_arg(vm, args[0], &fd) || !index_value(vm, args[1], &pos, NULL) ||
        !int_arg(vm, args[2], &how))
        return ERR;
    off_t r = lseek(fd, (off_t)pos, how);
    return r < 0 ? raise_errno(vm, errno, UNDEF) : int_from_i64(vm, (int64_t)r);
}

/* fsync(fd): an int or an object with fileno(), as CPython. */
static Value os_fsync(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "fsync", nargs, kw, 1, 1)) return ERR;
    Value f = args[0];
    if (!is_intlike(f)) {
        Value m = op_getattr_opt(vm, f, str_intern_cstr(vm, "fileno"));
        if (m == ERR) return ERR;
        if (m == UNDEF)
            return exc_raise(vm, E_TypeError, "argument must be an int, or have a fileno() method.");
        if ((f = op_call0(vm, m)) == ERR) return ERR;
    }
    int fd;
    if (!fd_arg(vm, f, &fd)) return ERR;
    ThreadState *ts = gil_release(vm);
    int r = fsync(fd), err = errno;
    gil_acquire(vm, ts);
    return r < 0 ? raise_errno(vm, err, UNDEF) : NONE_VAL;
}

static Value os_ftruncate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    int64_t len;
    if (!args_check(vm, "ftruncate", nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd) || !index_value(vm, args[1], &len, NULL))
        return ERR;
    return ftruncate(fd, (off_t)len) < 0 ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
}

static Value os_isatty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "isatty", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    return bool_val(isatty(fd));
}

static Value os_closerange(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int lo, hi;
    if (!args_check(vm, "closerange", nargs, kw, 2, 2) || !fd_arg(vm, args[0], &lo) || !fd_arg(vm, args[1], &hi))
        return ERR;
    for (int fd = lo < 0 ? 0 : lo; fd < hi; fd++) close(fd);
    return NONE_VAL;
}

static Value os_get_inheritable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "get_inheritable", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    int flags = fcntl(fd, F_GETFD);
    return flags < 0 ? raise_errno(vm, errno, UNDEF) : bool_val(!(flags & FD_CLOEXEC));
}

static Value os_get_blocking(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "get_blocking", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? raise_errno(vm, errno, UNDEF) : bool_val(!(flags & O_NONBLOCK));
}

/* set_blocking(fd, on) and set_inheritable(fd, on): both clear a flag of
 * the descriptor (get: F_GETFL or F_GETFD) when on, and set it when off. */
static Value clear_fd_flag_if(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int get, int flag) {
    int fd, on;
    if (!args_check(vm, name, nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd) || (on = op_truthy(vm, args[1])) < 0)
        return ERR;
    int set = get == F_GETFL ? F_SETFL : F_SETFD;
    int flags = fcntl(fd, get);
    if (flags < 0 || fcntl(fd, set, on ? flags & ~flag : flags | flag) < 0) return raise_errno(vm, errno, UNDEF);
    return NONE_VAL;
}

static Value os_set_blocking(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return clear_fd_flag_if(vm, args, nargs, kw, "set_blocking", F_GETFL, O_NONBLOCK);
}

static Value os_set_inheritable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return clear_fd_flag_if(vm, args, nargs, kw, "set_inheritable", F_GETFD, FD_CLOEXEC);
}

/* A new pipe as (read_fd, write_fd). */
static Value pipe_fds(VM *vm, int flags) {
    int fds[2];
    if (pipe2(fds, flags) < 0) return raise_errno(vm, errno, UNDEF);
    ObjTuple *t = tuple_from(vm, (Value[]){int_val(fds[0]), int_val(fds[1])}, 2);
    if (!t) {
        close(fds[0]);
        close(fds[1]);
        return ERR;
    }
    return obj_val(t);
}

/* pipe(): not inherited by exec'd programs, as CPython's. */
static Value os_pipe(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    return args_check(vm, "pipe", nargs, kw, 0, 0) ? pipe_fds(vm, O_CLOEXEC) : ERR;
}

/* pipe2(flags): O_CLOEXEC / O_NONBLOCK as asked. */
static Value os_pipe2(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int flags;
    if (!args_check(vm, "pipe2", nargs, kw, 1, 1) || !int_arg(vm, args[0], &flags)) return ERR;
    return pipe_fds(vm, flags);
}

/* ---- information --------------------------------------------------------------------- */

static Value os_strerror(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int code;
    if (!args_check(vm, "strerror", nargs, kw, 1, 1) || !int_arg(vm, args[0], &code)) return ERR;
    return str_from_cstr(vm, strerror(code));
}

/* _uname() -> (sysname, nodename, release, version, machine) */
static Value os__uname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "uname", nargs, kw, 0, 0)) return ERR;
    struct utsname u;
    if (uname(&u) < 0) return raise_errno(vm, errno, UNDEF);
    const char *parts[5] = {u.sysname, u.nodename, u.release, u.version, u.machine};
    ObjTuple *t = tuple_new(vm, 5);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    for (int i = 0; i < 5; i++) t->items[i] = NONE_VAL;
    for (int i = 0; i < 5; i++) {
        Value s = str_decode_utf8(vm, parts[i], strlen(parts[i]), "surrogateescape");
        if (s == ERR) { vm_pop_roots(vm, 1); return ERR; }
        t->items[i] = s;
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

/* _times() -> (user, system, children_user, children_system, elapsed) */
static Value os__times(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "times", nargs, kw, 0, 0)) return ERR;
    struct tms t;
    clock_t now = times(&t);
    if (now == (clock_t)-1) return raise_errno(vm, errno, UNDEF);
    double hz = (double)sysconf(_SC_CLK_TCK);
    Value v[5] = {float_val((double)t.tms_utime / hz), float_val((double)t.tms_stime / hz),
                  float_val((double)t.tms_cutime / hz), float_val((double)t.tms_cstime / hz), float_val((double)now / hz)};
    ObjTuple *r = tuple_from(vm, v, 5);
    return r ? obj_val(r) : ERR;
}

/* _terminal_size(fd) -> (columns, lines) */
static Value os__terminal_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "get_terminal_size", nargs, kw, 1, 1) || !fd_arg(vm, args[0], &fd)) return ERR;
    struct winsize w;
    if (ioctl(fd, TIOCGWINSZ, &w) < 0) return raise_errno(vm, errno, UNDEF);
    return tuple2(vm, int_val(w.ws_col), int_val(w.ws_row));
}

/* confstr(name): the few names platform.libc_ver and scripts ask for. */
static Value os_confstr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const struct { const char *name; int id; } names[] = {
        {"CS_PATH", _CS_PATH}, {"CS_GNU_LIBC_VERSION", _CS_GNU_LIBC_VERSION},
        {"CS_GNU_LIBPTHREAD_VERSION", _CS_GNU_LIBPTHREAD_VERSION},
    };
    if (!args_check(vm, "confstr", nargs, kw, 1, 1)) return ERR;
    int id = -1;
    if (is_str(args[0])) {
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strcmp(AS(ObjStr, args[0])->data, names[i].name) == 0) id = names[i].id;
        }
        if (id < 0) return exc_raise(vm, E_ValueError, "unrecognized configuration name");
    } else if (!int_arg(vm, args[0], &id)) {
        return ERR;
    }
    char buf[1024];
    errno = 0;
    size_t n = confstr(id, buf, sizeof buf);
    if (n == 0) return errno ? raise_errno(vm, errno, UNDEF) : NONE_VAL;
    return str_from_cstr(vm, buf);
}

/* _set_echo(fd, on) -> the previous setting, or None when fd is no
 * terminal: getpass turns echo off with it. */
static Value os__set_echo(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, on;
    if (!args_check(vm, "_set_echo", nargs, kw, 2, 2) || !fd_arg(vm, args[0], &fd) || (on = op_truthy(vm, args[1])) < 0)
        return ERR;
    struct termios t;
    if (tcgetattr(fd, &t) != 0) return NONE_VAL;
    bool was = (t.c_lflag & ECHO) != 0;
    t.c_lflag = on ? t.c_lflag | ECHO : t.c_lflag & ~(tcflag_t)ECHO;
    if (tcsetattr(fd, TCSAFLUSH, &t) != 0) return raise_errno(vm, errno, UNDEF);
    return bool_val(was);
}

/* ---- registration ------------------------------------------------------------------------ */

typedef struct { const char *name; NativeFn fn; } Entry;

static const Entry functions[] = {
    {"_fork", os__fork}, {"waitpid", os_waitpid}, {"wait", os_wait},
    {"WIFEXITED", os_WIFEXITED}, {"WEXITSTATUS", os_WEXITSTATUS}, {"WIFSIGNALED", os_WIFSIGNALED},
    {"WTERMSIG", os_WTERMSIG}, {"WIFSTOPPED", os_WIFSTOPPED}, {"WSTOPSIG", os_WSTOPSIG},
    {"WIFCONTINUED", os_WIFCONTINUED}, {"WCOREDUMP", os_WCOREDUMP},
    {"waitstatus_to_exitcode", os_waitstatus_to_exitcode},
    {"execv", os_execv}, {"execve", os_execve}, {"execvp", os_execvp}, {"execvpe", os_execvpe},
    {"system", os_system},
    {"getuid", os_getuid}, {"geteuid", os_geteuid}, {"getgid", os_getgid}, {"getegid", os_getegid},
    {"getpgrp", os_getpgrp}, {"getpgid", os_getpgid}, {"setpgid", os_setpgid}, {"setsid", os_setsid},
    {"kill", os_kill}, {"killpg", os_killpg}, {"getlogin", os_getlogin}, {"umask", os_umask},
    {"sched_getaffinity", os_sched_getaffinity},
    {"putenv", os_putenv}, {"unsetenv", os_unsetenv},
    {"access", os_access}, {"chmod", os_chmod}, {"replace", os_replace}, {"link", os_link},
    {"truncate", os_truncate}, {"utime", os_utime},
    {"dup", os_dup}, {"dup2", os_dup2}, {"lseek", os_lseek}, {"fsync", os_fsync}, {"ftruncate", os_ftruncate},
    {"isatty", os_isatty}, {"closerange", os_closerange},
    {"get_inheritable", os_get_inheritable}, {"set_inheritable", os_set_inheritable},
    {"get_blocking", os_get_blocking}, {"set_blocking", os_set_blocking}, {"pipe", os_pipe}, {"pipe2", os_pipe2}, {"getsid", os_getsid},
    {"strerror", os_strerror}, {"_uname", os__uname}, {"_times", os__times},
    {"_terminal_size", os__terminal_size}, {"confstr", os_confstr}, {"_set_echo", os__set_echo},
};

static const struct { const char *name; int value; } constants[] = {
    {"WNOHANG", WNOHANG}, {"WUNTRACED", WUNTRACED}, {"WCONTINUED", WCONTINUED},
    {"F_OK", F_OK}, {"R_OK", R_OK}, {"W_OK", W_OK}, {"X_OK", X_OK},
    {"SEEK_SET", SEEK_SET}, {"SEEK_CUR", SEEK_CUR}, {"SEEK_END", SEEK_END},
    {"EX_OK", 0}, {"P_PID", P_PID}, {"P_PGID", P_PGID}, {"P_ALL", P_ALL},
    {"O_NONBLOCK", O_NONBLOCK}, {"O_CLOEXEC", O_CLOEXEC}, {"O_NOCTTY", O_NOCTTY}, {"O_SYNC", O_SYNC},
    {"O_DIRECTORY", O_DIRECTORY}, {"O_NOFOLLOW", O_NOFOLLOW},
};

/* What stdlib/_os_proc.asy defines, loaded on first use so that importing os
 * stays cheap. environ is one of them: os.c's plain dict waits under
 * `_environ_initial` until _os_proc wraps it in its _Environ class (meanwhile
 * os.getenv reads the real environment, which nothing has changed). */
static const char *const lazy_names[] = {
    "environ", "_Environ", "get_exec_path", "defpath", "register_at_fork", "fork", "execl", "execle",
    "execlp", "execlpe", "popen", "_wrap_close", "fdopen", "uname_result", "times_result", "terminal_size",
    "uname", "times", "get_terminal_size", NULL,
};

/* What stdlib/_os_sys.asy defines (over os_sys.c's natives). */
static const char *const sys_lazy_names[] = {
    "statvfs_result", "statvfs", "fstatvfs", "waitid_result", "sched_param", "renames", "fwalk", "environb",
    "getenvb", "wait3", "wait4", "waitid", "spawnv", "spawnve", "spawnvp", "spawnvpe", "spawnl", "spawnle",
    "spawnlp", "spawnlpe", "posix_spawn", "posix_spawnp", "POSIX_SPAWN_OPEN", "POSIX_SPAWN_CLOSE",
    "POSIX_SPAWN_DUP2", "readv", "preadv", "pwritev", "forkpty", "sched_getparam", "sched_setparam",
    "sched_setscheduler", "sysconf_names", "pathconf_names", "confstr_names", "sys", "abc", "st", "Mapping", "MutableMapping", "GenericAlias", NULL,
};

/* Of those, the modules and classes os.py merely imports: not in __all__. */
static bool imported_only(const char *name) {
    static const char *const names[] = {"sys", "abc", "st", "Mapping", "MutableMapping", "GenericAlias", NULL};
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(names[i], name) == 0) return true;
    }
    return false;
}

/* os.__getattr__: the lazy names, else the __getattr__ os.c installed, if
 * any (kept as `_os_c_getattr`), else AttributeError. */
static Value os_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    for (int i = 0; is_str(args[0]) && lazy_names[i]; i++) {
        if (strcmp(AS(ObjStr, args[0])->data, lazy_names[i]) == 0)
            return module_lazy_attr(vm, "os", "_os_proc", lazy_names, args[0]);
    }
    for (int i = 0; is_str(args[0]) && sys_lazy_names[i]; i++) {
        if (strcmp(AS(ObjStr, args[0])->data, sys_lazy_names[i]) == 0)
            return module_lazy_attr(vm, "os", "_os_sys", sys_lazy_names, args[0]);
    }
    Value os = dict_get_str(vm->modules, str_intern_cstr(vm, "os"));
    Value prev = is_kind(os, OBJ_MODULE) ? dict_get_str(AS(ObjModule, os)->dict, str_intern_cstr(vm, "_os_c_getattr")) : UNDEF;
    if (prev != UNDEF) return op_call1(vm, prev, args[0]);
    return exc_raise(vm, E_AttributeError, "module 'os' has no attribute %R", args[0]);
}

static bool in_list(const char *const *names, const char *name) {
    for (size_t i = 0; names[i]; i++) {
        if (strcmp(names[i], name) == 0) return true;
    }
    return false;
}

/* Appends the names _os_proc.asy and _os_sys.asy define to os.__all__, so
 * that dir(os) lists them before first use, as CPython's. `listed` holds
 * the lazy names os.c put there already; the module's own names were
 * listed from its dict (a lookup, not a scan of the list: this runs at
 * every `import os`). */
bool os_proc_list_lazy(VM *vm, ObjModule *m, ObjList *all, const char *const *listed) {
    const char *const *lists[] = {lazy_names, sys_lazy_names};
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; lists[k][i]; i++) {
            const char *name = lists[k][i];
            if (name[0] == '_' || in_list(listed, name) || imported_only(name)) continue;
            Value n = str_from_cstr(vm, name);
            if (n == ERR) return false;
            Value have = dict_get(vm, m->dict, n);
            if (have == ERR) return false;
            if (have == UNDEF && list_append(vm, all, n) < 0) return false;
        }
    }
    return true;
}

static bool add_lazy(VM *vm, ObjModule *m) {
    ObjStr *env = str_intern_cstr(vm, "environ"), *ga = str_intern_cstr(vm, "__getattr__");
    if (!env || !ga) return false;
    Value d = dict_get_str(m->dict, env);
    if (d != UNDEF && (!module_add_value(vm, m, "_environ_initial", d) || dict_del(vm, m->dict, obj_val(env)) < 0))
        return false;
    Value prev = dict_get_str(m->dict, ga);
    if (prev != UNDEF && !module_add_value(vm, m, "_os_c_getattr", prev)) return false;
    return module_add_native(vm, m, "__getattr__", os_getattr);
}

bool os_proc_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (!module_add_value(vm, m, constants[i].name, int_val(constants[i].value))) return false;
    }
    return module_add_value(vm, m, "error", obj_val(vm->exc_types[E_OSError])) && os_sys_init(vm, m) && add_lazy(vm, m);
}
