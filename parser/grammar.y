/*
** The grammar of Asy: Python 3.12's syntax.
**
** This file is input to lemon (`lemon -T/usr/share/lemon/lempar.c`). The
** generated parser takes its tokens from lexer_next(), which returns the TK_*
** codes declared here and synthesizes NEWLINE, INDENT and DEDENT; parse.c
** drives it and holds the action helpers (mk_*), the target checks and the
** error messages. Actions only build nodes; anything longer than a line or two
** lives in parse.c.
**
** Python's grammar is LL(1) at heart, and this is the classic LALR rendering
** of it (CPython's Grammar/Grammar before 3.9) with three liberties:
**
**   - Assignment targets are parsed as expressions and checked afterwards,
**     which is also how CPython reports "cannot assign to ..." errors.
**   - Binary operators use the precedence table below instead of one
**     nonterminal per level.
**   - `with (a as b, c as d):` is parsed by letting a parenthesized group hold
**     `x as y` items; the group rule refuses them unless a `with` header's
**     colon follows, which the GROUP precedence arranges.
**
** The f-string replacement fields and the whole of an eval input are parsed
** by this same grammar, selected by a first token (START_FSTRING,
** START_EVAL) that the driver feeds before the real ones.
*/

%name AsyParse
%token_prefix TK_
%token_type {Token}
%default_type {Node *}
%extra_context {ParseCtx *ctx}
%start_symbol input
%stack_size 0

%include {
#include <stdlib.h>

#include "parse_internal.h"

/* Stop at the first syntax error: the driver feeds nothing after it. */
#define YYNOERRORRECOVERY 1
#define YYPARSEFREENEVERNULL 1
}

%syntax_error {
    parse_syntax_error(ctx, yypParser, yymajor, &TOKEN);
}

%stack_overflow {
    parse_oom(ctx);
}

/* Nothing on the parser stack owns memory (it all lives in the arena); this
** only gives the generated destructor a use for ctx. */
%token_destructor { (void)ctx; (void)$$; }

/*
** The terminals, in the order the lexer documents them. Declaring them all
** here fixes their codes and lists the tokens no rule uses.
*/
%token START_EVAL START_FSTRING.
%token NAME NUMBER STRING NEWLINE INDENT DEDENT.
%token LPAR RPAR LSQB RSQB LBRACE RBRACE COLON COMMA SEMI.
%token PLUS MINUS STAR SLASH VBAR AMPER LESS GREATER EQUAL DOT PERCENT.
%token EQEQUAL NOTEQUAL LESSEQUAL GREATEREQUAL TILDE CIRCUMFLEX LSHIFT RSHIFT.
%token DOUBLESTAR DOUBLESLASH AT RARROW ELLIPSIS COLONEQUAL.
%token PLUSEQUAL MINEQUAL STAREQUAL SLASHEQUAL PERCENTEQUAL AMPEREQUAL.
%token VBAREQUAL CIRCUMFLEXEQUAL LSHIFTEQUAL RSHIFTEQUAL DOUBLESTAREQUAL.
%token DOUBLESLASHEQUAL ATEQUAL.
%token FALSE NONE TRUE AND AS ASSERT ASYNC AWAIT BREAK CLASS CONTINUE DEF.
%token DEL ELIF ELSE EXCEPT FINALLY FOR FROM GLOBAL IF IMPORT IN IS LAMBDA.
%token NONLOCAL NOT OR PASS RAISE RETURN TRY WHILE WITH YIELD.
/* Soft keywords: the lexer returns NAME, and the driver (parse.c: soft_keyword)
** turns `match` and `case` into these where they open a match statement or
** one of its cases, and `type` where it opens a type alias statement. */
%token MATCH CASE TYPE.
/* Python 2's `<>`, which no rule takes: CPython's tokenizer makes one token
** of it (for barry_as_FLUFL), so the syntax error covers both characters. */
%token LTGT.

/*
** Precedence, lowest first. GROUP and COLON only settle `with (...):`, where
** a parenthesized group followed by the header's colon is a list of with
** items rather than an expression. The rest are Python's binary operators;
** UNARY is unary minus, plus and invert, which bind less tightly than `**` on
** their right: -2**2 is -(2**2).
*/
%nonassoc GROUP.
%nonassoc COLON.
%left VBAR.
%left CIRCUMFLEX.
%left AMPER.
%left LSHIFT RSHIFT.
%left PLUS MINUS.
%left STAR SLASH DOUBLESLASH PERCENT AT.
%right UNARY.
%right DOUBLESTAR.

/*************************************************************************
** Entry points
*/
input ::= file_input.
input ::= START_EVAL eval_input.
input ::= START_FSTRING fstring_input.

file_input ::= .                    { ctx->root = mk_module(ctx, (NodeList){0}); }
file_input ::= stmts(B).            { ctx->root = mk_module(ctx, B); }

eval_input ::= star_exprs(B) NEWLINE. { ctx->root = B; }

/* The driver wraps a replacement field's text in parentheses. */
fstring_input ::= star_exprs(B).    { ctx->root = B; }

/*************************************************************************
** Statement lists and blocks
*/
%type stmts {NodeList}
stmts(A) ::= stmt_line(A).
stmts(A) ::= compound_stmt(B).              { A = list1(ctx, B); }
stmts(A) ::= stmts(A) stmt_line(B).         { nodelist_extend(ctx, &A, &B); }
stmts(A) ::= stmts(A) compound_stmt(B).     { list_add(ctx, &A, B); }

%type stmt_line {NodeList}
stmt_line(A) ::= small_stmts(A) NEWLINE.
stmt_line(A) ::= small_stmts(A) SEMI NEWLINE.

%type small_stmts {NodeList}
small_stmts(A) ::= small_stmt(B).                       { A = list1(ctx, B); }
small_stmts(A) ::= small_stmts(A) SEMI small_stmt(B).   { list_add(ctx, &A, B); }

%type block {NodeList}
block(A) ::= stmt_line(A).
block(A) ::= NEWLINE INDENT stmts(B) DEDENT.            { A = B; }

