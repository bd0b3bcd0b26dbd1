/* The methods of str: splitting and joining, stripping, searching, the case
 * mappings and character predicates, padding, partition, expandtabs,
 * encode, translate and the entry points of formatting, with CPython 3.11's
 * semantics and error messages.
 *
 * Text is UTF-8 (object.h). Positions that methods take and return count
 * code points, so searches run on bytes (UTF-8 is self-synchronizing: a
 * byte match of valid text is a code point match) and convert offsets at
 * the edges. Pure-ASCII strings take byte-wise fast paths.
 *
 * The Unicode tables below were generated from CPython 3.11's unicodedata
 * module, so predicates and case mappings agree with CPython's.
 */
#include "str.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "unidata.h"

/* Defined in format.c: str.format_map's engine (str.h lacks its declaration). */

/* ---- Unicode lookups (unidata.c: the Unicode database's tables) ---------- */

enum {
    U_ALPHA = UNI_ALPHA, U_DECIMAL = UNI_DECIMAL, U_DIGIT = UNI_DIGIT, U_NUMERIC = UNI_NUMERIC,
    U_SPACE = UNI_SPACE, U_PRINTABLE = UNI_PRINTABLE, U_LOWER = UNI_LOWER, U_UPPER = UNI_UPPER,
    U_TITLE = UNI_TITLE, U_ID_START = UNI_XID_START, U_ID_CONTINUE = UNI_XID_CONTINUE, U_CASED = UNI_CASED,
    U_CASE_IGNORABLE = UNI_CASE_IGNORABLE
};

static uint16_t uni_flags(uint32_t cp) { return unidata_ctype(cp)->flags; }

static bool uni_is(uint32_t cp, uint16_t flag) { return (uni_flags(cp) & flag) != 0; }

static bool is_space_cp(uint32_t c) {
    if (c < 128) return c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1C && c <= 0x1F);
    return uni_is(c, U_SPACE);
}

enum { CASE_UPPER = UNI_CASE_UPPER, CASE_LOWER = UNI_CASE_LOWER, CASE_TITLE = UNI_CASE_TITLE,
       CASE_FOLD = UNI_CASE_FOLD };

/* Appends the full case mapping `kind` of cp. */
static void add_case(StrBuf *b, uint32_t cp, int kind) {
    if (cp < 128) {
        char c = (char)cp;
        if (kind == CASE_UPPER || kind == CASE_TITLE) { if (c >= 'a' && c <= 'z') c -= 32; }
        else if (c >= 'A' && c <= 'Z') c += 32;
        sb_addc(b, c);
        return;
    }
    int32_t d = unidata_ctype(cp)->delta[kind];
    if (d) { sb_add_utf8(b, (uint32_t)((int32_t)cp + d)); return; }
    /* A zero delta: unchanged, or a mapping to several code points. */
    const char *sp = unidata_special_case(cp, kind);
    if (sp) sb_adds(b, sp);
    else sb_add_utf8(b, cp);
}

/* ---- small helpers ----------------------------------------------------- */

static ObjStr *S(Value v) { return AS(ObjStr, v); }

/* self, unchanged: the same object for an exact str, else a plain copy. */
static Value same(VM *vm, ObjStr *s) {
    if (s->obj.cls == vm->types[T_STR]) return obj_val(s);
    return str_new(vm, s->data, (size_t)s->len);
}

static Value sub_str(VM *vm, ObjStr *s, int64_t from, int64_t to) {
    if (from == 0 && to == s->len) return same(vm, s);
    return str_new(vm, s->data + from, (size_t)(to - from));
}

/* All code points of s in a malloc'd array (NULL when out of memory). */
static uint32_t *decode_all(const ObjStr *s) {
    uint32_t *cps = malloc(sizeof(uint32_t) * (size_t)(s->cplen + 1));
    if (!cps) return NULL;
    size_t pos = 0;
    for (int64_t i = 0; i < s->cplen; i++) cps[i] = utf8_decode(s->data, (size_t)s->len, &pos);
    return cps;
}

/* The code point ending just before byte *pos, moving *pos back over it. */
static uint32_t prev_cp(const char *s, size_t len, size_t *pos) {
    size_t p = *pos;
    do p--; while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80);
    *pos = p;
    return utf8_decode(s, len, &p);
}

/* Byte search: the first (or last) offset of needle in hay[from, to), or -1.
 * Both take linear time, as CPython's adaptive search: glibc's memmem is a
 * two-way search, and rfind runs KMP over the reversed text for long
 * needles (a naive scan is quadratic on 'a'*N + 'b' patterns). */
static int64_t find_bytes(const char *hay, int64_t from, int64_t to, const char *nd, int64_t n) {
    if (n == 0) return from <= to ? from : -1;
    if (to - from < n) return -1;
    const char *p = memmem(hay + from, (size_t)(to - from), nd, (size_t)n);
    return p ? p - hay : -1;
}

static int64_t rfind_naive(const char *hay, int64_t from, int64_t to, const char *nd, int64_t n) {
    for (int64_t i = to - n; i >= from; i--)
        if (hay[i] == nd[0] && memcmp(hay + i, nd, (size_t)n) == 0) return i;
    return -1;
}

/* KMP from the right: fail[k] is the length of the longest proper border
 * of the needle's last k+1 bytes. -2 if out of memory. */
static int64_t rfind_kmp(const char *hay, int64_t from, int64_t to, const char *nd, int64_t n) {
    int64_t *fail = malloc((size_t)n * sizeof *fail);
    if (!fail) return -2;
    fail[0] = 0;
    for (int64_t k = 1, b = 0; k < n; k++) {
        while (b > 0 && nd[n - 1 - k] != nd[n - 1 - b]) b = fail[b - 1];
        if (nd[n - 1 - k] == nd[n - 1 - b]) b++;
        fail[k] = b;
    }
    int64_t r = -1;
    for (int64_t i = to - 1, m = 0; i >= from; i--) {
        while (m > 0 && hay[i] != nd[n - 1 - m]) m = fail[m - 1];
        if (hay[i] == nd[n - 1 - m]) m++;
        if (m == n) { r = i; break; }
    }
    free(fail);
    return r;
}

int64_t str_rfind_bytes(const char *hay, int64_t from, int64_t to, const char *nd, int64_t n) {
    if (n == 0) return from <= to ? to : -1;
    if (to - from < n) return -1;
    if (n > 16 && to - from > 256) {
        int64_t r = rfind_kmp(hay, from, to, nd, n);
        if (r != -2) return r;
    }
    return rfind_naive(hay, from, to, nd, n);
}

/* ---- argument checking (CPython's several message styles) -------------- */

static bool take_self(VM *vm, Value *args, int nargs, const char *name) {
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "unbound method str.%s() needs an argument", name);
        return false;
    }
    if (!is_str(args[0])) {
        exc_raise(vm, E_TypeError, "descriptor '%s' for 'str' objects doesn't apply to a '%T' object",
                  name, args[0]);
        return false;
    }
    return true;
}

static int nkw(ObjTuple *kw) { return kw ? (int)kw->len : 0; }

static bool no_kw(VM *vm, const char *name, ObjTuple *kw) {
    if (!nkw(kw)) return true;
    exc_raise(vm, E_TypeError, "str.%s() takes no keyword arguments", name);
    return false;
}

