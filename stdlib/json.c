/* The json module: dumps/loads (and dump/load on file objects) with
 * CPython's output, accepted syntax and error messages.
 *
 * The encoder writes into a StrBuf and walks containers recursively; the
 * only script code it runs is `default` (and repr of nothing: floats and
 * ints are formatted here), whose results it roots while it encodes them.
 * The decoder is a recursive-descent parser over the UTF-8 bytes; every
 * container under construction sits in a rooted list (`keep`) so that hooks
 * (object_hook, parse_float, ...) may run script code safely. Positions in
 * error messages count code points, as CPython's do. */
#include <stdlib.h>
#include <string.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

/* ---- encoding ----------------------------------------------------------- */

typedef struct Encoder {
    VM *vm;
    StrBuf out;
    Value deflt;            /* the default callable, or UNDEF */
    const char *indent;     /* NULL: no newlines */
    size_t indent_len;
    const char *item_sep, *key_sep;
    size_t item_sep_len, key_sep_len;
    bool sort_keys, ensure_ascii, skipkeys, allow_nan, check_circular;
    char *indent_buf;       /* malloc'd spaces for an int indent */
    Value bad_indent;       /* an indent neither str nor int (UNDEF if none) */
    ObjList *keep;          /* rooted: snapshots and `default` results in use */
    Obj **active;           /* containers being encoded, for cycle detection */
    int nactive, capactive;
    int level;
} Encoder;

static void enc_string(StrBuf *b, const ObjStr *s, bool ensure_ascii) {
    static const char hex[] = "0123456789abcdef";
    sb_addc(b, '"');
    size_t pos = 0, len = (size_t)s->len;
    while (pos < len) {
        size_t start = pos;
        uint32_t c = (uint8_t)s->data[pos];
        if (c >= 0x80) {
            c = utf8_decode(s->data, len, &pos);
        } else {
            pos++;
        }
        switch (c) {
        case '"': sb_add(b, "\\\"", 2); continue;
        case '\\': sb_add(b, "\\\\", 2); continue;
        case '\n': sb_add(b, "\\n", 2); continue;
        case '\r': sb_add(b, "\\r", 2); continue;
        case '\t': sb_add(b, "\\t", 2); continue;
        case '\b': sb_add(b, "\\b", 2); continue;
        case '\f': sb_add(b, "\\f", 2); continue;
        default: break;
        }
        if (c >= 0x20 && (c < 0x7F || !ensure_ascii)) {
            sb_add(b, s->data + start, pos - start);
            continue;
        }
        if (c < 0x10000) {
            char u[6] = {'\\', 'u', hex[(c >> 12) & 15], hex[(c >> 8) & 15], hex[(c >> 4) & 15], hex[c & 15]};
            sb_add(b, u, 6);
        } else {
            uint32_t v = c - 0x10000, hi = 0xD800 | (v >> 10), lo = 0xDC00 | (v & 0x3FF);
            char u[12] = {'\\', 'u', hex[(hi >> 12) & 15], hex[(hi >> 8) & 15], hex[(hi >> 4) & 15], hex[hi & 15],
                          '\\', 'u', hex[(lo >> 12) & 15], hex[(lo >> 8) & 15], hex[(lo >> 4) & 15], hex[lo & 15]};
            sb_add(b, u, 12);
        }
    }
    sb_addc(b, '"');
}

