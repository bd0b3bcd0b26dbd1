/* The match statement's run-time checks: CPython 3.11's match_keys,
 * match_class and the sequence and mapping type flags. */
#include "match.h"

#include <stdio.h>
#include <string.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "ops.h"
#include "str.h"

/* The collection flag of one class on an MRO: its own, or what its being
 * a builtin sequence or mapping type gives. */
static int own_collection(VM *vm, ObjClass *c) {
    int f = c->obj.flags & (CLASS_SEQUENCE | CLASS_MAPPING);
    if (f) return f;
    if (c == vm->types[T_LIST] || c == vm->types[T_TUPLE] || c == vm->types[T_RANGE] ||
        c == vm->types[T_MEMORYVIEW])
        return CLASS_SEQUENCE;
    return c == vm->types[T_DICT] ? CLASS_MAPPING : 0;
}

int match_collection(VM *vm, ObjClass *cls) {
    ObjTuple *mro = cls->mro;
    for (int64_t i = 0; i < mro->len; i++) {
        int f = own_collection(vm, AS(ObjClass, mro->items[i]));
        if (f) return f;
    }
    return 0;
}

bool match_is_sequence(VM *vm, Value v) { return match_collection(vm, type_of(vm, v)) == CLASS_SEQUENCE; }

bool match_is_mapping(VM *vm, Value v) { return match_collection(vm, type_of(vm, v)) == CLASS_MAPPING; }

/* map.get(key, missing), or UNDEF when the key is missing. An exact dict
 * is looked up directly. */
static Value get_value(VM *vm, Value map, Value get, Value self, Value missing, Value key) {
    if (get == UNDEF) {
        Value v = dict_get(vm, AS(ObjDict, map), key);
        return v;
    }
    Value args[3] = {self, key, missing};
    Value v = self != UNDEF ? op_call(vm, get, args, 3, NULL) : op_call(vm, get, args + 1, 2, NULL);
    return v == missing ? UNDEF : v;
}

Value match_keys(VM *vm, Value map, ObjTuple *keys) {
    int64_t n = keys->len;
    if (n == 0) return obj_val(tuple_new(vm, 0));
    ObjTuple *values = tuple_new(vm, n);
    ObjSet *seen = values ? set_new(vm, vm->types[T_SET]) : NULL;
    if (!seen) return ERR;
    if (!vm_push_root(vm, obj_val(values))) return ERR;
    if (!vm_push_root(vm, obj_val(seen))) { vm_pop_roots(vm, 1); return ERR; }
    int nroots = 2;
    /* A subclass may override get(); a fresh object marks a missing key. */
    Value get = UNDEF, self = UNDEF, missing = UNDEF, result = obj_val(values);
    if (!(is_dict(map) && as_obj(map)->cls == vm->types[T_DICT])) {
        ObjStr *name = str_intern_cstr(vm, "get");
        get = name ? op_getmethod(vm, map, name, &self) : ERR;
        if (get == ERR || !vm_push_root(vm, get)) { result = ERR; goto done; }
        nroots++;
        missing = op_call0(vm, obj_val(vm->types[T_OBJECT]));
        if (missing == ERR || !vm_push_root(vm, missing)) { result = ERR; goto done; }
        nroots++;
    }
    for (int64_t i = 0; i < n; i++) {
        Value key = keys->items[i];
        int dup = set_contains(vm, seen, key);
        if (dup > 0) exc_raise(vm, E_ValueError, "mapping pattern checks duplicate key (%R)", key);
        if (dup != 0 || set_add(vm, seen, key) < 0) { result = ERR; break; }
        Value v = get_value(vm, map, get, self, missing, key);
        if (v == ERR) { result = ERR; break; }
        if (v == UNDEF) { result = NONE_VAL; break; }
        values->items[i] = v;
    }
done:
    vm_pop_roots(vm, nroots);
    if (result == ERR && vm->exc == UNDEF) exc_nomem(vm);
    return result;
}

/* The builtin types whose instances a class pattern's single positional
 * sub-pattern matches as a whole (`case int(x):`), when they have no
 * __match_args__ (CPython's _Py_TPFLAGS_MATCH_SELF). */
static bool matches_self(VM *vm, ObjClass *cls) {
    static const TypeId self_types[] = {
        T_BOOL, T_BYTEARRAY, T_BYTES, T_DICT, T_FLOAT, T_FROZENSET, T_INT, T_LIST, T_SET, T_STR, T_TUPLE,
    };
    for (int64_t i = 0; i < cls->mro->len; i++)
        for (size_t k = 0; k < sizeof self_types / sizeof self_types[0]; k++)
            if (AS(ObjClass, cls->mro->items[i]) == vm->types[self_types[k]]) return true;
    return false;
}

/* A class's name as CPython's tp_name has it: with the module's for the
 * types of native modules (collections.deque), bare for the others. */
