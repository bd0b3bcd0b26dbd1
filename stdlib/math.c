/* The math module: CPython's names, results and error messages.
 *
 * Float functions follow CPython's rule for C results: a NaN from a non-NaN
 * argument is a domain error (ValueError "math domain error"), an infinity
 * from finite arguments is a range error (OverflowError "math range error")
 * for functions that can overflow, else a domain error. Integer functions
 * (factorial, gcd, lcm, isqrt, comb, perm) work on big ints through
 * libtommath. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/subtype.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

/* ---- argument conversion ------------------------------------------------ */

/* Any real number as a double: floats, ints, __float__, __index__.
 * (Special methods go through op_call_special, which runs a descriptor's
 * __get__ as CPython's slot lookup does.) */
static bool to_double(VM *vm, Value v, double *out) {
    /* (as CPython's PyFloat_AsDouble: a float subclass's value as it is, an
     * int subclass's own __float__ first) */
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_kind(v, OBJ_FLOAT)) { *out = AS(ObjFloat, v)->d; return true; }
    Value m = op_special(vm, v, N___float__);
    if (m == UNDEF && is_intlike(v)) return int_to_float(vm, v, out) != ERR;
    if (m != UNDEF) {
        Value r = op_call_special(vm, v, m, NULL, 0);
        if (r == ERR) return false;
        if (!is_float(r) && !exc_float_subclass_ok(vm, v, r)) return false;
        *out = is_float(r) ? as_float(r) : AS(ObjFloat, r)->d;
        return true;
    }
    m = op_special(vm, v, N___index__);
    if (m != UNDEF) {
        Value r = op_call_special(vm, v, m, NULL, 0);
        if (r == ERR) return false;
        if (!is_intlike(r)) {
            exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", r);
            return false;
        }
        return int_to_float(vm, r, out) != ERR;
    }
    exc_raise(vm, E_TypeError, "must be real number, not %T", v);
    return false;
}

/* An int from an int or an object with __index__ (bools become 0/1). */
static Value to_index(VM *vm, Value v) {
    if (is_bool(v)) return int_val(as_bool(v));
    if (is_intlike(v)) return v;
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    Value r = op_call_special(vm, v, m, NULL, 0);
    if (r == ERR) return ERR;
    if (!is_intlike(r)) return exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", r);
    return is_bool(r) ? int_val(as_bool(r)) : r;
}

static Value domain_error(VM *vm) { return exc_raise(vm, E_ValueError, "math domain error"); }
static Value range_error(VM *vm) { return exc_raise(vm, E_OverflowError, "math range error"); }

/* Finishes a libtommath computation: the int, or MemoryError. */
static Value mp_result(VM *vm, mp_int *m, mp_err err) {
    if (err != MP_OKAY) {
        mp_clear(m);
        return exc_nomem(vm);
    }
    return int_from_mp(vm, m);
}

/* ---- float functions of one and two arguments --------------------------- */

static Value math_1(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name,
                    double (*fn)(double), bool can_overflow) {
    double x;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    double r = fn(x);
    if (isnan(r) && !isnan(x)) return domain_error(vm);
    if (isinf(r) && isfinite(x)) return can_overflow ? range_error(vm) : domain_error(vm);
    return float_val(r);
}

static double deg(double x) { return x * (180.0 / M_PI); }
static double rad(double x) { return x * (M_PI / 180.0); }

#define UNARY(cname, fn, ovf) \
    static Value m_##cname(VM *vm, Value *a, int n, ObjTuple *kw) { \
        return math_1(vm, a, n, kw, "math." #cname, fn, ovf); \
    }
UNARY(sqrt, sqrt, false) UNARY(exp, exp, true) UNARY(exp2, exp2, true) UNARY(expm1, expm1, true)
UNARY(sin, sin, false) UNARY(cos, cos, false) UNARY(tan, tan, false)
UNARY(asin, asin, false) UNARY(acos, acos, false) UNARY(atan, atan, false)
UNARY(sinh, sinh, true) UNARY(cosh, cosh, true) UNARY(tanh, tanh, false)
UNARY(asinh, asinh, false) UNARY(acosh, acosh, false) UNARY(atanh, atanh, false)
UNARY(log1p, log1p, false) UNARY(fabs, fabs, false) UNARY(cbrt, cbrt, false)
UNARY(erf, erf, false) UNARY(erfc, erfc, false)
#undef UNARY

/* degrees() and radians() are plain products in CPython: no range error,
 * math.degrees(1e308) is inf. */
static Value scale(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, double (*fn)(double)) {
    double x;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    return float_val(fn(x));
}
static Value m_degrees(VM *vm, Value *a, int n, ObjTuple *kw) { return scale(vm, a, n, kw, "math.degrees", deg); }
static Value m_radians(VM *vm, Value *a, int n, ObjTuple *kw) { return scale(vm, a, n, kw, "math.radians", rad); }

static bool two_doubles(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, double *x, double *y) {
    return args_check(vm, name, nargs, kw, 2, 2) && to_double(vm, args[0], x) && to_double(vm, args[1], y);
}

static Value math_2(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, double (*fn)(double, double)) {
    double x, y;
    if (!two_doubles(vm, args, nargs, kw, name, &x, &y)) return ERR;
    double r = fn(x, y);
    if (isnan(r) && !isnan(x) && !isnan(y)) return domain_error(vm);
    if (isinf(r) && isfinite(x) && isfinite(y)) return range_error(vm);
    return float_val(r);
}

#define BINARY(cname, fn) \
    static Value m_##cname(VM *vm, Value *a, int n, ObjTuple *kw) { return math_2(vm, a, n, kw, #cname, fn); }
BINARY(atan2, atan2) BINARY(copysign, copysign) BINARY(fmod, fmod) BINARY(remainder, remainder)
#undef BINARY

