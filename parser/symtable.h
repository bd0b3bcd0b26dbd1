/* Scope analysis: the first pass of the compiler. It builds a tree of scopes
 * (module, functions, lambdas, comprehensions, class bodies, and the
 * annotation scopes of PEP 695, which are functions) and decides for
 * every name in every scope whether it is a fast local, a cell, a free
 * variable from an enclosing function, or a global. The code generator walks
 * the AST in the same order and takes the child scopes one by one. */
#ifndef ASY_SYMTABLE_H
#define ASY_SYMTABLE_H

#include "../vm/vm.h"
#include "ast.h"

typedef enum ScopeKind { SCOPE_MODULE, SCOPE_FUNCTION, SCOPE_CLASS } ScopeKind;

/* What the source does with a name in one scope. */
#define SYM_ASSIGNED 1
#define SYM_PARAM 2
#define SYM_GLOBAL 4        /* declared `global` */
#define SYM_NONLOCAL 8      /* declared `nonlocal` */
#define SYM_USED 16
#define SYM_ANNOT 32        /* annotated as a bare name (`x: int`) */
#define SYM_BOUND 64        /* bound by anything but an import (CPython's DEF_LOCAL) */
#define SYM_FREE_CLASS 128  /* class scopes: also passed through to methods as a free variable */
#define SYM_UNBINDS 256     /* deleted by `del`, or an `except ... as` name (unbound after its handler) */
#define SYM_WALRUS 512      /* a `:=` target (in the scope or a comprehension in it) */

/* Where the name lives, once resolved. */
typedef enum NameKind {
    NAME_LOCAL,             /* a fast local (functions) or the namespace (classes) */
    NAME_CELL,              /* a local that inner functions capture */
    NAME_FREE,              /* captured from an enclosing function */
    NAME_GLOBAL_EXPLICIT,
    NAME_GLOBAL_IMPLICIT
} NameKind;

typedef struct Symbol {
    ObjStr *name;           /* interned */
    int flags;
    NameKind kind;
    int index;              /* slot among locals, or among cells then frees */
    const Node *directive;  /* the first global/nonlocal statement naming it */
    int free_index;         /* SYM_FREE_CLASS: its slot among the frees */
} Symbol;

typedef struct Scope Scope;
struct Scope {
    ScopeKind kind;
    Node *node;
    Scope *parent;
    const char *private_name;   /* the innermost enclosing class's name (name mangling), or NULL */
    Scope **children;
    int nchildren, capchildren, next_child;
    Symbol *syms;
    int nsyms, capsyms;
    int *sym_index;         /* a scope with many names: an open-addressed table of
                             * sym positions + 1 (0 empty), sym_index_cap slots */
    int sym_index_cap;
    bool is_comprehension, is_lambda;
    int comp_iter;          /* > 0 while visiting a comprehension's iterable here */
    bool is_generator, is_coroutine;
    bool is_annotation;     /* a PEP 695 annotation scope: a hidden function run at once */
    const char *annot_what; /* ... "a type alias", for its error messages */
    bool can_see_class;     /* an annotation scope in a class body: reads the class's names first */
    bool needs_classdict;   /* a class body whose annotation scopes do: its __classdict__ cell */
    bool uses_class_cell;   /* a function that uses super() or __class__ */
    bool needs_class_cell;  /* a class body whose methods use them */
    ObjStr **locals;        /* fast locals in slot order: parameters first */
    int nlocals;
    ObjStr **cells;         /* cell variables, then free variables */
    int ncells, nfrees;
    int *cell2arg;
};

typedef struct SymError {
    char msg[200];
    int line, col, end_line, end_col;
    bool too_deep;          /* nesting beyond what the compiler handles: RecursionError */
    bool no_end;            /* CPython gives only a start (end_offset None): __future__ errors */
} SymError;

/* How deeply statements and expressions may nest; beyond it compilation
 * is a RecursionError, as in CPython (whose limit this is, counted the same
 * way: eval's '-' * 2995 + '1' compiles, '-' * 2996 + '1' does not), rather
 * than a C stack overflow. Checked under ASan with a 4 MiB stack. */
#define COMPILE_MAX_NESTING 2996
/* Functions, lambdas, comprehensions and classes nested in each other: a
 * lambda costs more C stack than other expressions, but 3000 of them fit
 * in the same 4 MiB. */
#define COMPILE_MAX_SCOPES 3000

/* Builds and resolves the scopes of a module (or of the REPL's input). The
 * tree is allocated in `arena`; returns NULL with *err filled on a
 * SyntaxError, or with err->msg empty when memory ran out.
 * future_annotations: annotations stay text though the module does not
 * import the feature (compile()'s flags, or inherited by exec/eval).
 * eval_input: the module is eval()'s expression in a statement of its own,
 * which does not count in the nesting. */
Scope *symtable_build(VM *vm, AstArena *arena, Node *module, SymError *err, bool future_annotations,
                      bool eval_input);

Symbol *scope_lookup(Scope *s, ObjStr *name);

/* An identifier as used in scope s, interned: `__x` inside a class C (its
 * body and the functions in it) is `_C__x`, CPython's private name
 * mangling; other names are unchanged. NULL when memory ran out. */
ObjStr *scope_mangle(VM *vm, Scope *s, const char *name);

#endif
