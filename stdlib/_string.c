/* The _string module: str.format's parser as string.Formatter sees it.
 *
 * formatter_parser(s) is an iterator of (literal, field name, format spec,
 * conversion) tuples; a literal that ends the string, or ends at a doubled
 * brace (which it keeps once), comes with None for the other three.
 * formatter_field_name_split(name) is (first, iterator of (is_attribute,
 * key)). Both iterators parse as they go, so an error late in the string
 * shows only after the pieces before it were handed out, as in CPython.
 * All the delimiters are ASCII, so both walk the UTF-8 bytes.
 *
 * Each iterator is an ObjIter: a is the str, i the byte offset reached.
 * Their classes (formatteriterator, fieldnameiterator) are not module
 * attributes: each rides in the data of the function that makes it. */
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/unidata.h"
#include "modules.h"

static const char *sdata(ObjIter *it) { return AS(ObjStr, it->a)->data; }
static int64_t slen(ObjIter *it) { return AS(ObjStr, it->a)->len; }

static Value substr(VM *vm, const char *s, int64_t from, int64_t to) {
    return str_new(vm, s + from, (size_t)(to - from));
}

/* ---- formatter_parser --------------------------------------------------- */

/* The field name, from just after its '{' to the '!', ':' or '}' that ends
 * it; a '[' hides everything up to its ']'. */
static bool scan_field_name(VM *vm, const char *s, int64_t n, int64_t *i) {
    while (*i < n) {
        char c = s[*i];
        if (c == '{') { exc_raise(vm, E_ValueError, "unexpected '{' in field name"); return false; }
        if (c == '!' || c == ':' || c == '}') return true;
        if (c == '[') {
            while (*i < n && s[*i] != ']') (*i)++;
            if (*i == n) break;
        }
        (*i)++;
    }
    exc_raise(vm, E_ValueError, "expected '}' before end of string");
    return false;
}

/* The format spec from s[*i] to the '}' that closes the field, counting
 * the braces of nested fields; *i ends past that '}'. */
static bool scan_spec(VM *vm, const char *s, int64_t n, int64_t *i, int64_t *end) {
    int depth = 1;
    for (int64_t j = *i; j < n; j++) {
        if (s[j] == '{') depth++;
        else if (s[j] == '}' && --depth == 0) {
            *end = j;
            *i = j + 1;
            return true;
        }
    }
    exc_raise(vm, E_ValueError, "unmatched '{' in format spec");
    return false;
}

/* One replacement field, starting just after its '{': the tuple's last
 * three items go to out[0..2]. */
static bool parse_field(VM *vm, ObjIter *it, Value *out) {
    const char *s = sdata(it);
    int64_t n = slen(it), i = it->i, start = i;
    if (!scan_field_name(vm, s, n, &i)) return false;
    out[0] = substr(vm, s, start, i);
    if (out[0] == ERR) return false;
    if (s[i] == '!') {
        if (++i >= n) {
            exc_raise(vm, E_ValueError, "end of string while looking for conversion specifier");
            return false;
        }
        size_t pos = (size_t)i;
        uint32_t cp = utf8_decode(s, (size_t)n, &pos);
        out[2] = str_char(vm, cp);
        if (out[2] == ERR) return false;
        i = (int64_t)pos;
        if (i < n && s[i] != ':' && s[i] != '}') {
            exc_raise(vm, E_ValueError, "expected ':' after conversion specifier");
            return false;
        }
    }
    if (i < n && s[i] == ':') i++;
    int64_t spec_start = i, spec_end;
    if (!scan_spec(vm, s, n, &i, &spec_end)) return false;
    out[1] = substr(vm, s, spec_start, spec_end);
    if (out[1] == ERR) return false;
    it->i = i;
    return true;
}

static Value parser_next(VM *vm, ObjIter *it) {
    const char *s = sdata(it);
    int64_t n = slen(it), start = it->i, i = start;
    if (i >= n) return UNDEF;
    while (i < n && s[i] != '{' && s[i] != '}') i++;
    int64_t lit_end = i;
    bool field = false;
    if (i < n) {
        char c = s[i];
        if (i + 1 < n && s[i + 1] == c) {
            lit_end = ++i;          /* a doubled brace: keep one, end the literal */
            i++;
        } else if (c == '}') {
            return exc_raise(vm, E_ValueError, "Single '}' encountered in format string");
        } else if (i + 1 >= n) {
            return exc_raise(vm, E_ValueError, "Single '{' encountered in format string");
        } else {
            field = true;
            i++;
        }
    }
    it->i = i;
    ObjTuple *t = tuple_new(vm, 4);
    if (!t) return ERR;
    for (int k = 0; k < 4; k++) t->items[k] = NONE_VAL;
    if (!vm_push_root(vm, obj_val(t))) return ERR;
    Value lit = substr(vm, s, start, lit_end);
    bool ok = lit != ERR;
    if (ok) t->items[0] = lit;
    if (ok && field) ok = parse_field(vm, it, t->items + 1);
    vm_pop_roots(vm, 1);
    return ok ? obj_val(t) : ERR;
}

/* ---- formatter_field_name_split ----------------------------------------- */

/* s[from:to] as an int when it is all decimal digits (any script's, as
 * str.format reads them), else UNDEF; ERR after raising. */
