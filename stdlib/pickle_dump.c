/* The pickle writer: CPython's pickle format, protocols 0 to 5, making the
 * same choices of opcodes as CPython's C pickler so that the bytes are the
 * same (docs/architecture.md, "pickle").
 *
 * save() follows the order CPython's does: persistent_id, the atoms (None,
 * bool, int, float), the memo, str and bytes, reducer_override, the exact
 * builtin containers, classes and functions by reference, then a reducer
 * from the dispatch table or the object's own __reduce_ex__(proto).
 * Framing (protocol 4+) groups opcodes into frames of about 64 KiB; a
 * large bytes or str is written outside any frame, as CPython does.
 *
 * Writing recurses over the object graph, bounded by vm->c_depth as repr
 * is (RecursionError). What the recursion works on sits in `hold`, and
 * every memoized object in `memo` (so that an address in the memo table
 * can never be reused by a new object while writing). */
#include <stdlib.h>
#include <string.h>

#include "pickle_int.h"

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

typedef struct MemoSlot {
    Obj *key;               /* NULL: empty */
    int64_t index;
} MemoSlot;

typedef struct Pickler {
    VM *vm;
    StrBuf out;
    int64_t frame_start;    /* -1: no frame open */
    bool framing;
    int proto;
    bool bin, fix_imports;
    ObjList *keep;          /* rooted: names, hooks */
    ObjList *hold;          /* rooted: what the recursion works on */
    ObjList *memo_objs;     /* rooted: memoized objects by number */
    MemoSlot *memo;         /* by address; cap is a power of two */
    int64_t memo_cap;
    Value pers_func, reducer_override, dispatch_table, buffer_callback;     /* UNDEF: none */
    ObjStr *native_builtins;    /* in keep: the module name of builtin functions */
    PkNames names;
} Pickler;

static ObjStr *pname(Pickler *p, int id) { return pk_name(p->vm, &p->names, id); }
static bool hold(Pickler *p, Value v) { return list_append(p->vm, p->hold, v) == 0; }
static void unhold(Pickler *p, int64_t n) { p->hold->len -= n; }

/* ---- output and frames ---------------------------------------------------- */

static void write_raw(Pickler *p, const void *s, size_t n) {
    if (p->framing && p->frame_start < 0) {
        p->frame_start = (int64_t)p->out.len;
        sb_add(&p->out, "\xfe\xfe\xfe\xfe\xfe\xfe\xfe\xfe\xfe", PK_FRAME_HEADER);
    }
    sb_add(&p->out, s, n);
}

static void put_byte(Pickler *p, int b) {
    char c = (char)b;
    write_raw(p, &c, 1);
}

static void le_bytes(char *out, uint64_t v, int n) {
    for (int i = 0; i < n; i++) out[i] = (char)(v >> (8 * i));
}

/* Closes the open frame: its header gets the length, or goes when the
 * frame is too small to be worth one. */
static void commit_frame(Pickler *p) {
    if (!p->framing || p->frame_start < 0 || p->out.oom) return;
    size_t len = p->out.len - (size_t)p->frame_start - PK_FRAME_HEADER;
    char *q = p->out.data + p->frame_start;
    if (len >= PK_FRAME_MIN) {
        q[0] = (char)OP_FRAME;
        le_bytes(q + 1, len, 8);
    } else {
        memmove(q, q + PK_FRAME_HEADER, len);
        p->out.len -= PK_FRAME_HEADER;
    }
    p->frame_start = -1;
}

static void opcode_boundary(Pickler *p) {
    if (p->framing && p->frame_start >= 0 &&
        p->out.len - (size_t)p->frame_start - PK_FRAME_HEADER >= PK_FRAME_TARGET)
        commit_frame(p);
}

/* An opcode with its argument header, then a payload that goes outside
 * any frame when it is large. */
static void write_payload(Pickler *p, const char *hdr, size_t hn, const void *data, size_t n) {
    bool bypass = n >= PK_FRAME_TARGET && p->framing;
    if (bypass) {
        commit_frame(p);
        p->framing = false;
    }
    write_raw(p, hdr, hn);
    write_raw(p, data, n);
    if (bypass) p->framing = true;
}

/* ---- the memo -------------------------------------------------------------- */

static size_t memo_hash(const Obj *o) { return (size_t)(((uintptr_t)o >> 4) * 0x9E3779B97F4A7C15ull); }

static int64_t memo_find(Pickler *p, const Obj *o) {
    if (!p->memo_cap) return -1;
    size_t mask = (size_t)p->memo_cap - 1;
    for (size_t i = memo_hash(o) & mask; p->memo[i].key; i = (i + 1) & mask) {
        if (p->memo[i].key == o) return p->memo[i].index;
    }
    return -1;
}

static void memo_insert(MemoSlot *table, int64_t cap, Obj *o, int64_t index) {
    size_t mask = (size_t)cap - 1, i = memo_hash(o) & mask;
    while (table[i].key) i = (i + 1) & mask;
    table[i].key = o;
    table[i].index = index;
}

/* Enters o under the next number, without writing anything. */
static bool memo_add(Pickler *p, Value v) {
    VM *vm = p->vm;
    int64_t count = p->memo_objs->len;
    if ((count + 1) * 2 > p->memo_cap) {
        int64_t cap = p->memo_cap ? p->memo_cap * 2 : 64;
        while ((count + 1) * 2 > cap) cap *= 2;
        MemoSlot *t = calloc((size_t)cap, sizeof *t);
        if (!t) {
            exc_nomem(vm);
            return false;
        }
        for (int64_t i = 0; i < p->memo_cap; i++) {
            if (p->memo[i].key) memo_insert(t, cap, p->memo[i].key, p->memo[i].index);
        }
        free(p->memo);
        p->memo = t;
        p->memo_cap = cap;
    }
    if (list_append(vm, p->memo_objs, v) < 0) return false;
    memo_insert(p->memo, p->memo_cap, as_obj(v), count);
    return true;
}

/* MEMOIZE, BINPUT, LONG_BINPUT or PUT for the object just built. */
static bool memo_put(Pickler *p, Value v) {
    int64_t idx = p->memo_objs->len;
    if (!memo_add(p, v)) return false;
    char buf[32];
    if (p->proto >= 4) {
        put_byte(p, OP_MEMOIZE);
    } else if (!p->bin) {
        int n = snprintf(buf, sizeof buf, "%c%lld\n", OP_PUT, (long long)idx);
        write_raw(p, buf, (size_t)n);
    } else if (idx < 256) {
        buf[0] = (char)OP_BINPUT;
        buf[1] = (char)idx;
        write_raw(p, buf, 2);
    } else {
        buf[0] = (char)OP_LONG_BINPUT;
        le_bytes(buf + 1, (uint64_t)idx, 4);
        write_raw(p, buf, 5);
    }
    return true;
}

static void memo_get(Pickler *p, int64_t idx) {
    char buf[32];
    if (!p->bin) {
        int n = snprintf(buf, sizeof buf, "%c%lld\n", OP_GET, (long long)idx);
        write_raw(p, buf, (size_t)n);
    } else if (idx < 256) {
        buf[0] = (char)OP_BINGET;
        buf[1] = (char)idx;
        write_raw(p, buf, 2);
    } else {
        buf[0] = (char)OP_LONG_BINGET;
        le_bytes(buf + 1, (uint64_t)idx, 4);
        write_raw(p, buf, 5);
    }
}

/* ---- atoms ------------------------------------------------------------------ */

static bool save(Pickler *p, Value v, bool pers_save);

static void save_small_int(Pickler *p, int64_t x) {
    char buf[32];
    if (!p->bin) {
        int n = snprintf(buf, sizeof buf, "%c%lld\n", OP_INT, (long long)x);
        write_raw(p, buf, (size_t)n);
    } else if (x >= 0 && x < 256) {
        buf[0] = (char)OP_BININT1;
        buf[1] = (char)x;
        write_raw(p, buf, 2);
    } else if (x >= 0 && x < 65536) {
        buf[0] = (char)OP_BININT2;
        le_bytes(buf + 1, (uint64_t)x, 2);
        write_raw(p, buf, 3);
    } else {
        buf[0] = (char)OP_BININT;
        le_bytes(buf + 1, (uint64_t)x, 4);
        write_raw(p, buf, 5);
    }
}

