/* The pickle module: dumps/loads (and dump/load on file objects) in Asy's
 * own binary format, which docs/serialization.md describes opcode by
 * opcode. The process pool uses it through pickle.h.
 *
 * The format is a program for a small stack machine, as CPython's pickle
 * is, and the writer follows CPython's pickle.py: what gets memoized, when
 * __reduce_ex__/__reduce__/__getnewargs__/__getstate__ are called, and how
 * a tuple that contains itself (through a list) is written. Objects are
 * written by their C layout; anything a script class may customise goes
 * through the same "reduce" path as in CPython: a callable and its
 * arguments, then items and state.
 *
 * Writing recurses over the object graph, bounded by vm->c_depth as repr
 * and json are (RecursionError, as CPython's pickle gives). Reading is a
 * loop over the opcodes with the machine's stack in a list: untrusted data
 * nested arbitrarily deep needs no C recursion, every length is checked
 * against what is left of the input, and every count against the stack.
 *
 * Collection: both directions may run script code, so what they hold sits
 * in rooted lists. The writer's `keep` holds every memoized object (so that
 * an address in its memo table can never be reused by a new object) and
 * `hold` is a stack of what the recursion is working on. The reader's
 * stack, memo and interned names are lists behind one root. */
#include <stdlib.h>
#include <string.h>

#include "pickle.h"

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/subtype.h"
#include "modules.h"

#define PK_MAGIC 0xA5
#define PK_VERSION 1
#define PK_HEADER_MAX 12        /* magic, version, body length (a varint of at most 10 bytes) */
#define PK_BATCH 1000           /* items per APPENDS/SETITEMS/ADDITEMS, as CPython batches them */
#define PK_HIGHEST_PROTOCOL 5
#define PK_DEFAULT_PROTOCOL 4
#define PK_READ_CHUNK ((size_t)1 << 20)     /* load(): bytes asked of file.read() at a time */

enum {
    OP_STOP = '.', OP_NONE = 'N', OP_TRUE = 'T', OP_FALSE = 'F', OP_ELLIPSIS = 'E', OP_NOTIMPL = 'I',
    OP_INT = 'i', OP_BIGINT = 'L', OP_FLOAT = 'f', OP_STR = 's', OP_BYTES = 'b', OP_BYTEARRAY = 'B',
    OP_TUPLE = 't', OP_LIST = 'l', OP_APPENDS = 'a', OP_DICT = 'd', OP_SETITEMS = 'u', OP_SET = 'S',
    OP_ADDITEMS = 'A', OP_FROZENSET = 'Z', OP_RANGE = 'r', OP_SLICE = 'x', OP_GLOBAL = 'G',
    OP_REDUCE = 'R', OP_NEWOBJ = 'O', OP_BUILD = 'U', OP_MEMOIZE = 'm', OP_GET = 'g', OP_POP = 'p',
};

/* Names looked up on objects, interned on first use and kept rooted. */
enum { PN_REDUCE_EX, PN_REDUCE, PN_GETNEWARGS, PN_GETSTATE, PN_SETSTATE, PN_EXTEND, PN_APPEND, PN_ADD,
       PN_MAXLEN, PN_FIELDS, PN_FACTORY, PN_GETATTR, PN_COUNT };
static const char *const pn_text[PN_COUNT] = {
    "__reduce_ex__", "__reduce__", "__getnewargs__", "__getstate__", "__setstate__", "extend", "append", "add",
    "maxlen", "_fields", "default_factory", "getattr",
};

typedef struct Names {
    ObjStr *s[PN_COUNT];
    ObjList *keep;          /* rooted by the caller */
} Names;

static ObjStr *name_of(VM *vm, Names *n, int id) {
    if (n->s[id]) return n->s[id];
    ObjStr *s = str_intern_cstr(vm, pn_text[id]);
    if (!s || list_append(vm, n->keep, obj_val(s)) < 0) return NULL;
    return n->s[id] = s;
}

/* ---- errors ------------------------------------------------------------- */

typedef enum PkError { PK_PICKLING, PK_UNPICKLING } PkError;

/* pickle.PicklingError or pickle.UnpicklingError, importing the module if
 * nothing has yet (the C API may run first); UNDEF if it lost them. */
static Value error_class(VM *vm, PkError which) {
    Value m = import_module(vm, "pickle");
    if (m == ERR || !is_kind(m, OBJ_MODULE)) return m == ERR ? ERR : UNDEF;
    ObjStr *n = str_intern_cstr(vm, which == PK_PICKLING ? "PicklingError" : "UnpicklingError");
    Value c = n ? dict_get_str(AS(ObjModule, m)->dict, n) : UNDEF;
    return is_kind(c, OBJ_CLASS) && AS(ObjClass, c)->instance_kind == OBJ_EXC ? c : UNDEF;
}

/* exc_raise formats the message (%R, %S, %T) into a plain Exception; this
 * makes that exception a pickle error, which has the same layout. */
static Value retag(VM *vm, PkError which, Value err) {
    Value e = vm->exc;
    if (!is_kind(e, OBJ_EXC) || as_obj(e)->cls != vm->exc_types[E_Exception] || !vm_push_root(vm, e)) return err;
    vm->exc = UNDEF;
    Value c = error_class(vm, which);
    vm_pop_roots(vm, 1);
    if (c == ERR) return ERR;       /* the import's error stands */
    if (c != UNDEF) as_obj(e)->cls = AS(ObjClass, c);
    vm->exc = e;
    return err;
}

#define pk_raise(vm, which, ...) retag((vm), (which), exc_raise((vm), E_Exception, __VA_ARGS__))

/* ---- resolving module.qualname ------------------------------------------ */

/* Whether `name` can be a dotted module name: no empty parts, no NUL, no
 * path separators (the reader must not open files the data names). */
static bool module_name_ok(const ObjStr *name) {
    if (name->len == 0 || name->data[0] == '.' || name->data[name->len - 1] == '.') return false;
    for (int64_t i = 0; i < name->len; i++) {
        char c = name->data[i];
        if (c == 0 || c == '/' || c == '\\' || (c == '.' && name->data[i + 1] == '.')) return false;
    }
    return true;
}

/* The module called `name` (importing it), or UNDEF for "builtins", whose
 * namespace is vm->builtins (Asy has no module object for it). */
static Value find_module(VM *vm, ObjStr *name) {
    if (strcmp(name->data, "builtins") == 0) return UNDEF;
    if (!module_name_ok(name)) return exc_raise(vm, E_ModuleNotFoundError, "No module named %R", obj_val(name));
    return import_module(vm, name->data);
}

/* Walks the dotted `qualname` from a module (UNDEF: builtins): the object,
 * or UNDEF when an attribute is missing, or ERR. */
static Value walk_qualname(VM *vm, Value module, ObjStr *qualname) {
    Value cur = module;
    const char *p = qualname->data, *end = p + qualname->len;
    while (p <= end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        if (!dot) dot = end;
        ObjStr *part = str_intern(vm, p, (size_t)(dot - p));
        if (!part) return ERR;
        if (cur == UNDEF) {
            cur = dict_get_str(vm->builtins, part);
        } else {
            if (!vm_push_root(vm, cur)) return ERR;
            cur = op_getattr_opt(vm, cur, part);
            vm_pop_roots(vm, 1);
        }
        if (cur == UNDEF || cur == ERR) return cur;
        p = dot + 1;
    }
    return cur;
}

/* Whether one part of the dotted name is "<locals>". */
static bool is_local_name(const ObjStr *qualname) {
    const char *p = qualname->data, *end = p + qualname->len;
    while (p < end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        if (!dot) dot = end;
        if (dot - p == 8 && memcmp(p, "<locals>", 8) == 0) return true;
        p = dot + 1;
    }
    return false;
}

/* ---- writing: the buffer and the memo ----------------------------------- */

typedef struct MemoSlot {
    Obj *key;               /* NULL: empty */
    int64_t index;
} MemoSlot;

typedef struct Pickler {
    VM *vm;
    StrBuf out;
    ObjList *keep;          /* rooted: every memoized object, and the names */
    ObjList *hold;          /* rooted: a stack of what the recursion works on */
    MemoSlot *memo;         /* by address; cap is a power of two */
    int64_t memo_cap, memo_count;
    Value proto;            /* what __reduce_ex__ gets */
    Names names;
} Pickler;

static void put_byte(Pickler *p, int b) { sb_addc(&p->out, (char)b); }

/* v as an unsigned LEB128 varint (at most 10 bytes); the length. */
static size_t uvarint_encode(uint64_t v, char *out) {
    size_t n = 0;
    do {
        out[n] = (char)(v & 0x7F);
        v >>= 7;
        if (v) out[n] = (char)(out[n] | 0x80);
        n++;
    } while (v);
    return n;
}

static void put_uvarint(Pickler *p, uint64_t v) {
    char buf[10];
    sb_add(&p->out, buf, uvarint_encode(v, buf));
}

