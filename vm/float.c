/* float: IEEE doubles with CPython's semantics.
 *
 * repr is the shortest string that reads back as the same double, laid out
 * by CPython's rules. The C library does the hard parts exactly: glibc's
 * printf prints correctly rounded digits and strtod reads correctly rounded
 * values, so "shortest" is a search over precisions (the shortest precision
 * whose digits round-trip), and round(x, n) rounds the exact binary value in
 * big-integer arithmetic before strtod reads the decimal result back.
 *
 * A negative number to a fractional power is a complex number, as in
 * CPython (complex.c computes it).
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"

#define HASH_BITS 61
#define HASH_MODULUS (((uint64_t)1 << HASH_BITS) - 1)
#define HASH_INF 314159

/* ---- repr ------------------------------------------------------------------- */

/* The p significant digits of x > 0, correctly rounded: digits without the
 * point into `digits` (NUL-terminated), the decimal exponent of the first. */
static void sig_digits(double x, int p, char *digits, int *exp10) {
    char buf[40];
    snprintf(buf, sizeof buf, "%.*e", p - 1, x);
    int n = 0;
    char *s = buf;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[n++] = *s;
    digits[n] = 0;
    *exp10 = atoi(s + 1);
}

static double read_digits(const char *digits, int exp10) {
    char buf[48];
    snprintf(buf, sizeof buf, "%c.%se%d", digits[0], digits + 1, exp10);
    return strtod(buf, NULL);
}

/* Moves the p-digit decimal in digits/exp10 one unit in its last place up
 * (dir > 0) or down, keeping p digits. */
static void step_digits(char *digits, int *exp10, int dir) {
    int p = (int)strlen(digits);
    if (dir > 0) {
        int i = p - 1;
        while (i >= 0 && digits[i] == '9') digits[i--] = '0';
        if (i >= 0) {
            digits[i]++;
        } else {        /* 99..9 + 1 = 100..0 at the next exponent */
            digits[0] = '1';
            ++*exp10;
        }
    } else {
        int i = p - 1;
        while (i >= 0 && digits[i] == '0') digits[i--] = '9';
        digits[i]--;    /* digits[0] >= '1', so i >= 0 */
        if (digits[0] == '0') {     /* 100..0 - 1 = 99..9 at the exponent below */
            memmove(digits, digits + 1, (size_t)p);
            digits[p - 1] = '9';
            digits[p] = 0;
            --*exp10;
        }
    }
}

/* Whether some p-digit decimal reads back as x; if so, the one nearest x is
 * left in digits/exp10. The nearest p-digit decimal may fall just outside
 * x's rounding interval while its neighbour on the other side of x is
 * inside (the interval is lopsided at powers of two), so try both. */
static bool round_trips(double x, int p, char *digits, int *exp10) {
    sig_digits(x, p, digits, exp10);
    double y = read_digits(digits, *exp10);
    if (y == x) return true;
    step_digits(digits, exp10, y < x ? 1 : -1);
    return read_digits(digits, *exp10) == x;
}

/* The shortest digits of a normal x > 0 found without a search, in the
 * common cases: when some decimal of at most 15 digits reads back as x, it
 * is the 15-digit rounding of x with its trailing zeros dropped (15-digit
 * decimals are spaced far wider than x's rounding interval, so the nearest
 * one is that decimal); else 16 digits, else 17. False for subnormals,
 * whose intervals are wider, and when 16 digits need the neighbour check. */
static bool shortest_normal(double x, char *digits, int *exp10) {
    if (x < DBL_MIN) return false;
    sig_digits(x, 15, digits, exp10);
    if (read_digits(digits, *exp10) == x) return true;
    sig_digits(x, 16, digits, exp10);
    if (read_digits(digits, *exp10) == x) return true;
    char other[24];
    int other_exp;
    if (round_trips(x, 16, other, &other_exp)) return false;   /* a 16-digit neighbour: the search decides */
    sig_digits(x, 17, digits, exp10);
    return true;
}

/* The shortest digits of x without printf, when x is m / 10^k for an
 * integer m below 2^50 (the floats programs usually print: 1.5, 0.1,
 * 2500.0, 3.14159). The smallest such k gives the fewest digits, and the
 * test is exact: m and 10^k are exact doubles, so m / 10^k is the
 * correctly rounded quotient, the double that m·10^-k reads back as. At
 * each k the candidate is unique: the product x·10^k is off the exact one
 * by at most 1/16 below 2^50, while a decimal that reads back as x lies
 * within x's half-ulp·10^k of it. False when no k <= 17 qualifies. */
