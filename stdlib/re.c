/* The re module on PCRE2: compile, match/search/fullmatch, findall,
 * finditer, sub/subn, split, escape, with Pattern and Match objects and
 * CPython's semantics (positions in code points for str, in bytes for
 * bytes; empty matches as 3.7+).
 *
 * A pattern is a str or bytes. The same code serves both, through Text (a
 * view of a str or bytes-like object): a str pattern compiles as UTF-8
 * with Unicode classes, a bytes pattern as plain bytes with ASCII classes,
 * and a subject must be of its pattern's kind. re_syntax.c rewrites
 * Python's spellings that PCRE2 reads differently and words the compile
 * errors as CPython. Replacement templates are parsed here, never by
 * pcre2_substitute, because their syntax differs.
 *
 * Who owns the compiled code: the collector has no finalizers, so PCRE2
 * allocates through gc_malloc (re_alloc below puts the block's size in a
 * 16-byte header) and the finished pcre2_code block is handed to a hidden
 * bytearray (len 0, cap = the block's size) held by the Pattern. When the
 * Pattern dies, sweeping the bytearray frees the code; asy_free frees what is
 * left. Match data comes from the same allocator and lives for one call.
 *
 * Layouts (both are ObjIters, so the collector traces a, b, c):
 *   Pattern  a the pattern (str or bytes), b groupindex (a dict name ->
 *            number), c a tuple: the bytearray holding the code, then for
 *            each group the rank of its ')' among the groups' (for
 *            lastindex); i flags, n number of groups
 *   Match    a the Pattern, b the subject (str or bytes-like), c a tuple of
 *            4 ints per group (start and end in positions, then in bytes;
 *            -1 when unset); i pos, n endpos, step lastindex (-1: None)
 * The module's namespace holds the classes (Pattern, Match, error) and the
 * cache of compiled patterns (_cache, keyed by (type, pattern, flags)). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/memview.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"
#include "re_syntax.h"

#define CACHE_MAX 512
#define HDR 16      /* the size header before each block PCRE2 gets */

/* ---- helpers ------------------------------------------------------------ */

/* A value the module made at import (classes, the cache). */
static Value re_attr(VM *vm, const char *name) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "re"));
    Value v = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (v == UNDEF) return exc_raise(vm, E_RuntimeError, "re.%s is gone", name);
    return v;
}

static bool push_root(VM *vm, Value v) {
    if (vm_push_root(vm, v)) return true;
    exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded");
    return false;
}

/* Whether v is an instance of the module's class `name` (no exception). */
static bool is_instance_of(VM *vm, Value v, const char *name) {
    if (!is_kind(v, OBJ_ITER)) return false;
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "re"));
    Value cls = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, name)) : UNDEF;
    return is_kind(cls, OBJ_CLASS) && as_obj(v)->cls == AS(ObjClass, cls);
}

static bool is_pattern(VM *vm, Value v) {
    Value c = is_instance_of(vm, v, "Pattern") ? AS(ObjIter, v)->c : NONE_VAL;
    return is_tuple(c) && is_kind(AS(ObjTuple, c)->items[0], OBJ_BYTEARRAY);
}

static bool is_match(VM *vm, Value v) {
    return is_instance_of(vm, v, "Match") && is_tuple(AS(ObjIter, v)->c);
}

static pcre2_code *pat_code(ObjIter *p) {
    return (pcre2_code *)(AS(ObjByteArray, AS(ObjTuple, p->c)->items[0])->data + HDR);
}

/* The text of a pattern, subject or template: a str (UTF-8; positions are
 * code points) or a bytes-like object (positions are bytes). The view is
 * valid until script code runs. */
typedef struct Text {
    Value v;            /* the object itself */
    const char *data;
    size_t len;         /* in bytes */
    int64_t npos;       /* in positions */
    bool bytes;         /* bytes, bytearray or memoryview */
    bool ascii;         /* one byte per position */
} Text;

/* False (no exception) if v is neither a str nor bytes-like. */
static bool text_get(Value v, Text *t) {
    t->v = v;
    if (is_str(v)) {
        const ObjStr *s = AS(ObjStr, v);
        *t = (Text){v, s->data, (size_t)s->len, s->cplen, false, s->ascii};
        return true;
    }
    BinBuf b;
    if (!binbuf_get(v, &b)) return false;
    *t = (Text){v, (const char *)b.p, (size_t)b.n, b.n, true, true};
    return true;
}

/* The 1-based line and column of position pos in a pattern; *multi tells
   whether the pattern spans several lines (then the message names the line
   and column too). */
static void error_line_col(Value pattern, int64_t pos, int64_t *line, int64_t *col, bool *multi) {
    *line = 1, *col = pos + 1, *multi = false;
    Text s;
    if (!text_get(pattern, &s)) return;
    *multi = memchr(s.data, '\n', s.len) != NULL;
    int64_t at = 0, line_start = 0;
    for (size_t i = 0; i < s.len && at < pos; i++) {
        if (!s.bytes && ((unsigned char)s.data[i] & 0xC0) == 0x80) continue;
        if (s.data[i] == '\n') (*line)++, line_start = at + 1;
        at++;
    }
    *col = pos - line_start + 1;
}

/* Raises re.error(msg) with CPython's attributes msg, pattern, pos, lineno
   and colno. */
/* re.error(msg, pattern=None, pos=None).__init__: the message gains "at
 * position N" (and the line and column for a pattern of several lines);
 * msg, pattern, pos, lineno and colno are attributes, as CPython's. */
static Value error_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"msg", "pattern", "pos"};
    Value v[3];
    if (nargs < 2 && args_kw(vm, args + 1, nargs - 1, kw, "msg") == UNDEF)   /* (worded as for Python code) */
        return exc_raise(vm, E_TypeError, "error.__init__() missing 1 required positional argument: 'msg'");
    if (!args_bind(vm, "error.__init__", args + 1, nargs - 1, kw, names, 3, 3, 1, 0, v)) return ERR;
    Value pattern = v[1] == UNDEF ? NONE_VAL : v[1], posv = v[2] == UNDEF ? NONE_VAL : v[2];
    Value text = v[0], lineno = NONE_VAL, colno = NONE_VAL;
    if (!is_none(posv)) {
        int64_t pos, line = 1, col;
        bool multi = false;
        if (!int_to_i64(posv, &pos)) return exc_raise(vm, E_TypeError, "re.error: pos must be an int");
        col = pos + 1;
        if (!is_none(pattern)) error_line_col(pattern, pos, &line, &col, &multi);
        StrBuf b = SB_INIT;
        Value ms = op_str(vm, v[0]);
        if (ms == ERR) return ERR;
        sb_addf(&b, "%s at position %lld", AS(ObjStr, ms)->data, (long long)pos);
        if (multi) sb_addf(&b, " (line %lld, column %lld)", (long long)line, (long long)col);
        if ((text = str_from_buf(vm, &b)) == ERR) return ERR;
        lineno = int_from_i64(vm, line);
        colno = int_from_i64(vm, col);
    }
    ObjTuple *t = tuple_from(vm, &text, 1);
    if (!t || !exc_set_args(vm, AS(ObjException, args[0]), t)) return ERR;
    const struct { const char *name; Value v; } attrs[] = {
        {"msg", v[0]}, {"pattern", pattern}, {"pos", posv}, {"lineno", lineno}, {"colno", colno}};
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        ObjStr *n = str_intern_cstr(vm, attrs[i].name);
        if (!n || dict_set_str(vm, AS(ObjInstance, args[0])->dict, n, attrs[i].v) < 0) return ERR;
    }
    return NONE_VAL;
}

static Value raise_error(VM *vm, const char *msg, Value pattern, int64_t pos) {
    Value cls = re_attr(vm, "error");
    Value m = cls == ERR ? ERR : str_from_cstr(vm, msg);
    if (m == ERR || !vm_push_root(vm, m)) return ERR;
    Value argv[3] = {m, pattern, pos >= 0 ? int_from_i64(vm, pos) : NONE_VAL};
    Value exc = op_call(vm, cls, argv, 3, NULL);
    vm_pop_roots(vm, 1);
    return exc == ERR ? ERR : exc_raise_value(vm, exc);
}

static Value raise_no_group(VM *vm) {
    return exc_raise(vm, E_IndexError, "no such group");
}

static bool pat_is_bytes(const ObjIter *p) { return !is_str(p->a); }

/* The subject of a match: a str for a str pattern, bytes-like for a bytes
 * pattern. */
static bool subject_arg(VM *vm, Value pat, Value s, Text *t) {
    if (!text_get(s, t)) {
        exc_raise(vm, E_TypeError, "expected string or bytes-like object, got '%s'", type_name(vm, s));
        return false;
    }
    if (t->bytes == pat_is_bytes(AS(ObjIter, pat))) return true;
    exc_raise(vm, E_TypeError, t->bytes ? "cannot use a string pattern on a bytes-like object"
                                        : "cannot use a bytes pattern on a string-like object");
    return false;
}

/* A replacement or expand() template: CPython decodes anything but a str
 * as latin-1, hence its message. */
static bool template_arg(VM *vm, Value v, Text *t) {
    if (text_get(v, t)) return true;
    exc_raise(vm, E_TypeError, "decoding to str: need a bytes-like object, %s found", type_name(vm, v));
    return false;
}

/* An int argument with a default. */
static bool int_arg(VM *vm, Value v, int64_t dflt, int64_t *out) {
    if (v == UNDEF) { *out = dflt; return true; }
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "'%s' object cannot be interpreted as an integer", type_name(vm, v));
        return false;
    }
    if (!int_to_i64(v, out)) *out = int_sign(v) < 0 ? INT64_MIN : INT64_MAX;
    return true;
}

/* Byte offsets to code points, moving a cursor: offsets mostly increase. */
typedef struct Conv {
    const Text *s;
    size_t byte;
    int64_t cp;
} Conv;

