/* The pickle reader: every opcode of CPython's protocols 0 to 5, with
 * CPython's errors for truncated or malformed data.
 *
 * A loop over the opcodes with the machine's stack in a list and the marks
 * in a C array: untrusted data nested arbitrarily deep needs no C
 * recursion, every length is checked against what is left of the input
 * and every count against the stack. The input is a buffer or a file; a
 * file is read as the opcodes ask (a frame at once), so that load() leaves
 * it just after STOP. */
#include <stdlib.h>
#include <string.h>

#include "pickle_int.h"

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"

#define MEMO_LIST_MAX ((int64_t)1 << 20)   /* higher memo numbers go to a dict */

typedef struct Unpickler {
    VM *vm;
    const PkLoadOptions *opt;
    const uint8_t *p, *end;     /* the unread input */
    StrBuf fbuf;                /* a file's bytes read so far (file mode) */
    size_t fpos;                /* read position in fbuf */
    ObjList *stack, *memo, *keep;       /* rooted */
    ObjDict *memo_big;          /* in keep, made on first need */
    int64_t *marks;
    int64_t nmarks, cap_marks, fence;
    int proto;
    PkNames names;
} Unpickler;

/* ---- errors ---------------------------------------------------------------- */

static bool fail(VM *vm, const char *what) {
    pk_raise(vm, PK_UNPICKLING, "%s", what);
    return false;
}

static bool truncated(VM *vm) { return fail(vm, "pickle data was truncated"); }

static bool underflow(Unpickler *u) {
    return fail(u->vm, u->nmarks ? "unexpected MARK found" : "unpickling stack underflow");
}

/* ---- input ------------------------------------------------------------------- */

static bool file_mode(Unpickler *u) { return u->opt->read != UNDEF; }

/* Appends what file.read(n) (or readline()) gave to fbuf; its length. */
static int64_t file_fetch(Unpickler *u, Value fn, int64_t n) {
    VM *vm = u->vm;
    Value chunk = n < 0 ? op_call0(vm, fn) : op_call1(vm, fn, int_from_i64(vm, n));
    if (chunk == ERR) return -1;
    const uint8_t *d;
    int64_t len;
    if (is_kind(chunk, OBJ_BYTES)) {
        d = AS(ObjBytes, chunk)->data;
        len = AS(ObjBytes, chunk)->len;
    } else if (is_kind(chunk, OBJ_BYTEARRAY)) {
        d = AS(ObjByteArray, chunk)->data;
        len = AS(ObjByteArray, chunk)->len;
    } else {
        exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", chunk);
        return -1;
    }
    sb_add(&u->fbuf, (const char *)d, (size_t)len);
    if (u->fbuf.oom) {
        exc_nomem(vm);
        return -1;
    }
    return len;
}

static void file_sync(Unpickler *u) {
    u->p = (const uint8_t *)u->fbuf.data + u->fpos;
    u->end = (const uint8_t *)u->fbuf.data + u->fbuf.len;
}

/* n bytes of input at *out (valid until the next read); false after
 * raising "pickle data was truncated". */
static bool rd(Unpickler *u, size_t n, const uint8_t **out) {
    if ((size_t)(u->end - u->p) < n) {
        if (!file_mode(u)) return truncated(u->vm);
        size_t have = (size_t)(u->end - u->p);
        if (n - have > (size_t)INT64_MAX) return truncated(u->vm);
        int64_t got = file_fetch(u, u->opt->read, (int64_t)(n - have));
        if (got < 0) return false;
        file_sync(u);
        if ((size_t)(u->end - u->p) < n) return truncated(u->vm);
    }
    *out = u->p;
    u->p += n;
    if (file_mode(u)) u->fpos += n;
    return true;
}

/* A line without its '\n'. */
static bool rd_line(Unpickler *u, const uint8_t **out, size_t *len) {
    const uint8_t *nl = memchr(u->p, '\n', (size_t)(u->end - u->p));
    if (!nl) {
        if (!file_mode(u)) return truncated(u->vm);
        int64_t got = file_fetch(u, u->opt->readline, -1);
        if (got < 0) return false;
        file_sync(u);
        nl = memchr(u->p, '\n', (size_t)(u->end - u->p));
        if (!nl) return truncated(u->vm);
    }
    *out = u->p;
    *len = (size_t)(nl - u->p);
    size_t n = *len + 1;
    u->p += n;
    if (file_mode(u)) u->fpos += n;
    return true;
}

static uint64_t le(const uint8_t *s, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; i++) v |= (uint64_t)s[i] << (8 * i);
    return v;
}

/* ---- the stack and marks --------------------------------------------------- */

static bool push(Unpickler *u, Value v) { return v != ERR && list_append(u->vm, u->stack, v) == 0; }
static int64_t depth(Unpickler *u) { return u->stack->len; }
static Value top(Unpickler *u) { return u->stack->items[u->stack->len - 1]; }

/* At least n items above the fence. */
static bool need(Unpickler *u, int64_t n) { return u->stack->len - u->fence >= n || underflow(u); }

static Value pop(Unpickler *u) { return u->stack->items[--u->stack->len]; }

static bool push_mark(Unpickler *u) {
    if (u->nmarks == u->cap_marks) {
        int64_t cap = u->cap_marks ? u->cap_marks * 2 : 16;
        int64_t *m = realloc(u->marks, (size_t)cap * sizeof *m);
        if (!m) {
            exc_nomem(u->vm);
            return false;
        }
        u->marks = m;
        u->cap_marks = cap;
    }
    u->marks[u->nmarks++] = u->stack->len;
    u->fence = u->stack->len;
    return true;
}

/* The stack depth at the last MARK, which is dropped; -1 after raising. */
static int64_t pop_mark(Unpickler *u) {
    if (u->nmarks == 0) {
        fail(u->vm, "could not find MARK");
        return -1;
    }
    int64_t m = u->marks[--u->nmarks];
    u->fence = u->nmarks ? u->marks[u->nmarks - 1] : 0;
    return m;
}

