import random, sys
random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
ATOMS = ['0', '1', '-2', '3.5', 'x', 'y', 's', 'L', 'T', 'D', 'True', 'None', "'ab'", '[]', '()', '{}', 'b"q"']
BIN = ['+', '-', '*', '//', '%', '**', '<', '==', '!=', 'in', 'not in', 'is', 'and', 'or', '&', '|', '^', '<<', '>>', '/']
FUNCS = ['len', 'abs', 'str', 'repr', 'bool', 'list', 'tuple', 'sorted', 'reversed', 'sum', 'min', 'max', 'any', 'all', 'hash', 'int', 'float', 'set', 'dict', 'enumerate', 'zip', 'iter', 'type', 'divmod', 'round', 'isinstance']
def expr(d):
    if d <= 0: return random.choice(ATOMS)
    k = random.randint(0, 13)
    if k == 0: return f"({expr(d-1)} {random.choice(BIN)} {expr(d-1)})"
    if k == 1: return f"(not {expr(d-1)})"
    if k == 2: return f"(-{expr(d-1)})"
    if k == 3: return f"({expr(d-1)} if {expr(d-1)} else {expr(d-1)})"
    if k == 4: return f"{random.choice(FUNCS)}({expr(d-1)})"
    if k == 5: return f"[{expr(d-1)} for v in {expr(d-1)} if v]"
    if k == 6: return f"{expr(d-1)}[{expr(d-1)}]"
    if k == 7: return f"{expr(d-1)}[{random.choice(['', '1', '-1', 'x'])}:{random.choice(['', '2', '-2', 'y'])}]"
    if k == 8: return f"[{expr(d-1)}, {expr(d-1)}]"
    if k == 9: return f"(lambda v: {expr(d-1)})({expr(d-1)})"
    if k == 10: return f"{{{expr(d-1)}: {expr(d-1)}}}"
    if k == 11: return f"({expr(d-1)}, *{expr(d-1)})"
    if k == 12: return f"f'{{ {expr(d-1)}!r}}-{{ {expr(d-1)} }}'"
    return f"divmod({expr(d-1)}, {expr(d-1)})"
print("x, y, s, L, T, D = 5, -3, 'hello', [1, 2, 3], (4, 'z'), {'k': 1, 2: [3]}")
print("def show(f):\n    try:\n        r = f()\n        if isinstance(r, (float, int)) and not isinstance(r, bool) and abs(r) > 1e300: r = 'big'\n        if hasattr(r, '__next__') or type(r).__name__ in ('zip', 'enumerate', 'reversed', 'list_reverseiterator', 'dict_keyiterator'): r = type(r).__name__\n        print(repr(r)[:200])\n    except Exception as e:\n        print(type(e).__name__, str(e)[:200])")
for i in range(1500):
    e = expr(random.randint(1, 4))
    print(f"show(lambda: {e})")
