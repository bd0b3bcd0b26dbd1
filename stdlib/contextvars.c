/* The contextvars module (ContextVar, Token, Context, copy_context) and the
 * C API of contextvars.h, with which the asyncio scheduler runs each task in
 * a Context of its own.
 *
 * The four classes are made once per VM on first need (importing the
 * module, or a call of the C API) and kept in vm->context_types, so the
 * scheduler can make Contexts before any script imported contextvars.
 * vm->context is the current Context: UNDEF until a variable is first set
 * outside any entered Context, which then makes the empty root Context.
 * The objects are ObjIters without a next function:
 *
 *   Context     a  the variables: an ObjDict, ContextVar -> value
 *               b  while entered, the Context that was current before
 *               i  entered (1) or not (0)
 *               n  `a` may be shared with another Context: copy it before
 *                  writing (copy on write)
 *   ContextVar  a  the name (a str), b  the default (UNDEF: none)
 *   Token       a  the Context it was made in, b  the ContextVar,
 *               c  the value it replaced (UNDEF: the variable was unset),
 *               i  used by reset
 *   Token.MISSING  the only instance of its class, in Token's dict.
 *
 * Copy on write keeps copy_context O(1), which matters because the
 * scheduler copies a Context for every task. A shared dict is never
 * changed again, so iterators and views over a Context (which mark it
 * shared) see a snapshot, as CPython's immutable mappings do.
 *
 * No script code runs while a dict of variables is searched or changed:
 * ContextVars are final, hashed and compared by identity. Only run(),
 * __eq__ and repr call back into script code. */
#include <string.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "contextvars.h"
#include "modules.h"

enum { CT_CONTEXT, CT_VAR, CT_TOKEN, CT_MISSING };

static const char *const type_names[CONTEXT_NTYPES] = {"Context", "ContextVar", "Token", "MISSING"};

static bool is_type(VM *vm, Value v, int t) {
    return is_kind(v, OBJ_ITER) && vm->context_types[t] && as_obj(v)->cls == vm->context_types[t];
}

/* args[0] as an object of class t for method `name`, or NULL after
 * TypeError (the method called through the class with something else). */
static ObjIter *self_of(VM *vm, Value *args, int nargs, int t, const char *name) {
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "unbound method %s.%s() needs an argument", type_names[t], name);
        return NULL;
    }
    if (!is_type(vm, args[0], t)) {
        exc_raise(vm, E_TypeError, "descriptor '%s' for '_contextvars.%s' objects doesn't apply to a '%T' object", name,
                  type_names[t], args[0]);
        return NULL;
    }
    return AS(ObjIter, args[0]);
}

/* Raises cls(arg): LookupError(var) and KeyError(var) carry the variable. */
static Value raise_with(VM *vm, ExcId id, Value arg) {
    ObjTuple *t = tuple_from(vm, &arg, 1);
    Value e = t ? exc_new(vm, vm->exc_types[id], t) : ERR;
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* ---- Contexts ------------------------------------------------------------ */

/* A Context holding `vars` (shared with another Context), or an empty one. */
static ObjIter *context_new(VM *vm, ObjDict *vars) {
    ObjIter *c = iter_new(vm, vm->context_types[CT_CONTEXT], NULL);
    if (!c) return NULL;
    c->n = vars != NULL;
    if (!vars && !(vars = dict_new(vm))) return NULL;
    c->a = obj_val(vars);
    return c;
}

static ObjDict *vars_of(ObjIter *ctx) { return AS(ObjDict, ctx->a); }

/* The variables of ctx for something that keeps them beyond the call (an
 * iterator, a view, a copy): from now on, ctx copies them before writing. */
static ObjDict *vars_shared(ObjIter *ctx) {
    ctx->n = 1;
    return vars_of(ctx);
}

/* The variables of ctx, ready to be changed; NULL after MemoryError. */
static ObjDict *vars_for_write(VM *vm, ObjIter *ctx) {
    if (ctx->n) {
        ObjDict *d = dict_copy(vm, vars_of(ctx));
        if (!d) return NULL;
        ctx->a = obj_val(d);
        ctx->n = 0;
    }
    return vars_of(ctx);
}

static bool make_types(VM *vm);

/* The current Context, made (empty) on first need; NULL after MemoryError. */
static ObjIter *current_context(VM *vm) {
    if (vm->context == UNDEF) {
        ObjIter *c = make_types(vm) ? context_new(vm, NULL) : NULL;
        if (!c) return NULL;
        vm->context = obj_val(c);
    }
    return AS(ObjIter, vm->context);
}

Value context_copy_current(VM *vm) {
    if (!make_types(vm)) return ERR;
    ObjIter *c = context_new(vm, vm->context == UNDEF ? NULL : vars_shared(AS(ObjIter, vm->context)));
    return c ? obj_val(c) : ERR;
}

Value context_enter(VM *vm, Value ctx) {
    if (!is_type(vm, ctx, CT_CONTEXT)) return exc_raise(vm, E_TypeError, "an instance of Context was expected, got %T", ctx);
    ObjIter *c = AS(ObjIter, ctx);
    if (c->i) return exc_raise(vm, E_RuntimeError, "cannot enter context: %R is already entered", ctx);
    Value prev = vm->context;
    c->i = 1;
    c->b = prev;
    vm->context = ctx;
    return prev;
}

void context_exit(VM *vm, Value prev) {
    if (vm->context != UNDEF) {
        ObjIter *c = AS(ObjIter, vm->context);
        c->i = 0;
        c->b = UNDEF;
    }
    vm->context = prev;
}

/* Context() */
static Value ctx_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (nargs > 1 || (kw && kw->len)) return exc_raise(vm, E_TypeError, "Context() does not accept any arguments");
    ObjIter *c = context_new(vm, NULL);
    return c ? obj_val(c) : ERR;
}