static const char *tp_name(ObjClass *cls, char *buf, size_t size) {
    if (!(cls->obj.flags & CLASS_BUILTIN) || !is_str(cls->module)) return cls->name->data;
    snprintf(buf, size, "%s.%s", AS(ObjStr, cls->module)->data, cls->name->data);
    return buf;
}

/* Appends subject.name to attrs; 0 when it has no such attribute, -1 after
 * raising. `seen` holds the names taken so far. */
static int match_attr(VM *vm, ObjClass *cls, Value subject, ObjStr *name, ObjStr **seen, int nseen,
                      ObjList *attrs) {
    for (int i = 0; i < nseen; i++) {
        if (str_eq(seen[i], name)) {
            char buf[256];
            exc_raise(vm, E_TypeError, "%s() got multiple sub-patterns for attribute %R",
                      tp_name(cls, buf, sizeof buf), obj_val(name));
            return -1;
        }
    }
    Value v = op_getattr(vm, subject, name);
    if (v == ERR) {
        if (!exc_is(vm, vm->exc, E_AttributeError)) return -1;
        vm->exc = UNDEF;
        return 0;
    }
    return list_append(vm, attrs, v) < 0 ? -1 : 1;
}

/* cls.__match_args__ (UNDEF when it has none: then *self says whether
 * cls matches the subject itself), checked against nargs positional
 * sub-patterns; ERR after raising. */
static Value match_args(VM *vm, ObjClass *cls, int nargs, bool *self) {
    *self = false;
    ObjStr *name = str_intern_cstr(vm, "__match_args__");
    Value margs = name ? op_getattr(vm, obj_val(cls), name) : ERR;
    int64_t allowed;
    if (margs == ERR) {
        if (!exc_is(vm, vm->exc, E_AttributeError)) return ERR;
        vm->exc = UNDEF;
        *self = matches_self(vm, cls);
        allowed = *self ? 1 : 0;
        margs = UNDEF;
    } else if (!is_tuple(margs) || as_obj(margs)->cls != vm->types[T_TUPLE]) {
        char buf[256];
        return exc_raise(vm, E_TypeError, "%s.__match_args__ must be a tuple (got %s)",
                         tp_name(cls, buf, sizeof buf), type_name(vm, margs));
    } else {
        allowed = AS(ObjTuple, margs)->len;
    }
    if (allowed < nargs) {
        char buf[256];
        return exc_raise(vm, E_TypeError, "%s() accepts %d positional sub-pattern%s (%d given)",
                         tp_name(cls, buf, sizeof buf), (int)allowed, allowed == 1 ? "" : "s", nargs);
    }
    return margs;
}

/* The attributes for the sub-patterns, into attrs: 1 when all are there, 0
 * when one is missing, -1 after raising. */
static int match_attrs(VM *vm, Value subject, ObjClass *cls, int nargs, ObjTuple *names, ObjList *attrs) {
    ObjStr *seen[nargs + names->len + 1];
    int nseen = 0, found = 1;
    if (nargs) {
        bool self;
        Value margs = match_args(vm, cls, nargs, &self);
        if (margs == ERR) return -1;
        /* (the subject itself, then on to the keyword sub-patterns) */
        if (self && list_append(vm, attrs, subject) < 0) return -1;
        /* A getter could replace __match_args__: keep the names alive. */
        if (!self && !vm_push_root(vm, margs)) return -1;
        for (int i = 0; !self && found > 0 && i < nargs; i++) {
            Value name = AS(ObjTuple, margs)->items[i];
            if (!is_str(name) || as_obj(name)->cls != vm->types[T_STR]) {
                exc_raise(vm, E_TypeError, "__match_args__ elements must be strings (got %s)", type_name(vm, name));
                found = -1;
                break;
            }
            found = match_attr(vm, cls, subject, AS(ObjStr, name), seen, nseen, attrs);
            seen[nseen++] = AS(ObjStr, name);
        }
        if (!self) vm_pop_roots(vm, 1);
    }
    for (int64_t i = 0; found > 0 && i < names->len; i++) {
        found = match_attr(vm, cls, subject, AS(ObjStr, names->items[i]), seen, nseen, attrs);
        seen[nseen++] = AS(ObjStr, names->items[i]);
    }
    return found;
}

Value match_class(VM *vm, Value subject, Value cls_val, int nargs, ObjTuple *names) {
    if (!is_kind(cls_val, OBJ_CLASS)) return exc_raise(vm, E_TypeError, "called match pattern must be a class");
    ObjClass *cls = AS(ObjClass, cls_val);
    if (!class_is_subclass(type_of(vm, subject), cls)) return NONE_VAL;
    ObjList *attrs = list_new(vm, nargs + names->len);
    if (!attrs) return ERR;
    if (!vm_push_root(vm, obj_val(attrs))) return ERR;
    int found = match_attrs(vm, subject, cls, nargs, names, attrs);
    vm_pop_roots(vm, 1);
    if (found <= 0) return found < 0 ? ERR : NONE_VAL;
    ObjTuple *t = tuple_from(vm, attrs->items, attrs->len);
    return t ? obj_val(t) : ERR;
}