/* x as the shortest little-endian two's complement (LONG1/LONG4). */
static bool save_long_binary(Pickler *p, Value v) {
    VM *vm = p->vm;
    mp_int m;
    if (mp_init(&m) != MP_OKAY) {
        exc_nomem(vm);
        return false;
    }
    if (!int_to_mp(v, &m)) {
        mp_clear(&m);
        exc_nomem(vm);
        return false;
    }
    bool neg = mp_isneg(&m);
    size_t nbits = (size_t)mp_count_bits(&m);
    size_t nbytes = nbits ? (nbits >> 3) + 1 : 0;
    size_t mag = mp_ubin_size(&m), written = 0;
    uint8_t *be = malloc(mag ? mag : 1), *le = malloc(nbytes ? nbytes : 1);
    if (!be || !le || mp_to_ubin(&m, be, mag, &written) != MP_OKAY) {
        free(be);
        free(le);
        mp_clear(&m);
        exc_nomem(vm);
        return false;
    }
    mp_clear(&m);
    memset(le, 0, nbytes);
    for (size_t i = 0; i < written && i < nbytes; i++) le[i] = be[written - 1 - i];
    free(be);
    if (neg) {
        /* two's complement: invert and add one */
        unsigned carry = 1;
        for (size_t i = 0; i < nbytes; i++) {
            unsigned b = (unsigned)(uint8_t)~le[i] + carry;
            le[i] = (uint8_t)b;
            carry = b >> 8;
        }
        if (nbytes > 1 && le[nbytes - 1] == 0xff && (le[nbytes - 2] & 0x80)) nbytes--;
    }
    char hdr[5];
    size_t hn;
    if (nbytes < 256) {
        hdr[0] = (char)OP_LONG1;
        hdr[1] = (char)nbytes;
        hn = 2;
    } else if (nbytes <= 0x7fffffff) {
        hdr[0] = (char)OP_LONG4;
        le_bytes(hdr + 1, nbytes, 4);
        hn = 5;
    } else {
        free(le);
        exc_raise(vm, E_OverflowError, "int too large to pickle");
        return false;
    }
    write_payload(p, hdr, hn, le, nbytes);
    free(le);
    return true;
}

static bool save_long(Pickler *p, Value v) {
    int64_t x;
    if (int_to_i64(v, &x) && x >= INT32_MIN && x <= INT32_MAX) {
        save_small_int(p, x);
        return true;
    }
    if (p->proto >= 2) return save_long_binary(p, v);
    /* Protocols 0 and 1 write the decimal repr, under the digit limit
     * (sys.set_int_max_str_digits), as CPython's. */
    if (!int_str_digits_ok(p->vm, v)) return false;
    StrBuf b = SB_INIT;
    sb_addc(&b, OP_LONG);
    int_to_buf(v, 10, &b);
    sb_add(&b, "L\n", 2);
    bool ok = !b.oom;
    if (ok) write_raw(p, b.data, b.len);
    else exc_nomem(p->vm);
    sb_free(&b);
    return ok;
}

static void save_float(Pickler *p, double d) {
    if (p->bin) {
        uint64_t bits;
        d = float_canon(d);
        memcpy(&bits, &d, sizeof bits);
        char b[9];
        b[0] = (char)OP_BINFLOAT;
        for (int i = 0; i < 8; i++) b[1 + i] = (char)(bits >> (8 * (7 - i)));
        write_raw(p, b, 9);
        return;
    }
    char buf[64];
    buf[0] = (char)OP_FLOAT;
    flt_repr(d, buf + 1);
    size_t n = strlen(buf);
    buf[n++] = '\n';
    write_raw(p, buf, n);
}

/* protocol 0's UNICODE: raw-unicode-escape, with the characters that would
 * end the line or confuse the reader escaped too. */
static void save_unicode_text(Pickler *p, const ObjStr *s) {
    StrBuf b = SB_INIT;
    sb_addc(&b, OP_UNICODE);
    size_t pos = 0, len = (size_t)s->len;
    char esc[16];
    while (pos < len) {
        uint32_t c = utf8_decode(s->data, len, &pos);
        if (c >= 0x10000) {
            snprintf(esc, sizeof esc, "\\U%08x", c);
            sb_add(&b, esc, 10);
        } else if (c >= 256 || c == '\\' || c == 0 || c == '\n' || c == '\r' || c == 0x1a) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            sb_add(&b, esc, 6);
        } else {
            sb_addc(&b, (char)c);
        }
    }
    sb_addc(&b, '\n');
    if (b.oom) exc_nomem(p->vm);
    else write_raw(p, b.data, b.len);
    sb_free(&b);
}

static bool save_str(Pickler *p, Value v) {
    ObjStr *s = AS(ObjStr, v);
    if (!p->bin) {
        save_unicode_text(p, s);
    } else {
        size_t n = (size_t)s->len;
        char hdr[9];
        size_t hn;
        if (n <= 0xff && p->proto >= 4) {
            hdr[0] = (char)OP_SHORT_BINUNICODE;
            hdr[1] = (char)n;
            hn = 2;
        } else if (n > 0xffffffffu && p->proto >= 4) {
            hdr[0] = (char)OP_BINUNICODE8;
            le_bytes(hdr + 1, n, 8);
            hn = 9;
        } else if (n > 0xffffffffu) {
            pk_raise(p->vm, PK_PICKLING, "serializing a string larger than 4 GiB requires pickle protocol 4 or higher");
            return false;
        } else {
            hdr[0] = (char)OP_BINUNICODE;
            le_bytes(hdr + 1, n, 4);
            hn = 5;
        }
        write_payload(p, hdr, hn, s->data, n);
    }
    return memo_put(p, v);
}

static bool save_bytes_data(Pickler *p, Value v, const uint8_t *data, size_t n) {
    char hdr[9];
    size_t hn;
    if (n <= 0xff) {
        hdr[0] = (char)OP_SHORT_BINBYTES;
        hdr[1] = (char)n;
        hn = 2;
    } else if (n <= 0xffffffffu) {
        hdr[0] = (char)OP_BINBYTES;
        le_bytes(hdr + 1, n, 4);
        hn = 5;
    } else if (p->proto >= 4) {
        hdr[0] = (char)OP_BINBYTES8;
        le_bytes(hdr + 1, n, 8);
        hn = 9;
    } else {
        pk_raise(p->vm, PK_PICKLING, "serializing a bytes object larger than 4 GiB requires pickle protocol 4 or higher");
        return false;
    }
    write_payload(p, hdr, hn, data, n);
    return memo_put(p, v);
}

/* ---- by reference --------------------------------------------------------------- */

static bool save_reduce(Pickler *p, Value rv, Value obj);

/* Writes the tuple (func, args) through save_reduce, for obj. */
static bool reduce_with(Pickler *p, Value func, Value *args, int64_t nargs, Value obj) {
    VM *vm = p->vm;
    ObjTuple *a = tuple_from(vm, args, nargs);
    if (!a || !hold(p, obj_val(a))) return false;
    ObjTuple *rv = tuple_from(vm, (Value[]){func, obj_val(a)}, 2);
    bool ok = rv && hold(p, obj_val(rv)) && save_reduce(p, obj_val(rv), obj);
    if (rv) unhold(p, 1);
    unhold(p, 1);
    return ok;
}

/* The name of a module in sys.modules whose attribute `name` (a dotted
 * path) is v itself, as CPython's whichmodule() searches; NULL if none. */
