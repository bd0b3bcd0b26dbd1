# asyncio's API with random (often wrong) arguments (session 18): futures
# and tasks in every state (result/exception/cancel/set_* twice, reprs,
# cancel messages, cancelling/uncancel), the loop's call_soon/call_later/
# call_at and handles, sleep/wait/wait_for/timeout/timeout_at/as_completed/
# gather/shield with bad arguments, the queues (maxsize, task_done, join,
# priority order), locks, events, conditions, semaphores, barriers used
# right and wrong, async generators driven by hand (asend/athrow/aclose in
# every state), await/async with/async for on wrong objects, run_in_executor
# and to_thread, TaskGroup misuse, exception handlers.  Each case is a small
# program run by its own asyncio.run; its output and the type and text of
# what escapes are compared.
import asyncio, random, sys, traceback
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint

VALS = ['0', '1', '-1', '0.0', '-0.5', 'None', '"s"', '[]', '1.5', 'True', 'object()', 'float("nan")', '10**20', 'float("inf")']
EXCS = ['ValueError("v")', 'KeyError("k")', 'StopIteration', 'StopIteration(3)', 'KeyboardInterrupt()',
        'SystemExit(2)', 'asyncio.CancelledError("c")', 'GeneratorExit()', 'TypeError', 'E1("e")', '1', 'None',
        'StopAsyncIteration("s")', 'ExceptionGroup("g", [ValueError(1)])', 'TimeoutError()']

CASES = []


def case(f):
    CASES.append(f)
    return f


@case
def future_ops():
    ops = []
    for _ in range(ri(1, 5)):
        ops.append(ch(['f.set_result(%s)' % ch(VALS), 'f.set_exception(%s)' % ch(EXCS), 'f.cancel(%s)' % ch(['', '"m"', 'msg=1', '1, 2']),
                       'print(f.result())', 'print(repr(f.exception()))', 'print(f.done(), f.cancelled())', 'print(f)',
                       'f.add_done_callback(print)', 'print(f.remove_done_callback(print))', 'print(f.get_loop() is loop)',
                       'await asyncio.sleep(0)', 'print(await f)', 'print(f._state)', 'f.add_done_callback(%s)' % ch(['1', 'lambda: 1', 'lambda f: 1/0'])]))
    return ['loop = asyncio.get_running_loop()', 'f = loop.create_future()'] + ops + ['await asyncio.sleep(0)']


@case
def task_ops():
    body = ch(['await asyncio.sleep(0); return 5', 'raise ValueError("x")', 'await asyncio.sleep(10)', 'return 1',
               'try:\n        await asyncio.sleep(10)\n    except asyncio.CancelledError:\n        print("inner cancelled"); return "swallow"',
               'try:\n        await asyncio.sleep(10)\n    finally:\n        print("fin"); await asyncio.sleep(0)',
               'raise asyncio.CancelledError("own")', 'raise StopIteration', 'raise KeyboardInterrupt'])
    ops = []
    for _ in range(ri(1, 6)):
        ops.append(ch(['print(t.cancel(%s))' % ch(['', '"msg"', 'None']), 'print(t.cancelling())', 'print(t.uncancel())',
                       'print(t.done(), t.cancelled())', 'print(t)', 'print(repr(t.result()))', 'print(repr(t.exception()))',
                       'await asyncio.sleep(0)', 'print(await t)', 'print(t.get_name())', 't.set_name(%s)' % ch(VALS),
                       'print(t.get_coro().__name__)', 't.set_result(1)', 't.set_exception(ValueError())',
                       'print(t.get_stack())', 'print(len(asyncio.all_tasks()))', 'print(t in asyncio.all_tasks())']))
    return ['async def co():', '    ' + body,
            't = asyncio.create_task(co()%s)' % ch(['', ', name="N"', ', name=%s' % ch(VALS)])] + ops


@case
def cancel_msgs():
    depth = ri(1, 3)
    lines = ['async def leaf():', '    await asyncio.sleep(10)']
    for d in range(depth):
        lines += ['async def l%d():' % d, '    try:', '        return await %s' % ('leaf()' if d == 0 else 'l%d()' % (d - 1)),
                  '    except asyncio.CancelledError as e:', '        print("l%d", repr(e), e.args)' % d]
        lines.append('        ' + ch(['raise', 'raise', 'raise asyncio.CancelledError("re")', 'return "swallowed"', 'raise ValueError("conv")']))
    lines += ['t = asyncio.create_task(l%d())' % (depth - 1), 'await asyncio.sleep(0)']
    for _ in range(ri(1, 3)):
        lines.append('print(t.cancel(%s), t.cancelling())' % ch(['', '"m1"', '"m2"', 'None']))
    lines += ['try:', '    print(await t)', 'except BaseException as e:', '    print(type(e).__name__, e.args, t.cancelled())',
              'print(t)']
    if R() < 0.5:
        lines += ['try:', '    t.result()', 'except BaseException as e:', '    print(type(e).__name__, e.args)']
    return lines


