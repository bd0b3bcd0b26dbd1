/* The sys module: argv, path, modules, exit, version, recursion limit,
 * stdout/stderr, the exception being handled. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/frameobj.h"
#include "../vm/func.h"
#include "../vm/profile.h"
#include "../vm/import.h"
#include "../vm/interp.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "../vm/textenc.h"
#include "../vm/trace.h"
#include "modules.h"

static Value sys_exit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "exit", nargs, kw, 0, 1)) return ERR;
    return exc_system_exit(vm, args, nargs);
}

static Value sys_getrecursionlimit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "getrecursionlimit", nargs, kw, 0, 0)) return ERR;
    return int_val(vm->recursion_limit);
}

static Value sys_get_int_max_str_digits(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "get_int_max_str_digits", nargs, kw, 0, 0)) return ERR;
    return int_from_i64(vm, vm->int_max_str_digits);
}

static Value sys_set_int_max_str_digits(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"maxdigits"};
    Value p[1];
    int64_t n;
    if (!args_bind(vm, "set_int_max_str_digits", args, nargs, kw, names, 1, 1, 1, 0, p)) return ERR;
    if (!is_intlike(p[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", p[0]);
    if (!int_to_i64(p[0], &n) || n > INT32_MAX || n < INT32_MIN)
        return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    if (n != 0 && n < 640) return exc_raise(vm, E_ValueError, "maxdigits must be 0 or larger than 640");
    vm->int_max_str_digits = n;
    return NONE_VAL;
}

static Value sys_setrecursionlimit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "setrecursionlimit", nargs, kw, 1, 1)) return ERR;
    int64_t n;
    if (!is_intlike(args[0])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[0]);
    if (!int_to_i64(args[0], &n) || n > INT32_MAX)
        return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    if (n < 1) return exc_raise(vm, E_ValueError, "recursion limit must be greater or equal than 1");
    if (n <= vm->fiber->depth)
        return exc_raise(vm, E_RecursionError,
                         "cannot set the recursion limit to %d at the recursion depth %d: the limit is too low",
                         (int)n, vm->fiber->depth);
    vm->recursion_limit = (int)n;
    prof_update_limit(vm);
    return NONE_VAL;
}

/* sys.setprofile(function): the hook of vm/profile.h, for this thread. */
static Value sys_setprofile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "sys.setprofile", nargs, kw, 1, 1)) return ERR;
    prof_set(vm, args[0]);
    return NONE_VAL;
}

/* sys.settrace(function): the hook of vm/trace.h, for this thread. */
static Value sys_settrace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "sys.settrace", nargs, kw, 1, 1)) return ERR;
    return trace_set(vm, args[0]) ? NONE_VAL : ERR;
}

static Value sys_gettrace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "sys.gettrace", nargs, kw, 0, 0)) return ERR;
    return vm->trace_func != UNDEF && vm->trace_ts == vm->ts ? vm->trace_func : NONE_VAL;
}

static Value sys_getprofile(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "sys.getprofile", nargs, kw, 0, 0)) return ERR;
    return vm->prof_func != UNDEF && vm->prof_ts == vm->ts ? vm->prof_func : NONE_VAL;
}

/* sys.excepthook(type, value, traceback): the uncaught-exception text, written
 * to sys.stderr (threading's excepthook uses it). The traceback travels in the
 * exception itself. */
static Value sys_excepthook(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "excepthook", nargs, kw, 3, 3)) return ERR;
    if (!is_kind(args[1], OBJ_EXC))
        return exc_raise(vm, E_TypeError, "print_exception(): Exception expected for value, %T found", args[1]);
    Value sys = dict_get_str(vm->modules, str_intern_cstr(vm, "sys"));
    Value err = is_kind(sys, OBJ_MODULE) ? dict_get_str(AS(ObjModule, sys)->dict, str_intern_cstr(vm, "stderr")) : UNDEF;
    if (err == UNDEF || err == NONE_VAL) return NONE_VAL;
    StrBuf b = SB_INIT;
    exc_format(vm, args[1], &b);
    Value text = b.oom ? exc_nomem(vm) : str_new(vm, b.data, b.len);
    sb_free(&b);
    if (text == ERR) return ERR;
    return op_call_method(vm, err, str_intern_cstr(vm, "write"), &text, 1) == ERR ? ERR : NONE_VAL;
}

/* The exception being handled (what an `except` block sees), or None. */
static Value handled(VM *vm) {
    Value e = fiber_handled(vm->fiber);
    return is_kind(e, OBJ_EXC) ? e : NONE_VAL;
}

