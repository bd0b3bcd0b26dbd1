/* pickle's C API (stdlib/pickle.h): round trips, and the reader's
 * robustness against data no writer made: nesting far deeper than the C
 * stack allows for recursion, every prefix of a pickle, corrupted bytes.
 * docs/serialization.md describes the bytes built by hand here. */
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

/* header + body, with the body length filled in (bodies under 128 bytes). */
static size_t with_header(const uint8_t *body, size_t n, uint8_t *out) {
    out[0] = 0xA5;
    out[1] = 1;
    out[2] = (uint8_t)n;
    memcpy(out + 3, body, n);
    return n + 3;
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

/* 'l' (push a list) n times, then 'a' 1 (append the top to the one below)
 * n - 1 times: a list nested n deep, read without recursion. */
static void test_deep_nesting_reads(void **state) {
    VM *vm = *state;
    enum { N = 100000 };
    size_t len = 2 + 3 + N + 2 * (N - 1) + 1;
    uint8_t *d = malloc(len), *p = d;
    assert_non_null(d);
    uint64_t body = len - 5;
    *p++ = 0xA5;
    *p++ = 1;
    for (int i = 0; i < 3; i++, body >>= 7) *p++ = (uint8_t)((body & 0x7F) | (i < 2 ? 0x80 : 0));
    for (int i = 0; i < N; i++) *p++ = 'l';
    for (int i = 0; i < N - 1; i++) {
        *p++ = 'a';
        *p++ = 1;
    }
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
        assert_string_equal(take_error(vm), i == 0 ? "EOFError" : "UnpicklingError");
        free(prefix);
    }
    vm_pop_roots(vm, 1);
}

static void test_bad_data(void **state) {
    VM *vm = *state;
    static const struct { const char *body; size_t n; const char *error; } cases[] = {
        {"N", 1, "UnpicklingError"},            /* no STOP */
        {".", 1, "UnpicklingError"},            /* STOP on an empty stack */
        {"NN.", 3, "UnpicklingError"},          /* two values left */
        {"N.N", 3, "UnpicklingError"},          /* STOP before the end */
        {"a\x01.", 3, "UnpicklingError"},       /* APPENDS with nothing below */
        {"t\x05.", 3, "UnpicklingError"},       /* TUPLE of more than the stack */
        {"g\x00.", 3, "UnpicklingError"},       /* GET of an empty memo */
        {"p\x01.", 3, "UnpicklingError"},       /* POP of nothing */
        {"s\x7f.", 3, "UnpicklingError"},       /* a length past the end */
        {"s\x02\xc3(.", 5, "UnpicklingError"},  /* invalid UTF-8 */
        {"i\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f.", 12, "UnpicklingError"},   /* a varint over 64 bits */
        {"r\x00\x02\x00.", 5, "UnpicklingError"},   /* range step 0 */
        {"L\x02\x00.", 4, "UnpicklingError"},   /* bad sign byte */
        {"\x80.", 2, "UnpicklingError"},        /* an unknown opcode */
        {"NNO.", 4, "UnpicklingError"},         /* NEWOBJ of a non-class */
        {"NNR.", 4, "UnpicklingError"},         /* REDUCE without an args tuple */
        {"Ni\x00U.", 5, "UnpicklingError"},     /* BUILD with a state that is not a dict */
        {"ldi\x00Nu\x01U.", 9, "UnpicklingError"},   /* BUILD with a non-str attribute name */
        {"G\x01/\x01x.", 6, "ModuleNotFoundError"},   /* GLOBAL: a path as a module name */
        {"G\x04" "a..b\x01x.", 9, "ModuleNotFoundError"}, /* GLOBAL: an empty module name part */
        {"G\x08" "builtins\x06nosuch.", 18, "AttributeError"},
        {"dNu\x01.", 5, "UnpicklingError"},     /* SETITEMS with half a pair */
        {"lZ\x01.", 4, "TypeError"},            /* an unhashable frozenset item */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t data[64];
        size_t n = with_header((const uint8_t *)cases[i].body, cases[i].n, data);
        Value r = pickle_loads(vm, data, n);
        if (r != ERR) fail_msg("case %zu loaded", i);
        const char *got = take_error(vm);
        if (strcmp(got, cases[i].error) != 0) fail_msg("case %zu: %s, expected %s", i, got, cases[i].error);
    }
    uint8_t v2[] = {0xA5, 2, 1, '.'};
    assert_true(pickle_loads(vm, v2, sizeof v2) == ERR);
    assert_string_equal(take_error(vm), "UnpicklingError");
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
            size_t at = 3 + (seed >> 8) % (size_t)(good->len - 3);
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
