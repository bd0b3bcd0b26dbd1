/* Module specs and loaders (vm/modspec.c): what import puts in a module's
 * __spec__ and __loader__, as CPython's importlib does, though the VM's
 * import (import.c) finds and runs modules without them. */
#ifndef ASY_MODSPEC_H
#define ASY_MODSPEC_H

#include "vm.h"

/* The classes: ModuleSpec, BuiltinImporter, FrozenImporter (of
 * _frozen_importlib) and SourceFileLoader (of _frozen_importlib_external),
 * made on first use; NULL after raising. */
enum { MS_SPEC, MS_BUILTIN, MS_FROZEN, MS_SOURCE, MS_NTYPES };
ObjClass *modspec_type(VM *vm, int which);

/* How a module came to be, which picks its loader and origin. */
typedef enum {
    MS_KIND_BUILTIN,    /* native or embedded: origin 'built-in' */
    MS_KIND_FROZEN,     /* a module CPython freezes (os, abc, ...): 'frozen' */
    MS_KIND_FILE,       /* a source file: a SourceFileLoader, origin its path */
    MS_KIND_NAMESPACE,  /* a namespace package: no loader's code, no origin */
} ModSpecKind;

/* Sets m's __spec__ and __loader__ for a module of that kind; `file` is the
 * source file's path (MS_KIND_FILE), `path` the package's __path__ list or
 * UNDEF for a plain module. False after raising. */
bool modspec_attach(VM *vm, ObjModule *m, ModSpecKind kind, const char *file, Value path);
/* The main module's __loader__: a SourceFileLoader for a script file,
 * BuiltinImporter for -c, stdin and the REPL (file NULL); its __spec__
 * stays None, as CPython's. */
bool modspec_main_loader(VM *vm, ObjModule *m, const char *file);
/* `-m name`: the main module gets the spec of module `name`, from the
 * source file `file` (NULL for one embedded in the binary). */
bool modspec_main_spec(VM *vm, ObjModule *m, const char *name, const char *file);
/* Whether CPython 3.12 freezes the stdlib module `name` into its binary. */
bool modspec_frozen_in_cpython(const char *name);

#endif