/* Replaces the top n items by v. */
static bool replace(Unpickler *u, int64_t n, Value v) {
    if (v == ERR) return false;
    u->stack->len -= n;
    return push(u, v);
}

/* ---- the memo ---------------------------------------------------------------- */

static bool memo_put(Unpickler *u, uint64_t idx, Value v) {
    VM *vm = u->vm;
    if (idx < (uint64_t)MEMO_LIST_MAX) {
        while (u->memo->len <= (int64_t)idx) {
            if (list_append(vm, u->memo, UNDEF) < 0) return false;
        }
        u->memo->items[idx] = v;
        return true;
    }
    if (!u->memo_big) {
        u->memo_big = dict_new(vm);
        if (!u->memo_big || list_append(vm, u->keep, obj_val(u->memo_big)) < 0) return false;
    }
    Value k = int_from_u64(vm, idx);
    return k != ERR && dict_set(vm, u->memo_big, k, v) == 0;
}

static bool memo_get(Unpickler *u, uint64_t idx) {
    VM *vm = u->vm;
    Value v = UNDEF;
    if (idx < (uint64_t)u->memo->len) {
        v = u->memo->items[idx];
    } else if (u->memo_big) {
        Value k = int_from_u64(vm, idx);
        v = k == ERR ? ERR : dict_get(vm, u->memo_big, k);
        if (v == ERR) return false;
    }
    if (v == UNDEF) {
        pk_raise(vm, PK_UNPICKLING, "Memo value not found at index %llu", (unsigned long long)idx);
        return false;
    }
    return push(u, v);
}

static bool ld_put(Unpickler *u, uint64_t idx) {
    if (!need(u, 1)) return false;
    return memo_put(u, idx, top(u));
}

/* ---- numbers ------------------------------------------------------------------ */

static bool parse_decimal(Unpickler *u, const uint8_t *s, size_t n, Value *out) {
    VM *vm = u->vm;
    /* int() accepts what the pickle writer never makes (spaces, _) */
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (i == 0 && (s[i] == '-' || s[i] == '+')))) {
            exc_raise(vm, E_ValueError, "could not convert string to int");
            return false;
        }
    }
    if (n == 0 || (n == 1 && (s[0] == '-' || s[0] == '+'))) {
        exc_raise(vm, E_ValueError, "could not convert string to int");
        return false;
    }
    *out = int_parse(vm, (const char *)s, n, 10);
    return *out != ERR;
}

static bool ld_int(Unpickler *u) {
    const uint8_t *s;
    size_t n;
    if (!rd_line(u, &s, &n)) return false;
    if (n == 2 && s[0] == '0' && (s[1] == '0' || s[1] == '1')) return push(u, s[1] == '1' ? TRUE_VAL : FALSE_VAL);
    Value v;
    return parse_decimal(u, s, n, &v) && push(u, v);
}

static bool ld_long_text(Unpickler *u) {
    const uint8_t *s;
    size_t n;
    if (!rd_line(u, &s, &n)) return false;
    if (n && s[n - 1] == 'L') n--;
    Value v;
    return parse_decimal(u, s, n, &v) && push(u, v);
}

/* LONG1/LONG4: little-endian two's complement. */
static bool ld_long_binary(Unpickler *u, int size_bytes) {
    VM *vm = u->vm;
    const uint8_t *s;
    if (!rd(u, (size_t)size_bytes, &s)) return false;
    int64_t n = (int64_t)le(s, size_bytes);
    if (size_bytes == 4 && n > INT32_MAX) return fail(vm, "LONG pickle has negative byte count");
    if (!rd(u, (size_t)n, &s)) return false;
    if (n == 0) return push(u, int_val(0));
    if (n <= 8) {
        uint64_t x = le(s, (int)n);
        if (n < 8 && (s[n - 1] & 0x80)) x |= ~(uint64_t)0 << (8 * n);
        return push(u, int_from_i64(vm, (int64_t)x));
    }
    if (n > INT32_MAX / 8) return exc_nomem(vm) != ERR;
    bool neg = s[n - 1] & 0x80;
    uint8_t *be = malloc((size_t)n);
    if (!be) return exc_nomem(vm) != ERR;
    for (int64_t i = 0; i < n; i++) be[i] = neg ? (uint8_t)~s[n - 1 - i] : s[n - 1 - i];
    mp_int m;
    mp_err e = mp_init(&m);
    if (e == MP_OKAY) e = mp_from_ubin(&m, be, (size_t)n);
    free(be);
    if (e == MP_OKAY && neg) {
        /* -(~x + 1) */
        e = mp_add_d(&m, 1, &m);
        if (e == MP_OKAY) e = mp_neg(&m, &m);
    }
    if (e != MP_OKAY) {
        mp_clear(&m);
        return exc_nomem(vm) != ERR;
    }
    return push(u, int_from_mp(vm, &m));
}

static bool ld_float_text(Unpickler *u) {
    const uint8_t *s;
    size_t n;
    if (!rd_line(u, &s, &n)) return false;
    Value v = flt_parse(u->vm, (const char *)s, n);
    if (v == ERR) {
        u->vm->exc = UNDEF;
        exc_raise(u->vm, E_ValueError, "could not convert string to float");
        return false;
    }
    return push(u, v);
}

static bool ld_binfloat(Unpickler *u) {
    const uint8_t *s;
    if (!rd(u, 8, &s)) return false;
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++) bits = bits << 8 | s[i];
    double d;
    memcpy(&d, &bits, sizeof d);
    return push(u, float_val(d));
}

/* ---- strings and bytes ---------------------------------------------------------- */

/* A length of `size` bytes (4: a signed int for the old opcodes). */
static bool rd_size(Unpickler *u, int size, bool is_signed, const char *what, uint64_t *n) {
    const uint8_t *s;
    if (!rd(u, (size_t)size, &s)) return false;
    *n = le(s, size);
    if (is_signed && *n > INT32_MAX) {
        pk_raise(u->vm, PK_UNPICKLING, "%s pickle has negative byte count", what);
        return false;
    }
    return true;
}