static int64_t conv_cp(Conv *c, size_t off) {
    if (c->s->ascii) return (int64_t)off;
    if (off >= c->byte) c->cp += utf8_count(c->s->data + c->byte, off - c->byte);
    else c->cp -= utf8_count(c->s->data + off, c->byte - off);
    c->byte = off;
    return c->cp;
}

/* Bytes [b0, b1) of a subject, as a str or bytes (a bytearray's too). */
static Value substr(VM *vm, const Text *s, size_t b0, size_t b1) {
    if (b1 > s->len) b1 = s->len;   /* a bytearray may have shrunk since */
    bool whole = b0 == 0 && b1 == s->len;
    if (s->bytes) {
        if (whole && is_kind(s->v, OBJ_BYTES)) return s->v;
        return bytes_new(vm, (const uint8_t *)s->data + b0, b1 > b0 ? b1 - b0 : 0);
    }
    if (whole) return s->v;
    if (b1 <= b0) return obj_val(vm->empty_str);
    return str_new(vm, s->data + b0, b1 - b0);
}

/* ---- compiling ---------------------------------------------------------- */

static void *re_alloc(PCRE2_SIZE size, void *data) {
    size_t total = size + HDR;
    char *p = gc_malloc(data, total);
    if (!p) return NULL;
    memcpy(p, &total, sizeof total);
    return p + HDR;
}

static void re_release(void *ptr, void *data) {
    if (!ptr) return;
    char *p = (char *)ptr - HDR;
    size_t total;
    memcpy(&total, p, sizeof total);
    gc_free(data, p, total);
}

/* groupindex: name -> number, in the order the groups are defined. */
static ObjDict *group_index(VM *vm, pcre2_code *code) {
    ObjDict *d = dict_new(vm);
    uint32_t count = 0, entry = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
    if (!d || count == 0) return d;
    pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &entry);
    pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
    uint32_t ngroups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ngroups);
    /* The table is sorted by name; walk the numbers to get definition order. */
    for (uint32_t g = 1; g <= ngroups; g++) {
        for (uint32_t k = 0; k < count; k++) {
            PCRE2_SPTR e = table + (size_t)k * entry;
            if ((uint32_t)(e[0] << 8 | e[1]) != g) continue;
            ObjStr *name = str_intern_cstr(vm, (const char *)e + 2);
            if (!name || dict_set_str(vm, d, name, int_val(g)) < 0) return NULL;
        }
    }
    return d;
}

/* CPython's checks of the flags (the argument's and the pattern's leading
 * inline ones) against each other and the pattern's kind. */
static bool flags_ok(VM *vm, bool bytes, int64_t flags) {
    const char *msg = NULL;
    if (!bytes && (flags & RE_L)) msg = "cannot use LOCALE flag with a str pattern";
    else if (bytes && (flags & RE_U)) msg = "cannot use UNICODE flag with a bytes pattern";
    else if ((flags & RE_A) && (flags & RE_L)) msg = "ASCII and LOCALE flags are incompatible";
    else if ((flags & RE_A) && (flags & RE_U)) msg = "ASCII and UNICODE flags are incompatible";
    if (msg) exc_raise(vm, E_ValueError, "%s", msg);
    return msg == NULL;
}

/* PCRE2's options: a str pattern is UTF-8 with Unicode classes (unless
 * ASCII); a bytes pattern is neither, so \w, \d, \s, \b and IGNORECASE
 * are ASCII-only, as CPython's are for bytes (LOCALE is taken as ASCII).
 * A multiline ^ also matches after a newline that ends the subject, as in
 * CPython (PCRE2's default does not: ALT_CIRCUMFLEX, which only acts in
 * multiline mode, so an inline (?m) gets it too). */
static uint32_t pcre2_options(bool bytes, int64_t flags) {
    uint32_t opts = (bytes ? 0 : PCRE2_UTF | PCRE2_NO_UTF_CHECK) | PCRE2_ALT_CIRCUMFLEX;
    if (!bytes && !(flags & RE_A)) opts |= PCRE2_UCP;
    if (flags & RE_I) opts |= PCRE2_CASELESS;
    if (flags & RE_M) opts |= PCRE2_MULTILINE;
    if (flags & RE_S) opts |= PCRE2_DOTALL;
    if (flags & RE_X) opts |= PCRE2_EXTENDED;
    return opts;
}

/* Raises re.error(msg) at byte offset at (-1: none) of pattern t; the
 * non-ASCII bytes of a bytes pattern show as \xhh, as CPython's. */
static void raise_syntax_error(VM *vm, const Text *t, const char *msg, int64_t at) {
    StrBuf b = SB_INIT;
    for (const char *c = msg; *c; c++) {
        if (t->bytes && (unsigned char)*c >= 0x80) sb_addf(&b, "\\x%02x", (unsigned char)*c);
        else sb_addc(&b, *c);
    }
    char *text = sb_take(&b);
    if (!text) { exc_nomem(vm); return; }
    raise_error(vm, text, t->v, at >= 0 && !t->ascii ? utf8_count(t->data, (size_t)at) : at);
    free(text);
}

/* PCRE2 (10.42 at least) takes a first code unit from a leading lookahead
 * and then looks for the required last code unit after it, as if that
 * first unit were consumed: (?=a)c*a never matched 'a'. Such a pattern
 * (a lookahead, and both units known) is compiled without the start-of-
 * match optimizations, which are only a speed-up. */
static bool lookahead_start_bug(pcre2_code *code, const StrBuf *out) {
    if (!out->data || !memmem(out->data, out->len, "(?=", 3)) return false;
    uint32_t first = 0, last = 0;
    pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &first);
    pcre2_pattern_info(code, PCRE2_INFO_LASTCODETYPE, &last);
    return first == 1 && last == 1;
}

/* The compiled code for pattern t, or NULL after raising; *rs (zeroed by
 * the caller, who frees it) keeps what the translation learnt. */
static pcre2_code *compile_code(VM *vm, const Text *t, int64_t flags, ReSyntax *rs) {
    if (!re_translate(rs, t->data, t->len, t->bytes, flags)) {
        if (rs->overflow) exc_raise(vm, E_OverflowError, "%s", rs->err);
        else raise_syntax_error(vm, t, rs->err, rs->err_at);
        return NULL;
    }
    if (!flags_ok(vm, t->bytes, flags) || (rs->warn[0] && !exc_warn(vm, E_FutureWarning, "%s", rs->warn)))
        return NULL;
    if (rs->out.oom) { exc_nomem(vm); return NULL; }
    pcre2_general_context *gen = pcre2_general_context_create(re_alloc, re_release, vm);
    pcre2_compile_context *cc = gen ? pcre2_compile_context_create(gen) : NULL;
    pcre2_code *code = NULL;
    int err = 0;
    PCRE2_SIZE erroff = 0;
    if (cc) {
        pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
        pcre2_set_parens_nest_limit(cc, 1000);     /* (CPython has none; big repeats nest) */
        code = pcre2_compile((PCRE2_SPTR)(rs->out.data ? rs->out.data : ""), rs->out.len,
                             pcre2_options(t->bytes, flags), &err, &erroff, cc);
        if (!code && err == PCRE2_ERROR_PATTERN_TOO_LARGE && !(flags & (RE_I | RE_X))) {
            StrBuf f = SB_INIT;
            if (re_factor_alternations(rs->out.data, rs->out.len, !t->bytes, &f))
                code = pcre2_compile((PCRE2_SPTR)f.data, f.len, pcre2_options(t->bytes, flags), &err, &erroff, cc);
            sb_free(&f);
            if (!code) err = PCRE2_ERROR_PATTERN_TOO_LARGE, erroff = 0;
        }
        if (code && lookahead_start_bug(code, &rs->out)) {
            pcre2_code_free(code);
            code = pcre2_compile((PCRE2_SPTR)rs->out.data, rs->out.len,
                                 pcre2_options(t->bytes, flags) | PCRE2_NO_START_OPTIMIZE, &err, &erroff, cc);
        }
    }
    pcre2_compile_context_free(cc);
    pcre2_general_context_free(gen);
    if (!cc) { exc_nomem(vm); return NULL; }
    if (!code) {
        char buf[256];
        int64_t at;
        const char *msg = re_error_text(err, t->data, t->len, re_source_offset(rs, erroff), &at, buf, sizeof buf);
        raise_syntax_error(vm, t, msg, at);
    }
    return code;
}

/* A new Pattern for a str or bytes pattern; re.error for a bad one. */
static Value compile_new(VM *vm, Value pattern, int64_t flags) {
    Value cls = re_attr(vm, "Pattern");
    if (cls == ERR) return ERR;
    ObjByteArray *holder = gc_new(vm, sizeof(ObjByteArray), OBJ_BYTEARRAY, vm->types[T_BYTEARRAY]);
    ObjIter *p = holder ? gc_new(vm, sizeof(ObjIter), OBJ_ITER, AS(ObjClass, cls)) : NULL;
    if (!p) return ERR;
    p->a = pattern;
    p->b = p->c = NONE_VAL;
    Text t;
    text_get(pattern, &t);
    flags |= re_leading_flags(t.data, t.len);
    /* compile_code may run script code (a FutureWarning's filters) */
    Value *root = vm_roots_open(vm, 2);
    if (!root) return ERR;
    root[0] = obj_val(holder);
    root[1] = obj_val(p);
    ReSyntax rs = {0};
    pcre2_code *code = compile_code(vm, &t, flags, &rs);
    if (!code) { vm_pop_roots(vm, 2); re_syntax_free(&rs); return ERR; }
    holder->data = (uint8_t *)code - HDR;
    memcpy(&holder->cap, holder->data, sizeof(size_t));
    uint32_t ngroups = 0;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ngroups);
    ObjTuple *c = tuple_new(vm, (int64_t)ngroups + 1);
    vm_pop_roots(vm, 2);
    if (!c) { re_syntax_free(&rs); return ERR; }
    c->items[0] = obj_val(holder);
    for (uint32_t g = 1; g <= ngroups; g++) c->items[g] = int_val(0);
    for (size_t k = 0; k < rs.nclosed; k++)
        if (rs.closed[k] > 0 && (uint32_t)rs.closed[k] <= ngroups) c->items[rs.closed[k]] = int_val((int64_t)k + 1);
    re_syntax_free(&rs);
    p->c = obj_val(c);
    ObjDict *gi = group_index(vm, code);
    if (!gi) return ERR;
    p->b = obj_val(gi);
    p->i = (flags & RE_A) || t.bytes ? flags : flags | RE_U;
    p->n = ngroups;
    return obj_val(p);
}

