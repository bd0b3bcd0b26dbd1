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
check bad-option 2 "Unknown option: -z" "$ASY" -z
check missing-c-arg 2 "Argument expected for the -c option" "$ASY" -c
check missing-module 1 "No module named nothere" "$ASY" -m nothere

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
