/* Module specs and loaders (see modspec.h).
 *
 * The VM's import finds and runs modules itself, but programs read what
 * CPython's importlib leaves on a module: `__spec__.name`, `.origin`,
 * `.parent`, `.submodule_search_locations`, `__loader__.get_source()`, and
 * `if __spec__ is None` in the main module. So each import attaches a spec
 * built here. The classes are native, made on first use, because the
 * main script's loader is needed before any Asy code could define them
 * (importing importlib.machinery would cost every run more than the whole
 * startup); importlib.machinery hands out the same classes. */
#include "modspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../stdlib/modules.h"
#include "bytes.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "strbuf.h"

bool modspec_frozen_in_cpython(const char *name) {
    static const char *const frozen[] = {
        "abc", "codecs", "io", "_collections_abc", "_sitebuiltins", "genericpath", "ntpath", "posixpath", "os",
        "site", "stat", "importlib.util", "importlib.machinery", "runpy", "zipimport", "importlib._bootstrap",
        "importlib._bootstrap_external", NULL};
    for (const char *const *f = frozen; *f; f++)
        if (!strcmp(*f, name)) return true;
    return false;
}

/* ---- attribute helpers -------------------------------------------------- */

static bool set_attr(VM *vm, Value obj, const char *name, Value v) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s && v != ERR && op_setattr(vm, obj, s, v) == 0;
}

static Value get_attr(VM *vm, Value obj, const char *name) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s ? op_getattr(vm, obj, s) : ERR;
}

/* ---- ModuleSpec ----------------------------------------------------------
 * Its instance attributes are CPython's (name, loader, origin,
 * loader_state, submodule_search_locations, _set_fileattr, _cached), and
 * parent, has_location and cached are properties over them. */

static Value spec_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"name", "loader", "origin", "loader_state", "is_package"};
    Value a[5];
    if (!args_bind(vm, "ModuleSpec", args + 1, nargs - 1, kw, names, 5, 2, 2, 0, a)) return ERR;
    Value self = args[0];
    for (int i = 2; i < 5; i++)
        if (a[i] == UNDEF) a[i] = NONE_VAL;
    int pkg = op_truthy(vm, a[4]);
    if (pkg < 0) return ERR;
    ObjList *l = pkg ? list_new(vm, 0) : NULL, *uninit = list_new(vm, 0);
    if ((pkg && !l) || !uninit) return ERR;
    Value locs = l ? obj_val(l) : NONE_VAL;
    bool ok = set_attr(vm, self, "name", a[0]) && set_attr(vm, self, "loader", a[1]) &&
              set_attr(vm, self, "origin", a[2]) && set_attr(vm, self, "loader_state", a[3]) &&
              set_attr(vm, self, "submodule_search_locations", locs) &&
              set_attr(vm, self, "_uninitialized_submodules", obj_val(uninit)) &&
              set_attr(vm, self, "_set_fileattr", FALSE_VAL) && set_attr(vm, self, "_cached", NONE_VAL);
    return ok ? NONE_VAL : ERR;
}

/* ModuleSpec(name='m', loader=..., origin='...', submodule_search_locations=[...]) */
static Value spec_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_none(vm, "ModuleSpec", "__repr__", nargs, kw)) return ERR;
    static const char *const parts[] = {"name", "loader", "origin", "submodule_search_locations"};
    StrBuf b = SB_INIT;
    Value cls = get_attr(vm, args[0], "__class__");
    Value cname = cls == ERR ? ERR : get_attr(vm, cls, "__name__");
    if (cname == ERR || !is_str(cname)) goto fail;
    sb_addf(&b, "%s(", AS(ObjStr, cname)->data);
    for (int i = 0; i < 4; i++) {
        Value v = get_attr(vm, args[0], parts[i]);
        if (v == ERR) goto fail;
        if (i >= 2 && v == NONE_VAL) continue;
        sb_addf(&b, "%s%s=", i ? ", " : "", parts[i]);
        if (!op_repr_to(vm, v, &b)) goto fail;
    }
    sb_adds(&b, ")");
    Value r = b.oom ? exc_nomem(vm) : str_new(vm, b.data ? b.data : "", b.len);
    sb_free(&b);
    return r;
