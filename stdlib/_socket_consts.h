/* The socket constants beyond _socket.c's core ones: whichever of CPython's
 * Linux names the system headers define (stdlib/_socket_consts.c). */
#ifndef ASY_SOCKET_CONSTS_H
#define ASY_SOCKET_CONSTS_H

typedef struct SocketConst {
    const char *name;
    long value;
} SocketConst;

extern const SocketConst socket_more_constants[];     /* ends with a NULL name */

#endif
