/* The parser driver: feeds lexer tokens to the lemon parser, builds the
 * nodes the grammar actions ask for, checks assignment targets and parameter
 * lists, decodes string literals and f-strings, and words syntax errors the
 * way CPython 3.11 does.
 *
 * Sections, in order: errors; node construction; targets; strings and
 * f-strings; calls and parameters; statements; syntax error messages; the
 * driver and ast_parse().
 */
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar.h"
#include "parse_internal.h"
#include "unidata.h"
#include "unidata_norm.h"

/* ========================================================================
 * Errors
 * ===================================================================== */

static void fill_error(ParseError *e, const char *kind, int line, int col,
                       int end_line, int end_col, const char *prefix,
                       const char *fmt, va_list ap)
{
    size_t off = 0;
    e->kind = kind;
    e->origin = ORIGIN_PARSER;
    e->at_eof = false;      /* parse_syntax_error says when it is */
    if (prefix && strncmp(fmt, "f-string", 8) != 0) {
        off = strlen(prefix);
        memcpy(e->msg, prefix, off);
    }
    vsnprintf(e->msg + off, sizeof e->msg - off, fmt, ap);
    e->line = line;
    e->col = col;
    e->end_line = end_line;
    e->end_col = end_col;
    if (end_line < line || (end_line == line && end_col < col)) {
        e->end_line = line;
        e->end_col = col + 1;
    }
}

static void verror(ParseCtx *ctx, const char *kind, int line, int col,
                   int end_line, int end_col, const char *fmt, va_list ap)
{
    if (ctx->failed)
        return;
    ctx->failed = true;
    ctx->rescan = true;
    /* In a replacement field 3.12 names a plain syntax error after what
     * it could not read: the expression (its first token failed) or what
     * follows it. Other messages are the same as outside f-strings. */
    if (ctx->fdepth > 0 && !strcmp(fmt, "invalid syntax"))
        fmt = ctx->ftokens <= 1 ? "f-string: expecting a valid expression after '{'"
                                : "f-string: expecting '=', or '!', or ':', or '}'";
    fill_error(ctx->err, kind, line, col, end_line, end_col, NULL, fmt, ap);
    /* The line CPython's tokenizer is on: that of the last token read
     * before this one, or of the error if it lies further (a rule reduced
     * late, at the next statement's first token, is reported as early). */
    const ParseCtx *top = ctx;
    while (top->outer)
        top = top->outer;
    int last = top->last_real_code > 0 ? top->last_real.line : top->cur.line;
    ctx->err->tok_line = last > line ? last : line;
}

void parse_error(ParseCtx *ctx, const char *kind, int line, int col,
                 int end_line, int end_col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(ctx, kind, line, col, end_line, end_col, fmt, ap);
    va_end(ap);
}

/* A node's own span: a grouped node's is not the one it carries. */
static void own_span(const ParseCtx *ctx, const Node *n, int span[4])
{
    span[0] = n->line, span[1] = n->col, span[2] = n->end_line, span[3] = n->end_col;
    for (; ctx; ctx = ctx->outer)
        for (int i = 0; i < ctx->ngroups; i++)
            if (ctx->groups[i].node == n) {
                const Group *g = &ctx->groups[i];
                span[0] = g->line, span[1] = g->col, span[2] = g->end_line, span[3] = g->end_col;
                return;
            }
}

void error_at_node(ParseCtx *ctx, const Node *n, const char *fmt, ...)
{
    int s[4];
    own_span(ctx, n, s);
    va_list ap;
    va_start(ap, fmt);
    verror(ctx, "SyntaxError", s[0], s[1], s[2], s[3], fmt, ap);
    va_end(ap);
}

/* How many columns a token covers in CPython's error spans: all of it (a
 * NEWLINE's takes in its line end and any comment before it, as in 3.12);
 * one for the tokens made up at the end of input, which 3.12 counts as a
 * line end too. */
static int tok_width(const Token *t)
{
    return t->len == 0 && *t->s == '\0' ? 1 : t->len;
}

void error_at_tok(ParseCtx *ctx, const Token *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(ctx, "SyntaxError", t->line, t->col, t->line, t->col + tok_width(t), fmt, ap);
    va_end(ap);
}

/* An error CPython's compiler or symbol table would report: kept until the
 * whole input has parsed, since any syntax error anywhere comes first. The
 * symbol table runs before the compiler, so its errors (rank 0) beat the
 * compiler's (rank 1); within a rank the first one found is kept. */
static void vdeferred(ParseCtx *ctx, int rank, const int span[4], const char *fmt,
                      va_list ap)
{
    while (ctx->outer)
        ctx = ctx->outer;
    if (ctx->deferred && ctx->deferred_rank <= rank)
        return;
    ctx->deferred = true;
    ctx->deferred_rank = rank;
    fill_error(&ctx->later, "SyntaxError", span[0], span[1], span[2], span[3], NULL,
               fmt, ap);
    ctx->later.origin = ORIGIN_COMPILER;
}

static bool deferred_taken(const ParseCtx *ctx, int rank)
{
    while (ctx->outer)
        ctx = ctx->outer;
    return ctx->deferred && ctx->deferred_rank <= rank;
}

void deferred_error_at_node(ParseCtx *ctx, const Node *n, const char *fmt, ...)
{
    if (deferred_taken(ctx, 1))
        return;
    int span[4];
    own_span(ctx, n, span);
    va_list ap;
    va_start(ap, fmt);
    vdeferred(ctx, 1, span, fmt, ap);
    va_end(ap);
}

static void deferred_error_at(ParseCtx *ctx, int rank, int line, int col, int end_line,
                              int end_col, const char *fmt, ...)
{
    int span[4] = { line, col, end_line, end_col };
    va_list ap;
    va_start(ap, fmt);
    vdeferred(ctx, rank, span, fmt, ap);
    va_end(ap);
}

void parse_oom(ParseCtx *ctx)
{
    if (ctx->failed)
        return;
    ctx->failed = true;
    ctx->rescan = false;
    memset(ctx->err, 0, sizeof *ctx->err);
    ctx->err->kind = "MemoryError";
    snprintf(ctx->err->msg, sizeof ctx->err->msg, "out of memory while parsing");
}

/* ========================================================================
 * Node construction
 * ===================================================================== */

void *palloc(ParseCtx *ctx, size_t size)
{
    void *p = ast_alloc(ctx->arena, size);
    if (!p)
        parse_oom(ctx);
    return p;
}

Node *mk(ParseCtx *ctx, NodeKind kind)
{
    Node *n = ast_new_node(ctx->arena, kind);
    if (!n) {
        parse_oom(ctx);
        return ctx->poison;
    }
    return n;
}

