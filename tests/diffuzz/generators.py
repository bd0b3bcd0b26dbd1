# Random generator programs: send/throw/close sequences, yield from, return values, finally order.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
R = random.random; ch = random.choice
L = []
def w(s): L.append(s)
ngen = random.randint(2, 4)
def stmt(d, gi, ind):
    r = R(); p = '    ' * ind
    if d > 2 or r < 0.3:
        return [p + ch(['x = yield %d' % random.randint(0, 9), 'print("g%d got", (yield "y%d"))' % (gi, random.randint(0, 9)),
                        'yield x', 'x = (yield) or x', 'log.append(%d)' % random.randint(0, 9)])]
    if r < 0.4 and gi > 0:
        return [p + 'r = yield from g%d(x)' % random.randint(0, gi - 1), p + 'print("g%d sub returned", r)' % gi]
    if r < 0.5:
        return [p + 'try:'] + body(d + 1, gi, ind + 1) + [p + 'except %s as e:' % ch(['ValueError', 'KeyError', 'Exception', 'GeneratorExit']),
                p + '    print("g%d caught", type(e).__name__, e)' % gi] + ([p + '    raise'] if R() < 0.3 else []) + \
               ([p + '    yield "fromexcept"'] if R() < 0.3 else [])
    if r < 0.6:
        return [p + 'try:'] + body(d + 1, gi, ind + 1) + [p + 'finally:', p + '    print("g%d finally")' % gi] + \
               ([p + '    yield "infinally"'] if R() < 0.15 else [])
    if r < 0.67:
        return [p + 'for i in range(%d):' % random.randint(0, 3)] + body(d + 1, gi, ind + 1)
    if r < 0.72:
        return [p + 'if x == %d: return %s' % (random.randint(0, 9), ch(['x', '"ret"', 'None', '(1, 2)']))]
    if r < 0.77:
        return [p + 'raise %s(%s)' % (ch(['ValueError', 'KeyError', 'StopIteration', 'RuntimeError']), random.randint(0, 9))]
    if r < 0.82:
        return [p + 'with CM("g%d"):' % gi] + body(d + 1, gi, ind + 1)
    if r < 0.87:
        return [p + 'x = [v for v in (yield from g%d(x))] if False else x' % max(0, gi - 1)] if gi else [p + 'pass']
    return [p + 'x = %s' % ch(['x + 1', '0', 'len(log)', '(yield from iter([1, 2]))'])]
def body(d, gi, ind):
    out = []
    for _ in range(random.randint(1, 3)): out += stmt(d, gi, ind)
    return out
w('import sys')
w('log = []')
w('class CM:')
w('    def __init__(self, n): self.n = n')
w('    def __enter__(self): print("enter", self.n); return self')
w('    def __exit__(self, t, v, tb):')
w('        print("exit", self.n, t and t.__name__)')
w('        return %s' % ch(['False', 'False', 't is KeyError']))
for gi in range(ngen):
    w('def g%d(x=0):' % gi)
    b = body(0, gi, 1)
    w('\n'.join(b))
    w('    return %s' % ch(['x', '"end%d"' % gi, 'None']))
w('def drive(g, ops):')
w('    for op in ops:')
w('        try:')
w('            if op == "next": r = next(g)')
w('            elif op == "close": r = g.close()')
w('            elif op.startswith("send"): r = g.send(int(op[4:]))')
w('            elif op == "throwV": r = g.throw(ValueError("tv"))')
w('            elif op == "throwK": r = g.throw(KeyError("tk"))')
w('            elif op == "throwS": r = g.throw(StopIteration(5))')
w('            elif op == "throwG": r = g.throw(GeneratorExit)')
w('            print(" ", op, "->", repr(r))')
w('        except StopIteration as e: print(" ", op, "StopIteration", repr(e.value))')
w('        except BaseException as e: print(" ", op, "EXC", type(e).__name__, e, "| cause", type(e.__cause__).__name__, "| ctx", type(e.__context__).__name__)')
w('    print("  state", getattr(g, "gi_running", None), g.gi_frame is None)')
for k in range(6):
    gi = random.randint(0, ngen - 1)
    ops = [ch(['next', 'next', 'send1', 'send0', 'send3', 'throwV', 'throwK', 'throwS', 'throwG', 'close']) for _ in range(random.randint(1, 7))]
    if ops[0].startswith('send') and R() < 0.7: ops[0] = 'next'
    w('print("run %d g%d")' % (k, gi))
    w('drive(g%d(%d), %r)' % (gi, random.randint(0, 9), ops))
    if R() < 0.3:
        w('print("list", list(g%d(%d)) if True else 0)' % (gi, random.randint(0, 9)))
w('def lst(g):')
w('    try: return list(g)')
w('    except BaseException as e: return "EXC " + type(e).__name__ + " " + str(e)')
w('print(lst(g%d(2)), log)' % (ngen - 1))
# async part
if R() < 0.6:
    w('import asyncio')
    w('async def ag(n):')
    w('    try:')
    w('        for i in range(n):')
    w('            v = yield i')
    w('            print("ag got", v)')
    w('            await asyncio.sleep(0)')
    w('            if i == %d: raise ValueError("agv")' % random.randint(0, 4))
    w('    finally:')
    w('        print("ag finally")')
    w('async def main():')
    w('    g = ag(%d)' % random.randint(0, 4))
    for op in [ch(['anext', 'asend', 'athrow', 'aclose']) for _ in range(random.randint(1, 5))]:
        e = {'anext': 'await anext(g)', 'asend': 'await g.asend(7)', 'athrow': 'await g.athrow(KeyError("k"))', 'aclose': 'await g.aclose()'}[op]
        w('    try: print("%s", %s)' % (op, e))
        w('    except BaseException as e: print("%s EXC", type(e).__name__, e)' % op)
    w('    print([x async for x in ag(3)] if %s else 0)' % ch(['True', 'False']))
    w('asyncio.run(main())')
print('\n'.join(L))
