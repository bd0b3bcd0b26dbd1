/* import (see import.h). */
#include "import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../parser/compile.h"
#include "../stdlib/embedded.h"
#include "../stdlib/modules.h"
#include "builtins.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "interp.h"
#include "class.h"
#include "gc.h"
#include "gil.h"
#include "modspec.h"
#include "suggest.h"
#include "ops.h"
#include "str.h"

/* A new module, registered in sys.modules, with the attributes every module
 * has: __package__ is the enclosing package's name ("" at the top level;
 * a package's own name once it is known to be one, set_package), None for
 * __main__; there are no module specs or loaders, so those are None. */
/* A module object not (yet) in sys.modules. */
static ObjModule *module_alloc(VM *vm, const char *name) {
    ObjStr *s = str_intern_cstr(vm, name);
    if (!s) return NULL;
    ObjModule *m = gc_new(vm, sizeof(ObjModule), OBJ_MODULE, vm->types[T_MODULE]);
    if (!m) return NULL;
    m->name = s;
    m->dict = dict_new(vm);
    if (!m->dict) return NULL;
    const char *dot = strrchr(name, '.');
    Value pkg = strcmp(name, "__main__") == 0 ? NONE_VAL : str_new(vm, name, dot ? (size_t)(dot - name) : 0);
    if (pkg == ERR || dict_set_str(vm, m->dict, vm_name(vm, N___name__), obj_val(s)) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___doc__), NONE_VAL) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___package__), pkg) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___loader__), NONE_VAL) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___spec__), NONE_VAL) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___builtins__), obj_val(vm->builtins)) < 0)
        return NULL;
    return m;
}

ObjModule *module_new(VM *vm, const char *name) {
    ObjModule *m = module_alloc(vm, name);
    return m && dict_set_str(vm, vm->modules, m->name, obj_val(m)) == 0 ? m : NULL;
}

/* BuiltinImporter or FrozenImporter, which the module's repr leaves to
 * the checks that follow ("(built-in)", "(frozen)"). */
static bool is_importer_class(VM *vm, Value loader) {
    return loader == obj_val(vm->modspec_types[MS_BUILTIN]) || loader == obj_val(vm->modspec_types[MS_FROZEN]);
}

bool module_repr_to(VM *vm, ObjModule *m, StrBuf *b) {
    Value name = dict_get_str(m->dict, vm_name(vm, N___name__));
    Value file = dict_get_str(m->dict, vm_name(vm, N___file__));
    Value loader = dict_get_str(m->dict, vm_name(vm, N___loader__));
    sb_adds(b, "<module ");
    if (name == UNDEF) sb_adds(b, "'?'");           /* (del m.__name__) */
    else if (!op_repr_to(vm, name, b)) return false;
    Value path = file == NONE_VAL ? dict_get_str(m->dict, vm_name(vm, N___path__)) : UNDEF;
    if (is_list(path)) {      /* a namespace package: " (namespace) from ['dir']" */
        sb_adds(b, " (namespace) from [");
        ObjList *l = AS(ObjList, path);
        for (int64_t i = 0; i < l->len; i++)
            if (is_str(l->items[i])) sb_addf(b, "%s'%s'", i ? ", " : "", AS(ObjStr, l->items[i])->data);
        sb_adds(b, "]");
    } else if (file != UNDEF) {
        sb_adds(b, " from ");
        if (!op_repr_to(vm, file, b)) return false;
    } else if (loader != UNDEF && loader != NONE_VAL && !is_importer_class(vm, loader)) {
        /* no file: the loader tells where it came from */
        sb_adds(b, " (");
        if (!op_repr_to(vm, loader, b)) return false;
        sb_adds(b, ")");
    } else if (dict_get_str(vm->modules, m->name) == obj_val(m) && modspec_frozen_in_cpython(m->name->data)) {
        sb_adds(b, " (frozen)");
    } else if (modules_find(m->name->data) && dict_get_str(vm->modules, m->name) == obj_val(m)) {
        sb_adds(b, " (built-in)");
    }
    sb_adds(b, ">");
    return true;
}

/* Sets a module's name and the attributes module.__init__ gives it. */
static bool module_fill(VM *vm, ObjModule *m, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"name", "doc"};
    Value a[2];
    if (!args_bind(vm, "module", args, nargs, kw, names, 2, 2, 1, 0, a)) return false;
    if (!is_str(a[0])) {
        exc_raise(vm, E_TypeError, "module() argument 'name' must be str, not %T", a[0]);
        return false;
    }
    m->name = AS(ObjStr, a[0]);
    const NameId keys[] = {N___name__, N___doc__, N___package__, N___loader__, N___spec__};
    const Value vals[] = {a[0], a[1] == UNDEF ? NONE_VAL : a[1], NONE_VAL, NONE_VAL, NONE_VAL};
    for (int i = 0; i < 5; i++) {
        /* __init__ keeps what a module has already for the last three */
        if (i >= 2 && dict_get_str(m->dict, vm_name(vm, keys[i])) != UNDEF) continue;
        if (dict_set_str(vm, m->dict, vm_name(vm, keys[i]), vals[i]) < 0) return false;
    }
    return true;
}

/* types.ModuleType(name, doc=None): a module that no import made, so it is
 * not in sys.modules (args[0] is the class). A subclass's call takes any
 * arguments, which its __init__ (then module.__init__) gets, as CPython's
 * generic __new__. */