static void put_svarint(Pickler *p, int64_t v) { put_uvarint(p, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

static void put_op_n(Pickler *p, int op, uint64_t n) {
    put_byte(p, op);
    put_uvarint(p, n);
}

static void put_blob(Pickler *p, int op, const void *data, size_t n) {
    put_op_n(p, op, n);
    sb_add(&p->out, data, n);
}

static ObjStr *pname(Pickler *p, int id) { return name_of(p->vm, &p->names, id); }

static bool hold(Pickler *p, Value v) { return list_append(p->vm, p->hold, v) == 0; }
static void unhold(Pickler *p, int64_t n) { p->hold->len -= n; }

static size_t memo_hash(const Obj *o) { return (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull); }

static int64_t memo_find(Pickler *p, const Obj *o) {
    if (!p->memo_cap) return -1;
    size_t mask = (size_t)p->memo_cap - 1;
    for (size_t i = memo_hash(o) & mask; p->memo[i].key; i = (i + 1) & mask) {
        if (p->memo[i].key == o) return p->memo[i].index;
    }
    return -1;
}

static void memo_insert(MemoSlot *table, int64_t cap, Obj *o, int64_t index) {
    size_t mask = (size_t)cap - 1, i = memo_hash(o) & mask;
    while (table[i].key) i = (i + 1) & mask;
    table[i].key = o;
    table[i].index = index;
}

/* Writes MEMOIZE for v, which the reader has just built, and remembers its
 * number. */
static bool memoize(Pickler *p, Value v) {
    VM *vm = p->vm;
    if ((p->memo_count + 1) * 2 > p->memo_cap) {
        int64_t cap = p->memo_cap ? p->memo_cap * 2 : 64;
        MemoSlot *t = calloc((size_t)cap, sizeof *t);
        if (!t) { exc_nomem(vm); return false; }
        for (int64_t i = 0; i < p->memo_cap; i++) {
            if (p->memo[i].key) memo_insert(t, cap, p->memo[i].key, p->memo[i].index);
        }
        free(p->memo);
        p->memo = t;
        p->memo_cap = cap;
    }
    if (list_append(vm, p->keep, v) < 0) return false;
    memo_insert(p->memo, p->memo_cap, as_obj(v), p->memo_count++);
    put_byte(p, OP_MEMOIZE);
    return true;
}

/* ---- writing: values ----------------------------------------------------- */

static bool save(Pickler *p, Value v);

static bool cannot_pickle(Pickler *p, Value v) {
    exc_raise(p->vm, E_TypeError, "cannot pickle '%T' object", v);
    return false;
}

static void save_float(Pickler *p, double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    char b[8];
    for (int i = 0; i < 8; i++) b[i] = (char)(bits >> (8 * i));
    put_byte(p, OP_FLOAT);
    sb_add(&p->out, b, 8);
}

static bool save_bigint(Pickler *p, ObjBigInt *b) {
    int64_t i;
    if (int_to_i64(obj_val(b), &i)) {
        put_byte(p, OP_INT);
        put_svarint(p, i);
        return true;
    }
    const mp_int *m = int_mp(b);
    size_t n = mp_ubin_size(m), written = 0;
    uint8_t *buf = malloc(n ? n : 1);
    if (!buf || mp_to_ubin(m, buf, n, &written) != MP_OKAY) {
        free(buf);
        exc_nomem(p->vm);
        return false;
    }
    put_byte(p, OP_BIGINT);
    put_byte(p, mp_isneg(m) ? 1 : 0);
    put_uvarint(p, written);
    sb_add(&p->out, (const char *)buf, written);
    free(buf);
    return true;
}

/* Items [0, *len) of a list or tuple, in batches of APPENDS (op != 0) or
 * none (op == 0: a tuple's items). The length is read again after each
 * item: a __reduce__ may shrink the list. */
static bool save_items(Pickler *p, Value seq, int op) {
    int64_t i = 0;
    for (;;) {
        int64_t n = 0;
        for (; n < PK_BATCH || !op; n++, i++) {
            int64_t len = is_list(seq) ? AS(ObjList, seq)->len : AS(ObjTuple, seq)->len;
            if (i >= len) break;
            if (!save(p, is_list(seq) ? AS(ObjList, seq)->items[i] : AS(ObjTuple, seq)->items[i])) return false;
        }
        if (!op) return true;
        if (n) put_op_n(p, op, (uint64_t)n);
        if (n < PK_BATCH) return true;
    }
}

static bool save_tuple(Pickler *p, Value v) {
    ObjTuple *t = AS(ObjTuple, v);
    if (t->len == 0) {
        put_op_n(p, OP_TUPLE, 0);
        return true;
    }
    if (!save_items(p, v, 0)) return false;
    /* An item led back to this tuple (through a list or an object): the
     * reader already built it then. Drop the items and use that one. */
    int64_t idx = memo_find(p, as_obj(v));
    if (idx >= 0) {
        put_op_n(p, OP_POP, (uint64_t)t->len);
        put_op_n(p, OP_GET, (uint64_t)idx);
        return true;
    }
    put_op_n(p, OP_TUPLE, (uint64_t)t->len);
    return memoize(p, v);
}

static bool save_dict(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjDict *d = AS(ObjDict, v);
    put_byte(p, OP_DICT);
    if (!memoize(p, v)) return false;
    int64_t pos = 0, n = 0, count = d->count;
    Value k, val;
    while (dict_next(d, &pos, &k, &val)) {
        if (!hold(p, val)) return false;
        bool ok = save(p, k) && save(p, val);
        unhold(p, 1);
        if (!ok) return false;
        if (d->count != count) {
            exc_raise(vm, E_RuntimeError, "dictionary changed size during iteration");
            return false;
        }
        if (++n == PK_BATCH) {
            put_op_n(p, OP_SETITEMS, (uint64_t)n);
            n = 0;
        }
    }
    if (n) put_op_n(p, OP_SETITEMS, (uint64_t)n);
    return true;
}

static bool save_set(Pickler *p, Value v) {
    ObjSet *s = AS(ObjSet, v);
    bool frozen = as_obj(v)->cls == p->vm->types[T_FROZENSET];
    if (!frozen) {
        put_byte(p, OP_SET);
        if (!memoize(p, v)) return false;
    }
    int64_t pos = 0, n = 0;
    Value k;
    while (set_next(s, &pos, &k)) {
        if (!save(p, k)) return false;
        if (++n == PK_BATCH && !frozen) {
            put_op_n(p, OP_ADDITEMS, (uint64_t)n);
            n = 0;
        }
    }
    if (!frozen) {
        if (n) put_op_n(p, OP_ADDITEMS, (uint64_t)n);
        return true;
    }
    int64_t idx = memo_find(p, as_obj(v));
    if (idx >= 0) {
        put_op_n(p, OP_POP, (uint64_t)n);
        put_op_n(p, OP_GET, (uint64_t)idx);
        return true;
    }
    put_op_n(p, OP_FROZENSET, (uint64_t)n);
    return memoize(p, v);
}

static bool save_slice(Pickler *p, Value v) {
    ObjSlice *s = AS(ObjSlice, v);
    if (!save(p, s->start) || !save(p, s->stop) || !save(p, s->step)) return false;
    int64_t idx = memo_find(p, as_obj(v));
    if (idx >= 0) {
        put_op_n(p, OP_POP, 3);
        put_op_n(p, OP_GET, (uint64_t)idx);
        return true;
    }
    put_byte(p, OP_SLICE);
    return memoize(p, v);
}

/* ---- writing: by reference ----------------------------------------------- */

static void put_str(Pickler *p, const ObjStr *s) {
    put_uvarint(p, (uint64_t)s->len);
    sb_add(&p->out, s->data, (size_t)s->len);
}

static void put_global(Pickler *p, const ObjStr *module, const ObjStr *qualname) {
    put_byte(p, OP_GLOBAL);
    put_str(p, module);
    put_str(p, qualname);
}

/* The name of a module in sys.modules (or builtins) whose attribute `name`
 * is v itself, as CPython's whichmodule() searches; NULL if none. Modules
 * other than __main__ first, so a function imported into the script is
 * written under the module it came from. */
static ObjStr *which_module(VM *vm, Value v, ObjStr *name) {
    if (dict_get_str(vm->builtins, name) == v) return str_intern_cstr(vm, "builtins");
    for (int pass = 0; pass < 2; pass++) {
        int64_t pos = 0;
        Value k, m;
        while (dict_next(vm->modules, &pos, &k, &m)) {
            if (!is_str(k) || !is_kind(m, OBJ_MODULE)) continue;
            bool is_main = strcmp(AS(ObjStr, k)->data, "__main__") == 0;
            if (is_main != (pass == 1)) continue;
            if (dict_get_str(AS(ObjModule, m)->dict, name) == v) return AS(ObjStr, k);
        }
    }
    return NULL;
}

/* Writes v as GLOBAL module qualname, after checking that the reader will
 * find v itself there (CPython's save_global, messages included). `search`
 * allows a search of the loaded modules when the module v names is not
 * where v is found (classes of native modules name modules Asy lacks). */
static bool save_global_as(Pickler *p, Value v, ObjStr *module, ObjStr *qualname, bool search) {
    VM *vm = p->vm;
    if (is_local_name(qualname)) {
        exc_raise(vm, E_AttributeError, "Can't pickle local object %R", obj_val(qualname));
        return false;
    }
    if (!hold(p, obj_val(module)) || !hold(p, obj_val(qualname))) return false;
    Value m = find_module(vm, module);
    Value found = m == ERR ? ERR : walk_qualname(vm, m, qualname);
    if (found == ERR) vm->exc = UNDEF;
    if (found != v && search) {
        ObjStr *other = which_module(vm, v, qualname);
        if (other) {
            module = other;
            found = v;
        }
    }
    unhold(p, 2);
    if (m == ERR && found != v) {
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: import of module %R failed", v, obj_val(module));
        return false;
    }
    if (found == UNDEF || found == ERR) {
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: attribute lookup %S on %S failed", v, qualname, module);
        return false;
    }
    if (found != v) {
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: it's not the same object as %S.%S", v, module, qualname);
        return false;
    }
    put_global(p, module, qualname);
    return memoize(p, v);
}

static ObjStr *builtins_name(VM *vm) { return str_intern_cstr(vm, "builtins"); }

static bool save_function(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjFunction *f = AS(ObjFunction, v);
    ObjStr *module = is_str(f->module) ? AS(ObjStr, f->module) : which_module(vm, v, f->name);
    if (!module) module = vm_name(vm, N___main__);
    return module && save_global_as(p, v, module, f->qualname, false);
}

/* ---- writing: the reduce protocol ---------------------------------------- */

/* What a __reduce__ returns, unpacked (CPython's save_reduce arguments).
 * NONE_VAL stands for an absent part. */
typedef struct Reduce {
    Value func;             /* the callable; UNDEF: NEWOBJ of cls */
    Value cls;
    Value args;             /* a tuple */
    Value state, listitems, dictitems, setter;
} Reduce;

static Reduce reduce_init(Value func, Value args) {
    return (Reduce){func, UNDEF, args, NONE_VAL, NONE_VAL, NONE_VAL, NONE_VAL};
}

static bool is_iterator(VM *vm, Value v) {
    return is_kind(v, OBJ_ITER) || is_kind(v, OBJ_GEN) || op_special(vm, v, N___next__) != UNDEF;
}

/* The items an iterator gives, in a held list; NULL after an error. */
static ObjList *drain(Pickler *p, Value it) {
    ObjList *l = op_to_list(p->vm, it);
    return l && hold(p, obj_val(l)) ? l : NULL;
}

static bool save_pairs(Pickler *p, ObjList *items) {
    VM *vm = p->vm;
    int64_t n = 0;
    for (int64_t i = 0; i < items->len; i++) {
        Value kv = items->items[i];
        if (!is_tuple(kv) || AS(ObjTuple, kv)->len != 2) {
            exc_raise(vm, E_TypeError, "dict items iterator must return 2-tuples");
            return false;
        }
        if (!save(p, AS(ObjTuple, kv)->items[0]) || !save(p, AS(ObjTuple, kv)->items[1])) return false;
        if (++n == PK_BATCH || i == items->len - 1) {
            put_op_n(p, OP_SETITEMS, (uint64_t)n);
            n = 0;
        }
    }
    return true;
}

/* Writes the call that rebuilds obj, then its items and state; all parts of
 * r are held by the caller. */
static bool save_reduce(Pickler *p, Value obj, Reduce *r) {
    if (r->func == UNDEF) {
        if (!save(p, r->cls) || !save(p, r->args)) return false;
        put_byte(p, OP_NEWOBJ);
    } else {
        if (!save(p, r->func) || !save(p, r->args)) return false;
        put_byte(p, OP_REDUCE);
    }
    /* The arguments led back to obj: the reader has built it already. */
    int64_t idx = memo_find(p, as_obj(obj));
    if (idx >= 0) {
        put_op_n(p, OP_POP, 1);
        put_op_n(p, OP_GET, (uint64_t)idx);
        return true;
    }
    if (!memoize(p, obj)) return false;
    if (r->listitems != NONE_VAL) {
        ObjList *l = drain(p, r->listitems);
        if (!l || !save_items(p, obj_val(l), OP_APPENDS)) return false;
        unhold(p, 1);
    }
    if (r->dictitems != NONE_VAL) {
        ObjList *l = drain(p, r->dictitems);
        if (!l || !save_pairs(p, l)) return false;
        unhold(p, 1);
    }
    if (r->state == NONE_VAL) return true;
    if (r->setter == NONE_VAL) {
        if (!save(p, r->state)) return false;
        put_byte(p, OP_BUILD);
        return true;
    }
    /* setter(obj, state), whose result is dropped. */
    if (!save(p, r->setter) || !save(p, obj) || !save(p, r->state)) return false;
    put_op_n(p, OP_TUPLE, 2);
    put_byte(p, OP_REDUCE);
    put_op_n(p, OP_POP, 1);
    return true;
}

/* The __name__ of a function or native; NULL for other callables. */
static ObjStr *func_name(Value f) {
    if (is_kind(f, OBJ_FUNCTION)) return AS(ObjFunction, f)->name;
    return is_kind(f, OBJ_NATIVE) ? AS(ObjNative, f)->name : NULL;
}

/* A reduce tuple whose callable is copyreg's __newobj__(cls, *args), which
 * is cls.__new__(cls, *args): written as NEWOBJ, checked as CPython does. */
static bool save_newobj_call(Pickler *p, Value obj, Reduce *r) {
    VM *vm = p->vm;
    ObjTuple *a = AS(ObjTuple, r->args);
    if (a->len == 0) {
        pk_raise(vm, PK_PICKLING, "__newobj__ arglist is empty");
        return false;
    }
    if (!is_kind(a->items[0], OBJ_CLASS)) {
        pk_raise(vm, PK_PICKLING, "args[0] from __newobj__ args is not a type");
        return false;
    }
    if (AS(ObjClass, a->items[0]) != type_of(vm, obj)) {
        pk_raise(vm, PK_PICKLING, "args[0] from __newobj__ args has the wrong class");
        return false;
    }
    ObjTuple *rest = tuple_from(vm, a->items + 1, a->len - 1);
    if (!rest || !hold(p, obj_val(rest))) return false;
    r->func = UNDEF;
    r->cls = a->items[0];
    r->args = obj_val(rest);
    bool ok = save_reduce(p, obj, r);
    unhold(p, 1);
    return ok;
}

/* What __reduce_ex__/__reduce__ returned (held by the caller), checked as
 * CPython's save() and save_reduce() check it. */
static bool save_reduce_value(Pickler *p, Value obj, Value rv) {
    VM *vm = p->vm;
    if (is_str(rv)) {
        /* a global named by the object's own __module__ (CPython's
         * whichmodule), or found by a search of the loaded modules */
        Value m = op_getattr_opt(vm, obj, vm_name(vm, N___module__));
        if (m == ERR) return false;
        ObjStr *module = is_str(m) ? AS(ObjStr, m) : which_module(vm, obj, AS(ObjStr, rv));
        if (!module) module = vm_name(vm, N___main__);
        return save_global_as(p, obj, module, AS(ObjStr, rv), false);
    }
    if (!is_tuple(rv)) {
        pk_raise(vm, PK_PICKLING, "__reduce__ must return a string or tuple");
        return false;
    }
    ObjTuple *t = AS(ObjTuple, rv);
    if (t->len < 2 || t->len > 6) {
        pk_raise(vm, PK_PICKLING, "tuple returned by __reduce__ must contain 2 through 6 elements");
        return false;
    }
    Reduce r = reduce_init(t->items[0], t->items[1]);
    Value *parts[] = {&r.state, &r.listitems, &r.dictitems, &r.setter};
    for (int64_t i = 2; i < t->len; i++) *parts[i - 2] = t->items[i];
    if (!op_callable(vm, r.func)) {
        pk_raise(vm, PK_PICKLING, "first item of the tuple returned by __reduce__ must be callable");
        return false;
    }
    if (!is_tuple(r.args)) {
        pk_raise(vm, PK_PICKLING, "second item of the tuple returned by __reduce__ must be a tuple");
        return false;
    }
    if (r.listitems != NONE_VAL && !is_iterator(vm, r.listitems)) {
        pk_raise(vm, PK_PICKLING, "fourth element of the tuple returned by __reduce__ must be an iterator, not %T",
                 r.listitems);
        return false;
    }
    if (r.dictitems != NONE_VAL && !is_iterator(vm, r.dictitems)) {
        pk_raise(vm, PK_PICKLING, "fifth element of the tuple returned by __reduce__ must be an iterator, not %T",
                 r.dictitems);
        return false;
    }
    if (r.setter != NONE_VAL && !op_callable(vm, r.setter)) {
        pk_raise(vm, PK_PICKLING, "sixth element of the tuple returned by __reduce__ must be a function, not %T",
                 r.setter);
        return false;
    }
    ObjStr *fname = func_name(r.func);
    if (fname && strcmp(fname->data, "__newobj__") == 0) return save_newobj_call(p, obj, &r);
    return save_reduce(p, obj, &r);
}

/* Calls the class's __reduce_ex__(proto) or __reduce__() if it defines one
 * (only script classes do): the result, held; UNDEF when it has neither. */
/* What the class defines itself: object's __reduce_ex__, __reduce__ and
 * __getstate__ (copyreg's) do not count, the pickler has its own paths. */
static Value own_method(VM *vm, ObjClass *cls, ObjStr *name) {
    Value m = class_lookup(cls, name);
    return m == dict_get_str(vm->types[T_OBJECT]->dict, name) ? UNDEF : m;
}

static Value call_reduce(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *cls = type_of(vm, v);
    ObjStr *rex = pname(p, PN_REDUCE_EX), *red = pname(p, PN_REDUCE);
    if (!rex || !red) return ERR;
    Value r;
    if (own_method(vm, cls, rex) != UNDEF) r = op_call_method(vm, v, rex, &p->proto, 1);
    else if (own_method(vm, cls, red) != UNDEF) r = op_call_method(vm, v, red, NULL, 0);
    else return UNDEF;
    if (r == UNDEF) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute '__reduce__'", v);
    return r == ERR || !hold(p, r) ? ERR : r;
}

/* Calls the class's method `id` if it defines one: the result (held), or
 * UNDEF. */
static Value call_own(Pickler *p, Value v, int id) {
    ObjStr *n = pname(p, id);
    if (!n) return ERR;
    if (own_method(p->vm, type_of(p->vm, v), n) == UNDEF) return UNDEF;
    Value r = op_call_method(p->vm, v, n, NULL, 0);
    if (r == ERR || r == UNDEF) return r;
    return hold(p, r) ? r : ERR;
}

/* ---- writing: objects without a __reduce__ ------------------------------- */

/* getattr(self, name): how CPython pickles bound methods. */
static bool save_getattr(Pickler *p, Value obj, Value self, ObjStr *name) {
    VM *vm = p->vm;
    ObjStr *ga = pname(p, PN_GETATTR);
    Value getattr = ga ? dict_get_str(vm->builtins, ga) : UNDEF;
    if (getattr == UNDEF) return ga ? cannot_pickle(p, obj) : false;
    ObjTuple *args = tuple_from(vm, (Value[]){self, obj_val(name)}, 2);
    if (!args || !hold(p, obj_val(args))) return false;
    Reduce r = reduce_init(getattr, obj_val(args));
    bool ok = save_reduce(p, obj, &r);
    unhold(p, 1);
    return ok;
}

static bool save_native(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjNative *n = AS(ObjNative, v);
    ObjStr *module = which_module(vm, v, n->name);
    if (module) {
        put_global(p, module, n->name);
        return memoize(p, v);
    }
    if (n->self != UNDEF) return save_getattr(p, v, n->self, n->name);
    /* A method of a builtin type, taken from the class (str.join). */
    for (int i = 0; i < T_COUNT; i++) {
        if (dict_get_str(vm->types[i]->dict, n->name) == v) return save_getattr(p, v, obj_val(vm->types[i]), n->name);
    }
    pk_raise(vm, PK_PICKLING, "Can't pickle %R: attribute lookup %S on builtins failed", v, n->name);
    return false;
}

static bool save_method(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjBound *b = AS(ObjBound, v);
    ObjStr *name = func_name(b->func);
    if (!name) {
        Value nv = op_getattr(vm, b->func, vm_name(vm, N___name__));
        if (nv == ERR) return false;
        if (!is_str(nv)) return cannot_pickle(p, v);
        name = AS(ObjStr, nv);
    }
    if (!hold(p, obj_val(name))) return false;
    bool ok = save_getattr(p, v, b->self, name);
    unhold(p, 1);
    return ok;
}

static bool save_class(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *c = AS(ObjClass, v);
    /* type(None) and friends are not builtins: type(None) rebuilds them. */
    Value single = c == vm->types[T_NONE] ? NONE_VAL : c == vm->types[T_NOTIMPL] ? NOTIMPL_VAL
                   : c == vm->types[T_ELLIPSIS] ? ELLIPSIS_VAL : UNDEF;
    if (single != UNDEF) {
        ObjTuple *args = tuple_from(vm, &single, 1);
        if (!args || !hold(p, obj_val(args))) return false;
        Reduce r = reduce_init(obj_val(vm->types[T_TYPE]), obj_val(args));
        bool ok = save_reduce(p, v, &r);
        unhold(p, 1);
        return ok;
    }
    ObjStr *module = is_str(c->module) ? AS(ObjStr, c->module) : builtins_name(vm);
    return module && save_global_as(p, v, module, c->qualname, true);
}

static bool save_exception(Pickler *p, Value v) {
    ObjException *e = AS(ObjException, v);
    ObjDict *d = e->base.dict;
    ObjTuple *args = exc_reduce_args(p->vm, e);
    if (!args) return false;
    Reduce r = reduce_init(obj_val(as_obj(v)->cls), obj_val(args));
    if (d && d->count) r.state = obj_val(d);
    if (!hold(p, r.args) || !hold(p, r.state)) return false;
    bool ok = save_reduce(p, v, &r);
    unhold(p, 2);
    return ok;
}

/* object.__getstate__() for the pickler's own paths: the attribute dict
 * (None when empty), or (dict, slots) for an instance that has both an
 * instance dict and slot values, which its class's member descriptors
 * keep beside it (vm/class.c). */
static Value instance_state(VM *vm, Value v) {
    Obj *o = as_obj(v);
    ObjDict *d = (o->flags & OBJ_SUBTYPE) ? gc_subtype_dict(vm, o) : is_kind(v, OBJ_INSTANCE) ? AS(ObjInstance, v)->dict : NULL;
    Value state = d && d->count ? obj_val(d) : NONE_VAL;
    ObjDict *slots = (o->flags & OBJ_SUBTYPE) ? NULL : gc_subtype_dict(vm, o);
    if (!slots || !slots->count) return state;
    ObjTuple *t = tuple_from(vm, (Value[]){state, obj_val(slots)}, 2);
    return t ? obj_val(t) : ERR;
}

/* The default for instances, as copyreg's reduce_newobj: NEWOBJ of the
 * class with __getnewargs__() (or nothing), then __getstate__() or the
 * instance dict. `items`: a list or dict iterator to write as well. */
static bool save_newobj(Pickler *p, Value v, Value listitems, Value dictitems) {
    VM *vm = p->vm;
    Value args = call_own(p, v, PN_GETNEWARGS);
    if (args == ERR) return false;
    if (args != UNDEF && !is_tuple(args)) {
        exc_raise(vm, E_TypeError, "__getnewargs__ should return a tuple, not '%T'", args);
        return false;
    }
    Value state = call_own(p, v, PN_GETSTATE);
    if (state == ERR) return false;
    if (state == UNDEF) state = instance_state(vm, v);
    if (state == ERR) return false;
    Reduce r = reduce_init(UNDEF, args == UNDEF ? obj_val(vm->empty_tuple) : args);
    r.cls = obj_val(as_obj(v)->cls);
    r.state = state;
    r.listitems = listitems;
    r.dictitems = dictitems;
    if (!hold(p, state)) return false;
    bool ok = save_reduce(p, v, &r);
    unhold(p, 1);
    return ok;
}

/* collections.deque (deque.c keeps its ring under a key no attribute can
 * name): deque((), maxlen), then its items and any attributes. */
static bool save_deque(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjStr *ml = pname(p, PN_MAXLEN);
    Value maxlen = ml ? op_getattr(vm, v, ml) : ERR;
    if (maxlen == ERR || !hold(p, maxlen)) return false;
    ObjTuple *args = tuple_from(vm, (Value[]){obj_val(vm->empty_tuple), maxlen}, 2);
    Value it = args && hold(p, obj_val(args)) ? op_iter(vm, v) : ERR;
    if (it == ERR || !hold(p, it)) return false;
    /* copyreg's _deque_state: the attributes and any __slots__ values. */
    Value cr = import_module(vm, "copyreg");
    Value fn = cr == ERR ? ERR : op_getattr(vm, cr, str_intern_cstr(vm, "_deque_state"));
    Value state = fn == ERR ? ERR : op_call1(vm, fn, v);
    if (state == ERR || !hold(p, state)) return false;
    Reduce r = reduce_init(obj_val(as_obj(v)->cls), obj_val(args));
    r.listitems = it;
    if (state != NONE_VAL) r.state = state;
    bool ok = save_reduce(p, v, &r);
    unhold(p, 4);
    return ok;
}

static bool is_deque(VM *vm, ObjClass *cls) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "collections"));
    Value d = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, "deque")) : UNDEF;
    return is_kind(d, OBJ_CLASS) && class_is_subclass(cls, AS(ObjClass, d));
}

