/* Scope analysis (see symtable.h): one walk over the AST records what each
 * scope does with each name, then a resolution pass decides where each name
 * lives, as CPython's symtable.c does. */
#include "symtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/str.h"

typedef struct ST {
    VM *vm;
    AstArena *arena;
    SymError *err;
    bool failed;
    Scope *cur;
    Scope *top;             /* the module's scope */
    int nesting;            /* C recursion depth of the walk */
    int future_line;        /* the line of the last valid `from __future__` import, or -1 */
    bool future_annotations;    /* `from __future__ import annotations`: they stay text */
    int detached;           /* > 0: scopes made now are not the code generator's */
    Node later_at;          /* the first error of CPython's compiler (line 0: none) */
    const char *later_msg;
} ST;

/* A SyntaxError spanning node n, as CPython's symbol table reports it. */
static void st_error(ST *st, const Node *n, const char *fmt, const char *name) {
    if (st->failed) return;
    st->failed = true;
    snprintf(st->err->msg, sizeof st->err->msg, fmt, name);
    st->err->line = n ? n->line : 1;
    st->err->col = n ? n->col : 0;
    st->err->end_line = n ? n->end_line : 1;
    st->err->end_col = n ? n->end_col : 1;
}

static void st_nomem(ST *st) {
    if (st->failed) return;
    st->failed = true;
    st->err->msg[0] = 0;
}

static bool grow(ST *st, void **p, int *cap, int n, size_t size) {
    if (n < *cap) return true;
    int ncap = *cap ? *cap * 2 : 8;
    void *q = ast_alloc(st->arena, (size_t)ncap * size);
    if (!q) { st_nomem(st); return false; }
    if (*p) memcpy(q, *p, (size_t)n * size);
    *p = q;
    *cap = ncap;
    return true;
}

ObjStr *scope_mangle(VM *vm, Scope *s, const char *name) {
    const char *cls = s ? s->private_name : NULL;
    size_t len = strlen(name);
    if (!cls || len < 3 || name[0] != '_' || name[1] != '_' || (name[len - 1] == '_' && name[len - 2] == '_') ||
        strchr(name, '.'))
        return str_intern_cstr(vm, name);
    while (*cls == '_') cls++;
    if (!*cls) return str_intern_cstr(vm, name);
    size_t clen = strlen(cls);
    char buf[512];
    char *m = clen + len + 2 <= sizeof buf ? buf : malloc(clen + len + 2);
    if (!m) return NULL;
    m[0] = '_';
    memcpy(m + 1, cls, clen);
    memcpy(m + 1 + clen, name, len + 1);
    ObjStr *r = str_intern(vm, m, clen + len + 1);
    if (m != buf) free(m);
    return r;
}

/* Identifiers of the current scope go through the mangling. */
static ObjStr *intern(ST *st, const char *s) {
    ObjStr *r = scope_mangle(st->vm, st->cur, s);
    if (!r) st_nomem(st);
    return r;
}

/* Names are interned: a symbol is found by its name's address. */
static size_t name_slot(const ObjStr *name, int cap) {
    return (size_t)(((uintptr_t)name >> 4) * 0x9E3779B97F4A7C15u) & (size_t)(cap - 1);
}

Symbol *scope_lookup(Scope *s, ObjStr *name) {
    if (s->sym_index) {
        for (size_t k = name_slot(name, s->sym_index_cap);; k = (k + 1) & (size_t)(s->sym_index_cap - 1)) {
            int i = s->sym_index[k];
            if (!i) return NULL;
            if (s->syms[i - 1].name == name) return &s->syms[i - 1];
        }
    }
    for (int i = 0; i < s->nsyms; i++) {
        if (s->syms[i].name == name) return &s->syms[i];
    }
    return NULL;
}

/* Scopes with more than this many names get a hash index (a function of
 * 65536 locals would otherwise take quadratic time to compile). */
enum { SYM_INDEX_FROM = 32 };

static bool index_sym(ST *st, Scope *s) {
    if (s->nsyms < SYM_INDEX_FROM) return true;
    if (s->nsyms * 2 > s->sym_index_cap) {
        int cap = s->sym_index_cap ? s->sym_index_cap * 2 : 4 * SYM_INDEX_FROM;
        int *t = ast_alloc(st->arena, (size_t)cap * sizeof *t);     /* (zeroed) */
        if (!t) { st_nomem(st); return false; }
        s->sym_index = t, s->sym_index_cap = cap;
        for (int i = 0; i < s->nsyms; i++) {
            size_t k = name_slot(s->syms[i].name, cap);
            while (t[k]) k = (k + 1) & (size_t)(cap - 1);
            t[k] = i + 1;
        }
        return true;
    }
    size_t k = name_slot(s->syms[s->nsyms - 1].name, s->sym_index_cap);
    while (s->sym_index[k]) k = (k + 1) & (size_t)(s->sym_index_cap - 1);
    s->sym_index[k] = s->nsyms;
    return true;
}

static Symbol *add_sym(ST *st, Scope *s, ObjStr *name, int flags) {
    if (!name) return NULL;
    Symbol *sym = scope_lookup(s, name);
    if (sym) { sym->flags |= flags; return sym; }
    if (!grow(st, (void **)&s->syms, &s->capsyms, s->nsyms, sizeof(Symbol))) return NULL;
    sym = &s->syms[s->nsyms++];
    *sym = (Symbol){.name = name, .flags = flags, .kind = NAME_GLOBAL_IMPLICIT, .index = -1};
    if (!index_sym(st, s)) return NULL;
    return &s->syms[s->nsyms - 1];
}

static Scope *new_scope(ST *st, ScopeKind kind, Node *node) {
    int depth = 0;
    for (Scope *p = st->cur; p; p = p->parent) depth++;
    if (depth > COMPILE_MAX_SCOPES) {
        st->failed = true;
        st->err->too_deep = true;
        return NULL;
    }
    Scope *s = ast_alloc(st->arena, sizeof(Scope));
    if (!s) { st_nomem(st); return NULL; }
    s->kind = kind;
    s->node = node;
    s->parent = st->cur;
    /* A lambda or comprehension inside a comprehension's iterable is part
     * of that iterable: no walrus anywhere in it (as CPython's symtable). */
    s->comp_iter = st->cur ? st->cur->comp_iter : 0;
    /* A class body mangles with its own name; functions inherit theirs. */
    s->private_name = kind == SCOPE_CLASS ? node->u.cls.name : st->cur ? st->cur->private_name : NULL;
    if (st->cur && !st->detached) {
        Scope *p = st->cur;
        if (!grow(st, (void **)&p->children, &p->capchildren, p->nchildren, sizeof(Scope *))) return NULL;
        p->children[p->nchildren++] = s;
    }
    return s;
}