Value module_ctor(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjClass *cls = vm->types[T_MODULE];
    if (is_kind(args[0], OBJ_CLASS) && class_is_subclass(AS(ObjClass, args[0]), cls)) cls = AS(ObjClass, args[0]);
    ObjModule *m = gc_new_instance(vm, sizeof(ObjModule), OBJ_MODULE, cls);
    if (!m) return ERR;
    m->name = str_intern_cstr(vm, "?");
    if (!m->name || !(m->dict = dict_new(vm))) return ERR;
    if (cls != vm->types[T_MODULE]) return obj_val(m);
    if (!vm_push_root(vm, obj_val(m))) return ERR;
    bool ok = module_fill(vm, m, args + 1, nargs - 1, kw);
    vm_pop_roots(vm, 1);
    return ok ? obj_val(m) : ERR;
}

Value module_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!is_kind(args[0], OBJ_MODULE))
        return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'module' object but received a '%T'", args[0]);
    return module_fill(vm, AS(ObjModule, args[0]), args + 1, nargs - 1, kw) ? NONE_VAL : ERR;
}

static bool is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    StrBuf b = SB_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, n);
    fclose(f);
    *len = b.len;
    return sb_take(&b);
}

/* Runs an embedded module; tracebacks name it "<stdlib name.asy>". A package
 * gets an empty __path__: its submodules are embedded too, found by full name. */
/* A package is its own __package__. */
static bool set_package(VM *vm, ObjModule *m) {
    return dict_set_str(vm, m->dict, vm_name(vm, N___package__), obj_val(m->name)) == 0;
}

/* Runs an imported module's code in its namespace, flagged as initializing
 * meanwhile (see MOD_INITIALIZING). */
static Value run_module_code(VM *vm, ObjModule *m, ObjCode *code) {
    m->obj.flags |= MOD_INITIALIZING;
    m->init_ts = vm->ts;
    vm->import_depth++;
    Value r = interp_run_module(vm, code, m->dict);
    m->obj.flags &= (uint16_t)~MOD_INITIALIZING;
    gil_notify(vm);     /* threads in wait_initialized look again */
    /* The garbage an import leaves (its helper classes, say) is collected
     * soon after it, at the next safe point, as CPython's allocation-driven
     * cycle collector does during imports: gc.collect() in the program then
     * counts only the program's own cycles. */
    if (--vm->import_depth == 0) vm->gc_request = true;
    return r == ERR ? ERR : obj_val(m);
}

/* Embedded modules that stand for modules CPython writes in C, wholly or
 * in the parts that fail in practice: their frames stay out of tracebacks,
 * which then end at the script's call, as CPython's do. */
static const char *const c_like_modules[] = {
    "heapq", "bisect", "datetime", "decimal", "dataclasses", "_structseq", "_sys_py", "_gc_py",
    "_pickle_py", "_re_py", "_os_py", "_operator", "codecs", "_codecs", "_importhooks", NULL};

/* Modules of which CPython writes only a part in C: the qualified names of
 * the functions and classes standing for that part (a trailing '*' makes a
 * prefix). Their frames stay out of tracebacks as above; the rest keep
 * theirs. */
static const char *const csv_c_part[] = {
    "field_size_limit", "_one_char", "_Format*", "_format_for", "register_dialect",
    "unregister_dialect", "get_dialect", "list_dialects", "_Reader*", "reader", "_is_number",
    "_Writer*", "writer", NULL};
static const char *const hashlib_c_part[] = {"_constructor.<locals>.construct", NULL};
/* CPython's _warnings: warn and warn_explicit with the filtering under
 * them (showing a warning is Python there too) */
static const char *const warnings_c_part[] = {
    "warn", "warn_explicit", "_caller", "_choose_action", "_matches", "_registry_is_current", "_first_time", "_mark",
    "_filters_mutated", NULL};
static const struct {
    const char *module;
    const char *const *names;
} c_like_parts[] = {{"csv", csv_c_part}, {"hashlib", hashlib_c_part}, {"warnings", warnings_c_part}, {NULL, NULL}};

static void mark_no_tb(ObjCode *code) {
    code->flags |= CODE_NO_TB;
    for (int32_t i = 0; i < code->nconsts; i++)
        if (is_kind(code->consts[i], OBJ_CODE)) mark_no_tb(AS(ObjCode, code->consts[i]));
}

static bool name_listed(const ObjStr *qualname, const char *const *names) {
    for (int i = 0; names[i]; i++) {
        size_t n = strlen(names[i]);
        bool prefix = n && names[i][n - 1] == '*';
        if (prefix ? (size_t)qualname->len >= n - 1 && !memcmp(qualname->data, names[i], n - 1)
                   : (size_t)qualname->len == n && !memcmp(qualname->data, names[i], n))
            return true;
    }
    return false;
}

/* Marks the listed functions (and what is nested in them) among the code
 * objects under `code`. */
static void mark_no_tb_named(ObjCode *code, const char *const *names) {
    for (int32_t i = 0; i < code->nconsts; i++) {
        if (!is_kind(code->consts[i], OBJ_CODE)) continue;
        ObjCode *c = AS(ObjCode, code->consts[i]);
        if (c->qualname && name_listed(c->qualname, names)) mark_no_tb(c);
        else mark_no_tb_named(c, names);
    }
}

static void mark_c_like(const char *name, ObjCode *code) {
    for (int i = 0; c_like_modules[i]; i++)
        if (!strcmp(c_like_modules[i], name)) {
            mark_no_tb(code);
            return;
        }
    for (int i = 0; c_like_parts[i].module; i++)
        if (!strcmp(c_like_parts[i].module, name)) mark_no_tb_named(code, c_like_parts[i].names);
}

