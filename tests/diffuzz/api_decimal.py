# decimal and fractions with random values and contexts: arithmetic,
# the Decimal methods (quantize, rounding, logical, compare_total, next_*,
# scaleb, ...), Context methods, signals and flags, str/repr/format,
# Fraction arithmetic, limit_denominator, formatting and errors.
import random, sys, decimal, math, operator
from decimal import Decimal as D, Context
from fractions import Fraction as F
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
ch = random.choice; ri = random.randint
def E(e): return type(e).__name__ + ': ' + str(e)
ROUND = [decimal.ROUND_HALF_UP, decimal.ROUND_DOWN, decimal.ROUND_HALF_EVEN, decimal.ROUND_CEILING,
         decimal.ROUND_FLOOR, decimal.ROUND_UP, decimal.ROUND_05UP, decimal.ROUND_HALF_DOWN]
SIGNALS = [decimal.Clamped, decimal.DivisionByZero, decimal.Inexact, decimal.Overflow, decimal.Rounded,
           decimal.Underflow, decimal.InvalidOperation, decimal.Subnormal, decimal.FloatOperation]

def DSTR():
    c = ri(0, 5)
    if c == 0: return ch(['0', '-0', '1', '-1', '0.0', '0E+3', '1E-3', '-0E-7', 'NaN', '-NaN', 'sNaN', 'NaN123', 'Inf', '-Infinity', '1_0', ' 7 ', '1e', '', '.5', '5.', '0x10', '１２'])
    if c == 1: return str(ri(-10**ri(1, 30), 10**ri(1, 30)))
    digits = ''.join(ch('0123456789') for _ in range(ri(1, ch([3, 8, 30]))))
    s = ch(['', '-', '+']) + digits
    if random.random() < .6:
        p = ri(0, len(s)); s = s[:p] + '.' + s[p:]
        if s in ('.', '-.', '+.'): s = '0.1'
    if random.random() < .5: s += ch(['e', 'E']) + ch(['', '-', '+']) + str(ri(0, ch([5, 30, 400, 10**6])))
    return s
def DEC():
    s = DSTR()
    try: return D(s)
    except Exception: return D(ch(['1.5', '-2', '0.001', '12345.6789']))
def CTX():
    kw = {}
    if random.random() < .8: kw['prec'] = ch([1, 2, 3, 5, 9, 28, 50])
    if random.random() < .6: kw['rounding'] = ch(ROUND)
    if random.random() < .3: kw['Emax'] = ch([9, 99, 999999])
    if random.random() < .3: kw['Emin'] = ch([-9, -99, -999999])
    if random.random() < .2: kw['capitals'] = ch([0, 1])
    if random.random() < .2: kw['clamp'] = ch([0, 1])
    if random.random() < .5: kw['traps'] = random.sample(SIGNALS, ri(0, 3))
    return Context(**kw)
def NUM(): return ch([DEC, DEC, lambda: ri(-20, 20), lambda: ch([0.5, 1.1, float('nan'), -0.0]), lambda: F(ri(-9, 9), ri(1, 9)), lambda: ch(['1', None, True, 2**70])])()

def c_ops():
    a, b = DEC(), NUM()
    if random.random() < .5: a, b = b, a
    o = ch(['+', '-', '*', '/', '//', '%', '**', '<', '<=', '==', '!=', '>', 'divmod', 'neg', 'abs', 'pos', 'round', 'int', 'float', 'hash', 'bool'])
    with decimal.localcontext(CTX()) as c:
        if o == 'divmod': r = divmod(a, b)
        elif o == 'neg': r = -a
        elif o == 'abs': r = abs(a)
        elif o == 'pos': r = +a
        elif o == 'round': r = round(a, *ch([[], [0], [2], [-1], [None]]))
        elif o in ('int', 'float', 'bool'): r = eval(o)(a)
        elif o == 'hash': r = hash(a) if isinstance(a, (D, F, int, float)) and not (isinstance(a, (D, float)) and a != a) else 'skip'  # str/None hashes vary
        else: r = eval('a %s b' % o)
        return o, r, sorted(s.__name__ for s in SIGNALS if c.flags[s])

