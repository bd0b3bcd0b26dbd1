/* The heap objects of Asy.
 *
 * Every heap object starts with an Obj header: its Python class (`cls`), the
 * link in the collector's list of all objects, and `kind`, the C layout. The
 * two differ for user classes: an instance of `class P: ...` has cls = P and
 * kind = OBJ_INSTANCE. Code that needs the C layout switches on kind; code
 * that implements Python semantics (type(x), isinstance, method lookup) uses
 * cls. Builtin types are ObjClass objects too, found in vm->types[].
 *
 * Invariants:
 *  - Every object is allocated through gc.c (gc_new) and freed only by the
 *    sweep; nothing else calls free() on an object.
 *  - ObjStr and ObjBytes are immutable and keep a NUL after their bytes, so
 *    their data can be handed to C functions that want a C string (as long as
 *    the string itself holds no NUL).
 *  - A str caches its hash (0 = not computed yet; a real hash of 0 is stored
 *    as 1) and knows whether it is pure ASCII, so indexing ASCII text is O(1).
 */
#ifndef ASY_OBJECT_H
#define ASY_OBJECT_H

#include <stddef.h>
#include <stdint.h>
#include <tommath.h>

#include "value.h"

typedef struct AsyVM VM;
typedef struct ObjClass ObjClass;
typedef struct ObjStr ObjStr;
typedef struct ObjTuple ObjTuple;
typedef struct ObjDict ObjDict;
typedef struct ObjList ObjList;
typedef struct ObjCode ObjCode;
typedef struct Frame Frame;

typedef enum ObjKind {
    OBJ_STR, OBJ_BYTES, OBJ_BIGINT, OBJ_LIST, OBJ_TUPLE, OBJ_DICT, OBJ_SET,
    OBJ_RANGE, OBJ_SLICE, OBJ_FUNCTION, OBJ_NATIVE, OBJ_BOUND, OBJ_CODE,
    OBJ_CELL, OBJ_CLASS, OBJ_INSTANCE, OBJ_EXC, OBJ_MODULE, OBJ_ITER,
    OBJ_PROPERTY, OBJ_WRAPPER, OBJ_BYTEARRAY, OBJ_GEN, OBJ_CDATA, OBJ_FLOAT,
    OBJ_COMPLEX, OBJ_KIND_COUNT
} ObjKind;

struct Obj {
    ObjClass *cls;
    Obj *gcnext;
    uint8_t kind;
    uint8_t marked;
    uint16_t flags;     /* per-kind bits, see each struct */
    uint32_t spare;
};

/* Obj flag, any kind: an instance of a Python subclass of a builtin type
 * (`class L(list)`), allocated by gc_new_instance for a class marked
 * CLASS_SUBTYPE. Its C layout is the builtin's, so every native treats it
 * as one; its attributes are in a dict kept beside the heap
 * (gc_subtype_dict). Operations on it look for an override of the special
 * method first (ops.c). */
#define OBJ_SUBTYPE 0x8000
/* Obj flag, any kind: handed to the finalizer (vm/finalize.h) once, so
 * __del__ runs at most once even if it resurrects the object (PEP 442). */
#define OBJ_FINALIZABLE 0x4000
/* Instance (OBJ_INSTANCE, OBJ_EXC) flag: a weak reference was made to it,
 * so its death is observable and stores that replace it collect early
 * (finalize.h). */
#define INST_WEAKREFD 0x2000
/* Instance flag: found on a cycle of garbage by a forced collection, which
 * kept it for an ordinary one (finalize.c keep_garbage_cycles); later
 * forced collections keep it without looking again. */
#define INST_CYCLIC_GARBAGE 0x1000

/* ObjStr flags. A string built by `name += text` on a local variable
 * (INPLACE_ADD_FAST) is allocated with spare room (capacity in obj.spare)
 * and marked UNIQUE while only that variable holds it, so the next append
 * can extend it in place; LOAD_FAST (or anything else that reads the slot)
 * clears UNIQUE, after which the string is immutable like any other. */
#define STR_SIZED 1
#define STR_UNIQUE 2

