# Text-handling library APIs with random inputs: textwrap, string.Template
# and string.Formatter, shlex, urllib.parse, ipaddress, pure paths
# (PurePosixPath/PureWindowsPath), fnmatch, html, base64/binascii.
# One line per case.
import random, sys, textwrap, string, shlex, fnmatch, html, base64, binascii, ipaddress
import urllib.parse as up
from pathlib import PurePosixPath as PP, PureWindowsPath as PW
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
random.seed(seed)
ch = random.choice; ri = random.randint
def E(e): return type(e).__name__ + ': ' + str(e)
WORDS = ['a', 'bb', 'ccc', 'hello', 'world.', 'Mr.', 'x-y-z', 'long-hyphenated-word', 'supercalifragilistic', '\t', '  ', '\n', 'é', '😀', 'end!', '"q"', 'e.g.']
def TEXT(): return ''.join(ch(WORDS) + ch([' ', ' ', '', '  ', '\n', '\t']) for _ in range(ri(0, 14)))

def c_textwrap():
    t = TEXT(); f = ch(['wrap', 'fill', 'shorten', 'dedent', 'indent', 'TextWrapper'])
    if f in ('wrap', 'fill', 'TextWrapper'):
        kw = {'width': ch([1, 2, 5, 8, 12, 30, 0, -1])}
        for n, vs in [('initial_indent', ['', '* ', '-->']), ('subsequent_indent', ['', '  ', '....']), ('break_long_words', [True, False]),
                      ('break_on_hyphens', [True, False]), ('expand_tabs', [True, False]), ('tabsize', [0, 4, 8]), ('replace_whitespace', [True, False]),
                      ('drop_whitespace', [True, False]), ('fix_sentence_endings', [False, True]), ('max_lines', [None, 1, 2, 3]), ('placeholder', [' [...]', '..', '', '~~~~~~~~~~~~'])]:
            if random.random() < .3: kw[n] = ch(vs)
        if kw['width'] < 10 and (kw.get('initial_indent') or kw.get('subsequent_indent') or kw.get('max_lines') is not None or 'drop_whitespace' in kw):
            kw['width'] = 10    # narrower, CPython's textwrap can loop forever
        if f == 'TextWrapper': return textwrap.TextWrapper(**kw).wrap(t)
        return getattr(textwrap, f)(t, **kw)
    if f == 'shorten': return textwrap.shorten(t, ch([1, 5, 10, 15, 30]), **ch([{}, {'placeholder': ch([' [...]', '...', ''])}, {'break_long_words': False}]))
    if f == 'dedent': return textwrap.dedent(''.join(ch(['  ', '\t', ' ', '    ', '']) + ch(WORDS[:8] + ['', ' ']) + '\n' for _ in range(ri(0, 5))))
    return textwrap.indent(t, ch(['> ', '', '\t', '..']), ch([None, lambda l: 'a' in l, lambda l: True]))

def c_template():
    parts = ['$who', '${who}', '$$', '$', '${', '$what', 'x', ' ', '$1', '${bad name}', '$_x', '$w_2', '${}', '$é', '$who.', 'text']
    tpl = ''.join(ch(parts) for _ in range(ri(0, 6)))
    T = string.Template(tpl)
    m = ch([{'who': 'tim', 'what': 1}, {}, {'who': 'a'}, {'_x': 2, 'w_2': [1]}])
    o = ri(0, 3)
    if o == 0: return tpl, T.safe_substitute(m, **ch([{}, {'what': 'kw'}]))
    if o == 1: return tpl, T.substitute(m, **ch([{}, {'what': 'kw'}]))
    if o == 2: return tpl, T.get_identifiers(), T.is_valid()
    class T2(string.Template):
        delimiter = ch(['%', '#', '$$'])
        idpattern = ch([r'[a-z]+', r'(?a:[_a-z][_a-z0-9]*)'])
    return T2(tpl.replace('$', T2.delimiter)).safe_substitute(m)

