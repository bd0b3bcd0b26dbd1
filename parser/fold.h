/* Constant folding, as CPython's AST optimizer does it (Python/ast_opt.c in
 * behaviour): an operation on constants is computed at compile time when
 * it cannot fail and its result stays small, so the code loads the result as
 * a constant. It shows in identity (`"hel" + "lo" is "hello"` holds, as the
 * compiler merges equal constants) and in the `is`-with-a-literal warning. */
#ifndef ASY_FOLD_H
#define ASY_FOLD_H

#include "../vm/vm.h"
#include "ast.h"

/* The value of a literal node (number, string, bytes, None, True, False,
 * `...`) as the compiler makes its constants; ERR after an error. */
typedef Value (*FoldLeaf)(void *ctx, const Node *n);

/* The constant n folds to: a literal, a tuple of constants, or a unary or
 * binary operation or a subscript on constants within CPython's limits.
 * UNDEF when n is no constant (or the operation raises: it is left to run
 * and raise then); ERR only when `leaf` failed. */
Value fold_expr(VM *vm, const Node *n, FoldLeaf leaf, void *ctx);

#endif
