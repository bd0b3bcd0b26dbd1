/* Special methods of builtin objects as attributes: `[].__setitem__`,
 * `(1).__add__`, `'a'.__len__` ... Builtin types implement these operations
 * in C (ops.c) rather than as methods in their class dicts, so looking one
 * up by name yields a bound native that performs the operation.
 *
 * The builtin types that may be subclassed also have them in their dicts
 * (slot_init): `list.__getitem__`, `dict.__setitem__(self, k, v)` and what
 * super() reaches from a subclass are natives that do what the builtin's C
 * layout does, without looking for the subclass's override
 * (op_layout_call), as CPython's slot wrappers do. */
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

static bool is_num_value(Value v) {
    return is_int(v) || is_float(v) || is_bool(v) || is_kind(v, OBJ_BIGINT) || is_kind(v, OBJ_FLOAT) ||
           is_kind(v, OBJ_COMPLEX);
}

static bool kind_in(Value v, unsigned kinds) {
    return is_obj(v) && (kinds & (1u << as_obj(v)->kind));
}

/* Whether builtin object obj has the special method of slot s, as its
 * CPython type does: hasattr(1, '__iter__') is false, so code that tests
 * for a protocol that way sees what CPython shows it. Objects of native
 * library types (OBJ_CDATA: deque, array ...) keep the container slots. */
static bool slot_applies(VM *vm, Value obj, Slot s) {
    const unsigned seqs = 1u << OBJ_STR | 1u << OBJ_BYTES | 1u << OBJ_BYTEARRAY | 1u << OBJ_LIST |
                          1u << OBJ_TUPLE;
    switch (s) {
    case S_NEXT: return is_kind(obj, OBJ_ITER) && AS(ObjIter, obj)->next;
    case S_LEN: case S_CONTAINS: return is_sized(obj);
    case S_GETITEM: return is_sized(obj) && !is_kind(obj, OBJ_SET);
    case S_SETITEM: case S_DELITEM: return is_list(obj) || is_dict(obj);
    case S_ITER:
        /* (a coroutine or async generator is an OBJ_GEN without __iter__) */
        if (is_kind(obj, OBJ_GEN)) return as_obj(obj)->cls == vm->types[T_GENERATOR];
        return kind_in(obj, seqs | 1u << OBJ_DICT | 1u << OBJ_SET | 1u << OBJ_RANGE | 1u << OBJ_ITER |
                                1u << OBJ_CDATA);
    case S_BOOL: return is_num_value(obj) || obj == NONE_VAL || obj == NOTIMPL_VAL || is_kind(obj, OBJ_RANGE);
    case S_ADD: case S_MUL: return is_num_value(obj) || kind_in(obj, seqs | 1u << OBJ_CDATA);
    case S_SUB:
        return is_num_value(obj) || kind_in(obj, 1u << OBJ_SET | 1u << OBJ_CDATA) ||
               (is_obj(obj) && (as_obj(obj)->cls == vm->types[T_DICT_KEYS] ||
                                as_obj(obj)->cls == vm->types[T_DICT_ITEMS]));
    case S_MOD:
        return (is_num_value(obj) && !is_kind(obj, OBJ_COMPLEX)) ||
               kind_in(obj, 1u << OBJ_STR | 1u << OBJ_BYTES | 1u << OBJ_BYTEARRAY);
    default: return true;
    }
}

/* `f.__call__` of a function, builtin or bound method: calls the object
 * with whatever it is given (a decorator such as `@f.__call__`). */
static Value slot_call(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return op_call(vm, args[0], args + 1, nargs - 1, kw);
}

static bool is_plain_callable(Value v) {
    return is_kind(v, OBJ_FUNCTION) || is_kind(v, OBJ_NATIVE) || is_kind(v, OBJ_BOUND);
}

static Value method_wrapper(VM *vm, Value obj, const char *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name, fn);
    if (!n) return ERR;
    n->self = obj;
    n->obj.cls = vm->types[T_METHOD_WRAPPER];
    return obj_val(n);
}

Value slot_wrapper(VM *vm, Value obj, ObjStr *name) {
    if (name->len < 5 || name->data[0] != '_' || name->data[1] != '_') return UNDEF;
    if (is_plain_callable(obj) && str_eq(name, vm_name(vm, N___call__)))
        return method_wrapper(vm, obj, "__call__", slot_call);
    for (int s = 0; s < S_COUNT; s++) {
        if (strcmp(name->data, slot_names[s]) != 0) continue;
        if (!slot_applies(vm, obj, (Slot)s)) return UNDEF;
        return method_wrapper(vm, obj, slot_names[s], slot_fns[s]);
    }
    return UNDEF;
}

/* ---- special methods of the builtin types, as class attributes ---------- */

#define LAYOUT_SLOTS(X) \
    X(__len__) X(__iter__) X(__contains__) X(__getitem__) X(__setitem__) X(__delitem__) \
    X(__repr__) X(__str__) X(__hash__) X(__bool__) X(__eq__) X(__ne__) X(__lt__) X(__le__) \
    X(__gt__) X(__ge__) X(__iadd__) X(__imul__) X(__ior__) X(__format__) \
    X(__add__) X(__sub__) X(__mul__) X(__truediv__) X(__floordiv__) X(__mod__) X(__pow__) \
    X(__lshift__) X(__rshift__) X(__or__) X(__xor__) X(__and__) \
    X(__radd__) X(__rsub__) X(__rmul__) X(__rtruediv__) X(__rfloordiv__) X(__rmod__) X(__rpow__) \
    X(__rlshift__) X(__rrshift__) X(__ror__) X(__rxor__) X(__rand__) X(__divmod__) X(__rdivmod__)

