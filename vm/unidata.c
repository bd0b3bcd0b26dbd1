/* Lookups in the generated Unicode tables (see unidata.h and
 * tools/gen_unidata.c for their layout). */
#include "unidata.h"

#include <stdio.h>
#include <string.h>

#include "unidata_db.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A two-level table: the block's index, then the entry in the block. */
#define LOOKUP(NAME, cp)                                                     \
    (cp >= 0x110000 ? 0u                                                     \
                    : (unsigned)NAME##_data[((size_t)NAME##_index[cp >> NAME##_SHIFT] << NAME##_SHIFT) | \
                                            (cp & ((1u << NAME##_SHIFT) - 1))])

const UniRecord *unidata_record(uint32_t cp) {
    static const UniRecord unassigned = {0, 0, 0, 0, 0};
    if (cp >= 0x110000) return &unassigned;
    return &unidata_records[LOOKUP(REC, cp)];
}

const UniCtype *unidata_ctype(uint32_t cp) { return &unidata_ctypes[LOOKUP(CTYPE, cp)]; }

const char *unidata_special_case(uint32_t cp, int kind) {
    static const char kinds[] = "ULTF";
    size_t n = COUNT(unidata_special_casing), lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (unidata_special_casing[mid].cp < cp) lo = mid + 1; else hi = mid;
    }
    for (; lo < n && unidata_special_casing[lo].cp == cp; lo++)
        if (unidata_special_casing[lo].kind == kinds[kind]) return unidata_special_casing[lo].to;
    return NULL;
}

const char *unidata_category(uint32_t cp) { return unidata_categories[unidata_record(cp)->category]; }
const char *unidata_bidirectional(uint32_t cp) { return unidata_bidis[unidata_record(cp)->bidi]; }
const char *unidata_east_asian_width(uint32_t cp) { return unidata_widths[unidata_record(cp)->eaw]; }

bool unidata_numeric(uint32_t cp, double *value, bool *digit, bool *decimal) {
    size_t lo = 0, hi = COUNT(numeric_cps);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (numeric_cps[mid] < cp) lo = mid + 1; else hi = mid;
    }
    if (lo == COUNT(numeric_cps) || numeric_cps[lo] != cp) return false;
    *value = numeric_values[numeric_idx[lo] >> 2];
    *digit = (numeric_idx[lo] & 3) != 0;
    *decimal = (numeric_idx[lo] & 3) == 2;
    return true;
}

/* ---- decomposition and composition ---- */

int unidata_decomposition(uint32_t cp, const char **tag, uint32_t out[UNIDATA_DECOMP_MAX]) {
    unsigned at = LOOKUP(DECOMP, cp);
    if (at == 0) return 0;
    unsigned head = decomp_data[at], n = head & 0xff;
    *tag = decomp_tags[head >> 8];
    const uint16_t *p = decomp_data + at + 1;
    for (unsigned i = 0; i < n && i < UNIDATA_DECOMP_MAX; i++) {
        uint32_t v = *p++;
        if (v >= 0xD800 && v < 0xDC00) v = (v - 0xD800) << 16 | *p++;   /* above 0xFFFF */
        out[i] = v;
    }
    return (int)n;
}

uint32_t unidata_compose(uint32_t first, uint32_t second) {
    size_t lo = 0, hi = COUNT(compose_pairs);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const uint32_t *p = compose_pairs[mid];
        if (p[0] < first || (p[0] == first && p[1] < second)) lo = mid + 1; else hi = mid;
    }
    if (lo < COUNT(compose_pairs) && compose_pairs[lo][0] == first && compose_pairs[lo][1] == second)
        return compose_pairs[lo][2];
    return 0;
}

/* ---- names: algorithmic ones ---- */

static const char *const jamo_l[HANGUL_LCOUNT] = {
    "G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S", "SS", "", "J", "JJ", "C", "K", "T", "P", "H"};
static const char *const jamo_v[HANGUL_VCOUNT] = {
    "A", "AE", "YA", "YAE", "EO", "E", "YEO", "YE", "O", "WA", "WAE",
    "OE", "YO", "U", "WEO", "WE", "WI", "YU", "EU", "YI", "I"};
static const char *const jamo_t[HANGUL_TCOUNT] = {
    "", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG", "LM", "LB", "LS", "LT",
    "LP", "LH", "M", "B", "BS", "S", "SS", "NG", "J", "C", "K", "T", "P", "H"};

static const char HANGUL_PREFIX[] = "HANGUL SYLLABLE ";
static const char CJK_PREFIX[] = "CJK UNIFIED IDEOGRAPH-";

static bool is_cjk_unified(uint32_t cp) {
    for (size_t i = 0; i < COUNT(cjk_ranges); i += 2)
        if (cp >= cjk_ranges[i] && cp <= cjk_ranges[i + 1]) return true;
    return false;
}

/* The longest jamo name at *p; advances past it. -1 if none (even empty). */
static int match_jamo(const char **p, const char *end, const char *const *names, int n) {
    int best = -1;
    size_t best_len = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (len <= (size_t)(end - *p) && memcmp(*p, names[i], len) == 0 && (best < 0 || len > best_len))
            best = i, best_len = len;
    }
    *p += best_len;
    return best;
}

