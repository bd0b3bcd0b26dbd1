/* The builtins module: the type objects' bootstrap, the core builtin
 * functions, and the constructors of the basic types. The iteration
 * builtins (zip, map, sorted, min, ...) live in builtins_iter.c. */
#include "builtins.h"

#include "bytes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "agen.h"
#include "class.h"
#include "memview.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "gil.h"
#include "import.h"
#include "interp.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "subtype.h"


/* ---- bootstrap ----------------------------------------------------------- */

/* Builtin types that user classes may subclass in CPython. */
static bool subclassable(TypeId t) {
    switch (t) {
    case T_OBJECT: case T_INT: case T_FLOAT: case T_COMPLEX: case T_STR: case T_BYTES: case T_BYTEARRAY: case T_LIST:
    case T_TUPLE: case T_DICT: case T_SET: case T_FROZENSET: case T_PROPERTY: case T_TYPE:
    case T_STATICMETHOD: case T_CLASSMETHOD: case T_MODULE: case T_ENUMERATE: case T_ZIP: case T_MAP: case T_FILTER: case T_REVERSED:
    case T_SUPER:
        return true;
    default:
        return false;
    }
}

/* The C layout of a builtin type's instances, where subclasses share it. */
static ObjKind instance_kind(TypeId t) {
    switch (t) {
    case T_OBJECT: return OBJ_INSTANCE;
    case T_TYPE: return OBJ_CLASS;
    case T_INT: return OBJ_BIGINT;      /* a subclass's instances are big ints, whatever their value */
    case T_FLOAT: return OBJ_FLOAT;     /* only a subclass's instances */
    case T_COMPLEX: return OBJ_COMPLEX;
    case T_STR: return OBJ_STR;
    case T_BYTES: return OBJ_BYTES;
    case T_BYTEARRAY: return OBJ_BYTEARRAY;
    case T_LIST: return OBJ_LIST;
    case T_TUPLE: return OBJ_TUPLE;
    case T_DICT: return OBJ_DICT;
    case T_SET: case T_FROZENSET: return OBJ_SET;
    case T_PROPERTY: return OBJ_PROPERTY;
    case T_STATICMETHOD: case T_CLASSMETHOD: return OBJ_WRAPPER;
    case T_MODULE: return OBJ_MODULE;
    case T_ENUMERATE: case T_ZIP: case T_MAP: case T_FILTER: case T_REVERSED: case T_SUPER: return OBJ_ITER;
    default: return OBJ_KIND_COUNT;
    }
}

/* The type objects exist before the strings, tuples and dicts that
 * describe them, so they are made in two steps. */
bool builtins_bootstrap_types(VM *vm) {
    for (int i = 0; i < T_COUNT; i++) {
        ObjClass *c = gc_new(vm, sizeof(ObjClass), OBJ_CLASS, NULL);
        if (!c) return false;
        vm->types[i] = c;
    }
    static const char *const names[T_COUNT] = {
#define X(id, name) name,
        BUILTIN_TYPES(X)
#undef X
    };
    vm->empty_tuple = NULL;
    ObjTuple *empty = tuple_new(vm, 0);
    if (!empty) return false;
    vm->empty_tuple = empty;
    for (int i = 0; i < T_COUNT; i++) {
        ObjClass *c = vm->types[i];
        c->obj.cls = vm->types[T_TYPE];
        c->obj.flags = CLASS_BUILTIN | (subclassable((TypeId)i) ? CLASS_BASETYPE : 0);
        c->name = c->qualname = str_intern_cstr(vm, names[i]);
        c->dict = dict_new(vm);
        c->module = UNDEF;
        c->ctor = UNDEF;
        c->init = c->new_fn = UNDEF;
        c->init_version = (uint32_t)-1;
        c->instance_kind = (uint8_t)instance_kind((TypeId)i);
        if (!c->name || !c->dict) return false;
    }
    /* Fix up what was allocated before the classes were complete. */
    empty->obj.cls = vm->types[T_TUPLE];
    ObjClass *object = vm->types[T_OBJECT];
    object->bases = empty;
    object->mro = tuple_from(vm, (Value[]){obj_val(object)}, 1);
    if (!object->mro) return false;
    /* bool derives from int, so it comes last. */
    for (int k = 0; k < T_COUNT; k++) {
        int i = k == T_BOOL ? T_COUNT - 1 : k == T_COUNT - 1 ? T_BOOL : k;
        if (i == T_OBJECT) continue;
        ObjClass *c = vm->types[i], *base = i == T_BOOL ? vm->types[T_INT] : object;
        c->bases = tuple_from(vm, (Value[]){obj_val(base)}, 1);
        c->mro = tuple_new(vm, base->mro->len + 1);
        if (!c->bases || !c->mro) return false;
        c->mro->items[0] = obj_val(c);
        for (int64_t k = 0; k < base->mro->len; k++) c->mro->items[k + 1] = base->mro->items[k];
    }
    return true;
}

/* ---- helpers ------------------------------------------------------------- */

static bool add(VM *vm, const char *name, Value v) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s && v != ERR && dict_set_str(vm, vm->builtins, s, v) == 0;
}

static bool add_fn(VM *vm, const char *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name, fn);
    return n && add(vm, name, obj_val(n));
}

/* Stores fn as the constructor (__new__) of a builtin type. */
static bool add_ctor(VM *vm, TypeId t, NativeFn fn) {
    ObjNative *n = native_new(vm, "__new__", fn);
    if (n) n->owner = vm->types[t];       /* <built-in method __new__ of type object at ...> */
    return n && dict_set_str(vm, vm->types[t]->dict, vm_name(vm, N___new__), obj_val(n)) == 0;
}

static Value number_from_special(VM *vm, Value v, NameId name, const char *what);

/* ---- Ellipsis and NotImplemented -------------------------------------
 * Their types' __new__ give the singleton (type(...)() is ...), and
 * __reduce__ gives the name pickle stores them under, as CPython's. */

static Value singleton_new(VM *vm, Value *args, int nargs, ObjTuple *kw, TypeId t, Value single) {
    ObjClass *own = vm->types[t];
    const char *shown = t == T_ELLIPSIS ? "EllipsisType" : own->name->data;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "%s.__new__(): not enough arguments", own->name->data);
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "%s.__new__(X): X is not a type object (%T)", own->name->data, args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    if (!class_is_subclass(cls, own))
        return exc_raise(vm, E_TypeError, "%s.__new__(%s): %s is not a subtype of %s", own->name->data,
                         cls->name->data, cls->name->data, own->name->data);
    if (nargs > 1 || (kw && kw->len)) return exc_raise(vm, E_TypeError, "%s takes no arguments", shown);
    return single;
}
static Value ellipsis_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return singleton_new(vm, args, nargs, kw, T_ELLIPSIS, ELLIPSIS_VAL);
}
static Value notimpl_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return singleton_new(vm, args, nargs, kw, T_NOTIMPL, NOTIMPL_VAL);
}

static Value singleton_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    if (args[0] == ELLIPSIS_VAL) return str_from_cstr(vm, "Ellipsis");
    if (args[0] == NOTIMPL_VAL) return str_from_cstr(vm, "NotImplemented");
    return exc_raise(vm, E_TypeError, "descriptor '__reduce__' requires a singleton but received a '%T'", args[0]);
}


/* v, or what its __index__ gives (v unchanged when it has none). */
static Value index_of(VM *vm, Value v) {
    if (is_intlike(v)) return v;
    Value r = number_from_special(vm, v, N___index__, "int");
    return r == UNDEF ? v : r;
}

static Value int_arg(VM *vm, Value v, int64_t *out) {
    v = index_of(vm, v);
    if (v == ERR) return ERR;
    if (!is_intlike(v)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    if (!int_to_i64(v, out)) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C long");
    return TRUE_VAL;
}

/* ---- output and input ---------------------------------------------------- */

/* sys.<name> (UNDEF if sys or it is missing). */
static Value std_stream_object(VM *vm, NameId name) {
    Value sys = dict_get_str(vm->modules, vm_name(vm, N_sys));
    return is_kind(sys, OBJ_MODULE) ? dict_get_str(AS(ObjModule, sys)->dict, vm_name(vm, name)) : UNDEF;
}

/* sys.__stdout__ for sys.stdout, and so on (print() runs this each call:
 * names from the VM's table, not interned anew). */
static NameId orig_stream(NameId name) {
    return name == N_stdout ? N___stdout__ : name == N_stderr ? N___stderr__ : N___stdin__;
}

/* Where print() writes without file=: sys.stdout (or sys.stderr), or UNDEF
 * while that is still the VM's own stream (sys.__stdout__), whose text goes
 * straight to the host. A program that gave that stream a write of its
 * own (`sys.stdout.write = log.append`) gets it called, as in CPython. */
static Value std_stream(VM *vm, NameId name) {
    Value sys = dict_get_str(vm->modules, vm_name(vm, N_sys));
    if (!is_kind(sys, OBJ_MODULE)) return UNDEF;
    ObjDict *d = AS(ObjModule, sys)->dict;
    Value cur = dict_get_str(d, vm_name(vm, name));
    if (cur != dict_get_str(d, vm_name(vm, orig_stream(name)))) return cur;
    bool own_write = is_kind(cur, OBJ_INSTANCE) && AS(ObjInstance, cur)->dict &&
                     dict_get_str(AS(ObjInstance, cur)->dict, vm_name(vm, N_write)) != UNDEF;
    return own_write ? cur : UNDEF;
}

/* Whether sys.<name> is gone (deleted, or None when none_too): print()
 * and input() then raise CPython's "lost sys.<name>". */
static bool std_stream_lost(VM *vm, NameId name, bool none_too) {
    Value sys = dict_get_str(vm->modules, vm_name(vm, N_sys));
    if (!is_kind(sys, OBJ_MODULE)) return false;
    ObjDict *d = AS(ObjModule, sys)->dict;
    ObjStr *key = vm_name(vm, name);
    Value cur = dict_get_str(d, key);
    if (cur == UNDEF && dict_get_str(d, vm_name(vm, orig_stream(name))) == UNDEF) {
        /* not loaded yet: sys makes stdin (with __stdin__) on first use */
        cur = op_getattr_opt(vm, sys, key);
        if (cur == ERR) vm->exc = UNDEF;
    }
    return cur == UNDEF || cur == ERR || (none_too && cur == NONE_VAL);
}

/* True (with ValueError raised) once the VM's own sys.__stdout__ has been
 * closed: print() then fails as it does on CPython's closed stream. */
static bool own_stdout_closed(VM *vm) {
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    if (!is_kind(sys, OBJ_MODULE)) return false;
    Value out = dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "__stdout__"));
    if (out == UNDEF || op_getattr_opt(vm, out, str_intern_cstr(vm, "closed")) != TRUE_VAL) return false;
    exc_raise(vm, E_ValueError, "I/O operation on closed file.");
    return true;
}

