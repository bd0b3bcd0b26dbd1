/* pickle's C API (stdlib/pickle.h): round trips, and the reader's
 * robustness against data no writer made: nesting far deeper than the C
 * stack allows for recursion, every prefix of a pickle, corrupted bytes.
 * The bytes built by hand here are CPython's pickle opcodes (pickletools). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stdlib/pickle.h"
#include "vm/containers.h"
#include "vm/exc.h"
#include "vm/gc.h"
#include "vm/ops.h"
#include "vm/str.h"

static int setup(void **state) {
    *state = asy_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    asy_free(*state);
    return 0;
}

/* The name of the pending exception's class; clears it. */
static const char *take_error(VM *vm) {
    assert_true(is_kind(vm->exc, OBJ_EXC));
    const char *name = as_obj(vm->exc)->cls->name->data;
    vm->exc = UNDEF;
    return name;
}

static void test_round_trip(void **state) {
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    assert_non_null(l);
    assert_true(vm_push_root(vm, obj_val(l)));
    list_append(vm, l, int_val(7));
    list_append(vm, l, str_from_cstr(vm, "seven"));
    list_append(vm, l, float_val(-0.0));
    list_append(vm, l, obj_val(l));     /* a cycle */
    Value b = pickle_dumps(vm, obj_val(l));
    assert_true(is_kind(b, OBJ_BYTES));
    assert_true(vm_push_root(vm, b));
    Value r = pickle_loads(vm, AS(ObjBytes, b)->data, (size_t)AS(ObjBytes, b)->len);
    assert_true(is_list(r));
    ObjList *rl = AS(ObjList, r);
    assert_int_equal(rl->len, 4);
    assert_true(rl->items[0] == int_val(7));
    assert_string_equal(AS(ObjStr, rl->items[1])->data, "seven");
    assert_true(rl->items[3] == r);
    vm_pop_roots(vm, 2);
}

/* EMPTY_LIST n times, then APPEND (the top into the one below) n - 1
 * times: a list nested n deep, read without recursion. */
static void test_deep_nesting_reads(void **state) {
    VM *vm = *state;
    enum { N = 100000 };
    size_t len = N + (N - 1) + 1;
    uint8_t *d = malloc(len), *p = d;
    assert_non_null(d);
    for (int i = 0; i < N; i++) *p++ = ']';
    for (int i = 0; i < N - 1; i++) *p++ = 'a';
    *p++ = '.';
    assert_int_equal((size_t)(p - d), len);
    Value r = pickle_loads(vm, d, len);
    free(d);
    assert_true(is_list(r));
    int depth = 1;
    while (AS(ObjList, r)->len == 1) {
        r = AS(ObjList, r)->items[0];
        depth++;
    }
    assert_int_equal(depth, N);
    assert_int_equal(vm->c_depth, 0);
}

/* Writing recurses: too deep is RecursionError, and the depth count is
 * restored. */
static void test_deep_nesting_writes(void **state) {
    VM *vm = *state;
    Value v = NONE_VAL;
    ObjList *keep = list_new(vm, 0);
    assert_true(vm_push_root(vm, obj_val(keep)));
    for (int i = 0; i < 100000; i++) {
        ObjList *l = list_from(vm, &v, 1);
        assert_non_null(l);
        v = obj_val(l);
    }
    list_append(vm, keep, v);
    assert_true(pickle_dumps(vm, v) == ERR);
    assert_string_equal(take_error(vm), "RecursionError");
    assert_int_equal(vm->c_depth, 0);
    vm_pop_roots(vm, 1);
}

static void test_every_prefix_is_refused(void **state) {
    VM *vm = *state;
    ObjDict *d = dict_new(vm);
    assert_true(vm_push_root(vm, obj_val(d)));
    dict_set(vm, d, str_from_cstr(vm, "key"), str_from_cstr(vm, "a longer string value"));
    dict_set(vm, d, int_val(1), float_val(2.5));
    Value b = pickle_dumps(vm, obj_val(d));
    assert_true(is_kind(b, OBJ_BYTES));
    ObjBytes *bytes = AS(ObjBytes, b);
    for (int64_t i = 0; i < bytes->len; i++) {
        /* A copy of exactly i bytes, so that ASan sees any read past it. */
        uint8_t *prefix = malloc(i ? (size_t)i : 1);
        memcpy(prefix, bytes->data, (size_t)i);
        assert_true(pickle_loads(vm, prefix, (size_t)i) == ERR);
        /* EOFError where an opcode should start, else truncated data */
        const char *e = take_error(vm);
        assert_true(strcmp(e, "EOFError") == 0 || strcmp(e, "UnpicklingError") == 0);
        free(prefix);
    }
    vm_pop_roots(vm, 1);
}

