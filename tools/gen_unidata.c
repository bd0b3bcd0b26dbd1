/* Reads the Unicode Character Database (Debian's unicode-data files) and
 * writes unidata_db.h: the compact tables behind vm/unidata.c. Run by CMake
 * at build time; its output lives in the build directory only.
 *
 *   gen_unidata UCD_DIR UNIHAN_NUMERIC_FILE OUT_FILE
 *
 * Per code point properties become one record index looked up through a
 * two-level table (blocks of code points that share their records are
 * stored once). Names are words from a lexicon (the most frequent ones a
 * byte, the others two), stored in code point order with a checkpoint
 * every NAME_CHUNK names; algorithmic names (CJK unified ideographs,
 * Hangul syllables) are not stored. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCP 0x110000
#define NAME_CHUNK 16
/* Name token bytes: below W1 a word's rank; W1..TOK_HYPHEN-1 start a
 * two-byte rank; then the explicit separators, the "-<hex of cp>" suffix
 * and the end of a name. */
#define W1 200
#define TOK_HYPHEN 252
#define TOK_SPACE 253
#define TOK_HEX 254
#define TOK_END 255

typedef struct {
    uint8_t cat, bidi, comb, mirrored, eaw;
} Rec;

static Rec recs[NCP];
/* For str's methods: UnicodeData's simple case mappings (0: none) and
 * DerivedCoreProperties' binary properties (DCP_* bits). */
static uint32_t simple_upper[NCP], simple_lower[NCP], simple_title[NCP];
static uint8_t dcp[NCP];
static char *special_casing[NCP][3];    /* SpecialCasing.txt, unconditional: lower, title, upper */
static char *case_folding[NCP];         /* CaseFolding.txt, statuses C and F */
enum { DCP_LOWER = 1, DCP_UPPER = 2, DCP_CASED = 4, DCP_CASE_IGNORABLE = 8, DCP_XID_START = 16,
       DCP_XID_CONTINUE = 32 };
static char *names[NCP];
static char *decomps[NCP];
static char *numerics[NCP];
static uint8_t excluded[NCP];
static uint8_t digit_kind[NCP];     /* 1: a digit, 2: a decimal digit too */
static FILE *out;

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "gen_unidata: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static FILE *open_ucd(const char *dir, const char *file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    if (!f) die("cannot open %s", path);
    return f;
}

static char *dup(const char *s) {
    char *d = strdup(s);
    if (!d) die("out of memory");
    return d;
}

/* Splits a ;-separated line in place (comments cut, fields trimmed). */
static int split(char *line, char **fields, int max) {
    char *hash = strchr(line, '#');
    if (hash) *hash = 0;
    int n = 0;
    for (char *p = line; n < max;) {
        char *semi = strchr(p, ';');
        if (semi) *semi = 0;
        while (isspace((unsigned char)*p)) p++;
        char *e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1])) *--e = 0;
        fields[n++] = p;
        if (!semi) break;
        p = semi + 1;
    }
    return n;
}

/* "0041" or "0041..005A" */
static void parse_range(const char *s, unsigned *lo, unsigned *hi) {
    char *end;
    *lo = *hi = (unsigned)strtoul(s, &end, 16);
    if (end[0] == '.' && end[1] == '.') *hi = (unsigned)strtoul(end + 2, NULL, 16);
    if (*hi >= NCP) die("bad code point %s", s);
}

/* ---- string lists (category names etc.): index 0 is the default ---- */

typedef struct { const char *s[64]; int n; } StrList;

static int intern(StrList *l, const char *s) {
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->s[i], s) == 0) return i;
    if (l->n == 64) die("too many values");
    l->s[l->n] = dup(s);
    return l->n++;
}

static StrList cats = {{"Cn"}, 1}, bidis = {{""}, 1}, eaws = {{"F"}, 1}, tags = {{""}, 1};

/* ---- reading ---- */

