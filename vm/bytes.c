/* bytes and bytearray: constructors, methods, codecs and %-formatting.
 *
 * ops.c already does what every value needs (repr of bytes, hashing,
 * equality and ordering of two bytes, +, *, `in`, len, iteration of bytes).
 * This file fills the two classes' dicts. The methods both types share are
 * written once over a BinBuf (pointer and length) and build their results with
 * the receiver's type, as CPython does: bytearray(b'a').upper() is a
 * bytearray.
 *
 * A bytearray's buffer may move or change whenever script code runs (an
 * __index__, a user iterator): methods take their BinBuf after converting their
 * arguments, and never hold it across such calls. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "binbuf.h"
#include "memview.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "import.h"
#include "ops.h"
#include "str.h"
#include "subtype.h"


Value bytes_new(VM *vm, const uint8_t *data, size_t len) {
    if (len > (size_t)INT64_MAX - sizeof(ObjBytes) - 1) return exc_nomem(vm);
    ObjBytes *b = gc_new_unzeroed(vm, sizeof(ObjBytes) + len + 1, sizeof(ObjBytes), OBJ_BYTES, vm->types[T_BYTES]);
    if (!b) return ERR;
    b->len = (int64_t)len;
    if (len && data) memcpy(b->data, data, len);
    else if (len) memset(b->data, 0, len);
    b->data[len] = 0;
    return obj_val(b);
}

/* ---- bytearray storage -------------------------------------------------- */

bool bytearray_reserve(VM *vm, ObjByteArray *ba, int64_t need) {
    if (need <= ba->cap) return true;
    int64_t cap = ba->cap < 8 ? 8 : ba->cap;
    while (cap < need) cap = cap > INT64_MAX / 2 ? need : cap * 2;
    uint8_t *d = gc_realloc(vm, ba->data, (size_t)ba->cap, (size_t)cap);
    if (!d) return false;
    ba->data = d;
    ba->cap = cap;
    return true;
}

Value bytearray_new(VM *vm, const uint8_t *data, size_t len) {
    ObjByteArray *ba = gc_new(vm, sizeof(ObjByteArray), OBJ_BYTEARRAY, vm->types[T_BYTEARRAY]);
    if (!ba) return ERR;
    if (!bytearray_reserve(vm, ba, (int64_t)len)) return ERR;
    if (len && data) memcpy(ba->data, data, len);
    else if (len) memset(ba->data, 0, len);
    ba->len = (int64_t)len;
    return obj_val(ba);
}

/* False (after BufferError) if a memoryview exports ba: its size must not
 * change. Called before the methods that resize allocate anything, since it
 * may collect, and only once the arguments are checked and the size is
 * known to change (CPython's resize allows a change to the same size). */
static bool ba_resizable(VM *vm, ObjByteArray *ba) { return ba->exports == 0 || memview_resize_ok(vm, ba); }

/* Replaces ba[start:stop] with n bytes from p (which must not point into ba). */
static bool ba_splice(VM *vm, ObjByteArray *ba, int64_t start, int64_t stop, const uint8_t *p, int64_t n) {
    int64_t tail = ba->len - stop, newlen = start + n + tail;
    if (!bytearray_reserve(vm, ba, newlen)) return false;
    if (tail) memmove(ba->data + start + n, ba->data + stop, (size_t)tail);  /* data may be NULL when empty */
    if (n) memcpy(ba->data + start, p, (size_t)n);
    ba->len = newlen;
    return true;
}

/* ---- views of bytes-like values (BinBuf, vm/binbuf.h) -------------------- */

/* A new value of the receiver's type. */
static Value make_like(VM *vm, Value self, const uint8_t *p, int64_t n) {
    if (is_kind(self, OBJ_BYTEARRAY)) return bytearray_new(vm, p, (size_t)n);
    return bytes_new(vm, p, (size_t)n);
}

static Value make_like_buf(VM *vm, Value self, StrBuf *sb) {
    if (sb->oom) { sb_free(sb); return exc_nomem(vm); }
    Value r = make_like(vm, self, (const uint8_t *)(sb->data ? sb->data : ""), (int64_t)sb->len);
    sb_free(sb);
    return r;
}

/* Results past 2 GiB fail at once with MemoryError: CPython tries to
 * allocate them whole, and filling one byte at a time would run for minutes
 * first. False (raised) when n bytes is too many. */
static bool size_ok(VM *vm, int64_t n) {
    if (n <= INT32_MAX) return true;
    exc_nomem(vm);
    return false;
}

static const char *self_type_name(Value self) { return is_kind(self, OBJ_BYTEARRAY) ? "bytearray" : "bytes"; }

/* args_check for a method CPython takes one fixed argument (or none): its
 * messages name the type, "bytes.zfill() takes exactly one argument (0 given)". */
static bool check_range(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int min, int max) {
    char qual[64];
    snprintf(qual, sizeof qual, "%s.%s", nargs >= 1 ? self_type_name(args[0]) : "bytes", name);
    return args_check(vm, qual, nargs - 1, kw, min, max);
}

static bool check_method(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int n) {
    return check_range(vm, args, nargs, kw, name, n, n);
}

/* "bytes.find() takes no keyword arguments": false (raised) when kw has any. */
static bool no_keywords(VM *vm, const char *type_name, ObjTuple *kw, const char *name) {
    if (!kw || !kw->len) return true;
    exc_raise(vm, E_TypeError, "%s.%s() takes no keyword arguments", type_name, name);
    return false;
}

/* The receiver of a method shared by bytes and bytearray. */
static bool self_buf(VM *vm, const char *meth, Value *args, int nargs, BinBuf *out) {
    if (nargs >= 1 && binbuf_get(args[0], out)) return true;
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'bytes' object but received a '%T'", meth,
              nargs >= 1 ? args[0] : NONE_VAL);
    return false;
}

static ObjByteArray *self_ba(VM *vm, const char *meth, Value *args, int nargs) {
    if (nargs >= 1 && is_kind(args[0], OBJ_BYTEARRAY)) return AS(ObjByteArray, args[0]);
    exc_raise(vm, E_TypeError, "descriptor '%s' requires a 'bytearray' object but received a '%T'", meth,
              nargs >= 1 ? args[0] : NONE_VAL);
    return NULL;
}

/* A byte value: an int in range(256) (or __index__). */
static bool byte_value(VM *vm, Value v, uint8_t *out, const char *range_msg) {
    int64_t i;
    if (is_bigint(v) && !int_to_i64(v, &i)) i = -1;     /* too big for an index: out of range all the same */
    else if (!index_value(vm, v, &i, NULL)) return false;
    if (i < 0 || i > 255) {
        exc_raise(vm, E_ValueError, "%s", range_msg);
        return false;
    }
    *out = (uint8_t)i;
    return true;
}

/* An int argument clamped to int64_t. */
static bool int_arg_clamp(VM *vm, Value v, int64_t *out) {
    if (is_bigint(v)) {
        if (!int_to_i64(v, out)) *out = int_sign(v) < 0 ? INT64_MIN : INT64_MAX;
        return true;
    }
    return index_value(vm, v, out, NULL);
}

/* The optional start/end arguments of find, count, startswith, ...:
 * None or an int, adjusted as slice bounds against n. */
static bool range_args(VM *vm, Value *args, int nargs, int64_t n, int64_t *start, int64_t *end) {
    *start = 0;
    *end = n;
    for (int k = 0; k < nargs && k < 2; k++) {
        Value v = args[k];
        if (v == NONE_VAL) continue;
        int64_t x;
        if (!is_intlike(v) && op_special(vm, v, N___index__) == UNDEF) {
            exc_raise(vm, E_TypeError, "slice indices must be integers or None or have an __index__ method");
            return false;
        }
        if (!int_arg_clamp(vm, v, &x)) return false;
        if (k == 0) *start = x;
        else *end = x;
    }
    if (*end > n) *end = n;
    else if (*end < 0) { *end += n; if (*end < 0) *end = 0; }
    if (*start < 0) { *start += n; if (*start < 0) *start = 0; }
    return true;
}

static bool is_space(uint8_t c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static bool is_lower(uint8_t c) { return c >= 'a' && c <= 'z'; }
static bool is_upper(uint8_t c) { return c >= 'A' && c <= 'Z'; }
static bool is_alpha(uint8_t c) { return is_lower(c) || is_upper(c); }
static bool is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

/* The first (or last) position of needle in hay[start:end]; -1 if none. */
static int64_t buf_find(BinBuf hay, BinBuf needle, int64_t start, int64_t end, bool last) {
    if (start > hay.n || end - start < needle.n) return -1;
    if (needle.n == 0) return last ? end : start;
    if (!last) {
        const uint8_t *r = memmem(hay.p + start, (size_t)(end - start), needle.p, (size_t)needle.n);
        return r ? r - hay.p : -1;
    }
    return str_rfind_bytes((const char *)hay.p, start, end, (const char *)needle.p, needle.n);
}

static int64_t buf_count(BinBuf hay, BinBuf needle, int64_t start, int64_t end) {
    if (start > hay.n || end < start) return 0;
    if (needle.n == 0) return end - start + 1;
    int64_t count = 0;
    for (int64_t i = start; i + needle.n <= end;) {
        const uint8_t *r = memmem(hay.p + i, (size_t)(end - i), needle.p, (size_t)needle.n);
        if (!r) break;
        count++;
        i = (r - hay.p) + needle.n;
    }
    return count;
}

/* ---- codecs ------------------------------------------------------------- */

typedef enum Codec {
    CODEC_UTF8, CODEC_ASCII, CODEC_LATIN1,
    CODEC_UTF16, CODEC_UTF16LE, CODEC_UTF16BE, CODEC_UTF32, CODEC_UTF32LE, CODEC_UTF32BE,    /* in this order */
    CODEC_UNKNOWN
} Codec;

static Codec codec_lookup(const char *name) {
    char norm[32];
    size_t i = 0;
    for (; name[i] && i < sizeof norm - 1; i++) norm[i] = name[i] == '_' ? '-' : (char)tolower((unsigned char)name[i]);
    if (name[i]) return CODEC_UNKNOWN;
    norm[i] = 0;
    static const char *const utf8[] = {"utf-8", "utf8", "u8", "utf", "cp65001", NULL};
    static const char *const ascii[] = {"ascii", "us-ascii", "646", "us", NULL};
    static const char *const latin1[] = {"latin-1", "latin1", "latin", "l1", "iso-8859-1", "iso8859-1", "8859",
                                         "cp819", "iso-ir-100", NULL};
    for (int k = 0; utf8[k]; k++) if (strcmp(norm, utf8[k]) == 0) return CODEC_UTF8;
    for (int k = 0; ascii[k]; k++) if (strcmp(norm, ascii[k]) == 0) return CODEC_ASCII;
    for (int k = 0; latin1[k]; k++) if (strcmp(norm, latin1[k]) == 0) return CODEC_LATIN1;
    static const char *const wide[][3] = {{"utf-16", "utf16", "u16"}, {"utf-16-le", "utf-16le", ""},
                                          {"utf-16-be", "utf-16be", ""}, {"utf-32", "utf32", "u32"},
                                          {"utf-32-le", "utf-32le", ""}, {"utf-32-be", "utf-32be", ""}};
    for (int k = 0; k < 6; k++)
        for (int j = 0; j < 3; j++) if (wide[k][j][0] && strcmp(norm, wide[k][j]) == 0) return (Codec)(CODEC_UTF16 + k);
    return CODEC_UNKNOWN;
}

static const char *const codec_names[] = {"utf-8", "ascii", "latin-1", "utf-16", "utf-16-le", "utf-16-be",
                                          "utf-32", "utf-32-le", "utf-32-be"};

/* ---- UTF-16 and UTF-32 ---- */

static bool is_wide(Codec c) { return c >= CODEC_UTF16 && c <= CODEC_UTF32BE; }
static int wide_width(Codec c) { return c >= CODEC_UTF32 ? 4 : 2; }
static bool wide_be(Codec c) { return c == CODEC_UTF16BE || c == CODEC_UTF32BE; }

static void wide_unit(StrBuf *b, uint32_t u, int width, bool be) {
    for (int k = 0; k < width; k++) sb_addc(b, (char)(u >> (8 * (be ? width - 1 - k : k))));
}

static void wide_char(StrBuf *b, uint32_t cp, int width, bool be) {
    if (width == 2 && cp > 0xFFFF) {
        cp -= 0x10000;
        wide_unit(b, 0xD800 | (cp >> 10), 2, be);
        wide_unit(b, 0xDC00 | (cp & 0x3FF), 2, be);
    } else {
        wide_unit(b, cp, width, be);
    }
}

/* str -> UTF-16/32 (little-endian after a BOM for the plain names), strict:
 * a lone surrogate is an error. (Other error handlers are the codecs
 * module's, which bytes_encode hands them to.) */
static Value wide_encode(VM *vm, ObjStr *s, Codec c) {
    int width = wide_width(c);
    bool be = wide_be(c);
    StrBuf b = SB_INIT;
    if (c == CODEC_UTF16 || c == CODEC_UTF32) wide_unit(&b, 0xFEFF, width, false);
    size_t pos = 0;
    for (int64_t i = 0; pos < (size_t)s->len; i++) {
        uint32_t cp = utf8_decode(s->data, (size_t)s->len, &pos);
        if (cp < 0xD800 || cp > 0xDFFF) { wide_char(&b, cp, width, be); continue; }
        sb_free(&b);
        return exc_unicode_error(vm, E_UnicodeEncodeError, codec_names[c], obj_val(s), i, i + 1,
                                 "surrogates not allowed");
    }
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(b.data ? b.data : ""), b.len);
    sb_free(&b);
    return r;
}

