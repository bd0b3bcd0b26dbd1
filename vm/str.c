/* str: creation, UTF-8 helpers, interning, hashing, comparison, repr,
 * indexing and iteration. Methods live in str_methods.c, formatting in
 * format.c. */
#include "str.h"

#include <stdlib.h>

#include "bytes.h"
#include "containers.h"
#include "bytes.h"
#include "exc.h"
#include "gc.h"
#include "ops.h"

/* ---- UTF-8 ------------------------------------------------------------- */

uint32_t utf8_decode(const char *s, size_t len, size_t *pos) {
    const unsigned char *p = (const unsigned char *)s + *pos;
    size_t left = len - *pos;
    uint32_t c = p[0];
    if (c < 0x80) { *pos += 1; return c; }
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (n == 1 || (size_t)n > left) { *pos += 1; return 0xFFFD; }
    c &= 0x3F >> (n - 1);
    for (int i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) { *pos += 1; return 0xFFFD; }
        c = c << 6 | (p[i] & 0x3F);
    }
    *pos += (size_t)n;
    return c;
}

int64_t utf8_count(const char *s, size_t len) {
    int64_t n = 0;
    for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* U+D800..U+DFFF are ED A0..BF xx in a str's bytes. */
static const char *next_surrogate(const char *p, const char *end) {
    while ((p = memchr(p, 0xED, (size_t)(end - p))) && p + 2 < end) {
        if ((uint8_t)p[1] >= 0xA0) return p;
        p++;
    }
    return NULL;
}

bool utf8_has_surrogates(const char *s, size_t len) { return next_surrogate(s, s + len) != NULL; }

bool str_has_surrogates(const ObjStr *s) { return !s->ascii && utf8_has_surrogates(s->data, (size_t)s->len); }

void utf8_add_escaping_surrogates(StrBuf *b, const char *s, size_t len) {
    const char *end = s + len, *p;
    while ((p = next_surrogate(s, end))) {
        sb_add(b, s, (size_t)(p - s));
        sb_addf(b, "\\u%04x", 0xD000u | ((uint8_t)p[1] & 0x3Fu) << 6 | ((uint8_t)p[2] & 0x3Fu));
        s = p + 3;
    }
    sb_add(b, s, (size_t)(end - s));
}

bool utf8_valid(const char *s, size_t len, size_t *bad_pos) {
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c < 0x80) { i++; continue; }
        int n;
        uint32_t min;
        if (c >= 0xC2 && c <= 0xDF) { n = 2; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 3; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 4; min = 0x10000; }
        else goto bad;
        if (i + (size_t)n > len) goto bad;
        uint32_t cp = c & (0x3F >> (n - 1));
        for (int k = 1; k < n; k++) {
            if ((p[i + k] & 0xC0) != 0x80) goto bad;
            cp = cp << 6 | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) goto bad;
        i += (size_t)n;
    }
    return true;
bad:
    if (bad_pos) *bad_pos = i;
    return false;
}

/* ---- code point offsets ------------------------------------------------ */

/* Where code point i of a non-ASCII string starts is found by walking its
 * UTF-8. So that s[i] in a loop over a long string does not walk from the
 * start every time, the last two positions found in each of a few strings
 * are remembered (per thread), and a walk starts from the nearest of them,
 * the start and the end. A remembered pointer is only trusted in the epoch it
 * was noted in: the collector starts a new one whenever it frees objects
 * (gc.c), since a freed string's address may come back as another's. */
enum { CURSORS = 8, CURSOR_MIN_LEN = 64 };
typedef struct StrCursor {
    const ObjStr *s;
    uint64_t epoch;
    int64_t cp, off;
} StrCursor;
static _Thread_local StrCursor cursors[CURSORS];
static _Atomic uint64_t cursor_epoch = 1;

void str_cursors_forget(void) { cursor_epoch++; }

static int64_t walk_forward(const ObjStr *s, int64_t off, int64_t n) {
    while (n > 0 && off < s->len) {
        off++;
        while (off < s->len && ((unsigned char)s->data[off] & 0xC0) == 0x80) off++;
        n--;
    }
    return off;
}

static int64_t walk_back(const ObjStr *s, int64_t off, int64_t n) {
    while (n > 0 && off > 0) {
        off--;
        while (off > 0 && ((unsigned char)s->data[off] & 0xC0) == 0x80) off--;
        n--;
    }
    return off;
}

