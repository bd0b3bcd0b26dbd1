/* Argument vectors and environment blocks (see procargs.h). */
#include "procargs.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/ops.h"
#include "../vm/str.h"

void procargs_free(char **v) {
    if (!v) return;
    for (char **p = v; *p; p++) free(*p);
    free(v);
}

/* A str without NUL bytes as a C string, or NULL after raising. */
static const char *cstr_arg(VM *vm, Value v) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "expected str, bytes or os.PathLike object, not %T", v);
        return NULL;
    }
    ObjStr *s = AS(ObjStr, v);
    if (strlen(s->data) != (size_t)s->len) {
        exc_raise(vm, E_ValueError, "embedded null byte");
        return NULL;
    }
    return s->data;
}

const char *procargs_path(VM *vm, const char *fname, Value v) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s: path should be string, bytes or os.PathLike, not %T", fname, v);
        return NULL;
    }
    ObjStr *s = AS(ObjStr, v);
    if (strlen(s->data) != (size_t)s->len) {
        /* CPython's file system encoder refuses it before the function
         * sees it (a bytes path gets "<fname>: embedded null character") */
        exc_raise(vm, E_ValueError, "embedded null byte");
        return NULL;
    }
    return s->data;
}

const char *procargs_fspath(VM *vm, const char *fname, Value *v, int *nroots) {
    ObjStr *name = is_str(*v) ? NULL : str_intern_cstr(vm, "__fspath__");
    if (name && class_lookup(type_of(vm, *v), name) != UNDEF) {
        Value s = op_fspath(vm, *v);
        if (s == ERR || !vm_push_root(vm, s)) return NULL;
        (*nroots)++;
        *v = s;
    }
    if (is_kind(*v, OBJ_BYTES)) {     /* a bytes path: the file name's bytes as they are */
        const ObjBytes *b = AS(ObjBytes, *v);
        if (strlen((const char *)b->data) != (size_t)b->len) {
            exc_raise(vm, E_ValueError, "%s: embedded null character in path", fname);
            return NULL;
        }
        return (const char *)b->data;
    }
    return procargs_path(vm, fname, *v);
}

char **procargs_argv(VM *vm, const char *fname, Value seq, bool nonempty) {
    Value *items;
    int64_t n;
    if (is_kind(seq, OBJ_LIST)) items = AS(ObjList, seq)->items, n = AS(ObjList, seq)->len;
    else if (is_kind(seq, OBJ_TUPLE)) items = AS(ObjTuple, seq)->items, n = AS(ObjTuple, seq)->len;
    else {
        exc_raise(vm, E_TypeError, "%s() arg 2 must be a tuple or list", fname);
        return NULL;
    }
    if (nonempty && n == 0) {
        exc_raise(vm, E_ValueError, "%s() arg 2 must not be empty", fname);
        return NULL;
    }
    char **v = calloc((size_t)n + 1, sizeof *v);
    if (!v) {
        exc_nomem(vm);
        return NULL;
    }
    for (int64_t i = 0; i < n; i++) {
        const char *s = cstr_arg(vm, items[i]);
        if (s && i == 0 && nonempty && !*s) {
            exc_raise(vm, E_ValueError, "%s() arg 2 first element cannot be empty", fname);
            s = NULL;
        }
        if (!s || !(v[i] = strdup(s))) {
            if (s) exc_nomem(vm);
            procargs_free(v);
            return NULL;
        }
    }
    return v;
}

/* "key=value" into v[i]; false after raising. */
static bool env_entry(VM *vm, char **slot, Value key, Value value) {
    const char *k = cstr_arg(vm, key), *val = k ? cstr_arg(vm, value) : NULL;
    if (!val) return false;
    if (!*k || strchr(k, '=')) {
        exc_raise(vm, E_ValueError, "illegal environment variable name");
        return false;
    }
    size_t kl = strlen(k), vl = strlen(val);
    if (!(*slot = malloc(kl + vl + 2))) {
        exc_nomem(vm);
        return false;
    }
    memcpy(*slot, k, kl);
    (*slot)[kl] = '=';
    memcpy(*slot + kl + 1, val, vl + 1);
    return true;
}

char **procargs_env(VM *vm, const char *fname, Value env) {
    ObjDict *d;
    if (is_kind(env, OBJ_DICT)) {
        d = AS(ObjDict, env);
    } else {
        /* Any mapping: copied into a dict through its keys(). */
        Value keys = op_getattr_opt(vm, env, str_intern_cstr(vm, "keys"));
        if (keys == ERR) return NULL;
        if (keys == UNDEF) {
            exc_raise(vm, E_TypeError, "%s: environment must be a mapping object", fname);
            return NULL;
        }
        if (!(d = dict_new(vm)) || !vm_push_root(vm, obj_val(d))) return NULL;
        int r = dict_update(vm, d, env);
        vm_pop_roots(vm, 1);
        if (r < 0) return NULL;
    }
    char **v = calloc((size_t)d->count + 1, sizeof *v);
    if (!v) {
        exc_nomem(vm);
        return NULL;
    }
    int64_t pos = 0, i = 0;
    Value k, val;
    while (i < d->count && dict_next(d, &pos, &k, &val)) {
        if (!env_entry(vm, &v[i++], k, val)) {
            procargs_free(v);
            return NULL;
        }
    }
    return v;
}

Value procargs_oserror(VM *vm, int err, Value file, Value file2) {
    Value args[5] = {int_val(err), str_from_cstr(vm, strerror(err)), file, NONE_VAL, file2};
    if (args[1] == ERR) return ERR;
    int n = file == UNDEF ? 2 : file2 == UNDEF ? 3 : 5;
    ObjTuple *t = tuple_from(vm, args, n);
    if (!t) return ERR;
    Value e = exc_new(vm, exc_oserror_class(vm, vm->exc_types[E_OSError], args, n), t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

bool procargs_long(VM *vm, Value v, long *out) {
    int64_t n;
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
        return false;
    }
    if (!int_to_i64(v, &n)) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C long");
        return false;
    }
    *out = (long)n;
    return true;
}
