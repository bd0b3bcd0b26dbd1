/* _procpool: the worker processes behind concurrent.futures'
 * ProcessPoolExecutor (DESIGN decision 5, docs/serialization.md).
 *
 * Workers are made with fork() at the first submit, as CPython does on
 * Linux: a child is a copy of the parent, so the script's functions are
 * there already and a script needs no `if __name__ == "__main__":` guard.
 * Each worker talks to the parent over one socket pair, one job at a time:
 * a frame is an 8-byte little-endian length and a pickle (stdlib/pickle.c)
 * of (fn, args, kwargs) one way, and of (True, result) or (False,
 * exception, traceback text) the other. Functions travel by module and
 * qualified name, so the child finds its own copy.
 *
 * In the parent a manager thread (an Asy thread, vm/thread.h) owns the
 * sockets: holding the interpreter lock it hands queued jobs to idle
 * workers and calls the Python side back with results; without it, it
 * polls and moves bytes. A worker that dies (EOF before the pool closed)
 * breaks the pool: every job not done goes to on_broken, the other workers
 * are killed, and the Python side raises BrokenProcessPool. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/gil.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/thread.h"
#include "../vm/fork.h"
#include "modules.h"
#include "pickle.h"

/* A frame bigger than this is refused: a corrupt length, not a result. */
#define FRAME_MAX ((uint64_t)1 << 34)

typedef struct Buf {
    uint8_t *data;
    size_t len, cap;
} Buf;

static bool buf_add(Buf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d) return false;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return true;
}

static void buf_drop(Buf *b, size_t n) {
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

static void put_len(uint8_t *p, uint64_t n) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(n >> (8 * i));
}

static uint64_t get_len(const uint8_t *p) {
    uint64_t n = 0;
    for (int i = 0; i < 8; i++) n |= (uint64_t)p[i] << (8 * i);
    return n;
}

/* A whole frame (header and payload) from data, or NULL after MemoryError. */
static uint8_t *make_frame(const uint8_t *data, size_t len) {
    uint8_t *f = malloc(len + 8);
    if (!f) return NULL;
    put_len(f, len);
    memcpy(f + 8, data, len);
    return f;
}

typedef struct Worker {
    pid_t pid;
    int fd;                 /* the parent's end of the socket pair; -1 once closed */
    Value fut;              /* the future of the job it runs, or UNDEF when idle */
    uint8_t *out;           /* the frame being sent, and how much of it went */
    size_t out_len, sent;
    Buf in;                 /* bytes received */
    bool dead;
} Worker;

typedef struct Job {
    Value fut;
    uint8_t *frame;
    size_t len;
} Job;

typedef struct ProcPool {
    Obj obj;
    int n;
    Worker *w;
    Job *q;                 /* jobs not yet sent: a ring */
    size_t qhead, qlen, qcap;
    int wake[2];            /* the manager polls wake[0]; submit writes to wake[1] */
    Value on_result, on_broken, initializer, initargs;
    bool started, closing, broken, ended;
    uv_mutex_t mu;
    uv_cond_t end_cond;
} ProcPool;

static void pp_mark(VM *vm, Obj *o) {
    ProcPool *p = (ProcPool *)o;
    gc_mark_value(vm, p->on_result); gc_mark_value(vm, p->on_broken);
    gc_mark_value(vm, p->initializer); gc_mark_value(vm, p->initargs);
    for (int i = 0; p->w && i < p->n; i++) gc_mark_value(vm, p->w[i].fut);
    for (size_t i = 0; i < p->qlen; i++) gc_mark_value(vm, p->q[(p->qhead + i) % p->qcap].fut);
}

static void close_fd(int *fd) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static void pp_free(VM *vm, Obj *o) {
    ProcPool *p = (ProcPool *)o;
    for (int i = 0; p->w && i < p->n; i++) {
        fork_fd_forget(vm, p->w[i].fd);
        close_fd(&p->w[i].fd);
        free(p->w[i].out);
        free(p->w[i].in.data);
    }
    for (size_t i = 0; i < p->qlen; i++) free(p->q[(p->qhead + i) % p->qcap].frame);
    fork_fd_forget(vm, p->wake[0]);
    fork_fd_forget(vm, p->wake[1]);
    close_fd(&p->wake[0]);
    close_fd(&p->wake[1]);
    free(p->w);
    free(p->q);
    uv_mutex_destroy(&p->mu);
    uv_cond_destroy(&p->end_cond);
}

static const CType pp_ctype = {sizeof(ProcPool), pp_mark, pp_free, NULL};

