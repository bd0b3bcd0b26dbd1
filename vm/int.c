/* int: arbitrary-precision integers with two representations.
 *
 * Values in [-2^47, 2^47) live in the word (value.h); anything else is an
 * ObjBigInt. One that fits an __int128 is "wide" (BIGINT_WIDE): the value
 * sits in the object and its mp_int is a view of digits inside the object,
 * filled the first time libtommath reads it (int_mp; most wide results never
 * reach libtommath); larger ones own a libtommath mp_int. Every result goes through wide_val or
 * int_from_mp, which pick the smallest form that fits, so equal ints have
 * equal forms: a big int is never small, and is wide exactly when it fits.
 * bool is an int subclass: every function here takes True/False as 1/0.
 *
 * Operands that fit an __int128 never touch libtommath on the common paths:
 * 128-bit arithmetic with overflow checks, one gc_new per big result (wide
 * values are what loops summing squares or hashing with 32-bit multipliers
 * produce, just past the word). Only a real overflow goes to libtommath,
 * which reads every int as a const mp_int: a big int's own (a wide one's is a
 * view), or an MpView of a small one with its digits on the C stack.
 *
 * Sizes are capped at BIG_MAX_BITS (about 2^31 bits, 256 MiB): libtommath
 * counts bits in an int, and a result that large is a runaway program.
 * Shifts and powers that would exceed it raise MemoryError up front instead
 * of trying, as CPython does when its allocation fails.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "binbuf.h"
#include "bytes.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "subtype.h"
#include "ops.h"
#include "str.h"
#include "unidata.h"

#define BIG_MAX_BITS ((int64_t)INT_MAX - (1 << 20))
#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)

_Static_assert(MP_DIGIT_BIT >= 28 && MP_DIGIT_BIT < HASH_BITS, "two mp digits must hold a small int");

#ifndef __SIZEOF_INT128__
#error "int.c needs __int128 (GCC or Clang on a 64-bit target)"
#endif
typedef __int128 i128;
typedef unsigned __int128 u128;
#define I128_MAX ((i128)(~(u128)0 >> 1))
#define I128_MIN (-I128_MAX - 1)

/* For the slower paths of hot functions: inlined, they would make every
 * call save registers and reserve stack for them. */
#define OUT_OF_LINE __attribute__((noinline))

/* ---- reading operands ---------------------------------------------------- */

/* The value of a small int or bool. */
static inline int64_t small_of(Value v) { return is_int(v) ? as_int(v) : (int64_t)as_bool(v); }

/* The value of an int that fits an i128 (small, bool or wide); false for a
 * big int that only libtommath holds, and for anything that is not an int. */
static inline bool wide_of(Value v, i128 *out) {
    if (is_int(v)) {
        *out = as_int(v);
        return true;
    }
    if (is_obj(v)) {
        const ObjBigInt *o = (const ObjBigInt *)as_obj(v);
        if (o->obj.kind != OBJ_BIGINT || !(o->obj.flags & BIGINT_WIDE)) return false;
        *out = (i128)((u128)o->wide[1] << 64 | o->wide[0]);
        return true;
    }
    *out = as_bool(v);
    return is_bool(v);
}

static inline u128 mag128(i128 v) { return v < 0 ? (u128)0 - (u128)v : (u128)v; }

/* The i128 with magnitude u (at most 2^127 when neg, else below it). */
static inline i128 signed128(u128 u, bool neg) { return (i128)(neg ? (u128)0 - u : u); }

/* Points m at digits d (room for cap) holding v: an mp_int that is valid
 * only as a const input, and that nothing may mp_clear. */
static inline void view_fill(i128 v, mp_int *m, mp_digit *d, int cap) {
    u128 u = mag128(v);
    int n = 0;
    /* every digit of the room is written: a fixed trip count, which unrolls */
#pragma GCC unroll 8
    for (int i = 0; i < cap; i++, u >>= MP_DIGIT_BIT)
        if ((d[i] = (mp_digit)(u & MP_MASK)) != 0) n = i + 1;
    m->used = n;
    m->alloc = cap;
    m->sign = v < 0 ? MP_NEG : MP_ZPOS;
    m->dp = d;
}

typedef struct MpView {
    mp_int m;
    mp_digit d[3];
} MpView;

/* Any int as a read-only mp_int: a big int's own, or a view of a small one. */
static const mp_int *view(Value v, MpView *w) {
    if (is_bigint(v)) return int_mp(AS(ObjBigInt, v));
    view_fill(small_of(v), &w->m, w->d, 3);
    return &w->m;
}

/* False after raising for a libtommath failure. */
static bool mp_check(VM *vm, mp_err e) {
    if (e == MP_OKAY) return true;
    if (e == MP_MEM) exc_nomem(vm);
    else exc_raise(vm, E_SystemError, "big integer error: %s", mp_error_to_string(e));
    return false;
}

/* A fresh mp_int with room for `digits` digits; false after MemoryError. */
static bool mp_new(VM *vm, mp_int *m, int64_t digits) {
    if (digits < 2) digits = 2;
    if (digits > INT_MAX / 2) {
        exc_nomem(vm);
        return false;
    }
    return mp_check(vm, mp_init_size(m, (int)digits));
}

/* Ends an operation that computed into r: the int, or ERR if e failed. */
static Value mp_finish(VM *vm, mp_int *r, mp_err e) {
    if (!mp_check(vm, e)) {
        mp_clear(r);
        return ERR;
    }
    return int_from_mp(vm, r);
}

static Value too_big(VM *vm) { return exc_nomem(vm); }

/* ---- construction and conversion ---------------------------------------- */

/* A wide big int holding v (one allocation, no libtommath; its mp_int view
 * is filled when libtommath first reads it, which most never are). Out of
 * line so that callers producing small results stay lean. */
static OUT_OF_LINE Value wide_new(VM *vm, i128 v) {
    ObjBigInt *o = gc_new(vm, sizeof(ObjBigInt), OBJ_BIGINT, vm->types[T_INT]);
    if (!o) return ERR;
    o->obj.flags = BIGINT_WIDE;
    o->wide[0] = (uint64_t)v;
    o->wide[1] = (uint64_t)((u128)v >> 64);
    return obj_val(o);
}

const mp_int *int_mp(ObjBigInt *o) {
    if ((o->obj.flags & (BIGINT_WIDE | BIGINT_VIEW)) == BIGINT_WIDE) {
        view_fill((i128)((u128)o->wide[1] << 64 | o->wide[0]), &o->n, o->wd, (int)(sizeof o->wd / sizeof *o->wd));
        o->obj.flags |= BIGINT_VIEW;
    }
    return &o->n;
}

/* v as an int: small when it fits the word, else wide. */
static inline Value wide_val(VM *vm, i128 v) {
    if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) return int_val((int64_t)v);
    return wide_new(vm, v);
}

/* m's value, when it fits an i128. */
static bool mp_to_wide(const mp_int *m, i128 *out) {
    if (mp_bits(m) > 128) return false;
    u128 u = 0;
    for (int i = m->used - 1; i >= 0; i--) u = u << MP_DIGIT_BIT | m->dp[i];
    if (u > (u128)I128_MAX + mp_isneg(m)) return false;
    *out = signed128(u, mp_isneg(m));
    return true;
}

Value int_from_mp(VM *vm, mp_int *m) {
    i128 w;
    if (mp_to_wide(m, &w)) {
        mp_clear(m);
        return wide_val(vm, w);
    }
    ObjBigInt *o = gc_new(vm, sizeof(ObjBigInt), OBJ_BIGINT, vm->types[T_INT]);
    if (!o) {
        mp_clear(m);
        return ERR;
    }
    /* Give back slack left by a division or a shrinking result. */
    if (m->alloc - m->used > 16 && m->alloc > 2 * m->used && mp_shrink(m) != MP_OKAY) {
        /* keeping the slack is fine */
    }
    o->n = *m;
    m->dp = NULL;
    m->used = m->alloc = 0;
    m->sign = MP_ZPOS;
    return obj_val(o);
}