static void read_unicodedata(const char *dir, unsigned *cjk, int *ncjk) {
    FILE *f = open_ucd(dir, "UnicodeData.txt");
    char line[1024], *fl[16];
    unsigned first = 0;
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 16) < 15) continue;
        unsigned cp = (unsigned)strtoul(fl[0], NULL, 16), lo = cp;
        if (cp >= NCP) die("bad code point %s", fl[0]);
        size_t nl = strlen(fl[1]);
        if (nl > 8 && strcmp(fl[1] + nl - 8, ", First>") == 0) {
            first = cp;
            continue;
        }
        if (nl > 7 && strcmp(fl[1] + nl - 7, ", Last>") == 0) {
            lo = first;
            if (strncmp(fl[1], "<CJK Ideograph", 14) == 0) {
                cjk[2 * *ncjk] = lo, cjk[2 * *ncjk + 1] = cp;
                ++*ncjk;
            }
        } else if (fl[1][0] != '<') {
            names[cp] = dup(fl[1]);
        }
        Rec r = {(uint8_t)intern(&cats, fl[2]), (uint8_t)intern(&bidis, fl[4]),
                 (uint8_t)atoi(fl[3]), fl[9][0] == 'Y', 0};
        digit_kind[cp] = fl[6][0] ? 2 : fl[7][0] ? 1 : 0;
        for (unsigned c = lo; c <= cp; c++) {
            recs[c] = r;
        }
        simple_upper[cp] = (uint32_t)strtoul(fl[12], NULL, 16);
        simple_lower[cp] = (uint32_t)strtoul(fl[13], NULL, 16);
        simple_title[cp] = fl[14][0] ? (uint32_t)strtoul(fl[14], NULL, 16) : simple_upper[cp];
        if (fl[5][0]) decomps[cp] = dup(fl[5]);
        if (fl[8][0]) numerics[cp] = dup(fl[8]);
    }
    fclose(f);
}

static void read_widths(const char *dir) {
    FILE *f = open_ucd(dir, "EastAsianWidth.txt");
    char line[1024], *fl[4];
    static uint8_t width[NCP];    /* 0 = N, the file's default */
    int n_index = intern(&eaws, "N");
    memset(width, n_index, sizeof width);
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 4) < 2 || !fl[0][0]) continue;
        unsigned lo, hi;
        parse_range(fl[0], &lo, &hi);
        int w = intern(&eaws, fl[1]);
        for (unsigned c = lo; c <= hi; c++) width[c] = (uint8_t)w;
    }
    fclose(f);
    /* Unassigned code points too take the file's value (N unless listed),
     * as CPython 3.12's tables do. */
    for (unsigned c = 0; c < NCP; c++) recs[c].eaw = width[c];
}

static void read_exclusions(const char *dir) {
    FILE *f = open_ucd(dir, "DerivedNormalizationProps.txt");
    char line[1024], *fl[4];
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 4) < 2 || strcmp(fl[1], "Full_Composition_Exclusion") != 0) continue;
        unsigned lo, hi;
        parse_range(fl[0], &lo, &hi);
        for (unsigned c = lo; c <= hi; c++) excluded[c] = 1;
    }
    fclose(f);
}

static void read_core_properties(const char *dir) {
    static const struct { const char *name; uint8_t bit; } props[] = {
        {"Lowercase", DCP_LOWER}, {"Uppercase", DCP_UPPER}, {"Cased", DCP_CASED},
        {"Case_Ignorable", DCP_CASE_IGNORABLE}, {"XID_Start", DCP_XID_START}, {"XID_Continue", DCP_XID_CONTINUE}};
    FILE *f = open_ucd(dir, "DerivedCoreProperties.txt");
    char line[1024], *fl[4];
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 4) < 2 || !fl[0][0]) continue;
        for (size_t i = 0; i < sizeof props / sizeof *props; i++) {
            if (strcmp(fl[1], props[i].name) != 0) continue;
            unsigned lo, hi;
            parse_range(fl[0], &lo, &hi);
            for (unsigned c = lo; c <= hi; c++) dcp[c] |= props[i].bit;
        }
    }
    fclose(f);
}

/* The full case mappings that hold in every language (CPython's str
 * ignores the conditional ones but for the final sigma, its own code),
 * and the full case folding. */
static void read_casing(const char *dir) {
    FILE *f = open_ucd(dir, "SpecialCasing.txt");
    char line[1024], *fl[6];
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 6) < 5 || !fl[0][0] || fl[4][0]) continue;
        unsigned cp = (unsigned)strtoul(fl[0], NULL, 16);
        for (int k = 0; k < 3; k++) special_casing[cp][k] = dup(fl[1 + k]);
    }
    fclose(f);
    f = open_ucd(dir, "CaseFolding.txt");
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 4) < 3 || !fl[0][0] || (strcmp(fl[1], "C") && strcmp(fl[1], "F"))) continue;
        case_folding[(unsigned)strtoul(fl[0], NULL, 16)] = dup(fl[2]);
    }
    fclose(f);
}

