/* The builtins module: a module object whose namespace is the VM's builtins
 * dict itself, so that `import builtins; builtins.x = 1` makes x visible
 * everywhere, as in CPython. */
#include "../vm/containers.h"
#include "../vm/modspec.h"
#include "modules.h"

bool mod_builtins_init(VM *vm, ObjModule *m) {
    m->dict = vm->builtins;     /* which the import's spec went to before */
    return modspec_attach(vm, m, MS_KIND_BUILTIN, NULL, UNDEF);
}
