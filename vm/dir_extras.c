/* The attributes of builtin objects that Asy answers in its attribute
 * lookup rather than keeps in their class dicts (CPython has getset and
 * member descriptors there), so that dir() lists them as CPython's does:
 * dir(range(3)) shows start, step and stop; dir(ValueError()) shows args. */
#include "dir_extras.h"

#include <string.h>

#include "containers.h"
#include "ops.h"
#include "str.h"

typedef struct Extras {
    bool exc;           /* an exception class (exc_types) or a builtin type (types) */
    int id;
    const char *names;  /* space-separated */
    const char *own;    /* those an instance keeps in its own dict: not the class's */
} Extras;

static const Extras extras[] = {
    {false, T_NONE, "__bool__", NULL},
    {false, T_NOTIMPL, "__bool__", NULL},
    {false, T_RANGE, "start step stop", NULL},
    {false, T_SLICE, "start step stop", NULL},
    {false, T_TYPE, "__annotations__ __base__ __bases__ __dict__ __module__ __mro__ __name__ __qualname__ "
                    "__type_params__", NULL},
    {false, T_FUNCTION, "__annotations__ __builtins__ __call__ __closure__ __code__ __defaults__ __dict__ "
                        "__globals__ __kwdefaults__ __module__ __name__ __qualname__ __type_params__", NULL},
    {false, T_BUILTIN_FUNCTION, "__call__ __module__ __name__ __qualname__ __self__", NULL},
    {false, T_METHOD, "__call__ __func__ __self__", NULL},
    {false, T_GENERATOR, "__name__ __qualname__ gi_code gi_frame gi_running gi_suspended gi_yieldfrom", NULL},
    {false, T_COROUTINE, "__name__ __qualname__ cr_await cr_code cr_frame cr_running cr_suspended", NULL},
    {false, T_ASYNC_GENERATOR, "__name__ __qualname__ ag_code ag_frame ag_suspended", NULL},
    {false, T_CODE, "co_argcount co_cellvars co_consts co_filename co_firstlineno co_flags co_freevars "
                    "co_kwonlyargcount co_name co_names co_nlocals co_posonlyargcount co_qualname co_stacksize "
                    "co_varnames", NULL},
    {false, T_PROPERTY, "__isabstractmethod__ fdel fget fset", NULL},
    {false, T_STATICMETHOD, "__call__ __dict__ __func__ __isabstractmethod__ __module__ __name__ __qualname__ __wrapped__",
     "__module__ __name__ __qualname__"},
    {false, T_CLASSMETHOD, "__dict__ __func__ __isabstractmethod__ __module__ __name__ __qualname__ __wrapped__",
     "__module__ __name__ __qualname__"},
    {false, T_SUPER, "__self__ __self_class__ __thisclass__", NULL},
    {false, T_MEMBER_DESCRIPTOR, "__name__ __objclass__ __qualname__", NULL},
    {false, T_METHOD_DESCRIPTOR, "__call__ __name__ __objclass__ __qualname__", NULL},
    {false, T_WRAPPER_DESCRIPTOR, "__call__ __name__ __objclass__ __qualname__", NULL},
    {false, T_METHOD_WRAPPER, "__call__ __name__ __objclass__ __qualname__ __self__", NULL},
    {true, E_BaseException, "__cause__ __context__ __suppress_context__ __traceback__ args", NULL},
    {true, E_BaseExceptionGroup, "exceptions message", NULL},
    {true, E_StopIteration, "value", NULL},
    {true, E_SystemExit, "code", NULL},
    {true, E_OSError, "errno filename filename2 strerror", NULL},
    {true, E_SyntaxError, "end_lineno end_offset filename lineno msg offset text", NULL},
    {true, E_ImportError, "msg name name_from path", NULL},
    {true, E_NameError, "name", NULL},
    {true, E_AttributeError, "name obj", NULL},
    {true, E_UnicodeError, "encoding end object reason start", NULL},
};

/* Whether `word` (len n) is one of the space-separated words of list. */
static bool has_word(const char *list, const char *word, size_t n) {
    for (const char *p = list; p && *p;) {
        const char *end = p;
        while (*end && *end != ' ') end++;
        if ((size_t)(end - p) == n && !memcmp(p, word, n)) return true;
        p = *end ? end + 1 : end;
    }
    return false;
}

/* Appends the words of `names` that o answers to (an instance, say, that
 * lacks an optional attribute) and that are not in `seen` yet. For a class
 * they are its descriptors, listed whatever reading them through the
 * class gives (dir(range) shows start), but for those of `own`, which
 * instances keep in their own dicts. */
static bool add_names(VM *vm, Value o, const char *names, const char *own, ObjList *out, ObjDict *seen) {
    bool cls = is_kind(o, OBJ_CLASS);
    for (const char *p = names; *p;) {
        const char *end = p;
        while (*end && *end != ' ') end++;
        size_t n = (size_t)(end - p);
        ObjStr *name = str_intern(vm, p, n);
        if (!name) return false;
        bool skip = cls && has_word(own, p, n);
        p = *end ? end + 1 : end;
        if (skip || dict_get(vm, seen, obj_val(name)) != UNDEF) continue;
        if (!cls) {
            Value v = op_getattr_opt(vm, o, name);
            if (v == ERR) { vm->exc = UNDEF; continue; }
            if (v == UNDEF) continue;
        }
        if (dict_set(vm, seen, obj_val(name), NONE_VAL) < 0 || list_append(vm, out, obj_val(name)) < 0) return false;
    }
    return true;
}

bool dir_add_extras(VM *vm, Value o, ObjTuple *mro, ObjList *out, ObjDict *seen) {
    for (int64_t i = 0; i < mro->len; i++) {
        ObjClass *c = AS(ObjClass, mro->items[i]);
        if (!(c->obj.flags & CLASS_BUILTIN)) continue;
        for (size_t k = 0; k < sizeof extras / sizeof *extras; k++) {
            ObjClass *owner = extras[k].exc ? vm->exc_types[extras[k].id] : vm->types[extras[k].id];
            if (owner == c && !add_names(vm, o, extras[k].names, extras[k].own, out, seen)) return false;
        }
    }
    return true;
}
