/* _io: StringIO and BytesIO in C, and the file classes of vm/file.c under
 * their CPython names. stdlib/io.asy builds the io module on top (the
 * IOBase hierarchy, where the classes here are registered as virtual
 * subclasses).
 *
 * StringIO and BytesIO are ordinary classes, so programs can subclass them:
 * an instance keeps its state in a native core (IOCore) stored in its
 * __dict__, the first entry when __init__ ran on a fresh instance, so it is
 * found without hashing. A StringIO holds UTF-8 and tracks its position
 * both in code points (what tell() says) and in bytes, so reading and
 * appending never rescan the text; only a seek in text that is not ASCII
 * counts code points from the start. */
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

/* newline=None (translated to '\n' on write), '', '\n', '\r', '\r\n' */
enum { NL_NONE, NL_ANY, NL_LF, NL_CR, NL_CRLF };
/* Which newlines a StringIO(newline=None) has seen (its `newlines`). */
enum { SEEN_CR = 1, SEEN_LF = 2, SEEN_CRLF = 4 };

typedef struct IOCore {
    Obj obj;
    char *data;
    int64_t len, cap;       /* bytes */
    int64_t pos;            /* byte offset of the position, at most len */
    int64_t cplen, cppos;   /* StringIO: code points; cppos may pass cplen (a seek past the end) */
    uint8_t closed, binary, ascii, newline, seen;
} IOCore;

static void core_free(VM *vm, Obj *o) {
    IOCore *c = (IOCore *)o;
    if (c->data) gc_free(vm, c->data, (size_t)c->cap);
}

static const CType core_ctype = {sizeof(IOCore), NULL, core_free, NULL};

static bool is_core(Value v) { return is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &core_ctype; }

static ObjStr *core_key(VM *vm) { return str_intern_cstr(vm, "__iocore__"); }

/* self's core, or NULL after raising (an instance whose __init__ never ran,
 * or one of the other kind). */
static IOCore *core_of(VM *vm, Value self, bool binary) {
    IOCore *c = NULL;
    if (is_kind(self, OBJ_INSTANCE) && AS(ObjInstance, self)->dict) {
        ObjDict *d = AS(ObjInstance, self)->dict;
        Value v = d->nentries && is_core(d->entries[0].value) ? d->entries[0].value : UNDEF;
        if (v == UNDEF) {
            ObjStr *k = core_key(vm);
            v = k ? dict_get_str(d, k) : UNDEF;
        }
        if (is_core(v)) c = (IOCore *)as_obj(v);
    }
    if (!c || c->binary != binary) {
        exc_raise(vm, E_ValueError, "I/O operation on uninitialized object");
        return NULL;
    }
    return c;
}

static IOCore *open_core(VM *vm, Value self, bool binary) {
    IOCore *c = core_of(vm, self, binary);
    if (c && c->closed) {
        exc_raise(vm, E_ValueError, binary ? "I/O operation on closed file." : "I/O operation on closed file");
        return NULL;
    }
    return c;
}

static bool reserve(VM *vm, IOCore *c, int64_t need) {
    if (need <= c->cap) return true;
    int64_t cap = c->cap ? c->cap : 64;
    while (cap < need) cap *= 2;
    char *p = gc_realloc(vm, c->data, (size_t)c->cap, (size_t)cap);
    if (!p) return false;
    c->data = p;
    c->cap = cap;
    return true;
}

/* ---- positions in UTF-8 ----------------------------------------------------- */

static bool is_cont(char ch) { return ((unsigned char)ch & 0xC0) == 0x80; }

/* The byte offset n code points after byte offset `from` (or the end). */
static int64_t skip_cps(const IOCore *c, int64_t from, int64_t n) {
    if (c->ascii) return n < c->len - from ? from + n : c->len;
    int64_t p = from;
    while (n > 0 && p < c->len) {
        p++;
        while (p < c->len && is_cont(c->data[p])) p++;
        n--;
    }
    return p;
}

static int64_t count_cps(const char *s, int64_t n) {
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) k += !is_cont(s[i]);
    return k;
}

/* Moves a StringIO to code point `cp`. */
static void seek_cp(IOCore *c, int64_t cp) {
    c->cppos = cp;
    c->pos = skip_cps(c, 0, cp < c->cplen ? cp : c->cplen);
}

/* ---- arguments ---------------------------------------------------------------- */