static Value m_pow(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double x, y;
    if (!two_doubles(vm, args, nargs, kw, "pow", &x, &y)) return ERR;
    double r = pow(x, y);
    if (isfinite(x) && isfinite(y)) {
        if (isnan(r)) return domain_error(vm);
        if (isinf(r)) return x == 0.0 ? domain_error(vm) : range_error(vm);
    }
    return float_val(r);
}

/* log of any positive number, big ints beyond the float range included:
 * as CPython, such an int is x * 2**bits with x in [0.5, 1) (from its top
 * 64 bits), and its log is fn(x) + fn(2) * bits. */
static bool log_of(VM *vm, Value v, double (*fn)(double), double *out) {
    if (is_intlike(v) && !is_float(v)) {
        if (int_sign(v) <= 0) { domain_error(vm); return false; }
        int64_t bits = int_bit_length(v);
        if (bits >= 1024) {
            mp_int m;
            if (mp_init(&m) != MP_OKAY) { exc_nomem(vm); return false; }
            if (!int_to_mp(v, &m) || mp_div_2d(&m, (int)(bits - 64), &m, NULL) != MP_OKAY) {
                mp_clear(&m);
                exc_nomem(vm);
                return false;
            }
            /* With 1024 bits, only ints that round up to 2**1024 (top 54
             * bits all ones) are beyond the float range. */
            bool beyond = bits > 1024 || mp_get_mag_u64(&m) >> 10 == (UINT64_C(1) << 54) - 1;
            double x = mp_get_double(&m);
            mp_clear(&m);
            if (beyond) {
                *out = fn(ldexp(x, -64)) + fn(2.0) * (double)bits;
                return true;
            }
        }
    }
    double x;
    if (!to_double(vm, v, &x)) return false;
    if (isnan(x) || (isinf(x) && x > 0)) { *out = x; return true; }
    if (x <= 0) { domain_error(vm); return false; }
    *out = fn(x);
    return true;
}

static Value m_log(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "log", nargs, kw, 1, 2)) return ERR;
    double num, den;
    if (!log_of(vm, args[0], log, &num)) return ERR;
    if (nargs == 1) return float_val(num);
    if (!log_of(vm, args[1], log, &den)) return ERR;
    if (den == 0.0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
    return float_val(num / den);
}

static Value m_log2(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double r;
    if (!args_check(vm, "math.log2", nargs, kw, 1, 1) || !log_of(vm, args[0], log2, &r)) return ERR;
    return float_val(r);
}

static Value m_log10(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double r;
    if (!args_check(vm, "math.log10", nargs, kw, 1, 1) || !log_of(vm, args[0], log10, &r)) return ERR;
    return float_val(r);
}

/* ---- rounding ----------------------------------------------------------- */

/* floor/ceil/trunc: ints as they are, floats rounded, other objects through
 * their special method (or float conversion when floor/ceil lack one). */
static Value rounding(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, const char *special,
                      double (*fn)(double)) {
    if (!args_check(vm, name, nargs, kw, 1, 1)) return ERR;
    Value v = args[0];
    if (is_float(v)) return int_from_double(vm, fn(as_float(v)));
    if (is_bool(v)) return int_val(as_bool(v));
    if (is_intlike(v)) return subtype_plain(vm, v);
    ObjStr *sname = str_intern_cstr(vm, special);
    if (!sname) return ERR;
    Value m = class_lookup(type_of(vm, v), sname);
    if (m != UNDEF) return op_call_special(vm, v, m, NULL, 0);
    if (fn == trunc) return exc_raise(vm, E_TypeError, "type %T doesn't define __trunc__ method", v);
    double x;
    if (!to_double(vm, v, &x)) return ERR;
    return int_from_double(vm, fn(x));
}

static Value m_floor(VM *vm, Value *a, int n, ObjTuple *kw) { return rounding(vm, a, n, kw, "math.floor", "__floor__", floor); }
static Value m_ceil(VM *vm, Value *a, int n, ObjTuple *kw) { return rounding(vm, a, n, kw, "math.ceil", "__ceil__", ceil); }
static Value m_trunc(VM *vm, Value *a, int n, ObjTuple *kw) { return rounding(vm, a, n, kw, "math.trunc", "__trunc__", trunc); }

/* ---- float decomposition ------------------------------------------------- */

