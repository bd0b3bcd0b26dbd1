# datetime/date/time/timedelta/timezone with random (often wrong) arguments:
# constructors, arithmetic, comparisons, replace, isoformat/fromisoformat,
# strftime/strptime with fixed values, reprs and errors. One line per case.
import random, sys
from datetime import datetime, date, time, timedelta, timezone, tzinfo, MINYEAR, MAXYEAR
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
ch = random.choice; ri = random.randint
def E(e): return type(e).__name__ + ': ' + str(e)

class Fixed(tzinfo):
    # A user tzinfo with a fixed offset and DST, to reach the Python-level hooks.
    def __init__(self, mins, name, dst=0): self.m, self.n, self.d = mins, name, dst
    def utcoffset(self, dt): return None if self.m is None else timedelta(minutes=self.m)
    def dst(self, dt): return None if self.d is None else timedelta(minutes=self.d)
    def tzname(self, dt): return self.n
    def __repr__(self): return 'Fixed(%r)' % (self.m,)
class Bad(tzinfo):
    # Wrong offsets and names, picked when made (the hooks must not use the rng).
    def __init__(self): self.o, self.n = ch([timedelta(hours=25), 5, timedelta(seconds=30, microseconds=1), 'x']), ch([5, None, 'B'])
    def utcoffset(self, dt): return self.o
    def dst(self, dt): return self.o
    def tzname(self, dt): return self.n
    def __repr__(self): return 'Bad()'

def TZ():
    return ch([None, None, timezone.utc, timezone(timedelta(hours=ri(-23, 23), minutes=ch([0, 30, -15]))),
               timezone(timedelta(hours=5, minutes=45), 'NPT'), timezone(timedelta(0)), timezone(-timedelta(seconds=1)),
               Fixed(ri(-600, 600), 'F'), Fixed(None, 'N'), Fixed(60, None, 60), Bad()])
def INT(lo, hi): return ch([ri(lo, hi), ri(lo, hi), ri(lo, hi), lo - 1, hi + 1, 0, -1, True, 2.0, '3', None, 10**20])
def DATE(): return date(ri(1, 9999), ri(1, 12), ri(1, 28)) if random.random() < .7 else ch([date.min, date.max, date(2024, 2, 29), date(2000, 12, 31), date(1, 1, 1)])
def TIME(): return time(ri(0, 23), ri(0, 59), ri(0, 59), ch([0, 0, 1, 500000, 999999, ri(0, 999999)]), tzinfo=TZ(), fold=ch([0, 0, 1]))
def DT():
    if random.random() < .15: return ch([datetime.min, datetime.max, datetime(2024, 2, 29, 23, 59, 59, 999999), datetime(1970, 1, 1, tzinfo=timezone.utc)])
    return datetime(ri(1, 9999) if random.random() < .3 else ri(1990, 2030), ri(1, 12), ri(1, 28), ri(0, 23), ri(0, 59), ri(0, 59), ch([0, 0, 1, 123456, 999999]), tzinfo=TZ(), fold=ch([0, 0, 1]))
def TD():
    if random.random() < .15: return ch([timedelta.min, timedelta.max, timedelta.resolution, timedelta(0), -timedelta.resolution])
    kw = {}
    for n in random.sample(['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'], ri(1, 3)):
        kw[n] = ch([ri(-100, 100), ri(-10**6, 10**6), 0.5, -1.25, 1e-7, 0.0000015, 86399.9999995, 2.5e-6, 1/3])
    return timedelta(**kw)
def ANY(): return ch([DATE, TIME, DT, TD, lambda: ch([1, 1.5, None, 'x', timezone.utc])])()

FMT = ['%a', '%A', '%b', '%B', '%d', '%f', '%H', '%I', '%j', '%m', '%M', '%p', '%S', '%U', '%w', '%W', '%y', '%Y', '%z', '%Z', '%%', '%G', '%u', '%V', '%:z', ' ', '-', 'T', 'x', '%C', '%D', '%F', '%R', '%T', '%n', '%t', '%h', '%e', '%g', '%k', '%l', '%s' if False else '%%']
ISO = ['2024-01-05', '2024-01-05T10:20:30', '2024-01-05 10:20:30.123', '2024-01-05T10:20:30+02:00', '2024-01-05T10:20:30Z',
       '20240105', '2024-W01-2', '2024W012', '2024-W53-1', '2024-01-05T10', '2024-01-05T10:20:30.1234567', '2024-13-01', '2024-01-05T24:00',
       '2024-01-05T25:00', 'x', '', '2024-01-05T10:20:30.123456-05:30', '2024-001', '2024-366', '2023-366', '2024-01-05T10:20:30,5',
       '2024-01-05T102030', '2024-01-05T10:20:30+0530', '2024-01-05T10:20:30+05:30:15', '2024-01-05T10:20:30+05:30:15.5',
       '2024-01-05T10:20:30.12', '2024-01-05T10:20:30.', '2024-01-05T10:20:30 ', '2024-1-5', '0000-01-01', '9999-12-31T23:59:59.999999',
       '10:20', '10:20:30', '10', '102030', '10:20:30.5Z', '10:20:30+01:00', 'T10:20', '10:20:60', '24:00', '10:20:30.1234567',
       '2024-01-05T10:20:30-00:00', '2024-02-30', '2024-01-05t10:20', '2024-01-05X10:20', '2025-W53-1', '2026-W53-7']

