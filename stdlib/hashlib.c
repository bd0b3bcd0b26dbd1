/* _hashlib: hash objects over stdlib/hashalgo.c, pbkdf2_hmac and
 * compare_digest. stdlib/hashlib.asy gives them CPython's module interface
 * (the named constructors, the algorithm sets) and stdlib/hmac.asy builds
 * HMAC on the hash objects.
 *
 * A hash object is an OBJ_CDATA holding its HashCtx; its class is HASH,
 * HASHXOF (SHAKE: digest(length)) or blake2b/blake2s, as in CPython. */
#include <string.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/binbuf.h"
#include "hashalgo.h"
#include "modules.h"

typedef struct HashObj {
    Obj obj;
    HashCtx ctx;
} HashObj;

static const CType hash_ctype = {sizeof(HashObj), NULL, NULL, NULL};

static Value module_attr(VM *vm, const char *name) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "_hashlib"));
    Value v = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (v == UNDEF) return exc_raise(vm, E_RuntimeError, "_hashlib.%s is gone", name);
    return v;
}

static bool is_hash(Value v) { return is_kind(v, OBJ_CDATA) && as_obj(v)->cls->ctype == &hash_ctype; }

static HashObj *hash_self(VM *vm, Value *args, int nargs, const char *method) {
    if (nargs < 1 || !is_hash(args[0])) {
        exc_raise(vm, E_TypeError, "descriptor '%s' requires a '_hashlib.HASH' object", method);
        return NULL;
    }
    return (HashObj *)as_obj(args[0]);
}

/* The data to hash: bytes-like; str and others with CPython's messages. */
static bool data_arg(VM *vm, Value v, BinBuf *b) {
    int r = binbuf_any(vm, v, b);
    if (r) return r > 0;
    if (is_str(v)) exc_raise(vm, E_TypeError, "Strings must be encoded before hashing");
    else if (is_kind(v, OBJ_CDATA) && memview_buf_error(vm, v)) return false;
    else exc_raise(vm, E_TypeError, "object supporting the buffer API required");
    return false;
}

static const char *class_name(HashId id) {
    if (id == H_SHAKE128 || id == H_SHAKE256) return "HASHXOF";
    if (id == H_BLAKE2B) return "blake2b";
    if (id == H_BLAKE2S) return "blake2s";
    return "HASH";
}

static HashObj *hash_alloc(VM *vm, HashId id) {
    Value cls = module_attr(vm, class_name(id));
    if (cls == ERR) return NULL;
    return gc_new(vm, sizeof(HashObj), OBJ_CDATA, AS(ObjClass, cls));
}

/* ---- constructors --------------------------------------------------------------- */

/* A name as hashlib.new takes it: any case ("SHA256"). */
static int lookup_name(VM *vm, Value name) {
    if (!is_str(name)) {
        exc_raise(vm, E_TypeError, "new() argument 'name' must be str, not %T", name);
        return -1;
    }
    char low[32];
    ObjStr *s = AS(ObjStr, name);
    int id = -1;
    if (s->len < (int64_t)sizeof low) {
        for (int64_t i = 0; i <= s->len; i++) low[i] = (char)(s->data[i] >= 'A' && s->data[i] <= 'Z' ? s->data[i] + 32 : s->data[i]);
        id = hash_lookup(low);
    }
    if (id < 0) exc_raise(vm, E_ValueError, "unsupported hash type %S", s);
    return id;
}

/* A BLAKE2 parameter of at most max bytes. */
static bool blake2_param(VM *vm, Value v, const char *what, int64_t max, BinBuf *b) {
    b->p = NULL, b->n = 0;
    if (v == UNDEF) return true;
    if (!binbuf_arg(vm, v, b)) return false;
    if (b->n > max) {
        exc_raise(vm, E_ValueError, "maximum %s length is %lld bytes", what, (long long)max);
        return false;
    }
    return true;
}