/*************************************************************************
** Simple statements
*/
small_stmt(A) ::= expr_stmt(A).
small_stmt(A) ::= import_stmt(A).
small_stmt(A) ::= DEL(K) targets(B).            { A = mk_del(ctx, &K, B); }
small_stmt(A) ::= PASS(K).                      { A = mk_stmt_tok(ctx, S_PASS, &K); }
small_stmt(A) ::= BREAK(K).                     { A = mk_stmt_tok(ctx, S_BREAK, &K); }
small_stmt(A) ::= CONTINUE(K).                  { A = mk_stmt_tok(ctx, S_CONTINUE, &K); }
small_stmt(A) ::= RETURN(K).                    { A = mk_return(ctx, &K, NULL); }
small_stmt(A) ::= RETURN(K) star_exprs(B).      { A = mk_return(ctx, &K, B); }
small_stmt(A) ::= RAISE(K).                     { A = mk_raise(ctx, &K, NULL, NULL); }
small_stmt(A) ::= RAISE(K) test(B).             { A = mk_raise(ctx, &K, B, NULL); }
small_stmt(A) ::= RAISE(K) test(B) FROM test(C). { A = mk_raise(ctx, &K, B, C); }
small_stmt(A) ::= GLOBAL(K) names(B).           { A = mk_global(ctx, S_GLOBAL, &K, B); }
small_stmt(A) ::= NONLOCAL(K) names(B).         { A = mk_global(ctx, S_NONLOCAL, &K, B); }
small_stmt(A) ::= ASSERT(K) test(B).            { A = mk_assert(ctx, &K, B, NULL); }
small_stmt(A) ::= ASSERT(K) test(B) COMMA test(C). { A = mk_assert(ctx, &K, B, C); }
small_stmt(A) ::= TYPE(K) NAME(N) type_params_opt(P) EQUAL test(V).
    { A = mk_type_alias(ctx, &K, &N, P, V); }

%type names {NameList *}
names(A) ::= NAME(B).                   { A = names_add(ctx, NULL, &B); }
names(A) ::= names(A) COMMA NAME(B).    { A = names_add(ctx, A, &B); }

/* Expression statements and the three kinds of assignment. The targets are
** parsed as expressions; mk_assign() and friends check them. */
expr_stmt(A) ::= star_exprs(B).                     { A = mk_expr_stmt(ctx, B); }
expr_stmt(A) ::= yield_expr(B).                     { A = mk_expr_stmt(ctx, B); }
expr_stmt(A) ::= assign_targets(T) rhs(V).          { A = mk_assign(ctx, T, V); }
expr_stmt(A) ::= star_exprs(T) augassign(O) rhs(V). { A = mk_augassign(ctx, T, O, V); }
expr_stmt(A) ::= ann_target(T) test(N).
    { A = mk_annassign(ctx, T.node, T.paren, N, NULL); }
expr_stmt(A) ::= ann_target(T) test(N) EQUAL rhs(V).
    { A = mk_annassign(ctx, T.node, T.paren, N, V); }

%type assign_targets {NodeList}
assign_targets(A) ::= star_exprs(B) EQUAL.
    { A = assign_chain(ctx, list1(ctx, B)); }
assign_targets(A) ::= yield_expr(B) EQUAL.
    { A = assign_chain(ctx, list1(ctx, yield_target(ctx, B))); }
assign_targets(A) ::= assign_targets(A) star_exprs(B) EQUAL.
    { list_add(ctx, &A, B); A = assign_chain(ctx, A); }
assign_targets(A) ::= assign_targets(A) yield_expr(B) EQUAL.
    { list_add(ctx, &A, yield_target(ctx, B)); A = assign_chain(ctx, A); }

rhs(A) ::= star_exprs(A).
rhs(A) ::= yield_expr(A).

/* Reduced when the colon is seen, before the annotation is parsed, so that
** last_group still tells whether the target was parenthesized. */
%include {
typedef struct AnnTarget { Node *node; bool paren; } AnnTarget;
}
%type ann_target {AnnTarget}
ann_target(A) ::= star_exprs(B) COLON.  { A.node = B; A.paren = B == ctx->last_group; }

%type augassign {AstOp}
augassign(A) ::= PLUSEQUAL.         { A = OP_ADD; }
augassign(A) ::= MINEQUAL.          { A = OP_SUB; }
augassign(A) ::= STAREQUAL.         { A = OP_MUL; }
augassign(A) ::= ATEQUAL.           { A = OP_MATMUL; }
augassign(A) ::= SLASHEQUAL.        { A = OP_DIV; }
augassign(A) ::= DOUBLESLASHEQUAL.  { A = OP_FLOORDIV; }
augassign(A) ::= PERCENTEQUAL.      { A = OP_MOD; }
augassign(A) ::= DOUBLESTAREQUAL.   { A = OP_POW; }
augassign(A) ::= LSHIFTEQUAL.       { A = OP_LSHIFT; }
augassign(A) ::= RSHIFTEQUAL.       { A = OP_RSHIFT; }
augassign(A) ::= AMPEREQUAL.        { A = OP_BITAND; }
augassign(A) ::= VBAREQUAL.         { A = OP_BITOR; }
augassign(A) ::= CIRCUMFLEXEQUAL.   { A = OP_BITXOR; }

/*************************************************************************
** Imports
*/
%include {
typedef struct ImportFrom { const char *module; int level; } ImportFrom;
typedef struct Dotted { const char *name; int line, col, end_line, end_col; } Dotted;
}

import_stmt(A) ::= IMPORT(K) dotted_as_names(B).    { A = mk_import(ctx, &K, B); }
import_stmt(A) ::= FROM(K) import_from(M) IMPORT import_targets(B).
    { A = mk_import_from(ctx, &K, M.level, M.module, B); }

%type dotted_as_names {Aliases *}
dotted_as_names(A) ::= dotted_as_name(B).       { A = B; }
dotted_as_names(A) ::= dotted_as_names(A) COMMA dotted_as_name(B).
    { A = aliases_join(ctx, A, B); }

%type dotted_as_name {Aliases *}
dotted_as_name(A) ::= dotted_name(B).
    { A = alias_add(ctx, NULL, B.name, B.line, B.col, NULL, B.end_line, B.end_col); }
dotted_as_name(A) ::= dotted_name(B) AS NAME(C).
    { A = alias_add(ctx, NULL, B.name, B.line, B.col, &C, C.line, C.col + C.len); }

%type dotted_name {Dotted}
dotted_name(A) ::= NAME(B).
    { A.name = ident(ctx, &B); A.line = A.end_line = B.line; A.col = B.col;
      A.end_col = B.col + B.len; }
dotted_name(A) ::= dotted_name(A) DOT NAME(C).
    { A.name = dotted(ctx, A.name, &C); A.end_line = C.line; A.end_col = C.col + C.len; }

%type import_from {ImportFrom}
import_from(A) ::= dotted_name(B).          { A.module = B.name; A.level = 0; }
import_from(A) ::= dots(D).                 { A.module = NULL; A.level = D; }
import_from(A) ::= dots(D) dotted_name(B).  { A.module = B.name; A.level = D; }

/* `...` is one token, so `from ... import x` counts it as three dots. */
%type dots {int}
dots(A) ::= DOT.                { A = 1; }
dots(A) ::= ELLIPSIS.           { A = 3; }
dots(A) ::= dots(A) DOT.        { A = A + 1; }
dots(A) ::= dots(A) ELLIPSIS.   { A = A + 3; }

