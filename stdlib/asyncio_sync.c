/* asyncio's Queue (with LifoQueue and PriorityQueue), Event and Lock in C.
 *
 * The classes stay Asy classes (stdlib/asyncio.asy), so that programs can
 * subclass them; _install_sync replaces their methods with the natives
 * below. A native instance keeps its state in a C "core" object stored in
 * its __dict__ (first entry, so found without hashing). Subclasses that
 * override a hook the other methods call (Queue._put, full(), Lock.acquire,
 * ...) get no core: every native then runs the Asy method it replaced,
 * which is CPython's code, so such subclasses behave exactly as there.
 *
 * The coroutine methods (get, put, join, wait, acquire, __aenter__,
 * __aexit__) return an operation object: a coroutine to Python code (type
 * name 'coroutine', warned about when never awaited, accepted by
 * create_task), but with the Future layout, so that when it must wait it
 * is itself the waiter future that CPython's code would create. `await op`
 * runs op_step from the interpreter's SEND when the await starts and each
 * time the task resumes; op_step does what the rest of CPython's coroutine
 * does at that point (take the item, or wait again when another task took
 * it first). An exception thrown in while it waits (a cancelled task) goes
 * to its throw(), which runs CPython's except/finally clean-up.
 *
 * Every step follows asyncio/queues.py and asyncio/locks.py (3.11) line by
 * line where order is observable: which waiter wakes, when, and what
 * qsize()/empty()/full()/locked() say in between. */
#include "asyncio_sync.h"

#include <string.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/gen.h"
#include "../vm/opcodes.h"
#include "../vm/ops.h"
#include "../vm/scheduler.h"
#include "../vm/str.h"
#include "../vm/trace.h"
#include "modules.h"

/* The few helpers every queue operation runs, inlined into it. */
#define HOT static inline __attribute__((always_inline))

/* ---- rings of values ------------------------------------------------------ */

/* A growable ring buffer: the items of a FIFO queue, the waiters of a
 * queue/event/lock. LIFO and heap storage use it with head 0. */
typedef struct Ring {
    Value *buf;
    int64_t head, len, cap;     /* cap: 0 or a power of two */
} Ring;

#define RING_AT(r, i) ((r)->buf[((r)->head + (i)) & ((r)->cap - 1)])

static bool ring_grow(VM *vm, Ring *r) {
    int64_t ncap = r->cap ? r->cap * 2 : 8;
    Value *nb = gc_malloc(vm, (size_t)ncap * sizeof(Value));
    if (!nb) return false;
    for (int64_t i = 0; i < r->len; i++) nb[i] = RING_AT(r, i);
    if (r->buf) gc_free(vm, r->buf, (size_t)r->cap * sizeof(Value));
    r->buf = nb;
    r->head = 0;
    r->cap = ncap;
    return true;
}

/* Gives back most of a big buffer once it is mostly empty. */
static void ring_shrink(VM *vm, Ring *r) {
    if (r->cap <= 64 || r->len * 8 > r->cap) return;
    int64_t ncap = r->cap / 4;
    Value *nb = gc_malloc(vm, (size_t)ncap * sizeof(Value));
    if (!nb) return;
    for (int64_t i = 0; i < r->len; i++) nb[i] = RING_AT(r, i);
    gc_free(vm, r->buf, (size_t)r->cap * sizeof(Value));
    r->buf = nb;
    r->head = 0;
    r->cap = ncap;
}

HOT bool ring_push(VM *vm, Ring *r, Value v) {
    if (r->len == r->cap && !ring_grow(vm, r)) {
        exc_nomem(vm);
        return false;
    }
    RING_AT(r, r->len) = v;
    r->len++;
    return true;
}

HOT Value ring_popleft(VM *vm, Ring *r) {
    Value v = RING_AT(r, 0);
    RING_AT(r, 0) = UNDEF;
    r->head = (r->head + 1) & (r->cap - 1);
    r->len--;
    if (r->len == 0) r->head = 0;
    else ring_shrink(vm, r);
    return v;
}

static Value ring_pop(VM *vm, Ring *r) {
    r->len--;
    Value v = RING_AT(r, r->len);
    RING_AT(r, r->len) = UNDEF;
    if (r->len == 0) r->head = 0;
    else ring_shrink(vm, r);
    return v;
}

/* deque.remove(v) by identity; false when absent. */
static bool ring_remove(VM *vm, Ring *r, Value v) {
    int64_t i = 0;
    while (i < r->len && RING_AT(r, i) != v) i++;
    if (i == r->len) return false;
    if (i == 0) {
        ring_popleft(vm, r);
        return true;
    }
    for (; i + 1 < r->len; i++) RING_AT(r, i) = RING_AT(r, i + 1);
    ring_pop(vm, r);
    return true;
}

static void ring_mark(VM *vm, Ring *r) {
    for (int64_t i = 0; i < r->len; i++) gc_mark_value(vm, RING_AT(r, i));
}

static void ring_free(VM *vm, Ring *r) {
    if (r->buf) gc_free(vm, r->buf, (size_t)r->cap * sizeof(Value));
    r->buf = NULL;
    r->len = r->cap = r->head = 0;
}

static ObjList *ring_to_list(VM *vm, Ring *r) {
    ObjList *l = list_new(vm, r->len);
    if (!l) return NULL;
    for (int64_t i = 0; i < r->len; i++) l->items[i] = RING_AT(r, i);
    l->len = r->len;
    return l;
}

/* ---- the cores ------------------------------------------------------------ */

enum { CORE_QUEUE, CORE_EVENT, CORE_LOCK };
enum { Q_FIFO, Q_LIFO, Q_PRIO };

typedef struct QueueCore {
    Obj obj;
    Ring items;             /* FIFO: a ring; LIFO and PRIO: an array (head 0), PRIO as heapq's heap */
    Ring getters, putters;  /* the waiting get() and put() operations */
    Ring finished_waiters;  /* join()s waiting on the queue's _finished event */
    Value maxsize;          /* as given (an int or a bool) */
    int64_t max;            /* <= 0: unbounded */
    int64_t unfinished;     /* _unfinished_tasks */
    uint8_t kind;           /* Q_FIFO, Q_LIFO, Q_PRIO */
    bool finished;          /* the _finished event is set */
} QueueCore;