static Value exec_embedded_module(VM *vm, ObjModule *m, const EmbeddedModule *e) {
    ObjList *p = NULL;
    if (e->package) {
        p = list_new(vm, 0);
        if (!p || dict_set_str(vm, m->dict, vm_name(vm, N___path__), obj_val(p)) < 0 || !set_package(vm, m)) return ERR;
    }
    if (!modspec_attach(vm, m, modspec_frozen_in_cpython(e->name) ? MS_KIND_FROZEN : MS_KIND_BUILTIN, NULL,
                        p ? obj_val(p) : UNDEF))
        return ERR;
    char filename[256];
    snprintf(filename, sizeof filename, "<stdlib %s.asy>", e->name);
    ObjCode *code = compile_source(vm, e->source, e->len, filename, false, true);
    if (!code) return ERR;
    mark_c_like(e->name, code);
    return run_module_code(vm, m, code);
}

const char *import_embedded_source(const char *fullname, size_t *len, bool *package) {
    for (const EmbeddedModule *e = embedded_modules; e->name; e++) {
        if (strcmp(e->name, fullname) != 0) continue;
        *len = e->len;
        *package = e->package;
        return e->source;
    }
    return NULL;
}

/* Runs a source file as module `name` (already registered in sys.modules). */
static Value exec_file_module(VM *vm, ObjModule *m, const char *path, bool package) {
    size_t len;
    char *src = read_file(path, &len);
    if (!src) return exc_raise(vm, E_ImportError, "cannot read %s", path);
    Value file = str_from_cstr(vm, path);
    ObjStr *cached = file == ERR ? NULL : str_intern_cstr(vm, "__cached__");   /* no bytecode files: None */
    if (!cached || dict_set_str(vm, m->dict, cached, NONE_VAL) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___file__), file) < 0) {
        free(src);
        return ERR;
    }
    ObjList *p = NULL;
    if (package) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        p = list_new(vm, 1);
        Value d = str_from_cstr(vm, dir);
        if (!p || d == ERR || list_append(vm, p, d) < 0 ||
            dict_set_str(vm, m->dict, vm_name(vm, N___path__), obj_val(p)) < 0 || !set_package(vm, m)) {
            free(src);
            return ERR;
        }
    }
    if (!modspec_attach(vm, m, MS_KIND_FILE, path, p ? obj_val(p) : UNDEF)) {
        free(src);
        return ERR;
    }
    ObjCode *code = compile_source(vm, src, len, path, false, true);
    free(src);
    if (!code) return ERR;
    return run_module_code(vm, m, code);
}

/* The file of module `leaf` in `dir`, as CPython's path finder looks:
 * a package (leaf/__init__) before a module (leaf.ext); .asy before .py,
 * so that Asy runs ordinary Python programs made of several files. */
static bool find_in_dir(const char *dir, const char *leaf, char *file, size_t size, bool *package) {
    static const char *const exts[] = {"asy", "py"};
    const char *sep = *dir ? "/" : "";
    for (int k = 0; k < 2; k++) {
        snprintf(file, size, "%s%s%s/__init__.%s", dir, sep, leaf, exts[k]);
        if ((*package = is_file(file))) return true;
        snprintf(file, size, "%s%s%s.%s", dir, sep, leaf, exts[k]);
        if (is_file(file)) return true;
    }
    return false;
}

/* A module file's path made absolute, as CPython's FileFinder makes its
 * sys.path entry: "" and "." are the current directory, a relative entry is
 * joined to it. Modules get absolute __file__s (and __path__s) whatever
 * entry found them. */
static const char *abs_file(const char *file, char *buf, size_t size) {
    if (*file == '/') return file;
    if (!strncmp(file, "./", 2)) file += 2;
    char cwd[2048];
    if (!getcwd(cwd, sizeof cwd)) return file;
    int n = snprintf(buf, size, "%s/%s", cwd, file);
    return n > 0 && (size_t)n < size ? buf : file;
}

/* A namespace package (PEP 420): the directories named `leaf` without an
 * __init__ found along the path, none of which held a module or package of
 * that name. It runs no code; __file__ is None and __path__ lists them. */
static Value namespace_package(VM *vm, const char *fullname, ObjList *found) {
    ObjModule *m = module_new(vm, fullname);
    if (!m) return ERR;
    if (dict_set_str(vm, m->dict, vm_name(vm, N___file__), NONE_VAL) < 0 ||
        dict_set_str(vm, m->dict, vm_name(vm, N___path__), obj_val(found)) < 0 || !set_package(vm, m) ||
        !modspec_attach(vm, m, MS_KIND_NAMESPACE, NULL, obj_val(found))) {
        dict_del(vm, vm->modules, obj_val(m->name));
        return ERR;
    }
    return obj_val(m);
}

/* Whether a path entry is a file or lies inside one ('lib.zip',
 * 'lib.zip/pkg'): a ZIP archive, whose modules zipimport loads. Only asked
 * of entries that are no directory. */
static bool in_archive(const char *entry) {
    char buf[2048];
    int n = snprintf(buf, sizeof buf, "%s", entry);
    if (n <= 0 || (size_t)n >= sizeof buf) return false;
    for (;;) {
        if (is_file(buf)) return true;
        char *slash = strrchr(buf, '/');
        if (!slash || slash == buf) return false;
        *slash = 0;
        if (is_dir(buf)) return false;
    }
}

/* A module from a ZIP archive on the path, through zipimport's
 * _load_from_archive (the path hook CPython installs): the module, or UNDEF
 * when the archive has none of that name. */
static Value load_from_archive(VM *vm, Value entry, const char *fullname) {
    Value zi = import_module(vm, "zipimport");
    if (zi == ERR) return ERR;
    Value fn = dict_get_str(AS(ObjModule, zi)->dict, str_intern_cstr(vm, "_load_from_archive"));
    Value name = fn == UNDEF ? UNDEF : str_from_cstr(vm, fullname);
    if (name == ERR || name == UNDEF) return name;
    if (!vm_push_root(vm, name)) return ERR;
    Value m = op_call2(vm, fn, entry, name);
    vm_pop_roots(vm, 1);
    return m == NONE_VAL ? UNDEF : m;
}