/* The ContextVar key of a Context lookup, or false after TypeError. */
static bool check_key(VM *vm, Value key) {
    if (is_type(vm, key, CT_VAR)) return true;
    exc_raise(vm, E_TypeError, "a ContextVar key was expected, got %R", key);
    return false;
}

/* The one argument of a special method called directly. */
static bool one_arg(VM *vm, int nargs, ObjTuple *kw) {
    if (kw && kw->len) {
        exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1 + (int)kw->len);
        return false;
    }
    if (nargs == 2) return true;
    exc_raise(vm, E_TypeError, "expected 1 argument, got %d", nargs - 1);
    return false;
}

static Value ctx_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "__getitem__");
    if (!c || !one_arg(vm, nargs, kw) || !check_key(vm, args[1])) return ERR;
    Value v = dict_get(vm, vars_of(c), args[1]);
    return v == UNDEF ? raise_with(vm, E_KeyError, args[1]) : v;
}

static Value ctx_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "__contains__");
    if (!c || !one_arg(vm, nargs, kw) || !check_key(vm, args[1])) return ERR;
    Value v = dict_get(vm, vars_of(c), args[1]);
    return v == ERR ? ERR : bool_val(v != UNDEF);
}

static Value ctx_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "__len__");
    if (!c || !args_none(vm, "Context", "__len__", nargs, kw)) return ERR;
    return int_val(vars_of(c)->count);
}

static Value ctx_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "__iter__");
    if (!c || !args_none(vm, "Context", "__iter__", nargs, kw)) return ERR;
    return dict_iter(vm, vars_shared(c), T_DICT_KEYS);
}

/* Two Contexts are equal when they hold the same variables with equal values. */
static Value ctx_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "__eq__");
    if (!c || !one_arg(vm, nargs, kw)) return ERR;
    if (!is_type(vm, args[1], CT_CONTEXT)) return NOTIMPL_VAL;
    /* Values' __eq__ may set variables: sharing the dicts keeps them
     * unchanged, and the roots keep them alive if a Context drops them. */
    Value *root = vm_roots_open(vm, 2);
    if (!root) return ERR;
    root[0] = obj_val(vars_shared(c));
    root[1] = obj_val(vars_shared(AS(ObjIter, args[1])));
    Value r = op_compare(vm, CMP_EQ, root[0], root[1]);
    vm_pop_roots(vm, 2);
    return r;
}

/* Context.get(var, default=None, /) */
static Value ctx_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "get");
    if (!c) return ERR;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "Context.get() takes no keyword arguments");
    if (nargs < 2) return exc_raise(vm, E_TypeError, "get expected at least 1 argument, got 0");
    if (nargs > 3) return exc_raise(vm, E_TypeError, "get expected at most 2 arguments, got %d", nargs - 1);
    if (!check_key(vm, args[1])) return ERR;
    Value v = dict_get(vm, vars_of(c), args[1]);
    if (v != UNDEF) return v;
    return nargs == 3 ? args[2] : NONE_VAL;
}