static bool ld_unicode(Unpickler *u, int size) {
    uint64_t n;
    const uint8_t *s;
    if (!rd_size(u, size, false, "BINUNICODE", &n) || !rd(u, n, &s)) return false;
    size_t bad_at;
    if (utf8_valid((const char *)s, n, &bad_at)) return push(u, str_new(u->vm, (const char *)s, n));
    return push(u, bytes_decode(u->vm, s, n, "utf-8", "surrogatepass"));
}

static bool ld_bytes(Unpickler *u, int size, bool bytearray) {
    uint64_t n;
    const uint8_t *s;
    if (!rd_size(u, size, size == 4, "BINBYTES", &n) || !rd(u, n, &s)) return false;
    return push(u, bytearray ? bytearray_new(u->vm, s, n) : bytes_new(u->vm, s, n));
}

/* A Python 2 str: bytes under encoding='bytes', else decoded. */
static Value decode_py2(Unpickler *u, const uint8_t *s, size_t n) {
    VM *vm = u->vm;
    const char *enc = u->opt->encoding ? u->opt->encoding : "ASCII";
    if (strcmp(enc, "bytes") == 0) return bytes_new(vm, s, n);
    Value b = bytes_new(vm, s, n);
    if (b == ERR || !push(u, b)) return ERR;
    Value r;
    if (bytes_native_codec(enc)) {
        r = bytes_decode(vm, s, n, enc, u->opt->errors ? u->opt->errors : "strict");
    } else {
        Value e = str_from_cstr(vm, enc);
        Value er = e != ERR && push(u, e) ? str_from_cstr(vm, u->opt->errors ? u->opt->errors : "strict") : ERR;
        ObjStr *dn = er != ERR && push(u, er) ? pk_name(vm, &u->names, PN_DECODE) : NULL;
        r = dn ? op_call_method(vm, b, dn, (Value[]){e, er}, 2) : ERR;
        u->stack->len -= 2;
    }
    u->stack->len--;
    return r;
}

static bool ld_binstring(Unpickler *u, int size) {
    uint64_t n;
    const uint8_t *s;
    if (!rd_size(u, size, size == 4, "BINSTRING", &n) || !rd(u, n, &s)) return false;
    return push(u, decode_py2(u, s, n));
}

/* Calls codecs.<fn>(bytes, arg): the text codecs of the line opcodes. */
static Value call_codec(Unpickler *u, const char *fn, const uint8_t *s, size_t n, const char *arg) {
    VM *vm = u->vm;
    Value f = pk_module_attr(vm, "codecs", fn);
    if (f == ERR || !push(u, f)) return ERR;
    Value b = bytes_new(vm, s, n);
    if (b == ERR || !push(u, b)) return ERR;
    Value r;
    if (arg) {
        Value a = str_from_cstr(vm, arg);
        r = a != ERR && push(u, a) ? op_call2(vm, f, b, a) : ERR;
        if (r != ERR) u->stack->len--;
    } else {
        r = op_call1(vm, f, b);
    }
    u->stack->len -= 2;
    return r;
}

static bool ld_string(Unpickler *u) {
    VM *vm = u->vm;
    const uint8_t *s;
    size_t n;
    if (!rd_line(u, &s, &n)) return false;
    if (n < 2 || s[0] != s[n - 1] || (s[0] != '\'' && s[0] != '"'))
        return fail(vm, "the STRING opcode argument must be quoted");
    Value r = call_codec(u, "escape_decode", s + 1, n - 2, NULL);
    if (r == ERR) return false;
    if (!is_tuple(r) || AS(ObjTuple, r)->len < 1 || !is_kind(AS(ObjTuple, r)->items[0], OBJ_BYTES))
        return fail(vm, "bad STRING argument");
    ObjBytes *b = AS(ObjBytes, AS(ObjTuple, r)->items[0]);
    if (!push(u, r)) return false;
    Value v = decode_py2(u, b->data, (size_t)b->len);
    u->stack->len--;
    return push(u, v);
}

static bool ld_unicode_text(Unpickler *u) {
    const uint8_t *s;
    size_t n;
    if (!rd_line(u, &s, &n)) return false;
    return push(u, call_codec(u, "decode", s, n, "raw-unicode-escape"));
}

/* ---- containers -------------------------------------------------------------------- */

static bool ld_tuple_n(Unpickler *u, int64_t n) {
    if (!need(u, n)) return false;
    ObjTuple *t = tuple_from(u->vm, u->stack->items + u->stack->len - n, n);
    return t && replace(u, n, obj_val(t));
}

static bool ld_tuple(Unpickler *u) {
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    ObjTuple *t = tuple_from(u->vm, u->stack->items + m, depth(u) - m);
    return t && replace(u, depth(u) - m, obj_val(t));
}

static bool ld_list(Unpickler *u) {
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    ObjList *l = list_from(u->vm, u->stack->items + m, depth(u) - m);
    return l && replace(u, depth(u) - m, obj_val(l));
}

static bool ld_dict(Unpickler *u) {
    VM *vm = u->vm;
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    int64_t n = depth(u) - m;
    if (n % 2) return fail(vm, "odd number of items for DICT");
    ObjDict *d = dict_new(vm);
    if (!d || !push(u, obj_val(d))) return false;
    for (int64_t i = m; i < m + n; i += 2) {
        if (dict_set(vm, d, u->stack->items[i], u->stack->items[i + 1]) < 0) return false;
    }
    u->stack->len = m;
    return push(u, obj_val(d));
}

