/* The scanner. See lexer.h for what it promises.
 *
 * Two layers: scan() is the re2c automaton, which turns bytes into one raw
 * token and skips spaces, comments and backslash continuations; lexer_next()
 * wraps it with the layout rules (NEWLINE, INDENT, DEDENT) and the bracket
 * stack. String bodies are scanned by hand because their end depends on the
 * opening quote; their escapes are decoded later by the parser, which owns
 * the memory for the result.
 *
 * Error messages and positions follow CPython 3.11's tokenizer, including
 * its quirks (the caret of "invalid decimal literal" sits on the last good
 * digit).
 */
#include "lexer.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "grammar.h"

/* Raw results of scan() that lexer_next() turns into layout tokens. */
enum { RAW_ERROR = -1, RAW_EOF = -2, RAW_NEWLINE = -3 };

/* ------------------------------------------------------------------------
 * Positions and errors
 * ---------------------------------------------------------------------- */

static int col_at(const Lexer *lx, const char *p)
{
    return (int)(p - lx->line_start) + lx->col_base;
}

/* Moves the position to the line after the "\n" at p. */
static void next_line(Lexer *lx, const char *p)
{
    lx->line++;
    lx->line_start = p + 1;
    lx->col_base = 0;
}

static int lex_error_at(Lexer *lx, LexErrorKind rank, const char *kind,
                        int line, int col, int end_col, const char *fmt, ...)
{
    va_list ap;
    lx->error_kind = rank;
    lx->err_in_fstring = lx->fdepth > 0;
    lx->err->kind = kind;
    va_start(ap, fmt);
    vsnprintf(lx->err->msg, sizeof lx->err->msg, fmt, ap);
    va_end(ap);
    lx->err->line = lx->err->end_line = line;
    lx->err->col = col;
    lx->err->end_col = end_col > col ? end_col : col + 1;
    lx->err->origin = rank == LEXERR_TOKEN ? ORIGIN_TOKENIZER
                    : rank == LEXERR_UNCLOSED ? ORIGIN_END_ZERO
                    : rank == LEXERR_LAYOUT && !strcmp(kind, "TabError") ? ORIGIN_END_ZERO
                    : rank == LEXERR_LAYOUT ? ORIGIN_END_NONE : ORIGIN_PARSER;
    /* At the end of the input CPython's tokenizer is still on the last line. */
    lx->err->tok_line = lx->line - (lx->line > 1 && lx->line_start >= lx->lim);
    lx->err->at_eof = false;
    return RAW_ERROR;
}

/* A token error at byte p of the current line. */
static int token_error(Lexer *lx, const char *p, const char *msg)
{
    int col = col_at(lx, p);
    return lex_error_at(lx, LEXERR_TOKEN, "SyntaxError", lx->line, col,
                        col + 1, "%s", msg);
}

/* An error inside an f-string's replacement field, from p to end: CPython
 * 3.12's parser reports these (not its tokenizer), so they keep the range
 * and the line's newline that parser errors have. */
static int field_error(Lexer *lx, const char *p, const char *end, const char *msg)
{
    int col = col_at(lx, p);
    lex_error_at(lx, LEXERR_TOKEN, "SyntaxError", lx->line, col, col_at(lx, end), "%s", msg);
    lx->err->origin = ORIGIN_PARSER;
    return RAW_ERROR;
}

/* ------------------------------------------------------------------------
 * UTF-8 and identifiers
 * ---------------------------------------------------------------------- */

unsigned lexer_utf8_decode(const char **pp)
{
    const unsigned char *p = (const unsigned char *)*pp;
    unsigned c = p[0];
    int n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
    if (n > 0)
        c &= 0x3f >> n;
    for (int i = 1; i <= n; i++)
        c = (c << 6) | (p[i] & 0x3f);
    *pp = (const char *)(p + n + 1);
    return c;
}

static int bad_character(Lexer *lx, const char *p, unsigned cp)
{
    if (lexer_char_class(cp) == 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "invalid non-printable character U+%04X", cp);
        return token_error(lx, p, msg);
    }
    const char *q = p;
    lexer_utf8_decode(&q);
    char msg[64];
    snprintf(msg, sizeof msg, "invalid character '%.*s' (U+%04X)",
             (int)(q - p), p, cp);
    return token_error(lx, p, msg);
}

/* An identifier with non-ASCII bytes: every code point must be an XID
 * character, and the first one an XID_Start. */
static int check_identifier(Lexer *lx, const char *s, const char *end)
{
    for (const char *p = s; p < end;) {
        const char *at = p;
        unsigned cp = lexer_utf8_decode(&p);
        int cls = lexer_char_class(cp);
        if (cls != 2 && (at == s || cls != 1))
            return bad_character(lx, at, cp);
    }
    return TK_NAME;
}

static int identifier(Lexer *lx, const char *s, const char *end)
{
    for (const char *p = s; p < end; p++)
        if ((unsigned char)*p >= 0x80)
            return check_identifier(lx, s, end);
    return TK_NAME;
}

/* ------------------------------------------------------------------------
 * Numbers
 * ---------------------------------------------------------------------- */

enum { NUM_DEC, NUM_HEX, NUM_OCT, NUM_BIN, NUM_IMAG };
static const char *const num_kind_name[] = {
    "decimal", "hexadecimal", "octal", "binary", "imaginary"
};

static bool is_id_byte(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u ||
           c == '_' || c >= 0x80;
}

/* Whether keyword kw starts at p, as a whole word. */
static bool word_at(const char *p, const char *kw)
{
    size_t n = strlen(kw);
    return !strncmp(p, kw, n) && !is_id_byte((unsigned char)p[n]);
}

/* CPython accepts a number glued to a keyword that can follow one in valid
 * code (`1if x else 2`), with a deprecation warning; its tokenizer checks
 * that the keyword ends there (`0x1for_` is an invalid literal), except
 * for the two-letter ones starting with i. */
static bool keyword_follows(const char *p)
{
    switch (*p) {
    case 'a': return word_at(p, "and");
    case 'e': return word_at(p, "else");
    case 'f': return word_at(p, "for");
    case 'i': return p[1] == 'f' || p[1] == 'n' || p[1] == 's';
    case 'o': return word_at(p, "or");
    case 'n': return word_at(p, "not");
    default: return false;
    }
}

/* Checks what follows a well-formed number literal ending at `end`. */
static int number_end(Lexer *lx, const char *end, int kind)
{
    unsigned char c = (unsigned char)*end;
    char msg[64];
    if (kind == NUM_BIN && c >= '2' && c <= '9') {
        snprintf(msg, sizeof msg, "invalid digit '%c' in binary literal", c);
        return token_error(lx, end, msg);
    }
    if (kind == NUM_OCT && (c == '8' || c == '9')) {
        snprintf(msg, sizeof msg, "invalid digit '%c' in octal literal", c);
        return token_error(lx, end, msg);
    }
    if (c == '_' && kind != NUM_IMAG) {
        /* `0b1_2`: the digit after the underscore is the one at fault */
        unsigned char d = (unsigned char)end[1];
        if ((kind == NUM_BIN && d >= '2' && d <= '9') || (kind == NUM_OCT && (d == '8' || d == '9')))
            return number_end(lx, end + 1, kind);
        snprintf(msg, sizeof msg, "invalid %s literal", num_kind_name[kind]);
        /* `1._` and `1.__class__`: CPython's caret is on the point */
        return token_error(lx, end[-1] == '.' ? end - 1 : end, msg);
    }
    /* A non-ASCII character ends the number: the next token reports it
     * (`1⁄2` has an invalid character, `1é` is invalid syntax), as in CPython. */
    if (c < 0x80 && is_id_byte(c) && !keyword_follows(end)) {
        snprintf(msg, sizeof msg, "invalid %s literal", num_kind_name[kind]);
        return token_error(lx, end - 1, msg);
    }
    return TK_NUMBER;
}

/* A radix prefix with no digit after it, like `0x` or `0o_`. */
static int no_digits(Lexer *lx, int kind)
{
    unsigned char c = (unsigned char)*lx->cur;
    if (c >= '0' && c <= '9')
        return number_end(lx, lx->cur, kind);
    char msg[64];
    snprintf(msg, sizeof msg, "invalid %s literal", num_kind_name[kind]);
    return token_error(lx, lx->cur - 1, msg);
}

/* A decimal integer written with leading zeros, like 012 (but 00 is fine). */
static int leading_zeros(Lexer *lx, const char *s, const char *end)
{
    const char *p = s;
    while (p < end && (*p == '0' || *p == '_'))
        p++;
    if (p == end)
        return number_end(lx, end, NUM_DEC);
    lex_error_at(lx, LEXERR_TOKEN, "SyntaxError", lx->line, col_at(lx, s), col_at(lx, p),
                 "leading zeros in decimal integer literals are not "
                 "permitted; use an 0o prefix for octal integers");
    lx->err->origin = ORIGIN_TOKEN_RANGE;
    return RAW_ERROR;
}

/* ------------------------------------------------------------------------
 * Strings
 *
 * An f-string stays one STRING token, but its end is found as Python 3.12's
 * tokenizer finds it (PEP 701): its replacement fields are scanned as code,
 * so they may hold strings in the same quotes, comments, newlines,
 * backslashes inside strings, and f-strings nested to any depth. The parser
 * splits the token again and finds each field's expression with
 * lexer_fstring_expr(), the same scanner, so the two always agree.
 * ---------------------------------------------------------------------- */

/* CPython's limit on nested f-strings (MAXFSTRINGLEVEL in its tokenizer). */
#define LEX_MAX_FSTRING 150

/* The quotes of the f-string being scanned. */
typedef struct FQuote {
    char ch;
    bool triple, raw;
} FQuote;

static int string_literal(Lexer *lx, const char *start, const char *q);
static int continuation_error(Lexer *lx, const char *p);
static int fstring_field(Lexer *lx, const char **pp, const FQuote *fq, int level);

