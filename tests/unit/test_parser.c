/* Tests of ast_parse(): the trees it builds, as ast_dump() renders them,
 * and the errors it reports.
 *
 * The two tables were checked against CPython 3.11: each `valid` source
 * gives the same tree under `ast.parse` (compared in ast_dump's notation,
 * numbers compared by value), and each `errors` entry carries CPython's
 * exception kind, message, line and column (0-based here; CPython's offset
 * is col + 1). The one exception is the byte order mark, which CPython
 * accepts in files only and Asy in any source.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "../include/asy.h"

typedef struct ValidCase {
    const char *src, *dump;
} ValidCase;

static const ValidCase valid[] = {
    { "x = 1 + 2",
      "(Module (Assign (Name x) (BinOp + (Int 1) (Int 2))))" },
    { "a = b = c = 0",
      "(Module (Assign (Name a) (Name b) (Name c) (Int 0)))" },
    { "a, *b = c",
      "(Module (Assign (Tuple (Name a) (Starred (Name b))) (Name c)))" },
    { "[a, (b, *c)] = d",
      "(Module (Assign (List (Name a) (Tuple (Name b) (Starred (Name c)))) (Name d)))" },
    { "x.y[0], z = 1, 2",
      "(Module (Assign (Tuple (Subscript (Attribute (Name x) y) (Int 0)) (Name z)) (Tuple (Int 1) (Int 2))))" },
    { "x = 1,",
      "(Module (Assign (Name x) (Tuple (Int 1))))" },
    { "x += 1\ny -= 2\nz *= 3\nw @= m\nv /= 4\nu //= 5\nt %= 6\ns **= 7\nr <<= 8\nq >>= 9\np &= 1\no |= 2\nn ^= 3",
      "(Module (AugAssign (Name x) += (Int 1)) (AugAssign (Name y) -= (Int 2)) (AugAssign (Name z) *= (Int 3)) (AugAssign (Name w) @= (Name m)) (AugAssign (Name v) /= (Int 4)) (AugAssign (Name u) //= (Int 5)) (AugAssign (Name t) %= (Int 6)) (AugAssign (Name s) **= (Int 7)) (AugAssign (Name r) <<= (Int 8)) (AugAssign (Name q) >>= (Int 9)) (AugAssign (Name p) &= (Int 1)) (AugAssign (Name o) |= (Int 2)) (AugAssign (Name n) ^= (Int 3)))" },
    { "x: int = 1\ny: list[int]\n(z): int = 2\na.b: str = 'c'",
      "(Module (AnnAssign (Name x) (Name int) (Int 1)) (AnnAssign (Name y) (Subscript (Name list) (Name int))) (AnnAssign (Name z) (Name int) (Int 2)) (AnnAssign (Attribute (Name a) b) (Name str) (Str \"c\")))" },
    { "if a:\n    b\nelif c:\n    d\nelif e:\n    f\nelse:\n    g",
      "(Module (If (Name a) (body (Expr (Name b))) (else (If (Name c) (body (Expr (Name d))) (else (If (Name e) (body (Expr (Name f))) (else (Expr (Name g)))))))))" },
    { "while x:\n    x -= 1\nelse:\n    done()",
      "(Module (While (Name x) (body (AugAssign (Name x) -= (Int 1))) (else (Expr (Call (Name done))))))" },
    { "for i, j in pairs:\n    continue\nelse:\n    break",
      "(Module (For (Tuple (Name i) (Name j)) (Name pairs) (body (Continue)) (else (Break))))" },
    { "for x in 1, 2:\n    pass",
      "(Module (For (Name x) (Tuple (Int 1) (Int 2)) (body (Pass))))" },
    { "def f(a, b=1, *args, c, d=2, **kw) -> int:\n    return a",
      "(Module (FunctionDef f (args a (b = (Int 1)) *args c (d = (Int 2)) **kw) (body (Return (Name a))) (returns (Name int))))" },
    { "def g(a, b, /, c, *, d):\n    pass",
      "(Module (FunctionDef g (args a b / c * d) (body (Pass))))" },
    { "def h(a=1, /, b=2):\n    pass",
      "(Module (FunctionDef h (args (a = (Int 1)) / (b = (Int 2))) (body (Pass))))" },
    { "def k(*, a): pass",
      "(Module (FunctionDef k (args * a) (body (Pass))))" },
    { "@dec\n@dec2(1)\ndef f(): pass",
      "(Module (FunctionDef f (args) (body (Pass)) (decorators (Name dec) (Call (Name dec2) (Int 1)))))" },
    { "@property\nclass C(Base, metaclass=Meta, **kw):\n    x = 1",
      "(Module (ClassDef C (bases (Name Base)) (keywords (keyword metaclass (Name Meta)) (keyword ** (Name kw))) (body (Assign (Name x) (Int 1))) (decorators (Name property))))" },
    { "class D: pass",
      "(Module (ClassDef D (body (Pass))))" },
    { "class E(): pass",
      "(Module (ClassDef E (body (Pass))))" },
    { "lambda: 0",
      "(Module (Expr (Lambda (args) (Int 0))))" },
    { "lambda x, y=1, *a, z, **k: x + y",
      "(Module (Expr (Lambda (args x (y = (Int 1)) *a z **k) (BinOp + (Name x) (Name y)))))" },
    { "lambda *, a: a",
      "(Module (Expr (Lambda (args * a) (Name a))))" },
    { "global a, b\nnonlocal c",
      "(Module (Global a b) (Nonlocal c))" },
    { "del a, b[0], c.d",
      "(Module (Delete (Name a) (Subscript (Name b) (Int 0)) (Attribute (Name c) d)))" },
    { "del (a, b), [c]",
      "(Module (Delete (Tuple (Name a) (Name b)) (List (Name c))))" },
    { "assert x, 'message'",
      "(Module (Assert (Name x) (Str \"message\")))" },
    { "raise\nraise E\nraise E from cause",
      "(Module (Raise) (Raise (Name E)) (Raise (Name E) (from (Name cause))))" },
    { "try:\n    a\nexcept E as e:\n    b\nexcept (F, G):\n    c\nexcept:\n    d\nelse:\n    e\nfinally:\n    f",
      "(Module (Try (body (Expr (Name a))) (except (Name E) as e (body (Expr (Name b)))) (except (Tuple (Name F) (Name G)) (body (Expr (Name c)))) (except (body (Expr (Name d)))) (else (Expr (Name e))) (finally (Expr (Name f)))))" },
    { "try:\n    a\nfinally:\n    b",
      "(Module (Try (body (Expr (Name a))) (finally (Expr (Name b)))))" },
    { "with a as b, c as (d, e), f:\n    pass",
      "(Module (With (item (Name a) (Name b)) (item (Name c) (Tuple (Name d) (Name e))) (item (Name f)) (body (Pass))))" },
    { "with (a as b, c as d):\n    pass",
      "(Module (With (item (Name a) (Name b)) (item (Name c) (Name d)) (body (Pass))))" },
    { "with (a, b):\n    pass",
      "(Module (With (item (Name a)) (item (Name b)) (body (Pass))))" },
    { "with (a, b) as c:\n    pass",
      "(Module (With (item (Tuple (Name a) (Name b)) (Name c)) (body (Pass))))" },
    { "with (a):\n    pass",
      "(Module (With (item (Name a)) (body (Pass))))" },
    { "with (yield):\n    pass",
      "(Module (With (item (Yield)) (body (Pass))))" },
    { "import a.b.c\nimport d as e, f.g as h",
      "(Module (Import a.b.c) (Import (d as e) (f.g as h)))" },
    { "from a import b, c\nfrom a import (b as x, c,)\nfrom . import x\nfrom ..a import b\nfrom ... import c\nfrom .... import d\nfrom a import *",
      "(Module (ImportFrom a b c) (ImportFrom a (b as x) c) (ImportFrom . x) (ImportFrom ..a b) (ImportFrom ... c) (ImportFrom .... d) (ImportFrom a *))" },
    { "def gen():\n    yield\n    yield 1\n    yield 1, 2\n    x = yield\n    yield from g()",
      "(Module (FunctionDef gen (args) (body (Expr (Yield)) (Expr (Yield (Int 1))) (Expr (Yield (Tuple (Int 1) (Int 2)))) (Assign (Name x) (Yield)) (Expr (YieldFrom (Call (Name g)))))))" },
    { "async def f():\n    await x\n    async with a as b:\n        pass\n    async for i in y:\n        pass\n    return [i async for i in y]",
      "(Module (AsyncFunctionDef f (args) (body (Expr (Await (Name x))) (AsyncWith (item (Name a) (Name b)) (body (Pass))) (AsyncFor (Name i) (Name y) (body (Pass))) (Return (ListComp (Name i) (async for (Name i) (Name y)))))))" },
    { "x = a if b else c",
      "(Module (Assign (Name x) (IfExp (Name b) (Name a) (Name c))))" },
    { "x = a or b or c and d and not e",
      "(Module (Assign (Name x) (BoolOp or (Name a) (Name b) (BoolOp and (Name c) (Name d) (UnaryOp not (Name e))))))" },
    { "x = (a or b) or c",
      "(Module (Assign (Name x) (BoolOp or (BoolOp or (Name a) (Name b)) (Name c))))" },
    { "a < b <= c > d >= e == f != g in h not in i is j is not k",
      "(Module (Expr (Compare (Name a) < (Name b) <= (Name c) > (Name d) >= (Name e) == (Name f) != (Name g) in (Name h) not in (Name i) is (Name j) is not (Name k))))" },
    { "(a < b) < c",
      "(Module (Expr (Compare (Compare (Name a) < (Name b)) < (Name c))))" },
    { "x = a | b ^ c & d << e >> f + g - h * i / j // k % l @ m",
      "(Module (Assign (Name x) (BinOp | (Name a) (BinOp ^ (Name b) (BinOp & (Name c) (BinOp >> (BinOp << (Name d) (Name e)) (BinOp - (BinOp + (Name f) (Name g)) (BinOp @ (BinOp % (BinOp // (BinOp / (BinOp * (Name h) (Name i)) (Name j)) (Name k)) (Name l)) (Name m)))))))))" },
    { "x = -a ** -b",
      "(Module (Assign (Name x) (UnaryOp - (BinOp ** (Name a) (UnaryOp - (Name b))))))" },
    { "x = -2 ** 2",
      "(Module (Assign (Name x) (UnaryOp - (BinOp ** (Int 2) (Int 2)))))" },
    { "x = 2 ** -1",
      "(Module (Assign (Name x) (BinOp ** (Int 2) (UnaryOp - (Int 1)))))" },
    { "x = a ** b ** c",
      "(Module (Assign (Name x) (BinOp ** (Name a) (BinOp ** (Name b) (Name c)))))" },
    { "x = ~a + +b - -c",
      "(Module (Assign (Name x) (BinOp - (BinOp + (UnaryOp ~ (Name a)) (UnaryOp + (Name b))) (UnaryOp - (Name c)))))" },
    { "x = not a == b",
      "(Module (Assign (Name x) (UnaryOp not (Compare (Name a) == (Name b)))))" },
    { "x = await a ** b",
      "(Module (Assign (Name x) (BinOp ** (Await (Name a)) (Name b))))" },
    { "f(a, *b, c=1, **d)",
      "(Module (Expr (Call (Name f) (Name a) (Starred (Name b)) (keyword c (Int 1)) (keyword ** (Name d)))))" },
    { "f(*a, *b, **c, **d)",
      "(Module (Expr (Call (Name f) (Starred (Name a)) (Starred (Name b)) (keyword ** (Name c)) (keyword ** (Name d)))))" },
    { "f(a=1, *b)",
      "(Module (Expr (Call (Name f) (Starred (Name b)) (keyword a (Int 1)))))" },
    { "f(x for x in y)",
      "(Module (Expr (Call (Name f) (GeneratorExp (Name x) (for (Name x) (Name y))))))" },
    { "f((x for x in y), 1)",
      "(Module (Expr (Call (Name f) (GeneratorExp (Name x) (for (Name x) (Name y))) (Int 1))))" },
    { "f(a)(b)[c].d",
      "(Module (Expr (Attribute (Subscript (Call (Call (Name f) (Name a)) (Name b)) (Name c)) d)))" },
    { "a[1:2, ::3]",
      "(Module (Expr (Subscript (Name a) (Tuple (Slice (Int 1) (Int 2) _) (Slice _ _ (Int 3))))))" },
    { "a[:]\na[1:]\na[:2]\na[::2]\na[1:2:3]\na[i, j]\na[i,]\na[*b]",
      "(Module (Expr (Subscript (Name a) (Slice _ _ _))) (Expr (Subscript (Name a) (Slice (Int 1) _ _))) (Expr (Subscript (Name a) (Slice _ (Int 2) _))) (Expr (Subscript (Name a) (Slice _ _ (Int 2)))) (Expr (Subscript (Name a) (Slice (Int 1) (Int 2) (Int 3)))) (Expr (Subscript (Name a) (Tuple (Name i) (Name j)))) (Expr (Subscript (Name a) (Tuple (Name i)))) (Expr (Subscript (Name a) (Tuple (Starred (Name b))))))" },
    { "a[x := 1]",
      "(Module (Expr (Subscript (Name a) (NamedExpr (Name x) (Int 1)))))" },
    { "[x for x in y if x if z for w in x]",
      "(Module (Expr (ListComp (Name x) (for (Name x) (Name y) (if (Name x)) (if (Name z))) (for (Name w) (Name x)))))" },
    { "{x for x in y}",
      "(Module (Expr (SetComp (Name x) (for (Name x) (Name y)))))" },
    { "{k: v for k, v in items}",
      "(Module (Expr (DictComp (Name k) (Name v) (for (Tuple (Name k) (Name v)) (Name items)))))" },
    { "(x for x in y)",
      "(Module (Expr (GeneratorExp (Name x) (for (Name x) (Name y)))))" },
    { "[*a, *b]\n{*a, *b}\n{**a, 'b': 1, **c}",
      "(Module (Expr (List (Starred (Name a)) (Starred (Name b)))) (Expr (Set (Starred (Name a)) (Starred (Name b)))) (Expr (Dict (** (Name a)) ((Str \"b\") (Int 1)) (** (Name c)))))" },
    { "{}\n[]\n()\n(1,)\n{1}\n{1: 2}",
      "(Module (Expr (Dict)) (Expr (List)) (Expr (Tuple)) (Expr (Tuple (Int 1))) (Expr (Set (Int 1))) (Expr (Dict ((Int 1) (Int 2)))))" },
    { "if (n := len(a)) > 10:\n    pass",
      "(Module (If (Compare (NamedExpr (Name n) (Call (Name len) (Name a))) > (Int 10)) (body (Pass))))" },
    { "while chunk := read():\n    pass",
      "(Module (While (NamedExpr (Name chunk) (Call (Name read))) (body (Pass))))" },
    { "[y := f(x), y**2]",
      "(Module (Expr (List (NamedExpr (Name y) (Call (Name f) (Name x))) (BinOp ** (Name y) (Int 2)))))" },
    { "print(x := 1)",
      "(Module (Expr (Call (Name print) (NamedExpr (Name x) (Int 1)))))" },
    { "x = 'a' 'b' \"c\"",
      "(Module (Assign (Name x) (Str \"abc\")))" },
    { "x = b'a' b'\\x00'",
      "(Module (Assign (Name x) (Bytes \"a\\x00\")))" },
    { "x = 'tab\\there\\nnewline \\\\ \\' \\\" \\a\\b\\f\\v\\r \\0 \\101 \\x41 \\u00e9 \\U0001F600 \\q'",
      "(Module (Assign (Name x) (Str \"tab\\there\\nnewline \\\\ ' \\\" \\x07\\x08\\x0c\\x0b\\r \\x00 A A \xc3""\xa9"" \xf0""\x9f""\x98""\x80"" \\\\q\")))" },
    { "x = r'\\n\\q' R\"\\\\\"",
      "(Module (Assign (Name x) (Str \"\\\\n\\\\q\\\\\\\\\")))" },
    { "x = '''a\nb''' \"\"\"c\"\"\"",
      "(Module (Assign (Name x) (Str \"a\\nbc\")))" },
    { "x = 'a\\\nb'",
      "(Module (Assign (Name x) (Str \"ab\")))" },
    { "x = f'{a}'\ny = f'x{a!r}y{b!s:>10}z{c!a}'",
      "(Module (Assign (Name x) (FString (Formatted (Name a)))) (Assign (Name y) (FString (Str \"x\") (Formatted (Name a) !r) (Str \"y\") (Formatted (Name b) !s (FString (Str \">10\"))) (Str \"z\") (Formatted (Name c) !a))))" },
    { "x = f'{a:{b}.{c}f}'",
      "(Module (Assign (Name x) (FString (Formatted (Name a) (FString (Formatted (Name b)) (Str \".\") (Formatted (Name c)) (Str \"f\"))))))" },
    { "x = f'{{literal}} {a}'",
      "(Module (Assign (Name x) (FString (Str \"{literal} \") (Formatted (Name a)))))" },
    { "x = f'{a=}'\ny = f'{a = }'\nz = f'{a=!s}'\nw = f'{a=:>5}'",
      "(Module (Assign (Name x) (FString (Str \"a=\") (Formatted (Name a) !r))) (Assign (Name y) (FString (Str \"a = \") (Formatted (Name a) !r))) (Assign (Name z) (FString (Str \"a=\") (Formatted (Name a) !s))) (Assign (Name w) (FString (Str \"a=\") (Formatted (Name a) (FString (Str \">5\"))))))" },
    { "x = f\"{'nested'}\"\ny = f'{\"a\" + b}'",
      "(Module (Assign (Name x) (FString (Formatted (Str \"nested\")))) (Assign (Name y) (FString (Formatted (BinOp + (Str \"a\") (Name b))))))" },
    { "x = 'a' f'{b}' 'c'",
      "(Module (Assign (Name x) (FString (Str \"a\") (Formatted (Name b)) (Str \"c\"))))" },
    { "x = f''\ny = f'plain'",
      "(Module (Assign (Name x) (FString)) (Assign (Name y) (FString (Str \"plain\"))))" },
    { "x = rf'{a}\\n' fr'\\{{'",
      "(Module (Assign (Name x) (FString (Formatted (Name a)) (Str \"\\\\n\\\\{\"))))" },
    { "x = f'''{\na\n+\nb\n}'''",
      "(Module (Assign (Name x) (FString (Formatted (BinOp + (Name a) (Name b))))))" },
    { "x = f'{a!r:{w}}' f'{x:{y}{z}}'",
      "(Module (Assign (Name x) (FString (Formatted (Name a) !r (FString (Formatted (Name w)))) (Formatted (Name x) (FString (Formatted (Name y)) (Formatted (Name z)))))))" },
    { "x = f'{(lambda: 1)()}'",
      "(Module (Assign (Name x) (FString (Formatted (Call (Lambda (args) (Int 1)))))))" },
    { "x = f'{a, b}'",
      "(Module (Assign (Name x) (FString (Formatted (Tuple (Name a) (Name b))))))" },
    { "x = f'{yield}'",
      "(Module (Assign (Name x) (FString (Formatted (Yield)))))" },
    { "x = 1; y = 2;\nif x: a; b",
      "(Module (Assign (Name x) (Int 1)) (Assign (Name y) (Int 2)) (If (Name x) (body (Expr (Name a)) (Expr (Name b)))))" },
    { "if x: pass\nelse: pass",
      "(Module (If (Name x) (body (Pass)) (else (Pass))))" },
    { "class C:\n    def f(self): return self\n\n    x = 1",
      "(Module (ClassDef C (body (FunctionDef f (args self) (body (Return (Name self)))) (Assign (Name x) (Int 1)))))" },
    { "x = 0x1F + 0o17 + 0b101 + 1_000 + 00",
      "(Module (Assign (Name x) (BinOp + (BinOp + (BinOp + (BinOp + (Int 0x1F) (Int 0o17)) (Int 0b101)) (Int 1000)) (Int 00))))" },
    { "x = 1.5 + 1e-3 + .5 + 1. + 1_000.5 + 1E10",
      "(Module (Assign (Name x) (BinOp + (BinOp + (BinOp + (BinOp + (BinOp + (Float 1.5) (Float 0.001)) (Float 0.5)) (Float 1)) (Float 1000.5)) (Float 1e+10))))" },
    { "x = ...\ny = None, True, False",
      "(Module (Assign (Name x) (Ellipsis)) (Assign (Name y) (Tuple (None) (True) (False))))" },
    { "match = 1\ntype = 2\ncase = match",
      "(Module (Assign (Name match) (Int 1)) (Assign (Name type) (Int 2)) (Assign (Name case) (Name match)))" },
    { "match x:\n    case 1 | -2.5 | 'a' | None:\n        pass\n    case _:\n        pass",
      "(Module (Match (Name x) (case (MatchOr (MatchValue (Int 1)) (MatchValue (UnaryOp - (Float 2.5))) (MatchValue (Str \"a\")) (MatchSingleton (None))) (body (Pass))) (case (MatchAs _) (body (Pass)))))" },
    { "match x, *y:\n    case [a, *_, b] if a:\n        pass\n    case (c, *rest) | [c]:\n        pass",
      "(Module (Match (Tuple (Name x) (Starred (Name y))) (case (MatchSequence (MatchAs a) (MatchStar _) (MatchAs b)) if (Name a) (body (Pass))) (case (MatchOr (MatchSequence (MatchAs c) (MatchStar rest)) (MatchSequence (MatchAs c))) (body (Pass)))))" },
    { "match x:\n    case {'k': v, C.K: [1, 2], **rest}:\n        pass\n    case a.b.C(1, y, z=(3 as w)) as p:\n        pass",
      "(Module (Match (Name x) (case (MatchMapping (Str \"k\"):(MatchAs v) (Attribute (Name C) K):(MatchSequence (MatchValue (Int 1)) (MatchValue (Int 2))) **rest) (body (Pass))) (case (MatchAs (MatchClass (Attribute (Attribute (Name a) b) C) (MatchValue (Int 1)) (MatchAs y) z=(MatchAs (MatchValue (Int 3)) w)) p) (body (Pass)))))" },
    { "match(x)\nmatch -1\nmatch [1]\ncase(1)\nmatch.x = 1",
      "(Module (Expr (Call (Name match) (Name x))) (Expr (BinOp - (Name match) (Int 1))) (Expr (Subscript (Name match) (Int 1))) (Expr (Call (Name case) (Int 1))) (Assign (Attribute (Name match) x) (Int 1)))" },
    { "x = [\n    1,\n    2,\n]",
      "(Module (Assign (Name x) (List (Int 1) (Int 2))))" },
    { "x = (1 +\n     2)",
      "(Module (Assign (Name x) (BinOp + (Int 1) (Int 2))))" },
    { "if a and \\\n   b:\n    pass",
      "(Module (If (BoolOp and (Name a) (Name b)) (body (Pass))))" },
    { "\xef""\xbb""\xbf""x = 1",
      "(Module (Assign (Name x) (Int 1)))" },
    { "x = 1\r\ny = 2\r\n",
      "(Module (Assign (Name x) (Int 1)) (Assign (Name y) (Int 2)))" },
    { "caf\xc3""\xa9"" = \xce""\xb1""\xce""\xb2""",
      "(Module (Assign (Name caf\xc3""\xa9"") (Name \xce""\xb1""\xce""\xb2"")))" },
    { "s = '\xc3""\xa9""\xe2""\x82""\xac""'",
      "(Module (Assign (Name s) (Str \"\xc3""\xa9""\xe2""\x82""\xac""\")))" },
    { "print(*a or b)",
      "(Module (Expr (Call (Name print) (Starred (BoolOp or (Name a) (Name b))))))" },
    { "x = a if b else lambda: c",
      "(Module (Assign (Name x) (IfExp (Name b) (Name a) (Lambda (args) (Name c)))))" },
    { "x = [a for b in c if d if e]",
      "(Module (Assign (Name x) (ListComp (Name a) (for (Name b) (Name c) (if (Name d)) (if (Name e))))))" },
    { "not a in b",
      "(Module (Expr (UnaryOp not (Compare (Name a) in (Name b)))))" },
    { "a = yield",
      "(Module (Assign (Name a) (Yield)))" },
    { "x = *a, *b",
      "(Module (Assign (Name x) (Tuple (Starred (Name a)) (Starred (Name b)))))" },
    { "for x in *a, *b: pass",
      "(Module (For (Name x) (Tuple (Starred (Name a)) (Starred (Name b))) (body (Pass))))" },
    { "return",
      "(Module (Return))" },
    { "def f(*args: int, **kw: str): pass",
      "(Module (FunctionDef f (args (*args : (Name int)) (**kw : (Name str))) (body (Pass))))" },
    { "def f(a: 'x' = 1, *, b: int = 2): pass",
      "(Module (FunctionDef f (args (a : (Str \"x\") = (Int 1)) * (b : (Name int) = (Int 2))) (body (Pass))))" },
    { "@a.b(c)\n@x[0]\n@(y := z)\ndef f(): pass",
      "(Module (FunctionDef f (args) (body (Pass)) (decorators (Call (Attribute (Name a) b) (Name c)) (Subscript (Name x) (Int 0)) (NamedExpr (Name y) (Name z)))))" },
    { "try:\n    pass\nexcept (A, B) as e:\n    pass",
      "(Module (Try (body (Pass)) (except (Tuple (Name A) (Name B)) as e (body (Pass)))))" },
    { "with a, b as c, (d):\n    pass",
      "(Module (With (item (Name a)) (item (Name b) (Name c)) (item (Name d)) (body (Pass))))" },
    { "async def f():\n    async with (a as b):\n        pass",
      "(Module (AsyncFunctionDef f (args) (body (AsyncWith (item (Name a) (Name b)) (body (Pass))))))" },
    { "x = [i async for i in a if await i]",
      "(Module (Assign (Name x) (ListComp (Name i) (async for (Name i) (Name a) (if (Await (Name i)))))))" },
    { "f(**a, b=1)",
      "(Module (Expr (Call (Name f) (keyword ** (Name a)) (keyword b (Int 1)))))" },
    { "del a[0], (b), [c, d]",
      "(Module (Delete (Subscript (Name a) (Int 0)) (Name b) (List (Name c) (Name d))))" },
    { "x = (yield)",
      "(Module (Assign (Name x) (Yield)))" },
    { "x = -1",
      "(Module (Assign (Name x) (UnaryOp - (Int 1))))" },
    { "a.b.c = d",
      "(Module (Assign (Attribute (Attribute (Name a) b) c) (Name d)))" },
    { "(a) = 1",
      "(Module (Assign (Name a) (Int 1)))" },
    { "[a] = b",
      "(Module (Assign (List (Name a)) (Name b)))" },
    { "x = lambda: (yield)",
      "(Module (Assign (Name x) (Lambda (args) (Yield))))" },
};

typedef struct ErrorCase {
    const char *src, *kind, *msg;
    int line, col;
} ErrorCase;

static const ErrorCase errors[] = {
    { "1 = x",
      "SyntaxError", "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "f() = 1",
      "SyntaxError", "cannot assign to function call here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "a + 1 = 2",
      "SyntaxError", "cannot assign to expression here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "del f()",
      "SyntaxError", "cannot delete function call", 1, 4 },
    { "del a + 1",
      "SyntaxError", "cannot delete expression", 1, 4 },
    { "del 1",
      "SyntaxError", "cannot delete literal", 1, 4 },
    { "for 1 in x: pass",
      "SyntaxError", "cannot assign to literal", 1, 4 },
    { "for f() in x: pass",
      "SyntaxError", "cannot assign to function call", 1, 4 },
    { "[x for 1 in y]",
      "SyntaxError", "cannot assign to literal", 1, 7 },
    { "with a as 1: pass",
      "SyntaxError", "cannot assign to literal", 1, 10 },
    { "(a, b) += 1",
      "SyntaxError", "'tuple' is an illegal expression for augmented assignment", 1, 0 },
    { "a, b += 1",
      "SyntaxError", "'tuple' is an illegal expression for augmented assignment", 1, 0 },
    { "[a] += 1",
      "SyntaxError", "'list' is an illegal expression for augmented assignment", 1, 0 },
    { "f() += 1",
      "SyntaxError", "'function call' is an illegal expression for augmented assignment", 1, 0 },
    { "None = 1",
      "SyntaxError", "cannot assign to None", 1, 0 },
    { "True = 1",
      "SyntaxError", "cannot assign to True", 1, 0 },
    { "a, 1 = x",
      "SyntaxError", "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 3 },
    { "[a, f()] = x",
      "SyntaxError", "cannot assign to function call", 1, 4 },
    { "(yield) = 1",
      "SyntaxError", "cannot assign to yield expression here. Maybe you meant '==' instead of '='?", 1, 1 },
    { "x = yield = 1",
      "SyntaxError", "assignment to yield expression not possible", 1, 4 },
    { "lambda: 1 = 2",
      "SyntaxError", "cannot assign to lambda", 1, 0 },
    { "a if b else c = 1",
      "SyntaxError", "cannot assign to conditional expression", 1, 0 },
    { "a < b = 1",
      "SyntaxError", "cannot assign to comparison", 1, 0 },
    { "not a = 1",
      "SyntaxError", "cannot assign to expression", 1, 0 },
    { "{a: b} = 1",
      "SyntaxError", "cannot assign to dict literal here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "{a} = 1",
      "SyntaxError", "cannot assign to set display here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "'s' = 1",
      "SyntaxError", "cannot assign to literal here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "f'{x}' = 1",
      "SyntaxError", "cannot assign to f-string expression here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "... = 1",
      "SyntaxError", "cannot assign to ellipsis here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "(a := 1) = 2",
      "SyntaxError", "cannot assign to named expression here. Maybe you meant '==' instead of '='?", 1, 1 },
    { "await x = 1",
      "SyntaxError", "cannot assign to await expression here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "a and b = 1",
      "SyntaxError", "cannot assign to expression", 1, 0 },
    { "[x for x in y] = 1",
      "SyntaxError", "cannot assign to list comprehension here. Maybe you meant '==' instead of '='?", 1, 0 },
    { "(x for x in y) = 1",
      "SyntaxError", "cannot assign to generator expression", 1, 0 },
    { "(x, y): int",
      "SyntaxError", "only single target (not tuple) can be annotated", 1, 0 },
    { "[x]: int",
      "SyntaxError", "only single target (not list) can be annotated", 1, 0 },
    { "1: int",
      "SyntaxError", "illegal target for annotation", 1, 0 },
    { "f(): int",
      "SyntaxError", "illegal target for annotation", 1, 0 },
    { "x: int, y: int",
      "SyntaxError", "invalid syntax", 1, 6 },
    { "(*a) = 1",
      "SyntaxError", "cannot use starred expression here", 1, 1 },
    { "del *a",
      "SyntaxError", "cannot delete starred", 1, 4 },
    { "del (a, *b)",
      "SyntaxError", "cannot delete starred", 1, 8 },
    { "print(1 2)",
      "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 6 },
    { "[1 2]",
      "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 1 },
    { "[x + 1 2]",
      "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 1 },
    { "{a b}",
      "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 1 },
    { "f(a b)",
      "SyntaxError", "invalid syntax. Perhaps you forgot a comma?", 1, 2 },
    { "print(1 2",
      "SyntaxError", "'(' was never closed", 1, 5 },
    { "foo(1,\n",
      "SyntaxError", "'(' was never closed", 1, 3 },
    { "x = (1,\n2",
      "SyntaxError", "'(' was never closed", 1, 4 },
    { "(\n",
      "SyntaxError", "'(' was never closed", 1, 0 },
    { "[1,\n2\n",
      "SyntaxError", "'[' was never closed", 1, 0 },
    { "foo(a, [b,\n c)",
      "SyntaxError", "closing parenthesis ')' does not match opening parenthesis '[' on line 1", 2, 2 },
    { "(]",
      "SyntaxError", "closing parenthesis ']' does not match opening parenthesis '('", 1, 1 },
    { "([)",
      "SyntaxError", "closing parenthesis ')' does not match opening parenthesis '['", 1, 2 },
    { "x)",
      "SyntaxError", "unmatched ')'", 1, 1 },
    { "]",
      "SyntaxError", "unmatched ']'", 1, 0 },
    { "a[1:2, ::3",
      "SyntaxError", "'[' was never closed", 1, 1 },
    { "x = (1 +\n\n\n",
      "SyntaxError", "'(' was never closed", 1, 4 },
    { "if x\n  pass",
      "SyntaxError", "expected ':'", 1, 4 },
    { "if x y:\n pass",
      "SyntaxError", "invalid syntax", 1, 5 },
    { "def f() pass",
      "SyntaxError", "expected ':'", 1, 8 },
    { "def f()\n",
      "SyntaxError", "expected ':'", 1, 7 },
    { "class A\n",
      "SyntaxError", "expected ':'", 1, 7 },
    { "class A x:",
      "SyntaxError", "invalid syntax", 1, 8 },
    { "for x in y\n",
      "SyntaxError", "expected ':'", 1, 10 },
    { "while x\n",
      "SyntaxError", "expected ':'", 1, 7 },
    { "with a\n",
      "SyntaxError", "expected ':'", 1, 6 },
    { "try x",
      "SyntaxError", "expected ':'", 1, 4 },
    { "try\n",
      "SyntaxError", "expected ':'", 1, 3 },
    { "if x:\n pass\nelse\n",
      "SyntaxError", "expected ':'", 3, 4 },
    { "def f:",
      "SyntaxError", "expected '('", 1, 5 },
    { "if x:\npass\n",
      "IndentationError", "expected an indented block after 'if' statement on line 1", 2, 0 },
    { "if x:\n",
      "IndentationError", "expected an indented block after 'if' statement on line 1", 1, 5 },
    { "if x:",
      "IndentationError", "expected an indented block after 'if' statement on line 1", 1, 5 },
    { "def f():\n\n\nx=1",
      "IndentationError", "expected an indented block after function definition on line 1", 4, 0 },
    { "class A:\nx",
      "IndentationError", "expected an indented block after class definition on line 1", 2, 0 },
    { "for x in y:\n# c\nz",
      "IndentationError", "expected an indented block after 'for' statement on line 1", 3, 0 },
    { "while x:\n  pass\nelse:\nz",
      "IndentationError", "expected an indented block after 'else' statement on line 3", 4, 0 },
    { "try:\nx",
      "IndentationError", "expected an indented block after 'try' statement on line 1", 2, 0 },
    { "try:\n  x\nexcept:\nz",
      "IndentationError", "expected an indented block after 'except' statement on line 3", 4, 0 },
    { "try:\n  x\nexcept E as e:\nz",
      "IndentationError", "expected an indented block after 'except' statement on line 3", 4, 0 },
    { "try:\n  x\nfinally:\nz",
      "IndentationError", "expected an indented block after 'finally' statement on line 3", 4, 0 },
    { "with a as b:\nz",
      "IndentationError", "expected an indented block after 'with' statement on line 1", 2, 0 },
    { "async def f():\nz",
      "IndentationError", "expected an indented block after function definition on line 1", 2, 0 },
    { "if (x and\n  y):\nz",
      "IndentationError", "expected an indented block after 'if' statement on line 1", 3, 0 },
    { "if x:\n  a\nelif y:\nz",
      "IndentationError", "expected an indented block after 'elif' statement on line 3", 4, 0 },
    { "  x = 1\n",
      "IndentationError", "unexpected indent", 1, 1 },
    { "x = 1\n  y = 2\n",
      "IndentationError", "unexpected indent", 2, 1 },
    { "if x:\n    a\n  b\n",
      "IndentationError", "unindent does not match any outer indentation level", 3, 3 },
    { "if x:\n\ta\n        b\n",
      "TabError", "inconsistent use of tabs and spaces in indentation", 3, 0 },
    { "if x:\n  pass\n else:\n  pass",
      "IndentationError", "unindent does not match any outer indentation level", 3, 6 },
    { "try:\n  x\ny = 1",
      "SyntaxError", "expected 'except' or 'finally' block", 3, 0 },
    { "class A:\n  @dec\n",
      "IndentationError", "unexpected unindent", 2, 6 },
    { "def f():\n  try:\n    x\ny\n",
      "SyntaxError", "expected 'except' or 'finally' block", 4, -1 },
    { "while 1:\n  try:\n    x\n",
      "SyntaxError", "expected 'except' or 'finally' block", 3, 5 },
    { "1abc",
      "SyntaxError", "invalid decimal literal", 1, 0 },
    { "0x1g",
      "SyntaxError", "invalid hexadecimal literal", 1, 2 },
    { "012",
      "SyntaxError", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1, 0 },
    { "1__0",
      "SyntaxError", "invalid decimal literal", 1, 1 },
    { "0b12",
      "SyntaxError", "invalid digit '2' in binary literal", 1, 3 },
    { "0o8",
      "SyntaxError", "invalid digit '8' in octal literal", 1, 2 },
    { "1e+",
      "SyntaxError", "invalid decimal literal", 1, 2 },
    { "x \xe2""\x82""\xac""",
      "SyntaxError", "invalid character '\xe2""\x82""\xac""' (U+20AC)", 1, 2 },
    { "\xe2""\x82""\xac"" = 1",
      "SyntaxError", "invalid character '\xe2""\x82""\xac""' (U+20AC)", 1, 0 },
    { "a\xc2""\xa0""= 1",
      "SyntaxError", "invalid non-printable character U+00A0", 1, 1 },
    { "'abc",
      "SyntaxError", "unterminated string literal (detected at line 1)", 1, 0 },
    { "x = 'abc\\\ndef",
      "SyntaxError", "unterminated string literal (detected at line 2)", 1, 4 },
    { "x = b'abc",
      "SyntaxError", "unterminated string literal (detected at line 1)", 1, 4 },
    { "x = '''\n\nabc",
      "SyntaxError", "unterminated triple-quoted string literal (detected at line 3)", 1, 4 },
    { "b'\xc3""\xa9""'",
      "SyntaxError", "bytes can only contain ASCII literal characters", 1, 0 },
    { "$",
      "SyntaxError", "invalid syntax", 1, 0 },
    { "a ? b",
      "SyntaxError", "invalid syntax", 1, 2 },
    { "x = \\",
      "SyntaxError", "unexpected EOF while parsing", 1, 5 },
    { "x = \\ y",
      "SyntaxError", "unexpected character after line continuation character", 1, 5 },
    { "f(**a, *b)",
      "SyntaxError", "iterable argument unpacking follows keyword argument unpacking", 1, 7 },
    { "f(a=1, b)",
      "SyntaxError", "positional argument follows keyword argument", 1, 8 },
    { "f(**a, b)",
      "SyntaxError", "positional argument follows keyword argument unpacking", 1, 8 },
    { "f(a=1, a=2)",
      "SyntaxError", "keyword argument repeated: a", 1, 7 },
    { "f(a.b=1)",
      "SyntaxError", "expression cannot contain assignment, perhaps you meant \"==\"?", 1, 2 },
    { "f(True=1)",
      "SyntaxError", "cannot assign to True", 1, 2 },
    { "f(x for x in y, 1)",
      "SyntaxError", "Generator expression must be parenthesized", 1, 2 },
    { "f(1, x for x in y)",
      "SyntaxError", "Generator expression must be parenthesized", 1, 5 },
    { "f(x for x in y,)",
      "SyntaxError", "Generator expression must be parenthesized", 1, 2 },
    { "f(a, 1= )",
      "SyntaxError", "expression cannot contain assignment, perhaps you meant \"==\"?", 1, 5 },
    { "def f(x, x): pass",
      "SyntaxError", "duplicate argument 'x' in function definition", 1, 9 },
    { "def f(a=1, b): pass",
      "SyntaxError", "parameter without a default follows parameter with a default", 1, 11 },
    { "lambda a=1, b: 0",
      "SyntaxError", "parameter without a default follows parameter with a default", 1, 12 },
    { "def f(*, **k): pass",
      "SyntaxError", "named arguments must follow bare *", 1, 6 },
    { "def f(*): pass",
      "SyntaxError", "named arguments must follow bare *", 1, 6 },
    { "def f(a, /, b, /): pass",
      "SyntaxError", "/ may appear only once", 1, 15 },
    { "def f(*a, *b): pass",
      "SyntaxError", "* argument may appear only once", 1, 10 },
    { "def f(**a, b): pass",
      "SyntaxError", "arguments cannot follow var-keyword argument", 1, 11 },
    { "def f(*a=1): pass",
      "SyntaxError", "var-positional argument cannot have default value", 1, 8 },
    { "def f(**a=1): pass",
      "SyntaxError", "var-keyword argument cannot have default value", 1, 9 },
    { "def f(a, *, b, /): pass",
      "SyntaxError", "/ must be ahead of *", 1, 15 },
    { "def f(/, a): pass",
      "SyntaxError", "at least one argument must precede /", 1, 6 },
    { "def f(a=): pass",
      "SyntaxError", "expected default value expression", 1, 7 },
    { "f'{}'",
      "SyntaxError", "f-string: valid expression required before '}'", 1, 3 },
    { "f'{ }'",
      "SyntaxError", "f-string: valid expression required before '}'", 1, 4 },
    { "f'{a!x}'",
      "SyntaxError", "f-string: invalid conversion character 'x': expected 's', 'r', or 'a'", 1, 5 },
    { "f'{a!}'",
      "SyntaxError", "f-string: missing conversion character", 1, 5 },
    { "f'{a'",      /* at the closing quote, as CPython */
      "SyntaxError", "f-string: expecting '}'", 1, 4 },
    { "f'}'",
      "SyntaxError", "f-string: single '}' is not allowed", 1, 2 },
    { "f'{a)}'",
      "SyntaxError", "f-string: unmatched ')'", 1, 4 },
    { "f'{(a]}'",
      "SyntaxError", "closing parenthesis ']' does not match opening parenthesis '('", 1, 5 },
    { "f'{a:{b:{c:{d}}}}'",
      "SyntaxError", "f-string: expressions nested too deeply", 1, 11 },
    { "f'{\\n}'",
      "SyntaxError", "unexpected character after line continuation character", 1, 4 },
    { "f'{a#}'",
      "SyntaxError", "'{' was never closed", 1, 2 },
    { "f'{a!rr}'",
      "SyntaxError", "f-string: invalid conversion character 'rr': expected 's', 'r', or 'a'", 1, 5 },
    { "f'{=}'",
      "SyntaxError", "f-string: valid expression required before '='", 1, 3 },
    { "f'{lambda x: 1}'",
      "SyntaxError", "f-string: lambda expressions are not allowed without parentheses", 1, 3 },
    { "f'{\"a'",
      "SyntaxError", "unterminated string literal (detected at line 1)", 1, 3 },
    { "f'abc",
      "SyntaxError", "unterminated f-string literal (detected at line 1)", 1, 0 },
    { "f'{a!r=}'",
      "SyntaxError", "f-string: expecting ':' or '}'", 1, 6 },
    { "x = = 1\ny = 'abc",
      "SyntaxError", "unterminated string literal (detected at line 2)", 2, 4 },
    { "x = (1 2)\ny = 'abc",
      "SyntaxError", "unterminated string literal (detected at line 2)", 2, 4 },
    { "if x\ny='abc",
      "SyntaxError", "unterminated string literal (detected at line 2)", 2, 2 },
    { "x = $ 1\ny = 'abc",
      "SyntaxError", "unterminated string literal (detected at line 2)", 2, 4 },
    { "f(a=1, a=2)\nx = = 1",
      "SyntaxError", "invalid syntax", 2, 4 },
    { "from a import b,",
      "SyntaxError", "trailing comma not allowed without surrounding parentheses", 1, 16 },
    { "x = 1 = ",
      "SyntaxError", "cannot assign to literal", 1, 4 },
    { "{a: 1, b:}",
      "SyntaxError", "expression expected after dictionary key and ':'", 1, 8 },
    { "{a:}",
      "SyntaxError", "expression expected after dictionary key and ':'", 1, 2 },
    { "{a: b, c}",
      "SyntaxError", "':' expected after dictionary key", 1, 7 },
    { "[x for x in y z]",
      "SyntaxError", "invalid syntax", 1, 14 },
    { "if x = 1: pass",
      "SyntaxError", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 3 },
    { "while x = 1: pass",
      "SyntaxError", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 6 },
    { "[x = 1]",
      "SyntaxError", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 1 },
    { "if x.y = 1: pass",
      "SyntaxError", "cannot assign to attribute here. Maybe you meant '==' instead of '='?", 1, 3 },
    { "(a as b)",
      "SyntaxError", "invalid syntax", 1, 3 },
    { "print \"hello\"",
      "SyntaxError", "Missing parentheses in call to 'print'. Did you mean print(...)?", 1, 0 },
    { "except A, B:",
      "SyntaxError", "invalid syntax", 1, 0 },
    { "try:\n pass\nexcept A, B:\n pass",
      "SyntaxError", "multiple exception types must be parenthesized", 3, 7 },
    { "a if b",
      "SyntaxError", "expected 'else' after 'if' expression", 1, 0 },
    { "x = not",
      "SyntaxError", "invalid syntax", 1, 7 },
    { "b\"a\" \"b\"",
      "SyntaxError", "cannot mix bytes and nonbytes literals", 1, 8 },
    { "[*a for a in b]",
      "SyntaxError", "iterable unpacking cannot be used in comprehension", 1, 1 },
    { "{**a for a in b}",
      "SyntaxError", "dict unpacking cannot be used in dict comprehension", 1, 1 },
    { "x = \"\\x1\"",
      "SyntaxError", "(unicode error) 'unicodeescape' codec can't decode bytes in position 0-2: truncated \\xXX escape", 1, 4 },
    { "x = b\"\\x1\"",
      "SyntaxError", "(value error) invalid \\x escape at position 0", 1, 4 },
    { "*a, *b = c",
      "SyntaxError", "multiple starred expressions in assignment", 1, 0 },
    { "*a = 1",
      "SyntaxError", "starred assignment target must be in a list or tuple", 1, 0 },
    { "x = *a",
      "SyntaxError", "can't use starred expression here", 1, 4 },
    { "try:\n pass\nexcept:\n pass\nexcept E:\n pass",
      "SyntaxError", "default 'except:' must be last", 3, 0 },
    { "(x = 1)",
      "SyntaxError", "invalid syntax. Maybe you meant '==' or ':=' instead of '='?", 1, 1 },
    { "x = yield = 1",
      "SyntaxError", "assignment to yield expression not possible", 1, 4 },
    { "def f(a, a): pass",
      "SyntaxError", "duplicate argument 'a' in function definition", 1, 9 },
    { "class C(x=1, y): pass",
      "SyntaxError", "positional argument follows keyword argument", 1, 14 },
};

