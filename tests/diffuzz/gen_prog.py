import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
VARS = ['a', 'b', 'c']
def atom():
    return random.choice(['a', 'b', 'c', '0', '1', '2', '-1', "'s'", '[1, 2]', '(3,)', 'None', 'True', 'i', 'n'])
def ex(d=2):
    if d == 0 or random.random() < 0.3: return atom()
    k = random.randint(0, 7)
    if k == 0: return f"({ex(d-1)} {random.choice(['+', '-', '*', '%', '//', '==', '<', 'and', 'or', 'in'])} {ex(d-1)})"
    if k == 1: return f"(not {ex(d-1)})"
    if k == 2: return f"len(str({ex(d-1)}))"
    if k == 3: return f"({ex(d-1)} if {ex(d-1)} else {ex(d-1)})"
    if k == 4: return f"[v for v in range(3) if {ex(d-1)}]"
    if k == 5: return f"g{random.randint(0,2)}({ex(d-1)})"
    if k == 6: return f"sum(x for x in range(int(bool({ex(d-1)})) + 2))"
    return f"({ex(d-1)},)"
def block(ind, d, in_loop=False, in_func=False):
    lines = []
    for _ in range(random.randint(1, 3)):
        lines += stmt(ind, d, in_loop, in_func)
    return lines
def stmt(ind, d, in_loop, in_func):
    sp = '    ' * ind
    k = random.randint(0, 14 if d > 0 else 3)
    if k <= 1: return [f"{sp}{random.choice(VARS)} = {ex()}"]
    if k == 2: return [f"{sp}out.append(({ex()}, {random.choice(VARS)}))"]
    if k == 3:
        if in_loop: return [f"{sp}{random.choice(['break', 'continue'])}"]
        if in_func: return [f"{sp}return {ex()}"]
        return [f"{sp}{random.choice(VARS)} += 1" if random.random() < 0.5 else f"{sp}pass"]
    if k == 4: return [f"{sp}if {ex()}:"] + block(ind+1, d-1, in_loop, in_func) + ([f"{sp}else:"] + block(ind+1, d-1, in_loop, in_func) if random.random() < 0.5 else [])
    if k == 5: return [f"{sp}for i in range({random.randint(0, 4)}):"] + block(ind+1, d-1, True, in_func) + ([f"{sp}else:"] + block(ind+1, d-1, in_loop, in_func) if random.random() < 0.3 else [])
    if k == 6:
        v = random.choice(VARS)
        return [f"{sp}n = 0", f"{sp}while n < {random.randint(0, 4)}:", f"{sp}    n += 1"] + block(ind+1, d-1, True, in_func)
    if k == 7:
        r = [f"{sp}try:"] + block(ind+1, d-1, in_loop, in_func)
        r += [f"{sp}    {random.choice(['raise ValueError(a)', 'x = [][1]', 'x = {}[b]', 'pass', 'x = 1 // (a and 0)'])}"] if random.random() < 0.6 else []
        exc = random.choice(['ValueError', 'IndexError', 'KeyError', 'Exception', '(ValueError, ZeroDivisionError)', 'LookupError'])
        r += [f"{sp}except {exc} as e:", f"{sp}    out.append(('E', type(e).__name__))"] + block(ind+1, d-1, in_loop, in_func)
        if random.random() < 0.4: r += [f"{sp}else:"] + block(ind+1, d-1, in_loop, in_func)
        if random.random() < 0.5: r += [f"{sp}finally:", f"{sp}    out.append('F')"] + (block(ind+1, d-1, in_loop, in_func) if random.random() < 0.3 else [])
        return r
    if k == 8: return [f"{sp}with cm('{random.randint(0,9)}') as w:"] + block(ind+1, d-1, in_loop, in_func)
    if k == 9: return [f"{sp}del {random.choice(VARS)}"] if random.random() < 0.2 else [f"{sp}{random.choice(VARS)}, *rest = [{ex()}, {ex()}, {ex()}]"]
    if k == 10: return [f"{sp}out.append(list(gen({ex()})))"]
    if k == 11: return [f"{sp}def inner():", f"{sp}    nonlocal_ = {random.choice(VARS)}", f"{sp}    return nonlocal_, {ex()}", f"{sp}out.append(inner())"]
    if k == 12: return [f"{sp}match {ex()}:", f"{sp}    case [x, *_]:", f"{sp}        out.append(('m1', x))", f"{sp}    case int(x) if x > 0:", f"{sp}        out.append(('m2', x))", f"{sp}    case _:", f"{sp}        out.append('m3')"]
    if k == 13: return [f"{sp}out.append(sorted({{{ex()}: 1, {ex()}: 2}}.items(), key=repr))"]
    return [f"{sp}assert {ex()}, 'msg'"] if random.random() < 0.3 else [f"{sp}out.append(f'{{a!r:>5}}|{{b}}')"]
print("""import sys
class cm:
    def __init__(self, t): self.t = t
    def __enter__(self): out.append(('in', self.t)); return self.t
    def __exit__(self, et, ev, tb): out.append(('out', self.t, et.__name__ if et else None)); return self.t == '7'
def gen(x):
    yield x
    try:
        yield from [1, 2]
    finally:
        out.append('gen-finally')
def g0(x): return x
def g1(x): return [x, x]
def g2(x):
    if x: raise KeyError(x)
    return 0
""")
for f in range(40):
    print(f"def f{f}(a, b, c):")
    for l in block(1, 3, False, True): print(l)
    print(f"    return a, b, c")
    print(f"for args in [(0, 1, 2), (1, 's', [1, 2]), ('x', None, 0)]:")
    print(f"    out = []")
    print(f"    try:\n        r = f{f}(*args)\n    except Exception as e:\n        r = ('EXC', type(e).__name__, str(e)[:60])")
    print(f"    print({f}, repr(r)[:200], repr(out)[:300])")
