/* What the grammar actions (grammar.y) and the driver (parse.c) share.
 *
 * The lemon parser carries a ParseCtx as its %extra_context. Actions build
 * nodes through the helpers below, which never return NULL: when the arena
 * runs dry they record a MemoryError and hand back a per-parse "poison" node,
 * so an action never has to test what its children returned. After the first
 * error (syntax or memory) the driver feeds no more tokens; the few
 * reductions still pending for the current token may run on poison nodes and
 * their results are thrown away.
 *
 * Errors come in two kinds, as in CPython. An immediate error is what the
 * parser or tokenizer reports; the first one ends the parse. A deferred error
 * is one CPython's compiler or symbol table reports (a repeated keyword
 * argument, a duplicate parameter, a misplaced starred expression): it is
 * remembered and reported only if the whole file parses, because CPython only
 * compiles files that parse.
 */
#ifndef ASY_PARSE_INTERNAL_H
#define ASY_PARSE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "../lexer/lexer.h"
#include "ast.h"

/* The deepest tree ast_parse() returns. CPython's compiler gives up at about
 * the same depth ("maximum recursion depth exceeded during compilation"), and
 * the bound lets the compiler recurse over the tree without checking. */
#define AST_MAX_DEPTH 3000

/* f-strings nested inside f-string replacement fields. */
#define FSTRING_MAX_NESTING 150

/* A pseudo node kind that lives only inside a parenthesized group being
 * parsed: `x as y`, legal only as `with (x as y, ...):`. Its u.named holds
 * value (the context) and target. It never reaches the returned tree. */
#define E_WITH_AS ((NodeKind)(NODE_KIND_COUNT + 1))

/* Adjacent string literal tokens: the atom's action scans them again from s
 * (at line/col) to decode them, so the parser stack holds no list. */
typedef struct StrSpan {
    const char *s;
    int line, col;
    int n;
} StrSpan;

/* A comparison chain `a < b <= c` under construction. */
typedef struct CmpChain {
    AstOp *ops;
    NodeList comparators;
    int cap;
} CmpChain;

/* The comprehension clauses `for ... in ... if ...` of one display. */
typedef struct CompList {
    Comprehension *items;
    int n, cap;
} CompList;

/* Call arguments under construction, with what the ordering rules need. */
typedef struct ArgList {
    NodeList args;
    Keyword *kw;
    int nkw, capkw;
    Node *bare_genexp;      /* `f(x for x in y)` */
    int nitems;
    bool seen_kw;           /* a keyword argument `k=v` */
    bool seen_dstar;        /* a `**mapping` */
    const char *err;        /* an ordering error, reported at the `)` */
} ArgList;

/* One parameter as written; make_params() checks the order. */
enum { PARAM_NAME, PARAM_STAR, PARAM_DSTAR, PARAM_SLASH };
typedef struct ParamItem {
    int kind;
    Token tok;              /* the name, or the `*`, `**` or `/` */
    Token name;             /* the name after `*` or `**` */
    bool has_name;
    Node *annotation, *default_;
    Token eq;               /* the `=` before the default */
} ParamItem;

typedef struct ParamItems {
    ParamItem *items;
    int n, cap;
} ParamItems;

typedef struct DictItems {
    NodeList keys, values;
} DictItems;

typedef struct Handlers {
    ExceptHandler *items;
    int n, cap;
} Handlers;

typedef struct WithItems {
    WithItem *items;
    int n, cap;
} WithItems;

typedef struct Aliases {
    Alias *items;
    int n, cap;
    int end_line, end_col;  /* where the statement ends */
} Aliases;

typedef struct NameList {
    const char **names;
    int n, cap;
    int end_line, end_col;
} NameList;

/* An if/elif chain: each elif is an S_IF alone in the orelse of the one
 * before; `last` is the one whose orelse is still open. */
typedef struct IfChain {
    Node *first, *last;
} IfChain;

/* The cases of a match statement. */
typedef struct MatchCases {
    MatchCase *items;
    int n, cap;
} MatchCases;

