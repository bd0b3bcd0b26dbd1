/* The random module: CPython's Mersenne Twister (MT19937) with its seeding
 * and its algorithms for every method, so that a script seeded with an int
 * draws the same numbers as under CPython.
 *
 * random.Random is a class whose instances keep the generator state in a
 * bytearray under `_state` (an MTState); the module's functions are the
 * bound methods of one hidden instance, as in CPython. random.SystemRandom
 * is its subclass whose state says `system`: every 32-bit word then comes
 * from the kernel (getrandom), so all the methods draw from it, and it has
 * no seed or state to save. */
#include <fcntl.h>
#include <sys/random.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "hashalgo.h"
#include "modules.h"

#define MT_N 624
#define MT_M 397

typedef struct MTState {
    uint32_t mt[MT_N];
    int32_t mti;
    int32_t has_gauss;      /* gauss() keeps its second value for the next call */
    double gauss_next;
    int32_t system;         /* SystemRandom: words from the kernel, not MT */
} MTState;

/* ---- the generator (CPython's _randommodule.c) ---------------------------- */

static void init_genrand(MTState *st, uint32_t s) {
    st->mt[0] = s;
    for (int i = 1; i < MT_N; i++)
        st->mt[i] = 1812433253u * (st->mt[i - 1] ^ (st->mt[i - 1] >> 30)) + (uint32_t)i;
    st->mti = MT_N;
}

static void init_by_array(MTState *st, const uint32_t *key, size_t len) {
    init_genrand(st, 19650218u);
    uint32_t *mt = st->mt;
    size_t i = 1, j = 0, k = MT_N > len ? MT_N : len;
    for (; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint32_t)j;
        i++, j++;
        if (i >= MT_N) { mt[0] = mt[MT_N - 1]; i = 1; }
        if (j >= len) j = 0;
    }
    for (k = MT_N - 1; k; k--) {
        mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint32_t)i;
        i++;
        if (i >= MT_N) { mt[0] = mt[MT_N - 1]; i = 1; }
    }
    mt[0] = 0x80000000u;
}

/* A word from the kernel's generator (/dev/urandom's). */
static uint32_t system_word(void) {
    uint32_t w = 0;
    for (int tries = 0; tries < 100; tries++) {
        if (getrandom(&w, sizeof w, 0) == (ssize_t)sizeof w) break;
    }
    return w;
}

static uint32_t genrand(MTState *st) {
    static const uint32_t mag01[2] = {0, 0x9908b0dfu};
    uint32_t y, *mt = st->mt;
    if (st->system) return system_word();
    if (st->mti >= MT_N) {
        int kk;
        for (kk = 0; kk < MT_N - MT_M; kk++) {
            y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
            mt[kk] = mt[kk + MT_M] ^ (y >> 1) ^ mag01[y & 1];
        }
        for (; kk < MT_N - 1; kk++) {
            y = (mt[kk] & 0x80000000u) | (mt[kk + 1] & 0x7fffffffu);
            mt[kk] = mt[kk + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1];
        }
        y = (mt[MT_N - 1] & 0x80000000u) | (mt[0] & 0x7fffffffu);
        mt[MT_N - 1] = mt[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1];
        st->mti = 0;
    }
    y = mt[st->mti++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static double random_double(MTState *st) {
    uint32_t a = genrand(st) >> 5, b = genrand(st) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}

/* getrandbits(k) for 0 < k <= 64: 32-bit words, least significant first,
 * the last one shifted down to the bits still wanted. */
static uint64_t bits64(MTState *st, int k) {
    uint64_t r = 0;
    for (int shift = 0; k > 0; shift += 32, k -= 32) {
        uint32_t w = genrand(st);
        if (k < 32) w >>= 32 - k;
        r |= (uint64_t)w << shift;
    }
    return r;
}

static Value getrandbits_value(VM *vm, MTState *st, int64_t k) {
    if (k <= 64) return int_from_u64(vm, k ? bits64(st, (int)k) : 0);
    size_t words = (size_t)((k - 1) / 32 + 1);
    uint32_t *w = malloc(words * sizeof *w);
    if (!w) return exc_nomem(vm);
    for (size_t i = 0; i < words; i++, k -= 32) {
        w[i] = genrand(st);
        if (k < 32) w[i] >>= 32 - k;
    }
    mp_int m;
    mp_err err = mp_init(&m);
    if (err == MP_OKAY) err = mp_unpack(&m, words, MP_LSB_FIRST, sizeof(uint32_t), MP_NATIVE_ENDIAN, 0, w);
    free(w);
    if (err != MP_OKAY) { mp_clear(&m); return exc_nomem(vm); }
    return int_from_mp(vm, &m);
}

/* A uniform int in [0, n) for 0 < n < 2**63, by rejection as CPython. */
static uint64_t below_u64(MTState *st, uint64_t n) {
    int k = 64 - __builtin_clzll(n);
    uint64_t r = bits64(st, k);
    while (r >= n) r = bits64(st, k);
    return r;
}

/* _randbelow for any positive int. */
static Value randbelow(VM *vm, MTState *st, Value n) {
    int64_t small;
    if (int_to_i64(n, &small)) return int_from_u64(vm, below_u64(st, (uint64_t)small));
    int64_t k = int_bit_length(n);
    for (;;) {
        Value r = getrandbits_value(vm, st, k);
        if (r == ERR || int_cmp(r, n) < 0) return r;
    }
}

/* ---- seeding ----------------------------------------------------------------- */

static void seed_urandom(MTState *st) {
    uint32_t key[MT_N];
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    ssize_t got = fd >= 0 ? read(fd, key, sizeof key) : -1;
    if (fd >= 0) close(fd);
    if (got != (ssize_t)sizeof key) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        key[0] = (uint32_t)ts.tv_sec, key[1] = (uint32_t)ts.tv_nsec, key[2] = (uint32_t)getpid();
        init_by_array(st, key, 3);
        return;
    }
    init_by_array(st, key, MT_N);
}

/* init_by_array on the 32-bit words of |n|, least significant first. */
static bool seed_int(VM *vm, MTState *st, Value n) {
    int64_t small;
    if (int_to_i64(n, &small)) {
        uint64_t u = small < 0 ? (uint64_t)0 - (uint64_t)small : (uint64_t)small;
        uint32_t key[2] = {(uint32_t)u, (uint32_t)(u >> 32)};
        init_by_array(st, key, key[1] ? 2 : 1);
        return true;
    }
    mp_int m;
    if (mp_init(&m) != MP_OKAY) { exc_nomem(vm); return false; }
    size_t words = (size_t)(int_bit_length(n) + 31) / 32, written = 0;
    uint32_t *key = calloc(words, sizeof *key);
    mp_err err = key && int_to_mp(n, &m) ? MP_OKAY : MP_MEM;
    if (err == MP_OKAY) err = mp_abs(&m, &m);
    if (err == MP_OKAY) err = mp_pack(key, words, &written, MP_LSB_FIRST, sizeof(uint32_t), MP_NATIVE_ENDIAN, 0, &m);
    mp_clear(&m);
    if (err != MP_OKAY) { free(key); exc_nomem(vm); return false; }
    init_by_array(st, key, written ? written : 1);
    free(key);
    return true;
}

/* A str, bytes or bytearray seed as CPython's version 2: the int whose
 * big-endian bytes are the data (a str's UTF-8) followed by its SHA-512. */
static bool seed_bytes(VM *vm, MTState *st, Value a) {
    const uint8_t *p;
    size_t n;
    if (is_str(a)) p = (const uint8_t *)AS(ObjStr, a)->data, n = (size_t)AS(ObjStr, a)->len;
    else if (is_kind(a, OBJ_BYTES)) p = AS(ObjBytes, a)->data, n = (size_t)AS(ObjBytes, a)->len;
    else p = AS(ObjByteArray, a)->data, n = (size_t)AS(ObjByteArray, a)->len;
    uint8_t *buf = malloc(n + 64);
    if (!buf) { exc_nomem(vm); return false; }
    if (n) memcpy(buf, p, n);
    HashCtx h;
    hash_init(&h, H_SHA512);
    hash_update(&h, buf, n);
    hash_final(&h, buf + n, 64);
    mp_int m;
    mp_err err = mp_init(&m);
    if (err == MP_OKAY) err = mp_from_ubin(&m, buf, n + 64);
    free(buf);
    if (err != MP_OKAY) { mp_clear(&m); exc_nomem(vm); return false; }
    Value v = int_from_mp(vm, &m);
    return v != ERR && seed_int(vm, st, v);
}

/* seed(a, version=1) for a str or bytes: CPython's old string hash of its
 * code points (a bytes' as latin-1), then seeded as that int. */
static bool seed_v1(VM *vm, MTState *st, Value a) {
    bool str = is_str(a);
    const char *p = str ? AS(ObjStr, a)->data : (const char *)AS(ObjBytes, a)->data;
    size_t n = str ? (size_t)AS(ObjStr, a)->len : (size_t)AS(ObjBytes, a)->len, i = 0;
    uint64_t x = 0, count = 0;
    while (i < n) {
        uint64_t c = str ? (uint64_t)utf8_decode(p, n, &i) : (unsigned char)p[i++];
        if (count++ == 0) x = c << 7;
        x = (1000003u * x) ^ c;
    }
    x ^= count;
    Value v = int_from_u64(vm, x);
    return v != ERR && seed_int(vm, st, v);
}

static bool seed_value(VM *vm, MTState *st, Value a) {
    st->has_gauss = 0;
    if (a == NONE_VAL || a == UNDEF) { seed_urandom(st); return true; }
    if (is_intlike(a)) return seed_int(vm, st, is_bool(a) ? int_val(as_bool(a)) : a);
    if (is_str(a) || is_kind(a, OBJ_BYTES) || is_kind(a, OBJ_BYTEARRAY)) return seed_bytes(vm, st, a);
    if (!is_float(a)) {
        exc_raise(vm, E_TypeError, "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.");
        return false;
    }
    uint64_t h;
    if (op_hash(vm, a, &h) < 0) return false;
    return seed_int(vm, st, int_from_i64(vm, (int64_t)h));
}

/* ---- instances --------------------------------------------------------------- */

static MTState *state_of(VM *vm, Value self) {
    ObjStr *key = str_intern_cstr(vm, "_state");
    Value s = key && is_kind(self, OBJ_INSTANCE) ? dict_get_str(AS(ObjInstance, self)->dict, key) : UNDEF;
    if (!is_kind(s, OBJ_BYTEARRAY) || AS(ObjByteArray, s)->len != (int64_t)sizeof(MTState)) {
        exc_raise(vm, E_TypeError, "descriptor requires a 'random.Random' object but received a '%T'", self);
        return NULL;
    }
    MTState *st = (MTState *)(void *)AS(ObjByteArray, s)->data;
    /* The bytearray is reachable from script code: never trust the index. */
    if (st->mti < 0 || st->mti > MT_N) st->mti = MT_N;
    return st;
}

static Value r_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "Random", nargs - 1, kw, 0, 1)) return ERR;
    ObjStr *key = str_intern_cstr(vm, "_state");
    Value s = bytearray_new(vm, NULL, sizeof(MTState));
    if (!key || s == ERR || !is_kind(args[0], OBJ_INSTANCE)) return ERR;
    if (dict_set_str(vm, AS(ObjInstance, args[0])->dict, key, s) < 0) return ERR;
    MTState *st = (MTState *)(void *)AS(ObjByteArray, s)->data;
    return seed_value(vm, st, nargs > 1 ? args[1] : NONE_VAL) ? NONE_VAL : ERR;
}

