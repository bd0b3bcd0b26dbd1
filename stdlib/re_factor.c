/* Factoring long alternations of literals, for patterns PCRE2 finds too
 * large.
 *
 * This PCRE2 is built with 2-byte links, so a compiled pattern stays under
 * 64 KiB; CPython's sre has no such limit, and '|'.join(10000 words) is a
 * pattern programs write. When PCRE2 refuses a pattern as too large,
 * re.c tries again with its runs of literal alternatives factored by their
 * first character: 'ab|ac|b' becomes 'a(?:b|c)|b'.
 *
 * Python tries alternatives in order, and the factoring keeps that order
 * where it matters. Two literal alternatives whose first characters
 * differ can never both match at the same place, so moving one past the
 * other changes nothing; an empty alternative matches everywhere, so the
 * alternatives are never moved across one (they are factored in the
 * stretches between empties). Case-insensitive and verbose patterns are
 * left alone (there 'a' and 'A', or ' ' and '', are not told apart by
 * bytes), and so is any group other than plain, non-capturing, named,
 * atomic and lookaround ones.
 */
#include <stdlib.h>
#include <string.h>

#include "re_syntax.h"

typedef struct Alt {
    size_t at, len;     /* the alternative's text in the level's buffer */
    bool literal;       /* only literal characters */
} Alt;

/* The length of the literal character at p[i] (a plain character, a UTF-8
 * sequence, an escaped punctuation mark or \x{...}), or 0 when something
 * else starts there. */
static size_t lit_unit(const char *p, size_t len, size_t i, bool utf) {
    unsigned char c = (unsigned char)p[i];
    if (c == '\\') {
        if (i + 1 >= len) return 0;
        unsigned char d = (unsigned char)p[i + 1];
        if (d == 'x' && i + 2 < len && p[i + 2] == '{') {
            size_t k = i + 3;
            while (k < len && p[k] != '}') k++;
            return k < len ? k + 1 - i : 0;
        }
        if (d < 0x80 && !((d | 32) >= 'a' && (d | 32) <= 'z') && !(d >= '0' && d <= '9')) return 2;
        return 0;
    }
    if (strchr("^$.|?*+()[]{}", c) && c) return 0;
    if (!utf || c < 0x80) return 1;
    size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    return i + n <= len ? n : 0;
}

static bool all_literal(const char *s, size_t len, bool utf) {
    for (size_t i = 0, n; i < len; i += n)
        if (!(n = lit_unit(s, len, i, utf))) return false;
    return true;
}

typedef struct Piece {
    const char *s;
    size_t len;
} Piece;

/* Writes the alternation of the literal pieces ps[0..n) to b, factored. */
static void factor(StrBuf *b, Piece *ps, size_t n, bool utf) {
    bool *used = calloc(n ? n : 1, sizeof *used);
    Piece *rest = malloc((n ? n : 1) * sizeof *rest);
    if (!used || !rest) {
        b->oom = true;
        free(used);
        free(rest);
        return;
    }
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (used[i]) continue;
        if (!first) sb_add(b, "|", 1);
        first = false;
        if (!ps[i].len) continue;           /* an empty alternative, in its place */
        size_t u = lit_unit(ps[i].s, ps[i].len, 0, utf), m = 0;
        /* those with the same first character, up to the next empty one */
        for (size_t k = i; k < n && ps[k].len; k++) {
            if (used[k] || ps[k].len < u || lit_unit(ps[k].s, ps[k].len, 0, utf) != u || memcmp(ps[k].s, ps[i].s, u))
                continue;
            used[k] = true;
            rest[m++] = (Piece){ps[k].s + u, ps[k].len - u};
        }
        sb_add(b, ps[i].s, u);
        if (m == 1) {
            sb_add(b, rest[0].s, rest[0].len);
        } else {
            sb_add(b, "(?:", 3);
            factor(b, rest, m, utf);
            sb_add(b, ")", 1);
        }
    }
    free(used);
    free(rest);
}

/* Writes the alternatives alts[0..n) (text in buf) to out, joined by |,
 * with each run of literal ones factored. */
