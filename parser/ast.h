/* The abstract syntax tree: the contract between the parser and the compiler.
 *
 * The parser (grammar.y, driven by parse.c) builds these nodes; the compiler
 * (compile.c) walks them and never sees tokens. Every node, list and string
 * lives in one AstArena and is freed with it after compilation, so nodes are
 * never freed one by one.
 *
 * Positions: `line` is 1-based, `col` a 0-based byte offset in that line;
 * `end_line`/`end_col` point just past the node. The compiler uses `line` for
 * the line table and the full span for SyntaxError carets.
 *
 * Identifiers are NUL-terminated copies in the arena. String and bytes
 * literals are decoded (escapes applied, adjacent literals concatenated) and
 * carry a byte length, since they may contain NUL bytes; str literals are
 * UTF-8. Targets of assignment, del, for, with-as and comprehensions have
 * already been checked by the parser and carry `ctx` = CTX_STORE or CTX_DEL.
 */
#ifndef ASY_AST_H
#define ASY_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct AstArena AstArena;
typedef struct Node Node;

typedef struct NodeList {
    Node **items;
    int n, cap;
} NodeList;

typedef enum NodeKind {
    /* ---- expressions ---- */
    E_NAME,        /* name */
    E_INT,         /* int_lit: digits (underscores removed, no prefix), base 2/8/10/16 */
    E_FLOAT,       /* fval (also `1e5`, `.5`, `1.`) */
    E_IMAG,        /* fval: the imaginary part of `3j`, `1.5e3J` */
    E_STR,         /* str: decoded UTF-8 */
    E_BYTES,       /* str: raw bytes */
    E_FSTRING,     /* list: parts, each E_STR or E_FORMATTED, in order */
    E_FORMATTED,   /* formatted: value, conversion ('r','s','a' or 0), spec (E_FSTRING or NULL) */
    E_NONE, E_TRUE, E_FALSE, E_ELLIPSIS,
    E_BINOP,       /* binop: left op right  (op is an AstOp) */
    E_UNARY,       /* unary: op operand (OP_NOT, OP_NEG, OP_POS, OP_INVERT) */
    E_BOOLOP,      /* boolop: op (OP_AND/OP_OR), values (n >= 2) */
    E_COMPARE,     /* compare: left, ops[n], comparators (n >= 1) */
    E_IFEXP,       /* ifexp: test ? body : orelse */
    E_LAMBDA,      /* lambda: params, body (an expression) */
    E_CALL,        /* call: func, args (E_STARRED for *x), keywords */
    E_ATTR,        /* attr: value.name */
    E_SUBSCRIPT,   /* subscript: value[index]; a[1:2, 3] has index = E_TUPLE */
    E_SLICE,       /* slice: lower, upper, step (each may be NULL) */
    E_STARRED,     /* starred: value (in displays, calls and targets) */
    E_TUPLE,       /* seq: elts */
    E_LIST,        /* seq: elts */
    E_SET,         /* seq: elts */
    E_DICT,        /* dict: keys[i] NULL means `**values[i]` */
    E_LISTCOMP,    /* comp: elt, generators */
    E_SETCOMP,     /* comp: elt, generators */
    E_DICTCOMP,    /* comp: key (in elt), value, generators */
    E_GENEXP,      /* comp: elt, generators */
    E_NAMEDEXPR,   /* named: target (E_NAME) := value */
    E_AWAIT,       /* value: the awaited expression */
    E_YIELD,       /* value: may be NULL */
    E_YIELDFROM,   /* value */

    /* ---- statements ---- */
    S_MODULE,      /* block: body (the root of a file) */
    S_EXPR,        /* value */
    S_ASSIGN,      /* assign: targets (a = b = value has 2 targets), value */
    S_AUGASSIGN,   /* augassign: target op= value */
    S_ANNASSIGN,   /* annassign: target: annotation [= value] */
    S_IF,          /* cond: test, body, orelse (elif is a nested S_IF alone in orelse) */
    S_WHILE,       /* cond: test, body, orelse */
    S_FOR,         /* forloop: target, iter, body, orelse, is_async */
    S_BREAK, S_CONTINUE, S_PASS,
    S_RETURN,      /* value: may be NULL */
    S_DEF,         /* def: name, params, body, decorators, returns, is_async */
    S_CLASS,       /* cls: name, bases, keywords, body, decorators */
    S_GLOBAL,      /* names: identifiers */
    S_NONLOCAL,    /* names */
    S_DEL,         /* seq: targets (ctx = CTX_DEL) */
    S_ASSERT,      /* assert_: test, msg (may be NULL) */
    S_RAISE,       /* raise: exc (may be NULL), cause (may be NULL) */
    S_TRY,         /* try_: body, handlers, orelse, finalbody */
    S_WITH,        /* with: items, body, is_async */
    S_IMPORT,      /* import: names (Alias) */
    S_IMPORTFROM,  /* import: module (may be NULL when level > 0), level, names; a
                      single Alias named "*" means `import *` */
    S_MATCH,       /* match: subject, cases (each a pattern, an optional guard, a body) */
    S_TYPEALIAS,   /* typealias: `type name[type_params] = value` (PEP 695) */

    /* ---- type parameters (PEP 695), in the type_params of S_DEF, S_CLASS, S_TYPEALIAS ---- */
    T_TYPEVAR,     /* typeparam: name, bound (NULL, or an E_TUPLE of constraints) */
    T_TYPEVARTUPLE,/* typeparam: `*name` */
    T_PARAMSPEC,   /* typeparam: `**name` */

    /* ---- patterns (only in a case of S_MATCH), as CPython's ast ---- */
    P_VALUE,       /* value: a literal (maybe negated) or a dotted name (E_ATTR), compared with == */
    P_SINGLETON,   /* value: E_NONE, E_TRUE or E_FALSE, compared with `is` */
    P_SEQUENCE,    /* seq: patterns, at most one P_STAR among them */
    P_MAPPING,     /* mapping: keys (P_VALUE/P_SINGLETON value expressions), patterns, rest (or NULL) */
    P_CLASS,       /* pclass: cls (E_NAME or E_ATTR), patterns, kwd_attrs, kwd_patterns */
    P_STAR,        /* name: `*name` in a sequence pattern; NULL for `*_` */
    P_AS,          /* as: pattern (NULL: a bare capture), name (NULL: the wildcard `_`) */
    P_OR,          /* seq: the alternatives (n >= 2) */
    NODE_KIND_COUNT
} NodeKind;

