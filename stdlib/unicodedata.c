/* The unicodedata module: the Unicode Character Database 15.0.0 (tables
 * in vm/unidata.c, normalization in vm/unidata_norm.c) with CPython's
 * functions, defaults and messages. ucd_3_2_0 is not provided. */
#include <stdlib.h>
#include <string.h>

#include "../vm/binbuf.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "../vm/unidata.h"
#include "../vm/unidata_norm.h"
#include "modules.h"

/* ---- arguments ---- */

/* The functions without a default take exactly one positional argument. */
static bool one_arg(VM *vm, const char *fname, int nargs, ObjTuple *kw) {
    if (kw && kw->len) {
        exc_raise(vm, E_TypeError, "unicodedata.%s() takes no keyword arguments", fname);
        return false;
    }
    if (nargs != 1) {
        exc_raise(vm, E_TypeError, "unicodedata.%s() takes exactly one argument (%d given)", fname, nargs);
        return false;
    }
    return true;
}

/* The others take min..max positional arguments. */
static bool arg_range(VM *vm, const char *fname, int nargs, ObjTuple *kw, int min, int max) {
    if (kw && kw->len) {
        exc_raise(vm, E_TypeError, "unicodedata.%s() takes no keyword arguments", fname);
        return false;
    }
    if (min == max && nargs != min)
        exc_raise(vm, E_TypeError, "%s expected %d arguments, got %d", fname, min, nargs);
    else if (nargs < min)
        exc_raise(vm, E_TypeError, "%s expected at least %d argument%s, got %d", fname, min, min == 1 ? "" : "s", nargs);
    else if (nargs > max)
        exc_raise(vm, E_TypeError, "%s expected at most %d arguments, got %d", fname, max, nargs);
    else
        return true;
    return false;
}

/* A str of one character: its code point, or -1 after a TypeError (whose
 * wording, "argument 1" or "argument", follows CPython's per function). */
static int64_t char_arg(VM *vm, Value v, const char *fname, bool numbered) {
    if (is_str(v) && AS(ObjStr, v)->cplen == 1) {
        size_t pos = 0;
        return utf8_decode(AS(ObjStr, v)->data, (size_t)AS(ObjStr, v)->len, &pos);
    }
    exc_raise(vm, E_TypeError, "%s() argument%s must be a unicode character, not %T", fname,
              numbered ? " 1" : "", v);
    return -1;
}

/* One character, for the functions without a default. */
static int64_t only_char(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname) {
    return one_arg(vm, fname, nargs, kw) ? char_arg(vm, args[0], fname, false) : -1;
}

/* One character and an optional default. */
static int64_t char_default(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname) {
    return arg_range(vm, fname, nargs, kw, 1, 2) ? char_arg(vm, args[0], fname, true) : -1;
}

/* ---- properties ---- */

static Value ud_category(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = only_char(vm, args, nargs, kw, "category");
    return c < 0 ? ERR : str_from_cstr(vm, unidata_category((uint32_t)c));
}

static Value ud_bidirectional(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = only_char(vm, args, nargs, kw, "bidirectional");
    return c < 0 ? ERR : str_from_cstr(vm, unidata_bidirectional((uint32_t)c));
}

static Value ud_east_asian_width(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = only_char(vm, args, nargs, kw, "east_asian_width");
    return c < 0 ? ERR : str_from_cstr(vm, unidata_east_asian_width((uint32_t)c));
}

static Value ud_combining(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = only_char(vm, args, nargs, kw, "combining");
    return c < 0 ? ERR : int_val(unidata_record((uint32_t)c)->combining);
}

static Value ud_mirrored(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = only_char(vm, args, nargs, kw, "mirrored");
    return c < 0 ? ERR : int_val(unidata_record((uint32_t)c)->mirrored);
}

/* The default when given, else ValueError msg. */
static Value or_default(VM *vm, Value *args, int nargs, const char *msg) {
    return nargs > 1 ? args[1] : exc_raise(vm, E_ValueError, "%s", msg);
}

/* decimal() and digit(): the character's value if it has that property. */
static Value int_value(VM *vm, Value *args, int nargs, ObjTuple *kw, bool want_decimal) {
    const char *name = want_decimal ? "decimal" : "digit";
    int64_t c = char_default(vm, args, nargs, kw, name);
    if (c < 0) return ERR;
    double v;
    bool digit, decimal;
    if (unidata_numeric((uint32_t)c, &v, &digit, &decimal) && (want_decimal ? decimal : digit)) return int_val((int64_t)v);
    return or_default(vm, args, nargs, want_decimal ? "not a decimal" : "not a digit");
}

static Value ud_decimal(VM *vm, Value *args, int nargs, ObjTuple *kw) { return int_value(vm, args, nargs, kw, true); }
static Value ud_digit(VM *vm, Value *args, int nargs, ObjTuple *kw) { return int_value(vm, args, nargs, kw, false); }

static Value ud_numeric(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = char_default(vm, args, nargs, kw, "numeric");
    double v;
    bool digit, decimal;
    if (c < 0) return ERR;
    if (unidata_numeric((uint32_t)c, &v, &digit, &decimal)) return float_val(v);
    return or_default(vm, args, nargs, "not a numeric character");
}

static Value ud_decomposition(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = only_char(vm, args, nargs, kw, "decomposition");
    if (c < 0) return ERR;
    uint32_t parts[UNIDATA_DECOMP_MAX];
    const char *tag = "";
    int n = unidata_decomposition((uint32_t)c, &tag, parts);
    StrBuf b = SB_INIT;
    if (tag[0]) sb_addf(&b, "<%s>", tag);
    for (int i = 0; i < n; i++) sb_addf(&b, "%s%04X", i || tag[0] ? " " : "", (unsigned)parts[i]);
    if (b.oom) {
        sb_free(&b);
        return exc_nomem(vm);
    }
    return n ? str_from_buf(vm, &b) : str_new(vm, "", 0);
}

