import random
random.seed(9)
def rnd_idx(): return random.choice([None, 0, 1, -1, 2, -3, 5, 100, -100])
for i in range(4000):
    base = random.choice([[], [1], [1, 2, 3], list(range(7)), [3, 1, 2, 1], ['a', 'b']])
    seq_t = random.choice([list, tuple, str, bytes, bytearray, range])
    try:
        if seq_t is str: s = ''.join(map(str, base))
        elif seq_t in (bytes, bytearray): s = seq_t(x if isinstance(x, int) else 97 for x in base)
        elif seq_t is range: s = range(len(base))
        else: s = seq_t(base)
        kind = random.randint(0, 5)
        if kind == 0: r = s[rnd_idx():rnd_idx():random.choice([None, 1, 2, -1, -2, 3])]
        elif kind == 1: r = s[random.choice([0, -1, 3, -8, 10])]
        elif kind == 2: r = (s.index(random.choice([1, 2, '1', 97, 0])), s.count(1) if seq_t is not str else s.count('1'))
        elif kind == 3: r = (s * random.choice([0, 1, 2, -1]), s + s if seq_t is not range else None)
        elif kind == 4: r = (min(s), max(s), sorted(s, reverse=True), list(reversed(s)), len(s), 1 in s)
        else: r = (s == base, s < s[:1], bool(s), hash(s) if seq_t in (tuple, str, bytes, range) else None)
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(seq_t.__name__, base, repr(r))
for i in range(3000):
    l = list(range(random.randint(0, 8)))
    op = random.randint(0, 9)
    try:
        if op == 0: l[rnd_idx():rnd_idx():random.choice([None, 1, 2, -1])] = [9] * random.randint(0, 3)
        elif op == 1: del l[rnd_idx():rnd_idx():random.choice([None, 1, 2, -1, -2])]
        elif op == 2: l.insert(random.randint(-10, 10), 'x')
        elif op == 3: print(l.pop(random.randint(-10, 10)))
        elif op == 4: l.remove(random.randint(0, 9))
        elif op == 5: l[random.randint(-10, 10)] = 'y'
        elif op == 6: l.sort(key=lambda x: -x)
        elif op == 7: l.extend(range(2)); l.reverse()
        elif op == 8: l += 'ab'; l *= 2
        else: l[random.randint(-3, 3):random.randint(-3, 3)] = 'zz'
        print(op, l)
    except Exception as e: print(op, type(e).__name__ + ': ' + str(e))
for i in range(3000):
    d = {k: k * 2 for k in random.sample(range(10), random.randint(0, 6))}
    s = set(random.sample(range(10), random.randint(0, 6))); t = frozenset(random.sample(range(10), random.randint(0, 6)))
    op = random.randint(0, 9)
    try:
        if op == 0: r = (d | {1: 'x'}, {**d, 2: 'y'}, d.get(3), d.setdefault(4, 'z'), d)
        elif op == 1: r = (d.pop(random.randint(0, 9), 'dflt'), d.popitem() if d else None, d)
        elif op == 2: r = (s | t, s & t, s - t, s ^ t, t - s, s <= t, s < t, s.isdisjoint(t))
        elif op == 3: s.symmetric_difference_update(t); s -= {1, 2}; r = sorted(s)
        elif op == 4: r = (list(d.keys() & s), list(d.items() - {(2, 4)}), d.keys() | t)
        elif op == 5: r = (s.pop() if s else 'empty', s.discard(3), s.remove(random.randint(0, 9)), s)
        elif op == 6: r = (dict.fromkeys(s, 0), sorted(d, key=lambda k: -k), list(reversed(d)))
        elif op == 7: r = (d == dict(d.items()), d.keys() == set(d), d.values() == d.values(), t == set(t), s.union(t, [1]), s.intersection(t, range(5)))
        elif op == 8: del d[random.randint(0, 9)]; r = d
        else: d.update([(1, 1)], b=2); r = (d, str(d.keys()), repr(d.items()))
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(op, repr(r))