static char *copy_str(ParseCtx *ctx, const char *s, size_t len)
{
    char *p = palloc(ctx, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

static int put_utf8(char *out, unsigned cp);   /* below, with the string escapes */

/* A non-ASCII identifier in NFKC, as PEP 3131 has the parser store it, so
 * that 'ﬁ' and 'fi' (or a decomposed and a precomposed 'é') name the same
 * variable. NULL when memory ran out. */
static char *nfkc_ident(ParseCtx *ctx, const char *s, size_t len)
{
    uint32_t *cps = malloc(len * sizeof *cps);
    if (!cps)
        return NULL;
    size_t n = 0;
    for (const char *p = s; p < s + len;)
        cps[n++] = lexer_utf8_decode(&p);
    size_t out_n = 0;
    uint32_t *norm = unidata_normalize(cps, n, true, true, &out_n);
    free(cps);
    if (!norm)
        return NULL;
    char *d = palloc(ctx, out_n * 4 + 1);
    if (d) {
        size_t k = 0;
        for (size_t i = 0; i < out_n; i++)
            k += (size_t)put_utf8(d + k, norm[i]);
        d[k] = '\0';
    }
    free(norm);
    return d;
}

const char *ident(ParseCtx *ctx, const Token *t)
{
    char *s = NULL;
    for (int i = 0; i < t->len; i++)
        if ((unsigned char)t->s[i] >= 0x80) {
            s = nfkc_ident(ctx, t->s, (size_t)t->len);
            return s ? s : "";
        }
    s = copy_str(ctx, t->s, (size_t)t->len);
    return s ? s : "";
}

void start_at(Node *n, const Token *t)
{
    n->line = t->line;
    n->col = t->col;
}

void end_at(Node *n, const Token *t)
{
    n->end_line = t->line;
    n->end_col = t->col + t->len;
}

void start_node(Node *n, const Node *from)
{
    n->line = from->line;
    n->col = from->col;
}

void end_node(Node *n, const Node *from)
{
    n->end_line = from->end_line;
    n->end_col = from->end_col;
}

static void span_nodes(Node *n, const Node *first, const Node *last)
{
    start_node(n, first);
    end_node(n, last);
}

/* Remembers the latest expression at `or` level or tighter, for "Perhaps
 * you forgot a comma?": the expression before the offending token. */
static Node *disj(ParseCtx *ctx, Node *n)
{
    ctx->disj = n;
    return n;
}

Node *mk_tok(ParseCtx *ctx, NodeKind kind, const Token *t)
{
    Node *n = mk(ctx, kind);
    start_at(n, t);
    end_at(n, t);
    return disj(ctx, n);
}

Node *mk_name(ParseCtx *ctx, const Token *t)
{
    Node *n = mk_tok(ctx, E_NAME, t);
    n->u.name = ident(ctx, t);
    return n;
}

/* Copies a number's text without its underscores (and radix prefix). */
static char *digits_of(ParseCtx *ctx, const char *s, int len)
{
    char *d = palloc(ctx, (size_t)len + 1);
    if (!d)
        return NULL;
    int n = 0;
    for (int i = 0; i < len; i++)
        if (s[i] != '_')
            d[n++] = s[i];
    d[n] = '\0';
    return d;
}

/* strtod() follows LC_NUMERIC; Python source always uses '.'. */
static double parse_float(const char *s)
{
    char *end;
    double d = strtod(s, &end);
    if (*end != '.')
        return d;
    const char *point = localeconv()->decimal_point;
    char buf[512];
    size_t n = strlen(s), plen = strlen(point);
    if (n + plen >= sizeof buf)
        return d;
    size_t dot = (size_t)(end - s);
    memcpy(buf, s, dot);
    memcpy(buf + dot, point, plen);
    memcpy(buf + dot + plen, s + dot + 1, n - dot);
    return strtod(buf, NULL);
}

Node *mk_number(ParseCtx *ctx, const Token *t)
{
    const char *s = t->s;
    int base = 10, skip = 0;
    if (t->len > 1 && s[0] == '0') {
        char c = (char)(s[1] | 0x20);
        base = c == 'x' ? 16 : c == 'o' ? 8 : c == 'b' ? 2 : 10;
        skip = base == 10 ? 0 : 2;
    }
    bool is_float = false, imag = base == 10 && (s[t->len - 1] | 0x20) == 'j';
    if (base == 10)
        for (int i = 0; i < t->len; i++)
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
                is_float = true;
    Node *n = mk_tok(ctx, imag ? E_IMAG : is_float ? E_FLOAT : E_INT, t);
    /* The lexer lets a keyword follow a number unspaced (`1if x else 2`);
     * 3.12 warns. */
    unsigned char next = (unsigned char)s[t->len];
    if (next == '_' || (unsigned)((next | 0x20) - 'a') < 26u)
        /* (made an error, CPython points just past the number) */
        ast_warn(ctx->arena, t->line, t->col + t->len - 1, t->line, t->col + t->len - 1, "invalid %s literal",
                 imag ? "imaginary" : base == 16 ? "hexadecimal" : base == 8 ? "octal" : base == 2 ? "binary" : "decimal");
    char *d = digits_of(ctx, s + skip, t->len - skip - imag);
    if (!d)
        return n;
    if (is_float || imag) {
        n->u.fval = parse_float(d);
    } else {
        n->u.int_lit.digits = d;
        n->u.int_lit.base = base;
    }
    return n;
}

Node *mk_binop(ParseCtx *ctx, Node *l, AstOp op, Node *r)
{
    Node *n = mk(ctx, E_BINOP);
    n->u.binop.left = l;
    n->u.binop.op = op;
    n->u.binop.right = r;
    span_nodes(n, l, r);
    return disj(ctx, n);
}

Node *mk_unary(ParseCtx *ctx, const Token *op_tok, AstOp op, Node *operand)
{
    Node *n = mk(ctx, E_UNARY);
    n->u.unary.op = op;
    n->u.unary.operand = operand;
    start_at(n, op_tok);
    end_node(n, operand);
    return disj(ctx, n);
}

Node *mk_boolop(ParseCtx *ctx, AstOp op, NodeList values)
{
    Node *n = mk(ctx, E_BOOLOP);
    n->u.boolop.op = op;
    n->u.boolop.values = values;
    if (values.n > 0)
        span_nodes(n, values.items[0], values.items[values.n - 1]);
    return disj(ctx, n);
}

CmpChain *cmp_add(ParseCtx *ctx, CmpChain *c, AstOp op, Node *right)
{
    if (!c) {
        c = palloc(ctx, sizeof *c);
        if (!c)
            return NULL;
    }
    int cap = c->cap;
    if (!ast_grow(ctx->arena, (void **)&c->ops, c->comparators.n, &cap, sizeof(AstOp))) {
        parse_oom(ctx);
        return c;
    }
    c->cap = cap;
    c->ops[c->comparators.n] = op;
    list_add(ctx, &c->comparators, right);
    return c;
}

Node *mk_compare(ParseCtx *ctx, Node *left, CmpChain *c)
{
    if (!c || c->comparators.n == 0)
        return left;
    Node *n = mk(ctx, E_COMPARE);
    n->u.compare.left = left;
    n->u.compare.ops = c->ops;
    n->u.compare.comparators = c->comparators;
    span_nodes(n, left, c->comparators.items[c->comparators.n - 1]);
    return disj(ctx, n);
}

Node *mk_ifexp(ParseCtx *ctx, Node *body, Node *test, Node *orelse)
{
    Node *n = mk(ctx, E_IFEXP);
    n->u.ifexp.test = test;
    n->u.ifexp.body = body;
    n->u.ifexp.orelse = orelse;
    span_nodes(n, body, orelse);
    return n;
}

static const char *expr_name(const Node *e);

static void check_named_target(ParseCtx *ctx, Node *target)
{
    if (target->kind == E_NAME)
        target->ctx = CTX_STORE;
    else
        error_at_node(ctx, target, "cannot use assignment expressions with %s",
                      expr_name(target));
}

Node *mk_named(ParseCtx *ctx, Node *target, Node *value)
{
    check_named_target(ctx, target);
    Node *n = mk(ctx, E_NAMEDEXPR);
    n->u.named.target = target;
    n->u.named.value = value;
    span_nodes(n, target, value);
    return n;
}

Node *mk_starred(ParseCtx *ctx, const Token *star, Node *value)
{
    Node *n = mk(ctx, E_STARRED);
    n->u.starred.value = value;
    start_at(n, star);
    end_node(n, value);
    return n;
}

Node *mk_attr(ParseCtx *ctx, Node *value, const Token *name)
{
    Node *n = mk(ctx, E_ATTR);
    n->u.attr.value = value;
    n->u.attr.name = ident(ctx, name);
    start_node(n, value);
    end_at(n, name);
    return disj(ctx, n);
}

Node *mk_subscript(ParseCtx *ctx, Node *value, Node *index, const Token *rsqb)
{
    Node *n = mk(ctx, E_SUBSCRIPT);
    n->u.subscript.value = value;
    n->u.subscript.index = index;
    start_node(n, value);
    end_at(n, rsqb);
    return disj(ctx, n);
}

/* CPython's slice spans from its first to its last part, colons included. */
Node *mk_slice(ParseCtx *ctx, Node *lower, const Token *c1, Node *upper,
               const Token *c2, Node *step)
{
    Node *n = mk(ctx, E_SLICE);
    n->u.slice.lower = lower;
    n->u.slice.upper = upper;
    n->u.slice.step = step;
    if (lower)
        start_node(n, lower);
    else
        start_at(n, c1);
    if (step)
        end_node(n, step);
    else if (c2)
        end_at(n, c2);
    else if (upper)
        end_node(n, upper);
    else
        end_at(n, c1);
    return n;
}

Node *mk_await(ParseCtx *ctx, const Token *kw, Node *value)
{
    Node *n = mk(ctx, E_AWAIT);
    n->u.value.value = value;
    start_at(n, kw);
    end_node(n, value);
    return disj(ctx, n);
}

Node *mk_yield(ParseCtx *ctx, NodeKind kind, const Token *kw, Node *value)
{
    Node *n = mk(ctx, kind);
    n->u.value.value = value;
    start_at(n, kw);
    if (value)
        end_node(n, value);
    else
        end_at(n, kw);
    return n;
}

NodeList list1(ParseCtx *ctx, Node *n)
{
    NodeList l = {0};
    list_add(ctx, &l, n);
    return l;
}

void list_add(ParseCtx *ctx, NodeList *l, Node *n)
{
    if (!ast_list_append(ctx->arena, l, n))
        parse_oom(ctx);
}

void nodelist_extend(ParseCtx *ctx, NodeList *l, const NodeList *more)
{
    for (int i = 0; i < more->n; i++)
        list_add(ctx, l, more->items[i]);
}

Node *mk_seq(ParseCtx *ctx, NodeKind kind, NodeList elts, const Token *open,
             const Token *close)
{
    Node *n = mk(ctx, kind);
    n->u.seq.elts = elts;
    start_at(n, open);
    end_at(n, close);
    return disj(ctx, n);
}

/* A tuple written without parentheses starts at its first element. */
static bool is_bare_tuple(const Node *n)
{
    if (n->kind != E_TUPLE || n->u.seq.elts.n == 0)
        return false;
    const Node *first = n->u.seq.elts.items[0];
    return first->line == n->line && first->col == n->col;
}

/* A subscript's index: as a bare tuple, but a lone `*x` makes a tuple. */
Node *subscript_index(ParseCtx *ctx, NodeList elts, const Token *comma)
{
    if (elts.n == 1 && !comma && elts.items[0]->kind == E_STARRED) {
        Node *n = mk(ctx, E_TUPLE);
        n->u.seq.elts = elts;
        span_nodes(n, elts.items[0], elts.items[0]);
        return n;
    }
    return bare_tuple(ctx, elts, comma);
}

Node *bare_tuple(ParseCtx *ctx, NodeList elts, const Token *comma)
{
    if (elts.n == 0)
        return ctx->poison;
    if (elts.n == 1 && !comma)
        return elts.items[0];
    Node *n = mk(ctx, E_TUPLE);
    n->u.seq.elts = elts;
    start_node(n, elts.items[0]);
    if (comma)
        end_at(n, comma);
    else
        end_node(n, elts.items[elts.n - 1]);
    return n;
}

Node *mk_with_as(ParseCtx *ctx, Node *context, const Token *as, Node *target)
{
    Node *n = mk(ctx, E_WITH_AS);
    n->u.named.value = context;
    n->u.named.target = target;
    start_at(n, as);
    end_at(n, as);
    return n;
}

static int line_keyword(const ParseCtx *ctx);

/* Widens n to the parentheses around it (see Group). */
Node *group(ParseCtx *ctx, Node *n, const Token *open, const Token *close)
{
    if (n == ctx->poison)
        return n;
    if (!ast_grow(ctx->arena, (void **)&ctx->groups, ctx->ngroups, &ctx->capgroups,
                  sizeof(Group))) {
        parse_oom(ctx);
        return n;
    }
    ctx->groups[ctx->ngroups++] = (Group){ n, n->line, n->col, n->end_line, n->end_col };
    start_at(n, open);
    end_at(n, close);
    ctx->last_group = n;
    return n;
}

/* Gives every grouped node its own span back, innermost group last. */
static void restore_groups(ParseCtx *ctx)
{
    for (int i = ctx->ngroups - 1; i >= 0; i--) {
        Group *g = &ctx->groups[i];
        g->node->line = g->line;
        g->node->col = g->col;
        g->node->end_line = g->end_line;
        g->node->end_col = g->end_col;
    }
    ctx->ngroups = 0;
}

/* `(x)`, `(x,)`, `(x, y)`: a group is its element. */
Node *paren_group(ParseCtx *ctx, NodeList elts, bool comma, const Token *open,
                  const Token *close)
{
    for (int i = 0; i < elts.n; i++)
        if (elts.items[i]->kind == E_WITH_AS) {
            /* In a with statement, CPython first reads on to the colon. */
            if (line_keyword(ctx) == TK_WITH)
                error_at_tok(ctx, &ctx->cur, ctx->cur_code == TK_NEWLINE ? "expected ':'" : "invalid syntax");
            else
                error_at_node(ctx, elts.items[i], "invalid syntax");
            return ctx->poison;
        }
    if (elts.n == 1 && !comma) {
        Node *e = elts.items[0];
        if (e->kind == E_STARRED)
            error_at_node(ctx, e, ctx->fdepth > 0 ? "can't use starred expression here"
                                                  : "cannot use starred expression here");
        return group(ctx, e, open, close);
    }
    return mk_seq(ctx, E_TUPLE, elts, open, close);
}

DictItems *dict_add(ParseCtx *ctx, DictItems *d, Node *key, Node *value)
{
    if (!d) {
        d = palloc(ctx, sizeof *d);
        if (!d)
            return NULL;
    }
    list_add(ctx, &d->keys, key);
    list_add(ctx, &d->values, value);
    return d;
}

Node *mk_dict(ParseCtx *ctx, DictItems *items, const Token *open, const Token *close)
{
    Node *n = mk(ctx, E_DICT);
    if (items && items->keys.n == items->values.n) {
        n->u.dict.keys = items->keys;
        n->u.dict.values = items->values;
    }
    start_at(n, open);
    end_at(n, close);
    return disj(ctx, n);
}

/* `[a, b for a in c]`: CPython marks the elements. */
Node *comp_target_error(ParseCtx *ctx, NodeList elts)
{
    const Node *first = elts.items[0], *last = elts.items[elts.n - 1];
    parse_error(ctx, "SyntaxError", first->line, first->col, last->end_line, last->end_col,
                "did you forget parentheses around the comprehension target?");
    return elts.items[0];
}

Node *mk_comp(ParseCtx *ctx, NodeKind kind, Node *elt, Node *value, CompList *gens,
              const Token *open, const Token *close)
{
    if (elt->kind == E_STARRED)
        error_at_node(ctx, elt, "iterable unpacking cannot be used in comprehension");
    Node *n = mk(ctx, kind);
    n->u.comp.elt = elt;
    n->u.comp.value = value;
    if (gens) {
        n->u.comp.generators = gens->items;
        n->u.comp.ngenerators = gens->n;
    }
    start_at(n, open);
    end_at(n, close);
    return disj(ctx, n);
}

Node *dstar_comp_error(ParseCtx *ctx, const Token *dstar)
{
    error_at_tok(ctx, dstar, "dict unpacking cannot be used in dict comprehension");
    return ctx->poison;
}

/* ========================================================================
 * Targets
 *
 * Targets are parsed as expressions; these functions find the first part
 * that cannot be assigned to (or deleted), as CPython's
 * _PyPegen_get_invalid_target() does, and otherwise set `ctx`.
 * ===================================================================== */

typedef enum TargetsType { T_STAR, T_FOR, T_DEL } TargetsType;

static const char *expr_name(const Node *e)
{
    switch (e->kind) {
    case E_ATTR: return "attribute";
    case E_SUBSCRIPT: return "subscript";
    case E_STARRED: return "starred";
    case E_NAME: return "name";
    case E_LIST: return "list";
    case E_TUPLE: return "tuple";
    case E_LAMBDA: return "lambda";
    case E_CALL: return "function call";
    case E_BOOLOP: case E_BINOP: case E_UNARY: return "expression";
    case E_GENEXP: return "generator expression";
    case E_YIELD: case E_YIELDFROM: return "yield expression";
    case E_AWAIT: return "await expression";
    case E_LISTCOMP: return "list comprehension";
    case E_SETCOMP: return "set comprehension";
    case E_DICTCOMP: return "dict comprehension";
    case E_DICT: return "dict literal";
    case E_SET: return "set display";
    case E_FSTRING: case E_FORMATTED: return "f-string expression";
    case E_NONE: return "None";
    case E_TRUE: return "True";
    case E_FALSE: return "False";
    case E_ELLIPSIS: return "ellipsis";
    case E_INT: case E_FLOAT: case E_IMAG: case E_STR: case E_BYTES: return "literal";
    case E_COMPARE: return "comparison";
    case E_IFEXP: return "conditional expression";
    case E_NAMEDEXPR: return "named expression";
    default: return "expression";
    }
}

static Node *invalid_target(Node *e, TargetsType type)
{
    switch (e->kind) {
    case E_TUPLE: case E_LIST:
        for (int i = 0; i < e->u.seq.elts.n; i++) {
            Node *bad = invalid_target(e->u.seq.elts.items[i], type);
            if (bad)
                return bad;
        }
        return NULL;
    case E_STARRED:
        return type == T_DEL ? e : invalid_target(e->u.starred.value, type);
    case E_NAME: case E_ATTR: case E_SUBSCRIPT:
        return NULL;
    default:
        return e;
    }
}

static void set_ctx(Node *e, AstCtx c)
{
    e->ctx = c;
    if (e->kind == E_TUPLE || e->kind == E_LIST)
        for (int i = 0; i < e->u.seq.elts.n; i++)
            set_ctx(e->u.seq.elts.items[i], c);
    else if (e->kind == E_STARRED)
        set_ctx(e->u.starred.value, c);
}

/* The compiler's checks on starred targets (reported as deferred errors). */
static void check_starred(ParseCtx *ctx, Node *t, bool top)
{
    if (t->kind == E_STARRED) {
        if (top)
            deferred_error_at_node(ctx, t, "starred assignment target must be "
                                   "in a list or tuple");
        check_starred(ctx, t->u.starred.value, false);
        return;
    }
    if (t->kind != E_TUPLE && t->kind != E_LIST)
        return;
    int nstar = 0;
    for (int i = 0; i < t->u.seq.elts.n; i++) {
        Node *e = t->u.seq.elts.items[i];
        nstar += e->kind == E_STARRED;
        check_starred(ctx, e, false);
    }
    if (nstar > 1)
        deferred_error_at_node(ctx, t, "multiple starred expressions in assignment");
}

/* Checks a for, with or comprehension target and marks it for storing. */
static void store_target(ParseCtx *ctx, Node *t, TargetsType type)
{
    Node *bad = invalid_target(t, type);
    if (bad) {
        error_at_node(ctx, bad, "cannot assign to %s", expr_name(bad));
        return;
    }
    set_ctx(t, CTX_STORE);
    check_starred(ctx, t, true);
}

/* ========================================================================
 * Strings and f-strings
 *
 * The grammar hands over the first of n adjacent STRING tokens; they are
 * scanned again here with a fragment lexer, decoded into one arena buffer
 * and concatenated. Decoding never makes a literal longer, so the sum of
 * the token lengths bounds the buffer.
 * ===================================================================== */

typedef struct StrTok {
    Token t;                /* the whole token, prefix and quotes included */
    const char *body;       /* between the quotes */
    int body_len;
    bool raw, bytes, fstr;
    char quote;
    bool triple;
    /* A position inside the token, advanced as f-string parsing proceeds,
     * so that locating each replacement field is linear overall. */
    const char *at;
    int at_line, at_col;
} StrTok;

static void split_string(const Token *t, StrTok *st)
{
    memset(st, 0, sizeof *st);
    st->t = *t;
    const char *p = t->s;
    for (; *p != '\'' && *p != '"'; p++) {
        char c = (char)(*p | 0x20);
        st->raw |= c == 'r';
        st->bytes |= c == 'b';
        st->fstr |= c == 'f';
    }
    int q = p[1] == p[0] && p[2] == p[0] && t->len - (p - t->s) >= 6 ? 3 : 1;
    st->quote = *p;
    st->triple = q == 3;
    st->body = p + q;
    st->body_len = (int)(t->s + t->len - st->body) - q;
    st->at = t->s;
    st->at_line = t->line;
    st->at_col = t->col;
}

/* The line and column of p, a byte inside the token. */
static void locate(StrTok *st, const char *p, int *line, int *col)
{
    for (; st->at < p; st->at++) {
        if (*st->at == '\n') {
            st->at_line++;
            st->at_col = 0;
        } else {
            st->at_col++;
        }
    }
    *line = st->at_line;
    *col = st->at_col;
}

static void token_end(const Token *t, int *line, int *col)
{
    if (!memchr(t->s, '\n', (size_t)t->len)) {
        *line = t->line;
        *col = t->col + t->len;
        return;
    }
    StrTok st;
    split_string(t, &st);
    locate(&st, t->s + t->len, line, col);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Writes code point cp as UTF-8 (surrogates too, as \u escapes can make
 * them) and returns the byte count. */
static int put_utf8(char *out, unsigned cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* CPython decodes a literal after reading the token that follows it, and
 * reports bad escapes there. */
/* A position in CPython's escape error messages: CPython hands the codec
 * the literal with each non-ASCII character spelt as a 10-byte \UXXXXXXXX
 * escape, so each counts 10 (the last of them, for an inclusive end). */
static long escape_pos(const char *base, const char *at, bool end)
{
    long pos = 0;
    for (const char *q = base; q < at; q++)
        pos += (unsigned char)*q < 0x80 ? 1 : (*q & 0xC0) != 0x80 ? 10 : 0;
    if (end && (unsigned char)*at >= 0x80)
        pos += 9;
    return pos;
}

/* An escape's error: [from, to] (inclusive) within the text at base. */
static void escape_error(ParseCtx *ctx, const StrTok *st, bool bytes, const char *base,
                         const char *from, const char *to, const char *what)
{
    int line, col, end_line, end_col;
    token_end(&st->t, &end_line, &end_col);
    long start = escape_pos(base, from, false), end = escape_pos(base, to, true);
    /* CPython 3.12 spans the literal's token; an f-string's error comes when
     * its closing quote has been read, and spans that. */
    if (st->fstr) {
        line = end_line;
        col = end_col - (st->triple ? 3 : 1);
    } else {
        line = st->t.line;
        col = st->t.col;
    }
    if (bytes)
        parse_error(ctx, "SyntaxError", line, col, end_line, end_col,
                    "(value error) invalid \\x escape at position %ld", (long)(from - base));
    else
        parse_error(ctx, "SyntaxError", line, col, end_line, end_col,
                    "(unicode error) 'unicodeescape' codec can't decode bytes in "
                    "position %ld-%ld: %s", start, end, what);
}

/* Reads up to `want` hex digits of a \x, \u or \U escape at p; returns the
 * value, or -1 if fewer digits are there. */
static long hex_escape(const char *p, const char *end, int want, int *got)
{
    long v = 0;
    int i = 0;
    for (; i < want && p + i < end && hexval(p[i]) >= 0; i++)
        v = v * 16 + hexval(p[i]);
    *got = i;
    return i == want ? v : -1;
}

/* \N{name} at p (just past the N): the character's UTF-8 into out, or -1
 * after CPython's error. Only the names the lexicon knows, with aliases;
 * named sequences are for unicodedata.lookup only. */
static int named_escape(ParseCtx *ctx, const StrTok *st, const char *base, const char **pp,
                        const char *end, char *out)
{
    const char *bs = *pp - 2, *p = *pp;
    if (p >= end) {
        escape_error(ctx, st, false, base, bs, end - 1, "malformed \\N character escape");
        return -1;
    }
    if (*p != '{') {
        escape_error(ctx, st, false, base, bs, bs + 1, "malformed \\N character escape");
        return -1;
    }
    const char *name = p + 1, *close = memchr(name, '}', (size_t)(end - name));
    if (!close || close == name) {
        escape_error(ctx, st, false, base, bs, close ? p : end - 1, "malformed \\N character escape");
        return -1;
    }
    *pp = close + 1;
    uint32_t cp[4];
    if (unidata_lookup(name, (size_t)(close - name), false, cp) != 1) {
        escape_error(ctx, st, false, base, bs, close, "unknown Unicode character name");
        return -1;
    }
    return put_utf8(out, cp[0]);
}

/* 3.12's SyntaxWarning for an escape sequence Python does not know (the
 * backslash stays) or an octal escape past \377: n bytes at from, after the
 * backslash. Like CPython's, only the first such escape of a piece of literal
 * text (a string token, or an f-string's text between fields) is reported. */
static void escape_warning(ParseCtx *ctx, const StrTok *st, const char *what, const char *from, int n)
{
    if (ctx->escape_warned)
        return;
    ctx->escape_warned = true;
    int end_line, end_col;
    token_end(&st->t, &end_line, &end_col);
    ast_warn(ctx->arena, st->t.line, st->t.col, end_line, end_col, "invalid %sescape sequence '\\%.*s'", what,
             n, from);
}

/* Decodes one escape sequence at p (just past the backslash) in the text
 * that starts at base. Returns the bytes written to out, or -1 after
 * reporting an error. *pp advances. */
static int decode_escape(ParseCtx *ctx, const StrTok *st, const char *base, const char **pp,
                         const char *end, char *out)
{
    const char *p = *pp, *bs = p - 1;
    char c = *p++;
    *pp = p;
    static const char simple[] = "\n\0\\\\''\"\"a\ab\bf\fn\nr\rt\tv\v";
    for (int i = 0; i < (int)sizeof simple - 1; i += 2)
        if (c == simple[i]) {
            if (c == '\n')
                return 0;
            out[0] = simple[i + 1];
            return 1;
        }
    if (c >= '0' && c <= '7') {
        unsigned v = (unsigned)(c - '0');
        for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; i++)
            v = v * 8 + (unsigned)(*p++ - '0');
        *pp = p;
        if (v > 0377)
            escape_warning(ctx, st, "octal ", bs + 1, (int)(p - bs - 1));
        if (st->bytes) {
            out[0] = (char)(v & 0xff);
            return 1;
        }
        return put_utf8(out, v);
    }
    int want = c == 'x' ? 2 : c == 'u' && !st->bytes ? 4 : c == 'U' && !st->bytes ? 8 : 0;
    if (want) {
        int got;
        long v = hex_escape(p, end, want, &got);
        *pp = p + got;
        if (v < 0) {
            static const char *const what[] = {
                "truncated \\xXX escape", "truncated \\uXXXX escape",
                "truncated \\UXXXXXXXX escape",
            };
            escape_error(ctx, st, st->bytes, base, bs, bs + 1 + got,
                         what[want == 2 ? 0 : want == 4 ? 1 : 2]);
            return -1;
        }
        if (v > 0x10ffff) {
            escape_error(ctx, st, false, base, bs, bs + 9, "illegal Unicode character");
            return -1;
        }
        if (st->bytes) {
            out[0] = (char)v;
            return 1;
        }
        return put_utf8(out, (unsigned)v);
    }
    if (c == 'N' && !st->bytes)
        return named_escape(ctx, st, base, pp, end, out);
    /* An unknown escape keeps its backslash, as in Python. */
    int n = 1;
    while (bs + 1 + n < end && ((unsigned char)bs[1 + n] & 0xC0) == 0x80)
        n++;        /* the rest of a non-ASCII character */
    escape_warning(ctx, st, "", bs + 1, n);
    out[0] = '\\';
    out[1] = c;
    return 2;
}

/* Decodes a literal's text (escapes unless raw) into out; returns the
 * length written or -1 after reporting an error. */
static long decode_text(ParseCtx *ctx, const StrTok *st, const char *p,
                        const char *end, char *out)
{
    if (st->raw) {
        memcpy(out, p, (size_t)(end - p));
        return end - p;
    }
    long n = 0;
    const char *base = p;
    ctx->escape_warned = false;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        const char *stop = bs ? bs : end;
        memcpy(out + n, p, (size_t)(stop - p));
        n += stop - p;
        p = stop;
        if (p < end) {
            p++;
            if (p >= end) {
                out[n++] = '\\';
                break;
            }
            int k = decode_escape(ctx, st, base, &p, end, out + n);
            if (k < 0)
                return -1;
            n += k;
        }
    }
    return n;
}

static bool check_bytes_ascii(ParseCtx *ctx, const StrTok *st)
{
    for (int i = 0; i < st->body_len; i++)
        if ((unsigned char)st->body[i] >= 0x80) {
            int end_line, end_col;
            token_end(&st->t, &end_line, &end_col);
            parse_error(ctx, "SyntaxError", st->t.line, st->t.col, end_line, end_col,
                        "bytes can only contain ASCII literal characters");
            return false;
        }
    return true;
}

/* ---- f-strings ---- */

/* The pieces of an f-string under construction. Decoded text accumulates in
 * buf; [lit, len) is the literal part not yet made into an E_STR. */
typedef struct FBuild {
    ParseCtx *ctx;
    NodeList parts;
    char *buf;
    size_t len, lit;
    const Node *where;      /* the span parts get: the whole literal's */
    int tok_span[4];        /* the current token's, which format specs get */
} FBuild;

static Node *fstring_expr(ParseCtx *ctx, const char *text, size_t len, int line, int col);

static void set_span(Node *n, const int span[4])
{
    n->line = span[0], n->col = span[1], n->end_line = span[2], n->end_col = span[3];
}

/* Makes the pending literal text a part. CPython 3.11 gives it the whole
 * literal's span, except at the end of a format spec, where it gets the
 * token's (tok_span). */
static void fb_flush(FBuild *fb, const int *tok_span)
{
    if (fb->len == fb->lit)
        return;
    Node *s = mk(fb->ctx, E_STR);
    s->u.str.s = fb->buf + fb->lit;
    s->u.str.len = fb->len - fb->lit;
    if (tok_span)
        set_span(s, tok_span);
    else
        span_nodes(s, fb->where, fb->where);
    list_add(fb->ctx, &fb->parts, s);
    fb->lit = fb->len;
}

static bool fb_text(FBuild *fb, const StrTok *st, const char *p, const char *end)
{
    long n = decode_text(fb->ctx, st, p, end, fb->buf + fb->len);
    if (n < 0)
        return false;
    fb->len += (size_t)n;
    return true;
}

/* Errors of the f-string scanner; CPython 3.11 places them at the end of
 * the string. */
static bool fstring_error(FBuild *fb, StrTok *st, const char *msg)
{
    int line, col;
    locate(st, st->t.s + st->t.len, &line, &col);
    parse_error(fb->ctx, "SyntaxError", line, col, line, col + 1, "%s", msg);
    return false;
}

static bool is_name_byte(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u || c == '_' || c >= 0x80;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v' || c == '\r';
}

/* Finds the end of a replacement field's expression (at a `=`, `!`, `:` or
 * `}` outside brackets) with the lexer's own scanner, which found the end
 * of the token the same way (PEP 701). */
static bool find_expr_end(FBuild *fb, StrTok *st, const char **pp)
{
    ParseError err;
    Lexer lx;
    int line, col;
    locate(st, *pp, &line, &col);
    lexer_init_fragment(&lx, *pp, (size_t)(fb->ctx->lim - *pp), line, col, &err);
    const char *end = lexer_fstring_expr(&lx, st->quote, st->triple);
    if (!end) {
        /* Cannot happen: the lexer scanned this token already. */
        parse_error(fb->ctx, err.kind, err.line, err.col, err.end_line, err.end_col,
                    "%s", err.msg);
        return false;
    }
    *pp = end;
    return true;
}

static bool fstring_run(FBuild *fb, StrTok *st, const char **pp, const char *end,
                        int level);

/* Parses the expression text between start and end. */
static Node *field_value(FBuild *fb, StrTok *st, const char *start, const char *end)
{
    const char *p = start;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\f'))
        p++;
    if (p == end) {
        char msg[64];
        snprintf(msg, sizeof msg, "f-string: valid expression required before '%c'", *end);
        fstring_error(fb, st, msg);
        return NULL;
    }
    int line, col;
    if (*end == ':' && end - p >= 6 && !memcmp(p, "lambda", 6) &&
        !is_name_byte((unsigned char)p[6])) {
        /* CPython's range: from `lambda` through the colon */
        int eline, ecol;
        locate(st, p, &line, &col);
        locate(st, end + 1, &eline, &ecol);
        parse_error(fb->ctx, "SyntaxError", line, col, eline, ecol,
                    "f-string: lambda expressions are not allowed without parentheses");
        return NULL;
    }
    locate(st, start, &line, &col);
    return fstring_expr(fb->ctx, start, (size_t)(end - start), line, col);
}

static const char *skip_space_comments(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p == '#') {
            while (p + 1 < end && p[1] != '\n')
                p++;
        } else if (!is_space(*p)) {
            break;
        }
    }
    return p;
}

