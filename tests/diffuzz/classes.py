# Random class hierarchies with dunder protocols; prints results/exceptions.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
R = random.random; ch = random.choice
out = []
def w(s): out.append(s)
ops = [('__add__', '+', '__radd__'), ('__sub__', '-', '__rsub__'), ('__mul__', '*', '__rmul__'),
       ('__lt__', '<', '__gt__'), ('__le__', '<=', '__ge__'), ('__eq__', '==', '__eq__'), ('__ne__', '!=', '__ne__'),
       ('__and__', '&', '__rand__'), ('__matmul__', '@', '__rmatmul__'), ('__floordiv__', '//', '__rfloordiv__'),
       ('__mod__', '%', '__rmod__'), ('__pow__', '**', '__rpow__'), ('__lshift__', '<<', '__rlshift__')]
iops = {'+': '+=', '-': '-=', '*': '*=', '&': '&=', '@': '@=', '<<': '<<='}
ncls = random.randint(2, 4)
names = ['C%d' % i for i in range(ncls)]
for i, n in enumerate(names):
    bases = []
    if i and R() < 0.7: bases = random.sample(names[:i], random.randint(1, min(2, i)))
    if R() < 0.15: bases.append(ch(['int', 'str', 'list', 'dict', 'tuple', 'Exception']))
    # avoid MRO failures being the whole show: still allowed
    w('try:')
    w('  class %s(%s):' % (n, ', '.join(bases)))
    body = []
    if R() < 0.2: body.append('__slots__ = (%s)' % ', '.join(repr(x) + ',' for x in random.sample(['a', 'b', 'v', '__dict__'], random.randint(0, 2))))
    body.append('tag = %r' % n)
    if R() < 0.5:
        body.append('def __init__(self, v=0):')
        if bases and R() < 0.5: body.append('    try: super().__init__()\n      except TypeError as e: print("init", type(e).__name__)'.replace('\n      ', '\n    '))
        body.append('    self.v = v')
    for (m, sym, rm) in random.sample(ops, random.randint(0, 4)):
        r = R()
        if r < 0.3: ret = 'NotImplemented'
        elif r < 0.5: ret = '(%r, self.tag, getattr(other, "tag", other))' % m
        elif r < 0.6: ret = 'super().%s(other)' % m
        elif r < 0.7: ret = 'getattr(self, "v", 0) %s getattr(other, "v", other)' % sym
        else: ret = '(%r, getattr(self, "v", None))' % m
        which = ch([m, rm, m])
        body.append('def %s(self, other):' % which)
        body.append('    return %s' % ret)
    if R() < 0.3: body.append('def __hash__(self): return %d' % random.randint(0, 3))
    if R() < 0.1: body.append('__hash__ = None')
    if R() < 0.3: body.append('def __getattr__(self, name):\n    if name.startswith("__"): raise AttributeError(name)\n    return ("ga", name)')
    if R() < 0.15: body.append('def __getattribute__(self, name):\n    if name == "z": raise AttributeError("no z")\n    return super().__getattribute__(name)')
    if R() < 0.2: body.append('def __setattr__(self, name, val):\n    print("setattr", self.tag, name, val)\n    super().__setattr__(name, val)')
    if R() < 0.2: body.append('@property\ndef p(self): return ("prop", self.tag)')
    if R() < 0.15: body.append('@property\ndef v2(self): return self.v\n@v2.setter\ndef v2(self, x): self.v = x * 2')
    if R() < 0.2: body.append('def __init_subclass__(cls, **kw):\n    print("init_subclass", cls.__name__, sorted(kw))\n    super().__init_subclass__()')
    if R() < 0.2: body.append('def __class_getitem__(cls, item): return ("cgi", cls.__name__, item)')
    if R() < 0.2: body.append('def __bool__(self): return %s' % ch(['True', 'False', '0', 'None']))
    if R() < 0.2: body.append('def __len__(self): return %s' % ch(['3', '0', '-1', '"x"', '2**70']))
    if R() < 0.2: body.append('def __repr__(self): return %s' % ch(['"R" + self.tag', '5', 'super().__repr__()[:3]']))
    if R() < 0.15: body.append('def __str__(self): return "S" + self.tag')
    if R() < 0.2: body.append('def __contains__(self, x): return %s' % ch(['x == 1', '[]', '"s"']))
    if R() < 0.2: body.append('def __getitem__(self, k): \n    if k == 3: raise IndexError(k)\n    return (self.tag, k)')
    if R() < 0.15: body.append('def __iter__(self): return iter([1, 2, self.tag])')
    if R() < 0.15: body.append('def __call__(self, *a, **k): return ("call", a, sorted(k))')
    if R() < 0.15: body.append('def __index__(self): return %s' % ch(['2', '"x"', 'True']))
    if R() < 0.15: body.append('def __int__(self): return %s' % ch(['7', '7.5']))
    if R() < 0.15: body.append('def __format__(self, spec): return "F" + spec')
    if R() < 0.1: body.append('def __neg__(self): return ("neg", self.tag)')
    if R() < 0.1: body.append('def __iadd__(self, o): return ("iadd", o)')
    if R() < 0.1: body.append('class D:\n    def __get__(self, obj, typ=None): return ("get", obj is None)\n    def __set__(self, obj, v): print("dset", v)\nd = D()')
    for b in body:
        for line in b.split('\n'): w('    ' + line)
    w('except Exception as e: print("classdef", %r, type(e).__name__, e); %s = None' % (n, n))
    w('')