static void read_unihan(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) die("cannot open %s", path);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char key[64], val[64];
        unsigned cp;
        if (sscanf(line, "U+%x %63s %63s", &cp, key, val) != 3 || cp >= NCP) continue;
        if (strcmp(key, "kPrimaryNumeric") && strcmp(key, "kAccountingNumeric") &&
            strcmp(key, "kOtherNumeric"))
            continue;
        numerics[cp] = dup(val);
    }
    fclose(f);
}

/* ---- emitting ---- */

static void emit_u32s(const char *type, const char *name, const uint32_t *v, size_t n) {
    fprintf(out, "static const %s %s[%zu] = {", type, name, n ? n : 1);
    for (size_t i = 0; i < n; i++) fprintf(out, "%s%u,", i % 16 ? "" : "\n", v[i]);
    fprintf(out, "%s};\n", n ? "\n" : "0");
}

static const char *utype(uint32_t max) {
    return max < 256 ? "uint8_t" : max < 65536 ? "uint16_t" : "uint32_t";
}

static uint32_t max_of(const uint32_t *v, size_t n) {
    uint32_t m = 0;
    for (size_t i = 0; i < n; i++) if (v[i] > m) m = v[i];
    return m;
}

static uint64_t hash_words(const uint32_t *v, size_t n) {
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++) h = (h ^ v[i]) * 1099511628211u;
    return h;
}

/* Splits vals[0..NCP) into blocks of 1 << shift, keeps each distinct block
 * once; returns the bytes the two arrays would take (emitting them if asked). */
static size_t two_level(const char *name, const uint32_t *vals, int shift, int emit) {
    size_t bs = (size_t)1 << shift, nb = NCP >> shift, nuniq = 0;
    uint32_t *index = malloc(nb * sizeof *index), *data = malloc(NCP * sizeof *data);
    size_t hsize = 1 << 17;
    int32_t *table = malloc(hsize * sizeof *table);
    if (!index || !data || !table) die("out of memory");
    memset(table, -1, hsize * sizeof *table);
    for (size_t b = 0; b < nb; b++) {
        const uint32_t *blk = vals + b * bs;
        size_t h = hash_words(blk, bs) & (hsize - 1);
        while (table[h] >= 0 && memcmp(data + (size_t)table[h] * bs, blk, bs * sizeof *blk))
            h = (h + 1) & (hsize - 1);
        if (table[h] < 0) {
            table[h] = (int32_t)nuniq;
            memcpy(data + nuniq * bs, blk, bs * sizeof *blk);
            nuniq++;
        }
        index[b] = (uint32_t)table[h];
    }
    uint32_t dmax = max_of(data, nuniq * bs);
    size_t isz = nuniq < 256 ? 1 : nuniq < 65536 ? 2 : 4, dsz = dmax < 256 ? 1 : dmax < 65536 ? 2 : 4;
    size_t bytes = nb * isz + nuniq * bs * dsz;
    if (emit) {
        char n1[64], n2[64];
        snprintf(n1, sizeof n1, "%s_index", name);
        snprintf(n2, sizeof n2, "%s_data", name);
        fprintf(out, "#define %s_SHIFT %d\n", name, shift);
        emit_u32s(utype((uint32_t)nuniq), n1, index, nb);
        emit_u32s(utype(dmax), n2, data, nuniq * bs);
    }
    free(index), free(data), free(table);
    return bytes;
}

static void emit_table(const char *name, const uint32_t *vals) {
    int best = 4;
    size_t best_bytes = (size_t)-1;
    for (int s = 4; s <= 10; s++) {
        size_t b = two_level(name, vals, s, 0);
        if (b < best_bytes) best_bytes = b, best = s;
    }
    two_level(name, vals, best, 1);
    fprintf(stderr, "gen_unidata: %s: %zu bytes\n", name, best_bytes);
}

static void emit_strlist(const char *name, const StrList *l) {
    fprintf(out, "static const char *const %s[%d] = {", name, l->n);
    for (int i = 0; i < l->n; i++) fprintf(out, "\"%s\",", l->s[i]);
    fprintf(out, "};\n");
}

static int rec_eq(const Rec *a, const Rec *b) {
    return a->cat == b->cat && a->bidi == b->bidi && a->comb == b->comb &&
           a->mirrored == b->mirrored && a->eaw == b->eaw;
}