static uint32_t wide_read(const uint8_t *p, int width, bool be) {
    uint32_t u = 0;
    for (int k = 0; k < width; k++) u |= (uint32_t)p[k] << (8 * (be ? width - 1 - k : k));
    return u;
}

/* UTF-16/32 -> str, strict. A BOM picks the byte order for the plain names
 * (little-endian without one), and the errors then name that codec. */
static Value wide_decode(VM *vm, const uint8_t *p, size_t n, Codec c) {
    int width = wide_width(c);
    bool be = wide_be(c);
    size_t i = 0;
    if (c == CODEC_UTF16 || c == CODEC_UTF32) {
        if (n >= (size_t)width && wide_read(p, width, false) == 0xFEFF) i = (size_t)width;
        else if (n >= (size_t)width && wide_read(p, width, true) == 0xFEFF) { i = (size_t)width; be = true; }
        c = (Codec)(c + (be ? 2 : 1));
    }
    StrBuf b = SB_INIT;
    while (i < n) {
        const char *why = NULL;
        size_t bad = 0;         /* the bytes of a bad sequence */
        uint32_t cp = 0;
        if (n - i < (size_t)width) {
            why = "truncated data", bad = n - i;
        } else if (width == 4) {
            cp = wide_read(p + i, 4, be);
            if (cp > 0x10FFFF) why = "code point not in range(0x110000)", bad = 4;
            else if (cp >= 0xD800 && cp <= 0xDFFF) why = "code point in surrogate code point range(0xd800, 0xe000)", bad = 4;
        } else {
            cp = wide_read(p + i, 2, be);
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                why = "illegal encoding", bad = 2;
            } else if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (n - i < 4) {
                    why = "unexpected end of data", bad = n - i;
                } else {
                    uint32_t lo = wide_read(p + i + 2, 2, be);
                    if (lo < 0xDC00 || lo > 0xDFFF) why = "illegal UTF-16 surrogate", bad = 2;
                    else cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), i += 2;
                }
            }
        }
        if (!why) {
            sb_add_utf8(&b, cp);
            i += (size_t)width;
            continue;
        }
        sb_free(&b);
        Value obj = bytes_new(vm, p, n);
        if (obj == ERR) return ERR;
        return exc_unicode_error(vm, E_UnicodeDecodeError, codec_names[c], obj, (int64_t)i, (int64_t)(i + bad), why);
    }
    return str_from_buf(vm, &b);
}

bool bytes_native_codec(const char *encoding) { return codec_lookup(encoding) != CODEC_UNKNOWN; }

/* The codecs this file does not know (utf-16, unicode_escape, codecs
   registered by scripts) and error handlers registered with
   codecs.register_error live in the codecs module, written in Asy:
   str.encode and bytes.decode hand such calls to codecs.<fn>(data,
   encoding, errors). */
static Value codecs_fallback(VM *vm, const char *fn, Value data, const char *encoding, const char *errors) {
    if (!vm_push_root(vm, data)) return ERR;
    Value r = ERR, mod = import_module(vm, "codecs");
    ObjStr *name = mod == ERR ? NULL : str_intern_cstr(vm, fn);
    Value f = name ? op_getattr(vm, mod, name) : ERR;
    if (f != ERR && vm_push_root(vm, f)) {
        Value args[3] = {data, str_from_cstr(vm, encoding), UNDEF};
        if (args[1] != ERR && vm_push_root(vm, args[1])) {
            args[2] = str_from_cstr(vm, errors);
            if (args[2] != ERR) r = op_call(vm, f, args, 3, NULL);
            vm_pop_roots(vm, 1);
        }
        vm_pop_roots(vm, 1);
    }
    vm_pop_roots(vm, 1);
    return r;
}

static Value decode_fallback(VM *vm, const uint8_t *p, size_t n, const char *encoding, const char *errors) {
    Value data = bytes_new(vm, p, n);
    return data == ERR ? ERR : codecs_fallback(vm, "_bytes_decode", data, encoding, errors);
}

static bool known_handler(const char *errors) {
    return !strcmp(errors, "strict") || !strcmp(errors, "ignore") || !strcmp(errors, "replace") ||
           !strcmp(errors, "backslashreplace") || !strcmp(errors, "surrogateescape");
}

Value bytes_decode(VM *vm, const uint8_t *p, size_t n, const char *encoding, const char *errors) {
    Codec c = codec_lookup(encoding ? encoding : "utf-8");
    if (!errors) errors = "strict";
    /* UTF-16/32 with an error handler other than strict: the codecs module's
     * (it has them all, and handlers registered by scripts). */
    if (c == CODEC_UNKNOWN || (is_wide(c) && strcmp(errors, "strict") != 0))
        return decode_fallback(vm, p, n, encoding, errors);
    if (is_wide(c)) return wide_decode(vm, p, n, c);
    if (c == CODEC_LATIN1) {
        StrBuf b = SB_INIT;
        for (size_t i = 0; i < n; i++) sb_add_utf8(&b, p[i]);
        return str_from_buf(vm, &b);
    }
    size_t bad = n;
    if (c == CODEC_ASCII) {
        for (size_t i = 0; i < n && bad == n; i++) if (p[i] >= 0x80) bad = i;
    } else if (utf8_valid((const char *)p, n, &bad)) {
        bad = n;
    }
    if (bad == n) return str_new(vm, (const char *)p, n);
    if (!known_handler(errors)) return decode_fallback(vm, p, n, encoding, errors);
    if (c == CODEC_UTF8) return str_decode_utf8(vm, (const char *)p, n, errors);
    if (strcmp(errors, "strict")) {     /* ascii with a handler */
        StrBuf b = SB_INIT;
        for (size_t i = 0; i < n; i++) {
            if (p[i] < 0x80) sb_addc(&b, (char)p[i]);
            else if (!strcmp(errors, "replace")) sb_add(&b, "\xEF\xBF\xBD", 3);
            else if (!strcmp(errors, "backslashreplace")) sb_addf(&b, "\\x%02x", p[i]);
            else if (!strcmp(errors, "surrogateescape")) sb_add_utf8(&b, 0xDC00 + p[i]);
        }
        return str_from_buf(vm, &b);
    }
    return exc_unicode_error(vm, E_UnicodeDecodeError, "ascii", bytes_new(vm, p, n), (int64_t)bad, (int64_t)bad + 1,
                             "ordinal not in range(128)");
}

/* The escape CPython shows for a character in an encode error: '\xe9'. */
static void char_escape(StrBuf *b, uint32_t cp) {
    if (cp < 0x100) sb_addf(b, "\\x%02x", cp);
    else if (cp < 0x10000) sb_addf(b, "\\u%04x", cp);
    else sb_addf(b, "\\U%08x", cp);
}

Value bytes_encode(VM *vm, ObjStr *s, const char *encoding, const char *errors) {
    Codec c = codec_lookup(encoding ? encoding : "utf-8");
    if (!errors) errors = "strict";
    if (c == CODEC_UNKNOWN || (is_wide(c) && strcmp(errors, "strict") != 0))
        return codecs_fallback(vm, "_str_encode", obj_val(s), encoding, errors);
    if (is_wide(c)) return wide_encode(vm, s, c);
    if (s->ascii || (c == CODEC_UTF8 && utf8_valid(s->data, (size_t)s->len, NULL)))
        return bytes_new(vm, (const uint8_t *)s->data, (size_t)s->len);
    /* UTF-8 cannot encode the lone surrogates a str may hold */
    uint32_t limit = c == CODEC_ASCII ? 0x80 : c == CODEC_LATIN1 ? 0x100 : 0x110000;
#define ENCODABLE(cp) ((cp) < limit && ((cp) < 0xD800 || (cp) > 0xDFFF || c != CODEC_UTF8))
    StrBuf b = SB_INIT;
    size_t pos = 0;
    for (int64_t i = 0; pos < (size_t)s->len; i++) {
        uint32_t cp = utf8_decode(s->data, (size_t)s->len, &pos);
        if (ENCODABLE(cp)) {
            if (c == CODEC_UTF8) sb_add_utf8(&b, cp);
            else sb_addc(&b, (char)cp);
            continue;
        }
        if (!strcmp(errors, "ignore")) continue;
        if (!strcmp(errors, "replace")) { sb_addc(&b, '?'); continue; }
        if (!strcmp(errors, "backslashreplace")) { char_escape(&b, cp); continue; }
        if (!strcmp(errors, "xmlcharrefreplace")) { sb_addf(&b, "&#%u;", cp); continue; }
        if (!strcmp(errors, "surrogateescape") && cp >= 0xDC80 && cp <= 0xDCFF) { sb_addc(&b, (char)(cp - 0xDC00)); continue; }
        if (!strcmp(errors, "surrogatepass") && c == CODEC_UTF8) { sb_add_utf8(&b, cp); continue; }
        sb_free(&b);
        if (strcmp(errors, "strict") != 0 && strcmp(errors, "surrogateescape") != 0 && strcmp(errors, "surrogatepass") != 0)
            return codecs_fallback(vm, "_str_encode", obj_val(s), encoding, errors);
        /* A run of unencodable characters is reported as one range. */
        int64_t j = i + 1;
        size_t q = pos;
        while (q < (size_t)s->len) {
            size_t q2 = q;
            uint32_t d = utf8_decode(s->data, (size_t)s->len, &q2);
            if (ENCODABLE(d)) break;
            q = q2;
            j++;
        }
#undef ENCODABLE
        char why[32];
        if (c == CODEC_UTF8) snprintf(why, sizeof why, "surrogates not allowed");
        else snprintf(why, sizeof why, "ordinal not in range(%u)", limit);
        return exc_unicode_error(vm, E_UnicodeEncodeError, codec_names[c], obj_val(s), i, j, why);
    }
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(b.data ? b.data : ""), b.len);
    sb_free(&b);
    return r;
}

/* The text of an optional str argument (encoding=, errors=). */
static bool cstr_arg(VM *vm, const char *fname, const char *pname, int pos, Value v, const char **out) {
    if (v == UNDEF) return true;
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s() argument '%s' must be str, not %A", fname, pname, v);
        (void)pos;
        return false;
    }
    *out = AS(ObjStr, v)->data;
    return true;
}

/* ---- constructors ------------------------------------------------------- */

/* src.__bytes__() into sb when its class has one: 1 when done, 0 when
 * there is none, -1 after raising. */
static Value dunder_bytes_value(VM *vm, Value src) {
    ObjStr *name = str_intern_cstr(vm, "__bytes__");
    if (!name) return ERR;
    Value f = class_lookup(as_obj(src)->cls, name);
    if (f == UNDEF) return UNDEF;
    Value r = op_call_special(vm, src, f, NULL, 0);
    if (r == ERR) return ERR;
    if (!is_kind(r, OBJ_BYTES)) return exc_raise(vm, E_TypeError, "__bytes__ returned non-bytes (type %T)", r);
    return r;
}

static int dunder_bytes(VM *vm, Value src, StrBuf *sb) {
    Value r = dunder_bytes_value(vm, src);
    if (r == ERR) return -1;
    if (r == UNDEF) return 0;
    sb_add(sb, (const char *)AS(ObjBytes, r)->data, (size_t)AS(ObjBytes, r)->len);
    return 1;
}

