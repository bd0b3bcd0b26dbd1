/* The code generator: walks the AST with the scopes from symtable.c and
 * emits one code object per scope.
 *
 * Control flow follows CPython 3.11: exceptions use a zero-cost table of
 * protected regions (each region maps to the innermost active handler, and
 * regions are split whenever the handler stack changes), and `return`,
 * `break` and `continue` leave try/with/for blocks by emitting the unwinding
 * code inline (a `finally` body is compiled once more on each such path). The
 * compiler tracks the stack depth as it emits, to size each frame. */
#include "compile.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/bytes.h"
#include "source_coding.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/gen.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/opcodes.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "consts.h"
#include "symtable.h"

typedef enum FBlockKind {
    FB_WHILE, FB_FOR, FB_TRY_EXCEPT, FB_FINALLY_TRY, FB_FINALLY_END, FB_HANDLER, FB_WITH, FB_ASYNC_WITH,
    FB_EXCEPT_STAR,     /* an except* body: nothing may jump out of it */
    FB_POP_VALUE        /* a finally body run by `return`: its value waits below */
} FBlockKind;

typedef struct FBlock {
    FBlockKind kind;
    int start, end;         /* labels: continue target, break target */
    Node *node;             /* S_TRY (finally body) or the handler's name */
    const char *name;       /* the `as` name of a handler */
    int nhandlers;          /* handler stack size when the block began (before its own) */
} FBlock;

/* A source span: lines 1-based, columns 0-based bytes (end exclusive), or
 * col = -1 when only the line is known. */
typedef struct Loc {
    int line, end_line, col, end_col;
} Loc;

typedef struct Handler {
    int label, depth;
} Handler;

typedef struct Unit Unit;
struct Unit {
    Unit *parent;
    Scope *scope;
    ObjCode *code;
    ObjStr *qualname;
    uint32_t *ins;
    int nins, capins;
    Value *consts;
    int nconsts, capconsts;
    ObjStr **names;
    int nnames, capnames;
    LineEntry *lines;
    int nlines, caplines;
    ExcEntry *exc;
    int nexc, capexc;
    int *labels;            /* label -> instruction index, -1 until placed */
    int nlabels, caplabels;
    int nfblocks;
    int nhandlers;
    int region_start;       /* where the current protected region began */
    int depth, maxdepth;
    Loc loc;                /* the source span of what is being compiled */
    int ncaches, nattrcaches;
    int loop_depth;
    bool interactive;
    int implicit_ret;       /* 1 + where the body's implicit `return None` starts, or 0 */
    /* The locals (by index, the first 256) a statement of the function's
     * own body has assigned so far: bound from there on unless deleted */
    uint64_t top_bound[4];
    /* Last, and not zeroed by enter_unit (4 KB a function): only the first
     * nfblocks and nhandlers entries are ever read. */
    FBlock fblocks[64];
    Handler handlers[64];
};

typedef struct Compiler {
    VM *vm;
    const char *filename;
    const char *src;
    size_t srclen;
    Unit *u;
    bool failed;
    int nesting;            /* C recursion depth of the expression walker */
    bool top_names;         /* module-level reads go through LOAD_NAME (exec with locals) */
    bool future_annotations;    /* `from __future__ import annotations`: annotations stay text */
    bool future_barry;          /* barry_as_FLUFL: only marks the code objects, for exec/eval */
    AstArena *arena;        /* the symbol table's; also holds the compiler's SyntaxWarnings */
    ConstPool pool;         /* this compilation's constants, by value */
} Compiler;


/* ---- errors ------------------------------------------------------------ */

/* Line `line` (1-based) of src: its bytes without the newline, and whether a
 * newline ends it. False when src has no such line. */
static bool line_of(const char *src, size_t srclen, int line, const char **start, size_t *len, bool *newline) {
    if (!src || line < 1) return false;
    const char *p = src, *end = src + srclen;
    for (int l = 1; l < line; p++) {
        if (p >= end) return false;
        if (*p == '\n') l++;
    }
    if (p >= end && line > 1) return false;
    const char *e = p;
    while (e < end && *e != '\n') e++;
    *start = p;
    *len = (size_t)(e - p);
    *newline = e < end;
    if (*newline && *len && e[-1] == '\r') (*len)--;     /* "\r\n" ends a line as "\n" does */
    return true;
}

/* What CPython's compiler puts in `text`: the line read again from the
 * file named, with its newline, or NULL when there is no such file (a
 * string compiled as "<string>"). The caller frees it. */
static char *file_line(const char *filename, int line) {
    if (!filename || filename[0] == '<' || line < 1) return NULL;
    FILE *f = fopen(filename, "rb");
    if (!f) return NULL;
    StrBuf cur = SB_INIT;
    int l = 1, ch;
    while (l <= line && (ch = fgetc(f)) != EOF) {
        if (l == line) sb_addc(&cur, (char)ch);
        if (ch == '\n') l++;
    }
    fclose(f);
    if (!cur.len) { sb_free(&cur); return NULL; }
    if (cur.len >= 2 && cur.data[cur.len - 2] == '\r' && cur.data[cur.len - 1] == '\n') {
        cur.data[cur.len - 2] = '\n';      /* read as text: "\r\n" is a newline */
        cur.len--;
    }
    sb_addc(&cur, 0);
    return cur.data;
}

/* The SyntaxError's `text`, by who reports the error (ErrOrigin, ast.h);
 * *line_text is set to the source line offsets are counted in. */
static Value error_text(VM *vm, const ParseError *e, const char *filename, const char *src, size_t srclen,
                        const char **line_text, size_t *line_len) {
    bool newline = false;
    if (!line_of(src, srclen, e->line, line_text, line_len, &newline)) *line_text = NULL;
    if (e->origin == ORIGIN_COMPILER) {
        char *t = file_line(filename, e->line);
        Value v = t ? str_decode_utf8(vm, t, strlen(t), "replace") : NONE_VAL;
        free(t);
        return v;
    }
    if (!*line_text) return e->line < 1 ? str_from_cstr(vm, "") : NONE_VAL;
    /* The tokenizer's copy of the line ends in a newline (one is implied
     * at the end of the input) while it has not read past it. */
    bool keep_newline = e->origin != ORIGIN_TOKENIZER && e->origin != ORIGIN_TOKEN_RANGE && e->tok_line <= e->line;
    StrBuf b = SB_INIT;
    sb_add(&b, *line_text, *line_len);
    if (keep_newline && (newline || !e->eval_input)) sb_addc(&b, '\n');
    Value v = str_decode_utf8(vm, b.data ? b.data : "", b.len, "replace");
    sb_free(&b);
    return v;
}

/* CPython's 1-based offset of byte column col in a line: code points for
 * the parser and tokenizer, bytes for the compiler, and for the parser
 * too when the source came as bytes (byte_offsets). */
static int64_t offset_in(const ParseError *e, const char *text, size_t len, int col) {
    if (col < 0) return 0;      /* CPython's "no column" */
    bool tokenizer = e->origin == ORIGIN_TOKENIZER || e->origin == ORIGIN_TOKEN_RANGE;
    if (e->origin == ORIGIN_COMPILER || !text || (e->byte_offsets && !tokenizer)) return col + 1;
    return (size_t)col <= len ? (int64_t)utf8_count(text, (size_t)col) + 1 : col + 1;
}

/* The end_offset, which depends on who reports the error. */
static int64_t end_offset(const ParseError *e, const char *src, size_t srclen, int64_t offset) {
    switch (e->origin) {
    case ORIGIN_TOKENIZER: return offset;
    case ORIGIN_END_NONE: return -1;
    case ORIGIN_END_ZERO: return 0;
    default: break;
    }
    if (e->line < 1) return 0;
    const char *t;
    size_t len;
    bool nl;
    if (!line_of(src, srclen, e->end_line, &t, &len, &nl)) t = NULL, len = 0;
    return offset_in(e, t, len, e->end_col);
}

/* CPython's compiler gives a SyntaxError the args (msg, (filename, lineno,
 * offset, text, end_lineno, end_offset)), which its repr and pickling
 * show: made from the attributes stored on the pending exception. */
static void syntax_error_args(VM *vm) {
    static const NameId fields[] = {N_filename, N_lineno, N_offset, N_text, N_end_lineno, N_end_offset};
    if (!is_kind(vm->exc, OBJ_EXC)) return;
    ObjException *e = AS(ObjException, vm->exc);
    if (!e->base.dict || !e->args->len) return;
    Value items[6];
    for (int i = 0; i < 6; i++) {
        Value v = dict_get_str(e->base.dict, vm_name(vm, fields[i]));
        items[i] = v == UNDEF ? NONE_VAL : v;
    }
    ObjTuple *details = tuple_from(vm, items, 6);
    if (!details) return;
    Value pair[2] = {e->args->items[0], obj_val(details)};
    ObjTuple *args = tuple_from(vm, pair, 2);
    if (args) e->args = args;
}

/* Raises the SyntaxError (or IndentationError, TabError) that e describes,
 * with CPython's attributes: msg, filename, lineno, offset, text,
 * end_lineno, end_offset. */
static void raise_error(VM *vm, const ParseError *e, const char *filename, const char *src, size_t srclen) {
    ExcId id = e->kind && !strcmp(e->kind, "IndentationError") ? E_IndentationError
             : e->kind && !strcmp(e->kind, "TabError") ? E_TabError : E_SyntaxError;
    /* A script file that is not UTF-8: CPython's tokenizer, reading the
     * file, names it in the message and gives no location at all. */
    const char *at = strstr(e->msg, "' on line ");
    if (vm->compile_file_input && !strncmp(e->msg, "Non-UTF-8 code starting with ", 29) && at) {
        StrBuf b = SB_INIT;
        sb_add(&b, e->msg, (size_t)(at - e->msg) + 1);
        sb_addf(&b, " in file %s%s", filename, at + 1);
        bool oom = b.oom;
        Value msg = oom ? ERR : str_new(vm, b.data, b.len);
        sb_free(&b);
        if (oom) exc_nomem(vm);
        if (msg == ERR) return;
        ObjTuple *margs = tuple_from(vm, &msg, 1);
        Value x = margs ? exc_new(vm, vm->exc_types[E_SyntaxError], margs) : ERR;
        if (x != ERR) vm->exc = x;
        return;
    }
    Value m = str_from_cstr(vm, e->msg);
    ObjTuple *args = m == ERR ? NULL : tuple_from(vm, &m, 1);
    Value exc = args ? exc_new(vm, vm->exc_types[id], args) : ERR;
    if (exc == ERR || !vm_push_root(vm, exc)) return;
    const char *line_text;
    size_t line_len;
    Value f = str_from_cstr(vm, filename);
    Value t = f == ERR ? ERR : error_text(vm, e, filename, src, srclen, &line_text, &line_len);
    vm_pop_roots(vm, 1);
    if (t == ERR) return;
    int64_t off = e->line < 1 ? 0 : offset_in(e, line_text, line_len, e->col);
    if (vm->compile_file_input && e->at_eof && e->origin == ORIGIN_END_NONE) off = 0;
    bool one_line = e->origin != ORIGIN_PARSER && e->origin != ORIGIN_COMPILER;
    ObjDict *d = AS(ObjException, exc)->base.dict;
    dict_set_str(vm, d, vm_name(vm, N_msg), m);
    dict_set_str(vm, d, vm_name(vm, N_filename), f);
    dict_set_str(vm, d, vm_name(vm, N_lineno), int_val(e->line < 0 ? 0 : e->line));
    dict_set_str(vm, d, vm_name(vm, N_offset), int_val(off));
    dict_set_str(vm, d, vm_name(vm, N_text), t);
    dict_set_str(vm, d, vm_name(vm, N_end_lineno), int_val(one_line || e->line < 1 ? (e->line < 0 ? 0 : e->line) : e->end_line));
    dict_set_str(vm, d, vm_name(vm, N_end_offset), int_val(end_offset(e, src, srclen, off)));
    vm->exc = exc;
    syntax_error_args(vm);
}

/* A SyntaxError of the compiler at [line, col) to [end_line, end_col). */
static void raise_syntax(VM *vm, const char *msg, const char *filename, const char *src, size_t srclen, int line,
                         int col, int end_line, int end_col) {
    ParseError e = {.kind = "SyntaxError", .line = line, .col = col, .end_line = end_line, .end_col = end_col,
                    .origin = ORIGIN_COMPILER};
    snprintf(e.msg, sizeof e.msg, "%s", msg);
    raise_error(vm, &e, filename, src, srclen);
}

static void error_at(Compiler *c, Node *n, const char *msg) {
    if (c->failed) return;
    c->failed = true;
    raise_syntax(c->vm, msg, c->filename, c->src, c->srclen, n ? n->line : 1, n ? n->col : 0, n ? n->end_line : 1,
                 n ? n->end_col : 1);
}

/* ---- SyntaxWarnings ------------------------------------------------------- */

/* Issues a SyntaxWarning through the warnings module, whose filters decide
 * what becomes of it; one they turn into an error is a SyntaxError at its
 * place, as in CPython. False with the exception set. */
static bool syntax_warning(VM *vm, const char *filename, const char *src, size_t len, const SyntaxWarn *w) {
    Value mod = import_standard(vm, "warnings");
    Value fn = mod == ERR ? ERR : op_getattr(vm, mod, str_intern_cstr(vm, "warn_explicit"));
    Value msg = fn == ERR ? ERR : str_from_cstr(vm, w->msg);
    if (msg == ERR || !vm_push_root(vm, msg)) return false;
    Value file = str_from_cstr(vm, filename);
    Value args[4] = {msg, obj_val(vm->exc_types[E_SyntaxWarning]), file, int_val(w->line)};
    Value r = file == ERR ? ERR : op_call(vm, fn, args, 4, NULL);
    vm_pop_roots(vm, 1);
    if (r != ERR) return true;
    if (is_instance(vm, vm->exc, vm->exc_types[E_SyntaxWarning])) {
        vm->exc = UNDEF;
        raise_syntax(vm, w->msg, filename, src, len, w->line, w->col, w->end_line, w->end_col);
    }
    return false;
}

/* The warnings kept in an arena: the parser's, issued once it has
 * succeeded (or, if it failed at `err`, those before the error, which
 * CPython's tokenizer has issued by then), and the compiler's, once the
 * code is made. */
static bool issue_warnings(VM *vm, const AstArena *a, const char *filename, const char *src, size_t len,
                           const ParseError *err) {
    for (const SyntaxWarn *w = ast_warnings(a); w; w = w->next) {
        /* (an error with no column, at the end of the input, comes after its line's warnings) */
        if (err && (w->line > err->line || (w->line == err->line && err->col >= 0 && w->col >= err->col))) break;
        if (!syntax_warning(vm, filename, src, len, w)) return false;
    }
    return true;
}

/* A SyntaxWarning of the compiler's, at node n. It is kept until the code
 * is made (compile_root): running the warnings module's code now could
 * collect the objects of the code under construction, which nothing roots. */
