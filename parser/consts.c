/* Constants of the compiler: what literals are, what CPython's AST
 * optimizer folds, and the pool that merges equal constants. Programs can
 * tell: `("per" + "fect") is "perfect"`, `x is 2**3` warns, a tuple
 * display of constants is one object however often it runs. */
#include "consts.h"
#include <stdlib.h>
#include <string.h>
#include "../vm/bytes.h"
#include "../vm/containers.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"

/* The optimizer's limits: what would make a constant bigger than these is
 * left to run time, so a program's code object stays small. */
enum { MAX_INT_BITS = 128, MAX_COLLECTION = 256, MAX_STR = 4096, MAX_TOTAL_ITEMS = 1024, MAX_DEPTH = 1500 };

/* Like CPython, a string literal made only of ASCII letters, digits and
 * underscores is interned, so the same identifier-like literal in two
 * modules (or in exec'd code) is one object: `classify(6) is "perfect"`
 * holds across modules, as tests written for CPython expect. */
Value const_str(VM *vm, const char *p, size_t len) {
    bool name_chars = len > 1;
    for (size_t i = 0; name_chars && i < len; i++) {
        char ch = p[i];
        name_chars = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    }
    if (!name_chars) return str_new(vm, p, len);
    ObjStr *s = str_intern(vm, p, len);
    return s ? obj_val(s) : ERR;
}

int64_t const_int_digits_over(VM *vm, const Node *e) {
    int64_t limit = vm->int_max_str_digits;
    if (e->kind != E_INT || e->u.int_lit.base != 10 || limit <= 0) return 0;
    int64_t digits = 0;
    for (const char *p = e->u.int_lit.digits; *p; p++) digits += *p >= '0' && *p <= '9';
    return digits > limit ? digits : 0;
}

static Value literal(VM *vm, const Node *e) {
    switch (e->kind) {
    case E_INT:
        if (const_int_digits_over(vm, e)) return UNDEF;
        return int_from_digits(vm, e->u.int_lit.digits, e->u.int_lit.base);
    case E_FLOAT: return float_val(e->u.fval);
    case E_IMAG: return cpx_new(vm, 0.0, e->u.fval);
    case E_STR: return const_str(vm, e->u.str.s, e->u.str.len);
    case E_BYTES: return bytes_new(vm, (const uint8_t *)e->u.str.s, e->u.str.len);
    case E_NONE: return NONE_VAL;
    case E_TRUE: return TRUE_VAL;
    case E_FALSE: return FALSE_VAL;
    case E_ELLIPSIS: return ELLIPSIS_VAL;
    default: return UNDEF;
    }
}

/* ---- the optimizer's size checks ----------------------------------------- */

/* What is left of budget after counting the items of t and of the tuples
 * nested in it; below zero once it runs out. */
static int64_t tuple_weight(Value t, int64_t budget) {
    if (!is_kind(t, OBJ_TUPLE)) return budget;
    ObjTuple *tp = AS(ObjTuple, t);
    budget -= tp->len;
    for (int64_t i = 0; budget >= 0 && i < tp->len; i++) budget = tuple_weight(tp->items[i], budget);
    return budget;
}

/* n * seq: repeating a str or bytes past 4096 items, or a tuple past 256
 * (or 1024 counting nested tuples), stays a run-time operation. */
static bool repeat_is_small(VM *vm, Value n, Value seq) {
    bool tuple = is_kind(seq, OBJ_TUPLE);
    if (!tuple && !is_str(seq) && !is_kind(seq, OBJ_BYTES)) return true;
    int64_t size = op_len(vm, seq), times;
    if (size <= 0) return size == 0;
    if (!int_to_i64(n, &times) || times < 0 || times > (tuple ? MAX_COLLECTION : MAX_STR) / size) return false;
    return !tuple || times == 0 || tuple_weight(seq, MAX_TOTAL_ITEMS / times) >= 0;
}