static ObjStr *which_module(VM *vm, Value v, ObjStr *name) {
    if (pk_walk_qualname(vm, UNDEF, name) == v) return str_intern_cstr(vm, "builtins");
    if (vm->exc != UNDEF) vm->exc = UNDEF;
    for (int pass = 0; pass < 2; pass++) {
        int64_t pos = 0;
        Value k, m;
        while (dict_next(vm->modules, &pos, &k, &m)) {
            if (!is_str(k) || !is_kind(m, OBJ_MODULE)) continue;
            bool is_main = strcmp(AS(ObjStr, k)->data, "__main__") == 0;
            if (is_main != (pass == 1)) continue;
            if (strchr(name->data, '.') == NULL) {
                if (dict_get_str(AS(ObjModule, m)->dict, name) == v) return AS(ObjStr, k);
                continue;
            }
            Value found = pk_walk_qualname(vm, m, name);
            if (found == ERR) vm->exc = UNDEF;
            if (found == v) return AS(ObjStr, k);
        }
    }
    return NULL;
}

/* The module v says it belongs to (its __module__), else found by search,
 * else __main__. */
static ObjStr *module_of(Pickler *p, Value v, ObjStr *name) {
    VM *vm = p->vm;
    Value m;
    if (is_kind(v, OBJ_FUNCTION)) m = AS(ObjFunction, v)->module;
    else if (is_kind(v, OBJ_CLASS)) m = AS(ObjClass, v)->module;
    else {
        ObjStr *mn = pname(p, PN_MODULE);
        m = mn ? op_getattr_opt(vm, v, mn) : ERR;
        if (m == ERR) {
            vm->exc = UNDEF;
            m = UNDEF;
        }
    }
    if (is_str(m) && is_kind(v, OBJ_NATIVE) && strcmp(AS(ObjStr, m)->data, "builtins") == 0) {
        /* CPython's builtin functions name their module with another
         * 'builtins' str than its types do: one memo entry for each */
        if (!p->native_builtins) {
            Value nb = str_new(vm, "builtins", 8);
            if (nb == ERR || list_append(vm, p->keep, nb) < 0) return NULL;
            p->native_builtins = AS(ObjStr, nb);
        }
        return p->native_builtins;
    }
    /* interned, as CPython's module names are: a second global from the
     * same module finds the first one's name in the memo */
    if (is_str(m)) {
        if (!hold(p, m)) return NULL;
        ObjStr *r = str_intern(vm, AS(ObjStr, m)->data, (size_t)AS(ObjStr, m)->len);
        unhold(p, 1);
        return r;
    }
    if (is_kind(v, OBJ_CLASS)) return str_intern_cstr(vm, "builtins");
    ObjStr *found = which_module(vm, v, name);
    return found ? found : vm_name(vm, N___main__);
}

/* (module, name) mapped to Python 2's names for protocols < 3, through
 * _compat_pickle's reverse tables; false after an error. */
static bool compat_names(Pickler *p, ObjStr **module, ObjStr **name) {
    VM *vm = p->vm;
    Value names = pk_module_attr(vm, "_compat_pickle", "REVERSE_NAME_MAPPING");
    if (names == ERR) return false;
    if (is_dict(names)) {
        ObjTuple *key = tuple_from(vm, (Value[]){obj_val(*module), obj_val(*name)}, 2);
        if (!key) return false;
        Value r = dict_get(vm, AS(ObjDict, names), obj_val(key));
        if (r == ERR) return false;
        if (r != UNDEF) {
            if (!is_tuple(r) || AS(ObjTuple, r)->len != 2 || !is_str(AS(ObjTuple, r)->items[0]) ||
                !is_str(AS(ObjTuple, r)->items[1])) {
                exc_raise(vm, E_RuntimeError, "_compat_pickle.REVERSE_NAME_MAPPING values should be 2-tuples, not %T", r);
                return false;
            }
            *module = AS(ObjStr, AS(ObjTuple, r)->items[0]);
            *name = AS(ObjStr, AS(ObjTuple, r)->items[1]);
            return hold(p, r);
        }
    }
    Value mods = pk_module_attr(vm, "_compat_pickle", "REVERSE_IMPORT_MAPPING");
    if (mods == ERR) return false;
    if (is_dict(mods)) {
        Value r = dict_get(vm, AS(ObjDict, mods), obj_val(*module));
        if (r == ERR) return false;
        if (r != UNDEF) {
            if (!is_str(r)) {
                exc_raise(vm, E_RuntimeError, "_compat_pickle.REVERSE_IMPORT_MAPPING values should be strings, not %T", r);
                return false;
            }
            *module = AS(ObjStr, r);
            return hold(p, r);
        }
    }
    return true;
}

static bool ascii_only(const ObjStr *s) {
    for (int64_t i = 0; i < s->len; i++) {
        if ((uint8_t)s->data[i] >= 0x80) return false;
    }
    return true;
}

/* The extension code copyreg registered for (module, name), or 0. */
static int64_t extension_code(Pickler *p, ObjStr *module, ObjStr *name) {
    VM *vm = p->vm;
    Value reg = pk_module_attr(vm, "copyreg", "_extension_registry");
    if (reg == ERR) return -1;
    if (!is_dict(reg) || AS(ObjDict, reg)->count == 0) return 0;
    ObjTuple *key = tuple_from(vm, (Value[]){obj_val(module), obj_val(name)}, 2);
    if (!key) return -1;
    Value code = dict_get(vm, AS(ObjDict, reg), obj_val(key));
    if (code == ERR) return -1;
    if (code == UNDEF) return 0;
    int64_t c;
    if (!is_intlike(code) || !int_to_i64(code, &c) || c <= 0 || c > 0x7fffffff) {
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: extension code %R is out of range", obj_val(key), code);
        return -1;
    }
    return c;
}

/* Whether CPython's class for v is a C type (whose __qualname__ is a new
 * str each time): Asy's native classes, and the modules CPython
 * implements in C that Asy writes in Asy. */
static bool fresh_qualname(VM *vm, Value v, ObjStr *module) {
    static const char *const c_modules[] = {"datetime", "array", "decimal", "functools", "itertools", "operator"};
    if (is_kind(v, OBJ_CLASS) && (as_obj(v)->flags & CLASS_BUILTIN)) return true;
    for (size_t i = 0; i < sizeof c_modules / sizeof c_modules[0]; i++) {
        if (strcmp(module->data, c_modules[i]) == 0) return true;
    }
    (void)vm;
    return false;
}

/* CPython's save_global: v by module and qualified name, after checking
 * that the reader will find v itself there. */
