/* Functions, natives, bound methods, cells, code objects, and the binding
 * of call arguments to parameters with CPython's error messages. */
#include "func.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "containers.h"
#include "class.h"
#include "exc.h"
#include "gc.h"
#include "opcodes.h"
#include "ops.h"
#include "str.h"
#include "trace.h"
#include "strbuf.h"

ObjFunction *func_new(VM *vm, ObjCode *code, ObjDict *globals) {
    ObjFunction *f = gc_new(vm, sizeof(ObjFunction), OBJ_FUNCTION, vm->types[T_FUNCTION]);
    if (!f) return NULL;
    f->code = code;
    f->globals = globals;
    f->name = code->name;
    f->qualname = code->qualname;
    f->doc = NONE_VAL;
    Value mod = globals ? dict_get_str(globals, vm_name(vm, N___name__)) : UNDEF;
    f->module = mod == UNDEF ? NONE_VAL : mod;
    return f;
}

ObjNative *native_new(VM *vm, const char *name, NativeFn fn) {
    ObjStr *s = str_intern_cstr(vm, name);
    if (!s) return NULL;
    ObjNative *n = gc_new(vm, sizeof(ObjNative), OBJ_NATIVE, vm->types[T_BUILTIN_FUNCTION]);
    if (!n) return NULL;
    n->fn = fn;
    n->name = s;
    n->self = UNDEF;
    n->data = UNDEF;
    n->owner = NULL;
    n->module = UNDEF;
    return n;
}

/* The special methods CPython implements as type slots, sorted for bsearch. */
static const char *const slot_names[] = {
    "__abs__", "__add__", "__aiter__", "__and__", "__anext__", "__await__", "__bool__", "__call__",
    "__contains__", "__del__", "__delattr__", "__delete__", "__delitem__", "__divmod__", "__eq__",
    "__float__", "__floordiv__", "__ge__", "__get__", "__getattribute__", "__getitem__", "__gt__",
    "__hash__", "__iadd__", "__iand__", "__ifloordiv__", "__ilshift__", "__imatmul__", "__imod__",
    "__imul__", "__index__", "__init__", "__int__", "__invert__", "__ior__", "__ipow__", "__irshift__",
    "__isub__", "__iter__", "__itruediv__", "__ixor__", "__le__", "__len__", "__lshift__", "__lt__",
    "__matmul__", "__mod__", "__mul__", "__ne__", "__neg__", "__next__", "__or__", "__pos__", "__pow__",
    "__radd__", "__rand__", "__rdivmod__", "__repr__", "__rfloordiv__", "__rlshift__", "__rmatmul__",
    "__rmod__", "__rmul__", "__ror__", "__rpow__", "__rrshift__", "__rshift__", "__rsub__",
    "__rtruediv__", "__rxor__", "__set__", "__setattr__", "__setitem__", "__str__", "__sub__",
    "__truediv__", "__xor__"};

static int cmp_name(const void *key, const void *elem) {
    return strcmp((const char *)key, *(const char *const *)elem);
}

static bool is_slot(VM *vm, const char *name, ObjClass *owner) {
    if (name[0] != '_' || name[1] != '_') return false;
    /* dict, list and the sets define these as plain methods too. */
    bool kind_method = !strcmp(name, "__getitem__") ? owner == vm->types[T_DICT] || owner == vm->types[T_LIST]
                     : !strcmp(name, "__contains__") ? owner == vm->types[T_DICT] || owner->instance_kind == OBJ_SET
                     : false;
    return !kind_method &&
           bsearch(name, slot_names, sizeof slot_names / sizeof *slot_names, sizeof *slot_names, cmp_name);
}

void native_make_method(VM *vm, ObjNative *n, ObjClass *owner) {
    n->obj.flags |= NATIVE_METHOD;
    n->owner = owner;
    n->obj.cls = vm->types[is_slot(vm, n->name->data, owner) ? T_WRAPPER_DESCRIPTOR : T_METHOD_DESCRIPTOR];
}

