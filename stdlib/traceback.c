/* _traceback: what stdlib/traceback.asy takes from the VM so that its text
 * is the VM's own: the caret line under a source line (vm/carets.c, the
 * one caret algorithm) and an instruction's source span. */
#include "../vm/carets.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/import.h"
#include "../vm/num.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "modules.h"

static bool opt_int(Value v, int32_t *out) {
    if (v == NONE_VAL) { *out = -1; return true; }
    int64_t n;
    if (!is_intlike(v) || !int_to_i64(v, &n) || n < -1 || n > INT16_MAX) return false;
    *out = (int32_t)n;
    return true;
}

/* carets(line, lineno, end_lineno, colno, end_colno): the "    ~~^~~\n"
 * line CPython prints under `line` (the whole source line lineno) for that
 * span (byte offsets), or "" where it prints none. */
static Value tb_carets_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "carets", nargs, kw, 5, 5)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "carets() argument 1 must be str, not %T", args[0]);
    int32_t line, end_line, col, end_col;
    if (!opt_int(args[1], &line) || !opt_int(args[2], &end_line) || !opt_int(args[3], &col) ||
        !opt_int(args[4], &end_col) || line < 0)
        return str_from_cstr(vm, "");
    if (end_line < 0) end_line = line;
    LineEntry pos = {0, line, end_line, (int16_t)col, (int16_t)end_col};
    StrBuf b = SB_INIT;
    ObjStr *s = AS(ObjStr, args[0]);
    tb_carets(s->data, (size_t)s->len, &pos, &b);
    return str_from_buf(vm, &b);
}

static Value position_tuple(VM *vm, bool known, const LineEntry *pos) {
    Value row[4] = {NONE_VAL, NONE_VAL, NONE_VAL, NONE_VAL};
    if (known) {
        row[0] = int_val(pos->line);
        row[1] = int_val(pos->end_line);
        if (pos->col >= 0) row[2] = int_val(pos->col);
        if (pos->end_col >= 0) row[3] = int_val(pos->end_col);
    }
    ObjTuple *t = tuple_from(vm, row, 4);
    return t ? obj_val(t) : ERR;
}

/* position(code, lasti): (line, end_line, col, end_col) of the instruction
 * at f_lasti, Nones where unknown. */
static Value tb_position(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "position", nargs, kw, 2, 2)) return ERR;
    if (!is_kind(args[0], OBJ_CODE)) return exc_raise(vm, E_TypeError, "position() argument 1 must be code, not %T", args[0]);
    if (!is_int(args[1])) return exc_raise(vm, E_TypeError, "position() argument 2 must be int, not %T", args[1]);
    ObjCode *code = AS(ObjCode, args[0]);
    int64_t index = as_int(args[1]) / 2;
    LineEntry pos;
    return position_tuple(vm, index >= 0 && index < code->nins && code_position(code, code->ins + index + 1, &pos), &pos);
}

/* entry_position(tb): the same for a traceback entry, whose instruction may
 * be in a comprehension run inline (CPython 3.12). */
static Value tb_entry_position(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "entry_position", nargs, kw, 1, 1)) return ERR;
    LineEntry pos;
    return position_tuple(vm, exc_tb_position(vm, args[0], &pos), &pos);
}

/* embedded_source(filename): the text of the stdlib module compiled into
 * the binary that a code object's filename "<stdlib NAME.asy>" names (for
 * linecache, so inspect.getsource and the traceback module see the source
 * of Asy's own stdlib functions, as CPython shows its Lib files), else None. */
static Value tb_embedded_source(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "embedded_source", nargs, kw, 1, 1)) return ERR;
    if (!is_str(args[0])) return NONE_VAL;
    ObjStr *f = AS(ObjStr, args[0]);
    static const char prefix[] = "<stdlib ", suffix[] = ".asy>";
    size_t np = sizeof prefix - 1, ns = sizeof suffix - 1, len = (size_t)f->len;
    if (len <= np + ns || len - np - ns >= 256 || memcmp(f->data, prefix, np) != 0 ||
        memcmp(f->data + len - ns, suffix, ns) != 0)
        return NONE_VAL;
    char name[256];
    memcpy(name, f->data + np, len - np - ns);
    name[len - np - ns] = 0;
    size_t n;
    bool package;
    const char *src = import_embedded_source(name, &n, &package);
    return src ? str_new(vm, src, n) : NONE_VAL;
}

bool mod_traceback_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "carets", tb_carets_fn) && module_add_native(vm, m, "position", tb_position) &&
           module_add_native(vm, m, "entry_position", tb_entry_position) &&
           module_add_native(vm, m, "embedded_source", tb_embedded_source);
}