static bool is_future_import(const Node *s) {
    return s->kind == S_IMPORTFROM && s->u.import.module && !strcmp(s->u.import.module, "__future__");
}

static void visit_expr(ST *st, Node *n);
static void visit_stmts(ST *st, NodeList *l);
static void visit_pattern(ST *st, Node *p);

static void visit_list(ST *st, NodeList *l) {
    for (int i = 0; i < l->n && !st->failed; i++) visit_expr(st, l->items[i]);
}

static void use_name(ST *st, Node *n, const char *name) {
    ObjStr *s = intern(st, name);
    add_sym(st, st->cur, s, SYM_USED);
    if (st->cur->kind == SCOPE_FUNCTION && (!strcmp(name, "super") || !strcmp(name, "__class__")))
        st->cur->uses_class_cell = true;
    (void)n;
}

/* An error CPython's compiler reports, after all the symbol table's: the
 * first one is noted and raised only if the walk finds nothing else. */
static void later_error(ST *st, const Node *at, const char *msg) {
    if (st->later_at.line || !at) return;
    st->later_at = *at;
    st->later_msg = msg;
}

/* `__debug__` cannot be bound or deleted (a check of CPython's compiler). */
static void check_debug(ST *st, const Node *at, const char *name, bool del) {
    if (strcmp(name, "__debug__") == 0) later_error(st, at, del ? "cannot delete __debug__" : "cannot assign to __debug__");
}

static void check_debug_at(ST *st, int line, int col, const char *name) {
    Node at = {.line = line, .col = col, .end_line = line, .end_col = col + 1};
    check_debug(st, &at, name, false);
}

/* Binds a name in the current scope; an import's binding does not count
 * as one for the checks of `global` (CPython's DEF_IMPORT). */
static void bind_flags(ST *st, const char *name, int flags) {
    add_sym(st, st->cur, intern(st, name), SYM_ASSIGNED | flags);
}

static void bind_name(ST *st, Node *n, const char *name) {
    check_debug(st, n, name, n && n->kind == E_NAME && n->ctx == CTX_DEL);
    bind_flags(st, name, SYM_BOUND);
}

/* The names a `del` target unbinds (the compiler's augmented assignment
 * needs to know which locals may become unbound). */
static void mark_unbound(ST *st, Node *t) {
    if (t->kind == E_NAME) bind_flags(st, t->u.name, SYM_UNBINDS);
    if (t->kind != E_TUPLE && t->kind != E_LIST) return;
    for (int i = 0; i < t->u.seq.elts.n; i++) mark_unbound(st, t->u.seq.elts.items[i]);
}

/* Assignment targets: names bind; attributes and subscripts only use. */
static void visit_target(ST *st, Node *t) {
    switch (t->kind) {
    case E_NAME: bind_name(st, t, t->u.name); break;
    case E_TUPLE: case E_LIST:
        for (int i = 0; i < t->u.seq.elts.n; i++) visit_target(st, t->u.seq.elts.items[i]);
        break;
    case E_STARRED: visit_target(st, t->u.starred.value); break;
    default: visit_expr(st, t); break;
    }
}

/* A comprehension's later `for x` may not bind a name that an earlier
 * `x := ...` in it assigned in the enclosing scope. */
static void check_inner_loop(ST *st, Node *t) {
    if (st->failed) return;
    switch (t->kind) {
    case E_NAME: {
        Symbol *sym = scope_lookup(st->cur, intern(st, t->u.name));
        if (sym && (sym->flags & (SYM_NONLOCAL | SYM_GLOBAL)))
            st_error(st, t, "comprehension inner loop cannot rebind assignment expression target '%s'", t->u.name);
        break;
    }
    case E_TUPLE: case E_LIST:
        for (int i = 0; i < t->u.seq.elts.n; i++) check_inner_loop(st, t->u.seq.elts.items[i]);
        break;
    case E_STARRED: check_inner_loop(st, t->u.starred.value); break;
    default: break;
    }
}

/* The parser reports parameters written twice; two that are one name
 * once mangled (`__x` and `_A__x` in class A) are found here. */
static void add_param(ST *st, const Param *p) {
    ObjStr *name = intern(st, p->name);
    Symbol *old = name ? scope_lookup(st->cur, name) : NULL;
    if (old && (old->flags & SYM_PARAM)) {
        Node at = {.line = p->line, .col = p->col, .end_line = p->line, .end_col = p->col + (int)strlen(p->name)};
        st_error(st, &at, "duplicate argument '%s' in function definition", p->name);
        return;
    }
    add_sym(st, st->cur, name, SYM_PARAM | SYM_ASSIGNED);
}

/* 3.12 reports a parameter named __debug__ at the parameter: its name and
 * annotation. */
static void check_debug_param(ST *st, const Param *p) {
    Node at = {.line = p->line, .col = p->col, .end_line = p->line, .end_col = p->col + (int)strlen(p->name)};
    if (p->annotation) {
        at.end_line = p->annotation->end_line;
        at.end_col = p->annotation->end_col;
    }
    check_debug(st, &at, p->name, false);
}

/* ... and a keyword argument at the keyword, its value included. */
static void check_debug_keyword(ST *st, const Keyword *k) {
    if (!k->name) return;
    Node at = {.line = k->line, .col = k->col, .end_line = k->value->end_line, .end_col = k->value->end_col};
    check_debug(st, &at, k->name, false);
}

static void visit_params(ST *st, ParamList *p) {
    for (int i = 0; i < p->n; i++) check_debug_param(st, &p->params[i]);
    if (p->vararg) check_debug_param(st, p->vararg);
    if (p->kwarg) check_debug_param(st, p->kwarg);
    for (int i = 0; i < p->n; i++) add_param(st, &p->params[i]);
    if (p->vararg) add_param(st, p->vararg);
    if (p->kwarg) add_param(st, p->kwarg);
}

static void visit_defaults(ST *st, ParamList *p) {
    for (int i = 0; i < p->n && !st->failed; i++) {
        if (p->params[i].default_) visit_expr(st, p->params[i].default_);
    }
}

/* The scope of a def or lambda (its defaults are the caller's). */
static void visit_function_scope(ST *st, Node *n, ParamList *params, bool is_async) {
    Scope *s = new_scope(st, SCOPE_FUNCTION, n);
    if (!s) return;
    s->is_lambda = n->kind == E_LAMBDA;
    s->is_coroutine = is_async;
    Scope *saved = st->cur;
    st->cur = s;
    visit_params(st, params);
    if (n->kind == E_LAMBDA) visit_expr(st, n->u.lambda.body);
    else visit_stmts(st, &n->u.def.body);
    st->cur = saved;
}