static bool init_blake2(VM *vm, HashCtx *ctx, HashId id, Value *kv) {
    int64_t max = id == H_BLAKE2B ? 64 : 32, size = max;
    if (kv[0] != UNDEF && !index_value(vm, kv[0], &size, NULL)) return false;
    if (size < 1 || size > max)
        return exc_raise(vm, E_ValueError, "digest_size must be between 1 and %lld bytes", (long long)max), false;
    BinBuf key, salt, person;
    if (!blake2_param(vm, kv[1], "key", max, &key) || !blake2_param(vm, kv[2], "salt", max / 4, &salt) ||
        !blake2_param(vm, kv[3], "person", max / 4, &person))
        return false;
    hash_init_blake2(ctx, id, (int)size, key.p, (size_t)key.n, salt.p, (size_t)salt.n, person.p, (size_t)person.n);
    return true;
}

/* _hashlib.new(name, data=b'', *, usedforsecurity=True, string=None, and
 * for BLAKE2 digest_size, key, salt, person). */
static Value h_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"name", "data", "usedforsecurity", "string",
                                        "digest_size", "key", "salt", "person"};
    Value a[8];
    if (!args_bind(vm, "new", args, nargs, kw, names, 8, 2, 1, 0, a)) return ERR;
    int id = lookup_name(vm, a[0]);
    if (id < 0) return ERR;
    bool blake = id == H_BLAKE2B || id == H_BLAKE2S;
    for (int i = 4; i < 8 && !blake; i++) {
        if (a[i] != UNDEF) return exc_raise(vm, E_TypeError, "'%s' is an invalid keyword argument for %s()", names[i], hash_info(id)->name);
    }
    Value data = a[1] != UNDEF ? a[1] : a[3] != UNDEF && a[3] != NONE_VAL ? a[3] : UNDEF;
    BinBuf b = {NULL, 0};
    HashCtx ctx;
    if (data != UNDEF && !data_arg(vm, data, &b)) return ERR;
    if (blake) {
        if (!init_blake2(vm, &ctx, (HashId)id, a + 4)) return ERR;
    } else {
        hash_init(&ctx, (HashId)id);
    }
    HashObj *h = hash_alloc(vm, (HashId)id);
    if (!h) return ERR;
    h->ctx = ctx;
    if (data != UNDEF) {
        /* (again: allocating h may have moved a bytearray's memory) */
        if (!vm_push_root(vm, obj_val(h))) return ERR;
        int r = binbuf_any(vm, data, &b);
        vm_pop_roots(vm, 1);
        if (r < 0) return ERR;
        if (r) hash_update(&h->ctx, b.p, (size_t)b.n);
    }
    return obj_val(h);
}

/* ---- methods ------------------------------------------------------------------- */

static Value h_update(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    HashObj *h = hash_self(vm, args, nargs, "update");
    BinBuf b;
    if (!h || !args_check(vm, "update", nargs - 1, kw, 1, 1) || !data_arg(vm, args[1], &b)) return ERR;
    hash_update(&h->ctx, b.p, (size_t)b.n);
    return NONE_VAL;
}

/* The digest's length: the digest size, or SHAKE's required argument. */
static bool digest_len(VM *vm, HashObj *h, Value *args, int nargs, ObjTuple *kw, const char *method, int64_t *n) {
    if (hash_info(h->ctx.id)->digest_size) {
        *n = h->ctx.digest_size;
        if (nargs > 1 || (kw && kw->len)) {
            exc_raise(vm, E_TypeError, "HASH.%s() takes no arguments (%d given)", method, nargs - 1);
            return false;
        }
        return true;
    }
    static const char *const names[] = {"length"};
    Value a[1];
    if (!args_bind(vm, method, args + 1, nargs - 1, kw, names, 1, 1, 0, 0, a)) return false;
    if (a[0] == UNDEF) {
        exc_raise(vm, E_TypeError, "%s() missing required argument 'length' (pos 1)", method);
        return false;
    }
    if (!index_value(vm, a[0], n, NULL)) return false;
    if (*n < 0) {
        exc_raise(vm, E_ValueError, "length must be non-negative");
        return false;
    }
    return true;
}