static bool save_global(Pickler *p, Value v, ObjStr *name) {
    VM *vm = p->vm;
    if (!name) {
        ObjStr *qn = pname(p, PN_QUALNAME);
        Value n = UNDEF;
        if (is_kind(v, OBJ_FUNCTION)) n = obj_val(AS(ObjFunction, v)->qualname);
        else if (is_kind(v, OBJ_CLASS)) n = obj_val(AS(ObjClass, v)->qualname);
        else if (qn) n = op_getattr_opt(vm, v, qn);
        if (n == UNDEF) {
            ObjStr *nn = pname(p, PN_NAME);
            n = nn ? op_getattr(vm, v, nn) : ERR;
        }
        if (n == ERR) return false;
        if (!is_str(n)) {
            exc_raise(vm, E_TypeError, "attribute name must be string, not '%T'", n);
            return false;
        }
        name = AS(ObjStr, n);
    }
    if (!hold(p, obj_val(name))) return false;
    if (pk_is_local_name(name)) {
        exc_raise(vm, E_AttributeError, "Can't pickle local object %R", obj_val(name));
        return false;
    }
    ObjStr *module = module_of(p, v, name);
    if (!module || !hold(p, obj_val(module))) return false;
    Value m = pk_find_module(vm, module);
    if (m == ERR) {
        vm->exc = UNDEF;
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: import of module %R failed", v, obj_val(module));
        return false;
    }
    if (m != UNDEF && !hold(p, m)) return false;
    /* the parent of the last part, for protocol < 4's getattr() */
    Value parent = m, found = m;
    const char *last = strrchr(name->data, '.');
    if (last) {
        ObjStr *pre = str_intern(vm, name->data, (size_t)(last - name->data));
        if (!pre || !hold(p, obj_val(pre))) return false;
        parent = pk_walk_qualname(vm, m, pre);
        if (parent == ERR) vm->exc = UNDEF;
    }
    if (!hold(p, parent)) return false;
    found = pk_walk_qualname(vm, m, name);
    if (last && parent == m && found == v) {
        /* the dotted path led back to the module: its last part names v */
        name = str_intern_cstr(vm, last + 1);
        if (!name || !hold(p, obj_val(name))) return false;
        last = NULL;
    }
    if (found == ERR) vm->exc = UNDEF;
    if (found == UNDEF || found == ERR) {
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: attribute lookup %S on %S failed", v, name, module);
        return false;
    }
    if (found != v) {
        pk_raise(vm, PK_PICKLING, "Can't pickle %R: it's not the same object as %S.%S", v, module, name);
        return false;
    }
    if (p->proto >= 2) {
        int64_t code = extension_code(p, module, name);
        if (code < 0) return false;
        if (code > 0) {
            char b[5];
            if (code <= 0xff) {
                b[0] = (char)OP_EXT1;
                b[1] = (char)code;
                write_raw(p, b, 2);
            } else if (code <= 0xffff) {
                b[0] = (char)OP_EXT2;
                le_bytes(b + 1, (uint64_t)code, 2);
                write_raw(p, b, 3);
            } else {
                b[0] = (char)OP_EXT4;
                le_bytes(b + 1, (uint64_t)code, 4);
                write_raw(p, b, 5);
            }
            return true;
        }
    }
    if (p->proto >= 4) {
        Value nv = obj_val(name);
        if (name == module && fresh_qualname(vm, v, module)) {
            /* CPython makes a C type's __qualname__ anew each time: a
             * name spelled as its module is not the memoized module name */
            nv = str_new(vm, name->data, (size_t)name->len);
            if (nv == ERR || !hold(p, nv)) return false;
        }
        if (!save(p, obj_val(module), false) || !save(p, nv, false)) return false;
        put_byte(p, OP_STACK_GLOBAL);
        return memo_put(p, v);
    }
    if (last && parent != m) {
        /* a nested name: getattr(parent, last) */
        ObjStr *ln = str_intern_cstr(vm, last + 1);
        if (!ln || !hold(p, obj_val(ln))) return false;
        ObjStr *ga = pname(p, PN_GETATTR);
        if (!ga) return false;
        Value getattr = dict_get_str(vm->builtins, ga);
        return reduce_with(p, getattr, (Value[]){parent, obj_val(ln)}, 2, v);
    }
    if (p->fix_imports && !compat_names(p, &module, &name)) return false;
    if (p->proto < 3 && (!ascii_only(module) || !ascii_only(name))) {
        pk_raise(vm, PK_PICKLING, "can't pickle global identifier '%S.%S' using pickle protocol %d", module, name,
                 p->proto);
        return false;
    }
    put_byte(p, OP_GLOBAL);
    write_raw(p, module->data, (size_t)module->len);
    put_byte(p, '\n');
    write_raw(p, name->data, (size_t)name->len);
    put_byte(p, '\n');
    return memo_put(p, v);
}

static bool save_type(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *c = AS(ObjClass, v);
    Value single = c == vm->types[T_NONE] ? NONE_VAL : c == vm->types[T_NOTIMPL] ? NOTIMPL_VAL
                   : c == vm->types[T_ELLIPSIS] ? ELLIPSIS_VAL : UNDEF;
    if (single != UNDEF) return reduce_with(p, obj_val(vm->types[T_TYPE]), &single, 1, v);
    return save_global(p, v, NULL);
}

/* ---- containers --------------------------------------------------------------- */

static Value seq_item(Value seq, int64_t i, bool *end) {
    int64_t len = is_list(seq) ? AS(ObjList, seq)->len : AS(ObjTuple, seq)->len;
    *end = i >= len;
    return *end ? UNDEF : is_list(seq) ? AS(ObjList, seq)->items[i] : AS(ObjTuple, seq)->items[i];
}

static bool save_tuple(Pickler *p, Value v) {
    ObjTuple *t = AS(ObjTuple, v);
    int64_t n = t->len;
    if (n == 0) {
        if (p->proto) put_byte(p, OP_EMPTY_TUPLE);
        else write_raw(p, "(t", 2);
        return true;
    }
    bool small = n <= 3 && p->proto >= 2;
    if (!small) put_byte(p, OP_MARK);
    for (int64_t i = 0; i < n; i++) {
        if (!save(p, t->items[i], false)) return false;
    }
    int64_t idx = memo_find(p, as_obj(v));
    if (idx >= 0) {
        /* an item led back to this tuple: the reader has built it already */
        if (small) {
            for (int64_t i = 0; i < n; i++) put_byte(p, OP_POP);
        } else if (p->bin) {
            put_byte(p, OP_POP_MARK);
        } else {
            for (int64_t i = 0; i <= n; i++) put_byte(p, OP_POP);
        }
        memo_get(p, idx);
        return true;
    }
    put_byte(p, small ? OP_TUPLE1 + (int)n - 1 : OP_TUPLE);
    return memo_put(p, v);
}

/* The items of an exact list in batches: a single item with APPEND. */
static bool batch_list_exact(Pickler *p, Value v) {
    ObjList *l = AS(ObjList, v);
    if (l->len == 1) {
        if (!save(p, l->items[0], false)) return false;
        put_byte(p, OP_APPEND);
        return true;
    }
    int64_t i = 0;
    bool end = false;
    do {
        put_byte(p, OP_MARK);
        for (int64_t n = 0; n < PK_BATCH; n++, i++) {
            Value item = seq_item(v, i, &end);
            if (end) break;
            if (!save(p, item, false)) return false;
        }
        put_byte(p, OP_APPENDS);
        if (!end) seq_item(v, i, &end);
    } while (!end);
    return true;
}

/* Items from an iterator: APPEND each (protocol 0), else batches with a
 * lone last item as APPEND. */
static bool batch_list(Pickler *p, Value it) {
    VM *vm = p->vm;
    if (!p->bin) {
        for (;;) {
            Value x = op_next(vm, it);
            if (x == ERR) return false;
            if (x == UNDEF) return true;
            if (!hold(p, x)) return false;
            bool ok = save(p, x, false);
            unhold(p, 1);
            if (!ok) return false;
            put_byte(p, OP_APPEND);
        }
    }
    for (;;) {
        Value first = op_next(vm, it);
        if (first == ERR) return false;
        if (first == UNDEF) return true;
        if (!hold(p, first)) return false;
        Value second = op_next(vm, it);
        if (second == ERR) return false;
        if (second == UNDEF) {
            bool ok = save(p, first, false);
            unhold(p, 1);
            if (ok) put_byte(p, OP_APPEND);
            return ok;
        }
        if (!hold(p, second)) return false;
        put_byte(p, OP_MARK);
        bool ok = save(p, first, false) && save(p, second, false);
        unhold(p, 2);
        if (!ok) return false;
        int64_t n = 2;
        Value x = UNDEF;
        while (n < PK_BATCH) {
            x = op_next(vm, it);
            if (x == ERR) return false;
            if (x == UNDEF) break;
            if (!hold(p, x)) return false;
            ok = save(p, x, false);
            unhold(p, 1);
            if (!ok) return false;
            n++;
        }
        put_byte(p, OP_APPENDS);
        if (n < PK_BATCH) return true;
    }
}

static bool save_list(Pickler *p, Value v) {
    if (p->bin) put_byte(p, OP_EMPTY_LIST);
    else write_raw(p, "(l", 2);
    if (!memo_put(p, v)) return false;
    if (AS(ObjList, v)->len == 0) return true;
    if (p->proto > 0) return batch_list_exact(p, v);
    Value it = op_iter(p->vm, v);
    if (it == ERR || !hold(p, it)) return false;
    bool ok = batch_list(p, it);
    unhold(p, 1);
    return ok;
}

static bool dict_changed(VM *vm) {
    exc_raise(vm, E_RuntimeError, "dictionary changed size during iteration");
    return false;
}