%type import_targets {Aliases *}
import_targets(A) ::= STAR(S).                      { A = alias_star(ctx, &S); }
import_targets(A) ::= LPAR import_names(B) RPAR(R).         { A = aliases_end(B, &R); }
import_targets(A) ::= LPAR import_names(B) COMMA RPAR(R).   { A = aliases_end(B, &R); }
import_targets(A) ::= import_names(A).

%type import_names {Aliases *}
import_names(A) ::= import_name(A).
import_names(A) ::= import_names(A) COMMA import_name(B).   { A = aliases_join(ctx, A, B); }

%type import_name {Aliases *}
import_name(A) ::= NAME(B).
    { A = alias_add(ctx, NULL, ident(ctx, &B), B.line, B.col, NULL, B.line, B.col + B.len); }
import_name(A) ::= NAME(B) AS NAME(C).
    { A = alias_add(ctx, NULL, ident(ctx, &B), B.line, B.col, &C, C.line, C.col + C.len); }

/*************************************************************************
** Compound statements
*/
compound_stmt(A) ::= if_stmt(A).
compound_stmt(A) ::= while_stmt(A).
compound_stmt(A) ::= for_stmt(A).
compound_stmt(A) ::= try_stmt(A).
compound_stmt(A) ::= with_stmt(A).
compound_stmt(A) ::= funcdef(A).
compound_stmt(A) ::= classdef(A).
compound_stmt(A) ::= decorators(D) funcdef(B).     { A = decorate(ctx, D, B); }
compound_stmt(A) ::= decorators(D) classdef(B).    { A = decorate(ctx, D, B); }
compound_stmt(A) ::= match_stmt(A).

%type decorators {NodeList}
decorators(A) ::= AT named_test(B) NEWLINE.                 { A = list1(ctx, B); }
decorators(A) ::= decorators(A) AT named_test(B) NEWLINE.   { list_add(ctx, &A, B); }

%type else_opt {NodeList}
else_opt(A) ::= .                       { A = (NodeList){0}; }
else_opt(A) ::= ELSE COLON block(B).    { A = B; }

/* An elif chain is built left to right: each elif is an S_IF alone in the
** orelse of the one before. */
if_stmt(A) ::= if_chain(C) else_opt(E).     { A = if_finish(ctx, C, E); }

%type if_chain {IfChain}
if_chain(A) ::= IF(K) named_test(T) COLON block(B).     { A = mk_if(ctx, &K, T, B); }
if_chain(A) ::= if_chain(A) ELIF(K) named_test(T) COLON block(B).
    { A = if_elif(ctx, A, &K, T, B); }

while_stmt(A) ::= WHILE(K) named_test(T) COLON block(B) else_opt(E).
    { A = mk_while(ctx, &K, T, B, E); }

for_stmt(A) ::= FOR(K) targets(T) IN star_exprs(I) COLON block(B) else_opt(E).
    { A = mk_for(ctx, &K, false, T, I, B, E); }
for_stmt(A) ::= ASYNC(K) FOR targets(T) IN star_exprs(I) COLON block(B) else_opt(E).
    { A = mk_for(ctx, &K, true, T, I, B, E); }

try_stmt(A) ::= TRY(K) COLON block(B) handlers(H) else_opt(E).
    { A = mk_try(ctx, &K, B, H, E, (NodeList){0}); }
try_stmt(A) ::= TRY(K) COLON block(B) handlers(H) else_opt(E) FINALLY COLON block(F).
    { A = mk_try(ctx, &K, B, H, E, F); }
try_stmt(A) ::= TRY(K) COLON block(B) FINALLY COLON block(F).
    { A = mk_try(ctx, &K, B, NULL, (NodeList){0}, F); }

%type handlers {Handlers *}
handlers(A) ::= handler(A).
handlers(A) ::= handlers(A) handler(B).     { A = handlers_join(ctx, A, B); }

%type handler {Handlers *}
handler(A) ::= EXCEPT(K) COLON block(B).
    { A = mk_handler(ctx, &K, NULL, NULL, B); }
handler(A) ::= EXCEPT(K) test(T) COLON block(B).
    { A = mk_handler(ctx, &K, T, NULL, B); }
handler(A) ::= EXCEPT(K) test(T) AS NAME(N) COLON block(B).
    { A = mk_handler(ctx, &K, T, &N, B); }
handler(A) ::= EXCEPT(K) STAR test(T) COLON block(B).
    { A = mk_handler(ctx, &K, T, NULL, B); if (A) A->items[0].star = 1; }
handler(A) ::= EXCEPT(K) STAR test(T) AS NAME(N) COLON block(B).
    { A = mk_handler(ctx, &K, T, &N, B); if (A) A->items[0].star = 1; }

/* `with (a as b, c):` needs the GROUP precedence: the group's closing
** parenthesis followed by a colon could also end an expression. */
with_stmt(A) ::= WITH(K) with_items(I) COLON block(B).
    { A = mk_with(ctx, &K, false, I, B); }
with_stmt(A) ::= ASYNC(K) WITH with_items(I) COLON block(B).
    { A = mk_with(ctx, &K, true, I, B); }
with_stmt(A) ::= WITH(K) LPAR(L) group_elts(E) RPAR(R) COLON block(B).
    { A = mk_with(ctx, &K, false, with_group(ctx, E, false, &L, &R), B); }
with_stmt(A) ::= WITH(K) LPAR(L) group_elts(E) COMMA RPAR(R) COLON block(B).
    { A = mk_with(ctx, &K, false, with_group(ctx, E, true, &L, &R), B); }
with_stmt(A) ::= ASYNC(K) WITH LPAR(L) group_elts(E) RPAR(R) COLON block(B).
    { A = mk_with(ctx, &K, true, with_group(ctx, E, false, &L, &R), B); }
with_stmt(A) ::= ASYNC(K) WITH LPAR(L) group_elts(E) COMMA RPAR(R) COLON block(B).
    { A = mk_with(ctx, &K, true, with_group(ctx, E, true, &L, &R), B); }

%type with_items {WithItems *}
with_items(A) ::= test(C).                                  { A = with_add(ctx, NULL, C, NULL); }
with_items(A) ::= test(C) AS expr(T).                       { A = with_add(ctx, NULL, C, T); }
with_items(A) ::= with_items(A) COMMA test(C).              { A = with_add(ctx, A, C, NULL); }
with_items(A) ::= with_items(A) COMMA test(C) AS expr(T).   { A = with_add(ctx, A, C, T); }

/*************************************************************************
** The match statement (PEP 634). Patterns have their own nonterminals, as
** in CPython's grammar; the few errors CPython's parser words specially are
** reported by the mk_*_pattern helpers. The heads are reduced at their
** colon, so that their errors come before any in the body.
*/
%include {
typedef struct MatchHead { Node *subject; Token kw; } MatchHead;
}
%type match_head {MatchHead}
match_head(A) ::= MATCH(K) star_named_list(S) COLON(C).
    { A.subject = match_subject(ctx, S, NULL, &C); A.kw = K; }
