/* Standard library modules written in Asy (stdlib/<name>.asy, where <name> is
 * the full dotted name), compiled into the binary as source text by
 * cmake/embed.cmake. */
#ifndef ASY_EMBEDDED_H
#define ASY_EMBEDDED_H

#include <stdbool.h>
#include <stddef.h>

typedef struct EmbeddedModule {
    const char *name;       /* NULL ends the table */
    const char *source;
    size_t len;
    bool package;           /* another module's name starts with this one's plus '.' */
} EmbeddedModule;

extern const EmbeddedModule embedded_modules[];

#endif
