/* The cmath module: complex versions of math's functions, with CPython's
 * names, results and error messages.
 *
 * The functions are C99's <complex.h> ones (glibc's), whose branch cuts,
 * signed zeros and special values are those CPython documents and
 * implements by hand. Errors follow CPython's rule: a NaN from an argument
 * with no NaN part is a domain error (ValueError "math domain error"); an
 * infinity from a finite argument is a range error (OverflowError "math
 * range error") for the functions that can overflow (exp, the hyperbolic
 * and circular sines and cosines) and a domain error for the others (the
 * logarithms' poles, atanh(±1), atan(±1j)). See docs/architecture.md for
 * where the results differ from CPython's in the last digit. */
#include <complex.h>
#ifndef CMPLX       /* glibc defines it for GCC only; clang has the builtin too */
#define CMPLX(x, y) __builtin_complex((double)(x), (double)(y))
#endif
#include <errno.h>
#include <float.h>
#include <math.h>

#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "modules.h"

/* ---- argument conversion ------------------------------------------------ */

/* Any number as a complex: complex, __complex__, then float's
 * conversions (int, float, __float__, __index__). */
static bool to_complex(VM *vm, Value v, Cpx *out) {
    bool was_cpx;
    int k = cpx_coerce(vm, v, true, out, &was_cpx);
    if (!k) exc_raise(vm, E_TypeError, "must be real number, not %T", v);
    return k > 0;
}

/* A real argument (rect's): float's conversions, complex refused. */
static bool to_real(VM *vm, Value v, double *out) {
    Cpx z;
    if (is_kind(v, OBJ_COMPLEX) || op_special(vm, v, N___complex__) != UNDEF) {
        exc_raise(vm, E_TypeError, "must be real number, not %T", v);
        return false;
    }
    if (!to_complex(vm, v, &z)) return false;
    *out = z.re;
    return true;
}

static Value domain_error(VM *vm) { return exc_raise(vm, E_ValueError, "math domain error"); }
static Value range_error(VM *vm) { return exc_raise(vm, E_OverflowError, "math range error"); }

static bool has_nan(Cpx z) { return isnan(z.re) || isnan(z.im); }
static bool has_inf(Cpx z) { return isinf(z.re) || isinf(z.im); }
static bool all_finite(Cpx z) { return isfinite(z.re) && isfinite(z.im); }

static double complex to_c(Cpx z) { return CMPLX(z.re, z.im); }
static Cpx from_c(double complex c) { return (Cpx){creal(c), cimag(c)}; }

/* The result r of a function of z, or its error. */
static Value result(VM *vm, Cpx z, Cpx r, bool can_overflow) {
    /* an overflow first: exp(1e20+0j) is inf * sin(0), a NaN */
    if (has_inf(r) && all_finite(z)) return can_overflow ? range_error(vm) : domain_error(vm);
    if (has_nan(r) && !has_nan(z)) return domain_error(vm);
    return cpx_new(vm, r.re, r.im);
}

/* ---- the functions -------------------------------------------------------
 *
 * For finite arguments, CPython's formulas (after Kahan, "Branch Cuts for
 * Complex Elementary Functions"): glibc's own are as accurate but round
 * differently in the last digit, and a program printing results must see
 * CPython's digits. Infinite and NaN arguments take C99's special values
 * from <complex.h>, which CPython's tables follow. The circular functions
 * are the hyperbolic ones turned a quarter (sin z = -i sinh iz), as in
 * CPython, which also gives them its signs of zero. */

#define LARGE (DBL_MAX / 4.0)            /* beyond it, |z| would overflow */
#define SQRT_LARGE 6.7039039649712985e+153   /* sqrt(LARGE) */
#define LOG_LARGE 708.3964185322641      /* log(LARGE) */
#define SQRT_DBL_MIN 1.4916681462400413e-154

static Cpx quarter(Cpx z) { return (Cpx){-z.im, z.re}; }        /* i z */
static Cpx unquarter(Cpx z) { return (Cpx){z.im, -z.re}; }      /* -i z */
/* C99's value for a non-finite z. glibc gives the signs C99 leaves
 * unspecified from the NaN's sign; CPython's tables take a NaN as positive. */
static Cpx c99(double complex (*fn)(double complex), Cpx z) {
    if (isnan(z.re)) z.re = NAN;
    if (isnan(z.im)) z.im = NAN;
    return from_c(fn(to_c(z)));
}

