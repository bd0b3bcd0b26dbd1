/* _socket: the native half of the socket module (stdlib/socket.asy), a thin
 * layer over POSIX sockets that works on plain file descriptors. The socket
 * class itself, makefile, create_connection and the rest are Asy code; what
 * is here is what must be C: system calls, address conversion, name
 * resolution and the waits.
 *
 * Every call that can block releases the interpreter lock, so threads and
 * asyncio.to_thread keep running meanwhile. A socket with a timeout has
 * O_NONBLOCK set (as CPython does) and its calls wait in poll() for at most
 * the timeout, then raise TimeoutError("timed out"); timeout None is a plain
 * blocking call; 0 is non-blocking (BlockingIOError). Data to send is copied
 * before the lock is dropped and data received is copied after it is taken
 * back, since another thread may resize a bytearray meanwhile.
 *
 * gaierror and herror are classes of socket.asy, which hands them to
 * _socket through _set_errors; until then these errors are OSErrors. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/memview.h"
#include "../vm/gil.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "_socket_consts.h"
#include "modules.h"
#include "procargs.h"

/* ---- arguments and errors ------------------------------------------------------ */

static bool int_argv(VM *vm, Value v, int *out, const char *what) {
    int64_t i;
    if (!index_value(vm, v, &i, what)) return false;
    if (i < INT_MIN || i > INT_MAX) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return false;
    }
    *out = (int)i;
    return true;
}

/* A timeout argument: None is -1 (block), otherwise seconds >= 0. */
static bool timeout_arg(VM *vm, Value v, double *out) {
    if (v == NONE_VAL) { *out = -1; return true; }
    if (is_float(v)) { *out = as_float(v); return true; }
    return int_to_float(vm, v, out) != ERR;
}

static Value sock_error(VM *vm, int err) { return procargs_oserror(vm, err, UNDEF, UNDEF); }

/* An instance of socket.gaierror or herror (kept in _socket's namespace by
 * _set_errors) with args (code, message); OSError before socket.asy ran. */
static Value raise_named(VM *vm, const char *cls_name, int code, const char *msg) {
    ObjStr *mname = str_intern_cstr(vm, "_socket"), *cname = str_intern_cstr(vm, cls_name);
    if (!mname || !cname) return ERR;
    Value m = dict_get_str(vm->modules, mname);
    Value cls = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, cname) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) cls = obj_val(vm->exc_types[E_OSError]);
    Value text = str_from_cstr(vm, msg);
    if (text == ERR || !vm_push_root(vm, text)) return ERR;
    Value items[2] = {int_val(code), text};
    ObjTuple *args = tuple_from(vm, items, 2);
    vm_pop_roots(vm, 1);
    if (!args) return ERR;
    Value e = exc_new(vm, AS(ObjClass, cls), args);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static Value raise_gai(VM *vm, int code) {
    if (code == EAI_SYSTEM) return sock_error(vm, errno);
    return raise_named(vm, "gaierror", code, gai_strerror(code));
}

static Value timed_out(VM *vm) { return exc_raise(vm, E_TimeoutError, "timed out"); }

/* A 2-tuple (a, b), rooted while built; a and b need no rooting. */
static Value pair(VM *vm, Value a, Value b) {
    Value items[2] = {a, b};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

/* ---- addresses --------------------------------------------------------------- */

typedef struct {
    struct sockaddr_storage ss;
    socklen_t len;
} Addr;

/* A host name or address as a NUL-ended copy in buf (str, bytes or
 * bytearray, as CPython takes). */
static bool host_arg(VM *vm, Value v, char *buf, size_t size) {
    const char *p;
    size_t n;
    if (is_str(v)) p = AS(ObjStr, v)->data, n = AS(ObjStr, v)->len;
    else if (is_kind(v, OBJ_BYTES)) p = (const char *)AS(ObjBytes, v)->data, n = (size_t)AS(ObjBytes, v)->len;
    else if (is_kind(v, OBJ_BYTEARRAY)) p = (const char *)AS(ObjByteArray, v)->data, n = (size_t)AS(ObjByteArray, v)->len;
    else {
        exc_raise(vm, E_TypeError, "str, bytes or bytearray expected, not %T", v);
        return false;
    }
    if (n >= size) {
        exc_raise(vm, E_UnicodeError, "encoding with 'idna' codec failed (UnicodeError: label too long)");
        return false;
    }
    if (memchr(p, 0, n)) {
        exc_raise(vm, E_ValueError, "embedded null character");   /* wording differs by type in CPython */
        return false;
    }
    memcpy(buf, p, n);
    buf[n] = 0;
    return true;
}

/* Resolves a host to one address of `family` (AF_INET or AF_INET6): ""
 * is the wildcard, "<broadcast>" INADDR_BROADCAST, numeric forms parse
 * directly, names go through getaddrinfo without the lock. */
static bool resolve_host(VM *vm, const char *host, int family, Addr *a) {
    memset(a, 0, sizeof *a);
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&a->ss;
        in->sin_family = AF_INET, a->len = sizeof *in;
        if (!*host) { in->sin_addr.s_addr = htonl(INADDR_ANY); return true; }
        if (!strcmp(host, "<broadcast>")) { in->sin_addr.s_addr = htonl(INADDR_BROADCAST); return true; }
        if (inet_pton(AF_INET, host, &in->sin_addr) == 1) return true;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
        in6->sin6_family = AF_INET6, a->len = sizeof *in6;
        if (!*host) { in6->sin6_addr = in6addr_any; return true; }
        if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) return true;
    }
    struct addrinfo hints = {.ai_family = family}, *res = NULL;
    ThreadState *ts = gil_release(vm);
    int rc = getaddrinfo(host, NULL, &hints, &res);
    gil_acquire(vm, ts);
    if (rc != 0) { raise_gai(vm, rc); return false; }
    socklen_t keep = a->len;
    memcpy(&a->ss, res->ai_addr, res->ai_addrlen < sizeof a->ss ? res->ai_addrlen : sizeof a->ss);
    a->len = keep;
    freeaddrinfo(res);
    return true;
}