/* Looks for `leaf` (a module file or package) in the directories of `path`,
 * and failing that for a namespace package's directories. */
static Value find_and_load(VM *vm, const char *fullname, const char *leaf, Value path) {
    ObjList *dirs = is_list(path) ? AS(ObjList, path) : NULL;
    ObjList *ns_dirs = NULL;
    for (int64_t i = 0; dirs && i < dirs->len; i++) {
        if (!is_str(dirs->items[i])) continue;
        const char *dir = AS(ObjStr, dirs->items[i])->data;
        char file[2048], absbuf[4096];
        bool package = false;
        if (!find_in_dir(dir, leaf, file, sizeof file, &package)) {
            if (*dir && !is_dir(dir) && in_archive(dir)) {
                Value m = load_from_archive(vm, dirs->items[i], fullname);
                if (m != UNDEF) {
                    if (ns_dirs) vm_pop_roots(vm, 1);
                    return m;
                }
                continue;
            }
            snprintf(file, sizeof file, "%s%s%s", dir, *dir ? "/" : "", leaf);
            if (!is_dir(file)) continue;
            if (!ns_dirs && (!(ns_dirs = list_new(vm, 0)) || !vm_push_root(vm, obj_val(ns_dirs)))) return ERR;
            Value d = str_from_cstr(vm, abs_file(file, absbuf, sizeof absbuf));
            if (d == ERR || list_append(vm, ns_dirs, d) < 0) { vm_pop_roots(vm, 1); return ERR; }
            continue;
        }
        if (ns_dirs) vm_pop_roots(vm, 1);
        ObjModule *m = module_new(vm, fullname);
        if (!m) return ERR;
        Value r = exec_file_module(vm, m, abs_file(file, absbuf, sizeof absbuf), package);
        if (r == ERR) dict_del(vm, vm->modules, obj_val(m->name));
        return r;
    }
    if (!ns_dirs) return UNDEF;
    Value r = namespace_package(vm, fullname, ns_dirs);
    vm_pop_roots(vm, 1);
    return r;
}

/* A submodule becomes an attribute of its package. */
static Value bind_submodule(VM *vm, Value parent, const char *leaf, Value m) {
    ObjStr *l = str_intern_cstr(vm, leaf);
    if (!l || dict_set_str(vm, AS(ObjModule, parent)->dict, l, m) < 0) return ERR;
    return m;
}

/* The pending ModuleNotFoundError gets the module's name as `name`. */
static Value not_found_name(VM *vm, const char *fullname) {
    Value name = str_from_cstr(vm, fullname);
    if (name != ERR && is_kind(vm->exc, OBJ_EXC))
        dict_set_str(vm, AS(ObjException, vm->exc)->base.dict, vm_name(vm, N_name), name);
    return ERR;
}

/* A module that is no package may still hold a submodule that its native
 * __getattr__ makes on first use and registers in sys.modules: os.path,
 * which is posixpath, as CPython's os registers it. UNDEF when the parent
 * has no such submodule (the lookup's AttributeError is dropped). */
static Value lazy_submodule(VM *vm, Value parent, const char *fullname, const char *leaf) {
    Value hook = dict_get_str(AS(ObjModule, parent)->dict, vm_name(vm, N___getattr__));
    Value name = is_kind(hook, OBJ_NATIVE) ? str_from_cstr(vm, leaf) : UNDEF;
    if (name == ERR || name == UNDEF) return name;
    Value m = op_call1(vm, hook, name);
    if (m == ERR) {
        if (!exc_is(vm, vm->exc, E_AttributeError)) return ERR;
        vm->exc = UNDEF;
        return UNDEF;
    }
    ObjStr *key = str_intern_cstr(vm, fullname);
    if (!key) return ERR;
    return is_kind(m, OBJ_MODULE) && dict_get_str(vm->modules, key) == m ? m : UNDEF;
}

/* Whether the thread running m's code waits, itself, for a module this
 * thread is running: then waiting for m would never end. */
static bool import_deadlock(VM *vm, ObjModule *m) {
    Obj *theirs = m->init_ts->import_wait;
    return theirs && theirs->kind == OBJ_MODULE && (theirs->flags & MOD_INITIALIZING) &&
           ((ObjModule *)theirs)->init_ts == vm->ts;
}

/* A module found in sys.modules whose code another thread is still
 * running: wait until it is done, as CPython's per-module import locks
 * make an import wait, so this thread sees it whole (`os.path` asked for
 * by two threads at once). The thread running it that meets it again is in
 * a circular import and gets it as it is, as does a deadlock. */
static Value wait_initialized(VM *vm, Value v) {
    if (!is_kind(v, OBJ_MODULE)) return v;
    ObjModule *m = AS(ObjModule, v);
    if (!(m->obj.flags & MOD_INITIALIZING) || m->init_ts == vm->ts || !vm_push_root(vm, v)) return v;
    vm->ts->import_wait = &m->obj;
    while ((m->obj.flags & MOD_INITIALIZING) && m->init_ts != vm->ts && !import_deadlock(vm, m) &&
           vm->gil->multi)
        gil_wait_notified(vm);
    vm->ts->import_wait = NULL;
    vm_pop_roots(vm, 1);
    return v;
}

/* The standard modules a CPython 3.12 program finds already imported when
 * its first line runs (the interpreter's own and site's), and those built
 * into its binary: no file of the program's can stand in for them. */