/* A float as JSON: repr, or NaN/Infinity/-Infinity when allowed. */
static bool enc_float(Encoder *e, double d) {
    if (d != d || d == 1.0 / 0.0 || d == -1.0 / 0.0) {
        if (!e->allow_nan) {
            exc_raise(e->vm, E_ValueError, "Out of range float values are not JSON compliant: %s",
                      d != d ? "nan" : d > 0 ? "inf" : "-inf");
            return false;
        }
        sb_adds(&e->out, d != d ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        return true;
    }
    char tmp[40];
    flt_repr(d, tmp);
    sb_adds(&e->out, tmp);
    return true;
}

static void enc_newline(Encoder *e) {
    if (!e->indent) return;
    sb_addc(&e->out, '\n');
    for (int i = 0; i < e->level; i++) sb_add(&e->out, e->indent, e->indent_len);
}

static bool enc_push(Encoder *e, Obj *o) {
    if (e->vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(e->vm, E_RecursionError, "maximum recursion depth exceeded while encoding a JSON object");
        return false;
    }
    if (e->check_circular && o) {
        for (int i = 0; i < e->nactive; i++) {
            if (e->active[i] == o) {
                exc_raise(e->vm, E_ValueError, "Circular reference detected");
                return false;
            }
        }
        if (e->nactive == e->capactive) {
            int cap = e->capactive ? e->capactive * 2 : 16;
            Obj **a = realloc(e->active, (size_t)cap * sizeof *a);
            if (!a) { exc_nomem(e->vm); return false; }
            e->active = a;
            e->capactive = cap;
        }
        e->active[e->nactive++] = o;
    }
    e->vm->c_depth++;
    return true;
}

static void enc_pop(Encoder *e, Obj *o) {
    if (e->check_circular && o) e->nactive--;
    e->vm->c_depth--;
}

static bool enc_value(Encoder *e, Value v);

static bool enc_list(Encoder *e, Value v) {
    if (!enc_push(e, as_obj(v))) return false;
    bool is_l = is_list(v);
    int64_t n = is_l ? AS(ObjList, v)->len : AS(ObjTuple, v)->len;
    if (n == 0) { sb_add(&e->out, "[]", 2); enc_pop(e, as_obj(v)); return true; }
    sb_addc(&e->out, '[');
    e->level++;
    enc_newline(e);
    for (int64_t i = 0;; i++) {
        /* A `default` callback may shrink the list under us: re-read it. */
        n = is_l ? AS(ObjList, v)->len : AS(ObjTuple, v)->len;
        if (i >= n) break;
        if (i > 0) {
            sb_add(&e->out, e->item_sep, e->item_sep_len);
            enc_newline(e);
        }
        if (!enc_value(e, is_l ? AS(ObjList, v)->items[i] : AS(ObjTuple, v)->items[i])) return false;
    }
    e->level--;
    enc_newline(e);
    sb_addc(&e->out, ']');
    enc_pop(e, as_obj(v));
    return true;
}

/* A dict key as JSON text (without quotes handled here); 0 ok, 1 skip, -1 error. */
static int enc_key(Encoder *e, Value k) {
    StrBuf *b = &e->out;
    if (is_str(k)) { enc_string(b, AS(ObjStr, k), e->ensure_ascii); return 0; }
    sb_addc(b, '"');
    if (is_float(k)) {
        if (!enc_float(e, as_float(k))) return -1;
    } else if (is_kind(k, OBJ_FLOAT)) {     /* a float subclass's instance */
        if (!enc_float(e, AS(ObjFloat, k)->d)) return -1;
    } else if (is_bool(k)) {
        sb_adds(b, as_bool(k) ? "true" : "false");
    } else if (k == NONE_VAL) {
        sb_adds(b, "null");
    } else if (is_intlike(k)) {
        if (!int_to_dec(e->vm, k, b)) return -1;
    } else {
        b->len--;   /* drop the quote */
        if (e->skipkeys) return 1;
        exc_raise(e->vm, E_TypeError, "keys must be str, int, float, bool or None, not %T", k);
        return -1;
    }
    sb_addc(b, '"');
    return 0;
}

static bool enc_dict(Encoder *e, Value v) {
    VM *vm = e->vm;
    ObjDict *d = AS(ObjDict, v);
    if (!enc_push(e, as_obj(v))) return false;
    if (d->count == 0) { sb_add(&e->out, "{}", 2); enc_pop(e, as_obj(v)); return true; }
    /* Iterate over a snapshot of the items (sorted if asked), rooted
     * because `default` may run script code. */
    ObjList *items = list_new(vm, d->count * 2);
    if (!items) return false;
    int64_t pos = 0;
    Value k, val;
    if (e->sort_keys) {
        ObjList *keys = list_new(vm, d->count);
        if (!keys) return false;
        while (dict_next(d, &pos, &k, &val)) {
            if (list_append(vm, keys, k) < 0) return false;
        }
        if (!vm_push_root(vm, obj_val(keys))) return false;
        int rc = list_sort(vm, keys, UNDEF, false);
        for (int64_t i = 0; rc == 0 && i < keys->len; i++) {
            val = dict_get(vm, d, keys->items[i]);
            if (val == ERR) rc = -1;
            else if (list_append(vm, items, keys->items[i]) < 0 || list_append(vm, items, val) < 0) rc = -1;
        }
        vm_pop_roots(vm, 1);
        if (rc < 0) return false;
    } else {
        while (dict_next(d, &pos, &k, &val)) {
            if (list_append(vm, items, k) < 0 || list_append(vm, items, val) < 0) return false;
        }
    }
    if (list_append(vm, e->keep, obj_val(items)) < 0) return false;
    sb_addc(&e->out, '{');
    e->level++;
    enc_newline(e);
    bool first = true, ok = true;
    for (int64_t i = 0; ok && i < items->len; i += 2) {
        size_t mark = e->out.len;
        if (!first) {
            sb_add(&e->out, e->item_sep, e->item_sep_len);
            enc_newline(e);
        }
        int r = enc_key(e, items->items[i]);
        if (r < 0) { ok = false; break; }
        if (r > 0) { e->out.len = mark; continue; }
        first = false;
        sb_add(&e->out, e->key_sep, e->key_sep_len);
        ok = enc_value(e, items->items[i + 1]);
    }
    e->keep->len--;
    if (!ok) return false;
    e->level--;
    enc_newline(e);
    sb_addc(&e->out, '}');
    enc_pop(e, as_obj(v));
    return true;
}

static bool enc_value(Encoder *e, Value v) {
    VM *vm = e->vm;
    if (v == NONE_VAL) { sb_adds(&e->out, "null"); return true; }
    if (is_bool(v)) { sb_adds(&e->out, as_bool(v) ? "true" : "false"); return true; }
    if (is_float(v)) return enc_float(e, as_float(v));
    if (is_intlike(v)) return int_to_dec(e->vm, v, &e->out);
    if (is_kind(v, OBJ_FLOAT)) return enc_float(e, AS(ObjFloat, v)->d);     /* a float subclass's instance */
    if (is_obj(v) && (as_obj(v)->flags & OBJ_SUBTYPE)) {
        /* A subclass's own __iter__ (lists, tuples) or items() (dicts) give
         * what is encoded, as CPython's PySequence_Fast and PyMapping_Items. */
        ObjKind k = (ObjKind)as_obj(v)->kind;
        bool seq = (k == OBJ_LIST || k == OBJ_TUPLE) && op_override(vm, v, N___iter__) != UNDEF;
        ObjStr *items = k == OBJ_DICT ? str_intern_cstr(vm, "items") : NULL;
        bool map = items && op_override_named(vm, v, items) != UNDEF;
        if (seq || map) {
            int64_t held = e->keep->len;
            Value r = ERR;
            if (seq) {
                ObjList *l = op_to_list(vm, v);
                if (l) r = obj_val(l);
            } else {
                Value pairs = op_call_method(vm, v, items, NULL, 0);
                ObjDict *d = pairs != ERR && list_append(vm, e->keep, pairs) == 0 ? dict_new(vm) : NULL;
                if (d && list_append(vm, e->keep, obj_val(d)) == 0 && dict_update(vm, d, pairs) == 0) r = obj_val(d);
            }
            bool ok = r != ERR && list_append(vm, e->keep, r) == 0 && enc_value(e, r);
            e->keep->len = held;
            return ok;
        }
    }
    if (is_obj(v)) {
        switch ((ObjKind)as_obj(v)->kind) {
        case OBJ_STR: enc_string(&e->out, AS(ObjStr, v), e->ensure_ascii); return true;
        case OBJ_LIST: case OBJ_TUPLE: return enc_list(e, v);
        case OBJ_DICT: return enc_dict(e, v);
        default: break;
        }
    }
    if (e->deflt == UNDEF) {
        /* json's encoder names the class by __name__, not tp_name. */
        exc_raise(vm, E_TypeError, "Object of type %S is not JSON serializable",
                  type_of(vm, v)->name);
        return false;
    }
    if (!enc_push(e, is_obj(v) ? as_obj(v) : NULL)) return false;
    Value r = op_call1(vm, e->deflt, v);
    if (r == ERR) return false;
    if (list_append(vm, e->keep, r) < 0) return false;
    bool ok = enc_value(e, r);
    e->keep->len--;
    if (ok) enc_pop(e, is_obj(v) ? as_obj(v) : NULL);
    return ok;
}

static const char *const dumps_kw[] = {"skipkeys", "ensure_ascii", "check_circular", "allow_nan", "cls", "indent",
                                       "separators", "default", "sort_keys", NULL};

/* Reads the keyword options of dump/dumps into an encoder. */
static bool enc_setup(Encoder *e, VM *vm, Value *args, int nargs, ObjTuple *kw) {
    memset(e, 0, sizeof *e);
    e->vm = vm;
    e->deflt = UNDEF;
    e->bad_indent = UNDEF;
    e->item_sep = ", "; e->key_sep = ": ";
    e->ensure_ascii = e->allow_nan = e->check_circular = true;
    if (!args_kw_only_py(vm, "JSONEncoder.__init__", kw, dumps_kw)) return false;
    static const char *const flags[] = {"skipkeys", "ensure_ascii", "check_circular", "allow_nan", "sort_keys"};
    bool *fields[] = {&e->skipkeys, &e->ensure_ascii, &e->check_circular, &e->allow_nan, &e->sort_keys};
    for (int i = 0; i < 5; i++) {
        Value f = args_kw(vm, args, nargs, kw, flags[i]);
        if (f == UNDEF) continue;
        int t = op_truthy(vm, f);
        if (t < 0) return false;
        *fields[i] = t;
    }
    Value indent = args_kw(vm, args, nargs, kw, "indent");
    if (indent != UNDEF && indent != NONE_VAL) {
        if (is_str(indent)) {
            e->indent = AS(ObjStr, indent)->data;
            e->indent_len = (size_t)AS(ObjStr, indent)->len;
        } else if (is_intlike(indent)) {
            int64_t n;
            if (!int_to_i64(indent, &n) || n > (1 << 20)) {
                exc_raise(vm, E_OverflowError, "indent is too large");
                return false;
            }
            e->indent_len = n < 0 ? 0 : (size_t)n;
            e->indent_buf = malloc(e->indent_len + 1);
            if (!e->indent_buf) { exc_nomem(vm); return false; }
            memset(e->indent_buf, ' ', e->indent_len);
            e->indent = e->indent_buf;
        } else {
            e->bad_indent = indent;
            e->indent = "";
        }
        e->item_sep = ",";
    }
    Value seps = args_kw(vm, args, nargs, kw, "separators");
    if (seps != UNDEF && seps != NONE_VAL) {
        if (!(is_tuple(seps) || is_list(seps))) {
            exc_raise(vm, E_TypeError, "separators must be a (item_separator, key_separator) pair");
            return false;
        }
        Value *it = is_tuple(seps) ? AS(ObjTuple, seps)->items : AS(ObjList, seps)->items;
        int64_t n = is_tuple(seps) ? AS(ObjTuple, seps)->len : AS(ObjList, seps)->len;
        if (n != 2) {
            if (n > 2) exc_raise(vm, E_ValueError, "too many values to unpack (expected 2)");
            else exc_raise(vm, E_ValueError, "not enough values to unpack (expected 2, got %d)", (int)n);
            return false;
        }
        /* make_encoder takes the key separator as argument 5, the item one as 6 */
        if (!is_str(it[1]) || !is_str(it[0])) {
            exc_raise(vm, E_TypeError, "make_encoder() argument %d must be str, not %T", is_str(it[1]) ? 6 : 5,
                      is_str(it[1]) ? it[0] : it[1]);
            return false;
        }
        e->item_sep = AS(ObjStr, it[0])->data;
        e->key_sep = AS(ObjStr, it[1])->data;
    }
    e->item_sep_len = strlen(e->item_sep);
    e->key_sep_len = strlen(e->key_sep);
    Value d = args_kw(vm, args, nargs, kw, "default");
    if (d != UNDEF && d != NONE_VAL) e->deflt = d;
    return true;
}

static Value encode(Encoder *e, Value obj) {
    /* CPython's encode() returns a str at once; anything else first
     * multiplies the indent, which fails for a float. */
    if (e->bad_indent != UNDEF && !is_str(obj)) {
        free(e->indent_buf);
        return exc_raise(e->vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", e->bad_indent);
    }
    e->keep = list_new(e->vm, 8);
    if (!e->keep || !vm_push_root(e->vm, obj_val(e->keep))) {
        free(e->indent_buf);
        return ERR;
    }
    bool ok = enc_value(e, obj);
    vm_pop_roots(e->vm, 1);
    free(e->active);
    free(e->indent_buf);
    if (!ok || e->out.oom) {
        if (ok) exc_nomem(e->vm);
        sb_free(&e->out);
        return ERR;
    }
    return str_from_buf(e->vm, &e->out);
}

/* A call with cls= (not None) goes to the Asy helper of that name in
 * stdlib/_json_py.asy, which makes the encoder or decoder the class says;
 * UNDEF when there is no cls. */
static Value with_cls(VM *vm, const char *helper, Value *args, int nargs, ObjTuple *kw) {
    int64_t k = 0;
    while (kw && k < kw->len && strcmp(AS(ObjStr, kw->items[k])->data, "cls") != 0) k++;
    if (!kw || k == kw->len || args[nargs + k] == NONE_VAL) return UNDEF;
    Value src = import_module(vm, "_json_py");
    Value f = src == ERR ? ERR : op_getattr(vm, src, str_intern_cstr(vm, helper));
    return f == ERR ? ERR : op_call(vm, f, args, nargs, kw);
}

static Value json_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"JSONEncoder", "JSONDecoder", "JSONDecodeError", NULL};
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    /* CPython's json package imports its decoder and encoder submodules */
    for (const char *const *sub = (const char *const[]){"decoder", "encoder", NULL}; *sub; sub++) {
        if (!is_str(args[0]) || strcmp(AS(ObjStr, args[0])->data, *sub) != 0) continue;
        char full[32];
        snprintf(full, sizeof full, "json.%s", *sub);
        return import_module(vm, full);
    }
    return module_lazy_attr(vm, "json", "_json_py", names, args[0]);
}