/* METH_NOARGS / METH_O methods: "str.upper() takes no arguments (1 given)". */
static bool check_fixed(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int n) {
    if (!take_self(vm, args, nargs, name) || !no_kw(vm, name, kw)) return false;
    if (nargs - 1 == n) return true;
    if (n == 0) exc_raise(vm, E_TypeError, "str.%s() takes no arguments (%d given)", name, nargs - 1);
    else exc_raise(vm, E_TypeError, "str.%s() takes exactly one argument (%d given)", name, nargs - 1);
    return false;
}

/* Positional-only argument clinic: "strip expected at most 1 argument, got 2". */
static bool check_range(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int min, int max) {
    if (!take_self(vm, args, nargs, name) || !no_kw(vm, name, kw)) return false;
    int n = nargs - 1;
    if (n >= min && n <= max) return true;
    if (n > max) exc_raise(vm, E_TypeError, "%s expected at most %d argument%s, got %d", name, max, max == 1 ? "" : "s", n);
    else exc_raise(vm, E_TypeError, "%s expected at least %d argument%s, got %d", name, min, min == 1 ? "" : "s", n);
    return false;
}

/* Old-style parsing (find, count, startswith): "find() takes at least 1 argument (0 given)". */
static bool check_old(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int min, int max) {
    if (!take_self(vm, args, nargs, name) || !no_kw(vm, name, kw)) return false;
    int n = nargs - 1;
    if (n >= min && n <= max) return true;
    if (n > max) exc_raise(vm, E_TypeError, "%s() takes at most %d argument%s (%d given)", name, max, max == 1 ? "" : "s", n);
    else exc_raise(vm, E_TypeError, "%s() takes at least %d argument%s (%d given)", name, min, min == 1 ? "" : "s", n);
    return false;
}

/* Clinic with keywords (split, splitlines, expandtabs): fills out[0..max)
 * with the arguments by position or name, UNDEF when absent. */
static bool parse_kw(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name,
                     const char *const *names, int max, Value *out) {
    if (!take_self(vm, args, nargs, name)) return false;
    int npos = nargs - 1, total = npos + nkw(kw);
    if (total > max) {
        /* "keyword" when all were keywords, as CPython says */
        exc_raise(vm, E_TypeError, "%s() takes at most %d %sargument%s (%d given)", name, max,
                  npos == 0 ? "keyword " : "", max == 1 ? "" : "s", total);
        return false;
    }
    for (int i = 0; i < max; i++) out[i] = i < npos ? args[1 + i] : UNDEF;
    for (int k = 0; k < nkw(kw); k++) {
        const char *kn = S(kw->items[k])->data;
        int i = 0;
        while (i < max && strcmp(names[i], kn) != 0) i++;
        if (i == max) {
            exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", kn, name);
            return false;
        }
        if (i < npos) {
            exc_raise(vm, E_TypeError, "argument for %s() given by name ('%s') and position (%d)", name, kn, i + 1);
            return false;
        }
        out[i] = args[nargs + k];
    }
    return true;
}

/* An index-sized int argument (__index__ accepted). */
static bool arg_int(VM *vm, Value v, int64_t *out) {
    if (is_int(v)) { *out = as_int(v); return true; }
    if (is_bool(v)) { *out = as_bool(v); return true; }
    if (!is_bigint(v) && !is_float(v)) {
        Value f = op_special(vm, v, N___index__);
        if (f != UNDEF) {
            v = op_call_special(vm, v, f, NULL, 0);
            if (v == ERR) return false;
            if (is_int(v) || is_bool(v)) return arg_int(vm, v, out);
            if (!is_bigint(v)) {
                exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", v);
                return false;
            }
        }
    }
    if (is_bigint(v)) {
        if (int_to_i64(v, out)) return true;
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
        return false;
    }
    exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    return false;
}

/* A slice bound (start/end of find and friends): None or an int, clamped. */
static bool arg_bound(VM *vm, Value v, int64_t *out) {
    if (v == UNDEF || is_none(v)) return true;
    if (is_bigint(v)) {
        if (!int_to_i64(v, out)) *out = int_sign(v) < 0 ? INT64_MIN / 2 : INT64_MAX / 2;
        return true;
    }
    if (is_int(v) || is_bool(v) || op_special(vm, v, N___index__) != UNDEF) return arg_int(vm, v, out);
    exc_raise(vm, E_TypeError, "slice indices must be integers or None or have an __index__ method");
    return false;
}

/* CPython's ADJUST_INDICES, in code points. */
static void adjust(int64_t *start, int64_t *end, int64_t len) {
    if (*end > len) *end = len;
    else if (*end < 0) { *end += len; if (*end < 0) *end = 0; }
    if (*start < 0) { *start += len; if (*start < 0) *start = 0; }
}

/* ---- split, rsplit, splitlines, join ----------------------------------- */

static int add_piece(VM *vm, ObjList *l, ObjStr *s, int64_t from, int64_t to) {
    Value v = sub_str(vm, s, from, to);
    if (v == ERR) return -1;
    return list_append(vm, l, v);
}

static void reverse_list(ObjList *l) {
    for (int64_t i = 0, j = l->len - 1; i < j; i++, j--) {
        Value t = l->items[i]; l->items[i] = l->items[j]; l->items[j] = t;
    }
}

static bool split_ws(VM *vm, ObjList *l, ObjStr *s, int64_t maxsplit) {
    const char *d = s->data;
    size_t len = (size_t)s->len, i = 0;
    while (i < len) {
        size_t q = i;
        while (q < len) { size_t r = q; if (!is_space_cp(utf8_decode(d, len, &r))) break; q = r; }
        i = q;
        if (i >= len) break;
        if (maxsplit-- == 0) return add_piece(vm, l, s, (int64_t)i, (int64_t)len) == 0;
        size_t j = i;
        while (j < len) { size_t r = j; if (is_space_cp(utf8_decode(d, len, &r))) break; j = r; }
        if (add_piece(vm, l, s, (int64_t)i, (int64_t)j) < 0) return false;
        i = j;
    }
    return true;
}

static bool rsplit_ws(VM *vm, ObjList *l, ObjStr *s, int64_t maxsplit) {
    const char *d = s->data;
    size_t len = (size_t)s->len, i = len;
    while (i > 0) {
        size_t q = i;
        while (q > 0) { size_t r = q; if (!is_space_cp(prev_cp(d, len, &r))) break; q = r; }
        i = q;
        if (i == 0) break;
        if (maxsplit-- == 0) { if (add_piece(vm, l, s, 0, (int64_t)i) < 0) return false; break; }
        size_t j = i;
        while (j > 0) { size_t r = j; if (is_space_cp(prev_cp(d, len, &r))) break; j = r; }
        if (add_piece(vm, l, s, (int64_t)j, (int64_t)i) < 0) return false;
        i = j;
    }
    reverse_list(l);
    return true;
}