/* The Pattern for a pattern argument (str, bytes or Pattern), from the
 * cache, which is keyed by (type, pattern, flags) as CPython's. */
static Value get_pattern(VM *vm, Value pattern, Value flagsv) {
    int64_t flags;
    if (!int_arg(vm, flagsv, 0, &flags)) return ERR;
    if (is_pattern(vm, pattern)) {
        if (flags) return exc_raise(vm, E_ValueError, "cannot process flags argument with a compiled pattern");
        return pattern;
    }
    if (is_kind(pattern, OBJ_BYTEARRAY)) return exc_raise(vm, E_TypeError, "unhashable type: 'bytearray'");
    if (!is_str(pattern) && !is_kind(pattern, OBJ_BYTES))
        return exc_raise(vm, E_TypeError, "first argument must be string or compiled pattern");
    Value cache = re_attr(vm, "_cache");
    if (cache == ERR) return ERR;
    Value kv[3] = {obj_val(as_obj(pattern)->cls), pattern, int_from_i64(vm, flags)};
    ObjTuple *key = tuple_from(vm, kv, 3);
    if (!key) return ERR;
    Value p = is_dict(cache) ? dict_get(vm, AS(ObjDict, cache), obj_val(key)) : UNDEF;
    if (p == ERR || p != UNDEF) return p;
    Value *root = vm_roots_open(vm, 2);     /* compiling may run script code */
    if (!root) return ERR;
    root[0] = obj_val(key);
    p = compile_new(vm, pattern, flags);
    if (p != ERR && is_dict(cache)) {
        root[1] = p;
        if (AS(ObjDict, cache)->count >= CACHE_MAX) dict_clear(vm, AS(ObjDict, cache));
        if (dict_set(vm, AS(ObjDict, cache), obj_val(key), p) < 0) p = ERR;
    }
    vm_pop_roots(vm, 2);
    return p;
}

/* ---- matching ----------------------------------------------------------- */

static Value raise_match_error(VM *vm, int rc) {
    if (rc == PCRE2_ERROR_NOMEMORY) return exc_nomem(vm);
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(rc, msg, sizeof msg);
    return exc_raise(vm, E_RuntimeError, "regular expression matching failed: %s", (const char *)msg);
}

static pcre2_match_data *md_new(VM *vm, pcre2_code *code) {
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!md) exc_nomem(vm);
    return md;
}

/* Successive non-overlapping matches over [start, end) bytes, with CPython's
 * rule for empty matches: one may follow a non-empty match at its end, but
 * after an empty match the next must be non-empty or start further on. */
typedef struct Scan {
    VM *vm;
    pcre2_code *code;
    pcre2_match_data *md;
    const Text *s;
    size_t start, end;
    bool after_empty;
    PCRE2_SIZE *ov;
    int rc;
} Scan;

/* 1: a match (sc->ov, sc->rc), 0: no more, -1 after raising. */
static int scan_next(Scan *sc) {
    while (sc->start <= sc->end) {
        uint32_t o = PCRE2_NO_UTF_CHECK;
        if (sc->after_empty) o |= PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED;
        int rc = pcre2_match(sc->code, (PCRE2_SPTR)sc->s->data, sc->end, sc->start, o, sc->md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH) {
            if (!sc->after_empty || sc->start >= sc->end) return 0;
            sc->after_empty = false;
            size_t pos = sc->start;
            if (sc->s->bytes) pos++;
            else utf8_decode(sc->s->data, sc->end, &pos);
            sc->start = pos;
            continue;
        }
        if (rc < 0) { raise_match_error(sc->vm, rc); return -1; }
        sc->ov = pcre2_get_ovector_pointer(sc->md);
        sc->rc = rc;
        sc->after_empty = sc->ov[0] == sc->ov[1];
        sc->start = sc->ov[1] > sc->ov[0] ? sc->ov[1] : sc->ov[0];
        return 1;
    }
    return 0;
}

/* pos/endpos, clamped as CPython does (in place), to bytes. */
static void clamp_range(const Text *s, int64_t *pos, int64_t *endpos, size_t *b0, size_t *b1) {
    if (*pos < 0) *pos = 0;
    if (*pos > s->npos) *pos = s->npos;
    if (*endpos < 0) *endpos = 0;
    if (*endpos > s->npos) *endpos = s->npos;
    *b0 = s->ascii ? (size_t)*pos : (size_t)str_offset(AS(ObjStr, s->v), *pos);
    *b1 = s->ascii ? (size_t)*endpos : (size_t)str_offset(AS(ObjStr, s->v), *endpos);
}

/* CPython's lastindex: the group that closed last, the one that ends
 * furthest; of those ending at one place, the one whose ')' comes last in
 * the pattern (`(a)()` gives 2, `(a())` 1). rank: the Pattern's c. */
static int64_t last_index(const PCRE2_SIZE *ov, int rc, const Value *rank) {
    int64_t best = -1;
    for (int g = 1; g < rc; g++) {
        if (ov[2 * g] == PCRE2_UNSET) continue;
        if (best < 0 || ov[2 * g + 1] > ov[2 * best + 1] ||
            (ov[2 * g + 1] == ov[2 * best + 1] && as_int(rank[g]) > as_int(rank[best])))
            best = g;
    }
    return best;
}

/* A Match object for the ovector of the last pcre2_match. */
static Value match_new(VM *vm, Value pat, const Text *s, const PCRE2_SIZE *ov, int rc, Conv *cv, int64_t pos,
                       int64_t endpos) {
    Value cls = re_attr(vm, "Match");
    if (cls == ERR) return ERR;
    int64_t ng = AS(ObjIter, pat)->n + 1;
    ObjTuple *spans = tuple_new(vm, 4 * ng);
    ObjIter *m = spans ? gc_new(vm, sizeof(ObjIter), OBJ_ITER, AS(ObjClass, cls)) : NULL;
    if (!m) return ERR;
    for (int64_t g = 0; g < ng; g++) {
        Value *v = spans->items + 4 * g;
        if (g >= rc || ov[2 * g] == PCRE2_UNSET) {
            v[0] = v[1] = v[2] = v[3] = int_val(-1);
            continue;
        }
        v[0] = int_val(conv_cp(cv, ov[2 * g]));
        v[1] = int_val(conv_cp(cv, ov[2 * g + 1]));
        v[2] = int_val((int64_t)ov[2 * g]);
        v[3] = int_val((int64_t)ov[2 * g + 1]);
    }
    m->a = pat;
    m->b = s->v;
    m->c = obj_val(spans);
    m->i = pos;
    m->n = endpos;
    m->step = last_index(ov, rc, AS(ObjTuple, AS(ObjIter, pat)->c)->items);
    return obj_val(m);
}

typedef enum Mode { MODE_MATCH, MODE_FULL, MODE_SEARCH } Mode;

static Value do_match(VM *vm, Value pat, Value string, int64_t pos, int64_t endpos, Mode mode) {
    Text st, *s = &st;
    if (!subject_arg(vm, pat, string, s)) return ERR;
    size_t b0, b1;
    clamp_range(s, &pos, &endpos, &b0, &b1);
    if (endpos < pos) return NONE_VAL;
    pcre2_code *code = pat_code(AS(ObjIter, pat));
    pcre2_match_data *md = md_new(vm, code);
    if (!md) return ERR;
    uint32_t o = PCRE2_NO_UTF_CHECK;
    if (mode != MODE_SEARCH) o |= PCRE2_ANCHORED;
    if (mode == MODE_FULL) o |= PCRE2_ENDANCHORED;
    int rc = pcre2_match(code, (PCRE2_SPTR)s->data, b1, b0, o, md, NULL);
    Value r;
    if (rc == PCRE2_ERROR_NOMATCH) {
        r = NONE_VAL;
    } else if (rc < 0) {
        r = raise_match_error(vm, rc);
    } else {
        Conv cv = {s, b0, pos};     /* (byte b0 is code point pos: no walk from the start) */
        r = match_new(vm, pat, s, pcre2_get_ovector_pointer(md), rc, &cv, pos, endpos);
    }
    pcre2_match_data_free(md);
    return r;
}

/* findall's item for one match: group 0, the one group, or a tuple. */
static Value findall_item(VM *vm, Scan *sc, int64_t ngroups) {
    if (ngroups == 0) return substr(vm, sc->s, sc->ov[0], sc->ov[1]);
    ObjTuple *t = ngroups > 1 ? tuple_new(vm, ngroups) : NULL;
    if (ngroups > 1 && !t) return ERR;
    for (int64_t g = 1; g <= ngroups; g++) {
        bool unset = g >= sc->rc || sc->ov[2 * g] == PCRE2_UNSET;
        Value v = unset ? substr(vm, sc->s, 0, 0) : substr(vm, sc->s, sc->ov[2 * g], sc->ov[2 * g + 1]);
        if (v == ERR) return ERR;
        if (!t) return v;
        t->items[g - 1] = v;
    }
    return obj_val(t);
}

/* findall's list. */
static Value do_findall(VM *vm, Value pat, Value string, int64_t pos, int64_t endpos) {
    Text st, *s = &st;
    if (!subject_arg(vm, pat, string, s)) return ERR;
    ObjList *out = list_new(vm, 0);
    if (!out) return ERR;
    Scan sc = {.vm = vm, .code = pat_code(AS(ObjIter, pat)), .s = s};
    clamp_range(s, &pos, &endpos, &sc.start, &sc.end);
    if (endpos < pos) return obj_val(out);
    sc.md = md_new(vm, sc.code);
    if (!sc.md) return ERR;
    int r;
    while ((r = scan_next(&sc)) > 0) {
        Value v = findall_item(vm, &sc, AS(ObjIter, pat)->n);
        if (v == ERR || list_append(vm, out, v) < 0) { r = -1; break; }
    }
    pcre2_match_data_free(sc.md);
    return r < 0 ? ERR : obj_val(out);
}

