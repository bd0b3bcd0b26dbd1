/* Formatting: the format-spec mini-language (format(), f-strings,
 * str.format fields), str.format itself, and printf-style `%`, with
 * CPython 3.11's results and error messages.
 *
 * Numbers are rendered in three parts, as CPython does: a sign and prefix,
 * the integer digits (which grouping and zero-padding act on), and the rest
 * (fraction, exponent, '%'). Floats go through C's printf, whose
 * correctly-rounded %e/%f/%g output is what CPython's dtoa produces; the
 * differences (the empty presentation type, 'z', '%') are handled here.
 */
#include "str.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containers.h"
#include "exc.h"
#include "num.h"
#include "ops.h"

/* str.format_map's engine; str_methods.c calls it (str.h lacks it). */

static ObjStr *S(Value v) { return AS(ObjStr, v); }

/* A width past INT32_MAX is a MemoryError here, where CPython fails to
 * allocate it (after the spec's other checks), not a minutes-long loop. */
static void add_times(StrBuf *b, const char *s, size_t n, int64_t times) {
    if (times > INT32_MAX) {
        b->oom = true;
        return;
    }
    for (int64_t i = 0; i < times; i++) sb_add(b, s, n);
}

/* Appends the first n code points of s (all when n < 0). */
static void add_prefix_cps(StrBuf *b, const ObjStr *s, int64_t n) {
    if (n < 0 || n >= s->cplen) { sb_add(b, s->data, (size_t)s->len); return; }
    if (s->ascii) { sb_add(b, s->data, (size_t)n); return; }
    size_t pos = 0;
    for (int64_t i = 0; i < n; i++) utf8_decode(s->data, (size_t)s->len, &pos);
    sb_add(b, s->data, pos);
}

/* ascii(): repr with non-ASCII characters escaped. */
static bool add_ascii(VM *vm, StrBuf *b, Value v) {
    Value r = op_repr(vm, v);
    if (r == ERR) return false;
    ObjStr *s = S(r);
    size_t pos = 0;
    while (pos < (size_t)s->len) {
        uint32_t c = utf8_decode(s->data, (size_t)s->len, &pos);
        if (c < 0x80) sb_addc(b, (char)c);
        else if (c < 0x100) sb_addf(b, "\\x%02x", c);
        else if (c < 0x10000) sb_addf(b, "\\u%04x", c);
        else sb_addf(b, "\\U%08x", c);
    }
    return true;
}

/* ---- the format-spec mini-language ------------------------------------- */

typedef struct Spec {
    char fill[5];           /* UTF-8 of the fill character */
    size_t flen;
    char align;             /* '<' '>' '^' '=' or 0 */
    char sign;              /* '+' '-' ' ' or 0 */
    bool z, alt;
    char grouping;          /* ',' '_' or 0 */
    int64_t width, prec;    /* -1 when absent */
    uint32_t type;          /* a code point, 0 when absent */
} Spec;

static bool is_align(uint32_t c) { return c == '<' || c == '>' || c == '=' || c == '^'; }

static void set_fill(Spec *f, uint32_t c) {
    StrBuf b = {f->fill, 0, sizeof f->fill, false};
    sb_add_utf8(&b, c);
    f->flen = b.len;
}

static bool read_digits(VM *vm, const uint32_t *cp, int64_t n, int64_t *pos, int64_t *out) {
    int64_t v = 0, start = *pos;
    while (*pos < n && cp[*pos] >= '0' && cp[*pos] <= '9') {
        if (v > (INT64_MAX / 4 - 9) / 10) {
            exc_raise(vm, E_ValueError, "Too many decimal digits in format string");
            return false;
        }
        v = v * 10 + (cp[(*pos)++] - '0');
    }
    *out = *pos > start ? v : -1;
    return true;
}

static void bad_grouping(VM *vm, char g, uint32_t type) {
    if (type > 32 && type < 128) exc_raise(vm, E_ValueError, "Cannot specify '%c' with '%c'.", g, (int)type);
    else exc_raise(vm, E_ValueError, "Cannot specify '%c' with '\\x%x'.", g, (unsigned)type);
}

/* Parses spec; default_type is the type of an empty presentation type
 * ('s' for str, 'd' for int, 0 for float), default_align '<' or '>'. */
static bool parse_spec(VM *vm, ObjStr *spec, uint32_t default_type, char default_align,
                       const char *tname, Spec *f) {
    *f = (Spec){.fill = " ", .flen = 1, .width = -1, .prec = -1, .type = default_type};
    int64_t n = spec ? spec->cplen : 0, pos = 0;
    uint32_t cps[64], *cp = cps;
    if (n > 64 && !(cp = malloc(sizeof(uint32_t) * (size_t)n))) { exc_nomem(vm); return false; }
    size_t bpos = 0;
    for (int64_t i = 0; i < n; i++) cp[i] = utf8_decode(spec->data, (size_t)spec->len, &bpos);
    bool ok = false, fill_given = false, align_given = false;
    if (n >= 2 && is_align(cp[1])) {
        set_fill(f, cp[0]);
        f->align = (char)cp[1];
        fill_given = align_given = true;
        pos = 2;
    } else if (n >= 1 && is_align(cp[0])) {
        f->align = (char)cp[0];
        align_given = true;
        pos = 1;
    }
    if (pos < n && (cp[pos] == '+' || cp[pos] == '-' || cp[pos] == ' ')) f->sign = (char)cp[pos++];
    if (pos < n && cp[pos] == 'z') { f->z = true; pos++; }
    if (pos < n && cp[pos] == '#') { f->alt = true; pos++; }
    if (!fill_given && pos < n && cp[pos] == '0') {
        set_fill(f, '0');
        if (!align_given && default_align == '>') f->align = '=';
        pos++;
    }
    if (!read_digits(vm, cp, n, &pos, &f->width)) goto done;
    if (pos < n && (cp[pos] == ',' || cp[pos] == '_')) {
        f->grouping = (char)cp[pos++];
        /* ",_" and "_," are errors at once; a doubled one only as the
           type (the last character), as CPython's parser meets them. */
        if (pos < n && (cp[pos] == ',' || cp[pos] == '_') && cp[pos] != (uint32_t)f->grouping) {
            exc_raise(vm, E_ValueError, "Cannot specify both ',' and '_'.");
            goto done;
        }
    }
    if (pos < n && cp[pos] == '.') {
        pos++;
        if (!read_digits(vm, cp, n, &pos, &f->prec)) goto done;
        if (f->prec < 0) { exc_raise(vm, E_ValueError, "Format specifier missing precision"); goto done; }
    }
    if (n - pos > 1) {
        exc_raise(vm, E_ValueError, "Invalid format specifier '%S' for object of type '%s'", spec, tname);
        goto done;
    }
    if (n - pos == 1) f->type = cp[pos];
    if (f->grouping) {
        switch (f->type) {
        case 'd': case 'e': case 'f': case 'g': case 'E': case 'G': case '%': case 'F': case 0:
            break;
        case 'b': case 'o': case 'x': case 'X':
            if (f->grouping == '_') break;
            /* fall through */
        default:
            bad_grouping(vm, f->grouping, f->type);
            goto done;
        }
    }
    ok = true;
done:
    if (cp != cps) free(cp);
    return ok;
}

