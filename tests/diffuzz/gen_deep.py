# Deeper random programs (session 15).  Where gen_prog.py throws untyped
# expressions at a flat function, this one tracks the type of every
# variable (int, str, list of ints, dict str->int, object) so programs run
# far before the first exception, and nests the features whose
# interactions compile to tricky code: closures with nonlocal, local
# classes, generators driven by send/throw/close, try/finally with
# break/continue/return, context managers, match, comprehensions with
# walrus, star-unpacking, signatures, decorators, f-string specs, and
# evaluation order traced through t().  Each seed switches a random subset
# of features on (swarm testing), so bugs are not drowned by one feature.
# Programs are deterministic (no set-of-str order, no ids) and terminate
# (bounded loops, values clipped on assignment, no recursion).
import random, re, sys, warnings
warnings.simplefilter("ignore")

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random
ch = rng.choice
FEATURES = ['closure', 'classes', 'gen', 'tryflow', 'with', 'comp', 'match',
            'star', 'sig', 'fstr', 'methods', 'global', 'del', 'augsub',
            'chain', 'lambda', 'deco', 'localclass', 'exc', 'walrus', 'bytes',
            'dataclass', 'float', 'async', 'richclass', 'modscope']
ON = {f for f in FEATURES if R() < 0.6}
if 'localclass' in ON or 'match' in ON or 'dataclass' in ON:
    ON.add('classes')
counter = [0]


def uniq(p):
    counter[0] += 1
    return f'{p}{counter[0]}'


class Ctx:
    """Where code is being generated: the scope's variables (name -> type,
    writable), whether break/continue/return/yield are allowed, how much
    nesting is left, and which typed helpers can be called."""

    def __init__(self, vars, fn=True, loop=False, gen=False, depth=3,
                 funcs=None, gens=None, walrus=True, tname='f'):
        self.vars, self.fn, self.loop, self.gen = vars, fn, loop, gen
        self.depth, self.walrus, self.tname = depth, walrus, tname
        self.funcs = funcs if funcs is not None else []   # (name, nargs) -> int
        self.gens = gens if gens is not None else []
        self.isasync = False

    def sub(self, **kw):
        c = Ctx(self.vars, self.fn, self.loop, self.gen, self.depth,
                self.funcs, self.gens, self.walrus, self.tname)
        c.isasync = self.isasync
        for k, v in kw.items():
            setattr(c, k, v)
        return c

    def names(self, ty, writable=False):
        return [n for n, (t, w) in self.vars.items()
                if t == ty and (w or not writable)]


def on(f, p=1.0):
    return f in ON and R() < p


def lit_int():
    return str(rng.randint(-3, 9))


STR_LITS = ["''", "'ab'", "'x y'", "'Hello'", "'a,b,,c'", "'  pad '",
            "'t\\tn\\n'", "'\u00df'", "'\u00e9t\u00e9'", "'123'", "'aXbX'", "'--'"]

# ---------------------------------------------------------------- ints


def int_e(c, d):
    vs = c.names('int')
    if d <= 0 or R() < 0.2:
        if vs and R() < 0.65:
            return ch(vs)
        return lit_int()
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    L = lambda: list_e(c, d - 1)
    k = rng.randrange(30)
    if k < 3:
        return f"({e()} {ch(['+', '-', '*', '+', '-'])} {e()})"
    if k == 3:
        return f"({e()} {ch(['//', '%'])} {e()})"
    if k == 4:
        return f"({e()} {ch(['&', '|', '^', '<<', '>>'])} ({e()} % 5))"
    if k == 5:
        return f"len({ch([s, L])()})"
    if k == 6:
        return ch([f"sum({L()})", f"max({L()}, default={e()})",
                   f"min({L()}, default={lit_int()})", f"max({e()}, {e()})"])
    if k == 7:
        lv = c.names('list')
        if lv and R() < 0.9:
            v = ch(lv)
            return f"({v}[{e()} % len({v})] if {v} else {lit_int()})"
        return f"{L()}[{e()}]"
    if k == 8:
        dv = c.names('dict')
        if dv:
            return ch([f"{ch(dv)}.get({s()}, {e()})", f"len({ch(dv)})",
                       f"sum({ch(dv)}.values())", f"{ch(dv)}[{s()}]"])
        return f"{s()}.find({s()})"
    if k == 9:
        lv = c.names('list')
        if lv and R() < 0.3:
            v, x = ch(lv), e()
            return f"({v}.index({x}) if {x} in {v} else -1)"
        return ch([f"{s()}.find({s()})", f"{s()}.count({s()})",
                   f"{s()}.rfind({s()})", f"{L()}.count({e()})",
                   f"{s()}.find({s()})", f"{s()}.index({s()})", f"{L()}.index({e()})"])
    if k == 10:
        return f"({e()} if {bool_e(c, d - 1)} else {e()})"
    if k == 11:
        return ch([f"(-{e()})", f"abs({e()})", f"(~{e()})", f"(+{e()})",
                   f"({e()} ** {rng.randint(0, 3)})",
                   f"pow({e()}, {rng.randint(0, 5)}, {rng.randint(1, 9)})",
                   f"divmod({e()}, {e()})[{rng.randint(0, 1)}]",
                   f"({e()}).bit_length()"])
    if k == 12:
        return ch([f"int({bool_e(c, d - 1)})", f"({bool_e(c, d - 1)} + {e()})",
                   f"int(str({e()}))", f"int({s()} or '0')",
                   f"int('{rng.randint(0, 99)}', {ch([8, 10, 16])})"])
    if k == 13 and 'lambda' in ON:
        x, y = uniq('lx'), uniq('ly')
        inner = c.sub(vars=dict(c.vars), walrus=False, isasync=False)
        for n in list(inner.vars):
            inner.vars[n] = (inner.vars[n][0], False)
        inner.vars[x] = ('int', False)
        inner.vars[y] = ('int', False)
        return f"(lambda {x}, {y}={lit_int()}: {int_e(inner, d - 1)})({e()})"
    if k == 14 and 'comp' in ON:
        x = uniq('cx')
        inner = c.sub(vars=dict(c.vars))
        inner.vars[x] = ('int', False)
        cond = f" if {bool_e(inner, d - 1)}" if R() < 0.6 else ''
        return ch([f"sum({int_e(inner, d - 1)} for {x} in {L()}{cond})",
                   f"next(({x} for {x} in {L()}{cond}), {lit_int()})",
                   f"len([{x} for {x} in range({e()} % 6){cond}])"])
    if k == 15 and 'walrus' in ON and c.walrus:
        w = c.names('int', True)
        if w:
            return f"({ch(w)} := {e()})"
    if k == 16 and 'chain' in ON:
        return f"t({uniq('i')!r}, {e()})"
    if k == 17 and c.funcs:
        name, n = ch(c.funcs)
        return f"{name}({', '.join(e() for _ in range(n))})"
    if k == 18 and 'classes' in ON:
        o = obj_e(c, d - 1)
        return ch([f"{o}.v", f"{o}.p", f"len({o})", f"{o}.m({e()})",
                   f"{o}({e()})", f"{o}[{e()} % 3]", f"K0.st({e()})",
                   f"{o}.missing_{rng.randint(0, 3)}", f"K0.cnt",
                   f"sum({o})", f"{o}.sc()"])
    if k == 19:
        return ch([f"round({e()} / {ch(['3', '7', '-2', e()])})",
                   f"int({e()} / 4)", f"round({e()}, -1)",
                   f"ord(max({s()} + 'a'))"])
    if k == 20:
        return ch([f"next(iter({L()}), {lit_int()})",
                   f"sorted({L()})[0]", f"[{e()}, {e()}][{rng.randint(-2, 2)}]",
                   f"({e()}, {e()})[{rng.randint(0, 1)}]"])
    if k == 21 and 'global' in ON and c.fn:
        return 'G'
    if k == 22 and c.gens:
        g = ch(c.gens)
        return f"sum({g}({e()}))"
    if k == 23 and 'dataclass' in ON:
        return ch([f"P({e()}, {e()}).x", f"P({e()}).norm()",
                   f"len(sorted([P({e()}, 1), P({e()}, 0)]))"])
    if k == 25 and 'richclass' in ON:
        return ch([f"[1, 2, 3, 4][Idx({e()} % 4)]", f"len(range(Idx({e()})))",
                   f"DD()[{s()}]", f"LL([{e()}, 2])[{rng.randint(-2, 1)}]",
                   f"sum(LL([{e()}, 3]))", f"(II({e()}) + {e()})", f"int(II({e()}) * 2)",
                   f"WithMeta.count", f"len(WithMeta().meta_tag)", f"Dsc.d",
                   f"Holder({e()}).d", f"operator.index(Idx({e()}))",
                   f"len(SS({s()}).upper())", f"(Idx({e()}) + 1)"])
    if k in (26, 27) and c.isasync:
        return ch([f"(await A0({e()}))", f"(await A0({e()}))",
                   f"sum(await asyncio.gather(A0({e()}), A0({e()})))",
                   f"len([v_ async for v_ in AG({e()})])",
                   f"(await asyncio.wait_for(A0({e()}), 5))"])
    if k == 24 and 'bytes' in ON:
        return ch([f"{s()}.encode()[{e()} % 2]", f"len({s()}.encode())",
                   f"bytes({L()} and [1, 2]).count(1)",
                   f"int.from_bytes({s()}.encode()[:3], 'big')"])
    return f"({e()} {ch(['+', '-'])} {e()})"

# ---------------------------------------------------------------- strings

INT_SPECS = ['', '>6', '<5', '^7', '+', ' ', '05d', 'x', '#x', 'X', 'o', '#b',
             ',', '_', '+08,', '=+8', 'n', '.2f', '%', 'e', '*^9', '#06x']