/* The bytes of bytes(source, encoding, errors) / bytearray(...), into sb. */
static bool source_bytes(VM *vm, const char *tname, Value src, Value enc, Value errs, StrBuf *sb) {
    if (is_str(src)) {
        /* bytes() asks a str subclass for __bytes__ before wanting an encoding */
        if (enc == UNDEF && (as_obj(src)->flags & OBJ_SUBTYPE) && strcmp(tname, "bytes") == 0) {
            int d = dunder_bytes(vm, src, sb);
            if (d) return d > 0;
        }
        if (enc == UNDEF) {
            exc_raise(vm, E_TypeError, "string argument without an encoding");
            return false;
        }
        const char *e = NULL, *er = NULL;
        if (!cstr_arg(vm, tname, "encoding", 2, enc, &e) || !cstr_arg(vm, tname, "errors", 3, errs, &er)) return false;
        Value b = bytes_encode(vm, AS(ObjStr, src), e, er);
        if (b == ERR) return false;
        sb_add(sb, (const char *)AS(ObjBytes, b)->data, (size_t)AS(ObjBytes, b)->len);
        return true;
    }
    if (enc != UNDEF) {
        exc_raise(vm, E_TypeError, "encoding without a string argument");
        return false;
    }
    if (errs != UNDEF) {
        exc_raise(vm, E_TypeError, "errors without a string argument");
        return false;
    }
    BinBuf b;
    if (binbuf_get(src, &b)) {
        sb_add(sb, (const char *)b.p, (size_t)b.n);
        return true;
    }
    if (is_memview(src)) {      /* strided or released: its items' bytes, or the error */
        Value t = memview_tobytes(vm, src);
        if (t == ERR) return false;
        sb_add(sb, (const char *)AS(ObjBytes, t)->data, (size_t)AS(ObjBytes, t)->len);
        return true;
    }
    Value view = memview_from_buffer_method(vm, src);       /* (array.array) */
    if (view == ERR) return false;
    if (view != UNDEF) {
        Value t = memview_tobytes(vm, view);
        if (t == ERR) return false;
        sb_add(sb, (const char *)AS(ObjBytes, t)->data, (size_t)AS(ObjBytes, t)->len);
        return true;
    }
    if (is_obj(src) && as_obj(src)->kind == OBJ_INSTANCE && strcmp(tname, "bytes") == 0) {   /* not bytearray's */
        int d = dunder_bytes(vm, src, sb);
        if (d) return d > 0;
    }
    int64_t n;
    bool counted = true;
    if (is_intlike(src) || op_special(vm, src, N___index__) != UNDEF) {
        if (is_bigint(src) && !int_to_i64(src, &n)) {
            if (int_sign(src) < 0) exc_raise(vm, E_ValueError, "negative count");
            else exc_raise(vm, E_OverflowError, "cannot fit 'int' into an index-sized integer");
            return false;
        }
        if (!index_value(vm, src, &n, NULL)) {
            if (exc_is(vm, vm->exc, E_IndexError)) {     /* (PyNumber_AsSsize_t's OverflowError) */
                vm->exc = UNDEF;
                exc_raise(vm, E_OverflowError, "cannot fit '%T' into an index-sized integer", src);
                return false;
            }
            /* an __index__ that fails with TypeError: CPython goes on to
             * treat the object as an iterable */
            if (!exc_is(vm, vm->exc, E_TypeError)) return false;
            vm->exc = UNDEF;
            counted = false;
        }
    } else {
        counted = false;
    }
    if (counted) {
        if (n < 0) {
            exc_raise(vm, E_ValueError, "negative count");
            return false;
        }
        char *zero = calloc(1, (size_t)n + 1);
        if (!zero) { exc_nomem(vm); return false; }
        sb_add(sb, zero, (size_t)n);
        free(zero);
        return true;
    }
    const char *range_msg = strcmp(tname, "bytes") == 0 ? "bytes must be in range(0, 256)" : "byte must be in range(0, 256)";
    if (is_list(src) || is_tuple(src)) {
        for (int64_t i = 0;; i++) {
            int64_t n = is_list(src) ? AS(ObjList, src)->len : AS(ObjTuple, src)->len;
            if (i >= n) return true;
            Value v = is_list(src) ? AS(ObjList, src)->items[i] : AS(ObjTuple, src)->items[i];
            uint8_t c;
            if (!byte_value(vm, v, &c, range_msg)) return false;
            sb_addc(sb, (char)c);
        }
    }
    bool iterable = is_obj(src) && (as_obj(src)->kind == OBJ_ITER || op_special(vm, src, N___iter__) != UNDEF ||
                                    op_special(vm, src, N___getitem__) != UNDEF || is_kind(src, OBJ_DICT) ||
                                    is_kind(src, OBJ_SET) || is_kind(src, OBJ_RANGE));
    if (!iterable) {
        exc_raise(vm, E_TypeError, "cannot convert '%T' object to %s", src, tname);
        return false;
    }
    Value it = op_iter(vm, src);
    if (it == ERR && exc_is(vm, vm->exc, E_TypeError)) {
        /* (iter() refused it, or its __iter__ returned a non-iterator) */
        vm->exc = UNDEF;
        exc_raise(vm, E_TypeError, "cannot convert '%T' object to %s", src, tname);
        return false;
    }
    if (it == ERR || !vm_push_root(vm, it)) return false;
    bool ok = false;
    for (;;) {
        Value v = op_next(vm, it);
        if (v == ERR) break;
        if (v == UNDEF) { ok = true; break; }
        uint8_t c;
        if (!byte_value(vm, v, &c, range_msg)) break;
        sb_addc(sb, (char)c);
    }
    vm_pop_roots(vm, 1);
    return ok;
}

static Value construct(VM *vm, const char *tname, Value *args, int nargs, ObjTuple *kw, bool bytearray) {
    static const char *const names[] = {"source", "encoding", "errors"};
    Value p[3];
    if (!args_bind(vm, tname, args + 1, nargs - 1, kw, names, 3, 3, 0, ARGS_INVALID_KW, p)) return ERR;
    /* the types of encoding and errors are checked first, as CPython's argument clinic does */
    const char *unused;
    if (!cstr_arg(vm, tname, "encoding", 2, p[1], &unused) || !cstr_arg(vm, tname, "errors", 3, p[2], &unused))
        return ERR;
    if (p[0] == UNDEF) {
        if (p[1] != UNDEF) return exc_raise(vm, E_TypeError, "encoding without a string argument");
        if (p[2] != UNDEF) return exc_raise(vm, E_TypeError, "errors without a string argument");
        return bytearray ? bytearray_new(vm, NULL, 0) : bytes_new(vm, NULL, 0);
    }
    if (!bytearray && is_kind(p[0], OBJ_BYTES) && !(as_obj(p[0])->flags & OBJ_SUBTYPE) && p[1] == UNDEF &&
        p[2] == UNDEF)
        return p[0];
    if (!bytearray && p[1] == UNDEF && p[2] == UNDEF && is_obj(p[0]) &&
        (as_obj(p[0])->kind == OBJ_INSTANCE ||
         ((is_str(p[0]) || is_kind(p[0], OBJ_BYTES)) && (as_obj(p[0])->flags & OBJ_SUBTYPE)))) {
        /* bytes(x) gives what x.__bytes__() returned, a bytes subclass's instance too */
        Value r = dunder_bytes_value(vm, p[0]);
        if (r != UNDEF) return r;
    }
    StrBuf sb = SB_INIT;
    if (!source_bytes(vm, tname, p[0], p[1], p[2], &sb)) { sb_free(&sb); return ERR; }
    if (sb.oom) { sb_free(&sb); return exc_nomem(vm); }
    const uint8_t *d = (const uint8_t *)(sb.data ? sb.data : "");
    Value r = bytearray ? bytearray_new(vm, d, sb.len) : bytes_new(vm, d, sb.len);
    sb_free(&sb);
    return r;
}

/* bytes.__new__(cls, source=b'', encoding=..., errors=...) */
static Value bytes_m_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs >= 1 && args[0] != obj_val(vm->types[T_BYTES])) return subtype_new(vm, T_BYTES, args, nargs, kw);
    return construct(vm, "bytes", args, nargs, kw, false);
}

static Value bytearray_m_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs >= 1 && args[0] != obj_val(vm->types[T_BYTEARRAY])) return subtype_new(vm, T_BYTEARRAY, args, nargs, kw);
    return construct(vm, "bytearray", args, nargs, kw, true);
}

/* bytearray.__init__(self, source=b'', ...): for subclasses, whose __new__
 * makes an empty bytearray. The new contents are built aside, then their
 * buffer is swapped in (the old one goes with the temporary object). */
static Value bytearray_m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || !is_kind(args[0], OBJ_BYTEARRAY))
        return exc_raise(vm, E_TypeError, "descriptor '__init__' requires a 'bytearray' object");
    if (AS(ObjByteArray, args[0])->len && !ba_resizable(vm, AS(ObjByteArray, args[0]))) return ERR;
    Value argv[nargs + (kw ? (int)kw->len : 0)];
    argv[0] = obj_val(vm->types[T_BYTEARRAY]);
    copy_values(argv + 1, args + 1, nargs - 1 + (kw ? (int)kw->len : 0));
    Value t = construct(vm, "bytearray", argv, nargs, kw, true);
    if (t == ERR) return ERR;
    ObjByteArray *self = AS(ObjByteArray, args[0]), *tmp = AS(ObjByteArray, t), swap = *self;
    self->data = tmp->data;
    self->len = tmp->len;
    self->cap = tmp->cap;
    tmp->data = swap.data;
    tmp->len = swap.len;
    tmp->cap = swap.cap;
    return NONE_VAL;
}

/* ---- hex and fromhex ---------------------------------------------------- */

static Value m_hex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"sep", "bytes_per_sep"};
    Value p[2];
    if (!args_bind(vm, "hex", args + 1, nargs - 1, kw, names, 2, 2, 0, ARGS_INVALID_KW, p)) return ERR;
    char sep = 0;
    bool has_sep = false;     /* the separator may be NUL */
    int64_t per = 1;
    /* (CPython converts bytes_per_sep before it looks at sep) */
    if (p[1] != UNDEF) {
        if (is_bigint(p[1]) && !int_to_i64(p[1], &per)) per = INT64_MAX;
        else if (!index_value(vm, p[1], &per, NULL)) return ERR;
        if (per > INT32_MAX || per < INT32_MIN)
            return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    }
    if (p[0] != UNDEF) {
        has_sep = true;
        BinBuf sb;
        if (is_str(p[0])) {
            if (AS(ObjStr, p[0])->cplen != 1) return exc_raise(vm, E_ValueError, "sep must be length 1.");
            if (!AS(ObjStr, p[0])->ascii) return exc_raise(vm, E_ValueError, "sep must be ASCII.");
            sep = AS(ObjStr, p[0])->data[0];
        } else if (binbuf_get(p[0], &sb)) {
            if (sb.n != 1) return exc_raise(vm, E_ValueError, "sep must be length 1.");
            if (sb.p[0] >= 0x80) return exc_raise(vm, E_ValueError, "sep must be ASCII.");
            sep = (char)sb.p[0];
        } else {
            return exc_raise(vm, E_TypeError, "object of type '%T' has no len()", p[0]);
        }
    }
    BinBuf self;
    if (!self_buf(vm, "hex", args, nargs, &self)) return ERR;
    static const char digits[] = "0123456789abcdef";
    StrBuf b = SB_INIT;
    int64_t group = per < 0 ? -per : per;
    for (int64_t i = 0; i < self.n; i++) {
        if (has_sep && group && i > 0) {
            /* Groups count from the right for a positive bytes_per_sep. */
            bool cut = per > 0 ? (self.n - i) % group == 0 : i % group == 0;
            if (cut) sb_addc(&b, sep);
        }
        sb_addc(&b, digits[self.p[i] >> 4]);
        sb_addc(&b, digits[self.p[i] & 15]);
    }
    return str_from_buf(vm, &b);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* bytes.fromhex / bytearray.fromhex, classmethods: args[0] is the class. */
static Value fromhex(VM *vm, Value *args, int nargs, ObjTuple *kw, bool bytearray) {
    if (!no_keywords(vm, bytearray ? "bytearray" : "bytes", kw, "fromhex")) return ERR;
    if (nargs != 2)
        return exc_raise(vm, E_TypeError, "%s.fromhex() takes exactly one argument (%d given)",
                         bytearray ? "bytearray" : "bytes", nargs - 1);
    Value s = args[1];
    if (!is_str(s)) return exc_raise(vm, E_TypeError, "fromhex() argument must be str, not %A", s);
    const char *p = AS(ObjStr, s)->data;
    int64_t n = AS(ObjStr, s)->len;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < n;) {
        if (is_space((uint8_t)p[i])) { i++; continue; }
        int hi = hex_digit(p[i]);
        int lo = i + 1 < n ? hex_digit(p[i + 1]) : -1;
        if (hi < 0 || lo < 0) {
            sb_free(&b);
            int64_t at = hi < 0 ? i : i + 1;
            /* Positions count code points, as the argument is a str. */
            return exc_raise(vm, E_ValueError, "non-hexadecimal number found in fromhex() arg at position %lld",
                             (long long)utf8_count(p, (size_t)at));
        }
        sb_addc(&b, (char)(hi << 4 | lo));
        i += 2;
    }
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    const uint8_t *d = (const uint8_t *)(b.data ? b.data : "");
    /* A subclass gets cls(bytes_result), so its __new__/__init__ run. */
    bool sub = args[0] != obj_val(vm->types[bytearray ? T_BYTEARRAY : T_BYTES]);
    Value r = bytearray && !sub ? bytearray_new(vm, d, b.len) : bytes_new(vm, d, b.len);
    sb_free(&b);
    if (r == ERR || !sub || !vm_push_root(vm, r)) return r;
    r = op_call1(vm, args[0], r);
    vm_pop_roots(vm, 1);
    return r;
}