static bool shortest_scaled(double x, char *digits, int *exp10) {
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
    const double limit = 1125899906842624.0;   /* 2^50 */
    for (int k = 0; k < 18; k++) {
        double p = x * pow10[k];
        if (p >= limit) return false;
        double m = nearbyint(p);
        if (m == 0 || m / pow10[k] != x) continue;
        int n = snprintf(digits, 24, "%llu", (unsigned long long)m);
        *exp10 = n - 1 - k;
        return true;
    }
    return false;
}

/* The exact product a·10^prec is p + err (fma gives err exactly); it is
 * rounded half to even, as printf rounds the exact binary value. Only when
 * p is within 1/4 of a half-integer can err move the rounding, and there
 * 0.5 - frac is exact. */
bool flt_fixed(double a, int prec, char *out) {
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (prec < 0 || prec > 15 || !(a >= 0) || (a != 0 && a < 1e-290)) return false;
    double p = a * pow10[prec];
    if (!(p < 1125899906842624.0)) return false;   /* 2^50 */
    double err = fma(a, pow10[prec], -p), r = nearbyint(p), frac = p - r;
    bool odd = fmod(r, 2) != 0;
    if (err > 0.5 - frac || (err == 0.5 - frac && odd)) r += 1;
    else if (err < -0.5 - frac || (err == -0.5 - frac && odd)) r -= 1;
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%0*llu", prec + 1, (unsigned long long)r);
    memcpy(out, digits, (size_t)(n - prec));
    out += n - prec;
    if (prec) {
        *out++ = '.';
        memcpy(out, digits + n - prec, (size_t)prec);
        out += prec;
    }
    *out = 0;
    return true;
}

void flt_repr(double d, char *out) {
    if (isnan(d)) {
        strcpy(out, "nan");
        return;
    }
    if (isinf(d)) {
        strcpy(out, d > 0 ? "inf" : "-inf");
        return;
    }
    char *o = out;
    if (signbit(d)) *o++ = '-';
    double x = fabs(d);
    if (x == 0) {
        strcpy(o, "0.0");
        return;
    }
    char digits[24], best[24];
    int exp10 = 0, best_exp = 0;
    if (!(x >= DBL_MIN && shortest_scaled(x, best, &best_exp)) && !shortest_normal(x, best, &best_exp)) {
        /* Some p-digit decimal reads back as x exactly when p is at least
         * the shortest length, so binary search for it. */
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (round_trips(x, mid, digits, &exp10)) hi = mid;
            else lo = mid + 1;
        }
        if (!round_trips(x, lo, best, &best_exp)) sig_digits(x, 17, best, &best_exp);
    }
    int n = (int)strlen(best);
    while (n > 1 && best[n - 1] == '0') best[--n] = 0;

    int decpt = best_exp + 1;   /* digits before the point */
    if (decpt <= -4 || decpt > 16) {
        *o++ = best[0];
        if (n > 1) {
            *o++ = '.';
            memcpy(o, best + 1, (size_t)n - 1);
            o += n - 1;
        }
        sprintf(o, "e%c%02d", best_exp < 0 ? '-' : '+', best_exp < 0 ? -best_exp : best_exp);
    } else if (decpt <= 0) {
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -decpt; i++) *o++ = '0';
        memcpy(o, best, (size_t)n + 1);
    } else if (decpt >= n) {
        memcpy(o, best, (size_t)n);
        o += n;
        for (int i = n; i < decpt; i++) *o++ = '0';
        strcpy(o, ".0");
    } else {
        memcpy(o, best, (size_t)decpt);
        o += decpt;
        *o++ = '.';
        memcpy(o, best + decpt, (size_t)(n - decpt) + 1);
    }
}

/* ---- arithmetic ------------------------------------------------------------- */

double flt_floor_mod(double a, double b) {
    double mod = fmod(a, b);
    if (mod != 0) {
        if ((b < 0) != (mod < 0)) mod += b;
    } else {
        mod = copysign(0.0, b);
    }
    return mod;
}

static double floor_div(double a, double b) {
    double mod = fmod(a, b);
    double div = (a - mod) / b;
    if (mod != 0 && (b < 0) != (mod < 0)) div -= 1.0;
    if (div == 0) return copysign(0.0, a / b);
    double fl = floor(div);
    if (div - fl > 0.5) fl += 1.0;
    return fl;
}

static bool is_odd_integer(double x) { return fmod(fabs(x), 2.0) == 1.0; }