static ProcPool *check_pool(VM *vm, Value v) {
    if (is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &pp_ctype) return (ProcPool *)as_obj(v);
    exc_raise(vm, E_TypeError, "expected a _procpool.Pool, not '%T'", v);
    return NULL;
}

/* ---- the worker (child) side ------------------------------------------------ */

static bool read_full(int fd, void *p, size_t n) {
    uint8_t *b = p;
    while (n) {
        ssize_t r = read(fd, b, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        b += r;
        n -= (size_t)r;
    }
    return true;
}

static bool write_full(int fd, const void *p, size_t n) {
    const uint8_t *b = p;
    while (n) {
        ssize_t r = send(fd, b, n, MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        b += r;
        n -= (size_t)r;
    }
    return true;
}

/* The traceback of the exception in vm->exc, as text (CPython's
 * _RemoteTraceback shows it in the parent). */
static Value traceback_text(VM *vm, Value e) {
    StrBuf b = SB_INIT;
    exc_format(vm, e, &b);
    return str_from_buf(vm, &b);
}

/* (False, exc, traceback) for the exception in vm->exc. */
static Value failure(VM *vm) {
    Value e = vm->exc;
    vm->exc = UNDEF;
    if (!vm_push_root(vm, e)) return ERR;
    Value tb = traceback_text(vm, e);
    ObjTuple *t = tb == ERR ? NULL : tuple_from(vm, (Value[]){FALSE_VAL, e, tb}, 3);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

/* Runs one job's frame; returns the reply's pickle (a bytes object) or ERR. */
static Value run_job(VM *vm, const uint8_t *data, size_t len) {
    Value job = pickle_loads(vm, data, len);
    Value reply;
    if (job == ERR) {
        reply = failure(vm);
    } else if (!is_tuple(job) || AS(ObjTuple, job)->len != 3 || !is_tuple(AS(ObjTuple, job)->items[1])) {
        exc_raise(vm, E_TypeError, "a worker got a malformed job");
        reply = failure(vm);
    } else {
        ObjTuple *t = AS(ObjTuple, job);
        if (!vm_push_root(vm, job)) return ERR;
        Value kw = t->items[2];
        Value r = op_call_tuple(vm, t->items[0], AS(ObjTuple, t->items[1]), is_dict(kw) ? AS(ObjDict, kw) : NULL);
        vm_pop_roots(vm, 1);
        if (r == ERR) reply = failure(vm);
        else {
            ObjTuple *ok = tuple_from(vm, (Value[]){TRUE_VAL, r}, 2);
            reply = ok ? obj_val(ok) : failure(vm);
        }
    }
    if (reply == ERR) return ERR;
    if (!vm_push_root(vm, reply)) return ERR;
    Value bytes = pickle_dumps(vm, reply);
    vm_pop_roots(vm, 1);
    if (bytes == ERR) {
        /* The result (or the exception) cannot cross: send why instead. */
        Value f = failure(vm);
        if (f == ERR || !vm_push_root(vm, f)) return ERR;
        bytes = pickle_dumps(vm, f);
        vm_pop_roots(vm, 1);
    }
    return bytes;
}

static void child_exit(int status) {
    fflush(stdout);
    fflush(stderr);
    _exit(status);
}

static void child_main(VM *vm, ProcPool *p, int fd) {
    vm_after_fork(vm, fd);
    if (p->initializer != NONE_VAL) {
        Value r = op_call_tuple(vm, p->initializer, AS(ObjTuple, p->initargs), NULL);
        if (r == ERR) {
            thread_report(vm, "initializer of a process pool worker", p->initializer);
            child_exit(1);
        }
    }
    for (;;) {
        uint8_t hdr[8];
        if (!read_full(fd, hdr, 8)) break;
        uint64_t len = get_len(hdr);
        uint8_t *data = len < FRAME_MAX ? malloc(len ? len : 1) : NULL;
        if (!data || !read_full(fd, data, len)) child_exit(1);
        Value reply = run_job(vm, data, len);
        free(data);
        if (reply == ERR) child_exit(1);
        ObjBytes *b = AS(ObjBytes, reply);
        put_len(hdr, (uint64_t)b->len);
        if (!write_full(fd, hdr, 8) || !write_full(fd, b->data, (size_t)b->len)) break;
        vm->exc = UNDEF;
    }
    child_exit(0);
}

/* Forks the workers. False after raising. */
static bool start_workers(VM *vm, ProcPool *p) {
    fflush(stdout);     /* or the children would write the parent's buffered output again */
    fflush(stderr);
    for (int i = 0; i < p->n; i++) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
            exc_raise(vm, E_OSError, "cannot create a socket pair for a worker process: %s", strerror(errno));
            return false;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(sv[0]);
            close(sv[1]);
            exc_raise(vm, E_OSError, "cannot start a worker process: %s", strerror(errno));
            return false;
        }
        if (pid == 0) {
            close(sv[0]);
            child_main(vm, p, sv[1]);   /* never returns */
        }
        close(sv[1]);
        p->w[i].pid = pid;
        p->w[i].fd = sv[0];
        fork_fd_remember(vm, sv[0]);
    }
    return true;
}

/* ---- the manager thread ------------------------------------------------------- */

static void call_back(VM *vm, Value fn, Value *args, int n) {
    if (op_call(vm, fn, args, n, NULL) == ERR) thread_report(vm, "process pool callback", fn);
}

/* Gives queued jobs to idle workers (under the interpreter lock). */
static void assign_jobs(ProcPool *p) {
    for (int i = 0; i < p->n && p->qlen; i++) {
        Worker *w = &p->w[i];
        if (w->dead || w->fut != UNDEF) continue;
        Job j = p->q[p->qhead];
        p->qhead = (p->qhead + 1) % p->qcap;
        p->qlen--;
        w->fut = j.fut;
        w->out = j.frame;
        w->out_len = j.len;
        w->sent = 0;
    }
}

static bool any_busy(ProcPool *p) {
    for (int i = 0; i < p->n; i++) {
        if (!p->w[i].dead && p->w[i].fut != UNDEF) return true;
    }
    return false;
}

/* One poll and the reads and writes it allows (without the interpreter
 * lock): only the manager touches the workers' buffers. */
static void io_round(ProcPool *p) {
    struct pollfd fds[p->n + 1];
    fds[0] = (struct pollfd){.fd = p->wake[0], .events = POLLIN};
    for (int i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        short ev = POLLIN;
        if (w->out && w->sent < w->out_len) ev |= POLLOUT;
        fds[i + 1] = (struct pollfd){.fd = w->dead ? -1 : w->fd, .events = ev};
    }
    if (poll(fds, (nfds_t)p->n + 1, -1) < 0) return;
    if (fds[0].revents & POLLIN) {
        char drain[64];
        while (read(p->wake[0], drain, sizeof drain) > 0) {}
    }
    for (int i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        short re = fds[i + 1].revents;
        if (w->dead || !re) continue;
        if ((re & POLLOUT) && w->out) {
            ssize_t r = send(w->fd, w->out + w->sent, w->out_len - w->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (r > 0) w->sent += (size_t)r;
            else if (r < 0 && errno != EAGAIN && errno != EINTR) w->dead = true;
            if (w->sent == w->out_len) {
                free(w->out);
                w->out = NULL;
            }
        }
        if (re & (POLLIN | POLLHUP | POLLERR)) {
            uint8_t chunk[65536];
            ssize_t r = recv(w->fd, chunk, sizeof chunk, MSG_DONTWAIT);
            if (r > 0) {
                if (!buf_add(&w->in, chunk, (size_t)r)) w->dead = true;
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                w->dead = true;
            }
        }
    }
}

/* Delivers the complete replies (under the interpreter lock). */
static void take_replies(VM *vm, ProcPool *p) {
    for (int i = 0; i < p->n; i++) {
        Worker *w = &p->w[i];
        while (w->in.len >= 8) {
            uint64_t len = get_len(w->in.data);
            if (len >= FRAME_MAX) { w->dead = true; break; }
            if (w->in.len < 8 + len) break;
            Value reply = pickle_loads(vm, w->in.data + 8, len);
            buf_drop(&w->in, 8 + len);
            Value fut = w->fut;
            w->fut = UNDEF;
            if (fut == UNDEF) continue;
            if (reply == ERR) {
                Value f = failure(vm);
                reply = f == ERR ? NONE_VAL : f;
                vm->exc = UNDEF;
            }
            Value args[2] = {fut, reply};
            if (!vm_push_root(vm, fut)) continue;
            if (vm_push_root(vm, reply)) {
                call_back(vm, p->on_result, args, 2);
                vm_pop_roots(vm, 1);
            }
            vm_pop_roots(vm, 1);
        }
    }
}

static bool any_dead(ProcPool *p) {
    for (int i = 0; i < p->n; i++) {
        if (p->w[i].dead) return true;
    }
    return false;
}

/* A worker died: every unfinished job goes to on_broken, the others are killed. */
static void break_pool(VM *vm, ProcPool *p) {
    p->broken = true;
    ObjList *l = list_new(vm, 0);
    for (int i = 0; l && i < p->n; i++) {
        Worker *w = &p->w[i];
        if (w->fut != UNDEF && list_append(vm, l, w->fut) < 0) l = NULL;
        w->fut = UNDEF;
        if (!w->dead) kill(w->pid, SIGKILL);
    }
    while (l && p->qlen) {
        Job j = p->q[p->qhead];
        p->qhead = (p->qhead + 1) % p->qcap;
        p->qlen--;
        free(j.frame);
        if (list_append(vm, l, j.fut) < 0) l = NULL;
    }
    if (!l) {
        vm->exc = UNDEF;
        return;
    }
    Value arg = obj_val(l);
    if (vm_push_root(vm, arg)) {
        call_back(vm, p->on_broken, &arg, 1);
        vm_pop_roots(vm, 1);
    }
}

static void manager(VM *vm, void *arg) {
    (void)arg;
    ProcPool *p = (ProcPool *)as_obj(vm->ts->payload);
    for (;;) {
        assign_jobs(p);
        if (p->broken || (p->closing && !p->qlen && !any_busy(p))) break;
        ThreadState *ts = gil_release(vm);
        io_round(p);
        gil_acquire(vm, ts);
        take_replies(vm, p);
        if (any_dead(p)) break_pool(vm, p);
    }
    /* Closing the sockets ends the workers; then reap them. */
    for (int i = 0; i < p->n; i++) {
        fork_fd_forget(vm, p->w[i].fd);
        close_fd(&p->w[i].fd);
    }
    ThreadState *ts = gil_release(vm);
    for (int i = 0; i < p->n; i++) {
        while (waitpid(p->w[i].pid, NULL, 0) < 0 && errno == EINTR) {}
    }
    gil_acquire(vm, ts);
    uv_mutex_lock(&p->mu);
    p->ended = true;
    uv_cond_broadcast(&p->end_cond);
    uv_mutex_unlock(&p->mu);
}

static void wake_manager(ProcPool *p) {
    char c = 1;
    if (p->wake[1] >= 0 && write(p->wake[1], &c, 1) < 0) { /* full: it is awake anyway */ }
}

/* ---- the Python side -------------------------------------------------------------- */

/* Pool(max_workers, on_result, on_broken, initializer=None, initargs=()) */
static Value pp_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"max_workers", "on_result", "on_broken", "initializer", "initargs"};
    Value a[5];
    if (!args_bind(vm, "Pool", args + 1, nargs - 1, kw, names, 5, 5, 3, 0, a)) return ERR;
    if (!is_int(a[0]) || as_int(a[0]) <= 0 || as_int(a[0]) > 4096)
        return exc_raise(vm, E_ValueError, "max_workers must be greater than 0");
    Value initargs = a[4] == UNDEF ? obj_val(vm->empty_tuple) : a[4];
    if (!is_tuple(initargs)) return exc_raise(vm, E_TypeError, "initargs must be a tuple");
    int n = (int)as_int(a[0]);
    ProcPool *p = gc_new(vm, sizeof(ProcPool), OBJ_CDATA, AS(ObjClass, args[0]));
    if (!p) return ERR;
    memset((char *)p + sizeof(Obj), 0, sizeof *p - sizeof(Obj));
    p->wake[0] = p->wake[1] = -1;
    p->n = n;
    p->on_result = a[1];
    p->on_broken = a[2];
    p->initializer = a[3] == UNDEF ? NONE_VAL : a[3];
    p->initargs = initargs;
    uv_mutex_init(&p->mu);
    uv_cond_init(&p->end_cond);
    p->w = calloc((size_t)n, sizeof(Worker));
    if (!p->w) return exc_nomem(vm);
    for (int i = 0; i < n; i++) {
        p->w[i].fd = -1;
        p->w[i].fut = UNDEF;
    }
    return obj_val(p);
}

