/* _ast: Asy's parse tree (parser/ast.h) as the node objects of Python's
 * ast module.
 *
 * `parse(source, filename, mode, classes)` parses as compile() does (the
 * same SyntaxError) and converts the C tree into instances of the classes
 * in `classes`, a dict from CPython's node names (BinOp, Load, ...) to the
 * classes stdlib/ast.asy defines. Where Asy's tree differs from CPython's
 * in shape (keyword-only defaults, the name of a type alias, positions the
 * C tree does not keep, u'' strings), the converter makes CPython's shape,
 * reading the source text where it must.
 *
 * No script code runs during the conversion (instances are made without
 * calling __init__, attributes set on their dicts), so the collector, which
 * runs only at safe points, cannot move or free anything made here: the
 * values need no roots until they are returned. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../parser/compile.h"
#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

/* Deeper trees are refused (RecursionError) rather than overflow the C stack. */
enum { MAX_DEPTH = 3000 };

typedef struct Conv {
    VM *vm;
    ObjDict *classes;
    const char *src;
    size_t len;
    const int *line_start;  /* byte offset of each line (1-based index) */
    int nlines;
    int depth;
    Value ops[OP_NOT_IN + 1];   /* one instance of each operator, shared as CPython's */
    Value ctxs[3];
} Conv;

static const char *const op_names[] = {
    [OP_ADD] = "Add", [OP_SUB] = "Sub", [OP_MUL] = "Mult", [OP_MATMUL] = "MatMult", [OP_DIV] = "Div",
    [OP_FLOORDIV] = "FloorDiv", [OP_MOD] = "Mod", [OP_POW] = "Pow", [OP_LSHIFT] = "LShift",
    [OP_RSHIFT] = "RShift", [OP_BITOR] = "BitOr", [OP_BITXOR] = "BitXor", [OP_BITAND] = "BitAnd",
    [OP_NOT] = "Not", [OP_NEG] = "USub", [OP_POS] = "UAdd", [OP_INVERT] = "Invert", [OP_AND] = "And",
    [OP_OR] = "Or", [OP_EQ] = "Eq", [OP_NE] = "NotEq", [OP_LT] = "Lt", [OP_LE] = "LtE", [OP_GT] = "Gt",
    [OP_GE] = "GtE", [OP_IS] = "Is", [OP_IS_NOT] = "IsNot", [OP_IN] = "In", [OP_NOT_IN] = "NotIn",
};
static const char *const ctx_names[] = {"Load", "Store", "Del"};

/* ---- making nodes ---------------------------------------------------------- */

/* A new instance of the node class `name`, its fields not yet set. */
static Value node_new(Conv *c, const char *name) {
    Value cls = dict_get_str(c->classes, str_intern_cstr(c->vm, name));
    if (cls == UNDEF || !is_kind(cls, OBJ_CLASS))
        return exc_raise(c->vm, E_SystemError, "_ast: no node class %s", name);
    ObjInstance *o = instance_new(c->vm, AS(ObjClass, cls));
    return o ? obj_val(o) : ERR;
}

static bool set(Conv *c, Value node, const char *field, Value v) {
    if (v == ERR || node == ERR) return false;
    ObjStr *name = str_intern_cstr(c->vm, field);
    return name && op_setattr(c->vm, node, name, v) == 0;
}

static bool set_pos(Conv *c, Value node, int line, int col, int end_line, int end_col) {
    return set(c, node, "lineno", int_val(line)) && set(c, node, "col_offset", int_val(col)) &&
           set(c, node, "end_lineno", int_val(end_line)) && set(c, node, "end_col_offset", int_val(end_col));
}

/* A node with the span of `n`. */
static Value node_at(Conv *c, const char *name, const Node *n) {
    Value v = node_new(c, name);
    if (v == ERR || !set_pos(c, v, n->line, n->col, n->end_line, n->end_col)) return ERR;
    return v;
}

/* The shared instance of an operator or context class. */
static Value singleton(Conv *c, Value *slot, const char *name) {
    if (*slot == UNDEF) *slot = node_new(c, name);
    return *slot;
}

static Value op_node(Conv *c, AstOp op) { return singleton(c, &c->ops[op], op_names[op]); }
static Value ctx_node(Conv *c, AstCtx ctx) { return singleton(c, &c->ctxs[ctx], ctx_names[ctx]); }

static Value str_or_none(Conv *c, const char *s) { return s ? str_from_cstr(c->vm, s) : NONE_VAL; }

/* The byte offset of (line, col) in the source. */
static size_t offset_of(Conv *c, int line, int col) {
    if (line < 1 || line > c->nlines) return c->len;
    size_t o = (size_t)c->line_start[line] + (size_t)col;
    return o > c->len ? c->len : o;
}

static bool is_name_byte(unsigned char ch) { return ch == '_' || isalnum(ch) || ch >= 0x80; }

static size_t skip_blanks(Conv *c, size_t o) {
    while (o < c->len && strchr(" \t\f\\\r\n", c->src[o])) o++;
    return o;
}

/* The line and column of a byte offset, searching from line `line` on. */
static void pos_of(Conv *c, size_t off, int line, int *out_line, int *out_col) {
    while (line < c->nlines && (size_t)c->line_start[line + 1] <= off) line++;
    *out_line = line;
    *out_col = (int)(off - (size_t)c->line_start[line]);
}

/* ---- lists ----------------------------------------------------------------- */

typedef Value (*ConvFn)(Conv *c, Node *n);

static Value conv_list(Conv *c, const NodeList *l, ConvFn fn) {
    ObjList *out = list_new(c->vm, l->n);
    if (!out) return ERR;
    for (int i = 0; i < l->n; i++) {
        Value v = l->items[i] ? fn(c, l->items[i]) : NONE_VAL;
        if (v == ERR || list_append(c->vm, out, v) < 0) return ERR;
    }
    return obj_val(out);
}