static Value pair(VM *vm, Value a, Value b) {
    Value items[2] = {a, b};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

static Value m_modf(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double x, ip;
    if (!args_check(vm, "math.modf", nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    if (isinf(x)) return pair(vm, float_val(copysign(0.0, x)), float_val(x));
    double fp = modf(x, &ip);
    return pair(vm, float_val(fp), float_val(ip));
}

static Value m_frexp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double x;
    if (!args_check(vm, "math.frexp", nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    int e = 0;
    double m = (isnan(x) || isinf(x) || x == 0.0) ? x : frexp(x, &e);
    return pair(vm, float_val(m), int_val(e));
}

static Value m_ldexp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double x;
    if (!args_check(vm, "ldexp", nargs, kw, 2, 2) || !to_double(vm, args[0], &x)) return ERR;
    if (!is_intlike(args[1])) return exc_raise(vm, E_TypeError, "Expected an int as second argument to ldexp.");
    int64_t e;
    if (!int_to_i64(args[1], &e)) e = int_sign(args[1]) < 0 ? INT_MIN : INT_MAX;
    if (e > INT_MAX) e = INT_MAX;
    if (e < INT_MIN) e = INT_MIN;
    if (x == 0.0 || !isfinite(x)) return float_val(x);
    double r = ldexp(x, (int)e);
    if (isinf(r)) return range_error(vm);
    return float_val(r);
}

/* ---- predicates ------------------------------------------------------------ */

static Value predicate(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, int which) {
    double x;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    return bool_val(which == 0 ? isfinite(x) : which == 1 ? isinf(x) : isnan(x));
}

static Value m_isfinite(VM *vm, Value *a, int n, ObjTuple *kw) { return predicate(vm, a, n, kw, "math.isfinite", 0); }
static Value m_isinf(VM *vm, Value *a, int n, ObjTuple *kw) { return predicate(vm, a, n, kw, "math.isinf", 1); }
static Value m_isnan(VM *vm, Value *a, int n, ObjTuple *kw) { return predicate(vm, a, n, kw, "math.isnan", 2); }

static Value m_isclose(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    /* a and b may be passed by keyword too, as CPython's signature allows */
    static const char *const names[] = {"a", "b", "rel_tol", "abs_tol"};
    Value p[4];
    if (nargs > 2) return exc_raise(vm, E_TypeError, "isclose() takes exactly 2 positional arguments (%d given)", nargs);
    for (int i = nargs; i < 2; i++)
        if (args_kw(vm, args, nargs, kw, names[i]) == UNDEF)
            return exc_raise(vm, E_TypeError, "isclose() missing required argument '%s' (pos %d)", names[i], i + 1);
    if (!args_bind(vm, "isclose", args, nargs, kw, names, 4, 2, 2, ARGS_INVALID_KW, p)) return ERR;
    double a, b, rel = 1e-9, abs_tol = 0.0;
    if (!to_double(vm, p[0], &a) || !to_double(vm, p[1], &b)) return ERR;
    if (p[2] != UNDEF && !to_double(vm, p[2], &rel)) return ERR;
    if (p[3] != UNDEF && !to_double(vm, p[3], &abs_tol)) return ERR;
    if (rel < 0.0 || abs_tol < 0.0) return exc_raise(vm, E_ValueError, "tolerances must be non-negative");
    if (a == b) return TRUE_VAL;
    if (isinf(a) || isinf(b)) return FALSE_VAL;
    double diff = fabs(b - a);
    return bool_val(diff <= fabs(rel * b) || diff <= fabs(rel * a) || diff <= abs_tol);
}

/* ---- sums, products, norms ------------------------------------------------- */

/* Shewchuk's exact partial sums: a growing list of non-overlapping doubles
 * whose exact sum is the running total (fsum and sumprod). */
typedef struct {
    double stack[32], *p;
    int64_t n, cap;
} Partials;

static void partials_init(Partials *s) { s->p = s->stack; s->n = 0; s->cap = 32; }
static void partials_free(Partials *s) { if (s->p != s->stack) free(s->p); }

/* Adds x to the partials. Returns false for no memory; *overflow is set
 * when the new top partial is not finite (the list is then left as is). */
static bool partials_add(Partials *s, double x, bool *overflow) {
    int64_t i = 0;
    for (int64_t j = 0; j < s->n; j++) {
        double y = s->p[j];
        if (fabs(x) < fabs(y)) { double t = x; x = y; y = t; }
        double hi = x + y, lo = y - (hi - x);
        if (lo != 0.0) s->p[i++] = lo;
        x = hi;
    }
    s->n = i;
    *overflow = !isfinite(x);
    if (x == 0.0 || *overflow) return true;
    if (s->n == s->cap) {
        double *q = malloc((size_t)s->cap * 2 * sizeof *q);
        if (!q) return false;
        memcpy(q, s->p, (size_t)s->n * sizeof *q);
        partials_free(s);
        s->p = q;
        s->cap *= 2;
    }
    s->p[s->n++] = x;
    return true;
}

/* The partials' exact sum correctly rounded, as CPython's math_fsum ends. */
static double partials_round(Partials *s) {
    int64_t n = s->n;
    double *p = s->p, hi = 0.0;
    if (n == 0) return hi;
    double lo = 0.0;
    hi = p[--n];
    while (n > 0) {
        double x = hi, y = p[--n];
        hi = x + y;
        lo = y - (hi - x);
        if (lo != 0.0) break;
    }
    if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
        double y = lo * 2.0, x = hi + y;
        if (y == x - hi) hi = x;
    }
    return hi;
}

/* fsum: exact partial sums, with CPython's handling of infinities and NaNs
 * (summed apart) and of an overflow between finite values. */
static Value m_fsum(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "math.fsum", nargs, kw, 1, 1)) return ERR;
    Value it = op_iter(vm, args[0]);
    if (it == ERR || !vm_push_root(vm, it)) return ERR;
    Partials s;
    partials_init(&s);
    double special = 0.0, inf_sum = 0.0;
    Value result = ERR;
    for (;;) {
        Value item = op_next(vm, it);
        if (item == ERR) goto done;
        if (item == UNDEF) break;
        double x;
        bool overflow;
        if (!to_double(vm, item, &x)) goto done;
        if (!partials_add(&s, x, &overflow)) { exc_nomem(vm); goto done; }
        if (!overflow) continue;
        if (isfinite(x)) { exc_raise(vm, E_OverflowError, "intermediate overflow in fsum"); goto done; }
        if (isinf(x)) inf_sum += x;
        special += x;
        s.n = 0;
    }
    if (special != 0.0) {
        result = isnan(inf_sum) ? exc_raise(vm, E_ValueError, "-inf + inf in fsum") : float_val(special);
        goto done;
    }
    result = float_val(partials_round(&s));
done:
    partials_free(&s);
    vm_pop_roots(vm, 1);
    return result;
}

