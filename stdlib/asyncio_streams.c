/* TCP on the event loop: the native half of asyncio's streams
 * (stdlib/asyncio.streams.asy builds StreamReader, StreamWriter and Server
 * on top).
 *
 * Two object types own a uv_tcp_t each: a TcpConn (a connection: reads,
 * writes, half-close) and a TcpListener (a bound socket that accepts). Their
 * operations return asyncio Futures. libuv's callbacks run without the
 * interpreter lock (scheduler.h, IoWatch), so they only record what happened
 * in C fields; the dispatch functions, run by the scheduler after the poll,
 * turn that into future results.
 *
 * A connection reads only while someone waits for data: read() starts
 * reading, and the dispatch that delivers the bytes stops it again. Bytes
 * that arrive after the waiting future was cancelled stay in the C buffer
 * for the next read(), so a cancelled reader leaves the stream usable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/scheduler.h"
#include "../vm/str.h"
#include "asyncio_streams.h"
#include "modules.h"

#define READ_CHUNK 65536

typedef struct TcpConn {
    Obj obj;
    IoWatch io;
    union {
        uv_tcp_t tcp;
        uv_pipe_t pipe;         /* a subprocess's stdin, stdout or stderr */
    };
    uv_connect_t connect;
    uv_shutdown_t shutdown;
    Value connect_fut, read_fut, drain_fut, close_fut;  /* UNDEF when none */
    /* Written by libuv's callbacks: */
    uint8_t *rbuf;
    size_t rlen, rcap;
    int read_status;            /* 0, UV_EOF or an error, once reading ended */
    int connect_status;
    size_t writes;              /* writes libuv has not finished */
    bool connecting, connected, reading, eof_sent, is_pipe;
} TcpConn;

typedef struct TcpListener {
    Obj obj;
    IoWatch io;
    uv_tcp_t tcp;
    Value on_accept;            /* called with each new TcpConn; UNDEF until serve() */
    Value close_fut;
    int accepts;                /* connections waiting for uv_accept */
} TcpListener;

typedef struct WriteReq {
    uv_write_t req;
    TcpConn *conn;
    char data[];
} WriteReq;

static Value oserror(VM *vm, int uverr) {
    int err = -uverr;
    Value args[2] = {int_val(err), str_from_cstr(vm, strerror(err))};
    if (args[1] == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, args, 2);
    return t ? exc_new(vm, exc_oserror_class(vm, vm->exc_types[E_OSError], args, 2), t) : ERR;
}

static Value raise_oserror(VM *vm, int uverr) {
    Value e = oserror(vm, uverr);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* Settles a future unless it is done (cancelled) already; errors in doing
 * so have nowhere to go but the loop's handler. */
static void settle(VM *vm, Value *slot, Value result, bool failed) {
    Value f = *slot;
    *slot = UNDEF;
    if (f == UNDEF || fut_done((Future *)as_obj(f)) || result == ERR) {
        if (result == ERR) vm->exc = UNDEF;
        return;
    }
    bool ok = failed ? future_set_exception(vm, (Future *)as_obj(f), result)
                     : future_set_result(vm, (Future *)as_obj(f), result);
    if (!ok) vm->exc = UNDEF;
}

static Value new_future(VM *vm, Value *slot) {
    Future *f = future_new(vm);
    if (!f) return ERR;
    *slot = obj_val(f);
    return *slot;
}

/* A socket address as Python shows one: (host, port) or, for IPv6,
 * (host, port, flowinfo, scope_id). */
static Value addr_tuple(VM *vm, const struct sockaddr_storage *sa) {
    char host[64] = "";
    Value items[4];
    int n = 2;
    if (sa->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)sa;
        uv_ip6_name(a, host, sizeof host);
        items[1] = int_val(ntohs(a->sin6_port));
        items[2] = int_val(ntohl(a->sin6_flowinfo));
        items[3] = int_val(a->sin6_scope_id);
        n = 4;
    } else {
        const struct sockaddr_in *a = (const struct sockaddr_in *)sa;
        uv_ip4_name(a, host, sizeof host);
        items[1] = int_val(ntohs(a->sin_port));
    }
    items[0] = str_from_cstr(vm, host);
    if (items[0] == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, items, n);
    return t ? obj_val(t) : ERR;
}