static const char *const startup_modules[] = {
    "_abc", "_ast", "_codecs", "_collections", "_collections_abc", "_frozen_importlib",
    "_frozen_importlib_external", "_functools", "_imp", "_io", "_locale", "_operator", "_signal",
    "_sitebuiltins", "_sre", "_stat", "_string", "_symtable", "_thread", "_tokenize", "_tracemalloc",
    "_typing", "_warnings", "_weakref", "abc", "atexit", "builtins", "codecs", "encodings", "errno",
    "faulthandler", "gc", "genericpath", "io", "itertools", "marshal", "os", "posix", "posixpath", "pwd",
    "site", "stat", "sys", "time", "zipimport",
};

static int cmp_startup(const void *key, const void *elem) {
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* A program's own NAME.py (or NAME/__init__.py) on sys.path, for a top-level
 * NAME that CPython keeps as a source file in its Lib directory, which
 * comes after the program's directory on its sys.path: the program's file
 * is the one imported (a numbers.py, calendar.py or queue.py next to the
 * script), as in CPython. Only .py files: CPython does not see an .asy
 * file, so it shadows nothing. UNDEF when there is none. */
static bool program_file(const char *fullname, Value path, char *file, size_t size, bool *package) {
    if (!suggest_is_stdlib_module(fullname) ||
        bsearch(fullname, startup_modules, sizeof startup_modules / sizeof *startup_modules,
                sizeof *startup_modules, cmp_startup))
        return false;
    ObjList *dirs = is_list(path) ? AS(ObjList, path) : NULL;
    for (int64_t i = 0; dirs && i < dirs->len; i++) {
        if (!is_str(dirs->items[i])) continue;
        const char *dir = AS(ObjStr, dirs->items[i])->data, *sep = *dir ? "/" : "";
        *package = true;
        snprintf(file, size, "%s%s%s/__init__.py", dir, sep, fullname);
        if (is_file(file)) return true;
        *package = false;
        snprintf(file, size, "%s%s%s.py", dir, sep, fullname);
        if (is_file(file)) return true;
    }
    return false;
}

static Value program_module(VM *vm, const char *fullname, Value path) {
    char file[2048], absbuf[4096];
    bool package;
    if (!program_file(fullname, path, file, sizeof file, &package)) return UNDEF;
    ObjModule *m = module_new(vm, fullname);
    if (!m) return ERR;
    Value r = exec_file_module(vm, m, abs_file(file, absbuf, sizeof absbuf), package);
    if (r == ERR) dict_del(vm, vm->modules, obj_val(m->name));
    return r;
}

static Value sys_dict_path(VM *vm) {
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    return is_kind(sys, OBJ_MODULE) ? dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "path")) : UNDEF;
}

bool import_program_shadows(VM *vm, const char *name) {
    char top[256], file[2048];
    bool package;
    snprintf(top, sizeof top, "%.*s", (int)strcspn(name, "."), name);
    return program_file(top, sys_dict_path(vm), file, sizeof file, &package);
}

/* sys.path, importing sys first if no one has (UNDEF if sys.modules' sys
 * is not a module or has no path). */
static Value sys_path(VM *vm) {
    if (dict_get_str(vm->modules, str_intern_cstr(vm, "sys")) == UNDEF && import_module(vm, "sys") == ERR) return ERR;
    return sys_dict_path(vm);
}

/* Runs a standard module, native (init) or embedded (e), in m. */
static Value run_standard(VM *vm, ObjModule *m, ModuleInitFn init, const EmbeddedModule *e) {
    m->obj.flags |= MOD_STANDARD;
    if (!init) return exec_embedded_module(vm, m, e);
    ModSpecKind kind = modspec_frozen_in_cpython(m->name->data) ? MS_KIND_FROZEN : MS_KIND_BUILTIN;
    if (!modspec_attach(vm, m, kind, NULL, UNDEF) || !init(vm, m)) return vm->exc == UNDEF ? exc_nomem(vm) : ERR;
    return obj_val(m);
}

static const EmbeddedModule *find_embedded(const char *fullname) {
    const EmbeddedModule *e = embedded_modules;
    while (e->name && strcmp(e->name, fullname) != 0) e++;
    return e->name ? e : NULL;
}

/* The module a finder of the program's on sys.meta_path loads for fullname
 * (path: the parent's __path__, None at the top level), asking those put
 * before the default finders, or with `after` those after them; UNDEF
 * when none does. The default finders stand for the VM's own search.
 * Nothing is asked until the program has touched sys.meta_path (sys makes
 * it on first use, from stdlib/_importhooks.asy), nor when no finder of
 * its own stands in that place, so an import pays two dict lookups. */
static Value meta_path_pass(VM *vm, const char *fullname, Value path, bool after) {
    Value hooks = dict_get_str(vm->modules, str_intern_cstr(vm, "_importhooks"));
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    if (!is_kind(hooks, OBJ_MODULE) || !is_kind(sys, OBJ_MODULE)) return UNDEF;
    Value meta = dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "meta_path"));
    Value defaults = dict_get_str(AS(ObjModule, hooks)->dict, str_intern_cstr(vm, "_DEFAULT"));
    if (!is_list(meta) || !is_kind(defaults, OBJ_TUPLE)) return UNDEF;
    ObjList *finders = AS(ObjList, meta);
    ObjTuple *d = AS(ObjTuple, defaults);
    bool past_defaults = false, ask = false;
    for (int64_t i = 0; i < finders->len && !ask; i++) {
        bool is_default = false;
        for (int64_t j = 0; j < d->len; j++) is_default |= finders->items[i] == d->items[j];
        if (is_default && !after) return UNDEF;
        past_defaults |= is_default;
        ask = !is_default && (!after || past_defaults);
    }
    if (!ask) return UNDEF;
    Value find = dict_get_str(AS(ObjModule, hooks)->dict, str_intern_cstr(vm, "_find"));
    Value name = find == UNDEF ? UNDEF : str_from_cstr(vm, fullname);
    if (name == ERR || name == UNDEF) return name;
    if (!vm_push_root(vm, name)) return ERR;
    Value args[3] = {name, path, bool_val(after)};
    Value m = op_call(vm, find, args, 3, NULL);
    vm_pop_roots(vm, 1);
    return m == NONE_VAL ? UNDEF : m;
}