/* The conversion after the `!` at *pp: a name, as in CPython 3.12. */
static bool fstring_conversion(FBuild *fb, StrTok *st, const char **pp, const char *end,
                               char *conversion)
{
    const char *p = *pp + 1, *name = p;
    while (p < end && is_name_byte((unsigned char)*p))
        p++;
    if (p == name)
        return fstring_error(fb, st, "f-string: missing conversion character");
    if (p - name != 1 || (*name != 's' && *name != 'r' && *name != 'a')) {
        char msg[96];
        snprintf(msg, sizeof msg, "f-string: invalid conversion character '%.*s': "
                 "expected 's', 'r', or 'a'", (int)(p - name) > 20 ? 20 : (int)(p - name), name);
        return fstring_error(fb, st, msg);
    }
    *conversion = *name;
    *pp = skip_space_comments(p, end);
    return true;
}

/* Copies the source text of a self-documenting field (`{x = }`) without
 * its comments, as 3.12 shows it. Strings are skipped whole so that a `#`
 * inside one stays. Returns the bytes written. */
static size_t copy_uncommented(char *dst, const char *p, const char *end)
{
    char *d = dst;
    while (p < end) {
        if (*p == '#') {
            while (p < end && *p != '\n')
                p++;
            continue;
        }
        if (*p != '\'' && *p != '"') {
            *d++ = *p++;
            continue;
        }
        char q = *p;
        size_t ql = p + 2 < end && p[1] == q && p[2] == q ? 3 : 1;
        memcpy(d, p, ql);
        d += ql, p += ql;
        while (p < end && !(*p == q && (ql == 1 || (p + 2 < end && p[1] == q && p[2] == q)))) {
            if (*p == '\\' && p + 1 < end)
                *d++ = *p++;
            *d++ = *p++;
        }
        size_t n = p < end ? ql : 0;
        memcpy(d, p, n);
        d += n, p += n;
    }
    return (size_t)(d - dst);
}

/* A replacement field `{expr=!c:spec}` at *pp (on its `{`). */
static bool fstring_field(FBuild *fb, StrTok *st, const char **pp, const char *end,
                          int level)
{
    if (level >= 3)     /* 3.12 takes {a:{b:{c}}} */
        return fstring_error(fb, st, "f-string: expressions nested too deeply");
    const char *start = *pp + 1, *p = start;
    if (!find_expr_end(fb, st, &p))
        return false;
    Node *value = field_value(fb, st, start, p);
    if (!value)
        return false;
    int fline, fcol;        /* the field's `{` (field_value located its text after it) */
    locate(st, start, &fline, &fcol);
    fcol--;
    bool self_doc = false;
    if (*p == '=') {
        /* `{x = }` shows its own text first, spaces included. */
        p = skip_space_comments(p + 1, end);
        if (p >= end)
            return fstring_error(fb, st, "f-string: expecting '}'");
        fb->len += copy_uncommented(fb->buf + fb->len, start, p);
        self_doc = true;
    }
    fb_flush(fb, NULL);
    char conversion = 0;
    if (*p == '!' && !fstring_conversion(fb, st, &p, end, &conversion))
        return false;
    Node *spec = NULL;
    if (p < end && *p == ':') {
        if (++p >= end)
            return fstring_error(fb, st, "f-string: expecting '}'");
        /* The spec is an f-string of its own, decoded into the same buffer. */
        FBuild sub = *fb;
        sub.parts = (NodeList){0};
        sub.lit = sub.len;
        if (!fstring_run(&sub, st, &p, end, level + 1))
            return false;
        fb_flush(&sub, fb->tok_span);
        fb->len = fb->lit = sub.len;
        spec = mk(fb->ctx, E_FSTRING);
        spec->u.list = sub.parts;
        set_span(spec, fb->tok_span);
    }
    if (p >= end || *p != '}')
        return fstring_error(fb, st, "f-string: expecting '}'");
    *pp = p + 1;
    if (self_doc && !conversion && !spec)
        conversion = 'r';
    Node *f = mk(fb->ctx, E_FORMATTED);
    f->u.formatted.value = value;
    f->u.formatted.conversion = conversion;
    f->u.formatted.spec = spec;
    /* the field's own span, `{x!r:>5}`, as CPython gives FORMAT_VALUE: a
     * failing __format__ or repr is marked under it */
    int eline, ecol;
    locate(st, *pp, &eline, &ecol);
    f->line = fline, f->col = fcol, f->end_line = eline, f->end_col = ecol;
    list_add(fb->ctx, &fb->parts, f);
    return true;
}

/* Scans literal text up to a replacement field, the end, or (in a format
 * spec) its closing brace. Doubled braces stand for one at the top level. */
static bool fstring_literal(FBuild *fb, StrTok *st, const char **pp, const char *end,
                            int level)
{
    const char *p = *pp, *lit = p;
    while (p < end) {
        if (!st->raw && *p == '\\' && p + 1 < end && p[1] != '{' && p[1] != '}') {
            if (p[1] == 'N' && p + 2 < end && p[2] == '{') {
                const char *close = memchr(p, '}', (size_t)(end - p));
                p = close ? close + 1 : end;
            } else {
                p += 2;
            }
            continue;
        }
        if (*p == '{' || *p == '}') {
            if (level == 0 && p + 1 < end && p[1] == *p) {
                if (!fb_text(fb, st, lit, p + 1))
                    return false;
                p += 2;
                lit = p;
                continue;
            }
            if (level == 0 && *p == '}')
                return fstring_error(fb, st, "f-string: single '}' is not allowed");
            break;
        }
        p++;
    }
    *pp = p;
    return fb_text(fb, st, lit, p);
}

/* Parses f-string text from *pp: the body of a token (level 0), or a format
 * spec (level 1 and up), which ends at its closing `}`. */
static bool fstring_run(FBuild *fb, StrTok *st, const char **pp, const char *end,
                        int level)
{
    const char *p = *pp;
    for (;;) {
        if (!fstring_literal(fb, st, &p, end, level))
            return false;
        if (p >= end || *p == '}')
            break;
        if (!fstring_field(fb, st, &p, end, level))
            return false;
    }
    *pp = p;
    return true;
}

/* The string tokens of an atom, scanned again from the source. */
typedef struct StrScan {
    StrTok *tok;
    bool bytes, mixed, fstr;
    size_t total;
} StrScan;

static bool next_string(Lexer *lx, StrTok *st)
{
    Token t;
    if (lexer_next(lx, &t) != TK_STRING)
        return false;
    split_string(&t, st);
    return true;
}

static Node *strings_value(ParseCtx *ctx, int n, const StrScan *sc, Node *node);

/* Scans the tokens of span again into sc. Kept out of mk_strings() so that
 * the lexer's frame is gone before nested f-strings recurse. */
static __attribute__((noinline)) bool scan_strings(ParseCtx *ctx, const StrSpan *span,
                                                   StrScan *sc)
{
    ParseError scratch;
    Lexer lx;
    lexer_init_fragment(&lx, span->s, (size_t)(ctx->lim - span->s), span->line,
                        span->col, &scratch);
    for (int i = 0; i < span->n; i++) {
        StrTok *st = &sc->tok[i];
        if (!next_string(&lx, st)) {
            /* Cannot happen: these tokens were scanned once already. */
            parse_error(ctx, "SyntaxError", span->line, span->col, span->line,
                        span->col + 1, "invalid syntax");
            return false;
        }
        sc->mixed |= i > 0 && st->bytes != sc->bytes;
        sc->bytes |= st->bytes;
        sc->fstr |= st->fstr;
        sc->total += (size_t)st->t.len;
        if (st->bytes && !check_bytes_ascii(ctx, st))
            return false;
    }
    return true;
}

Node *mk_strings(ParseCtx *ctx, const StrSpan *span)
{
    StrTok one;
    StrScan sc = { .tok = &one };
    if (span->n > 1 && !(sc.tok = palloc(ctx, sizeof(StrTok) * (size_t)span->n)))
        return ctx->poison;
    if (!scan_strings(ctx, span, &sc))
        return ctx->poison;
    Node *n = mk(ctx, sc.fstr ? E_FSTRING : sc.bytes ? E_BYTES : E_STR);
    n->line = span->line;
    n->col = span->col;
    token_end(&sc.tok[span->n - 1].t, &n->end_line, &n->end_col);
    disj(ctx, n);
    if (sc.mixed) {
        /* CPython notices at the token after the literals: the parser's
         * look-ahead, which made it take them. */
        error_at_tok(ctx, &ctx->cur, "cannot mix bytes and nonbytes literals");
        return n;
    }
    return strings_value(ctx, span->n, &sc, n);
}

/* Decodes the tokens of sc into n: an E_STR or E_BYTES, or the parts of an
 * E_FSTRING. */
static Node *strings_value(ParseCtx *ctx, int count, const StrScan *sc, Node *n)
{
    char *buf = palloc(ctx, sc->total + 1);
    if (!buf)
        return n;
    FBuild fb = { .ctx = ctx, .buf = buf, .where = n };
    for (int i = 0; i < count; i++) {
        StrTok *st = &sc->tok[i];
        const char *p = st->body, *end = st->body + st->body_len;
        fb.tok_span[0] = st->t.line;
        fb.tok_span[1] = st->t.col;
        token_end(&st->t, &fb.tok_span[2], &fb.tok_span[3]);
        bool ok = st->fstr ? fstring_run(&fb, st, &p, end, 0) : fb_text(&fb, st, p, end);
        if (!ok)
            return n;
    }
    if (n->kind == E_FSTRING) {
        fb_flush(&fb, NULL);
        n->u.list = fb.parts;
    } else {
        buf[fb.len] = '\0';
        n->u.str.s = buf;
        n->u.str.len = fb.len;
    }
    return n;
}

/* ========================================================================
 * Calls and parameters
 * ===================================================================== */


/* The index of the earliest repeat in names[0..n) (the second occurrence of
 * a name that comes first in order), or -1. Sorting keeps long lists from
 * taking quadratic time. */
typedef struct NameAt {
    const char *name;
    size_t len;
    int index;
} NameAt;

static int cmp_name_at(const void *pa, const void *pb)
{
    const NameAt *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->name, b->name, n);
    if (c == 0)
        c = (a->len > b->len) - (a->len < b->len);
    return c ? c : a->index - b->index;
}

static int first_repeat(NameAt *names, int n)
{
    qsort(names, (size_t)n, sizeof *names, cmp_name_at);
    int best = -1;
    for (int i = 1; i < n; i++) {
        const NameAt *a = &names[i - 1], *b = &names[i];
        bool second = a->len == b->len && !memcmp(a->name, b->name, a->len) &&
                      (i < 2 || names[i - 2].len != a->len ||
                       memcmp(names[i - 2].name, a->name, a->len) != 0);
        if (second && (best < 0 || b->index < best))
            best = b->index;
    }
    return best;
}

static ArgList *args_item(ParseCtx *ctx, ArgList *a)
{
    if (!a)
        a = palloc(ctx, sizeof *a);
    if (a)
        a->nitems++;
    return a;
}

static void genexp_error(ParseCtx *ctx, const Node *g)
{
    error_at_node(ctx, g, "Generator expression must be parenthesized");
}

/* A positional argument after keywords is reported at the closing
 * parenthesis, where CPython finds out. */
static void order_error(ArgList *a, const char *msg)
{
    if (!a->err)
        a->err = msg;
}

static void add_positional(ParseCtx *ctx, ArgList *a, Node *value)
{
    if (a->bare_genexp && a->nitems > 1)
        genexp_error(ctx, a->bare_genexp);
    if (a->seen_dstar)
        order_error(a, "positional argument follows keyword argument unpacking");
    else if (a->seen_kw)
        order_error(a, "positional argument follows keyword argument");
    list_add(ctx, &a->args, value);
}

ArgList *args_pos(ParseCtx *ctx, ArgList *a, Node *value)
{
    if ((a = args_item(ctx, a)))
        add_positional(ctx, a, value);
    return a;
}

ArgList *args_genexp(ParseCtx *ctx, ArgList *a, Node *elt, CompList *gens)
{
    if (!(a = args_item(ctx, a)))
        return NULL;
    Node *g = mk(ctx, E_GENEXP);
    g->u.comp.elt = elt;
    start_node(g, elt);
    end_node(g, elt);
    if (gens && gens->n > 0) {
        Comprehension *last = &gens->items[gens->n - 1];
        g->u.comp.generators = gens->items;
        g->u.comp.ngenerators = gens->n;
        end_node(g, last->ifs.n ? last->ifs.items[last->ifs.n - 1] : last->iter);
    }
    if (a->nitems > 1)
        genexp_error(ctx, g);
    else if (elt->kind == E_STARRED)
        error_at_node(ctx, elt, "iterable unpacking cannot be used in comprehension");
    a->bare_genexp = g;
    add_positional(ctx, a, g);
    return a;
}

ArgList *args_star(ParseCtx *ctx, ArgList *a, const Token *star, Node *value)
{
    if (!(a = args_item(ctx, a)))
        return NULL;
    /* `f(**a, b, *c)`: CPython names the positional argument, the first
     * misplaced item (reported at the closing parenthesis). */
    if (a->seen_dstar && !a->err)
        error_at_tok(ctx, star, "iterable argument unpacking follows keyword "
                     "argument unpacking");
    if (a->bare_genexp)
        genexp_error(ctx, a->bare_genexp);
    list_add(ctx, &a->args, mk_starred(ctx, star, value));
    ctx->unpacked = value;
    ctx->unpacked_tok = *star;
    return a;
}

static Keyword *add_keyword(ParseCtx *ctx, ArgList *a)
{
    if (a->bare_genexp)
        genexp_error(ctx, a->bare_genexp);
    if (!ast_grow(ctx->arena, (void **)&a->kw, a->nkw, &a->capkw, sizeof(Keyword))) {
        parse_oom(ctx);
        return NULL;
    }
    Keyword *k = &a->kw[a->nkw++];
    memset(k, 0, sizeof *k);
    return k;
}

ArgList *arglist_kw(ParseCtx *ctx, ArgList *a, Node *name, const Token *eq, Node *value)
{
    if (!(a = args_item(ctx, a)))
        return NULL;
    int span[4];
    own_span(ctx, name, span);
    /* `f((x)=1)`: a parenthesized name is an expression, not a keyword. */
    bool grouped = span[1] != name->col || span[0] != name->line;
    if (!grouped && (name->kind == E_TRUE || name->kind == E_FALSE || name->kind == E_NONE)) {
        parse_error(ctx, "SyntaxError", name->line, name->col, eq->line,
                    eq->col + 1, "cannot assign to %s", expr_name(name));
        return a;
    }
    if (name->kind != E_NAME || grouped) {
        parse_error(ctx, "SyntaxError", span[0], span[1], eq->line, eq->col + 1,
                    "expression cannot contain assignment, perhaps you meant \"==\"?");
        return a;
    }
    ctx->kw_value = value;
    ctx->kw_name = name;
    ctx->kw_eq = *eq;
    Keyword *k = add_keyword(ctx, a);
    if (k) {
        k->name = name->u.name;
        k->value = value;
        k->line = name->line;
        k->col = name->col;
    }
    a->seen_kw = true;
    return a;
}

ArgList *args_dstar(ParseCtx *ctx, ArgList *a, const Token *dstar, Node *value)
{
    if (!(a = args_item(ctx, a)))
        return NULL;
    Keyword *k = add_keyword(ctx, a);
    if (k) {
        k->value = value;
        k->line = dstar->line;
        k->col = dstar->col;
    }
    a->seen_dstar = true;
    ctx->unpacked = value;
    ctx->unpacked_tok = *dstar;
    return a;
}

/* `f(x for x in y,)` is still an unparenthesized generator. */
void args_trailing_comma(ParseCtx *ctx, ArgList *a)
{
    if (a && a->bare_genexp)
        genexp_error(ctx, a->bare_genexp);
}

/* `f(a=1, a=2)`: a check of CPython's compiler, so a deferred error. */
static void check_repeated_keywords(ParseCtx *ctx, const ArgList *a)
{
    if (a->nkw < 2)
        return;
    NameAt *names = malloc(sizeof *names * (size_t)a->nkw);
    if (!names)
        return;
    int n = 0;
    for (int i = 0; i < a->nkw; i++)
        if (a->kw[i].name)
            names[n++] = (NameAt){ a->kw[i].name, strlen(a->kw[i].name), i };
    int i = first_repeat(names, n);
    free(names);
    if (i >= 0) {
        const Keyword *k = &a->kw[i];
        deferred_error_at(ctx, 1, k->line, k->col, k->value->end_line,
                          k->value->end_col, "keyword argument repeated: %s", k->name);
    }
}

