import random, math
random.seed(3)
nums = [0, 1, -1, 2, -3, 7, 10, 255, -256, 2**31, -2**63, 2**64+1, 10**20, -(10**25)+7, 0.0, -0.0, 0.5, -1.5, 2.5, 1e-300, 1e300, 3.7, -7.25, float('inf'), -float('inf'), float('nan'), True, False, 1+2j, -0.5j]
ops = ['+', '-', '*', '/', '//', '%', '**', '<<', '>>', '&', '|', '^', '<', '<=', '==', '!=', '>', '>=']
for i in range(6000):
    a = random.choice(nums); b = random.choice(nums); op = random.choice(ops)
    if op == '**' and isinstance(b, int) and abs(b) > 100: b = 3
    if op == '<<' and isinstance(b, int) and b > 200: b = 5
    try: r = eval(f"a {op} b")
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(repr(a), op, repr(b), repr(r))
fns = [('round', 1), ('round', 2), ('divmod', 2), ('pow', 3), ('abs', 1), ('int', 1), ('float', 1), ('math.floor', 1), ('math.ceil', 1), ('math.trunc', 1), ('math.sqrt', 1), ('math.log', 1), ('math.fmod', 2), ('math.gcd', 2), ('math.isqrt', 1), ('math.exp', 1), ('hash', 1), ('math.frexp', 1), ('math.modf', 1), ('math.ldexp', 2), ('math.atan2', 2), ('math.hypot', 2), ('math.copysign', 2), ('math.remainder', 2), ('complex', 2), ('bin', 1), ('hex', 1), ('oct', 1)]
for i in range(4000):
    name, n = random.choice(fns)
    args = [random.choice(nums) for _ in range(n)]
    if name == 'round' and n == 2 and isinstance(args[1], int) and abs(args[1]) > 400: args[1] = 2
    if name == 'pow' and isinstance(args[1], int) and abs(args[1]) > 100: args[1] = 5
    if name == 'math.ldexp' and isinstance(args[1], int) and abs(args[1]) > 5000: args[1] = 10
    try: r = eval(name)(*args)
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(name, repr(args), repr(r))
for s in ['12', ' 12 ', '-0x1f', '0b101', '1_000', '1__0', '1e3', '+.5', '-inf', 'nan', 'infinity', '1.5e-3', '١٢', '0o17', '', ' ', '12a', '0x', '1_', '_1', '+-1', '1.', '.e1', '-0', '00', '007']:
    for f in (int, float, lambda x: int(x, 0), lambda x: int(x, 16), complex):
        try: r = f(s)
        except Exception as e: r = type(e).__name__ + ': ' + str(e)
        print(repr(s), repr(r))
