# struct, array, heapq, bisect and operator with random formats, values
# and (often wrong) arguments. One line per case.
import random, sys, struct, array, heapq, bisect, operator
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
ch = random.choice; ri = random.randint
def E(e): return type(e).__name__ + ': ' + str(e)
CODES = 'xcbB?hHiIlLqQnNefdspP'
def FMT():
    if random.random() < .1: return ch(['', '<', '@', '3', 'z', 'i i', '<<i', '2x', '0s', '-1i', '999999999999999999999i', 'ii ', ' i', '\x00', 'P', '<n', '!e', '3p', '1p'])
    f = ch(['', '', '<', '>', '!', '=', '@'])
    for _ in range(ri(1, 4)):
        c = ch(CODES)
        if random.random() < .3: f += str(ri(0 if c != 'p' else 1, 4))   # '0p' unpacks to CPython's SystemError
        f += c
    return f
def VAL(c):
    return ch({'c': [b'a', b'', b'ab', 'a', 97], 'b': [0, -128, 127, 128, -129], 'B': [0, 255, 256, -1], '?': [True, 0, 2, '', None],
               'h': [0, -32768, 32767, 40000], 'H': [65535, -1, 65536], 'i': [0, 2**31 - 1, -2**31, 2**31], 'I': [2**32 - 1, 2**32, -1],
               'l': [2**63 - 1, -2**63, 2**63], 'L': [2**64 - 1, 2**64, -1], 'q': [-1, 2**63], 'Q': [2**64 - 1, -1], 'n': [-5, 2**63], 'N': [5, -1, 2**64],
               'e': [1.5, 65504.0, 65520.0, 1e-8, float('inf'), float('nan'), -0.0, 1e300, 5], 'f': [1.1, 3.4e38, 3.5e38, 1e-46, float('inf'), 'x'],
               'd': [0.1, -1e308, 5, True, '1', 1j], 's': [b'abc', b'', 'abc', bytearray(b'xy'), 1], 'p': [b'abc', b'', b'x' * 300, 'a'], 'P': [0, 1, -1, None],
               'x': [None]}.get(c, [0]) + [1.5, 'x', None, 2**70, -1])
def c_struct():
    f = FMT(); o = ri(0, 7)
    if o == 0: return f, struct.calcsize(f)
    try: codes = [c for c in f.lstrip('<>!=@') if c.isalpha() or c == '?']
    except Exception: codes = []
    if o in (1, 2):
        vals = []
        for c in codes:
            if c in 'xsp' or not c: vals.append(VAL(c)) if c in 'sp' else None
            else:
                vals.append(VAL(c))
        if random.random() < .2: vals.append(1)
        if random.random() < .1 and vals: vals.pop()
        try: n = [int(x) for x in __import__('re').findall(r'(\d*)([a-zA-Z?])', f) and []]
        except Exception: n = []
        return f, vals, struct.pack(f, *vals) if o == 1 else struct.pack_into(f, bytearray(ri(0, 20)), ri(-3, 3), *vals)
    if o == 3:
        n = struct.calcsize(f) if random.random() < .8 else ri(0, 10)
        data = bytes(ri(0, 255) for _ in range(n))
        return f, data, struct.unpack(f, data)
    if o == 4:
        n = struct.calcsize(f)
        data = bytes(ri(0, 255) for _ in range(n * ri(0, 3) + ch([0, 0, 1])))
        return f, list(struct.iter_unpack(f, data))
    if o == 5:
        s = struct.Struct(f)
        return s.format, s.size, repr(s).split(' at ')[0]
    if o == 6:
        data = bytes(range(20))
        return f, struct.unpack_from(f, ch([data, bytearray(data), memoryview(data)]), offset=ri(-25, 20))
    return struct.pack(ch(['<e', '>e', '<f', '>d']), ch([0.1, 1/3, 65519.99, 6.1e-5, 2**-24, 2**-25, 3 * 2**-26, 1e-45, 1.401298464324817e-45])).hex()

TC = 'bBuhHiIlLqQfd'
def ARR():
    t = ch(TC)
    if t in 'uw': init = ch(['', 'abc', 'é😀'])
    elif t in 'fd': init = [ch([0.5, -1.25, 1e10, float('inf')]) for _ in range(ri(0, 4))]
    else: init = [ri(0, 100) for _ in range(ri(0, 5))]
    return array.array(t, init)
def c_array():
    a = ARR(); o = ri(0, 13)
    if o == 0: return repr(a), a.typecode, a.itemsize, len(a), a.tolist()
    if o == 1: return array.array(ch(TC + 'xZw'), ch([[1, 2], [-1], [300], [2**70], [1.5], 'ab', b'abcd', [], (x for x in [1, 2]), None, array.array('b', [1, 2])]))
    if o == 2: a.append(ch([1, -1, 2**40, 1.5, 'x', 'é'])); return a
    if o == 3: a.extend(ch([[1, 2], array.array('b', [3]), array.array(a.typecode), 'xy', (1.5,), range(2)])); return a
    if o == 4: return a[ri(-6, 6)] if random.random() < .5 else a[ri(-6, 6):ri(-6, 6):ch([1, 2, -1, None])]
    if o == 5: a[ri(-6, 6):ri(-6, 6)] = ch([array.array(a.typecode), array.array('b', [1]), [1], ARR()]); return a
    if o == 6: return a + ch([ARR(), array.array(a.typecode, a), [1]]), a * ch([0, 2, -1])
    if o == 7: return a.index(ch([0, 1, 50, 0.5, 'a']), *[ri(-3, 3) for _ in range(ri(0, 2))])
    if o == 8: return a.count(ch([0, 1, 'a'])), a.pop(*ch([[], [0], [-1], [10]])), a
    if o == 9: a.frombytes(bytes(ri(0, 9))); return a
    if o == 10: return a.tobytes().hex(), a.buffer_info()[1], bytes(memoryview(a)).hex() if a.typecode not in 'uw' else a.tounicode()
    if o == 11: return a == ch([ARR(), array.array(a.typecode, a), a.tolist()]), a < ARR(), sorted(a) if a.typecode not in 'uw' else None
    if o == 12: a.reverse(); a.byteswap(); return a, a.insert(ri(-9, 9), ch([1, 'a'])), a
    b = ARR(); del b[ri(-5, 5):ri(-5, 5):ch([1, 2, -1])]; return b, a.remove(ch([0, 1, 'a', 0.5])), a