/* ---- helpers ---- */

/* Parses src and returns its dump (malloc'd), or "Kind: msg @line:col". */
static char *parse_dump(const char *src, size_t len, ParseMode mode)
{
    AstArena *a = ast_arena_new();
    ParseError err;
    Node *n = ast_parse(a, src, len, mode, &err);
    char *out;
    if (n) {
        out = ast_dump(n);
    } else {
        out = malloc(400);
        snprintf(out, 400, "%s: %s @%d:%d", err.kind, err.msg, err.line, err.col);
    }
    ast_arena_free(a);
    return out;
}

static void check_dump(const char *src, const char *want)
{
    char *got = parse_dump(src, strlen(src), PARSE_FILE);
    if (strcmp(got, want) != 0)
        print_error("source: %s\n", src);
    assert_string_equal(got, want);
    free(got);
}

static void check_error(const char *src, const char *kind, const char *msg, int line,
                        int col)
{
    AstArena *a = ast_arena_new();
    ParseError err;
    Node *n = ast_parse(a, src, strlen(src), PARSE_FILE, &err);
    if (n || strcmp(err.kind, kind) || strcmp(err.msg, msg) || err.line != line ||
        err.col != col)
        print_error("source: %s\n got: %s: %s @%d:%d\n", src, n ? "(parsed)" : err.kind,
                    n ? "" : err.msg, err.line, err.col);
    assert_null(n);
    assert_string_equal(err.kind, kind);
    assert_string_equal(err.msg, msg);
    assert_int_equal(err.line, line);
    assert_int_equal(err.col, col);
    /* The span may be empty (CPython's NEWLINE tokens have no width). */
    assert_true(err.end_line > line || (err.end_line == line && err.end_col >= col));
    ast_arena_free(a);
}

