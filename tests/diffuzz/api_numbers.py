import random, math, statistics as st
from fractions import Fraction as F
from decimal import Decimal as D, localcontext, ROUND_HALF_UP, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_05UP, ROUND_HALF_DOWN
import decimal
from datetime import datetime, date, time, timedelta, timezone
random.seed(14)
def N(): return random.choice([0, 1, -2, 3, 7, 2.5, -0.5, F(1, 3), F(-7, 4), True, 10**20, 1e300, float('inf'), float('nan'), 'x', None])
def DS(): return random.choice(['0', '1.5', '-2.675', '1e10', '123.456', 'NaN', 'Infinity', '-0', '0.0001', '1E-7', '2.5', '-3.5', 'abc', '1_000'])
for i in range(5000):
    k = random.randint(0, 11)
    try:
        if k == 0:
            a, b = N(), N(); o = random.choice(['+', '-', '*', '/', '//', '%', '**', '<', '==', 'divmod'])
            r = (o, divmod(a, b) if o == 'divmod' else eval('a %s b' % o)) if (isinstance(a, F) or isinstance(b, F)) else 'skip'
        elif k == 1:
            f = F(*random.choice([(3, 7), (1, 3), ('3.1415926535',), ('1/3',), (0.1,), (D('1.1'),), (5, -10), (1, 0), ('x',), (1.5, 2), ('  -7/8 ',), ('1e-3',), (F(1, 2), F(1, 3))]))
            r = (f, str(f), f.limit_denominator(random.choice([1, 2, 10, 100, 0])), round(f, random.choice([None, 0, 1, -1])), math.floor(f), f.as_integer_ratio(), float(f), format(f, random.choice(['', '.3f', '10', '>10', '.2e', '%'])))
        elif k == 2:
            a = D(DS()); b = D(DS())
            o = random.choice(['+', '-', '*', '/', '//', '%', '**', '<', '==', 'max'])
            with localcontext() as c:
                c.prec = random.choice([3, 5, 28])
                c.rounding = random.choice([ROUND_HALF_UP, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_CEILING])
                r = (o, a.max(b) if o == 'max' else eval('a %s b' % o))
        elif k == 3:
            a = D(DS()); q = D(random.choice(['1', '0.01', '1e1', '0.1', '1e-5']))
            rnd = random.choice([ROUND_HALF_UP, ROUND_DOWN, ROUND_HALF_EVEN, ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_05UP, ROUND_HALF_DOWN])
            r = (a.quantize(q, rounding=rnd), a.normalize(), a.as_tuple(), str(a), repr(a), a.to_integral_value(rounding=rnd), a.sqrt() if random.random() < .3 else a.adjusted(), a.is_signed(), format(a, random.choice(['', '.2f', 'e', '10.3', ',', '%'])))
        elif k == 4:
            x = N(); y = N()
            fn = random.choice(['sqrt', 'floor', 'ceil', 'trunc', 'log', 'exp', 'gcd', 'lcm', 'isqrt', 'factorial', 'comb', 'perm', 'copysign', 'fmod', 'remainder', 'hypot', 'dist', 'prod', 'fsum', 'isclose', 'atan2', 'ldexp', 'frexp', 'modf', 'log2', 'log10', 'pow', 'nextafter', 'ulp'])
            f = getattr(math, fn)
            if fn in ('prod', 'fsum'): r = (fn, f([x, y]))
            elif fn == 'dist': r = (fn, f([x], [y]))
            elif fn in ('gcd', 'lcm', 'hypot'): r = (fn, f(*[N() for _ in range(random.randint(0, 3))]))
            elif fn in ('sqrt', 'floor', 'ceil', 'trunc', 'exp', 'isqrt', 'factorial', 'frexp', 'modf', 'log2', 'log10', 'ulp'): r = (fn, f(x))
            elif fn == 'log': r = (fn, f(x) if random.random() < .5 else f(x, y))
            else: r = (fn, f(x, y))
        elif k == 5:
            data = [random.choice([1, 2, 2, 3, 5, 2.5, F(1, 2)]) for _ in range(random.randint(0, 6))]
            fn = random.choice(['mean', 'median', 'mode', 'multimode', 'stdev', 'pstdev', 'variance', 'pvariance', 'median_low', 'median_high', 'harmonic_mean', 'geometric_mean', 'fmean', 'quantiles', 'median_grouped'])
            r = (fn, getattr(st, fn)(data))
        elif k == 6:
            d = datetime(2024, random.randint(1, 12), random.randint(1, 28), random.randint(0, 23), random.randint(0, 59), random.randint(0, 59), random.choice([0, 1, 123456]), tzinfo=random.choice([None, timezone.utc, timezone(timedelta(hours=-5, minutes=-30)), timezone(timedelta(hours=2), 'X')]))
            fmt = ''.join(random.choice(['%a', '%A', '%b', '%B', '%c', '%d', '%f', '%H', '%I', '%j', '%m', '%M', '%p', '%S', '%U', '%w', '%W', '%x', '%X', '%y', '%Y', '%z', '%Z', '%%', '%G', '%u', '%V', '%e', '%-d', ' ', ':', 'T', '%:z']) for _ in range(random.randint(1, 5)))
            r = (fmt, d.strftime(fmt), d.isoformat(random.choice(['T', ' '])), d.isoformat(timespec=random.choice(['auto', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds'])), str(d), repr(d))
        elif k == 7:
            td = timedelta(**{random.choice(['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks']): random.choice([1, -1, 1.5, 0.000001, 86399, -86401, 10**6, 0.5])})
            td2 = timedelta(days=random.randint(-3, 3), seconds=random.randint(-100, 100))
            o = random.choice(['+', '-', '*', '/', '//', '%', 'divmod', 'abs', 'neg', '<'])
            other = random.choice([td2, 2, 0.5, 0, -3])
            r = (str(td), repr(td), o, abs(td) if o == 'abs' else -td if o == 'neg' else divmod(td, other) if o == 'divmod' else eval('td %s other' % o), td.total_seconds())
        elif k == 8:
            s = random.choice(['2024-01-05', '2024-01-05T10:20:30', '2024-01-05 10:20:30.123', '2024-01-05T10:20:30+02:00', '2024-01-05T10:20:30Z', '20240105', '2024-W01-2', '2024-01-05T10', '2024-01-05T10:20:30.1234567', '2024-13-01', '2024-01-05T25:00', 'x', '2024-01-05T10:20:30.123456-05:30', '2024-001'])
            cls = random.choice([datetime, date, time])
            v = cls.fromisoformat(s if cls is not time else s.split('T')[-1])
            r = (repr(v), v.isoformat(), str(v))
        elif k == 9:
            d1 = date(2024, random.randint(1, 12), random.randint(1, 28))
            d2 = datetime(2023, random.randint(1, 12), random.randint(1, 28), random.randint(0, 23))
            o = random.randint(0, 5)
            if o == 0: r = (d1 - date(2020, 2, 29), d1 + timedelta(days=random.randint(-400, 400)), d1.weekday(), d1.isocalendar(), d1.toordinal(), d1.replace(day=random.choice([1, 31])))
            elif o == 1: r = (d2 - datetime(2024, 1, 1), d2 + timedelta(hours=-30, microseconds=5), d2.timestamp() if False else d2.date(), d2.time(), d2.timetuple()[:9])
            elif o == 2: r = (d2.astimezone(timezone.utc).isoformat() if d2.tzinfo else None, d2.replace(tzinfo=timezone.utc) - datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=3))), d2 < datetime(2023, 6, 1))
            elif o == 3: r = (datetime.strptime(random.choice(['2024-01-05 10:20', '5/1/24', '10:20:30']), random.choice(['%Y-%m-%d %H:%M', '%d/%m/%y', '%H:%M:%S'])),)
            elif o == 4: r = (d1 == d2, d1 < d2.date(), date.fromordinal(random.randint(1, 800000)), date.fromisocalendar(2024, random.randint(1, 53), random.randint(1, 7)))
            else: r = (time(random.randint(0, 23), 5, 6, random.choice([0, 50])).isoformat(random.choice(['auto', 'minutes', 'milliseconds'])), time(1, 2).strftime('%H %M %p %I'), format(d1, '%Y|%j'), f'{d2:%b %d}')
        elif k == 10:
            c = decimal.Context(prec=random.choice([1, 3, 9]), rounding=random.choice([ROUND_HALF_UP, ROUND_FLOOR]), Emax=random.choice([99, 999999]), Emin=-99, traps=random.choice([None, [decimal.Overflow], []]))
            a = D(DS())
            m = random.choice(['add', 'multiply', 'divide', 'power', 'plus', 'minus', 'sqrt', 'ln', 'exp', 'log10', 'create_decimal', 'to_sci_string', 'compare', 'fma', 'divmod', 'remainder'])
            f = getattr(c, m)
            if m in ('plus', 'minus', 'sqrt', 'ln', 'exp', 'log10', 'to_sci_string'): r = (m, f(a))
            elif m == 'create_decimal': r = (m, f(DS()))
            elif m == 'fma': r = (m, f(a, D(DS()), D(DS())))
            else: r = (m, f(a, D(DS())))
            r = (r, c.flags[decimal.Inexact], c.flags[decimal.Rounded])
        else:
            x = random.choice([0.1, 1/3, 1e16, 2.5, -0.0, 123456789.123, 1e-7, float('nan')])
            r = (F(x), D(x), D(x).quantize(D('1e-3')) if abs(x) < 1e10 else 0, F.from_float(x).limit_denominator(1000), x.as_integer_ratio(), math.isclose(x, F(x)), round(x, random.choice([0, 1, 2, -1, None])))
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(i, k, repr(r))