typedef struct EventCore {
    Obj obj;
    Ring waiters;
    bool value;
} EventCore;

typedef struct LockCore {
    Obj obj;
    Ring waiters;
    bool locked;
} LockCore;

static void queue_mark(VM *vm, Obj *o) {
    QueueCore *q = (QueueCore *)o;
    ring_mark(vm, &q->items);
    ring_mark(vm, &q->getters);
    ring_mark(vm, &q->putters);
    ring_mark(vm, &q->finished_waiters);
    gc_mark_value(vm, q->maxsize);
}

static void queue_free(VM *vm, Obj *o) {
    QueueCore *q = (QueueCore *)o;
    ring_free(vm, &q->items);
    ring_free(vm, &q->getters);
    ring_free(vm, &q->putters);
    ring_free(vm, &q->finished_waiters);
}

static void event_mark(VM *vm, Obj *o) { ring_mark(vm, &((EventCore *)o)->waiters); }
static void event_free(VM *vm, Obj *o) { ring_free(vm, &((EventCore *)o)->waiters); }
static void lock_mark(VM *vm, Obj *o) { ring_mark(vm, &((LockCore *)o)->waiters); }
static void lock_free(VM *vm, Obj *o) { ring_free(vm, &((LockCore *)o)->waiters); }

static const CType core_ctypes[3] = {
    {sizeof(QueueCore), queue_mark, queue_free, NULL},
    {sizeof(EventCore), event_mark, event_free, NULL},
    {sizeof(LockCore), lock_mark, lock_free, NULL},
};

/* ---- the awaitable operations ---------------------------------------------- */

enum OpKind { OP_GET, OP_PUT, OP_JOIN, OP_WAIT, OP_ACQUIRE, OP_AENTER, OP_AEXIT, OP_NKINDS };
enum OpState { OPS_CREATED, OPS_WAITING, OPS_RUNNING, OPS_DONE };

static const char *const op_names[OP_NKINDS] = {
    "Queue.get", "Queue.put", "Queue.join", "Event.wait", "Lock.acquire",
    "_ContextManagerMixin.__aenter__", "_ContextManagerMixin.__aexit__",
};

/* 48 bytes, a waiting task's share: the future, and what it works on.
 * obj.spare holds the kind (3 bits), the state (2 bits), OP_DIRECT and the
 * offset of the call that made it in its code object, which fut.callbacks
 * holds while it is CREATED (for the "never awaited" warning). fut.result holds put's
 * item until it is in the queue: waking an operation (future_finish_keep)
 * leaves it there, and only a cancellation replaces it (with the message;
 * a cancelled put puts nothing). */
typedef struct AwaitOp {
    Future fut;
    Value target;       /* the core */
} AwaitOp;

#define OP_KIND(op) ((op)->fut.obj.spare & 7)
#define OP_STATE(op) (((op)->fut.obj.spare >> 3) & 3)
/* Made by the interpreter's call of the native itself (not through other
 * C code, which might keep it), and then awaited right there (`await
 * q.get()`): the value stack of that frame is the only place that holds
 * it. Set when it is made, kept by its first step when the await follows
 * the call. */
#define OP_DIRECT 0x20
#define OP_SITE_SHIFT 6
#define OP_SITE_OFF(op) ((op)->fut.obj.spare >> OP_SITE_SHIFT)
#define SET_STATE(op, s) ((op)->fut.obj.spare = ((op)->fut.obj.spare & ~(uint32_t)0x18) | ((uint32_t)(s) << 3))

static void op_mark(VM *vm, Obj *o) {
    AwaitOp *op = (AwaitOp *)o;
    gc_mark_value(vm, op->fut.result);
    gc_mark_value(vm, op->fut.callbacks);
    gc_mark_value(vm, op->target);
}

/* SPEC 6.1, as for coroutines (gen.c): called by the sweep, which frees
 * newest first, so the code that made the operation is still there. */
static void op_free(VM *vm, Obj *o) {
    AwaitOp *op = (AwaitOp *)o;
    if (OP_STATE(op) != OPS_CREATED) return;
    ObjCode *site = is_kind(op->fut.callbacks, OBJ_CODE) ? AS(ObjCode, op->fut.callbacks) : NULL;
    gen_queue_unawaited(vm, op, site, OP_SITE_OFF(op), op_names[OP_KIND(op)]);
}

static Value op_step(VM *vm, Obj *o);
static const CType op_ctype = {sizeof(AwaitOp), op_mark, op_free, op_step};

HOT Value op_new(VM *vm, int kind, Obj *core, Value item, Value *args, NativeFn fn) {
    Sched *s = vm->sched;
    Frame *caller = vm->fiber ? vm->fiber->frame : NULL;
    uint32_t spare = (uint32_t)kind;     /* OPS_CREATED */
    Value site = UNDEF;
    bool awaited_now = false, dropped_now = false;
    if (caller && caller->ip && caller->ip - caller->code->ins < (1 << (32 - OP_SITE_SHIFT))) {
        site = obj_val(caller->code);
        spare |= (uint32_t)(caller->ip - caller->code->ins) << OP_SITE_SHIFT;
        /* CALL_METHOD leaves [native, self, args...] on the caller's stack. */
        if (args > caller->slots && args < caller->sp && is_kind(args[-1], OBJ_NATIVE) &&
            AS(ObjNative, args[-1])->fn == fn) {
            spare |= OP_DIRECT;
            int next = INS_OP(code_ins_at(caller->code, caller->ip));
            awaited_now = next == OP_GET_AWAITABLE;
            dropped_now = next == OP_POP_TOP;
        }
    }
    /* A reused object is older than code made since, which the sweep may
     * free first: only one that starts at once (GET_AWAITABLE, LOAD_CONST
     * and SEND come next, which cannot fail on it) never needs its site
     * for the "never awaited" warning. */
    AwaitOp *op;
    if (awaited_now && s->nop_pool) {
        op = (AwaitOp *)s->op_pool[--s->nop_pool];
        op->fut.obj.flags = 0;
    } else {
        op = gc_new(vm, sizeof(AwaitOp), OBJ_CDATA, s->op_cls);
        if (!op) return ERR;
    }
    op->fut.result = item;
    op->fut.callbacks = site;
    op->target = obj_val(core);
    op->fut.obj.spare = spare;
    if (dropped_now) {
        /* `q.get()` as a statement: reported where CPython frees it, not
         * at the next collection; it is dropped at once, as good as done */
        SET_STATE(op, OPS_DONE);
        gen_warn_unawaited(vm, obj_val(op), op_names[OP_KIND(op)]);
    }
    return obj_val(op);
}