/* An optional size: None or absent is -1 (everything). */
static bool size_arg(VM *vm, Value v, int64_t *out) {
    *out = -1;
    if (v == UNDEF || is_none(v)) return true;
    if (!is_intlike(v) && op_special(vm, v, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "argument should be integer or None, not '%T'", v), false;
    if (!count_value(vm, v, out)) return false;
    if (*out < 0) *out = -1;
    return true;
}

/* The bytes of a bytes-like argument. */
static bool buffer_arg(VM *vm, Value v, const uint8_t **p, int64_t *n) {
    BinBuf b;
    if (!binbuf_arg(vm, v, &b)) return false;
    *p = b.p, *n = b.n;
    return true;
}

static int newline_mode(VM *vm, Value nl) {
    if (nl == UNDEF) return NL_LF;
    if (is_none(nl)) return NL_NONE;
    if (!is_str(nl)) { exc_raise(vm, E_TypeError, "newline must be str or None, not %T", nl); return -1; }
    ObjStr *s = AS(ObjStr, nl);
    if (s->len == (int64_t)strlen(s->data)) {
        if (!s->len) return NL_ANY;
        if (!strcmp(s->data, "\n")) return NL_LF;
        if (!strcmp(s->data, "\r")) return NL_CR;
        if (!strcmp(s->data, "\r\n")) return NL_CRLF;
    }
    exc_raise(vm, E_ValueError, "illegal newline value: %R", nl);
    return -1;
}

/* ---- writing -------------------------------------------------------------------- */

/* Replaces what lies at the position with n bytes (k code points) and moves
 * past them; a position past the end is padded with NULs first. */
static bool put(VM *vm, IOCore *c, const char *s, int64_t n, int64_t k) {
    int64_t end_cp = c->binary ? c->len : c->cplen;
    int64_t at_cp = c->binary ? c->pos : c->cppos;
    if (at_cp > end_cp) {
        int64_t pad = at_cp - end_cp;
        if (!reserve(vm, c, c->len + pad)) return false;
        memset(c->data + c->len, 0, (size_t)pad);
        c->len += pad;
        c->cplen += pad;
        c->pos = c->len;
    }
    /* The bytes being overwritten: k code points from pos, or what is left. */
    int64_t over = c->binary ? (c->len - c->pos < n ? c->len - c->pos : n) : skip_cps(c, c->pos, k) - c->pos;
    int64_t over_cps = c->binary ? over : count_cps(c->data + c->pos, over);
    int64_t nlen = c->len - over + n;
    if (!reserve(vm, c, nlen)) return false;
    memmove(c->data + c->pos + n, c->data + c->pos + over, (size_t)(c->len - c->pos - over));
    memcpy(c->data + c->pos, s, (size_t)n);
    c->len = nlen;
    c->pos += n;
    if (!c->binary) {
        c->cplen += k - over_cps;
        c->cppos += k;
    }
    return true;
}

/* The text a StringIO stores for `s`: newlines translated as its mode says. */
static bool translate(VM *vm, IOCore *c, ObjStr *s, StrBuf *out, int64_t *ncps) {
    *ncps = s->cplen;
    const char *p = s->data;
    int64_t n = s->len;
    if (c->newline == NL_ANY || c->newline == NL_LF || !memchr(p, c->newline == NL_NONE ? '\r' : '\n', (size_t)n)) {
        if (c->newline == NL_NONE && memchr(p, '\n', (size_t)n)) c->seen |= SEEN_LF;
        sb_add(out, p, (size_t)n);
        return !out->oom || (exc_nomem(vm), false);
    }
    for (int64_t i = 0; i < n; i++) {
        char ch = p[i];
        if (c->newline == NL_NONE) {
            if (ch == '\r') {
                bool crlf = i + 1 < n && p[i + 1] == '\n';
                c->seen |= crlf ? SEEN_CRLF : SEEN_CR;
                if (crlf) { i++; (*ncps)--; }
                sb_addc(out, '\n');
                continue;
            }
            if (ch == '\n') c->seen |= SEEN_LF;
            sb_addc(out, ch);
        } else if (ch == '\n') {
            if (c->newline == NL_CRLF) { sb_add(out, "\r\n", 2); (*ncps)++; }
            else sb_addc(out, '\r');
        } else {
            sb_addc(out, ch);
        }
    }
    return !out->oom || (exc_nomem(vm), false);
}

static Value str_write(VM *vm, IOCore *c, Value v) {
    if (!is_str(v)) return exc_raise(vm, E_TypeError, "string argument expected, got '%T'", v);
    ObjStr *s = AS(ObjStr, v);
    StrBuf b = SB_INIT;
    int64_t k;
    if (!translate(vm, c, s, &b, &k)) { sb_free(&b); return ERR; }
    bool ascii = s->ascii;
    bool ok = b.len == 0 || put(vm, c, b.data, (int64_t)b.len, k);
    sb_free(&b);
    if (!ok) return exc_nomem(vm);
    c->ascii &= ascii;
    return int_from_i64(vm, s->cplen);
}

static Value bytes_write(VM *vm, IOCore *c, Value v) {
    const uint8_t *p;
    int64_t n;
    if (!buffer_arg(vm, v, &p, &n)) return ERR;
    if (n && !put(vm, c, (const char *)p, n, n)) return exc_nomem(vm);
    return int_from_i64(vm, n);
}

/* ---- reading -------------------------------------------------------------------- */

static Value result(VM *vm, IOCore *c, int64_t from, int64_t to) {
    if (c->binary) return bytes_new(vm, (const uint8_t *)c->data + from, (size_t)(to - from));
    return str_new(vm, c->data + from, (size_t)(to - from));
}

/* Moves past the bytes [pos, to) and returns them. */
static Value take(VM *vm, IOCore *c, int64_t to) {
    int64_t from = c->pos;
    if (from >= c->len || (!c->binary && c->cppos >= c->cplen)) return result(vm, c, 0, 0);
    Value r = result(vm, c, from, to);
    if (r == ERR) return ERR;
    if (!c->binary) c->cppos += c->ascii ? to - from : count_cps(c->data + from, to - from);
    c->pos = to;
    return r;
}

static Value read_n(VM *vm, IOCore *c, int64_t n) {
    if (c->pos >= c->len || (!c->binary && c->cppos >= c->cplen)) return result(vm, c, 0, 0);
    int64_t to = n < 0 ? c->len : c->binary ? (c->len - c->pos < n ? c->len : c->pos + n) : skip_cps(c, c->pos, n);
    return take(vm, c, to);
}

/* The end of the line at the position (past its newline), at most `limit`
 * characters on. */
static int64_t line_end(IOCore *c, int64_t limit) {
    const char *p = c->data;
    int64_t i = c->pos, end = c->len;
    if (limit >= 0) end = c->binary ? (end - i < limit ? end : i + limit) : skip_cps(c, i, limit);
    int nl = c->binary ? NL_LF : c->newline;
    for (; i < end; i++) {
        char ch = p[i];
        if (nl == NL_LF || nl == NL_NONE) {
            if (ch == '\n') return i + 1;
        } else if (nl == NL_CR) {
            if (ch == '\r') return i + 1;
        } else if (nl == NL_CRLF) {
            if (ch == '\r' && i + 1 < end && p[i + 1] == '\n') return i + 2;
        } else {
            if (ch == '\n') return i + 1;
            if (ch == '\r') return i + 1 < end && p[i + 1] == '\n' ? i + 2 : i + 1;
        }
    }
    return end;
}

static Value read_line(VM *vm, IOCore *c, int64_t limit) {
    if (c->pos >= c->len || (!c->binary && c->cppos >= c->cplen)) return result(vm, c, 0, 0);
    return take(vm, c, line_end(c, limit));
}

static int64_t item_len(Value v) {
    return is_str(v) ? AS(ObjStr, v)->cplen : AS(ObjBytes, v)->len;
}

/* ---- the methods both classes share ------------------------------------------ */

#define SELF(binary) \
    IOCore *c = open_core(vm, args[0], binary); \
    if (!c) return ERR

static Value m_read(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "read", nargs - 1, kw, 0, 1)) return ERR;
    SELF(binary);
    int64_t n;
    if (!size_arg(vm, nargs > 1 ? args[1] : UNDEF, &n)) return ERR;
    return read_n(vm, c, n);
}

