/* The hash of str and bytes: SipHash-1-3 under an all-zero key, which is
 * what CPython 3.12 computes when PYTHONHASHSEED=0. A set's order depends
 * on its members' hashes, and set.c's table is CPython's probe for probe,
 * so a set of strings prints as that CPython prints it. A str is hashed
 * as CPython stores it: one byte per code point when all are below 256,
 * else two (all below 0x10000), else four, little-endian. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "str.h"

typedef struct Sip {
    uint64_t v0, v1, v2, v3;
    uint64_t tail;      /* bytes not yet in a full 8-byte block, little-endian */
    unsigned ntail;
} Sip;

static inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

static inline void sip_round(Sip *s) {
    s->v0 += s->v1; s->v1 = rotl(s->v1, 13); s->v1 ^= s->v0; s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3; s->v3 = rotl(s->v3, 16); s->v3 ^= s->v2;
    s->v0 += s->v3; s->v3 = rotl(s->v3, 21); s->v3 ^= s->v0;
    s->v2 += s->v1; s->v1 = rotl(s->v1, 17); s->v1 ^= s->v2; s->v2 = rotl(s->v2, 32);
}

static inline void sip_block(Sip *s, uint64_t m) {
    s->v3 ^= m;
    sip_round(s);
    s->v0 ^= m;
}

static void sip_init(Sip *s) {
    /* "somepseudorandomlygeneratedbytes" xor the (zero) key */
    *s = (Sip){0x736f6d6570736575ull, 0x646f72616e646f6dull, 0x6c7967656e657261ull, 0x7465646279746573ull, 0, 0};
}

/* The last block carries the total length in its top byte; the result is
 * CPython's Py_hash_t as bits, -1 (its error value) becoming -2. */
static inline uint64_t sip_final(Sip *s, size_t total) {
    sip_block(s, s->tail | ((uint64_t)total << 56));
    s->v2 ^= 0xff;
    sip_round(s);
    sip_round(s);
    sip_round(s);
    uint64_t h = s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
    return h == UINT64_MAX ? UINT64_MAX - 1 : h;
}

/* SipHash of n > 0 bytes; *high collects their bits (a byte >= 0x80
 * shows in 0x80 of some byte of it). */
static inline uint64_t sip_bytes(const unsigned char *p, size_t n, uint64_t *high) {
    Sip s;
    sip_init(&s);
    size_t i = 0;
    uint64_t seen = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t m;
        memcpy(&m, p + i, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        m = __builtin_bswap64(m);
#endif
        seen |= m;
        sip_block(&s, m);
    }
    const unsigned char *t = p + i;
    switch (n - i) {    /* the last 0 to 7 bytes, little-endian */
    case 7: s.tail |= (uint64_t)t[6] << 48; /* fall through */
    case 6: s.tail |= (uint64_t)t[5] << 40; /* fall through */
    case 5: s.tail |= (uint64_t)t[4] << 32; /* fall through */
    case 4: s.tail |= (uint64_t)t[3] << 24; /* fall through */
    case 3: s.tail |= (uint64_t)t[2] << 16; /* fall through */
    case 2: s.tail |= (uint64_t)t[1] << 8;  /* fall through */
    case 1: s.tail |= (uint64_t)t[0]; break;
    default: break;
    }
    *high = seen | s.tail;
    return sip_final(&s, n);
}

uint64_t hash_bytes(const void *data, size_t n) {
    uint64_t high;
    return n ? sip_bytes(data, n, &high) : 0;     /* hash('') and hash(b'') are 0, whatever the seed */
}

/* Appends one code point of `width` bytes to the stream. */
static void sip_feed(Sip *s, uint32_t cp, unsigned width) {
    for (unsigned k = 0; k < width; k++, cp >>= 8) {
        s->tail |= (uint64_t)(cp & 0xff) << (8 * s->ntail);
        if (++s->ntail == 8) {
            sip_block(s, s->tail);
            s->tail = 0;
            s->ntail = 0;
        }
    }
}

/* A str with a code point past 0x7F: CPython's 1-, 2- or 4-byte units. */
static uint64_t hash_wide(const char *p, size_t len) {
    uint32_t max = 0;
    size_t count = 0;
    for (size_t pos = 0; pos < len; count++) {
        uint32_t cp = utf8_decode(p, len, &pos);
        if (cp > max) max = cp;
    }
    unsigned width = max < 0x100 ? 1 : max < 0x10000 ? 2 : 4;
    Sip s;
    sip_init(&s);
    for (size_t pos = 0; pos < len;) sip_feed(&s, utf8_decode(p, len, &pos), width);
    return sip_final(&s, count * width);
}

uint64_t hash_utf8(const char *p, size_t len) {
    uint64_t high;
    uint64_t h = len ? sip_bytes((const unsigned char *)p, len, &high) : 0;
    /* ASCII bytes are CPython's 1-byte units as they are */
    return !len || !(high & 0x8080808080808080ull) ? h : hash_wide(p, len);
}
