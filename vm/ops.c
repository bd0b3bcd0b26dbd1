/* The object protocol (see ops.h). Builtin types are handled by switching
 * on their layout; user instances through their special methods, looked up
 * on the class as CPython does (never on the instance). */
#include "ops.h"

#include <stdlib.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "gen.h"
#include "import.h"
#include "interp.h"
#include "slots.h"
#include "binbuf.h"
#include "builtin_docs.h"
#include "builtins.h"
#include "bytes.h"
#include "str.h"
#include "subtype.h"

ObjClass *type_of(VM *vm, Value v) {
    switch (VTAG(v)) {
    case VTAG_INT: return vm->types[T_INT];
    case VTAG_BOOL: return vm->types[T_BOOL];
    case VTAG_OBJ: return as_obj(v)->cls;
    case VTAG_CONST:
        if (v == NONE_VAL) return vm->types[T_NONE];
        if (v == NOTIMPL_VAL) return vm->types[T_NOTIMPL];
        if (v == ELLIPSIS_VAL) return vm->types[T_ELLIPSIS];
        return vm->types[T_NONE];
    default: return vm->types[T_FLOAT];
    }
}

/* What error messages call a class (CPython's tp_name): a native class
 * from a module other than builtins is "module.name" there, as CPython's
 * C types are ("itertools.count", "_io.StringIO"); the name is made on
 * the first message that needs it and kept in tp_name. Classes written in
 * Asy or Python are called by their __name__. */
const char *class_tp_name(VM *vm, ObjClass *c) {
    if (c->tp_name) return c->tp_name->data;
    if ((c->obj.flags & CLASS_BUILTIN) && is_str(c->module) &&
        strcmp(AS(ObjStr, c->module)->data, "builtins") != 0) {
        StrBuf b = SB_INIT;
        sb_addf(&b, "%s.%s", AS(ObjStr, c->module)->data, c->qualname->data);
        ObjStr *s = b.data ? str_intern_cstr(vm, b.data) : NULL;
        sb_free(&b);
        if (s) c->tp_name = s;
    }
    return (c->tp_name ? c->tp_name : c->name)->data;
}

const char *type_name(VM *vm, Value v) {
    return class_tp_name(vm, type_of(vm, v));
}

static bool is_user(Value v) {
    return is_obj(v) && (as_obj(v)->kind == OBJ_INSTANCE || as_obj(v)->kind == OBJ_EXC);
}

static bool is_subtype(Value v) { return is_obj(v) && (as_obj(v)->flags & OBJ_SUBTYPE); }

/* The special method `name` that a subtype instance's class (or a class
 * between it and its builtin base) defines: an override; UNDEF if none. */
static Value sub_override(VM *vm, Obj *o, NameId name) {
    ObjTuple *mro = o->cls->mro;
    for (int64_t i = 0; i < mro->len; i++) {
        ObjClass *c = AS(ObjClass, mro->items[i]);
        if (c->obj.flags & CLASS_BUILTIN) break;
        Value v = dict_get_str(c->dict, vm_name(vm, name));
        if (v != UNDEF) return v;
    }
    return UNDEF;
}

/* Several ops below take `layout`: do what the builtin type does by C
 * layout alone, with no override consulted (a builtin type's special method
 * called through super() or the class, see op_layout_call). This raises
 * when the layout has no such operation. They are always inlined, so that
 * op_X keeps its speed with layout false. */
static bool layout_fail(VM *vm, Value v, NameId name) {
    exc_raise(vm, E_TypeError, "'%T' object has no builtin %s", v, vm_name(vm, name)->data);
    return false;
}

Value op_override(VM *vm, Value v, NameId name) {
    return is_obj(v) && (as_obj(v)->flags & OBJ_SUBTYPE) ? sub_override(vm, as_obj(v), name) : UNDEF;
}

Value op_override_named(VM *vm, Value v, ObjStr *name) {
    (void)vm;
    if (!is_obj(v) || !(as_obj(v)->flags & OBJ_SUBTYPE)) return UNDEF;
    ObjTuple *mro = as_obj(v)->cls->mro;
    for (int64_t i = 0; i < mro->len; i++) {
        ObjClass *c = AS(ObjClass, mro->items[i]);
        if (c->obj.flags & CLASS_BUILTIN) break;
        Value m = dict_get_str(c->dict, name);
        if (m != UNDEF) return m;
    }
    return UNDEF;
}

/* Whether the operation behind `name` applies to o as its C layout says:
 * always, but for a subtype instance whose class overrides it. */
static inline bool by_layout(VM *vm, Obj *o, NameId name) {
    return !(o->flags & OBJ_SUBTYPE) || sub_override(vm, o, name) == UNDEF;
}

Value op_special(VM *vm, Value obj, NameId name) {
    ObjTuple *mro = type_of(vm, obj)->mro;
    for (int64_t i = 0; i < mro->len; i++) {
        ObjClass *c = AS(ObjClass, mro->items[i]);
        Value v = dict_get_str(c->dict, vm_name(vm, name));
        if (v == UNDEF) continue;
        if (c == vm->types[T_OBJECT]) return UNDEF;
        /* A builtin type's own layout method (an explicit assignment of one
         * in a Python class, `__str__ = int.__repr__`, does count). */
        if ((c->obj.flags & CLASS_BUILTIN) && is_kind(v, OBJ_NATIVE) && (as_obj(v)->flags & NATIVE_LAYOUT))
            return UNDEF;
        return v;
    }
    return UNDEF;
}

static bool is_method_like(Value v);

Value op_special_bound(VM *vm, Value obj, Value m) {
    if (is_method_like(m) || !is_obj(m)) return UNDEF;
    if (!is_kind(m, OBJ_PROPERTY) && !is_kind(m, OBJ_INSTANCE) && !is_kind(m, OBJ_WRAPPER) &&
        !(as_obj(m)->flags & OBJ_SUBTYPE))
        return UNDEF;
    return op_bind_attr(vm, obj, m);
}

/* op_call_special, and with lookup_soft, an error while binding reads as "no method" (UNDEF):
 * rich comparisons then fall back as if the method were missing, as
 * CPython's do. */
static Value call_found(VM *vm, Value obj, Value m, Value *args, int nargs, bool lookup_soft) {
    /* A special method set to None blocks the operation: CPython fills the
       slot all the same and calls None (callers that give None a meaning of
       its own, __hash__, __iter__, __contains__, test for it first). */
    if (m == NONE_VAL) return exc_raise(vm, E_TypeError, "'NoneType' object is not callable");
    Value argv[4];
    argv[0] = obj;
    for (int i = 0; i < nargs; i++) argv[i + 1] = args[i];
    if (is_kind(m, OBJ_WRAPPER)) {
        if (!op_is_classmethod(vm, m)) return op_call(vm, AS(ObjWrapper, m)->v, args, nargs, NULL);
        argv[0] = obj_val(type_of(vm, obj));
        return op_call(vm, AS(ObjWrapper, m)->v, argv, nargs + 1, NULL);
    }
    Value f = op_special_bound(vm, obj, m);
    if (f == UNDEF) return op_call(vm, m, argv, nargs + 1, NULL);
    if (f == ERR && lookup_soft) {
        vm->exc = UNDEF;
        return UNDEF;
    }
    return f == ERR ? ERR : op_call(vm, f, args, nargs, NULL);
}

Value op_call_special(VM *vm, Value obj, Value m, Value *args, int nargs) {
    return call_found(vm, obj, m, args, nargs, false);
}

/* Calls the special method `name` of obj with args; UNDEF if it has none. */
static Value call_special(VM *vm, Value obj, NameId name, Value *args, int nargs) {
    Value m = op_special(vm, obj, name);
    return m == UNDEF ? UNDEF : call_found(vm, obj, m, args, nargs, false);
}

static int64_t len_result(VM *vm, Value r);

/* ---- arithmetic -------------------------------------------------------- */

static const char *const binop_sym[BIN_COUNT] = {"+", "-", "*", "@", "/", "//", "%", "**", "<<", ">>", "|", "^", "&"};
static const NameId binop_name[BIN_COUNT] = {
    N___add__, N___sub__, N___mul__, N___matmul__, N___truediv__, N___floordiv__, N___mod__,
    N___pow__, N___lshift__, N___rshift__, N___or__, N___xor__, N___and__};
static const NameId binop_rname[BIN_COUNT] = {
    N___radd__, N___rsub__, N___rmul__, N___rmatmul__, N___rtruediv__, N___rfloordiv__, N___rmod__,
    N___rpow__, N___rlshift__, N___rrshift__, N___ror__, N___rxor__, N___rand__};
static const NameId binop_iname[BIN_COUNT] = {
    N___iadd__, N___isub__, N___imul__, N___imatmul__, N___itruediv__, N___ifloordiv__, N___imod__,
    N___ipow__, N___ilshift__, N___irshift__, N___ior__, N___ixor__, N___iand__};

static Value seq_repeat(VM *vm, Value seq, Value count) {
    int64_t n;
    if (!int_to_i64(count, &n))     /* (a huge negative count as well, as CPython) */
        return exc_raise(vm, E_OverflowError, "cannot fit 'int' into an index-sized integer");
    if (is_str(seq)) return str_repeat(vm, AS(ObjStr, seq), n);
    if (n < 0) n = 0;
    if (is_kind(seq, OBJ_BYTES)) {
        ObjBytes *b = AS(ObjBytes, seq);
        if (n == 1 && b->obj.cls == vm->types[T_BYTES]) return seq;     /* immutable: as CPython */
        if (n && b->len > INT64_MAX / n) return exc_raise(vm, E_OverflowError, "repeated bytes are too long");
        size_t total = (size_t)(b->len * n);
        uint8_t *buf = total < ((size_t)1 << 40) ? malloc(total ? total : 1) : NULL;
        if (!buf) return exc_nomem(vm);
        for (int64_t i = 0; i < n; i++) memcpy(buf + i * b->len, b->data, (size_t)b->len);
        Value r = bytes_new(vm, buf, total);
        free(buf);
        return r;
    }
    bool list = is_list(seq);
    int64_t len = list ? AS(ObjList, seq)->len : AS(ObjTuple, seq)->len;
    Value *items = list ? AS(ObjList, seq)->items : AS(ObjTuple, seq)->items;
    if (len && n > INT64_MAX / 16 / len) return exc_nomem(vm);
    if (!list && n == 1 && as_obj(seq)->cls == vm->types[T_TUPLE]) return seq;
    int64_t total = len * n;
    if (list) {
        ObjList *r = list_new(vm, total);
        if (!r) return ERR;
        for (int64_t i = 0; i < n; i++) copy_values(r->items + i * len, items, len);
        r->len = total;
        return obj_val(r);
    }
    ObjTuple *r = tuple_new(vm, total);
    if (!r) return ERR;
    for (int64_t i = 0; i < n; i++) copy_values(r->items + i * len, items, len);
    return obj_val(r);
}

static Value seq_concat(VM *vm, Value a, Value b) {
    if (is_list(a)) {
        ObjList *x = AS(ObjList, a), *y = AS(ObjList, b);
        ObjList *r = list_new(vm, x->len + y->len);
        if (!r) return ERR;
        copy_values(r->items, x->items, x->len);
        copy_values(r->items + x->len, y->items, y->len);
        r->len = x->len + y->len;
        return obj_val(r);
    }
    ObjTuple *x = AS(ObjTuple, a), *y = AS(ObjTuple, b);
    /* A tuple subclass operand is copied into an exact tuple. */
    if (y->len == 0 && x->obj.cls == vm->types[T_TUPLE]) return a;
    if (x->len == 0 && y->obj.cls == vm->types[T_TUPLE]) return b;
    ObjTuple *r = tuple_new(vm, x->len + y->len);
    if (!r) return ERR;
    copy_values(r->items, x->items, x->len);
    copy_values(r->items + x->len, y->items, y->len);
    return obj_val(r);
}

/* dict_keys and dict_items behave as sets in |, &, - and ^. */
static bool is_set_view(VM *vm, Value v) {
    if (!is_kind(v, OBJ_ITER)) return false;
    TypeId t = dict_view_type(vm, as_obj(v)->cls);
    return t == T_DICT_KEYS || t == T_DICT_ITEMS;
}

static Value as_set(VM *vm, Value v) {
    /* (a frozenset is copied too: the result of a view's & is a set) */
    if (is_kind(v, OBJ_SET) && as_obj(v)->cls == vm->types[T_SET]) return v;
    ObjSet *s = set_new(vm, vm->types[T_SET]);
    if (!s || !vm_push_root(vm, obj_val(s))) return ERR;
    int r = set_update(vm, s, v);
    vm_pop_roots(vm, 1);
    return r < 0 ? ERR : obj_val(s);
}

/* |, ^ and - as CPython does them: a new set of the left operand, updated
 * in place with the right one (so the order of the result's items, which a
 * print shows, comes out the same). */
static Value view_update_binop(VM *vm, BinOp op, Value a, Value b) {
    ObjSet *r = set_new(vm, vm->types[T_SET]);
    if (!r || !vm_push_root(vm, obj_val(r))) return ERR;
    Value res = ERR;
    if (set_update(vm, r, a) == 0) {
        if (op == BIN_OR) {
            res = set_update(vm, r, b) < 0 ? ERR : obj_val(r);
        } else {
            Value y = as_set(vm, b);    /* a new set when b is a view: kept while r is updated */
            if (y != ERR && vm_push_root(vm, y)) {
                res = set_inplace(vm, op, obj_val(r), y);
                vm_pop_roots(vm, 1);
            }
        }
    }
    vm_pop_roots(vm, 1);
    return res;
}

static bool is_items_view(VM *vm, Value v) {
    return is_set_view(vm, v) && dict_view_type(vm, as_obj(v)->cls) == T_DICT_ITEMS;
}

static int64_t view_len(Value v) {
    return AS(ObjDict, ((ObjIter *)as_obj(v))->a)->count;
}

/* view & other as CPython does it: the items of the other side (or of the
 * smaller view) that the view contains, asked with `in`, so an items
 * view's unhashable values are never hashed unless they are kept. */
static void swap_values(Value *a, Value *b) {
    Value t = *a;
    *a = *b, *b = t;
}

static Value view_and(VM *vm, Value a, Value b) {
    if (!is_set_view(vm, a)) swap_values(&a, &b);
    bool b_set = is_kind(b, OBJ_SET) && as_obj(b)->cls == vm->types[T_SET];
    if (b_set && view_len(a) <= AS(ObjSet, b)->used)
        swap_values(&a, &b);        /* set.intersection(view): the view's items in b */
    else if (is_set_view(vm, b) && view_len(b) > view_len(a))
        swap_values(&a, &b);
    ObjSet *r = set_new(vm, vm->types[T_SET]);
    if (!r || !vm_push_root(vm, obj_val(r))) return ERR;
    Value it = op_iter(vm, b);
    if (it == ERR || !vm_push_root(vm, it)) {
        vm_pop_roots(vm, 1);
        return ERR;
    }
    Value res = obj_val(r);
    for (;;) {
        Value x = op_next(vm, it);
        if (x == UNDEF) break;
        int in = x == ERR ? -1 : op_contains(vm, a, x);
        if (in < 0 || (in && set_add(vm, r, x) < 0)) {
            res = ERR;
            break;
        }
    }
    vm_pop_roots(vm, 2);
    return res;
}

/* & (and items ^ items) on two new sets. */
static Value view_binop(VM *vm, BinOp op, Value a, Value b) {
    if (op == BIN_AND) return view_and(vm, a, b);
    if (op != BIN_XOR || !is_items_view(vm, a) || !is_items_view(vm, b))
        return view_update_binop(vm, op, a, b);
    Value x = as_set(vm, a);
    if (x == ERR || !vm_push_root(vm, x)) return ERR;
    Value y = as_set(vm, b);
    vm_pop_roots(vm, 1);
    if (y == ERR) return ERR;
    return set_binop(vm, op, x, y);
}

/* Builtin types' operators; NOTIMPL when they don't apply. */
static Value builtin_binop(VM *vm, BinOp op, Value a, Value b) {
    if (is_number(a) && is_number(b)) {
        if (is_float(a) || is_float(b)) {
            double x, y;
            if (is_float(a)) x = as_float(a);
            else if (int_to_float(vm, a, &x) == ERR) return ERR;
            if (is_float(b)) y = as_float(b);
            else if (int_to_float(vm, b, &y) == ERR) return ERR;
            return flt_binop(vm, op, x, y);
        }
        return int_binop(vm, op, a, b);
    }
    ObjKind ka = is_obj(a) ? (ObjKind)as_obj(a)->kind : OBJ_KIND_COUNT;
    ObjKind kb = is_obj(b) ? (ObjKind)as_obj(b)->kind : OBJ_KIND_COUNT;
    if (ka == OBJ_COMPLEX || kb == OBJ_COMPLEX) {
        Value r = cpx_binop(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;     /* else `"%s" % 1j` and the like */
    }
    if (ka == OBJ_FLOAT || kb == OBJ_FLOAT) {
        /* a float subclass's instance: float's operators on its value */
        Value x = ka == OBJ_FLOAT ? float_val(AS(ObjFloat, a)->d) : a, y = kb == OBJ_FLOAT ? float_val(AS(ObjFloat, b)->d) : b;
        return is_number(x) && is_number(y) ? builtin_binop(vm, op, x, y) : NOTIMPL_VAL;
    }
    switch (op) {
    case BIN_ADD:
        if (ka == OBJ_STR && kb == OBJ_STR) return str_concat(vm, AS(ObjStr, a), AS(ObjStr, b));
        if ((ka == OBJ_LIST && kb == OBJ_LIST) || (ka == OBJ_TUPLE && kb == OBJ_TUPLE)) return seq_concat(vm, a, b);
        if (ka == OBJ_BYTES && kb == OBJ_BYTES) {
            ObjBytes *x = AS(ObjBytes, a), *y = AS(ObjBytes, b);
            StrBuf sb = SB_INIT;
            sb_add(&sb, (const char *)x->data, (size_t)x->len);
            sb_add(&sb, (const char *)y->data, (size_t)y->len);
            if (sb.oom) { sb_free(&sb); return exc_nomem(vm); }
            Value r = bytes_new(vm, (const uint8_t *)(sb.data ? sb.data : ""), sb.len);
            sb_free(&sb);
            return r;
        }
        break;
    case BIN_MUL:
        if ((ka == OBJ_STR || ka == OBJ_LIST || ka == OBJ_TUPLE || ka == OBJ_BYTES) && is_intlike(b))
            return seq_repeat(vm, a, b);
        if ((kb == OBJ_STR || kb == OBJ_LIST || kb == OBJ_TUPLE || kb == OBJ_BYTES) && is_intlike(a))
            return seq_repeat(vm, b, a);
        break;
    case BIN_MOD:
        if (ka == OBJ_STR) return fmt_percent(vm, AS(ObjStr, a), b);
        break;
    case BIN_OR:
        if (is_set_view(vm, a) || is_set_view(vm, b)) return view_binop(vm, op, a, b);
        if (ka == OBJ_DICT && kb == OBJ_DICT) {
            ObjDict *d = dict_copy(vm, AS(ObjDict, a));
            if (!d || dict_update(vm, d, b) < 0) return ERR;
            return obj_val(d);
        }
        /* fall through */
    case BIN_AND: case BIN_XOR: case BIN_SUB:
        if (ka == OBJ_SET && kb == OBJ_SET) return set_binop(vm, op, a, b);
        if (is_set_view(vm, a) || is_set_view(vm, b)) return view_binop(vm, op, a, b);
        break;
    default:
        break;
    }
    return NOTIMPL_VAL;
}

static bool is_repeatable(Value v) {
    return is_str(v) || is_list(v) || is_tuple(v) || is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY);
}

