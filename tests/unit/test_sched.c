/* The scheduler's queues (vm/runq.c): the ready queue is FIFO across growth
 * and wrap-around; the timer heap pops by deadline and, for equal
 * deadlines, in insertion order; filtering keeps a valid heap. Plus the
 * scheduler through the API: the order in which tasks start and wake, and
 * Ctrl-C (asy_interrupt) with and without asyncio. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <uv.h>

#include "include/asy.h"
#include "vm/runq.h"

static RunItem item(int64_t n) { return (RunItem){int_val(n), UNDEF, UNDEF, (uint32_t)n}; }

static void test_runq_fifo(void **state) {
    (void)state;
    RunQueue q = {0};
    RunItem out;
    assert_false(runq_pop(&q, &out));
    /* Interleave pushes and pops so the ring wraps before it grows. */
    int64_t next_in = 0, next_out = 0;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 40; i++) assert_true(runq_push(&q, item(next_in++)));
        for (int i = 0; i < 30; i++) {
            assert_true(runq_pop(&q, &out));
            assert_int_equal(as_int(out.a), next_out);
            assert_int_equal(out.kind, (uint32_t)next_out);
            next_out++;
        }
    }
    assert_int_equal(q.len, (size_t)(next_in - next_out));
    for (size_t i = 0; i < q.len; i++) assert_int_equal(as_int(runq_at(&q, i)->a), next_out + (int64_t)i);
    while (runq_pop(&q, &out)) assert_int_equal(as_int(out.a), next_out++);
    assert_int_equal(next_out, next_in);
    runq_free(&q);
}

/* After a burst the buffers shrink, keeping what is left in order. */
static void test_shrink(void **state) {
    (void)state;
    RunQueue q = {0};
    RunItem out;
    for (int64_t i = 0; i < 10000; i++) assert_true(runq_push(&q, item(i)));
    size_t big = q.cap;
    runq_shrink(&q);
    assert_int_equal(q.cap, big);       /* full: nothing to give back */
    for (int64_t i = 0; i < 9900; i++) assert_true(runq_pop(&q, &out));
    runq_shrink(&q);
    assert_true(q.cap < big && q.cap >= 2 * q.len);
    for (int64_t i = 9900; i < 10000; i++) {
        assert_true(runq_pop(&q, &out));
        assert_int_equal(as_int(out.a), i);
    }
    runq_free(&q);

    TimerHeap h = {0};
    Timer t;
    for (int i = 0; i < 5000; i++) assert_true(timers_push(&h, (double)(i % 50), int_val(i), UNDEF, 0));
    big = h.cap;
    for (int i = 0; i < 4950; i++) assert_true(timers_pop(&h, &t));
    timers_shrink(&h);
    assert_true(h.cap < big && h.cap >= 2 * h.len);
    double prev = -1;
    while (timers_pop(&h, &t)) {
        assert_true(t.when >= prev);
        prev = t.when;
    }
    timers_free(&h);
}

static void test_timers_order(void **state) {
    (void)state;
    TimerHeap h = {0};
    /* Deadlines in a scrambled order, with ties. */
    enum { N = 1000 };
    for (int i = 0; i < N; i++) {
        double when = (double)((i * 7919) % 97);
        assert_true(timers_push(&h, when, int_val(i), UNDEF, 0));
    }
    Timer t;
    double prev = -1;
    int n = 0;
    while (timers_pop(&h, &t)) {
        assert_true(t.when >= prev);
        prev = t.when;
        n++;
    }
    assert_int_equal(n, N);
    assert_null(timers_top(&h));
    timers_free(&h);
}

/* Equal deadlines leave in the order Python's heapq gives them (asyncio's
 * timer heap compares deadlines only), as computed with CPython. */
static void test_timers_ties_as_heapq(void **state) {
    (void)state;
    TimerHeap h = {0};
    Timer t;
    for (int i = 0; i < 5; i++) assert_true(timers_push(&h, 1.0, int_val(i), UNDEF, 0));
    static const int five[] = {0, 2, 4, 1, 3};
    for (int i = 0; i < 5; i++) {
        assert_true(timers_pop(&h, &t));
        assert_int_equal(as_int(t.a), five[i]);
    }
    for (int i = 0; i < 8; i++) assert_true(timers_push(&h, (double)(i % 3), int_val(i), UNDEF, 0));
    static const int mixed[] = {0, 6, 3, 8, 7, 4, 1, 2, 5};
    assert_true(timers_pop(&h, &t));
    assert_int_equal(as_int(t.a), mixed[0]);
    assert_true(timers_push(&h, 0.0, int_val(8), UNDEF, 0));
    for (int i = 1; i < 9; i++) {
        assert_true(timers_pop(&h, &t));
        assert_int_equal(as_int(t.a), mixed[i]);
    }
    timers_free(&h);
}