static int unterminated(Lexer *lx, const char *q, const char *p, int line, int col,
                        bool triple, bool fstr)
{
    /* CPython does not count a last line that is empty. */
    int detected = lx->line - (p >= lx->lim && p > q && p[-1] == '\n');
    lx->cur = p;
    return lex_error_at(lx, LEXERR_TOKEN, "SyntaxError", line, col, col + 1,
                        "unterminated %s%sstring literal (detected at line %d)",
                        triple ? "triple-quoted " : "", fstr ? "f-" : "", detected);
}

static bool closes(const char *p, const FQuote *fq)
{
    return *p == fq->ch && (!fq->triple || (p[1] == fq->ch && p[2] == fq->ch));
}

static bool is_prefix_char(char c)
{
    c = (char)(c | 0x20);
    return c == 'r' || c == 'u' || c == 'b' || c == 'f';
}

/* Finds the end of a string literal that is not an f-string. */
static int plain_string(Lexer *lx, const char *start, const char *q)
{
    const char *p = q;
    char quote = *q;
    int start_line = lx->line, start_col = col_at(lx, start);
    bool triple = p[1] == quote && p[2] == quote;
    p += triple ? 3 : 1;
    for (;;) {
        if (p >= lx->lim || (*p == '\n' && !triple))
            return unterminated(lx, q, p, start_line, start_col, triple, false);
        if (*p == '\\' && p + 1 < lx->lim) {
            if (p[1] == '\n')
                next_line(lx, p + 1);
            p += 2;
        } else if (*p == '\n') {
            next_line(lx, p);
            p++;
        } else if (*p == quote && (!triple || (p[1] == quote && p[2] == quote))) {
            lx->cur = p + (triple ? 3 : 1);
            return TK_STRING;
        } else {
            p++;
        }
    }
}

static int expecting_brace(Lexer *lx, const char *p)
{
    lx->cur = p;
    return token_error(lx, p, "f-string: expecting '}'");
}

/* Skips the backslash escape at p in an f-string's text. A backslash before
 * a brace leaves the brace to open or close a field, as in CPython, and
 * \N{...} is one escape unless the string is raw. */
static const char *fstring_escape(Lexer *lx, const char *p, const FQuote *fq)
{
    if (p + 1 >= lx->lim || p[1] == '{' || p[1] == '}')
        return p + 1;
    if (!fq->raw && p[1] == 'N' && p[2] == '{') {
        const char *e = p + 3;
        while (e < lx->lim && *e != '}' && *e != '\n' && !closes(e, fq))
            e++;
        return *e == '}' ? e + 1 : e;
    }
    if (p[1] == '\n')
        next_line(lx, p + 1);
    return p + 2;
}

/* After an f-string whose closing quote cut a format spec short, inside
 * brackets of the code around it: CPython's tokenizer keeps
 * the field's '{' open, so the first closing bracket that follows (past
 * strings, comments and brackets opened meanwhile) mismatches it. Returns
 * that bracket and its line and line start, or NULL when a '}' comes first
 * or none does. */
static const char *spec_cut_closer(const Lexer *lx, const char *p, int *line, const char **start)
{
    int depth = 0;
    while (p < lx->lim) {
        char c = *p;
        if (c == '\n') {
            (*line)++;
            *start = ++p;
        } else if (c == '#') {
            while (p < lx->lim && *p != '\n')
                p++;
        } else if (c == '\'' || c == '"') {
            bool triple = p + 2 < lx->lim && p[1] == c && p[2] == c;
            for (p += triple ? 3 : 1; p < lx->lim; p++) {
                if (*p == c && (!triple || (p + 2 < lx->lim && p[1] == c && p[2] == c)))
                    break;
                if (*p == '\\')
                    p++;
                else if (*p == '\n' && !triple)
                    return NULL;
                else if (*p == '\n') {
                    (*line)++;
                    *start = p + 1;
                }
            }
            if (p >= lx->lim)
                return NULL;
            p += triple ? 3 : 1;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
            p++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth == 0)
                return c == '}' ? NULL : p;
            depth--;
            p++;
        } else {
            p++;
        }
    }
    return NULL;
}

/* Scans f-string text from *pp: the body of an f-string (level 0: up to and
 * past its closing quotes; doubled braces stand for one), or a format spec
 * (level 1 and up: up to its closing brace, left unconsumed). */
static int fstring_text(Lexer *lx, const char **pp, const FQuote *fq, int level,
                        const char *q, int line, int col)
{
    const char *p = *pp;
    for (;;) {
        if (p >= lx->lim || (*p == '\n' && !fq->triple)) {
            if (level > 0 && *p == '\n')
                return token_error(lx, p, "f-string: newlines are not allowed in "
                                   "format specifiers for single quoted f-strings");
            if (level > 0)
                return expecting_brace(lx, p);
            return unterminated(lx, q, p, line, col, fq->triple, true);
        }
        if (level > 0 && closes(p, fq)) {
            /* A format spec that the f-string's closing quote ends. */
            lx->cur = p;
            int cline = lx->line;
            const char *cstart = NULL;
            const char *closer = lx->level > 0 ? spec_cut_closer(lx, p + (fq->triple ? 3 : 1), &cline, &cstart) : NULL;
            if (closer) {
                int ccol = cstart ? (int)(closer - cstart) : col_at(lx, closer);
                char msg[96];
                if (cline != lx->line)
                    snprintf(msg, sizeof msg, "closing parenthesis '%c' does not match "
                             "opening parenthesis '{' on line %d", *closer, lx->line);
                else
                    snprintf(msg, sizeof msg, "closing parenthesis '%c' does not match "
                             "opening parenthesis '{'", *closer);
                return lex_error_at(lx, LEXERR_TOKEN, "SyntaxError", cline, ccol, ccol + 1, "%s", msg);
            }
            return field_error(lx, p, p + (fq->triple ? 3 : 1), "f-string: expecting '}', or format specs");
        }
        if (closes(p, fq)) {
            *pp = p + (fq->triple ? 3 : 1);
            return TK_STRING;
        }
        if (*p == '\\') {
            p = fstring_escape(lx, p, fq);
        } else if (*p == '\n') {
            next_line(lx, p);
            p++;
        } else if (*p == '{' && level == 0 && p[1] == '{') {
            p += 2;
        } else if (*p == '{') {
            p++;
            if (fstring_field(lx, &p, fq, level) < 0)
                return RAW_ERROR;
        } else if (*p == '}' && level > 0) {
            *pp = p;
            return TK_STRING;
        } else if (*p == '}') {
            if (p[1] != '}')
                return token_error(lx, p, "f-string: single '}' is not allowed");
            p += 2;
        } else {
            p++;
        }
    }
}

/* Finds the end of the f-string whose opening quote is at q. */
static int fstring(Lexer *lx, const char *start, const char *q, bool raw)
{
    FQuote fq = { *q, q[1] == *q && q[2] == *q, raw };
    int line = lx->line, col = col_at(lx, start);
    /* CPython counts the one it opens, and points at its (last) quote */
    if (lx->fdepth + 1 >= LEX_MAX_FSTRING)
        return token_error(lx, q + (fq.triple ? 2 : 0), "too many nested f-strings");
    const char *p = q + (fq.triple ? 3 : 1);
    lx->fdepth++;
    int code = fstring_text(lx, &p, &fq, 0, q, line, col);
    lx->fdepth--;
    if (code == TK_STRING)
        lx->cur = p;
    return code;
}

/* Finds the end of the string literal (prefix at start, opening quote at q)
 * and leaves lx->cur just past it. Newlines inside advance the line count. */
static int string_literal(Lexer *lx, const char *start, const char *q)
{
    bool f = false, raw = false;
    for (const char *p = start; p < q; p++) {
        f |= (*p | 0x20) == 'f';
        raw |= (*p | 0x20) == 'r';
    }
    return f ? fstring(lx, start, q, raw) : plain_string(lx, start, q);
}

/* A string inside a replacement field. One left open in the quotes of the
 * f-string around it means the field was: CPython says so. */
static int field_string(Lexer *lx, const char *start, const char *q, const FQuote *fq)
{
    if (string_literal(lx, start, q) >= 0)
        return 0;
    bool triple = q[1] == *q && q[2] == *q;
    if (*q == fq->ch && triple == fq->triple && !strncmp(lx->err->msg, "unterminated", 12)) {
        expecting_brace(lx, q);     /* (CPython's caret: that quote) */
        /* The f-string's own quote ended the text, not the end of input:
         * fstring_field keeps this message. */
        lx->cur = q;
    }
    return RAW_ERROR;
}

static bool at_operator_eq(const char *p)
{
    return p[1] == '=' && (*p == '!' || *p == '=' || *p == '<' || *p == '>');
}

/* Scans a replacement field's expression from *pp (past its '{') to the
 * byte that ends it: '=', '!', ':' or '}' outside brackets. */
static int fstring_expr(Lexer *lx, const char **pp, const FQuote *fq)
{
    char stack[LEX_MAX_PAREN];
    int depth = 0;
    const char *p = *pp;
    char msg[96];
    for (;;) {
        const char *s = p;
        unsigned char c = (unsigned char)*p;
        if (p >= lx->lim)
            return expecting_brace(lx, p);
        if (c == '\n') {
            next_line(lx, p++);
        } else if (c == '#') {
            while (p < lx->lim && *p != '\n')
                p++;
        } else if (c == '\\') {
            if (p[1] != '\n')
                return continuation_error(lx, p);
            next_line(lx, p + 1);
            p += 2;
        } else if (c == '\'' || c == '"') {
            if (field_string(lx, s, p, fq) < 0)
                return RAW_ERROR;
            p = lx->cur;
        } else if (is_id_byte(c)) {
            while (is_id_byte((unsigned char)*p))
                p++;
            bool prefix = p - s <= 2 && (*p == '\'' || *p == '"');
            for (const char *r = s; prefix && r < p; r++)
                prefix = is_prefix_char(*r);
            if (prefix) {
                if (field_string(lx, s, p, fq) < 0)
                    return RAW_ERROR;
                p = lx->cur;
            }
        } else if (c == '(' || c == '[' || c == '{') {
            if (depth >= LEX_MAX_PAREN)
                return token_error(lx, p, "f-string: too many nested parenthesis");
            stack[depth++] = (char)c;
            p++;
        } else if (c == ')' || c == ']' || (c == '}' && depth > 0)) {
            if (depth == 0) {
                snprintf(msg, sizeof msg, "f-string: unmatched '%c'", c);
                return token_error(lx, p, msg);
            }
            char open = stack[--depth];
            if ((open == '(') != (c == ')') || (open == '[') != (c == ']')) {
                snprintf(msg, sizeof msg, "closing parenthesis '%c' does "
                         "not match opening parenthesis '%c'", c, open);
                return token_error(lx, p, msg);
            }
            p++;
        } else if (at_operator_eq(p)) {
            p += 2;
        } else if (depth == 0 && (c == '=' || c == '!' || c == ':' || c == '}')) {
            *pp = p;
            return 0;
        } else {
            p++;
        }
    }
}

