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
 * (SyntaxError, IndentationError, MemoryError). `bytes`: the source was
 * read as bytes (a file), not given as a str (PARSE_BYTES). */
ObjCode *compile_source(VM *vm, const char *src, size_t len, const char *filename, bool interactive, bool bytes);

/* What compile(), exec() and eval() compile, as CPython's modes: a module,
 * one expression whose value the code returns, or an interactive statement
 * (expression statements print their values). */
typedef enum CompileMode { COMPILE_EXEC, COMPILE_EVAL, COMPILE_SINGLE } CompileMode;

/* compile_source for the builtins: reads of names at module level go
 * through the frame's locals mapping first (LOAD_NAME), as CPython compiles
 * every module, so that exec(src, globals, locals) sees both. `bytes` as
 * for compile_source: compile(b"...") rather than compile("..."). */
ObjCode *compile_string(VM *vm, const char *src, size_t len, const char *filename, CompileMode mode, bool bytes);

/* Parses without compiling, for the ast module: the S_MODULE of `exec` and
 * `single` (which must hold one statement), the expression of `eval`. Raises
 * the SyntaxError compile() would and issues the parser's warnings; NULL
 * with vm->exc set on failure. The tree lives in `arena`. */
Node *compile_parse_tree(VM *vm, AstArena *arena, const char *src, size_t len, const char *filename, CompileMode mode,
                         bool bytes);

#endif