match_head(A) ::= MATCH(K) star_named_list(S) COMMA(M) COLON(C).
    { A.subject = match_subject(ctx, S, &M, &C); A.kw = K; }

match_stmt(A) ::= match_head(H) NEWLINE INDENT cases(C) DEDENT.
    { A = mk_match(ctx, &H.kw, H.subject, C); }

%type cases {MatchCases *}
cases(A) ::= case_block(A).
cases(A) ::= cases(A) case_block(B).        { A = cases_join(ctx, A, B); }

%type case_block {MatchCases *}
case_block(A) ::= case_head(H) block(B).    { A = mk_case(ctx, H, B); }

%type case_head {MatchCase}
case_head(A) ::= CASE patterns(P) COLON.
    { A.pattern = P; A.guard = NULL; }
case_head(A) ::= CASE patterns(P) IF named_test(G) COLON.
    { A.pattern = P; A.guard = G; }

/* `case a, *b:` is a sequence pattern without brackets. */
patterns(A) ::= pat_items(L).               { A = top_patterns(ctx, L, NULL); }
patterns(A) ::= pat_items(L) COMMA(C).      { A = top_patterns(ctx, L, &C); }

%type pat_items {NodeList}
pat_items(A) ::= maybe_star(B).                     { A = list1(ctx, B); }
pat_items(A) ::= pat_items(A) COMMA maybe_star(B).  { list_add(ctx, &A, B); }

maybe_star(A) ::= pattern(A).
maybe_star(A) ::= STAR(S) NAME(N).          { A = mk_star_pattern(ctx, &S, &N); }

pattern(A) ::= or_pattern(A).
pattern(A) ::= or_pattern(B) AS NAME(N).    { A = mk_as_pattern(ctx, B, &N); }

or_pattern(A) ::= closed_pattern(A).
or_pattern(A) ::= or_alts(L).               { A = mk_or_pattern(ctx, L); }

%type or_alts {NodeList}
or_alts(A) ::= closed_pattern(B) VBAR closed_pattern(C).  { A = list1(ctx, B); list_add(ctx, &A, C); }
or_alts(A) ::= or_alts(A) VBAR closed_pattern(C).         { list_add(ctx, &A, C); }

/* Literals, captures, values (dotted names) and groups or sequences. */
closed_pattern(A) ::= signed_number(V).     { A = mk_value_pattern(ctx, P_VALUE, V); }
closed_pattern(A) ::= complex_number(V).    { A = mk_value_pattern(ctx, P_VALUE, V); }
closed_pattern(A) ::= strings(S).           { A = mk_value_pattern(ctx, P_VALUE, mk_strings(ctx, &S)); }
closed_pattern(A) ::= NONE(K).              { A = mk_value_pattern(ctx, P_SINGLETON, mk_tok(ctx, E_NONE, &K)); }
closed_pattern(A) ::= TRUE(K).              { A = mk_value_pattern(ctx, P_SINGLETON, mk_tok(ctx, E_TRUE, &K)); }
closed_pattern(A) ::= FALSE(K).             { A = mk_value_pattern(ctx, P_SINGLETON, mk_tok(ctx, E_FALSE, &K)); }
closed_pattern(A) ::= NAME(N).              { A = mk_capture_pattern(ctx, &N); }
closed_pattern(A) ::= attr(V).              { A = mk_value_pattern(ctx, P_VALUE, V); }
closed_pattern(A) ::= LPAR(L) RPAR(R).
    { A = mk_seq_pattern(ctx, (NodeList){0}, &L, &R); }
closed_pattern(A) ::= LPAR(L) pat_items(E) RPAR(R).
    { A = mk_group_pattern(ctx, E, &L, &R); }
closed_pattern(A) ::= LPAR(L) pat_items(E) COMMA RPAR(R).
    { A = mk_seq_pattern(ctx, E, &L, &R); }
closed_pattern(A) ::= LSQB(L) RSQB(R).
    { A = mk_seq_pattern(ctx, (NodeList){0}, &L, &R); }
closed_pattern(A) ::= LSQB(L) pat_items(E) RSQB(R).
    { A = mk_seq_pattern(ctx, E, &L, &R); }
closed_pattern(A) ::= LSQB(L) pat_items(E) COMMA RSQB(R).
    { A = mk_seq_pattern(ctx, E, &L, &R); }

complex_number(A) ::= signed_number(V) PLUS NUMBER(N).     { A = mk_complex_number(ctx, V, OP_ADD, &N); }
complex_number(A) ::= signed_number(V) MINUS NUMBER(N).    { A = mk_complex_number(ctx, V, OP_SUB, &N); }
signed_number(A) ::= NUMBER(N).             { A = mk_number(ctx, &N); }
signed_number(A) ::= MINUS(M) NUMBER(N).    { A = mk_unary(ctx, &M, OP_NEG, mk_number(ctx, &N)); }

name_or_attr(A) ::= NAME(N).                { A = mk_name(ctx, &N); }
name_or_attr(A) ::= attr(A).
attr(A) ::= name_or_attr(B) DOT NAME(N).    { A = mk_attr(ctx, B, &N); }

/* Mapping patterns: literal or dotted keys, then at most one `**rest`. */
closed_pattern(A) ::= LBRACE(L) RBRACE(R).                  { A = mk_map_pattern(ctx, NULL, &L, &R); }
closed_pattern(A) ::= LBRACE(L) map_items(M) RBRACE(R).     { A = mk_map_pattern(ctx, M, &L, &R); }
closed_pattern(A) ::= LBRACE(L) map_items(M) COMMA RBRACE(R). { A = mk_map_pattern(ctx, M, &L, &R); }

%type map_items {MapItems *}
map_items(A) ::= map_key(K) COLON pattern(P).   { A = map_item(ctx, NULL, K, P); }
map_items(A) ::= DOUBLESTAR NAME(N).            { A = map_rest(ctx, NULL, &N); }
map_items(A) ::= map_items(A) COMMA map_key(K) COLON pattern(P).  { A = map_item(ctx, A, K, P); }
map_items(A) ::= map_items(A) COMMA DOUBLESTAR NAME(N).           { A = map_rest(ctx, A, &N); }

map_key(A) ::= signed_number(A).
map_key(A) ::= complex_number(A).
map_key(A) ::= strings(S).      { A = mk_strings(ctx, &S); }
map_key(A) ::= NONE(K).         { A = mk_tok(ctx, E_NONE, &K); }
map_key(A) ::= TRUE(K).         { A = mk_tok(ctx, E_TRUE, &K); }
map_key(A) ::= FALSE(K).        { A = mk_tok(ctx, E_FALSE, &K); }
map_key(A) ::= attr(A).

/* Class patterns: positional sub-patterns, then keyword ones. */
closed_pattern(A) ::= name_or_attr(C) LPAR RPAR(R).
    { A = mk_class_pattern(ctx, C, NULL, &R); }