/* The first statement of src, parsed in a fresh arena that *arena owns. */
static Node *first_stmt(AstArena **arena, const char *src)
{
    ParseError err;
    *arena = ast_arena_new();
    Node *m = ast_parse(*arena, src, strlen(src), PARSE_FILE, &err);
    if (!m)
        print_error("source: %s\n error: %s\n", src, err.msg);
    assert_non_null(m);
    assert_true(m->u.block.body.n > 0);
    return m->u.block.body.items[0];
}

/* ---- the tables ---- */

static void test_valid_programs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        check_dump(valid[i].src, valid[i].dump);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        check_error(errors[i].src, errors[i].kind, errors[i].msg, errors[i].line,
                    errors[i].col);
}

/* ---- targets ---- */

static void test_store_context(void **state)
{
    (void)state;
    AstArena *a;
    Node *s = first_stmt(&a, "a, (b.c, *d[0]) = e");
    Node *t = s->u.assign.targets.items[0];
    assert_int_equal(t->kind, E_TUPLE);
    assert_int_equal(t->ctx, CTX_STORE);
    assert_int_equal(t->u.seq.elts.items[0]->ctx, CTX_STORE);
    Node *inner = t->u.seq.elts.items[1];
    assert_int_equal(inner->ctx, CTX_STORE);
    assert_int_equal(inner->u.seq.elts.items[0]->kind, E_ATTR);
    assert_int_equal(inner->u.seq.elts.items[0]->ctx, CTX_STORE);
    /* The object of an attribute target is only loaded. */
    assert_int_equal(inner->u.seq.elts.items[0]->u.attr.value->ctx, CTX_LOAD);
    Node *star = inner->u.seq.elts.items[1];
    assert_int_equal(star->kind, E_STARRED);
    assert_int_equal(star->ctx, CTX_STORE);
    assert_int_equal(star->u.starred.value->ctx, CTX_STORE);
    assert_int_equal(s->u.assign.value->ctx, CTX_LOAD);
    ast_arena_free(a);

    s = first_stmt(&a, "del a, b[0]");
    assert_int_equal(s->kind, S_DEL);
    assert_int_equal(s->u.seq.elts.n, 2);
    assert_int_equal(s->u.seq.elts.items[0]->ctx, CTX_DEL);
    assert_int_equal(s->u.seq.elts.items[1]->ctx, CTX_DEL);
    ast_arena_free(a);

    s = first_stmt(&a, "for x, y in z: pass");
    assert_int_equal(s->u.forloop.target->ctx, CTX_STORE);
    assert_int_equal(s->u.forloop.target->u.seq.elts.items[1]->ctx, CTX_STORE);
    assert_int_equal(s->u.forloop.iter->ctx, CTX_LOAD);
    ast_arena_free(a);

    s = first_stmt(&a, "with a as b, c as [d]: pass");
    assert_int_equal(s->u.with.items[0].vars->ctx, CTX_STORE);
    assert_int_equal(s->u.with.items[1].vars->u.seq.elts.items[0]->ctx, CTX_STORE);
    ast_arena_free(a);

    s = first_stmt(&a, "[y for x in z if (y := x)]");
    Node *comp = s->u.value.value;
    assert_int_equal(comp->u.comp.generators[0].target->ctx, CTX_STORE);
    Node *named = comp->u.comp.generators[0].ifs.items[0];
    assert_int_equal(named->kind, E_NAMEDEXPR);
    assert_int_equal(named->u.named.target->ctx, CTX_STORE);
    ast_arena_free(a);

    s = first_stmt(&a, "x.y += 1");
    assert_int_equal(s->u.augassign.target->ctx, CTX_STORE);
    ast_arena_free(a);
}

