/* str: UTF-8, code point indexing, interning, hashing, repr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vm/containers.h"
#include "vm/num.h"
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

static void test_code_points(void **state) {
    VM *vm = *state;
    Value s = str_from_cstr(vm, "h\xc3\xa9llo \xe2\x82\xac\xf0\x9f\x98\x80");   /* héllo €😀 */
    ObjStr *o = AS(ObjStr, s);
    assert_int_equal(o->cplen, 8);
    assert_false(o->ascii);
    Value c = str_getitem(vm, o, int_val(1));
    assert_string_equal(AS(ObjStr, c)->data, "\xc3\xa9");
    c = str_getitem(vm, o, int_val(-1));
    assert_string_equal(AS(ObjStr, c)->data, "\xf0\x9f\x98\x80");
    assert_true(str_getitem(vm, o, int_val(8)) == ERR);
    vm->exc = UNDEF;
}

static void test_interning(void **state) {
    VM *vm = *state;
    ObjStr *a = str_intern_cstr(vm, "identifier");
    ObjStr *b = str_intern(vm, "identifier_x", 10);
    assert_ptr_equal(a, b);
    assert_true(a->interned);
    Value c = str_from_cstr(vm, "identifier");
    assert_true(str_eq(a, AS(ObjStr, c)));
    assert_true(str_hash(a) == str_hash(AS(ObjStr, c)));
}

static void test_utf8_validation(void **state) {
    (void)state;
    size_t bad;
    assert_true(utf8_valid("abc", 3, NULL));
    assert_false(utf8_valid("a\xff", 2, &bad));
    assert_int_equal(bad, 1);
    assert_false(utf8_valid("\xed\xa0\x80", 3, &bad));    /* a surrogate */
    assert_false(utf8_valid("\xc0\xaf", 2, &bad));        /* overlong */
}

static void test_repr(void **state) {
    VM *vm = *state;
    Value r = op_repr(vm, str_from_cstr(vm, "it's \"x\"\n\t\x01"));
    assert_string_equal(AS(ObjStr, r)->data, "'it\\'s \"x\"\\n\\t\\x01'");
    r = op_repr(vm, str_from_cstr(vm, "it's"));
    assert_string_equal(AS(ObjStr, r)->data, "\"it's\"");
}

static void test_concat_repeat(void **state) {
    VM *vm = *state;
    Value a = str_from_cstr(vm, "ab"), b = str_from_cstr(vm, "\xc3\xa9");
    Value c = str_concat(vm, AS(ObjStr, a), AS(ObjStr, b));
    assert_int_equal(AS(ObjStr, c)->cplen, 3);
    Value r = str_repeat(vm, AS(ObjStr, c), 3);
    assert_int_equal(AS(ObjStr, r)->cplen, 9);
    assert_int_equal(AS(ObjStr, r)->len, 12);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_code_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interning, setup, teardown),
        cmocka_unit_test(test_utf8_validation),
        cmocka_unit_test_setup_teardown(test_repr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concat_repeat, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