/* The await of an OP_DIRECT operation finished in its frame's SEND, which
 * replaces it on the stack with the result: unless a driver other than a
 * task saw it while it waited (it is then still FUT_BLOCKING), nothing
 * refers to it any more, and the next operation can be this object. */
HOT void op_recycle(VM *vm, AwaitOp *op) {
    Sched *s = vm->sched;
    if (!(op->fut.obj.spare & OP_DIRECT) || (op->fut.obj.flags & FUT_BLOCKING) || s->nop_pool == SCHED_OP_POOL) return;
    op->target = UNDEF;
    s->op_pool[s->nop_pool++] = &op->fut;
}

/* The await is over: no more references to what it held. */
static void op_finish(AwaitOp *op) {
    SET_STATE(op, OPS_DONE);
    op->fut.result = UNDEF;
}

/* Waits (again) in `waiters`: a pending future, appended as CPython
 * appends the new future it makes each time round its loop. */
HOT Value op_park(VM *vm, AwaitOp *op, Ring *waiters) {
    Future *f = &op->fut;
    f->obj.flags &= (uint16_t)~(FUT_STATE | FUT_EXC | FUT_LOG_TB);
    if (!ring_push(vm, waiters, obj_val(op))) {
        op_finish(op);
        return ERR;
    }
    SET_STATE(op, OPS_WAITING);
    return UNDEF;
}

HOT bool op_pending(Value v) { return !fut_done((Future *)as_obj(v)); }

/* Wakes a waiting operation: future_finish_keep, with the usual case (one
 * task waits on it) inline. */
HOT bool op_wake(VM *vm, Value w) {
    Future *f = (Future *)as_obj(w);
    Value cb = f->callbacks;
    if (cb != UNDEF && !is_kind(cb, OBJ_CDATA)) return future_finish_keep(vm, f);
    f->obj.flags = (uint16_t)((f->obj.flags & ~(FUT_STATE | FUT_EXC | FUT_BLOCKING)) | FUT_FINISHED);
    f->callbacks = UNDEF;
    return cb == UNDEF || sched_push(vm, RUN_WAKEUP, cb, w, UNDEF);
}

/* Queue._wakeup_next: the first waiter that is not done gets None. */
HOT bool wakeup_next(VM *vm, Ring *waiters) {
    while (waiters->len) {
        Value w = ring_popleft(vm, waiters);
        if (op_pending(w)) return op_wake(vm, w);
    }
    return true;
}

/* ---- queue storage ------------------------------------------------------------ */

static inline bool q_full(QueueCore *q) { return q->max > 0 && q->items.len >= q->max; }

/* heapq's _siftdown and _siftup (Modules/_heapqmodule.c), comparing with
 * `<` as it does. A comparison may run script code that changes the queue:
 * as heapq, stop with RuntimeError when the size changed. The item that is
 * moving is not in the heap meanwhile, so it is kept as a root. */
static bool heap_changed(VM *vm, QueueCore *q, int64_t size) {
    if (q->items.len == size) return false;
    exc_raise(vm, E_RuntimeError, "list changed size during iteration");
    return true;
}

static bool siftdown(VM *vm, QueueCore *q, int64_t startpos, int64_t pos) {
    int64_t size = q->items.len;
    Value newitem = q->items.buf[pos];
    if (!vm_push_root(vm, newitem)) return false;
    bool ok = true;
    while (pos > startpos) {
        int64_t parentpos = (pos - 1) >> 1;
        Value parent = q->items.buf[parentpos];
        int lt = op_compare_bool(vm, CMP_LT, newitem, parent);
        if (lt < 0 || heap_changed(vm, q, size)) { ok = false; break; }
        if (!lt) break;
        /* What the comparison left there, as heapq does. */
        parent = q->items.buf[parentpos];
        newitem = q->items.buf[pos];
        q->items.buf[parentpos] = newitem;
        q->items.buf[pos] = parent;
        pos = parentpos;
    }
    vm_pop_roots(vm, 1);
    return ok;
}

static bool siftup(VM *vm, QueueCore *q, int64_t pos) {
    int64_t endpos = q->items.len, startpos = pos, limit = endpos >> 1;
    Value *b;
    while (pos < limit) {
        int64_t childpos = 2 * pos + 1;
        if (childpos + 1 < endpos) {
            b = q->items.buf;
            int lt = op_compare_bool(vm, CMP_LT, b[childpos], b[childpos + 1]);
            if (lt < 0 || heap_changed(vm, q, endpos)) return false;
            childpos += lt == 0;
        }
        b = q->items.buf;
        Value t = b[childpos];
        b[childpos] = b[pos];
        b[pos] = t;
        pos = childpos;
    }
    return siftdown(vm, q, startpos, pos);
}

/* Queue._put (deque.append, list.append, heappush). */
HOT bool q_put_item(VM *vm, QueueCore *q, Value item) {
    if (!ring_push(vm, &q->items, item)) return false;
    if (q->kind != Q_PRIO) return true;
    return siftdown(vm, q, 0, q->items.len - 1);
}

/* Queue._get (deque.popleft, list.pop, heappop). */
HOT Value q_get_item(VM *vm, QueueCore *q) {
    if (q->kind == Q_FIFO) return ring_popleft(vm, &q->items);
    Value last = ring_pop(vm, &q->items);
    if (q->kind == Q_LIFO || q->items.len == 0) return last;
    Value ret = q->items.buf[0];
    q->items.buf[0] = last;
    if (!vm_push_root(vm, ret)) return ERR;
    bool ok = siftup(vm, q, 0);
    vm_pop_roots(vm, 1);
    return ok ? ret : ERR;
}

HOT bool q_put_nowait(VM *vm, QueueCore *q, Value item) {
    if (q_full(q)) {
        exc_raise_value(vm, obj_val(vm->sched->queue_full));
        return false;
    }
    if (!q_put_item(vm, q, item)) return false;
    q->unfinished++;
    q->finished = false;
    return wakeup_next(vm, &q->getters);
}