static bool port_arg(VM *vm, Value v, const char *caller, uint16_t *port) {
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        return false;
    }
    int64_t p;
    if (!index_value(vm, v, &p, NULL)) return false;
    if (p < 0 || p > 65535) {
        exc_raise(vm, E_OverflowError, "%s(): port must be 0-65535.", caller);
        return false;
    }
    *port = (uint16_t)p;
    return true;
}

static const char *family_name(int family) {
    return family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "AF_UNIX";
}

static bool inet_addr_arg(VM *vm, int family, Value v, const char *caller, Addr *a) {
    if (!is_kind(v, OBJ_TUPLE)) {
        exc_raise(vm, E_TypeError, "%s(): %s address must be tuple, not %T", caller, family_name(family), v);
        return false;
    }
    ObjTuple *t = AS(ObjTuple, v);
    if (family == AF_INET && t->len != 2) {
        exc_raise(vm, E_TypeError, "AF_INET address must be a pair (host, port)");
        return false;
    }
    if (family == AF_INET6 && (t->len < 2 || t->len > 4)) {
        exc_raise(vm, E_TypeError, "AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])");
        return false;
    }
    char host[1024];
    uint16_t port;
    if (!host_arg(vm, t->items[0], host, sizeof host) || !port_arg(vm, t->items[1], caller, &port)) return false;
    if (!resolve_host(vm, host, family, a)) return false;
    if (family == AF_INET) {
        ((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
        return true;
    }
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->ss;
    in6->sin6_port = htons(port);
    int64_t flow = 0, scope = 0;
    if ((t->len > 2 && !index_value(vm, t->items[2], &flow, NULL)) || (t->len > 3 && !index_value(vm, t->items[3], &scope, NULL)))
        return false;
    if (flow < 0 || flow > 0xfffff) {
        exc_raise(vm, E_OverflowError, "%s(): flowinfo must be 0-1048575.", caller);
        return false;
    }
    in6->sin6_flowinfo = htonl((uint32_t)flow), in6->sin6_scope_id = (uint32_t)scope;
    return true;
}

static bool unix_addr_arg(VM *vm, Value v, Addr *a) {
    const char *p;
    size_t n;
    if (is_str(v)) p = AS(ObjStr, v)->data, n = AS(ObjStr, v)->len;
    else if (is_kind(v, OBJ_BYTES)) p = (const char *)AS(ObjBytes, v)->data, n = (size_t)AS(ObjBytes, v)->len;
    else if (is_kind(v, OBJ_BYTEARRAY)) p = (const char *)AS(ObjByteArray, v)->data, n = (size_t)AS(ObjByteArray, v)->len;
    else {
        Value s = op_fspath(vm, v);
        if (s == ERR) {
            vm->exc = UNDEF;   /* CPython's own wording, not fspath's */
            exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", v);
            return false;
        }
        return unix_addr_arg(vm, s, a);
    }
    struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
    memset(a, 0, sizeof *a);
    if (n >= sizeof un->sun_path) {
        exc_raise(vm, E_OSError, "AF_UNIX path too long");
        return false;
    }
    un->sun_family = AF_UNIX;
    memcpy(un->sun_path, p, n);
    a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (n && p[0] ? 1 : 0));
    return true;
}

/* A Python address for `family` as a sockaddr (connect, bind, sendto). */
static bool addr_arg(VM *vm, int family, Value v, const char *caller, Addr *a) {
    if (family == AF_INET || family == AF_INET6) return inet_addr_arg(vm, family, v, caller, a);
    if (family == AF_UNIX) return unix_addr_arg(vm, v, a);
    exc_raise(vm, E_OSError, "%s(): bad family", caller);
    return false;
}

/* The Python form of an address: (host, port) for IPv4, (host, port,
 * flowinfo, scope_id) for IPv6, a path str for AF_UNIX ('' unbound, bytes
 * for the abstract namespace). */
static Value addr_value(VM *vm, const struct sockaddr *sa, socklen_t len) {
    char host[INET6_ADDRSTRLEN];
    if (len == 0) return NONE_VAL;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        Value h = str_from_cstr(vm, host);
        return h == ERR ? ERR : pair(vm, h, int_val(ntohs(in->sin_port)));
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        Value h = str_from_cstr(vm, host);
        if (h == ERR) return ERR;
        Value items[4] = {h, int_val(ntohs(in6->sin6_port)), int_val(ntohl(in6->sin6_flowinfo)), int_val(in6->sin6_scope_id)};
        ObjTuple *t = tuple_from(vm, items, 4);
        return t ? obj_val(t) : ERR;
    }
    if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        size_t n = len > offsetof(struct sockaddr_un, sun_path) ? len - offsetof(struct sockaddr_un, sun_path) : 0;
        if (n && un->sun_path[0] == 0) return bytes_new(vm, (const uint8_t *)un->sun_path, n);
        return str_new(vm, un->sun_path, strnlen(un->sun_path, n));
    }
    return pair(vm, int_val(sa->sa_family), NONE_VAL);
}

/* ---- waiting without the lock ---------------------------------------------------- */

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* One attempt of a system call, run without the interpreter lock: returns
 * its result, or -1 with errno. */
typedef ssize_t (*SockOp)(int fd, void *ctx);

/* Runs op until it succeeds, honouring the timeout: -1 blocks (the call
 * itself waits), 0 fails at once with EAGAIN, >0 waits in poll() for
 * `events` at most that long. Signals (Ctrl-C, handlers) interrupt the
 * wait on the main thread. Returns the result, or -1 with the exception set. */