STR_SPECS = ['', '>8', '<6', '^9', '*^9', '.2', '10.3', '-<5', '=>7', 's']
FLT_SPECS = ['.3f', '10.2e', '.4g', '%', '+.1f', '08.2f', ',.2f', 'g', '',
             '.0f', 'E', '#.0f', '.3%', '^12.5', '-', ' .2f']


def str_e(c, d):
    vs = c.names('str')
    if d <= 0 or R() < 0.2:
        if vs and R() < 0.6:
            return ch(vs)
        return ch(STR_LITS)
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    L = lambda: list_e(c, d - 1)
    k = rng.randrange(26)
    if k < 2:
        return f"({s()} + {s()})"
    if k == 2:
        return f"({s()} * ({e()} % 3))"
    if k == 3:
        return ch([f"{s()}[{e()}]", f"{s()}[{e()}:{e()}]",
                   f"{s()}[::{ch(['-1', '2', '-2', '3'])}]",
                   f"{s()}[{ch(['', e()])}:{ch(['', e()])}:{ch(['', '-1', '2'])}]"])
    if k == 4:
        return ch([f"str({e()})", f"repr({s()})", f"repr({L()})", f"str({L()})",
                   f"ascii({s()})", f"hex({e()})", f"bin({e()})", f"oct({e()})",
                   f"chr(65 + {e()} % 26)"])
    if k in (5, 6, 7) and 'methods' in ON:
        return str_method(c, d)
    if k in (8, 9) and 'fstr' in ON:
        return fstring(c, d)
    if k == 10:
        return f"({s()} if {bool_e(c, d - 1)} else {s()})"
    if k == 11:
        return ch([f"{s()}.join(map(str, {L()}))", f"','.join({s()})",
                   f"'-'.join(sorted({s()}))", f"''.join(reversed({s()}))",
                   f"' '.join({s()}.split())"])
    if k == 12 and 'classes' in ON:
        o = obj_e(c, d - 1)
        return ch([f"repr({o})", f"str({o})", f"type({o}).__name__", f"{o}.w",
                   f"type({o}).__qualname__", f"{o}.who()", f"f'{{{o}!r}}'"])
    if k == 13 and 'float' in ON:
        return ch([f"repr({e()} / {ch(['7', '3', '-8', '0.5', e()])})",
                   f"str({e()} * 0.1)", f"repr(float({s()} or 'nan'))",
                   f"str(round({e()} / 3, 2))", f"repr({e()} ** -1)",
                   f"repr(2.0 ** {e()})", f"str(1e{rng.randint(10, 20)} + {e()})",
                   f"repr(float({e()}))", f"str(({e()} / 3).as_integer_ratio())",
                   f"repr(divmod({e()} + 0.5, {ch(['2', '-1.5', e()])}))"])
    if k == 14:
        return ch([f"'%d|%s' % ({e()}, {s()})", f"'%5.2f' % ({e()} / 3)",
                   f"'%-4s|%03d|%x' % ({s()}, {e()}, {e()})",
                   f"'%r' % ({s()},)", f"'%(a)s-%(b)d' % {{'a': {s()}, 'b': {e()}}}",
                   f"'%c' % (65 + {e()} % 26)", f"'%+.3e' % {e()}",
                   f"'{{}}/{{!r}}'.format({e()}, {s()})",
                   f"'{{0}}{{1}}{{0}}'.format({s()}, {e()})",
                   f"'{{a:>{rng.randint(1, 6)}}}'.format(a={s()})"])
    if k == 15 and 'bytes' in ON:
        return ch([f"{s()}.encode().hex()", f"repr({s()}.encode())",
                   f"repr(bytes({L()} and [104, 105]))",
                   f"{s()}.encode('utf-8').upper().decode()",
                   f"repr(b'-'.join([{s()}.encode(), b'z']))",
                   f"repr(bytearray({s()}.encode())[::-1])",
                   f"repr({s()}.encode()[{e()}:])",
                   f"repr({s()}.encode().split(b','))",
                   f"repr(b'%d-%s' % ({e()}, {s()}.encode()))",
                   f"repr(bytes.fromhex('41 42') * ({e()} % 3))"])
    if k == 16 and 'comp' in ON:
        x = uniq('cx')
        inner = c.sub(vars=dict(c.vars))
        inner.vars[x] = ('str', False)
        cond = f" if {bool_e(inner, d - 1)}" if R() < 0.5 else ''
        return ch([f"''.join({str_e(inner, d - 1)} for {x} in {s()}{cond})",
                   f"''.join([{x}.upper() for {x} in {s()}{cond}])"])
    if k == 17 and 'dataclass' in ON:
        return ch([f"repr(P({e()}, {e()}))", f"repr(P({e()}) == P({e()}, 0))",
                   f"repr(sorted([P({e()}, 2), P({e()}, 1)]))",
                   f"repr(Q({s()}))"])
    if k == 18 and 'deco' in ON:
        return ch(["deco_target.__name__", "deco_target.__qualname__",
                   "repr(deco_target.__wrapped__.__name__)",
                   f"str(deco_target({e()}))", "str(deco_arg_target(2))"])
    if k == 20 and 'richclass' in ON:
        return ch([f"f'{{Fmt({e()}):{ch(INT_SPECS + ['', 'xx'])}}}'", f"format(Fmt({e()}), '>5')",
                   f"hex(Idx({e()}))", f"'abcdef'[Idx(1):Idx({e()})]", f"repr(II({e()}) + 1)",
                   f"repr(LL([{e()}]) + [1])", f"type(SS({s()}) + 'x').__name__",
                   f"SS({s()}).upper()", f"repr(SS({s()}))", f"str(II({e()}))",
                   f"repr(DD(a=1))", f"repr(WithMeta)", f"WithMeta().meta_tag",
                   f"repr(Holder({e()}).__dict__)", f"repr(Holder.d)",
                   f"'%s|%d' % (Fmt({e()}), Idx({e()}))", f"repr(sorted(LL([{e()}, 1, {e()}])))"])
    if k == 19:
        return ch([f"str({bool_e(c, d - 1)})", f"repr({dict_e(c, d - 1)})",
                   f"str(sorted({dict_e(c, d - 1)}.items()))",
                   f"repr(({e()}, {s()}))", f"repr(({e()},))",
                   f"repr(sorted(set({L()}) {ch(['|', '&', '-', '^'])} {{{e()}, {e()}}}))",
                   f"repr(frozenset({L()}) == set({L()}))",
                   f"repr({L()} < {L()})", f"repr(slice({e()}, None))",
                   f"repr(range({e()}, {e()}, {ch(['1', '2', '-1'])}))"])
    return f"({s()} + {s()})"


def str_method(c, d):
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    L = lambda: list_e(c, d - 1)
    w = lambda: str(rng.randint(0, 12))
    return ch([
        f"{s()}.upper()", f"{s()}.lower()", f"{s()}.title()", f"{s()}.capitalize()",
        f"{s()}.swapcase()", f"{s()}.casefold()", f"{s()}.strip({ch(['', repr('ab '), repr(' ')])})",
        f"{s()}.lstrip('a ')", f"{s()}.rstrip()", f"{s()}.replace({s()}, {s()})",
        f"{s()}.replace({ch(STR_LITS)}, {s()}, {e()})",
        f"{s()}.center({w()}, '*')", f"{s()}.ljust({w()}, '.')", f"{s()}.rjust({w()})",
        f"{s()}.zfill({w()})", f"{s()}.expandtabs({rng.randint(0, 8)})",
        f"repr({s()}.split({ch(['', repr(','), repr('X'), repr(' ')])}))",
        f"repr({s()}.split({ch([repr(','), 'None'])}, {e()}))",
        f"repr({s()}.rsplit({ch([repr(','), 'None'])}, {rng.randint(-1, 2)}))",
        f"repr({s()}.partition({ch(STR_LITS)}))", f"repr({s()}.rpartition('X'))",
        f"repr({s()}.splitlines({ch(['', 'True'])}))",
        f"{s()}.removeprefix({s()})", f"{s()}.removesuffix({s()})",
        f"{s()}.translate(str.maketrans('abc', 'xyz'))",
        f"{s()}.translate({{ord('a'): None, ord('b'): 'BB'}})",
        f"repr({s()}.startswith(({s()}, 'x')))", f"repr({s()}.endswith({s()}))",
        f"repr([{s()}.isdigit(), {s()}.isalpha(), {s()}.isupper(), {s()}.istitle(), {s()}.isspace(), {s()}.isidentifier()])",
        f"{s()}.format()", f"{s()}[::-1].upper()",
        f"str({s()}.encode('utf-8', 'replace'))",
        f"{s()}.join([{s()}, {s()}])", f"repr({s()}.rsplit(maxsplit=1))",
        f"repr({s()}.rindex({s()}))", f"{s()}.__add__({s()})",
        f"repr(str.__mul__({s()}, 2))",
    ])


def fstring(c, d):
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    parts = []
    for _ in range(rng.randint(1, 3)):
        k = rng.randrange(10)
        if k == 0:
            parts.append(f"{{{e()}:{ch(INT_SPECS)}}}")
        elif k == 1:
            parts.append(f"{{{s()}!r:{ch(STR_SPECS)}}}")
        elif k == 2:
            parts.append(f"{{{s()}:{ch(STR_SPECS)}}}")
        elif k == 3:
            parts.append(f"{{{e()} / 7:{ch(FLT_SPECS)}}}")
        elif k == 4:
            parts.append(f"{{{e()}:>{{{e()} % 9}}}}")
        elif k == 5:
            parts.append(f"{{ {e()} = }}" if R() < 0.5 else f"{{{s()}=!s:>4}}")
        elif k == 6:
            parts.append(f'{{f"<{{{s()}}}>"}}')
        elif k == 7:
            parts.append(f"{{{list_e(c, d - 1)}!s:.12}}")
        elif k == 8:
            parts.append(f"{{{e()}:{{'>' if {e()} else '<'}}{rng.randint(1, 5)}}}")
        else:
            parts.append(ch(['lit', '{{', '}}', ' ', '\\t', '%d', '\u00e9']))
    return "f'" + ''.join(parts) + "'"

