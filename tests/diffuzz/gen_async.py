# Random async programs (session 18): a few coroutine functions whose
# bodies are random statements (sleep(0) interleavings, awaits of the
# functions defined before them, create_task/cancel, gather with and
# without return_exceptions, wait_for/timeout, shield, TaskGroup with
# except*, Queue/Lock/Event/Condition/Semaphore, async generators driven by
# async for, comprehensions, asend/athrow/aclose, async with, futures,
# call_soon/call_later), run as "scenes" by one asyncio.run.  Every scene
# runs under asyncio.timeout(1) so a deadlock ends in TimeoutError in both
# interpreters; all sleeps are sleep(0), so the order of task steps is
# decided by the ready queue only.  Exceptions are printed with their type,
# message, group structure and the program's own traceback frames.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
L = []
w = L.append
uid = [0]


def uniq(p):
    uid[0] += 1
    return '%s%d' % (p, uid[0])


w('import asyncio, sys, traceback')
w('class E1(Exception): pass')
w('class E2(E1): pass')
w('class S: pass')
w('def frames(e):')
w('    return [f"{f.name}:{f.lineno}" for f in traceback.extract_tb(e.__traceback__) if f.filename == __file__]')
w('def show(e, d=0):')
w('    pad = "  " * d')
w('    if isinstance(e, BaseExceptionGroup):')
w('        print(pad + type(e).__name__, repr(e.message), frames(e))')
w('        for x in e.exceptions: show(x, d + 1)')
w('    else:')
w('        print(pad + type(e).__name__, repr(str(e)), e.args, frames(e), type(e.__context__).__name__)')
w('async def agen(tag, n):')
w('    try:')
w('        for i in range(n):')
w('            x = yield i')
w('            if x is not None: print(tag, "agen got", x)')
w('            await asyncio.sleep(0)')
w('        if n == 3: raise E2("agen-" + tag)')
w('    except GeneratorExit:')
w('        print(tag, "agen closed")')
w('        raise')
w('    finally:')
w('        print(tag, "agen finally")')
w('class ACM:')
w('    def __init__(self, tag, suppress): self.tag = tag; self.suppress = suppress')
w('    async def __aenter__(self):')
w('        print(self.tag, "enter"); await asyncio.sleep(0); return self.tag + "!"')
w('    async def __aexit__(self, t, v, tb):')
w('        print(self.tag, "exit", t.__name__ if t else None)')
w('        await asyncio.sleep(0)')
w('        return self.suppress and t is not None and issubclass(t, E1)')
w('def cb(*a): print("cb", *a)')
w('def name(t): return t.get_name() if isinstance(t, asyncio.Task) else type(t).__name__')
w('def state(t):')
w('    if not t.done(): return "pending"')
w('    if t.cancelled(): return "cancelled"')
w('    e = t.exception()')
w('    return "exc " + type(e).__name__ if e else "result " + repr(t.result())')
w('')

NF = ri(3, 6)
EXC = ['E1("%s")', 'E2("%s")', 'ValueError("%s")', 'KeyError("%s")', 'RuntimeError("%s")']
CATCH = ['E1', 'E2', 'ValueError', 'Exception', 'KeyError', '(E1, KeyError)', 'LookupError']


def callee(fi):
    """A call of a coroutine function defined before fi (or None)."""
    if fi == 0:
        return None
    j = ri(0, fi - 1)
    return 'c%d(tag + "/%d", n + %d)' % (j, j, ri(0, 2))


def block(fi, ind, depth):
    out = []
    for _ in range(ri(1, 3 if depth > 0 else 2)):
        out += stmt(fi, ind, depth)
    return out