/* A def or lambda: defaults in the enclosing scope, then a new scope. */
static void visit_function(ST *st, Node *n, ParamList *params, bool is_async) {
    visit_defaults(st, params);
    visit_function_scope(st, n, params, is_async);
}

/* A comprehension's iterable, in which `:=` may not appear. */
static void visit_comp_iter(ST *st, Node *iter) {
    st->cur->comp_iter++;
    visit_expr(st, iter);
    st->cur->comp_iter--;
}

/* CPython 3.12 refuses lambdas and comprehensions in an annotation scope
 * that sees a class's namespace (gh-109118). */
static bool class_annotation_forbids(ST *st, Node *n, const char *what) {
    if (!st->cur->can_see_class) return false;
    st_error(st, n, "Cannot use %s in annotation scope within class scope", what);
    return true;
}

static void visit_comprehension(ST *st, Node *n) {
    Comprehension *g = n->u.comp.generators;
    if (class_annotation_forbids(st, n, "comprehension")) return;
    visit_comp_iter(st, g[0].iter);     /* the first iterable runs outside */
    Scope *s = new_scope(st, SCOPE_FUNCTION, n);
    if (!s) return;
    s->is_comprehension = true;
    s->is_generator = n->kind == E_GENEXP;
    Scope *saved = st->cur;
    st->cur = s;
    add_sym(st, s, intern(st, ".0"), SYM_PARAM | SYM_ASSIGNED);
    for (int i = 0; i < n->u.comp.ngenerators && !st->failed; i++) {
        if (g[i].is_async) s->is_coroutine = true;
        if (i > 0) visit_comp_iter(st, g[i].iter);
        check_inner_loop(st, g[i].target);
        visit_target(st, g[i].target);
        visit_list(st, &g[i].ifs);
    }
    visit_expr(st, n->u.comp.elt);
    if (n->u.comp.value) visit_expr(st, n->u.comp.value);
    st->cur = saved;
    /* An async list/set/dict comprehension is awaited where it is made, so
     * an enclosing comprehension becomes async too (as in CPython). */
    if (s->is_coroutine && !s->is_generator && saved->is_comprehension) saved->is_coroutine = true;
}

/* `x := v` inside comprehensions binds x in the enclosing function. */
static void visit_named(ST *st, Node *n) {
    if (st->cur->comp_iter > 0) {
        st_error(st, n, "assignment expression cannot be used in a comprehension iterable expression%s", "");
        return;
    }
    visit_expr(st, n->u.named.value);
    const char *name = n->u.named.target->u.name;
    Scope *s = st->cur;
    check_debug(st, n->u.named.target, name, false);
    if (!s->is_comprehension) {
        bind_name(st, n, name);
        bind_flags(st, name, SYM_WALRUS);
        return;
    }
    ObjStr *iname = intern(st, name);
    while (s->is_comprehension) {
        Symbol *sym = scope_lookup(s, iname);
        if (sym && (sym->flags & SYM_ASSIGNED) && !(sym->flags & SYM_NONLOCAL)) {
            st_error(st, n->u.named.target, "assignment expression cannot rebind comprehension iteration variable '%s'", name);
            return;
        }
        s = s->parent;
    }
    if (s->kind == SCOPE_CLASS) {
        st_error(st, n->u.named.target, "assignment expression within a comprehension cannot be used in a class body%s", "");
        return;
    }
    if (s->is_annotation) {     /* a type alias, a TypeVar bound, a generic's bases or signature */
        char msg[120];
        snprintf(msg, sizeof msg, "assignment expression within a comprehension cannot be used %s %s",
                 strcmp(s->annot_what, "the definition of a generic") ? "in" : "within", s->annot_what);
        st_error(st, n->u.named.target, "%s", msg);
        return;
    }
    /* The target is global in the comprehension when it is in the function
     * too: at module level, or declared `global` there. */
    Symbol *target = scope_lookup(s, iname);
    bool global = s->kind == SCOPE_MODULE || (target && (target->flags & SYM_GLOBAL));
    int flag = global ? SYM_GLOBAL : SYM_NONLOCAL;
    for (Scope *c = st->cur; c != s; c = c->parent) add_sym(st, c, iname, flag | SYM_USED);
    add_sym(st, s, iname, SYM_ASSIGNED | SYM_WALRUS);
}

static void visit_expr_inner(ST *st, Node *n);

static void visit_expr(ST *st, Node *n) {
    if (!n || st->failed) return;
    if (st->nesting >= COMPILE_MAX_NESTING) {
        st->failed = true;
        st->err->too_deep = true;
        return;
    }
    st->nesting++;
    visit_expr_inner(st, n);
    st->nesting--;
}

/* yield, await and := cannot appear in an annotation scope (PEP 695). */
static bool annotation_forbids(ST *st, Node *n, const char *what) {
    if (!st->cur->is_annotation) return false;
    char msg[120];
    snprintf(msg, sizeof msg, "%s cannot be used within %s", what, st->cur->annot_what);
    st_error(st, n, "%s", msg);
    return true;
}

