# Random calls (session 17): functions with random signatures (positional-
# only, defaults, *args, keyword-only with and without defaults, **kwargs)
# called with random positional/keyword/star/double-star arguments, so most
# calls fail with a TypeError whose text must match CPython's; the same
# through methods (bound, unbound, classmethod, staticmethod), lambdas,
# functools.partial, and builtins called with wrong counts and keywords.
import random, sys, functools
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
NAMES = ['a', 'b', 'c', 'd', 'e', 'x', 'y']


def signature():
    names = rng.sample(NAMES, ri(0, 5))
    parts = []
    npos = ri(0, len(names))
    pos, kw = names[:npos], names[npos:]
    slash = pos and R() < 0.4
    cut = ri(0, len(pos)) if slash else 0
    defaults_from = ri(0, len(pos))
    for i, n in enumerate(pos):
        parts.append(n + ('=%d' % i if i >= defaults_from else ''))
        if slash and i + 1 == cut:
            parts.append('/')
    star = R() < 0.4
    if star:
        parts.append('*args')
    elif kw:
        parts.append('*')
    for n in kw:
        parts.append(n + ('=%r' % n if R() < 0.4 else ''))
    if R() < 0.35:
        parts.append('**kw')
    return ', '.join(parts), names, star


def call_args(names):
    args = []
    for _ in range(ri(0, 4)):
        args.append(str(ri(1, 9)))
    used = rng.sample(names + ['z', 'kw', 'args'], ri(0, min(4, len(names) + 1)))
    for n in used:
        args.append('%s=%d' % (n, ri(10, 99)))
    r = R()
    if r < 0.15:
        args.insert(ri(0, len(args)), '*%r' % (tuple(range(ri(0, 3))),))
    elif r < 0.3:
        d = {ch(names + ['q']): 0 for _ in range(ri(0, 2))} if names else {}
        args.append('**%r' % d)
    elif r < 0.35:
        args.append('*5')
    elif r < 0.4:
        args.append('**[1]')
    elif r < 0.45:
        args.append("**{1: 2}")
    return ', '.join(args)


def run(src, env):
    try:
        print(src, '->', repr(eval(src, env)))
    except Exception as e:
        print(src, '->', type(e).__name__ + ':', e)


def body(names, star):
    items = ['%s=%s' % (n, n) for n in names]
    if star: items.append('args=args')
    return 'return dict(%s)' % ', '.join(items)


for case in range(40):
    sig, names, star = signature()
    env = {'functools': functools}
    kind = ch(['def', 'def', 'method', 'static', 'cls', 'lambda', 'partial', 'init'])
    b = body(names, star)
    if 'kw' in sig and '**kw' in sig:
        b = b[:-1] + (', ' if names or star else '') + 'kw=kw)'
    if kind == 'def':
        exec('def f(%s):\n    %s' % (sig, b), env)
        target = 'f'
    elif kind == 'lambda':
        exec('f = lambda %s: %s' % (sig, b[7:]), env)
        target = 'f'
    elif kind == 'method':
        exec('class C:\n    def m(self%s):\n        %s' % (', ' + sig if sig else '', b), env)
        target = ch(['C().m', 'C.m'])
    elif kind == 'static':
        exec('class C:\n    @staticmethod\n    def m(%s):\n        %s' % (sig, b), env)
        target = ch(['C().m', 'C.m'])
    elif kind == 'cls':
        exec('class C:\n    @classmethod\n    def m(cls%s):\n        %s' % (', ' + sig if sig else '', b), env)
        target = ch(['C().m', 'C.m'])
    elif kind == 'init':
        exec('class C:\n    def __init__(self%s):\n        self.r = 1\n    def __repr__(self): return "C"' % (', ' + sig if sig else ''), env)
        target = 'C'
    else:
        exec('def f(%s):\n    %s' % (sig, b), env)
        try:
            env['g'] = eval('functools.partial(f, %s)' % call_args(names).replace('**{1: 2}', ''), env)
        except Exception as e:
            print('partial:', type(e).__name__, e)
            env['g'] = env['f']
        target = 'g'
    print('#', kind, sig)
    for _ in range(4):
        run('%s(%s)' % (target, call_args(names)), env)

# Builtins and C methods with wrong arguments.
BUILTINS = ['len', 'abs', 'divmod', 'pow', 'round', 'sorted', 'min', 'max', 'sum',
            'isinstance', 'getattr', 'setattr', 'hasattr', 'iter', 'next', 'int',
            'str', 'float', 'list', 'dict', 'tuple', 'range', 'enumerate', 'zip',
            'map', 'filter', 'repr', 'chr', 'ord', 'hex', 'bool', 'format', 'print',
            '"abc".split', '"abc".join', '[].append', '[].insert', '[].pop', '{}.get',
            '{}.pop', '"x".replace', '"x".startswith', '(1).to_bytes', 'int.from_bytes',
            '[].sort', 'set().add', '"a".encode', 'bytes', 'slice', 'object', 'type',
            '"{}".format', 'dict.fromkeys', '"a".center', '"a".count', '[].index']
ARGS = ['1', '"s"', '[3, 1]', 'None', '2.5', 'key=len', 'x=1', 'reverse=True', 'sep=""',
        'default=0', 'start=1', '*[]', '**{}', 'base=2', 'maxsplit=1', 'strict=True']
for _ in range(80):
    b = ch(BUILTINS)
    args = rng.sample(ARGS, ri(0, 4))
    args.sort(key=lambda a: '=' in a and not a.startswith('*'))
    src = '%s(%s)' % (b, ', '.join(args))
    if b == 'print':
        src = 'print(%s, file=None) and None' % ', '.join(args)
    run(src, {})
