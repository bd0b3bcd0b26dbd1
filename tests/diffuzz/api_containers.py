# Random container operations (session 17): list/dict/set/frozenset/deque
# methods with random (often wrong) arguments, dict views and their set
# operators, mutation while iterating (RuntimeError texts), sort/sorted/
# min/max with key/default/reverse over mixed types (comparison TypeError
# texts), sorted stability, operators between container types, and the
# repr of each container after every operation.
import random, sys, collections
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint

VALS = [0, 1, 2, -1, 3.5, 'a', 'b', '', None, (1,), (1, 'a'), [1], True, 2**70, float('nan'), b'x', 1j]
HASHABLE = [v for v in VALS if not isinstance(v, list)]


def val():
    return ch(VALS)


def hval():
    return ch(HASHABLE)


def make(kind):
    n = ri(0, 5)
    if kind == 'list': return [val() for _ in range(n)]
    if kind == 'dict': return {hval(): val() for _ in range(n)}
    if kind == 'set': return {hval() for _ in range(n)}
    if kind == 'frozenset': return frozenset(hval() for _ in range(n))
    if kind == 'deque': return collections.deque(val() for _ in range(n))
    if kind == 'tuple': return tuple(val() for _ in range(n))
    if kind == 'str': return ''.join(ch('abc') for _ in range(n))
    if kind == 'keys': return make('dict').keys()
    if kind == 'items': return make('dict').items()
    if kind == 'values': return make('dict').values()
    return range(n)


KINDS = ['list', 'dict', 'set', 'frozenset', 'deque', 'tuple', 'str', 'keys', 'items', 'values', 'range']
METHODS = {
    'list': ['append', 'extend', 'insert', 'remove', 'pop', 'index', 'count', 'sort', 'reverse', 'clear', 'copy'],
    'dict': ['get', 'pop', 'popitem', 'setdefault', 'update', 'keys', 'values', 'items', 'clear', 'copy', 'fromkeys'],
    'set': ['add', 'remove', 'discard', 'pop', 'union', 'intersection', 'difference', 'symmetric_difference',
            'issubset', 'issuperset', 'isdisjoint', 'update', 'intersection_update', 'difference_update',
            'symmetric_difference_update', 'clear', 'copy'],
    'frozenset': ['union', 'intersection', 'difference', 'symmetric_difference', 'issubset', 'issuperset',
                  'isdisjoint', 'copy'],
    'deque': ['append', 'appendleft', 'pop', 'popleft', 'extend', 'extendleft', 'rotate', 'index', 'count',
              'remove', 'insert', 'clear', 'copy', 'reverse'],
}


def arg():
    r = R()
    if r < 0.5: return val()
    if r < 0.8: return make(ch(KINDS))
    return ch([len, str, lambda x: -x, None, 'key'])


def show(x):
    if isinstance(x, float) and x != x: return 'nan'
    if isinstance(x, (set, frozenset, type({}.keys()), type({}.items()))):
        return type(x).__name__ + ':' + repr(sorted(map(repr, x)))
    if callable(x) and not isinstance(x, type): return 'fn'
    return repr(x)


def run(desc, f):
    try:
        r = f()
        print(desc, '->', show(r))
    except Exception as e:
        print(desc, '->', type(e).__name__ + ':', e)


for _ in range(120):
    kind = ch(KINDS)
    c = make(kind)
    r = R()
    if r < 0.45 and kind in METHODS:
        m = ch(METHODS[kind])
        args = [arg() for _ in range(ri(0, 2))]
        kw = {}
        if m == 'sort' and R() < 0.7:
            args = []
            kw = {k: v for k, v in [('key', ch([None, len, str, abs, lambda x: x])), ('reverse', ch([True, False, 1]))] if R() < 0.6}
        run('%s.%s(%s, %s)' % (show(c), m, ', '.join(map(show, args)), sorted(kw)), lambda: getattr(c, m)(*args, **kw))
        print('   after', show(c))
    elif r < 0.6:
        op = ch(['|', '&', '-', '^', '+', '*', '<', '<=', '==', '>', 'in', '|=', '&=', '-=', '+='])
        other = make(ch(KINDS)) if R() < 0.85 else ch([2, None, 'ab'])
        def do(c=c, other=other, op=op):
            if op == 'in': return other in c
            if op.endswith('=') and op not in ('<=', '=='):
                x = c
                exec('x %s other' % op, {}, loc := {'x': x, 'other': other})
                return loc['x']
            return eval('c %s other' % op)
        run('%s %s %s' % (show(c), op, show(other)), do)
    elif r < 0.72:
        # mutation while iterating
        def mutate(c=c):
            n = 0
            for x in c:
                n += 1
                if n > 20: return 'stopped'
                m = ri(0, 3)
                if isinstance(c, list): c.append(1) if m else c.pop()
                elif isinstance(c, dict): c[ri(10, 99)] = 1 if m else c.pop(x, 0)
                elif isinstance(c, set): c.add(ri(10, 99)) if m else c.discard(x)
                elif isinstance(c, collections.deque): c.append(1) if m else c.popleft()
                else: return 'immutable'
            return n
        if kind in ('keys', 'items', 'values'):
            def mutate(c=c, d=None):
                return [x for x in c]
        run('mutate %s' % show(c), mutate)
    elif r < 0.9:
        f = ch(['sorted', 'min', 'max', 'list.sort'])
        data = [val() if R() < 0.3 else ch([ri(-3, 3), ri(-3, 3) + 0.5, True]) for _ in range(ri(0, 5))]
        kw = {}
        if R() < 0.5: kw['key'] = ch([None, abs, str, len, lambda x: (x,), lambda x: -x])
        if R() < 0.3 and f != 'list.sort': kw['default'] = 0
        if R() < 0.3 and f in ('sorted', 'list.sort'): kw['reverse'] = ch([True, False])
        def srt(f=f, data=data, kw=kw):
            if f == 'sorted': return sorted(data, **kw)
            if f == 'list.sort':
                d = list(data)
                d.sort(**kw)
                return d
            if R() < 0.3 and len(data) > 1:
                return getattr(__builtins__, f)(*data, **kw)
            return getattr(__builtins__, f)(data, **kw)
        run('%s(%s, %s)' % (f, show(data), sorted(kw)), srt)
    else:
        # stability: sort pairs by first element only
        pairs = [(ri(0, 3), i) for i in range(ri(0, 8))]
        run('stable %s' % pairs, lambda: (sorted(pairs, key=lambda p: p[0], reverse=R() < 0.5),
                                          min(pairs, key=lambda p: p[0], default=None),
                                          max(pairs, key=lambda p: p[0], default=None)))