static ssize_t sock_call(VM *vm, int fd, short events, double timeout, SockOp op, void *ctx) {
    double deadline = timeout > 0 ? now_s() + timeout : 0;
    for (;;) {
        ThreadState *ts = gil_release(vm);
        ssize_t r = op(fd, ctx);
        int err = errno;
        if (r < 0 && (err == EAGAIN || err == EWOULDBLOCK) && timeout > 0) {
            for (;;) {
                double left = deadline - now_s();
                int ms = left <= 0 ? 0 : (int)ceil(left * 1000);
                struct pollfd p = {.fd = fd, .events = events};
                int n = poll(&p, 1, ms);
                if (n > 0) { r = op(fd, ctx); err = errno; if (r >= 0 || (err != EAGAIN && err != EWOULDBLOCK)) break; continue; }
                if (n == 0) { err = ETIMEDOUT; break; }
                err = errno;
                break;
            }
        }
        gil_acquire(vm, ts);
        if (r >= 0) return r;
        if (err == ETIMEDOUT && timeout > 0) { timed_out(vm); return -1; }
        if (err == EINTR) {
            if (vm_signals(vm) && !vm_handle_signals(vm, false)) return -1;
            continue;
        }
        sock_error(vm, err);
        return -1;
    }
}

/* ---- creating and closing -------------------------------------------------------- */

static Value s_socket(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int family, type, proto;
    if (!args_check(vm, "socket", nargs, kw, 3, 3) || !int_argv(vm, args[0], &family, NULL) ||
        !int_argv(vm, args[1], &type, NULL) || !int_argv(vm, args[2], &proto, NULL))
        return ERR;
    int fd = socket(family, type | SOCK_CLOEXEC, proto);
    return fd >= 0 ? int_val(fd) : sock_error(vm, errno);
}

static Value s_socketpair(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int family, type, proto, sv[2];
    if (!args_check(vm, "socketpair", nargs, kw, 3, 3) || !int_argv(vm, args[0], &family, NULL) ||
        !int_argv(vm, args[1], &type, NULL) || !int_argv(vm, args[2], &proto, NULL))
        return ERR;
    if (socketpair(family, type | SOCK_CLOEXEC, proto, sv) != 0) return sock_error(vm, errno);
    Value r = pair(vm, int_val(sv[0]), int_val(sv[1]));
    if (r == ERR) close(sv[0]), close(sv[1]);
    return r;
}

/* (family, type, proto) of an open descriptor, for socket(fileno=fd). */
static Value s_info(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, v[3] = {0, 0, 0}, opts[3] = {SO_DOMAIN, SO_TYPE, SO_PROTOCOL};
    if (!args_check(vm, "_info", nargs, kw, 1, 1) || !int_argv(vm, args[0], &fd, NULL)) return ERR;
    for (int i = 0; i < 3; i++) {
        socklen_t n = sizeof v[i];
        if (getsockopt(fd, SOL_SOCKET, opts[i], &v[i], &n) != 0) return sock_error(vm, errno);
    }
    ObjTuple *t = tuple_from(vm, (Value[]){int_val(v[0]), int_val(v[1]), int_val(v[2])}, 3);
    return t ? obj_val(t) : ERR;
}

static Value s_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "close", nargs, kw, 1, 1) || !int_argv(vm, args[0], &fd, NULL)) return ERR;
    /* ECONNRESET from close() is not worth an exception (as CPython) */
    if (close(fd) != 0 && errno != ECONNRESET) return sock_error(vm, errno);
    return NONE_VAL;
}

static Value s_dup(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    if (!args_check(vm, "dup", nargs, kw, 1, 1) || !int_argv(vm, args[0], &fd, NULL)) return ERR;
    int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    return d >= 0 ? int_val(d) : sock_error(vm, errno);
}

static Value s_setblocking(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, flag;
    if (!args_check(vm, "setblocking", nargs, kw, 2, 2) || !int_argv(vm, args[0], &fd, NULL) ||
        (flag = op_truthy(vm, args[1])) < 0)
        return ERR;
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, flag ? fl & ~O_NONBLOCK : fl | O_NONBLOCK) < 0) return sock_error(vm, errno);
    return NONE_VAL;
}

/* ---- binding and connecting ---------------------------------------------------------- */

static Value s_bind(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, family;
    Addr a;
    if (!args_check(vm, "bind", nargs, kw, 3, 3) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[1], &family, NULL) || !addr_arg(vm, family, args[2], "bind", &a))
        return ERR;
    return bind(fd, (struct sockaddr *)&a.ss, a.len) == 0 ? NONE_VAL : sock_error(vm, errno);
}

static Value s_listen(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, backlog;
    if (!args_check(vm, "listen", nargs, kw, 2, 2) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[1], &backlog, NULL))
        return ERR;
    return listen(fd, backlog < 0 ? 0 : backlog) == 0 ? NONE_VAL : sock_error(vm, errno);
}

/* The wait for a connect() in progress: its outcome is SO_ERROR once the
 * socket is writable. */
static int connect_wait(VM *vm, int fd, double timeout) {
    double deadline = timeout > 0 ? now_s() + timeout : 0;
    for (;;) {
        ThreadState *ts = gil_release(vm);
        int ms = timeout < 0 ? -1 : (int)ceil(fmax(0, deadline - now_s()) * 1000);
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int n = poll(&p, 1, ms);
        int err = errno;
        gil_acquire(vm, ts);
        if (n == 0) return ETIMEDOUT;
        if (n < 0 && err == EINTR) {
            if (vm_signals(vm) && !vm_handle_signals(vm, false)) return -1;
            continue;
        }
        if (n < 0) return err;
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0) return errno;
        return soerr;
    }
}

/* connect(fd, family, address, timeout, ex): ex true returns the errno
 * (connect_ex) instead of raising. */
static Value s_connect(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, family, ex;
    double timeout;
    Addr a;
    if (!args_check(vm, "connect", nargs, kw, 5, 5) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[1], &family, NULL) || !timeout_arg(vm, args[3], &timeout) ||
        (ex = op_truthy(vm, args[4])) < 0 || !addr_arg(vm, family, args[2], ex ? "connect_ex" : "connect", &a))
        return ERR;
    int err;
    for (;;) {
        ThreadState *ts = gil_release(vm);
        int r = connect(fd, (struct sockaddr *)&a.ss, a.len);
        err = r == 0 ? 0 : errno;
        gil_acquire(vm, ts);
        if (err != EINTR) break;
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
        /* interrupted: the connection goes on in the background */
        err = timeout == 0 ? EINPROGRESS : EALREADY;
        break;
    }
    if ((err == EINPROGRESS && timeout > 0) || err == EALREADY) {
        err = connect_wait(vm, fd, timeout);
        if (err == -1) return ERR;
        if (err == ETIMEDOUT && !ex) return timed_out(vm);
        if (err == ETIMEDOUT) err = EWOULDBLOCK;
    }
    if (ex) return int_val(err);
    return err == 0 ? NONE_VAL : sock_error(vm, err);
}

