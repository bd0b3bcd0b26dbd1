/* Token streams of the Asy lexer.
 *
 * Each test lexes a source and compares a one-line rendering of the tokens:
 * layout tokens are NEWLINE, INDENT and DEDENT, the end of input is $, and
 * every other token is its source text. Errors render as "!Kind: message
 * @line:col" (col 0-based), which ends the stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "grammar.h"
#include "lexer.h"

/* Renders the whole token stream of src (which must be NUL-terminated, as
 * ast_parse() guarantees for the lexer). */
static char *lex_all(const char *src)
{
    static char out[8192];
    Lexer lx;
    ParseError err;
    Token t;
    size_t n = 0;
    lexer_init(&lx, src, strlen(src), &err);
    out[0] = '\0';
    for (int i = 0; i < 1000; i++) {
        int code = lexer_next(&lx, &t);
        const char *sep = n ? " " : "";
        if (code < 0) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%s!%s: %s @%d:%d", sep,
                                  err.kind, err.msg, err.line, err.col);
            break;
        }
        if (code == 0) {
            n += (size_t)snprintf(out + n, sizeof out - n, "%s$", sep);
            break;
        }
        if (code == TK_NEWLINE)
            n += (size_t)snprintf(out + n, sizeof out - n, "%sNEWLINE", sep);
        else if (code == TK_INDENT)
            n += (size_t)snprintf(out + n, sizeof out - n, "%sINDENT", sep);
        else if (code == TK_DEDENT)
            n += (size_t)snprintf(out + n, sizeof out - n, "%sDEDENT", sep);
        else
            n += (size_t)snprintf(out + n, sizeof out - n, "%s%.*s", sep, t.len, t.s);
        if (n >= sizeof out - 1)
            break;
    }
    return out;
}

#define LEX(src, want) assert_string_equal(lex_all(src), want)

/* The code and position of the first token of src. */
static int first_token(const char *src, Token *t)
{
    Lexer lx;
    ParseError err;
    lexer_init(&lx, src, strlen(src), &err);
    return lexer_next(&lx, t);
}

/* ---- tokens ---- */

static void test_simple_statement(void **state)
{
    (void)state;
    LEX("x = 1\n", "x = 1 NEWLINE $");
    LEX("x = 1", "x = 1 NEWLINE $");
    LEX("", "$");
    LEX("\n\n", "$");
    LEX("# only a comment", "$");
}

static void test_token_codes(void **state)
{
    (void)state;
    Token t;
    assert_int_equal(first_token("spam", &t), TK_NAME);
    assert_int_equal(first_token("None", &t), TK_NONE);
    assert_int_equal(first_token("Nonesuch", &t), TK_NAME);
    assert_int_equal(first_token("iff", &t), TK_NAME);
    assert_int_equal(first_token("if", &t), TK_IF);
    assert_int_equal(first_token("async", &t), TK_ASYNC);
    assert_int_equal(first_token("await", &t), TK_AWAIT);
    assert_int_equal(first_token("match", &t), TK_NAME);
    assert_int_equal(first_token("type", &t), TK_NAME);
    assert_int_equal(first_token("12", &t), TK_NUMBER);
    assert_int_equal(first_token("'s'", &t), TK_STRING);
    assert_int_equal(first_token("...", &t), TK_ELLIPSIS);
    assert_int_equal(first_token(":=", &t), TK_COLONEQUAL);
    assert_int_equal(first_token("->", &t), TK_RARROW);
    assert_int_equal(first_token("**=", &t), TK_DOUBLESTAREQUAL);
    assert_int_equal(first_token("//=", &t), TK_DOUBLESLASHEQUAL);
    assert_int_equal(first_token("@=", &t), TK_ATEQUAL);
}

