/* What the match statement's instructions do at run time (PEP 634), as
 * CPython 3.11's ceval.c does it. The compiler (parser/compile.c) does the
 * rest with ordinary instructions. */
#ifndef ASY_MATCH_H
#define ASY_MATCH_H

#include "vm.h"

/* CLASS_SEQUENCE, CLASS_MAPPING or 0, as CPython's Py_TPFLAGS_SEQUENCE and
 * Py_TPFLAGS_MAPPING: the flag a class was given (by collections.abc's
 * register()) or else that of the first class on its MRO that has one, so
 * `class M(UserDict, Sequence)` is a mapping. */
int match_collection(VM *vm, ObjClass *cls);

/* MATCH_SEQUENCE: list, tuple, range, memoryview, a class flagged CLASS_SEQUENCE
 * (collections.deque, UserList, UserString) and what derives from them;
 * never str, bytes or bytearray. */
bool match_is_sequence(VM *vm, Value v);

/* MATCH_MAPPING: dict, a class flagged CLASS_MAPPING (UserDict, ChainMap)
 * and what derives from them. */
bool match_is_mapping(VM *vm, Value v);

/* MATCH_KEYS: a tuple of map's values for keys (looked up with map.get, so
 * that a defaultdict does not grow), NONE_VAL when one is missing, or ERR
 * (ValueError for a key given twice). */
Value match_keys(VM *vm, Value map, ObjTuple *keys);

/* MATCH_CLASS: if subject is an instance of cls, a tuple of its attributes
 * named by cls.__match_args__ (the first nargs of them) and by names;
 * NONE_VAL when it is not or one is missing; ERR after raising TypeError
 * (cls is no class, too many positional sub-patterns, a bad
 * __match_args__, an attribute given twice) or what a getter raised. */
Value match_class(VM *vm, Value subject, Value cls, int nargs, ObjTuple *names);

#endif
