/* Exceptions: the builtin hierarchy, raising from C, matching, attributes,
 * and the traceback text of an uncaught exception in CPython's format. */
#include "exc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "binbuf.h"
#include "bytes.h"
#include "carets.h"
#include "class.h"
#include "containers.h"
#include "frameobj.h"
#include "func.h"
#include "gc.h"
#include "import.h"
#include "num.h"
#include "opcodes.h"
#include "ops.h"
#include "str.h"
#include "trace.h"
#include "suggest.h"

/* CPython's oserror_use_init: an OSError subclass with an __init__ of its
 * own (and OSError's __new__) gets its args, errno, strerror and filename
 * from OSError.__init__ when its __init__ calls that, not from the
 * arguments it was made with (args stay () otherwise). */
/* BlockingIOError's characters_written as a C ssize_t through __index__;
 * past 64 bits CPython's words are a ValueError's. */
static bool written_arg(VM *vm, Value v, int64_t *n) {
    if (ssize_value(vm, v, n)) return true;
    if (exc_is(vm, vm->exc, E_OverflowError)) {
        vm->exc = UNDEF;
        exc_raise(vm, E_ValueError, "cannot fit 'int' into an index-sized integer");
    }
    return false;
}

static bool has_script_new(VM *vm, ObjClass *cls) {
    Value newf = class_lookup(cls, vm_name(vm, N___new__));
    if (is_kind(newf, OBJ_WRAPPER)) newf = AS(ObjWrapper, newf)->v;     /* the implicit staticmethod */
    return is_kind(newf, OBJ_FUNCTION);
}

static bool oserror_parsed_by_init(VM *vm, ObjClass *cls) {
    if (cls->obj.flags & CLASS_BUILTIN || !class_is_subclass(cls, vm->exc_types[E_OSError])) return false;
    return is_kind(class_lookup(cls, vm_name(vm, N___init__)), OBJ_FUNCTION) && !has_script_new(vm, cls);
}

Value exc_new(VM *vm, ObjClass *cls, ObjTuple *args) {
    ObjException *e = gc_new(vm, sizeof(ObjException), OBJ_EXC, cls);
    if (!e) return ERR;
    e->base.dict = dict_new(vm);
    if (!e->base.dict) return ERR;
    e->cause = e->context = UNDEF;
    e->group = NULL;
    e->scope = NULL;
    e->oserr = NULL;
    e->comp_code = NULL;
    if (oserror_parsed_by_init(vm, cls)) {
        e->args = vm->empty_tuple;      /* until OSError.__init__ sets them */
        return obj_val(e);
    }
    return exc_set_args(vm, e, args ? args : vm->empty_tuple) ? obj_val(e) : ERR;
}

/* OSError(errno, strerror[, filename[, winerror[, filename2]]]): the parts
 * become its attributes, and with a filename args keeps only the first
 * two, as CPython's (so repr(e) and e.args leave the name out). */
static bool oserror_parse(VM *vm, ObjException *e) {
    ObjTuple *a = e->args;
    /* (UNDEF: a field not given, which reads as None but, unlike a None
     * given as errno or strerror, leaves str() to BaseException's) */
    Value fn = a->len >= 3 && a->items[2] != NONE_VAL ? a->items[2] : UNDEF;
    Value fn2 = fn != UNDEF && a->len == 5 && a->items[4] != NONE_VAL ? a->items[4] : UNDEF;
    if (fn != UNDEF && e->base.obj.cls == vm->exc_types[E_BlockingIOError] &&
        (is_number(fn) || op_special(vm, fn, N___index__) != UNDEF)) {
        /* BlockingIOError's third argument is the count of characters written */
        int64_t n;
        if (!written_arg(vm, fn, &n)) return false;
        /* (-1 is CPython's mark for "not set") */
        if (n != -1 && dict_set_str(vm, e->base.dict, str_intern_cstr(vm, "characters_written"), int_val(n)) < 0)
            return false;
        Value parts[4] = {a->items[0], a->items[1], UNDEF, UNDEF};
        return (e->oserr = tuple_from(vm, parts, 4)) != NULL;
    }
    Value parts[4] = {a->items[0], a->items[1], fn, fn2};
    if (!(e->oserr = tuple_from(vm, parts, 4))) return false;
    if (fn != UNDEF && !(e->args = tuple_from(vm, a->items, 2))) return false;
    return true;
}

ObjTuple *exc_reduce_args(VM *vm, ObjException *e) {
    if (!e->oserr || e->oserr->items[2] == NONE_VAL || e->oserr->items[2] == UNDEF) return e->args;
    int64_t n = e->args->len;
    bool two = e->oserr->items[3] != NONE_VAL && e->oserr->items[3] != UNDEF;
    Value items[n + 3];
    memcpy(items, e->args->items, (size_t)n * sizeof *items);
    items[n] = e->oserr->items[2];
    items[n + 1] = NONE_VAL;
    items[n + 2] = e->oserr->items[3];
    return tuple_from(vm, items, n + (two ? 3 : 1));
}

/* SyntaxError(msg, details): details as CPython's SyntaxError.__init__
 * takes them, (filename, lineno, offset, text[, end_lineno, end_offset]). */
static bool syntax_details_ok(VM *vm, ObjException *e, ObjTuple *args) {
    if (args->len != 2 || !class_is_subclass(e->base.obj.cls, vm->exc_types[E_SyntaxError])) return true;
    Value d = args->items[1];
    int64_t n = is_tuple(d) ? AS(ObjTuple, d)->len : is_list(d) ? AS(ObjList, d)->len : -1;
    if (n < 0) {
        /* CPython makes a tuple of any iterable (Asy reads only a tuple's or
         * list's fields, but counts the others' items the same) */
        ObjList *l = op_to_list(vm, d);
        if (!l) return false;
        n = l->len;
    }
    if (n < 4) exc_raise(vm, E_TypeError, "function takes at least 4 arguments (%d given)", (int)n);
    else if (n > 6) exc_raise(vm, E_TypeError, "function takes at most 6 arguments (%d given)", (int)n);
    else if (n == 5) exc_raise(vm, E_TypeError, "end_offset must be provided when end_lineno is provided");
    return n >= 4 && n <= 6 && n != 5;
}

/* The arguments of UnicodeEncodeError/DecodeError(encoding, object, start,
 * end, reason) and UnicodeTranslateError(object, start, end, reason),
 * checked as their __init__ does (a subclass with its own __init__ is
 * not checked). */
static bool unicode_args_ok(VM *vm, ObjException *e, ObjTuple *args) {
    ObjClass *cls = e->base.obj.cls;
    bool translate = class_is_subclass(cls, vm->exc_types[E_UnicodeTranslateError]);
    bool decode = class_is_subclass(cls, vm->exc_types[E_UnicodeDecodeError]);
    if (!translate && !decode && !class_is_subclass(cls, vm->exc_types[E_UnicodeEncodeError])) return true;
    if (is_kind(class_lookup(cls, vm_name(vm, N___init__)), OBJ_FUNCTION)) return true;
    int n = translate ? 4 : 5;
    if (args->len != n) {
        exc_raise(vm, E_TypeError, "function takes exactly %d arguments (%d given)", n, (int)args->len);
        return false;
    }
    Value a[5];     /* (encoding, object, start, end, reason); a[1] is the object */
    for (int i = 0; i < 5; i++) a[i] = i == 0 && translate ? NONE_VAL : args->items[i - translate];
    if (!translate && !is_str(a[0])) {
        exc_raise(vm, E_TypeError, "argument 1 must be str, not %A", a[0]);
        return false;
    }
    if (!decode && !is_str(a[1])) {
        exc_raise(vm, E_TypeError, "argument %d must be str, not %A", translate ? 1 : 2, a[1]);
        return false;
    }
    for (int i = 2; i < 4; i++) {
        int64_t x;
        if (!ssize_value(vm, a[i], &x)) return false;
    }
    if (!is_str(a[4])) {
        exc_raise(vm, E_TypeError, "argument %d must be str, not %A", translate ? 4 : 5, a[4]);
        return false;
    }
    BinBuf b;       /* a decode error's object: any buffer, asked for last */
    if (decode && !binbuf_get(a[1], &b)) {
        exc_raise(vm, E_TypeError, "a bytes-like object is required, not '%T'", a[1]);
        return false;
    }
    return true;
}

bool exc_set_args(VM *vm, ObjException *e, ObjTuple *args) {
    if (!syntax_details_ok(vm, e, args) || !unicode_args_ok(vm, e, args)) return false;
    e->args = args;
    if (args->len < 2 || args->len > 5 || !class_is_subclass(e->base.obj.cls, vm->exc_types[E_OSError])) return true;
    return oserror_parse(vm, e);
}

bool exc_float_subclass_ok(VM *vm, Value obj, Value r) {
    if (!is_kind(r, OBJ_FLOAT)) {
        exc_raise(vm, E_TypeError, "%T.__float__ returned non-float (type %T)", obj, r);
        return false;
    }
    if (!vm_push_root(vm, r)) return false;      /* the warning runs code */
    bool ok = exc_warn(vm, E_DeprecationWarning,
                       "%T.__float__ returned non-float (type %T).  The ability to return an instance of a strict "
                       "subclass of float is deprecated, and may be removed in a future version of Python.",
                       obj, r);
    vm_pop_roots(vm, 1);
    return ok;
}

Value exc_nomem(VM *vm) {
    vm->exc = vm->memory_error != UNDEF ? vm->memory_error : NONE_VAL;
    if (is_kind(vm->exc, OBJ_EXC)) {
        ObjException *e = AS(ObjException, vm->exc);
        e->ntb = 0;     /* reused: forget where it was raised last time */
        e->comp_code = NULL;
        e->context = e->cause = UNDEF;
    }
    return ERR;
}

/* printf with %S (ObjStr*), %T (type name of a Value), %R (repr of a Value). */
static void vformat(VM *vm, StrBuf *b, const char *fmt, va_list ap) {
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') { sb_addc(b, *p); continue; }
        p++;
        switch (*p) {
        case 's': sb_adds(b, va_arg(ap, const char *)); break;
        case 'd': sb_addf(b, "%d", va_arg(ap, int)); break;
        case 'c': sb_addc(b, (char)va_arg(ap, int)); break;
        case 'u': sb_addf(b, "%u", va_arg(ap, unsigned)); break;
        case 'S': { ObjStr *s = va_arg(ap, ObjStr *); sb_add(b, s->data, (size_t)s->len); break; }
        case 'T': sb_adds(b, type_name(vm, va_arg(ap, Value))); break;
        case 'A': {     /* an argument's type as CPython's argument errors name it: None for None */
            Value v = va_arg(ap, Value);
            sb_adds(b, v == NONE_VAL ? "None" : type_name(vm, v));
            break;
        }
        case 'R': {
            Value v = va_arg(ap, Value);
            Value saved = vm->exc;
            if (!op_repr_to(vm, v, b)) { vm->exc = saved; sb_adds(b, "<?>"); }
            break;
        }
        case 'l':
            if (p[1] == 'l' && p[2] == 'd') { sb_addf(b, "%lld", va_arg(ap, long long)); p += 2; }
            else if (p[1] == 'd') { sb_addf(b, "%ld", va_arg(ap, long)); p++; }
            else if (p[1] == 'l' && p[2] == 'u') { sb_addf(b, "%llu", va_arg(ap, unsigned long long)); p += 2; }
            break;
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': {
            /* width for hex: %02x, %04x, %08x */
            char spec[8] = "%";
            int n = 1;
            while (*p && (*p >= '0' && *p <= '9') && n < 5) spec[n++] = *p++;
            spec[n++] = *p;
            spec[n] = 0;
            sb_addf(b, spec, va_arg(ap, unsigned));
            break;
        }
        case 'x': sb_addf(b, "%x", va_arg(ap, unsigned)); break;
        case '%': sb_addc(b, '%'); break;
        default: sb_addc(b, '%'); sb_addc(b, *p); break;
        }
        if (!*p) break;
    }
}

/* A message as a str, formatted as exc_raise's. */
static Value vmessage(VM *vm, const char *fmt, va_list ap) {
    StrBuf b = SB_INIT;
    vformat(vm, &b, fmt, ap);
    return str_from_buf(vm, &b);
}