static Value bytes_fromhex(VM *vm, Value *args, int nargs, ObjTuple *kw) { return fromhex(vm, args, nargs, kw, false); }
static Value bytearray_fromhex(VM *vm, Value *args, int nargs, ObjTuple *kw) { return fromhex(vm, args, nargs, kw, true); }

/* ---- decode ------------------------------------------------------------- */

static Value m_decode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"encoding", "errors"};
    Value p[2];
    if (!args_bind(vm, "decode", args + 1, nargs - 1, kw, names, 2, 2, 0, ARGS_INVALID_KW, p)) return ERR;
    const char *enc = "utf-8", *errs = "strict";
    if (!cstr_arg(vm, "decode", "encoding", 1, p[0], &enc) || !cstr_arg(vm, "decode", "errors", 2, p[1], &errs))
        return ERR;
    BinBuf self;
    if (!self_buf(vm, "decode", args, nargs, &self)) return ERR;
    return bytes_decode(vm, self.p, (size_t)self.n, enc, errs);
}

/* ---- searching ---------------------------------------------------------- */

/* The `sub` of find/count/index: bytes-like or a byte value. */
static bool sub_arg(VM *vm, Value v, BinBuf *out, uint8_t *byte) {
    int r = binbuf_any(vm, v, out);
    if (r) return r > 0;
    if (is_intlike(v) || (is_obj(v) && as_obj(v)->kind == OBJ_INSTANCE && op_special(vm, v, N___index__) != UNDEF)) {
        if (!byte_value(vm, v, byte, "byte must be in range(0, 256)")) return false;
        out->p = byte;
        out->n = 1;
        return true;
    }
    exc_raise(vm, E_TypeError, "argument should be integer or bytes-like object, not '%T'", v);
    return false;
}

typedef enum FindKind { FIND, RFIND, INDEX, RINDEX, COUNT } FindKind;

static Value find_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, FindKind kind) {
    if (!no_keywords(vm, nargs >= 1 ? self_type_name(args[0]) : "bytes", kw, name)) return ERR;
    if (nargs < 2) return exc_raise(vm, E_TypeError, "%s() takes at least 1 argument (0 given)", name);
    if (nargs > 4) return exc_raise(vm, E_TypeError, "%s() takes at most 3 arguments (%d given)", name, nargs - 1);
    BinBuf self, sub;
    uint8_t byte;
    int64_t start, end;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    if (!range_args(vm, args + 2, nargs - 2, self.n, &start, &end)) return ERR;
    if (!sub_arg(vm, args[1], &sub, &byte)) return ERR;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;   /* an __index__ may have resized it */
    if (end > self.n) end = self.n;
    if (kind == COUNT) return int_from_i64(vm, buf_count(self, sub, start, end));
    int64_t r = buf_find(self, sub, start, end, kind == RFIND || kind == RINDEX);
    if (r < 0 && (kind == INDEX || kind == RINDEX)) return exc_raise(vm, E_ValueError, "subsection not found");
    return int_from_i64(vm, r);
}

static Value m_find(VM *vm, Value *a, int n, ObjTuple *kw) { return find_common(vm, a, n, kw, "find", FIND); }
static Value m_rfind(VM *vm, Value *a, int n, ObjTuple *kw) { return find_common(vm, a, n, kw, "rfind", RFIND); }
static Value m_index(VM *vm, Value *a, int n, ObjTuple *kw) { return find_common(vm, a, n, kw, "index", INDEX); }
static Value m_rindex(VM *vm, Value *a, int n, ObjTuple *kw) { return find_common(vm, a, n, kw, "rindex", RINDEX); }
static Value m_count(VM *vm, Value *a, int n, ObjTuple *kw) { return find_common(vm, a, n, kw, "count", COUNT); }

static Value starts_ends(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool ends) {
    if (!no_keywords(vm, nargs >= 1 ? self_type_name(args[0]) : "bytes", kw, name)) return ERR;
    if (nargs < 2) return exc_raise(vm, E_TypeError, "%s() takes at least 1 argument (0 given)", name);
    if (nargs > 4) return exc_raise(vm, E_TypeError, "%s() takes at most 3 arguments (%d given)", name, nargs - 1);
    BinBuf self;
    int64_t start, end;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    if (!range_args(vm, args + 2, nargs - 2, self.n, &start, &end)) return ERR;
    Value pat = args[1];
    int64_t count = is_tuple(pat) ? AS(ObjTuple, pat)->len : 1;
    for (int64_t k = 0; k < count; k++) {
        Value v = is_tuple(pat) ? AS(ObjTuple, pat)->items[k] : pat;
        BinBuf sub;
        int got = binbuf_any(vm, v, &sub);
        if (got < 0) return ERR;
        if (!got) {
            if (is_tuple(pat))
                return exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", v);
            return exc_raise(vm, E_TypeError, "%s first arg must be bytes or a tuple of bytes, not %T", name, v);
        }
        if (!self_buf(vm, name, args, nargs, &self)) return ERR;
        if (start > self.n || end - start < sub.n) continue;
        int64_t at = ends ? end - sub.n : start;
        if (memcmp(self.p + at, sub.p, (size_t)sub.n) == 0) return TRUE_VAL;
    }
    return FALSE_VAL;
}

static Value m_startswith(VM *vm, Value *a, int n, ObjTuple *kw) { return starts_ends(vm, a, n, kw, "startswith", false); }
static Value m_endswith(VM *vm, Value *a, int n, ObjTuple *kw) { return starts_ends(vm, a, n, kw, "endswith", true); }

/* ---- split, join, partition --------------------------------------------- */

static bool list_add_part(VM *vm, ObjList *l, Value self, const uint8_t *p, int64_t n) {
    Value part = make_like(vm, self, p, n);
    return part != ERR && list_append(vm, l, part) == 0;
}

static Value split_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool right) {
    static const char *const names[] = {"sep", "maxsplit"};
    Value p[2];
    if (!args_bind(vm, name, args + 1, nargs - 1, kw, names, 2, 2, 0, ARGS_INVALID_KW, p)) return ERR;
    int64_t maxsplit = -1;
    if (p[1] != UNDEF && !ssize_value(vm, p[1], &maxsplit)) return ERR;
    BinBuf self, sep = {NULL, 0};
    bool ws = p[0] == UNDEF || p[0] == NONE_VAL;
    if (!ws && !binbuf_arg(vm, p[0], &sep)) return ERR;
    if (!ws && sep.n == 0) return exc_raise(vm, E_ValueError, "empty separator");
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    Value s = args[0];
    ObjList *l = list_new(vm, 0);
    if (!l) return ERR;
    if (maxsplit < 0) maxsplit = INT64_MAX;
    int64_t n = self.n;
    const uint8_t *d = self.p;
    if (ws && !right) {
        int64_t i = 0;
        for (int64_t count = 0; count < maxsplit; count++) {
            while (i < n && is_space(d[i])) i++;
            if (i == n) break;
            int64_t j = i;
            while (j < n && !is_space(d[j])) j++;
            if (!list_add_part(vm, l, s, d + i, j - i)) return ERR;
            i = j;
        }
        while (i < n && is_space(d[i])) i++;
        if (i < n && !list_add_part(vm, l, s, d + i, n - i)) return ERR;
        return obj_val(l);
    }
    if (ws) {
        int64_t j = n;
        for (int64_t count = 0; count < maxsplit; count++) {
            while (j > 0 && is_space(d[j - 1])) j--;
            if (j == 0) break;
            int64_t i = j;
            while (i > 0 && !is_space(d[i - 1])) i--;
            if (!list_add_part(vm, l, s, d + i, j - i)) return ERR;
            j = i;
        }
        while (j > 0 && is_space(d[j - 1])) j--;
        if (j > 0 && !list_add_part(vm, l, s, d, j)) return ERR;
    } else if (!right) {
        int64_t i = 0;
        for (int64_t count = 0; count < maxsplit; count++) {
            int64_t at = buf_find(self, sep, i, n, false);
            if (at < 0) break;
            if (!list_add_part(vm, l, s, d + i, at - i)) return ERR;
            i = at + sep.n;
        }
        if (!list_add_part(vm, l, s, d + i, n - i)) return ERR;
        return obj_val(l);
    } else {
        int64_t j = n;
        for (int64_t count = 0; count < maxsplit; count++) {
            int64_t at = buf_find(self, sep, 0, j, true);
            if (at < 0) break;
            if (!list_add_part(vm, l, s, d + at + sep.n, j - at - sep.n)) return ERR;
            j = at;
        }
        if (!list_add_part(vm, l, s, d, j)) return ERR;
    }
    /* rsplit collected the parts right to left. */
    for (int64_t i = 0, j = l->len - 1; i < j; i++, j--) {
        Value t = l->items[i]; l->items[i] = l->items[j]; l->items[j] = t;
    }
    return obj_val(l);
}

static Value m_split(VM *vm, Value *a, int n, ObjTuple *kw) { return split_common(vm, a, n, kw, "split", false); }
static Value m_rsplit(VM *vm, Value *a, int n, ObjTuple *kw) { return split_common(vm, a, n, kw, "rsplit", true); }

static Value m_splitlines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"keepends"};
    Value p[1];
    if (!args_bind(vm, "splitlines", args + 1, nargs - 1, kw, names, 1, 1, 0, ARGS_INVALID_KW, p)) return ERR;
    int keep = 0;
    if (p[0] != UNDEF && (keep = op_truthy(vm, p[0])) < 0) return ERR;
    BinBuf self;
    if (!self_buf(vm, "splitlines", args, nargs, &self)) return ERR;
    ObjList *l = list_new(vm, 0);
    if (!l) return ERR;
    for (int64_t i = 0; i < self.n;) {
        int64_t j = i;
        while (j < self.n && self.p[j] != '\n' && self.p[j] != '\r') j++;
        int64_t eol = j;
        if (j < self.n) j += self.p[j] == '\r' && j + 1 < self.n && self.p[j + 1] == '\n' ? 2 : 1;
        if (!list_add_part(vm, l, args[0], self.p + i, (keep ? j : eol) - i)) return ERR;
        i = j;
    }
    return obj_val(l);
}

/* binbuf_get, and also an object whose __buffer__ gives a contiguous
 * memoryview (array.array): 1 found, 0 not bytes-like, -1 error. It may run
 * script code, so views taken before it are to be taken again. */
static int any_buf(VM *vm, Value v, BinBuf *b) {
    if (binbuf_get(v, b)) return 1;
    Value mv = memview_from_buffer_method(vm, v);
    if (mv == ERR) return -1;
    return mv != UNDEF && binbuf_get(mv, b);
}

static Value join_parts(VM *vm, Value *args, int nargs, ObjList *items) {
    BinBuf self, part;
    if (!self_buf(vm, "join", args, nargs, &self)) return ERR;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < items->len; i++) {
        int r = any_buf(vm, items->items[i], &part);
        if (r <= 0 || !self_buf(vm, "join", args, nargs, &self)) {
            sb_free(&b);
            if (r) return ERR;
            return exc_raise(vm, E_TypeError, "sequence item %lld: expected a bytes-like object, %T found",
                             (long long)i, items->items[i]);
        }
        if (i) sb_add(&b, (const char *)self.p, (size_t)self.n);
        sb_add(&b, (const char *)part.p, (size_t)part.n);
    }
    return make_like_buf(vm, args[0], &b);
}

static Value m_join(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    const char *tn = nargs >= 1 ? self_type_name(args[0]) : "bytes";
    if (!no_keywords(vm, tn, kw, "join")) return ERR;
    if (nargs != 2)
        return exc_raise(vm, E_TypeError, "%s.join() takes exactly one argument (%d given)", tn,
                         nargs - 1 + (kw ? (int)kw->len : 0));
    Value it = op_iter(vm, args[1]);
    if (it == ERR) {
        if (!exc_is(vm, vm->exc, E_TypeError)) return ERR;
        vm->exc = UNDEF;
        return exc_raise(vm, E_TypeError, "can only join an iterable");
    }
    if (!vm_push_root(vm, it)) return ERR;
    ObjList *items = op_to_list(vm, it);
    vm_pop_roots(vm, 1);
    if (!items || !vm_push_root(vm, obj_val(items))) return ERR;     /* __buffer__ calls may collect */
    Value r = join_parts(vm, args, nargs, items);
    vm_pop_roots(vm, 1);
    return r;
}

