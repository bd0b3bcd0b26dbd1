# Random exception chaining/notes/groups and traceback formatting.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
R = random.random; ch = random.choice
L = []
w = L.append
w('import traceback, sys')
excs = ['ValueError', 'KeyError', 'TypeError', 'ZeroDivisionError', 'RuntimeError', 'IndexError', 'OSError', 'AttributeError']
def raise_stmt(i):
    r = R()
    if r < 0.2: return '1 / 0'
    if r < 0.3: return '[][%d]' % i
    if r < 0.4: return '{}["k%d"]' % i
    if r < 0.5: return 'None.attr%d' % i
    if r < 0.55: return 'int("x%d")' % i
    if r < 0.6: return 'raise ExceptionGroup("eg%d", [ValueError(1), TypeError(2)])' % i
    return 'raise %s(%s)' % (ch(excs), ch(['"m%d"' % i, '', '%d' % i, '"a", "b"']))
nf = random.randint(2, 5)
for i in range(nf):
    w('def f%d(x):' % i)
    body = []
    r = R()
    if i == 0:
        body.append(raise_stmt(i))
    elif r < 0.3:
        body += ['try:', '    f%d(x + 1)' % random.randint(0, i - 1), 'except %s as e:' % ch(excs + ['Exception']),
                 '    ' + ch(['raise %s("wrapped%d") from e' % (ch(excs), i), 'raise %s("ctx%d")' % (ch(excs), i),
                             'raise', 'raise %s from None' % ch(excs), 'e.add_note("note%d"); raise' % i,
                             'raise e.with_traceback(None)'])]
    elif r < 0.45:
        body += ['try:', '    f%d(x)' % random.randint(0, i - 1), 'finally:', '    ' + ch(['pass', 'print("fin%d")' % i, raise_stmt(i)])]
    elif r < 0.55:
        body += ['try:', '    f%d(x)' % random.randint(0, i - 1), 'except* ValueError as eg:', '    print("star", repr(eg))',
                 'except* Exception as eg:', '    print("star2", repr(eg)); ' + ch(['raise', 'pass', 'raise KeyError(%d)' % i])]
    elif r < 0.65:
        body += ['with CM():', '    f%d(x)' % random.randint(0, i - 1)]
    elif r < 0.75:
        body += ['return [f%d(v) for v in range(2)]' % random.randint(0, i - 1)]
    elif r < 0.85:
        body += ['g = (f%d(v) for v in [x])' % random.randint(0, i - 1), 'return next(g)']
    else:
        body += ['return (lambda y: f%d(y))(x) + 1' % random.randint(0, i - 1)]
    for b in body: w('    ' + b)
w('class CM:')
w('    def __enter__(self): return self')
w('    def __exit__(self, *a): %s' % ch(['return False', 'raise KeyError("exit")', 'return None']))
w('for i in range(%d):' % nf)
w('    try:')
w('        globals()["f%d" % i](0)')
w('    except BaseException as e:')
w('        print("==", i, type(e).__name__, repr(e), getattr(e, "__notes__", None), type(e.__cause__).__name__, type(e.__context__).__name__, e.__suppress_context__)')
w('        s = traceback.format_exc()')
w('        print(s.replace(__file__, "FILE"))')
w('        print("".join(traceback.format_exception(e)).replace(__file__, "FILE") == s.replace(__file__, "FILE"))')
w('        print(traceback.format_exception_only(type(e), e))')
w('        print([(fs.name, fs.lineno, fs.line) for fs in traceback.extract_tb(e.__traceback__)])')
w('f%d(0)' % (nf - 1))
print('\n'.join(L))
