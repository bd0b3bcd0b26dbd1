# str, bytes, list, tuple, int and float methods called with arguments of
# random (mostly wrong) types and counts (session 17): the TypeError and
# ValueError texts name the method, the parameter and the types as
# CPython's argument clinic does ("split() argument 'sep' must be str or
# None, not int", "expected str instance, int found", ...).
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
RECV = ['"a,b c"', 'b"a,b c"', 'bytearray(b"ab")', '[3, 1, 2]', '(1, 2, 1)', '7', '2.5', '{"a": 1}', '{1, 2}',
        '"Ab\\tc"']
ARGS = ['1', '-1', '0', '2.0', 'None', '"a"', '""', 'b"a"', '[1]', '("a", "b")', '("a", 1)', '{"a": "b"}',
        'True', '2**100', '"xy"', 'len', 'x=1', 'sep=","', 'maxsplit=1', 'key=len', 'chars="a"',
        'tabsize=4', 'keepends=True', 'start=0']


def methods(recv):
    v = eval(recv)
    return [m for m in dir(v) if not m.startswith('_')]


for _ in range(400):
    recv = ch(RECV)
    m = ch(methods(recv))
    if m in ('clear', 'sort', 'reverse', 'pop', 'popitem', 'remove', 'append', 'extend', 'insert', 'add',
             'discard', 'update', 'setdefault') and R() < 0.5:
        m = 'copy'
    args = rng.sample(ARGS, ri(0, 3))
    args.sort(key=lambda a: '=' in a)
    src = '(%s).%s(%s)' % (recv, m, ', '.join(args))
    try:
        r = repr(eval(src))
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    if '<built-in' in r or 'object at' in r:
        r = r.split(' at ')[0]
    print(src, '->', r)