def c_construct():
    cls = ch([date, datetime, time, timedelta, timezone])
    if cls is date: return date(INT(1, 9999), INT(1, 12), INT(1, 31))
    if cls is datetime: return datetime(INT(1, 9999), INT(1, 12), INT(1, 31), *[INT(0, 59) for _ in range(ri(0, 3))], **ch([{}, {'fold': INT(0, 1)}, {'tzinfo': ch([5, TZ()])}]))
    if cls is time: return time(*[INT(0, 59) for _ in range(ri(0, 4))], **ch([{}, {'fold': INT(0, 1)}, {'tzinfo': ch([5, TZ()])}]))
    if cls is timedelta: return timedelta(*[ch([1, -1, 10**9, 999999999, 1e10, float('nan'), float('inf'), 0.5, '1']) for _ in range(ri(0, 3))])
    return timezone(ch([timedelta(hours=ri(-25, 25)), timedelta(microseconds=1), timedelta(0), 5, None]), *ch([[], ['N'], [5], [None]]))

def c_arith():
    a, b = ANY(), ANY()
    o = ch(['+', '-', '*', '/', '//', '%', '<', '<=', '==', '!=', '>', 'divmod', 'neg', 'abs', 'pos'])
    if o == 'divmod': return o, divmod(a, b)
    if o in ('neg', 'abs', 'pos'): return o, {'neg': lambda: -a, 'abs': lambda: abs(a), 'pos': lambda: +a}[o]()
    if random.random() < .5 and o in '+-*/ // %': b = ch([TD(), ri(-5, 5), ch([0.5, 1.5, -2.25, 1e-7, float('inf')])])
    return o, eval('a %s b' % o)

def c_td():
    t = TD(); o = ri(0, 6)
    if o == 0: return str(t), repr(t), t.days, t.seconds, t.microseconds
    if o == 1: return t.total_seconds(), bool(t), t == timedelta(seconds=t.total_seconds())
    if o == 2: return t * ch([0.1, 3, -1, 1e-6, 2**40, F3]), t / ch([3, 0.7, TD()])
    if o == 3: return round(t / timedelta(hours=1), 6), t // ch([timedelta(minutes=7), 7]), t % ch([timedelta(minutes=7), timedelta(seconds=-1)])
    if o == 4: return sorted([TD(), TD(), t]), max(t, TD()), hash(t) == hash(timedelta(t.days, t.seconds, t.microseconds))
    if o == 5: return t + TD(), t - TD(), timedelta.max + t
    return format(t, ''), f'{t!s:>30}', t.__reduce__()

def c_date():
    d = DATE(); o = ri(0, 9)
    if o == 0: return repr(d), str(d), d.isoformat(), d.ctime(), d.weekday(), d.isoweekday(), tuple(d.isocalendar()), d.toordinal()
    if o == 1: return d.replace(**{ch(['year', 'month', 'day', 'hour']): INT(0, 40)})
    if o == 2: return date.fromordinal(ch([1, 0, -1, 3652059, 3652060, ri(1, 800000), 2.5]))
    if o == 3: return date.fromisocalendar(INT(1, 9999), INT(1, 53), INT(1, 7))
    if o == 4: return date.fromisoformat(ch(ISO))
    if o == 5: return d + timedelta(days=ri(-1000, 1000)), d - DATE(), d - timedelta(hours=ri(0, 48))
    if o == 6: return d.timetuple()[:9], d.isocalendar().week, d.isocalendar()[0]
    if o == 7: return d == datetime(d.year, d.month, d.day), d < DATE(), d == d.replace(), d != 5
    if o == 8: return format(d, ch(['', '%Y', '%d/%m/%y %a', '{}', '%j %U %W'])), f'{d:%B}'
    return d.strftime(''.join(ch(FMT) for _ in range(ri(1, 5))))

