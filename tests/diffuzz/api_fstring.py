# Random f-strings in 3.12's grammar (PEP 701), compiled with compile()
# (session 17): nested f-strings reusing the same quote, format specs with
# nested fields and conversions, '=' with spaces, multi-line replacement
# fields with comments, backslashes and escapes inside expressions, and
# random damage (dropped or doubled braces, bad conversions, empty
# expressions, stray '!'/':'/'=') whose SyntaxError text and location must
# match CPython's.
import random, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint
Q = ['"', "'", '"""', "'''"]


def expr(q, depth):
    r = R()
    if depth > 2 or r < 0.3:
        return ch(['x', 'y', '1 + 2', 'x*2', 's', 'd["k"]', "d['k']", 'l[0]', '[1, 2]', '{"a": 1}',
                   '(lambda: 3)()', 'x if y else s', '"\\n".join(s)', 'len(s)', 'y!=x', '{1, 2}'])
    if r < 0.6:
        return fstr(ch(Q) if R() < 0.5 else q, depth + 1)
    if r < 0.75:
        return '%s + %s' % (expr(q, depth + 1), expr(q, depth + 1)) if R() < 0.5 else '(%s)' % expr(q, depth + 1)
    return '[%s for _ in range(2)]' % expr(q, depth + 1)


def field(q, depth):
    e = expr(q, depth)
    if R() < 0.15:
        e = e + ch([' ', '  '])
    s = '{' + ch(['', ' ']) + e
    if R() < 0.2: s += ch(['=', ' = ', '= '])
    if R() < 0.3: s += ch(['!r', '!s', '!a'])
    if R() < 0.4:
        spec = ch(['>10', '<5', '^{w}', '{w}', '.{p}f', '#x', ',', '{"<"}{w}', '!r', 'x{y}', '*^{w}',
                   '0{w}d', '{f"{w}"}', '', ':'])
        s += ':' + spec
    if R() < 0.1 and '\n' not in s:
        s += '  # comment\n'
    return s + '}'


def fstr(q, depth=0):
    parts = []
    for _ in range(ri(1, 3)):
        r = R()
        if r < 0.5: parts.append(field(q, depth))
        elif r < 0.6: parts.append(ch(['{{', '}}', '{{}}']))
        elif r < 0.7: parts.append(ch(['\\n', '\\t', '\\\\', '\\x41', '\\N{BULLET}']))
        else: parts.append(ch(['ab', ' ', 'x=', '%d', '%']))
    body = ''.join(parts)
    if '\n' in body and len(q) == 1:
        q = q * 3
    return ch(['f', 'F', 'rf', 'fr', 'Rf']) + q + body + q


def damage(src):
    r = R()
    i = ri(0, max(0, len(src) - 1))
    if r < 0.2: return src[:i] + src[i + 1:]
    if r < 0.35: return src[:i] + ch(['{', '}', '!', ':', '=', '!x', '{}', '\\', '"', "'", '#']) + src[i:]
    if r < 0.45: return src.replace('{', '{{', 1)
    if r < 0.55: return src.replace('}', '', 1)
    return src


env = {'x': 3, 'y': 0, 's': 'ab', 'd': {'k': 'v'}, 'l': [5], 'w': 6, 'p': 2}
for i in range(400):
    src = fstr(ch(Q))
    if R() < 0.4:
        src = damage(src)
    try:
        code = compile(src, '<f>', 'eval')
    except SyntaxError as e:
        print(repr(src), 'SyntaxError:', e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)
        continue
    except Exception as e:
        print(repr(src), type(e).__name__, e)
        continue
    try:
        print(repr(src), '->', repr(eval(code, dict(env))))
    except Exception as e:
        print(repr(src), '!', type(e).__name__, e)
