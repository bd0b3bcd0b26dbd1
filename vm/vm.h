/* The VM: everything one interpreter owns (DESIGN decision 8: no global
 * mutable state; a host may run several VMs, each with its own heap).
 *
 * Execution model (DESIGN decision 2): a Fiber owns a data stack made of
 * chunks that never move, and a chain of Frames living in it. Calling a
 * script function pushes a Frame and the dispatch loop carries on; nothing is
 * added to the C stack. A Frame's layout in memory is the Frame struct, then
 * its slots: nlocals locals, ncells + nfrees cells, then the value stack.
 *
 * Collection (DESIGN decision 6) happens only at safe points of the dispatch
 * loop (calls, backward jumps), never inside an allocation. So C code may hold
 * fresh objects in C variables across allocations, as long as it does not
 * call back into script code; a native that does (a sort key, a user __eq__)
 * must first make what it holds reachable: on the value stack, or pushed with
 * vm_push_root. The GC-stress build collects at every safe point that follows
 * an allocation.
 */
#ifndef ASY_VM_H
#define ASY_VM_H

#include <stdarg.h>
#include <stdio.h>

#include "../include/asy.h"
#include "object.h"

/* ---- builtin types ---------------------------------------------------- */

#define BUILTIN_TYPES(X) \
    X(OBJECT, "object") X(TYPE, "type") X(NONE, "NoneType") X(BOOL, "bool") \
    X(INT, "int") X(FLOAT, "float") X(COMPLEX, "complex") X(STR, "str") X(BYTES, "bytes") \
    X(BYTEARRAY, "bytearray") X(LIST, "list") X(TUPLE, "tuple") X(DICT, "dict") \
    X(SET, "set") X(FROZENSET, "frozenset") X(RANGE, "range") X(SLICE, "slice") \
    X(FUNCTION, "function") X(BUILTIN_FUNCTION, "builtin_function_or_method") \
    X(METHOD, "method") X(CODE, "code") X(CELL, "cell") X(MODULE, "module") \
    X(NOTIMPL, "NotImplementedType") X(ELLIPSIS, "ellipsis") \
    X(PROPERTY, "property") X(STATICMETHOD, "staticmethod") \
    X(CLASSMETHOD, "classmethod") \
    X(LIST_ITER, "list_iterator") X(TUPLE_ITER, "tuple_iterator") \
    X(STR_ITER, "str_ascii_iterator") X(RANGE_ITER, "range_iterator") X(LONGRANGE_ITER, "longrange_iterator") \
    X(DICT_KEYS, "dict_keys") X(DICT_VALUES, "dict_values") X(DICT_ITEMS, "dict_items") \
    X(DICT_KEYITER, "dict_keyiterator") X(DICT_VALUEITER, "dict_valueiterator") \
    X(DICT_ITEMITER, "dict_itemiterator") X(DICT_REVKEYITER, "dict_reversekeyiterator") \
    X(DICT_REVVALUEITER, "dict_reversevalueiterator") X(DICT_REVITEMITER, "dict_reverseitemiterator") \
    X(ODICT_ITER, "odict_iterator") \
    X(SET_ITER, "set_iterator") \
    X(BYTES_ITER, "bytes_iterator") X(ENUMERATE, "enumerate") X(ZIP, "zip") \
    X(MAP, "map") X(FILTER, "filter") X(REVERSED, "reversed") \
    X(LIST_REVITER, "list_reverseiterator") X(CALL_ITER, "callable_iterator") \
    X(SEQ_ITER, "iterator") X(SUPER, "super") X(GENERATOR, "generator") X(TRACEBACK, "traceback") X(COROUTINE, "coroutine") \
    X(CORO_WRAPPER, "coroutine_wrapper") \
    X(ASYNC_GENERATOR, "async_generator") X(ASYNC_GENERATOR_ASEND, "async_generator_asend") \
    X(ASYNC_GENERATOR_ATHROW, "async_generator_athrow") X(ANEXT_AWAITABLE, "anext_awaitable") \
    X(MAPPINGPROXY, "mappingproxy") X(MEMBER_DESCRIPTOR, "member_descriptor") \
    X(GETSET_DESCRIPTOR, "getset_descriptor") X(NS_PROXY, "namespace_proxy") \
    X(MEMORYVIEW, "memoryview") X(METHOD_DESCRIPTOR, "method_descriptor") \
    X(WRAPPER_DESCRIPTOR, "wrapper_descriptor") X(METHOD_WRAPPER, "method-wrapper") X(FRAME, "frame")

