/* _posixpath: the path functions programs call most, kept native for speed
 * (join, split, basename, dirname, splitext, normpath, isabs and the stat
 * tests exists, isfile, isdir, islink, lexists, getsize).
 * stdlib/genericpath.asy and stdlib/posixpath.asy import them; the rest of
 * those modules is Asy code. Each function is registered with the module
 * that exports it as its __module__, as CPython's are.
 *
 * Every function takes a str, a bytes or an os.PathLike and answers in the
 * type it got. A str is worked on as its UTF-8 bytes: '/' and '.' are never
 * part of a multi-byte sequence, so cutting at byte offsets cuts where
 * cutting at code points would. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "modules.h"
#include "procargs.h"

/* The characters of a str or bytes path. */
typedef struct {
    const char *s;
    size_t n;
    bool bytes;
} Text;

static Text text_of(Value v) {
    if (is_kind(v, OBJ_BYTES)) return (Text){(const char *)AS(ObjBytes, v)->data, (size_t)AS(ObjBytes, v)->len, true};
    return (Text){AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len, false};
}

static Value text_new(VM *vm, bool bytes, const char *s, size_t n) {
    return bytes ? bytes_new(vm, (const uint8_t *)s, n) : str_new(vm, s, n);
}

/* A new str or bytes holding what b built; b is freed. */
static Value text_from_buf(VM *vm, bool bytes, StrBuf *b) {
    if (!bytes) return str_from_buf(vm, b);
    Value v = b->oom ? exc_nomem(vm) : bytes_new(vm, (const uint8_t *)(b->data ? b->data : ""), b->len);
    sb_free(b);
    return v;
}

