/* _signal: the natives under stdlib/signal.asy.
 *
 * A script's handler never runs inside the C signal handler. That handler
 * (on_signal) only marks the signal pending, raises SIG_HANDLER in the VM's
 * `signals` and wakes the event loop; the main thread then runs the
 * handlers at its next safe point (vm_handle_signals, or the loop after a
 * poll), as CPython does. Blocking waits on the main thread (time.sleep,
 * lock waits, waitpid, pause) wake up for it and run them too.
 *
 * Signals belong to the process, not to a VM: the pending flags and the VM
 * that gets them (the last one that installed a handler) are the one piece
 * of process-wide state here. Asy's threads block every signal, so the
 * kernel delivers them to the main thread.
 *
 * SIGINT: a host (the asy command) that handles Ctrl-C with asy_interrupt
 * gets default_int_handler as the handler scripts see; setting it back
 * restores the host's handler, so that asyncio.run's cancellation on
 * Ctrl-C keeps working. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gil.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/scheduler.h"
#include "../vm/str.h"
#include "modules.h"

static VM *volatile sig_vm;
static volatile sig_atomic_t pending[NSIG];
static struct sigaction host_sigint;
static bool have_host_sigint;

/* set_wakeup_fd's descriptor: on_signal writes the signal's number there
 * as one byte (a full pipe just drops it), for event loops that poll it. */
static volatile int wakeup_fd = -1;

static void on_signal(int sig) {
    int saved = errno;
    pending[sig] = 1;
    if (wakeup_fd >= 0) {
        unsigned char b = (unsigned char)sig;
        ssize_t r = write(wakeup_fd, &b, 1);
        (void)r;
    }
    VM *vm = sig_vm;
    if (vm) {
        vm_signal_set(vm, SIG_HANDLER);
        sched_wake(vm);
    }
    errno = saved;
}

/* The handlers list: slot 0 holds default_int_handler, slot n signal n's
 * handler (0 for SIG_DFL, 1 for SIG_IGN, None when not set from Asy). */
static ObjList *handlers(VM *vm) { return AS(ObjList, vm->signal_handlers); }

static bool is_default_int(VM *vm, Value h) { return h == handlers(vm)->items[0]; }

/* Runs the pending handlers (vm->signal_run). */
static bool run_pending(VM *vm) {
    for (int sig = 1; sig < NSIG; sig++) {
        if (!pending[sig]) continue;
        pending[sig] = 0;
        Value h = handlers(vm)->items[sig];
        if (is_intlike(h) || h == NONE_VAL) continue;
        if (op_call2(vm, h, int_val(sig), NONE_VAL) == ERR) {
            for (int rest = sig + 1; rest < NSIG; rest++) {
                if (pending[rest]) vm_signal_set(vm, SIG_HANDLER);
            }
            return false;
        }
    }
    return true;
}

/* At the VM's end: the signals it caught go back to their defaults (or
 * the host's Ctrl-C handler), since the C handler would reach a freed VM. */
static void detach(VM *vm) {
    if (sig_vm != vm) return;
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        if (sigaction(sig, NULL, &sa) != 0 || sa.sa_handler != on_signal) continue;
        if (sig == SIGINT && have_host_sigint) {
            sigaction(SIGINT, &host_sigint, NULL);
            continue;
        }
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_DFL;
        sigaction(sig, &sa, NULL);
    }
    sig_vm = NULL;
}

/* ---- arguments --------------------------------------------------------------- */

static bool int_arg(VM *vm, Value v, int *out) {
    int64_t i;
    if (!index_value(vm, v, &i, NULL)) return false;
    *out = i < -0x7fffffff ? -0x7fffffff : i > 0x7fffffff ? 0x7fffffff : (int)i;
    return true;
}

static bool signum_arg(VM *vm, Value v, int *sig) {
    if (!int_arg(vm, v, sig)) return false;
    if (*sig < 1 || *sig >= NSIG) {
        exc_raise(vm, E_ValueError, "signal number out of range");
        return false;
    }
    return true;
}

/* OSError(err, strerror): errno and strerror set, the subclass for err
 * (asyncio's add_signal_handler tells SIGKILL's EINVAL by e.errno). */