static Value str_list(Conv *c, const char *const *names, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        Value s = str_from_cstr(c->vm, names[i]);
        if (s == ERR || list_append(c->vm, out, s) < 0) return ERR;
    }
    return obj_val(out);
}

static Value conv_expr(Conv *c, Node *n);
static Value conv_stmt(Conv *c, Node *n);
static Value conv_pattern(Conv *c, Node *n);

static Value opt_expr(Conv *c, Node *n) { return n ? conv_expr(c, n) : NONE_VAL; }
static Value expr_list(Conv *c, const NodeList *l) { return conv_list(c, l, conv_expr); }
static Value stmt_list(Conv *c, const NodeList *l) { return conv_list(c, l, conv_stmt); }

/* ---- constants and f-strings ------------------------------------------------ */

static Value constant_value(Conv *c, Node *n) {
    switch (n->kind) {
    case E_INT: return int_from_digits(c->vm, n->u.int_lit.digits, n->u.int_lit.base);
    case E_FLOAT: return float_val(n->u.fval);
    case E_IMAG: return cpx_new(c->vm, 0.0, n->u.fval);
    case E_STR: return str_new(c->vm, n->u.str.s, n->u.str.len);
    case E_BYTES: return bytes_new(c->vm, (const uint8_t *)n->u.str.s, n->u.str.len);
    case E_NONE: return NONE_VAL;
    case E_TRUE: return TRUE_VAL;
    case E_FALSE: return FALSE_VAL;
    default: return ELLIPSIS_VAL;
    }
}

/* Constant(value, kind): kind is 'u' for a str literal written u'...'
 * (never for the literal text of an f-string: `in_fstring`). */
static Value make_constant(Conv *c, Node *n, bool in_fstring) {
    Value node = node_at(c, "Constant", n);
    Value kind = NONE_VAL;
    if (n->kind == E_STR && !in_fstring) {
        size_t o = offset_of(c, n->line, n->col);
        if (o < c->len && (c->src[o] == 'u' || c->src[o] == 'U')) kind = str_from_cstr(c->vm, "u");
    }
    if (!set(c, node, "value", constant_value(c, n)) || !set(c, node, "kind", kind)) return ERR;
    return node;
}

/* ---- f-string part positions ------------------------------------------------
 *
 * The C tree gives every part of an f-string the span of the whole literal
 * (CPython 3.11's, which Asy's compiler follows). CPython 3.12's ast gives
 * each literal run the span of its source text and each field its braces,
 * so the converter scans the literal's source again and moves the parts'
 * spans (the tree is its own, made for this conversion). Fields are jumped
 * over by their value's known end, so quotes inside them need no lexing.
 * A scan that loses step with the parts stops, leaving the rest as they were. */

typedef struct FScan {
    Conv *c;
    const NodeList *parts;
    int i;                      /* the next part to place */
    size_t run_start, run_end;  /* the pending literal text */
    long run_bytes;             /* its length in the source; -1: none */
    int line;                   /* a line at or before the scan, for pos_of */
} FScan;

static void span_from(FScan *fs, Node *n, size_t from, size_t to) {
    pos_of(fs->c, from, fs->line, &n->line, &n->col);
    pos_of(fs->c, to, n->line, &n->end_line, &n->end_col);
}

static void run_add(FScan *fs, size_t from, size_t to, long bytes) {
    if (fs->run_bytes < 0) {
        fs->run_start = from;
        fs->run_bytes = 0;
    }
    fs->run_end = to;
    fs->run_bytes += bytes;
}

/* The pending text becomes the next part, which must be a literal. */
static bool run_flush(FScan *fs) {
    long bytes = fs->run_bytes;
    fs->run_bytes = -1;
    if (bytes <= 0) return true;
    if (fs->i >= fs->parts->n || fs->parts->items[fs->i]->kind != E_STR) return false;
    span_from(fs, fs->parts->items[fs->i++], fs->run_start, fs->run_end);
    return true;
}

static size_t fscan_text(FScan *fs, size_t p, size_t end, int level, char quote, bool triple, bool raw);

/* A field at p (its `{`): the offset past its `}`, or 0. */
static size_t fscan_field(FScan *fs, size_t p, size_t end, int level) {
    Conv *c = fs->c;
    int k = fs->i;
    while (k < fs->parts->n && fs->parts->items[k]->kind != E_FORMATTED) k++;
    if (k >= fs->parts->n || k - fs->i > 1) return 0;
    Node *f = fs->parts->items[k], *v = f->u.formatted.value;
    size_t q = offset_of(c, v->end_line, v->end_col);
    while (q < end && !strchr("=!:}", c->src[q])) q++;
    if (q < end && c->src[q] == '=') {
        /* `{x = }` shows its text, which joins the literal before it. */
        q = skip_blanks(c, q + 1);
        run_add(fs, p + 1, q, (long)(q - p - 1));
    }
    if (!run_flush(fs) || fs->i != k) return 0;
    fs->i = k + 1;
    if (q < end && c->src[q] == '!') q = skip_blanks(c, q + 2);
    Node *spec = f->u.formatted.spec;
    if (q < end && c->src[q] == ':' && spec) {
        FScan sub = {.c = c, .parts = &spec->u.list, .run_bytes = -1, .line = fs->line};
        size_t close = fscan_text(&sub, q + 1, end, level + 1, 0, false, false);
        if (!close || !run_flush(&sub) || sub.i != spec->u.list.n) return 0;
        span_from(fs, spec, q, close);
        q = close;
    }
    if (q >= end || c->src[q] != '}') return 0;
    span_from(fs, f, p, q + 1);
    return q + 1;
}

/* Literal text and fields from p: up to the closing quote (level 0) or the
 * `}` that ends a format spec. Returns where it stopped, or 0. */