static Value pair(VM *vm, Value a, Value b) {
    if (a == ERR || b == ERR) return ERR;
    Value items[2] = {a, b};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

/* os.fspath(arg) as text. The argument array is not written to: with
 * f(*t) it is the tuple t itself. The text stays valid until the next call
 * into script code (the collector runs only then). */
static bool path_arg(VM *vm, Value arg, Text *t, Value *path) {
    Value v = op_fspath(vm, arg);
    if (v == ERR) return false;
    *t = text_of(v);
    if (path) *path = v;
    return true;
}

/* The one argument of name(param), bound as CPython binds a Python
 * function's (positionally or by keyword). */
static bool one_arg(VM *vm, const char *name, const char *param, Value *args, int nargs, ObjTuple *kw, Value *arg) {
    const char *names[1] = {param};
    if (nargs > 1) {
        exc_raise(vm, E_TypeError, "%s() takes 1 positional argument but %d were given", name, nargs);
        return false;
    }
    if (nargs == 0 && args_kw(vm, args, nargs, kw, param) == UNDEF && (!kw || kw->len == 0)) {
        exc_raise(vm, E_TypeError, "%s() missing 1 required positional argument: '%s'", name, param);
        return false;
    }
    return args_bind(vm, name, args, nargs, kw, names, 1, 1, 1, 0, arg);
}

/* One path argument. */
static bool one_path(VM *vm, const char *name, const char *param, Value *args, int nargs, ObjTuple *kw, Text *t) {
    Value arg;
    return one_arg(vm, name, param, args, nargs, kw, &arg) && path_arg(vm, arg, t, NULL);
}

static ssize_t last_index(Text t, char c) {
    for (size_t i = t.n; i > 0; i--) {
        if (t.s[i - 1] == c) return (ssize_t)(i - 1);
    }
    return -1;
}

/* ---- join ---------------------------------------------------------------- */

/* CPython's message for a join() that failed on its arguments' types: the
 * first argument that is neither str nor bytes (the first one after
 * fspath, the others as given), else the mixing of the two. False when the
 * types are fine after all. */
static bool explain_arg_types(VM *vm, const char *fname, Value first, Value *args, int nargs) {
    bool str = false, bytes = false;
    for (int i = 0; i < nargs; i++) {
        Value v = i == 0 ? first : args[i];
        if (is_str(v)) str = true;
        else if (is_kind(v, OBJ_BYTES)) bytes = true;
        else {
            exc_raise(vm, E_TypeError, "%s() argument must be str, bytes, or os.PathLike object, not '%T'", fname, v);
            return true;
        }
    }
    if (!(str && bytes)) return false;
    exc_raise(vm, E_TypeError, "Can't mix strings and bytes in path components");
    return true;
}

/* A join() part that could not be added: a TypeError (or AttributeError)
 * from its __fspath__, or a type unlike the first part's, becomes the
 * error CPython reports for the whole call; others go on as they are. */
static Value join_failed(VM *vm, Value first, Value part, Value *args, int nargs) {
    bool retype = part != ERR || exc_is(vm, vm->exc, E_TypeError) || exc_is(vm, vm->exc, E_AttributeError);
    if (retype && !explain_arg_types(vm, "join", first, args, nargs) && part != ERR)
        exc_raise(vm, E_TypeError, "Can't mix strings and bytes in path components");
    return ERR;
}

/* join(a, *p): each part after a separator; an absolute part starts over. */
static Value path_join(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text head, part;
    Value first;
    static const char *const none[] = {NULL};
    if (!args_kw_only_py(vm, "join", kw, none)) return ERR;
    if (nargs == 0) return exc_raise(vm, E_TypeError, "join() missing 1 required positional argument: 'a'");
    if (!path_arg(vm, args[0], &head, &first)) return ERR;
    if (nargs == 1) return first;
    /* the parts' __fspath__ may run code that collects */
    if (!vm_push_root(vm, first)) return exc_nomem(vm);
    StrBuf b = SB_INIT;
    sb_add(&b, head.s, head.n);
    for (int i = 1; i < nargs; i++) {
        Value v = op_fspath(vm, args[i]);
        if (v == ERR || (part = text_of(v)).bytes != head.bytes) {
            sb_free(&b);
            vm_pop_roots(vm, 1);
            return join_failed(vm, first, v, args, nargs);
        }
        if (part.n && part.s[0] == '/') b.len = 0;
        else if (b.len && b.data[b.len - 1] != '/') sb_addc(&b, '/');
        sb_add(&b, part.s, part.n);
    }
    vm_pop_roots(vm, 1);
    return text_from_buf(vm, head.bytes, &b);
}

/* ---- split, basename, dirname, splitext --------------------------------------- */

/* Where split() cuts: the tail starts after the last '/'; the head loses
 * its trailing slashes unless it is nothing but slashes. */
static size_t tail_start(Text t, size_t *head_len) {
    size_t i = (size_t)(last_index(t, '/') + 1), h = i;
    while (h > 0 && t.s[h - 1] == '/') h--;
    *head_len = h == 0 ? i : h;
    return i;
}

static Value path_split(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text t;
    size_t hl, i;
    if (!one_path(vm, "split", "p", args, nargs, kw, &t)) return ERR;
    i = tail_start(t, &hl);
    return pair(vm, text_new(vm, t.bytes, t.s, hl), text_new(vm, t.bytes, t.s + i, t.n - i));
}

static Value path_basename(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text t;
    size_t hl, i;
    if (!one_path(vm, "basename", "p", args, nargs, kw, &t)) return ERR;
    i = tail_start(t, &hl);
    return text_new(vm, t.bytes, t.s + i, t.n - i);
}

static Value path_dirname(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text t;
    size_t hl;
    if (!one_path(vm, "dirname", "p", args, nargs, kw, &t)) return ERR;
    tail_start(t, &hl);
    return text_new(vm, t.bytes, t.s, hl);
}

/* splitext: the extension starts at the last '.' of the last component,
 * unless only dots come before it there (".bashrc", "..": no extension). */
static Value path_splitext(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text t;
    if (!one_path(vm, "splitext", "p", args, nargs, kw, &t)) return ERR;
    ssize_t slash = last_index(t, '/'), dot = last_index(t, '.');
    size_t cut = t.n;
    for (ssize_t c = slash + 1; dot > slash && c < dot; c++) {
        if (t.s[c] != '.') {
            cut = (size_t)dot;
            break;
        }
    }
    return pair(vm, text_new(vm, t.bytes, t.s, cut), text_new(vm, t.bytes, t.s + cut, t.n - cut));
}

/* ---- normpath, isabs ----------------------------------------------------- */

static bool is_dotdot(const char *s, size_t n) { return n == 2 && s[0] == '.' && s[1] == '.'; }

/* normpath into b: empty and "." components go, ".." takes the previous
 * component away (at the root it just goes; in a relative path with
 * nothing left it stays), and exactly two leading slashes stay two (POSIX
 * leaves "//" to the system). The kept components are a stack of
 * (start, size) pairs into s, which ".." pops. */
static bool normalize(const char *s, size_t len, StrBuf *b) {
    if (len == 0) {
        sb_addc(b, '.');
        return true;
    }
    size_t root = s[0] != '/' ? 0 : len > 1 && s[1] == '/' && !(len > 2 && s[2] == '/') ? 2 : 1;
    size_t *start = malloc((len / 2 + 1) * sizeof *start), *size = malloc((len / 2 + 1) * sizeof *size);
    if (!start || !size) {
        free(start);
        free(size);
        return false;
    }
    size_t kept = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && s[j] != '/') j++;
        size_t n = j - i;
        bool up = is_dotdot(s + i, n);
        bool pile = kept > 0 && is_dotdot(s + start[kept - 1], size[kept - 1]);
        if (n == 0 || (n == 1 && s[i] == '.')) {
            /* nothing to keep */
        } else if (!up || (!root && kept == 0) || pile) {
            start[kept] = i, size[kept] = n, kept++;
        } else if (kept > 0) {
            kept--;
        }
        i = j + 1;
    }
    for (size_t k = 0; k < root; k++) sb_addc(b, '/');
    for (size_t k = 0; k < kept; k++) {
        if (k) sb_addc(b, '/');
        sb_add(b, s + start[k], size[k]);
    }
    free(start);
    free(size);
    if (b->len == 0) sb_addc(b, '.');
    return true;
}