int64_t str_offset(const ObjStr *s, int64_t i) {
    if (s->ascii) return i;
    if (s->len < CURSOR_MIN_LEN) return walk_forward(s, 0, i);
    if (i <= 0) return 0;
    if (i >= s->cplen) return s->len;
    /* Two cursors per string, so that a loop reading from both ends at once
     * (s[i] == s[n - 1 - i]) keeps one at each end instead of walking half
     * the string on every access. */
    StrCursor *set = &cursors[((uintptr_t)s >> 4) % (CURSORS / 2) * 2];
    uint64_t epoch = cursor_epoch;
    StrCursor *from = NULL, *victim = &set[0];
    for (int k = 0; k < 2; k++) {
        StrCursor *c = &set[k];
        if (c->s != s || c->epoch != epoch) {
            victim = c;
            continue;
        }
        if (!from || llabs(c->cp - i) < llabs(from->cp - i)) from = c;
    }
    if (from && victim->s == s && victim->epoch == epoch)
        victim = from;      /* both hold this string: move the nearer one */
    int64_t from_cp = 0, from_off = 0;
    if (from && llabs(from->cp - i) < i) {
        from_cp = from->cp;
        from_off = from->off;
    }
    int64_t off = s->cplen - i < llabs(from_cp - i) ? walk_back(s, s->len, s->cplen - i)
                  : i >= from_cp                    ? walk_forward(s, from_off, i - from_cp)
                                                    : walk_back(s, from_off, from_cp - i);
    *victim = (StrCursor){s, epoch, i, off};
    return off;
}

/* ---- creation ---------------------------------------------------------- */

static ObjStr *str_alloc(VM *vm, size_t len) {
    if (len > (size_t)INT64_MAX - sizeof(ObjStr) - 1) { exc_nomem(vm); return NULL; }
    ObjStr *s = gc_new_unzeroed(vm, sizeof(ObjStr) + len + 1, sizeof(ObjStr), OBJ_STR, vm->types[T_STR]);
    if (!s) return NULL;
    s->len = (int64_t)len;
    return s;
}

/* Whether no byte has its high bit set: eight at a time. */
static bool all_ascii(const char *p, size_t len) {
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        if (w & 0x8080808080808080u) return false;
    }
    for (; i < len; i++)
        if ((unsigned char)p[i] >= 0x80) return false;
    return true;
}

static void str_finish(ObjStr *s) {
    s->data[s->len] = 0;
    bool ascii = all_ascii(s->data, (size_t)s->len);
    s->ascii = ascii;
    s->cplen = ascii ? s->len : utf8_count(s->data, (size_t)s->len);
}

Value str_new(VM *vm, const char *p, size_t len) {
    if (len == 0 && vm->empty_str) return obj_val(vm->empty_str);
    if (len == 1 && (unsigned char)p[0] < 128 && vm->char_strs[(unsigned char)p[0]])
        return obj_val(vm->char_strs[(unsigned char)p[0]]);
    ObjStr *s = str_alloc(vm, len);
    if (!s) return ERR;
    if (len) memcpy(s->data, p, len);
    str_finish(s);
    return obj_val(s);
}

Value str_new_ascii(VM *vm, const char *p, size_t len) {
    if (len <= 1) return str_new(vm, p, len);
    ObjStr *s = str_alloc(vm, len);
    if (!s) return ERR;
    memcpy(s->data, p, len);
    s->data[len] = 0;
    s->ascii = true;
    s->cplen = (int64_t)len;
    return obj_val(s);
}

Value str_from_cstr(VM *vm, const char *s) { return str_new(vm, s, strlen(s)); }

Value str_from_buf(VM *vm, StrBuf *b) {
    if (b->oom) { sb_free(b); return exc_nomem(vm); }
    Value v = str_new(vm, b->data ? b->data : "", b->len);
    sb_free(b);
    return v;
}

/* The length (1 to 3) of the invalid UTF-8 sequence at s[i]: its longest
 * prefix that a valid sequence could start with (the "maximal subpart"
 * that CPython replaces by one U+FFFD). *why says what is wrong. */