/* Records: the distinct property tuples, and each code point's index. */
static void emit_records(uint32_t *vals) {
    static Rec uniq[4096];
    int n = 0;
    for (unsigned c = 0; c < NCP; c++) {
        int i = 0;
        /* Most code points repeat their neighbour's record. */
        if (c && rec_eq(&recs[c], &recs[c - 1])) {
            vals[c] = vals[c - 1];
            continue;
        }
        while (i < n && !rec_eq(&uniq[i], &recs[c])) i++;
        if (i == n) {
            if (n == 4096) die("too many records");
            uniq[n++] = recs[c];
        }
        vals[c] = (uint32_t)i;
    }
    fprintf(out, "static const UniRecord unidata_records[%d] = {\n", n);
    for (int i = 0; i < n; i++)
        fprintf(out, "{%d,%d,%d,%d,%d},\n", uniq[i].cat, uniq[i].bidi, uniq[i].comb,
                uniq[i].mirrored, uniq[i].eaw);
    fprintf(out, "};\n");
    emit_table("REC", vals);
}

/* Decompositions: at offset i, (tag << 8 | count) then the code points,
 * 16 bits each but those above 0xFFFF: 0xD800 + their high bits, then the
 * low 16 (surrogates never occur in a decomposition);
 * each code point's offset through a two-level table (0: none). Canonical
 * pairs not excluded from composition also go to the composition list. */
static void emit_decomps(uint32_t *vals) {
    static uint32_t data[65536], pairs[4096][3];
    size_t n = 1, np = 0;
    for (unsigned c = 0; c < NCP; c++) {
        vals[c] = 0;
        if (!decomps[c]) continue;
        char *p = decomps[c];
        int tag = 0;
        if (*p == '<') {
            char *e = strchr(p, '>');
            *e = 0;
            tag = intern(&tags, p + 1);
            p = e + 1;
        }
        size_t head = n++;
        int count = 0;
        uint32_t first = 0, second = 0;
        for (char *end; *p; p = end) {
            uint32_t v = (uint32_t)strtoul(p, &end, 16);
            if (end == p) break;
            if (v > 0xFFFF) data[n++] = 0xD800 + (v >> 16);
            data[n++] = v & 0xFFFF;
            if (count == 0) first = v; else second = v;
            count++;
        }
        if (n >= 65536) die("decomposition data too large");
        data[head] = (uint32_t)(tag << 8 | count);
        vals[c] = (uint32_t)head;
        if (tag == 0 && count == 2 && !excluded[c]) {
            pairs[np][0] = first, pairs[np][1] = second, pairs[np][2] = c;
            np++;
        }
    }
    emit_u32s("uint16_t", "decomp_data", data, n);
    emit_table("DECOMP", vals);
    emit_strlist("decomp_tags", &tags);
    /* Sorted by (first, second) for a binary search. */
    for (size_t i = 1; i < np; i++)
        for (size_t j = i; j > 0 && (pairs[j - 1][0] > pairs[j][0] ||
                                     (pairs[j - 1][0] == pairs[j][0] && pairs[j - 1][1] > pairs[j][1])); j--) {
            uint32_t t[3];
            memcpy(t, pairs[j], sizeof t), memcpy(pairs[j], pairs[j - 1], sizeof t), memcpy(pairs[j - 1], t, sizeof t);
        }
    fprintf(out, "static const uint32_t compose_pairs[%zu][3] = {\n", np);
    for (size_t i = 0; i < np; i++) fprintf(out, "{%u,%u,%u},\n", pairs[i][0], pairs[i][1], pairs[i][2]);
    fprintf(out, "};\n");
}

/* Numeric values: the distinct values as doubles, the code points sorted
 * with the index of theirs shifted left twice, below which is digit_kind
 * (a digit's value is its numeric value). */
static void emit_numerics(void) {
    static double vals[1024];
    static uint32_t cps[8192], idx[8192];
    int nv = 0, nc = 0;
    for (unsigned c = 0; c < NCP; c++) {
        if (!numerics[c]) continue;
        char *slash = strchr(numerics[c], '/');
        double v = strtod(numerics[c], NULL);
        if (slash) v /= strtod(slash + 1, NULL);
        int i = 0;
        while (i < nv && vals[i] != v) i++;
        if (i == nv) vals[nv++] = v;
        if (nv == 1024 || nc == 8192) die("too many numeric values");
        cps[nc] = c, idx[nc++] = (uint32_t)i << 2 | digit_kind[c];
    }
    fprintf(out, "static const double numeric_values[%d] = {", nv);
    for (int i = 0; i < nv; i++) fprintf(out, "%s%.17g,", i % 8 ? "" : "\n", vals[i]);
    fprintf(out, "};\n");
    emit_u32s("uint32_t", "numeric_cps", cps, (size_t)nc);
    emit_u32s(utype((uint32_t)nv << 2), "numeric_idx", idx, (size_t)nc);
}