static Value m_readline(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "readline", nargs - 1, kw, 0, 1)) return ERR;
    SELF(binary);
    int64_t n;
    if (!size_arg(vm, nargs > 1 ? args[1] : UNDEF, &n)) return ERR;
    return read_line(vm, c, n);
}

static Value m_readlines(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "readlines", nargs - 1, kw, 0, 1)) return ERR;
    SELF(binary);
    int64_t hint;
    if (!size_arg(vm, nargs > 1 ? args[1] : UNDEF, &hint)) return ERR;
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    int64_t total = 0;
    for (;;) {
        Value line = read_line(vm, c, -1);
        if (line == ERR || item_len(line) == 0) {
            vm_pop_roots(vm, 1);
            return line == ERR ? ERR : obj_val(l);
        }
        if (list_append(vm, l, line) < 0) { vm_pop_roots(vm, 1); return ERR; }
        total += item_len(line);
        if (hint > 0 && total >= hint) break;
    }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

static Value m_write(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "write", nargs - 1, kw, 1, 1)) return ERR;
    SELF(binary);
    return binary ? bytes_write(vm, c, args[1]) : str_write(vm, c, args[1]);
}

static Value m_writelines(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "writelines", nargs - 1, kw, 1, 1)) return ERR;
    if (!open_core(vm, args[0], binary)) return ERR;
    Value it = op_iter(vm, args[1]);
    if (it == ERR || !vm_push_root(vm, it)) return ERR;
    Value v;
    while ((v = op_next(vm, it)) != UNDEF && v != ERR) {
        /* Looked up each time: a line's __str__ could close the file. */
        IOCore *c = open_core(vm, args[0], binary);
        if (!c || (binary ? bytes_write(vm, c, v) : str_write(vm, c, v)) == ERR) { v = ERR; break; }
    }
    vm_pop_roots(vm, 1);
    return v == ERR ? ERR : NONE_VAL;
}

