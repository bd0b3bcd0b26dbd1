/* Python's regex syntax as PCRE2's: see re_syntax.h. The translator walks
 * the pattern once, unit by unit (an escape, a class, a group opening, a
 * character), copying what PCRE2 reads as Python does and rewriting the
 * rest: \Z, \uXXXX and \UXXXXXXXX, {,n}, the inline flags PCRE2 lacks (a,
 * L, u), \s in str patterns, and IGNORECASE's dotted and dotless i. It
 * also reports the errors PCRE2 would accept (escapes Python lacks, flags)
 * or word differently (ranges, group names), at CPython's positions. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/str.h"
#include "../vm/unidata.h"
#include "re_syntax.h"

/* The characters str.isspace() accepts, which CPython's \s matches in a
 * str pattern (PCRE2's Unicode \s lacks \x1c-\x1f and \x85), and the
 * other code points, for \S inside a class (where [^...] cannot go). */
static const char space_set[] =
    "\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";
static const char nonspace_set[] =
    "\\x{0}-\\x{8}\\x{e}-\\x{1b}\\x{21}-\\x{84}\\x{86}-\\x{9f}\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}"
    "\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}\\x{3001}-\\x{10ffff}";

/* Under IGNORECASE CPython takes i, I, dotless ı (U+0131) and dotted İ
 * (U+0130) as one letter; Unicode's simple case folding, PCRE2's, keeps
 * the last two apart. */
static const char four_i[] = "[iI\\x{131}\\x{130}]";
static const char four_i_class_end[] = "iI\\x{131}\\x{130}]";
static const int64_t four_i_cps[] = {'I', 'i', 0x130, 0x131};

/* The escapes Python knows, by letter: any other letter is a bad escape
 * (PCRE2 would read \h, \K, \Q, \p, ... as its own). Digits and
 * punctuation are fine. */
static const char escapes_out[] = "AbBdDsSwWZafnrtvxuUN";
static const char escapes_in[] = "bdDsSwWafnrtvxuUN";

typedef struct Tr {
    ReSyntax *rs;
    const char *p;
    size_t len, i;
    StrBuf *out;
    bool bytes;         /* a bytes pattern: no \u, \U, \N */
    bool unicode;       /* a str pattern without ASCII: \s is str.isspace() */
    bool verbose;       /* VERBOSE: # starts a comment */
    bool caseless;      /* IGNORECASE holds at i */
    struct {            /* for each open group: */
        bool caseless, unicode;     /* the flags when it began */
        int group;                  /* its number, 0 for none */
        bool cond;                  /* a conditional group, and */
        int bars;                   /* the |s met in it */
        size_t open_at, open_src;   /* where its '(' went in out, and was in p */
        int open_groups;            /* capturing groups opened before it */
    } saved[100];
    int depth;
    int condrefs[32];   /* (?(n)...) references, checked at the end */
    size_t condref_at[32];
    int ncondrefs;
    bool ucp;           /* PCRE2 reads \w, \d, \b as Unicode (else ASCII) */
    int groups;         /* capturing groups opened so far */
    bool at_start;      /* nothing but global flags so far */
    bool global_flags;  /* the unit just read was (?flags) */
    size_t atom_at, atom_src;   /* the last unit: where it starts in out and in p */
    int atom_groups;            /* capturing groups opened before it */
    enum { PREV_NONE, PREV_ATOM, PREV_ANCHOR, PREV_REPEAT } prev;   /* what a repeat at i would follow */
} Tr;

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static bool is_octal(char c) { return c >= '0' && c <= '7'; }
static bool is_letter(char c) { return ((c | 32) >= 'a' && (c | 32) <= 'z'); }

/* Fails with CPython's message fmt, whose one %.*s shows p[at, at+n). */
static bool tr_fail(Tr *t, size_t at, const char *fmt, size_t n) {
    snprintf(t->rs->err, sizeof t->rs->err, fmt, (int)n, t->p + at);
    t->rs->err_at = (int64_t)at;
    return false;
}

static bool tr_at(const Tr *t, size_t k, char c) { return t->i + k < t->len && t->p[t->i + k] == c; }

/* A group opens: its flags are restored when it closes. */
static void tr_push(Tr *t, int group) {
    if (t->depth < (int)(sizeof t->saved / sizeof t->saved[0])) {
        t->saved[t->depth].caseless = t->caseless;
        t->saved[t->depth].unicode = t->unicode;
        t->saved[t->depth].group = group;
        t->saved[t->depth].cond = false;
        t->saved[t->depth].bars = 0;
    }
    t->depth++;
}

/* Whether capturing group g is still open (CPython refuses references). */
static bool tr_group_open(const Tr *t, int g) {
    for (int k = 0; k < t->depth && k < (int)(sizeof t->saved / sizeof t->saved[0]); k++)
        if (t->saved[k].group == g) return true;
    return false;
}

static void tr_copy(Tr *t, size_t n) {
    if (n > t->len - t->i) n = t->len - t->i;
    sb_add(t->out, t->p + t->i, n);
    t->i += n;
}

/* Writes s for the n bytes at i, and remembers where, for error offsets. */
static void tr_rewrite(Tr *t, size_t n, const char *s) {
    ReSyntax *rs = t->rs;
    ReSpan span = {t->out->len, 0, t->i, t->i + n};
    sb_adds(t->out, s);
    t->i += n;
    span.out1 = t->out->len;
    if (rs->nspans == rs->capspans) {
        size_t cap = rs->capspans ? 2 * rs->capspans : 8;
        ReSpan *s2 = realloc(rs->spans, cap * sizeof *s2);
        if (!s2) return;        /* error positions may be off; nothing worse */
        rs->spans = s2, rs->capspans = cap;
    }
    rs->spans[rs->nspans++] = span;
}

/* The literal character at i (a whole UTF-8 sequence in a str pattern):
 * its code point; copied out unless `copy` is false. */
static int64_t tr_char(Tr *t, bool copy) {
    size_t start = t->i;
    int64_t cp = (unsigned char)t->p[t->i];
    if (!t->bytes && cp >= 0x80) cp = utf8_decode(t->p, t->len, &t->i);
    else t->i++;
    if (copy) sb_add(t->out, t->p + start, t->i - start);
    return cp;
}

/* \xhh, \uhhhh, \Uhhhhhhhh (the last two in str patterns only): the code
 * point, or -1 after an error. */
