/* Python's regex syntax as PCRE2's: see re_syntax.h. Python's syntax is
 * PCRE2's but for a few spellings, which re_translate rewrites (\Z,
 * \uXXXX, \UXXXXXXXX, {,n}, inline flags PCRE2 lacks). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "re_syntax.h"

static bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool hex_run(const char *p, size_t len, size_t i, size_t n) {
    if (i + n > len) return false;
    for (size_t k = 0; k < n; k++) if (!is_hex(p[i + k])) return false;
    return true;
}

/* Rewrites Python's spellings that PCRE2 reads differently. */
void re_translate(const char *p, size_t len, bool bytes, StrBuf *out) {
    bool in_class = false;
    for (size_t i = 0; i < len;) {
        char c = p[i];
        if (c == '\\' && i + 1 < len) {
            char d = p[i + 1];
            if (d == 'Z' && !in_class) {
                sb_add(out, "\\z", 2);
                i += 2;
            } else if (!bytes && ((d == 'u' && hex_run(p, len, i + 2, 4)) || (d == 'U' && hex_run(p, len, i + 2, 8)))) {
                size_t n = d == 'u' ? 4 : 8;
                sb_add(out, "\\x{", 3);
                sb_add(out, p + i + 2, n);
                sb_addc(out, '}');
                i += 2 + n;
            } else {
                sb_add(out, p + i, 2);
                i += 2;
            }
            continue;
        }
        if (in_class) {
            if (c == ']') in_class = false;
            sb_addc(out, c);
            i++;
            continue;
        }
        if (c == '[') {
            in_class = true;
            sb_addc(out, c);
            i++;
            if (i < len && p[i] == '^') sb_addc(out, p[i++]);
            if (i < len && p[i] == ']') sb_addc(out, p[i++]);
            continue;
        }
        if (c == '(' && i + 2 < len && p[i + 1] == '?' && strchr("aiLmsux-", p[i + 2])) {
            /* Inline flags: PCRE2 has no a, L or u (ASCII, locale and
             * unicode matching), so they are dropped. */
            size_t k = i + 2;
            while (k < len && p[k] && strchr("aiLmsux-", p[k])) k++;
            if (k < len && (p[k] == ')' || p[k] == ':')) {
                StrBuf flags = SB_INIT;
                for (size_t f = i + 2; f < k; f++) {
                    if (!strchr("aLu", p[f])) sb_addc(&flags, p[f]);
                }
                bool empty = flags.len == 0 || (flags.len == 1 && flags.data[0] == '-');
                if (!empty || p[k] == ':') {
                    sb_add(out, "(?", 2);
                    if (!empty) sb_add(out, flags.data, flags.len);
                    sb_addc(out, p[k]);
                }
                sb_free(&flags);
                i = k + 1;
                continue;
            }
        }
        if (c == '{' && i + 1 < len && p[i + 1] == ',') {
            size_t k = i + 2;
            while (k < len && p[k] >= '0' && p[k] <= '9') k++;
            if (k > i + 2 && k < len && p[k] == '}') {
                sb_add(out, "{0", 2);
                i++;
                continue;
            }
        }
        sb_addc(out, c);
        i++;
    }
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

