/* The embedding API (include/asy.h): creating and freeing VMs, running
 * source, and reporting errors as values. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../parser/compile.h"
#include "builtins.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "gc.h"
#include "gen.h"
#include "finalize.h"
#include "gil.h"
#include "pool.h"
#include "import.h"
#include "interp.h"
#include "memtrace.h"
#include "modspec.h"
#include "num.h"
#include "ops.h"
#include "scheduler.h"
#include "../stdlib/modules.h"
#include "slots.h"
#include "str.h"
#include "weakref.h"

/* stdout is block-buffered when redirected; flushing it before anything
 * goes to stderr keeps the two in program order when they share a file or
 * pipe (as `python3 -u` would), at the cost of a flush per error write. */
static void default_write(AsyVM *vm, int stream, const char *text, size_t len) {
    if (stream == 2) fflush(stdout);
    fwrite(text, 1, len, stream == 2 ? stderr : stdout);
    if (stream == 2 || vm->cfg.unbuffered) fflush(stream == 2 ? stderr : stdout);
}

void asy_config_init(AsyConfig *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->write = default_write;
    cfg->gc_initial = 4u << 20;
    cfg->block_warn_ms = 100;
#ifdef ASY_GC_STRESS
    cfg->gc_stress = 1;
#endif
}

void vm_write(VM *vm, int stream, const char *s, size_t len) {
    if (stream == 1 && vm->capture) {
        if (vm->capture_len + len + 1 > vm->capture_cap) {
            size_t cap = (vm->capture_len + len + 1) * 2;
            char *p = realloc(vm->capture, cap);
            if (!p) return;
            vm->capture = p;
            vm->capture_cap = cap;
        }
        memcpy(vm->capture + vm->capture_len, s, len);
        vm->capture_len += len;
        vm->capture[vm->capture_len] = 0;
        return;
    }
    if (stream == 2 && utf8_has_surrogates(s, len)) {  /* sys.stderr's errors handler: backslashreplace */
        StrBuf b = SB_INIT;
        utf8_add_escaping_surrogates(&b, s, len);
        if (!b.oom) vm->cfg.write(vm, stream, b.data, b.len);
        sb_free(&b);
        return;
    }
    vm->cfg.write(vm, stream, s, len);
}

/* Whether this warning was shown before: Python's default filter shows
 * each (text, place) once. */
bool vm_warned_before(VM *vm, const char *text) {
    for (int i = 0; i < vm->nwarned; i++) {
        if (strcmp(vm->warned[i], text) == 0) return true;
    }
    if (vm->nwarned < WARNED_MAX) {
        char *copy = strdup(text);
        if (copy) vm->warned[vm->nwarned++] = copy;
    }
    return false;
}

void vm_queue_warning(VM *vm, const char *message, const char *origin, const char *file, int line) {
    PendingWarning *w = calloc(1, sizeof *w);
    if (!w) return;
    w->message = strdup(message);
    w->origin = strdup(origin);
    w->file = file ? strdup(file) : NULL;
    w->line = line;
    w->next = vm->pending_warnings;
    vm->pending_warnings = w;
}

/* The source line under a warning, as Python's warnings module shows it. */
void vm_write_source_line(VM *vm, const char *file, int line) {
    FILE *f = file ? fopen(file, "r") : NULL;
    if (!f) return;
    char buf[1024];
    int n = 0;
    while (fgets(buf, sizeof buf, f)) {
        if (++n < line) continue;
        char *p = buf;
        while (*p == ' ' || *p == '\t') p++;
        size_t len = strcspn(p, "\r\n");
        if (len) {
            vm_write(vm, 2, "  ", 2);
            vm_write(vm, 2, p, len);
            vm_write(vm, 2, "\n", 1);
        }
        break;
    }
    fclose(f);
}

/* A queued warning as the warnings module's default filter writes it, each
 * text once; at exit without the tracemalloc hint, as CPython's shutdown. */
static void write_warning(VM *vm, const PendingWarning *w) {
    char text[1200];
    if (w->file) snprintf(text, sizeof text, "%s:%d: RuntimeWarning: %s", w->file, w->line, w->message);
    else snprintf(text, sizeof text, "RuntimeWarning: %s", w->message);
    if (vm_warned_before(vm, text)) return;
    vm_write(vm, 2, text, strlen(text));
    vm_write(vm, 2, "\n", 1);
    vm_write_source_line(vm, w->file, w->line);
    static const char hint[] = "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n";
    if (!vm->exiting) vm_write(vm, 2, hint, sizeof hint - 1);
}

void vm_flush_warnings(VM *vm) {
    if (vm->flushing_warnings) return;
    vm->flushing_warnings = true;
    while (vm->pending_warnings) {
        /* The sweep meets objects newest first and each warning is pushed
         * on the front, so the list is oldest first: the order of creation. */
        PendingWarning *list = vm->pending_warnings, *w;
        vm->pending_warnings = NULL;
        for (w = list; w; w = list) {
            list = w->next;
            if (w->message && w->origin && !exc_warn_swept(vm, w->message, w->origin, w->file, w->line))
                write_warning(vm, w);
            free(w->message);
            free(w->origin);
            free(w->file);
            free(w);
        }
    }
    vm->flushing_warnings = false;
}

static bool intern_names(VM *vm) {
    static const char *const names[N_COUNT] = {
#define X(n) #n,
        COMMON_NAMES(X)
#undef X
    };
    for (int i = 0; i < N_COUNT; i++) {
        if (!(vm->names[i] = str_intern_cstr(vm, names[i]))) return false;
    }
    for (int i = 0; i < 128; i++) {
        char c = (char)i;
        if (!(vm->char_strs[i] = str_intern(vm, &c, 1))) return false;
    }
    return (vm->empty_str = str_intern(vm, "", 0)) != NULL;
}

