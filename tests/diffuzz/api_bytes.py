# bytes and bytearray methods on random data (session 16): random byte
# strings (ASCII letters, digits, whitespace, high bytes), every method with
# random arguments (ints, bytes, bytearray, memoryview, str by mistake,
# tuples for startswith), in-place bytearray mutations, hex/fromhex,
# translate/maketrans, and comparisons between the two types.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
alphabet = b'abcABC012 \t\n\r\x0b\x0c_-.,\x00\x7f\x80\xe9\xff'


def rb(n=8):
    return bytes(ch(alphabet) for _ in range(ri(0, n)))


def rarg():
    r = R()
    if r < 0.5: return rb(3)
    if r < 0.6: return bytearray(rb(2))
    if r < 0.65: return memoryview(rb(2))
    if r < 0.75: return ri(-2, 300)
    if r < 0.8: return 'ab'
    if r < 0.85: return None
    return ch(alphabet)


def show(f):
    try:
        r = f()
        if isinstance(r, memoryview): r = r.tobytes()
        return repr(r)
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)


meths = {
    'split': 2, 'rsplit': 2, 'partition': 1, 'rpartition': 1, 'strip': 1, 'lstrip': 1, 'rstrip': 1, 'find': 3, 'rfind': 3,
    'index': 3, 'rindex': 3, 'count': 3, 'replace': 3, 'startswith': 3, 'endswith': 3, 'center': 2, 'ljust': 2, 'rjust': 2,
    'zfill': 1, 'expandtabs': 1, 'splitlines': 1, 'join': 1, 'removeprefix': 1, 'removesuffix': 1, 'hex': 2, 'decode': 2,
    'upper': 0, 'lower': 0, 'title': 0, 'capitalize': 0, 'swapcase': 0, 'isalpha': 0, 'isalnum': 0, 'isdigit': 0,
    'isspace': 0, 'istitle': 0, 'isupper': 0, 'islower': 0, 'isascii': 0, 'translate': 2,
}
ba_meths = ['append', 'extend', 'insert', 'pop', 'remove', 'reverse', 'clear', 'copy', '__iadd__', '__imul__', '__setitem__', '__delitem__']
for i in range(6000):
    b = rb()
    r = R()
    if r < 0.65:
        m = ch(list(meths))
        n = ri(0, meths[m])
        args = [rarg() for _ in range(n)]
        if m in ('center', 'ljust', 'rjust', 'zfill', 'expandtabs') and args: args[0] = ri(-1, 14)
        if m in ('startswith', 'endswith') and args and R() < 0.3: args[0] = (rb(2), rb(1))
        if m == 'join' and args: args = [[rb(2) for _ in range(ri(0, 3))] + ([ch(['s', 5, bytearray(b'x')])] if R() < 0.2 else [])]
        if m == 'decode': args = [ch(['utf-8', 'ascii', 'latin-1', 'utf-16', 'cp1252']), ch(['strict', 'replace', 'ignore', 'backslashreplace', 'surrogateescape'])][:n]
        if m == 'hex': args = [ch([':', '-', b' ', '', 'ab', 5])] + [ri(-3, 3)] if n else []
        if m == 'translate': args = [ch([None, bytes(range(256))[::-1], b'short', bytes.maketrans(b'ab', b'Zy')])] + ([rb(2)] if n > 1 else [])
        for t in (bytes, bytearray):
            print(i, t.__name__, repr(b), m, repr(args), show(lambda: getattr(t(b), m)(*args)))
    elif r < 0.85:
        ba = bytearray(b)
        m = ch(ba_meths)
        args = {'append': [rarg()], 'extend': [ch([rb(3), [1, 2, 300], 'str', iter([65, 66]), 5])], 'insert': [ri(-9, 9), rarg()],
                'pop': [ri(-9, 9)] if R() < 0.7 else [], 'remove': [rarg()], '__iadd__': [rarg()], '__imul__': [ri(-1, 3)],
                '__setitem__': [ri(-9, 9), rarg()], '__delitem__': [ri(-9, 9)]}.get(m, [])
        print(i, 'ba', repr(b), m, repr(args), show(lambda: getattr(ba, m)(*args)), repr(ba))
    elif r < 0.93:
        s = b.hex() if R() < 0.6 else ch(['0a 0b', ' 1f', 'zz', 'abc', '0A0b', '0a\t0b', '', ' ', '0 a'])
        print(i, 'fromhex', repr(s), show(lambda: bytes.fromhex(s)), show(lambda: bytearray.fromhex(s)))
    else:
        c = rb(3)
        print(i, 'cmp', repr(b), repr(c), b < c, b == bytearray(b), bytearray(b) <= c, b + bytearray(c), show(lambda: b % ()), show(lambda: c in b), show(lambda: 98 in b), show(lambda: 300 in b))