static int64_t tr_hex_escape(Tr *t) {
    char d = t->p[t->i + 1];
    size_t want = d == 'x' ? 2 : d == 'u' ? 4 : 8, k = 0;
    if (t->bytes && d != 'x') return tr_fail(t, t->i, "bad escape %.*s", 2), -1;
    while (k < want && t->i + 2 + k < t->len && is_hex(t->p[t->i + 2 + k])) k++;
    if (k < want) return tr_fail(t, t->i, "incomplete escape %.*s", 2 + k), -1;
    char digits[9] = {0}, buf[16];
    memcpy(digits, t->p + t->i + 2, want);
    int64_t cp = strtol(digits, NULL, 16);
    if (cp > 0x10ffff) return tr_fail(t, t->i, "bad escape %.*s", 2 + want), -1;
    snprintf(buf, sizeof buf, "\\x{%s}", digits);
    tr_rewrite(t, 2 + want, buf);
    return cp;
}

/* \N{name} in a str pattern (after its '{' was seen): the code point, or
 * -1 after an error. */
static int64_t tr_named_escape(Tr *t) {
    size_t name = t->i + 3;
    const char *close = memchr(t->p + name, '}', t->len - name);
    if (name >= t->len || (close && close == t->p + name))
        return tr_fail(t, name, "missing character name%.*s", 0), -1;
    if (!close) return tr_fail(t, name, "missing }, unterminated name%.*s", 0), -1;
    size_t n = (size_t)(close - (t->p + name));
    uint32_t cp[4];
    if (unidata_lookup(t->p + name, n, false, cp) != 1) {
        snprintf(t->rs->err, sizeof t->rs->err, "undefined character name '%.*s'", (int)n, t->p + name);
        t->rs->err_at = (int64_t)t->i;
        return -1;
    }
    char buf[16];
    snprintf(buf, sizeof buf, "\\x{%x}", (unsigned)cp[0]);
    tr_rewrite(t, n + 4, buf);
    return cp[0];
}

/* \w, \d, \s, \b and their negations inside (?a:...) of a Unicode
 * pattern or (?u:...) of an ASCII one, where PCRE2 (whose UCP option holds
 * for a whole pattern) would read them the pattern's way: the classes
 * spelt out. Unicode's \w is PCRE2's Xwd property, \s str.isspace(). */
static const struct { char c; const char *ascii, *ascii_in_class, *uni; } scoped_classes[] = {
    {'w', "[A-Za-z0-9_]", "A-Za-z0-9_", "\\p{Xwd}"},
    {'W', "[^A-Za-z0-9_]", "\\x{0}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{5e}\\x{60}\\x{7b}-\\x{10ffff}", "\\P{Xwd}"},
    {'d', "[0-9]", "0-9", "\\p{Nd}"},
    {'D', "[^0-9]", "\\x{0}-\\x{2f}\\x{3a}-\\x{10ffff}", "\\P{Nd}"},
    {'s', "[\\t-\\r ]", "\\t-\\r ", NULL},
    {'S', "[^\\t-\\r ]", "\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{10ffff}", NULL},
};

/* True when the escape at i was such a class (or \b, \B) and is rewritten. */
static bool tr_scoped_class(Tr *t, bool in_class) {
    char d = t->p[t->i + 1];
    if (t->bytes || t->unicode == t->ucp || !strchr("wWdDsSbB", d)) return false;
    if (d == 'b' || d == 'B') {
        if (in_class) return false;
        const char *w = t->unicode ? "\\p{Xwd}" : "[A-Za-z0-9_]";
        char buf[160];
        if (d == 'b') snprintf(buf, sizeof buf, "(?:(?<=%s)(?!%s)|(?<!%s)(?=%s))", w, w, w, w);
        else snprintf(buf, sizeof buf, "(?:(?<=%s)(?=%s)|(?<!%s)(?!%s)(?!\\A\\z))", w, w, w, w);
        tr_rewrite(t, 2, buf);
        return true;
    }
    for (size_t k = 0; k < sizeof scoped_classes / sizeof scoped_classes[0]; k++) {
        if (scoped_classes[k].c != d) continue;
        if (t->unicode && !scoped_classes[k].uni) return false;     /* tr_space's */
        tr_rewrite(t, 2, t->unicode ? scoped_classes[k].uni : in_class ? scoped_classes[k].ascii_in_class
                                                                        : scoped_classes[k].ascii);
        return true;
    }
    return false;
}

/* \s or \S in a str pattern: str.isspace()'s characters. */
static void tr_space(Tr *t, bool in_class) {
    bool neg = t->p[t->i + 1] == 'S';
    StrBuf b = SB_INIT;
    if (in_class) sb_adds(&b, neg ? nonspace_set : space_set);
    else sb_addf(&b, "[%s%s]", neg ? "^" : "", space_set);
    tr_rewrite(t, 2, b.data ? b.data : "");
    sb_free(&b);
}

/* An escape at i, with a character after it, in a class or not: the code
 * point it stands for, -2 for none (\d, \b, a group reference ...), -1
 * after an error. */
