/* The _thread module: threads, locks and reentrant locks, under the
 * interpreter lock (vm/gil.h). threading.asy builds Python's threading API
 * on these, as CPython's threading.py does on its _thread.
 *
 * A lock waits on its own mutex and condition with the interpreter lock
 * released; taking a free lock needs no waiting and no release. */
#include <math.h>
#include <stdlib.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/gil.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/thread.h"
#include "modules.h"

#define TIMEOUT_MAX 9223372036.0

/* ---- waiting without the interpreter lock ---------------------------------- */

/* Waits, with `mu` held, until ready(obj) or the timeout (seconds, < 0: none)
 * passes, releasing the interpreter lock meanwhile; Ctrl-C on the main
 * thread raises KeyboardInterrupt. Returns 1 when ready, 0 at the timeout,
 * -1 after raising. On return `mu` is held. */
static int wait_until(VM *vm, uv_mutex_t *mu, uv_cond_t *cond, bool (*ready)(void *), void *obj, double timeout) {
    uint64_t deadline = timeout < 0 ? 0 : uv_hrtime() + (uint64_t)(timeout * 1e9) + 1;
    bool main = gil_is_main(vm);
    for (;;) {
        if (ready(obj)) return 1;
        uv_mutex_unlock(mu);
        ThreadState *ts = gil_release(vm);
        uv_mutex_lock(mu);
        int r = 0;
        while (!ready(obj) && r == 0) r = gil_cond_wait(vm, main, cond, mu, deadline);
        uv_mutex_unlock(mu);
        gil_acquire(vm, ts);
        uv_mutex_lock(mu);
        if (ready(obj)) return 1;
        if (r == 1) return 0;
        if (r == 2) {
            uv_mutex_unlock(mu);
            bool ok = vm_handle_signals(vm, false);
            uv_mutex_lock(mu);
            if (!ok) return -1;
        }
    }
}

/* A timeout in nanoseconds, as CPython's _PyTime_FromSecondsObject makes it
 * (rounding away from zero): its two overflow errors, one for a float and
 * one for an int, and its NaN error. */
static bool timeout_ns(VM *vm, Value v, int64_t *ns) {
    if (is_float(v)) {
        double d = as_float(v);
        if (isnan(d)) {
            exc_raise(vm, E_ValueError, "Invalid value NaN (not a number)");
            return false;
        }
        d *= 1e9;
        d = d >= 0 ? ceil(d) : floor(d);
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) {
            exc_raise(vm, E_OverflowError, "timestamp out of range for platform time_t");
            return false;
        }
        *ns = (int64_t)d;
        return true;
    }
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        return false;
    }
    int64_t sec;
    if (!int_to_i64(v, &sec) || sec > INT64_MAX / 1000000000 || sec < INT64_MIN / 1000000000) {
        exc_raise(vm, E_OverflowError, "timestamp too large to convert to C _PyTime_t");
        return false;
    }
    *ns = sec * 1000000000;
    return true;
}

/* acquire(blocking=True, timeout=-1)'s arguments, as seconds (< 0: forever).
 * The checks come in CPython's order: converting the timeout, then the
 * non-blocking call given one, then a negative one other than -1 (which,
 * exactly, means none), then one past TIMEOUT_MAX. */
static bool acquire_args(VM *vm, Value *args, int nargs, ObjTuple *kw, double *timeout) {
    static const char *const names[] = {"blocking", "timeout"};
    Value a[2];
    if (!args_bind(vm, "acquire", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, a)) return false;
    int blocking = a[0] == UNDEF ? 1 : op_truthy(vm, a[0]);
    if (blocking < 0) return false;
    const int64_t unset = -1000000000;
    int64_t ns = unset;
    if (a[1] != UNDEF && !timeout_ns(vm, a[1], &ns)) return false;
    if (!blocking && ns != unset) {
        exc_raise(vm, E_ValueError, "can't specify a timeout for a non-blocking call");
        return false;
    }
    if (ns < 0 && ns != unset) {
        exc_raise(vm, E_ValueError, "timeout value must be positive");
        return false;
    }
    if (ns != unset && (ns / 1000 + (ns % 1000 != 0)) > (int64_t)(TIMEOUT_MAX * 1e6)) {
        exc_raise(vm, E_OverflowError, "timeout value is too large");
        return false;
    }
    *timeout = !blocking ? 0 : ns == unset ? -1 : (double)ns / 1e9;
    return true;
}