/* warnings.warn(msg, category, 1[, source=source]). */
static bool warn_call(VM *vm, ExcId category, Value source, const char *fmt, va_list ap) {
    Value msg = vmessage(vm, fmt, ap);
    if (msg == ERR || !vm_push_root(vm, msg)) return false;
    Value mod = import_standard(vm, "warnings");
    Value warn = mod == ERR ? ERR : op_getattr(vm, mod, str_intern_cstr(vm, "warn"));
    ObjTuple *kwnames = NULL;
    if (warn != ERR && source != UNDEF) {
        ObjStr *kw = str_intern_cstr(vm, "source");
        kwnames = kw ? tuple_from(vm, (Value[]){obj_val(kw)}, 1) : NULL;
        if (!kwnames || !vm_push_root(vm, obj_val(kwnames))) { kwnames = NULL; warn = ERR; }
    }
    Value args[4] = {msg, obj_val(vm->exc_types[category]), int_val(1), source};
    Value r = warn == ERR ? ERR : op_call(vm, warn, args, 3, kwnames);
    vm_pop_roots(vm, kwnames ? 2 : 1);
    return r != ERR;
}

bool exc_warn(VM *vm, ExcId category, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    bool ok = warn_call(vm, category, UNDEF, fmt, ap);
    va_end(ap);
    return ok;
}

bool exc_warn_source(VM *vm, ExcId category, Value source, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    bool ok = warn_call(vm, category, source, fmt, ap);
    va_end(ap);
    return ok;
}

bool exc_warn_swept(VM *vm, const char *message, const char *origin, const char *file, int line) {
    if (vm->exiting || !file || !vm->fiber) return false;
    Value pending = vm->exc;
    vm->exc = UNDEF;
    Value args[3] = {str_from_cstr(vm, message), UNDEF, int_val(line)};
    if (args[0] != ERR && vm_push_root(vm, args[0])) {
        args[1] = str_from_cstr(vm, file);
        if (args[1] != ERR && vm_push_root(vm, args[1])) {
            Value mod = import_standard(vm, "warnings");
            Value fn = mod == ERR ? ERR : op_getattr(vm, mod, str_intern_cstr(vm, "_warn_swept"));
            if (fn != ERR && op_call(vm, fn, args, 3, NULL) == ERR) {
                char prefix[600];
                snprintf(prefix, sizeof prefix, "Exception ignored in: %s", origin);
                exc_report_unraisable(vm, prefix, UNDEF);
            }
            vm_pop_roots(vm, 1);
        }
        vm_pop_roots(vm, 1);
    }
    bool shown = vm->exc == UNDEF;     /* else without memory: written directly */
    vm->exc = pending;
    return shown;
}

Value exc_raise(VM *vm, ExcId id, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    Value msg = vmessage(vm, fmt, ap);
    va_end(ap);
    if (msg == ERR) return ERR;
    ObjTuple *args = tuple_from(vm, &msg, 1);
    if (!args) return ERR;
    Value e = exc_new(vm, vm->exc_types[id], args);
    if (e == ERR) return ERR;
    vm->exc = e;
    return ERR;
}

Value exc_unicode_error(VM *vm, ExcId id, const char *encoding, Value object, int64_t start, int64_t end,
                        const char *reason) {
    if (object == ERR) return ERR;
    Value args[5] = {str_from_cstr(vm, encoding), object, int_val(start), int_val(end), UNDEF};
    if (args[0] == ERR) return ERR;
    args[4] = str_from_cstr(vm, reason);
    if (args[4] == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, args, 5);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[id], t);
    if (e == ERR) return ERR;
    vm->exc = e;
    return ERR;
}

static const char *const unicode_names[5] = {"encoding", "object", "start", "end", "reason"};

/* The (encoding, object, start, end, reason) of a Unicode error made with
 * its usual arguments (a UnicodeTranslateError has no encoding: None), else
 * false. With `set`, fields a script assigned since win over the arguments,
 * as str() reads them. */
static bool unicode_fields(VM *vm, ObjException *e, Value out[5], bool set) {
    Value self = obj_val(e);
    bool translate = exc_is(vm, self, E_UnicodeTranslateError);
    if (!translate && !exc_is(vm, self, E_UnicodeDecodeError) && !exc_is(vm, self, E_UnicodeEncodeError))
        return false;
    ObjTuple *a = e->args;
    int n = translate ? 4 : 5;
    if (a->len != n) return false;
    out[0] = NONE_VAL;
    for (int i = 0; i < n; i++) out[5 - n + i] = a->items[i];
    if (!((translate || is_str(out[0])) && is_int(out[2]) && is_int(out[3]) && is_str(out[4]))) return false;
    /* Assigned fields may be of any type: str() shows them through str(),
     * as CPython's does (e.reason = 42). */
    for (int i = 0; set && e->base.dict && i < 5; i++) {
        ObjStr *name = str_intern_cstr(vm, unicode_names[i]);
        Value v = name ? dict_get_str(e->base.dict, name) : UNDEF;
        if (v != UNDEF) out[i] = v;
    }
    return is_int(out[2]) && is_int(out[3]);
}

/* "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
 * or "bytes in position 0-1" for a range; characters for encoding, and
 * "can't translate character ..." without a codec. */
