import random
random.seed(11)
vals = [0, 1, -1, 7, -42, 255, 10**6, -10**9, 2**70, 0.0, -0.0, 1.5, -2.25, 3.14159265, 1e-7, 1.23e20, -9.99e-5, float('inf'), float('nan'), 123456.789, True, 'abc', '', 'héllo', None, [1], (2,), b'x']
flags = ['', '-', '+', ' ', '#', '0', '-0', '+0', '# ']
types = 'diouxXeEfFgGcrsa%'
for i in range(4000):
    spec = '%' + random.choice(flags)
    if random.random() < 0.5: spec += str(random.randint(0, 12))
    if random.random() < 0.4: spec += '.' + str(random.randint(0, 6))
    spec += random.choice(types)
    v = random.choice(vals)
    try:
        r = spec % (v,) if spec[-1] != '%' else spec % ()
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print(repr(v), repr(spec), repr(r))
for f in ['%(a)s %(b)d', '%(a)r', '%*d', '%-*.*f', '%.*s', '%(a)*d']:
    for args in [{'a': 1, 'b': 2}, (5, 3), (8, 2, 3.14159), (2, 'abcdef'), {'a': 'x'}]:
        try: print(repr(f), repr(f % args))
        except Exception as e: print(repr(f), type(e).__name__, e)