/* float ** float, as CPython's float_pow. */
static Value flt_pow(VM *vm, double iv, double iw) {
    if (iw == 0) return float_val(1.0);
    if (isnan(iv)) return float_val(iv);
    if (isnan(iw)) return float_val(iv == 1.0 ? 1.0 : iw);
    if (isinf(iw)) {
        iv = fabs(iv);
        if (iv == 1.0) return float_val(1.0);
        if ((iw > 0) == (iv > 1.0)) return float_val(fabs(iw));
        return float_val(0.0);
    }
    if (isinf(iv)) {
        bool odd = is_odd_integer(iw);
        if (iw > 0) return float_val(odd ? iv : fabs(iv));
        return float_val(odd ? copysign(0.0, iv) : 0.0);
    }
    if (iv == 0) {
        if (iw < 0) return exc_raise(vm, E_ZeroDivisionError, "0.0 cannot be raised to a negative power");
        return float_val(is_odd_integer(iw) ? iv : 0.0);
    }
    bool negate = false;
    if (iv < 0) {
        if (iw != floor(iw)) return cpx_pow(vm, (Cpx){iv, 0.0}, (Cpx){iw, 0.0});
        iv = -iv;
        negate = is_odd_integer(iw);
    }
    if (iv == 1.0) return float_val(negate ? -1.0 : 1.0);
    double r = pow(iv, iw);
    if (isinf(r)) return exc_raise(vm, E_OverflowError, "(34, 'Numerical result out of range')");
    return float_val(negate ? -r : r);
}

Value flt_binop(VM *vm, BinOp op, double a, double b) {
    switch (op) {
    case BIN_ADD: return float_val(a + b);
    case BIN_SUB: return float_val(a - b);
    case BIN_MUL: return float_val(a * b);
    case BIN_TRUEDIV:
        if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
        return float_val(a / b);
    case BIN_FLOORDIV:
        if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "float floor division by zero");
        return float_val(floor_div(a, b));
    case BIN_MOD:
        if (b == 0) return exc_raise(vm, E_ZeroDivisionError, "float modulo");
        return float_val(flt_floor_mod(a, b));
    case BIN_POW: return flt_pow(vm, a, b);
    default: return NOTIMPL_VAL;
    }
}

/* ---- comparison and hashing --------------------------------------------------- */

/* The top 64 bits of a big |m| with at least 64 bits; `sticky` when a bit
 * below them is set. */
static uint64_t top64(const mp_int *m, int bits, bool *sticky) {
    uint64_t top = 0;
    int have = 0, i = m->used - 1;
    int lead = bits - i * MP_DIGIT_BIT;
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

/* -1, 0 or 1 as finite a compares with the big int m, exactly. */
static int cmp_big(double a, const mp_int *m) {
    /* (m is zero or small only as an int subclass's value) */
    if (mp_iszero(m)) return a < 0 ? -1 : a > 0;
    bool mneg = mp_isneg(m);
    if ((a < 0) != mneg || a == 0) return a == 0 ? (mneg ? 1 : -1) : (a < 0 ? -1 : 1);
    int sign = mneg ? -1 : 1;   /* compare magnitudes, then apply the sign */
    int bits = mp_bits(m);
    int e;
    frexp(fabs(a), &e);         /* |a| in [2^(e-1), 2^e) */
    if (e != bits) return e < bits ? -sign : sign;
    /* Same bit length (>= 48): line both up with their top bit at bit 63.
     * |a| * 2^(64-e) is exact, since a has 53 significant bits. */
    uint64_t am = (uint64_t)ldexp(fabs(a), 64 - e);     /* its last bit lands on bit 11: no fraction lost */
    uint64_t mm;
    bool sticky = false;
    if (bits >= 64) mm = top64(m, bits, &sticky);
    else mm = mp_get_mag_u64(m) << (64 - bits);
    if (am != mm) return am < mm ? -sign : sign;
    return sticky ? -sign : 0;
}

static bool cmp_result(CmpOp op, int c) {
    switch (op) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_EQ: return c == 0;
    case CMP_NE: return c != 0;
    case CMP_GT: return c > 0;
    default: return c >= 0;
    }
}

int flt_cmp_num(VM *vm, double a, Value b, CmpOp op) {
    (void)vm;
    double y;
    if (is_float(b)) y = as_float(b);
    else if (is_int(b)) y = (double)as_int(b);      /* exact: |b| < 2^47 */
    else if (is_bool(b)) y = as_bool(b);
    else {
        if (isnan(a)) return op == CMP_NE;
        if (isinf(a)) return cmp_result(op, a > 0 ? 1 : -1);
        return cmp_result(op, cmp_big(a, int_mp(AS(ObjBigInt, b))));
    }
    switch (op) {
    case CMP_LT: return a < y;
    case CMP_LE: return a <= y;
    case CMP_EQ: return a == y;
    case CMP_NE: return a != y;
    case CMP_GT: return a > y;
    default: return a >= y;
    }
}