static Value raise_errno(VM *vm, ExcId id, int err) {
    Value args[2] = {int_val(err), str_from_cstr(vm, strerror(err))};
    if (args[1] == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, args, 2);
    if (!t) return ERR;
    Value e = exc_new(vm, exc_oserror_class(vm, vm->exc_types[id], args, 2), t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* ---- signal and getsignal ------------------------------------------------------ */

static Value sig_signal(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int sig;
    if (!args_check(vm, "signal", nargs, kw, 2, 2) || !signum_arg(vm, args[0], &sig)) return ERR;
    Value h = args[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    int64_t which = -1;
    if (is_intlike(h) && !index_value(vm, h, &which, NULL)) return ERR;
    if (which == 0 || which == 1) {
        sa.sa_handler = which ? SIG_IGN : SIG_DFL;
        h = int_val(which);
    } else if (!is_intlike(h) && op_callable(vm, h)) {
        sa.sa_handler = on_signal;   /* no SA_RESTART: a blocking call wakes up for it */
    } else {
        return exc_raise(vm, E_TypeError, "signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object");
    }
    if (!gil_is_main(vm))
        return exc_raise(vm, E_ValueError, "signal only works in main thread of the main interpreter");
    if (sa.sa_handler == on_signal) sig_vm = vm;
    int r = sig == SIGINT && have_host_sigint && is_default_int(vm, h) ? sigaction(SIGINT, &host_sigint, NULL)
                                                                       : sigaction(sig, &sa, NULL);
    if (r != 0) return raise_errno(vm, E_OSError, errno);
    Value old = handlers(vm)->items[sig];
    handlers(vm)->items[sig] = h;
    return old;
}

static Value sig_getsignal(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int sig;
    if (!args_check(vm, "getsignal", nargs, kw, 1, 1) || !signum_arg(vm, args[0], &sig)) return ERR;
    return handlers(vm)->items[sig];
}

static Value sig_default_int_handler(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "default_int_handler() takes no keyword arguments");
    if (nargs != 2) return exc_raise(vm, E_TypeError, "default_int_handler expected 2 arguments, got %d", nargs);
    return exc_raise_value(vm, exc_new(vm, vm->exc_types[E_KeyboardInterrupt], NULL));
}

/* ---- sending and waiting --------------------------------------------------------- */

static Value sig_raise_signal(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int sig;
    if (!args_check(vm, "raise_signal", nargs, kw, 1, 1) || !int_arg(vm, args[0], &sig)) return ERR;
    if (sig < 0 || sig >= NSIG) return raise_errno(vm, E_OSError, EINVAL);
    /* Another thread blocks every signal: send it to the process, whose
     * main thread takes it. */
    int r = gil_is_main(vm) ? raise(sig) : kill(getpid(), sig);
    if (r != 0) return raise_errno(vm, E_OSError, errno);
    return vm_signals(vm) && !vm_handle_signals(vm, false) ? ERR : NONE_VAL;
}

static Value sig_pause(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "pause", nargs, kw, 0, 0)) return ERR;
    ThreadState *ts = gil_release(vm);
    pause();
    gil_acquire(vm, ts);
    return vm_signals(vm) && !vm_handle_signals(vm, false) ? ERR : NONE_VAL;
}

static Value sig_alarm(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int secs;
    if (!args_check(vm, "alarm", nargs, kw, 1, 1) || !int_arg(vm, args[0], &secs)) return ERR;
    return int_val(alarm((unsigned)secs));
}

static Value sig_strsignal(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int sig;
    if (!args_check(vm, "strsignal", nargs, kw, 1, 1) || !signum_arg(vm, args[0], &sig)) return ERR;
    const char *s = strsignal(sig);
    if (!s || strncmp(s, "Unknown signal", 14) == 0) return NONE_VAL;
    return str_from_cstr(vm, s);
}

static Value sig_siginterrupt(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int sig, flag;
    if (!args_check(vm, "siginterrupt", nargs, kw, 2, 2) || !signum_arg(vm, args[0], &sig) ||
        (flag = op_truthy(vm, args[1])) < 0)
        return ERR;
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) != 0) return raise_errno(vm, E_OSError, errno);
    sa.sa_flags = flag ? sa.sa_flags & ~SA_RESTART : sa.sa_flags | SA_RESTART;
    if (sigaction(sig, &sa, NULL) != 0) return raise_errno(vm, E_OSError, errno);
    return NONE_VAL;
}

/* ---- signal sets ---------------------------------------------------------------------- */

static Value set_of(VM *vm, const sigset_t *s) {
    ObjSet *r = set_new(vm, vm->types[T_SET]);
    for (int sig = 1; r && sig < NSIG; sig++) {
        if (sigismember(s, sig) == 1 && set_add(vm, r, int_val(sig)) < 0) return ERR;
    }
    return r ? obj_val(r) : ERR;
}

