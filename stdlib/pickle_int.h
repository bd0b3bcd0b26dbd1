/* What the pickle module's three files share: the opcodes of CPython's
 * pickle format (protocols 0 to 5, as pickletools documents them), the
 * module's errors, and the resolving of module.qualname.
 *
 *   pickle.c       the module: dumps/dump/loads/load, the hooks the
 *                  Pickler and Unpickler classes (_pickle_py.asy) reach
 *   pickle_dump.c  the writer (CPython's C pickler's choices of opcodes)
 *   pickle_load.c  the reader (every opcode of every protocol) */
#ifndef ASY_PICKLE_INT_H
#define ASY_PICKLE_INT_H

#include "../vm/vm.h"

#define PK_HIGHEST_PROTOCOL 5
#define PK_DEFAULT_PROTOCOL 4
#define PK_BATCH 1000                   /* items per APPENDS/SETITEMS/ADDITEMS */
#define PK_FRAME_TARGET (64 * 1024)     /* a frame is closed once it holds this much */
#define PK_FRAME_MIN 4                  /* smaller frames lose their header */
#define PK_FRAME_HEADER 9

enum {
    OP_MARK = '(', OP_STOP = '.', OP_POP = '0', OP_POP_MARK = '1', OP_DUP = '2', OP_FLOAT = 'F', OP_INT = 'I',
    OP_BININT = 'J', OP_BININT1 = 'K', OP_LONG = 'L', OP_BININT2 = 'M', OP_NONE = 'N', OP_PERSID = 'P',
    OP_BINPERSID = 'Q', OP_REDUCE = 'R', OP_STRING = 'S', OP_BINSTRING = 'T', OP_SHORT_BINSTRING = 'U',
    OP_UNICODE = 'V', OP_BINUNICODE = 'X', OP_APPEND = 'a', OP_BUILD = 'b', OP_GLOBAL = 'c', OP_DICT = 'd',
    OP_EMPTY_DICT = '}', OP_APPENDS = 'e', OP_GET = 'g', OP_BINGET = 'h', OP_INST = 'i', OP_LONG_BINGET = 'j',
    OP_LIST = 'l', OP_EMPTY_LIST = ']', OP_OBJ = 'o', OP_PUT = 'p', OP_BINPUT = 'q', OP_LONG_BINPUT = 'r',
    OP_SETITEM = 's', OP_TUPLE = 't', OP_EMPTY_TUPLE = ')', OP_SETITEMS = 'u', OP_BINFLOAT = 'G',
    /* protocol 2 */
    OP_PROTO = 0x80, OP_NEWOBJ = 0x81, OP_EXT1 = 0x82, OP_EXT2 = 0x83, OP_EXT4 = 0x84, OP_TUPLE1 = 0x85,
    OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87, OP_NEWTRUE = 0x88, OP_NEWFALSE = 0x89, OP_LONG1 = 0x8a, OP_LONG4 = 0x8b,
    /* protocol 3 */
    OP_BINBYTES = 'B', OP_SHORT_BINBYTES = 'C',
    /* protocol 4 */
    OP_SHORT_BINUNICODE = 0x8c, OP_BINUNICODE8 = 0x8d, OP_BINBYTES8 = 0x8e, OP_EMPTY_SET = 0x8f,
    OP_ADDITEMS = 0x90, OP_FROZENSET = 0x91, OP_NEWOBJ_EX = 0x92, OP_STACK_GLOBAL = 0x93, OP_MEMOIZE = 0x94,
    OP_FRAME = 0x95,
    /* protocol 5 */
    OP_BYTEARRAY8 = 0x96, OP_NEXT_BUFFER = 0x97, OP_READONLY_BUFFER = 0x98,
};

/* Names looked up on objects, interned on first use and kept in `keep`
 * (rooted by the owner). */
enum { PN_REDUCE_EX, PN_REDUCE, PN_SETSTATE, PN_EXTEND, PN_APPEND, PN_ADD, PN_GETATTR, PN_NAME, PN_QUALNAME,
       PN_MODULE, PN_PERSISTENT_ID, PN_PERSISTENT_LOAD, PN_REDUCER_OVERRIDE, PN_DISPATCH_TABLE, PN_FIND_CLASS,
       PN_LATIN1, PN_GETINITARGS, PN_NEW, PN_WRAPPED, PN_DECODE, PN_PROTO, PN_COUNT };

typedef struct PkNames {
    ObjStr *s[PN_COUNT];
    ObjList *keep;
} PkNames;

ObjStr *pk_name(VM *vm, PkNames *n, int id);

typedef enum PkError { PK_PICKLING, PK_UNPICKLING } PkError;

/* Raises pickle.PicklingError/UnpicklingError with exc_raise's format. */
Value pk_raise_v(VM *vm, PkError which, Value err);
#define pk_raise(vm, which, ...) pk_raise_v((vm), (which), exc_raise((vm), E_Exception, __VA_ARGS__))

/* The module called `name` (imported), or UNDEF for "builtins". */
Value pk_find_module(VM *vm, ObjStr *name);
/* Walks the dotted qualname from a module (UNDEF: builtins): the object,
 * UNDEF when an attribute is missing, or ERR. */
Value pk_walk_qualname(VM *vm, Value module, ObjStr *qualname);
bool pk_is_local_name(const ObjStr *qualname);
/* An attribute of an Asy-level helper module (copyreg, _compat_pickle);
 * UNDEF when missing, ERR after an error. */
Value pk_module_attr(VM *vm, const char *module, const char *name);

/* The writer. `pickler`: a Pickler object whose hooks (persistent_id,
 * reducer_override, dispatch_table) are asked for, or UNDEF; `memo`: a
 * list of the objects memoized by earlier dumps of the same Pickler (index
 * = memo number), extended in place, or NULL. */
typedef struct PkDumpOptions {
    int proto;
    bool fix_imports;
    Value pickler;
    Value buffer_callback;      /* UNDEF: none */
    ObjList *memo;
} PkDumpOptions;
Value pk_dumps(VM *vm, Value obj, const PkDumpOptions *opt);

/* The reader: from data[0:len] or, when `read` is not UNDEF, from a file
 * (read/readline/peek-less), stopping just after STOP. */
typedef struct PkLoadOptions {
    bool fix_imports;
    const char *encoding, *errors;
    Value unpickler;            /* UNDEF, or an Unpickler whose find_class/persistent_load apply */
    Value buffers;              /* UNDEF: none given; else an iterator */
    ObjList *memo;              /* kept across loads by an Unpickler, or NULL */
    Value read, readline;       /* a file, or UNDEF */
} PkLoadOptions;
Value pk_loads(VM *vm, const uint8_t *data, size_t len, const PkLoadOptions *opt);

/* find_class as CPython's Unpickler does it (fix_imports names for
 * protocols < 3, dotted names from protocol 4). */
Value pk_find_class(VM *vm, ObjStr *module, ObjStr *name, int proto, bool fix_imports);

#endif