def c_formatter():
    fmt = ''.join(ch(['{0}', '{}', '{a}', '{0!r}', '{a.real}', '{0[0]}', '{b[x]}', '{:>{w}}', '{0:{1}}', '{{', '}}', 'txt', '{', '}', '{!z}', '{0:%}', '{c:,}', '{c!a:^9}']) for _ in range(ri(1, 5)))
    args = ch([(), ('ab', 5), ([1, 2],), (3.5, 'x')]); kw = ch([{}, {'a': 2j, 'b': {'x': 9}, 'c': 12345, 'w': 6}, {'a': 'é'}])
    o = ri(0, 2)
    f = string.Formatter()
    if o == 0: return fmt, f.format(fmt, *args, **kw)
    if o == 1: return fmt, list(f.parse(fmt))
    return fmt, f.vformat(fmt, args, kw), fmt.format(*args, **kw)

def c_shlex():
    s = ''.join(ch(['a', 'b c', "'q q'", '"d q"', '\\ ', '\\', '#c', ' ', '\n', '"', "'", '$x', '|', ';', '&&', '(', ')', 'é', '\\"', '"a\\"b"', "'it''s'", '*.py', '=']) for _ in range(ri(0, 8)))
    o = ri(0, 3)
    if o == 0: return s, shlex.split(s, **ch([{}, {'comments': True}, {'posix': False}]))
    if o == 1: return s, shlex.quote(s), shlex.join([s, 'x y', ''])
    if o == 2:
        lx = shlex.shlex(s, posix=ch([True, False]), punctuation_chars=ch([False, True, '|;']))
        lx.whitespace_split = ch([True, False])
        return s, list(lx)
    return s, shlex.split(s, posix=False, comments=True)

URLS = ['http://user:pw@Host.com:80/p/a/t/h;params?query=1&b=2#frag', 'https://[::1]:8080/x', 'http://[::1', 'ftp://h/%7Euser/a%20b', '//netloc/only', '/just/path?q',
        'mailto:joe@x.com', 'file:///etc/passwd', 'http://h:badport/', 'http://h:65536/', 'http://h:-1/', 'HTTP://EXAMPLE.com/A?B=C', 'a:b', 'path;p?q#f', '', '?x=1&x=2&y',
        'http://h/?a=1;b=2', 'http://é.com/ü?ä=ö', 'http://h/p?q=a+b%20c', 'urn:isbn:0451450523', 'http://h#', 'http://h?', 'http://a.b\n/c', 'http://h:0/', 'h:80', 'http://[v1.x]/']
def c_urlparse():
    u = ch(URLS); o = ri(0, 9)
    if o == 0:
        r = up.urlparse(u, **ch([{}, {'scheme': 'https'}, {'allow_fragments': False}])); return r, r.hostname, r.port, r.username, r.password, r.geturl()
    if o == 1:
        r = up.urlsplit(u); return r, r.netloc, r.port, up.urlunsplit(r)
    if o == 2: return up.urljoin(ch(URLS[:6] + ['http://a/b/c/d;p?q']), ch(['g', '../g', '/g', '//g', '?y', '#s', '../../../g', 'g;x?y#s', '.', '..', '', 'http:g', './g/.', 'g/../h']), **ch([{}, {'allow_fragments': False}]))
    if o == 3: return up.parse_qs(ch(['a=1&b=2&a=3', 'a=&b', 'a=1;b=2', 'x=%20+y', '&&=&', 'a=b=c', 'k', '']), keep_blank_values=ch([True, False]), strict_parsing=ch([False, False, True]), **ch([{}, {'max_num_fields': 1}, {'separator': ';'}]))
    if o == 4: return up.parse_qsl(ch(['a=1&b=2', 'a+b=c+d', 'é=ü', '%zz=%41', 'a=1&&b=2']), keep_blank_values=ch([True, False]))
    if o == 5: return up.quote(ch(['a b/c', 'é', '~_-.', '%41', '', 'a&b=c', b'\xff\x00']), safe=ch(['/', '', 'é', ':&'])), up.quote_plus(ch(['a b+c', 'x/y'])), up.unquote(ch(['%41%zz', '%e9', '%C3%A9', 'a+b', '%', '%4']), errors=ch(['replace', 'strict', 'ignore']))
    if o == 6: return up.urlencode(ch([{'a': 1, 'b': 'x y'}, [('a', [1, 2]), ('b', ())], {'é': b'\xff'}, (('k', None),), 'bad', [(1, 2, 3)]]), doseq=ch([True, False]))
    if o == 7: return up.urldefrag(u), up.unquote_to_bytes(ch(['%41%e9', 'abc', '%', b'%41']))
    if o == 8: return up.urlunparse(ch([('http', 'h', '/p', 'x', 'q=1', 'f'), ('', '', 'p', '', '', ''), ('s', '', '', '', '', ''), ('a', 'b')]))
    return up.quote_from_bytes(ch([b'a b', b'\x00\xff', 'str'])), up.unquote_plus(ch(['a+b%2B', '+'])), up.splittype(u) if False else up.urlsplit(u).scheme