static void check_args(ParseCtx *ctx, const ArgList *a, const Token *rpar)
{
    if (!a)
        return;
    if (a->err)
        error_at_tok(ctx, rpar, "%s", a->err);
    check_repeated_keywords(ctx, a);
}

Node *mk_call(ParseCtx *ctx, Node *func, ArgList *a, const Token *lpar, const Token *rpar)
{
    check_args(ctx, a, rpar);
    Node *n = mk(ctx, E_CALL);
    n->u.call.func = func;
    if (a) {
        n->u.call.args = a->args;
        n->u.call.keywords = a->kw;
        n->u.call.nkeywords = a->nkw;
        /* CPython gives `f(x for x in y)`'s generator the call's parentheses. */
        if (a->bare_genexp && a->nitems == 1) {
            start_at(a->bare_genexp, lpar);
            end_at(a->bare_genexp, rpar);
        }
    }
    start_node(n, func);
    end_at(n, rpar);
    return disj(ctx, n);
}

ParamItem *param_new(ParseCtx *ctx, int kind, const Token *tok, const Token *name,
                     Node *annotation, const Token *eq, Node *default_)
{
    ParamItem *p = palloc(ctx, sizeof *p);
    if (!p)
        return NULL;
    p->kind = kind;
    p->tok = *tok;
    if (name) {
        p->name = *name;
        p->has_name = true;
    }
    p->annotation = annotation;
    if (eq)
        p->eq = *eq;
    p->default_ = default_;
    return p;
}

ParamItems *params_add(ParseCtx *ctx, ParamItems *l, ParamItem *item)
{
    if (!l && !(l = palloc(ctx, sizeof *l)))
        return NULL;
    if (!item)
        return l;
    if (!ast_grow(ctx->arena, (void **)&l->items, l->n, &l->cap, sizeof(ParamItem))) {
        parse_oom(ctx);
        return l;
    }
    l->items[l->n++] = *item;
    return l;
}

static Param *make_param(ParseCtx *ctx, Param *p, const ParamItem *it)
{
    if (!p && !(p = palloc(ctx, sizeof *p)))
        return NULL;
    const Token *name = it->has_name ? &it->name : &it->tok;
    p->name = ident(ctx, name);
    p->annotation = it->annotation;
    p->default_ = it->default_;
    p->line = name->line;
    p->col = name->col;
    return p;
}

/* The names of a parameter list must differ (a check of CPython's symbol
 * table, so reported as a deferred error). */
static const Token *param_name(const ParamItem *p)
{
    if (p->kind == PARAM_NAME)
        return &p->tok;
    return p->has_name ? &p->name : NULL;
}

/* The order in which CPython's symbol table defines the parameters, which
 * decides the one reported as the duplicate: the named ones, then *args,
 * then **kwargs. */
static int param_rank(const ParamItem *p)
{
    return p->kind == PARAM_NAME ? 0 : p->kind == PARAM_STAR ? 1 : 2;
}

static void check_duplicates(ParseCtx *ctx, const ParamItems *items)
{
    if (items->n <= 0)
        return;
    NameAt *names = malloc(sizeof *names * (size_t)items->n);
    int *item_of = malloc(sizeof *item_of * (size_t)items->n);
    if (!names || !item_of) {
        free(names);
        free(item_of);
        return;
    }
    int n = 0;
    for (int rank = 0; rank < 3; rank++)
        for (int i = 0; i < items->n; i++) {
            const Token *t = param_name(&items->items[i]);
            if (t && param_rank(&items->items[i]) == rank) {
                item_of[n] = i;
                names[n] = (NameAt){ t->s, (size_t)t->len, n };
                n++;
            }
        }
    int r = first_repeat(names, n);
    int i = r >= 0 ? item_of[r] : -1;
    free(names);
    free(item_of);
    if (i >= 0) {
        const Token *t = param_name(&items->items[i]);
        deferred_error_at(ctx, 0, t->line, t->col, t->line, t->col + t->len,
                          "duplicate argument '%.*s' in function definition", t->len, t->s);
    }
}

/* State while make_params() walks the items in order. */
typedef struct ParamScan {
    ParamList *out;
    const Token *colon;     /* a lambda's, NULL for a def */
    bool slash, star, dstar, seen_default;
} ParamScan;

static bool scan_param(ParseCtx *ctx, ParamScan *s, const ParamItems *items, int i)
{
    const ParamItem *it = &items->items[i];
    ParamList *out = s->out;
    if (s->dstar) {
        error_at_tok(ctx, &it->tok, "arguments cannot follow var-keyword argument");
        return false;
    }
    switch (it->kind) {
    case PARAM_NAME:
        if (!s->star) {
            if (it->default_) {
                s->seen_default = true;
            } else if (s->seen_default) {
                error_at_tok(ctx, &it->tok, "parameter without a default follows parameter with a default");
                return false;
            }
            out->npos++;
        }
        make_param(ctx, &out->params[out->n++], it);
        return true;
    case PARAM_SLASH:
        if (s->slash)
            error_at_tok(ctx, &it->tok, "/ may appear only once");
        else if (s->star)
            error_at_tok(ctx, &it->tok, "/ must be ahead of *");
        else if (out->npos == 0)
            error_at_tok(ctx, &it->tok, i + 1 < items->n ? "at least one argument "
                         "must precede /" : "invalid syntax");
        s->slash = true;
        out->nposonly = out->npos;
        return !ctx->failed;
    case PARAM_STAR:
        if (s->star) {
            error_at_tok(ctx, &it->tok, "* argument may appear only once");
        } else if (it->default_) {
            error_at_tok(ctx, &it->eq, "var-positional argument cannot have default value");
        } else if (!it->has_name && (i + 1 == items->n || (items->items[i + 1].kind != PARAM_NAME &&
                                                            items->items[i + 1].kind != PARAM_SLASH))) {
            /* (a `/` after it is reported as misplaced instead) */
            /* A lambda's is found at the token after the `*` (and comma). */
            const Token *at = !s->colon ? &it->tok : i + 1 < items->n ? &items->items[i + 1].tok : s->colon;
            error_at_tok(ctx, at, "named arguments must follow bare *");
        }
        s->star = true;
        if (it->has_name)
            out->vararg = make_param(ctx, NULL, it);
        return !ctx->failed;
    default:
        if (it->default_)
            error_at_tok(ctx, &it->eq, "var-keyword argument cannot have default value");
        s->dstar = true;
        out->kwarg = make_param(ctx, NULL, it);
        return !ctx->failed;
    }
}

/* Puts def or lambda parameters in the order ParamList wants, with CPython's
 * checks and messages. */
static ParamList make_params(ParseCtx *ctx, const ParamItems *items, const Token *colon)
{
    ParamList out = {0};
    if (!items || items->n == 0)
        return out;
    out.params = palloc(ctx, sizeof(Param) * (size_t)items->n);
    if (!out.params)
        return (ParamList){0};
    ParamScan s = { .out = &out, .colon = colon };
    for (int i = 0; i < items->n; i++)
        if (!scan_param(ctx, &s, items, i))
            break;
    check_duplicates(ctx, items);
    return out;
}

Node *mk_lambda(ParseCtx *ctx, const Token *kw, ParamItems *params, const Token *colon, Node *body)
{
    Node *n = mk(ctx, E_LAMBDA);
    n->u.lambda.params = make_params(ctx, params, colon);
    n->u.lambda.body = body;
    start_at(n, kw);
    end_node(n, body);
    return n;
}

/* Comprehension clauses. */
CompList *comp_add(ParseCtx *ctx, CompList *l, bool is_async, Node *target, Node *iter)
{
    if (!l && !(l = palloc(ctx, sizeof *l)))
        return NULL;
    store_target(ctx, target, T_FOR);
    if (!ast_grow(ctx->arena, (void **)&l->items, l->n, &l->cap, sizeof(Comprehension))) {
        parse_oom(ctx);
        return l;
    }
    Comprehension *c = &l->items[l->n++];
    memset(c, 0, sizeof *c);
    c->target = target;
    c->iter = iter;
    c->is_async = is_async;
    return l;
}

void comp_if(ParseCtx *ctx, CompList *l, Node *cond)
{
    if (l && l->n > 0)
        list_add(ctx, &l->items[l->n - 1].ifs, cond);
}

/* ========================================================================
 * Statements
 * ===================================================================== */

static void end_body(Node *n, const NodeList *body)
{
    if (body->n > 0)
        end_node(n, body->items[body->n - 1]);
}

static void tok_end(const Token *t, int code, int *line, int *col);

/* A compound statement ends with the last token of its last block, which
 * may be a `;` after the last statement. It is reduced when the token after
 * the block arrives, so the last real token fed is that one. */
static void end_compound(ParseCtx *ctx, Node *n)
{
    if (ctx->last_real_code > 0)
        tok_end(&ctx->last_real, ctx->last_real_code, &n->end_line, &n->end_col);
}

Node *mk_stmt_tok(ParseCtx *ctx, NodeKind kind, const Token *t)
{
    Node *n = mk(ctx, kind);
    start_at(n, t);
    end_at(n, t);
    return n;
}

/* `*a` alone where a value is wanted: a compiler error in CPython. */
static void check_starred_value(ParseCtx *ctx, Node *v)
{
    if (v && v->kind == E_STARRED)
        deferred_error_at_node(ctx, v, "can't use starred expression here");
}

Node *mk_expr_stmt(ParseCtx *ctx, Node *value)
{
    check_starred_value(ctx, value);
    Node *n = mk(ctx, S_EXPR);
    n->u.value.value = value;
    span_nodes(n, value, value);
    return n;
}

Node *yield_target(ParseCtx *ctx, Node *y)
{
    error_at_node(ctx, y, "assignment to yield expression not possible");
    return y;
}

/* Whether an expression begins with what CPython's grammar calls a
 * bitwise_or (so not with `not`, `lambda`, `*` or `yield`). */
static bool starts_with_bitwise_or(const Node *v)
{
    for (;;) {
        switch (v->kind) {
        case E_TUPLE:
            if (!is_bare_tuple(v))
                return true;
            v = v->u.seq.elts.items[0];
            break;
        case E_BOOLOP: v = v->u.boolop.values.items[0]; break;
        case E_COMPARE: v = v->u.compare.left; break;
        case E_IFEXP: v = v->u.ifexp.body; break;
        case E_UNARY: return v->u.unary.op != OP_NOT;
        case E_LAMBDA: case E_STARRED: case E_YIELD: case E_YIELDFROM: return false;
        default: return true;
        }
    }
}

/* CPython adds "here. Maybe you meant '==' instead of '='?" when the bad
 * target directly precedes the only `=` and could be a comparison operand. */
static bool maybe_comparison(const NodeList *targets, const Node *bad, const Node *value)
{
    if (targets->n != 1)
        return false;
    const Node *t = targets->items[0];
    if (bad != t && !(is_bare_tuple(t) &&
                      bad == t->u.seq.elts.items[t->u.seq.elts.n - 1]))
        return false;
    switch (bad->kind) {
    case E_COMPARE: case E_BOOLOP: case E_IFEXP: case E_LAMBDA: case E_STARRED:
    case E_LIST: case E_TUPLE: case E_GENEXP: case E_TRUE: case E_FALSE: case E_NONE:
        return false;
    case E_UNARY:
        if (bad->u.unary.op == OP_NOT)
            return false;
        break;
    default:
        break;
    }
    return starts_with_bitwise_or(value);
}

/* Remembers the targets of the assignment being parsed: if the statement
 * then fails, CPython reports a bad target before the syntax error. */
NodeList assign_chain(ParseCtx *ctx, NodeList targets)
{
    ctx->assign = targets;
    ctx->assign_stmt = ctx->nstmts;
    return targets;
}

static bool bad_assign_target(ParseCtx *ctx)
{
    if (ctx->assign_stmt != ctx->nstmts)
        return false;
    for (int i = 0; i < ctx->assign.n; i++) {
        Node *bad = invalid_target(ctx->assign.items[i], T_STAR);
        if (bad) {
            error_at_node(ctx, bad, "cannot assign to %s", expr_name(bad));
            return true;
        }
    }
    return false;
}

Node *mk_assign(ParseCtx *ctx, NodeList targets, Node *value)
{
    for (int i = 0; i < targets.n; i++) {
        Node *t = targets.items[i];
        Node *bad = invalid_target(t, T_STAR);
        if (bad) {
            if (maybe_comparison(&targets, bad, value))
                error_at_node(ctx, bad, "cannot assign to %s here. Maybe you meant "
                              "'==' instead of '='?", expr_name(bad));
            else
                error_at_node(ctx, bad, "cannot assign to %s", expr_name(bad));
            break;
        }
        set_ctx(t, CTX_STORE);
        check_starred(ctx, t, true);
    }
    check_starred_value(ctx, value);
    Node *n = mk(ctx, S_ASSIGN);
    n->u.assign.targets = targets;
    n->u.assign.value = value;
    if (targets.n > 0)
        span_nodes(n, targets.items[0], value);
    return n;
}

Node *mk_augassign(ParseCtx *ctx, Node *target, AstOp op, Node *value)
{
    if (target->kind == E_NAME || target->kind == E_ATTR || target->kind == E_SUBSCRIPT)
        target->ctx = CTX_STORE;
    else
        error_at_node(ctx, target, "'%s' is an illegal expression for augmented "
                      "assignment", expr_name(target));
    check_starred_value(ctx, value);
    Node *n = mk(ctx, S_AUGASSIGN);
    n->u.augassign.target = target;
    n->u.augassign.op = op;
    n->u.augassign.value = value;
    span_nodes(n, target, value);
    return n;
}

Node *mk_annassign(ParseCtx *ctx, Node *target, bool paren, Node *annotation, Node *value)
{
    switch (target->kind) {
    case E_NAME: case E_ATTR: case E_SUBSCRIPT:
        target->ctx = CTX_STORE;
        break;
    case E_TUPLE:
        error_at_node(ctx, is_bare_tuple(target) ? target->u.seq.elts.items[0] : target,
                      "only single target (not tuple) can be annotated");
        break;
    case E_LIST:
        error_at_node(ctx, target, "only single target (not list) can be annotated");
        break;
    default:
        error_at_node(ctx, target, "illegal target for annotation");
        break;
    }
    check_starred_value(ctx, value);
    Node *n = mk(ctx, S_ANNASSIGN);
    n->u.annassign.target = target;
    n->u.annassign.annotation = annotation;
    n->u.annassign.value = value;
    n->u.annassign.simple = target->kind == E_NAME && !paren;
    span_nodes(n, target, value ? value : annotation);
    return n;
}

Node *mk_return(ParseCtx *ctx, const Token *kw, Node *value)
{
    check_starred_value(ctx, value);
    Node *n = mk(ctx, S_RETURN);
    n->u.value.value = value;
    start_at(n, kw);
    if (value)
        end_node(n, value);
    else
        end_at(n, kw);
    return n;
}

Node *mk_raise(ParseCtx *ctx, const Token *kw, Node *exc, Node *cause)
{
    Node *n = mk(ctx, S_RAISE);
    n->u.raise.exc = exc;
    n->u.raise.cause = cause;
    start_at(n, kw);
    if (cause || exc)
        end_node(n, cause ? cause : exc);
    else
        end_at(n, kw);
    return n;
}

NameList *names_add(ParseCtx *ctx, NameList *l, const Token *name)
{
    if (!l && !(l = palloc(ctx, sizeof *l)))
        return NULL;
    if (!ast_grow(ctx->arena, (void **)&l->names, l->n, &l->cap, sizeof(char *))) {
        parse_oom(ctx);
        return l;
    }
    l->names[l->n++] = ident(ctx, name);
    l->end_line = name->line;
    l->end_col = name->col + name->len;
    return l;
}

Node *mk_global(ParseCtx *ctx, NodeKind kind, const Token *kw, NameList *names)
{
    Node *n = mk(ctx, kind);
    start_at(n, kw);
    end_at(n, kw);
    if (names) {
        n->u.names.names = names->names;
        n->u.names.n = names->n;
        n->end_line = names->end_line;
        n->end_col = names->end_col;
    }
    return n;
}

Node *mk_del(ParseCtx *ctx, const Token *kw, Node *targets)
{
    Node *bad = invalid_target(targets, T_DEL);
    if (bad)
        error_at_node(ctx, bad, "cannot delete %s", expr_name(bad));
    set_ctx(targets, CTX_DEL);
    Node *n = mk(ctx, S_DEL);
    n->u.seq.elts = is_bare_tuple(targets) ? targets->u.seq.elts : list1(ctx, targets);
    start_at(n, kw);
    end_node(n, targets);
    return n;
}

Node *mk_assert(ParseCtx *ctx, const Token *kw, Node *test, Node *msg)
{
    Node *n = mk(ctx, S_ASSERT);
    n->u.assert_.test = test;
    n->u.assert_.msg = msg;
    start_at(n, kw);
    end_node(n, msg ? msg : test);
    return n;
}

Aliases *alias_add(ParseCtx *ctx, Aliases *l, const char *name, int line, int col,
                   const Token *asname, int end_line, int end_col)
{
    if (!l && !(l = palloc(ctx, sizeof *l)))
        return NULL;
    if (!ast_grow(ctx->arena, (void **)&l->items, l->n, &l->cap, sizeof(Alias))) {
        parse_oom(ctx);
        return l;
    }
    Alias *a = &l->items[l->n++];
    a->name = name ? name : "";
    a->asname = asname ? ident(ctx, asname) : NULL;
    a->line = line;
    a->col = col;
    l->end_line = end_line;
    l->end_col = end_col;
    return l;
}

Aliases *aliases_join(ParseCtx *ctx, Aliases *a, Aliases *b)
{
    if (!a || !b)
        return a ? a : b;
    for (int i = 0; i < b->n; i++) {
        const Alias *x = &b->items[i];
        alias_add(ctx, a, x->name, x->line, x->col, NULL, b->end_line, b->end_col);
        a->items[a->n - 1].asname = x->asname;
    }
    return a;
}

Aliases *aliases_end(Aliases *a, const Token *t)
{
    if (a) {
        a->end_line = t->line;
        a->end_col = t->col + t->len;
    }
    return a;
}

Aliases *alias_star(ParseCtx *ctx, const Token *star)
{
    return alias_add(ctx, NULL, "*", star->line, star->col, NULL, star->line, star->col + 1);
}

const char *dotted(ParseCtx *ctx, const char *prefix, const Token *name)
{
    size_t n = strlen(prefix);
    char *s = palloc(ctx, n + 1 + (size_t)name->len + 1);
    if (!s)
        return prefix;
    memcpy(s, prefix, n);
    s[n] = '.';
    memcpy(s + n + 1, name->s, (size_t)name->len);
    s[n + 1 + name->len] = '\0';
    return s;
}

static Node *mk_import_node(ParseCtx *ctx, NodeKind kind, const Token *kw, Aliases *names)
{
    Node *n = mk(ctx, kind);
    start_at(n, kw);
    end_at(n, kw);
    if (names) {
        n->u.import.names = names->items;
        n->u.import.nnames = names->n;
        n->end_line = names->end_line;
        n->end_col = names->end_col;
    }
    return n;
}