static bool keep_even(const Timer *t, void *ctx) {
    (void)ctx;
    return as_int(t->a) % 2 == 0;
}

static void test_timers_filter(void **state) {
    (void)state;
    TimerHeap h = {0};
    for (int i = 0; i < 500; i++) assert_true(timers_push(&h, (double)(500 - i), int_val(i), UNDEF, 0));
    timers_filter(&h, keep_even, NULL);
    assert_int_equal(h.len, 250);
    Timer t;
    double last = -1;
    while (timers_pop(&h, &t)) {
        assert_int_equal(as_int(t.a) % 2, 0);
        assert_true(t.when >= last);
        last = t.when;
    }
    timers_free(&h);
}

/* The whole scheduler through the API: gather starts A, B, C in order,
 * sleeps wake by deadline, call_soon runs in FIFO order after the task.
 * asyncio is imported first and the deadlines lie half a second apart, so
 * that a slow build (GC stress under ASan, a loaded machine) between the
 * starts cannot reorder the wake-ups. */
static void test_scheduler_order(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_non_null(vm);
    static const char src[] =
        "import asyncio\n"
        "async def w(name, d):\n"
        "    print('start', name)\n"
        "    await asyncio.sleep(d)\n"
        "    print('end', name)\n"
        "async def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    loop.call_soon(print, 'soon 1')\n"
        "    loop.call_soon(print, 'soon 2')\n"
        "    await asyncio.gather(w('A', 1.5), w('B', 0.5), w('C', 1.0))\n"
        "asyncio.run(main())\n";
    static const char import[] = "import asyncio\n";
    assert_int_equal(asy_run_source(vm, import, strlen(import), "<test>"), ASY_OK);
    asy_capture_begin(vm);
    assert_int_equal(asy_run_source(vm, src, strlen(src), "<test>"), ASY_OK);
    size_t len;
    const char *out = asy_capture_end(vm, &len);
    assert_string_equal(out, "soon 1\nsoon 2\nstart A\nstart B\nstart C\nend B\nend C\nend A\n");
    asy_free(vm);
}

/* Ctrl-C from the host (asy_interrupt, here from another thread): the first
 * one cancels asyncio.run's main task, whose finally blocks run, and the run
 * ends in KeyboardInterrupt. asyncio is imported before the interrupting
 * thread starts, so that its 200 ms find main waiting even in slow builds. */
static void interrupt_later(void *arg) {
    uv_sleep(200);
    asy_interrupt(arg);
}

static void test_interrupt_cancels_main(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_non_null(vm);
    static const char src[] =
        "import asyncio\n"
        "async def main():\n"
        "    try:\n"
        "        await asyncio.sleep(30)\n"
        "    except asyncio.CancelledError:\n"
        "        print('cancelled')\n"
        "        raise\n"
        "    finally:\n"
        "        print('finally')\n"
        "asyncio.run(main())\n";
    static const char import[] = "import asyncio\n";
    assert_int_equal(asy_run_source(vm, import, strlen(import), "<test>"), ASY_OK);
    uv_thread_t th;
    assert_int_equal(uv_thread_create(&th, interrupt_later, vm), 0);
    asy_capture_begin(vm);
    AsyStatus st = asy_run_source(vm, src, strlen(src), "<test>");
    size_t len;
    const char *out = asy_capture_end(vm, &len);
    uv_thread_join(&th);
    assert_int_equal(st, ASY_ERROR);
    assert_string_equal(out, "cancelled\nfinally\n");
    assert_non_null(strstr(asy_error_text(vm), "KeyboardInterrupt"));
    asy_free(vm);
}

/* Outside asyncio, an interrupt is KeyboardInterrupt in the running code. */
static void test_interrupt_plain_loop(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_non_null(vm);
    static const char src[] =
        "n = 0\n"
        "try:\n"
        "    while True:\n"
        "        n += 1\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted')\n";
    uv_thread_t th;
    assert_int_equal(uv_thread_create(&th, interrupt_later, vm), 0);
    asy_capture_begin(vm);
    assert_int_equal(asy_run_source(vm, src, strlen(src), "<test>"), ASY_OK);
    size_t len;
    assert_string_equal(asy_capture_end(vm, &len), "interrupted\n");
    uv_thread_join(&th);
    asy_free(vm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runq_fifo),
        cmocka_unit_test(test_shrink),
        cmocka_unit_test(test_timers_order),
        cmocka_unit_test(test_timers_ties_as_heapq),
        cmocka_unit_test(test_timers_filter),
        cmocka_unit_test(test_scheduler_order),
        cmocka_unit_test(test_interrupt_cancels_main),
        cmocka_unit_test(test_interrupt_plain_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
