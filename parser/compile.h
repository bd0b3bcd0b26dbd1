/* The compiler: AST to code objects (scopes, closures, the exception and
 * line tables). */
#ifndef ASY_COMPILE_H
#define ASY_COMPILE_H

#include "../vm/vm.h"
#include "ast.h"

/* Compiles a module. `src` is kept only for SyntaxError texts. Returns NULL
 * with vm->exc set to a SyntaxError on failure. `interactive` makes each
 * expression statement print its value (the REPL). */
ObjCode *compile_module(VM *vm, Node *module, const char *filename, const char *src, size_t len, bool interactive);

/* Parses and compiles in one step; NULL with vm->exc set on failure
 * (SyntaxError, IndentationError, MemoryError). */
ObjCode *compile_source(VM *vm, const char *src, size_t len, const char *filename, bool interactive);

#endif