static bool split_sep(VM *vm, ObjList *l, ObjStr *s, ObjStr *sep, int64_t maxsplit, bool right) {
    if (!right) {
        int64_t i = 0, at;
        while (maxsplit-- != 0 && (at = find_bytes(s->data, i, s->len, sep->data, sep->len)) >= 0) {
            if (add_piece(vm, l, s, i, at) < 0) return false;
            i = at + sep->len;
        }
        return add_piece(vm, l, s, i, s->len) == 0;
    }
    int64_t end = s->len, at;
    while (maxsplit-- != 0 && (at = str_rfind_bytes(s->data, 0, end, sep->data, sep->len)) >= 0) {
        if (add_piece(vm, l, s, at + sep->len, end) < 0) return false;
        end = at;
    }
    if (add_piece(vm, l, s, 0, end) < 0) return false;
    reverse_list(l);
    return true;
}

static Value do_split(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool right) {
    static const char *const names[] = {"sep", "maxsplit"};
    Value a[2];
    if (!parse_kw(vm, args, nargs, kw, name, names, 2, a)) return ERR;
    ObjStr *s = S(args[0]);
    int64_t maxsplit = -1;
    if (a[1] != UNDEF && !arg_int(vm, a[1], &maxsplit)) return ERR;
    if (maxsplit < 0) maxsplit = INT64_MAX;
    Value sep = a[0] == UNDEF ? NONE_VAL : a[0];
    if (!is_none(sep) && !is_str(sep)) return exc_raise(vm, E_TypeError, "must be str or None, not %T", sep);
    if (is_str(sep) && S(sep)->len == 0) return exc_raise(vm, E_ValueError, "empty separator");
    ObjList *l = list_new(vm, 0);
    if (!l) return ERR;
    bool ok = is_none(sep) ? (right ? rsplit_ws(vm, l, s, maxsplit) : split_ws(vm, l, s, maxsplit))
                           : split_sep(vm, l, s, S(sep), maxsplit, right);
    return ok ? obj_val(l) : ERR;
}

static Value m_split(VM *vm, Value *args, int nargs, ObjTuple *kw) { return do_split(vm, args, nargs, kw, "split", false); }
static Value m_rsplit(VM *vm, Value *args, int nargs, ObjTuple *kw) { return do_split(vm, args, nargs, kw, "rsplit", true); }

/* The length in bytes of a line break starting at d[i], or 0. */
static size_t line_break(const char *d, size_t len, size_t i) {
    unsigned char c = (unsigned char)d[i];
    if (c == '\r') return i + 1 < len && d[i + 1] == '\n' ? 2 : 1;
    if (c == '\n' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)d[i + 1] == 0x85) return 2;
    if (c == 0xE2 && i + 2 < len && (unsigned char)d[i + 1] == 0x80 &&
        ((unsigned char)d[i + 2] == 0xA8 || (unsigned char)d[i + 2] == 0xA9)) return 3;
    return 0;
}

static Value m_splitlines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"keepends"};
    Value a[1];
    if (!parse_kw(vm, args, nargs, kw, "splitlines", names, 1, a)) return ERR;
    int keep = 0;       /* any object: its truth, as CPython's bool converter */
    if (a[0] != UNDEF && (keep = op_truthy(vm, a[0])) < 0) return ERR;
    ObjStr *s = S(args[0]);
    ObjList *l = list_new(vm, 0);
    if (!l) return ERR;
    size_t len = (size_t)s->len, i = 0, start = 0;
    while (i < len) {
        size_t n = line_break(s->data, len, i);
        if (!n) { i++; continue; }
        if (add_piece(vm, l, s, (int64_t)start, (int64_t)(keep ? i + n : i)) < 0) return ERR;
        i += n;
        start = i;
    }
    if (start < len && add_piece(vm, l, s, (int64_t)start, (int64_t)len) < 0) return ERR;
    return obj_val(l);
}

static Value m_join(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "join", 1)) return ERR;
    ObjStr *sep = S(args[0]);
    Value it = args[1];
    bool own_iter = op_override(vm, it, N___iter__) != UNDEF;    /* a subclass's __iter__ answers */
    if (is_list(it) && !own_iter) return str_join(vm, sep, AS(ObjList, it)->items, AS(ObjList, it)->len);
    if (is_tuple(it) && !own_iter) return str_join(vm, sep, AS(ObjTuple, it)->items, AS(ObjTuple, it)->len);
    Value iter = op_iter(vm, it);
    if (iter == ERR) {
        if (!exc_is(vm, vm->exc, E_TypeError)) return ERR;
        vm->exc = UNDEF;
        return exc_raise(vm, E_TypeError, "can only join an iterable");
    }
    if (!vm_push_root(vm, iter)) return ERR;
    ObjList *l = op_to_list(vm, iter);
    vm_pop_roots(vm, 1);
    if (!l) return ERR;
    return str_join(vm, sep, l->items, l->len);
}

/* ---- strip ------------------------------------------------------------- */

static bool in_cps(uint32_t c, const uint32_t *set, int64_t n) {
    for (int64_t i = 0; i < n; i++) if (set[i] == c) return true;
    return false;
}

/* which: 1 left, 2 right, 3 both. */
static Value do_strip(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int which) {
    if (!check_range(vm, args, nargs, kw, name, 0, 1)) return ERR;
    ObjStr *s = S(args[0]);
    Value chars = nargs > 1 ? args[1] : NONE_VAL;
    uint32_t *set = NULL;
    int64_t nset = 0;
    if (!is_none(chars)) {
        if (!is_str(chars)) return exc_raise(vm, E_TypeError, "%s arg must be None or str", name);
        set = decode_all(S(chars));
        if (!set) return exc_nomem(vm);
        nset = S(chars)->cplen;
    }
    size_t len = (size_t)s->len, i = 0, j = len;
    if (which & 1) {
        while (i < len) {
            size_t r = i;
            uint32_t c = utf8_decode(s->data, len, &r);
            if (set ? !in_cps(c, set, nset) : !is_space_cp(c)) break;
            i = r;
        }
    }
    if (which & 2) {
        while (j > i) {
            size_t r = j;
            uint32_t c = prev_cp(s->data, len, &r);
            if (set ? !in_cps(c, set, nset) : !is_space_cp(c)) break;
            j = r;
        }
    }
    free(set);
    return sub_str(vm, s, (int64_t)i, (int64_t)j);
}

static Value m_strip(VM *vm, Value *args, int nargs, ObjTuple *kw) { return do_strip(vm, args, nargs, kw, "strip", 3); }
static Value m_lstrip(VM *vm, Value *args, int nargs, ObjTuple *kw) { return do_strip(vm, args, nargs, kw, "lstrip", 1); }
static Value m_rstrip(VM *vm, Value *args, int nargs, ObjTuple *kw) { return do_strip(vm, args, nargs, kw, "rstrip", 2); }

/* ---- replace ----------------------------------------------------------- */

/* The first occurrence of needle in hay[i, to), or -1. A short needle
 * is found by memchr on its first byte and a compare (at most 8 bytes per
 * position), as memmem's setup is paid on every call. */
static inline int64_t find_short(const char *hay, int64_t i, int64_t to, const char *nd, int64_t n) {
    if (n > 8 || n == 0) return find_bytes(hay, i, to, nd, n);
    for (int64_t last = to - n; i <= last;) {
        const char *p = memchr(hay + i, nd[0], (size_t)(last - i + 1));
        if (!p) return -1;
        if (memcmp(p + 1, nd + 1, (size_t)n - 1) == 0) return p - hay;
        i = p - hay + 1;
    }
    return -1;
}

