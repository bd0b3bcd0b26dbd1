/* Special methods of builtin objects as attributes: `[].__setitem__`,
 * `(1).__add__`, `'a'.__len__` ... Builtin types implement these operations
 * in C (ops.c) rather than as methods in their class dicts, so looking one
 * up by name yields a bound native that performs the operation. */
#include "slots.h"

#include <string.h>

#include "containers.h"
#include "exc.h"
#include "func.h"
#include "num.h"
#include "ops.h"
#include "str.h"

typedef enum Slot {
    S_GETITEM, S_SETITEM, S_DELITEM, S_LEN, S_CONTAINS, S_ITER, S_REPR, S_STR, S_HASH, S_BOOL,
    S_EQ, S_NE, S_LT, S_LE, S_GT, S_GE, S_ADD, S_SUB, S_MUL, S_MOD, S_NEXT, S_COUNT
} Slot;

static const char *const slot_names[S_COUNT] = {
    "__getitem__", "__setitem__", "__delitem__", "__len__", "__contains__", "__iter__", "__repr__",
    "__str__", "__hash__", "__bool__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__add__", "__sub__", "__mul__", "__mod__", "__next__"};
static const int slot_arity[S_COUNT] = {1, 2, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0};

static Value call_slot(VM *vm, Slot slot, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, slot_names[slot], nargs - 1, kw, slot_arity[slot], slot_arity[slot])) return ERR;
    Value o = args[0], a = nargs > 1 ? args[1] : UNDEF;
    switch (slot) {
    case S_GETITEM: return op_getitem(vm, o, a);
    case S_SETITEM: return op_setitem(vm, o, a, args[2]) < 0 ? ERR : NONE_VAL;
    case S_DELITEM: return op_delitem(vm, o, a) < 0 ? ERR : NONE_VAL;
    case S_LEN: { int64_t n = op_len(vm, o); return n < 0 ? ERR : int_from_i64(vm, n); }
    case S_CONTAINS: { int r = op_contains(vm, o, a); return r < 0 ? ERR : bool_val(r); }
    case S_ITER: return op_iter(vm, o);
    case S_REPR: return op_repr(vm, o);
    case S_STR: return op_str(vm, o);
    case S_HASH: { uint64_t h; return op_hash(vm, o, &h) < 0 ? ERR : int_from_i64(vm, (int64_t)h); }
    case S_BOOL: { int t = op_truthy(vm, o); return t < 0 ? ERR : bool_val(t); }
    case S_EQ: case S_NE: case S_LT: case S_LE: case S_GT: case S_GE: {
        static const CmpOp ops[] = {CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE};
        return op_compare(vm, ops[slot - S_EQ], o, a);
    }
    case S_ADD: return op_binary(vm, BIN_ADD, o, a);
    case S_SUB: return op_binary(vm, BIN_SUB, o, a);
    case S_MUL: return op_binary(vm, BIN_MUL, o, a);
    case S_MOD: return op_binary(vm, BIN_MOD, o, a);
    case S_NEXT: {
        Value r = op_next(vm, o);
        return r == UNDEF ? exc_raise(vm, E_StopIteration, "") : r;
    }
    default: return exc_raise(vm, E_SystemError, "bad slot");
    }
}

/* One native per slot: a NativeFn does not see its own function object. */
#define SLOT_FN(s) static Value slot_##s(VM *vm, Value *a, int n, ObjTuple *kw) { return call_slot(vm, s, a, n, kw); }
SLOT_FN(S_GETITEM) SLOT_FN(S_SETITEM) SLOT_FN(S_DELITEM) SLOT_FN(S_LEN) SLOT_FN(S_CONTAINS) SLOT_FN(S_ITER)
SLOT_FN(S_REPR) SLOT_FN(S_STR) SLOT_FN(S_HASH) SLOT_FN(S_BOOL) SLOT_FN(S_EQ) SLOT_FN(S_NE) SLOT_FN(S_LT)
SLOT_FN(S_LE) SLOT_FN(S_GT) SLOT_FN(S_GE) SLOT_FN(S_ADD) SLOT_FN(S_SUB) SLOT_FN(S_MUL) SLOT_FN(S_MOD)
SLOT_FN(S_NEXT)

static const NativeFn slot_fns[S_COUNT] = {
    slot_S_GETITEM, slot_S_SETITEM, slot_S_DELITEM, slot_S_LEN, slot_S_CONTAINS, slot_S_ITER, slot_S_REPR,
    slot_S_STR, slot_S_HASH, slot_S_BOOL, slot_S_EQ, slot_S_NE, slot_S_LT, slot_S_LE, slot_S_GT, slot_S_GE,
    slot_S_ADD, slot_S_SUB, slot_S_MUL, slot_S_MOD, slot_S_NEXT};

static bool is_sized(Value v) {
    if (!is_obj(v)) return false;
    switch ((ObjKind)as_obj(v)->kind) {
    case OBJ_LIST: case OBJ_TUPLE: case OBJ_STR: case OBJ_DICT: case OBJ_RANGE: case OBJ_BYTES: case OBJ_SET:
        return true;
    default:
        return false;
    }
}

/* function.__get__(obj, type=None), and staticmethod's, classmethod's and
 * property's: what reading the attribute through obj (or type) gives. */
static Value descr_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__get__", nargs - 1, kw, 1, 2)) return ERR;
    Value d = args[0], obj = args[1], type = nargs > 2 ? args[2] : NONE_VAL;
    if (obj == NONE_VAL && type == NONE_VAL) return exc_raise(vm, E_TypeError, "__get__(None, None) is invalid");
    Obj *o = as_obj(d);
    if (o->kind == OBJ_WRAPPER) {
        Value f = ((ObjWrapper *)o)->v;
        if (o->cls == vm->types[T_STATICMETHOD]) return f;
        return bound_new(vm, type != NONE_VAL ? type : obj_val(type_of(vm, obj)), f);
    }
    if (obj == NONE_VAL) return d;
    if (o->kind == OBJ_PROPERTY) {
        Value g = ((ObjProperty *)o)->fget;
        if (g == NONE_VAL || g == UNDEF) return exc_raise(vm, E_AttributeError, "property has no getter");
        return op_call1(vm, g, obj);
    }
    return bound_new(vm, obj, d);
}

static bool is_descriptor(Value v) {
    return is_kind(v, OBJ_FUNCTION) || is_kind(v, OBJ_WRAPPER) || is_kind(v, OBJ_PROPERTY);
}

Value slot_wrapper(VM *vm, Value obj, ObjStr *name) {
    if (name->len < 5 || name->data[0] != '_' || name->data[1] != '_') return UNDEF;
    if (strcmp(name->data, "__get__") == 0) {
        if (!is_descriptor(obj)) return UNDEF;
        ObjNative *n = native_new(vm, "__get__", descr_get);
        if (!n) return ERR;
        n->self = obj;
        return obj_val(n);
    }
    for (int s = 0; s < S_COUNT; s++) {
        if (strcmp(name->data, slot_names[s]) != 0) continue;
        /* Only where the operation applies. */
        if (s == S_NEXT && !(is_kind(obj, OBJ_ITER) && AS(ObjIter, obj)->next)) return UNDEF;
        if ((s == S_GETITEM || s == S_LEN || s == S_CONTAINS) && !is_sized(obj)) return UNDEF;
        if ((s == S_SETITEM || s == S_DELITEM) && !(is_list(obj) || is_dict(obj))) return UNDEF;
        ObjNative *n = native_new(vm, slot_names[s], slot_fns[s]);
        if (!n) return ERR;
        n->self = obj;
        return obj_val(n);
    }
    return UNDEF;
}