static Value unknown_code(VM *vm, uint32_t type, const char *tname) {
    if (type > 32 && type < 128)
        return exc_raise(vm, E_ValueError, "Unknown format code '%c' for object of type '%s'", (int)type, tname);
    return exc_raise(vm, E_ValueError, "Unknown format code '\\x%x' for object of type '%s'", (unsigned)type, tname);
}

/* Pads `len` code points of already-built text with the fill character. */
static void pad_text(StrBuf *out, const Spec *f, char default_align, const char *text, size_t nbytes, int64_t len) {
    int64_t padn = f->width > len ? f->width - len : 0;
    char align = f->align ? f->align : default_align;
    /* ('=' pads after a sign; text has none: an int's 'c', for one) */
    int64_t left = align == '>' || align == '=' ? padn : align == '^' ? padn / 2 : 0;
    add_times(out, f->fill, f->flen, left);
    sb_add(out, text, nbytes);
    add_times(out, f->fill, f->flen, padn - left);
}

/* tname: the type named in errors (a subclass's own name, as CPython). */
static Value format_str(VM *vm, ObjStr *s, ObjStr *spec, const char *tname) {
    Spec f;
    if (!parse_spec(vm, spec, 's', '<', tname, &f)) return ERR;
    if (f.type != 's') return unknown_code(vm, f.type, tname);
    if (f.sign == ' ') return exc_raise(vm, E_ValueError, "Space not allowed in string format specifier");
    if (f.sign) return exc_raise(vm, E_ValueError, "Sign not allowed in string format specifier");
    if (f.z) return exc_raise(vm, E_ValueError, "Negative zero coercion (z) not allowed in string format specifier");
    if (f.alt) return exc_raise(vm, E_ValueError, "Alternate form (#) not allowed in string format specifier");
    if (f.align == '=') return exc_raise(vm, E_ValueError, "'=' alignment not allowed in string format specifier");
    int64_t len = f.prec >= 0 && f.prec < s->cplen ? f.prec : s->cplen;
    if (len == s->cplen && f.width <= len && s->obj.cls == vm->types[T_STR]) return obj_val(s);
    StrBuf text = SB_INIT, out = SB_INIT;
    add_prefix_cps(&text, s, len);
    pad_text(&out, &f, '<', text.data ? text.data : "", text.len, len);
    sb_free(&text);
    return str_from_buf(vm, &out);
}

/* The integer digits with separators, CPython's InsertThousandsGrouping:
 * zero-padded up to min_width characters when min_width > 0. */
static void add_grouped(StrBuf *out, const char *digits, int64_t nd, char sep, int group, int64_t min_width) {
    if (min_width > INT32_MAX) {
        out->oom = true;
        return;
    }
    if (!sep) {
        add_times(out, "0", 1, min_width - nd);
        sb_add(out, digits, (size_t)nd);
        return;
    }
    /* Built right to left into a scratch buffer, then reversed. */
    StrBuf r = SB_INIT;
    int64_t remaining = nd;
    bool use_sep = false;
    for (;;) {
        int64_t l = remaining > min_width ? remaining : min_width;
        if (l < 1) l = 1;
        if (l > group) l = group;
        int64_t zeros = l - remaining > 0 ? l - remaining : 0;
        int64_t chars = remaining < l ? remaining : l;
        if (use_sep) sb_addc(&r, sep);
        for (int64_t i = 0; i < chars; i++) sb_addc(&r, digits[remaining - 1 - i]);
        add_times(&r, "0", 1, zeros);
        use_sep = true;
        remaining -= chars;
        min_width -= l;
        if (remaining <= 0 && min_width <= 0) break;
        min_width -= 1;
    }
    for (size_t i = r.len; i > 0; i--) sb_addc(out, r.data[i - 1]);
    sb_free(&r);
}

/* Lays out a number: sign, prefix, integer digits (grouped), rest. */
static Value emit_number(VM *vm, const Spec *f, bool neg, const char *prefix, const char *digits, int64_t nd,
                         const char *rest, int group) {
    char signch = neg ? '-' : f->sign == '+' ? '+' : f->sign == ' ' ? ' ' : 0;
    int64_t nsign = signch != 0, nprefix = (int64_t)strlen(prefix), nrest = (int64_t)strlen(rest);
    int64_t min_width = 0;
    if (f->flen == 1 && f->fill[0] == '0' && f->align == '=')
        min_width = f->width - nsign - nprefix - nrest;
    StrBuf body = SB_INIT;
    add_grouped(&body, digits, nd, f->grouping, group, f->grouping ? min_width : 0);
    int64_t total = nsign + nprefix + (int64_t)body.len + nrest;
    int64_t padn = f->width > total ? f->width - total : 0;
    char align = f->align ? f->align : '>';
    int64_t left = align == '>' ? padn : align == '^' ? padn / 2 : 0;
    StrBuf out = SB_INIT;
    if (align != '=') add_times(&out, f->fill, f->flen, left);
    if (signch) sb_addc(&out, signch);
    sb_adds(&out, prefix);
    if (align == '=') add_times(&out, f->fill, f->flen, padn);
    sb_add(&out, body.data ? body.data : "", body.len);
    sb_adds(&out, rest);
    if (align != '=') add_times(&out, f->fill, f->flen, padn - left);
    if (body.oom) out.oom = true;
    sb_free(&body);
    return str_from_buf(vm, &out);
}

static Value format_float_spec(VM *vm, double d, const Spec *f);

