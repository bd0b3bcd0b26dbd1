import random, json, textwrap, string
random.seed(15)
def V(d=0):
    c = random.randint(0, 12 if d < 2 else 7)
    if c == 0: return random.choice([0, -1, 10**20, True, False, None])
    if c == 1: return random.choice([1.5, -0.0, 1e100, float('nan'), float('inf'), 1e-7, 123456789.125])
    if c == 2: return random.choice(['', 'a', 'é', '\n\t"\\', '\u2028', '😀', '\x00', '</script>'])
    if c == 3: return random.choice([b'x', 1j, {1, 2}, object])
    if c <= 7: return random.choice(['k', 1, 'b', 2.5, None, True, 'a'])
    if c <= 9: return [V(d + 1) for _ in range(random.randint(0, 3))]
    if c == 10: return tuple(V(d + 1) for _ in range(random.randint(0, 2)))
    return {random.choice(['a', 'b', 'c', 1, 2.5, None, True, (1,), 'é']): V(d + 1) for _ in range(random.randint(0, 3))}
S = ['{}', '[]', '[1, 2', '{"a": 1, "a": 2}', '{"a": NaN}', '[Infinity, -Infinity]', '"\\ud83d\\ude00"', '"\\ud83d"', '1e400', '-0', '0.1e-999', '"abc', '[1,]', '{"a" 1}', ' \n 5 \n', '01', '1.', '.5', '"\t"', 'tru', 'nul', '{"x": {"y": [1, {"z": null}]}}', '"\\x"', '[1] x', '', '123456789012345678901234567890', '{"__complex__": true, "real": 1}', '"\\u00e9"', '[-]', '1 2']
for i in range(5000):
    k = random.randint(0, 9)
    try:
        if k <= 3:
            kw = {}
            if random.random() < .4: kw['indent'] = random.choice([None, 0, 2, -1, '\t', '--', 1.5])
            if random.random() < .3: kw['separators'] = random.choice([(',', ':'), (' ,', ': '), ('', ''), (',',), None])
            if random.random() < .3: kw['sort_keys'] = True
            if random.random() < .3: kw['default'] = random.choice([str, repr, lambda o: None, list])
            if random.random() < .3: kw['ensure_ascii'] = False
            if random.random() < .3: kw['allow_nan'] = False
            if random.random() < .3: kw['skipkeys'] = True
            if random.random() < .2: kw['check_circular'] = False
            r = json.dumps(V(), **kw)
        elif k <= 5:
            kw = {}
            if random.random() < .3: kw['object_hook'] = random.choice([lambda d: sorted(d.items()), lambda d: len(d), dict])
            if random.random() < .2: kw['object_pairs_hook'] = random.choice([list, tuple])
            if random.random() < .2: kw['parse_float'] = random.choice([str, float, lambda s: len(s)])
            if random.random() < .2: kw['parse_int'] = random.choice([str, float])
            if random.random() < .2: kw['parse_constant'] = random.choice([str, lambda s: None])
            if random.random() < .2: kw['strict'] = False
            r = json.loads(random.choice(S + ['"a\nb"', '{"a":[1,2,{"b":1.25}]}']), **kw)
        elif k == 6:
            try: json.loads(random.choice(S))
            except json.JSONDecodeError as e: r = (e.msg, e.pos, e.lineno, e.colno, str(e))
            else: r = 'ok'
        elif k == 7:
            t = random.choice(['Hello world, this is a fairly long sentence with words.', 'a b c', '', '   lead and trail   ', 'supercalifragilisticexpialidocious word', 'x\ty\tz tab', 'one. Two.  Three!', 'line1\nline2\n\nline4', '-hyphen-ated-words-here and more'])
            f = random.choice(['wrap', 'fill', 'shorten', 'dedent', 'indent'])
            if f in ('wrap', 'fill'):
                kw = {'width': random.choice([5, 10, 20, 70])}
                for n, vs in [('initial_indent', ['', '* ']), ('subsequent_indent', ['', '  ']), ('break_long_words', [True, False]), ('break_on_hyphens', [True, False]), ('expand_tabs', [True, False]), ('replace_whitespace', [True, False]), ('drop_whitespace', [True, False]), ('fix_sentence_endings', [False, True]), ('max_lines', [None, 1, 2]), ('placeholder', [' [...]', '..'])]:
                    if random.random() < .3: kw[n] = random.choice(vs)
                r = getattr(textwrap, f)(t, **kw)
            elif f == 'shorten': r = textwrap.shorten(t, random.choice([5, 10, 15, 30]), placeholder=random.choice([' [...]', '...']))
            elif f == 'dedent': r = textwrap.dedent(random.choice(['  a\n  b', '  a\n    b\n', '\ta\n  b', '  a\n\n  b', ' x\n  \n y']))
            else: r = textwrap.indent(t, random.choice(['> ', '']), random.choice([None, lambda l: 'a' in l]))
        elif k == 8:
            tpl = random.choice(['$who likes $what', '${who}x', '$$ $who', '$', '$1', '${who', 'no subs', '$who $who', '${}', '$wh-o', '$_x'])
            T = string.Template(tpl)
            m = random.choice([{'who': 'tim', 'what': 1}, {}, {'who': 'a'}, {'_x': 2}])
            r = (T.safe_substitute(m), T.get_identifiers(), T.is_valid()) if random.random() < .5 else T.substitute(m, **random.choice([{}, {'what': 'kw'}]))
        else:
            fmt = random.choice(['{0}', '{0!r:>10}', '{0:{1}}', '{0:{1}{2}}', '{a[0]}', '{a.real}', '{0[1]}', '{}{}', '{0}{}', '{:{}}', '{!s:^{}}', '{0:>{1}.{2}f}', '{{}}', '{', '}', '{0!x}', '{0:%}', '{0:,}', '{0:_b}', '{0:#x}', '{0:=+8}', '{0:*^9.3}', '{0.imag!a}', '{a}', '{0:{a}}', '{0[}', '{0:d}', '{0:c}', '{:.{}e}'])
            args = random.choice([(3.14159, 8, 3), ('ab', 5, 'x'), ([1, 2], 3), (255, '>6'), (-7, 2, 1), (1j,), ()])
            kw = random.choice([{}, {'a': [9, 8]}, {'a': 5}])
            r = fmt.format(*args, **kw)
    except Exception as e: r = type(e).__name__ + ': ' + str(e)
    print(i, k, repr(r))