static Value m_getvalue(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "getvalue", nargs - 1, kw, 0, 0)) return ERR;
    SELF(binary);
    return result(vm, c, 0, c->len);
}

static Value m_tell(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "tell", nargs - 1, kw, 0, 0)) return ERR;
    SELF(binary);
    return int_from_i64(vm, binary ? c->pos : c->cppos);
}

static Value m_seek(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "seek", nargs - 1, kw, 1, 2)) return ERR;
    int64_t pos, whence = 0;
    if (!ssize_value(vm, args[1], &pos) || (nargs > 2 && !ssize_value(vm, args[2], &whence))) return ERR;
    SELF(binary);
    if (whence < 0 || whence > 2)
        return exc_raise(vm, E_ValueError, binary ? "invalid whence (%lld, should be 0, 1 or 2)"
                                                  : "Invalid whence (%lld, should be 0, 1 or 2)", (long long)whence);
    if (binary) {
        if (whence == 0 && pos < 0) return exc_raise(vm, E_ValueError, "negative seek value %lld", (long long)pos);
        if (whence == 1) pos += c->pos;
        else if (whence == 2) pos += c->len;
        c->pos = pos < 0 ? 0 : pos;
        return int_from_i64(vm, c->pos);
    }
    if (whence == 0 && pos < 0) return exc_raise(vm, E_ValueError, "Negative seek position %lld", (long long)pos);
    if (whence != 0 && pos != 0)
        return exc_raise(vm, E_OSError, "Can't do nonzero cur-relative seeks");   /* CPython's text for both */
    if (whence == 1) return int_from_i64(vm, c->cppos);
    seek_cp(c, whence == 2 ? c->cplen : pos);
    return int_from_i64(vm, c->cppos);
}

static Value m_truncate(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "truncate", nargs - 1, kw, 0, 1)) return ERR;
    SELF(binary);
    int64_t size = binary ? c->pos : c->cppos;
    if (nargs > 1 && !is_none(args[1]) && !count_value(vm, args[1], &size)) return ERR;
    if (size < 0) return exc_raise(vm, E_ValueError, binary ? "negative size value %lld" : "Negative size value %lld", (long long)size);
    if (binary) {
        if (size < c->len) c->len = size;
    } else if (size < c->cplen) {
        c->len = skip_cps(c, 0, size);
        c->cplen = size;
        if (c->pos > c->len) c->pos = c->len;
    }
    return int_from_i64(vm, size);
}

static Value m_close(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    IOCore *c = core_of(vm, args[0], binary);
    if (!c) return ERR;
    if (!c->closed && c->data) {
        gc_free(vm, c->data, (size_t)c->cap);
        c->data = NULL;
        c->cap = c->len = c->pos = c->cplen = c->cppos = 0;
    }
    c->closed = 1;
    return NONE_VAL;
}

