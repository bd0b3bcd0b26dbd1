/* gcd of big ints by Lehmer's method (Knuth, TAOCP vol. 2, 4.5.2,
 * Algorithm L).
 *
 * libtommath's mp_gcd is binary: each step shifts or subtracts whole
 * numbers for a bit or two of progress, so the gcd of two 1000-digit ints
 * (what every Fraction operation asks for) took ten times CPython's. Here
 * the Euclidean steps run on the leading bits of both numbers in machine
 * words, and only their combined effect (a 2x2 matrix of cofactors) is
 * applied to the big numbers, in one pass over their digits, for about
 * thirty bits of progress. */

#include "num.h"

#include <stdint.h>

/* Bits of the leading words the single-precision steps work on: the
 * cofactors stay below 2^LEAD_BITS, so a cofactor times a digit, plus
 * another such product and a carry, fits an __int128. */
#define LEAD_BITS 59
_Static_assert(MP_DIGIT_BIT + LEAD_BITS + 2 < 127, "a digit step must fit an __int128");

#define DIGIT_MASK (((mp_digit)1 << MP_DIGIT_BIT) - 1)

/* The cofactors of a run of Euclidean steps on the leading bits x >= y:
 * (a, b) becomes (A a + B b, C a + D b). The run stops where the quotient
 * of the leading bits could differ from that of the whole numbers (Knuth's
 * test), so the matrix is exact for them. B == 0: no step was certain. */
typedef struct { int64_t a, b, c, d; } Cofactors;

static Cofactors lehmer_run(int64_t u, int64_t v) {
    int64_t A = 1, B = 0, C = 0, D = 1;
    /* (all of these stay below 2^LEAD_BITS in magnitude; the guards keep
     * the divisions on positive numbers, where C's truncation is floor) */
    while (v + C > 0 && v + D > 0 && u + A >= 0 && u + B >= 0) {
        int64_t q = (u + A) / (v + C);
        if (q != (u + B) / (v + D)) break;
        int64_t t = A - q * C; A = C; C = t;
        t = B - q * D; B = D; D = t;
        t = u - q * v; u = v; v = t;
    }
    return (Cofactors){A, B, C, D};
}

/* Bits [shift, shift + LEAD_BITS) of v >= 0, read from its digits. */
static int64_t lead_bits(const mp_int *v, int shift) {
    int i = shift / MP_DIGIT_BIT, off = shift % MP_DIGIT_BIT;
    if (i >= v->used) return 0;
    unsigned __int128 w = v->dp[i];
    if (i + 1 < v->used) w |= (unsigned __int128)v->dp[i + 1] << MP_DIGIT_BIT;
    return (int64_t)((w >> off) & (((unsigned __int128)1 << LEAD_BITS) - 1));
}

/* out = p a + q b >= 0, for |p|, |q| < 2^LEAD_BITS and b <= a, in one
 * pass over the digits. */
static mp_err combine(const mp_int *a, int64_t p, const mp_int *b, int64_t q, mp_int *out) {
    int n = a->used;
    mp_err err = mp_grow(out, n);
    if (err != MP_OKAY) return err;
    __int128 carry = 0;
    for (int i = 0; i < n; i++) {
        __int128 s = carry + (__int128)p * (__int128)a->dp[i];
        if (i < b->used) s += (__int128)q * (__int128)b->dp[i];
        out->dp[i] = (mp_digit)s & DIGIT_MASK;
        carry = s >> MP_DIGIT_BIT;      /* (an arithmetic shift: floor) */
    }
    out->used = n;
    out->sign = MP_ZPOS;
    mp_clamp(out);
    return MP_OKAY;
}

/* One step on a >= b > 0: several Euclidean steps at once through the
 * cofactors, or one division when the leading bits decide none. */
static mp_err lehmer_step(mp_int *a, mp_int *b, mp_int *t, mp_int *u) {
    int shift = mp_bits(a) - LEAD_BITS;
    if (shift < 0) shift = 0;
    Cofactors m = lehmer_run(lead_bits(a, shift), lead_bits(b, shift));
    mp_err err;
    if (m.b == 0) {
        if ((err = mp_mod(a, b, t)) != MP_OKAY) return err;
        mp_exch(a, b);
        mp_exch(b, t);
        return MP_OKAY;
    }
    if ((err = combine(a, m.a, b, m.b, t)) != MP_OKAY) return err;
    if ((err = combine(a, m.c, b, m.d, u)) != MP_OKAY) return err;
    mp_exch(a, t);
    mp_exch(b, u);
    return MP_OKAY;
}

static uint64_t gcd_u64(uint64_t x, uint64_t y) {
    while (y) {
        uint64_t r = x % y;
        x = y;
        y = r;
    }
    return x;
}

mp_err int_gcd_mp(const mp_int *x, const mp_int *y, mp_int *g) {
    mp_int a, b, t, u;
    mp_err err = mp_init_multi(&a, &b, &t, &u, NULL);
    if (err != MP_OKAY) return err;
    if ((err = mp_abs(x, &a)) != MP_OKAY || (err = mp_abs(y, &b)) != MP_OKAY) goto done;
    if (mp_cmp_mag(&a, &b) == MP_LT) mp_exch(&a, &b);
    while (!mp_iszero(&b) && mp_bits(&a) > 64)
        if ((err = lehmer_step(&a, &b, &t, &u)) != MP_OKAY) goto done;
    if (mp_iszero(&b))
        err = mp_copy(&a, g);
    else
        mp_set_u64(g, gcd_u64(mp_get_mag_u64(&a), mp_get_mag_u64(&b)));
done:
    mp_clear_multi(&a, &b, &t, &u, NULL);
    return err;
}