static bool sigset_arg(VM *vm, Value v, sigset_t *out) {
    sigemptyset(out);
    Value it = op_iter(vm, v);
    if (it == ERR || !vm_push_root(vm, it)) return false;
    Value x;
    bool ok = true;
    while (ok && (x = op_next(vm, it)) != UNDEF) {
        int sig;
        if (x == ERR || !int_arg(vm, x, &sig)) ok = false;
        else if (sig < 1 || sig >= NSIG) {
            exc_raise(vm, E_ValueError, "signal number %d out of range [1; %d]", sig, NSIG - 1);
            ok = false;
        } else sigaddset(out, sig);
    }
    vm_pop_roots(vm, 1);
    return ok;
}

static Value sig_valid_signals(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "valid_signals", nargs, kw, 0, 0)) return ERR;
    sigset_t all;
    sigfillset(&all);
    return set_of(vm, &all);
}

static Value sig_pthread_sigmask(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int how;
    sigset_t mask, old;
    if (!args_check(vm, "pthread_sigmask", nargs, kw, 2, 2) || !int_arg(vm, args[0], &how) || !sigset_arg(vm, args[1], &mask))
        return ERR;
    int err = pthread_sigmask(how, &mask, &old);
    if (err) return raise_errno(vm, E_OSError, err);
    /* A signal just unblocked may be waiting for its handler. */
    if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    return set_of(vm, &old);
}

static Value sig_sigpending(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "sigpending", nargs, kw, 0, 0)) return ERR;
    sigset_t s;
    if (sigpending(&s) != 0) return raise_errno(vm, E_OSError, errno);
    return set_of(vm, &s);
}

static Value sig_sigwait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    sigset_t s;
    if (!args_check(vm, "sigwait", nargs, kw, 1, 1) || !sigset_arg(vm, args[0], &s)) return ERR;
    int sig = 0;
    ThreadState *ts = gil_release(vm);
    int err = sigwait(&s, &sig);
    gil_acquire(vm, ts);
    return err ? raise_errno(vm, E_OSError, err) : int_val(sig);
}

/* The fields of struct_siginfo (signal.asy names them). */
static Value siginfo_tuple(VM *vm, const siginfo_t *si) {
    Value v[7] = {int_val(si->si_signo), int_val(si->si_code), int_val(si->si_errno), int_val(si->si_pid),
                  int_val(si->si_uid), int_val(si->si_status), int_val(si->si_band)};
    ObjTuple *t = tuple_from(vm, v, 7);
    return t ? obj_val(t) : ERR;
}

static Value sig_sigwaitinfo(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    sigset_t s;
    if (!args_check(vm, "sigwaitinfo", nargs, kw, 1, 1) || !sigset_arg(vm, args[0], &s)) return ERR;
    siginfo_t si;
    for (;;) {
        memset(&si, 0, sizeof si);
        ThreadState *ts = gil_release(vm);
        int r = sigwaitinfo(&s, &si), err = errno;
        gil_acquire(vm, ts);
        if (r >= 0) return siginfo_tuple(vm, &si);
        if (err != EINTR) return raise_errno(vm, E_OSError, err);
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
}

/* sigtimedwait(sigset, timeout) -> the siginfo fields, or None when the
 * timeout passes first. */
static Value sig_sigtimedwait(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    sigset_t s;
    double secs;
    if (!args_check(vm, "sigtimedwait", nargs, kw, 2, 2) || !sigset_arg(vm, args[0], &s)) return ERR;
    if (is_int(args[1])) secs = (double)as_int(args[1]);
    else if (is_float(args[1])) secs = as_float(args[1]);
    else return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[1]);
    if (secs < 0) return exc_raise(vm, E_ValueError, "timeout must be non-negative");
    struct timespec ts_wait = {(time_t)secs, (long)((secs - (double)(time_t)secs) * 1e9)};
    siginfo_t si;
    for (;;) {
        memset(&si, 0, sizeof si);
        ThreadState *ts = gil_release(vm);
        int r = sigtimedwait(&s, &si, &ts_wait), err = errno;
        gil_acquire(vm, ts);
        if (r >= 0) return siginfo_tuple(vm, &si);
        if (err == EAGAIN) return NONE_VAL;
        if (err != EINTR) return raise_errno(vm, E_OSError, err);
        if (vm_signals(vm) && !vm_handle_signals(vm, false)) return ERR;
    }
}

/* set_wakeup_fd(fd, *, warn_on_full_buffer=True) -> the previous fd. */
static Value sig_set_wakeup_fd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fd", "warn_on_full_buffer", NULL};
    Value v[2];
    int fd;
    if (!args_bind(vm, "set_wakeup_fd", args, nargs, kw, names, 2, 1, 1, 0, v) || !int_arg(vm, v[0], &fd)) return ERR;
    if (!gil_is_main(vm))
        return exc_raise(vm, E_ValueError, "set_wakeup_fd only works in main thread of the main interpreter");
    if (fd != -1) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0) return raise_errno(vm, E_OSError, errno);
        if (!(fl & O_NONBLOCK)) return exc_raise(vm, E_ValueError, "the fd %d must be in non-blocking mode", fd);
    }
    int old = wakeup_fd;
    wakeup_fd = fd;
    return int_val(old);
}