/* The next occurrence of needle in s from byte i, or -1. */
static inline int64_t next_match(const ObjStr *s, int64_t i, const ObjStr *needle) {
    return find_short(s->data, i, s->len, needle->data, needle->len);
}

/* replace() of a non-empty substring: the matches are counted first, so the
 * result is written once at its final size. */
static Value replace_found(VM *vm, ObjStr *s, ObjStr *old, ObjStr *new_, int64_t count) {
    if (count == 0) return same(vm, s);
    if (old->len == 1 && new_->len == 1) {
        /* byte for byte (both ASCII): a copy with the matches changed */
        const char *first = memchr(s->data, old->data[0], (size_t)s->len);
        if (!first) return same(vm, s);
        char small[256];
        char *buf = s->len <= (int64_t)sizeof small ? small : malloc((size_t)s->len);
        if (!buf) return exc_nomem(vm);
        memcpy(buf, s->data, (size_t)s->len);
        char from = old->data[0], to = new_->data[0];
        for (int64_t i = first - s->data, len = s->len; i < len && count > 0; i++)
            if (buf[i] == from) buf[i] = to, count--;
        Value r = str_new(vm, buf, (size_t)s->len);
        if (buf != small) free(buf);
        return r;
    }
    int64_t n = 0;
    for (int64_t at = 0; n < count && (at = next_match(s, at, old)) >= 0; at += old->len) n++;
    if (n == 0) return same(vm, s);
    if (new_->len > old->len && n > (INT64_MAX - s->len) / (new_->len - old->len)) return exc_nomem(vm);
    size_t len = (size_t)(s->len + n * (new_->len - old->len));
    char small[256];
    char *buf = len <= sizeof small ? small : malloc(len ? len : 1);
    if (!buf) return exc_nomem(vm);
    char *out = buf;
    int64_t i = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t at = next_match(s, i, old);
        memcpy(out, s->data + i, (size_t)(at - i));
        out += at - i;
        memcpy(out, new_->data, (size_t)new_->len);
        out += new_->len;
        i = at + old->len;
    }
    memcpy(out, s->data + i, (size_t)(s->len - i));
    Value r = str_new(vm, buf, len);
    if (buf != small) free(buf);
    return r;
}

static Value m_replace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_range(vm, args, nargs, kw, "replace", 2, 3)) return ERR;
    ObjStr *s = S(args[0]);
    for (int i = 1; i <= 2; i++)
        if (!is_str(args[i]))
            return exc_raise(vm, E_TypeError, "replace() argument %d must be str, not %A", i, args[i]);
    ObjStr *old = S(args[1]), *new_ = S(args[2]);
    int64_t count = -1;
    if (nargs > 3 && !arg_int(vm, args[3], &count)) return ERR;
    if (count < 0) count = INT64_MAX;
    if (old->len) return replace_found(vm, s, old, new_, count);
    /* an empty old: new before each character and at the end */
    StrBuf b = SB_INIT;
    int64_t i = 0, done = 0;
    while (done < count) {
        sb_add(&b, new_->data, (size_t)new_->len);
        done++;
        if (i >= s->len) break;
        size_t r = (size_t)i;
        utf8_decode(s->data, (size_t)s->len, &r);
        sb_add(&b, s->data + i, r - (size_t)i);
        i = (int64_t)r;
    }
    if (done == 0) { sb_free(&b); return same(vm, s); }
    sb_add(&b, s->data + i, (size_t)(s->len - i));
    return str_from_buf(vm, &b);
}

/* ---- find, index, count, startswith ------------------------------------ */

/* The byte offset n code points after byte offset off. */
static int64_t advance(const ObjStr *s, int64_t off, int64_t n) {
    if (s->ascii) return off + n < s->len ? off + n : s->len;
    while (n > 0 && off < s->len) {
        off++;
        while (off < s->len && ((unsigned char)s->data[off] & 0xC0) == 0x80) off++;
        n--;
    }
    return off;
}

/* Parses (sub, start, end) and resolves the range to byte offsets. */
typedef struct Range {
    ObjStr *s, *sub;
    int64_t start, end;     /* code points, adjusted */
    int64_t bstart, bend;   /* bytes; bstart > bend when the range is empty */
} Range;

static bool get_range(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool sub_any, Range *r) {
    if (!check_old(vm, args, nargs, kw, name, 1, 3)) return false;
    r->s = S(args[0]);
    r->start = 0;
    r->end = INT64_MAX / 2;
    /* the bounds are parsed before the substring is looked at, as CPython does */
    if (nargs > 2 && !arg_bound(vm, args[2], &r->start)) return false;
    if (nargs > 3 && !arg_bound(vm, args[3], &r->end)) return false;
    if (!sub_any && !is_str(args[1])) { exc_raise(vm, E_TypeError, "must be str, not %T", args[1]); return false; }
    r->sub = is_str(args[1]) ? S(args[1]) : NULL;
    adjust(&r->start, &r->end, r->s->cplen);
    if (r->start > r->s->cplen) { r->bstart = r->s->len + 1; r->bend = r->s->len; return true; }
    r->bstart = str_offset(r->s, r->start);
    r->bend = r->end < r->start     ? r->bstart - 1
              : r->end - r->start > 64 ? str_offset(r->s, r->end)    /* (no long walk in a loop) */
                                       : advance(r->s, r->bstart, r->end - r->start);
    return true;
}

static Value do_find(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool right, bool raise) {
    Range r;
    if (!get_range(vm, args, nargs, kw, name, false, &r)) return ERR;
    int64_t at = -1;
    if (r.bstart <= r.bend || r.sub->len == 0)
        at = right ? str_rfind_bytes(r.s->data, r.bstart, r.bend, r.sub->data, r.sub->len)
                   : find_bytes(r.s->data, r.bstart, r.bend, r.sub->data, r.sub->len);
    if (at < 0) {
        if (raise) return exc_raise(vm, E_ValueError, "substring not found");
        return int_val(-1);
    }
    return int_val(r.s->ascii ? at : r.start + utf8_count(r.s->data + r.bstart, (size_t)(at - r.bstart)));
}

static Value m_find(VM *vm, Value *a, int n, ObjTuple *kw) { return do_find(vm, a, n, kw, "find", false, false); }
static Value m_rfind(VM *vm, Value *a, int n, ObjTuple *kw) { return do_find(vm, a, n, kw, "rfind", true, false); }
static Value m_index(VM *vm, Value *a, int n, ObjTuple *kw) { return do_find(vm, a, n, kw, "index", false, true); }
static Value m_rindex(VM *vm, Value *a, int n, ObjTuple *kw) { return do_find(vm, a, n, kw, "rindex", true, true); }

static Value m_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Range r;
    if (!get_range(vm, args, nargs, kw, "count", false, &r)) return ERR;
    if (r.end < r.start || r.start > r.s->cplen) return int_val(0);
    if (r.sub->len == 0) return int_val(r.end - r.start + 1);
    int64_t n = 0, i = r.bstart, at;
    while ((at = find_short(r.s->data, i, r.bend, r.sub->data, r.sub->len)) >= 0) {
        n++;
        i = at + r.sub->len;
    }
    return int_val(n);
}