/* ---- where the draws come from ----------------------------------------------
 * CPython's Random is Python code over a C core: its methods call
 * self.random() and, through _randbelow, self.getrandbits(k), so a subclass
 * (or a patch of Random.random) that replaces one of those changes every
 * method built on it. A Source tells, once per call from the class, whether
 * the native ones are still there; then the draws read the state directly. */
typedef struct {
    VM *vm;
    Value self;
    MTState *st;
    bool py_random, py_bits;    /* call self.random() / self.getrandbits(k) */
    bool below_by_random;       /* _randbelow from random(): the class gave random, not getrandbits */
    bool failed;                /* a call raised: draws stop, the method returns ERR */
    uint32_t draws;             /* native draws so far, to poll for signals now and then */
} Source;

static Value r_random(VM *vm, Value *args, int nargs, ObjTuple *kw);
static Value r_getrandbits(VM *vm, Value *args, int nargs, ObjTuple *kw);
static bool float_arg(VM *vm, Value v, double *out);

/* Is self.name something else than the native method (an instance
 * attribute, as `g.random = values.pop`, counts)? */
static bool overridden(Value self, ObjClass *cls, ObjStr *name, NativeFn native) {
    if (is_kind(self, OBJ_INSTANCE) && dict_get_str(AS(ObjInstance, self)->dict, name) != UNDEF) return true;
    Value f = class_lookup(cls, name);
    return !(is_kind(f, OBJ_NATIVE) && AS(ObjNative, f)->fn == native);
}

static bool source_init(VM *vm, Value self, Source *src) {
    *src = (Source){.vm = vm, .self = self, .st = state_of(vm, self)};
    ObjStr *rname = str_intern_cstr(vm, "random"), *bname = str_intern_cstr(vm, "getrandbits");
    if (!src->st || !rname || !bname) return false;
    ObjClass *cls = type_of(vm, self);
    src->py_random = overridden(self, cls, rname, r_random);
    src->py_bits = overridden(self, cls, bname, r_getrandbits);
    /* CPython's __init_subclass__: the first class of the MRO defining
     * getrandbits or random decides how _randbelow draws. */
    for (int64_t i = 0; i < cls->mro->len; i++) {
        ObjDict *d = AS(ObjClass, cls->mro->items[i])->dict;
        if (dict_get_str(d, bname) != UNDEF) break;
        if (dict_get_str(d, rname) != UNDEF) { src->below_by_random = true; break; }
    }
    return true;
}

/* A value kept (rooted) while an overriding random() or getrandbits()
 * runs; false after raising. */
static bool keep(VM *vm, Value v) {
    if (v == ERR) return false;
    if (!vm_push_root(vm, v)) { exc_nomem(vm); return false; }
    return true;
}

static double src_random(Source *s) {
    if (s->failed) return 0.0;
    if (!s->py_random) {
        /* The rejection loops never end for a NaN or infinite parameter (as
           in CPython); polling lets Ctrl-C or a signal handler stop them. */
        if ((++s->draws & 0xFFFF) == 0 && vm_signals(s->vm) && !vm_handle_signals(s->vm, false)) {
            s->failed = true;
            return 0.0;
        }
        return random_double(s->st);
    }
    ObjStr *name = str_intern_cstr(s->vm, "random");
    Value r = name ? op_call_method(s->vm, s->self, name, NULL, 0) : ERR;
    double d = 0.0;
    if (r == ERR || !float_arg(s->vm, r, &d)) s->failed = true;
    return d;
}