Value builtins_display(VM *vm, Value v) {
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    if (is_kind(sys, OBJ_MODULE)) {
        ObjDict *d = AS(ObjModule, sys)->dict;
        Value hook = dict_get_str(d, str_intern_cstr(vm, "displayhook"));
        if (hook != UNDEF && hook != dict_get_str(d, str_intern_cstr(vm, "__displayhook__")))
            return op_call1(vm, hook, v) == ERR ? ERR : NONE_VAL;
    }
    if (v == NONE_VAL) return NONE_VAL;
    Value r = op_repr(vm, v);
    if (r == ERR) return ERR;
    Value out = std_stream(vm, N_stdout);
    if (out == UNDEF) {
        vm_write(vm, 1, AS(ObjStr, r)->data, (size_t)AS(ObjStr, r)->len);
        vm_write(vm, 1, "\n", 1);
    } else if (out != NONE_VAL) {
        if (!vm_push_root(vm, r)) return ERR;
        Value line = op_binary(vm, BIN_ADD, r, obj_val(vm->char_strs['\n']));
        vm_pop_roots(vm, 1);
        if (line == ERR || op_call_method(vm, out, vm_name(vm, N_write), &line, 1) == ERR) return ERR;
    }
    return dict_set_str(vm, vm->builtins, str_intern_cstr(vm, "_"), v) < 0 ? ERR : NONE_VAL;
}

/* print() to a stream object: write() once per piece, as CPython does. */
static Value print_to(VM *vm, Value file, Value *args, int nargs, Value sep, Value end) {
    Value write = op_getattr(vm, file, vm_name(vm, N_write));     /* AttributeError if none */
    if (write == ERR || !vm_push_root(vm, write)) return ERR;
    Value piece, r = NONE_VAL;
    for (int i = 0; i < nargs && r != ERR; i++) {
        if (i) {
            piece = is_str(sep) ? sep : obj_val(vm->char_strs[' ']);
            if (op_call(vm, write, &piece, 1, NULL) == ERR) { r = ERR; break; }
        }
        piece = op_str(vm, args[i]);
        if (piece == ERR || op_call(vm, write, &piece, 1, NULL) == ERR) r = ERR;
    }
    piece = is_str(end) ? end : obj_val(vm->char_strs['\n']);
    if (r != ERR && op_call(vm, write, &piece, 1, NULL) == ERR) r = ERR;
    vm_pop_roots(vm, 1);
    return r;
}

static Value b_print(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"sep", "end", "file", "flush", NULL};
    if (!args_kw_only(vm, "print", kw, accepted)) return ERR;
    Value sep = args_kw(vm, args, nargs, kw, "sep"), end = args_kw(vm, args, nargs, kw, "end");
    Value file = args_kw(vm, args, nargs, kw, "file");
    if (sep != UNDEF && sep != NONE_VAL && !is_str(sep))
        return exc_raise(vm, E_TypeError, "sep must be None or a string, not %T", sep);
    if (end != UNDEF && end != NONE_VAL && !is_str(end))
        return exc_raise(vm, E_TypeError, "end must be None or a string, not %T", end);
    if (file == UNDEF || file == NONE_VAL) {
        if (std_stream_lost(vm, N_stdout, false)) return exc_raise(vm, E_RuntimeError, "lost sys.stdout");
        file = std_stream(vm, N_stdout);
    }
    if (file == NONE_VAL) return NONE_VAL;      /* sys.stdout = None */
    if (file != UNDEF) {
        if (print_to(vm, file, args, nargs, sep, end) == ERR) return ERR;
        Value flush = args_kw(vm, args, nargs, kw, "flush");
        int t = flush == UNDEF ? 0 : op_truthy(vm, flush);
        if (t < 0 || (t && op_call_method(vm, file, str_intern_cstr(vm, "flush"), NULL, 0) == ERR)) return ERR;
        return NONE_VAL;
    }
    /* The VM's own stdout: one write of the whole line. */
    if (own_stdout_closed(vm)) return ERR;
    StrBuf b = SB_INIT;
    for (int i = 0; i < nargs; i++) {
        if (i) {
            if (is_str(sep)) sb_add(&b, AS(ObjStr, sep)->data, (size_t)AS(ObjStr, sep)->len);
            else sb_addc(&b, ' ');
        }
        if (!op_str_to(vm, args[i], &b)) { sb_free(&b); return ERR; }
    }
    if (is_str(end)) sb_add(&b, AS(ObjStr, end)->data, (size_t)AS(ObjStr, end)->len);
    else sb_addc(&b, '\n');
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value out = b.len && utf8_has_surrogates(b.data, b.len) ? std_stream_object(vm, N___stdout__) : UNDEF;
    if (out != UNDEF) {     /* the stream's errors handler decides what becomes of the surrogates */
        ObjStr *write = vm_name(vm, N_write);
        Value line = write ? str_new(vm, b.data, b.len) : ERR;
        sb_free(&b);
        if (line == ERR || op_call_method(vm, out, write, &line, 1) == ERR) return ERR;
    } else {
        vm_write(vm, 1, b.data ? b.data : "", b.len);
        sb_free(&b);
    }
    Value flush = args_kw(vm, args, nargs, kw, "flush");
    int t = flush == UNDEF ? 0 : op_truthy(vm, flush);
    if (t < 0) return ERR;
    if (t) fflush(stdout);      /* the text must be out before, say, os._exit() or a fork */
    return NONE_VAL;
}

/* input([prompt]): the prompt to stdout, then a line from sys.stdin (a file
 * on descriptor 0 unless the program replaced it), so input() and
 * sys.stdin.readline() share one buffer. */
static Value b_input(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "input", nargs, kw, 0, 1)) return ERR;
    static const NameId streams[] = {N_stdin, N_stdout, N_stderr};
    for (int i = 0; i < 3; i++)
        if (std_stream_lost(vm, streams[i], true))
            return exc_raise(vm, E_RuntimeError, "input(): lost sys.%s", vm_name(vm, streams[i])->data);
    if (nargs) {
        Value out = std_stream(vm, N_stdout);
        Value s = op_str(vm, args[0]);
        if (s == ERR) return ERR;
        if (out == UNDEF) vm_write(vm, 1, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
        else if (out != NONE_VAL && op_call_method(vm, out, vm_name(vm, N_write), &s, 1) == ERR) return ERR;
    }
    fflush(stdout);
    Value sys = import_module(vm, "sys");
    Value in = sys == ERR ? ERR : op_getattr(vm, sys, str_intern_cstr(vm, "stdin"));
    if (in == ERR) return ERR;
    if (in == NONE_VAL) return exc_raise(vm, E_RuntimeError, "input(): lost sys.stdin");
    Value line = op_call_method(vm, in, str_intern_cstr(vm, "readline"), NULL, 0);
    if (line == ERR) return ERR;
    if (!is_str(line)) return exc_raise(vm, E_TypeError, "object.readline() returned non-string");
    ObjStr *l = AS(ObjStr, line);
    if (l->len == 0) return exc_raise(vm, E_EOFError, "EOF when reading a line");
    if (l->data[l->len - 1] != '\n') return line;
    return str_new(vm, l->data, (size_t)l->len - 1);
}

/* A class of CPython's _sitebuiltins module, whose instances the site
 * module puts in builtins, with its __repr__ and __call__; left rooted on
 * the VM's stack for the caller to pop. NULL after raising (nothing
 * rooted). */
static ObjClass *sitebuiltins_class(VM *vm, const char *name, NativeFn repr, NativeFn call) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_INSTANCE);
    if (!c || !vm_push_root(vm, obj_val(c))) return NULL;
    Value mod = str_from_cstr(vm, "_sitebuiltins");
    bool ok = mod != ERR && dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) == 0;
    if (ok) c->module = mod;
    if (ok && class_add_native(vm, c, "__repr__", repr) && class_add_native(vm, c, "__call__", call)) return c;
    vm_pop_roots(vm, 1);
    return NULL;
}

/* exit and quit are, as CPython's site module makes them,
 * _sitebuiltins.Quitter instances: the repr says how to leave the REPL
 * (typing `exit` there shows it), and a call closes sys.stdin, as
 * CPython's does, then raises SystemExit(code). */
static Value quitter_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjStr *kn = str_intern_cstr(vm, "name"), *ke = kn ? str_intern_cstr(vm, "eof") : NULL;
    Value name = ke ? op_getattr(vm, args[0], kn) : ERR;
    Value sname = name == ERR ? ERR : op_str(vm, name);
    if (sname == ERR || !vm_push_root(vm, sname)) return ERR;
    Value eof = op_getattr(vm, args[0], ke);
    Value seof = eof == ERR ? ERR : op_str(vm, eof);
    vm_pop_roots(vm, 1);
    if (seof == ERR) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "Use %s() or %s to exit", AS(ObjStr, sname)->data, AS(ObjStr, seof)->data);
    return str_from_buf(vm, &b);
}

