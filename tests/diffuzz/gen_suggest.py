# Random misspellings and their "Did you mean" suggestions (session 17):
# NameError for locals, globals, builtins and names free in closures,
# AttributeError on instances, classes, modules and builtin objects,
# ImportError from `from m import name`, with names typed with one or two
# random edits (case changes, dropped, doubled, swapped or replaced
# characters, underscores).  The text comes from traceback's
# format_exception_only and, for the last case, from the uncaught
# exception's stderr.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
WORDS = ['value', 'count', 'total', 'name', 'items', 'index', 'result', 'data', 'size', 'key', 'x', 'ab',
         'my_value', 'numberOfThings', 'cache', 'value2', 'Value', 'length', 'buffer', 'fooBar', 'i', 'tmp']
BUILTIN = ['print', 'len', 'range', 'isinstance', 'enumerate', 'sorted', 'ValueError', 'KeyError', 'dict',
           'Exception', 'zip', 'True', 'None', 'super', 'property', 'NotImplemented']
ATTRS = {'[]': ['append', 'extend', 'insert', 'count'], '""': ['upper', 'startswith', 'split', 'join'],
         '{}': ['items', 'keys', 'get', 'setdefault'], 'math': ['sqrt', 'floor', 'pi', 'factorial'],
         '1': ['bit_length', 'real', 'to_bytes'],
         'obj': [], 'Cls': []}


def typo(w):
    for _ in range(ri(1, 2)):
        if not w: return 'q'
        i = ri(0, len(w) - 1)
        r = R()
        if r < 0.2: w = w[:i] + w[i + 1:]
        elif r < 0.4: w = w[:i] + w[i] + w[i:]
        elif r < 0.55 and i + 1 < len(w): w = w[:i] + w[i + 1] + w[i] + w[i + 2:]
        elif r < 0.7: w = w[:i] + ch('aeioqxz_') + w[i + 1:]
        elif r < 0.85: w = w[:i] + w[i].swapcase() + w[i + 1:]
        else: w = w + ch(['s', '_', '1', 'x'])
    if not (w[0].isalpha() or w[0] == '_'): w = 'q' + w
    return w


out = ['import math, os, re, traceback', 'class Cls:', '    cls_attr = 1']
names = rng.sample(WORDS, ri(3, 8))
attrs = rng.sample(WORDS, ri(2, 6))
for a in attrs:
    out.append('    %s = 1' % a)
out.append('    def __init__(self):')
for a in rng.sample(WORDS, ri(1, 4)):
    out.append('        self.%s = 2' % a)
out.append('    def meth(self): return self')
out.append('obj = Cls()')
for n in names[:len(names) // 2]:
    out.append('%s = 0' % n)
cases = []
for _ in range(ri(6, 14)):
    r = R()
    if r < 0.3:
        cases.append(('expr', typo(ch(names + BUILTIN))))
    elif r < 0.55:
        base = ch(list(ATTRS))
        pool = ATTRS[base] or (attrs + ['meth', 'cls_attr'])
        cases.append(('expr', '%s.%s' % (base, typo(ch(pool)))))
    elif r < 0.7:
        loc = rng.sample(WORDS, ri(1, 4))
        cases.append(('func', loc, typo(ch(loc + names))))
    elif r < 0.8:
        loc = rng.sample(WORDS, ri(1, 3))
        cases.append(('closure', loc, typo(ch(loc))))
    elif r < 0.9:
        cases.append(('import', ch(['math', 'collections', 'itertools']),
                      typo(ch(['sqrt', 'path', 'defaultdict', 'OrderedDict', 'chain', 'getcwd', 'floor']))))
    else:
        cases.append(('expr', 'obj.meth().%s' % typo(ch(attrs + ['meth']))))
for i, c in enumerate(cases):
    out.append('def case%d():' % i)
    if c[0] == 'expr':
        out.append('    return %s' % c[1])
    elif c[0] == 'func':
        for n in c[1]:
            out.append('    %s = 1' % n)
        out.append('    return %s' % c[2])
    elif c[0] == 'closure':
        for n in c[1]:
            out.append('    %s = 1' % n)
        out.append('    def inner():')
        out.append('        return %s, %s' % (c[1][0], c[2]))
        out.append('    return inner()')
    else:
        out.append('    from %s import %s' % (c[1], c[2]))
        out.append('    return %s' % c[2])
out.append('for i in range(%d):' % len(cases))
out.append('    try:')
out.append('        print(i, repr(globals()["case%d" % i]())[:40])')
out.append('    except Exception as e:')
out.append('        # (module file locations differ between implementations)')
out.append('        print(i, re.sub(r" \\(/.*\\)| \\(unknown location\\)", "", "".join(traceback.format_exception_only(e))), end="")')
out.append('case%d()' % ri(0, len(cases) - 1))
print('\n'.join(out))
