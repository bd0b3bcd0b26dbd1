/* OS threads that run Asy code (DESIGN decision 5): each has its own
 * thread state and fiber and runs only while it holds the interpreter lock
 * (gil.h). Used by the _thread module and the worker pools. */
#ifndef ASY_THREAD_H
#define ASY_THREAD_H

#include "vm.h"

/* What a thread runs, holding the lock; when it returns, the thread ends. */
typedef void (*ThreadBody)(VM *vm, void *arg);

/* Starts a thread that runs body(vm, arg). `payload` stays reachable as long
 * as the thread lives. Sets *ident (_thread.get_ident() in the new thread)
 * if asked. False after raising (RuntimeError "can't start new thread"). */
bool thread_start(VM *vm, ThreadBody body, void *arg, Value payload, uint64_t *ident);

/* Prints an exception that escaped a thread, as CPython's unraisable hook:
 * "Exception ignored in thread started by: <fn>" and the traceback.
 * SystemExit ends a thread quietly. Clears vm->exc. */
void thread_report(VM *vm, const char *what, Value fn);

#endif