Value bound_new(VM *vm, Value self, Value func) {
    TypeId t = T_METHOD;
    if (is_kind(func, OBJ_NATIVE))
        t = as_obj(func)->cls == vm->types[T_WRAPPER_DESCRIPTOR] ? T_METHOD_WRAPPER : T_BUILTIN_FUNCTION;
    ObjBound *b = gc_new(vm, sizeof(ObjBound), OBJ_BOUND, vm->types[t]);
    if (!b) return ERR;
    b->self = self;
    b->func = func;
    return obj_val(b);
}

ObjCell *cell_new(VM *vm, Value v) {
    ObjCell *c = gc_new(vm, sizeof(ObjCell), OBJ_CELL, vm->types[T_CELL]);
    if (c) c->v = v;
    return c;
}

ObjCode *code_new(VM *vm) {
    return gc_new(vm, sizeof(ObjCode), OBJ_CODE, vm->types[T_CODE]);
}

/* ---- position tables ---------------------------------------------------
 * A row takes five varints (7 bits a byte, low bits first): the pc and line
 * as differences from the row before (the line zigzag-coded, as it may go
 * back), end_line - line, col + 1 and end_col + 1 (0 when unknown). Most rows
 * fit in five bytes; the table ends with a 0 byte where a pc difference would
 * be (rows never repeat a pc). Only tracebacks and f_lineno read it, so a
 * linear scan is fine. */

static uint8_t *put_varint(uint8_t *p, uint32_t v) {
    while (v >= 0x80) { *p++ = (uint8_t)(v | 0x80); v >>= 7; }
    *p++ = (uint8_t)v;
    return p;
}

static const uint8_t *get_varint(const uint8_t *p, uint32_t *v) {
    uint32_t x = 0;
    for (int shift = 0; shift < 35; shift += 7) {
        x |= (uint32_t)(*p & 0x7F) << shift;
        if (!(*p++ & 0x80)) break;
    }
    *v = x;
    return p;
}

static uint32_t zigzag(int32_t v) { return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31); }
static int32_t unzigzag(uint32_t v) { return (int32_t)(v >> 1) ^ -(int32_t)(v & 1); }

uint8_t *position_table(const LineEntry *rows, int n) {
    if (n <= 0) return NULL;
    uint8_t *table = malloc((size_t)n * 25 + 1), *p = table;
    if (!table) return NULL;
    uint32_t pc = 0;
    int32_t line = 0;
    for (int i = 0; i < n; i++) {
        const LineEntry *r = &rows[i];
        p = put_varint(p, r->pc - pc + 1);          /* + 1: 0 ends the table */
        p = put_varint(p, zigzag(r->line - line));
        p = put_varint(p, (uint32_t)(r->end_line - r->line));
        p = put_varint(p, (uint32_t)(r->col + 1));
        p = put_varint(p, (uint32_t)(r->end_col + 1));
        pc = r->pc;
        line = r->line;
    }
    *p++ = 0;
    uint8_t *small = realloc(table, (size_t)(p - table));
    return small ? small : table;
}

/* Reads the rest of a row whose pc difference `dpc` has been read, over the
 * row before it in *row. */
static const uint8_t *next_row(const uint8_t *p, uint32_t dpc, LineEntry *row) {
    uint32_t dline, span, col, end_col;
    p = get_varint(get_varint(get_varint(get_varint(p, &dline), &span), &col), &end_col);
    row->pc += dpc - 1;
    row->line += unzigzag(dline);
    row->end_line = row->line + (int32_t)span;
    row->col = (int16_t)((int32_t)col - 1);
    row->end_col = (int16_t)((int32_t)end_col - 1);
    return p;
}

bool code_position(ObjCode *code, const uint32_t *ip, LineEntry *row) {
    if (!code->lines) return false;
    uint32_t target = (uint32_t)(ip - code->ins);
    if (target > 0) target--;
    const uint8_t *p = code->lines;
    LineEntry cur = {0, 0, 0, -1, -1};
    bool found = false;
    for (;;) {      /* the last row whose pc <= the instruction's */
        uint32_t dpc;
        p = get_varint(p, &dpc);
        if (dpc == 0 || (found && cur.pc + dpc - 1 > target)) break;
        p = next_row(p, dpc, &cur);
        found = true;
    }
    if (found) *row = cur;
    return found;
}