typedef enum AstOp {
    OP_ADD, OP_SUB, OP_MUL, OP_MATMUL, OP_DIV, OP_FLOORDIV, OP_MOD, OP_POW,
    OP_LSHIFT, OP_RSHIFT, OP_BITOR, OP_BITXOR, OP_BITAND,
    OP_NOT, OP_NEG, OP_POS, OP_INVERT,
    OP_AND, OP_OR,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IS, OP_IS_NOT, OP_IN, OP_NOT_IN
} AstOp;

typedef enum AstCtx { CTX_LOAD = 0, CTX_STORE, CTX_DEL } AstCtx;

typedef struct Param {
    const char *name;
    Node *annotation;   /* may be NULL */
    Node *default_;     /* may be NULL */
    int line, col;
} Param;

/* Parameters in source order: positional-only, then positional-or-keyword,
 * then keyword-only. */
typedef struct ParamList {
    Param *params;
    int n;
    int nposonly;       /* params[0 .. nposonly) are positional-only */
    int npos;           /* params[0 .. npos) are positional (npos >= nposonly) */
    Param *vararg;      /* *args, or NULL */
    Param *kwarg;       /* **kwargs, or NULL */
} ParamList;

typedef struct Keyword {
    const char *name;   /* NULL for **mapping */
    Node *value;
    int line, col;
} Keyword;

typedef struct Comprehension {
    Node *target;       /* ctx = CTX_STORE */
    Node *iter;
    NodeList ifs;
    int is_async;
} Comprehension;