/* Appends items [from, depth) to the list below them, then drops them. */
static bool do_append(Unpickler *u, int64_t from) {
    VM *vm = u->vm;
    if (from <= u->fence || from > depth(u)) return underflow(u);
    if (from == depth(u)) return true;
    Value target = u->stack->items[from - 1];
    if (is_list(target) && !(as_obj(target)->flags & OBJ_SUBTYPE)) {
        for (int64_t i = from; i < depth(u); i++) {
            if (list_append(vm, AS(ObjList, target), u->stack->items[i]) < 0) return false;
        }
        u->stack->len = from;
        return true;
    }
    ObjStr *ext = pk_name(vm, &u->names, PN_EXTEND), *app = pk_name(vm, &u->names, PN_APPEND);
    if (!ext || !app) return false;
    ObjList *items = list_from(vm, u->stack->items + from, depth(u) - from);
    if (!items || !push(u, obj_val(items))) return false;
    Value f = op_getattr_opt(vm, target, ext);
    if (f == ERR) return false;
    if (f != UNDEF) {
        Value r = op_call1(vm, f, obj_val(items));
        if (r == ERR) return false;
    } else {
        Value a = op_getattr(vm, target, app);
        if (a == ERR || !push(u, a)) return false;
        for (int64_t i = 0; i < items->len; i++) {
            if (op_call1(vm, a, items->items[i]) == ERR) return false;
        }
    }
    u->stack->len = from;
    return true;
}

static bool ld_append(Unpickler *u) {
    if (depth(u) <= u->fence) return underflow(u);
    return do_append(u, depth(u) - 1);
}

static bool ld_appends(Unpickler *u) {
    int64_t m = pop_mark(u);
    return m >= 0 && do_append(u, m);
}

static bool do_setitems(Unpickler *u, int64_t from) {
    VM *vm = u->vm;
    if (from <= u->fence || from > depth(u)) return underflow(u);
    if (from == depth(u)) return true;
    if ((depth(u) - from) % 2) return fail(vm, "odd number of items for SETITEMS");
    Value target = u->stack->items[from - 1];
    bool plain = is_dict(target) && !(as_obj(target)->flags & OBJ_SUBTYPE);
    for (int64_t i = from; i < depth(u); i += 2) {
        Value k = u->stack->items[i], v = u->stack->items[i + 1];
        if ((plain ? dict_set(vm, AS(ObjDict, target), k, v) : op_setitem(vm, target, k, v)) < 0) return false;
    }
    u->stack->len = from;
    return true;
}

static bool ld_setitem(Unpickler *u) {
    return do_setitems(u, depth(u) - 2);
}

static bool ld_setitems(Unpickler *u) {
    int64_t m = pop_mark(u);
    return m >= 0 && do_setitems(u, m);
}

static bool ld_additems(Unpickler *u) {
    VM *vm = u->vm;
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    if (m <= u->fence || m > depth(u)) return underflow(u);
    if (m == depth(u)) return true;
    Value target = u->stack->items[m - 1];
    bool plain = is_kind(target, OBJ_SET) && as_obj(target)->cls == vm->types[T_SET];
    Value add = UNDEF;
    if (!plain) {
        ObjStr *an = pk_name(vm, &u->names, PN_ADD);
        add = an ? op_getattr(vm, target, an) : ERR;
        if (add == ERR || !push(u, add)) return false;
    }
    int64_t end = plain ? depth(u) : depth(u) - 1;
    for (int64_t i = m; i < end; i++) {
        Value item = u->stack->items[i];
        if (plain ? set_add(vm, AS(ObjSet, target), item) < 0 : op_call1(vm, add, item) == ERR) return false;
    }
    u->stack->len = m;
    return true;
}

static bool ld_frozenset(Unpickler *u) {
    VM *vm = u->vm;
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    ObjSet *s = set_new(vm, vm->types[T_FROZENSET]);
    if (!s || !push(u, obj_val(s))) return false;
    for (int64_t i = m; i < depth(u) - 1; i++) {
        if (set_add(vm, s, u->stack->items[i]) < 0) return false;
    }
    u->stack->len = m;
    return push(u, obj_val(s));
}

/* ---- globals and objects ------------------------------------------------------------- */

static Value find_class(Unpickler *u, Value module, Value name) {
    VM *vm = u->vm;
    if (u->opt->unpickler != UNDEF) {
        ObjStr *fc = pk_name(vm, &u->names, PN_FIND_CLASS);
        return fc ? op_call_method(vm, u->opt->unpickler, fc, (Value[]){module, name}, 2) : ERR;
    }
    return pk_find_class(vm, AS(ObjStr, module), AS(ObjStr, name), u->proto, u->opt->fix_imports);
}

/* GLOBAL's and INST's two text lines, module then name, found through
 * find_class; the two strings stay on the stack (rooted) under the result. */
static Value rd_global(Unpickler *u) {
    VM *vm = u->vm;
    Value parts[2];
    for (int i = 0; i < 2; i++) {
        const uint8_t *s;
        size_t n;
        if (!rd_line(u, &s, &n)) return ERR;
        parts[i] = str_decode_utf8(vm, (const char *)s, n, "strict");
        if (parts[i] == ERR || !push(u, parts[i])) return ERR;
    }
    return find_class(u, parts[0], parts[1]);
}

static bool ld_global(Unpickler *u) { return replace(u, 2, rd_global(u)); }

static bool ld_stack_global(Unpickler *u) {
    if (!need(u, 2)) return false;
    Value name = u->stack->items[depth(u) - 1], module = u->stack->items[depth(u) - 2];
    if (!is_str(name) || !is_str(module)) return fail(u->vm, "STACK_GLOBAL requires str");
    return replace(u, 2, find_class(u, module, name));
}

static bool ld_ext(Unpickler *u, int size) {
    VM *vm = u->vm;
    const uint8_t *s;
    if (!rd(u, (size_t)size, &s)) return false;
    int64_t code = (int64_t)le(s, size);
    if (code <= 0) return fail(vm, "EXT specifies code <= 0");
    Value key = int_from_i64(vm, code);
    Value cache = pk_module_attr(vm, "copyreg", "_extension_cache");
    if (cache == ERR || key == ERR) return false;
    if (is_dict(cache)) {
        Value v = dict_get(vm, AS(ObjDict, cache), key);
        if (v == ERR) return false;
        if (v != UNDEF) return push(u, v);
    }
    Value inv = pk_module_attr(vm, "copyreg", "_inverted_registry");
    if (inv == ERR) return false;
    Value pair = is_dict(inv) ? dict_get(vm, AS(ObjDict, inv), key) : UNDEF;
    if (pair == ERR) return false;
    if (pair == UNDEF) {
        exc_raise(vm, E_ValueError, "unregistered extension code %lld", (long long)code);
        return false;
    }
    if (!is_tuple(pair) || AS(ObjTuple, pair)->len != 2 || !is_str(AS(ObjTuple, pair)->items[0]) ||
        !is_str(AS(ObjTuple, pair)->items[1]))
        return fail(vm, "_inverted_registry[%ld] isn't a 2-tuple of strings");
    if (!push(u, pair)) return false;
    Value obj = find_class(u, AS(ObjTuple, pair)->items[0], AS(ObjTuple, pair)->items[1]);
    if (obj == ERR) return false;
    if (is_dict(cache) && dict_set(vm, AS(ObjDict, cache), key, obj) < 0) return false;
    return replace(u, 1, obj);
}

