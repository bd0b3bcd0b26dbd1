# itertools/functools/collections/operator/math API fuzz, one line per case.
import random, sys, itertools as it, functools as ft, collections as co, operator as op, math
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
ch = random.choice; ri = random.randint
seqs = [[], [1], [3, 1, 2], 'abc', (0, -1, 5, 5), range(4), [1.5, 2, True], ['b', 'a', 'b'], [None, 1]]
nums = [0, 1, -1, 2, 3, 7, -3, 0.5, -2.5, 1e308, float('inf'), float('nan'), True, 10**20, -0.0, 2**63]
def E(e): return type(e).__name__ + ': ' + str(e)
def rnd(x):
    if isinstance(x, float): return repr(round(x, 10))
    return repr(x)
cases = [
 lambda: list(it.islice(it.count(ch(nums[:5]), ch([1, -1, 0.5])), ri(0, 4))),
 lambda: list(it.islice(ch(seqs), *[ri(-1, 4) for _ in range(ri(1, 3))])),
 lambda: list(it.accumulate(ch(seqs), *([ch([op.mul, op.sub, max])] if random.random() < .5 else []), **({'initial': ri(0, 3)} if random.random() < .4 else {}))),
 lambda: list(it.combinations(ch(seqs), ri(-1, 3))),
 lambda: list(it.permutations(ch(seqs), *([ri(-1, 3)] if random.random() < .6 else []))),
 lambda: list(it.product(ch(seqs), ch(seqs), repeat=ri(0, 2)))[:20],
 lambda: list(it.combinations_with_replacement(ch(seqs), ri(-1, 3)))[:20],
 lambda: list(it.pairwise(ch(seqs))),
 lambda: list(it.batched(ch(seqs), ri(-1, 3))),
 lambda: [(k, list(g)) for k, g in it.groupby(ch(seqs))],
 lambda: list(it.zip_longest(ch(seqs), ch(seqs), fillvalue=ch([None, 0]))),
 lambda: list(it.starmap(ch([pow, op.add, divmod]), [(ri(-3, 3), ri(-3, 3)) for _ in range(3)])),
 lambda: list(it.compress(ch(seqs), ch(seqs))),
 lambda: list(it.dropwhile(bool, ch(seqs))) + list(it.takewhile(bool, ch(seqs))),
 lambda: list(it.filterfalse(ch([None, bool]), ch(seqs))),
 lambda: [list(x) for x in it.tee(ch(seqs), ri(0, 3))],
 lambda: list(it.chain.from_iterable([ch(seqs), ch(seqs)])),
 lambda: list(it.repeat(ch(nums), ri(-1, 3))),
 lambda: ft.reduce(ch([op.add, op.mul, max]), ch(seqs), *([ri(0, 3)] if random.random() < .5 else [])),
 lambda: sorted(ch(seqs), key=ft.cmp_to_key(lambda a, b: (a > b) - (a < b))),
 lambda: ft.partial(ch([max, min, pow]), ri(0, 3))(ri(0, 3)),
 lambda: repr(ft.partial(op.add, 1, x=2)).replace('<built-in function add>', 'ADD'),
 lambda: co.Counter(ch(seqs)).most_common(ri(-1, 3)),
 lambda: (co.Counter(ch(seqs)) + co.Counter(ch(seqs))) - co.Counter('ab'),
 lambda: co.Counter(ch(seqs)) | co.Counter(ch(seqs)),
 lambda: sorted(co.Counter(ch(seqs)).elements(), key=repr),
 lambda: co.Counter(a=ri(-2, 2), b=ri(-2, 2)).total(),
 lambda: +co.Counter(a=ri(-2, 2), b=ri(-2, 2)),
 lambda: -co.Counter(a=ri(-2, 2), b=ri(-2, 2)),
 lambda: co.deque(ch(seqs), ri(0, 3)),
 lambda: (lambda d: (d.rotate(ri(-4, 4)), d)[1])(co.deque(ch(seqs))),
 lambda: (lambda d: (d.insert(ri(-5, 5), 'X'), d)[1])(co.deque(ch(seqs), ch([None, 2, 3]))),
 lambda: co.deque(ch(seqs)).index(ch(nums[:5] + ['a', 'b'])),
 lambda: co.OrderedDict.fromkeys(ch(seqs)),
 lambda: (lambda d: (d.move_to_end(ch(list(d) or [1]), ch([True, False])), list(d))[1])(co.OrderedDict.fromkeys('abc')),
 lambda: co.namedtuple('P', ch(['x y', 'x, y', 'a _b', 'def x', 'x x', 'x 1y']), rename=ch([True, False]))._fields,
 lambda: co.namedtuple('P', 'x y', defaults=[ri(0, 3)])(1),
 lambda: co.namedtuple('P', 'x y')(1, 2)._replace(**{ch(['x', 'z']): 5}),
 lambda: co.ChainMap({'a': 1}, {'a': 2, 'b': 3}).new_child({'c': 4}).parents,
 lambda: co.defaultdict(ch([list, int, None]), {'a': 1}),
 lambda: getattr(math, ch(['floor', 'ceil', 'trunc', 'sqrt', 'log', 'exp', 'isqrt', 'factorial', 'fabs', 'log2', 'log10', 'gamma', 'lgamma', 'erf', 'atan', 'cosh', 'expm1', 'log1p', 'isfinite', 'ulp', 'frexp', 'modf']))(ch(nums)),
 lambda: getattr(math, ch(['gcd', 'lcm', 'comb', 'perm', 'pow', 'fmod', 'remainder', 'copysign', 'atan2', 'hypot', 'dist', 'ldexp', 'nextafter', 'isclose', 'log']))(ch(nums), ch(nums)),
 lambda: math.fsum(random.sample(nums, 3)),
 lambda: math.prod(ch(seqs)),
 lambda: math.sumprod(ch(seqs), ch(seqs)),
 lambda: getattr(op, ch(['itemgetter', 'attrgetter', 'methodcaller']))(*ch([[1], [0, 1], ['real'], ['upper'], ['x.y'], []]))(ch(seqs + ['xyz', 3j])),
 lambda: getattr(op, ch(['add', 'sub', 'mul', 'truediv', 'floordiv', 'mod', 'pow', 'lshift', 'and_', 'concat', 'contains', 'countOf', 'indexOf', 'getitem', 'is_', 'lt', 'iadd', 'imul']))(ch(seqs + nums), ch(seqs + nums)),
 lambda: op.length_hint(ch([iter([1, 2]), [], 3, iter(range(5)), reversed([1, 2])]), ri(-1, 2)),
]
for i in range(3000):
    k = ri(0, len(cases) - 1)
    try: r = cases[k]()
    except Exception as e: r = E(e)
    try: s = rnd(r)
    except Exception as e: s = 'REPR ' + E(e)
    print(i, k, s)