/* An object functools.update_wrapper made look like the function it wraps
 * (an lru_cache wrapper): 1 after writing it by reference when its
 * __module__ and __qualname__ lead back to it, as CPython's lru_cache
 * __reduce__ does; 0 when they do not; -1 after an error. */
static int save_wrapper(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjDict *d = AS(ObjInstance, v)->dict;
    ObjStr *wrapped = str_intern_cstr(vm, "__wrapped__");
    if (!wrapped) return -1;
    Value mod = dict_get_str(d, vm_name(vm, N___module__)), qn = dict_get_str(d, vm_name(vm, N___qualname__));
    if (dict_get_str(d, wrapped) == UNDEF || !is_str(mod) || !is_str(qn) || is_local_name(AS(ObjStr, qn))) return 0;
    if (!hold(p, mod) || !hold(p, qn)) return -1;
    Value m = find_module(vm, AS(ObjStr, mod));
    Value found = m == ERR ? ERR : walk_qualname(vm, m, AS(ObjStr, qn));
    unhold(p, 2);
    if (found == ERR) vm->exc = UNDEF;
    if (found != v) return 0;
    put_global(p, AS(ObjStr, mod), AS(ObjStr, qn));
    return memoize(p, v) ? 1 : -1;
}

static bool save_instance(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *cls = as_obj(v)->cls;
    if (is_deque(vm, cls)) return save_deque(p, v);
    /* Native classes keep state Asy code cannot see or rebuild. */
    if ((cls->obj.flags & CLASS_BUILTIN) && cls != vm->types[T_OBJECT]) return cannot_pickle(p, v);
    int r = AS(ObjInstance, v)->dict ? save_wrapper(p, v) : 0;
    if (r) return r > 0;
    return save_newobj(p, v, NONE_VAL, NONE_VAL);
}

