# Random scoping programs (session 17): nested functions, classes and
# comprehensions over a few shared names, with global/nonlocal declarations,
# del, walrus in comprehensions, default arguments evaluated at def time,
# lambdas captured in loops, class bodies reading enclosing and global
# names, and locals()/vars() snapshots.  Reads that fail print the
# NameError/UnboundLocalError text; bad declarations compare SyntaxErrors.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
NAMES = ['a', 'b', 'c', 'x']
out = []
counter = [0]


def emit(depth, line):
    out.append('    ' * depth + line)


def fresh(p):
    counter[0] += 1
    return '%s%d' % (p, counter[0])


def expr():
    r = R()
    if r < 0.3: return str(ri(0, 9))
    if r < 0.6: return ch(NAMES)
    if r < 0.8: return '%s + %d' % (ch(NAMES), ri(1, 5))
    return '[%s for %s in range(2)]' % (ch(NAMES + ['_i']), '_i')


def guarded(depth, line):
    emit(depth, 'try:')
    emit(depth + 1, line)
    emit(depth, 'except (NameError, TypeError) as e:')
    emit(depth + 1, 'print(%r, type(e).__name__, e)' % line.strip()[:30])


def stmt(depth, kind, budget):
    r = R()
    if r < 0.2:
        guarded(depth, '%s = %s' % (ch(NAMES), expr()))
    elif r < 0.4:
        n = ch(NAMES)
        guarded(depth, 'print(%r, %s)' % (n, n))
    elif r < 0.47:
        guarded(depth, 'del %s' % ch(NAMES))
    elif r < 0.55 and budget > 0:
        func(depth, budget - 1)
    elif r < 0.6 and budget > 0:
        klass(depth, budget - 1)
    elif r < 0.68:
        n = ch(NAMES)
        v = ch(NAMES)
        guarded(depth, 'print([(%s := %s + _j) for _j in range(3)], %s)' % (n, v, n))
    elif r < 0.74:
        n = ch(NAMES)
        guarded(depth, 'print([%s for %s in range(3)], [%s for _k in range(1)])' % (n, n, ch(NAMES)))
    elif r < 0.8:
        f = fresh('fs')
        emit(depth, '%s = []' % f)
        emit(depth, 'for _q in range(3):')
        if R() < 0.5:
            emit(depth + 1, '%s.append(lambda: _q)' % f)
        else:
            emit(depth + 1, '%s.append(lambda _q=_q: _q)' % f)
        emit(depth, 'print([_g() for _g in %s])' % f)
    elif r < 0.85:
        emit(depth, 'print(sorted(k for k in locals() if not k.startswith("_")))' if kind != 'module'
             else 'print(sorted(k for k in %s if k in "abcx"))' % ch(['globals()', 'dir()', 'locals()', 'vars()']))
    elif r < 0.9:
        n = ch(NAMES)
        guarded(depth, '%s += 1' % n)
    elif r < 0.95:
        guarded(depth, 'print(eval(%r))' % ch(NAMES))
    else:
        guarded(depth, 'for %s in range(%d): pass' % (ch(NAMES), ri(0, 2)))


def body(depth, kind, budget):
    for _ in range(ri(1, 5)):
        stmt(depth, kind, budget)


def func(depth, budget):
    name = fresh('f')
    params = []
    for n in rng.sample(NAMES, ri(0, 2)):
        params.append(n + ('=%s' % expr() if R() < 0.5 else ''))
    # defaults are evaluated now: guard the def itself
    emit(depth, 'try:')
    emit(depth + 1, 'def %s(%s):' % (name, ', '.join(sorted(params, key=lambda p: '=' in p))))
    decl = R()
    pnames = [p.split('=')[0] for p in params]
    if decl < 0.25:
        emit(depth + 2, 'global %s' % ', '.join(rng.sample(NAMES, ri(1, 2))))
    elif decl < 0.5:
        emit(depth + 2, 'nonlocal %s' % ', '.join(rng.sample(NAMES, ri(1, 2))))
    body(depth + 2, 'func', budget)
    if R() < 0.5:
        emit(depth + 2, 'return %s' % expr())
    emit(depth, 'except (NameError, TypeError) as e:')
    emit(depth + 1, 'print("def", type(e).__name__, e)')
    args = ', '.join(str(ri(0, 9)) for p in params if '=' not in p)
    guarded(depth, 'print(%r, %s(%s))' % (name, name, args))


def klass(depth, budget):
    name = fresh('K')
    emit(depth, 'try:')
    emit(depth + 1, 'class %s:' % name)
    if R() < 0.2:
        emit(depth + 2, ch(['global', 'nonlocal']) + ' ' + ch(NAMES))
    body(depth + 2, 'class', budget)
    emit(depth + 2, 'def m(self): return %s' % ch(NAMES))
    emit(depth, 'except (NameError, TypeError) as e:')
    emit(depth + 1, 'print("class", type(e).__name__, e)')
    guarded(depth, 'print(%r, sorted(k for k in vars(%s) if k in "abcx"), %s().m())' % (name, name, name))


for n in NAMES:
    if R() < 0.6:
        emit(0, '%s = %d' % (n, ri(0, 9)))
for _ in range(ri(4, 9)):
    stmt(0, 'module', 3)
print('\n'.join(out))
