/* Standard library modules written in Asy (stdlib/<name>.asy), compiled into the
 * binary as source text by cmake/embed.cmake. */
#ifndef ASY_EMBEDDED_H
#define ASY_EMBEDDED_H

#include <stddef.h>

typedef struct EmbeddedModule {
    const char *name;       /* NULL ends the table */
    const char *source;
    size_t len;
} EmbeddedModule;

extern const EmbeddedModule embedded_modules[];

#endif