/* Walks a code's position table instruction by instruction. */
typedef struct RowWalk {
    const uint8_t *p;
    LineEntry cur, next;
    bool have, more;
    uint32_t dpc;
} RowWalk;

static void walk_start(RowWalk *w, ObjCode *code) {
    w->p = code->lines;
    w->cur = w->next = (LineEntry){0, 0, 0, -1, -1};
    w->have = false;
    w->more = w->p != NULL;
    w->dpc = 0;
    if (w->more) w->p = get_varint(w->p, &w->dpc);
}

/* Steps through the rows whose pc instruction i has reached; whether a row
 * applies to it (then w->cur). */
static bool walk_to(RowWalk *w, int32_t i) {
    while (w->more && w->dpc != 0 && w->next.pc + w->dpc - 1 <= (uint32_t)i) {
        w->p = next_row(w->p, w->dpc, &w->next);
        w->cur = w->next;
        w->have = true;
        w->p = get_varint(w->p, &w->dpc);
    }
    return w->have;
}

static ObjCode *code_arg(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name) {
    if (!args_none(vm, "code", name, nargs, kw)) return NULL;
    if (!is_kind(args[0], OBJ_CODE)) {
        exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'code' object but received a '%T'", name, args[0]);
        return NULL;
    }
    return AS(ObjCode, args[0]);
}

/* co_positions(): an iterator of (line, end_line, col, end_col) for each
 * instruction, None where unknown; f_lasti // 2 indexes it, as in CPython. */
static Value code_co_positions(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjCode *code = code_arg(vm, args, nargs, kw, "co_positions");
    if (!code) return ERR;
    ObjList *out = list_new(vm, code->nins);
    if (!out) return ERR;
    RowWalk w;
    walk_start(&w, code);
    for (int32_t i = 0; i < code->nins; i++) {
        Value row[4] = {NONE_VAL, NONE_VAL, NONE_VAL, NONE_VAL};
        if (walk_to(&w, i)) {
            row[0] = int_val(w.cur.line);
            row[1] = int_val(w.cur.end_line);
            if (w.cur.col >= 0) row[2] = int_val(w.cur.col);
            if (w.cur.end_col >= 0) row[3] = int_val(w.cur.end_col);
        }
        ObjTuple *t = tuple_from(vm, row, 4);
        if (!t || list_append(vm, out, obj_val(t)) < 0) return ERR;
    }
    return op_iter(vm, obj_val(out));
}

/* co_lines(): an iterator of (start, end, line) over co_code's byte offsets
 * (two per instruction, as co_positions counts them), one item per run of
 * instructions on one line, line None where unknown. */
static Value code_co_lines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjCode *code = code_arg(vm, args, nargs, kw, "co_lines");
    if (!code) return ERR;
    ObjList *out = list_new(vm, 0);
    if (!out) return ERR;
    RowWalk w;
    walk_start(&w, code);
    int32_t start = 0;
    Value line = UNDEF;
    for (int32_t i = 0; i <= code->nins; i++) {
        Value l = i == code->nins ? UNDEF : walk_to(&w, i) ? int_val(w.cur.line) : NONE_VAL;
        if (l == line) continue;
        if (i > 0) {
            ObjTuple *t = tuple_from(vm, (Value[]){int_val(start * 2), int_val(i * 2), line}, 3);
            if (!t || list_append(vm, out, obj_val(t)) < 0) return ERR;
        }
        start = i;
        line = l;
    }
    return op_iter(vm, obj_val(out));
}

/* co_lnotab: CPython's old line table, pairs of (byte offset step, line
 * step) from co_lines' runs, steps past a byte's range split in several. */