UNARY = ['adjusted', 'as_tuple', 'as_integer_ratio', 'canonical', 'conjugate', 'copy_abs', 'copy_negate', 'exp', 'is_canonical', 'is_finite', 'is_infinite',
         'is_nan', 'is_normal', 'is_qnan', 'is_signed', 'is_snan', 'is_subnormal', 'is_zero', 'ln', 'log10', 'logb', 'logical_invert', 'next_minus', 'next_plus',
         'normalize', 'number_class', 'sqrt', 'to_eng_string', 'to_integral', 'to_integral_exact', 'to_integral_value', '__trunc__', '__floor__', '__ceil__', 'radix']
BINARY = ['compare', 'compare_signal', 'compare_total', 'compare_total_mag', 'copy_sign', 'logical_and', 'logical_or', 'logical_xor', 'max', 'max_mag',
          'min', 'min_mag', 'next_toward', 'quantize', 'remainder_near', 'rotate', 'same_quantum', 'scaleb', 'shift']
def c_method():
    a = DEC(); c = CTX()
    if random.random() < .3: a = D(ch(['1010', '-1101', '111', '0', '1E+2', '10.1']))
    m = ch(UNARY + BINARY + ['fma'])
    f = getattr(a, m)
    try:
        if m in UNARY: r = f(context=c) if random.random() < .5 and m not in ('adjusted', 'as_tuple', 'as_integer_ratio', 'canonical', 'conjugate', 'copy_abs', 'copy_negate', 'is_canonical', 'is_finite', 'is_infinite', 'is_nan', 'is_qnan', 'is_signed', 'is_snan', 'is_zero', 'radix', '__trunc__', '__floor__', '__ceil__') else f()
        elif m == 'fma': r = f(NUM(), NUM(), context=c)
        elif m in ('rotate', 'shift', 'scaleb'): r = f(ch([D(ri(-5, 5)), ri(-30, 30), D('1.5'), D('NaN')]), context=c)
        elif m == 'quantize': r = f(D(ch(['1', '0.01', '1E+2', '1E-30', '0.1', 'Inf', 'NaN', '1E+10'])), rounding=ch([None] + ROUND), context=c)
        else: r = f(NUM(), context=c)
    except Exception as e: r = E(e)
    return m, r, sorted(s.__name__ for s in SIGNALS if c.flags[s])

CMETH = ['abs', 'add', 'compare', 'divide', 'divide_int', 'divmod', 'exp', 'fma', 'ln', 'log10', 'logb', 'max', 'min', 'minus', 'multiply', 'next_plus', 'normalize',
         'plus', 'power', 'quantize', 'remainder', 'remainder_near', 'sqrt', 'subtract', 'to_eng_string', 'to_sci_string', 'to_integral_exact', 'create_decimal',
         'create_decimal_from_float', 'is_zero', 'number_class', 'copy_sign', 'same_quantum', 'logical_and', 'Etiny', 'Etop', 'radix', 'canonical', 'is_signed']
def c_context():
    c = CTX(); m = ch(CMETH)
    f = getattr(c, m)
    try:
        if m in ('Etiny', 'Etop', 'radix'): r = f()
        elif m == 'create_decimal': r = f(*ch([[], [DSTR()], [ri(-10**40, 10**40)], [0.1], [(0, (1, 2), -1)], [(1, (), 'F')]]))
        elif m == 'create_decimal_from_float': r = f(ch([0.1, -0.0, 1e300, float('inf'), 5, '1']))
        elif m == 'fma': r = f(NUM(), NUM(), NUM())
        elif m == 'power': r = f(NUM(), NUM(), *ch([[], [NUM()]]))
        elif m in ('abs', 'exp', 'ln', 'log10', 'logb', 'minus', 'next_plus', 'normalize', 'plus', 'sqrt', 'to_eng_string', 'to_sci_string', 'to_integral_exact', 'is_zero', 'number_class', 'canonical', 'is_signed'):
            r = f(NUM())
        else: r = f(NUM(), NUM())
    except Exception as e: r = E(e)
    return m, r, sorted(s.__name__ for s in SIGNALS if c.flags[s])

