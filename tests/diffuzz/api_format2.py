# Random format specs over random values (session 16): unlike api_format.py
# (one fixed seed, fixed values), the values are drawn at random magnitudes
# (floats near rounding boundaries, big ints, complex, Decimal, Fraction,
# bool, str subclasses), and a spec is either well formed or a random string
# of spec characters, so error messages are exercised too.  Also
# str.format with field names, conversions and nested specs, f-strings with
# = and nested replacement fields, and %-formatting of str and bytes.
import random, sys
from decimal import Decimal
from fractions import Fraction
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint


def rnd_float():
    r = R()
    if r < 0.1: return ch([0.0, -0.0, float('inf'), -float('inf'), float('nan')])
    if r < 0.3: return ri(-99999, 99999) / ch([1, 2, 4, 8, 10, 100, 1000, 3])
    if r < 0.4: return ch([0.5, 1.5, 2.5, 0.125, 0.375, 9.5, 99.5, 999.5, 0.05, 0.015, 1.005])
    if r < 0.5: return float(ri(-10**17, 10**17))
    e = ri(-320, 308)
    return rng.uniform(-10, 10) * 10.0 ** e


def rnd_int():
    r = R()
    if r < 0.3: return ri(-20, 300)
    if r < 0.6: return ri(-10**9, 10**9)
    if r < 0.8: return ri(-2**70, 2**70)
    return ri(-10**60, 10**60)


class S(str):
    pass


class I(int):
    pass


def rnd_val():
    r = R()
    if r < 0.3: return rnd_int()
    if r < 0.6: return rnd_float()
    if r < 0.65: return ch([True, False])
    if r < 0.73: return complex(rnd_float(), rnd_float())
    if r < 0.8: return Decimal(ch(['0', '-0', '1.5', '2.50', '-1234.5678', '1E+5', '1e-7', 'Infinity', '-Inf', 'NaN', '123456789.123456789', str(rnd_int()), repr(rnd_float())]))
    if r < 0.85: return Fraction(ri(-1000, 1000), ri(1, 64))
    if r < 0.9: return I(ri(-5000, 5000))
    return ch(['', 'abc', 'héllo', 'ǅx', S('sub'), '日本語', 'a' * ri(0, 12)])


def good_spec():
    s = ''
    if R() < 0.4:
        if R() < 0.6: s += ch('*0 _x{é')
        s += ch('<>^=')
    if R() < 0.5: s += ch('+- ')
    if R() < 0.1: s += 'z'
    if R() < 0.2: s += '#'
    if R() < 0.2: s += '0'
    if R() < 0.6: s += str(ri(0, 30))
    if R() < 0.3: s += ch(',_')
    if R() < 0.5: s += '.' + str(ri(0, 20))
    if R() < 0.85: s += ch('bcdeEfFgGnosxX%')
    return s


def bad_spec():
    return ''.join(ch('<>^=+- #0123456789,_.zbcdeEfFgGnosxX%*aQ') for _ in range(ri(1, 7)))


def fmt(v, spec):
    try:
        return repr(format(v, spec))
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)


N = 3000
for i in range(N):
    v = rnd_val()
    spec = good_spec() if R() < 0.8 else bad_spec()
    print(i, type(v).__name__, repr(v), repr(spec), fmt(v, spec))

# str.format: positional/keyword/auto numbering, attributes, indexes,
# conversions, nested width/precision.
class P:
    x = 3.25
    name = 'pt'
    def __format__(self, spec):
        return 'P<' + spec + '>'
    def __repr__(self):
        return 'P()'

templates = ['{}', '{0}', '{0!r}', '{0!s:>8}', '{0!a}', '{a}', '{a.x}', '{a.name!r}', '{0[1]}', '{b[k]}',
             '{0:{1}}', '{0:{1}.{2}}', '{:{}}', '{0:>{1}}', '{{}}', '{{{0}}}', '{', '}', '{0!x}', '{0:}', '{a!r:^12}',
             '{1}{0}', '{}{1}', '{0}{}', '{a.y}', '{0[9]}', '{b[0]}', '{0.real}', '{a:>4}', '{:d}', '{0:{a.x}}', '{!r}',
             '{0[0]:{1}}', '{0:%}', '{0:^{1}{2}}']
for i in range(1500):
    t = ''.join(ch(templates) for _ in range(ri(1, 3)))
    args = [ch([rnd_val(), [1, 'two', 3], (7, 8), 'xy', P()]) for _ in range(ri(0, 3))]
    kw = ch([{}, {'a': P()}, {'a': P(), 'b': {'k': 5, 0: 'z'}}, {'b': [4, 5]}])
    try:
        r = repr(t.format(*args, **kw))
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print('F', repr(t), repr(args), r)
    try:
        r = repr(t.format_map(kw))
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print('M', r)

# f-strings: compiled from random text, so the parser's handling of
# nested specs, '=', conversions, and quotes is exercised.
parts = ['{x}', '{x!r}', '{x=}', '{x = }', '{x=!s:>6}', '{x:{w}}', '{x:{w}.{p}}', '{x:>{w},}', '{y[0]}',
         '{y!r:^10}', '{"q"}', "{'a' 'b'}", '{x:}', '{{', '}}', 'txt', '{x:{"<"}5}', '{x if w else y}',
         '{w*2:0{p}}', '{(lambda: 1)()}', '{x:#{w}x}', '{ x }', '{x!a}', '{y}', r'\n', '{x:{w}{"."}{p}}']
for i in range(1500):
    body = ''.join(ch(parts) for _ in range(ri(1, 4)))
    src = 'f' + repr(body).replace('\\\\n', '\\n') if '"' in body else 'f"' + body + '"'
    x = rnd_val(); y = ch([[1, 2], 'str', (None,), {'k': 1}]); w = ri(0, 12); p = ri(0, 6)
    try:
        r = repr(eval(src, {'x': x, 'y': y, 'w': w, 'p': p}))
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print('f', src, repr(x), w, p, r)

# %-formatting, str and bytes, with tuples, dicts and * widths.
conv = 'diouxXeEfFgGcrsa%'
for i in range(3000):
    spec = '%'
    usedict = R() < 0.15
    if usedict: spec += '(k)'
    spec += ''.join(ch('-+ #0') for _ in range(ri(0, 2)))
    nstar = 0
    if R() < 0.5: spec += str(ri(0, 20))
    elif R() < 0.2: spec += '*'; nstar += 1
    if R() < 0.4:
        if R() < 0.8: spec += '.' + str(ri(0, 12))
        else: spec += '.*'; nstar += 1
    if R() < 0.1: spec += ch('hlL')
    spec += ch(conv) if R() < 0.95 else ch('yZ!')
    v = ch([rnd_val(), rnd_int(), rnd_float(), 'abc', b'by', None, [1], 65, 0x10ffff, -1])
    if usedict: args = {'k': v}
    else: args = tuple([ri(-12, 12) for _ in range(nstar)] + [v])
    if R() < 0.1: args = ch([(), (1, 2, 3), v])
    pre = ch(['', 'a', '%% ', 'x%sy' if False else ''])
    try:
        r = repr((pre + spec) % args)
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print('%', repr(pre + spec), repr(args), r)
    if spec[-1] not in 'ra' and not isinstance(v, str):
        try:
            r = repr((pre + spec).encode() % args)
        except Exception as e:
            r = type(e).__name__ + ': ' + str(e)
        print('b%', r)