@case
def loop_calls():
    lines = ['loop = asyncio.get_running_loop()', 'hs = []']
    for i in range(ri(2, 7)):
        r = R()
        if r < 0.35:
            lines.append('hs.append(loop.call_soon(print, "soon", %d))' % i)
        elif r < 0.6:
            lines.append('hs.append(loop.call_later(%s, print, "later", %d))' % (ch(['0', '-1', '0.0', '-0.0001']), i))
        elif r < 0.7:
            lines.append('hs.append(loop.call_at(loop.time() - %s, print, "at", %d))' % (ch(['0', '1', '10']), i))
        elif r < 0.8:
            lines.append('hs[-1].cancel() if hs else None')
        elif r < 0.85:
            lines.append('hs.append(loop.call_soon(%s))' % ch(['1', 'None', '"s"', 'print, 1, 2', 'lambda: 1/0', 'asyncio.sleep']))
        elif r < 0.9:
            lines.append('hs.append(loop.call_later(%s, print))' % ch(['None', '"1"', 'float("nan")']))
        else:
            lines.append('await asyncio.sleep(0)')
    lines += ['print([h.cancelled() for h in hs])', 'print([repr(h).split(" when=")[0] for h in hs[:2]])', 'await asyncio.sleep(0)', 'await asyncio.sleep(0)',
              'print([type(h).__name__ for h in hs])']
    return lines


@case
def waits():
    fn = ch(['asyncio.wait(%s%s)', 'asyncio.wait_for(%s%s)', 'asyncio.gather(*%s%s)', 'asyncio.shield(%s%s)',
             'asyncio.sleep(%s%s)', 'asyncio.ensure_future(%s%s)', 'asyncio.wrap_future(%s%s)'])
    arg = ch(['[]', 'set()', '[co()]', '{co()}', 'co()', '[t]', 't', '1', 'None', '[1]', '"ab"', '(t, t)', 'f', '[f, t]', 'iter([t])'])
    extra = ch(['', ', 0', ', -1', ', None', ', timeout=0', ', return_when="bad"', ', return_when=asyncio.FIRST_COMPLETED',
                ', return_exceptions=True', ', loop=1', ', 1, 2', ', result=3'])
    return ['async def co():', '    await asyncio.sleep(0); return "co"', 'loop = asyncio.get_running_loop()',
            't = asyncio.create_task(co(), name="t")', 'f = loop.create_future()', 'loop.call_soon(f.set_result, "f")',
            'r = await ' + fn % (arg, extra),
            'print(type(r).__name__, r if not isinstance(r, tuple) else [sorted(map(str, x)) for x in r])',
            'print(t.done(), f.done())']


@case
def timeouts():
    when = ch(['None', '0', '-1', '10', 'loop.time()', 'loop.time() - 1', 'loop.time() + 10', '"x"'])
    lines = ['loop = asyncio.get_running_loop()',
             'try:', '    async with asyncio.%s(%s) as cm:' % (ch(['timeout', 'timeout_at']), when),
             '        print(repr(cm.when()) if cm.when() is None else "when set", cm.expired())']
    for _ in range(ri(1, 3)):
        lines.append('        ' + ch(['await asyncio.sleep(0)', 'cm.reschedule(%s)' % ch(['None', 'loop.time() + 10', 'loop.time() - 1', '0']),
                                      'print(cm.expired())', 'print(str(cm)[:30])', 'raise ValueError("in")',
                                      'await asyncio.sleep(0.001)', 'print(repr(cm)[:25])']))
    lines += ['    print("after", cm.expired())', 'except BaseException as e:', '    print("raised", type(e).__name__, repr(e.__context__), e.__cause__)',
              '    print(cm.expired())' if R() < 0.5 else '    pass',
              'print(asyncio.current_task().cancelling())']
    return lines