static Value m_closed(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    (void)nargs; (void)kw;
    IOCore *c = core_of(vm, args[0], binary);
    return c ? bool_val(c->closed) : ERR;
}

/* readable(), writable(), seekable(): True while open. */
static Value m_true(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "readable", nargs - 1, kw, 0, 0)) return ERR;
    SELF(binary);
    return TRUE_VAL;
}

static Value m_isatty(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "isatty", nargs - 1, kw, 0, 0)) return ERR;
    SELF(binary);
    return FALSE_VAL;
}

static Value m_flush(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "flush", nargs - 1, kw, 0, 0)) return ERR;
    SELF(binary);
    return NONE_VAL;
}

/* The dict of vm/file.c's module (open's self), or NULL. */
static ObjDict *file_classes(VM *vm) {
    Value open_fn = dict_get_str(vm->builtins, str_intern_cstr(vm, "open"));
    if (!is_kind(open_fn, OBJ_NATIVE) || !is_kind(AS(ObjNative, open_fn)->self, OBJ_MODULE)) return NULL;
    return AS(ObjModule, AS(ObjNative, open_fn)->self)->dict;
}

/* Raises io.UnsupportedOperation(what). */
static Value unsupported(VM *vm, const char *what) {
    ObjDict *files = file_classes(vm);
    Value cls = files ? dict_get_str(files, str_intern_cstr(vm, "UnsupportedOperation")) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_OSError, "%s", what);
    Value msg = str_from_cstr(vm, what);
    Value e = msg == ERR ? ERR : op_call1(vm, cls, msg);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static Value m_fileno(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    if (!args_check(vm, "fileno", nargs - 1, kw, 0, 0)) return ERR;
    SELF(binary);
    return unsupported(vm, "fileno");
}

static Value m_enter(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    (void)nargs; (void)kw;
    SELF(binary);
    return args[0];
}

static Value m_exit(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    (void)kw;
    Value r = m_close(vm, args, 1, NULL, binary);
    (void)nargs;
    return r == ERR ? ERR : NONE_VAL;
}

static Value m_iter(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    (void)nargs; (void)kw;
    IOCore *c = core_of(vm, args[0], binary);
    if (!c) return ERR;
    /* IOBase's check, with its wording for both classes. */
    if (c->closed) return exc_raise(vm, E_ValueError, "I/O operation on closed file.");
    return args[0];
}

static Value m_next(VM *vm, Value *args, int nargs, ObjTuple *kw, bool binary) {
    (void)nargs; (void)kw;
    SELF(binary);
    Value line = read_line(vm, c, -1);
    if (line == ERR || item_len(line)) return line;
    Value e = exc_new(vm, vm->exc_types[E_StopIteration], vm->empty_tuple);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* ---- StringIO --------------------------------------------------------------- */

static bool attach_core(VM *vm, Value self, IOCore **out) {
    if (!is_kind(self, OBJ_INSTANCE) || !AS(ObjInstance, self)->dict)
        return exc_raise(vm, E_TypeError, "descriptor '__init__' requires an io object"), false;
    ObjDict *d = AS(ObjInstance, self)->dict;
    ObjStr *k = core_key(vm);
    Value v = k ? dict_get_str(d, k) : UNDEF;
    if (is_core(v)) {       /* __init__ again: start over */
        IOCore *c = (IOCore *)as_obj(v);
        if (c->data) gc_free(vm, c->data, (size_t)c->cap);
        c->data = NULL;
        c->cap = c->len = c->pos = c->cplen = c->cppos = 0;
        c->closed = c->seen = 0;
        c->ascii = 1;
        *out = c;
        return true;
    }
    ObjClass *cls = NULL;
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "_io"));
    Value cv = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, "_IOCore")) : UNDEF;
    if (is_kind(cv, OBJ_CLASS)) cls = AS(ObjClass, cv);
    if (!cls) return exc_raise(vm, E_RuntimeError, "the _io module lost its classes"), false;
    IOCore *c = gc_new(vm, sizeof(IOCore), OBJ_CDATA, cls);
    if (!c) return false;
    c->ascii = 1;
    *out = c;
    return k && dict_set_str(vm, d, k, obj_val(c)) == 0;
}