static Value normalized(VM *vm, bool bytes, const char *s, size_t len) {
    StrBuf b = SB_INIT;
    if (!normalize(s, len, &b)) return exc_nomem(vm);
    return text_from_buf(vm, bytes, &b);
}

static Value path_normpath(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text t;
    if (!one_path(vm, "normpath", "path", args, nargs, kw, &t)) return ERR;
    return normalized(vm, t.bytes, t.s, t.n);
}

static Value path_isabs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Text t;
    if (!one_path(vm, "isabs", "s", args, nargs, kw, &t)) return ERR;
    return bool_val(t.n && t.s[0] == '/');
}

/* ---- stat tests ------------------------------------------------------------------ */

/* stat() or lstat() of what os.stat/os.lstat accept: a path (str, bytes,
 * os.PathLike; *path gets its fspath) or, for stat, a file descriptor.
 * 0 on success; -1 with errno set when the system call failed or the path
 * cannot name a file (an embedded NUL: errno 0, a ValueError for CPython);
 * -2 after raising TypeError or OverflowError. */
static int stat_any(VM *vm, Value arg, bool follow, struct stat *st, Value *path) {
    *path = UNDEF;
    if (follow && (is_int(arg) || is_bool(arg))) {
        int64_t fd = is_bool(arg) ? as_bool(arg) : as_int(arg);
        if (fd > INT32_MAX || fd < INT32_MIN) {
            exc_raise(vm, E_OverflowError, fd > 0 ? "fd is greater than maximum" : "fd is less than minimum");
            return -2;
        }
        return fstat((int)fd, st);
    }
    if (follow && is_bigint(arg)) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return -2;
    }
    ObjStr *dunder = str_intern_cstr(vm, "__fspath__");
    bool pathlike = is_str(arg) || is_kind(arg, OBJ_BYTES) || (dunder && class_lookup(type_of(vm, arg), dunder) != UNDEF);
    if (!pathlike) {
        exc_raise(vm, E_TypeError, follow ? "stat: path should be string, bytes, os.PathLike or integer, not %T"
                                          : "lstat: path should be string, bytes or os.PathLike, not %T",
                  arg);
        return -2;
    }
    Text t;
    if (!path_arg(vm, arg, &t, path)) return -2;
    if (strlen(t.s) != t.n) {
        errno = 0;
        return -1;
    }
    return follow ? stat(t.s, st) : lstat(t.s, st);
}