static bool init_methods(VM *vm) {
    str_init_methods(vm);
    int_init_methods(vm);
    flt_init_methods(vm);
    cpx_init(vm);
    list_init_methods(vm);
    tuple_init_methods(vm);
    dict_init_methods(vm);
    set_init_methods(vm);
    range_init_methods(vm);
    class_init_methods(vm);
    slot_init(vm);
    gen_init(vm);
    return vm->exc == UNDEF;
}

static bool vm_init(VM *vm) {
    if (!builtins_bootstrap_types(vm) || !intern_names(vm)) return false;
    exc_init_types(vm);
    if (!vm->exc_types[E_COUNT - 1] || !init_methods(vm) || !builtins_init(vm) || !interp_init(vm)) return false;
    class_cache_ctors(vm);
    if (!class_register_builtins(vm)) return false;
    vm->modules = dict_new(vm);
    ObjList *argv = list_new(vm, 1);
    if (!vm->modules || !argv) return false;
    Value empty = obj_val(vm->empty_str);
    if (list_append(vm, argv, empty) < 0) return false;
    vm->sys_argv = obj_val(argv);
    vm->main_module = module_new(vm, "__main__");
    /* CPython's __main__ always has (empty) annotations, and its
     * __builtins__ is the builtins module (other modules get its dict). */
    ObjDict *ann = vm->main_module ? dict_new(vm) : NULL;
    ObjStr *key = ann ? str_intern_cstr(vm, "__annotations__") : NULL;
    Value bm = key ? import_module(vm, "builtins") : ERR;
    /* in CPython's order: __annotations__ before __builtins__ (list(globals())) */
    return bm != ERR && dict_del(vm, vm->main_module->dict, obj_val(vm_name(vm, N___builtins__))) >= 0 &&
           dict_set_str(vm, vm->main_module->dict, key, obj_val(ann)) == 0 &&
           dict_set_str(vm, vm->main_module->dict, vm_name(vm, N___builtins__), bm) == 0;
}

AsyVM *asy_new(const AsyConfig *cfg) {
    VM *vm = calloc(1, sizeof(VM));
    if (vm) vm->mark_value = 1, vm->gc_counted = -1;
    if (!vm) return NULL;
    if (cfg) vm->cfg = *cfg;
    else asy_config_init(&vm->cfg);
    if (!vm->cfg.write) vm->cfg.write = default_write;
    if (!vm->cfg.gc_initial) vm->cfg.gc_initial = 4u << 20;
    if (vm->cfg.optimize < 0 || vm->cfg.optimize > 2) vm->cfg.optimize = vm->cfg.optimize < 0 ? 0 : 2;
    vm->compile_optimize = (int8_t)vm->cfg.optimize;
    vm->next_gc = vm->cfg.gc_initial;
    gc_update_watch(vm);
    vm->exc = UNDEF;
    vm->memory_error = UNDEF;
    vm->context = UNDEF;
    vm->sys_argv = UNDEF;
    vm->signal_handlers = UNDEF;
    vm->recursion_limit = vm->call_limit = 1000;
    vm->prof_func = vm->trace_func = UNDEF;
    vm->int_max_str_digits = vm->cfg.int_max_str_digits == 0 ? 4300 : vm->cfg.int_max_str_digits < 0 ? 0 : vm->cfg.int_max_str_digits;
    vm->fin_budget = (size_t)256 << 20;   /* heap bytes forced collections may mark (finalize.h) */
    vm->fiber = gil_init(vm) ? fiber_new(vm) : NULL;
    /* No collection during setup: nothing is reachable from the roots yet. */
    int stress = vm->cfg.gc_stress;
    vm->cfg.gc_stress = 0;
    bool ok = vm->fiber && vm_init(vm);
    vm->cfg.gc_stress = stress;
    gc_update_watch(vm);
    vm->gc_request = false;
    if (!ok) { asy_free(vm); return NULL; }
    return vm;
}

/* Calls module.fn() if that module was imported: Python's end-of-program
 * hooks. What escapes is reported, not raised. */
static void call_exit_hook(VM *vm, const char *module, const char *fn) {
    if (!vm->modules || !vm->ts) return;
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, module));
    if (!is_kind(m, OBJ_MODULE)) return;
    Value f = dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, fn));
    if (f == UNDEF || op_call(vm, f, NULL, 0, NULL) != ERR) return;
    char prefix[200];
    snprintf(prefix, sizeof prefix, "Exception ignored in: %s.%s", module, fn);
    exc_report_unraisable(vm, prefix, UNDEF);
}

/* The atexit functions (stdlib/atexit.asy keeps them as (func, args,
 * kwargs) in _exithandlers), last registered first. Called from here, so
 * that a traceback shows only the function's own frames, as CPython's. */
static void run_atexit(VM *vm) {
    if (!vm->modules || !vm->ts) return;
    Value m = dict_get_str(vm->modules, str_intern_cstr(vm, "atexit"));
    Value l = is_kind(m, OBJ_MODULE) ? dict_get_str(AS(ObjModule, m)->dict, str_intern_cstr(vm, "_exithandlers")) : UNDEF;
    while (is_list(l) && AS(ObjList, l)->len > 0) {
        ObjList *handlers = AS(ObjList, l);
        Value h = handlers->items[--handlers->len];
        if (!is_tuple(h) || AS(ObjTuple, h)->len != 3) continue;
        if (!vm_push_root(vm, h)) {
            vm->exc = UNDEF;
            continue;
        }
        ObjTuple *t = AS(ObjTuple, h);
        Value args = t->items[1], kwargs = t->items[2];
        Value r = op_call_tuple(vm, t->items[0], is_tuple(args) ? AS(ObjTuple, args) : NULL,
                                is_dict(kwargs) ? AS(ObjDict, kwargs) : NULL);
        if (r == ERR && !exc_is(vm, vm->exc, E_SystemExit))
            exc_report_unraisable(vm, "Exception ignored in atexit callback: ", t->items[0]);
        vm->exc = UNDEF;
        vm_pop_roots(vm, 1);
    }
}

