/* Unicode normalization (UAX #15) over code point arrays: full
 * decomposition (canonical, or compatibility too), canonical ordering of
 * combining marks, then, for NFC and NFKC, canonical composition. */
#include "unidata_norm.h"

#include <stdlib.h>
#include <string.h>

#include "unidata.h"

typedef struct {
    uint32_t *cp;
    size_t n, cap;
    bool oom;
} CpBuf;

static void push(CpBuf *b, uint32_t c) {
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        uint32_t *p = b->oom ? NULL : realloc(b->cp, cap * sizeof *p);
        if (!p) {
            b->oom = true;
            return;
        }
        b->cp = p, b->cap = cap;
    }
    b->cp[b->n++] = c;
}

static int ccc(uint32_t c) { return unidata_record(c)->combining; }

/* Appends c fully decomposed. Decompositions nest a few levels at most. */
static void decompose(CpBuf *b, uint32_t c, bool compat) {
    if (c >= HANGUL_S && c < HANGUL_S + HANGUL_SCOUNT) {
        uint32_t s = c - HANGUL_S;
        push(b, HANGUL_L + s / HANGUL_NCOUNT);
        push(b, HANGUL_V + s % HANGUL_NCOUNT / HANGUL_TCOUNT);
        if (s % HANGUL_TCOUNT) push(b, HANGUL_T + s % HANGUL_TCOUNT);
        return;
    }
    uint32_t parts[UNIDATA_DECOMP_MAX];
    const char *tag = "";
    int n = unidata_decomposition(c, &tag, parts);
    if (n == 0 || (tag[0] && !compat)) {
        push(b, c);
        return;
    }
    for (int i = 0; i < n; i++) decompose(b, parts[i], compat);
}

/* Sorts each run of non-starters by combining class, stably. */
static void canonical_order(CpBuf *b) {
    for (size_t i = 1; i < b->n; i++) {
        uint32_t c = b->cp[i];
        int k = ccc(c);
        if (k == 0) continue;
        size_t j = i;
        while (j > 0 && ccc(b->cp[j - 1]) > k) {
            b->cp[j] = b->cp[j - 1];
            j--;
        }
        b->cp[j] = c;
    }
}

static uint32_t compose_pair(uint32_t a, uint32_t c) {
    if (a >= HANGUL_L && a < HANGUL_L + HANGUL_LCOUNT && c >= HANGUL_V && c < HANGUL_V + HANGUL_VCOUNT)
        return HANGUL_S + ((a - HANGUL_L) * HANGUL_VCOUNT + (c - HANGUL_V)) * HANGUL_TCOUNT;
    if (a >= HANGUL_S && a < HANGUL_S + HANGUL_SCOUNT && (a - HANGUL_S) % HANGUL_TCOUNT == 0 &&
        c > HANGUL_T && c < HANGUL_T + HANGUL_TCOUNT)
        return a + (c - HANGUL_T);
    return unidata_compose(a, c);
}

/* Composes in place: each character joins the last starter unless a
 * character between them blocks it (a starter, or a class not lower). */
static void compose(CpBuf *b) {
    size_t out = 0, starter = SIZE_MAX;
    for (size_t i = 0; i < b->n; i++) {
        uint32_t c = b->cp[i];
        int k = ccc(c);
        if (starter != SIZE_MAX) {
            bool adjacent = out - 1 == starter;
            if (adjacent || ccc(b->cp[out - 1]) < k) {
                uint32_t comp = compose_pair(b->cp[starter], c);
                if (comp) {
                    b->cp[starter] = comp;
                    continue;
                }
            }
        }
        if (k == 0) starter = out;
        b->cp[out++] = c;
    }
    b->n = out;
}

uint32_t *unidata_normalize(const uint32_t *cps, size_t n, bool compat, bool composed, size_t *out_n) {
    CpBuf b = {0};
    for (size_t i = 0; i < n; i++) decompose(&b, cps[i], compat);
    push(&b, 0);     /* so that an empty result is still an allocation */
    if (b.oom) {
        free(b.cp);
        return NULL;
    }
    b.n--;
    canonical_order(&b);
    if (composed) compose(&b);
    *out_n = b.n;
    return b.cp;
}