static Value unicode_str(VM *vm, ObjException *e, const Value f[5]) {
    bool decode = exc_is(vm, obj_val(e), E_UnicodeDecodeError);
    int64_t start = as_int(f[2]), end = as_int(f[3]);
    StrBuf b = SB_INIT;
    if (!exc_is(vm, obj_val(e), E_UnicodeTranslateError)) {
        sb_addc(&b, '\'');
        if (!op_str_to(vm, f[0], &b)) { sb_free(&b); return ERR; }
        sb_addf(&b, "' codec can't %s ", decode ? "decode" : "encode");
    } else {
        sb_adds(&b, "can't translate ");
    }
    Value obj = f[1];
    BinBuf bytes = {NULL, 0};      /* (a decode error's object may be any buffer) */
    int64_t n = decode ? (binbuf_get(obj, &bytes) ? bytes.n : -1) : (is_str(obj) ? AS(ObjStr, obj)->cplen : -1);
    if (start >= 0 && start < n && end == start + 1) {
        if (decode) sb_addf(&b, "byte 0x%02x", bytes.p[start]);
        else {
            ObjStr *so = AS(ObjStr, obj);
            size_t pos = (size_t)str_offset(so, start);
            uint32_t cp = utf8_decode(so->data, (size_t)so->len, &pos);
            sb_adds(&b, "character '");
            if (cp < 0x100) sb_addf(&b, "\\x%02x", cp);
            else if (cp < 0x10000) sb_addf(&b, "\\u%04x", cp);
            else sb_addf(&b, "\\U%08x", cp);
            sb_addc(&b, '\'');
        }
        sb_addf(&b, " in position %lld: ", (long long)start);
    } else {
        sb_addf(&b, "%s in position %lld-%lld: ", decode ? "bytes" : "characters", (long long)start,
                (long long)end - 1);
    }
    if (!op_str_to(vm, f[4], &b)) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* The keywords an exception class's __init__ takes; NULL for none. *owner
 * is the builtin class whose __init__ parses them, which CPython's
 * messages name ("'x' is an invalid keyword argument for NameError()"). */
static const char *const *exc_keywords(VM *vm, ObjClass *cls, const char **owner) {
    static const char *const attr[] = {"name", "obj", NULL}, *const name[] = {"name", NULL},
                             *const import[] = {"name", "path", NULL};
    if (class_is_subclass(cls, vm->exc_types[E_AttributeError])) return *owner = "AttributeError", attr;
    if (class_is_subclass(cls, vm->exc_types[E_NameError])) return *owner = "NameError", name;
    if (class_is_subclass(cls, vm->exc_types[E_ImportError])) return *owner = "ImportError", import;
    return NULL;
}

int exc_check_kwargs(VM *vm, ObjClass *cls, ObjTuple *kwnames) {
    const char *owner = NULL;
    const char *const *allowed = exc_keywords(vm, cls, &owner);
    if (!allowed) {
        exc_raise(vm, E_TypeError, "%s() takes no keyword arguments", cls->name->data);
        return -1;
    }
    for (int64_t i = 0; i < kwnames->len; i++) {
        const char *k = AS(ObjStr, kwnames->items[i])->data;
        const char *const *a = allowed;
        while (*a && strcmp(*a, k)) a++;
        if (!*a) {
            exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", k, owner);
            return -1;
        }
    }
    return 0;
}

int exc_init_kwargs(VM *vm, Value exc, Value *vals, ObjTuple *kwnames) {
    if (exc_check_kwargs(vm, as_obj(exc)->cls, kwnames) < 0) return -1;
    for (int64_t i = 0; i < kwnames->len; i++) {
        if (dict_set_str(vm, AS(ObjException, exc)->base.dict, AS(ObjStr, kwnames->items[i]), vals[i]) < 0) return -1;
    }
    return 0;
}

Value exc_note_name(VM *vm, ObjStr *name, Value obj) {
    if (!is_kind(vm->exc, OBJ_EXC)) return ERR;
    ObjDict *d = AS(ObjException, vm->exc)->base.dict;
    Value e = vm->exc;
    if (dict_set_str(vm, d, vm_name(vm, N_name), obj_val(name)) < 0) return ERR;
    if (obj != UNDEF && dict_set_str(vm, d, vm_name(vm, N_obj), obj) < 0) return ERR;
    vm->exc = e;
    return ERR;
}

Value exc_raise_value(VM *vm, Value exc) {
    if (is_kind(exc, OBJ_CLASS) && class_is_subclass(AS(ObjClass, exc), vm->exc_types[E_BaseException])) {
        exc = class_call(vm, AS(ObjClass, exc), NULL, 0, NULL);
        if (exc == ERR) return ERR;
        if (!is_kind(exc, OBJ_EXC))
            return exc_raise(vm, E_TypeError, "calling %R should have returned an instance of BaseException, not %T",
                             exc, exc);
    }
    if (!is_kind(exc, OBJ_EXC))
        return exc_raise(vm, E_TypeError, "exceptions must derive from BaseException");
    vm->exc = exc;
    return ERR;
}

bool exc_is(VM *vm, Value exc, ExcId id) {
    return is_kind(exc, OBJ_EXC) && class_is_subclass(as_obj(exc)->cls, vm->exc_types[id]);
}

static bool is_exc_class(VM *vm, Value t) {
    return is_kind(t, OBJ_CLASS) && class_is_subclass(AS(ObjClass, t), vm->exc_types[E_BaseException]);
}

/* The classes an `except T` or `except* T` names (T or the items of a
 * tuple T, a nested tuple not being one), checked as CPython does: every
 * one must be an exception class, before any is matched, so a bad item is
 * reported even when an earlier one would have matched. */
static bool except_classes(VM *vm, Value *type, Value **items, int64_t *n) {
    *items = type;
    *n = 1;
    if (is_tuple(*type)) { *items = AS(ObjTuple, *type)->items; *n = AS(ObjTuple, *type)->len; }
    for (int64_t i = 0; i < *n; i++) {
        if (!is_exc_class(vm, (*items)[i])) {
            exc_raise(vm, E_TypeError, "catching classes that do not inherit from BaseException is not allowed");
            return false;
        }
    }
    return true;
}

int exc_matches(VM *vm, Value exc, Value type) {
    Value *items;
    int64_t n;
    if (!except_classes(vm, &type, &items, &n)) return -1;
    for (int64_t i = 0; i < n; i++)
        if (class_is_subclass(as_obj(exc)->cls, AS(ObjClass, items[i]))) return 1;
    return 0;
}

bool exc_inlined_comprehension(ObjCode *code) { return code->flags & CODE_INLINED_COMP; }

/* As CPython: if ctx's chain of contexts leads back to e, the link to e
 * is cut. A cycle the script made in that chain (`ex.__context__ = ex`)
 * must not make the walk endless: a second pointer at half speed meets
 * the first one inside any cycle (Floyd's algorithm). */
void exc_chain_context(Value e, Value ctx) {
    Value o = ctx, slow = ctx;
    bool toggle = false;
    while (is_kind(o, OBJ_EXC)) {
        Value c = AS(ObjException, o)->context;
        if (!is_kind(c, OBJ_EXC)) break;
        if (c == e) {
            AS(ObjException, o)->context = UNDEF;
            break;
        }
        o = c;
        if (o == slow) break;
        if (toggle) slow = AS(ObjException, slow)->context;
        toggle = !toggle;
    }
    AS(ObjException, e)->context = ctx;
}

void exc_add_tb(VM *vm, Value exc, ObjCode *code, const uint32_t *ip) {
    if (!is_kind(exc, OBJ_EXC)) return;
    ObjException *e = AS(ObjException, exc);
    /* CPython 3.12 runs list, set and dict comprehensions in the frame of
     * the function around them: no frame of their own, and that frame's
     * line and carets are those of the instruction in the comprehension. */
    ObjCode *at = code;
    uint32_t pc = (uint32_t)(ip - code->ins);
    if (code->flags & CODE_NO_TB) {
        e->comp_code = NULL;
        return;
    }
    if (exc_inlined_comprehension(code)) {
        if (!e->comp_code) e->comp_code = code, e->comp_pc = pc;
        return;
    }
    if (e->comp_code) at = e->comp_code, pc = e->comp_pc, e->comp_code = NULL;
    /* The frame's object (its one: made now if it has none, and given its
     * variables as the frame ends); without memory the entry has none. The frame is
     * the fiber's innermost (the interpreter passes its code and ip rather
     * than the frame: that keeps its dispatch loop's registers as they were). */
    Frame *f = vm->fiber->frame;
    Value pending = vm->exc;
    FrameObj *frame = f && f->code == code ? frameobj_of(vm, f, ip) : NULL;
    vm->exc = pending;
    if (e->ntb == e->tbcap) {
        int cap = e->tbcap ? e->tbcap * 2 : 8;
        TbEntry *tb = realloc(e->tb, (size_t)cap * sizeof *tb);
        if (!tb) return;    /* a shorter traceback, not a crash */
        e->tb = tb;
        e->tbcap = cap;
    }
    /* At pc 0 nothing ran yet (a throw() into a generator not started):
     * CPython shows the def line. */
    e->tb[e->ntb++] = (TbEntry){code, at, pc == 0 ? code->firstline : 0, pc, frame, NULL};
}

void exc_reraised_at(Value e, Frame *frame, ObjCode *code, const uint32_t *ip) {
    if (!is_kind(e, OBJ_EXC) || AS(ObjException, e)->ntb == 0) return;
    FrameObj *fo = AS(ObjException, e)->tb[AS(ObjException, e)->ntb - 1].frame;
    if (!fo || fo->live != frame || fo->code != code) return;
    fo->pc = (uint32_t)(ip - code->ins);
    fo->line = 0;
}

/* The span an entry's carets go under. An unbound local read by `x += v`'s
 * fused INPLACE_ADD_FAST (interp.c) gets the name's span, as CPython's
 * separate load of `x` has: the instruction's own span is the statement. */
static bool entry_position(VM *vm, ObjException *e, int i, LineEntry *pos) {
    TbEntry *t = &e->tb[i];
    if (t->pc == 0) {
        /* nothing ran yet (a throw() into a generator not started): the
         * def line, without columns, as CPython's prologue has it */
        *pos = (LineEntry){.line = t->at->firstline, .end_line = t->at->firstline, .col = -1, .end_col = -1};
        return true;
    }
    if (!code_position(t->at, t->at->ins + t->pc, pos)) return false;
    if (i == 0 && t->pc > 0 && e->base.obj.cls == vm->exc_types[E_UnboundLocalError]) {
        uint32_t w = code_ins_at(t->at, t->at->ins + t->pc - 1);
        if (INS_OP(w) == OP_INPLACE_ADD_FAST && pos->line == pos->end_line) {
            ObjStr *name = t->at->varnames[INS_ARG(w)];
            pos->end_col = (int16_t)(pos->col + name->len);
        }
    }
    return true;
}

bool exc_tb_position(VM *vm, Value tb, LineEntry *pos) {
    if (!is_kind(tb, OBJ_ITER) || as_obj(tb)->cls != vm->types[T_TRACEBACK]) return false;
    ObjIter *t = AS(ObjIter, tb);
    ObjException *e = AS(ObjException, t->a);
    if (t->i >= e->ntb) return false;
    return entry_position(vm, e, (int)t->i, pos);
}

/* An entry's line, found when first asked for: reading the position table
 * is most of what raising costs, and most exceptions are caught unread. */
int exc_tb_line(TbEntry *t) {
    if (t->line == 0) t->line = code_line(t->at, t->at->ins + t->pc);
    return t->line;
}

/* ---- str, repr, attributes --------------------------------------------- */

ObjClass *exc_oserror_class(VM *vm, ObjClass *cls, Value *args, int nargs) {
    /* CPython maps the errno only for 2 to 5 arguments */
    if (cls != vm->exc_types[E_OSError] || nargs < 2 || nargs > 5 || !(is_int(args[0]) || is_bool(args[0])))
        return cls;
    switch (is_bool(args[0]) ? (int64_t)(args[0] == TRUE_VAL) : as_int(args[0])) {
    case ENOENT: return vm->exc_types[E_FileNotFoundError];
    case EEXIST: return vm->exc_types[E_FileExistsError];
    case EACCES: case EPERM: return vm->exc_types[E_PermissionError];
    case EISDIR: return vm->exc_types[E_IsADirectoryError];
    case ENOTDIR: return vm->exc_types[E_NotADirectoryError];
    case ETIMEDOUT: return vm->exc_types[E_TimeoutError];
    case EPIPE: case ESHUTDOWN: return vm->exc_types[E_BrokenPipeError];
    case ECONNRESET: return vm->exc_types[E_ConnectionResetError];
    case ECONNREFUSED: return vm->exc_types[E_ConnectionRefusedError];
    case ECONNABORTED: return vm->exc_types[E_ConnectionAbortedError];
    case ECHILD: return vm->exc_types[E_ChildProcessError];
    case ESRCH: return vm->exc_types[E_ProcessLookupError];
    case EINTR: return vm->exc_types[E_InterruptedError];
    case EAGAIN: case EALREADY: case EINPROGRESS: return vm->exc_types[E_BlockingIOError];
    default: return cls;
    }
}

/* str(OSError(errno, strerror[, filename[, winerror, filename2]])):
 * "[Errno 2] text: 'name'", or "... 'name' -> 'name2'" for two paths; from
 * its fields (a: errno, strerror, filename, filename2), which may have been
 * set since. UNDEF when they do not make such a message. */
static Value oserror_str(VM *vm, ObjTuple *a) {
    bool named = a->items[2] != UNDEF;    /* (None only when assigned: then shown) */
    if (!named && (a->items[0] == UNDEF || a->items[1] == UNDEF)) return UNDEF;
    StrBuf b = SB_INIT;
    sb_adds(&b, "[Errno ");
    if (!op_str_to(vm, a->items[0] == UNDEF ? NONE_VAL : a->items[0], &b)) { sb_free(&b); return ERR; }
    sb_adds(&b, "] ");
    if (!op_str_to(vm, a->items[1] == UNDEF ? NONE_VAL : a->items[1], &b)) { sb_free(&b); return ERR; }
    if (named) {
        sb_adds(&b, ": ");
        if (!op_repr_to(vm, a->items[2], &b)) { sb_free(&b); return ERR; }
    }
    if (named && a->items[3] != UNDEF) {
        sb_adds(&b, " -> ");
        if (!op_repr_to(vm, a->items[3], &b)) { sb_free(&b); return ERR; }
    }
    return str_from_buf(vm, &b);
}

/* str(ExceptionGroup("msg", [...])): "msg (2 sub-exceptions)", from the
 * message and exceptions given to the constructor (not from args). */
static Value group_str(VM *vm, ObjException *e) {
    int64_t n = e->group->items[1] == UNDEF ? 0 : AS(ObjTuple, e->group->items[1])->len;
    StrBuf b = SB_INIT;
    if (!op_str_to(vm, e->group->items[0], &b)) { sb_free(&b); return ERR; }
    sb_addf(&b, " (%lld sub-exception%s)", (long long)n, n > 1 ? "s" : "");
    return str_from_buf(vm, &b);
}

/* A SyntaxError's location field: what the compiler (or a script) stored,
 * else the details tuple of SyntaxError(msg, (filename, lineno, offset,
 * text, end_lineno, end_offset)), else None. */
static Value syntax_field(VM *vm, ObjException *e, NameId n) {
    static const NameId order[] = {N_filename, N_lineno, N_offset, N_text, N_end_lineno, N_end_offset};
    Value v = e->base.dict ? dict_get_str(e->base.dict, vm_name(vm, n)) : UNDEF;
    if (v != UNDEF) return v;
    if (e->args->len != 2) return NONE_VAL;
    Value d = e->args->items[1];
    Value *items = is_tuple(d) ? AS(ObjTuple, d)->items : is_list(d) ? AS(ObjList, d)->items : NULL;
    int64_t len = is_tuple(d) ? AS(ObjTuple, d)->len : is_list(d) ? AS(ObjList, d)->len : 0;
    for (int i = 0; items && i < 6; i++) {
        if (order[i] == n) return i < len ? items[i] : NONE_VAL;
    }
    return NONE_VAL;
}

/* CPython's SyntaxError.__str__: "msg (file.py, line 3)", with the file's
 * base name. */
static Value syntax_str(VM *vm, ObjException *e) {
    Value msg = e->base.dict ? dict_get_str(e->base.dict, vm_name(vm, N_msg)) : UNDEF;
    if (msg == UNDEF) msg = e->args->len ? e->args->items[0] : NONE_VAL;
    Value file = syntax_field(vm, e, N_filename), line = syntax_field(vm, e, N_lineno);
    bool have_file = is_str(file), have_line = is_int(line);
    if (!have_file && !have_line) return op_str(vm, msg);
    StrBuf b = SB_INIT;
    if (!op_str_to(vm, msg, &b)) { sb_free(&b); return ERR; }
    sb_adds(&b, " (");
    if (have_file) {
        const char *f = AS(ObjStr, file)->data, *slash = strrchr(f, '/');
        sb_adds(&b, slash ? slash + 1 : f);
    }
    if (have_line) sb_addf(&b, "%sline %lld", have_file ? ", " : "", (long long)as_int(line));
    sb_addc(&b, ')');
    return str_from_buf(vm, &b);
}

Value exc_str(VM *vm, Value exc) {
    ObjException *e = AS(ObjException, exc);
    ObjTuple *a = e->args;
    if (e->group) return group_str(vm, e);
    if (exc_is(vm, exc, E_SyntaxError)) return syntax_str(vm, e);
    Value os = e->oserr ? oserror_str(vm, e->oserr) : UNDEF;
    if (os != UNDEF) return os;
    if (exc_is(vm, exc, E_ImportError)) {
        /* its msg (the one argument, or as assigned since) when a str */
        Value msg = dict_get_str(e->base.dict, vm_name(vm, N_msg));
        if (msg == UNDEF && a->len == 1) msg = a->items[0];
        if (is_kind(msg, OBJ_STR) && as_obj(msg)->cls == vm->types[T_STR]) return msg;
    }
    if (a->len == 0) return obj_val(vm->empty_str);
    Value uf[5];
    if (unicode_fields(vm, e, uf, true)) return unicode_str(vm, e, uf);
    if (a->len == 1) {
        if (exc_is(vm, exc, E_KeyError)) return op_repr(vm, a->items[0]);
        return op_str(vm, a->items[0]);
    }
    return op_str(vm, obj_val(a));
}

static Value m_str(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    return exc_str(vm, args[0]);
}

static Value m_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    ObjException *e = AS(ObjException, args[0]);
    StrBuf b = SB_INIT;
    sb_adds(&b, as_obj(args[0])->cls->name->data);
    if (e->args->len == 1) {
        sb_addc(&b, '(');
        if (!op_repr_to(vm, e->args->items[0], &b)) { sb_free(&b); return ERR; }
        sb_addc(&b, ')');
    } else if (!op_repr_to(vm, obj_val(e->args), &b)) {
        sb_free(&b);
        return ERR;
    }
    return str_from_buf(vm, &b);
}

/* An OSError subclass with a __new__ of its own had its arguments read
 * by OSError.__new__, which that called: OSError.__init__ then leaves
 * args alone and ignores what it is given (CPython's OSError_init). */
bool exc_oserror_parsed_by_new(VM *vm, ObjClass *cls) {
    if (cls->obj.flags & CLASS_BUILTIN || !class_is_subclass(cls, vm->exc_types[E_OSError])) return false;
    return has_script_new(vm, cls);
}