static bool is_field_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\v' || c == '\r';
}

/* Skips spaces, newlines and comments: 3.12 lets a replacement field
 * span lines, so `{x = # note` and a newline may come before its `}`. */
static const char *skip_field_space(Lexer *lx, const char *p)
{
    for (; p < lx->lim; p++) {
        if (*p == '#') {
            while (p + 1 < lx->lim && p[1] != '\n')
                p++;
        } else if (*p == '\n') {
            next_line(lx, p);
        } else if (!is_field_space(*p)) {
            break;
        }
    }
    return p;
}

/* A replacement field from *pp (past its '{') to past its '}':
 * `expr`, then `=`, `!conversion` and `:spec`, each optional. */
static int fstring_field_body(Lexer *lx, const char **pp, const FQuote *fq, int level);

static int fstring_field(Lexer *lx, const char **pp, const FQuote *fq, int level)
{
    int line = lx->line, col = col_at(lx, *pp - 1);
    if (fstring_field_body(lx, pp, fq, level) == 0)
        return 0;
    /* Input that ends inside the field: 3.12 says its brace was never
     * closed, as for a bracket. */
    if (lx->cur >= lx->lim && !strcmp(lx->err->msg, "f-string: expecting '}'"))
        lex_error_at(lx, LEXERR_UNCLOSED, "SyntaxError", line, col, col + 1, "'{' was never closed");
    return RAW_ERROR;
}

/* Whether the text from p to end holds nothing but spaces and comments. */
static bool only_space(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p == '#') {
            while (p + 1 < end && p[1] != '\n')
                p++;
        } else if (!is_field_space(*p)) {
            return false;
        }
    }
    return true;
}

/* The conversion `!r` at *pp, checked as 3.12 checks it. */
static int fstring_conversion(Lexer *lx, const char **pp, const FQuote *fq)
{
    const char *p = *pp + 1;
    if (only_space(p, lx->lim) || closes(p, fq)) {
        /* The field's brace was never closed: the caller says so. */
        *pp = closes(p, fq) ? p : lx->lim;
        return 0;
    }
    if (*p == ':' || *p == '}')
        return field_error(lx, p, p + 1, "f-string: missing conversion character");
    if (is_field_space(*p)) {
        const char *name = skip_field_space(lx, p), *e = name;
        while (is_id_byte((unsigned char)*e))
            e++;
        if (e > name)
            return field_error(lx, *pp, e, "f-string: conversion type must come right "
                               "after the exclamanation mark");
        if (*name == ':' || *name == '}')
            return field_error(lx, name, name + 1, "f-string: missing conversion character");
    }
    if (!is_id_byte((unsigned char)*p) || (*p >= '0' && *p <= '9'))
        return field_error(lx, p, p + 1, "f-string: invalid conversion character");
    const char *name = p;
    while (is_id_byte((unsigned char)*p))
        p++;
    if (p - name != 1 || (*name != 's' && *name != 'r' && *name != 'a')) {
        char msg[96];
        int n = p - name > 20 ? 20 : (int)(p - name);
        snprintf(msg, sizeof msg, "f-string: invalid conversion character '%.*s': "
                 "expected 's', 'r', or 'a'", n, name);
        return field_error(lx, name, p, msg);
    }
    p = skip_field_space(lx, p);
    if (p < lx->lim && *p != ':' && *p != '}' && !closes(p, fq))
        return field_error(lx, p, p + 1, "f-string: expecting ':' or '}'");
    *pp = p;
    return 0;
}

static int fstring_field_body(Lexer *lx, const char **pp, const FQuote *fq, int level)
{
    const char *p = *pp;
    if (level >= 3)     /* 3.12 takes {a:{b:{c}}} */
        return token_error(lx, p - 1, "f-string: expressions nested too deeply");
    const char *start = p;
    if (fstring_expr(lx, &p, fq) < 0)
        return RAW_ERROR;
    if (only_space(start, p) && p < lx->lim) {
        char msg[64];
        snprintf(msg, sizeof msg, "f-string: valid expression required before '%c'", *p);
        return field_error(lx, p, p + 1, msg);
    }
    if (*p == '=') {
        p = skip_field_space(lx, p + 1);
        if (p < lx->lim && *p != '!' && *p != ':' && *p != '}' && !closes(p, fq))
            return field_error(lx, p, p + 1, "f-string: expecting '!', or ':', or '}'");
    }
    if (*p == '!' && fstring_conversion(lx, &p, fq) < 0)
        return RAW_ERROR;
    if (*p == ':') {
        p++;
        if (fstring_text(lx, &p, fq, level + 1, NULL, 0, 0) < 0)
            return RAW_ERROR;
    }
    if (*p != '}')
        return expecting_brace(lx, p);
    *pp = p + 1;
    return 0;
}

const char *lexer_fstring_expr(Lexer *lx, char quote, bool triple)
{
    FQuote fq = { quote, triple, false };
    const char *p = lx->cur;
    return fstring_expr(lx, &p, &fq) < 0 ? NULL : p;
}

/* ------------------------------------------------------------------------
 * Brackets
 * ---------------------------------------------------------------------- */

static int open_bracket(Lexer *lx, const Token *t, int code)
{
    if (lx->level >= LEX_MAX_PAREN)
        return token_error(lx, t->s, "too many nested parentheses");
    lx->paren[lx->level] = *t->s;
    lx->paren_line[lx->level] = t->line;
    lx->paren_col[lx->level] = t->col;
    lx->level++;
    return code;
}

static int close_bracket(Lexer *lx, const Token *t, int code)
{
    static const char opener[] = { [')'] = '(', [']'] = '[', ['}'] = '{' };
    char c = *t->s;
    if (lx->level == 0) {
        char msg[32];
        snprintf(msg, sizeof msg, "unmatched '%c'", c);
        return token_error(lx, t->s, msg);
    }
    char open = lx->paren[lx->level - 1];
    if (open != opener[(unsigned char)c]) {
        int line = lx->paren_line[lx->level - 1];
        char msg[96];
        if (line != t->line)
            snprintf(msg, sizeof msg, "closing parenthesis '%c' does not match "
                     "opening parenthesis '%c' on line %d", c, open, line);
        else
            snprintf(msg, sizeof msg, "closing parenthesis '%c' does not match "
                     "opening parenthesis '%c'", c, open);
        return token_error(lx, t->s, msg);
    }
    lx->level--;
    return code;
}

/* ------------------------------------------------------------------------
 * The automaton
 * ---------------------------------------------------------------------- */

static int bad_byte(Lexer *lx, const char *p)
{
    unsigned char c = (unsigned char)*p;
    if (c < 0x20 || c == 0x7f)
        return bad_character(lx, p, c);
    /* `$`, `?`, `!` and the backtick are not Python tokens. CPython reports
     * them as plain syntax errors, which do not outrank parser errors. */
    int col = col_at(lx, p);
    lx->cur = p + 1;
    return lex_error_at(lx, LEXERR_PLAIN, "SyntaxError", lx->line, col,
                        col + 1, "invalid syntax");
}

static int continuation_error(Lexer *lx, const char *p)
{
    if (p + 1 >= lx->lim || (p[1] == '\n' && p + 2 >= lx->lim)) {
        int col = col_at(lx, p) + 1;
        return lex_error_at(lx, LEXERR_LAYOUT, "SyntaxError", lx->line, col,
                            col + 1, "unexpected EOF while parsing");
    }
    token_error(lx, p + 1, "unexpected character after line continuation character");
    lx->err->origin = ORIGIN_END_ZERO;     /* CPython gives this one no end */
    return RAW_ERROR;
}

/* Scans one raw token. Sets t->s/line/col; lexer_next() sets t->len from
 * lx->cur, which every action leaves just past the token. */
