/* set/frozenset: the table must put every key where CPython's does, so the
 * expected orders below are what CPython 3 prints for the same operations.
 * Also range and slice helpers (range.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "vm/containers.h"
#include "vm/gc.h"
#include "vm/num.h"

uint64_t set_frozen_hash(ObjSet *s);
ObjSet *set_frozen_const(VM *vm, const Value *items, int64_t n);

static int setup(void **state) {
    *state = asy_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    asy_free(*state);
    return 0;
}

static ObjSet *set_of(VM *vm, TypeId t, const int64_t *xs, int n) {
    Value items[64];
    for (int i = 0; i < n; i++) items[i] = int_val(xs[i]);
    ObjList *l = list_from(vm, items, n);
    assert_non_null(l);
    ObjSet *s = set_new(vm, vm->types[t]);
    assert_non_null(s);
    assert_int_equal(set_update(vm, s, obj_val(l)), 0);
    return s;
}

static void assert_order(ObjSet *s, const int64_t *want, int n) {
    int64_t pos = 0;
    Value k;
    int i = 0;
    while (set_next(s, &pos, &k)) {
        assert_true(i < n);
        assert_true(is_int(k));
        assert_int_equal(as_int(k), want[i]);
        i++;
    }
    assert_int_equal(i, n);
    assert_int_equal(s->used, n);
}

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test_order_matches_cpython(void **state) {
    VM *vm = *state;
    static const int64_t in1[] = {8, 16, 0, 1, 2, 24}, out1[] = {0, 1, 2, 8, 16, 24};
    assert_order(set_of(vm, T_SET, in1, LEN(in1)), out1, LEN(out1));
    static const int64_t in2[] = {-1, -2, -3, 5, -8, 7, 100000, -100000};
    static const int64_t out2[] = {100000, -100000, 5, 7, -2, -8, -3, -1};
    assert_order(set_of(vm, T_SET, in2, LEN(in2)), out2, LEN(out2));
}

/* A deleted slot is reused by the next key whose probe passes over it. */
static void test_dummy_reuse(void **state) {
    VM *vm = *state;
    static const int64_t in[] = {1, 9}, out[] = {17, 9};
    ObjSet *s = set_of(vm, T_SET, in, 2);
    assert_int_equal(set_discard(vm, s, int_val(1)), 1);
    assert_int_equal(set_discard(vm, s, int_val(1)), 0);
    assert_int_equal(set_add(vm, s, int_val(17)), 0);
    assert_order(s, out, 2);
    assert_int_equal(set_contains(vm, s, int_val(9)), 1);
    assert_int_equal(set_contains(vm, s, int_val(1)), 0);
}

static void test_frozenset_hash(void **state) {
    VM *vm = *state;
    ObjSet *e = set_new(vm, vm->types[T_FROZENSET]);
    assert_int_equal((int64_t)set_frozen_hash(e), 133146708735736);
    static const int64_t in[] = {1, 2, 3};
    assert_int_equal((int64_t)set_frozen_hash(set_of(vm, T_FROZENSET, in, 3)), -272375401224217160);
}

static void test_binops(void **state) {
    VM *vm = *state;
    static const int64_t a[] = {10, 2, 33, 100000, 5, 64, 128};
    static const int64_t b[] = {2, 64, 7, 99, 128, 256, 512, 1024, 33};
    Value sa = obj_val(set_of(vm, T_SET, a, LEN(a))), sb = obj_val(set_of(vm, T_SET, b, LEN(b)));
    static const int64_t or_ab[] = {64, 128, 2, 256, 512, 5, 1024, 7, 10, 100000, 33, 99};
    static const int64_t and_ab[] = {64, 33, 2, 128};
    static const int64_t sub_ab[] = {100000, 10, 5};
    static const int64_t xor_ab[] = {99, 256, 512, 1024, 7, 5, 100000, 10};
    static const int64_t xor_ba[] = {512, 256, 1024, 5, 7, 10, 100000, 99};
    assert_order(AS(ObjSet, set_binop(vm, BIN_OR, sa, sb)), or_ab, LEN(or_ab));
    assert_order(AS(ObjSet, set_binop(vm, BIN_AND, sa, sb)), and_ab, LEN(and_ab));
    assert_order(AS(ObjSet, set_binop(vm, BIN_AND, sb, sa)), and_ab, LEN(and_ab));
    assert_order(AS(ObjSet, set_binop(vm, BIN_SUB, sa, sb)), sub_ab, LEN(sub_ab));
    assert_order(AS(ObjSet, set_binop(vm, BIN_XOR, sa, sb)), xor_ab, LEN(xor_ab));
    assert_order(AS(ObjSet, set_binop(vm, BIN_XOR, sb, sa)), xor_ba, LEN(xor_ba));
    assert_true(set_binop(vm, BIN_ADD, sa, sb) == NOTIMPL_VAL);
    assert_true(set_binop(vm, BIN_OR, sa, int_val(1)) == NOTIMPL_VAL);
}