/* ---- str's character types and case mappings ---- */

/* The UNI_* flags of unidata.h, as CPython's str methods define them. */
static uint32_t ctype_flags(unsigned c) {
    const char *cat = cats.s[recs[c].cat], *bidi = bidis.s[recs[c].bidi];
    uint32_t f = 0;
    if (cat[0] == 'L' && strchr("mtulo", cat[1])) f |= 1;                  /* UNI_ALPHA */
    if (digit_kind[c] == 2) f |= 2;                                          /* UNI_DECIMAL */
    if (digit_kind[c]) f |= 4;                                               /* UNI_DIGIT */
    if (numerics[c]) f |= 8;                                                 /* UNI_NUMERIC */
    if (!strcmp(bidi, "WS") || !strcmp(bidi, "B") || !strcmp(bidi, "S") || !strcmp(cat, "Zs")) f |= 16;
    static const char *const unprintable[] = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"};
    int printable = c == ' ';
    if (!printable) {
        printable = 1;
        for (size_t i = 0; i < sizeof unprintable / sizeof *unprintable; i++)
            if (!strcmp(cat, unprintable[i])) printable = 0;
    }
    if (printable) f |= 32;                                                  /* UNI_PRINTABLE */
    if (dcp[c] & DCP_LOWER) f |= 64;
    if (dcp[c] & DCP_UPPER) f |= 128;
    if (!strcmp(cat, "Lt")) f |= 256;                                        /* UNI_TITLE */
    if (dcp[c] & DCP_XID_START) f |= 512;
    if (dcp[c] & DCP_XID_CONTINUE) f |= 1024;
    if (dcp[c] & DCP_CASED) f |= 2048;
    if (dcp[c] & DCP_CASE_IGNORABLE) f |= 4096;
    return f;
}

/* Code points from a list of hex numbers; their count. */
static int parse_cps(const char *s, uint32_t *out, int max) {
    int n = 0;
    for (char *end; n < max; s = end) {
        uint32_t v = (uint32_t)strtoul(s, &end, 16);
        if (end == s) break;
        out[n++] = v;
    }
    return n;
}

static void put_utf8(char **p, uint32_t c) {
    unsigned char *q = (unsigned char *)*p;
    if (c < 0x80) *q++ = (unsigned char)c;
    else if (c < 0x800) *q++ = (unsigned char)(0xC0 | c >> 6), *q++ = (unsigned char)(0x80 | (c & 0x3F));
    else if (c < 0x10000)
        *q++ = (unsigned char)(0xE0 | c >> 12), *q++ = (unsigned char)(0x80 | (c >> 6 & 0x3F)),
        *q++ = (unsigned char)(0x80 | (c & 0x3F));
    else
        *q++ = (unsigned char)(0xF0 | c >> 18), *q++ = (unsigned char)(0x80 | (c >> 12 & 0x3F)),
        *q++ = (unsigned char)(0x80 | (c >> 6 & 0x3F)), *q++ = (unsigned char)(0x80 | (c & 0x3F));
    *p = (char *)q;
}

typedef struct { uint32_t flags; int32_t delta[4]; } Ctype;

/* Records of flags and case deltas (upper, lower, title, fold: the simple
 * mapping as cp + delta, or 0 for a mapping longer than one code point,
 * found in unidata_special_casing with kind U, L, T or F), each code
 * point's record through a two-level table. */