/* _importhooks' module dict when the program has put a hook of its own on
 * sys.path_hooks (one not in _importhooks._DEFAULT_HOOKS), else NULL: then
 * the search of a path asks the path entry finders. Imports pay two dict
 * lookups until sys.path_hooks has been touched. */
static ObjDict *path_hooks_active(VM *vm) {
    Value hooks = dict_get_str(vm->modules, str_intern_cstr(vm, "_importhooks"));
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    if (!is_kind(hooks, OBJ_MODULE) || !is_kind(sys, OBJ_MODULE)) return NULL;
    Value list = dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "path_hooks"));
    Value defaults = dict_get_str(AS(ObjModule, hooks)->dict, str_intern_cstr(vm, "_DEFAULT_HOOKS"));
    if (!is_list(list) || !is_kind(defaults, OBJ_TUPLE)) return NULL;
    ObjList *l = AS(ObjList, list);
    ObjTuple *d = AS(ObjTuple, defaults);
    for (int64_t i = 0; i < l->len; i++) {
        bool is_default = false;
        for (int64_t j = 0; j < d->len; j++) is_default |= l->items[i] == d->items[j];
        if (!is_default) return AS(ObjModule, hooks)->dict;
    }
    return NULL;
}

/* find_and_load() as CPython's PathFinder searches: each entry of path has
 * its finder (_importhooks._entry_finder: sys.path_importer_cache's, or
 * the hooks'), asked for in order; runs of entries the default hooks take
 * are the VM's own search, and a program's finder is asked in its entry's
 * place. The hooks run for an entry only after the entries before it have
 * been searched (a namespace package's portions are then not gathered
 * across such an entry). */
static Value find_with_hooks(VM *vm, ObjDict *hooks, const char *fullname, const char *leaf, Value path) {
    Value finder_of = dict_get_str(hooks, str_intern_cstr(vm, "_entry_finder"));
    Value find_in = dict_get_str(hooks, str_intern_cstr(vm, "_find_in"));
    Value uncached = dict_get_str(hooks, str_intern_cstr(vm, "_UNCACHED"));
    if (finder_of == UNDEF || find_in == UNDEF || uncached == UNDEF || !is_list(path))
        return find_and_load(vm, fullname, leaf, path);
    /* (the hooks run the program's code: path, which it may replace, is kept) */
    if (!vm_push_root(vm, path)) return ERR;
    ObjList *run = list_new(vm, 0);
    if (!run || !vm_push_root(vm, obj_val(run))) {
        vm_pop_roots(vm, 1);
        return ERR;
    }
    Value name = str_from_cstr(vm, fullname);
    if (name == ERR || !vm_push_root(vm, name)) {
        vm_pop_roots(vm, 2);
        return ERR;
    }
    ObjList *p = AS(ObjList, path);
    Value m = UNDEF;
    for (int64_t i = 0; i < p->len && m == UNDEF; i++) {
        Value entry = p->items[i];
        if (!is_str(entry)) continue;
        if (list_append(vm, run, entry) < 0) { m = ERR; break; }     /* (rooted there meanwhile) */
        Value args[2] = {entry, bool_val(run->len > 1)};
        Value finder = op_call(vm, finder_of, args, 2, NULL);
        if (finder != ERR && finder == uncached) {
            /* the hooks would run for this entry: as in CPython, only once
             * the entries before it have been searched */
            run->len--;
            m = find_and_load(vm, fullname, leaf, obj_val(run));
            run->len = 0;
            if (m != UNDEF) break;
            if (list_append(vm, run, entry) < 0) { m = ERR; break; }
            args[1] = bool_val(false);
            finder = op_call(vm, finder_of, args, 2, NULL);
        }
        if (finder == ERR) { m = ERR; break; }
        if (finder == NONE_VAL) continue;
        run->len--;     /* a program's finder: not the VM's to search */
        if (!vm_push_root(vm, finder)) { m = ERR; break; }
        if (run->len) {
            m = find_and_load(vm, fullname, leaf, obj_val(run));
            run->len = 0;
        }
        if (m == UNDEF) {
            Value args[2] = {finder, name};
            m = op_call(vm, find_in, args, 2, NULL);
            if (m == NONE_VAL) m = UNDEF;
        }
        vm_pop_roots(vm, 1);
    }
    if (m == UNDEF && run->len) m = find_and_load(vm, fullname, leaf, obj_val(run));
    vm_pop_roots(vm, 3);
    return m;
}