# ---------------------------------------------------------------- lists


def list_e(c, d):
    vs = c.names('list')
    if d <= 0 or R() < 0.2:
        if vs and R() < 0.65:
            return ch(vs)
        return ch(['[]', '[1, 2, 3]', '[5, -1, 0, 2]', '[7]', '[0, 0, 1]'])
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    L = lambda: list_e(c, d - 1)
    k = rng.randrange(20)
    if k == 0:
        return f"[{', '.join(e() for _ in range(rng.randint(0, 3)))}]"
    if k == 1:
        return f"list(range({e()} % 5, {e()} % 7{ch(['', ', 2', ', -1'])}))"
    if k == 2:
        return ch([f"({L()} + {L()})", f"({L()} * ({e()} % 3))",
                   f"{L()}[{e()}:{e()}]", f"{L()}[::{ch(['-1', '2', '-2'])}]"])
    if k == 3:
        key = ch(['', ', key=abs', ', key=lambda q: (q % 3, -q)', ', key=str',
                  ', reverse=True'])
        return f"sorted({L()}{key})"
    if k == 4:
        return ch([f"list(reversed({L()}))", f"[*{L()}, *{L()}]",
                   f"[*range({e()} % 4), {e()}]", f"{L()}.copy()"])
    if k in (5, 6) and 'comp' in ON:
        x, y = uniq('cx'), uniq('cy')
        inner = c.sub(vars=dict(c.vars))
        inner.vars[x] = ('int', False)
        r = rng.randrange(5)
        if r == 0:
            inner.vars[y] = ('int', False)
            return (f"[{int_e(inner, d - 1)} for {x} in {L()} "
                    f"for {y} in range({x} % 3) if {bool_e(inner, d - 1)}]")
        if r == 1:
            return f"[[{x}, {int_e(inner, d - 1)}][{rng.randint(0, 1)}] for {x} in {L()} if {bool_e(inner, d - 1)} if {bool_e(inner, d - 1)}]"
        if r == 2 and c.walrus and 'walrus' in ON:
            inner.vars[y] = ('int', False)
            return f"[{y} for {x} in {L()} if ({y} := {int_e(inner, d - 1)}) % 2]"
        if r == 3:
            return f"[sum({x} for {y} in range(2)) for {x} in {L()}]"
        return f"sorted({{{int_e(inner, d - 1)} for {x} in {L()}}})"
    if k == 7 and 'lambda' in ON:
        x = uniq('lx')
        inner = c.sub(vars=dict(c.vars), walrus=False, isasync=False)
        inner.vars[x] = ('int', False)
        return ch([f"list(map(lambda {x}: {int_e(inner, d - 1)}, {L()}))",
                   f"list(filter(lambda {x}: {bool_e(inner, d - 1)}, {L()}))",
                   f"sorted({L()}, key=lambda {x}: {int_e(inner, d - 1)})"])
    if k == 8:
        return ch([f"[len(w) for w in {s()}.split()]", f"list({s()}.encode())",
                   f"[ord(ch_) for ch_ in {s()}]",
                   f"[i_ for i_, _ in enumerate({s()}, {e()})]",
                   f"[a_ * b_ for a_, b_ in zip({L()}, {L()})]",
                   f"list(zip(*[{L()}, {L()}]))[0:0]"])
    if k == 9 and c.gens:
        g = ch(c.gens)
        return f"list({g}({e()}))[:8]"
    if k == 10:
        dv = c.names('dict')
        if dv:
            return ch([f"list({ch(dv)}.values())", f"sorted({ch(dv)}.values())",
                       f"[v_ for k_, v_ in {ch(dv)}.items() if k_]"])
    if k == 11 and 'classes' in ON:
        o = obj_e(c, d - 1)
        return ch([f"list({o})", f"[{o}.v, {o}.p]", f"list(map({o}, {L()}))",
                   f"sorted([{o}, {obj_e(c, d - 1)}], key=lambda z: z.v)[0:0]"])
    if k == 12 and 'star' in ON:
        return ch([f"[*{L()}, *({e()}, {e()})]", f"[*{s()}.encode()]",
                   f"list((*{L()}, {e()}))"])
    if k == 13:
        return f"[{e()} for _ in range({e()} % 4)]"
    return f"[{e()}, {e()}]"

# ---------------------------------------------------------------- others


def dict_e(c, d):
    vs = c.names('dict')
    if d <= 0 or R() < 0.25:
        if vs and R() < 0.6:
            return ch(vs)
        return ch(['{}', "{'a': 1}", "{'a': 1, 'b': 2}", "{'': 0, 'x': -1}"])
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    k = rng.randrange(7)
    if k == 0:
        return f"{{{s()}: {e()}, {s()}: {e()}}}"
    if k == 1:
        return f"{{**{dict_e(c, d - 1)}, {s()}: {e()}}}"
    if k == 2 and 'comp' in ON:
        x = uniq('cx')
        inner = c.sub(vars=dict(c.vars))
        inner.vars[x] = ('str', False)
        return f"{{{x}: len({x}) for {x} in {s()}.split({ch(['', repr(',')])})}}"
    if k == 3:
        return f"dict(zip({s()}, {list_e(c, d - 1)}))"
    if k == 4:
        return f"({dict_e(c, d - 1)} | {dict_e(c, d - 1)})"
    if k == 5:
        return f"dict.fromkeys({s()}, {e()})"
    return f"{{k_: v_ * 2 for k_, v_ in {dict_e(c, d - 1)}.items() if v_}}"


def bool_e(c, d):
    e = lambda: int_e(c, d - 1)
    s = lambda: str_e(c, d - 1)
    L = lambda: list_e(c, d - 1)
    if d <= 0:
        return f"({e()} {ch(['<', '>', '==', '!=', '<=', '>='])} {e()})"
    k = rng.randrange(14)
    if k < 3:
        return f"({e()} {ch(['<', '>', '==', '!=', '<=', '>='])} {e()})"
    if k == 3:
        return f"(not {bool_e(c, d - 1)})"
    if k == 4:
        return f"({bool_e(c, d - 1)} {ch(['and', 'or'])} {bool_e(c, d - 1)})"
    if k == 5:
        return ch([f"({e()} in {L()})", f"({s()} in {s()})", f"({e()} not in {L()})",
                   f"({s()} in {dict_e(c, d - 1)})"])
    if k == 6 and 'chain' in ON:
        ops = [ch(['<', '<=', '==', '!=', '>', 'in', 'not in', 'is not'])
               for _ in range(rng.randint(2, 3))]
        parts = [f"t({uniq('c')!r}, {e()})"]
        for op in ops:
            if op in ('in', 'not in'):
                parts.append(f"t({uniq('c')!r}, {L()})")
                break
            parts.append(f"t({uniq('c')!r}, {e()})")
        out = parts[0]
        for op, p in zip(ops, parts[1:]):
            out += f" {op} {p}"
        return f"({out})"
    if k == 7:
        return ch([f"({s()} < {s()})", f"({L()} == {L()})", f"({L()} < {L()})",
                   f"bool({L()})", f"bool({s()})", f"({s()} == {s()})"])
    if k == 8:
        x = uniq('cx')
        inner = c.sub(vars=dict(c.vars))
        inner.vars[x] = ('int', False)
        return f"{ch(['any', 'all'])}({bool_e(inner, d - 1)} for {x} in {L()})"
    if k == 9 and 'classes' in ON:
        o = obj_e(c, d - 1)
        return ch([f"({o} < {obj_e(c, d - 1)})", f"({o} == {obj_e(c, d - 1)})",
                   f"({e()} in {o})", f"bool({o})", f"isinstance({o}, K1)",
                   f"issubclass(type({o}), K2)", f"hasattr({o}, 'w')",
                   f"({o} <= {e()})", f"({o} != {obj_e(c, d - 1)})"])
    if k == 10:
        return ch([f"{s()}.startswith({s()})", f"{s()}.isdigit()",
                   f"isinstance({e()}, int)", f"({e()} is None)",
                   f"callable({ch(['len', 't', repr('x')])})"])
    if k == 11:
        return f"({e()} < {e()} <= {e()})"
    return f"({e()} {ch(['<', '>', '==', '!=', '<=', '>='])} {e()})"


def obj_e(c, d):
    vs = c.names('obj')
    if vs and (d <= 0 or R() < 0.5):
        return ch(vs)
    e = lambda: int_e(c, max(d - 1, 0))
    k = rng.randrange(6)
    K = f"K{rng.randint(0, NCLS - 1)}"
    if k == 0 and d > 0:
        return f"({obj_e(c, d - 1)} + {e()})"
    if k == 1:
        return f"{K}.make({e()})"
    if k == 2 and d > 0:
        return f"({e()} + {obj_e(c, d - 1)})"
    return f"{K}({e()})"


EXPR = {'int': int_e, 'str': str_e, 'list': list_e, 'dict': dict_e,
        'obj': obj_e}


def clip(ty, expr, c):
    """Values assigned in loops must not grow without bound."""
    if ty == 'int' and re.search(r'\*|<<|pow', expr):
        return f"({expr}) % 9973"
    if ty in ('str', 'list') and any(re.search(r'\b%s\b' % v, expr)
                                     for v in c.names(ty)):
        return f"({expr})[:{40 if ty == 'str' else 12}]"
    if ty == 'dict' and len(c.names('dict')) and R() < 0.5:
        return f"dict(list(({expr}).items())[:6])"
    return expr

# ---------------------------------------------------------------- statements


