/* type's own data descriptors set on a class (`C.__name__ = ...`,
 * `C.__bases__ = ...`) with CPython's checks and messages, and the names
 * a class cannot lose. class_setattr and class_delattr ask here first. */
#include <string.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "ops.h"
#include "str.h"

bool class_utf8_ok(VM *vm, Value s) {
    Value b = op_call_method(vm, s, str_intern_cstr(vm, "encode"), NULL, 0);
    return b != ERR;
}

bool class_name_ok(VM *vm, Value name) {
    ObjStr *s = AS(ObjStr, name);
    if (memchr(s->data, 0, (size_t)s->len)) {
        exc_raise(vm, E_ValueError, "type name must not contain null characters");
        return false;
    }
    return class_utf8_ok(vm, name);
}

/* CPython checks immutability first and then says "set" even for a
 * deletion; only a class written in Python gets "delete". */
static int special_error(VM *vm, ObjClass *c, ObjStr *name, bool del) {
    bool builtin = c->obj.flags & CLASS_BUILTIN;
    exc_raise(vm, E_TypeError, "cannot %s '%s' attribute of immutable type '%s'", del && !builtin ? "delete" : "set",
              name->data, class_tp_name(vm, c));
    return -1;
}

/* The class whose instances' C layout a class has: a builtin type, or
 * NULL for any class written in Asy, which all share one. */
static ObjClass *layout_owner(ObjClass *c) { return (c->obj.flags & CLASS_BUILTIN) ? c : NULL; }

/* Whether CPython frees instances of c as objects the collector tracks:
 * all but a few builtin types' (which its "deallocator differs" is about). */
static bool gc_tracked(VM *vm, ObjClass *c) {
    static const TypeId untracked[] = {T_OBJECT, T_INT, T_FLOAT, T_COMPLEX, T_STR, T_BYTES, T_BOOL};
    for (size_t i = 0; i < sizeof untracked / sizeof *untracked; i++)
        if (c == vm->types[untracked[i]]) return false;
    return true;
}

/* CPython's best_base: the base whose layout derives from the others'. */
static ObjClass *best_base(ObjTuple *bases) {
    ObjClass *best = AS(ObjClass, bases->items[0]);
    for (int64_t i = 1; i < bases->len; i++) {
        ObjClass *b = AS(ObjClass, bases->items[i]);
        if (b->instance_kind != OBJ_INSTANCE && best->instance_kind == OBJ_INSTANCE) best = b;
    }
    return best;
}

static bool bases_compatible(VM *vm, ObjClass *c, ObjTuple *bases) {
    ObjClass *old = best_base(c->bases), *new = best_base(bases);
    if (gc_tracked(vm, old) != gc_tracked(vm, new)) {
        exc_raise(vm, E_TypeError, "__bases__ assignment: '%s' deallocator differs from '%s'", new->name->data,
                  old->name->data);
        return false;
    }
    uint16_t layout = CLASS_SLOTS | CLASS_OWN_SLOTS;
    if (layout_owner(old) != layout_owner(new) || new->instance_kind != old->instance_kind ||
        (new->obj.flags & layout) != (old->obj.flags & layout)) {
        exc_raise(vm, E_TypeError, "__bases__ assignment: '%s' object layout differs from '%s'", new->name->data,
                  old->name->data);
        return false;
    }
    return true;
}

static bool drop_subclass(VM *vm, ObjClass *base, ObjClass *c) {
    (void)vm;
    ObjList *l = base->subclasses;
    for (int64_t i = 0; l && i < l->len; i++) {
        if (l->items[i] != obj_val(c)) continue;
        memmove(l->items + i, l->items + i + 1, (size_t)(l->len - i - 1) * sizeof(Value));
        l->len--;
        return true;
    }
    return true;
}

/* The MROs of c and of every class below it, computed again. */
static bool remake_mros(VM *vm, ObjClass *c, int depth) {
    if (depth > 1000) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
        return false;
    }
    if (!class_set_mro(vm, c)) return false;
    ObjList *l = c->subclasses;
    for (int64_t i = 0; l && i < l->len; i++)
        if (!remake_mros(vm, AS(ObjClass, l->items[i]), depth + 1)) return false;
    return true;
}

