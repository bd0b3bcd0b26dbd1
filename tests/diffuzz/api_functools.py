import random, functools as ft, operator as op
random.seed(12)
def V(): return random.choice([0, 1, -3, 2.5, True, 'ab', '', b'x', [1, 2], (3,), None, {1: 2}, {5}, 1j, 2**65, frozenset([1])])
ops = [n for n in dir(op) if not n.startswith('_') and callable(getattr(op, n)) and n not in ('attrgetter', 'itemgetter', 'methodcaller', 'call')]
ops.sort()
for i in range(5000):
    k = random.randint(0, 12)
    try:
        if k == 0:
            f = random.choice([op.add, op.mul, max, lambda a, b: a, None, 3])
            args = random.choice([(f, V()), (f, V(), V()), (f,), (f, [], V())])
            r = ft.reduce(*args)
        elif k == 1:
            f = random.choice([op.add, max, print, int, str.split, ft.partial(op.sub, 10)])
            p = ft.partial(f, *[V() for _ in range(random.randint(0, 2))], **random.choice([{}, {'base': 2}, {'sep': '-'}]))
            r = (repr(p), p.args, p.keywords, p(*[V() for _ in range(random.randint(0, 1))]))
        elif k == 2:
            ms = random.choice([None, 0, 1, 2, 128, -1])
            typed = random.random() < .5
            @ft.lru_cache(maxsize=ms, typed=typed)
            def g(x): return x if not isinstance(x, list) else 0
            xs = [random.choice([1, 1.0, True, 2, 'a', 3]) for _ in range(random.randint(0, 6))]
            res = [g(x) for x in xs]
            r = (res, g.cache_info(), g.cache_parameters())
            g.cache_clear(); r += (g.cache_info(),)
        elif k == 3:
            f = lambda a, b: (a > b) - (a < b)
            xs = [random.choice([3, 1, 2, 5]) for _ in range(random.randint(0, 5))]
            K = ft.cmp_to_key(f)
            r = (sorted(xs, key=K), K(1) < K(2), K(2) == K(2), K(3) >= K(1), K(1) <= K(1))
            if random.random() < .3: r = hash(K(1))
        elif k == 4:
            which = random.choice(['__lt__', '__le__', '__gt__', '__ge__'])
            ns = {which: lambda s, o: getattr(s.v, which)(o.v) if isinstance(o, C0) else NotImplemented, '__eq__': lambda s, o: s.v == o.v, '__init__': lambda s, v: setattr(s, 'v', v)}
            C0 = type('C0', (), ns)
            C = ft.total_ordering(C0)
            a, b = C(random.randint(0, 2)), C(random.randint(0, 2))
            r = (a < b, a <= b, a > b, a >= b, a == b)
            if random.random() < .3: r = a < 3
        elif k == 5:
            @ft.singledispatch
            def f(x): return 'base'
            @f.register
            def _(x: int): return 'int'
            @f.register(list)
            def _(x): return 'list'
            @f.register(float)
            @f.register(complex)
            def _(x): return 'num'
            r = (f(V()), f.dispatch(type(V())).__name__, sorted(t.__name__ for t in f.registry))
        elif k == 6:
            class A:
                n = 0
                @ft.cached_property
                def p(self): A.n += 1; return A.n
            a = A()
            r = (a.p, a.p, 'p' in a.__dict__, type(A.p).__name__)
            del a.p; r += (a.p,)
            if random.random() < .3: r = A.p.attrname
        elif k == 7:
            g = op.itemgetter(*random.choice([(0,), (1, 0), ('a',), (slice(1, None),), (-1,), ()]))
            r = (repr(g), g(random.choice([[1, 2], 'xyz', {'a': 1}, (4,), 5])))
        elif k == 8:
            g = op.attrgetter(*random.choice([('real',), ('real', 'imag'), ('x.y',), ('__class__.__name__',), (1,), ('',)]))
            r = (repr(g), g(V()))
        elif k == 9:
            m = op.methodcaller(*random.choice([('upper',), ('split', '-'), ('count', 1), ('get', 1, 0), ('index',), (3,), ()]), **random.choice([{}, {'maxsplit': 1}]))
            r = (repr(m), m(random.choice(['a-b-c', [1, 1], {1: 5}, 'AbC'])))
        elif k == 10:
            n = random.choice(ops)
            f = getattr(op, n)
            args = [V() for _ in range(random.choice([1, 2, 2, 2, 3]))]
            r = (n, f(*args))
        elif k == 11:
            n = random.choice(['iadd', 'isub', 'imul', 'iand', 'ior', 'ixor', 'iconcat', 'ilshift', 'imod', 'ifloordiv', 'itruediv', 'ipow', 'imatmul'])
            a = V(); b = V()
            r = (n, getattr(op, n)(a, b), a)
        else:
            r = (op.length_hint(random.choice([[1, 2], iter([1, 2, 3]), 5, 'abc', iter(range(10))]), random.choice([0, 7, -1, 'a'])), op.index(V()))
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(i, k, repr(r))
