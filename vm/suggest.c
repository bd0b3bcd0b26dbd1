/* "Did you mean" hints, as CPython 3.12 adds them to the last line of an
 * uncaught NameError or AttributeError: the closest of the names in scope
 * (or of dir(obj)) by an edit distance where changing only a letter's case
 * costs 1 and any other edit 2, if no more than a third of the characters
 * involved must change. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "exc.h"
#include "ops.h"
#include "str.h"

enum { MAX_CANDIDATES = 750, MAX_NAME = 40, MOVE_COST = 2, CASE_COST = 1 };

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int64_t subst_cost(char a, char b) {
    if (a == b) return 0;
    return ascii_lower(a) == ascii_lower(b) ? CASE_COST : MOVE_COST;
}

/* The edit distance of two UTF-8 strings, or anything above `max` once it
 * is sure to exceed it. Common ends are dropped first, and what is left of
 * either may not be longer than MAX_NAME bytes. */
static int64_t distance(const char *a, int64_t na, const char *b, int64_t nb, int64_t max) {
    while (na && nb && *a == *b) a++, b++, na--, nb--;
    while (na && nb && a[na - 1] == b[nb - 1]) na--, nb--;
    if (!na || !nb) return MOVE_COST * (na + nb);
    if (na > MAX_NAME || nb > MAX_NAME) return max + 1;
    if ((na > nb ? na - nb : nb - na) * MOVE_COST > max) return max + 1;
    int64_t row[MAX_NAME + 1];      /* row[j]: the cost of a[:i] -> b[:j] */
    for (int64_t j = 0; j <= nb; j++) row[j] = j * MOVE_COST;
    for (int64_t i = 1; i <= na; i++) {
        int64_t diag = row[0], least = row[0] = i * MOVE_COST;
        for (int64_t j = 1; j <= nb; j++) {
            int64_t best = diag + subst_cost(a[i - 1], b[j - 1]);
            if (row[j] + MOVE_COST < best) best = row[j] + MOVE_COST;
            if (row[j - 1] + MOVE_COST < best) best = row[j - 1] + MOVE_COST;
            diag = row[j];
            row[j] = best;
            if (best < least) least = best;
        }
        if (least > max) return max + 1;
    }
    return row[nb];
}

/* The closest candidate so far; the first of equally close ones wins.
 * Until one is found, a candidate must be closer than `cap`: unbounded in
 * the uncaught-exception printer (C), the wrong name's length in the
 * traceback module, whose search starts from that distance. */
typedef struct Match {
    ObjStr *wrong, *best;
    int64_t best_dist, cap;
} Match;

static Match match_init(ObjStr *wrong, SuggestStyle style) {
    return (Match){wrong, NULL, 0, style == SUGGEST_UNCAUGHT ? INT64_MAX : wrong->len};
}

static void consider(Match *m, Value cand) {
    if (!is_str(cand)) return;
    ObjStr *c = AS(ObjStr, cand);
    if (str_eq(c, m->wrong)) return;
    int64_t max = (m->wrong->len + c->len + 3) * MOVE_COST / 6;
    int64_t cap = m->best ? m->best_dist : m->cap;
    if (cap - 1 < max) max = cap - 1;
    int64_t d = distance(m->wrong->data, m->wrong->len, c->data, c->len, max);
    if (d <= max) m->best = c, m->best_dist = d;
}

static ObjStr *closest_key(ObjStr *wrong, ObjDict *d, SuggestStyle style) {
    Match m = match_init(wrong, style);
    if (d->count >= MAX_CANDIDATES) return NULL;
    int64_t pos = 0;
    Value k;
    while (dict_next(d, &pos, &k, NULL)) consider(&m, k);
    return m.best;
}

static ObjStr *closest_item(ObjStr *wrong, ObjList *l, SuggestStyle style) {
    Match m = match_init(wrong, style);
    if (l->len >= MAX_CANDIDATES) return NULL;
    for (int64_t i = 0; i < l->len; i++) consider(&m, l->items[i]);
    return m.best;
}

/* hasattr(obj, name), leaving the pending exception alone. */
static bool has_attr(VM *vm, Value obj, ObjStr *name) {
    Value saved = vm->exc;
    vm->exc = UNDEF;
    Value v = op_getattr_opt(vm, obj, name);
    vm->exc = saved;
    return v != ERR && v != UNDEF;
}

