/* import: native modules from the registry (stdlib/modules.c), and .asy
 * files and packages found along sys.path. Modules are cached in
 * sys.modules. */
#ifndef ASY_IMPORT_H
#define ASY_IMPORT_H

#include "strbuf.h"
#include "vm.h"

/* IMPORT_NAME: `import a.b` gives a (fromlist None); `from a.b import c`
 * gives a.b. level > 0 is a relative import from the current package. */
Value import_name(VM *vm, ObjStr *name, Value fromlist, int level, ObjDict *globals);
/* The import statement (IMPORT_NAME) in frame f: import_name, or a call of
 * builtins.__import__ when a script replaced it. */
Value import_statement(VM *vm, ObjStr *name, Value fromlist, int level, Frame *f);
/* IMPORT_FROM: an attribute of the module, or its submodule. */
Value import_from(VM *vm, Value module, ObjStr *name);
/* `from m import *` into `ns`. */
int import_star(VM *vm, Value module, ObjDict *ns);
/* The module called `fullname` (dotted), importing it if needed. */
Value import_module(VM *vm, const char *fullname);
/* Whether the program's own NAME.py or NAME/ package on sys.path stands in
 * for the standard module of the top-level name, as an import would take
 * it (`asy -m NAME` then runs the program's). */
bool import_program_shadows(VM *vm, const char *name);
/* The standard module `name` for the VM's own C code, never a program's
 * file of that name (see import.c). */
Value import_standard(VM *vm, const char *name);
/* The source of the standard-library module `fullname` written in Asy
 * (stdlib/<fullname>.asy), or NULL; *package tells whether it is a package. */
const char *import_embedded_source(const char *fullname, size_t *len, bool *package);
/* A new module object with __name__ set, registered in sys.modules. */
ObjModule *module_new(VM *vm, const char *name);
/* CPython's repr of a module: `<module 'm' from 'FILE'>` for one run from a
 * file, `<module 'm' (LOADER)>` for one with a loader and no file,
 * `<module 'sys' (built-in)>` for a native one, else `<module 'm'>`; the
 * name is the module's __name__ ('?' without one). False if a repr raised. */
bool module_repr_to(VM *vm, ObjModule *m, StrBuf *b);
/* module.__new__: types.ModuleType(name, doc=None), not registered. */
Value module_ctor(VM *vm, Value *args, int nargs, ObjTuple *kw);
/* module.__init__(self, name, doc=None). */
Value module_init(VM *vm, Value *args, int nargs, ObjTuple *kw);

#endif