static Value m_prod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"start", NULL};
    if (!args_kw_only(vm, "prod", kw, accepted)) return ERR;
    if (nargs != 1) return exc_raise(vm, E_TypeError, "prod() takes exactly 1 positional argument (%d given)", nargs);
    Value acc = args_kw(vm, args, nargs, kw, "start");
    if (acc == UNDEF) acc = int_val(1);
    Value it = op_iter(vm, args[0]);
    if (it == ERR) return ERR;
    int base = vm->nroots;
    if (!vm_push_root(vm, it) || !vm_push_root(vm, acc) || !vm_push_root(vm, NONE_VAL)) {
        vm->nroots = base;
        return exc_raise(vm, E_RecursionError, "too many native roots");
    }
    for (;;) {
        Value item = op_next(vm, it);
        if (item == ERR || item == UNDEF) { acc = item == ERR ? ERR : acc; break; }
        vm->roots[base + 2] = item;
        acc = op_binary(vm, BIN_MUL, acc, item);
        if (acc == ERR) break;
        vm->roots[base + 1] = acc;
    }
    vm->nroots = base;
    return acc;
}

/* A float and a float, or a float and an int, as two doubles: the pairs
 * sumprod sums exactly. An int too large for a float does not qualify. */
static bool float_pair(VM *vm, Value p, Value q, double *x, double *y) {
    if (!(is_float(p) && (is_float(q) || is_intlike(q))) && !(is_float(q) && is_intlike(p))) return false;
    if (!is_float(p) && int_to_float(vm, p, x) == ERR) { vm->exc = UNDEF; return false; }
    if (!is_float(q) && int_to_float(vm, q, y) == ERR) { vm->exc = UNDEF; return false; }
    if (is_float(p)) *x = as_float(p);
    if (is_float(q)) *y = as_float(q);
    return true;
}

/* Adds x * y to the partials exactly (fma gives the product's rounding
 * error); false when the total would not be finite. */
static bool partials_add_product(VM *vm, Partials *s, double *naive, double x, double y) {
    double hi = x * y, lo = fma(x, y, -hi);
    bool overflow;
    if (!isfinite(hi) || !isfinite(*naive + hi)) return false;
    if (!partials_add(s, hi, &overflow) || !partials_add(s, lo, &overflow)) { exc_nomem(vm); return false; }
    *naive += hi;
    return true;
}

/* sumprod(p, q) sums the products as CPython does, in up to three phases
 * that never come back: pairs of exact ints first (op_binary keeps them
 * exact), then pairs of floats (or a float and an int) summed exactly and
 * rounded once, then anything else with * and + from the total so far. So
 * the result can depend on where the types change, as in CPython. */
static Value m_sumprod(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "math.sumprod", nargs, kw, 2, 2)) return ERR;
    int base = vm->nroots;
    Value total = int_val(0), its[2];
    for (int k = 0; k < 2; k++) {
        its[k] = op_iter(vm, args[k]);
        if (its[k] == ERR || !vm_push_root(vm, its[k])) { vm->nroots = base; return ERR; }
    }
    if (!vm_push_root(vm, total) || !vm_push_root(vm, NONE_VAL) || !vm_push_root(vm, NONE_VAL)) {
        vm->nroots = base;
        return ERR;
    }
    Partials s;
    partials_init(&s);
    double naive = 0.0;
    bool used = false;      /* some pair went to the partials */
    int phase = 0;          /* 0: exact ints, 1: floats, 2: generic */
    for (;;) {
        Value p = op_next(vm, its[0]);
        if (p == ERR) { total = ERR; break; }
        vm->roots[base + 3] = p;
        Value q = op_next(vm, its[1]);
        if (q == ERR) { total = ERR; break; }
        vm->roots[base + 4] = q;
        if ((p == UNDEF) != (q == UNDEF)) { total = exc_raise(vm, E_ValueError, "Inputs are not the same length"); break; }
        bool done = p == UNDEF;
        if (phase == 0 && !done && (is_int(p) || is_bigint(p)) && (is_int(q) || is_bigint(q))) {
            /* falls through to the generic step below */
        } else if (phase <= 1) {
            double x, y;
            phase = 1;
            if (!done && float_pair(vm, p, q, &x, &y) && partials_add_product(vm, &s, &naive, x, y)) {
                used = true;
                continue;
            }
            if (vm->exc != UNDEF) { total = ERR; break; }
            phase = 2;
            if (used) {
                used = false;
                total = op_binary(vm, BIN_ADD, total, float_val(partials_round(&s)));
                if (total == ERR) break;
                vm->roots[base + 2] = total;
            }
        }
        if (done) break;
        Value term = op_binary(vm, BIN_MUL, p, q);
        if (term == ERR || !vm_push_root(vm, term)) { total = ERR; break; }
        total = op_binary(vm, BIN_ADD, total, term);
        vm_pop_roots(vm, 1);
        if (total == ERR) break;
        vm->roots[base + 2] = total;
    }
    partials_free(&s);
    vm->nroots = base;
    return total;
}

/* The Euclidean norm of n coordinates (hypot and dist); v is overwritten.
 * The coordinates are scaled by a power of two (exact) so the largest is in
 * [0.5, 1); their squares are summed in double-double arithmetic (fma gives
 * each square's rounding error), and the square root gets one correction
 * step from the exact residual, so the result is correctly rounded in
 * practice, as CPython's is (libm's hypot can be one ulp off). */
static double vector_norm(double *v, int n) {
    double max = 0.0;
    bool nan = false;
    for (int i = 0; i < n; i++) {
        v[i] = fabs(v[i]);
        if (isnan(v[i])) nan = true;
        if (v[i] > max) max = v[i];
    }
    if (isinf(max)) return max;
    if (nan) return NAN;
    if (max == 0.0 || n <= 1) return max;
    int e;
    frexp(max, &e);
    double hi = 0.0, lo = 0.0;
    for (int i = 0; i < n; i++) {
        double x = ldexp(v[i], -e), p = x * x, perr = fma(x, x, -p);
        double s = hi + p, b = s - hi;
        lo += (hi - (s - b)) + (p - b) + perr;      /* two-sum's error, and the square's */
        hi = s;
    }
    double h = sqrt(hi + lo);
    double hh = h * h, hl = fma(h, h, -hh);
    h += (((hi - hh) - hl) + lo) / (2.0 * h);
    return ldexp(h, e);
}