/* ---- names ---- */

static Value ud_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t c = char_default(vm, args, nargs, kw, "name");
    if (c < 0) return ERR;
    char buf[UNIDATA_NAME_MAX];
    size_t n = unidata_name((uint32_t)c, buf);
    return n ? str_new(vm, buf, n) : or_default(vm, args, nargs, "no such name");
}

static Value ud_lookup(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!one_arg(vm, "lookup", nargs, kw)) return ERR;
    BinBuf b;
    if (is_str(args[0])) {
        b.p = (const uint8_t *)AS(ObjStr, args[0])->data, b.n = AS(ObjStr, args[0])->len;
    } else if (!binbuf_arg(vm, args[0], &b)) {
        return ERR;
    } else if (!is_kind(args[0], OBJ_BYTES)) {
        /* CPython's "s#" takes only buffers that need no release: bytes */
        return exc_raise(vm, E_TypeError, "lookup() argument must be read-only bytes-like object, not %T", args[0]);
    }
    if (b.n > UNIDATA_NAME_LIMIT) return exc_raise(vm, E_KeyError, "name too long");
    uint32_t cps[4];
    int n = unidata_lookup((const char *)b.p, (size_t)b.n, true, cps);
    if (n == 0) {
        /* CPython's message shows the name as a C string: up to a NUL. */
        char shown[UNIDATA_NAME_LIMIT + 1];
        memcpy(shown, b.p, (size_t)b.n);
        shown[b.n] = 0;
        return exc_raise(vm, E_KeyError, "undefined character name '%s'", shown);
    }
    StrBuf sb = SB_INIT;
    for (int i = 0; i < n; i++) sb_add_utf8(&sb, cps[i]);
    if (sb.oom) {
        sb_free(&sb);
        return exc_nomem(vm);
    }
    return str_from_buf(vm, &sb);
}

/* ---- normalization ---- */

/* The form's flags (bit 0: compatibility, bit 1: composed), or -1. */
static int norm_form(VM *vm, Value form, const char *fname) {
    if (!is_str(form)) {
        exc_raise(vm, E_TypeError, "%s() argument 1 must be str, not %T", fname, form);
        return -1;
    }
    static const char *const forms[] = {"NFD", "NFKD", "NFC", "NFKC"};
    for (int i = 0; i < 4; i++)
        if (strcmp(AS(ObjStr, form)->data, forms[i]) == 0 && (size_t)AS(ObjStr, form)->len == strlen(forms[i]))
            return i;
    exc_raise(vm, E_ValueError, "invalid normalization form");
    return -1;
}

/* s normalized in form: a new str, or ERR. */
static Value normalized(VM *vm, ObjStr *s, int form) {
    uint32_t *cps = malloc(((size_t)s->cplen + 1) * sizeof *cps);
    if (!cps) return exc_nomem(vm);
    size_t pos = 0, n = 0, out_n;
    while (pos < (size_t)s->len) cps[n++] = utf8_decode(s->data, (size_t)s->len, &pos);
    uint32_t *out = unidata_normalize(cps, n, form & 1, form & 2, &out_n);
    free(cps);
    if (!out) return exc_nomem(vm);
    StrBuf b = SB_INIT;
    for (size_t i = 0; i < out_n; i++) sb_add_utf8(&b, out[i]);
    free(out);
    if (b.oom) {
        sb_free(&b);
        return exc_nomem(vm);
    }
    return b.len ? str_from_buf(vm, &b) : str_new(vm, "", 0);
}

/* Both functions' arguments: the form's flags and the string. */
static int norm_args(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *fname, ObjStr **s) {
    if (!arg_range(vm, fname, nargs, kw, 2, 2)) return -1;
    int form = norm_form(vm, args[0], fname);
    if (form < 0) return -1;
    if (!is_str(args[1])) {
        exc_raise(vm, E_TypeError, "%s() argument 2 must be str, not %T", fname, args[1]);
        return -1;
    }
    *s = AS(ObjStr, args[1]);
    return form;
}

static Value ud_normalize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjStr *s;
    int form = norm_args(vm, args, nargs, kw, "normalize", &s);
    if (form < 0) return ERR;
    /* ASCII is in every form already */
    if (s->ascii) return str_new(vm, s->data, (size_t)s->len);
    return normalized(vm, s, form);
}

static Value ud_is_normalized(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjStr *s;
    int form = norm_args(vm, args, nargs, kw, "is_normalized", &s);
    if (form < 0) return ERR;
    if (s->ascii) return TRUE_VAL;
    Value r = normalized(vm, s, form);
    if (r == ERR) return ERR;
    return bool_val(str_eq(AS(ObjStr, r), s));
}

bool mod_unicodedata_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; } funcs[] = {
        {"lookup", ud_lookup}, {"name", ud_name}, {"category", ud_category},
        {"bidirectional", ud_bidirectional}, {"combining", ud_combining},
        {"east_asian_width", ud_east_asian_width}, {"mirrored", ud_mirrored},
        {"decimal", ud_decimal}, {"digit", ud_digit}, {"numeric", ud_numeric},
        {"decomposition", ud_decomposition}, {"normalize", ud_normalize},
        {"is_normalized", ud_is_normalized},
    };
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++)
        if (!module_add_native(vm, m, funcs[i].name, funcs[i].fn)) return false;
    return module_add_value(vm, m, "unidata_version", str_from_cstr(vm, UNIDATA_VERSION));
}
