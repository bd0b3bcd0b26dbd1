/* Functions and code objects made at run time: types.FunctionType(code,
 * globals, ...), assigning a function's __code__, and code.replace().
 * Messages are CPython 3.12's. */
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "class.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "interp.h"
#include "ops.h"
#include "str.h"
#include "trace.h"

/* A closure given to FunctionType must be a tuple of as many cells as the
 * code has free variables (name: whose code, for the message). */
static bool closure_ok(VM *vm, ObjCode *code, Value closure) {
    if (closure != NONE_VAL && !is_tuple(closure)) {
        exc_raise(vm, E_TypeError, "arg 5 (closure) must be tuple");
        return false;
    }
    if (code->nfrees && closure == NONE_VAL) {
        exc_raise(vm, E_TypeError, "arg 5 (closure) must be tuple");
        return false;
    }
    int64_t n = closure == NONE_VAL ? 0 : AS(ObjTuple, closure)->len;
    if (n != code->nfrees) {
        exc_raise(vm, E_ValueError, "%s requires closure of length %d, not %lld", code->name->data, (int)code->nfrees,
                  (long long)n);
        return false;
    }
    for (int64_t i = 0; i < n; i++) {
        Value c = AS(ObjTuple, closure)->items[i];
        if (!is_kind(c, OBJ_CELL)) {
            exc_raise(vm, E_TypeError, "arg 5 (closure) expected cell, found %T", c);
            return false;
        }
    }
    return true;
}

/* function(code, globals, name=None, argdefs=None, closure=None): what
 * MAKE_FUNCTION makes, from the pieces. */
static Value function_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"code", "globals", "name", "argdefs", "closure"};
    Value p[5];
    if (!args_bind(vm, "function", args + 1, nargs - 1, kw, names, 5, 5, 2, ARGS_INVALID_KW, p)) return ERR;
    if (!is_kind(p[0], OBJ_CODE))
        return exc_raise(vm, E_TypeError, "function() argument 'code' must be code, not %T", p[0]);
    if (!is_dict(p[1])) return exc_raise(vm, E_TypeError, "function() argument 'globals' must be dict, not %T", p[1]);
    for (int i = 2; i < 5; i++)
        if (p[i] == UNDEF) p[i] = NONE_VAL;
    if (p[2] != NONE_VAL && !is_str(p[2])) return exc_raise(vm, E_TypeError, "arg 3 (name) must be None or string");
    if (p[3] != NONE_VAL && !is_tuple(p[3])) return exc_raise(vm, E_TypeError, "arg 4 (defaults) must be None or tuple");
    ObjCode *code = AS(ObjCode, p[0]);
    if (!closure_ok(vm, code, p[4])) return ERR;
    ObjFunction *fn = func_new(vm, code, AS(ObjDict, p[1]));
    if (!fn) return ERR;
    if (p[2] != NONE_VAL) fn->name = AS(ObjStr, p[2]);
    if (p[3] != NONE_VAL) fn->defaults = AS(ObjTuple, p[3]);
    if (p[4] != NONE_VAL) fn->closure = AS(ObjTuple, p[4]);
    if (code->flags & CODE_HAS_DOC) fn->doc = code->consts[0];
    return obj_val(fn);
}

/* Assigning __code__, __defaults__ or __kwdefaults__ (v UNDEF: deleting). */
static int set_code(VM *vm, ObjFunction *fn, Value v) {
    if (!is_kind(v, OBJ_CODE)) {
        exc_raise(vm, E_TypeError, "__code__ must be set to a code object");
        return -1;
    }
    ObjCode *code = AS(ObjCode, v);
    int have = fn->closure ? (int)fn->closure->len : 0;
    if (code->nfrees != have) {
        exc_raise(vm, E_ValueError, "%s() requires a code object with %d free vars, not %d", fn->name->data, have,
                  (int)code->nfrees);
        return -1;
    }
    fn->code = code;
    return 0;
}

static int set_defaults(VM *vm, ObjFunction *fn, Value v) {
    if (v != UNDEF && v != NONE_VAL && !is_tuple(v)) {
        exc_raise(vm, E_TypeError, "__defaults__ must be set to a tuple object");
        return -1;
    }
    fn->defaults = is_tuple(v) && AS(ObjTuple, v)->len ? AS(ObjTuple, v) : NULL;
    return 0;
}

static int set_kwdefaults(VM *vm, ObjFunction *fn, Value v) {
    if (v != UNDEF && v != NONE_VAL && !is_dict(v)) {
        exc_raise(vm, E_TypeError, "__kwdefaults__ must be set to a dict object");
        return -1;
    }
    fn->kwdefaults = is_dict(v) ? AS(ObjDict, v) : NULL;
    return 0;
}