typedef struct {
    struct sockaddr_storage ss;
    socklen_t len;
} AcceptCtx;

static ssize_t accept_op(int fd, void *ctx) {
    AcceptCtx *c = ctx;
    c->len = sizeof c->ss;
    return accept4(fd, (struct sockaddr *)&c->ss, &c->len, SOCK_CLOEXEC);
}

/* accept(fd, timeout) -> (new fd, address) */
static Value s_accept(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd;
    double timeout;
    if (!args_check(vm, "accept", nargs, kw, 2, 2) || !int_argv(vm, args[0], &fd, NULL) || !timeout_arg(vm, args[1], &timeout))
        return ERR;
    AcceptCtx c;
    ssize_t nfd = sock_call(vm, fd, POLLIN, timeout, accept_op, &c);
    if (nfd < 0) return ERR;
    Value addr = addr_value(vm, (struct sockaddr *)&c.ss, c.len);
    Value r = addr == ERR ? ERR : pair(vm, int_val(nfd), addr);
    if (r == ERR) close((int)nfd);
    return r;
}

/* ---- sending ---------------------------------------------------------------------- */

typedef struct {
    const uint8_t *p;
    size_t n;
    int flags;
    const Addr *to;
} SendCtx;

static ssize_t send_op(int fd, void *ctx) {
    SendCtx *c = ctx;
    if (c->to) return sendto(fd, c->p, c->n, c->flags | MSG_NOSIGNAL, (const struct sockaddr *)&c->to->ss, c->to->len);
    return send(fd, c->p, c->n, c->flags | MSG_NOSIGNAL);
}

/* A private copy of a bytes-like argument (see the header). */
static uint8_t *data_copy(VM *vm, Value v, size_t *n) {
    BinBuf b;
    if (!binbuf_arg(vm, v, &b)) return NULL;
    uint8_t *p = malloc(b.n ? (size_t)b.n : 1);
    if (!p) { exc_nomem(vm); return NULL; }
    memcpy(p, b.p, (size_t)b.n);
    *n = (size_t)b.n;
    return p;
}

/* send(fd, data, flags, timeout) -> bytes sent */
static Value s_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, flags;
    double timeout;
    if (!args_check(vm, "send", nargs, kw, 4, 4) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[2], &flags, NULL) || !timeout_arg(vm, args[3], &timeout))
        return ERR;
    SendCtx c = {.flags = flags};
    uint8_t *copy = data_copy(vm, args[1], &c.n);
    if (!copy) return ERR;
    c.p = copy;
    ssize_t n = sock_call(vm, fd, POLLOUT, timeout, send_op, &c);
    free(copy);
    return n < 0 ? ERR : int_from_i64(vm, n);
}

/* sendall(fd, data, flags, timeout): the timeout bounds the whole call. */
static Value s_sendall(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, flags;
    double timeout;
    if (!args_check(vm, "sendall", nargs, kw, 4, 4) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[2], &flags, NULL) || !timeout_arg(vm, args[3], &timeout))
        return ERR;
    SendCtx c = {.flags = flags};
    size_t total;
    uint8_t *copy = data_copy(vm, args[1], &total);
    if (!copy) return ERR;
    double deadline = timeout > 0 ? now_s() + timeout : 0;
    size_t done = 0;
    do {
        double left = timeout > 0 ? deadline - now_s() : timeout;
        if (timeout > 0 && left <= 0) { free(copy); return timed_out(vm); }
        c.p = copy + done, c.n = total - done;
        ssize_t n = sock_call(vm, fd, POLLOUT, left, send_op, &c);
        if (n < 0) { free(copy); return ERR; }
        done += (size_t)n;
    } while (done < total);
    free(copy);
    return NONE_VAL;
}

/* sendto(fd, data, flags, family, address, timeout) */
static Value s_sendto(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, flags, family;
    double timeout;
    Addr a;
    if (!args_check(vm, "sendto", nargs, kw, 6, 6) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[2], &flags, NULL) || !int_argv(vm, args[3], &family, NULL) ||
        !timeout_arg(vm, args[5], &timeout) || !addr_arg(vm, family, args[4], "sendto", &a))
        return ERR;
    SendCtx c = {.flags = flags, .to = &a};
    uint8_t *copy = data_copy(vm, args[1], &c.n);
    if (!copy) return ERR;
    c.p = copy;
    ssize_t n = sock_call(vm, fd, POLLOUT, timeout, send_op, &c);
    free(copy);
    return n < 0 ? ERR : int_from_i64(vm, n);
}

/* ---- receiving ---------------------------------------------------------------------- */

typedef struct {
    uint8_t *p;
    size_t n;
    int flags;
    struct sockaddr_storage from;
    socklen_t fromlen;
    bool want_from;
} RecvCtx;

static ssize_t recv_op(int fd, void *ctx) {
    RecvCtx *c = ctx;
    if (!c->want_from) return recv(fd, c->p, c->n, c->flags);
    c->fromlen = sizeof c->from;
    return recvfrom(fd, c->p, c->n, c->flags, (struct sockaddr *)&c->from, &c->fromlen);
}

/* Receives at most n bytes into a malloc'd buffer (c->p, to free). */
static ssize_t recv_some(VM *vm, Value *args, const char *name, RecvCtx *c, double *timeout) {
    int fd;
    int64_t n;
    if (!int_argv(vm, args[0], &fd, NULL) || !index_value(vm, args[1], &n, NULL) ||
        !int_argv(vm, args[2], &c->flags, NULL) || !timeout_arg(vm, args[3], timeout))
        return -1;
    if (n < 0) { exc_raise(vm, E_ValueError, "negative buffersize in %s", name); return -1; }
    c->n = (size_t)n;
    c->p = malloc(c->n ? c->n : 1);
    if (!c->p) { exc_nomem(vm); return -1; }
    ssize_t got = sock_call(vm, fd, POLLIN, *timeout, recv_op, c);
    if (got < 0) { free(c->p); c->p = NULL; }
    return got;
}

