/* Python's regex syntax as PCRE2's (re_syntax.c): the pattern is checked
 * and rewritten where the two differ before PCRE2 compiles it, and PCRE2's
 * compile errors are reported in CPython's words. Positions here are byte
 * offsets into the pattern; re.c turns them into code points for a str
 * pattern. */
#ifndef ASY_RE_SYNTAX_H
#define ASY_RE_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../vm/strbuf.h"

/* The flags' values, as CPython's re. */
#define RE_I 2
#define RE_L 4
#define RE_M 8
#define RE_S 16
#define RE_U 32
#define RE_X 64
#define RE_A 256

/* A span of the translation that replaces a span of the pattern. */
typedef struct ReSpan {
    size_t out0, out1, in0, in1;
} ReSpan;

/* A named group met so far. */
typedef struct ReName {
    size_t off, len;
    int number;
} ReName;

typedef struct ReSyntax {
    StrBuf out;             /* the pattern in PCRE2's syntax */
    ReSpan *spans;          /* where out differs from the pattern, in order */
    size_t nspans, capspans;
    ReName *names;
    size_t nnames, capnames;
    int *closed;            /* the capturing groups in the order their ')'s
                             * come: Match.lastindex's tie-break */
    size_t nclosed, capclosed;
    int64_t err_at;         /* after a failed re_translate: where, and */
    char err[160];          /* CPython's message */
    bool overflow;          /* the error is CPython's OverflowError (a
                             * repeat count past MAXREPEAT), not re.error */
    char warn[96];          /* a FutureWarning to issue ("" for none): the
                             * first nested set or set operation met */
} ReSyntax;

/* Checks pattern p (bytes when `bytes`; flags: the argument's and the
 * leading inline ones) and rewrites it into rs->out; false with rs->err
 * set on an error that CPython reports and PCRE2 would not, or words
 * otherwise. rs must start zeroed; re_syntax_free releases it. */
bool re_translate(ReSyntax *rs, const char *p, size_t len, bool bytes, int64_t flags);
void re_syntax_free(ReSyntax *rs);

/* Writes translated pattern p to out with its runs of literal alternatives
 * factored by their first characters (re_factor.c), for a pattern PCRE2
 * finds too large; false when it leaves the pattern alone. `utf`: p is
 * UTF-8 text (a str pattern). Not for IGNORECASE or VERBOSE patterns. */
bool re_factor_alternations(const char *p, size_t len, bool utf, StrBuf *out);

/* The offset in the pattern of offset off in the translation. */
size_t re_source_offset(const ReSyntax *rs, size_t off);

/* CPython's message for PCRE2's compile error err at offset off (into the
 * pattern p, see re_source_offset); buf holds it if it is made, and *pos
 * gets its position in p, -1 for none. */
const char *re_error_text(int err, const char *p, size_t len, size_t off, int64_t *pos, char *buf, size_t size);

/* The global flags the pattern sets at its start, as (?im): CPython counts
 * them in Pattern.flags. */
int64_t re_leading_flags(const char *p, size_t len);

/* Whether p[0, n) may name a group: str.isidentifier(), ASCII only in a
 * bytes pattern (also for \g<name> in templates). */
bool re_name_ok(const char *p, size_t n, bool bytes);

#endif