static bool save_pair(Pickler *p, Value k, Value val) {
    if (!hold(p, k) || !hold(p, val)) return false;
    bool ok = save(p, k, false) && save(p, val, false);
    unhold(p, 2);
    return ok;
}

static bool batch_dict_exact(Pickler *p, ObjDict *d) {
    int64_t pos = 0, count = d->count;
    Value k, val;
    if (count == 1) {
        dict_next(d, &pos, &k, &val);
        if (!save_pair(p, k, val)) return false;
        if (d->count != count) return dict_changed(p->vm);
        put_byte(p, OP_SETITEM);
        return true;
    }
    bool more = true;
    while (more) {
        put_byte(p, OP_MARK);
        int64_t n = 0;
        while (n < PK_BATCH && (more = dict_next(d, &pos, &k, &val))) {
            if (!save_pair(p, k, val)) return false;
            if (d->count != count) return dict_changed(p->vm);
            n++;
        }
        put_byte(p, OP_SETITEMS);
        if (more) {
            int64_t peek = pos;
            more = dict_next(d, &peek, &k, &val);
        }
    }
    return true;
}

/* (key, value) pairs from an iterator. */
static Value next_pair(Pickler *p, Value it) {
    Value kv = op_next(p->vm, it);
    if (kv == ERR || kv == UNDEF) return kv;
    if (!is_tuple(kv) || AS(ObjTuple, kv)->len != 2)
        return exc_raise(p->vm, E_TypeError, "dict items iterator must return 2-tuples");
    return hold(p, kv) ? kv : ERR;
}

static bool save_kv(Pickler *p, Value kv) {
    bool ok = save(p, AS(ObjTuple, kv)->items[0], false) && save(p, AS(ObjTuple, kv)->items[1], false);
    return ok;
}

static bool batch_dict(Pickler *p, Value it) {
    if (!p->bin) {
        for (;;) {
            Value kv = next_pair(p, it);
            if (kv == ERR) return false;
            if (kv == UNDEF) return true;
            bool ok = save_kv(p, kv);
            unhold(p, 1);
            if (!ok) return false;
            put_byte(p, OP_SETITEM);
        }
    }
    for (;;) {
        Value first = next_pair(p, it);
        if (first == ERR) return false;
        if (first == UNDEF) return true;
        Value second = next_pair(p, it);
        if (second == ERR) return false;
        if (second == UNDEF) {
            bool ok = save_kv(p, first);
            unhold(p, 1);
            if (ok) put_byte(p, OP_SETITEM);
            return ok;
        }
        put_byte(p, OP_MARK);
        bool ok = save_kv(p, first) && save_kv(p, second);
        unhold(p, 2);
        if (!ok) return false;
        int64_t n = 2;
        while (n < PK_BATCH) {
            Value kv = next_pair(p, it);
            if (kv == ERR) return false;
            if (kv == UNDEF) break;
            ok = save_kv(p, kv);
            unhold(p, 1);
            if (!ok) return false;
            n++;
        }
        put_byte(p, OP_SETITEMS);
        if (n < PK_BATCH) return true;
    }
}

static bool save_dict(Pickler *p, Value v) {
    VM *vm = p->vm;
    if (p->bin) put_byte(p, OP_EMPTY_DICT);
    else write_raw(p, "(d", 2);
    if (!memo_put(p, v)) return false;
    ObjDict *d = AS(ObjDict, v);
    if (d->count == 0) return true;
    if (p->proto > 0) return batch_dict_exact(p, d);
    Value it = dict_iter(vm, d, T_DICT_ITEMS);
    if (it == ERR || !hold(p, it)) return false;
    bool ok = batch_dict(p, it);
    unhold(p, 1);
    return ok;
}

/* set and frozenset before protocol 4: type(obj)(list(obj)). */
static bool save_set_reduce(Pickler *p, Value v) {
    ObjList *items = op_to_list(p->vm, v);
    if (!items || !hold(p, obj_val(items))) return false;
    Value a = obj_val(items);
    bool ok = reduce_with(p, obj_val(as_obj(v)->cls), &a, 1, v);
    unhold(p, 1);
    return ok;
}

/* A snapshot of a set's items (saving one may change the set). */
static ObjList *set_items(Pickler *p, Value v) {
    ObjList *items = op_to_list(p->vm, v);
    return items && hold(p, obj_val(items)) ? items : NULL;
}

static bool save_set(Pickler *p, Value v) {
    if (p->proto < 4) return save_set_reduce(p, v);
    put_byte(p, OP_EMPTY_SET);
    if (!memo_put(p, v)) return false;
    ObjSet *s = AS(ObjSet, v);
    int64_t size = s->used;
    if (size == 0) return true;
    ObjList *items = set_items(p, v);
    if (!items) return false;
    int64_t i = 0;
    do {
        put_byte(p, OP_MARK);
        for (int64_t n = 0; n < PK_BATCH && i < items->len; n++, i++) {
            if (!save(p, items->items[i], false)) return false;
            if (s->used != size) {
                exc_raise(p->vm, E_RuntimeError, "set changed size during iteration");
                return false;
            }
        }
        put_byte(p, OP_ADDITEMS);
    } while (i < items->len);
    unhold(p, 1);
    return true;
}

static bool save_frozenset(Pickler *p, Value v) {
    if (p->proto < 4) return save_set_reduce(p, v);
    put_byte(p, OP_MARK);
    ObjList *items = set_items(p, v);
    if (!items) return false;
    for (int64_t i = 0; i < items->len; i++) {
        if (!save(p, items->items[i], false)) return false;
    }
    unhold(p, 1);
    int64_t idx = memo_find(p, as_obj(v));
    if (idx >= 0) {
        put_byte(p, OP_POP_MARK);
        memo_get(p, idx);
        return true;
    }
    put_byte(p, OP_FROZENSET);
    return memo_put(p, v);
}

static bool save_bytes(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjBytes *b = AS(ObjBytes, v);
    if (p->proto >= 3) return save_bytes_data(p, v, b->data, (size_t)b->len);
    if (b->len == 0) return reduce_with(p, obj_val(vm->types[T_BYTES]), NULL, 0, v);
    /* _codecs.encode(latin-1 text, 'latin1') */
    Value enc = pk_module_attr(vm, "_codecs", "encode");
    if (enc == ERR || !hold(p, enc)) return false;
    if (enc == UNDEF) {
        exc_raise(vm, E_AttributeError, "module '_codecs' has no attribute 'encode'");
        return false;
    }
    Value text = bytes_decode(vm, b->data, (size_t)b->len, "latin-1", "strict");
    if (text == ERR || !hold(p, text)) return false;
    ObjStr *latin1 = pname(p, PN_LATIN1);
    if (!latin1) return false;
    bool ok = reduce_with(p, enc, (Value[]){text, obj_val(latin1)}, 2, v);
    unhold(p, 2);
    return ok;
}

static bool save_bytearray(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjByteArray *ba = AS(ObjByteArray, v);
    if (p->proto >= 5) {
        char hdr[9];
        hdr[0] = (char)OP_BYTEARRAY8;
        le_bytes(hdr + 1, (uint64_t)ba->len, 8);
        write_payload(p, hdr, 9, ba->data, (size_t)ba->len);
        return memo_put(p, v);
    }
    Value cls = obj_val(vm->types[T_BYTEARRAY]);
    if (ba->len == 0) return reduce_with(p, cls, NULL, 0, v);
    Value b = bytes_new(vm, ba->data, (size_t)ba->len);
    if (b == ERR || !hold(p, b)) return false;
    bool ok = reduce_with(p, cls, &b, 1, v);
    unhold(p, 1);
    return ok;
}

/* ---- the reduce protocol --------------------------------------------------------- */

static bool is_iterator(VM *vm, Value v) {
    return is_kind(v, OBJ_ITER) || is_kind(v, OBJ_GEN) || op_special(vm, v, N___next__) != UNDEF;
}

static const char *callable_name(Pickler *p, Value f) {
    if (is_kind(f, OBJ_FUNCTION)) return AS(ObjFunction, f)->name->data;
    if (is_kind(f, OBJ_NATIVE)) return AS(ObjNative, f)->name->data;
    return NULL;
    (void)p;
}