/* Where a NameError was raised, kept in the exception (ObjException.scope)
 * so that the hint is worked out only if it is printed: a tuple of the
 * function codes whose local names count (None for module and class
 * bodies), the globals, and the function's `self`. */
enum { SCOPE_CODES, SCOPE_GLOBALS, SCOPE_SELF, SCOPE_SELF_STATE, SCOPE_LEN };
enum { SELF_NONE, SELF_BOUND, SELF_UNBOUND };
enum { MAX_SCOPE_CODES = 8 };

static bool is_function_frame(Frame *f) {
    return f && (!f->locals || (f->flags & FRAME_LOCALS_DICT)) && !(f->code->flags & CODE_MODULE);
}

/* Notes the frame's `self` in items, unless one was found already. */
static void note_self(Frame *f, Value *items) {
    ObjCode *c = f->code;
    if (items[SCOPE_SELF_STATE] != int_val(SELF_NONE)) return;
    for (int i = 0; i < c->nlocals + c->ncells; i++) {
        ObjStr *n = i < c->nlocals ? c->varnames[i] : c->cellnames[i - c->nlocals];
        if (strcmp(n->data, "self") != 0) continue;
        Value self = f->slots[i];
        if (i >= c->nlocals) self = is_kind(self, OBJ_CELL) ? AS(ObjCell, self)->v : UNDEF;
        items[SCOPE_SELF_STATE] = int_val(self == UNDEF ? SELF_UNBOUND : SELF_BOUND);
        if (self != UNDEF) items[SCOPE_SELF] = self;
        return;
    }
}

static ObjTuple *scope_of(VM *vm, Frame *f) {
    Value items[SCOPE_LEN] = {NONE_VAL, obj_val(f->globals), NONE_VAL, int_val(SELF_NONE)};
    Value codes[MAX_SCOPE_CODES];
    int n = 0;
    for (Frame *g = f; is_function_frame(g) && n < MAX_SCOPE_CODES; g = g->prev) {
        codes[n++] = obj_val(g->code);
        note_self(g, items);
        if (!exc_inlined_comprehension(g->code)) break;     /* CPython 3.12 inlines those */
    }
    if (n) {
        ObjTuple *t = tuple_from(vm, codes, n);
        if (!t) return NULL;
        items[SCOPE_CODES] = obj_val(t);
    }
    return tuple_from(vm, items, SCOPE_LEN);
}

Value suggest_name_error(VM *vm, ObjStr *name) {
    exc_raise(vm, E_NameError, "name '%s' is not defined", name->data);
    exc_note_name(vm, name, UNDEF);
    Value e = vm->exc;
    if (!is_kind(e, OBJ_EXC) || !vm->fiber->frame) return ERR;
    AS(ObjException, e)->scope = scope_of(vm, vm->fiber->frame);
    vm->exc = e;
    return ERR;
}

/* The closest of the functions' local variables (CPython's co_varnames:
 * parameters and locals, captured ones included), outermost function first. */
static ObjStr *closest_local(ObjTuple *codes, ObjStr *wrong, SuggestStyle style) {
    Match m = match_init(wrong, style);
    int64_t total = 0;
    for (int64_t k = 0; k < codes->len; k++)
        total += AS(ObjCode, codes->items[k])->nlocals + AS(ObjCode, codes->items[k])->ncells;
    if (total >= MAX_CANDIDATES) return NULL;
    for (int64_t k = codes->len - 1; k >= 0; k--) {
        ObjCode *c = AS(ObjCode, codes->items[k]);
        for (int i = 0; i < c->nlocals + c->ncells; i++)
            consider(&m, obj_val(i < c->nlocals ? c->varnames[i] : c->cellnames[i - c->nlocals]));
    }
    return m.best;
}

/* In a method whose self has the attribute, "self.name"; else the closest
 * local, global or builtin name, looked for in that order. Nothing when
 * self is unbound, as in CPython. */
static ObjStr *name_hint(VM *vm, ObjTuple *scope, ObjStr *wrong, SuggestStyle style) {
    Value codes = scope->items[SCOPE_CODES], state = scope->items[SCOPE_SELF_STATE];
    if (state == int_val(SELF_UNBOUND)) return NULL;
    if (state == int_val(SELF_BOUND) && has_attr(vm, scope->items[SCOPE_SELF], wrong)) {
        StrBuf b = SB_INIT;
        sb_addf(&b, "self.%s", wrong->data);
        Value s = str_from_buf(vm, &b);
        return s == ERR ? NULL : AS(ObjStr, s);
    }
    ObjStr *hint = is_kind(codes, OBJ_TUPLE) ? closest_local(AS(ObjTuple, codes), wrong, style) : NULL;
    if (!hint) hint = closest_key(wrong, AS(ObjDict, scope->items[SCOPE_GLOBALS]), style);
    if (!hint) hint = closest_key(wrong, vm->builtins, style);
    return hint;
}