static Value src_bits(Source *s, int64_t k) {
    if (s->failed) return ERR;
    if (!s->py_bits) return getrandbits_value(s->vm, s->st, k);
    ObjStr *name = str_intern_cstr(s->vm, "getrandbits");
    Value kv = int_val(k);
    Value r = name ? op_call_method(s->vm, s->self, name, &kv, 1) : ERR;
    if (r != ERR && !is_intlike(r)) r = exc_raise(s->vm, E_TypeError, "'>=' not supported between instances of '%T' and 'int'", r);
    if (r == ERR) s->failed = true;
    return r;
}

/* _randbelow_without_getrandbits: from 53-bit floats, rejecting the top
 * sliver that would bias the result (too large an n only warns). */
static Value below_by_random(Source *s, Value n) {
    const double maxsize = 9007199254740992.0;   /* 2**53 */
    int64_t small;
    if (!int_to_i64(n, &small) || small >= (int64_t)maxsize) {
        if (!exc_warn(s->vm, E_UserWarning, "Underlying random() generator does not supply \n"
                      "enough bits to choose from a population range this large.\n"
                      "To remove the range limitation, add a getrandbits() method.")) return ERR;
        double nd, r = src_random(s);
        if (s->failed || int_to_float(s->vm, n, &nd) == ERR) return ERR;
        return int_from_double(s->vm, floor(r * nd));
    }
    int64_t rem = (int64_t)maxsize % small;
    double limit = (maxsize - (double)rem) / maxsize, r = src_random(s);
    while (!s->failed && r >= limit) r = src_random(s);
    return s->failed ? ERR : int_val((int64_t)floor(r * maxsize) % small);
}

/* _randbelow(n) for a positive int n (kept across the calls it makes). */
static Value src_below(Source *s, Value n) {
    if (s->failed) return ERR;
    if (!s->py_bits && !s->below_by_random) return randbelow(s->vm, s->st, n);
    if (!keep(s->vm, n)) return ERR;
    Value r;
    if (s->below_by_random) {
        r = below_by_random(s, n);
    } else {
        int64_t k = int_bit_length(n);
        do r = src_bits(s, k); while (r != ERR && int_cmp(r, n) >= 0);
    }
    vm_pop_roots(s->vm, 1);
    return r;
}

/* _randbelow(n) for the native loops over indexes; false after raising. */
static bool src_below_u64(Source *s, uint64_t n, uint64_t *out) {
    if (!s->py_bits && !s->below_by_random && !s->failed) { *out = below_u64(s->st, n); return true; }
    Value nv = int_from_u64(s->vm, n), r = nv == ERR ? ERR : src_below(s, nv);
    int64_t v;
    if (r == ERR || !int_to_i64(r, &v) || v < 0) {
        if (r != ERR) exc_raise(s->vm, E_ValueError, "_randbelow() gave %R, not below %llu", r, (unsigned long long)n);
        s->failed = true;
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

/* Every method starts with its state and a count check. */
#define METHOD(name, min, max) \
    MTState *st = state_of(vm, args[0]); \
    if (!st || !args_check(vm, name, nargs - 1, kw, min, max)) return ERR

/* ... or, for those that draw, with its Source. */
#define DRAWING_METHOD(name, min, max) \
    Source src; \
    if (!source_init(vm, args[0], &src) || !args_check(vm, name, nargs - 1, kw, min, max)) return ERR

static Value r_seed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    MTState *st = state_of(vm, args[0]);
    if (!st) return ERR;
    if (st->system) return NONE_VAL;       /* SystemRandom.seed(*args, **kwds) does nothing */
    static const char *const names[] = {"a", "version"};
    Value p[2];
    if (!args_bind(vm, "Random.seed", args + 1, nargs - 1, kw, names, 2, 2, 0, 0, p)) return ERR;
    if (p[1] == int_val(1) && (is_str(p[0]) || is_kind(p[0], OBJ_BYTES))) {
        st->has_gauss = 0;
        return seed_v1(vm, st, p[0]) ? NONE_VAL : ERR;
    }
    return seed_value(vm, st, p[0] == UNDEF ? NONE_VAL : p[0]) ? NONE_VAL : ERR;
}

static Value r_random(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    METHOD("random", 0, 0);
    return float_val(random_double(st));
}

static Value r_getrandbits(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    METHOD("getrandbits", 1, 1);
    int64_t k;
    /* (the count is a C int) */
    if (is_bigint(args[1]) && !int_to_i64(args[1], &k)) k = INT64_MAX;
    else if (!ssize_value(vm, args[1], &k)) return ERR;
    if (k > INT32_MAX || k < INT32_MIN) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    if (k < 0) return exc_raise(vm, E_ValueError, "number of bits must be non-negative");
    return getrandbits_value(vm, st, k);
}

static Value r_randbytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("randbytes", 1, 1);
    MTState *st = src.st;
    int64_t n;
    /* self.getrandbits(n * 8): the count of bits is a C int */
    if (is_bigint(args[1]) && !int_to_i64(args[1], &n)) n = INT64_MAX;
    else if (!ssize_value(vm, args[1], &n)) return ERR;
    if (n > INT32_MAX / 8 || n < INT32_MIN / 8) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    if (n < 0) return exc_raise(vm, E_ValueError, "number of bits must be non-negative");
    if (src.py_bits) {      /* self.getrandbits(n * 8).to_bytes(n, 'little') */
        Value bits = src_bits(&src, n * 8);
        if (!keep(vm, bits)) return ERR;
        ObjStr *to_bytes = str_intern_cstr(vm, "to_bytes"), *little = to_bytes ? str_intern_cstr(vm, "little") : NULL;
        Value r = little ? op_call_method(vm, bits, to_bytes, (Value[]){int_val(n), obj_val(little)}, 2) : ERR;
        vm_pop_roots(vm, 1);
        return r;
    }
    Value b = bytes_new(vm, NULL, (size_t)n);
    if (b == ERR) return ERR;
    uint8_t *p = AS(ObjBytes, b)->data;
    for (int64_t i = 0, k = n * 8; i < n; i += 4, k -= 32) {   /* little-endian words, as getrandbits */
        uint32_t w = genrand(st);
        if (k < 32) w >>= 32 - k;
        for (int j = 0; j < 4 && i + j < n; j++) p[i + j] = (uint8_t)(w >> (8 * j));
    }
    return b;
}

/* An int argument of randrange: an int or an object with __index__ (3.12
 * no longer takes floats, even integral ones). */
static Value int_arg(VM *vm, Value v) {
    if (is_bool(v)) return int_val(as_bool(v));
    if (is_intlike(v)) return v;
    Value m = op_special(vm, v, N___index__);
    if (m == UNDEF) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    v = op_call1(vm, m, v);
    if (v != ERR && !is_intlike(v)) return exc_raise(vm, E_TypeError, "__index__ returned non-int (type %T)", v);
    return v;
}

/* 3.12's message: "empty range in randrange(start, stop[, step])", the
 * step only when it is not 1. */