static bool has_own_class(Value v);

/* Whether a's type has CPython's sequence slots though it cannot repeat:
 * every class statement's type has them, as do dict, set and range. */
static bool has_seq_slots(Value a) {
    return is_user(a) || is_subtype(a) || has_own_class(a) || is_dict(a) || is_kind(a, OBJ_SET) || is_kind(a, OBJ_RANGE);
}

/* The TypeError when no type takes the operands; `inplace` names the
 * augmented operator ("+=") as CPython does. */
static bool seq_slot_cleared(VM *vm, BinOp op, Value a);

static Value binop_error(VM *vm, BinOp op, Value a, Value b, bool inplace) {
    bool cleared = seq_slot_cleared(vm, op, a);     /* then CPython's words are the generic ones */
    if (op == BIN_ADD && (is_str(a) || is_list(a) || is_tuple(a)) && !cleared) {
        /* the builtin type's own words, for its subclasses too */
        const char *base = is_str(a) ? "str" : is_list(a) ? "list" : "tuple";
        return exc_raise(vm, E_TypeError, "can only concatenate %s (not \"%s\") to %s", base, type_name(vm, b), base);
    }
    /* CPython tries the sequence's repeat last, whatever the other operand. */
    if (op == BIN_MUL && ((is_repeatable(a) && !cleared) || (is_repeatable(b) && !(inplace && has_seq_slots(a)))))
        return exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%s'",
                         type_name(vm, is_repeatable(a) ? b : a));
    if (op == BIN_POW && !inplace)
        return exc_raise(vm, E_TypeError, "unsupported operand type(s) for ** or pow(): '%s' and '%s'",
                         type_name(vm, a), type_name(vm, b));
    /* Python 2's `print >> stream`: CPython adds a hint for the builtin print. */
    bool py2_print = op == BIN_RSHIFT && !inplace && is_kind(a, OBJ_NATIVE) && AS(ObjNative, a)->self == UNDEF &&
                     AS(ObjNative, a)->name && strcmp(AS(ObjNative, a)->name->data, "print") == 0;
    return exc_raise(vm, E_TypeError, "unsupported operand type(s) for %s%s: '%s' and '%s'%s",
                     binop_sym[op], inplace ? "=" : "", type_name(vm, a), type_name(vm, b),
                     py2_print ? ". Did you mean \"print(<message>, file=<output_stream>)\"?" : "");
}

/* seq * n where n is not an int but has __index__ (the last thing CPython
 * tries for `*`). */
static Value index_repeat(VM *vm, Value a, Value b) {
    bool left = is_str(a) || is_list(a) || is_tuple(a) || is_kind(a, OBJ_BYTES);
    bool right = is_str(b) || is_list(b) || is_tuple(b) || is_kind(b, OBJ_BYTES);
    Value seq = left ? a : b, n = left ? b : a;
    if ((!left && !right) || !is_obj(n) || op_special(vm, n, N___index__) == UNDEF) return NOTIMPL_VAL;
    int64_t k;
    if (!index_value(vm, n, &k, NULL)) {
        /* too big: CPython's PyNumber_AsSsize_t(n, OverflowError) */
        if (exc_is(vm, vm->exc, E_IndexError)) {
            vm->exc = UNDEF;
            exc_raise(vm, E_OverflowError, "cannot fit '%T' into an index-sized integer", n);
        }
        return ERR;
    }
    Value count = int_from_i64(vm, k < 0 ? 0 : k);
    return count == ERR ? ERR : seq_repeat(vm, seq, count);
}

/* a.__op__(b), then b.__rop__(a); a subclass's reflected method goes
 * first, if it overrides the one a's class has (CPython's
 * method_is_overloaded): an inherited __rop__ waits its turn. */
static Value user_binop(VM *vm, BinOp op, Value a, Value b) {
    ObjClass *ta = type_of(vm, a), *tb = type_of(vm, b);
    Value rb = ta != tb && class_is_subclass(tb, ta) ? op_special(vm, b, binop_rname[op]) : UNDEF;
    bool rfirst = rb != UNDEF && rb != op_special(vm, a, binop_rname[op]);
    if (rfirst) {
        Value r = call_special(vm, b, binop_rname[op], &a, 1);
        if (r != UNDEF && r != NOTIMPL_VAL) return r;
    }
    Value r = call_special(vm, a, binop_name[op], &b, 1);
    if (r != UNDEF && r != NOTIMPL_VAL) return r;
    if (!rfirst && ta != tb) {
        r = call_special(vm, b, binop_rname[op], &a, 1);
        if (r != UNDEF && r != NOTIMPL_VAL) return r;
    }
    return NOTIMPL_VAL;
}

/* An object of a class defined outside C's builtin types (a user class, or
 * a native subclass such as collections.Counter): its special methods come
 * before the builtin operators. */
static bool has_own_class(Value v) {
    return is_obj(v) && !(as_obj(v)->cls->obj.flags & CLASS_BUILTIN) && as_obj(v)->kind != OBJ_INSTANCE &&
           as_obj(v)->kind != OBJ_EXC;
}

/* A sequence whose class's own __add__ (__mul__), a Python function, has
 * declined: CPython's slot update leaves such a type no sq_concat
 * (sq_repeat) to fall back on, so its builtin layout does not join (or
 * repeat) it. Asked only after the special methods said NotImplemented. */
static bool seq_slot_cleared(VM *vm, BinOp op, Value a) {
    if ((op != BIN_ADD && op != BIN_MUL) || !is_repeatable(a)) return false;
    Value m = op_override(vm, a, binop_name[op]);
    return m != UNDEF && !is_kind(m, OBJ_NATIVE);
}

