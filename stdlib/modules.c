/* The native module registry (see modules.h). */
#include "modules.h"

#include <string.h>

#include "../vm/containers.h"
#include "../vm/func.h"
#include "../vm/str.h"

static const NativeModule registry[] = {
    {"sys", mod_sys_init},
    {"math", mod_math_init},
    {"time", mod_time_init},
    {"random", mod_random_init},
    {"os", mod_os_init},
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
    {"_procpool", mod_procpool_init},
};

ModuleInitFn modules_find(const char *name) {
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
        if (strcmp(registry[i].name, name) == 0) return registry[i].init;
    }
    return NULL;
}

bool module_add_value(VM *vm, ObjModule *m, const char *name, Value v) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s && v != ERR && dict_set_str(vm, m->dict, s, v) == 0;
}

bool module_add_native(VM *vm, ObjModule *m, const char *name, NativeFn fn) {
    ObjNative *n = native_new(vm, name, fn);
    return n && module_add_value(vm, m, name, obj_val(n));
}