static Cpx c_sqrt(Cpx z) {
    if (!all_finite(z)) return c99(csqrt, z);
    if (z.re == 0.0 && z.im == 0.0) return (Cpx){0.0, z.im};
    double ax = fabs(z.re), ay = fabs(z.im), s;
    if (ax < DBL_MIN && ay < DBL_MIN) {
        /* subnormal: scale up by 2**53 inside the root, down by 2**27 outside */
        ax = ldexp(ax, 53);
        s = ldexp(sqrt(ax + hypot(ax, ldexp(ay, 53))), -27);
    } else {
        ax /= 8.0;
        s = 2.0 * sqrt(ax + hypot(ax, ay / 8.0));
    }
    double d = ay / (2.0 * s);
    return z.re >= 0.0 ? (Cpx){s, copysign(d, z.im)} : (Cpx){d, copysign(s, z.im)};
}

static Cpx c_log(Cpx z) {
    if (!all_finite(z)) return c99(clog, z);
    double ax = fabs(z.re), ay = fabs(z.im), re;
    if (ax > LARGE || ay > LARGE) {
        re = log(hypot(ax / 2.0, ay / 2.0)) + M_LN2;
    } else if (ax < DBL_MIN && ay < DBL_MIN) {
        if (ax == 0.0 && ay == 0.0) return (Cpx){-INFINITY, atan2(z.im, z.re)};    /* the pole */
        re = log(hypot(ldexp(ax, DBL_MANT_DIG), ldexp(ay, DBL_MANT_DIG))) - DBL_MANT_DIG * M_LN2;
    } else {
        double h = hypot(ax, ay);
        if (0.71 <= h && h <= 1.73) {
            /* near the unit circle log1p keeps the digits log(h) loses */
            double am = ax > ay ? ax : ay, an = ax > ay ? ay : ax;
            re = log1p((am - 1) * (am + 1) + an * an) / 2.0;
        } else {
            re = log(h);
        }
    }
    return (Cpx){re, atan2(z.im, z.re)};
}

static Cpx c_exp(Cpx z) {
    if (isinf(z.re) && z.re < 0 && !isfinite(z.im)) return (Cpx){0.0, 0.0};    /* C99: ±0 ± 0i */
    if (!all_finite(z)) return c99(cexp, z);
    if (z.re > LOG_LARGE) {
        double l = exp(z.re - 1.0);
        return (Cpx){l * cos(z.im) * M_E, l * sin(z.im) * M_E};
    }
    double l = exp(z.re);
    return (Cpx){l * cos(z.im), l * sin(z.im)};
}

static Cpx c_cosh(Cpx z) {
    if (isnan(z.re) && z.im == 0.0) return (Cpx){NAN, 0.0};     /* C99: NaN ± 0i */
    if (!all_finite(z)) return c99(ccosh, z);
    if (fabs(z.re) > LOG_LARGE) {
        double x = z.re - copysign(1.0, z.re);
        return (Cpx){cos(z.im) * cosh(x) * M_E, sin(z.im) * sinh(x) * M_E};
    }
    return (Cpx){cos(z.im) * cosh(z.re), sin(z.im) * sinh(z.re)};
}

static Cpx c_sinh(Cpx z) {
    if (z.re == 0.0 && isnan(z.im)) return (Cpx){0.0, NAN};     /* C99: ±0 + NaN i */
    if (!all_finite(z)) return c99(csinh, z);
    if (fabs(z.re) > LOG_LARGE) {
        double x = z.re - copysign(1.0, z.re);
        return (Cpx){cos(z.im) * sinh(x) * M_E, sin(z.im) * cosh(x) * M_E};
    }
    return (Cpx){cos(z.im) * sinh(z.re), sin(z.im) * cosh(z.re)};
}

static Cpx c_tanh(Cpx z) {
    /* CPython keeps C99's first choices here: tanh(±0 + NaN i) is NaN, and
     * the zero of tanh(±inf ± inf i) is positive */
    if (z.re == 0.0 && isnan(z.im)) return (Cpx){NAN, NAN};
    if (isinf(z.re) && isinf(z.im)) return (Cpx){copysign(1.0, z.re), 0.0};
    if (!all_finite(z)) return c99(ctanh, z);
    if (fabs(z.re) > LOG_LARGE)
        return (Cpx){copysign(1.0, z.re), 4.0 * sin(z.im) * cos(z.im) * exp(-2.0 * fabs(z.re))};
    double tx = tanh(z.re), ty = tan(z.im), cx = 1.0 / cosh(z.re);
    double txty = tx * ty, denom = 1.0 + txty * txty;
    return (Cpx){tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx};
}