static Value decimal_key(VM *vm, const char *s, int64_t from, int64_t to) {
    if (from == to) return UNDEF;
    int64_t v = 0;
    size_t pos = (size_t)from;
    while ((int64_t)pos < to) {
        uint32_t cp = utf8_decode(s, (size_t)to, &pos);
        double d;
        bool digit, decimal;
        if (!unidata_numeric(cp, &d, &digit, &decimal) || !decimal) return UNDEF;
        if (v > (INT64_MAX - (int64_t)d) / 10)
            return exc_raise(vm, E_ValueError, "Too many decimal digits in format string");
        v = v * 10 + (int64_t)d;
    }
    return int_from_i64(vm, v);
}

/* s[from:to] as an index key: an int if it is one, else the str. */
static Value key_of(VM *vm, const char *s, int64_t from, int64_t to) {
    Value k = decimal_key(vm, s, from, to);
    return k == UNDEF ? substr(vm, s, from, to) : k;
}

static Value pair(VM *vm, bool attr, Value key) {
    if (key == ERR) return ERR;
    Value items[2] = {bool_val(attr), key};
    if (!vm_push_root(vm, key)) return ERR;
    ObjTuple *t = tuple_from(vm, items, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

static Value fieldname_next(VM *vm, ObjIter *it) {
    const char *s = sdata(it);
    int64_t n = slen(it), i = it->i;
    if (i >= n) return UNDEF;
    int64_t start = i + 1;
    if (s[i] == '.') {
        int64_t end = start;
        while (end < n && s[end] != '.' && s[end] != '[') end++;
        if (end == start) return exc_raise(vm, E_ValueError, "Empty attribute in format string");
        it->i = end;
        return pair(vm, true, substr(vm, s, start, end));
    }
    if (s[i] != '[')                /* what follows an item's ']', caught on the next step */
        return exc_raise(vm, E_ValueError, "Only '.' or '[' may follow ']' in format field specifier");
    int64_t close = start;
    while (close < n && s[close] != ']') close++;
    if (close == n) return exc_raise(vm, E_ValueError, "Missing ']' in format string");
    if (close == start) return exc_raise(vm, E_ValueError, "Empty attribute in format string");
    it->i = close + 1;
    return pair(vm, false, key_of(vm, s, start, close));
}

/* ---- the module --------------------------------------------------------- */

/* The one str argument of f(); NULL after raising. */
static ObjStr *str_arg(VM *vm, const char *name, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) {
        exc_raise(vm, E_TypeError, "_string.%s() takes no keyword arguments", name);
        return NULL;
    }
    if (nargs != 1) {
        exc_raise(vm, E_TypeError, "_string.%s() takes exactly one argument (%d given)", name, nargs);
        return NULL;
    }
    if (!is_str(args[0])) {
        exc_raise(vm, E_TypeError, "expected str, got %T", args[0]);
        return NULL;
    }
    return AS(ObjStr, args[0]);
}

/* The iterator class that the module's function `fname` carries. */
static ObjClass *iter_class(VM *vm, const char *fname) {
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "_string"));
    Value f = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, fname)) : UNDEF;
    if (!is_kind(f, OBJ_NATIVE) || !is_kind(AS(ObjNative, f)->data, OBJ_CLASS)) {
        exc_raise(vm, E_RuntimeError, "_string.%s is gone", fname);
        return NULL;
    }
    return AS(ObjClass, AS(ObjNative, f)->data);
}

static Value f_formatter_parser(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjStr *s = str_arg(vm, "formatter_parser", args, nargs, kw);
    ObjClass *c = s ? iter_class(vm, "formatter_parser") : NULL;
    ObjIter *it = c ? iter_new(vm, c, parser_next) : NULL;
    if (!it) return ERR;
    it->a = obj_val(s);
    it->i = 0;
    return obj_val(it);
}

static Value f_formatter_field_name_split(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjStr *s = str_arg(vm, "formatter_field_name_split", args, nargs, kw);
    ObjClass *c = s ? iter_class(vm, "formatter_field_name_split") : NULL;
    if (!c) return ERR;
    int64_t cut = 0;
    while (cut < s->len && s->data[cut] != '.' && s->data[cut] != '[') cut++;
    Value first = key_of(vm, s->data, 0, cut);
    if (first == ERR || !vm_push_root(vm, first)) return ERR;
    ObjIter *it = iter_new(vm, c, fieldname_next);
    if (!it || !vm_push_root(vm, obj_val(it))) {
        vm_pop_roots(vm, 1);
        return ERR;
    }
    it->a = obj_val(s);
    it->i = cut;
    ObjTuple *t = tuple_from(vm, (Value[]){first, obj_val(it)}, 2);
    vm_pop_roots(vm, 2);
    return t ? obj_val(t) : ERR;
}

/* A function of the module with its iterator class in its data. */
static bool add_maker(VM *vm, ObjModule *m, const char *name, NativeFn fn, const char *cls_name) {
    ObjClass *c = class_new_builtin(vm, cls_name, vm->types[T_OBJECT], OBJ_ITER);
    if (!c || !vm_push_root(vm, obj_val(c))) return false;
    bool ok = class_add_iter_protocol(vm, c);
    ObjNative *n = ok ? native_new(vm, name, fn) : NULL;
    if (n) n->data = obj_val(c);
    vm_pop_roots(vm, 1);
    return n && module_add_value(vm, m, name, obj_val(n));
}

bool mod__string_init(VM *vm, ObjModule *m) {
    return add_maker(vm, m, "formatter_parser", f_formatter_parser, "formatteriterator") &&
           add_maker(vm, m, "formatter_field_name_split", f_formatter_field_name_split, "fieldnameiterator");
}