def block(c, ind, lo=1, hi=3):
    lines = []
    for _ in range(rng.randint(lo, hi)):
        lines += stmt(c, ind)
    return lines


def assign(c, sp):
    tys = [t for t in EXPR if c.names(t, True)]
    ty = ch(tys)
    v = ch(c.names(ty, True))
    return [f"{sp}{v} = {clip(ty, EXPR[ty](c, rng.randint(1, 3)), c)}"]


def stmt(c, ind):
    sp = '    ' * ind
    d = c.depth
    k = rng.randrange(40 if d > 0 else 8)
    if k < 4:
        return assign(c, sp)
    if k == 4:
        return [f"{sp}LOG.append({EXPR[ch(list(EXPR))](c, 2)})"]
    if k == 5:
        return simple_mutation(c, sp)
    if k == 6:
        if c.loop and R() < 0.5:
            return [f"{sp}{ch(['break', 'continue'])}"]
        if c.gen:
            return yield_stmt(c, sp)
        if c.fn and R() < 0.3:
            return [f"{sp}return {ret_value(c)}"]
        return [f"{sp}LOG.append({int_e(c, 1)})"]
    if k == 7:
        if c.gen and R() < 0.7:
            return yield_stmt(c, sp)
        return simple_mutation(c, sp)
    c2 = c.sub(depth=d - 1)
    if k in (8, 9):
        r = [f"{sp}if {bool_e(c, 2)}:"] + block(c2, ind + 1)
        for _ in range(rng.randint(0, 2)):
            r += [f"{sp}elif {bool_e(c, 2)}:"] + block(c2, ind + 1)
        if R() < 0.5:
            r += [f"{sp}else:"] + block(c2, ind + 1)
        return r
    if k in (10, 11):
        return for_stmt(c, ind)
    if k == 12:
        n = uniq('n')
        cl = c.sub(depth=d - 1, loop=True)
        r = [f"{sp}{n} = 0", f"{sp}while {n} < {rng.randint(0, 4)}:",
             f"{sp}    {n} += 1"] + block(cl, ind + 1)
        if R() < 0.3:
            r += [f"{sp}else:"] + block(c2, ind + 1)
        return r
    if k in (13, 14) and 'tryflow' in ON:
        return try_stmt(c, ind)
    if k == 15 and 'with' in ON:
        return with_stmt(c, ind)
    if k == 16 and 'match' in ON:
        return match_stmt(c, ind)
    if k in (17, 18) and 'closure' in ON:
        return closure_stmt(c, ind)
    if k == 19 and 'star' in ON:
        return star_stmt(c, sp)
    if k == 20 and 'sig' in ON:
        return sig_call(c, sp)
    if k == 21 and 'global' in ON and c.fn:
        return [f"{sp}G {ch(['+=', '-=', '^='])} {int_e(c, 2)}"]
    if k == 22 and 'del' in ON:
        return del_stmt(c, sp)
    if k in (23, 24) and 'augsub' in ON:
        return augsub_stmt(c, sp)
    if k == 25 and 'gen' in ON:
        return gen_drive(c, sp)
    if k == 26 and 'localclass' in ON and c.fn:
        return local_class(c, ind)
    if k == 27 and 'exc' in ON:
        return exc_stmt(c, ind)
    if k == 28 and 'classes' in ON:
        return obj_stmt(c, sp)
    if k == 29 and 'methods' in ON:
        return method_stmt(c, sp)
    if k == 30 and 'chain' in ON:
        return order_stmt(c, sp)
    if k == 31 and R() < 0.3:
        return [f"{sp}assert {bool_e(c, 2)}, {str_e(c, 1)}"]
    if k == 32 and 'comp' in ON:
        return comp_scope_stmt(c, sp)
    if k in (33, 34, 35) and c.isasync:
        return async_stmt(c, ind)
    return assign(c, sp)


def async_stmt(c, ind):
    sp = '    ' * ind
    c2 = c.sub(depth=c.depth - 1)
    e = lambda: int_e(c, 1)
    r = rng.randrange(9)
    if r == 0:
        x = uniq('x')
        cl = c.sub(depth=c.depth - 1, loop=True)
        cl.vars[x] = ('int', True)
        lines = [f"{sp}async for {x} in AG({e()}):"] + block(cl, ind + 1)
        if R() < 0.3:
            lines += [f"{sp}else:"] + block(c2, ind + 1)
        c.vars.pop(x, None)
        return lines
    if r == 1:
        w = uniq('w')
        c2.vars[w] = ('int', False)
        lines = [f"{sp}async with ACM({rng.randint(0, 9)}, {ch(['True', 'False'])}) as {w}:"] + block(c2, ind + 1)
        if R() < 0.4:
            lines += [f"{sp}    if {bool_e(c, 1)}:", f"{sp}        {raise_line(c)}"]
        c.vars.pop(w, None)
        return lines
    if r == 2:
        tv = uniq('tk')
        return [f"{sp}{tv} = asyncio.create_task(Worker({rng.randint(0, 9)}, {e()}))",
                f"{sp}await asyncio.sleep(0)",
                f"{sp}LOG.append(('task', {tv}.done()))",
                f"{sp}LOG.append(await {tv})"]
    if r == 3:
        return [f"{sp}LOG.append(await asyncio.gather(Worker(1, {e()}), Worker(2, {e()}), A0({e()}), return_exceptions={ch(['True', 'False'])}))"]
    if r == 4:
        tv = uniq('tk')
        return [f"{sp}{tv} = asyncio.create_task(Worker(3, 9))",
                f"{sp}await asyncio.sleep(0)",
                f"{sp}{tv}.cancel()",
                f"{sp}try:",
                f"{sp}    await {tv}",
                f"{sp}except asyncio.CancelledError:",
                f"{sp}    LOG.append(('cancelled', {tv}.cancelled()))"]
    if r == 5:
        return [f"{sp}try:",
                f"{sp}    await asyncio.wait_for(Slow(), {ch(['0', '0.001', '0.0'])})",
                f"{sp}except TimeoutError as e_:",
                f"{sp}    LOG.append(('timeout', type(e_).__name__))"]
    if r == 6:
        tg = uniq('tg')
        return [f"{sp}try:",
                f"{sp}    async with asyncio.TaskGroup() as {tg}:",
                f"{sp}        {tg}.create_task(Worker(4, {e()}))",
                f"{sp}        {tg}.create_task(Boom({e()}))",
                f"{sp}except* ValueError as eg_:",
                f"{sp}    LOG.append(('tg', repr(eg_.exceptions)))"]
    if r == 7:
        q = uniq('q')
        return [f"{sp}{q} = asyncio.Queue()",
                f"{sp}for i_ in range({e()} % 4):",
                f"{sp}    {q}.put_nowait(i_)",
                f"{sp}LOG.append([{q}.get_nowait() for _ in range({q}.qsize())])"]
    return [f"{sp}LOG.append(await A0({e()}))"]


def ret_value(c):
    if R() < 0.5:
        return int_e(c, 2)
    return '(' + ', '.join(sorted(c.vars)[:6]) + ',)' if c.vars else 'None'


def simple_mutation(c, sp):
    r = rng.randrange(6)
    lv, sv, iv, dv = (c.names(t, True) for t in ('list', 'str', 'int', 'dict'))
    if r == 0 and iv:
        op = ch(['+=', '-=', '//=', '%=', '|=', '&=', '^=', '>>='])
        return [f"{sp}{ch(iv)} {op} {int_e(c, 2)}"]
    if r == 1 and sv:
        return [f"{sp}{ch(sv)} += {ch(STR_LITS)}"]
    if r == 2 and lv:
        L = ch(lv)
        return [f"{sp}{L}{ch(['.append(%s)', '.insert(%s, 1)', ' += [%s]', '.extend(range(%s %% 3))', '.remove(%s)'])}" % int_e(c, 2)]
    if r == 3 and lv:
        L = ch(lv)
        if R() < 0.5:
            return [f"{sp}LOG.append({L}.pop({ch(['', '0', '-1', int_e(c, 1)])}))"]
        return [f"{sp}{L}.{ch(['sort()', 'reverse()', 'clear()', 'sort(reverse=True)', 'sort(key=lambda q: -q)'])}"]
    if r == 4 and dv:
        D = ch(dv)
        return [f"{sp}{D}[{str_e(c, 1)}] = {int_e(c, 2)}" if R() < 0.6 else
                f"{sp}LOG.append({D}.{ch(['setdefault(%s, 1)', 'pop(%s, None)', 'get(%s)'])})" % str_e(c, 1)]
    return assign(c, sp)


def for_stmt(c, ind):
    sp = '    ' * ind
    x = uniq('x')
    cl = c.sub(depth=c.depth - 1, loop=True)
    r = rng.randrange(6)
    if r == 0:
        it = f"range({int_e(c, 1)} % 5)"
    elif r == 1:
        it = f"{list_e(c, 2)}[:5]"
    elif r == 2:
        y = uniq('y')
        it = f"zip(range(4), {str_e(c, 2)})"
        cl.vars[y] = ('str', True)
        x = f"{x}, {y}"
    elif r == 3:
        y = uniq('y')
        it = f"enumerate({list_e(c, 1)}[:4], {lit_int()})"
        cl.vars[y] = ('int', True)
        x = f"{x}, {y}"
    elif r == 4 and c.gens:
        it = f"{ch(c.gens)}({int_e(c, 1)})"
    else:
        it = f"reversed(range({rng.randint(0, 4)}))"
    cl.vars[x.split(',')[0]] = ('int', True)
    lines = [f"{sp}for {x} in {it}:"] + block(cl, ind + 1)
    for v in x.split(', '):
        c.vars.pop(v, None)   # unbound after an empty loop: too noisy
    if R() < 0.3:
        lines += [f"{sp}else:"] + block(c.sub(depth=c.depth - 1), ind + 1)
    return lines


