/* The select module's native half: one wait on poll(2) without the
 * interpreter lock. select.select, the poll object and the selectors module
 * are Asy code (stdlib/select.asy, stdlib/selectors.asy) over `_wait`; using
 * poll() for select() too means no FD_SETSIZE limit. The epoll object is
 * Asy code too, over `_epoll_create`, `_epoll_ctl` and `_epoll_wait`. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <time.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gil.h"
#include "../vm/num.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Reads a list of (fd, events) pairs into a pollfd array (malloc'd). */
static struct pollfd *pollfds_arg(VM *vm, Value v, int64_t *count) {
    if (!is_kind(v, OBJ_LIST)) {
        exc_raise(vm, E_TypeError, "_wait() needs a list of (fd, events) pairs");
        return NULL;
    }
    ObjList *l = AS(ObjList, v);
    struct pollfd *p = malloc(sizeof *p * (size_t)(l->len ? l->len : 1));
    if (!p) { exc_nomem(vm); return NULL; }
    for (int64_t i = 0; i < l->len; i++) {
        Value item = l->items[i];
        int64_t fd, ev;
        if (!is_kind(item, OBJ_TUPLE) || AS(ObjTuple, item)->len != 2 ||
            !index_value(vm, AS(ObjTuple, item)->items[0], &fd, NULL) ||
            !index_value(vm, AS(ObjTuple, item)->items[1], &ev, NULL)) {
            if (vm->exc == UNDEF) exc_raise(vm, E_TypeError, "_wait() needs a list of (fd, events) pairs");
            free(p);
            return NULL;
        }
        if (fd > INT_MAX || fd < INT_MIN) {
            free(p);
            exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
            return NULL;
        }
        p[i].fd = (int)fd, p[i].events = (short)ev, p[i].revents = 0;
    }
    *count = l->len;
    return p;
}

/* _wait(pairs, timeout_ms) -> [(fd, revents), ...] for the ready ones;
 * timeout_ms None or negative waits for ever. EINTR hands signals to the
 * main thread and goes on waiting for the rest of the time. */
static Value sel_wait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_wait", nargs, kw, 2, 2)) return ERR;
    double timeout = -1;
    if (is_float(args[1])) timeout = as_float(args[1]);
    else if (args[1] != NONE_VAL && int_to_float(vm, args[1], &timeout) == ERR) return ERR;
    int64_t n = 0;
    struct pollfd *p = pollfds_arg(vm, args[0], &n);
    if (!p) return ERR;
    double deadline = timeout >= 0 ? now_ms() + timeout : 0;
    int got;
    for (;;) {
        int ms = timeout < 0 ? -1 : (int)fmin(ceil(fmax(0, deadline - now_ms())), INT_MAX);
        ThreadState *ts = gil_release(vm);
        got = poll(p, (nfds_t)n, ms);
        int err = errno;
        gil_acquire(vm, ts);
        if (got >= 0) break;
        if (err != EINTR) { free(p); return procargs_oserror(vm, err, UNDEF, UNDEF); }
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) { free(p); return ERR; }
    }
    ObjList *out = list_new(vm, 0);
    if (!out || !vm_push_root(vm, obj_val(out))) { free(p); return ERR; }
    for (int64_t i = 0; i < n; i++) {
        if (!p[i].revents) continue;
        ObjTuple *t = tuple_from(vm, (Value[]){int_val(p[i].fd), int_val(p[i].revents)}, 2);
        if (!t || list_append(vm, out, obj_val(t)) < 0) { vm_pop_roots(vm, 1); free(p); return ERR; }
    }
    vm_pop_roots(vm, 1);
    free(p);
    return obj_val(out);
}

/* ---- epoll: the three system calls; select.epoll (select.asy) keeps the
 * descriptor and CPython's argument checks. */

static Value int_arg(VM *vm, Value v, int *out) {
    int64_t x;
    if (!index_value(vm, v, &x, NULL)) return ERR;
    if (x > INT_MAX || x < INT_MIN) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    *out = (int)x;
    return NONE_VAL;
}

static Value sel_epoll_create(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_epoll_create", nargs, kw, 0, 0)) return ERR;
    int fd = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) return procargs_oserror(vm, errno, UNDEF, UNDEF);
    return int_val(fd);
}

/* _epoll_ctl(epfd, op, fd, events) */
static Value sel_epoll_ctl(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_epoll_ctl", nargs, kw, 4, 4)) return ERR;
    int epfd = 0, op = 0, fd = 0;
    int64_t ev;
    if (int_arg(vm, args[0], &epfd) == ERR || int_arg(vm, args[1], &op) == ERR || int_arg(vm, args[2], &fd) == ERR ||
        !index_value(vm, args[3], &ev, NULL))
        return ERR;
    struct epoll_event e = {.events = (uint32_t)ev, .data.fd = fd};
    if (epoll_ctl(epfd, op, fd, &e) < 0) return procargs_oserror(vm, errno, UNDEF, UNDEF);
    return NONE_VAL;
}

