#!/usr/bin/env bash
# Run one Asy language test and compare its output with the expected .out file.
#
#   tests/lang/run_test.sh ASY_BINARY path/to/name.asy
#
# The interpreter runs with the script's directory as working directory, the
# bare file name as its argument, stdin from /dev/null and a 60 s timeout
# (ASY_TEST_TIMEOUT seconds if set: slow builds such as GC stress want more).
# Its stdout, exit status and stderr are put into the .out format (see
# README.md) and compared with name.out. Exit 0 on a match; on a mismatch print
# a unified diff (expected vs actual) and exit 1; exit 2 on usage errors.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 ASY_BINARY path/to/name.asy" >&2
    exit 2
fi
asy=$1
test=$2
if [ ! -f "$test" ]; then
    echo "run_test.sh: no such test: $test" >&2
    exit 2
fi
# A binary given with a path must still be found after the cd below.
case $asy in
    */*) asy="$(cd "$(dirname "$asy")" && pwd)/$(basename "$asy")" ;;
esac

dir=$(cd "$(dirname "$test")" && pwd -P)
name=$(basename "$test")
expected="$dir/${name%.asy}.out"
if [ ! -f "$expected" ]; then
    echo "run_test.sh: missing expected output: $expected" >&2
    exit 2
fi

# normalize_stderr DIR: copy stderr, dropping blank lines and cutting "DIR/"
# wherever it appears (CPython 3.9+, and Asy, name the main script by its
# absolute path: `File "DIR/name.asy"` becomes `File "name.asy"`), and writing the duration
# in Asy's blocked-loop warning as N.NN (it varies from run to run).
normalize_stderr() {
    grep -v '^[[:space:]]*$' | NORM_DIR="$1/" awk '
        {
            p = ENVIRON["NORM_DIR"]
            out = ""
            line = $0
            while ((i = index(line, p)) > 0) {
                out = out substr(line, 1, i - 1)
                line = substr(line, i + length(p))
            }
            print out line
        }' | sed -E 's/(blocked the event loop for )[0-9]+\.[0-9]+ seconds/\1N.NN seconds/'
}

# Harmless for Asy; keeps python3 usable as the interpreter under test.
export PYTHONIOENCODING=utf-8 PYTHONUTF8=1 PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The blocked-loop warning (SPEC 6.2) depends on timing, which sanitizer and
# GC-stress builds stretch: only the tests that expect it keep it on.
if ! grep -q 'blocked the event loop' "$expected"; then
    export ASY_BLOCK_WARN=0
fi
# Expected files made before tracebacks had carets (lines of '^' and '~'
# under a source line) have none: Asy's are dropped before comparing.
old_style() {
    if grep -q '^ *[~^][~^ ]*$' "$expected"; then cat; else grep -v '^[[:space:]^~]*$'; fi
}
limit=${ASY_TEST_TIMEOUT:-60}
(cd "$dir" && timeout "$limit" "$asy" "$name" </dev/null >"$tmp/stdout" 2>"$tmp/stderr")
status=$?
{
    cat "$tmp/stdout"
    if [ "$status" -ne 0 ] || [ -s "$tmp/stderr" ]; then
        if [ -s "$tmp/stdout" ] && [ "$(tail -c 1 "$tmp/stdout" | wc -l)" -eq 0 ]; then
            echo
        fi
        echo "## exit $status"
        normalize_stderr "$dir" <"$tmp/stderr" | old_style
    fi
} >"$tmp/actual"

if diff -u --label "expected: $expected" --label "actual: $name" \
        "$expected" "$tmp/actual"; then
    exit 0
fi
if [ "$status" -eq 124 ]; then
    echo "run_test.sh: $name timed out after $limit s" >&2
fi
exit 1
