/* _subprocess: the natives under stdlib/subprocess.asy.
 *
 *   spawn(args, executables, cwd, env, stdin, stdout, stderr, close_fds,
 *         pass_fds, start_new_session, process_group, umask) -> pid
 *   communicate(in_fd, data, offset, out_fd, err_fd, timeout)
 *         -> (offset, out, err, in_open, out_open, err_open)
 *
 * spawn forks and execs in C, as CPython's _posixsubprocess does: every C
 * string the child needs is made before fork(), so that the child (a copy
 * of a process that may have other threads) calls only async-signal-safe
 * functions. Each name in `executables` is tried in turn (the PATH search
 * is done by subprocess.asy). A failure in the child (chdir, exec) travels
 * back as its errno through a close-on-exec pipe: EOF on that pipe means
 * the exec worked. The error is raised in the parent as CPython raises it,
 * "[Errno 2] No such file or directory: 'nosuchcmd'".
 *
 * communicate moves data between the parent and a child's pipes with
 * poll(), without the interpreter lock, until the input is all written,
 * every pipe is done or the timeout passes; the caller closes what is
 * done and calls again for the rest. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../vm/bytes.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gil.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

/* What the child does between fork and exec. */
typedef struct {
    char **argv, **envp, **exe;     /* envp NULL: inherit */
    const char *cwd;                /* NULL: stay */
    int fds[3];                     /* stdin, stdout, stderr; -1: inherit; -2 (stderr): as stdout */
    int *keep, *open;               /* pass_fds; those and the error pipe, sorted */
    int nkeep, nopen;
    bool close_fds, new_session;
    int pgroup, umask;              /* -1: leave */
    int errpipe;
} Child;

enum { STAGE_EXEC, STAGE_CWD, STAGE_OTHER };

static void child_fail(int fd, int stage, int err) {
    int msg[2] = {stage, err};
    ssize_t r = write(fd, msg, sizeof msg);
    (void)r;
    /* The system call itself: a sanitizer's _exit may flush the parent's
     * stdio buffers, copied into this child, a second time. */
    syscall(SYS_exit_group, 255);
    _exit(255);
}

/* Closes every descriptor from `lo` up to `hi` (inclusive). */
static void close_between(unsigned lo, unsigned hi) {
    if (lo > hi) return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, lo, hi, 0) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (unsigned fd = lo; fd <= hi && fd < (unsigned)max; fd++) close((int)fd);
}

/* close_fds: everything from 3 up but c->open (sorted). */
static void close_others(const Child *c) {
    unsigned lo = 3;
    for (int i = 0; i < c->nopen; i++) {
        unsigned k = (unsigned)c->open[i];
        if (k < lo) continue;
        close_between(lo, k - 1);
        lo = k + 1;
    }
    close_between(lo, ~0U);
}

/* Puts c->fds on 0, 1 and 2. A source that is itself 0-2 is first moved
 * out of the way, so that no dup2 overwrites another's source. */
static void child_fds(const Child *c) {
    int src[3];
    for (int i = 0; i < 3; i++) {
        src[i] = c->fds[i];
        if (src[i] >= 0 && src[i] < 3 && src[i] != i) {
            src[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 3);
            if (src[i] < 0) child_fail(c->errpipe, STAGE_OTHER, errno);
        }
    }
    for (int i = 0; i < 3; i++) {
        int s = i == 2 && src[2] == -2 ? 1 : src[i];
        if (s < 0) continue;
        if (s == i) fcntl(i, F_SETFD, 0);  /* keep it across exec */
        else if (dup2(s, i) < 0) child_fail(c->errpipe, STAGE_OTHER, errno);
    }
}