/* sys.stdlib_module_names of CPython 3.12, sorted for bsearch. */
static const char *const stdlib_names[] = {
    "__future__", "_abc", "_aix_support", "_ast", "_asyncio", "_bisect", "_blake2", "_bz2", "_codecs",
    "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw", "_collections",
    "_collections_abc", "_compat_pickle", "_compression", "_contextvars", "_crypt", "_csv", "_ctypes",
    "_curses", "_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree", "_frozen_importlib",
    "_frozen_importlib_external", "_functools", "_gdbm", "_hashlib", "_heapq", "_imp", "_io", "_json",
    "_locale", "_lsprof", "_lzma", "_markupbase", "_md5", "_msi", "_multibytecodec", "_multiprocessing",
    "_opcode", "_operator", "_osx_support", "_overlapped", "_pickle", "_posixshmem", "_posixsubprocess",
    "_py_abc", "_pydatetime", "_pydecimal", "_pyio", "_pylong", "_queue", "_random", "_scproxy", "_sha1",
    "_sha2", "_sha3", "_signal", "_sitebuiltins", "_socket", "_sqlite3", "_sre", "_ssl", "_stat",
    "_statistics", "_string", "_strptime", "_struct", "_symtable", "_thread", "_threading_local", "_tkinter",
    "_tokenize", "_tracemalloc", "_typing", "_uuid", "_warnings", "_weakref", "_weakrefset", "_winapi",
    "_zoneinfo", "abc", "aifc", "antigravity", "argparse", "array", "ast", "asyncio", "atexit", "audioop",
    "base64", "bdb", "binascii", "bisect", "builtins", "bz2", "cProfile", "calendar", "cgi", "cgitb", "chunk",
    "cmath", "cmd", "code", "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent",
    "configparser", "contextlib", "contextvars", "copy", "copyreg", "crypt", "csv", "ctypes", "curses",
    "dataclasses", "datetime", "dbm", "decimal", "difflib", "dis", "doctest", "email", "encodings",
    "ensurepip", "enum", "errno", "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions",
    "ftplib", "functools", "gc", "genericpath", "getopt", "getpass", "gettext", "glob", "graphlib", "grp",
    "gzip", "hashlib", "heapq", "hmac", "html", "http", "idlelib", "imaplib", "imghdr", "importlib",
    "inspect", "io", "ipaddress", "itertools", "json", "keyword", "lib2to3", "linecache", "locale", "logging",
    "lzma", "mailbox", "mailcap", "marshal", "math", "mimetypes", "mmap", "modulefinder", "msilib", "msvcrt",
    "multiprocessing", "netrc", "nis", "nntplib", "nt", "ntpath", "nturl2path", "numbers", "opcode",
    "operator", "optparse", "os", "ossaudiodev", "pathlib", "pdb", "pickle", "pickletools", "pipes",
    "pkgutil", "platform", "plistlib", "poplib", "posix", "posixpath", "pprint", "profile", "pstats", "pty",
    "pwd", "py_compile", "pyclbr", "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re",
    "readline", "reprlib", "resource", "rlcompleter", "runpy", "sched", "secrets", "select", "selectors",
    "shelve", "shlex", "shutil", "signal", "site", "smtplib", "sndhdr", "socket", "socketserver", "spwd",
    "sqlite3", "sre_compile", "sre_constants", "sre_parse", "ssl", "stat", "statistics", "string",
    "stringprep", "struct", "subprocess", "sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny",
    "tarfile", "telnetlib", "tempfile", "termios", "textwrap", "this", "threading", "time", "timeit",
    "tkinter", "token", "tokenize", "tomllib", "trace", "traceback", "tracemalloc", "tty", "turtle",
    "turtledemo", "types", "typing", "unicodedata", "unittest", "urllib", "uu", "uuid", "venv", "warnings",
    "wave", "weakref", "webbrowser", "winreg", "winsound", "wsgiref", "xdrlib", "xml", "xmlrpc", "zipapp",
    "zipfile", "zipimport", "zlib", "zoneinfo",
};