def c_heap():
    h = [ri(-5, 9) for _ in range(ri(0, 8))]
    if random.random() < .2: h.append(ch(['a', None, 1.5, (1,)]))
    o = ri(0, 8)
    if o == 0: heapq.heapify(h); return h
    if o == 1: heapq.heapify(h); return [heapq.heappop(h) for _ in range(ri(0, len(h) + 1))]
    if o == 2: heapq.heapify(h); return heapq.heappushpop(h, ri(-9, 9)), heapq.heapreplace(h, ri(-9, 9)), h
    if o == 3: return heapq.nlargest(ri(-1, 5), h, **ch([{}, {'key': abs}, {'key': lambda x: -x}])), heapq.nsmallest(ri(-1, 5), h, **ch([{}, {'key': abs}]))
    if o == 4: return list(heapq.merge(sorted(h), sorted(ri(0, 9) for _ in range(3)), **ch([{}, {'reverse': True}, {'key': abs}])))
    if o == 5: heapq.heappush(h, ch([1, 'x'])); return h
    if o == 6: return heapq.heapify(ch([(1, 2), None, 'abc', [3, 1, 2]]))
    if o == 7: return heapq.heappop(ch([[], [1], [2, 1]]))
    return heapq.nlargest(ch([1, 2, 3]), ch([[], iter([5, 1]), 'bca', {3: 1, 1: 2}]))

def c_bisect():
    a = sorted(ri(-5, 9) for _ in range(ri(0, 8))); x = ch([ri(-7, 11), 1.5, 'a', None])
    f = ch([bisect.bisect_left, bisect.bisect_right, bisect.insort_left, bisect.insort_right, bisect.bisect])
    kw = {}
    if random.random() < .3: kw['lo'] = ch([0, 2, -1, 20, None, 1.5])
    if random.random() < .3: kw['hi'] = ch([0, 3, -1, 20, None])
    if random.random() < .2: kw['key'] = ch([abs, lambda v: -v, None])
    r = f(a, x, **kw)
    return f.__name__, r, a

OPS = ['abs', 'add', 'and_', 'concat', 'contains', 'countOf', 'delitem', 'eq', 'floordiv', 'ge', 'getitem', 'gt', 'iadd', 'iand', 'iconcat', 'ifloordiv', 'ilshift',
       'imatmul', 'imod', 'imul', 'index', 'indexOf', 'inv', 'invert', 'ior', 'ipow', 'irshift', 'is_', 'is_not', 'isub', 'itruediv', 'ixor', 'le', 'length_hint', 'lshift',
       'lt', 'matmul', 'mod', 'mul', 'ne', 'neg', 'not_', 'or_', 'pos', 'pow', 'rshift', 'setitem', 'sub', 'truediv', 'truth', 'xor', 'call']
def OBJ(): return ch([0, 1, -3, 2.5, True, None, 'ab', b'x', [1, 2], (1,), {1: 2}, {1}, 10**20, 1j, range(3), [[0]], -0.0])
def c_operator():
    n = ch(OPS); f = getattr(operator, n)
    args = [OBJ() for _ in range(ri(0, 3))] if random.random() < .2 else [OBJ() for _ in range({'abs': 1, 'index': 1, 'inv': 1, 'invert': 1, 'neg': 1, 'not_': 1, 'pos': 1, 'truth': 1, 'length_hint': 1, 'setitem': 3, 'call': 1}.get(n, 2))]
    r = f(*args)
    return n, r, args
def c_getters():
    o = ri(0, 4)
    if o == 0: g = operator.itemgetter(*ch([[0], [1, 0], [slice(1, None)], ['a'], [-1, 'k'], []]))
    elif o == 1: g = operator.attrgetter(*ch([['real'], ['imag', 'real'], ['real.imag'], ['x'], [1], ['__class__.__name__'], []]))
    elif o == 2: g = operator.methodcaller(*ch([['upper'], ['split', ','], ['count', 'a'], ['index'], ['get', 'a', 0], [], [1]]))
    else: g = ch([operator.itemgetter(1, 2), operator.attrgetter('a.b', 'c'), operator.methodcaller('foo', 1, k='v')])
    if o >= 3: return repr(g)
    return g(ch(['a,b,a', [3, 4, 5], {'a': 1, 0: 'z', 'k': 2}, 3j, 5, (), {'a'}]))

cases = [c_struct, c_array, c_heap, c_bisect, c_operator, c_getters]
for i in range(2000):
    k = ri(0, len(cases) - 1)
    try: r = cases[k]()
    except Exception as e: r = E(e)
    try: s = repr(r)
    except Exception as e: s = 'REPR ' + E(e)
    print(i, k, s if len(s) < 400 else s[:200] + '...%d...' % len(s) + s[-100:])