/* cls(*args), or cls.__new__(cls) for a class without args or
 * __getinitargs__ (INST and OBJ). */
static Value instantiate(Unpickler *u, Value cls, ObjTuple *args) {
    VM *vm = u->vm;
    if (args->len == 0 && is_kind(cls, OBJ_CLASS)) {
        ObjStr *gi = pk_name(vm, &u->names, PN_GETINITARGS);
        if (!gi) return ERR;
        if (class_lookup(AS(ObjClass, cls), gi) == UNDEF) {
            ObjStr *nn = pk_name(vm, &u->names, PN_NEW);
            return nn ? op_call_method(vm, cls, nn, &cls, 1) : ERR;
        }
    }
    return op_call_tuple(vm, cls, args, NULL);
}

static bool ld_inst(Unpickler *u) {
    VM *vm = u->vm;
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    ObjTuple *args = tuple_from(vm, u->stack->items + m, depth(u) - m);
    if (!args) return false;
    u->stack->len = m;
    if (!push(u, obj_val(args))) return false;
    Value cls = rd_global(u);
    if (cls == ERR || !push(u, cls)) return false;
    return replace(u, 4, instantiate(u, cls, args));
}

static bool ld_obj(Unpickler *u) {
    VM *vm = u->vm;
    int64_t m = pop_mark(u);
    if (m < 0) return false;
    if (depth(u) - m < 1) return underflow(u);
    ObjTuple *args = tuple_from(vm, u->stack->items + m + 1, depth(u) - m - 1);
    if (!args || !push(u, obj_val(args))) return false;
    Value cls = u->stack->items[m];
    return replace(u, depth(u) - m, instantiate(u, cls, args));
}

static Value call_new(Unpickler *u, Value cls, ObjTuple *args, ObjDict *kwargs) {
    VM *vm = u->vm;
    ObjStr *nn = pk_name(vm, &u->names, PN_NEW);
    Value f = nn ? op_getattr(vm, cls, nn) : ERR;
    if (f == ERR || !push(u, f)) return ERR;
    ObjList *all = list_new(vm, args->len + 1);
    if (!all || !push(u, obj_val(all)) || list_append(vm, all, cls) < 0) return ERR;
    for (int64_t i = 0; i < args->len; i++) {
        if (list_append(vm, all, args->items[i]) < 0) return ERR;
    }
    ObjTuple *a = tuple_from(vm, all->items, all->len);
    Value r = a && push(u, obj_val(a)) ? op_call_tuple(vm, f, a, kwargs) : ERR;
    if (r != ERR) u->stack->len -= 3;
    return r;
}

static bool ld_newobj(Unpickler *u) {
    VM *vm = u->vm;
    if (!need(u, 2)) return false;
    Value args = pop(u), cls = top(u);
    if (!push(u, args)) return false;
    if (!is_kind(cls, OBJ_CLASS)) {
        pk_raise(vm, PK_UNPICKLING, "NEWOBJ class argument must be a type, not %s", type_of(vm, cls)->name->data);
        return false;
    }
    if (!is_tuple(args)) {
        pk_raise(vm, PK_UNPICKLING, "NEWOBJ args argument must be a tuple, not %s", type_of(vm, args)->name->data);
        return false;
    }
    return replace(u, 2, call_new(u, cls, AS(ObjTuple, args), NULL));
}

static bool ld_newobj_ex(Unpickler *u) {
    VM *vm = u->vm;
    if (!need(u, 3)) return false;
    Value kwargs = u->stack->items[depth(u) - 1], args = u->stack->items[depth(u) - 2];
    Value cls = u->stack->items[depth(u) - 3];
    if (!is_kind(cls, OBJ_CLASS)) {
        pk_raise(vm, PK_UNPICKLING, "NEWOBJ_EX class argument must be a type, not %s", type_of(vm, cls)->name->data);
        return false;
    }
    if (!is_tuple(args)) {
        pk_raise(vm, PK_UNPICKLING, "NEWOBJ_EX args argument must be a tuple, not %s", type_of(vm, args)->name->data);
        return false;
    }
    if (!is_dict(kwargs)) {
        pk_raise(vm, PK_UNPICKLING, "NEWOBJ_EX kwargs argument must be a dict, not %s",
                 type_of(vm, kwargs)->name->data);
        return false;
    }
    return replace(u, 3, call_new(u, cls, AS(ObjTuple, args), AS(ObjDict, kwargs)));
}

static bool ld_reduce(Unpickler *u) {
    VM *vm = u->vm;
    if (!need(u, 2)) return false;
    Value args = u->stack->items[depth(u) - 1], func = u->stack->items[depth(u) - 2];
    if (!is_tuple(args)) {
        exc_raise(vm, E_TypeError, "argument list must be a tuple");
        return false;
    }
    return replace(u, 2, op_call_tuple(vm, func, AS(ObjTuple, args), NULL));
}

/* Sets the attributes a state dict holds: into the instance dict for the
 * plain state, with setattr for the slot state. */