static size_t fscan_text(FScan *fs, size_t p, size_t end, int level, char quote, bool triple, bool raw) {
    const char *s = fs->c->src;
    size_t lit = p;
    while (p < end) {
        char ch = s[p];
        if (level == 0 && ch == quote && (!triple || (p + 2 < end && s[p + 1] == quote && s[p + 2] == quote))) break;
        if (ch == '\\' && !raw && p + 1 < end && s[p + 1] != '{' && s[p + 1] != '}') {
            if (s[p + 1] == 'N' && p + 2 < end && s[p + 2] == '{') {
                while (p < end && s[p] != '}') p++;
                p++;
            } else {
                p += 2;
            }
            continue;
        }
        if (ch != '{' && ch != '}') {
            p++;
            continue;
        }
        if (level == 0 && p + 1 < end && s[p + 1] == ch) {
            p += 2;
            continue;
        }
        if (ch == '}') break;
        if (p > lit) run_add(fs, lit, p, (long)(p - lit));
        p = fscan_field(fs, p, end, level);
        if (!p) return 0;
        lit = p;
    }
    if (p > lit) run_add(fs, lit, p, (long)(p - lit));
    return p;
}

/* One string token at p: its literal text and fields. Returns the offset
 * past it, or 0. */
static size_t fscan_token(FScan *fs, size_t p, size_t end) {
    const char *s = fs->c->src;
    size_t start = p;
    bool raw = false, fstr = false;
    for (; p < end && s[p] != '\'' && s[p] != '"'; p++) {
        raw |= (s[p] | 0x20) == 'r';
        fstr |= (s[p] | 0x20) == 'f';
    }
    if (p >= end) return 0;
    char quote = s[p];
    bool triple = p + 2 < end && s[p + 1] == quote && s[p + 2] == quote;
    size_t q = triple ? 3 : 1, body = p + q;
    if (fstr) {
        p = fscan_text(fs, body, end, 0, quote, triple, raw);
        return p ? p + q : 0;
    }
    for (p = body; p < end; p++) {
        if (s[p] == '\\') { p++; continue; }
        if (s[p] == quote && (!triple || (p + 2 < end && s[p + 1] == quote && s[p + 2] == quote))) break;
    }
    run_add(fs, start, p + q, (long)(p - body));
    return p + q;
}

/* Moves the parts of the f-string n to their 3.12 spans. */
static void fstring_positions(Conv *c, Node *n) {
    FScan fs = {.c = c, .parts = &n->u.list, .run_bytes = -1, .line = n->line};
    size_t p = offset_of(c, n->line, n->col), end = offset_of(c, n->end_line, n->end_col);
    while (p < end) {
        p = fscan_token(&fs, p, end);
        if (!p) return;
        /* Between the tokens of an implicit concatenation: blanks and comments. */
        for (p = skip_blanks(c, p); p < end && c->src[p] == '#'; p = skip_blanks(c, p))
            while (p < end && c->src[p] != '\n') p++;
    }
    run_flush(&fs);
}

static Value joined_str(Conv *c, Node *n, bool spec);
static Value conv_constant(Conv *c, Node *n) { return make_constant(c, n, false); }

static Value conv_formatted(Conv *c, Node *n) {
    Value node = node_at(c, "FormattedValue", n);
    char conv = n->u.formatted.conversion;
    Node *spec = n->u.formatted.spec;
    if (!set(c, node, "value", conv_expr(c, n->u.formatted.value)) ||
        !set(c, node, "conversion", int_val(conv ? (int)(unsigned char)conv : -1)) ||
        !set(c, node, "format_spec", spec ? joined_str(c, spec, true) : NONE_VAL))
        return ERR;
    return node;
}

static Value fstring_part(Conv *c, Node *n) {
    return n->kind == E_FORMATTED ? conv_formatted(c, n) : make_constant(c, n, true);
}

/* A JoinedStr; `spec` for a format spec, which 3.12 ends with an empty
 * Constant at its `}` when its last part is a field. */
static Value joined_str(Conv *c, Node *n, bool spec) {
    Value node = node_at(c, "JoinedStr", n);
    Value values = conv_list(c, &n->u.list, fstring_part);
    if (values != ERR && spec && n->u.list.n && n->u.list.items[n->u.list.n - 1]->kind == E_FORMATTED) {
        Value empty = node_new(c, "Constant");
        if (!set(c, empty, "value", str_new(c->vm, "", 0)) || !set(c, empty, "kind", NONE_VAL) ||
            !set_pos(c, empty, n->end_line, n->end_col, n->end_line, n->end_col) ||
            list_append(c->vm, AS(ObjList, values), empty) < 0)
            return ERR;
    }
    return set(c, node, "values", values) ? node : ERR;
}

static Value conv_fstring(Conv *c, Node *n) {
    fstring_positions(c, n);
    return joined_str(c, n, false);
}

/* ---- arguments, keywords, comprehensions ------------------------------------ */

/* arg(arg, annotation): it ends with its annotation, or its name. */
static Value conv_arg(Conv *c, const Param *p) {
    Value node = node_new(c, "arg");
    Node *ann = p->annotation;
    int end_line = ann ? ann->end_line : p->line;
    int end_col = ann ? ann->end_col : p->col + (int)strlen(p->name);
    if (!set(c, node, "arg", str_from_cstr(c->vm, p->name)) || !set(c, node, "annotation", opt_expr(c, ann)) ||
        !set(c, node, "type_comment", NONE_VAL) || !set_pos(c, node, p->line, p->col, end_line, end_col))
        return ERR;
    return node;
}

static Value arg_list(Conv *c, const Param *params, int from, int to) {
    ObjList *out = list_new(c->vm, to - from);
    if (!out) return ERR;
    for (int i = from; i < to; i++) {
        Value a = conv_arg(c, &params[i]);
        if (a == ERR || list_append(c->vm, out, a) < 0) return ERR;
    }
    return obj_val(out);
}