/* Subclasses of dict from collections: a defaultdict (its attribute dict
 * holds the factory) as type(d)(factory), as CPython's __reduce__, others
 * (OrderedDict, Counter) as NEWOBJ; the items follow. */
static bool save_dict_subclass(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *cls = as_obj(v)->cls;
    Value items = dict_iter(vm, AS(ObjDict, v), T_DICT_ITEMS);
    if (items == ERR || !hold(p, items)) return false;
    ObjStr *fn = pname(p, PN_FACTORY);
    Value factory = fn && (as_obj(v)->flags & OBJ_SUBTYPE) && class_lookup(cls, fn) != UNDEF ? op_getattr(vm, v, fn) : UNDEF;
    if (factory == ERR || !hold(p, factory)) return false;
    bool ok;
    if (factory != UNDEF) {
        ObjTuple *args = tuple_from(vm, &factory, 1);
        if (!args || !hold(p, obj_val(args))) return false;
        Reduce r = reduce_init(obj_val(cls), obj_val(args));
        r.dictitems = items;
        ok = save_reduce(p, v, &r);
        unhold(p, 1);
    } else {
        ok = save_newobj(p, v, NONE_VAL, items);
    }
    unhold(p, 2);
    return ok;
}

/* Subclasses of tuple: namedtuples as cls.__new__(cls, *items), others as
 * cls.__new__(cls, tuple(self)), as CPython. */