Value int_as_class(VM *vm, Value v, ObjClass *cls) {
    i128 w;
    bool wide = wide_of(v, &w);
    if (cls == vm->types[T_INT]) {
        if (wide) return wide_val(vm, w);
        mp_int m;
        if (!mp_check(vm, mp_init_copy(&m, int_mp(AS(ObjBigInt, v))))) return ERR;
        return int_from_mp(vm, &m);
    }
    /* An instance of an int subclass is a big int whatever its value: the
     * operations read it through wide_of or its mp_int, so a small value
     * there is only slower. */
    ObjBigInt *o = gc_new_instance(vm, sizeof(ObjBigInt), OBJ_BIGINT, cls);
    if (!o) return ERR;
    if (wide) {
        o->obj.flags |= BIGINT_WIDE;
        o->wide[0] = (uint64_t)w;
        o->wide[1] = (uint64_t)((u128)w >> 64);
    } else if (!mp_check(vm, mp_init_copy(&o->n, int_mp(AS(ObjBigInt, v))))) {
        return ERR;
    }
    return obj_val(o);
}

Value int_from_i64(VM *vm, int64_t i) { return wide_val(vm, i); }

Value int_from_u64(VM *vm, uint64_t u) { return wide_val(vm, u); }

bool int_to_mp(Value v, mp_int *out) {
    MpView w;
    return mp_copy(view(v, &w), out) == MP_OKAY;
}

bool int_to_i64(Value v, int64_t *out) {
    i128 w;
    if (!wide_of(v, &w) || w != (int64_t)w) return false;
    *out = (int64_t)w;
    return true;
}

/* The top 64 bits of |m| (m has at least 64 bits), and whether any bit
 * below them is set. */
static uint64_t mp_top64(const mp_int *m, int bits, bool *sticky) {
    uint64_t top = 0;
    int have = 0;               /* bits gathered into top so far */
    int i = m->used - 1;
    int lead = bits - i * MP_DIGIT_BIT;     /* significant bits of the top digit */
    *sticky = false;
    for (; i >= 0 && have < 64; i--) {
        uint64_t d = m->dp[i];
        int n = i == m->used - 1 ? lead : MP_DIGIT_BIT;
        int take = n < 64 - have ? n : 64 - have;
        top = top << take | (d >> (n - take));
        have += take;
        if (take < n && (d & (((uint64_t)1 << (n - take)) - 1))) *sticky = true;
    }
    for (; i >= 0 && !*sticky; i--)
        if (m->dp[i]) *sticky = true;
    return top;
}

/* |m| as the nearest double (ties to even), and the power of two it must be
 * scaled by: |m| ~ result * 2^*scale. Exact rounding: the bits below the top
 * 64 only matter as a sticky bit. */
static double mp_to_double_scaled(const mp_int *m, int *scale) {
    int bits = mp_bits(m);
    if (bits <= 64) {
        *scale = 0;
        return (double)mp_get_mag_u64(m);
    }
    bool sticky;
    uint64_t top = mp_top64(m, bits, &sticky);
    *scale = bits - 64;
    /* bit 0 lies below the rounding position (bit 10), so or-ing the sticky
     * bit into it settles ties without moving anything else */
    return (double)(top | (uint64_t)sticky);
}

Value int_to_float(VM *vm, Value v, double *out) {
    if (!is_bigint(v)) {
        *out = (double)small_of(v);
        return NONE_VAL;
    }
    const mp_int *m = int_mp(AS(ObjBigInt, v));
    int scale;
    double d = mp_to_double_scaled(m, &scale);
    if (mp_bits(m) > DBL_MAX_EXP) return exc_raise(vm, E_OverflowError, "int too large to convert to float");
    d = ldexp(d, scale);
    if (isinf(d)) return exc_raise(vm, E_OverflowError, "int too large to convert to float");
    *out = mp_isneg(m) ? -d : d;
    return NONE_VAL;
}

Value int_from_double(VM *vm, double d) {
    if (isnan(d)) return exc_raise(vm, E_ValueError, "cannot convert float NaN to integer");
    if (isinf(d)) return exc_raise(vm, E_OverflowError, "cannot convert float infinity to integer");
    if (fabs(d) < 0x1p127) return wide_val(vm, (i128)d);   /* truncates toward zero */
    mp_int m;
    if (!mp_new(vm, &m, 1024 / MP_DIGIT_BIT + 2)) return ERR;
    return mp_finish(vm, &m, mp_set_double(&m, d));     /* truncates toward zero */
}

int64_t int_bit_length(Value v) {
    if (is_bigint(v)) return mp_bits(int_mp(AS(ObjBigInt, v)));
    int64_t i = small_of(v);
    uint64_t u = i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i;
    return u ? 64 - __builtin_clzll(u) : 0;
}

int int_sign(Value a) {
    if (is_bigint(a)) return mp_isneg(int_mp(AS(ObjBigInt, a))) ? -1 : !mp_iszero(int_mp(AS(ObjBigInt, a)));
    int64_t i = small_of(a);
    return (i > 0) - (i < 0);
}

int int_cmp(Value a, Value b) {
    i128 x, y;
    if (wide_of(a, &x) && wide_of(b, &y)) return (x > y) - (x < y);
    MpView wa, wb;
    mp_ord o = mp_cmp(view(a, &wa), view(b, &wb));
    return o == MP_LT ? -1 : o == MP_GT ? 1 : 0;
}

/* CPython's hash of an int: |v| modulo 2^61 - 1 with v's sign, -1 avoided.
 * Reducing digit by digit works for any digit size: multiplying by 2^k
 * modulo 2^61 - 1 is a rotation of the 61-bit value. */
uint64_t int_hash(Value v) {
    if (!is_bigint(v)) return small_int_hash(small_of(v));
    const mp_int *m = int_mp(AS(ObjBigInt, v));
    uint64_t x = 0;
    for (int i = m->used - 1; i >= 0; i--) {
        x = ((x << MP_DIGIT_BIT) & HASH_MODULUS) | (x >> (HASH_BITS - MP_DIGIT_BIT));
        x += m->dp[i];
        if (x >= HASH_MODULUS) x -= HASH_MODULUS;
    }
    return small_int_hash(mp_isneg(m) ? -(int64_t)x : (int64_t)x);    /* the -1 rule holds for any value */
}

/* ---- arithmetic ------------------------------------------------------------ */

static Value big_truediv(VM *vm, const mp_int *a, const mp_int *b);
static Value big_pow(VM *vm, Value a, Value b);
static Value big_shift(VM *vm, BinOp op, Value a, Value b);

/* Both operands converted to float, then float's operator (int ** negative
 * int, as CPython does). */
static Value via_float(VM *vm, BinOp op, Value a, Value b) {
    double x, y;
    if (int_to_float(vm, a, &x) == ERR || int_to_float(vm, b, &y) == ERR) return ERR;
    return flt_binop(vm, op, x, y);
}

/* ZeroDivisionError with CPython's message for each operator. */
static Value div_zero(VM *vm, BinOp op) {
    const char *msg = op == BIN_TRUEDIV ? "division by zero"
                      : op == BIN_MOD   ? "integer modulo by zero"
                                        : "integer division or modulo by zero";
    return exc_raise(vm, E_ZeroDivisionError, "%s", msg);
}

/* mul_wide for operands that do not both fit 64 bits. */
static OUT_OF_LINE bool mul_wide_slow(i128 x, i128 y, i128 *out) {
    u128 a = mag128(x), b = mag128(y);
    uint64_t ah = (uint64_t)(a >> 64), bh = (uint64_t)(b >> 64);
    if (ah && bh) return false;
    /* one high half is zero: a * b = lo(a) lo(b) + (high half * other low half) << 64 */
    u128 cross = (u128)(ah | bh) * (ah ? (uint64_t)b : (uint64_t)a);
    if (cross >> 63) return false;
    u128 low = (u128)(uint64_t)a * (uint64_t)b;
    u128 m = (cross << 64) + low;
    bool neg = (x < 0) != (y < 0);
    if (m < low || m > (u128)I128_MAX + neg) return false;
    *out = signed128(m, neg);
    return true;
}

/* x * y; false on overflow. Not __builtin_mul_overflow: clang lowers the
 * 128-bit one to a call to __muloti4, which libgcc lacks. */
static inline bool mul_wide(i128 x, i128 y, i128 *out) {
    if (x == (int64_t)x && y == (int64_t)y) {      /* |x * y| <= 2^126 */
        *out = x * y;
        return true;
    }
    return mul_wide_slow(x, y, out);
}

/* Python's floor division: q = floor(x / y) and r = x - q y, which has y's
 * sign. False when q overflows (I128_MIN // -1); y != 0. */
