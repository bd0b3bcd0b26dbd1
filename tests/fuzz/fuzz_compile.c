/* libFuzzer target: source text through the lexer, parser, scope analysis
 * and compiler. Any input must end in a code object or a SyntaxError (or
 * MemoryError), never a crash, a leak or undefined behaviour. One VM is
 * reused across inputs, as a REPL would. */
#include <stddef.h>
#include <stdint.h>

#include "parser/compile.h"
#include "vm/gc.h"

static AsyVM *vm;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!vm) {
        AsyConfig cfg;
        asy_config_init(&cfg);
        cfg.memory_limit = 256u << 20;
        vm = asy_new(&cfg);
        if (!vm) return 0;
    }
    ObjCode *code = compile_source(vm, (const char *)data, size, "<fuzz>", false, true);
    (void)code;
    vm->exc = UNDEF;
    /* Drop what this input allocated: nothing is rooted but the VM itself. */
    gc_collect(vm);
    return 0;
}