static bool save_tuple_subclass(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjTuple *t = AS(ObjTuple, v);
    ObjStr *fields = pname(p, PN_FIELDS);
    if (!fields) return false;
    ObjTuple *items = tuple_from(vm, t->items, t->len);
    if (!items || !hold(p, obj_val(items))) return false;
    ObjTuple *args = items;
    if (!is_tuple(class_lookup(as_obj(v)->cls, fields))) {
        Value one = obj_val(items);
        args = tuple_from(vm, &one, 1);
        if (!args || !hold(p, obj_val(args))) return false;
    }
    Reduce r = reduce_init(UNDEF, obj_val(args));
    r.cls = obj_val(as_obj(v)->cls);
    bool ok = save_reduce(p, v, &r);
    unhold(p, args == items ? 1 : 2);
    return ok;
}

/* An instance of a Python subclass of a builtin type, as copyreg's
 * reduce_newobj would write it: NEWOBJ of the class with the builtin value
 * for the immutable types (their __getnewargs__), the items of a list, set
 * or dict after it, and the attributes as state. */
static bool save_subtype(Pickler *p, Value v) {
    VM *vm = p->vm;
    Obj *o = as_obj(v);
    Value listitems = NONE_VAL, dictitems = NONE_VAL;
    switch ((ObjKind)o->kind) {
    case OBJ_LIST: listitems = op_iter(vm, v); break;
    case OBJ_DICT: dictitems = dict_iter(vm, AS(ObjDict, v), T_DICT_ITEMS); break;
    case OBJ_SET: {
        /* cls(list(self)), as set.__reduce__ */
        ObjList *items = op_to_list(vm, v);
        Value l = items ? obj_val(items) : ERR;
        ObjTuple *args = items && hold(p, l) ? tuple_from(vm, &l, 1) : NULL;
        if (!args || !hold(p, obj_val(args))) return false;
        ObjDict *d = gc_subtype_dict(vm, o);
        Reduce r = reduce_init(obj_val(o->cls), obj_val(args));
        r.state = d && d->count ? obj_val(d) : NONE_VAL;
        bool ok = save_reduce(p, v, &r);
        unhold(p, 2);
        return ok;
    }
    case OBJ_INSTANCE: return save_newobj(p, v, NONE_VAL, NONE_VAL);      /* __slots__ */
    default: {
        /* str, bytes, bytearray, tuple, int, float: cls.__new__(cls,
         * *self.__getnewargs__()), which is (value,) but for a subclass
         * of a namedtuple (its fields) */
        ObjTuple *args = NULL;
        Value nargs = is_kind(v, OBJ_BYTEARRAY) ? UNDEF : call_own(p, v, PN_GETNEWARGS);
        if (nargs == ERR) return false;
        if (nargs != UNDEF && !is_tuple(nargs)) {
            exc_raise(vm, E_TypeError, "__getnewargs__ should return a tuple, not '%T'", nargs);
            return false;
        }
        if (nargs != UNDEF) {
            args = AS(ObjTuple, nargs);     /* held by call_own */
        } else {
            Value plain = is_kind(v, OBJ_BYTEARRAY)
                              ? bytes_new(vm, AS(ObjByteArray, v)->data, (size_t)AS(ObjByteArray, v)->len)
                              : subtype_plain(vm, v);
            args = plain == ERR ? NULL : tuple_from(vm, &plain, 1);
            if (!args || !hold(p, obj_val(args))) return false;
        }
        Value state = call_own(p, v, PN_GETSTATE);
        if (state == ERR) return false;
        ObjDict *d = gc_subtype_dict(vm, o);
        /* a bytearray is filled by __init__: cls(value), as its __reduce_ex__ */
        bool call = is_kind(v, OBJ_BYTEARRAY);
        Reduce r = reduce_init(call ? obj_val(o->cls) : UNDEF, obj_val(args));
        if (!call) r.cls = obj_val(o->cls);
        r.state = state != UNDEF ? state : d && d->count ? obj_val(d) : NONE_VAL;
        bool ok = save_reduce(p, v, &r);
        unhold(p, state != UNDEF ? 2 : 1);
        return ok;
    }
    }
    Value it = listitems != NONE_VAL ? listitems : dictitems;
    if (it == ERR || !hold(p, it)) return false;
    bool ok = save_newobj(p, v, listitems, dictitems);
    unhold(p, 1);
    return ok;
}

/* ---- writing: dispatch ---------------------------------------------------- */

/* complex(re, im), as complex.__reduce__ gives it. */
static bool save_complex(Pickler *p, Value v) {
    Value parts[2] = {float_val(AS(ObjComplex, v)->re), float_val(AS(ObjComplex, v)->im)};
    ObjTuple *args = tuple_from(p->vm, parts, 2);
    if (!args || !hold(p, obj_val(args))) return false;
    Reduce r = reduce_init(obj_val(p->vm->types[T_COMPLEX]), obj_val(args));
    bool ok = save_reduce(p, v, &r);
    unhold(p, 1);
    return ok;
}

static bool save_dict_subclass(Pickler *p, Value v);

/* A range beyond int64_t, as its reduction: range(start, stop, step). */
static bool save_big_range(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjRange *r = AS(ObjRange, v);
    Value vals[3] = {range_field(vm, r, RANGE_START), range_field(vm, r, RANGE_STOP), range_field(vm, r, RANGE_STEP)};
    ObjTuple *args = tuple_from(vm, vals, 3);
    ObjTuple *rv = args ? tuple_from(vm, (Value[]){obj_val(vm->types[T_RANGE]), obj_val(args)}, 2) : NULL;
    if (!rv || !hold(p, obj_val(rv))) return false;
    bool ok = save_reduce_value(p, v, obj_val(rv));
    unhold(p, 1);
    return ok;
}

static bool save_obj(Pickler *p, Value v) {
    VM *vm = p->vm;
    Obj *o = as_obj(v);
    if (o->flags & OBJ_SUBTYPE) {
        Value rv = call_reduce(p, v);
        if (rv == ERR) return false;
        if (rv == UNDEF) {
            ObjStr *fn = pname(p, PN_FACTORY);
            bool defaultdict = o->kind == OBJ_DICT && fn && class_lookup(o->cls, fn) != UNDEF;
            return defaultdict ? save_dict_subclass(p, v) : save_subtype(p, v);
        }
        bool ok = save_reduce_value(p, v, rv);
        unhold(p, 1);
        return ok;
    }
    switch ((ObjKind)o->kind) {
    case OBJ_BIGINT: return save_bigint(p, AS(ObjBigInt, v));
    case OBJ_STR:
        put_blob(p, OP_STR, AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len);
        return memoize(p, v);
    case OBJ_BYTES:
        put_blob(p, OP_BYTES, AS(ObjBytes, v)->data, (size_t)AS(ObjBytes, v)->len);
        return memoize(p, v);
    case OBJ_BYTEARRAY:
        put_blob(p, OP_BYTEARRAY, AS(ObjByteArray, v)->data, (size_t)AS(ObjByteArray, v)->len);
        return memoize(p, v);
    case OBJ_RANGE:
        if (o->flags & RANGE_BIG) return save_big_range(p, v);
        put_byte(p, OP_RANGE);
        put_svarint(p, AS(ObjRange, v)->start);
        put_svarint(p, AS(ObjRange, v)->stop);
        put_svarint(p, AS(ObjRange, v)->step);
        return memoize(p, v);
    case OBJ_SLICE: return save_slice(p, v);
    case OBJ_COMPLEX: return save_complex(p, v);
    case OBJ_FUNCTION: return save_function(p, v);
    case OBJ_CLASS: return save_class(p, v);
    default: break;
    }
    ObjClass *cls = o->cls;
    if (cls == vm->types[T_TUPLE]) return save_tuple(p, v);
    if (cls == vm->types[T_LIST]) {
        put_byte(p, OP_LIST);
        return memoize(p, v) && save_items(p, v, OP_APPENDS);
    }
    if (cls == vm->types[T_DICT]) return save_dict(p, v);
    if (cls == vm->types[T_SET] || cls == vm->types[T_FROZENSET]) return save_set(p, v);
    Value rv = call_reduce(p, v);
    if (rv == ERR) return false;
    if (rv != UNDEF) {
        bool ok = save_reduce_value(p, v, rv);
        unhold(p, 1);
        return ok;
    }
    switch ((ObjKind)o->kind) {
    case OBJ_NATIVE: return save_native(p, v);
    case OBJ_BOUND: return save_method(p, v);
    case OBJ_EXC: return save_exception(p, v);
    case OBJ_INSTANCE: return save_instance(p, v);
    case OBJ_DICT: return save_dict_subclass(p, v);
    case OBJ_TUPLE: return save_tuple_subclass(p, v);
    default: return cannot_pickle(p, v);
    }
}

static bool save(Pickler *p, Value v) {
    VM *vm = p->vm;
    if (is_float(v)) {
        save_float(p, as_float(v));
        return true;
    }
    if (is_int(v)) {
        put_byte(p, OP_INT);
        put_svarint(p, as_int(v));
        return true;
    }
    if (!is_obj(v)) {
        int op = v == NONE_VAL ? OP_NONE : v == TRUE_VAL ? OP_TRUE : v == FALSE_VAL ? OP_FALSE
               : v == ELLIPSIS_VAL ? OP_ELLIPSIS : v == NOTIMPL_VAL ? OP_NOTIMPL : 0;
        if (!op) {
            exc_raise(vm, E_SystemError, "pickle: not a value");
            return false;
        }
        put_byte(p, op);
        return true;
    }
    int64_t idx = memo_find(p, as_obj(v));
    if (idx >= 0) {
        put_op_n(p, OP_GET, (uint64_t)idx);
        return true;
    }
    if (vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while pickling an object");
        return false;
    }
    if (!hold(p, v)) return false;
    vm->c_depth++;
    bool ok = save_obj(p, v);
    vm->c_depth--;
    unhold(p, 1);
    return ok;
}

