#!/usr/bin/env python3
"""Finds Asy stdlib modules that repeat CPython's Lib sources.

The project writes its own code (README: nothing pasted from elsewhere).
For each stdlib/*.asy with a CPython counterpart, this prints the share of
its non-blank lines that sit in runs of six or more consecutive lines
identical (after stripping indentation) to CPython's source. Messages and
data tables match CPython by design; long identical runs mean copying.
Needs a CPython 3.11+ with its Lib sources.

    python3 tests/copycheck.py [REPO]        # REPO defaults to this checkout
"""
import difflib
import glob
import os
import sys
import sysconfig

LIB = sysconfig.get_paths()["stdlib"] + "/"
# Asy module -> CPython files it stands for, where the names differ.
REFS = {
    "decimal": ["_pydecimal.py"],
    "collections.abc": ["_collections_abc.py"],
    "_collections_py": ["collections/__init__.py"],
    "_functools_py": ["functools.py"],
    "_os_py": ["os.py"],
    "logging": ["logging/__init__.py"],
    "unittest": ["unittest/" + f for f in ("case.py", "main.py", "runner.py", "loader.py", "suite.py",
                                            "result.py", "util.py")],
    "asyncio": ["asyncio/" + f for f in ("tasks.py", "events.py", "base_events.py", "futures.py",
                                          "queues.py", "locks.py", "timeouts.py", "taskgroups.py",
                                          "runners.py")],
    "html": ["html/__init__.py"],
    "io": ["_pyio.py", "io.py"],
    "_json_py": ["json/__init__.py", "json/decoder.py", "json/encoder.py"],
    "_re_py": ["re/__init__.py", "re/_parser.py"],
    "datetime": ["_pydatetime.py", "datetime.py"],
}


def copied_share(ours, refs):
    theirs = []
    for r in refs:
        if os.path.exists(LIB + r):
            theirs += [line.strip() for line in open(LIB + r, errors="replace").read().splitlines()]
    if not theirs:
        return None
    mine = [line.strip() for line in open(ours).read().splitlines()]
    blocks = difflib.SequenceMatcher(None, theirs, mine, autojunk=False).get_matching_blocks()
    copied = sum(sum(1 for x in mine[b.b:b.b + b.size] if x)
                 for b in blocks if b.size >= 6 and sum(1 for x in mine[b.b:b.b + b.size] if len(x) > 3) >= 5)
    return copied, sum(1 for x in mine if x)


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    rows = []
    for path in sorted(glob.glob(repo + "/stdlib/*.asy")):
        name = os.path.basename(path)[:-4]
        refs = REFS.get(name, [name.replace(".", "/") + ".py", name.replace(".", "/") + "/__init__.py"])
        r = copied_share(path, refs)
        if r:
            rows.append((r[0] / max(r[1], 1), r[0], r[1], name))
    for share, copied, total, name in sorted(rows, reverse=True):
        print(f"{share * 100:5.1f}%  {copied:5}/{total:<5}  {name}")


if __name__ == "__main__":
    main()
