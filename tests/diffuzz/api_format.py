import random
random.seed(7)
vals = [0, 1, -1, 7, -42, 255, 10**6, -10**9, 2**70, 0.0, -0.0, 1.5, -2.25, 3.14159265, 1e-7, 1.23e20, -9.99e-5, float('inf'), float('nan'), 123456.789, True, 'abc', '', 'héllo']
fills = ['', '*', '0', ' ', '_']
aligns = ['', '<', '>', '^', '=']
signs = ['', '+', '-', ' ']
types = ['', 'd', 'f', 'e', 'g', 'x', 'X', 'o', 'b', '%', 's', 'n', 'c', 'E', 'G', 'F']
out = []
for i in range(4000):
    spec = random.choice(fills) + random.choice(aligns) if random.random() < 0.5 else ''
    if spec and spec[0] and not spec[1:] : spec = spec[1:]
    spec += random.choice(signs)
    if random.random() < 0.2: spec += '#'
    if random.random() < 0.2: spec += '0'
    if random.random() < 0.5: spec += str(random.randint(0, 15))
    if random.random() < 0.3: spec += random.choice([',', '_'])
    if random.random() < 0.4: spec += '.' + str(random.randint(0, 8))
    spec += random.choice(types)
    v = random.choice(vals)
    try:
        r = format(v, spec)
    except Exception as e:
        r = type(e).__name__ + ': ' + str(e)
    print(repr(v), repr(spec), repr(r))