struct ObjStr {
    Obj obj;
    int64_t len;        /* bytes, not counting the trailing NUL */
    int64_t cplen;      /* code points */
    uint64_t hash;      /* 0 until computed */
    uint8_t ascii;      /* every byte < 0x80: len == cplen */
    uint8_t interned;
    char data[];        /* len bytes of UTF-8, then NUL */
};

typedef struct ObjBytes {
    Obj obj;
    int64_t len;
    uint64_t hash;
    uint8_t data[];     /* len bytes, then NUL */
} ObjBytes;

/* An instance of a Python subclass of float (`class F(float)`): floats
 * themselves are values (value.h), so only these are objects. */
typedef struct ObjFloat {
    Obj obj;
    double d;
} ObjFloat;

/* A complex number: every complex value is one of these (immutable), and
 * so is an instance of a Python subclass of complex (OBJ_SUBTYPE). */
typedef struct ObjComplex {
    Obj obj;
    double re, im;
} ObjComplex;

typedef struct ObjByteArray {
    Obj obj;
    uint8_t *data;
    int64_t len, cap;
    int64_t exports;    /* memoryviews of it, unreleased: it may not change size */
} ObjByteArray;

/* ObjBigInt flags: the value fits an __int128 (int.c's fast paths), held in
 * `wide`; `n` is then a read-only view of the object's own digits `wd`, so
 * readers of `n` need not care, but there is nothing to mp_clear. */
#define BIGINT_WIDE 1
#define BIGINT_VIEW 2     /* a wide one's mp_int view is filled (int_mp) */

typedef struct ObjBigInt {
    Obj obj;
    mp_int n;           /* never fits a small int (int.c keeps that invariant); read it through
                         * int_mp, which fills a wide one's view on first use */
    uint64_t wide[2];   /* BIGINT_WIDE: the value's low and high 64 bits */
    mp_digit wd[(128 + MP_DIGIT_BIT - 1) / MP_DIGIT_BIT];
} ObjBigInt;

struct ObjList {
    Obj obj;
    Value *items;
    int64_t len, cap;
};

struct ObjTuple {
    Obj obj;
    int64_t len;
    uint64_t hash;      /* 0 until computed */
    Value items[];
};

typedef struct DictEntry {
    Value key;          /* UNDEF: a deleted entry */
    Value value;
    uint64_t hash;
} DictEntry;

/* An insertion-ordered hash table in CPython's compact layout: `entries` in
 * insertion order, and an open-addressing `index` of positions into it.
 * obj.spare is 0 but for an OrderedDict (stdlib/collections.c): DICT_ORDERED
 * marks it, and the low bits count its move_to_end()s, so that its
 * iterators (vm/dict.c) see any change of its keys or their order. */
#define DICT_ORDERED 0x80000000u
struct ObjDict {
    Obj obj;
    DictEntry *entries;
    int32_t *index;     /* -1 empty, -2 deleted, else an entry number */
    int64_t nentries;   /* entries used, deleted ones included */
    int64_t count;      /* live entries */
    /* The live entries lie in [live_lo, live_hi) (hints that deletions at
     * either end move, so that taking items from the front or back one by
     * one does not rescan the deleted ones). */
    int64_t live_lo, live_hi;
    int64_t cap;        /* entries allocated */
    int64_t mask;       /* index size - 1; 0 with index == NULL when empty */
    /* Set from the VM's counter on every change, so that no two states of
     * any two dicts share a number: the global caches check it. */
    uint64_t version;
};

typedef struct SetEntry {
    Value key;          /* UNDEF: empty; DUMMY_KEY: deleted */
    uint64_t hash;
} SetEntry;

/* set and frozenset: an open-addressing table probed as CPython's setobject
 * does, so that iteration order (which programs print) matches CPython. */
/* ObjSet flag: the set holds its members weakly; the collector drops the
 * dead ones (abc's registries and caches: `_abc._weak_set()`). */
#define SET_WEAK 1

typedef struct ObjSet {
    Obj obj;
    SetEntry *table;
    int64_t mask;       /* table size - 1 */
    int64_t fill;       /* live + deleted */
    int64_t used;       /* live */
    uint64_t hash;      /* frozenset only, 0 until computed */
} ObjSet;

typedef struct ObjRange {
    Obj obj;
    int64_t start, stop, step, len;
} ObjRange;