/* Whether the pending exception is one that genericpath's tests answer
 * False for rather than raise: OSError and ValueError (from __fspath__,
 * say), and for islink AttributeError too. It is dropped then. */
static bool quiet_failure(VM *vm, bool attribute_too) {
    bool quiet = exc_is(vm, vm->exc, E_OSError) || exc_is(vm, vm->exc, E_ValueError) ||
                 (attribute_too && exc_is(vm, vm->exc, E_AttributeError));
    if (quiet) vm->exc = UNDEF;
    return quiet;
}

/* exists, isfile, isdir, islink, lexists: false whenever stat fails. */
static Value stat_test(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, const char *param, bool follow,
                       mode_t type) {
    struct stat st;
    Value arg, path;
    if (!one_arg(vm, name, param, args, nargs, kw, &arg)) return ERR;
    int rc = stat_any(vm, arg, follow, &st, &path);
    if (rc == -2 && !quiet_failure(vm, !follow && type == S_IFLNK)) return ERR;
    return bool_val(rc == 0 && (type == 0 || (st.st_mode & S_IFMT) == type));
}

static Value path_exists(VM *vm, Value *a, int n, ObjTuple *kw) { return stat_test(vm, a, n, kw, "exists", "path", true, 0); }
static Value path_isfile(VM *vm, Value *a, int n, ObjTuple *kw) { return stat_test(vm, a, n, kw, "isfile", "path", true, S_IFREG); }
static Value path_isdir(VM *vm, Value *a, int n, ObjTuple *kw) { return stat_test(vm, a, n, kw, "isdir", "s", true, S_IFDIR); }
static Value path_islink(VM *vm, Value *a, int n, ObjTuple *kw) { return stat_test(vm, a, n, kw, "islink", "path", false, S_IFLNK); }
static Value path_lexists(VM *vm, Value *a, int n, ObjTuple *kw) { return stat_test(vm, a, n, kw, "lexists", "path", false, 0); }

/* getsize: os.stat(path).st_size, with os.stat's errors. */
static Value path_getsize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    struct stat st;
    Value arg, path;
    if (!one_arg(vm, "getsize", "filename", args, nargs, kw, &arg)) return ERR;
    int rc = stat_any(vm, arg, true, &st, &path);
    if (rc == -2) return ERR;
    if (rc == -1 && errno == 0) return exc_raise(vm, E_ValueError, "embedded null byte");
    if (rc == -1) return procargs_oserror(vm, errno, path, UNDEF);
    return int_from_i64(vm, (int64_t)st.st_size);
}

/* ---- the module ------------------------------------------------------------------ */

bool mod__posixpath_init(VM *vm, ObjModule *m) {
    static const struct {
        const char *name;
        NativeFn fn;
        const char *home;   /* the module that exports it (its __module__) */
    } functions[] = {
        {"join", path_join, "posixpath"},         {"split", path_split, "posixpath"},
        {"basename", path_basename, "posixpath"}, {"dirname", path_dirname, "posixpath"},
        {"splitext", path_splitext, "posixpath"}, {"normpath", path_normpath, "posixpath"},
        {"isabs", path_isabs, "posixpath"},       {"lexists", path_lexists, "posixpath"},
        {"exists", path_exists, "genericpath"},
        {"isfile", path_isfile, "genericpath"},   {"isdir", path_isdir, "genericpath"},
        {"islink", path_islink, "genericpath"},   {"getsize", path_getsize, "genericpath"},
    };
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        ObjNative *f = native_new(vm, functions[i].name, functions[i].fn);
        ObjStr *home = str_intern_cstr(vm, functions[i].home);
        if (!f || !home) return false;
        f->module = obj_val(home);
        if (!module_add_value(vm, m, functions[i].name, obj_val(f))) return false;
    }
    return true;
}