/* log|z| + log 4, for the inverse functions of a huge z. */
static double log_2z(Cpx z) { return log(hypot(z.re / 2.0, z.im / 2.0)) + M_LN2 * 2.0; }
static bool huge(Cpx z) { return fabs(z.re) > LARGE || fabs(z.im) > LARGE; }

static Cpx c_asinh(Cpx z) {
    if (!all_finite(z)) return c99(casinh, z);
    if (huge(z)) {
        double re = z.im >= 0 ? copysign(log_2z(z), z.re) : -copysign(log_2z(z), -z.re);
        return (Cpx){re, atan2(z.im, fabs(z.re))};
    }
    Cpx s1 = c_sqrt((Cpx){1.0 + z.im, -z.re}), s2 = c_sqrt((Cpx){1.0 - z.im, z.re});
    return (Cpx){asinh(s1.re * s2.im - s2.re * s1.im), atan2(z.im, s1.re * s2.re - s1.im * s2.im)};
}

static Cpx c_acos(Cpx z) {
    if (isinf(z.re) && isnan(z.im)) return (Cpx){NAN, INFINITY};    /* C99: NaN ± inf i */
    if (!all_finite(z)) return c99(cacos, z);
    if (huge(z)) {
        double im = z.re < 0 ? -copysign(log_2z(z), z.im) : copysign(log_2z(z), -z.im);
        return (Cpx){atan2(fabs(z.im), z.re), im};
    }
    Cpx s1 = c_sqrt((Cpx){1.0 - z.re, -z.im}), s2 = c_sqrt((Cpx){1.0 + z.re, z.im});
    return (Cpx){2.0 * atan2(s1.re, s2.re), asinh(s2.re * s1.im - s2.im * s1.re)};
}

static Cpx c_acosh(Cpx z) {
    if (z.re == 0.0 && isnan(z.im)) return (Cpx){NAN, NAN};     /* as CPython, not C11's NaN + pi/2 i */
    if (!all_finite(z)) return c99(cacosh, z);
    if (huge(z)) return (Cpx){log_2z(z), atan2(z.im, z.re)};
    Cpx s1 = c_sqrt((Cpx){z.re - 1.0, z.im}), s2 = c_sqrt((Cpx){z.re + 1.0, z.im});
    return (Cpx){asinh(s1.re * s2.re + s1.im * s2.im), 2.0 * atan2(s1.im, s2.re)};
}

static Cpx c_atanh(Cpx z) {
    if (!all_finite(z)) return c99(catanh, z);
    if (z.re < 0.0) {   /* odd: computed for the right half-plane */
        Cpx r = c_atanh((Cpx){-z.re, -z.im});
        return (Cpx){-r.re, -r.im};
    }
    double x = z.re, ay = fabs(z.im);
    if (x > SQRT_LARGE || ay > SQRT_LARGE) {
        double h = hypot(x / 2.0, z.im / 2.0);
        return (Cpx){x / 4.0 / h / h, -copysign(M_PI / 2.0, -z.im)};
    }
    if (x == 1.0 && ay < SQRT_DBL_MIN) {
        if (ay == 0.0) return (Cpx){INFINITY, z.im};     /* the pole */
        return (Cpx){-log(sqrt(ay) / sqrt(hypot(ay, 2.0))), copysign(atan2(2.0, -ay) / 2.0, z.im)};
    }
    return (Cpx){log1p(4.0 * x / ((1 - x) * (1 - x) + ay * ay)) / 4.0,
                 -atan2(-2.0 * z.im, (1 - x) * (1 + x) - ay * ay) / 2.0};
}

static Cpx c_sin(Cpx z) { return unquarter(c_sinh(quarter(z))); }
static Cpx c_cos(Cpx z) { return c_cosh(quarter(z)); }
static Cpx c_tan(Cpx z) { return unquarter(c_tanh(quarter(z))); }
static Cpx c_asin(Cpx z) { return unquarter(c_asinh(quarter(z))); }
static Cpx c_atan(Cpx z) { return unquarter(c_atanh(quarter(z))); }