static Value ctx_view(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, TypeId view) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, name);
    if (!c || !args_none(vm, "Context", name, nargs, kw)) return ERR;
    ObjIter *v = iter_new(vm, vm->types[view], NULL);
    if (!v) return ERR;
    v->a = obj_val(vars_shared(c));
    return obj_val(v);
}

static Value ctx_keys(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return ctx_view(vm, args, nargs, kw, "keys", T_DICT_KEYS);
}
static Value ctx_values(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return ctx_view(vm, args, nargs, kw, "values", T_DICT_VALUES);
}
static Value ctx_items(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return ctx_view(vm, args, nargs, kw, "items", T_DICT_ITEMS);
}

static Value ctx_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *c = self_of(vm, args, nargs, CT_CONTEXT, "copy");
    if (!c || !args_none(vm, "Context", "copy", nargs, kw)) return ERR;
    ObjIter *copy = context_new(vm, vars_shared(c));
    return copy ? obj_val(copy) : ERR;
}

/* Context.run(callable, *args, **kwargs): calls it with self current.
 * Entering stores the previous context in self, which the current context
 * (a root) keeps alive; the arguments live in the caller's frame. */
static Value ctx_run(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_of(vm, args, nargs, CT_CONTEXT, "run")) return ERR;
    if (nargs < 2) return exc_raise(vm, E_TypeError, "run() missing 1 required positional argument");
    Value prev = context_enter(vm, args[0]);
    if (prev == ERR) return ERR;
    Value r = op_call(vm, args[1], args + 2, nargs - 2, kw);
    context_exit(vm, prev);
    return r;
}

/* ---- ContextVar ---------------------------------------------------------- */

/* ContextVar(name, /, *, default=<none>) */
static Value var_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int npos = nargs - 1, nkw = kw ? (int)kw->len : 0;
    if (npos + nkw > 2) return exc_raise(vm, E_TypeError, "ContextVar() takes at most 2 arguments (%d given)", npos + nkw);
    if (npos > 1) return exc_raise(vm, E_TypeError, "ContextVar() takes at most 1 positional argument (%d given)", npos);
    Value def = UNDEF;
    for (int i = 0; i < nkw; i++) {
        ObjStr *k = AS(ObjStr, kw->items[i]);
        if (strcmp(k->data, "default") != 0)
            return exc_raise(vm, E_TypeError, "'%S' is an invalid keyword argument for ContextVar()", k);
        def = args[nargs + i];
    }
    if (npos < 1) return exc_raise(vm, E_TypeError, "ContextVar() takes exactly 1 positional argument (0 given)");
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "context variable name must be a str");
    ObjIter *v = iter_new(vm, vm->context_types[CT_VAR], NULL);
    if (!v) return ERR;
    v->a = args[1];
    v->b = def;
    return obj_val(v);
}

/* ContextVar.get([default]) */
static Value var_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *var = self_of(vm, args, nargs, CT_VAR, "get");
    if (!var) return ERR;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "ContextVar.get() takes no keyword arguments");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "get expected at most 1 argument, got %d", nargs - 1);
    if (vm->context != UNDEF) {
        Value v = dict_get(vm, vars_of(AS(ObjIter, vm->context)), args[0]);
        if (v != UNDEF) return v;
    }
    if (nargs == 2) return args[1];
    if (var->b != UNDEF) return var->b;
    return raise_with(vm, E_LookupError, args[0]);
}

/* For set and reset: exactly one positional argument. */
static bool var_one_arg(VM *vm, const char *name, int nargs, ObjTuple *kw) {
    if (kw && kw->len) {
        exc_raise(vm, E_TypeError, "ContextVar.%s() takes no keyword arguments", name);
        return false;
    }
    if (nargs == 2) return true;
    exc_raise(vm, E_TypeError, "ContextVar.%s() takes exactly one argument (%d given)", name, nargs - 1);
    return false;
}