static bool divmod_wide(i128 x, i128 y, i128 *q, i128 *r) {
    if (x == (int64_t)x && y == (int64_t)y && y != -1) {
        /* one hardware division rather than libgcc's 128-bit routine */
        *q = (int64_t)x / (int64_t)y;
        *r = (int64_t)x % (int64_t)y;
    } else {
        if (x == I128_MIN && y == -1) return false;
        *q = x / y;
        *r = x % y;
    }
    if (*r != 0 && (*r < 0) != (y < 0)) {
        *q -= 1;
        *r += y;
    }
    return true;
}

static Value wide_pow(VM *vm, i128 x, i128 y, Value a, Value b) {
    if (y < 0) return via_float(vm, BIN_POW, a, b);
    i128 r = 1, base = x;
    for (i128 e = y; e; e >>= 1) {
        if ((e & 1) && !mul_wide(r, base, &r)) return big_pow(vm, a, b);
        if (e > 1 && !mul_wide(base, base, &base)) return big_pow(vm, a, b);
    }
    return wide_val(vm, r);
}

/* wide_binop's less common operators, kept out of line so that the hot
 * ones need fewer registers. */
static OUT_OF_LINE Value wide_binop_rest(VM *vm, BinOp op, Value a, Value b, i128 x, i128 y) {
    const u128 dbl_exact = (u128)1 << DBL_MANT_DIG;
    i128 r;
    switch (op) {
    case BIN_TRUEDIV:
        if (y == 0) return div_zero(vm, op);
        if (mag128(x) > dbl_exact || mag128(y) > dbl_exact) break;
        return float_val((double)x / (double)y);    /* both exact: one correctly rounded division */
    case BIN_POW: return wide_pow(vm, x, y, a, b);
    case BIN_LSHIFT:
        if (y < 0) return exc_raise(vm, E_ValueError, "negative shift count");
        if (x == 0) return int_val(0);
        if (y >= 127) break;
        r = (i128)((u128)x << y);
        if (r >> y != x) break;
        return wide_val(vm, r);
    case BIN_RSHIFT:
        if (y < 0) return exc_raise(vm, E_ValueError, "negative shift count");
        return wide_val(vm, x >> (y < 127 ? (int)y : 127));
    default: return NOTIMPL_VAL;
    }
    return UNDEF;
}

/* a op b for operands that fit an i128 (x and y); UNDEF when the result
 * needs libtommath. */
static inline Value wide_binop(VM *vm, BinOp op, Value a, Value b, i128 x, i128 y) {
    i128 r, m;
    switch (op) {
    case BIN_ADD:
        if (__builtin_add_overflow(x, y, &r)) return UNDEF;
        return wide_val(vm, r);
    case BIN_SUB:
        if (__builtin_sub_overflow(x, y, &r)) return UNDEF;
        return wide_val(vm, r);
    case BIN_MUL:
        if (!mul_wide(x, y, &r)) return UNDEF;
        return wide_val(vm, r);
    case BIN_FLOORDIV:
    case BIN_MOD:
        if (y == 0) return div_zero(vm, op);
        if (!divmod_wide(x, y, &r, &m)) return UNDEF;
        return wide_val(vm, op == BIN_MOD ? m : r);
    case BIN_AND:
    case BIN_OR:
    case BIN_XOR:
        /* two's complement in 128 bits agrees with Python's infinite one */
        r = op == BIN_AND ? x & y : op == BIN_OR ? x | y : x ^ y;
        return is_bool(a) && is_bool(b) ? bool_val(r) : wide_val(vm, r);
    default: return wide_binop_rest(vm, op, a, b, x, y);
    }
}

/* Floor division and modulo by a one-digit divisor: mp_div_d, which is
 * many times faster than mp_div's general algorithm for these. */
static Value big_divmod_digit(VM *vm, BinOp op, const mp_int *x, const mp_int *y) {
    mp_digit rem;
    mp_int q;
    if (!mp_new(vm, &q, x->used + 1)) return ERR;
    mp_err e = mp_div_d(x, y->dp[0], &q, &rem);     /* q = trunc(x / |y|) */
    if (e == MP_OKAY && mp_isneg(y)) e = mp_neg(&q, &q);
    int64_t r = mp_isneg(x) ? -(int64_t)rem : (int64_t)rem;     /* trunc's remainder */
    int64_t ys = mp_isneg(y) ? -(int64_t)y->dp[0] : (int64_t)y->dp[0];
    /* floor when the remainder's sign differs from y's */
    if (e == MP_OKAY && rem != 0 && mp_isneg(x) != mp_isneg(y)) {
        e = mp_sub_d(&q, 1, &q);
        r += ys;
    }
    if (op == BIN_MOD) {
        mp_clear(&q);
        return mp_check(vm, e) ? int_from_i64(vm, r) : ERR;
    }
    return mp_finish(vm, &q, e);
}

/* Floor division and modulo of big operands. */
static Value big_divmod(VM *vm, BinOp op, const mp_int *x, const mp_int *y) {
    if (mp_iszero(y)) return div_zero(vm, op);
    if (y->used == 1) return big_divmod_digit(vm, op, x, y);
    mp_int q, r;
    if (!mp_new(vm, &q, x->used + 1)) return ERR;
    if (!mp_new(vm, &r, y->used + 1)) {
        mp_clear(&q);
        return ERR;
    }
    mp_err e = mp_div(x, y, &q, &r);
    /* mp_div truncates; floor when the remainder's sign differs from y's */
    if (e == MP_OKAY && !mp_iszero(&r) && mp_isneg(&r) != mp_isneg(y)) {
        e = mp_sub_d(&q, 1, &q);
        if (e == MP_OKAY) e = mp_add(&r, y, &r);
    }
    if (op == BIN_MOD) {
        mp_clear(&q);
        return mp_finish(vm, &r, e);
    }
    mp_clear(&r);
    return mp_finish(vm, &q, e);
}

static OUT_OF_LINE Value big_binop(VM *vm, BinOp op, Value a, Value b) {
    MpView wa, wb;
    const mp_int *x = view(a, &wa), *y = view(b, &wb);
    mp_int r;
    mp_err e;
    int64_t n = x->used > y->used ? x->used : y->used;
    switch (op) {
    case BIN_ADD:
        if (!mp_new(vm, &r, n + 1)) return ERR;
        return mp_finish(vm, &r, mp_add(x, y, &r));
    case BIN_SUB:
        if (!mp_new(vm, &r, n + 1)) return ERR;
        return mp_finish(vm, &r, mp_sub(x, y, &r));
    case BIN_MUL:
        if ((int64_t)mp_bits(x) + mp_bits(y) > BIG_MAX_BITS) return too_big(vm);
        if (!mp_new(vm, &r, (int64_t)x->used + y->used + 1)) return ERR;
        return mp_finish(vm, &r, mp_mul(x, y, &r));
    case BIN_TRUEDIV: return big_truediv(vm, x, y);
    case BIN_FLOORDIV:
    case BIN_MOD: return big_divmod(vm, op, x, y);
    case BIN_POW:
        if (mp_isneg(y)) return via_float(vm, BIN_POW, a, b);
        return big_pow(vm, a, b);
    case BIN_LSHIFT:
    case BIN_RSHIFT: return big_shift(vm, op, a, b);
    case BIN_AND:
    case BIN_OR:
    case BIN_XOR:
        if (!mp_new(vm, &r, n + 1)) return ERR;
        e = op == BIN_AND ? mp_and(x, y, &r) : op == BIN_OR ? mp_or(x, y, &r) : mp_xor(x, y, &r);
        return mp_finish(vm, &r, e);
    default: return NOTIMPL_VAL;
    }
}

Value int_binop(VM *vm, BinOp op, Value a, Value b) {
    i128 x, y;
    if (wide_of(a, &x) && wide_of(b, &y)) {
        Value r = wide_binop(vm, op, a, b, x, y);
        if (r != UNDEF) return r;
    } else if (!is_intlike(a) || !is_intlike(b)) {
        return NOTIMPL_VAL;
    }
    return big_binop(vm, op, a, b);
}

/* a / b correctly rounded, as CPython's long_true_divide: scale a so that
 * the integer quotient has DBL_MANT_DIG + 2 or 3 bits, fold the remainder
 * into a sticky bit, and round half to even at the right position (which
 * moves up for subnormal results). */