static void join_level(StrBuf *out, const StrBuf *buf, const Alt *alts, size_t n, bool utf) {
    for (size_t i = 0; i < n;) {
        if (i) sb_add(out, "|", 1);
        size_t j = i;
        while (j < n && alts[j].literal) j++;
        if (j - i < 2) {
            sb_add(out, buf->data + alts[i].at, alts[i].len);
            i++;
            continue;
        }
        Piece *ps = malloc((j - i) * sizeof *ps);
        if (!ps) { out->oom = true; return; }
        for (size_t k = i; k < j; k++) ps[k - i] = (Piece){buf->data + alts[k].at, alts[k].len};
        factor(out, ps, j - i, utf);
        free(ps);
        i = j;
    }
}

/* The length of the opening of the group at p[i] ('(', '(?:', '(?=', ...,
 * '(?P<name>'), or 0 for a kind left alone. */
static size_t group_open(const char *p, size_t len, size_t i) {
    if (i + 1 >= len || p[i + 1] != '?') return 1;
    if (i + 2 >= len) return 0;
    char c = p[i + 2];
    if (c == ':' || c == '>' || c == '=' || c == '!') return 3;
    size_t k = i + 2;
    if (c == 'P' && i + 3 < len && p[i + 3] == '<') k = i + 3;
    else if (c != '<') return 0;
    if (k + 1 < len && (p[k + 1] == '=' || p[k + 1] == '!')) return k + 2 - i;   /* a lookbehind */
    while (k < len && p[k] != '>') k++;
    return k < len ? k + 1 - i : 0;
}

/* The length of the character class at p[i]. */
static size_t class_len(const char *p, size_t len, size_t i) {
    size_t k = i + 1;
    if (k < len && p[k] == '^') k++;
    if (k < len && p[k] == ']') k++;
    while (k < len && p[k] != ']') {
        if (p[k] == '\\') k++;
        else if (p[k] == '[' && k + 1 < len && p[k + 1] == ':') {
            const char *e = strstr(p + k + 2, ":]");
            if (e && (size_t)(e - p) < len) k = (size_t)(e - p) + 1;
        }
        k++;
    }
    return k < len ? k + 1 - i : len - i;
}

/* Copies the alternatives at p[*i..) up to the ')' that closes the level
 * (not consumed) or the end, into out, factored. False for a pattern left
 * alone. */
static bool rewrite_level(const char *p, size_t len, size_t *i, StrBuf *out, bool utf, int depth) {
    if (depth > 200) return false;
    StrBuf buf = SB_INIT;
    Alt *alts = NULL;
    size_t nalts = 0, cap = 0;
    bool ok = true;
    for (;;) {
        size_t start = buf.len;
        while (ok && *i < len && p[*i] != '|' && p[*i] != ')') {
            size_t n;
            if (p[*i] == '\\') {
                n = *i + 1 < len ? 2 : 1;
                sb_add(&buf, p + *i, n);
                *i += n;
            } else if (p[*i] == '[') {
                n = class_len(p, len, *i);
                sb_add(&buf, p + *i, n);
                *i += n;
            } else if (p[*i] == '(') {
                n = group_open(p, len, *i);
                if (!n) { ok = false; break; }
                sb_add(&buf, p + *i, n);
                *i += n;
                ok = rewrite_level(p, len, i, &buf, utf, depth + 1);
                if (ok && *i < len) sb_add(&buf, p + (*i)++, 1);
            } else {
                sb_add(&buf, p + (*i)++, 1);
            }
        }
        if (!ok) break;
        if (nalts == cap) {
            cap = cap ? 2 * cap : 16;
            Alt *a2 = realloc(alts, cap * sizeof *a2);
            if (!a2) { ok = false; break; }
            alts = a2;
        }
        size_t alen = buf.len - start;
        alts[nalts++] = (Alt){start, alen, buf.data ? all_literal(buf.data + start, alen, utf) : true};
        if (*i < len && p[*i] == '|') { (*i)++; continue; }
        break;
    }
    ok = ok && !buf.oom;
    if (ok) join_level(out, &buf, alts, nalts, utf);
    free(alts);
    sb_free(&buf);
    return ok;
}

bool re_factor_alternations(const char *p, size_t len, bool utf, StrBuf *out) {
    size_t i = 0;
    if (!rewrite_level(p, len, &i, out, utf, 0) || out->oom) return false;
    while (i < len) {       /* an unbalanced ')': PCRE2 reports it */
        sb_add(out, p + i++, 1);
        if (!rewrite_level(p, len, &i, out, utf, 0)) return false;
    }
    return !out->oom;
}