static void test_bad_data(void **state) {
    VM *vm = *state;
    static const struct { const char *body; size_t n; const char *error; } cases[] = {
        {"N", 1, "EOFError"},                   /* no STOP */
        {".", 1, "UnpicklingError"},            /* STOP on an empty stack */
        {"(.", 2, "UnpicklingError"},           /* STOP on a MARK */
        {"a.", 2, "UnpicklingError"},           /* APPEND with nothing below */
        {"t.", 2, "UnpicklingError"},           /* TUPLE without a MARK */
        {"h\x00.", 3, "UnpicklingError"},       /* BINGET of an empty memo */
        {"0.", 2, "UnpicklingError"},           /* POP of nothing */
        {"X\x7f\x00\x00\x00.", 6, "UnpicklingError"},    /* a length past the end */
        {"X\x02\x00\x00\x00\xc3(.", 8, "UnicodeDecodeError"},   /* invalid UTF-8 */
        {"\x8b\xff\xff\xff\xff.", 6, "UnpicklingError"},      /* LONG4's negative length */
        {"\x95\xff\xff\xff\xff\xff\xff\xff\xff.", 10, "UnpicklingError"},   /* a frame past the end */
        {"\xff.", 2, "UnpicklingError"},        /* an unknown opcode */
        {"\x80\x09.", 3, "ValueError"},         /* an unknown protocol */
        {"NN\x81.", 4, "UnpicklingError"},      /* NEWOBJ of a non-class */
        {"NNR.", 4, "TypeError"},               /* REDUCE without an args tuple */
        {"]Nb.", 4, NULL},                      /* BUILD with None: nothing to do */
        {"]K\x01" "b.", 5, "UnpicklingError"},     /* BUILD with a state that is not a dict */
        {"c/\nx\n.", 6, "ModuleNotFoundError"},       /* GLOBAL: a path as a module name */
        {"ca..b\nx\n.", 9, "ModuleNotFoundError"},    /* GLOBAL: an empty module name part */
        {"cbuiltins\nnosuch\n.", 18, "AttributeError"},
        {"}(Nu.", 5, "UnpicklingError"},        /* SETITEMS with half a pair */
        {"(]\x91.", 4, "TypeError"},            /* an unhashable frozenset item */
        {"p-1\n.", 5, "UnpicklingError"},       /* PUT of nothing */
        {"\x97.", 2, "UnpicklingError"},        /* NEXT_BUFFER without buffers */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Value r = pickle_loads(vm, (const uint8_t *)cases[i].body, cases[i].n);
        if (!cases[i].error) {
            assert_true(is_list(r));
            continue;
        }
        if (r != ERR) fail_msg("case %zu loaded", i);
        const char *got = take_error(vm);
        if (strcmp(got, cases[i].error) != 0) fail_msg("case %zu: %s, expected %s", i, got, cases[i].error);
    }
}

/* Corrupted pickles of a data-only value: an error or a value, never a
 * crash (the sanitizer builds catch reads out of bounds). */
static void test_corruption(void **state) {
    VM *vm = *state;
    ObjList *l = list_new(vm, 0);
    assert_true(vm_push_root(vm, obj_val(l)));
    list_append(vm, l, str_from_cstr(vm, "text"));
    list_append(vm, l, int_from_i64(vm, INT64_MAX));
    list_append(vm, l, obj_val(tuple_from(vm, (Value[]){int_val(1), NONE_VAL, TRUE_VAL}, 3)));
    list_append(vm, l, obj_val(dict_new(vm)));
    list_append(vm, l, obj_val(l));
    Value b = pickle_dumps(vm, obj_val(l));
    assert_true(is_kind(b, OBJ_BYTES));
    assert_true(vm_push_root(vm, b));
    ObjBytes *good = AS(ObjBytes, b);
    uint8_t *d = malloc((size_t)good->len);
    uint32_t seed = 12345;
    for (int trial = 0; trial < 20000; trial++) {
        memcpy(d, good->data, (size_t)good->len);
        for (int k = 0; k < 1 + trial % 4; k++) {
            seed = seed * 1103515245 + 12345;
            size_t at = 2 + (seed >> 8) % (size_t)(good->len - 2);
            seed = seed * 1103515245 + 12345;
            d[at] = (uint8_t)(seed >> 16);
        }
        Value r = pickle_loads(vm, d, (size_t)good->len);
        if (r == ERR) take_error(vm);
        assert_int_equal(vm->c_depth, 0);
        if (trial % 1000 == 0) gc_collect(vm);
    }
    free(d);
    vm_pop_roots(vm, 2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting_reads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deep_nesting_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_prefix_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corruption, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
