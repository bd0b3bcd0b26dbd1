/* _frozen_importlib and _frozen_importlib_external: the module spec and
 * loader classes the VM's import attaches to modules (vm/modspec.c), under
 * the module names CPython's importlib gives them, for importlib.machinery. */
#include "../vm/modspec.h"
#include "modules.h"

bool mod__frozen_importlib_init(VM *vm, ObjModule *m) {
    static const char *const names[] = {"ModuleSpec", "BuiltinImporter", "FrozenImporter"};
    for (int i = 0; i < 3; i++) {
        ObjClass *c = modspec_type(vm, i);
        if (!c || !module_add_value(vm, m, names[i], obj_val(c))) return false;
    }
    return true;
}

bool mod__frozen_importlib_external_init(VM *vm, ObjModule *m) {
    ObjClass *c = modspec_type(vm, MS_SOURCE);
    return c && module_add_value(vm, m, "SourceFileLoader", obj_val(c));
}
