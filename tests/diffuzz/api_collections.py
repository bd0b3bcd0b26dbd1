import random, collections as C, heapq, bisect
random.seed(13)
def V(): return random.choice([0, 1, -3, 2, 'a', 'b', None, 2.5])
def CT(): return C.Counter(random.choice(['abracadabra', 'aab', '', 'xyz', [1, 1, 2], {'a': 3, 'b': -2, 'c': 0}, {'a': 1.5}]))
for i in range(6000):
    k = random.randint(0, 14)
    try:
        if k == 0:
            a, b = CT(), CT()
            o = random.choice(['+', '-', '&', '|', '==', '<', '<=', '>='])
            r = (o, eval('a ' + o + ' b'), +a, -a)
        elif k == 1:
            a = CT(); n = random.choice([None, 0, 1, 2, -1, 10, 'x'])
            r = (a.most_common(n) if n is not None else a.most_common(), sorted(a.elements(), key=str), a.total())
        elif k == 2:
            a = CT(); b = random.choice([CT(), 'aaz', {'a': 2}, None, 5, [('a', 1)]])
            m = random.choice(['subtract', 'update'])
            kw = random.choice([{}, {'q': 2}])
            getattr(a, m)(b, **kw) if b is not None else getattr(a, m)(**kw)
            r = (m, a, repr(a))
        elif k == 3:
            a = CT(); x = random.choice(['a', 'q', 1])
            r = (a[x], x in a, a.copy() == a, repr(C.Counter()), dict(a), C.Counter.fromkeys if random.random() < .1 else 0)
            del a[x]; r += (a,)
        elif k == 4:
            ml = random.choice([None, 0, 1, 2, 3, -1, 'a'])
            d = C.deque(random.choice([[], [1, 2, 3], 'abcde', range(6)]), ml)
            for _ in range(random.randint(0, 5)):
                m = random.choice(['append', 'appendleft', 'pop', 'popleft', 'extend', 'extendleft', 'rotate', 'remove', 'insert', 'index', 'count', 'clear', 'reverse'])
                f = getattr(d, m)
                if m in ('append', 'appendleft', 'remove', 'count'): res = f(V())
                elif m in ('extend', 'extendleft'): res = f(random.choice([[7, 8], 'xy', d, []]))
                elif m == 'rotate': res = f(*random.choice([(), (1,), (-2,), (10,), ('a',)]))
                elif m == 'insert': res = f(random.randint(-5, 5), 'I')
                elif m == 'index': res = f(*random.choice([(1,), ('a', 1), (2, 0, 2), (3, -1)]))
                else: res = f()
                print(' ', m, res, d)
            r = (d, d.maxlen, len(d), d[random.randint(-4, 4)] if random.random() < .5 else list(reversed(d)), d * 2 if random.random() < .3 else d + C.deque([0]))
        elif k == 5:
            m = C.ChainMap(*random.choice([[], [{'a': 1}], [{'a': 1}, {'a': 2, 'b': 3}], [{}, {'x': 0}]]))
            m2 = m.new_child(random.choice([None, {'z': 9}]))
            op = random.randint(0, 4)
            if op == 0: m2['a'] = 5
            elif op == 1: del m2['a']
            elif op == 2: r = m2.pop('b')
            elif op == 3: r = m2.popitem()
            r = (repr(m2), dict(m2), list(m2), len(m2), repr(m2.parents), m2.maps, 'a' in m2, m2.get('b'), m | {'q': 1})
        elif k == 6:
            fields = random.choice(['x y', 'x, y', ['a', 'b', 'c'], 'x def', 'x x', '_x y', 'x 1y', '', 'x'])
            kw = random.choice([{}, {'rename': True}, {'defaults': (1,)}, {'defaults': [1, 2, 3, 4]}, {'module': 'm'}])
            P = C.namedtuple(random.choice(['P', 'Point', '1P', 'class']), fields, **kw)
            p = P._make(range(len(P._fields)))
            r = (repr(p), P._fields, P._field_defaults, p._asdict(), p._replace(**{P._fields[0]: 'r'}) if P._fields else None, P.__doc__)
            if random.random() < .3: r = (p._replace(zz=1),)
            if random.random() < .3: r = (P(*range(random.randint(0, 5))),)
            if random.random() < .2: r = (P._make([1]),)
        elif k == 7:
            d = C.OrderedDict.fromkeys(random.choice(['abcd', 'ab', '', 'xyz']))
            for _ in range(random.randint(0, 4)):
                m = random.randint(0, 3)
                if m == 0: d.move_to_end(random.choice('abcx'), last=random.random() < .5)
                elif m == 1: print(' ', d.popitem(last=random.random() < .5))
                elif m == 2: d[random.choice('abq')] = 1
                else: print(' ', d.pop(random.choice('abq'), *random.choice([(), (0,)])))
            r = (repr(d), list(reversed(d)), d == C.OrderedDict(reversed(d.items())), d == dict(d), d | {'z': 0})
        elif k == 8:
            h = [random.randint(0, 9) for _ in range(random.randint(0, 8))]
            heapq.heapify(h)
            m = random.randint(0, 6)
            if m == 0: r = (heapq.heappop(h), h)
            elif m == 1: heapq.heappush(h, V()); r = h
            elif m == 2: r = (heapq.heappushpop(h, random.randint(0, 9)), h)
            elif m == 3: r = (heapq.heapreplace(h, random.randint(0, 9)), h)
            elif m == 4: r = (heapq.nlargest(random.choice([0, 2, 5, -1, 100]), h, key=random.choice([None, lambda x: -x])), heapq.nsmallest(random.choice([0, 1, 3, 100]), h))
            elif m == 5: r = list(heapq.merge(sorted(h), [1, 5], random.choice([[], [3]]), reverse=False, key=random.choice([None, abs])))
            else: r = heapq.merge(h, 5) and list(heapq.merge(h, 5))
        elif k == 9:
            a = sorted(random.randint(0, 6) for _ in range(random.randint(0, 8)))
            x = random.choice([0, 3, 6, 7, -1, 'a', 2.5])
            lo = random.choice([(), (1,), (0, 3), (-1,), (2, 100), ('a',)])
            f = random.choice(['bisect_left', 'bisect_right', 'bisect', 'insort', 'insort_left'])
            kw = random.choice([{}, {'key': lambda v: -v}, {'key': None}])
            r = (f, getattr(bisect, f)(a, x, *lo, **kw), a)
        elif k == 10:
            dd = C.defaultdict(random.choice([list, int, None, lambda: 'z']))
            dd['a']; r = (repr(dd), dd.default_factory, dd['b'] if random.random() < .5 else dd.copy(), dd | {'c': 1})
        elif k == 11:
            u = random.choice([C.UserDict({'a': 1}), C.UserList([1, 2]), C.UserString('ab')])
            r = (repr(u), len(u), repr(u * 2) if not isinstance(u, C.UserDict) else u | {'b': 2}, u == u.copy())
        elif k == 12:
            d = C.deque(range(random.randint(0, 5)), random.choice([None, 3]))
            e = C.deque(range(random.randint(0, 5)))
            r = (d == e, d < e, d >= e, d + e, 3 in d, d.copy(), repr(d), d.__copy__() is d)
            d += e; r += (d,)
            d *= random.choice([0, 1, 2, -1]); r += (d,)
        elif k == 13:
            a = CT(); b = CT()
            r = (a <= b, a > b, a != b, a == C.Counter(), (a + b).most_common(2), a - b - a)
        else:
            P = C.namedtuple('P', 'x y', defaults=[random.choice([0, None])])
            r = (P(1), P(1, 2) == (1, 2), P(x=3), P.x, repr(P.x) [:14], P(1, 2)._asdict(), P(1, 2) + (3,), P(1, 2)[::-1])
            if random.random() < .4: r = P(1, 2, 3)
            if random.random() < .4: r = P(y=1)
            if random.random() < .4: r = P(1, x=2)
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(i, k, repr(r))