static Value quitter_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__call__", nargs - 1, kw, 0, 1)) return ERR;
    Value code = nargs > 1 ? args[1] : NONE_VAL;
    Value sys = import_module(vm, "sys");
    ObjStr *k = sys == ERR ? NULL : str_intern_cstr(vm, "stdin");
    Value in = k ? op_getattr_opt(vm, sys, k) : UNDEF;
    ObjStr *close = in != UNDEF && in != ERR && in != NONE_VAL ? str_intern_cstr(vm, "close") : NULL;
    if (close) op_call_method(vm, in, close, NULL, 0);
    vm->exc = UNDEF;   /* a stdin that will not close does not stop the exit */
    return exc_system_exit(vm, &code, 1);
}

static bool add_quitter(VM *vm, ObjClass *cls, const char *name) {
    ObjInstance *q = instance_new(vm, cls);
    if (!q || !vm_push_root(vm, obj_val(q))) return false;
    ObjStr *kn = str_intern_cstr(vm, "name"), *ke = kn ? str_intern_cstr(vm, "eof") : NULL;
    bool ok = ke && dict_set_str(vm, q->dict, kn, str_from_cstr(vm, name)) == 0 &&
              dict_set_str(vm, q->dict, ke, str_from_cstr(vm, "Ctrl-D (i.e. EOF)")) == 0 &&
              add(vm, name, obj_val(q));
    vm_pop_roots(vm, 1);
    return ok;
}

static bool add_quitters(VM *vm) {
    ObjClass *c = sitebuiltins_class(vm, "Quitter", quitter_repr, quitter_call);
    if (!c) return false;
    bool ok = add_quitter(vm, c, "exit") && add_quitter(vm, c, "quit");
    vm_pop_roots(vm, 1);
    return ok;
}

/* Calls module.attr(*args, **kw) for the builtins written in Asy; NULL
 * lost: the attribute is required (a RuntimeError names it when gone). */
static Value call_module_attr(VM *vm, const char *module, const char *attr, Value *args, int nargs, ObjTuple *kw,
                              const char *lost) {
    Value m = import_module(vm, module);
    ObjStr *name = m == ERR ? NULL : str_intern_cstr(vm, attr);
    if (!name) return ERR;
    Value f = op_getattr_opt(vm, m, name);
    if (f == ERR) return ERR;
    if (f == UNDEF) return exc_raise(vm, E_RuntimeError, "%s", lost);
    return op_call(vm, f, args, nargs, kw);
}

/* help is, as CPython's, a _sitebuiltins._Helper instance: its repr tells
 * how to use it, and a call is pydoc.help's. */
static Value helper_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return call_module_attr(vm, "pydoc", "help", args + 1, nargs - 1, kw, "help(): pydoc lost its help()");
}

static Value helper_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    return str_from_cstr(vm, "Type help() for interactive help, or help(object) for help about object.");
}

static bool add_helper(VM *vm) {
    ObjClass *c = sitebuiltins_class(vm, "_Helper", helper_repr, helper_call);
    if (!c) return false;
    ObjInstance *h = instance_new(vm, c);
    bool ok = h && add(vm, "help", obj_val(h));
    vm_pop_roots(vm, 1);
    return ok;
}

/* copyright, credits and license are, as CPython's site module makes
 * them, _sitebuiltins._Printer instances holding a name and a text: the
 * repr is the text (license's, long in CPython, says how to see it), and
 * a call prints it. */
static Value printer_field(VM *vm, Value self, const char *field) {
    ObjStr *k = str_intern_cstr(vm, field);
    Value v = k ? op_getattr(vm, self, k) : ERR;
    return v == ERR || is_str(v) ? v : op_str(vm, v);
}

static Value printer_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    Value name = printer_field(vm, args[0], "_Printer__name");
    if (name == ERR) return ERR;
    if (!strcmp(AS(ObjStr, name)->data, "license"))
        return str_from_cstr(vm, "Type license() to see the full license text");
    return printer_field(vm, args[0], "_Printer__data");
}

static Value printer_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__call__", nargs - 1, kw, 0, 0)) return ERR;
    Value data = printer_field(vm, args[0], "_Printer__data");
    if (data == ERR || !vm_push_root(vm, data)) return ERR;
    Value r = call_module_attr(vm, "builtins", "print", &data, 1, NULL, "lost builtins.print");
    vm_pop_roots(vm, 1);
    return r == ERR ? ERR : NONE_VAL;
}

static bool add_printer(VM *vm, ObjClass *cls, const char *name, Value data) {
    ObjInstance *p = data == ERR || !vm_push_root(vm, data) ? NULL : instance_new(vm, cls);
    if (!p) return false;
    bool ok = vm_push_root(vm, obj_val(p));
    ObjStr *kn = ok ? str_intern_cstr(vm, "_Printer__name") : NULL;
    ObjStr *kd = kn ? str_intern_cstr(vm, "_Printer__data") : NULL;
    ok = kd && dict_set_str(vm, p->dict, kn, str_from_cstr(vm, name)) == 0 && dict_set_str(vm, p->dict, kd, data) == 0 &&
         add(vm, name, obj_val(p));
    vm_pop_roots(vm, ok ? 2 : 1);
    return ok;
}

static bool add_printers(VM *vm) {
    ObjClass *c = sitebuiltins_class(vm, "_Printer", printer_repr, printer_call);
    if (!c) return false;
    ObjStr *km = str_intern_cstr(vm, "MAXLINES");
    bool ok = km && dict_set_str(vm, c->dict, km, int_val(23)) == 0 &&
         add_printer(vm, c, "copyright", str_from_cstr(vm, "Copyright (c) 2001-2023 Python Software Foundation.\n"
                                                           "All Rights Reserved.")) &&
         add_printer(vm, c, "credits", str_from_cstr(vm, "    Thanks to the people behind CPython, whose "
                                                         "language Asy implements.")) &&
         add_printer(vm, c, "license", str_from_cstr(vm, "See https://www.python.org/psf/license/"));
    vm_pop_roots(vm, 1);
    return ok;
}

/* breakpoint(*args, **kws): sys.breakpointhook(*args, **kws), whose
 * default (stdlib/_sys_py.asy) honours PYTHONBREAKPOINT. */
static Value b_breakpoint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return call_module_attr(vm, "sys", "breakpointhook", args, nargs, kw, "lost sys.breakpointhook");
}

/* ---- introspection ------------------------------------------------------- */

static Value b_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "len", nargs, kw, 1, 1)) return ERR;
    int64_t n = op_len(vm, args[0]);
    return n < 0 ? ERR : int_from_i64(vm, n);
}

static Value b_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "repr", nargs, kw, 1, 1)) return ERR;
    return op_repr(vm, args[0]);
}

static Value b_ascii(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "ascii", nargs, kw, 1, 1)) return ERR;
    Value r = op_repr(vm, args[0]);
    return r == ERR ? ERR : str_ascii(vm, AS(ObjStr, r));
}

static Value b_isinstance(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "isinstance", nargs, kw, 2, 2)) return ERR;
    int r = isinstance_check(vm, args[0], args[1], true);
    return r < 0 ? ERR : bool_val(r);
}

static Value b_issubclass(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "issubclass", nargs, kw, 2, 2)) return ERR;
    int r = isinstance_check(vm, args[0], args[1], false);
    return r < 0 ? ERR : bool_val(r);
}

static Value b_id(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "id", nargs, kw, 1, 1)) return ERR;
    Value v = args[0];
    return int_from_u64(vm, is_obj(v) ? (uint64_t)(uintptr_t)as_obj(v) : (uint64_t)(v & 0x7FFFFFFFFFFFFFFFull));
}

static Value b_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "hash", nargs, kw, 1, 1)) return ERR;
    uint64_t h;
    if (op_hash(vm, args[0], &h) < 0) return ERR;
    return int_from_i64(vm, (int64_t)h);
}

static Value b_callable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "callable", nargs, kw, 1, 1)) return ERR;
    return bool_val(op_callable(vm, args[0]));
}

static Value attr_name(VM *vm, Value v, const char *fname) {
    (void)fname;
    if (!is_str(v)) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", v);
    ObjStr *s = str_intern(vm, AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len);
    return s ? obj_val(s) : ERR;
}

static Value b_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "getattr", nargs, kw, 2, 3)) return ERR;
    Value name = attr_name(vm, args[1], "getattr");
    if (name == ERR) return ERR;
    /* (one lookup: a __getattr__ that raised runs once) */
    if (nargs == 2) return op_getattr(vm, args[0], AS(ObjStr, name));
    Value v = op_getattr_opt(vm, args[0], AS(ObjStr, name));
    return v == UNDEF ? args[2] : v;
}

static Value b_setattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "setattr", nargs, kw, 3, 3)) return ERR;
    Value name = attr_name(vm, args[1], "setattr");
    if (name == ERR) return ERR;
    return op_setattr(vm, args[0], AS(ObjStr, name), args[2]) < 0 ? ERR : NONE_VAL;
}

static Value b_hasattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "hasattr", nargs, kw, 2, 2)) return ERR;
    Value name = attr_name(vm, args[1], "hasattr");
    if (name == ERR) return ERR;
    Value v = op_getattr_opt(vm, args[0], AS(ObjStr, name));
    if (v == ERR) {
        if (!exc_is(vm, vm->exc, E_AttributeError)) return ERR;
        vm->exc = UNDEF;
        return FALSE_VAL;
    }
    return bool_val(v != UNDEF);
}

static Value b_delattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "delattr", nargs, kw, 2, 2)) return ERR;
    Value name = attr_name(vm, args[1], "delattr");
    if (name == ERR) return ERR;
    return op_delattr(vm, args[0], AS(ObjStr, name)) < 0 ? ERR : NONE_VAL;
}