closed_pattern(A) ::= name_or_attr(C) LPAR class_args(G) RPAR(R).
    { A = mk_class_pattern(ctx, C, G, &R); }
closed_pattern(A) ::= name_or_attr(C) LPAR class_args(G) COMMA RPAR(R).
    { A = mk_class_pattern(ctx, C, G, &R); }

%type class_args {ClassArgs *}
class_args(A) ::= pattern(P).                               { A = class_arg(ctx, NULL, NULL, P); }
class_args(A) ::= NAME(N) EQUAL pattern(P).                 { A = class_arg(ctx, NULL, &N, P); }
class_args(A) ::= class_args(A) COMMA pattern(P).           { A = class_arg(ctx, A, NULL, P); }
class_args(A) ::= class_args(A) COMMA NAME(N) EQUAL pattern(P). { A = class_arg(ctx, A, &N, P); }

funcdef(A) ::= DEF(K) NAME(N) type_params_opt(T) LPAR params_opt(P) RPAR return_opt(R) COLON block(B).
    { A = mk_def(ctx, &K, false, &N, T, P, R, B); }
funcdef(A) ::= ASYNC(K) DEF NAME(N) type_params_opt(T) LPAR params_opt(P) RPAR return_opt(R) COLON block(B).
    { A = mk_def(ctx, &K, true, &N, T, P, R, B); }

%type return_opt {Node *}
return_opt(A) ::= .                 { A = NULL; }
return_opt(A) ::= RARROW test(B).   { A = B; }

classdef(A) ::= CLASS(K) NAME(N) type_params_opt(T) COLON block(B).
    { A = mk_class(ctx, &K, &N, T, NULL, NULL, B); }
classdef(A) ::= CLASS(K) NAME(N) type_params_opt(T) LPAR RPAR COLON block(B).
    { A = mk_class(ctx, &K, &N, T, NULL, NULL, B); }
classdef(A) ::= CLASS(K) NAME(N) type_params_opt(T) LPAR arglist(G) RPAR(R) COLON block(B).
    { A = mk_class(ctx, &K, &N, T, G, &R, B); }

/* PEP 695 type parameters: `[T, T2: bound, T3: (c1, c2), *Ts, **P]`. */
%type type_params_opt {NodeList}
type_params_opt(A) ::= .                                    { A = (NodeList){0}; }
type_params_opt(A) ::= LSQB type_param_list(B) RSQB.          { A = B; }
type_params_opt(A) ::= LSQB(L) RSQB(R).
    { A = (NodeList){0}; empty_type_params(ctx, &L, &R); }
type_params_opt(A) ::= LSQB type_param_list(B) COMMA RSQB.    { A = B; }

%type type_param_list {NodeList}
type_param_list(A) ::= type_param(B).                       { A = list1(ctx, B); }
type_param_list(A) ::= type_param_list(A) COMMA type_param(B). { list_add(ctx, &A, B); }

type_param(A) ::= NAME(N).                  { A = mk_type_param(ctx, T_TYPEVAR, &N, &N, NULL); }
type_param(A) ::= NAME(N) COLON test(B).    { A = mk_type_param(ctx, T_TYPEVAR, &N, &N, B); }
type_param(A) ::= STAR(S) NAME(N).          { A = mk_type_param(ctx, T_TYPEVARTUPLE, &S, &N, NULL); }
type_param(A) ::= DOUBLESTAR(S) NAME(N).    { A = mk_type_param(ctx, T_PARAMSPEC, &S, &N, NULL); }
/* (a parenthesized tuple after the colon is constraints, anything else a bound) */
type_param(A) ::= STAR(S) NAME(N) COLON(C) test(B).
    { A = mk_type_param(ctx, T_TYPEVARTUPLE, &S, &N, B);
      error_at_tok(ctx, &C, "cannot use %s with TypeVarTuple", B->kind == E_TUPLE ? "constraints" : "bound"); }
type_param(A) ::= DOUBLESTAR(S) NAME(N) COLON(C) test(B).
    { A = mk_type_param(ctx, T_PARAMSPEC, &S, &N, B);
      error_at_tok(ctx, &C, "cannot use %s with ParamSpec", B->kind == E_TUPLE ? "constraints" : "bound"); }

/*************************************************************************
** Parameters of def and lambda: a flat list of items, put in order and
** checked by make_params() in parse.c, which words the errors as CPython.
*/
%type params_opt {ParamItems *}
params_opt(A) ::= .                     { A = NULL; }
params_opt(A) ::= params(A).
params_opt(A) ::= params(A) COMMA.

%type params {ParamItems *}
params(A) ::= param(B).                     { A = params_add(ctx, NULL, B); }
params(A) ::= params(A) COMMA param(B).     { A = params_add(ctx, A, B); }

%type param {ParamItem *}
param(A) ::= NAME(N).
    { A = param_new(ctx, PARAM_NAME, &N, NULL, NULL, NULL, NULL); }
param(A) ::= NAME(N) COLON test(T).
    { A = param_new(ctx, PARAM_NAME, &N, NULL, T, NULL, NULL); }
param(A) ::= NAME(N) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_NAME, &N, NULL, NULL, &E, D); }
param(A) ::= NAME(N) COLON test(T) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_NAME, &N, NULL, T, &E, D); }
param(A) ::= STAR(S).
    { A = param_new(ctx, PARAM_STAR, &S, NULL, NULL, NULL, NULL); }
param(A) ::= STAR(S) NAME(N).
    { A = param_new(ctx, PARAM_STAR, &S, &N, NULL, NULL, NULL); }
param(A) ::= STAR(S) NAME(N) COLON test(T).
    { A = param_new(ctx, PARAM_STAR, &S, &N, T, NULL, NULL); }
param(A) ::= STAR(S) NAME(N) COLON star_expr(T).
    { A = param_new(ctx, PARAM_STAR, &S, &N, T, NULL, NULL); }
param(A) ::= STAR(S) NAME(N) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_STAR, &S, &N, NULL, &E, D); }
param(A) ::= STAR(S) NAME(N) COLON test(T) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_STAR, &S, &N, T, &E, D); }
param(A) ::= DOUBLESTAR(S) NAME(N).
    { A = param_new(ctx, PARAM_DSTAR, &S, &N, NULL, NULL, NULL); }
param(A) ::= DOUBLESTAR(S) NAME(N) COLON test(T).
    { A = param_new(ctx, PARAM_DSTAR, &S, &N, T, NULL, NULL); }
param(A) ::= DOUBLESTAR(S) NAME(N) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_DSTAR, &S, &N, NULL, &E, D); }
param(A) ::= DOUBLESTAR(S) NAME(N) COLON test(T) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_DSTAR, &S, &N, T, &E, D); }
param(A) ::= SLASH(S).
    { A = param_new(ctx, PARAM_SLASH, &S, NULL, NULL, NULL, NULL); }