static bool parse_addr(VM *vm, Value host, Value port, struct sockaddr_storage *out) {
    if (!is_str(host) || !is_int(port)) {
        exc_raise(vm, E_TypeError, "an IP address string and an int port were expected");
        return false;
    }
    const char *h = AS(ObjStr, host)->data;
    int p = (int)as_int(port);
    if (uv_ip4_addr(h, p, (struct sockaddr_in *)out) == 0) return true;
    if (uv_ip6_addr(h, p, (struct sockaddr_in6 *)out) == 0) return true;
    exc_raise(vm, E_ValueError, "not an IP address: %R", host);
    return false;
}

/* ---- connections --------------------------------------------------------- */

static void conn_mark(VM *vm, Obj *o) {
    TcpConn *c = (TcpConn *)o;
    gc_mark_value(vm, c->connect_fut);
    gc_mark_value(vm, c->read_fut);
    gc_mark_value(vm, c->drain_fut);
    gc_mark_value(vm, c->close_fut);
}

/* Only closed connections die: an open one is on the scheduler's list. */
static void conn_free(VM *vm, Obj *o) {
    (void)vm;
    free(((TcpConn *)o)->rbuf);
}

static const CType conn_ctype = {sizeof(TcpConn), conn_mark, conn_free, NULL};

#define CONN(v) ((TcpConn *)as_obj(v))

/* The bytes received so far, handed to the waiting reader. */
static void deliver(VM *vm, TcpConn *c) {
    if (c->read_fut == UNDEF) return;
    if (fut_done((Future *)as_obj(c->read_fut))) {
        c->read_fut = UNDEF;    /* cancelled: the bytes wait for the next read() */
        return;
    }
    if (c->rlen) {
        Value b = bytes_new(vm, c->rbuf, c->rlen);
        if (b != ERR) c->rlen = 0;
        settle(vm, &c->read_fut, b, false);
    } else if (c->read_status == UV_EOF || c->io.closed) {
        settle(vm, &c->read_fut, bytes_new(vm, NULL, 0), false);
    } else if (c->read_status) {
        settle(vm, &c->read_fut, oserror(vm, c->read_status), true);
    }
}

static void conn_dispatch(VM *vm, IoWatch *w) {
    TcpConn *c = (TcpConn *)w->owner;
    if (c->connecting && (c->connected || c->connect_status)) {
        c->connecting = false;
        if (c->connect_status == 0 && c->connect_fut != UNDEF && !fut_done((Future *)as_obj(c->connect_fut))) {
            settle(vm, &c->connect_fut, obj_val(c), false);
        } else {
            if (c->connect_status) settle(vm, &c->connect_fut, oserror(vm, c->connect_status), true);
            c->connect_fut = UNDEF;
            sched_io_close(w);  /* failed, or nobody waits for it any more */
        }
    }
    if (c->reading && (c->rlen || c->read_status) && (c->read_fut == UNDEF || fut_done((Future *)as_obj(c->read_fut)))) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    deliver(vm, c);
    if (c->reading && c->read_fut == UNDEF) {
        uv_read_stop((uv_stream_t *)&c->tcp);
        c->reading = false;
    }
    if (c->writes == 0 || c->io.closed) settle(vm, &c->drain_fut, NONE_VAL, false);
    if (c->io.closed) settle(vm, &c->close_fut, NONE_VAL, false);
}

static const IoOps conn_ops = {conn_dispatch, NULL};