/* NEWOBJ_EX's arguments before protocol 4: functools.partial(cls.__new__,
 * cls, *args, **kwargs)(). */
static bool save_newobj_ex_partial(Pickler *p, Value cls, Value args, Value kwargs) {
    VM *vm = p->vm;
    Value partial = pk_module_attr(vm, "functools", "partial");
    ObjStr *newn = pname(p, PN_NEW);
    if (partial == ERR || !newn || !hold(p, partial)) return false;
    Value cls_new = op_getattr(vm, cls, newn);
    if (cls_new == ERR || !hold(p, cls_new)) return false;
    ObjTuple *a = AS(ObjTuple, args);
    ObjList *all = list_new(vm, a->len + 2);
    if (!all || !hold(p, obj_val(all)) || list_append(vm, all, cls_new) < 0 || list_append(vm, all, cls) < 0)
        return false;
    for (int64_t i = 0; i < a->len; i++) {
        if (list_append(vm, all, a->items[i]) < 0) return false;
    }
    ObjTuple *targs = tuple_from(vm, all->items, all->len);
    if (!targs || !hold(p, obj_val(targs))) return false;
    Value f = op_call_tuple(vm, partial, targs, AS(ObjDict, kwargs));
    if (f == ERR || !hold(p, f)) return false;
    if (!save(p, f, false) || !save(p, obj_val(vm->empty_tuple), false)) return false;
    put_byte(p, OP_REDUCE);
    unhold(p, 5);
    return true;
}

/* CPython's save_reduce: rv is what __reduce__ gave (held by the caller);
 * obj is UNDEF for a reduction that stands for no object. */
static bool save_reduce(Pickler *p, Value rv, Value obj) {
    VM *vm = p->vm;
    if (!is_tuple(rv)) {
        pk_raise(vm, PK_PICKLING, "__reduce__ must return a string or tuple");
        return false;
    }
    ObjTuple *t = AS(ObjTuple, rv);
    if (t->len < 2 || t->len > 6) {
        pk_raise(vm, PK_PICKLING, "tuple returned by __reduce__ must contain 2 through 6 elements");
        return false;
    }
    Value func = t->items[0], args = t->items[1];
    Value state = t->len > 2 ? t->items[2] : NONE_VAL, listitems = t->len > 3 ? t->items[3] : NONE_VAL;
    Value dictitems = t->len > 4 ? t->items[4] : NONE_VAL, setter = t->len > 5 ? t->items[5] : NONE_VAL;
    if (!op_callable(vm, func)) {
        pk_raise(vm, PK_PICKLING, "first item of the tuple returned by __reduce__ must be callable");
        return false;
    }
    if (!is_tuple(args)) {
        pk_raise(vm, PK_PICKLING, "second item of the tuple returned by __reduce__ must be a tuple");
        return false;
    }
    if (listitems != NONE_VAL && !is_iterator(vm, listitems)) {
        pk_raise(vm, PK_PICKLING, "fourth element of the tuple returned by __reduce__ must be an iterator, not %s",
                 type_of(vm, listitems)->name->data);
        return false;
    }
    if (dictitems != NONE_VAL && !is_iterator(vm, dictitems)) {
        pk_raise(vm, PK_PICKLING, "fifth element of the tuple returned by __reduce__ must be an iterator, not %s",
                 type_of(vm, dictitems)->name->data);
        return false;
    }
    if (setter != NONE_VAL && !op_callable(vm, setter)) {
        pk_raise(vm, PK_PICKLING, "sixth element of the tuple returned by __reduce__ must be a function, not %s",
                 type_of(vm, setter)->name->data);
        return false;
    }
    const char *fname = p->proto >= 2 ? callable_name(p, func) : NULL;
    ObjTuple *a = AS(ObjTuple, args);
    if (fname && strcmp(fname, "__newobj_ex__") == 0) {
        if (a->len != 3) {
            pk_raise(vm, PK_PICKLING, "length of the NEWOBJ_EX argument tuple must be exactly 3, not %lld",
                     (long long)a->len);
            return false;
        }
        Value cls = a->items[0], cargs = a->items[1], kwargs = a->items[2];
        if (!is_kind(cls, OBJ_CLASS)) {
            pk_raise(vm, PK_PICKLING, "first item from NEWOBJ_EX argument tuple must be a class, not %s",
                     type_of(vm, cls)->name->data);
            return false;
        }
        if (obj != UNDEF && obj_val(type_of(vm, obj)) != cls) {
            pk_raise(vm, PK_PICKLING, "first item from NEWOBJ_EX argument tuple must be %R, not %R",
                     obj_val(type_of(vm, obj)), cls);
            return false;
        }
        if (!is_tuple(cargs)) {
            pk_raise(vm, PK_PICKLING, "second item from NEWOBJ_EX argument tuple must be a tuple, not %s",
                     type_of(vm, cargs)->name->data);
            return false;
        }
        if (!is_dict(kwargs)) {
            pk_raise(vm, PK_PICKLING, "third item from NEWOBJ_EX argument tuple must be a dict, not %s",
                     type_of(vm, kwargs)->name->data);
            return false;
        }
        if (p->proto >= 4) {
            if (!save(p, cls, false) || !save(p, cargs, false) || !save(p, kwargs, false)) return false;
            put_byte(p, OP_NEWOBJ_EX);
        } else if (!save_newobj_ex_partial(p, cls, cargs, kwargs)) {
            return false;
        }
    } else if (fname && strcmp(fname, "__newobj__") == 0) {
        if (a->len == 0) {
            pk_raise(vm, PK_PICKLING, "__newobj__ arglist is empty");
            return false;
        }
        Value cls = a->items[0];
        if (!is_kind(cls, OBJ_CLASS)) {
            pk_raise(vm, PK_PICKLING, "args[0] from __newobj__ args is not a type");
            return false;
        }
        if (obj != UNDEF && obj_val(type_of(vm, obj)) != cls) {
            pk_raise(vm, PK_PICKLING, "args[0] from __newobj__ args has the wrong class");
            return false;
        }
        ObjTuple *rest = tuple_from(vm, a->items + 1, a->len - 1);
        if (!rest || !hold(p, obj_val(rest))) return false;
        bool ok = save(p, cls, false) && save(p, obj_val(rest), false);
        unhold(p, 1);
        if (!ok) return false;
        put_byte(p, OP_NEWOBJ);
    } else {
        if (!save(p, func, false) || !save(p, args, false)) return false;
        put_byte(p, OP_REDUCE);
    }
    if (obj != UNDEF) {
        int64_t idx = memo_find(p, as_obj(obj));
        if (idx >= 0) {
            put_byte(p, OP_POP);
            memo_get(p, idx);
        } else if (!memo_put(p, obj)) {
            return false;
        }
    }
    if (listitems != NONE_VAL && !batch_list(p, listitems)) return false;
    if (dictitems != NONE_VAL && !batch_dict(p, dictitems)) return false;
    if (state != NONE_VAL) {
        if (setter == NONE_VAL) {
            if (!save(p, state, false)) return false;
            put_byte(p, OP_BUILD);
        } else {
            if (!save(p, setter, false) || !save(p, obj, false) || !save(p, state, false)) return false;
            put_byte(p, OP_TUPLE2);
            put_byte(p, OP_REDUCE);
            put_byte(p, OP_POP);
        }
    }
    return true;
}

/* ---- builtins Asy gives no __reduce__ -------------------------------------------- */

/* A native function: by name when a module (or builtins) holds it, else
 * getattr(self, name) for a bound one, as CPython's __reduce__ gives. */
static bool save_native(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjNative *n = AS(ObjNative, v);
    if (n->self == UNDEF || is_kind(n->self, OBJ_MODULE)) return save_global(p, v, n->name);
    ObjStr *ga = pname(p, PN_GETATTR);
    if (!ga) return false;
    return reduce_with(p, dict_get_str(vm->builtins, ga), (Value[]){n->self, obj_val(n->name)}, 2, v);
}

