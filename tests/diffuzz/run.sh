#!/usr/bin/env bash
# Differential fuzzing against CPython 3.12: runs a fuzzer under both and
# prints the difference (object addresses normalised). Not part of CI.
#
#   tests/diffuzz/run.sh ASY FUZZER [SEED...]
#
# gen_*.py print a random program (made with CPython, then run by both);
# the others run as they are, taking the seed as their argument (or none).
set -u
asy=$1; fuzzer=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-/root/.pyenv/versions/3.12.1/bin/python3.12}
out=${TMPDIR:-/tmp}/diffuzz.$$; mkdir -p "$out"
status=0
for seed in "${@:-1}"; do
    prog="$here/$fuzzer"; args=("$seed")
    case "$fuzzer" in gen_*)
        prog="$out/prog$seed.py"; args=()
        "$py" "$here/$fuzzer" "$seed" > "$prog" ;;
    esac
    (cd "$out" && PYTHONHASHSEED=0 timeout 120 "$py" "$prog" "${args[@]}" > py.out 2>&1; echo "rc=$?" >> py.out)
    (cd "$out" && timeout 120 "$asy" "$prog" "${args[@]}" > asy.out 2>&1; echo "rc=$?" >> asy.out)
    sed -i -E 's/0x[0-9a-fA-F]+/0xADDR/g' "$out/py.out" "$out/asy.out"
    if ! diff -a "$out/py.out" "$out/asy.out" > "$out/diff"; then
        echo "== $fuzzer seed $seed: $(grep -c '^<' "$out/diff") lines differ"
        head -20 "$out/diff"
        # KEEP=dir saves the diverging program and both outputs.
        if [ -n "${KEEP:-}" ]; then
            mkdir -p "$KEEP"
            case "$fuzzer" in gen_*) cp "$prog" "$KEEP/${fuzzer%.py}_$seed.py" ;; esac
            cp "$out/py.out" "$KEEP/${fuzzer%.py}_$seed.py.out"
            cp "$out/asy.out" "$KEEP/${fuzzer%.py}_$seed.asy.out"
        fi
        status=1
    fi
done
rm -rf "$out"
exit $status