def stmt(fi, ind, depth):
    sp = '    ' * ind
    k = ri(0, 34)
    c = callee(fi)
    if k < 4:
        return [sp + 'print(tag, "s%d", n)' % ri(0, 99), sp + 'await asyncio.sleep(0)']
    if k == 4:
        return [sp + 'if n %% %d == %d: raise %s' % (ri(2, 4), ri(0, 1), ch(EXC) % uniq('x'))]
    if k == 5 and c:
        v = uniq('r')
        return [sp + '%s = await %s' % (v, c), sp + 'print(tag, "got", %s)' % v]
    if k == 6 and depth > 0:
        out = [sp + 'try:'] + block(fi, ind + 1, depth - 1)
        for _ in range(ri(1, 2)):
            e = uniq('e')
            out += [sp + 'except %s as %s:' % (ch(CATCH), e), sp + '    print(tag, "caught", type(%s).__name__, str(%s))' % (e, e)]
            if R() < 0.2:
                out.append(sp + '    raise')
        if R() < 0.3:
            out += [sp + 'except asyncio.CancelledError:', sp + '    print(tag, "cancelled here")']
            out.append(sp + '    raise' if R() < 0.7 else sp + '    return "swallowed"')
        if R() < 0.4:
            out += [sp + 'finally:', sp + '    print(tag, "finally %d")' % ri(0, 99)]
            if R() < 0.3:
                out.append(sp + '    await asyncio.sleep(0)')
        return out
    if k == 7 and depth > 0:
        return [sp + 'async with S.%s:' % ch(['lock', 'sem', 'lock']), sp + '    print(tag, "in lock", S.lock.locked())'] + block(fi, ind + 1, depth - 1)
    if k == 8:
        if R() < 0.5:
            return [sp + 'await S.q.put((tag, n))', sp + 'print(tag, "put", S.q.qsize())']
        return [sp + 'try:', sp + '    print(tag, "get", S.q.get_nowait())', sp + 'except asyncio.QueueEmpty:', sp + '    print(tag, "empty")']
    if k == 9:
        if R() < 0.5:
            return [sp + 'S.ev.set()', sp + 'print(tag, "set")']
        return [sp + 'print(tag, "wait ev", await S.ev.wait())']
    if k == 10 and depth > 0:
        x = uniq('x')
        out = [sp + 'async for %s in agen(tag, %d):' % (x, ri(0, 3)), sp + '    print(tag, "item", %s)' % x]
        if R() < 0.3:
            out += [sp + '    if %s == 1: break' % x]
        if R() < 0.3:
            out += [sp + 'else:', sp + '    print(tag, "for else")']
        return out
    if k == 11:
        return [sp + 'print(tag, [x * 2 async for x in agen(tag, %d) if x != 1])' % ri(0, 3)]
    if k == 12 and c:
        t = uniq('t')
        out = [sp + '%s = asyncio.create_task(%s%s)' % (t, c, ch(['', ', name="T%d"' % ri(0, 9)]))]
        out += [sp + 'await asyncio.sleep(0)'] * ri(0, 2)
        r = R()
        if r < 0.4:
            out += [sp + '%s.cancel(%s)' % (t, ch(['', '"msg"'])), sp + 'print(tag, "cancel", name(%s), state(%s))' % (t, t)]
        out += [sp + 'try:', sp + '    print(tag, "task ->", await %s)' % t,
                sp + 'except BaseException as %s:' % (t + 'e'), sp + '    print(tag, "task raised"); show(%se)' % t]
        if R() < 0.5:
            out += [sp + 'print(tag, name(%s), state(%s), %s.cancelling())' % (t, t, t)]
        if R() < 0.3:
            out += [sp + 'print(%s)' % t]
        return out
    if k == 13 and c:
        n = ri(1, 3)
        args = ', '.join(callee(fi) for _ in range(n))
        re_ = ch(['True', 'False'])
        return [sp + 'print(tag, "gather", await asyncio.gather(%s, return_exceptions=%s))' % (args, re_)]
    if k == 14 and c and depth > 0:
        tg = uniq('tg')
        out = [sp + 'try:', sp + '    async with asyncio.TaskGroup() as %s:' % tg]
        for _ in range(ri(1, 3)):
            out.append(sp + '        %s.create_task(%s)' % (tg, callee(fi)))
        out += [s.replace(sp, sp + '        ', 1) for s in block(fi, ind, depth - 1)]
        e = uniq('eg')
        out += [sp + 'except* %s as %s:' % (ch(CATCH), e), sp + '    print(tag, "except*"); show(%s)' % e]
        if R() < 0.3:
            out += [sp + 'except* BaseException as %s:' % (e + 'b'), sp + '    print(tag, "except* base"); show(%sb)' % e]
        return out
    if k == 15 and c:
        to = ch(['10', 'None', '0'])
        e = uniq('e')
        return [sp + 'try:', sp + '    print(tag, "wait_for", await asyncio.wait_for(%s, %s))' % (c, to),
                sp + 'except TimeoutError as %s:' % e, sp + '    print(tag, "timeout"); show(%s)' % e]
    if k == 16 and depth > 0:
        e = uniq('e')
        cm = uniq('cm')
        out = [sp + 'try:', sp + '    async with asyncio.timeout(%s) as %s:' % (ch(['10', 'None', '0']), cm)]
        out += [s.replace(sp, sp + '        ', 1) for s in block(fi, ind, depth - 1)]
        out += [sp + 'except TimeoutError as %s:' % e, sp + '    print(tag, "timed out", %s.expired()); show(%s)' % (cm, e)]
        return out
    if k == 17 and c:
        return [sp + 'print(tag, "shield", await asyncio.shield(%s))' % c]
    if k == 18:
        return [sp + 'return %s' % ch(['n', 'tag', '[n, tag]', 'None'])]
    if k == 19 and depth > 0:
        v = uniq('v')
        return [sp + 'async with ACM(tag + "%d", %s) as %s:' % (ri(0, 9), ch(['True', 'False']), v),
                sp + '    print(tag, "body", %s)' % v] + block(fi, ind + 1, depth - 1)
    if k == 20:
        if R() < 0.5:
            return [sp + 'async with S.cond:', sp + '    S.flag += 1', sp + '    S.cond.notify%s()' % ch(['', '_all'])]
        return [sp + 'async with S.cond:', sp + '    print(tag, "cond", await S.cond.wait_for(lambda: S.flag > 0))']
    if k == 21 and c:
        ts = uniq('ts')
        n = ri(1, 3)
        return [sp + '%s = [asyncio.create_task(%s, name="W%%d" %% i) for i in range(%d)]' % (ts, c, n),
                sp + 'done, pending = await asyncio.wait(%s, return_when=asyncio.%s)' % (ts, ch(['FIRST_COMPLETED', 'ALL_COMPLETED', 'FIRST_EXCEPTION'])),
                sp + 'print(tag, "wait", sorted(map(name, done)), sorted(map(name, pending)), [state(t) for t in %s])' % ts]
    if k == 22 and c:
        x = uniq('f')
        n = ri(1, 3)
        # tasks, not coroutines: as_completed makes tasks of a set of them
        return [sp + 'for %s in asyncio.as_completed([%s]):' % (x, ', '.join('asyncio.ensure_future(%s)' % callee(fi) for _ in range(n))),
                sp + '    try:', sp + '        print(tag, "as_completed", await %s)' % x,
                sp + '    except Exception as %se:' % x, sp + '        print(tag, "ac raised"); show(%se)' % x]
    if k == 23:
        lp = 'asyncio.get_running_loop()'
        r = R()
        if r < 0.5:
            return [sp + '%s.call_soon(cb, tag, %d)' % (lp, ri(0, 9))]
        return [sp + '%s.call_later(0, cb, tag, "later%d")' % (lp, ri(0, 9))]
    if k == 24:
        f = uniq('fut')
        how = ch(['set_result(n)', 'set_exception(E1(tag))', 'cancel()'])
        return [sp + '%s = asyncio.get_running_loop().create_future()' % f,
                sp + 'asyncio.get_running_loop().call_soon(lambda: %s.done() or %s.%s)' % (f, f, how),
                sp + 'try:', sp + '    print(tag, "future", await %s)' % f,
                sp + 'except (E1, asyncio.CancelledError) as %se:' % f, sp + '    print(tag, "future raised"); show(%se)' % f]
    if k == 25:
        return [sp + 'print(tag, "current", asyncio.current_task().get_name(), len(asyncio.all_tasks()))']
    if k == 26 and depth > 0:
        return [sp + 'for i in range(%d):' % ri(1, 2)] + block(fi, ind + 1, depth - 1)
    if k == 27:
        g = uniq('g')
        out = [sp + '%s = agen(tag, %d)' % (g, ri(1, 3)), sp + 'try:',
               sp + '    print(tag, "anext", await anext(%s))' % g]
        r = R()
        if r < 0.3:
            out += [sp + '    print(tag, "asend", await %s.asend("v"))' % g]
        elif r < 0.6:
            out += [sp + '    print(tag, "athrow", await %s.athrow(%s))' % (g, ch(['E1("th")', 'ValueError', 'GeneratorExit']))]
        out += [sp + '    await %s.aclose()' % g,
                sp + 'except BaseException as %se:' % g, sp + '    print(tag, "agen raised"); show(%se)' % g]
        return out
    if k == 28 and c:
        t = uniq('t')
        return [sp + '%s = asyncio.create_task(%s)' % (t, c), sp + 'await asyncio.sleep(0)',
                sp + '%s.cancel()' % t,
                sp + 'try:', sp + '    await asyncio.shield(%s)' % t,
                sp + 'except asyncio.CancelledError:', sp + '    print(tag, "shielded cancel", %s.cancelled(), %s.uncancel() if not %s.done() else "-")' % (t, t, t)]
    if k == 29 and c:
        return [sp + 'print(tag, "gather-cancel", await asyncio.gather(%s, asyncio.sleep(0), %s, return_exceptions=True))' % (c, callee(fi))]
    if k == 30:
        return [sp + 'S.sem.release(); print(tag, "sem", S.sem.locked())' if R() < 0.3 else sp + 'print(tag, "qsize", S.q.qsize(), S.q.empty(), S.ev.is_set())']
    if k == 31 and c:
        t = uniq('t')
        return [sp + '%s = asyncio.ensure_future(%s)' % (t, c),
                sp + '%s.add_done_callback(lambda f: print("done cb", name(f), state(f)))' % t,
                sp + 'await asyncio.sleep(0)']
    return [sp + 'print(tag, "p%d", n)' % ri(0, 99)]


