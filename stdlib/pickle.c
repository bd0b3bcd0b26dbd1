/* The pickle module: dumps/dump/loads/load in CPython's pickle format
 * (protocols 0 to 5), the pieces pickle_dump.c and pickle_load.c share,
 * and the hooks through which the Pickler and Unpickler classes
 * (_pickle_py.asy) run the C writer and reader with their own memo and
 * hooks. The process pool uses pickle.h. */
#include <stdlib.h>
#include <string.h>

#include "pickle.h"
#include "pickle_int.h"

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
#include "modules.h"

static const char *const pn_text[PN_COUNT] = {
    "__reduce_ex__", "__reduce__", "__setstate__", "extend", "append", "add", "getattr", "__name__",
    "__qualname__", "__module__", "persistent_id", "persistent_load", "reducer_override", "dispatch_table",
    "find_class", "latin1", "__getinitargs__", "__new__", "__wrapped__", "decode", "_proto",
};

ObjStr *pk_name(VM *vm, PkNames *n, int id) {
    if (n->s[id]) return n->s[id];
    ObjStr *s = str_intern_cstr(vm, pn_text[id]);
    if (!s || list_append(vm, n->keep, obj_val(s)) < 0) return NULL;
    return n->s[id] = s;
}

/* ---- errors ------------------------------------------------------------- */

/* pickle.PicklingError or pickle.UnpicklingError, importing the module if
 * nothing has yet (the C API may run first); UNDEF if it lost them. */
static Value error_class(VM *vm, PkError which) {
    Value m = import_standard(vm, "pickle");
    if (m == ERR || !is_kind(m, OBJ_MODULE)) return m == ERR ? ERR : UNDEF;
    ObjStr *n = str_intern_cstr(vm, which == PK_PICKLING ? "PicklingError" : "UnpicklingError");
    Value c = n ? dict_get_str(AS(ObjModule, m)->dict, n) : UNDEF;
    return is_kind(c, OBJ_CLASS) && AS(ObjClass, c)->instance_kind == OBJ_EXC ? c : UNDEF;
}

/* exc_raise formats the message (%R, %S, %T) into a plain Exception; this
 * makes that exception a pickle error, which has the same layout. */