static void test_annotated_simple(void **state)
{
    (void)state;
    AstArena *a;
    Node *s = first_stmt(&a, "x: int = 1");
    assert_int_equal(s->u.annassign.simple, 1);
    assert_int_equal(s->u.annassign.target->ctx, CTX_STORE);
    ast_arena_free(a);
    s = first_stmt(&a, "(x): int = 1");
    assert_int_equal(s->u.annassign.simple, 0);
    ast_arena_free(a);
    s = first_stmt(&a, "(x): (int)");
    assert_int_equal(s->u.annassign.simple, 0);
    ast_arena_free(a);
    s = first_stmt(&a, "x: (int)");
    assert_int_equal(s->u.annassign.simple, 1);
    ast_arena_free(a);
    s = first_stmt(&a, "x.y: int");
    assert_int_equal(s->u.annassign.simple, 0);
    assert_null(s->u.annassign.value);
    ast_arena_free(a);
}

/* ---- literals ---- */

static void test_literal_values(void **state)
{
    (void)state;
    AstArena *a;
    Node *s = first_stmt(&a, "0x_1F, 0o17, 0b1_01, 1_000, 1.5e3, .5, 00");
    NodeList *e = &s->u.value.value->u.seq.elts;
    assert_string_equal(e->items[0]->u.int_lit.digits, "1F");
    assert_int_equal(e->items[0]->u.int_lit.base, 16);
    assert_string_equal(e->items[1]->u.int_lit.digits, "17");
    assert_int_equal(e->items[1]->u.int_lit.base, 8);
    assert_string_equal(e->items[2]->u.int_lit.digits, "101");
    assert_int_equal(e->items[2]->u.int_lit.base, 2);
    assert_string_equal(e->items[3]->u.int_lit.digits, "1000");
    assert_int_equal(e->items[3]->u.int_lit.base, 10);
    assert_true(e->items[4]->kind == E_FLOAT && e->items[4]->u.fval == 1500.0);
    assert_true(e->items[5]->kind == E_FLOAT && e->items[5]->u.fval == 0.5);
    assert_string_equal(e->items[6]->u.int_lit.digits, "00");
    ast_arena_free(a);

    /* Adjacent literals concatenate; escapes may make NULs and surrogates. */
    s = first_stmt(&a, "'a\\0b' '\\u20ac\\ud800'");
    Node *str = s->u.value.value;
    assert_int_equal(str->kind, E_STR);
    assert_int_equal(str->u.str.len, 9);
    assert_memory_equal(str->u.str.s, "a\0b\xe2\x82\xac\xed\xa0\x80", 9);
    ast_arena_free(a);

    s = first_stmt(&a, "b'\\xff\\777\\u1234'");
    str = s->u.value.value;
    assert_int_equal(str->kind, E_BYTES);
    assert_int_equal(str->u.str.len, 8);
    assert_memory_equal(str->u.str.s, "\xff\xff\\u1234", 8);
    ast_arena_free(a);

    s = first_stmt(&a, "f'a{b!r:>{w}}c'");
    Node *f = s->u.value.value;
    assert_int_equal(f->kind, E_FSTRING);
    assert_int_equal(f->u.list.n, 3);
    Node *fv = f->u.list.items[1];
    assert_int_equal(fv->kind, E_FORMATTED);
    assert_int_equal(fv->u.formatted.conversion, 'r');
    assert_int_equal(fv->u.formatted.value->kind, E_NAME);
    /* The expressions of replacement fields carry their real position. */
    assert_int_equal(fv->u.formatted.value->col, 4);
    assert_int_equal(fv->u.formatted.spec->kind, E_FSTRING);
    assert_int_equal(fv->u.formatted.spec->u.list.n, 2);
    ast_arena_free(a);
}