static void compile_warn(Compiler *c, const Node *n, const char *fmt, ...) {
    char msg[sizeof ((SyntaxWarn *)0)->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ast_warn(c->arena, n->line, n->col, n->end_line, n->end_col, "%s", msg);
}

/* The type of what an expression evaluates to, when its form alone tells
 * (a literal or a display), else NULL: the compiler's warnings name it. */
static const char *infer_type(const Node *e) {
    switch (e->kind) {
    case E_INT: return "int";
    case E_FLOAT: return "float";
    case E_IMAG: return "complex";
    case E_STR: case E_FSTRING: case E_FORMATTED: return "str";
    case E_BYTES: return "bytes";
    case E_NONE: return "NoneType";
    case E_TRUE: case E_FALSE: return "bool";
    case E_ELLIPSIS: return "ellipsis";
    case E_TUPLE: return "tuple";
    case E_LIST: case E_LISTCOMP: return "list";
    case E_DICT: case E_DICTCOMP: return "dict";
    case E_SET: case E_SETCOMP: return "set";
    case E_GENEXP: return "generator";
    case E_LAMBDA: return "function";
    case E_UNARY:
        if (e->u.unary.op == OP_NOT) return NULL;
        return e->u.unary.operand->kind == E_INT || e->u.unary.operand->kind == E_FLOAT ||
                       e->u.unary.operand->kind == E_IMAG
                   ? infer_type(e->u.unary.operand) : NULL;
    default: return NULL;
    }
}

/* e's value when CPython's AST optimizer makes it a constant (consts.c),
 * else UNDEF. */
static Value fold(Compiler *c, const Node *e) { return const_fold(c->vm, e); }

static bool is_constant(Compiler *c, const Node *e) { return fold(c, e) != UNDEF; }

/* The type of a constant other than None, True, False and `...`: what
 * `is` should not be used with; NULL for other expressions. */
static const char *identity_literal_type(Compiler *c, const Node *e) {
    Value v = fold(c, e);
    if (v == UNDEF || v == NONE_VAL || is_bool(v) || v == ELLIPSIS_VAL) return NULL;
    return type_name(c->vm, v);
}

/* `x is 1`: identity with a literal is almost always a mistake for ==. */
static void check_compare(Compiler *c, const Node *n) {
    const Node *left = n->u.compare.left;
    for (int i = 0; i < n->u.compare.comparators.n; i++) {
        const Node *right = n->u.compare.comparators.items[i];
        AstOp op = n->u.compare.ops[i];
        const char *type = NULL;
        if (op == OP_IS || op == OP_IS_NOT) type = identity_literal_type(c, left);
        if ((op == OP_IS || op == OP_IS_NOT) && !type) type = identity_literal_type(c, right);
        if (type) {
            compile_warn(c, n, op == OP_IS ? "\"is\" with '%s' literal. Did you mean \"==\"?"
                                           : "\"is not\" with '%s' literal. Did you mean \"!=\"?",
                         type);
            return;
        }
        left = right;
    }
}

/* The type CPython's compiler infers for e after its AST optimizer: a
 * folded constant's (`not 1` is a bool, `1 + 2` an int), else infer_type's.
 * *folded is the constant, or UNDEF. */
static const char *folded_type(Compiler *c, const Node *e, Value *folded) {
    *folded = fold(c, e);
    return *folded != UNDEF ? type_name(c->vm, *folded) : infer_type(e);
}

/* `[(1, 2) (3, 4)]`: calling a literal or a display means a comma is missing. */
static void check_caller(Compiler *c, const Node *f) {
    Value fv;
    const char *t = f->kind == E_LAMBDA ? NULL : folded_type(c, f, &fv);
    if (t) compile_warn(c, f, "'%s' object is not callable; perhaps you missed a comma?", t);
}

/* `[1, 2] [0, 1]` and the like: subscripting what cannot be, or a sequence
 * literal with an index of the wrong type. */
static void check_subscript(Compiler *c, const Node *n) {
    const Node *v = n->u.subscript.value, *index = n->u.subscript.index;
    Value fv, fi;
    const char *vt = folded_type(c, v, &fv);
    if (!vt) return;
    bool unsubscriptable = v->kind == E_SET || v->kind == E_SETCOMP || v->kind == E_GENEXP || v->kind == E_LAMBDA ||
                           (fv != UNDEF && !is_str(fv) && !is_kind(fv, OBJ_BYTES) && !is_tuple(fv));
    if (unsubscriptable) {
        compile_warn(c, v, "'%s' object is not subscriptable; perhaps you missed a comma?", vt);
        return;
    }
    bool sequence = fv != UNDEF ? is_str(fv) || is_kind(fv, OBJ_BYTES) || is_tuple(fv)
                                : v->kind == E_TUPLE || v->kind == E_LIST || v->kind == E_LISTCOMP ||
                                  v->kind == E_FSTRING || v->kind == E_FORMATTED;
    const char *it = folded_type(c, index, &fi);
    if (sequence && it && strcmp(it, "int") && strcmp(it, "bool"))
        compile_warn(c, v, "%s indices must be integers or slices, not %s; perhaps you missed a comma?", vt, it);
}

/* A SyntaxError with a hint (a note, shown under the message) that says
 * what to do instead (SPEC 6.3). */
static void error_hint(Compiler *c, Node *n, const char *msg, const char *hint) {
    if (c->failed) return;
    error_at(c, n, msg);
    Value e = c->vm->exc;
    if (!is_kind(e, OBJ_EXC)) return;
    Value note = str_from_cstr(c->vm, hint);
    ObjList *notes = note == ERR ? NULL : list_from(c->vm, &note, 1);
    if (notes) dict_set_str(c->vm, AS(ObjException, e)->base.dict, vm_name(c->vm, N___notes__), obj_val(notes));
    c->vm->exc = e;
}

static void nomem(Compiler *c) {
    if (c->failed) return;
    c->failed = true;
    exc_nomem(c->vm);
}

static bool grow(Compiler *c, void **p, int *cap, int n, size_t size) {
    if (n < *cap) return true;
    int ncap = *cap ? *cap * 2 : 16;
    void *q = realloc(*p, (size_t)ncap * size);
    if (!q) { nomem(c); return false; }
    *p = q;
    *cap = ncap;
    return true;
}

/* ---- emitting ---------------------------------------------------------- */

static int stack_effect(Opcode op, int arg) {
    static const int fixed[OP_COUNT] = {
#define OP(name, effect) [OP_##name] = effect,
        OPCODES(OP)
#undef OP
    };
    switch (op) {
    case OP_CALL: return -arg;
    case OP_CALL_KW: return -arg - 1;
    case OP_CALL_TEMP: return -arg;
    case OP_CALL_KW_TEMP: return -arg - 1;
    case OP_CALL_METHOD: return -arg - 1;
    case OP_CALL_METHOD_KW: return -arg - 2;
    case OP_CALL_EX: return (arg & 1) ? -2 : -1;
    case OP_BUILD_TUPLE: case OP_BUILD_LIST: case OP_BUILD_SET: case OP_BUILD_STRING: return 1 - arg;
    case OP_BUILD_MAP: return 1 - 2 * arg;
    case OP_BUILD_SLICE: return 1 - arg;
    case OP_FORMAT_VALUE: return (arg & 4) ? -1 : 0;
    case OP_UNPACK_SEQUENCE: return arg - 1;
    case OP_UNPACK_EX: return (arg & 0xFFF) + (arg >> 12);
    case OP_MAKE_FUNCTION: return -(((arg & 1) != 0) + ((arg & 2) != 0) + ((arg & 8) != 0));
    case OP_RAISE_VARARGS: return -arg;
    default: return op < OP_COUNT ? fixed[op] : 0;
    }
}

static Loc node_loc(const Node *n) {
    return (Loc){n->line, n->end_line, n->col, n->end_col};
}

/* The position of an attribute access `attr` (or of the call `outer` made
 * through it): when the access spans lines, it starts at the attribute's
 * name, as CPython 3.12 places it, so a traceback points at `.strip()` on
 * its own line rather than at where the chain began. CPython counts the
 * name in characters back from the end's byte offset; so does this. */
static Loc attr_loc(const Node *attr, const Node *outer) {
    Loc loc = node_loc(outer);
    if (attr->line == attr->end_line) return loc;
    int len = 0;
    for (const char *p = attr->u.attr.name; *p; p++) len += ((unsigned char)*p & 0xC0) != 0x80;
    loc.line = attr->end_line;
    loc.col = len <= attr->end_col ? attr->end_col - len : -1;
    if (loc.col < 0) loc.end_col = -1;
    if (loc.end_line < loc.line) loc.end_line = loc.line;
    if (loc.line == loc.end_line && loc.end_col < loc.col) loc.end_col = loc.col;
    return loc;
}

static Loc line_loc(int line) {
    return (Loc){line, line, -1, -1};
}

/* Starts a position-table row at the next instruction unless `loc` is the
 * current row's. Columns past int16 are dropped (the line is kept). */
static void set_loc(Compiler *c, Loc loc) {
    Unit *u = c->u;
    if (loc.line <= 0) return;
    if (loc.col > INT16_MAX || loc.end_col > INT16_MAX || loc.end_line < loc.line) loc = line_loc(loc.line);
    LineEntry row = {(uint32_t)u->nins, loc.line, loc.end_line, (int16_t)loc.col, (int16_t)loc.end_col};
    if (u->nlines) {
        LineEntry *last = &u->lines[u->nlines - 1];
        if (last->line == row.line && last->end_line == row.end_line && last->col == row.col &&
            last->end_col == row.end_col)
            return;
        if (last->pc == row.pc) { *last = row; return; }
    }
    if (!grow(c, (void **)&u->lines, &u->caplines, u->nlines, sizeof(LineEntry))) return;
    u->lines[u->nlines++] = row;
}

static void emit_word(Compiler *c, uint32_t w) {
    Unit *u = c->u;
    if (!grow(c, (void **)&u->ins, &u->capins, u->nins, sizeof(uint32_t))) return;
    u->ins[u->nins++] = w;
}

static void emit(Compiler *c, Opcode op, int arg) {
    if (c->failed) return;
    Unit *u = c->u;
    if (arg < 0 || arg > 0xFFFFFF) { error_at(c, NULL, "too many constants or names in one function"); return; }
    set_loc(c, u->loc);
    emit_word(c, INS(op, arg));
    u->depth += stack_effect(op, arg);
    if (u->depth > u->maxdepth) u->maxdepth = u->depth;
    if (op == OP_LOAD_GLOBAL) emit_word(c, (uint32_t)u->ncaches++);
    if (op_has_cache_word(op) && op != OP_LOAD_GLOBAL) emit_word(c, (uint32_t)u->nattrcaches++);
}

static int new_label(Compiler *c) {
    Unit *u = c->u;
    if (!grow(c, (void **)&u->labels, &u->caplabels, u->nlabels, sizeof(int))) return 0;
    u->labels[u->nlabels] = -1;
    return u->nlabels++;
}

static void place(Compiler *c, int label) {
    if (!c->failed) c->u->labels[label] = c->u->nins;
}

/* Jumps carry a label number until the code is finished. */
static void emit_jump(Compiler *c, Opcode op, int label) { emit(c, op, label); }

/* ---- exception regions ------------------------------------------------- */

static void close_region(Compiler *c) {
    Unit *u = c->u;
    if (u->nhandlers && u->nins > u->region_start) {
        if (!grow(c, (void **)&u->exc, &u->capexc, u->nexc, sizeof(ExcEntry))) return;
        Handler *h = &u->handlers[u->nhandlers - 1];
        u->exc[u->nexc++] = (ExcEntry){(uint32_t)u->region_start, (uint32_t)u->nins, (uint32_t)h->label, (uint32_t)h->depth};
    }
    u->region_start = u->nins;
}

static void push_handler(Compiler *c, int label, int depth) {
    Unit *u = c->u;
    if (u->nhandlers >= 64) { error_at(c, NULL, "too many statically nested blocks"); return; }
    close_region(c);
    u->handlers[u->nhandlers++] = (Handler){label, depth};
}

static void pop_handler(Compiler *c) {
    close_region(c);
    c->u->nhandlers--;
}

static bool push_fblock(Compiler *c, FBlockKind kind, int start, int end, Node *node) {
    Unit *u = c->u;
    /* CPython's CO_MAXBLOCKS: loops, try, with and handlers nest 20 deep,
     * where an except clause counts twice (its handler and its cleanup). */
    int depth = u->nfblocks + (kind == FB_HANDLER || kind == FB_EXCEPT_STAR);
    for (int i = 0; i < u->nfblocks; i++) depth += u->fblocks[i].kind == FB_HANDLER || u->fblocks[i].kind == FB_EXCEPT_STAR;
    if (depth >= 20) { error_at(c, node, "too many statically nested blocks"); return false; }
    u->fblocks[u->nfblocks++] = (FBlock){kind, start, end, node, NULL, u->nhandlers};
    return true;
}

static void pop_fblock(Compiler *c) { c->u->nfblocks--; }

/* ---- constants and names ----------------------------------------------- */

static int add_const(Compiler *c, Value v) {
    Unit *u = c->u;
    v = const_pool_merge(c->vm, &c->pool, v);   /* equal constants are one object */
    for (int i = 0; i < u->nconsts; i++)
        if (u->consts[i] == v) return i;
    if (!grow(c, (void **)&u->consts, &u->capconsts, u->nconsts, sizeof(Value))) return 0;
    u->consts[u->nconsts] = v;
    return u->nconsts++;
}

static ObjStr *intern(Compiler *c, const char *s) {
    ObjStr *r = str_intern_cstr(c->vm, s);
    if (!r) nomem(c);
    return r;
}

static int add_name(Compiler *c, ObjStr *name) {
    Unit *u = c->u;
    if (!name) return 0;
    for (int i = 0; i < u->nnames; i++) {
        if (u->names[i] == name) return i;
    }
    if (!grow(c, (void **)&u->names, &u->capnames, u->nnames, sizeof(ObjStr *))) return 0;
    u->names[u->nnames] = name;
    return u->nnames++;
}

static int name_index(Compiler *c, const char *s) { return add_name(c, intern(c, s)); }

/* An identifier of the current scope, after private name mangling (see
 * scope_mangle): names, attribute names, parameter names. */
static ObjStr *mangled(Compiler *c, const char *s) {
    ObjStr *r = scope_mangle(c->vm, c->u->scope, s);
    if (!r) nomem(c);
    return r;
}

static int attr_index(Compiler *c, const char *s) { return add_name(c, mangled(c, s)); }

static void load_mangled(Compiler *c, const char *s) {
    ObjStr *str = mangled(c, s);
    if (str) emit(c, OP_LOAD_CONST, add_const(c, obj_val(str)));
}

static void load_const(Compiler *c, Value v) {
    if (v == ERR) { c->failed = true; return; }
    if (is_int(v) && as_int(v) >= -0x800000 && as_int(v) < 0x800000) {
        emit(c, OP_LOAD_SMALL_INT, (int)(as_int(v) & 0xFFFFFF));
        return;
    }
    emit(c, OP_LOAD_CONST, add_const(c, v));
}

static void load_none(Compiler *c) { emit(c, OP_LOAD_CONST, add_const(c, NONE_VAL)); }

static void load_str(Compiler *c, const char *s) {
    ObjStr *str = intern(c, s);
    if (str) emit(c, OP_LOAD_CONST, add_const(c, obj_val(str)));
}

/* ---- names ------------------------------------------------------------- */

typedef enum NameOp { NAME_LOAD, NAME_STORE, NAME_DEL } NameOp;

/* A read of a closure variable in a class body or an annotation scope that
 * sees one: the class namespace first, as CPython's LOAD_FROM_DICT_OR_DEREF.
 * false where a plain LOAD_DEREF does. */
static bool load_class_deref(Compiler *c, Symbol *sym) {
    Scope *s = c->u->scope;
    if (s->kind == SCOPE_CLASS) {
        if (!strcmp(sym->name->data, "__class__") || !strcmp(sym->name->data, "__classdict__")) return false;
        emit(c, OP_LOAD_LOCALS, 0);
    } else if (s->can_see_class) {
        Symbol *cd = scope_lookup(s, intern(c, "__classdict__"));
        if (!cd || (cd->kind != NAME_FREE && cd->kind != NAME_CELL) || cd == sym) return false;
        emit(c, OP_LOAD_DEREF, cd->index);
    } else {
        return false;
    }
    emit(c, OP_LOAD_FROM_DICT_OR_DEREF, sym->index);
    return true;
}

static void compile_name(Compiler *c, const char *name, NameOp nop) {
    Unit *u = c->u;
    ObjStr *s = mangled(c, name);
    if (!s) return;
    Symbol *sym = scope_lookup(u->scope, s);
    NameKind kind = sym ? sym->kind : NAME_GLOBAL_IMPLICIT;
    static const Opcode fast[] = {OP_LOAD_FAST, OP_STORE_FAST, OP_DELETE_FAST};
    static const Opcode deref[] = {OP_LOAD_DEREF, OP_STORE_DEREF, OP_DELETE_DEREF};
    static const Opcode global[] = {OP_LOAD_GLOBAL, OP_STORE_GLOBAL, OP_DELETE_GLOBAL};
    static const Opcode named[] = {OP_LOAD_NAME, OP_STORE_NAME, OP_DELETE_NAME};
    /* The methods' implicit __class__ cell is not the class body's
     * __class__, which is a name of the namespace, as in CPython. */
    if (kind == NAME_CELL && u->scope->kind == SCOPE_CLASS && !strcmp(s->data, "__class__")) kind = NAME_LOCAL;
    switch (kind) {
    case NAME_LOCAL:
        if (u->scope->kind == SCOPE_FUNCTION) emit(c, fast[nop], sym->index);
        else emit(c, named[nop], add_name(c, s));
        break;
    case NAME_CELL: case NAME_FREE:
        if (nop == NAME_LOAD && load_class_deref(c, sym)) break;
        emit(c, deref[nop], sym->index);
        break;
    case NAME_GLOBAL_EXPLICIT:
        emit(c, global[nop], add_name(c, s));
        break;
    case NAME_GLOBAL_IMPLICIT:
        if (u->scope->can_see_class && nop == NAME_LOAD) {
            Symbol *cd = scope_lookup(u->scope, intern(c, "__classdict__"));
            if (cd && (cd->kind == NAME_FREE || cd->kind == NAME_CELL)) {
                emit(c, OP_LOAD_DEREF, cd->index);
                emit(c, OP_LOAD_FROM_DICT_OR_GLOBALS, add_name(c, s));
                break;
            }
        }
        if (u->scope->kind == SCOPE_CLASS || (u->scope->kind == SCOPE_MODULE && c->top_names))
            emit(c, named[nop], add_name(c, s));
        else emit(c, global[nop], add_name(c, s));
        break;
    }
}

/* ---- units (one per code object) --------------------------------------- */

static Scope *next_child(Compiler *c) {
    Scope *s = c->u->scope;
    if (s->next_child >= s->nchildren) { error_at(c, NULL, "internal error: scope mismatch"); return NULL; }
    return s->children[s->next_child++];
}

static ObjStr *make_qualname(Compiler *c, const char *name) {
    Unit *u = c->u;
    /* PEP 695 annotation scopes do not show in qualified names. */
    while (u && u->scope->is_annotation) u = u->parent;
    if (!u || u->scope->kind == SCOPE_MODULE) return intern(c, name);
    /* A def or class whose name the enclosing scope declares `global` is
     * named as at module level, as CPython does. */
    ObjStr *mangled = scope_mangle(c->vm, u->scope, name);
    Symbol *sym = mangled ? scope_lookup(u->scope, mangled) : NULL;
    if (sym && sym->kind == NAME_GLOBAL_EXPLICIT) return intern(c, name);
    StrBuf b = SB_INIT;
    sb_adds(&b, u->qualname->data);
    if (u->scope->kind == SCOPE_FUNCTION) sb_adds(&b, ".<locals>");
    sb_addc(&b, '.');
    sb_adds(&b, name);
    ObjStr *r = b.oom ? NULL : str_intern(c->vm, b.data, b.len);
    sb_free(&b);
    if (!r) nomem(c);
    return r;
}

/* The code flags that carry the module's __future__ features to every
 * code object, so exec, eval and compile called there inherit them. */
static int32_t unit_future_flags(const Compiler *c) {
    return (c->future_annotations ? CODE_FUTURE_ANNOTATIONS : 0) | (c->future_barry ? CODE_FUTURE_BARRY : 0);
}

static bool enter_unit(Compiler *c, Scope *scope, const char *name, int firstline) {
    Unit *u = malloc(sizeof(Unit));
    if (!u) { nomem(c); return false; }
    memset(u, 0, offsetof(Unit, fblocks));
    u->qualname = make_qualname(c, name);
    u->parent = c->u;
    u->scope = scope;
    scope->next_child = 0;      /* a finally body's copies compile it again */
    u->loc = line_loc(firstline);
    u->code = code_new(c->vm);
    if (!u->code) { free(u); nomem(c); return false; }
    u->code->firstline = firstline;
    u->code->name = intern(c, name);
    u->code->qualname = u->qualname;
    u->code->flags |= unit_future_flags(c);
    if (scope->kind == SCOPE_FUNCTION)
        for (Scope *up = scope->parent; up; up = up->parent)
            if (up->kind == SCOPE_FUNCTION) { u->code->flags |= CODE_NESTED; break; }
    c->u = u;
    return true;
}

static void free_unit(Unit *u) {
    free(u->ins); free(u->consts); free(u->names); free(u->lines); free(u->exc); free(u->labels);
    free(u);
}

/* The line of instruction i (0 if none). */
static int line_at(const Unit *u, int i) {
    int line = 0;
    for (int k = 0; k < u->nlines && (int)u->lines[k].pc <= i; k++) line = u->lines[k].line;
    return line;
}

/* The implicit `return None` that ends a body has no line of its own: as
 * CPython's compiler copies such an exit block for each jump to it, each
 * jump from another line gets a copy on that line (appended at the end),
 * so a trace sees the function return from where it left (`if x: return 1`
 * with x false returns from the if, not from `return 1`). */
static void copy_exit_per_jump(Compiler *c) {
    Unit *u = c->u;
    int at = u->implicit_ret - 1, end = u->nins;
    if (at < 0 || at + 2 != end) return;
    int line = line_at(u, at);
    for (int i = 0; i < end && !c->failed; i++) {
        int op = INS_OP(u->ins[i]);
        if (op_has_cache_word(op)) { i++; continue; }
        if (!op_is_jump(op) || u->labels[INS_ARG(u->ins[i])] != at) continue;
        int jline = line_at(u, i);
        if (jline <= 0 || jline == line) continue;
        int label = new_label(c);
        if (c->failed) return;
        u->ins[i] = INS(op, label);
        place(c, label);
        u->loc = line_loc(jline);
        emit(c, INS_OP(u->ins[at]), INS_ARG(u->ins[at]));
        emit(c, OP_RETURN_VALUE, 0);
    }
}

/* Resolves labels, copies the tables into the code object and leaves the unit. */
static ObjCode *leave_unit(Compiler *c) {
    Unit *u = c->u;
    ObjCode *code = u->code;
    if (!c->failed) copy_exit_per_jump(c);
    c->u = u->parent;
    if (c->failed) { free_unit(u); return NULL; }
    for (int i = 0; i < u->nins; i++) {
        int op = INS_OP(u->ins[i]);
        if (op_is_jump(op)) u->ins[i] = INS(op, u->labels[INS_ARG(u->ins[i])]);
        else if (op_has_cache_word(op)) i++;    /* skip the cache word */
    }
    for (int i = 0; i < u->nexc; i++) u->exc[i].target = (uint32_t)u->labels[u->exc[i].target];
    Scope *s = u->scope;
    code->ins = u->ins; code->nins = u->nins; u->ins = NULL;
    code->consts = u->consts; code->nconsts = u->nconsts; u->consts = NULL;
    code->names = u->names; code->nnames = u->nnames; u->names = NULL;
    code->lines = position_table(u->lines, u->nlines);
    code->exc = u->exc; code->nexc = u->nexc; u->exc = NULL;
    code->nlocals = s->nlocals;
    code->ncells = s->ncells;
    code->nfrees = s->nfrees;
    code->varnames = malloc(sizeof(ObjStr *) * (size_t)(s->nlocals + 1));
    code->cellnames = malloc(sizeof(ObjStr *) * (size_t)(s->ncells + s->nfrees + 1));
    code->cell2arg = malloc(sizeof(int32_t) * (size_t)(s->ncells + 1));
    code->caches = calloc((size_t)u->ncaches + 1, sizeof(GlobalCache));
    code->attrcaches = calloc((size_t)u->nattrcaches + 1, sizeof(AttrCache));
    code->ncaches = u->ncaches;
    code->nattrcaches = u->nattrcaches;
    if (!code->varnames || !code->cellnames || !code->cell2arg || !code->caches || !code->attrcaches) {
        free_unit(u);
        nomem(c);
        return NULL;
    }
    if (s->nlocals) memcpy(code->varnames, s->locals, sizeof(ObjStr *) * (size_t)s->nlocals);
    if (s->ncells + s->nfrees) memcpy(code->cellnames, s->cells, sizeof(ObjStr *) * (size_t)(s->ncells + s->nfrees));
    for (int i = 0; i < s->ncells; i++) code->cell2arg[i] = s->cell2arg[i];
    for (int i = 0; i < u->ncaches; i++) code->caches[i].value = UNDEF;
    for (int i = 0; i < u->nattrcaches; i++) code->attrcaches[i].value = UNDEF;
    /* Handlers push one value over their recorded depth. */
    code->stacksize = u->maxdepth + 2;
    code->framesize = (int32_t)((sizeof(Frame) + sizeof(Value) - 1) / sizeof(Value)) + code->nlocals + code->ncells +
                      code->nfrees + code->stacksize;
    if (!(code->flags & (CODE_VARARGS | CODE_VARKW | CODE_GENERATOR | CODE_COROUTINE | CODE_ASYNC_GEN)) &&
        code->kwonlycount == 0 && code->ncells == 0 && code->nfrees == 0)
        code->flags |= CODE_SIMPLE;
    code->filename = intern(c, c->filename);
    free_unit(u);
    return c->failed ? NULL : code;
}

/* ---- expressions ------------------------------------------------------- */

/* The loop of `yield from`/`await` over the iterator on top of the stack:
 * SEND drives it, each thing it yields is yielded on (YIELD_DELEGATE), and
 * its result replaces it. */
static void emit_yield_from_loop(Compiler *c) {
    load_none(c);
    int loop = new_label(c), end = new_label(c);
    place(c, loop);
    emit_jump(c, OP_SEND, end);
    emit(c, OP_YIELD_VALUE, YIELD_DELEGATE);
    emit_jump(c, OP_JUMP_BACKWARD, loop);
    place(c, end);
    c->u->depth--;      /* SEND leaves only the result when done */
}

/* `await e` (GET_AWAITABLE's argument only shapes the error message). */
static void emit_await(Compiler *c, int which) {
    emit(c, OP_GET_AWAITABLE, which);
    emit_yield_from_loop(c);
}

static bool is_async_def(Scope *s) {
    return s->node && s->node->kind == S_DEF && s->node->u.def.is_async && !s->is_annotation;
}

static void compile_expr(Compiler *c, Node *n);
static void compile_stmt(Compiler *c, Node *n);
static void compile_stmts(Compiler *c, NodeList *l);
static void compile_store(Compiler *c, Node *t);

static void compile_exprs(Compiler *c, NodeList *l) {
    for (int i = 0; i < l->n; i++) compile_expr(c, l->items[i]);
}

static bool has_starred(NodeList *l) {
    for (int i = 0; i < l->n; i++) {
        if (l->items[i]->kind == E_STARRED) return true;
    }
    return false;
}

/* Builds a list from elements that may contain *starred items; in_call
 * makes the errors name the callable below the list. */
static void build_list_starred(Compiler *c, NodeList *elts) {
    emit(c, OP_BUILD_LIST, 0);
    for (int i = 0; i < elts->n; i++) {
        Node *e = elts->items[i];
        if (e->kind == E_STARRED) {
            compile_expr(c, e->u.starred.value);
            emit(c, OP_LIST_EXTEND, 1);
        } else {
            compile_expr(c, e);
            emit(c, OP_LIST_APPEND, 1);
        }
    }
}

/* A display of constants, no starred items among them (fold). */
static bool is_const_display(Compiler *c, Node *n) {
    for (int i = 0; i < n->u.seq.elts.n; i++)
        if (!is_constant(c, n->u.seq.elts.items[i])) return false;
    return true;
}

static bool is_const_set(Compiler *c, Node *n) { return n->kind == E_SET && is_const_display(c, n); }

static Value literal_value(Compiler *c, Node *e);

/* The tuple of a constant display's items. */
static Value const_items(Compiler *c, Node *n) {
    NodeList *elts = &n->u.seq.elts;
    ObjTuple *t = tuple_new(c->vm, elts->n);
    for (int i = 0; t && i < elts->n; i++) t->items[i] = NONE_VAL;
    for (int i = 0; t && i < elts->n; i++) {
        Value v = fold(c, elts->items[i]);
        if (v == UNDEF) v = ERR;    /* is_const_display said it folds: out of memory */
        if (v == ERR) { c->failed = true; return ERR; }
        t->items[i] = v;
    }
    if (!t) c->failed = true;
    return t ? obj_val(t) : ERR;
}

/* The frozenset constant CPython makes of a set display of constants. It
 * is hashed twice (the optimizer's frozenset, then the compiler's merged
 * constant, made in the first one's order); collisions make the final
 * order depend on that, so Asy does the same. (No GC runs while
 * compiling.) */
static Value const_frozenset(Compiler *c, Node *n) {
    Value items = const_items(c, n);
    ObjTuple *t = items == ERR ? NULL : AS(ObjTuple, items);
    ObjSet *f = NULL;
    for (int round = 0; t && round < 2; round++) {
        f = set_new(c->vm, c->vm->types[T_FROZENSET]);
        if (!f || set_update(c->vm, f, obj_val(t)) < 0) { f = NULL; break; }
        int64_t pos = 0, i = 0;
        Value k;
        while (round == 0 && set_next(f, &pos, &k)) t->items[i++] = k;
    }
    if (!f) c->failed = true;
    return f ? obj_val(f) : ERR;
}

/* An iterable of `for`, of a comprehension or the right of `in`: CPython
 * makes a set display of constants there a frozenset constant. */
static void compile_iterable(Compiler *c, Node *n) {
    Value f = n->kind == E_SET && n->u.seq.elts.n > 0 && is_const_set(c, n) ? const_frozenset(c, n) : UNDEF;
    if (f == ERR) return;
    if (f != UNDEF) load_const(c, f);
    else compile_expr(c, n);
}

static void compile_sequence(Compiler *c, Node *n) {
    NodeList *elts = &n->u.seq.elts;
    Opcode build = n->kind == E_TUPLE ? OP_BUILD_TUPLE : n->kind == E_LIST ? OP_BUILD_LIST : OP_BUILD_SET;
    Value t = n->kind == E_TUPLE ? fold(c, n) : UNDEF;
    if (t != UNDEF) {
        load_const(c, t);
        return;
    }
    if (elts->n >= 3 && n->kind != E_TUPLE && is_const_display(c, n)) {
        /* [1, 2, 3]: CPython's constant tuple extending a new list, and
         * {1, 2, 3}: its frozenset constant merged into a new set */
        Value items = n->kind == E_SET ? const_frozenset(c, n) : const_items(c, n);
        if (items == ERR) return;
        emit(c, build, 0);
        load_const(c, items);
        emit(c, n->kind == E_SET ? OP_SET_UPDATE : OP_LIST_EXTEND, 1);
        return;
    }
    if (!has_starred(elts)) {
        compile_exprs(c, elts);
        emit(c, build, elts->n);
        return;
    }
    if (n->kind == E_SET) {
        emit(c, OP_BUILD_SET, 0);
        for (int i = 0; i < elts->n; i++) {
            Node *e = elts->items[i];
            compile_expr(c, e->kind == E_STARRED ? e->u.starred.value : e);
            emit(c, e->kind == E_STARRED ? OP_SET_UPDATE : OP_SET_ADD, 1);
        }
        return;
    }
    build_list_starred(c, elts);
    if (n->kind == E_TUPLE) emit(c, OP_LIST_TO_TUPLE, 0);
}

static void compile_dict(Compiler *c, Node *n) {
    int nk = n->u.dict.keys.n;
    bool unpack = false;
    for (int i = 0; i < nk; i++) unpack |= n->u.dict.keys.items[i] == NULL;
    if (!unpack && nk < 0xFFFF) {
        for (int i = 0; i < nk; i++) {
            compile_expr(c, n->u.dict.keys.items[i]);
            compile_expr(c, n->u.dict.values.items[i]);
        }
        emit(c, OP_BUILD_MAP, nk);
        return;
    }
    emit(c, OP_BUILD_MAP, 0);
    for (int i = 0; i < nk; i++) {
        if (n->u.dict.keys.items[i]) {
            compile_expr(c, n->u.dict.keys.items[i]);
            compile_expr(c, n->u.dict.values.items[i]);
            emit(c, OP_MAP_ADD, 1);
        } else {
            compile_expr(c, n->u.dict.values.items[i]);
            emit(c, OP_DICT_UPDATE, 1);
        }
    }
}

static const Opcode cmp_ops[] = {
    [OP_EQ] = OP_COMPARE_EQ, [OP_NE] = OP_COMPARE_NE, [OP_LT] = OP_COMPARE_LT,
    [OP_LE] = OP_COMPARE_LE, [OP_GT] = OP_COMPARE_GT, [OP_GE] = OP_COMPARE_GE};

static void emit_compare(Compiler *c, AstOp op) {
    switch (op) {
    case OP_IS: emit(c, OP_IS_OP, 0); break;
    case OP_IS_NOT: emit(c, OP_IS_OP, 1); break;
    case OP_IN: emit(c, OP_CONTAINS_OP, 0); break;
    case OP_NOT_IN: emit(c, OP_CONTAINS_OP, 1); break;
    default: emit(c, cmp_ops[op], 0); break;
    }
}

static void compile_compare(Compiler *c, Node *n) {
    check_compare(c, n);
    int ncmp = n->u.compare.comparators.n;
    compile_expr(c, n->u.compare.left);
    if (ncmp == 1) {
        Node *right = n->u.compare.comparators.items[0];
        if (n->u.compare.ops[0] == OP_IN || n->u.compare.ops[0] == OP_NOT_IN) compile_iterable(c, right);
        else compile_expr(c, right);
        emit_compare(c, n->u.compare.ops[0]);
        return;
    }
    int cleanup = new_label(c), end = new_label(c);
    for (int i = 0; i < ncmp - 1; i++) {
        compile_expr(c, n->u.compare.comparators.items[i]);     /* [a, b] */
        emit(c, OP_SWAP, 2);                                    /* [b, a] */
        emit(c, OP_COPY, 2);                                    /* [b, a, b] */
        emit_compare(c, n->u.compare.ops[i]);                   /* [b, r] */
        emit_jump(c, OP_JUMP_IF_FALSE_OR_POP, cleanup);         /* [b] */
    }
    compile_expr(c, n->u.compare.comparators.items[ncmp - 1]);
    emit_compare(c, n->u.compare.ops[ncmp - 1]);
    emit_jump(c, OP_JUMP, end);
    c->u->depth++;          /* at cleanup: [b, r] */
    place(c, cleanup);
    emit(c, OP_SWAP, 2);
    emit(c, OP_POP_TOP, 0);
    place(c, end);
}

/* `not (a is b)` as `a is not b` (and `in` likewise), as CPython folds it.
 * False when n is no single identity or membership test. */
static bool compile_negated_test(Compiler *c, Node *n) {
    if (n->kind != E_COMPARE || n->u.compare.comparators.n != 1) return false;
    AstOp op = n->u.compare.ops[0];
    static const AstOp inverse[] = {[OP_IS] = OP_IS_NOT, [OP_IS_NOT] = OP_IS, [OP_IN] = OP_NOT_IN,
                                    [OP_NOT_IN] = OP_IN};
    if (op != OP_IS && op != OP_IS_NOT && op != OP_IN && op != OP_NOT_IN) return false;
    /* CPython folds before it checks, so its warning names the new test. */
    n->u.compare.ops[0] = inverse[op];
    check_compare(c, n);
    n->u.compare.ops[0] = op;
    compile_expr(c, n->u.compare.left);
    Node *right = n->u.compare.comparators.items[0];
    if (op == OP_IN || op == OP_NOT_IN) compile_iterable(c, right);
    else compile_expr(c, right);
    emit_compare(c, inverse[op]);
    return true;
}


/* Turns a single identity or membership test into its opposite (`is` to
 * `is not`, `in` to `not in`); false, changing nothing, for any other node.
 * Applying it twice restores the node. */
static bool invert_test(Node *n) {
    if (n->kind != E_COMPARE || n->u.compare.comparators.n != 1) return false;
    AstOp *op = &n->u.compare.ops[0];
    switch (*op) {
    case OP_IS: *op = OP_IS_NOT; return true;
    case OP_IS_NOT: *op = OP_IS; return true;
    case OP_IN: *op = OP_NOT_IN; return true;
    case OP_NOT_IN: *op = OP_IN; return true;
    default: return false;
    }
}

/* Jumps to `label` when the truth of n equals `cond`; pops n either way. */
static void compile_jump_if(Compiler *c, Node *n, bool cond, int label) {
    if (n->kind == E_UNARY && n->u.unary.op == OP_NOT) {
        Node *t = n->u.unary.operand;
        /* `not (a is b)` is `a is not b`, as CPython folds it (so its
         * SyntaxWarning names the folded test) */
        if (invert_test(t)) {
            compile_jump_if(c, t, cond, label);
            invert_test(t);
            return;
        }
        compile_jump_if(c, t, !cond, label);
        return;
    }
    if (n->kind == E_BOOLOP) {
        bool is_or = n->u.boolop.op == OP_OR;
        NodeList *v = &n->u.boolop.values;
        if (is_or == cond) {        /* any operand decides for the jump */
            for (int i = 0; i < v->n; i++) compile_jump_if(c, v->items[i], cond, label);
        } else {
            int skip = new_label(c);
            for (int i = 0; i < v->n - 1; i++) compile_jump_if(c, v->items[i], !cond, skip);
            compile_jump_if(c, v->items[v->n - 1], cond, label);
            place(c, skip);
        }
        return;
    }
    compile_expr(c, n);
    /* The truth test (a __bool__ or __len__ that raises) is at the test's
     * position, as in CPython, not the enclosing if/while/ifexp's. */
    Loc saved = c->u->loc;
    c->u->loc = node_loc(n);
    emit_jump(c, cond ? OP_POP_JUMP_IF_TRUE : OP_POP_JUMP_IF_FALSE, label);
    c->u->loc = saved;
}

static void compile_boolop(Compiler *c, Node *n) {
    int end = new_label(c);
    NodeList *v = &n->u.boolop.values;
    Opcode jump = n->u.boolop.op == OP_AND ? OP_JUMP_IF_FALSE_OR_POP : OP_JUMP_IF_TRUE_OR_POP;
    for (int i = 0; i < v->n - 1; i++) {
        compile_expr(c, v->items[i]);
        emit_jump(c, jump, end);
    }
    compile_expr(c, v->items[v->n - 1]);
    place(c, end);
}

static void compile_ifexp(Compiler *c, Node *n) {
    int orelse = new_label(c), end = new_label(c);
    compile_jump_if(c, n->u.ifexp.test, false, orelse);
    compile_expr(c, n->u.ifexp.body);
    emit_jump(c, OP_JUMP, end);
    c->u->depth--;
    place(c, orelse);
    compile_expr(c, n->u.ifexp.orelse);
    place(c, end);
}

static void compile_fstring(Compiler *c, Node *n) {
    NodeList *parts = &n->u.list;
    if (parts->n == 0) { load_str(c, ""); return; }
    for (int i = 0; i < parts->n; i++) {
        Node *p = parts->items[i];
        if (p->kind != E_FORMATTED) { compile_expr(c, p); continue; }
        compile_expr(c, p->u.formatted.value);
        int flags = p->u.formatted.conversion == 's' ? 1 : p->u.formatted.conversion == 'r' ? 2
                  : p->u.formatted.conversion == 'a' ? 3 : 0;
        if (p->u.formatted.spec) { compile_expr(c, p->u.formatted.spec); flags |= 4; }
        c->u->loc = node_loc(p);        /* the field `{x!r:>5}`: its carets */
        emit(c, OP_FORMAT_VALUE, flags);
    }
    if (parts->n > 1) emit(c, OP_BUILD_STRING, parts->n);
}

/* Keyword names of a call as a constant tuple. */
static void load_kwnames(Compiler *c, Keyword *kws, int n) {
    ObjTuple *t = tuple_new(c->vm, n);
    if (!t) { nomem(c); return; }
    for (int i = 0; i < n; i++) {
        ObjStr *s = intern(c, kws[i].name);
        if (!s) return;
        t->items[i] = obj_val(s);
    }
    emit(c, OP_LOAD_CONST, add_const(c, obj_val(t)));
}

/* Ends a CALL_EX: the keywords (name=value or **mapping) merged into one
 * dict, or none at all. */
static void emit_call_ex_kwargs(Compiler *c, Keyword *kws, int nkw, bool args_later) {
    if (nkw == 0) { emit(c, OP_CALL_EX, 0); return; }
    emit(c, OP_BUILD_MAP, 0);
    for (int i = 0; i < nkw; i++) {
        Keyword *k = &kws[i];
        if (k->name) {
            load_str(c, k->name);
            compile_expr(c, k->value);
            emit(c, OP_BUILD_MAP, 1);
        } else {
            compile_expr(c, k->value);
        }
        emit(c, OP_DICT_MERGE, 1);
    }
    if (args_later) {       /* [f, iterable, kwargs]: the iterable into a tuple in place */
        emit(c, OP_SWAP, 2);
        emit(c, OP_LIST_TO_TUPLE, 2);
        emit(c, OP_SWAP, 2);
    }
    emit(c, OP_CALL_EX, 1);
}

static void compile_call_ex(Compiler *c, Node *n) {
    NodeList *args = &n->u.call.args;
    int nkw = n->u.call.nkeywords;
    bool lone_star = args->n == 1 && args->items[0]->kind == E_STARRED;
    if (lone_star) {
        compile_expr(c, args->items[0]->u.starred.value);
        /* f(*it, k=v, **m): CPython reads `it` at the call, after the
         * keywords (whose errors come first); emit_call_ex_kwargs does it */
        if (nkw == 0) emit(c, OP_LIST_TO_TUPLE, 1);     /* accepts any iterable */
    } else {
        build_list_starred(c, args);
        emit(c, OP_LIST_TO_TUPLE, 0);
    }
    emit_call_ex_kwargs(c, n->u.call.keywords, nkw, lone_star);
}

/* Whether an argument of call n is a value made for it: a call's result or
 * a display, which the call's end drops (OP_CALL_TEMP). */
static bool is_temporary(Node *e) {
    switch (e->kind) {
    case E_CALL: case E_LIST: case E_TUPLE: case E_DICT: case E_SET:
    case E_LISTCOMP: case E_SETCOMP: case E_DICTCOMP: return true;
    default: return false;
    }
}

/* Whether e is a call's result or an attribute of one (make().a): the
 * object an attribute is read from then goes (OP_LOAD_ATTR_TMP). */
static bool made_by_call(Node *e) {
    while (e->kind == E_ATTR) e = e->u.attr.value;
    return e->kind == E_CALL;
}

static bool has_temporary_arg(Node *n) {
    for (int i = 0; i < n->u.call.args.n; i++)
        if (is_temporary(n->u.call.args.items[i])) return true;
    for (int i = 0; i < n->u.call.nkeywords; i++)
        if (is_temporary(n->u.call.keywords[i].value)) return true;
    return false;
}

static void compile_call(Compiler *c, Node *n) {
    check_caller(c, n->u.call.func);
    NodeList *args = &n->u.call.args;
    int nkw = n->u.call.nkeywords;
    bool ex = has_starred(args);
    for (int i = 0; i < nkw; i++) ex |= n->u.call.keywords[i].name == NULL;
    Node *f = n->u.call.func;
    bool method = !ex && f->kind == E_ATTR;
    if (method) {
        compile_expr(c, f->u.attr.value);
        c->u->loc = attr_loc(f, f);
        emit(c, OP_LOAD_METHOD, attr_index(c, f->u.attr.name));
    } else {
        compile_expr(c, f);
    }
    if (ex) { compile_call_ex(c, n); return; }
    compile_exprs(c, args);
    for (int i = 0; i < nkw; i++) compile_expr(c, n->u.call.keywords[i].value);
    c->u->loc = method ? attr_loc(f, n) : node_loc(n);
    if (nkw) load_kwnames(c, n->u.call.keywords, nkw);
    if (!method && has_temporary_arg(n)) emit(c, nkw ? OP_CALL_KW_TEMP : OP_CALL_TEMP, args->n + nkw);
    else if (nkw) emit(c, method ? OP_CALL_METHOD_KW : OP_CALL_KW, args->n + nkw);
    else emit(c, method ? OP_CALL_METHOD : OP_CALL, args->n);
}

static void compile_subscript_index(Compiler *c, Node *idx) {
    if (idx->kind == E_SLICE) {
        if (idx->u.slice.lower) compile_expr(c, idx->u.slice.lower); else load_none(c);
        if (idx->u.slice.upper) compile_expr(c, idx->u.slice.upper); else load_none(c);
        if (idx->u.slice.step) { compile_expr(c, idx->u.slice.step); emit(c, OP_BUILD_SLICE, 3); }
        else emit(c, OP_BUILD_SLICE, 2);
        return;
    }
    compile_expr(c, idx);
}

static void compile_function_body(Compiler *c, Node *n);
static void make_closure(Compiler *c, Scope *child, ObjCode *code, int flags);

static void compile_defaults(Compiler *c, ParamList *p, int *flags) {
    int ndef = 0;
    for (int i = 0; i < p->npos; i++) {
        if (p->params[i].default_) { compile_expr(c, p->params[i].default_); ndef++; }
    }
    if (ndef) { emit(c, OP_BUILD_TUPLE, ndef); *flags |= 1; }
    int nkw = 0;
    for (int i = p->npos; i < p->n; i++) {
        if (!p->params[i].default_) continue;
        load_mangled(c, p->params[i].name);
        compile_expr(c, p->params[i].default_);
        nkw++;
    }
    if (nkw) { emit(c, OP_BUILD_MAP, nkw); *flags |= 2; }
}

static void set_code_params(ObjCode *code, ParamList *p) {
    code->argcount = p->npos;
    code->posonlycount = p->nposonly;
    code->kwonlycount = p->n - p->npos;
    if (p->vararg) code->flags |= CODE_VARARGS;
    if (p->kwarg) code->flags |= CODE_VARKW;
}

static void compile_lambda(Compiler *c, Node *n) {
    int flags = 0;
    compile_defaults(c, &n->u.lambda.params, &flags);
    Scope *s = next_child(c);
    if (!s || !enter_unit(c, s, "<lambda>", n->line)) return;
    set_code_params(c->u->code, &n->u.lambda.params);
    if (s->is_generator) c->u->code->flags |= CODE_GENERATOR;
    compile_expr(c, n->u.lambda.body);
    emit(c, OP_RETURN_VALUE, 0);
    ObjCode *code = leave_unit(c);
    if (code) make_closure(c, s, code, flags);
}

/* A comprehension runs as a function of one argument, the first iterator. */
static void compile_comprehension_body(Compiler *c, Node *n, int gen, int depth_of_result) {
    Comprehension *g = &n->u.comp.generators[gen];
    int start = new_label(c), anchor = new_label(c);
    if (gen == 0) emit(c, OP_LOAD_FAST, 0);
    else { compile_iterable(c, g->iter); emit(c, g->is_async ? OP_GET_AITER : OP_GET_ITER, 0); }
    c->u->loop_depth++;
    int d = c->u->depth;
    place(c, start);
    if (g->is_async) {
        /* `async for`: await __anext__(); StopAsyncIteration ends it (at anchor). */
        push_handler(c, anchor, d);
        emit(c, OP_GET_ANEXT, 0);
        emit_yield_from_loop(c);
        pop_handler(c);
    } else {
        emit_jump(c, OP_FOR_ITER, anchor);
    }
    compile_store(c, g->target);
    for (int i = 0; i < g->ifs.n; i++) compile_jump_if(c, g->ifs.items[i], false, start);
    if (gen + 1 < n->u.comp.ngenerators) {
        compile_comprehension_body(c, n, gen + 1, depth_of_result + 1);
    } else {
        switch (n->kind) {
        /* The result sits under one iterator per `for` clause. */
        case E_LISTCOMP: compile_expr(c, n->u.comp.elt); emit(c, OP_LIST_APPEND, depth_of_result + 2); break;
        case E_SETCOMP: compile_expr(c, n->u.comp.elt); emit(c, OP_SET_ADD, depth_of_result + 2); break;
        case E_DICTCOMP:
            compile_expr(c, n->u.comp.elt);
            compile_expr(c, n->u.comp.value);
            emit(c, OP_MAP_ADD, depth_of_result + 2);
            break;
        default: {  /* generator expression: it yields at its element, as CPython's */
            compile_expr(c, n->u.comp.elt);
            Loc saved = c->u->loc;
            c->u->loc = node_loc(n->u.comp.elt);
            emit(c, OP_YIELD_VALUE, c->u->code->flags & CODE_ASYNC_GEN ? YIELD_ASYNC : YIELD_PLAIN);
            emit(c, OP_POP_TOP, 0);
            c->u->loc = saved;
            break;
        }
        }
    }
    emit_jump(c, OP_JUMP_BACKWARD, start);
    c->u->loop_depth--;
    if (g->is_async) {
        c->u->depth = d + 1;    /* [aiter, exc] */
        place(c, anchor);
        emit(c, OP_END_ASYNC_FOR, 0);
    } else {
        c->u->depth--;      /* FOR_ITER pops the iterator when it ends */
        place(c, anchor);
    }
}

/* A comprehension with `async for` or `await` in it is a coroutine (an
 * async generator for a generator expression), awaited where it is made. */
static void compile_comprehension(Compiler *c, Node *n) {
    compile_iterable(c, n->u.comp.generators[0].iter);
    emit(c, n->u.comp.generators[0].is_async ? OP_GET_AITER : OP_GET_ITER, 0);
    Scope *outer = c->u->scope;
    Scope *s = next_child(c);
    if (s && s->is_coroutine && n->kind != E_GENEXP && !is_async_def(outer) && !outer->is_comprehension) {
        error_at(c, n, "asynchronous comprehension outside of an asynchronous function");
        return;
    }
    const char *name = n->kind == E_LISTCOMP ? "<listcomp>" : n->kind == E_SETCOMP ? "<setcomp>"
                     : n->kind == E_DICTCOMP ? "<dictcomp>" : "<genexpr>";
    if (!s || !enter_unit(c, s, name, n->line)) return;
    c->u->loc = node_loc(n);        /* the loop's own instructions, as CPython's */
    ObjCode *code = c->u->code;
    code->argcount = 1;
    if (n->kind == E_GENEXP) code->flags |= s->is_coroutine ? CODE_ASYNC_GEN : CODE_GENERATOR;
    else code->flags |= CODE_INLINED_COMP | (s->is_coroutine ? CODE_COROUTINE : 0);
    if (!(code->flags & (CODE_GENERATOR | CODE_ASYNC_GEN | CODE_COROUTINE))) emit(c, OP_UNCOUNT_FRAME, 0);
    if (n->kind == E_LISTCOMP) emit(c, OP_BUILD_LIST, 0);
    else if (n->kind == E_SETCOMP) emit(c, OP_BUILD_SET, 0);
    else if (n->kind == E_DICTCOMP) emit(c, OP_BUILD_MAP, 0);
    compile_comprehension_body(c, n, 0, 0);
    if (n->kind == E_GENEXP) load_none(c);
    emit(c, OP_RETURN_VALUE, 0);
    code = leave_unit(c);
    if (!code) return;
    make_closure(c, s, code, 0);
    emit(c, OP_SWAP, 2);
    emit(c, OP_CALL, 1);
    if (code->flags & CODE_COROUTINE) emit_await(c, 0);
}

/* A decimal literal longer than sys.set_int_max_str_digits allows is a
 * SyntaxError of the parser in CPython, at the literal's line with no
 * columns (offset 0). */
static bool int_literal_too_long(Compiler *c, Node *n) {
    int64_t digits = const_int_digits_over(c->vm, n), limit = c->vm->int_max_str_digits;
    if (!digits) return false;
    ParseError e = {.kind = "SyntaxError", .origin = ORIGIN_PARSER, .line = n->line, .col = -1,
                    .end_line = n->end_line, .end_col = -1, .tok_line = n->line};
    snprintf(e.msg, sizeof e.msg,
             "Exceeds the limit (%lld digits) for integer string conversion: value has %lld digits; "
             "use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge "
             "integer literals to avoid decimal conversion limits.", (long long)limit, (long long)digits);
    c->failed = true;
    raise_error(c->vm, &e, c->filename, c->src, c->srclen);
    return true;
}

static Value int_literal(Compiler *c, Node *n) {
    if (int_literal_too_long(c, n)) return NONE_VAL;
    Value v = int_from_digits(c->vm, n->u.int_lit.digits, n->u.int_lit.base);
    if (v == ERR) c->failed = true;
    return v;
}

/* An imaginary literal: a complex constant with a real part of +0. */
static Value imag_const(Compiler *c, double im) {
    Value v = cpx_new(c->vm, 0.0, im);
    if (v == ERR) c->failed = true;
    return v;
}

/* An operator, sign or subscript over constants, as its value. */
static bool load_folded(Compiler *c, Node *n) {
    Value v = fold(c, n);
    if (v == UNDEF) return false;
    load_const(c, v);
    return true;
}

static void compile_expr(Compiler *c, Node *n) {
    if (c->failed) return;
    if (++c->nesting > COMPILE_MAX_NESTING) {
        if (!c->failed) {
            c->failed = true;
            exc_raise(c->vm, E_RecursionError, "maximum recursion depth exceeded during compilation");
        }
        return;
    }
    Loc saved_loc = c->u->loc;
    c->u->loc = node_loc(n);
    switch (n->kind) {
    case E_NAME:
        /* __debug__ is a constant, as CPython's AST optimizer makes it */
        if (!strcmp(n->u.name, "__debug__"))
            emit(c, OP_LOAD_CONST, add_const(c, c->vm->compile_optimize >= 1 ? FALSE_VAL : TRUE_VAL));
        else
            compile_name(c, n->u.name, NAME_LOAD);
        break;
    case E_INT: load_const(c, int_literal(c, n)); break;
    case E_FLOAT: emit(c, OP_LOAD_CONST, add_const(c, float_val(n->u.fval))); break;
    case E_IMAG: load_const(c, imag_const(c, n->u.fval)); break;
    case E_STR: {
        Value s = const_str(c->vm, n->u.str.s, n->u.str.len);
        if (s == ERR) { c->failed = true; break; }
        emit(c, OP_LOAD_CONST, add_const(c, s));
        break;
    }
    case E_BYTES: {
        Value b = bytes_new(c->vm, (const uint8_t *)n->u.str.s, n->u.str.len);
        if (b == ERR) { c->failed = true; break; }
        emit(c, OP_LOAD_CONST, add_const(c, b));
        break;
    }
    case E_FSTRING: compile_fstring(c, n); break;
    case E_NONE: load_none(c); break;
    case E_TRUE: emit(c, OP_LOAD_CONST, add_const(c, TRUE_VAL)); break;
    case E_FALSE: emit(c, OP_LOAD_CONST, add_const(c, FALSE_VAL)); break;
    case E_ELLIPSIS: emit(c, OP_LOAD_CONST, add_const(c, ELLIPSIS_VAL)); break;
    case E_BINOP: {
        if (load_folded(c, n)) break;
        compile_expr(c, n->u.binop.left);
        compile_expr(c, n->u.binop.right);
        c->u->loc = node_loc(n);
        AstOp op = n->u.binop.op;
        if (op == OP_ADD) emit(c, OP_BINARY_ADD, 0);
        else if (op == OP_SUB) emit(c, OP_BINARY_SUB, 0);
        else if (op == OP_MUL) emit(c, OP_BINARY_MUL, 0);
        else emit(c, OP_BINARY_OP, (int)op);
        break;
    }
    case E_UNARY:
        if (load_folded(c, n)) break;
        if (n->u.unary.op == OP_NOT && compile_negated_test(c, n->u.unary.operand)) break;
        compile_expr(c, n->u.unary.operand);
        emit(c, n->u.unary.op == OP_NOT ? OP_UNARY_NOT : n->u.unary.op == OP_NEG ? OP_UNARY_NEG
                : n->u.unary.op == OP_POS ? OP_UNARY_POS : OP_UNARY_INVERT, 0);
        break;
    case E_BOOLOP: compile_boolop(c, n); break;
    case E_COMPARE: compile_compare(c, n); break;
    case E_IFEXP: compile_ifexp(c, n); break;
    case E_LAMBDA: compile_lambda(c, n); break;
    case E_CALL: compile_call(c, n); break;
    case E_ATTR:
        compile_expr(c, n->u.attr.value);
        c->u->loc = attr_loc(n, n);
        emit(c, made_by_call(n->u.attr.value) ? OP_LOAD_ATTR_TMP : OP_LOAD_ATTR, attr_index(c, n->u.attr.name));
        break;
    case E_SUBSCRIPT:
        check_subscript(c, n);
        if (load_folded(c, n)) break;
        compile_expr(c, n->u.subscript.value);
        compile_subscript_index(c, n->u.subscript.index);
        c->u->loc = node_loc(n);
        emit(c, OP_BINARY_SUBSCR, 0);
        break;
    case E_SLICE:
        compile_subscript_index(c, n);
        break;
    case E_STARRED: error_at(c, n, "can't use starred expression here"); break;
    case E_TUPLE: case E_LIST: case E_SET: compile_sequence(c, n); break;
    case E_DICT: compile_dict(c, n); break;
    case E_LISTCOMP: case E_SETCOMP: case E_DICTCOMP: case E_GENEXP: compile_comprehension(c, n); break;
    case E_NAMEDEXPR:
        compile_expr(c, n->u.named.value);
        emit(c, OP_COPY, 1);
        compile_name(c, n->u.named.target->u.name, NAME_STORE);
        break;
    case E_AWAIT: {
        Scope *s = c->u->scope;
        if (s->kind != SCOPE_FUNCTION) {
            error_hint(c, n, "'await' outside function",
                       "hint: put the awaiting code in 'async def main()' and start it with asyncio.run(main())");
            break;
        }
        if (!s->is_comprehension && !is_async_def(s)) {
            error_hint(c, n, "'await' outside async function",
                       "hint: make this function 'async def' (and await it where it is called), "
                       "or run a coroutine from ordinary code with asyncio.run(coro)");
            break;
        }
        /* await e: the `yield from` loop over the awaitable. */
        compile_expr(c, n->u.value.value);
        c->u->loc = node_loc(n);
        emit_await(c, 0);
        break;
    }
    case E_YIELD: case E_YIELDFROM: {
        Scope *s = c->u->scope;
        if (s->kind != SCOPE_FUNCTION) { error_at(c, n, "'yield' outside function"); break; }
        if (n->kind == E_YIELD) {
            if (n->u.value.value) compile_expr(c, n->u.value.value);
            else load_none(c);
            c->u->loc = node_loc(n);    /* a frame paused here is at the yield */
            emit(c, OP_YIELD_VALUE, c->u->code->flags & CODE_ASYNC_GEN ? YIELD_ASYNC : YIELD_PLAIN);
        } else {
            if (s->is_coroutine) { error_at(c, n, "'yield from' inside async function"); break; }
            compile_expr(c, n->u.value.value);
            c->u->loc = node_loc(n);
            emit(c, OP_GET_YIELD_FROM_ITER, 0);
            emit_yield_from_loop(c);
        }
        break;
    }
    default:
        error_at(c, n, "invalid syntax");
        break;
    }
    c->u->loc = saved_loc;
    c->nesting--;
}

/* ---- assignment targets ------------------------------------------------ */

static void compile_unpack(Compiler *c, Node *t) {
    NodeList *elts = &t->u.seq.elts;
    int star = -1;
    for (int i = 0; i < elts->n; i++) {
        if (elts->items[i]->kind != E_STARRED) continue;
        if (star >= 0) { error_at(c, elts->items[i], "multiple starred expressions in assignment"); return; }
        star = i;
    }
    if (star < 0) emit(c, OP_UNPACK_SEQUENCE, elts->n);
    else {
        int after = elts->n - star - 1;
        if (star > 0xFFF || after > 0xFFF) { error_at(c, t, "too many expressions in star-unpacking assignment"); return; }
        emit(c, OP_UNPACK_EX, star | after << 12);
    }
    for (int i = 0; i < elts->n; i++) {
        Node *e = elts->items[i];
        compile_store(c, e->kind == E_STARRED ? e->u.starred.value : e);
    }
}

static void compile_store(Compiler *c, Node *t) {
    if (c->failed) return;
    Loc saved = c->u->loc;
    c->u->loc = node_loc(t);
    switch (t->kind) {
    case E_NAME: compile_name(c, t->u.name, NAME_STORE); break;
    case E_ATTR:
        compile_expr(c, t->u.attr.value);
        c->u->loc = attr_loc(t, t);
        emit(c, OP_STORE_ATTR, attr_index(c, t->u.attr.name));
        break;
    case E_SUBSCRIPT:
        compile_expr(c, t->u.subscript.value);
        compile_subscript_index(c, t->u.subscript.index);
        emit(c, OP_STORE_SUBSCR, 0);
        break;
    case E_TUPLE: case E_LIST: compile_unpack(c, t); break;
    case E_STARRED: error_at(c, t, "starred assignment target must be in a list or tuple"); break;
    default: error_at(c, t, "cannot assign to expression"); break;
    }
    c->u->loc = saved;
}

static void compile_delete(Compiler *c, Node *t) {
    Loc saved = c->u->loc;
    c->u->loc = node_loc(t);
    switch (t->kind) {
    case E_NAME: compile_name(c, t->u.name, NAME_DEL); break;
    case E_ATTR:
        compile_expr(c, t->u.attr.value);
        c->u->loc = attr_loc(t, t);
        emit(c, OP_DELETE_ATTR, attr_index(c, t->u.attr.name));
        break;
    case E_SUBSCRIPT:
        compile_expr(c, t->u.subscript.value);
        compile_subscript_index(c, t->u.subscript.index);
        emit(c, OP_DELETE_SUBSCR, 0);
        break;
    case E_TUPLE: case E_LIST:
        for (int i = 0; i < t->u.seq.elts.n; i++) compile_delete(c, t->u.seq.elts.items[i]);
        break;
    default: error_at(c, t, "cannot delete expression"); break;
    }
    c->u->loc = saved;
}

/* `s = s + t` with s a local variable of a function: as CPython, a string
 * that only s holds grows in place (LOAD_FAST_KEEP, ADD_STORE_FAST), so
 * building a string this way in a loop is not quadratic. False for any
 * other assignment. */
static bool compile_add_to_local(Compiler *c, Node *n) {
    Node *value = n->u.assign.value, *target = n->u.assign.targets.items[0];
    if (n->u.assign.targets.n != 1 || target->kind != E_NAME || value->kind != E_BINOP || value->u.binop.op != OP_ADD ||
        value->u.binop.left->kind != E_NAME || strcmp(value->u.binop.left->u.name, target->u.name) != 0 ||
        c->u->scope->kind != SCOPE_FUNCTION)
        return false;
    Symbol *sym = scope_lookup(c->u->scope, mangled(c, target->u.name));
    if (!sym || sym->kind != NAME_LOCAL) return false;
    c->u->loc = node_loc(value->u.binop.left);
    emit(c, OP_LOAD_FAST_KEEP, sym->index);
    compile_expr(c, value->u.binop.right);
    c->u->loc = node_loc(value);
    emit(c, OP_ADD_STORE_FAST, sym->index);
    return true;
}

/* A literal that evaluates without running any code: 1, -2.5, 's', None. */
static bool quiet_literal(Node *v) {
    if (v->kind == E_UNARY && (v->u.unary.op == OP_NEG || v->u.unary.op == OP_POS)) v = v->u.unary.operand;
    switch (v->kind) {
    case E_INT: case E_FLOAT: case E_IMAG: case E_STR: case E_BYTES: case E_NONE: case E_TRUE: case E_FALSE:
        return true;
    default:
        return false;
    }
}

/* After a statement of a function's own body: the names `x = ...` bound
 * (each is bound in every statement after it, at any depth). */
static void note_top_bound(Compiler *c, Node *n) {
    if (n->kind != S_ASSIGN) return;
    for (int i = 0; i < n->u.assign.targets.n; i++) {
        Node *t = n->u.assign.targets.items[i];
        Symbol *sym = t->kind == E_NAME ? scope_lookup(c->u->scope, mangled(c, t->u.name)) : NULL;
        if (sym && sym->kind == NAME_LOCAL && sym->index >= 0 && sym->index < 256)
            c->u->top_bound[sym->index >> 6] |= (uint64_t)1 << (sym->index & 63);
    }
}

/* Whether local sym is surely bound here, and nothing in the statement can
 * rebind it: a parameter or a name the body assigned before, never
 * deleted, never an except-as name or a `:=` target. */
static bool surely_bound(Compiler *c, const Symbol *sym) {
    if (sym->flags & (SYM_UNBINDS | SYM_WALRUS)) return false;
    if (sym->flags & SYM_PARAM) return true;
    return sym->index >= 0 && sym->index < 256 && (c->u->top_bound[sym->index >> 6] >> (sym->index & 63) & 1);
}

static void compile_augassign(Compiler *c, Node *n) {
    Node *t = n->u.augassign.target;
    int op = (int)n->u.augassign.op;
    switch (t->kind) {
    case E_NAME: {
        Symbol *sym = scope_lookup(c->u->scope, mangled(c, t->u.name));
        if (op == OP_ADD && sym && sym->kind == NAME_LOCAL && c->u->scope->kind == SCOPE_FUNCTION) {
            /* x is read before e runs: an unbound x must fail before e's
             * side effects, and `x += (x := 5)` adds to the old x. A
             * constant or a name cannot tell, nor can e when x is surely
             * bound, so they get the fused op. */
            Node *v = n->u.augassign.value;
            bool fused = v->kind == E_NAME || quiet_literal(v) || surely_bound(c, sym);
            if (!fused) {
                c->u->loc = node_loc(t);
                emit(c, OP_LOAD_FAST_KEEP, sym->index);
            }
            compile_expr(c, v);
            c->u->loc = node_loc(n);
            emit(c, fused ? OP_INPLACE_ADD_FAST : OP_INPLACE_ADD_STORE_FAST, sym->index);
            break;
        }
        c->u->loc = node_loc(t);        /* an unbound `x` shows x's caret */
        compile_name(c, t->u.name, NAME_LOAD);
        compile_expr(c, n->u.augassign.value);
        c->u->loc = node_loc(n);
        emit(c, OP_INPLACE_OP, op);
        compile_name(c, t->u.name, NAME_STORE);
        break;
    }
    case E_ATTR: {
        int name = attr_index(c, t->u.attr.name);
        compile_expr(c, t->u.attr.value);
        emit(c, OP_COPY, 1);
        c->u->loc = attr_loc(t, t);     /* a failing read shows `a.x`'s carets */
        emit(c, OP_LOAD_ATTR, name);
        compile_expr(c, n->u.augassign.value);
        c->u->loc = node_loc(n);
        emit(c, OP_INPLACE_OP, op);
        emit(c, OP_SWAP, 2);
        c->u->loc = attr_loc(t, t);
        emit(c, OP_STORE_ATTR, name);
        break;
    }
    case E_SUBSCRIPT:
        compile_expr(c, t->u.subscript.value);
        compile_subscript_index(c, t->u.subscript.index);
        emit(c, OP_COPY, 2);
        emit(c, OP_COPY, 2);
        c->u->loc = node_loc(t);        /* as CPython: `d[k]`'s span, carets */
        emit(c, OP_BINARY_SUBSCR, 0);
        compile_expr(c, n->u.augassign.value);
        c->u->loc = node_loc(n);
        emit(c, OP_INPLACE_OP, op);     /* [obj, key, r] */
        emit(c, OP_SWAP, 3);            /* [r, key, obj] */
        emit(c, OP_SWAP, 2);            /* [r, obj, key] */
        c->u->loc = node_loc(t);
        emit(c, OP_STORE_SUBSCR, 0);
        break;
    default:
        error_at(c, t, "illegal expression for augmented assignment");
        break;
    }
}

/* ---- leaving blocks: return, break, continue --------------------------- */

/* A finally body is compiled once per way out of its try, and every copy
 * opens the same child scopes: each starts at the first of them. A copy
 * made on an early exit, before the body's own turn, leaves the scope
 * where the try block had got to. */
static void compile_finalbody(Compiler *c, Node *try_) {
    Scope *s = c->u->scope;
    int resume = s->next_child;
    s->next_child = try_->u.try_.final_child;
    compile_stmts(c, &try_->u.try_.finalbody);
    if (resume < try_->u.try_.final_child) s->next_child = resume;
}

/* Emits what leaving fblock `b` needs. `value` says whether a return value
 * sits on top of the stack and must survive. */
static void unwind_fblock(Compiler *c, FBlock *b, bool value) {
    switch (b->kind) {
    case FB_WHILE: case FB_TRY_EXCEPT: case FB_EXCEPT_STAR:
        break;
    case FB_POP_VALUE:
        /* break/continue (or another return) in that finally body drops
         * the pending return value */
        if (value) emit(c, OP_SWAP, 2);
        emit(c, OP_POP_TOP, 0);
        break;
    case FB_FOR:
        if (value) emit(c, OP_SWAP, 2);
        emit(c, OP_POP_TOP, 0);
        break;
    case FB_WITH: case FB_ASYNC_WITH: {
        /* [exit, (value)] -> call exit(None, None, None) outside the with's
         * handler (and await its result for async with) */
        Unit *u = c->u;
        int saved_nh = u->nhandlers;
        Handler saved[64];
        memcpy(saved, u->handlers, sizeof saved);
        close_region(c);
        u->nhandlers = b->nhandlers;
        /* at the with statement, as CPython: an error __exit__ raises
         * shows the `with` line, not the return or break leaving it */
        Loc saved_loc = u->loc;
        u->loc = node_loc(b->node);
        if (value) emit(c, OP_SWAP, 2);
        load_none(c); load_none(c); load_none(c);
        emit(c, OP_CALL, 3);
        if (b->kind == FB_ASYNC_WITH) emit_await(c, 2);
        emit(c, OP_POP_TOP, 0);
        u->loc = saved_loc;
        close_region(c);
        u->nhandlers = saved_nh;
        memcpy(u->handlers, saved, sizeof saved);
        break;
    }
    case FB_HANDLER:
        /* [prev, (value)] */
        if (value) emit(c, OP_SWAP, 2);
        emit(c, OP_POP_EXCEPT, 0);
        if (b->name) {
            load_none(c);
            compile_name(c, b->name, NAME_STORE);
            compile_name(c, b->name, NAME_DEL);
        }
        break;
    case FB_FINALLY_END:
        /* [prev, exc, (value)] */
        if (value) { emit(c, OP_SWAP, 2); emit(c, OP_POP_TOP, 0); emit(c, OP_SWAP, 2); }
        else emit(c, OP_POP_TOP, 0);
        emit(c, OP_POP_EXCEPT, 0);
        break;
    case FB_FINALLY_TRY: {
        /* Run the finally body here, protected by the handlers around the try. */
        Unit *u = c->u;
        int saved_nh = u->nhandlers;
        Handler saved[64];
        memcpy(saved, u->handlers, sizeof saved);
        close_region(c);
        u->nhandlers = b->nhandlers;
        FBlock fb = *b;
        int idx = (int)(b - u->fblocks);
        /* While it runs, only the blocks outside this one are active. */
        FBlock saved_blocks[64];
        int saved_nfb = u->nfblocks;
        memcpy(saved_blocks, u->fblocks, sizeof saved_blocks);
        u->nfblocks = idx;
        if (!value || push_fblock(c, FB_POP_VALUE, -1, -1, fb.node))
            compile_finalbody(c, fb.node);
        u->nfblocks = saved_nfb;
        memcpy(u->fblocks, saved_blocks, sizeof saved_blocks);
        close_region(c);
        u->nhandlers = saved_nh;
        memcpy(u->handlers, saved, sizeof saved);
        break;
    }
    }
}

#define EXCEPT_STAR_JUMP "'break', 'continue' and 'return' cannot appear in an except* block"

/* Whether an except* body lies between the innermost block and fblock
 * `outer` (-1: the whole function). */
static bool in_except_star(Compiler *c, int outer) {
    for (int i = c->u->nfblocks - 1; i > outer; i--)
        if (c->u->fblocks[i].kind == FB_EXCEPT_STAR) return true;
    return false;
}

/* Where CPython reports an error found while unwinding for a return: at
 * a constant value on the return's line (it marks that for the line
 * number), else at the statement. */
static Node *return_error_node(Compiler *c, Node *n) {
    Node *v = n->u.value.value;
    return v && is_constant(c, v) && v->line == n->line ? v : n;
}

static void compile_return(Compiler *c, Node *n) {
    Unit *u = c->u;
    if (u->scope->kind != SCOPE_FUNCTION) { error_at(c, n, "'return' outside function"); return; }
    if (n->u.value.value && (u->code->flags & CODE_ASYNC_GEN)) {
        error_at(c, n, "'return' with value in async generator");
        return;
    }
    /* The code after the return is reached only by jumps, with the depth
     * the loops and handlers around it had before the unwinding below. */
    int depth = u->depth;
    if (n->u.value.value) compile_expr(c, n->u.value.value);
    else load_none(c);
    if (in_except_star(c, -1)) { error_at(c, return_error_node(c, n), EXCEPT_STAR_JUMP); return; }
    for (int i = u->nfblocks - 1; i >= 0 && !c->failed; i--) unwind_fblock(c, &u->fblocks[i], true);
    c->u->loc = node_loc(n);
    emit(c, OP_RETURN_VALUE, 0);
    u->depth = depth;
}

static void compile_break_continue(Compiler *c, Node *n, bool is_break) {
    Unit *u = c->u;
    int i = u->nfblocks - 1;
    while (i >= 0 && u->fblocks[i].kind != FB_WHILE && u->fblocks[i].kind != FB_FOR) i--;
    if (in_except_star(c, i)) { error_at(c, n, EXCEPT_STAR_JUMP); return; }
    if (i < 0) {
        error_at(c, n, is_break ? "'break' outside loop" : "'continue' not properly in loop");
        return;
    }
    int depth = u->depth;
    for (int j = u->nfblocks - 1; j > i && !c->failed; j--) unwind_fblock(c, &u->fblocks[j], false);
    FBlock *loop = &u->fblocks[i];
    if (is_break) {
        if (loop->kind == FB_FOR) emit(c, OP_POP_TOP, 0);
        emit_jump(c, OP_JUMP, loop->end);
    } else {
        emit_jump(c, OP_JUMP_BACKWARD, loop->start);
    }
    u->depth = depth;
}

/* ---- statements -------------------------------------------------------- */

static void compile_if(Compiler *c, Node *n) {
    int orelse = new_label(c), end = new_label(c);
    compile_jump_if(c, n->u.cond.test, false, orelse);
    compile_stmts(c, &n->u.cond.body);
    if (n->u.cond.orelse.n) {
        emit_jump(c, OP_JUMP, end);
        place(c, orelse);
        compile_stmts(c, &n->u.cond.orelse);
    } else {
        place(c, orelse);
    }
    place(c, end);
}

/* As CPython, the test is compiled twice: before the loop and again after
 * the body, whose jump back goes to the body itself only while the test
 * holds (so a one-line `while x: x -= 1` traces as CPython's does). The
 * test's child scopes (a lambda in it) are the same both times. */
static void compile_while(Compiler *c, Node *n) {
    int start = new_label(c), body = new_label(c), orelse = new_label(c), end = new_label(c);
    Scope *s = c->u->scope;
    int first_child = s->next_child;
    place(c, start);
    compile_jump_if(c, n->u.cond.test, false, orelse);
    int after_test = s->next_child, body_at = c->u->nins;
    place(c, body);
    if (!push_fblock(c, FB_WHILE, start, end, n)) return;
    compile_stmts(c, &n->u.cond.body);
    pop_fblock(c);
    int resume = s->next_child;
    s->next_child = first_child;
    compile_jump_if(c, n->u.cond.test, false, orelse);
    if (s->next_child == after_test) s->next_child = resume;
    /* the jump back has no line of its own (CPython's has none either) */
    c->u->loc = c->u->nins > body_at ? (Loc){0} : node_loc(n);
    emit_jump(c, OP_JUMP_BACKWARD, body);
    place(c, orelse);
    compile_stmts(c, &n->u.cond.orelse);
    place(c, end);
}

/* async for: each step awaits __anext__() under a handler that ends the
 * loop on StopAsyncIteration (END_ASYNC_FOR); the body is outside it. */
static void compile_async_for(Compiler *c, Node *n) {
    Unit *u = c->u;
    if (!is_async_def(u->scope)) { error_at(c, n, "'async for' outside async function"); return; }
    int start = new_label(c), except = new_label(c), end = new_label(c);
    compile_iterable(c, n->u.forloop.iter);
    u->loc = node_loc(n);
    emit(c, OP_GET_AITER, 0);
    int d = u->depth;       /* [aiter] */
    place(c, start);
    u->loc = node_loc(n);
    push_handler(c, except, d);
    emit(c, OP_GET_ANEXT, 0);
    emit_yield_from_loop(c);
    pop_handler(c);
    if (!push_fblock(c, FB_FOR, start, end, n)) return;
    compile_store(c, n->u.forloop.target);
    compile_stmts(c, &n->u.forloop.body);
    pop_fblock(c);
    u->loc = node_loc(n);
    emit_jump(c, OP_JUMP_BACKWARD, start);
    u->depth = d + 1;       /* [aiter, exc] */
    place(c, except);
    emit(c, OP_END_ASYNC_FOR, 0);
    compile_stmts(c, &n->u.forloop.orelse);
    place(c, end);
}

static void compile_for(Compiler *c, Node *n) {
    if (n->u.forloop.is_async) { compile_async_for(c, n); return; }
    int start = new_label(c), cleanup = new_label(c), end = new_label(c);
    compile_iterable(c, n->u.forloop.iter);
    emit(c, OP_GET_ITER, 0);
    place(c, start);
    c->u->loc = node_loc(n);
    emit_jump(c, OP_FOR_ITER, cleanup);
    if (!push_fblock(c, FB_FOR, start, end, n)) return;
    compile_store(c, n->u.forloop.target);
    compile_stmts(c, &n->u.forloop.body);
    pop_fblock(c);
    c->u->loc = node_loc(n);
    emit_jump(c, OP_JUMP_BACKWARD, start);
    c->u->depth--;          /* FOR_ITER popped the iterator */
    place(c, cleanup);
    compile_stmts(c, &n->u.forloop.orelse);
    place(c, end);
}

static void compile_raise(Compiler *c, Node *n) {
    int nargs = 0;
    if (n->u.raise.exc) {
        compile_expr(c, n->u.raise.exc);
        nargs = 1;
        if (n->u.raise.cause) { compile_expr(c, n->u.raise.cause); nargs = 2; }
    }
    c->u->loc = node_loc(n);
    emit(c, OP_RAISE_VARARGS, nargs);
}

static void compile_assert(Compiler *c, Node *n) {
    if (n->u.assert_.test->kind == E_TUPLE && n->u.assert_.test->u.seq.elts.n > 0)
        compile_warn(c, n, "assertion is always true, perhaps remove parentheses?");
    if (c->vm->compile_optimize >= 1)
        return;     /* -O: asserts are not compiled */
    int ok = new_label(c);
    compile_jump_if(c, n->u.assert_.test, true, ok);
    c->u->loc = node_loc(n);        /* 3.12's carets underline the statement (3.11's the test) */
    emit(c, OP_LOAD_ASSERTION_ERROR, 0);
    if (n->u.assert_.msg) {
        compile_expr(c, n->u.assert_.msg);
        emit(c, OP_CALL, 1);
    }
    emit(c, OP_RAISE_VARARGS, 1);
    place(c, ok);
}

/* try/except[/else] */
static void compile_try_except(Compiler *c, Node *n) {
    Unit *u = c->u;
    int d = u->depth;
    int handler = new_label(c), cleanup = new_label(c), orelse = new_label(c), end = new_label(c);
    push_handler(c, handler, d);
    if (!push_fblock(c, FB_TRY_EXCEPT, -1, -1, n)) return;
    compile_stmts(c, &n->u.try_.body);
    pop_fblock(c);
    pop_handler(c);
    emit_jump(c, OP_JUMP, orelse);

    u->depth = d + 1;       /* [exc] */
    place(c, handler);
    emit(c, OP_PUSH_EXC_INFO, 0);       /* [prev, exc] */
    push_handler(c, cleanup, d + 1);
    for (int i = 0; i < n->u.try_.nhandlers && !c->failed; i++) {
        ExceptHandler *h = &n->u.try_.handlers[i];
        u->loc = line_loc(h->line);
        int next = new_label(c);
        if (!h->type && i < n->u.try_.nhandlers - 1) {
            Node fake = {.line = h->line, .col = h->col, .end_line = h->line, .end_col = h->col + 6};
            error_at(c, &fake, "default 'except:' must be last");
            return;
        }
        if (h->type) {
            compile_expr(c, h->type);
            emit(c, OP_CHECK_EXC_MATCH, 0);
            emit_jump(c, OP_POP_JUMP_IF_FALSE, next);
        }
        if (h->name) {
            int named_cleanup = new_label(c);
            compile_name(c, h->name, NAME_STORE);       /* [prev] */
            push_handler(c, named_cleanup, d + 1);
            if (!push_fblock(c, FB_HANDLER, -1, -1, n)) return;
            u->fblocks[u->nfblocks - 1].name = h->name;
            compile_stmts(c, &h->body);
            pop_fblock(c);
            pop_handler(c);
            emit(c, OP_POP_EXCEPT, 0);
            load_none(c);
            compile_name(c, h->name, NAME_STORE);
            compile_name(c, h->name, NAME_DEL);
            emit_jump(c, OP_JUMP, end);
            u->depth = d + 2;   /* [prev, exc2] */
            place(c, named_cleanup);
            load_none(c);
            compile_name(c, h->name, NAME_STORE);
            compile_name(c, h->name, NAME_DEL);
            emit(c, OP_RERAISE, 1);     /* a cleanup: the frame stays where the handler raised */
        } else {
            emit(c, OP_POP_TOP, 0);     /* [prev] */
            if (!push_fblock(c, FB_HANDLER, -1, -1, n)) return;
            compile_stmts(c, &h->body);
            pop_fblock(c);
            emit(c, OP_POP_EXCEPT, 0);
            emit_jump(c, OP_JUMP, end);
        }
        u->depth = d + 2;       /* [prev, exc] */
        place(c, next);
    }
    /* nothing matched: the frame is left at the last except clause */
    if (n->u.try_.nhandlers > 0) u->loc = line_loc(n->u.try_.handlers[n->u.try_.nhandlers - 1].line);
    emit(c, OP_RERAISE, 0);
    pop_handler(c);
    u->depth = d + 2;
    place(c, cleanup);
    emit(c, OP_POP_EXCEPT_RERAISE, 0);
    u->depth = d;
    place(c, orelse);
    compile_stmts(c, &n->u.try_.orelse);
    place(c, end);
}

/* try/except*[/else], as CPython 3.11 compiles it: each clause splits
 * what is left of the exception (CHECK_EG_MATCH), the handler runs with the
 * matching part as the exception being handled, and what the handlers raise
 * (or re-raise) goes into a list with the unmatched rest, from which
 * PREP_RERAISE_STAR computes what to raise at the end. */
static void compile_try_star(Compiler *c, Node *n) {
    Unit *u = c->u;
    int d = u->depth;
    int handler = new_label(c), cleanup = new_label(c), orelse = new_label(c), end = new_label(c);
    int reraise = new_label(c);
    push_handler(c, handler, d);
    if (!push_fblock(c, FB_TRY_EXCEPT, -1, -1, n)) return;
    compile_stmts(c, &n->u.try_.body);
    pop_fblock(c);
    pop_handler(c);
    emit_jump(c, OP_JUMP, orelse);

    u->depth = d + 1;       /* [exc] */
    place(c, handler);
    emit(c, OP_PUSH_EXC_INFO, 0);       /* [prev, exc] */
    push_handler(c, cleanup, d + 1);
    emit(c, OP_COPY, 1);
    emit(c, OP_BUILD_LIST, 0);
    emit(c, OP_SWAP, 2);                /* [prev, orig, raised, exc] */
    for (int i = 0; i < n->u.try_.nhandlers && !c->failed; i++) {
        ExceptHandler *h = &n->u.try_.handlers[i];
        u->loc = line_loc(h->line);
        int no_match = new_label(c), next = new_label(c), raised = new_label(c);
        compile_expr(c, h->type);
        emit(c, OP_CHECK_EG_MATCH, 0);  /* [prev, orig, raised, rest, match] */
        emit(c, OP_COPY, 1);
        load_none(c);
        emit(c, OP_IS_OP, 0);
        emit_jump(c, OP_POP_JUMP_IF_TRUE, no_match);
        if (h->name) compile_name(c, h->name, NAME_STORE);
        else emit(c, OP_POP_TOP, 0);    /* [prev, orig, raised, rest] */
        push_handler(c, raised, d + 4);
        if (!push_fblock(c, FB_EXCEPT_STAR, -1, -1, n)) return;
        compile_stmts(c, &h->body);
        pop_fblock(c);
        pop_handler(c);
        if (h->name) {
            load_none(c);
            compile_name(c, h->name, NAME_STORE);
            compile_name(c, h->name, NAME_DEL);
        }
        emit_jump(c, OP_JUMP, next);
        u->depth = d + 5;               /* [prev, orig, raised, rest, exc2] */
        place(c, raised);
        if (h->name) {
            load_none(c);
            compile_name(c, h->name, NAME_STORE);
            compile_name(c, h->name, NAME_DEL);
        }
        emit(c, OP_LIST_APPEND, 2);
        emit_jump(c, OP_JUMP, next);
        u->depth = d + 5;               /* [prev, orig, raised, exc, None] */
        place(c, no_match);
        emit(c, OP_POP_TOP, 0);
        place(c, next);                 /* [prev, orig, raised, rest] */
    }
    emit(c, OP_LIST_APPEND, 1);         /* the rest (or None) joins the list */
    emit(c, OP_PREP_RERAISE_STAR, 0);   /* [prev, what to raise] */
    pop_handler(c);
    emit(c, OP_COPY, 1);
    load_none(c);
    emit(c, OP_IS_OP, 1);
    emit_jump(c, OP_POP_JUMP_IF_TRUE, reraise);
    emit(c, OP_POP_TOP, 0);
    emit(c, OP_POP_EXCEPT, 0);
    emit_jump(c, OP_JUMP, end);
    u->depth = d + 2;
    place(c, reraise);
    emit(c, OP_SWAP, 2);
    emit(c, OP_POP_EXCEPT, 0);
    emit(c, OP_RERAISE, 0);
    u->depth = d + 2;
    place(c, cleanup);
    emit(c, OP_POP_EXCEPT_RERAISE, 0);
    u->depth = d;
    place(c, orelse);
    compile_stmts(c, &n->u.try_.orelse);
    place(c, end);
}

static void compile_try(Compiler *c, Node *n) {
    if (n->u.try_.finalbody.n == 0) {
        if (n->u.try_.is_star) compile_try_star(c, n);
        else compile_try_except(c, n);
        return;
    }
    Unit *u = c->u;
    int d = u->depth;
    int handler = new_label(c), cleanup = new_label(c), end = new_label(c);
    /* The block first: a finally body run by return/break/continue is
     * under the handlers outside the try, not its own. */
    if (!push_fblock(c, FB_FINALLY_TRY, -1, -1, n)) return;
    push_handler(c, handler, d);
    if (n->u.try_.is_star) compile_try_star(c, n);
    else if (n->u.try_.nhandlers) compile_try_except(c, n);
    else compile_stmts(c, &n->u.try_.body);
    pop_fblock(c);
    pop_handler(c);
    compile_finalbody(c, n);
    emit_jump(c, OP_JUMP, end);

    u->depth = d + 1;       /* [exc] */
    place(c, handler);
    emit(c, OP_PUSH_EXC_INFO, 0);   /* [prev, exc] */
    push_handler(c, cleanup, d + 1);
    if (!push_fblock(c, FB_FINALLY_END, -1, -1, n)) return;
    compile_finalbody(c, n);
    pop_fblock(c);
    emit(c, OP_RERAISE, 0);
    pop_handler(c);
    u->depth = d + 2;
    place(c, cleanup);
    emit(c, OP_POP_EXCEPT_RERAISE, 0);
    u->depth = d;
    place(c, end);
}

/* with / async with (which awaits what __aenter__ and __aexit__ return). */
static void compile_with_items(Compiler *c, Node *n, int item) {
    Unit *u = c->u;
    if (item >= n->u.with.nitems) { compile_stmts(c, &n->u.with.body); return; }
    WithItem *w = &n->u.with.items[item];
    bool is_async = n->u.with.is_async;
    int d = u->depth;
    int handler = new_label(c), cleanup = new_label(c), suppress = new_label(c), end = new_label(c);
    compile_expr(c, w->context);
    u->loc = node_loc(n);
    if (is_async) {
        emit(c, OP_BEFORE_ASYNC_WITH, 0);
        emit_await(c, 1);
    } else {
        emit(c, OP_BEFORE_WITH, 0);     /* [exit, entered] */
    }
    /* The block first: leaving it by return/break/continue calls __exit__
     * under the handlers outside the with, not its own. */
    if (!push_fblock(c, is_async ? FB_ASYNC_WITH : FB_WITH, -1, -1, n)) return;
    push_handler(c, handler, d + 1);
    if (w->vars) compile_store(c, w->vars);
    else emit(c, OP_POP_TOP, 0);
    compile_with_items(c, n, item + 1);
    pop_fblock(c);
    pop_handler(c);
    u->loc = node_loc(n);
    load_none(c); load_none(c); load_none(c);
    emit(c, OP_CALL, 3);
    if (is_async) emit_await(c, 2);
    emit(c, OP_POP_TOP, 0);
    emit_jump(c, OP_JUMP, end);

    u->depth = d + 2;       /* [exit, exc] */
    place(c, handler);
    emit(c, OP_PUSH_EXC_INFO, 0);   /* [exit, prev, exc] */
    push_handler(c, cleanup, d + 2);
    emit(c, OP_WITH_EXCEPT_START, 0);
    if (is_async) emit_await(c, 2);
    emit_jump(c, OP_POP_JUMP_IF_TRUE, suppress);
    emit(c, OP_RERAISE, 1);     /* not suppressed: the frame stays where the block raised */
    pop_handler(c);
    u->depth = d + 3;
    place(c, suppress);
    emit(c, OP_POP_TOP, 0);
    emit(c, OP_POP_EXCEPT, 0);
    emit(c, OP_POP_TOP, 0);
    emit_jump(c, OP_JUMP, end);
    u->depth = d + 3;       /* [exit, prev, exc2] */
    place(c, cleanup);
    emit(c, OP_POP_EXCEPT_RERAISE, 0);
    u->depth = d;
    place(c, end);
}

static void compile_with(Compiler *c, Node *n) {
    if (n->u.with.is_async && !is_async_def(c->u->scope)) {
        error_at(c, n, "'async with' outside async function");
        return;
    }
    compile_with_items(c, n, 0);
}

/* ---- match ------------------------------------------------------------ */

/* Pattern matching compiles as in CPython 3.11 (compiler_pattern and
 * friends): a pattern consumes the subject on top of the stack. What it
 * captures stays on the stack, under the `on_top` values it still works on,
 * and is stored only once the whole pattern has matched, so a failed
 * pattern binds nothing. On failure it jumps to fail_pop[n], where n is the
 * number of values it left above the stack's base; the fail_pop labels pop
 * them one by one. */
typedef struct PatCtx {
    const char **stores;    /* captured names, in capture order (the first is on top) */
    int nstores, capstores;
    int *fail_pop;          /* labels: fail_pop[n] pops n values */
    int nfail_pop, capfail_pop;
    int on_top;             /* values above the captures that failure must pop */
    int base;               /* the stack depth once the subject is consumed */
    bool allow_irrefutable;
} PatCtx;

static void compile_pattern(Compiler *c, Node *p, PatCtx *pc);

static void pattern_error(Compiler *c, Node *p, const char *fmt, const char *arg) {
    char msg[256];
    snprintf(msg, sizeof msg, fmt, arg);
    error_at(c, p, msg);
}

static bool is_wildcard(Node *p) { return p->kind == P_AS && !p->u.as.name && !p->u.as.pattern; }
static bool is_star_wildcard(Node *p) { return p->kind == P_STAR && !p->u.name; }

static void ensure_fail_pop(Compiler *c, PatCtx *pc, int n) {
    while (pc->nfail_pop <= n && !c->failed) {
        if (!grow(c, (void **)&pc->fail_pop, &pc->capfail_pop, pc->nfail_pop, sizeof(int))) return;
        pc->fail_pop[pc->nfail_pop++] = new_label(c);
    }
}

/* Fails the pattern with `op` (a conditional jump or JUMP): pops what is on
 * top and what was going to be captured. */
static void jump_to_fail_pop(Compiler *c, PatCtx *pc, Opcode op) {
    int pops = pc->on_top + pc->nstores;
    ensure_fail_pop(c, pc, pops);
    if (!c->failed) emit_jump(c, op, pc->fail_pop[pops]);
}

static void emit_and_reset_fail_pop(Compiler *c, PatCtx *pc) {
    if (pc->nfail_pop == 0) return;
    c->u->depth = pc->base + pc->nfail_pop - 1;
    for (int n = pc->nfail_pop - 1; n > 0; n--) {
        place(c, pc->fail_pop[n]);
        emit(c, OP_POP_TOP, 0);
    }
    place(c, pc->fail_pop[0]);
    free(pc->fail_pop);
    pc->fail_pop = NULL;
    pc->nfail_pop = pc->capfail_pop = 0;
}

/* Moves the top of the stack `count` places down, keeping the order of what
 * it passes. */
static void pattern_rotate(Compiler *c, int count) {
    while (count > 1) emit(c, OP_SWAP, count--);
}

static bool has_store(PatCtx *pc, const char *name) {
    for (int i = 0; i < pc->nstores; i++)
        if (!strcmp(pc->stores[i], name)) return true;
    return false;
}

static void add_store(Compiler *c, PatCtx *pc, const char *name) {
    if (grow(c, (void **)&pc->stores, &pc->capstores, pc->nstores, sizeof(const char *)))
        pc->stores[pc->nstores++] = name;
}

/* Captures the top of the stack as `name` (NULL: `_`, which binds nothing). */
static void pattern_store_name(Compiler *c, Node *p, const char *name, PatCtx *pc) {
    if (!name) { emit(c, OP_POP_TOP, 0); return; }
    if (has_store(pc, name)) {
        pattern_error(c, p, "multiple assignments to name '%s' in pattern", name);
        return;
    }
    pattern_rotate(c, pc->on_top + pc->nstores + 1);
    add_store(c, pc, name);
}

/* A sub-pattern may be irrefutable whatever the case is. */
static void compile_subpattern(Compiler *c, Node *p, PatCtx *pc) {
    bool allow = pc->allow_irrefutable;
    pc->allow_irrefutable = true;
    compile_pattern(c, p, pc);
    pc->allow_irrefutable = allow;
}

/* CPython's MATCH_VALUE_EXPR after constant folding: a literal (maybe
 * negated), a complex literal such as `-1+2j` (the parser made sure of its
 * parts), or a dotted name. */
static bool is_literal(Node *e) {
    if (e->kind == E_BINOP) return true;
    if (e->kind == E_UNARY && e->u.unary.op == OP_NEG) e = e->u.unary.operand;
    switch (e->kind) {
    case E_INT: case E_FLOAT: case E_IMAG: case E_STR: case E_BYTES: case E_NONE: case E_TRUE: case E_FALSE:
        return true;
    default: return false;
    }
}

/* The value of a literal (folded, as CPython's AST optimizer does: -1 is a
 * constant); UNDEF for other expressions. */
static Value literal_value(Compiler *c, Node *e) {
    Value folded = fold(c, e);
    if (folded != UNDEF) return folded;
    /* what fails to fold raises again, now as the compile's error */
    if (e->kind == E_BINOP) {
        Value l = literal_value(c, e->u.binop.left), r = literal_value(c, e->u.binop.right);
        if (l == ERR || r == ERR) return ERR;
        Value v = op_binary(c->vm, e->u.binop.op == OP_ADD ? BIN_ADD : BIN_SUB, l, r);
        if (v == ERR) c->failed = true;
        return v;
    }
    bool neg = e->kind == E_UNARY && e->u.unary.op == OP_NEG;
    if (neg) e = e->u.unary.operand;
    Value v;
    switch (e->kind) {
    case E_INT: v = int_literal(c, e); break;
    case E_FLOAT: v = float_val(e->u.fval); break;
    case E_IMAG: v = imag_const(c, e->u.fval); break;
    case E_STR: v = const_str(c->vm, e->u.str.s, e->u.str.len); break;
    case E_BYTES: v = bytes_new(c->vm, (const uint8_t *)e->u.str.s, e->u.str.len); break;
    case E_NONE: return NONE_VAL;
    case E_TRUE: return TRUE_VAL;
    case E_FALSE: return FALSE_VAL;
    default: return UNDEF;
    }
    if (v != ERR && neg) v = op_neg(c->vm, v);
    if (v == ERR) c->failed = true;
    return v;
}

/* A value pattern's or a mapping key's expression. */
static void compile_value(Compiler *c, Node *e) {
    if (is_literal(e)) load_const(c, literal_value(c, e));
    else compile_expr(c, e);
}

static void compile_pattern_value(Compiler *c, Node *p, PatCtx *pc) {
    Node *v = p->u.value.value;
    if (!is_literal(v) && v->kind != E_ATTR) {
        error_at(c, v, "patterns may only match literals and attribute lookups");
        return;
    }
    compile_value(c, v);
    emit(c, OP_COMPARE_EQ, 0);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
}

static void compile_pattern_singleton(Compiler *c, Node *p, PatCtx *pc) {
    compile_expr(c, p->u.value.value);
    emit(c, OP_IS_OP, 0);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
}

/* [first, *_, last]: indexes the subject instead of unpacking it. */
static void sequence_subscr(Compiler *c, NodeList *pats, int star, PatCtx *pc) {
    int size = pats->n;
    pc->on_top++;
    for (int i = 0; i < size && !c->failed; i++) {
        Node *p = pats->items[i];
        if (is_wildcard(p) || i == star) continue;
        emit(c, OP_COPY, 1);
        if (i < star) {
            load_const(c, int_val(i));
        } else {
            /* The subject may not support negative indexes. */
            emit(c, OP_GET_LEN, 0);
            load_const(c, int_val(size - i));
            emit(c, OP_BINARY_SUB, 0);
        }
        emit(c, OP_BINARY_SUBSCR, 0);
        compile_subpattern(c, p, pc);
    }
    pc->on_top--;
    emit(c, OP_POP_TOP, 0);
}

static void sequence_unpack(Compiler *c, Node *p, NodeList *pats, int star, PatCtx *pc) {
    int size = pats->n;
    if (star < 0) {
        emit(c, OP_UNPACK_SEQUENCE, size);
    } else {
        int after = size - star - 1;
        if (star > 0xFFF || after > 0xFFF) {
            error_at(c, p, "too many expressions in star-unpacking sequence pattern");
            return;
        }
        emit(c, OP_UNPACK_EX, star | after << 12);
    }
    pc->on_top += size;
    for (int i = 0; i < size && !c->failed; i++) {
        pc->on_top--;
        compile_subpattern(c, pats->items[i], pc);
    }
}

static void compile_pattern_sequence(Compiler *c, Node *p, PatCtx *pc) {
    NodeList *pats = &p->u.seq.elts;
    int size = pats->n, star = -1;
    bool only_wildcard = true, star_wildcard = false;
    for (int i = 0; i < size; i++) {
        Node *q = pats->items[i];
        if (q->kind == P_STAR) {
            if (star >= 0) {
                error_at(c, p, "multiple starred names in sequence pattern");
                return;
            }
            star_wildcard = is_star_wildcard(q);
            only_wildcard &= star_wildcard;
            star = i;
            continue;
        }
        only_wildcard &= is_wildcard(q);
    }
    /* The subject stays on top during the type and length checks. */
    pc->on_top++;
    emit(c, OP_MATCH_SEQUENCE, 0);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
    if (star < 0 || size > 1) {
        emit(c, OP_GET_LEN, 0);
        load_const(c, int_val(star < 0 ? size : size - 1));
        emit(c, star < 0 ? OP_COMPARE_EQ : OP_COMPARE_GE, 0);
        jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
    }
    pc->on_top--;
    if (only_wildcard) emit(c, OP_POP_TOP, 0);
    else if (star_wildcard) sequence_subscr(c, pats, star, pc);
    else sequence_unpack(c, p, pats, star, pc);
}

/* Literal keys must differ (1 and True are the same key). */
static void check_mapping_keys(Compiler *c, Node *p) {
    NodeList *keys = &p->u.mapping.keys;
    Value seen[keys->n > 0 ? keys->n : 1];
    for (int i = 0; i < keys->n && !c->failed; i++) {
        Node *k = keys->items[i];
        if (!is_literal(k)) {
            seen[i] = UNDEF;
            if (k->kind != E_ATTR) error_at(c, p, "mapping pattern keys may only match literals and attribute lookups");
            continue;
        }
        seen[i] = literal_value(c, k);
        for (int j = 0; j < i && !c->failed; j++) {
            int eq = seen[j] == UNDEF ? 0 : op_eq(c->vm, seen[j], seen[i]);
            if (eq < 0) { c->failed = true; return; }
            if (!eq) continue;
            Value r = op_repr(c->vm, seen[i]);
            if (r == ERR) { c->failed = true; return; }
            pattern_error(c, p, "mapping pattern checks duplicate key (%s)", AS(ObjStr, r)->data);
        }
    }
}

static void compile_pattern_mapping(Compiler *c, Node *p, PatCtx *pc) {
    NodeList *keys = &p->u.mapping.keys, *pats = &p->u.mapping.patterns;
    const char *rest = p->u.mapping.rest;
    int size = keys->n;
    pc->on_top++;
    emit(c, OP_MATCH_MAPPING, 0);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
    if (!size && !rest) {
        /* `{}` matches any mapping. */
        pc->on_top--;
        emit(c, OP_POP_TOP, 0);
        return;
    }
    if (size) {
        emit(c, OP_GET_LEN, 0);
        load_const(c, int_val(size));
        emit(c, OP_COMPARE_GE, 0);
        jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
    }
    check_mapping_keys(c, p);
    for (int i = 0; i < size; i++) compile_value(c, keys->items[i]);
    c->u->loc = node_loc(p);
    emit(c, OP_BUILD_TUPLE, size);
    emit(c, OP_MATCH_KEYS, 0);          /* [subject, keys, values or None] */
    pc->on_top += 2;
    emit(c, OP_COPY, 1);
    load_none(c);
    emit(c, OP_IS_OP, 1);
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
    emit(c, OP_UNPACK_SEQUENCE, size);
    pc->on_top += size - 1;
    for (int i = 0; i < size && !c->failed; i++) {
        pc->on_top--;
        compile_subpattern(c, pats->items[i], pc);
    }
    /* A match: what follows consumes the keys and the subject. */
    pc->on_top -= 2;
    if (!rest) {
        emit(c, OP_POP_TOP, 0);
        emit(c, OP_POP_TOP, 0);
        return;
    }
    /* rest = dict(subject), then del rest[key] for each key. */
    emit(c, OP_BUILD_MAP, 0);           /* [subject, keys, {}] */
    emit(c, OP_SWAP, 3);                /* [{}, keys, subject] */
    emit(c, OP_DICT_UPDATE, 2);         /* [rest, keys] */
    emit(c, OP_UNPACK_SEQUENCE, size);  /* [rest, keys...] */
    for (int n = size; n > 0; n--) {
        emit(c, OP_COPY, 1 + n);        /* [rest, keys..., rest] */
        emit(c, OP_SWAP, 2);            /* [rest, keys..., rest, key] */
        emit(c, OP_DELETE_SUBSCR, 0);
    }
    pattern_store_name(c, p, rest, pc);
}

static void compile_pattern_class(Compiler *c, Node *p, PatCtx *pc) {
    NodeList *pats = &p->u.pclass.patterns, *kpats = &p->u.pclass.kwd_patterns;
    const char **attrs = p->u.pclass.kwd_attrs;
    int nargs = pats->n, nattrs = kpats->n;
    for (int i = 0; i < nattrs; i++) {
        for (int j = i + 1; j < nattrs; j++) {
            if (strcmp(attrs[i], attrs[j])) continue;
            pattern_error(c, kpats->items[j], "attribute name repeated in class pattern: %s", attrs[i]);
            return;
        }
    }
    compile_expr(c, p->u.pclass.cls);
    ObjTuple *names = tuple_new(c->vm, nattrs);
    if (!names) { nomem(c); return; }
    for (int i = 0; i < nattrs; i++) {
        ObjStr *s = intern(c, attrs[i]);
        if (!s) return;
        names->items[i] = obj_val(s);
    }
    c->u->loc = node_loc(p);
    emit(c, OP_LOAD_CONST, add_const(c, obj_val(names)));
    emit(c, OP_MATCH_CLASS, nargs);     /* [attributes or None] */
    emit(c, OP_COPY, 1);
    load_none(c);
    emit(c, OP_IS_OP, 1);
    pc->on_top++;
    jump_to_fail_pop(c, pc, OP_POP_JUMP_IF_FALSE);
    emit(c, OP_UNPACK_SEQUENCE, nargs + nattrs);
    pc->on_top += nargs + nattrs - 1;
    for (int i = 0; i < nargs + nattrs && !c->failed; i++) {
        pc->on_top--;
        Node *q = i < nargs ? pats->items[i] : kpats->items[i - nargs];
        if (is_wildcard(q)) emit(c, OP_POP_TOP, 0);
        else compile_subpattern(c, q, pc);
    }
}

static void compile_pattern_as(Compiler *c, Node *p, PatCtx *pc) {
    if (!p->u.as.pattern) {
        if (!pc->allow_irrefutable) {
            if (p->u.as.name) pattern_error(c, p, "name capture '%s' makes remaining patterns unreachable", p->u.as.name);
            else error_at(c, p, "wildcard makes remaining patterns unreachable");
            return;
        }
        pattern_store_name(c, p, p->u.as.name, pc);
        return;
    }
    /* A copy to store once the pattern has matched. */
    pc->on_top++;
    emit(c, OP_COPY, 1);
    compile_pattern(c, p->u.as.pattern, pc);
    pc->on_top--;
    pattern_store_name(c, p, p->u.as.name, pc);
}

/* Makes the alternative's captures (stores) follow the first alternative's
 * order (control), on the stack as in the list. */
static bool reorder_stores(Compiler *c, PatCtx *alt, const char **control) {
    int nstores = alt->nstores;
    for (int icontrol = nstores - 1; icontrol >= 0; icontrol--) {
        int istores = -1;
        for (int k = 0; k < nstores; k++)
            if (!strcmp(alt->stores[k], control[icontrol])) { istores = k; break; }
        if (istores < 0) return false;
        if (istores == icontrol) continue;
        /* stores[:rotations] moves to just before stores[icontrol] */
        int rotations = istores + 1;
        const char *moved[rotations];
        memcpy(moved, alt->stores, sizeof moved);
        memmove(alt->stores, alt->stores + rotations, sizeof(const char *) * (size_t)(icontrol - istores));
        memcpy(alt->stores + icontrol - istores, moved, sizeof moved);
        while (rotations--) pattern_rotate(c, icontrol + 1);
    }
    return true;
}

static void compile_pattern_or(Compiler *c, Node *p, PatCtx *pc) {
    NodeList *alts = &p->u.seq.elts;
    int end = new_label(c);
    int entry = c->u->depth;        /* the subject on top */
    const char **control = NULL;
    int ncontrol = 0;
    PatCtx alt = {0};
    for (int i = 0; i < alts->n && !c->failed; i++) {
        Node *q = alts->items[i];
        alt.nstores = 0;
        alt.on_top = 0;
        alt.base = entry;
        /* An irrefutable alternative must be the last, if allowed at all. */
        alt.allow_irrefutable = i == alts->n - 1 && pc->allow_irrefutable;
        c->u->loc = node_loc(q);
        emit(c, OP_COPY, 1);
        compile_pattern(c, q, &alt);
        if (c->failed) break;
        if (i == 0) {
            ncontrol = alt.nstores;
            control = malloc(sizeof(const char *) * (size_t)(ncontrol + 1));
            if (!control) { nomem(c); break; }
            if (ncontrol) memcpy(control, alt.stores, sizeof(const char *) * (size_t)ncontrol);
        } else if (alt.nstores != ncontrol || !reorder_stores(c, &alt, control)) {
            error_at(c, p, "alternative patterns bind different names");
            break;
        }
        emit_jump(c, OP_JUMP, end);
        emit_and_reset_fail_pop(c, &alt);
        c->u->depth = entry;
    }
    free(alt.stores);
    free(alt.fail_pop);
    if (c->failed) { free(control); return; }
    /* No alternative matched: pop the subject and fail. */
    c->u->loc = node_loc(p);
    emit(c, OP_POP_TOP, 0);
    jump_to_fail_pop(c, pc, OP_JUMP);
    c->u->depth = entry + ncontrol;
    place(c, end);
    /* Under the new captures: the subject, what is on top and the earlier
     * captures. Each capture goes below them all. */
    int nrots = ncontrol + 1 + pc->on_top + pc->nstores;
    for (int i = 0; i < ncontrol && !c->failed; i++) {
        pattern_rotate(c, nrots);
        if (has_store(pc, control[i])) pattern_error(c, p, "multiple assignments to name '%s' in pattern", control[i]);
        else add_store(c, pc, control[i]);
    }
    free(control);
    emit(c, OP_POP_TOP, 0);
}

static void compile_pattern(Compiler *c, Node *p, PatCtx *pc) {
    if (c->failed) return;
    if (++c->nesting > COMPILE_MAX_NESTING) {
        c->failed = true;
        exc_raise(c->vm, E_RecursionError, "maximum recursion depth exceeded during compilation");
        return;
    }
    Loc saved_loc = c->u->loc;
    c->u->loc = node_loc(p);
    switch (p->kind) {
    case P_VALUE: compile_pattern_value(c, p, pc); break;
    case P_SINGLETON: compile_pattern_singleton(c, p, pc); break;
    case P_SEQUENCE: compile_pattern_sequence(c, p, pc); break;
    case P_MAPPING: compile_pattern_mapping(c, p, pc); break;
    case P_CLASS: compile_pattern_class(c, p, pc); break;
    case P_STAR: pattern_store_name(c, p, p->u.name, pc); break;
    case P_AS: compile_pattern_as(c, p, pc); break;
    case P_OR: compile_pattern_or(c, p, pc); break;
    default: error_at(c, p, "invalid syntax"); break;
    }
    c->u->loc = saved_loc;
    c->nesting--;
}

/* A trailing `case _:` needs no copy of the subject. */
static void compile_match(Compiler *c, Node *n) {
    Unit *u = c->u;
    int ncases = n->u.match.ncases;
    int end = new_label(c);
    compile_expr(c, n->u.match.subject);
    int d = u->depth - 1;       /* without the subject */
    bool has_default = ncases > 1 && is_wildcard(n->u.match.cases[ncases - 1].pattern);
    PatCtx pc = {0};
    for (int i = 0; i < ncases - has_default && !c->failed; i++) {
        MatchCase *m = &n->u.match.cases[i];
        bool last = i == ncases - has_default - 1;
        u->loc = node_loc(m->pattern);
        if (!last) emit(c, OP_COPY, 1);
        pc.nstores = 0;
        pc.on_top = 0;
        pc.base = u->depth - 1;
        /* Irrefutable cases must be guarded, last, or both. */
        pc.allow_irrefutable = m->guard != NULL || i == ncases - 1;
        compile_pattern(c, m->pattern, &pc);
        /* A match: store the captures, which are on the stack. */
        for (int k = 0; k < pc.nstores; k++) compile_name(c, pc.stores[k], NAME_STORE);
        if (m->guard) {
            ensure_fail_pop(c, &pc, 0);
            if (!c->failed) compile_jump_if(c, m->guard, false, pc.fail_pop[0]);
        }
        if (!last) emit(c, OP_POP_TOP, 0);
        compile_stmts(c, &m->body);
        emit_jump(c, OP_JUMP, end);
        u->loc = node_loc(m->pattern);
        emit_and_reset_fail_pop(c, &pc);
        u->depth = last ? d : d + 1;
    }
    free(pc.stores);
    free(pc.fail_pop);
    if (has_default && !c->failed) {
        MatchCase *m = &n->u.match.cases[ncases - 1];
        u->loc = node_loc(m->pattern);
        emit(c, OP_NOP, 0);
        if (m->guard) compile_jump_if(c, m->guard, false, end);
        compile_stmts(c, &m->body);
    }
    u->depth = d;
    place(c, end);
}

/* Pushes the closure (if any) and makes the function. */
static void make_closure(Compiler *c, Scope *child, ObjCode *code, int flags) {
    if (child->nfrees) {
        Scope *s = c->u->scope;
        for (int i = 0; i < child->nfrees; i++) {
            ObjStr *name = child->cells[child->ncells + i];
            Symbol *sym = scope_lookup(s, name);
            if (sym && (sym->flags & SYM_FREE_CLASS)) {
                emit(c, OP_LOAD_CLOSURE, sym->free_index);
                continue;
            }
            if (!sym || (sym->kind != NAME_CELL && sym->kind != NAME_FREE)) {
                error_at(c, child->node, "internal error: no cell for a free variable");
                return;
            }
            emit(c, OP_LOAD_CLOSURE, sym->index);
        }
        emit(c, OP_BUILD_TUPLE, child->nfrees);
        flags |= 8;
    }
    emit(c, OP_LOAD_CONST, add_const(c, obj_val(code)));
    emit(c, OP_MAKE_FUNCTION, flags);
}

static bool is_docstring(NodeList *body) {
    return body->n && body->items[0]->kind == S_EXPR && body->items[0]->u.value.value->kind == E_STR;
}

/* -OO drops docstrings: the statement goes, and __doc__ stays None. */
static bool keeps_docstrings(Compiler *c) { return c->vm->compile_optimize < 2; }

static void compile_function_body(Compiler *c, Node *n) {
    NodeList *body = &n->u.def.body;
    int start = 0;
    if (is_docstring(body) && !keeps_docstrings(c)) {
        start = 1;
    } else if (is_docstring(body)) {
        Node *d = body->items[0]->u.value.value;
        Value doc = str_new(c->vm, d->u.str.s, d->u.str.len);
        if (doc == ERR) { c->failed = true; return; }
        add_const(c, doc);
        c->u->code->flags |= CODE_HAS_DOC;
        start = 1;
    }
    int body_at = c->u->nins;
    for (int i = start; i < body->n && !c->failed; i++) {
        compile_stmt(c, body->items[i]);
        note_top_bound(c, body->items[i]);
    }
    /* the line of what comes before it (see copy_exit_per_jump); the def's
     * in a body of nothing but a docstring */
    c->u->loc = c->u->nins > body_at ? (Loc){0} : line_loc(n->line);
    c->u->implicit_ret = c->u->nins + 1;
    load_none(c);
    emit(c, OP_RETURN_VALUE, 0);
}

static void compile_def_annotations(Compiler *c, Node *n);

/* Calls the decorators, on the stack below the function or class, the
 * last first; each call is at its decorator's line and span, as in
 * CPython, so an error raised by one shows `@decorator` in tracebacks. */
static void apply_decorators(Compiler *c, NodeList *decorators) {
    for (int i = decorators->n - 1; i >= 0; i--) {
        c->u->loc = node_loc(decorators->items[i]);
        emit(c, OP_CALL, 1);
    }
}

/* Makes the function of a def, whose defaults (flags) are on the stack,
 * and sets its annotations. */
static void compile_def_function(Compiler *c, Node *n, int flags) {
    Scope *s = next_child(c);
    int firstline = n->u.def.decorators.n ? n->u.def.decorators.items[0]->line : n->line;
    if (!s || !enter_unit(c, s, n->u.def.name, firstline)) return;
    ObjCode *code = c->u->code;
    set_code_params(code, &n->u.def.params);
    if (n->u.def.is_async) code->flags |= s->is_generator ? CODE_ASYNC_GEN : CODE_COROUTINE;
    else if (s->is_generator) code->flags |= CODE_GENERATOR;
    c->u->loc = node_loc(n);
    compile_function_body(c, n);
    code = leave_unit(c);
    if (!code) return;
    make_closure(c, s, code, flags);
    compile_def_annotations(c, n);
}

static void compile_generic_def(Compiler *c, Node *n);

static void compile_def(Compiler *c, Node *n) {
    compile_exprs(c, &n->u.def.decorators);
    if (n->u.def.type_params.n) {
        compile_generic_def(c, n);
    } else {
        int flags = 0;
        compile_defaults(c, &n->u.def.params, &flags);
        compile_def_function(c, n, flags);
    }
    apply_decorators(c, &n->u.def.decorators);
    c->u->loc = node_loc(n);
    compile_name(c, n->u.def.name, NAME_STORE);
}

/* ---- PEP 695: type parameters ------------------------------------------ */

/* Pushes typing's helper `name` (stdlib/typing.asy), importing typing. */
static void load_typing_helper(Compiler *c, const char *name) {
    emit(c, OP_LOAD_SMALL_INT, 0);
    load_none(c);
    emit(c, OP_IMPORT_NAME, name_index(c, "typing"));
    emit(c, OP_LOAD_ATTR, name_index(c, name));
}

/* A lazily evaluated expression (a bound, a type alias's value): a function
 * of no arguments over the next child scope, named `name`. */
static void compile_lazy(Compiler *c, Node *e, const char *name) {
    Scope *s = next_child(c);
    if (!s || !enter_unit(c, s, name, e->line)) return;
    compile_expr(c, e);
    emit(c, OP_RETURN_VALUE, 0);
    ObjCode *code = leave_unit(c);
    if (code) make_closure(c, s, code, 0);
}

/* In an annotation scope: makes each type parameter (typing._type_param),
 * binds it, and binds their tuple to `.type_params`. */
static void compile_type_params(Compiler *c, NodeList *tps) {
    for (int i = 0; i < tps->n && !c->failed; i++) {
        Node *tp = tps->items[i];
        Node *bound = tp->u.typeparam.bound;
        c->u->loc = node_loc(tp);
        load_typing_helper(c, "_type_param");
        int kind = tp->kind == T_TYPEVARTUPLE ? 1 : tp->kind == T_PARAMSPEC ? 2 : bound && bound->kind == E_TUPLE ? 3 : 0;
        emit(c, OP_LOAD_SMALL_INT, kind);
        load_str(c, tp->u.typeparam.name);
        if (bound) compile_lazy(c, bound, tp->u.typeparam.name);
        else load_none(c);
        emit(c, OP_CALL, 3);
        emit(c, OP_COPY, 1);
        compile_name(c, tp->u.typeparam.name, NAME_STORE);
    }
    /* (from the stack: a load by name would look in the class first) */
    emit(c, OP_BUILD_TUPLE, tps->n);
    compile_name(c, ".type_params", NAME_STORE);
}

/* Enters the annotation scope of a generic def, class or type alias. */
static bool enter_generic_unit(Compiler *c, const char *name, int line) {
    Scope *s = next_child(c);
    char buf[300];
    snprintf(buf, sizeof buf, "<generic parameters of %s>", name);
    return s && enter_unit(c, s, buf, line);
}

/* Leaves an annotation scope whose result is on its stack and calls it with
 * the nargs values the caller pushes after it (push_args). */
static void call_generic_unit(Compiler *c, int nargs, ParamList *defaults) {
    emit(c, OP_RETURN_VALUE, 0);
    Scope *s = c->u->scope;
    ObjCode *code = leave_unit(c);
    if (!code) return;
    make_closure(c, s, code, 0);
    int flags = 0;
    if (defaults) compile_defaults(c, defaults, &flags);
    emit(c, OP_CALL, nargs);
}

/* `def f[T](...)`: the annotation scope gets the defaults, evaluated
 * outside, as its arguments `.defaults` and `.kwdefaults`. */
static void compile_generic_def(Compiler *c, Node *n) {
    ParamList *p = &n->u.def.params;
    if (!enter_generic_unit(c, n->u.def.name, n->line)) return;
    int flags = 0, nargs = 0;
    Symbol *d = scope_lookup(c->u->scope, intern(c, ".defaults"));
    Symbol *kd = scope_lookup(c->u->scope, intern(c, ".kwdefaults"));
    c->u->code->argcount = (d != NULL) + (kd != NULL);
    compile_type_params(c, &n->u.def.type_params);
    if (d) { compile_name(c, ".defaults", NAME_LOAD); flags |= 1; nargs++; }
    if (kd) { compile_name(c, ".kwdefaults", NAME_LOAD); flags |= 2; nargs++; }
    compile_def_function(c, n, flags);
    emit(c, OP_COPY, 1);
    compile_name(c, ".type_params", NAME_LOAD);
    emit(c, OP_SWAP, 2);
    emit(c, OP_STORE_ATTR, name_index(c, "__type_params__"));
    call_generic_unit(c, nargs, p);
}

/* `type X[T] = value`: typing._type_alias(name, type_params, value_fn). */
static void compile_type_alias(Compiler *c, Node *n) {
    const char *name = n->u.typealias.name;
    bool generic = n->u.typealias.type_params.n > 0;
    if (generic) {
        if (!enter_generic_unit(c, name, n->line)) return;
        compile_type_params(c, &n->u.typealias.type_params);
    }
    c->u->loc = node_loc(n);
    load_typing_helper(c, "_type_alias");
    load_str(c, name);
    if (generic) compile_name(c, ".type_params", NAME_LOAD);
    else emit(c, OP_BUILD_TUPLE, 0);
    compile_lazy(c, n->u.typealias.value, name);
    compile_name(c, "__name__", NAME_LOAD);
    emit(c, OP_CALL, 4);
    if (generic) call_generic_unit(c, 0, NULL);
    c->u->loc = node_loc(n);
    compile_name(c, name, NAME_STORE);
}

/* ---- annotations -------------------------------------------------------- */

/* An annotation's value: the expression, or its source text under
 * `from __future__ import annotations` (the text of its first line). */
static void compile_annotation(Compiler *c, Node *a) {
    if (!c->future_annotations) {
        compile_expr(c, a);
        return;
    }
    const char *text = "";
    size_t len = 0;
    bool newline;
    line_of(c->src, c->srclen, a->line, &text, &len, &newline);
    size_t from = (size_t)a->col, to = a->end_line == a->line ? (size_t)a->end_col : len;
    if (from > len) from = len;
    if (to > len || to < from) to = from;
    /* CPython keeps the text of the expression re-made from the tree, where
     * a string literal is in single quotes: "Node" reads 'Node'. */
    StrBuf b = SB_INIT;
    for (size_t i = from; i < to; i++) {
        const char *q = text[i] == '"' ? memchr(text + i + 1, '"', to - i - 1) : NULL;
        if (q && !memchr(text + i + 1, '\'', (size_t)(q - text - i - 1)) && !memchr(text + i + 1, '\\', (size_t)(q - text - i - 1))) {
            sb_addc(&b, '\'');
            sb_add(&b, text + i + 1, (size_t)(q - text - i - 1));
            sb_addc(&b, '\'');
            i = (size_t)(q - text);
        } else {
            sb_addc(&b, text[i]);
        }
    }
    Value s = b.oom ? ERR : str_new(c->vm, b.data ? b.data : "", b.len);
    sb_free(&b);
    if (s == ERR) { nomem(c); return; }
    load_const(c, s);
}

/* With the new function on the stack: its __annotations__, in CPython's
 * order (positional-or-keyword parameters, then positional-only ones,
 * *args, keyword-only, **kwargs, return). */
static void compile_def_annotations(Compiler *c, Node *n) {
    ParamList *p = &n->u.def.params;
    Param *order[p->n + 2];
    int k = 0, count = 0;
    for (int i = p->nposonly; i < p->npos; i++) order[k++] = &p->params[i];
    for (int i = 0; i < p->nposonly; i++) order[k++] = &p->params[i];
    if (p->vararg) order[k++] = p->vararg;
    for (int i = p->npos; i < p->n; i++) order[k++] = &p->params[i];
    if (p->kwarg) order[k++] = p->kwarg;
    for (int i = 0; i < k; i++) count += order[i]->annotation != NULL;
    if (!count && !n->u.def.returns) return;
    emit(c, OP_COPY, 1);
    for (int i = 0; i < k; i++) {
        if (!order[i]->annotation) continue;
        load_mangled(c, order[i]->name);
        Node *a = order[i]->annotation;
        if (order[i] == p->vararg && a->kind == E_STARRED && !c->future_annotations) {
            /* `*args: *Ts` (PEP 646): the one item that unpacking Ts gives */
            compile_expr(c, a->u.starred.value);
            emit(c, OP_UNPACK_SEQUENCE, 1);
        } else {
            compile_annotation(c, a);
        }
    }
    if (n->u.def.returns) {
        load_str(c, "return");
        compile_annotation(c, n->u.def.returns);
        count++;
    }
    emit(c, OP_BUILD_MAP, count);
    emit(c, OP_SWAP, 2);
    emit(c, OP_STORE_ATTR, name_index(c, "__annotations__"));
}

/* Whether a module or class body annotates a plain name (in any block but
 * nested functions and classes): it then gets an __annotations__ dict. */
static bool has_annotations(NodeList *body) {
    for (int i = 0; i < body->n; i++) {
        Node *s = body->items[i];
        switch (s->kind) {
        case S_ANNASSIGN:
            if (s->u.annassign.simple) return true;
            break;
        case S_IF: case S_WHILE:
            if (has_annotations(&s->u.cond.body) || has_annotations(&s->u.cond.orelse)) return true;
            break;
        case S_FOR:
            if (has_annotations(&s->u.forloop.body) || has_annotations(&s->u.forloop.orelse)) return true;
            break;
        case S_WITH:
            if (has_annotations(&s->u.with.body)) return true;
            break;
        case S_TRY:
            if (has_annotations(&s->u.try_.body) || has_annotations(&s->u.try_.orelse) ||
                has_annotations(&s->u.try_.finalbody))
                return true;
            for (int h = 0; h < s->u.try_.nhandlers; h++)
                if (has_annotations(&s->u.try_.handlers[h].body)) return true;
            break;
        case S_MATCH:
            for (int m = 0; m < s->u.match.ncases; m++)
                if (has_annotations(&s->u.match.cases[m].body)) return true;
            break;
        default:
            break;
        }
    }
    return false;
}

static void setup_annotations(Compiler *c, NodeList *body) {
    if (has_annotations(body)) emit(c, OP_SETUP_ANNOTATIONS, 0);
}

/* `target: annotation [= value]`: the assignment, then (in a module or
 * class body) the annotation of a plain name in __annotations__, as its
 * source text under `from __future__ import annotations`. */
static void compile_annassign(Compiler *c, Node *n) {
    if (n->u.annassign.value) {
        compile_expr(c, n->u.annassign.value);
        compile_store(c, n->u.annassign.target);
    }
    if (c->u->scope->kind == SCOPE_FUNCTION) return;
    Node *a = n->u.annassign.annotation;
    if (c->future_annotations && !n->u.annassign.simple) return;
    compile_annotation(c, a);
    if (!n->u.annassign.simple) {
        emit(c, OP_POP_TOP, 0);
        return;
    }
    compile_name(c, "__annotations__", NAME_LOAD);
    load_mangled(c, n->u.annassign.target->u.name);
    emit(c, OP_STORE_SUBSCR, 0);
}

/* The features the module's first statements import from __future__
 * that change how code compiles (annotations, barry_as_FLUFL), as CO_ bits. */
static int32_t future_features(NodeList *body) {
    int32_t f = 0;
    for (int i = 0; i < body->n; i++) {
        Node *s = body->items[i];
        if (i == 0 && is_docstring(body)) continue;
        if (s->kind != S_IMPORTFROM || !s->u.import.module || strcmp(s->u.import.module, "__future__") != 0) break;
        for (int k = 0; k < s->u.import.nnames; k++) {
            if (!strcmp(s->u.import.names[k].name, "annotations")) f |= CO_FUTURE_ANNOTATIONS;
            if (!strcmp(s->u.import.names[k].name, "barry_as_FLUFL")) f |= CO_FUTURE_BARRY_AS_BDFL;
        }
    }
    return f;
}

static void compile_class_call(Compiler *c, Node *n, bool generic);

static void compile_class(Compiler *c, Node *n) {
    compile_exprs(c, &n->u.cls.decorators);
    if (n->u.cls.type_params.n) {
        if (!enter_generic_unit(c, n->u.cls.name, n->line)) return;
        compile_type_params(c, &n->u.cls.type_params);
        compile_class_call(c, n, true);
        call_generic_unit(c, 0, NULL);
    } else {
        compile_class_call(c, n, false);
    }
    apply_decorators(c, &n->u.cls.decorators);
    c->u->loc = node_loc(n);
    compile_name(c, n->u.cls.name, NAME_STORE);
}

static void load_generic_base(Compiler *c) {
    load_typing_helper(c, "_generic_base");
    compile_name(c, ".type_params", NAME_LOAD);
    emit(c, OP_CALL, 1);
}

/* `class C(*bases, **kw)`: the body and name already pushed go first in the
 * argument list, then the bases as in a call with *args. */
static void compile_class_call_ex(Compiler *c, Node *n, bool generic) {
    emit(c, OP_BUILD_LIST, 2);
    NodeList *bases = &n->u.cls.bases;
    for (int i = 0; i < bases->n; i++) {
        Node *e = bases->items[i];
        if (e->kind == E_STARRED) {
            compile_expr(c, e->u.starred.value);
            emit(c, OP_LIST_EXTEND, 1);
        } else {
            compile_expr(c, e);
            emit(c, OP_LIST_APPEND, 1);
        }
    }
    if (generic) {
        load_generic_base(c);
        emit(c, OP_LIST_APPEND, 1);
    }
    emit(c, OP_LIST_TO_TUPLE, 0);
    c->u->loc = node_loc(n);
    emit_call_ex_kwargs(c, n->u.cls.keywords, n->u.cls.nkeywords, false);
}

/* Builds the class: __build_class__(body, name, *bases, **keywords), and
 * for a generic one typing.Generic[*type_params] as a last base. */
static void compile_class_call(Compiler *c, Node *n, bool generic) {
    emit(c, OP_LOAD_BUILD_CLASS, 0);
    Scope *s = next_child(c);
    if (!s || !enter_unit(c, s, n->u.cls.name, n->line)) return;
    c->u->code->flags |= CODE_CLASSBODY;
    compile_name(c, "__name__", NAME_LOAD);
    emit(c, OP_STORE_NAME, name_index(c, "__module__"));
    emit(c, OP_LOAD_CONST, add_const(c, obj_val(c->u->qualname)));
    emit(c, OP_STORE_NAME, name_index(c, "__qualname__"));
    if (s->needs_classdict) {
        Symbol *sym = scope_lookup(s, intern(c, "__classdict__"));
        emit(c, OP_LOAD_LOCALS, 0);
        emit(c, OP_STORE_DEREF, sym ? sym->index : 0);
    }
    if (generic) {
        compile_name(c, ".type_params", NAME_LOAD);
        emit(c, OP_STORE_NAME, name_index(c, "__type_params__"));
    }
    NodeList *body = &n->u.cls.body;
    setup_annotations(c, body);
    int start = 0;
    if (is_docstring(body)) {
        if (keeps_docstrings(c)) {
            compile_expr(c, body->items[0]->u.value.value);
            emit(c, OP_STORE_NAME, name_index(c, "__doc__"));
        }
        start = 1;
    }
    for (int i = start; i < body->n && !c->failed; i++) compile_stmt(c, body->items[i]);
    if (s->needs_class_cell) {
        Symbol *sym = scope_lookup(s, intern(c, "__class__"));
        emit(c, OP_LOAD_CLOSURE, sym ? sym->index : 0);
        emit(c, OP_STORE_NAME, name_index(c, "__classcell__"));
    }
    if (s->needs_classdict) {
        /* type.__new__ points it at the new class's dict (class_finish) */
        Symbol *sym = scope_lookup(s, intern(c, "__classdict__"));
        emit(c, OP_LOAD_CLOSURE, sym ? sym->index : 0);
        emit(c, OP_STORE_NAME, name_index(c, "__classdictcell__"));
    }
    if (s->needs_class_cell) {
        /* the body returns the cell, for __build_class__ to check that
         * type.__new__ filled it with the class (CPython's too) */
        Symbol *sym = scope_lookup(s, intern(c, "__class__"));
        emit(c, OP_LOAD_CLOSURE, sym ? sym->index : 0);
    } else {
        load_none(c);
    }
    emit(c, OP_RETURN_VALUE, 0);
    ObjCode *code = leave_unit(c);
    if (!code) return;
    make_closure(c, s, code, 0);
    load_str(c, n->u.cls.name);
    int nkw = n->u.cls.nkeywords;
    bool ex = has_starred(&n->u.cls.bases);
    for (int i = 0; i < nkw; i++) ex |= n->u.cls.keywords[i].name == NULL;
    if (ex) { compile_class_call_ex(c, n, generic); return; }
    compile_exprs(c, &n->u.cls.bases);
    int nbases = n->u.cls.bases.n;
    if (generic) {
        load_generic_base(c);
        nbases++;
    }
    for (int i = 0; i < nkw; i++) compile_expr(c, n->u.cls.keywords[i].value);
    c->u->loc = node_loc(n);
    if (nkw) {
        load_kwnames(c, n->u.cls.keywords, nkw);
        emit(c, OP_CALL_KW, 2 + nbases + nkw);
    } else {
        emit(c, OP_CALL, 2 + nbases);
    }
}

static void compile_import(Compiler *c, Node *n) {
    for (int i = 0; i < n->u.import.nnames; i++) {
        Alias *a = &n->u.import.names[i];
        emit(c, OP_LOAD_SMALL_INT, 0);
        load_none(c);
        emit(c, OP_IMPORT_NAME, name_index(c, a->name));
        if (a->asname) {
            /* `import a.b as c` binds the submodule: walk the attributes. */
            const char *dot = strchr(a->name, '.');
            while (dot) {
                const char *next = strchr(dot + 1, '.');
                char part[256];
                size_t len = next ? (size_t)(next - dot - 1) : strlen(dot + 1);
                if (len >= sizeof part) len = sizeof part - 1;
                memcpy(part, dot + 1, len);
                part[len] = 0;
                emit(c, OP_IMPORT_FROM, name_index(c, part));
                emit(c, OP_SWAP, 2);
                emit(c, OP_POP_TOP, 0);
                dot = next;
            }
            compile_name(c, a->asname, NAME_STORE);
        } else {
            char first[256];
            size_t len = strcspn(a->name, ".");
            if (len >= sizeof first) len = sizeof first - 1;
            memcpy(first, a->name, len);
            first[len] = 0;
            compile_name(c, first, NAME_STORE);
        }
    }
}

static void compile_import_from(Compiler *c, Node *n) {
    emit(c, OP_LOAD_SMALL_INT, n->u.import.level);
    int nn = n->u.import.nnames;
    ObjTuple *names = tuple_new(c->vm, nn);
    if (!names) { nomem(c); return; }
    for (int i = 0; i < nn; i++) {
        ObjStr *s = intern(c, n->u.import.names[i].name);
        if (!s) return;
        names->items[i] = obj_val(s);
    }
    emit(c, OP_LOAD_CONST, add_const(c, obj_val(names)));
    emit(c, OP_IMPORT_NAME, name_index(c, n->u.import.module ? n->u.import.module : ""));
    if (nn == 1 && !strcmp(n->u.import.names[0].name, "*")) {
        emit(c, OP_IMPORT_STAR, 0);
        return;
    }
    for (int i = 0; i < nn; i++) {
        Alias *a = &n->u.import.names[i];
        emit(c, OP_IMPORT_FROM, name_index(c, a->name));
        compile_name(c, a->asname ? a->asname : a->name, NAME_STORE);
    }
    emit(c, OP_POP_TOP, 0);
}

static void compile_stmt(Compiler *c, Node *n) {
    if (c->failed) return;
    Unit *u = c->u;
    u->loc = node_loc(n);
    switch (n->kind) {
    case S_EXPR:
        compile_expr(c, n->u.value.value);
        u->loc = node_loc(n);
        emit(c, u->interactive && u->scope->kind == SCOPE_MODULE ? OP_PRINT_EXPR : OP_POP_TOP, 0);
        break;
    case S_ASSIGN: {
        if (compile_add_to_local(c, n)) break;
        compile_expr(c, n->u.assign.value);
        int nt = n->u.assign.targets.n;
        for (int i = 0; i < nt; i++) {
            if (i < nt - 1) emit(c, OP_COPY, 1);
            compile_store(c, n->u.assign.targets.items[i]);
        }
        break;
    }
    case S_AUGASSIGN: compile_augassign(c, n); break;
    case S_ANNASSIGN: compile_annassign(c, n); break;
    case S_IF: compile_if(c, n); break;
    case S_WHILE: compile_while(c, n); break;
    case S_FOR: compile_for(c, n); break;
    case S_BREAK: compile_break_continue(c, n, true); break;
    case S_CONTINUE: compile_break_continue(c, n, false); break;
    /* `pass` and `try:` lines have an instruction, as in CPython, so that
     * sys.settrace reports them */
    case S_PASS: emit(c, OP_NOP, 0); break;
    case S_RETURN: compile_return(c, n); break;
    case S_DEF: compile_def(c, n); break;
    case S_CLASS: compile_class(c, n); break;
    case S_TYPEALIAS: compile_type_alias(c, n); break;
    case S_GLOBAL: case S_NONLOCAL: break;
    case S_DEL:
        for (int i = 0; i < n->u.seq.elts.n; i++) compile_delete(c, n->u.seq.elts.items[i]);
        break;
    case S_ASSERT: compile_assert(c, n); break;
    case S_RAISE: compile_raise(c, n); break;
    case S_TRY: emit(c, OP_NOP, 0); compile_try(c, n); break;
    case S_WITH: compile_with(c, n); break;
    case S_IMPORT: compile_import(c, n); break;
    case S_IMPORTFROM: compile_import_from(c, n); break;
    case S_MATCH: compile_match(c, n); break;
    default: error_at(c, n, "invalid syntax"); break;
    }
}

static void compile_stmts(Compiler *c, NodeList *l) {
    for (int i = 0; i < l->n && !c->failed; i++) compile_stmt(c, l->items[i]);
}

/* ---- entry points ------------------------------------------------------ */

/* The module unit. COMPILE_EVAL: the body is one expression statement,
 * whose value the code returns. */
static ObjCode *compile_root(VM *vm, Node *module, const char *filename, const char *src, size_t len,
                             CompileMode mode, bool top_names, int32_t future) {
    AstArena *arena = ast_arena_new();
    if (!arena) { exc_nomem(vm); return NULL; }
    SymError err;
    future |= future_features(&module->u.block.body);
    Scope *top = symtable_build(vm, arena, module, &err, (future & CO_FUTURE_ANNOTATIONS) != 0, mode == COMPILE_EVAL);
    if (!top) {
        if (err.too_deep) exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded during compilation");
        else if (err.msg[0]) {
            raise_syntax(vm, err.msg, filename, src, len, err.line, err.col, err.end_line, err.end_col);
            if (is_kind(vm->exc, OBJ_EXC)) {
                ObjException *e = AS(ObjException, vm->exc);
                if (err.no_end) dict_set_str(vm, e->base.dict, vm_name(vm, N_end_offset), NONE_VAL);
                /* CPython's symtable sets the location on the exception but
                 * leaves its args the message alone */
                ObjTuple *msg_only = e->args->len ? tuple_from(vm, e->args->items, 1) : NULL;
                if (msg_only) e->args = msg_only;
            }
        } else exc_nomem(vm);
        ast_arena_free(arena);
        return NULL;
    }
    Compiler c = {.vm = vm, .filename = filename, .src = src, .srclen = len, .top_names = top_names, .arena = arena};
    ObjCode *code = NULL;
    bool interactive = mode == COMPILE_SINGLE;
    if (enter_unit(&c, top, "<module>", 1)) {
        c.u->interactive = interactive;
        c.u->code->flags |= CODE_MODULE;
        NodeList *body = &module->u.block.body;
        c.future_annotations = (future & CO_FUTURE_ANNOTATIONS) != 0;
        c.future_barry = (future & CO_FUTURE_BARRY_AS_BDFL) != 0;
        c.u->code->flags |= unit_future_flags(&c);
        setup_annotations(&c, body);
        int start = 0;
        if (mode == COMPILE_EVAL) {
            compile_expr(&c, body->items[0]->u.value.value);
            emit(&c, OP_RETURN_VALUE, 0);
            start = body->n;
        } else if (is_docstring(body) && !interactive) {
            if (keeps_docstrings(&c)) {
                compile_expr(&c, body->items[0]->u.value.value);
                emit(&c, OP_STORE_GLOBAL, name_index(&c, "__doc__"));
            }
            start = 1;
        }
        for (int i = start; i < body->n && !c.failed; i++) compile_stmt(&c, body->items[i]);
        load_none(&c);
        emit(&c, OP_RETURN_VALUE, 0);
        code = leave_unit(&c);
    }
    while (c.u) {       /* after an error deep inside */
        Unit *u = c.u;
        c.u = u->parent;
        free_unit(u);
    }
    const_pool_free(&c.pool);
    if (!c.failed && code) {
        if (!vm_push_root(vm, obj_val(code))) code = NULL;
        else {
            if (!issue_warnings(vm, arena, filename, src, len, NULL)) code = NULL;
            vm_pop_roots(vm, 1);
        }
    }
    ast_arena_free(arena);
    return c.failed ? NULL : code;
}

ObjCode *compile_module(VM *vm, Node *module, const char *filename, const char *src, size_t len, bool interactive) {
    return compile_root(vm, module, filename, src, len, interactive ? COMPILE_SINGLE : COMPILE_EXEC, false, 0);
}

static void raise_parse_error(VM *vm, const AstArena *arena, ParseError *perr, const char *filename, const char *src,
                              size_t len) {
    if (!issue_warnings(vm, arena, filename, src, len, perr)) return;
    if (perr->kind && !strcmp(perr->kind, "MemoryError")) exc_nomem(vm);
    else if (perr->kind && !strcmp(perr->kind, "RecursionError")) exc_raise(vm, E_RecursionError, "%s", perr->msg);
    else if (vm->compile_file_input && !strncmp(perr->msg, "Non-UTF-8 code", 14) && strstr(perr->msg, " on line ")) {
        /* CPython's file reader words it with the file's name, and gives no location */
        const char *on = strstr(perr->msg, " on line ");
        char msg[sizeof perr->msg + 4200];
        snprintf(msg, sizeof msg, "%.*s in file %.4096s%s", (int)(on - perr->msg), perr->msg, filename, on);
        exc_raise(vm, E_SyntaxError, "%s", msg);
    } else {
        raise_error(vm, perr, filename, src, len);
    }
}

/* eval's input gets no NEWLINE at its end: CPython reports an error at the
 * end of it at offset 0 of its last line (line 0 for no input). */
static void eval_error_at_end(ParseError *e, const char *src, size_t len) {
    e->eval_input = true;
    if (!e->at_eof || e->origin != ORIGIN_PARSER) return;
    int lines = len && src[len - 1] != '\n';
    for (size_t i = 0; i < len; i++) lines += src[i] == '\n';
    e->line = e->end_line = e->tok_line = lines;
    e->col = e->end_col = -1;
}

static bool is_compound(const Node *s) {
    switch (s->kind) {
    case S_IF: case S_WHILE: case S_FOR: case S_TRY: case S_WITH: case S_DEF: case S_CLASS: case S_MATCH: return true;
    default: return false;
    }
}

/* The NEWLINE token that ends a line after column col (past a ';'): 3.12
 * spans it from the comment before it, if any, to past the line end. */
static void line_end_span(const char *src, size_t len, int line, int col, int *start, int *end) {
    size_t i = 0;
    for (int l = 1; l < line && i < len; i++) l += src[i] == '\n';
    size_t base = i, p = i + (size_t)col;
    while (p < len && (src[p] == ' ' || src[p] == '\t' || src[p] == '\f' || src[p] == ';')) p++;
    *start = (int)(p - base);
    while (p < len && src[p] != '\n') p++;
    *end = (int)(p - base) + 1;
}

/* The byte offset of (line, col) in src. */
static size_t src_offset(const char *src, size_t len, int line, int col) {
    size_t i = 0;
    for (int l = 1; l < line && i < len; i++) l += src[i] == '\n';
    return i + (size_t)col <= len ? i + (size_t)col : len;
}

/* The length in bytes of the first token of statement s, roughly: a name
 * or number, else one character (where CPython's caret ends). */
static int first_token_len(const char *src, size_t len, const Node *s) {
    size_t at = src_offset(src, len, s->line, s->col), i = at;
    while (i < len && (isalnum((unsigned char)src[i]) || src[i] == '_' || (unsigned char)src[i] >= 0x80)) i++;
    if (i < len && i - at <= 2 && (src[i] == '\'' || src[i] == '"')) {     /* a string, prefixed or not */
        char q = src[i];
        bool triple = i + 2 < len && src[i + 1] == q && src[i + 2] == q;
        size_t n = triple ? 3 : 1;
        for (i += n; i < len; i++) {
            if (src[i] == '\\') { i++; continue; }
            if (src[i] == q && (!triple || (i + 2 < len && src[i + 1] == q && src[i + 2] == q))) { i += n; break; }
            if (src[i] == '\n' && !triple) break;
        }
    }
    return i > at ? (int)(i - at) : 1;
}

/* The last block of compound statement s (an elif's, for an if that has
 * one), or NULL for a match, whose cases are always indented. */
static const NodeList *last_block(const char *src, size_t len, const Node *s) {
    switch (s->kind) {
    case S_IF: {
        const NodeList *e = &s->u.cond.orelse;
        if (e->n == 1 && e->items[0]->kind == S_IF) {
            size_t at = src_offset(src, len, e->items[0]->line, e->items[0]->col);
            if (len - at >= 4 && !memcmp(src + at, "elif", 4)) return last_block(src, len, e->items[0]);
        }
        return e->n ? e : &s->u.cond.body;
    }
    case S_WHILE: return s->u.cond.orelse.n ? &s->u.cond.orelse : &s->u.cond.body;
    case S_FOR: return s->u.forloop.orelse.n ? &s->u.forloop.orelse : &s->u.forloop.body;
    case S_TRY:
        if (s->u.try_.finalbody.n) return &s->u.try_.finalbody;
        if (s->u.try_.orelse.n) return &s->u.try_.orelse;
        return s->u.try_.nhandlers ? &s->u.try_.handlers[s->u.try_.nhandlers - 1].body : &s->u.try_.body;
    case S_WITH: return &s->u.with.body;
    case S_DEF: return &s->u.def.body;
    case S_CLASS: return &s->u.cls.body;
    default: return NULL;
    }
}

/* In 'single' mode CPython wants a NEWLINE after a compound statement
 * whose last block sits on its header's line ('for x in y: f(x)'): without
 * a newline after it the input is "invalid syntax" at offset 0 of its last
 * line, which is how codeop and code.InteractiveConsole know to ask for more
 * input. */
static bool single_inline_unended(const Node *s, const char *src, size_t len) {
    const NodeList *b = is_compound(s) ? last_block(src, len, s) : NULL;
    if (!b || !b->n) return false;
    size_t at = src_offset(src, len, b->items[0]->line, b->items[0]->col), i = at;
    while (i > 0 && src[i - 1] != '\n' && (src[i - 1] == ' ' || src[i - 1] == '\t' || src[i - 1] == '\f')) i--;
    if (i == 0 || src[i - 1] == '\n') return false;       /* an indented block */
    for (size_t k = src_offset(src, len, s->end_line, s->end_col); k < len; k++)
        if (src[k] == '\n') return false;
    return true;
}

/* The indentation of the line starting at src[at]: as the tokenizer
 * measures it, with tabs to multiples of 8 (*col) and as one column
 * (*altcol). Returns the offset of the first byte past it. */
static size_t measure_line_indent(const char *src, size_t len, size_t at, int *col, int *altcol) {
    *col = *altcol = 0;
    for (; at < len; at++) {
        if (src[at] == ' ') (*col)++, (*altcol)++;
        else if (src[at] == '\t') *col = (*col / 8 + 1) * 8, (*altcol)++;
        else if (src[at] == '\f') *col = *altcol = 0;
        else break;
    }
    return at;
}

/* The indentation levels still open at the end of compound statement s:
 * one per indented last block, outermost first. Returns how many. */
static int open_levels(const char *src, size_t len, const Node *s, int *cols, int *alts, int max) {
    int n = 0;
    while (s && n + 2 <= max) {
        const NodeList *b;
        if (s->kind == S_MATCH) {
            if (!s->u.match.ncases) break;
            const MatchCase *mc = &s->u.match.cases[s->u.match.ncases - 1];
            measure_line_indent(src, len, src_offset(src, len, mc->pattern->line, 0), &cols[n], &alts[n]);
            n++;
            b = &mc->body;
        } else {
            b = is_compound(s) ? last_block(src, len, s) : NULL;
        }
        if (!b || !b->n) break;
        size_t start = src_offset(src, len, b->items[0]->line, 0);
        if (measure_line_indent(src, len, start, &cols[n], &alts[n]) <
            src_offset(src, len, b->items[0]->line, b->items[0]->col)) break;      /* on its header's line */
        n++;
        s = b->items[b->n - 1];
    }
    return n;
}

/* compile(..., 'single') implies no newline at the end of its input, and
 * CPython's parser turns the end marker into the NEWLINE a compound
 * statement needs, closing the open blocks only after it. So a last line
 * left unterminated that holds only blanks or a comment counts as it is:
 * blanks are measured as indentation (an unexpected indent, a bad unindent,
 * tabs), and a block still open there is "invalid syntax" at that line;
 * an input of no statement is that at its last line. (code.interact feeds
 * such lines.) Fills *e, or leaves it empty when all is well. */
static void single_unended_line(const NodeList *body, const char *src, size_t len, ParseError *e) {
    if (len == 0) return;
    size_t ls = len;
    while (ls > 0 && src[ls - 1] != '\n' && src[ls - 1] != '\r') ls--;
    int line = 1;
    for (size_t i = 0; i < ls; i++) line += src[i] == '\n';
    int col, altcol;
    size_t p = measure_line_indent(src, len, ls, &col, &altcol);
    bool comment = p < len && src[p] == '#';
    if (ls == len) line--;                                     /* the end marker is on the last line */
    else if (p < len && !comment) return;                     /* a token on the last line */
    bool blanks = ls < len && !comment;
    const Node *first = body->n ? body->items[0] : NULL;
    if (first && (ls == len || !is_compound(first))) return;  /* the parser stops after its NEWLINE */
    int cols[128], alts[128], n = first ? open_levels(src, len, first, cols, alts, 128) : 0;
    int nbytes = (int)(p - ls);
    if (blanks) {
        int top = n ? cols[n - 1] : 0, alttop = n ? alts[n - 1] : 0;
        const char *tab = NULL;
        if (col == top) {
            if (altcol != alttop) tab = "";
        } else if (col > top) {
            if (altcol <= alttop) tab = "";
            else {
                *e = (ParseError){.kind = "IndentationError", .msg = "unexpected indent", .line = line,
                                  .col = nbytes - 1, .end_line = line, .end_col = nbytes, .tok_line = line,
                                  .origin = ORIGIN_END_NONE, .eval_input = true};
                return;
            }
        } else {
            while (n > 0 && col < cols[n - 1]) n--;
            if (col != (n ? cols[n - 1] : 0)) {
                *e = (ParseError){.kind = "IndentationError",
                                  .msg = "unindent does not match any outer indentation level", .line = line,
                                  .col = nbytes - 1, .end_line = line, .end_col = nbytes, .tok_line = line,
                                  .origin = ORIGIN_END_NONE, .eval_input = true};
                return;
            }
            if (altcol != (n ? alts[n - 1] : 0)) tab = "";
        }
        if (tab) {
            *e = (ParseError){.kind = "TabError", .msg = "inconsistent use of tabs and spaces in indentation",
                              .line = line, .col = 0, .end_line = line, .end_col = 0, .tok_line = line,
                              .origin = ORIGIN_END_ZERO, .eval_input = true};
            return;
        }
    }
    if (first && n == 0) return;
    *e = (ParseError){.kind = "SyntaxError", .msg = "invalid syntax", .line = line, .col = -1,
                      .end_line = line, .end_col = -1, .tok_line = line, .eval_input = true};
}

/* compile(..., 'single') takes one statement: one compound statement, or
 * simple ones on a single line. CPython's messages otherwise. */
static bool single_statement(VM *vm, Node *mod, const char *filename, const char *src, size_t len) {
    NodeList *body = &mod->u.block.body;
    ParseError e = {.kind = "SyntaxError", .origin = ORIGIN_PARSER};
    for (int i = 1; i < body->n && !e.msg[0]; i++) {
        const Node *prev = body->items[i - 1], *s = body->items[i];
        if (is_compound(body->items[0])) {
            e = (ParseError){.kind = "SyntaxError", .msg = "invalid syntax", .line = s->line, .col = s->col,
                             .end_line = s->line, .end_col = s->col + first_token_len(src, len, s), .tok_line = s->line,
                             .eval_input = true};
        } else if (s->line > prev->end_line) {
            int col, end_col;
            line_end_span(src, len, prev->end_line, prev->end_col, &col, &end_col);
            e = (ParseError){.kind = "SyntaxError", .msg = "multiple statements found while compiling a single statement",
                             .line = prev->end_line, .col = col, .end_line = prev->end_line,
                             .end_col = end_col, .tok_line = prev->end_line};
        }
    }
    if (body->n == 0)
        e = (ParseError){.kind = "SyntaxError", .msg = "invalid syntax", .line = 0, .col = -1};
    if (!e.msg[0] || body->n == 0) single_unended_line(body, src, len, &e);
    if (!e.msg[0] && body->n && single_inline_unended(body->items[0], src, len)) {
        int line = body->items[0]->end_line;
        e = (ParseError){.kind = "SyntaxError", .msg = "invalid syntax", .line = line, .col = -1,
                         .end_line = line, .end_col = -1, .tok_line = line, .eval_input = true};
    }
    if (!e.msg[0]) return true;
    raise_error(vm, &e, filename, src, len);
    return false;
}

/* compile(..., 'single') of a simple statement followed by lines that do
 * not parse ('x = 1\n  y = 2'): CPython's parser stops after the first
 * logical line and, finding more than blanks and comments after it, says
 * "multiple statements found" there, whatever the rest holds. The first
 * logical line is the shortest run of whole lines that parses. True after
 * raising that error. */
static bool single_rest_unparsed(VM *vm, const char *src, size_t len, ParseMode from, const char *filename) {
    int tries = 0;
    for (size_t i = 0; i < len && tries < 64; i++) {
        if (src[i] != '\n') continue;
        tries++;
        AstArena *a = ast_arena_new();
        if (!a) return false;
        ParseError e;
        Node *mod = ast_parse(a, src, i + 1, PARSE_FILE | from, &e);
        if (!mod || !mod->u.block.body.n) {     /* not yet a whole line, or blank lines so far */
            ast_arena_free(a);
            continue;
        }
        NodeList *body = &mod->u.block.body;
        bool simple = !is_compound(body->items[0]);
        ParseError pe = {0};
        if (simple) {
            const Node *last = body->items[body->n - 1];
            int col, end_col;
            line_end_span(src, len, last->end_line, last->end_col, &col, &end_col);
            pe = (ParseError){.kind = "SyntaxError", .msg = "multiple statements found while compiling a single statement",
                              .line = last->end_line, .col = col, .end_line = last->end_line, .end_col = end_col,
                              .tok_line = last->end_line};
        }
        /* (the first line's warnings, which CPython's tokenizer has issued) */
        if (simple && issue_warnings(vm, a, filename, src, len, NULL)) raise_error(vm, &pe, filename, src, len);
        ast_arena_free(a);
        return simple;
    }
    return false;
}

static ObjCode *compile_text(VM *vm, const char *src, size_t len, const char *filename, CompileMode mode,
                             bool bytes) {
    int32_t future = vm->compile_future;
    vm->compile_future = 0;     /* (not for the modules compiling this may import) */
    ParseMode from = (bytes ? PARSE_BYTES : 0) | (future & CO_FUTURE_BARRY_AS_BDFL ? PARSE_BARRY : 0);
    if (mode != COMPILE_EVAL) {
        AstArena *arena = ast_arena_new();
        if (!arena) { exc_nomem(vm); return NULL; }
        ParseError perr;
        Node *mod = ast_parse(arena, src, len, PARSE_FILE | from, &perr);
        ObjCode *code = NULL;
        if (!mod && mode == COMPILE_SINGLE) eval_error_at_end(&perr, src, len);    /* (no newline is implied for 'single') */
        if (!mod && mode == COMPILE_SINGLE && single_rest_unparsed(vm, src, len, from, filename)) {}
        else if (!mod) raise_parse_error(vm, arena, &perr, filename, src, len);
        else if (!issue_warnings(vm, arena, filename, src, len, NULL)) {}
        else if (mode != COMPILE_SINGLE || single_statement(vm, mod, filename, src, len))
            code = compile_root(vm, mod, filename, src, len, mode, true, future);
        ast_arena_free(arena);
        return code;
    }
    /* eval() ignores leading blanks, as CPython does. */
    while (len && (*src == ' ' || *src == '\t')) { src++; len--; }
    AstArena *arena = ast_arena_new();
    if (!arena) { exc_nomem(vm); return NULL; }
    ParseError perr;
    Node *expr = ast_parse(arena, src, len, PARSE_EVAL | from, &perr);
    if (!expr) eval_error_at_end(&perr, src, len);
    Node *stmt = expr ? ast_alloc(arena, sizeof(Node)) : NULL;
    Node *mod = stmt ? ast_alloc(arena, sizeof(Node)) : NULL;
    Node **items = mod ? ast_alloc(arena, sizeof(Node *)) : NULL;
    ObjCode *code = NULL;
    if (!expr) raise_parse_error(vm, arena, &perr, filename, src, len);
    else if (!items) exc_nomem(vm);
    else if (issue_warnings(vm, arena, filename, src, len, NULL)) {
        *stmt = (Node){.kind = S_EXPR, .line = expr->line, .col = expr->col, .end_line = expr->end_line,
                       .end_col = expr->end_col, .u.value.value = expr};
        *mod = (Node){.kind = S_MODULE, .line = 1};
        items[0] = stmt;
        mod->u.block.body = (NodeList){items, 1, 1};
        code = compile_root(vm, mod, filename, src, len, COMPILE_EVAL, true, future);
    }
    ast_arena_free(arena);
    return code;
}

ObjCode *compile_string(VM *vm, const char *src, size_t len, const char *filename, CompileMode mode, bool bytes) {
    /* Bytes starting with a byte order mark are UTF-8 text without it, as a str is. */
    if (bytes && len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3)) {
        src += 3;
        len -= 3;
        bytes = false;
    }
    int roots = source_recode(vm, &src, &len, &bytes);
    if (roots < 0) return NULL;
    ObjCode *code = compile_text(vm, src, len, filename, mode, bytes);
    vm_pop_roots(vm, roots);
    return code;
}