/* __import__(name, globals=None, locals=None, fromlist=(), level=0): the
 * IMPORT_NAME instruction as a function. */
Value builtins_import(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"name", "globals", "locals", "fromlist", "level"};
    Value a[5];
    if (!args_bind(vm, "__import__", args, nargs, kw, names, 5, 5, 1, 0, a)) return ERR;
    /* CPython converts level while binding, and checks the name in the import */
    if (a[4] != UNDEF && !is_int(a[4])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", a[4]);
    if (!is_str(a[0])) return exc_raise(vm, E_TypeError, "module name must be a string");
    int level = a[4] == UNDEF ? 0 : (int)as_int(a[4]);
    if (level < 0) return exc_raise(vm, E_ValueError, "level must be >= 0");
    if (AS(ObjStr, a[0])->len == 0 && level == 0) return exc_raise(vm, E_ValueError, "Empty module name");
    Value from = a[3] == UNDEF || op_truthy(vm, a[3]) == 0 ? NONE_VAL : a[3];
    ObjDict *globals = is_dict(a[1]) ? AS(ObjDict, a[1]) : vm->fiber->frame ? vm->fiber->frame->globals : NULL;
    ObjStr *name = str_intern(vm, AS(ObjStr, a[0])->data, (size_t)AS(ObjStr, a[0])->len);
    /* Interned strings are held weakly, and the import runs code that may
     * collect: the name is read all along. */
    if (!name || !vm_push_root(vm, obj_val(name))) return ERR;
    Value m = import_name(vm, name, from, level, globals);
    vm_pop_roots(vm, 1);
    return m;
}

static Value b_globals(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "globals", nargs, kw, 0, 0)) return ERR;
    Frame *f = vm->fiber->frame;
    return f ? obj_val(f->globals) : obj_val(vm->main_module->dict);
}

/* Sets d[name] to a bound variable's value, or removes an unbound one. */
static int sync_name(VM *vm, ObjDict *d, ObjStr *name, Value v) {
    if (v != UNDEF) return dict_set_str(vm, d, name, v);
    return dict_del(vm, d, obj_val(name)) < 0 ? -1 : 0;
}

/* A function frame's locals dict brought up to date with its variables, as
 * CPython's PyFrame_FastToLocals does: names it does not know (what exec()
 * stored in it) stay. */
static Value refresh_locals(VM *vm, Frame *f) {
    ObjDict *d = f->locals;
    ObjCode *c = f->code;
    for (int i = 0; i < c->nlocals; i++) {
        Value v = f->slots[i];
        if (is_str(v)) as_obj(v)->flags &= ~STR_UNIQUE;    /* it escapes (see STR_UNIQUE) */
        if (sync_name(vm, d, c->varnames[i], v) < 0) return ERR;
    }
    for (int i = 0; i < c->ncells + c->nfrees; i++) {
        Value cell = f->slots[c->nlocals + i];
        Value v = is_kind(cell, OBJ_CELL) ? AS(ObjCell, cell)->v : UNDEF;
        if (sync_name(vm, d, c->cellnames[i], v) < 0) return ERR;
    }
    return obj_val(d);
}

/* locals(): the calling frame's variables. A function frame keeps the dict,
 * refreshed at each call (FRAME_LOCALS_DICT). */
Value builtins_frame_locals(VM *vm, Frame *f) {
    if (!f) return obj_val(vm->main_module->dict);
    if (f->locals && (f->flags & FRAME_LOCALS_DICT)) return refresh_locals(vm, f);
    if (f->locals) return class_namespace_mapping(vm, obj_val(f->locals));
    if (f->code->flags & CODE_MODULE) return obj_val(f->globals);
    Value d = builtins_slots_locals(vm, f->code, f->slots);
    if (d == ERR) return ERR;
    f->locals = AS(ObjDict, d);
    f->flags |= FRAME_LOCALS_DICT;
    return d;
}

/* The dict of a function frame's bound variables, from its slots (locals,
 * then cells and free variables); frame objects keep copies of slots. */
Value builtins_slots_locals(VM *vm, ObjCode *c, const Value *slots) {
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    for (int i = 0; i < c->nlocals; i++) {
        Value v = slots[i];
        if (is_str(v)) as_obj(v)->flags &= ~STR_UNIQUE;    /* it escapes (see STR_UNIQUE) */
        if (v != UNDEF && dict_set_str(vm, d, c->varnames[i], v) < 0) return ERR;
    }
    for (int i = 0; i < c->ncells + c->nfrees; i++) {
        Value cell = slots[c->nlocals + i];
        if (is_kind(cell, OBJ_CELL) && AS(ObjCell, cell)->v != UNDEF &&
            dict_set_str(vm, d, c->cellnames[i], AS(ObjCell, cell)->v) < 0)
            return ERR;
    }
    return obj_val(d);
}

static Value b_locals(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "locals", nargs, kw, 0, 0)) return ERR;
    return builtins_frame_locals(vm, vm->fiber->frame);
}

static Value b_vars(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "vars", nargs, kw, 0, 1)) return ERR;
    if (nargs == 0) return builtins_frame_locals(vm, vm->fiber->frame);
    Value d = op_getattr_opt(vm, args[0], vm_name(vm, N___dict__));
    if (d == UNDEF) return exc_raise(vm, E_TypeError, "vars() argument must have __dict__ attribute");
    return d;
}

static int add_keys(VM *vm, ObjSet *s, ObjDict *d) {
    int64_t pos = 0;
    Value k;
    while (dict_next(d, &pos, &k, NULL)) {
        if (set_add(vm, s, k) < 0) return -1;
    }
    return 0;
}

static Value b_dir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dir", nargs, kw, 0, 1)) return ERR;
    ObjSet *s = set_new(vm, vm->types[T_SET]);
    if (!s) return ERR;
    if (nargs == 0) {
        Value l = builtins_frame_locals(vm, vm->fiber->frame);
        if (l == ERR) return ERR;
        if (!is_plain_kind(l, OBJ_DICT)) {
            /* eval's or a class body's mapping: its keys(), sorted */
            Value keys = op_call_method(vm, l, str_intern_cstr(vm, "keys"), NULL, 0);
            ObjList *names = keys == ERR ? NULL : op_to_list(vm, keys);
            if (!names || list_sort(vm, names, UNDEF, false) < 0) return ERR;
            return obj_val(names);
        }
        if (add_keys(vm, s, AS(ObjDict, l)) < 0) return ERR;
    } else {
        /* type(o).__dir__(o), sorted */
        ObjStr *dn = str_intern_cstr(vm, "__dir__");
        Value f = dn ? class_lookup(type_of(vm, args[0]), dn) : UNDEF;
        if (f == UNDEF) return exc_raise(vm, E_TypeError, "object does not provide __dir__");
        Value r = op_call_special(vm, args[0], f, NULL, 0);
        ObjList *l = r == ERR ? NULL : op_to_list(vm, r);
        if (!l || list_sort(vm, l, UNDEF, false) < 0) return ERR;
        return obj_val(l);
    }
    ObjList *l = op_to_list(vm, obj_val(s));
    if (!l || list_sort(vm, l, UNDEF, false) < 0) return ERR;
    return obj_val(l);
}

/* ---- numbers ------------------------------------------------------------- */

static Value b_abs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "abs", nargs, kw, 1, 1)) return ERR;
    Value v = args[0];
    if (is_float(v)) return float_val(fabs(as_float(v)));
    if (is_intlike(v)) return int_abs(vm, v);
    Value m = op_special(vm, v, N___abs__);
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "bad operand type for abs(): '%T'", v);
    return op_call_special(vm, v, m, NULL, 0);
}

static Value b_divmod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "divmod", nargs, kw, 2, 2)) return ERR;
    Value a = args[0], b = args[1];
    if (is_kind(a, OBJ_FLOAT) && op_getattr_opt(vm, a, str_intern_cstr(vm, "__divmod__")) == UNDEF)
        a = subtype_plain(vm, a);       /* a float subclass's instance: float's divmod */
    if (is_kind(b, OBJ_FLOAT)) b = subtype_plain(vm, b);
    if (!is_number(a) || !is_number(b)) {
        /* a.__divmod__(b), then b.__rdivmod__(a) (first when b's class is a
         * subclass of a's that overrides it), as a binary operator */
        ObjStr *dn = str_intern_cstr(vm, "__divmod__"), *rn = str_intern_cstr(vm, "__rdivmod__");
        ObjClass *ta = type_of(vm, a), *tb = type_of(vm, b);
        Value dm = dn ? class_lookup(ta, dn) : UNDEF, rdm = ta != tb && rn ? class_lookup(tb, rn) : UNDEF;
        if (dm == NONE_VAL) dm = UNDEF;
        if (rdm == NONE_VAL) rdm = UNDEF;
        bool reflected_first = rdm != UNDEF && class_is_subclass(tb, ta) && rdm != class_lookup(ta, rn);
        for (int pass = 0; pass < 2; pass++) {
            bool refl = (pass == 0) == reflected_first;
            Value f = refl ? rdm : dm;
            if (f == UNDEF) continue;
            Value r = op_call2(vm, f, refl ? b : a, refl ? a : b);
            if (r != NOTIMPL_VAL) return r;
        }
        return exc_raise(vm, E_TypeError, "unsupported operand type(s) for divmod(): '%T' and '%T'", a, b);
    }
    if ((is_float(a) || is_float(b)) && op_truthy(vm, b) == 0)
        return exc_raise(vm, E_ZeroDivisionError, "float divmod()");
    Value q = op_binary(vm, BIN_FLOORDIV, a, b);
    if (q == ERR) return ERR;
    Value r = op_binary(vm, BIN_MOD, a, b);
    if (r == ERR) return ERR;
    Value pair[2] = {q, r};
    ObjTuple *t = tuple_from(vm, pair, 2);
    return t ? obj_val(t) : ERR;
}