static Value m_hypot(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "hypot", 0, kw, 0, 0)) return ERR;
    double stack_v[16], *v = nargs <= 16 ? stack_v : malloc((size_t)nargs * sizeof *v);
    if (!v) return exc_nomem(vm);
    Value result = ERR;
    int i = 0;
    while (i < nargs && to_double(vm, args[i], &v[i])) i++;
    if (i == nargs) result = float_val(vector_norm(v, nargs));
    if (v != stack_v) free(v);
    return result;
}

/* dist(p, q): the distance between two points given as iterables of
 * coordinates of the same length. */
static Value m_dist(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "dist", nargs, kw, 2, 2)) return ERR;
    ObjList *p = NULL, *q = NULL;
    for (int k = 0; k < 2; k++) {
        ObjList *l = op_to_list(vm, args[k]);
        if (!l || !vm_push_root(vm, obj_val(l))) { vm_pop_roots(vm, k); return ERR; }
        if (k == 0) p = l; else q = l;
    }
    Value result = ERR;
    if (p->len != q->len) {
        exc_raise(vm, E_ValueError, "both points must have the same number of dimensions");
    } else {
        double *v = malloc((size_t)(p->len ? p->len : 1) * sizeof *v);
        int64_t i = 0;
        double a, b;
        if (!v) exc_nomem(vm);
        while (v && i < p->len && to_double(vm, p->items[i], &a) && to_double(vm, q->items[i], &b)) v[i++] = a - b;
        if (v && i == p->len) result = float_val(vector_norm(v, (int)p->len));
        free(v);
    }
    vm_pop_roots(vm, 2);
    return result;
}

/* ---- gamma and lgamma ------------------------------------------------------ */

/* CPython's own gamma and lgamma (not the C library's), so that results
 * match to the last bit: Lanczos' approximation with N = 13 and
 * g = 6.024680040776729583740234375, the numerator's coefficients scaled
 * by exp(g), and the denominator x(x+1)...(x+11) expanded. */
#define LANCZOS_N 13
static const double lanczos_g = 6.024680040776729583740234375;
static const double lanczos_g_minus_half = 5.524680040776729583740234375;
static const double lanczos_num[LANCZOS_N] = {
    23531376880.410759688572007674451636754734846804940, 42919803642.649098768957899047001988850926355848959,
    35711959237.355668049440185451547166705960488635843, 17921034426.037209699919755754458931112671403265390,
    6039542586.3520280050642916443072979210699388420708, 1439720407.3117216736632230727949123939715485786772,
    248874557.86205415651146038641322942321632125127801, 31426415.585400194380614231628318205362874684987640,
    2876370.6289353724412254090516208496135991145378768, 186056.26539522349504029498971604569928220784236328,
    8071.6720023658162106380029022722506138218516325024, 210.82427775157934587250973392071336271166969580291,
    2.5066282746310002701649081771338373386264310793408,
};
static const double lanczos_den[LANCZOS_N] = {
    0.0, 39916800.0, 120543840.0, 150917976.0, 105258076.0, 45995730.0, 13339535.0, 2637558.0, 357423.0,
    32670.0, 1925.0, 66.0, 1.0,
};

/* The rational function of the approximation, for x > 0; evaluated in 1/x
 * beyond 5 so that it does not overflow. */
static double lanczos_sum(double x) {
    double num = 0.0, den = 0.0;
    if (x < 5.0) {
        for (int i = LANCZOS_N - 1; i >= 0; i--) {
            num = num * x + lanczos_num[i];
            den = den * x + lanczos_den[i];
        }
    } else {
        for (int i = 0; i < LANCZOS_N; i++) {
            num = num / x + lanczos_num[i];
            den = den / x + lanczos_den[i];
        }
    }
    return num / den;
}

/* sin(pi * x) for finite x, exact at the integers and half-integers. */
static double sinpi(double x) {
    double y = fmod(fabs(x), 2.0), r;
    switch ((int)round(2.0 * y)) {
    case 0: r = sin(M_PI * y); break;
    case 1: r = cos(M_PI * (y - 0.5)); break;
    case 2: r = sin(M_PI * (1.0 - y)); break;
    case 3: r = -cos(M_PI * (y - 1.5)); break;
    default: r = sin(M_PI * (y - 2.0)); break;
    }
    return copysign(1.0, x) * r;
}

typedef enum { MATH_OK, MATH_DOMAIN, MATH_RANGE } MathStatus;

static double gamma_of(double x, MathStatus *st) {
    static const double factorials[] = {
        1.0, 1.0, 2.0, 6.0, 24.0, 120.0, 720.0, 5040.0, 40320.0, 362880.0, 3628800.0, 39916800.0,
        479001600.0, 6227020800.0, 87178291200.0, 1307674368000.0, 20922789888000.0, 355687428096000.0,
        6402373705728000.0, 121645100408832000.0, 2432902008176640000.0, 51090942171709440000.0,
        1124000727777607680000.0,
    };
    if (!isfinite(x)) {
        if (isnan(x) || x > 0.0) return x;
        *st = MATH_DOMAIN;
        return NAN;
    }
    if (x == 0.0) { *st = MATH_DOMAIN; return copysign(INFINITY, x); }
    if (x == floor(x)) {
        if (x < 0.0) { *st = MATH_DOMAIN; return NAN; }
        if (x <= 23.0) return factorials[(int)x - 1];       /* gamma(n) = (n-1)! */
    }
    double ax = fabs(x);
    if (ax < 1e-20) {
        double r = 1.0 / x;
        if (isinf(r)) *st = MATH_RANGE;
        return r;
    }
    if (ax > 200.0) {
        if (x < 0.0) return 0.0 / sinpi(x);
        *st = MATH_RANGE;
        return INFINITY;
    }
    double y = ax + lanczos_g_minus_half;
    /* z: the rounding error in y, as a correction factor (volatile keeps
     * the compiler from folding the difference to zero). */
    volatile double q = ax > lanczos_g_minus_half ? y - ax : y - lanczos_g_minus_half;
    double z = ax > lanczos_g_minus_half ? q - lanczos_g_minus_half : q - ax;
    z = z * lanczos_g / y;
    double r;
    if (x < 0.0) {
        r = -M_PI / sinpi(ax) / ax * exp(y) / lanczos_sum(ax);
        r -= z * r;
        if (ax < 140.0) {
            r /= pow(y, ax - 0.5);
        } else {
            double sqrtpow = pow(y, ax / 2.0 - 0.25);
            r /= sqrtpow;
            r /= sqrtpow;
        }
    } else {
        r = lanczos_sum(ax) / exp(y);
        r += z * r;
        if (ax < 140.0) {
            r *= pow(y, ax - 0.5);
        } else {
            double sqrtpow = pow(y, ax / 2.0 - 0.25);
            r *= sqrtpow;
            r *= sqrtpow;
        }
    }
    if (isinf(r)) *st = MATH_RANGE;
    return r;
}