static int64_t tr_escape(Tr *t, bool in_class) {
    char d = t->p[t->i + 1];
    unsigned char ud = (unsigned char)d;
    if (is_letter(d) && (!strchr(in_class ? escapes_in : escapes_out, d) || (t->bytes && strchr("uUN", d))))
        return tr_fail(t, t->i, "bad escape %.*s", 2), -1;
    if (d == 'x' || d == 'u' || d == 'U') return tr_hex_escape(t);
    if (tr_scoped_class(t, in_class)) return -2;
    if (d == 'N' && !tr_at(t, 2, '{')) return tr_fail(t, t->i + 2, "missing {%.*s", 0), -1;
    if (d == 'N') return tr_named_escape(t);
    if (d == 'B' && !in_class) return tr_rewrite(t, 2, "(?:\\B(?!\\A\\z))"), -2;   /* never in an empty string */
    if (d == 'Z') return tr_rewrite(t, 2, "\\z"), -2;
    if ((d == 's' || d == 'S') && t->unicode) return tr_space(t, in_class), -2;
    bool oct3 = d >= '0' && d <= '7' && t->i + 3 < t->len && is_octal(t->p[t->i + 2]) && is_octal(t->p[t->i + 3]);
    if (in_class && (d == '8' || d == '9')) return tr_fail(t, t->i, "bad escape %.*s", 2), -1;
    if (oct3 && (d - '0') * 64 + (t->p[t->i + 2] - '0') * 8 + (t->p[t->i + 3] - '0') > 0377)
        return tr_fail(t, t->i, "octal escape value %.*s outside of range 0-0o377", 4), -1;
    if (!oct3 && !in_class && d >= '1' && d <= '9') {
        /* A group reference: to a group opened before it, as in CPython
         * (PCRE2 would take a number past the groups as octal). */
        bool two = t->i + 2 < t->len && t->p[t->i + 2] >= '0' && t->p[t->i + 2] <= '9';
        int g = two ? (d - '0') * 10 + (t->p[t->i + 2] - '0') : d - '0';
        if (g > t->groups) {
            char fmt[64];
            snprintf(fmt, sizeof fmt, "invalid group reference %d%%.*s", g);
            return tr_fail(t, t->i + 1, fmt, 0), -1;
        }
        if (tr_group_open(t, g)) return tr_fail(t, t->i, "cannot refer to an open group%.*s", 0), -1;
        /* braced, so that a digit after it stays a digit: (a)...(k)\119 is
         * group 11, then '9' (PCRE2 would read \119 whole) */
        char ref[16];
        snprintf(ref, sizeof ref, "\\g{%d}", g);
        tr_rewrite(t, two ? 3 : 2, ref);
        return -2;
    }
    if (ud >= 0x80 && !t->bytes) {      /* an escaped non-ASCII character is itself */
        t->i++;
        sb_addc(t->out, '\\');
        return tr_char(t, true);
    }
    tr_copy(t, 2);
    return strchr("\\.^$*+?{}[]()|-#&~ ", d) && d ? d : -2;
}

/* ---- character classes --------------------------------------------------- */

/* One item of a class at i: its code point, -2 for none (a class escape
 * such as \d), -1 after an error. *set tells a class escape. A '[' is a
 * literal, as in CPython, not the start of a POSIX [:name:]. */
static int64_t tr_class_item(Tr *t, bool *set) {
    *set = false;
    if (t->p[t->i] == '\\' && t->i + 1 < t->len) {
        *set = strchr("dDsSwW", t->p[t->i + 1]) && t->p[t->i + 1];
        return tr_escape(t, true);
    }
    if (t->p[t->i] == '[') return tr_rewrite(t, 1, "\\["), '[';
    return tr_char(t, true);
}

/* A class from its '[' to its ']' (PCRE2 reports a missing one). A range
 * may not run between class escapes or backwards; under IGNORECASE a class
 * that holds one of the four i's gets them all. */
/* CPython's FutureWarning for what may mean a set operation some day. */
static void tr_warn(Tr *t, const char *what, size_t at) {
    if (!t->rs->warn[0]) snprintf(t->rs->warn, sizeof t->rs->warn, "Possible %s at position %zu", what, at);
}

static bool tr_class(Tr *t) {
    tr_copy(t, 1);
    if (tr_at(t, 0, '[')) tr_warn(t, "nested set", t->i);
    if (tr_at(t, 0, '^')) tr_copy(t, 1);
    if (tr_at(t, 0, ']')) tr_copy(t, 1);
    bool has_i = false;
    for (size_t items = 0; t->i < t->len && t->p[t->i] != ']'; items++) {
        size_t item = t->i;
        char c = t->p[t->i];
        if (items && c && strchr("-&~|", c) && tr_at(t, 1, c))
            tr_warn(t, c == '-' ? "set difference" : c == '&' ? "set intersection"
                       : c == '~' ? "set symmetric difference" : "set union", t->i);
        bool set_a, set_b = false;
        int64_t a = tr_class_item(t, &set_a), b = a;
        if (a == -1) return false;
        if (tr_at(t, 0, '-') && t->i + 1 < t->len && t->p[t->i + 1] != ']') {
            tr_copy(t, 1);
            if (tr_at(t, 0, '-')) tr_warn(t, "set difference", t->i - 1);
            b = tr_class_item(t, &set_b);
            if (b == -1) return false;
            if (set_a || set_b || (a >= 0 && b >= 0 && b < a))
                return tr_fail(t, item, "bad character range %.*s", t->i - item);
        }
        for (size_t k = 0; k < 4 && a >= 0 && b >= 0; k++) has_i |= four_i_cps[k] >= a && four_i_cps[k] <= b;
    }
    if (t->i >= t->len) return true;
    if (has_i && t->caseless && t->unicode) tr_rewrite(t, 1, four_i_class_end);
    else tr_copy(t, 1);
    return true;
}

/* ---- groups ---------------------------------------------------------------- */

/* Whether p[0, n) is a group name: str.isidentifier(), ASCII only in a
 * bytes pattern. */
bool re_name_ok(const char *p, size_t n, bool bytes) {
    size_t i = 0;
    while (i < n) {
        bool first = i == 0;
        uint32_t c = (unsigned char)p[i];
        if (c >= 0x80 && bytes) return false;
        if (c >= 0x80) c = (uint32_t)utf8_decode(p, n, &i);
        else i++;
        bool ok = c == '_' || is_letter((char)c) || (!first && c >= '0' && c <= '9');
        if (c >= 0x80) ok = (unidata_ctype(c)->flags & (first ? UNI_XID_START : UNI_XID_CONTINUE)) != 0;
        if (!ok) return false;
    }
    return n > 0;
}

/* "bad character in group name NAME" for p[start, end), the name as
 * CPython's %r shows it: a bytes name's non-ASCII bytes as \\xhh (decoded
 * with backslashreplace, then repr'd). */
static bool tr_bad_name(Tr *t, size_t start, size_t end) {
    StrBuf b = SB_INIT;
    sb_adds(&b, "bad character in group name '");
    for (size_t k = start; k < end; k++) {
        unsigned char c = (unsigned char)t->p[k];
        if (c >= 0x80 && t->bytes) sb_addf(&b, "\\x%02x", c);
        else if (c == '\\' || c == '\'') sb_addf(&b, "\\%c", c);
        else sb_addc(&b, (char)c);
    }
    sb_addc(&b, '\'');
    snprintf(t->rs->err, sizeof t->rs->err, "%s", b.data ? b.data : "");
    sb_free(&b);
    t->rs->err_at = (int64_t)start;
    return false;
}