/* The power slot of a builtin numeric type (CPython's long_pow, float_pow,
 * complex_pow), as ternary pow() asks them: kind 1 int, 2 float, 3 complex.
 * UNDEF where the slot declines (NotImplemented). */
static int pow_kind(Value v) {
    return is_intlike(v) ? 1 : is_float(v) ? 2 : is_kind(v, OBJ_COMPLEX) ? 3 : 0;
}

static Value pow3_slot(VM *vm, int kind, Value *a) {
    switch (kind) {
    case 1:
        if (!is_intlike(a[0]) || !is_intlike(a[1]) || !is_intlike(a[2])) return UNDEF;
        return int_pow3(vm, a[0], a[1], a[2]);
    case 2:     /* float's refuses a modulus before it looks at the operands */
        return exc_raise(vm, E_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    case 3:
        if (!pow_kind(a[0]) || !pow_kind(a[1])) return UNDEF;
        return exc_raise(vm, E_ValueError, "complex modulo");
    default: return UNDEF;
    }
}

/* pow(a, b, m) for builtin operands: the slots of a's, b's and m's types in
 * turn (each once), as CPython's ternary_op. */
static Value pow3_builtin(VM *vm, Value *a) {
    int kinds[3] = {pow_kind(a[0]), pow_kind(a[1]), pow_kind(a[2])};
    for (int i = 0; i < 3; i++) {
        if ((i > 0 && kinds[i] == kinds[0]) || (i > 1 && kinds[i] == kinds[1])) continue;
        Value r = pow3_slot(vm, kinds[i], a);
        if (r != UNDEF) return r;
    }
    return exc_raise(vm, E_TypeError, "unsupported operand type(s) for ** or pow(): '%T', '%T', '%T'", a[0], a[1], a[2]);
}

/* decimal.Decimal is a C type in CPython whose power slot takes any
 * operands it can convert, wherever the Decimal is: pow(3, Decimal(2), 5)
 * and pow(3, 2, Decimal(5)) are Decimal('4') there. Asy's Decimal is a
 * class written in Asy, which ternary pow asks only through the base's
 * __pow__; decimal._pow3 stands in for the slot when an exponent or a
 * modulus is a Decimal (no Decimal exists before the module is loaded).
 * UNDEF when it does not apply or declines. */
static Value pow3_decimal(VM *vm, Value *a) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "decimal"));
    if (!is_kind(mod, OBJ_MODULE)) return UNDEF;
    Value cls = dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, "Decimal"));
    Value f = dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, "_pow3"));
    if (!is_kind(cls, OBJ_CLASS) || f == UNDEF) return UNDEF;
    if (!class_is_subclass(type_of(vm, a[1]), AS(ObjClass, cls)) &&
        !class_is_subclass(type_of(vm, a[2]), AS(ObjClass, cls)))
        return UNDEF;
    Value r = op_call(vm, f, a, 3, NULL);
    return r == NOTIMPL_VAL ? UNDEF : r;
}

static Value b_pow(VM *vm, Value *argv, int nargc, ObjTuple *kw) {
    static const char *const names[] = {"base", "exp", "mod"};
    Value args[3];
    if (!args_bind(vm, "pow", argv, nargc, kw, names, 3, 3, 2, ARGS_INVALID_KW, args)) return ERR;
    if (args[2] != UNDEF && args[2] != NONE_VAL) {
        /* (a number subclass's own __pow__ too) */
        if ((!is_number(args[0]) && !is_kind(args[0], OBJ_COMPLEX)) || op_override(vm, args[0], N___pow__) != UNDEF) {
            /* a class's __pow__(exp, mod) (ternary pow has no reflected form) */
            ObjStr *pn = str_intern_cstr(vm, "__pow__");
            Value f = pn ? class_lookup(type_of(vm, args[0]), pn) : UNDEF;
            if (f != UNDEF && f != NONE_VAL) {
                Value argv[3] = {args[0], args[1], args[2]};
                Value r = op_call(vm, f, argv, 3, NULL);
                if (r != NOTIMPL_VAL) return r;
            }
        }
        Value r = pow3_decimal(vm, args);
        if (r != UNDEF) return r;
        return pow3_builtin(vm, args);
    }
    return op_binary(vm, BIN_POW, args[0], args[1]);
}

static Value b_round(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"number", "ndigits"};
    Value a[2];
    if (!args_bind(vm, "round", args, nargs, kw, names, 2, 2, 1, ARGS_INVALID_KW, a)) return ERR;
    Value x = a[0], nd = a[1] == UNDEF ? NONE_VAL : a[1];
    if (is_float(x)) {
        Value n = nd == NONE_VAL ? nd : index_of(vm, nd);
        return n == ERR ? ERR : flt_round(vm, as_float(x), n);
    }
    if (is_intlike(x)) {
        /* the result is an exact int, even for a bool or a subclass */
        Value plain = is_bool(x) ? int_val(as_bool(x)) : subtype_plain(vm, x);
        if (nd == NONE_VAL) return plain;
        int64_t n;
        Value ndv = index_of(vm, nd);
        if (ndv == ERR) return ERR;
        if (!is_intlike(ndv)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", ndv);
        if (!int_to_i64(ndv, &n)) return int_sign(ndv) > 0 ? plain : int_val(0);     /* beyond any digit */
        if (n >= 0) return plain;
        /* round to a negative number of digits: half to even on the integer */
        Value p = op_binary(vm, BIN_POW, int_val(10), int_from_i64(vm, -n));
        if (p == ERR) return ERR;
        Value q = op_binary(vm, BIN_FLOORDIV, x, p), r = op_binary(vm, BIN_MOD, x, p);
        if (q == ERR || r == ERR) return ERR;
        Value twice = op_binary(vm, BIN_MUL, r, int_val(2));
        if (twice == ERR) return ERR;
        int c = int_cmp(twice, p);
        bool odd = int_cmp(op_binary(vm, BIN_MOD, q, int_val(2)), int_val(1)) == 0;
        if (c > 0 || (c == 0 && odd)) q = op_binary(vm, BIN_ADD, q, int_val(1));
        if (q == ERR) return ERR;
        return op_binary(vm, BIN_MUL, q, p);
    }
    Value m = op_special(vm, x, N___round__);
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "type %T doesn't define __round__ method", x);
    return op_call_special(vm, x, m, &nd, nd == NONE_VAL ? 0 : 1);
}

static Value b_chr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "chr", nargs, kw, 1, 1)) return ERR;
    Value v = index_of(vm, args[0]);
    if (v == ERR) return ERR;
    if (!is_intlike(v)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    int64_t c;
    if (!int_to_i64(v, &c) || c > INT32_MAX || c < INT32_MIN)     /* a C int, as CPython's */
        return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    if (c < 0 || c > 0x10FFFF) return exc_raise(vm, E_ValueError, "chr() arg not in range(0x110000)");
    if (c < 128) return obj_val(vm->char_strs[c]);
    return str_char(vm, (uint32_t)c);
}

static Value b_ord(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "ord", nargs, kw, 1, 1)) return ERR;
    Value v = args[0];
    if (is_str(v)) {
        ObjStr *s = AS(ObjStr, v);
        if (s->cplen != 1)
            return exc_raise(vm, E_TypeError, "ord() expected a character, but string of length %lld found", (long long)s->cplen);
        size_t pos = 0;
        return int_val(utf8_decode(s->data, (size_t)s->len, &pos));
    }
    if (is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY)) {
        int64_t n = is_kind(v, OBJ_BYTES) ? AS(ObjBytes, v)->len : AS(ObjByteArray, v)->len;
        if (n != 1)
            return exc_raise(vm, E_TypeError, "ord() expected a character, but string of length %lld found", (long long)n);
        return int_val(is_kind(v, OBJ_BYTES) ? AS(ObjBytes, v)->data[0] : AS(ObjByteArray, v)->data[0]);
    }
    return exc_raise(vm, E_TypeError, "ord() expected string of length 1, but %T found", v);
}

static Value radix(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int base) {
    if (!args_check(vm, name, nargs, kw, 1, 1)) return ERR;
    Value v = args[0];
    if (!is_intlike(v)) {
        Value m = op_special(vm, v, N___index__);
        if (m == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        v = op_call_special(vm, v, m, NULL, 0);
        if (v == ERR || (v = index_result(vm, v)) == ERR) return ERR;
    }
    return int_to_str(vm, v, base);
}

static Value b_hex(VM *vm, Value *a, int n, ObjTuple *kw) { return radix(vm, a, n, kw, "hex", 16); }
static Value b_oct(VM *vm, Value *a, int n, ObjTuple *kw) { return radix(vm, a, n, kw, "oct", 8); }
static Value b_bin(VM *vm, Value *a, int n, ObjTuple *kw) { return radix(vm, a, n, kw, "bin", 2); }

static Value b_format(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "format", nargs, kw, 1, 2)) return ERR;
    if (nargs == 2 && !is_str(args[1]))
        return exc_raise(vm, E_TypeError, "format() argument 2 must be str, not %A", args[1]);
    return fmt_format(vm, args[0], nargs == 2 ? AS(ObjStr, args[1]) : NULL);
}

/* ---- constructors of the basic types ------------------------------------- */