static Value json_dumps(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs != 1)
        return exc_raise(vm, E_TypeError, "dumps() takes 1 positional argument but %d were given", nargs);
    Value viacls = with_cls(vm, "_dumps_cls", args, nargs, kw);
    if (viacls != UNDEF) return viacls;
    Encoder e;
    int saved_depth = vm->c_depth;
    if (!enc_setup(&e, vm, args, nargs, kw)) { free(e.indent_buf); return ERR; }
    Value r = encode(&e, args[0]);
    vm->c_depth = saved_depth;
    return r;
}

static Value json_dump(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs != 2)
        return exc_raise(vm, E_TypeError, "dump() takes 2 positional arguments but %d were given", nargs);
    Value viacls = with_cls(vm, "_dump_cls", args, nargs, kw);
    if (viacls != UNDEF) return viacls;
    Encoder e;
    int saved_depth = vm->c_depth;
    if (!enc_setup(&e, vm, args, nargs, kw)) { free(e.indent_buf); return ERR; }
    if (e.bad_indent != UNDEF)      /* dump has no shortcut for a str */
        return exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", e.bad_indent);
    Value s = encode(&e, args[0]);
    vm->c_depth = saved_depth;
    if (s == ERR) return ERR;
    Value w = op_getattr(vm, args[1], str_intern_cstr(vm, "write"));
    if (w == ERR) return ERR;
    return op_call1(vm, w, s) == ERR ? ERR : NONE_VAL;
}

