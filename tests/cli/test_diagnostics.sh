#!/usr/bin/env bash
# The exact text of SPEC §6's diagnostics: a coroutine never awaited, a task
# that blocks the event loop (--block-warn), a nested asyncio.run, and
# asyncio's "Task exception was never retrieved".
# usage: test_diagnostics.sh ASY
set -u
ASY=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
pass=0 fail=0

# expect NAME EXPECTED_STATUS EXPECTED_STDERR COMMAND...: stderr must equal
# the expected text exactly, once durations are written as N.NN and the
# directory before the script's name (asy names it by its absolute path) is cut.
expect() {
    local name=$1 want=$2 text=$3
    shift 3
    local err status
    err=$("$@" 2>&1 >/dev/null | sed -E -e "s|$dir/||g" -e 's/[0-9]+\.[0-9]{2} seconds/N.NN seconds/')
    status=${PIPESTATUS[0]}
    "$@" >/dev/null 2>&1
    status=$?
    if [ "$status" = "$want" ] && [ "$err" = "$text" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAIL %s: status %s (want %s)\n--- stderr:\n%s\n--- wanted:\n%s\n' "$name" "$status" "$want" "$err" "$text"
    fi
}

cat > never.asy <<'PY'
import asyncio

async def get_data():
    return 1

async def main():
    get_data()
    print("main done")

asyncio.run(main())
PY
expect never-awaited 0 "never.asy:7: RuntimeWarning: coroutine 'get_data' was never awaited
  get_data()
RuntimeWarning: Enable tracemalloc to get the object allocation traceback" "$ASY" never.asy

cat > block.asy <<'PY'
import asyncio
import time

async def worker():
    time.sleep(0.3)
    await asyncio.sleep(0)

async def main():
    await asyncio.gather(worker(), asyncio.sleep(0.01))

asyncio.run(main())
PY
hint="  hint: no other task runs while one blocks; await an async version of the call (asyncio.sleep for time.sleep), or run it in a thread with 'await asyncio.to_thread(...)'"
expect block-warn 0 "block.asy:5: RuntimeWarning: task 'Task-2' (coroutine 'worker') blocked the event loop for N.NN seconds
  time.sleep(0.3)
$hint" "$ASY" block.asy
expect block-warn-off 0 "" "$ASY" --block-warn=0 block.asy
expect block-warn-high 0 "" "$ASY" --block-warn=5000 block.asy
expect block-warn-bad 2 "asy: --block-warn needs a number of milliseconds (0 turns it off), not 'x'" "$ASY" --block-warn=x block.asy

cat > spin.asy <<'PY'
import asyncio

async def spin():
    n = 0
    while n < 30000000:
        n += 1

asyncio.run(spin())
PY
expect block-warn-loop 0 "spin.asy:5: RuntimeWarning: task 'Task-1' (coroutine 'spin') blocked the event loop for N.NN seconds
  while n < 30000000:
$hint" "$ASY" --block-warn=50 spin.asy

cat > nested.asy <<'PY'
import asyncio

async def inner():
    return 1

async def main():
    asyncio.run(inner())

asyncio.run(main())
PY
got=$("$ASY" nested.asy 2>&1)
if [[ "$got" == *"RuntimeError: asyncio.run() cannot be called from a running event loop"*"hint: this code already runs inside the event loop; use 'await coro' (or asyncio.create_task(coro)) instead of asyncio.run(coro)"* ]]; then
    pass=$((pass + 1))
else
    fail=$((fail + 1))
    printf 'FAIL nested-run:\n%s\n' "$got"
fi

cat > unretrieved.asy <<'PY'
import asyncio

async def bad():
    raise ValueError("boom")

async def main():
    asyncio.create_task(bad())
    await asyncio.sleep(0.01)

asyncio.run(main())
PY
expect unretrieved 0 "Task exception was never retrieved
future: <Task finished name='Task-2' coro=<bad() done, defined at unretrieved.asy:3> exception=ValueError('boom')>
Traceback (most recent call last):
  File \"unretrieved.asy\", line 4, in bad
    raise ValueError(\"boom\")
ValueError: boom" "$ASY" unretrieved.asy

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