%type lparams {ParamItems *}
lparams(A) ::= lparam(B).                   { A = params_add(ctx, NULL, B); }
lparams(A) ::= lparams(A) COMMA lparam(B).  { A = params_add(ctx, A, B); }

%type lparam {ParamItem *}
lparam(A) ::= NAME(N).
    { A = param_new(ctx, PARAM_NAME, &N, NULL, NULL, NULL, NULL); }
lparam(A) ::= NAME(N) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_NAME, &N, NULL, NULL, &E, D); }
lparam(A) ::= STAR(S).
    { A = param_new(ctx, PARAM_STAR, &S, NULL, NULL, NULL, NULL); }
lparam(A) ::= STAR(S) NAME(N).
    { A = param_new(ctx, PARAM_STAR, &S, &N, NULL, NULL, NULL); }
lparam(A) ::= STAR(S) NAME(N) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_STAR, &S, &N, NULL, &E, D); }
lparam(A) ::= DOUBLESTAR(S) NAME(N).
    { A = param_new(ctx, PARAM_DSTAR, &S, &N, NULL, NULL, NULL); }
lparam(A) ::= DOUBLESTAR(S) NAME(N) EQUAL(E) test(D).
    { A = param_new(ctx, PARAM_DSTAR, &S, &N, NULL, &E, D); }
lparam(A) ::= SLASH(S).
    { A = param_new(ctx, PARAM_SLASH, &S, NULL, NULL, NULL, NULL); }

/*************************************************************************
** Expression lists. A list without brackets is a tuple when it has a
** comma, else its single element.
*/
star_exprs(A) ::= star_list(B).             { A = bare_tuple(ctx, B, NULL); }
star_exprs(A) ::= star_list(B) COMMA(C).    { A = bare_tuple(ctx, B, &C); }

%type star_list {NodeList}
star_list(A) ::= star_item(B).                      { A = list1(ctx, B); }
star_list(A) ::= star_list(A) COMMA star_item(B).   { list_add(ctx, &A, B); }

star_item(A) ::= test(A).
star_item(A) ::= star_expr(A).

star_expr(A) ::= STAR(S) expr(B).           { A = mk_starred(ctx, &S, B); }

/* Targets of for, del and comprehensions: `in` must end them, so their
** elements stop short of comparisons. */
targets(A) ::= target_list(B).              { A = bare_tuple(ctx, B, NULL); }
targets(A) ::= target_list(B) COMMA(C).     { A = bare_tuple(ctx, B, &C); }

%type target_list {NodeList}
target_list(A) ::= target_item(B).                      { A = list1(ctx, B); }
target_list(A) ::= target_list(A) COMMA target_item(B). { list_add(ctx, &A, B); }

target_item(A) ::= expr(A).
target_item(A) ::= star_expr(A).

/*************************************************************************
** Expressions, loosest first
*/
named_test(A) ::= test(A).
named_test(A) ::= test(B) COLONEQUAL test(C).       { A = mk_named(ctx, B, C); }

test(A) ::= or_test(A).
test(A) ::= or_test(B) IF or_test(C) ELSE test(D).  { A = mk_ifexp(ctx, B, C, D); }
test(A) ::= lambdef(A).

lambdef(A) ::= LAMBDA(K) COLON(C) test(B).                 { A = mk_lambda(ctx, &K, NULL, &C, B); }
lambdef(A) ::= LAMBDA(K) lparams(P) COLON(C) test(B).      { A = mk_lambda(ctx, &K, P, &C, B); }
lambdef(A) ::= LAMBDA(K) lparams(P) COMMA COLON(C) test(B). { A = mk_lambda(ctx, &K, P, &C, B); }

or_test(A) ::= and_test(A).
or_test(A) ::= or_list(B).                  { A = mk_boolop(ctx, OP_OR, B); }

%type or_list {NodeList}
or_list(A) ::= and_test(B) OR and_test(C).  { A = list1(ctx, B); list_add(ctx, &A, C); }
or_list(A) ::= or_list(A) OR and_test(C).   { list_add(ctx, &A, C); }

and_test(A) ::= not_test(A).
and_test(A) ::= and_list(B).                { A = mk_boolop(ctx, OP_AND, B); }

%type and_list {NodeList}
and_list(A) ::= not_test(B) AND not_test(C). { A = list1(ctx, B); list_add(ctx, &A, C); }
and_list(A) ::= and_list(A) AND not_test(C). { list_add(ctx, &A, C); }

not_test(A) ::= NOT(K) not_test(B).         { A = mk_unary(ctx, &K, OP_NOT, B); }
not_test(A) ::= comparison(A).

comparison(A) ::= expr(A).
comparison(A) ::= expr(B) comp_chain(C).    { A = mk_compare(ctx, B, C); }

%type comp_chain {CmpChain *}
comp_chain(A) ::= comp_op(O) expr(B).               { A = cmp_add(ctx, NULL, O, B); }
comp_chain(A) ::= comp_chain(A) comp_op(O) expr(B). { A = cmp_add(ctx, A, O, B); }

%type comp_op {AstOp}
comp_op(A) ::= LESS.            { A = OP_LT; }
comp_op(A) ::= GREATER.         { A = OP_GT; }
comp_op(A) ::= EQEQUAL.         { A = OP_EQ; }
comp_op(A) ::= NOTEQUAL.        { A = OP_NE; }
comp_op(A) ::= LESSEQUAL.       { A = OP_LE; }
comp_op(A) ::= GREATEREQUAL.    { A = OP_GE; }
comp_op(A) ::= IN.              { A = OP_IN; }
comp_op(A) ::= NOT IN.          { A = OP_NOT_IN; }
comp_op(A) ::= IS.              { A = OP_IS; }
comp_op(A) ::= IS NOT.          { A = OP_IS_NOT; }