/* A new connection object whose handle is a TCP socket, or a pipe. */
static TcpConn *conn_new(VM *vm, bool pipe) {
    Sched *s = vm->sched;
    TcpConn *c = gc_new(vm, sizeof(TcpConn), OBJ_CDATA, s->tcp_conn_cls);
    if (!c) return NULL;
    c->is_pipe = pipe;
    c->connect_fut = c->read_fut = c->drain_fut = c->close_fut = UNDEF;
    int r = pipe ? uv_pipe_init(s->uv, &c->pipe, 0) : uv_tcp_init(s->uv, &c->tcp);
    if (r) {
        c->io.closing = c->io.closed = true;
        raise_oserror(vm, r);
        return NULL;
    }
    sched_io_open(vm, &c->io, &conn_ops, &c->obj, (uv_handle_t *)&c->tcp);
    return c;
}

Value asyncio_stream_new_pipe(VM *vm, uv_pipe_t **pipe) {
    TcpConn *c = conn_new(vm, true);
    if (!c) return ERR;
    *pipe = &c->pipe;
    return obj_val(c);
}

void asyncio_stream_abandon(VM *vm, Value conn) {
    (void)vm;
    sched_io_close(&CONN(conn)->io);
}

static void connect_cb(uv_connect_t *req, int status) {
    TcpConn *c = req->data;
    c->connect_status = status;
    c->connected = status == 0;
    sched_io_event(c->io.sched, &c->io);
}

/* _tcp_connect(ip, port): a future for the connected TcpConn. */
static Value f_tcp_connect(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_tcp_connect", nargs, kw, 2, 2)) return ERR;
    struct sockaddr_storage sa;
    if (!parse_addr(vm, args[0], args[1], &sa)) return ERR;
    TcpConn *c = conn_new(vm, false);
    if (!c) return ERR;
    Value f = new_future(vm, &c->connect_fut);
    if (f == ERR) {
        sched_io_close(&c->io);
        return ERR;
    }
    c->connect.data = c;
    c->connecting = true;
    int r = uv_tcp_connect(&c->connect, &c->tcp, (struct sockaddr *)&sa, connect_cb);
    if (r) {
        c->connecting = false;
        c->connect_fut = UNDEF;
        sched_io_close(&c->io);
        return raise_oserror(vm, r);
    }
    return f;
}

bool asyncio_handle_check(VM *vm, Value self, ObjClass *cls, const char *what, const char *name, int nargs,
                          ObjTuple *kw, int n) {
    if (!is_kind(self, OBJ_CDATA) || as_obj(self)->cls != cls) {
        exc_raise(vm, E_TypeError, "%s() needs %s", name, what);
        return false;
    }
    return args_check(vm, name, nargs - 1, kw, n, n);
}

static bool conn_check(VM *vm, Value self, const char *name, int nargs, ObjTuple *kw, int n) {
    return asyncio_handle_check(vm, self, vm->sched->tcp_conn_cls, "a TCP connection", name, nargs, kw, n);
}

/* close(): one future for every caller (each wait_closed() gets it), done
 * once libuv has let go of the handle. */
static Value close_future(VM *vm, IoWatch *w, Value *slot) {
    if (*slot != UNDEF) return *slot;
    Value f = new_future(vm, slot);
    if (f == ERR) return ERR;
    if (w->closed) settle(vm, slot, NONE_VAL, false);
    else sched_io_close(w);
    *slot = f;
    return f;
}

static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
    (void)hint;
    TcpConn *c = io_owner(h);
    if (c->rcap - c->rlen < READ_CHUNK) {
        uint8_t *p = realloc(c->rbuf, c->rlen + READ_CHUNK);
        if (p) {
            c->rbuf = p;
            c->rcap = c->rlen + READ_CHUNK;
        }
    }
    /* Out of memory: a zero-sized buffer makes libuv report UV_ENOBUFS. */
    *buf = uv_buf_init((char *)c->rbuf + c->rlen, (unsigned)(c->rcap - c->rlen));
}

static void read_cb(uv_stream_t *st, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    TcpConn *c = io_owner((uv_handle_t *)st);
    if (n > 0) c->rlen += (size_t)n;
    else if (n < 0) {
        c->read_status = (int)n;
        uv_read_stop(st);
        c->reading = false;
    }
    sched_io_event(c->io.sched, &c->io);
}

