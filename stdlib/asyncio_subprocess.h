/* Child processes on the event loop (see asyncio_subprocess.c): adds their
 * natives to the _asyncio module. */
#ifndef ASY_ASYNCIO_SUBPROCESS_H
#define ASY_ASYNCIO_SUBPROCESS_H

#include "../vm/vm.h"

bool asyncio_subprocess_init(VM *vm, ObjModule *m);

#endif
