/* Functions, natives, bound methods, cells, and argument binding. */
#ifndef ASY_FUNC_H
#define ASY_FUNC_H

#include "vm.h"

ObjFunction *func_new(VM *vm, ObjCode *code, ObjDict *globals);
ObjNative *native_new(VM *vm, const char *name, NativeFn fn);
/* Makes n a method of the builtin class owner (NATIVE_METHOD): its class
 * becomes CPython's `wrapper_descriptor` for the names CPython implements
 * as type slots (`str.__add__`), `method_descriptor` for the others. */
void native_make_method(VM *vm, ObjNative *n, ObjClass *owner);
/* A bound method: a `method` around a script function, a
 * `builtin_function_or_method` (or `method-wrapper`, for a slot) around a
 * native. */
Value bound_new(VM *vm, Value self, Value func);
ObjCell *cell_new(VM *vm, Value v);
ObjCode *code_new(VM *vm);
int code_line(ObjCode *code, const uint32_t *ip);   /* line of the instruction before ip */
/* Each instruction's line into out[0 .. nins), -1 where it has none. */
void code_lines_each(ObjCode *code, int32_t *out);
/* The position-table row of the instruction before ip; false without one. */
bool code_position(ObjCode *code, const uint32_t *ip, LineEntry *row);
/* Packs rows (pc ascending) for ObjCode.lines: malloc'd, NULL if n is 0 or
 * memory ran out (the code then has no positions). */
uint8_t *position_table(const LineEntry *rows, int n);
/* co_code, co_lnotab, co_linetable or co_exceptiontable of a code object
 * (bytes), ERR after raising; UNDEF for any other name. */
Value code_table_attr(VM *vm, ObjCode *code, const char *name);
/* Adds the code type's methods (co_positions). */
void func_init_methods(VM *vm);
/* func_new.c: function's constructor (types.FunctionType) and code.replace(). */
void func_new_init(VM *vm);
/* Sets (v UNDEF: deletes) fn.__code__ (a code object with as many free
 * variables as fn's closure has cells), __defaults__, __kwdefaults__,
 * __name__, __qualname__ (strings), __doc__, __module__ or __dict__ (a
 * dict), or refuses the read-only ones, with CPython's errors: 0, -1 after
 * raising, 1 for a name the function's dict holds. */
int func_set_special(VM *vm, ObjFunction *fn, ObjStr *name, Value v);
/* f.__builtins__: its globals' __builtins__ (a module's dict), else the VM's. */
Value func_builtins(VM *vm, ObjFunction *f);

/* Binds a call's arguments into a new frame's locals (slots) with CPython's
 * rules and messages ("f() missing 1 required positional argument: 'x'",
 * "f() got an unexpected keyword argument 'y'", ...). false after raising. */
bool func_bind_args(VM *vm, ObjFunction *fn, Value *slots, Value *args, int nargs, ObjTuple *kwnames);

/* Argument parsing for natives: checks the count of positional arguments
 * ("len() takes exactly one argument (2 given)") and that there are no
 * keywords unless allowed. */
bool args_check(VM *vm, const char *name, int nargs, ObjTuple *kwnames, int min, int max);
/* Finds the keyword `name` in a native call; UNDEF if absent. */
Value args_kw(VM *vm, Value *args, int nargs, ObjTuple *kwnames, const char *name);
/* Binds a native's arguments to named parameters `names` into out[] (UNDEF
 * for those not given): at most `npos` positionally, the first `nmin`
 * required, with CPython's messages. Flags pick CPython's wording where its
 * functions differ. */
#define ARGS_INVALID_KW 1       /* "'k' is an invalid keyword argument for f()" */
#define ARGS_DUP_INVALID 2      /* the same wording for a keyword given twice */
bool args_bind(VM *vm, const char *fname, Value *args, int nargs, ObjTuple *kw, const char *const *names,
               int nparams, int npos, int nmin, int flags, Value *out);

/* For a method that takes only self: CPython's "int.bit_count() takes no
 * arguments (1 given)" and keyword errors, naming type.name. */
bool args_none(VM *vm, const char *type, const char *name, int nargs, ObjTuple *kwnames);

/* Raises TypeError "f() takes no keyword arguments" when there are any. */
bool args_no_kw(VM *vm, const char *fname, ObjTuple *kwnames);
/* The same for the __new__ of a builtin type `base` (map, itertools.chain,
 * ...) called for class cls: a subclass that defines its own __init__ may
 * be given keywords, which that __init__ takes, as in CPython. */
bool args_no_kw_new(VM *vm, const char *fname, Value cls, ObjClass *base, ObjTuple *kwnames);

/* Raises for keywords outside the accepted list (NULL-terminated), as
 * CPython's C functions word it: "'k' is an invalid keyword argument for
 * f()". args_kw_only_py words it as for a function CPython writes in
 * Python: "f() got an unexpected keyword argument 'k'". */
bool args_kw_only(VM *vm, const char *fname, ObjTuple *kwnames, const char *const *accepted);
bool args_kw_only_py(VM *vm, const char *fname, ObjTuple *kwnames, const char *const *accepted);

#endif