static Value m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int nkw = kw ? (int)kw->len : 0;
    ObjException *e = AS(ObjException, args[0]);
    if (exc_oserror_parsed_by_new(vm, e->base.obj.cls)) return NONE_VAL;
    ObjTuple *t = tuple_from(vm, args + 1, nargs - 1);
    if (!t || !exc_set_args(vm, e, t)) return ERR;
    if (exc_is(vm, args[0], E_ImportError)) {
        /* ImportError.__init__ sets name and path, None unless given */
        ObjStr *path = str_intern_cstr(vm, "path");
        if (!path || dict_set_str(vm, e->base.dict, vm_name(vm, N_name), NONE_VAL) < 0 ||
            dict_set_str(vm, e->base.dict, path, NONE_VAL) < 0)
            return ERR;
    }
    if (nkw && exc_init_kwargs(vm, args[0], args + nargs, kw) < 0) return ERR;
    return NONE_VAL;
}

/* e.__traceback__ = tb: e's frames become tb's (a traceback object of this
 * or another exception: its entry and the inner ones), or none for None. */
static int set_traceback(VM *vm, ObjException *e, Value tb) {
    if (tb == NONE_VAL) { e->ntb = 0; return 0; }
    if (!is_kind(tb, OBJ_ITER) || as_obj(tb)->cls != vm->types[T_TRACEBACK]) {
        exc_raise(vm, E_TypeError, "__traceback__ must be a traceback or None");
        return -1;
    }
    ObjIter *t = AS(ObjIter, tb);
    ObjException *src = AS(ObjException, t->a);
    int n = t->i < src->ntb ? (int)t->i + 1 : src->ntb;
    if (n > e->tbcap) {
        TbEntry *entries = realloc(e->tb, (size_t)n * sizeof *entries);
        if (!entries) { exc_nomem(vm); return -1; }
        e->tb = entries;
        e->tbcap = n;
    }
    memmove(e->tb, src->tb, (size_t)n * sizeof *e->tb);
    e->ntb = n;
    return 0;
}

static Value m_with_traceback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "with_traceback", nargs - 1, kw, 1, 1)) return ERR;
    return set_traceback(vm, AS(ObjException, args[0]), args[1]) < 0 ? ERR : args[0];
}

/* BaseException.__setstate__(state): a dict's items become attributes
 * (what unpickling gives an exception with a __dict__). */
static Value m_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1)) return ERR;
    Value state = args[1];
    if (state == NONE_VAL) return NONE_VAL;
    if (!is_dict(state)) return exc_raise(vm, E_TypeError, "state is not a dictionary");
    ObjDict *d = AS(ObjDict, state);
    for (int64_t i = 0; i < d->nentries; i++) {
        Value k = d->entries[i].key;
        if (k == UNDEF) continue;
        if (!is_str(k)) return exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", k);
        if (op_setattr(vm, args[0], AS(ObjStr, k), d->entries[i].value) < 0) return ERR;
    }
    return NONE_VAL;
}

static Value m_add_note(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "add_note", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "note must be a str, not '%T'", args[1]);
    return exc_add_note(vm, args[0], args[1]);
}

Value exc_add_note(VM *vm, Value exc, Value note) {
    ObjDict *d = AS(ObjException, exc)->base.dict;
    Value notes = dict_get_str(d, vm_name(vm, N___notes__));
    if (notes == UNDEF) {
        ObjList *l = list_new(vm, 1);
        if (!l || dict_set_str(vm, d, vm_name(vm, N___notes__), obj_val(l)) < 0) return ERR;
        notes = obj_val(l);
    }
    if (!is_list(notes)) return exc_raise(vm, E_TypeError, "Cannot add note: __notes__ is not a list");
    return list_append(vm, AS(ObjList, notes), note) < 0 ? ERR : NONE_VAL;
}

/* OSError's fields: errno, strerror, filename, filename2 (0-3), or -1. */
static int oserror_field(VM *vm, ObjException *e, ObjStr *name) {
    if (!class_is_subclass(e->base.obj.cls, vm->exc_types[E_OSError])) return -1;
    if (str_eq(name, vm_name(vm, N_errno))) return 0;
    if (str_eq(name, vm_name(vm, N_strerror))) return 1;
    if (str_eq(name, vm_name(vm, N_filename))) return 2;
    return strcmp(name->data, "filename2") == 0 ? 3 : -1;
}

static int oserror_setattr(VM *vm, ObjException *e, int field, Value v) {
    Value parts[4] = {UNDEF, UNDEF, UNDEF, UNDEF};
    if (e->oserr) memcpy(parts, e->oserr->items, sizeof parts);
    parts[field] = v;
    return (e->oserr = tuple_from(vm, parts, 4)) ? 1 : -1;
}

/* Attributes computed from the exception's fields: UNDEF if `name` is none. */
Value exc_getattr(VM *vm, ObjException *e, ObjStr *name) {
    Value self = obj_val(e);
    if (str_eq(name, vm_name(vm, N_args))) return obj_val(e->args);
    if (str_eq(name, vm_name(vm, N___cause__))) return e->cause == UNDEF ? NONE_VAL : e->cause;
    if (str_eq(name, vm_name(vm, N___context__))) return e->context == UNDEF ? NONE_VAL : e->context;
    if (str_eq(name, vm_name(vm, N___suppress_context__))) return bool_val(e->suppress_context);
    if (str_eq(name, vm_name(vm, N___traceback__))) return exc_traceback(vm, self, e->ntb - 1);
    Value first = e->args->len ? e->args->items[0] : NONE_VAL;
    if (str_eq(name, vm_name(vm, N_value)) && exc_is(vm, self, E_StopIteration)) return first;
    if (str_eq(name, vm_name(vm, N_code)) && exc_is(vm, self, E_SystemExit))
        return e->args->len > 1 ? obj_val(e->args) : first;
    int os_field = oserror_field(vm, e, name);
    if (os_field >= 0) return e->oserr && e->oserr->items[os_field] != UNDEF ? e->oserr->items[os_field] : NONE_VAL;
    if (exc_is(vm, self, E_SyntaxError)) {
        if (str_eq(name, vm_name(vm, N_msg))) return first;
        if (!strcmp(name->data, "print_file_and_line")) return NONE_VAL;
        /* Those the compiler did not set (a SyntaxError made by a script). */
        static const NameId located[] = {N_filename, N_lineno, N_offset, N_text, N_end_lineno, N_end_offset};
        for (size_t i = 0; i < sizeof located / sizeof located[0]; i++) {
            if (str_eq(name, vm_name(vm, located[i]))) return syntax_field(vm, e, located[i]);
        }
    }
    if (e->group) {
        if (str_eq(name, vm_name(vm, N_message))) return e->group->items[0];
        if (str_eq(name, vm_name(vm, N_exceptions))) return e->group->items[1];
    }
    Value uf[5];
    if (unicode_fields(vm, e, uf, false)) {
        /* A decode error's object is bytes even when made from a bytearray. */
        if (!strcmp(name->data, "object") && is_kind(uf[1], OBJ_BYTEARRAY))
            return bytes_new(vm, AS(ObjByteArray, uf[1])->data, (size_t)AS(ObjByteArray, uf[1])->len);
        for (int i = 0; i < 5; i++) {
            if (!strcmp(name->data, unicode_names[i])) return uf[i];
        }
    }
    if ((exc_is(vm, self, E_AttributeError) || exc_is(vm, self, E_NameError)) && str_eq(name, vm_name(vm, N_name)))
        return NONE_VAL;
    if (exc_is(vm, self, E_AttributeError) && str_eq(name, vm_name(vm, N_obj))) return NONE_VAL;
    if (exc_is(vm, self, E_ImportError) && (str_eq(name, vm_name(vm, N_name)) || str_eq(name, vm_name(vm, N_msg)) ||
                                            !strcmp(name->data, "path") || !strcmp(name->data, "name_from")))
        return str_eq(name, vm_name(vm, N_msg)) && e->args->len == 1 ? first : NONE_VAL;
    return UNDEF;
}

/* Deleting one of the fields: refused, with CPython's messages. */
static int exc_delattr(VM *vm, ObjException *e, ObjStr *name) {
    static const NameId fields[] = {N_args, N___traceback__, N___cause__, N___context__};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        if (!str_eq(name, vm_name(vm, fields[i]))) continue;
        exc_raise(vm, E_TypeError, "%s may not be deleted", name->data);
        return -1;
    }
    if (str_eq(name, vm_name(vm, N___suppress_context__))) {
        exc_raise(vm, E_TypeError, "can't delete numeric/char attribute");
        return -1;
    }
    if (e->group && (str_eq(name, vm_name(vm, N_message)) || str_eq(name, vm_name(vm, N_exceptions)))) {
        exc_raise(vm, E_AttributeError, "readonly attribute");
        return -1;
    }
    return 0;
}

/* __cause__ and friends are fields, not dict entries (v is UNDEF to
 * delete). 1: handled, 0: not one of them, -1: error. */
int exc_setattr(VM *vm, ObjException *e, ObjStr *name, Value v) {
    int os_field = oserror_field(vm, e, name);
    if (os_field >= 0) return oserror_setattr(vm, e, os_field, v);
    if (!strcmp(name->data, "characters_written") && class_is_subclass(e->base.obj.cls, vm->exc_types[E_OSError])) {
        /* an index, stored as an int; deleting it when unset is an error */
        bool has = dict_get_str(e->base.dict, name) != UNDEF;
        if (v == UNDEF) {
            if (has) return 0;
            exc_raise(vm, E_AttributeError, "characters_written");
            return -1;
        }
        int64_t n;
        if (!written_arg(vm, v, &n)) return -1;
        if (n == -1) return has && dict_del(vm, e->base.dict, obj_val(name)) < 0 ? -1 : 1;    /* "not set" */
        return dict_set_str(vm, e->base.dict, name, int_val(n)) < 0 ? -1 : 1;
    }
    if (v == UNDEF) return exc_delattr(vm, e, name);
    if (str_eq(name, vm_name(vm, N___cause__))) {
        if (v != NONE_VAL && !is_kind(v, OBJ_EXC)) {
            exc_raise(vm, E_TypeError, "exception cause must be None or derive from BaseException");
            return -1;
        }
        e->cause = v == NONE_VAL ? UNDEF : v;
        e->suppress_context = 1;
        return 1;
    }
    if (str_eq(name, vm_name(vm, N___context__))) {
        if (v != NONE_VAL && !is_kind(v, OBJ_EXC)) {
            exc_raise(vm, E_TypeError, "exception context must be None or derive from BaseException");
            return -1;
        }
        e->context = v == NONE_VAL ? UNDEF : v;
        return 1;
    }
    if (str_eq(name, vm_name(vm, N___suppress_context__))) {
        e->suppress_context = v == TRUE_VAL;
        return 1;
    }
    if (str_eq(name, vm_name(vm, N___traceback__))) return set_traceback(vm, e, v) < 0 ? -1 : 1;
    if (e->group && (str_eq(name, vm_name(vm, N_message)) || str_eq(name, vm_name(vm, N_exceptions)))) {
        exc_raise(vm, E_AttributeError, "readonly attribute");
        return -1;
    }
    if (str_eq(name, vm_name(vm, N_args))) {
        ObjList *l = op_to_list(vm, v);
        ObjTuple *t = l ? tuple_from(vm, l->items, l->len) : NULL;
        if (!t) return -1;
        e->args = t;
        return 1;
    }
    return 0;
}

/* ---- the fields as descriptors of the classes --------------------------
 * CPython's exception types carry their fields as member and getset
 * descriptors (`BaseException.args`, `OSError.errno`), which dir() and
 * vars() show. Asy keeps the values in the exception's struct or its dict;
 * each descriptor's natives, bound to (name, owner), read the dict first
 * and then exc_getattr, and store through exc_setattr, so an instance
 * answers as it did before the class had the descriptor. */

static Value field_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    ObjStr *name = AS(ObjStr, AS(ObjTuple, args[0])->items[0]);
    if (!is_kind(args[1], OBJ_EXC)) return exc_raise(vm, E_TypeError, "descriptor '%s' needs an exception", name->data);
    ObjException *e = AS(ObjException, args[1]);
    Value v = e->base.dict ? dict_get_str(e->base.dict, name) : UNDEF;
    if (v == UNDEF) v = exc_getattr(vm, e, name);
    return v == UNDEF ? exc_raise(vm, E_AttributeError, "%s", name->data) : v;
}