Value pk_raise_v(VM *vm, PkError which, Value err) {
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
Value pk_find_module(VM *vm, ObjStr *name) {
    if (strcmp(name->data, "builtins") == 0) return UNDEF;
    if (!module_name_ok(name)) return exc_raise(vm, E_ModuleNotFoundError, "No module named %R", obj_val(name));
    return import_module(vm, name->data);
}

/* Walks the dotted `qualname` from a module (UNDEF: builtins): the object,
 * or UNDEF when an attribute is missing, or ERR. */
Value pk_walk_qualname(VM *vm, Value module, ObjStr *qualname) {
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
bool pk_is_local_name(const ObjStr *qualname) {
    const char *p = qualname->data, *end = p + qualname->len;
    while (p < end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        if (!dot) dot = end;
        if (dot - p == 8 && memcmp(p, "<locals>", 8) == 0) return true;
        p = dot + 1;
    }
    return false;
}

Value pk_module_attr(VM *vm, const char *module, const char *name) {
    Value m = import_standard(vm, module);
    if (m == ERR) return ERR;
    ObjStr *n = str_intern_cstr(vm, name);
    if (!n) return ERR;
    return op_getattr_opt(vm, m, n);
}

/* ---- the C API (pickle.h) -------------------------------------------------- */

Value pickle_dumps(VM *vm, Value v) {
    PkDumpOptions o = {.proto = PK_DEFAULT_PROTOCOL, .fix_imports = true, .pickler = UNDEF, .buffer_callback = UNDEF};
    return pk_dumps(vm, v, &o);
}

Value pickle_loads(VM *vm, const uint8_t *data, size_t len) {
    PkLoadOptions o = {.fix_imports = true, .unpickler = UNDEF, .buffers = UNDEF, .read = UNDEF, .readline = UNDEF};
    return pk_loads(vm, data, len, &o);
}

/* ---- arguments --------------------------------------------------------------- */

/* None for the default, a negative int for the highest. */
static bool protocol_arg(VM *vm, Value v, int *out) {
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
    *out = n < 0 ? PK_HIGHEST_PROTOCOL : (int)n;
    return true;
}

static bool truth(VM *vm, Value v, bool dflt, bool *out) {
    if (v == UNDEF) {
        *out = dflt;
        return true;
    }
    int t = op_truthy(vm, v);
    if (t < 0) return false;
    *out = t;
    return true;
}

static bool dump_options(VM *vm, Value proto, Value fix, Value cb, PkDumpOptions *o) {
    *o = (PkDumpOptions){.pickler = UNDEF, .buffer_callback = UNDEF};
    if (!protocol_arg(vm, proto, &o->proto) || !truth(vm, fix, true, &o->fix_imports)) return false;
    if (cb != UNDEF && cb != NONE_VAL) {
        if (o->proto < 5) {
            exc_raise(vm, E_ValueError, "buffer_callback needs protocol >= 5");
            return false;
        }
        o->buffer_callback = cb;
    }
    return true;
}

static bool str_arg(VM *vm, const char *what, Value v, const char *dflt, const char **out) {
    if (v == UNDEF) {
        *out = dflt;
        return true;
    }
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s must be str, not %T", what, v);
        return false;
    }
    *out = AS(ObjStr, v)->data;
    return true;
}

/* fix_imports, encoding, errors, buffers; *buffers_it is rooted by the caller. */
static bool load_options(VM *vm, Value fix, Value enc, Value errs, Value buffers, PkLoadOptions *o) {
    *o = (PkLoadOptions){.unpickler = UNDEF, .buffers = UNDEF, .read = UNDEF, .readline = UNDEF};
    if (!truth(vm, fix, true, &o->fix_imports) || !str_arg(vm, "encoding", enc, "ASCII", &o->encoding) ||
        !str_arg(vm, "errors", errs, "strict", &o->errors))
        return false;
    if (buffers != UNDEF && buffers != NONE_VAL) {
        o->buffers = op_iter(vm, buffers);
        if (o->buffers == ERR) return false;
    }
    return true;
}

/* ---- the module's functions ---------------------------------------------------- */

static Value pk_dumps_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"obj", "protocol", "fix_imports", "buffer_callback"};
    Value a[4];
    PkDumpOptions o;
    if (nargs > 2) return exc_raise(vm, E_TypeError, "dumps() takes at most 2 positional arguments (%d given)", nargs);
    if (!args_bind(vm, "dumps", args, nargs, kw, names, 4, 2, 1, ARGS_INVALID_KW, a)) return ERR;
    if (!dump_options(vm, a[1], a[2], a[3], &o)) return ERR;
    return pk_dumps(vm, a[0], &o);
}

static Value pk_dump_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"obj", "file", "protocol", "fix_imports", "buffer_callback"};
    Value a[5];
    PkDumpOptions o;
    if (nargs > 3) return exc_raise(vm, E_TypeError, "dump() takes at most 3 positional arguments (%d given)", nargs);
    if (!args_bind(vm, "dump", args, nargs, kw, names, 5, 3, 2, ARGS_INVALID_KW, a)) return ERR;
    if (!dump_options(vm, a[2], a[3], a[4], &o)) return ERR;
    ObjStr *w = str_intern_cstr(vm, "write");
    Value write = w ? op_getattr_opt(vm, a[1], w) : ERR;
    if (write == ERR) return ERR;
    if (write == UNDEF) return exc_raise(vm, E_TypeError, "file must have a 'write' attribute");
    Value *roots = vm_roots_open(vm, 2);
    if (!roots) return ERR;
    roots[0] = write;
    Value data = pk_dumps(vm, a[0], &o);
    roots[1] = data;
    Value r = data == ERR ? ERR : op_call1(vm, write, data);
    vm_pop_roots(vm, 2);
    return r == ERR ? ERR : NONE_VAL;
}

/* data as bytes: a copy of a bytearray or other buffer (a __setstate__
 * could resize it under the reader). */