HOT Value q_get_nowait(VM *vm, QueueCore *q) {
    if (q->items.len == 0) return exc_raise_value(vm, obj_val(vm->sched->queue_empty));
    Value item = q_get_item(vm, q);
    if (item == ERR) return ERR;
    return wakeup_next(vm, &q->putters) ? item : ERR;
}

/* Event.set: every waiter not done yet gets True. */
static bool event_set(VM *vm, bool *value, Ring *waiters) {
    if (*value) return true;
    *value = true;
    for (int64_t i = 0; i < waiters->len; i++) {
        Value w = RING_AT(waiters, i);
        if (op_pending(w) && !op_wake(vm, w)) return false;
    }
    return true;
}

/* Lock._wake_up_first. */
static bool lock_wake_up_first(VM *vm, LockCore *l) {
    if (l->waiters.len == 0) return true;
    Value w = RING_AT(&l->waiters, 0);
    return !op_pending(w) || op_wake(vm, w);
}

static bool lock_release(VM *vm, LockCore *l) {
    if (!l->locked) {
        exc_raise(vm, E_RuntimeError, "Lock is not acquired.");
        return false;
    }
    l->locked = false;
    return lock_wake_up_first(vm, l);
}

/* ---- stepping an operation ----------------------------------------------------- */

/* The rest of the coroutine from where it starts or resumed normally:
 * a result (the operation is over), ERR, or UNDEF (it waits). */
HOT Value op_run(VM *vm, AwaitOp *op, bool first) {
    Obj *core = as_obj(op->target);
    switch (OP_KIND(op)) {
    case OP_GET: {      /* while self.empty(): wait; return self.get_nowait() */
        QueueCore *q = (QueueCore *)core;
        if (q->items.len == 0) return op_park(vm, op, &q->getters);
        op_finish(op);
        return q_get_nowait(vm, q);
    }
    case OP_PUT: {      /* while self.full(): wait; return self.put_nowait(item) */
        QueueCore *q = (QueueCore *)core;
        if (q_full(q)) return op_park(vm, op, &q->putters);
        Value item = op->fut.result;
        op_finish(op);
        return q_put_nowait(vm, q, item) ? NONE_VAL : ERR;
    }
    case OP_JOIN: {     /* if self._unfinished_tasks > 0: await self._finished.wait() */
        QueueCore *q = (QueueCore *)core;
        if (first) {
            if (q->unfinished > 0 && !q->finished) return op_park(vm, op, &q->finished_waiters);
        } else {
            ring_remove(vm, &q->finished_waiters, obj_val(op));
        }
        op_finish(op);
        return NONE_VAL;
    }
    case OP_WAIT: {
        EventCore *e = (EventCore *)core;
        if (first) {
            if (!e->value) return op_park(vm, op, &e->waiters);
        } else {
            ring_remove(vm, &e->waiters, obj_val(op));
        }
        op_finish(op);
        return TRUE_VAL;
    }
    case OP_ACQUIRE: case OP_AENTER: {
        LockCore *l = (LockCore *)core;
        if (first) {
            bool free = !l->locked;
            for (int64_t i = 0; free && i < l->waiters.len; i++) {
                if (fut_state((Future *)as_obj(RING_AT(&l->waiters, i))) != FUT_CANCELLED) free = false;
            }
            if (!free) return op_park(vm, op, &l->waiters);
        } else {
            ring_remove(vm, &l->waiters, obj_val(op));
        }
        l->locked = true;
        op_finish(op);
        return OP_KIND(op) == OP_ACQUIRE ? TRUE_VAL : NONE_VAL;
    }
    case OP_AEXIT:
        op_finish(op);
        return lock_release(vm, (LockCore *)core) ? NONE_VAL : ERR;
    }
    return NONE_VAL;
}

static bool is_cancelled_error(VM *vm, Value e) {
    return is_kind(e, OBJ_EXC) && class_is_subclass(as_obj(e)->cls, vm->sched->cancelled_error);
}

/* An exception arrives where the coroutine waits (`await fut` raised):
 * CPython's except/finally clauses, then the exception goes on (close():
 * GeneratorExit, which is not raised here). */
static Value op_unwind(VM *vm, AwaitOp *op, Value exc, bool closing) {
    int state = OP_STATE(op);
    op_finish(op);
    if (state == OPS_WAITING) {
        Obj *core = as_obj(op->target);
        Future *f = &op->fut;
        Value self = obj_val(op);
        switch (OP_KIND(op)) {
        case OP_GET: case OP_PUT: {
            QueueCore *q = (QueueCore *)core;
            bool get = OP_KIND(op) == OP_GET;
            Ring *waiters = get ? &q->getters : &q->putters;
            if (!fut_done(f) && !future_cancel_plain(vm, f, NONE_VAL, UNDEF)) return ERR;
            ring_remove(vm, waiters, self);
            bool can = get ? q->items.len > 0 : !q_full(q);
            if (can && fut_state(f) != FUT_CANCELLED && !wakeup_next(vm, waiters)) return ERR;
            break;
        }
        case OP_JOIN:
            ring_remove(vm, &((QueueCore *)core)->finished_waiters, self);
            break;
        case OP_WAIT:
            ring_remove(vm, &((EventCore *)core)->waiters, self);
            break;
        case OP_ACQUIRE: case OP_AENTER: {
            LockCore *l = (LockCore *)core;
            ring_remove(vm, &l->waiters, self);
            if (is_cancelled_error(vm, exc) && !l->locked && !lock_wake_up_first(vm, l)) return ERR;
            break;
        }
        }
    }
    if (closing) return NONE_VAL;
    return exc_raise_value(vm, exc);
}

/* A step of the awaiting coroutine: from the interpreter's SEND (`insn`),
 * or from send() below. */