static uint64_t self_ident(VM *vm) { return vm->ts->ident; }

/* ---- lock ------------------------------------------------------------------- */

typedef struct Lock {
    Obj obj;
    uv_mutex_t mu;
    uv_cond_t cond;
    bool locked;
    /* RLock only */
    uint64_t owner;
    int64_t count;
} Lock;

static void lock_free(VM *vm, Obj *o) {
    (void)vm;
    Lock *l = (Lock *)o;
    uv_mutex_destroy(&l->mu);
    uv_cond_destroy(&l->cond);
}

static const CType lock_ctype = {sizeof(Lock), NULL, lock_free, NULL};

static Lock *lock_new(VM *vm, ObjClass *cls) {
    Lock *l = gc_new(vm, sizeof(Lock), OBJ_CDATA, cls);
    if (!l) return NULL;
    uv_mutex_init(&l->mu);
    uv_cond_init(&l->cond);
    l->locked = false;
    l->owner = 0;
    l->count = 0;
    return l;
}

static Lock *check_lock(VM *vm, Value v, const char *name, bool rlock) {
    if (is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &lock_ctype &&
        ((Lock *)as_obj(v))->obj.flags == (rlock ? 1 : 0))
        return (Lock *)as_obj(v);
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a '_thread.%s' object but received a '%T'", name,
              rlock ? "RLock" : "lock", v);
    return NULL;
}

static bool unlocked(void *l) { return !((Lock *)l)->locked; }

/* Takes the lock, waiting up to `timeout`: 1, 0 (timed out) or -1. */
static int lock_take(VM *vm, Lock *l, double timeout) {
    uv_mutex_lock(&l->mu);
    int r = 1;
    if (l->locked) {
        if (timeout < 0 && vm->gil->nthreads == 0) {
            uv_mutex_unlock(&l->mu);
            exc_raise(vm, E_RuntimeError,
                      "deadlock: acquiring a lock that is held, with no other thread to release it");
            return -1;
        }
        r = timeout == 0 ? 0 : wait_until(vm, &l->mu, &l->cond, unlocked, l, timeout);
    }
    if (r == 1) l->locked = true;
    uv_mutex_unlock(&l->mu);
    return r;
}

static void lock_give(Lock *l) {
    uv_mutex_lock(&l->mu);
    l->locked = false;
    uv_cond_signal(&l->cond);
    uv_mutex_unlock(&l->mu);
}

static Value l_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "lock", nargs - 1, kw, 0, 0)) return ERR;
    Lock *l = lock_new(vm, AS(ObjClass, args[0]));
    return l ? obj_val(l) : ERR;
}

static Value l_acquire(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "acquire", false);
    double timeout;
    if (!l || !acquire_args(vm, args, nargs, kw, &timeout)) return ERR;
    int r = lock_take(vm, l, timeout);
    return r < 0 ? ERR : bool_val(r);
}

static Value l_enter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Lock *l = check_lock(vm, args[0], "__enter__", false);
    if (!l) return ERR;
    return lock_take(vm, l, -1) < 0 ? ERR : TRUE_VAL;
}

static Value l_release(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Lock *l = check_lock(vm, args[0], "release", false);
    if (!l) return ERR;
    if (!l->locked) return exc_raise(vm, E_RuntimeError, "release unlocked lock");
    lock_give(l);
    return NONE_VAL;
}

static Value l_locked(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "locked", false);
    if (!l || !args_none(vm, "lock", "locked", nargs, kw)) return ERR;
    return bool_val(l->locked);
}

static Value l_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Lock *l = check_lock(vm, args[0], "__repr__", false);
    if (!l) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%s _thread.lock object at %p>", l->locked ? "locked" : "unlocked", (void *)l);
    return str_from_buf(vm, &b);
}

/* ---- RLock ---------------------------------------------------------------------- */

static Value r_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;     /* CPython's RLock ignores its arguments */
    Lock *l = lock_new(vm, AS(ObjClass, args[0]));
    if (!l) return ERR;
    l->obj.flags = 1;
    return obj_val(l);
}

static int rlock_take(VM *vm, Lock *l, double timeout) {
    uint64_t me = self_ident(vm);
    if (l->locked && l->owner == me) {
        l->count++;
        return 1;
    }
    int r = lock_take(vm, l, timeout);
    if (r == 1) {
        l->owner = me;
        l->count = 1;
    }
    return r;
}

