/* The embedding API (asy.h): independent VMs, errors as values, exit codes,
 * output capture, and a host's write callback. Uses only asy.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "asy.h"

static AsyStatus run(AsyVM *vm, const char *src) { return asy_run_source(vm, src, strlen(src), "<test>"); }

static void test_independent_vms(void **state) {
    (void)state;
    AsyVM *a = asy_new(NULL), *b = asy_new(NULL);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(run(a, "x = 1\n"), ASY_OK);
    assert_int_equal(run(b, "x = 2\n"), ASY_OK);
    asy_capture_begin(a);
    assert_int_equal(run(a, "print(x)\n"), ASY_OK);
    assert_string_equal(asy_capture_end(a, NULL), "1\n");
    asy_capture_begin(b);
    assert_int_equal(run(b, "print(x)\n"), ASY_OK);
    assert_string_equal(asy_capture_end(b, NULL), "2\n");
    asy_free(a);
    asy_free(b);
}

static void test_errors_are_values(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_int_equal(run(vm, "def f():\n    return 1 / 0\nf()\n"), ASY_ERROR);
    const char *text = asy_error_text(vm);
    assert_non_null(text);
    assert_non_null(strstr(text, "Traceback (most recent call last):"));
    assert_non_null(strstr(text, "line 2, in f"));
    assert_non_null(strstr(text, "ZeroDivisionError: division by zero"));
    /* A syntax error is a value too, and nothing of the source ran. */
    asy_capture_begin(vm);
    assert_int_equal(run(vm, "print('ran')\nif True\n"), ASY_ERROR);
    assert_string_equal(asy_capture_end(vm, NULL), "");
    assert_non_null(strstr(asy_error_text(vm), "SyntaxError: expected ':'"));
    /* The VM is still usable. */
    assert_int_equal(run(vm, "y = 3\n"), ASY_OK);
    asy_free(vm);
}

static void test_exit_codes(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_int_equal(run(vm, "import sys\nsys.exit(7)\n"), ASY_EXIT);
    assert_int_equal(asy_exit_code(vm), 7);
    assert_int_equal(run(vm, "raise SystemExit\n"), ASY_EXIT);
    assert_int_equal(asy_exit_code(vm), 0);
    asy_free(vm);
}

static char written[256];
static size_t nwritten;

static void write_cb(AsyVM *vm, int stream, const char *text, size_t len) {
    (void)vm;
    if (stream == 2) return;
    if (nwritten + len < sizeof written) {
        memcpy(written + nwritten, text, len);
        nwritten += len;
        written[nwritten] = 0;
    }
}

static void test_write_callback_and_user_data(void **state) {
    (void)state;
    AsyConfig cfg;
    asy_config_init(&cfg);
    int token = 5;
    cfg.write = write_cb;
    cfg.user_data = &token;
    AsyVM *vm = asy_new(&cfg);
    assert_ptr_equal(asy_user_data(vm), &token);
    nwritten = 0;
    assert_int_equal(run(vm, "print('hi', [1, 2])\n"), ASY_OK);
    assert_string_equal(written, "hi [1, 2]\n");
    asy_free(vm);
}

static void test_argv(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    const char *argv[] = {"prog.asy", "a", "b"};
    assert_int_equal(asy_set_argv(vm, 3, argv), ASY_OK);
    asy_capture_begin(vm);
    assert_int_equal(run(vm, "import sys\nprint(sys.argv)\n"), ASY_OK);
    assert_string_equal(asy_capture_end(vm, NULL), "['prog.asy', 'a', 'b']\n");
    asy_free(vm);
}

/* asy_prompt: str(sys.ps1) and str(sys.ps2), which the first call sets
 * when they are missing, as CPython's interactive mode does. */
static void test_prompt(void **state) {
    (void)state;
    AsyVM *vm = asy_new(NULL);
    assert_non_null(vm);
    assert_string_equal(asy_prompt(vm, 0), ">>> ");
    assert_string_equal(asy_prompt(vm, 1), "... ");
    const char *src = "import sys\nprint(sys.ps1, sys.ps2, sep='|')\n"
                      "class P:\n    def __str__(self): return 'n> '\nsys.ps1 = P()\n";
    asy_capture_begin(vm);
    assert_int_equal(asy_run_source(vm, src, strlen(src), NULL), ASY_OK);
    assert_string_equal(asy_capture_end(vm, NULL), ">>> |... \n");
    assert_string_equal(asy_prompt(vm, 0), "n> ");
    const char *bad = "class B:\n    def __str__(self): raise ValueError\nsys.ps2 = B()\n";
    assert_int_equal(asy_run_source(vm, bad, strlen(bad), NULL), ASY_OK);
    assert_string_equal(asy_prompt(vm, 1), "... ");
    asy_free(vm);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_independent_vms),
        cmocka_unit_test(test_errors_are_values),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_write_callback_and_user_data),
        cmocka_unit_test(test_argv),
        cmocka_unit_test(test_prompt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