/* Python's end of a program: threading._shutdown() waits for the threads
 * that are not daemons (and runs what threading._register_atexit asked),
 * then the atexit functions run. */
static void join_threads(VM *vm) {
    call_exit_hook(vm, "threading", "_shutdown");
    run_atexit(vm);
}

void asy_free(AsyVM *vm) {
    if (!vm) return;
    join_threads(vm);
    pool_shutdown_all(vm);
    if (gil_abandon(vm)) return;
    sched_report_pending(vm);
    /* What the program dropped before its end goes first, warned about as
     * during the run; what is still alive is then freed as at CPython's
     * shutdown. */
    if (vm->modules && vm->fiber) gc_collect(vm);
    vm->exiting = true;
    if (vm->modules) finalize_all(vm);
    if (vm->signal_detach) vm->signal_detach(vm);  /* before the loop its C handler wakes goes */
    pool_free(vm);
    sched_free(vm);
    while (vm->fibers) fiber_free(vm, vm->fibers);
    memtrace_stop(vm);
    gc_free_all(vm);
    vm_flush_warnings(vm);
    free(vm->strings.slots);
    free(vm->repr_active);
    free(vm->trace_recs);
    free(vm->trace_codes);
    free(vm->fork_fds);
    finalize_free(vm);
    weakref_free(vm);
    free(vm->capture);
    free(vm->captured);
    free(vm->prompt);
    free(vm->error_text);
    for (int i = 0; i < vm->nwarned; i++) free(vm->warned[i]);
    gil_free(vm);
    free(vm);
}

void asy_interrupt(AsyVM *vm) {
    vm_signal_set(vm, SIG_INTERRUPT);
    sched_wake(vm);
}

int asy_take_interrupt(AsyVM *vm) {
    bool pending = vm_signals(vm) & SIG_INTERRUPT;
    vm_signal_clear(vm, SIG_INTERRUPT);
    return pending;
}

void *asy_user_data(AsyVM *vm) { return vm->cfg.user_data; }

AsyStatus asy_set_argv(AsyVM *vm, int argc, const char *const *argv) {
    ObjList *l = list_new(vm, argc);
    if (!l) return ASY_ERROR;
    for (int i = 0; i < argc; i++) {
        Value s = str_decode_utf8(vm, argv[i], strlen(argv[i]), "replace");
        if (s == ERR || list_append(vm, l, s) < 0) return ASY_ERROR;
    }
    if (argc == 0 && list_append(vm, l, obj_val(vm->empty_str)) < 0) return ASY_ERROR;
    vm->sys_argv = obj_val(l);
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    if (is_kind(sys, OBJ_MODULE)) dict_set_str(vm, AS(ObjModule, sys)->dict, str_intern_cstr(vm, "argv"), vm->sys_argv);
    return ASY_OK;
}

static AsyStatus finish(VM *vm, Value r);

AsyStatus asy_set_warnoptions(AsyVM *vm, int n, const char *const *options) {
    Value sys = import_module(vm, "sys");
    if (sys == ERR) return finish(vm, ERR);
    Value list = dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "warnoptions"));
    if (!is_list(list)) return finish(vm, exc_raise(vm, E_RuntimeError, "sys.warnoptions is not a list"));
    for (int i = 0; i < n; i++) {
        Value s = str_decode_utf8(vm, options[i], strlen(options[i]), "replace");
        if (s == ERR || list_append(vm, AS(ObjList, list), s) < 0) return finish(vm, ERR);
    }
    /* The warnings module turns them into filters when it loads: now, so
     * that a bad option is reported before the program runs. */
    return n ? finish(vm, import_standard(vm, "warnings")) : ASY_OK;
}

AsyStatus asy_set_xoptions(AsyVM *vm, int n, const char *const *options) {
    Value sys = import_module(vm, "sys");
    if (sys == ERR) return finish(vm, ERR);
    Value d = op_getattr(vm, sys, str_intern_cstr(vm, "_xoptions"));     /* (loaded on first use) */
    if (d == ERR) return finish(vm, ERR);
    if (!is_dict(d)) return finish(vm, exc_raise(vm, E_RuntimeError, "sys._xoptions is not a dict"));
    for (int i = 0; i < n; i++) {
        const char *eq = strchr(options[i], '=');
        size_t klen = eq ? (size_t)(eq - options[i]) : strlen(options[i]);
        Value k = str_decode_utf8(vm, options[i], klen, "replace");
        if (k == ERR || !vm_push_root(vm, k)) return finish(vm, ERR);
        Value v = eq ? str_decode_utf8(vm, eq + 1, strlen(eq + 1), "replace") : TRUE_VAL;
        int r = v == ERR ? -1 : dict_set(vm, AS(ObjDict, d), k, v);
        vm_pop_roots(vm, 1);
        if (r < 0) return finish(vm, ERR);
    }
    return ASY_OK;
}

/* Turns the pending exception into the run's status and error text. */
/* A sys.excepthook the script installed shows an uncaught exception instead
 * of the traceback (`text`, kept for asy_error_text). If the hook fails,
 * both tracebacks are printed, as CPython does. */