static Value r_acquire(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "acquire", true);
    double timeout;
    if (!l || !acquire_args(vm, args, nargs, kw, &timeout)) return ERR;
    int r = rlock_take(vm, l, timeout);
    return r < 0 ? ERR : bool_val(r);
}

static Value r_enter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Lock *l = check_lock(vm, args[0], "__enter__", true);
    if (!l) return ERR;
    return rlock_take(vm, l, -1) < 0 ? ERR : TRUE_VAL;
}

static bool owned(VM *vm, Lock *l) { return l->locked && l->owner == self_ident(vm); }

static Value r_release(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Lock *l = check_lock(vm, args[0], "release", true);
    if (!l) return ERR;
    if (!owned(vm, l)) return exc_raise(vm, E_RuntimeError, "cannot release un-acquired lock");
    if (--l->count == 0) {
        l->owner = 0;
        lock_give(l);
    }
    return NONE_VAL;
}

static Value r_is_owned(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "_is_owned", true);
    if (!l || !args_none(vm, "RLock", "_is_owned", nargs, kw)) return ERR;
    return bool_val(owned(vm, l));
}

static Value r_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "_recursion_count", true);
    if (!l || !args_none(vm, "RLock", "_recursion_count", nargs, kw)) return ERR;
    return int_val(owned(vm, l) ? l->count : 0);
}

/* _release_save() -> (count, owner): releases fully, for Condition.wait. */
static Value r_release_save(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "_release_save", true);
    if (!l || !args_none(vm, "RLock", "_release_save", nargs, kw)) return ERR;
    if (l->count == 0) return exc_raise(vm, E_RuntimeError, "cannot release un-acquired lock");
    Value owner = int_from_u64(vm, l->owner);
    ObjTuple *t = owner == ERR ? NULL : tuple_from(vm, (Value[]){int_val(l->count), owner}, 2);
    if (!t) return ERR;
    l->count = 0;
    l->owner = 0;
    lock_give(l);
    return obj_val(t);
}

static Value r_acquire_restore(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Lock *l = check_lock(vm, args[0], "_acquire_restore", true);
    if (!l || !args_check(vm, "_acquire_restore", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_tuple(args[1]) || AS(ObjTuple, args[1])->len != 2 || !is_int(AS(ObjTuple, args[1])->items[0]))
        return exc_raise(vm, E_TypeError, "_acquire_restore() argument must be a (count, owner) tuple");
    int64_t count = as_int(AS(ObjTuple, args[1])->items[0]);
    if (lock_take(vm, l, -1) < 0) return ERR;
    l->owner = self_ident(vm);
    l->count = count;
    return NONE_VAL;
}

static Value r_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Lock *l = check_lock(vm, args[0], "__repr__", true);
    if (!l) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%s _thread.RLock object owner=%llu count=%lld at %p>", l->locked ? "locked" : "unlocked",
            (unsigned long long)(l->locked ? l->owner : 0), (long long)(l->locked ? l->count : 0), (void *)l);
    return str_from_buf(vm, &b);
}

/* __exit__(*exc_info) for both: release. */
static Value l_exit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    bool rlock = is_kind(args[0], OBJ_CDATA) && as_obj(args[0])->flags == 1;
    Value r = (rlock ? r_release : l_release)(vm, args, 1, NULL);
    (void)nargs;
    return r == ERR ? ERR : NONE_VAL;
}

/* ---- threads ------------------------------------------------------------------------ */

/* start_new_thread(function, args[, kwargs]): the payload is (fn, args, kwargs). */
static void plain_body(VM *vm, void *arg) {
    (void)arg;
    ObjTuple *call = AS(ObjTuple, vm->ts->payload);
    Value fn = call->items[0];
    Value kwargs = call->items[2];
    Value r = op_call_tuple(vm, fn, AS(ObjTuple, call->items[1]), kwargs == NONE_VAL ? NULL : AS(ObjDict, kwargs));
    if (r == ERR) thread_report(vm, "thread started by", fn);
}

