/* complex: two doubles in an immutable ObjComplex, with CPython's semantics.
 *
 * Value words hold doubles and small ints only, so every complex value is
 * a heap object (as are the instances of Python subclasses of complex,
 * marked OBJ_SUBTYPE). Arithmetic follows CPython's formulas exactly, not
 * C99's Annex G: the textbook product, Smith's division, repeated squaring
 * for small integral exponents and the polar form for the others, so that
 * results (infinities and NaNs included) print as CPython's do.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "subtype.h"

Value cpx_new(VM *vm, double re, double im) {
    ObjComplex *c = gc_new(vm, sizeof(ObjComplex), OBJ_COMPLEX, vm->types[T_COMPLEX]);
    if (!c) return ERR;
    c->re = re;
    c->im = im;
    return obj_val(c);
}

static Value new_of(VM *vm, Cpx z) { return cpx_new(vm, z.re, z.im); }

int cpx_of(VM *vm, Value v, Cpx *out) {
    out->im = 0.0;
    if (is_float(v)) {
        out->re = as_float(v);
        return 1;
    }
    if (is_intlike(v)) return int_to_float(vm, v, &out->re) == ERR ? -1 : 1;
    if (is_kind(v, OBJ_FLOAT)) {
        out->re = AS(ObjFloat, v)->d;
        return 1;
    }
    if (is_kind(v, OBJ_COMPLEX)) {
        *out = (Cpx){AS(ObjComplex, v)->re, AS(ObjComplex, v)->im};
        return 1;
    }
    return 0;
}

int cpx_coerce(VM *vm, Value v, bool use_complex, Cpx *out, bool *was_cpx) {
    /* a subclass's instance is asked too (its __complex__ may differ) */
    bool plain = is_kind(v, OBJ_COMPLEX) && !(as_obj(v)->flags & OBJ_SUBTYPE);
    Value m = use_complex && !plain ? op_special(vm, v, N___complex__) : UNDEF;
    if (m != UNDEF) {
        v = op_call_special(vm, v, m, NULL, 0);
        if (v == ERR) return -1;
        if (!is_kind(v, OBJ_COMPLEX)) {
            exc_raise(vm, E_TypeError, "__complex__ returned non-complex (type %T)", v);
            return -1;
        }
        if (as_obj(v)->flags & OBJ_SUBTYPE) {
            if (!vm_push_root(vm, v)) return -1;    /* the warning runs code */
            bool ok = exc_warn(vm, E_DeprecationWarning, "__complex__ returned non-complex (type %T).  The ability "
                               "to return an instance of a strict subclass of complex is deprecated, and may be "
                               "removed in a future version of Python.", v);
            vm_pop_roots(vm, 1);
            if (!ok) return -1;
        }
    }
    *was_cpx = is_kind(v, OBJ_COMPLEX);
    int k = cpx_of(vm, v, out);
    if (k) return k;
    if (op_special(vm, v, N___float__) == UNDEF && op_special(vm, v, N___index__) == UNDEF) return 0;
    Value f = op_call1(vm, obj_val(vm->types[T_FLOAT]), v);
    if (f == ERR) return -1;
    *out = (Cpx){as_float(f), 0.0};
    return 1;
}

/* ---- arithmetic --------------------------------------------------------- */