EXC_RAISE = ["raise ValueError({i})", "raise KeyError({s})", "raise E1({i}, {s})",
             "raise E2('e2')", "x_ = [][{i}]", "x_ = {{}}[{s}]", "x_ = 1 // 0",
             "raise TypeError", "x_ = int({s})", "raise E2({s}) from E1(1)",
             "raise StopIteration({i})", "x_ = undefined_name", "x_ = None.attr",
             "x_ = 'a' + 1"]
EXC_CATCH = ['ValueError', 'KeyError', 'LookupError', 'Exception', 'E1', 'E2',
             '(ValueError, ZeroDivisionError)', '(IndexError, E1)', 'ArithmeticError',
             'TypeError', 'NameError', 'AttributeError', 'RuntimeError']


def raise_line(c):
    return ch(EXC_RAISE).format(i=int_e(c, 1), s=str_e(c, 1))


def try_stmt(c, ind):
    sp = '    ' * ind
    c2 = c.sub(depth=c.depth - 1)
    r = [f"{sp}try:"] + block(c2, ind + 1)
    if R() < 0.6:
        r += [f"{sp}    if {bool_e(c, 1)}:", f"{sp}        {raise_line(c)}"]
    nexc = rng.randint(0 if R() < 0.3 else 1, 3)
    for _ in range(nexc):
        ev = uniq('e')
        r += [f"{sp}except {ch(EXC_CATCH)} as {ev}:",
              f"{sp}    LOG.append(({ev}.__class__.__name__, str({ev})[:30]))"]
        if R() < 0.2:
            r += [f"{sp}    raise"]
        elif R() < 0.15:
            r += [f"{sp}    raise RuntimeError('in handler')"]
        else:
            r += block(c2, ind + 1, 0, 2)
    if nexc == 0 or R() < 0.25:
        if nexc and R() < 0.5:
            r += [f"{sp}else:"] + block(c2, ind + 1)
        r += [f"{sp}finally:", f"{sp}    LOG.append('fin')"]
        fl = []
        if c.loop and R() < 0.4:
            fl.append(f"{sp}    {ch(['break', 'continue'])}")
        elif c.fn and not c.gen and R() < 0.2:
            fl.append(f"{sp}    return {int_e(c, 1)}")
        r += block(c2, ind + 1, 0, 1) + fl
    elif R() < 0.3:
        r += [f"{sp}else:"] + block(c2, ind + 1)
    return r


def with_stmt(c, ind):
    sp = '    ' * ind
    c2 = c.sub(depth=c.depth - 1)
    items = []
    for _ in range(rng.randint(1, 2)):
        tag = rng.randint(0, 99)
        if R() < 0.5:
            items.append(f"CM({tag}, {ch(['True', 'False'])})")
        else:
            items.append(f"ctx({tag}, {ch(['True', 'False'])})")
    tgt = [f"{x} as {v}" for x, v in zip(items, [uniq('w') for _ in items])]
    for i, x in enumerate(tgt):
        if R() < 0.3:
            tgt[i] = items[i]
    for t_ in tgt:
        if ' as ' in t_:
            c2.vars[t_.split(' as ')[1]] = ('int', False)
    head = f"{sp}with {', '.join(tgt)}:" if R() < 0.7 else f"{sp}with ({', '.join(tgt)}):"
    body = block(c2, ind + 1)
    if R() < 0.5:
        body += [f"{sp}    if {bool_e(c, 1)}:", f"{sp}        {raise_line(c)}"]
    for t_ in tgt:
        if ' as ' in t_:
            c.vars.pop(t_.split(' as ')[1], None)
    return [head] + body


def match_stmt(c, ind):
    sp = '    ' * ind
    c2 = c.sub(depth=c.depth - 1)
    r = rng.randrange(6)
    subj = [lambda: int_e(c, 1), lambda: str_e(c, 1), lambda: list_e(c, 1),
            lambda: dict_e(c, 1), lambda: obj_e(c, 1),
            lambda: f"({int_e(c, 1)}, {str_e(c, 1)})"][r]()
    lines = [f"{sp}match {subj}:"]
    pats = []
    for _ in range(rng.randint(1, 4)):
        pat, binds = pattern(2)
        guard = ''
        if R() < 0.3:
            guard = f" if {bool_e(c, 1)}"
        if not patterns_compile(pats + [(pat, guard)]):
            break
        pats.append((pat, guard))
        lines.append(f"{sp}    case {pat}{guard}:")
        lines.append(f"{sp}        LOG.append(({pat!r}, {', '.join(binds)}{',' if binds else ''}))")
        if R() < 0.4:
            lines += block(c2, ind + 2, 1, 1)
    if R() < 0.5 and patterns_compile(pats + [('_', '')]):
        lines += [f"{sp}    case _:", f"{sp}        LOG.append('default')"]
    if not pats:
        lines += [f"{sp}    case _:", f"{sp}        pass"]
    return lines


def patterns_compile(pats):
    """Irrefutable patterns before others are a SyntaxError; keep them last."""
    src = 'match x:\n' + ''.join(f' case {p}{"if g" if g else ""}:\n  pass\n'.replace('if g', ' if g') for p, g in pats)
    try:
        compile(src, '<pat>', 'exec')
        return True
    except SyntaxError:
        return False


def pattern(d):
    """A random pattern and the names it binds."""
    k = rng.randrange(12 if d > 0 else 4)
    if k == 0:
        return ch(['0', '-1', '2', "'ab'", "''", 'None', 'True', '3.0', "b'x'", '1 | 2 | 3']), []
    if k == 1:
        n = uniq('m')
        return n, [n]
    if k == 2:
        return '_', []
    if k == 3:
        return ch(['Consts.A', 'Consts.B']), []
    if k == 4:
        subs = [pattern(d - 1) for _ in range(rng.randint(0, 3))]
        pats = [p for p, _ in subs]
        binds = [b for _, bs in subs for b in bs]
        if R() < 0.5:
            n = uniq('m')
            pats.insert(rng.randint(0, len(pats)), f"*{n}" if R() < 0.7 else '*_')
            if pats[-1] != '*_' and any(p.startswith('*' + n) for p in pats):
                binds.append(n)
        return (f"[{', '.join(pats)}]" if R() < 0.6 else f"({', '.join(pats)}{',' if len(pats) == 1 else ''})"), binds
    if k == 5:
        keys = rng.sample(["'a'", "'b'", "'x'", "''"], rng.randint(0, 2))
        subs = [pattern(d - 1) for _ in keys]
        items = [f"{kk}: {p}" for kk, (p, _) in zip(keys, subs)]
        binds = [b for _, bs in subs for b in bs]
        if R() < 0.4:
            n = uniq('m')
            items.append(f"**{n}")
            binds.append(n)
        return '{' + ', '.join(items) + '}', binds
    if k == 6:
        K = f"K{rng.randint(0, NCLS - 1)}"
        subs = [pattern(d - 1) for _ in range(rng.randint(0, 2))]
        args = [p for p, _ in subs]
        binds = [b for _, bs in subs for b in bs]
        if R() < 0.5:
            p, b = pattern(d - 1)
            args.append(f"{ch(['v', 'w'])}={p}")
            binds += b
        return f"{K}({', '.join(args)})", binds
    if k == 7:
        n = uniq('m')
        return f"{ch(['int', 'str', 'list', 'dict', 'tuple', 'bool'])}({n})", [n]
    if k == 8:
        p, b = pattern(d - 1)
        n = uniq('m')
        return f"({p}) as {n}", b + [n]
    if k == 9:
        n = uniq('m')
        return f"[{n}] | ({n}, _) | {{'a': {n}}}", [n]
    if k == 10:
        return f"{ch(['str', 'int', 'list'])}()", []
    n = uniq('m')
    return f"[int({n}), *_]", [n]


def closure_stmt(c, ind):
    sp = '    ' * ind
    name = uniq('h')
    p, q = uniq('p'), uniq('q')
    vars = {n: (t, False) for n, (t, w) in c.vars.items()}
    vars[p] = ('int', True)
    vars[q] = ('int', True)
    nl = []
    if c.fn and R() < 0.7:
        cand = [n for n, (t, w) in c.vars.items() if w and t in ('int', 'str', 'list')
                and not n.startswith(('x', 'y', 'w', 'cx'))]
        if cand:
            nl = rng.sample(cand, min(len(cand), rng.randint(1, 2)))
            for n in nl:
                vars[n] = (c.vars[n][0], True)
    is_gen = 'gen' in ON and R() < 0.25
    inner = Ctx(vars, fn=True, loop=False, gen=is_gen, depth=min(c.depth - 1, 2),
                funcs=list(c.funcs), gens=list(c.gens), tname=name)
    lines = []
    if 'deco' in ON and R() < 0.3:
        lines.append(f"{sp}@{ch(['deco', 'deco_count(2)', 'deco_count(1)'])}")
    lines.append(f"{sp}def {name}({p}, {q}={lit_int()}):")
    if 'global' in ON:
        lines.append(f"{sp}    global G")
    if nl:
        lines.append(f"{sp}    nonlocal {', '.join(nl)}")
    lines += block(inner, ind + 1)
    if is_gen:
        lines.append(f"{sp}    yield {int_e(inner, 1)}")
        lines.append(f"{sp}    return {int_e(inner, 1)}")
        c.gens.append(name)
    else:
        lines.append(f"{sp}    return {int_e(inner, 2)}")
        c.funcs.append((name, rng.randint(1, 2)))
        lines.append(f"{sp}LOG.append({name}({int_e(c, 1)}))")
    if R() < 0.3:
        f = uniq('fs')
        lines.append(f"{sp}{f} = [lambda z_, k_=k_: z_ * k_ + {ch(c.names('int') or ['0'])} for k_ in range(3)]")
        lines.append(f"{sp}LOG.append([g_(2) for g_ in {f}])")
    return lines


