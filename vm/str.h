/* str: immutable UTF-8 text indexed by code point (object.h has the layout).
 * The core lives in str.c; the methods (split, join, strip, ...) in
 * str_methods.c; formatting (%, format(), str.format, f-strings) in
 * format.c. Functions returning Value return ERR after raising. */
#ifndef ASY_STR_H
#define ASY_STR_H

#include "strbuf.h"
#include "vm.h"

/* A new str from `len` bytes of valid UTF-8. */
Value str_new(VM *vm, const char *s, size_t len);
/* The same for text known to be ASCII (no scan). */
Value str_new_ascii(VM *vm, const char *s, size_t len);
Value str_from_cstr(VM *vm, const char *s);
/* A new str from a buffer, which is freed (also on failure). */
Value str_from_buf(VM *vm, StrBuf *b);
/* Validates UTF-8 first: UnicodeDecodeError ("'utf-8' codec can't decode
 * byte 0x.. in position N: ...") when it is not. */
Value str_decode_utf8(VM *vm, const char *s, size_t len, const char *errors);

/* The unique interned str with these bytes; NULL after MemoryError. */
ObjStr *str_intern(VM *vm, const char *s, size_t len);
ObjStr *str_intern_cstr(VM *vm, const char *s);
/* Drops interned strings that the collector found unreachable. */
void str_sweep_interned(VM *vm);

uint64_t str_hash(ObjStr *s);
/* SipHash-1-3 with a zero key, as CPython's hash under PYTHONHASHSEED=0
 * (vm/strhash.c): of raw bytes, and of a str's UTF-8 (as CPython's 1-, 2-
 * or 4-byte code units; for ASCII, the bytes themselves). */
uint64_t hash_bytes(const void *data, size_t n);
uint64_t hash_utf8(const char *p, size_t len);
bool str_eq(const ObjStr *a, const ObjStr *b);
int str_cmp(const ObjStr *a, const ObjStr *b);   /* by code point, like CPython */
Value str_concat(VM *vm, ObjStr *a, ObjStr *b);
Value str_repeat(VM *vm, ObjStr *s, int64_t n);
/* sep.join(items): a TypeError if an item is not a str. */
Value str_join(VM *vm, ObjStr *sep, Value *items, int64_t n);
/* a + b for INPLACE_ADD_FAST: may extend a UNIQUE `a` in place. */
Value str_append_unique(VM *vm, ObjStr *a, ObjStr *b);
Value str_repr(VM *vm, ObjStr *s);
void str_repr_to(StrBuf *b, const char *s, size_t len);   /* with quotes, as repr() */
Value str_getitem(VM *vm, ObjStr *s, Value index);       /* index or slice */
int str_contains(VM *vm, ObjStr *hay, ObjStr *needle);  /* 0/1 */
Value str_iter(VM *vm, ObjStr *s);
Value str_char(VM *vm, uint32_t cp);                     /* a one-character str */
/* ascii(): the repr text with every non-ASCII character escaped. */
Value str_ascii(VM *vm, ObjStr *repr);

/* Byte offset of code point `i` (0 <= i <= cplen). O(1) for ASCII. */
int64_t str_offset(const ObjStr *s, int64_t i);
/* The collector freed objects: the positions str_offset remembers go. */
void str_cursors_forget(void);
/* Decodes one code point at s[*pos], advancing *pos; invalid bytes give 0xFFFD. */
uint32_t utf8_decode(const char *s, size_t len, size_t *pos);
int64_t utf8_count(const char *s, size_t len);           /* code points */
bool utf8_valid(const char *s, size_t len, size_t *bad_pos);
/* Whether s holds a lone surrogate (which UTF-8 output must encode through
 * an error handler): the only thing a str's bytes may hold that is not UTF-8. */
bool str_has_surrogates(const ObjStr *s);
bool utf8_has_surrogates(const char *s, size_t len);
/* Appends s to b with each lone surrogate as \udXXX (the backslashreplace
 * handler, sys.stderr's). */
void utf8_add_escaping_surrogates(StrBuf *b, const char *s, size_t len);

void str_init_methods(VM *vm);     /* str_methods.c: fills str's class dict */
/* Whether repr() shows a code point as is (Unicode data, str_methods.c). */
bool unicode_isprintable(uint32_t c);
/* str.isidentifier() (str_methods.c). */
bool str_isidentifier(const ObjStr *s);

/* The last offset of needle (n bytes) in hay[from, to), or -1, in linear
 * time (str_methods.c; bytes.rfind uses it too). */
int64_t str_rfind_bytes(const char *hay, int64_t from, int64_t to, const char *nd, int64_t n);

/* format.c */
Value fmt_percent(VM *vm, ObjStr *fmt, Value args);     /* "..." % args */
Value fmt_format(VM *vm, Value v, ObjStr *spec);        /* format(v, spec) */
Value fmt_str_format(VM *vm, ObjStr *fmt, Value *args, int nargs, ObjTuple *kwnames); /* str.format */
Value fmt_format_map(VM *vm, ObjStr *fmt, Value mapping);                              /* str.format_map */
/* The width or precision of a %-conversion, shared with bytes %: written
 * as digits at s[*i] (ValueError "width too big" / "precision too big",
 * bytes' "prec too big", past CPython's limits), or a '*' argument v
 * (OverflowError). */
bool fmt_pct_digits(VM *vm, const char *s, size_t len, size_t *i, bool prec, bool bytes, int64_t *out);
bool fmt_pct_star_value(VM *vm, Value v, bool prec, int64_t *out);
/* The int a %d/%i/%u (or, for another conv, %x/%X/%o) conversion formats
 * v as, with CPython's errors; shared with bytes %. */
Value fmt_pct_int_arg(VM *vm, Value v, char conv);
/* The double a %f/%e/%g conversion formats v as (__float__, else
 * __index__); false after raising. */
bool fmt_pct_double(VM *vm, Value v, double *out);
/* Appends to num %-formatting's text of d for conversion conv (e, f, g or
 * their capitals), precision prec (< 0: 6) and the flags: the sign ('-',
 * or '+'/' ' as asked) then the digits, never "-nan"; *signlen is where
 * the digits start. False when out of memory. */
bool fmt_pct_float_text(StrBuf *num, double d, char conv, int64_t prec, bool alt, bool plus, bool space,
                        size_t *signlen);
/* v.__index__() (an int), UNDEF when v's class has no __index__. */
Value fmt_index_of(VM *vm, Value v);

#endif