static bool start(VM *vm, ProcPool *p, Value self) {
    if (pipe2(p->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
        exc_raise(vm, E_OSError, "cannot create a pipe: %s", strerror(errno));
        return false;
    }
    fork_fd_remember(vm, p->wake[0]);
    fork_fd_remember(vm, p->wake[1]);
    p->started = true;
    if (!start_workers(vm, p)) {
        p->broken = true;
        return false;
    }
    if (!thread_start(vm, manager, NULL, self, NULL)) {
        p->broken = true;
        return false;
    }
    return true;
}

/* submit(future, fn, args, kwargs): queues the call; raises when it cannot
 * be serialized (the Python side puts that on the future, as CPython). */
static Value pp_submit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ProcPool *p = check_pool(vm, args[0]);
    if (!p || !args_check(vm, "submit", nargs - 1, kw, 4, 4)) return ERR;
    if (!is_tuple(args[3])) return exc_raise(vm, E_TypeError, "submit() needs an args tuple");
    if (p->broken || p->closing) return exc_raise(vm, E_RuntimeError, "the pool does not take work any more");
    ObjTuple *job = tuple_from(vm, (Value[]){args[2], args[3], is_dict(args[4]) ? args[4] : NONE_VAL}, 3);
    if (!job || !vm_push_root(vm, obj_val(job))) return ERR;
    Value bytes = pickle_dumps(vm, obj_val(job));
    vm_pop_roots(vm, 1);
    if (bytes == ERR) return ERR;
    ObjBytes *b = AS(ObjBytes, bytes);
    uint8_t *frame = make_frame(b->data, (size_t)b->len);
    if (!frame) return exc_nomem(vm);
    if (p->qlen == p->qcap) {
        size_t cap = p->qcap ? p->qcap * 2 : 16;
        Job *q = malloc(cap * sizeof *q);
        if (!q) { free(frame); return exc_nomem(vm); }
        for (size_t i = 0; i < p->qlen; i++) q[i] = p->q[(p->qhead + i) % p->qcap];
        free(p->q);
        p->q = q;
        p->qhead = 0;
        p->qcap = cap;
    }
    p->q[(p->qhead + p->qlen++) % p->qcap] = (Job){args[1], frame, (size_t)b->len + 8};
    if (!p->started && !start(vm, p, args[0])) return ERR;
    wake_manager(p);
    return NONE_VAL;
}