static void child_main(const Child *c) {
    sigset_t none;
    sigemptyset(&none);
    /* CPython's restore_signals: what the interpreter ignores, a program
     * gets back as the default. */
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXFSZ, SIG_DFL);
    pthread_sigmask(SIG_SETMASK, &none, NULL);
    if (c->new_session && setsid() < 0) child_fail(c->errpipe, STAGE_OTHER, errno);
    if (c->pgroup >= 0 && setpgid(0, c->pgroup) < 0) child_fail(c->errpipe, STAGE_OTHER, errno);
    child_fds(c);
    for (int i = 0; i < c->nkeep; i++) fcntl(c->keep[i], F_SETFD, 0);
    if (c->close_fds) close_others(c);
    if (c->cwd && chdir(c->cwd) < 0) child_fail(c->errpipe, STAGE_CWD, errno);
    if (c->umask >= 0) umask((mode_t)c->umask);
    extern char **environ;
    int saved = 0;
    for (char **p = c->exe; *p; p++) {
        execve(*p, c->argv, c->envp ? c->envp : environ);
        if (errno != ENOENT && errno != ENOTDIR && saved == 0) saved = errno;
    }
    child_fail(c->errpipe, STAGE_EXEC, saved ? saved : errno);
}

/* Reads the child's report: 0 when the exec worked, else the errno (and
 * *stage). The lock is released: reading waits for the exec. */
static int child_report(VM *vm, int fd, int *stage) {
    int msg[2];
    size_t got = 0;
    ThreadState *ts = gil_release(vm);
    while (got < sizeof msg) {
        ssize_t n = read(fd, (char *)msg + got, sizeof msg - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += (size_t)n;
    }
    gil_acquire(vm, ts);
    if (got < sizeof msg) return 0;
    *stage = msg[0];
    return msg[1];
}

static Value spawn_error(VM *vm, int err, int stage, Value args0, Value cwd) {
    Value file = stage == STAGE_EXEC ? args0 : stage == STAGE_CWD ? cwd : UNDEF;
    Value a[3] = {int_val(err), str_from_cstr(vm, strerror(err)), file};
    if (a[1] == ERR) return ERR;
    int n = file == UNDEF ? 2 : 3;
    ObjTuple *t = tuple_from(vm, a, n);
    if (!t) return ERR;
    Value e = exc_new(vm, exc_oserror_class(vm, vm->exc_types[E_OSError], a, n), t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* Forks and execs; returns the pid or ERR. */
static Value spawn(VM *vm, Child *c, Value args0, Value cwd) {
    int ep[2];
    if (pipe2(ep, O_CLOEXEC) < 0) return spawn_error(vm, errno, STAGE_OTHER, args0, cwd);
    c->errpipe = ep[1];
    c->nopen = 0;
    for (int i = 0; i < c->nkeep; i++) c->open[c->nopen++] = c->keep[i];
    c->open[c->nopen++] = ep[1];
    qsort(c->open, (size_t)c->nopen, sizeof *c->open, cmp_int);
    pid_t pid = fork();
    if (pid == 0) child_main(c);    /* never returns */
    int fork_err = errno;
    close(ep[1]);
    if (pid < 0) {
        close(ep[0]);
        return spawn_error(vm, fork_err, STAGE_OTHER, args0, cwd);
    }
    int stage = 0, err = child_report(vm, ep[0], &stage);
    close(ep[0]);
    if (err == 0) return int_val(pid);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    return spawn_error(vm, err, stage, args0, cwd);
}

/* pass_fds (a tuple of ints) into c->keep, sorted. */
static bool keep_fds(VM *vm, Value v, Child *c) {
    if (!is_kind(v, OBJ_TUPLE)) {
        exc_raise(vm, E_TypeError, "pass_fds must be a tuple");
        return false;
    }
    ObjTuple *t = AS(ObjTuple, v);
    c->keep = malloc(((size_t)t->len + 1) * sizeof *c->keep);
    c->open = malloc(((size_t)t->len + 1) * sizeof *c->open);
    if (!c->keep || !c->open) {
        exc_nomem(vm);
        return false;
    }
    for (int64_t i = 0; i < t->len; i++) {
        int64_t fd;
        if (!index_value(vm, t->items[i], &fd, NULL)) return false;
        if (fd < 0 || fd > INT_MAX) {
            exc_raise(vm, E_ValueError, "bad value(s) in fds_to_keep");
            return false;
        }
        c->keep[c->nkeep++] = (int)fd;
    }
    return true;
}

static bool int_of(VM *vm, Value v, int *out) {
    int64_t i;
    if (!index_value(vm, v, &i, NULL)) return false;
    if (i < INT_MIN || i > INT_MAX) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return false;
    }
    *out = (int)i;
    return true;
}

static Value sp_spawn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "spawn", nargs, kw, 12, 12)) return ERR;
    Child c = {0};
    c.pgroup = c.umask = -1;
    Value r = ERR;
    int t;
    if (!(c.argv = procargs_argv(vm, "execv", args[0], false)) || !(c.exe = procargs_argv(vm, "execv", args[1], false)))
        goto out;
    if (args[2] != NONE_VAL && !(c.cwd = procargs_path(vm, "chdir", args[2]))) goto out;
    if (args[3] != NONE_VAL && !(c.envp = procargs_env(vm, "execve", args[3]))) goto out;
    for (int i = 0; i < 3; i++) {
        if (!int_of(vm, args[4 + i], &c.fds[i])) goto out;
    }
    if ((t = op_truthy(vm, args[7])) < 0) goto out;
    c.close_fds = t;
    if (!keep_fds(vm, args[8], &c) || (t = op_truthy(vm, args[9])) < 0) goto out;
    c.new_session = t;
    if (!int_of(vm, args[10], &c.pgroup) || !int_of(vm, args[11], &c.umask)) goto out;
    Value args0 = is_kind(args[0], OBJ_LIST) && AS(ObjList, args[0])->len ? AS(ObjList, args[0])->items[0] : NONE_VAL;
    r = spawn(vm, &c, args0, args[2]);