static Value code_lnotab(VM *vm, ObjCode *code) {
    StrBuf b = SB_INIT;
    RowWalk w;
    walk_start(&w, code);
    int32_t addr = 0, line = code->firstline, prev = INT32_MIN;
    for (int32_t i = 0; i < code->nins; i++) {
        if (!walk_to(&w, i) || w.cur.line == prev) continue;
        prev = w.cur.line;
        int32_t da = i * 2 - addr, dl = w.cur.line - line;
        for (; da > 254; da -= 254) sb_add(&b, "\xFE\x00", 2);
        for (; dl > 127; dl -= 127) { sb_addc(&b, (char)da); sb_addc(&b, 127); da = 0; }
        for (; dl < -128; dl += 128) { sb_addc(&b, (char)da); sb_addc(&b, (char)-128); da = 0; }
        sb_addc(&b, (char)da);
        sb_addc(&b, (char)(int8_t)dl);
        addr = i * 2;
        line = w.cur.line;
    }
    Value v = bytes_new(vm, (const uint8_t *)(b.data ? b.data : ""), b.len);
    sb_free(&b);
    return v;
}

Value code_table_attr(VM *vm, ObjCode *code, const char *n) {
    if (!strcmp(n, "co_code")) {
        /* Asy's instructions, two bytes each (opcode, low byte of the
         * argument): not CPython's bytecode, but as long as co_positions. */
        uint8_t *p = malloc((size_t)code->nins * 2 + 1);
        if (!p) return exc_nomem(vm);
        for (int32_t i = 0; i < code->nins; i++) {
            uint32_t w = code_ins_at(code, code->ins + i);
            p[2 * i] = (uint8_t)INS_OP(w);
            p[2 * i + 1] = (uint8_t)INS_ARG(w);
        }
        Value v = bytes_new(vm, p, (size_t)code->nins * 2);
        free(p);
        return v;
    }
    if (!strcmp(n, "co_lnotab")) {
        if (!exc_warn(vm, E_DeprecationWarning, "co_lnotab is deprecated, use co_lines instead.")) return ERR;
        return code_lnotab(vm, code);
    }
    if (!strcmp(n, "co_linetable")) {
        const uint8_t *t = code->lines;
        size_t len = 0;
        if (t) {        /* the packed table up to its closing 0 */
            const uint8_t *p = t;
            for (;;) {
                uint32_t dpc, x;
                p = get_varint(p, &dpc);
                if (!dpc) break;
                for (int k = 0; k < 4; k++) p = get_varint(p, &x);
            }
            len = (size_t)(p - t);
        }
        return bytes_new(vm, t ? t : (const uint8_t *)"", len);
    }
    if (!strcmp(n, "co_exceptiontable")) return bytes_new(vm, (const uint8_t *)"", 0);
    return UNDEF;
}

/* ---- cells --------------------------------------------------------------- */

/* cell([contents]): types.CellType, empty without an argument. */
static Value cell_m_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "cell() takes no keyword arguments");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "cell expected at most 1 argument, got %d", nargs - 1);
    ObjCell *c = cell_new(vm, nargs == 2 ? args[1] : UNDEF);
    return c ? obj_val(c) : ERR;
}

static Value cell_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    Value v = AS(ObjCell, args[0])->v;
    return v == UNDEF ? exc_raise(vm, E_ValueError, "Cell is empty") : v;
}

static Value cell_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm; (void)kw;
    AS(ObjCell, args[0])->v = nargs > 1 ? args[1] : UNDEF;
    return NONE_VAL;
}

/* Cells compare by contents; an empty cell comes before any other. */
static Value cell_compare(VM *vm, Value *args, int nargs, CmpOp op) {
    if (nargs != 2 || !is_kind(args[0], OBJ_CELL) || !is_kind(args[1], OBJ_CELL)) return NOTIMPL_VAL;
    Value a = AS(ObjCell, args[0])->v, b = AS(ObjCell, args[1])->v;
    if (a != UNDEF && b != UNDEF) return op_compare(vm, op, a, b);
    int c = (a != UNDEF) - (b != UNDEF);
    static const bool lt[] = {[CMP_LT] = true, [CMP_LE] = true, [CMP_NE] = true};
    static const bool eq[] = {[CMP_EQ] = true, [CMP_LE] = true, [CMP_GE] = true};
    static const bool gt[] = {[CMP_GT] = true, [CMP_GE] = true, [CMP_NE] = true};
    return bool_val(c < 0 ? lt[op] : c == 0 ? eq[op] : gt[op]);
}