/* A range whose start, stop, step or length does not fit int64_t (flag
 * RANGE_BIG) is an ObjBigRange: `vals` holds them as ints (start, stop,
 * step, length), and r.len is the length, or -1 when that does not fit
 * either (len() then raises OverflowError, as in CPython); r's other
 * fields are unused. Ranges within int64_t never pay for the big ones. */
#define RANGE_BIG 0x01
typedef struct ObjBigRange {
    ObjRange r;
    struct ObjTuple *vals;
} ObjBigRange;

typedef struct ObjSlice {
    Obj obj;
    Value start, stop, step;
} ObjSlice;

typedef struct ObjCell {
    Obj obj;
    Value v;            /* UNDEF when empty */
} ObjCell;

/* Script functions. `closure` holds the ObjCells of the free variables. */
typedef struct ObjFunction {
    Obj obj;
    ObjCode *code;
    ObjDict *globals;
    ObjTuple *defaults;     /* or NULL */
    ObjDict *kwdefaults;    /* or NULL */
    ObjTuple *closure;      /* or NULL */
    ObjStr *name, *qualname;
    ObjDict *dict;          /* function attributes, made on first use */
    ObjDict *annotations;   /* __annotations__, kept out of __dict__ as CPython; or NULL (made on first read) */
    Value doc;
    Value module;           /* __module__: a str */
} ObjFunction;

/* A C function callable from Asy. It receives `nargs` positional values
 * followed by the values of the keywords named in `kwnames` (NULL when there
 * are none); it returns a value, or ERR with vm->exc set. */
typedef Value (*NativeFn)(VM *vm, Value *args, int nargs, ObjTuple *kwnames);

#define NATIVE_METHOD 1     /* flags: a method of a builtin type; args[0] is self */
/* flags: a builtin type's special method doing what ops.c does by the C
 * layout (slots.c); special method lookup for dispatch passes over it,
 * since the operation already tried the layout. */
#define NATIVE_LAYOUT 2
/* flags: a builtin type's static __new__ (class_add_static): a call checks
 * that args[0] is a subclass of the owner, which the C function assumes. */
#define NATIVE_NEW 4

typedef struct ObjNative {
    Obj obj;
    NativeFn fn;
    ObjStr *name;
    Value self;         /* bound receiver for builtin methods taken as values, else UNDEF */
    Value data;         /* per-function data for the native, or UNDEF */
    struct ObjClass *owner; /* NATIVE_METHOD: the class it was added to (messages), or NULL */
    Value module;       /* __module__: the name of the native module that first took it, else UNDEF (builtins) */
} ObjNative;

typedef struct ObjBound {
    Obj obj;
    Value self;
    Value func;
} ObjBound;

/* One position-table row: instructions from `pc` on come from the source
 * span line:col .. end_line:end_col (columns are 0-based byte offsets, the
 * end exclusive; col = -1 when only the line is known). Tracebacks print the
 * line, and carets under the span as CPython does. Code objects keep their
 * rows packed (func.c: position_table). */
typedef struct LineEntry {
    uint32_t pc;
    int32_t line, end_line;
    int16_t col, end_col;
} LineEntry;

/* One exception-table row: an exception raised at an instruction in
 * [start, end) unwinds the value stack to `depth` entries above the frame's
 * stack base, pushes the exception and jumps to `target`. Rows do not
 * overlap; the compiler splits protected regions as handlers nest. */
typedef struct ExcEntry {
    uint32_t start, end, target, depth;
} ExcEntry;

/* The inline cache of one LOAD_GLOBAL: valid while both dicts' versions
 * match, which also means the value is still in one of them, so the
 * collector does not mark it (a deleted global can die). */
typedef struct GlobalCache {
    uint64_t gversion, bversion;
    Value value;
} GlobalCache;

/* The inline cache of one LOAD_ATTR/LOAD_METHOD on instances: what
 * class_lookup found for `cls` while vm->class_version was `version`. */
typedef struct AttrCache {
    ObjClass *cls;
    uint32_t version;
    /* Where the attribute was last found in an instance dict: instances of
     * one class add their attributes in the same order, so the entry number
     * usually holds for the next instance too (checked by key identity). */
    int32_t entry;
    Value value;        /* the class attribute, or UNDEF when there is none */
} AttrCache;

