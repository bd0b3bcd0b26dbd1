#!/usr/bin/env bash
# Run every Asy language test (or those under the given files/directories)
# with run_test.sh and print a summary. Exit 0 if all pass, 1 otherwise.
#
#   tests/lang/run_all.sh ASY_BINARY [files or dirs...]
#
# Set VERBOSE=1 to see the diff of each failing test.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 ASY_BINARY [files or dirs...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
asy=$1
shift
[ $# -gt 0 ] || set -- "$here"

pass=0
fail=0
failed=()
while IFS= read -r test; do
    if [ "${VERBOSE:-0}" = 1 ]; then
        "$here/run_test.sh" "$asy" "$test"
    else
        "$here/run_test.sh" "$asy" "$test" >/dev/null 2>&1
    fi
    if [ $? -eq 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        failed+=("$test")
    fi
done < <(for arg in "$@"; do
             if [ -d "$arg" ]; then find "$arg" -type f -name '*.asy'; else printf '%s\n' "$arg"; fi
         done | LC_ALL=C sort)

for test in "${failed[@]+"${failed[@]}"}"; do
    echo "FAIL $test"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