/* __name__ and __qualname__ take only strings, and cannot be deleted. */
static int set_name(VM *vm, ObjStr **slot, const char *what, Value v) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s must be set to a string object", what);
        return -1;
    }
    *slot = AS(ObjStr, v);
    return 0;
}

static int set_dict(VM *vm, ObjFunction *fn, Value v) {
    if (v == UNDEF) {
        exc_raise(vm, E_TypeError, "cannot delete __dict__");
        return -1;
    }
    if (!is_dict(v)) {
        exc_raise(vm, E_TypeError, "__dict__ must be set to a dictionary, not a '%s'", type_name(vm, v));
        return -1;
    }
    fn->dict = AS(ObjDict, v);
    return 0;
}

/* Assigning (v UNDEF: deleting) an attribute a function keeps in a slot of
 * its own: 0 done, -1 error, 1 not one of those (it goes to __dict__). */
int func_set_special(VM *vm, ObjFunction *fn, ObjStr *name, Value v) {
    const char *n = name->data;
    if (!strcmp(n, "__globals__") || !strcmp(n, "__closure__") || !strcmp(n, "__builtins__")) {
        exc_raise(vm, E_AttributeError, "readonly attribute");
        return -1;
    }
    if (!strcmp(n, "__name__")) return set_name(vm, &fn->name, n, v);
    if (!strcmp(n, "__qualname__")) return set_name(vm, &fn->qualname, n, v);
    if (!strcmp(n, "__doc__")) { fn->doc = v == UNDEF ? NONE_VAL : v; return 0; }
    if (!strcmp(n, "__module__") && v != UNDEF) { fn->module = v; return 0; }
    if (!strcmp(n, "__dict__")) return set_dict(vm, fn, v);
    if (!strcmp(n, "__type_params__") && !is_tuple(v)) {     /* del included */
        exc_raise(vm, E_TypeError, "__type_params__ must be set to a tuple");
        return -1;
    }
    if (!strcmp(n, "__type_params__") && AS(ObjTuple, v)->len == 0) {
        /* the default: kept out of __dict__ (functools.wraps copies it to
         * every wrapper, and CPython's __dict__ does not show it) */
        if (fn->dict && dict_del(vm, fn->dict, obj_val(name)) < 0) return -1;
        return 0;
    }
    if (!strcmp(n, "__annotations__")) {      /* None (or del) drops them: the next read makes a new {} */
        if (v != UNDEF && v != NONE_VAL && !is_dict(v)) {
            exc_raise(vm, E_TypeError, "__annotations__ must be set to a dict object");
            return -1;
        }
        fn->annotations = is_dict(v) ? AS(ObjDict, v) : NULL;
        return 0;
    }
    if (!strcmp(n, "__code__")) return set_code(vm, fn, v);
    if (!strcmp(name->data, "__defaults__")) return set_defaults(vm, fn, v);
    if (!strcmp(name->data, "__kwdefaults__")) return set_kwdefaults(vm, fn, v);
    return 1;
}

/* ---- code.replace() ---------------------------------------------------- */