/* Setting (args[2]) or deleting (nargs == 2) a field. */
static Value field_set(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjStr *name = AS(ObjStr, AS(ObjTuple, args[0])->items[0]);
    if (!is_kind(args[1], OBJ_EXC)) return exc_raise(vm, E_TypeError, "descriptor '%s' needs an exception", name->data);
    ObjException *e = AS(ObjException, args[1]);
    Value v = nargs > 2 ? args[2] : UNDEF;
    int r = exc_setattr(vm, e, name, v);
    if (r) return r < 0 ? ERR : NONE_VAL;
    ObjDict *d = e->base.dict;
    if (v != UNDEF) return d && dict_set_str(vm, d, name, v) == 0 ? NONE_VAL : ERR;
    r = d ? dict_del(vm, d, obj_val(name)) : 0;
    return r < 0 ? ERR : r ? NONE_VAL : exc_raise(vm, E_AttributeError, "%s", name->data);
}

static bool add_field(VM *vm, ObjClass *c, const char *name, bool getset) {
    ObjStr *s = str_intern_cstr(vm, name);
    ObjTuple *info = s ? tuple_from(vm, (Value[]){obj_val(s), obj_val(c)}, 2) : NULL;
    if (!info || !vm_push_root(vm, obj_val(info))) return false;
    ObjProperty *p = gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[getset ? T_GETSET_DESCRIPTOR : T_MEMBER_DESCRIPTOR]);
    bool ok = p && vm_push_root(vm, obj_val(p));
    if (ok) {
        p->fget = p->fset = p->fdel = p->name = NONE_VAL;
        p->doc = getset ? obj_val(c) : NONE_VAL;    /* a getset's owner (class.c's descr_owner) */
        /* (the natives carry the field's name, a getset's; one sets and deletes) */
        ObjNative *get = native_new(vm, name, field_get), *set = NULL;
        if (get) {
            get->self = obj_val(info);
            p->fget = obj_val(get);     /* (rooted through p from here) */
            set = native_new(vm, name, field_set);
        }
        if ((ok = set != NULL)) {
            set->self = obj_val(info);
            p->fset = p->fdel = obj_val(set);
        }
        ok = ok && dict_set_str(vm, c->dict, s, obj_val(p)) == 0;
        vm_pop_roots(vm, 1);
    }
    vm_pop_roots(vm, 1);
    return ok;
}

/* Each class's fields, as CPython 3.12 declares them ('+': a getset). */
static bool add_fields(VM *vm) {
    static const struct { int id; const char *names; } table[] = {
        {E_BaseException, "+args +__traceback__ +__context__ +__cause__ __suppress_context__"},
        {E_BaseExceptionGroup, "message exceptions"},
        {E_StopIteration, "value"},
        {E_SystemExit, "code"},
        {E_OSError, "errno strerror filename filename2 +characters_written"},
        {E_SyntaxError, "msg filename lineno offset text end_lineno end_offset print_file_and_line"},
        {E_ImportError, "msg name path name_from"},
        {E_NameError, "name"},
        {E_AttributeError, "name obj"},
        {E_UnicodeEncodeError, "encoding object start end reason"},
        {E_UnicodeDecodeError, "encoding object start end reason"},
        {E_UnicodeTranslateError, "encoding object start end reason"},
    };
    for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
        for (const char *p = table[i].names; *p;) {
            char word[32];
            size_t n = strcspn(p, " ");
            bool getset = *p == '+';
            snprintf(word, sizeof word, "%.*s", (int)(n - getset), p + getset);
            if (!add_field(vm, vm->exc_types[table[i].id], word, getset)) return false;
            p += n + (p[n] == ' ');
        }
    }
    return true;
}

/* ---- traceback objects ------------------------------------------------- */

/* A traceback object is an ObjIter: a = the exception, i = its entry. It
 * is made once per entry (`e.__traceback__ is e.__traceback__`); an entry
 * copied from another exception (with_traceback) keeps that one's object. */
Value exc_traceback(VM *vm, Value exc, int index) {
    if (!is_kind(exc, OBJ_EXC) || index < 0) return NONE_VAL;
    ObjException *e = AS(ObjException, exc);
    if (index < e->ntb && e->tb[index].obj) return obj_val(e->tb[index].obj);
    ObjIter *t = gc_new(vm, sizeof(ObjIter), OBJ_ITER, vm->types[T_TRACEBACK]);
    if (!t) return ERR;
    t->a = exc;
    t->b = t->c = UNDEF;
    t->i = index;
    if (index < e->ntb) e->tb[index].obj = t;
    return obj_val(t);
}

Value exc_traceback_attr(VM *vm, ObjIter *t, ObjStr *name) {
    ObjException *e = AS(ObjException, t->a);
    if (t->i >= e->ntb) return UNDEF;
    TbEntry *entry = &e->tb[t->i];
    if (!strcmp(name->data, "tb_lineno")) return int_val(exc_tb_line(entry));
    if (!strcmp(name->data, "tb_next")) return exc_traceback(vm, t->a, (int)t->i - 1);
    if (!strcmp(name->data, "tb_frame")) {
        if (!entry->frame) return NONE_VAL;
        /* The caller's frame is the next entry's, as the exception left it. */
        if (t->i + 1 < e->ntb && e->tb[t->i + 1].frame) frameobj_set_back(entry->frame, obj_val(e->tb[t->i + 1].frame));
        return obj_val(entry->frame);
    }
    if (!strcmp(name->data, "tb_lasti")) return int_val(entry->pc ? 2 * (int64_t)(entry->pc - 1) : 0);
    return UNDEF;
}

/* traceback.__dir__(): only the four tb_ attributes, as CPython's tb_dir
 * (the attributes come from ops.c's lookup, not the class dict, so the
 * generic dir() would not list them). */
static Value m_tb_dir(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "traceback.__dir__", nargs - 1, kw, 0, 0)) return ERR;
    static const char *const names[] = {"tb_frame", "tb_next", "tb_lasti", "tb_lineno"};
    ObjList *l = list_new(vm, 4);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    for (int i = 0; i < 4; i++) {
        Value s = str_from_cstr(vm, names[i]);
        if (s == ERR || list_append(vm, l, s) < 0) { vm_pop_roots(vm, 1); return ERR; }
    }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

/* ---- traceback text ---------------------------------------------------- */

static bool is_group(Value v);
static ObjTuple *group_excs(Value eg);

/* Line `n` of a file, without its newline; false if unavailable. */
static bool read_source_line(const char *path, int n, StrBuf *line) {
    if (!path || path[0] == '<') return false;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char buf[4096];
    int at = 1;
    bool found = false;
    while (!found && fgets(buf, sizeof buf, f)) {
        size_t len = strlen(buf);
        if (at == n) sb_add(line, buf, len);
        if (len && buf[len - 1] == '\n') {
            found = at == n;
            at++;
        }
    }
    if (!found && at == n && line->len) found = true;
    fclose(f);
    while (line->len && (line->data[line->len - 1] == '\n' || line->data[line->len - 1] == '\r')) line->len--;
    return found;
}

/* The entry's source line, stripped, and the carets under the span that
 * raised. */
static void source_line(VM *vm, ObjException *e, int i, StrBuf *out) {
    TbEntry *t = &e->tb[i];
    StrBuf line = SB_INIT;
    if (read_source_line(t->code->filename->data, exc_tb_line(t), &line)) {
        const char *s = line.data;
        size_t len = line.len;
        while (len && (*s == ' ' || *s == '\t' || *s == '\f')) { s++; len--; }
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
        if (len) {
            sb_adds(out, "    ");
            sb_add(out, s, len);
            sb_addc(out, '\n');
            LineEntry pos;
            if (entry_position(vm, e, i, &pos) && pos.line == exc_tb_line(t))
                tb_carets(line.data, line.len, &pos, out);
        }
    }
    sb_free(&line);
}

static void repeated(StrBuf *out, int count) {
    if (count > 3)
        sb_addf(out, "  [Previous line repeated %d more time%s]\n", count - 3, count - 3 == 1 ? "" : "s");
}

static void format_tb(VM *vm, ObjException *e, StrBuf *out, const char *header) {
    if (e->ntb == 0) return;
    sb_adds(out, header);
    /* Entries run innermost first; print outermost first. More than three
     * identical entries in a row (deep recursion) are folded, as CPython. */
    TbEntry *last = NULL;
    int count = 0;
    for (int i = e->ntb - 1; i >= 0; i--) {
        TbEntry *t = &e->tb[i];
        if (last && t->code == last->code && exc_tb_line(t) == exc_tb_line(last)) {
            count++;
        } else {
            repeated(out, count);
            count = 1;
            last = t;
        }
        if (count > 3) continue;
        const char *file = t->code->filename->data;
        sb_addf(out, "  File \"%s\", line %d, in %s\n", file, exc_tb_line(t), t->code->name->data);
        source_line(vm, e, i, out);
    }
    repeated(out, count);
}

static Value dict_attr(VM *vm, ObjException *e, NameId n) {
    return dict_get_str(e->base.dict, vm_name(vm, n));
}

/* The "  File ..., line N" block and caret of a SyntaxError, as CPython's
 * print_error_text writes them: the offsets index the UTF-8 text as bytes
 * (so the caret is off under non-ASCII text there too), leading blanks are
 * stripped, and no caret is written when it would fall left of the text.
 * Printing an uncaught one, only SyntaxError itself is given its end: its
 * subclasses (IndentationError, TabError) get a single caret. The
 * traceback module (`module_style`) marks every one to its end. */
static void format_syntax_error(VM *vm, ObjException *e, StrBuf *out, bool module_style) {
    /* syntax_field: a SyntaxError raised by a script carries its location
     * in its args, not in attributes the compiler set. */
    Value file = syntax_field(vm, e, N_filename), line = syntax_field(vm, e, N_lineno);
    Value text = syntax_field(vm, e, N_text), off = syntax_field(vm, e, N_offset);
    bool exact = module_style || e->base.obj.cls == vm->exc_types[E_SyntaxError];
    Value end = exact ? syntax_field(vm, e, N_end_offset) : UNDEF;
    Value end_line = exact ? syntax_field(vm, e, N_end_lineno) : UNDEF;
    if (!is_int(line)) return;
    /* (a line number without a file name is reported in "<string>") */
    sb_addf(out, "  File \"%s\", line %lld\n", is_str(file) ? AS(ObjStr, file)->data : "<string>",
            (long long)as_int(line));
    if (!is_str(text)) return;
    const char *s = AS(ObjStr, text)->data;
    int64_t size = AS(ObjStr, text)->len;
    int64_t offset = is_int(off) ? as_int(off) : -1, end_offset = is_int(end) ? as_int(end) : -1;
    /* An error over several lines is marked to the end of its first. */
    if (is_int(end_line) && as_int(end_line) > as_int(line)) end_offset = size;
    if (end_offset > size + 1) end_offset = size + 1;
    int64_t carets = end_offset > 0 && end_offset > offset ? end_offset - offset : 1;
    offset--;
    /* traceback.py strips no tabs, and keeps the text's whitespace under it */
    while (*s == ' ' || *s == '\f' || (*s == '\t' && !module_style)) { s++; offset--; }
    int64_t len = (int64_t)strlen(s);
    if (len > 0 && s[len - 1] == '\n') len--;
    if (offset > len) offset = len;
    /* Only the line the offset falls in, if the text holds several. */
    for (const char *nl; (nl = memchr(s, '\n', (size_t)len)) != NULL && nl - s < offset;) {
        int64_t skip = nl - s + 1;
        s += skip;
        len -= skip;
        offset -= skip;
    }
    sb_adds(out, "    ");
    sb_add(out, s, (size_t)len);
    sb_addc(out, '\n');
    if (offset < 0) return;
    sb_adds(out, "    ");
    for (int64_t i = 0; i < offset; i++)
        sb_addc(out, module_style && i < len && (s[i] == '\t' || s[i] == '\f' || s[i] == '\v') ? s[i] : ' ');
    for (int64_t i = 0; i < carets; i++) sb_addc(out, '^');
    sb_addc(out, '\n');
}

/* Printing an uncaught exception follows CPython 3.11's pythonrun.c: the
 * chain of causes and contexts first, and for an exception group its
 * exceptions in numbered boxes, each line indented by the group depth and
 * given a "| " margin. An exception is printed once (`seen`). */