/* A bound method: getattr(self, name), as CPython's method.__reduce__. */
static bool save_bound(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjBound *b = AS(ObjBound, v);
    Value name = UNDEF;
    if (is_kind(b->func, OBJ_FUNCTION)) name = obj_val(AS(ObjFunction, b->func)->name);
    else if (is_kind(b->func, OBJ_NATIVE)) name = obj_val(AS(ObjNative, b->func)->name);
    else {
        ObjStr *nn = pname(p, PN_NAME);
        name = nn ? op_getattr(vm, b->func, nn) : ERR;
        if (name == ERR || !hold(p, name)) return false;
        if (!is_str(name)) {
            exc_raise(vm, E_TypeError, "cannot pickle '%T' object", v);
            return false;
        }
    }
    ObjStr *ga = pname(p, PN_GETATTR);
    if (!ga) return false;
    return reduce_with(p, dict_get_str(vm->builtins, ga), (Value[]){b->self, name}, 2, v);
}

/* A method of a builtin type taken from the class (str.join). */
static int save_method_descr(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjNative *n = AS(ObjNative, v);
    if (n->self != UNDEF) return 0;
    if (dict_get_str(vm->builtins, n->name) == v) return 0;
    for (int i = 0; i < T_COUNT; i++) {
        if (vm->types[i] && dict_get_str(vm->types[i]->dict, n->name) == v) {
            ObjStr *ga = pname(p, PN_GETATTR);
            if (!ga) return -1;
            bool ok = reduce_with(p, dict_get_str(vm->builtins, ga),
                                  (Value[]){obj_val(vm->types[i]), obj_val(n->name)}, 2, v);
            return ok ? 1 : -1;
        }
    }
    return 0;
}

/* An object functools.update_wrapper made look like the function it wraps
 * (an lru_cache wrapper): by reference when its __module__ and
 * __qualname__ lead back to it, as CPython's lru_cache __reduce__ does. */
static int save_wrapper(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjDict *d = AS(ObjInstance, v)->dict;
    ObjStr *wrapped = pname(p, PN_WRAPPED);
    if (!wrapped) return -1;
    Value mod = dict_get_str(d, vm_name(vm, N___module__)), qn = dict_get_str(d, vm_name(vm, N___qualname__));
    if (dict_get_str(d, wrapped) == UNDEF || !is_str(mod) || !is_str(qn) || pk_is_local_name(AS(ObjStr, qn))) return 0;
    if (!hold(p, mod) || !hold(p, qn)) return -1;
    Value m = pk_find_module(vm, AS(ObjStr, mod));
    Value found = m == ERR ? ERR : pk_walk_qualname(vm, m, AS(ObjStr, qn));
    unhold(p, 2);
    if (found == ERR) vm->exc = UNDEF;
    if (found != v) return 0;
    return save_global(p, v, AS(ObjStr, qn)) ? 1 : -1;
}

/* ---- dispatch --------------------------------------------------------------------- */