HOT Value op_step_from(VM *vm, AwaitOp *op, bool insn) {
    Value r;
    /* Still FUT_BLOCKING from the last yield: no task took it, so a driver
     * of the coroutine has seen (and may keep) this object. */
    if (op->fut.obj.flags & FUT_BLOCKING) op->fut.obj.spare &= ~(uint32_t)OP_DIRECT;
    switch (OP_STATE(op)) {
    case OPS_CREATED:
        if (insn) {
            /* Made by the call right before this await's GET_AWAITABLE,
             * LOAD_CONST and SEND, in this frame's code? */
            Frame *f = vm->fiber->frame;
            if (op->fut.callbacks != obj_val(f->code) || OP_SITE_OFF(op) + 3 != (uint32_t)(f->ip - f->code->ins))
                op->fut.obj.spare &= ~(uint32_t)OP_DIRECT;
        } else {
            op->fut.obj.spare &= ~(uint32_t)OP_DIRECT;
        }
        op->fut.callbacks = UNDEF;
        SET_STATE(op, OPS_RUNNING);
        r = op_run(vm, op, true);
        break;
    case OPS_WAITING: {
        Future *f = &op->fut;
        if (!fut_done(f)) return UNDEF;     /* resumed without a wake-up: wait on */
        if (fut_state(f) == FUT_CANCELLED || (f->obj.flags & FUT_EXC)) {
            /* `await fut` raises: a driver resumed it without throwing in. */
            Value e = future_wake_exception(vm, f);
            return e == ERR ? ERR : op_unwind(vm, op, e, false);
        }
        SET_STATE(op, OPS_RUNNING);
        r = op_run(vm, op, false);
        break;
    }
    case OPS_RUNNING:
        return exc_raise(vm, E_ValueError, "coroutine already executing");
    default:
        return exc_raise(vm, E_RuntimeError, "cannot reuse already awaited coroutine");
    }
    if (insn && r != UNDEF && r != ERR) op_recycle(vm, op);
    return r;
}

/* The interpreter's SEND: see CType.await_step. */
static Value op_step(VM *vm, Obj *o) { return op_step_from(vm, (AwaitOp *)o, true); }

/* ---- the operation class: a coroutine's methods ------------------------------------ */

#define OPSELF ((AwaitOp *)as_obj(args[0]))

static bool check_op(VM *vm, Value v, const char *name) {
    if (is_await_op(v)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'coroutine' object but received a '%T'", name, v);
    return false;
}

static Value stop_iteration(VM *vm, Value v) {
    ObjTuple *t = v == NONE_VAL ? vm->empty_tuple : tuple_from(vm, &v, 1);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* send(v): the value yielded (the operation itself, as the future to wait
 * on), or StopIteration with the result. */
static Value opm_send(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_op(vm, args[0], "send") || !args_check(vm, "send", nargs - 1, kw, 1, 1)) return ERR;
    AwaitOp *op = OPSELF;
    if (OP_STATE(op) == OPS_CREATED && args[1] != NONE_VAL)
        return exc_raise(vm, E_TypeError, "can't send non-None value to a just-started coroutine");
    Value r = op_step_from(vm, op, false);
    if (r == UNDEF) {
        op->fut.obj.flags |= FUT_BLOCKING;
        return args[0];
    }
    return r == ERR ? ERR : stop_iteration(vm, r);
}

static Value opm_next(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_op(vm, args[0], "__next__") || !args_check(vm, "__next__", nargs - 1, kw, 0, 0)) return ERR;
    return opm_send(vm, (Value[]){args[0], NONE_VAL}, 2, NULL);
}

static Value opm_throw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_op(vm, args[0], "throw") || !args_check(vm, "throw", nargs - 1, kw, 1, 3)) return ERR;
    Value e = args[1];
    if (is_kind(e, OBJ_CLASS) && class_is_subclass(AS(ObjClass, e), vm->exc_types[E_BaseException])) {
        e = nargs > 2 && args[2] != NONE_VAL ? op_call1(vm, e, args[2]) : class_call(vm, AS(ObjClass, e), NULL, 0, NULL);
        if (e == ERR) return ERR;
    }
    if (!is_kind(e, OBJ_EXC))
        return exc_raise(vm, E_TypeError, "exceptions must be classes or instances deriving from BaseException, not %T", e);
    AwaitOp *op = OPSELF;
    if (OP_STATE(op) == OPS_RUNNING) return exc_raise(vm, E_ValueError, "coroutine already executing");
    return op_unwind(vm, op, e, false);
}

static Value opm_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_op(vm, args[0], "close") || !args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    AwaitOp *op = OPSELF;
    if (OP_STATE(op) == OPS_RUNNING) return exc_raise(vm, E_ValueError, "coroutine already executing");
    if (OP_STATE(op) != OPS_WAITING) {
        op_finish(op);
        return NONE_VAL;
    }
    Value e = exc_new(vm, vm->exc_types[E_GeneratorExit], NULL);
    return e == ERR ? ERR : op_unwind(vm, op, e, true);
}

static Value opm_self(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_op(vm, args[0], "__await__") || !args_check(vm, "__await__", nargs - 1, kw, 0, 0)) return ERR;
    return args[0];
}

static Value opm_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (!check_op(vm, args[0], "__repr__")) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<coroutine object %s at %p>", op_names[OP_KIND(OPSELF)], (void *)OPSELF);
    return str_from_buf(vm, &b);
}

/* ---- finding the core; CPython's code for subclasses ------------------------------- */

/* The natives, by number: fallbacks[i] is the Asy method native i replaced. */
enum {
    QM_INIT, QM_QSIZE, QM_EMPTY, QM_FULL, QM_PUT_NOWAIT, QM_GET_NOWAIT, QM_PUT, QM_GET, QM_TASK_DONE, QM_JOIN,
    EM_INIT, EM_IS_SET, EM_SET, EM_CLEAR, EM_WAIT,
    LM_INIT, LM_LOCKED, LM_ACQUIRE, LM_RELEASE, LM_AENTER, LM_AEXIT,
    NMETHODS
};

static Value fallback(VM *vm, int method, Value *args, int nargs, ObjTuple *kw) {
    Value fb = vm->sched->sync_fallbacks;
    if (!is_kind(fb, OBJ_TUPLE)) return exc_raise(vm, E_RuntimeError, "asyncio's queues and locks are not set up");
    return op_call(vm, AS(ObjTuple, fb)->items[method], args, nargs, kw);
}

/* self's core of class kind `which`, or NULL (a subclass running CPython's
 * code, or an instance whose __init__ never ran). */