static Value sys_exception(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "exception", nargs, kw, 0, 0)) return ERR;
    return handled(vm);
}

static Value sys_exc_info(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "exc_info", nargs, kw, 0, 0)) return ERR;
    Value e = handled(vm);
    Value items[3] = {NONE_VAL, NONE_VAL, NONE_VAL};
    if (e != NONE_VAL) {
        items[0] = obj_val(type_of(vm, e));
        items[1] = e;
        items[2] = op_getattr(vm, e, vm_name(vm, N___traceback__));
        if (items[2] == ERR) return ERR;
    }
    ObjTuple *t = tuple_from(vm, items, 3);
    return t ? obj_val(t) : ERR;
}

/* _format_exception(exc, only=False): the text the traceback module's
 * functions split into lines, CPython's (without the carets it puts under
 * source lines); with `only`, just the last line and the notes, or (only
 * == 2) the last line alone, or (only == 3) the last line with a
 * NameError's hint, which the traceback module gives when it has the
 * exception's traceback. */
static Value sys_format_exception(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_format_exception", nargs, kw, 1, 2)) return ERR;
    if (!is_kind(args[0], OBJ_EXC)) return exc_raise(vm, E_TypeError, "exception expected, got %T", args[0]);
    int only = 0;
    if (nargs > 1)
        only = is_int(args[1]) && (as_int(args[1]) == 2 || as_int(args[1]) == 3) ? (int)as_int(args[1])
                                                                                 : op_truthy(vm, args[1]);
    if (only < 0) return ERR;
    StrBuf b = SB_INIT;
    if (only) exc_format_only(vm, args[0], &b, only == 1, only == 3);
    else exc_format_style(vm, args[0], &b, SUGGEST_TRACEBACK);
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    return str_from_buf(vm, &b);
}

/* _caller_location(depth): (filename, lineno, globals) of the frame `depth`
 * levels above the one calling this (0: that frame), or None past the
 * outermost; what warnings.warn's stacklevel needs, frames not being
 * objects in Asy. */
static Value sys_caller_location(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_caller_location", nargs, kw, 1, 1)) return ERR;
    if (!is_int(args[0])) return exc_raise(vm, E_TypeError, "depth must be an int, not %T", args[0]);
    Frame *f = frame_visible(vm->fiber->frame);
    for (int64_t n = as_int(args[0]); f && n > 0; n--) f = frame_visible(f->prev);
    if (!f) return NONE_VAL;
    Value items[3] = {obj_val(f->code->filename), int_val(frame_line(f)), obj_val(f->globals)};
    ObjTuple *t = tuple_from(vm, items, 3);
    return t ? obj_val(t) : ERR;
}

/* _getframe([depth]): a frame object (vm/frameobj.h). */
static Value sys_getframe(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_getframe", nargs, kw, 0, 1)) return ERR;
    return frameobj_getframe(vm, nargs ? args[0] : int_val(0));
}

/* _caller_function(depth): the name of the function running in that frame
 * ("<module>" for a module body), or None past the outermost; logging's
 * funcName. */
static Value sys_caller_function(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_caller_function", nargs, kw, 1, 1)) return ERR;
    if (!is_int(args[0])) return exc_raise(vm, E_TypeError, "depth must be an int, not %T", args[0]);
    Frame *f = frame_visible(vm->fiber->frame);
    for (int64_t n = as_int(args[0]); f && n > 0; n--) f = frame_visible(f->prev);
    return f ? obj_val(f->code->name) : NONE_VAL;
}

/* _set_type_name(cls, name): the name error messages give cls's instances.
 * CPython's types from C modules say "datetime.date" there, a class's
 * __name__ being "date"; modules written in Asy that stand in for such
 * types call this so their messages match. Not inherited by subclasses. */
static Value sys_set_type_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_set_type_name", nargs, kw, 2, 2)) return ERR;
    if (!is_kind(args[0], OBJ_CLASS)) return exc_raise(vm, E_TypeError, "_set_type_name() argument 1 must be a class, not %T", args[0]);
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "_set_type_name() argument 2 must be str, not %T", args[1]);
    AS(ObjClass, args[0])->tp_name = AS(ObjStr, args[1]);
    return NONE_VAL;
}

/* sys.stdout / sys.stderr: objects with CPython's TextIOWrapper methods
 * that make sense for them (write, flush, writelines, isatty, fileno, ...),
 * writing through vm_write so that an embedder can capture them; `buffer`
 * takes bytes. */