/* The defaults of params[from..to): only those given (positional), or one
 * per parameter with None for the missing (keyword-only). */
static Value default_list(Conv *c, const Param *params, int from, int to, bool with_none) {
    ObjList *out = list_new(c->vm, 0);
    if (!out) return ERR;
    for (int i = from; i < to; i++) {
        if (!params[i].default_ && !with_none) continue;
        Value d = opt_expr(c, params[i].default_);
        if (d == ERR || list_append(c->vm, out, d) < 0) return ERR;
    }
    return obj_val(out);
}

static Value conv_arguments(Conv *c, const ParamList *pl) {
    Value node = node_new(c, "arguments");
    const Param *p = pl->params;
    if (!set(c, node, "posonlyargs", arg_list(c, p, 0, pl->nposonly)) ||
        !set(c, node, "args", arg_list(c, p, pl->nposonly, pl->npos)) ||
        !set(c, node, "vararg", pl->vararg ? conv_arg(c, pl->vararg) : NONE_VAL) ||
        !set(c, node, "kwonlyargs", arg_list(c, p, pl->npos, pl->n)) ||
        !set(c, node, "kw_defaults", default_list(c, p, pl->npos, pl->n, true)) ||
        !set(c, node, "kwarg", pl->kwarg ? conv_arg(c, pl->kwarg) : NONE_VAL) ||
        !set(c, node, "defaults", default_list(c, p, 0, pl->npos, false)))
        return ERR;
    return node;
}

static Value keyword_list(Conv *c, const Keyword *kws, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        const Keyword *k = &kws[i];
        Value node = node_new(c, "keyword");
        if (!set(c, node, "arg", str_or_none(c, k->name)) || !set(c, node, "value", conv_expr(c, k->value)) ||
            !set_pos(c, node, k->line, k->col, k->value->end_line, k->value->end_col) ||
            list_append(c->vm, out, node) < 0)
            return ERR;
    }
    return obj_val(out);
}

static Value generator_list(Conv *c, const Comprehension *gens, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        const Comprehension *g = &gens[i];
        Value node = node_new(c, "comprehension");
        if (!set(c, node, "target", conv_expr(c, g->target)) || !set(c, node, "iter", conv_expr(c, g->iter)) ||
            !set(c, node, "ifs", expr_list(c, &g->ifs)) || !set(c, node, "is_async", int_val(g->is_async ? 1 : 0)) ||
            list_append(c->vm, out, node) < 0)
            return ERR;
    }
    return obj_val(out);
}

/* ---- expressions ------------------------------------------------------------- */

static Value conv_comp(Conv *c, Node *n, const char *name) {
    Value node = node_at(c, name, n);
    if (n->kind == E_DICTCOMP) {
        if (!set(c, node, "key", conv_expr(c, n->u.comp.elt)) || !set(c, node, "value", conv_expr(c, n->u.comp.value)))
            return ERR;
    } else if (!set(c, node, "elt", conv_expr(c, n->u.comp.elt))) {
        return ERR;
    }
    if (!set(c, node, "generators", generator_list(c, n->u.comp.generators, n->u.comp.ngenerators))) return ERR;
    return node;
}

static Value ops_list(Conv *c, const AstOp *ops, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        Value op = op_node(c, ops[i]);
        if (op == ERR || list_append(c->vm, out, op) < 0) return ERR;
    }
    return obj_val(out);
}

/* The expressions made of other expressions and operators. */
static Value conv_operation(Conv *c, Node *n) {
    Value node;
    switch (n->kind) {
    case E_BINOP:
        node = node_at(c, "BinOp", n);
        return set(c, node, "left", conv_expr(c, n->u.binop.left)) && set(c, node, "op", op_node(c, n->u.binop.op)) &&
                       set(c, node, "right", conv_expr(c, n->u.binop.right))
                   ? node : ERR;
    case E_UNARY:
        node = node_at(c, "UnaryOp", n);
        return set(c, node, "op", op_node(c, n->u.unary.op)) && set(c, node, "operand", conv_expr(c, n->u.unary.operand))
                   ? node : ERR;
    case E_BOOLOP:
        node = node_at(c, "BoolOp", n);
        return set(c, node, "op", op_node(c, n->u.boolop.op)) && set(c, node, "values", expr_list(c, &n->u.boolop.values))
                   ? node : ERR;
    case E_COMPARE:
        node = node_at(c, "Compare", n);
        return set(c, node, "left", conv_expr(c, n->u.compare.left)) &&
                       set(c, node, "ops", ops_list(c, n->u.compare.ops, n->u.compare.comparators.n)) &&
                       set(c, node, "comparators", expr_list(c, &n->u.compare.comparators))
                   ? node : ERR;
    default: /* E_IFEXP */
        node = node_at(c, "IfExp", n);
        return set(c, node, "test", conv_expr(c, n->u.ifexp.test)) && set(c, node, "body", conv_expr(c, n->u.ifexp.body)) &&
                       set(c, node, "orelse", conv_expr(c, n->u.ifexp.orelse))
                   ? node : ERR;
    }
}