static void visit_expr_inner(ST *st, Node *n) {
    switch (n->kind) {
    case E_NAME:
        if (n->ctx == CTX_LOAD) use_name(st, n, n->u.name);
        else bind_name(st, n, n->u.name);
        break;
    case E_INT: case E_FLOAT: case E_IMAG: case E_STR: case E_BYTES: case E_NONE: case E_TRUE: case E_FALSE:
    case E_ELLIPSIS:
        break;
    case E_FSTRING: visit_list(st, &n->u.list); break;
    case E_FORMATTED: visit_expr(st, n->u.formatted.value); visit_expr(st, n->u.formatted.spec); break;
    case E_BINOP: visit_expr(st, n->u.binop.left); visit_expr(st, n->u.binop.right); break;
    case E_UNARY: visit_expr(st, n->u.unary.operand); break;
    case E_BOOLOP: visit_list(st, &n->u.boolop.values); break;
    case E_COMPARE: visit_expr(st, n->u.compare.left); visit_list(st, &n->u.compare.comparators); break;
    case E_IFEXP:
        visit_expr(st, n->u.ifexp.test); visit_expr(st, n->u.ifexp.body); visit_expr(st, n->u.ifexp.orelse);
        break;
    case E_LAMBDA:
        if (!class_annotation_forbids(st, n, "lambda")) visit_function(st, n, &n->u.lambda.params, false);
        break;
    case E_CALL:
        visit_expr(st, n->u.call.func);
        visit_list(st, &n->u.call.args);
        for (int i = 0; i < n->u.call.nkeywords; i++) {
            check_debug_keyword(st, &n->u.call.keywords[i]);
            visit_expr(st, n->u.call.keywords[i].value);
        }
        break;
    case E_ATTR:
        if (n->ctx != CTX_LOAD) check_debug(st, n, n->u.attr.name, n->ctx == CTX_DEL);
        visit_expr(st, n->u.attr.value);
        break;
    case E_SUBSCRIPT: visit_expr(st, n->u.subscript.value); visit_expr(st, n->u.subscript.index); break;
    case E_SLICE:
        visit_expr(st, n->u.slice.lower); visit_expr(st, n->u.slice.upper); visit_expr(st, n->u.slice.step);
        break;
    case E_STARRED:
        if (n->ctx != CTX_LOAD) visit_target(st, n->u.starred.value);
        else visit_expr(st, n->u.starred.value);
        break;
    case E_TUPLE: case E_LIST: case E_SET:
        if (n->ctx != CTX_LOAD) visit_target(st, n);
        else visit_list(st, &n->u.seq.elts);
        break;
    case E_DICT:
        for (int i = 0; i < n->u.dict.keys.n; i++) {
            visit_expr(st, n->u.dict.keys.items[i]);
            visit_expr(st, n->u.dict.values.items[i]);
        }
        break;
    case E_LISTCOMP: case E_SETCOMP: case E_DICTCOMP: case E_GENEXP: visit_comprehension(st, n); break;
    case E_NAMEDEXPR:
        if (annotation_forbids(st, n, "named expression")) return;
        visit_named(st, n);
        break;
    case E_AWAIT:
        if (annotation_forbids(st, n, "await expression")) return;
        visit_expr(st, n->u.value.value);
        if (st->cur->is_comprehension) st->cur->is_coroutine = true;   /* an async comprehension */
        break;
    case E_YIELD: case E_YIELDFROM:
        if (annotation_forbids(st, n, "yield expression")) return;
        if (st->cur->kind == SCOPE_FUNCTION) {
            if (st->cur->is_comprehension) {
                NodeKind k = st->cur->node->kind;
                st_error(st, n, "'yield' inside %s", k == E_LISTCOMP ? "list comprehension"
                                                   : k == E_SETCOMP ? "set comprehension"
                                                   : k == E_DICTCOMP ? "dict comprehension" : "generator expression");
                return;
            }
            st->cur->is_generator = true;
        }
        visit_expr(st, n->u.value.value);
        break;
    default:
        break;
    }
}

/* `global` and `nonlocal`, with CPython's checks in its order. A name
 * declared both ways is reported at its first declaration. */
static void declare(ST *st, Node *n, bool global) {
    const char *what = global ? "global" : "nonlocal";
    char fmt[80];
    for (int i = 0; i < n->u.names.n; i++) {
        const char *name = n->u.names.names[i];
        ObjStr *s = intern(st, name);
        if (!s) return;
        if (!global && st->cur->kind == SCOPE_MODULE) {
            st_error(st, n, "nonlocal declaration not allowed at module level%s", "");
            return;
        }
        Symbol *sym = scope_lookup(st->cur, s);
        int f = sym ? sym->flags : 0;
        const char *why = f & SYM_PARAM ? "name '%%s' is parameter and %s"
                        : f & SYM_USED ? "name '%%s' is used prior to %s declaration"
                        : f & SYM_ANNOT ? "annotated name '%%s' can't be %s"
                        : f & SYM_BOUND ? "name '%%s' is assigned to before %s declaration" : NULL;
        if (why) {
            snprintf(fmt, sizeof fmt, why, what);
            st_error(st, n, fmt, name);
            return;
        }
        if (f & (global ? SYM_NONLOCAL : SYM_GLOBAL)) {
            st_error(st, sym->directive, "name '%s' is nonlocal and global", name);
            return;
        }
        Symbol *d = add_sym(st, st->cur, s, global ? SYM_GLOBAL : SYM_NONLOCAL);
        if (d && !d->directive) d->directive = n;
        /* As in CPython, a global declaration anywhere makes the module's
         * own code use the globals for that name too (which differs from
         * its locals under exec(code, globals, locals)). */
        if (d && global && st->cur != st->top && !add_sym(st, st->top, s, SYM_GLOBAL)) return;
    }
}

/* `x: int` inside a function, where x is declared global or nonlocal. */
static void annotate_name(ST *st, Node *n) {
    const char *name = n->u.annassign.target->u.name;
    Symbol *sym = scope_lookup(st->cur, intern(st, name));
    int f = sym ? sym->flags : 0;
    if ((f & (SYM_GLOBAL | SYM_NONLOCAL)) && st->cur->kind != SCOPE_MODULE) {
        st_error(st, n, f & SYM_GLOBAL ? "annotated name '%s' can't be global" : "annotated name '%s' can't be nonlocal",
                 name);
        return;
    }
    add_sym(st, st->cur, intern(st, name), SYM_ANNOT);
}

/* An annotation compile.c keeps as text (`from __future__ import
 * annotations`) is still checked, but the lambdas and comprehensions in it
 * are never compiled: their scopes stay out of the children's order. */
static void visit_text_annotation(ST *st, Node *a) {
    st->detached += st->future_annotations;
    visit_expr(st, a);
    st->detached -= st->future_annotations;
}

static void visit_annotation(ST *st, Node *a) {
    /* Only module and class level annotations are evaluated. */
    if (st->cur->kind != SCOPE_FUNCTION) visit_text_annotation(st, a);
}

/* ---- PEP 695: type parameters and annotation scopes ---- */

/* Enters a new annotation scope: a function the code generator calls at
 * once, where type parameters are locals that inner scopes capture. */
static Scope *enter_annotation_scope(ST *st, Node *n, const char *what) {
    Scope *s = new_scope(st, SCOPE_FUNCTION, n);
    if (!s) return NULL;
    s->is_annotation = true;
    s->annot_what = what;
    /* In a class body, an annotation scope (and the ones in it) looks a
     * name up in the class's namespace before the globals: it captures the
     * namespace as the class's __classdict__ cell. */
    Scope *p = s->parent;
    s->can_see_class = p->kind == SCOPE_CLASS || (p->is_annotation && p->can_see_class);
    if (s->can_see_class) add_sym(st, s, intern(st, "__classdict__"), SYM_USED);
    st->cur = s;
    return s;
}