/* pthread_kill(thread_id, signalnum). Asy's other threads block every
 * signal and scripts' handlers run on the main thread anyway, so a signal
 * for any thread goes to the process, which the kernel hands to the main
 * thread: what a handler sees is the same as in CPython. */
static Value sig_pthread_kill(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int sig;
    int64_t ident;
    if (!args_check(vm, "pthread_kill", nargs, kw, 2, 2)) return ERR;
    if (!is_intlike(args[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[0]);
    if (!index_value(vm, args[0], &ident, NULL) || !int_arg(vm, args[1], &sig)) return ERR;
    int err = gil_is_main(vm) ? pthread_kill(pthread_self(), sig) : (kill(getpid(), sig) < 0 ? errno : 0);
    if (err) return raise_errno(vm, E_OSError, err);
    return vm_signals(vm) && !vm_handle_signals(vm, false) ? ERR : NONE_VAL;
}

static Value sig_pidfd_send_signal(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int pidfd, sig, flags = 0;
    if (!args_check(vm, "pidfd_send_signal", nargs, kw, 2, 4) || !int_arg(vm, args[0], &pidfd) ||
        !int_arg(vm, args[1], &sig) || (nargs > 3 && !int_arg(vm, args[3], &flags)))
        return ERR;
    if (nargs > 2 && args[2] != NONE_VAL) return exc_raise(vm, E_TypeError, "siginfo must be None");
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags) < 0) return raise_errno(vm, E_OSError, errno);
    return NONE_VAL;
}

/* ---- interval timers --------------------------------------------------------------------- */

static Value timer_pair(VM *vm, const struct itimerval *t) {
    Value v[2] = {float_val((double)t->it_value.tv_sec + (double)t->it_value.tv_usec / 1e6),
                  float_val((double)t->it_interval.tv_sec + (double)t->it_interval.tv_usec / 1e6)};
    ObjTuple *r = tuple_from(vm, v, 2);
    return r ? obj_val(r) : ERR;
}

static bool secs_arg(VM *vm, Value v, struct timeval *tv) {
    double d;
    if (is_float(v)) d = as_float(v);
    else if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "must be real number, not %T", v);
        return false;
    } else if (int_to_float(vm, v, &d) == ERR) return false;
    if (d < 0) d = -1;      /* the kernel says EINVAL */
    tv->tv_sec = (time_t)d;
    tv->tv_usec = (suseconds_t)((d - (double)tv->tv_sec) * 1e6);
    if (d > 0 && tv->tv_sec == 0 && tv->tv_usec == 0) tv->tv_usec = 1;   /* never 0: that disarms */
    return true;
}

static Value itimer_error(VM *vm, int err) {
    Value cls = dict_get_str(vm->modules, str_intern_cstr(vm, "_signal"));
    cls = is_kind(cls, OBJ_MODULE) ? dict_get_str(AS(ObjModule, cls)->dict, str_intern_cstr(vm, "ItimerError")) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) return raise_errno(vm, E_OSError, err);
    Value a[2] = {int_val(err), str_from_cstr(vm, strerror(err))};
    if (a[1] == ERR) return ERR;
    Value e = op_call2(vm, cls, a[0], a[1]);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static Value sig_setitimer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int which;
    struct itimerval t = {{0, 0}, {0, 0}}, old;
    if (!args_check(vm, "setitimer", nargs, kw, 2, 3) || !int_arg(vm, args[0], &which) ||
        !secs_arg(vm, args[1], &t.it_value) || (nargs > 2 && !secs_arg(vm, args[2], &t.it_interval)))
        return ERR;
    if (t.it_value.tv_sec < 0 || t.it_interval.tv_sec < 0 || setitimer(which, &t, &old) != 0)
        return itimer_error(vm, t.it_value.tv_sec < 0 || t.it_interval.tv_sec < 0 ? EINVAL : errno);
    return timer_pair(vm, &old);
}

static Value sig_getitimer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int which;
    struct itimerval t;
    if (!args_check(vm, "getitimer", nargs, kw, 1, 1) || !int_arg(vm, args[0], &which)) return ERR;
    if (getitimer(which, &t) != 0) return itimer_error(vm, errno);
    return timer_pair(vm, &t);
}