def star_stmt(c, sp):
    iv, lv, sv = c.names('int', True), c.names('list', True), c.names('str', True)
    r = rng.randrange(6)
    if r == 0 and iv and lv:
        return [f"{sp}{ch(iv)}, *{ch(lv)} = {clip('list', list_e(c, 2), c)}"]
    if r == 1 and iv and lv:
        return [f"{sp}*{ch(lv)}, {ch(iv)} = {clip('list', list_e(c, 2), c)}"]
    if r == 2 and len(iv) >= 2:
        a, b = rng.sample(iv, 2)
        return [f"{sp}{a}, {b} = {b}, {a}"]
    if r == 3 and iv and sv:
        return [f"{sp}({ch(iv)}, {ch(sv)}), {ch(iv)} = ({clip('int', int_e(c, 1), c)}, {clip('str', str_e(c, 1), c)}), {clip('int', int_e(c, 1), c)}"]
    if r == 4 and iv:
        return [f"{sp}{ch(iv)} = {ch(iv)} = {int_e(c, 2)}"]
    if r == 5 and iv and lv:
        return [f"{sp}[{ch(iv)}, *{ch(lv)}, {ch(iv)}] = {clip('list', list_e(c, 2), c)}"]
    return [f"{sp}LOG.append(({', '.join('*' + list_e(c, 1) for _ in range(2))}, {int_e(c, 1)}))"]


def sig_call(c, sp):
    i = rng.randrange(len(SIGS))
    args = []
    for _ in range(rng.randint(0, 3)):
        args.append(int_e(c, 1))
    if R() < 0.3:
        args.append(f"*{list_e(c, 1)}")
    kws = rng.sample(['a', 'b', 'c', 'd', 'e', 'f', 'zz', 'args', 'kw'], rng.randint(0, 3))
    args += [f"{k}={int_e(c, 1)}" for k in kws]
    if R() < 0.2:
        args.append(f"**{{{str_e(c, 1)}: 1}}")
    return [f"{sp}try:", f"{sp}    LOG.append(sig{i}({', '.join(args)}))",
            f"{sp}except TypeError as e_:", f"{sp}    LOG.append(str(e_))"]


def del_stmt(c, sp):
    r = rng.randrange(4)
    lv, dv = c.names('list', True), c.names('dict', True)
    if r == 0 and lv:
        return [f"{sp}del {ch(lv)}[{ch([int_e(c, 1), '::2', '1:', ':-1', '0'])}]"]
    if r == 1 and dv:
        return [f"{sp}del {ch(dv)}[{str_e(c, 1)}]"]
    w = [n for n in c.names('int', True) if not n.startswith(('x', 'y', 'p', 'q'))]
    if r == 2 and w:
        v = ch(w)
        lines = [f"{sp}del {v}"]
        if R() < 0.8:
            lines.append(f"{sp}{v} = {lit_int()}")
        return lines
    if lv:
        return [f"{sp}{ch(lv)}[{ch(['1:3', '::-1', ':'])}] = {list_e(c, 1)}"]
    return []


def augsub_stmt(c, sp):
    r = rng.randrange(7)
    lv, dv, ov = c.names('list'), c.names('dict'), c.names('obj')
    e = lambda: int_e(c, 1)
    if r == 0 and lv:
        L = ch(lv)
        op = ch(['+=', '-=', '*=', '//='])
        return [f"{sp}if {L}: {L}[{e()} % len({L})] {op} {lit_int() if op == '*=' else e()}"]
    if r == 1 and dv:
        return [f"{sp}{ch(dv)}[{str_e(c, 1)}] += {e()}"]
    if r == 2:
        return [f"{sp}TR[t('k', {e()})] += t('v', {e()})"]
    if r == 3:
        return [f"{sp}TR.{ch(['x', 'y'])} {ch(['+=', '-=', '|='])} t('v', {e()})"]
    if r == 4 and ov:
        op = ch(['+=', '-=', '*='])
        return [f"{sp}{ch(ov)}.{ch(['v', 'p'])} {op} {lit_int() if op == '*=' else e()}"]
    if r == 5:
        return [f"{sp}TR[t('a', {e()})], TR[t('b', {e()})] = t('r', ({e()}, {e()}))"]
    return [f"{sp}TR[{e()}] = TR.z = t('v', {e()})"]


def gen_drive(c, sp):
    g = ch(GENS + ['Gsub'])
    ops = [ch(['n', 'n', 's3', 's0', 't', 'k', 'c', 'n']) for _ in range(rng.randint(1, 6))]
    if R() < 0.3:
        return [f"{sp}LOG.append(list({g}({int_e(c, 1)}))[:6])"]
    if R() < 0.2:
        gv = uniq('gx')
        return [f"{sp}{gv} = {g}({int_e(c, 1)})",
                f"{sp}LOG.append(next({gv}, 'done'))",
                f"{sp}LOG.append(({gv}.gi_running, {gv}.__name__, {gv}.__qualname__))",
                f"{sp}del {gv}"]
    return [f"{sp}LOG.append(drive({g}({int_e(c, 1)}), {ops!r}))"]


def local_class(c, ind):
    sp = '    ' * ind
    name = uniq('Loc')
    base = ch(['', '(K0)', f'(K{rng.randint(0, NCLS - 1)})', '(Exception)'])
    iv = c.names('int')
    read = ch(iv) if iv else '1'
    lines = [f"{sp}class {name}{base}:",
             f"{sp}    z = {read}",
             f"{sp}    zz = [z * 2 for _ in range(2)] if {'True' if R() < 0.05 else 'False'} else []",
             f"{sp}    def get(self, k=0):",
             f"{sp}        return self.z + k + {read}",
             f"{sp}    def __repr__(self):",
             f"{sp}        return {name!r} + str(self.z)"]
    if 'K' in base:
        lines += [f"{sp}    def m(self, x):", f"{sp}        return super().m(x) + 100"]
    if R() < 0.5:
        lines += [f"{sp}    @classmethod", f"{sp}    def cm(cls):", f"{sp}        return cls.__name__ + cls.__qualname__"]
        lines.append(f"{sp}LOG.append({name}.cm())")
    if 'K' in base:
        lines.append(f"{sp}LOG.append({name}({int_e(c, 1)}).m({int_e(c, 1)}))")
    elif 'Exc' in base:
        lines.append(f"{sp}LOG.append(repr({name}({int_e(c, 1)}).args))")
    else:
        lines.append(f"{sp}LOG.append(({name}().get({int_e(c, 1)}), {name}.z, repr({name}())))")
    return lines


def exc_stmt(c, ind):
    sp = '    ' * ind
    e1, e2 = uniq('e'), uniq('e')
    r = rng.randrange(4)
    if r == 0:
        return [f"{sp}try:",
                f"{sp}    try:",
                f"{sp}        {raise_line(c)}",
                f"{sp}    except Exception as {e1}:",
                f"{sp}        {raise_line(c)}",
                f"{sp}except Exception as {e2}:",
                f"{sp}    LOG.append((type({e2}).__name__, type({e2}.__context__).__name__, type({e2}.__cause__).__name__, {e2}.__suppress_context__))"]
    if r == 1:
        return [f"{sp}try:",
                f"{sp}    {raise_line(c)}",
                f"{sp}except Exception as {e1}:",
                f"{sp}    LOG.append((repr({e1}), {e1}.args))",
                f"{sp}try:",
                f"{sp}    LOG.append({e1})",
                f"{sp}except NameError as {e2}:",
                f"{sp}    LOG.append(str({e2}))"]
    if r == 2:
        return [f"{sp}try:",
                f"{sp}    raise ExceptionGroup('eg', [ValueError({int_e(c, 1)}), KeyError('k'), E1(2)])",
                f"{sp}except* {ch(['ValueError', 'KeyError', 'E1', '(ValueError, E1)', 'LookupError'])} as {e1}:",
                f"{sp}    LOG.append(repr({e1}.exceptions))",
                f"{sp}except* Exception as {e2}:",
                f"{sp}    LOG.append(len({e2}.exceptions))"]
    return [f"{sp}try:",
            f"{sp}    with CM({rng.randint(0, 9)}, False):",
            f"{sp}        {raise_line(c)}",
            f"{sp}except Exception as {e1}:",
            f"{sp}    LOG.append(('cm', type({e1}).__name__, {e1}.__traceback__ is not None))"]


def obj_stmt(c, sp):
    ov = c.names('obj', True)
    if ov and R() < 0.6:
        o = ch(ov)
        return [f"{sp}{o} = {obj_e(c, 2)}" if R() < 0.5 else
                f"{sp}{o}.{ch(['v', 'p', 'w', 'extra'])} = {int_e(c, 1)}"]
    return [f"{sp}LOG.append({obj_e(c, 2)})"]


def method_stmt(c, sp):
    dv = c.names('dict', True)
    if dv and R() < 0.5:
        D = ch(dv)
        return [f"{sp}LOG.append({D}.{ch(['popitem()', 'copy()', 'keys()', 'values()', 'items()', 'clear()'])})" if R() < 0.5 else
                f"{sp}{D}.update({dict_e(c, 1)}, {ch(['', 'zz=3'])})".replace(', )', ')')]
    lv = c.names('list', True)
    if lv:
        L = ch(lv)
        return [f"{sp}LOG.append(({L}.index({int_e(c, 1)}) if {L} else -1, {L}.count(0)))" if R() < 0.2 else
                f"{sp}{L}[{int_e(c, 1)}:{int_e(c, 1)}] = {list_e(c, 1)}"]
    return [f"{sp}LOG.append({str_method(c, 2)})"]