static int stream_fd(VM *vm, Value self) {
    Value fd = op_getattr_opt(vm, self, str_intern_cstr(vm, "_fd"));
    return fd == int_val(2) ? 2 : 1;
}

/* close() only marks the object closed (the descriptor stays open, as
 * CPython's sys streams are made with closefd=False); writing or flushing
 * it afterwards raises ValueError, and so does print() to it. */
static bool stream_closed(VM *vm, Value self) {
    if (op_getattr_opt(vm, self, str_intern_cstr(vm, "closed")) != TRUE_VAL) return false;
    exc_raise(vm, E_ValueError, "I/O operation on closed file.");
    return true;
}

static Value stream_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    if (op_getattr_opt(vm, args[0], str_intern_cstr(vm, "closed")) == TRUE_VAL) return NONE_VAL;
    fflush(stream_fd(vm, args[0]) == 2 ? stderr : stdout);
    return op_setattr(vm, args[0], str_intern_cstr(vm, "closed"), TRUE_VAL) < 0 ? ERR : NONE_VAL;
}

/* read(), readline() and readlines() of an output stream:
 * io.UnsupportedOperation('not readable'), as CPython's. */
static Value stream_not_readable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args; (void)nargs; (void)kw;
    Value io = import_module(vm, "io");
    Value cls = io == ERR ? ERR : op_getattr(vm, io, str_intern_cstr(vm, "UnsupportedOperation"));
    if (cls == ERR) return ERR;
    Value msg = str_from_cstr(vm, "not readable");
    Value e = msg == ERR ? ERR : op_call1(vm, cls, msg);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

static Value stream_write(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "write", nargs - 1, kw, 1, 1)) return ERR;
    if (stream_closed(vm, args[0])) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "write() argument must be str, not %A", args[1]);
    ObjStr *s = AS(ObjStr, args[1]);
    if (str_has_surrogates(s)) {    /* what UTF-8 cannot hold goes through the stream's errors handler */
        Value errs = op_getattr_opt(vm, args[0], str_intern_cstr(vm, "errors"));
        Value b = bytes_encode(vm, s, "utf-8", is_str(errs) ? AS(ObjStr, errs)->data : "strict");
        if (b == ERR) return ERR;
        vm_write(vm, stream_fd(vm, args[0]), (const char *)AS(ObjBytes, b)->data, (size_t)AS(ObjBytes, b)->len);
    } else {
        vm_write(vm, stream_fd(vm, args[0]), s->data, (size_t)s->len);
    }
    return int_val(s->cplen);
}

static Value stream_write_bytes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "write", nargs - 1, kw, 1, 1)) return ERR;
    BinBuf b;
    if (!binbuf_arg(vm, args[1], &b)) return ERR;
    vm_write(vm, stream_fd(vm, args[0]), (const char *)b.p, (size_t)b.n);
    return int_from_i64(vm, b.n);
}

static Value stream_writelines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "writelines", nargs - 1, kw, 1, 1)) return ERR;
    Value it = op_iter(vm, args[1]);
    if (it == ERR || !vm_push_root(vm, it)) return ERR;
    Value line, r = NONE_VAL;
    while ((line = op_next(vm, it)) != UNDEF) {
        if (line == ERR || stream_write(vm, (Value[]){args[0], line}, 2, NULL) == ERR) { r = ERR; break; }
    }
    vm_pop_roots(vm, 1);
    return r;
}

/* flush(): the default host writes through C's stdio, whose buffer must
 * be empty before a child process writes to the same file (subprocess,
 * os.system, fork). */
static Value stream_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)nargs; (void)kw;
    if (stream_closed(vm, args[0])) return ERR;
    fflush(stream_fd(vm, args[0]) == 2 ? stderr : stdout);
    return NONE_VAL;
}

static Value stream_isatty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "isatty", nargs - 1, kw, 0, 0)) return ERR;
    return bool_val(isatty(stream_fd(vm, args[0])));
}

static Value stream_fileno(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "fileno", nargs - 1, kw, 0, 0)) return ERR;
    return int_val(stream_fd(vm, args[0]));
}

static Value stream_seekable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "seekable", nargs - 1, kw, 0, 0)) return ERR;
    return bool_val(lseek(stream_fd(vm, args[0]), 0, SEEK_CUR) != -1);
}

static Value stream_true(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm; (void)args; (void)nargs; (void)kw;
    return TRUE_VAL;
}