for i in range(NF):
    w('async def c%d(tag, n):' % i)
    w('    print(tag, "start c%d", n)' % i)
    L.extend(block(i, 1, 2))
    w('    print(tag, "end c%d")' % i)
    w('    return "c%d-" + tag' % i)
    w('')

NS = ri(2, 4)
for s in range(NS):
    w('async def scene%d(tag, n):' % s)
    L.extend(block(NF, 1, 2))
    w('    return "scene%d"' % s)
    w('')

w('async def main():')
w('    for i, sc in enumerate([%s]):' % ', '.join('scene%d' % s for s in range(NS)))
w('        S.lock = asyncio.Lock(); S.ev = asyncio.Event(); S.sem = asyncio.Semaphore(%d)' % ri(1, 2))
w('        S.q = asyncio.%s(%d); S.cond = asyncio.Condition(); S.flag = 0' % (ch(['Queue', 'LifoQueue', 'Queue']), ri(0, 3)))
w('        print("== scene", i)')
w('        try:')
w('            async with asyncio.timeout(1):')
w('                print("scene ->", await sc("m%d" % i, i))')
w('        except BaseException as e:')
w('            print("scene raised"); show(e)')
w('        for _ in range(3): await asyncio.sleep(0)')
w('        print("tasks left", sorted(name(t) for t in asyncio.all_tasks() if t is not asyncio.current_task()))')
w('    return "main done"')
w('print(asyncio.run(main()))')
print('\n'.join(L))