static Value format_int_spec(VM *vm, Value v, ObjStr *spec, const char *tname) {
    Spec f;
    if (!parse_spec(vm, spec, 'd', '>', tname, &f)) return ERR;
    switch (f.type) {
    case 'b': case 'c': case 'd': case 'o': case 'x': case 'X': case 'n':
        break;
    case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case '%': {
        double d;
        if (int_to_float(vm, v, &d) == ERR) return ERR;
        return format_float_spec(vm, d, &f);
    }
    default:
        return unknown_code(vm, f.type, tname);
    }
    if (f.prec >= 0) return exc_raise(vm, E_ValueError, "Precision not allowed in integer format specifier");
    if (f.z) return exc_raise(vm, E_ValueError, "Negative zero coercion (z) not allowed in integer format specifier");
    if (f.type == 'c') {
        if (f.sign) return exc_raise(vm, E_ValueError, "Sign not allowed with integer format specifier 'c'");
        if (f.alt) return exc_raise(vm, E_ValueError, "Alternate form (#) not allowed with integer format specifier 'c'");
        int64_t c;
        if (!int_to_i64(v, &c)) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C long");
        if (c < 0 || c > 0x10FFFF) return exc_raise(vm, E_OverflowError, "%%c arg not in range(0x110000)");
        StrBuf ch = SB_INIT, out = SB_INIT;
        sb_add_utf8(&ch, (uint32_t)c);
        pad_text(&out, &f, '>', ch.data ? ch.data : "", ch.len, 1);
        sb_free(&ch);
        return str_from_buf(vm, &out);
    }
    int base = f.type == 'b' ? 2 : f.type == 'o' ? 8 : (f.type == 'x' || f.type == 'X') ? 16 : 10;
    if (base == 10 && !int_str_digits_ok(vm, v)) return ERR;
    StrBuf digits = SB_INIT;
    int_to_buf(v, base, &digits);
    if (digits.oom) { sb_free(&digits); return exc_nomem(vm); }
    bool neg = digits.data[0] == '-';
    const char *d = digits.data + neg;
    if (f.type == 'X')
        for (char *p = digits.data; *p; p++) if (*p >= 'a' && *p <= 'f') *p -= 32;
    const char *prefix = !f.alt ? "" : f.type == 'b' ? "0b" : f.type == 'o' ? "0o" :
                         f.type == 'x' ? "0x" : f.type == 'X' ? "0X" : "";
    Value r = emit_number(vm, &f, neg, prefix, d, (int64_t)strlen(d), "", base == 10 ? 3 : 4);
    sb_free(&digits);
    return r;
}

static char *dfmt(const char *fmt, int prec, double d);

/* '%#.*g' done as C99 defines it, from '%#.*e': glibc rounds 99.5 to
 * "1.e+02" (one digit short) where CPython gives "1.0e+02". */
static char *alt_g(int prec, double d, bool upper) {
    if (prec == 0) prec = 1;
    char *e = dfmt(upper ? "%#.*E" : "%#.*e", prec - 1, d);
    if (!e || !isfinite(d)) return e;
    char *x = strchr(e, upper ? 'E' : 'e');
    int exp = x ? atoi(x + 1) : 0;
    if (exp < -4 || exp >= prec) return e;
    free(e);
    return dfmt("%#.*f", prec - 1 - exp, d);
}

/* snprintf of one double into a malloc'd string. */
static char *dfmt(const char *fmt, int prec, double d) {
    if (!strcmp(fmt, "%#.*g") || !strcmp(fmt, "%#.*G")) return alt_g(prec, d, fmt[4] == 'G');
    char fixed[40];
    if (!strcmp(fmt, "%.*f") && flt_fixed(d, prec, fixed)) {    /* the common case, without printf */
        char *p = malloc(strlen(fixed) + 1);
        if (p) strcpy(p, fixed);
        return p;
    }
    int n = snprintf(NULL, 0, fmt, prec, d);
    char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (p) snprintf(p, (size_t)n + 1, fmt, prec, d);
    return p;
}

bool fmt_pct_float_text(StrBuf *num, double d, char conv, int64_t prec, bool alt, bool plus, bool space,
                        size_t *signlen) {
    char cfmt[8];
    snprintf(cfmt, sizeof cfmt, "%%%s.*%c", alt ? "#" : "", conv);
    char *body = dfmt(cfmt, prec < 0 ? 6 : prec > 100000000 ? 100000000 : (int)prec, fabs(d));  /* never "-nan" */
    if (!body) return false;
    if (signbit(d) && !isnan(d)) sb_addc(num, '-');
    else if (plus) sb_addc(num, '+');
    else if (space) sb_addc(num, ' ');
    *signlen = num->len;
    sb_adds(num, body);
    free(body);
    return !num->oom;
}

/* Removes trailing zeros of the fraction in s[0..end), and the point if
 * nothing is left after it; returns the new end. */
static size_t strip_zeros(char *s, size_t end) {
    char *dot = memchr(s, '.', end);
    if (!dot) return end;
    while (end > (size_t)(dot - s) + 1 && s[end - 1] == '0') end--;
    if (end == (size_t)(dot - s) + 1) end--;
    return end;
}

/* The empty presentation type with a precision: 'g' whose fixed notation
 * keeps a digit after the point (CPython's Py_DTSF_ADD_DOT_0). */
static char *repr_prec(double a, int p, bool alt) {
    if (p == 0) p = 1;
    char *e = dfmt(alt ? "%#.*e" : "%.*e", p - 1, a);
    if (!e) return NULL;
    char *x = strchr(e, 'e');
    int decpt = atoi(x + 1) + 1;
    if (decpt <= -4 || decpt > p - 1) {
        size_t mend = alt ? (size_t)(x - e) : strip_zeros(e, (size_t)(x - e));
        memmove(e + mend, x, strlen(x) + 1);
        return e;
    }
    free(e);
    char *s = dfmt(alt ? "%#.*f" : "%.*f", p - decpt, a);
    if (!s) return NULL;
    size_t end = strlen(s);
    if (!alt) end = strip_zeros(s, end);
    s[end] = 0;
    if (!strchr(s, '.')) {
        char *t = realloc(s, end + 3);
        if (!t) { free(s); return NULL; }
        s = t;
        strcpy(s + end, ".0");
    } else if (s[end - 1] == '.') {
        char *t = realloc(s, end + 2);
        if (!t) { free(s); return NULL; }
        s = t;
        strcpy(s + end, "0");
    }
    return s;
}