static void emit_ctypes(uint32_t *vals) {
    static Ctype uniq[8192];
    int n = 0, nspecial = 0;
    fprintf(out, "static const struct { uint32_t cp; char kind; const char *to; } unidata_special_casing[] = {\n");
    for (unsigned c = 0; c < NCP; c++) {
        /* full mappings: SpecialCasing's, else the simple ones; folding:
         * CaseFolding's, else the character itself */
        uint32_t simple[3] = {simple_upper[c] ? simple_upper[c] : c, simple_lower[c] ? simple_lower[c] : c,
                              simple_title[c] ? simple_title[c] : simple_upper[c] ? simple_upper[c] : c};
        Ctype t = {ctype_flags(c), {0, 0, 0, 0}};
        static const char kinds[] = "ULTF";
        static const int sc_field[3] = {2, 0, 1};       /* SpecialCasing's order: lower, title, upper */
        for (int k = 0; k < 4; k++) {
            uint32_t to[8];
            int m = 1;
            to[0] = k < 3 ? simple[k] : c;
            if (k < 3 && special_casing[c][sc_field[k]]) m = parse_cps(special_casing[c][sc_field[k]], to, 8);
            if (k == 3 && case_folding[c]) m = parse_cps(case_folding[c], to, 8);
            if (m == 1) {
                t.delta[k] = (int32_t)to[0] - (int32_t)c;
                continue;
            }
            char buf[64], *p = buf;
            for (int i = 0; i < m; i++) put_utf8(&p, to[i]);
            fprintf(out, "{0x%X,'%c',\"", c, kinds[k]);
            for (char *q = buf; q < p; q++) fprintf(out, "\\x%02x", (unsigned char)*q);
            fprintf(out, "\"},\n");
            nspecial++;
        }
        int i = c && !memcmp(&uniq[vals[c - 1]], &t, sizeof t) ? (int)vals[c - 1] : 0;
        while (i < n && memcmp(&uniq[i], &t, sizeof t)) i++;
        if (i == n) {
            if (n == 8192) die("too many character types");
            uniq[n++] = t;
        }
        vals[c] = (uint32_t)i;
    }
    fprintf(out, "};\n");
    fprintf(out, "static const UniCtype unidata_ctypes[%d] = {\n", n);
    for (int i = 0; i < n; i++)
        fprintf(out, "{%u,{%d,%d,%d,%d}},\n", uniq[i].flags, uniq[i].delta[0], uniq[i].delta[1], uniq[i].delta[2],
                uniq[i].delta[3]);
    fprintf(out, "};\n");
    emit_table("CTYPE", vals);
    fprintf(stderr, "gen_unidata: %d character types, %d special casings\n", n, nspecial);
}

/* ---- names ---- */

typedef struct { char *w; int count, rank; } Word;
static Word words[65536];
static int nwords;

/* Word texts to ids: an open-addressed hash table of ids + 1. */
static int word_hash[1 << 17];

static int *word_slot(const char *s, size_t len) {
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    size_t i = h & ((1 << 17) - 1);
    for (; word_hash[i]; i = (i + 1) & ((1 << 17) - 1)) {
        const char *w = words[word_hash[i] - 1].w;
        if (strlen(w) == len && memcmp(w, s, len) == 0) break;
    }
    return &word_hash[i];
}

static int word_id(const char *s, size_t len) { return *word_slot(s, len) - 1; }

static size_t hex_suffix_len(unsigned cp, const char *name) {
    char suf[16];
    snprintf(suf, sizeof suf, "-%04X", cp);
    size_t n = strlen(name), s = strlen(suf);
    return n > s && strcmp(name + n - s, suf) == 0 ? s : 0;
}

/* Calls fn on each word of name (up to its hex suffix) */
static void each_word(const char *name, size_t len, void (*fn)(const char *, size_t, void *), void *ctx) {
    size_t i = 0;
    while (i < len) {
        if (name[i] == ' ' || name[i] == '-') { i++; continue; }
        size_t j = i;
        while (j < len && name[j] != ' ' && name[j] != '-') j++;
        fn(name + i, j - i, ctx);
        i = j;
    }
}

static void count_word(const char *s, size_t len, void *ctx) {
    (void)ctx;
    int id = word_id(s, len);
    if (id < 0) {
        if (nwords == 65536) die("too many words");
        char *w = malloc(len + 1);
        if (!w) die("out of memory");
        memcpy(w, s, len), w[len] = 0;
        words[nwords] = (Word){w, 0, 0};
        id = nwords++;
        *word_slot(s, len) = id + 1;
    }
    words[id].count++;
}

static int by_count(const void *a, const void *b) {
    const Word *x = a, *y = b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->w, y->w);
}

typedef struct { uint8_t *buf; size_t n, cap; } Bytes;

static void put(Bytes *b, unsigned v) {
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 4096;
        b->buf = realloc(b->buf, b->cap);
        if (!b->buf) die("out of memory");
    }
    b->buf[b->n++] = (uint8_t)v;
}

