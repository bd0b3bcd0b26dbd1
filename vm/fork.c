/* After fork() (see fork.h). */
#include "fork.h"

#include <stdlib.h>
#include <unistd.h>

#include "gil.h"
#include "pool.h"
#include "scheduler.h"

void fork_fd_remember(VM *vm, int fd) {
    if (fd < 0) return;
    if (vm->nfork_fds == vm->fork_fds_cap) {
        int cap = vm->fork_fds_cap ? vm->fork_fds_cap * 2 : 16;
        int *a = realloc(vm->fork_fds, (size_t)cap * sizeof *a);
        if (!a) return;     /* at worst a worker sees its end late */
        vm->fork_fds = a;
        vm->fork_fds_cap = cap;
    }
    vm->fork_fds[vm->nfork_fds++] = fd;
}

void fork_fd_forget(VM *vm, int fd) {
    for (int i = 0; i < vm->nfork_fds; i++) {
        if (vm->fork_fds[i] == fd) {
            vm->fork_fds[i] = vm->fork_fds[--vm->nfork_fds];
            return;
        }
    }
}

void vm_after_fork(VM *vm, int keep) {
    for (int i = 0; i < vm->nfork_fds; i++) {
        if (vm->fork_fds[i] != keep) close(vm->fork_fds[i]);
    }
    vm->nfork_fds = 0;
    gil_after_fork(vm);
    pool_after_fork(vm);
    sched_after_fork(vm);
}