static size_t utf8_bad_len(const unsigned char *p, size_t len, size_t i, const char **why) {
    unsigned c = p[i];
    int n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    *why = "invalid start byte";
    if (!n) return 1;
    size_t k = 1;
    for (; k < (size_t)n && i + k < len; k++) {
        unsigned lo = 0x80, hi = 0xBF, d = p[i + k];
        if (k == 1) {       /* no overlong forms, surrogates or code points past U+10FFFF */
            if (c == 0xE0) lo = 0xA0;
            else if (c == 0xED) hi = 0x9F;
            else if (c == 0xF0) lo = 0x90;
            else if (c == 0xF4) hi = 0x8F;
        }
        if (d < lo || d > hi) { *why = "invalid continuation byte"; return k; }
    }
    *why = "unexpected end of data";
    return k;
}

/* Decodes UTF-8 with the error handlers strict, replace, ignore,
 * backslashreplace and surrogateescape (NULL is strict). */
Value str_decode_utf8(VM *vm, const char *s, size_t len, const char *errors) {
    size_t bad;
    if (utf8_valid(s, len, &bad)) return str_new(vm, s, len);
    const unsigned char *p = (const unsigned char *)s;
    const char *why;
    if (!errors || !strcmp(errors, "strict")) {
        size_t n = utf8_bad_len(p, len, bad, &why);
        return exc_unicode_error(vm, E_UnicodeDecodeError, "utf-8", bytes_new(vm, p, len), (int64_t)bad,
                                 (int64_t)(bad + n), why);
    }
    bool replace = !strcmp(errors, "replace"), bslash = !strcmp(errors, "backslashreplace");
    bool escape = !strcmp(errors, "surrogateescape");
    if (!replace && !bslash && !escape && strcmp(errors, "ignore"))
        return exc_raise(vm, E_LookupError, "unknown error handler name '%s'", errors);
    StrBuf b = SB_INIT;
    size_t i = 0;
    while (i < len) {
        size_t ok;
        if (utf8_valid(s + i, len - i, &ok)) ok = len - i;
        sb_add(&b, s + i, ok);
        i += ok;
        if (i >= len) break;
        size_t n = utf8_bad_len(p, len, i, &why);
        if (replace) sb_add(&b, "\xEF\xBF\xBD", 3);
        for (size_t k = 0; k < n && (bslash || escape); k++) {
            if (bslash) sb_addf(&b, "\\x%02x", p[i + k]);
            else sb_add_utf8(&b, 0xDC00 + p[i + k]);
        }
        i += n;
    }
    return str_from_buf(vm, &b);
}

Value str_char(VM *vm, uint32_t cp) {
    StrBuf b = SB_INIT;
    sb_add_utf8(&b, cp);
    return str_from_buf(vm, &b);
}

/* ---- hashing, equality, order ------------------------------------------ */

uint64_t str_hash(ObjStr *s) {
    if (!s->hash) s->hash = s->ascii ? hash_bytes(s->data, (size_t)s->len) : hash_utf8(s->data, (size_t)s->len);
    return s->hash;
}

bool str_eq(const ObjStr *a, const ObjStr *b) {
    if (a == b) return true;
    if (a->len != b->len) return false;
    if (a->interned && b->interned) return false;
    if (a->hash && b->hash && a->hash != b->hash) return false;
    return memcmp(a->data, b->data, (size_t)a->len) == 0;
}

int str_cmp(const ObjStr *a, const ObjStr *b) {
    /* UTF-8 byte order is code point order. */
    int64_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, (size_t)n);
    if (c) return c < 0 ? -1 : 1;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* ---- interning --------------------------------------------------------- */

#define TOMBSTONE ((ObjStr *)(uintptr_t)1)

