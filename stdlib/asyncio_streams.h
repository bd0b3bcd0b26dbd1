/* TCP streams on the event loop (see asyncio_streams.c): adds their natives
 * to the _asyncio module. */
#ifndef ASY_ASYNCIO_STREAMS_H
#define ASY_ASYNCIO_STREAMS_H

#include <uv.h>

#include "../vm/vm.h"

bool asyncio_streams_init(VM *vm, ObjModule *m);
/* A stream object (read, write, drain, write_eof, close) over a new,
 * unopened pipe handle: for a subprocess's standard streams (uv_spawn's
 * UV_CREATE_PIPE). ERR after raising. */
Value asyncio_stream_new_pipe(VM *vm, uv_pipe_t **pipe);
/* Closes such a stream when the spawn failed. */
void asyncio_stream_abandon(VM *vm, Value conn);
/* A native method's receiver check: self must be an object of the handle
 * class cls ("read() needs a TCP connection"), then args_check of n
 * arguments. */
bool asyncio_handle_check(VM *vm, Value self, ObjClass *cls, const char *what, const char *name, int nargs,
                          ObjTuple *kw, int n);

#endif
