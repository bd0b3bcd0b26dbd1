# Random class machinery (session 16): each program builds a few classes
# from random pieces -- data and non-data descriptors with __set_name__,
# properties with setters/deleters, __init_subclass__ with keywords,
# __class_getitem__, metaclasses with __new__/__init__/__call__/
# __prepare__/__instancecheck__, __slots__ (with and without __dict__,
# inherited), __getattr__/__getattribute__/__setattr__/__delattr__,
# classmethod/staticmethod, super() chains, __mro_entries__, class
# decorators -- then performs random attribute gets, sets, deletes, calls,
# isinstance checks, and dir()/vars() views on classes and instances,
# printing each result or exception.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
L = []
w = L.append

w('import sys')
w('log = []')
w('def t(*a):')
w('    print(*a)')
w('class Desc:')
w('    def __init__(self, dflt=0): self.dflt = dflt')
w('    def __set_name__(self, owner, name): self.name = name; print("set_name", owner.__name__, name)')
w('    def __get__(self, obj, typ=None):')
w('        if obj is None: return self')
w('        return obj.__dict__.get("_" + self.name, self.dflt) if hasattr(obj, "__dict__") else self.dflt')
w('    def __set__(self, obj, v): print("desc set", self.name, v); obj.__dict__["_" + self.name] = v')
w('    def __delete__(self, obj): print("desc del", self.name); obj.__dict__.pop("_" + self.name, None)')
w('class NonData:')
w('    def __set_name__(self, owner, name): self.name = name')
w('    def __get__(self, obj, typ=None): return ("nondata", self.name, obj is None)')
w('class RO:')
w('    def __get__(self, obj, typ=None): return "ro"')
w('    def __set__(self, obj, v): raise AttributeError("read-only " + repr(v))')
w('class Meta(type):')
w('    @classmethod')
w('    def __prepare__(mcls, name, bases, **kw):')
w('        print("prepare", name, sorted(kw))')
w('        return {"prepared": True}')
w('    def __new__(mcls, name, bases, ns, **kw):')
w('        print("meta new", name, [b.__name__ for b in bases], sorted(k for k in ns if not k.startswith("__")), sorted(kw))')
w('        return super().__new__(mcls, name, bases, ns)')
w('    def __init__(cls, name, bases, ns, **kw):')
w('        print("meta init", name)')
w('        super().__init__(name, bases, ns)')
w('    def __call__(cls, *a, **k):')
w('        print("meta call", cls.__name__, a, sorted(k))')
w('        return super().__call__(*a, **k)')
w('    def __instancecheck__(cls, obj):')
w('        print("instancecheck", cls.__name__)')
w('        return type.__instancecheck__(cls, obj)')
w('    def __getattr__(cls, name):')
w('        if name.startswith("meta_"): return "metaattr:" + name')
w('        raise AttributeError(name)')
w('    mattr = "from meta"')
w('class Entry:')
w('    def __mro_entries__(self, bases): print("mro_entries"); return (Base0,)')
w('def deco(cls):')
w('    cls.decorated = cls.__name__')
w('    return cls')