static void call_excepthook(VM *vm, Value e, StrBuf *text) {
    vm->error_shown = false;
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    if (!is_kind(sys, OBJ_MODULE)) return;
    ObjDict *d = AS(ObjModule, sys)->dict;
    Value hook = dict_get_str(d, str_intern_cstr(vm, "excepthook"));
    if (hook == UNDEF || hook == dict_get_str(d, str_intern_cstr(vm, "__excepthook__"))) return;
    Value tb = exc_traceback(vm, e, AS(ObjException, e)->ntb - 1);
    Value argv[3] = {obj_val(type_of(vm, e)), e, tb == ERR ? NONE_VAL : tb};
    vm->exc = UNDEF;
    if (!vm_push_root(vm, argv[2])) return;
    Value r = op_call(vm, hook, argv, 3, NULL);
    vm_pop_roots(vm, 1);
    if (r != ERR) { vm->error_shown = true; return; }
    Value hook_error = vm->exc;
    vm->exc = UNDEF;
    StrBuf b = SB_INIT;
    sb_adds(&b, "Error in sys.excepthook:\n");
    exc_format(vm, hook_error, &b);
    sb_adds(&b, "\nOriginal exception was:\n");
    sb_add(&b, text->data ? text->data : "", text->len);
    sb_free(text);
    *text = b;
}

static AsyStatus finish(VM *vm, Value r) {
    free(vm->error_text);
    vm->error_text = NULL;
    if (r != ERR) return ASY_OK;
    Value e = vm->exc;
    vm->exc = UNDEF;
    vm->fiber->handled = vm->fiber->handled_outer = UNDEF;
    /* Under -i (or PYTHONINSPECT) a program's SystemExit does not end the
     * process: it is reported as any uncaught exception, and the session
     * that follows can still exit. */
    if (exc_is(vm, e, E_SystemExit) && !(vm->cfg.inspect && !vm->running_interactive)) {
        ObjTuple *a = AS(ObjException, e)->args;
        /* SystemExit.code: the one argument, or the tuple of several. */
        Value code = a->len == 0 ? NONE_VAL : a->len == 1 ? a->items[0] : obj_val(a);
        if (code == NONE_VAL) vm->exit_code = 0;
        else if (is_bool(code)) vm->exit_code = code == TRUE_VAL;   /* sys.exit(not ok) */
        else if (is_intlike(code)) {
            /* as CPython's C long: truncated to the int the OS takes, and
             * past 64 bits an OverflowError reported and status -1 */
            int64_t n;
            if (int_to_i64(code, &n)) {
                vm->exit_code = (int)n;
            } else {
                static const char msg[] = "OverflowError: Python int too large to convert to C long\n";
                vm_write(vm, 2, msg, sizeof msg - 1);
                vm->exit_code = -1;
            }
        } else {
            /* sys.exit("message") prints the message and exits with 1. */
            StrBuf b = SB_INIT;
            if (op_str_to(vm, code, &b)) {
                sb_addc(&b, '\n');
                if (!exc_write_sys_stderr(vm, b.data, b.len)) vm_write(vm, 2, b.data, b.len);
            } else {
                vm->exc = UNDEF;
            }
            sb_free(&b);
            vm->exit_code = 1;
        }
        return ASY_EXIT;
    }
    vm->exit_code = exc_is(vm, e, E_KeyboardInterrupt) ? 130 : 1;
    StrBuf b = SB_INIT;
    bool rooted = vm_push_root(vm, e);     /* formatting may run code: str(), dir() */
    if (vm->main_compile_frames && is_kind(e, OBJ_EXC) && !AS(ObjException, e)->ntb)
        sb_addf(&b, "Traceback (most recent call last):\n%s", vm->main_compile_frames);
    vm->main_compile_frames = NULL;
    if (vm->main_runpy) exc_format_runpy(vm, e, &b);
    else exc_format(vm, e, &b);
    call_excepthook(vm, e, &b);
    /* the report goes to a sys.stderr the program put in place, if any */
    if (!vm->error_shown && b.data && exc_write_sys_stderr(vm, b.data, b.len)) vm->error_shown = true;
    if (rooted) vm_pop_roots(vm, 1);
    vm->error_text = sb_take(&b);
    vm->exc = UNDEF;
    return ASY_ERROR;
}

static Value set_main_file(VM *vm, const char *filename) {
    ObjDict *g = vm->main_module->dict;
    Value f = str_decode_utf8(vm, filename, strlen(filename), "replace");
    ObjStr *cached = f == ERR ? NULL : str_intern_cstr(vm, "__cached__");     /* no bytecode files: None */
    if (!cached || dict_set_str(vm, g, vm_name(vm, N___file__), f) < 0) return ERR;
    return dict_set_str(vm, g, cached, NONE_VAL) < 0 ? ERR : NONE_VAL;
}

/* One PYTHONPATH entry as CPython puts it on sys.path: absolute (from the
 * working directory), without "." and ".." parts, doubled or trailing
 * slashes. */
static Value module_path_entry(VM *vm, const char *entry, size_t n) {
    char cwd[4096] = "";
    if ((!n || entry[0] != '/') && !getcwd(cwd, sizeof cwd)) cwd[0] = 0;
    size_t clen = strlen(cwd), cap = clen + n + 2, len = 0;
    char *raw = malloc(cap), *out = malloc(cap);
    if (!raw || !out) { free(raw); free(out); return exc_nomem(vm), ERR; }
    snprintf(raw, cap, "%s/%.*s", cwd, (int)n, entry);
    for (char *p = raw; *p;) {
        char *end = strchr(p, '/');
        size_t seg = end ? (size_t)(end - p) : strlen(p);
        if (seg == 2 && p[0] == '.' && p[1] == '.') {
            while (len && out[--len] != '/') {}
        } else if (seg && !(seg == 1 && p[0] == '.')) {
            out[len++] = '/';
            memcpy(out + len, p, seg);
            len += seg;
        }
        p += seg + (end != NULL);
    }
    if (!len) out[len++] = '/';
    Value v = str_decode_utf8(vm, out, len, "surrogateescape");
    free(raw);
    free(out);
    return v;
}

static bool path_has(ObjList *path, ObjStr *dir) {
    for (int64_t i = 0; i < path->len; i++)
        if (is_str(path->items[i]) && AS(ObjStr, path->items[i])->len == dir->len &&
            !memcmp(AS(ObjStr, path->items[i])->data, dir->data, (size_t)dir->len))
            return true;
    return false;
}