static int scan(Lexer *lx, Token *t)
{
    const unsigned char *YYCURSOR = (const unsigned char *)lx->cur;
    const unsigned char *YYLIMIT = (const unsigned char *)lx->lim;
    const unsigned char *YYMARKER = YYCURSOR;
    lx->comment = NULL;
    for (;;) {
        const char *s = (const char *)YYCURSOR;
        t->s = s;
        t->line = lx->line;
        t->col = col_at(lx, s);
#define END (lx->cur = (const char *)YYCURSOR)
#define TOK(code) do { END; return (code); } while (0)
        /*!re2c
        re2c:define:YYCTYPE = "unsigned char";
        re2c:yyfill:enable = 0;
        re2c:eof = 0;

        digits   = [0-9] ("_"? [0-9])*;
        exponent = [eE] [+-]? digits;
        pointflt = digits? "." digits | digits ".";
        float    = pointflt exponent? | digits exponent;
        strpfx   = [rRuUbBfF] | [bB][rR] | [rR][bB] | [fF][rR] | [rR][fF];
        idstart  = [a-zA-Z_\x80-\xff];
        idchar   = [a-zA-Z0-9_\x80-\xff];

        $                   { END; return RAW_EOF; }
        [ \t\f]+            { continue; }
        "#" [^\n\x00]*      { lx->comment = s; continue; }
        "\\\n"              {
            if (YYCURSOR >= YYLIMIT && lx->level == 0)    /* nothing left to continue with */
                return continuation_error(lx, s);
            next_line(lx, (const char *)YYCURSOR - 1);
            continue;
        }
        "\\"                { END; return continuation_error(lx, s); }
        "\n"                { END; return RAW_NEWLINE; }

        strpfx? ['"]        { return string_literal(lx, s, (const char *)YYCURSOR - 1); }

        "0" [xX] ("_"? [0-9a-fA-F])+ { END; return number_end(lx, lx->cur, NUM_HEX); }
        "0" [oO] ("_"? [0-7])+       { END; return number_end(lx, lx->cur, NUM_OCT); }
        "0" [bB] ("_"? [01])+        { END; return number_end(lx, lx->cur, NUM_BIN); }
        "0" [xX] "_"?       { END; return no_digits(lx, NUM_HEX); }
        "0" [oO] "_"?       { END; return no_digits(lx, NUM_OCT); }
        "0" [bB] "_"?       { END; return no_digits(lx, NUM_BIN); }
        [1-9] ("_"? [0-9])* { END; return number_end(lx, lx->cur, NUM_DEC); }
        digits              { END; return leading_zeros(lx, s, lx->cur); }
        float               { END; return number_end(lx, lx->cur, NUM_DEC); }
        (float | digits) [jJ] { END; return number_end(lx, lx->cur, NUM_IMAG); }
        (pointflt | digits) [eE] [+-] { END; return token_error(lx, lx->cur - 1, "invalid decimal literal"); }

        "False"     { TOK(TK_FALSE); }
        "None"      { TOK(TK_NONE); }
        "True"      { TOK(TK_TRUE); }
        "and"       { TOK(TK_AND); }
        "as"        { TOK(TK_AS); }
        "assert"    { TOK(TK_ASSERT); }
        "async"     { TOK(TK_ASYNC); }
        "await"     { TOK(TK_AWAIT); }
        "break"     { TOK(TK_BREAK); }
        "class"     { TOK(TK_CLASS); }
        "continue"  { TOK(TK_CONTINUE); }
        "def"       { TOK(TK_DEF); }
        "del"       { TOK(TK_DEL); }
        "elif"      { TOK(TK_ELIF); }
        "else"      { TOK(TK_ELSE); }
        "except"    { TOK(TK_EXCEPT); }
        "finally"   { TOK(TK_FINALLY); }
        "for"       { TOK(TK_FOR); }
        "from"      { TOK(TK_FROM); }
        "global"    { TOK(TK_GLOBAL); }
        "if"        { TOK(TK_IF); }
        "import"    { TOK(TK_IMPORT); }
        "in"        { TOK(TK_IN); }
        "is"        { TOK(TK_IS); }
        "lambda"    { TOK(TK_LAMBDA); }
        "nonlocal"  { TOK(TK_NONLOCAL); }
        "not"       { TOK(TK_NOT); }
        "or"        { TOK(TK_OR); }
        "pass"      { TOK(TK_PASS); }
        "raise"     { TOK(TK_RAISE); }
        "return"    { TOK(TK_RETURN); }
        "try"       { TOK(TK_TRY); }
        "while"     { TOK(TK_WHILE); }
        "with"      { TOK(TK_WITH); }
        "yield"     { TOK(TK_YIELD); }
        idstart idchar*     { END; return identifier(lx, s, lx->cur); }

        "("     { END; return open_bracket(lx, t, TK_LPAR); }
        "["     { END; return open_bracket(lx, t, TK_LSQB); }
        "{"     { END; return open_bracket(lx, t, TK_LBRACE); }
        ")"     { END; return close_bracket(lx, t, TK_RPAR); }
        "]"     { END; return close_bracket(lx, t, TK_RSQB); }
        "}"     { END; return close_bracket(lx, t, TK_RBRACE); }
        ":"     { TOK(TK_COLON); }
        ","     { TOK(TK_COMMA); }
        ";"     { TOK(TK_SEMI); }
        "+"     { TOK(TK_PLUS); }
        "-"     { TOK(TK_MINUS); }
        "*"     { TOK(TK_STAR); }
        "/"     { TOK(TK_SLASH); }
        "|"     { TOK(TK_VBAR); }
        "&"     { TOK(TK_AMPER); }
        "<"     { TOK(TK_LESS); }
        ">"     { TOK(TK_GREATER); }
        "="     { TOK(TK_EQUAL); }
        "."     { TOK(TK_DOT); }
        "%"     { TOK(TK_PERCENT); }
        "~"     { TOK(TK_TILDE); }
        "^"     { TOK(TK_CIRCUMFLEX); }
        "@"     { TOK(TK_AT); }
        "=="    { TOK(TK_EQEQUAL); }
        "!="    { TOK(TK_NOTEQUAL); }
        "<>"    { TOK(TK_LTGT); }
        "<="    { TOK(TK_LESSEQUAL); }
        ">="    { TOK(TK_GREATEREQUAL); }
        "<<"    { TOK(TK_LSHIFT); }
        ">>"    { TOK(TK_RSHIFT); }
        "**"    { TOK(TK_DOUBLESTAR); }
        "//"    { TOK(TK_DOUBLESLASH); }
        "->"    { TOK(TK_RARROW); }
        ":="    { TOK(TK_COLONEQUAL); }
        "..."   { TOK(TK_ELLIPSIS); }
        "+="    { TOK(TK_PLUSEQUAL); }
        "-="    { TOK(TK_MINEQUAL); }
        "*="    { TOK(TK_STAREQUAL); }
        "/="    { TOK(TK_SLASHEQUAL); }
        "%="    { TOK(TK_PERCENTEQUAL); }
        "&="    { TOK(TK_AMPEREQUAL); }
        "|="    { TOK(TK_VBAREQUAL); }
        "^="    { TOK(TK_CIRCUMFLEXEQUAL); }
        "@="    { TOK(TK_ATEQUAL); }
        "<<="   { TOK(TK_LSHIFTEQUAL); }
        ">>="   { TOK(TK_RSHIFTEQUAL); }
        "**="   { TOK(TK_DOUBLESTAREQUAL); }
        "//="   { TOK(TK_DOUBLESLASHEQUAL); }

        *       { return bad_byte(lx, s); }
        */
#undef TOK
#undef END
    }
}

/* ------------------------------------------------------------------------
 * Layout: NEWLINE, INDENT, DEDENT
 * ---------------------------------------------------------------------- */

static int indent_error(Lexer *lx, const char *kind, const char *msg, int col)
{
    return lex_error_at(lx, LEXERR_LAYOUT, kind, lx->line, col, col + 1,
                        "%s", msg);
}

/* Compares the indentation of a new logical line (col, altcol) with the
 * open blocks and queues the INDENT or DEDENTs it implies. */
static int change_indent(Lexer *lx, int col, int altcol, const char *text)
{
    int top = lx->indent[lx->nindent], alttop = lx->altindent[lx->nindent];
    if (col == top) {
        if (altcol != alttop)
            return indent_error(lx, "TabError", "inconsistent use of tabs "
                                "and spaces in indentation", 0);
    } else if (col > top) {
        if (lx->nindent + 1 >= LEX_MAX_INDENT)
            return indent_error(lx, "IndentationError",
                                "too many levels of indentation", 0);
        if (altcol <= alttop)
            return indent_error(lx, "TabError", "inconsistent use of tabs "
                                "and spaces in indentation", 0);
        lx->nindent++;
        lx->indent[lx->nindent] = col;
        lx->altindent[lx->nindent] = altcol;
        lx->pending_indent = true;
    } else {
        while (lx->nindent > 0 && col < lx->indent[lx->nindent]) {
            lx->nindent--;
            lx->pending_dedents++;
        }
        if (col != lx->indent[lx->nindent]) {
            /* CPython puts the caret past the end of the line. */
            const char *eol = memchr(text, '\n', (size_t)(lx->lim - text));
            int len = (int)((eol ? eol : lx->lim) - lx->line_start);
            return indent_error(lx, "IndentationError", "unindent does not "
                                "match any outer indentation level", len);
        }
        if (altcol != lx->altindent[lx->nindent])
            return indent_error(lx, "TabError", "inconsistent use of tabs "
                                "and spaces in indentation", 0);
    }
    return 0;
}

/* At the start of a line outside brackets: skips blank and comment-only
 * lines, then measures the indentation of the first line with a token. */
static int measure_indent(Lexer *lx)
{
    for (;;) {
        const char *p = lx->cur;
        int col = 0, altcol = 0, cont_col = -1;
        for (;; p++) {
            if (*p == ' ') {
                col++, altcol++;
            } else if (*p == '\t') {
                col = (col / 8 + 1) * 8;
                altcol++;
            } else if (*p == '\f') {
                col = altcol = 0;
            } else if (*p == '\\') {
                /* A continuation in the indentation: the line goes on, as
                 * deep as the first backslash (a blank line if it ends). */
                if (p[1] != '\n' || p + 2 >= lx->lim)
                    return continuation_error(lx, p);
                if (cont_col < 0)
                    cont_col = col;
                next_line(lx, ++p);
            } else {
                break;
            }
        }
        if (cont_col >= 0)
            col = altcol = cont_col;
        if (*p == '#')
            p += strcspn(p, "\n");
        if (p < lx->lim && *p == '\n') {
            next_line(lx, p);
            lx->cur = p + 1;
            continue;
        }
        lx->cur = p;
        if (p >= lx->lim)
            return 0;   /* the end of input closes the blocks itself */
        return change_indent(lx, col, altcol, p);
    }
}

static int layout_token(Lexer *lx, Token *t, int code)
{
    t->s = lx->cur;
    t->len = 0;
    t->line = lx->line;
    t->col = col_at(lx, lx->cur);
    return code;
}

static int never_closed(Lexer *lx)
{
    int i = lx->level - 1;
    return lex_error_at(lx, LEXERR_UNCLOSED, "SyntaxError", lx->paren_line[i],
                        lx->paren_col[i], lx->paren_col[i] + 1,
                        "'%c' was never closed", lx->paren[i]);
}

/* The end of input: the last line's NEWLINE, then a DEDENT per open block,
 * then 0. */
static int end_of_input(Lexer *lx, Token *t)
{
    if (lx->level > 0 && lx->layout)
        return never_closed(lx);
    if (lx->line_open && lx->layout) {
        lx->line_open = false;
        return layout_token(lx, t, TK_NEWLINE);
    }
    if (lx->nindent > 0) {
        lx->nindent--;
        return layout_token(lx, t, TK_DEDENT);
    }
    lx->done = true;
    return layout_token(lx, t, 0);
}