typedef enum TypeId {
#define X(id, name) T_##id,
    BUILTIN_TYPES(X)
#undef X
    T_COUNT
} TypeId;

/* The exception hierarchy: X(id, name, parent id). Parents come first. */
#define BUILTIN_EXCEPTIONS(X) \
    X(BaseException, "BaseException", COUNT) \
    X(SystemExit, "SystemExit", BaseException) \
    X(KeyboardInterrupt, "KeyboardInterrupt", BaseException) \
    X(GeneratorExit, "GeneratorExit", BaseException) \
    X(Exception, "Exception", BaseException) \
    X(StopIteration, "StopIteration", Exception) \
    X(StopAsyncIteration, "StopAsyncIteration", Exception) \
    X(ArithmeticError, "ArithmeticError", Exception) \
    X(ZeroDivisionError, "ZeroDivisionError", ArithmeticError) \
    X(OverflowError, "OverflowError", ArithmeticError) \
    X(FloatingPointError, "FloatingPointError", ArithmeticError) \
    X(AssertionError, "AssertionError", Exception) \
    X(AttributeError, "AttributeError", Exception) \
    X(BufferError, "BufferError", Exception) \
    X(EOFError, "EOFError", Exception) \
    X(ImportError, "ImportError", Exception) \
    X(ModuleNotFoundError, "ModuleNotFoundError", ImportError) \
    X(LookupError, "LookupError", Exception) \
    X(IndexError, "IndexError", LookupError) \
    X(KeyError, "KeyError", LookupError) \
    X(MemoryError, "MemoryError", Exception) \
    X(NameError, "NameError", Exception) \
    X(UnboundLocalError, "UnboundLocalError", NameError) \
    X(OSError, "OSError", Exception) \
    X(FileNotFoundError, "FileNotFoundError", OSError) \
    X(FileExistsError, "FileExistsError", OSError) \
    X(PermissionError, "PermissionError", OSError) \
    X(IsADirectoryError, "IsADirectoryError", OSError) \
    X(NotADirectoryError, "NotADirectoryError", OSError) \
    X(TimeoutError, "TimeoutError", OSError) \
    X(ConnectionError, "ConnectionError", OSError) \
    X(BrokenPipeError, "BrokenPipeError", ConnectionError) \
    X(ConnectionResetError, "ConnectionResetError", ConnectionError) \
    X(ConnectionRefusedError, "ConnectionRefusedError", ConnectionError) \
    X(ConnectionAbortedError, "ConnectionAbortedError", ConnectionError) \
    X(ChildProcessError, "ChildProcessError", OSError) \
    X(ProcessLookupError, "ProcessLookupError", OSError) \
    X(InterruptedError, "InterruptedError", OSError) \
    X(BlockingIOError, "BlockingIOError", OSError) \
    X(ReferenceError, "ReferenceError", Exception) \
    X(RuntimeError, "RuntimeError", Exception) \
    X(NotImplementedError, "NotImplementedError", RuntimeError) \
    X(RecursionError, "RecursionError", RuntimeError) \
    X(SyntaxError, "SyntaxError", Exception) \
    X(IndentationError, "IndentationError", SyntaxError) \
    X(TabError, "TabError", IndentationError) \
    X(SystemError, "SystemError", Exception) \
    X(TypeError, "TypeError", Exception) \
    X(ValueError, "ValueError", Exception) \
    X(UnicodeError, "UnicodeError", ValueError) \
    X(UnicodeDecodeError, "UnicodeDecodeError", UnicodeError) \
    X(UnicodeEncodeError, "UnicodeEncodeError", UnicodeError) \
    X(UnicodeTranslateError, "UnicodeTranslateError", UnicodeError) \
    X(Warning, "Warning", Exception) \
    X(DeprecationWarning, "DeprecationWarning", Warning) \
    X(RuntimeWarning, "RuntimeWarning", Warning) \
    X(UserWarning, "UserWarning", Warning) \
    X(PendingDeprecationWarning, "PendingDeprecationWarning", Warning) \
    X(SyntaxWarning, "SyntaxWarning", Warning) \
    X(FutureWarning, "FutureWarning", Warning) \
    X(ImportWarning, "ImportWarning", Warning) \
    X(UnicodeWarning, "UnicodeWarning", Warning) \
    X(BytesWarning, "BytesWarning", Warning) \
    X(ResourceWarning, "ResourceWarning", Warning) \
    X(EncodingWarning, "EncodingWarning", Warning) \
    X(BaseExceptionGroup, "BaseExceptionGroup", BaseException) \
    X(ExceptionGroup, "ExceptionGroup", BaseExceptionGroup)  /* and Exception: see exc_init_types */

