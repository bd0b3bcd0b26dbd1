/* What a child made by fork() (the process pool's workers) must redo: only
 * the forking thread came along, so the interpreter lock, the default
 * executor and the event loop start over, and the parent's sockets to other
 * workers are closed, or those workers would never see their end. */
#ifndef ASY_FORK_H
#define ASY_FORK_H

#include "vm.h"

/* File descriptors every child must close (the parent's ends of worker
 * sockets). */
void fork_fd_remember(VM *vm, int fd);
void fork_fd_forget(VM *vm, int fd);

/* In the child, right after fork(): `keep` is the descriptor it keeps. */
void vm_after_fork(VM *vm, int keep);

#endif
