/* The interpreter lock through the embedding API: each VM has its own, so
 * two VMs run their threads side by side on two host threads; threads see
 * the same objects; a VM freed while a daemon thread still sleeps is left
 * to that thread instead of pulled from under it. Uses only asy.h. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "asy.h"

static AsyStatus run(AsyVM *vm, const char *src) { return asy_run_source(vm, src, strlen(src), "<test>"); }

static const char counting[] =
    "import _thread\n"
    "lock = _thread.allocate_lock()\n"
    "total = 0\n"
    "def work():\n"
    "    global total\n"
    "    for _ in range(20000):\n"
    "        with lock:\n"
    "            total += 1\n"
    "hs = [_thread.start_joinable_thread(work) for _ in range(3)]\n"
    "for h in hs:\n"
    "    h.join()\n"
    "print(total)\n";

static void *host_thread(void *arg) {
    AsyVM *vm = arg;
    asy_capture_begin(vm);
    AsyStatus st = run(vm, counting);
    const char *out = asy_capture_end(vm, NULL);
    return (void *)(intptr_t)(st == ASY_OK && strcmp(out, "60000\n") == 0);
}

static void test_two_vms_two_host_threads(void **state) {
    (void)state;
    AsyVM *a = asy_new(NULL), *b = asy_new(NULL);
    assert_non_null(a);
    assert_non_null(b);
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, host_thread, a), 0);
    assert_int_equal(pthread_create(&tb, NULL, host_thread, b), 0);
    void *ra, *rb;
    pthread_join(ta, &ra);
    pthread_join(tb, &rb);
    assert_true((intptr_t)ra);
    assert_true((intptr_t)rb);
    asy_free(a);
    asy_free(b);
}

static void test_threads_share_objects(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    asy_capture_begin(vm);
    assert_int_equal(run(vm,
                         "import _thread\n"
                         "box = []\n"
                         "h = _thread.start_joinable_thread(lambda: box.append(_thread.get_ident()))\n"
                         "h.join()\n"
                         "print(len(box), box[0] != _thread.get_ident(), h.is_done())\n"),
                     ASY_OK);
    assert_string_equal(asy_capture_end(vm, NULL), "1 True True\n");
    asy_free(vm);
}

static void test_free_with_a_sleeping_daemon(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_int_equal(run(vm,
                         "import _thread, time\n"
                         "_thread.start_new_thread(time.sleep, (0.2,))\n"
                         "time.sleep(0.01)\n"),
                     ASY_OK);
    asy_free(vm);   /* must neither crash nor wait */
    struct timespec ts = {0, 300 * 1000 * 1000};
    nanosleep(&ts, NULL);   /* the thread wakes up and exits quietly */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_vms_two_host_threads),
        cmocka_unit_test(test_threads_share_objects),
        cmocka_unit_test(test_free_with_a_sleeping_daemon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
