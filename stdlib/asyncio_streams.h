/* TCP streams on the event loop (see asyncio_streams.c): adds their natives
 * to the _asyncio module. */
#ifndef ASY_ASYNCIO_STREAMS_H
#define ASY_ASYNCIO_STREAMS_H

#include "../vm/vm.h"

bool asyncio_streams_init(VM *vm, ObjModule *m);

#endif