/* ContextVar.set(value): a Token that reset() takes to undo it. */
static Value var_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_of(vm, args, nargs, CT_VAR, "set") || !var_one_arg(vm, "set", nargs, kw)) return ERR;
    ObjIter *ctx = current_context(vm);
    if (!ctx) return ERR;
    Value old = dict_get(vm, vars_of(ctx), args[0]);
    ObjIter *t = old != ERR ? iter_new(vm, vm->context_types[CT_TOKEN], NULL) : NULL;
    ObjDict *vars = t ? vars_for_write(vm, ctx) : NULL;
    if (!vars || dict_set(vm, vars, args[0], args[1]) < 0) return ERR;
    t->a = obj_val(ctx);
    t->b = args[0];
    t->c = old;
    return obj_val(t);
}

/* ContextVar.reset(token): restores the value the token's set() replaced. */
static Value var_reset(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!self_of(vm, args, nargs, CT_VAR, "reset") || !var_one_arg(vm, "reset", nargs, kw)) return ERR;
    Value tv = args[1];
    if (!is_type(vm, tv, CT_TOKEN)) return exc_raise(vm, E_TypeError, "expected an instance of Token, got %R", tv);
    ObjIter *t = AS(ObjIter, tv);
    if (t->i) return exc_raise(vm, E_RuntimeError, "%R has already been used once", tv);
    if (t->b != args[0]) return exc_raise(vm, E_ValueError, "%R was created by a different ContextVar", tv);
    if (t->a != vm->context) return exc_raise(vm, E_ValueError, "%R was created in a different Context", tv);
    t->i = 1;
    ObjDict *vars = vars_for_write(vm, AS(ObjIter, t->a));
    if (!vars) return ERR;
    if (t->c != UNDEF) return dict_set(vm, vars, args[0], t->c) < 0 ? ERR : NONE_VAL;
    int r = dict_del(vm, vars, args[0]);
    if (r < 0) return ERR;
    return r ? NONE_VAL : raise_with(vm, E_LookupError, args[0]);
}

static Value var_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjIter *var = self_of(vm, args, nargs, CT_VAR, "name");
    return var ? var->a : ERR;
}

static Value var_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjIter *var = self_of(vm, args, nargs, CT_VAR, "__repr__");
    if (!var) return ERR;
    StrBuf b = SB_INIT;
    sb_adds(&b, "<ContextVar name=");
    bool ok = op_repr_to(vm, var->a, &b);
    if (ok && var->b != UNDEF) {
        sb_adds(&b, " default=");
        ok = op_repr_to(vm, var->b, &b);
    }
    if (!ok) { sb_free(&b); return ERR; }
    sb_addf(&b, " at %p>", (void *)var);
    return str_from_buf(vm, &b);
}

/* ---- Token --------------------------------------------------------------- */

static Value token_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return exc_raise(vm, E_RuntimeError, "Tokens can only be created by ContextVars");
}

static Value token_var(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjIter *t = self_of(vm, args, nargs, CT_TOKEN, "var");
    return t ? t->b : ERR;
}

static Value token_old_value(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjIter *t = self_of(vm, args, nargs, CT_TOKEN, "old_value");
    if (!t) return ERR;
    if (t->c != UNDEF) return t->c;
    Value missing = dict_get_str(vm->context_types[CT_TOKEN]->dict, str_intern_cstr(vm, "MISSING"));
    return missing == UNDEF ? exc_raise(vm, E_RuntimeError, "Token.MISSING is gone") : missing;
}

static Value token_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjIter *t = self_of(vm, args, nargs, CT_TOKEN, "__repr__");
    if (!t) return ERR;
    StrBuf b = SB_INIT;
    sb_adds(&b, t->i ? "<Token used var=" : "<Token var=");
    if (!op_repr_to(vm, t->b, &b)) { sb_free(&b); return ERR; }
    sb_addf(&b, " at %p>", (void *)t);
    return str_from_buf(vm, &b);
}

static Value missing_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return exc_raise(vm, E_TypeError, "cannot create 'Token.MISSING' instances");
}

static Value missing_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return str_from_cstr(vm, "<Token.MISSING>");
}

/* ---- the classes and the module ----------------------------------------- */

typedef struct Method {
    const char *name;
    NativeFn fn;
    bool property;
} Method;