#define CELL_CMP(fn, op) \
    static Value fn(VM *vm, Value *args, int nargs, ObjTuple *kw) { (void)kw; return cell_compare(vm, args, nargs, op); }
CELL_CMP(cell_lt, CMP_LT)
CELL_CMP(cell_le, CMP_LE)
CELL_CMP(cell_eq, CMP_EQ)
CELL_CMP(cell_ne, CMP_NE)
CELL_CMP(cell_gt, CMP_GT)
CELL_CMP(cell_ge, CMP_GE)

static void cell_init(VM *vm) {
    ObjClass *c = vm->types[T_CELL];
    ObjNative *n = native_new(vm, "__new__", cell_m_new);
    if (n) dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(n));
    class_add_property(vm, c, "cell_contents", cell_get);
    Value p = dict_get_str(c->dict, str_intern_cstr(vm, "cell_contents"));
    ObjNative *set = native_new(vm, "cell_contents", cell_set);
    if (is_kind(p, OBJ_PROPERTY) && set) AS(ObjProperty, p)->fset = AS(ObjProperty, p)->fdel = obj_val(set);
    static const struct { const char *name; NativeFn fn; } cmps[] = {
        {"__lt__", cell_lt}, {"__le__", cell_le}, {"__eq__", cell_eq},
        {"__ne__", cell_ne}, {"__gt__", cell_gt}, {"__ge__", cell_ge},
    };
    for (size_t i = 0; i < sizeof cmps / sizeof cmps[0]; i++) class_add_native(vm, c, cmps[i].name, cmps[i].fn);
    dict_set_str(vm, c->dict, vm_name(vm, N___hash__), NONE_VAL);
}

void func_init_methods(VM *vm) {
    cell_init(vm);
    class_add_native(vm, vm->types[T_CODE], "co_positions", code_co_positions);
    class_add_native(vm, vm->types[T_CODE], "co_lines", code_co_lines);
    func_new_init(vm);
}

void code_lines_each(ObjCode *code, int32_t *out) {
    RowWalk w;
    walk_start(&w, code);
    for (int32_t i = 0; i < code->nins; i++) out[i] = walk_to(&w, i) ? w.cur.line : -1;
}

int code_line(ObjCode *code, const uint32_t *ip) {
    LineEntry row;
    return code_position(code, ip, &row) ? row.line : code->firstline;
}

/* ---- argument binding -------------------------------------------------- */

static const char *fname(ObjFunction *fn) { return fn->qualname->data; }

/* "'a'", "'a' and 'b'", "'a', 'b', and 'c'" */
static void name_list(StrBuf *b, ObjStr **names, int n) {
    for (int i = 0; i < n; i++) {
        if (i > 0) sb_adds(b, n == 2 ? " and " : i == n - 1 ? ", and " : ", ");
        sb_addf(b, "'%s'", names[i]->data);
    }
}

static bool missing_args(VM *vm, ObjFunction *fn, Value *slots, int from, int to, const char *kind) {
    ObjStr *names[256];
    int n = 0;
    for (int i = from; i < to && n < 256; i++) {
        if (slots[i] == UNDEF) names[n++] = fn->code->varnames[i];
    }
    StrBuf b = SB_INIT;
    sb_addf(&b, "%s() missing %d required %s argument%s: ", fname(fn), n, kind, n == 1 ? "" : "s");
    name_list(&b, names, n);
    exc_raise(vm, E_TypeError, "%s", b.data ? b.data : "");
    sb_free(&b);
    return false;
}

