/* dict: insertion order, growth, deletion, lookups by equal keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vm/containers.h"
#include "vm/gc.h"
#include "vm/num.h"
#include "vm/str.h"

static int setup(void **state) {
    *state = asy_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    asy_free(*state);
    return 0;
}

static void test_insert_lookup_order(void **state) {
    VM *vm = *state;
    ObjDict *d = dict_new(vm);
    assert_non_null(d);
    for (int i = 0; i < 1000; i++) assert_int_equal(dict_set(vm, d, int_val(i * 7919 % 1000), int_val(i)), 0);
    assert_int_equal(d->count, 1000);
    for (int i = 0; i < 1000; i++) assert_true(dict_get(vm, d, int_val(i * 7919 % 1000)) == int_val(i));
    int64_t pos = 0, n = 0;
    Value k, v;
    while (dict_next(d, &pos, &k, &v)) {
        assert_true(k == int_val(n * 7919 % 1000));
        n++;
    }
    assert_int_equal(n, 1000);
    assert_true(dict_get(vm, d, int_val(5000)) == UNDEF);
}

static void test_delete_and_reinsert(void **state) {
    VM *vm = *state;
    ObjDict *d = dict_new(vm);
    for (int i = 0; i < 100; i++) dict_set(vm, d, int_val(i), int_val(i));
    for (int i = 0; i < 100; i += 2) assert_int_equal(dict_del(vm, d, int_val(i)), 1);
    assert_int_equal(dict_del(vm, d, int_val(0)), 0);
    assert_int_equal(d->count, 50);
    dict_set(vm, d, int_val(0), int_val(42));
    int64_t pos = 0;
    Value k, last = UNDEF;
    while (dict_next(d, &pos, &k, NULL)) last = k;
    assert_true(last == int_val(0));      /* re-inserted keys go to the end */
    /* Many deletions must not grow the table without bound. */
    for (int r = 0; r < 10000; r++) {
        dict_set(vm, d, int_val(1000 + r), NONE_VAL);
        dict_del(vm, d, int_val(1000 + r));
    }
    assert_true(d->cap < 1024);
}

static void test_equal_keys(void **state) {
    VM *vm = *state;
    ObjDict *d = dict_new(vm);
    Value a = str_from_cstr(vm, "hello"), b = str_new(vm, "hello", 5);
    assert_true(a != b || is_str(a));
    dict_set(vm, d, a, int_val(1));
    assert_true(dict_get(vm, d, b) == int_val(1));
    /* 1, 1.0 and True are the same key, as in Python. */
    dict_set(vm, d, int_val(1), int_val(10));
    assert_true(dict_get(vm, d, float_val(1.0)) == int_val(10));
    assert_true(dict_get(vm, d, TRUE_VAL) == int_val(10));
    /* Unhashable keys raise TypeError. */
    ObjList *l = list_new(vm, 0);
    assert_true(dict_set(vm, d, obj_val(l), NONE_VAL) < 0);
    assert_true(vm->exc != UNDEF);
    vm->exc = UNDEF;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_insert_lookup_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_reinsert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_equal_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
