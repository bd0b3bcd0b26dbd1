/* C argument vectors and environment blocks for starting programs: what
 * os.exec*, os.posix_spawn-free spawning in _subprocess and os.system need
 * from Asy values, built before fork() so that the child only calls
 * async-signal-safe functions. */
#ifndef ASY_PROCARGS_H
#define ASY_PROCARGS_H

#include "../vm/vm.h"

/* A NULL-terminated copy of a list or tuple of str, for execv: CPython's
 * messages name `fname` ("execv() arg 2 must be a tuple or list"). With
 * `nonempty`, an empty sequence or an empty first item is a ValueError, as
 * for os.execv. NULL after raising. */
char **procargs_argv(VM *vm, const char *fname, Value seq, bool nonempty);

/* "KEY=VALUE" strings from a mapping of str to str (os.environ, a dict, any
 * object with keys()). NULL after raising. */
char **procargs_env(VM *vm, const char *fname, Value env);

/* A str path argument as a C string; NULL after raising. */
const char *procargs_path(VM *vm, const char *fname, Value v);
/* procargs_path of a str or an os.PathLike: the str that __fspath__ gives
 * replaces *v (errors name it, as CPython's) and is pushed as a GC root,
 * counted in *nroots (the caller pops them after the system call). */
const char *procargs_fspath(VM *vm, const char *fname, Value *v, int *nroots);

void procargs_free(char **v);

/* A C long argument (an int or bool; no __index__, as CPython's "l"
 * format for these calls): CPython's TypeError or OverflowError. */
bool procargs_long(VM *vm, Value v, long *out);

/* Raises the OSError subclass for errno `err`, with no, one or two file
 * names (UNDEF for none): CPython's "[Errno 17] File exists: 'a' -> 'b'".
 * Returns ERR. */
Value procargs_oserror(VM *vm, int err, Value file, Value file2);

#endif