static bool intern_grow(VM *vm) {
    StrTable *t = &vm->strings;
    int64_t cap = t->cap ? t->cap : 256;
    while (t->count * 2 >= cap) cap *= 2;
    ObjStr **slots = calloc((size_t)cap, sizeof *slots);
    if (!slots) return false;
    for (int64_t i = 0; i < t->cap; i++) {
        ObjStr *s = t->slots[i];
        if (!s || s == TOMBSTONE) continue;
        int64_t j = (int64_t)(str_hash(s) & (uint64_t)(cap - 1));
        while (slots[j]) j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    free(t->slots);
    t->slots = slots;
    t->cap = cap;
    t->used = t->count;
    return true;
}

ObjStr *str_intern(VM *vm, const char *p, size_t len) {
    StrTable *t = &vm->strings;
    if ((t->used + 1) * 4 >= t->cap * 3 && !intern_grow(vm)) { exc_nomem(vm); return NULL; }
    uint64_t h = hash_utf8(p, len);
    int64_t j = (int64_t)(h & (uint64_t)(t->cap - 1));
    int64_t tomb = -1;
    for (;;) {
        ObjStr *s = t->slots[j];
        if (!s) break;
        if (s == TOMBSTONE) { if (tomb < 0) tomb = j; }
        else if (s->hash == h && s->len == (int64_t)len && memcmp(s->data, p, len) == 0) return s;
        j = (j + 1) & (t->cap - 1);
    }
    ObjStr *s = str_alloc(vm, len);
    if (!s) return NULL;
    memcpy(s->data, p, len);
    str_finish(s);
    s->hash = h;
    s->interned = 1;
    if (tomb >= 0) j = tomb;
    else t->used++;
    t->slots[j] = s;
    t->count++;
    return s;
}

ObjStr *str_intern_cstr(VM *vm, const char *s) { return str_intern(vm, s, strlen(s)); }

void str_sweep_interned(VM *vm) {
    StrTable *t = &vm->strings;
    for (int64_t i = 0; i < t->cap; i++) {
        ObjStr *s = t->slots[i];
        if (s && s != TOMBSTONE && !s->obj.marked) {
            t->slots[i] = TOMBSTONE;
            t->count--;
        }
    }
}

/* ---- operations -------------------------------------------------------- */

/* A str subclass is never handed back as the result: "" + s and s * 1 make
   an exact str, as CPython does. */
static bool str_exact(VM *vm, ObjStr *s) { return s->obj.cls == vm->types[T_STR]; }

Value str_concat(VM *vm, ObjStr *a, ObjStr *b) {
    if (a->len == 0 && str_exact(vm, b)) return obj_val(b);
    if (b->len == 0 && str_exact(vm, a)) return obj_val(a);
    ObjStr *s = str_alloc(vm, (size_t)a->len + (size_t)b->len);
    if (!s) return ERR;
    memcpy(s->data, a->data, (size_t)a->len);
    memcpy(s->data + a->len, b->data, (size_t)b->len);
    s->data[s->len] = 0;
    s->ascii = a->ascii && b->ascii;
    s->cplen = a->cplen + b->cplen;
    return obj_val(s);
}

Value str_join(VM *vm, ObjStr *sep, Value *items, int64_t n) {
    if (n == 1 && is_str(items[0]) && str_exact(vm, AS(ObjStr, items[0]))) return items[0];
    /* Measured first, so the result is made once at its size, its length
     * in code points and its ASCII-ness summed rather than scanned. */
    size_t len = n ? (size_t)sep->len * (size_t)(n - 1) : 0;
    int64_t cplen = n ? sep->cplen * (n - 1) : 0;
    bool ascii = sep->ascii;
    for (int64_t i = 0; i < n; i++) {
        if (!is_str(items[i]))
            return exc_raise(vm, E_TypeError, "sequence item %lld: expected str instance, %T found", (long long)i, items[i]);
        ObjStr *item = AS(ObjStr, items[i]);
        len += (size_t)item->len;
        cplen += item->cplen;
        ascii = ascii && item->ascii;
    }
    if (len == 0) return obj_val(vm->empty_str);
    ObjStr *r = str_alloc(vm, len);
    if (!r) return ERR;
    char *out = r->data;
    for (int64_t i = 0; i < n; i++) {
        ObjStr *item = AS(ObjStr, items[i]);
        if (i && sep->len) { memcpy(out, sep->data, (size_t)sep->len); out += sep->len; }
        memcpy(out, item->data, (size_t)item->len);
        out += item->len;
    }
    r->data[len] = 0;
    r->ascii = ascii;
    r->cplen = cplen;
    return obj_val(r);
}

Value str_repeat(VM *vm, ObjStr *s, int64_t n) {
    if (n <= 0 || s->len == 0) return obj_val(vm->empty_str);
    if (n == 1 && str_exact(vm, s)) return obj_val(s);
    /* CPython counts characters for its OverflowError; more bytes than
     * memory holds is a MemoryError */
    if (s->cplen > INT64_MAX / n) return exc_raise(vm, E_OverflowError, "repeated string is too long");
    if (s->len > INT64_MAX / n) return exc_nomem(vm);
    ObjStr *r = str_alloc(vm, (size_t)(s->len * n));
    if (!r) return ERR;
    for (int64_t i = 0; i < n; i++) memcpy(r->data + i * s->len, s->data, (size_t)s->len);
    r->data[r->len] = 0;
    r->ascii = s->ascii;
    r->cplen = s->cplen * n;
    return obj_val(r);
}

void str_repr_to(StrBuf *b, const char *s, size_t len) {
    bool sq = memchr(s, '\'', len) != NULL, dq = memchr(s, '"', len) != NULL;
    char q = sq && !dq ? '"' : '\'';
    sb_addc(b, q);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t c = utf8_decode(s, len, &i);
        if (c == (uint32_t)q || c == '\\') { sb_addc(b, '\\'); sb_addc(b, (char)c); }
        else if (c == '\n') sb_adds(b, "\\n");
        else if (c == '\r') sb_adds(b, "\\r");
        else if (c == '\t') sb_adds(b, "\\t");
        else if (c >= 0x20 && (c < 0x7F || unicode_isprintable(c))) sb_add(b, s + start, i - start);
        else if (c < 0x100) sb_addf(b, "\\x%02x", c);
        else if (c < 0x10000) sb_addf(b, "\\u%04x", c);
        else sb_addf(b, "\\U%08x", c);
    }
    sb_addc(b, q);
}