static void test_escape_errors(void **state)
{
    (void)state;
    check_error("x = '\\N{NO SUCH NAME}'", "SyntaxError", "(unicode error) 'unicodeescape' "
                "codec can't decode bytes in position 0-15: unknown Unicode character name", 1, 4);
    check_error("x = '\u00e9\\x4'", "SyntaxError", "(unicode error) 'unicodeescape' "
                "codec can't decode bytes in position 10-12: truncated \\xXX escape", 1, 4);
    check_error("x = '\\U00110000'", "SyntaxError", "(unicode error) 'unicodeescape' "
                "codec can't decode bytes in position 0-9: illegal Unicode character", 1, 4);
    check_error("x = '\\u12'", "SyntaxError", "(unicode error) 'unicodeescape' "
                "codec can't decode bytes in position 0-3: truncated \\uXXXX escape", 1, 4);
}

/* ---- modes and positions ---- */

static void test_eval_mode(void **state)
{
    (void)state;
    char *d = parse_dump("1 + 2", 5, PARSE_EVAL);
    assert_string_equal(d, "(BinOp + (Int 1) (Int 2))");
    free(d);
    d = parse_dump("a, *b\n", 6, PARSE_EVAL);
    assert_string_equal(d, "(Tuple (Name a) (Starred (Name b)))");
    free(d);
    d = parse_dump("(x\n for x in y)", 15, PARSE_EVAL);
    assert_string_equal(d, "(GeneratorExp (Name x) (for (Name x) (Name y)))");
    free(d);
    d = parse_dump("x = 1", 5, PARSE_EVAL);
    assert_string_equal(d, "SyntaxError: invalid syntax @1:2");
    free(d);
}