/* recv(fd, n, flags, timeout) -> bytes */
static Value s_recv(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "recv", nargs, kw, 4, 4)) return ERR;
    RecvCtx c = {0};
    double timeout;
    ssize_t got = recv_some(vm, args, "recv", &c, &timeout);
    if (got < 0) return ERR;
    Value r = bytes_new(vm, c.p, (size_t)got);
    free(c.p);
    return r;
}

/* recvfrom(fd, n, flags, timeout) -> (bytes, address) */
static Value s_recvfrom(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "recvfrom", nargs, kw, 4, 4)) return ERR;
    RecvCtx c = {.want_from = true};
    double timeout;
    ssize_t got = recv_some(vm, args, "recvfrom", &c, &timeout);
    if (got < 0) return ERR;
    Value data = bytes_new(vm, c.p, (size_t)got);
    free(c.p);
    if (data == ERR || !vm_push_root(vm, data)) return ERR;
    Value addr = addr_value(vm, (struct sockaddr *)&c.from, c.fromlen);
    Value r = addr == ERR ? ERR : pair(vm, data, addr);
    vm_pop_roots(vm, 1);
    return r;
}

/* recv_into(fd, buffer, nbytes, flags, timeout, want_from) -> count, or
 * (count, address) with want_from (recvfrom_into). */
static Value recv_into_target(VM *vm, Value *args, Value target, int from);

static Value s_recv_into(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "recv_into", nargs, kw, 6, 6)) return ERR;
    int from = op_truthy(vm, args[5]);
    if (from < 0) return ERR;
    Value target = memview_writable_target(vm, args[1]);    /* an array's or mmap's view too */
    if (target == ERR) return ERR;
    if (target == UNDEF)
        return exc_raise(vm, E_TypeError, "%s() argument 1 must be read-write bytes-like object, not %T",
                         from ? "recvfrom_into" : "recv_into", args[1]);
    if (!vm_push_root(vm, target)) return ERR;
    Value r = recv_into_target(vm, args, target, from);
    vm_pop_roots(vm, 1);
    return r;
}

/* recv_into's work, into target's writable memory. */
static Value recv_into_target(VM *vm, Value *args, Value target, int from) {
    uint8_t *dst;
    int64_t cap, want;
    if (!binbuf_writable(target, &dst, &cap)) return exc_raise(vm, E_BufferError, "buffer resized during recv_into");
    if (!index_value(vm, args[2], &want, NULL)) return ERR;
    if (want < 0) return exc_raise(vm, E_ValueError, "negative buffersize in %s", from ? "recvfrom_into" : "recv_into");
    if (want == 0) want = cap;
    if (want > cap) return exc_raise(vm, E_ValueError, "buffer too small for requested bytes");
    Value sub[4] = {args[0], int_val(want), args[3], args[4]};
    RecvCtx c = {.want_from = from};
    double timeout;
    ssize_t got = recv_some(vm, sub, "recv_into", &c, &timeout);
    if (got < 0) return ERR;
    /* the buffer may have moved or shrunk while the lock was released */
    if (!binbuf_writable(target, &dst, &cap) || cap < got) {
        free(c.p);
        return exc_raise(vm, E_BufferError, "buffer resized during recv_into");
    }
    memcpy(dst, c.p, (size_t)got);
    free(c.p);
    if (!from) return int_from_i64(vm, got);
    Value addr = addr_value(vm, (struct sockaddr *)&c.from, c.fromlen);
    return addr == ERR ? ERR : pair(vm, int_from_i64(vm, got), addr);
}

/* ---- the rest of a socket's calls ----------------------------------------------------- */

static Value s_shutdown(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, how;
    if (!args_check(vm, "shutdown", nargs, kw, 2, 2) || !int_argv(vm, args[0], &fd, NULL) || !int_argv(vm, args[1], &how, NULL))
        return ERR;
    return shutdown(fd, how) == 0 ? NONE_VAL : sock_error(vm, errno);
}

/* getsockname(fd) / getpeername(fd) */
static Value name_call(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool peer) {
    int fd;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !int_argv(vm, args[0], &fd, NULL)) return ERR;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    memset(&ss, 0, sizeof ss);
    int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len) : getsockname(fd, (struct sockaddr *)&ss, &len);
    if (r != 0) return sock_error(vm, errno);
    return addr_value(vm, (struct sockaddr *)&ss, len);
}

static Value s_getsockname(VM *vm, Value *a, int n, ObjTuple *kw) { return name_call(vm, a, n, kw, "getsockname", false); }
static Value s_getpeername(VM *vm, Value *a, int n, ObjTuple *kw) { return name_call(vm, a, n, kw, "getpeername", true); }

/* setsockopt(fd, level, option, value): value an int or a bytes-like. */
static Value s_setsockopt(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, level, opt;
    if (!args_check(vm, "setsockopt", nargs, kw, 4, 4) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[1], &level, NULL) || !int_argv(vm, args[2], &opt, NULL))
        return ERR;
    int r;
    if (is_intlike(args[3])) {
        int v;
        if (!int_argv(vm, args[3], &v, NULL)) return ERR;
        r = setsockopt(fd, level, opt, &v, sizeof v);
    } else {
        BinBuf b;
        if (!binbuf_get(args[3], &b))
            return exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", args[3]);
        r = setsockopt(fd, level, opt, b.p, (socklen_t)b.n);
    }
    return r == 0 ? NONE_VAL : sock_error(vm, errno);
}

/* getsockopt(fd, level, option, buflen): an int when buflen is 0, else
 * the option's bytes. */