static Value stream_false(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)vm; (void)args; (void)nargs; (void)kw;
    return FALSE_VAL;
}

typedef struct StreamMethod { const char *name; NativeFn fn; } StreamMethod;

static bool set_attr(VM *vm, Value obj, const char *key, Value v);

/* reconfigure(*, encoding, errors, newline, line_buffering, write_through):
 * records what is asked (output is written as UTF-8 whatever the encoding
 * says); a new encoding without errors resets errors to 'strict', as in
 * CPython. Unknown encodings raise LookupError. */
static Value stream_reconfigure(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"encoding", "errors", "newline", "line_buffering", "write_through"};
    Value v[5];
    if (nargs > 1) return exc_raise(vm, E_TypeError, "reconfigure() takes no positional arguments");
    if (!args_bind(vm, "reconfigure", args + 1, nargs - 1, kw, names, 5, 0, 0, ARGS_INVALID_KW, v)) return ERR;
    for (int i = 0; i < 2; i++) {
        if (v[i] != UNDEF && !is_none(v[i]) && !is_str(v[i]))
            return exc_raise(vm, E_TypeError, "reconfigure() argument '%s' must be str or None, not %T", names[i], v[i]);
    }
    if (v[0] != UNDEF && !is_none(v[0])) {
        if (bytes_decode(vm, (const uint8_t *)"", 0, AS(ObjStr, v[0])->data, "strict") == ERR) return ERR;
        if (v[1] == UNDEF || is_none(v[1])) v[1] = str_from_cstr(vm, "strict");
        if (!set_attr(vm, args[0], "encoding", v[0])) return ERR;
    }
    if (v[1] != UNDEF && !is_none(v[1]) && !set_attr(vm, args[0], "errors", v[1])) return ERR;
    for (int i = 3; i < 5; i++) {
        if (v[i] == UNDEF || is_none(v[i])) continue;
        int t = op_truthy(vm, v[i]);
        if (t < 0 || !set_attr(vm, args[0], names[i], bool_val(t))) return ERR;
    }
    return NONE_VAL;
}

/* <_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>, as CPython's. */
static Value stream_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    static const char *const keys[] = {"name", "mode", "encoding"};
    StrBuf b = SB_INIT;
    sb_adds(&b, "<_io.TextIOWrapper");
    for (int i = 0; i < 3; i++) {
        Value v = op_getattr(vm, args[0], str_intern_cstr(vm, keys[i]));
        sb_addf(&b, " %s=", keys[i]);
        if (v == ERR || !op_repr_to(vm, v, &b)) { sb_free(&b); return ERR; }
    }
    sb_addc(&b, '>');
    return str_from_buf(vm, &b);
}



static bool set_attr(VM *vm, Value obj, const char *key, Value v) {
    return v != ERR && op_setattr(vm, obj, str_intern_cstr(vm, key), v) == 0;
}

/* An instance of a new class `cname` with these methods and _fd, name,
 * mode and closed attributes. */
static Value stream_object(VM *vm, const char *cname, const StreamMethod *methods, const char *name, int fd,
                           const char *mode) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_new(vm, 0);
    ObjStr *cn = str_intern_cstr(vm, cname);
    Value modname = str_from_cstr(vm, "_io");
    if (!ns || !bases || !cn || modname == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return ERR;
    Value cls = class_new(vm, cn, bases, ns);
    if (cls == ERR) return ERR;
    /* messages call it as CPython's: '_io.TextIOWrapper' */
    char tp[64];
    snprintf(tp, sizeof tp, "_io.%s", cname);
    if (!(AS(ObjClass, cls)->tp_name = str_intern_cstr(vm, tp))) return ERR;
    for (; methods->name; methods++)
        if (!class_add_native(vm, AS(ObjClass, cls), methods->name, methods->fn)) return ERR;
    Value obj = op_call0(vm, cls);
    if (obj == ERR) return ERR;
    bool ok = set_attr(vm, obj, "name", str_from_cstr(vm, name)) && set_attr(vm, obj, "mode", str_from_cstr(vm, mode)) &&
              set_attr(vm, obj, "_fd", int_val(fd)) && set_attr(vm, obj, "closed", FALSE_VAL);
    return ok ? obj : ERR;
}