static void test_positions(void **state)
{
    (void)state;
    AstArena *a;
    Node *s = first_stmt(&a, "x = (a +\n     b) * c");
    assert_int_equal(s->line, 1);
    assert_int_equal(s->end_line, 2);
    assert_int_equal(s->end_col, 11);
    Node *mul = s->u.assign.value;
    /* A node spans the parentheses of an operand; the operand does not. */
    assert_int_equal(mul->col, 4);
    Node *add = mul->u.binop.left;
    assert_int_equal(add->line, 1);
    assert_int_equal(add->col, 5);
    assert_int_equal(add->end_line, 2);
    assert_int_equal(add->end_col, 6);
    ast_arena_free(a);

    s = first_stmt(&a, "@dec\ndef f():\n    return 1;\n");
    assert_int_equal(s->line, 2);
    assert_int_equal(s->end_line, 3);
    assert_int_equal(s->end_col, 13);   /* the `;` */
    ast_arena_free(a);
}

/* ---- the order of errors ---- */

static void test_error_order(void **state)
{
    (void)state;
    /* A compiler-level error waits for the whole file to parse. */
    check_error("f(a=1, a=2)\nx = = 1", "SyntaxError", "invalid syntax", 2, 4);
    check_error("def f(a, a): pass\n", "SyntaxError",
                "duplicate argument 'a' in function definition", 1, 9);
    /* A later malformed token beats an earlier parser error. */
    check_error("x = = 1\ny = 'abc", "SyntaxError",
                "unterminated string literal (detected at line 2)", 2, 4);
    /* So does a bracket left open before the line of the error. */
    check_error("foo(a,\nx = 1\n", "SyntaxError", "'(' was never closed", 1, 3);
}