static Value empty_range(VM *vm, Value start, Value stop, Value step) {
    StrBuf b = SB_INIT;
    sb_adds(&b, "empty range in randrange(");
    int_to_buf(start, 10, &b), sb_adds(&b, ", "), int_to_buf(stop, 10, &b);
    if (step != UNDEF) sb_adds(&b, ", "), int_to_buf(step, 10, &b);
    sb_adds(&b, ")");
    Value msg = str_from_buf(vm, &b);
    return msg == ERR ? ERR : exc_raise(vm, E_ValueError, "%S", AS(ObjStr, msg));
}

static Value randrange_kept(VM *vm, Source *src, Value start, Value stop, Value step) {
    Value istart = int_arg(vm, start);
    if (!keep(vm, istart)) return ERR;
    if (stop == UNDEF || stop == NONE_VAL) {
        if (step != UNDEF) return exc_raise(vm, E_TypeError, "Missing a non-None stop argument");
        if (int_sign(istart) > 0) return src_below(src, istart);
        return exc_raise(vm, E_ValueError, "empty range for randrange()");
    }
    Value istop = int_arg(vm, stop);
    if (!keep(vm, istop)) return ERR;
    Value width = int_binop(vm, BIN_SUB, istop, istart);
    if (!keep(vm, width)) return ERR;
    Value istep = step == UNDEF ? int_val(1) : int_arg(vm, step);
    if (!keep(vm, istep)) return ERR;
    if (istep == int_val(1)) {
        if (int_sign(width) > 0) {
            Value r = src_below(src, width);
            return r == ERR ? ERR : int_binop(vm, BIN_ADD, istart, r);
        }
        return empty_range(vm, istart, istop, UNDEF);
    }
    int sign = int_sign(istep);
    if (sign == 0) return exc_raise(vm, E_ValueError, "zero step for randrange()");
    /* n = (width + istep -+ 1) // istep */
    Value n = int_binop(vm, BIN_ADD, width, istep);
    if (n != ERR) n = int_binop(vm, sign > 0 ? BIN_SUB : BIN_ADD, n, int_val(1));
    if (n != ERR) n = int_binop(vm, BIN_FLOORDIV, n, istep);
    if (n == ERR) return ERR;
    if (int_sign(n) <= 0) return empty_range(vm, istart, istop, istep);
    Value r = src_below(src, n);
    if (r != ERR) r = int_binop(vm, BIN_MUL, istep, r);
    return r == ERR ? ERR : int_binop(vm, BIN_ADD, istart, r);
}

static Value randrange(VM *vm, Source *src, Value start, Value stop, Value step) {
    int base = vm->nroots;
    Value r = randrange_kept(vm, src, start, stop, step);
    vm->nroots = base;
    return r;
}

static Value r_randrange(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("randrange", 1, 3);
    return randrange(vm, &src, args[1], nargs > 2 ? args[2] : UNDEF, nargs > 3 ? args[3] : UNDEF);
}

static Value r_randint(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("randint", 2, 2);
    Value b = int_arg(vm, args[2]);
    if (b == ERR) return ERR;
    Value stop = int_binop(vm, BIN_ADD, b, int_val(1));
    return stop == ERR ? ERR : randrange(vm, &src, args[1], stop, UNDEF);
}

static Value r_choice(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("choice", 1, 1);
    int64_t n = op_len(vm, args[1]);
    if (n < 0) return ERR;
    if (n == 0) return exc_raise(vm, E_IndexError, "Cannot choose from an empty sequence");
    uint64_t i;
    return src_below_u64(&src, (uint64_t)n, &i) ? op_getitem(vm, args[1], int_from_u64(vm, i)) : ERR;
}

static Value r_shuffle(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("shuffle", 1, 1);
    Value x = args[1];
    int64_t n = op_len(vm, x);
    if (n < 0) return ERR;
    for (int64_t i = n - 1; i >= 1; i--) {
        uint64_t uj;
        if (!src_below_u64(&src, (uint64_t)i + 1, &uj)) return ERR;
        int64_t j = (int64_t)uj;
        if (is_list(x) && AS(ObjList, x)->len == n) {
            Value *it = AS(ObjList, x)->items, t = it[i];
            it[i] = it[j], it[j] = t;
            continue;
        }
        int base = vm->nroots, ok = -1;
        Value a = op_getitem(vm, x, int_val(i)), b = ERR;
        if (a != ERR && vm_push_root(vm, a)) b = op_getitem(vm, x, int_val(j));
        if (b != ERR && vm_push_root(vm, b)) ok = op_setitem(vm, x, int_val(i), b);
        if (ok == 0) ok = op_setitem(vm, x, int_val(j), a);
        vm->nroots = base;
        if (ok < 0) return ERR;
    }
    return NONE_VAL;
}

static bool pick_unique(int64_t *set, int64_t mask, int64_t j) {
    for (uint64_t h = (uint64_t)j * 0x9E3779B97F4A7C15ull;; h++) {
        int64_t *slot = &set[h & (uint64_t)mask];
        if (*slot == j) return false;
        if (*slot == -1) { *slot = j; return true; }
    }
}

static Value r_sample(VM *vm, Value *args, int nargs, ObjTuple *kw);

/* sample(pop, k, counts=...): as CPython, a sample of range(total count)
 * mapped back to the population by the running totals of the counts. */
static Value sample_counts(VM *vm, Value self, Value pop, Value k, Value counts) {
    ObjList *cl = op_to_list(vm, counts);
    if (!cl || !vm_push_root(vm, obj_val(cl))) return ERR;
    int64_t n = op_len(vm, pop), total = 0;
    int roots = 1;
    Value ret = ERR;
    if (n < 0) goto out;
    if (cl->len != n) { exc_raise(vm, E_ValueError, "The number of counts does not match the population"); goto out; }
    int64_t *cum = malloc((size_t)(n ? n : 1) * sizeof *cum);
    if (!cum) { exc_nomem(vm); goto out; }
    for (int64_t i = 0; i < n; i++) {
        int64_t c;
        if (!is_intlike(cl->items[i]) || !int_to_i64(cl->items[i], &c)) {
            free(cum);
            exc_raise(vm, E_TypeError, "Counts must be integers");
            goto out;
        }
        cum[i] = total += c;
    }
    if (total <= 0) { free(cum); exc_raise(vm, E_ValueError, "Total of counts must be greater than zero"); goto out; }
    Value r = range_new(vm, 0, total, 1);
    Value picks = r == ERR ? ERR : r_sample(vm, (Value[]){self, r, k}, 3, NULL);
    if (picks == ERR || !vm_push_root(vm, picks)) { free(cum); goto out; }
    roots++;
    ObjList *pl = AS(ObjList, picks);
    for (int64_t i = 0; i < pl->len; i++) {
        int64_t sel = as_int(pl->items[i]), lo = 0, hi = n - 1;   /* bisect_right(cum[:-1], sel) */
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (sel < cum[mid]) hi = mid;
            else lo = mid + 1;
        }
        Value v = op_getitem(vm, pop, int_val(lo));
        if (v == ERR) { free(cum); goto out; }
        pl->items[i] = v;
    }
    free(cum);
    ret = picks;
out:
    vm_pop_roots(vm, roots);
    return ret;
}

/* sample()'s k: CPython's checks 0 <= k <= n, then makes [None] * k, so a
 * k that is not an int fails as those do. */