static inline Obj *core_of(VM *vm, Value self, int which) {
    if (!is_kind(self, OBJ_INSTANCE)) return NULL;
    ObjDict *d = AS(ObjInstance, self)->dict;
    Sched *s = vm->sched;
    if (!d || !s->core_name) return NULL;
    Value v = d->nentries && d->entries[0].key == obj_val(s->core_name) ? d->entries[0].value
                                                                         : dict_get_str(d, s->core_name);
    if (!is_kind(v, OBJ_CDATA) || as_obj(v)->cls != s->core_cls[which]) return NULL;
    return as_obj(v);
}

#define CORE_OR_FALLBACK(type, var, which, method) \
    type *var = (type *)core_of(vm, args[0], which); \
    if (!var) return fallback(vm, method, args, nargs, kw)

/* Binds simple positional-or-keyword parameters after self, with the
 * messages CPython gives for a Python function `qualname`. */
static bool bind_args(VM *vm, const char *qualname, Value *args, int nargs, ObjTuple *kw, const char *const *names,
                 int nparams, int nrequired, Value *out) {
    int given = nargs - 1;
    for (int i = 0; i < nparams; i++) out[i] = i < given ? args[1 + i] : UNDEF;
    if (given > nparams) {
        if (nrequired == nparams)
            exc_raise(vm, E_TypeError, "%s() takes %d positional argument%s but %d were given", qualname, nparams + 1,
                      nparams ? "s" : "", nargs);
        else
            exc_raise(vm, E_TypeError, "%s() takes from %d to %d positional arguments but %d were given", qualname,
                      nrequired + 1, nparams + 1, nargs);
        return false;
    }
    for (int64_t k = 0; kw && k < kw->len; k++) {
        ObjStr *key = AS(ObjStr, kw->items[k]);
        int i = 0;
        while (i < nparams && strcmp(names[i], key->data) != 0) i++;
        if (i == nparams) {
            exc_raise(vm, E_TypeError, "%s() got an unexpected keyword argument '%s'", qualname, key->data);
            return false;
        }
        if (out[i] != UNDEF) {
            exc_raise(vm, E_TypeError, "%s() got multiple values for argument '%s'", qualname, key->data);
            return false;
        }
        out[i] = args[nargs + k];
    }
    for (int i = 0; i < nrequired; i++) {
        if (out[i] == UNDEF) {
            exc_raise(vm, E_TypeError, "%s() missing 1 required positional argument: '%s'", qualname, names[i]);
            return false;
        }
    }
    return true;
}

#define NO_ARGS(qualname) \
    if ((nargs != 1 || kw) && !bind_args(vm, qualname, args, nargs, kw, NULL, 0, 0, NULL)) return ERR

/* ---- which instances run natively ---------------------------------------------------- */

/* The methods that other methods call: a subclass overriding one of them
 * runs CPython's code (the Asy methods) for everything. */
static const char *const queue_hooks[] = {"_init", "_put", "_get", "_wakeup_next", "qsize", "empty", "full",
                                          "put_nowait", "get_nowait", NULL};
static const char *const event_hooks[] = {"is_set", "set", "clear", "wait", NULL};
static const char *const lock_hooks[] = {"locked", "acquire", "release", "_wake_up_first", NULL};

/* Whether instances of cls can run natively as instances of `stock`. */
static bool stock_behaviour(VM *vm, ObjClass *cls, ObjClass *stock, const char *const *hooks) {
    if (cls == stock) return true;
    for (int i = 0; hooks[i]; i++) {
        ObjStr *n = str_intern_cstr(vm, hooks[i]);
        if (!n || class_lookup(cls, n) != class_lookup(stock, n)) return false;
    }
    return true;
}

/* Stores a new core in self.__dict__, first if it can. */
static Obj *attach_core(VM *vm, Value self, int which) {
    Sched *s = vm->sched;
    Obj *core = gc_new(vm, core_ctypes[which].size, OBJ_CDATA, s->core_cls[which]);
    if (!core) return NULL;
    memset((char *)core + sizeof(Obj), 0, core_ctypes[which].size - sizeof(Obj));
    if (dict_set_str(vm, AS(ObjInstance, self)->dict, s->core_name, obj_val(core)) < 0) return NULL;
    return core;
}

/* ---- Queue ------------------------------------------------------------------------------ */

static Value qm_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Sched *s = vm->sched;
    Value self = args[0];
    int kind = -1;
    if (is_kind(self, OBJ_INSTANCE) && AS(ObjInstance, self)->dict) {
        ObjClass *cls = as_obj(self)->cls;
        static const int order[3] = {Q_PRIO, Q_LIFO, Q_FIFO};
        for (int i = 0; i < 3 && kind == -1; i++) {
            ObjClass *stock = s->sync_cls[order[i]];
            if (class_is_subclass(cls, stock)) kind = stock_behaviour(vm, cls, stock, queue_hooks) ? order[i] : -2;
        }
    }
    static const char *const names[] = {"maxsize"};
    Value out[1];
    if (kind >= 0) {
        if (!bind_args(vm, "Queue.__init__", args, nargs, kw, names, 1, 0, out)) return ERR;
        Value m = out[0] == UNDEF ? int_val(0) : out[0];
        if (!is_int(m) && !is_bool(m)) kind = -1;   /* CPython's code compares it */
        else {
            QueueCore *q = (QueueCore *)attach_core(vm, self, CORE_QUEUE);
            if (!q) return ERR;
            q->kind = (uint8_t)kind;
            q->maxsize = m;
            q->max = is_int(m) ? as_int(m) : m == TRUE_VAL;
            q->finished = true;
            return NONE_VAL;
        }
    }
    /* CPython's code; drop a core an earlier __init__ made. */
    if (is_kind(self, OBJ_INSTANCE) && AS(ObjInstance, self)->dict && core_of(vm, self, CORE_QUEUE)) {
        Value k = obj_val(s->core_name);
        if (dict_del(vm, AS(ObjInstance, self)->dict, k) < 0) return ERR;
    }
    return fallback(vm, QM_INIT, args, nargs, kw);
}

static Value qm_qsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_QSIZE);
    NO_ARGS("Queue.qsize");
    return int_val(q->items.len);
}

static Value qm_empty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_EMPTY);
    NO_ARGS("Queue.empty");
    return bool_val(q->items.len == 0);
}

static Value qm_full(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_FULL);
    NO_ARGS("Queue.full");
    return bool_val(q_full(q));
}

static const char *const item_name[] = {"item"};