static Value s_getsockopt(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int fd, level, opt, buflen;
    if (!args_check(vm, "getsockopt", nargs, kw, 4, 4) || !int_argv(vm, args[0], &fd, NULL) ||
        !int_argv(vm, args[1], &level, NULL) || !int_argv(vm, args[2], &opt, NULL) || !int_argv(vm, args[3], &buflen, NULL))
        return ERR;
    if (buflen == 0) {
        int v = 0;
        socklen_t n = sizeof v;
        if (getsockopt(fd, level, opt, &v, &n) != 0) return sock_error(vm, errno);
        return int_val(v);
    }
    if (buflen < 0 || buflen > 1024) return exc_raise(vm, E_OSError, "getsockopt buflen out of range");
    uint8_t buf[1024];
    socklen_t n = (socklen_t)buflen;
    if (getsockopt(fd, level, opt, buf, &n) != 0) return sock_error(vm, errno);
    return bytes_new(vm, buf, n);
}

/* ---- names and addresses (module functions) ------------------------------------------- */

static Value s_gethostname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "gethostname", nargs, kw, 0, 0)) return ERR;
    char buf[256];
    if (gethostname(buf, sizeof buf) != 0) return sock_error(vm, errno);
    buf[sizeof buf - 1] = 0;
    return str_from_cstr(vm, buf);
}

/* An optional str/bytes/int argument of getaddrinfo as a C string (NULL
 * for None). */
static bool gai_text(VM *vm, Value v, char *buf, size_t size, const char **out, bool is_port) {
    if (v == NONE_VAL) { *out = NULL; return true; }
    if (is_port && is_int(v)) {
        snprintf(buf, size, "%lld", (long long)as_int(v));
        *out = buf;
        return true;
    }
    if (is_port && !is_str(v) && !is_kind(v, OBJ_BYTES)) {
        exc_raise(vm, E_OSError, "Int or String expected");
        return false;
    }
    if (!is_str(v) && !is_kind(v, OBJ_BYTES) && !is_kind(v, OBJ_BYTEARRAY)) {
        exc_raise(vm, E_TypeError, "getaddrinfo() argument 1 must be string or None");
        return false;
    }
    *out = buf;
    return host_arg(vm, v, buf, size);
}

/* getaddrinfo(host, port, family, type, proto, flags) -> [(family, type,
 * proto, canonname, sockaddr), ...] */
static Value s_getaddrinfo(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    char hbuf[1024], pbuf[64];
    const char *host, *port;
    int v[4];
    if (!args_check(vm, "getaddrinfo", nargs, kw, 6, 6) || !gai_text(vm, args[0], hbuf, sizeof hbuf, &host, false) ||
        !gai_text(vm, args[1], pbuf, sizeof pbuf, &port, true))
        return ERR;
    for (int i = 0; i < 4; i++)
        if (!int_argv(vm, args[2 + i], &v[i], NULL)) return ERR;
    struct addrinfo hints = {.ai_family = v[0], .ai_socktype = v[1], .ai_protocol = v[2], .ai_flags = v[3]}, *res = NULL;
    ThreadState *ts = gil_release(vm);
    int rc = getaddrinfo(host, port, &hints, &res);
    gil_acquire(vm, ts);
    if (rc != 0) return raise_gai(vm, rc);
    ObjList *out = list_new(vm, 0);
    if (!out || !vm_push_root(vm, obj_val(out))) { freeaddrinfo(res); return ERR; }
    Value result = obj_val(out);
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        Value addr = addr_value(vm, ai->ai_addr, ai->ai_addrlen);
        if (addr == ERR || !vm_push_root(vm, addr)) { result = ERR; break; }
        Value canon = str_from_cstr(vm, ai->ai_canonname ? ai->ai_canonname : "");
        ObjTuple *t = canon == ERR ? NULL
                                   : tuple_from(vm, (Value[]){int_val(ai->ai_family), int_val(ai->ai_socktype),
                                                              int_val(ai->ai_protocol), canon, addr}, 5);
        vm_pop_roots(vm, 1);
        if (!t || list_append(vm, out, obj_val(t)) < 0) { result = ERR; break; }
    }
    vm_pop_roots(vm, 1);
    freeaddrinfo(res);
    return result;
}

/* getnameinfo(sockaddr, flags) -> (host, port) */
static Value s_getnameinfo(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int flags;
    Addr a;
    if (!args_check(vm, "getnameinfo", nargs, kw, 2, 2) || !int_argv(vm, args[1], &flags, NULL)) return ERR;
    if (!is_kind(args[0], OBJ_TUPLE)) return exc_raise(vm, E_TypeError, "getnameinfo() argument 1 must be a tuple");
    ObjTuple *t = AS(ObjTuple, args[0]);
    if (!addr_arg(vm, t->len == 2 ? AF_INET : AF_INET6, args[0], "getnameinfo", &a)) return ERR;
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    ThreadState *ts = gil_release(vm);
    int rc = getnameinfo((struct sockaddr *)&a.ss, a.len, host, sizeof host, serv, sizeof serv, flags);
    gil_acquire(vm, ts);
    if (rc != 0) return raise_gai(vm, rc);
    Value h = str_from_cstr(vm, host);
    if (h == ERR || !vm_push_root(vm, h)) return ERR;
    Value s = str_from_cstr(vm, serv);
    Value r = s == ERR ? ERR : pair(vm, h, s);
    vm_pop_roots(vm, 1);
    return r;
}

/* _reverse(ip) -> the host name of a numeric address (gethostbyaddr's
 * first step), herror when there is none. */
static Value s_reverse(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    char ip[256];
    if (!args_check(vm, "_reverse", nargs, kw, 1, 1) || !host_arg(vm, args[0], ip, sizeof ip)) return ERR;
    Addr a;
    memset(&a, 0, sizeof a);
    struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;
    if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) in->sin_family = AF_INET, a.len = sizeof *in;
    else if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) in6->sin6_family = AF_INET6, a.len = sizeof *in6;
    else return raise_named(vm, "gaierror", EAI_NONAME, gai_strerror(EAI_NONAME));
    char host[NI_MAXHOST];
    ThreadState *ts = gil_release(vm);
    int rc = getnameinfo((struct sockaddr *)&a.ss, a.len, host, sizeof host, NULL, 0, NI_NAMEREQD);
    gil_acquire(vm, ts);
    if (rc != 0) return raise_named(vm, "herror", 1, "Unknown host");
    return str_from_cstr(vm, host);
}