static Value big_truediv(VM *vm, const mp_int *a, const mp_int *b) {
    if (mp_iszero(b)) return div_zero(vm, BIN_TRUEDIV);
    bool negate = mp_isneg(a) != mp_isneg(b);
    if (mp_iszero(a)) return float_val(negate ? -0.0 : 0.0);
    int64_t abits = mp_bits(a), bbits = mp_bits(b);
    if (abits <= DBL_MANT_DIG && bbits <= DBL_MANT_DIG) {
        double r = (double)mp_get_mag_u64(a) / (double)mp_get_mag_u64(b);
        return float_val(negate ? -r : r);
    }
    int64_t diff = abits - bbits;
    if (diff > DBL_MAX_EXP) return exc_raise(vm, E_OverflowError, "integer division result too large for a float");
    if (diff < DBL_MIN_EXP - DBL_MANT_DIG - 1) return float_val(negate ? -0.0 : 0.0);
    int64_t shift = (diff > DBL_MIN_EXP ? diff : DBL_MIN_EXP) - DBL_MANT_DIG - 2;

    mp_int x, q, r;
    if (!mp_new(vm, &x, a->used + (shift < 0 ? -shift / MP_DIGIT_BIT + 2 : 1))) return ERR;
    if (!mp_new(vm, &q, 3)) {
        mp_clear(&x);
        return ERR;
    }
    if (!mp_new(vm, &r, b->used + 1)) {
        mp_clear_multi(&x, &q, NULL);
        return ERR;
    }
    bool inexact = false;
    mp_err e = mp_abs(a, &x);
    if (e == MP_OKAY && shift < 0) {
        e = mp_mul_2d(&x, (int)-shift, &x);
    } else if (e == MP_OKAY && shift > 0) {
        inexact = mp_cnt_lsb(&x) < shift;
        e = mp_div_2d(&x, (int)shift, &x, NULL);
    }
    if (e == MP_OKAY) {
        mp_int bb = *b;     /* |b| without copying: a const alias with the sign cleared */
        bb.sign = MP_ZPOS;
        e = mp_div(&x, &bb, &q, &r);
    }
    if (e != MP_OKAY) {
        mp_clear_multi(&x, &q, &r, NULL);
        mp_check(vm, e);
        return ERR;
    }
    inexact = inexact || !mp_iszero(&r);
    int64_t x_bits = mp_bits(&q);
    uint64_t low = mp_get_mag_u64(&q) | (uint64_t)inexact;
    mp_clear_multi(&x, &q, &r, NULL);

    int64_t extra = (x_bits > DBL_MIN_EXP - shift ? x_bits : DBL_MIN_EXP - shift) - DBL_MANT_DIG;
    uint64_t mask = (uint64_t)1 << (extra - 1);
    if ((low & mask) && (low & (3 * mask - 1))) low += mask;
    low &= ~(2 * mask - 1);
    double dx = (double)low;
    if (shift + x_bits >= DBL_MAX_EXP && (shift + x_bits > DBL_MAX_EXP || dx == ldexp(1.0, (int)x_bits)))
        return exc_raise(vm, E_OverflowError, "integer division result too large for a float");
    double res = ldexp(dx, (int)shift);
    return float_val(negate ? -res : res);
}

static Value big_pow(VM *vm, Value a, Value b) {
    MpView wa;
    const mp_int *x = view(a, &wa);
    int64_t n = 0;
    bool fits = int_to_i64(b, &n);      /* b >= 0 here */
    /* 0, 1 and -1 stay small whatever the exponent */
    if (mp_iszero(x)) return int_val(fits && n == 0 ? 1 : 0);
    if (mp_bits(x) == 1) {
        if (!mp_isneg(x)) return int_val(1);
        bool odd = fits ? (n & 1) : mp_isodd(int_mp(AS(ObjBigInt, b)));
        return int_val(odd ? -1 : 1);
    }
    if (!fits || n > BIG_MAX_BITS) return too_big(vm);
    int scale;
    double est = (log2(mp_to_double_scaled(x, &scale)) + scale) * (double)n;  /* bits of the result */
    if (est > (double)BIG_MAX_BITS) return too_big(vm);
    mp_int r;
    if (!mp_new(vm, &r, (int64_t)est / MP_DIGIT_BIT + 2)) return ERR;
    return mp_finish(vm, &r, mp_expt_u32(x, (uint32_t)n, &r));
}

static Value big_shift(VM *vm, BinOp op, Value a, Value b) {
    if (int_sign(b) < 0) return exc_raise(vm, E_ValueError, "negative shift count");
    MpView wa;
    const mp_int *x = view(a, &wa);
    int64_t n = 0;
    bool fits = int_to_i64(b, &n);
    if (mp_iszero(x)) return int_val(0);
    int64_t xbits = mp_bits(x);
    mp_int r;
    if (op == BIN_RSHIFT) {
        if (!fits || n >= xbits) return int_val(mp_isneg(x) ? -1 : 0);
        if (!mp_new(vm, &r, x->used)) return ERR;
        return mp_finish(vm, &r, mp_signed_rsh(x, (int)n, &r));
    }
    if (!fits) {
        /* CPython's result would need count/30 more 30-bit digits: more
         * than a size can count is OverflowError, fewer MemoryError. */
        double d;
        if (int_to_float(vm, b, &d) == ERR) vm->exc = UNDEF, d = HUGE_VAL;
        if (d / 30.0 + (double)xbits / 30.0 > 2305843009213693945.0)
            return exc_raise(vm, E_OverflowError, "too many digits in integer");
        return too_big(vm);
    }
    if (n > BIG_MAX_BITS - xbits) return too_big(vm);
    if (!mp_new(vm, &r, (xbits + n) / MP_DIGIT_BIT + 2)) return ERR;
    return mp_finish(vm, &r, mp_mul_2d(x, (int)n, &r));
}

Value int_neg(VM *vm, Value a) {
    i128 x;
    if (wide_of(a, &x) && x != I128_MIN) return wide_val(vm, -x);
    mp_int r;
    if (!mp_new(vm, &r, int_mp(AS(ObjBigInt, a))->used)) return ERR;
    return mp_finish(vm, &r, mp_neg(int_mp(AS(ObjBigInt, a)), &r));
}

Value int_invert(VM *vm, Value a) {
    i128 x;
    if (wide_of(a, &x)) return wide_val(vm, ~x);
    mp_int r;
    if (!mp_new(vm, &r, int_mp(AS(ObjBigInt, a))->used + 1)) return ERR;
    return mp_finish(vm, &r, mp_complement(int_mp(AS(ObjBigInt, a)), &r));
}

Value int_abs(VM *vm, Value a) {
    if (int_sign(a) < 0) return int_neg(vm, a);
    return is_bool(a) ? int_val(as_bool(a)) : subtype_plain(vm, a);     /* abs() of a subclass is an int */
}

/* Binary gcd of machine words: shifts and subtractions, no division. */
static uint64_t gcd_u64(uint64_t a, uint64_t b) {
    if (a == 0) return b;
    if (b == 0) return a;
    int shift = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
        b >>= __builtin_ctzll(b);
        if (a > b) { uint64_t t = a; a = b; b = t; }
        b -= a;
    } while (b);
    return a << shift;
}

/* gcd(|a|, |b|) of two wide magnitudes: Euclid's divisions until both fit
 * a word (one or two, for operands just past 64 bits), then gcd_u64. */
static u128 gcd_u128(u128 a, u128 b) {
    while (b > UINT64_MAX) {
        u128 t = a % b;
        a = b;
        b = t;
    }
    if (b == 0) return a;
    if (a > UINT64_MAX) a %= b;
    return gcd_u64((uint64_t)a, (uint64_t)b);
}

Value int_gcd(VM *vm, Value a, Value b) {
    i128 x, y;
    if (wide_of(a, &x) && wide_of(b, &y)) {
        /* |x| may be 2^127, which i128 cannot hold: gcd it with y first */
        u128 g = gcd_u128(mag128(x), mag128(y));
        if (g <= (u128)I128_MAX) return wide_val(vm, (i128)g);
    }
    MpView wa, wb;
    mp_int g;
    if (!mp_check(vm, mp_init(&g))) return ERR;
    if (!mp_check(vm, int_gcd_mp(view(a, &wa), view(b, &wb), &g))) {
        mp_clear(&g);
        return ERR;
    }
    return int_from_mp(vm, &g);
}