static double lgamma_of(double x, MathStatus *st) {
    if (!isfinite(x)) return isnan(x) ? x : INFINITY;
    if (x == floor(x) && x <= 2.0) {
        if (x <= 0.0) { *st = MATH_DOMAIN; return INFINITY; }
        return 0.0;     /* lgamma(1) = lgamma(2) = 0 */
    }
    double ax = fabs(x);
    if (ax < 1e-20) return -log(ax);
    double r = log(lanczos_sum(ax)) - lanczos_g;
    r += (ax - 0.5) * (log(ax + lanczos_g - 0.5) - 1);
    if (x < 0.0) r = log(M_PI) - log(fabs(sinpi(ax))) - log(ax) - r;     /* reflection */
    if (isinf(r)) *st = MATH_RANGE;
    return r;
}

static Value gamma_fn(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name,
                      double (*fn)(double, MathStatus *)) {
    double x;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    MathStatus st = MATH_OK;
    double r = fn(x, &st);
    if (st == MATH_DOMAIN) return domain_error(vm);
    if (st == MATH_RANGE && fabs(r) >= 1.5) return range_error(vm);
    return float_val(r);
}

static Value m_gamma(VM *vm, Value *a, int n, ObjTuple *kw) { return gamma_fn(vm, a, n, kw, "gamma", gamma_of); }
static Value m_lgamma(VM *vm, Value *a, int n, ObjTuple *kw) { return gamma_fn(vm, a, n, kw, "lgamma", lgamma_of); }

/* ---- the float grid ----------------------------------------------------------- */

/* Doubles as integers in the order of their values (both zeros are 0), so
 * that n steps along the floats is adding n. */
static int64_t float_order(double d) {
    int64_t b;
    memcpy(&b, &d, sizeof b);
    return b >= 0 ? b : -(b & INT64_MAX);
}

static double float_of_order(int64_t o) {
    int64_t b = o >= 0 ? o : (-o) | INT64_MIN;
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* nextafter(x, y, steps=None): 3.12's steps moves that many floats toward
 * y at once, stopping at y. */
static Value m_nextafter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"steps", NULL};
    double x, y;
    if (!args_kw_only(vm, "nextafter", kw, accepted) || !two_doubles(vm, args, nargs, NULL, "nextafter", &x, &y))
        return ERR;
    Value sv = args_kw(vm, args, nargs, kw, "steps");
    if (sv == UNDEF || sv == NONE_VAL) return float_val(nextafter(x, y));
    Value steps = to_index(vm, sv);
    if (steps == ERR) return ERR;
    if (int_sign(steps) < 0) return exc_raise(vm, E_ValueError, "steps must be a non-negative integer");
    if (isnan(x)) return float_val(x);
    if (isnan(y)) return float_val(y);
    int64_t n, ox = float_order(x), oy = float_order(y);
    if (!int_to_i64(steps, &n)) n = INT64_MAX;
    if (n == 0) return float_val(x);
    uint64_t gap = oy > ox ? (uint64_t)oy - (uint64_t)ox : (uint64_t)ox - (uint64_t)oy;
    if ((uint64_t)n >= gap) return float_val(y);
    return float_val(float_of_order(oy > ox ? ox + n : ox - n));
}

/* ulp(x): the gap between |x| and the next float away from zero (toward
 * zero at the largest float). */
static Value m_ulp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double x;
    if (!args_check(vm, "ulp", nargs, kw, 1, 1) || !to_double(vm, args[0], &x)) return ERR;
    if (isnan(x)) return float_val(x);
    x = fabs(x);
    if (isinf(x)) return float_val(x);
    double up = nextafter(x, INFINITY);
    if (isinf(up)) return float_val(x - nextafter(x, -INFINITY));
    return float_val(up - x);
}

/* ---- integer functions ----------------------------------------------------- */

static mp_err range_product(mp_int *m, uint64_t lo, uint64_t hi);

static Value m_factorial(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "math.factorial", nargs, kw, 1, 1)) return ERR;
    if (is_float(args[0])) return exc_raise(vm, E_TypeError, "'float' object cannot be interpreted as an integer");
    Value v = to_index(vm, args[0]);
    if (v == ERR) return ERR;
    int64_t n;
    if (!int_to_i64(v, &n)) {
        if (int_sign(v) < 0) return exc_raise(vm, E_ValueError, "factorial() not defined for negative values");
        return exc_raise(vm, E_OverflowError, "factorial() argument should not exceed %lld", (long long)LONG_MAX);
    }
    if (n < 0) return exc_raise(vm, E_ValueError, "factorial() not defined for negative values");
    if (n <= 20) {
        uint64_t r = 1;
        for (int64_t i = 2; i <= n; i++) r *= (uint64_t)i;
        return int_from_u64(vm, r);
    }
    mp_int m;
    if (mp_init(&m) != MP_OKAY) return exc_nomem(vm);
    return mp_result(vm, &m, range_product(&m, 1, (uint64_t)n));
}