/* ---- replacement templates ---------------------------------------------- */

/* A template (sub's repl, expand's argument) is parsed into a list of
 * literals (str or bytes, as the template) and group numbers (ints). Its
 * kind need not be the pattern's: as in CPython, the mismatch is only a
 * TypeError once a group's text or the result has to be joined. */

/* The position (code point or byte) of byte offset off in t. */
static int64_t text_pos(const Text *t, size_t off) { return t->ascii ? (int64_t)off : utf8_count(t->data, off); }

/* A value of t's kind made of a buffer's bytes (the buffer is freed). */
static Value text_from_buf(VM *vm, bool bytes, StrBuf *b) {
    if (b->oom) { sb_free(b); return exc_nomem(vm); }
    if (bytes) {
        Value v = bytes_new(vm, (const uint8_t *)(b->data ? b->data : ""), b->len);
        sb_free(b);
        return v;
    }
    if (b->len == 0) { sb_free(b); return obj_val(vm->empty_str); }
    return str_from_buf(vm, b);
}

static bool tpl_literal(VM *vm, ObjList *l, StrBuf *lit, bool bytes) {
    if (lit->len == 0) return true;
    if (lit->oom) { exc_nomem(vm); return false; }
    Value v = bytes ? bytes_new(vm, (const uint8_t *)lit->data, lit->len) : str_new(vm, lit->data, lit->len);
    lit->len = 0;
    return v != ERR && list_append(vm, l, v) == 0;
}

/* Raises re.error(msg) at position `at` of the template (msg is freed). */
static bool tpl_error(VM *vm, char *msg, const Text *r, int64_t at) {
    if (!msg) { exc_nomem(vm); return false; }
    raise_error(vm, msg, r->v, at);
    free(msg);
    return false;
}

static bool tpl_group(VM *vm, ObjList *l, StrBuf *lit, int64_t g, ObjIter *pat, const Text *r, int64_t at) {
    if (g > pat->n) {
        StrBuf b = SB_INIT;
        sb_addf(&b, "invalid group reference %lld", (long long)g);
        return tpl_error(vm, sb_take(&b), r, at);
    }
    return tpl_literal(vm, l, lit, r->bytes) && list_append(vm, l, int_val(g)) == 0;
}

/* "bad character in group name NAME": a bytes name as CPython shows it,
 * its non-ASCII bytes as \xhh escapes. */
static bool tpl_bad_name(VM *vm, const Text *r, const char *name, size_t n, int64_t at) {
    StrBuf b = SB_INIT;
    sb_adds(&b, "bad character in group name ");
    if (!r->bytes) {
        str_repr_to(&b, name, n);
        return tpl_error(vm, sb_take(&b), r, at);
    }
    sb_addc(&b, '\'');
    for (size_t k = 0; k < n; k++) {
        unsigned char c = (unsigned char)name[k];
        if (c >= 0x80) sb_addf(&b, "\\x%02x", c);
        else if (c == '\\' || c == '\'') sb_addf(&b, "\\%c", c);
        else sb_addc(&b, (char)c);
    }
    sb_addc(&b, '\'');
    return tpl_error(vm, sb_take(&b), r, at);
}

/* \g<name> or \g<number>; i is just past the 'g'. */
static bool tpl_named(VM *vm, ObjList *l, StrBuf *lit, ObjIter *pat, const Text *r, size_t *ip) {
    size_t i = *ip, len = r->len;
    if (i >= len || r->data[i] != '<') {
        raise_error(vm, "missing <", r->v, text_pos(r, i));
        return false;
    }
    size_t start = ++i;
    while (i < len && r->data[i] != '>') i++;
    if (i >= len || i == start) {
        const char *msg = i == start ? "missing group name" : "missing >, unterminated name";
        raise_error(vm, msg, r->v, text_pos(r, start));
        return false;
    }
    size_t n = i - start;
    *ip = i + 1;
    const char *name = r->data + start;
    bool digits = true;
    for (size_t k = 0; k < n; k++) digits = digits && name[k] >= '0' && name[k] <= '9';
    if (digits) {
        int64_t g = 0;
        for (size_t k = 0; k < n && g <= pat->n; k++) g = g * 10 + (name[k] - '0');
        return tpl_group(vm, l, lit, g, pat, r, text_pos(r, start));
    }
    if (!re_name_ok(name, n, r->bytes)) return tpl_bad_name(vm, r, name, n, text_pos(r, start));
    Value nm = str_new(vm, name, n);
    Value g = nm == ERR ? ERR : dict_get(vm, AS(ObjDict, pat->b), nm);
    if (g == ERR) return false;
    if (g == UNDEF) {
        exc_raise(vm, E_IndexError, "unknown group name %R", nm);
        return false;
    }
    return tpl_literal(vm, l, lit, r->bytes) && list_append(vm, l, g) == 0;
}

/* \0, \0o, \0oo or \ooo: an octal escape at d (avail bytes left); false
 * if d starts none. A str template gets the code point, bytes the byte. */
static bool tpl_octal(VM *vm, StrBuf *lit, const Text *r, const char *d, size_t avail, size_t *used, bool *ok) {
    bool oct3 = avail >= 3 && d[0] <= '7' && d[1] >= '0' && d[1] <= '7' && d[2] >= '0' && d[2] <= '7';
    if (d[0] != '0' && !oct3) return false;
    size_t k = 1;
    uint32_t v = (uint32_t)(d[0] - '0');
    while (k < 3 && k < avail && d[k] >= '0' && d[k] <= '7') v = v * 8 + (uint32_t)(d[k++] - '0');
    *used = k;
    *ok = v <= 0377;
    if (!*ok) {
        StrBuf b = SB_INIT;
        sb_addf(&b, "octal escape value \\%.*s outside of range 0-0o377", (int)k, d);
        tpl_error(vm, sb_take(&b), r, text_pos(r, (size_t)(d - r->data) - 1));
    } else if (r->bytes) {
        sb_addc(lit, (char)v);
    } else {
        sb_add_utf8(lit, v);
    }
    return true;
}

/* One escape of a template; i is at the backslash and moves past it. */
static bool tpl_escape(VM *vm, ObjList *l, StrBuf *lit, ObjIter *pat, const Text *r, size_t *ip) {
    size_t i = *ip, len = r->len;
    int64_t at = text_pos(r, i);
    if (i + 1 >= len) {
        raise_error(vm, "bad escape (end of pattern)", r->v, at);
        return false;
    }
    char c = r->data[i + 1];
    *ip = i + 2;
    if (c == 'g') return tpl_named(vm, l, lit, pat, r, ip);
    if (c >= '0' && c <= '9') {
        const char *d = r->data + i + 1;
        size_t avail = len - (i + 1), used = 0;
        bool ok = true;
        if (tpl_octal(vm, lit, r, d, avail, &used, &ok)) {
            *ip = i + 1 + used;
            return ok;
        }
        int64_t g = c - '0';
        if (avail >= 2 && d[1] >= '0' && d[1] <= '9') {
            g = g * 10 + (d[1] - '0');
            *ip = i + 3;
        }
        return tpl_group(vm, l, lit, g, pat, r, at + 1);
    }
    static const char esc_from[] = "abfnrtv\\", esc_to[] = "\a\b\f\n\r\t\v\\";
    const char *e = strchr(esc_from, c);
    if (e && c) {
        sb_addc(lit, esc_to[e - esc_from]);
        return true;
    }
    if (((unsigned char)c | 32) >= 'a' && ((unsigned char)c | 32) <= 'z') {
        StrBuf b = SB_INIT;
        sb_addf(&b, "bad escape \\%c", c);
        return tpl_error(vm, sb_take(&b), r, at);
    }
    sb_addc(lit, '\\');
    *ip = i + 1;
    return true;
}

/* A template as a list of literals and group numbers; a template without
 * a backslash is its own one literal. */
static ObjList *parse_template(VM *vm, ObjIter *pat, const Text *r) {
    if (!memchr(r->data, '\\', r->len)) return list_from(vm, &r->v, 1);
    ObjList *l = list_new(vm, 0);
    if (!l) return NULL;
    StrBuf lit = SB_INIT;
    size_t i = 0, len = r->len;
    while (i < len) {
        if (r->data[i] != '\\') {
            size_t start = i;
            while (i < len && r->data[i] != '\\') i++;
            sb_add(&lit, r->data + start, i - start);
            continue;
        }
        if (!tpl_escape(vm, l, &lit, pat, r, &i)) { sb_free(&lit); return NULL; }
    }
    bool ok = tpl_literal(vm, l, &lit, r->bytes);
    sb_free(&lit);
    return ok ? l : NULL;
}

/* CPython joins a template's expansion as [first literal (maybe empty),
 * then each group that took part and each non-empty literal after it]; the
 * index a group of the wrong kind has in that list, for the message. */
static int64_t tpl_item_index(const ObjList *tpl, int64_t k) {
    int64_t idx = is_int(tpl->items[0]) ? 1 : 0;
    for (int64_t j = 0; j < k; j++) idx += !is_int(tpl->items[j]);
    return idx;
}

/* Appends the expansion of template tpl (of kind tbytes) for a match of
 * subject s (groups at byte offsets ov, rc of them); false after raising. */