/* The number of the last NaN made (value.h: float_val). */
uint64_t asy_nan_serial;

/* CPython's _Py_HashDouble: the hash of the exact rational value modulo
 * 2^61 - 1, so an integral float hashes like the equal int. A NaN hashes
 * by its number (CPython 3.10+ uses the object's identity). */
uint64_t flt_hash(double v) {
    if (isinf(v)) return v > 0 ? HASH_INF : (uint64_t)-(int64_t)HASH_INF;
    if (isnan(v)) {     /* its number: CPython hashes the object */
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        return bits & NAN_SERIAL_MASK;
    }
    int e;
    double m = frexp(v, &e);
    int sign = 1;
    if (m < 0) {
        sign = -1;
        m = -m;
    }
    uint64_t x = 0;
    while (m) {
        x = ((x << 28) & HASH_MODULUS) | x >> (HASH_BITS - 28);
        m *= 268435456.0;   /* 2**28 */
        e -= 28;
        uint64_t y = (uint64_t)m;
        m -= (double)y;
        x += y;
        if (x >= HASH_MODULUS) x -= HASH_MODULUS;
    }
    e = e >= 0 ? e % HASH_BITS : HASH_BITS - 1 - ((-1 - e) % HASH_BITS);
    x = ((x << e) & HASH_MODULUS) | x >> (HASH_BITS - e);
    x = x * (uint64_t)(int64_t)sign;
    if (x == (uint64_t)-1) x = (uint64_t)-2;
    return x;
}

/* ---- parsing ------------------------------------------------------------------ */

/* Only ASCII's six: \x1c-\x1f are str.isspace() but not number spaces. */
bool flt_is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool unicode_space(uint32_t c) {
    return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
           c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/* Unicode decimal digits, by the code point of each block's zero (Unicode
 * 14, as CPython 3.11); float() reads them as ASCII digits. */
static const uint32_t unicode_zeros[] = {
    0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80,
    0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0,
    0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
    0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50,
    0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec,
    0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
};

size_t flt_to_ascii(const char *s, size_t len, char *t) {
    size_t pos = 0, n = 0;
    while (pos < len) {
        if ((unsigned char)s[pos] < 0x80) {
            t[n++] = s[pos++];
            continue;
        }
        uint32_t cp = utf8_decode(s, len, &pos);
        char out = unicode_space(cp) ? ' ' : '?';
        for (size_t i = 0; i < sizeof unicode_zeros / sizeof *unicode_zeros && out == '?'; i++)
            if (cp >= unicode_zeros[i] && cp <= unicode_zeros[i] + 9) out = (char)('0' + (cp - unicode_zeros[i]));
        t[n++] = out;
        if (out == '?') break;  /* as CPython, the text ends there: complex()'s
                                   message then ignores later underscores */
    }
    t[n] = 0;
    return n;
}

static bool match_word(const char *s, size_t n, const char *word) {
    if (n != strlen(word)) return false;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != word[i]) return false;
    return true;
}

/* Checks s[0..n) (no spaces) against float()'s grammar and copies it into
 * out without underscores. */
static bool clean_number(const char *s, size_t n, char *out) {
    size_t i = 0, o = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) out[o++] = s[i++];
    if (match_word(s + i, n - i, "inf") || match_word(s + i, n - i, "infinity") || match_word(s + i, n - i, "nan")) {
        memcpy(out + o, s + i, n - i);
        out[o + n - i] = 0;
        return true;
    }
    int mant_digits = 0;
    bool seen_point = false, seen_exp = false;
    int exp_digits = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (is_digit(c)) {
            if (seen_exp) exp_digits++;
            else mant_digits++;
            out[o++] = c;
        } else if (c == '_') {
            /* only between two digits */
            if (i == 0 || !is_digit(s[i - 1]) || i + 1 >= n || !is_digit(s[i + 1])) return false;
        } else if (c == '.' && !seen_point && !seen_exp) {
            seen_point = true;
            out[o++] = c;
        } else if ((c == 'e' || c == 'E') && !seen_exp && mant_digits) {
            seen_exp = true;
            out[o++] = c;
            if (i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-')) out[o++] = s[++i];
        } else {
            return false;
        }
    }
    out[o] = 0;
    return mant_digits > 0 && (!seen_exp || exp_digits > 0);
}