static Value load_from(VM *vm, Value data, PkLoadOptions *o) {
    if (is_kind(data, OBJ_BYTES)) return pk_loads(vm, AS(ObjBytes, data)->data, (size_t)AS(ObjBytes, data)->len, o);
    Value b = data;
    if (!is_kind(data, OBJ_BYTEARRAY)) {
        Value bt = obj_val(vm->types[T_BYTES]);
        if (is_str(data)) return exc_raise(vm, E_TypeError, "a bytes-like object is required, not 'str'");
        b = op_call1(vm, bt, data);
        if (b == ERR) return ERR;
        if (!vm_push_root(vm, b)) return ERR;
        Value r = pk_loads(vm, AS(ObjBytes, b)->data, (size_t)AS(ObjBytes, b)->len, o);
        vm_pop_roots(vm, 1);
        return r;
    }
    ObjByteArray *ba = AS(ObjByteArray, data);
    uint8_t *copy = malloc(ba->len ? (size_t)ba->len : 1);
    if (!copy) return exc_nomem(vm);
    if (ba->len) memcpy(copy, ba->data, (size_t)ba->len);
    Value r = pk_loads(vm, copy, (size_t)ba->len, o);
    free(copy);
    return r;
}

static Value pk_loads_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "fix_imports", "encoding", "errors", "buffers"};
    Value a[5];
    PkLoadOptions o;
    if (nargs != 1) return exc_raise(vm, E_TypeError, "loads() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "loads", args, nargs, kw, names, 5, 1, 1, ARGS_INVALID_KW, a)) return ERR;
    if (!load_options(vm, a[1], a[2], a[3], a[4], &o)) return ERR;
    if (!vm_push_root(vm, o.buffers)) return ERR;
    Value r = load_from(vm, a[0], &o);
    vm_pop_roots(vm, 1);
    return r;
}

/* The file's read and readline, rooted by the caller in roots[0..1]. */
static bool file_methods(VM *vm, Value file, PkLoadOptions *o, Value *roots) {
    ObjStr *rn = str_intern_cstr(vm, "read"), *rl = str_intern_cstr(vm, "readline");
    Value read = rn ? op_getattr_opt(vm, file, rn) : ERR;
    if (read == ERR) return false;
    roots[0] = read;
    Value readline = rl && read != UNDEF ? op_getattr_opt(vm, file, rl) : UNDEF;
    if (readline == ERR) return false;
    if (read == UNDEF || readline == UNDEF) {
        exc_raise(vm, E_TypeError, "file must have 'read' and 'readline' attributes");
        return false;
    }
    roots[1] = readline;
    o->read = read;
    o->readline = readline;
    return true;
}

static Value pk_load_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"file", "fix_imports", "encoding", "errors", "buffers"};
    Value a[5];
    PkLoadOptions o;
    if (nargs > 1) return exc_raise(vm, E_TypeError, "load() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "load", args, nargs, kw, names, 5, 1, 1, ARGS_INVALID_KW, a)) return ERR;
    if (!load_options(vm, a[1], a[2], a[3], a[4], &o)) return ERR;
    Value *roots = vm_roots_open(vm, 3);
    if (!roots) return ERR;
    roots[2] = o.buffers;
    Value r = file_methods(vm, a[0], &o, roots) ? pk_loads(vm, NULL, 0, &o) : ERR;
    vm_pop_roots(vm, 3);
    return r;
}

/* _dump_with(pickler, obj, protocol, fix_imports, buffer_callback, memo):
 * Pickler.dump's bytes, with the pickler's hooks and its memo list. */
static Value pk_dump_with(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_dump_with", nargs, kw, 6, 6)) return ERR;
    PkDumpOptions o;
    if (!dump_options(vm, args[2], args[3], args[4], &o)) return ERR;
    o.pickler = args[0];
    if (args[5] != NONE_VAL) {
        if (!is_list(args[5])) return exc_raise(vm, E_TypeError, "memo must be a list");
        o.memo = AS(ObjList, args[5]);
    }
    return pk_dumps(vm, args[1], &o);
}

/* _load_with(unpickler, file, fix_imports, encoding, errors, buffers, memo) */
static Value pk_load_with(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_load_with", nargs, kw, 7, 7)) return ERR;
    PkLoadOptions o;
    if (!load_options(vm, args[2], args[3], args[4], args[5], &o)) return ERR;
    o.unpickler = args[0];
    if (args[6] != NONE_VAL) {
        if (!is_list(args[6])) return exc_raise(vm, E_TypeError, "memo must be a list");
        o.memo = AS(ObjList, args[6]);
    }
    Value *roots = vm_roots_open(vm, 3);
    if (!roots) return ERR;
    roots[2] = o.buffers;
    Value r = file_methods(vm, args[1], &o, roots) ? pk_loads(vm, NULL, 0, &o) : ERR;
    vm_pop_roots(vm, 3);
    return r;
}