/* The header and body of v's pickle as bytes; proto goes to __reduce_ex__. */
static Value dumps_impl(VM *vm, Value v, int64_t proto) {
    Value *roots = vm_roots_open(vm, 2);
    if (!roots) return ERR;
    Pickler p = {.vm = vm, .proto = int_val(proto)};
    p.keep = list_new(vm, 16);
    if (p.keep) roots[0] = obj_val(p.keep);
    p.hold = p.keep ? list_new(vm, 16) : NULL;
    if (!p.hold) {
        vm_pop_roots(vm, 2);
        return ERR;
    }
    roots[1] = obj_val(p.hold);
    p.names.keep = p.keep;
    /* Room for the header, written once the body's length is known. */
    sb_add(&p.out, "\0\0\0\0\0\0\0\0\0\0\0\0", PK_HEADER_MAX);
    int depth = vm->c_depth;
    bool ok = save(&p, v);
    vm->c_depth = depth;
    put_byte(&p, OP_STOP);
    free(p.memo);
    Value r = ERR;
    if (ok && p.out.oom) exc_nomem(vm);
    if (ok && !p.out.oom) {
        char hdr[PK_HEADER_MAX] = {(char)PK_MAGIC, PK_VERSION};
        size_t n = 2 + uvarint_encode(p.out.len - PK_HEADER_MAX, hdr + 2);
        size_t start = PK_HEADER_MAX - n;
        memcpy(p.out.data + start, hdr, n);
        r = bytes_new(vm, (const uint8_t *)p.out.data + start, p.out.len - start);
    }
    sb_free(&p.out);
    vm_pop_roots(vm, 2);
    return r;
}

Value pickle_dumps(VM *vm, Value v) { return dumps_impl(vm, v, PK_DEFAULT_PROTOCOL); }

/* ---- reading ------------------------------------------------------------- */

typedef struct Unpickler {
    VM *vm;
    const uint8_t *p, *end;     /* the body */
    ObjList *stack, *memo;      /* rooted */
    Names names;
} Unpickler;

/* The reader's errors: false after raising pickle.UnpicklingError. */
static bool truncated(VM *vm) {
    pk_raise(vm, PK_UNPICKLING, "pickle data was truncated");
    return false;
}

static bool bad(VM *vm, const char *what) {
    pk_raise(vm, PK_UNPICKLING, "%s", what);
    return false;
}

static bool bad_key(VM *vm, uint8_t op) {
    if (op >= 0x20 && op < 0x7F) pk_raise(vm, PK_UNPICKLING, "invalid load key, '%c'.", op);
    else pk_raise(vm, PK_UNPICKLING, "invalid load key, '\\x%02x'.", op);
    return false;
}

static bool rd_uvarint(Unpickler *u, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
        if (u->p >= u->end) return truncated(u->vm);
        uint8_t c = *u->p++;
        /* The tenth byte holds bit 63 only. */
        if (shift == 63 && c > 1) return bad(u->vm, "invalid varint in pickle data");
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) break;
    }
    *out = v;
    return true;
}

static bool rd_svarint(Unpickler *u, int64_t *out) {
    uint64_t z;
    if (!rd_uvarint(u, &z)) return false;
    *out = (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
    return true;
}

/* A byte count, checked against what is left. */
static bool rd_len(Unpickler *u, uint64_t *n) {
    if (!rd_uvarint(u, n)) return false;
    return *n <= (uint64_t)(u->end - u->p) || truncated(u->vm);
}

/* A count of groups of `per` stack items, checked against the stack;
 * `extra` more items must lie below them. */
static bool rd_count(Unpickler *u, uint64_t *n, uint64_t per, uint64_t extra) {
    if (!rd_uvarint(u, n)) return false;
    uint64_t have = (uint64_t)u->stack->len;
    return (have >= extra && *n <= (have - extra) / per) || bad(u->vm, "unpickling stack underflow");
}

static bool need(Unpickler *u, int64_t n) {
    return u->stack->len >= n || bad(u->vm, "unpickling stack underflow");
}

static ObjStr *rd_str(Unpickler *u) {
    uint64_t n;
    size_t bad_at;
    if (!rd_len(u, &n)) return NULL;
    if (!utf8_valid((const char *)u->p, n, &bad_at)) {
        bad(u->vm, "invalid UTF-8 in pickle data");
        return NULL;
    }
    Value s = str_new(u->vm, (const char *)u->p, n);
    u->p += n;
    return s == ERR ? NULL : AS(ObjStr, s);
}

static bool push(Unpickler *u, Value v) { return v != ERR && list_append(u->vm, u->stack, v) == 0; }
static Value top(Unpickler *u, int64_t k) { return u->stack->items[u->stack->len - 1 - k]; }

/* Replaces the top n items by v. */
static bool replace(Unpickler *u, int64_t n, Value v) {
    if (v == ERR) return false;
    u->stack->len -= n;
    return push(u, v);
}

static Value rd_bigint(Unpickler *u) {
    VM *vm = u->vm;
    uint64_t n;
    if (u->p >= u->end) {
        truncated(vm);
        return ERR;
    }
    uint8_t sign = *u->p++;
    if (sign > 1) {
        bad(vm, "invalid int in pickle data");
        return ERR;
    }
    if (!rd_len(u, &n)) return ERR;
    if (n > (uint64_t)INT32_MAX / 8) return exc_nomem(vm);    /* libtommath counts bits in an int */
    mp_int m;
    if (mp_init(&m) != MP_OKAY) return exc_nomem(vm);
    mp_err e = mp_from_ubin(&m, u->p, (size_t)n);
    if (e == MP_OKAY && sign) e = mp_neg(&m, &m);
    u->p += n;
    if (e != MP_OKAY) {
        mp_clear(&m);
        return exc_nomem(vm);
    }
    return int_from_mp(vm, &m);
}

static Value rd_global(Unpickler *u) {
    VM *vm = u->vm;
    ObjStr *module = rd_str(u);
    if (!module || !push(u, obj_val(module))) return ERR;
    ObjStr *qualname = rd_str(u);
    if (!qualname || !push(u, obj_val(qualname))) return ERR;
    Value m = find_module(vm, module);
    if (m == ERR || !push(u, m == UNDEF ? NONE_VAL : m)) return ERR;
    Value v = walk_qualname(vm, m, qualname);
    u->stack->len -= 3;
    if (v != UNDEF) return v;
    if (m == UNDEF)
        return exc_raise(vm, E_AttributeError, "Can't get attribute %R on <module 'builtins' (built-in)>",
                         obj_val(qualname));
    return exc_raise(vm, E_AttributeError, "Can't get attribute %R on %R", obj_val(qualname), m);
}

/* APPENDS: the top n items go to the list (or object with extend() or
 * append()) below them. */
static bool ld_appends(Unpickler *u, uint64_t n) {
    VM *vm = u->vm;
    int64_t base = u->stack->len - (int64_t)n;
    Value target = u->stack->items[base - 1];
    if (is_list(target) && as_obj(target)->cls == vm->types[T_LIST]) {
        for (int64_t i = base; i < u->stack->len; i++) {
            if (list_append(vm, AS(ObjList, target), u->stack->items[i]) < 0) return false;
        }
        u->stack->len = base;
        return true;
    }
    ObjStr *ext = name_of(vm, &u->names, PN_EXTEND), *app = name_of(vm, &u->names, PN_APPEND);
    ObjList *items = ext && app ? list_from(vm, u->stack->items + base, (int64_t)n) : NULL;
    if (!items || !push(u, obj_val(items))) return false;
    Value arg = obj_val(items);
    Value r = op_call_method(vm, target, ext, &arg, 1);
    for (int64_t i = 0; r == UNDEF && i < items->len; i++) {
        Value item = items->items[i];
        Value r2 = op_call_method(vm, target, app, &item, 1);
        if (r2 == UNDEF) r = exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'append'", target);
        if (r2 == ERR) r = ERR;
    }
    u->stack->len = base;
    return r != ERR;
}

static bool ld_setitems(Unpickler *u, uint64_t n) {
    VM *vm = u->vm;
    int64_t base = u->stack->len - 2 * (int64_t)n;
    Value target = u->stack->items[base - 1];
    bool plain = is_dict(target) && as_obj(target)->cls == vm->types[T_DICT];
    for (int64_t i = base; i < u->stack->len; i += 2) {
        Value k = u->stack->items[i], v = u->stack->items[i + 1];
        if ((plain ? dict_set(vm, AS(ObjDict, target), k, v) : op_setitem(vm, target, k, v)) < 0) return false;
    }
    u->stack->len = base;
    return true;
}

static bool ld_additems(Unpickler *u, uint64_t n) {
    VM *vm = u->vm;
    int64_t base = u->stack->len - (int64_t)n;
    Value target = u->stack->items[base - 1];
    bool plain = is_kind(target, OBJ_SET) && as_obj(target)->cls == vm->types[T_SET];
    ObjStr *add = plain ? NULL : name_of(vm, &u->names, PN_ADD);
    if (!plain && !add) return false;
    for (int64_t i = base; i < u->stack->len; i++) {
        Value item = u->stack->items[i];
        if (plain) {
            if (set_add(vm, AS(ObjSet, target), item) < 0) return false;
            continue;
        }
        Value r = op_call_method(vm, target, add, &item, 1);
        if (r == UNDEF) exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'add'", target);
        if (r == UNDEF || r == ERR) return false;
    }
    u->stack->len = base;
    return true;
}

/* FROZENSET: the set is made on top of its items (hashing them may run
 * script code), then takes their place. */
static bool ld_frozenset(Unpickler *u, uint64_t n) {
    VM *vm = u->vm;
    int64_t base = u->stack->len - (int64_t)n;
    ObjSet *s = set_new(vm, vm->types[T_FROZENSET]);
    if (!s || !push(u, obj_val(s))) return false;
    for (int64_t i = base; i < base + (int64_t)n; i++) {
        if (set_add(vm, s, u->stack->items[i]) < 0) return false;
    }
    u->stack->len = base;
    return push(u, obj_val(s));
}

/* Sets the attributes a state dict holds: straight into an instance's dict
 * when `direct` (as CPython's load_build), else with setattr. Only str
 * keys: native classes may keep private entries under other keys. */
static bool set_attrs(Unpickler *u, Value obj, Value state, bool direct) {
    VM *vm = u->vm;
    if (!is_dict(state)) return bad(vm, direct ? "state is not a dictionary" : "slot state is not a dictionary");
    Value *held = vm_roots_open(vm, 2);
    if (!held) return false;
    int64_t pos = 0;
    Value k, v;
    bool ok = true;
    while (ok && dict_next(AS(ObjDict, state), &pos, &k, &v)) {
        if (!is_str(k)) {
            ok = bad(vm, "attribute names in pickle data must be str");
        } else if (direct) {
            ok = dict_set_str(vm, AS(ObjInstance, obj)->dict, AS(ObjStr, k), v) == 0;
        } else {
            held[0] = k;
            held[1] = v;
            ok = op_setattr(vm, obj, AS(ObjStr, k), v) == 0;
        }
    }
    vm_pop_roots(vm, 2);
    return ok;
}

/* BUILD: obj.__setstate__(state) if its class has one; else state is a
 * dict of attributes or a (dict, slot dict) pair. Exceptions take theirs
 * through setattr, as BaseException.__setstate__ does. */
static bool ld_build(Unpickler *u) {
    VM *vm = u->vm;
    Value obj = top(u, 1), state = top(u, 0);
    ObjStr *ss = name_of(vm, &u->names, PN_SETSTATE);
    if (!ss) return false;
    if (class_lookup(type_of(vm, obj), ss) != UNDEF) {
        Value r = op_call_method(vm, obj, ss, &state, 1);
        if (r == UNDEF) exc_raise(vm, E_AttributeError, "'%T' object has no attribute '__setstate__'", obj);
        if (r == UNDEF || r == ERR) return false;
    } else {
        Value slots = NONE_VAL;
        if (is_tuple(state) && AS(ObjTuple, state)->len == 2) {
            slots = AS(ObjTuple, state)->items[1];
            state = AS(ObjTuple, state)->items[0];
        }
        bool direct = is_kind(obj, OBJ_INSTANCE) && AS(ObjInstance, obj)->dict;
        if (state != NONE_VAL && !set_attrs(u, obj, state, direct)) return false;
        if (slots != NONE_VAL && !set_attrs(u, obj, slots, false)) return false;
    }
    u->stack->len--;
    return true;
}

/* NEWOBJ: cls.__new__(cls, *args), without __init__. */
static bool ld_newobj(Unpickler *u) {
    VM *vm = u->vm;
    Value cls = top(u, 1), args = top(u, 0), init;
    if (!is_kind(cls, OBJ_CLASS)) return bad(vm, "NEWOBJ class argument isn't a type object");
    if (!is_tuple(args)) return bad(vm, "NEWOBJ expected an arg tuple.");
    ObjTuple *t = AS(ObjTuple, args);
    if (t->len > INT32_MAX) return bad(vm, "too many arguments in pickle data");
    return replace(u, 2, class_alloc(vm, AS(ObjClass, cls), t->items, (int)t->len, NULL, &init));
}

static bool ld_reduce(Unpickler *u) {
    VM *vm = u->vm;
    Value func = top(u, 1), args = top(u, 0);
    if (!is_tuple(args)) return bad(vm, "REDUCE expected an arg tuple");
    ObjTuple *t = AS(ObjTuple, args);
    if (t->len > INT32_MAX) return bad(vm, "too many arguments in pickle data");
    return replace(u, 2, op_call(vm, func, t->items, (int)t->len, NULL));
}

static bool ld_float(Unpickler *u) {
    if (u->end - u->p < 8) return truncated(u->vm);
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++) bits |= (uint64_t)u->p[i] << (8 * i);
    u->p += 8;
    double d;
    memcpy(&d, &bits, sizeof d);
    return push(u, float_val(d));
}