static void test_positions(void **state)
{
    (void)state;
    Lexer lx;
    ParseError err;
    Token t;
    const char *src = "if x:\n    yy = 'a\\\nb'\n";
    lexer_init(&lx, src, strlen(src), &err);
    int want[][3] = {
        { TK_IF, 1, 0 }, { TK_NAME, 1, 3 }, { TK_COLON, 1, 4 }, { TK_NEWLINE, 1, 5 },
        { TK_INDENT, 2, 4 }, { TK_NAME, 2, 4 }, { TK_EQUAL, 2, 7 }, { TK_STRING, 2, 9 },
        { TK_NEWLINE, 3, 2 }, { TK_DEDENT, 4, 0 }, { 0, 4, 0 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_int_equal(lexer_next(&lx, &t), want[i][0]);
        assert_int_equal(t.line, want[i][1]);
        assert_int_equal(t.col, want[i][2]);
    }
}

static void test_operators(void **state)
{
    (void)state;
    LEX("a+=b-=c*=d/=e//=f%=g@=h&=i|=j^=k>>=l<<=m**=n",
        "a += b -= c *= d /= e //= f %= g @= h &= i |= j ^= k >>= l <<= m **= n NEWLINE $");
    LEX("a<b<=c>d>=e==f!=g", "a < b <= c > d >= e == f != g NEWLINE $");
    LEX("f(*a, **k) -> x; y := ~z ^ w", "f ( * a , ** k ) -> x ; y := ~ z ^ w NEWLINE $");
    LEX("x.y ... a//b @ c", "x . y ... a // b @ c NEWLINE $");
}

/* ---- layout ---- */

static void test_nested_blocks(void **state)
{
    (void)state;
    LEX("if a:\n    if b:\n        c\n    d\ne\n",
        "if a : NEWLINE INDENT if b : NEWLINE INDENT c NEWLINE DEDENT d NEWLINE DEDENT "
        "e NEWLINE $");
}

static void test_dedent_several_levels(void **state)
{
    (void)state;
    LEX("a:\n b:\n  c:\n   d\ne\n",
        "a : NEWLINE INDENT b : NEWLINE INDENT c : NEWLINE INDENT d NEWLINE "
        "DEDENT DEDENT DEDENT e NEWLINE $");
}

static void test_dedent_at_eof(void **state)
{
    (void)state;
    LEX("def f():\n    if x:\n        return 1",
        "def f ( ) : NEWLINE INDENT if x : NEWLINE INDENT return 1 NEWLINE DEDENT DEDENT $");
    LEX("def f():\n    pass\n\n\n",
        "def f ( ) : NEWLINE INDENT pass NEWLINE DEDENT $");
}

static void test_blank_and_comment_lines(void **state)
{
    (void)state;
    LEX("if a:\n\n    b\n        # deeper comment\n\n  # shallow comment\n    c\n",
        "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT $");
    LEX("x  # trailing\n   \n\t\n", "x NEWLINE $");
}

static void test_backslash_continuation(void **state)
{
    (void)state;
    LEX("x = 1 + \\\n    2\ny\n", "x = 1 + 2 NEWLINE y NEWLINE $");
    LEX("if a and \\\n  b:\n    c\n", "if a and b : NEWLINE INDENT c NEWLINE DEDENT $");
    LEX("x = \\", "x = !SyntaxError: unexpected EOF while parsing @1:5");
    LEX("x = \\ y", "x = !SyntaxError: unexpected character after line continuation "
        "character @1:5");
}

static void test_brackets_span_lines(void **state)
{
    (void)state;
    LEX("x = (1,\n  2,\n        3)\ny\n", "x = ( 1 , 2 , 3 ) NEWLINE y NEWLINE $");
    LEX("f(a,\n# comment\n\n  b)\n", "f ( a , b ) NEWLINE $");
    LEX("d = {\n    'a': [1,\n2],\n}\n", "d = { 'a' : [ 1 , 2 ] , } NEWLINE $");
}

static void test_tabs(void **state)
{
    (void)state;
    /* A tab goes to the next multiple of 8, the same as 8 spaces. */
    LEX("if a:\n\tb\n        c\n", "if a : NEWLINE INDENT b NEWLINE !TabError: "
        "inconsistent use of tabs and spaces in indentation @3:0");
    LEX("if a:\n\tb\n\tc\n", "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT $");
    LEX("if a:\n    \tb\n    \tc\n", "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT $");
    LEX("if a:\n        b\n\tc\n", "if a : NEWLINE INDENT b NEWLINE !TabError: "
        "inconsistent use of tabs and spaces in indentation @3:0");
    LEX("if a:\n  b\n\tc\n", "if a : NEWLINE INDENT b NEWLINE !TabError: "
        "inconsistent use of tabs and spaces in indentation @3:0");
    /* A form feed resets the column count. */
    LEX("if a:\n    b\n\f    c\n", "if a : NEWLINE INDENT b NEWLINE c NEWLINE DEDENT $");
}

static void test_mismatched_dedent(void **state)
{
    (void)state;
    LEX("if a:\n    b\n  c\n", "if a : NEWLINE INDENT b NEWLINE !IndentationError: "
        "unindent does not match any outer indentation level @3:3");
    LEX("if x:\n  pass\n else:\n  pass", "if x : NEWLINE INDENT pass NEWLINE "
        "!IndentationError: unindent does not match any outer indentation level @3:6");
}

static void test_too_deep(void **state)
{
    (void)state;
    char src[20000];
    size_t n = 0;
    for (int i = 0; i <= LEX_MAX_INDENT; i++) {
        for (int j = 0; j < i; j++)
            src[n++] = ' ';
        n += (size_t)sprintf(src + n, "if x:\n");
    }
    src[n] = '\0';
    const char *out = lex_all(src);
    assert_non_null(strstr(out, "!IndentationError: too many levels of indentation"));

    n = 0;
    for (int i = 0; i <= LEX_MAX_PAREN; i++)
        src[n++] = '(';
    src[n] = '\0';
    assert_non_null(strstr(lex_all(src), "!SyntaxError: too many nested parentheses @1:200"));
}

/* ---- literals ---- */

static void test_numbers(void **state)
{
    (void)state;
    LEX("0 00 0_0 7 1_000 0x_1F 0o17 0b1_0 1.5 1e-3 .5 1. 1_000.5 1E+10 01.5",
        "0 00 0_0 7 1_000 0x_1F 0o17 0b1_0 1.5 1e-3 .5 1. 1_000.5 1E+10 01.5 NEWLINE $");
    LEX("1if x else 2", "1 if x else 2 NEWLINE $");
    LEX("012", "!SyntaxError: leading zeros in decimal integer literals are not "
        "permitted; use an 0o prefix for octal integers @1:0");
    LEX("1abc", "!SyntaxError: invalid decimal literal @1:0");
    LEX("1__0", "!SyntaxError: invalid decimal literal @1:1");
    LEX("0x", "!SyntaxError: invalid hexadecimal literal @1:1");
    LEX("0x1g", "!SyntaxError: invalid hexadecimal literal @1:2");
    LEX("0b12", "!SyntaxError: invalid digit '2' in binary literal @1:3");
    LEX("0o8", "!SyntaxError: invalid digit '8' in octal literal @1:2");
    LEX("1e+", "!SyntaxError: invalid decimal literal @1:2");
    LEX("1j 1_0j 1.5e3J .5j 1e-3j", "1j 1_0j 1.5e3J .5j 1e-3j NEWLINE $");
    LEX("1jx", "!SyntaxError: invalid imaginary literal @1:1");
}

static void test_strings(void **state)
{
    (void)state;
    LEX("'a' \"b\" '''c\nd''' \"\"\"e\"\"\" r'\\'' b'x' rb'y' BR'z' f'{x}' Rf'w' u'v'",
        "'a' \"b\" '''c\nd''' \"\"\"e\"\"\" r'\\'' b'x' rb'y' BR'z' f'{x}' Rf'w' u'v' "
        "NEWLINE $");
    LEX("'a\\\nb'", "'a\\\nb' NEWLINE $");
    LEX("x = 'abc", "x = !SyntaxError: unterminated string literal (detected at line 1) @1:4");
    LEX("x = 'abc\\\ndef", "x = !SyntaxError: unterminated string literal (detected at "
        "line 2) @1:4");
    LEX("x = b'abc\ny", "x = !SyntaxError: unterminated string literal (detected at "
        "line 1) @1:4");
    LEX("x = '''\n\nabc", "x = !SyntaxError: unterminated triple-quoted string literal "
        "(detected at line 3) @1:4");
    LEX("'''abc\n\n", "!SyntaxError: unterminated triple-quoted string literal "
        "(detected at line 2) @1:0");
    /* A prefix that is no prefix is a name before a string. */
    LEX("ub'x'", "ub 'x' NEWLINE $");
}

/* PEP 701: an f-string's fields are scanned as code to find its end. */
static void test_fstrings(void **state)
{
    (void)state;
    LEX("f\"{\", \".join(x)}\" y", "f\"{\", \".join(x)}\" y NEWLINE $");
    LEX("f'{f'{f'{1}'}'}' x", "f'{f'{f'{1}'}'}' x NEWLINE $");
    LEX("f'{x:{'>'}{w}}' x", "f'{x:{'>'}{w}}' x NEWLINE $");
    LEX("f'{{' f'}}' f'{x!r}'", "f'{{' f'}}' f'{x!r}' NEWLINE $");
    LEX("f'''{\nx # c'''\n}''' y", "f'''{\nx # c'''\n}''' y NEWLINE $");
    LEX("f'{[1,\n 2]}'", "f'{[1,\n 2]}' NEWLINE $");
    LEX("f'{x'", "!SyntaxError: f-string: expecting '}' @1:4");    /* the quote */
    LEX("f'{x)}'", "!SyntaxError: f-string: unmatched ')' @1:4");
    LEX("f'}'", "!SyntaxError: f-string: single '}' is not allowed @1:2");
    LEX("f'abc", "!SyntaxError: unterminated f-string literal (detected at line 1) @1:0");
    LEX("f'{x:a\nb}'", "!SyntaxError: f-string: newlines are not allowed in format "
        "specifiers for single quoted f-strings @1:6");
}

static void test_identifiers(void **state)
{
    (void)state;
    LEX("caf\xc3\xa9 = \xce\xb1\xce\xb2 + _x1", "caf\xc3\xa9 = \xce\xb1\xce\xb2 + _x1 NEWLINE $");
    LEX("x \xe2\x82\xac", "x !SyntaxError: invalid character '\xe2\x82\xac' (U+20AC) @1:2");
    LEX("a\xc2\xa0= 1", "!SyntaxError: invalid non-printable character U+00A0 @1:1");
    /* A combining mark may continue a name but not start one. */
    LEX("e\xcc\x81", "e\xcc\x81 NEWLINE $");
    LEX("\xcc\x81", "!SyntaxError: invalid character '\xcc\x81' (U+0301) @1:0");
    assert_int_equal(lexer_char_class(0x3b1), 2);
    assert_int_equal(lexer_char_class(0x301), 1);
    assert_int_equal(lexer_char_class(0x20ac), 3);
    assert_int_equal(lexer_char_class(0x200b), 0);
}

static void test_stray_characters(void **state)
{
    (void)state;
    LEX("a $ b", "a !SyntaxError: invalid syntax @1:2");
    LEX("a ? b", "a !SyntaxError: invalid syntax @1:2");
    LEX("!", "!SyntaxError: invalid syntax @1:0");
    LEX("x\x01", "x !SyntaxError: invalid non-printable character U+0001 @1:1");
}

static void test_bracket_errors(void **state)
{
    (void)state;
    LEX("x)", "x !SyntaxError: unmatched ')' @1:1");
    LEX("(]", "( !SyntaxError: closing parenthesis ']' does not match opening "
        "parenthesis '(' @1:1");
    LEX("foo(a, [b,\n c)", "foo ( a , [ b , c !SyntaxError: closing parenthesis ')' does "
        "not match opening parenthesis '[' on line 1 @2:2");
    LEX("x = (1,\n2", "x = ( 1 , 2 !SyntaxError: '(' was never closed @1:4");
}

static void test_fragment(void **state)
{
    (void)state;
    /* An f-string's replacement field: no layout, newlines ignored. */
    const char *src = "a +\n  b";
    Lexer lx;
    ParseError err;
    Token t;
    lexer_init_fragment(&lx, src, strlen(src), 3, 10, &err);
    assert_int_equal(lexer_next(&lx, &t), TK_NAME);
    assert_int_equal(t.line, 3);
    assert_int_equal(t.col, 10);
    assert_int_equal(lexer_next(&lx, &t), TK_PLUS);
    assert_int_equal(t.col, 12);
    assert_int_equal(lexer_next(&lx, &t), TK_NAME);
    assert_int_equal(t.line, 4);
    assert_int_equal(t.col, 2);
    assert_int_equal(lexer_next(&lx, &t), 0);
    assert_int_equal(lexer_next(&lx, &t), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_statement),
        cmocka_unit_test(test_token_codes),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_nested_blocks),
        cmocka_unit_test(test_dedent_several_levels),
        cmocka_unit_test(test_dedent_at_eof),
        cmocka_unit_test(test_blank_and_comment_lines),
        cmocka_unit_test(test_backslash_continuation),
        cmocka_unit_test(test_brackets_span_lines),
        cmocka_unit_test(test_tabs),
        cmocka_unit_test(test_mismatched_dedent),
        cmocka_unit_test(test_too_deep),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_fstrings),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_stray_characters),
        cmocka_unit_test(test_bracket_errors),
        cmocka_unit_test(test_fragment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