typedef enum ExcId {
#define X(id, name, parent) E_##id,
    BUILTIN_EXCEPTIONS(X)
#undef X
    E_COUNT
} ExcId;

/* Interned names the runtime looks up often. */
#define COMMON_NAMES(X) \
    X(__init__) X(__new__) X(__repr__) X(__str__) X(__eq__) X(__ne__) X(__lt__) \
    X(__le__) X(__gt__) X(__ge__) X(__hash__) X(__bool__) X(__len__) X(__length_hint__) \
    X(__contains__) X(__getitem__) X(__setitem__) X(__delitem__) X(__iter__) \
    X(__next__) X(__call__) X(__getattr__) X(__getattribute__) X(__setattr__) \
    X(__delattr__) X(__del__) X(__enter__) X(__exit__) X(__name__) X(__qualname__) \
    X(__module__) X(__doc__) X(__class__) X(__dict__) X(__main__) X(__builtins__) \
    X(__add__) X(__radd__) X(__sub__) X(__rsub__) X(__mul__) X(__rmul__) \
    X(__truediv__) X(__rtruediv__) X(__floordiv__) X(__rfloordiv__) X(__mod__) \
    X(__rmod__) X(__pow__) X(__rpow__) X(__matmul__) X(__rmatmul__) X(__divmod__) X(__rdivmod__) \
    X(__lshift__) X(__rlshift__) X(__rshift__) X(__rrshift__) X(__and__) \
    X(__rand__) X(__or__) X(__ror__) X(__xor__) X(__rxor__) \
    X(__iadd__) X(__isub__) X(__imul__) X(__itruediv__) X(__ifloordiv__) \
    X(__imod__) X(__ipow__) X(__imatmul__) X(__ilshift__) X(__irshift__) \
    X(__iand__) X(__ior__) X(__ixor__) \
    X(__neg__) X(__pos__) X(__invert__) X(__abs__) X(__index__) X(__int__) \
    X(__float__) X(__complex__) X(__format__) X(__reversed__) X(__round__) X(__get__) \
    X(__set__) X(__delete__) X(__missing__) X(__await__) X(__aiter__) \
    X(__anext__) X(__aenter__) X(__aexit__) X(__bases__) X(__base__) X(__weakref__) X(__reduce__) X(__mro__) \
    X(__file__) X(__path__) X(__package__) X(__spec__) X(__loader__) \
    X(__build_class__) X(__import__) X(__init_subclass__) X(__set_name__) X(__class_getitem__) \
    X(args) X(value) X(code) X(msg) X(filename) X(lineno) X(offset) X(text) \
    X(end_lineno) X(end_offset) X(errno) X(strerror) X(name) X(path) X(obj) X(keys) \
    X(__traceback__) X(__cause__) X(__context__) X(__suppress_context__) \
    X(self) X(__notes__) X(__isabstractmethod__) X(exceptions) X(message) X(__version__) \
    X(__prepare__) X(__instancecheck__) X(__subclasscheck__) X(__mro_entries__) \
    X(__classcell__) X(__classdictcell__) X(__orig_bases__) X(__abstractmethods__) X(metaclass) X(__annotations__) \
    X(sys) X(write) X(stdin) X(stdout) X(stderr) X(__stdin__) X(__stdout__) X(__stderr__)