static bool set_attrs(Unpickler *u, Value obj, Value state, bool slots) {
    VM *vm = u->vm;
    if (!is_dict(state)) return fail(vm, slots ? "slot state is not a dictionary" : "state is not a dictionary");
    if (!push(u, state)) return false;
    ObjDict *inst = NULL;
    if (!slots) {
        Obj *o = as_obj(obj);
        inst = (o->flags & OBJ_SUBTYPE) ? gc_subtype_dict_make(vm, o)
               : is_kind(obj, OBJ_INSTANCE) ? AS(ObjInstance, obj)->dict : NULL;
    }
    int64_t pos = 0;
    Value k, v;
    while (dict_next(AS(ObjDict, state), &pos, &k, &v)) {
        if (!inst && !is_str(k)) {
            exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", k);
            return false;
        }
        if (is_str(k)) {
            /* attribute names are interned, as CPython's BUILD does */
            ObjStr *ik = str_intern(vm, AS(ObjStr, k)->data, (size_t)AS(ObjStr, k)->len);
            if (!ik) return false;
            k = obj_val(ik);
        }
        if (!push(u, k) || !push(u, v)) return false;
        /* the instance dict takes any key, as CPython's BUILD does */
        bool ok = inst ? dict_set(vm, inst, k, v) == 0 : op_setattr(vm, obj, AS(ObjStr, k), v) == 0;
        u->stack->len -= 2;
        if (!ok) return false;
    }
    u->stack->len--;
    return true;
}

static bool ld_build(Unpickler *u) {
    VM *vm = u->vm;
    if (!need(u, 2)) return false;
    Value state = u->stack->items[depth(u) - 1], obj = u->stack->items[depth(u) - 2];
    ObjStr *ss = pk_name(vm, &u->names, PN_SETSTATE);
    if (!ss) return false;
    Value setstate = op_getattr_opt(vm, obj, ss);
    if (setstate == ERR) return false;
    if (setstate != UNDEF) {
        if (!push(u, setstate)) return false;
        if (op_call1(vm, setstate, state) == ERR) return false;
        u->stack->len -= 2;
        return true;
    }
    Value slots = NONE_VAL;
    if (is_tuple(state) && AS(ObjTuple, state)->len == 2) {
        slots = AS(ObjTuple, state)->items[1];
        state = AS(ObjTuple, state)->items[0];
    }
    if (state != NONE_VAL && !set_attrs(u, obj, state, false)) return false;
    if (slots != NONE_VAL && !set_attrs(u, obj, slots, true)) return false;
    u->stack->len--;
    return true;
}

static bool ld_persid(Unpickler *u, bool binary) {
    VM *vm = u->vm;
    Value pid;
    if (binary) {
        if (!need(u, 1)) return false;
        pid = pop(u);
        if (!push(u, pid)) return false;
    } else {
        const uint8_t *s;
        size_t n;
        if (!rd_line(u, &s, &n)) return false;
        pid = bytes_decode(vm, s, n, "ascii", "strict");
        if (pid == ERR) {
            vm->exc = UNDEF;
            return fail(vm, "persistent IDs in protocol 0 must be ASCII strings");
        }
        if (!push(u, pid)) return false;
    }
    ObjStr *pl = pk_name(vm, &u->names, PN_PERSISTENT_LOAD);
    Value f = u->opt->unpickler != UNDEF && pl ? op_getattr_opt(vm, u->opt->unpickler, pl) : UNDEF;
    if (f == ERR) return false;
    if (f == UNDEF || f == NONE_VAL)
        return fail(vm, "A load persistent id instruction was encountered, but no persistent_load function was specified.");
    if (!push(u, f)) return false;
    return replace(u, 2, op_call1(vm, f, pid));
}

/* ---- protocol 5 buffers ----------------------------------------------------------------- */

static bool ld_next_buffer(Unpickler *u) {
    VM *vm = u->vm;
    if (u->opt->buffers == UNDEF)
        return fail(vm, "pickle stream refers to out-of-band data but no *buffers* argument was given");
    Value b = op_next(vm, u->opt->buffers);
    if (b == ERR) return false;
    if (b == UNDEF) return fail(vm, "not enough out-of-band buffers");
    return push(u, b);
}

static bool ld_readonly_buffer(Unpickler *u) {
    VM *vm = u->vm;
    if (!need(u, 1)) return false;
    Value b = top(u);
    if (is_kind(b, OBJ_BYTES)) return true;
    Value mv = dict_get_str(vm->builtins, str_intern_cstr(vm, "memoryview"));
    Value view = mv == UNDEF ? ERR : op_call1(vm, mv, b);
    if (view == ERR || !push(u, view)) return false;
    ObjStr *ro = str_intern_cstr(vm, "readonly");
    Value r = ro ? op_getattr(vm, view, ro) : ERR;
    if (r == ERR) return false;
    if (r == TRUE_VAL) {
        u->stack->len--;
        return true;
    }
    ObjStr *tr = str_intern_cstr(vm, "toreadonly");
    Value v = tr ? op_call_method(vm, view, tr, NULL, 0) : ERR;
    return replace(u, 2, v);
}

/* ---- the loop ------------------------------------------------------------------------------ */

static bool ld_frame(Unpickler *u) {
    uint64_t n;
    const uint8_t *s;
    if (!rd_size(u, 8, false, "FRAME", &n)) return false;
    if (n > (uint64_t)INT64_MAX) return fail(u->vm, "frame size > sys.maxsize");
    if (!rd(u, n, &s)) return false;
    /* back to the frame's start: its opcodes follow */
    u->p -= n;
    if (file_mode(u)) u->fpos -= n;
    return true;
}

static bool ld_pop(Unpickler *u) {
    if (u->nmarks && u->marks[u->nmarks - 1] == depth(u)) {
        pop_mark(u);
        return true;
    }
    if (!need(u, 1)) return false;
    u->stack->len--;
    return true;
}

static bool bad_key(VM *vm, uint8_t op) {
    if (op >= 0x20 && op < 0x7F) pk_raise(vm, PK_UNPICKLING, "invalid load key, '%c'.", op);
    else pk_raise(vm, PK_UNPICKLING, "invalid load key, '\\x%02x'.", op);
    return false;
}

static bool rd_index(Unpickler *u, int size, uint64_t *n) {
    const uint8_t *s;
    if (!rd(u, (size_t)size, &s)) return false;
    *n = le(s, size);
    return true;
}