fail:
    sb_free(&b);
    return ERR;
}

/* Equal when name, loader, origin, search locations, cached and
 * has_location all are (NotImplemented for other kinds of object). */
static Value spec_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__eq__", nargs - 1, kw, 1, 1)) return ERR;
    ObjClass *spec = modspec_type(vm, MS_SPEC);
    if (!spec) return ERR;
    if (!is_instance(vm, args[1], spec)) return NOTIMPL_VAL;
    static const char *const fields[] = {"name", "loader", "origin", "submodule_search_locations", "cached",
                                         "has_location"};
    for (int i = 0; i < 6; i++) {
        Value x = get_attr(vm, args[0], fields[i]);
        if (x == ERR || !vm_push_root(vm, x)) return ERR;
        Value y = get_attr(vm, args[1], fields[i]);
        int eq = y == ERR ? -1 : op_eq(vm, x, y);
        vm_pop_roots(vm, 1);
        if (eq < 0) return ERR;
        if (!eq) return FALSE_VAL;
    }
    return TRUE_VAL;
}

/* The package the module belongs to: itself for a package. */
static Value spec_parent(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs, (void)kw;
    Value locs = get_attr(vm, args[0], "submodule_search_locations");
    Value name = locs == ERR ? ERR : get_attr(vm, args[0], "name");
    if (name == ERR) return ERR;
    if (locs != NONE_VAL || !is_str(name)) return name;
    const char *s = AS(ObjStr, name)->data, *dot = strrchr(s, '.');
    return str_new(vm, s, dot ? (size_t)(dot - s) : 0);
}

static Value spec_has_location(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs, (void)kw;
    return get_attr(vm, args[0], "_set_fileattr");
}

static Value spec_set_has_location(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs, (void)kw;
    int t = op_truthy(vm, args[1]);
    return t < 0 || !set_attr(vm, args[0], "_set_fileattr", t ? TRUE_VAL : FALSE_VAL) ? ERR : NONE_VAL;
}

/* Asy writes no bytecode files, so cached is what was set, None at first. */
static Value spec_cached(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs, (void)kw;
    return get_attr(vm, args[0], "_cached");
}

static Value spec_set_cached(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs, (void)kw;
    return set_attr(vm, args[0], "_cached", args[1]) ? NONE_VAL : ERR;
}

/* A property with a native getter and setter (NULL: read-only). */
static bool add_rw_property(VM *vm, ObjClass *cls, const char *name, NativeFn get, NativeFn set) {
    ObjNative *g = native_new(vm, name, get);
    ObjNative *s = g && set ? native_new(vm, name, set) : NULL;
    Value prop = vm->builtins ? dict_get_str(vm->builtins, str_intern_cstr(vm, "property")) : UNDEF;
    if (!g || (set && !s) || prop == UNDEF) return false;
    Value p = s ? op_call2(vm, prop, obj_val(g), obj_val(s)) : op_call1(vm, prop, obj_val(g));
    ObjStr *key = p == ERR ? NULL : str_intern_cstr(vm, name);
    return key && dict_set_str(vm, cls->dict, key, p) == 0;
}

/* ---- BuiltinImporter and FrozenImporter ----------------------------------
 * CPython uses the classes themselves as loaders; these answer what
 * programs ask of a loader: no source, no code, not a package. */

static Value imp_none(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm, (void)args, (void)nargs, (void)kw;
    return NONE_VAL;
}

static Value imp_false(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm, (void)args, (void)nargs, (void)kw;
    return FALSE_VAL;
}

/* ---- SourceFileLoader ---------------------------------------------------- */

static Value sfl_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"fullname", "path"};
    Value a[2];
    if (!args_bind(vm, "SourceFileLoader", args + 1, nargs - 1, kw, names, 2, 2, 2, 0, a)) return ERR;
    return set_attr(vm, args[0], "name", a[0]) && set_attr(vm, args[0], "path", a[1]) ? NONE_VAL : ERR;
}

