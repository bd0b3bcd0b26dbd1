/* asyncio's Queue, LifoQueue, PriorityQueue, Event and Lock in C (see
 * asyncio_sync.c): adds their natives to the _asyncio module. */
#ifndef ASY_ASYNCIO_SYNC_H
#define ASY_ASYNCIO_SYNC_H

#include "../vm/vm.h"

bool asyncio_sync_init(VM *vm, ObjModule *m);
/* Whether f is Queue.get, Lock.acquire, ... (a coroutine function to
 * asyncio.iscoroutinefunction), possibly bound. */
bool asyncio_sync_is_coroutine_method(Value f);

#endif