/* src is the bytes-like object parsed (ASCII only; shown by its repr in the
   error), or None for a str. */
static Value parse_text(VM *vm, const char *s, size_t len, Value src) {
    char small[128];
    char *t = len * 2 + 2 <= sizeof small ? small : malloc(len * 2 + 2);
    if (!t) return exc_nomem(vm);
    char *clean = t + len + 1;
    size_t n = flt_to_ascii(s, len, t);
    size_t i = 0;
    while (i < n && flt_is_space(t[i])) i++;
    while (n > i && flt_is_space(t[n - 1])) n--;
    bool ok = n > i && !memchr(t + i, 0, n - i) && clean_number(t + i, n - i, clean);
    for (size_t k = 0; ok && src != NONE_VAL && k < len; k++) ok = (unsigned char)s[k] < 0x80;
    double d = ok ? strtod(clean, NULL) : 0;
    if (t != small) free(t);
    if (ok) return float_val(d);
    StrBuf msg = SB_INIT;
    sb_adds(&msg, "could not convert string to float: ");
    if (src == NONE_VAL) str_repr_to(&msg, s, len);
    else if (!op_repr_to(vm, src, &msg)) {
        sb_free(&msg);
        return ERR;
    }
    sb_addc(&msg, 0);
    if (msg.oom) {
        sb_free(&msg);
        return exc_nomem(vm);
    }
    Value e = exc_raise(vm, E_ValueError, "%s", msg.data);
    sb_free(&msg);
    return e;
}

Value flt_parse(VM *vm, const char *s, size_t len) { return parse_text(vm, s, len, NONE_VAL); }

Value flt_parse_bytes(VM *vm, Value src) { return flt_parse_bytes_as(vm, src, src); }

Value flt_parse_bytes_as(VM *vm, Value src, Value shown) {
    if (is_kind(src, OBJ_BYTEARRAY))
        return parse_text(vm, (const char *)AS(ObjByteArray, src)->data, (size_t)AS(ObjByteArray, src)->len, shown);
    return parse_text(vm, (const char *)AS(ObjBytes, src)->data, (size_t)AS(ObjBytes, src)->len, shown);
}

/* ---- rounding --------------------------------------------------------------- */

/* round(x) with ties to even, as an int. */
static Value round_to_int(VM *vm, double x) {
    double r = round(x);
    if (fabs(x - r) == 0.5) r = 2.0 * round(x / 2.0);
    return int_from_double(vm, r);
}

/* |x| (finite, nonzero) rounded to n decimal places, half to even on the
 * exact binary value: with x = m * 2^e, the integer nearest to
 * m * 2^e * 10^n, then strtod of "<that>e<-n>". For n >= 0 glibc's
 * printf("%.*f") writes exactly that decimal (it rounds the exact value,
 * ties to even), which is much faster. */
static Value round_digits(VM *vm, double x, int n) {
    if (n >= 0) {
        char fixed[DBL_MAX_10_EXP + 400];
        snprintf(fixed, sizeof fixed, "%.*f", n, fabs(x));
        double y = strtod(fixed, NULL);
        if (isinf(y)) return exc_raise(vm, E_OverflowError, "rounded value too large to represent");
        return float_val(copysign(y, x));
    }
    int e;
    double f = frexp(fabs(x), &e);
    uint64_t m = (uint64_t)ldexp(f, DBL_MANT_DIG);
    e -= DBL_MANT_DIG;
    mp_int num, den, q, r, p;
    if (mp_init_multi(&num, &den, &q, &r, &p, NULL) != MP_OKAY) return exc_nomem(vm);
    mp_set_u64(&num, m);
    mp_set(&den, 1);
    mp_set(&p, 10);
    mp_err err = mp_expt_u32(&p, (uint32_t)(n < 0 ? -n : n), &p);
    if (err == MP_OKAY) err = e > 0 ? mp_mul_2d(&num, e, &num) : mp_mul_2d(&den, -e, &den);
    if (err == MP_OKAY) err = n >= 0 ? mp_mul(&num, &p, &num) : mp_mul(&den, &p, &den);
    if (err == MP_OKAY) err = mp_div(&num, &den, &q, &r);
    if (err == MP_OKAY) err = mp_mul_2(&r, &r);
    if (err == MP_OKAY) {
        mp_ord c = mp_cmp(&r, &den);
        if (c == MP_GT || (c == MP_EQ && mp_isodd(&q))) err = mp_add_d(&q, 1, &q);
    }
    char *buf = NULL;
    int size = 0;
    if (err == MP_OKAY) err = mp_radix_size(&q, 10, &size);
    if (err == MP_OKAY && !(buf = malloc((size_t)size + 32))) err = MP_MEM;
    if (err == MP_OKAY) err = mp_to_radix(&q, buf, (size_t)size + 32, NULL, 10);
    mp_clear_multi(&num, &den, &q, &r, &p, NULL);
    if (err != MP_OKAY) {
        free(buf);
        return exc_nomem(vm);
    }
    sprintf(buf + strlen(buf), "e%d", -n);
    double y = strtod(buf, NULL);
    free(buf);
    if (isinf(y)) return exc_raise(vm, E_OverflowError, "rounded value too large to represent");
    return float_val(copysign(y, x));
}