static Value qm_put_nowait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_PUT_NOWAIT);
    Value item;
    if (nargs != 2 || kw) {
        Value out[1];
        if (!bind_args(vm, "Queue.put_nowait", args, nargs, kw, item_name, 1, 1, out)) return ERR;
        item = out[0];
    } else {
        item = args[1];
    }
    return q_put_nowait(vm, q, item) ? NONE_VAL : ERR;
}

static Value qm_get_nowait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_GET_NOWAIT);
    NO_ARGS("Queue.get_nowait");
    return q_get_nowait(vm, q);
}

static Value qm_put(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_PUT);
    Value item;
    if (nargs != 2 || kw) {
        Value out[1];
        if (!bind_args(vm, "Queue.put", args, nargs, kw, item_name, 1, 1, out)) return ERR;
        item = out[0];
    } else {
        item = args[1];
    }
    return op_new(vm, OP_PUT, &q->obj, item, args, qm_put);
}

static Value qm_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_GET);
    NO_ARGS("Queue.get");
    return op_new(vm, OP_GET, &q->obj, UNDEF, args, qm_get);
}

static Value qm_task_done(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_TASK_DONE);
    NO_ARGS("Queue.task_done");
    if (q->unfinished <= 0) return exc_raise(vm, E_ValueError, "task_done() called too many times");
    q->unfinished--;
    if (q->unfinished == 0 && !event_set(vm, &q->finished, &q->finished_waiters)) return ERR;
    return NONE_VAL;
}

static Value qm_join(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(QueueCore, q, CORE_QUEUE, QM_JOIN);
    NO_ARGS("Queue.join");
    return op_new(vm, OP_JOIN, &q->obj, UNDEF, args, qm_join);
}

/* _queue_maxsize(q): the maxsize property. */
static Value f_queue_maxsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "maxsize", nargs, kw, 1, 1)) return ERR;
    QueueCore *q = (QueueCore *)core_of(vm, args[0], CORE_QUEUE);
    if (q) return q->maxsize;
    return op_getattr(vm, args[0], str_intern_cstr(vm, "_maxsize"));
}

/* _queue_info(q): (maxsize, items as a list, getters, putters, unfinished
 * tasks) for Queue._format, or None when q runs CPython's code. */
static Value f_queue_info(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_queue_info", nargs, kw, 1, 1)) return ERR;
    QueueCore *q = (QueueCore *)core_of(vm, args[0], CORE_QUEUE);
    if (!q) return NONE_VAL;
    ObjList *items = ring_to_list(vm, &q->items);
    if (!items) return ERR;
    Value t[5] = {q->maxsize, obj_val(items), int_val(q->getters.len), int_val(q->putters.len), int_val(q->unfinished)};
    ObjTuple *r = tuple_from(vm, t, 5);
    return r ? obj_val(r) : ERR;
}

/* ---- Event ------------------------------------------------------------------------------ */

/* Whether self (an instance of stock class number `stock`) may run on a
 * native core: its class overrides none of the methods in `hooks`. */
static bool runs_natively(VM *vm, Value self, int stock, const char *const *hooks) {
    ObjClass *stock_cls = vm->sched->sync_cls[stock];
    return is_kind(self, OBJ_INSTANCE) && AS(ObjInstance, self)->dict &&
           class_is_subclass(as_obj(self)->cls, stock_cls) && stock_behaviour(vm, as_obj(self)->cls, stock_cls, hooks);
}

static Value em_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!runs_natively(vm, args[0], 3, event_hooks)) return fallback(vm, EM_INIT, args, nargs, kw);
    NO_ARGS("Event.__init__");
    return attach_core(vm, args[0], CORE_EVENT) ? NONE_VAL : ERR;
}

static Value em_is_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(EventCore, e, CORE_EVENT, EM_IS_SET);
    NO_ARGS("Event.is_set");
    return bool_val(e->value);
}

static Value em_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(EventCore, e, CORE_EVENT, EM_SET);
    NO_ARGS("Event.set");
    return event_set(vm, &e->value, &e->waiters) ? NONE_VAL : ERR;
}

static Value em_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(EventCore, e, CORE_EVENT, EM_CLEAR);
    NO_ARGS("Event.clear");
    e->value = false;
    return NONE_VAL;
}

static Value em_wait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(EventCore, e, CORE_EVENT, EM_WAIT);
    NO_ARGS("Event.wait");
    return op_new(vm, OP_WAIT, &e->obj, UNDEF, args, em_wait);
}

/* ---- Lock ------------------------------------------------------------------------------- */

static Value lm_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!runs_natively(vm, args[0], 4, lock_hooks)) return fallback(vm, LM_INIT, args, nargs, kw);
    NO_ARGS("Lock.__init__");
    return attach_core(vm, args[0], CORE_LOCK) ? NONE_VAL : ERR;
}

static Value lm_locked(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(LockCore, l, CORE_LOCK, LM_LOCKED);
    NO_ARGS("Lock.locked");
    return bool_val(l->locked);
}

static Value lm_acquire(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(LockCore, l, CORE_LOCK, LM_ACQUIRE);
    NO_ARGS("Lock.acquire");
    return op_new(vm, OP_ACQUIRE, &l->obj, UNDEF, args, lm_acquire);
}

static Value lm_release(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(LockCore, l, CORE_LOCK, LM_RELEASE);
    NO_ARGS("Lock.release");
    return lock_release(vm, l) ? NONE_VAL : ERR;
}

static Value lm_aenter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(LockCore, l, CORE_LOCK, LM_AENTER);
    NO_ARGS("_ContextManagerMixin.__aenter__");
    return op_new(vm, OP_AENTER, &l->obj, UNDEF, args, lm_aenter);
}

static Value lm_aexit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    CORE_OR_FALLBACK(LockCore, l, CORE_LOCK, LM_AEXIT);
    static const char *const names[] = {"exc_type", "exc", "tb"};
    Value out[3];
    if ((nargs != 4 || kw) && !bind_args(vm, "_ContextManagerMixin.__aexit__", args, nargs, kw, names, 3, 3, out))
        return ERR;
    return op_new(vm, OP_AEXIT, &l->obj, UNDEF, args, lm_aexit);
}

/* _sync_waiters(event_or_lock): how many wait, or -1 when it runs
 * CPython's code (its _waiters then says). */