static void put_rank(Bytes *b, int r) {
    if (r < W1) {
        put(b, (unsigned)r);
    } else {
        unsigned hi = (unsigned)(r - W1) / 256 + W1;
        if (hi >= TOK_HYPHEN) die("too many words for the encoding");
        put(b, hi), put(b, (unsigned)(r - W1) % 256);
    }
}

/* Encodes one name: words, with a space between two words implied and any
 * other separator explicit. */
static void encode_name(Bytes *b, unsigned cp, const char *name) {
    size_t hex = hex_suffix_len(cp, name), len = strlen(name) - hex, i = 0;
    int prev_word = 0;
    while (i < len) {
        char c = name[i];
        if (c == ' ' && prev_word && i + 1 < len && name[i + 1] != ' ' && name[i + 1] != '-') {
            i++;
            prev_word = 0;
            continue;       /* the implied space */
        }
        if (c == ' ' || c == '-') {
            put(b, c == ' ' ? TOK_SPACE : TOK_HYPHEN);
            i++;
            prev_word = 0;
            continue;
        }
        size_t j = i;
        while (j < len && name[j] != ' ' && name[j] != '-') j++;
        put_rank(b, words[word_id(name + i, j - i)].rank);
        i = j;
        prev_word = 1;
    }
    if (hex) put(b, TOK_HEX);
    put(b, TOK_END);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(names[*(const uint32_t *)a], names[*(const uint32_t *)b]);
}

static void emit_names(void) {
    for (unsigned c = 0; c < NCP; c++)
        if (names[c]) each_word(names[c], strlen(names[c]) - hex_suffix_len(c, names[c]), count_word, NULL);
    for (int i = 0; i < nwords; i++) words[i].rank = i;
    static Word sorted[65536];
    memcpy(sorted, words, (size_t)nwords * sizeof *words);
    qsort(sorted, (size_t)nwords, sizeof *words, by_count);
    for (int i = 0; i < nwords; i++) words[sorted[i].rank].rank = i;
    /* the lexicon: words by rank, with offsets */
    Bytes lex = {0};
    static uint32_t offs[65537];
    for (int i = 0; i < nwords; i++) {
        offs[i] = (uint32_t)lex.n;
        for (const char *p = sorted[i].w; *p; p++) put(&lex, (unsigned char)*p);
    }
    offs[nwords] = (uint32_t)lex.n;
    fprintf(out, "static const char name_lexicon[] =");
    for (size_t i = 0; i < lex.n; i += 100) fprintf(out, "\n\"%.*s\"", (int)(lex.n - i < 100 ? lex.n - i : 100), lex.buf + i);
    fprintf(out, ";\n");
    emit_u32s(utype(offs[nwords]), "name_lexicon_off", offs, (size_t)nwords + 1);
    /* the phrasebook, in code point order, with runs of named code points */
    Bytes ph = {0};
    static uint32_t chk[8192], runs[8192][3], order[65536];
    int n = 0, nruns = 0;
    for (unsigned c = 0; c < NCP; c++) {
        if (!names[c]) continue;
        if (n % NAME_CHUNK == 0) chk[n / NAME_CHUNK] = (uint32_t)ph.n;
        if (nruns && runs[nruns - 1][0] + runs[nruns - 1][1] == c) {
            runs[nruns - 1][1]++;
        } else {
            if (nruns == 8192) die("too many name runs");
            runs[nruns][0] = c, runs[nruns][1] = 1, runs[nruns][2] = (uint32_t)n;
            nruns++;
        }
        order[n] = c;
        encode_name(&ph, c, names[c]);
        n++;
        if (n == 65536) die("too many names");
    }
    fprintf(out, "#define NAME_CHUNK %d\n#define NAME_COUNT %d\n", NAME_CHUNK, n);
    fprintf(out, "#define NAME_W1 %d\n#define NAME_HYPHEN %d\n#define NAME_SPACE %d\n#define NAME_HEX %d\n#define NAME_END %d\n",
            W1, TOK_HYPHEN, TOK_SPACE, TOK_HEX, TOK_END);
    {
        uint32_t *tmp = malloc(ph.n * sizeof *tmp);
        if (!tmp) die("out of memory");
        for (size_t i = 0; i < ph.n; i++) tmp[i] = ph.buf[i];
        emit_u32s("uint8_t", "name_phrases", tmp, ph.n);
        free(tmp);
    }
    emit_u32s("uint32_t", "name_chunks", chk, (size_t)(n + NAME_CHUNK - 1) / NAME_CHUNK);
    fprintf(out, "static const struct { uint32_t start; uint16_t len, first; } name_runs[%d] = {\n", nruns);
    for (int i = 0; i < nruns; i++) fprintf(out, "{%u,%u,%u},\n", runs[i][0], runs[i][1], runs[i][2]);
    fprintf(out, "};\n");
    /* the names' entry numbers in name order, for lookup */
    uint32_t *by_name = malloc((size_t)n * sizeof *by_name);
    if (!by_name) die("out of memory");
    memcpy(by_name, order, (size_t)n * sizeof *by_name);
    qsort(by_name, (size_t)n, sizeof *by_name, cmp_names);
    for (int i = 0; i < n; i++) {          /* code point -> entry number */
        int lo = 0, hi = n - 1;
        while (order[(lo + hi) / 2] != by_name[i])
            if (order[(lo + hi) / 2] < by_name[i]) lo = (lo + hi) / 2 + 1; else hi = (lo + hi) / 2 - 1;
        by_name[i] = (uint32_t)((lo + hi) / 2);
    }
    emit_u32s("uint16_t", "name_sorted", by_name, (size_t)n);
    fprintf(stderr, "gen_unidata: names: %d words (%zu bytes), %zu phrase bytes, %d runs\n", nwords, lex.n, ph.n, nruns);
    free(by_name), free(lex.buf), free(ph.buf);
}

