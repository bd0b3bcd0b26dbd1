/* The scanner: source bytes to lemon token codes.
 *
 * lexer_next() returns the TK_* codes of the lemon-generated grammar.h
 * directly, 0 at the end of input, or -1 after filling the ParseError. A
 * Token points into the source; nothing is copied. Besides the tokens the
 * re2c scanner sees, the lexer synthesizes the layout tokens Python's grammar
 * needs:
 *
 *   NEWLINE  at the end of every logical line that holds a token. Lines that
 *            are blank or hold only a comment produce nothing; newlines inside
 *            (), [] and {} and after a backslash join lines.
 *   INDENT   before the first token of a line indented deeper than the
 *            enclosing block.
 *   DEDENT   one per closed block, before the first token of a line that
 *            goes back to an outer indentation level, and at end of input.
 *
 * This is MicroPython's scheme: a stack of indentation columns, and a counter
 * of DEDENTs still owed that lexer_next() pays out one call at a time.
 * Indentation is measured twice, as CPython does: with tabs to the next
 * multiple of 8 (`col`) and with tabs as one column (`altcol`). When the two
 * measures disagree about whether a line is deeper, level or shallower than
 * the block, the tabs and spaces are inconsistent: a TabError.
 *
 * The input must be UTF-8 with "\n" line ends and a NUL byte just past its
 * end (the re2c sentinel), and must hold no other NUL byte; ast_parse()
 * prepares such a copy.
 */
#ifndef ASY_LEXER_H
#define ASY_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "../parser/ast.h"

/* CPython's limits: MAXINDENT and MAXLEVEL in its tokenizer. */
#define LEX_MAX_INDENT 100
#define LEX_MAX_PAREN 200

typedef struct Token {
    const char *s;      /* first byte, in the source */
    int len;            /* length in bytes (0 for layout tokens) */
    int line, col;      /* 1-based line, 0-based byte column of s */
} Token;

/* How a lexer error is ranked against a parser error: CPython tokenizes the
 * rest of the file after a parser error, and a later tokenizer error that
 * raises an exception (bad string, number, character or bracket) replaces
 * the parser's. Layout errors (indentation, tabs, EOF) never do. */
typedef enum LexErrorKind {
    LEXERR_NONE,
    LEXERR_TOKEN,       /* a malformed token or bracket: outranks parser errors */
    LEXERR_PLAIN,       /* a character that is no token: a plain syntax error */
    LEXERR_LAYOUT,      /* indentation, tabs, end of input after a backslash */
    LEXERR_UNCLOSED     /* end of input inside brackets */
} LexErrorKind;

typedef struct Lexer {
    const char *start;          /* first byte of the input */
    const char *cur;            /* next byte to scan */
    const char *comment;        /* a comment scan() skipped before the token, or NULL */
    const char *lim;            /* end of input; *lim == '\0' */
    const char *line_start;     /* first byte of the line holding cur */
    int line;                   /* line number of cur */
    int col_base;               /* added to columns on the first line (f-strings) */

    int level;                  /* bracket nesting depth */
    int nindent;                /* open blocks */
    int pending_dedents;        /* DEDENTs owed */
    bool pending_indent;        /* an INDENT owed */
    bool at_bol;                /* measure indentation before the next token */
    bool line_open;             /* a token was returned on this logical line */
    bool layout;                /* synthesize layout tokens (false in f-strings) */
    bool done;                  /* the end of input was returned */
    int fdepth;                 /* f-strings open around the scan (PEP 701) */
    bool err_in_fstring;        /* the last error came from inside an f-string */
    LexErrorKind error_kind;    /* of the last -1 returned */
    ParseError *err;

    /* The stacks, last: lexer_init() leaves them uninitialized. */
    int indent[LEX_MAX_INDENT + 1], altindent[LEX_MAX_INDENT + 1];
    char paren[LEX_MAX_PAREN];  /* the open brackets, innermost last */
    int paren_line[LEX_MAX_PAREN], paren_col[LEX_MAX_PAREN];
} Lexer;

/* Prepares to scan the `len` bytes at `src` (src[len] must be NUL) as a file:
 * with layout tokens, starting on line 1. */
void lexer_init(Lexer *lx, const char *src, size_t len, ParseError *err);

/* Prepares to scan an f-string replacement field: the text starts at `line`
 * and column `col`, and behaves as if enclosed in parentheses (no layout
 * tokens, newlines ignored). src[len] must be NUL. */
void lexer_init_fragment(Lexer *lx, const char *src, size_t len, int line,
                         int col, ParseError *err);

/* For the parser, which splits an f-string token again: lx (a fragment
 * lexer) starts just past a replacement field's '{' in an f-string opened
 * with `quote` (three of them if `triple`). Scans the field's expression as
 * lexing the token did and returns the byte that ends it ('=', '!', ':' or
 * '}'), or NULL after filling the error. */
const char *lexer_fstring_expr(Lexer *lx, char quote, bool triple);

/* Scans the next token into *t. Returns its TK_* code, 0 at the end of
 * input (again on every later call), or -1 after filling *err and setting
 * error_kind. */
int lexer_next(Lexer *lx, Token *t);

/* Classifies one code point for identifiers: 2 if it may start one, 1 if it
 * may only continue one, 0 if it is not printable, 3 otherwise. */
int lexer_char_class(unsigned cp);

/* Decodes the UTF-8 sequence at *p (which must be valid) and advances *p. */
unsigned lexer_utf8_decode(const char **p);

#endif