static Value make_stream(VM *vm, const char *name, int fd) {
    static const StreamMethod text[] = {
        {"write", stream_write}, {"writelines", stream_writelines}, {"flush", stream_flush},
        {"isatty", stream_isatty}, {"fileno", stream_fileno}, {"writable", stream_true},
        {"readable", stream_false}, {"seekable", stream_seekable}, {"reconfigure", stream_reconfigure},
        {"__repr__", stream_repr}, {"close", stream_close}, {"read", stream_not_readable},
        {"readline", stream_not_readable}, {"readlines", stream_not_readable}, {NULL, NULL}};
    static const StreamMethod binary[] = {
        {"write", stream_write_bytes}, {"flush", stream_flush}, {"isatty", stream_isatty},
        {"fileno", stream_fileno}, {"writable", stream_true}, {"readable", stream_false},
        {"seekable", stream_seekable}, {NULL, NULL}};
    Value obj = stream_object(vm, "TextIOWrapper", text, name, fd, "w");
    if (obj == ERR || !vm_push_root(vm, obj)) return ERR;
    /* As CPython's: unbuffered (-u) streams write through a raw FileIO;
     * else stderr and terminals are line-buffered. */
    bool unbuffered = vm->cfg.unbuffered;
    Value buf = stream_object(vm, unbuffered ? "FileIO" : "BufferedWriter", binary, name, fd, "wb");
    bool ok = set_attr(vm, obj, "buffer", buf) && set_attr(vm, obj, "encoding", str_from_cstr(vm, "utf-8")) &&
              set_attr(vm, obj, "errors", str_from_cstr(vm, fd == 2 ? "backslashreplace" : textenc_stdio_errors(vm))) &&
              set_attr(vm, obj, "line_buffering", bool_val(!unbuffered && (fd == 2 || isatty(fd)))) &&
              set_attr(vm, obj, "write_through", bool_val(unbuffered));
    vm_pop_roots(vm, 1);
    return ok ? obj : ERR;
}

/* What stdlib/_sys_py.asy defines, made on first use (with the three
 * hook_names below, which dir(sys) lists among them). */
static const char *const lazy_names[] = {"stdin", "__stdin__", "version_info", "float_info", "int_info",
                                         "hash_info", "flags", "implementation", "getsizeof", "displayhook",
                                         "__displayhook__", "getfilesystemencodeerrors", "stdlib_module_names",
                                         "orig_argv", "prefix", "exec_prefix", "base_prefix", "base_exec_prefix",
                                         "platlibdir", "abiflags", "copyright", "pycache_prefix", "_xoptions",
                                         "is_finalizing", "getrefcount", "getswitchinterval", "setswitchinterval",
                                         "meta_path", "path_hooks", "path_importer_cache", "audit", "addaudithook",
                                         "call_tracing", "unraisablehook", "__unraisablehook__", "breakpointhook",
                                         "__breakpointhook__", "thread_info", "_unraisable_args",
                                         "get_asyncgen_hooks", "set_asyncgen_hooks",
                                         "get_coroutine_origin_tracking_depth", "set_coroutine_origin_tracking_depth",
                                         "getdlopenflags", "setdlopenflags", "getallocatedblocks",
                                         "getunicodeinternedsize", "activate_stack_trampoline",
                                         "deactivate_stack_trampoline", "is_stack_trampoline_active", NULL};

/* What stdlib/_importhooks.asy defines: the import system's lists, whose
 * finders the VM's import asks once the program has touched them. */
static const char *const hook_names[] = {"meta_path", "path_hooks", "path_importer_cache", NULL};

static Value sys_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    for (int i = 0; is_str(args[0]) && hook_names[i]; i++)
        if (!strcmp(AS(ObjStr, args[0])->data, hook_names[i]))
            return module_lazy_attr(vm, "sys", "_importhooks", hook_names, args[0]);
    Value v = module_lazy_attr(vm, "sys", "_sys_py", lazy_names, args[0]);
    /* stdin and __stdin__ arrive together: a stdin missing beside its
     * __stdin__ was deleted (input() then says it is lost) */
    if (v != ERR && (!strcmp(AS(ObjStr, args[0])->data, "stdin") || !strcmp(AS(ObjStr, args[0])->data, "__stdin__"))) {
        ObjStr *other = str_intern_cstr(vm, AS(ObjStr, args[0])->data[0] == '_' ? "stdin" : "__stdin__");
        if (!other || !vm_push_root(vm, v)) return ERR;
        Value w = module_lazy_attr(vm, "sys", "_sys_py", lazy_names, obj_val(other));
        vm_pop_roots(vm, 1);
        if (w == ERR) return ERR;
    }
    return v;
}