/* The items of a mapping pattern under construction. */
typedef struct MapItems {
    NodeList keys, patterns;
    const char *rest;       /* `**rest`, which must come last */
} MapItems;

/* The sub-patterns of a class pattern under construction. */
typedef struct ClassArgs {
    NodeList patterns;
    const char **kwd_attrs;
    NodeList kwd_patterns;
    int capattrs;
} ClassArgs;

/* A parenthesized expression `(x)` is just x, but CPython gives any node
 * that starts or ends with it the span of the parentheses. So while parsing,
 * x itself carries the parentheses' span; its own is kept here and put back
 * when the parse ends. */
typedef struct Group {
    Node *node;
    int line, col, end_line, end_col;   /* the node's own span */
} Group;

typedef struct ParseCtx ParseCtx;
struct ParseCtx {
    AstArena *arena;
    ParseError *err;
    bool failed;            /* an immediate error was reported */
    bool rescan;            /* it was a parser error: scan on for worse */
    int fail_line;          /* the line of the token that failed */
    bool deferred;          /* a deferred error is held in `later` */
    int deferred_rank;      /* 0: the symbol table's, 1: the compiler's */
    ParseError later;
    Node *root;
    Node *poison;           /* returned instead of NULL when out of memory */

    Lexer *lx;
    void *parser;           /* the lemon parser */
    const char *lim;        /* the end of the source (a NUL) */
    int fdepth;             /* f-string nesting: 0 outside f-strings */
    ParseCtx *outer;        /* the parse an f-string expression is part of */
    bool barry;             /* PARSE_BARRY: `<>` is `!=`, and `!=` an error */
    int ftokens;            /* the tokens of a replacement field fed so far */
    bool escape_warned;     /* the piece of literal being decoded has had its
                               one invalid-escape SyntaxWarning */

    /* What the error messages look at. */
    Token prev, prev2;      /* the last two tokens fed */
    int prev_code, prev2_code;
    Token last_real;        /* the last token fed that is not layout */
    int last_real_code;
    Token last_newline;     /* the last NEWLINE fed */
    int nstmts;             /* NEWLINE and `;` tokens fed: a statement count */
    Token cur;              /* the token being fed */
    int cur_code;
    Node *kw_value;         /* the value of the latest keyword argument */
    Node *kw_name;          /* ... its name */
    Token kw_eq;            /* ... and its `=` */
    NodeList assign;        /* the targets of an assignment being parsed */
    int assign_stmt;        /* ... in statement number assign_stmt */
    Token line_tok[2];      /* the first two tokens of the logical line */
    int line_code[2];
    int line_ntok;
    int class_paren;        /* the bracket depth inside a class statement's '(' (0: none) */
    Token class_for;        /* a `for` right inside it (class_for.s NULL: none) */
    char params;            /* 'd' or 'l' while only names and commas have followed a def's
                               '(' or a lambda: a '(' there is a parenthesized parameter */
    bool new_line;          /* the next token starts a logical line */
    int indent;             /* INDENTs fed minus DEDENTs fed */
    int match_blocks[LEX_MAX_INDENT + 1];   /* the indent of each open match's cases */
    int nmatch;
    bool in_pattern;        /* between `case` and the guard or colon that ends the patterns */
    Node *disj;             /* the latest node at `or` level or tighter */
    Node *last_group;       /* the latest `(x)`, which is just x */
    Node *unpacked;         /* the latest `*x` or `**x` call argument's x */
    Token unpacked_tok;     /* ... and its `*` or `**` */
    Token import_tok;       /* the `import` that opens statement number import_stmt */
    int import_stmt;
    Group *groups;          /* every `(x)` so far, for restore_groups() */
    int ngroups, capgroups;
};

/* ---- memory (ast.c) ---- */
Node *ast_new_node(AstArena *a, NodeKind kind);
bool ast_list_append(AstArena *a, NodeList *l, Node *n);
/* Grows *items (n used, *cap allocated, elements of `size` bytes) so that
 * one more fits. Returns false when out of memory. */