out:
    procargs_free(c.argv);
    procargs_free(c.exe);
    procargs_free(c.envp);
    free(c.keep);
    free(c.open);
    return r;
}

/* ---- communicate ---------------------------------------------------------------- */

typedef struct {
    int fd;
    uint8_t *data;
    size_t len, cap;
} Sink;

static bool sink_read(Sink *s) {
    if (s->cap - s->len < 32768) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        uint8_t *p = realloc(s->data, cap);
        if (!p) return false;
        s->data = p, s->cap = cap;
    }
    ssize_t n = read(s->fd, s->data + s->len, s->cap - s->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) s->fd = -1;         /* EOF, or an error: that pipe is done */
    else s->len += (size_t)n;
    return true;
}

/* Writes what poll allows of data[*off..len) (PIPE_BUF at a time never
 * blocks); a reader that went away (EPIPE) ends the input, as CPython
 * ignores BrokenPipeError there. SIGPIPE is blocked meanwhile, for a host
 * that does not ignore it. */
static void source_write(int *fd, const uint8_t *data, size_t len, size_t *off) {
    size_t n = len - *off < PIPE_BUF ? len - *off : PIPE_BUF;
    ssize_t w = write(*fd, data + *off, n);
    if (w > 0) *off += (size_t)w;
    else if (w < 0 && errno != EINTR && errno != EAGAIN) *fd = -1;
    if (*off >= len) *fd = -1;
}

/* Polls until every pipe is done, the deadline (uv_hrtime ns; 0: none)
 * passes, or a signal must be looked at. Returns the errno of a failed
 * poll (EINTR included), else 0. */
