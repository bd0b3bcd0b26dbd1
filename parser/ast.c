/* The AST arena, the few constructors every node goes through, a visitor
 * over a node's children, and ast_dump().
 *
 * The arena is a list of chunks handed out by bumping a pointer. Chunks come
 * from calloc, so memory is zeroed once when the chunk is made and never
 * again: a bump allocation costs a compare and an add.
 */
#include "ast.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_internal.h"

/* ------------------------------------------------------------------------
 * Arena
 * ---------------------------------------------------------------------- */

typedef struct Chunk {
    struct Chunk *next;
    max_align_t data[];
} Chunk;

struct AstArena {
    Chunk *chunks;
    char *ptr, *end;        /* the free part of the newest chunk */
    size_t next_size;       /* size of the next chunk */
    SyntaxWarn *warnings, **warn_tail;
};

#define ARENA_FIRST_CHUNK (16 * 1024)
#define ARENA_MAX_CHUNK (1024 * 1024)
#define ARENA_ALIGN 8

AstArena *ast_arena_new(void)
{
    AstArena *a = calloc(1, sizeof *a);
    if (a)
        a->next_size = ARENA_FIRST_CHUNK;
    return a;
}

void ast_arena_free(AstArena *a)
{
    if (!a)
        return;
    for (Chunk *c = a->chunks, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

static void *new_chunk(AstArena *a, size_t size)
{
    Chunk *c = calloc(1, sizeof(Chunk) + size);
    if (!c)
        return NULL;
    c->next = a->chunks;
    a->chunks = c;
    return c->data;
}

void ast_warn(AstArena *a, int line, int col, int end_line, int end_col, const char *fmt, ...)
{
    SyntaxWarn *w = ast_alloc(a, sizeof *w);
    if (!w)
        return;     /* out of memory: the parse reports that */
    *w = (SyntaxWarn){.line = line, .col = col, .end_line = end_line, .end_col = end_col};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    if (!a->warn_tail)
        a->warn_tail = &a->warnings;
    *a->warn_tail = w;
    a->warn_tail = &w->next;
}

const SyntaxWarn *ast_warnings(const AstArena *a)
{
    return a->warnings;
}

void *ast_alloc(AstArena *a, size_t size)
{
    if (size > SIZE_MAX / 2)
        return NULL;
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (size == 0)
        size = ARENA_ALIGN;
    if (a->ptr && size <= (size_t)(a->end - a->ptr)) {
        void *p = a->ptr;
        a->ptr += size;
        return p;
    }
    /* A large request gets a chunk of its own, so that the rest of the
     * current chunk stays in use for later small ones. */
    if (size > a->next_size / 4)
        return new_chunk(a, size);
    char *p = new_chunk(a, a->next_size);
    if (!p)
        return NULL;
    a->ptr = p + size;
    a->end = p + a->next_size;
    if (a->next_size < ARENA_MAX_CHUNK)
        a->next_size *= 2;
    return p;
}

/* ------------------------------------------------------------------------
 * Constructors
 * ---------------------------------------------------------------------- */

Node *ast_new_node(AstArena *a, NodeKind kind)
{
    Node *n = ast_alloc(a, sizeof *n);
    if (n) {
        n->kind = kind;
        n->group_line = 0;
    }
    return n;
}

bool ast_grow(AstArena *a, void **items, int n, int *cap, size_t size)
{
    if (n < *cap)
        return true;
    if (*cap > INT32_MAX / 4)
        return false;
    /* Most lists hold one or two items. */
    int newcap = *cap ? *cap * 2 : 1;
    void *p = ast_alloc(a, (size_t)newcap * size);
    if (!p)
        return false;
    if (n > 0)
        memcpy(p, *items, (size_t)n * size);
    *items = p;
    *cap = newcap;
    return true;
}

bool ast_list_append(AstArena *a, NodeList *l, Node *n)
{
    if (!ast_grow(a, (void **)&l->items, l->n, &l->cap, sizeof(Node *)))
        return false;
    l->items[l->n++] = n;
    return true;
}

/* ------------------------------------------------------------------------
 * Children
 * ---------------------------------------------------------------------- */

typedef void VisitFn(Node *child, void *ud);

static void visit(Node *n, VisitFn *fn, void *ud)
{
    if (n)
        fn(n, ud);
}

static void visit_list(const NodeList *l, VisitFn *fn, void *ud)
{
    for (int i = 0; i < l->n; i++)
        visit(l->items[i], fn, ud);
}

static void visit_params(const ParamList *p, VisitFn *fn, void *ud)
{
    for (int i = 0; i < p->n; i++) {
        visit(p->params[i].annotation, fn, ud);
        visit(p->params[i].default_, fn, ud);
    }
    if (p->vararg)
        visit(p->vararg->annotation, fn, ud);
    if (p->kwarg)
        visit(p->kwarg->annotation, fn, ud);
}

static void visit_keywords(const Keyword *k, int n, VisitFn *fn, void *ud)
{
    for (int i = 0; i < n; i++)
        visit(k[i].value, fn, ud);
}

static void visit_expr_children(Node *n, VisitFn *fn, void *ud)
{
    switch (n->kind) {
    case E_FSTRING: visit_list(&n->u.list, fn, ud); break;
    case E_FORMATTED:
        visit(n->u.formatted.value, fn, ud);
        visit(n->u.formatted.spec, fn, ud);
        break;
    case E_BINOP:
        visit(n->u.binop.left, fn, ud);
        visit(n->u.binop.right, fn, ud);
        break;
    case E_UNARY: visit(n->u.unary.operand, fn, ud); break;
    case E_BOOLOP: visit_list(&n->u.boolop.values, fn, ud); break;
    case E_COMPARE:
        visit(n->u.compare.left, fn, ud);
        visit_list(&n->u.compare.comparators, fn, ud);
        break;
    case E_IFEXP:
        visit(n->u.ifexp.test, fn, ud);
        visit(n->u.ifexp.body, fn, ud);
        visit(n->u.ifexp.orelse, fn, ud);
        break;
    case E_LAMBDA:
        visit_params(&n->u.lambda.params, fn, ud);
        visit(n->u.lambda.body, fn, ud);
        break;
    case E_CALL:
        visit(n->u.call.func, fn, ud);
        visit_list(&n->u.call.args, fn, ud);
        visit_keywords(n->u.call.keywords, n->u.call.nkeywords, fn, ud);
        break;
    case E_ATTR: visit(n->u.attr.value, fn, ud); break;
    case E_SUBSCRIPT:
        visit(n->u.subscript.value, fn, ud);
        visit(n->u.subscript.index, fn, ud);
        break;
    case E_SLICE:
        visit(n->u.slice.lower, fn, ud);
        visit(n->u.slice.upper, fn, ud);
        visit(n->u.slice.step, fn, ud);
        break;
    case E_STARRED: visit(n->u.starred.value, fn, ud); break;
    case E_TUPLE: case E_LIST: case E_SET: visit_list(&n->u.seq.elts, fn, ud); break;
    case E_DICT:
        visit_list(&n->u.dict.keys, fn, ud);
        visit_list(&n->u.dict.values, fn, ud);
        break;
    case E_LISTCOMP: case E_SETCOMP: case E_DICTCOMP: case E_GENEXP:
        visit(n->u.comp.elt, fn, ud);
        visit(n->u.comp.value, fn, ud);
        for (int i = 0; i < n->u.comp.ngenerators; i++) {
            Comprehension *c = &n->u.comp.generators[i];
            visit(c->target, fn, ud);
            visit(c->iter, fn, ud);
            visit_list(&c->ifs, fn, ud);
        }
        break;
    case E_NAMEDEXPR:
        visit(n->u.named.target, fn, ud);
        visit(n->u.named.value, fn, ud);
        break;
    case E_AWAIT: case E_YIELD: case E_YIELDFROM: visit(n->u.value.value, fn, ud); break;
    default: break;
    }
}

static void visit_stmt_children(Node *n, VisitFn *fn, void *ud)
{
    switch (n->kind) {
    case S_MODULE: visit_list(&n->u.block.body, fn, ud); break;
    case S_EXPR: case S_RETURN: visit(n->u.value.value, fn, ud); break;
    case S_ASSIGN:
        visit_list(&n->u.assign.targets, fn, ud);
        visit(n->u.assign.value, fn, ud);
        break;
    case S_AUGASSIGN:
        visit(n->u.augassign.target, fn, ud);
        visit(n->u.augassign.value, fn, ud);
        break;
    case S_ANNASSIGN:
        visit(n->u.annassign.target, fn, ud);
        visit(n->u.annassign.annotation, fn, ud);
        visit(n->u.annassign.value, fn, ud);
        break;
    case S_IF: case S_WHILE:
        visit(n->u.cond.test, fn, ud);
        visit_list(&n->u.cond.body, fn, ud);
        visit_list(&n->u.cond.orelse, fn, ud);
        break;
    case S_FOR:
        visit(n->u.forloop.target, fn, ud);
        visit(n->u.forloop.iter, fn, ud);
        visit_list(&n->u.forloop.body, fn, ud);
        visit_list(&n->u.forloop.orelse, fn, ud);
        break;
    case S_DEF:
        visit_list(&n->u.def.decorators, fn, ud);
        visit_list(&n->u.def.type_params, fn, ud);
        visit_params(&n->u.def.params, fn, ud);
        visit(n->u.def.returns, fn, ud);
        visit_list(&n->u.def.body, fn, ud);
        break;
    case S_CLASS:
        visit_list(&n->u.cls.decorators, fn, ud);
        visit_list(&n->u.cls.type_params, fn, ud);
        visit_list(&n->u.cls.bases, fn, ud);
        visit_keywords(n->u.cls.keywords, n->u.cls.nkeywords, fn, ud);
        visit_list(&n->u.cls.body, fn, ud);
        break;
    case S_TYPEALIAS:
        visit_list(&n->u.typealias.type_params, fn, ud);
        visit(n->u.typealias.value, fn, ud);
        break;
    case T_TYPEVAR: case T_TYPEVARTUPLE: case T_PARAMSPEC:
        visit(n->u.typeparam.bound, fn, ud);
        break;
    case S_DEL: visit_list(&n->u.seq.elts, fn, ud); break;
    case S_ASSERT:
        visit(n->u.assert_.test, fn, ud);
        visit(n->u.assert_.msg, fn, ud);
        break;
    case S_RAISE:
        visit(n->u.raise.exc, fn, ud);
        visit(n->u.raise.cause, fn, ud);
        break;
    case S_TRY:
        visit_list(&n->u.try_.body, fn, ud);
        for (int i = 0; i < n->u.try_.nhandlers; i++) {
            visit(n->u.try_.handlers[i].type, fn, ud);
            visit_list(&n->u.try_.handlers[i].body, fn, ud);
        }
        visit_list(&n->u.try_.orelse, fn, ud);
        visit_list(&n->u.try_.finalbody, fn, ud);
        break;
    case S_WITH:
        for (int i = 0; i < n->u.with.nitems; i++) {
            visit(n->u.with.items[i].context, fn, ud);
            visit(n->u.with.items[i].vars, fn, ud);
        }
        visit_list(&n->u.with.body, fn, ud);
        break;
    case S_MATCH:
        visit(n->u.match.subject, fn, ud);
        for (int i = 0; i < n->u.match.ncases; i++) {
            visit(n->u.match.cases[i].pattern, fn, ud);
            visit(n->u.match.cases[i].guard, fn, ud);
            visit_list(&n->u.match.cases[i].body, fn, ud);
        }
        break;
    case P_VALUE: case P_SINGLETON: visit(n->u.value.value, fn, ud); break;
    case P_SEQUENCE: case P_OR: visit_list(&n->u.seq.elts, fn, ud); break;
    case P_MAPPING:
        visit_list(&n->u.mapping.keys, fn, ud);
        visit_list(&n->u.mapping.patterns, fn, ud);
        break;
    case P_CLASS:
        visit(n->u.pclass.cls, fn, ud);
        visit_list(&n->u.pclass.patterns, fn, ud);
        visit_list(&n->u.pclass.kwd_patterns, fn, ud);
        break;
    case P_AS: visit(n->u.as.pattern, fn, ud); break;
    default: break;
    }
}

void ast_visit_children(Node *n, void (*fn)(Node *child, void *ud), void *ud)
{
    if (n->kind < S_MODULE)
        visit_expr_children(n, fn, ud);
    else
        visit_stmt_children(n, fn, ud);
}

/* ------------------------------------------------------------------------
 * ast_dump
 *
 * One S-expression per node: (Kind fields... children...). Statement lists
 * are grouped as (body ...), (else ...), (finally ...); absent optional
 * children are left out, except in Slice where they print as `_`.
 * ---------------------------------------------------------------------- */

typedef struct Buf {
    char *s;
    size_t n, cap;
    bool oom;
} Buf;

static void put(Buf *b, const char *s, size_t len)
{
    if (b->oom)
        return;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + len + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void puts_(Buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void printf_(Buf *b, const char *fmt, ...)
{
    char tmp[128];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (len > 0)
        put(b, tmp, (size_t)len < sizeof tmp ? (size_t)len : sizeof tmp - 1);
}

static void dump(Buf *b, const Node *n);

static void dump_quoted(Buf *b, const char *s, size_t len, bool bytes)
{
    puts_(b, "\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': puts_(b, "\\\""); break;
        case '\\': puts_(b, "\\\\"); break;
        case '\n': puts_(b, "\\n"); break;
        case '\t': puts_(b, "\\t"); break;
        case '\r': puts_(b, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80))
                printf_(b, "\\x%02x", c);
            else
                put(b, (const char *)&c, 1);
        }
    }
    puts_(b, "\"");
}

static void dump_float(Buf *b, double d)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    puts_(b, tmp);
}

