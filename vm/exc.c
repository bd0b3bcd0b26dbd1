/* Exceptions: the builtin hierarchy, raising from C, matching, attributes,
 * and the traceback text of an uncaught exception in CPython's format. */
#include "exc.h"

#include <errno.h>
#include <stdlib.h>

#include "class.h"
#include "containers.h"
#include "func.h"
#include "gc.h"
#include "ops.h"
#include "str.h"

Value exc_new(VM *vm, ObjClass *cls, ObjTuple *args) {
    ObjException *e = gc_new(vm, sizeof(ObjException), OBJ_EXC, cls);
    if (!e) return ERR;
    e->base.dict = dict_new(vm);
    if (!e->base.dict) return ERR;
    e->args = args ? args : vm->empty_tuple;
    e->cause = e->context = UNDEF;
    return obj_val(e);
}

Value exc_nomem(VM *vm) {
    vm->exc = vm->memory_error != UNDEF ? vm->memory_error : NONE_VAL;
    if (is_kind(vm->exc, OBJ_EXC)) {
        ObjException *e = AS(ObjException, vm->exc);
        e->ntb = 0;     /* reused: forget where it was raised last time */
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

Value exc_raise(VM *vm, ExcId id, const char *fmt, ...) {
    StrBuf b = SB_INIT;
    va_list ap;
    va_start(ap, fmt);
    vformat(vm, &b, fmt, ap);
    va_end(ap);
    Value msg = str_from_buf(vm, &b);
    if (msg == ERR) return ERR;
    ObjTuple *args = tuple_from(vm, &msg, 1);
    if (!args) return ERR;
    Value e = exc_new(vm, vm->exc_types[id], args);
    if (e == ERR) return ERR;
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

int exc_matches(VM *vm, Value exc, Value type) {
    if (is_tuple(type)) {
        ObjTuple *t = AS(ObjTuple, type);
        for (int64_t i = 0; i < t->len; i++) {
            int r = exc_matches(vm, exc, t->items[i]);
            if (r) return r;
        }
        return 0;
    }
    if (!is_exc_class(vm, type)) {
        exc_raise(vm, E_TypeError, "catching classes that do not inherit from BaseException is not allowed");
        return -1;
    }
    return class_is_subclass(as_obj(exc)->cls, AS(ObjClass, type));
}

void exc_add_tb(VM *vm, Value exc, ObjCode *code, int line) {
    (void)vm;
    if (!is_kind(exc, OBJ_EXC)) return;
    ObjException *e = AS(ObjException, exc);
    if (e->ntb == e->tbcap) {
        int cap = e->tbcap ? e->tbcap * 2 : 8;
        TbEntry *tb = realloc(e->tb, (size_t)cap * sizeof *tb);
        if (!tb) return;    /* a shorter traceback, not a crash */
        e->tb = tb;
        e->tbcap = cap;
    }
    e->tb[e->ntb++] = (TbEntry){code, line};
}

/* ---- str, repr, attributes --------------------------------------------- */

ObjClass *exc_oserror_class(VM *vm, ObjClass *cls, Value *args, int nargs) {
    if (cls != vm->exc_types[E_OSError] || nargs < 2 || !is_int(args[0])) return cls;
    switch (as_int(args[0])) {
    case ENOENT: return vm->exc_types[E_FileNotFoundError];
    case EEXIST: return vm->exc_types[E_FileExistsError];
    case EACCES: case EPERM: return vm->exc_types[E_PermissionError];
    case EISDIR: return vm->exc_types[E_IsADirectoryError];
    case ENOTDIR: return vm->exc_types[E_NotADirectoryError];
    case ETIMEDOUT: return vm->exc_types[E_TimeoutError];
    case EPIPE: case ESHUTDOWN: return vm->exc_types[E_BrokenPipeError];
    case ECONNRESET: return vm->exc_types[E_ConnectionResetError];
    case ECONNREFUSED: return vm->exc_types[E_ConnectionRefusedError];
    case EINTR: return vm->exc_types[E_InterruptedError];
    case EAGAIN: case EALREADY: case EINPROGRESS: return vm->exc_types[E_BlockingIOError];
    default: return cls;
    }
}

/* str(OSError(errno, strerror[, filename])): "[Errno 2] text: 'name'" */
static Value oserror_str(VM *vm, ObjTuple *a) {
    StrBuf b = SB_INIT;
    sb_adds(&b, "[Errno ");
    if (!op_str_to(vm, a->items[0], &b)) { sb_free(&b); return ERR; }
    sb_adds(&b, "] ");
    if (!op_str_to(vm, a->items[1], &b)) { sb_free(&b); return ERR; }
    if (a->len >= 3) {
        sb_adds(&b, ": ");
        if (!op_repr_to(vm, a->items[2], &b)) { sb_free(&b); return ERR; }
    }
    return str_from_buf(vm, &b);
}

/* str(ExceptionGroup("msg", [...])): "msg (2 sub-exceptions)" */
static Value group_str(VM *vm, ObjTuple *a) {
    int64_t n = a->len > 1 ? op_len(vm, a->items[1]) : 0;
    if (n < 0) return ERR;
    StrBuf b = SB_INIT;
    if (!op_str_to(vm, a->items[0], &b)) { sb_free(&b); return ERR; }
    sb_addf(&b, " (%lld sub-exception%s)", (long long)n, n == 1 ? "" : "s");
    return str_from_buf(vm, &b);
}

Value exc_str(VM *vm, Value exc) {
    ObjException *e = AS(ObjException, exc);
    ObjTuple *a = e->args;
    if (a->len == 0) return obj_val(vm->empty_str);
    if (exc_is(vm, exc, E_BaseExceptionGroup)) return group_str(vm, a);
    if (a->len >= 2 && a->len <= 5 && exc_is(vm, exc, E_OSError)) return oserror_str(vm, a);
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

static Value m_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjTuple *t = tuple_from(vm, args + 1, nargs - 1);
    if (!t) return ERR;
    AS(ObjException, args[0])->args = t;
    return NONE_VAL;
}

static Value m_with_traceback(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "with_traceback", nargs - 1, kw, 1, 1)) return ERR;
    return args[0];
}

static Value m_add_note(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "add_note", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "note must be a str, not '%T'", args[1]);
    ObjDict *d = AS(ObjException, args[0])->base.dict;
    Value notes = dict_get_str(d, vm_name(vm, N___notes__));
    if (notes == UNDEF) {
        ObjList *l = list_new(vm, 1);
        if (!l || dict_set_str(vm, d, vm_name(vm, N___notes__), obj_val(l)) < 0) return ERR;
        notes = obj_val(l);
    }
    if (!is_list(notes)) return exc_raise(vm, E_TypeError, "Cannot add note: __notes__ is not a list");
    return list_append(vm, AS(ObjList, notes), args[1]) < 0 ? ERR : NONE_VAL;
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
    if (str_eq(name, vm_name(vm, N_value)) && (exc_is(vm, self, E_StopIteration) || exc_is(vm, self, E_StopAsyncIteration)))
        return first;
    if (str_eq(name, vm_name(vm, N_code)) && exc_is(vm, self, E_SystemExit))
        return e->args->len > 1 ? obj_val(e->args) : first;
    if (exc_is(vm, self, E_OSError)) {
        bool two = e->args->len >= 2;
        if (str_eq(name, vm_name(vm, N_errno))) return two ? e->args->items[0] : NONE_VAL;
        if (str_eq(name, vm_name(vm, N_strerror))) return two ? e->args->items[1] : NONE_VAL;
        if (str_eq(name, vm_name(vm, N_filename))) return e->args->len >= 3 ? e->args->items[2] : NONE_VAL;
    }
    if (exc_is(vm, self, E_SyntaxError) && str_eq(name, vm_name(vm, N_msg))) return first;
    if (exc_is(vm, self, E_BaseExceptionGroup)) {
        if (str_eq(name, vm_name(vm, N_message))) return first;
        if (str_eq(name, vm_name(vm, N_exceptions))) {
            ObjList *l = e->args->len > 1 ? op_to_list(vm, e->args->items[1]) : list_new(vm, 0);
            ObjTuple *t = l ? tuple_from(vm, l->items, l->len) : NULL;
            return t ? obj_val(t) : ERR;
        }
    }
    if (exc_is(vm, self, E_ImportError) && (str_eq(name, vm_name(vm, N_name)) || str_eq(name, vm_name(vm, N_msg))))
        return str_eq(name, vm_name(vm, N_msg)) ? first : NONE_VAL;
    return UNDEF;
}