static Value sys_intern(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "intern", nargs, kw, 1, 1)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "intern() argument must be str, not %A", args[0]);
    ObjStr *s = str_intern(vm, AS(ObjStr, args[0])->data, (size_t)AS(ObjStr, args[0])->len);
    return s ? obj_val(s) : ERR;
}

static Value sys_utf8(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "getdefaultencoding", nargs, kw, 0, 0)) return ERR;
    return str_from_cstr(vm, "utf-8");
}

/* The path of the running executable, as sys.executable. */
static Value executable(VM *vm) {
    char buf[4096];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    return str_from_cstr(vm, buf);
}

bool mod_sys_init(VM *vm, ObjModule *m) {
    ObjList *path = list_new(vm, 1);
    if (!path) return false;
    ObjList *warnoptions = list_new(vm, 0);
    return warnoptions &&
           module_add_lazy_getattr(vm, m, sys_getattr, lazy_names) &&
           module_add_native(vm, m, "intern", sys_intern) &&
           module_add_native(vm, m, "getdefaultencoding", sys_utf8) &&
           module_add_native(vm, m, "getfilesystemencoding", sys_utf8) &&
           module_add_value(vm, m, "builtin_module_names", modules_native_names(vm)) &&
           module_add_value(vm, m, "warnoptions", obj_val(warnoptions)) &&
           module_add_value(vm, m, "executable", executable(vm)) &&
           module_add_value(vm, m, "maxunicode", int_val(0x10FFFF)) &&
           module_add_value(vm, m, "hexversion", int_val(0x030C00F0)) &&
           module_add_value(vm, m, "api_version", int_val(1013)) &&
           module_add_value(vm, m, "float_repr_style", str_from_cstr(vm, "short")) &&
           module_add_value(vm, m, "dont_write_bytecode", TRUE_VAL) &&
           module_add_native(vm, m, "exit", sys_exit) &&
           module_add_native(vm, m, "excepthook", sys_excepthook) &&
           module_add_native(vm, m, "exception", sys_exception) &&
           module_add_native(vm, m, "exc_info", sys_exc_info) &&
           module_add_native(vm, m, "_format_exception", sys_format_exception) &&
           module_add_native(vm, m, "_caller_location", sys_caller_location) &&
           module_add_native(vm, m, "_caller_function", sys_caller_function) &&
           module_add_native(vm, m, "_getframe", sys_getframe) &&
           module_add_native(vm, m, "_set_type_name", sys_set_type_name) &&
           module_add_value(vm, m, "__excepthook__", dict_get_str(m->dict, str_intern_cstr(vm, "excepthook"))) &&
           module_add_native(vm, m, "getrecursionlimit", sys_getrecursionlimit) &&
           module_add_native(vm, m, "setrecursionlimit", sys_setrecursionlimit) &&
           module_add_native(vm, m, "setprofile", sys_setprofile) &&
           module_add_native(vm, m, "getprofile", sys_getprofile) &&
           module_add_native(vm, m, "settrace", sys_settrace) &&
           module_add_native(vm, m, "gettrace", sys_gettrace) &&
           module_add_native(vm, m, "get_int_max_str_digits", sys_get_int_max_str_digits) &&
           module_add_native(vm, m, "set_int_max_str_digits", sys_set_int_max_str_digits) &&
           module_add_value(vm, m, "argv", vm->sys_argv) &&
           module_add_value(vm, m, "path", obj_val(path)) &&
           module_add_value(vm, m, "modules", obj_val(vm->modules)) &&
           module_add_value(vm, m, "version", str_from_cstr(vm, ASY_PYTHON_VERSION ".0 (Asy " ASY_VERSION_STRING ")")) &&
           module_add_value(vm, m, "platform", str_from_cstr(vm, "linux")) &&
           module_add_value(vm, m, "maxsize", int_from_i64(vm, INT64_MAX)) &&
           module_add_value(vm, m, "byteorder", str_from_cstr(vm, "little")) &&
           module_add_value(vm, m, "stdout", make_stream(vm, "<stdout>", 1)) &&
           module_add_value(vm, m, "stderr", make_stream(vm, "<stderr>", 2)) &&
           module_add_value(vm, m, "__stdout__", dict_get_str(m->dict, str_intern_cstr(vm, "stdout"))) &&
           module_add_value(vm, m, "__stderr__", dict_get_str(m->dict, str_intern_cstr(vm, "stderr")));
}
