# Mixed-type arithmetic at random (session 16): operands are ints of all
# sizes, floats near boundaries, bool, complex, Fraction, Decimal, and
# user classes (int/float subclasses, objects with __index__, reflected
# and in-place dunders that return NotImplemented), through binary and
# in-place operators, round/divmod/pow (2- and 3-argument), abs/neg/
# invert, math.floor/ceil/trunc, comparisons and sorting with keys.
import random, sys, math, operator
from decimal import Decimal
from fractions import Fraction
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint


class I(int):
    def __repr__(self): return 'I(%d)' % int(self)


class F(float):
    pass


class Idx:
    def __init__(self, v): self.v = v
    def __index__(self): return self.v
    def __repr__(self): return 'Idx(%d)' % self.v


class Num:
    """Answers some operators, declines others with NotImplemented."""
    def __init__(self, v): self.v = v
    def __repr__(self): return 'Num(%r)' % self.v
    def __add__(self, o): return Num(('add', o)) if isinstance(o, int) else NotImplemented
    def __radd__(self, o): return Num(('radd', o))
    def __mul__(self, o): return NotImplemented
    def __rmul__(self, o): return Num(('rmul', o)) if not isinstance(o, float) else NotImplemented
    def __iadd__(self, o): return NotImplemented if isinstance(o, str) else Num(('iadd', o))
    def __floordiv__(self, o): return Num(('fd', o))
    def __rtruediv__(self, o): return Num(('rtd', o))
    def __eq__(self, o): return isinstance(o, Num) and o.v == self.v
    def __lt__(self, o): return NotImplemented if not isinstance(o, Num) else repr(self.v) < repr(o.v)
    def __pow__(self, o, m=None): return Num(('pow', o, m))
    def __rpow__(self, o, m=None): return Num(('rpow', o, m))
    __hash__ = None


def rnd_num(simple=False):
    r = R()
    if r < 0.25: return ri(-12, 12)
    if r < 0.35: return ri(-2**65, 2**65)
    if r < 0.55: return ch([0.0, -0.0, 0.5, -1.5, 2.5, 1e308, -1e-310, float('inf'), -float('inf'), float('nan'), rng.uniform(-100, 100), float(ri(-9, 9))])
    if r < 0.6: return ch([True, False])
    if simple: return ri(-5, 5)
    if r < 0.67: return complex(ri(-3, 3), ch([0, 1, -2, 0.5]))
    if r < 0.75: return Fraction(ri(-20, 20), ri(1, 7))
    if r < 0.83: return Decimal(ch(['0', '-0', '1.5', '-2', '3.000', '1E+2', '-7.25', 'Infinity', 'NaN', str(ri(-100, 100))]))
    if r < 0.88: return I(ri(-9, 9))
    if r < 0.92: return F(ch([1.5, -0.0, 3.0]))
    if r < 0.96: return Idx(ri(-3, 3))
    return Num(ri(0, 3))


def show(f):
    try:
        r = f()
        s = repr(r)
        if isinstance(r, float) and r != r: s = 'nan'
        return type(r).__name__ + ' ' + s
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)


ops = ['+', '-', '*', '/', '//', '%', '**', '<<', '>>', '&', '|', '^', '@', '<', '<=', '==', '!=', '>', '>=']
for i in range(5000):
    a = rnd_num(); b = rnd_num(); op = ch(ops)
    if op == '**' and isinstance(b, (int, Fraction, Decimal)) and not isinstance(b, bool) and abs(b) > 50: b = 3
    if op == '**' and isinstance(b, float) and abs(b) > 1e6 and isinstance(a, Decimal): b = 2.0
    if op == '**' and isinstance(a, (Decimal, int)) and isinstance(b, Decimal) and abs(b) > 50: b = Decimal(2)
    if op == '<<' and isinstance(b, int) and b > 200: b = 7
    print(i, repr(a), op, repr(b), show(lambda: eval('a %s b' % op)))
    if op not in ('<', '<=', '==', '!=', '>', '>=') and R() < 0.5:
        def aug():
            x = a
            exec('x %s= b' % op, None, d := {'x': x, 'b': b})
            return d['x']
        print('  aug', show(aug))

fns = [('round', 1), ('round', 2), ('divmod', 2), ('pow', 2), ('pow', 3), ('abs', 1), ('operator.neg', 1),
       ('operator.invert', 1), ('operator.index', 1), ('math.floor', 1), ('math.ceil', 1), ('math.trunc', 1),
       ('int', 1), ('float', 1), ('complex', 1), ('bool', 1), ('hash', 1), ('math.isclose', 2), ('math.fsum', 1),
       ('math.prod', 1), ('sum', 1), ('max', 2), ('min', 2), ('math.comb', 2), ('math.perm', 2),
       ('math.factorial', 1), ('math.gcd', 2), ('math.lcm', 2), ('math.isqrt', 1), ('math.dist', 2),
       ('range', 1), ('hex', 1), ('chr', 1), ('[1, 2, 3].__getitem__', 1), ('"abc".__mul__', 1)]
for i in range(4000):
    name, n = ch(fns)
    args = [rnd_num(simple=name in ('pow', 'math.comb', 'math.perm', 'math.factorial')) for _ in range(n)]
    if name in ('math.fsum', 'math.prod', 'sum'): args = [[rnd_num() for _ in range(ri(0, 4))]]
    if name == 'math.dist': args = [[rnd_num(True) for _ in range(2)], [rnd_num(True) for _ in range(ri(1, 2))]]
    if name == 'round' and n == 2 and isinstance(args[1], int) and abs(args[1]) > 400: args[1] = 2
    if name == 'math.factorial' and isinstance(args[0], int) and args[0] > 50: args[0] = 5
    if name in ('pow', 'math.comb', 'math.perm') and isinstance(args[1], int) and abs(args[1]) > 1000: args[1] = 7
    if name == 'pow' and n == 3:
        args = [ch([ri(-20, 20), 2**70, 1.5, Decimal(3), I(3)]), ch([ri(-3, 30), -1, 0, 2.0]), ch([ri(-9, 9), 0, 1, 2**64 + 13, I(7), 2.0])]
    # (hashes by identity: NaNs and objects without __hash__ of their own)
    h = name == 'hash' and (args[0] != args[0] or isinstance(args[0], Idx))
    if h: continue
    print(name, repr(args), show(lambda: eval(name)(*args)))

# Comparisons and sorting with keys over mixed lists.
for i in range(2000):
    items = [rnd_num() for _ in range(ri(0, 6))]
    key = ch([None, abs, str, repr, lambda x: -x, lambda x: (type(x).__name__, x), float, lambda x: x.real])
    rev = ch([False, True])
    def srt():
        l = list(items)
        l.sort(key=key, reverse=rev)
        return l
    print('sort', repr(items), show(srt), show(lambda: sorted(items, key=key, reverse=rev)))
    print('  mm', show(lambda: max(items, key=key or (lambda x: x))), show(lambda: min(items, default='dflt')), show(lambda: items.index(ch(items + [99]))) if items else '')
    print('  cmp', show(lambda: items < items[::-1]), show(lambda: tuple(items) >= (1,)), show(lambda: items.count(0)), show(lambda: 0.0 in items))