/* CPython 3.12's NEWLINE token starts at the comment before it, if any,
 * and takes in the line end: error spans at a NEWLINE are that wide. */
static void newline_with_comment(Lexer *lx, Token *t)
{
    if (!lx->comment)
        return;
    t->len += (int)(t->s - lx->comment);
    t->col -= (int)(t->s - lx->comment);
    t->s = lx->comment;
}

int lexer_next(Lexer *lx, Token *t)
{
    for (;;) {
        if (lx->pending_dedents > 0) {
            lx->pending_dedents--;
            return layout_token(lx, t, TK_DEDENT);
        }
        if (lx->pending_indent) {
            lx->pending_indent = false;
            return layout_token(lx, t, TK_INDENT);
        }
        if (lx->done)
            return layout_token(lx, t, 0);
        if (lx->at_bol && lx->level == 0) {
            lx->at_bol = false;
            if (measure_indent(lx) < 0)
                return -1;
            continue;
        }
        int code = scan(lx, t);
        t->len = (int)(lx->cur - t->s);
        if (code == RAW_NEWLINE) {
            next_line(lx, t->s);
            if (lx->level > 0 || !lx->layout)
                continue;
            newline_with_comment(lx, t);
            lx->at_bol = true;
            lx->line_open = false;
            return TK_NEWLINE;
        }
        if (code == RAW_EOF)
            return end_of_input(lx, t);
        if (code == RAW_ERROR)
            return -1;
        lx->line_open = true;
        return code;
    }
}

static void init_common(Lexer *lx, const char *src, size_t len,
                        ParseError *err)
{
    memset(lx, 0, offsetof(Lexer, indent));
    lx->indent[0] = lx->altindent[0] = 0;
    lx->start = lx->cur = lx->line_start = src;
    lx->lim = src + len;
    lx->line = 1;
    lx->err = err;
}

void lexer_init(Lexer *lx, const char *src, size_t len, ParseError *err)
{
    init_common(lx, src, len, err);
    lx->layout = true;
    lx->at_bol = true;
}

void lexer_init_fragment(Lexer *lx, const char *src, size_t len, int line,
                         int col, ParseError *err)
{
    init_common(lx, src, len, err);
    lx->line = line;
    lx->col_base = col;
}

/* ------------------------------------------------------------------------
 * Unicode identifiers
 *
 * The classes of all code points from U+0080 up, as runs: each entry is the
 * first code point of a run shifted left by 2, or'ed with the run's class
 * (see lexer_char_class()). Generated from Python 3.11 (Unicode 14.0) by:
 *
 *   def cls(cp):
 *       c = chr(cp)
 *       if c.isidentifier(): return 2
 *       if ('a' + c).isidentifier(): return 1
 *       return 3 if c.isprintable() else 0
 *
 * listing (cp << 2 | cls(cp)) for each cp >= 0x80 whose class differs from
 * that of cp - 1.
 * ---------------------------------------------------------------------- */