@case
def queues():
    kind = ch(['Queue', 'LifoQueue', 'PriorityQueue'])
    lines = ['q = asyncio.%s(%s)' % (kind, ch(['', '0', '1', '2', '-1', 'maxsize=3', '"x"', 'None']))]
    for _ in range(ri(2, 8)):
        lines.append(ch(['q.put_nowait(%s)' % ch(['1', '3', '2', '(1, "a")', '(1, 2)', 'None', '"s"', '[0]']),
                         'print(q.get_nowait())', 'q.task_done()', 'print(q.qsize(), q.empty(), q.full(), q.maxsize)',
                         'print(q)', 'print(repr(q))', 'await q.put(%d)' % ri(0, 9), 'print(await asyncio.wait_for(q.get(), 0))',
                         'print(q._unfinished_tasks)', 'await asyncio.wait_for(q.join(), 0)', 'print(await q.get())']))
    return lines


@case
def locks():
    kind = ch(['Lock()', 'Event()', 'Semaphore(%s)' % ch(['0', '1', '2', '-1', '"x"']), 'BoundedSemaphore(%s)' % ch(['1', '2']),
               'Condition()', 'Condition(asyncio.Lock())', 'Condition(%s)' % ch(['1', 'asyncio.Semaphore()']),
               'Barrier(%s)' % ch(['1', '2', '0', '-1'])])
    lines = ['x = asyncio.%s' % kind, 'print(x)']
    for _ in range(ri(1, 6)):
        lines.append(ch(['print(await x.acquire())', 'x.release()', 'print(x.locked())', 'x.set()', 'x.clear()', 'print(x.is_set())',
                         'print(await asyncio.wait_for(x.wait(), 0))', 'x.notify()', 'x.notify_all()', 'print(x)',
                         'async with x:\n        print("in", x)', 'print(await x.wait_for(lambda: True))',
                         'await x.reset()', 'await x.abort()', 'print(x.parties, x.n_waiting, x.broken)',
                         'print(await asyncio.wait_for(x.acquire(), 0))']))
    return lines


@case
def agens():
    body = ch(['yield 1\n    yield 2', 'try:\n        yield 1\n    finally:\n        print("fin")',
               'try:\n        yield 1\n    except GeneratorExit:\n        yield 2',
               'try:\n        yield 1\n    except ValueError:\n        yield "caught"\n    yield 3',
               'x = yield 1\n    print("got", x)\n    yield x', 'await asyncio.sleep(0)\n    yield 1\n    raise StopAsyncIteration',
               'yield 1\n    raise StopIteration', 'return\n    yield', 'try:\n        yield 1\n    finally:\n        await asyncio.sleep(0)\n        yield 9'])
    lines = ['async def g():', '    ' + body, 'a = g()']
    for _ in range(ri(1, 6)):
        lines.append(ch(['print(await anext(a))', 'print(await anext(a, "dflt"))', 'print(await a.asend(None))', 'print(await a.asend(5))',
                         'print(await a.athrow(ValueError))', 'print(await a.athrow(ValueError("x")))', 'print(await a.aclose())',
                         'print([x async for x in a])', 'print(a.ag_running, a.ag_frame is None)', 'print(await a.athrow(GeneratorExit))',
                         'nx = a.__anext__(); print(await nx)', 'aw = a.asend(1); print(await aw); print(await aw)',
                         'print(a.athrow(ValueError).close())', 'aw = anext(a); aw.close(); print("closed")',
                         'aw = a.aclose(); print(aw.send(None) if False else await aw)',
                         'print(await asyncio.gather(anext(a), anext(a), return_exceptions=True))']))
    return lines


@case
def bad_await():
    obj = ch(['1', 'None', '[1]', 'object()', 'C()', 'D()', 'F()', 'co', 'co()', 'g()', 'asyncio.sleep', 'iter([])', 'AI()'])
    use = ch(['await %s', 'async with %s: pass', 'async for x in %s: pass', '[x async for x in %s]', 'await anext(%s)',
              'asyncio.create_task(%s)', 'await asyncio.gather(%s)', 'asyncio.run(%s)', 'asyncio.ensure_future(%s)'])
    return ['class C:', '    def __await__(self): return %s' % ch(['iter([])', '1', 'None', 'iter([1])', '(yield)']),
            'class D:', '    __await__ = None', '    async def __aenter__(self): return 1', '    __aexit__ = 1',
            'class F:', '    def __aiter__(self): return %s' % ch(['1', 'self', 'iter([])']), '    def __anext__(self): return %s' % ch(['1', 'None', 'co()']),
            'class AI:', '    def __aiter__(self): return self', '    async def __anext__(self): raise StopAsyncIteration',
            'async def co(): return 7', 'def g(): yield 1',
            use % obj if use.startswith('async') else 'r = ' + use % obj,
            'print("ok")']