static bool sample_k(VM *vm, Value kv, int64_t n, int64_t *k) {
    if (!is_intlike(kv)) {
        int in = op_compare_bool(vm, CMP_LE, int_val(0), kv);
        if (in > 0) in = op_compare_bool(vm, CMP_LE, kv, int_val(n));
        if (in < 0) return false;
        if (!in) {
            exc_raise(vm, E_ValueError, "Sample larger than population or is negative");
            return false;
        }
        if (op_special(vm, kv, N___index__) == UNDEF) {
            exc_raise(vm, E_TypeError, "can't multiply sequence by non-int of type '%T'", kv);
            return false;
        }
    }
    if (is_bigint(kv) && !int_to_i64(kv, k)) {        /* far outside 0..n */
        exc_raise(vm, E_ValueError, "Sample larger than population or is negative");
        return false;
    }
    return ssize_value(vm, kv, k);
}

static Value r_sample(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"k", "counts", NULL};
    Source src;
    if (!source_init(vm, args[0], &src) || !args_kw_only_py(vm, "Random.sample", kw, accepted)) return ERR;
    Value pop = nargs > 1 ? args[1] : UNDEF, kv = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "k");
    if (nargs > 3) return exc_raise(vm, E_TypeError, "Random.sample() takes 3 positional arguments but %d were given", nargs);
    if (pop == UNDEF || kv == UNDEF)
        return exc_raise(vm, E_TypeError, "Random.sample() missing 1 required positional argument: '%s'",
                         pop == UNDEF ? "population" : "k");
    Value counts = args_kw(vm, args, nargs, kw, "counts");
    if (counts != UNDEF && counts != NONE_VAL) return sample_counts(vm, args[0], pop, kv, counts);
    if (is_dict(pop) || is_kind(pop, OBJ_SET) || !(is_list(pop) || is_tuple(pop) || is_str(pop) ||
                                                   is_kind(pop, OBJ_RANGE) || is_kind(pop, OBJ_BYTES) ||
                                                   is_kind(pop, OBJ_INSTANCE)))
        return exc_raise(vm, E_TypeError, "Population must be a sequence.  For dicts or sets, use sorted(d).");
    int64_t n = op_len(vm, pop), k;
    if (n < 0 || !sample_k(vm, kv, n, &k)) return ERR;
    if (k < 0 || k > n) return exc_raise(vm, E_ValueError, "Sample larger than population or is negative");
    ObjList *result = list_new(vm, k);
    if (!result || !vm_push_root(vm, obj_val(result))) return ERR;
    Value ret = obj_val(result);
    int64_t setsize = 21;
    if (k > 5) setsize += (int64_t)pow(4.0, ceil(log((double)(k * 3)) / log(4.0)));
    if (n <= setsize) {
        ObjList *pool = op_to_list(vm, pop);
        if (!pool || !vm_push_root(vm, obj_val(pool))) { vm_pop_roots(vm, 1); return pool ? exc_nomem(vm) : ERR; }
        for (int64_t i = 0; i < k; i++) {
            uint64_t j;
            if (!src_below_u64(&src, (uint64_t)(n - i), &j)) { ret = ERR; break; }
            result->items[result->len++] = pool->items[j];
            pool->items[j] = pool->items[n - i - 1];
        }
        vm_pop_roots(vm, 1);
    } else {
        int64_t cap = 8;
        while (cap < 2 * k + 2) cap *= 2;
        int64_t *set = malloc((size_t)cap * sizeof *set);
        if (!set) { vm_pop_roots(vm, 1); return exc_nomem(vm); }
        memset(set, 0xff, (size_t)cap * sizeof *set);
        for (int64_t i = 0; i < k; i++) {
            uint64_t j;
            bool ok = src_below_u64(&src, (uint64_t)n, &j);
            while (ok && !pick_unique(set, cap - 1, (int64_t)j)) ok = src_below_u64(&src, (uint64_t)n, &j);
            Value v = ok ? op_getitem(vm, pop, int_val((int64_t)j)) : ERR;
            if (v == ERR) { ret = ERR; break; }
            result->items[result->len++] = v;
        }
        free(set);
    }
    vm_pop_roots(vm, 1);
    return ret;
}

static bool float_arg(VM *vm, Value v, double *out) {
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_intlike(v)) return int_to_float(vm, v, out) != ERR;
    Cpx c;      /* a Fraction, a Decimal, anything with __float__ or __index__ */
    bool was_cpx;
    int r = cpx_coerce(vm, v, false, &c, &was_cpx);
    if (r > 0) *out = c.re;
    if (r == 0) exc_raise(vm, E_TypeError, "must be real number, not %T", v);
    return r > 0;
}

static Value r_choices(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    /* choices(population, weights=None, *, cum_weights=None, k=1) */
    static const char *const names[] = {"population", "weights", "cum_weights", "k"};
    Source src;
    Value p[4];
    if (!source_init(vm, args[0], &src)) return ERR;
    /* a Python method in CPython: its wording for the counts */
    if (nargs > 3)
        return exc_raise(vm, E_TypeError, "Random.choices() takes from 2 to 3 positional arguments but %d were given", nargs);
    if (nargs < 2 && args_kw(vm, args, nargs, kw, "population") == UNDEF)
        return exc_raise(vm, E_TypeError, "Random.choices() missing 1 required positional argument: 'population'");
    if (!args_bind(vm, "Random.choices", args + 1, nargs - 1, kw, names, 4, 2, 1, 0, p)) return ERR;
    Value pop = p[0], weights = p[1], cum = p[2], kv = p[3];
    if (weights == NONE_VAL) weights = UNDEF;
    if (cum == NONE_VAL) cum = UNDEF;
    int64_t n = op_len(vm, pop), k = 1;
    if (n < 0 || (kv != UNDEF && !ssize_value(vm, kv, &k))) return ERR;
    if (k < 0) k = 0;
    int base = vm->nroots;
    ObjList *result = list_new(vm, k);
    if (!result || !vm_push_root(vm, obj_val(result))) return ERR;
    Value ret = obj_val(result);
    double *cw = NULL;
    if (weights == UNDEF && cum == UNDEF) {
        for (int64_t i = 0; i < k; i++) {
            double r = src_random(&src);
            Value v = src.failed ? ERR : op_getitem(vm, pop, int_val((int64_t)floor(r * (double)n)));
            if (v == ERR) { ret = ERR; goto done; }
            result->items[result->len++] = v;
        }
        goto done;
    }
    if (weights != UNDEF && cum != UNDEF) {
        ret = exc_raise(vm, E_TypeError, "Cannot specify both weights and cumulative weights");
        goto done;
    }
    ObjList *w = op_to_list(vm, weights != UNDEF ? weights : cum);
    if (!w || !keep(vm, obj_val(w))) { ret = ERR; goto done; }     /* weights' __float__ may collect */
    cw = malloc((size_t)(w->len ? w->len : 1) * sizeof *cw);
    if (!cw) { ret = exc_nomem(vm); goto done; }
    for (int64_t i = 0; i < w->len; i++) {
        if (!float_arg(vm, w->items[i], &cw[i])) { ret = ERR; goto done; }
        if (weights != UNDEF && i > 0) cw[i] += cw[i - 1];
    }
    if (w->len != n) { ret = exc_raise(vm, E_ValueError, "The number of weights does not match the population"); goto done; }
    double total = n ? cw[n - 1] : 0.0;
    if (n == 0) { ret = exc_raise(vm, E_IndexError, "list index out of range"); goto done; }
    if (total <= 0.0) { ret = exc_raise(vm, E_ValueError, "Total of weights must be greater than zero"); goto done; }
    if (!isfinite(total)) { ret = exc_raise(vm, E_ValueError, "Total of weights must be finite"); goto done; }
    for (int64_t i = 0; i < k; i++) {
        double x = src_random(&src) * total;
        if (src.failed) { ret = ERR; goto done; }
        int64_t lo = 0, hi = n - 1;   /* bisect_right(cw, x, 0, n - 1) */
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (x < cw[mid]) hi = mid; else lo = mid + 1;
        }
        Value v = op_getitem(vm, pop, int_val(lo));
        if (v == ERR) { ret = ERR; goto done; }
        result->items[result->len++] = v;
    }