static Cpx c_mul(Cpx a, Cpx b) { return (Cpx){a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; }

/* a / b by Smith's method (scaling by the larger part of b, so that the
 * intermediate products stay in range); false when b is zero. */
static bool c_div(Cpx a, Cpx b, Cpx *out) {
    double abs_re = fabs(b.re), abs_im = fabs(b.im);
    if (abs_re >= abs_im) {
        if (abs_re == 0.0) return false;
        double ratio = b.im / b.re, denom = b.re + b.im * ratio;
        *out = (Cpx){(a.re + a.im * ratio) / denom, (a.im - a.re * ratio) / denom};
    } else if (abs_im >= abs_re) {
        double ratio = b.re / b.im, denom = b.re * ratio + b.im;
        *out = (Cpx){(a.re * ratio + a.im) / denom, (a.im * ratio - a.re) / denom};
    } else {
        *out = (Cpx){NAN, NAN};     /* b has a NaN part */
    }
    return true;
}

/* x ** n for n >= 0 by repeated squaring. */
static Cpx c_powu(Cpx x, long n) {
    Cpx r = {1.0, 0.0};
    for (; n > 0; n >>= 1) {
        if (n & 1) r = c_mul(r, x);
        x = c_mul(x, x);
    }
    return r;
}

static Value zero_power(VM *vm) {
    return exc_raise(vm, E_ZeroDivisionError, "0.0 to a negative or complex power");
}

Value cpx_pow(VM *vm, Cpx a, Cpx b) {
    Cpx r;
    if (b.im == 0.0 && b.re == floor(b.re) && fabs(b.re) <= 100.0) {
        /* small integral exponents multiply, as CPython does: exact
         * results for Gaussian integers */
        long n = (long)b.re;
        r = c_powu(a, labs(n));
        if (n <= 0 && !c_div((Cpx){1.0, 0.0}, r, &r)) return zero_power(vm);
    } else if (b.re == 0.0 && b.im == 0.0) {
        r = (Cpx){1.0, 0.0};
    } else if (a.re == 0.0 && a.im == 0.0) {
        if (b.im != 0.0 || b.re < 0.0) return zero_power(vm);
        r = (Cpx){0.0, 0.0};
    } else {
        double vabs = hypot(a.re, a.im), len = pow(vabs, b.re);
        double at = atan2(a.im, a.re), phase = at * b.re;
        if (b.im != 0.0) {
            len /= exp(at * b.im);
            phase += b.im * log(vabs);
        }
        /* CPython reports the domain error of cos(±inf) as this */
        if (isinf(phase)) return zero_power(vm);
        r = (Cpx){len * cos(phase), len * sin(phase)};
    }
    if (isinf(r.re) || isinf(r.im)) return exc_raise(vm, E_OverflowError, "complex exponentiation");
    return new_of(vm, r);
}

Value cpx_binop(VM *vm, BinOp op, Value a, Value b) {
    Cpx x, y;
    int ka = cpx_of(vm, a, &x);
    if (ka < 0) return ERR;
    int kb = ka ? cpx_of(vm, b, &y) : 0;
    if (kb < 0) return ERR;
    if (!ka || !kb) return NOTIMPL_VAL;
    switch (op) {
    case BIN_ADD: return cpx_new(vm, x.re + y.re, x.im + y.im);
    case BIN_SUB: return cpx_new(vm, x.re - y.re, x.im - y.im);
    case BIN_MUL: return new_of(vm, c_mul(x, y));
    case BIN_TRUEDIV: {
        Cpx r;
        if (!c_div(x, y, &r)) return exc_raise(vm, E_ZeroDivisionError, "complex division by zero");
        return new_of(vm, r);
    }
    case BIN_POW: return cpx_pow(vm, x, y);
    default: return NOTIMPL_VAL;
    }
}

static Value abs_of(VM *vm, Cpx z) {
    double r = hypot(z.re, z.im);
    if (isinf(r) && isfinite(z.re) && isfinite(z.im))
        return exc_raise(vm, E_OverflowError, "absolute value too large");
    return float_val(r);
}

/* ---- comparison, hashing, repr ------------------------------------------ */

Value cpx_compare(VM *vm, CmpOp op, Value a, Value b) {
    if (op != CMP_EQ && op != CMP_NE) return NOTIMPL_VAL;
    if (!is_kind(a, OBJ_COMPLEX)) {
        Value t = a;
        a = b;
        b = t;
    }
    if (!is_kind(a, OBJ_COMPLEX)) return NOTIMPL_VAL;
    ObjComplex *z = AS(ObjComplex, a);
    bool eq;
    if (is_intlike(b)) {
        /* exactly, as float == int: 2**53 + 1 is not 2.0**53 */
        eq = z->im == 0.0 && flt_cmp_num(vm, z->re, b, CMP_EQ);
    } else {
        Cpx w;
        if (cpx_of(vm, b, &w) != 1) return NOTIMPL_VAL;     /* ints were taken above */
        eq = z->re == w.re && z->im == w.im;
    }
    return bool_val(eq == (op == CMP_EQ));
}

uint64_t cpx_hash(Cpx z) {
    uint64_t h = flt_hash(z.re) + 1000003ull * flt_hash(z.im);
    return h == (uint64_t)-1 ? (uint64_t)-2 : h;
}

/* A part as CPython's repr writes it: float's repr without a ".0". */
static void add_part(StrBuf *b, double d, bool sign) {
    char t[40];
    flt_repr(d, t);
    size_t n = strlen(t);
    if (n > 2 && !strcmp(t + n - 2, ".0")) t[n - 2] = 0;
    if (sign && t[0] != '-') sb_addc(b, '+');
    sb_adds(b, t);
}

void cpx_repr(Cpx z, StrBuf *b) {
    if (z.re == 0.0 && !signbit(z.re)) {
        add_part(b, z.im, false);
        sb_addc(b, 'j');
        return;
    }
    sb_addc(b, '(');
    add_part(b, z.re, false);
    add_part(b, z.im, true);
    sb_adds(b, "j)");
}

/* ---- complex(str) ------------------------------------------------------- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* The length of the float at the start of s[0..n) (sign, digits, point,
 * exponent, or inf/infinity/nan), 0 when there is none; its value in *out. */
static size_t scan_float(const char *s, size_t n, double *out) {
    size_t i = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    static const char *const words[] = {"infinity", "inf", "nan"};
    size_t w = 0;
    for (size_t k = 0; k < 3 && !w; k++)
        if (n - i >= strlen(words[k]) && !strncasecmp(s + i, words[k], strlen(words[k]))) w = strlen(words[k]);
    if (w) {
        i += w;
    } else {
        size_t digits = 0;
        for (; i < n && is_digit(s[i]); i++) digits++;
        if (i < n && s[i] == '.')
            for (i++; i < n && is_digit(s[i]); i++) digits++;
        if (!digits) return 0;
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            size_t j = i + 1;
            if (j < n && (s[j] == '+' || s[j] == '-')) j++;
            if (j < n && is_digit(s[j])) {
                for (; j < n && is_digit(s[j]); j++) {}
                i = j;
            }
        }
    }
    char buf[512];
    char *t = i < sizeof buf ? buf : malloc(i + 1);
    if (!t) {
        *out = NAN;     /* out of memory for a huge literal: read it as malformed */
        return 0;
    }
    memcpy(t, s, i);
    t[i] = 0;
    *out = strtod(t, NULL);
    if (t != buf) free(t);
    return i;
}