#define CODE_VARARGS 0x01
#define CODE_VARKW 0x02
#define CODE_GENERATOR 0x04
#define CODE_COROUTINE 0x08
#define CODE_ASYNC_GEN 0x10
#define CODE_CLASSBODY 0x20     /* names go through frame->locals */
#define CODE_MODULE 0x40
#define CODE_HAS_DOC 0x80      /* consts[0] is the docstring */
/* Only positional parameters, no cells, not a generator: calls with exactly
 * argcount positional arguments take the interpreter's fast path. */
#define CODE_SIMPLE 0x100
/* A generator function decorated with types.coroutine: its generators may
 * be awaited. */
#define CODE_ITERABLE_COROUTINE 0x200
/* A list, set or dict comprehension, which CPython 3.12 compiles into the
 * function around it (tracebacks show no frame of its own). */
#define CODE_INLINED_COMP 0x400
/* Code of an embedded module standing for one CPython writes in C (heapq,
 * datetime, ...): tracebacks show no frame of it, as they show none of a C
 * function (vm/import.c: c_like_modules). */
#define CODE_NO_TB 0x800
/* A function in a function (CPython's CO_NESTED, for co_flags only). */
#define CODE_NESTED 0x1000
/* Compiled under `from __future__ import annotations` / barry_as_FLUFL
 * (CPython's CO_FUTURE_ANNOTATIONS and CO_FUTURE_BARRY_AS_BDFL): exec,
 * eval and compile called from this code inherit them. */
#define CODE_FUTURE_ANNOTATIONS 0x2000
#define CODE_FUTURE_BARRY 0x4000
/* Their co_flags bits, which compile()'s flags argument also takes. */
#define CO_FUTURE_BARRY_AS_BDFL 0x400000
#define CO_FUTURE_ANNOTATIONS 0x1000000

struct ObjCode {
    Obj obj;
    uint32_t *ins;
    int32_t nins;
    int32_t nconsts, nnames, nlocals, ncells, nfrees;
    Value *consts;
    ObjStr **names;         /* globals, attributes, imports: interned */
    ObjStr **varnames;      /* nlocals: parameters first */
    ObjStr **cellnames;     /* ncells cell variables, then nfrees free variables */
    int32_t *cell2arg;      /* for each cell variable: the parameter it starts as, or -1 */
    int32_t argcount;       /* positional parameters, positional-only included */
    int32_t posonlycount, kwonlycount;
    int32_t flags;
    int32_t stacksize;
    int32_t framesize;      /* words a frame of this code takes on the data stack */
    int32_t nexc, ncaches, nattrcaches;
    uint8_t *lines;         /* the packed position table; NULL if empty */
    ExcEntry *exc;
    GlobalCache *caches;
    AttrCache *attrcaches;
    ObjStr *name, *qualname, *filename;
    int32_t firstline;
    /* While sys.settrace instruments it (vm/trace.h): the opcode each
     * OP_TRACE replaced, and each instruction's line (-1: none). */
    uint8_t *trace_orig;
    int32_t *trace_line;
};

#define CLASS_BUILTIN 1     /* flags: a builtin type; its dict is fixed */
#define CLASS_BASETYPE 2    /* may be subclassed */
#define CLASS_HAS_GETATTR 4 /* defines __getattr__ */
#define CLASS_ABSTRACT 8    /* its __abstractmethods__ is not empty: object.__new__ refuses it */
#define CLASS_SUBTYPE 16    /* a Python subclass of a builtin type: instances get OBJ_SUBTYPE */
#define CLASS_SLOTS 32      /* __slots__ all along the MRO: instances take only the names in `slots` */
#define CLASS_HAS_GETATTRIBUTE 64   /* overrides object.__getattribute__: no attribute caches */
#define CLASS_CUSTOM_META 128       /* its metaclass is not type (calls go through class_instantiate) */
#define CLASS_HAS_DEL 256   /* defines or inherits __del__: instances are finalized (vm/finalize.h) */
/* 0x200 and 0x400 are vm/future.h's CLASS_AWAIT_OP and CLASS_FUTURE, which
 * a Python subclass of such a native type keeps. */