Value str_repr(VM *vm, ObjStr *s) {
    StrBuf b = SB_INIT;
    str_repr_to(&b, s->data, (size_t)s->len);
    return str_from_buf(vm, &b);
}

/* A str of len bytes at p known to hold cplen characters: only the ASCII
 * scan is left (str_new would count the characters again). */
static Value str_new_counted(VM *vm, const char *p, size_t len, int64_t cplen) {
    if (len <= 1) return str_new(vm, p, len);
    ObjStr *r = str_alloc(vm, len);
    if (!r) return ERR;
    memcpy(r->data, p, len);
    r->data[len] = 0;
    r->ascii = all_ascii(r->data, len);
    r->cplen = cplen;
    return obj_val(r);
}

/* s[start::step] for n >= 2 characters and step != 1 (s[::-1] is the
 * common one). ASCII copies bytes straight into the result; otherwise one
 * walk measures the result and a second copies it, moving |step|
 * characters at a time instead of locating each character from scratch. */
static Value str_slice_step(VM *vm, ObjStr *s, int64_t start, int64_t step, int64_t n) {
    ObjStr *r;
    if (s->ascii) {
        r = str_alloc(vm, (size_t)n);
        if (!r) return ERR;
        const char *src = s->data + start;
        for (int64_t k = 0; k < n; k++) r->data[k] = src[k * step];
        r->data[n] = 0;
        r->ascii = true;
        r->cplen = n;
        return obj_val(r);
    }
    if (step == -1) {
        /* the reversed run: its bytes are those of s[start-n+1 : start+1],
         * copied character by character from the end */
        int64_t hi = walk_forward(s, str_offset(s, start), 1), lo = str_offset(s, start - n + 1);
        r = str_alloc(vm, (size_t)(hi - lo));
        if (!r) return ERR;
        char *out = r->data;
        for (int64_t end = hi; end > lo;) {
            int64_t at = end - 1;
            while (at > lo && ((unsigned char)s->data[at] & 0xC0) == 0x80) at--;
            memcpy(out, s->data + at, (size_t)(end - at));
            out += end - at;
            end = at;
        }
        r->data[hi - lo] = 0;
        r->ascii = hi - lo == n;
        r->cplen = n;
        return obj_val(r);
    }
    int64_t first = str_offset(s, start), off = first, bytes = 0;
    for (int64_t k = 0; k < n; k++) {
        int64_t end = walk_forward(s, off, 1);
        bytes += end - off;
        if (k + 1 < n) off = step > 0 ? walk_forward(s, off, step) : walk_back(s, off, -step);
    }
    r = str_alloc(vm, (size_t)bytes);
    if (!r) return ERR;
    char *out = r->data;
    off = first;
    for (int64_t k = 0; k < n; k++) {
        int64_t end = walk_forward(s, off, 1);
        memcpy(out, s->data + off, (size_t)(end - off));
        out += end - off;
        if (k + 1 < n) off = step > 0 ? walk_forward(s, off, step) : walk_back(s, off, -step);
    }
    r->data[bytes] = 0;
    r->ascii = bytes == n;
    r->cplen = n;
    return obj_val(r);
}

