import random
random.seed(5)
strs = ['', 'a', 'abc', 'Hello World', '  spaced  out  ', 'a,b,,c', 'x\ty\tz', 'line1\nline2\r\nline3\rx', 'ÉCOLE ß ǅ', 'aaa', 'mississippi', 'tItLe cAsE', '12abc', "it's a test", '\u2028sep\x1c', 'ﬁ']
subs = ['', 'a', 'ss', 'i', ',', ' ', 'xyz', 'l', '\n']
meths = ['split', 'rsplit', 'partition', 'rpartition', 'strip', 'lstrip', 'rstrip', 'center', 'ljust', 'rjust', 'zfill', 'expandtabs', 'find', 'rfind', 'index', 'rindex', 'count', 'replace', 'startswith', 'endswith', 'splitlines', 'title', 'capitalize', 'swapcase', 'casefold', 'upper', 'lower', 'isalpha', 'isdigit', 'isspace', 'istitle', 'isidentifier', 'isprintable', 'removeprefix', 'removesuffix']
def args_for(m):
    r = random.random
    if m in ('split', 'rsplit'):
        a = []
        if r() < 0.7: a.append(random.choice([None] + subs))
        if r() < 0.5: a.append(random.randint(-1, 3))
        return a
    if m in ('partition', 'rpartition', 'removeprefix', 'removesuffix'): return [random.choice(subs)]
    if m in ('strip', 'lstrip', 'rstrip'): return [] if r() < 0.4 else [random.choice([None, ' ', 'a', 'xyz', 'ab c'])]
    if m in ('center', 'ljust', 'rjust'): return [random.randint(-1, 20)] + ([random.choice(['*', ' ', 'é'])] if r() < 0.5 else [])
    if m == 'zfill': return [random.randint(-1, 15)]
    if m == 'expandtabs': return [] if r() < 0.3 else [random.randint(-1, 9)]
    if m in ('find', 'rfind', 'index', 'rindex', 'count'):
        a = [random.choice(subs)]
        if r() < 0.5: a.append(random.randint(-5, 12))
        if r() < 0.3: a.append(random.choice([None, random.randint(-5, 12)]))
        return a
    if m == 'replace': return [random.choice(subs), random.choice(subs)] + ([random.randint(-1, 3)] if r() < 0.4 else [])
    if m in ('startswith', 'endswith'):
        a = [random.choice(subs) if r() < 0.7 else tuple(random.sample(subs, 2))]
        if r() < 0.4: a.append(random.randint(-5, 10))
        if r() < 0.3: a.append(random.randint(-5, 10))
        return a
    if m == 'splitlines': return [] if r() < 0.5 else [random.choice([True, False])]
    return []
for i in range(5000):
    s = random.choice(strs); m = random.choice(meths); a = args_for(m)
    try: res = getattr(s, m)(*a)
    except Exception as e: res = type(e).__name__ + ': ' + str(e)
    print(repr(s), m, repr(a), repr(res))
    b = s.encode('utf-8')
    if m in ('split', 'rsplit', 'partition', 'rpartition', 'strip', 'lstrip', 'rstrip', 'center', 'ljust', 'rjust', 'zfill', 'expandtabs', 'find', 'rfind', 'index', 'rindex', 'count', 'replace', 'startswith', 'endswith', 'splitlines', 'title', 'capitalize', 'swapcase', 'upper', 'lower', 'isalpha', 'isdigit', 'isspace', 'istitle', 'removeprefix', 'removesuffix'):
        ba = [x.encode() if isinstance(x, str) else tuple(y.encode() for y in x) if isinstance(x, tuple) else x for x in a]
        try: res = getattr(b, m)(*ba)
        except Exception as e: res = type(e).__name__ + ': ' + str(e)
        print(' b', repr(res))