static Value partition_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool right) {
    if (!check_method(vm, args, nargs, kw, name, 1)) return ERR;
    BinBuf self, sep;
    if (!binbuf_arg(vm, args[1], &sep)) return ERR;
    if (sep.n == 0) return exc_raise(vm, E_ValueError, "empty separator");
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    int64_t at = buf_find(self, sep, 0, self.n, right);
    Value parts[3];
    if (at < 0) {
        Value empty = make_like(vm, args[0], NULL, 0);
        Value whole = make_like(vm, args[0], self.p, self.n);
        Value empty2 = make_like(vm, args[0], NULL, 0);
        if (empty == ERR || whole == ERR || empty2 == ERR) return ERR;
        parts[0] = right ? empty : whole;
        parts[1] = empty2;
        parts[2] = right ? whole : empty;
    } else {
        parts[0] = make_like(vm, args[0], self.p, at);
        /* bytes hands back the separator object itself, as CPython does. */
        parts[1] = is_kind(args[0], OBJ_BYTES) ? args[1] : make_like(vm, args[0], sep.p, sep.n);
        parts[2] = make_like(vm, args[0], self.p + at + sep.n, self.n - at - sep.n);
        if (parts[0] == ERR || parts[1] == ERR || parts[2] == ERR) return ERR;
    }
    ObjTuple *t = tuple_from(vm, parts, 3);
    return t ? obj_val(t) : ERR;
}

static Value m_partition(VM *vm, Value *a, int n, ObjTuple *kw) { return partition_common(vm, a, n, kw, "partition", false); }
static Value m_rpartition(VM *vm, Value *a, int n, ObjTuple *kw) { return partition_common(vm, a, n, kw, "rpartition", true); }

/* ---- strip, replace, affixes -------------------------------------------- */

static Value strip_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool left, bool right) {
    if (!check_range(vm, args, nargs, kw, name, 0, 1)) return ERR;
    BinBuf self, chars = {NULL, 0};
    bool ws = nargs < 2 || args[1] == NONE_VAL;
    if (!ws && !binbuf_arg(vm, args[1], &chars)) return ERR;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    int64_t i = 0, j = self.n;
    if (left) {
        while (i < j && (ws ? is_space(self.p[i]) : memchr(chars.p, self.p[i], (size_t)chars.n) != NULL)) i++;
    }
    if (right) {
        while (j > i && (ws ? is_space(self.p[j - 1]) : memchr(chars.p, self.p[j - 1], (size_t)chars.n) != NULL)) j--;
    }
    if (i == 0 && j == self.n && is_plain_kind(args[0], OBJ_BYTES)) return args[0];
    return make_like(vm, args[0], self.p + i, j - i);
}

static Value m_strip(VM *vm, Value *a, int n, ObjTuple *kw) { return strip_common(vm, a, n, kw, "strip", true, true); }
static Value m_lstrip(VM *vm, Value *a, int n, ObjTuple *kw) { return strip_common(vm, a, n, kw, "lstrip", true, false); }
static Value m_rstrip(VM *vm, Value *a, int n, ObjTuple *kw) { return strip_common(vm, a, n, kw, "rstrip", false, true); }

static Value m_replace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_range(vm, args, nargs, kw, "replace", 2, 3)) return ERR;
    BinBuf self, old, new_;
    /* the patterns' types first, as CPython; read again after the count's
     * __index__, which may resize a bytearray */
    if (!binbuf_arg(vm, args[1], &old) || !binbuf_arg(vm, args[2], &new_)) return ERR;
    int64_t count = -1;
    if (nargs > 3 && !ssize_value(vm, args[3], &count)) return ERR;
    if (!binbuf_arg(vm, args[1], &old) || !binbuf_arg(vm, args[2], &new_)) return ERR;
    if (!self_buf(vm, "replace", args, nargs, &self)) return ERR;
    if (count < 0) count = INT64_MAX;
    StrBuf b = SB_INIT;
    int64_t i = 0, done = 0;
    if (old.n == 0) {
        /* An empty pattern matches before every byte and at the end. */
        for (; i <= self.n; i++) {
            if (done < count) { sb_add(&b, (const char *)new_.p, (size_t)new_.n); done++; }
            if (i < self.n) sb_addc(&b, (char)self.p[i]);
        }
        return make_like_buf(vm, args[0], &b);
    }
    while (done < count) {
        int64_t at = buf_find(self, old, i, self.n, false);
        if (at < 0) break;
        sb_add(&b, (const char *)self.p + i, (size_t)(at - i));
        sb_add(&b, (const char *)new_.p, (size_t)new_.n);
        i = at + old.n;
        done++;
    }
    sb_add(&b, (const char *)self.p + i, (size_t)(self.n - i));
    return make_like_buf(vm, args[0], &b);
}

static Value affix_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool suffix) {
    if (!check_method(vm, args, nargs, kw, name, 1)) return ERR;
    BinBuf self, a;
    if (!binbuf_arg(vm, args[1], &a)) return ERR;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    if (a.n <= self.n && a.n > 0 && memcmp(self.p + (suffix ? self.n - a.n : 0), a.p, (size_t)a.n) == 0)
        return make_like(vm, args[0], self.p + (suffix ? 0 : a.n), self.n - a.n);
    if (is_plain_kind(args[0], OBJ_BYTES)) return args[0];
    return make_like(vm, args[0], self.p, self.n);
}

static Value m_removeprefix(VM *vm, Value *a, int n, ObjTuple *kw) { return affix_common(vm, a, n, kw, "removeprefix", false); }
static Value m_removesuffix(VM *vm, Value *a, int n, ObjTuple *kw) { return affix_common(vm, a, n, kw, "removesuffix", true); }

/* ---- case and padding --------------------------------------------------- */

typedef enum CaseOp { UPPER, LOWER, SWAPCASE, CAPITALIZE, TITLE } CaseOp;

static Value case_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, CaseOp op) {
    BinBuf self;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    if (!no_keywords(vm, self_type_name(args[0]), kw, name)) return ERR;
    if (nargs != 1)
        return exc_raise(vm, E_TypeError, "%s.%s() takes no arguments (%d given)", self_type_name(args[0]), name,
                         nargs - 1);
    Value r = make_like(vm, args[0], self.p, self.n);
    if (r == ERR) return ERR;
    uint8_t *d = is_kind(r, OBJ_BYTES) ? AS(ObjBytes, r)->data : AS(ObjByteArray, r)->data;
    bool prev_cased = false;
    for (int64_t i = 0; i < self.n; i++) {
        uint8_t c = d[i];
        switch (op) {
        case UPPER: if (is_lower(c)) c -= 32; break;
        case LOWER: if (is_upper(c)) c += 32; break;
        case SWAPCASE: if (is_lower(c)) c -= 32; else if (is_upper(c)) c += 32; break;
        case CAPITALIZE:
            if (i == 0 && is_lower(c)) c -= 32;
            else if (i > 0 && is_upper(c)) c += 32;
            break;
        case TITLE:
            if (prev_cased && is_upper(c)) c += 32;
            else if (!prev_cased && is_lower(c)) c -= 32;
            prev_cased = is_alpha(c);
            break;
        }
        d[i] = c;
    }
    return r;
}

static Value m_upper(VM *vm, Value *a, int n, ObjTuple *kw) { return case_common(vm, a, n, kw, "upper", UPPER); }
static Value m_lower(VM *vm, Value *a, int n, ObjTuple *kw) { return case_common(vm, a, n, kw, "lower", LOWER); }
static Value m_swapcase(VM *vm, Value *a, int n, ObjTuple *kw) { return case_common(vm, a, n, kw, "swapcase", SWAPCASE); }
static Value m_capitalize(VM *vm, Value *a, int n, ObjTuple *kw) { return case_common(vm, a, n, kw, "capitalize", CAPITALIZE); }
static Value m_title(VM *vm, Value *a, int n, ObjTuple *kw) { return case_common(vm, a, n, kw, "title", TITLE); }

typedef enum IsOp { IS_DIGIT, IS_ALPHA, IS_ALNUM, IS_SPACE, IS_LOWER, IS_UPPER, IS_TITLE, IS_ASCII } IsOp;

static Value is_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, IsOp op) {
    BinBuf s;
    if (!self_buf(vm, name, args, nargs, &s)) return ERR;
    if (!no_keywords(vm, self_type_name(args[0]), kw, name)) return ERR;
    if (nargs != 1)
        return exc_raise(vm, E_TypeError, "%s.%s() takes no arguments (%d given)", self_type_name(args[0]), name,
                         nargs - 1);
    if (op == IS_ASCII) {
        for (int64_t i = 0; i < s.n; i++) if (s.p[i] >= 0x80) return FALSE_VAL;
        return TRUE_VAL;
    }
    if (s.n == 0) return FALSE_VAL;
    if (op == IS_LOWER || op == IS_UPPER) {
        bool cased = false;
        for (int64_t i = 0; i < s.n; i++) {
            if (op == IS_LOWER ? is_upper(s.p[i]) : is_lower(s.p[i])) return FALSE_VAL;
            cased |= is_alpha(s.p[i]);
        }
        return bool_val(cased);
    }
    if (op == IS_TITLE) {
        bool cased = false, prev = false;
        for (int64_t i = 0; i < s.n; i++) {
            uint8_t c = s.p[i];
            if (is_upper(c)) { if (prev) return FALSE_VAL; prev = cased = true; }
            else if (is_lower(c)) { if (!prev) return FALSE_VAL; prev = cased = true; }
            else prev = false;
        }
        return bool_val(cased);
    }
    for (int64_t i = 0; i < s.n; i++) {
        uint8_t c = s.p[i];
        bool ok = op == IS_DIGIT ? is_digit(c) : op == IS_ALPHA ? is_alpha(c)
                : op == IS_ALNUM ? is_alpha(c) || is_digit(c) : is_space(c);
        if (!ok) return FALSE_VAL;
    }
    return TRUE_VAL;
}

static Value m_isdigit(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "isdigit", IS_DIGIT); }
static Value m_isalpha(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "isalpha", IS_ALPHA); }
static Value m_isalnum(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "isalnum", IS_ALNUM); }
static Value m_isspace(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "isspace", IS_SPACE); }
static Value m_islower(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "islower", IS_LOWER); }
static Value m_isupper(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "isupper", IS_UPPER); }
static Value m_istitle(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "istitle", IS_TITLE); }
static Value m_isascii(VM *vm, Value *a, int n, ObjTuple *kw) { return is_common(vm, a, n, kw, "isascii", IS_ASCII); }

typedef enum PadOp { CENTER, LJUST, RJUST } PadOp;

static Value pad_common(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, PadOp op) {
    if (!check_range(vm, args, nargs, kw, name, 1, 2)) return ERR;
    int64_t width;
    if (!ssize_value(vm, args[1], &width)) return ERR;
    uint8_t fill = ' ';
    if (nargs > 2) {
        /* CPython's 'c' converter: a bytes or bytearray, no other buffer */
        BinBuf f;
        bool ok = (is_kind(args[2], OBJ_BYTES) || is_kind(args[2], OBJ_BYTEARRAY)) && binbuf_get(args[2], &f) && f.n == 1;
        if (!ok)
            return exc_raise(vm, E_TypeError, "%s() argument 2 must be a byte string of length 1, not %A", name, args[2]);
        fill = f.p[0];
    }
    BinBuf self;
    if (!self_buf(vm, name, args, nargs, &self)) return ERR;
    if (width <= self.n) return is_plain_kind(args[0], OBJ_BYTES) ? args[0] : make_like(vm, args[0], self.p, self.n);
    if (!size_ok(vm, width)) return ERR;
    int64_t total = width - self.n, left;
    if (op == LJUST) left = 0;
    else if (op == RJUST) left = total;
    else left = total / 2 + (total & width & 1);    /* CPython's rounding for center */
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < left; i++) sb_addc(&b, (char)fill);
    sb_add(&b, (const char *)self.p, (size_t)self.n);
    for (int64_t i = left; i < total; i++) sb_addc(&b, (char)fill);
    return make_like_buf(vm, args[0], &b);
}

static Value m_center(VM *vm, Value *a, int n, ObjTuple *kw) { return pad_common(vm, a, n, kw, "center", CENTER); }
static Value m_ljust(VM *vm, Value *a, int n, ObjTuple *kw) { return pad_common(vm, a, n, kw, "ljust", LJUST); }
static Value m_rjust(VM *vm, Value *a, int n, ObjTuple *kw) { return pad_common(vm, a, n, kw, "rjust", RJUST); }

static Value m_zfill(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "zfill", 1)) return ERR;
    int64_t width;
    if (!ssize_value(vm, args[1], &width)) return ERR;
    BinBuf self;
    if (!self_buf(vm, "zfill", args, nargs, &self)) return ERR;
    if (width <= self.n) return is_plain_kind(args[0], OBJ_BYTES) ? args[0] : make_like(vm, args[0], self.p, self.n);
    if (!size_ok(vm, width)) return ERR;
    StrBuf b = SB_INIT;
    int64_t i = 0;
    if (self.n && (self.p[0] == '+' || self.p[0] == '-')) sb_addc(&b, (char)self.p[i++]);
    for (int64_t k = 0; k < width - self.n; k++) sb_addc(&b, '0');
    sb_add(&b, (const char *)self.p + i, (size_t)(self.n - i));
    return make_like_buf(vm, args[0], &b);
}