#define X(n) static Value layout_##n(VM *vm, Value *a, int k, ObjTuple *kw) { return op_layout_call(vm, N_##n, a, k, kw); }
LAYOUT_SLOTS(X)
#undef X

static const struct { NameId name; NativeFn fn; } layout_fns[] = {
#define X(n) {N_##n, layout_##n},
    LAYOUT_SLOTS(X)
#undef X
};

/* Bits of the layouts (ObjKind) a slot applies to. */
#define K(k) (1u << (k))
#define SEQS (K(OBJ_STR) | K(OBJ_BYTES) | K(OBJ_BYTEARRAY) | K(OBJ_LIST) | K(OBJ_TUPLE))
#define CONTAINERS (SEQS | K(OBJ_DICT) | K(OBJ_SET))
#define NUMBERS (K(OBJ_BIGINT) | K(OBJ_FLOAT))
#define CPX K(OBJ_COMPLEX)
#define ALL (CONTAINERS | NUMBERS | CPX)

static unsigned slot_kinds(NameId n) {
    switch (n) {
    case N___len__: case N___iter__: case N___contains__: return CONTAINERS;
    case N___getitem__: return SEQS | K(OBJ_DICT);
    case N___setitem__: case N___delitem__: return K(OBJ_LIST) | K(OBJ_DICT) | K(OBJ_BYTEARRAY);
    case N___repr__: case N___hash__: case N___eq__: case N___ne__: case N___lt__: case N___le__:
    case N___gt__: case N___ge__:
        return ALL;
    case N___str__: return K(OBJ_STR) | K(OBJ_BYTES);
    case N___bool__: case N___format__: return NUMBERS | CPX;
    case N___iadd__: case N___imul__: return K(OBJ_LIST);
    case N___ior__: return K(OBJ_DICT);
    case N___add__: case N___mul__: case N___rmul__: return SEQS | NUMBERS | CPX;
    case N___mod__: return K(OBJ_STR) | K(OBJ_BYTES) | NUMBERS;     /* (bytearray's is its own method) */
    case N___rmod__: return K(OBJ_STR) | K(OBJ_BYTES) | K(OBJ_BYTEARRAY) | NUMBERS;
    case N___or__: case N___ror__: return K(OBJ_DICT) | K(OBJ_BIGINT);
    case N___and__: case N___rand__: case N___xor__: case N___rxor__: case N___lshift__: case N___rlshift__:
    case N___rshift__: case N___rrshift__:
        return K(OBJ_BIGINT);
    case N___floordiv__: case N___rfloordiv__: case N___divmod__: case N___rdivmod__: return NUMBERS;     /* complex has none since 3.10 */
    default: return NUMBERS | CPX;     /* the other numeric operators */
    }
}


/* Each class gets a native of its own, which knows its owner for its repr
 * (`<slot wrapper '__add__' of 'int' objects>`) and its receiver check. */
bool add_layout_native(VM *vm, ObjClass *c, ObjStr *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name->data, fn);
    if (!n) return false;
    native_make_method(vm, n, c);
    n->obj.flags |= NATIVE_LAYOUT;
    return dict_set_str(vm, c->dict, name, obj_val(n)) == 0;
}

void slot_init(VM *vm) {
    /* Every builtin type that may be subclassed gets those of them that
     * apply to it, unless it has its own: `list.__dict__` lists them, a
     * lookup finds them before object's (`(1).__eq__`, `int.__repr__`), and
     * super() reaches them from a subclass. The natives work on any
     * layout, so the types share them. */
    static const TypeId types[] = {T_INT, T_FLOAT, T_COMPLEX, T_STR, T_BYTES, T_BYTEARRAY, T_LIST, T_TUPLE, T_DICT,
                                   T_SET, T_FROZENSET};
    for (size_t i = 0; i < sizeof layout_fns / sizeof *layout_fns; i++) {
        NameId id = layout_fns[i].name;
        ObjStr *name = vm_name(vm, id);
        for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
            ObjClass *c = vm->types[types[t]];
            if (!(slot_kinds(id) & K(c->instance_kind)) || dict_get_str(c->dict, name) != UNDEF) continue;
            bool unhashable = id == N___hash__ && (types[t] == T_BYTEARRAY || types[t] == T_LIST ||
                                                   types[t] == T_DICT || types[t] == T_SET);
            if (unhashable) dict_set_str(vm, c->dict, name, NONE_VAL);
            else if (!add_layout_native(vm, c, name, layout_fns[i].fn)) return;
        }
        /* NoneType's own __bool__, as CPython's (type(None).__bool__(None)). */
        if (id == N___bool__ && !add_layout_native(vm, vm->types[T_NONE], name, layout_fns[i].fn)) return;
        /* The dict views, for the collections.abc checks. */
        bool view = id == N___iter__ || id == N___len__ || id == N___contains__;
        for (TypeId t = T_DICT_KEYS; view && t <= T_DICT_ITEMS; t++) {
            if (id == N___contains__ && t == T_DICT_VALUES) continue;
            if (!add_layout_native(vm, vm->types[t], name, layout_fns[i].fn)) return;
        }
        /* keys and items views are sets to &, |, ^ and - (both ways) */
        bool setop = id == N___and__ || id == N___or__ || id == N___xor__ || id == N___sub__ || id == N___rand__ ||
                     id == N___ror__ || id == N___rxor__ || id == N___rsub__;
        if (setop && (!add_layout_native(vm, vm->types[T_DICT_KEYS], name, layout_fns[i].fn) ||
                      !add_layout_native(vm, vm->types[T_DICT_ITEMS], name, layout_fns[i].fn)))
            return;
    }
}