static bool tpl_expand(VM *vm, const ObjList *tpl, bool tbytes, const Text *s, const PCRE2_SIZE *ov, int rc,
                       StrBuf *out) {
    for (int64_t k = 0; k < tpl->len; k++) {
        Value v = tpl->items[k];
        Text lit;
        if (text_get(v, &lit)) {
            sb_add(out, lit.data, lit.len);
            continue;
        }
        int64_t g = as_int(v);
        if (g >= rc || ov[2 * g] == PCRE2_UNSET) continue;
        if (s->bytes != tbytes) {
            exc_raise(vm, E_TypeError, tbytes ? "sequence item %lld: expected a bytes-like object, %s found"
                                              : "sequence item %lld: expected str instance, %s found",
                      (long long)tpl_item_index(tpl, k), s->bytes ? "bytes" : "str");
            return false;
        }
        size_t b0 = ov[2 * g] < s->len ? ov[2 * g] : s->len, b1 = ov[2 * g + 1] < s->len ? ov[2 * g + 1] : s->len;
        if (b1 > b0) sb_add(out, s->data + b0, b1 - b0);
    }
    return true;
}

/* sub's join: each piece must be of the pattern's kind. */
static bool piece_check(VM *vm, bool bytes, bool piece_bytes, const char *type, int64_t idx) {
    if (bytes == piece_bytes) return true;
    exc_raise(vm, E_TypeError, bytes ? "sequence item %lld: expected a bytes-like object, %s found"
                                     : "sequence item %lld: expected str instance, %s found",
              (long long)idx, type);
    return false;
}

/* Appends sub's replacement for the current match: the template's
 * expansion, or what the callable returns (None adds nothing). */
static bool sub_piece(VM *vm, Value pat, Value repl, const ObjList *tpl, Scan *sc, Conv *cv, int64_t *pieces,
                      StrBuf *out) {
    const Text *s = sc->s;
    if (tpl) {
        Text r;
        text_get(repl, &r);
        StrBuf tmp = SB_INIT;
        bool ok = tpl_expand(vm, tpl, r.bytes, s, sc->ov, sc->rc, r.bytes == s->bytes ? out : &tmp);
        sb_free(&tmp);
        const char *type = tpl->len == 1 && tpl->items[0] == repl ? type_name(vm, repl) : r.bytes ? "bytes" : "str";
        return ok && piece_check(vm, s->bytes, r.bytes, type, (*pieces)++);
    }
    Value m = match_new(vm, pat, s, sc->ov, sc->rc, cv, 0, s->npos);
    Value v = m == ERR ? ERR : op_call1(vm, repl, m);
    if (v == ERR) return false;
    if (v == NONE_VAL) return true;
    Text t;
    bool ok = text_get(v, &t);
    if (!piece_check(vm, s->bytes, ok ? t.bytes : !s->bytes, type_name(vm, v), (*pieces)++)) return false;
    sb_add(out, t.data, t.len);
    return true;
}

/* The parsed template of sub's repl, or NULL for a callable one (*err set
 * after raising). */
static ObjList *sub_template(VM *vm, Value pat, Value repl, bool *err) {
    Text r;
    *err = false;
    if (!text_get(repl, &r) && op_callable(vm, repl)) return NULL;
    ObjList *tpl = template_arg(vm, repl, &r) ? parse_template(vm, AS(ObjIter, pat), &r) : NULL;
    *err = tpl == NULL;
    return tpl;
}

/* sub/subn: the new string, and the number of replacements in *nsub. */
static Value do_sub(VM *vm, Value pat, Value repl, Value string, int64_t count, int64_t *nsub) {
    Text st, *s = &st;
    bool err;
    if (!subject_arg(vm, pat, string, s)) return ERR;
    ObjList *tpl = sub_template(vm, pat, repl, &err);
    if (err) return ERR;
    /* A callable repl runs script code: the Pattern (maybe only in the
     * cache, which that code may clear) must stay alive; a bytearray
     * subject is exported meanwhile (resizing it is a BufferError, as in
     * CPython) and a memoryview's memory, which a release() could free,
     * is scanned in a copy. */
    ObjByteArray *exported = !tpl && is_kind(string, OBJ_BYTEARRAY) ? AS(ObjByteArray, string) : NULL;
    Value copy = tpl || !is_memview(string) ? NONE_VAL : bytes_new(vm, (const uint8_t *)s->data, s->len);
    if (copy == ERR || !push_root(vm, pat)) return ERR;
    if (!push_root(vm, copy)) { vm_pop_roots(vm, 1); return ERR; }
    if (copy != NONE_VAL) s->data = (const char *)AS(ObjBytes, copy)->data;
    if (exported) exported->exports++;
    Scan sc = {.vm = vm, .code = pat_code(AS(ObjIter, pat)), .s = s, .end = s->len};
    sc.md = md_new(vm, sc.code);
    StrBuf out = SB_INIT;
    Conv cv = {s, 0, 0};
    size_t last = 0;
    int64_t n = 0, pieces = 0;     /* pieces: what CPython's join counts, for its message */
    int r = sc.md ? 0 : -1;
    while (r == 0 && (count <= 0 || n < count) && (r = scan_next(&sc)) > 0) {
        if (sc.ov[0] > last) pieces++;
        sb_add(&out, s->data + last, sc.ov[0] - last);
        last = sc.ov[1];
        n++;
        r = sub_piece(vm, pat, repl, tpl, &sc, &cv, &pieces, &out) ? 0 : -1;
        /* A result past 2 GiB fails as CPython's join of the pieces does,
           rather than growing until the machine runs out of memory. */
        if (r == 0 && (out.oom || out.len > (size_t)INT32_MAX)) {
            exc_nomem(vm);
            r = -1;
        }
    }
    if (sc.md) pcre2_match_data_free(sc.md);
    vm_pop_roots(vm, 2);
    if (exported) exported->exports--;
    if (r < 0) { sb_free(&out); return ERR; }
    *nsub = n;
    if (n == 0) { sb_free(&out); return substr(vm, s, 0, s->len); }
    sb_add(&out, s->data + last, s->len - last);
    return text_from_buf(vm, s->bytes, &out);
}

static Value do_split(VM *vm, Value pat, Value string, int64_t maxsplit) {
    Text st, *s = &st;
    if (!subject_arg(vm, pat, string, s)) return ERR;
    ObjList *out = list_new(vm, 0);
    if (!out) return ERR;
    if (maxsplit < 0) {     /* a negative maxsplit means no split at all */
        Value v = substr(vm, s, 0, s->len);
        if (v == ERR || list_append(vm, out, v) < 0) return ERR;
        return obj_val(out);
    }
    int64_t ngroups = AS(ObjIter, pat)->n;
    Scan sc = {.vm = vm, .code = pat_code(AS(ObjIter, pat)), .s = s, .end = s->len};
    sc.md = md_new(vm, sc.code);
    if (!sc.md) return ERR;
    size_t last = 0;
    int64_t n = 0;
    int r = 0;
    while ((maxsplit <= 0 || n < maxsplit) && (r = scan_next(&sc)) > 0) {
        n++;
        Value v = substr(vm, s, last, sc.ov[0]);
        if (v == ERR || list_append(vm, out, v) < 0) { r = -1; break; }
        for (int64_t g = 1; g <= ngroups && r >= 0; g++) {
            v = g >= sc.rc || sc.ov[2 * g] == PCRE2_UNSET ? NONE_VAL : substr(vm, s, sc.ov[2 * g], sc.ov[2 * g + 1]);
            if (v == ERR || list_append(vm, out, v) < 0) r = -1;
        }
        if (r < 0) break;
        last = sc.ov[1];
    }
    pcre2_match_data_free(sc.md);
    if (r < 0) return ERR;
    Value v = substr(vm, s, last, s->len);
    return v == ERR || list_append(vm, out, v) < 0 ? ERR : obj_val(out);
}

/* ---- module functions ---------------------------------------------------- */

static Value re_compile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"pattern", "flags"};
    Value p[2];
    if (!args_bind(vm, "compile", args, nargs, kw, names, 2, 2, 1, 0, p)) return ERR;
    return get_pattern(vm, p[0], p[1]);
}

static Value re_match_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, Mode mode) {
    static const char *const names[] = {"pattern", "string", "flags"};
    Value p[3];
    if (!args_bind(vm, fname, args, nargs, kw, names, 3, 3, 2, 0, p)) return ERR;
    Value pat = get_pattern(vm, p[0], p[2]);
    return pat == ERR ? ERR : do_match(vm, pat, p[1], 0, INT64_MAX, mode);
}

static Value re_match(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_match_common(vm, args, nargs, kw, "match", MODE_MATCH);
}
static Value re_fullmatch(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_match_common(vm, args, nargs, kw, "fullmatch", MODE_FULL);
}
static Value re_search(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_match_common(vm, args, nargs, kw, "search", MODE_SEARCH);
}

static Value finditer_of(VM *vm, Value pat, Value string, int64_t pos, int64_t endpos);
static Value scanner_of(VM *vm, Value pat, Value string, int64_t pos, int64_t endpos);

static Value re_findall_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, bool iter) {
    static const char *const names[] = {"pattern", "string", "flags"};
    Value p[3];
    if (!args_bind(vm, fname, args, nargs, kw, names, 3, 3, 2, 0, p)) return ERR;
    Value pat = get_pattern(vm, p[0], p[2]);
    if (pat == ERR) return ERR;
    return iter ? finditer_of(vm, pat, p[1], 0, INT64_MAX) : do_findall(vm, pat, p[1], 0, INT64_MAX);
}

static Value re_findall(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_findall_common(vm, args, nargs, kw, "findall", false);
}
static Value re_finditer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_findall_common(vm, args, nargs, kw, "finditer", true);
}

static Value sub_result(VM *vm, Value s, int64_t n, bool with_count) {
    if (s == ERR || !with_count) return s;
    Value kv[2] = {s, int_from_i64(vm, n)};
    ObjTuple *t = tuple_from(vm, kv, 2);
    return t ? obj_val(t) : ERR;
}