static Value m_expandtabs(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"tabsize"};
    Value p[1];
    if (!args_bind(vm, "expandtabs", args + 1, nargs - 1, kw, names, 1, 1, 0, ARGS_INVALID_KW, p)) return ERR;
    int64_t tab = 8;
    if (p[0] != UNDEF && !int_arg_clamp(vm, p[0], &tab)) return ERR;
    if (tab > INT32_MAX || tab < INT32_MIN) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    BinBuf self;
    if (!self_buf(vm, "expandtabs", args, nargs, &self)) return ERR;
    StrBuf b = SB_INIT;
    int64_t col = 0;
    for (int64_t i = 0; i < self.n; i++) {
        uint8_t c = self.p[i];
        if (c == '\t') {
            if (tab > 0) {
                int64_t k = tab - col % tab;
                for (int64_t j = 0; j < k; j++) sb_addc(&b, ' ');
                col += k;
            }
        } else {
            sb_addc(&b, (char)c);
            col = c == '\n' || c == '\r' ? 0 : col + 1;
        }
    }
    return make_like_buf(vm, args[0], &b);
}

static Value m_translate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"table", "delete"};
    Value p[2];
    if (nargs < 2)      /* (the table is positional-only) */
        return exc_raise(vm, E_TypeError, "translate() takes at least 1 positional argument (0 given)");
    if (!args_bind(vm, "translate", args + 1, nargs - 1, kw, names, 2, 2, 1, ARGS_INVALID_KW, p)) return ERR;
    BinBuf table = {NULL, 0}, del = {NULL, 0};
    if (p[0] != NONE_VAL) {
        if (!binbuf_arg(vm, p[0], &table)) return ERR;
        if (table.n != 256) return exc_raise(vm, E_ValueError, "translation table must be 256 characters long");
    }
    if (p[1] != UNDEF && !binbuf_arg(vm, p[1], &del)) return ERR;
    BinBuf self;
    if (!self_buf(vm, "translate", args, nargs, &self)) return ERR;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < self.n; i++) {
        uint8_t c = self.p[i];
        if (del.n && memchr(del.p, c, (size_t)del.n)) continue;
        sb_addc(&b, (char)(table.p ? table.p[c] : c));
    }
    return make_like_buf(vm, args[0], &b);
}

/* bytes.maketrans(from, to): static, so the receiver may be absent. */
static Value bytes_maketrans(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "maketrans() takes no keyword arguments");
    if (nargs < 2) return exc_raise(vm, E_TypeError, "maketrans expected 2 arguments, got %d", nargs);
    BinBuf from, to;
    if (!binbuf_arg(vm, args[nargs - 2], &from) || !binbuf_arg(vm, args[nargs - 1], &to)) return ERR;
    if (from.n != to.n) return exc_raise(vm, E_ValueError, "maketrans arguments must have same length");
    uint8_t table[256];
    for (int i = 0; i < 256; i++) table[i] = (uint8_t)i;
    for (int64_t i = 0; i < from.n; i++) table[from.p[i]] = to.p[i];
    return bytes_new(vm, table, 256);
}

/* ---- items -------------------------------------------------------------- */

static Value m_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getitem__", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf self;
    if (!self_buf(vm, "__getitem__", args, nargs, &self)) return ERR;
    bool ba = is_kind(args[0], OBJ_BYTEARRAY);
    Value key = args[1];
    if (is_kind(key, OBJ_SLICE)) {
        int64_t start, stop, step;
        if (!slice_unpack(vm, AS(ObjSlice, key), &start, &stop, &step)) return ERR;
        if (!self_buf(vm, "__getitem__", args, nargs, &self)) return ERR;     /* (__index__ may resize) */
        int64_t n = slice_adjust(self.n, &start, &stop, step);
        if (step == 1) {
            if (!ba && n == self.n && as_obj(args[0])->cls == vm->types[T_BYTES]) return args[0];
            return make_like(vm, args[0], self.p + start, n);
        }
        Value r = make_like(vm, args[0], NULL, n);
        if (r == ERR) return ERR;
        uint8_t *d = ba ? AS(ObjByteArray, r)->data : AS(ObjBytes, r)->data;
        for (int64_t i = 0; i < n; i++) d[i] = self.p[start + i * step];
        return r;
    }
    int64_t i;
    if (!index_value(vm, key, &i, ba ? "bytearray" : "byte")) return ERR;
    if (!self_buf(vm, "__getitem__", args, nargs, &self)) return ERR;
    if (i < 0) i += self.n;
    if (i < 0 || i >= self.n) return exc_raise(vm, E_IndexError, "%sindex out of range", ba ? "bytearray " : "");
    return int_val(self.p[i]);
}

/* bytes + other: only bytes-like others (ops.c does bytes + bytes). */
static Value m_add(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__add__", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf self, other;
    if (!self_buf(vm, "__add__", args, nargs, &self)) return ERR;
    int r = any_buf(vm, args[1], &other);
    if (r < 0 || (r && !self_buf(vm, "__add__", args, nargs, &self))) return ERR;
    if (!r) {
        /* As in CPython, the other operand's __radd__ goes before the concat error. */
        if (is_kind(args[1], OBJ_INSTANCE) && op_special(vm, args[1], N___radd__) != UNDEF) return NOTIMPL_VAL;
        return exc_raise(vm, E_TypeError, "can't concat %T to %s", args[1], self_type_name(args[0]));
    }
    StrBuf b = SB_INIT;
    sb_add(&b, (const char *)self.p, (size_t)self.n);
    sb_add(&b, (const char *)other.p, (size_t)other.n);
    return make_like_buf(vm, args[0], &b);
}

static Value m_mul(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__mul__", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf self;
    if (!self_buf(vm, "__mul__", args, nargs, &self)) return ERR;
    if (!is_intlike(args[1]) && op_special(vm, args[1], N___index__) == UNDEF) return NOTIMPL_VAL;
    int64_t n;
    if (!index_value(vm, args[1], &n, NULL)) {
        if (exc_is(vm, vm->exc, E_IndexError)) {     /* (a count too big either way: CPython's OverflowError) */
            vm->exc = UNDEF;
            exc_raise(vm, E_OverflowError, "cannot fit '%T' into an index-sized integer", args[1]);
        }
        return ERR;
    }
    if (!self_buf(vm, "__mul__", args, nargs, &self)) return ERR;
    if (n < 0) n = 0;
    if (self.n && n > INT64_MAX / 2 / self.n) return exc_nomem(vm);
    if (!size_ok(vm, n * self.n)) return ERR;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < n; i++) sb_add(&b, (const char *)self.p, (size_t)self.n);
    return make_like_buf(vm, args[0], &b);
}

/* ---- bytes % args --------------------------------------------------------- */

typedef struct FmtSpec {
    bool left, plus, space, alt, zero;
    int64_t width, prec;        /* -1: not given */
    char conv;
} FmtSpec;

/* Pads `s` (n bytes) to the width: the sign/prefix part first when
 * zero-padding numbers. */
static void fmt_pad(StrBuf *out, const FmtSpec *f, const char *s, size_t n, size_t prefix, bool numeric) {
    int64_t pad = f->width > (int64_t)n ? f->width - (int64_t)n : 0;
    if (pad > INT32_MAX) {     /* CPython fails to allocate it */
        out->oom = true;
        return;
    }
    if (f->left) {
        sb_add(out, s, n);
        for (int64_t i = 0; i < pad; i++) sb_addc(out, ' ');
    } else if (f->zero && numeric) {
        sb_add(out, s, prefix);
        for (int64_t i = 0; i < pad; i++) sb_addc(out, '0');
        sb_add(out, s + prefix, n - prefix);
    } else {
        for (int64_t i = 0; i < pad; i++) sb_addc(out, ' ');
        sb_add(out, s, n);
    }
}

static bool fmt_int(VM *vm, StrBuf *out, const FmtSpec *f, Value v) {
    char c = f->conv;
    v = fmt_pct_int_arg(vm, v, c == 'i' ? 'd' : c);     /* as str's % does; bytes' %i is named %d */
    if (v == ERR) return false;
    int base = c == 'x' || c == 'X' ? 16 : c == 'o' ? 8 : 10;
    if (base == 10 && !int_str_digits_ok(vm, v)) return false;
    StrBuf digits = SB_INIT;
    int_to_buf(v, base, &digits);
    if (digits.oom) { sb_free(&digits); exc_nomem(vm); return false; }
    bool neg = digits.len && digits.data[0] == '-';
    const char *d = digits.data + neg;
    size_t nd = digits.len - neg;
    StrBuf s = SB_INIT;
    if (neg) sb_addc(&s, '-');
    else if (f->plus) sb_addc(&s, '+');
    else if (f->space) sb_addc(&s, ' ');
    if (f->alt && base != 10) sb_adds(&s, c == 'x' ? "0x" : c == 'X' ? "0X" : "0o");
    size_t prefix = s.len;
    for (int64_t i = (int64_t)nd; i < f->prec; i++) sb_addc(&s, '0');
    for (size_t i = 0; i < nd; i++) sb_addc(&s, c == 'X' ? (char)toupper((unsigned char)d[i]) : d[i]);
    sb_free(&digits);
    if (s.oom) { sb_free(&s); exc_nomem(vm); return false; }
    fmt_pad(out, f, s.data, s.len, prefix, true);
    sb_free(&s);
    return true;
}

static bool fmt_float(VM *vm, StrBuf *out, const FmtSpec *f, Value v) {
    double d;
    if (!fmt_pct_double(vm, v, &d)) {
        /* (bytes' own words for any failure, as CPython's formatfloat) */
        exc_raise(vm, E_TypeError, "float argument required, not %T", v);
        return false;
    }
    StrBuf num = SB_INIT;
    size_t prefix;
    if (!fmt_pct_float_text(&num, d, f->conv, f->prec, f->alt, f->plus, f->space, &prefix)) {
        sb_free(&num);
        exc_nomem(vm);
        return false;
    }
    fmt_pad(out, f, num.data, num.len, prefix, true);     /* inf and nan zero-padded too, as CPython */
    sb_free(&num);
    return true;
}

/* %s/%b: bytes-like or __bytes__. */
static bool fmt_bytes(VM *vm, StrBuf *out, const FmtSpec *f, Value v) {
    BinBuf b;
    Value r = v;
    int got = binbuf_any(vm, v, &b);
    if (got < 0) return false;
    if (!got) {
        ObjStr *name = str_intern_cstr(vm, "__bytes__");
        Value m = name && is_obj(v) ? class_lookup(as_obj(v)->cls, name) : UNDEF;
        if (m == UNDEF || is_str(v)) {
            exc_raise(vm, E_TypeError,
                      "%%b requires a bytes-like object, or an object that implements __bytes__, not '%T'", v);
            return false;
        }
        r = op_call_special(vm, v, m, NULL, 0);
        if (r == ERR) return false;
        if (!binbuf_get(r, &b)) {
            exc_raise(vm, E_TypeError, "__bytes__ returned non-bytes (type %T)", r);
            return false;
        }
    }
    size_t n = f->prec >= 0 && f->prec < b.n ? (size_t)f->prec : (size_t)b.n;
    fmt_pad(out, f, (const char *)b.p, n, 0, false);
    return true;
}

static bool fmt_one(VM *vm, StrBuf *out, FmtSpec *f, Value v, int64_t at) {
    switch (f->conv) {
    case 's': case 'b': return fmt_bytes(vm, out, f, v);
    case 'r': case 'a': {
        Value r = op_repr(vm, v);
        if (r == ERR) return false;
        r = str_ascii(vm, AS(ObjStr, r));
        if (r == ERR) return false;
        ObjStr *s = AS(ObjStr, r);
        size_t n = f->prec >= 0 && f->prec < s->len ? (size_t)f->prec : (size_t)s->len;
        fmt_pad(out, f, s->data, n, 0, false);
        return true;
    }
    case 'c': {
        BinBuf b;
        char ch;
        if (binbuf_get(v, &b)) {
            if (b.n != 1) {
                exc_raise(vm, E_TypeError, "%%c requires an integer in range(256) or a single byte");
                return false;
            }
            ch = (char)b.p[0];
        } else if (is_intlike(v) || op_special(vm, v, N___index__) != UNDEF) {
            int64_t i;
            Value n = is_intlike(v) ? v : fmt_index_of(vm, v);
            if (n == ERR && exc_is(vm, vm->exc, E_TypeError)) {
                exc_raise(vm, E_TypeError, "%%c requires an integer in range(256) or a single byte");
                return false;
            }
            if (n == ERR) return false;
            if (!int_to_i64(n, &i)) i = -1;
            if (i < 0 || i > 255) {
                exc_raise(vm, E_OverflowError, "%%c arg not in range(256)");
                return false;
            }
            ch = (char)i;
        } else {
            exc_raise(vm, E_TypeError, "%%c requires an integer in range(256) or a single byte");
            return false;
        }
        fmt_pad(out, f, &ch, 1, 0, false);
        return true;
    }
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': return fmt_int(vm, out, f, v);
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': return fmt_float(vm, out, f, v);
    default: {
        uint8_t c = (uint8_t)f->conv;
        if (c >= 0x20 && c < 0x7F)
            exc_raise(vm, E_ValueError, "unsupported format character '%c' (0x%x) at index %lld", c, c, (long long)at);
        else
            exc_raise(vm, E_ValueError, "unsupported format character '\\x%02x' (0x%x) at index %lld", c, c, (long long)at);
        return false;
    }
    }
}