static Value h_digest(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    HashObj *h = hash_self(vm, args, nargs, "digest");
    int64_t n;
    if (!h || !digest_len(vm, h, args, nargs, kw, "digest", &n)) return ERR;
    Value r = bytes_new(vm, NULL, (size_t)n);
    if (r != ERR) hash_final(&h->ctx, AS(ObjBytes, r)->data, (size_t)n);
    return r;
}

static Value h_hexdigest(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    HashObj *h = hash_self(vm, args, nargs, "hexdigest");
    int64_t n;
    if (!h || !digest_len(vm, h, args, nargs, kw, "hexdigest", &n)) return ERR;
    uint8_t *d = gc_malloc(vm, (size_t)n + 1);
    char *hex = d ? gc_malloc(vm, 2 * (size_t)n + 1) : NULL;
    if (!hex) {
        if (d) gc_free(vm, d, (size_t)n + 1);
        return ERR;
    }
    hash_final(&h->ctx, d, (size_t)n);
    for (int64_t i = 0; i < n; i++) {
        hex[2 * i] = "0123456789abcdef"[d[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
    }
    Value r = str_new(vm, hex, 2 * (size_t)n);
    gc_free(vm, hex, 2 * (size_t)n + 1);
    gc_free(vm, d, (size_t)n + 1);
    return r;
}

static Value h_copy(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    HashObj *h = hash_self(vm, args, nargs, "copy");
    if (!h || !args_none(vm, "HASH", "copy", nargs, kw)) return ERR;
    HashObj *c = gc_new(vm, sizeof(HashObj), OBJ_CDATA, h->obj.cls);
    if (!c) return ERR;
    c->ctx = h->ctx;
    return obj_val(c);
}

static Value h_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    HashObj *h = hash_self(vm, args, nargs, "name");
    return h ? str_from_cstr(vm, hash_info(h->ctx.id)->name) : ERR;
}

static Value h_digest_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    HashObj *h = hash_self(vm, args, nargs, "digest_size");
    return h ? int_val(hash_info(h->ctx.id)->digest_size ? h->ctx.digest_size : 0) : ERR;
}

static Value h_block_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    HashObj *h = hash_self(vm, args, nargs, "block_size");
    return h ? int_val(hash_info(h->ctx.id)->block_size) : ERR;
}

static Value h_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    HashObj *h = hash_self(vm, args, nargs, "__repr__");
    if (!h) return ERR;
    StrBuf b = SB_INIT;
    HashId id = h->ctx.id;
    if (id == H_BLAKE2B || id == H_BLAKE2S) sb_addf(&b, "<_blake2.%s object at %p>", hash_info(id)->name, (void *)h);
    else sb_addf(&b, "<%s _hashlib.%s object @ %p>", hash_info(id)->name, class_name(id), (void *)h);
    return str_from_buf(vm, &b);
}

/* ---- pbkdf2_hmac and compare_digest -------------------------------------------- */