/* sys.path[0]: the script's directory with symlinks resolved, as CPython
 * computes it ("" for -c and the REPL), or dir_given (-m's working
 * directory), unless -P; then the directories of PYTHONPATH
 * (cfg.module_path). */
static void set_path0_to(VM *vm, const char *filename, const char *dir_given) {
    Value sys = import_module(vm, "sys");
    if (sys == ERR) { vm->exc = UNDEF; return; }
    Value path = dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "path"));
    if (!is_list(path) || AS(ObjList, path)->len) return;
    if (!vm->cfg.safe_path) {
        char *real = filename ? realpath(filename, NULL) : NULL;
        const char *name = real ? real : filename;
        const char *slash = name ? strrchr(name, '/') : NULL;
        Value dir = dir_given ? str_from_cstr(vm, dir_given)
                    : slash   ? str_new(vm, name, slash == name ? 1 : (size_t)(slash - name))
                              : obj_val(vm->empty_str);
        free(real);
        if (dir == ERR || list_append(vm, AS(ObjList, path), dir) < 0) { vm->exc = UNDEF; return; }
    }
    const char *p = vm->cfg.module_path;
    if (!p || !*p) return;
    for (;;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        Value dir = module_path_entry(vm, p, n);
        if (dir == ERR) { vm->exc = UNDEF; return; }
        /* a directory named twice is there once, as site.py leaves it */
        if (!path_has(AS(ObjList, path), AS(ObjStr, dir)) && list_append(vm, AS(ObjList, path), dir) < 0) {
            vm->exc = UNDEF;
            return;
        }
        if (!end) break;
        p = end + 1;
    }
}

static void set_path0(VM *vm, const char *filename) { set_path0_to(vm, filename, NULL); }

static AsyStatus run_path(VM *vm, const char *path);

static AsyStatus run(VM *vm, const char *source, size_t len, const char *filename, bool interactive) {
    vm->exc = UNDEF;
    set_path0(vm, interactive || filename[0] == '<' ? NULL : filename);
    /* CPython reads a file (or stdin) as bytes, but is given -c's code as a str. */
    bool bytes = !interactive && strcmp(filename, "<string>") != 0;
    vm->compile_file_input = bytes;
    ObjCode *code = compile_source(vm, source, len, filename, interactive, bytes);
    vm->compile_file_input = false;
    if (!code) return finish(vm, ERR);
    vm->main_compile_frames = NULL;
    /* CPython's -c code has no __file__; stdin's is "<stdin>". */
    if (!interactive && strcmp(filename, "<string>") != 0 && set_main_file(vm, filename) == ERR) return finish(vm, ERR);
    /* a script's loader is a SourceFileLoader, -c's and stdin's the
     * BuiltinImporter; -m has given its module's spec already */
    bool script = !interactive && filename[0] != '<';
    if (dict_get_str(vm->main_module->dict, vm_name(vm, N___spec__)) == NONE_VAL &&
        !modspec_main_loader(vm, vm->main_module, script ? filename : NULL))
        return finish(vm, ERR);
    bool was = vm->running_interactive;
    vm->running_interactive = interactive;
    Value r = interp_run_module(vm, code, vm->main_module->dict);
    AsyStatus st = finish(vm, r);
    vm->running_interactive = was;
    return st;
}

AsyStatus asy_run_source(AsyVM *vm, const char *source, size_t len, const char *filename) {
    return run(vm, source, len, filename ? filename : "<string>", false);
}

AsyStatus asy_run_interactive(AsyVM *vm, const char *source, size_t len) {
    vm->main_runpy = RUNPY_NONE;
    return run(vm, source, len, "<stdin>", true);
}

/* The main script's name as CPython gives it (its __file__, tracebacks, the
 * "can't open" message): a relative path joined to the working directory,
 * without normalising "./" or "../". */
static char *absolute_path(const char *path) {
    char cwd[4096];
    StrBuf b = SB_INIT;
    if (path[0] != '/' && getcwd(cwd, sizeof cwd)) sb_addf(&b, "%s/", cwd);
    sb_addf(&b, "%s", path);
    return sb_take(&b);
}

/* The frames of runpy and importlib above a SyntaxError in the main
 * module's source, as CPython 3.12 shows them: for `-m mod`, `-m pkg`
 * (its __main__), a directory's and a ZIP archive's __main__.py. */
#define RUNPY_FROZEN(line, fn) "  File \"<frozen runpy>\", line " #line ", in " #fn "\n"
#define IMPORTLIB_FROZEN(mod, line, fn) "  File \"<frozen " mod ">\", line " #line ", in " #fn "\n"
#define SOURCE_TO_CODE                                                                     \
    RUNPY_FROZEN(159, _get_module_details) IMPORTLIB_FROZEN("importlib._bootstrap_external", 1128, get_code) \
    IMPORTLIB_FROZEN("importlib._bootstrap_external", 1058, source_to_code)               \
    IMPORTLIB_FROZEN("importlib._bootstrap", 488, _call_with_frames_removed)
static const char runpy_compile_module[] = RUNPY_FROZEN(189, _run_module_as_main) SOURCE_TO_CODE;
static const char runpy_compile_package[] =
    RUNPY_FROZEN(189, _run_module_as_main) RUNPY_FROZEN(148, _get_module_details) SOURCE_TO_CODE;
static const char runpy_compile_directory[] =
    RUNPY_FROZEN(191, _run_module_as_main) RUNPY_FROZEN(240, _get_main_module_details) SOURCE_TO_CODE;