/* ---- the module ------------------------------------------------------------------------- */

/* The handler table, from the dispositions the process has now. */
static bool make_handlers(VM *vm, Value default_int) {
    ObjList *l = list_new(vm, NSIG);
    if (!l || !vm_push_root(vm, obj_val(l))) return false;
    bool ok = list_append(vm, l, default_int) == 0;
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction sa;
        Value h = NONE_VAL;
        if (sigaction(sig, NULL, &sa) == 0) {
            if (sa.sa_handler == SIG_DFL) h = int_val(0);
            else if (sa.sa_handler == SIG_IGN) h = int_val(1);
            else if (sig == SIGINT) {
                host_sigint = sa;
                have_host_sigint = true;
                h = default_int;
            }
        }
        ok = ok && list_append(vm, l, h) == 0;
    }
    vm_pop_roots(vm, 1);
    if (!ok) return false;
    vm->signal_handlers = obj_val(l);
    vm->signal_run = run_pending;
    vm->signal_detach = detach;
    return true;
}

static bool add_itimer_error(VM *vm, ObjModule *m) {
    ObjDict *ns = dict_new(vm);
    if (!ns || !vm_push_root(vm, obj_val(ns))) return false;
    ObjTuple *bases = tuple_from(vm, (Value[]){obj_val(vm->exc_types[E_OSError])}, 1);
    bool ok = bases && dict_set_str(vm, ns, str_intern_cstr(vm, "__module__"), str_from_cstr(vm, "signal")) == 0;
    Value cls = ok ? class_new(vm, str_intern_cstr(vm, "itimer_error"), bases, ns) : ERR;
    vm_pop_roots(vm, 1);
    return cls != ERR && module_add_value(vm, m, "ItimerError", cls);
}

static const struct { const char *name; NativeFn fn; } functions[] = {
    {"signal", sig_signal}, {"getsignal", sig_getsignal}, {"raise_signal", sig_raise_signal},
    {"pause", sig_pause}, {"alarm", sig_alarm}, {"strsignal", sig_strsignal}, {"siginterrupt", sig_siginterrupt},
    {"valid_signals", sig_valid_signals}, {"pthread_sigmask", sig_pthread_sigmask}, {"sigpending", sig_sigpending},
    {"sigwait", sig_sigwait}, {"sigwaitinfo", sig_sigwaitinfo}, {"sigtimedwait", sig_sigtimedwait},
    {"set_wakeup_fd", sig_set_wakeup_fd}, {"pidfd_send_signal", sig_pidfd_send_signal},
    {"pthread_kill", sig_pthread_kill}, {"setitimer", sig_setitimer}, {"getitimer", sig_getitimer},
};

#define S(name) {#name, name}
static const struct { const char *name; int value; } constants[] = {
    S(SIGHUP), S(SIGINT), S(SIGQUIT), S(SIGILL), S(SIGTRAP), S(SIGABRT), S(SIGIOT), S(SIGBUS), S(SIGFPE),
    S(SIGKILL), S(SIGUSR1), S(SIGSEGV), S(SIGUSR2), S(SIGPIPE), S(SIGALRM), S(SIGTERM), S(SIGSTKFLT),
    S(SIGCHLD), S(SIGCLD), S(SIGCONT), S(SIGSTOP), S(SIGTSTP), S(SIGTTIN), S(SIGTTOU), S(SIGURG),
    S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF), S(SIGWINCH), S(SIGIO), S(SIGPOLL), S(SIGPWR),
    S(SIGSYS), S(NSIG), S(ITIMER_REAL), S(ITIMER_VIRTUAL), S(ITIMER_PROF), S(SIG_BLOCK), S(SIG_UNBLOCK),
    S(SIG_SETMASK), {"SIG_DFL", 0}, {"SIG_IGN", 1},
};
#undef S

bool mod_signal_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (!module_add_value(vm, m, constants[i].name, int_val(constants[i].value))) return false;
    }
    if (!module_add_value(vm, m, "SIGRTMIN", int_val(SIGRTMIN)) || !module_add_value(vm, m, "SIGRTMAX", int_val(SIGRTMAX)))
        return false;
    if (vm->signal_handlers == UNDEF) {     /* the first import in this VM */
        ObjNative *dih = native_new(vm, "default_int_handler", sig_default_int_handler);
        if (!dih || !vm_push_root(vm, obj_val(dih))) return false;
        bool ok = make_handlers(vm, obj_val(dih));
        vm_pop_roots(vm, 1);
        if (!ok) return false;
    }
    if (!module_add_value(vm, m, "default_int_handler", handlers(vm)->items[0])) return false;
    return add_itimer_error(vm, m);
}