/* Runs the opcode at u->p; false after raising. STOP sets *result. */
static bool ld_op(Unpickler *u, Value *result) {
    VM *vm = u->vm;
    uint8_t op = *u->p++;
    uint64_t n;
    int64_t a, b, c;
    switch (op) {
    case OP_STOP:
        if (u->p != u->end) return bad(vm, "STOP before the end of the pickle data");
        if (u->stack->len != 1) return bad(vm, u->stack->len ? "values left on the stack at STOP" : "unpickling stack underflow");
        *result = u->stack->items[0];
        return true;
    case OP_NONE: return push(u, NONE_VAL);
    case OP_TRUE: return push(u, TRUE_VAL);
    case OP_FALSE: return push(u, FALSE_VAL);
    case OP_ELLIPSIS: return push(u, ELLIPSIS_VAL);
    case OP_NOTIMPL: return push(u, NOTIMPL_VAL);
    case OP_INT: return rd_svarint(u, &a) && push(u, int_from_i64(vm, a));
    case OP_BIGINT: return push(u, rd_bigint(u));
    case OP_FLOAT: return ld_float(u);
    case OP_STR: {
        ObjStr *s = rd_str(u);
        return s && push(u, obj_val(s));
    }
    case OP_BYTES:
    case OP_BYTEARRAY: {
        if (!rd_len(u, &n)) return false;
        Value v = op == OP_BYTES ? bytes_new(vm, u->p, n) : bytearray_new(vm, u->p, n);
        u->p += n;
        return push(u, v);
    }
    case OP_TUPLE: {
        if (!rd_count(u, &n, 1, 0)) return false;
        ObjTuple *t = tuple_from(vm, u->stack->items + u->stack->len - (int64_t)n, (int64_t)n);
        return t && replace(u, (int64_t)n, obj_val(t));
    }
    case OP_LIST: {
        ObjList *l = list_new(vm, 0);
        return l && push(u, obj_val(l));
    }
    case OP_DICT: {
        ObjDict *d = dict_new(vm);
        return d && push(u, obj_val(d));
    }
    case OP_SET: {
        ObjSet *s = set_new(vm, vm->types[T_SET]);
        return s && push(u, obj_val(s));
    }
    case OP_APPENDS: return rd_count(u, &n, 1, 1) && ld_appends(u, n);
    case OP_SETITEMS: return rd_count(u, &n, 2, 1) && ld_setitems(u, n);
    case OP_ADDITEMS: return rd_count(u, &n, 1, 1) && ld_additems(u, n);
    case OP_FROZENSET: return rd_count(u, &n, 1, 0) && ld_frozenset(u, n);
    case OP_RANGE:
        if (!rd_svarint(u, &a) || !rd_svarint(u, &b) || !rd_svarint(u, &c)) return false;
        if (c == 0) return bad(vm, "invalid range in pickle data");
        return push(u, range_new(vm, a, b, c));
    case OP_SLICE: return need(u, 3) && replace(u, 3, slice_new(vm, top(u, 2), top(u, 1), top(u, 0)));
    case OP_GLOBAL: return push(u, rd_global(u));
    case OP_REDUCE: return need(u, 2) && ld_reduce(u);
    case OP_NEWOBJ: return need(u, 2) && ld_newobj(u);
    case OP_BUILD: return need(u, 2) && ld_build(u);
    case OP_MEMOIZE: return need(u, 1) && list_append(vm, u->memo, top(u, 0)) == 0;
    case OP_GET:
        if (!rd_uvarint(u, &n)) return false;
        if (n >= (uint64_t)u->memo->len) {
            pk_raise(vm, PK_UNPICKLING, "Memo value not found at index %lld", (long long)n);
            return false;
        }
        return push(u, u->memo->items[n]);
    case OP_POP:
        if (!rd_count(u, &n, 1, 0)) return false;
        u->stack->len -= (int64_t)n;
        return true;
    default:
        return bad_key(vm, op);
    }
}

/* Checks the header (magic, version, body length): *body_at is where the
 * body starts, *body its length (which may be more than is there). */
static bool read_header(VM *vm, const uint8_t *data, size_t len, size_t *body_at, uint64_t *body) {
    if (len == 0) {
        exc_raise(vm, E_EOFError, "Ran out of input");
        return false;
    }
    if (data[0] != PK_MAGIC) return bad_key(vm, data[0]);
    if (len < 2) return truncated(vm);
    if (data[1] != PK_VERSION) {
        pk_raise(vm, PK_UNPICKLING, "unsupported pickle format version %d", data[1]);
        return false;
    }
    Unpickler u = {.vm = vm, .p = data + 2, .end = data + len};
    if (!rd_uvarint(&u, body)) return false;
    *body_at = (size_t)(u.p - data);
    return true;
}