/* pow(x, y, m) for 0 <= x < m < 2^64: products stay below 2^128. */
static uint64_t powmod_u64(uint64_t x, u128 y, uint64_t m) {
    u128 r = 1 % m, b = x;
    for (; y; y >>= 1) {
        if (y & 1) r = r * b % m;
        b = b * b % m;
    }
    return (uint64_t)r;
}

/* pow(base, exp, mod) without libtommath when exp >= 0 and |mod| < 2^64;
 * UNDEF otherwise. mod != 0. */
static Value pow3_wide(VM *vm, Value base, Value exp, Value mod) {
    i128 x, y, m;
    if (!wide_of(base, &x) || !wide_of(exp, &y) || !wide_of(mod, &m) || y < 0 || mag128(m) > UINT64_MAX)
        return UNDEF;
    i128 am = (i128)mag128(m), xr = x % am;
    if (xr < 0) xr += am;
    i128 r = powmod_u64((uint64_t)xr, (u128)y, (uint64_t)am);
    if (m < 0 && r != 0) r -= am;     /* the result takes the modulus's sign */
    return wide_val(vm, r);
}

Value int_pow3(VM *vm, Value base, Value exp, Value mod) {
    if (!is_intlike(base) || !is_intlike(exp) || !is_intlike(mod))
        return exc_raise(vm, E_TypeError, "pow() 3rd argument not allowed unless all arguments are integers");
    if (int_sign(mod) == 0) return exc_raise(vm, E_ValueError, "pow() 3rd argument cannot be 0");
    Value fast = pow3_wide(vm, base, exp, mod);
    if (fast != UNDEF) return fast;
    MpView wb, we, wm;
    const mp_int *x = view(base, &wb), *y = view(exp, &we), *m = view(mod, &wm);
    mp_int am = *m;     /* |m|: a const alias */
    am.sign = MP_ZPOS;
    mp_int b, ye, r;
    if (!mp_new(vm, &b, am.used + 1)) return ERR;
    if (!mp_new(vm, &ye, y->used)) {
        mp_clear(&b);
        return ERR;
    }
    if (!mp_new(vm, &r, am.used + 1)) {
        mp_clear_multi(&b, &ye, NULL);
        return ERR;
    }
    mp_err e = mp_mod(x, &am, &b);     /* 0 <= b < |m| */
    if (e == MP_OKAY) e = mp_abs(y, &ye);
    if (e == MP_OKAY && mp_isneg(y) && mp_cmp_d(&am, 1) != MP_EQ) {
        e = mp_invmod(&b, &am, &r);
        mp_exch(&b, &r);
        if (e == MP_VAL) {
            mp_clear_multi(&b, &ye, &r, NULL);
            return exc_raise(vm, E_ValueError, "base is not invertible for the given modulus");
        }
    }
    if (e == MP_OKAY) {
        if (mp_cmp_d(&am, 1) == MP_EQ) mp_zero(&r);
        else e = mp_exptmod(&b, &ye, &am, &r);
    }
    if (e == MP_OKAY && mp_isneg(m) && !mp_iszero(&r)) e = mp_sub(&r, &am, &r);
    mp_clear_multi(&b, &ye, NULL);
    return mp_finish(vm, &r, e);
}

/* ---- text ------------------------------------------------------------------- */

static const char digit_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* Writes the digits of u in `base` backwards ending at `end`; returns the
 * start. */
static char *u64_digits(uint64_t u, int base, char *end) {
    do {
        *--end = digit_chars[u % (unsigned)base];
        u /= (unsigned)base;
    } while (u);
    return end;
}

/* The `n` bits of m starting at bit `pos` (n <= 8). */
static unsigned mp_bits_at(const mp_int *m, int64_t pos, int n) {
    unsigned v = 0;
    for (int k = n - 1; k >= 0; k--) {
        int64_t p = pos + k, i = p / MP_DIGIT_BIT;
        unsigned bit = i < m->used ? (unsigned)(m->dp[i] >> (p % MP_DIGIT_BIT)) & 1u : 0u;
        v = v << 1 | bit;
    }
    return v;
}

/* The digits of a big |m|. Power-of-two bases read bits directly (linear);
 * others divide by the largest power of the base that fits a digit, which
 * keeps the quadratic part small (about 18 decimal digits per pass). */
static void big_digits(const mp_int *m, int base, StrBuf *b) {
    int64_t bits = mp_bits(m);
    if ((base & (base - 1)) == 0) {
        int s = __builtin_ctz((unsigned)base);
        int64_t nd = (bits + s - 1) / s;
        for (int64_t i = nd - 1; i >= 0; i--) sb_addc(b, digit_chars[mp_bits_at(m, i * s, s)]);
        return;
    }
    mp_digit chunk = (mp_digit)base;
    int per = 1;
    while (chunk <= MP_MASK / (mp_digit)base) {
        chunk *= (mp_digit)base;
        per++;
    }
    size_t nchunks = (size_t)(bits / per + 2);     /* each digit holds more than one bit */
    uint64_t *parts = malloc(nchunks * sizeof *parts);
    mp_int t;
    if (!parts || mp_init_copy(&t, m) != MP_OKAY) {
        free(parts);
        b->oom = true;
        return;
    }
    t.sign = MP_ZPOS;
    size_t n = 0;
    while (!mp_iszero(&t) && n < nchunks) {
        mp_digit rem;
        if (mp_div_d(&t, chunk, &t, &rem) != MP_OKAY) {
            b->oom = true;
            break;
        }
        parts[n++] = rem;
    }
    mp_clear(&t);
    if (!b->oom) {
        char tmp[72], *end = tmp + sizeof tmp;
        char *p = u64_digits(parts[n - 1], base, end);
        sb_add(b, p, (size_t)(end - p));
        for (size_t i = n - 1; i-- > 0;) {
            p = u64_digits(parts[i], base, end);
            while (end - p < per) *--p = '0';
            sb_add(b, p, (size_t)(end - p));
        }
    }
    free(parts);
}

static void int_emit(Value v, int base, bool prefix, StrBuf *b) {
    if (base < 2 || base > 36) base = 10;
    bool neg = int_sign(v) < 0;
    if (neg) sb_addc(b, '-');
    if (prefix) sb_adds(b, base == 2 ? "0b" : base == 8 ? "0o" : base == 16 ? "0x" : "");
    i128 w;
    if (wide_of(v, &w) && w == (int64_t)w) {      /* an int subclass's instance may hold a small value */
        int64_t i = (int64_t)w;
        char tmp[72], *end = tmp + sizeof tmp;
        char *p = u64_digits(i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i, base, end);
        sb_add(b, p, (size_t)(end - p));
        return;
    }
    big_digits(int_mp(AS(ObjBigInt, v)), base, b);
}

void int_to_buf(Value v, int base, StrBuf *b) { int_emit(v, base, false, b); }

static const char digits_limit_msg[] =
    "Exceeds the limit (%lld digits) for integer string conversion%s; use sys.set_int_max_str_digits() to increase the limit";

/* Small ints never reach the limit (at least 640). Big ones are measured by
 * their bit length, and written out only when that cannot decide. */
bool int_str_digits_ok(VM *vm, Value v) {
    int64_t limit = vm->int_max_str_digits;
    if (!is_bigint(v) || limit <= 0) return true;
    int64_t bits = int_bit_length(v);
    const double log10_2 = 0.30102999566398120;
    bool over = (double)(bits - 1) * log10_2 + 1 > (double)limit + 1;    /* at least limit + 1 digits */
    if (!over && (double)bits * log10_2 + 1 >= (double)limit + 1) {     /* maybe */
        StrBuf b = SB_INIT;
        int_emit(v, 10, false, &b);
        over = !b.oom && (int64_t)b.len - (int_sign(v) < 0) > limit;
        sb_free(&b);
    }
    if (over) exc_raise(vm, E_ValueError, digits_limit_msg, (long long)limit, "");
    return !over;
}

bool int_to_dec(VM *vm, Value v, StrBuf *b) {
    if (!int_str_digits_ok(vm, v)) return false;
    int_emit(v, 10, false, b);
    return true;
}

Value int_to_str(VM *vm, Value v, int base) {
    if (base == 10 && !int_str_digits_ok(vm, v)) return ERR;
    if (!is_bigint(v)) {
        char tmp[80];
        StrBuf b = {tmp, 0, sizeof tmp, false};    /* never grows: a small int fits */
        int_emit(v, base, true, &b);
        return str_new(vm, tmp, b.len);
    }
    StrBuf b = SB_INIT;
    int_emit(v, base, true, &b);
    if (b.oom) {
        sb_free(&b);
        return exc_nomem(vm);
    }
    return str_from_buf(vm, &b);
}