/* _find_class(module, name, proto, fix_imports): Unpickler.find_class. */
static Value pk_find_class_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "find_class", nargs, kw, 4, 4)) return ERR;
    if (!is_str(args[0]) || !is_str(args[1]))
        return exc_raise(vm, E_TypeError, "find_class() arguments must be str");
    int64_t proto = 4;
    if (is_intlike(args[2])) int_to_i64(args[2], &proto);
    bool fix;
    if (!truth(vm, args[3], true, &fix)) return ERR;
    return pk_find_class(vm, AS(ObjStr, args[0]), AS(ObjStr, args[1]), (int)proto, fix);
}

/* _type_name(cls): CPython's tp_name for the type, which its "cannot
 * pickle" errors show: module.qualname for a native class outside
 * builtins, else the name. */
static Value pk_type_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_type_name", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_CLASS)) return exc_raise(vm, E_TypeError, "a class is required");
    ObjClass *c = AS(ObjClass, args[0]);
    if (!(c->obj.flags & CLASS_BUILTIN) || !is_str(c->module) || strcmp(AS(ObjStr, c->module)->data, "builtins") == 0)
        return obj_val(c->name);
    StrBuf b = SB_INIT;
    sb_add(&b, AS(ObjStr, c->module)->data, (size_t)AS(ObjStr, c->module)->len);
    sb_addc(&b, '.');
    sb_add(&b, c->qualname->data, (size_t)c->qualname->len);
    return str_from_buf(vm, &b);
}

/* Pickler, Unpickler and PickleBuffer live in stdlib/_pickle_py.asy. */
static Value pk_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"Pickler", "Unpickler", "PickleBuffer", "_Pickler", "_Unpickler",
                                        "dispatch_table", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    return module_lazy_attr(vm, "pickle", "_pickle_py", names, args[0]);
}

static const char *const pickle_all[] = {"PickleError", "PicklingError", "UnpicklingError", "Pickler", "Unpickler",
                                         "dump", "dumps", "load", "loads", "PickleBuffer", "ADDITEMS", "APPEND",
                                         "APPENDS", "BINBYTES", "BINBYTES8", "BINFLOAT", "BINGET", "BININT",
                                         "BININT1", "BININT2", "BINPERSID", "BINPUT", "BINSTRING", "BINUNICODE",
                                         "BINUNICODE8", "BUILD", "BYTEARRAY8", "DEFAULT_PROTOCOL", "DICT", "DUP",
                                         "EMPTY_DICT", "EMPTY_LIST", "EMPTY_SET", "EMPTY_TUPLE", "EXT1", "EXT2",
                                         "EXT4", "FALSE", "FLOAT", "FRAME", "FROZENSET", "GET", "GLOBAL",
                                         "HIGHEST_PROTOCOL", "INST", "INT", "LIST", "LONG", "LONG1", "LONG4",
                                         "LONG_BINGET", "LONG_BINPUT", "MARK", "MEMOIZE", "NEWFALSE", "NEWOBJ",
                                         "NEWOBJ_EX", "NEWTRUE", "NEXT_BUFFER", "NONE", "OBJ", "PERSID", "POP",
                                         "POP_MARK", "PROTO", "PUT", "READONLY_BUFFER", "REDUCE", "SETITEM",
                                         "SETITEMS", "SHORT_BINBYTES", "SHORT_BINSTRING", "SHORT_BINUNICODE",
                                         "STACK_GLOBAL", "STOP", "STRING", "TRUE", "TUPLE", "TUPLE1", "TUPLE2",
                                         "TUPLE3", "UNICODE", NULL};