/* conn.read(): a future for the next bytes (b'' at the end). */
static Value c_read(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!conn_check(vm, args[0], "read", nargs, kw, 0)) return ERR;
    TcpConn *c = CONN(args[0]);
    if (c->read_fut != UNDEF && !fut_done((Future *)as_obj(c->read_fut)))
        return exc_raise(vm, E_RuntimeError, "read() called while another coroutine is already waiting for incoming data");
    Value f = new_future(vm, &c->read_fut);
    if (f == ERR) return ERR;
    if (c->rlen || c->read_status || c->io.closing) {
        deliver(vm, c);
        if (c->read_fut != UNDEF) {     /* closing, its callback not run yet */
            settle(vm, &c->read_fut, bytes_new(vm, NULL, 0), false);
        }
        return vm->exc == UNDEF ? f : ERR;
    }
    if (!c->reading) {
        int r = uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb);
        if (r) {
            c->read_fut = UNDEF;
            return raise_oserror(vm, r);
        }
        c->reading = true;
    }
    return f;
}

static void write_cb(uv_write_t *req, int status) {
    WriteReq *w = (WriteReq *)req;
    TcpConn *c = w->conn;
    (void)status;   /* a broken connection shows up as a read error */
    c->writes--;
    free(w);
    if (c->writes == 0) sched_io_event(c->io.sched, &c->io);
}

/* conn.write(bytes): queues the bytes; libuv sends them. */
static Value c_write(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!conn_check(vm, args[0], "write", nargs, kw, 1)) return ERR;
    TcpConn *c = CONN(args[0]);
    if (!is_kind(args[1], OBJ_BYTES)) return exc_raise(vm, E_TypeError, "write() needs bytes");
    ObjBytes *b = AS(ObjBytes, args[1]);
    if (b->len == 0 || c->io.closing || c->eof_sent) return NONE_VAL;
    WriteReq *w = malloc(sizeof *w + (size_t)b->len);
    if (!w) return exc_nomem(vm);
    memcpy(w->data, b->data, (size_t)b->len);
    w->conn = c;
    uv_buf_t buf = uv_buf_init(w->data, (unsigned)b->len);
    int r = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, write_cb);
    if (r) {
        free(w);
        return raise_oserror(vm, r);
    }
    c->writes++;
    return NONE_VAL;
}

/* conn.drain(): a future done when libuv has sent everything queued. */
static Value c_drain(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!conn_check(vm, args[0], "drain", nargs, kw, 0)) return ERR;
    TcpConn *c = CONN(args[0]);
    if (c->drain_fut != UNDEF && !fut_done((Future *)as_obj(c->drain_fut))) return c->drain_fut;
    Value f = new_future(vm, &c->drain_fut);
    if (f != ERR && (c->writes == 0 || c->io.closed)) settle(vm, &c->drain_fut, NONE_VAL, false);
    return f;
}

static void shutdown_cb(uv_shutdown_t *req, int status) {
    (void)req;
    (void)status;
}

/* conn.write_eof(): half-closes the connection once the writes are out. */
static Value c_write_eof(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!conn_check(vm, args[0], "write_eof", nargs, kw, 0)) return ERR;
    TcpConn *c = CONN(args[0]);
    if (c->io.closing || c->eof_sent) return NONE_VAL;
    c->eof_sent = true;
    int r = uv_shutdown(&c->shutdown, (uv_stream_t *)&c->tcp, shutdown_cb);
    return r ? raise_oserror(vm, r) : NONE_VAL;
}

/* conn.close(): a future done once libuv has let go of the socket. */
static Value c_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!conn_check(vm, args[0], "close", nargs, kw, 0)) return ERR;
    return close_future(vm, &CONN(args[0])->io, &CONN(args[0])->close_fut);
}

static Value c_is_closing(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!conn_check(vm, args[0], "is_closing", nargs, kw, 0)) return ERR;
    return bool_val(CONN(args[0])->io.closing);
}