/* Binds the type parameters in the current (annotation) scope, each bound
 * or constraint tuple in a lazily evaluated scope of its own, then the
 * tuple of them all, `.type_params`. */
static void visit_type_params(ST *st, NodeList *tps) {
    for (int i = 0; i < tps->n && !st->failed; i++) {
        Node *tp = tps->items[i];
        const char *name = tp->u.typeparam.name;
        Symbol *sym = scope_lookup(st->cur, intern(st, name));
        if (sym && (sym->flags & SYM_ASSIGNED)) {
            st_error(st, tp, "duplicate type parameter '%s'", name);
            return;
        }
        bind_name(st, tp, name);
        Node *bound = tp->u.typeparam.bound;
        if (!bound) continue;
        Scope *saved = st->cur;
        if (!enter_annotation_scope(st, tp, "a TypeVar bound"))
            return;
        visit_expr(st, bound);
        st->cur = saved;
    }
    bind_name(st, NULL, ".type_params");
}

static bool has_defaults(ParamList *p, bool keyword_only) {
    for (int i = keyword_only ? p->npos : 0; i < (keyword_only ? p->n : p->npos); i++)
        if (p->params[i].default_) return true;
    return false;
}

static void visit_def_annotations(ST *st, Node *n) {
    ParamList *p = &n->u.def.params;
    for (int i = 0; i < p->n && !st->failed; i++)
        if (p->params[i].annotation) visit_text_annotation(st, p->params[i].annotation);
    if (p->vararg && p->vararg->annotation) visit_text_annotation(st, p->vararg->annotation);
    if (p->kwarg && p->kwarg->annotation) visit_text_annotation(st, p->kwarg->annotation);
    if (n->u.def.returns) visit_text_annotation(st, n->u.def.returns);
}

/* `def f[T](...)`: an annotation scope holds the type parameters, takes the
 * defaults (evaluated outside) as arguments, and makes the function; the
 * annotations run in it. The order of the child scopes is the order in
 * which compile.c makes them. */
static void visit_generic_def(ST *st, Node *n) {
    Scope *saved = st->cur;
    ParamList *p = &n->u.def.params;
    if (!enter_annotation_scope(st, n, "the definition of a generic")) return;
    if (has_defaults(p, false)) add_sym(st, st->cur, intern(st, ".defaults"), SYM_PARAM | SYM_ASSIGNED);
    if (has_defaults(p, true)) add_sym(st, st->cur, intern(st, ".kwdefaults"), SYM_PARAM | SYM_ASSIGNED);
    visit_type_params(st, &n->u.def.type_params);
    visit_function_scope(st, n, p, n->u.def.is_async);
    visit_def_annotations(st, n);
    st->cur = saved;
    visit_defaults(st, p);
}

static void visit_class_scope(ST *st, Node *n, bool generic) {
    Scope *s = new_scope(st, SCOPE_CLASS, n);
    if (!s) return;
    Scope *saved = st->cur;
    st->cur = s;
    /* A generic class's body stores __type_params__ first. */
    if (generic) add_sym(st, s, intern(st, ".type_params"), SYM_USED);
    visit_stmts(st, &n->u.cls.body);
    st->cur = saved;
}

static void visit_class_bases(ST *st, Node *n) {
    visit_list(st, &n->u.cls.bases);
    for (int i = 0; i < n->u.cls.nkeywords; i++) {
        check_debug_keyword(st, &n->u.cls.keywords[i]);
        visit_expr(st, n->u.cls.keywords[i].value);
    }
}

/* `type X[T] = value`: the value is evaluated lazily, in an annotation
 * scope of its own, inside the one of the type parameters if any. */
static void visit_type_alias(ST *st, Node *n) {
    Scope *saved = st->cur;
    if (n->u.typealias.type_params.n) {
        if (!enter_annotation_scope(st, n, "the definition of a generic")) return;
        visit_type_params(st, &n->u.typealias.type_params);
    }
    if (enter_annotation_scope(st, n, "a type alias")) visit_expr(st, n->u.typealias.value);
    st->cur = saved;
    bind_name(st, n, n->u.typealias.name);
}

static void visit_stmt_inner(ST *st, Node *n);

/* Statements count in the nesting as expressions do, as in CPython. */
static void visit_stmt(ST *st, Node *n) {
    if (!n || st->failed) return;
    if (st->nesting >= COMPILE_MAX_NESTING) {
        st->failed = true;
        st->err->too_deep = true;
        return;
    }
    st->nesting++;
    visit_stmt_inner(st, n);
    st->nesting--;
}