static Value re_sub_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, bool with_count) {
    static const char *const names[] = {"pattern", "repl", "string", "count", "flags"};
    Value p[5];
    int64_t count, n = 0;
    if (!args_bind(vm, fname, args, nargs, kw, names, 5, 5, 3, 0, p) || !int_arg(vm, p[3], 0, &count)) return ERR;
    Value pat = get_pattern(vm, p[0], p[4]);
    Value r = pat == ERR ? ERR : do_sub(vm, pat, p[1], p[2], count, &n);
    return sub_result(vm, r, n, with_count);
}

static Value re_sub(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_sub_common(vm, args, nargs, kw, "sub", false);
}
static Value re_subn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return re_sub_common(vm, args, nargs, kw, "subn", true);
}

static Value re_split(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"pattern", "string", "maxsplit", "flags"};
    Value p[4];
    int64_t maxsplit;
    if (!args_bind(vm, "split", args, nargs, kw, names, 4, 4, 2, 0, p) || !int_arg(vm, p[2], 0, &maxsplit)) return ERR;
    Value pat = get_pattern(vm, p[0], p[3]);
    return pat == ERR ? ERR : do_split(vm, pat, p[1], maxsplit);
}

static Value re_escape(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "escape", nargs, kw, 1, 1)) return ERR;
    Text s;
    if (!template_arg(vm, args[0], &s)) return ERR;
    static const char special[] = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f";
    StrBuf b = SB_INIT;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.data[i];
        if (c && strchr(special, c)) sb_addc(&b, '\\');
        sb_addc(&b, c);
    }
    return text_from_buf(vm, s.bytes, &b);
}

static Value re_purge(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "purge", nargs, kw, 0, 0)) return ERR;
    Value cache = re_attr(vm, "_cache");
    if (cache == ERR) return ERR;
    if (is_dict(cache)) dict_clear(vm, AS(ObjDict, cache));
    return NONE_VAL;
}

/* ---- Pattern ------------------------------------------------------------ */

static bool pat_self(VM *vm, Value *args, int nargs, const char *fname) {
    if (nargs >= 1 && is_pattern(vm, args[0])) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' for 're.Pattern' objects doesn't apply to a '%s' object", fname,
              nargs ? type_name(vm, args[0]) : "NoneType");
    return false;
}

/* (string, pos=0, endpos=maxsize) */
static bool pat_range_args(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, Value *string,
                           int64_t *pos, int64_t *endpos) {
    static const char *const names[] = {"string", "pos", "endpos"};
    Value p[3];
    if (!pat_self(vm, args, nargs, fname)) return false;
    if (!args_bind(vm, fname, args + 1, nargs - 1, kw, names, 3, 3, 1, 0, p)) return false;
    *string = p[0];
    return int_arg(vm, p[1], 0, pos) && int_arg(vm, p[2], INT64_MAX, endpos);
}

static Value pat_match_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, Mode mode) {
    Value s;
    int64_t pos, endpos;
    if (!pat_range_args(vm, args, nargs, kw, fname, &s, &pos, &endpos)) return ERR;
    return do_match(vm, args[0], s, pos, endpos, mode);
}

static Value pat_match(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pat_match_common(vm, args, nargs, kw, "match", MODE_MATCH);
}
static Value pat_fullmatch(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pat_match_common(vm, args, nargs, kw, "fullmatch", MODE_FULL);
}
static Value pat_search(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pat_match_common(vm, args, nargs, kw, "search", MODE_SEARCH);
}

static Value pat_findall(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value s;
    int64_t pos, endpos;
    if (!pat_range_args(vm, args, nargs, kw, "findall", &s, &pos, &endpos)) return ERR;
    return do_findall(vm, args[0], s, pos, endpos);
}

static Value pat_finditer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value s;
    int64_t pos, endpos;
    if (!pat_range_args(vm, args, nargs, kw, "finditer", &s, &pos, &endpos)) return ERR;
    return finditer_of(vm, args[0], s, pos, endpos);
}

static Value pat_sub_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, bool with_count) {
    static const char *const names[] = {"repl", "string", "count"};
    Value p[3];
    int64_t count, n = 0;
    if (!pat_self(vm, args, nargs, fname)) return ERR;
    if (!args_bind(vm, fname, args + 1, nargs - 1, kw, names, 3, 3, 2, 0, p) || !int_arg(vm, p[2], 0, &count))
        return ERR;
    Value r = do_sub(vm, args[0], p[0], p[1], count, &n);
    return sub_result(vm, r, n, with_count);
}

static Value pat_sub(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pat_sub_common(vm, args, nargs, kw, "sub", false);
}
static Value pat_subn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return pat_sub_common(vm, args, nargs, kw, "subn", true);
}

static Value pat_split(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"string", "maxsplit"};
    Value p[2];
    int64_t maxsplit;
    if (!pat_self(vm, args, nargs, "split")) return ERR;
    if (!args_bind(vm, "split", args + 1, nargs - 1, kw, names, 2, 2, 1, 0, p) || !int_arg(vm, p[1], 0, &maxsplit))
        return ERR;
    return do_split(vm, args[0], p[0], maxsplit);
}

/* ---- Pattern.scanner ---------------------------------------------------- */

/* A scanner walks its subject match by match, as finditer does, but one
 * call at a time: match() wants the next match right where the previous
 * one ended, search() anywhere after it. Layout (an ObjIter):
 *   a the Pattern, b the subject, c a tuple (byte, position, end byte) of
 *   where the next match may start and the end of the range, None once no
 *   match is left; i pos, n endpos (clamped, for the matches); step 1 after
 *   an empty match (the next may not be empty at the same place). */

static bool scanner_self(VM *vm, Value *args, int nargs, const char *fname) {
    if (nargs >= 1 && is_instance_of(vm, args[0], "_SRE_Scanner")) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' for '_sre.SRE_Scanner' objects doesn't apply to a '%s' object",
              fname, nargs ? type_name(vm, args[0]) : "NoneType");
    return false;
}

static Value pat_scanner(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value string;
    int64_t pos, endpos;
    if (!pat_range_args(vm, args, nargs, kw, "scanner", &string, &pos, &endpos)) return ERR;
    return scanner_of(vm, args[0], string, pos, endpos);
}

/* finditer: as CPython's, iter(pattern.scanner(...).search, None), so the
   matches are found one at a time as the loop asks for them. */
static Value finditer_of(VM *vm, Value pat, Value string, int64_t pos, int64_t endpos) {
    Value sc = scanner_of(vm, pat, string, pos, endpos);
    if (sc == ERR || !push_root(vm, sc)) return ERR;
    Value search = op_getattr(vm, sc, str_intern_cstr(vm, "search"));
    vm_pop_roots(vm, 1);
    return search == ERR ? ERR : iter_callable(vm, search, NONE_VAL);
}

static Value scanner_of(VM *vm, Value pat, Value string, int64_t pos, int64_t endpos) {
    Value args[1] = {pat};
    Text s;
    if (!subject_arg(vm, args[0], string, &s)) return ERR;
    size_t b0, b1;
    clamp_range(&s, &pos, &endpos, &b0, &b1);
    Value cls = re_attr(vm, "_SRE_Scanner");
    if (cls == ERR) return ERR;
    ObjTuple *cur = tuple_from(vm, (Value[]){int_val((int64_t)b0), int_val(pos), int_val((int64_t)b1)}, 3);
    if (!cur || !push_root(vm, obj_val(cur))) return ERR;
    ObjIter *sc = gc_new(vm, sizeof(ObjIter), OBJ_ITER, AS(ObjClass, cls));
    vm_pop_roots(vm, 1);
    if (!sc) return ERR;
    sc->a = args[0];
    sc->b = string;
    sc->c = endpos < pos ? NONE_VAL : obj_val(cur);
    sc->i = pos;
    sc->n = endpos;
    sc->step = 0;
    return obj_val(sc);
}