static Value number_from_special(VM *vm, Value v, NameId name, const char *what) {
    Value m = op_special(vm, v, name);
    if (m == UNDEF) return UNDEF;
    Value r = op_call_special(vm, v, m, NULL, 0);
    if (r == ERR) return ERR;
    /* An instance of a subclass is still taken, with CPython's warning. */
    static const char *const deprecated = ".  The ability to return an instance of a strict subclass of %s is "
                                          "deprecated, and may be removed in a future version of Python.";
    if (name == N___float__) {
        if (is_float(r)) return r;
        if (!is_kind(r, OBJ_FLOAT)) return exc_raise(vm, E_TypeError, "%T.__float__ returned non-float (type %T)", v, r);
        char fmt[256];
        snprintf(fmt, sizeof fmt, "%%T.__float__ returned non-float (type %%T)%s", deprecated);
        double d = AS(ObjFloat, r)->d;
        if (!vm_push_root(vm, r)) return ERR;      /* the warning runs code */
        bool ok = exc_warn(vm, E_DeprecationWarning, fmt, v, r, "float");
        vm_pop_roots(vm, 1);
        return ok ? float_val(d) : ERR;
    }
    const char *dunder = name == N___int__ ? "__int__" : "__index__";
    if (!is_intlike(r)) return exc_raise(vm, E_TypeError, "%s returned non-%s (type %T)", dunder, what, r);
    if (is_bool(r) || (is_obj(r) && (as_obj(r)->flags & OBJ_SUBTYPE))) {
        char fmt[256];
        snprintf(fmt, sizeof fmt, "%%s returned non-int (type %%T)%s", deprecated);
        if (!vm_push_root(vm, r)) return ERR;      /* the warning runs code */
        bool ok = exc_warn(vm, E_DeprecationWarning, fmt, dunder, r, "int");
        Value plain = !ok ? ERR : is_bool(r) ? int_val(as_bool(r)) : subtype_plain(vm, r);
        vm_pop_roots(vm, 1);
        return plain;
    }
    return r;
}

/* The bytes of any other buffer (memoryview, array.array, __buffer__),
 * which int() and float() parse as they parse bytes; UNDEF for an
 * object that exports none. */
static Value buffer_bytes(VM *vm, Value x) {
    Value mv = is_memview(x) ? x : memview_from_buffer_method(vm, x);
    if (mv == ERR || mv == UNDEF || !vm_push_root(vm, mv)) return mv == UNDEF ? UNDEF : ERR;
    Value b = memview_tobytes(vm, mv);
    vm_pop_roots(vm, 1);
    return b;
}

/* An instance of an int or float subclass that defines its own __int__ or
 * __float__: what that gives; otherwise v itself. */
static Value subclass_number(VM *vm, Value v, NameId name) {
    if (!is_obj(v) || !(as_obj(v)->flags & OBJ_SUBTYPE)) return v;
    Value r = number_from_special(vm, v, name, "int");
    return r == UNDEF ? v : r;
}

/* What __trunc__ gave int(): an int as an exact int, else an Integral
 * through its __index__ (CPython's PyNumber_Long). */
static Value int_from_trunc(VM *vm, Value r) {
    if (r == ERR) return ERR;
    if (is_bool(r)) return int_val(as_bool(r));
    if (is_intlike(r)) return subtype_plain(vm, r);
    if (op_special(vm, r, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "__trunc__ returned non-Integral (type %T)", r);
    return number_from_special(vm, r, N___index__, "int");
}

static Value int_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] == obj_val(vm->types[T_BOOL]))
        return exc_raise(vm, E_TypeError, "int.__new__(bool) is not safe, use bool.__new__()");
    if (args[0] != obj_val(vm->types[T_INT])) return subtype_new(vm, T_INT, args, nargs, kw);
    /* The count comes first (int('1', 2, base=2) and int('1', sep=1, base=2)
     * are "at most 2 arguments"), then the keywords' names, as in CPython. */
    int given = nargs - 1 + (kw ? (int)kw->len : 0);
    if (given > 2) return exc_raise(vm, E_TypeError, "int() takes at most 2 arguments (%d given)", given);
    static const char *const accepted[] = {"base", NULL};
    if (!args_kw_only(vm, "int", kw, accepted)) return ERR;
    Value x = nargs > 1 ? args[1] : UNDEF;
    Value base = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "base");
    if (x == UNDEF) {
        if (base != UNDEF) return exc_raise(vm, E_TypeError, "int() missing string argument");
        return int_val(0);
    }
    if (base != UNDEF) {
        int64_t b;
        if (int_arg(vm, base, &b) == ERR) {
            if (!exc_is(vm, vm->exc, E_OverflowError)) return ERR;
            b = -1;     /* a base too big for C is out of range like any other */
        }
        if (b != 0 && (b < 2 || b > 36)) return exc_raise(vm, E_ValueError, "int() base must be >= 2 and <= 36, or 0");
        if (is_str(x)) return int_parse(vm, AS(ObjStr, x)->data, (size_t)AS(ObjStr, x)->len, (int)b);
        if (is_kind(x, OBJ_BYTES) || is_kind(x, OBJ_BYTEARRAY)) return int_parse_bytes(vm, x, (int)b);
        return exc_raise(vm, E_TypeError, "int() can't convert non-string with explicit base");
    }
    if (is_bool(x)) return int_val(as_bool(x));
    if (is_intlike(x)) return subtype_plain(vm, subclass_number(vm, x, N___int__));
    if (is_float(x)) return int_from_double(vm, as_float(x));
    /* (a str or bytes subclass with an __int__ or __index__ of its own takes it first) */
    bool own = (op_override(vm, x, N___int__) != UNDEF || op_override(vm, x, N___index__) != UNDEF);
    if (is_str(x) && !own) return int_parse(vm, AS(ObjStr, x)->data, (size_t)AS(ObjStr, x)->len, 10);
    if (is_memview(x) && (x = memview_tobytes(vm, x)) == ERR) return ERR;
    if ((is_kind(x, OBJ_BYTES) || is_kind(x, OBJ_BYTEARRAY)) && !own) return int_parse_bytes(vm, x, 10);
    Value r = number_from_special(vm, x, N___int__, "int");
    if (r == UNDEF) r = number_from_special(vm, x, N___index__, "int");
    if (r == UNDEF) {
        /* a special method: looked up on the class, not through __getattr__ */
        ObjStr *tn = str_intern_cstr(vm, "__trunc__");
        Value t = tn ? class_lookup(type_of(vm, x), tn) : UNDEF;
        if (t != UNDEF && t != NONE_VAL) {
            /* (the warning may run script code: t is held) */
            if (!vm_push_root(vm, t)) return ERR;
            bool ok = exc_warn(vm, E_DeprecationWarning, "The delegation of int() to __trunc__ is deprecated.");
            vm_pop_roots(vm, 1);
            return ok ? int_from_trunc(vm, op_call_special(vm, x, t, NULL, 0)) : ERR;
        }
        Value b = buffer_bytes(vm, x);
        if (b != UNDEF) return b == ERR ? ERR : int_parse_bytes(vm, b, 10);
        return exc_raise(vm, E_TypeError, "int() argument must be a string, a bytes-like object or a real number, not '%T'", x);
    }
    return r;
}

static Value float_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] != obj_val(vm->types[T_FLOAT])) return subtype_new(vm, T_FLOAT, args, nargs, kw);
    if (!args_check(vm, "float", nargs - 1, kw, 0, 1)) return ERR;
    if (nargs == 1) return float_val(0.0);
    Value x = args[1];
    if (is_float(x)) return x;
    if (is_kind(x, OBJ_FLOAT)) {
        x = subclass_number(vm, x, N___float__);
        return x == ERR || is_float(x) ? x : float_val(AS(ObjFloat, x)->d);
    }
    if (is_intlike(x)) {
        if (is_obj(x) && (as_obj(x)->flags & OBJ_SUBTYPE)) {     /* an int subclass's own __float__ */
            Value r = number_from_special(vm, x, N___float__, "float");
            if (r != UNDEF) return r;
        }
        double d;
        return int_to_float(vm, x, &d) == ERR ? ERR : float_val(d);
    }
    /* (a str or bytes subclass with a __float__ of its own takes it first) */
    bool own = op_override(vm, x, N___float__) != UNDEF;
    if (is_str(x) && !own) return flt_parse(vm, AS(ObjStr, x)->data, (size_t)AS(ObjStr, x)->len);
    if ((is_kind(x, OBJ_BYTES) || is_kind(x, OBJ_BYTEARRAY)) && !own) return flt_parse_bytes(vm, x);
    Value r = number_from_special(vm, x, N___float__, "float");
    if (r == UNDEF) {
        r = number_from_special(vm, x, N___index__, "int");
        if (r != UNDEF && r != ERR) {
            double d;
            return int_to_float(vm, r, &d) == ERR ? ERR : float_val(d);
        }
    }
    if (r != UNDEF) return r;
    Value b = buffer_bytes(vm, x);
    if (b != UNDEF) return b == ERR ? ERR : flt_parse_bytes_as(vm, b, x);    /* (x is the caller's) */
    return exc_raise(vm, E_TypeError, "float() argument must be a string or a real number, not '%T'", x);
}

static Value str_new_ctor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] != obj_val(vm->types[T_STR])) return subtype_new(vm, T_STR, args, nargs, kw);
    if (nargs == 2 && !kw) return op_str(vm, args[1]);     /* str(x), the common case */
    static const char *const accepted[] = {"object", "encoding", "errors", NULL};
    if (!args_kw_only(vm, "str", kw, accepted)) return ERR;
    if (nargs > 4) return exc_raise(vm, E_TypeError, "str() takes at most 3 arguments (%d given)", nargs - 1);
    Value x = nargs > 1 ? args[1] : args_kw(vm, args, nargs, kw, "object");
    Value enc = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "encoding");
    Value errors = nargs > 3 ? args[3] : args_kw(vm, args, nargs, kw, "errors");
    if (enc != UNDEF && !is_str(enc))
        return exc_raise(vm, E_TypeError, "str() argument 'encoding' must be str, not %A", enc);
    if (errors != UNDEF && !is_str(errors))
        return exc_raise(vm, E_TypeError, "str() argument 'errors' must be str, not %A", errors);
    if (x == UNDEF) return obj_val(vm->empty_str);
    if (enc == UNDEF && errors == UNDEF) return op_str(vm, x);
    if (is_str(x)) return exc_raise(vm, E_TypeError, "decoding str is not supported");
    if (!is_kind(x, OBJ_BYTES) && !is_kind(x, OBJ_BYTEARRAY)) {
        /* any other buffer (memoryview, array.array, __buffer__) through a copy of its bytes */
        Value mv = is_memview(x) ? x : memview_from_buffer_method(vm, x);
        if (mv == ERR) return ERR;
        if (mv == UNDEF) return exc_raise(vm, E_TypeError, "decoding to str: need a bytes-like object, %T found", x);
        if (!vm_push_root(vm, mv)) return ERR;
        x = memview_tobytes(vm, mv);
        vm_pop_roots(vm, 1);
        if (x == ERR) return ERR;
    }
    if (!vm_push_root(vm, x)) return ERR;
    Value argv[3] = {x, enc == UNDEF ? str_from_cstr(vm, "utf-8") : enc, errors == UNDEF ? str_from_cstr(vm, "strict") : errors};
    Value r = op_call_method(vm, x, str_intern_cstr(vm, "decode"), argv + 1, 2);
    vm_pop_roots(vm, 1);
    return r;
}

