/* eval, exec and compile: running source text given at run time.
 *
 * The source is compiled with compile_string (parser/compile.h), which
 * compiles module-level reads of names to LOAD_NAME as CPython does, and the
 * code runs in a frame whose `locals` is the namespace for those names
 * (interp_run_code). A code object from compile() is an ObjCode, the same
 * thing a function's __code__ is. */
#include <string.h>

#include "../parser/compile.h"
#include "binbuf.h"
#include "builtins.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "import.h"
#include "interp.h"
#include "ops.h"
#include "str.h"

/* The text of a source argument (str, or anything bytes-like), or NULL after
 * raising CPython's TypeError for anything else. */
static const char *source_text(VM *vm, Value src, size_t *len, const char *fname, const char *what) {
    const char *text;
    BinBuf b;
    if (is_str(src)) {
        text = AS(ObjStr, src)->data;
        *len = (size_t)AS(ObjStr, src)->len;
    } else if (binbuf_get(src, &b)) {
        text = (const char *)b.p;
        *len = (size_t)b.n;
    } else {
        exc_raise(vm, E_TypeError, "%s() arg 1 must be a string, bytes or %s object", fname, what);
        return NULL;
    }
    if (memchr(text, 0, *len)) {
        exc_raise(vm, E_SyntaxError, "source code string cannot contain null bytes");
        return NULL;
    }
    return text;
}

/* compile_string with the optimizer's warnings on (VM.compile_warns). */
static ObjCode *compile_warning(VM *vm, const char *text, size_t len, const char *filename, CompileMode mode,
                                bool from_bytes) {
    bool saved = vm->compile_warns;
    int saved_count = vm->compile_bool_inverts;
    vm->compile_warns = true;
    vm->compile_bool_inverts = 0;
    ObjCode *code = compile_string(vm, text, len, filename, mode, from_bytes);
    int n = vm->compile_bool_inverts;
    vm->compile_warns = saved;
    vm->compile_bool_inverts = saved_count;
    if (!code || !n) return code;
    /* the folder's warnings, now that the code is made and rooted */
    if (!vm_push_root(vm, obj_val(code))) return NULL;
    for (int i = 0; i < n; i++) {
        if (!op_warn_bool_invert(vm)) { vm_pop_roots(vm, 1); return NULL; }
    }
    vm_pop_roots(vm, 1);
    return code;
}

static ObjCode *compile_value(VM *vm, Value src, const char *filename, CompileMode mode, const char *fname) {
    if (is_kind(src, OBJ_CODE)) return AS(ObjCode, src);
    size_t len;
    const char *text = source_text(vm, src, &len, fname, "code");
    return text ? compile_warning(vm, text, len, filename, mode, !is_str(src)) : NULL;
}

/* CPython's PyMapping_Check: whether v can be subscripted. */
static bool is_mapping(VM *vm, Value v) {
    if (is_dict(v) || is_list(v) || is_tuple(v) || is_str(v) || is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY) ||
        is_kind(v, OBJ_RANGE))
        return true;
    return !is_kind(v, OBJ_CLASS) && op_special(vm, v, N___getitem__) != UNDEF;
}

/* Resolves the namespaces of eval/exec: the caller's when none is given,
 * locals defaulting to globals. A locals mapping that is not a dict gets a
 * namespace_proxy (class.c), as a class body from __prepare__ does, so the
 * code's LOAD_NAME/STORE_NAME/DELETE_NAME call the mapping's own methods. */
static bool namespaces(VM *vm, const char *fname, Value g, Value l, ObjDict **globals, ObjDict **locals) {
    bool is_exec = fname[0] == 'e' && fname[1] == 'x';
    if (g != UNDEF && g != NONE_VAL && !is_dict(g)) {
        if (is_exec) exc_raise(vm, E_TypeError, "exec() globals must be a dict, not %T", g);
        else if (!is_mapping(vm, g)) exc_raise(vm, E_TypeError, "globals must be a dict");
        else exc_raise(vm, E_TypeError, "globals must be a real dict; try eval(expr, {}, mapping)");
        return false;
    }
    if (l != UNDEF && l != NONE_VAL && !is_mapping(vm, l)) {
        if (is_exec) exc_raise(vm, E_TypeError, "locals must be a mapping or None, not %T", l);
        else exc_raise(vm, E_TypeError, "locals must be a mapping");
        return false;
    }
    Frame *f = vm->fiber->frame;
    if (g == UNDEF || g == NONE_VAL) {
        *globals = f ? f->globals : vm->main_module->dict;
        if (l == UNDEF || l == NONE_VAL) {
            Value caller = builtins_frame_locals(vm, f);
            if (caller == ERR) return false;
            l = caller;
        }
    } else {
        *globals = AS(ObjDict, g);
        if (l == UNDEF || l == NONE_VAL) l = g;
    }
    if (dict_get_str(*globals, vm_name(vm, N___builtins__)) == UNDEF &&
        dict_set_str(vm, *globals, vm_name(vm, N___builtins__), obj_val(vm->builtins)) < 0)
        return false;
    if (!is_dict(l)) l = class_namespace_proxy(vm, l);
    if (l == ERR) return false;
    /* Globals that are a dict subclass serve as the locals too, so that
     * LOAD_NAME asks their __getitem__ (__missing__), as CPython's does;
     * LOAD_GLOBAL (in functions) reads them as a plain dict. */
    *locals = AS(ObjDict, l) == *globals && !(as_obj(l)->flags & OBJ_SUBTYPE) ? NULL : AS(ObjDict, l);
    return true;
}

