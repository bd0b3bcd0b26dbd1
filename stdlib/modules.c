/* The native module registry (see modules.h). */
#include "modules.h"

#include <stdlib.h>
#include <string.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/import.h"
#include "../vm/ops.h"
#include "../vm/str.h"

static const NativeModule registry[] = {
    {"sys", mod_sys_init},
    {"math", mod_math_init},
    {"cmath", mod_cmath_init},
    {"time", mod_time_init},
    {"random", mod_random_init},
    {"os", mod_os_init},
    {"_posixpath", mod__posixpath_init},
    {"json", mod_json_init},
    {"functools", mod_functools_init},
    {"itertools", mod_itertools_init},
    {"operator", mod_operator_init},
    {"collections", mod_collections_init},
    {"re", mod_re_init},
    {"_asyncio", mod_asyncio_init},
    {"gc", mod_gc_init},
    {"contextvars", mod_contextvars_init},
    {"_thread", mod_thread_init},
    {"pickle", mod_pickle_init},
    {"_io", mod_io_init},
    {"builtins", mod_builtins_init},
    {"_procpool", mod_procpool_init},
    {"_weakref", mod_weakref_init},
    {"_traceback", mod_traceback_init},
    {"_abc", mod_abc_init},
    {"_struct", mod_struct_init},
    {"binascii", mod_binascii_init},
    {"_hashlib", mod_hashlib_init},
    {"zlib", mod_zlib_init},
#ifdef ASY_HAVE_SQLITE3
    {"_sqlite3", mod_sqlite3_init},
#endif
#ifdef ASY_HAVE_BZ2
    {"_bz2", mod_bz2_init},
#endif
#ifdef ASY_HAVE_LZMA
    {"_lzma", mod_lzma_init},
#endif
    {"_subprocess", mod_subprocess_init},
    {"_signal", mod_signal_init},
    {"errno", mod_errno_init},
    {"unicodedata", mod_unicodedata_init},
    {"array", mod_array_init},
    {"_string", mod__string_init},
    {"_dis", mod_dis_native_init},
    {"_ast", mod__ast_init},
    {"_socket", mod__socket_init},
    {"_select", mod__select_init},
    {"_tracemalloc", mod__tracemalloc_init},
    {"_resource", mod__resource_init},
    {"fcntl", mod_fcntl_init},
    {"_termios", mod__termios_init},
    {"_heapq", mod__heapq_init},
    {"_bisect", mod__bisect_init},
    {"_mmap", mod__mmap_init},
    {"_posixshmem", mod__posixshmem_init},
    {"_syslog", mod__syslog_init},
    {"_iconv", mod__iconv_init},
    {"_frozen_importlib", mod__frozen_importlib_init},
    {"_frozen_importlib_external", mod__frozen_importlib_external_init},
};

ModuleInitFn modules_find(const char *name) {
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
        if (strcmp(registry[i].name, name) == 0) return registry[i].init;
    }
    return NULL;
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

Value modules_native_names(VM *vm) {
    enum { N = sizeof registry / sizeof registry[0] };
    const char *names[N + 1];
    size_t n = 0;
    for (size_t i = 0; i < N; i++)      /* CPython freezes _frozen_importlib* */
        if (strncmp(registry[i].name, "_frozen_", 8) != 0) names[n++] = registry[i].name;
    names[n++] = "builtins";
    qsort(names, n, sizeof names[0], cmp_names);
    ObjTuple *t = tuple_new(vm, (int64_t)n);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    for (size_t i = 0; i < n; i++) t->items[i] = NONE_VAL;
    for (size_t i = 0; i < n; i++) {
        ObjStr *s = str_intern_cstr(vm, names[i]);
        if (!s) { vm_pop_roots(vm, 1); return ERR; }
        t->items[i] = obj_val(s);
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

bool module_add_value(VM *vm, ObjModule *m, const char *name, Value v) {
    /* A module's own function says where it lives (__module__); one it
     * re-exports from another keeps its first home. */
    if (is_kind(v, OBJ_NATIVE) && AS(ObjNative, v)->module == UNDEF && !(as_obj(v)->flags & NATIVE_METHOD) &&
        m->name && strcmp(m->name->data, "builtins") != 0)
        AS(ObjNative, v)->module = obj_val(m->name);
    ObjStr *s = str_intern_cstr(vm, name);
    return s && v != ERR && dict_set_str(vm, m->dict, s, v) == 0;
}

bool module_add_native(VM *vm, ObjModule *m, const char *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name, fn);
    return n && module_add_value(vm, m, name, obj_val(n));
}

bool module_add_all(VM *vm, ObjModule *m, const char *const *names) {
    ObjList *all = list_new(vm, 0);
    if (!all || !module_add_value(vm, m, "__all__", obj_val(all))) return false;
    for (size_t i = 0; names[i]; i++) {
        ObjStr *s = str_intern_cstr(vm, names[i]);
        if (!s || list_append(vm, all, obj_val(s)) < 0) return false;
    }
    return true;
}

bool module_add_lazy_getattr(VM *vm, ObjModule *m, NativeFn fn, const char *const *names) {
    ObjNative *n = native_new(vm, "__getattr__", fn);
    if (!n || !module_add_value(vm, m, "__getattr__", obj_val(n))) return false;
    size_t count = 0;
    while (names[count]) count++;
    ObjTuple *t = tuple_new(vm, (int64_t)count);
    if (!t) return false;
    n->data = obj_val(t);   /* the native, in the module's dict, keeps it */
    for (size_t i = 0; i < count; i++) {
        ObjStr *s = str_intern_cstr(vm, names[i]);
        if (!s) return false;
        t->items[i] = obj_val(s);
    }
    return true;
}

Value module_lazy_attr(VM *vm, const char *module, const char *source, const char *const *names, Value name) {
    for (size_t i = 0; is_str(name) && names[i]; i++) {
        if (strcmp(AS(ObjStr, name)->data, names[i]) != 0) continue;
        Value src = import_module(vm, source);
        Value v = src == ERR ? ERR : op_getattr(vm, src, AS(ObjStr, name));
        if (v == ERR) return ERR;
        Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, module));
        if (is_kind(mod, OBJ_MODULE) && dict_set(vm, AS(ObjModule, mod)->dict, name, v) < 0) return ERR;
        return v;
    }
    return exc_raise(vm, E_AttributeError, "module '%s' has no attribute %R", module, name);
}