/* _epoll_wait(epfd, timeout_ms or None, maxevents) -> [(fd, events), ...] */
static Value sel_epoll_wait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_epoll_wait", nargs, kw, 3, 3)) return ERR;
    int epfd = 0, maxevents = 0;
    double timeout = -1;
    if (int_arg(vm, args[0], &epfd) == ERR || int_arg(vm, args[2], &maxevents) == ERR) return ERR;
    if (is_float(args[1])) timeout = as_float(args[1]);
    else if (args[1] != NONE_VAL && int_to_float(vm, args[1], &timeout) == ERR) return ERR;
    if (maxevents <= 0) maxevents = 1;
    struct epoll_event *evs = malloc(sizeof *evs * (size_t)maxevents);
    if (!evs) return exc_nomem(vm);
    double deadline = timeout >= 0 ? now_ms() + timeout : 0;
    int got;
    for (;;) {
        int ms = timeout < 0 ? -1 : (int)fmin(ceil(fmax(0, deadline - now_ms())), INT_MAX);
        ThreadState *ts = gil_release(vm);
        got = epoll_wait(epfd, evs, maxevents, ms);
        int err = errno;
        gil_acquire(vm, ts);
        if (got >= 0) break;
        if (err != EINTR) { free(evs); return procargs_oserror(vm, err, UNDEF, UNDEF); }
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) { free(evs); return ERR; }
    }
    ObjList *out = list_new(vm, 0);
    if (!out || !vm_push_root(vm, obj_val(out))) { free(evs); return ERR; }
    for (int i = 0; i < got; i++) {
        ObjTuple *t = tuple_from(vm, (Value[]){int_val(evs[i].data.fd), int_val((int64_t)evs[i].events)}, 2);
        if (!t || list_append(vm, out, obj_val(t)) < 0) { vm_pop_roots(vm, 1); free(evs); return ERR; }
    }
    vm_pop_roots(vm, 1);
    free(evs);
    return obj_val(out);
}

bool mod__select_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; int value; } flags[] = {
        {"POLLIN", POLLIN}, {"POLLPRI", POLLPRI}, {"POLLOUT", POLLOUT}, {"POLLERR", POLLERR},
        {"POLLHUP", POLLHUP}, {"POLLNVAL", POLLNVAL}, {"POLLRDNORM", POLLRDNORM}, {"POLLRDBAND", POLLRDBAND},
        {"POLLWRNORM", POLLWRNORM}, {"POLLWRBAND", POLLWRBAND}, {"POLLMSG", POLLMSG}, {"POLLRDHUP", POLLRDHUP},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (!module_add_value(vm, m, flags[i].name, int_val(flags[i].value))) return false;
    static const struct { const char *name; int64_t value; } epflags[] = {
        {"EPOLLIN", EPOLLIN}, {"EPOLLOUT", EPOLLOUT}, {"EPOLLPRI", EPOLLPRI}, {"EPOLLERR", EPOLLERR},
        {"EPOLLHUP", EPOLLHUP}, {"EPOLLET", (int64_t)(uint32_t)EPOLLET}, {"EPOLLONESHOT", EPOLLONESHOT},
        {"EPOLLEXCLUSIVE", EPOLLEXCLUSIVE}, {"EPOLLRDHUP", EPOLLRDHUP}, {"EPOLLRDNORM", EPOLLRDNORM},
        {"EPOLLRDBAND", EPOLLRDBAND}, {"EPOLLWRNORM", EPOLLWRNORM}, {"EPOLLWRBAND", EPOLLWRBAND},
        {"EPOLLMSG", EPOLLMSG}, {"EPOLL_CLOEXEC", EPOLL_CLOEXEC}, {"PIPE_BUF", PIPE_BUF},
        {"_EPOLL_CTL_ADD", EPOLL_CTL_ADD}, {"_EPOLL_CTL_MOD", EPOLL_CTL_MOD}, {"_EPOLL_CTL_DEL", EPOLL_CTL_DEL},
    };
    for (size_t i = 0; i < sizeof epflags / sizeof epflags[0]; i++)
        if (!module_add_value(vm, m, epflags[i].name, int_val(epflags[i].value))) return false;
    return module_add_native(vm, m, "_wait", sel_wait) && module_add_native(vm, m, "_epoll_create", sel_epoll_create) &&
           module_add_native(vm, m, "_epoll_ctl", sel_epoll_ctl) && module_add_native(vm, m, "_epoll_wait", sel_epoll_wait);
}