w('def show(f):')
w('    try: r = f()')
w('    except Exception as e: r = "EXC %s: %s" % (type(e).__name__, e)')
w('    try: print(repr(r))')
w('    except Exception as e: print("REPR-EXC", type(e).__name__, e)')
w('objs = []')
for n in names:
    w('try: objs.append(%s(%d))' % (n, random.randint(0, 5)))
    w('except Exception as e: print("ctor", %r, type(e).__name__, e)' % n)
w('vals = objs + [1, 2.5, "s", None, [1]]')
exprs = []
for _ in range(60):
    a = 'vals[%d %% len(vals)]' % random.randint(0, 9); b = 'vals[%d %% len(vals)]' % random.randint(0, 9)
    r = R()
    if r < 0.35: e = '%s %s %s' % (a, ch(ops)[1], b)
    elif r < 0.4: e = '(lambda x: (exec("x %s y", {"x": x, "y": %s}, d := {}), d) and None)(%s)' % (ch(list(iops.values())), b, a)
    elif r < 0.5: e = ch(['bool', 'len', 'repr', 'str', 'hash', 'int', 'list', 'iter', 'abs', '-', 'format', 'divmod', 'sorted', 'reversed', 'bin', 'isinstance'])
    else: e = None
    if e in ('bool', 'len', 'repr', 'str', 'hash', 'int', 'abs', 'bin'): e = '%s(%s)' % (e, a)
    elif e in ('list', 'sorted'): e = '%s([%s, %s])' % (e, a, b) if R() < 0.5 else '%s(%s)' % (e, a)
    elif e == 'iter': e = 'list(iter(%s))' % a
    elif e == 'reversed': e = 'list(reversed(%s))' % a
    elif e == '-': e = '-%s' % a
    elif e == 'format': e = 'format(%s, "x>3")' % a
    elif e == 'divmod': e = 'divmod(%s, %s)' % (a, b)
    elif e == 'isinstance': e = 'isinstance(%s, %s)' % (a, ch(names))
    elif e is None:
        r = R()
        if r < 0.15: e = '%s.%s' % (a, ch(['v', 'p', 'z', 'tag', 'missing', '__class__.__name__', 'd', 'v2', '__dict__']))
        elif r < 0.3: e = '(setattr(%s, %r, 9), %s.__dict__ if hasattr(%s, "__dict__") else "nodict")' % (a, ch(['v', 'a', 'q', 'v2', 'd', 'p']), a, a)
        elif r < 0.4: e = '%s[%s]' % (a, ch(['0', '3', '"k"', '1:2']))
        elif r < 0.5: e = '%s in %s' % (b, a)
        elif r < 0.6: e = '%s[int]' % ch(names)
        elif r < 0.7: e = '[c.__name__ for c in %s.__mro__]' % ch(names)
        elif r < 0.8: e = '%s(1, k=2)' % a
        elif r < 0.9: e = '[1, 2, 3, 4][%s]' % a
        else: e = 'f"{%s:>4}"' % a
    exprs.append(e)
for e in exprs:
    w('show(lambda: %s)' % e)
w('class Sub(%s, k=1): pass' % ch(names) if R() < 0.5 else 'pass')
print('\n'.join(out).replace('class Sub(None', 'class Sub(object'))