static bool too_many_positional(VM *vm, ObjFunction *fn, int nargs, Value *slots) {
    ObjCode *c = fn->code;
    int ndef = fn->defaults ? (int)fn->defaults->len : 0;
    int kwgiven = 0;
    for (int i = c->argcount; i < c->argcount + c->kwonlycount; i++) kwgiven += slots[i] != UNDEF;
    StrBuf b = SB_INIT;
    if (ndef) sb_addf(&b, "%s() takes from %d to %d positional arguments but %d", fname(fn),
                      c->argcount - ndef, c->argcount, nargs);
    else sb_addf(&b, "%s() takes %d positional argument%s but %d", fname(fn), c->argcount,
                 c->argcount == 1 ? "" : "s", nargs);
    if (kwgiven) sb_addf(&b, " positional argument%s (and %d keyword-only argument%s) were given",
                         nargs == 1 ? "" : "s", kwgiven, kwgiven == 1 ? "" : "s");
    else sb_adds(&b, nargs == 1 ? " was given" : " were given");
    exc_raise(vm, E_TypeError, "%s", b.data ? b.data : "");
    sb_free(&b);
    return false;
}

static int param_index(ObjCode *c, ObjStr *name, int from, int to) {
    for (int i = from; i < to; i++) {
        if (c->varnames[i] == name) return i;
    }
    for (int i = from; i < to; i++) {
        if (str_eq(c->varnames[i], name)) return i;
    }
    return -1;
}

/* An unknown keyword is reported as a positional-only one passed by name
 * when any keyword of the call (not only this one) names a positional-only
 * parameter; CPython then names all of them. False when none does. */
static bool posonly_as_keyword(VM *vm, ObjFunction *fn, ObjTuple *kwnames) {
    ObjCode *c = fn->code;
    bool any = false;
    for (int64_t k = 0; k < kwnames->len && !any; k++)
        any = param_index(c, AS(ObjStr, kwnames->items[k]), 0, c->posonlycount) >= 0;
    if (!any) return false;
    StrBuf b = SB_INIT;
    for (int i = 0; i < c->posonlycount; i++) {
        for (int64_t k = 0; k < kwnames->len; k++) {
            if (!str_eq(c->varnames[i], AS(ObjStr, kwnames->items[k]))) continue;
            sb_adds(&b, b.len ? ", " : "");
            sb_adds(&b, c->varnames[i]->data);
            break;
        }
    }
    char *names = sb_take(&b);
    exc_raise(vm, E_TypeError, "%s() got some positional-only arguments passed as keyword arguments: '%s'",
              fname(fn), names ? names : "");
    free(names);
    return true;
}

static bool bind_keywords(VM *vm, ObjFunction *fn, Value *slots, Value *kwvals, ObjTuple *kwnames, ObjDict *kwdict) {
    ObjCode *c = fn->code;
    int nparams = c->argcount + c->kwonlycount;
    for (int64_t k = 0; k < kwnames->len; k++) {
        ObjStr *name = AS(ObjStr, kwnames->items[k]);
        int i = param_index(c, name, c->posonlycount, nparams);
        if (i >= 0) {
            if (slots[i] != UNDEF) {
                exc_raise(vm, E_TypeError, "%s() got multiple values for argument '%s'", fname(fn), name->data);
                return false;
            }
            slots[i] = kwvals[k];
            continue;
        }
        if (kwdict) {
            if (dict_set_str(vm, kwdict, name, kwvals[k]) < 0) return false;
            continue;
        }
        if (!posonly_as_keyword(vm, fn, kwnames))
            exc_raise(vm, E_TypeError, "%s() got an unexpected keyword argument '%s'", fname(fn), name->data);
        return false;
    }
    return true;
}

