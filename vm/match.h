/* What the match statement's instructions do at run time (PEP 634), as
 * CPython 3.11's ceval.c does it. The compiler (parser/compile.c) does the
 * rest with ordinary instructions. */
#ifndef ASY_MATCH_H
#define ASY_MATCH_H

#include "vm.h"

/* MATCH_SEQUENCE: list, tuple, range, a class flagged CLASS_SEQUENCE
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
