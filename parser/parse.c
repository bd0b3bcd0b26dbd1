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

/* ========================================================================
 * Errors
 * ===================================================================== */

static void fill_error(ParseError *e, const char *kind, int line, int col,
                       int end_line, int end_col, const char *prefix,
                       const char *fmt, va_list ap)
{
    size_t off = 0;
    e->kind = kind;
    if (prefix && strncmp(fmt, "f-string", 8) != 0) {
        off = strlen(prefix);
        memcpy(e->msg, prefix, off);
    }
    vsnprintf(e->msg + off, sizeof e->msg - off, fmt, ap);
    e->line = line;
    e->col = col;
    e->end_line = end_line;
    e->end_col = end_col;
    if (end_line < line || (end_line == line && end_col <= col)) {
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
    /* Like CPython, errors of the parser proper inside an f-string's
     * replacement field say so; the scanner's own errors do not. */
    fill_error(ctx->err, kind, line, col, end_line, end_col,
               ctx->fdepth > 0 ? "f-string: " : NULL, fmt, ap);
}

void parse_error(ParseCtx *ctx, const char *kind, int line, int col,
                 int end_line, int end_col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(ctx, kind, line, col, end_line, end_col, fmt, ap);
    va_end(ap);
}

void error_at_node(ParseCtx *ctx, const Node *n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(ctx, "SyntaxError", n->line, n->col, n->end_line, n->end_col, fmt, ap);
    va_end(ap);
}

void error_at_tok(ParseCtx *ctx, const Token *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(ctx, "SyntaxError", t->line, t->col, t->line, t->col + t->len, fmt, ap);
    va_end(ap);
}

/* An error CPython's compiler would report: kept until the whole input has
 * parsed, since any syntax error anywhere takes precedence. */
void deferred_error_at_node(ParseCtx *ctx, const Node *n, const char *fmt, ...)
{
    while (ctx->outer)
        ctx = ctx->outer;
    if (ctx->deferred)
        return;
    ctx->deferred = true;
    va_list ap;
    va_start(ap, fmt);
    fill_error(&ctx->later, "SyntaxError", n->line, n->col, n->end_line,
               n->end_col, NULL, fmt, ap);
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

const char *ident(ParseCtx *ctx, const Token *t)
{
    char *s = copy_str(ctx, t->s, (size_t)t->len);
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
    bool is_float = false;
    if (base == 10)
        for (int i = 0; i < t->len; i++)
            if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
                is_float = true;
    Node *n = mk_tok(ctx, is_float ? E_FLOAT : E_INT, t);
    char *d = digits_of(ctx, s + skip, t->len - skip);
    if (!d)
        return n;
    if (is_float) {
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

void check_named_target(ParseCtx *ctx, Node *target)
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

void list_extend(ParseCtx *ctx, NodeList *l, const NodeList *more)
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

/* `(x)`, `(x,)`, `(x, y)`: a group is its element; CPython gives the
 * element its own position, not the parentheses'. */
Node *paren_group(ParseCtx *ctx, NodeList elts, bool comma, const Token *open,
                  const Token *close)
{
    for (int i = 0; i < elts.n; i++)
        if (elts.items[i]->kind == E_WITH_AS) {
            error_at_node(ctx, elts.items[i], "invalid syntax");
            return ctx->poison;
        }
    if (elts.n == 1 && !comma) {
        Node *e = elts.items[0];
        if (e->kind == E_STARRED)
            error_at_node(ctx, e, "cannot use starred expression here");
        ctx->last_group = e;
        return e;
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
    case E_INT: case E_FLOAT: case E_STR: case E_BYTES: return "literal";
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

static void escape_error(ParseCtx *ctx, const StrTok *st, bool bytes, long start,
                         long end, const char *what)
{
    const Token *t = &st->t;
    if (bytes)
        parse_error(ctx, "SyntaxError", t->line, t->col, t->line, t->col + 1,
                    "(value error) invalid \\x escape at position %ld", start);
    else
        parse_error(ctx, "SyntaxError", t->line, t->col, t->line, t->col + 1,
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

/* Decodes one escape sequence at p (just past the backslash). Returns the
 * bytes written to out, or -1 after reporting an error. *pp advances. */
static int decode_escape(ParseCtx *ctx, const StrTok *st, const char **pp,
                         const char *end, char *out)
{
    const char *p = *pp;
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
    long start = (long)(p - 2 - st->body);
    if (c >= '0' && c <= '7') {
        unsigned v = (unsigned)(c - '0');
        for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; i++)
            v = v * 8 + (unsigned)(*p++ - '0');
        *pp = p;
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
            escape_error(ctx, st, st->bytes, start, start + 1 + got,
                         what[want == 2 ? 0 : want == 4 ? 1 : 2]);
            return -1;
        }
        if (v > 0x10ffff) {
            escape_error(ctx, st, false, start, start + 9, "illegal Unicode character");
            return -1;
        }
        if (st->bytes) {
            out[0] = (char)v;
            return 1;
        }
        return put_utf8(out, (unsigned)v);
    }
    if (c == 'N' && !st->bytes) {
        escape_error(ctx, st, false, start, start + 1,
                     "\\N{...} escapes are not supported");
        return -1;
    }
    /* An unknown escape keeps its backslash, as in Python. */
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
            int k = decode_escape(ctx, st, &p, end, out + n);
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
    const Node *where;      /* the position parts get (CPython 3.11's) */
} FBuild;

static Node *fstring_expr(ParseCtx *ctx, const char *text, size_t len, int line, int col);

static void fb_flush(FBuild *fb)
{
    if (fb->len == fb->lit)
        return;
    Node *s = mk(fb->ctx, E_STR);
    s->u.str.s = fb->buf + fb->lit;
    s->u.str.len = fb->len - fb->lit;
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

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v' || c == '\r';
}

/* Finds the end of a replacement field's expression, as CPython 3.11's
 * fstring_find_expr() does: at a `!`, `:`, `=` or `}` outside brackets and
 * strings. */
static bool find_expr_end(FBuild *fb, StrTok *st, const char **pp, const char *end)
{
    char stack[LEX_MAX_PAREN];
    int depth = 0;
    char quote = 0;
    int qlen = 0;
    const char *p = *pp;
    char msg[96];
    for (; p < end; p++) {
        char ch = *p;
        if (ch == '\\')
            return fstring_error(fb, st, "f-string expression part cannot include a backslash");
        if (quote) {
            if (ch == quote && (qlen == 1 || (p + 2 < end && p[1] == ch && p[2] == ch))) {
                p += qlen - 1;
                quote = 0;
            }
            continue;
        }
        if (ch == '\'' || ch == '"') {
            quote = ch;
            qlen = p + 2 < end && p[1] == ch && p[2] == ch ? 3 : 1;
            p += qlen - 1;
        } else if (ch == '[' || ch == '{' || ch == '(') {
            if (depth >= LEX_MAX_PAREN)
                return fstring_error(fb, st, "f-string: too many nested parenthesis");
            stack[depth++] = ch;
        } else if (ch == '#') {
            return fstring_error(fb, st, "f-string expression part cannot include '#'");
        } else if (depth == 0 && strchr("!:}=<>", ch)) {
            /* != == <= >= do not end the expression; nor do lone < >. */
            if (p + 1 < end && p[1] == '=' && strchr("!=<>", ch)) {
                p++;
                continue;
            }
            if (ch == '<' || ch == '>')
                continue;
            break;
        } else if (ch == ']' || ch == '}' || ch == ')') {
            if (depth == 0) {
                snprintf(msg, sizeof msg, "f-string: unmatched '%c'", ch);
                return fstring_error(fb, st, msg);
            }
            char open = stack[--depth];
            if ((open == '(') != (ch == ')') || (open == '[') != (ch == ']')) {
                snprintf(msg, sizeof msg, "f-string: closing parenthesis '%c' does "
                         "not match opening parenthesis '%c'", ch, open);
                return fstring_error(fb, st, msg);
            }
        }
    }
    if (quote)
        return fstring_error(fb, st, "f-string: unterminated string");
    if (depth) {
        snprintf(msg, sizeof msg, "f-string: unmatched '%c'", stack[depth - 1]);
        return fstring_error(fb, st, msg);
    }
    if (p >= end)
        return fstring_error(fb, st, "f-string: expecting '}'");
    *pp = p;
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
        if (*end == '!' || *end == ':' || *end == '=') {
            snprintf(msg, sizeof msg, "f-string: expression required before '%c'", *end);
            fstring_error(fb, st, msg);
        } else {
            fstring_error(fb, st, "f-string: empty expression not allowed");
        }
        return NULL;
    }
    int line, col;
    locate(st, start, &line, &col);
    return fstring_expr(fb->ctx, start, (size_t)(end - start), line, col);
}

/* A replacement field `{expr=!c:spec}` at *pp (on its `{`). */
static bool fstring_field(FBuild *fb, StrTok *st, const char **pp, const char *end,
                          int level)
{
    if (level >= 2)
        return fstring_error(fb, st, "f-string: expressions nested too deeply");
    const char *start = *pp + 1, *p = start;
    if (!find_expr_end(fb, st, &p, end))
        return false;
    Node *value = field_value(fb, st, start, p);
    if (!value)
        return false;
    bool self_doc = false;
    if (*p == '=') {
        /* `{x = }` shows its own text first, spaces included. */
        for (p++; p < end && is_space(*p); p++)
            ;
        if (p >= end)
            return fstring_error(fb, st, "f-string: expecting '}'");
        memcpy(fb->buf + fb->len, start, (size_t)(p - start));
        fb->len += (size_t)(p - start);
        self_doc = true;
    }
    fb_flush(fb);
    char conversion = 0;
    if (*p == '!') {
        if (++p >= end)
            return fstring_error(fb, st, "f-string: expecting '}'");
        conversion = *p++;
        if (conversion != 's' && conversion != 'r' && conversion != 'a')
            return fstring_error(fb, st, "f-string: invalid conversion character: "
                                 "expected 's', 'r', or 'a'");
    }
    Node *spec = NULL;
    if (p < end && *p == ':') {
        if (++p >= end)
            return fstring_error(fb, st, "f-string: expecting '}'");
        /* The spec is an f-string of its own, decoded into the same buffer. */
        FBuild sub = { .ctx = fb->ctx, .buf = fb->buf, .len = fb->len,
                       .lit = fb->len, .where = fb->where };
        if (!fstring_run(&sub, st, &p, end, level + 1))
            return false;
        fb_flush(&sub);
        fb->len = fb->lit = sub.len;
        spec = mk(fb->ctx, E_FSTRING);
        spec->u.list = sub.parts;
        span_nodes(spec, fb->where, fb->where);
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
    span_nodes(f, fb->where, fb->where);
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

Node *mk_strings(ParseCtx *ctx, const StrSpan *span)
{
    ParseError scratch;
    Lexer lx;
    StrTok one;
    StrScan sc = { .tok = &one };
    if (span->n > 1 && !(sc.tok = palloc(ctx, sizeof(StrTok) * (size_t)span->n)))
        return ctx->poison;
    lexer_init_fragment(&lx, span->s, (size_t)(ctx->lim - span->s), span->line,
                        span->col, &scratch);
    for (int i = 0; i < span->n; i++) {
        StrTok *st = &sc.tok[i];
        if (!next_string(&lx, st))
            return ctx->poison;
        sc.mixed |= i > 0 && st->bytes != sc.bytes;
        sc.bytes |= st->bytes;
        sc.fstr |= st->fstr;
        sc.total += (size_t)st->t.len;
        if (st->bytes && !check_bytes_ascii(ctx, st))
            return ctx->poison;
    }
    Node *n = mk(ctx, sc.fstr ? E_FSTRING : sc.bytes ? E_BYTES : E_STR);
    n->line = span->line;
    n->col = span->col;
    token_end(&sc.tok[span->n - 1].t, &n->end_line, &n->end_col);
    disj(ctx, n);
    if (sc.mixed) {
        error_at_node(ctx, n, "cannot mix bytes and nonbytes literals");
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
        bool ok = st->fstr ? fstring_run(&fb, st, &p, end, 0) : fb_text(&fb, st, p, end);
        if (!ok)
            return n;
    }
    if (n->kind == E_FSTRING) {
        fb_flush(&fb);
        n->u.list = fb.parts;
    } else {
        buf[fb.len] = '\0';
        n->u.str.s = buf;
        n->u.str.len = fb.len;
    }
    return n;
}