/* The next match from where the scanner stands, anchored there for match(). */
static Value scanner_next(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, bool search) {
    if (!scanner_self(vm, args, nargs, fname) || !args_check(vm, fname, nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *sc = AS(ObjIter, args[0]);
    if (!is_tuple(sc->c)) return NONE_VAL;
    const Value *cur = AS(ObjTuple, sc->c)->items;
    Text s;
    if (!subject_arg(vm, sc->a, sc->b, &s)) return ERR;
    size_t end = (size_t)as_int(cur[2]), start = (size_t)as_int(cur[0]);
    if (end > s.len) end = s.len;       /* a bytearray may have shrunk */
    if (start > end) { sc->c = NONE_VAL; return NONE_VAL; }
    Scan scan = {.vm = vm, .code = pat_code(AS(ObjIter, sc->a)), .s = &s, .start = start, .end = end,
                 .after_empty = sc->step != 0};
    scan.md = md_new(vm, scan.code);
    if (!scan.md) return ERR;
    int r;
    if (search) {
        r = scan_next(&scan);
    } else {
        uint32_t o = PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED | (scan.after_empty ? PCRE2_NOTEMPTY_ATSTART : 0);
        int rc = pcre2_match(scan.code, (PCRE2_SPTR)s.data, end, start, o, scan.md, NULL);
        r = rc == PCRE2_ERROR_NOMATCH ? 0 : rc < 0 ? (raise_match_error(vm, rc), -1) : 1;
        if (r > 0) scan.ov = pcre2_get_ovector_pointer(scan.md), scan.rc = rc;
    }
    Value m = r < 0 ? ERR : NONE_VAL;
    if (r > 0) {
        Conv cv = {&s, start, as_int(cur[1])};
        m = match_new(vm, sc->a, &s, scan.ov, scan.rc, &cv, sc->i, sc->n);
        ObjTuple *next = NULL;
        if (m != ERR && push_root(vm, m)) {
            Value at[3] = {int_val((int64_t)scan.ov[1]), int_val(conv_cp(&cv, scan.ov[1])), int_val((int64_t)end)};
            next = tuple_from(vm, at, 3);
            vm_pop_roots(vm, 1);
        }
        if (!next) m = ERR;
        else sc->c = obj_val(next), sc->step = scan.ov[0] == scan.ov[1];
    } else if (r == 0) {
        sc->c = NONE_VAL;
    }
    pcre2_match_data_free(scan.md);
    return m;
}

static Value scanner_match(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return scanner_next(vm, args, nargs, kw, "match", false);
}
static Value scanner_search(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return scanner_next(vm, args, nargs, kw, "search", true);
}
static Value scanner_get_pattern(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return scanner_self(vm, args, nargs, "pattern") ? AS(ObjIter, args[0])->a : ERR;
}

/* repr(v), cut after `max` code points as CPython's reprs of patterns and
 * matches do (their closing quote goes too). */
static bool repr_cut(VM *vm, Value v, size_t max, StrBuf *b) {
    StrBuf r = SB_INIT;
    if (!op_repr_to(vm, v, &r)) { sb_free(&r); return false; }
    size_t end = 0;
    for (size_t n = 0; end < r.len && n < max; n++) utf8_decode(r.data, r.len, &end);
    sb_add(b, r.data ? r.data : "", end);
    sb_free(&r);
    return true;
}

/* Patterns are equal when their pattern, its type and their flags are. */
static Value pat_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!pat_self(vm, args, nargs, "__eq__") || !args_check(vm, "__eq__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_pattern(vm, args[1])) return NOTIMPL_VAL;
    ObjIter *a = AS(ObjIter, args[0]), *b = AS(ObjIter, args[1]);
    if (a == b) return TRUE_VAL;
    if (a->i != b->i || is_str(a->a) != is_str(b->a)) return FALSE_VAL;
    int eq = op_eq(vm, a->a, b->a);
    return eq < 0 ? ERR : eq ? TRUE_VAL : FALSE_VAL;
}

static Value pat_ne(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value eq = pat_eq(vm, args, nargs, kw);
    return eq == TRUE_VAL ? FALSE_VAL : eq == FALSE_VAL ? TRUE_VAL : eq;
}

static Value pat_hash(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!pat_self(vm, args, nargs, "__hash__") || !args_check(vm, "__hash__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *p = AS(ObjIter, args[0]);
    uint64_t h;
    if (op_hash(vm, p->a, &h) < 0) return ERR;
    h = h * 1000003u ^ (uint64_t)p->i;
    return int_from_i64(vm, (int64_t)(h >> 1));
}

/* Pickled as re._compile(pattern, flags), as CPython does. */
static Value pat_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!pat_self(vm, args, nargs, "__reduce__") || !args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *p = AS(ObjIter, args[0]);
    Value fn = re_attr(vm, "_compile"), flags = int_from_i64(vm, p->i);
    if (fn == ERR || flags == ERR) return ERR;
    ObjTuple *a = tuple_from(vm, (Value[]){p->a, flags}, 2);
    if (!a || !push_root(vm, obj_val(a))) return ERR;
    ObjTuple *r = tuple_from(vm, (Value[]){fn, obj_val(a)}, 2);
    vm_pop_roots(vm, 1);
    return r ? obj_val(r) : ERR;
}

static Value pat_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!pat_self(vm, args, nargs, "__repr__") || !args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *p = AS(ObjIter, args[0]);
    static const struct { int64_t bit; const char *name; } flags[] = {
        {1, "re.TEMPLATE"}, {RE_I, "re.IGNORECASE"}, {RE_L, "re.LOCALE"}, {RE_M, "re.MULTILINE"},
        {RE_S, "re.DOTALL"}, {RE_U, "re.UNICODE"}, {RE_X, "re.VERBOSE"}, {128, "re.DEBUG"}, {RE_A, "re.ASCII"},
    };
    StrBuf b = SB_INIT;
    sb_adds(&b, "re.compile(");
    if (!repr_cut(vm, p->a, 200, &b)) { sb_free(&b); return ERR; }
    int64_t f = p->i & ~(int64_t)RE_U;
    if (f) {
        sb_adds(&b, ", ");
        bool first = true;
        for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
            if (!(f & flags[i].bit)) continue;
            sb_addf(&b, "%s%s", first ? "" : "|", flags[i].name);
            first = false;
            f &= ~flags[i].bit;
        }
        if (f) sb_addf(&b, "%s0x%llx", first ? "" : "|", (unsigned long long)f);
    }
    sb_addc(&b, ')');
    return str_from_buf(vm, &b);
}

static Value pat_get_pattern(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return pat_self(vm, args, nargs, "pattern") ? AS(ObjIter, args[0])->a : ERR;
}
static Value pat_get_flags(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return pat_self(vm, args, nargs, "flags") ? int_from_i64(vm, AS(ObjIter, args[0])->i) : ERR;
}
static Value pat_get_groups(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return pat_self(vm, args, nargs, "groups") ? int_from_i64(vm, AS(ObjIter, args[0])->n) : ERR;
}
static Value pat_get_groupindex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (!pat_self(vm, args, nargs, "groupindex")) return ERR;
    ObjDict *d = dict_copy(vm, AS(ObjDict, AS(ObjIter, args[0])->b));
    return d ? mappingproxy_new(vm, obj_val(d)) : ERR;
}

/* ---- Match -------------------------------------------------------------- */

static bool match_self(VM *vm, Value *args, int nargs, const char *fname) {
    if (nargs >= 1 && is_match(vm, args[0])) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' for 're.Match' objects doesn't apply to a '%s' object", fname,
              nargs ? type_name(vm, args[0]) : "NoneType");
    return false;
}

static const Value *m_span(ObjIter *m, int64_t g) { return AS(ObjTuple, m->c)->items + 4 * g; }

/* The group number for an index or name; -1 after IndexError. */
static int64_t m_group_index(VM *vm, ObjIter *m, Value g) {
    int64_t n = AS(ObjIter, m->a)->n;
    if (is_intlike(g)) {
        int64_t i;
        if (int_to_i64(g, &i) && i >= 0 && i <= n) return i;
    } else if (is_str(g)) {
        Value v = dict_get_str(AS(ObjDict, AS(ObjIter, m->a)->b), AS(ObjStr, g));
        if (is_int(v)) return as_int(v);
    } else if (class_lookup(type_of(vm, g), vm_name(vm, N___index__)) != UNDEF) {
        int64_t i;     /* an object with __index__ is a number, as in CPython */
        if (!index_value(vm, g, &i, "group")) return -1;
        if (i >= 0 && i <= n) return i;
    }
    raise_no_group(vm);
    return -1;
}

/* The subject of a match, now (a bytearray may have changed since). */
static bool m_subject(VM *vm, ObjIter *m, Text *s) {
    if (text_get(m->b, s)) return true;
    exc_raise(vm, E_ValueError, "operation forbidden on released memoryview object");
    return false;
}

/* The text of group g, or dflt when it did not take part. */
static Value m_group_str(VM *vm, ObjIter *m, int64_t g, Value dflt) {
    const Value *sp = m_span(m, g);
    if (as_int(sp[0]) < 0) return dflt;
    Text s;
    return m_subject(vm, m, &s) ? substr(vm, &s, (size_t)as_int(sp[2]), (size_t)as_int(sp[3])) : ERR;
}

static Value m_group(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!match_self(vm, args, nargs, "group") || !args_check(vm, "group", 0, kw, 0, 0)) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    if (nargs == 1) return m_group_str(vm, m, 0, NONE_VAL);
    if (nargs == 2) {
        int64_t g = m_group_index(vm, m, args[1]);
        return g < 0 ? ERR : m_group_str(vm, m, g, NONE_VAL);
    }
    ObjTuple *t = tuple_new(vm, nargs - 1);
    if (!t) return ERR;
    for (int i = 1; i < nargs; i++) {
        int64_t g = m_group_index(vm, m, args[i]);
        Value v = g < 0 ? ERR : m_group_str(vm, m, g, NONE_VAL);
        if (v == ERR) return ERR;
        t->items[i - 1] = v;
    }
    return obj_val(t);
}

static Value m_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!match_self(vm, args, nargs, "__getitem__") || !args_check(vm, "__getitem__", nargs - 1, kw, 1, 1)) return ERR;
    int64_t g = m_group_index(vm, AS(ObjIter, args[0]), args[1]);
    return g < 0 ? ERR : m_group_str(vm, AS(ObjIter, args[0]), g, NONE_VAL);
}

static Value m_default_arg(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, Value *dflt) {
    static const char *const names[] = {"default"};
    Value p[1];
    if (!match_self(vm, args, nargs, fname) || !args_bind(vm, fname, args + 1, nargs - 1, kw, names, 1, 1, 0, 0, p))
        return ERR;
    *dflt = p[0] == UNDEF ? NONE_VAL : p[0];
    return NONE_VAL;
}

static Value m_groups(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value dflt;
    if (m_default_arg(vm, args, nargs, kw, "groups", &dflt) == ERR) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    int64_t n = AS(ObjIter, m->a)->n;
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    for (int64_t g = 1; g <= n; g++) {
        Value v = m_group_str(vm, m, g, dflt);
        if (v == ERR) return ERR;
        t->items[g - 1] = v;
    }
    return obj_val(t);
}

static Value m_groupdict(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value dflt;
    if (m_default_arg(vm, args, nargs, kw, "groupdict", &dflt) == ERR) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    ObjDict *d = dict_new(vm);
    if (!d) return ERR;
    int64_t pos = 0;
    Value k, g;
    while (dict_next(AS(ObjDict, AS(ObjIter, m->a)->b), &pos, &k, &g)) {
        Value v = m_group_str(vm, m, as_int(g), dflt);
        if (v == ERR || dict_set(vm, d, k, v) < 0) return ERR;
    }
    return obj_val(d);
}

/* start/end/span: which = 0, 1 or 2. */
static Value m_pos_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, int which) {
    if (!match_self(vm, args, nargs, fname) || !args_check(vm, fname, nargs - 1, kw, 0, 1)) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    int64_t g = nargs > 1 ? m_group_index(vm, m, args[1]) : 0;
    if (g < 0) return ERR;
    const Value *sp = m_span(m, g);
    if (which < 2) return sp[which];
    ObjTuple *t = tuple_from(vm, sp, 2);
    return t ? obj_val(t) : ERR;
}