/* __cause__ and friends are fields, not dict entries. 1: handled, 0: not
 * one of them, -1: error. */
int exc_setattr(VM *vm, ObjException *e, ObjStr *name, Value v) {
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
        e->context = v == NONE_VAL ? UNDEF : v;
        return 1;
    }
    if (str_eq(name, vm_name(vm, N___suppress_context__))) {
        e->suppress_context = v == TRUE_VAL;
        return 1;
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

/* ---- traceback objects ------------------------------------------------- */

/* A traceback object is an ObjIter: a = the exception, i = its entry. */
Value exc_traceback(VM *vm, Value exc, int index) {
    if (!is_kind(exc, OBJ_EXC) || index < 0) return NONE_VAL;
    ObjIter *t = gc_new(vm, sizeof(ObjIter), OBJ_ITER, vm->types[T_TRACEBACK]);
    if (!t) return ERR;
    t->a = exc;
    t->b = t->c = UNDEF;
    t->i = index;
    return obj_val(t);
}

Value exc_traceback_attr(VM *vm, ObjIter *t, ObjStr *name) {
    ObjException *e = AS(ObjException, t->a);
    if (t->i >= e->ntb) return UNDEF;
    TbEntry *entry = &e->tb[t->i];
    if (!strcmp(name->data, "tb_lineno")) return int_val(entry->line);
    if (!strcmp(name->data, "tb_next")) return exc_traceback(vm, t->a, (int)t->i - 1);
    if (!strcmp(name->data, "tb_frame")) return NONE_VAL;
    if (!strcmp(name->data, "tb_lasti")) return int_val(0);
    return UNDEF;
}

/* ---- traceback text ---------------------------------------------------- */

/* The stripped text of line `n` of a file; false if unavailable. */
static bool source_line(const char *path, int n, StrBuf *out) {
    if (!path || path[0] == '<') return false;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char buf[4096];
    int line = 1;
    bool found = false;
    StrBuf cur = SB_INIT;
    while (fgets(buf, sizeof buf, f)) {
        size_t len = strlen(buf);
        if (line == n) sb_add(&cur, buf, len);
        if (len && buf[len - 1] == '\n') {
            if (line == n) { found = true; break; }
            line++;
        }
    }
    if (!found && line == n && cur.len) found = true;
    fclose(f);
    if (found) {
        const char *s = cur.data;
        size_t len = cur.len;
        while (len && (*s == ' ' || *s == '\t' || *s == '\f')) { s++; len--; }
        while (len && (s[len - 1] == '\n' || s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
        if (len == 0) found = false;
        else { sb_adds(out, "    "); sb_add(out, s, len); sb_addc(out, '\n'); }
    }
    sb_free(&cur);
    return found;
}

static void repeated(StrBuf *out, int count) {
    if (count > 3)
        sb_addf(out, "  [Previous line repeated %d more time%s]\n", count - 3, count - 3 == 1 ? "" : "s");
}

static void format_tb(VM *vm, ObjException *e, StrBuf *out) {
    (void)vm;
    if (e->ntb == 0) return;
    sb_adds(out, "Traceback (most recent call last):\n");
    /* Entries run innermost first; print outermost first. More than three
     * identical entries in a row (deep recursion) are folded, as CPython. */
    TbEntry *last = NULL;
    int count = 0;
    for (int i = e->ntb - 1; i >= 0; i--) {
        TbEntry *t = &e->tb[i];
        if (last && t->code == last->code && t->line == last->line) {
            count++;
        } else {
            repeated(out, count);
            count = 1;
            last = t;
        }
        if (count > 3) continue;
        const char *file = t->code->filename->data;
        sb_addf(out, "  File \"%s\", line %d, in %s\n", file, t->line, t->code->name->data);
        source_line(file, t->line, out);
    }
    repeated(out, count);
}

static Value dict_attr(VM *vm, ObjException *e, NameId n) {
    return dict_get_str(e->base.dict, vm_name(vm, n));
}

/* The "  File ..., line N" block and caret of a SyntaxError. */
static void format_syntax_error(VM *vm, ObjException *e, StrBuf *out) {
    Value file = dict_attr(vm, e, N_filename), line = dict_attr(vm, e, N_lineno);
    Value text = dict_attr(vm, e, N_text), off = dict_attr(vm, e, N_offset);
    Value end = dict_attr(vm, e, N_end_offset);
    if (!is_str(file) || !is_int(line)) return;
    sb_addf(out, "  File \"%s\", line %lld\n", AS(ObjStr, file)->data, (long long)as_int(line));
    if (!is_str(text)) return;
    const char *s = AS(ObjStr, text)->data;
    int64_t len = AS(ObjStr, text)->len, lead = 0;
    while (lead < len && (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '\f')) lead++;
    while (len > lead && (s[len - 1] == '\n' || s[len - 1] == '\r')) len--;
    sb_adds(out, "    ");
    sb_add(out, s + lead, (size_t)(len - lead));
    sb_addc(out, '\n');
    if (!is_int(off)) return;
    /* offset is 1-based in code points; print the caret under it. */
    int64_t col = as_int(off) - 1 - utf8_count(s, (size_t)lead);
    int64_t width = is_int(end) && as_int(end) > as_int(off) ? as_int(end) - as_int(off) : 1;
    int64_t textlen = utf8_count(s + lead, (size_t)(len - lead));
    if (col < 0) col = 0;
    if (col > textlen) col = textlen;
    if (col + width > textlen + 1) width = textlen + 1 - col;
    if (width < 1) width = 1;
    sb_adds(out, "    ");
    for (int64_t i = 0; i < col; i++) sb_addc(out, ' ');
    for (int64_t i = 0; i < width; i++) sb_addc(out, '^');
    sb_addc(out, '\n');
}

void exc_format_only(VM *vm, Value exc, StrBuf *out) {
    if (!is_kind(exc, OBJ_EXC)) { sb_adds(out, "<unknown error>\n"); return; }
    ObjException *e = AS(ObjException, exc);
    ObjClass *c = as_obj(exc)->cls;
    if (exc_is(vm, exc, E_SyntaxError)) format_syntax_error(vm, e, out);
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
    }
    sb_addc(out, '\n');
    Value notes = dict_attr(vm, e, N___notes__);
    if (is_list(notes)) {
        for (int64_t i = 0; i < AS(ObjList, notes)->len; i++) {
            Value n = AS(ObjList, notes)->items[i];
            if (is_str(n)) { sb_add(out, AS(ObjStr, n)->data, (size_t)AS(ObjStr, n)->len); sb_addc(out, '\n'); }
        }
    }
}

static void format_chain(VM *vm, Value exc, StrBuf *out, Value *seen, int nseen) {
    ObjException *e = AS(ObjException, exc);
    if (nseen < 64) {
        seen[nseen++] = exc;
        Value prev = UNDEF;
        const char *sep = NULL;
        if (e->cause != UNDEF) {
            prev = e->cause;
            sep = "\nThe above exception was the direct cause of the following exception:\n\n";
        } else if (e->context != UNDEF && !e->suppress_context) {
            prev = e->context;
            sep = "\nDuring handling of the above exception, another exception occurred:\n\n";
        }
        bool cycle = false;
        for (int i = 0; i < nseen; i++) cycle |= seen[i] == prev;
        if (prev != UNDEF && !cycle && is_kind(prev, OBJ_EXC)) {
            format_chain(vm, prev, out, seen, nseen);
            sb_adds(out, sep);
        }
    }
    format_tb(vm, e, out);
    exc_format_only(vm, exc, out);
}

void exc_format(VM *vm, Value exc, StrBuf *out) {
    if (!is_kind(exc, OBJ_EXC)) { sb_adds(out, "<unknown error>\n"); return; }
    Value seen[64];
    format_chain(vm, exc, out, seen, 0);
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
    /* Raised when memory runs out, so raising it needs no allocation. */
    vm->memory_error = exc_new(vm, vm->exc_types[E_MemoryError], NULL);
    if (vm->memory_error == ERR) vm->memory_error = UNDEF;
}