static Value cmath_1(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, Cpx (*fn)(Cpx),
                     bool can_overflow) {
    Cpx z;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !to_complex(vm, args[0], &z)) return ERR;
    return result(vm, z, fn(z), can_overflow);
}

#define UNARY(cname, ovf) \
    static Value m_##cname(VM *vm, Value *a, int n, ObjTuple *kw) { \
        return cmath_1(vm, a, n, kw, "cmath." #cname, c_##cname, ovf); \
    }
UNARY(sqrt, false) UNARY(exp, true)
UNARY(sin, true) UNARY(cos, true) UNARY(tan, false)
UNARY(asin, false) UNARY(acos, false) UNARY(atan, false)
UNARY(sinh, true) UNARY(cosh, true) UNARY(tanh, false)
UNARY(asinh, false) UNARY(acosh, false) UNARY(atanh, false)
#undef UNARY

/* log10 as CPython computes it: the natural log's parts over ln 10. */
static Value m_log10(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Cpx z;
    if (!args_check(vm, "cmath.log10", nargs, kw, 1, 1) || !to_complex(vm, args[0], &z)) return ERR;
    Cpx r = c_log(z);
    r.re /= M_LN10;
    r.im /= M_LN10;
    return result(vm, z, r, false);
}

/* log(z[, base]): log(z) / log(base) by complex division, whose division
 * by zero (base 1) is a domain error too. As in CPython, only the base's
 * logarithm can fail then: log(0, 2) is (-inf+nanj). */
static Value m_log(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_no_kw(vm, "cmath.log", kw)) return ERR;
    if (nargs < 1 || nargs > 2)
        return nargs < 1 ? exc_raise(vm, E_TypeError, "log expected at least 1 argument, got %d", nargs)
                         : exc_raise(vm, E_TypeError, "log expected at most 2 arguments, got %d", nargs);
    Cpx z, base;
    if (!to_complex(vm, args[0], &z) || (nargs == 2 && !to_complex(vm, args[1], &base))) return ERR;
    Cpx r = c_log(z);
    if (nargs == 1) return result(vm, z, r, false);
    Cpx lb = c_log(base);
    if ((has_nan(lb) && !has_nan(base)) || (has_inf(lb) && all_finite(base))) return domain_error(vm);
    if (lb.re == 0.0 && lb.im == 0.0) return domain_error(vm);
    Value a = cpx_new(vm, r.re, r.im);
    Value b = a == ERR ? ERR : cpx_new(vm, lb.re, lb.im);
    return b == ERR ? ERR : cpx_binop(vm, BIN_TRUEDIV, a, b);
}

/* ---- polar coordinates -------------------------------------------------- */

static Value m_phase(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Cpx z;
    if (!args_check(vm, "cmath.phase", nargs, kw, 1, 1) || !to_complex(vm, args[0], &z)) return ERR;
    /* CPython reports atan2's underflow (errno ERANGE): phase(2+5e-324j) */
    errno = 0;
    double r = atan2(z.im, z.re);
    return errno == ERANGE ? range_error(vm) : float_val(r);
}

static Value m_polar(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Cpx z;
    if (!args_check(vm, "cmath.polar", nargs, kw, 1, 1) || !to_complex(vm, args[0], &z)) return ERR;
    double r = hypot(z.re, z.im);
    if (isinf(r) && all_finite(z)) return range_error(vm);
    Value items[2] = {float_val(r), float_val(atan2(z.im, z.re))};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

/* rect(r, phi) = r * (cos phi + i sin phi), with CPython's special values:
 * an infinite modulus keeps its sign on each part that is not zero. */
static Value m_rect(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    double r, phi;
    if (!args_no_kw(vm, "cmath.rect", kw)) return ERR;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "rect expected 2 arguments, got %d", nargs);
    if (!to_real(vm, args[0], &r) || !to_real(vm, args[1], &phi)) return ERR;
    if (isinf(phi) && !isnan(r) && r != 0.0) return domain_error(vm);
    Cpx z;
    if (isinf(r) && isnan(phi)) {
        z = (Cpx){INFINITY, NAN};
    } else if (isnan(r) && phi == 0.0) {
        z = (Cpx){NAN, 0.0};
    } else if (isinf(r) && isfinite(phi) && phi != 0.0) {
        double c = cos(phi), s = sin(phi);
        z = (Cpx){c == 0.0 ? copysign(0.0, r * c) : r * c, s == 0.0 ? copysign(0.0, r * s) : r * s};
    } else if (isinf(r) && phi == 0.0) {
        z = (Cpx){r, r > 0 ? phi : -phi};
    } else if (r == 0.0 && !isfinite(phi)) {
        z = (Cpx){0.0, 0.0};
    } else if (phi == 0.0 && !isnan(r)) {
        z = (Cpx){r, r * phi};
    } else {
        z = (Cpx){r * cos(phi), r * sin(phi)};
    }
    return cpx_new(vm, z.re, z.im);
}