bool ast_grow(AstArena *a, void **items, int n, int *cap, size_t size);
/* Calls fn on every direct child node of n. */
void ast_visit_children(Node *n, void (*fn)(Node *child, void *ud), void *ud);

/* ---- errors (parse.c) ---- */
void parse_error(ParseCtx *ctx, const char *kind, int line, int col, int end_line,
                 int end_col, const char *fmt, ...);
void error_at_node(ParseCtx *ctx, const Node *n, const char *fmt, ...);
void error_at_tok(ParseCtx *ctx, const Token *t, const char *fmt, ...);
void empty_type_params(ParseCtx *ctx, const Token *lsqb, const Token *rsqb);
void deferred_error_at_node(ParseCtx *ctx, const Node *n, const char *fmt, ...);
void parse_oom(ParseCtx *ctx);
void parse_syntax_error(ParseCtx *ctx, void *parser, int code, const Token *t);

/* ---- expressions (parse.c), called by the grammar actions ---- */
void *palloc(ParseCtx *ctx, size_t size);
Node *mk(ParseCtx *ctx, NodeKind kind);
const char *ident(ParseCtx *ctx, const Token *t);
void start_at(Node *n, const Token *t);
void end_at(Node *n, const Token *t);
void start_node(Node *n, const Node *from);
void end_node(Node *n, const Node *from);
NodeList list1(ParseCtx *ctx, Node *n);
void list_add(ParseCtx *ctx, NodeList *l, Node *n);
void nodelist_extend(ParseCtx *ctx, NodeList *l, const NodeList *more);

Node *mk_tok(ParseCtx *ctx, NodeKind kind, const Token *t);
Node *mk_name(ParseCtx *ctx, const Token *t);
Node *mk_number(ParseCtx *ctx, const Token *t);
Node *mk_strings(ParseCtx *ctx, const StrSpan *span);
Node *mk_binop(ParseCtx *ctx, Node *l, AstOp op, Node *r);
Node *mk_unary(ParseCtx *ctx, const Token *op_tok, AstOp op, Node *operand);
Node *mk_boolop(ParseCtx *ctx, AstOp op, NodeList values);
CmpChain *cmp_add(ParseCtx *ctx, CmpChain *chain, AstOp op, Node *right);
Node *mk_compare(ParseCtx *ctx, Node *left, CmpChain *chain);
Node *mk_ifexp(ParseCtx *ctx, Node *body, Node *test, Node *orelse);
Node *mk_named(ParseCtx *ctx, Node *target, Node *value);
Node *mk_starred(ParseCtx *ctx, const Token *star, Node *value);
Node *mk_attr(ParseCtx *ctx, Node *value, const Token *name);
Node *mk_subscript(ParseCtx *ctx, Node *value, Node *index, const Token *rsqb);
Node *mk_slice(ParseCtx *ctx, Node *lower, const Token *c1, Node *upper,
               const Token *c2, Node *step);
Node *mk_await(ParseCtx *ctx, const Token *kw, Node *value);
Node *mk_yield(ParseCtx *ctx, NodeKind kind, const Token *kw, Node *value);
Node *mk_lambda(ParseCtx *ctx, const Token *kw, ParamItems *params, const Token *colon, Node *body);
Node *mk_seq(ParseCtx *ctx, NodeKind kind, NodeList elts, const Token *open,
             const Token *close);
Node *bare_tuple(ParseCtx *ctx, NodeList elts, const Token *comma);
Node *subscript_index(ParseCtx *ctx, NodeList elts, const Token *comma);
Node *paren_group(ParseCtx *ctx, NodeList elts, bool comma, const Token *open,
                  const Token *close);
Node *mk_with_as(ParseCtx *ctx, Node *context, const Token *as, Node *target);
Node *group(ParseCtx *ctx, Node *n, const Token *open, const Token *close);
DictItems *dict_add(ParseCtx *ctx, DictItems *d, Node *key, Node *value);
Node *mk_dict(ParseCtx *ctx, DictItems *items, const Token *open, const Token *close);
Node *comp_target_error(ParseCtx *ctx, NodeList elts);
Node *mk_comp(ParseCtx *ctx, NodeKind kind, Node *elt, Node *value, CompList *gens,
              const Token *open, const Token *close);