/* A function's code object, run as CPython's exec and eval run it: as a
 * call with no arguments of a function made from it, whose fast locals
 * ignore the locals given; free variables take the cells of `closure`. */
static Value run_function_code(VM *vm, const char *fname, ObjCode *code, ObjDict *globals, Value closure) {
    if (code->nfrees && fname[1] == 'v')
        return exc_raise(vm, E_TypeError, "code object passed to eval() may not contain free variables");
    if (code->nfrees) {
        bool ok = is_tuple(closure) && AS(ObjTuple, closure)->len == code->nfrees;
        for (int64_t i = 0; ok && i < AS(ObjTuple, closure)->len; i++)
            ok = is_kind(AS(ObjTuple, closure)->items[i], OBJ_CELL);
        if (!ok) return exc_raise(vm, E_TypeError, "code object requires a closure of exactly length %d", code->nfrees);
    }
    ObjFunction *fn = func_new(vm, code, globals);
    if (!fn) return ERR;
    if (code->nfrees) fn->closure = AS(ObjTuple, closure);
    if (!vm_push_root(vm, obj_val(fn))) return ERR;
    Value r = op_call(vm, obj_val(fn), NULL, 0, NULL);
    vm_pop_roots(vm, 1);
    return r;
}

/* The __future__ features of the code calling exec, eval or compile (CO_
 * bits), which the text they compile inherits, as in CPython. */
static int32_t caller_future(VM *vm) {
    Frame *f = vm->fiber->frame;
    if (!f || !f->code) return 0;
    return (f->code->flags & CODE_FUTURE_ANNOTATIONS ? CO_FUTURE_ANNOTATIONS : 0) |
           (f->code->flags & CODE_FUTURE_BARRY ? CO_FUTURE_BARRY_AS_BDFL : 0);
}

static Value run(VM *vm, const char *fname, Value src, Value g, Value l, CompileMode mode, Value closure) {
    ObjDict *globals, *locals = NULL;
    if (!namespaces(vm, fname, g, l, &globals, &locals)) return ERR;
    if (!vm_push_root(vm, locals ? obj_val(locals) : NONE_VAL)) return ERR;
    vm->compile_future = caller_future(vm);
    ObjCode *code = compile_value(vm, src, "<string>", mode, fname);
    vm->compile_future = 0;
    Value r = ERR;
    if (code && closure != UNDEF && closure != NONE_VAL && !is_kind(src, OBJ_CODE)) {
        exc_raise(vm, E_TypeError, "closure can only be used when source is a code object");
    } else if (code && closure != UNDEF && closure != NONE_VAL && !code->nfrees) {
        exc_raise(vm, E_TypeError, "cannot use a closure with this code object");
    } else if (code && !(code->flags & CODE_MODULE)) {
        r = run_function_code(vm, fname, code, globals, closure);
    } else if (code && vm_push_root(vm, obj_val(code))) {
        r = interp_run_code(vm, code, globals, locals);
        vm_pop_roots(vm, 1);
    }
    vm_pop_roots(vm, 1);
    return r;
}

static Value b_eval(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "eval", nargs, kw, 1, 3)) return ERR;
    Value src = args[0];
    return run(vm, "eval", src, nargs > 1 ? args[1] : UNDEF, nargs > 2 ? args[2] : UNDEF, COMPILE_EVAL, UNDEF);
}

static Value b_exec(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    /* Only closure= may be a keyword; the message is argument clinic's. */
    Value closure = UNDEF;
    for (int64_t i = 0; kw && i < kw->len; i++) {
        const char *k = AS(ObjStr, kw->items[i])->data;
        if (strcmp(k, "closure") != 0)
            return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for exec()", k);
        closure = args[nargs + i];
    }
    if (nargs < 1 || nargs > 3) {
        return nargs < 1 ? exc_raise(vm, E_TypeError, "exec() takes at least 1 positional argument (0 given)")
                         : exc_raise(vm, E_TypeError, "exec() takes at most 3 positional arguments (%d given)", nargs);
    }
    Value src = args[0];
    Value r = run(vm, "exec", src, nargs > 1 ? args[1] : UNDEF, nargs > 2 ? args[2] : UNDEF, COMPILE_EXEC, closure);
    return r == ERR ? ERR : NONE_VAL;
}

/* compile()'s filename argument as a str (bytes and os.PathLike accepted). */
static Value compile_filename(VM *vm, Value fn) {
    if (is_kind(fn, OBJ_BYTES))
        return str_decode_utf8(vm, (const char *)AS(ObjBytes, fn)->data, (size_t)AS(ObjBytes, fn)->len, "replace");
    if (!is_str(fn)) {
        Value p = op_getattr_opt(vm, fn, str_intern_cstr(vm, "__fspath__"));
        if (p == UNDEF) return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", fn);
        fn = p == ERR ? ERR : op_call0(vm, p);
    }
    if (fn != ERR && !is_str(fn)) return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", fn);
    return fn;
}