/* Names, attributes, subscripts, starred and displays: the nodes with a ctx. */
static Value conv_target(Conv *c, Node *n) {
    Value node;
    switch (n->kind) {
    case E_NAME:
        node = node_at(c, "Name", n);
        if (!set(c, node, "id", str_from_cstr(c->vm, n->u.name))) return ERR;
        break;
    case E_ATTR:
        node = node_at(c, "Attribute", n);
        if (!set(c, node, "value", conv_expr(c, n->u.attr.value)) || !set(c, node, "attr", str_from_cstr(c->vm, n->u.attr.name)))
            return ERR;
        break;
    case E_SUBSCRIPT:
        node = node_at(c, "Subscript", n);
        if (!set(c, node, "value", conv_expr(c, n->u.subscript.value)) || !set(c, node, "slice", conv_expr(c, n->u.subscript.index)))
            return ERR;
        break;
    case E_STARRED:
        node = node_at(c, "Starred", n);
        if (!set(c, node, "value", conv_expr(c, n->u.starred.value))) return ERR;
        break;
    default: /* E_TUPLE, E_LIST */
        node = node_at(c, n->kind == E_TUPLE ? "Tuple" : "List", n);
        if (!set(c, node, "elts", expr_list(c, &n->u.seq.elts))) return ERR;
    }
    return set(c, node, "ctx", ctx_node(c, n->ctx)) ? node : ERR;
}

/* Expressions with one optional or required value: await, yield, yield from. */
static Value conv_valued(Conv *c, Node *n, const char *name) {
    Value node = node_at(c, name, n);
    return set(c, node, "value", opt_expr(c, n->u.value.value)) ? node : ERR;
}

static Value conv_expr_kind(Conv *c, Node *n) {
    Value node;
    switch (n->kind) {
    case E_INT: case E_FLOAT: case E_IMAG: case E_STR: case E_BYTES:
    case E_NONE: case E_TRUE: case E_FALSE: case E_ELLIPSIS:
        return conv_constant(c, n);
    case E_FSTRING: return conv_fstring(c, n);
    case E_FORMATTED: return conv_formatted(c, n);
    case E_BINOP: case E_UNARY: case E_BOOLOP: case E_COMPARE: case E_IFEXP: return conv_operation(c, n);
    case E_NAME: case E_ATTR: case E_SUBSCRIPT: case E_STARRED: case E_TUPLE: case E_LIST: return conv_target(c, n);
    case E_LAMBDA:
        node = node_at(c, "Lambda", n);
        return set(c, node, "args", conv_arguments(c, &n->u.lambda.params)) && set(c, node, "body", conv_expr(c, n->u.lambda.body))
                   ? node : ERR;
    case E_CALL:
        node = node_at(c, "Call", n);
        return set(c, node, "func", conv_expr(c, n->u.call.func)) && set(c, node, "args", expr_list(c, &n->u.call.args)) &&
                       set(c, node, "keywords", keyword_list(c, n->u.call.keywords, n->u.call.nkeywords))
                   ? node : ERR;
    case E_SLICE:
        node = node_at(c, "Slice", n);
        return set(c, node, "lower", opt_expr(c, n->u.slice.lower)) && set(c, node, "upper", opt_expr(c, n->u.slice.upper)) &&
                       set(c, node, "step", opt_expr(c, n->u.slice.step))
                   ? node : ERR;
    case E_SET:
        node = node_at(c, "Set", n);
        return set(c, node, "elts", expr_list(c, &n->u.seq.elts)) ? node : ERR;
    case E_DICT:
        node = node_at(c, "Dict", n);
        return set(c, node, "keys", expr_list(c, &n->u.dict.keys)) && set(c, node, "values", expr_list(c, &n->u.dict.values))
                   ? node : ERR;
    case E_LISTCOMP: return conv_comp(c, n, "ListComp");
    case E_SETCOMP: return conv_comp(c, n, "SetComp");
    case E_DICTCOMP: return conv_comp(c, n, "DictComp");
    case E_GENEXP: return conv_comp(c, n, "GeneratorExp");
    case E_NAMEDEXPR:
        node = node_at(c, "NamedExpr", n);
        return set(c, node, "target", conv_expr(c, n->u.named.target)) && set(c, node, "value", conv_expr(c, n->u.named.value))
                   ? node : ERR;
    case E_AWAIT: return conv_valued(c, n, "Await");
    case E_YIELD: return conv_valued(c, n, "Yield");
    case E_YIELDFROM: return conv_valued(c, n, "YieldFrom");
    default: return exc_raise(c->vm, E_SystemError, "_ast: unexpected expression node %d", (int)n->kind);
    }
}

static bool enter(Conv *c) {
    if (++c->depth <= MAX_DEPTH) return true;
    exc_raise(c->vm, E_RecursionError, "maximum recursion depth exceeded during ast construction");
    return false;
}

static Value conv_expr(Conv *c, Node *n) {
    if (!enter(c)) return ERR;
    Value v = conv_expr_kind(c, n);
    c->depth--;
    return v;
}

/* ---- patterns ------------------------------------------------------------------ */

static Value pattern_list(Conv *c, const NodeList *l) { return conv_list(c, l, conv_pattern); }

static Value conv_pattern_kind(Conv *c, Node *n) {
    Value node;
    switch (n->kind) {
    case P_VALUE:
        node = node_at(c, "MatchValue", n);
        return set(c, node, "value", conv_expr(c, n->u.value.value)) ? node : ERR;
    case P_SINGLETON:
        node = node_at(c, "MatchSingleton", n);
        return set(c, node, "value", constant_value(c, n->u.value.value)) ? node : ERR;
    case P_SEQUENCE:
        node = node_at(c, "MatchSequence", n);
        return set(c, node, "patterns", pattern_list(c, &n->u.seq.elts)) ? node : ERR;
    case P_OR:
        node = node_at(c, "MatchOr", n);
        return set(c, node, "patterns", pattern_list(c, &n->u.seq.elts)) ? node : ERR;
    case P_MAPPING:
        node = node_at(c, "MatchMapping", n);
        return set(c, node, "keys", expr_list(c, &n->u.mapping.keys)) &&
                       set(c, node, "patterns", pattern_list(c, &n->u.mapping.patterns)) &&
                       set(c, node, "rest", str_or_none(c, n->u.mapping.rest))
                   ? node : ERR;
    case P_CLASS:
        node = node_at(c, "MatchClass", n);
        return set(c, node, "cls", conv_expr(c, n->u.pclass.cls)) &&
                       set(c, node, "patterns", pattern_list(c, &n->u.pclass.patterns)) &&
                       set(c, node, "kwd_attrs", str_list(c, n->u.pclass.kwd_attrs, n->u.pclass.kwd_patterns.n)) &&
                       set(c, node, "kwd_patterns", pattern_list(c, &n->u.pclass.kwd_patterns))
                   ? node : ERR;
    case P_STAR:
        node = node_at(c, "MatchStar", n);
        return set(c, node, "name", str_or_none(c, n->u.name)) ? node : ERR;
    default: /* P_AS */
        node = node_at(c, "MatchAs", n);
        return set(c, node, "pattern", n->u.as.pattern ? conv_pattern(c, n->u.as.pattern) : NONE_VAL) &&
                       set(c, node, "name", str_or_none(c, n->u.as.name))
                   ? node : ERR;
    }
}