CompList *comp_add(ParseCtx *ctx, CompList *l, bool is_async, Node *target, Node *iter);
void comp_if(ParseCtx *ctx, CompList *l, Node *cond);
Node *dstar_comp_error(ParseCtx *ctx, const Token *dstar);

ArgList *args_pos(ParseCtx *ctx, ArgList *a, Node *value);
ArgList *args_genexp(ParseCtx *ctx, ArgList *a, Node *elt, CompList *gens);
ArgList *args_star(ParseCtx *ctx, ArgList *a, const Token *star, Node *value);
ArgList *arglist_kw(ParseCtx *ctx, ArgList *a, Node *name, const Token *eq, Node *value);
ArgList *args_dstar(ParseCtx *ctx, ArgList *a, const Token *dstar, Node *value);
void args_trailing_comma(ParseCtx *ctx, ArgList *a);
Node *mk_call(ParseCtx *ctx, Node *func, ArgList *args, const Token *lpar,
              const Token *rpar);

ParamItem *param_new(ParseCtx *ctx, int kind, const Token *tok, const Token *name,
                     Node *annotation, const Token *eq, Node *default_);
ParamItems *params_add(ParseCtx *ctx, ParamItems *l, ParamItem *item);

/* ---- statements (parse.c) ---- */
Node *mk_stmt_tok(ParseCtx *ctx, NodeKind kind, const Token *t);
Node *mk_expr_stmt(ParseCtx *ctx, Node *value);
Node *yield_target(ParseCtx *ctx, Node *y);
Node *mk_assign(ParseCtx *ctx, NodeList targets, Node *value);
NodeList assign_chain(ParseCtx *ctx, NodeList targets);
Node *mk_augassign(ParseCtx *ctx, Node *target, AstOp op, Node *value);
Node *mk_annassign(ParseCtx *ctx, Node *target, bool paren, Node *annotation,
                   Node *value);
Node *mk_return(ParseCtx *ctx, const Token *kw, Node *value);
Node *mk_raise(ParseCtx *ctx, const Token *kw, Node *exc, Node *cause);
NameList *names_add(ParseCtx *ctx, NameList *l, const Token *name);
Node *mk_global(ParseCtx *ctx, NodeKind kind, const Token *kw, NameList *names);
Node *mk_del(ParseCtx *ctx, const Token *kw, Node *targets);
Node *mk_assert(ParseCtx *ctx, const Token *kw, Node *test, Node *msg);

Aliases *alias_add(ParseCtx *ctx, Aliases *l, const char *name, int line, int col,
                   const Token *asname, int end_line, int end_col);
Aliases *aliases_join(ParseCtx *ctx, Aliases *a, Aliases *b);
Aliases *aliases_end(Aliases *a, const Token *t);
Aliases *alias_star(ParseCtx *ctx, const Token *star);
const char *dotted(ParseCtx *ctx, const char *prefix, const Token *name);
Node *mk_import(ParseCtx *ctx, const Token *kw, Aliases *names);
Node *mk_import_from(ParseCtx *ctx, const Token *kw, int level, const char *module,
                     Aliases *names);

IfChain mk_if(ParseCtx *ctx, const Token *kw, Node *test, NodeList body);
IfChain if_elif(ParseCtx *ctx, IfChain c, const Token *kw, Node *test, NodeList body);
Node *if_finish(ParseCtx *ctx, IfChain c, NodeList orelse);
Node *mk_while(ParseCtx *ctx, const Token *kw, Node *test, NodeList body,
               NodeList orelse);
Node *mk_for(ParseCtx *ctx, const Token *kw, bool is_async, Node *target, Node *iter,
             NodeList body, NodeList orelse);
Handlers *mk_handler(ParseCtx *ctx, const Token *kw, Node *type, const Token *name,
                     NodeList body);