static Value bool_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "bool", nargs - 1, kw, 0, 1)) return ERR;
    if (nargs == 1) return FALSE_VAL;
    int t = op_truthy(vm, args[1]);
    return t < 0 ? ERR : bool_val(t);
}

static Value list_new_ctor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] != obj_val(vm->types[T_LIST])) return subtype_new(vm, T_LIST, args, nargs, kw);
    if (!args_check(vm, "list", nargs - 1, kw, 0, 1)) return ERR;
    if (nargs == 1) { ObjList *l = list_new(vm, 0); return l ? obj_val(l) : ERR; }
    ObjList *l = op_to_list(vm, args[1]);
    return l ? obj_val(l) : ERR;
}

static Value tuple_new_ctor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] != obj_val(vm->types[T_TUPLE])) return subtype_new(vm, T_TUPLE, args, nargs, kw);
    if (!args_check(vm, "tuple", nargs - 1, kw, 0, 1)) return ERR;
    if (nargs == 1) return obj_val(vm->empty_tuple);
    if (is_tuple(args[1]) && as_obj(args[1])->cls == vm->types[T_TUPLE]) return args[1];
    ObjList *l = op_to_list(vm, args[1]);
    if (!l) return ERR;
    ObjTuple *t = tuple_from(vm, l->items, l->len);
    return t ? obj_val(t) : ERR;
}

static Value dict_new_ctor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] != obj_val(vm->types[T_DICT])) return subtype_new(vm, T_DICT, args, nargs, kw);
    if (nargs > 2) return exc_raise(vm, E_TypeError, "dict expected at most 1 argument, got %d", nargs - 1);
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    if (nargs == 2) {
        if (!vm_push_root(vm, obj_val(d))) return ERR;
        int r = dict_update(vm, d, args[1]);
        vm_pop_roots(vm, 1);
        if (r < 0) {
            if (exc_is(vm, vm->exc, E_TypeError) && !is_obj(args[1])) {
                vm->exc = UNDEF;
                return exc_raise(vm, E_TypeError, "'%T' object is not iterable", args[1]);
            }
            return ERR;
        }
    }
    for (int i = 0; kw && i < kw->len; i++) {
        if (dict_set(vm, d, kw->items[i], args[nargs + i]) < 0) return ERR;
    }
    return obj_val(d);
}

/* staticmethod(f), classmethod(f), or a subclass of either (args[0]):
 * a subclass's __init__ may take other arguments, so, as CPython's generic
 * __new__, the subclass's call takes any and the wrapper's __init__ (the
 * subclass's super().__init__(f)) sets the callable. */
static bool wrapper_args(VM *vm, const char *name, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, name, kw)) return false;
    if (nargs == 1) return true;
    exc_raise(vm, E_TypeError, "%s expected 1 argument, got %d", name, nargs);
    return false;
}

/* Copies the callable's names and doc into d, as CPython's wrappers copy
 * them when made (those the callable lacks are left out). */
static bool wrapper_copy_names(VM *vm, ObjWrapper *w, ObjDict *d) {
    static const char *const names[] = {"__module__", "__name__", "__qualname__", "__doc__", "__annotations__"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        /* (a subclass's own __doc__ would hide the callable's otherwise) */
        ObjStr *name = str_intern_cstr(vm, names[i]);
        Value v = name ? op_getattr_opt(vm, w->v, name) : ERR;
        if (v == ERR) return false;
        if (v != UNDEF && dict_set_str(vm, d, name, v) < 0) return false;
    }
    return true;
}

ObjDict *builtins_wrapper_dict(VM *vm, ObjWrapper *w) {
    ObjDict *d = gc_subtype_dict(vm, &w->obj);
    if (d) return d;
    d = gc_subtype_dict_make(vm, &w->obj);
    return d && wrapper_copy_names(vm, w, d) ? d : NULL;
}

/* staticmethod(f), classmethod(f), or a subclass of either (args[0]):
 * a subclass's __init__ may take other arguments, so, as CPython's generic
 * __new__, the subclass's call takes any and the wrapper's __init__ (the
 * subclass's super().__init__(f)) sets the callable. */
static Value wrapper_new(VM *vm, Value *args, int nargs, ObjTuple *kw, TypeId t, const char *name) {
    ObjClass *cls = vm->types[t];
    if (is_kind(args[0], OBJ_CLASS) && AS(ObjClass, args[0]) != cls && class_is_subclass(AS(ObjClass, args[0]), cls))
        cls = AS(ObjClass, args[0]);
    else if (!wrapper_args(vm, name, nargs - 1, kw))
        return ERR;
    ObjWrapper *w = gc_new_instance(vm, sizeof(ObjWrapper), OBJ_WRAPPER, cls);
    if (!w) return ERR;
    w->v = nargs > 1 ? args[1] : NONE_VAL;
    return obj_val(w);
}

static Value wrapper_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!wrapper_args(vm, op_is_classmethod(vm, args[0]) ? "classmethod" : "staticmethod", nargs - 1, kw)) return ERR;
    ObjWrapper *w = AS(ObjWrapper, args[0]);
    w->v = args[1];
    if (!(w->obj.flags & OBJ_SUBTYPE)) return NONE_VAL;  /* copied when first asked for */
    ObjDict *d = gc_subtype_dict_make(vm, &w->obj);
    return d && wrapper_copy_names(vm, w, d) ? NONE_VAL : ERR;
}

/* staticmethod.__call__ (3.10+): calls what it wraps. */
static Value staticmethod_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_kind(args[0], OBJ_WRAPPER))
        return exc_raise(vm, E_TypeError, "descriptor '__call__' requires a 'staticmethod' object but received a '%T'",
                         args[0]);
    return op_call(vm, AS(ObjWrapper, args[0])->v, args + 1, nargs - 1, kw);
}

static Value staticmethod_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return wrapper_new(vm, args, nargs, kw, T_STATICMETHOD, "staticmethod");
}

static Value classmethod_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return wrapper_new(vm, args, nargs, kw, T_CLASSMETHOD, "classmethod");
}

/* <staticmethod(<function f at ...>)>, <classmethod(...)>. */
static Value wrapper_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    Value inner = op_repr(vm, AS(ObjWrapper, args[0])->v);
    if (inner == ERR) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<%s(%s)>", op_is_classmethod(vm, args[0]) ? "classmethod" : "staticmethod",
            AS(ObjStr, inner)->data);
    return str_from_buf(vm, &b);
}

/* types.MethodType(func, instance). */
static Value method_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "method", kw)) return ERR;
    if (nargs != 3) return exc_raise(vm, E_TypeError, "method expected 2 arguments, got %d", nargs - 1);
    if (!op_callable(vm, args[1])) return exc_raise(vm, E_TypeError, "first argument must be callable");
    if (args[2] == NONE_VAL) return exc_raise(vm, E_TypeError, "instance must not be None");
    Value m = bound_new(vm, args[2], args[1]);
    if (m != ERR) as_obj(m)->cls = vm->types[T_METHOD];     /* even around a native */
    return m;
}

/* A property of class cls (property or a subclass). Without a doc it
 * takes its getter's, and remembers that (PROP_GETTER_DOC) so that copies
 * with a new getter take the new one's. A subclass's instance keeps its
 * doc in its attribute dict, as CPython, since the subclass's own __doc__
 * would hide it otherwise; a slotted subclass without room for it drops
 * an explicit doc silently but refuses a getter's (CPython's historical
 * behaviour). */
static Value property_make(VM *vm, ObjClass *cls, Value fget, Value fset, Value fdel, Value doc) {
    ObjProperty *p = gc_new_instance(vm, sizeof(ObjProperty), OBJ_PROPERTY, cls);
    if (!p) return ERR;
    p->fget = fget;
    p->fset = fset;
    p->fdel = fdel;
    p->name = NONE_VAL;
    p->doc = NONE_VAL;
    /* (reading the getter's doc or setting it may run script code) */
    if (!vm_push_root(vm, obj_val(p))) return ERR;
    if (doc == NONE_VAL && fget != NONE_VAL) {
        doc = op_getattr_opt(vm, fget, vm_name(vm, N___doc__));
        if (doc == UNDEF || doc == ERR) { vm->exc = UNDEF; doc = NONE_VAL; }
        if (doc != NONE_VAL) p->obj.flags |= PROP_GETTER_DOC;
    }
    int r = 0;
    if (!(p->obj.flags & OBJ_SUBTYPE)) p->doc = doc;
    else r = op_setattr(vm, obj_val(p), vm_name(vm, N___doc__), doc);
    vm_pop_roots(vm, 1);
    if (r < 0 && !(p->obj.flags & PROP_GETTER_DOC) && exc_is(vm, vm->exc, E_AttributeError)) {
        vm->exc = UNDEF;
        r = 0;
    }
    return r < 0 ? ERR : obj_val(p);
}

