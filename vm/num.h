/* Numbers: int (small ints in the word, big ints on libtommath) in int.c,
 * float in float.c. bool is an int subclass: every int function here accepts
 * True/False as 1/0. Functions returning Value return ERR after raising. */
#ifndef ASY_NUM_H
#define ASY_NUM_H

#include "strbuf.h"
#include "vm.h"

/* Binary operators, in the order of AstOp's first entries and of the
 * BINARY_OP instruction's argument. */
typedef enum BinOp {
    BIN_ADD, BIN_SUB, BIN_MUL, BIN_MATMUL, BIN_TRUEDIV, BIN_FLOORDIV, BIN_MOD,
    BIN_POW, BIN_LSHIFT, BIN_RSHIFT, BIN_OR, BIN_XOR, BIN_AND, BIN_COUNT
} BinOp;

/* Rich comparisons, in CPython's order (Py_LT..Py_GE). */
typedef enum CmpOp { CMP_LT, CMP_LE, CMP_EQ, CMP_NE, CMP_GT, CMP_GE } CmpOp;

static inline bool is_intlike(Value v) { return is_int(v) || is_bool(v) || is_bigint(v); }
static inline bool is_number(Value v) { return is_intlike(v) || is_float(v); }
/* An int of the builtin type (not an instance of a subclass, whose
 * operations may be overridden): what the interpreter's fast paths take. */
static inline bool is_plain_intlike(Value v) {
    return is_int(v) || is_bool(v) || is_plain_kind_fast(v, OBJ_BIGINT);
}

/* x op y for two small ints by the operators without a fast path of their
 * own in the interpreter (// % << >> & | ^), in plain 64-bit arithmetic:
 * false when the general path is needed (a zero divisor, a negative
 * shift count, a result outside the small range). Python's floor
 * semantics: the quotient rounds down, the remainder takes y's sign. */
static inline bool small_int_binop(BinOp op, int64_t x, int64_t y, int64_t *r) {
    switch (op) {
    case BIN_FLOORDIV:
    case BIN_MOD: {
        if (y == 0) return false;
        int64_t q = x / y, m = x % y;     /* no overflow: both are 48-bit */
        if (m != 0 && (m < 0) != (y < 0)) { q--; m += y; }
        *r = op == BIN_MOD ? m : q;
        return small_int_fits(*r);
    }
    case BIN_LSHIFT:
        return y >= 0 && y < 63 && !__builtin_mul_overflow(x, (int64_t)1 << y, r) && small_int_fits(*r);
    case BIN_RSHIFT:
        if (y < 0) return false;
        *r = x >> (y < 63 ? y : 63);     /* arithmetic: rounds toward -inf */
        return true;
    case BIN_AND: *r = x & y; return true;
    case BIN_OR: *r = x | y; return true;
    case BIN_XOR: *r = x ^ y; return true;
    default: return false;
    }
}

/* ---- int.c ---- */
Value int_from_i64(VM *vm, int64_t i);
Value int_from_u64(VM *vm, uint64_t u);
/* Takes over `m` (cleared afterwards either way); small when it fits. */
Value int_from_mp(VM *vm, mp_int *m);
/* The int v as an object of class cls: for int itself the plain value (a
 * small int when it fits), for a subclass a big int object of that class,
 * whatever the value. */
Value int_as_class(VM *vm, Value v, ObjClass *cls);
/* mp_count_bits without its bit-by-bit loop (a clamped mp_int's top digit
 * is not zero): it is on the path of every big int result. */
static inline int mp_bits(const mp_int *m) {
    return m->used == 0 ? 0 : (m->used - 1) * MP_DIGIT_BIT + 64 - __builtin_clzll((unsigned long long)m->dp[m->used - 1]);
}
/* g = gcd(x, y) >= 0, by Lehmer's method (int_gcd.c); g may not be x or y. */
mp_err int_gcd_mp(const mp_int *x, const mp_int *y, mp_int *g);
/* gcd(a, b) >= 0 of two ints, as math.gcd: machine words for operands
 * that fit 128 bits, int_gcd_mp past that. */
Value int_gcd(VM *vm, Value a, Value b);
/* Copies an int value into an initialised mp_int. */
bool int_to_mp(Value v, mp_int *out);
/* A big int's value for libtommath to read (never mp_clear it): its own
 * mp_int, or for a wide one a view of its digits, filled on first use. */
const mp_int *int_mp(ObjBigInt *o);
/* False when the value does not fit in int64_t. */
bool int_to_i64(Value v, int64_t *out);
/* OverflowError "int too large to convert to float" when it does not fit. */
Value int_to_float(VM *vm, Value v, double *out);
/* IEEE 754 half precision (format "e"): to it rounding to nearest even (false
 * when too large), and back. */
bool half_from_double(double x, uint16_t *out);
double half_to_double(uint16_t h);
/* a op b for ints; NOTIMPL_VAL if an operand is not an int. Division and
 * true division by zero raise ZeroDivisionError with CPython's messages;
 * pow with a negative exponent returns a float. */