def c_time():
    t = TIME(); o = ri(0, 7)
    if o == 0: return repr(t), str(t), t.isoformat(), t.utcoffset(), t.tzname(), t.dst()
    if o == 1: return t.isoformat(ch(['auto', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds', 'nanoseconds', 'x']))
    if o == 2: return t.replace(**{ch(['hour', 'minute', 'second', 'microsecond', 'fold', 'tzinfo', 'day']): ch([0, 59, 60, -1, 1000000, None, 1, timezone.utc])})
    if o == 3: return time.fromisoformat(ch(ISO))
    if o == 4: return t < TIME(), t == TIME(), t == t.replace(fold=1 - t.fold)
    if o == 5: return t.strftime(''.join(ch(FMT) for _ in range(ri(1, 5))))
    if o == 6: return format(t, ch(['', '%H:%M', '%I %p', '%f'])), bool(t)
    return hash(t) == hash(t.replace(fold=1 - t.fold)), t.hour, t.minute, t.second, t.microsecond, t.fold

def c_dt():
    d = DT(); o = ri(0, 13)
    if o == 0: return repr(d), str(d), d.isoformat(ch(['T', ' ', 'x'])), d.ctime()
    if o == 1: return d.isoformat(timespec=ch(['auto', 'hours', 'minutes', 'seconds', 'milliseconds', 'microseconds', 'bad']))
    if o == 2: return d.replace(**{ch(['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo', 'fold']): ch([0, 1, 12, 13, 29, 31, 59, 60, 9999, 10000, None, timezone.utc, Fixed(30, 'H')])})
    if o == 3: return datetime.fromisoformat(ch(ISO))
    if o == 4: return d.utcoffset(), d.dst(), d.tzname(), d.date(), d.time(), d.timetz()
    if o == 5: return d.astimezone(ch([timezone.utc, timezone(timedelta(hours=-7)), Fixed(90, 'X')])) if d.tzinfo is not None else d.replace(tzinfo=timezone.utc).astimezone(timezone(timedelta(hours=3)))
    if o == 6: return d - DT(), d + TD(), d - TD()
    if o == 7: return d == DT(), d < DT(), d == d.replace(fold=1 - d.fold), d == date(d.year, d.month, d.day)
    if o == 8: return d.timetuple()[:9], d.utctimetuple()[:9] if d.tzinfo is not None else None, d.toordinal(), tuple(d.isocalendar())
    if o == 9: return d.strftime(''.join(ch(FMT) for _ in range(ri(1, 5))))
    if o == 10: return datetime.combine(DATE(), TIME(), *ch([[], [timezone.utc], [None]]))
    if o == 11: return (d.replace(tzinfo=timezone.utc).timestamp(), datetime.fromtimestamp(ch([0, 1.5, 86400 * 365.25 * 30, -1e-7, 1e12]), timezone.utc))
    if o == 12: return format(d, ch(['', '%Y-%m-%d', '%c', '%x %X', '%z|%Z', '%:z'])), f'{d:%H}'
    return sorted([DT().replace(tzinfo=None) for _ in range(3)]), d.replace(tzinfo=None).isoformat()

def c_strptime():
    d = datetime(ri(1990, 2030), ri(1, 12), ri(1, 28), ri(0, 23), ri(0, 59), ri(0, 59), ri(0, 999999))
    parts = random.sample(['%Y', '%m', '%d', '%H', '%M', '%S', '%f', '%j', '%b', '%a', '%p', '%I', '%y', '%B', '%A', '%z', '%%'], ri(1, 5))
    fmt = ch([' ', '-', ':', '/']).join(parts)
    s = d.strftime(fmt)
    if '%z' in parts: s = s.replace(d.strftime('%z') or '@', '') + ''
    if random.random() < .2: s = s + ch(['x', ' ', '1'])
    if random.random() < .1: s = s[:-1]
    cls = ch([datetime, datetime, date, time])
    return fmt, s, cls.strptime(s, fmt)

def c_tz():
    z = TZ() or timezone.utc; o = ri(0, 5)
    if o == 0: return repr(z), str(z)
    if o == 1: return z.utcoffset(None), z.tzname(None), z.dst(None)
    if o == 2: return z == timezone(timedelta(0)), z == timezone.utc, timezone(timedelta(hours=1), 'A') == timezone(timedelta(hours=1), 'B')
    if o == 3: return z.fromutc(datetime(2024, 1, 1, tzinfo=z))
    if o == 4: return datetime(2024, 5, 6, 7, 8, tzinfo=z).isoformat(), datetime(2024, 5, 6, tzinfo=z).strftime('%z %Z %:z')
    return timezone.min, timezone.max, timezone.utc.utcoffset(5)

def c_minmax():
    cls = ch([date, datetime, time, timedelta]); o = ri(0, 3)
    if o == 0: return cls.min, cls.max, cls.resolution
    if o == 1: return cls.max + ch([timedelta(days=1), timedelta(microseconds=1)]) if cls is not time else time.max
    if o == 2: return cls.min - ch([timedelta(days=1), timedelta(microseconds=1)]) if cls is not time else time.min
    return MINYEAR, MAXYEAR, date.max - date.min, datetime.max - datetime.min

F3 = __import__('fractions').Fraction(1, 3)
cases = [c_construct, c_arith, c_td, c_date, c_time, c_dt, c_strptime, c_tz, c_minmax]
for i in range(1500):
    k = ri(0, len(cases) - 1)
    try: r = cases[k]()
    except Exception as e: r = E(e)
    try: s = repr(r)
    except Exception as e: s = 'REPR ' + E(e)
    print(i, k, s)