/* CPython's forms: "x", "yj", "x+yj", "x-yj", "j", "+j", "x-j", in optional
 * parentheses, with spaces around and inside them. */
static bool parse_parts(const char *s, size_t n, Cpx *out) {
    size_t i = 0;
    while (i < n && flt_is_space(s[i])) i++;
    while (n > i && flt_is_space(s[n - 1])) n--;
    bool paren = i < n && s[i] == '(';
    if (paren) {
        if (s[n - 1] != ')') return false;
        i++;
        n--;
        while (i < n && flt_is_space(s[i])) i++;
        while (n > i && flt_is_space(s[n - 1])) n--;
    }
    double x = 0.0, y = 0.0;
    size_t k = scan_float(s + i, n - i, &x);
    if (k) {
        i += k;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            size_t m = scan_float(s + i, n - i, &y);
            if (!m) y = s[i] == '+' ? 1.0 : -1.0, m = 1;
            i += m;
            if (i >= n || (s[i] != 'j' && s[i] != 'J')) return false;
            i++;
        } else if (i < n && (s[i] == 'j' || s[i] == 'J')) {
            y = x;
            x = 0.0;
            i++;
        }
    } else {
        y = 1.0;
        if (i < n && (s[i] == '+' || s[i] == '-')) y = s[i++] == '+' ? 1.0 : -1.0;
        if (i >= n || (s[i] != 'j' && s[i] != 'J')) return false;
        i++;
    }
    *out = (Cpx){x, y};
    return i == n;
}