IPS = ['192.168.1.1', '10.0.0.0/8', '10.0.0.1/8', '255.255.255.255', '0.0.0.0', '1.2.3', '01.2.3.4', '256.1.1.1', '::', '::1', '2001:db8::/32', '2001:db8::1/128', 'fe80::1%eth0',
       '::ffff:192.168.0.1', '1::2::3', '2001:0db8:0000:0000:0000:ff00:0042:8329', '127.0.0.1/255.0.0.0', '192.168.0.0/0.0.0.255', '10.0.0.0/33', 'abc', '', '1.2.3.4/24', '::/0', '224.0.0.1', '169.254.1.1', 'fc00::1', '100.64.0.1', '2002::1']
def c_ipaddress():
    s = ch(IPS); o = ri(0, 7)
    if o == 0: a = ipaddress.ip_address(ch([s, ri(0, 2**32), 2**128, -1, b'\x01\x02\x03\x04'])); return repr(a), str(a), a.version, a.is_private, a.is_global, a.is_loopback, a.is_multicast, a.is_link_local, a.reverse_pointer
    if o == 1: n = ipaddress.ip_network(s, strict=ch([True, False])); return repr(n), n.num_addresses, str(n.netmask), str(n.hostmask), n.prefixlen, str(n.broadcast_address), n.with_prefixlen
    if o == 2: i = ipaddress.ip_interface(s); return repr(i), str(i.network), str(i.ip), i.with_netmask, i.with_hostmask
    if o == 3: n = ipaddress.ip_network(ch(['10.0.0.0/29', '2001:db8::/126', '192.168.0.0/30'])); return [str(x) for x in n.subnets(**ch([{}, {'prefixlen_diff': 2}, {'new_prefix': ch([30, 31, 24, 127])}]))], [str(h) for h in list(n.hosts())[:5]], str(n.supernet())
    if o == 4: a, b = ipaddress.ip_address(ch(['1.2.3.4', '::1', '10.0.0.1'])), ipaddress.ip_address(ch(['1.2.3.5', '::2', '10.0.0.1'])); return a < b, a == b, a + ri(-2, 2), int(a), a - b if a.version == b.version else None
    if o == 5: return [str(x) for x in ipaddress.collapse_addresses([ipaddress.ip_network(x) for x in ch([['10.0.0.0/25', '10.0.0.128/25'], ['1.0.0.0/24', '1.0.1.0/24', '1.0.0.0/23'], ['::/1', '8000::/1']])])]
    if o == 6: return [str(x) for x in ipaddress.summarize_address_range(ipaddress.ip_address(ch(['10.0.0.1', '10.0.0.0'])), ipaddress.ip_address(ch(['10.0.0.20', '10.0.1.255', '9.0.0.0'])))]
    n1, n2 = ipaddress.ip_network(ch(['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/24'])), ipaddress.ip_network(ch(['10.1.0.0/16', '10.0.0.0/8', '10.1.2.0/24']))
    return n1.overlaps(n2), n2.subnet_of(n1), n1.supernet_of(n2), [str(x) for x in n1.address_exclude(n2)][:4] if n2.subnet_of(n1) else None, n1.compare_networks(n2)