/* An int argument of compile(), `dflt` when absent. */
static bool int_arg(VM *vm, Value v, int64_t dflt, int64_t *out) {
    if (v == UNDEF) { *out = dflt; return true; }
    if (!is_int(v)) {
        exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        return false;
    }
    *out = as_int(v);
    return true;
}

/* The flags compile() knows (CPython's PyCF_MASK, PyCF_MASK_OBSOLETE and
 * PyCF_COMPILE_MASK): the __future__ features, CO_NESTED, and the
 * ast/typing/interactive flags. */
enum { CF_ONLY_AST = 0x400, CF_KNOWN = 0x1fe0000 | 0x10 | 0x200 | 0x400 | 0x1000 | 0x2000 | 0x4000 };

/* Whether compile() compiles v itself: text or a code object; anything else
 * (an AST, or a wrong type) goes to the ast module. */
static bool is_source(Value v) {
    BinBuf b;
    return is_str(v) || is_kind(v, OBJ_CODE) || binbuf_get(v, &b);
}

/* compile() to an AST (PyCF_ONLY_AST) or of one: ast._compile (stdlib/ast.asy)
 * parses into node objects, or compiles a tree from its unparsed text. */
static Value compile_ast(VM *vm, Value *a, Value fn, int64_t flags) {
    if (!vm_push_root(vm, fn)) return ERR;
    Value mod = import_standard(vm, "ast");
    Value hook = mod == ERR ? ERR : op_getattr(vm, mod, str_intern_cstr(vm, "_compile"));
    Value args[6] = {a[0], fn, a[2], int_val(flags), a[4] == UNDEF ? FALSE_VAL : a[4], a[5] == UNDEF ? int_val(-1) : a[5]};
    Value r = hook == ERR ? ERR : op_call(vm, hook, args, 6, NULL);
    vm_pop_roots(vm, 1);
    return r;
}

/* compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1):
 * the arguments are checked in CPython's order; optimize is the level the
 * compiler strips at (asserts and __debug__ at 1, docstrings too at 2),
 * -1 the interpreter's own (-O). */
static Value b_compile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize",
                                        "_feature_version"};
    Value a[7];
    if (!args_bind(vm, "compile", args, nargs, kw, names, 7, 6, 3, 0, a)) return ERR;
    Value fn = compile_filename(vm, a[1]);
    if (fn == ERR) return ERR;
    if (!is_str(a[2])) return exc_raise(vm, E_TypeError, "compile() argument 'mode' must be str, not %A", a[2]);
    int64_t flags, optimize;
    if (!int_arg(vm, a[3], 0, &flags) || !int_arg(vm, a[5], -1, &optimize)) return ERR;
    if (flags & ~(int64_t)CF_KNOWN) return exc_raise(vm, E_ValueError, "compile(): unrecognised flags");
    if (optimize < -1 || optimize > 2) return exc_raise(vm, E_ValueError, "compile(): invalid optimize value");
    if ((flags & CF_ONLY_AST) || !is_source(a[0])) return compile_ast(vm, a, fn, flags);
    int dont_inherit = a[4] == UNDEF ? 0 : op_truthy(vm, a[4]);
    if (dont_inherit < 0) return ERR;
    const char *m = AS(ObjStr, a[2])->data;
    if (!strcmp(m, "func_type"))
        return exc_raise(vm, E_ValueError, "compile() mode 'func_type' requires flag PyCF_ONLY_AST");
    CompileMode mode = !strcmp(m, "exec") ? COMPILE_EXEC : !strcmp(m, "eval") ? COMPILE_EVAL : COMPILE_SINGLE;
    if (mode == COMPILE_SINGLE && strcmp(m, "single") != 0)
        return exc_raise(vm, E_ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    size_t len;
    const char *text = source_text(vm, a[0], &len, "compile", "AST");
    if (!text || !vm_push_root(vm, fn)) return ERR;
    int8_t saved = vm->compile_optimize;
    if (optimize >= 0) vm->compile_optimize = (int8_t)optimize;
    vm->compile_future = (int32_t)(flags & (CO_FUTURE_ANNOTATIONS | CO_FUTURE_BARRY_AS_BDFL)) | (dont_inherit ? 0 : caller_future(vm));
    ObjCode *code = compile_warning(vm, text, len, AS(ObjStr, fn)->data, mode, !is_str(a[0]));
    vm->compile_future = 0;
    vm->compile_optimize = saved;
    vm_pop_roots(vm, 1);
    return code ? obj_val(code) : ERR;
}

bool builtins_eval_init(VM *vm) {
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"eval", b_eval}, {"exec", b_exec}, {"compile", b_compile},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        ObjNative *n = native_new(vm, fns[i].name, fns[i].fn);
        if (!n || dict_set_str(vm, vm->builtins, str_intern_cstr(vm, fns[i].name), obj_val(n)) < 0) return false;
    }
    return true;
}