/* The number of the group named p[start, end), 0 if none is. */
static int tr_find_name(const Tr *t, size_t start, size_t end) {
    for (size_t k = 0; k < t->rs->nnames; k++) {
        const ReName *n = &t->rs->names[k];
        if (n->len == end - start && memcmp(t->p + n->off, t->p + start, n->len) == 0) return n->number;
    }
    return 0;
}

/* CPython's checks of a group name at p[start, end) (end at its '>'). */
static bool tr_check_name(Tr *t, size_t start, size_t end) {
    if (end >= t->len || t->p[end] != '>') {
        if (end == start) return tr_fail(t, start, "missing group name%.*s", 0);
        return tr_fail(t, start, "missing >, unterminated name%.*s", 0);
    }
    if (end == start) return tr_fail(t, start, "missing group name%.*s", 0);
    return re_name_ok(t->p + start, end - start, t->bytes) || tr_bad_name(t, start, end);
}

/* (?P=name): a reference to a group that is named and closed. */
static bool tr_named_ref(Tr *t) {
    size_t start = t->i + 4;
    const char *close = memchr(t->p + start, ')', t->len - start);
    if (start >= t->len || close == t->p + start) return tr_fail(t, start, "missing group name%.*s", 0);
    if (!close) return tr_fail(t, start, "missing ), unterminated name%.*s", 0);
    size_t end = (size_t)(close - t->p);
    if (!re_name_ok(t->p + start, end - start, t->bytes)) return tr_bad_name(t, start, end);
    int g = tr_find_name(t, start, end);
    if (!g) return tr_fail(t, start, "unknown group name '%.*s'", end - start);
    if (tr_group_open(t, g)) return tr_fail(t, start, "cannot refer to an open group%.*s", 0);
    tr_copy(t, end + 1 - t->i);
    return true;
}

/* (?(name) or (?(number): the condition of a conditional group (opened
 * already), checked as CPython does; a number may name a later group. */
static bool tr_condition(Tr *t) {
    size_t start = t->i + 3;
    const char *close = memchr(t->p + start, ')', t->len - start);
    if (start >= t->len || close == t->p + start) return tr_fail(t, start, "missing group name%.*s", 0);
    if (!close) return tr_fail(t, start, "missing ), unterminated name%.*s", 0);
    size_t end = (size_t)(close - t->p), k = start;
    while (k < end && t->p[k] >= '0' && t->p[k] <= '9') k++;
    if (k == end) {
        long g = strtol(t->p + start, NULL, 10);
        if (g == 0) return tr_fail(t, start, "bad group number%.*s", 0);
        if (t->ncondrefs < 32) t->condref_at[t->ncondrefs] = start, t->condrefs[t->ncondrefs++] = (int)(g > 99999 ? 99999 : g);
    } else if (!re_name_ok(t->p + start, end - start, t->bytes)) {
        return tr_bad_name(t, start, end);
    } else if (!tr_find_name(t, start, end)) {
        return tr_fail(t, start, "unknown group name '%.*s'", end - start);
    }
    if (t->depth <= (int)(sizeof t->saved / sizeof t->saved[0])) t->saved[t->depth - 1].cond = true;
    tr_copy(t, end + 1 - t->i);
    return true;
}

/* (?P<name>: a new capturing group; CPython's error for a name used twice. */
static bool tr_named_group(Tr *t) {
    ReSyntax *rs = t->rs;
    size_t start = t->i + 4, end = start;
    while (end < t->len && t->p[end] != '>') end++;     /* a ')' is in the name */
    if (!tr_check_name(t, start, end)) return false;
    int number = ++t->groups;
    tr_push(t, number);
    for (size_t k = 0; k < rs->nnames; k++) {
        const ReName *n = &rs->names[k];
        if (n->len != end - start || memcmp(t->p + n->off, t->p + start, n->len) != 0) continue;
        char fmt[96];
        snprintf(fmt, sizeof fmt, "redefinition of group name '%%.*s' as group %d; was group %d", number, n->number);
        return tr_fail(t, start, fmt, n->len);
    }
    if (rs->nnames == rs->capnames) {
        size_t cap = rs->capnames ? 2 * rs->capnames : 8;
        ReName *n2 = realloc(rs->names, cap * sizeof *n2);
        if (n2) rs->names = n2, rs->capnames = cap;
    }
    if (rs->nnames < rs->capnames) rs->names[rs->nnames++] = (ReName){start, end - start, number};
    tr_copy(t, end + 1 - t->i);     /* PCRE2 checks the name itself */
    return true;
}

/* The flag letters of an inline-flags group at p[from, to): CPython's
 * checks, then the ones PCRE2 knows (i, m, s, x) written out. */
static bool tr_flag_letters(Tr *t, size_t from, size_t to, StrBuf *keep) {
    bool off = false;
    int on_mask = 0, off_mask = 0;
    for (size_t k = from; k < to; k++) {
        char c = t->p[k];
        const char *hit = strchr("aiLmsux", c);
        if (c == '-' && !off) { off = true; sb_addc(keep, c); continue; }
        if (!hit || !c) return tr_fail(t, k, "unknown flag%.*s", 0);
        int bit = 1 << (hit - "aiLmsux");
        *(off ? &off_mask : &on_mask) |= bit;
        if (!strchr("aLu", c)) sb_addc(keep, c);
    }
    const int aul = 1 | 4 | 32;     /* a, L, u */
    const char *msg = NULL;
    if (t->bytes && (on_mask & 32)) msg = "bad inline flags: cannot use 'u' flag with a bytes pattern%.*s";
    else if (!t->bytes && (on_mask & 4)) msg = "bad inline flags: cannot use 'L' flag with a str pattern%.*s";
    else if ((on_mask & aul) & ((on_mask & aul) - 1)) msg = "bad inline flags: flags 'a', 'u' and 'L' are incompatible%.*s";
    else if (off_mask & aul) msg = "bad inline flags: cannot turn off flags 'a', 'u' and 'L'%.*s";
    else if (on_mask & off_mask) msg = "bad inline flags: flag turned on and off%.*s";
    if (msg) return tr_fail(t, to, msg, 0);
    if (on_mask & 2) t->caseless = true;
    if (off_mask & 2) t->caseless = false;
    if (on_mask & 1) t->unicode = false;
    if (on_mask & 32) t->unicode = !t->bytes;
    return true;
}