Node *mk_import(ParseCtx *ctx, const Token *kw, Aliases *names)
{
    return mk_import_node(ctx, S_IMPORT, kw, names);
}

Node *mk_import_from(ParseCtx *ctx, const Token *kw, int level, const char *module,
                     Aliases *names)
{
    Node *n = mk_import_node(ctx, S_IMPORTFROM, kw, names);
    n->u.import.module = module;
    n->u.import.level = level;
    return n;
}

IfChain mk_if(ParseCtx *ctx, const Token *kw, Node *test, NodeList body)
{
    Node *n = mk(ctx, S_IF);
    n->u.cond.test = test;
    n->u.cond.body = body;
    start_at(n, kw);
    end_body(n, &body);
    return (IfChain){ n, n };
}

IfChain if_elif(ParseCtx *ctx, IfChain c, const Token *kw, Node *test, NodeList body)
{
    Node *n = mk_if(ctx, kw, test, body).first;
    if (c.last->kind == S_IF)
        c.last->u.cond.orelse = list1(ctx, n);
    c.last = n;
    return c;
}

/* Closes an if/elif chain; every S_IF in it ends where the last block does. */
Node *if_finish(ParseCtx *ctx, IfChain c, NodeList orelse)
{
    if (c.last->kind != S_IF)
        return c.first;
    c.last->u.cond.orelse = orelse;
    end_compound(ctx, c.last);
    for (Node *n = c.first; n->kind == S_IF && n != c.last;
         n = n->u.cond.orelse.items[0])
        end_node(n, c.last);
    return c.first;
}

Node *mk_while(ParseCtx *ctx, const Token *kw, Node *test, NodeList body, NodeList orelse)
{
    Node *n = mk(ctx, S_WHILE);
    n->u.cond.test = test;
    n->u.cond.body = body;
    n->u.cond.orelse = orelse;
    start_at(n, kw);
    end_compound(ctx, n);
    return n;
}

Node *mk_for(ParseCtx *ctx, const Token *kw, bool is_async, Node *target, Node *iter,
             NodeList body, NodeList orelse)
{
    store_target(ctx, target, T_FOR);
    check_starred_value(ctx, iter);
    Node *n = mk(ctx, S_FOR);
    n->u.forloop.target = target;
    n->u.forloop.iter = iter;
    n->u.forloop.body = body;
    n->u.forloop.orelse = orelse;
    n->u.forloop.is_async = is_async;
    start_at(n, kw);
    end_compound(ctx, n);
    return n;
}