bool func_bind_args(VM *vm, ObjFunction *fn, Value *slots, Value *args, int nargs, ObjTuple *kwnames) {
    ObjCode *c = fn->code;
    int npos = nargs < c->argcount ? nargs : c->argcount;
    for (int i = 0; i < npos; i++) slots[i] = args[i];
    int extra = c->argcount + c->kwonlycount;
    if (c->flags & CODE_VARARGS) {
        ObjTuple *rest = tuple_from(vm, args + npos, nargs - npos);
        if (!rest) return false;
        slots[extra++] = obj_val(rest);
    }
    ObjDict *kwdict = NULL;
    if (c->flags & CODE_VARKW) {
        kwdict = dict_new(vm);
        if (!kwdict) return false;
        slots[extra] = obj_val(kwdict);
    }
    if (kwnames && kwnames->len && !bind_keywords(vm, fn, slots, args + nargs, kwnames, kwdict)) return false;
    if (nargs > c->argcount && !(c->flags & CODE_VARARGS)) return too_many_positional(vm, fn, nargs, slots);
    if (npos < c->argcount) {
        int ndef = fn->defaults ? (int)fn->defaults->len : 0, first_def = c->argcount - ndef;
        for (int i = npos; i < c->argcount; i++) {
            if (slots[i] == UNDEF && i >= first_def) slots[i] = fn->defaults->items[i - first_def];
        }
        for (int i = npos; i < c->argcount; i++) {
            if (slots[i] == UNDEF) return missing_args(vm, fn, slots, npos, c->argcount, "positional");
        }
    }
    bool missing = false;
    for (int i = c->argcount; i < c->argcount + c->kwonlycount; i++) {
        if (slots[i] != UNDEF) continue;
        Value d = fn->kwdefaults ? dict_get_str(fn->kwdefaults, c->varnames[i]) : UNDEF;
        if (d == UNDEF) missing = true;
        else slots[i] = d;
    }
    if (missing) return missing_args(vm, fn, slots, c->argcount, c->argcount + c->kwonlycount, "keyword-only");
    return true;
}

/* ---- natives' argument checks ------------------------------------------ */

/* args_check's errors, out of line: every native calls args_check, whose
 * passing case should cost a few instructions. */
static __attribute__((noinline, cold)) bool args_check_fail(VM *vm, const char *name, int nargs, ObjTuple *kwnames,
                                                            int min, int max) {
    if (kwnames && kwnames->len) {
        exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", name);
        return false;
    }
    if (min == max && max == 0)
        exc_raise(vm, E_TypeError, "%s() takes no arguments (%d given)", name, nargs);
    else if (min == max && max == 1)
        exc_raise(vm, E_TypeError, "%s() takes exactly one argument (%d given)", name, nargs);
    else {
        /* these messages name the method alone: "pop expected at most 1 argument" */
        const char *dot = strrchr(name, '.');
        int n = nargs > max ? max : min;
        exc_raise(vm, E_TypeError, "%s expected %s%d argument%s, got %d", dot ? dot + 1 : name,
                  min == max ? "" : nargs > max ? "at most " : "at least ", n, n == 1 ? "" : "s", nargs);
    }
    return false;
}

bool args_check(VM *vm, const char *name, int nargs, ObjTuple *kwnames, int min, int max) {
    if ((!kwnames || !kwnames->len) && nargs >= min && nargs <= max) return true;
    return args_check_fail(vm, name, nargs, kwnames, min, max);
}

Value args_kw(VM *vm, Value *args, int nargs, ObjTuple *kwnames, const char *name) {
    (void)vm;
    if (!kwnames) return UNDEF;
    for (int64_t i = 0; i < kwnames->len; i++) {
        if (strcmp(AS(ObjStr, kwnames->items[i])->data, name) == 0) return args[nargs + i];
    }
    return UNDEF;
}

static bool kw_accepted(VM *vm, const char *fname_, ObjTuple *kwnames, const char *const *accepted, bool py) {
    if (!kwnames) return true;
    for (int64_t i = 0; i < kwnames->len; i++) {
        const char *k = AS(ObjStr, kwnames->items[i])->data;
        bool ok = false;
        for (const char *const *a = accepted; *a && !ok; a++) ok = strcmp(*a, k) == 0;
        if (!ok) {
            if (py) exc_raise(vm, E_TypeError, "%s() got an unexpected keyword argument '%s'", fname_, k);
            else exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", k, fname_);
            return false;
        }
    }
    return true;
}

bool args_kw_only(VM *vm, const char *fname_, ObjTuple *kwnames, const char *const *accepted) {
    return kw_accepted(vm, fname_, kwnames, accepted, false);
}