Handlers *handlers_join(ParseCtx *ctx, Handlers *a, Handlers *b);
Node *mk_try(ParseCtx *ctx, const Token *kw, NodeList body, Handlers *handlers,
             NodeList orelse, NodeList finalbody);
WithItems *with_add(ParseCtx *ctx, WithItems *l, Node *context, Node *target);
WithItems *with_group(ParseCtx *ctx, NodeList elts, bool comma, const Token *open,
                      const Token *close);
Node *mk_with(ParseCtx *ctx, const Token *kw, bool is_async, WithItems *items,
              NodeList body);
Node *mk_def(ParseCtx *ctx, const Token *kw, bool is_async, const Token *name,
             NodeList type_params, ParamItems *params, Node *returns, NodeList body);
Node *mk_class(ParseCtx *ctx, const Token *kw, const Token *name, NodeList type_params,
               ArgList *bases, const Token *rpar, NodeList body);
Node *mk_type_alias(ParseCtx *ctx, const Token *kw, const Token *name, NodeList type_params,
                    Node *value);
Node *mk_type_param(ParseCtx *ctx, NodeKind kind, const Token *start, const Token *name,
                    Node *bound);
Node *decorate(ParseCtx *ctx, NodeList decorators, Node *def);
Node *mk_module(ParseCtx *ctx, NodeList body);

/* ---- the match statement (parse.c) ---- */
Node *match_subject(ParseCtx *ctx, NodeList items, const Token *comma, const Token *colon);
Node *mk_match(ParseCtx *ctx, const Token *kw, Node *subject, MatchCases *cases);
MatchCases *mk_case(ParseCtx *ctx, MatchCase head, NodeList body);
MatchCases *cases_join(ParseCtx *ctx, MatchCases *a, MatchCases *b);
Node *top_patterns(ParseCtx *ctx, NodeList items, const Token *comma);
Node *mk_value_pattern(ParseCtx *ctx, NodeKind kind, Node *value);
/* `1+2j` in a pattern: a real literal plus or minus an imaginary one
 * (SyntaxError for other numbers). */
Node *mk_complex_number(ParseCtx *ctx, Node *real, AstOp op, const Token *num);
Node *mk_capture_pattern(ParseCtx *ctx, const Token *name);
Node *mk_star_pattern(ParseCtx *ctx, const Token *star, const Token *name);
Node *mk_as_pattern(ParseCtx *ctx, Node *pattern, const Token *name);
Node *mk_or_pattern(ParseCtx *ctx, NodeList alts);
Node *mk_group_pattern(ParseCtx *ctx, NodeList items, const Token *open, const Token *close);
Node *mk_seq_pattern(ParseCtx *ctx, NodeList items, const Token *open, const Token *close);
MapItems *map_item(ParseCtx *ctx, MapItems *m, Node *key, Node *pattern);
MapItems *map_rest(ParseCtx *ctx, MapItems *m, const Token *name);
Node *mk_map_pattern(ParseCtx *ctx, MapItems *m, const Token *open, const Token *close);
ClassArgs *class_arg(ParseCtx *ctx, ClassArgs *a, const Token *kw, Node *pattern);
Node *mk_class_pattern(ParseCtx *ctx, Node *cls, ClassArgs *a, const Token *close);

/* ---- the lemon parser (grammar.c) ---- */
void *AsyParseAlloc(void *(*mallocProc)(size_t), ParseCtx *ctx);
void AsyParseFree(void *p, void (*freeProc)(void *));
void AsyParse(void *p, int code, Token t);
/* Whether the parser, as it stands, would accept the tokens codes[0..n)
 * next. Nothing is changed. */
bool AsyParseAcceptsSeq(void *parser, const int *codes, int n);
bool AsyParseAccepts(void *parser, int code);
/* The semantic value of the stack entry from_top below the top (0 is the
 * top) if that entry holds the terminal `code`, or any nonterminal when
 * code is -1; NULL otherwise. */
const void *AsyParsePeek(void *parser, int from_top, int code);

#endif