Handlers *mk_handler(ParseCtx *ctx, const Token *kw, Node *type, const Token *name,
                     NodeList body)
{
    Handlers *h = palloc(ctx, sizeof *h);
    if (!h || !ast_grow(ctx->arena, (void **)&h->items, 0, &h->cap, sizeof(ExceptHandler))) {
        parse_oom(ctx);
        return NULL;
    }
    ExceptHandler *e = &h->items[h->n++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->name = name ? ident(ctx, name) : NULL;
    e->body = body;
    e->line = kw->line;
    e->col = kw->col;
    return h;
}

Handlers *handlers_join(ParseCtx *ctx, Handlers *a, Handlers *b)
{
    if (!a || !b)
        return a ? a : b;
    if (!ast_grow(ctx->arena, (void **)&a->items, a->n, &a->cap, sizeof(ExceptHandler))) {
        parse_oom(ctx);
        return a;
    }
    a->items[a->n++] = b->items[0];
    return a;
}

Node *mk_try(ParseCtx *ctx, const Token *kw, NodeList body, Handlers *h,
             NodeList orelse, NodeList finalbody)
{
    Node *n = mk(ctx, S_TRY);
    n->u.try_.body = body;
    n->u.try_.orelse = orelse;
    n->u.try_.finalbody = finalbody;
    start_at(n, kw);
    end_body(n, &body);
    if (h) {
        n->u.try_.handlers = h->items;
        n->u.try_.nhandlers = h->n;
        n->u.try_.is_star = h->items[0].star;
        for (int i = 0; i < h->n; i++) {
            ExceptHandler *e = &h->items[i];
            if (e->star != h->items[0].star) {
                deferred_error_at(ctx, 1, e->line, e->col, e->line, e->col + 6 + e->star,
                                  "cannot have both 'except' and 'except*' on the same 'try'");
                break;
            }
            if (!e->type && i + 1 < h->n)
                deferred_error_at(ctx, 1, e->line, e->col, e->line, e->col + 6,
                                  "default 'except:' must be last");
        }
    }
    end_compound(ctx, n);
    return n;
}

WithItems *with_add(ParseCtx *ctx, WithItems *l, Node *context, Node *target)
{
    if (!l && !(l = palloc(ctx, sizeof *l)))
        return NULL;
    if (target)
        store_target(ctx, target, T_STAR);
    if (!ast_grow(ctx->arena, (void **)&l->items, l->n, &l->cap, sizeof(WithItem))) {
        parse_oom(ctx);
        return l;
    }
    l->items[l->n].context = context;
    l->items[l->n].vars = target;
    l->n++;
    return l;
}

/* `with (...):` holds with items when it can, and is an expression (a tuple
 * or a group) otherwise, as CPython decides it. */
WithItems *with_group(ParseCtx *ctx, NodeList elts, bool comma, const Token *open,
                      const Token *close)
{
    bool has_as = false, exprs_only = false;
    for (int i = 0; i < elts.n; i++) {
        NodeKind k = elts.items[i]->kind;
        has_as |= k == E_WITH_AS;
        exprs_only |= k == E_STARRED || k == E_NAMEDEXPR;
    }
    if (!has_as && exprs_only)
        return with_add(ctx, NULL, paren_group(ctx, elts, comma, open, close), NULL);
    WithItems *l = NULL;
    for (int i = 0; i < elts.n; i++) {
        Node *e = elts.items[i];
        if (e->kind == E_WITH_AS)
            l = with_add(ctx, l, e->u.named.value, e->u.named.target);
        else if (e->kind == E_STARRED || e->kind == E_NAMEDEXPR)
            error_at_node(ctx, e, "invalid syntax");
        else
            l = with_add(ctx, l, e, NULL);
    }
    return l;
}

Node *mk_with(ParseCtx *ctx, const Token *kw, bool is_async, WithItems *items, NodeList body)
{
    Node *n = mk(ctx, S_WITH);
    if (items) {
        n->u.with.items = items->items;
        n->u.with.nitems = items->n;
    }
    n->u.with.body = body;
    n->u.with.is_async = is_async;
    start_at(n, kw);
    end_compound(ctx, n);
    return n;
}

Node *mk_def(ParseCtx *ctx, const Token *kw, bool is_async, const Token *name,
             NodeList type_params, ParamItems *params, Node *returns, NodeList body)
{
    Node *n = mk(ctx, S_DEF);
    n->u.def.name = ident(ctx, name);
    n->u.def.type_params = type_params;
    n->u.def.params = make_params(ctx, params, NULL);
    n->u.def.returns = returns;
    n->u.def.body = body;
    n->u.def.is_async = is_async;
    start_at(n, kw);
    end_compound(ctx, n);
    return n;
}

Node *mk_class(ParseCtx *ctx, const Token *kw, const Token *name, NodeList type_params,
               ArgList *bases, const Token *rpar, NodeList body)
{
    check_args(ctx, bases, rpar);
    Node *n = mk(ctx, S_CLASS);
    n->u.cls.name = ident(ctx, name);
    n->u.cls.type_params = type_params;
    if (bases) {
        n->u.cls.bases = bases->args;
        n->u.cls.keywords = bases->kw;
        n->u.cls.nkeywords = bases->nkw;
    }
    n->u.cls.body = body;
    start_at(n, kw);
    end_compound(ctx, n);
    return n;
}

Node *mk_type_alias(ParseCtx *ctx, const Token *kw, const Token *name, NodeList type_params,
                    Node *value)
{
    Node *n = mk(ctx, S_TYPEALIAS);
    n->u.typealias.name = ident(ctx, name);
    n->u.typealias.type_params = type_params;
    n->u.typealias.value = value;
    start_at(n, kw);
    end_node(n, value);
    return n;
}

Node *mk_type_param(ParseCtx *ctx, NodeKind kind, const Token *start, const Token *name,
                    Node *bound)
{
    Node *n = mk(ctx, kind);
    n->u.typeparam.name = ident(ctx, name);
    n->u.typeparam.bound = bound;
    start_at(n, start);
    n->end_line = name->line;
    n->end_col = name->col + name->len;
    if (bound)
        end_node(n, bound);
    return n;
}

Node *decorate(ParseCtx *ctx, NodeList decorators, Node *def)
{
    (void)ctx;
    if (def->kind == S_DEF)
        def->u.def.decorators = decorators;
    else if (def->kind == S_CLASS)
        def->u.cls.decorators = decorators;
    return def;
}

Node *mk_module(ParseCtx *ctx, NodeList body)
{
    Node *n = mk(ctx, S_MODULE);
    n->u.block.body = body;
    n->line = 1;
    end_body(n, &body);
    return n;
}

/* ========================================================================
 * The match statement
 *
 * The parser builds CPython's pattern nodes and reports the errors CPython's
 * parser reports; the compiler checks the rest (unreachable patterns,
 * repeated names, alternatives binding different names).
 * ===================================================================== */

/* `match x:` or `match a, *b:`; a lone `*x` is no subject. */
Node *match_subject(ParseCtx *ctx, NodeList items, const Token *comma, const Token *colon)
{
    if (items.n == 1 && !comma && items.items[0]->kind == E_STARRED) {
        error_at_tok(ctx, colon, "invalid syntax");
        return ctx->poison;
    }
    return bare_tuple(ctx, items, comma);
}

Node *mk_match(ParseCtx *ctx, const Token *kw, Node *subject, MatchCases *cases)
{
    Node *n = mk(ctx, S_MATCH);
    n->u.match.subject = subject;
    if (cases) {
        n->u.match.cases = cases->items;
        n->u.match.ncases = cases->n;
    }
    start_at(n, kw);
    end_compound(ctx, n);
    return n;
}

MatchCases *mk_case(ParseCtx *ctx, MatchCase head, NodeList body)
{
    MatchCases *c = palloc(ctx, sizeof *c);
    if (!c || !ast_grow(ctx->arena, (void **)&c->items, 0, &c->cap, sizeof(MatchCase))) {
        parse_oom(ctx);
        return NULL;
    }
    head.body = body;
    c->items[c->n++] = head;
    return c;
}

MatchCases *cases_join(ParseCtx *ctx, MatchCases *a, MatchCases *b)
{
    if (!a || !b)
        return a ? a : b;
    if (!ast_grow(ctx->arena, (void **)&a->items, a->n, &a->cap, sizeof(MatchCase))) {
        parse_oom(ctx);
        return a;
    }
    a->items[a->n++] = b->items[0];
    return a;
}

/* n starts where `from` does, its enclosing parentheses included. */
static void start_outer(Node *n, const Node *from)
{
    if (!from->group_line) {
        start_node(n, from);
        return;
    }
    n->line = from->group_line;
    n->col = from->group_col;
}

static Node *mk_pattern(ParseCtx *ctx, NodeKind kind, const Node *first, const Node *last)
{
    Node *n = mk(ctx, kind);
    span_nodes(n, first, last);
    return n;
}

static Node *seq_pattern(ParseCtx *ctx, NodeList items)
{
    Node *n = mk(ctx, P_SEQUENCE);
    n->u.seq.elts = items;
    return n;
}

/* What follows `case`: a pattern, or a sequence without brackets. */
Node *top_patterns(ParseCtx *ctx, NodeList items, const Token *comma)
{
    if (items.n == 0)
        return ctx->poison;
    Node *first = items.items[0];
    if (items.n == 1 && !comma) {
        if (first->kind == P_STAR)
            error_at_tok(ctx, &ctx->cur, "invalid syntax");     /* at the colon, as CPython */
        return first;
    }
    Node *n = seq_pattern(ctx, items);
    start_node(n, first);
    if (comma)
        end_at(n, comma);
    else
        end_node(n, items.items[items.n - 1]);
    return n;
}

Node *mk_value_pattern(ParseCtx *ctx, NodeKind kind, Node *value)
{
    Node *n = mk_pattern(ctx, kind, value, value);
    n->u.value.value = value;
    return n;
}

Node *mk_complex_number(ParseCtx *ctx, Node *real, AstOp op, const Token *num)
{
    Node *r = real->kind == E_UNARY ? real->u.unary.operand : real;
    if (r->kind == E_IMAG) {
        error_at_node(ctx, real, "real number required in complex literal");
        return ctx->poison;
    }
    Node *imag = mk_number(ctx, num);
    if (imag->kind != E_IMAG) {
        error_at_tok(ctx, num, "imaginary number required in complex literal");
        return ctx->poison;
    }
    return mk_binop(ctx, real, op, imag);
}

static bool is_wildcard_name(const Token *t)
{
    return t->len == 1 && t->s[0] == '_';
}

Node *mk_capture_pattern(ParseCtx *ctx, const Token *name)
{
    Node *n = mk(ctx, P_AS);
    n->u.as.name = is_wildcard_name(name) ? NULL : ident(ctx, name);
    start_at(n, name);
    end_at(n, name);
    return n;
}

Node *mk_star_pattern(ParseCtx *ctx, const Token *star, const Token *name)
{
    Node *n = mk(ctx, P_STAR);
    n->u.name = is_wildcard_name(name) ? NULL : ident(ctx, name);
    start_at(n, star);
    end_at(n, name);
    return n;
}

Node *mk_as_pattern(ParseCtx *ctx, Node *pattern, const Token *name)
{
    if (is_wildcard_name(name)) {
        error_at_tok(ctx, name, "cannot use '_' as a target");
        return ctx->poison;
    }
    Node *n = mk(ctx, P_AS);
    n->u.as.pattern = pattern;
    n->u.as.name = ident(ctx, name);
    start_outer(n, pattern);
    end_at(n, name);
    return n;
}

Node *mk_or_pattern(ParseCtx *ctx, NodeList alts)
{
    Node *n = mk(ctx, P_OR);
    start_outer(n, alts.items[0]);
    Node *last = alts.items[alts.n - 1];
    if (last->group_line) {
        n->end_line = last->group_end_line;
        n->end_col = last->group_end_col;
    } else {
        end_node(n, last);
    }
    n->u.seq.elts = alts;
    return n;
}

/* `(p)` is p itself; `(*a)` is neither a group nor a sequence. */
Node *mk_group_pattern(ParseCtx *ctx, NodeList items, const Token *open, const Token *close)
{
    if (items.n == 1) {
        if (items.items[0]->kind == P_STAR) {
            error_at_tok(ctx, close, "invalid syntax");
            return ctx->poison;
        }
        Node *p = items.items[0];     /* the outermost parentheses win */
        p->group_line = open->line;
        p->group_col = open->col;
        p->group_end_line = close->line;
        p->group_end_col = close->col + close->len;
        return p;
    }
    return mk_seq_pattern(ctx, items, open, close);
}

Node *mk_seq_pattern(ParseCtx *ctx, NodeList items, const Token *open, const Token *close)
{
    Node *n = seq_pattern(ctx, items);
    start_at(n, open);
    end_at(n, close);
    return n;
}

static MapItems *map_items_new(ParseCtx *ctx, MapItems *m)
{
    return m ? m : palloc(ctx, sizeof(MapItems));
}

MapItems *map_item(ParseCtx *ctx, MapItems *m, Node *key, Node *pattern)
{
    m = map_items_new(ctx, m);
    if (!m)
        return NULL;
    if (m->rest) {
        /* `**rest` must come last. */
        error_at_node(ctx, key, "invalid syntax");
        return m;
    }
    list_add(ctx, &m->keys, key);
    list_add(ctx, &m->patterns, pattern);
    return m;
}

MapItems *map_rest(ParseCtx *ctx, MapItems *m, const Token *name)
{
    m = map_items_new(ctx, m);
    if (!m)
        return NULL;
    if (m->rest || is_wildcard_name(name)) {
        error_at_tok(ctx, name, "invalid syntax");
        return m;
    }
    m->rest = ident(ctx, name);
    return m;
}

Node *mk_map_pattern(ParseCtx *ctx, MapItems *m, const Token *open, const Token *close)
{
    Node *n = mk(ctx, P_MAPPING);
    if (m) {
        n->u.mapping.keys = m->keys;
        n->u.mapping.patterns = m->patterns;
        n->u.mapping.rest = m->rest;
    }
    start_at(n, open);
    end_at(n, close);
    return n;
}

ClassArgs *class_arg(ParseCtx *ctx, ClassArgs *a, const Token *kw, Node *pattern)
{
    if (!a && !(a = palloc(ctx, sizeof *a)))
        return NULL;
    if (!kw) {
        if (a->kwd_patterns.n > 0)
            error_at_node(ctx, pattern, "positional patterns follow keyword patterns");
        list_add(ctx, &a->patterns, pattern);
        return a;
    }
    if (!ast_grow(ctx->arena, (void **)&a->kwd_attrs, a->kwd_patterns.n, &a->capattrs,
                  sizeof(const char *))) {
        parse_oom(ctx);
        return a;
    }
    a->kwd_attrs[a->kwd_patterns.n] = ident(ctx, kw);
    list_add(ctx, &a->kwd_patterns, pattern);
    return a;
}

Node *mk_class_pattern(ParseCtx *ctx, Node *cls, ClassArgs *a, const Token *close)
{
    Node *n = mk(ctx, P_CLASS);
    n->u.pclass.cls = cls;
    if (a) {
        n->u.pclass.patterns = a->patterns;
        n->u.pclass.kwd_attrs = a->kwd_attrs;
        n->u.pclass.kwd_patterns = a->kwd_patterns;
    }
    start_node(n, cls);
    end_at(n, close);
    return n;
}

/* ========================================================================
 * Syntax error messages
 *
 * Lemon only says which token it could not shift. CPython 3.11 words many
 * errors after the construct around that token, and these functions guess
 * the construct from the tokens seen, the lexer's bracket depth and what
 * the parser would accept instead.
 * ===================================================================== */

/* The keyword that opens the logical line (the one after `async`). */
static int line_keyword(const ParseCtx *ctx)
{
    if (ctx->line_ntok == 0)
        return -1;
    if (ctx->line_code[0] == TK_ASYNC && ctx->line_ntok > 1)
        return ctx->line_code[1];
    return ctx->line_code[0];
}

/* `[]` after a name that takes type parameters: 3.12 finds no rule for
 * it, so a def expects its '(' at the '[', a class or type alias's
 * syntax is invalid at the ']'. */
void empty_type_params(ParseCtx *ctx, const Token *lsqb, const Token *rsqb)
{
    if (line_keyword(ctx) == TK_DEF)
        error_at_tok(ctx, lsqb, "expected '('");
    else
        error_at_tok(ctx, rsqb, "invalid syntax");
}

static const char *block_owner(int kw)
{
    switch (kw) {
    case TK_IF: return "'if' statement";
    case TK_ELIF: return "'elif' statement";
    case TK_ELSE: return "'else' statement";
    case TK_WHILE: return "'while' statement";
    case TK_FOR: return "'for' statement";
    case TK_WITH: return "'with' statement";
    case TK_TRY: return "'try' statement";
    case TK_EXCEPT: return "'except' statement";
    case TK_FINALLY: return "'finally' statement";
    case TK_DEF: return "function definition";
    case TK_CLASS: return "class definition";
    case TK_MATCH: return "'match' statement";
    case TK_CASE: return "'case' statement";
    default: return NULL;
    }
}

static void tok_end(const Token *t, int code, int *line, int *col)
{
    if (code == TK_STRING) {
        token_end(t, line, col);
    } else {
        *line = t->line;
        *col = t->col + tok_width(t);
    }
}

static bool is_opener(int code)
{
    return code == TK_LPAR || code == TK_LSQB || code == TK_LBRACE;
}

static bool is_closer(int code)
{
    return code == TK_RPAR || code == TK_RSQB || code == TK_RBRACE;
}

static bool starts_expr(int code)
{
    switch (code) {
    case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_LPAR: case TK_LSQB:
    case TK_LBRACE: case TK_MINUS: case TK_PLUS: case TK_TILDE: case TK_ELLIPSIS:
    case TK_NONE: case TK_TRUE: case TK_FALSE: case TK_AWAIT: case TK_LAMBDA:
        return true;
    default:
        return false;
    }
}

static bool ends_expr(int code)
{
    switch (code) {
    case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_RPAR: case TK_RSQB:
    case TK_RBRACE: case TK_ELLIPSIS: case TK_NONE: case TK_TRUE: case TK_FALSE:
        return true;
    default:
        return false;
    }
}

/* Whether ctx->disj is the expression that ends just before the offending
 * token. */
static Node *expr_before(const ParseCtx *ctx)
{
    Node *a = ctx->disj;
    int line, col;
    if (!a || !ends_expr(ctx->prev_code))
        return NULL;
    tok_end(&ctx->prev, ctx->prev_code, &line, &col);
    return a->end_line == line && a->end_col == col ? a : NULL;
}

/* The bracket depth before token `code`, which the lexer has counted. */
static int bracket_level(const ParseCtx *ctx, int code)
{
    return ctx->lx->level - is_opener(code) + is_closer(code) + (ctx->fdepth > 0);
}

/* Whether a token outside brackets can go on an expression (an operand
 * or an operator; not `if`, which starts a guard more often than a
 * conditional expression). */
static bool continues_expr(int code)
{
    switch (code) {
    case TK_PLUS: case TK_MINUS: case TK_STAR: case TK_SLASH: case TK_VBAR: case TK_AMPER:
    case TK_LESS: case TK_GREATER: case TK_DOT: case TK_PERCENT: case TK_EQEQUAL:
    case TK_NOTEQUAL: case TK_LESSEQUAL: case TK_GREATEREQUAL: case TK_TILDE:
    case TK_CIRCUMFLEX: case TK_LSHIFT: case TK_RSHIFT: case TK_DOUBLESTAR:
    case TK_DOUBLESLASH: case TK_AT: case TK_AND: case TK_OR: case TK_NOT: case TK_IN:
    case TK_IS:
        return true;
    default:
        return starts_expr(code);
    }
}

/* Scans on from the primary expression whose first token `t` the lexer lx
 * has just returned (an atom and its trailers) to find where it ends, or
 * with `whole`, the expression (operators and all) it starts.
 * Reaching the end of input inside brackets is itself the error CPython
 * reports there; false is returned after reporting it. */
static bool scan_expr(ParseCtx *ctx, Lexer *lx, int code, const Token *t, bool whole,
                      int *line, int *col)
{
    ParseError scratch;
    lx->err = &scratch;
    int depth = is_opener(code);
    bool after_dot = false;
    Token u;
    tok_end(t, code, line, col);
    for (;;) {
        int c = lexer_next(lx, &u);
        if (c < 0) {
            if (lx->error_kind != LEXERR_UNCLOSED)
                return true;
            *ctx->err = scratch;
            ctx->failed = true;
            return false;
        }
        if (c == 0 || (depth == 0 && (whole ? !continues_expr(c)
                                            : !after_dot && c != TK_DOT && c != TK_LPAR && c != TK_LSQB)))
            return true;
        depth += is_opener(c) - is_closer(c);
        after_dot = c == TK_DOT;
        tok_end(&u, c, line, col);
    }
}

static bool scan_primary(ParseCtx *ctx, Lexer *lx, int code, const Token *t,
                         int *line, int *col)
{
    return scan_expr(ctx, lx, code, t, false, line, col);
}

static bool is_binary_op(int code)
{
    switch (code) {
    case TK_PLUS: case TK_MINUS: case TK_STAR: case TK_SLASH: case TK_VBAR: case TK_AMPER:
    case TK_LESS: case TK_GREATER: case TK_PERCENT: case TK_EQEQUAL: case TK_NOTEQUAL:
    case TK_LESSEQUAL: case TK_GREATEREQUAL: case TK_CIRCUMFLEX: case TK_LSHIFT:
    case TK_RSHIFT: case TK_DOUBLESTAR: case TK_DOUBLESLASH: case TK_AT: case TK_AND:
    case TK_OR: case TK_IN: case TK_IS:
        return true;
    default:
        return false;
    }
}

/* Like scan_expr with `whole`, but following CPython's `expression` rule
 * token by token: operands (atoms with their trailers) joined by
 * operators, and a conditional expression only when its `else` part is
 * complete. Ends at the last complete operand, so `(1, 2 x if y)` spans
 * `2 x` and `(1, 2 x + y z)` spans `2 x + y`. */
static bool scan_expression(ParseCtx *ctx, Lexer *lx, int code, const Token *t, int *line, int *col)
{
    ParseError scratch;
    lx->err = &scratch;
    enum { OPERAND, AFTER, NOT_IN } state = OPERAND;
    int cond = 0;                   /* 1: in an `if` condition, 2: after its `else` */
    bool else_done = false;         /* an operand followed that `else` */
    int sline = 0, scol = 0;        /* the end before the pending `if` */
    int prev = 0;
    Token u = *t;
    int c = code;
    tok_end(t, code, line, col);
    for (;;) {
        bool complete = false;      /* c ends an operand (after skipping brackets) */
        if (state == OPERAND) {
            if (c == TK_MINUS || c == TK_PLUS || c == TK_TILDE || c == TK_NOT || c == TK_AWAIT)
                ;
            else if (c == TK_LAMBDA) {
                /* its parameters, then its body as an operand */
                int depth = 0;
                while ((c = lexer_next(lx, &u)) > 0 && (depth > 0 || c != TK_COLON))
                    depth += is_opener(c) - is_closer(c);
                if (c <= 0)
                    goto end;
            } else if (is_opener(c) || c == TK_NAME || c == TK_NUMBER || c == TK_STRING ||
                     c == TK_NONE || c == TK_TRUE || c == TK_FALSE || c == TK_ELLIPSIS)
                complete = true;
            else
                break;
        } else if (state == NOT_IN) {
            if (c != TK_IN)
                break;
            state = OPERAND;
        } else if (c == TK_DOT || c == TK_LPAR || c == TK_LSQB || (c == TK_STRING && prev == TK_STRING)) {
            if (c == TK_DOT) {
                c = lexer_next(lx, &u);
                if (c != TK_NAME)
                    goto end;
            }
            complete = true;
        } else if (c == TK_NOT) {
            state = NOT_IN;
        } else if (is_binary_op(c)) {
            state = OPERAND;
        } else if (c == TK_IF && cond != 1) {
            sline = *line, scol = *col;
            cond = 1, else_done = false;
            state = OPERAND;
        } else if (c == TK_ELSE && cond == 1) {
            cond = 2;
            state = OPERAND;
        } else {
            break;
        }
        if (complete) {
            /* skip a bracketed atom or trailer to its closer */
            for (int depth = is_opener(c); depth > 0;) {
                c = lexer_next(lx, &u);
                if (c <= 0)
                    break;
                depth += is_opener(c) - is_closer(c);
            }
            if (c <= 0)
                goto end;
            tok_end(&u, c, line, col);
            state = AFTER;
            if (cond == 2)
                else_done = true;
        }
        prev = c;
        c = lexer_next(lx, &u);
        if (c <= 0)
            goto end;
    }
end:
    /* reaching the end inside brackets is itself the error, as in scan_expr */
    if (c < 0 && lx->error_kind == LEXERR_UNCLOSED) {
        *ctx->err = scratch;
        ctx->failed = true;
        return false;
    }
    if (cond == 1 || (cond == 2 && !else_done))
        *line = sline, *col = scol;
    return true;
}

/* A copy of the lexer to read ahead with, on the stack (a look ahead never
 * starts another); its errors go to err and are ignored. */
typedef struct {
    Lexer lx;
    ParseError err;
} Peek;

static Lexer *peek_from(Peek *p, const Lexer *lx)
{
    p->lx = *lx;
    p->lx.err = &p->err;
    return &p->lx;
}

/* scan_expr() from the offending token t, on a copy of the lexer. */
static bool expr_end(ParseCtx *ctx, int code, const Token *t, bool whole, int *line, int *col)
{
    Peek peek;
    return scan_expr(ctx, peek_from(&peek, ctx->lx), code, t, whole, line, col);
}

/* Whether the parser has been given the end of the input (ENDMARKER, or
 * the DEDENTs before it). */
static bool at_input_end(const ParseCtx *ctx, int code)
{
    return code == 0 || (code == TK_DEDENT && (ctx->lx->done || ctx->lx->cur >= ctx->lx->lim));
}

/* Where CPython's ENDMARKER is: at the end of the last line, whose newline
 * (if any) ends it rather than starting another. */
static void eof_pos(const Lexer *lx, int *line, int *col)
{
    const char *start = lx->line_start;
    *line = lx->line;
    if (start >= lx->lim && *line > 1) {
        (*line)--;
        start = lx->lim - 1;
        while (start > lx->start && start[-1] != '\n')
            start--;
        *col = (int)(lx->lim - 1 - start);
        return;
    }
    *col = (int)(lx->lim - start);
}

/* An error CPython raises at the ENDMARKER, which has no end (end_offset -1). */
static void error_at_eof(ParseCtx *ctx, const char *kind, const char *msg)
{
    int line, col;
    eof_pos(ctx->lx, &line, &col);
    parse_error(ctx, kind, line, col, line, col, "%s", msg);
    ctx->err->origin = ORIGIN_END_NONE;
    ctx->err->tok_line = line;
}

static bool expected_block(ParseCtx *ctx, int code, const Token *t)
{
    if (ctx->prev_code != TK_NEWLINE || ctx->prev2_code != TK_COLON || code == TK_INDENT)
        return false;
    int kw = line_keyword(ctx);
    const char *what = block_owner(kw);
    if (!what)
        return false;
    if (kw == TK_EXCEPT && ctx->line_ntok > 1 && ctx->line_code[1] == TK_STAR)
        what = "'except*' statement";
    char msg[96];
    snprintf(msg, sizeof msg, "expected an indented block after %s on line %d", what, ctx->line_tok[0].line);
    if (at_input_end(ctx, code))
        error_at_eof(ctx, "IndentationError", msg);
    else
        parse_error(ctx, "IndentationError", t->line, t->col, t->line, t->col + t->len, "%s", msg);
    return true;
}

static bool expected_colon(ParseCtx *ctx, int code, const Token *t)
{
    int kw = line_keyword(ctx);
    bool at_newline = code == TK_NEWLINE &&
        (kw == TK_IF || kw == TK_ELIF || kw == TK_WHILE || kw == TK_FOR ||
         kw == TK_WITH || kw == TK_CLASS || kw == TK_EXCEPT || kw == TK_MATCH ||
         kw == TK_CASE);
    bool forced = code != TK_COLON &&
        (kw == TK_DEF || kw == TK_TRY || kw == TK_ELSE || kw == TK_FINALLY);
    static const int colon_newline[] = { TK_COLON, TK_NEWLINE };
    if (kw == TK_DEF && ctx->prev_code == TK_NAME && ctx->prev2_code == TK_DEF &&
        code != TK_LPAR) {
        error_at_tok(ctx, t, "expected '('");
        return true;
    }
    if ((!at_newline && !forced) || !AsyParseAcceptsSeq(ctx->parser, colon_newline, 2))
        return false;
    error_at_tok(ctx, t, "expected ':'");
    return true;
}

static bool expected_handler(ParseCtx *ctx, int code, const Token *t)
{
    if (!AsyParseAccepts(ctx->parser, TK_EXCEPT) ||
        !AsyParseAccepts(ctx->parser, TK_FINALLY) || AsyParseAccepts(ctx->parser, TK_ELSE))
        return false;
    if (code == TK_DEDENT && !at_input_end(ctx, code)) {
        /* CPython points just before the dedented line's first token, with no end */
        parse_error(ctx, "SyntaxError", t->line, t->col - 1, t->line, -1, "expected 'except' or 'finally' block");
        ctx->err->origin = ORIGIN_END_NONE;
        return true;
    }
    if (t->len == 0 || at_input_end(ctx, code)) {
        error_at_eof(ctx, "SyntaxError", "expected 'except' or 'finally' block");
        return true;
    }
    parse_error(ctx, "SyntaxError", t->line, t->col, t->line, t->col + t->len,
                "expected 'except' or 'finally' block");
    return true;
}

/* The stack entry from_top below the top, if it holds an expression. */
static Node *stack_node(const ParseCtx *ctx, int from_top)
{
    const void *v = AsyParsePeek(ctx->parser, from_top, -1);
    Node *n = NULL;
    if (v)
        memcpy(&n, v, sizeof n);
    return n;
}

static bool expected_else(ParseCtx *ctx, int code)
{
    if (code == TK_ELSE || code == TK_COLON || !AsyParsePeek(ctx->parser, 1, TK_IF))
        return false;
    Node *body = stack_node(ctx, 2), *test = stack_node(ctx, 0);
    if (!body || !test || !AsyParseAccepts(ctx->parser, TK_ELSE))
        return false;
    parse_error(ctx, "SyntaxError", body->line, body->col, test->end_line, test->end_col,
                "expected 'else' after 'if' expression");
    return true;
}

/* Where CPython's highlight of `except A, B [as N]:` ends: where the ':'
 * that closes the clause starts (its rule matches through that ':'). False
 * if the line has no such ':'. */
static bool except_types_end(ParseCtx *ctx, int *line, int *col)
{
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token tok;
    int depth = 0, c, prev = 0;
    while ((c = lexer_next(lx, &tok)) > 0) {
        if (depth == 0 && (c == TK_COLON || c == TK_NEWLINE)) {
            *line = tok.line;
            *col = tok.col;
            return c == TK_COLON && prev && prev != TK_AS;
        }
        if (c == TK_LPAR || c == TK_LSQB || c == TK_LBRACE)
            depth++;
        else if (c == TK_RPAR || c == TK_RSQB || c == TK_RBRACE)
            depth--;
        prev = c;
    }
    return false;
}

static bool except_errors(ParseCtx *ctx, int code, const Token *t)
{
    if (ctx->prev_code == TK_STAR && ctx->prev2_code == TK_EXCEPT &&
        (code == TK_COLON || code == TK_NEWLINE)) {
        int col = t->len == 0 && t->col > 0 ? t->col - 1 : t->col;
        parse_error(ctx, "SyntaxError", t->line, col, t->line, col + 1,
                    "expected one or more exception types");
        return true;
    }
    if (code != TK_COMMA || line_keyword(ctx) != TK_EXCEPT ||
        (!AsyParsePeek(ctx->parser, 1, TK_EXCEPT) &&
         !(AsyParsePeek(ctx->parser, 1, TK_STAR) && AsyParsePeek(ctx->parser, 2, TK_EXCEPT))))
        return false;
    Node *type = stack_node(ctx, 0);
    if (!type)
        return false;
    /* Without the ':' CPython's rule fails, and so the clause is plain
     * invalid syntax at the comma. */
    int end_line, end_col, span[4];
    if (!except_types_end(ctx, &end_line, &end_col))
        return false;
    own_span(ctx, type, span);
    parse_error(ctx, "SyntaxError", span[0], span[1], end_line, end_col,
                "multiple exception types must be parenthesized");
    return true;
}

/* `if x = 1:` and `[x = 1]`, where CPython expects a named expression. */
static bool assign_in_expr(ParseCtx *ctx, int code)
{
    int kw = line_keyword(ctx);
    if (code != TK_EQUAL || (bracket_level(ctx, code) <= 0 && kw != TK_IF &&
                             kw != TK_ELIF && kw != TK_WHILE && kw != TK_CASE))
        return false;
    Node *a = expr_before(ctx);
    /* Not in a keyword argument's value, nor after `*` or `**`. */
    if (!a || a == ctx->kw_value || ctx->prev2_code == TK_STAR ||
        ctx->prev2_code == TK_DOUBLESTAR)
        return false;
    /* Only if an operand follows, which CPython reads, maybe to the end. */
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token next;
    int line, col, c = lexer_next(lx, &next);
    bool operand = starts_expr(c) && c != TK_LAMBDA;
    bool ok = operand && scan_primary(ctx, lx, c, &next, &line, &col);
    if (!operand || !ok)
        return !operand ? false : true;
    switch (a->kind) {
    case E_NAME:
        parse_error(ctx, "SyntaxError", a->line, a->col, line, col,
                    "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
        return true;
    case E_COMPARE: case E_BOOLOP: case E_LIST: case E_TUPLE: case E_GENEXP:
    case E_TRUE: case E_FALSE: case E_NONE:
        return false;
    case E_UNARY:
        if (a->u.unary.op == OP_NOT)
            return false;
        break;
    default:
        break;
    }
    error_at_node(ctx, a, "cannot assign to %s here. Maybe you meant '==' instead of "
                  "'='?", expr_name(a));
    return true;
}

/* Whether the name just read (ctx->prev) begins an `expression` of
 * CPython's grammar, where it tries its invalid_legacy_expression rule:
 * a statement's start, after `=`, `(`, `,`, `return`, a dict key's `:`...;
 * not an operand (`1 + print x`), an attribute, a comprehension's `if`,
 * nor a name that an import, global or parameter list declares. */
static bool starts_expression(const ParseCtx *ctx)
{
    int kw = line_keyword(ctx);
    if (ctx->line_ntok == 1)
        return true;
    if (ctx->params || kw == TK_IMPORT || kw == TK_FROM || kw == TK_GLOBAL || kw == TK_NONLOCAL)
        return false;
    bool second = ctx->prev2.s == ctx->line_tok[0].s;     /* the name is the line's second token */
    switch (ctx->prev2_code) {
    case TK_COLON: case TK_SEMI: case TK_LPAR: case TK_LSQB: case TK_LBRACE: case TK_COMMA:
    case TK_EQUAL: case TK_COLONEQUAL: case TK_RARROW: case TK_PLUSEQUAL: case TK_MINEQUAL:
    case TK_STAREQUAL: case TK_SLASHEQUAL: case TK_PERCENTEQUAL: case TK_AMPEREQUAL:
    case TK_VBAREQUAL: case TK_CIRCUMFLEXEQUAL: case TK_LSHIFTEQUAL: case TK_RSHIFTEQUAL:
    case TK_DOUBLESTAREQUAL: case TK_DOUBLESLASHEQUAL: case TK_ATEQUAL: case TK_RETURN:
    case TK_DEL: case TK_ELIF: case TK_WHILE: case TK_ASSERT: case TK_WITH: case TK_YIELD:
    case TK_ELSE: case TK_RAISE: case TK_FROM: case TK_EXCEPT:
        return true;
    case TK_IF: case TK_AT:     /* an if statement, a decorator */
        return second;
    case TK_IN:                 /* a for statement's iterable */
        return kw == TK_FOR && bracket_level(ctx, TK_NAME) <= 0;
    default:
        return false;
    }
}

/* Where the longest expression list that starts with token t (of type
 * code) ends, as CPython's PEG parser reads `star_expressions` there: the
 * parser's tables are consulted, as if for an eval input, at each token
 * whether the input could end after it (nothing is built). False when no
 * prefix is complete (the rule does not match); false with ctx->failed set
 * when the input ends inside brackets, which is the error to report. */
static bool longest_expr_from(ParseCtx *ctx, const Lexer *from, int code, const Token *t, int *line, int *col)
{
    enum { MAX_TOKENS = 256 };
    int codes[MAX_TOKENS + 3];
    int n = 0;
    codes[n++] = TK_START_EVAL;
    Peek peek;
    Lexer *lx = peek_from(&peek, from);
    void *parser = AsyParseAlloc(malloc, ctx);
    bool found = false;
    Token u = *t;
    int c = code;
    while (parser && c > 0 && c != TK_NEWLINE && n < MAX_TOKENS) {
        codes[n++] = c;
        if (!AsyParseAcceptsSeq(parser, codes, n))
            break;
        codes[n] = TK_NEWLINE;
        codes[n + 1] = 0;
        if (AsyParseAcceptsSeq(parser, codes, n + 2)) {
            found = true;
            tok_end(&u, c, line, col);
        }
        c = lexer_next(lx, &u);
    }
    if (c < 0 && lx->error_kind == LEXERR_UNCLOSED) {
        *ctx->err = peek.err;
        ctx->failed = true;
        found = false;
    }
    if (parser)
        AsyParseFree(parser, free);
    return found;
}

static bool longest_expr(ParseCtx *ctx, int code, const Token *t, int *line, int *col)
{
    return longest_expr_from(ctx, ctx->lx, code, t, line, col);
}

static bool is_legacy_name(const char *s, int len)
{
    return (len == 5 && !memcmp(s, "print", 5)) || (len == 4 && !memcmp(s, "exec", 4));
}

/* The Python 2 statement in `a b print x`: CPython's invalid_legacy_expression
 * (NAME, not `(`, then star_expressions, which try the rule again) walks a
 * run of juxtaposed names to a `print` or `exec` that an expression
 * follows. t is the name after the first one. */
static bool legacy_print_in_names(ParseCtx *ctx, const Token *t, int *line, int *col, Token *at)
{
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token cur = *t;
    for (int n = 0; n < 64; n++) {
        Token next;
        int c = lexer_next(lx, &next);
        if (c == TK_LPAR || !starts_expr(c))
            return false;
        if (is_legacy_name(cur.s, cur.len)) {
            *at = cur;
            return longest_expr_from(ctx, lx, c, &next, line, col);
        }
        /* The rule reads an expression from next (`c (x`, `1 [x`), which
         * may run into the end of the input inside a bracket: then that
         * is CPython's error (ctx->failed). */
        int l, k;
        longest_expr_from(ctx, lx, c, &next, &l, &k);
        if (ctx->failed || c != TK_NAME)
            return false;
        cur = next;
    }
    return false;
}

/* `print x` and `exec code`: Python 2's statements, where an expression
 * (the longest one that parses) follows the name. */
static bool legacy_print(ParseCtx *ctx, int code, const Token *t)
{
    Node *a = expr_before(ctx);
    if (!a || a->kind != E_NAME || code == TK_LPAR || !starts_expr(code) || !starts_expression(ctx))
        return false;
    int line, col;
    if (strcmp(a->u.name, "print") && strcmp(a->u.name, "exec")) {
        Token at;
        /* In brackets CPython's "forgot a comma" comes first. */
        if (code != TK_NAME || bracket_level(ctx, code) > 0 ||
            !legacy_print_in_names(ctx, t, &line, &col, &at))
            return ctx->failed;
        parse_error(ctx, "SyntaxError", at.line, at.col, line, col,
                    "Missing parentheses in call to '%.*s'. Did you mean %.*s(...)?",
                    at.len, at.s, at.len, at.s);
        return true;
    }
    if (!longest_expr(ctx, code, t, &line, &col))
        return ctx->failed;
    parse_error(ctx, "SyntaxError", a->line, a->col, line, col,
                "Missing parentheses in call to '%s'. Did you mean %s(...)?",
                a->u.name, a->u.name);
    return true;
}

static bool forgot_comma(ParseCtx *ctx, int code, const Token *t)
{
    /* A comprehension's iterable and conditions are not where CPython
     * looks for a missing comma. */
    if (bracket_level(ctx, code) <= 0 || !starts_expr(code) ||
        AsyParseAccepts(ctx->parser, TK_FOR))
        return false;
    Node *a = expr_before(ctx);
    if (!a || (a->kind == E_NAME && (code == TK_STRING || !strcmp(a->u.name, "print") ||
                                      !strcmp(a->u.name, "exec"))))
        return false;
    int line, col;
    Peek peek;
    if (!scan_expression(ctx, peek_from(&peek, ctx->lx), code, t, &line, &col))
        return true;
    parse_error(ctx, "SyntaxError", a->line, a->col, line, col,
                "invalid syntax. Perhaps you forgot a comma?");
    return true;
}

/* The innermost bracket open before token `code`. */
static char innermost_bracket(const ParseCtx *ctx, int code)
{
    const Lexer *lx = ctx->lx;
    int level = lx->level - is_opener(code) + is_closer(code);
    return level > 0 && level <= LEX_MAX_PAREN ? lx->paren[level - 1] : 0;
}

/* `{k: *v}`: marked from the star to the end of the expression after it. */
static bool starred_dict_value(ParseCtx *ctx, const Token *star)
{
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token next;
    int line, col, c = lexer_next(lx, &next);
    bool expr = starts_expr(c), ok = expr && scan_expr(ctx, lx, c, &next, true, &line, &col);
    if (!expr) {        /* `{k: *}`: CPython fails at the token after the star */
        if (c < 0)
            return false;
        tok_end(&next, c, &line, &col);
        parse_error(ctx, "SyntaxError", next.line, next.col, line, col, "invalid syntax");
        return true;
    }
    if (ok)
        parse_error(ctx, "SyntaxError", star->line, star->col, line, col,
                    "cannot use a starred expression in a dictionary value");
    return true;
}

static bool dict_errors(ParseCtx *ctx, int code, const Token *t)
{
    if (innermost_bracket(ctx, code) != '{')
        return false;
    if (ctx->prev_code == TK_COLON && (code == TK_COMMA || code == TK_RBRACE)) {
        error_at_tok(ctx, &ctx->prev, "expression expected after dictionary key and ':'");
        return true;
    }
    if (ctx->prev_code == TK_COLON && code == TK_STAR)
        return starred_dict_value(ctx, t);
    Node *key = expr_before(ctx);
    if (!key || code == TK_COLON || !AsyParseAccepts(ctx->parser, TK_COLON) ||
        AsyParseAccepts(ctx->parser, TK_COMMA))
        return false;
    parse_error(ctx, "SyntaxError", key->end_line, key->end_col - 1, key->end_line,
                key->end_col, "':' expected after dictionary key");
    return true;
}

/* `f(a.b= )`: CPython checks a keyword's name as soon as it sees the `=`;
 * `f(a=)` lacks the value. */
static bool bad_keyword(ParseCtx *ctx, int code)
{
    Node *name = stack_node(ctx, 1);
    if (innermost_bracket(ctx, code) != '(' || !AsyParsePeek(ctx->parser, 0, TK_EQUAL) || !name ||
        AsyParsePeek(ctx->parser, 2, TK_COLON))      /* a parameter's annotation */
        return false;
    const Token *eq = &ctx->prev;
    int span[4];
    own_span(ctx, name, span);
    bool grouped = span[1] != name->col || span[0] != name->line;
    if (name->kind == E_NAME && !grouped) {
        if (code != TK_RPAR && code != TK_COMMA)
            return false;
        parse_error(ctx, "SyntaxError", name->line, name->col, eq->line, eq->col + 1,
                    "expected argument value expression");
        return true;
    }
    if (grouped)
        parse_error(ctx, "SyntaxError", span[0], span[1], eq->line, eq->col + 1,
                    "expression cannot contain assignment, perhaps you meant \"==\"?");
    else if (name->kind == E_TRUE || name->kind == E_FALSE || name->kind == E_NONE)
        parse_error(ctx, "SyntaxError", name->line, name->col, eq->line, eq->col + 1,
                    "cannot assign to %s", expr_name(name));
    else
        parse_error(ctx, "SyntaxError", name->line, name->col, eq->line, eq->col + 1,
                    "expression cannot contain assignment, perhaps you meant \"==\"?");
    return true;
}

/* `def f((a, b))`, `lambda (x): x`: a '(' among plain parameters that
 * encloses names (and commas) only. */
static bool parenthesized_params(ParseCtx *ctx, int code, const Token *t)
{
    if (!ctx->params || code != TK_LPAR || ctx->prev_code == TK_NAME)
        return false;
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token u;
    int c, n = 0;
    while ((c = lexer_next(lx, &u)) == (n % 2 ? TK_COMMA : TK_NAME))
        n++;
    bool unclosed = c < 0 && lx->error_kind == LEXERR_UNCLOSED;
    if (unclosed) {     /* the error CPython reports first */
        *ctx->err = peek.err;
        ctx->failed = true;
        return true;
    }
    if (c != TK_RPAR || n == 0)
        return false;
    parse_error(ctx, "SyntaxError", t->line, t->col, u.line, u.col + 1, "%s parameters cannot be parenthesized",
                ctx->params == 'd' ? "Function" : "Lambda expression");
    return true;
}

/* `def f(a=, b)`, `lambda a=, b: 0`: a parameter's `=` without a value.
 * The parameter's NAME token lies under the `=`, or under its annotation
 * and colon (where `*args: int=` is the error CPython reports first). */
static bool missing_default(ParseCtx *ctx, int code, int kw)
{
    if (ctx->prev_code != TK_EQUAL || (code != TK_RPAR && code != TK_COMMA) ||
        (kw != TK_DEF && code == TK_RPAR))
        return false;
    void *p = ctx->parser;
    const char *msg = "expected default value expression";
    if (!AsyParsePeek(p, 1, TK_NAME)) {
        if (kw != TK_DEF || !AsyParsePeek(p, 2, TK_COLON) || !AsyParsePeek(p, 3, TK_NAME))
            return false;
        if (AsyParsePeek(p, 4, TK_STAR))
            msg = "var-positional argument cannot have default value";
        else if (AsyParsePeek(p, 4, TK_DOUBLESTAR))
            msg = "var-keyword argument cannot have default value";
    }
    error_at_tok(ctx, &ctx->prev, "%s", msg);
    return true;
}

/* `import a from b`: the two kinds of import mixed up. */
static bool import_from_swapped(ParseCtx *ctx, int code)
{
    const Token *imp = &ctx->import_tok;
    if (code != TK_FROM || ctx->import_stmt != ctx->nstmts || !imp->s || ctx->prev2_code == TK_AS)
        return false;
    /* CPython's rule wants a dotted name after the `from`. */
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token u;
    int line = 0, col = 0;
    bool name = false;
    for (int c = lexer_next(lx, &u); c == TK_NAME; c = lexer_next(lx, &u)) {
        name = true;
        tok_end(&u, c, &line, &col);
        if (lexer_next(lx, &u) != TK_DOT)
            break;
    }
    if (!name)
        return false;
    parse_error(ctx, "SyntaxError", imp->line, imp->col, line, col,
                "Did you mean to use 'from ... import ...' instead?");
    return true;
}

/* `f(*args=x)`, `f(**kw=x)`: CPython marks the unpacking through the
 * value after the `=`. */
static bool unpacking_assigned(ParseCtx *ctx, int code, const Token *t)
{
    Node *a = expr_before(ctx);
    if (code != TK_EQUAL || !a || a != ctx->unpacked)
        return false;
    const Token *star = &ctx->unpacked_tok;
    bool dstar = star->len == 2;
    int line, col;
    tok_end(t, code, &line, &col);
    Peek peek;
    Lexer *lx = peek_from(&peek, ctx->lx);
    Token next;
    int c = lexer_next(lx, &next);
    if (!starts_expr(c))        /* `f(*a=)`: CPython's rule needs the value */
        return false;
    if (!scan_expr(ctx, lx, c, &next, true, &line, &col))
        return true;
    parse_error(ctx, "SyntaxError", star->line, star->col, line, col, "cannot assign to %s argument unpacking",
                dstar ? "keyword" : "iterable");
    return true;
}

/* `f(a = x for x in y)`: a generator after a keyword argument's `=`,
 * where CPython guesses a comparison was meant. */
static bool keyword_genexp(ParseCtx *ctx, int code)
{
    Node *a = expr_before(ctx);
    if (code != TK_FOR || !a || a != ctx->kw_value || !ctx->kw_name || innermost_bracket(ctx, code) != '(')
        return false;
    parse_error(ctx, "SyntaxError", ctx->kw_name->line, ctx->kw_name->col, ctx->kw_eq.line, ctx->kw_eq.col + 1,
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    return true;
}

static bool misc_errors(ParseCtx *ctx, int code, const Token *t)
{
    if (parenthesized_params(ctx, code, t))
        return true;
    int kw = line_keyword(ctx);
    if (missing_default(ctx, code, kw) || unpacking_assigned(ctx, code, t) || import_from_swapped(ctx, code) ||
        keyword_genexp(ctx, code))
        return true;
    if (kw == TK_DEF && ctx->prev_code == TK_SLASH && code == TK_STAR && innermost_bracket(ctx, code) == '(') {
        error_at_tok(ctx, t, "expected comma between / and *");
        return true;
    }
    if (kw == TK_FROM && ctx->prev_code == TK_COMMA && code == TK_NEWLINE &&
        ctx->lx->level == 0) {
        error_at_tok(ctx, t, "trailing comma not allowed without surrounding parentheses");
        return true;
    }
    return dict_errors(ctx, code, t) || bad_keyword(ctx, code);
}

/* An expression cut short by the end of input inside brackets: CPython
 * tries to parse it and reports the bracket. */
static bool unclosed_after(ParseCtx *ctx, int code, const Token *t)
{
    if (!starts_expr(code) || !expr_before(ctx))
        return false;
    if (is_opener(code)) {
        /* CPython only reads on if the bracket's contents start well. */
        Peek peek;
        Lexer *lx = peek_from(&peek, ctx->lx);
        Token next;
        int c = lexer_next(lx, &next);
        if (c >= 0 && !starts_expr(c))
            return false;
    }
    int line, col;
    return !expr_end(ctx, code, t, false, &line, &col);
}

/* `for 1 in x`: CPython checks a for target before looking for the `in`. */
static bool bad_for_target(ParseCtx *ctx, int code)
{
    Node *a = expr_before(ctx);
    /* (the target's last element, `for a, (b + 1): ...`, at a for statement's end of targets) */
    bool last = line_keyword(ctx) == TK_FOR && bracket_level(ctx, code) <= 0 && AsyParseAccepts(ctx->parser, TK_IN);
    if ((ctx->prev2_code != TK_FOR && !last) || code == TK_IN || !a)
        return false;
    Node *bad = invalid_target(a, T_FOR);
    if (!bad)
        return false;
    error_at_node(ctx, bad, "cannot assign to %s", expr_name(bad));
    return true;
}

/* Errors in a case's patterns, which look like expressions but are not:
 * the expression heuristics would misname them. */
static bool pattern_errors(ParseCtx *ctx, int code, const Token *t)
{
    if (ctx->prev_code == TK_AS && code != TK_NAME && starts_expr(code)) {
        int line, col;      /* CPython marks the whole expression after `as` */
        if (expr_end(ctx, code, t, true, &line, &col))
            parse_error(ctx, "SyntaxError", t->line, t->col, line, col, "invalid pattern target");
        return true;
    }
    if (expected_colon(ctx, code, t))
        return true;
    int line, col;
    tok_end(t, code, &line, &col);
    parse_error(ctx, "SyntaxError", t->line, t->col, line, col, "invalid syntax");
    return true;
}

static void syntax_error_at(ParseCtx *ctx, int code, const Token *t);

void parse_syntax_error(ParseCtx *ctx, void *parser, int code, const Token *t)
{
    (void)parser;
    if (ctx->failed)
        return;
    syntax_error_at(ctx, code, t);
    ctx->err->at_eof = at_input_end(ctx, code) || (code == TK_NEWLINE && t->len == 0);
}

/* Words the error at token t (of type code) that the parser cannot take. */
static void syntax_error_at(ParseCtx *ctx, int code, const Token *t)
{
    if (code == TK_INDENT && ctx->prev_code == TK_NEWLINE && expected_handler(ctx, code, t))
        return;
    if (code == TK_INDENT) {
        /* CPython's caret sits on the last column of the indentation. */
        parse_error(ctx, "IndentationError", t->line, t->col > 0 ? t->col - 1 : 0,
                    t->line, t->col, "unexpected indent");
        ctx->err->origin = ORIGIN_END_NONE;
        ctx->rescan = false;
        return;
    }
    if (expected_block(ctx, code, t))
        return;
    if (code == TK_DEDENT) {
        /* a try body closed by a dedent of several levels */
        if (expected_handler(ctx, code, t))
            return;
        /* CPython gives no end: at the end of the input it points past the
         * last line, else just before the dedented line's first token */
        if (at_input_end(ctx, code))
            error_at_eof(ctx, "IndentationError", "unexpected unindent");
        else {
            parse_error(ctx, "IndentationError", t->line, t->col - 1, t->line, -1, "unexpected unindent");
            ctx->err->origin = ORIGIN_END_NONE;
        }
        ctx->rescan = false;
        return;
    }
    /* A decorator with nothing after it: CPython names the last line, with
     * no column */
    if (code == 0 && ctx->prev_code == TK_NEWLINE && AsyParseAccepts(ctx->parser, TK_DEF) &&
        AsyParseAccepts(ctx->parser, TK_CLASS) && AsyParseAccepts(ctx->parser, TK_AT)) {
        int line, col;
        eof_pos(ctx->lx, &line, &col);
        parse_error(ctx, "SyntaxError", line, -1, line, -1, "invalid syntax");
        ctx->err->origin = ORIGIN_END_ZERO;
        ctx->err->tok_line = line;
        return;
    }
    /* Past the end, CPython points at the last NEWLINE. */
    if (code == 0 && ctx->last_newline.s)
        t = &ctx->last_newline;
    if (ctx->in_pattern && pattern_errors(ctx, code, t))
        return;
    if (bad_assign_target(ctx) || bad_for_target(ctx, code) || except_errors(ctx, code, t) ||
        expected_colon(ctx, code, t) || expected_handler(ctx, code, t) ||
        expected_else(ctx, code) || misc_errors(ctx, code, t) ||
        assign_in_expr(ctx, code) || legacy_print(ctx, code, t) ||
        forgot_comma(ctx, code, t) || unclosed_after(ctx, code, t))
        return;
    int line, col;
    tok_end(t, code, &line, &col);
    parse_error(ctx, "SyntaxError", t->line, t->col, line, col, "invalid syntax");
}

/* ========================================================================
 * The driver
 * ===================================================================== */

/* Keeps what the error messages need: the last two tokens and the first two
 * of the logical line. */
static void track(ParseCtx *ctx, int code, const Token *t)
{
    if (code == TK_LPAR && ctx->prev_code == TK_NAME && ctx->prev2_code == TK_CLASS) {
        ctx->class_paren = bracket_level(ctx, code) + 1;
        ctx->class_for.s = NULL;
    } else if (code == TK_NEWLINE) {
        ctx->class_paren = 0;
    }
    if (code == TK_LAMBDA)
        ctx->params = 'l';
    else if (code == TK_LPAR && ctx->prev_code == TK_NAME && ctx->prev2_code == TK_DEF)
        ctx->params = 'd';
    else if (code != TK_NAME && code != TK_COMMA)
        ctx->params = 0;
    if (code == TK_IMPORT && (ctx->prev_code <= 0 || ctx->prev_code == TK_NEWLINE || ctx->prev_code == TK_INDENT ||
                              ctx->prev_code == TK_DEDENT || ctx->prev_code == TK_SEMI || ctx->prev_code == TK_COLON)) {
        ctx->import_tok = *t;       /* an import statement's keyword */
        ctx->import_stmt = ctx->nstmts;
    }
    ctx->prev2 = ctx->prev;
    ctx->prev2_code = ctx->prev_code;
    ctx->prev = *t;
    ctx->prev_code = code;
    if (code == TK_NEWLINE || code == TK_SEMI)
        ctx->nstmts++;
    if (code == TK_NEWLINE)
        ctx->last_newline = *t;
    if (code == TK_INDENT) {
        /* The cases of a match are the block its header opens. */
        ctx->indent++;
        if (line_keyword(ctx) == TK_MATCH && ctx->nmatch <= LEX_MAX_INDENT)
            ctx->match_blocks[ctx->nmatch++] = ctx->indent;
    } else if (code == TK_DEDENT) {
        ctx->indent--;
        while (ctx->nmatch > 0 && ctx->match_blocks[ctx->nmatch - 1] > ctx->indent)
            ctx->nmatch--;
    }
    if (code == TK_CASE)
        ctx->in_pattern = true;
    else if (code == TK_NEWLINE || ((code == TK_COLON || code == TK_IF) && ctx->lx->level == 0))
        ctx->in_pattern = false;
    if (code == TK_NEWLINE || code == TK_INDENT || code == TK_DEDENT || code == 0) {
        ctx->new_line = true;
        return;
    }
    ctx->last_real = *t;
    ctx->last_real_code = code;
    if (ctx->new_line) {
        ctx->line_ntok = 0;
        ctx->new_line = false;
    }
    if (ctx->line_ntok < 2) {
        ctx->line_tok[ctx->line_ntok] = *t;
        ctx->line_code[ctx->line_ntok] = code;
        ctx->line_ntok++;
    }
}

static void feed(ParseCtx *ctx, int code, const Token *t)
{
    if (__builtin_expect(code == TK_LTGT || code == TK_NOTEQUAL, 0) && ctx->barry) {
        if (code == TK_NOTEQUAL) {
            error_at_tok(ctx, t, "with Barry as BDFL, use '<>' instead of '!='");
            ctx->rescan = false;
            ctx->fail_line = t->line;
            return;
        }
        code = TK_NOTEQUAL;
    }
    ctx->cur = *t;
    ctx->cur_code = code;
    bool in_bases = ctx->class_paren && bracket_level(ctx, code) == ctx->class_paren;
    if (code == TK_FOR && in_bases && !ctx->class_for.s)
        ctx->class_for = *t;
    AsyParse(ctx->parser, code, *t);
    /* A class's bases are arguments, but not a bare generator expression
     * (a call takes one as its only argument): CPython finds nothing else
     * wrong there and reports its `for`. */
    if (!ctx->failed && code == TK_RPAR && in_bases && ctx->class_for.s)
        error_at_tok(ctx, &ctx->class_for, "invalid syntax");
    if (ctx->failed) {
        ctx->fail_line = t->line;
        return;
    }
    track(ctx, code, t);
}

/* A lexer error ends the parse; a plain "invalid syntax" from the lexer
 * (a stray `$`) ranks as a parser error. */
static void lexer_failed(ParseCtx *ctx, const Lexer *lx, const Token *t)
{
    ctx->failed = true;
    ctx->rescan = lx->error_kind == LEXERR_PLAIN;
    ctx->fail_line = t->line;
}

/* After a parser error CPython tokenizes the rest of the input: a later
 * malformed token, or a bracket left open before the error's line, is
 * reported instead, unless its tokenizer was inside an f-string then. */
static void rescan(ParseCtx *ctx, Lexer *lx)
{
    ParseError scratch;
    Token t;
    lx->err = &scratch;
    for (;;) {
        int code = lexer_next(lx, &t);
        if (code == 0)
            return;
        if (code > 0)
            continue;
        if ((lx->error_kind == LEXERR_TOKEN && !lx->err_in_fstring) ||
            (lx->error_kind == LEXERR_UNCLOSED && scratch.line < ctx->fail_line))
            *ctx->err = scratch;
        return;
    }
}

/* Whether the line that starts with the name `match` is a match statement,
 * as CPython's parser decides by trying: the subject must start like an
 * expression, and the line must end with a colon (a colon outside brackets
 * ends no other statement that starts with a name). Without the colon, a
 * subject that could not continue an expression after a name (`match x`)
 * still makes it one, so that the error is CPython's "expected ':'". */
static bool match_statement_follows(const Lexer *lx)
{
    Peek peek;
    Lexer *scan = peek_from(&peek, lx);
    Token t;
    int first = lexer_next(scan, &t), last = first, code = first;
    while (code > 0 && code != TK_NEWLINE) {
        if (scan->level == 0)
            last = code;
        code = lexer_next(scan, &t);
    }
    if (!starts_expr(first) && first != TK_STAR && first != TK_NOT)
        return false;
    if (code == TK_NEWLINE && last == TK_COLON)
        return true;
    switch (first) {
    case TK_NAME: case TK_NUMBER: case TK_STRING: case TK_LBRACE: case TK_NONE:
    case TK_TRUE: case TK_FALSE: case TK_TILDE: case TK_ELLIPSIS: case TK_AWAIT:
    case TK_LAMBDA:
        return true;
    default:
        return false;
    }
}

/* `type` opens a type alias statement (PEP 695) when a name and then `=`
 * or `[` follow it: `type X = int`, `type L[T] = list[T]`. */
static bool type_statement_follows(const Lexer *lx)
{
    Peek peek;
    Lexer *scan = peek_from(&peek, lx);
    Token t;
    bool yes = lexer_next(scan, &t) == TK_NAME;
    if (yes) {
        int code = lexer_next(scan, &t);
        yes = code == TK_EQUAL || code == TK_LSQB;
    }
    return yes;
}

/* `match` and `case` are keywords only where they open a match statement
 * or one of its cases (the lines of a match's block); elsewhere they are
 * names. */
static int soft_keyword(ParseCtx *ctx, const Lexer *lx, const Token *t)
{
    if (t->len == 4 && !memcmp(t->s, "case", 4) && ctx->nmatch > 0 &&
        ctx->match_blocks[ctx->nmatch - 1] == ctx->indent)
        return TK_CASE;
    if (t->len == 5 && !memcmp(t->s, "match", 5) && match_statement_follows(lx))
        return TK_MATCH;
    if (t->len == 4 && !memcmp(t->s, "type", 4) && type_statement_follows(lx))
        return TK_TYPE;
    return TK_NAME;
}

/* Whether the next token starts a simple statement that shares its line:
 * after a `;`, or after the colon of a compound statement's header. */
static bool simple_statement_start(const ParseCtx *ctx, const Lexer *lx)
{
    return lx->level == 0 && (ctx->prev_code == TK_SEMI || ctx->prev_code == TK_COLON);
}

static void run(ParseCtx *ctx, Lexer *lx)
{
    Token t;
    for (;;) {
        int code = lexer_next(lx, &t);
        if (code < 0) {
            lexer_failed(ctx, lx, &t);
            return;
        }
        if (code == TK_NAME && ctx->new_line)
            code = soft_keyword(ctx, lx, &t);
        else if (code == TK_NAME && simple_statement_start(ctx, lx) && t.len == 4 && !memcmp(t.s, "type", 4) &&
                 type_statement_follows(lx))
            code = TK_TYPE;     /* `def f(): type X = int`, `x = 1; type Y = str` */
        feed(ctx, code, &t);
        if (ctx->failed || code == 0)
            return;
    }
}

static bool init_ctx(ParseCtx *ctx, AstArena *a, ParseError *err, const char *lim)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->arena = a;
    ctx->err = err;
    ctx->lim = lim;
    ctx->new_line = true;
    ctx->poison = ast_new_node(a, E_NAME);
    if (!ctx->poison)
        return false;
    ctx->poison->u.name = "";
    ctx->parser = AsyParseAlloc(malloc, ctx);
    return ctx->parser != NULL;
}

/* Parses the text of a replacement field as CPython 3.11 does: as if it
 * were in parentheses, by its own parser over a fragment lexer. */
static Node *fstring_expr(ParseCtx *outer, const char *text, size_t len, int line, int col)
{
    if (outer->fdepth >= FSTRING_MAX_NESTING) {
        parse_error(outer, "SyntaxError", line, col, line, col + 1,
                    "f-string: expressions nested too deeply");
        return NULL;
    }
    char *copy = copy_str(outer, text, len);
    ParseCtx ctx;
    /* On the heap: f-strings nest 150 deep, and this function recurses. */
    Lexer *lx = copy ? malloc(sizeof *lx) : NULL;
    if (!lx || !init_ctx(&ctx, outer->arena, outer->err, copy + len)) {
        free(lx);
        parse_oom(outer);
        return NULL;
    }
    lexer_init_fragment(lx, copy, len, line, col, outer->err);
    ctx.lx = lx;
    ctx.fdepth = outer->fdepth + 1;
    ctx.outer = outer;
    ctx.barry = outer->barry;
    Token t = { copy, 1, line, col > 0 ? col - 1 : 0 };
    feed(&ctx, TK_START_FSTRING, &t);
    feed(&ctx, TK_LPAR, &t);
    for (int code = 1; code && !ctx.failed;) {
        code = lexer_next(lx, &t);
        if (code < 0) {
            lexer_failed(&ctx, lx, &t);
        } else if (code == 0) {
            Token close = { lx->cur, 1, lx->line, (int)(lx->cur - lx->line_start) + lx->col_base };
            feed(&ctx, TK_RPAR, &close);
            if (!ctx.failed)
                feed(&ctx, 0, &t);
        } else {
            ctx.ftokens++;
            feed(&ctx, code, &t);
        }
    }
    AsyParseFree(ctx.parser, free);
    free(lx);
    restore_groups(&ctx);
    if (ctx.failed) {
        outer->failed = true;
        outer->rescan = ctx.rescan;
        return NULL;
    }
    return ctx.root;
}

/* ---- the depth limit ---- */

typedef struct DepthWalk {
    Node **nodes;
    int *depths;
    int n, cap, depth;
    bool oom;
} DepthWalk;

static void push_child(Node *child, void *ud)
{
    DepthWalk *w = ud;
    if (w->oom)
        return;
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 256;
        Node **nodes = realloc(w->nodes, sizeof *nodes * (size_t)cap);
        if (nodes)
            w->nodes = nodes;
        int *depths = realloc(w->depths, sizeof *depths * (size_t)cap);
        if (depths)
            w->depths = depths;
        if (!nodes || !depths) {
            w->oom = true;
            return;
        }
        w->cap = cap;
    }
    w->nodes[w->n] = child;
    w->depths[w->n++] = w->depth + 1;
}

/* The compiler walks the tree recursively; refuse trees deeper than
 * AST_MAX_DEPTH, as CPython's compiler does, rather than let it overflow
 * the C stack. */
static bool check_depth(ParseCtx *ctx, Node *root)
{
    DepthWalk w = {0};
    w.depth = 0;
    push_child(root, &w);
    Node *deep = NULL;
    while (w.n > 0 && !w.oom && !deep) {
        Node *n = w.nodes[--w.n];
        w.depth = w.depths[w.n];
        if (w.depth > AST_MAX_DEPTH)
            deep = n;
        else
            ast_visit_children(n, push_child, &w);
    }
    free(w.nodes);
    free(w.depths);
    if (w.oom) {
        parse_oom(ctx);
        return false;
    }
    if (deep) {
        parse_error(ctx, "RecursionError", deep->line, deep->col, deep->line,
                    deep->col + 1, "maximum recursion depth exceeded during compilation");
        return false;
    }
    return true;
}

/* ---- the source ---- */

/* Length of the valid UTF-8 sequence at s (n bytes available), or 0. */
static int utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    if (c < 0xc2 || c > 0xf4 || (size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
        (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
        return 0;
    return len;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\f';
}

/* The encoding name a comment line declares (PEP 263: "coding" then ':'
 * or '=' then the name), or NULL with *code set when the line holds code. */
static const char *line_cookie(const char *s, const char *end, size_t *name_len, bool *code)
{
    while (s < end && is_blank(*s))
        s++;
    *code = s < end && *s != '#' && *s != '\n' && *s != '\r';
    if (s >= end || *s != '#')
        return NULL;
    for (const char *p = s; p + 7 < end; p++) {
        if (memcmp(p, "coding", 6) != 0 || (p[6] != ':' && p[6] != '='))
            continue;
        const char *n = p + 7;
        while (n < end && (*n == ' ' || *n == '\t'))
            n++;
        const char *e = n;
        while (e < end && (((unsigned char)*e < 0x80 && is_name_byte((unsigned char)*e)) || *e == '-' || *e == '.'))
            e++;
        if (e > n) {
            *name_len = (size_t)(e - n);
            return n;
        }
    }
    return NULL;
}

/* The encoding the source declares in a comment on its first or second
 * line (the second only after a line of no code), or NULL. */
static const char *coding_cookie(const char *src, size_t len, size_t *name_len)
{
    const char *end = src + len, *s = src;
    for (int line = 0; line < 2 && s < end; line++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *e = nl ? nl : end;
        bool code;
        const char *name = line_cookie(s, e, name_len, &code);
        if (name || code || !nl)
            return name;
        s = nl + 1;
    }
    return NULL;
}

/* Whether a source given as bytes declares its encoding (a byte order
 * mark or a coding comment), which makes CPython count columns in code
 * points rather than bytes. */
static bool declares_encoding(const char *src, size_t len)
{
    size_t n;
    return (len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3)) || coding_cookie(src, len, &n);
}

/* Copies the source into the arena as the lexer wants it: UTF-8 checked,
 * "\r\n" and "\r" turned into "\n", a byte order mark dropped, and a NUL
 * sentinel after the end. */
static char *prepare_source(AstArena *a, const char *src, size_t len, ParseError *err,
                            size_t *out_len)
{
    const unsigned char *s = (const unsigned char *)src;
    if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
        s += 3;
        len -= 3;
    }
    char *buf = len < SIZE_MAX ? ast_alloc(a, len + 1) : NULL;
    if (!buf) {
        err->kind = "MemoryError";
        snprintf(err->msg, sizeof err->msg, "out of memory while parsing");
        return NULL;
    }
    size_t o = 0;
    int line = 1;
    const unsigned char *line_start = s;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c >= 0x20 && c < 0x80) {
            buf[o++] = (char)c;
            i++;
        } else if (c == '\n' || c == '\r') {
            buf[o++] = '\n';
            i += c == '\r' && i + 1 < len && s[i + 1] == '\n' ? 2 : 1;
            line++;
            line_start = s + i;
        } else if (c == 0) {
            err->kind = "SyntaxError";
            snprintf(err->msg, sizeof err->msg, "source code cannot contain null bytes");
            err->line = err->end_line = line;
            err->col = (int)(s + i - line_start);
            err->end_col = err->col + 1;
            return NULL;
        } else if (c < 0x80) {
            buf[o++] = (char)c;
            i++;
        } else {
            int n = utf8_len(s + i, len - i);
            if (n == 0) {
                err->kind = "SyntaxError";
                snprintf(err->msg, sizeof err->msg, "Non-UTF-8 code starting with "
                         "'\\x%02x' on line %d, but no encoding declared; see "
                         "https://peps.python.org/pep-0263/ for details", c, line);
                err->line = err->end_line = line;
                err->col = (int)(s + i - line_start);
                err->end_col = err->col + 1;
                return NULL;
            }
            memcpy(buf + o, s + i, (size_t)n);
            o += (size_t)n;
            i += (size_t)n;
        }
    }
    buf[o] = '\0';
    *out_len = o;
    return buf;
}