/* ---- decoding ----------------------------------------------------------- */

typedef struct Decoder {
    VM *vm;
    const char *s;
    size_t len, pos;
    Value doc;              /* the str being parsed (for JSONDecodeError.doc) */
    ObjList *keep;          /* rooted: values under construction */
    ObjDict *memo;          /* rooted: object keys seen so far, so repeated keys share one str (as CPython's) */
    Value object_hook, pairs_hook, parse_float, parse_int, parse_constant;   /* UNDEF: none */
    bool lax;               /* strict=False: control characters allowed in strings */
} Decoder;

/* Raises json.JSONDecodeError(msg, doc, pos), `at` being a byte offset:
 * the class (stdlib/_json_py.asy) works out the line and column. */
static Value dec_error(Decoder *d, const char *msg, size_t at) {
    VM *vm = d->vm;
    Value mod = import_standard(vm, "json");
    Value cls = mod == ERR ? ERR : op_getattr(vm, mod, str_intern_cstr(vm, "JSONDecodeError"));
    if (cls == ERR) return ERR;
    Value m = str_from_cstr(vm, msg);
    Value pos = m == ERR ? ERR : int_from_i64(vm, utf8_count(d->s, at));
    if (pos == ERR || !vm_push_root(vm, m)) return ERR;
    Value exc = op_call(vm, cls, (Value[]){m, d->doc, pos}, 3, NULL);
    vm_pop_roots(vm, 1);
    return exc == ERR ? ERR : exc_raise_value(vm, exc);
}