/* CPython's tailmatch: does sub match s at the start (or end) of [start, end)? */
static bool tailmatch(const Range *r, ObjStr *sub, bool suffix) {
    int64_t start = r->start, end = r->end - sub->cplen;
    if (end < start || start > r->s->cplen) return false;
    if (sub->len == 0) return true;
    int64_t off = suffix ? str_offset(r->s, end) : r->bstart;
    return off + sub->len <= r->s->len && memcmp(r->s->data + off, sub->data, (size_t)sub->len) == 0;
}

static Value do_startswith(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool suffix) {
    Range r;
    if (!get_range(vm, args, nargs, kw, name, true, &r)) return ERR;
    Value p = args[1];
    if (is_str(p)) return bool_val(tailmatch(&r, S(p), suffix));
    if (!is_tuple(p))
        return exc_raise(vm, E_TypeError, "%s first arg must be str or a tuple of str, not %T", name, p);
    ObjTuple *t = AS(ObjTuple, p);
    for (int64_t i = 0; i < t->len; i++) {
        if (!is_str(t->items[i]))
            return exc_raise(vm, E_TypeError, "tuple for %s must only contain str, not %T", name, t->items[i]);
        if (tailmatch(&r, S(t->items[i]), suffix)) return TRUE_VAL;
    }
    return FALSE_VAL;
}

static Value m_startswith(VM *vm, Value *a, int n, ObjTuple *kw) { return do_startswith(vm, a, n, kw, "startswith", false); }
static Value m_endswith(VM *vm, Value *a, int n, ObjTuple *kw) { return do_startswith(vm, a, n, kw, "endswith", true); }

/* ---- case mappings ----------------------------------------------------- */

/* Greek capital sigma lowers to final sigma at the end of a word (CPython's
 * handle_capital_sigma). */
static uint32_t lower_sigma(const uint32_t *cps, int64_t n, int64_t i) {
    int64_t j = i - 1;
    while (j >= 0 && uni_is(cps[j], U_CASE_IGNORABLE)) j--;
    bool final = j >= 0 && uni_is(cps[j], U_CASED);
    if (final) {
        j = i + 1;
        while (j < n && uni_is(cps[j], U_CASE_IGNORABLE)) j++;
        final = j == n || !uni_is(cps[j], U_CASED);
    }
    return final ? 0x3C2 : 0x3C3;
}

static void add_lower(StrBuf *b, const uint32_t *cps, int64_t n, int64_t i) {
    if (cps[i] == 0x3A3) sb_add_utf8(b, lower_sigma(cps, n, i));
    else add_case(b, cps[i], CASE_LOWER);
}

enum { OP_UPPER, OP_LOWER, OP_FOLD, OP_TITLE, OP_CAPITALIZE, OP_SWAPCASE };

/* The case mapping of an ASCII string into out (s->len bytes). */
static void ascii_case(char *out, const ObjStr *s, int op) {
    const unsigned char *in = (const unsigned char *)s->data;
    int64_t len = s->len, i = 0;
    if (op == OP_UPPER || op == OP_LOWER || op == OP_FOLD) {
        /* The common ones eight bytes at a time: every byte is below 0x80,
         * so adding 0x80 - lo sets a byte's top bit exactly when it is >=
         * lo, and adding 0x80 - (lo + 26) when it is past the letters,
         * with no carry into the next byte. The case bit is 0x20, the top
         * bit >> 2. */
        unsigned char lo = op == OP_UPPER ? 'a' : 'A';
        uint64_t ones = 0x0101010101010101u;
        for (; i + 8 <= len; i += 8) {
            uint64_t w;
            memcpy(&w, in + i, 8);
            w ^= ((w + ones * (0x80u - lo)) & ~(w + ones * (0x80u - lo - 26)) & ones * 0x80u) >> 2;
            memcpy(out + i, &w, 8);
        }
        for (; i < len; i++)
            out[i] = (char)(in[i] ^ (((unsigned char)(in[i] - lo) < 26) << 5));
        return;
    }
    bool prev_cased = false;
    for (; i < len; i++) {
        char c = (char)in[i];
        bool up = c >= 'A' && c <= 'Z', low = c >= 'a' && c <= 'z';
        bool to_up = false, to_low = false;
        switch (op) {
        case OP_TITLE: to_up = !prev_cased; to_low = prev_cased; break;
        case OP_CAPITALIZE: to_up = i == 0; to_low = i != 0; break;
        default: to_up = low; to_low = up; break;
        }
        if (to_up && low) c -= 32;
        else if (to_low && up) c += 32;
        prev_cased = up || low;
        out[i] = c;
    }
}

/* An ASCII string's mapping is as long as it: made in one buffer (on the
 * stack when short) and turned into a str once. Always a new str, as in
 * CPython, even when nothing changed. */
static Value ascii_case_str(VM *vm, ObjStr *s, int op) {
    char small[256];
    char *buf = s->len <= (int64_t)sizeof small ? small : malloc((size_t)s->len);
    if (!buf) return exc_nomem(vm);
    ascii_case(buf, s, op);
    Value r = str_new_ascii(vm, buf, (size_t)s->len);
    if (buf != small) free(buf);
    return r;
}

static void unicode_case(StrBuf *b, const uint32_t *cps, int64_t n, int op) {
    bool prev_cased = false;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = cps[i];
        switch (op) {
        case OP_UPPER: add_case(b, c, CASE_UPPER); break;
        case OP_LOWER: add_lower(b, cps, n, i); break;
        case OP_FOLD: add_case(b, c, CASE_FOLD); break;
        case OP_TITLE:
            if (prev_cased) add_lower(b, cps, n, i); else add_case(b, c, CASE_TITLE);
            prev_cased = uni_is(c, U_CASED);
            break;
        case OP_CAPITALIZE:
            if (i == 0) add_case(b, c, CASE_TITLE); else add_lower(b, cps, n, i);
            break;
        default:
            if (uni_is(c, U_UPPER)) add_lower(b, cps, n, i);
            else if (uni_is(c, U_LOWER)) add_case(b, c, CASE_UPPER);
            else sb_add_utf8(b, c);
            break;
        }
    }
}

static Value do_case(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int op) {
    if (!check_fixed(vm, args, nargs, kw, name, 0)) return ERR;
    ObjStr *s = S(args[0]);
    if (s->ascii) return ascii_case_str(vm, s, op);
    StrBuf b = SB_INIT;
    uint32_t *cps = decode_all(s);
    if (!cps) return exc_nomem(vm);
    unicode_case(&b, cps, s->cplen, op);
    free(cps);
    return str_from_buf(vm, &b);
}