/* (?flags) at the pattern's start, or (?flags-flags:...). */
static bool tr_inline_flags(Tr *t) {
    size_t from = t->i + 2, k = from;
    for (; k < t->len && is_letter(t->p[k]); k++)
        if (!strchr("aiLmsux", t->p[k])) return tr_fail(t, k, "unknown flag%.*s", 0);
    if (k < t->len && t->p[k] == '-') {     /* flags turned off: a scoped group only */
        if (++k >= t->len || !is_letter(t->p[k])) return tr_fail(t, k, "missing flag%.*s", 0);
        for (; k < t->len && is_letter(t->p[k]); k++)
            if (!strchr("aiLmsux", t->p[k])) return tr_fail(t, k, "unknown flag%.*s", 0);
        if (k >= t->len || t->p[k] != ':') return tr_fail(t, k, "missing :%.*s", 0);
    }
    if (k >= t->len || (t->p[k] != ')' && t->p[k] != ':')) return tr_fail(t, k, "missing -, : or )%.*s", 0);
    bool scoped = t->p[k] == ':';
    t->global_flags = !scoped;
    /* A global x holds from the start (CPython parses again): from here it
     * makes whitespace and comments no unit, so flags may follow them. */
    const char *x = memchr(t->p + from, 'x', k - from), *minus = memchr(t->p + from, '-', k - from);
    if (!scoped && x && (!minus || x < minus)) t->verbose = true;
    if (!scoped && !t->at_start) return tr_fail(t, t->i, "global flags not at the start of the expression%.*s", 0);
    if (scoped) tr_push(t, 0);
    StrBuf keep = SB_INIT;
    bool ok = tr_flag_letters(t, from, k, &keep);
    if (ok) {
        StrBuf b = SB_INIT;
        bool empty = keep.len == 0 || (keep.len == 1 && keep.data[0] == '-');
        if (!empty || scoped) sb_addf(&b, "(?%.*s%c", empty ? 0 : (int)keep.len, keep.data ? keep.data : "", t->p[k]);
        tr_rewrite(t, k + 1 - t->i, b.data ? b.data : "");
        sb_free(&b);
    }
    sb_free(&keep);
    return ok;
}

/* Copies through the first `end` character (included) from i: a comment,
 * a group reference, a condition; false if there is none. */
static bool tr_copy_through(Tr *t, char end) {
    const char *e = memchr(t->p + t->i, end, t->len - t->i);
    if (!e) return false;
    tr_copy(t, (size_t)(e - (t->p + t->i)) + 1);
    return true;
}

/* "unknown extension" for the group opening at i, whose extension's
 * letters end with the token at k: one character, or an escape of two (an
 * escape cut short by the pattern's end is that error, as CPython's
 * tokenizer meets it first). */
static bool tr_unknown_ext(Tr *t, size_t k) {
    size_t n = 0;
    if (t->p[k] == '\\') {
        if (k + 1 >= t->len) return tr_fail(t, k, "bad escape (end of pattern)%.*s", 0);
        n = 1;
    }
    size_t end = k + n;
    if (end < t->len && t->bytes) end++;
    else if (end < t->len) utf8_decode(t->p, t->len, &end);
    n = end - k;
    return tr_fail(t, t->i + 1, "unknown extension %.*s", k + n - (t->i + 1));
}

/* A group's opening at i: (, (?:, (?P<name>, (?=, (?!, (?<=, (?<!, (?>,
 * (?(cond), (?flags:; or the non-groups (?flags), (?#...), (?P=name). */
static bool tr_group(Tr *t) {
    char c = t->i + 2 < t->len ? t->p[t->i + 2] : 0;
    bool q = tr_at(t, 1, '?');
    if (q && c == '#') {
        if (!tr_copy_through(t, ')')) return tr_fail(t, t->i, "missing ), unterminated comment%.*s", 0);
        return true;
    }
    if (q && c && strchr("aiLmsux-", c)) return tr_inline_flags(t);
    if (q && t->i + 2 >= t->len) return tr_fail(t, t->len, "unexpected end of pattern%.*s", 0);
    if (q && c == 'P') {
        char d = t->i + 3 < t->len ? t->p[t->i + 3] : 0;
        if (d == '=') return tr_named_ref(t);
        if (d == '<') return tr_named_group(t);
        if (!d) return tr_fail(t, t->len, "unexpected end of pattern%.*s", 0);
        return tr_unknown_ext(t, t->i + 3);
    }
    if (q && c == '<' && t->i + 3 >= t->len) return tr_fail(t, t->len, "unexpected end of pattern%.*s", 0);
    if (q && c == '<' && !(t->i + 3 < t->len && strchr("=!", t->p[t->i + 3]) && t->p[t->i + 3]))
        return t->i + 3 < t->len ? tr_unknown_ext(t, t->i + 3) : tr_fail(t, t->i + 1, "unknown extension %.*s", 2);
    if (q && !strchr(":=!<>(", c)) return tr_unknown_ext(t, t->i + 2);
    tr_push(t, q ? 0 : ++t->groups);
    if (q && c == '(') return tr_condition(t);
    tr_copy(t, q ? 3 : 1);
    return true;
}

/* Notes that capturing group g closes now. */
static void tr_closed(Tr *t, int g) {
    ReSyntax *rs = t->rs;
    if (rs->nclosed == rs->capclosed) {
        size_t cap = rs->capclosed ? 2 * rs->capclosed : 8;
        int *c2 = realloc(rs->closed, cap * sizeof *c2);
        if (!c2) { rs->out.oom = true; return; }
        rs->closed = c2, rs->capclosed = cap;
    }
    rs->closed[rs->nclosed++] = g;
}

static void tr_group_close(Tr *t) {
    if (t->depth > 0 && --t->depth < (int)(sizeof t->saved / sizeof t->saved[0])) {
        t->caseless = t->saved[t->depth].caseless;
        t->unicode = t->saved[t->depth].unicode;
        if (t->saved[t->depth].group > 0) tr_closed(t, t->saved[t->depth].group);
    }
    tr_copy(t, 1);
}

/* ---- the walk --------------------------------------------------------------- */