done:
    free(cw);
    vm->nroots = base;
    return ret;
}

/* ---- distributions ------------------------------------------------------------ */

static Value r_uniform(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("uniform", 2, 2);
    double a, b;
    if (!(is_float(args[1]) || is_intlike(args[1])) || !(is_float(args[2]) || is_intlike(args[2]))) {
        /* other numbers (or not numbers): a + (b - a) * random() by their operators */
        Value d = op_binary(vm, BIN_SUB, args[2], args[1]);
        if (!keep(vm, d)) return ERR;
        double r = src_random(&src);
        Value p = src.failed ? ERR : op_binary(vm, BIN_MUL, d, float_val(r));
        vm_pop_roots(vm, 1);
        return p == ERR ? ERR : op_binary(vm, BIN_ADD, args[1], p);
    }
    if (!float_arg(vm, args[1], &a) || !float_arg(vm, args[2], &b)) return ERR;
    double r = src_random(&src);
    return src.failed ? ERR : float_val(a + (b - a) * r);
}

static Value r_triangular(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("triangular", 0, 3);
    double low = 0.0, high = 1.0, c = 0.5, u = src_random(&src);
    if (src.failed) return ERR;
    if ((nargs > 1 && !float_arg(vm, args[1], &low)) || (nargs > 2 && !float_arg(vm, args[2], &high))) return ERR;
    if (nargs > 3 && args[3] != NONE_VAL) {
        double mode;
        if (!float_arg(vm, args[3], &mode)) return ERR;
        if (high == low) return float_val(low);
        c = (mode - low) / (high - low);
    }
    if (u > c) {
        u = 1.0 - u, c = 1.0 - c;
        double t = low; low = high; high = t;
    }
    return float_val(low + (high - low) * sqrt(u * c));
}

/* mu and sigma: positional or keywords, defaulting to 0 and 1. */
static bool mu_sigma(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, double *mu, double *sigma) {
    static const char *const accepted[] = {"mu", "sigma", NULL};
    char qual[64];
    snprintf(qual, sizeof qual, "Random.%s", name);
    if (!args_kw_only_py(vm, qual, kw, accepted)) return false;
    if (nargs > 3) {
        exc_raise(vm, E_TypeError, "Random.%s() takes from 1 to 3 positional arguments but %d were given", name, nargs);
        return false;
    }
    Value m = nargs > 1 ? args[1] : args_kw(vm, args, nargs, kw, "mu");
    Value s = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "sigma");
    *mu = 0.0, *sigma = 1.0;
    return (m == UNDEF || float_arg(vm, m, mu)) && (s == UNDEF || float_arg(vm, s, sigma));
}

static Value r_gauss(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Source src;
    double mu, sigma, z;
    if (!source_init(vm, args[0], &src) || !mu_sigma(vm, args, nargs, kw, "gauss", &mu, &sigma)) return ERR;
    MTState *st = src.st;
    if (st->has_gauss) {
        z = st->gauss_next;
        st->has_gauss = 0;
    } else {
        double x2pi = src_random(&src) * 2.0 * M_PI;
        double g2rad = sqrt(-2.0 * log(1.0 - src_random(&src)));
        if (src.failed) return ERR;
        z = cos(x2pi) * g2rad;
        st->gauss_next = sin(x2pi) * g2rad;
        st->has_gauss = 1;
    }
    return float_val(mu + z * sigma);
}

static Value r_normalvariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Source src;
    double mu, sigma, z;
    if (!source_init(vm, args[0], &src) || !mu_sigma(vm, args, nargs, kw, "normalvariate", &mu, &sigma)) return ERR;
    const double magic = 4 * exp(-0.5) / sqrt(2.0);
    for (;;) {
        double u1 = src_random(&src), u2 = 1.0 - src_random(&src);
        if (src.failed) return ERR;
        z = magic * (u1 - 0.5) / u2;
        if (z * z / 4.0 <= -log(u2)) break;
    }
    return float_val(mu + z * sigma);
}

static Value r_expovariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("expovariate", 0, 1);
    double lambd = 1.0;     /* 3.12's default */
    if (nargs > 1 && !float_arg(vm, args[1], &lambd)) return ERR;
    if (lambd == 0.0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
    double r = src_random(&src);
    return src.failed ? ERR : float_val(-log(1.0 - r) / lambd);
}

/* The remaining distributions follow CPython's algorithms step by step, so
 * that they draw the same numbers from the generator. */

static double py_fmod_pos(double x, double m) {
    double r = fmod(x, m);
    return r < 0 ? r + m : r;
}

static Value r_lognormvariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Value z = r_normalvariate(vm, args, nargs, kw);
    return z == ERR ? ERR : float_val(exp(as_float(z)));
}

static Value r_vonmisesvariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("vonmisesvariate", 2, 2);
    double mu, kappa, z;
    if (!float_arg(vm, args[1], &mu) || !float_arg(vm, args[2], &kappa)) return ERR;
    if (kappa <= 1e-6) {
        double r = src_random(&src);
        return src.failed ? ERR : float_val(2.0 * M_PI * r);
    }
    double s = 0.5 / kappa, r = s + sqrt(1.0 + s * s);
    for (;;) {
        z = cos(M_PI * src_random(&src));
        double d = z / (r + z), u2 = src_random(&src);
        if (src.failed) return ERR;
        if (u2 < 1.0 - d * d || u2 <= (1.0 - d) * exp(d)) break;
    }
    double q = 1.0 / r, f = (q + z) / (1.0 + q * z);
    double theta = src_random(&src) > 0.5 ? mu + acos(f) : mu - acos(f);
    if (src.failed) return ERR;
    return float_val(py_fmod_pos(theta, 2.0 * M_PI));
}

/* gammavariate(alpha, beta); false after raising. */
static bool gamma_draw(VM *vm, Source *src, double alpha, double beta, double *out) {
    if (alpha <= 0.0 || beta <= 0.0) {
        exc_raise(vm, E_ValueError, "gammavariate: alpha and beta must be > 0.0");
        return false;
    }
    if (alpha > 1.0) {
        /* Cheng's algorithm GB */
        double ainv = sqrt(2.0 * alpha - 1.0), bbb = alpha - log(4.0), ccc = alpha + ainv;
        for (;;) {
            double u1 = src_random(src);
            if (src->failed) return false;
            if (!(1e-7 < u1 && u1 < 0.9999999)) continue;
            double u2 = 1.0 - src_random(src);
            double v = log(u1 / (1.0 - u1)) / ainv, x = alpha * exp(v);
            double z = u1 * u1 * u2, r = bbb + ccc * v - x;
            if (r + (1.0 + log(4.5)) - 4.5 * z >= 0.0 || r >= log(z)) { *out = x * beta; return true; }
        }
    }
    if (alpha == 1.0) { *out = -log(1.0 - src_random(src)) * beta; return !src->failed; }
    /* alpha < 1: the algorithm GS of Statistical Computing (Kennedy & Gentle) */
    double x;
    for (;;) {
        double u = src_random(src), b = (M_E + alpha) / M_E, p = b * u;
        x = p <= 1.0 ? pow(p, 1.0 / alpha) : -log((b - p) / alpha);
        double u1 = src_random(src);
        if (src->failed) return false;
        if (p > 1.0 ? u1 <= pow(x, alpha - 1.0) : u1 <= exp(-x)) break;
    }
    *out = x * beta;
    return true;
}

