/* The message digests (see hashalgo.h). The constants are those of the
 * specifications; the tables of round constants were computed from their
 * definitions (sines, cube and square roots of primes, Keccak's LFSR). */
#include "hashalgo.h"

#include <string.h>

static const HashInfo infos[H_COUNT] = {
    {"md5", 16, 64}, {"sha1", 20, 64}, {"sha224", 28, 64}, {"sha256", 32, 64},
    {"sha384", 48, 128}, {"sha512", 64, 128},
    {"sha3_224", 28, 144}, {"sha3_256", 32, 136}, {"sha3_384", 48, 104}, {"sha3_512", 64, 72},
    {"shake_128", 0, 168}, {"shake_256", 0, 136},
    {"blake2b", 64, 128}, {"blake2s", 32, 64},
};

const HashInfo *hash_info(HashId id) { return &infos[id]; }

int hash_lookup(const char *name) {
    for (int i = 0; i < H_COUNT; i++) {
        if (strcmp(infos[i].name, name) == 0) return i;
    }
    return -1;
}

static uint32_t rol32(uint32_t x, int n) { return (x << n) | (x >> ((32 - n) & 31)); }
static uint32_t ror32(uint32_t x, int n) { return (x >> n) | (x << ((32 - n) & 31)); }
static uint64_t rol64(uint64_t x, int n) { return (x << n) | (x >> ((64 - n) & 63)); }
static uint64_t ror64(uint64_t x, int n) { return (x >> n) | (x << ((64 - n) & 63)); }

static uint32_t le32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

static void put_le32(uint8_t *p, uint32_t x) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(x >> (8 * i)); }
static void put_be32(uint8_t *p, uint32_t x) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(x >> (24 - 8 * i)); }
static void put_le64(uint8_t *p, uint64_t x) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(x >> (8 * i)); }
static void put_be64(uint8_t *p, uint64_t x) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(x >> (56 - 8 * i)); }

/* ---- MD5 ------------------------------------------------------------------ */

static const uint32_t md5_k[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};
static const uint8_t md5_r[16] = {7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21};

static void md5_block(uint32_t *h, const uint8_t *p) {
    uint32_t m[16], a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 16; i++) m[i] = le32(p + 4 * i);
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g, round = i / 16;
        if (round == 0) f = (b & c) | (~b & d), g = i;
        else if (round == 1) f = (d & b) | (~d & c), g = (5 * i + 1) % 16;
        else if (round == 2) f = b ^ c ^ d, g = (3 * i + 5) % 16;
        else f = c ^ (b | ~d), g = (7 * i) % 16;
        uint32_t t = d;
        d = c, c = b;
        b = b + rol32(a + f + md5_k[i] + m[g], md5_r[round * 4 + i % 4]);
        a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d;
}

/* ---- SHA-1 ------------------------------------------------------------------ */

static void sha1_block(uint32_t *h, const uint8_t *p) {
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 16; i++) w[i] = be32(p + 4 * i);
    for (int i = 16; i < 80; i++) w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) f = (b & c) | (~b & d), k = 0x5a827999u;
        else if (i < 40) f = b ^ c ^ d, k = 0x6ed9eba1u;
        else if (i < 60) f = (b & c) | (b & d) | (c & d), k = 0x8f1bbcdcu;
        else f = b ^ c ^ d, k = 0xca62c1d6u;
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d, d = c, c = rol32(b, 30), b = a, a = t;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e;
}

/* ---- SHA-256 and SHA-224 ------------------------------------------------------ */

static const uint32_t sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
    0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
    0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
    0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};
static const uint32_t sha256_h0[8] = {
    0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
    0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
};
static const uint32_t sha224_h0[8] = {
    0xc1059ed8u, 0x367cd507u, 0x3070dd17u, 0xf70e5939u,
    0xffc00b31u, 0x68581511u, 0x64f98fa7u, 0xbefa4fa4u,
};

static void sha256_block(uint32_t *h, const uint8_t *p) {
    uint32_t w[64], s[8];
    for (int i = 0; i < 16; i++) w[i] = be32(p + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(s, h, sizeof s);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = s[7] + (ror32(s[4], 6) ^ ror32(s[4], 11) ^ ror32(s[4], 25)) + ((s[4] & s[5]) ^ (~s[4] & s[6])) +
                      sha256_k[i] + w[i];
        uint32_t t2 = (ror32(s[0], 2) ^ ror32(s[0], 13) ^ ror32(s[0], 22)) + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
        memmove(s + 1, s, 7 * sizeof s[0]);
        s[4] += t1;
        s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) h[i] += s[i];
}