static void visit_stmt_inner(ST *st, Node *n) {
    switch (n->kind) {
    case S_EXPR: case S_RETURN: visit_expr(st, n->u.value.value); break;
    case S_ASSIGN:
        visit_expr(st, n->u.assign.value);
        for (int i = 0; i < n->u.assign.targets.n; i++) visit_target(st, n->u.assign.targets.items[i]);
        break;
    case S_AUGASSIGN:
        /* A name is only bound here, not used, for CPython's global checks.
         * The target before the value, as compile.c evaluates a[i] += v,
         * so that the child scopes (lambdas, comprehensions) in i and v
         * come in the order the code generator meets them. */
        visit_target(st, n->u.augassign.target);
        visit_expr(st, n->u.augassign.value);
        break;
    case S_ANNASSIGN:
        if (n->u.annassign.simple) {
            check_debug(st, n->u.annassign.target, n->u.annassign.target->u.name, false);
            annotate_name(st, n);
        }
        visit_annotation(st, n->u.annassign.annotation);
        if (n->u.annassign.value) visit_expr(st, n->u.annassign.value);
        if (n->u.annassign.value || n->u.annassign.target->kind != E_NAME) visit_target(st, n->u.annassign.target);
        else if (n->u.annassign.simple && st->cur->kind == SCOPE_FUNCTION) bind_name(st, n, n->u.annassign.target->u.name);
        break;
    case S_IF: case S_WHILE:
        visit_expr(st, n->u.cond.test);
        visit_stmts(st, &n->u.cond.body);
        visit_stmts(st, &n->u.cond.orelse);
        break;
    case S_FOR:
        visit_expr(st, n->u.forloop.iter);
        visit_target(st, n->u.forloop.target);
        visit_stmts(st, &n->u.forloop.body);
        visit_stmts(st, &n->u.forloop.orelse);
        break;
    case S_DEF:
        visit_list(st, &n->u.def.decorators);
        if (n->u.def.type_params.n) {
            visit_generic_def(st, n);
        } else {
            /* parameter and return annotations run in the enclosing scope,
             * after compile.c has made the function from its defaults and
             * body: the child scopes come in that order */
            visit_function(st, n, &n->u.def.params, n->u.def.is_async);
            visit_def_annotations(st, n);
        }
        bind_name(st, n, n->u.def.name);
        break;
    case S_CLASS:
        /* The body before the bases: the code generator makes the body's
         * function first, then evaluates the bases. A generic class does
         * both in the annotation scope of its type parameters. */
        visit_list(st, &n->u.cls.decorators);
        if (n->u.cls.type_params.n) {
            Scope *saved = st->cur;
            if (!enter_annotation_scope(st, n, "the definition of a generic")) return;
            st->cur->private_name = n->u.cls.name;      /* class Foo[__T]: _Foo__T, as CPython */
            visit_type_params(st, &n->u.cls.type_params);
            visit_class_scope(st, n, true);
            visit_class_bases(st, n);
            st->cur = saved;
        } else {
            visit_class_scope(st, n, false);
            visit_class_bases(st, n);
        }
        bind_name(st, n, n->u.cls.name);
        break;
    case S_TYPEALIAS: visit_type_alias(st, n); break;
    case S_GLOBAL: declare(st, n, true); break;
    case S_NONLOCAL: declare(st, n, false); break;
    case S_DEL:
        for (int i = 0; i < n->u.seq.elts.n; i++) {
            visit_target(st, n->u.seq.elts.items[i]);
            mark_unbound(st, n->u.seq.elts.items[i]);
        }
        break;
    case S_ASSERT: visit_expr(st, n->u.assert_.test); visit_expr(st, n->u.assert_.msg); break;
    case S_RAISE: visit_expr(st, n->u.raise.exc); visit_expr(st, n->u.raise.cause); break;
    case S_TRY:
        visit_stmts(st, &n->u.try_.body);
        for (int i = 0; i < n->u.try_.nhandlers; i++) {
            ExceptHandler *h = &n->u.try_.handlers[i];
            visit_expr(st, h->type);
            if (h->name) {
                check_debug_at(st, h->line, h->col, h->name);
                bind_name(st, n, h->name);
                bind_flags(st, h->name, SYM_UNBINDS);
            }
            visit_stmts(st, &h->body);
        }
        visit_stmts(st, &n->u.try_.orelse);
        n->u.try_.final_child = st->cur->nchildren;
        visit_stmts(st, &n->u.try_.finalbody);
        break;
    case S_WITH:
        for (int i = 0; i < n->u.with.nitems; i++) {
            visit_expr(st, n->u.with.items[i].context);
            if (n->u.with.items[i].vars) visit_target(st, n->u.with.items[i].vars);
        }
        visit_stmts(st, &n->u.with.body);
        break;
    case S_MATCH:
        visit_expr(st, n->u.match.subject);
        for (int i = 0; i < n->u.match.ncases; i++) {
            MatchCase *m = &n->u.match.cases[i];
            visit_pattern(st, m->pattern);
            visit_expr(st, m->guard);
            visit_stmts(st, &m->body);
        }
        break;
    case S_IMPORT: case S_IMPORTFROM:
        if (is_future_import(n) && n->line > st->future_line)
            later_error(st, n, "from __future__ imports must occur at the beginning of the file");
        for (int i = 0; i < n->u.import.nnames; i++) {
            Alias *a = &n->u.import.names[i];
            if (!strcmp(a->name, "*")) {
                Node star = {.line = a->line, .col = a->col, .end_line = a->line, .end_col = a->col + 1};
                if (st->cur->kind != SCOPE_MODULE) st_error(st, &star, "import * only allowed at module level%s", "");
                continue;
            }
            check_debug(st, n, a->asname ? a->asname : a->name, false);
            if (a->asname) { bind_flags(st, a->asname, 0); continue; }
            /* `import a.b` binds a */
            char first[256];
            size_t len = strcspn(a->name, ".");
            if (len >= sizeof first) len = sizeof first - 1;
            memcpy(first, a->name, len);
            first[len] = 0;
            bind_flags(st, first, 0);
        }
        break;
    default:
        break;
    }
}

/* Capture patterns bind their names; values and classes are expressions. */
static void visit_pattern(ST *st, Node *p) {
    if (!p || st->failed) return;
    if (st->nesting >= COMPILE_MAX_NESTING) {
        st->failed = true;
        st->err->too_deep = true;
        return;
    }
    st->nesting++;
    switch (p->kind) {
    case P_VALUE: case P_SINGLETON: visit_expr(st, p->u.value.value); break;
    case P_SEQUENCE: case P_OR:
        for (int i = 0; i < p->u.seq.elts.n; i++) visit_pattern(st, p->u.seq.elts.items[i]);
        break;
    case P_MAPPING:
        visit_list(st, &p->u.mapping.keys);
        for (int i = 0; i < p->u.mapping.patterns.n; i++) visit_pattern(st, p->u.mapping.patterns.items[i]);
        if (p->u.mapping.rest) bind_name(st, p, p->u.mapping.rest);
        break;
    case P_CLASS:
        visit_expr(st, p->u.pclass.cls);
        for (int i = 0; i < p->u.pclass.patterns.n; i++) visit_pattern(st, p->u.pclass.patterns.items[i]);
        for (int i = 0; i < p->u.pclass.kwd_patterns.n; i++) visit_pattern(st, p->u.pclass.kwd_patterns.items[i]);
        break;
    case P_STAR: if (p->u.name) bind_name(st, p, p->u.name); break;
    case P_AS:
        visit_pattern(st, p->u.as.pattern);
        if (p->u.as.name) bind_name(st, p, p->u.as.name);
        break;
    default: break;
    }
    st->nesting--;
}

static void visit_stmts(ST *st, NodeList *l) {
    for (int i = 0; i < l->n && !st->failed; i++) visit_stmt(st, l->items[i]);
}

/* ---- resolution -------------------------------------------------------- */

typedef struct Bound {
    ObjStr **names;
    int n;
} Bound;

static bool in_bound(Bound *b, ObjStr *name) {
    for (int i = 0; i < b->n; i++) {
        if (b->names[i] == name) return true;
    }
    return false;
}

static void resolve(ST *st, Scope *s, Bound *bound);

static bool add_local(ST *st, Scope *s, ObjStr *name) {
    int n = s->nlocals;
    /* the capacity is implied: 4, then doubled each time n reaches a power of two */
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        ObjStr **l = ast_alloc(st->arena, (size_t)(n ? 2 * n : 4) * sizeof *l);
        if (!l) { st_nomem(st); return false; }
        if (n) memcpy(l, s->locals, (size_t)n * sizeof *l);
        s->locals = l;
    }
    s->locals[n] = name;
    s->nlocals++;
    return true;
}