static const char runpy_compile_zip[] =
    RUNPY_FROZEN(191, _run_module_as_main) RUNPY_FROZEN(240, _get_main_module_details)
    RUNPY_FROZEN(131, _get_module_details) IMPORTLIB_FROZEN("importlib.util", 100, find_spec)
    IMPORTLIB_FROZEN("importlib._bootstrap", 1262, _find_spec)
    IMPORTLIB_FROZEN("importlib._bootstrap_external", 1524, find_spec)
    IMPORTLIB_FROZEN("importlib._bootstrap_external", 1498, _get_spec) IMPORTLIB_FROZEN("zipimport", 111, find_spec)
    IMPORTLIB_FROZEN("importlib._bootstrap", 675, spec_from_loader)
    IMPORTLIB_FROZEN("importlib._bootstrap_external", 821, spec_from_file_location)
    IMPORTLIB_FROZEN("zipimport", 170, get_filename) IMPORTLIB_FROZEN("zipimport", 708, _get_module_code)
    IMPORTLIB_FROZEN("zipimport", 637, _compile_source);

/* A directory given as the script runs its __main__.asy or __main__.py,
 * with the directory as sys.path[0], as CPython runs a directory. */
static AsyStatus run_directory(VM *vm, const char *dir) {
    static const char *const mains[] = {"__main__.asy", "__main__.py"};
    vm->main_runpy = RUNPY_RUN;
    StrBuf b = SB_INIT;
    for (int i = 0; i < 2; i++) {
        b.len = 0;
        sb_addf(&b, "%s/%s", dir, mains[i]);
        struct stat st;
        if (!b.oom && stat(b.data, &st) == 0 && S_ISREG(st.st_mode)) {
            vm->main_compile_frames = runpy_compile_directory;
            AsyStatus r = run_path(vm, b.data);
            sb_free(&b);
            return r;
        }
    }
    sb_free(&b);
    free(vm->error_text);
    sb_addf(&b, "can't find '__main__' module in '%s'\n", dir);
    vm->error_text = sb_take(&b);
    return ASY_ERROR;
}

/* Whether a file ends as a ZIP archive does (its end-of-central-directory
 * record in the last 64K), as an archive given as the script is found:
 * a leading "#!" line and all. */
static bool is_zip_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    static unsigned char buf[65536 + 22];
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    long from = size > (long)sizeof buf ? size - (long)sizeof buf : 0;
    size_t n = size >= 22 && fseek(f, from, SEEK_SET) == 0 ? fread(buf, 1, sizeof buf, f) : 0;
    fclose(f);
    for (size_t i = n >= 22 ? n - 22 + 1 : 0; i-- > 0;)
        if (buf[i] == 'P' && buf[i + 1] == 'K' && buf[i + 2] == 5 && buf[i + 3] == 6) return true;
    return false;
}

/* A ZIP archive given as the script runs its __main__.py, with the archive
 * as sys.path[0], as CPython runs one (zipapp's .pyz files). */
static AsyStatus run_zip(VM *vm, const char *archive) {
    Value zi = import_module(vm, "zipimport");
    Value fn = zi == ERR ? ERR : op_getattr(vm, zi, str_intern_cstr(vm, "_main_source"));
    Value name = fn == ERR ? ERR : str_decode_utf8(vm, archive, strlen(archive), "surrogateescape");
    Value src = name == ERR ? ERR : op_call1(vm, fn, name);
    if (src == ERR) return finish(vm, ERR);
    StrBuf b = SB_INIT;
    if (!is_kind(src, OBJ_BYTES)) {
        free(vm->error_text);
        sb_addf(&b, "can't find '__main__' module in '%s'\n", archive);
        vm->error_text = sb_take(&b);
        return ASY_ERROR;
    }
    if (!vm_push_root(vm, src)) return finish(vm, ERR);
    sb_addf(&b, "%s/__main__.py", archive);
    vm->main_runpy = RUNPY_RUN;
    vm->main_compile_frames = runpy_compile_zip;
    AsyStatus r = b.oom ? (exc_nomem(vm), finish(vm, ERR))
                        : run(vm, (const char *)AS(ObjBytes, src)->data, (size_t)AS(ObjBytes, src)->len, b.data, false);
    vm_pop_roots(vm, 1);
    sb_free(&b);
    return r;
}

AsyStatus asy_run_file(AsyVM *vm, const char *given) {
    char *path = absolute_path(given);
    if (!path) { exc_nomem(vm); return finish(vm, ERR); }
    struct stat st;
    bool found = stat(path, &st) == 0;
    AsyStatus r = found && S_ISDIR(st.st_mode)                    ? run_directory(vm, path)
                : found && S_ISREG(st.st_mode) && is_zip_file(path) ? run_zip(vm, path)
                                                                  : run_path(vm, path);
    free(path);
    return r;
}

static AsyStatus run_path(VM *vm, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        free(vm->error_text);
        StrBuf b = SB_INIT;
        sb_addf(&b, "can't open file '%s': [Errno %d] %s\n", path, errno, strerror(errno));
        vm->error_text = sb_take(&b);
        return ASY_ERROR;
    }
    StrBuf b = SB_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, n);
    fclose(f);
    if (b.oom) { sb_free(&b); exc_nomem(vm); return finish(vm, ERR); }
    AsyStatus st = run(vm, b.data ? b.data : "", b.len, path, false);
    sb_free(&b);
    return st;
}

/* The file of module `name` in directory `dir`: name.asy, the package's
 * __main__.asy, or the same as .py (the order imports use); with want_init,
 * the package's __init__ instead. */
static bool module_file(const char *dir, const char *name, bool want_init, char *out, size_t size) {
    char rel[1024];
    snprintf(rel, sizeof rel, "%s", name);
    for (char *p = rel; *p; p++) {
        if (*p == '.') *p = '/';
    }
    const char *forms[] = {"%s%s%s.asy", "%s%s%s/__main__.asy", "%s%s%s.py", "%s%s%s/__main__.py",
                           "%s%s%s/__init__.asy", "%s%s%s/__init__.py"};
    for (int i = 0; i < (want_init ? 6 : 4); i++) {
        if (want_init && i < 4) continue;
        snprintf(out, size, forms[i], dir, *dir ? "/" : "", rel);
        FILE *f = fopen(out, "rb");
        if (f) { fclose(f); return true; }
    }
    return false;
}