attrs = ['a', 'b', 'c', 'x', 'y', 'p', 'nd', 'ro', 'cm', 'sm', 'prepared', 'mattr', 'meta_q', 'decorated', 'missing', '__dict__', 'lst']
ncls = ri(2, 5)
classes = []
for i in range(ncls):
    name = 'C%d' % i
    bases = []
    if i == 0:
        name = 'Base0'
    else:
        bases = rng.sample(classes, min(len(classes), ri(0, 2)))
    bnames = [b for b in bases]
    kw = []
    meta = R() < 0.35 and not any(b in ('C_slots',) for b in bases)
    if meta: kw.append('metaclass=Meta')
    if R() < 0.25: kw.append('flag=%d' % ri(0, 9))
    if i > 0 and R() < 0.1: bnames = ['Entry()'] + [b for b in bnames if b != 'Base0']
    w('try:')
    if R() < 0.2: w('  @deco')
    hdr = 'class %s(%s):' % (name, ', '.join(bnames + kw)) if bnames or kw else 'class %s:' % name
    w('  ' + hdr)
    body = []
    slots = R() < 0.25
    if slots:
        sl = rng.sample(['a', 'b', 'x', '__dict__', '__weakref__'], ri(0, 3))
        body.append('__slots__ = %r' % (tuple(sl),))
    if R() < 0.5 and not slots: body.append('a = %d' % ri(0, 9))
    if R() < 0.5: body.append('x = Desc(%d)' % ri(0, 9))
    if R() < 0.3: body.append('nd = NonData()')
    if R() < 0.2: body.append('ro = RO()')
    if R() < 0.4:
        body += ['@property', 'def p(self):', '    print("get p"); return getattr(self, "_p", "p-default")']
        if R() < 0.7: body += ['@p.setter', 'def p(self, v):', '    print("set p", v); self._p = v']
        if R() < 0.5: body += ['@p.deleter', 'def p(self):', '    print("del p"); del self._p']
    if R() < 0.4: body += ['@classmethod', 'def cm(cls, *a):', '    return ("cm", cls.__name__, a)']
    if R() < 0.3: body += ['@staticmethod', 'def sm(*a):', '    return ("sm", a)']
    if R() < 0.3:
        body += ['def __init_subclass__(cls, **kw):', '    print("init_subclass", %r, cls.__name__, sorted(kw.items()))' % name,
                 '    super().__init_subclass__()']
    if R() < 0.2:
        body += ['def __class_getitem__(cls, item):', '    return ("cgi", cls.__name__, item)']
    if R() < 0.3:
        body += ['def __getattr__(self, name):', '    if name.startswith("_"): raise AttributeError(name)',
                 '    return ("getattr", %r, name)' % name]
    if R() < 0.15:
        body += ['def __getattribute__(self, name):', '    if name == "b": return "intercepted"',
                 '    return super().__getattribute__(name)']
    if R() < 0.25:
        body += ['def __setattr__(self, name, v):', '    print("setattr", %r, name, v)' % name,
                 '    if name == "c": raise AttributeError("no c")', '    super().__setattr__(name, v)']
    if R() < 0.2:
        body += ['def __delattr__(self, name):', '    print("delattr", %r, name)' % name, '    super().__delattr__(name)']
    if R() < 0.5:
        args = ch(['self', 'self, v=0', 'self, *a, **k'])
        body += ['def __init__(%s):' % args]
        if bases and R() < 0.6: body.append('    super().__init__()')
        body.append('    print("init", %r)' % name)
        if R() < 0.5: body.append('    self.%s = %d' % (ch(['a', 'b', 'y', 'lst']), ri(0, 9)))
    if R() < 0.3:
        body += ['def m(self):', '    return ("m", %r, %s)' % (name, 'super().m()' if bases and R() < 0.6 else 'None')]
    if R() < 0.2: body.append('lst = []')
    if not body: body = ['pass']
    for b in body: w('      ' + b)
    w('except Exception as e:')
    w('    print("class %s failed:", type(e).__name__, e)' % name)
    w('    class %s: pass' % name)
    w('print("defined", %s.__name__, [k.__name__ for k in %s.__mro__])' % (name, name))
    classes.append(name)

w('objs = []')
for c in classes:
    w('try:')
    w('    objs.append(%s(%s))' % (c, ch(['', '', '1'])))
    w('except Exception as e:')
    w('    print("construct", %r, type(e).__name__, e)' % c)
    w('    objs.append(None)')
w('classes = [%s]' % ', '.join(classes))

ops = []
for k in range(ri(30, 80)):
    r = R()
    a = ch(attrs)
    target = ch(['objs[%d]' % ri(0, ncls - 1), 'classes[%d]' % ri(0, ncls - 1)])
    if r < 0.3: s = 'res = getattr(%s, %r)' % (target, a)
    elif r < 0.5: s = 'setattr(%s, %r, %d); res = getattr(%s, %r, "<gone>")' % (target, a, ri(0, 99), target, a)
    elif r < 0.6: s = 'delattr(%s, %r); res = getattr(%s, %r, "<gone>")' % (target, a, target, a)
    elif r < 0.68: s = 'res = (%s.cm(1), %s.sm(2))' % (target, target)
    elif r < 0.73: s = 'res = %s.m()' % target
    elif r < 0.78: s = 'res = classes[%d][int]' % ri(0, ncls - 1)
    elif r < 0.84: s = 'res = (isinstance(%s, classes[%d]), issubclass(classes[%d], classes[%d]))' % (target, ri(0, ncls - 1), ri(0, ncls - 1), ri(0, ncls - 1))
    elif r < 0.89: s = 'res = sorted(k for k in vars(%s) if not k.startswith("__") or k == "__slots__")' % target
    elif r < 0.93: s = 'res = [n for n in dir(%s) if not n.startswith("__")]' % target
    elif r < 0.96: s = 'res = %s.lst.append(1) or %s.lst' % (target, target)
    else: s = 'class Sub%d(classes[%d], flag=%d): pass\n    res = Sub%d.__mro__' % (k, ri(0, ncls - 1), ri(0, 3), k)
    w('try:')
    w('    ' + s)
    w('    print(%d, repr(res))' % k)
    w('except Exception as e:')
    w('    print(%d, type(e).__name__, e)' % k)
print('\n'.join(L))