static Value f_start_new_thread(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "start_new_thread", nargs, kw, 2, 3)) return ERR;
    if (!op_callable(vm, args[0])) return exc_raise(vm, E_TypeError, "first arg must be callable");
    if (!is_tuple(args[1])) return exc_raise(vm, E_TypeError, "2nd arg must be a tuple");
    Value kwargs = nargs > 2 ? args[2] : NONE_VAL;
    if (kwargs != NONE_VAL && !is_kind(kwargs, OBJ_DICT))
        return exc_raise(vm, E_TypeError, "optional 3rd arg must be a dictionary");
    ObjTuple *call = tuple_from(vm, (Value[]){args[0], args[1], kwargs}, 3);
    uint64_t ident;
    if (!call || !thread_start(vm, plain_body, NULL, obj_val(call), &ident)) return ERR;
    return int_from_u64(vm, ident);
}

/* start_joinable_thread(function, daemon=True) -> handle: join(timeout),
 * is_done(), ident. */
typedef struct Handle {
    Obj obj;
    uv_mutex_t mu;
    uv_cond_t cond;
    bool done;
    uint64_t ident;
    Value fn;
} Handle;

static void handle_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((Handle *)o)->fn); }

static void handle_free(VM *vm, Obj *o) {
    (void)vm;
    Handle *h = (Handle *)o;
    uv_mutex_destroy(&h->mu);
    uv_cond_destroy(&h->cond);
}

static const CType handle_ctype = {sizeof(Handle), handle_mark, handle_free, NULL};

static Handle *check_handle(VM *vm, Value v) {
    if (is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &handle_ctype) return (Handle *)as_obj(v);
    exc_raise(vm, E_TypeError, "expected a _thread._ThreadHandle, not '%T'", v);
    return NULL;
}

static void joinable_body(VM *vm, void *arg) {
    (void)arg;
    Handle *h = (Handle *)as_obj(vm->ts->payload);
    if (op_call(vm, h->fn, NULL, 0, NULL) == ERR) thread_report(vm, "thread started by", h->fn);
    uv_mutex_lock(&h->mu);
    h->done = true;
    uv_cond_broadcast(&h->cond);
    uv_mutex_unlock(&h->mu);
}

/* The module's class `name` (the module keeps its classes). */
static ObjClass *module_class(VM *vm, const char *name) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "_thread"));
    Value c = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (is_kind(c, OBJ_CLASS)) return AS(ObjClass, c);
    exc_raise(vm, E_RuntimeError, "_thread.%s is missing", name);
    return NULL;
}

static Value f_start_joinable_thread(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"function", "daemon"};
    Value a[2];
    if (!args_bind(vm, "start_joinable_thread", args, nargs, kw, names, 2, 1, 1, 0, a)) return ERR;
    if (!op_callable(vm, a[0])) return exc_raise(vm, E_TypeError, "thread function must be callable");
    ObjClass *cls = module_class(vm, "_ThreadHandle");
    Handle *h = cls ? gc_new(vm, sizeof(Handle), OBJ_CDATA, cls) : NULL;
    if (!h) return ERR;
    uv_mutex_init(&h->mu);
    uv_cond_init(&h->cond);
    h->done = false;
    h->ident = 0;
    h->fn = a[0];
    if (!thread_start(vm, joinable_body, NULL, obj_val(h), &h->ident)) return ERR;
    return obj_val(h);
}

static bool handle_done(void *h) { return ((Handle *)h)->done; }

static Value h_join(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"timeout"};
    Value a[1];
    Handle *h = check_handle(vm, args[0]);
    if (!h || !args_bind(vm, "join", args + 1, nargs - 1, kw, names, 1, 1, 0, 0, a)) return ERR;
    double timeout = -1;
    if (a[0] != UNDEF && a[0] != NONE_VAL) {
        if (is_float(a[0])) timeout = as_float(a[0]);
        else if (!is_intlike(a[0]) || int_to_float(vm, a[0], &timeout) == ERR)
            return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", a[0]);
        if (timeout < 0) timeout = 0;
    }
    if (h->ident == self_ident(vm) && !h->done) return exc_raise(vm, E_RuntimeError, "Cannot join current thread");
    uv_mutex_lock(&h->mu);
    int r = h->done ? 1 : timeout == 0 ? 0 : wait_until(vm, &h->mu, &h->cond, handle_done, h, timeout);
    uv_mutex_unlock(&h->mu);
    return r < 0 ? ERR : bool_val(r);
}

static Value h_is_done(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Handle *h = check_handle(vm, args[0]);
    if (!h || !args_none(vm, "_ThreadHandle", "is_done", nargs, kw)) return ERR;
    uv_mutex_lock(&h->mu);
    bool done = h->done;
    uv_mutex_unlock(&h->mu);
    return bool_val(done);
}

