#!/usr/bin/env bash
# The asy command's interface (SPEC §7): options, stdin, exit statuses.
# usage: test_cli.sh ASY
set -u
ASY=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pass=0 fail=0

check() {   # check NAME EXPECTED_STATUS EXPECTED_STDOUT_SUBSTRING COMMAND...
    local name=$1 want=$2 text=$3
    shift 3
    local out status
    out=$("$@" 2>&1)
    status=$?
    if [ "$status" = "$want" ] && [[ "$out" == *"$text"* ]]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name: status $status (want $want), output: $out"
    fi
}

printf 'import sys\nprint("args", sys.argv[1:])\n' > "$dir/prog.asy"
printf 'print("module", __name__)\n' > "$dir/mod.asy"
printf 'def f():\n    raise KeyError("k")\nf()\n' > "$dir/raise.asy"
printf 'x = (1,\n' > "$dir/syntax.asy"

check version 0 "Asy " "$ASY" --version
check help 0 "usage: asy" "$ASY" --help
check script 0 "args ['a', 'b']" "$ASY" "$dir/prog.asy" a b
check dash-c 0 "3" "$ASY" -c 'print(1 + 2)'
check dash-c-argv 0 "['-c', 'x']" "$ASY" -c 'import sys; print(sys.argv)' x
check dash-m 0 "module __main__" bash -c "cd '$dir' && '$ASY' -m mod"
check stdin 0 "from stdin" bash -c "echo 'print(\"from stdin\")' | '$ASY'"
check exit-code 3 "" "$ASY" -c 'import sys; sys.exit(3)'
check exit-message 1 "bye" "$ASY" -c 'import sys; sys.exit("bye")'
check uncaught 1 "KeyError: 'k'" "$ASY" "$dir/raise.asy"
check traceback 1 "line 2, in f" "$ASY" "$dir/raise.asy"
check syntax 1 "SyntaxError: '(' was never closed" "$ASY" "$dir/syntax.asy"
check missing-file 2 "can't open file" "$ASY" "$dir/nothere.asy"
check missing-file-abs 2 "can't open file '$dir/./nothere.asy'" bash -c "cd '$dir' && '$ASY' ./nothere.asy"
check bad-option 2 "Unknown option: -z" "$ASY" -z
check bad-option-short-usage 2 "[arg] ...
Try \`asy -h'" "$ASY" -z
check missing-c-arg 2 "Argument expected for the -c option" "$ASY" -c
check missing-module 1 "No module named nothere" "$ASY" -m nothere
# a directory runs its __main__, with the directory as sys.path[0]
mkdir -p "$dir/app" "$dir/noapp"
printf 'import sys, helper\nprint("app", __name__, sys.path[0] == sys.argv[0] or sys.path[0])\n' > "$dir/app/__main__.py"
printf '' > "$dir/app/helper.py"
check directory 0 "app __main__" bash -c "cd '$dir' && '$ASY' app"
check json-tool 0 '    "a": [
        1
    ]' bash -c "echo '{\"a\": [1]}' | '$ASY' -m json.tool"
check json-tool-compact 0 '{"a":1,"b":2}' bash -c "echo '{\"b\": 2, \"a\": 1}' | '$ASY' -m json.tool --compact --sort-keys"
check json-tool-bad 1 "Expecting value: line 1 column 1 (char 0)" bash -c "echo 'nope' | '$ASY' -m json.tool"
check directory-no-main 1 "asy: can't find '__main__' module in '$dir/noapp'" "$ASY" "$dir/noapp"
check native-module 1 "No code object available for sys" "$ASY" -m sys
check stdlib-package 1 "'asyncio' is a package and cannot be directly executed" "$ASY" -m asyncio

# -m runs the standard library's own modules: unittest, doctest, timeit.
mkdir -p "$dir/tests/sub"
printf 'import unittest\nclass T(unittest.TestCase):\n    def test_ok(self): pass\n    def test_bad(self): self.assertEqual(1, 2)\n' > "$dir/tests/test_a.py"
touch "$dir/tests/sub/__init__.py"
printf 'import unittest\nclass U(unittest.TestCase):\n    def test_u(self): pass\n' > "$dir/tests/sub/test_b.py"
printf 'import missing_module_x\n' > "$dir/tests/test_c.py"
printf 'def double(x):\n    """\n    >>> double(2)\n    4\n    """\n    return x * 2\n' > "$dir/dt.py"
check unittest-names 1 "FAILED (failures=1)" bash -c "cd '$dir/tests' && '$ASY' -m unittest -v test_a"
check unittest-verbose 1 "test_ok (test_a.T.test_ok) ... ok" bash -c "cd '$dir/tests' && '$ASY' -m unittest -v test_a.py"
check unittest-method 0 "Ran 1 test" bash -c "cd '$dir/tests' && '$ASY' -m unittest test_a.T.test_ok"
check unittest-discover 1 "Ran 4 tests" bash -c "cd '$dir/tests' && '$ASY' -m unittest"
check unittest-import-error 1 "Failed to import test module: test_c" bash -c "cd '$dir/tests' && '$ASY' -m unittest discover -p 'test_c*'"
check unittest-discover-start 0 "Ran 1 test" bash -c "cd '$dir' && '$ASY' -m unittest discover -s tests/sub -t tests/sub"
check doctest-ok 0 "1 passed" "$ASY" -m doctest -v "$dir/dt.py"
check doctest-quiet 0 "" "$ASY" -m doctest "$dir/dt.py"
check doctest-bad-option 2 "invalid choice: 'NOPE'" "$ASY" -m doctest -o NOPE "$dir/dt.py"
check timeit 0 "loops, best of" "$ASY" -m timeit -n 10 -r 1 "1 + 1"

# -W adds warning filters, as CPython's; a bad one is reported and ignored.
printf 'import warnings\nwarnings.warn("careful")\nprint("after")\n' > "$dir/warn.py"
check warn-default 0 "UserWarning: careful" "$ASY" "$dir/warn.py"
check warn-error 1 "UserWarning: careful" "$ASY" -W error "$dir/warn.py"
check warn-error-joined 1 "UserWarning: careful" "$ASY" -Werror::UserWarning "$dir/warn.py"
check warn-ignore 0 "after" "$ASY" -Wignore "$dir/warn.py"
check warn-options 0 "['e', 'ignore::DeprecationWarning']" "$ASY" -We -W ignore::DeprecationWarning -c 'import sys; print(sys.warnoptions)'
check warn-bad 0 "Invalid -W option ignored: invalid action: 'bogus'" "$ASY" -W bogus -c pass
check warn-missing 2 "Argument expected for the -W option" "$ASY" -W
check no-op-switches 0 "3" "$ASY" -u -B -E -s -c 'print(3)'
# letters run together as CPython reads them: -cCODE, -Esc CODE, -mMOD
check attached-c 0 "4" "$ASY" -c'print(4)'
check combined-switches 0 "5" "$ASY" -Esc 'print(5)'
check attached-m 0 "module __main__" bash -c "cd '$dir' && '$ASY' -mmod"
check combined-missing-c 2 "Argument expected for the -c option" "$ASY" -Ec

# -i: an interactive session (on stdin, even a pipe) after the program, in
# its namespace; prompts go to stderr when stdin is not a terminal.
printf 'x = 5\n' > "$dir/five.py"
check inspect-script 0 "(5, ['$dir/five.py', 'a'])" bash -c "printf 'import sys\\nx, sys.argv\\n' | '$ASY' -i '$dir/five.py' a 2>/dev/null"
check inspect-c 0 "3" bash -c "printf 'y + 1\\n' | '$ASY' -i -c 'y = 2' 2>/dev/null"
check inspect-after-error 0 "ZeroDivisionError" bash -c "printf 'print(1)\\n' | '$ASY' -i -c '1/0'"
check inspect-exit 4 "" bash -c "printf 'raise SystemExit(4)\\n' | '$ASY' -i -c pass"
check inspect-prompts 0 ">>> 7" bash -c "printf '7\\n' | '$ASY' -i 2>&1"
check inspect-quiet 0 "" bash -c "printf '' | '$ASY' -q -i 2>&1 | grep -c Asy | grep -qx 0 && printf ''"
check inspect-flags 0 "1 1" bash -c "printf '' | '$ASY' -i -c 'import sys; print(sys.flags.inspect, sys.flags.interactive)' 2>/dev/null"
check inspect-env-flags 0 "1 0" bash -c "printf '' | PYTHONINSPECT=1 '$ASY' -c 'import sys; print(sys.flags.inspect, sys.flags.interactive)'"
check no-inspect-flags 0 "0 0" "$ASY" -c 'import sys; print(sys.flags.inspect, sys.flags.interactive)'
check inspect-program-exit 0 "SystemExit: 3" bash -c "printf 'print(1)\\n' | '$ASY' -i -c 'raise SystemExit(3)'"
check inspect-env-exit 1 "SystemExit: 3" bash -c "PYTHONINSPECT=1 '$ASY' -c 'raise SystemExit(3)' < /dev/null"
check inspect-ps1 0 "'>>> '" bash -c "printf 'import sys\\nsys.ps1\\n' | '$ASY' -i 2>/dev/null"

# -O strips assert statements and makes __debug__ False; -OO drops docstrings.
printf 'def f():\n    "doc"\nassert False\nimport sys\nprint(__debug__, sys.flags.optimize, f.__doc__)\n' > "$dir/opt.py"
check optimize-none 1 "AssertionError" "$ASY" "$dir/opt.py"
check optimize-O 0 "False 1 doc" "$ASY" -O "$dir/opt.py"
check optimize-OO 0 "False 2 None" "$ASY" -OO "$dir/opt.py"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