Value flt_round(VM *vm, double d, Value ndigits) {
    if (ndigits == UNDEF || ndigits == NONE_VAL) return round_to_int(vm, d);
    if (!is_intlike(ndigits))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", ndigits);
    int64_t n;
    if (!int_to_i64(ndigits, &n)) n = int_sign(ndigits) < 0 ? INT64_MIN : INT64_MAX;
    if (!isfinite(d) || d == 0) return float_val(d);
    /* beyond these, x is unchanged or rounds to zero (CPython's limits) */
    if (n > 323) return float_val(d);
    if (n < -308) return float_val(0.0 * d);
    return round_digits(vm, d, (int)n);
}

/* ---- methods ------------------------------------------------------------------ */

/* The float a method was called on; false after TypeError when the method
 * was taken from the class and given something else. */
static bool self_float(VM *vm, Value *args, int nargs, const char *name, double *out) {
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "descriptor '%s' of 'float' object needs an argument", name);
        return false;
    }
    if (is_kind(args[0], OBJ_FLOAT)) {     /* a float subclass's instance */
        *out = AS(ObjFloat, args[0])->d;
        return true;
    }
    if (!is_float(args[0])) {
        exc_raise(vm, E_TypeError, "descriptor '%s' for 'float' objects doesn't apply to a '%T' object", name, args[0]);
        return false;
    }
    *out = as_float(args[0]);
    return true;
}

#define SIMPLE_METHOD(fname, pyname, expr) \
    static Value fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        double x; \
        if (!self_float(vm, args, nargs, pyname, &x) || !args_none(vm, "float", pyname, nargs, kw)) return ERR; \
        return (expr); \
    }