/* `|` to `**` and the unary operators, by the precedence table. */
expr(A) ::= expr(B) VBAR expr(C).           { A = mk_binop(ctx, B, OP_BITOR, C); }
expr(A) ::= expr(B) CIRCUMFLEX expr(C).     { A = mk_binop(ctx, B, OP_BITXOR, C); }
expr(A) ::= expr(B) AMPER expr(C).          { A = mk_binop(ctx, B, OP_BITAND, C); }
expr(A) ::= expr(B) LSHIFT expr(C).         { A = mk_binop(ctx, B, OP_LSHIFT, C); }
expr(A) ::= expr(B) RSHIFT expr(C).         { A = mk_binop(ctx, B, OP_RSHIFT, C); }
expr(A) ::= expr(B) PLUS expr(C).           { A = mk_binop(ctx, B, OP_ADD, C); }
expr(A) ::= expr(B) MINUS expr(C).          { A = mk_binop(ctx, B, OP_SUB, C); }
expr(A) ::= expr(B) STAR expr(C).           { A = mk_binop(ctx, B, OP_MUL, C); }
expr(A) ::= expr(B) SLASH expr(C).          { A = mk_binop(ctx, B, OP_DIV, C); }
expr(A) ::= expr(B) DOUBLESLASH expr(C).    { A = mk_binop(ctx, B, OP_FLOORDIV, C); }
expr(A) ::= expr(B) PERCENT expr(C).        { A = mk_binop(ctx, B, OP_MOD, C); }
expr(A) ::= expr(B) AT expr(C).             { A = mk_binop(ctx, B, OP_MATMUL, C); }
expr(A) ::= expr(B) DOUBLESTAR expr(C).     { A = mk_binop(ctx, B, OP_POW, C); }
expr(A) ::= MINUS(K) expr(B). [UNARY]       { A = mk_unary(ctx, &K, OP_NEG, B); }
expr(A) ::= PLUS(K) expr(B). [UNARY]        { A = mk_unary(ctx, &K, OP_POS, B); }
expr(A) ::= TILDE(K) expr(B). [UNARY]       { A = mk_unary(ctx, &K, OP_INVERT, B); }
expr(A) ::= AWAIT(K) primary(B).            { A = mk_await(ctx, &K, B); }
expr(A) ::= primary(A).

primary(A) ::= atom(A).
primary(A) ::= primary(B) DOT NAME(N).                  { A = mk_attr(ctx, B, &N); }
primary(A) ::= primary(B) LPAR(L) RPAR(R).              { A = mk_call(ctx, B, NULL, &L, &R); }
primary(A) ::= primary(B) LPAR(L) arglist(G) RPAR(R).   { A = mk_call(ctx, B, G, &L, &R); }
primary(A) ::= primary(B) LSQB subscripts(I) RSQB(R).  { A = mk_subscript(ctx, B, I, &R); }

/*************************************************************************
** Atoms and displays
*/
atom(A) ::= NAME(B).        { A = mk_name(ctx, &B); }
atom(A) ::= NUMBER(B).      { A = mk_number(ctx, &B); }
atom(A) ::= strings(B).     { A = mk_strings(ctx, &B); }
atom(A) ::= ELLIPSIS(B).    { A = mk_tok(ctx, E_ELLIPSIS, &B); }
atom(A) ::= NONE(B).        { A = mk_tok(ctx, E_NONE, &B); }
atom(A) ::= TRUE(B).        { A = mk_tok(ctx, E_TRUE, &B); }
atom(A) ::= FALSE(B).       { A = mk_tok(ctx, E_FALSE, &B); }

%type strings {StrSpan}
strings(A) ::= STRING(B).   { A.s = B.s; A.line = B.line; A.col = B.col; A.n = 1; }
strings(A) ::= strings(A) STRING.   { A.n++; }

/* Parentheses: the empty tuple, a yield, a group or tuple, a generator. */
atom(A) ::= LPAR(L) RPAR(R).                    { A = mk_seq(ctx, E_TUPLE, (NodeList){0}, &L, &R); }
atom(A) ::= LPAR(L) yield_expr(B) RPAR(R).      { A = group(ctx, B, &L, &R); }
atom(A) ::= LPAR(L) group_elts(E) RPAR(R). [GROUP]
    { A = paren_group(ctx, E, false, &L, &R); }
atom(A) ::= LPAR(L) group_elts(E) COMMA RPAR(R). [GROUP]
    { A = paren_group(ctx, E, true, &L, &R); }
atom(A) ::= LPAR(L) star_named(B) comp_for(G) RPAR(R).
    { A = mk_comp(ctx, E_GENEXP, B, NULL, G, &L, &R); }

%type group_elts {NodeList}
group_elts(A) ::= group_elt(B).                         { A = list1(ctx, B); }
group_elts(A) ::= group_elts(A) COMMA group_elt(B).     { list_add(ctx, &A, B); }

group_elt(A) ::= star_named(A).
group_elt(A) ::= test(C) AS(K) expr(T).     { A = mk_with_as(ctx, C, &K, T); }

/* Lists and list comprehensions. */
atom(A) ::= LSQB(L) RSQB(R).                        { A = mk_seq(ctx, E_LIST, (NodeList){0}, &L, &R); }
atom(A) ::= LSQB(L) star_named_list(E) RSQB(R).     { A = mk_seq(ctx, E_LIST, E, &L, &R); }
atom(A) ::= LSQB(L) star_named_list(E) COMMA RSQB(R). { A = mk_seq(ctx, E_LIST, E, &L, &R); }
atom(A) ::= LSQB(L) star_named(B) comp_for(G) RSQB(R).
    { A = mk_comp(ctx, E_LISTCOMP, B, NULL, G, &L, &R); }
/* `[a, b for a in c]` (and the same with braces): an error. */
atom(A) ::= LSQB star_named_list(E) COMMA star_named(B) comp_for RSQB.
    { list_add(ctx, &E, B); A = comp_target_error(ctx, E); }
atom(A) ::= LSQB star_named_list(E) COMMA comp_for RSQB.       { A = comp_target_error(ctx, E); }
atom(A) ::= LBRACE star_named_list(E) COMMA star_named(B) comp_for RBRACE.
    { list_add(ctx, &E, B); A = comp_target_error(ctx, E); }
atom(A) ::= LBRACE star_named_list(E) COMMA comp_for RBRACE.   { A = comp_target_error(ctx, E); }

/* Dicts, sets and their comprehensions. */
atom(A) ::= LBRACE(L) RBRACE(R).                    { A = mk_dict(ctx, NULL, &L, &R); }
atom(A) ::= LBRACE(L) dict_items(D) RBRACE(R).      { A = mk_dict(ctx, D, &L, &R); }
atom(A) ::= LBRACE(L) dict_items(D) COMMA RBRACE(R). { A = mk_dict(ctx, D, &L, &R); }
atom(A) ::= LBRACE(L) star_named_list(E) RBRACE(R). { A = mk_seq(ctx, E_SET, E, &L, &R); }
atom(A) ::= LBRACE(L) star_named_list(E) COMMA RBRACE(R). { A = mk_seq(ctx, E_SET, E, &L, &R); }
atom(A) ::= LBRACE(L) test(K) COLON test(V) comp_for(G) RBRACE(R).
    { A = mk_comp(ctx, E_DICTCOMP, K, V, G, &L, &R); }
atom(A) ::= LBRACE(L) star_named(B) comp_for(G) RBRACE(R).
    { A = mk_comp(ctx, E_SETCOMP, B, NULL, G, &L, &R); }
atom(A) ::= LBRACE DOUBLESTAR(S) expr comp_for RBRACE.
    { A = dstar_comp_error(ctx, &S); }

%type dict_items {DictItems *}
dict_items(A) ::= test(K) COLON test(V).                        { A = dict_add(ctx, NULL, K, V); }
dict_items(A) ::= DOUBLESTAR expr(V).                           { A = dict_add(ctx, NULL, NULL, V); }
dict_items(A) ::= dict_items(A) COMMA test(K) COLON test(V).    { A = dict_add(ctx, A, K, V); }
dict_items(A) ::= dict_items(A) COMMA DOUBLESTAR expr(V).       { A = dict_add(ctx, A, NULL, V); }

