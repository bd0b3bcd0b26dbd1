/* OS threads that run Asy code (see thread.h). */
#include "thread.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exc.h"
#include "gil.h"
#include "ops.h"
#include "str.h"

/* Native code nests up to C_DEPTH_MAX interpreter runs on the C stack: give
 * threads the main thread's usual room, at least. */
#define THREAD_STACK_MIN ((size_t)8 << 20)

typedef struct Start {
    ThreadState *ts;
    ThreadBody body;
    void *arg;
} Start;

static void *thread_main(void *p) {
    Start st = *(Start *)p;
    free(p);
    VM *vm = st.ts->vm;
    st.ts->native_id = (long)syscall(SYS_gettid);
    gil_acquire(vm, st.ts);
    st.body(vm, st.arg);
    thread_state_exit(vm);
    return NULL;
}

static size_t stack_size(void) {
    struct rlimit rl;
    size_t size = THREAD_STACK_MIN;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > size) size = rl.rlim_cur;
    return size;
}

bool thread_start(VM *vm, ThreadBody body, void *arg, Value payload, uint64_t *ident) {
    Start *st = malloc(sizeof *st);
    ThreadState *ts = st ? thread_state_new(vm) : NULL;
    if (!ts) {
        free(st);
        if (vm->exc == UNDEF) exc_nomem(vm);
        return false;
    }
    ts->payload = payload;
    *st = (Start){ts, body, arg};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, stack_size());
    /* Signals go to the main thread, which handles Ctrl-C: the new thread
     * starts with all of them blocked. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t tid;
    int err = pthread_create(&tid, &attr, thread_main, st);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (err) {
        free(st);
        thread_state_discard(vm, ts);
        exc_raise(vm, E_RuntimeError, "can't start new thread");
        return false;
    }
    ts->ident = (uint64_t)tid;
    if (ident) *ident = ts->ident;
    return true;
}

void thread_report(VM *vm, const char *what, Value fn) {
    if (vm->exc == UNDEF || exc_is(vm, vm->exc, E_SystemExit)) {
        vm->exc = UNDEF;
        return;
    }
    char prefix[200];
    snprintf(prefix, sizeof prefix, "Exception ignored in %s: ", what);
    exc_report_unraisable(vm, prefix, fn);
}
