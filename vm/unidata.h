/* The Unicode Character Database (15.0.0), from tables generated at build
 * time by tools/gen_unidata.c: character properties, names (both ways),
 * decompositions and compositions. Used by the unicodedata module and the
 * parser's \N{...} escapes; normalization is in unidata_norm.c. */
#ifndef ASY_UNIDATA_H
#define ASY_UNIDATA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNIDATA_VERSION "15.0.0"
#define UNIDATA_NAME_MAX 128     /* the longest name is 88 bytes */
#define UNIDATA_NAME_LIMIT 256   /* longer names are refused outright, as CPython does */
#define UNIDATA_DECOMP_MAX 32    /* code points in one decomposition (18 at most today) */

typedef struct UniRecord {
    uint8_t category, bidi, combining, mirrored, eaw;
} UniRecord;

const UniRecord *unidata_record(uint32_t cp);
const char *unidata_category(uint32_t cp);        /* "Lu", ... "Cn" */
const char *unidata_bidirectional(uint32_t cp);   /* "" when unassigned */
const char *unidata_east_asian_width(uint32_t cp);
/* The numeric value, and whether cp is a digit and a decimal digit (whose
 * values are the numeric value); false when cp has none. */
bool unidata_numeric(uint32_t cp, double *value, bool *digit, bool *decimal);

/* cp's decomposition mapping: its code points into out (0 when it has
 * none) and its tag ("" for a canonical one, else "compat", "font", ...).
 * Hangul syllables are left to the caller (unidata_norm.c). */
int unidata_decomposition(uint32_t cp, const char **tag, uint32_t out[UNIDATA_DECOMP_MAX]);
/* The primary composite of a pair, or 0. */
uint32_t unidata_compose(uint32_t first, uint32_t second);

/* cp's name into buf (NUL-terminated); its length, or 0 when it has none. */
size_t unidata_name(uint32_t cp, char buf[UNIDATA_NAME_MAX]);
/* The code points a name stands for (CPython's rules: stored names and
 * aliases case-insensitively, the algorithmic ones as spelt; named
 * sequences when asked): their number, 0 if it names nothing. */
int unidata_lookup(const char *name, size_t len, bool sequences, uint32_t out[4]);

/* Hangul syllables: composed and decomposed algorithmically (UAX #15). */
enum { HANGUL_S = 0xAC00, HANGUL_L = 0x1100, HANGUL_V = 0x1161, HANGUL_T = 0x11A7,
       HANGUL_LCOUNT = 19, HANGUL_VCOUNT = 21, HANGUL_TCOUNT = 28,
       HANGUL_NCOUNT = HANGUL_VCOUNT * HANGUL_TCOUNT, HANGUL_SCOUNT = HANGUL_LCOUNT * HANGUL_NCOUNT };
#endif