%type star_named_list {NodeList}
star_named_list(A) ::= star_named(B).                           { A = list1(ctx, B); }
star_named_list(A) ::= star_named_list(A) COMMA star_named(B).  { list_add(ctx, &A, B); }

star_named(A) ::= named_test(A).
star_named(A) ::= star_expr(A).

/* Comprehension clauses: the first is a `for`; an `if` belongs to the
** `for` before it. */
%type comp_for {CompList *}
comp_for(A) ::= FOR targets(T) IN or_test(I).               { A = comp_add(ctx, NULL, false, T, I); }
comp_for(A) ::= ASYNC FOR targets(T) IN or_test(I).         { A = comp_add(ctx, NULL, true, T, I); }
comp_for(A) ::= comp_for(A) FOR targets(T) IN or_test(I).   { A = comp_add(ctx, A, false, T, I); }
comp_for(A) ::= comp_for(A) ASYNC FOR targets(T) IN or_test(I). { A = comp_add(ctx, A, true, T, I); }
comp_for(A) ::= comp_for(A) IF or_test(C).                  { comp_if(ctx, A, C); }

/*************************************************************************
** Call arguments and subscripts
*/
%type arglist {ArgList *}
arglist(A) ::= args(A).
arglist(A) ::= args(A) COMMA.               { args_trailing_comma(ctx, A); }

%type args {ArgList *}
args(A) ::= arg_first(A).
args(A) ::= args(A) COMMA named_test(B).                { A = args_pos(ctx, A, B); }
args(A) ::= args(A) COMMA named_test(B) comp_for(G).    { A = args_genexp(ctx, A, B, G); }
args(A) ::= args(A) COMMA test(K) EQUAL(E) test(V).     { A = arglist_kw(ctx, A, K, &E, V); }
args(A) ::= args(A) COMMA STAR(S) test(B).              { A = args_star(ctx, A, &S, B); }
args(A) ::= args(A) COMMA STAR(S) test(B) comp_for(G).  { A = args_genexp(ctx, A, mk_starred(ctx, &S, B), G); }
args(A) ::= args(A) COMMA DOUBLESTAR(S) test(B).        { A = args_dstar(ctx, A, &S, B); }

%type arg_first {ArgList *}
arg_first(A) ::= named_test(B).                 { A = args_pos(ctx, NULL, B); }
arg_first(A) ::= named_test(B) comp_for(G).     { A = args_genexp(ctx, NULL, B, G); }
arg_first(A) ::= test(K) EQUAL(E) test(V).      { A = arglist_kw(ctx, NULL, K, &E, V); }
arg_first(A) ::= STAR(S) test(B).               { A = args_star(ctx, NULL, &S, B); }
arg_first(A) ::= STAR(S) test(B) comp_for(G).   { A = args_genexp(ctx, NULL, mk_starred(ctx, &S, B), G); }
arg_first(A) ::= DOUBLESTAR(S) test(B).         { A = args_dstar(ctx, NULL, &S, B); }

subscripts(A) ::= sub_list(B).              { A = subscript_index(ctx, B, NULL); }
subscripts(A) ::= sub_list(B) COMMA(C).     { A = subscript_index(ctx, B, &C); }

%type sub_list {NodeList}
sub_list(A) ::= sub_item(B).                    { A = list1(ctx, B); }
sub_list(A) ::= sub_list(A) COMMA sub_item(B).  { list_add(ctx, &A, B); }

sub_item(A) ::= named_test(A).
sub_item(A) ::= star_expr(A).
sub_item(A) ::= test_opt(L) COLON(C) test_opt(U).
    { A = mk_slice(ctx, L, &C, U, NULL, NULL); }
sub_item(A) ::= test_opt(L) COLON(C) test_opt(U) COLON(D) test_opt(S).
    { A = mk_slice(ctx, L, &C, U, &D, S); }

test_opt(A) ::= .           { A = NULL; }
test_opt(A) ::= test(A).

/*************************************************************************
** yield
*/
yield_expr(A) ::= YIELD(K).                 { A = mk_yield(ctx, E_YIELD, &K, NULL); }
yield_expr(A) ::= YIELD(K) star_exprs(B).   { A = mk_yield(ctx, E_YIELD, &K, B); }
yield_expr(A) ::= YIELD(K) FROM test(B).    { A = mk_yield(ctx, E_YIELDFROM, &K, B); }

/*************************************************************************
** Parser introspection for the error messages in parse.c. This code is
** appended to the generated parser, where its tables are visible.
*/
%code {

bool AsyParseAcceptsSeq(void *parser, const int *codes, int n)
{
    /* Replays what the parser would do on a private list of states: states
    ** popped off the real stack are read there, never written. */
    yyParser *p = parser;
    YYACTIONTYPE pushed[64];
    int npushed = 0;
    yyStackEntry *base = p->yytos;
    YYACTIONTYPE act = base->stateno;
    for (int i = 0; i < n;) {
        act = yy_find_shift_action((YYCODETYPE)codes[i], act);
        if (act >= YY_MIN_REDUCE && act != YY_ERROR_ACTION && act != YY_ACCEPT_ACTION) {
            unsigned rule = act - YY_MIN_REDUCE;
            for (int k = -yyRuleInfoNRhs[rule]; k > 0; k--) {
                if (npushed > 0)
                    npushed--;
                else if (base > p->yystack)
                    base--;
                else
                    return false;
            }
            YYACTIONTYPE top = npushed > 0 ? pushed[npushed - 1] : base->stateno;
            act = yy_find_reduce_action(top, (YYCODETYPE)yyRuleInfoLhs[rule]);
        } else if (act <= YY_MAX_SHIFTREDUCE) {
            /* A shift-reduce leaves a pending reduce on the stack. */
            if (act > YY_MAX_SHIFT)
                act += YY_MIN_REDUCE - YY_MIN_SHIFTREDUCE;
            i++;
        } else {
            return act == YY_ACCEPT_ACTION && i == n - 1;
        }
        if (npushed == (int)(sizeof pushed / sizeof pushed[0]))
            return false;
        pushed[npushed++] = act;
    }
    return true;
}

bool AsyParseAccepts(void *parser, int code)
{
    return AsyParseAcceptsSeq(parser, &code, 1);
}

const void *AsyParsePeek(void *parser, int from_top, int code)
{
    yyParser *p = parser;
    if (from_top < 0 || p->yytos - from_top <= p->yystack)
        return NULL;
    yyStackEntry *e = p->yytos - from_top;
    if (code >= 0 ? e->major != code : e->major < YYNTOKEN)
        return NULL;
    return &e->minor;
}

}
