/* _dis: the raw instructions of a code object, for the dis module
 * (stdlib/dis.asy), which names, resolves and prints them. They are Asy's
 * own instructions (vm/opcodes.h), not CPython's: one 32-bit word each
 * (opcode in the low byte, a 24-bit argument), some followed by a cache
 * word, with jump targets as absolute instruction indices. */
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/opcodes.h"
#include "../vm/str.h"
#include "../vm/trace.h"
#include "modules.h"

static const char *const op_names[] = {
#define OP(name, effect) #name,
    OPCODES(OP)
#undef OP
};

/* opnames(): the opcode names, indexed by opcode. */
static Value f_opnames(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "opnames", nargs, kw, 0, 0)) return ERR;
    ObjTuple *t = tuple_new(vm, OP_COUNT);
    if (!t || !vm_push_root(vm, obj_val(t))) return ERR;
    for (int i = 0; i < OP_COUNT; i++) t->items[i] = NONE_VAL;
    for (int i = 0; i < OP_COUNT; i++) {
        ObjStr *s = str_intern_cstr(vm, op_names[i]);
        if (!s) { vm_pop_roots(vm, 1); return ERR; }
        t->items[i] = obj_val(s);
    }
    vm_pop_roots(vm, 1);
    return obj_val(t);
}

/* jumps(): the opcodes whose argument is a jump target. */
static Value f_jumps(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "jumps", nargs, kw, 0, 0)) return ERR;
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    for (int i = 0; i < OP_COUNT; i++)
        if (op_is_jump(i) && list_append(vm, l, int_val(i)) < 0) { vm_pop_roots(vm, 1); return ERR; }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

/* One instruction as (index, opcode, arg, line). */
static Value instruction(VM *vm, ObjCode *code, int i) {
    uint32_t w = code_ins_at(code, code->ins + i);
    ObjTuple *t = tuple_new(vm, 4);
    if (!t) return ERR;
    t->items[0] = int_val(i);
    t->items[1] = int_val(INS_OP(w));
    t->items[2] = int_val(INS_ARG(w));
    /* code_line wants the address after the instruction, as a frame's ip. */
    t->items[3] = int_val(code_line(code, code->ins + i + 1));
    return obj_val(t);
}

/* instructions(code): a list of (index, opcode, arg, line), cache words
 * left out. */
static Value f_instructions(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "instructions", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_CODE))
        return exc_raise(vm, E_TypeError, "instructions() argument must be a code object, not %T", args[0]);
    ObjCode *code = AS(ObjCode, args[0]);
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    for (int i = 0; i < code->nins; i++) {
        Value t = instruction(vm, code, i);
        if (t == ERR || list_append(vm, l, t) < 0) { vm_pop_roots(vm, 1); return ERR; }
        if (op_has_cache_word(INS_OP(code_ins_at(code, code->ins + i)))) i++;
    }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

bool mod_dis_native_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "opnames", f_opnames) && module_add_native(vm, m, "jumps", f_jumps) &&
           module_add_native(vm, m, "instructions", f_instructions);
}