static Value hex_of(VM *vm, double x) {
    char buf[40];
    if (isnan(x) || isinf(x)) {
        flt_repr(x, buf);
    } else if (x == 0) {
        strcpy(buf, signbit(x) ? "-0x0.0p+0" : "0x0.0p+0");
    } else {
        int e;
        double m = frexp(fabs(x), &e);
        int shift = 1 - (DBL_MIN_EXP - e > 0 ? DBL_MIN_EXP - e : 0);
        m = ldexp(m, shift);
        e -= shift;
        char digits[20];
        int si = 0;
        digits[si++] = "0123456789abcdef"[(int)m];
        m -= (int)m;
        digits[si++] = '.';
        for (int i = 0; i < (DBL_MANT_DIG - 1) / 4; i++) {
            m *= 16.0;
            digits[si++] = "0123456789abcdef"[(int)m];
            m -= (int)m;
        }
        digits[si] = 0;
        snprintf(buf, sizeof buf, "%s0x%sp%c%d", x < 0 ? "-" : "", digits, e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
    return str_from_cstr(vm, buf);
}

static Value integer_ratio_of(VM *vm, double x) {
    if (isinf(x)) return exc_raise(vm, E_OverflowError, "cannot convert Infinity to integer ratio");
    if (isnan(x)) return exc_raise(vm, E_ValueError, "cannot convert NaN to integer ratio");
    int e;
    double f = frexp(x, &e);
    for (int i = 0; i < 300 && f != floor(f); i++) {
        f *= 2.0;
        e--;
    }
    Value num = int_from_double(vm, f), den = int_val(1);
    if (num == ERR) return ERR;
    if (e > 0) num = int_binop(vm, BIN_LSHIFT, num, int_val(e));
    else den = int_binop(vm, BIN_LSHIFT, den, int_val(-e));
    if (num == ERR || den == ERR) return ERR;
    Value items[2] = {num, den};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

static bool is_integral(double x) { return isfinite(x) && floor(x) == x; }

SIMPLE_METHOD(m_is_integer, "is_integer", bool_val(is_integral(x)))
SIMPLE_METHOD(m_hex, "hex", hex_of(vm, x))
SIMPLE_METHOD(m_as_integer_ratio, "as_integer_ratio", integer_ratio_of(vm, x))
SIMPLE_METHOD(m_conjugate, "conjugate", float_val(x))
SIMPLE_METHOD(m_float, "__float__", float_val(x))
SIMPLE_METHOD(m_real, "real", float_val(x))
SIMPLE_METHOD(m_imag, "imag", float_val(0.0))
SIMPLE_METHOD(m_pos, "__pos__", float_val(x))
SIMPLE_METHOD(m_neg, "__neg__", float_val(-x))
SIMPLE_METHOD(m_abs, "__abs__", float_val(fabs(x)))
SIMPLE_METHOD(m_int, "__int__", int_from_double(vm, x))
SIMPLE_METHOD(m_trunc, "__trunc__", int_from_double(vm, x))
SIMPLE_METHOD(m_floor, "__floor__", int_from_double(vm, floor(x)))
SIMPLE_METHOD(m_ceil, "__ceil__", int_from_double(vm, ceil(x)))

static Value m_round(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double x;
    if (!self_float(vm, args, nargs, "__round__", &x)) return ERR;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "float.__round__() takes no keyword arguments");
    if (nargs > 2) return exc_raise(vm, E_TypeError, "float.__round__ expected at most 1 argument, got %d", nargs - 1);
    return flt_round(vm, x, nargs > 1 ? args[1] : NONE_VAL);
}

/* The double nearest to (t + s) * 2^e, where t has its top bit at bit 63
 * and s in [0, 1) is nonzero exactly when `sticky`; HUGE_VAL on overflow.
 * Rounds half to even once, at the last bit the result can hold (which
 * moves up for subnormals). */
static double round_bits(uint64_t t, bool sticky, int64_t e) {
    int64_t top = 63 + e;       /* the value lies in [2^top, 2^(top+1)) */
    if (top > DBL_MAX_EXP - 1) return HUGE_VAL;
    int64_t lsb = top - (DBL_MANT_DIG - 1);
    if (lsb < DBL_MIN_EXP - DBL_MANT_DIG) lsb = DBL_MIN_EXP - DBL_MANT_DIG;
    int64_t drop = lsb - e;     /* >= 11 */
    if (drop > 64) return 0.0;
    uint64_t kept, half, rest;
    if (drop == 64) {
        kept = 0;
        half = t >> 63;
        rest = (t << 1) | sticky;
    } else {
        kept = t >> drop;
        half = (t >> (drop - 1)) & 1;
        rest = (t & (((uint64_t)1 << (drop - 1)) - 1)) | sticky;
    }
    if (half && (rest || (kept & 1))) kept++;
    return ldexp((double)kept, (int)lsb);
}

/* float.fromhex(s), as CPython's float_fromhex. */
static Value fromhex(VM *vm, const char *s, size_t len) {
    size_t i = 0;
    while (i < len && flt_is_space(s[i])) i++;
    while (len > i && flt_is_space(s[len - 1])) len--;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (match_word(s + i, len - i, "inf") || match_word(s + i, len - i, "infinity"))
        return float_val(neg ? -HUGE_VAL : HUGE_VAL);
    if (match_word(s + i, len - i, "nan")) return float_val(NAN);
    if (i + 1 < len && s[i] == '0' && (s[i + 1] | 0x20) == 'x') i += 2;
    uint64_t t = 0;
    bool sticky = false, point = false, any = false;
    int64_t exp = 0;    /* binary exponent of t's last bit */
    int used = 0;       /* hex digits in t, leading zeros excluded */
    for (; i < len; i++) {
        char c = s[i];
        int v = is_digit(c) ? c - '0' : ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') ? (c | 0x20) - 'a' + 10 : -1;
        if (c == '.' && !point) {
            point = true;
            continue;
        }
        if (v < 0) break;
        any = true;
        if (used < 16 && (used > 0 || v > 0)) {
            t = t << 4 | (uint64_t)v;
            used++;
            if (point) exp -= 4;
        } else if (used >= 16) {
            if (v) sticky = true;
            if (!point) exp += 4;
        } else if (point) {
            exp -= 4;   /* a leading zero after the point */
        }
    }
    if (!any) return exc_raise(vm, E_ValueError, "invalid hexadecimal floating-point string");
    if (i < len && (s[i] | 0x20) == 'p') {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-')) eneg = s[i++] == '-';
        if (i >= len || !is_digit(s[i])) return exc_raise(vm, E_ValueError, "invalid hexadecimal floating-point string");
        int64_t pe = 0;
        for (; i < len && is_digit(s[i]); i++)
            if (pe < 100000000) pe = pe * 10 + (s[i] - '0');
        exp += eneg ? -pe : pe;
    }
    if (i != len) return exc_raise(vm, E_ValueError, "invalid hexadecimal floating-point string");
    if (t == 0) return float_val(neg ? -0.0 : 0.0);
    int lz = __builtin_clzll(t);
    double d = round_bits(t << lz, sticky, exp - lz);
    if (isinf(d)) return exc_raise(vm, E_OverflowError, "hexadecimal value too large to represent as a float");
    return float_val(neg ? -d : d);
}

/* float.fromhex(s), a classmethod. */
static Value m_fromhex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value cls = args[0];
    args++;         /* a classmethod: args[0] is the class */
    nargs--;
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "float.fromhex() takes no keyword arguments");
    if (nargs != 1) return exc_raise(vm, E_TypeError, "float.fromhex() takes exactly one argument (%d given)", nargs);
    /* (CPython's wording, from its generic string check) */
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "bad argument type for built-in operation");
    ObjStr *s = AS(ObjStr, args[0]);
    Value r = fromhex(vm, s->data, (size_t)s->len);
    /* A subclass gets an instance of itself, made by calling it. */
    if (r == ERR || cls == obj_val(vm->types[T_FLOAT])) return r;
    return op_call1(vm, cls, r);
}