/* ---- limits and odd sources ---- */

static char *repeat(const char *pre, int n, const char *mid, const char *post)
{
    size_t lp = strlen(pre), lpost = strlen(post);
    char *s = malloc(lp * (size_t)n + strlen(mid) + lpost * (size_t)n + 1);
    size_t k = 0;
    for (int i = 0; i < n; i++, k += lp)
        memcpy(s + k, pre, lp);
    k += (size_t)sprintf(s + k, "%s", mid);
    for (int i = 0; i < n; i++, k += lpost)
        memcpy(s + k, post, lpost);
    s[k] = '\0';
    return s;
}

static void check_contains(const char *src, const char *want)
{
    char *d = parse_dump(src, strlen(src), PARSE_FILE);
    if (!strstr(d, want))
        print_error("got: %.200s\n", d);
    assert_non_null(strstr(d, want));
    free(d);
}

static void test_nesting_limits(void **state)
{
    (void)state;
    char *s = repeat("(", 200, "1", ")");
    check_dump(s, "(Module (Expr (Int 1)))");
    free(s);
    s = repeat("[", 201, "", "]");
    check_error(s, "SyntaxError", "too many nested parentheses", 1, 200);
    free(s);
    /* Trees deeper than AST_MAX_DEPTH are refused, however they nest. */
    s = repeat("1+", 5000, "1", "");
    check_contains(s, "RecursionError: maximum recursion depth exceeded");
    free(s);
    s = repeat("-", 100000, "x", "");
    check_contains(s, "RecursionError");
    free(s);
    s = repeat("if x: pass\nel", 4000, "se: pass\n", "");
    check_contains(s, "RecursionError");
    free(s);
    s = repeat("a.b", 2000, "", "");
    check_contains(s, "(Module (Expr (Attribute");
    free(s);
}

