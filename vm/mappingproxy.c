/* mappingproxy (types.MappingProxyType): the read-only view of a mapping
 * that a class's `__dict__` gives, so that scripts cannot change a class
 * behind type.__setattr__ (which keeps the attribute caches valid). An
 * ObjIter of class mappingproxy without a next function: `a` is the
 * mapping; every operation is a native in the type's dict. */
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "strbuf.h"

Value mappingproxy_new(VM *vm, Value mapping) {
    ObjIter *p = iter_new(vm, vm->types[T_MAPPINGPROXY], NULL);
    if (!p) return ERR;
    p->a = mapping;
    return obj_val(p);
}

static bool is_proxy(VM *vm, Value v) { return is_kind(v, OBJ_ITER) && as_obj(v)->cls == vm->types[T_MAPPINGPROXY]; }

/* The proxied mapping of args[0], after checking the argument count. */
static Value target(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw, int min, int max) {
    if (!args_check(vm, name, nargs - 1, kw, min, max)) return ERR;
    if (!is_proxy(vm, args[0]))
        return exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'mappingproxy' object but received a '%T'",
                         name, args[0]);
    return AS(ObjIter, args[0])->a;
}

static Value proxy_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "mappingproxy", nargs - 1, kw, 1, 1)) return ERR;
    Value m = args[1];
    if (is_kind(m, OBJ_LIST) || is_kind(m, OBJ_TUPLE) || op_special(vm, m, N___getitem__) == UNDEF) {
        if (!is_dict(m) && !is_proxy(vm, m))
            return exc_raise(vm, E_TypeError, "mappingproxy() argument must be a mapping, not %T", m);
    }
    return mappingproxy_new(vm, m);
}

static Value proxy_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__getitem__", args, nargs, kw, 1, 1);
    return m == ERR ? ERR : op_getitem(vm, m, args[1]);
}

static Value proxy_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__len__", args, nargs, kw, 0, 0);
    int64_t n = m == ERR ? -1 : op_len(vm, m);
    return n < 0 ? ERR : int_val(n);
}

static Value proxy_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__iter__", args, nargs, kw, 0, 0);
    return m == ERR ? ERR : op_iter(vm, m);
}

static Value proxy_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__contains__", args, nargs, kw, 1, 1);
    int r = m == ERR ? -1 : op_contains(vm, m, args[1]);
    return r < 0 ? ERR : bool_val(r);
}

/* get, keys, values, items, copy and __reversed__: the mapping's own. */
static Value forward(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw, int min, int max) {
    Value m = target(vm, name, args, nargs, kw, min, max);
    return m == ERR ? ERR : op_call_method(vm, m, str_intern_cstr(vm, name), args + 1, nargs - 1);
}

static Value proxy_get(VM *vm, Value *args, int nargs, ObjTuple *kw) { return forward(vm, "get", args, nargs, kw, 1, 2); }
static Value proxy_keys(VM *vm, Value *args, int nargs, ObjTuple *kw) { return forward(vm, "keys", args, nargs, kw, 0, 0); }
static Value proxy_values(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return forward(vm, "values", args, nargs, kw, 0, 0);
}
static Value proxy_items(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return forward(vm, "items", args, nargs, kw, 0, 0);
}
static Value proxy_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) { return forward(vm, "copy", args, nargs, kw, 0, 0); }

static Value proxy_reversed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return forward(vm, "__reversed__", args, nargs, kw, 0, 0);
}

static Value proxy_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__repr__", args, nargs, kw, 0, 0);
    if (m == ERR) return ERR;
    StrBuf b = {0};
    sb_adds(&b, "mappingproxy(");
    if (!op_repr_to(vm, m, &b)) { sb_free(&b); return ERR; }
    sb_addc(&b, ')');
    return str_from_buf(vm, &b);
}

/* 3.12 hashes the mapping: an unhashable one's error names its type. */
static Value proxy_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__hash__", args, nargs, kw, 0, 0);
    uint64_t h;
    if (m == ERR || op_hash(vm, m, &h) < 0) return ERR;
    return int_from_i64(vm, (int64_t)h);
}

static Value proxy_str(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__str__", args, nargs, kw, 0, 0);
    return m == ERR ? ERR : op_str(vm, m);
}

/* Comparisons compare the mapping, as CPython's mappingproxy_richcompare. */
static Value compare(VM *vm, CmpOp op, const char *name, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, name, args, nargs, kw, 1, 1);
    return m == ERR ? ERR : op_compare(vm, op, m, args[1]);
}
static Value proxy_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) { return compare(vm, CMP_EQ, "__eq__", args, nargs, kw); }
static Value proxy_ne(VM *vm, Value *args, int nargs, ObjTuple *kw) { return compare(vm, CMP_NE, "__ne__", args, nargs, kw); }
static Value proxy_lt(VM *vm, Value *args, int nargs, ObjTuple *kw) { return compare(vm, CMP_LT, "__lt__", args, nargs, kw); }
static Value proxy_le(VM *vm, Value *args, int nargs, ObjTuple *kw) { return compare(vm, CMP_LE, "__le__", args, nargs, kw); }
static Value proxy_gt(VM *vm, Value *args, int nargs, ObjTuple *kw) { return compare(vm, CMP_GT, "__gt__", args, nargs, kw); }
static Value proxy_ge(VM *vm, Value *args, int nargs, ObjTuple *kw) { return compare(vm, CMP_GE, "__ge__", args, nargs, kw); }

/* proxy | other and other | proxy: the mapping's `|` (a new dict). */
static Value proxy_or(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__or__", args, nargs, kw, 1, 1);
    if (m == ERR) return ERR;
    Value other = is_proxy(vm, args[1]) ? AS(ObjIter, args[1])->a : args[1];
    return op_binary(vm, BIN_OR, m, other);
}

static Value proxy_ror(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__ror__", args, nargs, kw, 1, 1);
    return m == ERR ? ERR : op_binary(vm, BIN_OR, args[1], m);
}

/* proxy |= other would only rebind the name to a new dict: CPython refuses it. */
static Value proxy_ior(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value m = target(vm, "__ior__", args, nargs, kw, 1, 1);
    if (m == ERR) return ERR;
    return exc_raise(vm, E_TypeError, "'|=' is not supported by %T; use '|' instead", args[0]);
}

void mappingproxy_init(VM *vm) {
    ObjClass *c = vm->types[T_MAPPINGPROXY];
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"__getitem__", proxy_getitem}, {"__len__", proxy_len}, {"__iter__", proxy_iter}, {"__contains__", proxy_contains},
        {"get", proxy_get}, {"keys", proxy_keys}, {"values", proxy_values}, {"items", proxy_items}, {"copy", proxy_copy},
        {"__reversed__", proxy_reversed}, {"__repr__", proxy_repr}, {"__str__", proxy_str}, {"__eq__", proxy_eq},
        {"__ne__", proxy_ne}, {"__lt__", proxy_lt}, {"__le__", proxy_le}, {"__gt__", proxy_gt}, {"__ge__", proxy_ge},
        {"__or__", proxy_or}, {"__ror__", proxy_ror}, {"__ior__", proxy_ior},
        {"__hash__", proxy_hash},
    };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) class_add_native(vm, c, methods[i].name, methods[i].fn);
    ObjNative *n = native_new(vm, "__new__", proxy_new);
    if (n) dict_set_str(vm, c->dict, n->name, obj_val(n));
}