static bool is_cell_sym(const Symbol *sym) { return sym->kind == NAME_CELL; }
static bool is_free_sym(const Symbol *sym) { return sym->kind == NAME_FREE || (sym->flags & SYM_FREE_CLASS); }

static int sym_name_cmp(const void *a, const void *b) {
    /* UTF-8 bytes compare as the code points they encode */
    return strcmp((*(Symbol *const *)a)->name->data, (*(Symbol *const *)b)->name->data);
}

/* The symbols of s that `want` picks, sorted by name, into out; their count. */
static int sorted_syms(Scope *s, Symbol **out, bool (*want)(const Symbol *)) {
    int n = 0;
    for (int i = 0; i < s->nsyms; i++) {
        if (want(&s->syms[i])) out[n++] = &s->syms[i];
    }
    qsort(out, (size_t)n, sizeof *out, sym_name_cmp);
    return n;
}

static void assign_slots(ST *st, Scope *s) {
    if (s->kind == SCOPE_FUNCTION) {
        /* Parameters first, in order (they were added to syms first). */
        for (int i = 0; i < s->nsyms; i++) {
            Symbol *sym = &s->syms[i];
            if (sym->flags & SYM_PARAM) { sym->index = s->nlocals; add_local(st, s, sym->name); }
        }
        for (int i = 0; i < s->nsyms; i++) {
            Symbol *sym = &s->syms[i];
            if (!(sym->flags & SYM_PARAM) && sym->kind == NAME_LOCAL) { sym->index = s->nlocals; add_local(st, s, sym->name); }
        }
    }
    int ncells = 0, nfrees = 0;
    for (int i = 0; i < s->nsyms; i++) {
        ncells += s->syms[i].kind == NAME_CELL;
        nfrees += s->syms[i].kind == NAME_FREE || (s->syms[i].flags & SYM_FREE_CLASS);
    }
    s->cells = ast_alloc(st->arena, (size_t)(ncells + nfrees + 1) * sizeof(ObjStr *));
    s->cell2arg = ast_alloc(st->arena, (size_t)(ncells + 1) * sizeof(int));
    if (!s->cells || !s->cell2arg) { st_nomem(st); return; }
    /* CPython orders co_cellvars and co_freevars by name, which shows in
     * __closure__ and in the closure= that exec() takes. */
    Symbol **order = ast_alloc(st->arena, (size_t)(s->nsyms + 1) * sizeof(Symbol *));
    if (!order) { st_nomem(st); return; }
    int n = sorted_syms(s, order, is_cell_sym);
    for (int i = 0; i < n; i++) {
        Symbol *sym = order[i];
        s->cell2arg[s->ncells] = (sym->flags & SYM_PARAM) ? sym->index : -1;
        sym->index = s->ncells;
        s->cells[s->ncells++] = sym->name;
    }
    n = sorted_syms(s, order, is_free_sym);
    for (int i = 0; i < n; i++) {
        Symbol *sym = order[i];
        sym->free_index = s->ncells + s->nfrees;
        if (sym->kind == NAME_FREE) sym->index = sym->free_index;
        s->cells[s->ncells + s->nfrees++] = sym->name;
    }
}

/* The names bound in enclosing functions that s passes on to its children,
 * with room for `extra` more: all but those s declares global, which its
 * children then see as globals too (`global x` in g makes x global in the
 * functions nested in g, whatever an outer function binds). A class body's
 * `global x` stays its own, as in CPython. */
static bool inherit_bound(ST *st, Scope *s, Bound *bound, int extra, Bound *inner) {
    inner->names = ast_alloc(st->arena, (size_t)(bound->n + extra) * sizeof(ObjStr *));
    if (!inner->names) { st_nomem(st); return false; }
    inner->n = 0;
    for (int i = 0; i < bound->n; i++) {
        Symbol *sym = scope_lookup(s, bound->names[i]);
        if (s->kind != SCOPE_FUNCTION || !sym || !(sym->flags & SYM_GLOBAL)) inner->names[inner->n++] = bound->names[i];
    }
    return true;
}

static void resolve_children(ST *st, Scope *s, Bound *bound) {
    Bound inner = *bound;
    if (s->kind == SCOPE_FUNCTION) {
        if (!inherit_bound(st, s, bound, s->nsyms + 1, &inner)) return;
        for (int i = 0; i < s->nsyms; i++) {
            NameKind k = s->syms[i].kind;
            if (k == NAME_LOCAL || k == NAME_CELL || k == NAME_FREE) inner.names[inner.n++] = s->syms[i].name;
        }
    } else if (s->kind == SCOPE_CLASS) {
        if (!inherit_bound(st, s, bound, 2, &inner)) return;
        inner.names[inner.n++] = intern(st, "__class__");
        inner.names[inner.n++] = intern(st, "__classdict__");
    } else {
        inner.n = 0;
    }
    for (int i = 0; i < s->nchildren && !st->failed; i++) resolve(st, s->children[i], &inner);
    /* Free variables of the children are cells here, or pass through. */
    for (int i = 0; i < s->nchildren && !st->failed; i++) {
        Scope *c = s->children[i];
        for (int j = 0; j < c->nsyms; j++) {
            Symbol *cs = &c->syms[j];
            if (cs->kind != NAME_FREE && !(cs->flags & SYM_FREE_CLASS)) continue;
            if (s->kind == SCOPE_CLASS && !strcmp(cs->name->data, "__class__")) {
                s->needs_class_cell = true;
                Symbol *sym = add_sym(st, s, cs->name, 0);
                if (sym) sym->kind = NAME_CELL;
                continue;
            }
            if (s->kind == SCOPE_CLASS && !strcmp(cs->name->data, "__classdict__")) {
                s->needs_classdict = true;
                Symbol *sym = add_sym(st, s, cs->name, 0);
                if (sym) sym->kind = NAME_CELL;
                continue;
            }
            Symbol *sym = scope_lookup(s, cs->name);
            if (sym && (sym->kind == NAME_LOCAL || sym->kind == NAME_CELL) && s->kind == SCOPE_FUNCTION) {
                sym->kind = NAME_CELL;
            } else if (!sym || sym->kind == NAME_GLOBAL_IMPLICIT) {
                sym = add_sym(st, s, cs->name, 0);
                if (sym) sym->kind = NAME_FREE;
            } else if (s->kind == SCOPE_CLASS && sym->kind != NAME_FREE) {
                /* x = ... in a class body whose methods use an enclosing
                 * function's x: the class body keeps its own x and passes
                 * the function's cell through (CPython's DEF_FREE_CLASS). */
                sym->flags |= SYM_FREE_CLASS;
            }
        }
    }
}