typedef struct PrintCtx {
    VM *vm;
    StrBuf *out;
    int depth;          /* CPython's exception_group_depth */
    int level;          /* C recursion, bounded */
    bool need_close;
    SuggestStyle style;
    Value *seen;
    int nseen, capseen;
    bool no_notes;      /* the last line alone (traceback.py adds the notes its own way) */
    Value runpy_top;    /* the exception that came out of runpy's frames, if any */
} PrintCtx;

enum { MAX_GROUP_WIDTH = 15, MAX_GROUP_DEPTH = 10, MAX_PRINT_LEVEL = 200 };

static void put_indent(PrintCtx *ctx, int n) {
    for (int i = 0; i < n; i++) sb_addc(ctx->out, ' ');
}

static void put_margin(PrintCtx *ctx) {
    put_indent(ctx, 2 * ctx->depth);
    if (ctx->depth) sb_adds(ctx->out, "| ");
}

/* Copies text line by line, each after the indent and margin; the first
 * line's margin may differ. */
static void put_lines(PrintCtx *ctx, const StrBuf *text, const char *first_margin) {
    size_t i = 0;
    while (i < text->len) {
        size_t j = i;
        while (j < text->len && text->data[j] != '\n') j++;
        if (j < text->len) j++;
        if (i == 0 && first_margin) {
            put_indent(ctx, 2 * ctx->depth);
            sb_adds(ctx->out, first_margin);
        } else {
            put_margin(ctx);
        }
        sb_add(ctx->out, text->data + i, j - i);
        i = j;
    }
}

/* One note's text, its lines under the margin; what fails to make it
 * prints as `failed`. */
static void put_note(PrintCtx *ctx, Value text, const char *failed) {
    StrBuf t = SB_INIT;
    if (text == ERR) {
        ctx->vm->exc = UNDEF;
        sb_adds(&t, failed);
    } else {
        sb_add(&t, AS(ObjStr, text)->data, (size_t)AS(ObjStr, text)->len);
    }
    put_lines(ctx, &t, NULL);
    sb_free(&t);
    sb_addc(ctx->out, '\n');
}

/* The notes after the last line, as CPython's print_exception_notes: each
 * item of a list or tuple as its str(), anything else (a str too) as its
 * repr(). */
static void put_notes(PrintCtx *ctx, Value notes) {
    VM *vm = ctx->vm;
    if (notes == UNDEF) return;
    Value saved = vm->exc;
    if (is_list(notes) || is_tuple(notes)) {
        for (int64_t i = 0;; i++) {
            bool list = is_list(notes);
            if (i >= (list ? AS(ObjList, notes)->len : AS(ObjTuple, notes)->len)) break;
            Value n = list ? AS(ObjList, notes)->items[i] : AS(ObjTuple, notes)->items[i];
            put_note(ctx, is_str(n) ? n : op_str(vm, n), "<note str() failed>");
        }
    } else {
        put_note(ctx, op_repr(vm, notes), "<__notes__ repr() failed>");
    }
    vm->exc = saved;
}

static void put_only(PrintCtx *ctx, Value exc) {
    VM *vm = ctx->vm;
    StrBuf *out = ctx->out;
    if (!is_kind(exc, OBJ_EXC)) { put_margin(ctx); sb_adds(out, "<unknown error>\n"); return; }
    ObjException *e = AS(ObjException, exc);
    ObjClass *c = as_obj(exc)->cls;
    if (exc_is(vm, exc, E_SyntaxError)) {
        StrBuf t = SB_INIT;
        format_syntax_error(vm, e, &t, ctx->style != SUGGEST_UNCAUGHT);
        put_lines(ctx, &t, NULL);
        sb_free(&t);
    }
    put_margin(ctx);
    if (c->module != UNDEF && is_str(c->module) && strcmp(AS(ObjStr, c->module)->data, "builtins") != 0 &&
        strcmp(AS(ObjStr, c->module)->data, "__main__") != 0)
        sb_addf(out, "%s.", AS(ObjStr, c->module)->data);
    sb_adds(out, c->qualname->data);
    Value saved = vm->exc;
    Value s = exc_is(vm, exc, E_SyntaxError) && e->args->len ? op_str(vm, e->args->items[0]) : op_str(vm, exc);
    if (s == ERR) {
        vm->exc = saved;
        sb_adds(out, ": <exception str() failed>");
    } else if (AS(ObjStr, s)->len) {
        sb_adds(out, ": ");
        sb_add(out, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
    } else if (exc_is(vm, exc, E_SyntaxError) && ctx->style != SUGGEST_UNCAUGHT) {
        sb_adds(out, ": <no detail available>");      /* (traceback.py's words) */
    }
    if (exc_is(vm, exc, E_SyntaxError) && !is_int(syntax_field(vm, e, N_lineno))) {
        /* no "File ..., line N" block: the file's name follows the message */
        Value file = syntax_field(vm, e, N_filename);
        if (is_str(file)) sb_addf(out, " (%s)", AS(ObjStr, file)->data);
    }
    suggest_append(vm, exc, out, ctx->style);
    sb_addc(out, '\n');
    if (!ctx->no_notes) put_notes(ctx, dict_attr(vm, e, N___notes__));
}

void exc_format_only(VM *vm, Value exc, StrBuf *out, bool notes, bool name_hint) {
    PrintCtx ctx = {.vm = vm, .out = out, .style = name_hint ? SUGGEST_TRACEBACK : SUGGEST_TRACEBACK_ONLY,
                    .no_notes = !notes};
    put_only(&ctx, exc);
}

/* The frames of CPython's runpy that a module run by -m (or a directory)
 * is called from, as its tracebacks show them. */
static const char *const runpy_frames[] = {
    [RUNPY_RUN] = "  File \"<frozen runpy>\", line 198, in _run_module_as_main\n"
                  "  File \"<frozen runpy>\", line 88, in _run_code\n",
    /* -m pkg.mod while it imports pkg */
    [RUNPY_PARENTS] = "  File \"<frozen runpy>\", line 189, in _run_module_as_main\n"
                      "  File \"<frozen runpy>\", line 112, in _get_module_details\n",
    /* -m pkg while it imports pkg, to run pkg.__main__ */
    [RUNPY_PACKAGE] = "  File \"<frozen runpy>\", line 189, in _run_module_as_main\n"
                      "  File \"<frozen runpy>\", line 148, in _get_module_details\n"
                      "  File \"<frozen runpy>\", line 112, in _get_module_details\n",
};

static void put_exception(PrintCtx *ctx, Value exc) {
    if (is_kind(exc, OBJ_EXC) && AS(ObjException, exc)->ntb) {
        bool group = AS(ObjException, exc)->group != NULL;
        bool runpy = exc == ctx->runpy_top;
        StrBuf t = SB_INIT;
        char header[512];
        snprintf(header, sizeof header, "%s%s",
                 group ? "Exception Group Traceback (most recent call last):\n" : "Traceback (most recent call last):\n",
                 runpy && runpy_frames[ctx->vm->main_runpy] ? runpy_frames[ctx->vm->main_runpy] : "");
        format_tb(ctx->vm, AS(ObjException, exc), &t, header);
        put_lines(ctx, &t, group && ctx->depth == 1 ? "+ " : NULL);
        sb_free(&t);
    }
    put_only(ctx, exc);
}

static bool seen(PrintCtx *ctx, Value exc) {
    for (int i = 0; i < ctx->nseen; i++)
        if (ctx->seen[i] == exc) return true;
    return false;
}

static void put_recursive(PrintCtx *ctx, Value exc);

static void put_chained(PrintCtx *ctx, Value exc, const char *message) {
    if (ctx->level >= MAX_PRINT_LEVEL) return;      /* the oldest of a very long chain */
    bool need_close = ctx->need_close;
    put_recursive(ctx, exc);
    ctx->need_close = need_close;
    put_margin(ctx);
    sb_addc(ctx->out, '\n');
    put_margin(ctx);
    sb_adds(ctx->out, message);
    put_margin(ctx);
    sb_addc(ctx->out, '\n');
}

static void put_group(PrintCtx *ctx, Value exc) {
    if (ctx->depth > MAX_GROUP_DEPTH) {
        put_margin(ctx);
        sb_addf(ctx->out, "... (max_group_depth is %d)\n", MAX_GROUP_DEPTH);
        return;
    }
    if (ctx->depth == 0) ctx->depth = 1;
    put_exception(ctx, exc);
    ObjTuple *excs = group_excs(exc);
    int64_t n = excs->len <= MAX_GROUP_WIDTH ? excs->len : MAX_GROUP_WIDTH + 1;
    ctx->need_close = false;
    for (int64_t i = 0; i < n; i++) {
        bool last = i == n - 1, truncated = i >= MAX_GROUP_WIDTH;
        if (last) ctx->need_close = true;
        put_indent(ctx, 2 * ctx->depth);
        sb_adds(ctx->out, i == 0 ? "+-" : "  ");
        if (truncated) sb_adds(ctx->out, "+---------------- ... ----------------\n");
        else sb_addf(ctx->out, "+---------------- %lld ----------------\n", (long long)i + 1);
        ctx->depth++;
        if (!truncated) {
            put_recursive(ctx, excs->items[i]);
        } else {
            int64_t more = excs->len - MAX_GROUP_WIDTH;
            put_margin(ctx);
            sb_addf(ctx->out, "and %lld more exception%s\n", (long long)more, more > 1 ? "s" : "");
        }
        if (last && ctx->need_close) {
            put_indent(ctx, 2 * ctx->depth);
            sb_adds(ctx->out, "+------------------------------------\n");
            ctx->need_close = false;
        }
        ctx->depth--;
    }
    if (ctx->depth == 1) ctx->depth = 0;
}

static void put_recursive(PrintCtx *ctx, Value exc) {
    if (ctx->level >= MAX_PRINT_LEVEL) return;
    ctx->level++;
    if (is_kind(exc, OBJ_EXC)) {
        if (ctx->nseen == ctx->capseen) {
            int cap = ctx->capseen ? ctx->capseen * 2 : 16;
            Value *p = realloc(ctx->seen, (size_t)cap * sizeof *p);
            if (p) { ctx->seen = p; ctx->capseen = cap; }
        }
        if (ctx->nseen < ctx->capseen) ctx->seen[ctx->nseen++] = exc;
        ObjException *e = AS(ObjException, exc);
        if (e->cause != UNDEF) {
            if (!seen(ctx, e->cause))
                put_chained(ctx, e->cause, "The above exception was the direct cause of the following exception:\n");
        } else if (e->context != UNDEF && !e->suppress_context && !seen(ctx, e->context)) {
            put_chained(ctx, e->context, "During handling of the above exception, another exception occurred:\n");
        }
    }
    if (is_group(exc)) put_group(ctx, exc);
    else put_exception(ctx, exc);
    ctx->level--;
}

void exc_format_style(VM *vm, Value exc, StrBuf *out, SuggestStyle style) {
    PrintCtx ctx = {.vm = vm, .out = out, .style = style};
    put_recursive(&ctx, exc);
    free(ctx.seen);
}

void exc_format(VM *vm, Value exc, StrBuf *out) { exc_format_style(vm, exc, out, SUGGEST_UNCAUGHT); }

void exc_format_runpy(VM *vm, Value exc, StrBuf *out) {
    PrintCtx ctx = {.vm = vm, .out = out, .style = SUGGEST_UNCAUGHT, .runpy_top = exc};
    put_recursive(&ctx, exc);
    free(ctx.seen);
}

/* ---- exception groups (PEP 654) ----------------------------------------- */

/* PySequence_Check: what BaseExceptionGroup accepts as its exceptions. */
static bool is_sequence(VM *vm, Value v) {
    if (!is_obj(v)) return false;
    switch ((ObjKind)as_obj(v)->kind) {
    case OBJ_LIST: case OBJ_TUPLE: case OBJ_STR: case OBJ_BYTES: case OBJ_RANGE: case OBJ_BYTEARRAY: return true;
    case OBJ_DICT: case OBJ_SET: return false;
    default: return class_lookup(type_of(vm, v), vm_name(vm, N___getitem__)) != UNDEF;
    }
}

/* BaseExceptionGroup.__new__(cls, message, exceptions), CPython's checks
 * included. BaseExceptionGroup itself makes an ExceptionGroup when every
 * exception is an Exception. */
static Value group_new(VM *vm, ObjClass *cls, Value *args, int nargs) {
    if (nargs != 2)
        return exc_raise(vm, E_TypeError, "BaseExceptionGroup.__new__() takes exactly 2 arguments (%d given)", nargs);
    if (!is_str(args[0]))
        return exc_raise(vm, E_TypeError, "BaseExceptionGroup.__new__() argument 1 must be str, not %A", args[0]);
    if (!is_sequence(vm, args[1]))
        return exc_raise(vm, E_TypeError, "second argument (exceptions) must be a sequence");
    ObjTuple *excs;
    if (is_tuple(args[1]) && as_obj(args[1])->cls == vm->types[T_TUPLE]) {
        excs = AS(ObjTuple, args[1]);
    } else {
        ObjList *l = op_to_list(vm, args[1]);
        if (!l) return ERR;
        if (!(excs = tuple_from(vm, l->items, l->len))) return ERR;
    }
    if (excs->len == 0)
        return exc_raise(vm, E_ValueError, "second argument (exceptions) must be a non-empty sequence");
    bool nested_base = false;
    for (int64_t i = 0; i < excs->len; i++) {
        if (!is_kind(excs->items[i], OBJ_EXC))
            return exc_raise(vm, E_ValueError, "Item %lld of second argument (exceptions) is not an exception",
                             (long long)i);
        if (!exc_is(vm, excs->items[i], E_Exception)) nested_base = true;
    }
    if (cls == vm->exc_types[E_ExceptionGroup]) {
        if (nested_base) return exc_raise(vm, E_TypeError, "Cannot nest BaseExceptions in an ExceptionGroup");
    } else if (cls == vm->exc_types[E_BaseExceptionGroup]) {
        if (!nested_base) cls = vm->exc_types[E_ExceptionGroup];
    } else if (nested_base && class_is_subclass(cls, vm->exc_types[E_Exception])) {
        return exc_raise(vm, E_TypeError, "Cannot nest BaseExceptions in '%s'", cls->name->data);
    }
    ObjTuple *a = tuple_from(vm, args, nargs);
    Value pair[2] = {args[0], obj_val(excs)};
    ObjTuple *g = a ? tuple_from(vm, pair, 2) : NULL;
    Value e = g ? exc_new(vm, cls, a) : ERR;
    if (e == ERR) return ERR;
    AS(ObjException, e)->group = g;
    return e;
}

Value exc_construct(VM *vm, ObjClass *cls, Value *args, int nargs) {
    if (class_is_subclass(cls, vm->exc_types[E_BaseExceptionGroup])) return group_new(vm, cls, args, nargs);
    ObjTuple *t = tuple_from(vm, args, nargs);
    return t ? exc_new(vm, exc_oserror_class(vm, cls, args, nargs), t) : ERR;
}

/* BaseExceptionGroup(msg, excs): an ExceptionGroup unless excs holds a
 * BaseException. */
static Value group_make(VM *vm, Value msg, Value excs) {
    Value args[2] = {msg, excs};
    return class_call(vm, vm->exc_types[E_BaseExceptionGroup], args, 2, NULL);
}

static bool is_group(Value v) {
    return is_kind(v, OBJ_EXC) && AS(ObjException, v)->group;
}

static ObjTuple *group_excs(Value eg) {
    return AS(ObjTuple, AS(ObjException, eg)->group->items[1]);
}

/* How split() decides: by type (a class or tuple of classes), by a
 * predicate function, or (for the re-raise of except*) by the identity of
 * leaf exceptions, a sorted array. */
typedef enum { MATCH_TYPE, MATCH_PREDICATE, MATCH_LEAVES } MatchKind;
typedef struct Matcher {
    MatchKind kind;
    Value v;
    Obj **leaves;
    int64_t nleaves;
} Matcher;

static bool get_matcher(VM *vm, Value v, Matcher *m) {
    *m = (Matcher){.v = v};
    if (is_kind(v, OBJ_FUNCTION)) {
        m->kind = MATCH_PREDICATE;
        return true;
    }
    m->kind = MATCH_TYPE;
    if (is_exc_class(vm, v)) return true;
    if (is_tuple(v) && as_obj(v)->cls == vm->types[T_TUPLE]) {
        ObjTuple *t = AS(ObjTuple, v);
        int64_t i = 0;
        while (i < t->len && is_exc_class(vm, t->items[i])) i++;
        if (i == t->len) return true;
    }
    exc_raise(vm, E_TypeError, "expected a function, exception type or tuple of exception types");
    return false;
}

static int cmp_ptr(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)*(Obj *const *)a, y = (uintptr_t)*(Obj *const *)b;
    return x < y ? -1 : x > y;
}

