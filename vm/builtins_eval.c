/* eval, exec and compile: running source text given at run time.
 *
 * The source is compiled with compile_string (parser/compile.h), which
 * compiles module-level reads of names to LOAD_NAME as CPython does, and the
 * code runs in a frame whose `locals` is the namespace for those names
 * (interp_run_code). A code object from compile() is an ObjCode, the same
 * thing a function's __code__ is. */
#include <string.h>

#include "../parser/compile.h"
#include "builtins.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "interp.h"
#include "ops.h"
#include "str.h"

/* The text of a source argument (str, bytes or bytearray), or NULL after
 * raising CPython's TypeError for anything else. */
static const char *source_text(VM *vm, Value src, size_t *len, const char *fname, const char *what) {
    const char *text;
    if (is_str(src)) {
        text = AS(ObjStr, src)->data;
        *len = (size_t)AS(ObjStr, src)->len;
    } else if (is_kind(src, OBJ_BYTES) || is_kind(src, OBJ_BYTEARRAY)) {
        ObjBytes *b = AS(ObjBytes, src);
        text = (const char *)b->data;
        *len = (size_t)b->len;
        if (!text) text = "";
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

static ObjCode *compile_value(VM *vm, Value src, const char *filename, CompileMode mode, const char *fname) {
    if (is_kind(src, OBJ_CODE)) return AS(ObjCode, src);
    size_t len;
    const char *text = source_text(vm, src, &len, fname, "code");
    return text ? compile_string(vm, text, len, filename, mode) : NULL;
}

/* CPython's PyMapping_Check: whether v can be subscripted. */
static bool is_mapping(VM *vm, Value v) {
    if (is_dict(v) || is_list(v) || is_tuple(v) || is_str(v) || is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY) ||
        is_kind(v, OBJ_RANGE))
        return true;
    return !is_kind(v, OBJ_CLASS) && op_special(vm, v, N___getitem__) != UNDEF;
}

/* Resolves the namespaces of eval/exec: the caller's when none is given,
 * locals defaulting to globals. A locals mapping that is not a dict is
 * copied into *copy, and written back by write_back. */
static bool namespaces(VM *vm, const char *fname, Value g, Value l, ObjDict **globals, ObjDict **locals, Value *mapping) {
    *mapping = UNDEF;
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
    if (is_dict(l)) {
        *locals = AS(ObjDict, l) == *globals ? NULL : AS(ObjDict, l);
        return true;
    }
    /* Another mapping: its items in a dict for the run. */
    ObjDict *d = dict_new(vm);
    if (!d) return false;
    if (!vm_push_root(vm, obj_val(d))) return false;
    Value keys = op_call_method(vm, l, vm_name(vm, N_keys), NULL, 0);
    ObjList *kl = keys == ERR ? NULL : op_to_list(vm, keys);
    bool ok = kl != NULL && vm_push_root(vm, obj_val(kl));
    for (int64_t i = 0; ok && i < kl->len; i++) {
        Value v = op_getitem(vm, l, kl->items[i]);
        ok = v != ERR && dict_set(vm, d, kl->items[i], v) == 0;
    }
    vm_pop_roots(vm, kl ? 2 : 1);
    if (!ok) return false;
    *locals = d;
    *mapping = l;
    return true;
}

/* Stores what the code changed in the copied namespace `d` back into the
 * mapping (`before` is the copy as it was). */
static bool write_back(VM *vm, ObjDict *d, ObjDict *before, Value mapping) {
    int64_t pos = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        Value old = dict_get(vm, before, k);
        if (old == ERR) return false;
        if (old != v && op_setitem(vm, mapping, k, v) < 0) return false;
    }
    return true;
}

