/* Child processes on the event loop: the native half of
 * asyncio.create_subprocess_exec (stdlib/asyncio.subprocess.asy builds
 * Process on top).
 *
 * _spawn starts the program with uv_spawn; each standard stream the caller
 * asked a pipe for becomes a stream object of asyncio_streams.c over a
 * uv_pipe_t, so reading a child's output is reading a connection. The
 * process handle is a ProcHandle: libuv's exit callback (no lock, like every
 * callback, see scheduler.h) records the status, and the dispatch settles
 * the future that wait() returns and closes the handle. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/scheduler.h"
#include "../vm/str.h"
#include "asyncio_streams.h"
#include "asyncio_subprocess.h"
#include "modules.h"

/* What the caller asks for each standard stream, as asyncio.subprocess
 * spells it. */
#define SPEC_INHERIT 0          /* None */
#define SPEC_PIPE (-1)
#define SPEC_STDOUT (-2)        /* stderr into stdout's pipe */
#define SPEC_DEVNULL (-3)

typedef struct ProcHandle {
    Obj obj;
    IoWatch io;
    uv_process_t proc;
    Value exit_fut;             /* done with the return code once it exits */
    int64_t status;
    int term_signal;
    int pid;
    bool exited;
} ProcHandle;

static void proc_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((ProcHandle *)o)->exit_fut); }

static const CType proc_ctype = {sizeof(ProcHandle), proc_mark, NULL, NULL};

static void proc_dispatch(VM *vm, IoWatch *w) {
    ProcHandle *p = (ProcHandle *)w->owner;
    if (p->exited) {
        Future *f = (Future *)as_obj(p->exit_fut);
        /* A signal shows as its negative number, as in subprocess. */
        Value code = int_val(p->term_signal ? -p->term_signal : p->status);
        if (!fut_done(f) && !future_set_result(vm, f, code)) vm->exc = UNDEF;
        sched_io_close(w);
    }
}

static const IoOps proc_ops = {proc_dispatch, NULL};

static void exit_cb(uv_process_t *h, int64_t status, int term_signal) {
    ProcHandle *p = io_owner((uv_handle_t *)h);
    p->status = status;
    p->term_signal = term_signal;
    p->exited = true;
    sched_io_event(p->io.sched, &p->io);
}

/* A list of str as a NULL-terminated array of C strings (pointing into
 * the str objects, which the caller's arguments keep alive). */
static char **cstr_array(VM *vm, Value list, const char *what) {
    if (!is_kind(list, OBJ_LIST)) {
        exc_raise(vm, E_TypeError, "%s must be a list of str", what);
        return NULL;
    }
    ObjList *l = AS(ObjList, list);
    char **a = calloc((size_t)l->len + 1, sizeof *a);
    if (!a) {
        exc_nomem(vm);
        return NULL;
    }
    for (int64_t i = 0; i < l->len; i++) {
        if (!is_str(l->items[i]) || strlen(AS(ObjStr, l->items[i])->data) != (size_t)AS(ObjStr, l->items[i])->len) {
            free(a);
            exc_raise(vm, E_ValueError, "%s must be str without NUL characters", what);
            return NULL;
        }
        a[i] = AS(ObjStr, l->items[i])->data;
    }
    return a;
}

/* Fills libuv's description of one standard stream; a pipe gets a new
 * stream object in *conn. */
static bool stdio_spec(VM *vm, Value spec, int fd, uv_stdio_container_t *out, Value *conn) {
    int64_t k = is_int(spec) ? as_int(spec) : spec == NONE_VAL ? SPEC_INHERIT : 1;
    *conn = NONE_VAL;
    if (k == SPEC_INHERIT) {
        out->flags = UV_INHERIT_FD;
        out->data.fd = fd;
    } else if (k == SPEC_DEVNULL) {
        out->flags = UV_IGNORE;
    } else if (k == SPEC_STDOUT && fd == 2) {
        *out = out[-1];     /* wherever stdout goes (a pipe is merged_output_pipe's) */
    } else if (k == SPEC_PIPE) {
        uv_pipe_t *pipe;
        *conn = asyncio_stream_new_pipe(vm, &pipe);
        if (*conn == ERR) return false;
        out->flags = UV_CREATE_PIPE | (fd == 0 ? UV_READABLE_PIPE : UV_WRITABLE_PIPE);
        out->data.stream = (uv_stream_t *)pipe;
    } else if (k >= 0) {
        out->flags = UV_INHERIT_FD;     /* a file descriptor */
        out->data.fd = (int)k;
    } else {
        exc_raise(vm, E_ValueError, "unsupported value for a standard stream: %R", spec);
        return false;
    }
    return true;
}

