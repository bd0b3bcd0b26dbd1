# repr(), str(), type().__name__/__qualname__/__module__ of builtin objects
# picked at random (session 17): builtin functions and methods (bound and
# unbound), slot wrappers, method-wrappers, descriptors, iterators of every
# builtin container, views, generators, coroutines, code objects, cells,
# modules, classes, functools/operator/itertools objects.  Addresses are
# normalised by run.sh.
import builtins, collections, functools, itertools, operator, random, sys, types
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = random.Random(seed)


class C:
    def m(self): pass
    @classmethod
    def cm(cls): pass
    @staticmethod
    def sm(): pass
    @property
    def p(self): return 1
    __slots__ = ('s',)


def gen(): yield 1
async def coro(): pass
def outer():
    x = 1
    def inner(): return x
    return inner


SOURCES = [
    'len', 'print', '[].append', 'list.append', '"".join', 'str.join', 'int.__add__', '(1).__add__',
    'object.__init__', 'object().__init__', 'type.__call__', 'C.m', 'C().m', 'C.cm', 'C.sm', 'C.p',
    'C.__dict__["cm"]', 'C.__dict__["sm"]', 'C.__dict__["p"]', 'C.s', 'iter([])', 'iter(())', 'iter("")',
    'iter(b"")', 'iter(bytearray())', 'iter(range(3))', 'iter(range(2**70))', 'iter({})', 'iter(set())',
    'iter({}.values())', 'iter({}.items())', 'reversed([])', 'reversed(range(2))', 'reversed({})',
    '{}.keys()', '{1: 2}.values()', '{1: 2}.items()', 'gen()', 'gen', 'outer()', 'outer().__closure__[0]',
    'outer.__code__', 'sys', 'builtins', 'types', 'C', 'type', 'object', 'int.real', 'int.__dict__["real"]',
    'str.__dict__["join"]', 'dict.__dict__["fromkeys"]', 'dict.fromkeys', 'functools.partial(len, [])',
    'functools.partial(int, base=2)', 'operator.itemgetter(1, 2)', 'operator.attrgetter("a.b")',
    'operator.methodcaller("f", 1, k=2)', 'itertools.count(5, 2)', 'itertools.repeat(1, 3)',
    'itertools.chain()', 'zip()', 'map(len, [])', 'filter(None, [])', 'enumerate([])', 'slice(1, None, 2)',
    'range(0, 5, 2)', 'Ellipsis', 'NotImplemented', 'type(None)', 'None.__class__', 'memoryview(b"ab")',
    'collections.OrderedDict(a=1)', 'collections.Counter("abca")', 'collections.defaultdict(list)',
    'collections.deque([1], maxlen=3)', 'collections.namedtuple("P", "x y")(1, 2)', 'types.SimpleNamespace(a=1)',
    'types.MappingProxyType({"a": 1})', 'property()', 'classmethod(len)', 'staticmethod(len)', 'super(C, C())',
    'frozenset()', 'frozenset({1})', 'set()', 'b"\\x00\'"', 'bytearray(b"\\"")', '1j', '-0.0', '1e16', '2**64',
    'float("nan")', 'True.__and__', 'sys.stdout.write', 'sys.exit', 'str.maketrans', 'int.from_bytes',
    'C.__init__', 'C().__init__', 'C.__subclasshook__', 'C.__init_subclass__', 'object.__new__',
    '[].__iter__', '[].__len__', 'len.__call__', 'lambda: 0', '(lambda: 0).__code__', 'types.FunctionType',
    'type(len)', 'type([].append)', 'type(int.__add__)', 'type((1).__add__)', 'type(C.__dict__["cm"])',
    'NotImplementedError', 'StopIteration(1)', 'KeyError("k")', 'BaseExceptionGroup("m", [ValueError(1)])',
]
for src in rng.sample(SOURCES, min(60, len(SOURCES))):
    try:
        v = eval(src)
    except Exception as e:
        print(src, 'raised', type(e).__name__, e)
        continue
    t = type(v)
    try:
        s = str(v)
    except Exception as e:
        s = '!' + type(e).__name__
    print(src, '|', repr(v), '|', s, '|', t.__name__, t.__qualname__, t.__module__)
    for a in ('__name__', '__qualname__', '__module__', '__self__', '__objclass__', '__text_signature__'):
        if rng.random() < 0.3:
            try:
                print('   .' + a, repr(getattr(v, a)))
            except Exception as e:
                print('   .' + a, '!', type(e).__name__, e)