static Value run(VM *vm, const char *fname, Value src, Value g, Value l, CompileMode mode) {
    ObjDict *globals, *locals = NULL, *before = NULL;
    Value mapping;
    if (!namespaces(vm, fname, g, l, &globals, &locals, &mapping)) return ERR;
    if (!vm_push_root(vm, locals ? obj_val(locals) : NONE_VAL)) return ERR;
    if (mapping != UNDEF && !(before = dict_copy(vm, locals))) { vm_pop_roots(vm, 1); return ERR; }
    if (!vm_push_root(vm, before ? obj_val(before) : NONE_VAL)) { vm_pop_roots(vm, 1); return ERR; }
    ObjCode *code = compile_value(vm, src, "<string>", mode, fname);
    Value r = ERR;
    if (code && !(code->flags & CODE_MODULE)) {
        /* A function's code needs the frame set-up a call does (cells, a
         * generator object), which this run does not make. */
        exc_raise(vm, E_TypeError, "%s() of a function's code object is not supported", fname);
    } else if (code && vm_push_root(vm, obj_val(code))) {
        r = interp_run_code(vm, code, globals, locals);
        vm_pop_roots(vm, 1);
    }
    if (r != ERR && before && !write_back(vm, locals, before, mapping)) r = ERR;
    vm_pop_roots(vm, 2);
    return r;
}

static Value b_eval(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "eval", nargs, kw, 1, 3)) return ERR;
    Value src = args[0];
    if (!is_str(src) && !is_kind(src, OBJ_BYTES) && !is_kind(src, OBJ_BYTEARRAY) && !is_kind(src, OBJ_CODE))
        return exc_raise(vm, E_TypeError, "eval() arg 1 must be a string, bytes or code object");
    return run(vm, "eval", src, nargs > 1 ? args[1] : UNDEF, nargs > 2 ? args[2] : UNDEF, COMPILE_EVAL);
}

static Value b_exec(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"closure", NULL};
    if (!args_kw_only(vm, "exec", kw, accepted)) return ERR;
    if (nargs < 1 || nargs > 3) {
        return nargs < 1 ? exc_raise(vm, E_TypeError, "exec() takes at least 1 positional argument (0 given)")
                         : exc_raise(vm, E_TypeError, "exec() takes at most 3 positional arguments (%d given)", nargs);
    }
    Value src = args[0];
    if (!is_str(src) && !is_kind(src, OBJ_BYTES) && !is_kind(src, OBJ_BYTEARRAY) && !is_kind(src, OBJ_CODE))
        return exc_raise(vm, E_TypeError, "exec() arg 1 must be a string, bytes or code object");
    Value r = run(vm, "exec", src, nargs > 1 ? args[1] : UNDEF, nargs > 2 ? args[2] : UNDEF, COMPILE_EXEC);
    return r == ERR ? ERR : NONE_VAL;
}

/* compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1):
 * flags and optimize are accepted and ignored (there is no ast module). */
static Value b_compile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize",
                                        "_feature_version"};
    Value a[7];
    if (!args_bind(vm, "compile", args, nargs, kw, names, 7, 6, 3, 0, a)) return ERR;
    size_t len;
    const char *text = source_text(vm, a[0], &len, "compile", "AST");
    if (!text) return ERR;
    Value fn = a[1];
    if (is_kind(fn, OBJ_BYTES)) fn = str_decode_utf8(vm, (const char *)AS(ObjBytes, fn)->data, (size_t)AS(ObjBytes, fn)->len, "replace");
    else if (!is_str(fn)) {
        Value p = op_getattr_opt(vm, fn, str_intern_cstr(vm, "__fspath__"));
        if (p == UNDEF) return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", fn);
        fn = p == ERR ? ERR : op_call0(vm, p);
    }
    if (fn == ERR) return ERR;
    if (!is_str(fn)) return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", fn);
    if (!is_str(a[2])) return exc_raise(vm, E_TypeError, "compile() argument 'mode' must be str, not %A", a[2]);
    const char *m = AS(ObjStr, a[2])->data;
    CompileMode mode = !strcmp(m, "exec") ? COMPILE_EXEC : !strcmp(m, "eval") ? COMPILE_EVAL : COMPILE_SINGLE;
    if (mode == COMPILE_SINGLE && strcmp(m, "single") != 0)
        return exc_raise(vm, E_ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    if (!vm_push_root(vm, fn)) return ERR;
    ObjCode *code = compile_string(vm, text, len, AS(ObjStr, fn)->data, mode);
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
