/* The compiler's constants: literal values, constant folding as CPython's
 * AST optimizer does it, and the pool that makes equal constants of one
 * compilation one object. */
#ifndef ASY_CONSTS_H
#define ASY_CONSTS_H

#include "../vm/vm.h"
#include "ast.h"

/* A string literal's object (identifier-like ones interned); ERR after
 * raising. */
Value const_str(VM *vm, const char *p, size_t len);
/* The digit count of int literal e when it is decimal and longer than
 * sys.set_int_max_str_digits allows (a SyntaxError, left to the compiler:
 * such a literal is not folded), else 0. */
int64_t const_int_digits_over(VM *vm, const Node *e);

/* The value e evaluates to when CPython's optimizer makes it a constant
 * (a literal, or operators, subscripts and tuples over constants, within
 * the optimizer's size limits); UNDEF otherwise, with no exception left
 * pending (what fails to fold fails again at run time, where it should). */
Value const_fold(VM *vm, const Node *e);

/* Equal constants (same type, same value, -0.0 apart from 0.0) of one
 * compilation, interned by value: CPython's compiler merges them, so
 * `a = (1, 2); b = (1, 2); a is b` holds, as does a string literal in a
 * function and the same one at module level. Values live only in the code
 * objects that take them (no collection runs while compiling). */
typedef struct ConstPool {
    Value *slots;
    uint64_t *hashes;
    uint32_t cap, n;
} ConstPool;

/* v itself, or the pool's equal constant; tuples are merged item by item
 * first. Values that are not merged (immediates, code objects, ...) come
 * back unchanged, as does everything when memory runs out. */
Value const_pool_merge(VM *vm, ConstPool *pool, Value v);
void const_pool_free(ConstPool *pool);

#endif