static Value m_upper(VM *vm, Value *a, int n, ObjTuple *kw) { return do_case(vm, a, n, kw, "upper", OP_UPPER); }
static Value m_lower(VM *vm, Value *a, int n, ObjTuple *kw) { return do_case(vm, a, n, kw, "lower", OP_LOWER); }
static Value m_casefold(VM *vm, Value *a, int n, ObjTuple *kw) { return do_case(vm, a, n, kw, "casefold", OP_FOLD); }
static Value m_title(VM *vm, Value *a, int n, ObjTuple *kw) { return do_case(vm, a, n, kw, "title", OP_TITLE); }
static Value m_capitalize(VM *vm, Value *a, int n, ObjTuple *kw) { return do_case(vm, a, n, kw, "capitalize", OP_CAPITALIZE); }
static Value m_swapcase(VM *vm, Value *a, int n, ObjTuple *kw) { return do_case(vm, a, n, kw, "swapcase", OP_SWAPCASE); }

/* ---- predicates -------------------------------------------------------- */

/* True when every character has one of `flags` (False for ""). */
static Value all_flags(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, uint16_t flags) {
    if (!check_fixed(vm, args, nargs, kw, name, 0)) return ERR;
    ObjStr *s = S(args[0]);
    if (s->len == 0) return FALSE_VAL;
    size_t pos = 0;
    while (pos < (size_t)s->len)
        if (!(uni_flags(utf8_decode(s->data, (size_t)s->len, &pos)) & flags)) return FALSE_VAL;
    return TRUE_VAL;
}

static Value m_isdigit(VM *vm, Value *a, int n, ObjTuple *kw) { return all_flags(vm, a, n, kw, "isdigit", U_DIGIT); }
static Value m_isdecimal(VM *vm, Value *a, int n, ObjTuple *kw) { return all_flags(vm, a, n, kw, "isdecimal", U_DECIMAL); }
static Value m_isnumeric(VM *vm, Value *a, int n, ObjTuple *kw) { return all_flags(vm, a, n, kw, "isnumeric", U_NUMERIC); }
static Value m_isalpha(VM *vm, Value *a, int n, ObjTuple *kw) { return all_flags(vm, a, n, kw, "isalpha", U_ALPHA); }
static Value m_isspace(VM *vm, Value *a, int n, ObjTuple *kw) { return all_flags(vm, a, n, kw, "isspace", U_SPACE); }
static Value m_isalnum(VM *vm, Value *a, int n, ObjTuple *kw) {
    return all_flags(vm, a, n, kw, "isalnum", U_ALPHA | U_DECIMAL | U_DIGIT | U_NUMERIC);
}

bool unicode_isprintable(uint32_t c) { return uni_is(c, U_PRINTABLE); }

static Value m_isprintable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "isprintable", 0)) return ERR;
    ObjStr *s = S(args[0]);
    size_t pos = 0;
    while (pos < (size_t)s->len)
        if (!uni_is(utf8_decode(s->data, (size_t)s->len, &pos), U_PRINTABLE)) return FALSE_VAL;
    return TRUE_VAL;
}

static Value m_isascii(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "isascii", 0)) return ERR;
    return bool_val(S(args[0])->ascii);
}

/* isupper/islower: no character of the opposite case (or titlecase), at
 * least one of this case. */
static Value do_iscase(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, uint16_t want, uint16_t bad) {
    if (!check_fixed(vm, args, nargs, kw, name, 0)) return ERR;
    ObjStr *s = S(args[0]);
    bool cased = false;
    size_t pos = 0;
    while (pos < (size_t)s->len) {
        uint16_t f = uni_flags(utf8_decode(s->data, (size_t)s->len, &pos));
        if (f & (bad | U_TITLE)) return FALSE_VAL;
        if (f & want) cased = true;
    }
    return bool_val(cased);
}

static Value m_isupper(VM *vm, Value *a, int n, ObjTuple *kw) { return do_iscase(vm, a, n, kw, "isupper", U_UPPER, U_LOWER); }
static Value m_islower(VM *vm, Value *a, int n, ObjTuple *kw) { return do_iscase(vm, a, n, kw, "islower", U_LOWER, U_UPPER); }

static Value m_istitle(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "istitle", 0)) return ERR;
    ObjStr *s = S(args[0]);
    bool cased = false, prev = false;
    size_t pos = 0;
    while (pos < (size_t)s->len) {
        uint16_t f = uni_flags(utf8_decode(s->data, (size_t)s->len, &pos));
        if (f & (U_UPPER | U_TITLE)) {
            if (prev) return FALSE_VAL;
            prev = cased = true;
        } else if (f & U_LOWER) {
            if (!prev) return FALSE_VAL;
            prev = cased = true;
        } else {
            prev = false;
        }
    }
    return bool_val(cased);
}

bool str_isidentifier(const ObjStr *s) {
    if (s->len == 0) return false;
    size_t pos = 0;
    uint32_t first = utf8_decode(s->data, (size_t)s->len, &pos);
    if (first != '_' && !uni_is(first, U_ID_START)) return false;      /* '_' is no XID_Start */
    while (pos < (size_t)s->len)
        if (!uni_is(utf8_decode(s->data, (size_t)s->len, &pos), U_ID_CONTINUE)) return false;
    return true;
}

static Value m_isidentifier(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "isidentifier", 0)) return ERR;
    return bool_val(str_isidentifier(S(args[0])));
}

/* ---- padding ----------------------------------------------------------- */

static void add_fill(StrBuf *b, const char *fill, size_t flen, int64_t n) {
    for (int64_t i = 0; i < n; i++) sb_add(b, fill, flen);
}

static Value pad(VM *vm, ObjStr *s, int64_t left, int64_t right, const char *fill, size_t flen) {
    if (left <= 0 && right <= 0) return same(vm, s);
    StrBuf b = SB_INIT;
    add_fill(&b, fill, flen, left);
    sb_add(&b, s->data, (size_t)s->len);
    add_fill(&b, fill, flen, right);
    return str_from_buf(vm, &b);
}

/* which: 0 ljust, 1 rjust, 2 center. */
static Value do_just(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int which) {
    if (!check_range(vm, args, nargs, kw, name, 1, 2)) return ERR;
    ObjStr *s = S(args[0]);
    int64_t width;
    if (!arg_int(vm, args[1], &width)) return ERR;
    const char *fill = " ";
    size_t flen = 1;
    if (nargs > 2) {
        if (!is_str(args[2]))
            return exc_raise(vm, E_TypeError, "The fill character must be a unicode character, not %T", args[2]);
        if (S(args[2])->cplen != 1)
            return exc_raise(vm, E_TypeError, "The fill character must be exactly one character long");
        fill = S(args[2])->data;
        flen = (size_t)S(args[2])->len;
    }
    int64_t marg = width - s->cplen;
    if (marg <= 0) return same(vm, s);
    if (marg > INT32_MAX) return exc_nomem(vm);     /* CPython fails to allocate it */
    if (which == 0) return pad(vm, s, 0, marg, fill, flen);
    if (which == 1) return pad(vm, s, marg, 0, fill, flen);
    int64_t left = marg / 2 + (marg & width & 1);
    return pad(vm, s, left, marg - left, fill, flen);
}

static Value m_ljust(VM *vm, Value *a, int n, ObjTuple *kw) { return do_just(vm, a, n, kw, "ljust", 0); }
static Value m_rjust(VM *vm, Value *a, int n, ObjTuple *kw) { return do_just(vm, a, n, kw, "rjust", 1); }
static Value m_center(VM *vm, Value *a, int n, ObjTuple *kw) { return do_just(vm, a, n, kw, "center", 2); }