static int digit_value(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* The value of n digit values (0..base-1, most significant first) into r. */
static mp_err digits_to_mp(const uint8_t *d, size_t n, int base, mp_int *r) {
    mp_err e;
    if (n > 3000) {
        /* divide and conquer: hi * base^lo_n + lo, subquadratic with
         * libtommath's Karatsuba and Toom multiplication */
        size_t lo_n = n / 2;
        mp_int lo, p;
        if ((e = mp_init_multi(&lo, &p, NULL)) != MP_OKAY) return e;
        e = digits_to_mp(d, n - lo_n, base, r);
        if (e == MP_OKAY) e = digits_to_mp(d + n - lo_n, lo_n, base, &lo);
        if (e == MP_OKAY) {
            mp_set(&p, (mp_digit)base);
            e = mp_expt_u32(&p, (uint32_t)lo_n, &p);
        }
        if (e == MP_OKAY) e = mp_mul(r, &p, r);
        if (e == MP_OKAY) e = mp_add(r, &lo, r);
        mp_clear_multi(&lo, &p, NULL);
        return e;
    }
    mp_digit chunk = (mp_digit)base;
    size_t per = 1;
    while (chunk <= MP_MASK / (mp_digit)base) {
        chunk *= (mp_digit)base;
        per++;
    }
    mp_zero(r);
    size_t i = 0, first = n % per ? n % per : per;
    while (i < n) {
        size_t take = i == 0 ? first : per;
        mp_digit v = 0, scale = 1;
        for (size_t k = 0; k < take; k++) {
            v = v * (mp_digit)base + d[i + k];
            scale *= (mp_digit)base;
        }
        if ((e = mp_mul_d(r, scale, r)) != MP_OKAY) return e;
        if ((e = mp_add_d(r, v, r)) != MP_OKAY) return e;
        i += take;
    }
    return MP_OKAY;
}

/* An int from n digit values; negative if neg. */
static Value int_from_digit_values(VM *vm, const uint8_t *d, size_t n, int base, bool neg) {
    /* up to 24 digits of any base (36^24 < 2^125) fit an i128 */
    if (n <= 24) {
        i128 v = 0;
        for (size_t i = 0; i < n; i++) v = v * base + d[i];
        return wide_val(vm, neg ? -v : v);
    }
    double bits = (double)n * log2(base);
    if (bits > (double)BIG_MAX_BITS) return too_big(vm);
    mp_int m;
    if (!mp_new(vm, &m, (int64_t)bits / MP_DIGIT_BIT + 2)) return ERR;
    mp_err e = digits_to_mp(d, n, base, &m);
    if (e == MP_OKAY && neg) e = mp_neg(&m, &m);
    return mp_finish(vm, &m, e);
}

Value int_from_digits(VM *vm, const char *digits, int base) {
    size_t n = strlen(digits);
    uint8_t small[64] = {0};
    uint8_t *d = n <= sizeof small ? small : malloc(n);
    if (!d) return exc_nomem(vm);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int v = digit_value((unsigned char)digits[i]);
        if (v < base) d[k++] = (uint8_t)v;
    }
    Value r = int_from_digit_values(vm, d, k, base, false);
    if (d != small) free(d);
    return r;
}

/* A non-ASCII character int() and float() read: a Unicode space as ' ',
 * a decimal digit as its ASCII digit, anything else as '?' (which no
 * parser accepts). */
static char ascii_for(uint32_t cp) {
    if (unidata_ctype(cp)->flags & UNI_SPACE) return ' ';
    double value;
    bool digit, decimal;
    if (unidata_numeric(cp, &value, &digit, &decimal) && decimal) return (char)('0' + (int)value);
    return '?';
}

/* Text with Unicode spaces and decimal digits turned into ASCII ones (and
 * other non-ASCII characters into '?', which no parser accepts): a malloc'd
 * NUL-terminated copy, or NULL when out of memory. */
static char *ascii_text(const char *s, size_t len, size_t *out_len) {
    char *t = malloc(len + 1);
    if (!t) return NULL;
    size_t pos = 0, n = 0;
    while (pos < len) {
        unsigned char c = (unsigned char)s[pos];
        if (c < 0x80) {
            t[n++] = (char)c;
            pos++;
            continue;
        }
        t[n++] = ascii_for(utf8_decode(s, len, &pos));
    }
    t[n] = 0;
    *out_len = n;
    return t;
}

/* Only ASCII's six: \x1c-\x1f are str.isspace() but not number spaces. */
static bool ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* ValueError "invalid literal for int() with base 10: '...'"; the repr is
 * cut at 200 characters as CPython's %.200R does. */
static Value bad_literal(VM *vm, const char *s, size_t len, int base, Value src) {
    StrBuf r = SB_INIT;
    if (src == NONE_VAL) str_repr_to(&r, s, len);
    else if (!op_repr_to(vm, src, &r)) {     /* a bytes argument shows as b'...' */
        sb_free(&r);
        return ERR;
    }
    if (r.oom) {
        sb_free(&r);
        return exc_nomem(vm);
    }
    size_t cut = 0, chars = 0;
    while (cut < r.len && chars < 200) {
        cut++;
        while (cut < r.len && ((unsigned char)r.data[cut] & 0xC0) == 0x80) cut++;
        chars++;
    }
    StrBuf msg = SB_INIT;
    sb_addf(&msg, "invalid literal for int() with base %d: ", base);
    sb_add(&msg, r.data, cut);
    sb_addc(&msg, 0);
    sb_free(&r);
    if (msg.oom) {
        sb_free(&msg);
        return exc_nomem(vm);
    }
    Value e = exc_raise(vm, E_ValueError, "%s", msg.data);
    sb_free(&msg);
    return e;
}

/* Parses ASCII text s[0..len) (spaces, sign, prefix, digits with single
 * underscores between them). Fills d with digit values; false if invalid. */
static bool parse_int_text(const char *s, size_t len, int *base, bool *neg, uint8_t *d, size_t *nd) {
    size_t i = 0, n = 0;
    while (i < len && ascii_space(s[i])) i++;
    while (len > i && ascii_space(s[len - 1])) len--;
    *neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) *neg = s[i++] == '-';
    bool prefixed = false, zero_only = false;
    if (i + 1 < len && s[i] == '0') {
        char p = (char)(s[i + 1] | 0x20);
        int pb = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
        if (pb && (*base == 0 || *base == pb)) {
            *base = pb;
            i += 2;
            prefixed = true;
        }
    }
    if (*base == 0) {
        *base = 10;
        zero_only = i < len && s[i] == '0';     /* "010" is not a base-0 literal */
    }
    /* one underscore may follow a digit, or the prefix */
    bool prev_digit = false, after_prefix = prefixed, last_underscore = false;
    for (; i < len; i++) {
        if (s[i] == '_') {
            if (!prev_digit && !after_prefix) return false;
            prev_digit = after_prefix = false;
            last_underscore = true;
            continue;
        }
        int v = digit_value((unsigned char)s[i]);
        if (v >= *base) return false;
        if (zero_only && v != 0) return false;
        d[n++] = (uint8_t)v;
        prev_digit = true;
        after_prefix = last_underscore = false;
    }
    if (n == 0 || last_underscore) return false;
    *nd = n;
    return true;
}

/* src is the bytes object being parsed, or None for a str: bytes take
   ASCII digits only and show in the error message as bytes. */
static Value parse_literal(VM *vm, const char *s, size_t len, int base, Value src) {
    if (base != 0 && (base < 2 || base > 36))
        return exc_raise(vm, E_ValueError, "int() base must be >= 2 and <= 36, or 0");
    const char *text = s;
    size_t tlen = len;
    char *conv = NULL;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            if (src != NONE_VAL) return bad_literal(vm, s, len, base, src);
            conv = ascii_text(s, len, &tlen);
            if (!conv) return exc_nomem(vm);
            text = conv;
            break;
        }
    }
    uint8_t small[64] = {0};
    uint8_t *d = tlen <= sizeof small ? small : malloc(tlen);
    if (!d) {
        free(conv);
        return exc_nomem(vm);
    }
    int b = base;
    bool neg;
    size_t nd;
    Value r;
    if (memchr(text, 0, tlen) || !parse_int_text(text, tlen, &b, &neg, d, &nd)) r = bad_literal(vm, s, len, base, src);
    else if ((b & (b - 1)) != 0 && vm->int_max_str_digits > 0 && (int64_t)nd > vm->int_max_str_digits) {
        char has[64];
        snprintf(has, sizeof has, ": value has %zu digits", nd);
        r = exc_raise(vm, E_ValueError, digits_limit_msg, (long long)vm->int_max_str_digits, has);
    } else r = int_from_digit_values(vm, d, nd, b, neg);
    if (d != small) free(d);
    free(conv);
    return r;
}