/* Drops the underscores of s[0..n) (ASCII) in place; false when one is not
 * between two digits. */
static bool drop_underscores(char *s, size_t *n) {
    size_t o = 0;
    for (size_t i = 0; i < *n; i++) {
        if (s[i] != '_') {
            s[o++] = s[i];
            continue;
        }
        if (i == 0 || i + 1 >= *n || !is_digit(s[i - 1]) || !is_digit(s[i + 1])) return false;
    }
    *n = o;
    s[o] = 0;
    return true;
}

static Value cpx_parse(VM *vm, ObjStr *str) {
    size_t len = (size_t)str->len;
    char small[128];
    char *t = len + 1 <= sizeof small ? small : malloc(len + 1);
    if (!t) return exc_nomem(vm);
    size_t n = flt_to_ascii(str->data, len, t);
    /* As CPython: underscores (before any NUL) are checked first, and a bad
       one or a NUL then gives the 'could not convert' message; without
       underscores a NUL is just malformed. */
    bool nul = memchr(t, 0, n) != NULL;
    bool has_us = memchr(t, '_', strlen(t)) != NULL;
    bool underscores = has_us ? !nul && drop_underscores(t, &n) : true;
    Cpx z;
    bool ok = !nul && underscores && parse_parts(t, n, &z);
    if (t != small) free(t);
    if (ok) return new_of(vm, z);
    if (!underscores)
        return exc_raise(vm, E_ValueError, "could not convert string to complex: %R", obj_val(str));
    return exc_raise(vm, E_ValueError, "complex() arg is a malformed string");
}

/* ---- the constructor ---------------------------------------------------- */

/* One argument of complex(): its value, and whether it was a complex
 * number (which the other argument's parts combine with). */
static bool ctor_arg(VM *vm, Value v, bool first, Cpx *out, bool *is_cpx) {
    int k = cpx_coerce(vm, v, first, out, is_cpx);
    if (k) return k > 0;
    if (first) exc_raise(vm, E_TypeError, "complex() first argument must be a string or a number, not '%T'", v);
    else exc_raise(vm, E_TypeError, "complex() second argument must be a number, not '%T'", v);
    return false;
}

static Value complex_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (args[0] != obj_val(vm->types[T_COMPLEX])) return subtype_new(vm, T_COMPLEX, args, nargs, kw);
    static const char *const names[] = {"real", "imag"};
    Value p[2];
    if (!args_bind(vm, "complex", args + 1, nargs - 1, kw, names, 2, 2, 0, ARGS_INVALID_KW, p)) return ERR;
    Value r = p[0] == UNDEF ? int_val(0) : p[0], i = p[1];
    if (is_str(r)) {
        if (i != UNDEF) return exc_raise(vm, E_TypeError, "complex() can't take second arg if first is a string");
        return cpx_parse(vm, AS(ObjStr, r));
    }
    if (i != UNDEF && is_str(i)) return exc_raise(vm, E_TypeError, "complex() second arg can't be a string");
    if (i == UNDEF && is_kind(r, OBJ_COMPLEX) && as_obj(r)->cls == vm->types[T_COMPLEX]) return r;
    Cpx x, y = {0.0, 0.0};
    bool rc, ic = false;
    if (!ctor_arg(vm, r, true, &x, &rc)) return ERR;
    if (i == UNDEF) return new_of(vm, x);
    if (!ctor_arg(vm, i, false, &y, &ic)) return ERR;
    /* (x.re + x.im j) + (y.re + y.im j) j; a part is added only when
     * present, so that complex(1, -0.0) keeps its negative zero */
    double re = ic ? x.re - y.im : x.re, im = rc ? y.re + x.im : y.re;
    return cpx_new(vm, re, im);
}