Value int_binop(VM *vm, BinOp op, Value a, Value b);
Value int_neg(VM *vm, Value a);
Value int_invert(VM *vm, Value a);
Value int_abs(VM *vm, Value a);
Value int_pow3(VM *vm, Value base, Value exp, Value mod);   /* pow(a, b, m) */
int int_cmp(Value a, Value b);          /* -1, 0, 1; both ints */
int int_sign(Value a);
uint64_t int_hash(Value v);             /* CPython's: modulo 2**61 - 1 */
/* A small int's hash: itself (|i| < 2^47 is under the modulus), -1 being
 * reserved. Inline for the hot callers (tuple and dict keys). */
static inline uint64_t small_int_hash(int64_t i) { return (uint64_t)(i == -1 ? -2 : i); }
/* repr in base 10, or with prefix for 2/8/16 (bin/oct/hex). */
Value int_to_str(VM *vm, Value v, int base);
void int_to_buf(Value v, int base, StrBuf *b);   /* digits only, with '-' */
/* CPython's limit on decimal conversions (sys.set_int_max_str_digits): false
 * after ValueError if v has more decimal digits than the VM allows. */
bool int_str_digits_ok(VM *vm, Value v);
/* int_to_buf in base 10 after that check. */
bool int_to_dec(VM *vm, Value v, StrBuf *b);
/* int(text, base): CPython's rules (whitespace, sign, underscores, prefixes
 * when base is 0 or matches); ValueError "invalid literal for int() with
 * base 10: 'x'" on bad input. */
Value int_parse(VM *vm, const char *s, size_t len, int base);
Value int_parse_bytes(VM *vm, Value bytes, int base);    /* int(b'...', base) */
/* A literal from the compiler: digits in `base`, no prefix or underscores. */
Value int_from_digits(VM *vm, const char *digits, int base);
Value int_from_double(VM *vm, double d);    /* truncates; errors for inf/nan */
int64_t int_bit_length(Value v);
void int_init_methods(VM *vm);          /* bit_length, to_bytes, ... */

/* ---- float.c ---- */
/* CPython's repr: the shortest string that reads back the same ("0.1",
 * "1e+16", "inf", "nan", "-0.0"). Writes at most 32 bytes. */
void flt_repr(double d, char *out);
/* printf("%.*f", prec, a) for 0 <= a < 2^50 / 10^prec and prec <= 15,
 * without printf, into out (40 bytes); false when a is outside that. */
bool flt_fixed(double a, int prec, char *out);
Value flt_binop(VM *vm, BinOp op, double a, double b);  /* NOTIMPL for bit ops */
/* Compares a float with any number exactly (big ints included). */
int flt_cmp_num(VM *vm, double a, Value b, CmpOp op);    /* 0/1 */
uint64_t flt_hash(double d);            /* equal to int_hash for integral values */
/* float(text): CPython's rules ("1.5", " 1e3 ", "inf", "-nan", "1_0.5"). */
Value flt_parse(VM *vm, const char *s, size_t len);
Value flt_parse_bytes(VM *vm, Value src);     /* float(b'...') and float(bytearray(...)) */
/* The same, an error naming `shown` (the buffer object the bytes came from). */
Value flt_parse_bytes_as(VM *vm, Value src, Value shown);
double flt_floor_mod(double a, double b);
Value flt_round(VM *vm, double d, Value ndigits);       /* round(x[, n]) */
void flt_init_methods(VM *vm);          /* is_integer, hex, as_integer_ratio, ... */
/* For the parsers of numbers (float(), complex()): text with Unicode spaces
 * and decimal digits made ASCII and other non-ASCII characters made '?', into
 * t (room for len + 1 bytes, NUL-terminated); returns its length. */
size_t flt_to_ascii(const char *s, size_t len, char *t);
bool flt_is_space(char c);              /* the ASCII whitespace float() strips */

/* ---- complex.c ---- */
/* A complex number's two parts; complex values are ObjComplex objects. */
typedef struct Cpx {
    double re, im;
} Cpx;

Value cpx_new(VM *vm, double re, double im);
/* v (an int, float or complex, or an instance of their subclasses) as a
 * complex number: 1 when it is a number, 0 when not, -1 after raising
 * (an int too large for a float). */
int cpx_of(VM *vm, Value v, Cpx *out);
/* Any number as a complex, as complex() and cmath take it: a complex, what
 * __complex__ returns (when use_complex), then float's conversions (int,
 * float, __float__, __index__). 1 when done (*was_cpx says whether it was a
 * complex), 0 when v is none of these (nothing raised: callers word the
 * TypeError), -1 after raising. */
int cpx_coerce(VM *vm, Value v, bool use_complex, Cpx *out, bool *was_cpx);
/* a op b when a or b is a complex number and the other a number;
 * NOTIMPL_VAL when that is not so or complex lacks the operator. */
Value cpx_binop(VM *vm, BinOp op, Value a, Value b);
Value cpx_pow(VM *vm, Cpx a, Cpx b);
/* a == b or a != b with a complex number on either side; NOTIMPL_VAL for
 * the other comparisons and for operands that are not numbers. */
Value cpx_compare(VM *vm, CmpOp op, Value a, Value b);
uint64_t cpx_hash(Cpx z);               /* equal to int/float hashes for real values */
/* CPython's repr: "(1+2j)", "2j", "(-0-1j)", "(nan+infj)". */
void cpx_repr(Cpx z, StrBuf *b);
void cpx_init(VM *vm);                  /* complex(), its methods */

#endif