static Value c_name(VM *vm, Value *args, int nargs, ObjTuple *kw, bool peer) {
    if (!conn_check(vm, args[0], peer ? "getpeername" : "getsockname", nargs, kw, 0)) return ERR;
    TcpConn *c = CONN(args[0]);
    if (c->io.closing || c->is_pipe) return NONE_VAL;
    struct sockaddr_storage sa;
    int len = sizeof sa;
    int r = peer ? uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&sa, &len)
                 : uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&sa, &len);
    return r ? NONE_VAL : addr_tuple(vm, &sa);
}

static Value c_peername(VM *vm, Value *args, int nargs, ObjTuple *kw) { return c_name(vm, args, nargs, kw, true); }
static Value c_sockname(VM *vm, Value *args, int nargs, ObjTuple *kw) { return c_name(vm, args, nargs, kw, false); }

/* ---- listeners ---------------------------------------------------------- */

static void listener_mark(VM *vm, Obj *o) {
    TcpListener *l = (TcpListener *)o;
    gc_mark_value(vm, l->on_accept);
    gc_mark_value(vm, l->close_fut);
}

static const CType listener_ctype = {sizeof(TcpListener), listener_mark, NULL, NULL};

/* Accepts what libuv announced and hands each connection to on_accept. */
static void listener_dispatch(VM *vm, IoWatch *w) {
    TcpListener *l = (TcpListener *)w->owner;
    for (; l->accepts > 0 && !l->io.closing && l->on_accept != UNDEF; l->accepts--) {
        TcpConn *c = conn_new(vm, false);
        if (!c) {
            vm->exc = UNDEF;
            continue;
        }
        if (uv_accept((uv_stream_t *)&l->tcp, (uv_stream_t *)&c->tcp) != 0) {
            sched_io_close(&c->io);
            continue;
        }
        if (!sched_push(vm, RUN_CALLBACK, l->on_accept, obj_val(c), UNDEF)) vm->exc = UNDEF;
    }
    if (l->io.closed) settle(vm, &l->close_fut, NONE_VAL, false);
}

static const IoOps listener_ops = {listener_dispatch, NULL};

static void connection_cb(uv_stream_t *server, int status) {
    TcpListener *l = io_owner((uv_handle_t *)server);
    if (status == 0) l->accepts++;
    sched_io_event(l->io.sched, &l->io);
}

/* _tcp_bind(ip, port, backlog): a TcpListener bound to the address and
 * listening (libuv reports a port in use only when listening starts). The
 * connections it gets wait in the kernel's backlog until serve(). */
static Value f_tcp_bind(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_tcp_bind", nargs, kw, 3, 3)) return ERR;
    struct sockaddr_storage sa;
    if (!parse_addr(vm, args[0], args[1], &sa)) return ERR;
    if (!is_int(args[2])) return exc_raise(vm, E_TypeError, "backlog must be an int");
    Sched *s = vm->sched;
    TcpListener *l = gc_new(vm, sizeof(TcpListener), OBJ_CDATA, s->tcp_listener_cls);
    if (!l) return ERR;
    l->on_accept = l->close_fut = UNDEF;
    int r = uv_tcp_init(s->uv, &l->tcp);
    if (r) {
        l->io.closing = l->io.closed = true;
        return raise_oserror(vm, r);
    }
    sched_io_open(vm, &l->io, &listener_ops, &l->obj, (uv_handle_t *)&l->tcp);
    unsigned flags = sa.ss_family == AF_INET6 ? UV_TCP_IPV6ONLY : 0;
    r = uv_tcp_bind(&l->tcp, (struct sockaddr *)&sa, flags);
    if (r == 0) r = uv_listen((uv_stream_t *)&l->tcp, (int)as_int(args[2]), connection_cb);
    if (r) {
        sched_io_close(&l->io);
        return raise_oserror(vm, r);
    }
    return obj_val(l);
}

#define LISTENER(v) ((TcpListener *)as_obj(v))

static bool listener_check(VM *vm, Value self, const char *name, int nargs, ObjTuple *kw, int n) {
    return asyncio_handle_check(vm, self, vm->sched->tcp_listener_cls, "a TCP listener", name, nargs, kw, n);
}