/* ---- methods ------------------------------------------------------------ */

/* The complex number a method was called on; false after TypeError when it
 * was taken from the class and given something else. */
static bool self_complex(VM *vm, Value *args, int nargs, const char *name, Cpx *out) {
    if (nargs < 1) {
        exc_raise(vm, E_TypeError, "descriptor '%s' of 'complex' object needs an argument", name);
        return false;
    }
    if (!is_kind(args[0], OBJ_COMPLEX)) {
        exc_raise(vm, E_TypeError, "descriptor '%s' for 'complex' objects doesn't apply to a '%T' object", name,
                  args[0]);
        return false;
    }
    *out = (Cpx){AS(ObjComplex, args[0])->re, AS(ObjComplex, args[0])->im};
    return true;
}

#define SIMPLE_METHOD(fname, pyname, expr) \
    static Value fname(VM *vm, Value *args, int nargs, ObjTuple *kw) { \
        Cpx z; \
        if (!self_complex(vm, args, nargs, pyname, &z) || !args_none(vm, "complex", pyname, nargs, kw)) return ERR; \
        return (expr); \
    }

/* complex(z): z itself when it is a plain complex, else a plain copy. */
static Value plain_of(VM *vm, Value self, Cpx z) {
    return as_obj(self)->cls == vm->types[T_COMPLEX] ? self : new_of(vm, z);
}

static Value getnewargs_of(VM *vm, Cpx z) {
    Value items[2] = {float_val(z.re), float_val(z.im)};
    ObjTuple *t = tuple_from(vm, items, 2);
    return t ? obj_val(t) : ERR;
}

SIMPLE_METHOD(m_conjugate, "conjugate", cpx_new(vm, z.re, -z.im))
SIMPLE_METHOD(m_complex, "__complex__", plain_of(vm, args[0], z))
SIMPLE_METHOD(m_getnewargs, "__getnewargs__", getnewargs_of(vm, z))
SIMPLE_METHOD(m_neg, "__neg__", cpx_new(vm, -z.re, -z.im))
SIMPLE_METHOD(m_pos, "__pos__", new_of(vm, z))
SIMPLE_METHOD(m_abs, "__abs__", abs_of(vm, z))

/* complex.real and complex.imag: member descriptors, as in CPython (the
 * attribute lookup on a complex reads the parts directly, ops.c). */
static Value member_real(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm, (void)nargs, (void)kw;
    return float_val(AS(ObjComplex, args[1])->re);
}

static Value member_imag(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm, (void)nargs, (void)kw;
    return float_val(AS(ObjComplex, args[1])->im);
}

void cpx_init(VM *vm) {
    static const struct {
        const char *name;
        NativeFn fn;
    } methods[] = {
        {"conjugate", m_conjugate}, {"__complex__", m_complex}, {"__getnewargs__", m_getnewargs},
        {"__neg__", m_neg}, {"__pos__", m_pos}, {"__abs__", m_abs},
    };
    ObjClass *c = vm->types[T_COMPLEX];
    for (size_t i = 0; i < sizeof methods / sizeof *methods; i++)
        class_add_native(vm, c, methods[i].name, methods[i].fn);
    class_add_member(vm, c, "real", member_real, "the real part of a complex number");
    class_add_member(vm, c, "imag", member_imag, "the imaginary part of a complex number");
    ObjNative *n = native_new(vm, "__new__", complex_new);
    if (n) dict_set_str(vm, c->dict, vm_name(vm, N___new__), obj_val(n));
}