static bool fold_is_small(VM *vm, BinOp op, Value a, Value b) {
    bool ints = is_intlike(a) && is_intlike(b);
    int64_t w;
    switch (op) {
    case BIN_MUL:
        if (ints) return !int_sign(a) || !int_sign(b) || int_bit_length(a) + int_bit_length(b) <= MAX_INT_BITS;
        if (is_intlike(a)) return repeat_is_small(vm, a, b);
        if (is_intlike(b)) return repeat_is_small(vm, b, a);
        return true;
    case BIN_POW:
        if (!ints || !int_sign(a) || int_sign(b) <= 0) return true;
        return int_to_i64(b, &w) && int_bit_length(a) <= MAX_INT_BITS / w;
    case BIN_LSHIFT:
        if (!ints || !int_sign(a) || !int_sign(b)) return true;
        return int_to_i64(b, &w) && w >= 0 && w <= MAX_INT_BITS && int_bit_length(a) <= MAX_INT_BITS - w;
    case BIN_MOD:   /* str % args is formatting: never folded */
        return !is_str(a) && !is_kind(a, OBJ_BYTES);
    default: return true;
    }
}

/* ---- folding ------------------------------------------------------------- */

static Value fold(VM *vm, const Node *e, int depth);

static Value fold_unary(VM *vm, const Node *e, int depth) {
    Value v = fold(vm, e->u.unary.operand, depth);
    if (v == UNDEF || v == ERR) return v;     /* (an operand that failed: `not None[0]`) */
    switch (e->u.unary.op) {
    case OP_NEG: return op_neg(vm, v);
    case OP_POS: return op_pos(vm, v);
    case OP_NOT: {
        int t = op_truthy(vm, v);
        return t < 0 ? ERR : bool_val(!t);
    }
    default:
        /* CPython's optimizer warns when it folds ~True: counted here,
         * warned after compiling (see VM.compile_warns) */
        if (!is_bool(v)) return op_invert(vm, v);
        if (vm->compile_warns) vm->compile_bool_inverts++;
        return int_val(v == TRUE_VAL ? -2 : -1);
    }
}

static Value fold_binop(VM *vm, const Node *e, int depth) {
    if (e->u.binop.op == OP_MATMUL) return UNDEF;
    Value a = fold(vm, e->u.binop.left, depth);
    if (a == UNDEF || a == ERR) return a;
    Value b = fold(vm, e->u.binop.right, depth);
    if (b == UNDEF || b == ERR) return b;
    BinOp op = (BinOp)e->u.binop.op;    /* AstOp's first entries are BinOp's */
    return fold_is_small(vm, op, a, b) ? op_binary(vm, op, a, b) : UNDEF;
}

static Value fold_tuple(VM *vm, const Node *e, int depth) {
    const NodeList *elts = &e->u.seq.elts;
    for (int i = 0; i < elts->n; i++)
        if (elts->items[i]->kind == E_STARRED) return UNDEF;
    ObjTuple *t = tuple_new(vm, elts->n);
    if (!t) return ERR;
    for (int i = 0; i < elts->n; i++) t->items[i] = NONE_VAL;
    for (int i = 0; i < elts->n; i++) {
        Value v = fold(vm, elts->items[i], depth);
        if (v == UNDEF || v == ERR) return v;
        t->items[i] = v;
    }
    return obj_val(t);
}

/* e's constant, UNDEF when it is none, ERR after raising. */
static Value fold(VM *vm, const Node *e, int depth) {
    if (++depth > MAX_DEPTH) return UNDEF;
    switch (e->kind) {
    case E_UNARY: return fold_unary(vm, e, depth);
    case E_BINOP: return fold_binop(vm, e, depth);
    case E_TUPLE: return fold_tuple(vm, e, depth);
    case E_SUBSCRIPT: {
        Value v = fold(vm, e->u.subscript.value, depth);
        Value i = v == UNDEF || v == ERR ? v : fold(vm, e->u.subscript.index, depth);
        return i == UNDEF || i == ERR ? i : op_getitem(vm, v, i);
    }
    default: return literal(vm, e);
    }
}

