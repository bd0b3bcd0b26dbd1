#!/usr/bin/env bash
# Regenerate the expected output (.out) of Asy language tests with CPython.
#
#   tests/lang/regen.sh                 # every test under tests/lang
#   tests/lang/regen.sh str/join.asy    # one test
#   tests/lang/regen.sh int float       # whole areas (directories)
#
# The interpreter is $PYTHON, by default CPython 3.12, the version Asy
# targets: python3.12 from PATH, else pyenv's 3.12.1, else python3 (with a
# warning if that is not 3.12). Each test runs with its own
# directory as the working directory and its bare file name as the script, so
# tracebacks say `File "name.asy", line N`. The .out format is described in
# README.md; run_test.sh builds the same format from Asy's output.
set -u

here=$(cd "$(dirname "$0")" && pwd)
pyenv312=/root/.pyenv/versions/3.12.1/bin/python3.12
if [ -n "${PYTHON:-}" ]; then
    python=$PYTHON
elif python3.12 -c '' >/dev/null 2>&1; then    # (a pyenv shim may be on PATH and fail)
    python=python3.12
elif [ -x "$pyenv312" ]; then
    python=$pyenv312
else
    python=python3
fi
# PYTHONHASHSEED=0: Asy hashes str and bytes as CPython does without hash
# randomization (vm/strhash.c), so sets of strings print in that order.
export PYTHONIOENCODING=utf-8 PYTHONUTF8=1 PYTHONDONTWRITEBYTECODE=1 PYTHONHASHSEED=0

# collect_tests ARG...: print the .asy files named by the arguments
# (files, or directories searched recursively, skipping the _modules
# folders of modules that tests import), sorted.
collect_tests() {
    local arg
    for arg in "$@"; do
        if [ -d "$arg" ]; then
            find "$arg" -type f -name '*.asy' -not -path '*/_modules/*'
        else
            printf '%s\n' "$arg"
        fi
    done | LC_ALL=C sort
}

for arg in "$@"; do
    if [ ! -e "$arg" ]; then
        echo "regen.sh: no such test or directory: $arg" >&2
        exit 2
    fi
done
if [ $# -eq 0 ]; then
    set -- "$here"
fi
tests=$(collect_tests "$@")

# The expected outputs are CPython 3.12's: other versions word some
# messages, warnings and syntax errors differently.
version=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') || exit 2
if [ "$version" != 3.12 ]; then
    echo "regen.sh: warning: $python is Python $version; expected files are made with 3.12" >&2
fi

# normalize_stderr DIR: copy stderr, dropping blank lines and cutting "DIR/"
# wherever it appears (CPython 3.9+, and Asy, name the main script by its
# absolute path: `File "DIR/name.asy"` becomes `File "name.asy"`). Caret lines stay.
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
        }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count=0
while IFS= read -r test; do
    [ -n "$test" ] || continue
    dir=$(cd "$(dirname "$test")" && pwd -P)
    name=$(basename "$test")
    out="$dir/${name%.asy}.out"
    (cd "$dir" && timeout 60 "$python" "$name" </dev/null >"$tmp/stdout" 2>"$tmp/stderr")
    status=$?
    if [ "$status" -eq 124 ]; then
        echo "regen.sh: warning: $test timed out after 60 s" >&2
    fi
    {
        cat "$tmp/stdout"
        if [ "$status" -ne 0 ] || [ -s "$tmp/stderr" ]; then
            # Keep the marker on its own line even if stdout lacks a final newline.
            if [ -s "$tmp/stdout" ] && [ "$(tail -c 1 "$tmp/stdout" | wc -l)" -eq 0 ]; then
                echo
            fi
            echo "## exit $status"
            normalize_stderr "$dir" <"$tmp/stderr"
        fi
    } >"$out"
    count=$((count + 1))
done <<<"$tests"
echo "regenerated $count expected output file(s)"