static int check_match(VM *vm, Value exc, Matcher *m) {
    switch (m->kind) {
    case MATCH_TYPE: return exc_matches(vm, exc, m->v);
    case MATCH_PREDICATE: {
        Value r = op_call1(vm, m->v, exc);
        return r == ERR ? -1 : op_truthy(vm, r);
    }
    case MATCH_LEAVES: {
        Obj *o = as_obj(exc);
        return m->leaves && bsearch(&o, m->leaves, (size_t)m->nleaves, sizeof(Obj *), cmp_ptr) != NULL;
    }
    }
    return 0;
}

/* A part made by split(): orig.derive(excs) with orig's traceback, cause,
 * context and (a copy of its) notes, as CPython's exceptiongroup_subset.
 * UNDEF when excs is empty. The part is added to `keep`, which the caller
 * keeps reachable while script code (derive, predicates) runs. */
static Value group_subset(VM *vm, Value orig, ObjList *excs, ObjList *keep) {
    if (excs->len == 0) return UNDEF;
    ObjStr *derive = str_intern_cstr(vm, "derive");
    if (!derive) return ERR;
    Value arg = obj_val(excs);
    Value eg = op_call_method(vm, orig, derive, &arg, 1);
    if (eg == UNDEF) return exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'derive'", orig);
    if (eg == ERR) return ERR;
    if (!exc_is(vm, eg, E_BaseExceptionGroup))
        return exc_raise(vm, E_TypeError, "derive must return an instance of BaseExceptionGroup");
    if (list_append(vm, keep, eg) < 0) return ERR;
    ObjException *s = AS(ObjException, orig), *d = AS(ObjException, eg);
    if (s->ntb && s != d) {
        /* The part shares the group's traceback objects, as CPython's
         * shares its traceback: made now, so that the copy points at them. */
        for (int i = 0; i < s->ntb; i++)
            if (exc_traceback(vm, orig, i) == ERR) return ERR;
        TbEntry *tb = malloc((size_t)s->ntb * sizeof *tb);
        if (!tb) return exc_nomem(vm);
        memcpy(tb, s->tb, (size_t)s->ntb * sizeof *tb);
        free(d->tb);
        d->tb = tb;
        d->ntb = d->tbcap = s->ntb;
    }
    d->context = s->context;
    d->cause = s->cause;
    d->suppress_context = 1;
    Value notes = dict_get_str(s->base.dict, vm_name(vm, N___notes__));
    if (is_list(notes) || is_tuple(notes)) {
        ObjList *l = op_to_list(vm, notes);
        if (!l || (l == AS(ObjList, notes) && !(l = list_from(vm, l->items, l->len)))) return ERR;
        if (dict_set_str(vm, d->base.dict, vm_name(vm, N___notes__), obj_val(l)) < 0) return ERR;
    }
    return eg;
}

/* CPython's exceptiongroup_split_recursive: *match and *rest are the parts
 * of exc (UNDEF for none); nested groups keep their structure. */
static int split_rec(VM *vm, Value exc, Matcher *m, bool want_rest, Value *match, Value *rest, ObjList *keep,
                     int depth) {
    *match = *rest = UNDEF;
    int r = check_match(vm, exc, m);
    if (r < 0) return -1;
    if (r) { *match = exc; return 0; }
    if (!is_group(exc)) {
        if (want_rest) *rest = exc;
        return 0;
    }
    if (depth > 1000) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded in exceptiongroup_split_recursive");
        return -1;
    }
    ObjList *ml = list_new(vm, 0), *rl = want_rest ? list_new(vm, 0) : NULL;
    if (!ml || (want_rest && !rl) || list_append(vm, keep, obj_val(ml)) < 0 ||
        (rl && list_append(vm, keep, obj_val(rl)) < 0))
        return -1;
    ObjTuple *excs = group_excs(exc);
    for (int64_t i = 0; i < excs->len; i++) {
        Value sm, sr;
        if (split_rec(vm, excs->items[i], m, want_rest, &sm, &sr, keep, depth + 1) < 0) return -1;
        if (sm != UNDEF && list_append(vm, ml, sm) < 0) return -1;
        if (sr != UNDEF && list_append(vm, rl, sr) < 0) return -1;
    }
    if ((*match = group_subset(vm, exc, ml, keep)) == ERR) return -1;
    if (want_rest && (*rest = group_subset(vm, exc, rl, keep)) == ERR) return -1;
    return 0;
}

/* split()/subgroup() of a group by a matcher, with a rooted list for the
 * parts under construction. */
static int group_split(VM *vm, Value eg, Matcher *m, bool want_rest, Value *match, Value *rest) {
    ObjList *keep = list_new(vm, 0);
    if (!keep) return -1;
    if (!vm_push_root(vm, obj_val(keep))) return -1;
    int r = split_rec(vm, eg, m, want_rest, match, rest, keep, 0);
    vm_pop_roots(vm, 1);
    return r;
}

static Value m_split(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "split", nargs - 1, kw, 1, 1)) return ERR;
    Matcher m;
    Value match, rest;
    if (!get_matcher(vm, args[1], &m) || group_split(vm, args[0], &m, true, &match, &rest) < 0) return ERR;
    Value pair[2] = {match == UNDEF ? NONE_VAL : match, rest == UNDEF ? NONE_VAL : rest};
    ObjTuple *t = tuple_from(vm, pair, 2);
    return t ? obj_val(t) : ERR;
}

static Value m_subgroup(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "subgroup", nargs - 1, kw, 1, 1)) return ERR;
    Matcher m;
    Value match, rest;
    if (!get_matcher(vm, args[1], &m) || group_split(vm, args[0], &m, false, &match, &rest) < 0) return ERR;
    return match == UNDEF ? NONE_VAL : match;
}

static Value m_derive(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "derive", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_group(args[0])) return exc_raise(vm, E_TypeError, "derive() needs an exception group");
    return group_make(vm, AS(ObjException, args[0])->group->items[0], args[1]);
}

/* `except* T`: the type must be a class (or tuple of classes) deriving
 * from BaseException, and not from BaseExceptionGroup. */
static bool check_star_type(VM *vm, Value type) {
    Value *items;
    int64_t n;
    if (!except_classes(vm, &type, &items, &n)) return false;
    for (int64_t i = 0; i < n; i++) {
        if (class_is_subclass(AS(ObjClass, items[i]), vm->exc_types[E_BaseExceptionGroup])) {
            exc_raise(vm, E_TypeError, "catching ExceptionGroup with except* is not allowed. Use except instead.");
            return false;
        }
    }
    return true;
}

int exc_group_match(VM *vm, Value exc, Value type, Value *match, Value *rest) {
    if (!check_star_type(vm, type)) return -1;
    *match = NONE_VAL;
    *rest = exc;
    if (!is_kind(exc, OBJ_EXC)) return 0;
    int r = exc_matches(vm, exc, type);
    if (r < 0) return -1;
    if (r) {
        *rest = NONE_VAL;
        if (is_group(exc)) {
            *match = exc;
            return 0;
        }
        /* A naked exception is wrapped: ExceptionGroup("", (exc,)). */
        ObjTuple *one = tuple_from(vm, &exc, 1);
        Value empty = obj_val(vm->empty_str);
        *match = one ? group_make(vm, empty, obj_val(one)) : ERR;
        return *match == ERR ? -1 : 0;
    }
    if (!is_group(exc)) return 0;
    ObjStr *split = str_intern_cstr(vm, "split");
    if (!split) return -1;
    Value pair = op_call_method(vm, exc, split, &type, 1);
    if (pair == UNDEF) { exc_raise(vm, E_AttributeError, "'%T' object has no attribute 'split'", exc); return -1; }
    if (pair == ERR) return -1;
    if (!is_tuple(pair) || AS(ObjTuple, pair)->len != 2) {
        exc_raise(vm, E_TypeError, "split must return a 2-tuple, got %T", pair);
        return -1;
    }
    /* (the rest replaces the group even when nothing matched: a derived
       copy, which later clauses split again, as CPython's) */
    *match = AS(ObjTuple, pair)->items[0];
    *rest = AS(ObjTuple, pair)->items[1];
    return 0;
}