static void dec_ws(Decoder *d) {
    while (d->pos < d->len) {
        char c = d->s[d->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
        d->pos++;
    }
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Four hex digits at s[p]; -1 if they are not. */
static int32_t hex4(Decoder *d, size_t p) {
    if (p + 4 > d->len) return -1;
    int32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(d->s[p + i]);
        if (h < 0) return -1;
        v = v << 4 | h;
    }
    return v;
}

/* A string; d->pos is just past the opening quote. */
static Value dec_string(Decoder *d) {
    size_t begin = d->pos - 1;
    StrBuf b = SB_INIT;
    for (;;) {
        size_t start = d->pos;
        while (d->pos < d->len) {
            unsigned char c = (unsigned char)d->s[d->pos];
            if (c == '"' || c == '\\' || (c < 0x20 && !d->lax)) break;
            d->pos++;
        }
        sb_add(&b, d->s + start, d->pos - start);
        if (d->pos >= d->len) { sb_free(&b); return dec_error(d, "Unterminated string starting at", begin); }
        char c = d->s[d->pos];
        if (c == '"') { d->pos++; break; }
        if (c != '\\') { sb_free(&b); return dec_error(d, "Invalid control character at", d->pos); }
        d->pos++;
        if (d->pos >= d->len) { sb_free(&b); return dec_error(d, "Unterminated string starting at", begin); }
        c = d->s[d->pos++];
        switch (c) {
        case '"': sb_addc(&b, '"'); break;
        case '\\': sb_addc(&b, '\\'); break;
        case '/': sb_addc(&b, '/'); break;
        case 'b': sb_addc(&b, '\b'); break;
        case 'f': sb_addc(&b, '\f'); break;
        case 'n': sb_addc(&b, '\n'); break;
        case 'r': sb_addc(&b, '\r'); break;
        case 't': sb_addc(&b, '\t'); break;
        case 'u': {
            int32_t u = hex4(d, d->pos);
            if (u < 0) { sb_free(&b); return dec_error(d, "Invalid \\uXXXX escape", d->pos - 1); }
            d->pos += 4;
            if (u >= 0xD800 && u <= 0xDBFF && d->pos + 1 < d->len && d->s[d->pos] == '\\' && d->s[d->pos + 1] == 'u') {
                int32_t lo = hex4(d, d->pos + 2);
                if (lo < 0) { sb_free(&b); return dec_error(d, "Invalid \\uXXXX escape", d->pos + 1); }
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    d->pos += 6;
                }
            }
            /* a lone surrogate is kept, as Asy's str holds one (3 bytes) */
            sb_add_utf8(&b, (uint32_t)u);
            break;
        }
        default:
            sb_free(&b);
            return dec_error(d, "Invalid \\escape", d->pos - 2);
        }
    }
    if (b.oom) { sb_free(&b); return exc_nomem(d->vm); }
    return b.len ? str_from_buf(d->vm, &b) : (sb_free(&b), obj_val(d->vm->empty_str));
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* A number at d->pos, or UNDEF if there is none ("Expecting value"). */
static Value dec_number(Decoder *d) {
    VM *vm = d->vm;
    size_t start = d->pos, p = d->pos;
    if (p < d->len && d->s[p] == '-') p++;
    if (p >= d->len || !is_digit(d->s[p])) return UNDEF;
    if (d->s[p] == '0') p++;
    else while (p < d->len && is_digit(d->s[p])) p++;
    bool is_flt = false;
    if (p + 1 < d->len && d->s[p] == '.' && is_digit(d->s[p + 1])) {
        is_flt = true;
        p += 2;
        while (p < d->len && is_digit(d->s[p])) p++;
    }
    if (p < d->len && (d->s[p] == 'e' || d->s[p] == 'E')) {
        size_t q = p + 1;
        if (q < d->len && (d->s[q] == '+' || d->s[q] == '-')) q++;
        if (q < d->len && is_digit(d->s[q])) {
            while (q < d->len && is_digit(d->s[q])) q++;
            p = q;
            is_flt = true;
        }
    }
    d->pos = p;
    Value hook = is_flt ? d->parse_float : d->parse_int;
    if (hook != UNDEF) {
        Value text = str_new(vm, d->s + start, p - start);
        return text == ERR ? ERR : op_call1(vm, hook, text);
    }
    return is_flt ? flt_parse(vm, d->s + start, p - start) : int_parse(vm, d->s + start, p - start, 10);
}

static Value dec_value(Decoder *d);

static Value dec_keep(Decoder *d, Value v) {
    return list_append(d->vm, d->keep, v) < 0 ? ERR : v;
}

static void dec_unkeep(Decoder *d, int64_t n) { d->keep->len -= n; }

static Value dec_array(Decoder *d) {
    VM *vm = d->vm;
    ObjList *l = list_new(vm, 0);
    if (!l || dec_keep(d, obj_val(l)) == ERR) return ERR;
    dec_ws(d);
    if (d->pos < d->len && d->s[d->pos] == ']') { d->pos++; dec_unkeep(d, 1); return obj_val(l); }
    for (;;) {
        Value v = dec_value(d);
        if (v == ERR) return ERR;
        if (list_append(vm, l, v) < 0) return ERR;
        dec_ws(d);
        if (d->pos < d->len && d->s[d->pos] == ']') { d->pos++; break; }
        if (d->pos >= d->len || d->s[d->pos] != ',') return dec_error(d, "Expecting ',' delimiter", d->pos);
        d->pos++;
    }
    dec_unkeep(d, 1);
    return obj_val(l);
}

static Value dec_object(Decoder *d) {
    VM *vm = d->vm;
    bool pairs = d->pairs_hook != UNDEF;
    ObjDict *dict = pairs ? NULL : dict_new(vm);
    ObjList *plist = pairs ? list_new(vm, 0) : NULL;
    if (!dict && !plist) return ERR;
    Value container = pairs ? obj_val(plist) : obj_val(dict);
    if (dec_keep(d, container) == ERR) return ERR;
    dec_ws(d);
    bool empty = d->pos < d->len && d->s[d->pos] == '}';
    if (empty) d->pos++;
    while (!empty) {
        if (d->pos >= d->len || d->s[d->pos] != '"')
            return dec_error(d, "Expecting property name enclosed in double quotes", d->pos);
        d->pos++;
        Value key = dec_string(d);
        if (key == ERR) return ERR;
        Value seen = dict_get(vm, d->memo, key);
        if (seen == ERR) return ERR;
        if (seen != UNDEF) key = seen;
        else if (dict_set(vm, d->memo, key, key) < 0) return ERR;
        if (dec_keep(d, key) == ERR) return ERR;
        dec_ws(d);
        if (d->pos >= d->len || d->s[d->pos] != ':') return dec_error(d, "Expecting ':' delimiter", d->pos);
        d->pos++;
        Value v = dec_value(d);
        if (v == ERR) return ERR;
        if (pairs) {
            Value kv[2] = {key, v};
            ObjTuple *t = tuple_from(vm, kv, 2);
            if (!t || list_append(vm, plist, obj_val(t)) < 0) return ERR;
        } else if (dict_set(vm, dict, key, v) < 0) {
            return ERR;
        }
        dec_unkeep(d, 1);
        dec_ws(d);
        if (d->pos < d->len && d->s[d->pos] == '}') { d->pos++; break; }
        if (d->pos >= d->len || d->s[d->pos] != ',') return dec_error(d, "Expecting ',' delimiter", d->pos);
        d->pos++;
        dec_ws(d);
    }
    Value r = container;
    if (pairs) r = op_call1(vm, d->pairs_hook, container);
    else if (d->object_hook != UNDEF) r = op_call1(vm, d->object_hook, container);
    dec_unkeep(d, 1);
    return r;
}

static bool dec_word(Decoder *d, const char *w) {
    size_t n = strlen(w);
    if (d->pos + n > d->len || memcmp(d->s + d->pos, w, n) != 0) return false;
    d->pos += n;
    return true;
}

static Value dec_constant(Decoder *d, const char *name, double v) {
    if (d->parse_constant == UNDEF) return float_val(v);
    Value s = str_from_cstr(d->vm, name);
    return s == ERR ? ERR : op_call1(d->vm, d->parse_constant, s);
}

static Value dec_value(Decoder *d) {
    VM *vm = d->vm;
    dec_ws(d);
    if (d->pos >= d->len) return dec_error(d, "Expecting value", d->pos);
    Value r;
    switch (d->s[d->pos]) {
    case '"': d->pos++; return dec_string(d);
    case '[': case '{':
        if (vm->c_depth >= C_DEPTH_MAX)
            return exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while decoding a JSON %s from a unicode string",
                             d->s[d->pos] == '[' ? "array" : "object");
        vm->c_depth++;
        r = d->s[d->pos++] == '[' ? dec_array(d) : dec_object(d);
        vm->c_depth--;
        return r;
    case 'n': if (dec_word(d, "null")) return NONE_VAL; break;
    case 't': if (dec_word(d, "true")) return TRUE_VAL; break;
    case 'f': if (dec_word(d, "false")) return FALSE_VAL; break;
    case 'N': if (dec_word(d, "NaN")) return dec_constant(d, "NaN", 0.0 / 0.0); break;
    case 'I': if (dec_word(d, "Infinity")) return dec_constant(d, "Infinity", 1.0 / 0.0); break;
    case '-':
        if (dec_word(d, "-Infinity")) return dec_constant(d, "-Infinity", -1.0 / 0.0);
        /* fall through */
    default:
        r = dec_number(d);
        if (r != UNDEF) return r;
        break;
    }
    return dec_error(d, "Expecting value", d->pos);
}