/* ---- SHA-512 and SHA-384 ------------------------------------------------------ */

static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull,
    0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull,
    0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull,
    0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull,
    0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull,
    0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull,
    0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull,
    0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull,
    0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull,
    0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull,
    0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull,
    0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull,
    0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull,
    0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};
static const uint64_t sha512_h0[8] = {
    0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull,
    0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
    0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
    0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
};
static const uint64_t sha384_h0[8] = {
    0xcbbb9d5dc1059ed8ull, 0x629a292a367cd507ull,
    0x9159015a3070dd17ull, 0x152fecd8f70e5939ull,
    0x67332667ffc00b31ull, 0x8eb44a8768581511ull,
    0xdb0c2e0d64f98fa7ull, 0x47b5481dbefa4fa4ull,
};

static void sha512_block(uint64_t *h, const uint8_t *p) {
    uint64_t w[80], s[8];
    for (int i = 0; i < 16; i++) w[i] = be64(p + 8 * i);
    for (int i = 16; i < 80; i++) {
        uint64_t s0 = ror64(w[i - 15], 1) ^ ror64(w[i - 15], 8) ^ (w[i - 15] >> 7);
        uint64_t s1 = ror64(w[i - 2], 19) ^ ror64(w[i - 2], 61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(s, h, sizeof s);
    for (int i = 0; i < 80; i++) {
        uint64_t t1 = s[7] + (ror64(s[4], 14) ^ ror64(s[4], 18) ^ ror64(s[4], 41)) + ((s[4] & s[5]) ^ (~s[4] & s[6])) +
                      sha512_k[i] + w[i];
        uint64_t t2 = (ror64(s[0], 28) ^ ror64(s[0], 34) ^ ror64(s[0], 39)) + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
        memmove(s + 1, s, 7 * sizeof s[0]);
        s[4] += t1;
        s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++) h[i] += s[i];
}

/* ---- Keccak (SHA-3, SHAKE) ------------------------------------------------------ */

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull,
    0x800000000000808aull, 0x8000000080008000ull,
    0x000000000000808bull, 0x0000000080000001ull,
    0x8000000080008081ull, 0x8000000000008009ull,
    0x000000000000008aull, 0x0000000000000088ull,
    0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull,
    0x8000000000008089ull, 0x8000000000008003ull,
    0x8000000000008002ull, 0x8000000000000080ull,
    0x000000000000800aull, 0x800000008000000aull,
    0x8000000080008081ull, 0x8000000000008080ull,
    0x0000000080000001ull, 0x8000000080008008ull,
};
static const uint8_t keccak_rho[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static void keccak_f(uint64_t *a) {
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], b[25];
        for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; x++) {
            uint64_t d = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5) a[y + x] ^= d;
        }
        /* rho and pi: lane (x, y) moves to (y, 2x + 3y) */
        for (int x = 0; x < 5; x++) {
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rol64(a[x + 5 * y], keccak_rho[x + 5 * y]);
        }
        for (int y = 0; y < 25; y += 5) {
            for (int x = 0; x < 5; x++) a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
        }
        a[0] ^= keccak_rc[round];
    }
}

static void keccak_absorb(uint64_t *a, const uint8_t *p, int rate) {
    for (int i = 0; i < rate / 8; i++) a[i] ^= le64(p + 8 * i);
    keccak_f(a);
}

/* ---- BLAKE2 ------------------------------------------------------------------------ */

static const uint8_t blake2_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

#define G64(a, b, c, d, x, y) \
    (a = a + b + x, d = ror64(d ^ a, 32), c = c + d, b = ror64(b ^ c, 24), \
     a = a + b + y, d = ror64(d ^ a, 16), c = c + d, b = ror64(b ^ c, 63))
#define G32(a, b, c, d, x, y) \
    (a = a + b + x, d = ror32(d ^ a, 16), c = c + d, b = ror32(b ^ c, 12), \
     a = a + b + y, d = ror32(d ^ a, 8), c = c + d, b = ror32(b ^ c, 7))