static bool lookup_hangul(const char *name, size_t len, uint32_t *cp) {
    size_t plen = sizeof HANGUL_PREFIX - 1;
    if (len < plen || memcmp(name, HANGUL_PREFIX, plen) != 0) return false;
    const char *p = name + plen, *end = name + len;
    int l = match_jamo(&p, end, jamo_l, HANGUL_LCOUNT);
    int v = match_jamo(&p, end, jamo_v, HANGUL_VCOUNT);
    int t = match_jamo(&p, end, jamo_t, HANGUL_TCOUNT);
    if (l < 0 || v < 0 || t < 0 || p != end) return false;
    *cp = HANGUL_S + (uint32_t)((l * HANGUL_VCOUNT + v) * HANGUL_TCOUNT + t);
    return true;
}

/* Four or five upper-case hex digits of a unified ideograph. */
static bool lookup_cjk(const char *name, size_t len, uint32_t *cp) {
    size_t plen = sizeof CJK_PREFIX - 1;
    if (len < plen || memcmp(name, CJK_PREFIX, plen) != 0 || (len - plen != 4 && len - plen != 5))
        return false;
    uint32_t v = 0;
    for (size_t i = plen; i < len; i++) {
        char c = name[i];
        if (c >= '0' && c <= '9') v = v * 16 + (uint32_t)(c - '0');
        else if (c >= 'A' && c <= 'F') v = v * 16 + (uint32_t)(c - 'A' + 10);
        else return false;
    }
    *cp = v;
    return is_cjk_unified(v);
}

/* ---- names: the stored ones ---- */

/* The entry number of cp's stored name, or -1. */
static int name_entry(uint32_t cp) {
    size_t lo = 0, hi = COUNT(name_runs);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (name_runs[mid].start <= cp) lo = mid + 1; else hi = mid;
    }
    if (lo == 0) return -1;
    lo--;
    if (cp - name_runs[lo].start >= name_runs[lo].len) return -1;
    return name_runs[lo].first + (int)(cp - name_runs[lo].start);
}

/* The code point of entry i. */
static uint32_t entry_cp(int i) {
    size_t lo = 0, hi = COUNT(name_runs);
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (name_runs[mid].first <= i) lo = mid + 1; else hi = mid;
    }
    return name_runs[lo - 1].start + (uint32_t)(i - name_runs[lo - 1].first);
}

/* The encoded bytes of entry i: from its chunk's start, skipping names. */
static const uint8_t *entry_bytes(int i) {
    const uint8_t *p = name_phrases + name_chunks[i / NAME_CHUNK];
    for (int k = i % NAME_CHUNK; k > 0; p++) {
        if (*p == NAME_END) k--;
        else if (*p >= NAME_W1 && *p < NAME_HYPHEN) p++;   /* a two-byte word */
    }
    return p;
}