def c_repr():
    a = DEC(); o = ri(0, 5)
    if o == 0: return str(a), repr(a), a.to_eng_string(), float(a) if not a.is_snan() else 'snan'
    if o == 1: return format(a, ch(['', 'f', '.3f', 'e', '.2e', 'g', '.3g', '%', ',', '_.2f', '>20', '<12.4', '^+15.3e', '010.2f', 'z.1f', '#.0f', 'E', 'G', 'n', 'x', '.0%', ',.30f', '-', ' .5']))
    if o == 2: return str(CTX()), repr(CTX())
    if o == 3:
        c = CTX(); c.prec = ch([0, -1, 10**20, 5, 'x']); return c.prec
    if o == 4: return D(ch([(0, (1, 2, 3), -2), (1, (0,), 5), (0, (), 'n'), (0, (1,), 'F'), (2, (1,), 0), (0, (10,), 0), [0, [4], 1], (0, (1, 2), 'N'), (1, (3,), 'n')]))
    return D(ch([0.1, 1e300, -0.0, float('nan'), float('inf'), 2**80, -5, True, F(1, 3), 1j, '1e999999999999'])), D('1.10') == F(11, 10)

def c_signals():
    c = CTX(); c.traps[ch(SIGNALS)] = ch([True, False])
    a, b = DEC(), DEC()
    with decimal.localcontext(c):
        try: r = ch([lambda: a / b, lambda: a ** b, lambda: a.sqrt(), lambda: a.ln(), lambda: a * b, lambda: D(1) / 0, lambda: D(0) / 0, lambda: D('1e9999') * 10, lambda: D('1e-9999') / 10**9, lambda: D(0.1) + 1])()
        except Exception as e: r = E(e)
    return r, sorted(s.__name__ for s in SIGNALS if c.flags[s]), str(c.flags[decimal.Inexact])

def FR():
    c = ri(0, 4)
    if c == 0: return F(ri(-50, 50), ch([1, 2, 3, 7, 10, 12, -4]))
    if c == 1: return F(ch(['1/3', '-7/8', '3.25', '1e-3', '  5 ', '1_000/3', '2.5e2', '0', '-0.0', '1/0', 'x', '1/-2', '+3/4', '.5', '3.', '1e400']))
    if c == 2: return F(ch([0.1, 2.5, -0.0, 1e-10, 1e20]))
    if c == 3: return F(D(ch(['1.1', '-0.001', '1E+5'])))
    return F(ri(-10**20, 10**20), ri(1, 10**10))
def c_fraction():
    a = FR(); o = ri(0, 9)
    if o == 0: return str(a), repr(a), a.numerator, a.denominator, a.as_integer_ratio(), a.is_integer()
    if o == 1:
        b = ch([FR, lambda: ri(-5, 5), lambda: ch([0.5, 1e300, float('inf'), float('nan')]), lambda: D('1.5'), lambda: 1j, lambda: True])()
        op = ch(['+', '-', '*', '/', '//', '%', '**', '<', '==', '>=', 'divmod'])
        return op, divmod(a, b) if op == 'divmod' else eval('a %s b' % op)
    if o == 2: return a.limit_denominator(ch([1, 2, 3, 10, 1000, 0, -1]))
    if o == 3: return round(a), round(a, ch([0, 1, 2, -1])), math.floor(a), math.ceil(a), math.trunc(a), int(a)
    if o == 4: return format(a, ch(['', '.3f', '10', '>10', '.2e', '%', 'g', '.0f', '+.2f', ',.2f', '_', 'x', '#.0f', 'z.1f', '=+10.3f', '010.2f', '.10g', 'E', '^12']))
    if o == 5: return F(ch([1, 2.5, '3/4', D('0.5'), F(1, 2)]), ch([3, F(1, 3), 2.5, D('1.5'), 0, '2']))
    if o == 6: return F.from_float(ch([0.1, 3, float('nan'), 'x'])), F.from_decimal(ch([D('1.1'), D('NaN'), 5, 1.5]))
    if o == 7: return hash(a) == hash(float(a)) if a.denominator in (1, 2, 4, 8) else hash(a) == hash(F(a.numerator, a.denominator)), a == float(a), a ** ch([2, -1, F(1, 2), 0.5, -2])
    if o == 8: return sorted([FR(), FR(), 0.5, 1, D('0.25')]), max(FR(), FR())
    return a + D('1.5') if random.random() < .5 else complex(a), bool(a), float(a), a.__reduce__()

cases = [c_ops, c_method, c_context, c_repr, c_signals, c_fraction]
for i in range(800):
    k = ri(0, len(cases) - 1)
    try: r = cases[k]()
    except Exception as e: r = E(e)
    try: s = repr(r)
    except Exception as e: s = 'REPR ' + E(e)
    print(i, k, s if len(s) < 400 else s[:200] + '...%d...' % len(s) + s[-100:])
