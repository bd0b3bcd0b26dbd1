# Random slicing (session 16): get, set and del with random start/stop/step
# (None, small, negative, huge, bool, __index__ objects, bad types) on list,
# tuple, str, bytes, bytearray, range, memoryview, array.array and
# collections.deque/UserList; assignments of random lengths (extended
# slices must match), slice objects' indices(), and item access at random
# indexes.  Containers are printed after every mutation.
import random, sys, array, collections
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint


class Idx:
    def __init__(self, v): self.v = v
    def __index__(self): return self.v
    def __repr__(self): return 'Idx(%r)' % self.v


def bound():
    r = R()
    if r < 0.25: return None
    if r < 0.7: return ri(-9, 9)
    if r < 0.78: return ch([2**63, -2**63, 2**100, -2**100, sys.maxsize, -sys.maxsize - 1])
    if r < 0.84: return ch([True, False])
    if r < 0.92: return Idx(ri(-5, 5))
    return ch([1.0, '1', Idx(2**70), Idx('x')])


def step():
    r = R()
    if r < 0.35: return None
    if r < 0.9: return ch([1, 2, 3, -1, -2, -3, 0])
    return bound()


def make(kind, n):
    base = list(range(n))
    if kind == 'list': return base
    if kind == 'tuple': return tuple(base)
    if kind == 'str': return ''.join('abcdefghijkl'[i] for i in base)
    if kind == 'bytes': return bytes(base)
    if kind == 'bytearray': return bytearray(base)
    if kind == 'range': return range(ri(-3, 3), ri(-3, 12), ch([1, 2, -1, 3]))
    if kind == 'memoryview': return memoryview(bytearray(base))
    if kind == 'array': return array.array(ch('bhilqdB'), base)
    if kind == 'deque': return collections.deque(base)
    return collections.UserList(base)


def show(x):
    if isinstance(x, memoryview): return 'mv' + repr(x.tolist())
    if isinstance(x, range): return repr(x) + repr(list(x))
    return repr(x)


def run(f):
    try:
        return show(f())
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)


kinds = ['list', 'tuple', 'str', 'bytes', 'bytearray', 'range', 'memoryview', 'array', 'deque', 'UserList']
for i in range(6000):
    kind = ch(kinds); s = make(kind, ri(0, 9))
    a, b, c = bound(), bound(), step()
    op = ri(0, 5)
    if op <= 1:
        print(i, kind, show(s), 'get', a, b, c, run(lambda: s[a:b:c]), run(lambda: s[slice(a, b)]))
    elif op == 2:
        k = bound()
        print(i, kind, show(s), 'item', k, run(lambda: s[k]))
    elif op == 3:
        n = ri(0, 5)
        src = ch([list(range(100, 100 + n)), bytes(range(50, 50 + n)), 'xyz'[:n], tuple(range(n)), range(n), iter(range(n)), None, 7])
        if isinstance(src, (bytes, range, list, tuple)) and R() < 0.1 and kind in ('list', 'bytearray'):
            src = s     # s[a:b] = s
        def setit():
            s[a:b:c] = src
            return s
        print(i, kind, 'set', a, b, c, show(src) if not hasattr(src, '__next__') else 'iter', run(setit))
    elif op == 4:
        def delit():
            del s[a:b:c]
            return s
        print(i, kind, 'del', a, b, c, run(delit))
    else:
        sl = slice(a, b, c)
        n = ch([0, 1, 5, 10, -1, 2**64])
        print(i, 'indices', repr(sl), n, run(lambda: sl.indices(n)), run(lambda: range(n)[sl] if n >= 0 else None))
        print(' cmp', run(lambda: (sl == slice(a, b, c), hash(sl) == hash(slice(a, b, c)), sl < slice(0, 0, 0))))
