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

/* What str's methods ask of a character (CPython's type records): the
 * UNI_* flags, and the case mappings as deltas (the mapping is cp +
 * delta[kind]; a delta of 0 where the mapping changes cp stands for one
 * longer than a code point, see unidata_special_case). */
enum {
    UNI_ALPHA = 1, UNI_DECIMAL = 2, UNI_DIGIT = 4, UNI_NUMERIC = 8, UNI_SPACE = 16,
    UNI_PRINTABLE = 32, UNI_LOWER = 64, UNI_UPPER = 128, UNI_TITLE = 256,
    UNI_XID_START = 512, UNI_XID_CONTINUE = 1024, UNI_CASED = 2048, UNI_CASE_IGNORABLE = 4096
};
enum { UNI_CASE_UPPER, UNI_CASE_LOWER, UNI_CASE_TITLE, UNI_CASE_FOLD };
typedef struct UniCtype {
    uint16_t flags;
    int32_t delta[4];
} UniCtype;
const UniCtype *unidata_ctype(uint32_t cp);
/* A full case mapping (`kind`) longer than one code point, as UTF-8; NULL
 * when cp has none. */
const char *unidata_special_case(uint32_t cp, int kind);
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