/* listener.serve(on_accept): hands each connection to on_accept. */
static Value l_serve(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "serve", nargs, kw, 1)) return ERR;
    TcpListener *l = LISTENER(args[0]);
    if (l->io.closing) return exc_raise(vm, E_RuntimeError, "the listener is closed");
    l->on_accept = args[1];
    listener_dispatch(vm, &l->io);
    return NONE_VAL;
}

static Value l_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "close", nargs, kw, 0)) return ERR;
    return close_future(vm, &LISTENER(args[0])->io, &LISTENER(args[0])->close_fut);
}

static Value l_getsockname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "getsockname", nargs, kw, 0)) return ERR;
    TcpListener *l = LISTENER(args[0]);
    struct sockaddr_storage sa;
    int len = sizeof sa;
    if (l->io.closing) return raise_oserror(vm, UV_EBADF);
    int r = uv_tcp_getsockname(&l->tcp, (struct sockaddr *)&sa, &len);
    return r ? raise_oserror(vm, r) : addr_tuple(vm, &sa);
}

/* ---- file descriptor watches (loop.add_reader/add_writer) ---------------- */

/* A uv_poll_t on a descriptor the program owns (a non-blocking socket):
 * while started, each poll that finds it ready queues on_event(mask), 1
 * readable and 2 writable, as the selector asyncio's add_reader uses. */
typedef struct FdWatch {
    Obj obj;
    IoWatch io;
    uv_poll_t poll;
    Value on_event;             /* UNDEF while stopped */
    int events;                 /* what libuv reported since the last dispatch */
} FdWatch;

static void fdwatch_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((FdWatch *)o)->on_event); }

static const CType fdwatch_ctype = {sizeof(FdWatch), fdwatch_mark, NULL, NULL};

static void fdwatch_dispatch(VM *vm, IoWatch *w) {
    FdWatch *f = (FdWatch *)w->owner;
    int ev = f->events;
    f->events = 0;
    if (!ev || f->io.closing || f->on_event == UNDEF) return;
    if (!sched_push(vm, RUN_CALLBACK, f->on_event, int_val(ev), UNDEF)) vm->exc = UNDEF;
}

static const IoOps fdwatch_ops = {fdwatch_dispatch, NULL};

static void poll_cb(uv_poll_t *h, int status, int events) {
    FdWatch *f = io_owner((uv_handle_t *)h);
    /* An error (a closed descriptor) counts as ready: the callback's own
     * read or write then raises it, as with a selector. */
    f->events |= status < 0 ? (UV_READABLE | UV_WRITABLE) : (events & (UV_READABLE | UV_WRITABLE));
    sched_io_event(f->io.sched, &f->io);
}

/* _fd_watch(fd): a stopped watch on the descriptor. */
static Value f_fd_watch(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_fd_watch", nargs, kw, 1, 1)) return ERR;
    if (!is_int(args[0]) || as_int(args[0]) < 0 || as_int(args[0]) > INT32_MAX)
        return exc_raise(vm, E_ValueError, "Invalid file descriptor: %R", args[0]);
    Sched *s = vm->sched;
    FdWatch *f = gc_new(vm, sizeof(FdWatch), OBJ_CDATA, s->fd_watch_cls);
    if (!f) return ERR;
    f->on_event = UNDEF;
    int r = uv_poll_init(s->uv, &f->poll, (int)as_int(args[0]));
    if (r) {
        f->io.closing = f->io.closed = true;
        return raise_oserror(vm, r);
    }
    sched_io_open(vm, &f->io, &fdwatch_ops, &f->obj, (uv_handle_t *)&f->poll);
    return obj_val(f);
}

static bool fdwatch_check(VM *vm, Value self, const char *name, int nargs, ObjTuple *kw, int n) {
    return asyncio_handle_check(vm, self, vm->sched->fd_watch_cls, "a descriptor watch", name, nargs, kw, n);
}