#define CLASS_NATIVE_INHERITED 0x600
/* Its own __slots__ name attributes (not just __dict__ or __weakref__):
 * its instances have a layout of their own, which two bases cannot both
 * extend (CPython's "instance lay-out conflict"). */
#define CLASS_OWN_SLOTS 0x800
/* What a sequence or mapping pattern matches (CPython's Py_TPFLAGS_SEQUENCE
 * and Py_TPFLAGS_MAPPING), besides list, tuple, range and dict, which
 * vm/match.c knows: a class with the flag, or one that derives from it. */
#define CLASS_SEQUENCE 0x1000
#define CLASS_MAPPING 0x2000
/* A native type whose instances are not OBJ_INSTANCEs but still take weak
 * references, as CPython's (the io file classes, re.Pattern). */
#define CLASS_WEAKREFABLE 0x4000

#define CLASS_DICT_HINT_MAX 10
struct ObjClass {
    Obj obj;
    ObjStr *name;
    ObjStr *qualname;
    ObjStr *tp_name;        /* what error messages call it (CPython's tp_name, "datetime.date"), or NULL: name */
    Value module;           /* a str, or UNDEF for builtins */
    ObjTuple *bases;
    ObjTuple *mro;          /* this class first */
    ObjDict *dict;
    uint8_t instance_kind;  /* the ObjKind of its instances */
    /* How many attributes its instances' dicts reached (STORE_ATTR notes it,
     * up to CLASS_DICT_HINT_MAX): new instances' dicts start with that room. */
    uint8_t dict_hint;
    Value ctor;             /* builtin types: the native __new__, called directly; else UNDEF */
    /* What calling the class needs, cached while vm->class_version is
     * init_version: the __init__ to run (UNDEF: none of its own) and the
     * __new__ to run first (UNDEF: object's), a script function or the
     * native __new__ of a builtin base (type's, list's, ...). */
    Value init;
    Value new_fn;
    uint32_t init_version;
    /* How many __slots__ values, its own and its bases', an instance holds
     * (in the object for an OBJ_INSTANCE; beside the heap for the builtin
     * layouts, which have no room) */
    uint32_t nslots;
    /* The classes made with this one among their bases, in order, or NULL:
     * __subclasses__(). Weak: the collector drops the dead ones (gc.c). */
    struct ObjList *subclasses;
    ObjDict *slots;         /* CLASS_SLOTS: the attribute names instances may have */
    const struct CType *ctype;  /* OBJ_CDATA instances: their layout; else NULL */
};

/* Native objects defined outside the core object model (Future, Task, the
 * event loop, ...) have kind OBJ_CDATA: their struct starts with Obj, and
 * their class's ctype tells the collector their size and how to trace and
 * free them, so a new native type needs no change to the collector. (A class
 * is always older than its instances, and the sweep frees newest first, so
 * the class is still there when an instance is freed.) */
typedef struct CType {
    size_t size;
    void (*mark)(VM *vm, Obj *o);
    void (*free)(VM *vm, Obj *o);       /* releases owned buffers; may be NULL */
    /* Native awaitables of the Future layout whose `await` runs C code
     * (asyncio's queue and lock operations, stdlib/asyncio_sync.c): SEND
     * calls it when the await starts and each time the awaiting frame
     * resumes. It returns the await's result, ERR, or UNDEF when the object
     * is (again) a pending future, to yield to the task. NULL for others. */
    Value (*await_step)(VM *vm, Obj *o);
} CType;

typedef struct ObjInstance {
    Obj obj;
    ObjDict *dict;
} ObjInstance;

/* An OBJ_INSTANCE keeps the values of its class's __slots__ right after
 * the struct: obj.spare of them (its class's nslots when it was made),
 * UNDEF while unset; member descriptors index them (vm/class.c). */
static inline Value *instance_slots(ObjInstance *o) { return (Value *)(o + 1); }