/* GET/PUT's decimal argument. */
static bool rd_index_text(Unpickler *u, bool put, uint64_t *n) {
    const uint8_t *s;
    size_t len;
    if (!rd_line(u, &s, &len)) return false;
    Value v;
    if (!parse_decimal(u, s, len, &v)) return false;
    if (put && !need(u, 1)) return false;
    int64_t i;
    if (!int_to_i64(v, &i) || i < 0) {
        if (put && int_sign(v) < 0) {
            exc_raise(u->vm, E_ValueError, "negative PUT argument");
            return false;
        }
        if (!put && int_sign(v) < 0) {
            pk_raise(u->vm, PK_UNPICKLING, "Memo value not found at index %R", v);
            return false;
        }
        i = INT64_MAX;
    }
    *n = (uint64_t)i;
    return true;
}

static bool step(Unpickler *u, Value *result) {
    VM *vm = u->vm;
    const uint8_t *s;
    if (u->p == u->end && file_mode(u)) {
        if (file_fetch(u, u->opt->read, 1) < 0) return false;
        file_sync(u);
    }
    if (u->p == u->end) {
        exc_raise(vm, E_EOFError, "Ran out of input");
        return false;
    }
    rd(u, 1, &s);
    uint8_t op = s[0];
    uint64_t n;
    switch (op) {
    case OP_STOP:
        if (depth(u) <= u->fence) return underflow(u);
        *result = pop(u);
        return true;
    case OP_PROTO: {
        if (!rd(u, 1, &s)) return false;
        if (s[0] > PK_HIGHEST_PROTOCOL) {
            exc_raise(vm, E_ValueError, "unsupported pickle protocol: %d", s[0]);
            return false;
        }
        u->proto = s[0];
        if (u->opt->unpickler != UNDEF) {
            ObjStr *pn = pk_name(vm, &u->names, PN_PROTO);
            return pn && op_setattr(vm, u->opt->unpickler, pn, int_val(u->proto)) == 0;
        }
        return true;
    }
    case OP_FRAME: return ld_frame(u);
    case OP_NONE: return push(u, NONE_VAL);
    case OP_NEWTRUE: return push(u, TRUE_VAL);
    case OP_NEWFALSE: return push(u, FALSE_VAL);
    case OP_INT: return ld_int(u);
    case OP_LONG: return ld_long_text(u);
    case OP_BININT: return rd(u, 4, &s) && push(u, int_from_i64(vm, (int32_t)(uint32_t)le(s, 4)));
    case OP_BININT1: return rd(u, 1, &s) && push(u, int_val(s[0]));
    case OP_BININT2: return rd(u, 2, &s) && push(u, int_val((int64_t)le(s, 2)));
    case OP_LONG1: return ld_long_binary(u, 1);
    case OP_LONG4: return ld_long_binary(u, 4);
    case OP_FLOAT: return ld_float_text(u);
    case OP_BINFLOAT: return ld_binfloat(u);
    case OP_STRING: return ld_string(u);
    case OP_BINSTRING: return ld_binstring(u, 4);
    case OP_SHORT_BINSTRING: return ld_binstring(u, 1);
    case OP_UNICODE: return ld_unicode_text(u);
    case OP_BINUNICODE: return ld_unicode(u, 4);
    case OP_SHORT_BINUNICODE: return ld_unicode(u, 1);
    case OP_BINUNICODE8: return ld_unicode(u, 8);
    case OP_BINBYTES: return ld_bytes(u, 4, false);
    case OP_SHORT_BINBYTES: return ld_bytes(u, 1, false);
    case OP_BINBYTES8: return ld_bytes(u, 8, false);
    case OP_BYTEARRAY8: return ld_bytes(u, 8, true);
    case OP_NEXT_BUFFER: return ld_next_buffer(u);
    case OP_READONLY_BUFFER: return ld_readonly_buffer(u);
    case OP_EMPTY_TUPLE: return push(u, obj_val(vm->empty_tuple));
    case OP_TUPLE: return ld_tuple(u);
    case OP_TUPLE1: return ld_tuple_n(u, 1);
    case OP_TUPLE2: return ld_tuple_n(u, 2);
    case OP_TUPLE3: return ld_tuple_n(u, 3);
    case OP_EMPTY_LIST: {
        ObjList *l = list_new(vm, 0);
        return l && push(u, obj_val(l));
    }
    case OP_LIST: return ld_list(u);
    case OP_EMPTY_DICT: {
        ObjDict *d = dict_new(vm);
        return d && push(u, obj_val(d));
    }
    case OP_DICT: return ld_dict(u);
    case OP_EMPTY_SET: {
        ObjSet *st = set_new(vm, vm->types[T_SET]);
        return st && push(u, obj_val(st));
    }
    case OP_FROZENSET: return ld_frozenset(u);
    case OP_APPEND: return ld_append(u);
    case OP_APPENDS: return ld_appends(u);
    case OP_SETITEM: return ld_setitem(u);
    case OP_SETITEMS: return ld_setitems(u);
    case OP_ADDITEMS: return ld_additems(u);
    case OP_MARK: return push_mark(u);
    case OP_POP: return ld_pop(u);
    case OP_POP_MARK: {
        int64_t m = pop_mark(u);
        if (m < 0) return false;
        u->stack->len = m;
        return true;
    }
    case OP_DUP: return need(u, 1) && push(u, top(u));
    case OP_GET: return rd_index_text(u, false, &n) && memo_get(u, n);
    case OP_BINGET: return rd_index(u, 1, &n) && memo_get(u, n);
    case OP_LONG_BINGET: return rd_index(u, 4, &n) && memo_get(u, n);
    case OP_PUT: return rd_index_text(u, true, &n) && ld_put(u, n);
    case OP_BINPUT: return rd_index(u, 1, &n) && ld_put(u, n);
    case OP_LONG_BINPUT:
        if (!rd_index(u, 4, &n)) return false;
        return ld_put(u, n);
    case OP_MEMOIZE: {
        if (!need(u, 1)) return false;
        int64_t idx = u->memo->len;
        if (u->memo_big) idx += u->memo_big->count;
        return memo_put(u, (uint64_t)idx, top(u));
    }
    case OP_GLOBAL: return ld_global(u);
    case OP_STACK_GLOBAL: return ld_stack_global(u);
    case OP_EXT1: return ld_ext(u, 1);
    case OP_EXT2: return ld_ext(u, 2);
    case OP_EXT4: return ld_ext(u, 4);
    case OP_REDUCE: return ld_reduce(u);
    case OP_BUILD: return ld_build(u);
    case OP_NEWOBJ: return ld_newobj(u);
    case OP_NEWOBJ_EX: return ld_newobj_ex(u);
    case OP_INST: return ld_inst(u);
    case OP_OBJ: return ld_obj(u);
    case OP_PERSID: return ld_persid(u, false);
    case OP_BINPERSID: return ld_persid(u, true);
    default: return bad_key(vm, op);
    }
}