static int pump(int *in_fd, const uint8_t *data, size_t len, size_t *off, Sink *out, Sink *err, uint64_t deadline) {
    while (*in_fd >= 0 || out->fd >= 0 || err->fd >= 0) {
        struct pollfd p[3];
        int n = 0;
        if (*in_fd >= 0) p[n++] = (struct pollfd){*in_fd, POLLOUT, 0};
        if (out->fd >= 0) p[n++] = (struct pollfd){out->fd, POLLIN, 0};
        if (err->fd >= 0) p[n++] = (struct pollfd){err->fd, POLLIN, 0};
        int ms = -1;
        if (deadline) {
            uint64_t now = uv_hrtime();
            if (now >= deadline) return 0;
            ms = (int)((deadline - now + 999999) / 1000000);
        }
        int r = poll(p, (nfds_t)n, ms);
        if (r < 0) return errno;
        for (int i = 0; i < n; i++) {
            if (!p[i].revents) continue;
            if (p[i].fd == *in_fd) {
                source_write(in_fd, data, len, off);
                /* The caller closes the pipe, or the child never sees EOF. */
                if (*in_fd < 0) return 0;
            } else if (!sink_read(p[i].fd == out->fd ? out : err)) return ENOMEM;
        }
    }
    return 0;
}

static Value comm_result(VM *vm, size_t off, Sink *out, Sink *err, int in_fd) {
    Value items[6] = {int_from_i64(vm, (int64_t)off), bytes_new(vm, out->data, out->len), UNDEF, bool_val(in_fd >= 0),
                      bool_val(out->fd >= 0), bool_val(err->fd >= 0)};
    if (items[1] == ERR || !vm_push_root(vm, items[1])) return ERR;
    items[2] = bytes_new(vm, err->data, err->len);
    vm_pop_roots(vm, 1);
    if (items[2] == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, items, 6);
    return t ? obj_val(t) : ERR;
}

static Value sp_communicate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "communicate", nargs, kw, 6, 6)) return ERR;
    int in_fd;
    int64_t off64;
    Sink out = {0}, err = {0};
    if (!int_of(vm, args[0], &in_fd) || !index_value(vm, args[2], &off64, NULL) || !int_of(vm, args[3], &out.fd) ||
        !int_of(vm, args[4], &err.fd))
        return ERR;
    const uint8_t *data = NULL;
    size_t len = 0;
    if (is_kind(args[1], OBJ_BYTES)) data = AS(ObjBytes, args[1])->data, len = (size_t)AS(ObjBytes, args[1])->len;
    else if (args[1] != NONE_VAL) return exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", args[1]);
    size_t off = off64 < 0 ? 0 : (size_t)off64;
    if (off >= len) in_fd = -1;
    uint64_t deadline = 0;
    if (args[5] != NONE_VAL) {
        double secs;
        if (is_float(args[5])) secs = as_float(args[5]);
        else if (!is_intlike(args[5]) || int_to_float(vm, args[5], &secs) == ERR)
            return is_intlike(args[5]) ? ERR : exc_raise(vm, E_TypeError, "timeout must be a number");
        deadline = uv_hrtime() + (secs > 0 ? (uint64_t)(secs * 1e9) : 0) + 1;
    }
    /* The input bytes stay alive on the caller's stack while unlocked. */
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    for (;;) {
        ThreadState *ts = gil_release(vm);
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
        int e = pump(&in_fd, data, len, &off, &out, &err, deadline);
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) > 0) {}   /* drop the SIGPIPE we caused */
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        gil_acquire(vm, ts);
        if (e == 0) break;
        if (e != EINTR || (vm_signals(vm) && !vm_handle_signals(vm, false))) {
            free(out.data);
            free(err.data);
            if (e == EINTR) return ERR;
            return exc_raise(vm, E_OSError, "[Errno %d] %s", e, strerror(e));
        }
    }
    Value r = comm_result(vm, off, &out, &err, in_fd);
    free(out.data);
    free(err.data);
    return r;
}

bool mod_subprocess_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "spawn", sp_spawn) && module_add_native(vm, m, "communicate", sp_communicate);
}