/* watch.start(mask, on_event): watches for mask (1 read, 2 write); 0 stops. */
static Value w_start(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!fdwatch_check(vm, args[0], "start", nargs, kw, 2)) return ERR;
    FdWatch *f = (FdWatch *)as_obj(args[0]);
    if (!is_int(args[1])) return exc_raise(vm, E_TypeError, "start() needs an int mask");
    if (f->io.closing) return exc_raise(vm, E_RuntimeError, "the watch is closed");
    int mask = (int)as_int(args[1]) & (UV_READABLE | UV_WRITABLE);
    if (!mask) {
        f->on_event = UNDEF;
        f->events = 0;
        uv_poll_stop(&f->poll);
        return NONE_VAL;
    }
    int r = uv_poll_start(&f->poll, mask, poll_cb);
    if (r) return raise_oserror(vm, r);
    f->on_event = args[2];
    return NONE_VAL;
}

static Value w_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!fdwatch_check(vm, args[0], "close", nargs, kw, 0)) return ERR;
    FdWatch *f = (FdWatch *)as_obj(args[0]);
    f->on_event = UNDEF;
    sched_io_close(&f->io);
    return NONE_VAL;
}

/* TransportSocket's family, type and proto (plain ints: the socket
 * module's enums are not at hand here) and fileno(), as CPython's. */
static Value l_family(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "family", nargs, kw, 0)) return ERR;
    TcpListener *l = LISTENER(args[0]);
    struct sockaddr_storage sa;
    int len = sizeof sa;
    if (l->io.closing || uv_tcp_getsockname(&l->tcp, (struct sockaddr *)&sa, &len)) return int_val(AF_INET);
    return int_val(sa.ss_family);
}

static Value l_type(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "type", nargs, kw, 0)) return ERR;
    return int_val(SOCK_STREAM);
}

static Value l_proto(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "proto", nargs, kw, 0)) return ERR;
    return int_val(IPPROTO_TCP);
}

static Value l_fileno(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!listener_check(vm, args[0], "fileno", nargs, kw, 0)) return ERR;
    TcpListener *l = LISTENER(args[0]);
    uv_os_fd_t fd;
    if (l->io.closing || uv_fileno((uv_handle_t *)&l->tcp, &fd)) return int_val(-1);
    return int_val(fd);
}

/* ---- name resolution ----------------------------------------------------- */

/* A resolution in progress (uv_getaddrinfo on libuv's thread pool); its
 * future stays a root until libuv answers. */
typedef struct Resolve {
    Obj obj;
    IoWatch io;
    uv_getaddrinfo_t req;
    Value fut;
    struct addrinfo *res;
    int status;
} Resolve;

static void resolve_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((Resolve *)o)->fut); }

static const CType resolve_ctype = {sizeof(Resolve), resolve_mark, NULL, NULL};

static Value resolve_list(VM *vm, struct addrinfo *res) {
    ObjList *l = list_new(vm, 0);
    for (struct addrinfo *ai = res; l && ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        struct sockaddr_storage sa;
        memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
        Value t = addr_tuple(vm, &sa);
        if (t == ERR || list_append(vm, l, t) < 0) return ERR;
    }
    return l ? obj_val(l) : ERR;
}

static void resolve_dispatch(VM *vm, IoWatch *w) {
    Resolve *r = (Resolve *)w->owner;
    sched_io_forget(vm, w);     /* a request has one event */
    if (r->status == 0) {
        settle(vm, &r->fut, resolve_list(vm, r->res), false);
    } else {
        /* socket.gaierror's message: "[Errno -2] Name or service not known" */
        Value args[2] = {int_val(r->status), str_from_cstr(vm, uv_strerror(r->status))};
        ObjTuple *t = args[1] == ERR ? NULL : tuple_from(vm, args, 2);
        settle(vm, &r->fut, t ? exc_new(vm, vm->exc_types[E_OSError], t) : ERR, true);
    }
    uv_freeaddrinfo(r->res);
    r->res = NULL;
}

static void resolve_close(VM *vm, IoWatch *w) {
    (void)vm;
    uv_cancel((uv_req_t *)&((Resolve *)w->owner)->req);
}

static const IoOps resolve_ops = {resolve_dispatch, resolve_close};