static Value f_sync_waiters(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_sync_waiters", nargs, kw, 1, 1)) return ERR;
    Obj *c = core_of(vm, args[0], CORE_EVENT);
    if (c) return int_val(((EventCore *)c)->waiters.len);
    c = core_of(vm, args[0], CORE_LOCK);
    if (c) return int_val(((LockCore *)c)->waiters.len);
    return int_val(-1);
}

/* Whether f (a native, maybe bound) is one of the coroutine methods:
 * asyncio.iscoroutinefunction says True for them, as for CPython's. */
bool asyncio_sync_is_coroutine_method(Value f) {
    if (is_kind(f, OBJ_BOUND)) f = AS(ObjBound, f)->func;
    if (!is_kind(f, OBJ_NATIVE)) return false;
    NativeFn fn = AS(ObjNative, f)->fn;
    return fn == qm_put || fn == qm_get || fn == qm_join || fn == em_wait || fn == lm_acquire || fn == lm_aenter ||
           fn == lm_aexit;
}

/* ---- installing ------------------------------------------------------------------------ */

static const struct {
    int cls;        /* index into sync_cls */
    const char *name;
    NativeFn fn;
} methods[NMETHODS] = {
    [QM_INIT] = {0, "__init__", qm_init},
    [QM_QSIZE] = {0, "qsize", qm_qsize},
    [QM_EMPTY] = {0, "empty", qm_empty},
    [QM_FULL] = {0, "full", qm_full},
    [QM_PUT_NOWAIT] = {0, "put_nowait", qm_put_nowait},
    [QM_GET_NOWAIT] = {0, "get_nowait", qm_get_nowait},
    [QM_PUT] = {0, "put", qm_put},
    [QM_GET] = {0, "get", qm_get},
    [QM_TASK_DONE] = {0, "task_done", qm_task_done},
    [QM_JOIN] = {0, "join", qm_join},
    [EM_INIT] = {3, "__init__", em_init},
    [EM_IS_SET] = {3, "is_set", em_is_set},
    [EM_SET] = {3, "set", em_set},
    [EM_CLEAR] = {3, "clear", em_clear},
    [EM_WAIT] = {3, "wait", em_wait},
    [LM_INIT] = {4, "__init__", lm_init},
    [LM_LOCKED] = {4, "locked", lm_locked},
    [LM_ACQUIRE] = {4, "acquire", lm_acquire},
    [LM_RELEASE] = {4, "release", lm_release},
    [LM_AENTER] = {4, "__aenter__", lm_aenter},
    [LM_AEXIT] = {4, "__aexit__", lm_aexit},
};

/* _install_sync(Queue, LifoQueue, PriorityQueue, Event, Lock, QueueEmpty,
 * QueueFull): the Asy classes get the natives; the methods they replace
 * become the fallbacks. */
static Value f_install_sync(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_install_sync", nargs, kw, 7, 7)) return ERR;
    Sched *s = vm->sched;
    for (int i = 0; i < 7; i++) {
        if (!is_kind(args[i], OBJ_CLASS) || (as_obj(args[i])->flags & CLASS_BUILTIN))
            return exc_raise(vm, E_TypeError, "_install_sync() needs the Asy classes");
    }
    if (is_kind(s->sync_fallbacks, OBJ_TUPLE)) return exc_raise(vm, E_RuntimeError, "already installed");
    ObjTuple *fb = tuple_new(vm, NMETHODS);
    if (!fb) return ERR;
    for (int i = 0; i < NMETHODS; i++) fb->items[i] = NONE_VAL;
    for (int i = 0; i < 5; i++) s->sync_cls[i] = AS(ObjClass, args[i]);
    s->queue_empty = AS(ObjClass, args[5]);
    s->queue_full = AS(ObjClass, args[6]);
    s->sync_fallbacks = obj_val(fb);
    for (int i = 0; i < NMETHODS; i++) {
        ObjClass *cls = s->sync_cls[methods[i].cls];
        ObjStr *name = str_intern_cstr(vm, methods[i].name);
        if (!name) return ERR;
        Value old = class_lookup(cls, name);
        if (old == UNDEF) return exc_raise(vm, E_TypeError, "%s has no method %s", cls->name->data, name->data);
        fb->items[i] = old;
        ObjNative *n = native_new(vm, methods[i].name, methods[i].fn);
        if (!n) return ERR;
        n->obj.flags = NATIVE_METHOD;
        if (dict_set_str(vm, cls->dict, name, obj_val(n)) < 0) return ERR;
    }
    class_changed(vm, s->sync_cls[0]);
    return NONE_VAL;
}

bool asyncio_sync_init(VM *vm, ObjModule *m) {
    Sched *s = vm->sched;
    if (!s->op_cls) {
        static const char *const core_names[3] = {"_QueueCore", "_EventCore", "_LockCore"};
        for (int i = 0; i < 3; i++) {
            ObjClass *c = class_new_builtin(vm, core_names[i], vm->types[T_OBJECT], OBJ_CDATA);
            if (!c) return false;
            c->ctype = &core_ctypes[i];
            s->core_cls[i] = c;
        }
        s->core_name = str_intern_cstr(vm, "_asyncio_core");
        ObjClass *op = class_new_builtin(vm, "coroutine", vm->types[T_OBJECT], OBJ_CDATA);
        if (!op || !s->core_name) return false;
        op->ctype = &op_ctype;
        op->obj.flags |= CLASS_FUTURE | CLASS_AWAIT_OP;
        static const struct { const char *name; NativeFn fn; } opm[] = {
            {"send", opm_send}, {"throw", opm_throw}, {"close", opm_close}, {"__next__", opm_next},
            {"__iter__", opm_self}, {"__await__", opm_self}, {"__repr__", opm_repr},
        };
        for (size_t i = 0; i < sizeof opm / sizeof opm[0]; i++) {
            if (!class_add_native(vm, op, opm[i].name, opm[i].fn)) return false;
        }
        s->op_cls = op;
    }
    return module_add_native(vm, m, "_install_sync", f_install_sync) &&
           module_add_native(vm, m, "_queue_maxsize", f_queue_maxsize) &&
           module_add_native(vm, m, "_queue_info", f_queue_info) &&
           module_add_native(vm, m, "_sync_waiters", f_sync_waiters) &&
           module_add_value(vm, m, "_AwaitOp", obj_val(s->op_cls));
}
