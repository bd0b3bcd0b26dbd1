# statistics, calendar and seeded random.Random with random data and
# (often wrong) arguments. One line per case.
import random, sys, statistics as st, calendar
from fractions import Fraction as F
from decimal import Decimal as D
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
ch = random.choice; ri = random.randint
def E(e): return type(e).__name__ + ': ' + str(e)
def DATA():
    kind = ri(0, 5)
    n = ri(0, 7)
    if kind == 0: return [ri(-5, 9) for _ in range(n)]
    if kind == 1: return [ch([0.5, 1.25, -2.0, 3.0, 1e300, 0.1]) for _ in range(n)]
    if kind == 2: return [F(ri(-9, 9), ri(1, 5)) for _ in range(n)]
    if kind == 3: return [D(ch(['1.5', '2', '-0.25', '10'])) for _ in range(n)]
    if kind == 4: return [ch([1, 2.5, F(1, 2), True]) for _ in range(n)]
    return ch([[float('nan'), 1], [float('inf'), 1.0], ['a', 'b', 'a'], [1, 'x'], iter([3, 1, 2]), (), [D('1'), 1.5], [F(1, 3), D('0.5')]])
FNS = ['mean', 'fmean', 'geometric_mean', 'harmonic_mean', 'median', 'median_low', 'median_high', 'median_grouped', 'mode', 'multimode',
       'pstdev', 'pvariance', 'stdev', 'variance', 'quantiles']
def c_stats():
    f = ch(FNS); d = DATA()
    if f == 'quantiles': return f, st.quantiles(d, **ch([{}, {'n': ch([1, 2, 4, 0, -1])}, {'method': ch(['inclusive', 'exclusive', 'x'])}]))
    if f in ('variance', 'stdev', 'pvariance', 'pstdev') and random.random() < .3: return f, getattr(st, f)(d, ch([0, 1.5, F(1, 2), None]))
    if f == 'median_grouped' and random.random() < .4: return f, st.median_grouped(d, interval=ch([1, 2, 0.5, 0]))
    if f == 'harmonic_mean' and random.random() < .3: return f, st.harmonic_mean(d, weights=[ri(0, 3) for _ in range(ri(0, 7))])
    if f == 'fmean' and random.random() < .3: return f, st.fmean(d, weights=[ri(0, 3) for _ in range(ri(0, 7))])
    r = getattr(st, f)(d)
    return f, round(r, 9) if isinstance(r, float) else r
def c_stats2():
    o = ri(0, 5)
    x, y = [ri(-5, 9) for _ in range(ri(0, 6))], [ri(-5, 9) for _ in range(ri(0, 6))]
    if o == 0: return round(st.correlation(x, y, **ch([{}, {'method': 'ranked'}])), 9)
    if o == 1: return round(st.covariance(x, y), 9)
    if o == 2: r = st.linear_regression(x, y, proportional=ch([False, True])); return round(r.slope, 9), round(r.intercept, 9)
    if o == 3:
        n = st.NormalDist(ch([0, 1.5, -2]), ch([1, 0.5, 0, -1])); return repr(n), round(n.cdf(ch([0, 1, -1])), 9), round(n.pdf(0.5), 9), [round(v, 6) for v in n.quantiles(ch([2, 4]))], round(n.inv_cdf(ch([0.5, 0.9, 0, 1.5])), 9)
    if o == 4:
        a, b = st.NormalDist(1, 2), st.NormalDist(ch([1, 3]), ch([2, 0.5])); return repr(a + b), repr(a * 2), repr(a - 1), round(a.overlap(b), 9), a == b, round(a.zscore(2), 9)
    return repr(st.NormalDist.from_samples(ch([[1, 2, 3], [1.5, 2.5], [1], []]))), st.NormalDist(1, 2).mean
def c_calendar():
    o = ri(0, 9); y = ch([2024, 2023, 1900, 2000, 1, 9999, 0, 10000]); m = ri(0, 13)
    if o == 0: return calendar.monthrange(y, m)
    if o == 1: return calendar.month(y, m, *ch([[], [3], [0, 0], [4, 2]]))
    if o == 2: return calendar.monthcalendar(y, m)
    if o == 3: return calendar.isleap(y), calendar.leapdays(y, ch([2024, 1, 3000])), calendar.weekday(y, m, ri(0, 32))
    if o == 4: return calendar.TextCalendar(ch([0, 6, 3, 7, -1])).formatmonth(y, m)
    if o == 5: return calendar.timegm((y, m, ri(1, 28), ri(0, 23), ri(0, 59), ri(0, 59), 0, 0, 0))
    if o == 6: return list(calendar.Calendar(ch([0, 6])).itermonthdays2(y, m))[:10]
    if o == 7: return calendar.day_name[ri(-8, 7)], calendar.month_abbr[ri(-13, 13)], list(calendar.day_abbr)
    if o == 8: return calendar.HTMLCalendar().formatmonth(y, m).count('<td')
    return calendar.calendar(y, *ch([[], [1, 1, 1, 3]]))[:300]
def c_random():
    r = random.Random(ch([0, 1, 42, 'abc', b'x', 3.5, -7, 2**100, None if False else 5]))
    o = ri(0, 10)
    if o == 0: return [r.random() for _ in range(3)]
    if o == 1: return [r.randint(ri(-5, 5), ri(0, 10)) for _ in range(4)]
    if o == 2: return r.choice(ch([[1, 2, 3], 'abc', range(100), []]))
    if o == 3: return r.sample(ch([list(range(10)), 'abcdef', range(10**6)]), ch([0, 3, 7, 11]), **ch([{}, {'counts': [1, 2, 3, 4, 5, 6]}]))
    if o == 4: l = list(range(8)); r.shuffle(l); return l
    if o == 5: return [round(x, 12) for x in (r.uniform(1, 2), r.gauss(0, 1), r.normalvariate(1, 2), r.expovariate(ch([1, 0.5])), r.triangular(0, 1, 0.2), r.betavariate(2, 3), r.gammavariate(ch([0.5, 1, 2]), 1), r.paretovariate(2), r.weibullvariate(1, 2), r.lognormvariate(0, 1), r.vonmisesvariate(1, 2))]
    if o == 6: return r.choices(ch(['abc', [1, 2]]), **ch([{}, {'k': 5}, {'weights': [1, 0, 2][:ri(1, 3)], 'k': 4}, {'cum_weights': [1, 1, 5], 'k': 3}]))
    if o == 7: return r.getrandbits(ch([0, 1, 31, 32, 33, 64, 100, -1])), r.randbytes(ch([0, 3, 9])), r.randrange(*ch([[10], [1, 10], [0, 10, 3], [5, 1, -2], [0], [1.5], [10, 1]]))
    if o == 8: return r.binomialvariate(ch([1, 5, 50, 1000]), ch([0.5, 0.1, 0.95, 0, 1]))
    if o == 9: s = r.getstate(); a = r.random(); r.setstate(s); return a == r.random(), len(s[1])
    return [r.randrange(2**ch([10, 53, 70, 200])) for _ in range(3)]

cases = [c_stats, c_stats2, c_calendar, c_random]
for i in range(1500):
    k = ri(0, len(cases) - 1)
    try: r = cases[k]()
    except Exception as e: r = E(e)
    try: s = repr(r)
    except Exception as e: s = 'REPR ' + E(e)
    print(i, k, s if len(s) < 600 else s[:300] + '...%d...' % len(s) + s[-100:])