/* HMAC's two keyed states, ready for the message. */
static void hmac_init(HashId id, const uint8_t *key, size_t keylen, HashCtx *inner, HashCtx *outer) {
    size_t bs = (size_t)hash_info(id)->block_size;
    uint8_t k[168] = {0}, pad[168];
    if (keylen > bs) {
        hash_init(inner, id);
        hash_update(inner, key, keylen);
        hash_final(inner, k, (size_t)inner->digest_size);
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    hash_init(inner, id);
    hash_init(outer, id);
    for (size_t i = 0; i < bs; i++) pad[i] = k[i] ^ 0x36;
    hash_update(inner, pad, bs);
    for (size_t i = 0; i < bs; i++) pad[i] = k[i] ^ 0x5c;
    hash_update(outer, pad, bs);
}

static void hmac_run(const HashCtx *inner0, const HashCtx *outer0, const uint8_t *msg, size_t n, uint8_t *out) {
    HashCtx inner = *inner0, outer = *outer0;
    uint8_t d[64];
    hash_update(&inner, msg, n);
    hash_final(&inner, d, (size_t)inner.digest_size);
    hash_update(&outer, d, (size_t)inner.digest_size);
    hash_final(&outer, out, (size_t)outer.digest_size);
}

static Value raise_unsupported(VM *vm) {
    Value cls = module_attr(vm, "UnsupportedDigestmodError");
    if (cls == ERR) return ERR;
    Value text = str_from_cstr(vm, "[digital envelope routines] unsupported");
    ObjTuple *args = text != ERR ? tuple_from(vm, &text, 1) : NULL;
    Value exc = args ? exc_new(vm, AS(ObjClass, cls), args) : ERR;
    return exc == ERR ? ERR : exc_raise_value(vm, exc);
}

static Value h_pbkdf2_hmac(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"hash_name", "password", "salt", "iterations", "dklen"};
    Value a[5];
    BinBuf pw, salt;
    int64_t iters, dklen;
    if (!args_bind(vm, "pbkdf2_hmac", args, nargs, kw, names, 5, 5, 4, 0, a)) return ERR;
    if (!is_str(a[0])) return exc_raise(vm, E_TypeError, "pbkdf2_hmac() argument 'hash_name' must be str, not %T", a[0]);
    if (!binbuf_arg(vm, a[1], &pw) || !binbuf_arg(vm, a[2], &salt) || !index_value(vm, a[3], &iters, NULL)) return ERR;
    if (iters < 1) return exc_raise(vm, E_ValueError, "iteration value must be greater than 0.");
    if (iters > INT32_MAX) return exc_raise(vm, E_OverflowError, "iteration value is too great.");
    int id = hash_lookup(AS(ObjStr, a[0])->data);
    if (id < 0 || id >= H_SHAKE128) return raise_unsupported(vm);
    dklen = hash_info(id)->digest_size;
    if (a[4] != UNDEF && a[4] != NONE_VAL && !index_value(vm, a[4], &dklen, NULL)) return ERR;
    if (dklen < 1) return exc_raise(vm, E_ValueError, "key length must be greater than 0.");
    if (dklen > INT32_MAX) return exc_raise(vm, E_OverflowError, "key length is too great.");   /* a C int, as OpenSSL's */
    Value r = bytes_new(vm, NULL, (size_t)dklen);
    if (r == ERR || !binbuf_get(a[1], &pw) || !binbuf_get(a[2], &salt)) return ERR;
    uint8_t *out = AS(ObjBytes, r)->data;
    HashCtx inner, outer;
    hmac_init((HashId)id, pw.p, (size_t)pw.n, &inner, &outer);
    size_t hlen = (size_t)inner.digest_size;
    uint8_t *msg = gc_malloc(vm, (size_t)salt.n + 4);
    if (!msg) return ERR;
    if (salt.n) memcpy(msg, salt.p, (size_t)salt.n);
    for (uint32_t block = 1, off = 0; off < (uint64_t)dklen; block++, off += (uint32_t)hlen) {
        uint8_t u[64], t[64];
        for (int i = 0; i < 4; i++) msg[salt.n + i] = (uint8_t)(block >> (24 - 8 * i));
        hmac_run(&inner, &outer, msg, (size_t)salt.n + 4, u);
        memcpy(t, u, hlen);
        for (int64_t it = 1; it < iters; it++) {
            hmac_run(&inner, &outer, u, hlen, u);
            for (size_t i = 0; i < hlen; i++) t[i] ^= u[i];
        }
        size_t k = (uint64_t)dklen - off < hlen ? (size_t)((uint64_t)dklen - off) : hlen;
        memcpy(out + off, t, k);
    }
    gc_free(vm, msg, (size_t)salt.n + 4);
    return r;
}