/* A character outside classes: under IGNORECASE an i becomes the four.
 * PCRE2's extended mode skips NEL and a few Unicode spaces that Python's
 * VERBOSE keeps (it skips ASCII whitespace only): those are written as
 * escapes, whatever the flags, since (?x) may come later. */
static void tr_literal(Tr *t) {
    size_t start = t->i;
    int64_t cp = tr_char(t, false);
    bool i_like = cp == 'i' || cp == 'I' || cp == 0x130 || cp == 0x131;
    bool pcre_space = cp == 0x85 || cp == 0x200e || cp == 0x200f || cp == 0x2028 || cp == 0x2029;
    size_t n = t->i - start;
    t->i = start;
    if (i_like && t->caseless && t->unicode) {
        tr_rewrite(t, n, four_i);
    } else if (cp >= 0x80 && t->caseless && !t->unicode && !t->bytes) {
        /* IGNORECASE under ASCII folds ASCII letters only; PCRE2's UTF
         * mode would fold any letter. */
        StrBuf b = SB_INIT;
        sb_addf(&b, "(?-i:\\x{%llx})", (unsigned long long)cp);
        tr_rewrite(t, n, b.data ? b.data : "");
        sb_free(&b);
    } else if (pcre_space) {
        char buf[16];
        snprintf(buf, sizeof buf, "\\x{%llx}", (unsigned long long)cp);
        tr_rewrite(t, n, buf);
    } else {
        tr_char(t, true);
    }
}

/* The length of the repeat at k (*, +, ?, or {m,n} with either bound left
 * out, but not {}), without its lazy or possessive mark; 0 if none. */
static size_t tr_repeat_len(const Tr *t, size_t k) {
    if (strchr("*+?", t->p[k]) && t->p[k]) return 1;
    if (t->p[k] != '{' || (k + 1 < t->len && t->p[k + 1] == '}')) return 0;
    size_t e = k + 1;
    while (e < t->len && t->p[e] >= '0' && t->p[e] <= '9') e++;
    if (e < t->len && t->p[e] == ',') e++;
    while (e < t->len && t->p[e] >= '0' && t->p[e] <= '9') e++;
    return e < t->len && t->p[e] == '}' ? e + 1 - k : 0;
}

/* PCRE2's largest repeat count, and CPython's MAXREPEAT, from which on a
 * count is an OverflowError. */
#define PCRE_MAX_REPEAT 65535
#define RE_MAXREPEAT 4294967295ULL
/* Beyond this many counts a range {m,n} is read as {m,} (see big_upto). */
#define BIG_RANGE_LEVELS 100

/* Appends a{m}, in pieces of at most PCRE2's count: (?:a{65535}){q}a{r}. */
static void big_exact(StrBuf *b, const char *a, size_t alen, uint64_t m) {
    if (m <= PCRE_MAX_REPEAT) {
        sb_add(b, a, alen);
        sb_addf(b, "{%llu}", (unsigned long long)m);
        return;
    }
    StrBuf chunk = SB_INIT;
    sb_adds(&chunk, "(?:");
    sb_add(&chunk, a, alen);
    sb_addf(&chunk, "{%d})", PCRE_MAX_REPEAT);
    big_exact(b, chunk.data ? chunk.data : "", chunk.len, m / PCRE_MAX_REPEAT);
    sb_free(&chunk);
    if (m % PCRE_MAX_REPEAT) {
        sb_add(b, a, alen);
        sb_addf(b, "{%llu}", (unsigned long long)(m % PCRE_MAX_REPEAT));
    }
}

/* Appends a{0,k} (lazy: a{0,k}?) as alternatives that keep the order in
 * which the counts are tried: greedy (?:a{65535}a{0,k-65535}|a{0,65534}),
 * lazy the other way round. */
static void big_upto(StrBuf *b, const char *a, size_t alen, uint64_t k, bool lazy) {
    if (k <= PCRE_MAX_REPEAT) {
        sb_add(b, a, alen);
        sb_addf(b, "{0,%llu}%s", (unsigned long long)k, lazy ? "?" : "");
        return;
    }
    sb_adds(b, "(?:");
    for (int pass = 0; pass < 2; pass++) {
        if (pass) sb_adds(b, "|");
        if ((pass == 0) == lazy) {
            sb_add(b, a, alen);
            sb_addf(b, "{0,%d}%s", PCRE_MAX_REPEAT - 1, lazy ? "?" : "");
        } else {
            sb_add(b, a, alen);
            sb_addf(b, "{%d}", PCRE_MAX_REPEAT);
            big_upto(b, a, alen, k - PCRE_MAX_REPEAT, lazy);
        }
    }
    sb_adds(b, ")");
}

/* Reads the digits of {m,n} at q (up to `end`): the count, saturated past
 * MAXREPEAT; `none` when there are no digits. */
static uint64_t repeat_count(const char *q, size_t *i, size_t end, uint64_t none) {
    if (*i >= end || q[*i] < '0' || q[*i] > '9') return none;
    uint64_t v = 0;
    for (; *i < end && q[*i] >= '0' && q[*i] <= '9'; (*i)++)
        v = v > RE_MAXREPEAT ? v : v * 10 + (uint64_t)(q[*i] - '0');
    return v;
}

/* A {m,n} repeat of n bytes at i past what PCRE2 counts (65535): the atom
 * just written out (one without capturing groups) is written again in
 * pieces that PCRE2 takes. Ranges wider than BIG_RANGE_LEVELS pieces are
 * read as unbounded: only a subject of millions of repeats tells. */
static void tr_big_repeat(Tr *t, size_t n, uint64_t lo, uint64_t hi) {
    t->i += n;
    char mark = tr_at(t, 0, '?') ? '?' : tr_at(t, 0, '+') ? '+' : 0;
    if (mark) t->i++;
    StrBuf *out = t->out;
    size_t alen = out->len - t->atom_at;
    char *a = malloc(alen + 1);
    if (!a) { out->oom = true; return; }
    memcpy(a, out->data + t->atom_at, alen);
    out->len = t->atom_at;
    sb_adds(out, mark == '+' ? "(?>" : "(?:");
    if (lo) big_exact(out, a, alen, lo);
    if (hi == RE_MAXREPEAT || hi - lo > (uint64_t)BIG_RANGE_LEVELS * PCRE_MAX_REPEAT) {
        sb_add(out, a, alen);
        sb_adds(out, mark == '?' ? "*?" : "*");
    } else if (hi > lo) {
        big_upto(out, a, alen, hi - lo, mark == '?');
    }
    sb_adds(out, ")");
    free(a);
    /* error offsets inside map to the atom */
    ReSyntax *rs = t->rs;
    while (rs->nspans && rs->spans[rs->nspans - 1].out0 >= t->atom_at) rs->nspans--;
    ReSpan span = {t->atom_at, out->len, t->atom_src, t->i};
    if (rs->nspans == rs->capspans) {
        size_t cap = rs->capspans ? 2 * rs->capspans : 8;
        ReSpan *s2 = realloc(rs->spans, cap * sizeof *s2);
        if (!s2) return;
        rs->spans = s2, rs->capspans = cap;
    }
    rs->spans[rs->nspans++] = span;
}