/* shutdown(wait, cancel_futures) -> the futures of the jobs that never
 * started, when cancel_futures (they are dropped). */
static Value pp_shutdown(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ProcPool *p = check_pool(vm, args[0]);
    if (!p || !args_check(vm, "shutdown", nargs - 1, kw, 2, 2)) return ERR;
    int wait = op_truthy(vm, args[1]), cancel = op_truthy(vm, args[2]);
    ObjList *dropped = wait < 0 || cancel < 0 ? NULL : list_new(vm, 0);
    if (!dropped) return ERR;
    while (cancel && p->qlen) {
        Job j = p->q[p->qhead];
        if (list_append(vm, dropped, j.fut) < 0) return ERR;
        p->qhead = (p->qhead + 1) % p->qcap;
        p->qlen--;
        free(j.frame);
    }
    p->closing = true;
    if (!p->started) {
        p->ended = true;
        return obj_val(dropped);
    }
    wake_manager(p);
    if (wait) {
        if (!vm_push_root(vm, obj_val(dropped))) return ERR;
        ThreadState *ts = gil_release(vm);
        uv_mutex_lock(&p->mu);
        while (!p->ended) uv_cond_wait(&p->end_cond, &p->mu);
        uv_mutex_unlock(&p->mu);
        gil_acquire(vm, ts);
        vm_pop_roots(vm, 1);
    }
    return obj_val(dropped);
}