/* The ImportError of a loader asked about a module it does not load. */
static bool sfl_check_name(VM *vm, Value self, Value *args, int nargs, ObjTuple *kw, const char *fname) {
    static const char *const names[] = {"name"}, *const fullname[] = {"fullname"};
    bool required = strcmp(fname, "get_filename") != 0;    /* the others take fullname */
    Value a[1];
    if (!args_bind(vm, fname, args + 1, nargs - 1, kw, required ? fullname : names, 1, 1, required, 0, a))
        return false;
    if (a[0] == UNDEF || a[0] == NONE_VAL) return true;
    Value mine = get_attr(vm, self, "name");
    int eq = mine == ERR ? -1 : op_eq(vm, mine, a[0]);
    if (eq < 0) return false;
    if (!eq) {
        Value s = op_str(vm, mine), t = s == ERR ? ERR : op_str(vm, a[0]);
        if (t == ERR) return false;
        exc_raise(vm, E_ImportError, "loader for %s cannot handle %s", AS(ObjStr, s)->data, AS(ObjStr, t)->data);
        return false;
    }
    return true;
}

static Value sfl_get_filename(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!sfl_check_name(vm, args[0], args, nargs, kw, "get_filename")) return ERR;
    return get_attr(vm, args[0], "path");
}

/* The file's bytes, or OSError as open() would raise it. */
static Value read_bytes(VM *vm, Value path) {
    Value open = dict_get_str(vm->builtins, str_intern_cstr(vm, "open"));
    Value mode = str_from_cstr(vm, "rb");
    Value f = open == UNDEF || mode == ERR ? ERR : op_call2(vm, open, path, mode);
    if (f == ERR || !vm_push_root(vm, f)) return ERR;
    ObjStr *read = str_intern_cstr(vm, "read"), *close = str_intern_cstr(vm, "close");
    Value data = read ? op_call_method(vm, f, read, NULL, 0) : ERR;
    Value exc = vm->exc;
    vm->exc = UNDEF;
    if (data != ERR && !vm_push_root(vm, data)) data = ERR;
    Value c = close ? op_call_method(vm, f, close, NULL, 0) : ERR;
    if (data != ERR) vm_pop_roots(vm, 1);
    vm_pop_roots(vm, 1);
    if (data == ERR) {
        if (exc != UNDEF) vm->exc = exc;
        return ERR;
    }
    return c == ERR ? ERR : data;
}

static Value sfl_get_data(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "get_data", nargs - 1, kw, 1, 1)) return ERR;
    return read_bytes(vm, args[1]);
}

/* The source as text: UTF-8 (a BOM dropped), newlines made "\n", as
 * importlib's decode_source gives it. */
static Value sfl_get_source(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!sfl_check_name(vm, args[0], args, nargs, kw, "get_source")) return ERR;
    Value path = get_attr(vm, args[0], "path");
    Value data = path == ERR ? ERR : read_bytes(vm, path);
    if (data == ERR) return ERR;
    if (!is_kind(data, OBJ_BYTES)) return exc_raise(vm, E_TypeError, "get_source: file data is not bytes");
    ObjBytes *bs = AS(ObjBytes, data);
    size_t n = (size_t)bs->len, skip = n >= 3 && !memcmp(bs->data, "\xef\xbb\xbf", 3) ? 3 : 0;
    char *text = malloc(n + 1);
    if (!text) return exc_nomem(vm);
    size_t k = 0;
    for (size_t i = skip; i < n; i++) {
        if (bs->data[i] == '\r') {
            text[k++] = '\n';
            if (i + 1 < n && bs->data[i + 1] == '\n') i++;
        } else {
            text[k++] = (char)bs->data[i];
        }
    }
    Value s = str_decode_utf8(vm, text, k, "strict");
    free(text);
    return s;
}