/* A repeat of n bytes at i and its lazy or possessive mark. CPython refuses
 * one after nothing, an anchor (^, $, \A, \Z, \b, \B) or another repeat
 * as it parses, so these errors come in the pattern's order (PCRE2 would
 * report them after the translator's own, and lets \B be repeated). */
static bool tr_repeat(Tr *t, size_t n) {
    if (t->prev == PREV_NONE || t->prev == PREV_ANCHOR) return tr_fail(t, t->i, "nothing to repeat%.*s", 0);
    if (t->prev == PREV_REPEAT) return tr_fail(t, t->i, "multiple repeat%.*s", 0);
    if (n > 1) {
        size_t k = t->i + 1, end = t->i + n - 1;
        uint64_t lo = repeat_count(t->p, &k, end, 0), hi = lo;
        if (k < end && t->p[k] == ',') k++, hi = repeat_count(t->p, &k, end, RE_MAXREPEAT);
        bool hi_given = t->p[t->i + n - 2] != ',';
        if (lo >= RE_MAXREPEAT || (hi_given && hi >= RE_MAXREPEAT)) {
            t->rs->overflow = true;
            return tr_fail(t, t->i, "the repetition number is too large%.*s", 0);
        }
        if (hi < lo) return tr_fail(t, t->i + 1, "min repeat greater than max repeat%.*s", 0);
        if ((lo > PCRE_MAX_REPEAT || (hi_given && hi > PCRE_MAX_REPEAT)) && t->atom_groups == t->groups) {
            tr_big_repeat(t, n, lo, hi);
            t->prev = PREV_REPEAT;
            return true;
        }
    }
    if (n > 1 && t->p[t->i + 1] == ',') {     /* {,n} is {0,n} for PCRE2, which reads {,n} as text */
        tr_rewrite(t, 1, "{0");
        n--;
    }
    tr_copy(t, n);
    if (tr_at(t, 0, '?') || tr_at(t, 0, '+')) tr_copy(t, 1);
    t->prev = PREV_REPEAT;
    return true;
}

/* One unit at i; false after an error. */
static bool tr_unit(Tr *t) {
    char c = t->p[t->i];
    bool ok = true;
    size_t start = t->i, n;
    int depth = t->depth, groups = t->groups;
    size_t out_at = t->out->len;
    t->global_flags = false;
    if (c == '\\' && t->i + 1 < t->len) {
        ok = tr_escape(t, false) != -1;
        t->prev = strchr("AZbB", t->p[start + 1]) ? PREV_ANCHOR : PREV_ATOM;
    } else if (c == '[') {
        ok = tr_class(t);
        t->prev = PREV_ATOM;
    } else if (c == '(') {
        ok = tr_group(t);
        bool comment = start + 2 < t->len && t->p[start + 1] == '?' && t->p[start + 2] == '#';
        if (t->depth > depth) t->prev = PREV_NONE;
        else if (!comment && !t->global_flags) t->prev = PREV_ATOM;     /* (?P=name) */
    } else if (c == ')') {
        tr_group_close(t);
        t->prev = PREV_ATOM;
    } else if (c == '#' && t->verbose) {
        if (!tr_copy_through(t, '\n')) tr_copy(t, t->len - t->i);
        return true;                /* global flags may still follow */
    } else if (t->verbose && c && strchr(" \t\n\r\v\f", c)) {
        tr_copy(t, 1);
        return true;
    } else if (c == '|' && t->depth > 0 && t->depth <= (int)(sizeof t->saved / sizeof t->saved[0]) &&
               t->saved[t->depth - 1].cond && ++t->saved[t->depth - 1].bars > 1) {
        return tr_fail(t, t->i, "conditional backref with more than two branches%.*s", 0);
    } else if ((n = tr_repeat_len(t, t->i)) > 0) {
        ok = tr_repeat(t, n);
    } else {
        tr_literal(t);
        t->prev = c == '|' ? PREV_NONE : c == '^' || c == '$' ? PREV_ANCHOR : PREV_ATOM;
    }
    if (!t->global_flags) t->at_start = false;
    if (t->depth > depth && depth < (int)(sizeof t->saved / sizeof t->saved[0])) {
        t->saved[depth].open_at = out_at;               /* a group opened */
        t->saved[depth].open_src = start;
        t->saved[depth].open_groups = groups;
    } else if (c == ')' && t->depth < depth && t->depth < (int)(sizeof t->saved / sizeof t->saved[0])) {
        t->atom_at = t->saved[t->depth].open_at;        /* the group is the atom */
        t->atom_src = t->saved[t->depth].open_src;
        t->atom_groups = t->saved[t->depth].open_groups;
    } else if (t->prev == PREV_ATOM && t->depth == depth) {
        t->atom_at = out_at;
        t->atom_src = start;
        t->atom_groups = groups;
    }
    return ok;
}

bool re_translate(ReSyntax *rs, const char *p, size_t len, bool bytes, int64_t flags) {
    Tr t = {.rs = rs, .p = p, .len = len, .out = &rs->out, .bytes = bytes, .at_start = true};
    t.unicode = !bytes && !(flags & RE_A);
    t.verbose = (flags & RE_X) != 0;
    t.caseless = (flags & RE_I) != 0;
    rs->err_at = -1;
    t.ucp = t.unicode;
    while (t.i < len) {
        if (!tr_unit(&t)) return false;
    }
    for (int k = 0; k < t.ncondrefs; k++) {
        if (t.condrefs[k] <= t.groups) continue;
        char fmt[64];
        snprintf(fmt, sizeof fmt, "invalid group reference %d%%.*s", t.condrefs[k]);
        return tr_fail(&t, t.condref_at[k], fmt, 0);
    }
    return true;
}