/* a op b, or NOTIMPL when no type takes the operands. */
static Value binary_try(VM *vm, BinOp op, Value a, Value b) {
    if (has_own_class(a) || has_own_class(b)) {
        Value r = user_binop(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;
        if (seq_slot_cleared(vm, op, a)) return NOTIMPL_VAL;
    }
    Value r = builtin_binop(vm, op, a, b);
    if (r != NOTIMPL_VAL) return r;
    if (is_user(a) || is_user(b) || is_kind(a, OBJ_CLASS) || is_kind(b, OBJ_CLASS) || is_kind(a, OBJ_BYTES) ||
        is_kind(a, OBJ_BYTEARRAY) || is_kind(b, OBJ_BYTEARRAY) || is_kind(a, OBJ_ITER) || is_kind(b, OBJ_ITER)) {
        r = user_binop(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;
    }
    return op == BIN_MUL ? index_repeat(vm, a, b) : NOTIMPL_VAL;
}

Value op_binary(VM *vm, BinOp op, Value a, Value b) {
    Value r = binary_try(vm, op, a, b);
    return r != NOTIMPL_VAL ? r : binop_error(vm, op, a, b, false);
}

/* a op= b by the builtin layout of a; NOTIMPL when it has none. */
static Value layout_inplace(VM *vm, BinOp op, Value a, Value b) {
    if (is_list(a)) {
        if (op == BIN_ADD) return list_extend(vm, AS(ObjList, a), b) < 0 ? ERR : a;
        if (op == BIN_MUL && (is_intlike(b) || (is_obj(b) && op_special(vm, b, N___index__) != UNDEF))) {
            Value count = b;
            int64_t k;
            if (!is_intlike(b) && (!index_value(vm, b, &k, NULL) || (count = int_from_i64(vm, k)) == ERR)) return ERR;
            Value r = seq_repeat(vm, a, count);
            if (r == ERR) return ERR;
            ObjList *l = AS(ObjList, a), *src = AS(ObjList, r);
            l->len = 0;
            return list_extend(vm, l, obj_val(src)) < 0 ? ERR : a;
        }
    }
    if (is_kind(a, OBJ_SET) && as_obj(a)->cls == vm->types[T_SET]) {
        Value r = set_inplace(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;
    }
    if (is_dict(a) && op == BIN_OR) return dict_update(vm, AS(ObjDict, a), b) < 0 ? ERR : a;
    return NOTIMPL_VAL;
}

/* a *= seq where a's type has sequence slots: CPython repeats the right
 * operand only when the left one's type has none, so only a.__mul__ and an
 * override of seq's __rmul__ are left to try. */
static Value inplace_mul_seq(VM *vm, Value a, Value b) {
    Value r = call_special(vm, a, N___mul__, &b, 1);
    if (r == ERR || (r != UNDEF && r != NOTIMPL_VAL)) return r;
    if (op_override(vm, b, N___rmul__) != UNDEF) {
        r = call_special(vm, b, N___rmul__, &a, 1);
        if (r == ERR || (r != UNDEF && r != NOTIMPL_VAL)) return r;
    }
    return exc_raise(vm, E_TypeError, "unsupported operand type(s) for *=: '%s' and '%s'", type_name(vm, a),
                     type_name(vm, b));
}

Value op_inplace(VM *vm, BinOp op, Value a, Value b) {
    bool own = is_subtype(a) || has_own_class(a);
    /* list += x, list *= x: a list has no number slots, so CPython asks x's
     * __radd__/__rmul__ (x's nb slot) before the list's in-place concat */
    if (!own && is_list(a) && (op == BIN_ADD || op == BIN_MUL) && (is_user(b) || has_own_class(b))) {
        Value r = call_special(vm, b, binop_rname[op], &a, 1);
        if (r != UNDEF && r != NOTIMPL_VAL) return r;
    }
    if (!own || sub_override(vm, as_obj(a), binop_iname[op]) == UNDEF) {
        Value r = layout_inplace(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;
    }
    /* (OBJ_ITER: a mappingproxy's __ior__ refuses the operation) */
    if (is_user(a) || own || is_kind(a, OBJ_BYTEARRAY) || is_kind(a, OBJ_ITER)) {
        Value r = call_special(vm, a, binop_iname[op], &b, 1);
        if (r != UNDEF && r != NOTIMPL_VAL) return r;
    }
    if (op == BIN_MUL && is_repeatable(b) && !is_repeatable(a) && has_seq_slots(a)) return inplace_mul_seq(vm, a, b);
    Value r = binary_try(vm, op, a, b);
    return r != NOTIMPL_VAL ? r : binop_error(vm, op, a, b, true);
}

Value op_neg(VM *vm, Value a) {
    if (is_float(a)) return float_val(-as_float(a));
    if (is_plain_intlike(a)) return int_neg(vm, a);
    Value r = call_special(vm, a, N___neg__, NULL, 0);
    if (r != UNDEF) return r;
    return exc_raise(vm, E_TypeError, "bad operand type for unary -: '%T'", a);
}

Value op_pos(VM *vm, Value a) {
    if (is_float(a)) return a;
    if (is_plain_intlike(a)) return is_bool(a) ? int_val(as_bool(a)) : a;
    Value r = call_special(vm, a, N___pos__, NULL, 0);
    if (r != UNDEF) return r;
    return exc_raise(vm, E_TypeError, "bad operand type for unary +: '%T'", a);
}

bool op_warn_bool_invert(VM *vm) {
    return exc_warn(vm, E_DeprecationWarning,
                    "Bitwise inversion '~' on bool is deprecated. This returns the bitwise inversion of the "
                    "underlying int object and is usually not what you expect from negating a bool. Use "
                    "the 'not' operator for boolean negation or ~int(x) if you really want the bitwise "
                    "inversion of the underlying int.");
}

Value op_invert(VM *vm, Value a) {
    if (is_bool(a) && !op_warn_bool_invert(vm)) return ERR;
    if (is_plain_intlike(a)) return int_invert(vm, a);
    Value r = call_special(vm, a, N___invert__, NULL, 0);
    if (r != UNDEF) return r;
    return exc_raise(vm, E_TypeError, "bad operand type for unary ~: '%T'", a);
}

/* ---- comparison -------------------------------------------------------- */

static const char *const cmp_sym[] = {"<", "<=", "==", "!=", ">", ">="};
static const NameId cmp_name[] = {N___lt__, N___le__, N___eq__, N___ne__, N___gt__, N___ge__};
static const CmpOp cmp_swap[] = {CMP_GT, CMP_GE, CMP_EQ, CMP_NE, CMP_LT, CMP_LE};

static bool cmp_result(CmpOp op, int c) {
    switch (op) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_EQ: return c == 0;
    case CMP_NE: return c != 0;
    case CMP_GT: return c > 0;
    default: return c >= 0;
    }
}

static bool c_depth_enter(VM *vm) {
    if (vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded in comparison");
        return false;
    }
    vm->c_depth++;
    return true;
}

/* The items and length of a list or tuple, read afresh at each use: a
 * user __eq__ called by seq_compare may resize or empty a list. */
static inline Value *seq_items(Value s) {
    return is_list(s) ? AS(ObjList, s)->items : AS(ObjTuple, s)->items;
}
static inline int64_t seq_len(Value s) {
    return is_list(s) ? AS(ObjList, s)->len : AS(ObjTuple, s)->len;
}

/* seq_compare's item comparisons keep both items rooted: the call may take
 * them out of their lists. */
static bool push_two_roots(VM *vm, Value x, Value y) {
    if (!vm_push_root(vm, x)) return false;
    if (!vm_push_root(vm, y)) { vm_pop_roots(vm, 1); return false; }
    return true;
}

static int seq_item_eq(VM *vm, Value x, Value y) {
    if (!push_two_roots(vm, x, y)) return -1;
    int eq = op_eq(vm, x, y);
    vm_pop_roots(vm, 2);
    return eq;
}

static Value seq_item_compare(VM *vm, CmpOp op, Value x, Value y) {
    if (!push_two_roots(vm, x, y)) return ERR;
    Value r = op_compare(vm, op, x, y);
    vm_pop_roots(vm, 2);
    return r;
}

/* Lexicographic comparison of two lists or two tuples, as CPython's: ==
 * and != of different lengths call no __eq__, and what a user __eq__ leaves
 * in the lists is what the rest of the comparison sees. */
static Value seq_compare(VM *vm, CmpOp op, Value a, Value b) {
    if ((op == CMP_EQ || op == CMP_NE) && seq_len(a) != seq_len(b)) return bool_val(op == CMP_NE);
    int64_t i = 0;
    for (; i < seq_len(a) && i < seq_len(b); i++) {
        Value x = seq_items(a)[i], y = seq_items(b)[i];
        if (x == y) continue;
        int eq = seq_item_eq(vm, x, y);
        if (eq < 0) return ERR;
        if (!eq) break;
    }
    int64_t nx = seq_len(a), ny = seq_len(b);
    if (i >= nx || i >= ny) return bool_val(cmp_result(op, nx < ny ? -1 : nx > ny));
    if (op == CMP_EQ) return FALSE_VAL;
    if (op == CMP_NE) return TRUE_VAL;
    return seq_item_compare(vm, op, seq_items(a)[i], seq_items(b)[i]);
}

/* Whether every element of a is in b, asked with `in` (so an items view's
 * values need not be hashable). */
static int all_contained_in(VM *vm, Value a, Value b) {
    Value it = op_iter(vm, a);
    if (it == ERR || !vm_push_root(vm, it)) return -1;
    int r = 1;
    for (;;) {
        Value x = op_next(vm, it);
        if (x == UNDEF) break;
        if (x == ERR || !vm_push_root(vm, x)) { r = -1; break; }
        int c = op_contains(vm, b, x);
        vm_pop_roots(vm, 1);
        if (c <= 0) { r = c; break; }
    }
    vm_pop_roots(vm, 1);
    return r;
}

/* A keys or items view compares with a set or another such view as
 * CPython's views do: by sizes, then by membership of the smaller side's
 * elements in the other. */
static Value view_compare(VM *vm, CmpOp op, Value a, Value b) {
    int64_t na = op_len(vm, a), nb = na < 0 ? -1 : op_len(vm, b);
    if (nb < 0) return ERR;
    int ok = 0;
    switch (op) {
    case CMP_EQ: case CMP_NE: if (na == nb) ok = all_contained_in(vm, a, b); break;
    case CMP_LT: if (na < nb) ok = all_contained_in(vm, a, b); break;
    case CMP_LE: if (na <= nb) ok = all_contained_in(vm, a, b); break;
    case CMP_GT: if (na > nb) ok = all_contained_in(vm, b, a); break;
    default: if (na >= nb) ok = all_contained_in(vm, b, a); break;
    }
    if (ok < 0) return ERR;
    return bool_val(op == CMP_NE ? !ok : ok);
}

/* Builtin comparisons; NOTIMPL when they don't apply. */
static Value builtin_compare(VM *vm, CmpOp op, Value a, Value b) {
    if (is_number(a) && is_number(b)) {
        if (is_float(a)) return bool_val(flt_cmp_num(vm, as_float(a), b, op));
        if (is_float(b)) return bool_val(flt_cmp_num(vm, as_float(b), a, cmp_swap[op]));
        return bool_val(cmp_result(op, int_cmp(a, b)));
    }
    if (is_kind(a, OBJ_COMPLEX) || is_kind(b, OBJ_COMPLEX)) return cpx_compare(vm, op, a, b);
    if (is_kind(a, OBJ_FLOAT) || is_kind(b, OBJ_FLOAT)) {
        /* a float subclass's instance: float's comparisons on its value */
        Value x = is_kind(a, OBJ_FLOAT) ? float_val(AS(ObjFloat, a)->d) : a;
        Value y = is_kind(b, OBJ_FLOAT) ? float_val(AS(ObjFloat, b)->d) : b;
        return is_number(x) && is_number(y) ? builtin_compare(vm, op, x, y) : NOTIMPL_VAL;
    }
    if (!is_obj(a) || !is_obj(b)) return NOTIMPL_VAL;
    ObjKind ka = (ObjKind)as_obj(a)->kind, kb = (ObjKind)as_obj(b)->kind;
    if (is_set_view(vm, a) && (kb == OBJ_SET || is_set_view(vm, b))) return view_compare(vm, op, a, b);
    if (ka == OBJ_SET && is_set_view(vm, b)) return view_compare(vm, cmp_swap[op], b, a);
    if (ka != kb) return NOTIMPL_VAL;
    switch (ka) {
    case OBJ_STR: return bool_val(cmp_result(op, str_cmp(AS(ObjStr, a), AS(ObjStr, b))));
    case OBJ_BYTES: {
        ObjBytes *x = AS(ObjBytes, a), *y = AS(ObjBytes, b);
        int64_t n = x->len < y->len ? x->len : y->len;
        int c = memcmp(x->data, y->data, (size_t)n);
        if (!c) c = x->len < y->len ? -1 : x->len > y->len;
        return bool_val(cmp_result(op, c));
    }
    case OBJ_LIST: case OBJ_TUPLE: {
        if (!c_depth_enter(vm)) return ERR;
        Value r = seq_compare(vm, op, a, b);
        vm->c_depth--;
        return r;
    }
    case OBJ_DICT: {
        if (op != CMP_EQ && op != CMP_NE) return NOTIMPL_VAL;
        ObjDict *x = AS(ObjDict, a), *y = AS(ObjDict, b);
        if (x->count != y->count) return bool_val(op == CMP_NE);
        if (!c_depth_enter(vm)) return ERR;
        int64_t pos = 0;
        Value k, v;
        uint64_t h;
        bool eq = true;
        while (eq && dict_next_hash(x, &pos, &k, &v, &h)) {
            Value w = dict_get_hashed(vm, y, k, h);     /* (x's hash: no __hash__ call) */
            if (w == ERR) { vm->c_depth--; return ERR; }
            if (w == UNDEF) { eq = false; break; }
            int e = op_eq(vm, v, w);
            if (e < 0) { vm->c_depth--; return ERR; }
            eq = e;
        }
        vm->c_depth--;
        return bool_val(op == CMP_EQ ? eq : !eq);
    }
    case OBJ_SET: {
        int r = set_compare(vm, a, b, op);
        if (r == -1) return ERR;
        return r == -2 ? NOTIMPL_VAL : bool_val(r);
    }
    case OBJ_BOUND: case OBJ_NATIVE: {
        /* Bound methods are equal when they bind the same object (by
         * identity) to the same function, so obj.m == obj.m. */
        if (op != CMP_EQ && op != CMP_NE) return NOTIMPL_VAL;
        bool eq;
        if (ka == OBJ_BOUND) {
            eq = AS(ObjBound, a)->self == AS(ObjBound, b)->self && AS(ObjBound, a)->func == AS(ObjBound, b)->func;
        } else {
            ObjNative *x = AS(ObjNative, a), *y = AS(ObjNative, b);
            eq = a == b || (x->self != UNDEF && x->self == y->self && x->fn == y->fn && x->name == y->name &&
                            x->data == y->data);
        }
        return bool_val(op == CMP_EQ ? eq : !eq);
    }
    case OBJ_RANGE: {
        if (op != CMP_EQ && op != CMP_NE) return NOTIMPL_VAL;
        int eq = range_equal(vm, AS(ObjRange, a), AS(ObjRange, b));
        if (eq < 0) return ERR;
        return bool_val(op == CMP_EQ ? eq : !eq);
    }
    default:
        return NOTIMPL_VAL;
    }
}

/* Calls x's rich comparison method; a class without __ne__ gets object's,
 * which inverts what __eq__ answers (NotImplemented stays as it is). */
static Value cmp_call(VM *vm, CmpOp op, Value x, Value y) {
    Value m = op_special(vm, x, cmp_name[op]);
    Value r = m == UNDEF ? UNDEF : call_found(vm, x, m, &y, 1, true);
    if (r != UNDEF || op != CMP_NE) return r;
    m = op_special(vm, x, N___eq__);
    r = m == UNDEF ? UNDEF : call_found(vm, x, m, &y, 1, true);
    if (r == ERR || r == UNDEF || r == NOTIMPL_VAL) return r;
    int t = op_truthy(vm, r);
    return t < 0 ? ERR : bool_val(!t);
}

Value op_compare(VM *vm, CmpOp op, Value a, Value b) {
    /* Instances of subclasses of builtin types try their overrides first,
     * then what the builtin type does. */
    bool sub = is_subtype(a) || is_subtype(b) || has_own_class(a) || has_own_class(b);
    Value r;
    if (!sub) {
        r = builtin_compare(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;
    }
    /* A subclass's reflected method goes first, then a's, then b's. */
    ObjClass *ta = type_of(vm, a), *tb = type_of(vm, b);
    bool rfirst = ta != tb && class_is_subclass(tb, ta) &&
                  (op_special(vm, b, cmp_name[cmp_swap[op]]) != UNDEF ||
                   (op == CMP_NE && op_special(vm, b, N___eq__) != UNDEF));
    if (rfirst) {
        r = cmp_call(vm, cmp_swap[op], b, a);
        if (r == ERR || (r != UNDEF && r != NOTIMPL_VAL)) return r;
    }
    r = cmp_call(vm, op, a, b);
    if (r == ERR || (r != UNDEF && r != NOTIMPL_VAL)) return r;
    if (!rfirst) {
        r = cmp_call(vm, cmp_swap[op], b, a);
        if (r == ERR || (r != UNDEF && r != NOTIMPL_VAL)) return r;
    }
    if (sub) {
        r = builtin_compare(vm, op, a, b);
        if (r != NOTIMPL_VAL) return r;
    }
    if (op == CMP_EQ) return bool_val(a == b);
    if (op == CMP_NE) return bool_val(a != b);
    return exc_raise(vm, E_TypeError, "'%s' not supported between instances of '%s' and '%s'",
                     cmp_sym[op], type_name(vm, a), type_name(vm, b));
}

int op_compare_bool(VM *vm, CmpOp op, Value a, Value b) {
    if (is_int(a) && is_int(b)) return cmp_result(op, as_int(a) < as_int(b) ? -1 : as_int(a) > as_int(b));
    Value r = op_compare(vm, op, a, b);
    if (r == ERR) return -1;
    if (is_bool(r)) return as_bool(r);
    return op_truthy(vm, r);
}

int op_eq(VM *vm, Value a, Value b) {
    if (a == b) return 1;
    if (is_int(a) && is_int(b)) return 0;
    /* (a str subclass may define its own __eq__) */
    if (is_str(a) && is_str(b) && !((as_obj(a)->flags | as_obj(b)->flags) & OBJ_SUBTYPE))
        return str_eq(AS(ObjStr, a), AS(ObjStr, b));
    return op_compare_bool(vm, CMP_EQ, a, b);
}

/* ---- truth, hashing, membership ---------------------------------------- */

/* NotImplemented is true, with 3.12's DeprecationWarning. */
static __attribute__((noinline, cold)) int notimpl_truthy(VM *vm) {
    return exc_warn(vm, E_DeprecationWarning, "NotImplemented should not be used in a boolean context") ? 1 : -1;
}

static inline __attribute__((always_inline)) int truthy_of(VM *vm, Value v, bool layout) {
    switch (VTAG(v)) {
    case VTAG_BOOL: return as_bool(v);
    case VTAG_INT: return as_int(v) != 0;
    case VTAG_CONST: return v == NOTIMPL_VAL ? notimpl_truthy(vm) : v != NONE_VAL;
    case VTAG_OBJ: break;
    default: return as_float(v) != 0.0;
    }
    Obj *o = as_obj(v);
    if (!layout && (!by_layout(vm, o, N___bool__) || !by_layout(vm, o, N___len__))) goto special;
    switch ((ObjKind)o->kind) {
    case OBJ_STR: return ((ObjStr *)o)->len != 0;
    case OBJ_LIST: return ((ObjList *)o)->len != 0;
    case OBJ_TUPLE: return ((ObjTuple *)o)->len != 0;
    case OBJ_DICT: return ((ObjDict *)o)->count != 0;
    case OBJ_SET: return ((ObjSet *)o)->used != 0;
    case OBJ_BIGINT: return int_sign(v) != 0;      /* an int subclass's instance may be 0 */
    case OBJ_FLOAT: return ((ObjFloat *)o)->d != 0.0;
    case OBJ_COMPLEX: return ((ObjComplex *)o)->re != 0.0 || ((ObjComplex *)o)->im != 0.0;
    case OBJ_BYTES: return ((ObjBytes *)o)->len != 0;
    case OBJ_BYTEARRAY: return ((ObjByteArray *)o)->len != 0;
    case OBJ_RANGE: return ((ObjRange *)o)->len != 0;
    case OBJ_INSTANCE: case OBJ_EXC: break;
    case OBJ_CLASS:
        if (o->cls == vm->types[T_TYPE]) return 1;
        break;      /* the metaclass may define __bool__ or __len__ */
    default:
        if (o->kind == OBJ_ITER && dict_view_type(vm, o->cls) != T_COUNT)
            return AS(ObjDict, ((ObjIter *)o)->a)->count != 0;
        if (o->cls == vm->types[T_MAPPINGPROXY] || o->cls == vm->types[T_MEMORYVIEW]) {     /* as long as its len() */
            int64_t n = op_len(vm, v);
            return n < 0 ? -1 : n != 0;
        }
        return 1;
    }
    if (layout) return layout_fail(vm, v, N___bool__) - 1;
special:;
    Value r = call_special(vm, v, N___bool__, NULL, 0);
    if (r == ERR) return -1;
    if (r != UNDEF) {
        if (!is_bool(r)) {
            exc_raise(vm, E_TypeError, "__bool__ should return bool, returned %T", r);
            return -1;
        }
        return as_bool(r);
    }
    Value len = op_special(vm, v, N___len__);
    if (len != UNDEF) {     /* (called here, not through op_len, which would look it up again) */
        r = call_found(vm, v, len, NULL, 0, false);
        int64_t n = r == ERR ? -1 : len_result(vm, r);
        return n < 0 ? -1 : n != 0;
    }
    return 1;
}

int op_truthy(VM *vm, Value v) { return truthy_of(vm, v, false); }

/* CPython's tuple hash (xxHash-based), so sets of tuples order as there.
 * Tuples nested in tuples are walked with a stack of their own instead of
 * C recursion, so no depth of nesting can overflow the C stack. */
static const uint64_t tuple_hash_seed = 2870177450012600261ull;

static inline uint64_t tuple_hash_mix(uint64_t acc, uint64_t h) {
    acc += h * 14029467366897019727ull;
    acc = (acc << 31) | (acc >> 33);
    return acc * 11400714785074694791ull;
}

static inline uint64_t tuple_hash_end(const ObjTuple *t, uint64_t acc) {
    acc += (uint64_t)t->len ^ (2870177450012600261ull ^ 3527539ull);
    return acc == (uint64_t)-1 ? 1546275796 : acc;
}

typedef struct TupleHashLevel {
    ObjTuple *t;
    int64_t next;
    uint64_t acc;
} TupleHashLevel;

static int tuple_hash(VM *vm, ObjTuple *t, uint64_t *out) {
    TupleHashLevel local[16], *outer = local;
    size_t depth = 0, cap = 16;
    int64_t next = 0;
    uint64_t acc = tuple_hash_seed;
    int rc = 0;
    for (;;) {
        if (next == t->len) {           /* t is done: back to the tuple holding it */
            uint64_t h = tuple_hash_end(t, acc);
            if (depth == 0) { *out = h; break; }
            TupleHashLevel *up = &outer[--depth];
            t = up->t, next = up->next, acc = tuple_hash_mix(up->acc, h);
            continue;
        }
        Value v = t->items[next++];
        uint64_t h;
        if (is_plain_kind_fast(v, OBJ_TUPLE)) {
            if (depth == cap) {
                TupleHashLevel *a = outer == local ? malloc(2 * cap * sizeof *a) : realloc(outer, 2 * cap * sizeof *a);
                if (!a) { exc_nomem(vm); rc = -1; break; }
                if (outer == local) memcpy(a, local, sizeof local);
                outer = a, cap *= 2;
            }
            outer[depth++] = (TupleHashLevel){t, next, acc};
            t = AS(ObjTuple, v), next = 0, acc = tuple_hash_seed;
            continue;
        }
        if (is_int(v)) h = small_int_hash(as_int(v));
        else if (op_hash(vm, v, &h) < 0) { rc = -1; break; }
        acc = tuple_hash_mix(acc, h);
    }
    if (outer != local) free(outer);
    return rc;
}

static inline __attribute__((always_inline)) int hash_of(VM *vm, Value v, uint64_t *out, bool layout) {
    switch (VTAG(v)) {
    case VTAG_INT: *out = small_int_hash(as_int(v)); return 0;
    case VTAG_BOOL: *out = int_hash(v); return 0;
    case VTAG_CONST:    /* None's is 3.12's constant (it decides where None sits in a set) */
        *out = v == NONE_VAL ? 0xFCA86420u : (uint64_t)v & 0x3FFFFFFFFFFFFFFFull;
        return 0;
    case VTAG_OBJ: break;
    default: *out = flt_hash(as_float(v)); return 0;
    }
    Obj *o = as_obj(v);
    if (!layout && !by_layout(vm, o, N___hash__)) goto special;
    switch ((ObjKind)o->kind) {
    case OBJ_STR: *out = str_hash((ObjStr *)o); return 0;
    case OBJ_BIGINT: *out = int_hash(v); return 0;
    case OBJ_FLOAT: *out = flt_hash(((ObjFloat *)o)->d); return 0;
    case OBJ_COMPLEX: *out = cpx_hash((Cpx){((ObjComplex *)o)->re, ((ObjComplex *)o)->im}); return 0;
    case OBJ_TUPLE: return tuple_hash(vm, (ObjTuple *)o, out);
    case OBJ_BYTES: {
        ObjBytes *b = (ObjBytes *)o;
        if (!b->hash) b->hash = hash_bytes(b->data, (size_t)b->len);
        *out = b->hash;
        return 0;
    }
    case OBJ_LIST: case OBJ_DICT: case OBJ_BYTEARRAY:
        exc_raise(vm, E_TypeError, "unhashable type: '%s'", o->cls->name->data);
        return -1;
    case OBJ_SET:
        if (o->cls == vm->types[T_SET] ||
            (o->cls != vm->types[T_FROZENSET] && class_is_subclass(o->cls, vm->types[T_SET]))) {
            exc_raise(vm, E_TypeError, "unhashable type: '%s'", o->cls->name->data);
            return -1;
        }
        *out = set_frozen_hash((ObjSet *)o);
        return 0;
    case OBJ_RANGE: return range_hash(vm, (ObjRange *)o, out);
    case OBJ_BOUND:     /* consistent with == above */
        *out = (uint64_t)(((ObjBound *)o)->self >> 4) ^ (uint64_t)(((ObjBound *)o)->func >> 4);
        return 0;
    case OBJ_NATIVE:
        if (((ObjNative *)o)->self == UNDEF) break;
        *out = (uint64_t)(((ObjNative *)o)->self >> 4) ^ (uint64_t)((uintptr_t)((ObjNative *)o)->name >> 4);
        return 0;
    default:
        break;
    }
    if (layout) {
        *out = (uint64_t)((uintptr_t)o >> 4);
        return 0;
    }
special:;
    Value m = op_special(vm, v, N___hash__);
    if (m == NONE_VAL) {
        exc_raise(vm, E_TypeError, "unhashable type: '%s'", type_name(vm, v));
        return -1;
    }
    if (m != UNDEF) {
        Value r = call_special(vm, v, N___hash__, NULL, 0);
        if (r == ERR) return -1;
        if (!is_intlike(r)) {
            exc_raise(vm, E_TypeError, "__hash__ method should return an integer");
            return -1;
        }
        /* As CPython: a result that fits a machine word is the hash itself
         * (so hash(UserString("a")) == hash("a"), whose hashes use the whole
         * word); only larger ints are reduced as int's own hash. */
        int64_t h;
        if (int_to_i64(r, &h)) {
            *out = (uint64_t)(h == -1 ? -2 : h);
            return 0;
        }
        *out = int_hash(r);
        return 0;
    }
    *out = (uint64_t)((uintptr_t)o >> 4);
    return 0;
}

int op_hash(VM *vm, Value v, uint64_t *out) { return hash_of(vm, v, out, false); }

/* 1, 0, -1 after raising; -2 when iter(container) itself raised. */
static int iter_contains(VM *vm, Value container, Value item) {
    Value it = op_iter(vm, container);
    if (it == ERR) return -2;
    if (!vm_push_root(vm, it)) return -1;
    int found = 0;
    for (;;) {
        Value v = op_next(vm, it);
        if (v == UNDEF) break;
        if (v == ERR) { found = -1; break; }
        int eq = op_eq(vm, v, item);
        if (eq != 0) { found = eq; break; }
    }
    vm_pop_roots(vm, 1);
    return found;
}

static inline __attribute__((always_inline)) int contains_of(VM *vm, Value c, Value item, bool layout) {
    if (is_obj(c) && (layout || by_layout(vm, as_obj(c), N___contains__))) {
        Obj *o = as_obj(c);
        switch ((ObjKind)o->kind) {
        case OBJ_STR:
            if (!is_str(item)) {
                exc_raise(vm, E_TypeError, "'in <string>' requires string as left operand, not %T", item);
                return -1;
            }
            return str_contains(vm, (ObjStr *)o, AS(ObjStr, item));
        case OBJ_LIST: case OBJ_TUPLE: {
            bool list = o->kind == OBJ_LIST;
            for (int64_t i = 0; i < (list ? ((ObjList *)o)->len : ((ObjTuple *)o)->len); i++) {
                Value v = list ? ((ObjList *)o)->items[i] : ((ObjTuple *)o)->items[i];
                int eq = op_eq(vm, v, item);
                if (eq) return eq;
            }
            return 0;
        }
        case OBJ_DICT: {
            Value v = dict_get(vm, (ObjDict *)o, item);
            return v == ERR ? -1 : v != UNDEF;
        }
        case OBJ_SET: return set_contains(vm, (ObjSet *)o, item);
        case OBJ_RANGE: return range_contains(vm, (ObjRange *)o, item);
        case OBJ_BYTES: {
            ObjBytes *b = (ObjBytes *)o;
            if (is_intlike(item)) {
                int64_t x;
                if (!int_to_i64(item, &x) || x < 0 || x > 255) {
                    exc_raise(vm, E_ValueError, "byte must be in range(0, 256)");
                    return -1;
                }
                return memchr(b->data, (int)x, (size_t)b->len) != NULL;
            }
            BinBuf n;   /* bytes, bytearray or memoryview */
            if (!binbuf_arg(vm, item, &n)) return -1;
            return n.n == 0 || memmem(b->data, (size_t)b->len, n.p, (size_t)n.n) != NULL;
        }
        case OBJ_ITER:
            if (is_set_view(vm, c)) {
                ObjDict *d = AS(ObjDict, ((ObjIter *)o)->a);
                if (dict_view_type(vm, o->cls) == T_DICT_KEYS) {
                    Value v = dict_get(vm, d, item);
                    return v == ERR ? -1 : v != UNDEF;
                }
                if (!is_tuple(item) || AS(ObjTuple, item)->len != 2) return 0;
                Value v = dict_get(vm, d, AS(ObjTuple, item)->items[0]);
                if (v == ERR) return -1;
                return v == UNDEF ? 0 : op_eq(vm, v, AS(ObjTuple, item)->items[1]);
            }
            break;
        default:
            break;
        }
    }
    if (layout) return layout_fail(vm, c, N___contains__) - 1;
    if (op_special(vm, c, N___contains__) == NONE_VAL) {
        exc_raise(vm, E_TypeError, "'%T' object is not a container", c);
        return -1;
    }
    Value r = call_special(vm, c, N___contains__, &item, 1);
    if (r == ERR) return -1;
    if (r != UNDEF) return op_truthy(vm, r);
    if (op_special(vm, c, N___iter__) == UNDEF && op_special(vm, c, N___getitem__) == UNDEF &&
        !(is_obj(c) && as_obj(c)->kind == OBJ_ITER)) {
        exc_raise(vm, E_TypeError, "argument of type '%T' is not iterable", c);
        return -1;
    }
    int found = iter_contains(vm, c, item);
    if (found == -2 && exc_is(vm, vm->exc, E_TypeError))
        /* as CPython, a TypeError from iter() (__iter__ = None, say) is restated */
        exc_raise(vm, E_TypeError, "argument of type '%T' is not iterable", c);
    return found < 0 ? -1 : found;
}

int op_contains(VM *vm, Value c, Value item) { return contains_of(vm, c, item, false); }

/* ---- attributes -------------------------------------------------------- */

static bool is_method_like(Value v) {
    return is_kind(v, OBJ_FUNCTION) || (is_kind(v, OBJ_NATIVE) && (as_obj(v)->flags & NATIVE_METHOD));
}

/* A method of a builtin type found on a class that does not derive from
 * that type (`class A: f = list.append`) does not bind to its instances. */
static bool binds_to(VM *vm, Value method, Value obj) {
    if (!is_kind(method, OBJ_NATIVE) || native_applies(vm, AS(ObjNative, method), type_of(vm, obj))) return true;
    native_wrong_receiver(vm, AS(ObjNative, method), obj);
    return false;
}

Value op_property_missing(VM *vm, Value prop, ObjClass *cls, const char *what) {
    Value name = AS(ObjProperty, prop)->name;
    if (is_str(name))
        return exc_raise(vm, E_AttributeError, "property '%s' of '%s' object has no %s", AS(ObjStr, name)->data,
                         cls->qualname->data, what);
    return exc_raise(vm, E_AttributeError, "property of '%s' object has no %s", cls->qualname->data, what);
}

bool op_is_classmethod(VM *vm, Value w) {
    ObjClass *c = as_obj(w)->cls;
    return c == vm->types[T_CLASSMETHOD] || (c != vm->types[T_STATICMETHOD] && class_is_subclass(c, vm->types[T_CLASSMETHOD]));
}

bool op_plain_wrapper(VM *vm, Value v) {
    return is_kind(v, OBJ_WRAPPER) && op_override(vm, v, N___get__) == UNDEF;
}

/* A classmethod binds its function to the class; when it wraps another
 * descriptor (a property, a staticmethod, an object with __get__), CPython
 * 3.12 still chains to that one's __get__(cls, cls) instead, so that
 * `@classmethod @property` reads as a class property. */
Value op_classmethod_bind(VM *vm, Value cls, Value fn) {
    if (is_kind(fn, OBJ_PROPERTY)) return op_bind_attr(vm, cls, fn);
    if (is_kind(fn, OBJ_WRAPPER)) {
        if (op_is_classmethod(vm, fn)) return op_classmethod_bind(vm, cls, AS(ObjWrapper, fn)->v);
        return AS(ObjWrapper, fn)->v;
    }
    if (is_kind(fn, OBJ_INSTANCE) || (is_obj(fn) && (as_obj(fn)->flags & OBJ_SUBTYPE))) {
        Value get = op_special(vm, fn, N___get__);
        if (get != UNDEF) return op_call(vm, get, (Value[]){fn, cls, cls}, 3, NULL);
    }
    return bound_new(vm, cls, fn);
}

/* Applies a class attribute found for an instance: binds functions, runs
 * properties, unwraps staticmethod/classmethod. */
Value op_bind_attr(VM *vm, Value obj, Value attr) {
    if (is_method_like(attr)) return binds_to(vm, attr, obj) ? bound_new(vm, obj, attr) : ERR;
    if (is_obj(attr)) {
        Obj *a = as_obj(attr);
        if (a->kind == OBJ_PROPERTY && !((a->flags & OBJ_SUBTYPE) && sub_override(vm, a, N___get__) != UNDEF)) {
            Value g = ((ObjProperty *)a)->fget;
            if (g == NONE_VAL || g == UNDEF) return op_property_missing(vm, attr, type_of(vm, obj), "getter");
            return op_call1(vm, g, obj);
        }
        if (a->kind == OBJ_WRAPPER && !((a->flags & OBJ_SUBTYPE) && sub_override(vm, a, N___get__) != UNDEF)) {
            if (op_is_classmethod(vm, attr)) return op_classmethod_bind(vm, obj_val(type_of(vm, obj)), ((ObjWrapper *)a)->v);
            return ((ObjWrapper *)a)->v;
        }
        /* an unbound super(C) stored on a class binds as CPython's does */
        if (a->kind == OBJ_INSTANCE || (a->flags & OBJ_SUBTYPE) || class_is_super(vm, a->cls)) {
            Value get = op_special(vm, attr, N___get__);
            if (get != UNDEF) {
                Value argv[3] = {attr, obj, obj_val(type_of(vm, obj))};
                return op_call(vm, get, argv, 3, NULL);
            }
        }
    }
    return attr;
}

static ObjDict *obj_dict(VM *vm, Value v) {
    if (!is_obj(v)) return NULL;
    Obj *o = as_obj(v);
    if (o->kind == OBJ_MODULE) return ((ObjModule *)o)->dict;    /* a ModuleType subclass's too */
    if (o->flags & OBJ_SUBTYPE) return gc_subtype_dict(vm, o);
    switch ((ObjKind)o->kind) {
    case OBJ_INSTANCE: case OBJ_EXC: return ((ObjInstance *)o)->dict;
    case OBJ_MODULE: return ((ObjModule *)o)->dict;
    case OBJ_FUNCTION: return ((ObjFunction *)o)->dict;
    case OBJ_WRAPPER: return gc_subtype_dict(vm, o);     /* once made (builtins_wrapper_dict) */
    default: return NULL;
    }
}

/* The AttributeError of a failed lookup; `name` and `obj` are set only
 * for reading (store and del leave them None, as CPython 3.11 does). */
static Value attr_error_raise(VM *vm, Value obj, ObjStr *name) {
    /* a module is named by the __name__ in its dict, as CPython's
     * module_getattro does: none (or no str) leaves the name out */
    Value modname = is_kind(obj, OBJ_MODULE) ? dict_get_str(AS(ObjModule, obj)->dict, vm_name(vm, N___name__)) : UNDEF;
    if (is_kind(obj, OBJ_MODULE) && !is_str(modname))
        exc_raise(vm, E_AttributeError, "module has no attribute '%s'", name->data);
    else if (is_kind(obj, OBJ_MODULE) && (as_obj(obj)->flags & MOD_INITIALIZING))
        exc_raise(vm, E_AttributeError,
                  "partially initialized module '%s' has no attribute '%s' (most likely due to a circular import)",
                  AS(ObjStr, modname)->data, name->data);
    else if (is_kind(obj, OBJ_MODULE))
        exc_raise(vm, E_AttributeError, "module '%s' has no attribute '%s'", AS(ObjStr, modname)->data, name->data);
    else if (is_kind(obj, OBJ_CLASS)) {
        ObjClass *c = AS(ObjClass, obj);
        exc_raise(vm, E_AttributeError, "type object '%s' has no attribute '%s'", class_tp_name(vm, c),
                  name->data);
    } else
        exc_raise(vm, E_AttributeError, "'%s' object has no attribute '%s'", type_name(vm, obj), name->data);
    return ERR;
}

static Value attr_error(VM *vm, Value obj, ObjStr *name) {
    attr_error_raise(vm, obj, name);
    return exc_note_name(vm, name, obj);
}

/* Attributes that builtin objects expose without a dict. UNDEF if none. */
/* A subtype instance's attribute dict, made on first use; NULL after
 * MemoryError. */
static ObjDict *subtype_dict(VM *vm, Obj *o) { return gc_subtype_dict_make(vm, o); }


/* CPython's docstring and text signature for a native: a method is found
 * under its class's name, a module function under its module's. */
static const BuiltinDoc *native_doc(ObjNative *f) {
    const char *owner = f->owner ? f->owner->name->data : is_str(f->module) ? AS(ObjStr, f->module)->data : "builtins";
    return builtin_doc_find(owner, f->name->data);
}

/* __isabstractmethod__ of a property, staticmethod or classmethod: whether
 * any function it holds has a true one, as abc's checks ask. */
static Value any_abstract(VM *vm, const Value *fns, int n) {
    for (int i = 0; i < n; i++) {
        if (fns[i] == NONE_VAL || fns[i] == UNDEF) continue;
        Value a = op_getattr_opt(vm, fns[i], vm_name(vm, N___isabstractmethod__));
        if (a == ERR) return ERR;
        int t = a == UNDEF ? 0 : op_truthy(vm, a);
        if (t < 0) return ERR;
        if (t) return TRUE_VAL;
    }
    return FALSE_VAL;
}

/* A builtin's __qualname__. Bound (self), it is named after its
 * receiver's type or the class a classmethod is bound to, as CPython's
 * meth_get__qualname__: True.to_bytes is bool.to_bytes; a __new__ keeps
 * the class that defines it. Unbound, after the class that has it. */
static Value native_qualname(VM *vm, ObjNative *f, Value self) {
    if (!f->owner) return obj_val(f->name);
    ObjClass *named = f->owner;
    if (self != UNDEF && !is_kind(self, OBJ_MODULE) && strcmp(f->name->data, "__new__") != 0)
        named = is_kind(self, OBJ_CLASS) ? AS(ObjClass, self) : type_of(vm, self);
    StrBuf b = SB_INIT;
    sb_addf(&b, "%s.%s", named->qualname->data, f->name->data);
    return str_from_buf(vm, &b);
}

static Value builtin_attr(VM *vm, Value obj, ObjStr *name) {
    if (str_eq(name, vm_name(vm, N___class__))) return obj_val(type_of(vm, obj));
    if (!is_obj(obj)) return UNDEF;
    Obj *o = as_obj(obj);
    const char *n = name->data;
    switch ((ObjKind)o->kind) {
    case OBJ_FUNCTION: {
        ObjFunction *f = (ObjFunction *)o;
        if (!strcmp(n, "__name__")) return obj_val(f->name);
        if (!strcmp(n, "__qualname__")) return obj_val(f->qualname);
        if (!strcmp(n, "__doc__")) return f->doc;
        if (!strcmp(n, "__module__")) return f->module;
        if (!strcmp(n, "__code__")) return obj_val(f->code);
        if (!strcmp(n, "__defaults__")) return f->defaults ? obj_val(f->defaults) : NONE_VAL;
        if (!strcmp(n, "__kwdefaults__")) return f->kwdefaults ? obj_val(f->kwdefaults) : NONE_VAL;
        if (!strcmp(n, "__globals__")) return obj_val(f->globals);
        if (!strcmp(n, "__closure__")) return f->closure ? obj_val(f->closure) : NONE_VAL;
        if (!strcmp(n, "__builtins__")) return func_builtins(vm, f);
        if (!strcmp(n, "__type_params__")) {     /* a generic def sets its own (PEP 695) */
            ObjTuple *t = tuple_new(vm, 0);
            return t ? obj_val(t) : ERR;
        }
        if (!strcmp(n, "__dict__")) {
            if (!f->dict && !(f->dict = dict_new(vm))) return ERR;
            return obj_val(f->dict);
        }
        if (!strcmp(n, "__annotations__")) {      /* none given: an empty dict, kept */
            if (!f->annotations && !(f->annotations = dict_new(vm))) return ERR;
            return obj_val(f->annotations);
        }
        break;
    }
    case OBJ_NATIVE: {
        ObjNative *f = (ObjNative *)o;
        if (!strcmp(n, "__name__")) return obj_val(f->name);
        if (!strcmp(n, "__qualname__")) return native_qualname(vm, f, f->self);
        if (!strcmp(n, "__objclass__") && f->owner && (o->flags & NATIVE_METHOD) && f->self == UNDEF)
            return obj_val(f->owner);
        if (!strcmp(n, "__self__") && !(f->self == UNDEF && (o->flags & NATIVE_METHOD)))      /* descriptors have none */
            return f->self == UNDEF ? NONE_VAL : f->self;
        if (!strcmp(n, "__doc__") || !strcmp(n, "__text_signature__")) {
            const BuiltinDoc *d = native_doc(f);
            const char *text = !d ? NULL : n[2] == 'd' ? d->doc : d->sig;
            return text ? str_from_cstr(vm, text) : NONE_VAL;
        }
        if (!strcmp(n, "__module__")) return f->module != UNDEF ? f->module : str_from_cstr(vm, "builtins");
        break;
    }
    case OBJ_BOUND: {
        ObjBound *b = (ObjBound *)o;
        if (!strcmp(n, "__self__")) return b->self;
        if (!strcmp(n, "__func__")) return b->func;
        if (!strcmp(n, "__call__")) return slot_wrapper(vm, obj_val(o), name);     /* the method's own */
        if (!strcmp(n, "__qualname__") && is_kind(b->func, OBJ_NATIVE))
            return native_qualname(vm, AS(ObjNative, b->func), b->self);
        Value v = op_getattr_opt(vm, b->func, name);
        /* A name the function lacks: its AttributeError, which CPython's
         * method passes on ("'function' object has no attribute ..."). The
         * dunders still go on to the method's own slot wrappers. */
        if (v != UNDEF || (n[0] == '_' && n[1] == '_')) return v;
        return op_getattr(vm, b->func, name);
    }
    case OBJ_CODE: {
        ObjCode *c = (ObjCode *)o;
        if (!strcmp(n, "co_name")) return obj_val(c->name);
        if (!strcmp(n, "co_filename")) return obj_val(c->filename);
        if (!strcmp(n, "co_firstlineno")) return int_val(c->firstline);
        if (!strcmp(n, "co_argcount")) return int_val(c->argcount);
        if (!strcmp(n, "co_qualname")) return obj_val(c->qualname);
        if (!strcmp(n, "co_posonlyargcount")) return int_val(c->posonlycount);
        if (!strcmp(n, "co_kwonlyargcount")) return int_val(c->kwonlycount);
        if (!strcmp(n, "co_nlocals")) return int_val(c->nlocals);
        if (!strcmp(n, "co_consts")) {
            /* CPython's functions start their constants with the docstring
             * or None, which programs read as the docstring */
            bool lead = !(c->flags & (CODE_MODULE | CODE_CLASSBODY | CODE_HAS_DOC));
            int64_t none_at = -1;
            for (int32_t i = 0; lead && i < c->nconsts && none_at < 0; i++)
                if (c->consts[i] == NONE_VAL) none_at = i;
            if (none_at == 0) lead = false;
            ObjTuple *t = tuple_new(vm, c->nconsts + (lead && none_at < 0));
            if (!t) return ERR;
            int64_t k = 0;
            if (lead) t->items[k++] = NONE_VAL;
            for (int32_t i = 0; i < c->nconsts; i++)
                if (!lead || i != none_at) t->items[k++] = c->consts[i];
            return obj_val(t);
        }
        if (!strcmp(n, "co_stacksize")) return int_val(c->stacksize);
        if (!strcmp(n, "co_varnames") || !strcmp(n, "co_names") || !strcmp(n, "co_cellvars") ||
            !strcmp(n, "co_freevars")) {
            ObjStr **names = n[3] == 'v' ? c->varnames : n[3] == 'n' ? c->names : c->cellnames;
            int from = n[3] == 'f' ? c->ncells : 0;
            int count = n[3] == 'v' ? c->nlocals : n[3] == 'n' ? c->nnames : n[3] == 'c' ? c->ncells : c->nfrees;
            ObjTuple *t = tuple_new(vm, count);
            if (!t) return ERR;
            for (int i = 0; i < count; i++) t->items[i] = obj_val(names[from + i]);
            return obj_val(t);
        }
        if (!strncmp(n, "co_", 3)) {
            Value v = code_table_attr(vm, c, n);
            if (v != UNDEF) return v;
        }
        if (!strcmp(n, "co_flags")) {
            /* CPython's CO_* bits, for inspect */
            bool fn = !(c->flags & (CODE_MODULE | CODE_CLASSBODY));
            int f = (fn ? 0x3 : 0) | (c->flags & CODE_NESTED ? 0x10 : 0) | (c->flags & CODE_VARARGS ? 0x4 : 0) | (c->flags & CODE_VARKW ? 0x8 : 0) |
                    (c->flags & CODE_GENERATOR ? 0x20 : 0) | (c->flags & CODE_COROUTINE ? 0x80 : 0) |
                    (c->flags & CODE_ITERABLE_COROUTINE ? 0x100 : 0) | (c->flags & CODE_ASYNC_GEN ? 0x200 : 0) |
                    (c->flags & CODE_FUTURE_ANNOTATIONS ? CO_FUTURE_ANNOTATIONS : 0) |
                    (c->flags & CODE_FUTURE_BARRY ? CO_FUTURE_BARRY_AS_BDFL : 0);
            return int_val(f);
        }
        break;
    }
    case OBJ_GEN: {
        Value v = gen_getattr(vm, (ObjGen *)o, n);
        if (v != UNDEF) return v;
        break;
    }
    case OBJ_SLICE: {
        ObjSlice *s = (ObjSlice *)o;
        if (!strcmp(n, "start")) return s->start;
        if (!strcmp(n, "stop")) return s->stop;
        if (!strcmp(n, "step")) return s->step;
        break;
    }
    case OBJ_RANGE: {
        ObjRange *r = (ObjRange *)o;
        if (!strcmp(n, "start")) return range_field(vm, r, RANGE_START);
        if (!strcmp(n, "stop")) return range_field(vm, r, RANGE_STOP);
        if (!strcmp(n, "step")) return range_field(vm, r, RANGE_STEP);
        break;
    }
    case OBJ_PROPERTY: {
        ObjProperty *p = (ObjProperty *)o;
        if (o->cls == vm->types[T_MEMBER_DESCRIPTOR] || o->cls == vm->types[T_GETSET_DESCRIPTOR])
            return class_member_attr(vm, obj, name);
        if (!strcmp(n, "fget")) return p->fget;
        if (!strcmp(n, "fset")) return p->fset;
        if (!strcmp(n, "fdel")) return p->fdel;
        if (!strcmp(n, "__doc__")) return p->doc;
        if (!strcmp(n, "__isabstractmethod__")) return any_abstract(vm, (Value[]){p->fget, p->fset, p->fdel}, 3);
        break;
    }
    case OBJ_ITER:
        if (o->cls == vm->types[T_TRACEBACK]) return exc_traceback_attr(vm, (ObjIter *)o, name);
        break;
    case OBJ_WRAPPER:
        if (!strcmp(n, "__func__") || !strcmp(n, "__wrapped__")) return ((ObjWrapper *)o)->v;
        if (!strcmp(n, "__dict__") && !(o->flags & OBJ_SUBTYPE)) {
            ObjDict *d = builtins_wrapper_dict(vm, (ObjWrapper *)o);
            return d ? obj_val(d) : ERR;
        }
        /* classmethod and staticmethod show their function's names and
         * docs, as CPython copies them since 3.10. */
        if (!strcmp(n, "__module__") || !strcmp(n, "__name__") || !strcmp(n, "__qualname__") ||
            !strcmp(n, "__doc__") || !strcmp(n, "__annotations__"))
            return op_getattr_opt(vm, ((ObjWrapper *)o)->v, name);
        if (!strcmp(n, "__isabstractmethod__")) return any_abstract(vm, &((ObjWrapper *)o)->v, 1);
        break;
    case OBJ_MODULE:
        if (!strcmp(n, "__dict__")) return obj_val(((ObjModule *)o)->dict);
        if (!strcmp(n, "__annotations__")) {     /* none yet: an empty dict, kept */
            ObjDict *a = dict_new(vm);
            if (!a || dict_set_str(vm, ((ObjModule *)o)->dict, name, obj_val(a)) < 0) return ERR;
            return obj_val(a);
        }
        break;
    case OBJ_INSTANCE: case OBJ_EXC:
        if (!strcmp(n, "__dict__")) {
            /* object() and slotted instances have no dict */
            ObjDict *d = ((ObjInstance *)o)->dict;
            return (o->cls->obj.flags & CLASS_SLOTS) || !d ? UNDEF : obj_val(d);
        }
        if (o->kind == OBJ_EXC) return exc_getattr(vm, (ObjException *)o, name);
        break;
    case OBJ_FLOAT:
        if (!strcmp(n, "real")) return float_val(((ObjFloat *)o)->d);
        if (!strcmp(n, "imag")) return float_val(0.0);
        break;
    case OBJ_COMPLEX:
        if (!strcmp(n, "real")) return float_val(((ObjComplex *)o)->re);
        if (!strcmp(n, "imag")) return float_val(((ObjComplex *)o)->im);
        break;
    case OBJ_BIGINT:
        if (!strcmp(n, "real") || !strcmp(n, "numerator")) return obj;
        if (!strcmp(n, "imag")) return int_val(0);
        if (!strcmp(n, "denominator")) return int_val(1);
        break;
    default:
        break;
    }
    return UNDEF;
}

static Value number_attr(VM *vm, Value obj, ObjStr *name) {
    const char *n = name->data;
    if (is_intlike(obj)) {
        if (!strcmp(n, "real") || !strcmp(n, "numerator")) return is_bool(obj) ? int_val(as_bool(obj)) : obj;
        if (!strcmp(n, "imag")) return int_val(0);
        if (!strcmp(n, "denominator")) return int_val(1);
    } else if (is_float(obj)) {
        if (!strcmp(n, "real")) return obj;
        if (!strcmp(n, "imag")) return float_val(0.0);
    }
    (void)vm;
    return UNDEF;
}

/* Attribute lookup without __getattr__: UNDEF when absent. */
static Value lookup_attr(VM *vm, Value obj, ObjStr *name) {
    if (is_kind(obj, OBJ_CLASS)) return class_getattr(vm, AS(ObjClass, obj), name);
    ObjClass *cls = type_of(vm, obj);
    if (cls->instance_kind == OBJ_ITER && class_is_super(vm, cls)) return super_getattr(vm, AS(ObjIter, obj), name);
    Value attr = class_lookup(cls, name);
    /* Data descriptors on the class win over the instance dict (one
     * without __get__ gives the dict's value, or itself, as CPython's). */
    if (attr != UNDEF && is_obj(attr) && class_is_data_descriptor(vm, attr) &&
        (is_kind(attr, OBJ_PROPERTY) || op_special(vm, attr, N___get__) != UNDEF))
        return op_bind_attr(vm, obj, attr);
    ObjDict *d = obj_dict(vm, obj);
    if (d) {
        Value v = dict_get_str(d, name);
        if (v != UNDEF) return v;
    }
    if (attr != UNDEF) return op_bind_attr(vm, obj, attr);
    Value b = is_obj(obj) ? builtin_attr(vm, obj, name) : number_attr(vm, obj, name);
    if (b != UNDEF) return b;
    if (str_eq(name, vm_name(vm, N___class__))) return obj_val(cls);
    if (str_eq(name, vm_name(vm, N___doc__))) return class_getattr(vm, cls, name);    /* every value has one */
    if (!is_user(obj)) return slot_wrapper(vm, obj, name);
    return UNDEF;
}

/* Whether a missing attribute of obj goes to a module's own __getattr__
 * (PEP 562), called with the name alone: a module's, unless its class
 * (a ModuleType subclass) defines the method. */
static bool module_own_hook(Value obj) {
    return is_kind(obj, OBJ_MODULE) && !(as_obj(obj)->cls->obj.flags & CLASS_HAS_GETATTR);
}

/* What is asked for a name the lookup did not find: the class's __getattr__,
 * or a module's own (PEP 562). UNDEF if neither. */
static Value getattr_hook(VM *vm, Value obj) {
    if (!is_obj(obj)) return UNDEF;
    if (is_kind(obj, OBJ_CLASS)) {
        /* A metaclass's __getattr__ answers for its classes. */
        ObjClass *meta = as_obj(obj)->cls;
        if (meta == vm->types[T_TYPE] || !(meta->obj.flags & CLASS_HAS_GETATTR)) return UNDEF;
        return class_lookup(meta, vm_name(vm, N___getattr__));
    }
    if (module_own_hook(obj)) return dict_get_str(AS(ObjModule, obj)->dict, vm_name(vm, N___getattr__));
    if (!(type_of(vm, obj)->obj.flags & CLASS_HAS_GETATTR)) return UNDEF;
    return class_lookup(type_of(vm, obj), vm_name(vm, N___getattr__));
}

Value op_generic_getattr(VM *vm, Value obj, ObjStr *name) {
    Value v = lookup_attr(vm, obj, name);
    return v == UNDEF ? attr_error(vm, obj, name) : v;
}

/* An instance whose class overrides __getattribute__ (a class whose
 * metaclass does): it answers, then __getattr__ if it raised AttributeError. */
static bool custom_getattribute(Value obj) {
    return is_obj(obj) && (as_obj(obj)->cls->obj.flags & CLASS_HAS_GETATTRIBUTE);
}

/* The result of a __getattribute__ or __getattr__ written in Asy: an
 * AttributeError it raised gets the name and object looked up unless it has
 * them, as in CPython, for the "Did you mean" hint. */
static Value hook_result(VM *vm, Value v, Value obj, ObjStr *name) {
    if (v != ERR || !exc_is(vm, vm->exc, E_AttributeError)) return v;
    ObjDict *d = AS(ObjException, vm->exc)->base.dict;
    if (dict_get_str(d, vm_name(vm, N_name)) != UNDEF || dict_get_str(d, vm_name(vm, N_obj)) != UNDEF) return ERR;
    return exc_note_name(vm, name, obj);
}

/* (the hooks are bound first when they are descriptors but no functions) */
static Value call_getattribute(VM *vm, Value obj, ObjStr *name) {
    Value n = obj_val(name);
    Value v = op_call_special(vm, obj, class_lookup(as_obj(obj)->cls, vm_name(vm, N___getattribute__)), &n, 1);
    if (v != ERR || !exc_is(vm, vm->exc, E_AttributeError)) return v;
    Value ga = getattr_hook(vm, obj);
    if (ga == UNDEF) return hook_result(vm, ERR, obj, name);
    vm->exc = UNDEF;
    return hook_result(vm, op_call_special(vm, obj, ga, &n, 1), obj, name);
}

Value op_getattr(VM *vm, Value obj, ObjStr *name) {
    if (custom_getattribute(obj)) return call_getattribute(vm, obj, name);
    Value v = lookup_attr(vm, obj, name);
    if (v != UNDEF && v != ERR) return v;
    Value ga = getattr_hook(vm, obj);
    if (v == ERR) {
        /* An AttributeError from a descriptor (a property's getter) passes
         * the lookup on to __getattr__, as CPython's slot does. */
        if (ga == UNDEF || !exc_is(vm, vm->exc, E_AttributeError)) return ERR;
        vm->exc = UNDEF;
    }
    if (ga == UNDEF) return attr_error(vm, obj, name);
    if (module_own_hook(obj)) return hook_result(vm, op_call(vm, ga, (Value[]){obj_val(name)}, 1, NULL), obj, name);
    Value n = obj_val(name);
    return hook_result(vm, op_call_special(vm, obj, ga, &n, 1), obj, name);
}

Value op_getattr_opt(VM *vm, Value obj, ObjStr *name) {
    Value v = custom_getattribute(obj) ? UNDEF : lookup_attr(vm, obj, name);
    if (v == ERR && exc_is(vm, vm->exc, E_AttributeError)) {
        /* (a descriptor's __get__ raised it: absent too, as in CPython) */
        vm->exc = UNDEF;
        v = UNDEF;
    }
    if (v != UNDEF || (getattr_hook(vm, obj) == UNDEF && !custom_getattribute(obj))) return v;
    v = op_getattr(vm, obj, name);
    if (v == ERR && exc_is(vm, vm->exc, E_AttributeError)) {
        vm->exc = UNDEF;
        return UNDEF;
    }
    return v;
}

Value op_getmethod(VM *vm, Value obj, ObjStr *name, Value *self_out) {
    ObjClass *cls = type_of(vm, obj);
    if (!is_kind(obj, OBJ_CLASS) && !class_is_super(vm, cls) && !(cls->obj.flags & CLASS_HAS_GETATTRIBUTE)) {
        Value attr = class_lookup(cls, name);
        if (attr != UNDEF && is_method_like(attr)) {
            ObjDict *d = obj_dict(vm, obj);
            if (!d || dict_get_str(d, name) == UNDEF) {
                *self_out = obj;
                return binds_to(vm, attr, obj) ? attr : ERR;
            }
        }
    }
    *self_out = UNDEF;
    return op_getattr(vm, obj, name);
}

/* CPython's tp_name of a native class: "int", "collections.deque". */
static void add_tp_name(VM *vm, StrBuf *b, ObjClass *c) {
    sb_adds(b, class_tp_name(vm, c));
}

/* Setting or deleting through a property with no setter or deleter: a
 * builtin type's getset descriptor is "not writable", as in CPython. */
static int readonly_error(VM *vm, Value prop, ObjStr *name, ObjClass *cls, bool del) {
    if (as_obj(prop)->cls == vm->types[T_GETSET_DESCRIPTOR] && is_kind(AS(ObjProperty, prop)->doc, OBJ_CLASS)) {
        StrBuf b = SB_INIT;
        add_tp_name(vm, &b, AS(ObjClass, AS(ObjProperty, prop)->doc));
        exc_raise(vm, E_AttributeError, "attribute '%s' of '%s' objects is not writable", name->data, b.data);
        sb_free(&b);
    } else if (as_obj(prop)->cls == vm->types[T_MEMBER_DESCRIPTOR])
        exc_raise(vm, E_AttributeError, "readonly attribute");
    else
        op_property_missing(vm, prop, cls, del ? "deleter" : "setter");
    return -1;
}

/* Setting or deleting (v == UNDEF) an attribute of a class whose metaclass
 * is not type: the metaclass's __setattr__/__delattr__, or a property of
 * the metaclass. 1 when neither applies. */
static int meta_setattr(VM *vm, ObjClass *c, ObjStr *name, Value v) {
    ObjClass *meta = c->obj.cls;
    bool del = v == UNDEF;
    Value hook = class_lookup(meta, vm_name(vm, del ? N___delattr__ : N___setattr__));
    ObjClass *owner = vm->types[T_TYPE];
    if (hook != UNDEF && hook != dict_get_str(owner->dict, vm_name(vm, del ? N___delattr__ : N___setattr__)) &&
        hook != dict_get_str(vm->types[T_OBJECT]->dict, vm_name(vm, del ? N___delattr__ : N___setattr__))) {
        Value argv[3] = {obj_val(c), obj_val(name), v};
        return op_call(vm, hook, argv, del ? 2 : 3, NULL) == ERR ? -1 : 0;
    }
    Value attr = class_lookup(meta, name);
    if (is_kind(attr, OBJ_PROPERTY)) {
        Value f = del ? AS(ObjProperty, attr)->fdel : AS(ObjProperty, attr)->fset;
        if (f == NONE_VAL || f == UNDEF) return readonly_error(vm, attr, name, meta, del);
        return (del ? op_call1(vm, f, obj_val(c)) : op_call2(vm, f, obj_val(c), v)) == ERR ? -1 : 0;
    }
    if (is_kind(attr, OBJ_INSTANCE) || is_subtype(attr)) {
        /* another data descriptor of the metaclass: its __set__ or __delete__ */
        Value m = op_special(vm, attr, del ? N___delete__ : N___set__);
        if (m != UNDEF) {
            Value argv[3] = {attr, obj_val(c), v};
            return op_call(vm, m, argv, del ? 2 : 3, NULL) == ERR ? -1 : 0;
        }
        if (op_special(vm, attr, del ? N___set__ : N___delete__) != UNDEF) {
            exc_raise(vm, E_AttributeError, del ? "__delete__" : "__set__");
            return -1;
        }
    }
    return 1;
}

/* obj.__class__ = v: another class of the same layout. */
static int set_class(VM *vm, Value obj, Value v) {
    ObjClass *cls = type_of(vm, obj);
    if (v == UNDEF) {
        exc_raise(vm, E_TypeError, "can't delete __class__ attribute");
        return -1;
    }
    if (!is_kind(v, OBJ_CLASS)) {
        exc_raise(vm, E_TypeError, "__class__ must be set to a class, not '%T' object", v);
        return -1;
    }
    ObjClass *to = AS(ObjClass, v);
    if (is_kind(obj, OBJ_MODULE) && to->instance_kind == OBJ_MODULE) {
        /* a module may become an instance of a ModuleType subclass (the
         * idiom for module properties) and back: they share its layout */
        if ((to->obj.flags | cls->obj.flags) & CLASS_SLOTS) {
            exc_raise(vm, E_TypeError, "__class__ assignment: '%s' object layout differs from '%s'", to->name->data,
                      cls->name->data);
            return -1;
        }
        as_obj(obj)->cls = to;
        if (to->obj.flags & CLASS_BUILTIN) as_obj(obj)->flags &= ~OBJ_SUBTYPE;
        else as_obj(obj)->flags |= OBJ_SUBTYPE;
        return 0;
    }
    if ((to->obj.flags & CLASS_BUILTIN) || (cls->obj.flags & CLASS_BUILTIN)) {
        exc_raise(vm, E_TypeError, "__class__ assignment only supported for mutable types or ModuleType subclasses");
        return -1;
    }
    uint16_t layout = CLASS_SLOTS | CLASS_SUBTYPE;
    if (to->instance_kind != cls->instance_kind || (to->obj.flags & layout) != (cls->obj.flags & layout) ||
        !class_same_slots(vm, to, cls)) {
        if (vm->exc != UNDEF) return -1;
        exc_raise(vm, E_TypeError, "__class__ assignment: '%s' object layout differs from '%s'", to->name->data,
                  cls->name->data);
        return -1;
    }
    as_obj(obj)->cls = to;
    return 0;
}

/* The fields that builtin_attr reads from the C layout of a property,
 * slice, range, classmethod or staticmethod are CPython's read-only
 * members ("readonly attribute" when set or deleted). */
static bool readonly_member(VM *vm, Value obj, ObjStr *name) {
    if (!is_obj(obj)) return false;
    switch ((ObjKind)as_obj(obj)->kind) {
    case OBJ_PROPERTY: case OBJ_SLICE: case OBJ_RANGE: case OBJ_WRAPPER: break;
    default: return false;
    }
    if (as_obj(obj)->flags & OBJ_SUBTYPE) return false;
    Value v = builtin_attr(vm, obj, name);
    if (v == ERR) vm->exc = UNDEF;
    return v != UNDEF && v != ERR && !str_eq(name, vm_name(vm, N___class__));
}

/* Setting or deleting an attribute of an object without a dict for it:
 * CPython's message says "read-only" when the class has the name. */
static int no_dict_error(VM *vm, Value obj, ObjStr *name, Value class_attr) {
    if (class_attr != UNDEF)
        exc_raise(vm, E_AttributeError, "'%s' object attribute '%s' is read-only", type_name(vm, obj), name->data);
    else
        exc_raise(vm, E_AttributeError, "'%s' object has no attribute '%s'", type_name(vm, obj), name->data);
    return -1;
}

int op_generic_setattr(VM *vm, Value obj, ObjStr *name, Value v) {
    ObjClass *cls = type_of(vm, obj);
    bool del = v == UNDEF;
    if (str_eq(name, vm_name(vm, N___class__))) return set_class(vm, obj, v);
    Value attr = class_lookup(cls, name);
    if (is_kind(attr, OBJ_PROPERTY)) {
        Value f = del ? AS(ObjProperty, attr)->fdel : AS(ObjProperty, attr)->fset;
        if (f == NONE_VAL || f == UNDEF) return readonly_error(vm, attr, name, cls, del);
        return (del ? op_call1(vm, f, obj) : op_call2(vm, f, obj, v)) == ERR ? -1 : 0;
    }
    if (is_kind(attr, OBJ_INSTANCE)) {
        /* A data descriptor of the class: its __set__ or __delete__. */
        Value m = op_special(vm, attr, del ? N___delete__ : N___set__);
        if (m != UNDEF) {
            Value argv[3] = {attr, obj, v};
            return op_call(vm, m, argv, del ? 2 : 3, NULL) == ERR ? -1 : 0;
        }
        /* One of the two makes it a data descriptor: the other is missing. */
        if (op_special(vm, attr, del ? N___set__ : N___delete__) != UNDEF) {
            exc_raise(vm, E_AttributeError, del ? "__delete__" : "__set__");
            return -1;
        }
    }
    if (is_kind(obj, OBJ_EXC)) {
        int r = exc_setattr(vm, AS(ObjException, obj), name, v);
        if (r) return r < 0 ? -1 : 0;
    }
    if (del) {
        ObjDict *d = obj_dict(vm, obj);
        if (!d && attr != UNDEF) return no_dict_error(vm, obj, name, attr);
        int r = d ? dict_del(vm, d, obj_val(name)) : 0;
        if (r < 0) return -1;
        if (!r) attr_error_raise(vm, obj, name);
        return r ? 0 : -1;
    }
    if ((cls->obj.flags & CLASS_SLOTS) && dict_get_str(cls->slots, name) == UNDEF)
        return no_dict_error(vm, obj, name, attr);
    ObjDict *d = is_kind(obj, OBJ_MODULE) ? AS(ObjModule, obj)->dict
                 : is_subtype(obj)        ? subtype_dict(vm, as_obj(obj))
                 : is_user(obj)           ? AS(ObjInstance, obj)->dict
                                          : NULL;
    if (!d) {
        if (is_subtype(obj)) return -1;
        return no_dict_error(vm, obj, name, attr);
    }
    return dict_set_str(vm, d, name, v);
}

/* A staticmethod or classmethod takes any attribute in its dict but its
 * callable (__func__, __wrapped__) and __isabstractmethod__. */
static int wrapper_setattr(VM *vm, ObjWrapper *w, ObjStr *name, Value v) {
    const char *n = name->data;
    if (!strcmp(n, "__func__") || !strcmp(n, "__wrapped__")) {
        exc_raise(vm, E_AttributeError, "readonly attribute");
        return -1;
    }
    if (!strcmp(n, "__isabstractmethod__") || !strcmp(n, "__dict__")) {
        exc_raise(vm, E_AttributeError, "attribute '%s' of '%s' objects is not writable", n, w->obj.cls->name->data);
        return -1;
    }
    ObjDict *d = builtins_wrapper_dict(vm, w);
    return d ? dict_set_str(vm, d, name, v) : -1;
}

int op_setattr(VM *vm, Value obj, ObjStr *name, Value v) {
    if (is_kind(obj, OBJ_CLASS)) {
        ObjClass *c = AS(ObjClass, obj);
        if (c->obj.cls != vm->types[T_TYPE]) {
            int r = meta_setattr(vm, c, name, v);
            if (r != 1) return r;
        }
        return class_setattr(vm, c, name, v);
    }
    ObjClass *cls = type_of(vm, obj);
    if (is_user(obj) || is_subtype(obj)) {
        Value sa = op_special(vm, obj, N___setattr__);
        if (sa != UNDEF) {
            Value argv[3] = {obj, obj_val(name), v};
            return op_call(vm, sa, argv, 3, NULL) == ERR ? -1 : 0;
        }
        return op_generic_setattr(vm, obj, name, v);
    }
    if (is_kind(obj, OBJ_FUNCTION)) {
        ObjFunction *f = AS(ObjFunction, obj);
        int r = func_set_special(vm, f, name, v);
        if (r <= 0) return r;
        if (!f->dict && !(f->dict = dict_new(vm))) return -1;
        return dict_set_str(vm, f->dict, name, v);
    }
    if (is_kind(obj, OBJ_MODULE)) {
        if (str_eq(name, vm_name(vm, N___class__))) return set_class(vm, obj, v);
        if (str_eq(name, vm_name(vm, N___dict__))) {      /* a module keeps its namespace */
            exc_raise(vm, E_AttributeError, "readonly attribute");
            return -1;
        }
        return dict_set_str(vm, AS(ObjModule, obj)->dict, name, v);
    }
    if (is_kind(obj, OBJ_GEN)) {
        int r = gen_setattr(vm, AS(ObjGen, obj), name, v);
        if (r <= 0) return r;
    }
    if (is_kind(obj, OBJ_PROPERTY) && !(as_obj(obj)->flags & OBJ_SUBTYPE) && cls != vm->types[T_MEMBER_DESCRIPTOR] &&
        cls != vm->types[T_GETSET_DESCRIPTOR] && str_eq(name, vm_name(vm, N___doc__))) {
        /* the docstring of a property (or a namedtuple field's _tuplegetter) is writable */
        AS(ObjProperty, obj)->doc = v;
        return 0;
    }
    if (str_eq(name, vm_name(vm, N___class__))) return set_class(vm, obj, v);
    if (is_kind(obj, OBJ_WRAPPER)) return wrapper_setattr(vm, AS(ObjWrapper, obj), name, v);
    Value attr = class_lookup(cls, name);
    if (is_kind(attr, OBJ_PROPERTY)) return op_generic_setattr(vm, obj, name, v);   /* its setter or error */
    if (attr != UNDEF)
        exc_raise(vm, E_AttributeError, "'%s' object attribute '%s' is read-only", type_name(vm, obj), name->data);
    else if (readonly_member(vm, obj, name))
        exc_raise(vm, E_AttributeError, "readonly attribute");
    else
        attr_error_raise(vm, obj, name);
    return -1;
}

int op_delattr(VM *vm, Value obj, ObjStr *name) {
    if (is_user(obj) || is_subtype(obj)) {
        Value da = op_special(vm, obj, N___delattr__);
        if (da != UNDEF) {
            Value argv[2] = {obj, obj_val(name)};
            return op_call(vm, da, argv, 2, NULL) == ERR ? -1 : 0;
        }
        return op_generic_setattr(vm, obj, name, UNDEF);
    }
    if (is_kind(obj, OBJ_GEN)) {
        int r = gen_setattr(vm, AS(ObjGen, obj), name, UNDEF);     /* the names cannot go */
        if (r <= 0) return r;
    }
    if (is_kind(obj, OBJ_CLASS)) {
        ObjClass *c = AS(ObjClass, obj);
        if (c->obj.cls != vm->types[T_TYPE]) {
            int r = meta_setattr(vm, c, name, UNDEF);
            if (r != 1) return r;
        }
        return class_delattr(vm, c, name);
    }
    if (is_kind(class_lookup(type_of(vm, obj), name), OBJ_PROPERTY)) return op_generic_setattr(vm, obj, name, UNDEF);
    if (is_kind(obj, OBJ_FUNCTION)) {
        int r = func_set_special(vm, AS(ObjFunction, obj), name, UNDEF);
        if (r <= 0) return r;
    }
    ObjDict *d = obj_dict(vm, obj);
    if (d) {
        int r = dict_del(vm, d, obj_val(name));
        if (r < 0) return -1;
        if (r) return 0;
    }
    if (readonly_member(vm, obj, name)) exc_raise(vm, E_AttributeError, "readonly attribute");
    else attr_error_raise(vm, obj, name);
    return -1;
}

/* ---- items ------------------------------------------------------------- */

static inline __attribute__((always_inline)) Value getitem_of(VM *vm, Value obj, Value key, bool layout) {
    if (is_obj(obj) && (layout || by_layout(vm, as_obj(obj), N___getitem__))) {
        Obj *o = as_obj(obj);
        switch ((ObjKind)o->kind) {
        case OBJ_LIST: return list_getitem(vm, (ObjList *)o, key);
        case OBJ_TUPLE: return tuple_getitem(vm, (ObjTuple *)o, key);
        case OBJ_STR: return str_getitem(vm, (ObjStr *)o, key);
        case OBJ_DICT: {
            Value v = dict_get(vm, (ObjDict *)o, key);
            if (v != UNDEF) return v;
            /* dict subclasses (defaultdict, Counter) may supply __missing__. */
            if (o->cls != vm->types[T_DICT]) {
                Value r = call_special(vm, obj, N___missing__, &key, 1);
                if (r != UNDEF) return r;
            }
            ObjTuple *t = tuple_from(vm, &key, 1);
            if (!t) return ERR;
            Value e = exc_new(vm, vm->exc_types[E_KeyError], t);
            return e == ERR ? ERR : exc_raise_value(vm, e);
        }
        case OBJ_CLASS: {
            if (o->cls != vm->types[T_TYPE]) {
                /* The metaclass's __getitem__ comes before __class_getitem__. */
                Value r = call_special(vm, obj, N___getitem__, &key, 1);
                if (r != UNDEF) return r;
            }
            Value cg = class_getattr(vm, (ObjClass *)o, vm_name(vm, N___class_getitem__));
            if (cg == ERR) return ERR;
            if (cg != UNDEF) return op_call1(vm, cg, key);
            if (o == &vm->types[T_TYPE]->obj) return class_generic_alias(vm, obj, key); /* type[int] */
            ObjClass *c = (ObjClass *)o;
            StrBuf b = SB_INIT;
            if (c->obj.flags & CLASS_BUILTIN) add_tp_name(vm, &b, c); else sb_adds(&b, c->name->data);
            exc_raise(vm, E_TypeError, "type '%s' is not subscriptable", b.data ? b.data : "");
            sb_free(&b);
            return ERR;
        }
        default:
            break;
        }
    }
    if (layout) return layout_fail(vm, obj, N___getitem__) ? UNDEF : ERR;
    Value r = call_special(vm, obj, N___getitem__, &key, 1);
    if (r != UNDEF) return r;
    return exc_raise(vm, E_TypeError, "'%T' object is not subscriptable", obj);
}

Value op_getitem(VM *vm, Value obj, Value key) { return getitem_of(vm, obj, key, false); }

static inline __attribute__((always_inline)) int setitem_of(VM *vm, Value obj, Value key, Value v, bool layout) {
    if (is_plain_kind_fast(obj, OBJ_DICT)) return dict_set(vm, AS(ObjDict, obj), key, v);
    if (is_plain_kind_fast(obj, OBJ_LIST)) return list_setitem(vm, AS(ObjList, obj), key, v);
    if ((is_list(obj) || is_dict(obj)) && (layout || by_layout(vm, as_obj(obj), N___setitem__)))
        return is_list(obj) ? list_setitem(vm, AS(ObjList, obj), key, v) : dict_set(vm, AS(ObjDict, obj), key, v);
    if (layout) return layout_fail(vm, obj, N___setitem__) - 1;
    Value args[2] = {key, v};
    Value r = call_special(vm, obj, N___setitem__, args, 2);
    if (r == ERR) return -1;
    if (r != UNDEF) return 0;
    exc_raise(vm, E_TypeError, "'%T' object does not support item assignment", obj);
    return -1;
}

int op_setitem(VM *vm, Value obj, Value key, Value v) { return setitem_of(vm, obj, key, v, false); }

static inline __attribute__((always_inline)) int delitem_of(VM *vm, Value obj, Value key, bool layout) {
    if ((is_list(obj) || is_dict(obj)) && !layout && !by_layout(vm, as_obj(obj), N___delitem__)) goto special;
    if (is_list(obj)) return list_delitem(vm, AS(ObjList, obj), key);
    if (is_dict(obj)) {
        int r = dict_del(vm, AS(ObjDict, obj), key);
        if (r < 0) return -1;
        if (r == 0) {
            ObjTuple *t = tuple_from(vm, &key, 1);
            Value e = t ? exc_new(vm, vm->exc_types[E_KeyError], t) : ERR;
            if (e != ERR) exc_raise_value(vm, e);
            return -1;
        }
        return 0;
    }
    if (layout) return layout_fail(vm, obj, N___delitem__) - 1;
special:;
    Value r = call_special(vm, obj, N___delitem__, &key, 1);
    if (r == ERR) return -1;
    if (r != UNDEF) return 0;
    /* CPython words it differently for an index into a type with the
     * sequence protocol (classes, and builtins with a length). */
    bool seq = is_intlike(key) && (is_user(obj) || class_lookup(type_of(vm, obj), vm_name(vm, N___len__)) != UNDEF);
    exc_raise(vm, E_TypeError, seq ? "'%T' object doesn't support item deletion"
                                   : "'%T' object does not support item deletion", obj);
    return -1;
}

int op_delitem(VM *vm, Value obj, Value key) { return delitem_of(vm, obj, key, false); }

static inline __attribute__((always_inline)) int64_t len_of(VM *vm, Value v, bool layout) {
    if (is_obj(v) && (layout || by_layout(vm, as_obj(v), N___len__))) {
        Obj *o = as_obj(v);
        switch ((ObjKind)o->kind) {
        case OBJ_STR: return ((ObjStr *)o)->cplen;
        case OBJ_LIST: return ((ObjList *)o)->len;
        case OBJ_TUPLE: return ((ObjTuple *)o)->len;
        case OBJ_DICT: return ((ObjDict *)o)->count;
        case OBJ_SET: return ((ObjSet *)o)->used;
        case OBJ_RANGE: return range_len(vm, (ObjRange *)o);
        case OBJ_BYTES: return ((ObjBytes *)o)->len;
        case OBJ_BYTEARRAY: return ((ObjByteArray *)o)->len;
        case OBJ_ITER:
            if (dict_view_type(vm, o->cls) != T_COUNT) return AS(ObjDict, ((ObjIter *)o)->a)->count;
            break;
        default:
            break;
        }
    }
    if (layout) return layout_fail(vm, v, N___len__) - 1;
    Value r = call_special(vm, v, N___len__, NULL, 0);
    if (r == ERR) return -1;
    if (r == UNDEF) {
        exc_raise(vm, E_TypeError, "object of type '%T' has no len()", v);
        return -1;
    }
    return len_result(vm, r);
}

/* What a __len__ that returned r gives len(): -1 after raising. */
static int64_t len_result(VM *vm, Value r) {
    int64_t n;
    if (!is_intlike(r)) {
        /* another object is taken through its __index__, as CPython's
         * slot_sq_length does */
        Value m = op_special(vm, r, N___index__);
        if (m == UNDEF) {
            exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", r);
            return -1;
        }
        r = op_call_special(vm, r, m, NULL, 0);
        if (r == ERR || (r = index_result(vm, r)) == ERR) return -1;
    }
    if (!int_to_i64(r, &n) && int_sign(r) > 0) {
        exc_raise(vm, E_OverflowError, "cannot fit 'int' into an index-sized integer");
        return -1;
    }
    if (int_sign(r) < 0 || n < 0) {
        exc_raise(vm, E_ValueError, "__len__() should return >= 0");
        return -1;
    }
    return n;
}

int64_t op_len(VM *vm, Value v) { return len_of(vm, v, false); }

Value op_length_hint(VM *vm, Value v, Value dflt) {
    int64_t n = op_len(vm, v);
    if (n >= 0) return int_from_i64(vm, n);
    if (!exc_is(vm, vm->exc, E_TypeError)) return ERR;
    vm->exc = UNDEF;
    /* no __len__: ask __length_hint__, which may answer NotImplemented */
    Value m = class_lookup(type_of(vm, v), vm_name(vm, N___length_hint__));
    if (m == UNDEF) return dflt;
    Value r = op_call1(vm, m, v);
    if (r == ERR && exc_is(vm, vm->exc, E_TypeError)) {
        vm->exc = UNDEF;        /* "len() of unsized object": no hint */
        return dflt;
    }
    if (r == ERR || r == NOTIMPL_VAL) return r == ERR ? ERR : dflt;
    if (!is_intlike(r)) return exc_raise(vm, E_TypeError, "__length_hint__ must be an integer, not %T", r);
    int64_t n64;
    if (!int_to_i64(r, &n64)) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
    if (n64 < 0) return exc_raise(vm, E_ValueError, "__length_hint__() should return >= 0");
    return int_from_i64(vm, n64);
}

/* ---- iteration --------------------------------------------------------- */

/* An exhausted list iterator forgets its list (a = UNDEF), as CPython's
   does: items appended later are never seen by it. */
static Value seq_next(VM *vm, ObjIter *it) {
    (void)vm;
    if (it->a == UNDEF) return UNDEF;
    ObjList *l = AS(ObjList, it->a);
    if (it->i < l->len) return l->items[it->i++];
    it->a = UNDEF;
    return UNDEF;
}

/* The tuple, bytes and str iterators mark a next() that found nothing with
 * b = True (only then does __reduce__ give up the sequence, as CPython's
 * drop theirs), a store on the exhausted path alone. */
static Value tuple_next(VM *vm, ObjIter *it) {
    (void)vm;
    ObjTuple *t = AS(ObjTuple, it->a);
    if (it->i < t->len) return t->items[it->i++];
    it->b = TRUE_VAL;
    return UNDEF;
}

static Value bytes_next(VM *vm, ObjIter *it) {
    (void)vm;
    ObjBytes *b = AS(ObjBytes, it->a);
    if (it->i < b->len) return int_val(b->data[it->i++]);
    it->b = TRUE_VAL;
    return UNDEF;
}

/* Iterates an object that only has __getitem__, until IndexError. */
static Value getitem_next(VM *vm, ObjIter *it) {
    if (it->a == UNDEF) return UNDEF;
    Value v = op_getitem(vm, it->a, int_val(it->i));
    if (v == ERR) {
        if (exc_is(vm, vm->exc, E_IndexError) || exc_is(vm, vm->exc, E_StopIteration)) {
            vm->exc = UNDEF;
            it->a = UNDEF;
            return UNDEF;
        }
        return ERR;
    }
    it->i++;
    return v;
}

ObjIter *iter_new(VM *vm, ObjClass *cls, IterNextFn next) {
    ObjIter *it = gc_new_instance(vm, sizeof(ObjIter), OBJ_ITER, cls);
    if (!it) return NULL;
    it->next = next;
    it->a = it->b = it->c = UNDEF;
    return it;
}

static Value new_iter(VM *vm, TypeId t, IterNextFn next, Value a) {
    ObjIter *it = iter_new(vm, vm->types[t], next);
    if (!it) return ERR;
    it->a = a;
    return obj_val(it);
}

static inline __attribute__((always_inline)) Value iter_of(VM *vm, Value v, bool layout) {
    if (is_obj(v) && (layout || by_layout(vm, as_obj(v), N___iter__))) {
        Obj *o = as_obj(v);
        switch ((ObjKind)o->kind) {
        case OBJ_LIST: return new_iter(vm, T_LIST_ITER, seq_next, v);
        case OBJ_TUPLE: return new_iter(vm, T_TUPLE_ITER, tuple_next, v);
        case OBJ_STR: return str_iter(vm, (ObjStr *)o);
        case OBJ_DICT: return dict_iter(vm, (ObjDict *)o, T_DICT_KEYS);
        case OBJ_SET: return set_iter(vm, (ObjSet *)o);
        case OBJ_RANGE: return range_iter(vm, (ObjRange *)o);
        case OBJ_BYTES: return new_iter(vm, T_BYTES_ITER, bytes_next, v);
        case OBJ_GEN:
            if (o->cls == vm->types[T_GENERATOR]) return v;
            break;
        case OBJ_ITER: {
            ObjIter *it = (ObjIter *)o;
            if (it->next) return v;
            TypeId t = dict_view_type(vm, o->cls);
            if (t != T_COUNT) return dict_iter(vm, AS(ObjDict, it->a), t);
            break;
        }
        default:
            break;
        }
    }
    if (layout) return layout_fail(vm, v, N___iter__) ? UNDEF : ERR;
    if (op_special(vm, v, N___iter__) == NONE_VAL) return exc_raise(vm, E_TypeError, "'%T' object is not iterable", v);
    Value r = call_special(vm, v, N___iter__, NULL, 0);
    if (r == ERR) return ERR;
    if (r != UNDEF) {
        if (!(is_kind(r, OBJ_ITER) && AS(ObjIter, r)->next) && op_special(vm, r, N___next__) == UNDEF)
            return exc_raise(vm, E_TypeError, "iter() returned non-iterator of type '%T'", r);
        return r;
    }
    if (op_special(vm, v, N___getitem__) != UNDEF) return new_iter(vm, T_SEQ_ITER, getitem_next, v);
    return exc_raise(vm, E_TypeError, "'%T' object is not iterable", v);
}

Value op_iter(VM *vm, Value v) { return iter_of(vm, v, false); }

IterNextFn op_native_next(VM *vm, Value it) {
    if (!is_kind(it, OBJ_ITER) || !by_layout(vm, as_obj(it), N___next__)) return NULL;
    return AS(ObjIter, it)->next;
}

Value op_next(VM *vm, Value it) {
    IterNextFn next = op_native_next(vm, it);
    if (next) {
        Value r = next(vm, AS(ObjIter, it));
        /* a StopIteration a native step lets out (map's or filter's
         * function raised it, say) ends the iteration, as CPython's
         * consumers take a NULL with StopIteration set */
        if (r == ERR && exc_is(vm, vm->exc, E_StopIteration)) {
            vm->exc = UNDEF;
            return UNDEF;
        }
        return r;
    }
    if (is_generator(vm, it)) {
        bool done;
        Value r = gen_resume(vm, AS(ObjGen, it), NONE_VAL, UNDEF, &done);
        return done ? UNDEF : r;
    }
    Value r = call_special(vm, it, N___next__, NULL, 0);
    if (r == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object is not an iterator", it);
    if (r == ERR && exc_is(vm, vm->exc, E_StopIteration)) {
        vm->exc = UNDEF;
        return UNDEF;
    }
    return r;
}

ObjList *op_to_list(VM *vm, Value iterable) {
    bool lst = is_plain_kind(iterable, OBJ_LIST);
    if (lst || is_plain_kind(iterable, OBJ_TUPLE)) {
        /* room for an even count, as CPython's list(x) has (sys.getsizeof) */
        int64_t n = lst ? AS(ObjList, iterable)->len : AS(ObjTuple, iterable)->len;
        ObjList *l = list_new(vm, n + (n & 1));
        if (!l) return NULL;
        if (n) copy_values(l->items, lst ? AS(ObjList, iterable)->items : AS(ObjTuple, iterable)->items, n);
        l->len = n;
        return l;
    }
    ObjList *l = list_new(vm, 0);
    if (!l) return NULL;
    if (!vm_push_root(vm, obj_val(l))) return NULL;
    int rc = list_extend(vm, l, iterable);
    vm_pop_roots(vm, 1);
    return rc < 0 ? NULL : l;
}

/* ---- repr and str ------------------------------------------------------ */

static bool repr_enter(VM *vm, Obj *o, bool *cycle) {
    *cycle = false;
    for (int i = 0; i < vm->nrepr; i++) {
        if (vm->repr_active[i] == o) { *cycle = true; return true; }
    }
    if (vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
        return false;
    }
    if (vm->nrepr == vm->reprcap) {
        int cap = vm->reprcap ? vm->reprcap * 2 : 16;
        Obj **a = realloc(vm->repr_active, (size_t)cap * sizeof *a);
        if (!a) { exc_nomem(vm); return false; }
        vm->repr_active = a;
        vm->reprcap = cap;
    }
    vm->repr_active[vm->nrepr++] = o;
    vm->c_depth++;
    return true;
}

static void repr_leave(VM *vm) {
    vm->nrepr--;
    vm->c_depth--;
}

bool op_repr_enter(VM *vm, Obj *o, bool *cycle) { return repr_enter(vm, o, cycle); }
void op_repr_leave(VM *vm) { repr_leave(vm); }

static bool repr_items(VM *vm, StrBuf *b, const Value *items, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        if (i) sb_adds(b, ", ");
        if (!op_repr_to(vm, items[i], b)) return false;
    }
    return true;
}

static bool repr_container(VM *vm, Value v, StrBuf *b) {
    Obj *o = as_obj(v);
    bool cycle;
    if (!repr_enter(vm, o, &cycle)) return false;
    bool ok = true;
    switch ((ObjKind)o->kind) {
    case OBJ_LIST:
        if (cycle) { sb_adds(b, "[...]"); return true; }
        sb_addc(b, '[');
        ok = repr_items(vm, b, ((ObjList *)o)->items, ((ObjList *)o)->len);
        sb_addc(b, ']');
        break;
    case OBJ_TUPLE: {
        if (cycle) { sb_adds(b, "(...)"); return true; }   /* through a list or dict it holds */
        ObjTuple *t = (ObjTuple *)o;
        sb_addc(b, '(');
        ok = repr_items(vm, b, t->items, t->len);
        if (t->len == 1) sb_addc(b, ',');
        sb_addc(b, ')');
        break;
    }
    case OBJ_DICT: {
        if (cycle) { sb_adds(b, "{...}"); return true; }
        ObjDict *d = (ObjDict *)o;
        sb_addc(b, '{');
        int64_t pos = 0, i = 0;
        Value k, val;
        while (ok && dict_next(d, &pos, &k, &val)) {
            if (i++) sb_adds(b, ", ");
            ok = op_repr_to(vm, k, b);
            sb_adds(b, ": ");
            ok = ok && op_repr_to(vm, val, b);
        }
        sb_addc(b, '}');
        break;
    }
    default: {     /* dict views */
        if (cycle) { sb_adds(b, "..."); return true; }     /* d[k] = d.values() */
        ObjIter *view = (ObjIter *)o;
        TypeId view_type = dict_view_type(vm, o->cls);
        sb_adds(b, o->cls->name->data);
        sb_adds(b, "([");
        ObjDict *d = AS(ObjDict, view->a);
        int64_t pos = 0, i = 0;
        Value k, val;
        while (ok && dict_next(d, &pos, &k, &val)) {
            if (i++) sb_adds(b, ", ");
            if (view_type == T_DICT_KEYS) ok = op_repr_to(vm, k, b);
            else if (view_type == T_DICT_VALUES) ok = op_repr_to(vm, val, b);
            else {
                sb_addc(b, '(');
                ok = op_repr_to(vm, k, b);
                sb_adds(b, ", ");
                ok = ok && op_repr_to(vm, val, b);
                sb_addc(b, ')');
            }
        }
        sb_adds(b, "])");
        break;
    }
    }
    if (!cycle) repr_leave(vm);
    return ok;
}

void bytes_repr_to(StrBuf *b, const uint8_t *p, int64_t n, bool bytearray) {
    bool sq = n > 0 && memchr(p, '\'', (size_t)n) != NULL, dq = n > 0 && memchr(p, '"', (size_t)n) != NULL;
    char q = sq && !dq ? '"' : '\'';
    sb_addc(b, 'b');
    sb_addc(b, q);
    for (int64_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        /* bytearray's repr escapes a single quote even inside double ones */
        if (c == q || c == '\\' || (bytearray && c == '\'')) { sb_addc(b, '\\'); sb_addc(b, (char)c); }
        else if (c == '\n') sb_adds(b, "\\n");
        else if (c == '\r') sb_adds(b, "\\r");
        else if (c == '\t') sb_adds(b, "\\t");
        else if (c < 0x20 || c >= 0x7F) sb_addf(b, "\\x%02x", c);
        else sb_addc(b, (char)c);
    }
    sb_addc(b, q);
}

static bool module_name_prefix(VM *vm, ObjClass *c, StrBuf *b) {
    (void)vm;
    if (c->module != UNDEF && is_str(c->module) && strcmp(AS(ObjStr, c->module)->data, "builtins") != 0) {
        sb_add(b, AS(ObjStr, c->module)->data, (size_t)AS(ObjStr, c->module)->len);
        sb_addc(b, '.');
    }
    return true;
}

/* Calls v's __str__ or __repr__ (name) into b; `shown` names the method in
 * the error for a non-string result. */
static bool call_text_method(VM *vm, Value v, NameId name, const char *shown, StrBuf *b) {
    if (vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
        return false;
    }
    vm->c_depth++;
    Value r = call_special(vm, v, name, NULL, 0);
    vm->c_depth--;
    if (r == ERR) return false;
    if (!is_str(r)) {
        exc_raise(vm, E_TypeError, "%s returned non-string (type %T)", shown, r);
        return false;
    }
    sb_add(b, AS(ObjStr, r)->data, (size_t)AS(ObjStr, r)->len);
    return true;
}

static bool call_repr_method(VM *vm, Value v, NameId name, StrBuf *b) {
    return call_text_method(vm, v, name, name == N___str__ ? "__str__" : "__repr__", b);
}

/* An address for `<... object at 0x...>`: values that are not objects
 * have none, so their bits stand in. */
static void *value_addr(Value v) { return is_obj(v) ? (void *)as_obj(v) : (void *)(uintptr_t)v; }

/* CPython's reprs of builtin callables: a function, a method of a builtin
 * type taken from the class (a method or slot descriptor), or one bound
 * to self (cls is the class of the callable object: the bound method's
 * when there is one). */
static void native_repr(VM *vm, ObjNative *n, Value self, ObjClass *cls, StrBuf *b) {
    const char *name = n->name->data;
    if (self != UNDEF) {
        if (cls == vm->types[T_METHOD_WRAPPER]) sb_addf(b, "<method-wrapper '%s'", name);
        else sb_addf(b, "<built-in method %s", name);
        sb_addf(b, " of %s object at %p>", type_name(vm, self), value_addr(self));
    } else if (n->owner && (cls == vm->types[T_METHOD_DESCRIPTOR] || cls == vm->types[T_WRAPPER_DESCRIPTOR])) {
        sb_addf(b, cls == vm->types[T_METHOD_DESCRIPTOR] ? "<method '%s' of '" : "<slot wrapper '%s' of '", name);
        add_tp_name(vm, b, n->owner);
        sb_adds(b, "' objects>");
    } else if (n->owner)
        sb_addf(b, "<built-in method %s of type object at %p>", name, (void *)n->owner);
    else
        sb_addf(b, "<built-in function %s>", name);
}

static inline __attribute__((always_inline)) bool repr_of(VM *vm, Value v, StrBuf *b, bool layout) {
    char tmp[40];
    switch (VTAG(v)) {
    case VTAG_INT: sb_addf(b, "%lld", (long long)as_int(v)); return true;
    case VTAG_BOOL: sb_adds(b, as_bool(v) ? "True" : "False"); return true;
    case VTAG_CONST:
        sb_adds(b, v == NONE_VAL ? "None" : v == NOTIMPL_VAL ? "NotImplemented" : v == ELLIPSIS_VAL ? "Ellipsis" : "<undef>");
        return true;
    case VTAG_OBJ: break;
    default: flt_repr(as_float(v), tmp); sb_adds(b, tmp); return true;
    }
    Obj *o = as_obj(v);
    if (!layout && !by_layout(vm, o, N___repr__)) return call_repr_method(vm, v, N___repr__, b);
    switch ((ObjKind)o->kind) {
    case OBJ_STR: str_repr_to(b, ((ObjStr *)o)->data, (size_t)((ObjStr *)o)->len); return true;
    case OBJ_BIGINT: return int_to_dec(vm, v, b);
    case OBJ_FLOAT: flt_repr(((ObjFloat *)o)->d, tmp); sb_adds(b, tmp); return true;
    case OBJ_COMPLEX: cpx_repr((Cpx){((ObjComplex *)o)->re, ((ObjComplex *)o)->im}, b); return true;
    case OBJ_LIST: case OBJ_TUPLE: case OBJ_DICT:
        if (layout || (o->cls->obj.flags & (CLASS_BUILTIN | CLASS_SUBTYPE))) return repr_container(vm, v, b);
        break;
    case OBJ_BYTES: bytes_repr_to(b, ((ObjBytes *)o)->data, ((ObjBytes *)o)->len, false); return true;
    case OBJ_FUNCTION:
        sb_addf(b, "<function %s at %p>", ((ObjFunction *)o)->qualname->data, (void *)o);
        return true;
    case OBJ_NATIVE: native_repr(vm, (ObjNative *)o, ((ObjNative *)o)->self, o->cls, b); return true;
    case OBJ_BOUND: {
        ObjBound *m = (ObjBound *)o;
        if (is_kind(m->func, OBJ_NATIVE) && o->cls != vm->types[T_METHOD]) {
            native_repr(vm, AS(ObjNative, m->func), m->self, o->cls, b);
            return true;
        }
        /* the function's __qualname__, else its __name__, else '?' */
        Value qn = op_getattr_opt(vm, m->func, vm_name(vm, N___qualname__));
        if (qn == UNDEF) qn = op_getattr_opt(vm, m->func, vm_name(vm, N___name__));
        if (qn == ERR) return false;
        sb_adds(b, "<bound method ");
        sb_adds(b, is_str(qn) ? AS(ObjStr, qn)->data : "?");
        sb_adds(b, " of ");
        if (!op_repr_to(vm, m->self, b)) return false;
        sb_addc(b, '>');
        return true;
    }
    case OBJ_CLASS:
        if (o->cls != vm->types[T_TYPE]) {
            /* A metaclass may define the repr of its classes. */
            Value m = class_lookup(o->cls, vm_name(vm, N___repr__));
            if (m != dict_get_str(vm->types[T_TYPE]->dict, vm_name(vm, N___repr__)))
                return call_repr_method(vm, v, N___repr__, b);
        }
        sb_adds(b, "<class '");
        module_name_prefix(vm, (ObjClass *)o, b);
        sb_adds(b, ((ObjClass *)o)->qualname->data);
        sb_adds(b, "'>");
        return true;
    case OBJ_MODULE:
        if (!layout && !by_layout(vm, o, N___repr__)) break;
        return module_repr_to(vm, (ObjModule *)o, b);
    case OBJ_CODE:
        sb_addf(b, "<code object %s at %p, file \"%s\", line %d>", ((ObjCode *)o)->name->data, (void *)o,
                ((ObjCode *)o)->filename->data, ((ObjCode *)o)->firstline);
        return true;
    case OBJ_CELL: {
        /* CPython shows the content's type and id() */
        Value c = ((ObjCell *)o)->v;
        if (c == UNDEF) {
            sb_addf(b, "<cell at %p: empty>", (void *)o);
        } else {
            uint64_t id = is_obj(c) ? (uint64_t)(uintptr_t)as_obj(c) : (uint64_t)(c & 0x7FFFFFFFFFFFFFFFull);
            sb_addf(b, "<cell at %p: %s object at 0x%llx>", (void *)o, type_name(vm, c), (unsigned long long)id);
        }
        return true;
    }
    case OBJ_ITER:
        if (dict_view_type(vm, o->cls) != T_COUNT) return repr_container(vm, v, b);
        break;
    default:
        break;
    }
    Value m = layout ? UNDEF : op_special(vm, v, N___repr__);
    if (m != UNDEF) return call_repr_method(vm, v, N___repr__, b);
    ObjClass *c = o->cls;
    sb_addc(b, '<');
    module_name_prefix(vm, c, b);
    sb_addf(b, "%s object at %p>", c->qualname->data, (void *)o);
    return true;
}

bool op_repr_to(VM *vm, Value v, StrBuf *b) { return repr_of(vm, v, b, false); }

bool op_str_to(VM *vm, Value v, StrBuf *b) {
    if (is_str(v) && by_layout(vm, as_obj(v), N___str__)) {
        sb_add(b, AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len);
        return true;
    }
    if (is_kind(v, OBJ_EXC)) {
        /* BaseException.__str__ is done in C; a subclass may override it. */
        if (op_special(vm, v, N___str__) != dict_get_str(vm->exc_types[E_BaseException]->dict, vm_name(vm, N___str__)))
            return call_repr_method(vm, v, N___str__, b);
        Value s = exc_str(vm, v);
        if (s == ERR) return false;
        sb_add(b, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
        return true;
    }
    /* str() of a mappingproxy is its mapping's. */
    if (is_kind(v, OBJ_ITER) && as_obj(v)->cls == vm->types[T_MAPPINGPROXY]) return op_str_to(vm, AS(ObjIter, v)->a, b);
    /* Instances and other non-builtin objects may define __str__; builtin
     * types print their repr. */
    if (is_obj(v) && !(as_obj(v)->cls->obj.flags & CLASS_BUILTIN) && op_special(vm, v, N___str__) != UNDEF)
        return call_repr_method(vm, v, N___str__, b);
    /* object.__str__ calls the class's __repr__, but CPython checks the
     * result as str()'s: "__str__ returned non-string". */
    if (is_kind(v, OBJ_INSTANCE) && op_special(vm, v, N___repr__) != UNDEF)
        return call_text_method(vm, v, N___repr__, "__str__", b);
    return op_repr_to(vm, v, b);
}

Value op_repr(VM *vm, Value v) {
    if (is_str(v) && AS(ObjStr, v)->len == 0 && !is_subtype(v)) return str_new(vm, "''", 2);
    if (is_kind(v, OBJ_INSTANCE) && op_special(vm, v, N___repr__) != UNDEF) {
        /* Guarded: __repr__ may be a native (object.__str__) that comes
         * straight back here, with no Python frame to count the depth. */
        if (vm->c_depth >= C_DEPTH_MAX)
            return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
        vm->c_depth++;
        Value r = call_special(vm, v, N___repr__, NULL, 0);
        vm->c_depth--;
        if (r == ERR || is_str(r)) return r;
        return exc_raise(vm, E_TypeError, "__repr__ returned non-string (type %T)", r);
    }
    StrBuf b = SB_INIT;
    if (!op_repr_to(vm, v, &b)) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* str() of an instance: what its __str__ returns (or its __repr__, through
 * object.__str__), kept as it is, so an instance of a str subclass stays
 * one, as CPython's PyObject_Str; UNDEF when neither is the class's own.
 * An instance of a builtin type's subclass: its class's own __str__. */
static Value instance_str(VM *vm, Value v) {
    NameId name = N___str__;
    ObjDict *od = vm->types[T_OBJECT]->dict;
    Value m = is_subtype(v) ? op_override(vm, v, N___str__) : op_special(vm, v, N___str__);
    if (is_subtype(v) && m == UNDEF) return UNDEF;
    if (m == UNDEF || m == dict_get_str(od, vm_name(vm, N___str__))) {
        name = N___repr__;
        m = op_special(vm, v, N___repr__);
        if (m == UNDEF || m == dict_get_str(od, vm_name(vm, N___repr__))) return UNDEF;
    }
    if (vm->c_depth >= C_DEPTH_MAX)
        return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while getting the repr of an object");
    vm->c_depth++;
    Value r = call_special(vm, v, name, NULL, 0);
    vm->c_depth--;
    if (r == ERR || is_str(r)) return r;
    return exc_raise(vm, E_TypeError, "__str__ returned non-string (type %T)", r);
}

Value op_str(VM *vm, Value v) {
    if (is_str(v) && !is_subtype(v)) return v;
    if (is_kind(v, OBJ_INSTANCE) || is_subtype(v)) {
        Value r = instance_str(vm, v);
        if (r != UNDEF) return r;
    }
    if (is_int(v)) {
        /* Small ints are the common case (str(i) in loops): no printf. */
        char tmp[24], *p = tmp + sizeof tmp;
        int64_t i = as_int(v);
        uint64_t u = i < 0 ? (uint64_t)-i : (uint64_t)i;
        do { *--p = (char)('0' + u % 10); u /= 10; } while (u);
        if (i < 0) *--p = '-';
        return str_new_ascii(vm, p, (size_t)(tmp + sizeof tmp - p));
    }
    StrBuf b = SB_INIT;
    if (!op_str_to(vm, v, &b)) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* ---- calls ------------------------------------------------------------- */

/* The TypeError for calling what cannot be called. A module that holds a
 * callable of its own name gets CPython 3.12's hint: calling `pprint` meant
 * `pprint.pprint(...)`. */
static Value not_callable(VM *vm, Value callable) {
    if (is_kind(callable, OBJ_MODULE)) {
        ObjStr *name = AS(ObjModule, callable)->name;
        Value f = name ? dict_get_str(AS(ObjModule, callable)->dict, name) : UNDEF;
        if (f != UNDEF && op_callable(vm, f))
            return exc_raise(vm, E_TypeError, "'module' object is not callable. Did you mean: '%s.%s(...)'?",
                             name->data, name->data);
    }
    return exc_raise(vm, E_TypeError, "'%T' object is not callable", callable);
}

Value op_call(VM *vm, Value callable, Value *args, int nargs, ObjTuple *kwnames) {
    if (!is_obj(callable)) return exc_raise(vm, E_TypeError, "'%T' object is not callable", callable);
    Obj *o = as_obj(callable);
    int nkw = kwnames ? (int)kwnames->len : 0;
    switch ((ObjKind)o->kind) {
    case OBJ_FUNCTION: return interp_call_function(vm, (ObjFunction *)o, args, nargs, kwnames);
    case OBJ_NATIVE: {
        ObjNative *n = (ObjNative *)o;
        if (n->self == UNDEF && (o->flags & (NATIVE_METHOD | NATIVE_NEW))) return native_call_unbound(vm, n, args, nargs, kwnames);
        if (n->self == UNDEF) return n->fn(vm, args, nargs, kwnames);
        Value argv[nargs + nkw + 1];
        argv[0] = n->self;
        copy_values(argv + 1, args, nargs + nkw);
        return n->fn(vm, argv, nargs + 1, kwnames);
    }
    case OBJ_BOUND: {
        ObjBound *b = (ObjBound *)o;
        Value argv[nargs + nkw + 1];
        argv[0] = b->self;
        copy_values(argv + 1, args, nargs + nkw);
        /* A native bound by attribute lookup has the receiver it applies to. */
        if (is_kind(b->func, OBJ_NATIVE) && AS(ObjNative, b->func)->self == UNDEF)
            return AS(ObjNative, b->func)->fn(vm, argv, nargs + 1, kwnames);
        return op_call(vm, b->func, argv, nargs + 1, kwnames);
    }
    case OBJ_CLASS: return class_call(vm, (ObjClass *)o, args, nargs, kwnames);
    case OBJ_WRAPPER:
        /* staticmethod is callable since 3.10; classmethod is not; a
         * subclass's __call__ is called as any other's */
        if (op_override(vm, callable, N___call__) == UNDEF) {
            if (!op_is_classmethod(vm, callable)) return op_call(vm, ((ObjWrapper *)o)->v, args, nargs, kwnames);
            return exc_raise(vm, E_TypeError, "'%T' object is not callable", callable);
        }
        /* fall through */
    default: {
        Value m = op_special(vm, callable, N___call__);
        if (m == UNDEF) return not_callable(vm, callable);
        /* a __call__ that is itself an instance with __call__ recurses in C */
        if (vm->c_depth >= C_DEPTH_MAX) return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while calling a Python object");
        Value bound = op_special_bound(vm, callable, m);
        if (bound == ERR) return ERR;
        vm->c_depth++;
        Value r;
        if (bound != UNDEF) {
            r = op_call(vm, bound, args, nargs, kwnames);
        } else {
            Value argv[nargs + nkw + 1];
            argv[0] = callable;
            copy_values(argv + 1, args, nargs + nkw);
            r = op_call(vm, m, argv, nargs + 1, kwnames);
        }
        vm->c_depth--;
        return r;
    }
    }
}

/* os.fspath(v): a str or bytes as it is, else what type(v).__fspath__
 * returns, which must be one of those (CPython's PyOS_FSPath). */
Value op_fspath(VM *vm, Value v) {
    if (is_str(v) || is_kind(v, OBJ_BYTES)) return v;
    ObjStr *name = str_intern_cstr(vm, "__fspath__");
    Value m = name ? op_getattr_opt(vm, obj_val(type_of(vm, v)), name) : ERR;
    if (m == ERR) return ERR;
    if (m == UNDEF || m == NONE_VAL)
        return exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", v);
    Value r = op_call1(vm, m, v);
    if (r == ERR || is_str(r) || is_kind(r, OBJ_BYTES)) return r;
    return exc_raise(vm, E_TypeError, "expected %T.__fspath__() to return str or bytes, not %T", v, r);
}

/* A builtin type's method taken from the class and called without the
 * object it needs (`object.__repr__()`): the natives read args[0]. */
Value native_needs_self(VM *vm, ObjNative *n) {
    const char *name = n->name->data, *owner = n->owner ? n->owner->name->data : "object";
    if (name[0] == '_' && name[1] == '_')       /* (a descriptor names the type as its tp_name does) */
        return exc_raise(vm, E_TypeError, "descriptor '%s' of '%s' object needs an argument", name,
                         n->owner && n->owner->tp_name ? n->owner->tp_name->data : owner);
    return exc_raise(vm, E_TypeError, "unbound method %s.%s() needs an argument", owner, name);
}

bool native_applies(VM *vm, ObjNative *n, ObjClass *cls) {
    return !n->owner || n->owner == vm->types[T_OBJECT] || class_is_subclass(cls, n->owner);
}

Value native_wrong_receiver(VM *vm, ObjNative *n, Value recv) {
    StrBuf b = SB_INIT;
    add_tp_name(vm, &b, n->owner);
    if (n->obj.cls == vm->types[T_WRAPPER_DESCRIPTOR])
        exc_raise(vm, E_TypeError, "descriptor '%s' requires a '%s' object but received a '%T'", n->name->data,
                  b.data, recv);
    else
        exc_raise(vm, E_TypeError, "descriptor '%s' for '%s' objects doesn't apply to a '%T' object", n->name->data,
                  b.data, recv);
    sb_free(&b);
    return ERR;
}

/* X.__new__(cls, ...) called directly: CPython's checks of cls, so that
 * the C function can take it for a subclass of its type. */
static Value native_new_checked(VM *vm, ObjNative *n, Value *args, int nargs, ObjTuple *kwnames) {
    StrBuf b = SB_INIT;
    add_tp_name(vm, &b, n->owner);
    if (nargs == 0)
        exc_raise(vm, E_TypeError, "%s.__new__(): not enough arguments", b.data);
    else if (!is_kind(args[0], OBJ_CLASS))
        exc_raise(vm, E_TypeError, "%s.__new__(X): X is not a type object (%T)", b.data, args[0]);
    else if (!class_is_subclass(AS(ObjClass, args[0]), n->owner))
        exc_raise(vm, E_TypeError, "%s.__new__(%s): %s is not a subtype of %s", b.data, AS(ObjClass, args[0])->name->data,
                  AS(ObjClass, args[0])->name->data, b.data);
    else {
        sb_free(&b);
        return n->fn(vm, args, nargs, kwnames);
    }
    sb_free(&b);
    return ERR;
}

Value native_call_unbound(VM *vm, ObjNative *n, Value *args, int nargs, ObjTuple *kwnames) {
    if (n->obj.flags & NATIVE_NEW) return native_new_checked(vm, n, args, nargs, kwnames);
    if (nargs == 0) return native_needs_self(vm, n);
    if (!native_applies(vm, n, type_of(vm, args[0]))) return native_wrong_receiver(vm, n, args[0]);
    return n->fn(vm, args, nargs, kwnames);
}

Value op_call0(VM *vm, Value f) { return op_call(vm, f, NULL, 0, NULL); }
Value op_call1(VM *vm, Value f, Value a) { return op_call(vm, f, &a, 1, NULL); }
Value op_call2(VM *vm, Value f, Value a, Value b) {
    Value args[2] = {a, b};
    return op_call(vm, f, args, 2, NULL);
}

Value op_call_tuple(VM *vm, Value f, ObjTuple *args, ObjDict *kwargs) {
    int64_t npos = args ? args->len : 0, nkw = kwargs ? kwargs->count : 0;
    if (npos + nkw > INT32_MAX) return exc_raise(vm, E_OverflowError, "too many arguments");
    Value small[16], *argv = npos + nkw <= 16 ? small : malloc((size_t)(npos + nkw) * sizeof(Value));
    if (!argv) return exc_nomem(vm);
    if (npos) memcpy(argv, args->items, (size_t)npos * sizeof(Value));
    ObjTuple *names = NULL;
    if (nkw) {
        /* The values stay reachable from the caller's tuple and dict; the
         * names tuple is new. */
        names = tuple_new(vm, nkw);
        if (!names || !vm_push_root(vm, obj_val(names))) {
            if (argv != small) free(argv);
            return ERR;
        }
        int64_t p = 0, j = 0;
        Value k, v;
        while (dict_next(kwargs, &p, &k, &v)) {
            if (!is_str(k)) {
                vm_pop_roots(vm, 1);
                if (argv != small) free(argv);
                return exc_raise(vm, E_TypeError, "keywords must be strings");
            }
            names->items[j] = k;
            argv[npos + j++] = v;
        }
    }
    Value r = op_call(vm, f, argv, (int)npos, names);
    if (names) vm_pop_roots(vm, 1);
    if (argv != small) free(argv);
    return r;
}

Value op_call_method(VM *vm, Value obj, ObjStr *name, Value *args, int nargs) {
    Value m = op_getattr_opt(vm, obj, name);
    if (m == UNDEF || m == ERR) return m;
    return op_call(vm, m, args, nargs, NULL);
}

bool op_callable(VM *vm, Value v) {
    if (!is_obj(v)) return false;
    switch ((ObjKind)as_obj(v)->kind) {
    case OBJ_FUNCTION: case OBJ_NATIVE: case OBJ_BOUND: case OBJ_CLASS: return true;
    case OBJ_WRAPPER:   /* a staticmethod is callable, a classmethod not (as op_call) */
        if (op_override(vm, v, N___call__) == UNDEF && !op_is_classmethod(vm, v)) return true;
        /* fall through */
    default: return op_special(vm, v, N___call__) != UNDEF;
    }
}

/* ---- builtin types' special methods ------------------------------------ */

static const struct { NameId name; BinOp op; bool reflected; } layout_binops[] = {
    {N___add__, BIN_ADD, false}, {N___sub__, BIN_SUB, false}, {N___mul__, BIN_MUL, false},
    {N___matmul__, BIN_MATMUL, false}, {N___truediv__, BIN_TRUEDIV, false},
    {N___floordiv__, BIN_FLOORDIV, false}, {N___mod__, BIN_MOD, false}, {N___pow__, BIN_POW, false},
    {N___lshift__, BIN_LSHIFT, false}, {N___rshift__, BIN_RSHIFT, false}, {N___or__, BIN_OR, false},
    {N___xor__, BIN_XOR, false}, {N___and__, BIN_AND, false},
    {N___radd__, BIN_ADD, true}, {N___rsub__, BIN_SUB, true}, {N___rmul__, BIN_MUL, true},
    {N___rmatmul__, BIN_MATMUL, true}, {N___rtruediv__, BIN_TRUEDIV, true},
    {N___rfloordiv__, BIN_FLOORDIV, true}, {N___rmod__, BIN_MOD, true}, {N___rpow__, BIN_POW, true},
    {N___rlshift__, BIN_LSHIFT, true}, {N___rrshift__, BIN_RSHIFT, true}, {N___ror__, BIN_OR, true},
    {N___rxor__, BIN_XOR, true}, {N___rand__, BIN_AND, true},
};

/* How far up the numeric tower a number is: 1 int, 2 float, 3 complex; 0
 * for anything else. */
static int num_rank(Value v) {
    if (is_intlike(v)) return 1;
    if (is_float(v) || is_kind(v, OBJ_FLOAT)) return 2;
    return is_kind(v, OBJ_COMPLEX) ? 3 : 0;
}

static bool obj_kind_same(Value a, Value b) {
    return (is_kind(a, OBJ_BYTES) && is_kind(b, OBJ_BYTES)) || (is_kind(a, OBJ_BYTEARRAY) && is_kind(b, OBJ_BYTEARRAY));
}

/* self.__op__(other) (or __rop__) of a builtin type called directly: a
 * number declines an operand above it on the tower (`(5).__add__(1.0)` is
 * NotImplemented); a sequence's + and * raise for what they cannot take. */
static Value layout_binop(VM *vm, BinOp op, bool reflected, Value self, Value other) {
    /* str's, bytes' and bytearray's % formats only its own kind on the left:
     * b"abc".__rmod__("%r") is NotImplemented, as CPython's. */
    bool text = is_str(self) || is_kind(self, OBJ_BYTES) || is_kind(self, OBJ_BYTEARRAY);
    if (reflected && op == BIN_MOD && text && !(is_str(self) ? is_str(other) : obj_kind_same(self, other)))
        return NOTIMPL_VAL;
    int rank = num_rank(self);
    if (rank && num_rank(other) > rank) return NOTIMPL_VAL;
    if (rank && !num_rank(other) && op != BIN_MOD) return NOTIMPL_VAL;      /* not `3 * "a"` */
    Value r = reflected ? builtin_binop(vm, op, other, self) : builtin_binop(vm, op, self, other);
    if (r != NOTIMPL_VAL || !(is_str(self) || is_list(self) || is_tuple(self) || is_kind(self, OBJ_BYTES))) return r;
    if (op == BIN_MUL) {
        r = index_repeat(vm, self, other);
        if (r != NOTIMPL_VAL) return r;
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", other);
    }
    return op == BIN_ADD ? binop_error(vm, op, self, other, false) : r;
}

Value op_layout_call(VM *vm, NameId name, Value *args, int nargs, ObjTuple *kw) {
    const char *n = vm_name(vm, name)->data;
    int arity = name == N___setitem__ ? 2
                : (name == N___len__ || name == N___iter__ || name == N___repr__ || name == N___str__ ||
                   name == N___hash__ || name == N___bool__) ? 0 : 1;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "descriptor '%s' needs an argument", n);
    bool ternary = name == N___pow__ || name == N___rpow__;      /* pow's optional modulus */
    if (!args_check(vm, n, nargs - 1, kw, arity, ternary ? 2 : arity)) return ERR;
    Value self = args[0], a = nargs > 1 ? args[1] : UNDEF;
    switch (name) {
    case N___len__: { int64_t r = len_of(vm, self, true); return r < 0 ? ERR : int_from_i64(vm, r); }
    case N___iter__: { Value r = iter_of(vm, self, true); return r == UNDEF ? ERR : r; }
    case N___getitem__: { Value r = getitem_of(vm, self, a, true); return r == UNDEF ? ERR : r; }
    case N___setitem__: return setitem_of(vm, self, a, args[2], true) < 0 ? ERR : NONE_VAL;
    case N___delitem__: return delitem_of(vm, self, a, true) < 0 ? ERR : NONE_VAL;
    case N___contains__: { int r = contains_of(vm, self, a, true); return r < 0 ? ERR : bool_val(r); }
    case N___bool__: { int r = truthy_of(vm, self, true); return r < 0 ? ERR : bool_val(r); }
    case N___hash__: {
        uint64_t h;
        return hash_of(vm, self, &h, true) < 0 ? ERR : int_from_i64(vm, (int64_t)h);
    }
    case N___repr__: case N___str__: {
        if (name == N___str__ && is_str(self)) return subtype_plain(vm, self);
        StrBuf b = SB_INIT;
        if (!repr_of(vm, self, &b, true)) { sb_free(&b); return ERR; }
        return str_from_buf(vm, &b);
    }
    case N___eq__: case N___ne__: case N___lt__: case N___le__: case N___gt__: case N___ge__: {
        static const NameId names[] = {N___lt__, N___le__, N___eq__, N___ne__, N___gt__, N___ge__};
        int op = 0;
        while (names[op] != name) op++;
        if (num_rank(self) && num_rank(a) > num_rank(self)) return NOTIMPL_VAL;    /* (5).__eq__(5.0) */
        return builtin_compare(vm, (CmpOp)op, self, a);
    }
    case N___format__:
        if (!is_str(a)) return exc_raise(vm, E_TypeError, "__format__() argument must be str, not %A", a);
        if (AS(ObjStr, a)->len == 0) return op_str(vm, self);      /* format(x, '') is str(x) */
        self = subtype_plain(vm, self);
        return self == ERR ? ERR : fmt_format(vm, self, AS(ObjStr, a));
    case N___divmod__: case N___rdivmod__: {
        if (!num_rank(a) || num_rank(a) > num_rank(self)) return NOTIMPL_VAL;
        /* divmod() of the plain values (a subclass's instance would come back here) */
        Value x = subtype_plain(vm, self);
        if (x == ERR || !vm_push_root(vm, x)) return ERR;
        Value y = subtype_plain(vm, a), dm = dict_get_str(vm->builtins, str_intern_cstr(vm, "divmod"));
        Value argv[2] = {name == N___divmod__ ? x : y, name == N___divmod__ ? y : x};
        if (y == ERR || !vm_push_root(vm, y)) { vm_pop_roots(vm, 1); return ERR; }
        Value r = dm == UNDEF ? exc_raise(vm, E_SystemError, "no divmod") : op_call(vm, dm, argv, 2, NULL);
        vm_pop_roots(vm, 2);
        return r;
    }
    case N___pow__: case N___rpow__:
        if (nargs > 2 && args[2] != NONE_VAL) {     /* three-argument pow */
            Value x = name == N___pow__ ? self : a, y = name == N___pow__ ? a : self;
            if (!is_intlike(x) || !is_intlike(y) || !is_intlike(args[2])) return NOTIMPL_VAL;
            return int_pow3(vm, x, y, args[2]);
        }
        break;
    case N___iadd__: case N___imul__: case N___ior__:
        return layout_inplace(vm, name == N___iadd__ ? BIN_ADD : name == N___imul__ ? BIN_MUL : BIN_OR, self, a);
    default:
        break;
    }
    for (size_t i = 0; i < sizeof layout_binops / sizeof *layout_binops; i++) {
        if (layout_binops[i].name != name) continue;
        return layout_binop(vm, layout_binops[i].op, layout_binops[i].reflected, self, a);
    }
    return exc_raise(vm, E_SystemError, "no builtin %s", n);
}