Value pickle_loads(VM *vm, const uint8_t *data, size_t len) {
    uint64_t body;
    size_t at;
    if (!read_header(vm, data, len, &at, &body)) return ERR;
    if (body > len - at) {
        truncated(vm);
        return ERR;
    }
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    Unpickler u = {.vm = vm, .p = data + at, .end = data + at + body};
    ObjList *all = list_new(vm, 3);
    if (all) *root = obj_val(all);
    u.stack = all ? list_new(vm, 16) : NULL;
    u.memo = u.stack ? list_new(vm, 16) : NULL;
    u.names.keep = u.memo ? list_new(vm, 4) : NULL;
    bool ok = u.names.keep && list_append(vm, all, obj_val(u.stack)) == 0 &&
              list_append(vm, all, obj_val(u.memo)) == 0 && list_append(vm, all, obj_val(u.names.keep)) == 0;
    Value result = UNDEF;
    while (ok && result == UNDEF) ok = u.p < u.end ? ld_op(&u, &result) : truncated(vm);
    vm_pop_roots(vm, 1);
    return ok ? result : ERR;
}

/* ---- the module ---------------------------------------------------------- */

/* The protocol argument: None for the default, a negative int for the
 * highest; it only reaches __reduce_ex__. */
static bool protocol_arg(VM *vm, Value v, int64_t *out) {
    *out = PK_DEFAULT_PROTOCOL;
    if (v == UNDEF || v == NONE_VAL) return true;
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        return false;
    }
    int64_t n;
    if (!int_to_i64(v, &n)) n = int_sign(v) < 0 ? -1 : INT64_MAX;
    if (n > PK_HIGHEST_PROTOCOL) {
        exc_raise(vm, E_ValueError, "pickle protocol must be <= %d", PK_HIGHEST_PROTOCOL);
        return false;
    }
    *out = n < 0 ? PK_HIGHEST_PROTOCOL : n;
    return true;
}

static Value pk_dumps(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"obj", "protocol", "fix_imports", "buffer_callback"};
    Value a[4];
    int64_t proto;
    if (nargs > 2) return exc_raise(vm, E_TypeError, "dumps() takes at most 2 positional arguments (%d given)", nargs);
    if (!args_bind(vm, "dumps", args, nargs, kw, names, 4, 2, 1, ARGS_INVALID_KW, a)) return ERR;
    if (!protocol_arg(vm, a[1], &proto)) return ERR;
    return dumps_impl(vm, a[0], proto);
}

static Value pk_dump(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"obj", "file", "protocol", "fix_imports", "buffer_callback"};
    Value a[5];
    int64_t proto;
    if (nargs > 3) return exc_raise(vm, E_TypeError, "dump() takes at most 3 positional arguments (%d given)", nargs);
    if (!args_bind(vm, "dump", args, nargs, kw, names, 5, 3, 2, ARGS_INVALID_KW, a)) return ERR;
    if (!protocol_arg(vm, a[2], &proto)) return ERR;
    ObjStr *w = str_intern_cstr(vm, "write");
    Value write = w ? op_getattr_opt(vm, a[1], w) : ERR;
    if (write == ERR) return ERR;
    if (write == UNDEF) return exc_raise(vm, E_TypeError, "file must have a 'write' attribute");
    Value *roots = vm_roots_open(vm, 2);
    if (!roots) return ERR;
    roots[0] = write;
    Value data = dumps_impl(vm, a[0], proto);
    roots[1] = data;
    Value r = data == ERR ? ERR : op_call1(vm, write, data);
    vm_pop_roots(vm, 2);
    return r == ERR ? ERR : NONE_VAL;
}

static Value pk_loads(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "fix_imports", "encoding", "errors", "buffers"};
    Value a[5];
    if (nargs != 1) return exc_raise(vm, E_TypeError, "loads() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "loads", args, nargs, kw, names, 5, 1, 1, ARGS_INVALID_KW, a)) return ERR;
    Value data = a[0];
    if (is_kind(data, OBJ_BYTES)) return pickle_loads(vm, AS(ObjBytes, data)->data, (size_t)AS(ObjBytes, data)->len);
    if (!is_kind(data, OBJ_BYTEARRAY))
        return exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", data);
    /* A copy: a __setstate__ could resize the bytearray under the reader. */
    ObjByteArray *ba = AS(ObjByteArray, data);
    uint8_t *copy = malloc(ba->len ? (size_t)ba->len : 1);
    if (!copy) return exc_nomem(vm);
    if (ba->len) memcpy(copy, ba->data, (size_t)ba->len);
    Value r = pickle_loads(vm, copy, (size_t)ba->len);
    free(copy);
    return r;
}

/* Appends what file.read(n) returned to buf; the number of bytes, or -1. */
static int64_t read_some(VM *vm, Value read, size_t n, StrBuf *buf) {
    Value chunk = op_call1(vm, read, int_from_u64(vm, n));
    if (chunk == ERR) return -1;
    const uint8_t *p;
    int64_t len;
    if (is_kind(chunk, OBJ_BYTES)) {
        p = AS(ObjBytes, chunk)->data;
        len = AS(ObjBytes, chunk)->len;
    } else if (is_kind(chunk, OBJ_BYTEARRAY)) {
        p = AS(ObjByteArray, chunk)->data;
        len = AS(ObjByteArray, chunk)->len;
    } else {
        exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", chunk);
        return -1;
    }
    if ((size_t)len > n) {
        exc_raise(vm, E_ValueError, "read() returned too much data: %lld bytes requested, %lld returned",
                  (long long)n, (long long)len);
        return -1;
    }
    sb_add(buf, (const char *)p, (size_t)len);
    if (buf->oom) {
        exc_nomem(vm);
        return -1;
    }
    return len;
}

/* Reads exactly one pickle from the file: the header a byte at a time
 * (its length field says how much follows), then the body in chunks, so
 * that the file is left just after it. */
static Value pk_load(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"file", "fix_imports", "encoding", "errors", "buffers"};
    Value a[5];
    if (nargs > 1) return exc_raise(vm, E_TypeError, "load() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "load", args, nargs, kw, names, 5, 1, 1, ARGS_INVALID_KW, a)) return ERR;
    ObjStr *rn = str_intern_cstr(vm, "read");
    Value read = rn ? op_getattr_opt(vm, a[0], rn) : ERR;
    if (read == ERR) return ERR;
    if (read == UNDEF) return exc_raise(vm, E_TypeError, "file must have 'read' and 'readline' attributes");
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    *root = read;
    StrBuf buf = SB_INIT;
    bool ok = read_some(vm, read, 2, &buf) >= 0;
    const uint8_t *d = (const uint8_t *)buf.data;
    if (ok && buf.len == 2 && d[0] == PK_MAGIC && d[1] == PK_VERSION) {
        /* The length varint: bytes with the high bit set continue it. */
        int64_t got = 1;
        while (ok && got > 0 && buf.len < PK_HEADER_MAX && (buf.len == 2 || (buf.data[buf.len - 1] & 0x80))) {
            got = read_some(vm, read, 1, &buf);
            ok = got >= 0;
        }
    }
    uint64_t body;
    size_t at;
    ok = ok && read_header(vm, (const uint8_t *)buf.data, buf.len, &at, &body);
    for (uint64_t left = ok ? body : 0; ok && left > 0;) {
        int64_t got = read_some(vm, read, left < PK_READ_CHUNK ? (size_t)left : PK_READ_CHUNK, &buf);
        ok = got > 0 || (got == 0 && truncated(vm));
        if (ok) left -= (uint64_t)got;
    }
    Value r = ok ? pickle_loads(vm, (const uint8_t *)buf.data, buf.len) : ERR;
    sb_free(&buf);
    vm_pop_roots(vm, 1);
    return r;
}

/* Pickler and Unpickler live in stdlib/_pickle_py.asy, loaded on first use. */
static Value pk_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"Pickler", "Unpickler", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    return module_lazy_attr(vm, "pickle", "_pickle_py", names, args[0]);
}

static const char *const pickle_all[] = {"PickleError", "PicklingError", "UnpicklingError", "Pickler", "Unpickler",
                                         "dump", "dumps", "load", "loads", "HIGHEST_PROTOCOL", "DEFAULT_PROTOCOL", NULL};

bool mod_pickle_init(VM *vm, ObjModule *m) {
    static const char *const names[] = {"PickleError", "PicklingError", "UnpicklingError"};
    /* CPython's come from its C accelerator, and tracebacks say so */
    Value modname = str_from_cstr(vm, "_pickle");
    if (modname == ERR) return false;
    Value base = obj_val(vm->exc_types[E_Exception]), cls[3];
    for (int i = 0; i < 3; i++) {
        ObjDict *ns = dict_new(vm);
        ObjTuple *bases = tuple_from(vm, i ? &cls[0] : &base, 1);
        ObjStr *name = str_intern_cstr(vm, names[i]);
        if (!ns || !bases || !name || dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return false;
        cls[i] = class_new(vm, name, bases, ns);
        if (!module_add_value(vm, m, names[i], cls[i])) return false;
    }
    return module_add_value(vm, m, "HIGHEST_PROTOCOL", int_val(PK_HIGHEST_PROTOCOL)) &&
           module_add_value(vm, m, "DEFAULT_PROTOCOL", int_val(PK_DEFAULT_PROTOCOL)) &&
           module_add_native(vm, m, "dumps", pk_dumps) &&
           module_add_native(vm, m, "dump", pk_dump) &&
           module_add_native(vm, m, "loads", pk_loads) &&
           module_add_native(vm, m, "load", pk_load) &&
           /* CPython's pure-Python twins, which tests use to run both */
           module_add_native(vm, m, "_dumps", pk_dumps) &&
           module_add_native(vm, m, "_dump", pk_dump) &&
           module_add_native(vm, m, "_loads", pk_loads) &&
           module_add_native(vm, m, "_load", pk_load) &&
           module_add_native(vm, m, "__getattr__", pk_getattr) && module_add_all(vm, m, pickle_all);
}