/* Ends asy_run_module with a message of the `asy: ...` kind, as CPython's
 * "python: No module named x": no traceback, status 1. */
static AsyStatus module_error(VM *vm, const char *fmt, const char *name) {
    vm->exc = UNDEF;
    free(vm->error_text);
    StrBuf b = SB_INIT;
    sb_addf(&b, fmt, name, name);
    vm->error_text = sb_take(&b);
    return ASY_ERROR;
}

/* Sets sys.argv[0] to the file that runs, as `python -m` does. */
static void set_argv0(VM *vm, const char *file) {
    Value f = str_decode_utf8(vm, file, strlen(file), "replace");
    if (f != ERR && is_list(vm->sys_argv) && AS(ObjList, vm->sys_argv)->len) AS(ObjList, vm->sys_argv)->items[0] = f;
}

/* -m's __main__ has the __package__ runpy gives it: the package the module
 * is in ('' at the top level), so its relative imports work. */
static bool set_main_package(VM *vm, const char *spec_name) {
    const char *dot = strrchr(spec_name, '.');
    Value pkg = str_new(vm, spec_name, dot ? (size_t)(dot - spec_name) : 0);
    return pkg != ERR && dict_set_str(vm, vm->main_module->dict, vm_name(vm, N___package__), pkg) == 0;
}

/* -m pkg.mod imports the packages above the module before it looks for
 * it, as runpy does (their __init__ runs, with sys.argv[0] '-m'). */
static bool import_parents(VM *vm, const char *name) {
    const char *dot = strrchr(name, '.');
    if (!dot) return true;
    char parent[1024];
    snprintf(parent, sizeof parent, "%.*s", (int)(dot - name), name);
    set_argv0(vm, "-m");
    return import_module(vm, parent) != ERR;
}

/* `-m name` for a standard-library module written in Asy: its source runs as
 * __main__ (a package's name.__main__). */
static AsyStatus run_embedded_module(VM *vm, const char *name, const char *source, size_t len, bool package) {
    char main[1024], file[1100];
    snprintf(main, sizeof main, "%s%s", name, package ? ".__main__" : "");
    if (package && !(source = import_embedded_source(main, &len, &package)))
        return module_error(vm, "No module named %s.__main__; '%s' is a package and cannot be directly executed\n", name);
    /* sys.argv[0] is the file's name as CPython's would end (calendar.py),
     * which argparse's usage text shows; tracebacks name the source as
     * imports do. */
    const char *leaf = strrchr(main, '.');
    snprintf(file, sizeof file, "%s.py", leaf ? leaf + 1 : main);
    set_argv0(vm, file);
    snprintf(file, sizeof file, "<stdlib %s.asy>", main);
    if (!modspec_main_spec(vm, vm->main_module, main, NULL) || !set_main_package(vm, main)) return finish(vm, ERR);
    return run(vm, source, len, file, false);
}

AsyStatus asy_run_module(AsyVM *vm, const char *name) {
    /* -m puts the working directory first on sys.path by its full name, as
     * CPython does, so the module's file (sys.argv[0]) is an absolute path */
    char cwd[4096];
    set_path0_to(vm, NULL, getcwd(cwd, sizeof cwd) ? cwd : NULL);
    vm->main_runpy = RUNPY_RUN;
    size_t len;
    bool package;
    /* the standard module, unless a file of the program's takes its name
     * on sys.path (the working directory first) as CPython's path order
     * gives it; those CPython builds in or imports at startup always win */
    bool own = import_program_shadows(vm, name);
    const char *source = own ? NULL : import_embedded_source(name, &len, &package);
    if (source) return run_embedded_module(vm, name, source, len, package);
    if (!own && modules_find(name)) return module_error(vm, "No code object available for %s\n", name);
    Value sys = import_module(vm, "sys");
    vm->main_runpy = RUNPY_PARENTS;
    if (!import_parents(vm, name)) {
        /* runpy's words for a package that is not there; other errors of
         * its __init__ are tracebacks */
        if (!exc_is(vm, vm->exc, E_ImportError)) return finish(vm, ERR);
        StrBuf b = SB_INIT;
        sb_addf(&b, "Error while finding module specification for '%s' (%s: ", name,
                AS(ObjException, vm->exc)->base.obj.cls->name->data);
        bool ok = op_str_to(vm, vm->exc, &b);
        sb_adds(&b, ")\n");
        vm->exc = UNDEF;
        free(vm->error_text);
        vm->error_text = ok && !b.oom ? sb_take(&b) : (sb_free(&b), NULL);
        return ASY_ERROR;
    }
    vm->main_runpy = RUNPY_RUN;
    Value path = sys == ERR ? UNDEF : dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "path"));
    char file[4096];
    for (int64_t i = 0; is_list(path) && i < AS(ObjList, path)->len; i++) {
        Value dir = AS(ObjList, path)->items[i];
        if (is_str(dir) && module_file(AS(ObjStr, dir)->data, name, false, file, sizeof file)) {
            /* a package runs as name.__main__ */
            const char *leaf = strrchr(file, '/');
            char spec_name[1100];
            bool pkg_main = leaf && !strncmp(leaf, "/__main__.", 10);
            snprintf(spec_name, sizeof spec_name, "%s%s", name, pkg_main ? ".__main__" : "");
            /* as runpy: the parent package of a dotted name (imported
             * above), or the package whose __main__ runs, is imported first
             * (its __init__ runs, with sys.argv[0] '-m') */
            char pkg[1024];
            const char *dot = strrchr(name, '.');
            snprintf(pkg, sizeof pkg, "%.*s", pkg_main ? (int)strlen(name) : dot ? (int)(dot - name) : 0, name);
            if (pkg[0]) {
                set_argv0(vm, "-m");
                vm->main_runpy = pkg_main ? RUNPY_PACKAGE : RUNPY_PARENTS;
                if (import_module(vm, pkg) == ERR) return finish(vm, ERR);
                vm->main_runpy = RUNPY_RUN;
            }
            char *abs = absolute_path(file);
            if (abs) set_argv0(vm, abs);
            bool ok = abs && modspec_main_spec(vm, vm->main_module, spec_name, abs) && set_main_package(vm, spec_name);
            free(abs);
            if (!ok) return abs ? finish(vm, ERR) : (exc_nomem(vm), finish(vm, ERR));
            vm->main_compile_frames = pkg_main ? runpy_compile_package : runpy_compile_module;
            return asy_run_file(vm, file);
        }
    }
    /* a package without __main__: imported (its __init__ runs), then refused */
    for (int64_t i = 0; is_list(path) && i < AS(ObjList, path)->len; i++) {
        Value dir = AS(ObjList, path)->items[i];
        if (is_str(dir) && module_file(AS(ObjStr, dir)->data, name, true, file, sizeof file)) {
            set_argv0(vm, "-m");
            if (import_module(vm, name) == ERR) return finish(vm, ERR);
            return module_error(vm, "No module named %s.__main__; '%s' is a package and cannot be directly executed\n", name);
        }
    }
    return module_error(vm, "No module named %s\n", name);
}

