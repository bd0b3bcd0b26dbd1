# str methods on random Unicode (session 16): api_str.py uses a fixed list
# of strings; here strings are drawn from code points of many categories
# (ASCII, Latin-1, combining marks, titlecase digraphs, special casing
# like ß/ŉ/ǰ/İ/ΐ, Greek final sigma contexts, Cherokee, Georgian, digits
# of several scripts, all the line and space separators, surrogates,
# astral characters), and each method gets random arguments.  Also
# str.translate/maketrans, casefold/normalize comparisons, and the isX
# predicates, int()/float() of those digits, and encode() with errors.
import random, sys, unicodedata
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)
R = rng.random; ch = rng.choice; ri = rng.randint

pools = [
    'abcXYZ019 _-.,;!?', 'àéîõüÿÀÉÎÕÜß', 'ǅǈǋǲ', 'ŉǰΐΰﬀﬁﬃﬅİı', 'ΣσςΑαΩω', '\u0301\u0308\u0327\u20dd',
    'ᏣᏤᏥꭰꭱ', 'ᲐᲑაბ', '٠١٢३४५๖๗໘', '\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u2028\u2029', ' \xa0\u1680\u2000\u200a\u202f\u205f\u3000\u200b',
    '\ud800\udfff', '𝒜𝔸𝟘𐐀𐐨😀🇫🇷', 'ⅠⅡⅫⅰ①②⑩²³½¼', 'ﬓﬔᾀᾈᾳᾼῌ', '\x00\x01\x7f\x80\x9f', 'Ǆǅǆ', 'ꟲꟳꟴ'
]


def rstr(maxlen=8):
    n = ri(0, maxlen)
    p = ch(pools) if R() < 0.5 else None
    return ''.join(ch(p if p else ch(pools)) for _ in range(n))


def show(f):
    try:
        return repr(f())
    except Exception as e:
        return type(e).__name__ + ': ' + str(e)


meths0 = ['upper', 'lower', 'casefold', 'title', 'capitalize', 'swapcase', 'isalpha', 'isalnum', 'isdigit', 'isdecimal',
          'isnumeric', 'isspace', 'istitle', 'isupper', 'islower', 'isidentifier', 'isprintable', 'isascii', 'splitlines',
          'strip', 'lstrip', 'rstrip', 'split', 'rsplit', 'expandtabs', '__len__']
for i in range(6000):
    s = rstr()
    r = R()
    if r < 0.45:
        m = ch(meths0)
        print(i, repr(s), m, show(lambda: getattr(s, m)()))
    elif r < 0.6:
        sep = ch([None, rstr(2), ' ', 'ß', 'ς', '\n']) or None
        m = ch(['split', 'rsplit'])
        k = ri(-1, 3)
        print(i, repr(s), m, repr(sep), k, show(lambda: getattr(s, m)(sep, k)))
    elif r < 0.7:
        sub = rstr(2)
        m = ch(['partition', 'rpartition', 'find', 'rfind', 'count', 'startswith', 'endswith', 'removeprefix', 'removesuffix', 'index'])
        a = [sub] + ([ri(-4, 6)] if R() < 0.4 else [])
        print(i, repr(s), m, repr(a), show(lambda: getattr(s, m)(*a)))
    elif r < 0.78:
        chars = rstr(3)
        m = ch(['strip', 'lstrip', 'rstrip'])
        print(i, repr(s), m, repr(chars), show(lambda: getattr(s, m)(chars)))
    elif r < 0.84:
        m = ch(['center', 'ljust', 'rjust', 'zfill', 'expandtabs'])
        a = [ri(-2, 14)] + ([ch(['*', 'é', '😀', '', 'ab'])] if m in ('center', 'ljust', 'rjust') and R() < 0.6 else [])
        print(i, repr(s), m, repr(a), show(lambda: getattr(s, m)(*a)))
    elif r < 0.88:
        old, new = rstr(1), rstr(2)
        print(i, repr(s), 'replace', repr(old), repr(new), show(lambda: s.replace(old, new, ri(-1, 3))))
    elif r < 0.92:
        frm, to = rstr(3), rstr(3)
        tab = {ord(c): ch([None, 'x', '', 'ab', 0x41, ord('ß')]) for c in rstr(3)}
        print(i, repr(s), 'translate', show(lambda: s.translate(str.maketrans(frm, to[:len(frm)].ljust(len(frm), 'z')))),
              show(lambda: s.translate(tab)), show(lambda: str.maketrans(frm, to)))
    elif r < 0.96:
        form = ch(['NFC', 'NFD', 'NFKC', 'NFKD'])
        print(i, repr(s), form, show(lambda: unicodedata.normalize(form, s)), show(lambda: unicodedata.is_normalized(form, s)),
              show(lambda: s.casefold() == s.lower()), show(lambda: [unicodedata.category(c) for c in s]))
    else:
        enc = ch(['ascii', 'latin-1', 'utf-8', 'utf-16-le', 'cp1252', 'utf-32'])
        err = ch(['strict', 'ignore', 'replace', 'xmlcharrefreplace', 'backslashreplace', 'surrogateescape', 'surrogatepass', 'namereplace'])
        print(i, repr(s), enc, err, show(lambda: s.encode(enc, err)), show(lambda: int(s)), show(lambda: float(s)))