/* A `nonlocal` name that an enclosing annotation scope binds is one of
 * its type parameters (nothing else binds there), which CPython refuses.
 * Class bodies are passed over, as name resolution does. */
static bool nonlocal_type_param(Scope *s, ObjStr *name) {
    for (Scope *p = s->parent; p && p->kind != SCOPE_MODULE; p = p->parent) {
        if (p->kind == SCOPE_CLASS) continue;
        Symbol *sym = scope_lookup(p, name);
        if (sym && (sym->flags & (SYM_ASSIGNED | SYM_PARAM)) && !(sym->flags & (SYM_NONLOCAL | SYM_GLOBAL)))
            return p->is_annotation;
    }
    return false;
}

/* The class whose namespace an annotation scope sees (PEP 695), or NULL. */
static Scope *visible_class(Scope *s) {
    if (!s->can_see_class) return NULL;
    Scope *p = s->parent;
    while (p && p->kind != SCOPE_CLASS) p = p->parent;
    return p;
}

/* A name an annotation scope reads that the class it sees declares global
 * is global; one the class binds is looked up in the class, then the
 * globals, past any function around the class (CPython's analyze_name). */
static bool class_decides(Scope *s, Symbol *sym) {
    Scope *cls = visible_class(s);
    Symbol *c = cls ? scope_lookup(cls, sym->name) : NULL;
    if (!c || !strcmp(sym->name->data, "__classdict__")) return false;
    if (c->flags & SYM_GLOBAL) sym->kind = NAME_GLOBAL_EXPLICIT;
    else if ((c->flags & (SYM_ASSIGNED | SYM_PARAM)) && !(c->flags & SYM_NONLOCAL)) sym->kind = NAME_GLOBAL_IMPLICIT;
    else return false;
    return true;
}

static void resolve(ST *st, Scope *s, Bound *bound) {
    if (s->kind == SCOPE_FUNCTION && s->uses_class_cell) add_sym(st, s, intern(st, "__class__"), SYM_USED);
    for (int i = 0; i < s->nsyms && !st->failed; i++) {
        Symbol *sym = &s->syms[i];
        if (sym->flags & SYM_GLOBAL) sym->kind = NAME_GLOBAL_EXPLICIT;
        else if (sym->flags & SYM_NONLOCAL) {
            if (!in_bound(bound, sym->name)) {
                st_error(st, sym->directive ? sym->directive : s->node, "no binding for nonlocal '%s' found",
                         sym->name->data);
                return;
            }
            if (nonlocal_type_param(s, sym->name)) {
                st_error(st, sym->directive ? sym->directive : s->node,
                         "nonlocal binding not allowed for type parameter '%s'", sym->name->data);
                return;
            }
            sym->kind = NAME_FREE;
        } else if (sym->flags & (SYM_ASSIGNED | SYM_PARAM)) {
            sym->kind = s->kind == SCOPE_MODULE ? NAME_GLOBAL_IMPLICIT : NAME_LOCAL;
        } else if (class_decides(s, sym)) {
            /* (kind set) */
        } else if (s->kind != SCOPE_MODULE && in_bound(bound, sym->name)) {
            sym->kind = NAME_FREE;
        } else {
            sym->kind = NAME_GLOBAL_IMPLICIT;
        }
    }
    resolve_children(st, s, bound);
    if (!st->failed) assign_slots(st, s);
}

/* ---- __future__ -------------------------------------------------------- */

/* The features of `from __future__ import ...`: all are accepted, only
 * `annotations` changes anything (compile.c). */
static bool check_features(ST *st, Node *s) {
    static const char *const known[] = {"nested_scopes", "generators", "division", "absolute_import",
                                        "with_statement", "print_function", "unicode_literals",
                                        "barry_as_FLUFL", "generator_stop", "annotations", NULL};
    for (int i = 0; i < s->u.import.nnames; i++) {
        const char *name = s->u.import.names[i].name;
        const char *const *k = known;
        while (*k && strcmp(*k, name) != 0) k++;
        if (*k) continue;
        st_error(st, s, !strcmp(name, "braces") ? "not a chance%s" : "future feature %.100s is not defined",
                 !strcmp(name, "braces") ? "" : name);
        /* CPython reports these at the statement's start only: one caret */
        st->err->end_line = st->err->line;
        st->err->end_col = st->err->col + 1;
        st->err->no_end = true;
        return false;
    }
    return true;
}

/* CPython's future.c: the future imports that open the module (after its
 * docstring) have their features checked; one that follows another
 * statement on the same line is misplaced. Those further down are the
 * compiler's error (S_IMPORTFROM in visit_stmt). */
static bool check_future(ST *st, NodeList *body) {
    st->future_line = -1;
    int prev_line = 0;
    bool done = false;
    for (int i = 0; i < body->n; i++) {
        Node *s = body->items[i];
        if (i == 0 && s->kind == S_EXPR && s->u.value.value->kind == E_STR) continue;
        if (done && s->line > prev_line) return true;
        prev_line = s->line;
        if (!is_future_import(s)) { done = true; continue; }
        if (done) {
            st_error(st, s, "from __future__ imports must occur at the beginning of the file%s", "");
            return false;
        }
        if (!check_features(st, s)) return false;
        st->future_line = s->line;
        for (int k = 0; k < s->u.import.nnames; k++)
            if (!strcmp(s->u.import.names[k].name, "annotations")) st->future_annotations = true;
    }
    return true;
}

Scope *symtable_build(VM *vm, AstArena *arena, Node *module, SymError *err, bool future_annotations,
                      bool eval_input) {
    ST st = {.vm = vm, .arena = arena, .err = err, .future_annotations = future_annotations,
             .nesting = eval_input ? -1 : 0};
    err->msg[0] = 0;
    err->too_deep = false;
    err->no_end = false;
    Scope *top = new_scope(&st, SCOPE_MODULE, module);
    if (!top) return NULL;
    st.cur = st.top = top;
    if (!check_future(&st, &module->u.block.body)) return NULL;
    visit_stmts(&st, &module->u.block.body);
    if (!st.failed && st.later_at.line) st_error(&st, &st.later_at, "%s", st.later_msg);
    if (st.failed) return NULL;
    Bound none = {NULL, 0};
    resolve(&st, top, &none);
    return st.failed ? NULL : top;
}