static Value sfl_is_package(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!sfl_check_name(vm, args[0], args, nargs, kw, "is_package")) return ERR;
    Value path = get_attr(vm, args[0], "path");
    if (path == ERR) return ERR;
    if (!is_str(path)) return FALSE_VAL;
    const char *p = AS(ObjStr, path)->data, *slash = strrchr(p, '/');
    const char *leaf = slash ? slash + 1 : p, *dot = strrchr(leaf, '.');
    size_t stem = dot ? (size_t)(dot - leaf) : strlen(leaf);
    return stem == 8 && !memcmp(leaf, "__init__", 8) ? TRUE_VAL : FALSE_VAL;
}

static Value call_builtin(VM *vm, const char *name, Value *args, int nargs) {
    Value f = dict_get_str(vm->builtins, str_intern_cstr(vm, name));
    if (f == UNDEF) return exc_raise(vm, E_NameError, "name '%s' is not defined", name);
    return op_call(vm, f, args, nargs, NULL);
}

/* source_to_code(data, path): compile(data, path, 'exec', dont_inherit=True) */
static Value sfl_source_to_code(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "path"};
    Value a[2];
    if (!args_bind(vm, "source_to_code", args + 1, nargs - 1, kw, names, 2, 2, 2, 0, a)) return ERR;
    Value mode = str_from_cstr(vm, "exec");
    if (mode == ERR) return ERR;
    Value cargs[5] = {a[0], a[1], mode, int_val(0), TRUE_VAL};
    return call_builtin(vm, "compile", cargs, 5);
}

/* self.source_to_code(self.get_data(self.path), self.path), each looked up
 * on the loader, so a subclass that rewrites the source (an import hook's
 * loader overriding get_data) is heard. */
static Value sfl_get_code(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!sfl_check_name(vm, args[0], args, nargs, kw, "get_code")) return ERR;
    Value path = get_attr(vm, args[0], "path");
    if (path == ERR || !vm_push_root(vm, path)) return ERR;
    Value get_data = get_attr(vm, args[0], "get_data");
    Value data = get_data == ERR ? ERR : op_call1(vm, get_data, path);
    Value r = ERR;
    if (data != ERR && vm_push_root(vm, data)) {
        Value to_code = get_attr(vm, args[0], "source_to_code");
        r = to_code == ERR ? ERR : op_call2(vm, to_code, data, path);
        vm_pop_roots(vm, 1);
    }
    vm_pop_roots(vm, 1);
    return r;
}

/* exec(self.get_code(module.__name__), module.__dict__) */
static Value sfl_exec_module(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "exec_module", nargs - 1, kw, 1, 1)) return ERR;
    Value name = get_attr(vm, args[1], "__name__");
    Value get_code = name == ERR ? ERR : get_attr(vm, args[0], "get_code");
    Value code = get_code == ERR ? ERR : op_call1(vm, get_code, name);
    if (code == ERR || !vm_push_root(vm, code)) return ERR;
    Value ns = get_attr(vm, args[1], "__dict__");
    Value r = ns == ERR ? ERR : call_builtin(vm, "exec", (Value[]){code, ns}, 2);
    vm_pop_roots(vm, 1);
    return r == ERR ? ERR : NONE_VAL;
}

static Value sfl_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__eq__", nargs - 1, kw, 1, 1)) return ERR;
    Value a = get_attr(vm, args[0], "__class__"), b = a == ERR ? ERR : get_attr(vm, args[1], "__class__");
    if (b == ERR) return ERR;
    if (a != b) return FALSE_VAL;
    a = get_attr(vm, args[0], "__dict__");
    b = a == ERR ? ERR : get_attr(vm, args[1], "__dict__");
    if (b == ERR) return ERR;
    int eq = op_eq(vm, a, b);
    return eq < 0 ? ERR : eq ? TRUE_VAL : FALSE_VAL;
}

static Value sfl_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_none(vm, "SourceFileLoader", "__hash__", nargs, kw)) return ERR;
    uint64_t h1, h2;
    Value name = get_attr(vm, args[0], "name");
    if (name == ERR || op_hash(vm, name, &h1) < 0) return ERR;
    Value path = get_attr(vm, args[0], "path");
    if (path == ERR || op_hash(vm, path, &h2) < 0) return ERR;
    return int_from_i64(vm, (int64_t)(h1 ^ h2));
}