static Value load_one(VM *vm, const char *fullname, const char *leaf, Value parent) {
    ObjStr *key = str_intern_cstr(vm, fullname);
    if (!key) return ERR;
    Value cached = dict_get_str(vm->modules, key);
    if (cached == NONE_VAL) {
        exc_raise(vm, E_ModuleNotFoundError, "import of %s halted; None in sys.modules", fullname);
        return not_found_name(vm, fullname);
    }
    if (cached != UNDEF) return wait_initialized(vm, cached);
    /* a parent that is no package raises below before any finder is asked */
    Value search = parent == UNDEF ? NONE_VAL : dict_get_str(AS(ObjModule, parent)->dict, vm_name(vm, N___path__));
    if (search != UNDEF) {
        Value hooked = meta_path_pass(vm, fullname, search, false);
        if (hooked != UNDEF) return hooked != ERR && parent != UNDEF ? bind_submodule(vm, parent, leaf, hooked) : hooked;
    }
    ModuleInitFn init = parent == UNDEF ? modules_find(fullname) : NULL;
    const EmbeddedModule *e = find_embedded(fullname);
    if (parent == UNDEF && (init || e)) {
        Value own = program_module(vm, fullname, sys_dict_path(vm));
        if (own != UNDEF) return own;
    }
    if (init || e) {
        ObjModule *m = module_new(vm, fullname);
        Value r = m ? run_standard(vm, m, init, e) : ERR;
        if (r == ERR && m) dict_del(vm, vm->modules, obj_val(m->name));
        else if (r != ERR && parent != UNDEF) r = bind_submodule(vm, parent, leaf, r);
        return r;
    }
    Value path;
    if (parent == UNDEF) {
        path = sys_path(vm);
        if (path == ERR) return ERR;
    } else {
        path = dict_get_str(AS(ObjModule, parent)->dict, vm_name(vm, N___path__));
        Value lazy = path == UNDEF ? lazy_submodule(vm, parent, fullname, leaf) : UNDEF;
        if (lazy != UNDEF) return lazy;
        if (path == UNDEF) {
            /* the parent as the import spelt it: 'os.path', not 'posixpath' */
            char spelt[1024];
            snprintf(spelt, sizeof spelt, "%.*s", (int)(leaf - fullname - 1), fullname);
            exc_raise(vm, E_ModuleNotFoundError, "No module named '%s'; '%s' is not a package", fullname, spelt);
            return not_found_name(vm, fullname);
        }
    }
    ObjDict *hooks = path_hooks_active(vm);
    Value m = hooks ? find_with_hooks(vm, hooks, fullname, leaf, path) : find_and_load(vm, fullname, leaf, path);
    if (m == UNDEF) m = meta_path_pass(vm, fullname, parent == UNDEF ? NONE_VAL : path, true);
    if (m == UNDEF) {
        exc_raise(vm, E_ModuleNotFoundError, "No module named '%s'", fullname);
        return not_found_name(vm, fullname);
    }
    return m != ERR && parent != UNDEF ? bind_submodule(vm, parent, leaf, m) : m;
}

Value import_module(VM *vm, const char *fullname) {
    char buf[1024];
    size_t n = strlen(fullname);
    if (n == 0 || n >= sizeof buf) return exc_raise(vm, E_ValueError, "Empty module name");
    memcpy(buf, fullname, n + 1);
    Value parent = UNDEF;
    for (char *p = buf;;) {
        char *dot = strchr(p, '.');
        if (dot) *dot = 0;
        Value m = load_one(vm, buf, p, parent);
        if (m == ERR) return ERR;
        if (!dot) return m;
        *dot = '.';
        parent = m;
        p = dot + 1;
    }
}

/* The standard module `name` (top-level) for the VM's own C code: warnings
 * for a warning, types for list[int], copyreg for __reduce_ex__, ast for
 * compile(). That is sys.modules' entry when it is the standard one, else,
 * when a program's own NAME.py stands there or would be imported by that
 * name, the standard module run apart from sys.modules (kept in
 * vm->standard_apart): CPython's C code reaches its _warnings and its own
 * types, never the program's file. */
Value import_standard(VM *vm, const char *name) {
    ObjStr *key = str_intern_cstr(vm, name);
    if (!key) return ERR;
    Value m = dict_get_str(vm->modules, key);
    if (is_kind(m, OBJ_MODULE) && (AS(ObjModule, m)->obj.flags & MOD_STANDARD)) return wait_initialized(vm, m);
    Value apart = vm->standard_apart ? dict_get_str(vm->standard_apart, key) : UNDEF;
    if (apart != UNDEF) return apart;
    char file[2048];
    bool package;
    ModuleInitFn init = modules_find(name);
    const EmbeddedModule *e = find_embedded(name);
    if (m == UNDEF && !program_file(name, sys_dict_path(vm), file, sizeof file, &package)) return import_module(vm, name);
    if (!init && !e) return import_module(vm, name);
    if (!vm->standard_apart && !(vm->standard_apart = dict_new(vm))) return ERR;
    ObjModule *sm = module_alloc(vm, name);
    if (!sm || dict_set_str(vm, vm->standard_apart, key, obj_val(sm)) < 0) return ERR;
    Value r = run_standard(vm, sm, init, e);
    if (r == ERR) dict_del(vm, vm->standard_apart, obj_val(key));
    return r;
}

/* The package a relative import starts from. */
static bool resolve_relative(VM *vm, ObjStr *name, int level, ObjDict *globals, StrBuf *out) {
    Value pkg = dict_get_str(globals, vm_name(vm, N___package__));
    if (!is_str(pkg)) {
        Value modname = dict_get_str(globals, vm_name(vm, N___name__));
        Value path = dict_get_str(globals, vm_name(vm, N___path__));
        if (is_str(modname)) {
            const char *s = AS(ObjStr, modname)->data;
            const char *dot = strrchr(s, '.');
            if (path != UNDEF) pkg = modname;
            else if (dot) pkg = str_new(vm, s, (size_t)(dot - s));
            else pkg = UNDEF;
        }
    }
    if (!is_str(pkg) || AS(ObjStr, pkg)->len == 0 || !strcmp(AS(ObjStr, pkg)->data, "__main__")) {
        exc_raise(vm, E_ImportError, "attempted relative import with no known parent package");
        return false;
    }
    const char *base = AS(ObjStr, pkg)->data;
    size_t len = strlen(base);
    for (int i = 1; i < level; i++) {
        while (len > 0 && base[len - 1] != '.') len--;
        if (len == 0) {
            exc_raise(vm, E_ImportError, "attempted relative import beyond top-level package");
            return false;
        }
        len--;
    }
    sb_add(out, base, len);
    if (name->len) { sb_addc(out, '.'); sb_add(out, name->data, (size_t)name->len); }
    return true;
}