/* ---- classification ----------------------------------------------------- */

#define CLASSIFY(cname, expr) \
    static Value m_##cname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        Cpx z; \
        if (!args_check(vm, "cmath." #cname, nargs, kw, 1, 1) || !to_complex(vm, args[0], &z)) return ERR; \
        return bool_val(expr); \
    }
CLASSIFY(isfinite, all_finite(z)) CLASSIFY(isinf, has_inf(z)) CLASSIFY(isnan, has_nan(z))
#undef CLASSIFY

static Value m_isclose(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"a", "b", "rel_tol", "abs_tol"};
    Value p[4];
    if (nargs > 2)
        return exc_raise(vm, E_TypeError, "isclose() takes exactly 2 positional arguments (%d given)", nargs);
    /* a missing required argument is reported before a duplicated one */
    for (int i = nargs; i < 2; i++)
        if (args_kw(vm, args, nargs, kw, names[i]) == UNDEF)
            return exc_raise(vm, E_TypeError, "isclose() missing required argument '%s' (pos %d)", names[i], i + 1);
    if (!args_bind(vm, "isclose", args, nargs, kw, names, 4, 2, 2, ARGS_INVALID_KW, p)) return ERR;
    Cpx a, b;
    double rel = 1e-9, abs_tol = 0.0;
    if (!to_complex(vm, p[0], &a) || !to_complex(vm, p[1], &b)) return ERR;
    if (p[2] != UNDEF && !to_real(vm, p[2], &rel)) return ERR;
    if (p[3] != UNDEF && !to_real(vm, p[3], &abs_tol)) return ERR;
    if (rel < 0.0 || abs_tol < 0.0) return exc_raise(vm, E_ValueError, "tolerances must be non-negative");
    if (a.re == b.re && a.im == b.im) return TRUE_VAL;
    if (has_inf(a) || has_inf(b)) return FALSE_VAL;
    double diff = hypot(b.re - a.re, b.im - a.im);
    return bool_val(diff <= rel * hypot(b.re, b.im) || diff <= rel * hypot(a.re, a.im) || diff <= abs_tol);
}

/* ---- the module --------------------------------------------------------- */

static const struct {
    const char *name;
    NativeFn fn;
} functions[] = {
    {"sqrt", m_sqrt}, {"exp", m_exp}, {"log", m_log}, {"log10", m_log10},
    {"sin", m_sin}, {"cos", m_cos}, {"tan", m_tan}, {"asin", m_asin}, {"acos", m_acos}, {"atan", m_atan},
    {"sinh", m_sinh}, {"cosh", m_cosh}, {"tanh", m_tanh}, {"asinh", m_asinh}, {"acosh", m_acosh},
    {"atanh", m_atanh}, {"phase", m_phase}, {"polar", m_polar}, {"rect", m_rect},
    {"isfinite", m_isfinite}, {"isinf", m_isinf}, {"isnan", m_isnan}, {"isclose", m_isclose},
};

bool mod_cmath_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    return module_add_value(vm, m, "pi", float_val(M_PI)) && module_add_value(vm, m, "e", float_val(M_E)) &&
           module_add_value(vm, m, "tau", float_val(2 * M_PI)) && module_add_value(vm, m, "inf", float_val(INFINITY)) &&
           module_add_value(vm, m, "nan", float_val(NAN)) &&
           module_add_value(vm, m, "infj", cpx_new(vm, 0.0, INFINITY)) &&
           module_add_value(vm, m, "nanj", cpx_new(vm, 0.0, NAN));
}