static Value property_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"fget", "fset", "fdel", "doc", NULL};
    if (!args_kw_only(vm, "property", kw, accepted)) return ERR;
    if (nargs > 5) return exc_raise(vm, E_TypeError, "property() takes at most 4 arguments (%d given)", nargs - 1);
    Value v[4];
    for (int i = 0; i < 4; i++) {
        v[i] = i + 1 < nargs ? args[i + 1] : args_kw(vm, args, nargs, kw, accepted[i]);
        if (v[i] == UNDEF) v[i] = NONE_VAL;
    }
    /* property.__new__(cls) called directly checks cls, as tp_new's wrapper */
    if (!is_kind(args[0], OBJ_CLASS))
        return exc_raise(vm, E_TypeError, "property.__new__(X): X is not a type object (%T)", args[0]);
    ObjClass *cls = AS(ObjClass, args[0]);
    if (!class_is_subclass(cls, vm->types[T_PROPERTY]))
        return exc_raise(vm, E_TypeError, "property.__new__(%s): %s is not a subtype of property", cls->name->data,
                         cls->name->data);
    return property_make(vm, cls, v[0], v[1], v[2], v[3]);
}

/* getter(), setter() and deleter(): a copy made by calling the property's
 * class (a subclass's __init__ runs), with the doc given explicitly unless
 * it came from the getter, and the name kept. A subclass's instance keeps
 * no doc of its own (p->doc is None), so its copies lose an explicit one,
 * as in CPython. */
static Value property_copy(VM *vm, ObjProperty *p, Value fget, Value fset, Value fdel) {
    /* None keeps the function the property has (CPython's property_copy) */
    if (fget == NONE_VAL && p->fget != UNDEF) fget = p->fget;
    if (fset == NONE_VAL && p->fset != UNDEF) fset = p->fset;
    if (fdel == NONE_VAL && p->fdel != UNDEF) fdel = p->fdel;
    Value doc = (p->obj.flags & PROP_GETTER_DOC) && fget != NONE_VAL ? NONE_VAL : p->doc;
    Value copy = op_call(vm, obj_val(p->obj.cls), (Value[]){fget, fset, fdel, doc}, 4, NULL);
    if (copy == ERR) return ERR;
    if (is_kind(copy, OBJ_PROPERTY)) AS(ObjProperty, copy)->name = p->name;
    return copy;
}

/* property.__set_name__(owner, name): the name its error messages give. */
static Value property_set_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "__set_name__", kw)) return ERR;
    if (nargs != 3)
        return exc_raise(vm, E_TypeError, "__set_name__() takes 2 positional arguments but %d were given", nargs - 1);
    AS(ObjProperty, args[0])->name = args[2];
    return NONE_VAL;
}

static Value property_getter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "getter", nargs - 1, kw, 1, 1)) return ERR;
    ObjProperty *p = AS(ObjProperty, args[0]);
    return property_copy(vm, p, args[1], p->fset, p->fdel);
}

static Value property_setter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "setter", nargs - 1, kw, 1, 1)) return ERR;
    ObjProperty *p = AS(ObjProperty, args[0]);
    return property_copy(vm, p, p->fget, args[1], p->fdel);
}

static Value property_deleter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "deleter", nargs - 1, kw, 1, 1)) return ERR;
    ObjProperty *p = AS(ObjProperty, args[0]);
    return property_copy(vm, p, p->fget, p->fset, args[1]);
}

/* ---- registration -------------------------------------------------------- */

/* The module attributes every module has: `import builtins` shares this
 * dict, and CPython's builtins namespace holds them too (its __spec__ and
 * __loader__, None here, are set when the module is first imported, at
 * startup, by modspec_attach). */
static bool add_module_attrs(VM *vm) {
    /* the text of CPython's builtins module docstring, as builtin_docs.tsv keeps its other docstrings */
    return add(vm, "__doc__", str_from_cstr(vm, "Built-in functions, types, exceptions, and other objects.\n\n"
                                                "This module provides direct access to all 'built-in'\n"
                                                "identifiers of Python; for example, builtins.len is\n"
                                                "the full name for the built-in function len().\n\n"
                                                "This module is not normally accessed explicitly by most\n"
                                                "applications, but can be useful in modules that provide\n"
                                                "objects with the same name as a built-in value, but in\n"
                                                "which the built-in of that name is also needed.")) &&
           add(vm, "__package__", str_from_cstr(vm, "")) && add(vm, "__loader__", NONE_VAL) &&
           add(vm, "__spec__", NONE_VAL);
}

static bool add_types(VM *vm) {
    static const struct { const char *name; TypeId t; } visible[] = {
        {"object", T_OBJECT}, {"type", T_TYPE}, {"bool", T_BOOL}, {"int", T_INT}, {"float", T_FLOAT},
        {"complex", T_COMPLEX}, {"str", T_STR}, {"bytes", T_BYTES}, {"bytearray", T_BYTEARRAY}, {"list", T_LIST},
        {"tuple", T_TUPLE}, {"dict", T_DICT}, {"set", T_SET}, {"frozenset", T_FROZENSET}, {"range", T_RANGE},
        {"slice", T_SLICE}, {"property", T_PROPERTY}, {"staticmethod", T_STATICMETHOD},
        {"classmethod", T_CLASSMETHOD},
        {"super", T_SUPER}, {"enumerate", T_ENUMERATE}, {"zip", T_ZIP}, {"map", T_MAP},
        {"filter", T_FILTER}, {"reversed", T_REVERSED}, {"memoryview", T_MEMORYVIEW},
    };
    for (size_t i = 0; i < sizeof visible / sizeof visible[0]; i++) {
        if (!add(vm, visible[i].name, obj_val(vm->types[visible[i].t]))) return false;
    }
    for (int i = 0; i < E_COUNT; i++) {
        if (!add(vm, vm->exc_types[i]->name->data, obj_val(vm->exc_types[i]))) return false;
    }
    /* CPython's old names for OSError */
    if (!add(vm, "EnvironmentError", obj_val(vm->exc_types[E_OSError])) ||
        !add(vm, "IOError", obj_val(vm->exc_types[E_OSError])))
        return false;
    return add(vm, "NotImplemented", NOTIMPL_VAL) && add(vm, "Ellipsis", ELLIPSIS_VAL) &&
           add(vm, "None", NONE_VAL) && add(vm, "True", TRUE_VAL) && add(vm, "False", FALSE_VAL) &&
           add(vm, "__debug__", vm->cfg.optimize ? FALSE_VAL : TRUE_VAL) && add(vm, "__name__", str_from_cstr(vm, "builtins")) &&
           add_module_attrs(vm);
}

bool builtins_init(VM *vm) {
    vm->builtins = dict_new(vm);
    if (!vm->builtins || !add_types(vm)) return false;
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"print", b_print}, {"input", b_input}, {"len", b_len}, {"repr", b_repr}, {"ascii", b_ascii},
        {"breakpoint", b_breakpoint},
        {"isinstance", b_isinstance}, {"issubclass", b_issubclass}, {"id", b_id}, {"hash", b_hash},
        {"callable", b_callable}, {"getattr", b_getattr}, {"setattr", b_setattr}, {"hasattr", b_hasattr},
        {"delattr", b_delattr}, {"__import__", builtins_import}, {"globals", b_globals}, {"locals", b_locals}, {"vars", b_vars},
        {"dir", b_dir}, {"abs", b_abs}, {"divmod", b_divmod}, {"pow", b_pow}, {"round", b_round},
        {"chr", b_chr}, {"ord", b_ord}, {"hex", b_hex}, {"oct", b_oct}, {"bin", b_bin}, {"format", b_format},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        if (!add_fn(vm, fns[i].name, fns[i].fn)) return false;
    }
    if (!add_quitters(vm) || !add_helper(vm) || !add_printers(vm)) return false;
    ObjClass *prop = vm->types[T_PROPERTY];
    return add_ctor(vm, T_INT, int_new) && add_ctor(vm, T_FLOAT, float_new) && add_ctor(vm, T_STR, str_new_ctor) &&
           add_ctor(vm, T_BOOL, bool_new) && add_ctor(vm, T_LIST, list_new_ctor) &&
           add_ctor(vm, T_TUPLE, tuple_new_ctor) && add_ctor(vm, T_DICT, dict_new_ctor) &&
           add_ctor(vm, T_STATICMETHOD, staticmethod_new) && add_ctor(vm, T_CLASSMETHOD, classmethod_new) &&
           class_add_native(vm, vm->types[T_STATICMETHOD], "__repr__", wrapper_repr) &&
           class_add_native(vm, vm->types[T_CLASSMETHOD], "__repr__", wrapper_repr) &&
           class_add_native(vm, vm->types[T_STATICMETHOD], "__init__", wrapper_init) &&
           class_add_native(vm, vm->types[T_STATICMETHOD], "__call__", staticmethod_call) &&
           class_add_native(vm, vm->types[T_CLASSMETHOD], "__init__", wrapper_init) &&
           add_ctor(vm, T_ELLIPSIS, ellipsis_new) && add_ctor(vm, T_NOTIMPL, notimpl_new) &&
           class_add_native(vm, vm->types[T_ELLIPSIS], "__reduce__", singleton_reduce) &&
           class_add_native(vm, vm->types[T_NOTIMPL], "__reduce__", singleton_reduce) &&
           add_ctor(vm, T_METHOD, method_new) && add_ctor(vm, T_MODULE, module_ctor) && class_add_native(vm, vm->types[T_MODULE], "__init__", module_init) &&
           add_ctor(vm, T_PROPERTY, property_new) && class_add_native(vm, prop, "getter", property_getter) &&
           class_add_native(vm, prop, "__set_name__", property_set_name) &&
           class_add_native(vm, prop, "setter", property_setter) &&
           class_add_native(vm, prop, "deleter", property_deleter) && builtins_iter_init(vm) && builtins_eval_init(vm) && bytes_init(vm) && file_init(vm) &&
           agen_init(vm);
}