static const uint32_t char_ranges[] = {
    0x200, 0x287, 0x2aa, 0x2af, 0x2b4, 0x2bb, 0x2d6, 0x2db, 0x2dd, 0x2e3,
    0x2ea, 0x2ef, 0x302, 0x35f, 0x362, 0x3df, 0x3e2, 0xb0b, 0xb1a, 0xb4b,
    0xb82, 0xb97, 0xbb2, 0xbb7, 0xbba, 0xbbf, 0xc01, 0xdc2, 0xdd7, 0xdda,
    0xde0, 0xdeb, 0xdee, 0xdfb, 0xdfe, 0xe00, 0xe13, 0xe1a, 0xe1d, 0xe22,
    0xe2c, 0xe32, 0xe34, 0xe3a, 0xe88, 0xe8e, 0xfdb, 0xfde, 0x120b, 0x120d,
    0x1223, 0x122a, 0x14c0, 0x14c6, 0x155c, 0x1566, 0x156b, 0x1582, 0x1627,
    0x162c, 0x1637, 0x1640, 0x1645, 0x16fb, 0x16fd, 0x1703, 0x1705, 0x170f,
    0x1711, 0x171b, 0x171d, 0x1720, 0x1742, 0x17ac, 0x17be, 0x17cf, 0x17d4,
    0x181b, 0x1841, 0x186f, 0x1870, 0x1877, 0x1882, 0x192d, 0x19ab, 0x19ba,
    0x19c1, 0x19c6, 0x1b53, 0x1b56, 0x1b59, 0x1b74, 0x1b7b, 0x1b7d, 0x1b96,
    0x1b9d, 0x1ba7, 0x1ba9, 0x1bba, 0x1bc1, 0x1bea, 0x1bf7, 0x1bfe, 0x1c03,
    0x1c38, 0x1c42, 0x1c45, 0x1c4a, 0x1cc1, 0x1d2c, 0x1d36, 0x1e99, 0x1ec6,
    0x1ec8, 0x1f01, 0x1f2a, 0x1fad, 0x1fd2, 0x1fdb, 0x1fea, 0x1fec, 0x1ff5,
    0x1ffb, 0x2002, 0x2059, 0x206a, 0x206d, 0x2092, 0x2095, 0x20a2, 0x20a5,
    0x20b8, 0x20c3, 0x20fc, 0x2102, 0x2165, 0x2170, 0x217b, 0x217c, 0x2182,
    0x21ac, 0x21c2, 0x2223, 0x2226, 0x223c, 0x2261, 0x2282, 0x2329, 0x2388,
    0x238d, 0x2412, 0x24e9, 0x24f6, 0x24f9, 0x2542, 0x2545, 0x2562, 0x2589,
    0x2593, 0x2599, 0x25c3, 0x25c6, 0x2605, 0x2610, 0x2616, 0x2634, 0x263e,
    0x2644, 0x264e, 0x26a4, 0x26aa, 0x26c4, 0x26ca, 0x26cc, 0x26da, 0x26e8,
    0x26f1, 0x26f6, 0x26f9, 0x2714, 0x271d, 0x2724, 0x272d, 0x273a, 0x273c,
    0x275d, 0x2760, 0x2772, 0x2778, 0x277e, 0x2789, 0x2790, 0x2799, 0x27c2,
    0x27cb, 0x27f2, 0x27f7, 0x27f9, 0x27fc, 0x2805, 0x2810, 0x2816, 0x282c,
    0x283e, 0x2844, 0x284e, 0x28a4, 0x28aa, 0x28c4, 0x28ca, 0x28d0, 0x28d6,
    0x28dc, 0x28e2, 0x28e8, 0x28f1, 0x28f4, 0x28f9, 0x290c, 0x291d, 0x2924,
    0x292d, 0x2938, 0x2945, 0x2948, 0x2966, 0x2974, 0x297a, 0x297c, 0x2999,
    0x29ca, 0x29d5, 0x29db, 0x29dc, 0x2a05, 0x2a10, 0x2a16, 0x2a38, 0x2a3e,
    0x2a48, 0x2a4e, 0x2aa4, 0x2aaa, 0x2ac4, 0x2aca, 0x2ad0, 0x2ad6, 0x2ae8,
    0x2af1, 0x2af6, 0x2af9, 0x2b18, 0x2b1d, 0x2b28, 0x2b2d, 0x2b38, 0x2b42,
    0x2b44, 0x2b82, 0x2b89, 0x2b90, 0x2b99, 0x2bc3, 0x2bc8, 0x2be6, 0x2be9,
    0x2c00, 0x2c05, 0x2c10, 0x2c16, 0x2c34, 0x2c3e, 0x2c44, 0x2c4e, 0x2ca4,
    0x2caa, 0x2cc4, 0x2cca, 0x2cd0, 0x2cd6, 0x2ce8, 0x2cf1, 0x2cf6, 0x2cf9,
    0x2d14, 0x2d1d, 0x2d24, 0x2d2d, 0x2d38, 0x2d55, 0x2d60, 0x2d72, 0x2d78,
    0x2d7e, 0x2d89, 0x2d90, 0x2d99, 0x2dc3, 0x2dc6, 0x2dcb, 0x2de0, 0x2e09,
    0x2e0e, 0x2e10, 0x2e16, 0x2e2c, 0x2e3a, 0x2e44, 0x2e4a, 0x2e58, 0x2e66,
    0x2e6c, 0x2e72, 0x2e74, 0x2e7a, 0x2e80, 0x2e8e, 0x2e94, 0x2ea2, 0x2eac,
    0x2eba, 0x2ee8, 0x2ef9, 0x2f0c, 0x2f19, 0x2f24, 0x2f29, 0x2f38, 0x2f42,
    0x2f44, 0x2f5d, 0x2f60, 0x2f99, 0x2fc3, 0x2fec, 0x3001, 0x3016, 0x3034,
    0x303a, 0x3044, 0x304a, 0x30a4, 0x30aa, 0x30e8, 0x30f1, 0x30f6, 0x30f9,
    0x3114, 0x3119, 0x3124, 0x3129, 0x3138, 0x3155, 0x315c, 0x3162, 0x316c,
    0x3176, 0x3178, 0x3182, 0x3189, 0x3190, 0x3199, 0x31c0, 0x31df, 0x3202,
    0x3205, 0x3213, 0x3216, 0x3234, 0x323a, 0x3244, 0x324a, 0x32a4, 0x32aa,
    0x32d0, 0x32d6, 0x32e8, 0x32f1, 0x32f6, 0x32f9, 0x3314, 0x3319, 0x3324,
    0x3329, 0x3338, 0x3355, 0x335c, 0x3376, 0x337c, 0x3382, 0x3389, 0x3390,
    0x3399, 0x33c0, 0x33c6, 0x33cc, 0x3401, 0x3412, 0x3434, 0x343a, 0x3444,
    0x344a, 0x34ed, 0x34f6, 0x34f9, 0x3514, 0x3519, 0x3524, 0x3529, 0x353a,
    0x353f, 0x3540, 0x3552, 0x355d, 0x3563, 0x357e, 0x3589, 0x3590, 0x3599,
    0x35c3, 0x35ea, 0x3600, 0x3605, 0x3610, 0x3616, 0x365c, 0x366a, 0x36c8,
    0x36ce, 0x36f0, 0x36f6, 0x36f8, 0x3702, 0x371c, 0x3729, 0x372c, 0x373d,
    0x3754, 0x3759, 0x375c, 0x3761, 0x3780, 0x3799, 0x37c0, 0x37c9, 0x37d3,
    0x37d4, 0x3806, 0x38c5, 0x38ca, 0x38cd, 0x38ec, 0x38ff, 0x3902, 0x391d,
    0x393f, 0x3941, 0x396b, 0x3970, 0x3a06, 0x3a0c, 0x3a12, 0x3a14, 0x3a1a,
    0x3a2c, 0x3a32, 0x3a90, 0x3a96, 0x3a98, 0x3a9e, 0x3ac5, 0x3aca, 0x3acd,
    0x3af6, 0x3af8, 0x3b02, 0x3b14, 0x3b1a, 0x3b1c, 0x3b21, 0x3b38, 0x3b41,
    0x3b68, 0x3b72, 0x3b80, 0x3c02, 0x3c07, 0x3c61, 0x3c6b, 0x3c81, 0x3cab,
    0x3cd5, 0x3cdb, 0x3cdd, 0x3ce3, 0x3ce5, 0x3ceb, 0x3cf9, 0x3d02, 0x3d20,
    0x3d26, 0x3db4, 0x3dc5, 0x3e17, 0x3e19, 0x3e22, 0x3e35, 0x3e60, 0x3e65,
    0x3ef4, 0x3efb, 0x3f19, 0x3f1f, 0x3f34, 0x3f3b, 0x3f6c, 0x4002, 0x40ad,
    0x40fe, 0x4101, 0x412b, 0x4142, 0x4159, 0x416a, 0x4179, 0x4186, 0x4189,
    0x4196, 0x419d, 0x41ba, 0x41c5, 0x41d6, 0x4209, 0x423a, 0x423d, 0x427b,
    0x4282, 0x4318, 0x431e, 0x4320, 0x4336, 0x4338, 0x4342, 0x43ef, 0x43f2,
    0x4924, 0x492a, 0x4938, 0x4942, 0x495c, 0x4962, 0x4964, 0x496a, 0x4978,
    0x4982, 0x4a24, 0x4a2a, 0x4a38, 0x4a42, 0x4ac4, 0x4aca, 0x4ad8, 0x4ae2,
    0x4afc, 0x4b02, 0x4b04, 0x4b0a, 0x4b18, 0x4b22, 0x4b5c, 0x4b62, 0x4c44,
    0x4c4a, 0x4c58, 0x4c62, 0x4d6c, 0x4d75, 0x4d83, 0x4da5, 0x4dcb, 0x4df4,
    0x4e02, 0x4e43, 0x4e68, 0x4e82, 0x4fd8, 0x4fe2, 0x4ff8, 0x5003, 0x5006,
    0x59b7, 0x59be, 0x5a00, 0x5a06, 0x5a6f, 0x5a74, 0x5a82, 0x5baf, 0x5bba,
    0x5be4, 0x5c02, 0x5c49, 0x5c58, 0x5c7e, 0x5cc9, 0x5cd7, 0x5cdc, 0x5d02,
    0x5d49, 0x5d50, 0x5d82, 0x5db4, 0x5dba, 0x5dc4, 0x5dc9, 0x5dd0, 0x5e02,
    0x5ed1, 0x5f53, 0x5f5e, 0x5f63, 0x5f72, 0x5f75, 0x5f78, 0x5f81, 0x5fa8,
    0x5fc3, 0x5fe8, 0x6003, 0x602d, 0x6038, 0x603d, 0x6068, 0x6082, 0x61e4,
    0x6202, 0x62a5, 0x62aa, 0x62ac, 0x62c2, 0x63d8, 0x6402, 0x647c, 0x6481,
    0x64b0, 0x64c1, 0x64f0, 0x6503, 0x6504, 0x6513, 0x6519, 0x6542, 0x65b8,
    0x65c2, 0x65d4, 0x6602, 0x66b0, 0x66c2, 0x6728, 0x6741, 0x676c, 0x677b,
    0x6802, 0x685d, 0x6870, 0x687b, 0x6882, 0x6955, 0x697c, 0x6981, 0x69f4,
    0x69fd, 0x6a28, 0x6a41, 0x6a68, 0x6a83, 0x6a9e, 0x6aa3, 0x6ab8, 0x6ac1,
    0x6afb, 0x6afd, 0x6b3c, 0x6c01, 0x6c16, 0x6cd1, 0x6d16, 0x6d34, 0x6d41,
    0x6d6b, 0x6dad, 0x6dd3, 0x6dfc, 0x6e01, 0x6e0e, 0x6e85, 0x6eba, 0x6ec1,
    0x6eea, 0x6f99, 0x6fd0, 0x6ff3, 0x7002, 0x7091, 0x70e0, 0x70ef, 0x7101,
    0x7128, 0x7136, 0x7141, 0x716a, 0x71fb, 0x7202, 0x7224, 0x7242, 0x72ec,
    0x72f6, 0x7303, 0x7320, 0x7341, 0x734f, 0x7351, 0x73a6, 0x73b5, 0x73ba,
    0x73d1, 0x73d6, 0x73dd, 0x73ea, 0x73ec, 0x7402, 0x7701, 0x7802, 0x7c58,
    0x7c62, 0x7c78, 0x7c82, 0x7d18, 0x7d22, 0x7d38, 0x7d42, 0x7d60, 0x7d66,
    0x7d68, 0x7d6e, 0x7d70, 0x7d76, 0x7d78, 0x7d7e, 0x7df8, 0x7e02, 0x7ed4,
    0x7eda, 0x7ef7, 0x7efa, 0x7eff, 0x7f0a, 0x7f14, 0x7f1a, 0x7f37, 0x7f42,
    0x7f50, 0x7f5a, 0x7f70, 0x7f77, 0x7f82, 0x7fb7, 0x7fc0, 0x7fca, 0x7fd4,
    0x7fda, 0x7ff7, 0x7ffc, 0x8043, 0x80a0, 0x80c3, 0x80fd, 0x8107, 0x8151,
    0x8157, 0x817c, 0x81c3, 0x81c6, 0x81c8, 0x81d3, 0x81fe, 0x8203, 0x823c,
    0x8242, 0x8274, 0x8283, 0x8304, 0x8341, 0x8377, 0x8385, 0x838b, 0x8395,
    0x83c4, 0x8403, 0x840a, 0x840f, 0x841e, 0x8423, 0x842a, 0x8453, 0x8456,
    0x845b, 0x8462, 0x847b, 0x8492, 0x8497, 0x849a, 0x849f, 0x84a2, 0x84a7,
    0x84aa, 0x84eb, 0x84f2, 0x8503, 0x8516, 0x852b, 0x853a, 0x853f, 0x8582,
    0x8627, 0x8630, 0x8643, 0x909c, 0x9103, 0x912c, 0x9183, 0xadd0, 0xaddb,
    0xae58, 0xae5f, 0xb002, 0xb397, 0xb3ae, 0xb3bd, 0xb3ca, 0xb3d0, 0xb3e7,
    0xb402, 0xb498, 0xb49e, 0xb4a0, 0xb4b6, 0xb4b8, 0xb4c2, 0xb5a0, 0xb5be,
    0xb5c3, 0xb5c4, 0xb5fd, 0xb602, 0xb65c, 0xb682, 0xb69c, 0xb6a2, 0xb6bc,
    0xb6c2, 0xb6dc, 0xb6e2, 0xb6fc, 0xb702, 0xb71c, 0xb722, 0xb73c, 0xb742,
    0xb75c, 0xb762, 0xb77c, 0xb781, 0xb803, 0xb978, 0xba03, 0xba68, 0xba6f,
    0xbbd0, 0xbc03, 0xbf58, 0xbfc3, 0xbff0, 0xc007, 0xc016, 0xc023, 0xc086,
    0xc0a9, 0xc0c3, 0xc0c6, 0xc0db, 0xc0e2, 0xc0f7, 0xc100, 0xc106, 0xc25c,
    0xc265, 0xc26f, 0xc276, 0xc283, 0xc286, 0xc3ef, 0xc3f2, 0xc400, 0xc416,
    0xc4c0, 0xc4c6, 0xc63c, 0xc643, 0xc682, 0xc703, 0xc790, 0xc7c2, 0xc803,
    0xc87c, 0xc883, 0xd002, 0x13703, 0x13802, 0x29234, 0x29243, 0x2931c,
    0x29342, 0x293fb, 0x29402, 0x29837, 0x29842, 0x29881, 0x298aa, 0x298b0,
    0x29902, 0x299bd, 0x299c3, 0x299d1, 0x299fb, 0x299fe, 0x29a79, 0x29a82,
    0x29bc1, 0x29bcb, 0x29be0, 0x29c03, 0x29c5e, 0x29c83, 0x29c8a, 0x29e27,
    0x29e2e, 0x29f2c, 0x29f42, 0x29f48, 0x29f4e, 0x29f50, 0x29f56, 0x29f68,
    0x29fca, 0x2a009, 0x2a00e, 0x2a019, 0x2a01e, 0x2a02d, 0x2a032, 0x2a08d,
    0x2a0a3, 0x2a0b1, 0x2a0b4, 0x2a0c3, 0x2a0e8, 0x2a102, 0x2a1d3, 0x2a1e0,
    0x2a201, 0x2a20a, 0x2a2d1, 0x2a318, 0x2a33b, 0x2a341, 0x2a368, 0x2a381,
    0x2a3ca, 0x2a3e3, 0x2a3ee, 0x2a3f3, 0x2a3f6, 0x2a3fd, 0x2a42a, 0x2a499,
    0x2a4bb, 0x2a4c2, 0x2a51d, 0x2a550, 0x2a57f, 0x2a582, 0x2a5f4, 0x2a601,
    0x2a612, 0x2a6cd, 0x2a707, 0x2a738, 0x2a73e, 0x2a741, 0x2a768, 0x2a77b,
    0x2a782, 0x2a795, 0x2a79a, 0x2a7c1, 0x2a7ea, 0x2a7fc, 0x2a802, 0x2a8a5,
    0x2a8dc, 0x2a902, 0x2a90d, 0x2a912, 0x2a931, 0x2a938, 0x2a941, 0x2a968,
    0x2a973, 0x2a982, 0x2a9df, 0x2a9ea, 0x2a9ed, 0x2a9fa, 0x2aac1, 0x2aac6,
    0x2aac9, 0x2aad6, 0x2aadd, 0x2aae6, 0x2aaf9, 0x2ab02, 0x2ab05, 0x2ab0a,
    0x2ab0c, 0x2ab6e, 0x2ab7b, 0x2ab82, 0x2abad, 0x2abc3, 0x2abca, 0x2abd5,
    0x2abdc, 0x2ac06, 0x2ac1c, 0x2ac26, 0x2ac3c, 0x2ac46, 0x2ac5c, 0x2ac82,
    0x2ac9c, 0x2aca2, 0x2acbc, 0x2acc2, 0x2ad6f, 0x2ad72, 0x2adab, 0x2adb0,
    0x2adc2, 0x2af8d, 0x2afaf, 0x2afb1, 0x2afb8, 0x2afc1, 0x2afe8, 0x2b002,
    0x35e90, 0x35ec2, 0x35f1c, 0x35f2e, 0x35ff0, 0x3e402, 0x3e9b8, 0x3e9c2,
    0x3eb68, 0x3ec02, 0x3ec1c, 0x3ec4e, 0x3ec60, 0x3ec76, 0x3ec79, 0x3ec7e,
    0x3eca7, 0x3ecaa, 0x3ecdc, 0x3ece2, 0x3ecf4, 0x3ecfa, 0x3ecfc, 0x3ed02,
    0x3ed08, 0x3ed0e, 0x3ed14, 0x3ed1a, 0x3eecb, 0x3ef0c, 0x3ef4e, 0x3f17b,
    0x3f192, 0x3f4fb, 0x3f542, 0x3f640, 0x3f64a, 0x3f720, 0x3f73f, 0x3f740,
    0x3f7c2, 0x3f7eb, 0x3f801, 0x3f843, 0x3f868, 0x3f881, 0x3f8c3, 0x3f8cd,
    0x3f8d7, 0x3f935, 0x3f943, 0x3f94c, 0x3f953, 0x3f99c, 0x3f9a3, 0x3f9b0,
    0x3f9c3, 0x3f9c6, 0x3f9cb, 0x3f9ce, 0x3f9d3, 0x3f9d4, 0x3f9db, 0x3f9de,
    0x3f9e3, 0x3f9e6, 0x3f9eb, 0x3f9ee, 0x3f9f3, 0x3f9f6, 0x3f9fb, 0x3f9fe,
    0x3fbf4, 0x3fc07, 0x3fc41, 0x3fc6b, 0x3fc86, 0x3fcef, 0x3fcfd, 0x3fd03,
    0x3fd06, 0x3fd6f, 0x3fd9a, 0x3fe79, 0x3fe82, 0x3fefc, 0x3ff0a, 0x3ff20,
    0x3ff2a, 0x3ff40, 0x3ff4a, 0x3ff60, 0x3ff6a, 0x3ff74, 0x3ff83, 0x3ff9c,
    0x3ffa3, 0x3ffbc, 0x3fff3, 0x3fff8, 0x40002, 0x40030, 0x40036, 0x4009c,
    0x400a2, 0x400ec, 0x400f2, 0x400f8, 0x400fe, 0x40138, 0x40142, 0x40178,
    0x40202, 0x403ec, 0x40403, 0x4040c, 0x4041f, 0x404d0, 0x404df, 0x40502,
    0x405d7, 0x4063c, 0x40643, 0x40674, 0x40683, 0x40684, 0x40743, 0x407f5,
    0x407f8, 0x40a02, 0x40a74, 0x40a82, 0x40b44, 0x40b81, 0x40b87, 0x40bf0,
    0x40c02, 0x40c83, 0x40c90, 0x40cb6, 0x40d2c, 0x40d42, 0x40dd9, 0x40dec,
    0x40e02, 0x40e78, 0x40e7f, 0x40e82, 0x40f10, 0x40f22, 0x40f43, 0x40f46,
    0x40f58, 0x41002, 0x41278, 0x41281, 0x412a8, 0x412c2, 0x41350, 0x41362,
    0x413f0, 0x41402, 0x414a0, 0x414c2, 0x41590, 0x415bf, 0x415c2, 0x415ec,
    0x415f2, 0x4162c, 0x41632, 0x4164c, 0x41652, 0x41658, 0x4165e, 0x41688,
    0x4168e, 0x416c8, 0x416ce, 0x416e8, 0x416ee, 0x416f4, 0x41802, 0x41cdc,
    0x41d02, 0x41d58, 0x41d82, 0x41da0, 0x41e02, 0x41e18, 0x41e1e, 0x41ec4,
    0x41eca, 0x41eec, 0x42002, 0x42018, 0x42022, 0x42024, 0x4202a, 0x420d8,
    0x420de, 0x420e4, 0x420f2, 0x420f4, 0x420fe, 0x42158, 0x4215f, 0x42182,
    0x421df, 0x42202, 0x4227c, 0x4229f, 0x422c0, 0x42382, 0x423cc, 0x423d2,
    0x423d8, 0x423ef, 0x42402, 0x4245b, 0x42470, 0x4247f, 0x42482, 0x424e8,
    0x424ff, 0x42500, 0x42602, 0x426e0, 0x426f3, 0x426fa, 0x42703, 0x42740,
    0x4274b, 0x42802, 0x42805, 0x42810, 0x42815, 0x4281c, 0x42831, 0x42842,
    0x42850, 0x42856, 0x42860, 0x42866, 0x428d8, 0x428e1, 0x428ec, 0x428fd,
    0x42903, 0x42924, 0x42943, 0x42964, 0x42982, 0x429f7, 0x42a02, 0x42a77,
    0x42a80, 0x42b02, 0x42b23, 0x42b26, 0x42b95, 0x42b9c, 0x42baf, 0x42bdc,
    0x42c02, 0x42cd8, 0x42ce7, 0x42d02, 0x42d58, 0x42d63, 0x42d82, 0x42dcc,
    0x42de3, 0x42e02, 0x42e48, 0x42e67, 0x42e74, 0x42ea7, 0x42ec0, 0x43002,
    0x43124, 0x43202, 0x432cc, 0x43302, 0x433cc, 0x433eb, 0x43402, 0x43491,
    0x434a0, 0x434c1, 0x434e8, 0x43983, 0x439fc, 0x43a02, 0x43aa8, 0x43aad,
    0x43ab7, 0x43ab8, 0x43ac2, 0x43ac8, 0x43c02, 0x43c77, 0x43c9e, 0x43ca0,
    0x43cc2, 0x43d19, 0x43d47, 0x43d68, 0x43dc2, 0x43e09, 0x43e1b, 0x43e28,
    0x43ec2, 0x43f17, 0x43f30, 0x43f82, 0x43fdc, 0x44001, 0x4400e, 0x440e1,
    0x4411f, 0x44138, 0x4414b, 0x44199, 0x441c6, 0x441cd, 0x441d6, 0x441d8,
    0x441fd, 0x4420e, 0x442c1, 0x442ef, 0x442f4, 0x442fb, 0x44309, 0x4430c,
    0x44342, 0x443a4, 0x443c1, 0x443e8, 0x44401, 0x4440e, 0x4449d, 0x444d4,
    0x444d9, 0x44503, 0x44512, 0x44515, 0x4451e, 0x44520, 0x44542, 0x445cd,
    0x445d3, 0x445da, 0x445dc, 0x44601, 0x4460e, 0x446cd, 0x44706, 0x44717,
    0x44725, 0x44737, 0x44739, 0x4476a, 0x4476f, 0x44772, 0x44777, 0x44780,
    0x44787, 0x447d4, 0x44802, 0x44848, 0x4484e, 0x448b1, 0x448e3, 0x448f9,
    0x448fc, 0x44a02, 0x44a1c, 0x44a22, 0x44a24, 0x44a2a, 0x44a38, 0x44a3e,
    0x44a78, 0x44a7e, 0x44aa7, 0x44aa8, 0x44ac2, 0x44b7d, 0x44bac, 0x44bc1,
    0x44be8, 0x44c01, 0x44c10, 0x44c16, 0x44c34, 0x44c3e, 0x44c44, 0x44c4e,
    0x44ca4, 0x44caa, 0x44cc4, 0x44cca, 0x44cd0, 0x44cd6, 0x44ce8, 0x44ced,
    0x44cf6, 0x44cf9, 0x44d14, 0x44d1d, 0x44d24, 0x44d2d, 0x44d38, 0x44d42,
    0x44d44, 0x44d5d, 0x44d60, 0x44d76, 0x44d89, 0x44d90, 0x44d99, 0x44db4,
    0x44dc1, 0x44dd4, 0x45002, 0x450d5, 0x4511e, 0x4512f, 0x45141, 0x4516b,
    0x45170, 0x45177, 0x45179, 0x4517e, 0x45188, 0x45202, 0x452c1, 0x45312,
    0x4531b, 0x4531e, 0x45320, 0x45341, 0x45368, 0x45602, 0x456bd, 0x456d8,
    0x456e1, 0x45707, 0x45762, 0x45771, 0x45778, 0x45802, 0x458c1, 0x45907,
    0x45912, 0x45914, 0x45941, 0x45968, 0x45983, 0x459b4, 0x45a02, 0x45aad,
    0x45ae2, 0x45ae7, 0x45ae8, 0x45b01, 0x45b28, 0x45c02, 0x45c6c, 0x45c75,
    0x45cb0, 0x45cc1, 0x45ceb, 0x45d02, 0x45d1c, 0x46002, 0x460b1, 0x460ef,
    0x460f0, 0x46282, 0x46381, 0x463ab, 0x463cc, 0x463fe, 0x4641c, 0x46426,
    0x46428, 0x46432, 0x46450, 0x46456, 0x4645c, 0x46462, 0x464c1, 0x464d8,
    0x464dd, 0x464e4, 0x464ed, 0x464fe, 0x46501, 0x46506, 0x46509, 0x46513,
    0x4651c, 0x46541, 0x46568, 0x46682, 0x466a0, 0x466aa, 0x46745, 0x46760,
    0x46769, 0x46786, 0x4678b, 0x4678e, 0x46791, 0x46794, 0x46802, 0x46805,
    0x4682e, 0x468cd, 0x468ea, 0x468ed, 0x468ff, 0x4691d, 0x46920, 0x46942,
    0x46945, 0x46972, 0x46a29, 0x46a6b, 0x46a76, 0x46a7b, 0x46a8c, 0x46ac2,
    0x46be4, 0x47002, 0x47024, 0x4702a, 0x470bd, 0x470dc, 0x470e1, 0x47102,
    0x47107, 0x47118, 0x47141, 0x4716b, 0x471b4, 0x471c3, 0x471ca, 0x47240,
    0x47249, 0x472a0, 0x472a5, 0x472dc, 0x47402, 0x4741c, 0x47422, 0x47428,
    0x4742e, 0x474c5, 0x474dc, 0x474e9, 0x474ec, 0x474f1, 0x474f8, 0x474fd,
    0x4751a, 0x4751d, 0x47520, 0x47541, 0x47568, 0x47582, 0x47598, 0x4759e,
    0x475a4, 0x475aa, 0x47629, 0x4763c, 0x47641, 0x47648, 0x4764d, 0x47662,
    0x47664, 0x47681, 0x476a8, 0x47b82, 0x47bcd, 0x47bdf, 0x47be4, 0x47ec2,
    0x47ec4, 0x47f03, 0x47fc8, 0x47fff, 0x48002, 0x48e68, 0x49002, 0x491bc,
    0x491c3, 0x491d4, 0x49202, 0x49510, 0x4be42, 0x4bfc7, 0x4bfcc, 0x4c002,
    0x4d0bc, 0x51002, 0x5191c, 0x5a002, 0x5a8e4, 0x5a902, 0x5a97c, 0x5a981,
    0x5a9a8, 0x5a9bb, 0x5a9c2, 0x5aafc, 0x5ab01, 0x5ab28, 0x5ab42, 0x5abb8,
    0x5abc1, 0x5abd7, 0x5abd8, 0x5ac02, 0x5acc1, 0x5acdf, 0x5ad02, 0x5ad13,
    0x5ad18, 0x5ad41, 0x5ad68, 0x5ad6f, 0x5ad88, 0x5ad8e, 0x5ade0, 0x5adf6,
    0x5ae40, 0x5b902, 0x5ba03, 0x5ba6c, 0x5bc02, 0x5bd2c, 0x5bd3d, 0x5bd42,
    0x5bd45, 0x5be20, 0x5be3d, 0x5be4e, 0x5be80, 0x5bf82, 0x5bf8b, 0x5bf8e,
    0x5bf91, 0x5bf94, 0x5bfc1, 0x5bfc8, 0x5c002, 0x61fe0, 0x62002, 0x63358,
    0x63402, 0x63424, 0x6bfc2, 0x6bfd0, 0x6bfd6, 0x6bff0, 0x6bff6, 0x6bffc,
    0x6c002, 0x6c48c, 0x6c542, 0x6c54c, 0x6c592, 0x6c5a0, 0x6c5c2, 0x6cbf0,
    0x6f002, 0x6f1ac, 0x6f1c2, 0x6f1f4, 0x6f202, 0x6f224, 0x6f242, 0x6f268,
    0x6f273, 0x6f275, 0x6f27f, 0x6f280, 0x73c01, 0x73cb8, 0x73cc1, 0x73d1c,
    0x73d43, 0x73f10, 0x74003, 0x743d8, 0x74403, 0x7449c, 0x744a7, 0x74595,
    0x745ab, 0x745b5, 0x745cc, 0x745ed, 0x7460f, 0x74615, 0x74633, 0x746a9,
    0x746bb, 0x747ac, 0x74803, 0x74909, 0x74917, 0x74918, 0x74b83, 0x74bd0,
    0x74c03, 0x74d5c, 0x74d83, 0x74de4, 0x75002, 0x75154, 0x7515a, 0x75274,
    0x7527a, 0x75280, 0x7528a, 0x7528c, 0x75296, 0x7529c, 0x752a6, 0x752b4,
    0x752ba, 0x752e8, 0x752ee, 0x752f0, 0x752f6, 0x75310, 0x75316, 0x75418,
    0x7541e, 0x7542c, 0x75436, 0x75454, 0x7545a, 0x75474, 0x7547a, 0x754e8,
    0x754ee, 0x754fc, 0x75502, 0x75514, 0x7551a, 0x7551c, 0x7552a, 0x75544,
    0x7554a, 0x75a98, 0x75aa2, 0x75b07, 0x75b0a, 0x75b6f, 0x75b72, 0x75bef,
    0x75bf2, 0x75c57, 0x75c5a, 0x75cd7, 0x75cda, 0x75d3f, 0x75d42, 0x75dbf,
    0x75dc2, 0x75e27, 0x75e2a, 0x75ea7, 0x75eaa, 0x75f0f, 0x75f12, 0x75f30,
    0x75f39, 0x76003, 0x76801, 0x768df, 0x768ed, 0x769b7, 0x769d5, 0x769db,
    0x76a11, 0x76a17, 0x76a30, 0x76a6d, 0x76a80, 0x76a85, 0x76ac0, 0x77c02,
    0x77c7c, 0x78001, 0x7801c, 0x78021, 0x78064, 0x7806d, 0x78088, 0x7808d,
    0x78094, 0x78099, 0x780ac, 0x78402, 0x784b4, 0x784c1, 0x784de, 0x784f8,
    0x78501, 0x78528, 0x7853a, 0x7853f, 0x78540, 0x78a42, 0x78ab9, 0x78abc,
    0x78b02, 0x78bb1, 0x78be8, 0x78bff, 0x78c00, 0x79f82, 0x79f9c, 0x79fa2,
    0x79fb0, 0x79fb6, 0x79fbc, 0x79fc2, 0x79ffc, 0x7a002, 0x7a314, 0x7a31f,
    0x7a341, 0x7a35c, 0x7a402, 0x7a511, 0x7a52e, 0x7a530, 0x7a541, 0x7a568,
    0x7a57b, 0x7a580, 0x7b1c7, 0x7b2d4, 0x7b407, 0x7b4f8, 0x7b802, 0x7b810,
    0x7b816, 0x7b880, 0x7b886, 0x7b88c, 0x7b892, 0x7b894, 0x7b89e, 0x7b8a0,
    0x7b8a6, 0x7b8cc, 0x7b8d2, 0x7b8e0, 0x7b8e6, 0x7b8e8, 0x7b8ee, 0x7b8f0,
    0x7b90a, 0x7b90c, 0x7b91e, 0x7b920, 0x7b926, 0x7b928, 0x7b92e, 0x7b930,
    0x7b936, 0x7b940, 0x7b946, 0x7b94c, 0x7b952, 0x7b954, 0x7b95e, 0x7b960,
    0x7b966, 0x7b968, 0x7b96e, 0x7b970, 0x7b976, 0x7b978, 0x7b97e, 0x7b980,
    0x7b986, 0x7b98c, 0x7b992, 0x7b994, 0x7b99e, 0x7b9ac, 0x7b9b2, 0x7b9cc,
    0x7b9d2, 0x7b9e0, 0x7b9e6, 0x7b9f4, 0x7b9fa, 0x7b9fc, 0x7ba02, 0x7ba28,
    0x7ba2e, 0x7ba70, 0x7ba86, 0x7ba90, 0x7ba96, 0x7baa8, 0x7baae, 0x7baf0,
    0x7bbc3, 0x7bbc8, 0x7c003, 0x7c0b0, 0x7c0c3, 0x7c250, 0x7c283, 0x7c2bc,
    0x7c2c7, 0x7c300, 0x7c307, 0x7c340, 0x7c347, 0x7c3d8, 0x7c403, 0x7c6b8,
    0x7c79b, 0x7c80c, 0x7c843, 0x7c8f0, 0x7c903, 0x7c924, 0x7c943, 0x7c948,
    0x7c983, 0x7c998, 0x7cc03, 0x7db60, 0x7db77, 0x7dbb4, 0x7dbc3, 0x7dbf4,
    0x7dc03, 0x7ddd0, 0x7de03, 0x7df64, 0x7df83, 0x7dfb0, 0x7dfc3, 0x7dfc4,
    0x7e003, 0x7e030, 0x7e043, 0x7e120, 0x7e143, 0x7e168, 0x7e183, 0x7e220,
    0x7e243, 0x7e2b8, 0x7e2c3, 0x7e2c8, 0x7e403, 0x7e950, 0x7e983, 0x7e9b8,
    0x7e9c3, 0x7e9d4, 0x7e9e3, 0x7e9f4, 0x7ea03, 0x7ea1c, 0x7ea43, 0x7eab4,
    0x7eac3, 0x7eaec, 0x7eb03, 0x7eb18, 0x7eb43, 0x7eb68, 0x7eb83, 0x7eba0,
    0x7ebc3, 0x7ebdc, 0x7ec03, 0x7ee4c, 0x7ee53, 0x7ef2c, 0x7efc1, 0x7efe8,
    0x80002, 0xa9b80, 0xa9c02, 0xadce4, 0xadd02, 0xae078, 0xae082, 0xb3a88,
    0xb3ac2, 0xbaf84, 0xbe002, 0xbe878, 0xc0002, 0xc4d2c, 0x380401, 0x3807c0,
};

int lexer_char_class(unsigned cp)
{
    if (cp < 0x80) {
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            return 2;
        if (cp == '_')
            return 2;
        if (cp >= '0' && cp <= '9')
            return 1;
        return cp >= 0x20 && cp < 0x7f ? 3 : 0;
    }
    /* The table holds the first code point of each run of one class. */
    int lo = 0, hi = (int)(sizeof char_ranges / sizeof char_ranges[0]) - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if ((char_ranges[mid] >> 2) <= cp)
            lo = mid;
        else
            hi = mid - 1;
    }
    return (int)(char_ranges[lo] & 3);
}