static Value m_zfill(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "zfill", 1)) return ERR;
    ObjStr *s = S(args[0]);
    int64_t width;
    if (!arg_int(vm, args[1], &width)) return ERR;
    if (width <= s->cplen) return same(vm, s);
    if (width > INT32_MAX) return exc_nomem(vm);     /* CPython fails to allocate it */
    StrBuf b = SB_INIT;
    int64_t i = 0;
    if (s->len && (s->data[0] == '+' || s->data[0] == '-')) sb_addc(&b, s->data[i++]);
    add_fill(&b, "0", 1, width - s->cplen);
    sb_add(&b, s->data + i, (size_t)(s->len - i));
    return str_from_buf(vm, &b);
}

static Value m_expandtabs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"tabsize"};
    Value a[1];
    if (!parse_kw(vm, args, nargs, kw, "expandtabs", names, 1, a)) return ERR;
    int64_t tab = 8;
    /* tabsize is a C int in CPython: a huge one overflows that */
    if (a[0] != UNDEF && is_bigint(a[0]) && !int_to_i64(a[0], &tab))
        return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    if (a[0] != UNDEF && !arg_int(vm, a[0], &tab)) return ERR;
    if (tab > INT32_MAX || tab < INT32_MIN) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    ObjStr *s = S(args[0]);
    if (!memchr(s->data, '\t', (size_t)s->len)) return same(vm, s);
    StrBuf b = SB_INIT;
    int64_t col = 0;
    for (int64_t i = 0; i < s->len; i++) {
        char c = s->data[i];
        if (c == '\t') {
            if (tab > 0) {
                int64_t n = tab - col % tab;
                add_fill(&b, " ", 1, n);
                col += n;
            }
            continue;
        }
        sb_addc(&b, c);
        if (c == '\n' || c == '\r') col = 0;
        else if (((unsigned char)c & 0xC0) != 0x80) col++;
    }
    return str_from_buf(vm, &b);
}

/* ---- partition, removeprefix ------------------------------------------- */

static Value do_partition(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool right) {
    if (!check_fixed(vm, args, nargs, kw, name, 1)) return ERR;
    ObjStr *s = S(args[0]);
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "must be str, not %T", args[1]);
    ObjStr *sep = S(args[1]);
    if (sep->len == 0) return exc_raise(vm, E_ValueError, "empty separator");
    int64_t at = right ? str_rfind_bytes(s->data, 0, s->len, sep->data, sep->len)
                       : find_bytes(s->data, 0, s->len, sep->data, sep->len);
    ObjTuple *t = tuple_new(vm, 3);
    if (!t) return ERR;
    Value empty = str_new(vm, "", 0);
    if (empty == ERR) return ERR;
    if (at < 0) {
        Value whole = same(vm, s);
        if (whole == ERR) return ERR;
        t->items[0] = right ? empty : whole;
        t->items[1] = empty;
        t->items[2] = right ? whole : empty;
        return obj_val(t);
    }
    Value a = sub_str(vm, s, 0, at), c = a == ERR ? ERR : sub_str(vm, s, at + sep->len, s->len);
    if (c == ERR) return ERR;
    t->items[0] = a;
    t->items[1] = same(vm, sep);
    t->items[2] = c;
    return t->items[1] == ERR ? ERR : obj_val(t);
}

static Value m_partition(VM *vm, Value *a, int n, ObjTuple *kw) { return do_partition(vm, a, n, kw, "partition", false); }
static Value m_rpartition(VM *vm, Value *a, int n, ObjTuple *kw) { return do_partition(vm, a, n, kw, "rpartition", true); }

static Value do_remove(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool suffix) {
    if (!check_fixed(vm, args, nargs, kw, name, 1)) return ERR;
    ObjStr *s = S(args[0]);
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "%s() argument must be str, not %A", name, args[1]);
    ObjStr *p = S(args[1]);
    if (p->len == 0 || p->len > s->len) return same(vm, s);
    int64_t off = suffix ? s->len - p->len : 0;
    if (memcmp(s->data + off, p->data, (size_t)p->len) != 0) return same(vm, s);
    return suffix ? sub_str(vm, s, 0, off) : sub_str(vm, s, p->len, s->len);
}

static Value m_removeprefix(VM *vm, Value *a, int n, ObjTuple *kw) { return do_remove(vm, a, n, kw, "removeprefix", false); }
static Value m_removesuffix(VM *vm, Value *a, int n, ObjTuple *kw) { return do_remove(vm, a, n, kw, "removesuffix", true); }

/* ---- encode, translate, maketrans -------------------------------------- */

static Value m_encode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"encoding", "errors"};
    Value a[2];
    if (!parse_kw(vm, args, nargs, kw, "encode", names, 2, a)) return ERR;
    const char *enc = "utf-8", *errors = "strict";
    for (int i = 0; i < 2; i++) {
        if (a[i] == UNDEF) continue;
        if (!is_str(a[i]))
            return exc_raise(vm, E_TypeError, "encode() argument '%s' must be str, not %A", names[i], a[i]);
        if (i == 0) enc = S(a[i])->data; else errors = S(a[i])->data;
    }
    return bytes_encode(vm, S(args[0]), enc, errors);
}

/* Appends the translation of cp through table; false after raising. */
/* The table's entry for cp: UNDEF when it has none, ERR on an error. */
static Value translate_lookup(VM *vm, Value table, uint32_t cp) {
    Value key = int_val(cp), v;
    if (is_dict(table) && AS(Obj, table)->cls == vm->types[T_DICT]) return dict_get(vm, AS(ObjDict, table), key);
    v = op_getitem(vm, table, key);
    if (v == ERR) {
        if (!exc_is(vm, vm->exc, E_LookupError)) return ERR;
        vm->exc = UNDEF;
        v = UNDEF;
    }
    return v;
}

/* Whether CPython's ASCII translation keeps the entry v: none, None, or
 * one ASCII character. */
static bool translate_simple(Value v) {
    if (v == UNDEF || is_none(v)) return true;
    if (is_int(v)) return as_int(v) >= 0 && as_int(v) < 128;
    return is_str(v) && AS(ObjStr, v)->len == 1 && AS(ObjStr, v)->ascii;
}

/* Writes what the table's entry v makes of cp. */
static bool translate_emit(VM *vm, StrBuf *b, Value v, uint32_t cp) {
    if (v == UNDEF) { sb_add_utf8(b, cp); return true; }
    if (is_none(v)) return true;
    if (is_str(v)) { sb_add(b, S(v)->data, (size_t)S(v)->len); return true; }
    if (is_int(v) || is_bool(v) || is_bigint(v)) {
        int64_t c;
        if (!int_to_i64(v, &c) || c < 0 || c > 0x10FFFF) {
            exc_raise(vm, E_ValueError, "character mapping must be in range(0x110000)");
            return false;
        }
        sb_add_utf8(b, (uint32_t)c);
        return true;
    }
    exc_raise(vm, E_TypeError, "character mapping must return integer, None or str");
    return false;
}

