# Builtin exception objects built with random arguments (session 17): every
# builtin exception class called with 0-5 positional arguments of mixed
# types and sometimes keywords (name=, obj=, path=, ...); prints str(),
# repr(), .args and the class's own attributes (errno, strerror, filename,
# filename2, characters_written, value, code, msg, lineno, offset, text,
# start, end, reason, encoding, object, name, path, obj, exceptions), or
# the TypeError the constructor raises; then sets and deletes attributes.
import builtins, random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
CLASSES = sorted(n for n, v in vars(builtins).items()
                 if isinstance(v, type) and issubclass(v, BaseException) and not n.startswith('_'))
CLASSES = [c for c in CLASSES if c not in ('EncodingWarning',)]
VALS = [0, 1, 2, -1, 'msg', '', 'f.txt', b'ab', None, (1, 2), [ValueError('x')], 3.5, 'utf-8', 2**70,
        ('f', 1, 2, 'txt'), ('f', 1, 2, 'txt', 3, 4)]
KW = ['name', 'obj', 'path', 'x']
ATTRS = ['errno', 'strerror', 'filename', 'filename2', 'characters_written', 'value', 'code', 'msg',
         'lineno', 'offset', 'text', 'end_lineno', 'end_offset', 'print_file_and_line', 'start', 'end',
         'reason', 'encoding', 'object', 'name', 'path', 'obj', 'exceptions', 'message', 'winerror']


def safe(f):
    try:
        return repr(f())
    except Exception as e:
        return '!' + type(e).__name__ + ': ' + str(e)


for _ in range(300):
    cname = ch(CLASSES)
    cls = getattr(builtins, cname)
    args = [ch(VALS) for _ in range(ri(0, 5))]
    if cname in ('ExceptionGroup', 'BaseExceptionGroup') and R() < 0.6:
        args = ['eg', [ch([ValueError(1), KeyError('k'), KeyboardInterrupt()]) for _ in range(ri(0, 2))]]
    if cname == 'OSError' and R() < 0.5:
        args = [ch([2, 13, 17, 999, 'x']), 'No such file', ch(['a.txt', None, 3])] + \
            ([ch([None, 0, 5])] if R() < 0.5 else []) + (['b.txt'] if R() < 0.5 else [])
    kw = {k: ch(VALS) for k in rng.sample(KW, ri(0, 1))} if R() < 0.3 else {}
    print('#', cname, repr(args)[:80], sorted(kw))
    try:
        e = cls(*args, **kw)
    except Exception as ex:
        print('  ctor', type(ex).__name__, ex)
        continue
    print('  type', type(e).__name__)
    print('  str', safe(lambda: str(e)))
    print('  repr', safe(lambda: repr(e)))
    print('  args', safe(lambda: e.args))
    for a in ATTRS:
        if hasattr(type(e), a) or a in ('name', 'obj', 'path'):
            print('  .' + a, safe(lambda: getattr(e, a)))
    a = ch(ATTRS + ['args', '__cause__', '__context__', '__traceback__', '__notes__'])
    v = ch(VALS + [ValueError('c')])
    print('  set', a, safe(lambda: setattr(e, a, v)), safe(lambda: getattr(e, a)), safe(lambda: str(e)))
    if R() < 0.3:
        print('  del', a, safe(lambda: delattr(e, a)), safe(lambda: getattr(e, a)))