static Value s_inet_pton(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int family;
    if (!args_check(vm, "inet_pton", nargs, kw, 2, 2) || !int_argv(vm, args[0], &family, NULL)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "inet_pton() argument 2 must be str, not %T", args[1]);
    if (family != AF_INET && family != AF_INET6) return sock_error(vm, EAFNOSUPPORT);
    uint8_t buf[16];
    if (inet_pton(family, AS(ObjStr, args[1])->data, buf) != 1)
        return exc_raise(vm, E_OSError, "illegal IP address string passed to inet_pton");
    return bytes_new(vm, buf, family == AF_INET ? 4 : 16);
}

static Value s_inet_ntop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int family;
    BinBuf b;
    if (!args_check(vm, "inet_ntop", nargs, kw, 2, 2) || !int_argv(vm, args[0], &family, NULL)) return ERR;
    if (!binbuf_get(args[1], &b))
        return exc_raise(vm, E_TypeError, "inet_ntop() argument 2 must be bytes-like object, not %T", args[1]);
    if (family != AF_INET && family != AF_INET6) return exc_raise(vm, E_ValueError, "unknown address family %d", family);
    if (b.n != (family == AF_INET ? 4 : 16)) return exc_raise(vm, E_ValueError, "invalid length of packed IP address string");
    char out[INET6_ADDRSTRLEN];
    if (!inet_ntop(family, b.p, out, sizeof out)) return sock_error(vm, errno);
    return str_from_cstr(vm, out);
}

/* inet_aton accepts the old forms too ("127.1", hex, octal). */
static Value s_inet_aton(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "inet_aton", nargs, kw, 1, 1)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "inet_aton() argument 1 must be str, not %T", args[0]);
    struct in_addr in;
    if (inet_aton(AS(ObjStr, args[0])->data, &in) == 0)
        return exc_raise(vm, E_OSError, "illegal IP address string passed to inet_aton");
    return bytes_new(vm, (const uint8_t *)&in, 4);
}

/* getservbyname(name, proto) / getservbyport(port, proto): proto None
 * for any. The netdb calls are not thread-safe, but run with the lock. */
static Value s_getservbyname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "getservbyname", nargs, kw, 1, 2)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "getservbyname() argument 1 must be str, not %T", args[0]);
    if (nargs > 1 && args[1] != NONE_VAL && !is_str(args[1]))
        return exc_raise(vm, E_TypeError, "getservbyname() argument 2 must be str, not %T", args[1]);
    const char *proto = nargs > 1 && args[1] != NONE_VAL ? AS(ObjStr, args[1])->data : NULL;
    struct servent *se = getservbyname(AS(ObjStr, args[0])->data, proto);
    if (!se) return exc_raise(vm, E_OSError, "service/proto not found");
    return int_val(ntohs((uint16_t)se->s_port));
}

static Value s_getservbyport(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int port;
    if (!args_check(vm, "getservbyport", nargs, kw, 1, 2) || !int_argv(vm, args[0], &port, NULL)) return ERR;
    if (port < 0 || port > 0xffff) return exc_raise(vm, E_OverflowError, "getservbyport: port must be 0-65535.");
    if (nargs > 1 && args[1] != NONE_VAL && !is_str(args[1]))
        return exc_raise(vm, E_TypeError, "getservbyport() argument 2 must be str, not %T", args[1]);
    const char *proto = nargs > 1 && args[1] != NONE_VAL ? AS(ObjStr, args[1])->data : NULL;
    struct servent *se = getservbyport(htons((uint16_t)port), proto);
    if (!se) return exc_raise(vm, E_OSError, "port/proto not found");
    return str_from_cstr(vm, se->s_name);
}

static Value s_getprotobyname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "getprotobyname", nargs, kw, 1, 1)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "getprotobyname() argument must be str, not %T", args[0]);
    struct protoent *pe = getprotobyname(AS(ObjStr, args[0])->data);
    if (!pe) return exc_raise(vm, E_OSError, "protocol not found");
    return int_val(pe->p_proto);
}

static Value s_set_errors(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_set_errors", nargs, kw, 2, 2)) return ERR;
    ObjStr *mname = str_intern_cstr(vm, "_socket");
    Value m = mname ? dict_get_str(vm->modules, mname) : UNDEF;
    if (!is_kind(m, OBJ_MODULE)) return exc_raise(vm, E_RuntimeError, "_socket is not imported");
    const char *names[2] = {"gaierror", "herror"};
    for (int i = 0; i < 2; i++) {
        ObjStr *n = str_intern_cstr(vm, names[i]);
        if (!n || dict_set_str(vm, AS(ObjModule, m)->dict, n, args[i]) < 0) return ERR;
    }
    return NONE_VAL;
}

/* ---- network interfaces: if_nametoindex, if_indextoname, if_nameindex ---- */

static Value s_if_nametoindex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "if_nametoindex", nargs, kw, 1, 1)) return ERR;
    const char *name;
    if (is_str(args[0])) name = AS(ObjStr, args[0])->data;
    else if (is_kind(args[0], OBJ_BYTES)) name = (const char *)AS(ObjBytes, args[0])->data;
    else return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", args[0]);
    unsigned idx = if_nametoindex(name);
    if (idx == 0) return exc_raise(vm, E_OSError, "no interface with this name");
    return int_val(idx);
}

static Value s_if_indextoname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "if_indextoname", nargs, kw, 1, 1)) return ERR;
    if (!is_int(args[0]) && !is_kind(args[0], OBJ_BIGINT)) return exc_raise(vm, E_TypeError, "an integer is required");
    int64_t idx;
    if (!index_value(vm, args[0], &idx, NULL)) {
        if (vm->exc == UNDEF) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C unsigned long");
        return ERR;
    }
    if (idx < 0) return exc_raise(vm, E_OverflowError, "can't convert negative value to unsigned int");
    char buf[IF_NAMESIZE + 1];
    if (idx > UINT_MAX || !if_indextoname((unsigned)idx, buf)) return sock_error(vm, idx > UINT_MAX ? ENXIO : errno);
    return str_from_cstr(vm, buf);
}