def order_stmt(c, sp):
    e = lambda: int_e(c, 1)
    r = rng.randrange(5)
    if r == 0:
        return [f"{sp}LOG.append({{t('k1', {str_e(c, 1)}): t('v1', {e()}), t('k2', 'z'): t('v2', {e()})}})"]
    if r == 1:
        return [f"{sp}LOG.append(sig0(t('p1', {e()}), *t('st', [1]), c=t('kw', {e()})) if False else (t('l', 1), t('r', 2)))"]
    if r == 2:
        return [f"{sp}LOG.append(t('f', max)(t('a1', {e()}), t('a2', {e()})))"]
    if r == 3:
        return [f"{sp}LOG.append(t('o', [1, 2, 3])[t('i', {e()}) % 3:t('j', {e()})])"]
    return [f"{sp}LOG.append(t('a', {e()}) if t('c', {bool_e(c, 1)}) else t('b', {e()}))"]


def comp_scope_stmt(c, sp):
    iv = c.names('int')
    v = ch(iv) if iv else '0'
    return [f"{sp}LOG.append([[{v} + i_ * j_ for j_ in range(2)] for i_ in range({int_e(c, 1)} % 3)])",
            f"{sp}LOG.append({{i_: [j_ for j_ in range(i_) if j_ != {v}] for i_ in range(3)}})"]


def yield_stmt(c, sp):
    iv = c.names('int', True)
    r = rng.randrange(4)
    if r == 0 and iv:
        v = ch(iv)
        return [f"{sp}{v} = yield {int_e(c, 1)}",
                f"{sp}{v} = {v} if isinstance({v}, int) else {lit_int()}"]
    if r == 1 and c.gens:
        return [f"{sp}LOG.append((yield from {ch(c.gens)}({int_e(c, 1)})))"]
    if r == 2:
        return [f"{sp}LOG.append((yield from {ch(['[1, 2]', 'range(2)', 'Gsub(1)'])}))"]
    return [f"{sp}yield {int_e(c, 1)}"]

# ---------------------------------------------------------------- program


NCLS = rng.randint(2, 4)
GENS = []
SIGS = []


def prelude():
    p = ["import contextlib, functools, dataclasses, asyncio, operator", "LOG = []", "G = 0",
         "def t(tag, v):", "    LOG.append(tag)", "    return v",
         "class E1(Exception): pass", "class E2(E1, LookupError): pass",
         "class Consts:", "    A = 2", "    B = 'ab'",
         "class TrBase:", "    def __init__(self):", "        object.__setattr__(self, 'd', {})",
         "    def __getitem__(self, k):", "        LOG.append(('get', k))", "        return self.d.get(k, 0)",
         "    def __setitem__(self, k, v):", "        LOG.append(('set', k, v))", "        self.d[k] = v",
         "    def __getattr__(self, n):", "        LOG.append(('ga', n))", "        return 0",
         "    def __setattr__(self, n, v):", "        LOG.append(('sa', n, v))", "        object.__setattr__(self, n, v)",
         "TR = TrBase()",
         "class CM:",
         "    def __init__(self, tag, sup): self.tag, self.sup = tag, sup",
         "    def __enter__(self):", "        LOG.append(('enter', self.tag))", "        return self.tag",
         "    def __exit__(self, et, ev, tb):", "        LOG.append(('exit', self.tag, et and et.__name__))",
         "        return self.sup",
         "@contextlib.contextmanager", "def ctx(tag, sup):", "    LOG.append(('center', tag))",
         "    try:", "        yield tag + 1", "    except Exception as e:",
         "        LOG.append(('cexc', type(e).__name__))", "        if not sup: raise",
         "    finally:", "        LOG.append(('cexit', tag))",
         "def deco(f):", "    @functools.wraps(f)", "    def wrapper(*a, **k):",
         "        LOG.append(('call', f.__name__))", "        return f(*a, **k)", "    return wrapper",
         "def deco_count(n):", "    def d(f):", "        def w(*a, **k):",
         "            return f(*a, **k) + n", "        w.__name__ = f.__name__ + '_c'", "        return w", "    return d",
         "@deco", "def deco_target(x):", "    'doc'", "    return x * 2",
         "@deco_count(3)", "@deco", "def deco_arg_target(x):", "    return -x",
         "def Gsub(n):", "    try:", "        v = yield n", "        LOG.append(('Gsub-got', v))", "        yield n + 1",
         "    finally:", "        LOG.append('Gsub-fin')", "    return n * 10",
         "def drive(g, ops):", "    res = []", "    for op in ops:", "        try:",
         "            if op == 'n': res.append(next(g))",
         "            elif op == 'c': res.append(g.close())",
         "            elif op[0] == 's': res.append(g.send(int(op[1:])))",
         "            elif op == 't': res.append(g.throw(ValueError('thrown')))",
         "            else: res.append(g.throw(KeyError, 'kk'))",
         "        except StopIteration as e:", "            res.append(('stop', e.value))",
         "        except Exception as e:", "            res.append(('exc', type(e).__name__, str(e)))",
         "    return res",
         "@dataclasses.dataclass(order=True)", "class P:", "    x: int", "    y: int = 0",
         "    def norm(self): return abs(self.x) + abs(self.y)",
         "@dataclasses.dataclass(frozen=True)", "class Q:", "    s: str", "    tags: list = dataclasses.field(default_factory=list)",
         ]
    return p


ASYNC_DEFS = """
async def A0(n):
    await asyncio.sleep(0)
    LOG.append(('A0', n))
    return n * 2
async def AG(n):
    try:
        for i in range(n % 4):
            await asyncio.sleep(0)
            yield i
    finally:
        LOG.append(('AG-fin', n))
class ACM:
    def __init__(self, tag, sup):
        self.tag, self.sup = tag, sup
    async def __aenter__(self):
        LOG.append(('aenter', self.tag))
        await asyncio.sleep(0)
        return self.tag
    async def __aexit__(self, et, ev, tb):
        LOG.append(('aexit', self.tag, et and et.__name__))
        return self.sup
async def Worker(tag, n):
    for i in range(n % 3 + 1):
        LOG.append(('w', tag, i))
        await asyncio.sleep(0)
    if n == 5:
        raise ValueError(tag)
    return tag
async def Boom(n):
    await asyncio.sleep(0)
    if n % 2:
        raise ValueError(n)
    return n
async def Slow():
    await asyncio.sleep(10)
"""

RICH_DEFS = """
class Idx:
    def __init__(self, v):
        self.v = v
    def __index__(self):
        return self.v
    def __add__(self, o):
        return self.v + o
    def __repr__(self):
        return f'Idx({self.v})'
class Fmt:
    def __init__(self, v):
        self.v = v
    def __format__(self, spec):
        if spec == 'xx':
            raise ValueError('bad spec')
        return f'<{self.v}:{spec}>'
    def __str__(self):
        return f'Fmt{self.v}'
class DD(dict):
    def __missing__(self, k):
        return len(k)
class LL(list):
    def __getitem__(self, i):
        return super().__getitem__(i) * 2
class SS(str):
    def upper(self):
        return 'UP' + self
class II(int):
    def __add__(self, o):
        return II(int(self) + o + 100)
    def __repr__(self):
        return f'II({int(self)})'
class Meta(type):
    def __new__(m, name, bases, ns, **kw):
        ns['meta_tag'] = name.lower()
        return super().__new__(m, name, bases, ns)
    def __call__(cls, *a, **k):
        cls.count += 1
        return super().__call__(*a, **k)
    def __repr__(cls):
        return f'<Meta {cls.__name__}>'
class WithMeta(metaclass=Meta):
    count = 0
class Dsc:
    def __set_name__(self, owner, name):
        self.name = '_' + name
    def __get__(self, obj, typ=None):
        return 7 if obj is None else getattr(obj, self.name, 0)
    def __set__(self, obj, v):
        setattr(obj, self.name, v * 10)
class Holder:
    d = Dsc()
    def __init__(self, v):
        self.d = v
Dsc.d = 3
"""