typedef enum NameId {
#define X(n) N_##n,
    COMMON_NAMES(X)
#undef X
    N_COUNT
} NameId;

/* ---- frames and fibers ------------------------------------------------- */

#define FRAME_ENTRY 1       /* returning from it returns from interp_run */
#define FRAME_OWNED 2       /* lives in a generator/coroutine, not on the data stack */
#define FRAME_INIT 4        /* runs __init__ for a class call: the result is the instance */
/* A function frame whose `locals` is the dict locals() returned (CPython
 * 3.12's frame locals dict: every locals() call refreshes and returns it, and
 * exec() without a namespace writes into it), not a namespace. */
#define FRAME_LOCALS_DICT 8
#define FRAME_PROFILED 16   /* its 'call' went to the profile hook: its return goes too (profile.h) */
#define FRAME_TRACED 32     /* has a local trace function (trace.h): its events go to it */
#define FRAME_TRACE_STOP 64 /* a generator's, resumed by a traced frame: its return is an event there (trace.h) */
/* An inlined comprehension's (OP_UNCOUNT_FRAME): CPython 3.12 runs those in
 * their function's frame, so they do not count toward the recursion limit. */
#define FRAME_UNCOUNTED 128
/* Has its frame object (Frame.fo, frameobj.h): leaving, it gives that
 * object its last snapshot. */
#define FRAME_OBSERVED 256

struct Frame {
    Frame *prev;
    ObjFunction *func;
    ObjCode *code;
    const uint32_t *ip;
    Value *sp;              /* valid whenever the frame is not running code */
    Value *slots;           /* locals, then cells */
    ObjDict *globals;
    ObjDict *locals;        /* class bodies: the namespace; else NULL */
    uint32_t flags;
    int32_t chunk_mark;     /* unused by owned frames */
    struct ObjGen *gen;     /* the generator owning this frame, or NULL */
    struct FrameObj *fo;    /* its frame object: set, and read, only with FRAME_OBSERVED */
};

static inline Value *frame_stack_base(Frame *f) {
    return f->slots + f->code->nlocals + f->code->ncells + f->code->nfrees;
}

typedef struct StackChunk {
    struct StackChunk *prev;
    Value *top, *limit;
    Value data[];
} StackChunk;

typedef struct Fiber {
    Frame *frame;           /* the innermost frame, or NULL */
    StackChunk *chunk;      /* the newest chunk of the data stack */
    StackChunk *spare;      /* one freed chunk kept to avoid malloc churn */
    Value handled;          /* the exception being handled (sys.exc_info), or UNDEF;
                             * a running generator's own (see ObjGen.handled) */
    Value handled_outer;    /* what the callers of the running generator handle,
                             * seen while it handles none (fiber_handled) */
    int32_t depth;          /* frames on this fiber, for RecursionError */
    size_t stack_bytes;     /* the data stack's chunks, bounded by FIBER_STACK_MAX */
    struct Fiber *next_fiber;
} Fiber;

/* The exception being handled as sys.exc_info() sees it: the innermost
 * one, looking out of generators that handle none (CPython's exc_info chain). */
static inline Value fiber_handled(const Fiber *fb) {
    return fb->handled != UNDEF ? fb->handled : fb->handled_outer;
}

/* ---- the VM ------------------------------------------------------------ */

#define ROOTS_MAX 4096
#define CONTEXT_NTYPES 4        /* Context, ContextVar, Token, Token.MISSING's class */

typedef struct ThreadState ThreadState;   /* gil.h */

typedef struct WeakRefList {    /* weakref.c */
    struct WeakRef **items;
    size_t len, cap;
} WeakRefList;

typedef struct FinList {        /* finalize.c */
    Obj **items;
    size_t len, cap;
} FinList;

typedef struct StrTable {      /* the interned strings: a weak set */
    ObjStr **slots;
    int64_t count, used, cap;  /* live, live + deleted, slots (a power of two) */
} StrTable;

/* Where an uncaught exception of the program left CPython's runpy, whose
 * frames its traceback then starts with (vm->main_runpy). */
enum { RUNPY_NONE, RUNPY_RUN, RUNPY_PARENTS, RUNPY_PACKAGE };