const char *asy_error_text(AsyVM *vm) { return vm->error_text; }
int asy_exit_code(AsyVM *vm) { return vm->exit_code; }

void asy_print_error(AsyVM *vm) {
    if (!vm->error_text) return;
    if (!vm->error_shown) vm_write(vm, 2, vm->error_text, strlen(vm->error_text));
    free(vm->error_text);
    vm->error_text = NULL;
}

void asy_capture_begin(AsyVM *vm) {
    free(vm->capture);
    vm->capture = malloc(256);
    vm->capture_len = 0;
    vm->capture_cap = vm->capture ? 256 : 0;
    if (vm->capture) vm->capture[0] = 0;
}

const char *asy_capture_end(AsyVM *vm, size_t *len) {
    static const char empty[1] = "";
    if (len) *len = vm->capture_len;
    char *c = vm->capture;
    vm->capture = NULL;
    free(vm->captured);
    vm->captured = c;
    return c ? c : empty;
}

/* Whether the last line that is not blank or a comment starts with '@'. */
static bool last_line_decorates(const char *source, size_t len) {
    const char *p = source, *end = source + len, *found = NULL;
    while (p < end) {
        const char *q = p;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\f')) q++;
        if (q < end && *q != '\n' && *q != '\r' && *q != '#') found = q;
        while (p < end && *p != '\n') p++;
        if (p < end) p++;
    }
    return found && *found == '@';
}

/* The REPL's prompt: str(sys.ps1), or str(sys.ps2) on a continuation line.
 * The first call gives sys the two attributes CPython sets when it is
 * interactive (programs test hasattr(sys, 'ps1') to know they are). A
 * prompt whose str() fails is the default one. */
const char *asy_prompt(AsyVM *vm, int continuation) {
    static const char *const names[] = {"ps1", "ps2"}, *const defaults[] = {">>> ", "... "};
    int which = continuation != 0;
    Value sys = import_module(vm, "sys");
    if (sys == ERR) { vm->exc = UNDEF; return defaults[which]; }
    ObjDict *d = AS(ObjModule, sys)->dict;
    for (int i = 0; i < 2; i++) {
        ObjStr *k = str_intern_cstr(vm, names[i]);
        if (k && dict_get_str(d, k) == UNDEF) dict_set_str(vm, d, k, str_from_cstr(vm, defaults[i]));
    }
    ObjStr *k = str_intern_cstr(vm, names[which]);
    Value p = k ? dict_get_str(d, k) : UNDEF;
    Value s = p == UNDEF ? ERR : op_str(vm, p);
    char *text = s != ERR && is_str(s) ? strdup(AS(ObjStr, s)->data) : NULL;
    if (!text) { vm->exc = UNDEF; return defaults[which]; }
    free(vm->prompt);
    vm->prompt = text;
    return text;
}

/* Whether the text ends with a line of only spaces and tabs. */
static bool ends_with_blank_line(const char *source, size_t len) {
    if (!len || source[len - 1] != '\n') return false;
    size_t i = len - 1;
    while (i && (source[i - 1] == ' ' || source[i - 1] == '\t')) i--;
    return i == 0 || source[i - 1] == '\n';
}

int asy_source_incomplete(const char *source, size_t len) {
    AstArena *a = ast_arena_new();
    if (!a) return 0;
    ParseError err;
    Node *n = ast_parse(a, source, len, PARSE_FILE, &err);
    if (n) {
        /* A compound statement, even on one line, ends at a blank line (more
         * of its block, or an else/except clause, may follow), as in
         * CPython's REPL. */
        NodeList *body = &n->u.block.body;
        NodeKind k = body->n ? body->items[body->n - 1]->kind : S_PASS;
        ast_arena_free(a);
        bool compound = k == S_IF || k == S_WHILE || k == S_FOR || k == S_DEF || k == S_CLASS ||
                        k == S_TRY || k == S_WITH || k == S_MATCH;
        return compound && !ends_with_blank_line(source, len);
    }
    ast_arena_free(a);
    /* a try body that the end of the input closed may still get its except,
     * and a decorator its def or class */
    if (err.at_eof && (strstr(err.msg, "expected 'except' or 'finally' block") || last_line_decorates(source, len)))
        return 1;
    return strstr(err.msg, "unexpected EOF") || strstr(err.msg, "was never closed") ||
           strstr(err.msg, "expected an indented block") || strstr(err.msg, "unterminated triple-quoted");
}
