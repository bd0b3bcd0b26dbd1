/* The instruction set, as one X-macro list: OP(name, stack effect).
 *
 * An instruction is one 32-bit word: the opcode in the low 8 bits, its
 * argument in the high 24. Instructions marked (+1 word) are followed by a
 * word holding the index of their inline cache. The stack effect is the net
 * change in stack height; VAR means the compiler computes it from the
 * argument (see compile.c: stack_effect). Jump targets are absolute
 * instruction indices. */
#ifndef ASY_OPCODES_H
#define ASY_OPCODES_H

#define VAR 99

#define OPCODES(OP) \
    OP(NOP, 0) \
    OP(POP_TOP, -1) \
    OP(COPY, 1)                 /* push a copy of stack[-arg] */ \
    OP(SWAP, 0)                 /* swap the top with stack[-arg] */ \
    OP(LOAD_CONST, 1) \
    OP(LOAD_SMALL_INT, 1)       /* arg: a signed 24-bit int */ \
    OP(LOAD_FAST, 1) \
    OP(STORE_FAST, -1) \
    OP(DELETE_FAST, 0) \
    OP(LOAD_DEREF, 1)           /* arg: cell index (after the locals) */ \
    OP(STORE_DEREF, -1) \
    OP(DELETE_DEREF, 0) \
    OP(LOAD_FROM_DICT_OR_DEREF, 0) /* [ns] -> [ns[name], or the cell's value]; arg: cell index */ \
    OP(LOAD_CLOSURE, 1)         /* pushes the cell itself, for MAKE_FUNCTION */ \
    OP(LOAD_GLOBAL, 1)          /* arg: name; +1 word: global cache */ \
    OP(STORE_GLOBAL, -1) \
    OP(DELETE_GLOBAL, 0) \
    OP(LOAD_NAME, 1)            /* class bodies: namespace, globals, builtins */ \
    OP(LOAD_LOCALS, 1)          /* pushes a class body's namespace */ \
    OP(LOAD_FROM_DICT_OR_GLOBALS, 0) /* [ns] -> [ns[name], or the global or builtin]; arg: name */ \
    OP(STORE_NAME, -1) \
    OP(DELETE_NAME, 0) \
    OP(SETUP_ANNOTATIONS, 0)    /* a module or class body: __annotations__ = {} unless the namespace has one */ \
    OP(LOAD_ATTR, 0)            /* arg: name; +1 word: attribute cache */ \
    OP(STORE_ATTR, -2)          /* [value, obj]; +1 word: attribute cache */ \
    OP(DELETE_ATTR, -1) \
    OP(LOAD_METHOD, 1)          /* [obj] -> [callable, self or UNDEF]; +1 word */ \
    OP(CALL, VAR)               /* [f, args*arg] -> [result] */ \
    OP(CALL_KW, VAR)            /* [f, args..., kwvalues..., kwnames]; arg = all values */ \
    OP(CALL_METHOD, VAR)        /* [f, self/UNDEF, args*arg] -> [result] */ \
    OP(CALL_METHOD_KW, VAR) \
    OP(CALL_EX, VAR)            /* [f, args tuple, (kwargs dict if arg & 1)] */ \
    OP(BINARY_ADD, -1) \
    OP(BINARY_SUB, -1) \
    OP(BINARY_MUL, -1) \
    OP(BINARY_OP, -1)           /* arg: BinOp */ \
    OP(INPLACE_OP, -1)          /* arg: BinOp */ \
    OP(INPLACE_ADD_FAST, -1)    /* local[arg] += TOS (strings may grow in place) */ \
    OP(LOAD_FAST_KEEP, 1)       /* LOAD_FAST for ADD_STORE_FAST: leaves STR_UNIQUE set */ \
    OP(ADD_STORE_FAST, -2)      /* local[arg] = TOS1 + TOS (`s = s + t`: strings may grow in place) */ \
    OP(INPLACE_ADD_STORE_FAST, -2) /* local[arg] = TOS1 += TOS (`x += f()`: x read before f runs) */ \
    OP(COMPARE_LT, -1) \
    OP(COMPARE_LE, -1) \
    OP(COMPARE_EQ, -1) \
    OP(COMPARE_NE, -1) \
    OP(COMPARE_GT, -1) \
    OP(COMPARE_GE, -1) \
    OP(IS_OP, -1)               /* arg 1: is not */ \
    OP(CONTAINS_OP, -1)         /* arg 1: not in */ \
    OP(UNARY_NEG, 0) \
    OP(UNARY_POS, 0) \
    OP(UNARY_NOT, 0) \
    OP(UNARY_INVERT, 0) \
    OP(BINARY_SUBSCR, -1) \
    OP(STORE_SUBSCR, -3)        /* [value, obj, key] */ \
    OP(DELETE_SUBSCR, -2) \
    OP(BUILD_TUPLE, VAR) \
    OP(BUILD_LIST, VAR) \
    OP(BUILD_SET, VAR) \
    OP(BUILD_MAP, VAR)          /* arg pairs: k1, v1, k2, v2, ... */ \
    OP(BUILD_SLICE, VAR)        /* arg: 2 or 3 */ \
    OP(BUILD_STRING, VAR) \
    OP(LIST_APPEND, -1)         /* append TOS to the list at stack[-arg] (after the pop) */ \
    OP(SET_ADD, -1) \
    OP(MAP_ADD, -2) \
    OP(LIST_EXTEND, -1)         /* arg: the list's depth */ \
    OP(SET_UPDATE, -1) \
    OP(DICT_UPDATE, -1) \
    OP(DICT_MERGE, -1)          /* like DICT_UPDATE, but duplicate keys are errors (f(**a, **b)) */ \
    OP(LIST_TO_TUPLE, 0)        /* arg 1: f(*x), 2: f(*x, **kw) (x under the keywords): errors name the callable */ \
    OP(FORMAT_VALUE, VAR)       /* arg & 3: conversion (0, 1 str, 2 repr, 3 ascii); arg & 4: spec on stack */ \
    OP(UNPACK_SEQUENCE, VAR) \
    OP(UNPACK_EX, VAR)          /* arg: before | after << 12 */ \
    OP(JUMP, 0) \
    OP(JUMP_BACKWARD, 0)        /* a loop's jump back: also a safe point */ \
    OP(POP_JUMP_IF_FALSE, -1) \
    OP(POP_JUMP_IF_TRUE, -1) \
    OP(JUMP_IF_FALSE_OR_POP, -1) \
    OP(JUMP_IF_TRUE_OR_POP, -1) \
    OP(GET_ITER, 0) \
    OP(FOR_ITER, 1)             /* [it] -> [it, next]; when exhausted pops it and jumps */ \
    OP(RETURN_VALUE, -1) \
    OP(MAKE_FUNCTION, VAR)      /* [defaults?, kwdefaults?, closure?, code]; arg flags 1, 2, 8 */ \
    OP(LOAD_BUILD_CLASS, 1) \
    OP(RAISE_VARARGS, VAR)      /* arg 0: re-raise; 1: [exc]; 2: [exc, cause] */ \
    OP(RERAISE, -1)             /* raises TOS again, keeping its traceback */ \
    OP(PUSH_EXC_INFO, 1)        /* [exc] -> [previously handled, exc] */ \
    OP(POP_EXCEPT, -1)          /* [prev] -> []: restores the handled exception */ \
    OP(POP_EXCEPT_RERAISE, -2)  /* [prev, exc]: restore, then raise exc again */ \
    OP(CHECK_EXC_MATCH, 0)      /* [exc, type] -> [exc, bool] */ \
    OP(CHECK_EG_MATCH, 0)       /* except*: [exc, type] -> [rest, match] (handled = match), or [exc, None] */ \
    OP(PREP_RERAISE_STAR, -1)   /* [orig, list] -> [group to raise at the end of try/except*, or None] */ \
    OP(BEFORE_WITH, 1)          /* [cm] -> [__exit__ bound, __enter__()] */ \
    OP(WITH_EXCEPT_START, 1)    /* [exit, prev, exc] -> [exit, prev, exc, exit(type, exc, tb)] */ \
    OP(LOAD_ASSERTION_ERROR, 1) \
    OP(IMPORT_NAME, -1)         /* [level, fromlist] -> [module]; arg: name */ \
    OP(IMPORT_FROM, 1)          /* [module] -> [module, attr]; arg: name */ \
    OP(IMPORT_STAR, -1) \
    OP(PRINT_EXPR, -1)          /* interactive: repr of TOS unless None */ \
    OP(YIELD_VALUE, 0)          /* [v] -> [sent]; arg: YIELD_PLAIN, YIELD_ASYNC or YIELD_DELEGATE (gen.h) */ \
    OP(GET_YIELD_FROM_ITER, 0) \
    OP(SEND, 0)                 /* [iter, v] -> [iter, yielded] or pops to [result] and jumps */ \
    OP(GET_AWAITABLE, 0)        /* arg 1/2: awaiting __aenter__()/__aexit__() (for the error message) */ \
    OP(GET_AITER, 0)            /* [obj] -> [obj.__aiter__()] */ \
    OP(GET_ANEXT, 1)            /* [aiter] -> [aiter, awaitable of aiter.__anext__()] */ \
    OP(END_ASYNC_FOR, -2)       /* [aiter, exc]: pops both if exc is StopAsyncIteration, else re-raises it */ \
    OP(BEFORE_ASYNC_WITH, 1)    /* [cm] -> [__aexit__ bound, __aenter__()] */ \
    OP(RETURN_GENERATOR, 0) \
    OP(GET_LEN, 1)              /* [obj] -> [obj, len(obj)] */ \
    OP(MATCH_SEQUENCE, 1)       /* [subject] -> [subject, is it a sequence (not str, bytes, bytearray)] */ \
    OP(MATCH_MAPPING, 1)        /* [subject] -> [subject, is it a mapping] */ \
    OP(MATCH_KEYS, 1)           /* [map, keys] -> [map, keys, tuple of their values, or None if one is missing] */ \
    OP(MATCH_CLASS, -2)         /* [subject, cls, names] -> [tuple of attributes, or None]; arg: positional count */ \
    OP(CALL_TEMP, VAR)          /* CALL with an argument made for the call, print(A()): finalizes it after */ \
    OP(CALL_KW_TEMP, VAR)       /* CALL_KW likewise */ \
    OP(LOAD_ATTR_TMP, 0)        /* LOAD_ATTR of a call's result, make().x: finalizes the object after */ \
    OP(UNCOUNT_FRAME, 0)        /* first of an inlined comprehension: its frame leaves the recursion depth */ \
    OP(TRACE, 0)                /* sys.settrace's mark on a line start (vm/trace.h): never compiled */

typedef enum Opcode {
#define OP(name, effect) OP_##name,
    OPCODES(OP)
#undef OP
    OP_COUNT
} Opcode;

#define INS(op, arg) ((uint32_t)(op) | ((uint32_t)(arg) << 8))
#define INS_OP(w) ((w) & 0xFF)
#define INS_ARG(w) ((w) >> 8)

#include <stdbool.h>

/* The instructions followed by a word holding the index of their inline
 * cache (readers of the instruction stream step over it). */
static inline bool op_has_cache_word(int op) {
    return op == OP_LOAD_GLOBAL || op == OP_LOAD_ATTR || op == OP_LOAD_METHOD || op == OP_STORE_ATTR ||
           op == OP_LOAD_ATTR_TMP;
}

/* The instructions whose argument is the index of an instruction to go to. */
static inline bool op_is_jump(int op) {
    return op == OP_JUMP || op == OP_JUMP_BACKWARD || op == OP_POP_JUMP_IF_FALSE || op == OP_POP_JUMP_IF_TRUE ||
           op == OP_JUMP_IF_FALSE_OR_POP || op == OP_JUMP_IF_TRUE_OR_POP || op == OP_FOR_ITER || op == OP_SEND;
}

#endif