/* Whether e is orig or a part of it split off, re-raised unchanged: same
 * cause, context and traceback (CPython compares the traceback object;
 * Asy's are inline, so their entries). */
static bool same_metadata(Value e, Value orig) {
    ObjException *a = AS(ObjException, e), *b = AS(ObjException, orig);
    if (a->cause != b->cause || a->context != b->context || a->ntb != b->ntb) return false;
    for (int i = 0; i < a->ntb; i++) {
        TbEntry *x = &a->tb[i], *y = &b->tb[i];
        if (x->code != y->code || x->at != y->at || x->pc != y->pc || x->frame != y->frame) return false;
    }
    return true;
}

/* Appends the leaf exceptions of e (e itself if not a group). */
static bool collect_leaves(VM *vm, Value e, Obj ***leaves, int64_t *n, int64_t *cap, int depth) {
    if (!is_group(e)) {
        if (*n == *cap) {
            int64_t ncap = *cap ? *cap * 2 : 16;
            Obj **p = realloc(*leaves, (size_t)ncap * sizeof *p);
            if (!p) { exc_nomem(vm); return false; }
            *leaves = p;
            *cap = ncap;
        }
        (*leaves)[(*n)++] = as_obj(e);
        return true;
    }
    if (depth > 1000) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded in collect_exception_group_leaf_ids");
        return false;
    }
    ObjTuple *excs = group_excs(e);
    for (int64_t i = 0; i < excs->len; i++)
        if (!collect_leaves(vm, excs->items[i], leaves, n, cap, depth + 1)) return false;
    return true;
}

/* CPython's _PyExc_PrepReraiseStar for a group `orig`; what it builds is
 * added to `keep`, a rooted list. */
static Value prep_reraise(VM *vm, Value orig, ObjList *excs, ObjList *keep) {
    ObjList *raised = list_new(vm, 0), *reraised = list_new(vm, 0);
    if (!raised || !reraised || list_append(vm, keep, obj_val(raised)) < 0 ||
        list_append(vm, keep, obj_val(reraised)) < 0)
        return ERR;
    for (int64_t i = 0; i < excs->len; i++) {
        Value e = excs->items[i];
        if (is_kind(e, OBJ_EXC) && list_append(vm, same_metadata(e, orig) ? reraised : raised, e) < 0) return ERR;
    }
    /* The re-raised parts, in the structure of orig. */
    Value reraised_eg = UNDEF, rest;
    if (reraised->len) {
        Matcher m = {.kind = MATCH_LEAVES};
        int64_t cap = 0;
        bool ok = true;
        for (int64_t i = 0; ok && i < reraised->len; i++)
            ok = collect_leaves(vm, reraised->items[i], &m.leaves, &m.nleaves, &cap, 0);
        if (ok) {
            qsort(m.leaves, (size_t)m.nleaves, sizeof *m.leaves, cmp_ptr);
            ok = split_rec(vm, orig, &m, false, &reraised_eg, &rest, keep, 0) == 0;
        }
        free(m.leaves);
        if (!ok) return ERR;
    }
    if (raised->len == 0) return reraised_eg == UNDEF ? NONE_VAL : reraised_eg;
    if (reraised_eg != UNDEF && list_append(vm, raised, reraised_eg) < 0) return ERR;
    if (raised->len == 1) return raised->items[0];
    return group_make(vm, obj_val(vm->empty_str), obj_val(raised));
}

Value exc_prep_reraise_star(VM *vm, Value orig, ObjList *excs) {
    if (excs->len == 0) return NONE_VAL;
    if (!is_group(orig)) return excs->items[0];     /* a naked exception: at most one */
    ObjList *keep = list_new(vm, 0);
    if (!keep) return ERR;
    if (!vm_push_root(vm, obj_val(keep))) return ERR;
    Value r = prep_reraise(vm, orig, excs, keep);
    vm_pop_roots(vm, 1);
    return r;
}

/* ---- the hierarchy ----------------------------------------------------- */

void exc_init_types(VM *vm) {
    static const struct { const char *name; int parent; } table[] = {
#define X(id, name, parent) {name, E_##parent},
        BUILTIN_EXCEPTIONS(X)
#undef X
    };
    for (int i = 0; i < E_COUNT; i++) {
        ObjClass *base = table[i].parent == E_COUNT ? vm->types[T_OBJECT] : vm->exc_types[table[i].parent];
        ObjClass *c = class_new_builtin(vm, table[i].name, base, OBJ_EXC);
        if (!c) return;
        c->obj.flags |= CLASS_BASETYPE;
        vm->exc_types[i] = c;
    }
    /* ExceptionGroup derives from BaseExceptionGroup and Exception. */
    ObjClass *eg = vm->exc_types[E_ExceptionGroup];
    Value bases[2] = {obj_val(vm->exc_types[E_BaseExceptionGroup]), obj_val(vm->exc_types[E_Exception])};
    Value mro[5] = {obj_val(eg), bases[0], bases[1], obj_val(vm->exc_types[E_BaseException]), obj_val(vm->types[T_OBJECT])};
    ObjTuple *bt = tuple_from(vm, bases, 2), *mt = tuple_from(vm, mro, 5);
    if (!bt || !mt) return;
    eg->bases = bt;
    eg->mro = mt;
    ObjClass *b = vm->exc_types[E_BaseException];
    class_add_native(vm, b, "__init__", m_init);
    class_add_native(vm, b, "__str__", m_str);
    class_add_native(vm, b, "__repr__", m_repr);
    class_add_native(vm, b, "with_traceback", m_with_traceback);
    class_add_native(vm, b, "add_note", m_add_note);
    class_add_native(vm, b, "__setstate__", m_setstate);
    ObjClass *beg = vm->exc_types[E_BaseExceptionGroup];
    class_add_native(vm, beg, "split", m_split);
    class_add_native(vm, beg, "subgroup", m_subgroup);
    class_add_native(vm, beg, "derive", m_derive);
    class_add_native(vm, vm->types[T_TRACEBACK], "__dir__", m_tb_dir);
    if (!add_fields(vm)) return;
    /* Raised when memory runs out, so raising it needs no allocation. */
    vm->memory_error = exc_new(vm, vm->exc_types[E_MemoryError], NULL);
    if (vm->memory_error == ERR) vm->memory_error = UNDEF;
}

/* sys.unraisablehook when the program has set it (to something other than
 * sys.__unraisablehook__): it is called with an UnraisableHookArgs, as in
 * CPython, whose err_msg is None for the default "Exception ignored in"
 * text. True when the hook took the report; when it raises, *e becomes
 * its error, reported in its name. */
static bool call_unraisablehook(VM *vm, Value *e, const char **prefix, Value obj) {
    Value sys = vm->modules ? dict_get_str(vm->modules, str_intern_cstr(vm, "sys")) : UNDEF;
    if (!is_kind(sys, OBJ_MODULE) || !is_kind(*e, OBJ_EXC)) return false;
    ObjDict *d = AS(ObjModule, sys)->dict;
    Value hook = dict_get_str(d, str_intern_cstr(vm, "unraisablehook"));
    if (hook == UNDEF || hook == dict_get_str(d, str_intern_cstr(vm, "__unraisablehook__"))) return false;
    ObjStr *name = str_intern_cstr(vm, "_unraisable_args");
    Value make = name ? op_getattr(vm, sys, name) : ERR;
    Value msg = NONE_VAL;
    size_t len = strlen(*prefix);
    if (strcmp(*prefix, "Exception ignored in: ") != 0)     /* its own words, without the ": " */
        msg = str_new(vm, *prefix, len >= 2 && !strcmp(*prefix + len - 2, ": ") ? len - 2 : len);
    Value args = make == ERR || msg == ERR ? ERR : op_call(vm, make, (Value[]){*e, msg, obj == UNDEF ? NONE_VAL : obj}, 3, NULL);
    if (args != ERR && op_call1(vm, hook, args) != ERR) return true;
    *e = vm->exc;
    vm->exc = UNDEF;
    *prefix = "Exception ignored in sys.unraisablehook: ";
    return false;
}

/* Writes text to sys.stderr when the program replaced it (or gave the
 * VM's own stream a write of its own), as CPython writes its reports to
 * whatever sys.stderr is; false, writing nothing, while it is the VM's own
 * stream, whose text goes straight to descriptor 2. A write that fails is
 * dropped, as CPython drops it. */
bool exc_write_sys_stderr(VM *vm, const char *text, size_t len) {
    Value sys = vm->modules ? dict_get_str(vm->modules, str_intern_cstr(vm, "sys")) : UNDEF;
    if (!is_kind(sys, OBJ_MODULE)) return false;
    ObjDict *d = AS(ObjModule, sys)->dict;
    Value cur = dict_get_str(d, str_intern_cstr(vm, "stderr"));
    if (cur == UNDEF || cur == NONE_VAL) return false;
    if (cur == dict_get_str(d, str_intern_cstr(vm, "__stderr__")) &&
        !(is_kind(cur, OBJ_INSTANCE) && AS(ObjInstance, cur)->dict &&
          dict_get_str(AS(ObjInstance, cur)->dict, str_intern_cstr(vm, "write")) != UNDEF))
        return false;
    Value saved = vm->exc;
    Value s = str_decode_utf8(vm, text, len, "replace");
    if (s != ERR && vm_push_root(vm, s)) {
        if (op_call_method(vm, cur, str_intern_cstr(vm, "write"), &s, 1) != ERR)
            op_call_method(vm, cur, str_intern_cstr(vm, "flush"), NULL, 0);
        vm_pop_roots(vm, 1);
    }
    vm->exc = saved;
    return true;
}

/* What CPython's default unraisable hook prints of an exception: its own
 * traceback, then "Type: str" with the ": " even when str() is empty. No
 * chained exceptions, notes or "Did you mean" hints: those belong to the
 * printer of uncaught exceptions, not to this one. */
static void format_unraisable(VM *vm, Value exc, StrBuf *out) {
    if (!is_kind(exc, OBJ_EXC)) return;
    ObjException *e = AS(ObjException, exc);
    if (e->ntb) format_tb(vm, e, out, "Traceback (most recent call last):\n");
    ObjClass *c = as_obj(exc)->cls;
    if (c->module != UNDEF && is_str(c->module) && strcmp(AS(ObjStr, c->module)->data, "builtins") != 0 &&
        strcmp(AS(ObjStr, c->module)->data, "__main__") != 0)
        sb_addf(out, "%s.", AS(ObjStr, c->module)->data);
    sb_adds(out, c->qualname->data);
    sb_adds(out, ": ");
    Value saved = vm->exc;
    Value s = op_str(vm, exc);
    if (s == ERR) {
        vm->exc = saved;
        sb_adds(out, "<exception str() failed>");
    } else {
        sb_add(out, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
    }
    sb_addc(out, '\n');
}

void exc_report_unraisable(VM *vm, const char *prefix, Value obj) {
    Value e = vm->exc;
    vm->exc = UNDEF;
    bool rooted = vm_push_root(vm, e);     /* repr() may run script code */
    vm->exc = UNDEF;
    if (call_unraisablehook(vm, &e, &prefix, obj)) {
        if (rooted) vm_pop_roots(vm, 1);
        return;
    }
    if (!strcmp(prefix, "Exception ignored in sys.unraisablehook: ")) {
        /* (the hook's own error, shown with the hook) */
        Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
        obj = dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "unraisablehook"));
        if (rooted) vm->roots[vm->nroots - 1] = e;
    }
    StrBuf b = SB_INIT;
    sb_adds(&b, prefix);
    if (obj != UNDEF && !op_repr_to(vm, obj, &b)) {
        vm->exc = UNDEF;
        sb_adds(&b, "<object repr() failed>");
    }
    sb_addc(&b, '\n');
    if (e != UNDEF) format_unraisable(vm, e, &b);
    vm->exc = UNDEF;
    if (!exc_write_sys_stderr(vm, b.data ? b.data : "", b.len)) vm_write(vm, 2, b.data, b.len);
    sb_free(&b);
    if (rooted) vm_pop_roots(vm, 1);
}

Value exc_system_exit(VM *vm, Value *args, int nargs) {
    ObjTuple *t = tuple_from(vm, args, nargs);
    if (!t) return ERR;
    Value e = exc_new(vm, vm->exc_types[E_SystemExit], t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}