static Value conv_pattern(Conv *c, Node *n) {
    if (!enter(c)) return ERR;
    Value v = conv_pattern_kind(c, n);
    c->depth--;
    return v;
}

/* ---- statements ------------------------------------------------------------------ */

static Value conv_type_param(Conv *c, Node *n) {
    const char *name = n->kind == T_TYPEVAR ? "TypeVar" : n->kind == T_PARAMSPEC ? "ParamSpec" : "TypeVarTuple";
    Value node = node_at(c, name, n);
    if (!set(c, node, "name", str_from_cstr(c->vm, n->u.typeparam.name))) return ERR;
    if (n->kind == T_TYPEVAR && !set(c, node, "bound", opt_expr(c, n->u.typeparam.bound))) return ERR;
    return node;
}

static Value type_params(Conv *c, const NodeList *l) { return conv_list(c, l, conv_type_param); }

/* The span of a statement body's last statement: where a handler or case ends. */
static void body_end(const NodeList *body, int *line, int *col) {
    if (body->n) {
        *line = body->items[body->n - 1]->end_line;
        *col = body->items[body->n - 1]->end_col;
    }
}

static Value handler_list(Conv *c, const ExceptHandler *hs, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        const ExceptHandler *h = &hs[i];
        int end_line = h->line, end_col = h->col;
        body_end(&h->body, &end_line, &end_col);
        Value node = node_new(c, "ExceptHandler");
        if (!set(c, node, "type", opt_expr(c, h->type)) || !set(c, node, "name", str_or_none(c, h->name)) ||
            !set(c, node, "body", stmt_list(c, &h->body)) || !set_pos(c, node, h->line, h->col, end_line, end_col) ||
            list_append(c->vm, out, node) < 0)
            return ERR;
    }
    return obj_val(out);
}

static Value withitem_list(Conv *c, const WithItem *items, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        Value node = node_new(c, "withitem");
        if (!set(c, node, "context_expr", conv_expr(c, items[i].context)) ||
            !set(c, node, "optional_vars", opt_expr(c, items[i].vars)) || list_append(c->vm, out, node) < 0)
            return ERR;
    }
    return obj_val(out);
}

static Value case_list(Conv *c, const MatchCase *cases, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        Value node = node_new(c, "match_case");
        if (!set(c, node, "pattern", conv_pattern(c, cases[i].pattern)) ||
            !set(c, node, "guard", opt_expr(c, cases[i].guard)) || !set(c, node, "body", stmt_list(c, &cases[i].body)) ||
            list_append(c->vm, out, node) < 0)
            return ERR;
    }
    return obj_val(out);
}

/* Where an alias that starts at `o` ends: after `*`, its dotted name, or
 * the name after `as`. */
static size_t alias_end(Conv *c, size_t o, bool has_as) {
    if (o < c->len && c->src[o] == '*') return o + 1;
    size_t end = o;
    for (;;) {
        while (end < c->len && is_name_byte((unsigned char)c->src[end])) end++;
        size_t p = skip_blanks(c, end);
        if (p >= c->len || c->src[p] != '.') break;
        end = skip_blanks(c, p + 1);
    }
    if (!has_as) return end;
    size_t p = skip_blanks(c, skip_blanks(c, end) + 2);
    while (p < c->len && is_name_byte((unsigned char)c->src[p])) p++;
    return p;
}

/* alias(name, asname): the C tree keeps where it starts; where it ends is
 * read in the source. */
static Value alias_list(Conv *c, const Alias *names, int n) {
    ObjList *out = list_new(c->vm, n);
    if (!out) return ERR;
    for (int i = 0; i < n; i++) {
        const Alias *a = &names[i];
        int end_line, end_col;
        pos_of(c, alias_end(c, offset_of(c, a->line, a->col), a->asname != NULL), a->line, &end_line, &end_col);
        Value node = node_new(c, "alias");
        if (!set(c, node, "name", str_from_cstr(c->vm, a->name)) || !set(c, node, "asname", str_or_none(c, a->asname)) ||
            !set_pos(c, node, a->line, a->col, end_line, end_col) || list_append(c->vm, out, node) < 0)
            return ERR;
    }
    return obj_val(out);
}

static Value conv_def(Conv *c, Node *n) {
    Value node = node_at(c, n->u.def.is_async ? "AsyncFunctionDef" : "FunctionDef", n);
    return set(c, node, "name", str_from_cstr(c->vm, n->u.def.name)) &&
                   set(c, node, "args", conv_arguments(c, &n->u.def.params)) &&
                   set(c, node, "body", stmt_list(c, &n->u.def.body)) &&
                   set(c, node, "decorator_list", expr_list(c, &n->u.def.decorators)) &&
                   set(c, node, "returns", opt_expr(c, n->u.def.returns)) && set(c, node, "type_comment", NONE_VAL) &&
                   set(c, node, "type_params", type_params(c, &n->u.def.type_params))
               ? node : ERR;
}