Value pk_loads(VM *vm, const uint8_t *data, size_t len, const PkLoadOptions *opt) {
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    Unpickler u = {.vm = vm, .opt = opt, .p = data, .end = data + len, .fbuf = SB_INIT};
    if (opt->read != UNDEF) u.p = u.end = NULL;
    ObjList *all = list_new(vm, 4);
    if (all) *root = obj_val(all);
    u.stack = all ? list_new(vm, 16) : NULL;
    u.memo = opt->memo ? opt->memo : u.stack ? list_new(vm, 16) : NULL;
    u.keep = u.memo ? list_new(vm, 4) : NULL;
    u.names.keep = u.keep;
    bool ok = u.keep && list_append(vm, all, obj_val(u.stack)) == 0 && list_append(vm, all, obj_val(u.memo)) == 0 &&
              list_append(vm, all, obj_val(u.keep)) == 0;
    Value result = UNDEF;
    if (ok && file_mode(&u)) {
        /* an empty file is EOFError before anything */
        file_sync(&u);
    }
    while (ok && result == UNDEF) ok = step(&u, &result);
    /* an Unpickler's memo is seen by scripts: no holes */
    for (int64_t i = 0; opt->memo && i < u.memo->len; i++) {
        if (u.memo->items[i] == UNDEF) u.memo->items[i] = NONE_VAL;
    }
    free(u.marks);
    sb_free(&u.fbuf);
    vm_pop_roots(vm, 1);
    return ok ? result : ERR;
}

/* ---- find_class ------------------------------------------------------------------------------ */

/* Python 2's (module, name) to Python 3's through _compat_pickle. */
static bool compat_forward(VM *vm, ObjStr **module, ObjStr **name, ObjList *keep) {
    Value names = pk_module_attr(vm, "_compat_pickle", "NAME_MAPPING");
    if (names == ERR) return false;
    if (is_dict(names)) {
        ObjTuple *key = tuple_from(vm, (Value[]){obj_val(*module), obj_val(*name)}, 2);
        Value r = key ? dict_get(vm, AS(ObjDict, names), obj_val(key)) : ERR;
        if (r == ERR) return false;
        if (r != UNDEF) {
            if (!is_tuple(r) || AS(ObjTuple, r)->len != 2 || !is_str(AS(ObjTuple, r)->items[0]) ||
                !is_str(AS(ObjTuple, r)->items[1])) {
                exc_raise(vm, E_RuntimeError, "_compat_pickle.NAME_MAPPING values should be 2-tuples, not %T", r);
                return false;
            }
            *module = AS(ObjStr, AS(ObjTuple, r)->items[0]);
            *name = AS(ObjStr, AS(ObjTuple, r)->items[1]);
            return list_append(vm, keep, r) == 0;
        }
    }
    Value mods = pk_module_attr(vm, "_compat_pickle", "IMPORT_MAPPING");
    if (mods == ERR) return false;
    if (is_dict(mods)) {
        Value r = dict_get(vm, AS(ObjDict, mods), obj_val(*module));
        if (r == ERR) return false;
        if (r != UNDEF) {
            if (!is_str(r)) {
                exc_raise(vm, E_RuntimeError, "_compat_pickle.IMPORT_MAPPING values should be strings, not %T", r);
                return false;
            }
            *module = AS(ObjStr, r);
            return list_append(vm, keep, r) == 0;
        }
    }
    return true;
}

Value pk_find_class(VM *vm, ObjStr *module, ObjStr *name, int proto, bool fix_imports) {
    Value *root = vm_roots_open(vm, 1);
    if (!root) return ERR;
    ObjList *keep = list_new(vm, 4);
    if (!keep) {
        vm_pop_roots(vm, 1);
        return ERR;
    }
    *root = obj_val(keep);
    Value r = ERR;
    if (list_append(vm, keep, obj_val(module)) < 0 || list_append(vm, keep, obj_val(name)) < 0) goto out;
    if (proto < 3 && fix_imports && !compat_forward(vm, &module, &name, keep)) goto out;
    Value m = pk_find_module(vm, module);
    if (m == ERR) goto out;
    if (m != UNDEF && list_append(vm, keep, m) < 0) goto out;
    if (proto >= 4) {
        if (pk_is_local_name(name)) {
            if (m == UNDEF) r = exc_raise(vm, E_AttributeError, "Can't get local attribute %R on <module 'builtins' (built-in)>", obj_val(name));
            else r = exc_raise(vm, E_AttributeError, "Can't get local attribute %R on %R", obj_val(name), m);
            goto out;
        }
        r = pk_walk_qualname(vm, m, name);
    } else {
        r = m == UNDEF ? dict_get_str(vm->builtins, name) : op_getattr_opt(vm, m, name);
    }
    if (r == UNDEF) {
        if (m == UNDEF)
            r = exc_raise(vm, E_AttributeError, "Can't get attribute %R on <module 'builtins' (built-in)>", obj_val(name));
        else
            r = exc_raise(vm, E_AttributeError, "Can't get attribute %R on %R", obj_val(name), m);
    }
out:
    vm_pop_roots(vm, 1);
    return r;
}