struct AsyVM {
    AsyConfig cfg;

    /* memory and collection (gc.c) */
    Obj *objects;
    size_t bytes_allocated, next_gc;
    /* what an allocation compares bytes_allocated with: next_gc, or 0 under
     * GC stress or tracemalloc, which watch every allocation (gc.c) */
    size_t alloc_watch;
    bool gc_request;            /* a safe point should collect */
    int files_since_gc;         /* files opened since the last collection (file.c) */
    Obj **gray;
    int64_t ngray, graycap;
    bool gray_overflow;         /* a marked object could not be queued */
    uint8_t mark_value;         /* what marking sets: 1, or 2 in gc_in_garbage_cycle's trial */
    bool gc_forced;             /* the collection is a forced one (finalize_collect) */
    bool gc_explicit;           /* the collection is gc.collect()'s (gc_collect_count) */
    void (*gc_visit)(VM *vm, Obj *o);   /* set: gc_trace lists referents to it, marks nothing */
    void *gc_visit_data;
    int64_t gc_counted;         /* gc_collect_count's result; -1 when not asked for */
    int import_depth;           /* module code being run by imports (import.c) */
    Obj **weak_holders;         /* marked objects holding others weakly (gc.c) */
    Value getset_fns[4];        /* the natives of __dict__/__weakref__ descriptors (class.c) */
    int64_t nweak_holders, weak_holders_cap;
    void *freelist[17];         /* small objects: free blocks by 16-byte size class */
    char *slab_ptr;             /* the rest of the newest slab */
    size_t slab_left;
    void *slabs;                /* every slab, linked through its first word */
    Value *roots;               /* extra roots pushed by native code: the thread's */
    int nroots;
    /* The attribute dicts of OBJ_SUBTYPE objects: an open-addressing map
     * from the object, weak in its keys (gc.c). */
    Obj **subkeys;
    ObjDict **subvals;
    int64_t nsub, subcap;

    StrTable strings;
    ObjStr *names[N_COUNT];
    ObjStr *empty_str;
    ObjStr *char_strs[128];     /* one-character ASCII strings */
    ObjTuple *empty_tuple;

    ObjClass *types[T_COUNT];
    ObjClass *exc_types[E_COUNT];
    ObjDict *builtins;
    ObjDict *modules;           /* sys.modules */
    ObjDict *standard_apart;    /* import_standard's modules kept out of it, or NULL */
    ObjModule *main_module;
    Value sys_argv;             /* a list, set by the host */

    /* execution. fiber, exc, c_depth, roots/nroots, context and
     * repr_active belong to the thread holding the interpreter lock: gil.c
     * saves and loads them when the lock changes hands. */
    ThreadState *ts;            /* that thread */
    struct Gil *gil;
    Fiber *fiber;               /* the running fiber */
    Fiber *fibers;              /* every live fiber, for the collector */
    Value exc;                  /* the pending exception, or UNDEF */
    int c_depth;                /* nested C-level calls into the interpreter */
    int recursion_limit;
    /* sys.setprofile (profile.h): the limit script calls compare depth with
     * (recursion_limit, or 0 while a hook is set, which sends every call
     * to the slow path), the hook (a root, UNDEF when none), the thread
     * that set it, and whether it is running now */
    int call_limit;
    Value prof_func;
    ThreadState *prof_ts;
    bool prof_busy;             /* a hook (this one or trace_func) runs: no events */
    /* sys.settrace (trace.h): the hook (a root, UNDEF when none), the
     * thread that set it, the frames with a local trace function, and the
     * code objects marked for line events */
    Value trace_func;
    ThreadState *trace_ts;
    struct TraceRec *trace_recs;
    int ntrace_recs, trace_recs_cap;
    ObjCode **trace_codes;
    int ntrace_codes, trace_codes_cap;
    /* tracemalloc's tracer (memtrace.h): NULL unless tracing */
    struct MemTrace *memtrace;
    int64_t int_max_str_digits; /* sys.set_int_max_str_digits: 0 is no limit */
    uint32_t class_version;     /* bumped whenever any class changes: attribute caches check it */
    uint64_t dict_version;      /* the last version given to a dict (object.h) */
    Value memory_error;         /* preallocated, raised when memory runs out */
    struct Sched *sched;        /* the event loop (scheduler.c), created on first use */
    struct Pool *pool;          /* the default executor's threads (pool.c), made on first use */
    int *fork_fds;              /* what a forked worker closes (fork.h) */
    int nfork_fds, fork_fds_cap;
    /* Requests from outside the running code (a signal handler, the
     * blocked-loop watchdog thread), seen at the next safe point or native
     * call return: SIG_* bits, set and cleared atomically. */
    uint8_t signals;
    /* The signal module's (stdlib/signal.c): its handlers by signal number
     * (a root), the function that runs the pending ones on the main thread
     * (false after raising), and the one that detaches it at the VM's end. */
    Value signal_handlers;
    bool (*signal_run)(VM *vm);
    void (*signal_detach)(VM *vm);