PARTS = ['a', 'b.txt', '..', '.', '', '/', '//', 'c.tar.gz', 'C:', 'C:\\', '\\\\server\\share', 'd/', '.hidden', 'x.', 'é', 'a\\b', 'NUL', '~']
def c_purepath():
    C = PP; p = C  # PureWindowsPath: not in Asy yet
    p = C(*[ch(PARTS) for _ in range(ri(0, 4))]); o = ri(0, 9)
    if o == 0: return str(p), repr(p), p.parts, p.drive, p.root, p.anchor, p.name, p.suffix, p.suffixes, p.stem
    if o == 1: return str(p.parent), [str(x) for x in p.parents], p.is_absolute(), p.as_posix()
    if o == 2: return str(p.with_name(ch(['n', '', 'a/b', '.x', 'y.z']))), str(p.with_suffix(ch(['.py', '', 'py', '.', '.a.b', '.x/'])))
    if o == 3: return str(p.with_stem(ch(['s', '', 'q.r'])))
    if o == 4: return str(p.relative_to(ch(PARTS), **ch([{}, {'walk_up': True}])))
    if o == 5: return p.match(ch(['*.txt', 'a/*', '**/b.txt', '*', '/a/*', 'A/B.TXT', '', '*.tar.gz'])), p.is_relative_to(ch(PARTS))
    if o == 6: return str(p / ch(PARTS)), str(ch(PARTS) / p), str(p.joinpath(*[ch(PARTS) for _ in range(2)]))
    if o == 7: return p == C(ch(PARTS)), p < C(ch(PARTS)), sorted(str(x) for x in [p, C('a'), C('B')])
    if o == 8: return p.is_reserved(), p.as_uri() if p.is_absolute() else None
    return C(ch(['a', 'b'])) == ch([PP('a'), PP('A'), 'a']), str(C(ch([b'x', 1, None, PP('q')]))) if random.random() < .3 else str(C(C('x'), 'y'))

def c_misc():
    o = ri(0, 7)
    if o == 0: return fnmatch.fnmatch(ch(['a.py', 'A.PY', 'x/y.py', '[a].txt', 'ab', '']), ch(['*.py', '?', '[a-c]*', '[!a]*', '[]a]', '*', '[', '\\*', '**']))
    if o == 1: return fnmatch.translate(ch(['*.py', '[!a-z]?', '[', '[]]', '**/x', 'a[b-]c', '[^x]']))
    if o == 2: return fnmatch.filter(['a.py', 'b.txt', 'C.PY'], ch(['*.py', '*', '?.*']))
    if o == 3: return html.escape(ch(['<a href="x">&</a>', "it's", '']), quote=ch([True, False])), html.unescape(ch(['&lt;&gt;&amp;', '&#65;&#x42;', '&#0;', '&#x110000;', '&notit;', '&notin;', '&amp', '&#128;', '&ampx', '&;']))
    if o == 4:
        data = bytes(ri(0, 255) for _ in range(ri(0, 8)))
        f = ch(['b64encode', 'b32encode', 'b16encode', 'a85encode', 'b85encode', 'urlsafe_b64encode', 'b32hexencode', 'standard_b64encode'])
        enc = getattr(base64, f)(data); return f, enc, getattr(base64, f.replace('en', 'de'))(enc)
    if o == 5: return getattr(base64, ch(['b64decode', 'b32decode', 'b16decode', 'a85decode', 'b85decode']))(ch(['YWJj', 'YWJ', 'YW=j', '!!!!', 'MFRGG===', 'mfrgg===', '616263', '6G', '<~@:E_~>', 'VPa', '', b'YQ==\n', 'YQ']), **ch([{}, {}, {'validate': True}]) if random.random() < .3 else {})
    if o == 6: return binascii.hexlify(bytes([ri(0, 255) for _ in range(ri(0, 5))]), *ch([[], ['-'], [':', 2], [b'|', -1], ['ab']])), binascii.unhexlify(ch(['abcd', 'abc', 'zz', '']))
    return binascii.crc32(ch([b'', b'abc', b'x' * 10]), *ch([[], [1], [2**32 - 1]])), binascii.crc_hqx(b'abc', ri(0, 100)), binascii.b2a_base64(b'ab', newline=ch([True, False])), binascii.a2b_base64(ch([b'YWJj', b'YW', b'Y', b'====']), **ch([{}, {'strict_mode': True}]))

cases = [c_textwrap, c_template, c_formatter, c_shlex, c_urlparse, c_ipaddress, c_purepath, c_misc]
for i in range(1500):
    k = ri(0, len(cases) - 1)
    try: r = cases[k]()
    except Exception as e: r = E(e)
    try: s = repr(r)
    except Exception as e: s = 'REPR ' + E(e)
    print(i, k, s if len(s) < 600 else s[:300] + '...%d...' % len(s) + s[-100:])