typedef struct ExceptHandler {
    Node *type;         /* NULL for a bare `except:` */
    const char *name;   /* `as name`, or NULL */
    NodeList body;
    int line, col;
    int star;           /* `except*` */
} ExceptHandler;

typedef struct WithItem {
    Node *context;
    Node *vars;         /* `as target` (ctx = CTX_STORE), or NULL */
} WithItem;

typedef struct MatchCase {
    Node *pattern;
    Node *guard;        /* may be NULL */
    NodeList body;
} MatchCase;

typedef struct Alias {
    const char *name;   /* dotted for `import a.b.c`; plain for `from m import name` */
    const char *asname; /* or NULL */
    int line, col;
} Alias;

struct Node {
    NodeKind kind;
    AstCtx ctx;
    int line, col, end_line, end_col;
    /* A pattern in parentheses keeps its own span; an or- or as-pattern
     * made of it starts (or ends) at the parentheses, as CPython's do. */
    int group_line, group_col, group_end_line, group_end_col;     /* 0: none */
    union {
        const char *name;                                        /* E_NAME, P_STAR */
        struct { const char *digits; int base; } int_lit;        /* E_INT */
        double fval;                                             /* E_FLOAT, E_IMAG */
        struct { const char *s; size_t len; } str;               /* E_STR, E_BYTES */
        NodeList list;                                           /* E_FSTRING */
        struct { Node *value; char conversion; Node *spec; } formatted;
        struct { Node *left; AstOp op; Node *right; } binop;
        struct { AstOp op; Node *operand; } unary;
        struct { AstOp op; NodeList values; } boolop;
        struct { Node *left; AstOp *ops; NodeList comparators; } compare;
        struct { Node *test, *body, *orelse; } ifexp;
        struct { ParamList params; Node *body; } lambda;
        struct { Node *func; NodeList args; Keyword *keywords; int nkeywords; } call;
        struct { Node *value; const char *name; } attr;
        struct { Node *value, *index; } subscript;
        struct { Node *lower, *upper, *step; } slice;
        struct { Node *value; } starred;
        struct { NodeList elts; } seq;                           /* tuple/list/set, S_DEL, P_SEQUENCE, P_OR */
        struct { NodeList keys, values; } dict;
        struct { Node *elt, *value; Comprehension *generators; int ngenerators; } comp;
        struct { Node *target, *value; } named;
        struct { Node *value; } value;               /* E_AWAIT, E_YIELD(FROM), S_EXPR, S_RETURN, P_VALUE, P_SINGLETON */
        struct { NodeList body; } block;             /* S_MODULE */
        struct { NodeList targets; Node *value; } assign;
        struct { Node *target; AstOp op; Node *value; } augassign;
        struct { Node *target, *annotation, *value; int simple; } annassign;
        struct { Node *test; NodeList body, orelse; } cond;      /* S_IF, S_WHILE */
        struct { Node *target, *iter; NodeList body, orelse; int is_async; } forloop;
        struct {
            const char *name; ParamList params; NodeList body, decorators;
            Node *returns; int is_async;
            NodeList type_params;
        } def;
        struct {
            const char *name; NodeList bases; Keyword *keywords; int nkeywords;
            NodeList body, decorators;
            NodeList type_params;
        } cls;
        struct { const char *name; NodeList type_params; Node *value; } typealias;
        struct { const char *name; Node *bound; } typeparam;
        struct { const char **names; int n; } names;             /* S_GLOBAL, S_NONLOCAL */
        struct { Node *test, *msg; } assert_;
        struct { Node *exc, *cause; } raise;
        struct {
            NodeList body; ExceptHandler *handlers; int nhandlers;
            NodeList orelse, finalbody;
            int is_star;    /* try/except* (every handler is `except*`) */
            int final_child;    /* the enclosing scope's first child scope
                                   opened by finalbody (set by the symtable) */
        } try_;
        struct { WithItem *items; int nitems; NodeList body; int is_async; } with;
        struct { const char *module; int level; Alias *names; int nnames; } import;
        struct { Node *subject; MatchCase *cases; int ncases; } match;
        struct { NodeList keys, patterns; const char *rest; } mapping;
        struct {
            Node *cls; NodeList patterns; const char **kwd_attrs; NodeList kwd_patterns;
        } pclass;
        struct { Node *pattern; const char *name; } as;
    } u;
};