    /* the default text encoding (textenc.c): CPython's UTF-8 mode, and
     * whether the name shown is the locale's "UTF-8" rather than "utf-8" */
    bool utf8_mode, utf8_locale_name;

    /* contextvars (stdlib/contextvars.c, C API in stdlib/contextvars.h) */
    Value context;              /* the current Context; UNDEF until one is needed */
    ObjClass *context_types[CONTEXT_NTYPES];   /* its classes; NULL until first needed */
    /* ModuleSpec and the loaders (modspec.h); NULL until first needed */
    ObjClass *modspec_types[4];

    /* generators with handlers, closed if they die suspended, and objects
     * whose class has __del__ (finalize.h) */
    FinList fin_tracked, fin_due;
    FinList fin_order;          /* finalize_dropped: who to finalize first, in that order */
    bool finalizing;
    size_t fin_live;            /* objects with __del__ in fin_tracked */
    size_t weak_live;           /* weak refs to live instances (weakref.c) */
    size_t fin_gens;            /* tracked generators (not coroutines) in fin_tracked */
    size_t fin_ran;             /* finalizers run so far (gc_collect_count) */
    size_t fin_budget;          /* heap bytes forced collections may still mark */
    bool fin_forcing;           /* fin_live and fin_budget left: collect early */
    bool fin_after_return;      /* the returning frame may have held such objects */
    bool fin_after_call;        /* the native just called dropped such objects (list.clear) */
    /* every weak reference, and those whose callbacks are due (weakref.h) */
    WeakRefList weakrefs, weakref_calls;
    bool weakref_running;

    Obj **repr_active;          /* containers whose repr is being built: [...] for cycles */
    int nrepr, reprcap;
    /* compiling for eval/exec/compile(): the optimizer's warnings (~True)
     * reach the caller, as CPython's do; a script's or module's own
     * compile folds quietly (CPython's warning there goes to a frame the
     * default filters ignore). The folder only counts them; the warnings
     * are given once the code is made, as warnings run script code, which
     * may collect, and the compiler's objects are not roots. */
    bool compile_warns;
    int compile_bool_inverts;
    /* compiling the main script read from a file or stdin: CPython's
     * tokenizer has let go of its last line at the end of such input, so a
     * block missing there is reported at offset 0 (no caret) */
    bool compile_file_input;
    int8_t compile_optimize;    /* what the compiler strips: cfg.optimize, or compile()'s optimize */
    /* __future__ features (CPython's CO_FUTURE_* bits) the next compile of
     * text starts with: compile()'s flags and what exec, eval and compile
     * inherit from the calling code. The compiler takes and clears it. */
    int32_t compile_future;
    bool running_interactive;   /* asy_run_interactive is running (SystemExit exits even under -i) */
    uint8_t main_runpy;         /* RUNPY_*: the program runs as CPython's runpy runs -m and directories */
    /* the frames of runpy and importlib that CPython's traceback shows
     * above a SyntaxError of the main module's source under -m or for a
     * directory or archive (api.c's runpy_compile_*), or NULL */
    const char *main_compile_frames;