/* persistent_id(obj): 1 when it gave an id (written), 0 for None, -1. */
static int save_pers(Pickler *p, Value v) {
    VM *vm = p->vm;
    Value pid = op_call1(vm, p->pers_func, v);
    if (pid == ERR) return -1;
    if (pid == NONE_VAL) return 0;
    if (!hold(p, pid)) return -1;
    if (p->bin) {
        if (!save(p, pid, true)) return -1;
        put_byte(p, OP_BINPERSID);
    } else {
        Value s = op_str(vm, pid);
        if (s == ERR) return -1;
        if (!ascii_only(AS(ObjStr, s))) {
            pk_raise(vm, PK_PICKLING, "persistent IDs in protocol 0 must be ASCII strings");
            return -1;
        }
        put_byte(p, OP_PERSID);
        write_raw(p, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
        put_byte(p, '\n');
    }
    unhold(p, 1);
    return 1;
}

/* reducer_override, the dispatch table, or __reduce_ex__: the reduction
 * (held), or UNDEF when none applies. */
static Value get_reduction(Pickler *p, Value v) {
    VM *vm = p->vm;
    Value table = p->dispatch_table;
    if (table == UNDEF) table = pk_module_attr(vm, "copyreg", "dispatch_table");
    if (table == ERR) return ERR;
    Value reducer = UNDEF;
    if (is_dict(table)) {
        reducer = dict_get(vm, AS(ObjDict, table), obj_val(type_of(vm, v)));
    } else if (table != UNDEF && table != NONE_VAL) {
        /* any mapping: table.get(type(obj)) */
        ObjStr *get = str_intern_cstr(vm, "get");
        Value f = get ? op_getattr(vm, table, get) : ERR;
        if (f == ERR || !hold(p, f)) return ERR;
        reducer = op_call1(vm, f, obj_val(type_of(vm, v)));
        unhold(p, 1);
        if (reducer == NONE_VAL) reducer = UNDEF;
    }
    if (reducer == ERR) return ERR;
    if (reducer != UNDEF) {
        if (!hold(p, reducer)) return ERR;
        Value rv = op_call1(vm, reducer, v);
        unhold(p, 1);
        return rv == ERR || !hold(p, rv) ? ERR : rv;
    }
    return UNDEF;
}

static Value call_reduce_ex(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjStr *rex = pname(p, PN_REDUCE_EX);
    if (!rex) return ERR;
    Value m = op_getattr_opt(vm, v, rex);
    if (m == ERR) return ERR;
    Value rv;
    if (m != UNDEF) {
        if (!hold(p, m)) return ERR;
        rv = op_call1(vm, m, int_val(p->proto));
        unhold(p, 1);
    } else {
        ObjStr *red = pname(p, PN_REDUCE);
        Value r = red ? op_getattr_opt(vm, v, red) : ERR;
        if (r == ERR) return ERR;
        if (r == UNDEF) {
            pk_raise(vm, PK_PICKLING, "Can't pickle %R object: %R", obj_val(type_of(vm, v)), v);
            return ERR;
        }
        if (!hold(p, r)) return ERR;
        rv = op_call0(vm, r);
        unhold(p, 1);
    }
    return rv == ERR || !hold(p, rv) ? ERR : rv;
}

static bool save_reduction(Pickler *p, Value v, Value rv) {
    bool ok = is_str(rv) ? save_global(p, v, AS(ObjStr, rv)) : save_reduce(p, rv, v);
    unhold(p, 1);
    return ok;
}

/* A pickle.PickleBuffer at protocol 5: in band as bytes or bytearray
 * data, or out of band (NEXT_BUFFER) when buffer_callback says so. */
static int save_picklebuffer(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *cls = as_obj(v)->cls;
    if (p->proto < 5 || strcmp(cls->name->data, "PickleBuffer") != 0 || !is_str(cls->module) ||
        strcmp(AS(ObjStr, cls->module)->data, "pickle") != 0)
        return 0;
    /* each name interned just before use: a later allocation may sweep it */
    ObjStr *rn = str_intern_cstr(vm, "raw");
    Value view = rn ? op_call_method(vm, v, rn, NULL, 0) : ERR;
    if (view == ERR || !hold(p, view)) return -1;
    ObjStr *ro = str_intern_cstr(vm, "readonly");
    Value readonly = ro ? op_getattr(vm, view, ro) : ERR;
    if (readonly == ERR) return -1;
    bool in_band = true;
    if (p->buffer_callback != UNDEF) {
        Value r = op_call1(vm, p->buffer_callback, v);
        int t = r == ERR ? -1 : op_truthy(vm, r);
        if (t < 0) return -1;
        in_band = t;
    }
    if (!in_band) {
        put_byte(p, OP_NEXT_BUFFER);
        if (readonly == TRUE_VAL) put_byte(p, OP_READONLY_BUFFER);
        return 1;
    }
    ObjStr *tb = str_intern_cstr(vm, "tobytes");
    Value data = tb ? op_call_method(vm, view, tb, NULL, 0) : ERR;
    if (data == ERR || !hold(p, data)) return -1;
    ObjBytes *b = AS(ObjBytes, data);
    if (readonly == TRUE_VAL) return save_bytes_data(p, v, b->data, (size_t)b->len) ? 1 : -1;
    char hdr[9];
    hdr[0] = (char)OP_BYTEARRAY8;
    le_bytes(hdr + 1, (uint64_t)b->len, 8);
    write_payload(p, hdr, 9, b->data, (size_t)b->len);
    return memo_put(p, v) ? 1 : -1;
}

static bool save_obj(Pickler *p, Value v) {
    VM *vm = p->vm;
    ObjClass *cls = as_obj(v)->cls;
    bool exact = !(as_obj(v)->flags & OBJ_SUBTYPE);
    if (exact && cls == vm->types[T_STR]) return save_str(p, v);
    if (exact && cls == vm->types[T_BYTES]) return save_bytes(p, v);
    if (p->reducer_override != UNDEF) {
        Value rv = op_call1(vm, p->reducer_override, v);
        if (rv == ERR) return false;
        if (rv != NOTIMPL_VAL) return hold(p, rv) && save_reduction(p, v, rv);
    }
    if (exact) {
        if (cls == vm->types[T_DICT]) return save_dict(p, v);
        if (cls == vm->types[T_SET]) return save_set(p, v);
        if (cls == vm->types[T_FROZENSET]) return save_frozenset(p, v);
        if (cls == vm->types[T_LIST]) return save_list(p, v);
        if (cls == vm->types[T_TUPLE]) return save_tuple(p, v);
        if (cls == vm->types[T_BYTEARRAY]) return save_bytearray(p, v);
    }
    if (is_kind(v, OBJ_CLASS) && cls == vm->types[T_TYPE]) return save_type(p, v);
    if (is_kind(v, OBJ_FUNCTION)) return save_global(p, v, NULL);
    if (is_kind(v, OBJ_INSTANCE)) {
        int r = save_picklebuffer(p, v);
        if (r) return r > 0;
    }
    Value rv = get_reduction(p, v);
    if (rv == ERR) return false;
    if (rv != UNDEF) return save_reduction(p, v, rv);
    if (is_kind(v, OBJ_CLASS)) return save_global(p, v, NULL);
    if (is_kind(v, OBJ_NATIVE)) {
        int r = save_method_descr(p, v);
        if (r) return r > 0;
        return save_native(p, v);
    }
    if (is_kind(v, OBJ_BOUND)) return save_bound(p, v);
    if (is_kind(v, OBJ_MODULE)) {
        exc_raise(vm, E_TypeError, "cannot pickle '%T' object", v);
        return false;
    }
    if (is_kind(v, OBJ_INSTANCE) && AS(ObjInstance, v)->dict) {
        int r = save_wrapper(p, v);
        if (r) return r > 0;
    }
    rv = call_reduce_ex(p, v);
    if (rv == ERR) return false;
    return save_reduction(p, v, rv);
}

static bool save(Pickler *p, Value v, bool pers_save) {
    VM *vm = p->vm;
    if (vm->c_depth >= C_DEPTH_MAX) {
        exc_raise(vm, E_RecursionError, "maximum recursion depth exceeded while pickling an object");
        return false;
    }
    bool ok = true;
    vm->c_depth++;
    if (!pers_save && p->pers_func != UNDEF) {
        int r = save_pers(p, v);
        if (r) {
            vm->c_depth--;
            return r > 0;
        }
    }
    if (v == NONE_VAL) {
        put_byte(p, OP_NONE);
    } else if (is_bool(v)) {
        if (p->proto >= 2) put_byte(p, v == TRUE_VAL ? OP_NEWTRUE : OP_NEWFALSE);
        else write_raw(p, v == TRUE_VAL ? "I01\n" : "I00\n", 4);
    } else if (is_int(v)) {
        int64_t x = as_int(v);
        if (x >= INT32_MIN && x <= INT32_MAX) save_small_int(p, x);
        else ok = save_long(p, v);
    } else if (is_float(v)) {
        save_float(p, as_float(v));
    } else if (!is_obj(v)) {
        /* Ellipsis and NotImplemented: by name, as their __reduce__ says */
        ObjStr *n = str_intern_cstr(vm, v == ELLIPSIS_VAL ? "Ellipsis" : "NotImplemented");
        ok = n && save_global(p, v, n);
    } else if (is_kind(v, OBJ_BIGINT) && !(as_obj(v)->flags & OBJ_SUBTYPE)) {
        ok = save_long(p, v);
    } else {
        int64_t idx = memo_find(p, as_obj(v));
        if (idx >= 0) {
            memo_get(p, idx);
        } else {
            ok = hold(p, v);
            if (ok) {
                ok = save_obj(p, v);
                unhold(p, 1);
            }
        }
    }
    vm->c_depth--;
    if (ok) opcode_boundary(p);
    return ok && !p->out.oom;
}

Value pk_dumps(VM *vm, Value obj, const PkDumpOptions *opt) {
    Value *roots = vm_roots_open(vm, 3);
    if (!roots) return ERR;
    Pickler p = {.vm = vm, .frame_start = -1, .proto = opt->proto, .bin = opt->proto > 0,
                 .fix_imports = opt->fix_imports && opt->proto < 3, .pers_func = UNDEF,
                 .reducer_override = UNDEF, .dispatch_table = UNDEF, .buffer_callback = opt->buffer_callback};
    p.keep = list_new(vm, 16);
    if (p.keep) roots[0] = obj_val(p.keep);
    p.hold = p.keep ? list_new(vm, 16) : NULL;
    if (p.hold) roots[1] = obj_val(p.hold);
    p.memo_objs = opt->memo ? opt->memo : p.hold ? list_new(vm, 16) : NULL;
    if (!p.memo_objs) {
        vm_pop_roots(vm, 3);
        return ERR;
    }
    roots[2] = obj_val(p.memo_objs);
    p.names.keep = p.keep;
    bool ok = true;
    /* the objects an earlier dump() of the same Pickler memoized */
    int64_t earlier = p.memo_objs->len;
    p.memo_objs->len = 0;
    for (int64_t i = 0; ok && i < earlier; i++) ok = memo_add(&p, p.memo_objs->items[i]);
    if (ok && opt->pickler != UNDEF) {
        Value pk = opt->pickler;
        ObjStr *n1 = pname(&p, PN_PERSISTENT_ID), *n2 = pname(&p, PN_REDUCER_OVERRIDE);
        ObjStr *n3 = pname(&p, PN_DISPATCH_TABLE);
        /* each kept before the next lookup allocates */
        Value a = n1 && n2 && n3 ? op_getattr_opt(vm, pk, n1) : ERR;
        ok = a != ERR && list_append(vm, p.keep, a == UNDEF ? NONE_VAL : a) == 0;
        Value b = ok ? op_getattr_opt(vm, pk, n2) : ERR;
        ok = b != ERR && list_append(vm, p.keep, b == UNDEF ? NONE_VAL : b) == 0;
        Value c = ok ? op_getattr_opt(vm, pk, n3) : ERR;
        ok = c != ERR && list_append(vm, p.keep, c == UNDEF ? NONE_VAL : c) == 0;
        if (ok) {
            p.pers_func = a == NONE_VAL ? UNDEF : a;
            p.reducer_override = b == NONE_VAL ? UNDEF : b;
            p.dispatch_table = c == NONE_VAL ? UNDEF : c;
        }
    }
    if (ok && p.proto >= 2) {
        char hdr[2] = {(char)OP_PROTO, (char)p.proto};
        write_raw(&p, hdr, 2);
        p.framing = p.proto >= 4;
    }
    int depth = vm->c_depth;
    ok = ok && save(&p, obj, false);
    vm->c_depth = depth;
    if (ok) put_byte(&p, OP_STOP);
    commit_frame(&p);
    free(p.memo);
    Value r = ERR;
    if (ok && p.out.oom) exc_nomem(vm);
    if (ok && !p.out.oom) r = bytes_new(vm, (const uint8_t *)p.out.data, p.out.len);
    sb_free(&p.out);
    vm_pop_roots(vm, 3);
    return r;
}