static void *dup(const void *p, size_t n) {
    void *q = malloc(n ? n : 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

/* The bytes of a position table: rows of five varints, ended by a 0 where
 * the next row's pc difference would be (func.c). */
static size_t lines_size(const uint8_t *p) {
    const uint8_t *start = p;
    for (;;) {
        bool end = *p == 0;
        for (int v = 0; v < (end ? 1 : 5); v++)
            while (*p++ & 0x80) {}
        if (end) return (size_t)(p - start);
    }
}

/* A copy of c with tables of its own (the collector frees each code's), and
 * empty caches. */
static ObjCode *code_copy(VM *vm, ObjCode *c) {
    ObjCode *n = code_new(vm);
    if (!n) return NULL;
    ObjCode keep = *n;
    *n = *c;
    n->obj = keep.obj;
    n->ins = NULL, n->consts = NULL, n->names = NULL, n->varnames = NULL, n->cellnames = NULL;
    n->cell2arg = NULL, n->lines = NULL, n->exc = NULL, n->caches = NULL, n->attrcaches = NULL;
    n->trace_orig = NULL, n->trace_line = NULL;
    int32_t ncounts[] = {n->nconsts, n->nnames, n->nlocals, n->ncells + n->nfrees};
    n->nconsts = n->nnames = n->nlocals = n->ncells = n->nfrees = n->nattrcaches = 0;
    uint32_t *ins = dup(c->ins, sizeof *ins * (size_t)c->nins);
    Value *consts = dup(c->consts, sizeof *consts * (size_t)ncounts[0]);
    ObjStr **names = dup(c->names, sizeof *names * (size_t)ncounts[1]);
    ObjStr **varnames = dup(c->varnames, sizeof *varnames * (size_t)ncounts[2]);
    ObjStr **cellnames = dup(c->cellnames, sizeof *cellnames * (size_t)ncounts[3]);
    int32_t *cell2arg = dup(c->cell2arg, sizeof *cell2arg * (size_t)c->ncells);
    uint8_t *lines = c->lines ? dup(c->lines, lines_size(c->lines)) : NULL;
    ExcEntry *exc = dup(c->exc, sizeof *exc * (size_t)c->nexc);
    GlobalCache *caches = calloc((size_t)c->ncaches + 1, sizeof *caches);
    AttrCache *attrcaches = calloc((size_t)c->nattrcaches + 1, sizeof *attrcaches);
    n->ins = ins, n->consts = consts, n->names = names, n->varnames = varnames, n->cellnames = cellnames;
    n->cell2arg = cell2arg, n->lines = lines, n->exc = exc, n->caches = caches, n->attrcaches = attrcaches;
    if (!ins || !consts || !names || !varnames || !cellnames || !cell2arg || (c->lines && !lines) || !exc || !caches ||
        !attrcaches) {
        exc_nomem(vm);
        return NULL;
    }
    for (int32_t i = 0; i < c->nins; i++) ins[i] = code_ins_at(c, c->ins + i);     /* without sys.settrace's marks */
    for (int i = 0; i < c->ncaches; i++) caches[i].value = UNDEF;
    for (int i = 0; i < c->nattrcaches; i++) attrcaches[i].value = UNDEF;
    n->nconsts = ncounts[0], n->nnames = ncounts[1], n->nlocals = ncounts[2];
    n->ncells = c->ncells, n->nfrees = c->nfrees, n->nattrcaches = c->nattrcaches;
    return n;
}

static int field_index(const char *key, const char *const *names, int n) {
    for (int i = 0; i < n; i++)
        if (!strcmp(key, names[i])) return i;
    return -1;
}

/* code.replace(**changes): a copy with other names, file or first line.
 * Asy's bytecode is not CPython's, so the fields that describe it
 * (co_code, co_consts, co_varnames, ...) may only be given back their
 * present values: changing them raises ValueError. */
static Value code_replace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_kind(args[0], OBJ_CODE))
        return exc_raise(vm, E_TypeError, "descriptor 'replace' requires a 'code' object but received a '%T'", args[0]);
    if (nargs > 1) return exc_raise(vm, E_TypeError, "replace() takes no positional arguments");
    static const char *const names[] = {"co_name", "co_qualname", "co_filename", "co_firstlineno"};
    static const char *const fixed[] = {"co_argcount", "co_posonlyargcount", "co_kwonlyargcount", "co_nlocals",
                                        "co_stacksize", "co_flags", "co_code", "co_consts", "co_names",
                                        "co_varnames", "co_freevars", "co_cellvars", "co_linetable",
                                        "co_exceptiontable"};
    Value p[4] = {UNDEF, UNDEF, UNDEF, UNDEF};
    int nkw = kw ? (int)kw->len : 0;
    for (int k = 0; k < nkw; k++) {
        const char *key = AS(ObjStr, kw->items[k])->data;
        Value v = args[nargs + k];
        int i = field_index(key, names, 4);
        if (i >= 0) {
            p[i] = v;
            continue;
        }
        if (field_index(key, fixed, sizeof fixed / sizeof *fixed) < 0)
            return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for replace()", key);
        Value now = op_getattr(vm, args[0], AS(ObjStr, kw->items[k]));
        int same = now == ERR ? -1 : op_eq(vm, now, v);
        if (same < 0) return ERR;
        if (!same) return exc_raise(vm, E_ValueError, "code.replace() cannot change %s in Asy", key);
    }
    for (int i = 0; i < 3; i++)
        if (p[i] != UNDEF && !is_str(p[i]))
            return exc_raise(vm, E_TypeError, "replace() argument '%s' must be str, not %T", names[i], p[i]);
    if (p[3] != UNDEF && !is_int(p[3]))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", p[3]);
    ObjCode *c = code_copy(vm, AS(ObjCode, args[0]));
    if (!c) return ERR;
    if (p[0] != UNDEF) c->name = AS(ObjStr, p[0]);
    if (p[1] != UNDEF) c->qualname = AS(ObjStr, p[1]);
    if (p[2] != UNDEF) c->filename = AS(ObjStr, p[2]);
    if (p[3] != UNDEF) c->firstline = (int32_t)as_int(p[3]);
    return obj_val(c);
}

void func_new_init(VM *vm) {
    ObjNative *n = native_new(vm, "__new__", function_new);
    if (n) dict_set_str(vm, vm->types[T_FUNCTION]->dict, vm_name(vm, N___new__), obj_val(n));
    class_add_native(vm, vm->types[T_CODE], "replace", code_replace);
}

Value func_builtins(VM *vm, ObjFunction *f) {
    return interp_builtins(vm, f->globals);
}