/* Takes the next positional argument of a format; NULL-safe error. */
static bool fmt_next_arg(VM *vm, Value args, int64_t *argi, Value *out) {
    if (is_tuple(args)) {
        if (*argi >= AS(ObjTuple, args)->len) goto missing;
        *out = AS(ObjTuple, args)->items[(*argi)++];
        return true;
    }
    if (*argi > 0) goto missing;
    (*argi)++;
    *out = args;
    return true;
missing:
    exc_raise(vm, E_TypeError, "not enough arguments for format string");
    return false;
}

/* fmt_pct_digits for this file's int64_t positions. */
static bool pct_digits(VM *vm, const uint8_t *p, int64_t n, int64_t *i, bool prec, int64_t *out) {
    size_t at = (size_t)*i;
    bool ok = fmt_pct_digits(vm, (const char *)p, (size_t)n, &at, prec, true, out);
    *i = (int64_t)at;
    return ok;
}

static bool fmt_num_arg(VM *vm, Value args, int64_t *argi, int64_t *out, bool prec) {
    Value v;
    return fmt_next_arg(vm, args, argi, &v) && fmt_pct_star_value(vm, v, prec, out);
}

static bool fmt_is_mapping(VM *vm, Value v) {
    if (is_tuple(v) || is_str(v) || is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY)) return false;
    return is_dict(v) || is_list(v) || op_special(vm, v, N___getitem__) != UNDEF;
}

static Value bytes_format(VM *vm, Value self, const uint8_t *p, int64_t n, Value args) {
    StrBuf out = SB_INIT;
    int64_t argi = 0;
    bool mapping = fmt_is_mapping(vm, args), used_key = false;
    for (int64_t i = 0; i < n;) {
        const uint8_t *pct = memchr(p + i, '%', (size_t)(n - i));
        if (!pct) { sb_add(&out, (const char *)p + i, (size_t)(n - i)); break; }
        sb_add(&out, (const char *)p + i, (size_t)(pct - (p + i)));
        i = pct - p + 1;
        FmtSpec f = {false, false, false, false, false, -1, -1, 0};
        Value arg = UNDEF;
        if (i < n && p[i] == '(') {
            if (!mapping) { exc_raise(vm, E_TypeError, "format requires a mapping"); goto fail; }
            int64_t depth = 1, k = i + 1;
            while (k < n && depth) { depth += p[k] == '(' ? 1 : p[k] == ')' ? -1 : 0; k++; }
            if (depth) { exc_raise(vm, E_ValueError, "incomplete format key"); goto fail; }
            Value key = bytes_new(vm, p + i + 1, (size_t)(k - i - 2));
            if (key == ERR) goto fail;
            arg = op_getitem(vm, args, key);
            if (arg == ERR) goto fail;
            used_key = true;
            i = k;
        }
        for (; i < n; i++) {
            uint8_t c = p[i];
            if (c == '-') f.left = true;
            else if (c == '+') f.plus = true;
            else if (c == ' ') f.space = true;
            else if (c == '#') f.alt = true;
            else if (c == '0') f.zero = true;
            else break;
        }
        if (i < n && p[i] == '*') {
            if (!fmt_num_arg(vm, args, &argi, &f.width, false)) goto fail;
            if (f.width < 0) { f.left = true; f.width = f.width == INT64_MIN ? INT64_MAX : -f.width; }
            i++;
        } else if (i < n && is_digit(p[i])) {
            if (!pct_digits(vm, p, n, &i, false, &f.width)) goto fail;
        }
        if (i < n && p[i] == '.') {
            i++;
            f.prec = 0;
            if (i < n && p[i] == '*') {
                if (!fmt_num_arg(vm, args, &argi, &f.prec, true)) goto fail;
                if (f.prec < 0) f.prec = 0;
                i++;
            } else if (!pct_digits(vm, p, n, &i, true, &f.prec)) {
                goto fail;
            }
        }
        while (i < n && (p[i] == 'h' || p[i] == 'l' || p[i] == 'L')) i++;
        if (i >= n) { exc_raise(vm, E_ValueError, "incomplete format"); goto fail; }
        f.conv = (char)p[i++];
        /* only "%%" is a literal percent; with flags or a key it is an
         * unsupported conversion (after its argument is taken, as CPython) */
        if (f.conv == '%' && p + i - 2 == pct) { sb_addc(&out, '%'); continue; }
        if (arg == UNDEF && !fmt_next_arg(vm, args, &argi, &arg)) goto fail;
        if (!fmt_one(vm, &out, &f, arg, i - 1)) goto fail;
        if (out.oom) { exc_nomem(vm); goto fail; }
    }
    if (!used_key && !mapping && argi < (is_tuple(args) ? AS(ObjTuple, args)->len : 1)) {
        exc_raise(vm, E_TypeError, "not all arguments converted during bytes formatting");
        goto fail;
    }
    return make_like_buf(vm, self, &out);
fail:
    sb_free(&out);
    return ERR;
}

static Value m_mod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__mod__", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf self;
    if (!self_buf(vm, "__mod__", args, nargs, &self)) return ERR;
    /* A copy of the format: a bytearray's buffer may change while it runs. */
    uint8_t *fmt = malloc((size_t)self.n + 1);
    if (!fmt) return exc_nomem(vm);
    memcpy(fmt, self.p, (size_t)self.n);
    Value r = bytes_format(vm, args[0], fmt, self.n, args[1]);
    free(fmt);
    return r;
}

/* ---- bytearray ---------------------------------------------------------- */

static Value ba_repr_str(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjByteArray *ba = self_ba(vm, "__repr__", args, nargs);
    if (!ba) return ERR;
    StrBuf sb = SB_INIT;
    sb_adds(&sb, as_obj(args[0])->cls->name->data);     /* a subclass's own name, as CPython */
    sb_addc(&sb, '(');
    bytes_repr_to(&sb, ba->data, ba->len, true);
    sb_addc(&sb, ')');
    return str_from_buf(vm, &sb);
}

static Value m_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__len__", nargs - 1, kw, 0, 0)) return ERR;
    BinBuf self;
    return self_buf(vm, "__len__", args, nargs, &self) ? int_from_i64(vm, self.n) : ERR;
}

/* bytes.__bytes__: the object itself, or an exact copy of a subclass's. */
static Value m_bytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__bytes__", nargs - 1, kw, 0, 0)) return ERR;
    if (!is_kind(args[0], OBJ_BYTES)) return exc_raise(vm, E_TypeError, "descriptor '__bytes__' requires a 'bytes' object but received a '%T'", args[0]);
    if (as_obj(args[0])->cls == vm->types[T_BYTES]) return args[0];
    ObjBytes *b = AS(ObjBytes, args[0]);
    return bytes_new(vm, b->data, (size_t)b->len);
}

/* Like a list iterator, it forgets its bytearray once exhausted. */
static Value ba_iter_next(VM *vm, ObjIter *it) {
    (void)vm;
    if (it->a == UNDEF) return UNDEF;
    ObjByteArray *ba = AS(ObjByteArray, it->a);
    if (it->i < ba->len) return int_val(ba->data[it->i++]);
    it->a = UNDEF;
    return UNDEF;
}

static Value ba_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iter__", nargs - 1, kw, 0, 0)) return ERR;
    if (!self_ba(vm, "__iter__", args, nargs)) return ERR;
    ObjIter *it = iter_new(vm, vm->types[T_BYTES_ITER], ba_iter_next);
    if (!it) return ERR;
    it->a = args[0];
    return obj_val(it);
}

static Value ba_contains(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__contains__", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf self, sub;
    if (!self_buf(vm, "__contains__", args, nargs, &self)) return ERR;
    if (is_intlike(args[1])) {
        int64_t x;
        if (!int_to_i64(args[1], &x) || x < 0 || x > 255)
            return exc_raise(vm, E_ValueError, "byte must be in range(0, 256)");
        return bool_val(self.n && memchr(self.p, (int)x, (size_t)self.n) != NULL);
    }
    if (!binbuf_arg(vm, args[1], &sub)) return ERR;
    return bool_val(buf_find(self, sub, 0, self.n, false) >= 0);
}

/* Rich comparisons of a bytearray with bytes or bytearray. */
static Value ba_compare(VM *vm, Value *args, int nargs, ObjTuple *kw, CmpOp op) {
    if (!args_check(vm, "__eq__", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf a, b;
    if (!self_buf(vm, "__eq__", args, nargs, &a)) return ERR;
    if (!binbuf_get(args[1], &b)) return NOTIMPL_VAL;
    int64_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, (size_t)n) : 0;
    if (!c) c = a.n < b.n ? -1 : a.n > b.n;
    switch (op) {
    case CMP_LT: return bool_val(c < 0);
    case CMP_LE: return bool_val(c <= 0);
    case CMP_EQ: return bool_val(c == 0);
    case CMP_NE: return bool_val(c != 0);
    case CMP_GT: return bool_val(c > 0);
    default: return bool_val(c >= 0);
    }
}

static Value ba_lt(VM *vm, Value *a, int n, ObjTuple *kw) { return ba_compare(vm, a, n, kw, CMP_LT); }
static Value ba_le(VM *vm, Value *a, int n, ObjTuple *kw) { return ba_compare(vm, a, n, kw, CMP_LE); }
static Value ba_eq(VM *vm, Value *a, int n, ObjTuple *kw) { return ba_compare(vm, a, n, kw, CMP_EQ); }
static Value ba_ne(VM *vm, Value *a, int n, ObjTuple *kw) { return ba_compare(vm, a, n, kw, CMP_NE); }
static Value ba_gt(VM *vm, Value *a, int n, ObjTuple *kw) { return ba_compare(vm, a, n, kw, CMP_GT); }
static Value ba_ge(VM *vm, Value *a, int n, ObjTuple *kw) { return ba_compare(vm, a, n, kw, CMP_GE); }

static const char ba_assign_msg[] = "can assign only bytes, buffers, or iterables of ints in range(0, 256)";

/* The bytes of a value assigned to a bytearray slice, into sb. */
static bool assigned_bytes(VM *vm, Value v, StrBuf *sb) {
    BinBuf b;
    if (binbuf_get(v, &b)) {
        sb_add(sb, (const char *)b.p, (size_t)b.n);
        return true;
    }
    if (is_intlike(v) || is_str(v) || is_float(v) || is_kind(v, OBJ_COMPLEX)) {
        exc_raise(vm, E_TypeError, "%s", ba_assign_msg);
        return false;
    }
    return source_bytes(vm, "bytearray", v, UNDEF, UNDEF, sb);
}

static Value ba_delete_slice(VM *vm, ObjByteArray *ba, int64_t start, int64_t step, int64_t n);

static Value ba_setitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setitem__", nargs - 1, kw, 2, 2)) return ERR;
    ObjByteArray *ba = self_ba(vm, "__setitem__", args, nargs);
    if (!ba) return ERR;
    Value key = args[1], v = args[2];
    if (!is_kind(key, OBJ_SLICE)) {
        int64_t i;
        uint8_t c;
        if (!index_value(vm, key, &i, "bytearray")) return ERR;
        if (!byte_value(vm, v, &c, "byte must be in range(0, 256)")) return ERR;
        if (i < 0) i += ba->len;
        if (i < 0 || i >= ba->len) return exc_raise(vm, E_IndexError, "bytearray index out of range");
        ba->data[i] = c;
        return NONE_VAL;
    }
    /* As CPython: the slice's errors come before the value's, and an empty
       value deletes even an extended slice. */
    int64_t start, stop, step;
    if (!slice_unpack(vm, AS(ObjSlice, key), &start, &stop, &step)) return ERR;
    StrBuf sb = SB_INIT;
    if (!assigned_bytes(vm, v, &sb)) { sb_free(&sb); return ERR; }
    /* the bounds' __index__ and v's conversion may both have resized ba */
    int64_t n = slice_adjust(ba->len, &start, &stop, step);
    if (sb.oom) { sb_free(&sb); return exc_nomem(vm); }
    if (step != 1 && sb.len == 0) {
        sb_free(&sb);
        return ba_delete_slice(vm, ba, start, step, n);
    }
    bool ok = true;
    if (step == 1) {
        if (stop < start) stop = start;
        ok = ((int64_t)sb.len == stop - start || ba_resizable(vm, ba)) && ba_splice(vm, ba, start, stop, (const uint8_t *)sb.data, (int64_t)sb.len);
    } else {
        if ((int64_t)sb.len != n) {
            exc_raise(vm, E_ValueError, "attempt to assign bytes of size %lld to extended slice of size %lld",
                      (long long)sb.len, (long long)n);
            ok = false;
        }
        for (int64_t k = 0; ok && k < n; k++) ba->data[start + k * step] = (uint8_t)sb.data[k];
    }
    sb_free(&sb);
    return ok ? NONE_VAL : ERR;
}

