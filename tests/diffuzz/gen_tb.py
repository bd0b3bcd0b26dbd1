# Random failing expressions and their tracebacks (session 17): each
# function evaluates one random expression tree (binary and unary operators,
# subscripts, slices, attribute loads, calls, method calls, comparisons,
# boolean operators, f-strings) over values of mixed types, often split over
# several lines inside brackets, as an assignment, return, augmented
# assignment, call argument or condition.  The traceback text of each
# failure (traceback.format_exc, with the 3.12 carets) is printed, and the
# last one escapes so the interpreter's own stderr printer is compared too.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
ATOMS = ['n', 'z', 's', 'l', 'd', 'none', 'o', 'f', 't', 'fl', '3', '0', '"x"', '[]', 'b']
BIN = ['+', '-', '*', '/', '//', '%', '**', '@', '<<', '>>', '&', '|', '^']


def ex(depth):
    if depth <= 0 or R() < 0.2:
        return ch(ATOMS)
    r = R()
    if r < 0.3:
        a, b = ex(depth - 1), ex(depth - 1)
        sp = ch([' ', '', '  '])
        e = '%s%s%s%s%s' % (a, sp, ch(BIN), sp, b)
    elif r < 0.42:
        e = '%s[%s]' % (ex(depth - 1), ex(depth - 1))
    elif r < 0.48:
        e = '%s[%s:%s]' % (ex(depth - 1), ch(['', '1', 'n']), ch(['', 'z', 's']))
    elif r < 0.58:
        e = '%s.%s' % (ex(depth - 1), ch(['attr', 'real', 'upper', 'a', 'b']))
    elif r < 0.7:
        args = ', '.join(ex(depth - 1) for _ in range(ri(0, 2)))
        e = '%s(%s)' % (ex(depth - 1), args)
    elif r < 0.78:
        e = '%s.%s(%s)' % (ex(depth - 1), ch(['get', 'append', 'upper', 'index', 'm', 'pop']), ex(depth - 1))
    elif r < 0.83:
        e = '%s%s' % (ch(['-', '~', 'not ', '+']), ex(depth - 1))
    elif r < 0.88:
        e = '%s %s %s' % (ex(depth - 1), ch(['<', '>=', '==', 'in', 'not in', 'is']), ex(depth - 1))
    elif r < 0.92:
        e = '%s %s %s' % (ex(depth - 1), ch(['and', 'or']), ex(depth - 1))
    elif r < 0.96:
        e = 'f"{%s}-{%s!r}"' % (ex(depth - 1), ex(depth - 1))
    else:
        e = '%s if %s else %s' % (ex(depth - 1), ex(depth - 1), ex(depth - 1))
    if R() < 0.35:
        if R() < 0.4:
            e = '(\n        %s\n    )' % e
        else:
            e = '(%s)' % e
    return e


def wrap(e):
    r = R()
    if r < 0.35: return ['r = %s' % e, 'return r']
    if r < 0.55: return ['return %s' % e]
    if r < 0.65: return ['r = 1', 'r %s= %s' % (ch(['+', '*', '/', '-', '@']), e), 'return r']
    if r < 0.75: return ['print(%s)' % e]
    if r < 0.85: return ['if %s:' % e, '    return 1']
    if r < 0.9: return ['r = [%s for _ in range(1)]' % e, 'return r']
    return ['r = {"k": %s,\n         "j": 2}' % e, 'return r']


print('''import traceback
class O:
    a = 1
    def m(self, x): return x + 1
    def __repr__(self): return "O()"
n, z, s, l, d, none, o, t, fl, b = 5, 0, "ab", [1, 2], {"k": 1}, None, O(), (1,), 1.5, b"b"
def f(*a): return a[0]
''')
N = ri(3, 8)
for i in range(N):
    print('def g%d():' % i)
    for line in wrap(ex(ri(1, 4))):
        print('    ' + line)
    print('    return None')
print('for i in range(%d):' % N)
print('    try:')
print('        print(i, repr(globals()["g%d" % i]()))')
print('    except Exception:')
print('        print(traceback.format_exc().replace(__file__, "FILE"))')
print('g%d(); g%d()' % (ri(0, N - 1), ri(0, N - 1)))