static Value conv_class(Conv *c, Node *n) {
    Value node = node_at(c, "ClassDef", n);
    return set(c, node, "name", str_from_cstr(c->vm, n->u.cls.name)) &&
                   set(c, node, "bases", expr_list(c, &n->u.cls.bases)) &&
                   set(c, node, "keywords", keyword_list(c, n->u.cls.keywords, n->u.cls.nkeywords)) &&
                   set(c, node, "body", stmt_list(c, &n->u.cls.body)) &&
                   set(c, node, "decorator_list", expr_list(c, &n->u.cls.decorators)) &&
                   set(c, node, "type_params", type_params(c, &n->u.cls.type_params))
               ? node : ERR;
}

/* `type X[...] = v`: the C tree keeps the name as a string; CPython's is a
 * Name in Store context, found after the `type` keyword. */
static Value conv_typealias(Conv *c, Node *n) {
    int line, col;
    pos_of(c, skip_blanks(c, offset_of(c, n->line, n->col) + 4), n->line, &line, &col);
    Value name = node_new(c, "Name");
    Value node = node_at(c, "TypeAlias", n);
    return set(c, name, "id", str_from_cstr(c->vm, n->u.typealias.name)) && set(c, name, "ctx", ctx_node(c, CTX_STORE)) &&
                   set_pos(c, name, line, col, line, col + (int)strlen(n->u.typealias.name)) && set(c, node, "name", name) &&
                   set(c, node, "type_params", type_params(c, &n->u.typealias.type_params)) &&
                   set(c, node, "value", conv_expr(c, n->u.typealias.value))
               ? node : ERR;
}

static Value conv_compound(Conv *c, Node *n) {
    Value node;
    switch (n->kind) {
    case S_IF: case S_WHILE:
        node = node_at(c, n->kind == S_IF ? "If" : "While", n);
        return set(c, node, "test", conv_expr(c, n->u.cond.test)) && set(c, node, "body", stmt_list(c, &n->u.cond.body)) &&
                       set(c, node, "orelse", stmt_list(c, &n->u.cond.orelse))
                   ? node : ERR;
    case S_FOR:
        node = node_at(c, n->u.forloop.is_async ? "AsyncFor" : "For", n);
        return set(c, node, "target", conv_expr(c, n->u.forloop.target)) &&
                       set(c, node, "iter", conv_expr(c, n->u.forloop.iter)) &&
                       set(c, node, "body", stmt_list(c, &n->u.forloop.body)) &&
                       set(c, node, "orelse", stmt_list(c, &n->u.forloop.orelse)) && set(c, node, "type_comment", NONE_VAL)
                   ? node : ERR;
    case S_TRY:
        node = node_at(c, n->u.try_.is_star ? "TryStar" : "Try", n);
        return set(c, node, "body", stmt_list(c, &n->u.try_.body)) &&
                       set(c, node, "handlers", handler_list(c, n->u.try_.handlers, n->u.try_.nhandlers)) &&
                       set(c, node, "orelse", stmt_list(c, &n->u.try_.orelse)) &&
                       set(c, node, "finalbody", stmt_list(c, &n->u.try_.finalbody))
                   ? node : ERR;
    case S_WITH:
        node = node_at(c, n->u.with.is_async ? "AsyncWith" : "With", n);
        return set(c, node, "items", withitem_list(c, n->u.with.items, n->u.with.nitems)) &&
                       set(c, node, "body", stmt_list(c, &n->u.with.body)) && set(c, node, "type_comment", NONE_VAL)
                   ? node : ERR;
    case S_MATCH:
        node = node_at(c, "Match", n);
        return set(c, node, "subject", conv_expr(c, n->u.match.subject)) &&
                       set(c, node, "cases", case_list(c, n->u.match.cases, n->u.match.ncases))
                   ? node : ERR;
    case S_DEF: return conv_def(c, n);
    case S_CLASS: return conv_class(c, n);
    default: return exc_raise(c->vm, E_SystemError, "_ast: unexpected statement node %d", (int)n->kind);
    }
}

static Value conv_simple(Conv *c, Node *n) {
    Value node;
    switch (n->kind) {
    case S_EXPR: return conv_valued(c, n, "Expr");
    case S_RETURN: return conv_valued(c, n, "Return");
    case S_PASS: return node_at(c, "Pass", n);
    case S_BREAK: return node_at(c, "Break", n);
    case S_CONTINUE: return node_at(c, "Continue", n);
    case S_ASSIGN:
        node = node_at(c, "Assign", n);
        return set(c, node, "targets", expr_list(c, &n->u.assign.targets)) &&
                       set(c, node, "value", conv_expr(c, n->u.assign.value)) && set(c, node, "type_comment", NONE_VAL)
                   ? node : ERR;
    case S_AUGASSIGN:
        node = node_at(c, "AugAssign", n);
        return set(c, node, "target", conv_expr(c, n->u.augassign.target)) &&
                       set(c, node, "op", op_node(c, n->u.augassign.op)) &&
                       set(c, node, "value", conv_expr(c, n->u.augassign.value))
                   ? node : ERR;
    case S_ANNASSIGN:
        node = node_at(c, "AnnAssign", n);
        return set(c, node, "target", conv_expr(c, n->u.annassign.target)) &&
                       set(c, node, "annotation", conv_expr(c, n->u.annassign.annotation)) &&
                       set(c, node, "value", opt_expr(c, n->u.annassign.value)) &&
                       set(c, node, "simple", int_val(n->u.annassign.simple ? 1 : 0))
                   ? node : ERR;
    case S_GLOBAL: case S_NONLOCAL:
        node = node_at(c, n->kind == S_GLOBAL ? "Global" : "Nonlocal", n);
        return set(c, node, "names", str_list(c, n->u.names.names, n->u.names.n)) ? node : ERR;
    case S_DEL:
        node = node_at(c, "Delete", n);
        return set(c, node, "targets", expr_list(c, &n->u.seq.elts)) ? node : ERR;
    case S_ASSERT:
        node = node_at(c, "Assert", n);
        return set(c, node, "test", conv_expr(c, n->u.assert_.test)) && set(c, node, "msg", opt_expr(c, n->u.assert_.msg))
                   ? node : ERR;
    case S_RAISE:
        node = node_at(c, "Raise", n);
        return set(c, node, "exc", opt_expr(c, n->u.raise.exc)) && set(c, node, "cause", opt_expr(c, n->u.raise.cause))
                   ? node : ERR;
    case S_IMPORT:
        node = node_at(c, "Import", n);
        return set(c, node, "names", alias_list(c, n->u.import.names, n->u.import.nnames)) ? node : ERR;
    case S_IMPORTFROM:
        node = node_at(c, "ImportFrom", n);
        return set(c, node, "module", str_or_none(c, n->u.import.module)) &&
                       set(c, node, "names", alias_list(c, n->u.import.names, n->u.import.nnames)) &&
                       set(c, node, "level", int_val(n->u.import.level))
                   ? node : ERR;
    case S_TYPEALIAS: return conv_typealias(c, n);
    default: return conv_compound(c, n);
    }
}

