/* The registry of native modules: each stdlib/<name>.c provides one
 * function that fills a new module object. */
#ifndef ASY_MODULES_H
#define ASY_MODULES_H

#include "../vm/vm.h"

typedef bool (*ModuleInitFn)(VM *vm, ObjModule *m);

typedef struct NativeModule {
    const char *name;
    ModuleInitFn init;
} NativeModule;

/* The init function of a native module, or NULL. */
ModuleInitFn modules_find(const char *name);

/* The names of the native modules and builtins, sorted, as a tuple
 * (sys.builtin_module_names). */
Value modules_native_names(VM *vm);

/* Adds a native function to a module's namespace. */
bool module_add_native(VM *vm, ObjModule *m, const char *name, NativeFn fn);
bool module_add_value(VM *vm, ObjModule *m, const char *name, Value v);

/* Sets m.__all__ to the NULL-terminated names: a module whose names are
 * partly loaded on first use (module_lazy_attr) needs it for `import *`.
 * The list joins the module (a GC root) before the names are made. */
bool module_add_all(VM *vm, ObjModule *m, const char *const *names);
/* A native module's __getattr__ (PEP 562) for the names in `names`
 * (NULL-terminated) that module `source`, written in Asy, defines: imports
 * it, keeps the value in the module's namespace and returns it;
 * AttributeError for any other name. */
Value module_lazy_attr(VM *vm, const char *module, const char *source, const char *const *names, Value name);
/* Adds fn as m.__getattr__, holding the names it makes on first use (a
 * tuple in the native's data): dir(m) lists them, and not __getattr__,
 * as CPython's module, which has them all along (vm/class.c). For modules
 * with no __all__ of their own, such as sys. */
bool module_add_lazy_getattr(VM *vm, ObjModule *m, NativeFn fn, const char *const *names);

/* One per stdlib/<name>.c. */
bool mod_sys_init(VM *vm, ObjModule *m);
bool mod_math_init(VM *vm, ObjModule *m);
bool mod_cmath_init(VM *vm, ObjModule *m);
bool mod_time_init(VM *vm, ObjModule *m);
bool mod_thread_init(VM *vm, ObjModule *m);
bool mod_procpool_init(VM *vm, ObjModule *m);
bool mod_weakref_init(VM *vm, ObjModule *m);
bool mod_traceback_init(VM *vm, ObjModule *m);
bool mod_random_init(VM *vm, ObjModule *m);
bool mod_os_init(VM *vm, ObjModule *m);
/* The process functions of os (stdlib/os_proc.c), added by mod_os_init. */
bool os_proc_init(VM *vm, ObjModule *m);
/* statvfs, sysconf, chown, the uid/gid setters, ... (stdlib/os_sys.c), added by os_proc_init. */
bool os_sys_init(VM *vm, ObjModule *m);
/* Appends the names os loads from Asy on first use to its __all__ list. */
bool os_proc_list_lazy(VM *vm, ObjModule *m, ObjList *all, const char *const *listed);
/* The native half of posixpath and genericpath (stdlib/_posixpath.c). */
bool mod__posixpath_init(VM *vm, ObjModule *m);
bool mod_json_init(VM *vm, ObjModule *m);
bool mod_functools_init(VM *vm, ObjModule *m);
bool mod_itertools_init(VM *vm, ObjModule *m);
bool mod_operator_init(VM *vm, ObjModule *m);
bool mod_collections_init(VM *vm, ObjModule *m);
bool mod_re_init(VM *vm, ObjModule *m);
bool mod_asyncio_init(VM *vm, ObjModule *m);
bool mod_gc_init(VM *vm, ObjModule *m);
bool mod_dis_native_init(VM *vm, ObjModule *m);
bool mod_contextvars_init(VM *vm, ObjModule *m);
bool mod_pickle_init(VM *vm, ObjModule *m);
bool mod_io_init(VM *vm, ObjModule *m);
bool mod_builtins_init(VM *vm, ObjModule *m);
bool mod_abc_init(VM *vm, ObjModule *m);
bool mod__string_init(VM *vm, ObjModule *m);
bool mod__frozen_importlib_init(VM *vm, ObjModule *m);
bool mod__frozen_importlib_external_init(VM *vm, ObjModule *m);
bool mod__tracemalloc_init(VM *vm, ObjModule *m);
bool mod__resource_init(VM *vm, ObjModule *m);
bool mod__heapq_init(VM *vm, ObjModule *m);
bool mod__bisect_init(VM *vm, ObjModule *m);
bool mod_fcntl_init(VM *vm, ObjModule *m);
bool mod__termios_init(VM *vm, ObjModule *m);
bool mod__mmap_init(VM *vm, ObjModule *m);
bool mod__posixshmem_init(VM *vm, ObjModule *m);
bool mod__syslog_init(VM *vm, ObjModule *m);
bool mod__iconv_init(VM *vm, ObjModule *m);
bool mod__ast_init(VM *vm, ObjModule *m);
bool mod_struct_init(VM *vm, ObjModule *m);
bool mod_binascii_init(VM *vm, ObjModule *m);
bool mod_hashlib_init(VM *vm, ObjModule *m);
bool mod_zlib_init(VM *vm, ObjModule *m);
bool mod_sqlite3_init(VM *vm, ObjModule *m);     /* when built with libsqlite3 */
bool mod_bz2_init(VM *vm, ObjModule *m);         /* with libbz2 */
bool mod_lzma_init(VM *vm, ObjModule *m);        /* with liblzma */
bool mod_subprocess_init(VM *vm, ObjModule *m);
bool mod_signal_init(VM *vm, ObjModule *m);
bool mod_errno_init(VM *vm, ObjModule *m);
bool mod_unicodedata_init(VM *vm, ObjModule *m);
bool mod_array_init(VM *vm, ObjModule *m);
bool mod__socket_init(VM *vm, ObjModule *m);    /* stdlib/_socket.c, under socket.asy */
bool mod__select_init(VM *vm, ObjModule *m);    /* stdlib/_select.c, under select.asy */

#endif