static void raise_uv(VM *vm, int r) {
    Value a[2] = {int_val(-r), str_from_cstr(vm, strerror(-r))};
    ObjTuple *t = a[1] == ERR ? NULL : tuple_from(vm, a, 2);
    Value e = t ? exc_new(vm, exc_oserror_class(vm, vm->exc_types[E_OSError], a, 2), t) : ERR;
    if (e != ERR) exc_raise_value(vm, e);
}

/* stdout=PIPE with stderr=STDOUT: both of the child's streams go into one
 * pipe, which libuv cannot give twice while it creates it, so it is made
 * here: the child inherits its write end as fds 1 and 2, and the parent's
 * stream (*conn) reads the other. The caller closes *write_fd once the
 * child has it. */
static bool merged_output_pipe(VM *vm, uv_stdio_container_t *stdio, Value *conn, uv_file *write_fd) {
    uv_file fds[2];
    int r = uv_pipe(fds, 0, 0);
    if (r) {
        raise_uv(vm, r);
        return false;
    }
    uv_pipe_t *pipe;
    *conn = asyncio_stream_new_pipe(vm, &pipe);
    if (*conn == ERR || (r = uv_pipe_open(pipe, fds[0])) != 0) {
        if (*conn != ERR) {
            asyncio_stream_abandon(vm, *conn);
            raise_uv(vm, r);
        }
        *conn = NONE_VAL;
        close(fds[0]);
        close(fds[1]);
        return false;
    }
    for (int fd = 1; fd <= 2; fd++) {
        stdio[fd].flags = UV_INHERIT_FD;
        stdio[fd].data.fd = fds[1];
    }
    *write_fd = fds[1];
    return true;
}

/* _spawn(args, cwd, env, stdin, stdout, stderr): starts the program args[0]
 * (found on PATH); returns (process, stdin, stdout, stderr), the streams
 * None unless piped. env is None or a list of "NAME=value". */
