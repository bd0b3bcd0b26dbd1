# Random exception groups and except* (session 16): nested groups of
# random leaves (plain, subclassed, with notes, with __cause__), raised
# from functions, caught by random chains of except* clauses (single
# types, tuples, base classes, ExceptionGroup itself), whose bodies may
# raise, re-raise, raise a new group, or return/break from loops with
# finally; plus split()/subgroup()/derive() with type and predicate
# matchers, and the traceback text of what escapes (printed through
# traceback.format_exception, addresses normalised by run.sh).
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
L = []
w = L.append

w('import traceback, sys')
w('class MyEG(ExceptionGroup):')
w('    def derive(self, excs):')
w('        print("derive", len(excs))')
w('        return MyEG(self.message + "+", excs)')
w('class E1(ValueError): pass')
w('class E2(E1): pass')
w('def show(e, depth=0):')
w('    pad = "  " * depth')
w('    if isinstance(e, BaseExceptionGroup):')
w('        print(pad + type(e).__name__, repr(e.message), getattr(e, "__notes__", None))')
w('        for x in e.exceptions: show(x, depth + 1)')
w('    else:')
w('        print(pad + type(e).__name__, repr(e), getattr(e, "__notes__", None), type(e.__cause__).__name__ if e.__cause__ else "")')
w('def tb(e):')
w('    lines = traceback.format_exception(e)')
w('    print("".join(l for l in lines if not l.lstrip().startswith("File") and "^^^" not in l).rstrip())')

leaves = ['ValueError(%d)', 'TypeError("t%d")', 'KeyError(%d)', 'E1("e1-%d")', 'E2("e2-%d")', 'OSError(2, "no%d")', 'ZeroDivisionError(%d)', 'RuntimeError("r%d")']
catch = ['ValueError', 'TypeError', 'KeyError', 'E1', 'E2', 'OSError', 'LookupError', 'ArithmeticError', 'Exception', '(TypeError, KeyError)', '(E2, ZeroDivisionError)', 'RuntimeError']


def group(d):
    n = ri(1, 3) if d > 0 else ri(1, 4)
    items = []
    for _ in range(n):
        if d < 2 and R() < 0.3: items.append(group(d + 1))
        else:
            leaf = ch(leaves) % ri(0, 99)
            if R() < 0.15: leaf = '(lambda x: (x.add_note("n%d"), x)[1])(%s)' % (ri(0, 9), leaf)
            items.append(leaf)
    cls = ch(['ExceptionGroup', 'ExceptionGroup', 'BaseExceptionGroup', 'MyEG'])
    return '%s("g%d", [%s])' % (cls, ri(0, 99), ', '.join(items))


nf = ri(3, 7)
for i in range(nf):
    w('def f%d(n):' % i)
    r = R()
    if r < 0.5 or i == 0:
        w('    raise ' + group(0) + ch(['', '', ' from KeyError("cause")']))
    else:
        # a handler chain around an inner call
        w('    try:')
        w('        f%d(n)' % ri(0, i - 1))
        used = 0
        for k in range(ri(1, 3)):
            w('    except* %s as e%d:' % (ch(catch), k))
            w('        print("f%d caught", %d, repr(e%d.message), [type(x).__name__ for x in e%d.exceptions])' % (i, k, k, k))
            rr = R()
            if rr < 0.15: w('        raise')
            elif rr < 0.3: w('        raise ' + ch(leaves) % ri(0, 99))
            elif rr < 0.4: w('        raise ' + group(1))
            elif rr < 0.45: w('        raise e%d' % k)
            elif rr < 0.5: w('        e%d.add_note("handled"); raise' % k)
        if R() < 0.3:
            w('    else:')
            w('        print("f%d else")' % i)
        if R() < 0.4:
            w('    finally:')
            w('        print("f%d finally")' % i)
    w('')

for i in range(nf):
    w('print("== f%d")' % i)
    w('try:')
    w('    f%d(0)' % i)
    w('except BaseException as e:')
    w('    show(e)')
    if R() < 0.5: w('    tb(e)')
    w('else:')
    w('    print("no exception")')

# split/subgroup/derive with matchers
for k in range(ri(5, 15)):
    g = group(0)
    m = ch(catch[:-1] + ['lambda e: isinstance(e, E1)', 'lambda e: "1" in str(e)', 'lambda e: True', '(ValueError,)', 'int', '"bad"'])
    w('try:')
    w('    g = %s' % g)
    w('    a, b = g.split(%s)' % m)
    w('    print("split", %d); show(a) if a else print(None); show(b) if b else print(None)' % k)
    w('    s = g.subgroup(%s)' % m)
    w('    show(s) if s else print("subgroup None")')
    w('    print(g.derive([ValueError(1)]).message, repr(g), str(g))')
    w('except Exception as e:')
    w('    print("err", type(e).__name__, e)')

# a few loops with except* and control flow
for k in range(ri(1, 4)):
    w('def loop%d():' % k)
    w('    for i in range(3):')
    w('        try:')
    w('            try:')
    w('                raise %s' % group(1))
    w('            except* %s:' % ch(catch))
    w('                print("loop%d inner", i)' % k)
    w('        except* %s:' % ch(catch))
    w('            print("loop%d outer", i)' % k)
    w('        finally:')
    w('            print("loop%d finally", i)' % k)
    w('            %s' % ch(['pass', 'pass', 'continue' if R() < 0.5 else 'pass']))
    w('    return "done"')
    w('try: print(loop%d())' % k)
    w('except BaseException as e: show(e)')
print('\n'.join(L))
