# Random match statements (session 16): patterns of every kind nested at
# random (literals, captures, wildcards, dotted values, groups, sequences
# with a star, mappings with **rest, class patterns with positional and
# keyword subpatterns over __match_args__, or-patterns, as-patterns,
# guards), run against random subjects (ints, floats, strs, bytes,
# tuples, lists, dicts, ranges, strs as non-sequences, dataclasses,
# builtin-type class patterns).  Each function is compiled with exec, so
# an invalid pattern's SyntaxError is compared as well.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
L = []
w = L.append

w('import collections, dataclasses')
w('class Color:')
w('    RED = 1')
w('    GREEN = "g"')
w('    BLUE = (1, 2)')
w('@dataclasses.dataclass')
w('class Pt:')
w('    x: object = 0')
w('    y: object = 0')
w('class Box:')
w('    __match_args__ = ("v",)')
w('    def __init__(self, v): self.v = v')
w('    def __repr__(self): return "Box(%r)" % (self.v,)')
w('class Odd:')
w('    __match_args__ = ("a", "missing")')
w('    a = 5')
w('class Bad:')
w('    __match_args__ = ["a"]')
w('class Cnt(collections.abc.Sequence):')
w('    def __init__(self, n): self.n = n')
w('    def __len__(self): print("len"); return self.n')
w('    def __getitem__(self, i):')
w('        print("getitem", i)')
w('        if isinstance(i, slice): return list(range(self.n))[i]')
w('        if not -self.n <= i < self.n: raise IndexError(i)')
w('        return i')
w('class Map(collections.abc.Mapping):')
w('    def __init__(self, d): self.d = d')
w('    def __getitem__(self, k): print("mget", k); return self.d[k]')
w('    def __iter__(self): return iter(self.d)')
w('    def __len__(self): return len(self.d)')
w('    def get(self, k, default=None): print("get", k); return self.d.get(k, default)')

lits = ['0', '1', '-1', '2', '1.5', '-0.0', '"a"', '"ab"', "b'a'", 'None', 'True', 'False', '1+2j', '-1-1j', '""']
used = set()


def cap():
    n = ch(['a', 'b', 'c', 'd', 'e', 'rest', 'x', 'y'])
    return n


def pattern(d):
    r = R()
    if d > 3 or r < 0.2:
        rr = R()
        if rr < 0.45: return ch(lits)
        if rr < 0.75: return cap()
        if rr < 0.9: return '_'
        return ch(['Color.RED', 'Color.GREEN', 'Color.BLUE'])
    if r < 0.4:
        items = [pattern(d + 1) for _ in range(ri(0, 3))]
        if R() < 0.4: items.insert(ri(0, len(items)), '*' + ch(['_', cap()]))
        if R() < 0.05: items.append('*' + cap())     # two stars: SyntaxError
        o, c = ch([('[', ']'), ('(', ')'), ('', '')])
        if o == '' and len(items) < 2: o, c = '[', ']'
        if o == '(' and len(items) == 1: return '(' + items[0] + ',)'
        return o + ', '.join(items) + c
    if r < 0.55:
        keys = rng.sample(['"k"', '"j"', '0', '1', 'Color.RED', 'None', '"a"'], ri(0, 3))
        if R() < 0.05 and keys: keys.append(keys[0])  # duplicate key
        items = ['%s: %s' % (k, pattern(d + 1)) for k in keys]
        if R() < 0.3: items.append('**' + ch(['rest', 'x', '_' if R() < 0.1 else 'rest']))
        return '{' + ', '.join(items) + '}'
    if r < 0.72:
        cls = ch(['Pt', 'Box', 'int', 'str', 'float', 'tuple', 'list', 'dict', 'bool', 'Odd', 'Bad', 'Color', 'bytes', 'object'])
        pos = [pattern(d + 1) for _ in range(ri(0, 2))]
        kws = ['%s=%s' % (k, pattern(d + 1)) for k in rng.sample(['x', 'y', 'v', 'a', 'real', 'imag'], ri(0, 2))]
        return cls + '(' + ', '.join(pos + kws) + ')'
    if r < 0.85:
        alts = [pattern(d + 1) for _ in range(ri(2, 3))]
        return ' | '.join(alts)
    if r < 0.95:
        return '(%s) as %s' % (pattern(d + 1), cap())
    return '(' + pattern(d + 1) + ')'


subjects = ['0', '1', '-1', '2', '1.0', '1.5', '-0.0', 'True', 'False', 'None', '"a"', '"ab"', "b'a'", "bytearray(b'a')",
            '(1, 2)', '[1, 2, 3]', '(1,)', '[]', '()', '{"k": 1}', '{"k": [1, 2], "j": "a", 0: None}', '{0: 1, 1: 2}',
            'range(3)', 'Pt(1, 2)', 'Pt("a", [1])', 'Box(1)', 'Box((1, 2))', 'Odd()', 'Bad()', '1+2j', 'Color.BLUE',
            '[[1, 2], (3,)]', '({"k": 1}, 2)', '"abc"', 'Cnt(2)', 'Cnt(4)', 'Map({"k": 2, 0: 1})', 'iter([1])',
            '[1, [2, [3, [4]]]]', 'collections.OrderedDict(k=1)', 'collections.defaultdict(int, j=2)', 'memoryview(b"ab")']

nf = ri(8, 16)
for i in range(nf):
    src = ['def m%d(s):' % i, '    match s:']
    for c in range(ri(1, 5)):
        p = pattern(0)
        g = ''
        if R() < 0.25: g = ' if ' + ch(['s', 'not s', 'a == 1', 'len(str(s)) > 3', '(z := 1)', 'print("guard") or True'])
        src.append('        case %s%s:' % (p, g))
        src.append('            return (%d, %s)' % (c, ch(['locals()', 'sorted(locals().items(), key=str)', '"hit"'])))
    if R() < 0.6:
        src.append('        case _:')
        src.append('            return "default"')
    w('src = %r' % '\n'.join(src))
    w('print(src)')
    w('try:')
    w('    exec(src)')
    w('except SyntaxError as e:')
    w('    print("SyntaxError", e.msg, e.lineno, e.offset)')
    w('else:')
    w('    for s in [%s]:' % ', '.join(rng.sample(subjects, ri(4, 10))))
    w('        try:')
    w('            print(repr(s), "->", repr(m%d(s)))' % i)
    w('        except Exception as e:')
    w('            print(repr(s), "->", type(e).__name__, e)')
print('\n'.join(L))