void re_syntax_free(ReSyntax *rs) {
    sb_free(&rs->out);
    free(rs->spans);
    free(rs->names);
    free(rs->closed);
}

size_t re_source_offset(const ReSyntax *rs, size_t off) {
    size_t in = off;
    for (size_t k = 0; k < rs->nspans; k++) {
        const ReSpan *s = &rs->spans[k];
        if (off < s->out0) break;
        if (off < s->out1) return s->in0;
        in = s->in1 + (off - s->out1);
    }
    return in;
}

/* The byte offset of the '(' or '[' (as `want`) that the pattern leaves
 * open, the last one; -1 if none. Escapes and classes are skipped. */
static int64_t unclosed(const char *p, size_t len, char want) {
    int64_t stack[64], depth = 0, cls = -1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\\') { i++; continue; }
        if (cls >= 0) {
            if (p[i] == ']' && !(i == (size_t)cls + 1 || (i == (size_t)cls + 2 && p[cls + 1] == '^'))) cls = -1;
            continue;
        }
        if (p[i] == '[') cls = (int64_t)i;
        else if (p[i] == '(' && depth < 64) stack[depth++] = (int64_t)i;
        else if (p[i] == ')' && depth > 0) depth--;
    }
    if (want == '[') return cls;
    return depth > 0 ? stack[depth - 1] : -1;
}

/* CPython's wording and position (a byte offset into the pattern, -1 for
 * none) for the compile errors scripts meet; PCRE2's own message for the
 * rest. `off` is PCRE2's offset, into the translated pattern (which differs
 * from the original only in rare spellings). */
const char *re_error_text(int err, const char *p, size_t len, size_t off, int64_t *pos, char *buf, size_t size) {
    *pos = (int64_t)(off <= len ? off : len);
    switch (err) {
    case PCRE2_ERROR_QUANTIFIER_INVALID: {
        size_t q = off < len ? off : len;    /* PCRE2 may point into a {m,n} */
        while (q > 0 && q < len && strchr("0123456789,}", p[q])) q--;
        if (q < len && p[q] == '{') *pos = (int64_t)q;
        if (*pos > 0 && strchr("*+?}", p[*pos - 1])) return "multiple repeat";
        return "nothing to repeat";
    }
    case PCRE2_ERROR_END_BACKSLASH:
        *pos = (int64_t)len - 1;
        return "bad escape (end of pattern)";
    case PCRE2_ERROR_MISSING_NAME_TERMINATOR:
        while (*pos > 0 && p[*pos - 1] != '<') (*pos)--;
        return "missing >, unterminated name";
    case PCRE2_ERROR_UNMATCHED_CLOSING_PARENTHESIS: return "unbalanced parenthesis";
    case PCRE2_ERROR_MISSING_CLOSING_PARENTHESIS:
        if (unclosed(p, len, '(') >= 0) *pos = unclosed(p, len, '(');
        return "missing ), unterminated subpattern";
    case PCRE2_ERROR_MISSING_SQUARE_BRACKET:
        if (unclosed(p, len, '[') >= 0) *pos = unclosed(p, len, '[');
        return "unterminated character set";
    case PCRE2_ERROR_QUANTIFIER_OUT_OF_ORDER:
        while (*pos > 0 && p[*pos - 1] != '{') (*pos)--;
        return "min repeat greater than max repeat";
    case PCRE2_ERROR_UNKNOWN_ESCAPE: case PCRE2_ERROR_MALFORMED_UNICODE_PROPERTY:
    case PCRE2_ERROR_UNKNOWN_UNICODE_PROPERTY: case PCRE2_ERROR_UNSUPPORTED_ESCAPE_SEQUENCE: {
        int64_t b = *pos - 1;
        while (b > 0 && p[b] != '\\') b--;
        if (b < 0 || p[b] != '\\' || (size_t)b + 1 >= len) break;
        *pos = b;
        snprintf(buf, size, "bad escape \\%c", p[b + 1]);
        return buf;
    }
    case PCRE2_ERROR_CLASS_RANGE_ORDER:
        if (off >= 2 && off < len && p[off - 1] == '-') {
            *pos = (int64_t)off - 2;
            snprintf(buf, size, "bad character range %.3s", p + off - 2);
            return buf;
        }
        break;
    case PCRE2_ERROR_BAD_SUBPATTERN_REFERENCE:
        if (off < len && p[off] >= '0' && p[off] <= '9') {
            snprintf(buf, size, "invalid group reference %d", atoi(p + off));
            return buf;
        }
        if (off < len) {
            size_t e = off;
            while (e < len && p[e] != ')') e++;
            snprintf(buf, size, "unknown group name '%.*s'", (int)(e - off), p + off);
            return buf;
        }
        break;
    case PCRE2_ERROR_TOO_MANY_CONDITION_BRANCHES:
        return "conditional backref with more than two branches";
    case PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH:
        *pos = -1;
        return "look-behind requires fixed-width pattern";
    case PCRE2_ERROR_SUBPATTERN_NAME_EXPECTED: case PCRE2_ERROR_INVALID_SUBPATTERN_NAME: {
        size_t e = off;
        while (e < len && p[e] != '>' && p[e] != ')') e++;
        if (e == off) return "missing group name";
        snprintf(buf, size, "bad character in group name '%.*s'", (int)(e - off), p + off);
        return buf;
    }
    default: break;
    }
    pcre2_get_error_message(err, (PCRE2_UCHAR *)buf, size);
    return buf;
}

/* The global flags the pattern sets at its start, as (?im): CPython counts
 * them in Pattern.flags. */
int64_t re_leading_flags(const char *p, size_t len) {
    int64_t flags = 0;
    size_t i = 0;
    while (i + 2 < len && p[i] == '(' && p[i + 1] == '?') {
        int64_t f = 0;
        size_t j = i + 2;
        const char *hit;
        for (; j < len && p[j] && (hit = strchr("aiLmsux", p[j])); j++)
            f |= (int64_t[]){RE_A, RE_I, RE_L, RE_M, RE_S, RE_U, RE_X}[hit - "aiLmsux"];
        if (j == i + 2 || j >= len || p[j] != ')') break;
        flags |= f;
        i = j + 1;
    }
    return flags;
}