static Value format_float_spec(VM *vm, double d, const Spec *f) {
    if (f->prec > INT32_MAX) return exc_raise(vm, E_ValueError, "precision too big");
    uint32_t t = f->type;
    bool pct = false;
    if (t == 'n') t = 'g';
    if (t == '%') { d *= 100; t = 'f'; pct = true; }
    bool neg = signbit(d) && !isnan(d);
    double a = fabs(d);
    int prec = f->prec < 0 ? 6 : f->prec > 100000000 ? 100000000 : (int)f->prec;
    char *body;
    if (!isfinite(a)) {
        bool up = t == 'E' || t == 'F' || t == 'G';
        body = malloc(4);
        if (body) strcpy(body, isnan(a) ? (up ? "NAN" : "nan") : (up ? "INF" : "inf"));
    } else if (t == 0 && f->prec < 0) {
        body = malloc(40);
        if (body) flt_repr(a, body);
        char *e = body && f->alt && !strchr(body, '.') ? strchr(body, 'e') : NULL;
        if (e) { memmove(e + 1, e, strlen(e) + 1); *e = '.'; }
    } else if (t == 0) {
        body = repr_prec(a, prec, f->alt);
    } else {
        char fmt[8] = "%";
        size_t k = 1;
        if (f->alt) fmt[k++] = '#';
        fmt[k++] = '.';
        fmt[k++] = '*';
        fmt[k++] = (char)t;
        fmt[k] = 0;
        body = dfmt(fmt, prec, a);
    }
    if (!body) return exc_nomem(vm);
    if (neg && f->z && isfinite(a)) {
        bool zero = true;
        for (char *p = body; *p && *p != 'e' && *p != 'E'; p++) if (*p >= '1' && *p <= '9') zero = false;
        if (zero) neg = false;
    }
    size_t nd = 0;
    if (isfinite(a)) while (body[nd] >= '0' && body[nd] <= '9') nd++;
    else nd = strlen(body);
    StrBuf rest = SB_INIT;
    sb_adds(&rest, body + nd);
    if (pct) sb_addc(&rest, '%');
    Spec g = *f;
    if (!isfinite(a)) g.grouping = 0;
    Value r = emit_number(vm, &g, neg, "", body, (int64_t)nd, rest.data ? rest.data : "", 3);
    free(body);
    sb_free(&rest);
    return r;
}

static Value format_float(VM *vm, double d, ObjStr *spec, const char *tname) {
    Spec f;
    if (!parse_spec(vm, spec, 0, '>', tname, &f)) return ERR;
    switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': case '%':
        return format_float_spec(vm, d, &f);
    default:
        return unknown_code(vm, f.type, tname);
    }
}

/* One part of a complex number, unpadded: type 0 is repr's form, whose
 * integral values have no ".0" ("2j"; the alternate form keeps the point). */
static bool complex_part(VM *vm, StrBuf *out, double d, const Spec *f, uint32_t type, char sign) {
    Spec g = *f;
    g.width = -1;
    g.align = 0;
    g.type = type;
    g.sign = sign;
    Value s = format_float_spec(vm, d, &g);
    if (s == ERR) return false;
    size_t n = (size_t)S(s)->len;
    if (type == 0 && f->prec < 0 && n > 2 && !strcmp(S(s)->data + n - 2, ".0")) n -= f->alt ? 1 : 2;
    sb_add(out, S(s)->data, n);
    return true;
}

/* CPython's complex.__format__: both parts with the float presentation
 * types, the imaginary one always signed; with no type, str()'s form in
 * parentheses (just the imaginary part when the real one is +0). */
static Value format_complex(VM *vm, double re, double im, ObjStr *spec, const char *tname) {
    Spec f;
    if (!parse_spec(vm, spec, 0, '>', tname, &f)) return ERR;
    switch (f.type) {
    case 0: case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'n': break;
    default: return unknown_code(vm, f.type, tname);
    }
    if (f.prec > INT32_MAX) return exc_raise(vm, E_ValueError, "precision too big");
    if (f.flen == 1 && f.fill[0] == '0')
        return exc_raise(vm, E_ValueError, "Zero padding is not allowed in complex format specifier");
    if (f.align == '=')
        return exc_raise(vm, E_ValueError, "'=' alignment flag is not allowed in complex format specifier");
    bool bare = f.type == 0, skip_re = bare && re == 0.0 && !signbit(re);
    uint32_t type = bare && f.prec >= 0 ? 'g' : f.type;
    StrBuf text = SB_INIT;
    if (bare && !skip_re) sb_addc(&text, '(');
    bool ok = skip_re || complex_part(vm, &text, re, &f, type, f.sign);
    ok = ok && complex_part(vm, &text, im, &f, type, skip_re ? f.sign : '+');
    sb_adds(&text, bare && !skip_re ? "j)" : "j");
    if (!ok || text.oom) {
        sb_free(&text);
        return ok ? exc_nomem(vm) : ERR;
    }
    StrBuf out = SB_INIT;
    pad_text(&out, &f, '>', text.data, text.len, (int64_t)text.len);
    sb_free(&text);
    return str_from_buf(vm, &out);
}

static Value format_via_method(VM *vm, Value meth, Value v, ObjStr *spec) {
    Value sv = spec ? obj_val(spec) : str_new(vm, "", 0);
    if (sv == ERR) return ERR;
    Value r = op_call_special(vm, v, meth, &sv, 1);
    if (r == ERR) return ERR;
    if (!is_str(r)) return exc_raise(vm, E_TypeError, "__format__ must return a str, not %T", r);
    return r;
}

Value fmt_format(VM *vm, Value v, ObjStr *spec) {
    bool empty = !spec || spec->len == 0;
    if (is_str(v) && as_obj(v)->cls == vm->types[T_STR]) return empty ? v : format_str(vm, S(v), spec, "str");
    if (is_int(v)) return empty ? int_to_str(vm, v, 10) : format_int_spec(vm, v, spec, "int");
    if (is_float(v)) {
        if (!empty) return format_float(vm, as_float(v), spec, "float");
        char buf[40];
        flt_repr(as_float(v), buf);
        return str_from_cstr(vm, buf);
    }
    if (is_bool(v)) return empty ? op_str(vm, v) : format_int_spec(vm, int_val(as_bool(v)), spec, "bool");
    if (!is_obj(v)) {
        if (empty) return op_str(vm, v);
        return exc_raise(vm, E_TypeError, "unsupported format string passed to %s.__format__", type_name(vm, v));
    }
    ObjClass *cls = as_obj(v)->cls;
    if (!(cls->obj.flags & CLASS_BUILTIN)) {
        Value m = op_special(vm, v, N___format__);
        if (m != UNDEF && !is_kind(m, OBJ_NATIVE)) return format_via_method(vm, m, v, spec);
    }
    switch (as_obj(v)->kind) {
    case OBJ_STR:
        if (empty) return cls == vm->types[T_STR] ? v : op_str(vm, v);     /* str.__format__(s, '') is str(s) */
        return format_str(vm, S(v), spec, type_name(vm, v));
    case OBJ_BIGINT:
        if (empty) return (as_obj(v)->flags & OBJ_SUBTYPE) ? op_str(vm, v) : int_to_str(vm, v, 10);
        return format_int_spec(vm, v, spec, type_name(vm, v));
    case OBJ_FLOAT:
        return empty ? op_str(vm, v) : format_float(vm, ((ObjFloat *)as_obj(v))->d, spec, type_name(vm, v));
    case OBJ_COMPLEX: {
        ObjComplex *z = (ObjComplex *)as_obj(v);
        return empty ? op_str(vm, v) : format_complex(vm, z->re, z->im, spec, type_name(vm, v));
    }
    default:
        break;
    }
    if (empty) return op_str(vm, v);
    return exc_raise(vm, E_TypeError, "unsupported format string passed to %s.__format__", type_name(vm, v));
}