Value const_fold(VM *vm, const Node *e) {
    Value v = fold(vm, e, 0);
    if (v != ERR) return v;
    vm->exc = UNDEF;    /* 1/0, "a" + 1, ...: raised again at run time */
    return UNDEF;
}

/* ---- the pool ------------------------------------------------------------ */

/* Whether v is a constant the pool merges: an object of a builtin
 * immutable type made of such (immediates need no merging). */
static bool poolable(Value v) {
    if (!is_obj(v)) return false;
    switch (as_obj(v)->kind) {
    case OBJ_STR: case OBJ_BYTES: case OBJ_BIGINT: case OBJ_COMPLEX: return true;
    case OBJ_TUPLE: {
        ObjTuple *t = AS(ObjTuple, v);
        for (int64_t i = 0; i < t->len; i++)
            if (is_obj(t->items[i]) && !poolable(t->items[i])) return false;
        return true;
    }
    default: return false;
    }
}

/* Same type and same value, bit for bit for floats (0.0 is not -0.0,
 * 1 is not 1.0 nor True). */
static bool same_const(VM *vm, Value a, Value b) {
    if (a == b) return true;
    if (!is_obj(a) || !is_obj(b) || as_obj(a)->kind != as_obj(b)->kind) return false;
    switch (as_obj(a)->kind) {
    case OBJ_STR: return str_eq(AS(ObjStr, a), AS(ObjStr, b));
    case OBJ_BYTES: {
        ObjBytes *x = AS(ObjBytes, a), *y = AS(ObjBytes, b);
        return x->len == y->len && !memcmp(x->data, y->data, (size_t)x->len);
    }
    case OBJ_BIGINT: return op_eq(vm, a, b) == 1;
    case OBJ_COMPLEX: return !memcmp(&AS(ObjComplex, a)->re, &AS(ObjComplex, b)->re, 2 * sizeof(double));
    case OBJ_TUPLE: {
        ObjTuple *x = AS(ObjTuple, a), *y = AS(ObjTuple, b);
        if (x->len != y->len) return false;
        for (int64_t i = 0; i < x->len; i++)
            if (!same_const(vm, x->items[i], y->items[i])) return false;
        return true;
    }
    default: return false;
    }
}

static bool pool_grow(ConstPool *p) {
    uint32_t cap = p->cap ? p->cap * 2 : 64;
    Value *slots = calloc(cap, sizeof *slots);
    uint64_t *hashes = calloc(cap, sizeof *hashes);
    if (!slots || !hashes || cap < p->cap) {
        free(slots);
        free(hashes);
        return false;
    }
    for (uint32_t i = 0; i < p->cap; i++) {
        if (!p->slots[i]) continue;
        uint32_t j = (uint32_t)p->hashes[i] & (cap - 1);
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = p->slots[i];
        hashes[j] = p->hashes[i];
    }
    free(p->slots);
    free(p->hashes);
    p->slots = slots;
    p->hashes = hashes;
    p->cap = cap;
    return true;
}

Value const_pool_merge(VM *vm, ConstPool *pool, Value v) {
    if (!poolable(v)) return v;
    if (is_kind(v, OBJ_TUPLE)) {    /* its items first: ("a b",)[0] is "a b" */
        ObjTuple *t = AS(ObjTuple, v);
        for (int64_t i = 0; i < t->len; i++) t->items[i] = const_pool_merge(vm, pool, t->items[i]);
    }
    uint64_t h;
    if (op_hash(vm, v, &h) < 0) {
        vm->exc = UNDEF;
        return v;
    }
    if (pool->n * 2 >= pool->cap && !pool_grow(pool)) return v;
    uint32_t j = (uint32_t)h & (pool->cap - 1);
    for (; pool->slots[j]; j = (j + 1) & (pool->cap - 1))
        if (pool->hashes[j] == h && same_const(vm, pool->slots[j], v)) return pool->slots[j];
    pool->slots[j] = v;
    pool->hashes[j] = h;
    pool->n++;
    return v;
}

void const_pool_free(ConstPool *pool) {
    free(pool->slots);
    free(pool->hashes);
    *pool = (ConstPool){0};
}