static const char *op_name(AstOp op)
{
    static const char *const names[] = {
        "+", "-", "*", "@", "/", "//", "%", "**", "<<", ">>", "|", "^", "&",
        "not", "-", "+", "~", "and", "or",
        "==", "!=", "<", "<=", ">", ">=", "is", "is not", "in", "not in",
    };
    return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

static void dump_children(Buf *b, const NodeList *l)
{
    for (int i = 0; i < l->n; i++) {
        puts_(b, " ");
        dump(b, l->items[i]);
    }
}

static void dump_block(Buf *b, const char *tag, const NodeList *l, bool always)
{
    if (!always && l->n == 0)
        return;
    printf_(b, " (%s", tag);
    dump_children(b, l);
    puts_(b, ")");
}

static void dump_opt(Buf *b, const Node *n)
{
    puts_(b, " ");
    if (n)
        dump(b, n);
    else
        puts_(b, "_");
}

static void dump_param(Buf *b, const char *prefix, const Param *p)
{
    puts_(b, " ");
    if (!p->annotation && !p->default_) {
        printf_(b, "%s%s", prefix, p->name);
        return;
    }
    printf_(b, "(%s%s", prefix, p->name);
    if (p->annotation) {
        puts_(b, " : ");
        dump(b, p->annotation);
    }
    if (p->default_) {
        puts_(b, " = ");
        dump(b, p->default_);
    }
    puts_(b, ")");
}

static void dump_params(Buf *b, const ParamList *p)
{
    puts_(b, " (args");
    for (int i = 0; i < p->n; i++) {
        if (i == p->nposonly && p->nposonly > 0)
            puts_(b, " /");
        if (i == p->npos) {
            if (p->vararg)
                dump_param(b, "*", p->vararg);
            else
                puts_(b, " *");
        }
        dump_param(b, "", &p->params[i]);
    }
    if (p->n == p->nposonly && p->nposonly > 0)
        puts_(b, " /");
    if (p->npos == p->n && p->vararg)
        dump_param(b, "*", p->vararg);
    if (p->kwarg)
        dump_param(b, "**", p->kwarg);
    puts_(b, ")");
}

static void dump_keywords(Buf *b, const Keyword *k, int n)
{
    for (int i = 0; i < n; i++) {
        printf_(b, " (keyword %s ", k[i].name ? k[i].name : "**");
        dump(b, k[i].value);
        puts_(b, ")");
    }
}

static void dump_generators(Buf *b, const Comprehension *g, int n)
{
    for (int i = 0; i < n; i++) {
        puts_(b, g[i].is_async ? " (async for " : " (for ");
        dump(b, g[i].target);
        puts_(b, " ");
        dump(b, g[i].iter);
        for (int j = 0; j < g[i].ifs.n; j++) {
            puts_(b, " (if ");
            dump(b, g[i].ifs.items[j]);
            puts_(b, ")");
        }
        puts_(b, ")");
    }
}

static void dump_alias(Buf *b, const Alias *a)
{
    if (a->asname)
        printf_(b, " (%s as %s)", a->name, a->asname);
    else
        printf_(b, " %s", a->name);
}

static void dump_int(Buf *b, const Node *n)
{
    static const char *const prefix[17] = {
        [2] = "0b", [8] = "0o", [16] = "0x", [10] = "",
    };
    int base = n->u.int_lit.base;
    const char *p = base >= 0 && base <= 16 && prefix[base] ? prefix[base] : "?";
    printf_(b, "(Int %s", p);
    puts_(b, n->u.int_lit.digits ? n->u.int_lit.digits : "");
    puts_(b, ")");
}

static void dump_expr(Buf *b, const Node *n)
{
    switch (n->kind) {
    case E_NAME: printf_(b, "(Name "); puts_(b, n->u.name); puts_(b, ")"); break;
    case E_INT: dump_int(b, n); break;
    case E_FLOAT: puts_(b, "(Float "); dump_float(b, n->u.fval); puts_(b, ")"); break;
    case E_IMAG: puts_(b, "(Imag "); dump_float(b, n->u.fval); puts_(b, ")"); break;
    case E_STR: case E_BYTES:
        puts_(b, n->kind == E_STR ? "(Str " : "(Bytes ");
        dump_quoted(b, n->u.str.s, n->u.str.len, n->kind == E_BYTES);
        puts_(b, ")");
        break;
    case E_FSTRING: puts_(b, "(FString"); dump_children(b, &n->u.list); puts_(b, ")"); break;
    case E_FORMATTED:
        puts_(b, "(Formatted ");
        dump(b, n->u.formatted.value);
        if (n->u.formatted.conversion)
            printf_(b, " !%c", n->u.formatted.conversion);
        if (n->u.formatted.spec) {
            puts_(b, " ");
            dump(b, n->u.formatted.spec);
        }
        puts_(b, ")");
        break;
    case E_NONE: puts_(b, "(None)"); break;
    case E_TRUE: puts_(b, "(True)"); break;
    case E_FALSE: puts_(b, "(False)"); break;
    case E_ELLIPSIS: puts_(b, "(Ellipsis)"); break;
    case E_BINOP:
        printf_(b, "(BinOp %s ", op_name(n->u.binop.op));
        dump(b, n->u.binop.left);
        puts_(b, " ");
        dump(b, n->u.binop.right);
        puts_(b, ")");
        break;
    case E_UNARY:
        printf_(b, "(UnaryOp %s ", op_name(n->u.unary.op));
        dump(b, n->u.unary.operand);
        puts_(b, ")");
        break;
    case E_BOOLOP:
        printf_(b, "(BoolOp %s", op_name(n->u.boolop.op));
        dump_children(b, &n->u.boolop.values);
        puts_(b, ")");
        break;
    case E_COMPARE:
        puts_(b, "(Compare ");
        dump(b, n->u.compare.left);
        for (int i = 0; i < n->u.compare.comparators.n; i++) {
            printf_(b, " %s ", op_name(n->u.compare.ops[i]));
            dump(b, n->u.compare.comparators.items[i]);
        }
        puts_(b, ")");
        break;
    case E_IFEXP:
        puts_(b, "(IfExp ");
        dump(b, n->u.ifexp.test);
        puts_(b, " ");
        dump(b, n->u.ifexp.body);
        puts_(b, " ");
        dump(b, n->u.ifexp.orelse);
        puts_(b, ")");
        break;
    case E_LAMBDA:
        puts_(b, "(Lambda");
        dump_params(b, &n->u.lambda.params);
        puts_(b, " ");
        dump(b, n->u.lambda.body);
        puts_(b, ")");
        break;
    case E_CALL:
        puts_(b, "(Call ");
        dump(b, n->u.call.func);
        dump_children(b, &n->u.call.args);
        dump_keywords(b, n->u.call.keywords, n->u.call.nkeywords);
        puts_(b, ")");
        break;
    case E_ATTR:
        puts_(b, "(Attribute ");
        dump(b, n->u.attr.value);
        printf_(b, " ");
        puts_(b, n->u.attr.name);
        puts_(b, ")");
        break;
    case E_SUBSCRIPT:
        puts_(b, "(Subscript ");
        dump(b, n->u.subscript.value);
        puts_(b, " ");
        dump(b, n->u.subscript.index);
        puts_(b, ")");
        break;
    case E_SLICE:
        puts_(b, "(Slice");
        dump_opt(b, n->u.slice.lower);
        dump_opt(b, n->u.slice.upper);
        dump_opt(b, n->u.slice.step);
        puts_(b, ")");
        break;
    case E_STARRED: puts_(b, "(Starred "); dump(b, n->u.starred.value); puts_(b, ")"); break;
    case E_TUPLE: puts_(b, "(Tuple"); dump_children(b, &n->u.seq.elts); puts_(b, ")"); break;
    case E_LIST: puts_(b, "(List"); dump_children(b, &n->u.seq.elts); puts_(b, ")"); break;
    case E_SET: puts_(b, "(Set"); dump_children(b, &n->u.seq.elts); puts_(b, ")"); break;
    case E_DICT:
        puts_(b, "(Dict");
        for (int i = 0; i < n->u.dict.keys.n; i++) {
            puts_(b, " (");
            if (n->u.dict.keys.items[i])
                dump(b, n->u.dict.keys.items[i]);
            else
                puts_(b, "**");
            puts_(b, " ");
            dump(b, n->u.dict.values.items[i]);
            puts_(b, ")");
        }
        puts_(b, ")");
        break;
    case E_LISTCOMP: case E_SETCOMP: case E_GENEXP: case E_DICTCOMP:
        puts_(b, n->kind == E_LISTCOMP ? "(ListComp " : n->kind == E_SETCOMP ? "(SetComp "
                 : n->kind == E_GENEXP ? "(GeneratorExp " : "(DictComp ");
        dump(b, n->u.comp.elt);
        if (n->kind == E_DICTCOMP) {
            puts_(b, " ");
            dump(b, n->u.comp.value);
        }
        dump_generators(b, n->u.comp.generators, n->u.comp.ngenerators);
        puts_(b, ")");
        break;
    case E_NAMEDEXPR:
        puts_(b, "(NamedExpr ");
        dump(b, n->u.named.target);
        puts_(b, " ");
        dump(b, n->u.named.value);
        puts_(b, ")");
        break;
    case E_AWAIT: puts_(b, "(Await "); dump(b, n->u.value.value); puts_(b, ")"); break;
    case E_YIELD:
        puts_(b, "(Yield");
        if (n->u.value.value) {
            puts_(b, " ");
            dump(b, n->u.value.value);
        }
        puts_(b, ")");
        break;
    case E_YIELDFROM: puts_(b, "(YieldFrom "); dump(b, n->u.value.value); puts_(b, ")"); break;
    default: printf_(b, "(?%d)", (int)n->kind); break;
    }
}

static void dump_def(Buf *b, const Node *n)
{
    printf_(b, "(%s ", n->u.def.is_async ? "AsyncFunctionDef" : "FunctionDef");
    puts_(b, n->u.def.name);
    dump_block(b, "type_params", &n->u.def.type_params, false);
    dump_params(b, &n->u.def.params);
    dump_block(b, "body", &n->u.def.body, true);
    dump_block(b, "decorators", &n->u.def.decorators, false);
    if (n->u.def.returns) {
        puts_(b, " (returns ");
        dump(b, n->u.def.returns);
        puts_(b, ")");
    }
    puts_(b, ")");
}

static void dump_class(Buf *b, const Node *n)
{
    puts_(b, "(ClassDef ");
    puts_(b, n->u.cls.name);
    dump_block(b, "type_params", &n->u.cls.type_params, false);
    dump_block(b, "bases", &n->u.cls.bases, false);
    if (n->u.cls.nkeywords > 0) {
        puts_(b, " (keywords");
        dump_keywords(b, n->u.cls.keywords, n->u.cls.nkeywords);
        puts_(b, ")");
    }
    dump_block(b, "body", &n->u.cls.body, true);
    dump_block(b, "decorators", &n->u.cls.decorators, false);
    puts_(b, ")");
}

static void dump_try(Buf *b, const Node *n)
{
    puts_(b, "(Try");
    dump_block(b, "body", &n->u.try_.body, true);
    for (int i = 0; i < n->u.try_.nhandlers; i++) {
        const ExceptHandler *h = &n->u.try_.handlers[i];
        puts_(b, h->star ? " (except*" : " (except");
        if (h->type) {
            puts_(b, " ");
            dump(b, h->type);
        }
        if (h->name) {
            puts_(b, " as ");
            puts_(b, h->name);
        }
        dump_block(b, "body", &h->body, true);
        puts_(b, ")");
    }
    dump_block(b, "else", &n->u.try_.orelse, false);
    dump_block(b, "finally", &n->u.try_.finalbody, false);
    puts_(b, ")");
}

static void dump_with(Buf *b, const Node *n)
{
    puts_(b, n->u.with.is_async ? "(AsyncWith" : "(With");
    for (int i = 0; i < n->u.with.nitems; i++) {
        puts_(b, " (item ");
        dump(b, n->u.with.items[i].context);
        if (n->u.with.items[i].vars) {
            puts_(b, " ");
            dump(b, n->u.with.items[i].vars);
        }
        puts_(b, ")");
    }
    dump_block(b, "body", &n->u.with.body, true);
    puts_(b, ")");
}

static void dump_import(Buf *b, const Node *n)
{
    if (n->kind == S_IMPORT) {
        puts_(b, "(Import");
    } else {
        puts_(b, "(ImportFrom ");
        for (int i = 0; i < n->u.import.level; i++)
            puts_(b, ".");
        if (n->u.import.module)
            puts_(b, n->u.import.module);
    }
    for (int i = 0; i < n->u.import.nnames; i++)
        dump_alias(b, &n->u.import.names[i]);
    puts_(b, ")");
}

static void dump_names(Buf *b, const char *tag, const Node *n)
{
    printf_(b, "(%s", tag);
    for (int i = 0; i < n->u.names.n; i++) {
        puts_(b, " ");
        puts_(b, n->u.names.names[i]);
    }
    puts_(b, ")");
}

static void dump_match(Buf *b, const Node *n)
{
    puts_(b, "(Match ");
    dump(b, n->u.match.subject);
    for (int i = 0; i < n->u.match.ncases; i++) {
        const MatchCase *mc = &n->u.match.cases[i];
        puts_(b, " (case ");
        dump(b, mc->pattern);
        if (mc->guard) {
            puts_(b, " if ");
            dump(b, mc->guard);
        }
        dump_block(b, "body", &mc->body, true);
        puts_(b, ")");
    }
    puts_(b, ")");
}

static void dump_pattern(Buf *b, const Node *n)
{
    switch (n->kind) {
    case P_VALUE: case P_SINGLETON:
        puts_(b, n->kind == P_VALUE ? "(MatchValue " : "(MatchSingleton ");
        dump(b, n->u.value.value);
        break;
    case P_SEQUENCE: puts_(b, "(MatchSequence"); dump_children(b, &n->u.seq.elts); break;
    case P_OR: puts_(b, "(MatchOr"); dump_children(b, &n->u.seq.elts); break;
    case P_MAPPING:
        puts_(b, "(MatchMapping");
        for (int i = 0; i < n->u.mapping.keys.n; i++) {
            puts_(b, " ");
            dump(b, n->u.mapping.keys.items[i]);
            puts_(b, ":");
            dump(b, n->u.mapping.patterns.items[i]);
        }
        if (n->u.mapping.rest)
            printf_(b, " **%s", n->u.mapping.rest);
        break;
    case P_CLASS:
        puts_(b, "(MatchClass ");
        dump(b, n->u.pclass.cls);
        dump_children(b, &n->u.pclass.patterns);
        for (int i = 0; i < n->u.pclass.kwd_patterns.n; i++) {
            printf_(b, " %s=", n->u.pclass.kwd_attrs[i]);
            dump(b, n->u.pclass.kwd_patterns.items[i]);
        }
        break;
    case P_STAR: printf_(b, "(MatchStar %s", n->u.name ? n->u.name : "_"); break;
    case P_AS:
        puts_(b, "(MatchAs");
        if (n->u.as.pattern) {
            puts_(b, " ");
            dump(b, n->u.as.pattern);
        }
        printf_(b, " %s", n->u.as.name ? n->u.as.name : "_");
        break;
    default: printf_(b, "(?%d", (int)n->kind); break;
    }
    puts_(b, ")");
}

static void dump_value_stmt(Buf *b, const char *tag, const Node *v)
{
    printf_(b, "(%s", tag);
    if (v) {
        puts_(b, " ");
        dump(b, v);
    }
    puts_(b, ")");
}

static void dump_stmt(Buf *b, const Node *n)
{
    switch (n->kind) {
    case S_MODULE: puts_(b, "(Module"); dump_children(b, &n->u.block.body); puts_(b, ")"); break;
    case S_EXPR: dump_value_stmt(b, "Expr", n->u.value.value); break;
    case S_ASSIGN:
        puts_(b, "(Assign");
        dump_children(b, &n->u.assign.targets);
        puts_(b, " ");
        dump(b, n->u.assign.value);
        puts_(b, ")");
        break;
    case S_AUGASSIGN:
        puts_(b, "(AugAssign ");
        dump(b, n->u.augassign.target);
        printf_(b, " %s= ", op_name(n->u.augassign.op));
        dump(b, n->u.augassign.value);
        puts_(b, ")");
        break;
    case S_ANNASSIGN:
        puts_(b, "(AnnAssign ");
        dump(b, n->u.annassign.target);
        puts_(b, " ");
        dump(b, n->u.annassign.annotation);
        if (n->u.annassign.value) {
            puts_(b, " ");
            dump(b, n->u.annassign.value);
        }
        puts_(b, ")");
        break;
    case S_IF: case S_WHILE:
        puts_(b, n->kind == S_IF ? "(If " : "(While ");
        dump(b, n->u.cond.test);
        dump_block(b, "body", &n->u.cond.body, true);
        dump_block(b, "else", &n->u.cond.orelse, false);
        puts_(b, ")");
        break;
    case S_FOR:
        puts_(b, n->u.forloop.is_async ? "(AsyncFor " : "(For ");
        dump(b, n->u.forloop.target);
        puts_(b, " ");
        dump(b, n->u.forloop.iter);
        dump_block(b, "body", &n->u.forloop.body, true);
        dump_block(b, "else", &n->u.forloop.orelse, false);
        puts_(b, ")");
        break;
    case S_BREAK: puts_(b, "(Break)"); break;
    case S_CONTINUE: puts_(b, "(Continue)"); break;
    case S_PASS: puts_(b, "(Pass)"); break;
    case S_RETURN: dump_value_stmt(b, "Return", n->u.value.value); break;
    case S_DEF: dump_def(b, n); break;
    case S_CLASS: dump_class(b, n); break;
    case S_TYPEALIAS:
        puts_(b, "(TypeAlias ");
        puts_(b, n->u.typealias.name);
        dump_block(b, "type_params", &n->u.typealias.type_params, false);
        puts_(b, " ");
        dump(b, n->u.typealias.value);
        puts_(b, ")");
        break;
    case T_TYPEVAR: case T_TYPEVARTUPLE: case T_PARAMSPEC:
        printf_(b, "(%s ", n->kind == T_TYPEVAR ? "TypeVar" : n->kind == T_PARAMSPEC ? "ParamSpec" : "TypeVarTuple");
        puts_(b, n->u.typeparam.name);
        if (n->u.typeparam.bound) {
            puts_(b, " ");
            dump(b, n->u.typeparam.bound);
        }
        puts_(b, ")");
        break;
    case S_GLOBAL: dump_names(b, "Global", n); break;
    case S_NONLOCAL: dump_names(b, "Nonlocal", n); break;
    case S_DEL: puts_(b, "(Delete"); dump_children(b, &n->u.seq.elts); puts_(b, ")"); break;
    case S_ASSERT:
        puts_(b, "(Assert ");
        dump(b, n->u.assert_.test);
        if (n->u.assert_.msg) {
            puts_(b, " ");
            dump(b, n->u.assert_.msg);
        }
        puts_(b, ")");
        break;
    case S_RAISE:
        puts_(b, "(Raise");
        if (n->u.raise.exc) {
            puts_(b, " ");
            dump(b, n->u.raise.exc);
        }
        if (n->u.raise.cause) {
            puts_(b, " (from ");
            dump(b, n->u.raise.cause);
            puts_(b, ")");
        }
        puts_(b, ")");
        break;
    case S_TRY: dump_try(b, n); break;
    case S_WITH: dump_with(b, n); break;
    case S_IMPORT: case S_IMPORTFROM: dump_import(b, n); break;
    case S_MATCH: dump_match(b, n); break;
    default:
        if (n->kind >= P_VALUE && n->kind < NODE_KIND_COUNT)
            dump_pattern(b, n);
        else
            printf_(b, "(?%d)", (int)n->kind);
        break;
    }
}

static void dump(Buf *b, const Node *n)
{
    if (!n)
        puts_(b, "NULL");
    else if (n->kind < S_MODULE)
        dump_expr(b, n);
    else
        dump_stmt(b, n);
}

char *ast_dump(const Node *n)
{
    Buf b = {0};
    dump(&b, n);
    if (b.oom) {
        free(b.s);
        return NULL;
    }
    if (!b.s)
        return calloc(1, 1);
    return b.s;
}