/* ---- str.format -------------------------------------------------------- */

typedef struct FmtCtx {
    Value *args;
    int nargs;
    ObjTuple *kwnames;
    Value mapping;          /* format_map's mapping, else UNDEF */
    int next_auto;
    int mode;               /* 0 not yet known, 1 automatic, 2 manual numbering */
    int nroots;             /* roots pushed for the field being formatted */
} FmtCtx;

static bool render(VM *vm, FmtCtx *c, const char *s, size_t len, int depth, StrBuf *out);

static bool all_digits(const char *s, size_t n) {
    if (!n) return false;
    for (size_t i = 0; i < n; i++) if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

static bool parse_index(VM *vm, const char *s, size_t n, int64_t *out) {
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (v > (INT64_MAX - 9) / 10) {
            exc_raise(vm, E_ValueError, "Too many decimal digits in format string");
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static Value raise_key(VM *vm, Value key) {
    ObjTuple *t = tuple_new(vm, 1);
    if (!t) return ERR;
    t->items[0] = key;
    Value e = exc_new(vm, vm->exc_types[E_KeyError], t);
    if (e == ERR) return ERR;
    return exc_raise_value(vm, e);
}

/* The argument named by the first part of a field name. */
static Value first_arg(VM *vm, FmtCtx *c, const char *name, size_t n) {
    if (n == 0 || all_digits(name, n)) {
        int64_t idx;
        if (n == 0) {
            if (c->mode == 2)
                return exc_raise(vm, E_ValueError,
                                 "cannot switch from manual field specification to automatic field numbering");
            c->mode = 1;
            idx = c->next_auto++;
        } else {
            if (c->mode == 1)
                return exc_raise(vm, E_ValueError,
                                 "cannot switch from automatic field numbering to manual field specification");
            c->mode = 2;
            if (!parse_index(vm, name, n, &idx)) return ERR;
        }
        if (c->mapping != UNDEF) return exc_raise(vm, E_ValueError, "Format string contains positional fields");
        if (idx >= c->nargs)
            return exc_raise(vm, E_IndexError, "Replacement index %lld out of range for positional args tuple",
                             (long long)idx);
        return c->args[idx];
    }
    Value key = str_new(vm, name, n);
    if (key == ERR) return ERR;
    if (c->mapping != UNDEF) {
        if (!vm_push_root(vm, key)) return ERR;
        Value v = op_getitem(vm, c->mapping, key);
        vm_pop_roots(vm, 1);
        return v;
    }
    for (int64_t i = 0; c->kwnames && i < c->kwnames->len; i++) {
        ObjStr *k = S(c->kwnames->items[i]);
        if ((size_t)k->len == n && memcmp(k->data, name, n) == 0) return c->args[c->nargs + i];
    }
    return raise_key(vm, key);
}

/* Resolves a field name: first part, then .attr and [key] parts. */
static Value field_value(VM *vm, FmtCtx *c, const char *s, size_t n) {
    size_t i = 0;
    while (i < n && s[i] != '.' && s[i] != '[') i++;
    Value v = first_arg(vm, c, s, i);
    while (v != ERR && i < n) {
        if (!vm_push_root(vm, v)) return ERR;
        c->nroots++;
        if (s[i] == '.') {
            size_t j = ++i;
            while (i < n && s[i] != '.' && s[i] != '[') i++;
            if (i == j) return exc_raise(vm, E_ValueError, "Empty attribute in format string");
            ObjStr *name = str_intern(vm, s + j, i - j);
            if (!name) return ERR;
            v = op_getattr(vm, v, name);
        } else if (s[i] == '[') {
            size_t j = ++i;
            while (i < n && s[i] != ']') i++;
            if (i >= n) return exc_raise(vm, E_ValueError, "Missing ']' in format string");
            if (i == j) return exc_raise(vm, E_ValueError, "Empty attribute in format string");
            Value key;
            if (all_digits(s + j, i - j)) {
                int64_t idx;
                if (!parse_index(vm, s + j, i - j, &idx)) return ERR;
                key = int_from_i64(vm, idx);
            } else {
                key = str_new(vm, s + j, i - j);
            }
            i++;
            if (key == ERR) return ERR;
            v = op_getitem(vm, v, key);
            if (v != ERR && i < n && s[i] != '.' && s[i] != '[')
                return exc_raise(vm, E_ValueError, "Only '.' or '[' may follow ']' in format field specifier");
        } else {
            return exc_raise(vm, E_ValueError, "Only '.' or '[' may follow ']' in format field specifier");
        }
    }
    return v;
}

/* Formats one replacement field whose parts are already split. */
static bool do_field(VM *vm, FmtCtx *c, const char *name, size_t nname, uint32_t conv,
                     const char *spec, size_t nspec, bool nested, int depth, StrBuf *out) {
    Value v = field_value(vm, c, name, nname);
    if (v == ERR) return false;
    if (!vm_push_root(vm, v)) return false;
    c->nroots++;
    if (conv) {
        if (conv == 'r') v = op_repr(vm, v);
        else if (conv == 's') v = op_str(vm, v);
        else if (conv == 'a') {
            StrBuf b = SB_INIT;
            v = add_ascii(vm, &b, v) ? str_from_buf(vm, &b) : (sb_free(&b), ERR);
        } else if (conv > 32 && conv < 128) {
            exc_raise(vm, E_ValueError, "Unknown conversion specifier %c", (int)conv);
            return false;
        } else {
            exc_raise(vm, E_ValueError, "Unknown conversion specifier \\x%x", (unsigned)conv);
            return false;
        }
        if (v == ERR || !vm_push_root(vm, v)) return false;
        c->nroots++;
    }
    Value sp = UNDEF;
    if (nested) {
        StrBuf b = SB_INIT;
        if (!render(vm, c, spec, nspec, depth - 1, &b)) { sb_free(&b); return false; }
        sp = str_from_buf(vm, &b);
    } else if (nspec) {
        sp = str_new(vm, spec, nspec);
    }
    if (sp == ERR) return false;
    Value r = fmt_format(vm, v, sp == UNDEF ? NULL : S(sp));
    if (r == ERR) return false;
    sb_add(out, S(r)->data, (size_t)S(r)->len);
    return true;
}

/* Splits a field starting after its '{' (CPython's parse_field) and formats
 * it; *pos ends after the closing '}'. */
static bool parse_field(VM *vm, FmtCtx *c, const char *s, size_t len, size_t *pos, int depth, StrBuf *out) {
    size_t i = *pos, name = i;
    char ch = 0;
    while (i < len) {
        ch = s[i++];
        if (ch == '{') {
            exc_raise(vm, E_ValueError, "unexpected '{' in field name");
            return false;
        }
        if (ch == '[') {
            while (i < len && s[i] != ']') i++;
            continue;
        }
        if (ch == '}' || ch == ':' || ch == '!') break;
    }
    if (ch != '}' && ch != ':' && ch != '!') {
        exc_raise(vm, E_ValueError, "expected '}' before end of string");
        return false;
    }
    size_t nname = i - 1 - name;
    uint32_t conv = 0;
    size_t spec = i, nspec = 0;
    bool nested = false;
    if (ch == '!' || ch == ':') {
        if (ch == '!') {
            if (i >= len) {
                exc_raise(vm, E_ValueError, "end of string while looking for conversion specifier");
                return false;
            }
            conv = utf8_decode(s, len, &i);
            if (i < len) {
                char d = s[i++];
                if (d == '}') goto done;
                if (d != ':') {
                    exc_raise(vm, E_ValueError, "expected ':' after conversion specifier");
                    return false;
                }
            }
        }
        spec = i;
        int count = 1;
        while (i < len) {
            char d = s[i++];
            if (d == '{') { nested = true; count++; }
            else if (d == '}' && --count == 0) break;
        }
        if (count) {
            exc_raise(vm, E_ValueError, "unmatched '{' in format spec");
            return false;
        }
        nspec = i - 1 - spec;
    }
done:
    *pos = i;
    int outer = c->nroots;
    c->nroots = 0;
    bool ok = do_field(vm, c, s + name, nname, conv, s + spec, nspec, nested, depth, out);
    vm_pop_roots(vm, c->nroots);
    c->nroots = outer;
    return ok;
}

static bool render(VM *vm, FmtCtx *c, const char *s, size_t len, int depth, StrBuf *out) {
    if (depth <= 0) {
        exc_raise(vm, E_ValueError, "Max string recursion exceeded");
        return false;
    }
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != '{' && s[i] != '}') i++;
        sb_add(out, s + start, i - start);
        if (i >= len) break;
        char ch = s[i++];
        if (i < len && s[i] == ch) { sb_addc(out, ch); i++; continue; }
        if (ch == '}') {
            exc_raise(vm, E_ValueError, "Single '}' encountered in format string");
            return false;
        }
        if (i >= len) {
            exc_raise(vm, E_ValueError, "Single '{' encountered in format string");
            return false;
        }
        if (!parse_field(vm, c, s, len, &i, depth, out)) return false;
    }
    return true;
}

/* Whether formatting gives fmt itself: CPython's writer returns a format
 * written out whole as one piece, even an instance of a str subclass. */
static bool is_own_result(ObjStr *fmt, const char *specials) {
    if (fmt->len == 0) return false;
    for (const char *c = specials; *c; c++)
        if (memchr(fmt->data, *c, (size_t)fmt->len)) return false;
    return true;
}

static Value format_with(VM *vm, ObjStr *fmt, FmtCtx *c) {
    StrBuf out = SB_INIT;
    int saved = vm->nroots;
    if (!render(vm, c, fmt->data, (size_t)fmt->len, 2, &out)) {
        vm->nroots = saved;
        sb_free(&out);
        return ERR;
    }
    if (is_own_result(fmt, "{}")) {
        sb_free(&out);
        return obj_val(fmt);
    }
    return str_from_buf(vm, &out);
}

Value fmt_str_format(VM *vm, ObjStr *fmt, Value *args, int nargs, ObjTuple *kwnames) {
    FmtCtx c = {args, nargs, kwnames, UNDEF, 0, 0, 0};
    return format_with(vm, fmt, &c);
}

Value fmt_format_map(VM *vm, ObjStr *fmt, Value mapping) {
    FmtCtx c = {NULL, 0, NULL, mapping, 0, 0, 0};
    return format_with(vm, fmt, &c);
}

/* ---- printf-style % ---------------------------------------------------- */

typedef struct PctCtx {
    Value args;
    Value *items;
    int64_t n, idx;
    bool mapping;
    Value keyed;    /* the value a %(key) named: the one argument left, for a '*' or the conversion */
} PctCtx;

typedef struct PctSpec {
    bool left, plus, space, alt, zero;
    int64_t width, prec;    /* -1 when absent */
} PctSpec;

static bool pct_next(VM *vm, PctCtx *c, Value *out) {
    if (c->idx >= c->n) {
        exc_raise(vm, E_TypeError, "not enough arguments for format string");
        return false;
    }
    *out = c->items[c->idx++];
    return true;
}

bool fmt_pct_digits(VM *vm, const char *s, size_t len, size_t *i, bool prec, bool bytes, int64_t *out) {
    /* CPython keeps a width in a Py_ssize_t and a precision in a C int. */
    int64_t n = 0, most = prec ? INT32_MAX : INT64_MAX;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        int d = s[(*i)++] - '0';
        if (n > (most - d) / 10) {
            exc_raise(vm, E_ValueError, !prec ? "width too big" : bytes ? "prec too big" : "precision too big");
            return false;
        }
        n = n * 10 + d;
    }
    *out = n;     /* a width past INT32_MAX fails when padded, as CPython's */
    return true;
}

