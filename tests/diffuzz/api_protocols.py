# Dunder methods returning random (often wrong) values (session 17): a class
# whose __len__, __bool__, __hash__, __index__, __int__, __float__,
# __complex__, __str__, __repr__, __format__, __iter__, __next__,
# __getitem__, __contains__, __reversed__, __length_hint__, __abs__,
# __round__, __trunc__, __eq__/__lt__ and __enter__/__exit__ return ints out of
# range, negative numbers, wrong types, NotImplemented, or raise; then
# builtins and statements use the object.  Compares results and the
# TypeError/ValueError/OverflowError texts.
import math, operator, random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
RETS = ['0', '1', '-1', '3', '2**70', '-2**70', 'True', '1.5', '"s"', 'b"b"', 'None', '[1, 2]', '(1,)',
        'NotImplemented', 'iter([1, 2])', 'self', 'Sub(2)', 'SubF(2.5)', 'SubS("x")', '1j', 'raise_it()']
DUNDERS = ['__len__', '__bool__', '__hash__', '__index__', '__int__', '__float__', '__complex__', '__str__',
           '__repr__', '__format__', '__iter__', '__next__', '__getitem__', '__contains__', '__reversed__',
           '__length_hint__', '__abs__', '__round__', '__trunc__', '__floor__', '__ceil__', '__eq__', '__lt__',
           '__enter__', '__exit__', '__bytes__', '__neg__', '__invert__', '__call__', '__getattr__']
USES = ['len(o)', 'bool(o)', 'not o', 'hash(o)', 'operator.index(o)', '[1, 2, 3][o]', 'range(o)', 'bin(o)',
        'int(o)', 'float(o)', 'complex(o)', 'str(o)', 'repr(o)', 'format(o, "")', 'format(o, "x")',
        'f"{o}"', 'f"{o!r}"', 'list(o)', 'tuple(o)', 'next(o)', 'o[0]', '1 in o', 'list(reversed(o))',
        'operator.length_hint(o)', 'abs(o)', 'round(o)', 'round(o, 1)', 'math.trunc(o)', 'math.floor(o)',
        'math.ceil(o)', 'o == 1', 'o < 1', 'sorted([o, o])', 'max(o, o)', 'bytes(o)', '-o', '~o', 'o()',
        'o.missing', '"%d" % o', '"%s" % o', '"%x" % o', '[0] * o', 'divmod(o, 1)', 'pow(2, o, 5)',
        'chr(o)', 'math.sqrt(o)', 'isinstance(1, o)', 'dict.fromkeys(o)', 'set([o])', 'sum(o)', 'any(o)',
        'enumerate(o)', 'zip(o)', 'print(o, end="|")', '"".join(o)', 'hex(o)', 'o if o else 0']


def raise_it():
    raise ValueError('boom')


class Sub(int): pass
class SubF(float): pass
class SubS(str): pass


for case in range(60):
    ds = rng.sample(DUNDERS, ri(1, 4))
    env = {'raise_it': raise_it, 'Sub': Sub, 'SubF': SubF, 'SubS': SubS, 'math': math, 'operator': operator}
    lines = ['class O:']
    desc = []
    for d in ds:
        r = ch(RETS)
        args = {'__format__': 'self, spec', '__getitem__': 'self, i', '__contains__': 'self, x',
                '__round__': 'self, n=None', '__eq__': 'self, other', '__lt__': 'self, other',
                '__exit__': 'self, *a', '__call__': 'self, *a', '__getattr__': 'self, name'}.get(d, 'self')
        if d == '__getitem__':   # (iteration must end)
            lines.append('    def __getitem__(self, i):')
            lines.append('        if isinstance(i, int) and i >= 3: raise IndexError(i)')
            lines.append('        return %s' % r)
        elif d == '__next__' and r not in ('raise_it()',):
            lines.append('    n = 0')
            lines.append('    def __next__(self):')
            lines.append('        O.n += 1')
            lines.append('        if O.n > 3: raise StopIteration')
            lines.append('        return %s' % r)
        else:
            lines.append('    def %s(%s): return %s' % (d, args, r))
        desc.append('%s=%s' % (d, r))
    exec('\n'.join(lines), env)
    o = env['O']()
    env['o'] = o
    print('#', ' '.join(desc))
    for use in rng.sample(USES, 6):
        try:
            r = eval(use, env)
            if hasattr(r, '__next__') and not isinstance(r, env['O']):
                r = type(r).__name__
            r = repr(r)
        except Exception as e:
            r = '!' + type(e).__name__ + ': ' + str(e)
        print('  ', use, '->', r)
    if R() < 0.2:
        try:
            with o as v:
                print('  with ->', type(v).__name__)
        except Exception as e:
            print('  with !', type(e).__name__, e)