static Value stringio_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"initial_value", "newline"};
    Value a[2];
    if (!args_bind(vm, "StringIO", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, a)) return ERR;
    if (a[0] != UNDEF && !is_none(a[0]) && !is_str(a[0]))
        return exc_raise(vm, E_TypeError, "initial_value must be str or None, not %T", a[0]);
    int nl = newline_mode(vm, a[1]);
    if (nl < 0) return ERR;
    IOCore *c;
    if (!attach_core(vm, args[0], &c)) return ERR;
    c->newline = (uint8_t)nl;
    if (is_str(a[0]) && AS(ObjStr, a[0])->len) {
        if (str_write(vm, c, a[0]) == ERR) return ERR;
        seek_cp(c, 0);
    }
    return NONE_VAL;
}

static Value stringio_newlines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    SELF(false);
    if (c->newline != NL_NONE || !c->seen) return NONE_VAL;
    static const char *const kinds[] = {"\r", "\n", "\r\n"};
    Value items[3];
    int n = 0;
    for (int i = 0; i < 3; i++) {
        if (c->seen & (1 << i)) {
            items[n] = str_from_cstr(vm, kinds[i]);
            if (items[n++] == ERR) return ERR;
        }
    }
    if (n == 1) return items[0];
    ObjTuple *t = tuple_from(vm, items, n);
    return t ? obj_val(t) : ERR;
}

static Value stringio_line_buffering(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    SELF(false);
    return FALSE_VAL;
}

static Value stringio_detach(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    return unsupported(vm, "detach");
}

static Value bytesio_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"initial_bytes"};
    Value a[1];
    if (!args_bind(vm, "BytesIO", args + 1, nargs - 1, kw, names, 1, 1, 0, 0, a)) return ERR;
    const uint8_t *p = NULL;
    int64_t n = 0;
    if (a[0] != UNDEF && !is_none(a[0]) && !buffer_arg(vm, a[0], &p, &n)) return ERR;
    IOCore *c;
    if (!attach_core(vm, args[0], &c)) return ERR;
    c->binary = 1;
    c->newline = NL_LF;
    if (n && !put(vm, c, (const char *)p, n, n)) return exc_nomem(vm);
    c->pos = 0;
    return NONE_VAL;
}

/* read1 and readinto: the buffered-reader calls. */
static Value bytesio_readinto(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "readinto", nargs - 1, kw, 1, 1)) return ERR;
    SELF(true);
    uint8_t *p;
    int64_t room;
    Value target = memview_writable_target(vm, args[1]);
    if (target == ERR) return ERR;
    if (target == UNDEF || !binbuf_writable(target, &p, &room))
        return exc_raise(vm, E_TypeError, "readinto() argument must be read-write bytes-like object, not %T", args[1]);
    int64_t n = c->pos < c->len ? c->len - c->pos : 0;
    if (n > room) n = room;
    if (n) memcpy(p, c->data + c->pos, (size_t)n);
    c->pos += n;
    return int_from_i64(vm, n);
}

/* getbuffer(): a memoryview of the contents. It views a copy, so it reads
 * like CPython's but writes through it do not reach the BytesIO (and the
 * BytesIO may still be resized while it lives). */
static Value bytesio_getbuffer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    /* CPython's message here has no count (an Argument Clinic method) */
    if (nargs > 1 || (kw && kw->len)) return exc_raise(vm, E_TypeError, "getbuffer() takes no arguments");
    IOCore *c = open_core(vm, args[0], true);
    if (!c) return ERR;
    Value ba = bytearray_new(vm, (const uint8_t *)c->data, (size_t)c->len);
    if (ba == ERR) return ERR;
    vm_push_root(vm, ba);
    Value view = memview_of(vm, ba);
    vm_pop_roots(vm, 1);
    return view;
}

/* ---- registration ------------------------------------------------------------ */

#define BOTH(name) \
    static Value s_##name(VM *vm, Value *a, int n, ObjTuple *k) { return m_##name(vm, a, n, k, false); } \
    static Value b_##name(VM *vm, Value *a, int n, ObjTuple *k) { return m_##name(vm, a, n, k, true); }
BOTH(read) BOTH(readline) BOTH(readlines) BOTH(write) BOTH(writelines) BOTH(getvalue) BOTH(tell) BOTH(seek)
BOTH(truncate) BOTH(close) BOTH(closed) BOTH(true) BOTH(isatty) BOTH(flush) BOTH(fileno) BOTH(enter) BOTH(exit)
BOTH(iter) BOTH(next)
#undef BOTH

