# Random strings through int(), float(), complex(), Decimal(), Fraction()
# and int(s, base) (session 16): strings are built from pieces (signs,
# prefixes, digits of several bases, underscores in good and bad places,
# exponents, inf/nan spellings, Unicode digits and spaces), so both the
# accepted grammar and the error messages are compared.  Also
# float.fromhex/hex, int.from_bytes/to_bytes, and round-trips through repr.
import random, sys
from decimal import Decimal
from fractions import Fraction
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint

spaces = [' ', '\t', '\n', '\x0b', '\x0c', '\r', '\u2003', '\u3000', '\x85', '\xa0', '\x1c']
digits = '0123456789'
hexd = '0123456789abcdefABCDEF'
udigits = ['٣', '७', '１', '๒', '𝟓']


def numeral():
    r = R()
    out = ''
    if r < 0.6:
        alphabet = ch([digits, digits, hexd, '01', '01234567', digits + 'xXoObB'])
        n = ri(0, 8)
        for k in range(n):
            if R() < 0.12: out += '_'
            elif R() < 0.03: out += ch(udigits)
            else: out += ch(alphabet)
        if R() < 0.3: out = ch(['0x', '0X', '0o', '0b', '0B', '0', '00', '0_']) + out
    elif r < 0.8:
        out = ch(['', '1', '12', '1_2', '0', '.']) + ch(['', '.', '.5', '.5_0', '_.', '._5']) + ch(['', 'e', 'e5', 'E-3', 'e+', 'e_1', 'e1_0', 'j', 'J'])
    elif r < 0.9:
        out = ch(['inf', 'INF', 'Infinity', 'infinit', 'nan', 'NaN', 'nAn', 'iNfInItY', 'snan', 'inity', 'in f'])
    else:
        out = ch(['1+2j', '1-2j', '(1+2j)', '( 1+2j )', 'j', '-j', '+1j', '1e3j', 'nanj', 'inf-infj', '1+', '(1', '1j)', '2+3', '3.j', '.5j', '1_0j', '(j)'])
    return out


def rnd_str():
    s = ''
    if R() < 0.3: s += ''.join(ch(spaces) for _ in range(ri(1, 2)))
    if R() < 0.4: s += ch(['+', '-', '--', '+-', '−'])
    s += numeral()
    if R() < 0.15: s += ch(['+', '-']) + numeral()
    if R() < 0.3: s += ''.join(ch(spaces) for _ in range(ri(1, 2)))
    if R() < 0.03: s += '\x00'
    return s


def show(f, *a):
    try:
        r = f(*a)
        if isinstance(r, Decimal): return 'D' + str(r)
        return repr(r)
    except Exception as e:
        m = str(e)
        return type(e).__name__ + ': ' + m


N = 4000
for i in range(N):
    s = rnd_str()
    print(i, repr(s))
    print(' int', show(int, s), '| int0', show(int, s, 0), '| float', show(float, s), '| complex', show(complex, s))
    base = ch([2, 8, 10, 16, 36, 3, 0, 1, 37, -1])
    print(' base', base, show(int, s, base), '| bytes', show(int, s.encode('utf-8'), ch([0, 10, 16])))
    if R() < 0.4:
        print(' Dec', show(Decimal, s), '| Frac', show(Fraction, s))

# float.fromhex / hex round trips and from_bytes/to_bytes.
for i in range(1500):
    r = R()
    if r < 0.5:
        s = ch(['', '-', '+', ' ']) + ch(['0x', '0X', '', 'x']) + ''.join(ch(hexd) for _ in range(ri(0, 5))) + \
            ch(['', '.', '.8', '.fff']) + ch(['', 'p0', 'p-1074', 'p1023', 'p1024', 'P+3', 'p', 'p-1080']) + ch(['', ' ', 'L'])
        if R() < 0.1: s = ch(['inf', '-Infinity', 'nan', '0x1.fffffffffffffp1023', '0x1p-1075', '0x1.0000000000001p-1074', '0x.8p-1073'])
        print('fromhex', repr(s), show(float.fromhex, s))
    elif r < 0.7:
        f = ch([0.1, -0.0, 1e308, 5e-324, float('inf'), float('nan'), rng.uniform(-1e6, 1e6), 2.0 ** ri(-1080, 1023)])
        print('hex', repr(f), show(float.hex, f), show(lambda: float.fromhex(f.hex()) == f or f != f))
    else:
        n = ri(-2**40, 2**40) if R() < 0.7 else ri(-300, 300)
        length = ri(0, 8); order = ch(['big', 'little']); signed = ch([True, False])
        print('to_bytes', n, length, order, signed, show(lambda: n.to_bytes(length, order, signed=signed)))
        b = bytes(ri(0, 255) for _ in range(ri(0, 6)))
        print('from_bytes', b, show(int.from_bytes, b, order, signed=signed), show(lambda: int.from_bytes(list(b), byteorder=order)))

# repr round-trips of random floats, and str(int) of big ints.
for i in range(1500):
    f = rng.uniform(-1, 1) * 10.0 ** ri(-330, 310)
    print('repr', repr(f), str(f), float(repr(f)) == f, round(f, ri(-5, 20)), f.as_integer_ratio() if f == f and abs(f) != float('inf') else None)
    n = ri(-10**ri(1, 80), 10**ri(1, 80))
    print('int', n, hex(n), oct(n), bin(n)[:40], int(str(n)) == n, n.bit_length(), n.bit_count())