static void blake2b_block(uint64_t *h, const uint8_t *p, const uint64_t *t, bool last) {
    uint64_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = le64(p + 8 * i);
    for (int i = 0; i < 8; i++) v[i] = h[i], v[i + 8] = sha512_h0[i];
    v[12] ^= t[0], v[13] ^= t[1];
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 12; r++) {
        const uint8_t *s = blake2_sigma[r % 10];
        G64(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
        G64(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
        G64(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
        G64(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
        G64(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
        G64(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
        G64(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
        G64(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static void blake2s_block(uint32_t *h, const uint8_t *p, const uint64_t *t, bool last) {
    uint32_t m[16], v[16];
    for (int i = 0; i < 16; i++) m[i] = le32(p + 4 * i);
    for (int i = 0; i < 8; i++) v[i] = h[i], v[i + 8] = sha256_h0[i];
    v[12] ^= (uint32_t)t[0], v[13] ^= (uint32_t)(t[0] >> 32);
    if (last) v[14] = ~v[14];
    for (int r = 0; r < 10; r++) {
        const uint8_t *s = blake2_sigma[r];
        G32(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
        G32(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
        G32(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
        G32(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
        G32(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
        G32(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
        G32(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
        G32(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
}

static bool is_blake2(HashId id) { return id == H_BLAKE2B || id == H_BLAKE2S; }
static bool is_keccak(HashId id) { return id >= H_SHA3_224 && id <= H_SHAKE256; }

static void count_add(uint64_t *count, size_t n) {
    count[0] += n;
    if (count[0] < n) count[1]++;
}

/* ---- the generic interface ------------------------------------------------------------- */

void hash_init(HashCtx *c, HashId id) {
    if (is_blake2(id)) {
        hash_init_blake2(c, id, infos[id].digest_size, NULL, 0, NULL, 0, NULL, 0);
        return;
    }
    memset(c, 0, sizeof *c);
    c->id = id;
    c->digest_size = infos[id].digest_size;
    static const uint32_t md5_h0[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
    static const uint32_t sha1_h0[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
    switch (id) {
    case H_MD5: memcpy(c->h.w32, md5_h0, sizeof md5_h0); break;
    case H_SHA1: memcpy(c->h.w32, sha1_h0, sizeof sha1_h0); break;
    case H_SHA224: memcpy(c->h.w32, sha224_h0, sizeof sha224_h0); break;
    case H_SHA256: memcpy(c->h.w32, sha256_h0, sizeof sha256_h0); break;
    case H_SHA384: memcpy(c->h.w64, sha384_h0, sizeof sha384_h0); break;
    case H_SHA512: memcpy(c->h.w64, sha512_h0, sizeof sha512_h0); break;
    default: break;     /* Keccak starts from zero */
    }
}

void hash_init_blake2(HashCtx *c, HashId id, int digest_size, const uint8_t *key, size_t keylen,
                      const uint8_t *salt, size_t saltlen, const uint8_t *person, size_t personlen) {
    memset(c, 0, sizeof *c);
    c->id = id;
    c->digest_size = digest_size;
    /* The parameter block: digest length, key length, fanout 1, depth 1,
     * then the salt and personalization, XORed into the IV. */
    uint8_t param[64] = {0};
    size_t half = id == H_BLAKE2B ? 16 : 8;
    param[0] = (uint8_t)digest_size, param[1] = (uint8_t)keylen, param[2] = 1, param[3] = 1;
    if (saltlen) memcpy(param + 2 * half, salt, saltlen);
    if (personlen) memcpy(param + 3 * half, person, personlen);
    for (int i = 0; i < 8; i++) {
        if (id == H_BLAKE2B) c->h.w64[i] = sha512_h0[i] ^ le64(param + 8 * i);
        else c->h.w32[i] = sha256_h0[i] ^ le32(param + 4 * i);
    }
    if (keylen) {
        memcpy(c->buf, key, keylen);
        c->nbuf = (size_t)infos[id].block_size;    /* the key is a whole (zero-padded) first block */
    }
}

static void md_block(HashCtx *c, const uint8_t *p) {
    switch (c->id) {
    case H_MD5: md5_block(c->h.w32, p); break;
    case H_SHA1: sha1_block(c->h.w32, p); break;
    case H_SHA224: case H_SHA256: sha256_block(c->h.w32, p); break;
    case H_SHA384: case H_SHA512: sha512_block(c->h.w64, p); break;
    default: keccak_absorb(c->h.w64, p, infos[c->id].block_size); break;
    }
}

static void blake2_block(HashCtx *c, const uint8_t *p, bool last) {
    if (c->id == H_BLAKE2B) blake2b_block(c->h.w64, p, c->count, last);
    else blake2s_block(c->h.w32, p, c->count, last);
}

void hash_update(HashCtx *c, const uint8_t *p, size_t n) {
    size_t bs = (size_t)infos[c->id].block_size;
    if (is_blake2(c->id)) {
        /* BLAKE2 compresses a full block only once more data follows: the
         * last block is compressed by hash_final with its flag set. */
        while (n) {
            if (c->nbuf == bs) {
                count_add(c->count, bs);
                blake2_block(c, c->buf, false);
                c->nbuf = 0;
            }
            size_t k = bs - c->nbuf < n ? bs - c->nbuf : n;
            memcpy(c->buf + c->nbuf, p, k);
            c->nbuf += k, p += k, n -= k;
        }
        return;
    }
    count_add(c->count, n);
    while (n) {
        if (c->nbuf == 0 && n >= bs) {
            md_block(c, p);
            p += bs, n -= bs;
            continue;
        }
        size_t k = bs - c->nbuf < n ? bs - c->nbuf : n;
        memcpy(c->buf + c->nbuf, p, k);
        c->nbuf += k, p += k, n -= k;
        if (c->nbuf == bs) {
            md_block(c, c->buf);
            c->nbuf = 0;
        }
    }
}

/* Merkle-Damgard padding: 0x80, zeros, then the length in bits. */
static void md_final(HashCtx *c, uint8_t *out) {
    size_t bs = (size_t)infos[c->id].block_size, lenbytes = bs == 128 ? 16 : 8;
    uint64_t bits_lo = c->count[0] << 3, bits_hi = c->count[1] << 3 | c->count[0] >> 61;
    uint8_t tail[16] = {0};
    if (c->id == H_MD5) put_le64(tail, bits_lo);
    else if (lenbytes == 8) put_be64(tail, bits_lo);
    else put_be64(tail, bits_hi), put_be64(tail + 8, bits_lo);
    uint8_t pad = 0x80, zero = 0;
    hash_update(c, &pad, 1);
    while (c->nbuf != bs - lenbytes) hash_update(c, &zero, 1);
    hash_update(c, tail, lenbytes);
    uint8_t full[64];
    for (int i = 0; i < 16; i++) {
        if (c->id == H_MD5) put_le32(full + 4 * i, c->h.w32[i % 8]);
        else if (bs == 64) put_be32(full + 4 * i, c->h.w32[i % 8]);
    }
    if (bs == 128) {
        for (int i = 0; i < 8; i++) put_be64(full + 8 * i, c->h.w64[i]);
    }
    memcpy(out, full, (size_t)c->digest_size);
}

static void keccak_final(HashCtx *c, uint8_t *out, size_t outlen) {
    size_t rate = (size_t)infos[c->id].block_size;
    memset(c->buf + c->nbuf, 0, rate - c->nbuf);
    c->buf[c->nbuf] ^= c->id >= H_SHAKE128 ? 0x1f : 0x06;
    c->buf[rate - 1] ^= 0x80;
    keccak_absorb(c->h.w64, c->buf, (int)rate);
    for (size_t done = 0; done < outlen;) {
        uint8_t block[168];
        for (size_t i = 0; i < rate / 8; i++) put_le64(block + 8 * i, c->h.w64[i]);
        size_t k = outlen - done < rate ? outlen - done : rate;
        memcpy(out + done, block, k);
        done += k;
        if (done < outlen) keccak_f(c->h.w64);
    }
}

static void blake2_final(HashCtx *c, uint8_t *out) {
    size_t bs = (size_t)infos[c->id].block_size;
    count_add(c->count, c->nbuf);
    memset(c->buf + c->nbuf, 0, bs - c->nbuf);
    blake2_block(c, c->buf, true);
    uint8_t full[64];
    for (int i = 0; i < 8; i++) {
        if (c->id == H_BLAKE2B) put_le64(full + 8 * i, c->h.w64[i]);
        else put_le32(full + 4 * i, c->h.w32[i]);
    }
    memcpy(out, full, (size_t)c->digest_size);
}

void hash_final(const HashCtx *ctx, uint8_t *out, size_t outlen) {
    HashCtx c = *ctx;
    if (is_keccak(c.id)) keccak_final(&c, out, outlen);
    else if (is_blake2(c.id)) blake2_final(&c, out);
    else md_final(&c, out);
}