/* m = lo * (lo+1) * ... * hi (lo <= hi). Halving the range keeps the two
 * factors of each multiplication about the same size, so the big products go
 * through libtommath's fast multiplication instead of n single-digit steps
 * (factorial(20000) was ten times slower than CPython's). */
static mp_err range_product(mp_int *m, uint64_t lo, uint64_t hi) {
    if (hi - lo < 16) {
        mp_set_u64(m, lo);
        mp_err err = MP_OKAY;
        for (uint64_t i = lo + 1; i <= hi && err == MP_OKAY; i++) err = mp_mul_d(m, (mp_digit)i, m);
        return err;
    }
    uint64_t mid = lo + (hi - lo) / 2;
    mp_int r;
    mp_err err = mp_init(&r);
    if (err != MP_OKAY) return err;
    err = range_product(m, lo, mid);
    if (err == MP_OKAY) err = range_product(&r, mid + 1, hi);
    if (err == MP_OKAY) err = mp_mul(m, &r, m);
    mp_clear(&r);
    return err;
}

static int64_t gcd64(int64_t a, int64_t b) {
    uint64_t x = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a, y = b < 0 ? (uint64_t)0 - (uint64_t)b : (uint64_t)b;
    while (y) { uint64_t t = x % y; x = y; y = t; }
    return (int64_t)x;   /* callers keep operands small ints, so this fits */
}

/* gcd and lcm of any number of ints: a small-int fast path, then libtommath. */
static Value gcd_lcm(VM *vm, Value *args, int nargs, ObjTuple *kw, bool lcm) {
    if (!args_check(vm, lcm ? "lcm" : "gcd", 0, kw, 0, 0)) return ERR;
    Value acc = int_val(lcm ? 1 : 0);
    for (int i = 0; i < nargs; i++) {
        Value x = to_index(vm, args[i]);
        if (x == ERR) return ERR;
        if (!lcm) {
            acc = int_gcd(vm, acc, x);
            if (acc == ERR) return ERR;
            continue;
        }
        if (is_int(acc) && is_int(x)) {
            int64_t a = as_int(acc), b = as_int(x);
            if (a == 0 || b == 0) { acc = int_val(0); continue; }
            int64_t g = gcd64(a, b);
            __int128 r = (__int128)(a < 0 ? -a : a) / g * (b < 0 ? -b : b);
            if (r <= SMALL_INT_MAX) { acc = int_val((int64_t)r); continue; }
        }
        mp_int a, b, r;
        if (mp_init_multi(&a, &b, &r, NULL) != MP_OKAY) return exc_nomem(vm);
        mp_err err = int_to_mp(acc, &a) && int_to_mp(x, &b) ? MP_OKAY : MP_MEM;
        if (err == MP_OKAY) err = int_gcd_mp(&a, &b, &r);
        if (err == MP_OKAY && lcm && !mp_iszero(&r)) {
            /* |a| / gcd * |b| */
            err = mp_div(&a, &r, &a, NULL);
            if (err == MP_OKAY) err = mp_mul(&a, &b, &r);
            if (err == MP_OKAY) err = mp_abs(&r, &r);
        }
        mp_clear_multi(&a, &b, NULL);
        acc = mp_result(vm, &r, err);
        if (acc == ERR) return ERR;
    }
    return acc;
}

static Value m_gcd(VM *vm, Value *a, int n, ObjTuple *kw) { return gcd_lcm(vm, a, n, kw, false); }
static Value m_lcm(VM *vm, Value *a, int n, ObjTuple *kw) { return gcd_lcm(vm, a, n, kw, true); }

/* floor(sqrt(n)) of a machine-sized n: the double's root is off by at most
 * a few units, which the two loops correct. */
static uint64_t isqrt_u64(uint64_t n) {
    uint64_t r = (uint64_t)sqrt((double)n);
    while (r > 0 && (unsigned __int128)r * r > n) r--;
    while ((unsigned __int128)(r + 1) * (r + 1) <= n) r++;
    return r;
}

/* r = isqrt(n) for n > 0 with c = (bits(n) - 1) / 2, built up from the top:
 * after each step a holds the root of n's leading 2*d+2 bits within one, and
 * one division by a doubles the number of right bits. The divisions grow
 * with the root, so the whole costs about one full-size division, where
 * libtommath's mp_sqrt divides at full size on every Newton step. */
static mp_err isqrt_mp(const mp_int *n, mp_int *a) {
    uint64_t c = (uint64_t)(mp_count_bits(n) - 1) / 2, d = 0;
    int steps = 0;
    while ((c >> steps) != 0) steps++;
    mp_int t;
    mp_err err = mp_init(&t);
    if (err != MP_OKAY) return err;
    mp_set_u64(a, 1);
    for (int s = steps - 1; s >= 0 && err == MP_OKAY; s--) {
        uint64_t e = d;
        d = c >> s;
        /* a = (a << (d - e - 1)) + (n >> (2c - e - d + 1)) / a */
        err = mp_div_2d(n, (int)(2 * c - e - d + 1), &t, NULL);
        if (err == MP_OKAY) err = mp_div(&t, a, &t, NULL);
        if (err == MP_OKAY) err = mp_mul_2d(a, (int)(d - e - 1), a);
        if (err == MP_OKAY) err = mp_add(a, &t, a);
    }
    /* a is the root or one more */
    if (err == MP_OKAY) err = mp_sqr(a, &t);
    if (err == MP_OKAY && mp_cmp(&t, n) == MP_GT) err = mp_sub_d(a, 1, a);
    mp_clear(&t);
    return err;
}