Value int_parse(VM *vm, const char *s, size_t len, int base) { return parse_literal(vm, s, len, base, NONE_VAL); }

Value int_parse_bytes(VM *vm, Value bytes, int base) {
    if (is_kind(bytes, OBJ_BYTEARRAY)) {     /* parsed (and shown in errors) as a bytes copy, as CPython */
        ObjByteArray *ba = AS(ObjByteArray, bytes);
        Value copy = bytes_new(vm, ba->data, (size_t)ba->len);
        if (copy == ERR || !vm_push_root(vm, copy)) return ERR;
        Value r = int_parse_bytes(vm, copy, base);
        vm_pop_roots(vm, 1);
        return r;
    }
    ObjBytes *b = AS(ObjBytes, bytes);
    return parse_literal(vm, (const char *)b->data, (size_t)b->len, base, bytes);
}

/* ---- methods ---------------------------------------------------------------- */

/* The int a method was called on (bools become ints); ERR after TypeError
 * when the method was taken from the class and given something else. */
static Value self_int(VM *vm, Value *args, int nargs, const char *name) {
    if (nargs < 1 || !is_intlike(args[0])) {
        if (nargs < 1) return exc_raise(vm, E_TypeError, "descriptor '%s' of 'int' object needs an argument", name);
        return exc_raise(vm, E_TypeError, "descriptor '%s' for 'int' objects doesn't apply to a '%T' object", name, args[0]);
    }
    if (is_bigint(args[0]) && (as_obj(args[0])->flags & OBJ_SUBTYPE)) return int_as_class(vm, args[0], vm->types[T_INT]);
    return is_bool(args[0]) ? int_val(as_bool(args[0])) : args[0];
}

#define SIMPLE_METHOD(fname, pyname, expr) \
    static Value fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        Value self = self_int(vm, args, nargs, pyname); \
        if (self == ERR || !args_none(vm, "int", pyname, nargs, kw)) return ERR; \
        return (expr); \
    }

static Value bit_count_of(VM *vm, Value v) {
    if (!is_bigint(v)) {
        int64_t i = small_of(v);
        return int_val(__builtin_popcountll(i < 0 ? (uint64_t)0 - (uint64_t)i : (uint64_t)i));
    }
    const mp_int *m = int_mp(AS(ObjBigInt, v));
    int64_t c = 0;
    for (int i = 0; i < m->used; i++) c += __builtin_popcountll((unsigned long long)m->dp[i]);
    (void)vm;
    return int_val(c);
}

static Value as_integer_ratio_of(VM *vm, Value v) {
    Value items[2] = {v, int_val(1)};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

static Value float_of(VM *vm, Value v) {
    double d;
    return int_to_float(vm, v, &d) == ERR ? ERR : float_val(d);
}

SIMPLE_METHOD(m_bit_length, "bit_length", int_val(int_bit_length(self)))
SIMPLE_METHOD(m_bit_count, "bit_count", bit_count_of(vm, self))
SIMPLE_METHOD(m_conjugate, "conjugate", self)
SIMPLE_METHOD(m_as_integer_ratio, "as_integer_ratio", as_integer_ratio_of(vm, self))
SIMPLE_METHOD(m_is_integer, "is_integer", TRUE_VAL)
SIMPLE_METHOD(m_index, "__index__", self)
SIMPLE_METHOD(m_real, "real", self)
SIMPLE_METHOD(m_imag, "imag", int_val(0))
SIMPLE_METHOD(m_denominator, "denominator", int_val(1))
SIMPLE_METHOD(m_int, "__int__", self)
SIMPLE_METHOD(m_trunc, "__trunc__", self)
SIMPLE_METHOD(m_floor, "__floor__", self)
SIMPLE_METHOD(m_ceil, "__ceil__", self)
SIMPLE_METHOD(m_pos, "__pos__", self)
SIMPLE_METHOD(m_float, "__float__", float_of(vm, self))
SIMPLE_METHOD(m_abs, "__abs__", int_abs(vm, self))
SIMPLE_METHOD(m_neg, "__neg__", int_neg(vm, self))
SIMPLE_METHOD(m_invert, "__invert__", int_invert(vm, self))

/* round(x, n) for an int and n < 0: x rounded half to even to a multiple
 * of 10^-n. */
static Value round_int(VM *vm, Value x, int64_t n) {
    if (n >= 0) return x;
    if (-n > int_bit_length(x) / 3 + 2) return int_val(0);     /* 10^-n > 2|x| */
    MpView w;
    const mp_int *m = view(x, &w);
    mp_int p, q, r;
    if (!mp_new(vm, &p, m->used + 2)) return ERR;
    if (!mp_new(vm, &q, m->used + 1)) {
        mp_clear(&p);
        return ERR;
    }
    if (!mp_new(vm, &r, m->used + 1)) {
        mp_clear_multi(&p, &q, NULL);
        return ERR;
    }
    mp_set(&p, 10);
    mp_err e = mp_expt_u32(&p, (uint32_t)-n, &p);
    /* floor division: q = x // p, 0 <= r < p */
    if (e == MP_OKAY) e = mp_div(m, &p, &q, &r);
    if (e == MP_OKAY && mp_isneg(&r)) {
        e = mp_sub_d(&q, 1, &q);
        if (e == MP_OKAY) e = mp_add(&r, &p, &r);
    }
    if (e == MP_OKAY) e = mp_mul_2(&r, &r);
    if (e == MP_OKAY) {
        mp_ord c = mp_cmp(&r, &p);
        bool odd = mp_isodd(&q);
        if (c == MP_GT || (c == MP_EQ && odd)) e = mp_add_d(&q, 1, &q);
    }
    if (e == MP_OKAY) e = mp_mul(&q, &p, &q);
    mp_clear_multi(&p, &r, NULL);
    return mp_finish(vm, &q, e);
}

static Value m_round(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value self = self_int(vm, args, nargs, "__round__");
    if (self == ERR) return ERR;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "int.__round__() takes no keyword arguments");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "int.__round__ expected at most 1 argument, got %d", nargs - 1);
    if (nargs < 2) return self;     /* 3.12: __round__(None) is a TypeError */
    if (!is_intlike(args[1]))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[1]);
    int64_t n;
    if (!int_to_i64(args[1], &n)) n = int_sign(args[1]) < 0 ? INT64_MIN / 2 : 0;
    return round_int(vm, self, n);
}

/* The arguments of to_bytes/from_bytes after self: npos positional ones at
 * pos, then the keywords' values at kwv. */
static bool bytes_args(VM *vm, const char *fname, const Value *pos, int npos, const Value *kwv, ObjTuple *kw,
                       const char *first, Value *a1, Value *order, Value *sign) {
    if (npos > 2) {
        exc_raise(vm, E_TypeError, "%s() takes at most 2 positional arguments (%d given)", fname, npos);
        return false;
    }
    static const char *const names[] = {"", "byteorder", "signed"};
    *a1 = npos > 0 ? pos[0] : UNDEF;
    *order = npos > 1 ? pos[1] : UNDEF;
    *sign = UNDEF;
    for (int64_t i = 0; kw && i < kw->len; i++) {
        const char *k = AS(ObjStr, kw->items[i])->data;
        Value v = kwv[i];
        Value *slot = !strcmp(k, first) ? a1 : !strcmp(k, names[1]) ? order : !strcmp(k, names[2]) ? sign : NULL;
        if (!slot) {
            exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", k, fname);
            return false;
        }
        if (*slot != UNDEF) {
            int pos = slot == a1 ? 1 : 2;
            exc_raise(vm, E_TypeError, "argument for %s() given by name ('%s') and position (%d)", fname, k, pos);
            return false;
        }
        *slot = v;
    }
    return true;
}