bool fmt_pct_star_value(VM *vm, Value v, bool prec, int64_t *out) {
    if (!is_intlike(v)) {
        exc_raise(vm, E_TypeError, "* wants int");
        return false;
    }
    if (!int_to_i64(v, out) || (prec && (*out > INT32_MAX || *out < INT32_MIN))) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C %s", prec ? "int" : "ssize_t");
        return false;
    }
    return true;
}

static bool pct_star(VM *vm, PctCtx *c, int64_t *out, bool prec) {
    Value v;
    return pct_next(vm, c, &v) && fmt_pct_star_value(vm, v, prec, out);
}

/* Pads text (len code points) to the width with spaces, or with zeros
 * after the first `keep` bytes (sign and prefix) for numbers. */
static void pct_pad(StrBuf *out, const PctSpec *f, const char *text, size_t nbytes, int64_t len, bool zeros,
                    size_t keep) {
    int64_t padn = f->width > len ? f->width - len : 0;
    if (f->left) {
        sb_add(out, text, nbytes);
        add_times(out, " ", 1, padn);
    } else if (zeros && f->zero) {
        sb_add(out, text, keep);
        add_times(out, "0", 1, padn);
        sb_add(out, text + keep, nbytes - keep);
    } else {
        add_times(out, " ", 1, padn);
        sb_add(out, text, nbytes);
    }
}