static Value m_isqrt(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "math.isqrt", nargs, kw, 1, 1)) return ERR;
    Value v = to_index(vm, args[0]);
    if (v == ERR) return ERR;
    if (int_sign(v) < 0) return exc_raise(vm, E_ValueError, "isqrt() argument must be nonnegative");
    int64_t small;
    if (int_to_i64(v, &small)) return int_from_u64(vm, isqrt_u64((uint64_t)small));
    mp_int a, r;
    if (mp_init_multi(&a, &r, NULL) != MP_OKAY) return exc_nomem(vm);
    mp_err err = int_to_mp(v, &a) ? isqrt_mp(&a, &r) : MP_MEM;
    mp_clear(&a);
    return mp_result(vm, &r, err);
}

/* n * (n-1) * ... * (n-k+1), divided by k! when `comb`. k fits int64_t. */
static Value falling(VM *vm, Value n, int64_t k, bool comb) {
    mp_int r, t;
    if (mp_init_multi(&r, &t, NULL) != MP_OKAY) return exc_nomem(vm);
    mp_set_u64(&r, 1);
    mp_err err = int_to_mp(n, &t) ? MP_OKAY : MP_MEM;
    if (comb && err == MP_OKAY) err = mp_sub_d(&t, (mp_digit)k, &t);    /* t = n - k, counting up */
    for (int64_t i = 1; i <= k && err == MP_OKAY; i++) {
        if (comb) {
            err = mp_add_d(&t, 1, &t);
            if (err == MP_OKAY) err = mp_mul(&r, &t, &r);
            if (err == MP_OKAY) err = mp_div_d(&r, (mp_digit)i, &r, NULL);
        } else {
            err = mp_mul(&r, &t, &r);
            if (err == MP_OKAY) err = mp_sub_d(&t, 1, &t);
        }
    }
    mp_clear(&t);
    return mp_result(vm, &r, err);
}

static bool nk_args(VM *vm, Value *args, Value *n, Value *k) {
    if ((*n = to_index(vm, args[0])) == ERR || (*k = to_index(vm, args[1])) == ERR) return false;
    if (int_sign(*n) < 0) { exc_raise(vm, E_ValueError, "n must be a non-negative integer"); return false; }
    if (int_sign(*k) < 0) { exc_raise(vm, E_ValueError, "k must be a non-negative integer"); return false; }
    return true;
}

static Value m_comb(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value n, k;
    if (!args_check(vm, "comb", nargs, kw, 2, 2) || !nk_args(vm, args, &n, &k)) return ERR;
    if (int_cmp(k, n) > 0) return int_val(0);
    Value nk = int_binop(vm, BIN_SUB, n, k);
    if (nk == ERR) return ERR;
    if (int_cmp(nk, k) < 0) k = nk;
    int64_t kk;
    if (!int_to_i64(k, &kk))
        return exc_raise(vm, E_OverflowError, "min(n - k, k) must not exceed %lld", (long long)LONG_MAX);
    return falling(vm, n, kk, true);
}

static Value m_perm(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "perm", nargs, kw, 1, 2)) return ERR;
    if (nargs == 1 || args[1] == NONE_VAL) return m_factorial(vm, args, 1, NULL);
    Value n, k;
    if (!nk_args(vm, args, &n, &k)) return ERR;
    if (int_cmp(k, n) > 0) return int_val(0);
    int64_t kk;
    if (!int_to_i64(k, &kk)) return exc_raise(vm, E_OverflowError, "k must not exceed %lld", (long long)LONG_MAX);
    return falling(vm, n, kk, false);
}

/* ---- the module ---------------------------------------------------------- */

static const struct { const char *name; NativeFn fn; } functions[] = {
    {"sqrt", m_sqrt}, {"exp", m_exp}, {"exp2", m_exp2}, {"expm1", m_expm1},
    {"sin", m_sin}, {"cos", m_cos}, {"tan", m_tan}, {"asin", m_asin}, {"acos", m_acos},
    {"atan", m_atan}, {"sinh", m_sinh}, {"cosh", m_cosh}, {"tanh", m_tanh},
    {"asinh", m_asinh}, {"acosh", m_acosh}, {"atanh", m_atanh}, {"log1p", m_log1p},
    {"fabs", m_fabs}, {"cbrt", m_cbrt}, {"erf", m_erf}, {"erfc", m_erfc},
    {"degrees", m_degrees}, {"radians", m_radians},
    {"atan2", m_atan2}, {"copysign", m_copysign}, {"fmod", m_fmod}, {"remainder", m_remainder},
    {"pow", m_pow}, {"log", m_log}, {"log2", m_log2}, {"log10", m_log10},
    {"floor", m_floor}, {"ceil", m_ceil}, {"trunc", m_trunc},
    {"modf", m_modf}, {"frexp", m_frexp}, {"ldexp", m_ldexp},
    {"isfinite", m_isfinite}, {"isinf", m_isinf}, {"isnan", m_isnan}, {"isclose", m_isclose},
    {"fsum", m_fsum}, {"prod", m_prod}, {"sumprod", m_sumprod}, {"hypot", m_hypot}, {"dist", m_dist},
    {"gamma", m_gamma}, {"lgamma", m_lgamma}, {"nextafter", m_nextafter}, {"ulp", m_ulp},
    {"factorial", m_factorial}, {"gcd", m_gcd}, {"lcm", m_lcm}, {"isqrt", m_isqrt},
    {"comb", m_comb}, {"perm", m_perm},
};

bool mod_math_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    return module_add_value(vm, m, "pi", float_val(M_PI)) &&
           module_add_value(vm, m, "e", float_val(M_E)) &&
           module_add_value(vm, m, "tau", float_val(2 * M_PI)) &&
           module_add_value(vm, m, "inf", float_val(INFINITY)) &&
           module_add_value(vm, m, "nan", float_val(NAN));
}