/* Which part of CPython reports an error, which decides the SyntaxError's
 * `text` and `end_offset` (see raise_error in compile.c): its parser (the
 * line as the tokenizer holds it, with its newline when the tokenizer is
 * still on it), its tokenizer (the line without a newline, the end where it
 * starts, or where it says for a range), the parser at a token it has no
 * end for (end_offset -1: "unexpected indent", the end of the input) or at
 * a position it gives no end (0: an unclosed bracket, a TabError), or its
 * compiler and symbol table (the line read again from the file, else None). */
typedef enum ErrOrigin {
    ORIGIN_PARSER, ORIGIN_TOKENIZER, ORIGIN_TOKEN_RANGE, ORIGIN_END_NONE, ORIGIN_END_ZERO, ORIGIN_COMPILER
} ErrOrigin;

/* What a failed parse reports. `kind` is "SyntaxError", "IndentationError"
 * or "TabError"; `msg` is CPython's wording ("invalid syntax", "expected ':'",
 * "unexpected indent", ...). `line`/`col` locate the caret (col 0-based, in
 * bytes); `end_col` is past the last offending byte (or col + 1).
 * `tok_line` is the line the lexer had reached. */
typedef struct ParseError {
    const char *kind;
    char msg[256];
    int line, col, end_line, end_col;
    ErrOrigin origin;
    int tok_line;
    bool at_eof;        /* found at the end of the input (eval's offset is 0 there) */
    bool eval_input;    /* eval's: no newline is implied at the end */
    bool byte_offsets;  /* CPython's parser counts columns in bytes here (PARSE_BYTES) */
} ParseError;

typedef enum ParseMode {
    PARSE_FILE = 0,     /* a whole module: returns S_MODULE */
    PARSE_EVAL = 1,     /* a single expression: returns the expression node */
    /* Or'ed in: the source came as bytes (a file, compile(b"...")), not
     * as a str. CPython's parser then reports its errors' columns in
     * bytes, unless the source declares its encoding. */
    PARSE_BYTES = 2,
    /* Or'ed in: barry_as_FLUFL is in force: `<>` is the inequality and `!=`
     * an error (PEP 401). */
    PARSE_BARRY = 4
} ParseMode;

AstArena *ast_arena_new(void);
void ast_arena_free(AstArena *a);
/* Zeroed memory that lives as long as the arena; NULL only when out of memory. */
void *ast_alloc(AstArena *a, size_t size);

/* A SyntaxWarning the parser found (an invalid escape sequence, ...). The
 * parser has no VM: it keeps them in the arena, in source order, and the
 * compiler's driver issues them through the warnings module once the parse
 * has succeeded. */
typedef struct SyntaxWarn {
    struct SyntaxWarn *next;
    int line, col, end_line, end_col;
    char msg[120];
} SyntaxWarn;
void ast_warn(AstArena *a, int line, int col, int end_line, int end_col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
const SyntaxWarn *ast_warnings(const AstArena *a);

/* Parses `src` (len bytes of UTF-8; need not be NUL-terminated). On success
 * returns the root node; on failure returns NULL and fills *err (the position
 * of the first error: nothing of a file with a syntax error ever runs).
 * Never crashes on malformed input: too-deep nesting is a SyntaxError
 * ("too many nested parentheses"), running out of memory is reported as
 * kind "MemoryError". */
Node *ast_parse(AstArena *a, const char *src, size_t len, ParseMode mode, ParseError *err);

/* For debugging and the parser's unit tests: an S-expression rendering of a
 * tree, e.g. "(Module (Assign (Name x) (BinOp + (Int 1) (Int 2))))". Returns a
 * malloc'd string the caller frees. */
char *ast_dump(const Node *n);

#endif