/* float.__getformat__('double' or 'float'): how the C types are laid out,
 * IEEE 754 little-endian on the machines Asy runs on. */
static Value m_getformat(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getformat__", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1]))
        return exc_raise(vm, E_TypeError, "__getformat__() argument must be str, not %T", args[1]);
    const char *t = AS(ObjStr, args[1])->data;
    if (strcmp(t, "double") != 0 && strcmp(t, "float") != 0)
        return exc_raise(vm, E_ValueError, "__getformat__() argument 1 must be 'double' or 'float'");
    return str_from_cstr(vm, "IEEE, little-endian");
}

void flt_init_methods(VM *vm) {
    static const struct {
        const char *name;
        NativeFn fn;
    } methods[] = {
        {"is_integer", m_is_integer}, {"hex", m_hex},
        {"as_integer_ratio", m_as_integer_ratio}, {"conjugate", m_conjugate}, {"__float__", m_float},
        {"__pos__", m_pos}, {"__neg__", m_neg}, {"__abs__", m_abs}, {"__int__", m_int},
        {"__trunc__", m_trunc}, {"__floor__", m_floor}, {"__ceil__", m_ceil}, {"__round__", m_round},
    };
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        class_add_native(vm, vm->types[T_FLOAT], methods[i].name, methods[i].fn);
    class_add_classmethod(vm, vm->types[T_FLOAT], "fromhex", m_fromhex);
    class_add_classmethod(vm, vm->types[T_FLOAT], "__getformat__", m_getformat);
    class_add_property(vm, vm->types[T_FLOAT], "real", m_real);
    class_add_property(vm, vm->types[T_FLOAT], "imag", m_imag);
}

/* ---- IEEE 754 half precision (struct and memoryview format "e") ---------- */

/* A double to IEEE 754 half precision, rounding to nearest even; false when
 * it is too large. */
bool half_from_double(double x, uint16_t *out) {
    uint16_t sign = signbit(x) ? 0x8000 : 0;
    double a = fabs(x);
    if (isnan(x)) { *out = sign | 0x7e00; return true; }
    if (isinf(x)) { *out = sign | 0x7c00; return true; }
    int e;
    frexp(a, &e);
    int exp = e - 1;    /* a = 1.m * 2**exp */
    if (a == 0.0 || exp < -14) {
        /* subnormal: units of 2**-24; 1024 units carry into the smallest normal */
        *out = sign | (uint16_t)nearbyint(ldexp(a, 24));
        return true;
    }
    double m = nearbyint((ldexp(a, -exp) - 1.0) * 1024.0);
    if (m >= 1024.0) m = 0.0, exp++;
    if (exp > 15) return false;
    *out = sign | (uint16_t)((exp + 15) << 10) | (uint16_t)m;
    return true;
}

double half_to_double(uint16_t h) {
    double sign = h & 0x8000 ? -1.0 : 1.0;
    int e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0) return sign * ldexp(m, -24);
    if (e == 31) return m ? NAN : sign * INFINITY;
    return sign * ldexp(1024 + m, e - 25);
}
