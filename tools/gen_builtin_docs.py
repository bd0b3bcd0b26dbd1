"""Writes vm/builtin_docs.tsv: the docstrings and text signatures of
CPython's builtin functions, builtin types (and their methods) and the math
module, which Asy's natives answer as __doc__ and __text_signature__.
tools/embed_builtin_docs.c turns it into a C table at build time.

Run it with CPython 3.12 from the repository root when the table should
follow a new CPython:

    python3.12 tools/gen_builtin_docs.py > vm/builtin_docs.tsv

One record a line: owner, name ('' for the owner's own doc), text
signature and doc, separated by tabs; the last two may be empty (none).
Backslashes, newlines and tabs inside a field are written \\\\, \\n, \\t.
"""
import builtins
import math

ROUTINE_TYPES = ("builtin_function_or_method", "method_descriptor", "classmethod_descriptor",
                 "wrapper_descriptor", "staticmethod")


def field(s):
    return "" if s is None else s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


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
                if type(value).__name__ in ROUTINE_TYPES and value.__doc__:
                    rows.append((name, attr, getattr(value, "__text_signature__", None), value.__doc__))
        elif callable(obj) and type(obj).__name__ == "builtin_function_or_method":
            rows.append(("builtins", name, obj.__text_signature__, obj.__doc__))
    for name in dir(math):
        obj = getattr(math, name)
        if callable(obj):
            rows.append(("math", name, obj.__text_signature__, obj.__doc__))
    rows.append(("math", "", None, math.__doc__))
    return sorted(r for r in rows if r[2] or r[3])


for row in entries():
    print("\t".join(field(f) for f in row))