/* ---- the classes -------------------------------------------------------- */

typedef struct {
    const char *name;
    NativeFn fn;
} Method;

static ObjClass *make_class(VM *vm, const char *name, const char *module, const char *doc) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = ns ? tuple_new(vm, 0) : NULL;
    ObjStr *s = bases ? str_intern_cstr(vm, name) : NULL;
    Value mod = s ? str_from_cstr(vm, module) : ERR;
    Value d = mod != ERR ? str_from_cstr(vm, doc) : ERR;
    if (d == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), mod) < 0 ||
        dict_set_str(vm, ns, vm_name(vm, N___doc__), d) < 0)
        return NULL;
    Value cls = class_new(vm, s, bases, ns);
    return cls == ERR ? NULL : AS(ObjClass, cls);
}

static bool add_methods(VM *vm, ObjClass *c, const Method *m, bool classmethods) {
    for (; m->name; m++)
        if (!(classmethods ? class_add_classmethod : class_add_native)(vm, c, m->name, m->fn)) return false;
    return true;
}

static ObjClass *build(VM *vm, int which) {
    static const Method spec_methods[] = {
        {"__init__", spec_init}, {"__repr__", spec_repr}, {"__eq__", spec_eq}, {NULL, NULL}};
    static const Method importer_methods[] = {
        {"get_source", imp_none}, {"get_code", imp_none}, {"is_package", imp_false},
        {"create_module", imp_none}, {"exec_module", imp_none}, {NULL, NULL}};
    static const Method sfl_methods[] = {
        {"__init__", sfl_init}, {"__eq__", sfl_eq}, {"__hash__", sfl_hash}, {"get_filename", sfl_get_filename},
        {"get_data", sfl_get_data}, {"get_source", sfl_get_source}, {"is_package", sfl_is_package},
        {"get_code", sfl_get_code}, {"source_to_code", sfl_source_to_code}, {"create_module", imp_none}, {"exec_module", sfl_exec_module}, {NULL, NULL}};
    ObjClass *c;
    switch (which) {
    case MS_SPEC:
        c = make_class(vm, "ModuleSpec", "_frozen_importlib",
                       "The specification for a module, used for loading.");
        if (!c || !add_methods(vm, c, spec_methods, false) || !add_rw_property(vm, c, "parent", spec_parent, NULL) ||
            !add_rw_property(vm, c, "has_location", spec_has_location, spec_set_has_location) ||
            !add_rw_property(vm, c, "cached", spec_cached, spec_set_cached))
            return NULL;
        return c;
    case MS_BUILTIN:
    case MS_FROZEN:
        c = make_class(vm, which == MS_BUILTIN ? "BuiltinImporter" : "FrozenImporter", "_frozen_importlib",
                       which == MS_BUILTIN ? "Meta path import for built-in modules." : "Meta path import for frozen modules.");
        if (!c || !add_methods(vm, c, importer_methods, true)) return NULL;
        return set_attr(vm, obj_val(c), "_ORIGIN", str_from_cstr(vm, which == MS_BUILTIN ? "built-in" : "frozen"))
                   ? c : NULL;
    default:
        c = make_class(vm, "SourceFileLoader", "_frozen_importlib_external",
                       "Concrete implementation of SourceLoader using the file system.");
        return c && add_methods(vm, c, sfl_methods, false) ? c : NULL;
    }
}

ObjClass *modspec_type(VM *vm, int which) {
    if (!vm->modspec_types[which]) vm->modspec_types[which] = build(vm, which);
    return vm->modspec_types[which];
}

/* ---- attaching specs ---------------------------------------------------- */

static Value new_instance(VM *vm, int which) {
    ObjClass *c = modspec_type(vm, which);
    ObjInstance *o = c ? instance_new(vm, c) : NULL;
    return o ? obj_val(o) : ERR;
}