/* The workers' process ids (for tests and diagnostics). */
static Value pp_pids(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ProcPool *p = check_pool(vm, args[0]);
    if (!p || !args_check(vm, "pids", nargs - 1, kw, 0, 0)) return ERR;
    ObjList *l = list_new(vm, 0);
    for (int i = 0; l && p->started && i < p->n; i++) {
        if (list_append(vm, l, int_val(p->w[i].pid)) < 0) return ERR;
    }
    return l ? obj_val(l) : ERR;
}

static Value pp_broken(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ProcPool *p = check_pool(vm, args[0]);
    if (!p || !args_check(vm, "broken", nargs - 1, kw, 0, 0)) return ERR;
    return bool_val(p->broken);
}

bool mod_procpool_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__new__", pp_new}, {"submit", pp_submit}, {"shutdown", pp_shutdown}, {"pids", pp_pids},
        {"broken", pp_broken},
    };
    ObjClass *c = class_new_builtin(vm, "Pool", vm->types[T_OBJECT], OBJ_CDATA);
    Value modname = c ? str_from_cstr(vm, "_procpool") : ERR;
    if (modname == ERR || dict_set_str(vm, c->dict, vm_name(vm, N___module__), modname) < 0) return false;
    c->module = modname;
    c->ctype = &pp_ctype;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    return module_add_value(vm, m, "Pool", obj_val(c));
}
