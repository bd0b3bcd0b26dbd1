/* The contextvars C API (stdlib/contextvars.h) as the asyncio scheduler
 * uses it: a task's Context is a copy of its creator's, each step runs
 * between context_enter and context_exit, and what a step sets stays in
 * the task's Context. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stdlib/contextvars.h"
#include "vm/exc.h"
#include "vm/gc.h"

static int setup(void **state) {
    *state = asy_new(NULL);
    return *state ? 0 : -1;
}

static int teardown(void **state) {
    asy_free(*state);
    return 0;
}

static AsyStatus run(VM *vm, const char *src) { return asy_run_source(vm, src, strlen(src), "<test>"); }

/* What `src` prints. */
static const char *output(VM *vm, const char *src) {
    asy_capture_begin(vm);
    assert_int_equal(run(vm, src), ASY_OK);
    return asy_capture_end(vm, NULL);
}

static void test_task_runs_in_a_copy(void **state) {
    VM *vm = *state;
    assert_int_equal(run(vm, "import contextvars\nv = contextvars.ContextVar('v', default='unset')\nv.set('main')\n"), ASY_OK);
    Value task = context_copy_current(vm);
    assert_true(task != ERR);
    assert_true(vm_push_root(vm, task));

    Value prev = context_enter(vm, task);
    assert_true(prev != ERR);
    assert_string_equal(output(vm, "print(v.get())\nv.set('task')\nprint(v.get())\n"), "main\ntask\n");
    context_exit(vm, prev);
    assert_true(vm->context == prev);
    assert_string_equal(output(vm, "print(v.get())\n"), "main\n");

    /* The next step sees what the last one left. */
    prev = context_enter(vm, task);
    assert_string_equal(output(vm, "print(v.get())\n"), "task\n");
    context_exit(vm, prev);
    vm_pop_roots(vm, 1);
}

static void test_before_any_import(void **state) {
    VM *vm = *state;
    /* No Context exists yet: the copy is empty, and the root stays unmade. */
    assert_true(vm->context == UNDEF);
    Value task = context_copy_current(vm);
    assert_true(task != ERR);
    assert_true(vm_push_root(vm, task));
    Value prev = context_enter(vm, task);
    assert_true(prev == UNDEF);
    assert_string_equal(output(vm, "import contextvars\nv = contextvars.ContextVar('v')\nv.set(1)\n"
                                   "print(contextvars.copy_context()[v])\n"),
                        "1\n");
    context_exit(vm, prev);
    assert_true(vm->context == UNDEF);
    assert_string_equal(output(vm, "print(v.get('nothing'))\n"), "nothing\n");
    vm_pop_roots(vm, 1);
}

static void test_enter_errors(void **state) {
    VM *vm = *state;
    Value task = context_copy_current(vm);
    assert_true(vm_push_root(vm, task));
    Value prev = context_enter(vm, task);
    assert_true(prev != ERR);
    /* Entered already: RuntimeError, and nothing changes. */
    assert_true(context_enter(vm, task) == ERR);
    assert_true(exc_is(vm, vm->exc, E_RuntimeError));
    vm->exc = UNDEF;
    assert_true(vm->context == task);
    context_exit(vm, prev);
    assert_true(context_enter(vm, int_val(1)) == ERR);
    assert_true(exc_is(vm, vm->exc, E_TypeError));
    vm->exc = UNDEF;
    vm_pop_roots(vm, 1);
}

/* The entered Context keeps the previous one alive: a scheduler may hold
 * `prev` only in a C variable while a step runs and collects. */
static void test_prev_survives_collection(void **state) {
    VM *vm = *state;
    assert_int_equal(run(vm, "import contextvars\nv = contextvars.ContextVar('v')\nv.set('root')\n"), ASY_OK);
    Value outer = context_copy_current(vm), inner = context_copy_current(vm);
    assert_true(vm_push_root(vm, inner));
    Value prev_root = context_enter(vm, outer);     /* outer is now reachable as the current context */
    assert_string_equal(output(vm, "v.set('outer')\n"), "");
    Value prev_outer = context_enter(vm, inner);
    assert_true(prev_outer == outer);
    gc_collect(vm);
    assert_string_equal(output(vm, "print(v.get())\n"), "root\n");
    context_exit(vm, prev_outer);
    gc_collect(vm);
    assert_string_equal(output(vm, "print(v.get())\n"), "outer\n");
    context_exit(vm, prev_root);
    assert_string_equal(output(vm, "print(v.get())\n"), "root\n");
    vm_pop_roots(vm, 1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_task_runs_in_a_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_before_any_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enter_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prev_survives_collection, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