static const Method context_methods[] = {
    {"__new__", ctx_new, false}, {"__getitem__", ctx_getitem, false}, {"__contains__", ctx_contains, false},
    {"__len__", ctx_len, false}, {"__iter__", ctx_iter, false}, {"__eq__", ctx_eq, false},
    {"get", ctx_get, false}, {"keys", ctx_keys, false}, {"values", ctx_values, false},
    {"items", ctx_items, false}, {"copy", ctx_copy, false}, {"run", ctx_run, false}, {NULL, NULL, false},
};
static const Method var_methods[] = {
    {"__new__", var_new, false}, {"__repr__", var_repr, false}, {"get", var_get, false},
    {"set", var_set, false}, {"reset", var_reset, false}, {"name", var_name, true}, {NULL, NULL, false},
};
static const Method token_methods[] = {
    {"__new__", token_new, false}, {"__repr__", token_repr, false}, {"var", token_var, true},
    {"old_value", token_old_value, true}, {NULL, NULL, false},
};
static const Method missing_methods[] = {
    {"__new__", missing_new, false}, {"__repr__", missing_repr, false}, {NULL, NULL, false},
};

static bool add_methods(VM *vm, ObjClass *c, const Method *m) {
    for (; m->name; m++) {
        if (!m->property) {
            if (!class_add_native(vm, c, m->name, m->fn)) return false;
            continue;
        }
        ObjNative *n = native_new(vm, m->name, m->fn);
        ObjProperty *p = n ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_PROPERTY]) : NULL;
        if (!p) return false;
        p->fget = obj_val(n);
        p->fset = p->fdel = p->doc = NONE_VAL;
        if (dict_set_str(vm, c->dict, n->name, obj_val(p)) < 0) return false;
    }
    return true;
}

/* Makes the classes unless they exist; false after MemoryError. They are
 * stored only once complete (nothing collects meanwhile: no safe point). */
static bool make_types(VM *vm) {
    if (vm->context_types[CT_CONTEXT]) return true;
    static const Method *const methods[CONTEXT_NTYPES] = {context_methods, var_methods, token_methods, missing_methods};
    Value mod = str_from_cstr(vm, "_contextvars"), token_mod = str_from_cstr(vm, "Token");
    if (mod == ERR || token_mod == ERR) return false;
    ObjClass *c[CONTEXT_NTYPES];
    for (int t = 0; t < CONTEXT_NTYPES; t++) {
        c[t] = class_new_builtin(vm, type_names[t], vm->types[T_OBJECT], OBJ_ITER);
        if (!c[t] || !add_methods(vm, c[t], methods[t])) return false;
        /* type(Token.MISSING) is <class 'Token.MISSING'>, as in CPython. */
        c[t]->module = t == CT_MISSING ? token_mod : mod;
    }
    /* Contexts are mutable mappings underneath: unhashable, as CPython's. */
    if (dict_set_str(vm, c[CT_CONTEXT]->dict, vm_name(vm, N___hash__), NONE_VAL) < 0) return false;
    ObjIter *missing = iter_new(vm, c[CT_MISSING], NULL);
    ObjStr *mname = missing ? str_intern_cstr(vm, "MISSING") : NULL;
    if (!mname || dict_set_str(vm, c[CT_TOKEN]->dict, mname, obj_val(missing)) < 0) return false;
    if (!class_add_generic(vm, c[CT_VAR]) || !class_add_generic(vm, c[CT_TOKEN])) return false;
    for (int t = 0; t < CONTEXT_NTYPES; t++) vm->context_types[t] = c[t];
    return true;
}

/* copy_context() */
static Value cv_copy_context(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "_contextvars.copy_context() takes no keyword arguments");
    if (nargs) return exc_raise(vm, E_TypeError, "_contextvars.copy_context() takes no arguments (%d given)", nargs);
    return context_copy_current(vm);
}

bool mod_contextvars_init(VM *vm, ObjModule *m) {
    if (!make_types(vm)) return false;
    static const char *const all[] = {"Context", "ContextVar", "Token", "copy_context"};
    ObjTuple *names = tuple_new(vm, 4);
    if (!names) return false;
    for (int i = 0; i < 4; i++) {
        ObjStr *s = str_intern_cstr(vm, all[i]);
        if (!s) return false;
        names->items[i] = obj_val(s);
    }
    return module_add_value(vm, m, "Context", obj_val(vm->context_types[CT_CONTEXT])) &&
           module_add_value(vm, m, "ContextVar", obj_val(vm->context_types[CT_VAR])) &&
           module_add_value(vm, m, "Token", obj_val(vm->context_types[CT_TOKEN])) &&
           module_add_native(vm, m, "copy_context", cv_copy_context) &&
           module_add_value(vm, m, "__all__", obj_val(names));
}