static void resolved_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
    Resolve *r = req->data;
    r->status = status;
    r->res = res;
    sched_io_event(r->io.sched, &r->io);
}

/* _resolve(host, port, passive): a future for the list of socket addresses
 * (IPv4 and IPv6, TCP) of host; host None is every local address. */
static Value f_resolve(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_resolve", nargs, kw, 3, 3)) return ERR;
    if ((args[0] != NONE_VAL && !is_str(args[0])) || !is_int(args[1]))
        return exc_raise(vm, E_TypeError, "a host name and an int port were expected");
    Resolve *r = gc_new(vm, sizeof(Resolve), OBJ_CDATA, vm->sched->resolve_cls);
    if (!r) return ERR;
    r->fut = UNDEF;
    Value f = new_future(vm, &r->fut);
    if (f == ERR) return ERR;
    r->req.data = r;
    struct addrinfo hints = {0};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = args[2] == TRUE_VAL ? AI_PASSIVE : 0;
    char port[24];
    snprintf(port, sizeof port, "%lld", (long long)as_int(args[1]));
    const char *host = args[0] == NONE_VAL ? NULL : AS(ObjStr, args[0])->data;
    int rc = uv_getaddrinfo(vm->sched->uv, &r->req, resolved_cb, host, port, &hints);
    if (rc) return exc_raise(vm, E_OSError, "[Errno %d] %s", rc, uv_strerror(rc));
    sched_io_open(vm, &r->io, &resolve_ops, &r->obj, NULL);
    return f;
}

/* ---- the module ------------------------------------------------------------- */

static ObjClass *new_class(VM *vm, const char *name, const CType *ct) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_CDATA);
    if (c) c->ctype = ct;
    return c;
}

bool asyncio_streams_init(VM *vm, ObjModule *m) {
    Sched *s = vm->sched;
    if (!s->tcp_conn_cls) {
        s->tcp_conn_cls = new_class(vm, "TCPTransport", &conn_ctype);
        s->tcp_listener_cls = s->tcp_conn_cls ? new_class(vm, "TransportSocket", &listener_ctype) : NULL;
        s->resolve_cls = s->tcp_listener_cls ? new_class(vm, "_Resolve", &resolve_ctype) : NULL;
        s->fd_watch_cls = s->resolve_cls ? new_class(vm, "_FdWatch", &fdwatch_ctype) : NULL;
        if (!s->fd_watch_cls || !class_add_native(vm, s->fd_watch_cls, "start", w_start) ||
            !class_add_native(vm, s->fd_watch_cls, "close", w_close))
            return false;
        static const struct { const char *name; NativeFn fn; } cm[] = {
            {"read", c_read}, {"write", c_write}, {"drain", c_drain}, {"write_eof", c_write_eof},
            {"close", c_close}, {"is_closing", c_is_closing}, {"getpeername", c_peername},
            {"getsockname", c_sockname},
        };
        for (size_t i = 0; i < sizeof cm / sizeof cm[0]; i++) {
            if (!class_add_native(vm, s->tcp_conn_cls, cm[i].name, cm[i].fn)) return false;
        }
        if (!class_add_native(vm, s->tcp_listener_cls, "serve", l_serve) ||
            !class_add_native(vm, s->tcp_listener_cls, "close", l_close) ||
            !class_add_native(vm, s->tcp_listener_cls, "getsockname", l_getsockname) ||
            !class_add_native(vm, s->tcp_listener_cls, "fileno", l_fileno) ||
            !class_add_property(vm, s->tcp_listener_cls, "family", l_family) ||
            !class_add_property(vm, s->tcp_listener_cls, "type", l_type) ||
            !class_add_property(vm, s->tcp_listener_cls, "proto", l_proto))
            return false;
    }
    return module_add_native(vm, m, "_tcp_connect", f_tcp_connect) &&
           module_add_native(vm, m, "_tcp_bind", f_tcp_bind) && module_add_native(vm, m, "_resolve", f_resolve) &&
           module_add_native(vm, m, "_fd_watch", f_fd_watch);
}