@case
def coro_misc():
    lines = ['async def co(x):', '    await asyncio.sleep(0)', '    return x * 2', 'c = co(%s)' % ch(VALS)]
    for _ in range(ri(1, 5)):
        lines.append(ch(['print(await c)', 'print(c.send(None))', 'c.close()', 'print(c.throw(ValueError))', 'print(c.cr_running, c.cr_await)',
                         'print(c.__name__, c.__qualname__)', 'print(c.cr_frame is None)', 'print(asyncio.iscoroutine(c))',
                         'print(await asyncio.create_task(c))', 'print(repr(c)[:20])', 'c.__await__().__next__()',
                         'print(c.cr_suspended)', 'print(type(c.__await__()).__name__)']))
    lines.append('c.close()')
    return lines


@case
def taskgroups():
    lines = ['async def ok(n):', '    await asyncio.sleep(0); return n', 'async def bad(e):', '    await asyncio.sleep(0); raise e',
             'async def slow():', '    try:', '        await asyncio.sleep(10)', '    finally:', '        print("slow cleanup")',
             'tasks = []', 'async with asyncio.TaskGroup() as tg:']
    for _ in range(ri(1, 4)):
        lines.append('    tasks.append(tg.create_task(%s%s))' % (ch(['ok(1)', 'bad(%s)' % ch(EXCS[:13]), 'slow()', 'ok(2)']), ch(['', ', name="x"'])))
    lines.append('    ' + ch(['await asyncio.sleep(0)', 'raise ValueError("body")', 'pass', 'print(tg)', 'tg.create_task(1)',
                                'raise KeyboardInterrupt', 'asyncio.current_task().cancel()', 'return']))
    lines += ['print([t.get_name() for t in tasks], [t.done() for t in tasks])', 'tg.create_task(ok(3))']
    return lines


@case
def executors():
    fn = ch(['lambda: 5', 'lambda: 1/0', 'print', 'sum', '1'])
    how = ch(['await asyncio.to_thread(%s%s)', 'await asyncio.get_running_loop().run_in_executor(None, %s%s)'])
    return ['r = ' + how % (fn, ch(['', ', 1', ', [1, 2]', ', x=1'])), 'print(r)']


@case
def handlers():
    lines = ['loop = asyncio.get_running_loop()']
    if R() < 0.6:
        lines += ['def h(loop, ctx):', '    print("handler", sorted(ctx), ctx.get("message"), repr(ctx.get("exception")))',
                  'loop.set_exception_handler(%s)' % ch(['h', 'None', '1'])]
    lines += ['print(loop.get_exception_handler() is not None)']
    for _ in range(ri(1, 3)):
        lines.append(ch(['loop.call_soon(lambda: 1/0)', 'loop.call_exception_handler({"message": "m%d"})' % ri(0, 9),
                         'loop.call_exception_handler({"message": "x", "exception": ValueError(1)})',
                         'loop.call_exception_handler({})', 'loop.default_exception_handler({"message": "dflt"})',
                         'f = loop.create_future(); f.add_done_callback(lambda f: [][1]); f.set_result(1)',
                         'await asyncio.sleep(0)']))
    lines += ['await asyncio.sleep(0)', 'await asyncio.sleep(0)']
    return lines


class E1(Exception):
    pass


def fprint(*a, **k):
    print(*a, **k, flush=True)


async def next_task():
    return asyncio.current_task().get_name()


ENV = {'asyncio': asyncio, 'E1': E1, 'print': fprint}
for n in range(40):
    f = ch(CASES)
    body = f()
    src = 'async def main():\n' + '\n'.join('    ' + l.replace('\n', '\n    ') for l in body) + '\n'
    print('=== case', n, f.__name__)
    print(src.rstrip())
    sys.stdout.flush()
    env = dict(ENV)
    try:
        exec(src, env)
        r = asyncio.run(env['main']())
        print('->', repr(r))
    except BaseException as e:
        print('!!', type(e).__name__, str(e)[:200])
        if isinstance(e, BaseExceptionGroup):
            print('   ', [(type(x).__name__, str(x)) for x in e.exceptions])
    sys.stdout.flush()
    sys.stderr.flush()
    print('next task', asyncio.run(next_task()))     # (which case took a Task-N number)