static void test_source_forms(void **state)
{
    (void)state;
    check_dump("x = 1\r\nif x:\r\n    y = \"\"\"a\r\nb\"\"\"\r\n",
               "(Module (Assign (Name x) (Int 1)) (If (Name x) (body (Assign (Name y) "
               "(Str \"a\\nb\")))))");
    check_dump("x = 1\ry = 2\r", "(Module (Assign (Name x) (Int 1)) (Assign (Name y) (Int 2)))");
    check_dump("\xef\xbb\xbfx = 1", "(Module (Assign (Name x) (Int 1)))");
    check_dump("", "(Module)");
    check_dump("# just a comment\n\n", "(Module)");
    AstArena *a = ast_arena_new();
    ParseError err;
    assert_null(ast_parse(a, "x = 1\ny = 'a\0b'\n", 15, PARSE_FILE, &err));
    assert_string_equal(err.msg, "source code cannot contain null bytes");
    assert_int_equal(err.line, 2);
    assert_null(ast_parse(a, "x = 1\n# \xff\n", 10, PARSE_FILE, &err));
    assert_non_null(strstr(err.msg, "Non-UTF-8 code starting with '\\xff' on line 2"));
    /* Only len bytes are read: the input need not end with a NUL. */
    char *exact = malloc(8);
    memcpy(exact, "x = 'ab'", 8);
    assert_non_null(ast_parse(a, exact, 8, PARSE_FILE, &err));
    free(exact);
    ast_arena_free(a);
}

/* Parsers share no state: parse on several threads at once. */
static const char thread_src[] =
    "def f(a, *b, **c):\n    return [x async for x in y if f'{x!r:>{w}}']\n";

static void *parse_many(void *want)
{
    for (int i = 0; i < 200; i++) {
        char *d = parse_dump(thread_src, sizeof thread_src - 1, PARSE_FILE);
        int same = strcmp(d, want) == 0;
        free(d);
        if (!same)
            return "mismatch";
    }
    return NULL;
}

/* The REPL's "more lines?" question, answered as CPython's REPL does: a
 * try body that reaches the end of the input waits for its except or
 * finally, a decorator for its def or class, a compound statement for the
 * blank line that ends it. */
static void test_repl_incomplete(void **state)
{
    (void)state;
    static const struct { const char *src; int incomplete; } cases[] = {
        { "try:\n", 1 }, { "try:\n    x = 1\n", 1 }, { "try:\n    x = 1\n\n", 1 },
        { "def f():\n  try:\n    x\n", 1 }, { "try:\n    x\nexcept:\n", 1 },
        { "try:\n    x\ny = 1\n", 0 }, { "def f():\n  try:\n    x\ny\n", 0 },
        { "x = 1\n", 0 }, { "if x:\n", 1 }, { "(1,\n", 1 },
        /* a decorator waits for what it decorates */
        { "@dec\n", 1 }, { "@dec\n\n", 1 }, { "class A:\n  @dec\n", 1 }, { "@dec x\n", 0 },
        { "@dec\ndef f(): pass\n", 1 }, { "@dec\ndef f(): pass\n\n", 0 },
        /* a compound statement ends at a blank line, even on one line */
        { "def f(): return 3\n", 1 }, { "for i in x: pass\n  \n", 0 }, { "x = (1,\n  2)\n", 0 },
        { "if x:\n  a\n", 1 }, { "if x:\n  a\n\n", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (asy_source_incomplete(cases[i].src, strlen(cases[i].src)) != cases[i].incomplete)
            fail_msg("asy_source_incomplete(%s) != %d", cases[i].src, cases[i].incomplete);
    }
}

static void test_threads(void **state)
{
    (void)state;
    char *want = parse_dump(thread_src, sizeof thread_src - 1, PARSE_FILE);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, parse_many, want), 0);
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        assert_null(r);
    }
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_programs),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_store_context),
        cmocka_unit_test(test_annotated_simple),
        cmocka_unit_test(test_literal_values),
        cmocka_unit_test(test_escape_errors),
        cmocka_unit_test(test_eval_mode),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_error_order),
        cmocka_unit_test(test_nesting_limits),
        cmocka_unit_test(test_source_forms),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_repl_incomplete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
