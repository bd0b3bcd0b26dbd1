/* The collector: unreachable objects are freed, reachable ones survive,
 * cycles are collected, and the memory limit raises MemoryError. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vm/containers.h"
#include "vm/gc.h"
#include "vm/str.h"

static int setup(void **state) {
    *state = asy_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    asy_free(*state);
    return 0;
}

static void test_garbage_is_freed(void **state) {
    VM *vm = *state;
    gc_collect(vm);
    size_t base = vm->bytes_allocated;
    for (int i = 0; i < 1000; i++) list_new(vm, 100);
    assert_true(vm->bytes_allocated > base + 1000 * 800);
    gc_collect(vm);
    assert_true(vm->bytes_allocated <= base);
}

static void test_roots_survive(void **state) {
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    assert_true(vm_push_root(vm, obj_val(l)));
    for (int i = 0; i < 100; i++) {
        Value s = str_from_cstr(vm, "kept");
        list_append(vm, l, s);
    }
    /* A cycle that nothing references. */
    ObjList *a = list_new(vm, 1), *b = list_new(vm, 1);
    list_append(vm, a, obj_val(b));
    list_append(vm, b, obj_val(a));
    size_t before = vm->bytes_allocated;
    gc_collect(vm);
    assert_true(vm->bytes_allocated < before);
    assert_int_equal(l->len, 100);
    assert_string_equal(AS(ObjStr, l->items[99])->data, "kept");
    vm_pop_roots(vm, 1);
}

static void test_memory_limit(void **state) {
    (void)state;
    AsyConfig cfg;
    asy_config_init(&cfg);
    cfg.memory_limit = 8u << 20;
    AsyVM *vm = asy_new(&cfg);
    assert_non_null(vm);
    assert_int_equal(asy_run_source(vm, "x = [0] * (10 ** 8)\n", 20, "<test>"), ASY_ERROR);
    assert_non_null(strstr(asy_error_text(vm), "MemoryError"));
    /* The VM stays usable afterwards. */
    assert_int_equal(asy_run_source(vm, "y = [1, 2, 3]\n", 14, "<test>"), ASY_OK);
    asy_free(vm);
}

static void test_capture(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    asy_capture_begin(vm);
    assert_int_equal(asy_run_source(vm, "print('hi', 1 + 2)\n", 19, "<test>"), ASY_OK);
    size_t len;
    const char *out = asy_capture_end(vm, &len);
    assert_string_equal(out, "hi 3\n");
    asy_free(vm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_garbage_is_freed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roots_survive, setup, teardown),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_capture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
