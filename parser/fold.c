/* Constant folding (see fold.h). The limits are CPython's, so that what
 * folds there folds here and nothing else does: big ints, long strings and
 * large tuples are computed when the code runs. */
#include "fold.h"

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/num.h"
#include "../vm/ops.h"

#define MAX_INT_BITS 128            /* bits of an int result */
#define MAX_COLLECTION_SIZE 256     /* items of a repeated tuple */
#define MAX_STR_SIZE 4096           /* characters (bytes) of a repeated string */
#define MAX_TOTAL_ITEMS 1024        /* items of a repeated tuple, nested ones included */

static bool is_zero(Value v) { return is_intlike(v) && int_sign(v) == 0; }

/* The items in t and the tuples in it, or more than `limit` once it is exceeded. */
static int64_t total_items(Value t, int64_t limit) {
    if (!is_tuple(t)) return 0;
    ObjTuple *tu = AS(ObjTuple, t);
    int64_t n = tu->len;
    for (int64_t i = 0; i < tu->len && n <= limit; i++) n += total_items(tu->items[i], limit - n);
    return n;
}

/* An int times a sequence: whether CPython's optimizer repeats it (n >= 0
 * and the result stays within the limits). */
static bool repeat_ok(Value count, Value seq) {
    int64_t n;
    if (!int_to_i64(count, &n)) return false;
    if (is_str(seq) || is_kind(seq, OBJ_BYTES)) {
        int64_t size = is_str(seq) ? AS(ObjStr, seq)->cplen : AS(ObjBytes, seq)->len;
        return size == 0 || (n >= 0 && n <= MAX_STR_SIZE / size);
    }
    if (is_tuple(seq)) {
        int64_t size = AS(ObjTuple, seq)->len;
        if (size == 0) return true;
        if (n < 0 || n > MAX_COLLECTION_SIZE / size) return false;
        return n == 0 || total_items(seq, MAX_TOTAL_ITEMS / n) <= MAX_TOTAL_ITEMS / n;
    }
    return true;
}

/* Whether CPython's optimizer computes `a op b` (ast_opt.c's safe_multiply,
 * safe_power, safe_lshift and safe_mod); the operation may still raise. */
static bool binop_ok(BinOp op, Value a, Value b) {
    switch (op) {
    case BIN_MATMUL: return false;
    case BIN_MOD: return !is_str(a) && !is_kind(a, OBJ_BYTES);     /* %-formatting runs */
    case BIN_MUL:
        if (is_intlike(a) && is_intlike(b))
            return is_zero(a) || is_zero(b) || int_bit_length(a) + int_bit_length(b) <= MAX_INT_BITS;
        if (is_intlike(a)) return repeat_ok(a, b);
        if (is_intlike(b)) return repeat_ok(b, a);
        return true;
    case BIN_POW:
        if (is_intlike(a) && is_intlike(b) && !is_zero(a) && int_sign(b) > 0) {
            int64_t e;
            return int_to_i64(b, &e) && int_bit_length(a) <= MAX_INT_BITS / e;
        }
        return true;
    case BIN_LSHIFT:
        if (is_intlike(a) && is_intlike(b) && !is_zero(a) && !is_zero(b)) {
            int64_t s;
            if (!int_to_i64(b, &s) || s < 0) return true;      /* a negative count raises */
            return s <= MAX_INT_BITS && int_bit_length(a) <= MAX_INT_BITS - s;
        }
        return true;
    default: return true;
    }
}

/* The result, or UNDEF when the operation raises (the error is dropped:
 * the code will raise it when it runs). */
static Value computed(VM *vm, Value r) {
    if (r == ERR) {
        vm->exc = UNDEF;
        return UNDEF;
    }
    return r;
}

/* Folding gives up on expressions nested deeper (the compiler compiles
 * them as they are), which bounds its recursion and its cost. */
#define MAX_DEPTH 200

static Value fold(VM *vm, const Node *n, FoldLeaf leaf, void *ctx, int depth);

/* (no collection runs while compiling: the tuple is safe half filled) */
static Value fold_tuple(VM *vm, const Node *n, FoldLeaf leaf, void *ctx, int depth) {
    const NodeList *elts = &n->u.seq.elts;
    ObjTuple *t = tuple_new(vm, elts->n);
    if (!t) return ERR;
    for (int i = 0; i < elts->n; i++) {
        Value v = fold(vm, elts->items[i], leaf, ctx, depth);
        if (v == UNDEF || v == ERR) return v;
        t->items[i] = v;
    }
    return obj_val(t);
}

static Value fold_unary(VM *vm, const Node *n, FoldLeaf leaf, void *ctx, int depth) {
    AstOp op = n->u.unary.op;
    if (op == OP_NOT) return UNDEF;     /* (a bool: nothing to see) */
    Value v = fold(vm, n->u.unary.operand, leaf, ctx, depth);
    if (v == UNDEF || v == ERR) return v;
    if (op == OP_INVERT && is_bool(v)) return UNDEF;   /* the compiler has its own way with ~True */
    return computed(vm, op == OP_NEG ? op_neg(vm, v) : op == OP_POS ? op_pos(vm, v) : op_invert(vm, v));
}

static Value fold_binop(VM *vm, const Node *n, FoldLeaf leaf, void *ctx, int depth) {
    Value a = fold(vm, n->u.binop.left, leaf, ctx, depth);
    if (a == UNDEF || a == ERR) return a;
    Value b = fold(vm, n->u.binop.right, leaf, ctx, depth);
    if (b == UNDEF || b == ERR) return b;
    BinOp op = (BinOp)n->u.binop.op;    /* the first AstOps are the BinOps, in order */
    if (!binop_ok(op, a, b)) return UNDEF;
    return computed(vm, op_binary(vm, op, a, b));
}

static Value fold_subscript(VM *vm, const Node *n, FoldLeaf leaf, void *ctx, int depth) {
    if (n->u.subscript.index->kind == E_SLICE) return UNDEF;
    Value v = fold(vm, n->u.subscript.value, leaf, ctx, depth);
    if (v == UNDEF || v == ERR) return v;
    Value k = fold(vm, n->u.subscript.index, leaf, ctx, depth);
    if (k == UNDEF || k == ERR) return k;
    return computed(vm, op_getitem(vm, v, k));
}

static Value fold(VM *vm, const Node *n, FoldLeaf leaf, void *ctx, int depth) {
    if (++depth > MAX_DEPTH) return UNDEF;
    switch (n->kind) {
    case E_INT: case E_FLOAT: case E_IMAG: case E_STR: case E_BYTES:
    case E_NONE: case E_TRUE: case E_FALSE: case E_ELLIPSIS:
        return leaf(ctx, n);
    case E_TUPLE: return fold_tuple(vm, n, leaf, ctx, depth);
    case E_UNARY: return fold_unary(vm, n, leaf, ctx, depth);
    case E_BINOP: return fold_binop(vm, n, leaf, ctx, depth);
    case E_SUBSCRIPT: return fold_subscript(vm, n, leaf, ctx, depth);
    default: return UNDEF;
    }
}

Value fold_expr(VM *vm, const Node *n, FoldLeaf leaf, void *ctx) { return fold(vm, n, leaf, ctx, 0); }