static Value r_gammavariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("gammavariate", 2, 2);
    double alpha, beta, x;
    if (!float_arg(vm, args[1], &alpha) || !float_arg(vm, args[2], &beta)) return ERR;
    return gamma_draw(vm, &src, alpha, beta, &x) ? float_val(x) : ERR;
}

/* betavariate's self.gammavariate(alpha, 1.0): the native draw unless a
 * subclass (or a patch) replaced gammavariate. */
static bool gamma_of(VM *vm, Source *src, double alpha, double *out) {
    ObjStr *name = str_intern_cstr(vm, "gammavariate");
    if (!name) return false;
    if (!overridden(src->self, type_of(vm, src->self), name, r_gammavariate)) return gamma_draw(vm, src, alpha, 1.0, out);
    Value r = op_call_method(vm, src->self, name, (Value[]){float_val(alpha), float_val(1.0)}, 2);
    return r != ERR && float_arg(vm, r, out);
}

static Value r_betavariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("betavariate", 2, 2);
    double alpha, beta, y, z;
    if (!float_arg(vm, args[1], &alpha) || !float_arg(vm, args[2], &beta)) return ERR;
    if (!gamma_of(vm, &src, alpha, &y)) return ERR;
    if (y == 0.0) return float_val(0.0);
    return gamma_of(vm, &src, beta, &z) ? float_val(y / (y + z)) : ERR;
}

static Value r_paretovariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("paretovariate", 1, 1);
    double alpha;
    if (!float_arg(vm, args[1], &alpha)) return ERR;
    if (alpha == 0.0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
    double r = src_random(&src);
    return src.failed ? ERR : float_val(pow(1.0 - r, -1.0 / alpha));
}

static Value r_weibullvariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    DRAWING_METHOD("weibullvariate", 2, 2);
    double alpha, beta;
    if (!float_arg(vm, args[1], &alpha) || !float_arg(vm, args[2], &beta)) return ERR;
    if (beta == 0.0) return exc_raise(vm, E_ZeroDivisionError, "float division by zero");
    double r = src_random(&src);
    return src.failed ? ERR : float_val(alpha * pow(-log(1.0 - r), 1.0 / beta));
}

/* binomialvariate(n=1, p=0.5), 3.12: the number of successes in n trials,
 * by CPython's methods so that a seed gives the same numbers: one draw for
 * n == 1, Devroye's geometric method while n*p < 10, else Hörmann's BTRS
 * (transformed rejection with a squeeze), with p <= 0.5 by symmetry. */
static int64_t binomial_draw(Source *src, int64_t n, double p) {
    if (n == 1) return src_random(src) < p;
    if (p > 0.5) return n - binomial_draw(src, n, 1.0 - p);
    if ((double)n * p < 10.0) {
        double c = log2(1.0 - p);
        int64_t x = 0, y = 0;
        if (c == 0.0) return 0;
        for (;;) {
            y += (int64_t)floor(log2(src_random(src)) / c) + 1;
            if (y > n || src->failed) return x;
            x++;
        }
    }
    double spq = sqrt((double)n * p * (1.0 - p));
    double b = 1.15 + 2.53 * spq, a = -0.0873 + 0.0248 * b + 0.01 * p;
    double c = (double)n * p + 0.5, vr = 0.92 - 4.2 / b;
    double alpha = (2.83 + 5.1 / b) * spq, lpq = log(p / (1.0 - p));
    double m = floor((double)(n + 1) * p), h = lgamma(m + 1) + lgamma((double)n - m + 1);
    for (;;) {
        double u = src_random(src) - 0.5, us = 0.5 - fabs(u);
        if (src->failed) return 0;
        double k = floor((2.0 * a / us + b) * u + c);
        if (k < 0 || k > (double)n) continue;
        double v = src_random(src);
        if (src->failed) return 0;
        if (us >= 0.07 && v <= vr) return (int64_t)k;     /* the squeeze */
        v *= alpha / (a / (us * us) + b);
        if (log(v) <= h - lgamma(k + 1) - lgamma((double)n - k + 1) + (k - m) * lpq) return (int64_t)k;
    }
}

static Value r_binomialvariate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const accepted[] = {"n", "p", NULL};
    Source src;
    if (!source_init(vm, args[0], &src) || !args_kw_only_py(vm, "Random.binomialvariate", kw, accepted)) return ERR;
    if (nargs > 3)
        return exc_raise(vm, E_TypeError,
                         "Random.binomialvariate() takes from 1 to 3 positional arguments but %d were given", nargs);
    Value nv = nargs > 1 ? args[1] : args_kw(vm, args, nargs, kw, "n");
    Value pv = nargs > 2 ? args[2] : args_kw(vm, args, nargs, kw, "p");
    int64_t n = 1;
    double p = 0.5;
    /* (CPython's first look at n is `n < 0`) */
    if (nv != UNDEF && !is_intlike(nv) && op_compare_bool(vm, CMP_LT, nv, int_val(0)) < 0) return ERR;
    if (nv != UNDEF && !ssize_value(vm, nv, &n)) return ERR;
    if (pv != UNDEF && !float_arg(vm, pv, &p)) return ERR;
    if (n < 0) return exc_raise(vm, E_ValueError, "n must be non-negative");
    if (p == 0.0) return int_val(0);
    if (p == 1.0) return int_from_i64(vm, n);
    if (!(p > 0.0 && p < 1.0)) return exc_raise(vm, E_ValueError, "p must be in the range 0.0 <= p <= 1.0");
    int64_t x = binomial_draw(&src, n, p);
    return src.failed ? ERR : int_from_i64(vm, x);
}

/* The state as CPython gives it: (3, (mt[0], ..., mt[623], index), gauss_next). */
static Value no_state(VM *vm) {
    return exc_raise(vm, E_NotImplementedError, "System entropy source does not have state.");
}

static Value r_getstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    METHOD("getstate", 0, 0);
    if (st->system) return no_state(vm);
    ObjTuple *words = tuple_new(vm, MT_N + 1);
    if (!words) return ERR;
    for (int i = 0; i < MT_N; i++) words->items[i] = int_val((int64_t)st->mt[i]);
    words->items[MT_N] = int_val(st->mti);
    if (!vm_push_root(vm, obj_val(words))) return ERR;
    ObjTuple *t = tuple_from(vm, (Value[]){int_val(3), obj_val(words), st->has_gauss ? float_val(st->gauss_next) : NONE_VAL}, 3);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

/* The words of a state into ns: version 3's tuple as it is; version 2's
 * (any iterable) taken modulo 2**32, where CPython's ValueError while
 * converting them becomes a TypeError. */