Value import_name(VM *vm, ObjStr *name, Value fromlist, int level, ObjDict *globals) {
    if (level > 0) {
        StrBuf b = SB_INIT;
        if (!resolve_relative(vm, name, level, globals, &b)) { sb_free(&b); return ERR; }
        Value m = b.oom ? exc_nomem(vm) : import_module(vm, b.data);
        sb_free(&b);
        return m;
    }
    Value m = import_module(vm, name->data);
    if (m == ERR) return ERR;
    if (fromlist != NONE_VAL && fromlist != UNDEF) return m;
    /* `import a.b.c` binds a. */
    const char *dot = strchr(name->data, '.');
    if (!dot) return m;
    char top[1024];
    size_t n = (size_t)(dot - name->data);
    if (n >= sizeof top) n = sizeof top - 1;
    memcpy(top, name->data, n);
    top[n] = 0;
    return import_module(vm, top);
}

Value import_statement(VM *vm, ObjStr *name, Value fromlist, int level, Frame *f) {
    Value hook = dict_get_str(vm->builtins, vm_name(vm, N___import__));
    if (hook == UNDEF) return exc_raise(vm, E_ImportError, "__import__ not found");
    if (is_kind(hook, OBJ_NATIVE) && AS(ObjNative, hook)->fn == builtins_import)
        return import_name(vm, name, fromlist, level, f->globals);
    Value argv[5] = {obj_val(name), obj_val(f->globals), f->locals ? obj_val(f->locals) : NONE_VAL,
                     fromlist == UNDEF ? NONE_VAL : fromlist, int_val(level)};
    return op_call(vm, hook, argv, 5, NULL);
}

Value import_from(VM *vm, Value module, ObjStr *name) {
    Value v = op_getattr_opt(vm, module, name);
    if (v != UNDEF) return v;
    if (is_kind(module, OBJ_MODULE)) {
        ObjModule *m = AS(ObjModule, module);
        if (dict_get_str(m->dict, vm_name(vm, N___path__)) != UNDEF) {
            StrBuf b = SB_INIT;
            sb_addf(&b, "%s.%s", m->name->data, name->data);
            Value sub = b.oom ? exc_nomem(vm) : import_module(vm, b.data);
            sb_free(&b);
            if (sub != ERR) return sub;
            if (!exc_is(vm, vm->exc, E_ModuleNotFoundError)) return ERR;
            vm->exc = UNDEF;
        }
        Value file = dict_get_str(m->dict, vm_name(vm, N___file__));
        if (m->obj.flags & MOD_INITIALIZING)
            exc_raise(vm, E_ImportError,
                      "cannot import name '%s' from partially initialized module '%s' "
                      "(most likely due to a circular import) (%s)",
                      name->data, m->name->data, is_str(file) ? AS(ObjStr, file)->data : "unknown location");
        else if (is_str(file))
            exc_raise(vm, E_ImportError, "cannot import name '%s' from '%s' (%s)", name->data, m->name->data,
                      AS(ObjStr, file)->data);
        else
            exc_raise(vm, E_ImportError, "cannot import name '%s' from '%s' (unknown location)", name->data,
                      m->name->data);
        /* e.name is the module's name and e.path its file, as CPython sets them. */
        Value e = vm->exc;
        if (is_kind(e, OBJ_EXC)) {
            ObjDict *d = AS(ObjException, e)->base.dict;
            dict_set_str(vm, d, vm_name(vm, N_name), obj_val(m->name));
            if (is_str(file)) dict_set_str(vm, d, vm_name(vm, N_path), file);
            /* name_from: what the "Did you mean" hint is looked for (3.12). */
            dict_set_str(vm, d, str_intern_cstr(vm, "name_from"), obj_val(name));
        }
        vm->exc = e;
        return ERR;
    }
    /* Any object an __import__ hook returned: named by its __name__. */
    Value pkg = op_getattr_opt(vm, module, vm_name(vm, N___name__));
    if (pkg == ERR) return ERR;
    if (is_str(pkg))
        return exc_raise(vm, E_ImportError, "cannot import name '%s' from '%s' (unknown location)", name->data,
                         AS(ObjStr, pkg)->data);
    return exc_raise(vm, E_ImportError, "cannot import name '%s'", name->data);
}

int import_star(VM *vm, Value module, ObjDict *ns) {
    if (!is_kind(module, OBJ_MODULE)) return 0;
    ObjDict *d = AS(ObjModule, module)->dict;
    Value all = dict_get_str(d, str_intern_cstr(vm, "__all__"));
    if (all != UNDEF) {
        ObjList *names = op_to_list(vm, all);
        /* Rooted: a getattr can run code (a module's lazy __getattr__
         * importing its Asy half), and with it the collector. */
        if (!names || !vm_push_root(vm, obj_val(names))) return -1;
        int rc = 0;
        for (int64_t i = 0; i < names->len && rc == 0; i++) {
            Value k = names->items[i];
            if (!is_str(k)) continue;
            Value v = op_getattr(vm, module, AS(ObjStr, k));
            if (v == ERR || dict_set(vm, ns, k, v) < 0) rc = -1;
        }
        vm_pop_roots(vm, 1);
        return rc;
    }
    int64_t pos = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        if (is_str(k) && AS(ObjStr, k)->data[0] != '_' && dict_set(vm, ns, k, v) < 0) return -1;
    }
    return 0;
}