static Value f_spawn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_spawn", nargs, kw, 6, 6)) return ERR;
    if (args[1] != NONE_VAL && !is_str(args[1])) return exc_raise(vm, E_TypeError, "cwd must be a str or None");
    Sched *s = vm->sched;
    ProcHandle *p = gc_new(vm, sizeof(ProcHandle), OBJ_CDATA, s->proc_cls);
    if (!p || !vm_push_root(vm, obj_val(p))) return ERR;
    p->exit_fut = UNDEF;
    p->io.closing = p->io.closed = true;    /* until uv_spawn opens it */
    Future *f = future_new(vm);
    if (!f) goto fail_root;
    p->exit_fut = obj_val(f);
    char **argv = cstr_array(vm, args[0], "args");
    char **env = argv && args[2] != NONE_VAL ? cstr_array(vm, args[2], "env") : NULL;
    if (!argv || (args[2] != NONE_VAL && !env)) goto fail_argv;
    if (!argv[0]) {
        exc_raise(vm, E_ValueError, "args must not be empty");
        goto fail_argv;
    }
    /* The pipes' stream objects are roots already: their handles are
     * open (the scheduler's list). */
    uv_stdio_container_t stdio[3];
    Value conns[3] = {NONE_VAL, NONE_VAL, NONE_VAL};
    uv_file merged_fd = -1;
    bool merged = args[4] == int_val(SPEC_PIPE) && args[5] == int_val(SPEC_STDOUT);
    if (merged && !merged_output_pipe(vm, stdio, &conns[1], &merged_fd)) goto fail_pipes;
    for (int i = 0; i < (merged ? 1 : 3); i++) {
        if (!stdio_spec(vm, args[3 + i], i, &stdio[i], &conns[i])) goto fail_pipes;
    }
    uv_process_options_t opt = {0};
    opt.exit_cb = exit_cb;
    opt.file = argv[0];
    opt.args = argv;
    opt.env = env;
    opt.cwd = args[1] == NONE_VAL ? NULL : AS(ObjStr, args[1])->data;
    opt.stdio_count = 3;
    opt.stdio = stdio;
    int r = uv_spawn(s->uv, &p->proc, &opt);
    if (merged_fd >= 0) close(merged_fd);     /* the child has its own copies */
    merged_fd = -1;
    if (r) {
        /* uv_spawn leaves the handle to be closed even when it fails. */
        sched_io_open(vm, &p->io, &proc_ops, &p->obj, (uv_handle_t *)&p->proc);
        sched_io_close(&p->io);
        Value a[2] = {int_val(-r), str_from_cstr(vm, strerror(-r))};
        ObjTuple *t = a[1] == ERR ? NULL : tuple_from(vm, a, 2);
        Value e = t ? exc_new(vm, exc_oserror_class(vm, vm->exc_types[E_OSError], a, 2), t) : ERR;
        if (e != ERR) exc_raise_value(vm, e);
        goto fail_pipes;
    }
    p->pid = p->proc.pid;
    sched_io_open(vm, &p->io, &proc_ops, &p->obj, (uv_handle_t *)&p->proc);
    free(argv);
    free(env);
    Value items[4] = {obj_val(p), conns[0], conns[1], conns[2]};
    ObjTuple *t = tuple_from(vm, items, 4);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
fail_pipes:
    if (merged_fd >= 0) close(merged_fd);
    for (int i = 0; i < 3; i++) {
        if (conns[i] != NONE_VAL && conns[i] != ERR) asyncio_stream_abandon(vm, conns[i]);
    }
fail_argv:
    free(argv);
    free(env);
fail_root:
    vm_pop_roots(vm, 1);
    return ERR;
}

#define PROC(v) ((ProcHandle *)as_obj(v))

static bool proc_check(VM *vm, Value self, const char *name, int nargs, ObjTuple *kw, int n) {
    return asyncio_handle_check(vm, self, vm->sched->proc_cls, "a process handle", name, nargs, kw, n);
}

static Value p_pid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!proc_check(vm, args[0], "pid", nargs, kw, 0)) return ERR;
    return int_val(PROC(args[0])->pid);
}

/* handle.wait(): the future of the return code. */
static Value p_wait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!proc_check(vm, args[0], "wait", nargs, kw, 0)) return ERR;
    return PROC(args[0])->exit_fut;
}

/* handle.kill(signal): nothing once it has exited, as CPython's
 * Process.send_signal after the child was reaped. */
static Value p_kill(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!proc_check(vm, args[0], "kill", nargs, kw, 1)) return ERR;
    ProcHandle *p = PROC(args[0]);
    if (!is_int(args[1])) return exc_raise(vm, E_TypeError, "signal must be an int");
    if (p->exited || p->io.closing) return NONE_VAL;
    int r = uv_process_kill(&p->proc, (int)as_int(args[1]));
    if (r == UV_ESRCH) return NONE_VAL;
    return r ? exc_raise(vm, E_OSError, "[Errno %d] %s", -r, strerror(-r)) : NONE_VAL;
}

bool asyncio_subprocess_init(VM *vm, ObjModule *m) {
    Sched *s = vm->sched;
    if (!s->proc_cls) {
        ObjClass *c = class_new_builtin(vm, "_ProcessHandle", vm->types[T_OBJECT], OBJ_CDATA);
        if (!c) return false;
        c->ctype = &proc_ctype;
        s->proc_cls = c;
        if (!class_add_native(vm, c, "pid", p_pid) || !class_add_native(vm, c, "wait", p_wait) ||
            !class_add_native(vm, c, "kill", p_kill))
            return false;
    }
    return module_add_native(vm, m, "_spawn", f_spawn);
}
