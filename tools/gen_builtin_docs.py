"""Writes vm/builtin_docs.tsv: the docstrings and text signatures of
CPython's builtin functions, builtin types (and their methods), the math
module and the other modules in MODULES and CLASSES (where Asy has natives
for them), which Asy's natives answer as __doc__ and __text_signature__.
tools/embed_builtin_docs.c turns it into a C table at build time.

Run it with CPython 3.12 from the repository root when the table should
follow a new CPython:

    python3.12 tools/gen_builtin_docs.py > vm/builtin_docs.tsv

One record a line: owner, name ('' for the owner's own doc), text
signature and doc, separated by tabs; the last two may be empty (none).
Backslashes, newlines and tabs inside a field are written \\\\, \\n, \\t.
"""
import builtins
import importlib
import inspect
import math

ROUTINE_TYPES = ("builtin_function_or_method", "method_descriptor", "classmethod_descriptor",
                 "wrapper_descriptor", "staticmethod")


def field(s):
    return "" if s is None else s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


# (the owner Asy's natives name, the CPython module): Asy looks a module
# function up under its module's name, which may be the C module's.
MODULES = [("os", "os"), ("time", "time"), ("functools", "functools"), ("operator", "operator"),
           ("_struct", "_struct"), ("binascii", "binascii"), ("zlib", "zlib"), ("_heapq", "_heapq"),
           ("_bisect", "_bisect"), ("re", "re"), ("json", "json"), ("sys", "sys"), ("itertools", "itertools"),
           ("collections", "collections")]
# (the owner, the CPython class): methods are looked up under their class's name
CLASSES = [("Random", "random.Random"), ("Pattern", "re.Pattern"), ("Match", "re.Match")]


def text_signature(obj, method=False):
    """A C function's own text signature, or one made from a Python
    function's signature (method: its first parameter is $self); None when
    it has none or a default has no literal form."""
    sig = getattr(obj, "__text_signature__", None)
    if sig or not inspect.isfunction(obj):
        return sig
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    if method:
        params = list(sig.parameters.values())[1:]
        rest = str(sig.replace(parameters=params, return_annotation=inspect.Signature.empty))
        text = "($self" + (", " + rest[1:] if params else ")")
    else:
        text = str(sig.replace(return_annotation=inspect.Signature.empty))
    return None if "<" in text else text


def module_rows(owner, modname):
    mod = importlib.import_module(modname)
    rows = []
    for name in dir(mod):
        obj = getattr(mod, name)
        if name.startswith("_") or isinstance(obj, type) or not callable(obj) or not obj.__doc__:
            continue
        if inspect.isbuiltin(obj) or inspect.isfunction(obj):
            rows.append((owner, name, text_signature(obj), obj.__doc__))
    return rows


def class_rows(owner, path):
    modname, _, clsname = path.rpartition(".")
    cls = getattr(importlib.import_module(modname), clsname)
    rows = []
    for name in dir(cls):
        obj = getattr(cls, name)
        if name.startswith("_") or not obj.__doc__:
            continue
        if inspect.isfunction(obj) or type(obj).__name__ in ROUTINE_TYPES:
            rows.append((owner, name, text_signature(obj, method=True), obj.__doc__))
    return rows


def entries():
    """(owner, name, text_signature, doc) rows; name '' is the owner's own doc."""
    rows = []
    for name in dir(builtins):
        obj = getattr(builtins, name)
        if isinstance(obj, type):
            rows.append((name, "", getattr(obj, "__text_signature__", None), obj.__doc__))
            if issubclass(obj, BaseException):
                continue
            for attr, value in vars(obj).items():
                if type(value).__name__ == "staticmethod":
                    value = value.__func__      # its own doc is staticmethod's
                if type(value).__name__ in ROUTINE_TYPES and value.__doc__:
                    rows.append((name, attr, getattr(value, "__text_signature__", None), value.__doc__))
        elif callable(obj) and type(obj).__name__ == "builtin_function_or_method":
            rows.append(("builtins", name, obj.__text_signature__, obj.__doc__))
    for name in dir(math):
        obj = getattr(math, name)
        if callable(obj):
            rows.append(("math", name, obj.__text_signature__, obj.__doc__))
    rows.append(("math", "", None, math.__doc__))
    for owner, modname in MODULES:
        rows += module_rows(owner, modname)
    for owner, path in CLASSES:
        rows += class_rows(owner, path)
    return sorted(r for r in rows if r[2] or r[3])


for row in entries():
    print("\t".join(field(f) for f in row))