static Value ba_delitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__delitem__", nargs - 1, kw, 1, 1)) return ERR;
    ObjByteArray *ba = self_ba(vm, "__delitem__", args, nargs);
    if (!ba) return ERR;
    Value key = args[1];
    if (!is_kind(key, OBJ_SLICE)) {
        int64_t i = seq_index(vm, key, ba->len, "bytearray");
        if (i < 0 || !ba_resizable(vm, ba)) return ERR;
        ba_splice(vm, ba, i, i + 1, NULL, 0);
        return NONE_VAL;
    }
    int64_t start, stop, step;
    if (!slice_unpack(vm, AS(ObjSlice, key), &start, &stop, &step)) return ERR;
    int64_t n = slice_adjust(ba->len, &start, &stop, step);
    return ba_delete_slice(vm, ba, start, step, n);
}

/* del ba[start::step] for n items. */
static Value ba_delete_slice(VM *vm, ObjByteArray *ba, int64_t start, int64_t step, int64_t n) {
    if (n == 0) return NONE_VAL;
    if (!ba_resizable(vm, ba)) return ERR;
    if (step < 0) {     /* the same bytes, walked forwards */
        start += (n - 1) * step;
        step = -step;
    }
    int64_t w = start;
    for (int64_t r = start; r < ba->len; r++) {
        bool del = r <= start + (n - 1) * step && (r - start) % step == 0;
        if (!del) ba->data[w++] = ba->data[r];
    }
    ba->len = w;
    return NONE_VAL;
}

static Value ba_append(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "append", 1)) return ERR;
    ObjByteArray *ba = self_ba(vm, "append", args, nargs);
    uint8_t c;
    /* the value is checked before the size may change, as in CPython */
    if (!ba || !byte_value(vm, args[1], &c, "byte must be in range(0, 256)") || !ba_resizable(vm, ba)) return ERR;
    if (!bytearray_reserve(vm, ba, ba->len + 1)) return ERR;
    ba->data[ba->len++] = c;
    return NONE_VAL;
}

static Value ba_extend(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "extend", 1)) return ERR;
    ObjByteArray *ba = self_ba(vm, "extend", args, nargs);
    if (!ba) return ERR;
    Value v = args[1];
    if (is_str(v)) {      /* CPython iterates the str and fails on its first character */
        if (AS(ObjStr, v)->len == 0) return NONE_VAL;
        return exc_raise(vm, E_TypeError, "'str' object cannot be interpreted as an integer");
    }
    if (!is_obj(v) || is_bigint(v) || (!binbuf_get(v, &(BinBuf){0}) && op_special(vm, v, N___iter__) == UNDEF &&
                                       op_special(vm, v, N___getitem__) == UNDEF && as_obj(v)->kind != OBJ_ITER &&
                                       !is_list(v) && !is_tuple(v) && !is_dict(v) && !is_kind(v, OBJ_SET) &&
                                       !is_kind(v, OBJ_RANGE)))
        return exc_raise(vm, E_TypeError, "can't extend bytearray with %T", v);
    StrBuf sb = SB_INIT;
    if (!source_bytes(vm, "bytearray", v, UNDEF, UNDEF, &sb)) { sb_free(&sb); return ERR; }
    if (sb.oom) { sb_free(&sb); return exc_nomem(vm); }
    bool ok = (sb.len == 0 || ba_resizable(vm, ba)) && ba_splice(vm, ba, ba->len, ba->len, (const uint8_t *)sb.data, (int64_t)sb.len);
    sb_free(&sb);
    return ok ? NONE_VAL : ERR;
}

static Value ba_iadd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iadd__", nargs - 1, kw, 1, 1)) return ERR;
    ObjByteArray *ba = self_ba(vm, "__iadd__", args, nargs);
    if (!ba) return ERR;
    BinBuf b;
    int r = any_buf(vm, args[1], &b);
    if (r < 0) return ERR;
    if (!r) return exc_raise(vm, E_TypeError, "can't concat %T to bytearray", args[1]);
    if (b.n == 0) return args[0];
    StrBuf sb = SB_INIT;      /* a copy: b may be ba itself, and may go in a collection */
    sb_add(&sb, (const char *)b.p, (size_t)b.n);
    if (sb.oom) { sb_free(&sb); return exc_nomem(vm); }
    bool ok = ba_resizable(vm, ba) && ba_splice(vm, ba, ba->len, ba->len, (const uint8_t *)sb.data, (int64_t)sb.len);
    sb_free(&sb);
    return ok ? args[0] : ERR;
}

static Value ba_imul(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value r = m_mul(vm, args, nargs, kw);
    if (r == ERR || r == NOTIMPL_VAL) return r;
    ObjByteArray *ba = AS(ObjByteArray, args[0]), *src = AS(ObjByteArray, r);
    if (src->len != ba->len) {
        if (!vm_push_root(vm, r)) return ERR;
        bool ok = ba_resizable(vm, ba);
        vm_pop_roots(vm, 1);
        if (!ok) return ERR;
    }
    if (!ba_splice(vm, ba, 0, ba->len, src->data, src->len)) return ERR;
    return args[0];
}

static Value ba_pop(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_range(vm, args, nargs, kw, "pop", 0, 1)) return ERR;
    ObjByteArray *ba = self_ba(vm, "pop", args, nargs);
    if (!ba) return ERR;
    int64_t i = -1;
    if (nargs > 1 && !ssize_value(vm, args[1], &i)) return ERR;
    if (ba->len == 0) return exc_raise(vm, E_IndexError, "pop from empty bytearray");
    if (i < 0) i += ba->len;
    if (i < 0 || i >= ba->len) return exc_raise(vm, E_IndexError, "pop index out of range");
    if (!ba_resizable(vm, ba)) return ERR;
    uint8_t c = ba->data[i];
    ba_splice(vm, ba, i, i + 1, NULL, 0);
    return int_val(c);
}

static Value ba_insert(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_range(vm, args, nargs, kw, "insert", 2, 2)) return ERR;
    ObjByteArray *ba = self_ba(vm, "insert", args, nargs);
    int64_t i;
    uint8_t c;
    if (!ba || !ssize_value(vm, args[1], &i)) return ERR;
    if (!byte_value(vm, args[2], &c, "byte must be in range(0, 256)") || !ba_resizable(vm, ba)) return ERR;
    if (i < 0) { i += ba->len; if (i < 0) i = 0; }
    if (i > ba->len) i = ba->len;
    return ba_splice(vm, ba, i, i, &c, 1) ? NONE_VAL : ERR;
}

static Value ba_remove(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "remove", 1)) return ERR;
    ObjByteArray *ba = self_ba(vm, "remove", args, nargs);
    uint8_t c;
    if (!ba || !byte_value(vm, args[1], &c, "byte must be in range(0, 256)")) return ERR;
    uint8_t *at = ba->len ? memchr(ba->data, c, (size_t)ba->len) : NULL;
    if (!at) return exc_raise(vm, E_ValueError, "value not found in bytearray");
    if (!ba_resizable(vm, ba)) return ERR;
    ba_splice(vm, ba, at - ba->data, at - ba->data + 1, NULL, 0);
    return NONE_VAL;
}

static Value ba_reverse(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "reverse", 0)) return ERR;
    ObjByteArray *ba = self_ba(vm, "reverse", args, nargs);
    if (!ba) return ERR;
    for (int64_t i = 0, j = ba->len - 1; i < j; i++, j--) {
        uint8_t t = ba->data[i]; ba->data[i] = ba->data[j]; ba->data[j] = t;
    }
    return NONE_VAL;
}

static Value ba_clear(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "clear", 0)) return ERR;
    ObjByteArray *ba = self_ba(vm, "clear", args, nargs);
    if (!ba) return ERR;
    if (ba->len && !ba_resizable(vm, ba)) return ERR;
    ba->len = 0;
    return NONE_VAL;
}

static Value ba_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!check_method(vm, args, nargs, kw, "copy", 0)) return ERR;
    ObjByteArray *ba = self_ba(vm, "copy", args, nargs);
    return ba ? bytearray_new(vm, ba->data, (size_t)ba->len) : ERR;
}

/* ---- registration ------------------------------------------------------- */

typedef struct MethodDef {
    const char *name;
    NativeFn fn;
} MethodDef;

/* Methods of both bytes and bytearray. */
static const MethodDef shared_methods[] = {
    {"decode", m_decode}, {"hex", m_hex}, {"find", m_find}, {"rfind", m_rfind}, {"index", m_index},
    {"rindex", m_rindex}, {"count", m_count}, {"startswith", m_startswith}, {"endswith", m_endswith},
    {"split", m_split}, {"rsplit", m_rsplit}, {"splitlines", m_splitlines}, {"join", m_join},
    {"partition", m_partition}, {"rpartition", m_rpartition}, {"strip", m_strip}, {"lstrip", m_lstrip},
    {"rstrip", m_rstrip}, {"replace", m_replace}, {"removeprefix", m_removeprefix},
    {"removesuffix", m_removesuffix}, {"upper", m_upper}, {"lower", m_lower}, {"swapcase", m_swapcase},
    {"capitalize", m_capitalize}, {"title", m_title}, {"isdigit", m_isdigit}, {"isalpha", m_isalpha},
    {"isalnum", m_isalnum}, {"isspace", m_isspace}, {"islower", m_islower}, {"isupper", m_isupper},
    {"istitle", m_istitle}, {"isascii", m_isascii}, {"center", m_center}, {"ljust", m_ljust},
    {"rjust", m_rjust}, {"zfill", m_zfill}, {"expandtabs", m_expandtabs}, {"translate", m_translate},
    {"__getitem__", m_getitem}, {"__add__", m_add}, {"__mul__", m_mul}, {"__rmul__", m_mul},
    {"__mod__", m_mod}, {"__len__", m_len},
};

static const MethodDef bytearray_methods[] = {
    {"__repr__", ba_repr_str}, {"__str__", ba_repr_str}, {"__iter__", ba_iter},
    {"__contains__", ba_contains}, {"__eq__", ba_eq}, {"__ne__", ba_ne}, {"__lt__", ba_lt}, {"__le__", ba_le},
    {"__gt__", ba_gt}, {"__ge__", ba_ge}, {"__setitem__", ba_setitem}, {"__delitem__", ba_delitem},
    {"__iadd__", ba_iadd}, {"__imul__", ba_imul}, {"append", ba_append}, {"extend", ba_extend},
    {"pop", ba_pop}, {"insert", ba_insert}, {"remove", ba_remove}, {"reverse", ba_reverse},
    {"clear", ba_clear}, {"copy", ba_copy},
};

bool bytes_init(VM *vm) {
    ObjClass *b = vm->types[T_BYTES], *ba = vm->types[T_BYTEARRAY];
    for (size_t i = 0; i < sizeof shared_methods / sizeof shared_methods[0]; i++) {
        if (!class_add_native(vm, b, shared_methods[i].name, shared_methods[i].fn)) return false;
        if (!class_add_native(vm, ba, shared_methods[i].name, shared_methods[i].fn)) return false;
    }
    for (size_t i = 0; i < sizeof bytearray_methods / sizeof bytearray_methods[0]; i++) {
        if (!class_add_native(vm, ba, bytearray_methods[i].name, bytearray_methods[i].fn)) return false;
    }
    return class_add_native(vm, b, "__bytes__", m_bytes) && class_add_static(vm, b, "__new__", bytes_m_new) && class_add_static(vm, ba, "__new__", bytearray_m_new) &&
           class_add_native(vm, ba, "__init__", bytearray_m_init) &&
           class_add_classmethod(vm, b, "fromhex", bytes_fromhex) && class_add_classmethod(vm, ba, "fromhex", bytearray_fromhex) &&
           class_add_static(vm, b, "maketrans", bytes_maketrans) && class_add_static(vm, ba, "maketrans", bytes_maketrans);
}
