/* pickle for C: turning a value into bytes and back, for the process pool
 * (stdlib/pickle.c implements both this and the Python module).
 *
 * The bytes are CPython's pickle format (protocol 4), described in
 * docs/serialization.md. What round-trips: None, bools,
 * Ellipsis, NotImplemented, ints of any size, floats, str, bytes,
 * bytearray, tuple, list, dict, set, frozenset, range, slice; functions,
 * classes and builtins by reference (module and qualified name); bound
 * methods; exceptions; instances of script classes (honouring __reduce_ex__,
 * __reduce__, __getnewargs__, __getstate__ and __setstate__ as CPython's
 * pickle does); deque, OrderedDict, defaultdict, Counter and namedtuples.
 * Shared and cyclic references come back shared and cyclic.
 *
 * Both functions may run script code (__reduce__, __setstate__, imports of
 * the modules that hold the classes), so the caller must keep `v` reachable
 * and `data` valid and unchanged until they return. Errors are those of the
 * Python functions: pickle.PicklingError / pickle.UnpicklingError (the
 * pickle module is imported on first need), TypeError for an object that
 * cannot be pickled, RecursionError for data nested too deeply.
 */
#ifndef ASY_PICKLE_H
#define ASY_PICKLE_H

#include "../vm/vm.h"

/* A bytes object holding v, or ERR with vm->exc set. */
Value pickle_dumps(VM *vm, Value v);

/* The value that `len` bytes of pickle data hold, or ERR with vm->exc set.
 * Bytes after the end of the pickle are ignored. */
Value pickle_loads(VM *vm, const uint8_t *data, size_t len);

#endif