/* Aliases and named sequences: short lists of strings sorted by name. */
typedef struct { char *name, *value; } Pair;

static int cmp_pairs(const void *a, const void *b) {
    return strcmp(((const Pair *)a)->name, ((const Pair *)b)->name);
}

static void emit_pairs(const char *dir, const char *file, const char *name, int name_first) {
    static Pair pairs[4096];
    int n = 0;
    FILE *f = open_ucd(dir, file);
    char line[1024], *fl[4];
    while (fgets(line, sizeof line, f)) {
        if (split(line, fl, 4) < 2 || !fl[0][0]) continue;
        if (n == 4096) die("too many entries in %s", file);
        /* NameAliases: code point;alias;type  NamedSequences: name;code points */
        pairs[n].name = dup(name_first ? fl[0] : fl[1]);
        pairs[n].value = dup(name_first ? fl[1] : fl[0]);
        n++;
    }
    fclose(f);
    qsort(pairs, (size_t)n, sizeof *pairs, cmp_pairs);
    fprintf(out, "static const struct { const char *name; uint32_t cps[4]; } %s[%d] = {\n", name, n);
    for (int i = 0; i < n; i++) {
        fprintf(out, "{\"%s\",{", pairs[i].name);
        char *p = pairs[i].value, *end;
        int k = 0;
        for (; k < 4; k++, p = end) {
            unsigned long v = strtoul(p, &end, 16);
            if (end == p) break;
            fprintf(out, "%lu,", v);
        }
        if (*end && strtoul(end, NULL, 16)) die("sequence too long: %s", pairs[i].name);
        fprintf(out, "}},\n");
    }
    fprintf(out, "};\n");
    for (int i = 0; i < n; i++) free(pairs[i].name), free(pairs[i].value);
}

int main(int argc, char **argv) {
    if (argc != 4) die("usage: gen_unidata UCD_DIR UNIHAN_NUMERIC_FILE OUT_FILE");
    static unsigned cjk[64];
    int ncjk = 0;
    read_unicodedata(argv[1], cjk, &ncjk);
    read_widths(argv[1]);
    read_exclusions(argv[1]);
    read_unihan(argv[2]);
    read_core_properties(argv[1]);
    read_casing(argv[1]);
    out = fopen(argv[3], "w");
    if (!out) die("cannot write %s", argv[3]);
    fprintf(out, "/* Generated by tools/gen_unidata.c from the Unicode Character Database: do not edit. */\n");
    static uint32_t vals[NCP];
    emit_records(vals);
    emit_decomps(vals);
    emit_ctypes(vals);
    emit_strlist("unidata_categories", &cats);
    emit_strlist("unidata_bidis", &bidis);
    emit_strlist("unidata_widths", &eaws);
    emit_numerics();
    emit_u32s("uint32_t", "cjk_ranges", cjk, (size_t)ncjk * 2);
    emit_names();
    emit_pairs(argv[1], "NameAliases.txt", "name_aliases", 0);
    emit_pairs(argv[1], "NamedSequences.txt", "named_sequences", 1);
    if (fclose(out)) die("cannot write %s", argv[3]);
    return 0;
}
