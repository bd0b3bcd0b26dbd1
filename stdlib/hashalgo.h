/* The message digests behind hashlib, written for Asy from their
 * specifications: MD5 (RFC 1321), SHA-1 and SHA-2 (FIPS 180-4), SHA-3 and
 * SHAKE (FIPS 202), BLAKE2b and BLAKE2s (RFC 7693). Pure C, no VM: a
 * HashCtx is plain data that may be copied with memcpy (hash.copy()). */
#ifndef ASY_HASHALGO_H
#define ASY_HASHALGO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum HashId {
    H_MD5, H_SHA1, H_SHA224, H_SHA256, H_SHA384, H_SHA512,
    H_SHA3_224, H_SHA3_256, H_SHA3_384, H_SHA3_512, H_SHAKE128, H_SHAKE256,
    H_BLAKE2B, H_BLAKE2S, H_COUNT
} HashId;

typedef struct HashInfo {
    const char *name;       /* hashlib's name: "sha3_256", "blake2b", ... */
    int digest_size;        /* the default; 0 for SHAKE (variable) */
    int block_size;
} HashInfo;

typedef struct HashCtx {
    HashId id;
    int digest_size;        /* BLAKE2: as chosen; else the default */
    uint64_t count[2];      /* bytes hashed (BLAKE2: its 128-bit counter t) */
    uint8_t buf[168];       /* the partial block (a block for BLAKE2) */
    size_t nbuf;
    union {
        uint32_t w32[8];
        uint64_t w64[25];
    } h;
} HashCtx;

const HashInfo *hash_info(HashId id);
/* The id of a hashlib name, or -1. */
int hash_lookup(const char *name);

void hash_init(HashCtx *c, HashId id);
/* BLAKE2 with its parameters; the caller checks the lengths (digest 1..64
 * or 1..32 bytes, key up to the digest's maximum, salt and person up to
 * 16 or 8 bytes). */
void hash_init_blake2(HashCtx *c, HashId id, int digest_size, const uint8_t *key, size_t keylen,
                      const uint8_t *salt, size_t saltlen, const uint8_t *person, size_t personlen);
void hash_update(HashCtx *c, const uint8_t *p, size_t n);
/* Writes the digest of what was hashed so far (outlen bytes: the digest
 * size, or any length for SHAKE); c itself is left as it was. */
void hash_final(const HashCtx *c, uint8_t *out, size_t outlen);

#endif