static int set_bases(VM *vm, ObjClass *c, Value v) {
    const char *n = c->name->data;
    if (!is_tuple(v)) {
        exc_raise(vm, E_TypeError, "can only assign tuple to %s.__bases__, not %T", n, v);
        return -1;
    }
    ObjTuple *bases = AS(ObjTuple, v);
    if (bases->len == 0) {
        exc_raise(vm, E_TypeError, "can only assign non-empty tuple to %s.__bases__, not ()", n);
        return -1;
    }
    for (int64_t i = 0; i < bases->len; i++) {
        if (!is_kind(bases->items[i], OBJ_CLASS)) {
            exc_raise(vm, E_TypeError, "%s.__bases__ must be tuple of classes, not '%T'", n, bases->items[i]);
            return -1;
        }
        if (class_is_subclass(AS(ObjClass, bases->items[i]), c)) {
            exc_raise(vm, E_TypeError, "a __bases__ item causes an inheritance cycle");
            return -1;
        }
    }
    if (!bases_compatible(vm, c, bases)) return -1;
    for (int64_t i = 1; i < bases->len; i++) {
        for (int64_t j = 0; j < i; j++) {
            if (bases->items[j] != bases->items[i]) continue;
            exc_raise(vm, E_TypeError, "duplicate base class %s", AS(ObjClass, bases->items[i])->name->data);
            return -1;
        }
    }
    ObjTuple *old = c->bases;
    /* A metaclass's mro() runs script code, which may collect: the old
     * bases stay rooted until their subclass lists are updated. */
    if (!vm_push_root(vm, obj_val(old))) return -1;
    c->bases = bases;
    if (!remake_mros(vm, c, 0)) {
        /* put everything back as it was (the old MROs were valid) */
        Value exc = vm->exc;
        vm->exc = UNDEF;
        c->bases = old;
        remake_mros(vm, c, 0);
        vm->exc = exc;
        vm_pop_roots(vm, 1);
        return -1;
    }
    for (int64_t i = 0; i < old->len; i++) drop_subclass(vm, AS(ObjClass, old->items[i]), c);
    vm_pop_roots(vm, 1);
    for (int64_t i = 0; i < bases->len; i++) {
        ObjClass *b = AS(ObjClass, bases->items[i]);
        if (!b->subclasses && !(b->subclasses = list_new(vm, 0))) return -1;
        if (list_append(vm, b->subclasses, obj_val(c)) < 0) return -1;
    }
    return 0;
}

static bool is_name(ObjStr *name, const char *s) { return !strcmp(name->data, s); }

int class_set_special(VM *vm, ObjClass *c, ObjStr *name, Value v) {
    if (name->data[0] != '_' || name->data[1] != '_') return 1;
    bool del = v == UNDEF;
    if (is_name(name, "__mro__") || is_name(name, "__dict__")) {
        exc_raise(vm, E_AttributeError, "attribute '%s' of 'type' objects is not writable", name->data);
        return -1;
    }
    if (is_name(name, "__base__")) {
        exc_raise(vm, E_AttributeError, "readonly attribute");
        return -1;
    }
    bool named = is_name(name, "__name__"), qual = is_name(name, "__qualname__"), bases = is_name(name, "__bases__");
    if (!named && !qual && !bases) {
        bool kept = is_name(name, "__module__") || is_name(name, "__doc__") || is_name(name, "__type_params__");
        return kept && del ? special_error(vm, c, name, true) : 1;
    }
    if (del || (c->obj.flags & CLASS_BUILTIN)) return special_error(vm, c, name, del);
    if (bases) return set_bases(vm, c, v);
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "can only assign string to %s.%s, not '%T'", c->name->data, name->data, v);
        return -1;
    }
    if (named && !class_name_ok(vm, v)) return -1;
    if (named) c->name = AS(ObjStr, v);
    else c->qualname = AS(ObjStr, v);
    class_changed(vm, c);
    return 0;
}