static bool dict_put(VM *vm, ObjDict *d, const char *key, Value v) {
    ObjStr *k = str_intern_cstr(vm, key);
    return k && v != ERR && dict_set_str(vm, d, k, v) == 0;
}

bool modspec_attach(VM *vm, ObjModule *m, ModSpecKind kind, const char *file, Value path) {
    Value loader, origin = NONE_VAL;
    switch (kind) {
    case MS_KIND_BUILTIN:
    case MS_KIND_FROZEN: {
        ObjClass *c = modspec_type(vm, kind == MS_KIND_BUILTIN ? MS_BUILTIN : MS_FROZEN);
        if (!c) return false;
        loader = obj_val(c);
        origin = str_from_cstr(vm, kind == MS_KIND_BUILTIN ? "built-in" : "frozen");
        break;
    }
    case MS_KIND_FILE:
        loader = new_instance(vm, MS_SOURCE);
        origin = loader == ERR ? ERR : str_decode_utf8(vm, file, strlen(file), "surrogateescape");
        if (origin == ERR || !dict_put(vm, AS(ObjInstance, loader)->dict, "name", obj_val(m->name)) ||
            !dict_put(vm, AS(ObjInstance, loader)->dict, "path", origin))
            return false;
        break;
    default:
        loader = NONE_VAL;
    }
    if (origin == ERR || !vm_push_root(vm, loader)) return false;
    Value spec = new_instance(vm, MS_SPEC);
    ObjList *uninit = spec == ERR ? NULL : list_new(vm, 0);
    bool ok = uninit != NULL;
    if (ok) {
        ObjDict *d = AS(ObjInstance, spec)->dict;
        ok = dict_put(vm, d, "name", obj_val(m->name)) && dict_put(vm, d, "loader", loader) &&
             dict_put(vm, d, "origin", origin) && dict_put(vm, d, "loader_state", NONE_VAL) &&
             dict_put(vm, d, "submodule_search_locations", path == UNDEF ? NONE_VAL : path) &&
             dict_put(vm, d, "_uninitialized_submodules", obj_val(uninit)) &&
             dict_put(vm, d, "_set_fileattr", kind == MS_KIND_FILE ? TRUE_VAL : FALSE_VAL) &&
             dict_put(vm, d, "_cached", NONE_VAL) &&
             dict_set_str(vm, m->dict, vm_name(vm, N___spec__), spec) == 0 &&
             dict_set_str(vm, m->dict, vm_name(vm, N___loader__), loader) == 0;
    }
    vm_pop_roots(vm, 1);
    return ok;
}

bool modspec_main_loader(VM *vm, ObjModule *m, const char *file) {
    if (!file) {
        ObjClass *c = modspec_type(vm, MS_BUILTIN);
        return c && dict_set_str(vm, m->dict, vm_name(vm, N___loader__), obj_val(c)) == 0;
    }
    Value loader = new_instance(vm, MS_SOURCE);
    Value path = loader == ERR ? ERR : str_decode_utf8(vm, file, strlen(file), "surrogateescape");
    return path != ERR && dict_put(vm, AS(ObjInstance, loader)->dict, "name", obj_val(m->name)) &&
           dict_put(vm, AS(ObjInstance, loader)->dict, "path", path) &&
           dict_set_str(vm, m->dict, vm_name(vm, N___loader__), loader) == 0;
}

bool modspec_main_spec(VM *vm, ObjModule *m, const char *name, const char *file) {
    if (!modspec_attach(vm, m, file ? MS_KIND_FILE : MS_KIND_BUILTIN, file, UNDEF)) return false;
    Value n = str_from_cstr(vm, name);
    Value spec = dict_get_str(m->dict, vm_name(vm, N___spec__));
    Value loader = dict_get_str(m->dict, vm_name(vm, N___loader__));
    if (n == ERR || !is_kind(spec, OBJ_INSTANCE) || !dict_put(vm, AS(ObjInstance, spec)->dict, "name", n)) return false;
    return !file || dict_put(vm, AS(ObjInstance, loader)->dict, "name", n);
}