typedef struct TbEntry {
    ObjCode *code;
    ObjCode *at;            /* whose instruction pc is: code's, or an inlined comprehension's */
    int32_t line;           /* 0 until exc_tb_line computes it */
    uint32_t pc;            /* just past the instruction that raised or called */
    struct FrameObj *frame; /* tb_frame (vm/frameobj.h), NULL if memory ran out */
    struct ObjIter *obj;    /* its traceback object, once made: it keeps its identity */
} TbEntry;

/* Exceptions are instances (user subclasses add attributes to `dict`). */
typedef struct ObjException {
    ObjInstance base;
    ObjTuple *args;
    Value cause, context;   /* UNDEF when unset */
    uint8_t suppress_context;
    TbEntry *tb;            /* innermost frame first; printed the other way */
    int32_t ntb, tbcap;
    ObjCode *comp_code;     /* the comprehension it left, for the frame around (exc_add_tb), or NULL */
    uint32_t comp_pc;       /* and where in it */
    ObjTuple *group;        /* a BaseExceptionGroup's (message, exceptions tuple); else NULL */
    ObjTuple *scope;        /* where a NameError was raised, for its hint (suggest.c); or NULL */
    ObjTuple *oserr;        /* an OSError's (errno, strerror, filename, filename2); or NULL */
} ObjException;

/* ObjModule flag: its code is running (set by the importer around a file or
 * embedded module's execution), so a failed attribute lookup or `from m
 * import x` on it blames a circular import, as CPython's messages do. */
#define MOD_INITIALIZING 1
/* ObjModule flag: a standard module (native or embedded), not a file of the
 * program's that took its name (import_standard looks). */
#define MOD_STANDARD 2

typedef struct ObjModule {
    Obj obj;
    ObjStr *name;
    ObjDict *dict;
    struct ThreadState *init_ts;    /* MOD_INITIALIZING: the thread running its code */
} ObjModule;

typedef struct ObjIter ObjIter;
/* Returns the next value, UNDEF when exhausted, or ERR. */
typedef Value (*IterNextFn)(VM *vm, ObjIter *it);

/* The native iterators (list_iterator, range_iterator, enumerate, zip, map,
 * ...): a next function and a little state the collector marks. */
struct ObjIter {
    Obj obj;
    IterNextFn next;
    Value a, b, c;
    int64_t i, n, step;
};

/* property, and the member and getset descriptors (whose `doc` holds their
 * owner class). `name` is what __set_name__ gave a property (None before),
 * for its error messages. */
#define PROP_GETTER_DOC 1   /* flags: its doc is its getter's */
typedef struct ObjProperty {
    Obj obj;
    Value fget, fset, fdel, doc, name;
} ObjProperty;

/* staticmethod and classmethod: the wrapped callable. */
typedef struct ObjWrapper {
    Obj obj;
    Value v;
} ObjWrapper;

#define AS(type, v) ((type *)as_obj(v))
static inline bool is_kind(Value v, ObjKind k) { return is_obj(v) && as_obj(v)->kind == k; }
static inline bool is_str(Value v) { return is_kind(v, OBJ_STR); }
static inline bool is_list(Value v) { return is_kind(v, OBJ_LIST); }
static inline bool is_tuple(Value v) { return is_kind(v, OBJ_TUPLE); }
static inline bool is_dict(Value v) { return is_kind(v, OBJ_DICT); }
static inline bool is_bigint(Value v) { return is_kind(v, OBJ_BIGINT); }
/* v has layout k and is not an instance of a Python subclass (whose special
 * methods may be overridden): what the interpreter's fast paths take. */
static inline bool is_plain_kind(Value v, ObjKind k) {
    return is_obj(v) && as_obj(v)->kind == k && !(as_obj(v)->flags & OBJ_SUBTYPE);
}

/* The same, reading the header's kind, marked and flags fields as one word
 * (on little-endian machines): as cheap as a kind test, for the hottest
 * paths. */
static inline bool is_plain_kind_fast(Value v, ObjKind k) {
    if (!is_obj(v)) return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t w;
    memcpy(&w, &as_obj(v)->kind, sizeof w);
    return (w & (0xFFu | (uint32_t)OBJ_SUBTYPE << 16)) == (uint32_t)k;
#else
    return as_obj(v)->kind == k && !(as_obj(v)->flags & OBJ_SUBTYPE);
#endif
}

#endif