static size_t decode_entry(int i, char buf[UNIDATA_NAME_MAX]) {
    size_t n = 0;
    bool prev_word = false;
    for (const uint8_t *p = entry_bytes(i); *p != NAME_END; p++) {
        if (*p == NAME_HYPHEN || *p == NAME_SPACE) {
            buf[n++] = *p == NAME_HYPHEN ? '-' : ' ';
            prev_word = false;
        } else if (*p == NAME_HEX) {
            n += (size_t)snprintf(buf + n, UNIDATA_NAME_MAX - n, "-%04X", (unsigned)entry_cp(i));
        } else {
            unsigned r = *p;
            if (r >= NAME_W1) r = NAME_W1 + (r - NAME_W1) * 256 + *++p;
            if (prev_word) buf[n++] = ' ';
            size_t len = name_lexicon_off[r + 1] - name_lexicon_off[r];
            memcpy(buf + n, name_lexicon + name_lexicon_off[r], len);
            n += len;
            prev_word = true;
        }
    }
    buf[n] = 0;
    return n;
}

size_t unidata_name(uint32_t cp, char buf[UNIDATA_NAME_MAX]) {
    if (cp >= HANGUL_S && cp < HANGUL_S + HANGUL_SCOUNT) {
        uint32_t s = cp - HANGUL_S;
        int n = snprintf(buf, UNIDATA_NAME_MAX, "%s%s%s%s", HANGUL_PREFIX, jamo_l[s / HANGUL_NCOUNT],
                         jamo_v[s % HANGUL_NCOUNT / HANGUL_TCOUNT], jamo_t[s % HANGUL_TCOUNT]);
        return (size_t)n;
    }
    if (is_cjk_unified(cp)) return (size_t)snprintf(buf, UNIDATA_NAME_MAX, "%s%04X", CJK_PREFIX, (unsigned)cp);
    int e = name_entry(cp);
    return e < 0 ? 0 : decode_entry(e, buf);
}

/* A stored name, compared in upper case: binary search in name order. */
static bool lookup_stored(const char *upper, uint32_t *cp) {
    size_t lo = 0, hi = COUNT(name_sorted);
    char buf[UNIDATA_NAME_MAX];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        decode_entry(name_sorted[mid], buf);
        int c = strcmp(buf, upper);
        if (c == 0) {
            *cp = entry_cp(name_sorted[mid]);
            return true;
        }
        if (c < 0) lo = mid + 1; else hi = mid;
    }
    return false;
}

/* Aliases and named sequences: sorted lists of (name, code points). */
#define LOOKUP_LIST(LIST, upper, out)                                            \
    do {                                                                         \
        size_t lo = 0, hi = COUNT(LIST);                                         \
        while (lo < hi) {                                                        \
            size_t mid = (lo + hi) / 2;                                          \
            int c = strcmp(LIST[mid].name, upper);                               \
            if (c == 0) {                                                        \
                int n = 0;                                                       \
                while (n < 4 && (n == 0 || LIST[mid].cps[n])) out[n] = LIST[mid].cps[n], n++; \
                return n;                                                        \
            }                                                                    \
            if (c < 0) lo = mid + 1; else hi = mid;                              \
        }                                                                        \
    } while (0)

int unidata_lookup(const char *name, size_t len, bool sequences, uint32_t out[4]) {
    if (len >= UNIDATA_NAME_MAX) return 0;
    if (lookup_hangul(name, len, &out[0]) || lookup_cjk(name, len, &out[0])) return 1;
    char upper[UNIDATA_NAME_MAX];
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == 0 || (unsigned char)c >= 0x80) return 0;
        upper[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
    }
    upper[len] = 0;
    if (lookup_stored(upper, &out[0])) return 1;
    LOOKUP_LIST(name_aliases, upper, out);
    if (sequences) LOOKUP_LIST(named_sequences, upper, out);
    return 0;
}