static Node *parse(AstArena *a, const char *src, size_t len, ParseMode mode, ParseError *err)
{
    memset(err, 0, sizeof *err);
    size_t n = 0;
    char *buf = prepare_source(a, src ? src : "", src ? len : 0, err, &n);
    if (!buf)
        return NULL;
    ParseCtx ctx;
    if (!init_ctx(&ctx, a, err, buf + n)) {
        parse_oom(&ctx);
        return NULL;
    }
    Lexer lx;
    lexer_init(&lx, buf, n, err);
    ctx.lx = &lx;
    ctx.barry = (mode & PARSE_BARRY) != 0;
    if (mode & PARSE_EVAL) {
        Token t = { buf, 0, 1, 0 };
        feed(&ctx, TK_START_EVAL, &t);
    }
    run(&ctx, &lx);
    if (ctx.failed && ctx.rescan)
        rescan(&ctx, &lx);
    AsyParseFree(ctx.parser, free);
    restore_groups(&ctx);
    if (ctx.failed)
        return NULL;
    if (ctx.deferred) {
        *err = ctx.later;
        return NULL;
    }
    if (!ctx.root) {
        parse_error(&ctx, "SyntaxError", lx.line, 0, lx.line, 1, "invalid syntax");
        return NULL;
    }
    if (!check_depth(&ctx, ctx.root))
        return NULL;
    return ctx.root;
}

Node *ast_parse(AstArena *a, const char *src, size_t len, ParseMode mode, ParseError *err)
{
    Node *n = parse(a, src, len, mode, err);
    if (!n)
        err->byte_offsets = (mode & PARSE_BYTES) && !declares_encoding(src ? src : "", src ? len : 0);
    return n;
}
