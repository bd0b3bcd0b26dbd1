/* The text asyncio shows for callbacks and values: in the reprs of handles,
 * futures and tasks, and in "Exception in callback ..." reports. */
#ifndef ASY_ASYNC_FORMAT_H
#define ASY_ASYNC_FORMAT_H

#include "future.h"
#include "str.h"

/* "f(1, 'a') at file.py:3" for a callback and its arguments (a tuple, or
 * UNDEF for none): asyncio's words, from the describer that the asyncio
 * module registers (_asyncio._set_formatters); before that, or if it
 * fails, the callback's qualified name and the arguments' reprs. */
void async_describe_callback(VM *vm, Value fn, Value args, StrBuf *b);
/* A value as reprlib shortens it (a future's result). */
void async_short_repr(VM *vm, Value v, StrBuf *b);
/* " cb=[...]" for a future's pending done callbacks, or nothing. */
void async_callbacks_info(VM *vm, Future *f, StrBuf *b);

#endif