static Value conv_stmt(Conv *c, Node *n) {
    if (!enter(c)) return ERR;
    Value v = conv_simple(c, n);
    c->depth--;
    return v;
}

/* ---- the module ------------------------------------------------------------------- */

static Value conv_root(Conv *c, Node *tree, CompileMode mode) {
    if (mode == COMPILE_EVAL) {
        Value node = node_new(c, "Expression");
        return set(c, node, "body", conv_expr(c, tree)) ? node : ERR;
    }
    Value node = node_new(c, mode == COMPILE_EXEC ? "Module" : "Interactive");
    if (!set(c, node, "body", stmt_list(c, &tree->u.block.body))) return ERR;
    if (mode == COMPILE_EXEC && !set(c, node, "type_ignores", obj_val(list_new(c->vm, 0)))) return ERR;
    return node;
}

/* The start of each line, so positions can be read back in the source. */
static int *line_table(const char *src, size_t len, int *nlines) {
    int n = 1;
    for (size_t i = 0; i < len; i++) n += src[i] == '\n';
    int *starts = malloc(sizeof(int) * (size_t)(n + 2));
    if (!starts) return NULL;
    int line = 1;
    starts[1] = 0;
    for (size_t i = 0; i < len; i++)
        if (src[i] == '\n') starts[++line] = (int)(i + 1);
    *nlines = n;
    return starts;
}

/* parse(source, filename, mode, classes) */
static Value f_parse(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "parse", nargs, kw, 4, 4)) return ERR;
    BinBuf b;
    const char *src;
    size_t len;
    bool bytes = !is_str(args[0]);
    if (!bytes) {
        src = AS(ObjStr, args[0])->data;
        len = (size_t)AS(ObjStr, args[0])->len;
    } else if (binbuf_get(args[0], &b)) {
        src = (const char *)b.p;
        len = (size_t)b.n;
    } else {
        return exc_raise(vm, E_TypeError, "compile() arg 1 must be a string, bytes or AST object");
    }
    if (memchr(src, 0, len)) return exc_raise(vm, E_SyntaxError, "source code string cannot contain null bytes");
    if (!is_str(args[1]) || !is_str(args[2]) || !is_dict(args[3]))
        return exc_raise(vm, E_TypeError, "_ast.parse(source, filename: str, mode: str, classes: dict)");
    const char *m = AS(ObjStr, args[2])->data;
    CompileMode mode = !strcmp(m, "exec") ? COMPILE_EXEC : !strcmp(m, "eval") ? COMPILE_EVAL : COMPILE_SINGLE;
    if (mode == COMPILE_SINGLE && strcmp(m, "single") != 0)
        return exc_raise(vm, E_ValueError, "compile() mode must be 'exec', 'eval' or 'single'");
    AstArena *arena = ast_arena_new();
    if (!arena) return exc_nomem(vm), ERR;
    Conv c = {.vm = vm, .classes = AS(ObjDict, args[3]), .src = src, .len = len};
    for (size_t i = 0; i < sizeof c.ops / sizeof c.ops[0]; i++) c.ops[i] = UNDEF;
    for (int i = 0; i < 3; i++) c.ctxs[i] = UNDEF;
    Value result = ERR;
    Node *tree = compile_parse_tree(vm, arena, src, len, AS(ObjStr, args[1])->data, mode, bytes);
    int *starts = tree ? line_table(src, len, &c.nlines) : NULL;
    if (tree && !starts) exc_nomem(vm);
    if (starts) {
        c.line_start = starts;
        result = conv_root(&c, tree, mode);
    }
    free(starts);
    ast_arena_free(arena);
    return result;
}

/* The node classes live in stdlib/ast.asy, which copies them into this
 * module when it runs; `import _ast` alone finds them through this module
 * __getattr__, which imports ast first (CPython's _ast has them built in). */
static Value f_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "attribute name must be string");
    ObjStr *name = AS(ObjStr, args[0]);
    Value self = import_module(vm, "_ast");
    if (self == ERR) return ERR;
    /* dunders are asked by the import system and friends: no need for ast */
    bool dunder = name->len > 4 && !strncmp(name->data, "__", 2);
    if (!dunder && import_standard(vm, "ast") == ERR) return ERR;
    Value v = dict_get_str(AS(ObjModule, self)->dict, name);
    if (v != UNDEF) return v;
    return exc_raise(vm, E_AttributeError, "module '_ast' has no attribute '%s'", name->data);
}

bool mod__ast_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "parse", f_parse) && module_add_native(vm, m, "__getattr__", f_getattr);
}