static Value h_ident(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Handle *h = check_handle(vm, args[0]);
    return h ? int_from_u64(vm, h->ident) : ERR;
}

/* ---- module functions ---------------------------------------------------------------- */

static Value f_get_ident(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "get_ident", nargs, kw, 0, 0)) return ERR;
    return int_from_u64(vm, self_ident(vm));
}

static Value f_get_native_id(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "get_native_id", nargs, kw, 0, 0)) return ERR;
    return int_val(vm->ts->native_id);
}

static Value f_main_ident(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_main_ident", nargs, kw, 0, 0)) return ERR;
    ThreadState *ts = vm->gil->threads;
    while (ts && !ts->main) ts = ts->next;
    return int_from_u64(vm, ts ? ts->ident : 0);
}

static Value f_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "_count", nargs, kw, 0, 0)) return ERR;
    return int_val(vm->gil->nthreads);
}

static Value f_allocate_lock(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "allocate_lock", nargs, kw, 0, 0)) return ERR;
    ObjClass *cls = module_class(vm, "LockType");
    Lock *l = cls ? lock_new(vm, cls) : NULL;
    return l ? obj_val(l) : ERR;
}

static Value f_stack_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "stack_size", nargs, kw, 0, 1)) return ERR;
    return int_val(0);
}

typedef struct Method {
    const char *name;
    NativeFn fn;
} Method;

static ObjClass *make_class(VM *vm, ObjModule *m, const char *name, const CType *ct, const Method *ms, size_t n) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_CDATA);
    Value modname = c ? str_from_cstr(vm, "_thread") : ERR;
    if (modname == ERR || dict_set_str(vm, c->dict, vm_name(vm, N___module__), modname) < 0) return NULL;
    c->module = modname;
    c->ctype = ct;
    for (size_t i = 0; i < n; i++) {
        if (!class_add_native(vm, c, ms[i].name, ms[i].fn)) return NULL;
    }
    return module_add_value(vm, m, name, obj_val(c)) ? c : NULL;
}

bool mod_thread_init(VM *vm, ObjModule *m) {
    static const Method lock_methods[] = {
        {"__new__", l_new}, {"acquire", l_acquire}, {"acquire_lock", l_acquire}, {"release", l_release},
        {"release_lock", l_release}, {"locked", l_locked}, {"locked_lock", l_locked}, {"__enter__", l_enter},
        {"__exit__", l_exit}, {"__repr__", l_repr},
    };
    static const Method rlock_methods[] = {
        {"__new__", r_new}, {"acquire", r_acquire}, {"release", r_release}, {"__enter__", r_enter},
        {"__exit__", l_exit}, {"_is_owned", r_is_owned}, {"_recursion_count", r_count},
        {"_release_save", r_release_save}, {"_acquire_restore", r_acquire_restore}, {"__repr__", r_repr},
    };
    static const Method handle_methods[] = {
        {"join", h_join}, {"is_done", h_is_done},
    };
    static const Method funcs[] = {
        {"start_new_thread", f_start_new_thread}, {"start_new", f_start_new_thread},
        {"start_joinable_thread", f_start_joinable_thread}, {"get_ident", f_get_ident},
        {"get_native_id", f_get_native_id}, {"_main_ident", f_main_ident}, {"_count", f_count},
        {"allocate_lock", f_allocate_lock}, {"allocate", f_allocate_lock}, {"stack_size", f_stack_size},
    };
    ObjClass *lock = make_class(vm, m, "lock", &lock_ctype, lock_methods, sizeof lock_methods / sizeof lock_methods[0]);
    ObjClass *rlock = lock ? make_class(vm, m, "RLock", &lock_ctype, rlock_methods,
                                        sizeof rlock_methods / sizeof rlock_methods[0])
                           : NULL;
    ObjClass *handle = rlock ? make_class(vm, m, "_ThreadHandle", &handle_ctype, handle_methods,
                                          sizeof handle_methods / sizeof handle_methods[0])
                             : NULL;
    if (!handle || !class_add_property(vm, handle, "ident", h_ident)) return false;
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (!module_add_native(vm, m, funcs[i].name, funcs[i].fn)) return false;
    }
    return module_add_value(vm, m, "LockType", obj_val(lock)) &&
           module_add_value(vm, m, "error", obj_val(vm->exc_types[E_RuntimeError])) &&
           module_add_value(vm, m, "TIMEOUT_MAX", float_val(TIMEOUT_MAX));
}