/* compare_digest(a, b): equal ASCII strs or equal bytes-like values, in
 * time that depends on the length of b only. */
static Value h_compare_digest(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "compare_digest", nargs, kw, 2, 2)) return ERR;
    BinBuf a, b;
    if (is_str(args[0]) && is_str(args[1])) {
        for (int k = 0; k < 2; k++) {
            ObjStr *s = AS(ObjStr, args[k]);
            for (int64_t i = 0; i < s->len; i++) {
                if ((unsigned char)s->data[i] >= 0x80)
                    return exc_raise(vm, E_TypeError, "comparing strings with non-ASCII characters is not supported");
            }
        }
        a.p = (const uint8_t *)AS(ObjStr, args[0])->data, a.n = AS(ObjStr, args[0])->len;
        b.p = (const uint8_t *)AS(ObjStr, args[1])->data, b.n = AS(ObjStr, args[1])->len;
    } else if (is_str(args[0]) || is_str(args[1])) {
        return exc_raise(vm, E_TypeError, "a bytes-like object is required, not 'str'");
    } else if (!binbuf_get(args[0], &a) || !binbuf_get(args[1], &b)) {
        return exc_raise(vm, E_TypeError, "unsupported operand types(s) or combination of types: '%T' and '%T'",
                         args[0], args[1]);
    }
    const uint8_t *left = a.n == b.n ? a.p : b.p;
    unsigned diff = a.n != b.n;
    for (int64_t i = 0; i < b.n; i++) diff |= left[i] ^ b.p[i];
    return bool_val(diff == 0);
}

/* ---- the module ------------------------------------------------------------------ */

static ObjClass *make_hash_class(VM *vm, ObjModule *m, const char *name, const char *module) {
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"update", h_update}, {"digest", h_digest}, {"hexdigest", h_hexdigest}, {"copy", h_copy}, {"__repr__", h_repr},
    };
    static const struct { const char *name; NativeFn fn; } props[] = {
        {"name", h_name}, {"digest_size", h_digest_size}, {"block_size", h_block_size},
    };
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_CDATA);
    Value mod = str_from_cstr(vm, module);
    if (!c || mod == ERR) return NULL;
    c->ctype = &hash_ctype;
    c->module = mod;
    if (dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return NULL;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return NULL;
    }
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        if (!class_add_property(vm, c, props[i].name, props[i].fn)) return NULL;
    }
    return module_add_value(vm, m, name, obj_val(c)) ? c : NULL;
}

bool mod_hashlib_init(VM *vm, ObjModule *m) {
    if (!make_hash_class(vm, m, "HASH", "_hashlib") || !make_hash_class(vm, m, "HASHXOF", "_hashlib") ||
        !make_hash_class(vm, m, "blake2b", "_blake2") || !make_hash_class(vm, m, "blake2s", "_blake2"))
        return false;
    if (!module_add_native(vm, m, "new", h_new) || !module_add_native(vm, m, "pbkdf2_hmac", h_pbkdf2_hmac) ||
        !module_add_native(vm, m, "compare_digest", h_compare_digest))
        return false;
    ObjList *names = list_new(vm, H_COUNT);
    if (!names || !module_add_value(vm, m, "_names", obj_val(names))) return false;
    for (int i = 0; i < H_COUNT; i++) {
        if (list_append(vm, names, str_from_cstr(vm, hash_info(i)->name)) < 0) return false;
    }
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_from(vm, (Value[]){obj_val(vm->exc_types[E_ValueError])}, 1);
    Value modname = str_from_cstr(vm, "_hashlib");
    if (!ns || !bases || modname == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return false;
    Value err = class_new(vm, str_intern_cstr(vm, "UnsupportedDigestmodError"), bases, ns);
    return err != ERR && module_add_value(vm, m, "UnsupportedDigestmodError", err);
}