    /* output */
    char *capture;              /* asy_capture_* buffer, or NULL */
    size_t capture_len, capture_cap;
    char *captured;             /* what the last asy_capture_end returned */
    char *prompt;               /* what the last asy_prompt returned */
    char *error_text;           /* the traceback of the last failed run */
    bool error_shown;           /* ... which the script's sys.excepthook has shown instead */
    int exit_code;              /* SystemExit's status */
    char *warned[64];           /* warnings already shown, for vm_queue_warning */
    int nwarned;
    struct PendingWarning *pending_warnings;   /* queued during a collection */
    bool exiting;               /* asy_free has begun: warnings come out as at CPython's shutdown */
    bool flushing_warnings;     /* vm_flush_warnings runs: a collection inside leaves its own queued */
};

typedef struct PendingWarning {
    struct PendingWarning *next;
    char *message;              /* "coroutine 'f' was never awaited" */
    char *origin;               /* the freed object's repr, for an error the warning raises */
    char *file;                 /* file and line: where the object was made (file NULL: unknown) */
    int line;
} PendingWarning;

#define WARNED_MAX 64

#define SIG_INTERRUPT 1         /* Ctrl-C (asy_interrupt) */
#define SIG_BLOCKED 2           /* the watchdog sees the event loop blocked */
#define SIG_GIL_DROP 4          /* another thread waits for the interpreter lock */
#define SIG_HANDLER 8           /* a signal with a script handler arrived (stdlib/signal.c) */

/* A relaxed atomic load: a plain load on common machines, but one other
 * threads may race with (ThreadSanitizer says so otherwise). */
static inline uint8_t vm_signals(VM *vm) { return __atomic_load_n(&vm->signals, __ATOMIC_RELAXED); }
static inline void vm_signal_set(VM *vm, uint8_t bits) { __atomic_or_fetch(&vm->signals, bits, __ATOMIC_RELAXED); }
static inline void vm_signal_clear(VM *vm, uint8_t bits) { __atomic_and_fetch(&vm->signals, (uint8_t)~bits, __ATOMIC_RELAXED); }

/* Handles vm->signals where the interpreter stopped (frame->ip saved):
 * records where a blocked loop is stuck, raises KeyboardInterrupt. False
 * after raising. `before` says the frame stands before its next
 * instruction (a safe point) rather than just after a call. (scheduler.c) */
bool vm_handle_signals(VM *vm, bool before);

/* The limit on nested native-to-script calls and recursive C helpers (repr
 * of nested lists, deep ==): beyond it, RecursionError instead of a stack
 * overflow. */
#define C_DEPTH_MAX 1000

/* A fiber's data stack may not grow past this, whatever the recursion limit
 * says: RecursionError instead of exhausting the machine's memory. */
#define FIBER_STACK_MAX ((size_t)512 << 20)

static inline ObjStr *vm_name(VM *vm, NameId id) { return vm->names[id]; }

/* Extra roots for native code that calls back into the interpreter; false
 * after raising RecursionError when they are used up (native code nested
 * that deep through script calls). */
bool vm_roots_exhausted(VM *vm);
static inline bool vm_push_root(VM *vm, Value v) {
    if (vm->nroots >= ROOTS_MAX) return vm_roots_exhausted(vm);
    vm->roots[vm->nroots++] = v;
    return true;
}
static inline void vm_pop_roots(VM *vm, int n) { vm->nroots -= n; }

/* Writes through the host's write callback (or the capture buffer). */
void vm_write(VM *vm, int stream, const char *s, size_t len);

/* Queues a RuntimeWarning about an object being freed ("coroutine ...
 * was never awaited", blamed on file:line, where it was made) for
 * vm_flush_warnings, which the collection calls once the sweep is over:
 * through the warnings module (its filters, catch_warnings, showwarning),
 * or, at exit or without it, written as its default filter would, each
 * text once. Allocates no objects, so the sweep may call it. */
void vm_queue_warning(VM *vm, const char *message, const char *origin, const char *file, int line);
/* Writes "  <source line>" for a warning, if the file can be read. */
void vm_write_source_line(VM *vm, const char *file, int line);
/* Whether `key` was seen before (and remembers it): for once-only reports. */
bool vm_warned_before(VM *vm, const char *key);
void vm_flush_warnings(VM *vm);

#endif