static void test_compare(void **state) {
    VM *vm = *state;
    static const int64_t a[] = {1, 2}, b[] = {1, 2, 3};
    Value sa = obj_val(set_of(vm, T_SET, a, 2)), sb = obj_val(set_of(vm, T_FROZENSET, b, 3));
    assert_int_equal(set_compare(vm, sa, sb, CMP_LT), 1);
    assert_int_equal(set_compare(vm, sa, sb, CMP_LE), 1);
    assert_int_equal(set_compare(vm, sb, sa, CMP_GT), 1);
    assert_int_equal(set_compare(vm, sa, sb, CMP_EQ), 0);
    assert_int_equal(set_compare(vm, sa, sa, CMP_EQ), 1);
    assert_int_equal(set_compare(vm, sa, sa, CMP_LT), 0);
    assert_int_equal(set_compare(vm, sa, int_val(3), CMP_EQ), -2);
}

static void test_growth(void **state) {
    VM *vm = *state;
    ObjSet *s = set_new(vm, vm->types[T_SET]);
    for (int i = 0; i < 10000; i++) assert_int_equal(set_add(vm, s, int_val(i * 7)), 0);
    assert_int_equal(s->used, 10000);
    for (int i = 0; i < 10000; i++) assert_int_equal(set_contains(vm, s, int_val(i * 7)), 1);
    assert_int_equal(set_contains(vm, s, int_val(1)), 0);
    for (int i = 0; i < 10000; i += 2) assert_int_equal(set_discard(vm, s, int_val(i * 7)), 1);
    assert_int_equal(s->used, 5000);
    assert_true(s->fill >= s->used && s->fill <= s->mask);
}

/* {497081, 64, 492025, 14, 30} as CPython compiles it: a frozenset
 * constant (iterated as is by `for x in {...}`) merged into a new set. */
static void test_set_display_constant(void **state) {
    VM *vm = *state;
    static const int64_t in[] = {497081, 64, 492025, 14, 30};
    static const int64_t const_order[] = {64, 497081, 14, 492025, 30};
    static const int64_t set_order[] = {64, 30, 497081, 492025, 14};
    Value items[5];
    for (int i = 0; i < 5; i++) items[i] = int_val(in[i]);
    ObjSet *f = set_frozen_const(vm, items, 5);
    assert_non_null(f);
    assert_order(f, const_order, 5);
    ObjSet *s = set_new(vm, vm->types[T_SET]);
    assert_int_equal(set_update(vm, s, obj_val(f)), 0);
    assert_order(s, set_order, 5);
    static const int64_t in2[] = {-1, -2, -3, -100, 7}, out2[] = {-1, 7, -100, -3, -2};
    for (int i = 0; i < 5; i++) items[i] = int_val(in2[i]);
    s = set_new(vm, vm->types[T_SET]);
    assert_int_equal(set_update(vm, s, obj_val(set_frozen_const(vm, items, 5))), 0);
    assert_order(s, out2, 5);
}

static void test_slice_indices(void **state) {
    VM *vm = *state;
    int64_t start, stop, step;
    ObjSlice *s = AS(ObjSlice, slice_new(vm, NONE_VAL, NONE_VAL, int_val(-1)));
    assert_int_equal(slice_indices(vm, s, 10, &start, &stop, &step), 10);
    assert_int_equal(start, 9);
    assert_int_equal(stop, -1);
    assert_int_equal(step, -1);
    s = AS(ObjSlice, slice_new(vm, int_val(-100), int_val(100), int_val(3)));
    assert_int_equal(slice_indices(vm, s, 10, &start, &stop, &step), 4);
    assert_int_equal(start, 0);
    assert_int_equal(stop, 10);
    s = AS(ObjSlice, slice_new(vm, int_val(5), int_val(2), NONE_VAL));
    assert_int_equal(slice_indices(vm, s, 10, &start, &stop, &step), 0);
    s = AS(ObjSlice, slice_new(vm, NONE_VAL, NONE_VAL, int_val(0)));
    assert_int_equal(slice_indices(vm, s, 10, &start, &stop, &step), -1);
    vm->exc = UNDEF;
}

static void test_seq_index_and_range(void **state) {
    VM *vm = *state;
    assert_int_equal(seq_index(vm, int_val(-1), 5, "list"), 4);
    assert_int_equal(seq_index(vm, TRUE_VAL, 5, "list"), 1);
    assert_int_equal(seq_index(vm, int_val(5), 5, "list"), -1);
    vm->exc = UNDEF;
    int64_t i;
    assert_true(index_value(vm, int_val(-7), &i, NULL));
    assert_int_equal(i, -7);
    Value r = range_new(vm, 10, -3, -4);
    assert_int_equal(AS(ObjRange, r)->len, 4);
    r = range_new(vm, INT64_MIN, INT64_MAX, INT64_MAX);
    assert_int_equal(AS(ObjRange, r)->len, 3);
    assert_true(range_new(vm, INT64_MIN, INT64_MAX, 1) == ERR);   /* too long for int64 */
    vm->exc = UNDEF;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_order_matches_cpython, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dummy_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_frozenset_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_binops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_display_constant, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slice_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seq_index_and_range, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