def make_classes():
    lines = []
    base_feats = {f for f in ['eq', 'lt', 'add', 'len', 'getitem', 'contains', 'bool',
                              'call', 'getattr', 'prop', 'enter', 'iadd', 'slots']
                  if R() < 0.8}
    for i in range(NCLS):
        if i == 0:
            bases = ''
        elif i == 3 and R() < 0.5:
            bases = '(K2, K1)'
        else:
            bases = f"(K{rng.randint(0, i - 1)})"
        L = [f"class K{i}{bases}:"]
        if i == 0:
            L += ["    __match_args__ = ('v', 'w')", "    cnt = 0",
                  "    def __init__(self, v, w='k'):", "        self.v = v", "        self.w = w",
                  "        K0.cnt += 1",
                  "    def __repr__(self):", "        return f'{type(self).__name__}({self.v!r}, {self.w!r})'",
                  "    def m(self, x):", "        return self.v + x",
                  "    def who(self):", "        return 'K0'",
                  "    def sc(self):", "        return self.st(self.v)",
                  "    @classmethod", "    def make(cls, v):", "        return cls(v, cls.__name__)",
                  "    @staticmethod", "    def st(x):", "        return x + 1",
                  "    def __iter__(self):", "        return iter(range(self.v % 4))"]
            if 'eq' in base_feats:
                L += ["    def __eq__(self, o):", "        return isinstance(o, K0) and self.v == o.v",
                      "    def __hash__(self):", "        return hash(self.v)"]
            if 'lt' in base_feats:
                L += ["    def __lt__(self, o):", "        return self.v < (o.v if isinstance(o, K0) else o)",
                      "    def __le__(self, o):", "        return self.v <= (o.v if isinstance(o, K0) else o)"]
            else:
                L += ["    __lt__ = lambda self, o: NotImplemented"]
            if 'add' in base_feats:
                L += ["    def __add__(self, o):", "        return type(self)(self.v + (o.v if isinstance(o, K0) else o), self.w)",
                      "    def __radd__(self, o):", "        return type(self)(o + self.v, 'r')"]
            if 'iadd' in base_feats:
                L += ["    def __iadd__(self, o):", "        self.v += o if isinstance(o, int) else 0", "        return self"]
            if 'len' in base_feats:
                L += ["    def __len__(self):", "        return abs(self.v) % 5"]
            if 'getitem' in base_feats:
                L += ["    def __getitem__(self, i):", "        if i >= 3: raise IndexError(i)", "        return self.v * 10 + i"]
            if 'contains' in base_feats:
                L += ["    def __contains__(self, x):", "        return x == self.v"]
            if 'bool' in base_feats:
                L += ["    def __bool__(self):", "        return self.v % 2 == 0"]
            if 'call' in base_feats:
                L += ["    def __call__(self, x):", "        return self.v * x"]
            if 'getattr' in base_feats:
                L += ["    def __getattr__(self, n):", "        if n.startswith('__'): raise AttributeError(n)", "        return len(n)"]
            if 'prop' in base_feats:
                L += ["    @property", "    def p(self):", "        return self.v * 2",
                      "    @p.setter", "    def p(self, x):", "        self.v = x // 2"]
            if 'enter' in base_feats:
                L += ["    def __enter__(self):", "        return self.v",
                      "    def __exit__(self, *a):", "        LOG.append(('K0exit', a[0]))"]
        else:
            if 'slots' in base_feats and R() < 0.3:
                L += ["    __slots__ = ('extra',)"]
            if R() < 0.5:
                L += ["    def __init__(self, v, w='k'):", f"        super().__init__(v + {i}, w)"]
            if R() < 0.5:
                L += ["    def m(self, x):", f"        return super().m(x) * {i + 1}"]
            if R() < 0.6:
                L += ["    def who(self):", f"        return 'K{i}>' + super().who()"]
            if R() < 0.3:
                L += ["    def __repr__(self):", f"        return 'K{i}<' + super().__repr__() + '>'"]
            if R() < 0.3 and 'prop' in base_feats:
                L += ["    @property", "    def p(self):", f"        return super().p + {i}",
                      "    @p.setter", "    def p(self, x):", "        self.v = x"]
            if R() < 0.3 and 'len' in base_feats:
                L += ["    def __len__(self):", "        return super().__len__() + 1"]
            if R() < 0.3:
                L += ["    @staticmethod", "    def st(x):", f"        return x * {i}"]
            if R() < 0.3:
                L += ["    def __init_subclass__(cls, **kw):", "        LOG.append(('isub', cls.__name__))",
                      "        super().__init_subclass__(**kw)"]
            if R() < 0.2 and 'eq' in base_feats:
                L += ["    def __eq__(self, o):", "        return super().__eq__(o) and type(self) is type(o)",
                      "    __hash__ = K0.__hash__"]
            if len(L) == 1:
                L.append("    pass")
        lines += L
    return lines


def make_sigs():
    out = []
    for i in range(rng.randint(2, 4)):
        ps = []
        names = []
        npos = rng.randint(0, 2)
        for j in range(npos):
            n = 'ab'[j]
            ps.append(n + (f"={j}" if R() < 0.4 or (ps and '=' in ps[-1]) else ''))
            names.append(n)
        if npos and R() < 0.6:
            ps.append('/')
        for n in ['c', 'd'][:rng.randint(0, 2)]:
            dflt = any('=' in p for p in ps if p != '/') or R() < 0.4
            ps.append(n + ('=5' if dflt else ''))
            names.append(n)
        star = R()
        if star < 0.4:
            ps.append('*args')
            names.append('args')
        elif star < 0.7:
            ps.append('*')
        if ps and ps[-1] == '*' or star < 0.7:
            for n in ['e', 'f'][:rng.randint(1 if ps and ps[-1] == '*' else 0, 2)]:
                ps.append(n + ('=6' if R() < 0.5 else ''))
                names.append(n)
        if R() < 0.3:
            ps.append('**kw')
            names.append('sorted(kw.items())')
        body = ', '.join(names)
        out += [f"def sig{i}({', '.join(ps)}):", f"    return ({body}{',' if len(names) == 1 else ''})"]
        SIGS.append(i)
    return out


def make_gens():
    out = []
    for i in range(rng.randint(1, 3)):
        name = f"Gen{i}"
        vars = {'n': ('int', True), 'i0': ('int', True), 'L0': ('list', True)}
        c = Ctx(vars, fn=True, gen=True, depth=2, gens=list(GENS), tname=name)
        body = block(c, 1, 1, 4)
        while not compiles(['def g():'] + body):
            body = block(c, 1, 1, 4)
        out += [f"def {name}(n):", "    global G", "    i0, L0 = 0, [1, 2]"]
        if R() < 0.5:
            out += ["    try:"] + ['    ' + l for l in body] + \
                   ["    except ValueError as e:", "        LOG.append(('gcaught', str(e)))",
                    f"        yield {int_e(c, 1)}",
                    "    finally:", f"        LOG.append('{name}-fin')"]
        else:
            out += body
        out += [f"    yield {int_e(c, 1)}", f"    return {int_e(c, 1)}"]
        GENS.append(name)
    return out


def make_function(i):
    name = f"f{i}"
    vars = {'a': ('int', True), 'b': ('str', True), 'c': ('list', True),
            'i0': ('int', True), 'i1': ('int', True), 's0': ('str', True),
            'L0': ('list', True), 'd0': ('dict', True)}
    init = ["    i0, i1, s0, L0, d0 = a + 1, 2, b * 2, list(c), {'a': 1}"]
    if 'classes' in ON:
        vars['o0'] = ('obj', True)
        init.append(f"    o0 = K{rng.randint(0, NCLS - 1)}(a)")
    c = Ctx(vars, fn=True, depth=3, gens=list(GENS) if 'gen' in ON else [], tname=name)
    isasync = 'async' in ON and R() < 0.4
    gen = 'gen' in ON and R() < 0.15 and not isasync
    c.gen = gen
    c.isasync = isasync
    lines = []
    if 'deco' in ON and R() < 0.15 and not isasync:
        lines.append('@deco')
    lines.append(f"{'async ' if isasync else ''}def {name}(a, b, c):")
    if 'global' in ON:
        lines.append("    global G")
    lines += init
    for _ in range(rng.randint(2, 6)):
        body = stmt(c, 1)
        if R() < 0.4:
            # Keep going after an exception so later statements run too.
            body = ['    try:'] + ['    ' + l for l in body] + [
                '    except Exception as ex_:',
                "        LOG.append(('X', type(ex_).__name__, str(ex_)[:60]))"]
        lines += body
    lines.append(f"    return ({', '.join(sorted(vars))},)" if not gen else
                 f"    yield ({', '.join(sorted(vars))},)")
    return lines, 'async' if isasync else gen


def modscope():
    """Code at module level: names are globals, loops and comprehensions
    run in the module's scope."""
    vars = {'gi0': ('int', True), 'gs0': ('str', True), 'gL0': ('list', True),
            'gd0': ('dict', True)}
    c = Ctx(vars, fn=False, depth=2, gens=list(GENS) if 'gen' in ON else [], tname='mod')
    lines = ["gi0, gs0, gL0, gd0 = 3, 'mod', [4, 5], {'m': 1}", "LOG.clear()", "try:"]
    body = block(c, 1, 2, 5)
    for _ in range(30):
        if compiles(lines + body + ["except Exception as e:", "    pass"]):
            break
        body = block(c, 1, 2, 5)
    lines += body
    lines += ["except Exception as e:", "    LOG.append(('EXC', type(e).__name__, str(e)[:80]))",
              "print('mod', show((gi0, gs0, gL0, gd0)), show(LOG))"]
    return lines


def compiles(lines):
    try:
        compile('\n'.join(lines), '<f>', 'exec')
        return True
    except SyntaxError:
        return False


def main():
    prog = prelude()
    if 'async' in ON:
        prog += ASYNC_DEFS.strip().split('\n')
    if 'richclass' in ON:
        prog += RICH_DEFS.strip().split('\n')
    if 'classes' in ON:
        prog += make_classes()
    prog += make_sigs()
    if 'gen' in ON:
        prog += make_gens()
    else:
        GENS.append('Gsub')
    nf = rng.randint(8, 16)
    gens = []
    for i in range(nf):
        for _ in range(30):
            # A walrus in a comprehension's iterable and similar slips are
            # SyntaxErrors; draw the function again rather than lose the run.
            lines, g = make_function(i)
            if compiles(lines):
                break
        prog += lines
        gens.append(g)
    prog.append(f"# features: {' '.join(sorted(ON))}")
    prog.append("ARGS = [(0, '', []), (3, 'ab', [1, 2, 3]), (-2, 'x,y', [5, 0]), (7, 'Hello', [-1])]")
    prog.append("def show(v):")
    prog.append("    s = repr(v)")
    prog.append("    return s if len(s) < 400 else s[:400] + '...'")
    for i, g in enumerate(gens):
        prog.append(f"for args in ARGS:")
        prog.append("    LOG.clear()")
        prog.append("    try:")
        call = {False: f"f{i}(*args)", True: f"list(f{i}(*args))", 'async': f"asyncio.run(f{i}(*args))"}[g]
        prog.append(f"        r = {call}")
        prog.append("    except Exception as e:")
        prog.append("        r = ('EXC', type(e).__name__, str(e)[:80])")
        prog.append(f"    print({i}, show(r), show(LOG), G)")
    if 'modscope' in ON:
        prog += modscope()
    k = rng.randrange(nf)
    if R() < 0.5 and gens[k] != 'async':
        # an uncaught exception's traceback (asyncio's own frames differ)
        prog.append(f"f{k}(*ARGS[{rng.randrange(4)}])")
    print('\n'.join(prog))


main()