static int cmp_name(const void *key, const void *elem) {
    return strcmp((const char *)key, *(const char *const *)elem);
}

bool suggest_is_stdlib_module(const char *name) {
    return bsearch(name, stdlib_names, sizeof stdlib_names / sizeof *stdlib_names, sizeof *stdlib_names,
                   cmp_name) != NULL;
}

static Value exc_field(VM *vm, Value exc, NameId n) {
    return dict_get_str(AS(ObjException, exc)->base.dict, vm_name(vm, n));
}

/* The closest of dir(obj), computed when printed as CPython does. */
static ObjStr *attr_hint(VM *vm, Value obj, ObjStr *wrong, SuggestStyle style) {
    Value dir = dict_get_str(vm->builtins, str_intern_cstr(vm, "dir"));
    Value saved = vm->exc;
    vm->exc = UNDEF;
    Value names = dir == UNDEF ? UNDEF : op_call1(vm, dir, obj);
    vm->exc = saved;
    return is_kind(names, OBJ_LIST) ? closest_item(wrong, AS(ObjList, names), style) : NULL;
}

static void add_repr(VM *vm, StrBuf *out, ObjStr *s) {
    Value saved = vm->exc;
    Value r = op_repr(vm, obj_val(s));
    vm->exc = saved;
    if (is_str(r)) sb_add(out, AS(ObjStr, r)->data, (size_t)AS(ObjStr, r)->len);
}

/* For `from M import wrong`: the closest of dir(M). An uncaught exception
 * looks M up in sys.modules only, as CPython's C display does (a module whose
 * import failed is gone from there, and importing it again would run its
 * code twice); the traceback module calls __import__(M) as CPython 3.12's
 * traceback.py does (for a dotted M, its top package). */
static ObjStr *import_hint(VM *vm, Value exc, ObjStr *wrong, SuggestStyle style) {
    Value mod_name = exc_field(vm, exc, N_name);
    Value imp = dict_get_str(vm->builtins, vm_name(vm, N___import__));
    if (!is_str(mod_name) || imp == UNDEF) return NULL;
    Value saved = vm->exc;
    Value mod = style == SUGGEST_UNCAUGHT ? dict_get_str(vm->modules, AS(ObjStr, mod_name)) : op_call1(vm, imp, mod_name);
    vm->exc = saved;
    if (mod == ERR || mod == UNDEF || !vm_push_root(vm, mod)) { vm->exc = saved; return NULL; }
    ObjStr *hint = attr_hint(vm, mod, wrong, style);
    vm_pop_roots(vm, 1);
    return hint;
}

void suggest_append(VM *vm, Value exc, StrBuf *out, SuggestStyle style) {
    if (!is_kind(exc, OBJ_EXC)) return;
    bool name_error = exc_is(vm, exc, E_NameError);
    bool import_error = !name_error && exc_is(vm, exc, E_ImportError);
    if (!name_error && !import_error && !exc_is(vm, exc, E_AttributeError)) return;
    Value name = import_error ? dict_get_str(AS(ObjException, exc)->base.dict, str_intern_cstr(vm, "name_from"))
                              : exc_field(vm, exc, N_name);
    if (!is_str(name)) return;
    ObjStr *wrong = AS(ObjStr, name), *hint = NULL;
    if (import_error) {
        hint = import_hint(vm, exc, wrong, style);
    } else if (name_error) {
        ObjTuple *scope = AS(ObjException, exc)->scope;
        if (style != SUGGEST_TRACEBACK_ONLY && scope) hint = name_hint(vm, scope, wrong, style);
    } else {
        Value obj = exc_field(vm, exc, N_obj);
        if (obj == UNDEF) return;
        hint = attr_hint(vm, obj, wrong, style);
    }
    bool forgot = name_error && suggest_is_stdlib_module(wrong->data);
    Value saved = vm->exc;
    if (hint && !vm_push_root(vm, obj_val(hint))) hint = NULL, vm->exc = saved;    /* an item of a dropped dir() list */
    if (hint) {
        sb_adds(out, ". Did you mean: ");
        add_repr(vm, out, hint);
        sb_addc(out, '?');
        vm_pop_roots(vm, 1);
    }
    if (forgot) {
        sb_adds(out, hint ? " Or did you forget to import " : ". Did you forget to import ");
        add_repr(vm, out, wrong);
        if (style == SUGGEST_UNCAUGHT) sb_addc(out, '?');
    }
}