static Value m_translate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "translate", 1)) return ERR;
    ObjStr *s = S(args[0]);
    StrBuf b = SB_INIT;
    size_t pos = 0;
    /* CPython translates ASCII text with each character looked up once,
     * while every entry met is no entry, None, or one ASCII character (an
     * int or a str); past the first other one it looks that character up
     * again and the rest without remembering. The table sees the same
     * lookups here. */
    Value memo[128];
    bool known[128] = {false}, cache = s->ascii;
    while (pos < (size_t)s->len) {
        uint32_t cp = utf8_decode(s->data, (size_t)s->len, &pos);
        Value v;
        if (cache && known[cp]) {
            v = memo[cp];
        } else {
            v = translate_lookup(vm, args[1], cp);
            if (cache && v != ERR) {
                if (translate_simple(v)) {
                    memo[cp] = v, known[cp] = true;
                } else {
                    cache = false;
                    v = translate_lookup(vm, args[1], cp);
                }
            }
        }
        if (v == ERR || !translate_emit(vm, &b, v, cp)) {
            sb_free(&b);
            return ERR;
        }
    }
    return str_from_buf(vm, &b);
}

static Value maketrans_dict(VM *vm, ObjDict *out, Value x) {
    if (!is_dict(x))
        return exc_raise(vm, E_TypeError, "if you give only one argument to maketrans it must be a dict");
    int64_t pos = 0;
    Value k, v;
    while (dict_next(AS(ObjDict, x), &pos, &k, &v)) {
        if (is_str(k)) {
            if (S(k)->cplen != 1)
                return exc_raise(vm, E_ValueError, "string keys in translate table must be of length 1");
            size_t p = 0;
            k = int_val(utf8_decode(S(k)->data, (size_t)S(k)->len, &p));
        } else if (!is_int(k) && !is_bool(k) && !is_bigint(k)) {
            return exc_raise(vm, E_TypeError, "keys in translate table must be strings or integers");
        }
        if (dict_set(vm, out, k, v) < 0) return ERR;
    }
    return obj_val(out);
}

/* A static method: args[0] is the first argument, not self. */
static Value m_maketrans(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nkw(kw)) return exc_raise(vm, E_TypeError, "str.maketrans() takes no keyword arguments");
    if (nargs < 1 || nargs > 3)
        return exc_raise(vm, E_TypeError, "maketrans expected %s %d argument%s, got %d",
                         nargs < 1 ? "at least" : "at most", nargs < 1 ? 1 : 3, nargs < 1 ? "" : "s", nargs);
    ObjDict *out = dict_new(vm);
    if (!out) return ERR;
    if (nargs == 1) return maketrans_dict(vm, out, args[0]);
    for (int i = 1; i < nargs; i++)
        if (!is_str(args[i]))
            return exc_raise(vm, E_TypeError, "maketrans() argument %d must be str, not %T", i + 1, args[i]);
    if (!is_str(args[0]))
        return exc_raise(vm, E_TypeError, "first maketrans argument must be a string if there is a second argument");
    ObjStr *x = S(args[0]), *y = S(args[1]);
    if (x->cplen != y->cplen)
        return exc_raise(vm, E_ValueError, "the first two maketrans arguments must have equal length");
    size_t px = 0, py = 0;
    while (px < (size_t)x->len) {
        uint32_t a = utf8_decode(x->data, (size_t)x->len, &px), b = utf8_decode(y->data, (size_t)y->len, &py);
        if (dict_set(vm, out, int_val(a), int_val(b)) < 0) return ERR;
    }
    if (nargs == 3) {
        ObjStr *z = S(args[2]);
        size_t pz = 0;
        while (pz < (size_t)z->len)
            if (dict_set(vm, out, int_val(utf8_decode(z->data, (size_t)z->len, &pz)), NONE_VAL) < 0) return ERR;
    }
    return obj_val(out);
}

/* ---- formatting entry points ------------------------------------------- */

static Value m_format(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!take_self(vm, args, nargs, "format")) return ERR;
    return fmt_str_format(vm, S(args[0]), args + 1, nargs - 1, kw);
}

static Value m_format_map(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "format_map", 1)) return ERR;
    return fmt_format_map(vm, S(args[0]), args[1]);
}

static Value m___format__(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "__format__", 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "__format__() argument must be str, not %A", args[1]);
    ObjStr *s = S(args[0]);
    if (s->obj.cls != vm->types[T_STR]) {
        /* A subclass instance: format its text as a plain str. */
        Value plain = str_new(vm, s->data, (size_t)s->len);
        if (plain == ERR) return ERR;
        return fmt_format(vm, plain, S(args[1]));
    }
    return fmt_format(vm, args[0], S(args[1]));
}

static Value m___mod__(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_fixed(vm, args, nargs, kw, "__mod__", 1)) return ERR;
    return fmt_percent(vm, S(args[0]), args[1]);
}

/* ---- registration ------------------------------------------------------ */

static const struct { const char *name; NativeFn fn; } str_methods[] = {
    {"split", m_split}, {"rsplit", m_rsplit}, {"splitlines", m_splitlines}, {"join", m_join},
    {"strip", m_strip}, {"lstrip", m_lstrip}, {"rstrip", m_rstrip}, {"replace", m_replace},
    {"find", m_find}, {"rfind", m_rfind}, {"index", m_index}, {"rindex", m_rindex},
    {"count", m_count}, {"startswith", m_startswith}, {"endswith", m_endswith},
    {"upper", m_upper}, {"lower", m_lower}, {"casefold", m_casefold}, {"title", m_title},
    {"capitalize", m_capitalize}, {"swapcase", m_swapcase},
    {"isdigit", m_isdigit}, {"isdecimal", m_isdecimal}, {"isnumeric", m_isnumeric},
    {"isalpha", m_isalpha}, {"isalnum", m_isalnum}, {"isspace", m_isspace},
    {"isupper", m_isupper}, {"islower", m_islower}, {"istitle", m_istitle},
    {"isidentifier", m_isidentifier}, {"isascii", m_isascii}, {"isprintable", m_isprintable},
    {"zfill", m_zfill}, {"center", m_center}, {"ljust", m_ljust}, {"rjust", m_rjust},
    {"partition", m_partition}, {"rpartition", m_rpartition}, {"expandtabs", m_expandtabs},
    {"encode", m_encode}, {"removeprefix", m_removeprefix}, {"removesuffix", m_removesuffix},
    {"translate", m_translate}, {"format", m_format}, {"format_map", m_format_map},
    {"__format__", m___format__}, {"__mod__", m___mod__},
};

void str_init_methods(VM *vm) {
    ObjClass *cls = vm->types[T_STR];
    for (size_t i = 0; i < sizeof str_methods / sizeof str_methods[0]; i++)
        class_add_native(vm, cls, str_methods[i].name, str_methods[i].fn);
    /* maketrans is a staticmethod: no receiver, whether called on str or on
     * an instance. */
    ObjNative *n = native_new(vm, "maketrans", m_maketrans);
    ObjWrapper *w = n ? gc_new(vm, sizeof(ObjWrapper), OBJ_WRAPPER, vm->types[T_STATICMETHOD]) : NULL;
    if (!w) return;
    n->owner = cls;
    w->v = obj_val(n);
    dict_set_str(vm, cls->dict, n->name, obj_val(w));
}