/* 1 for big-endian, 0 for little; -1 after raising. */
static int byteorder_arg(VM *vm, const char *fname, Value order) {
    if (order == UNDEF) return 1;
    if (!is_str(order)) {
        exc_raise(vm, E_TypeError, "%s() argument 'byteorder' must be str, not %A", fname, order);
        return -1;
    }
    /* (the whole string: "big\0" is not "big") */
    ObjStr *o = AS(ObjStr, order);
    if (o->len == 3 && !memcmp(o->data, "big", 3)) return 1;
    if (o->len == 6 && !memcmp(o->data, "little", 6)) return 0;
    exc_raise(vm, E_ValueError, "byteorder must be either 'little' or 'big'");
    return -1;
}

static Value m_to_bytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value self = self_int(vm, args, nargs, "to_bytes");
    Value lenv, order, sign;
    if (self == ERR || !bytes_args(vm, "to_bytes", args + 1, nargs - 1, args + nargs, kw, "length", &lenv, &order, &sign))
        return ERR;
    int64_t length = 1;
    if (lenv != UNDEF && !is_intlike(lenv) && op_special(vm, lenv, N___index__) != UNDEF) {
        int64_t n;      /* an object with __index__ */
        if (!index_value(vm, lenv, &n, NULL)) return ERR;
        lenv = int_from_i64(vm, n);
        if (lenv == ERR) return ERR;
    }
    if (lenv != UNDEF) {
        if (!is_intlike(lenv)) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", lenv);
        if (!int_to_i64(lenv, &length))
            return int_sign(lenv) < 0 ? exc_raise(vm, E_ValueError, "length argument must be non-negative")
                                      : exc_raise(vm, E_OverflowError, "Python int too large to convert to C ssize_t");
    }
    /* the byteorder's type is checked before the length's sign, as CPython's clinic does */
    int big_endian = byteorder_arg(vm, "to_bytes", order);
    if (big_endian >= 0 && length < 0) return exc_raise(vm, E_ValueError, "length argument must be non-negative");
    if (big_endian < 0) return ERR;
    int is_signed = sign == UNDEF ? 0 : op_truthy(vm, sign);
    if (is_signed < 0) return ERR;
    bool neg = int_sign(self) < 0;
    if (neg && !is_signed) return exc_raise(vm, E_OverflowError, "can't convert negative int to unsigned");

    /* magnitude bits needed: for a negative x, two's complement stores
     * |x| - 1 inverted, which needs one bit for the sign */
    MpView w;
    const mp_int *m = view(self, &w);
    mp_int mag;
    if (!mp_new(vm, &mag, m->used + 1)) return ERR;
    mp_err e = mp_abs(m, &mag);
    if (e == MP_OKAY && neg) e = mp_sub_d(&mag, 1, &mag);
    if (!mp_check(vm, e)) {
        mp_clear(&mag);
        return ERR;
    }
    int64_t bits = mp_bits(&mag);
    if (is_signed && (bits > 0 || neg)) bits++;
    if (bits > length * 8) {
        mp_clear(&mag);
        return exc_raise(vm, E_OverflowError, "int too big to convert");
    }
    ObjBytes *b = gc_new(vm, sizeof(ObjBytes) + (size_t)length + 1, OBJ_BYTES, vm->types[T_BYTES]);
    if (!b) {
        mp_clear(&mag);
        return ERR;
    }
    b->len = length;
    size_t used = mp_ubin_size(&mag);
    memset(b->data, 0, (size_t)length + 1);
    size_t written = 0;
    if (length > 0 && used > 0) e = mp_to_ubin(&mag, b->data + length - used, used, &written);
    mp_clear(&mag);
    if (!mp_check(vm, e)) return ERR;
    if (neg)
        for (int64_t i = 0; i < length; i++) b->data[i] = (uint8_t)~b->data[i];
    if (!big_endian)
        for (int64_t i = 0, j = length - 1; i < j; i++, j--) {
            uint8_t t = b->data[i];
            b->data[i] = b->data[j];
            b->data[j] = t;
        }
    b->data[length] = 0;
    return obj_val(b);
}

static Value int_from_bytes(VM *vm, Value *args, int nargs, ObjTuple *kw, int skip);

/* int.from_bytes(bytes, byteorder='big', *, signed=False). A classmethod in
 * CPython: a leading class (or int, when called on an instance) is skipped,
 * so it works both wired as a classmethod and as a plain class attribute.
 * Another class (bool, a subclass) is called with the int, as CPython does. */
static Value m_from_bytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int skip = nargs >= 1 && is_kind(args[0], OBJ_CLASS);     /* a class method: never bound to an int */
    Value r = int_from_bytes(vm, args, nargs, kw, skip);
    if (r == ERR || !skip || args[0] == obj_val(vm->types[T_INT])) return r;
    return op_call(vm, args[0], &r, 1, NULL);
}

static Value int_from_bytes(VM *vm, Value *args, int nargs, ObjTuple *kw, int skip) {
    Value data, order, sign;
    if (!bytes_args(vm, "from_bytes", args + skip, nargs - skip, args + nargs, kw, "bytes", &data, &order, &sign))
        return ERR;
    if (data == UNDEF) return exc_raise(vm, E_TypeError, "from_bytes() missing required argument 'bytes' (pos 1)");
    int big_endian = byteorder_arg(vm, "from_bytes", order);
    if (big_endian < 0) return ERR;
    int is_signed = sign == UNDEF ? 0 : op_truthy(vm, sign);
    if (is_signed < 0) return ERR;

    /* Anything bytes() takes but an int (as PyBytes_FromObject): lists,
     * iterables, memoryviews, objects with __bytes__. */
    BinBuf buf;
    if (!binbuf_get(data, &buf)) {
        if (is_intlike(data) || is_str(data)) return exc_raise(vm, E_TypeError, "cannot convert '%T' object to bytes", data);
        data = op_call(vm, obj_val(vm->types[T_BYTES]), &data, 1, NULL);
        if (data == ERR) return ERR;
        binbuf_get(data, &buf);
    }
    const uint8_t *src = buf.p;
    int64_t n = buf.n;
    uint8_t *be = malloc((size_t)n + 1);
    if (!be) return exc_nomem(vm);
    for (int64_t i = 0; i < n; i++) be[i] = big_endian ? src[i] : src[n - 1 - i];
    mp_int m;
    if (n > BIG_MAX_BITS / 8) {
        free(be);
        return too_big(vm);
    }
    if (!mp_new(vm, &m, n * 8 / MP_DIGIT_BIT + 2)) {
        free(be);
        return ERR;
    }
    mp_err e = mp_from_ubin(&m, be, (size_t)n);
    if (e == MP_OKAY && is_signed && n > 0 && (be[0] & 0x80)) {
        /* two's complement: subtract 2^(8n) */
        mp_int p;
        e = mp_init(&p);
        if (e == MP_OKAY) {
            e = mp_2expt(&p, (int)(n * 8));
            if (e == MP_OKAY) e = mp_sub(&m, &p, &m);
            mp_clear(&p);
        }
    }
    free(be);
    return mp_finish(vm, &m, e);
}

void int_init_methods(VM *vm) {
    static const struct {
        const char *name;
        NativeFn fn;
    } methods[] = {
        {"bit_length", m_bit_length}, {"bit_count", m_bit_count}, {"to_bytes", m_to_bytes},
        {"conjugate", m_conjugate}, {"as_integer_ratio", m_as_integer_ratio},
        {"is_integer", m_is_integer}, {"__index__", m_index}, {"__int__", m_int}, {"__trunc__", m_trunc},
        {"__floor__", m_floor}, {"__ceil__", m_ceil}, {"__round__", m_round}, {"__float__", m_float},
        {"__abs__", m_abs}, {"__neg__", m_neg}, {"__pos__", m_pos}, {"__invert__", m_invert},
    };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        class_add_native(vm, vm->types[T_INT], methods[i].name, methods[i].fn);
    class_add_classmethod(vm, vm->types[T_INT], "from_bytes", m_from_bytes);
    /* the attributes ops.c answers for instances, also seen on the class (dir, int.real) */
    class_add_property(vm, vm->types[T_INT], "real", m_real);
    class_add_property(vm, vm->types[T_INT], "imag", m_imag);
    class_add_property(vm, vm->types[T_INT], "numerator", m_real);
    class_add_property(vm, vm->types[T_INT], "denominator", m_denominator);
}