/* v.__index__(), which must give an int; UNDEF when v has none. */
Value fmt_index_of(VM *vm, Value v) {
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) return UNDEF;
    Value r = op_call1(vm, m, v);
    if (r == ERR || is_intlike(r)) return r;
    return exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", r);
}

/* Whether v is a number to %-formatting (CPython's PyNumber_Check). */
static bool pct_numeric(VM *vm, Value v) {
    return is_number(v) || is_kind(v, OBJ_COMPLEX) || op_special(vm, v, N___index__) != UNDEF ||
           op_special(vm, v, N___int__) != UNDEF || op_special(vm, v, N___float__) != UNDEF;
}

/* An int for %d and %x, as CPython's formatlong gets it: %d, %i and %u
 * take what int() makes of a number (floats truncated, __int__ before
 * __index__), %x and %o its __index__; a TypeError on the way becomes the
 * format's own. */
Value fmt_pct_int_arg(VM *vm, Value v, char conv) {
    if (is_intlike(v)) return is_bool(v) ? int_val(as_bool(v)) : v;
    bool real = conv == 'd' || conv == 'i' || conv == 'u';
    Value r = UNDEF;
    if (pct_numeric(vm, v)) {
        r = real ? op_call1(vm, obj_val(vm->types[T_INT]), v) : fmt_index_of(vm, v);
        if (r != ERR && r != UNDEF) return r;
        if (r == ERR && !exc_is(vm, vm->exc, E_TypeError)) return ERR;
    }
    if (real) return exc_raise(vm, E_TypeError, "%%%c format: a real number is required, not %T", conv, v);
    return exc_raise(vm, E_TypeError, "%%%c format: an integer is required, not %T", conv, v);
}

static bool pct_int(VM *vm, StrBuf *out, const PctSpec *f, Value v, char conv) {
    v = fmt_pct_int_arg(vm, v, conv);
    if (v == ERR) return false;
    int base = conv == 'x' || conv == 'X' ? 16 : conv == 'o' ? 8 : 10;
    if (base == 10 && !int_str_digits_ok(vm, v)) return false;
    if (base == 10 && f->width < 0 && f->prec < 0 && !f->plus && !f->space) {
        int_to_buf(v, 10, out);     /* a plain %d: no padding, sign or zeros to place */
        return true;
    }
    StrBuf digits = SB_INIT, num = SB_INIT;
    int_to_buf(v, base, &digits);
    if (digits.oom) { sb_free(&digits); exc_nomem(vm); return false; }
    bool neg = digits.data[0] == '-';
    const char *d = digits.data + neg;
    if (neg) sb_addc(&num, '-');
    else if (f->plus) sb_addc(&num, '+');
    else if (f->space) sb_addc(&num, ' ');
    if (f->alt && base != 10) sb_adds(&num, conv == 'x' ? "0x" : conv == 'X' ? "0X" : "0o");
    size_t keep = num.len;
    int64_t nd = (int64_t)strlen(d);
    if (f->prec > nd) add_times(&num, "0", 1, f->prec - nd);
    for (const char *p = d; *p; p++) sb_addc(&num, conv == 'X' && *p >= 'a' && *p <= 'f' ? (char)(*p - 32) : *p);
    pct_pad(out, f, num.data, num.len, (int64_t)num.len, true, keep);
    sb_free(&digits);
    sb_free(&num);
    return true;
}

bool fmt_pct_double(VM *vm, Value v, double *out) {
    /* CPython's PyFloat_AsDouble: a float subclass's value as it is; else
     * __float__ (an int subclass's own first), else __index__ */
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_kind(v, OBJ_FLOAT)) { *out = AS(ObjFloat, v)->d; return true; }
    Value m = op_special(vm, v, N___float__);
    if (m == UNDEF && is_intlike(v)) return int_to_float(vm, v, out) != ERR;
    Value r = m != UNDEF ? op_call1(vm, m, v) : fmt_index_of(vm, v);
    if (r == UNDEF) { exc_raise(vm, E_TypeError, "must be real number, not %T", v); return false; }
    if (r == ERR) return false;
    if (m != UNDEF && !is_float(r)) {
        if (!exc_float_subclass_ok(vm, v, r)) return false;
        *out = AS(ObjFloat, r)->d;
        return true;
    }
    if (is_float(r)) { *out = as_float(r); return true; }
    return int_to_float(vm, r, out) != ERR;
}

static bool pct_float(VM *vm, StrBuf *out, const PctSpec *f, Value v, char conv) {
    double d;
    if (!fmt_pct_double(vm, v, &d)) return false;
    StrBuf num = SB_INIT;
    size_t keep;
    if (!fmt_pct_float_text(&num, d, conv, f->prec, f->alt, f->plus, f->space, &keep)) {
        sb_free(&num);
        exc_nomem(vm);
        return false;
    }
    pct_pad(out, f, num.data, num.len, (int64_t)num.len, true, keep);
    sb_free(&num);
    return true;
}

static bool pct_text(VM *vm, StrBuf *out, const PctSpec *f, Value v, char conv) {
    Value s;
    if (conv == 'a') {
        StrBuf b = SB_INIT;
        if (!add_ascii(vm, &b, v)) { sb_free(&b); return false; }
        s = str_from_buf(vm, &b);
    } else {
        s = conv == 'r' ? op_repr(vm, v) : op_str(vm, v);
    }
    if (s == ERR) return false;
    if (f->prec < 0 && f->width < 0) {     /* a plain %s: the text as it is */
        sb_add(out, S(s)->data, (size_t)S(s)->len);
        return true;
    }
    int64_t len = f->prec >= 0 && f->prec < S(s)->cplen ? f->prec : S(s)->cplen;
    StrBuf t = SB_INIT;
    add_prefix_cps(&t, S(s), len);
    pct_pad(out, f, t.data ? t.data : "", t.len, len, false, 0);
    sb_free(&t);
    return true;
}

