import random, itertools as it, operator
random.seed(11)
def R(): return random.choice([None, 0, 1, 2, 3, -1, 5, 100, 'a', 1.5, 2**70])
def S(): return random.choice([[], [1], [1, 2, 3], range(5), 'abc', 'aabbbc', (3, 1, 4, 1, 5), [1, 'a'], 5, None, {1:2, 3:4}])
def F(): return random.choice([operator.add, operator.mul, max, min, lambda x: x > 1, bool, None, 5, lambda a, b: a - b, str, lambda x: x])
def take(x, n=12):
    return list(it.islice(x, n))
for i in range(6000):
    k = random.randint(0, 22)
    try:
        if k == 0: r = take(it.count(*random.choice([(), (R(),), (R(), R())])))
        elif k == 1: r = take(it.cycle(S()))
        elif k == 2: r = take(it.repeat(R(), *random.choice([(), (R(),)]))); 
        elif k == 3:
            a = [S()] + random.choice([[], [F()]])
            kw = random.choice([{}, {'initial': R()}])
            r = take(it.accumulate(*a, **kw))
        elif k == 4: r = take(it.chain(*[S() for _ in range(random.randint(0, 3))]))
        elif k == 5: r = take(it.chain.from_iterable(random.choice([[S(), S()], S(), 'ab', [[1], 2]])))
        elif k == 6: r = take(it.compress(S(), S()))
        elif k == 7: r = take(it.dropwhile(F(), S()))
        elif k == 8: r = take(it.takewhile(F(), S()))
        elif k == 9: r = take(it.filterfalse(F(), S()))
        elif k == 10:
            a = [S()] + random.choice([[], [F()]])
            r = [(key, list(g)) for key, g in it.groupby(*a)]
        elif k == 11:
            args = [R() for _ in range(random.randint(0, 4))]
            r = list(it.islice(S(), *args))
        elif k == 12: r = list(it.pairwise(S()))
        elif k == 13: r = take(it.starmap(F(), random.choice([[(1, 2), (3, 4)], [[1], [2]], S(), [(1,), (2,)]])))
        elif k == 14:
            n = random.choice([0, 1, 2, 3, -1, 'a'])
            ts = it.tee(S(), n) if random.random() < .8 else it.tee(S())
            r = [take(t) for t in ts]
        elif k == 15:
            kw = random.choice([{}, {'fillvalue': R()}, {'bad': 1}])
            r = list(it.zip_longest(*[S() for _ in range(random.randint(0, 3))], **kw))
        elif k == 16:
            kw = random.choice([{}, {'repeat': random.choice([0, 1, 2, -1, 'a'])}])
            r = take(it.product(*[S() for _ in range(random.randint(0, 3))], **kw), 30)
        elif k == 17: r = take(it.permutations(S(), *random.choice([(), (R(),)])), 30)
        elif k == 18: r = take(it.combinations(S(), R()), 30)
        elif k == 19: r = take(it.combinations_with_replacement(S(), R()), 30)
        elif k == 20: r = list(it.batched(S(), R()))
        elif k == 21:
            f = random.choice([it.count, it.cycle, it.repeat, it.accumulate, it.chain, it.compress, it.dropwhile, it.takewhile, it.filterfalse, it.groupby, it.islice, it.pairwise, it.starmap, it.tee, it.zip_longest, it.product, it.permutations, it.combinations, it.combinations_with_replacement, it.batched])
            args = [R() for _ in range(random.randint(0, 3))]
            x = f(*args)
            r = (f.__name__, take(x) if hasattr(x, '__next__') else x)
        else:
            x = random.choice([it.count(R()), it.repeat(R(), 3), it.repeat(1), it.count(1, R()), it.cycle('ab')])
            r = (repr(x), next(x), repr(x))
            pass
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(i, k, repr(r))