bool args_kw_only_py(VM *vm, const char *fname_, ObjTuple *kwnames, const char *const *accepted) {
    return kw_accepted(vm, fname_, kwnames, accepted, true);
}

bool args_bind(VM *vm, const char *fname, Value *args, int nargs, ObjTuple *kw, const char *const *names,
               int nparams, int npos, int nmin, int flags, Value *out) {
    int nkw = kw ? (int)kw->len : 0;
    /* CPython's order: too many in all ("keyword" when all were keywords),
     * then too many positionally (only differs with keyword-only params). */
    if (nargs + nkw > nparams) {
        exc_raise(vm, E_TypeError, "%s() takes at most %d %sargument%s (%d given)", fname, nparams,
                  nargs == 0 ? "keyword " : "", nparams == 1 ? "" : "s", nargs + nkw);
        return false;
    }
    if (nargs > npos) {
        exc_raise(vm, E_TypeError, "%s() takes %s %d positional argument%s (%d given)", fname,
                  nmin < npos ? "at most" : "exactly", npos, npos == 1 ? "" : "s", nargs);
        return false;
    }
    for (int i = 0; i < nparams; i++) out[i] = i < nargs ? args[i] : UNDEF;
    /* C functions (ARGS_INVALID_KW) fill their parameters first, so a
     * missing required one is reported before a stray keyword; functions
     * written in Python in CPython reject the stray keyword first. */
    bool clinic = flags & ARGS_INVALID_KW;
    const char *bad = NULL, *dupkey = NULL;
    int dupat = 0;
    for (int k = 0; k < nkw; k++) {
        const char *key = AS(ObjStr, kw->items[k])->data;
        int i = 0;
        while (i < nparams && strcmp(names[i], key) != 0) i++;
        bool dup = i < nparams && out[i] != UNDEF;
        if (i == nparams || (dup && (flags & ARGS_DUP_INVALID))) {
            if (!clinic) {
                exc_raise(vm, E_TypeError, "%s() got an unexpected keyword argument '%s'", fname, key);
                return false;
            }
            if (!bad) bad = key;
            continue;
        }
        if (dup) {
            if (!dupkey || i < dupat) dupkey = key, dupat = i;
            if (clinic) continue;
            break;
        }
        out[i] = args[nargs + k];
    }
    if (dupkey && !clinic) goto dup_error;
    for (int i = 0; i < nmin; i++) {
        if (out[i] == UNDEF) {
            exc_raise(vm, E_TypeError, "%s() missing required argument '%s' (pos %d)", fname, names[i], i + 1);
            return false;
        }
    }
    if (dupkey) {
    dup_error:
        exc_raise(vm, E_TypeError, "argument for %s() given by name ('%s') and position (%d)", fname, dupkey, dupat + 1);
        return false;
    }
    if (bad) {
        exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", bad, fname);
        return false;
    }
    return true;
}

bool args_no_kw(VM *vm, const char *fname, ObjTuple *kwnames) {
    if (!kwnames || kwnames->len == 0) return true;
    exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", fname);
    return false;
}

bool args_no_kw_new(VM *vm, const char *fname, Value cls, ObjClass *base, ObjTuple *kwnames) {
    if (!kwnames || kwnames->len == 0) return true;
    ObjStr *init = vm_name(vm, N___init__);
    if (is_kind(cls, OBJ_CLASS) && cls != obj_val(base) &&
        class_lookup(AS(ObjClass, cls), init) != class_lookup(base, init))
        return true;
    return args_no_kw(vm, fname, kwnames);
}

bool args_none(VM *vm, const char *type, const char *name, int nargs, ObjTuple *kwnames) {
    if (kwnames && kwnames->len) {
        exc_raise(vm, E_TypeError, "%s.%s() takes no keyword arguments", type, name);
        return false;
    }
    if (nargs != 1) {
        exc_raise(vm, E_TypeError, "%s.%s() takes no arguments (%d given)", type, name, nargs - 1);
        return false;
    }
    return true;
}