static bool pct_char(VM *vm, StrBuf *out, const PctSpec *f, Value v) {
    StrBuf t = SB_INIT;
    if (!is_str(v) && !is_intlike(v)) {
        v = fmt_index_of(vm, v);        /* an object with __index__ is its int */
        if (v == ERR && !exc_is(vm, vm->exc, E_TypeError)) return false;
        if (v == ERR || v == UNDEF) {
            exc_raise(vm, E_TypeError, "%%c requires int or char");
            return false;
        }
    }
    if (is_str(v) && S(v)->cplen == 1) {
        sb_add(&t, S(v)->data, (size_t)S(v)->len);
    } else if (is_intlike(v)) {
        int64_t c;
        if (!int_to_i64(v, &c) || c < 0 || c > 0x10FFFF) {
            exc_raise(vm, E_OverflowError, "%%c arg not in range(0x110000)");
            return false;
        }
        sb_add_utf8(&t, (uint32_t)c);
    } else {
        exc_raise(vm, E_TypeError, "%%c requires int or char");
        return false;
    }
    pct_pad(out, f, t.data, t.len, 1, false, 0);
    sb_free(&t);
    return true;
}

static bool pct_one(VM *vm, StrBuf *out, const PctSpec *f, Value v, char conv) {
    switch (conv) {
    case 's': case 'r': case 'a': return pct_text(vm, out, f, v, conv);
    case 'c': return pct_char(vm, out, f, v);
    case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': return pct_int(vm, out, f, v, conv);
    default: return pct_float(vm, out, f, v, conv);
    }
}

static bool is_mapping(VM *vm, Value v) {
    if (is_tuple(v) || is_str(v)) return false;
    if (is_dict(v) || is_list(v) || is_kind(v, OBJ_BYTES) || is_kind(v, OBJ_BYTEARRAY) || is_kind(v, OBJ_RANGE))
        return true;
    return is_obj(v) && op_special(vm, v, N___getitem__) != UNDEF;
}

/* Parses one conversion after its '%' (s[*pos]) and formats it. */
static bool pct_conversion(VM *vm, PctCtx *c, ObjStr *fmt, size_t *pos, StrBuf *out) {
    const char *s = fmt->data;
    size_t len = (size_t)fmt->len, i = *pos;
    Value arg = UNDEF;
    PctSpec f = {.width = -1, .prec = -1};
    if (i < len && s[i] == '(') {
        size_t start = ++i;
        int depth = 1;
        while (i < len && depth) {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            i++;
        }
        if (depth) { exc_raise(vm, E_ValueError, "incomplete format key"); return false; }
        if (!c->mapping) { exc_raise(vm, E_TypeError, "format requires a mapping"); return false; }
        Value key = str_new(vm, s + start, i - 1 - start);
        if (key == ERR) return false;
        c->keyed = op_getitem(vm, c->args, key);
        if (c->keyed == ERR) return false;
        c->items = &c->keyed;
        c->n = 1;
        c->idx = 0;
    }
    for (; i < len; i++) {
        char ch = s[i];
        if (ch == '-') f.left = true;
        else if (ch == '+') f.plus = true;
        else if (ch == ' ') f.space = true;
        else if (ch == '#') f.alt = true;
        else if (ch == '0') f.zero = true;
        else break;
    }
    if (i < len && s[i] == '*') {
        i++;
        if (!pct_star(vm, c, &f.width, false)) return false;
        if (f.width < 0) { f.left = true; f.width = f.width == INT64_MIN ? INT64_MAX : -f.width; }
    } else if (i < len && s[i] >= '0' && s[i] <= '9') {
        if (!fmt_pct_digits(vm, s, len, &i, false, false, &f.width)) return false;
    }
    if (i < len && s[i] == '.') {
        i++;
        f.prec = 0;
        if (i < len && s[i] == '*') {
            i++;
            if (!pct_star(vm, c, &f.prec, true)) return false;
            if (f.prec < 0) f.prec = 0;
        } else if (!fmt_pct_digits(vm, s, len, &i, true, false, &f.prec)) {
            return false;
        }
    }
    while (i < len && (s[i] == 'h' || s[i] == 'l' || s[i] == 'L')) i++;
    if (i >= len) { exc_raise(vm, E_ValueError, "incomplete format"); return false; }
    size_t at = i;
    uint32_t conv = utf8_decode(s, len, &i);
    *pos = i;
    /* The argument is taken first, as CPython does: `'%y' % ()` is "not
     * enough arguments". A '%' here had flags or a key: only "%%" (the
     * caller's) is a literal percent. */
    if (arg == UNDEF && !pct_next(vm, c, &arg)) return false;
    if (conv == 0 || conv > 127 || !strchr("sracdiuxXoeEfFgG", (int)conv)) {
        int64_t idx = fmt->ascii ? (int64_t)at : utf8_count(s, at);
        exc_raise(vm, E_ValueError, "unsupported format character '%c' (0x%x) at index %lld",
                  conv >= 32 && conv <= 126 ? (int)conv : '?', (unsigned)conv, (long long)idx);
        return false;
    }
    if (!vm_push_root(vm, arg)) return false;
    bool ok = pct_one(vm, out, &f, arg, (char)conv);
    vm_pop_roots(vm, 1);
    if (ok && out->oom) {      /* (a width past INT32_MAX, say) */
        exc_nomem(vm);
        return false;
    }
    return ok;
}

Value fmt_percent(VM *vm, ObjStr *fmt, Value args) {
    PctCtx c = {.args = args, .mapping = is_mapping(vm, args)};
    if (is_tuple(args)) {
        c.items = AS(ObjTuple, args)->items;
        c.n = AS(ObjTuple, args)->len;
    } else {
        c.items = &c.args;
        c.n = 1;
    }
    const char *s = fmt->data;
    size_t len = (size_t)fmt->len, i = 0;
    StrBuf out = SB_INIT;
    while (i < len) {
        const char *p = memchr(s + i, '%', len - i);
        size_t stop = p ? (size_t)(p - s) : len;
        sb_add(&out, s + i, stop - i);
        i = stop;
        if (i >= len) break;
        i++;
        if (i < len && s[i] == '%') { sb_addc(&out, '%'); i++; continue; }
        if (!pct_conversion(vm, &c, fmt, &i, &out)) { sb_free(&out); return ERR; }
    }
    if (c.idx < c.n && !c.mapping) {
        sb_free(&out);
        return exc_raise(vm, E_TypeError, "not all arguments converted during string formatting");
    }
    if (is_own_result(fmt, "%")) {
        sb_free(&out);
        return obj_val(fmt);
    }
    return str_from_buf(vm, &out);
}