static Value s_if_nameindex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "if_nameindex", nargs, kw, 0, 0)) return ERR;
    struct if_nameindex *ni = if_nameindex();
    if (!ni) return sock_error(vm, errno);
    ObjList *out = list_new(vm, 0);
    if (!out || !vm_push_root(vm, obj_val(out))) { if_freenameindex(ni); return ERR; }
    for (struct if_nameindex *p = ni; p->if_index; p++) {
        Value name = str_from_cstr(vm, p->if_name);
        if (name == ERR || !vm_push_root(vm, name)) { vm_pop_roots(vm, 1); if_freenameindex(ni); return ERR; }
        ObjTuple *t = tuple_from(vm, (Value[]){int_val(p->if_index), name}, 2);
        vm_pop_roots(vm, 1);
        if (!t || list_append(vm, out, obj_val(t)) < 0) { vm_pop_roots(vm, 1); if_freenameindex(ni); return ERR; }
    }
    vm_pop_roots(vm, 1);
    if_freenameindex(ni);
    return obj_val(out);
}

/* ---- the module ---------------------------------------------------------------------- */

static const struct { const char *name; NativeFn fn; } functions[] = {
    {"socket", s_socket}, {"socketpair", s_socketpair}, {"_info", s_info}, {"close", s_close}, {"dup", s_dup},
    {"setblocking", s_setblocking}, {"bind", s_bind}, {"listen", s_listen}, {"connect", s_connect},
    {"accept", s_accept}, {"send", s_send}, {"sendall", s_sendall}, {"sendto", s_sendto}, {"recv", s_recv},
    {"recvfrom", s_recvfrom}, {"recv_into", s_recv_into}, {"shutdown", s_shutdown},
    {"getsockname", s_getsockname}, {"getpeername", s_getpeername}, {"setsockopt", s_setsockopt},
    {"getsockopt", s_getsockopt}, {"gethostname", s_gethostname}, {"getaddrinfo", s_getaddrinfo},
    {"getnameinfo", s_getnameinfo}, {"_reverse", s_reverse}, {"inet_pton", s_inet_pton},
    {"inet_ntop", s_inet_ntop}, {"inet_aton", s_inet_aton}, {"_set_errors", s_set_errors},
    {"getservbyname", s_getservbyname}, {"getservbyport", s_getservbyport}, {"getprotobyname", s_getprotobyname},
    {"if_nametoindex", s_if_nametoindex}, {"if_indextoname", s_if_indextoname}, {"if_nameindex", s_if_nameindex},
};

#define C(x) {#x, x}
static const struct { const char *name; long value; } constants[] = {
    C(AF_INET), C(AF_INET6), C(AF_UNIX), C(AF_UNSPEC), C(SOCK_STREAM), C(SOCK_DGRAM), C(SOCK_RAW),
    C(SOCK_SEQPACKET), C(SOCK_NONBLOCK), C(SOCK_CLOEXEC), C(SOL_SOCKET), C(SO_REUSEADDR), C(SO_REUSEPORT),
    C(SO_KEEPALIVE), C(SO_BROADCAST), C(SO_LINGER), C(SO_RCVBUF), C(SO_SNDBUF), C(SO_ERROR), C(SO_TYPE),
    C(SO_RCVTIMEO), C(SO_SNDTIMEO), C(SO_ACCEPTCONN), C(SO_OOBINLINE), C(SO_DOMAIN), C(SO_PROTOCOL),
    C(SO_RCVLOWAT), C(SO_SNDLOWAT), C(SOMAXCONN), C(IPPROTO_IP), C(IPPROTO_TCP), C(IPPROTO_UDP),
    C(IPPROTO_IPV6), C(IPPROTO_ICMP), C(IPPROTO_RAW), C(TCP_NODELAY), C(TCP_KEEPIDLE), C(TCP_KEEPINTVL),
    C(TCP_KEEPCNT), C(TCP_MAXSEG), C(IP_TTL), C(IP_TOS), C(IP_MULTICAST_TTL), C(IP_MULTICAST_LOOP),
    C(IP_ADD_MEMBERSHIP), C(IP_DROP_MEMBERSHIP), C(IPV6_V6ONLY), C(SHUT_RD), C(SHUT_WR), C(SHUT_RDWR),
    C(MSG_PEEK), C(MSG_WAITALL), C(MSG_DONTWAIT), C(MSG_OOB), C(MSG_TRUNC), C(MSG_NOSIGNAL), C(MSG_DONTROUTE),
    C(AI_PASSIVE), C(AI_CANONNAME), C(AI_NUMERICHOST), C(AI_NUMERICSERV), C(AI_V4MAPPED), C(AI_ALL),
    C(AI_ADDRCONFIG), C(NI_NUMERICHOST), C(NI_NUMERICSERV), C(NI_NAMEREQD), C(NI_DGRAM), C(NI_NOFQDN),
    C(NI_MAXHOST), C(NI_MAXSERV), C(EAI_AGAIN), C(EAI_BADFLAGS), C(EAI_FAIL), C(EAI_FAMILY), C(EAI_MEMORY),
    C(EAI_NONAME), C(EAI_SERVICE), C(EAI_SOCKTYPE), C(EAI_SYSTEM), C(EAI_OVERFLOW), C(EAI_ADDRFAMILY),
    C(EAI_NODATA), C(INADDR_ANY), C(INADDR_LOOPBACK), C(INADDR_NONE), C(INADDR_BROADCAST),
};
#undef C

bool mod__socket_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        Value v = int_from_i64(vm, constants[i].value);
        if (v == ERR || !module_add_value(vm, m, constants[i].name, v)) return false;
    }
    for (const SocketConst *c = socket_more_constants; c->name; c++) {
        Value v = int_from_i64(vm, c->value);
        if (v == ERR || !module_add_value(vm, m, c->name, v)) return false;
    }
    return true;
}