static const char *const loads_kw[] = {"cls", "object_hook", "parse_float", "parse_int", "parse_constant",
                                       "object_pairs_hook", "strict", NULL};

/* The encoding of a JSON document given as bytes, as json.detect_encoding
 * tells it: by a BOM, else by where the zero bytes of UTF-16 or UTF-32
 * fall in the first characters (ASCII, as JSON begins), else UTF-8. */
static const char *detect_encoding(const uint8_t *b, int64_t n) {
    if (n >= 4 && (!memcmp(b, "\x00\x00\xFE\xFF", 4) || !memcmp(b, "\xFF\xFE\x00\x00", 4))) return "utf-32";
    if (n >= 2 && (!memcmp(b, "\xFE\xFF", 2) || !memcmp(b, "\xFF\xFE", 2))) return "utf-16";
    if (n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) return "utf-8-sig";
    if (n >= 4) {
        if (!b[0]) return b[1] ? "utf-16-be" : "utf-32-be";
        if (!b[1]) return b[2] || b[3] ? "utf-16-le" : "utf-32-le";
    } else if (n == 2) {
        if (!b[0]) return "utf-16-be";
        if (!b[1]) return "utf-16-le";
    }
    return "utf-8";
}

static Value decode(VM *vm, Value s, Value *args, int nargs, ObjTuple *kw) {
    if (!args_kw_only_py(vm, "JSONDecoder.__init__", kw, loads_kw)) return ERR;
    bool from_bytes = is_kind(s, OBJ_BYTES) || is_kind(s, OBJ_BYTEARRAY);
    if (from_bytes) {
        const char *p = is_kind(s, OBJ_BYTES) ? (const char *)AS(ObjBytes, s)->data : (const char *)AS(ObjByteArray, s)->data;
        int64_t n = is_kind(s, OBJ_BYTES) ? AS(ObjBytes, s)->len : AS(ObjByteArray, s)->len;
        s = bytes_decode(vm, (const uint8_t *)p, (size_t)n, detect_encoding((const uint8_t *)p, n), "strict");
        if (s == ERR) return ERR;
    } else if (!is_str(s)) {
        return exc_raise(vm, E_TypeError, "the JSON object must be str, bytes or bytearray, not %T", s);
    }
    Decoder d = {.vm = vm, .s = AS(ObjStr, s)->data, .len = (size_t)AS(ObjStr, s)->len, .doc = s};
    static const char *const hooks[] = {"object_hook", "object_pairs_hook", "parse_float", "parse_int", "parse_constant"};
    Value *fields[] = {&d.object_hook, &d.pairs_hook, &d.parse_float, &d.parse_int, &d.parse_constant};
    for (int i = 0; i < 5; i++) {
        Value h = args_kw(vm, args, nargs, kw, hooks[i]);
        *fields[i] = h == NONE_VAL ? UNDEF : h;
    }
    Value strict = args_kw(vm, args, nargs, kw, "strict");
    if (strict != UNDEF) {
        int t = op_truthy(vm, strict);
        if (t < 0) return ERR;
        d.lax = !t;
    }
    /* (json.loads refuses a str that starts with a BOM; bytes had theirs
     * removed, and another is then just an unexpected character) */
    if (!from_bytes && d.len >= 3 && memcmp(d.s, "\xEF\xBB\xBF", 3) == 0)
        return dec_error(&d, "Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
    d.keep = list_new(vm, 8);
    if (!d.keep) return ERR;
    if (!vm_push_root(vm, obj_val(d.keep))) return ERR;
    d.memo = dict_new(vm);
    if (!d.memo || dec_keep(&d, obj_val(d.memo)) == ERR) { vm_pop_roots(vm, 1); return ERR; }
    if (!vm_push_root(vm, s)) { vm_pop_roots(vm, 1); return ERR; }
    int saved_depth = vm->c_depth;
    Value r = dec_value(&d);
    vm->c_depth = saved_depth;
    if (r != ERR) {
        dec_ws(&d);
        if (d.pos != d.len) r = dec_error(&d, "Extra data", d.pos);
    }
    vm_pop_roots(vm, 2);
    return r;
}

static Value json_loads(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs != 1)
        return exc_raise(vm, E_TypeError, "loads() takes 1 positional argument but %d were given", nargs);
    Value viacls = with_cls(vm, "_loads_cls", args, nargs, kw);
    if (viacls != UNDEF) return viacls;
    return decode(vm, args[0], args, nargs, kw);
}

static Value json_load(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs != 1)
        return exc_raise(vm, E_TypeError, "load() takes 1 positional argument but %d were given", nargs);
    Value viacls = with_cls(vm, "_load_cls", args, nargs, kw);
    if (viacls != UNDEF) return viacls;
    Value r = op_getattr(vm, args[0], str_intern_cstr(vm, "read"));
    if (r == ERR) return ERR;
    Value text = op_call0(vm, r);
    if (text == ERR) return ERR;
    if (!vm_push_root(vm, text)) return ERR;
    Value v = decode(vm, text, args, nargs, kw);
    vm_pop_roots(vm, 1);
    return v;
}

bool mod_json_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "dumps", json_dumps) &&
           module_add_native(vm, m, "dump", json_dump) &&
           module_add_native(vm, m, "loads", json_loads) &&
           module_add_native(vm, m, "load", json_load) &&
           module_add_native(vm, m, "__getattr__", json_getattr) &&
           module_add_all(vm, m, (const char *const[]){"dump", "dumps", "load", "loads", "JSONDecoder",
                                                       "JSONDecodeError", "JSONEncoder", NULL});
}