static bool load_words(VM *vm, Value words, bool v2, MTState *ns) {
    ObjList *l = NULL;
    if (!is_tuple(words)) {
        if (!v2) { exc_raise(vm, E_TypeError, "state vector must be a tuple"); return false; }
        l = op_to_list(vm, words);
        if (!l) {
            if (class_is_subclass(type_of(vm, vm->exc), vm->exc_types[E_ValueError]))
                exc_raise_value(vm, obj_val(vm->exc_types[E_TypeError]));
            return false;
        }
        if (!vm_push_root(vm, obj_val(l))) return false;
    }
    Value *items = l ? l->items : AS(ObjTuple, words)->items;
    int64_t len = l ? l->len : AS(ObjTuple, words)->len;
    bool ok = len == MT_N + 1;
    if (!ok) exc_raise(vm, E_ValueError, "state vector is the wrong size");
    for (int i = 0; ok && i <= MT_N; i++) {
        Value x = items[i];
        if (v2) x = op_binary(vm, BIN_MOD, x, int_from_u64(vm, 1ull << 32));   /* x % 2**32, whatever x is */
        int64_t v;
        if (x == ERR) ok = false;
        else if (!is_intlike(x)) ok = !exc_raise(vm, E_TypeError, "state vector items must be integers");
        else if (!int_to_i64(x, &v) || v < 0 || v > 0xFFFFFFFFLL)
            ok = !exc_raise(vm, E_OverflowError, "state vector item out of range");
        else if (i < MT_N) ns->mt[i] = (uint32_t)v;
        else if (v > MT_N) ok = !exc_raise(vm, E_ValueError, "invalid state");
        else ns->mti = (int32_t)v;
    }
    if (l) vm_pop_roots(vm, 1);
    return ok;
}

static Value r_setstate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    METHOD("setstate", 1, 1);
    if (st->system) return no_state(vm);
    Value s = args[1];
    if (!is_tuple(s) || AS(ObjTuple, s)->len != 3) return exc_raise(vm, E_TypeError, "state vector must be a tuple");
    ObjTuple *t = AS(ObjTuple, s);
    if (!is_int(t->items[0]) || as_int(t->items[0]) < 2 || as_int(t->items[0]) > 3)
        return exc_raise(vm, E_ValueError, "state with version %R passed to Random.setstate() of version 3", t->items[0]);
    MTState ns = *st;
    if (!load_words(vm, t->items[1], as_int(t->items[0]) == 2, &ns)) return ERR;
    ns.has_gauss = t->items[2] != NONE_VAL;
    if (ns.has_gauss && !float_arg(vm, t->items[2], &ns.gauss_next)) return ERR;
    *st = ns;
    return NONE_VAL;
}

/* Pickling goes through the state, as CPython's Random.__reduce__:
 * (class, (), getstate()); SystemRandom has none to give. */
static Value r_reduce(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__reduce__", nargs - 1, kw, 0, 0)) return ERR;
    ObjStr *name = str_intern_cstr(vm, "getstate");
    Value state = name ? op_call_method(vm, args[0], name, NULL, 0) : ERR;
    if (state == ERR || !vm_push_root(vm, state)) return ERR;
    ObjTuple *empty = tuple_new(vm, 0);
    ObjTuple *t = empty ? tuple_from(vm, (Value[]){obj_val(type_of(vm, args[0])), obj_val(empty), state}, 3) : NULL;
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

static Value r_setstate_pickled(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__setstate__", nargs - 1, kw, 1, 1)) return ERR;
    ObjStr *name = str_intern_cstr(vm, "setstate");
    return name ? op_call_method(vm, args[0], name, &args[1], 1) : ERR;
}

/* SystemRandom(x=None): a Random drawing from the kernel (x is ignored). */
static Value sr_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "SystemRandom", nargs - 1, kw, 0, 1) || r_init(vm, args, 1, NULL) == ERR) return ERR;
    MTState *st = state_of(vm, args[0]);
    if (!st) return ERR;
    st->system = 1;
    return NONE_VAL;
}

/* ---- the module ---------------------------------------------------------------- */

static const struct { const char *name; NativeFn fn; } methods[] = {
    {"seed", r_seed}, {"random", r_random}, {"getrandbits", r_getrandbits}, {"randbytes", r_randbytes},
    {"randrange", r_randrange}, {"randint", r_randint}, {"choice", r_choice}, {"shuffle", r_shuffle},
    {"sample", r_sample}, {"choices", r_choices}, {"uniform", r_uniform}, {"triangular", r_triangular},
    {"gauss", r_gauss}, {"normalvariate", r_normalvariate}, {"expovariate", r_expovariate},
    {"lognormvariate", r_lognormvariate}, {"vonmisesvariate", r_vonmisesvariate},
    {"gammavariate", r_gammavariate}, {"betavariate", r_betavariate}, {"paretovariate", r_paretovariate},
    {"weibullvariate", r_weibullvariate}, {"binomialvariate", r_binomialvariate}, {"getstate", r_getstate}, {"setstate", r_setstate},
    {"__reduce__", r_reduce}, {"__setstate__", r_setstate_pickled},
};

bool mod_random_init(VM *vm, ObjModule *m) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_new(vm, 0);
    ObjStr *name = str_intern_cstr(vm, "Random");
    if (!ns || !bases || !name) return false;
    if (dict_set_str(vm, ns, vm_name(vm, N___module__), str_from_cstr(vm, "random")) < 0) return false;
    Value cls = class_new(vm, name, bases, ns);
    if (cls == ERR || !class_add_native(vm, AS(ObjClass, cls), "__init__", r_init)) return false;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, AS(ObjClass, cls), methods[i].name, methods[i].fn)) return false;
    }
    if (!module_add_value(vm, m, "Random", cls)) return false;
    ObjDict *sns = dict_new(vm);
    ObjTuple *sbases = sns ? tuple_from(vm, &cls, 1) : NULL;
    ObjStr *sname = str_intern_cstr(vm, "SystemRandom");
    if (!sbases || !sname || dict_set_str(vm, sns, vm_name(vm, N___module__), str_from_cstr(vm, "random")) < 0)
        return false;
    Value scls = class_new(vm, sname, sbases, sns);
    if (scls == ERR || !class_add_native(vm, AS(ObjClass, scls), "__init__", sr_init) ||
        !module_add_value(vm, m, "SystemRandom", scls))
        return false;
    /* CPython's module constants, and its __all__ */
    static const struct { const char *name; double v; } consts[] = {
        {"NV_MAGICCONST", 1.7155277699214135}, {"TWOPI", 6.283185307179586}, {"LOG4", 1.3862943611198906},
        {"SG_MAGICCONST", 2.504077396776274}, {"RECIP_BPF", 1.1102230246251565e-16},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++) {
        if (!module_add_value(vm, m, consts[i].name, float_val(consts[i].v))) return false;
    }
    static const char *const all[] = {
        "Random", "SystemRandom", "betavariate", "binomialvariate", "choice", "choices", "expovariate",
        "gammavariate", "gauss", "getrandbits", "getstate", "lognormvariate", "normalvariate", "paretovariate",
        "randbytes", "randint", "random", "randrange", "sample", "seed", "setstate", "shuffle", "triangular",
        "uniform", "vonmisesvariate", "weibullvariate", NULL};
    if (!module_add_value(vm, m, "BPF", int_val(53)) || !module_add_all(vm, m, all)) return false;
    ObjInstance *inst = instance_new(vm, AS(ObjClass, cls));
    if (!inst) return false;
    Value self = obj_val(inst);
    if (r_init(vm, &self, 1, NULL) == ERR || !module_add_value(vm, m, "_inst", self)) return false;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (methods[i].name[0] == '_') continue;     /* __reduce__ and __setstate__ are not module functions */
        Value f = dict_get_str(AS(ObjClass, cls)->dict, str_intern_cstr(vm, methods[i].name));
        if (!module_add_value(vm, m, methods[i].name, bound_new(vm, self, f))) return false;
    }
    return true;
}