/* The opcodes as one-byte bytes constants, as pickle.py has them. */
static const struct { const char *name; const char *code; } opcode_names[] = {
    {"MARK", "("}, {"STOP", "."}, {"POP", "0"}, {"POP_MARK", "1"}, {"DUP", "2"}, {"FLOAT", "F"}, {"INT", "I"},
    {"BININT", "J"}, {"BININT1", "K"}, {"LONG", "L"}, {"BININT2", "M"}, {"NONE", "N"}, {"PERSID", "P"},
    {"BINPERSID", "Q"}, {"REDUCE", "R"}, {"STRING", "S"}, {"BINSTRING", "T"}, {"SHORT_BINSTRING", "U"},
    {"UNICODE", "V"}, {"BINUNICODE", "X"}, {"APPEND", "a"}, {"BUILD", "b"}, {"GLOBAL", "c"}, {"DICT", "d"},
    {"EMPTY_DICT", "}"}, {"APPENDS", "e"}, {"GET", "g"}, {"BINGET", "h"}, {"INST", "i"}, {"LONG_BINGET", "j"},
    {"LIST", "l"}, {"EMPTY_LIST", "]"}, {"OBJ", "o"}, {"PUT", "p"}, {"BINPUT", "q"}, {"LONG_BINPUT", "r"},
    {"SETITEM", "s"}, {"TUPLE", "t"}, {"EMPTY_TUPLE", ")"}, {"SETITEMS", "u"}, {"BINFLOAT", "G"},
    {"TRUE", "I01\n"}, {"FALSE", "I00\n"}, {"PROTO", "\x80"}, {"NEWOBJ", "\x81"}, {"EXT1", "\x82"},
    {"EXT2", "\x83"}, {"EXT4", "\x84"}, {"TUPLE1", "\x85"}, {"TUPLE2", "\x86"}, {"TUPLE3", "\x87"},
    {"NEWTRUE", "\x88"}, {"NEWFALSE", "\x89"}, {"LONG1", "\x8a"}, {"LONG4", "\x8b"}, {"BINBYTES", "B"},
    {"SHORT_BINBYTES", "C"}, {"SHORT_BINUNICODE", "\x8c"}, {"BINUNICODE8", "\x8d"}, {"BINBYTES8", "\x8e"},
    {"EMPTY_SET", "\x8f"}, {"ADDITEMS", "\x90"}, {"FROZENSET", "\x91"}, {"NEWOBJ_EX", "\x92"},
    {"STACK_GLOBAL", "\x93"}, {"MEMOIZE", "\x94"}, {"FRAME", "\x95"}, {"BYTEARRAY8", "\x96"},
    {"NEXT_BUFFER", "\x97"}, {"READONLY_BUFFER", "\x98"},
};

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
    for (size_t i = 0; i < sizeof opcode_names / sizeof opcode_names[0]; i++) {
        Value b = bytes_new(vm, (const uint8_t *)opcode_names[i].code, strlen(opcode_names[i].code));
        if (b == ERR || !module_add_value(vm, m, opcode_names[i].name, b)) return false;
    }
    ObjTuple *bt = tuple_from(vm, (Value[]){obj_val(vm->types[T_BYTES]), obj_val(vm->types[T_BYTEARRAY])}, 2);
    if (!bt || !module_add_value(vm, m, "bytes_types", obj_val(bt))) return false;
    return module_add_value(vm, m, "HIGHEST_PROTOCOL", int_val(PK_HIGHEST_PROTOCOL)) &&
           module_add_value(vm, m, "DEFAULT_PROTOCOL", int_val(PK_DEFAULT_PROTOCOL)) &&
           module_add_native(vm, m, "dumps", pk_dumps_fn) &&
           module_add_native(vm, m, "dump", pk_dump_fn) &&
           module_add_native(vm, m, "loads", pk_loads_fn) &&
           module_add_native(vm, m, "load", pk_load_fn) &&
           /* CPython's pure-Python twins, which tests use to run both */
           module_add_native(vm, m, "_dumps", pk_dumps_fn) &&
           module_add_native(vm, m, "_dump", pk_dump_fn) &&
           module_add_native(vm, m, "_loads", pk_loads_fn) &&
           module_add_native(vm, m, "_load", pk_load_fn) &&
           module_add_native(vm, m, "_dump_with", pk_dump_with) &&
           module_add_native(vm, m, "_load_with", pk_load_with) &&
           module_add_native(vm, m, "_find_class", pk_find_class_fn) &&
           module_add_native(vm, m, "_type_name", pk_type_name) &&
           module_add_native(vm, m, "__getattr__", pk_getattr) && module_add_all(vm, m, pickle_all);
}