static Value str_slice(VM *vm, ObjStr *s, ObjSlice *sl) {
    int64_t start, stop, step;
    int64_t n = slice_indices(vm, sl, s->cplen, &start, &stop, &step);
    if (n < 0) return ERR;
    if (n == 0) return obj_val(vm->empty_str);
    if (step == 1) {
        int64_t a = str_offset(s, start), z = str_offset(s, start + n);
        if (a == 0 && z == s->len && s->obj.cls == vm->types[T_STR]) return obj_val(s);   /* a subclass: a str */
        return str_new_counted(vm, s->data + a, (size_t)(z - a), n);
    }
    if (n == 1) return str_getitem(vm, s, int_val(start));
    return str_slice_step(vm, s, start, step, n);
}

Value str_getitem(VM *vm, ObjStr *s, Value index) {
    if (is_kind(index, OBJ_SLICE)) return str_slice(vm, s, AS(ObjSlice, index));
    if (!is_intlike(index) && op_special(vm, index, N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "string indices must be integers, not '%T'", index);
    int64_t i = seq_index(vm, index, s->cplen, "string");
    if (i < 0) return ERR;
    if (s->ascii) return obj_val(vm->char_strs[(unsigned char)s->data[i]]);
    int64_t off = str_offset(s, i);
    size_t pos = (size_t)off;
    utf8_decode(s->data, (size_t)s->len, &pos);
    return str_new(vm, s->data + off, pos - (size_t)off);
}

int str_contains(VM *vm, ObjStr *hay, ObjStr *needle) {
    (void)vm;
    if (needle->len == 0) return 1;
    if (needle->len > hay->len) return 0;
    return memmem(hay->data, (size_t)hay->len, needle->data, (size_t)needle->len) != NULL;
}

static Value str_iter_next(VM *vm, ObjIter *it) {
    ObjStr *s = AS(ObjStr, it->a);
    if (it->i >= s->len) {
        it->b = TRUE_VAL;       /* next() found nothing: see iter_reduce.c */
        return UNDEF;
    }
    size_t pos = (size_t)it->i;
    if (s->ascii) { it->i++; return obj_val(vm->char_strs[(unsigned char)s->data[pos]]); }
    utf8_decode(s->data, (size_t)s->len, &pos);
    Value r = str_new(vm, s->data + it->i, pos - (size_t)it->i);
    it->i = (int64_t)pos;
    return r;
}

Value str_iter(VM *vm, ObjStr *s) {
    ObjIter *it = iter_new(vm, vm->types[T_STR_ITER], str_iter_next);
    if (!it) return ERR;
    it->a = obj_val(s);
    return obj_val(it);
}

Value str_ascii(VM *vm, ObjStr *r) {
    if (r->ascii) return obj_val(r);
    StrBuf b = SB_INIT;
    size_t i = 0;
    while (i < (size_t)r->len) {
        uint32_t c = utf8_decode(r->data, (size_t)r->len, &i);
        if (c < 0x80) sb_addc(&b, (char)c);
        else if (c < 0x100) sb_addf(&b, "\\x%02x", c);
        else if (c < 0x10000) sb_addf(&b, "\\u%04x", c);
        else sb_addf(&b, "\\U%08x", c);
    }
    return str_from_buf(vm, &b);
}

/* `a += b` where only one local variable holds `a` (see STR_UNIQUE). */
Value str_append_unique(VM *vm, ObjStr *a, ObjStr *b) {
    if (b->len == 0) return obj_val(a);
    size_t need = (size_t)a->len + (size_t)b->len;
    if ((a->obj.flags & STR_UNIQUE) && need <= a->obj.spare) {
        memcpy(a->data + a->len, b->data, (size_t)b->len);
        a->len = (int64_t)need;
        a->data[need] = 0;
        a->cplen += b->cplen;
        a->ascii = a->ascii && b->ascii;
        a->hash = 0;
        return obj_val(a);
    }
    size_t cap = need < 32 ? 64 : need * 2;
    if (cap > UINT32_MAX) return str_concat(vm, a, b);
    ObjStr *s = str_alloc(vm, cap);
    if (!s) return ERR;
    memcpy(s->data, a->data, (size_t)a->len);
    memcpy(s->data + a->len, b->data, (size_t)b->len);
    s->len = (int64_t)need;
    s->data[need] = 0;
    s->cplen = a->cplen + b->cplen;
    s->ascii = a->ascii && b->ascii;
    s->obj.flags = STR_SIZED | STR_UNIQUE;
    s->obj.spare = (uint32_t)cap;
    return obj_val(s);
}