static Node *parse_tree(VM *vm, AstArena *arena, const char *src, size_t len, const char *filename, CompileMode mode,
                        bool bytes) {
    ParseError perr;
    int32_t future = vm->compile_future;
    vm->compile_future = 0;
    ParseMode how = (mode == COMPILE_EVAL ? PARSE_EVAL : PARSE_FILE) | (bytes ? PARSE_BYTES : 0) |
                    (future & CO_FUTURE_BARRY_AS_BDFL ? PARSE_BARRY : 0);
    Node *tree = ast_parse(arena, src, len, how, &perr);
    if (!tree && mode == COMPILE_EVAL) eval_error_at_end(&perr, src, len);
    if (!tree && mode == COMPILE_SINGLE) eval_error_at_end(&perr, src, len);  /* (nor is one implied for 'single') */
    if (!tree && mode == COMPILE_SINGLE && single_rest_unparsed(vm, src, len, how, filename)) {}
    else if (!tree) raise_parse_error(vm, arena, &perr, filename, src, len);
    else if (!issue_warnings(vm, arena, filename, src, len, NULL)) tree = NULL;
    else if (mode == COMPILE_SINGLE && !single_statement(vm, tree, filename, src, len)) tree = NULL;
    return tree;
}

Node *compile_parse_tree(VM *vm, AstArena *arena, const char *src, size_t len, const char *filename, CompileMode mode,
                         bool bytes) {
    if (bytes && len >= 3 && !memcmp(src, "\xef\xbb\xbf", 3)) {
        src += 3;
        len -= 3;
        bytes = false;
    }
    int roots = source_recode(vm, &src, &len, &bytes);
    if (roots < 0) return NULL;
    Node *tree = parse_tree(vm, arena, src, len, filename, mode, bytes);
    vm_pop_roots(vm, roots);
    return tree;
}

static ObjCode *compile_file_text(VM *vm, const char *src, size_t len, const char *filename, bool interactive,
                                  bool bytes) {
    AstArena *arena = ast_arena_new();
    if (!arena) { exc_nomem(vm); return NULL; }
    ParseError perr;
    Node *mod = ast_parse(arena, src, len, PARSE_FILE | (bytes ? PARSE_BYTES : 0), &perr);
    ObjCode *code = NULL;
    if (!mod) raise_parse_error(vm, arena, &perr, filename, src, len);
    else if (issue_warnings(vm, arena, filename, src, len, NULL)) code = compile_module(vm, mod, filename, src, len, interactive);
    ast_arena_free(arena);
    return code;
}

ObjCode *compile_source(VM *vm, const char *src, size_t len, const char *filename, bool interactive, bool bytes) {
    int roots = source_recode(vm, &src, &len, &bytes);
    if (roots < 0) return NULL;
    ObjCode *code = compile_file_text(vm, src, len, filename, interactive, bytes);
    vm_pop_roots(vm, roots);
    return code;
}
