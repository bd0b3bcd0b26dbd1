import random, re, sys
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
R = random.random
ch = random.choice
lits = ['a', 'b', 'c', 'ab', 'x', 'A', 'B', '1', '2', ' ', '-', '.', 'é', '\\n', '_']
classes = ['[abc]', '[^ab]', '[a-c]', '[A-Z]', '\\d', '\\w', '\\s', '\\D', '\\W', '\\S', '.', '[\\d\\s]', '[-a]', '[a-]', '[]a]', '[^]]', '[\\w.]', '[.-]']
anch = ['^', '$', '\\b', '\\B', '\\A', '\\Z']
def atom(d, ng):
    r = R()
    if d > 3 or r < 0.35: return ch(lits)
    if r < 0.55: return ch(classes)
    if r < 0.6: return ch(anch)
    if r < 0.68:
        ng[0] += 1
        return '(' + alt(d + 1, ng) + ')'
    if r < 0.73:
        ng[0] += 1
        name = 'g%d' % ng[0]
        ng[1].append(name)
        return '(?P<%s>' % name + alt(d + 1, ng) + ')'
    if r < 0.78: return '(?:' + alt(d + 1, ng) + ')'
    if r < 0.83: return ch(['(?=', '(?!', '(?<=', '(?<!']) + ch(lits + classes) + ')'
    if r < 0.88 and ng[0] > 0:
        return '\\%d' % random.randint(1, ng[0])
    if r < 0.9 and ng[1]:
        return '(?P=%s)' % ch(ng[1])
    if r < 0.93: return '(?>' + alt(d + 1, ng) + ')'
    if r < 0.96 and ng[0] > 0:
        return '(?(%d)%s|%s)' % (random.randint(1, ng[0]), ch(lits), ch(lits))
    return ch(lits)
def quant(a):
    r = R()
    if r < 0.6: return a
    q = ch(['*', '+', '?', '{2}', '{1,3}', '{,2}', '{2,}', '{0}'])
    r = R()
    if r < 0.25: q += '?'
    elif r < 0.35: q += '+'
    return a + q
def seq(d, ng):
    return ''.join(quant(atom(d, ng)) for _ in range(random.randint(1, 4)))
def alt(d, ng):
    s = seq(d, ng)
    while R() < 0.2: s += '|' + seq(d, ng)
    return s
def pattern():
    ng = [0, []]
    p = alt(0, ng)
    if R() < 0.1: p = ch(['(?i)', '(?s)', '(?m)', '(?x)', '(?a)', '(?i:', '(?-i:']) + p + (')' if p and R() < 0 else '')
    if R() < 0.03: p = p[:random.randint(0, len(p))] + ch(['(', ')', '[', '*', '\\', '{', '?', '(?P<', '(?<', '\\9', '(?P=zz)', 'a**'])
    return p
subjects = ['', 'a', 'abc', 'aab', 'abcabc', 'xAbC', 'a b c', 'ab\nab', '12-ab', 'ééA', 'A1_b', 'bbbbaa', 'ba ab', 'x.y-z', 'ccc\n', 'aBa1 ']
flagsl = [0, re.I, re.M, re.S, re.X, re.A, re.I | re.M, re.I | re.S]
def show_m(m):
    if m is None: return 'None'
    return '%r %r %r %r' % (m.span(), m.group(0), m.groups(), m.groupdict()) + ' ' + repr([m.span(i) for i in range(len(m.groups()) + 1)]) + ' ' + repr(m.lastindex) + repr(m.lastgroup)
def E(e): return type(e).__name__ + ': ' + str(e)
for i in range(300):
    p = pattern()
    fl = ch(flagsl)
    if fl & re.A and R() < 1:
        pass
    try:
        rx = re.compile(p, fl)
    except re.error as e:
        print(i, repr(p), fl, 'error', E(e), e.pos)
        continue
    except Exception as e:
        print(i, repr(p), fl, 'EXC', E(e)); continue
    print(i, repr(p), fl, rx.groups, sorted(rx.groupindex.items()))
    for s in random.sample(subjects, 4):
        try:
            print(' m', repr(s), show_m(rx.match(s)))
            print(' s', repr(s), show_m(rx.search(s)))
            print(' f', repr(s), show_m(rx.fullmatch(s)))
            print(' fa', repr(s), rx.findall(s))
            print(' fi', repr(s), [m.span() for m in rx.finditer(s)])
            print(' sp', repr(s), rx.split(s), rx.split(s, 1))
            rep = ch(['-', '<\\g<0>>', '[\\1]', '\\g<1>\\g<1>', '\\n', lambda m: m.group(0).upper() + '!', '\\g<g1>', '\\0', '\\\\'])
            try: print(' sub', repr(s), rx.sub(rep, s), rx.subn(rep, s, count=1))
            except Exception as e: print(' sub', repr(s), E(e))
            if R() < 0.3: print(' pos', rx.search(s, 1, 3) and rx.search(s, 1, 3).span(), rx.match(s, 2) and rx.match(s, 2).span())
        except Exception as e:
            print(' EXC', repr(s), E(e))
print(re.escape('a.b*c?d+e[f]g{h}i|j(k)l^m$n\\o p\t-#&~é\x00'))