typedef struct Method { const char *name; NativeFn fn; } Method;

static ObjClass *make_class(VM *vm, ObjModule *m, const char *name, const Method *methods, size_t n, NativeFn closed) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = ns ? tuple_new(vm, 0) : NULL;
    ObjStr *s = bases ? str_intern_cstr(vm, name) : NULL;
    Value mod = s ? str_from_cstr(vm, "_io") : ERR;
    if (mod == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), mod) < 0) return NULL;
    Value cls = class_new(vm, s, bases, ns);
    if (cls == ERR) return NULL;
    ObjClass *c = AS(ObjClass, cls);
    char tp[64];
    snprintf(tp, sizeof tp, "_io.%s", name);           /* what messages call it, as CPython */
    if (!(c->tp_name = str_intern_cstr(vm, tp))) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return NULL;
    }
    if (!class_add_property(vm, c, "closed", closed)) return NULL;
    return module_add_value(vm, m, name, cls) ? c : NULL;
}

/* The file classes and open() of vm/file.c's hidden module, under the
 * names CPython's _io has. */
static bool add_file_names(VM *vm, ObjModule *m) {
    ObjDict *files = file_classes(vm);
    if (!files) return false;
    static const char *const names[] = {"TextIOWrapper", "BufferedReader", "BufferedWriter", "BufferedRandom",
                                        "FileIO", "UnsupportedOperation"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        Value v = dict_get_str(files, str_intern_cstr(vm, names[i]));
        if (v == UNDEF || !module_add_value(vm, m, names[i], v)) return false;
    }
    return module_add_value(vm, m, "open", dict_get_str(vm->builtins, str_intern_cstr(vm, "open")));
}

bool mod_io_init(VM *vm, ObjModule *m) {
    static const Method text[] = {
        {"__init__", stringio_init}, {"read", s_read}, {"readline", s_readline}, {"readlines", s_readlines},
        {"write", s_write}, {"writelines", s_writelines}, {"getvalue", s_getvalue}, {"tell", s_tell},
        {"seek", s_seek}, {"truncate", s_truncate}, {"close", s_close}, {"readable", s_true},
        {"writable", s_true}, {"seekable", s_true}, {"isatty", s_isatty}, {"flush", s_flush},
        {"fileno", s_fileno}, {"detach", stringio_detach}, {"__enter__", s_enter}, {"__exit__", s_exit},
        {"__iter__", s_iter}, {"__next__", s_next},
    };
    static const Method binary[] = {
        {"__init__", bytesio_init}, {"read", b_read}, {"read1", b_read}, {"readline", b_readline},
        {"readlines", b_readlines}, {"readinto", bytesio_readinto}, {"getbuffer", bytesio_getbuffer}, {"write", b_write},
        {"writelines", b_writelines}, {"getvalue", b_getvalue}, {"tell", b_tell}, {"seek", b_seek},
        {"truncate", b_truncate}, {"close", b_close}, {"readable", b_true}, {"writable", b_true},
        {"seekable", b_true}, {"isatty", b_isatty}, {"flush", b_flush}, {"fileno", b_fileno},
        {"__enter__", b_enter}, {"__exit__", b_exit}, {"__iter__", b_iter}, {"__next__", b_next},
    };
    ObjClass *core = class_new_builtin(vm, "_IOCore", vm->types[T_OBJECT], OBJ_CDATA);
    if (!core) return false;
    core->ctype = &core_ctype;
    ObjClass *s = make_class(vm, m, "StringIO", text, sizeof text / sizeof text[0], s_closed);
    ObjClass *b = s ? make_class(vm, m, "BytesIO", binary, sizeof binary / sizeof binary[0], b_closed) : NULL;
    if (!b || !class_add_property(vm, s, "newlines", stringio_newlines) ||
        !class_add_property(vm, s, "line_buffering", stringio_line_buffering))
        return false;
    static const char *const none_attrs[] = {"encoding", "errors"};
    for (size_t i = 0; i < 2; i++) {
        if (dict_set_str(vm, s->dict, str_intern_cstr(vm, none_attrs[i]), NONE_VAL) < 0) return false;
    }
    return module_add_value(vm, m, "_IOCore", obj_val(core)) && add_file_names(vm, m) &&
           module_add_value(vm, m, "DEFAULT_BUFFER_SIZE", int_val(8192));
}