static Value m_start(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return m_pos_common(vm, args, nargs, kw, "start", 0);
}
static Value m_end(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return m_pos_common(vm, args, nargs, kw, "end", 1);
}
static Value m_spanf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return m_pos_common(vm, args, nargs, kw, "span", 2);
}

static Value m_expand(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!match_self(vm, args, nargs, "expand") || !args_check(vm, "expand", nargs - 1, kw, 1, 1)) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    Text r, s;
    if (!template_arg(vm, args[1], &r)) return ERR;
    ObjList *tpl = parse_template(vm, AS(ObjIter, m->a), &r);
    if (!tpl || !m_subject(vm, m, &s)) return ERR;
    /* The groups' byte offsets as an ovector, for tpl_expand. */
    int64_t ng = AS(ObjIter, m->a)->n + 1;
    PCRE2_SIZE *ov = malloc(sizeof *ov * 2 * (size_t)ng);
    if (!ov) return exc_nomem(vm);
    for (int64_t g = 0; g < ng; g++) {
        const Value *sp = m_span(m, g);
        ov[2 * g] = as_int(sp[2]) < 0 ? PCRE2_UNSET : (PCRE2_SIZE)as_int(sp[2]);
        ov[2 * g + 1] = as_int(sp[3]) < 0 ? PCRE2_UNSET : (PCRE2_SIZE)as_int(sp[3]);
    }
    StrBuf out = SB_INIT;
    bool ok = tpl_expand(vm, tpl, r.bytes, &s, ov, (int)ng, &out);
    free(ov);
    if (!ok) { sb_free(&out); return ERR; }
    return text_from_buf(vm, r.bytes, &out);
}

static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!match_self(vm, args, nargs, "__repr__") || !args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    const Value *sp = m_span(m, 0);
    Value g = m_group_str(vm, m, 0, NONE_VAL);
    if (g == ERR) return ERR;
    StrBuf b = SB_INIT;
    sb_addf(&b, "<re.Match object; span=(%lld, %lld), match=", (long long)as_int(sp[0]), (long long)as_int(sp[1]));
    if (!repr_cut(vm, g, 50, &b)) { sb_free(&b); return ERR; }
    sb_addc(&b, '>');
    return str_from_buf(vm, &b);
}

static Value m_get_string(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return match_self(vm, args, nargs, "string") ? AS(ObjIter, args[0])->b : ERR;
}
static Value m_get_re(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return match_self(vm, args, nargs, "re") ? AS(ObjIter, args[0])->a : ERR;
}
static Value m_get_pos(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return match_self(vm, args, nargs, "pos") ? int_from_i64(vm, AS(ObjIter, args[0])->i) : ERR;
}
static Value m_get_endpos(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    return match_self(vm, args, nargs, "endpos") ? int_from_i64(vm, AS(ObjIter, args[0])->n) : ERR;
}
static Value m_get_lastindex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (!match_self(vm, args, nargs, "lastindex")) return ERR;
    int64_t li = AS(ObjIter, args[0])->step;
    return li < 0 ? NONE_VAL : int_from_i64(vm, li);
}
static Value m_get_lastgroup(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (!match_self(vm, args, nargs, "lastgroup")) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    if (m->step < 0) return NONE_VAL;
    int64_t pos = 0;
    Value k, g;
    while (dict_next(AS(ObjDict, AS(ObjIter, m->a)->b), &pos, &k, &g)) {
        if (is_int(g) && as_int(g) == m->step) return k;
    }
    return NONE_VAL;
}

static Value m_get_regs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (!match_self(vm, args, nargs, "regs")) return ERR;
    ObjIter *m = AS(ObjIter, args[0]);
    int64_t n = AS(ObjIter, m->a)->n + 1;
    ObjTuple *t = tuple_new(vm, n);
    if (!t) return ERR;
    for (int64_t g = 0; g < n; g++) {
        ObjTuple *p = tuple_from(vm, m_span(m, g), 2);
        if (!p) return ERR;
        t->items[g] = obj_val(p);
    }
    return obj_val(t);
}

/* ---- the module --------------------------------------------------------- */

/* Patterns and matches are immutable, so copy.copy() and copy.deepcopy()
   hand back the object itself (CPython treats them as atomic too). */
static Value re_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__copy__", nargs - 1, kw, 0, 0)) return ERR;
    return args[0];
}
static Value re_deepcopy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__deepcopy__", nargs - 1, kw, 1, 1)) return ERR;
    return args[0];
}

typedef struct Method {
    const char *name;
    NativeFn fn;
} Method;

static ObjClass *make_class(VM *vm, const char *name, const Method *methods, size_t nm, const Method *props,
                            size_t np) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_ITER);
    Value mod = str_from_cstr(vm, "re");
    if (!c || mod == ERR) return NULL;
    c->module = mod;
    if (dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return NULL;
    for (size_t i = 0; i < nm; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return NULL;
    }
    for (size_t i = 0; i < np; i++) {
        if (!class_add_property(vm, c, props[i].name, props[i].fn)) return NULL;
    }
    return class_add_generic(vm, c) ? c : NULL;
}

static bool add_classes(VM *vm, ObjModule *m) {
    static const Method pmethods[] = {
        {"match", pat_match}, {"fullmatch", pat_fullmatch}, {"search", pat_search}, {"findall", pat_findall},
        {"finditer", pat_finditer}, {"sub", pat_sub}, {"subn", pat_subn}, {"split", pat_split},
        {"scanner", pat_scanner}, {"__eq__", pat_eq}, {"__ne__", pat_ne}, {"__hash__", pat_hash},
        {"__reduce__", pat_reduce}, {"__repr__", pat_repr}, {"__copy__", re_copy}, {"__deepcopy__", re_deepcopy},
    };
    static const Method pprops[] = {
        {"pattern", pat_get_pattern}, {"flags", pat_get_flags}, {"groups", pat_get_groups},
        {"groupindex", pat_get_groupindex},
    };
    static const Method mmethods[] = {
        {"group", m_group}, {"groups", m_groups}, {"groupdict", m_groupdict}, {"start", m_start}, {"end", m_end},
        {"span", m_spanf}, {"expand", m_expand}, {"__getitem__", m_getitem}, {"__repr__", m_repr},
        {"__copy__", re_copy}, {"__deepcopy__", re_deepcopy},
    };
    static const Method mprops[] = {
        {"string", m_get_string}, {"re", m_get_re}, {"pos", m_get_pos}, {"endpos", m_get_endpos},
        {"lastindex", m_get_lastindex}, {"lastgroup", m_get_lastgroup}, {"regs", m_get_regs},
    };
    ObjClass *pc = make_class(vm, "Pattern", pmethods, sizeof pmethods / sizeof pmethods[0], pprops,
                              sizeof pprops / sizeof pprops[0]);
    if (pc) pc->obj.flags |= CLASS_WEAKREFABLE;     /* (a Match takes none, as CPython's) */
    ObjClass *mc = pc ? make_class(vm, "Match", mmethods, sizeof mmethods / sizeof mmethods[0], mprops,
                                   sizeof mprops / sizeof mprops[0])
                      : NULL;
    static const Method smethods[] = {{"match", scanner_match}, {"search", scanner_search}};
    static const Method sprops[] = {{"pattern", scanner_get_pattern}};
    ObjClass *sc = mc ? make_class(vm, "SRE_Scanner", smethods, 2, sprops, 1) : NULL;
    if (!sc) return false;
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_from(vm, (Value[]){obj_val(vm->exc_types[E_Exception])}, 1);
    ObjStr *name = str_intern_cstr(vm, "error");
    Value modname = str_from_cstr(vm, "re");
    if (!ns || !bases || !name || modname == ERR) return false;
    if (dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return false;
    Value err = class_new(vm, name, bases, ns);
    if (err != ERR && !class_add_native(vm, AS(ObjClass, err), "__init__", error_init)) return false;
    return err != ERR && module_add_value(vm, m, "Pattern", obj_val(pc)) &&
           module_add_value(vm, m, "Match", obj_val(mc)) && module_add_value(vm, m, "_SRE_Scanner", obj_val(sc)) &&
           module_add_value(vm, m, "error", err);
}

/* The flags (re.I, ...) and RegexFlag live in stdlib/_re_py.asy, loaded on
 * first use: it imports enum, which a plain `import re` need not pay for. */
static Value re_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"RegexFlag", "NOFLAG", "A", "ASCII", "I", "IGNORECASE", "L", "LOCALE",
                                        "U", "UNICODE", "M", "MULTILINE", "S", "DOTALL", "X", "VERBOSE",
                                        "T", "TEMPLATE", "DEBUG", "Scanner", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    return module_lazy_attr(vm, "re", "_re_py", names, args[0]);
}

bool mod_re_init(VM *vm, ObjModule *m) {
    static const Method funcs[] = {
        {"compile", re_compile}, {"_compile", re_compile}, {"match", re_match}, {"fullmatch", re_fullmatch}, {"search", re_search},
        {"findall", re_findall}, {"finditer", re_finditer}, {"sub", re_sub}, {"subn", re_subn},
        {"split", re_split}, {"escape", re_escape}, {"purge", re_purge},
    };
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (!module_add_native(vm, m, funcs[i].name, funcs[i].fn)) return false;
    }
    ObjDict *cache = dict_new(vm);
    /* CPython's __all__ but for the deprecated template(): `import *` needs
     * it for the lazily loaded flags. */
    static const char *const all[] = {
        "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "compile", "purge",
        "escape", "error", "Pattern", "Match", "A", "I", "L", "M", "S", "X", "U", "ASCII", "IGNORECASE",
        "LOCALE", "MULTILINE", "DOTALL", "VERBOSE", "UNICODE", "NOFLAG", "RegexFlag", NULL};
    return cache && module_add_value(vm, m, "_cache", obj_val(cache)) && add_classes(vm, m) &&
           module_add_native(vm, m, "__getattr__", re_getattr) && module_add_all(vm, m, all);
}
