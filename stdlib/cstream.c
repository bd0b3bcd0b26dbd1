/* The parts of zlib, bz2 and lzma's stream objects that do not depend on
 * the library (see cstream.h). */
#include "cstream.h"

#include <string.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/gc.h"
#include "../vm/str.h"
#include "modules.h"

Value cstream_bytes(VM *vm, StrBuf *sb) {
    if (sb->oom) { sb_free(sb); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(sb->data ? sb->data : ""), sb->len);
    sb_free(sb);
    return r;
}

bool cstream_add_class(VM *vm, ObjModule *m, const char *module, const CType *ctype, const char *name,
                       NativeFn new_fn, const CStreamMethod *methods, size_t n, const CStreamMethod *props,
                       size_t np) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_CDATA);
    Value mod = str_from_cstr(vm, module);
    if (!c || mod == ERR) return false;
    c->ctype = ctype;
    c->module = mod;
    if (dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return false;
    if (new_fn && !class_add_native(vm, c, "__new__", new_fn)) return false;
    for (size_t i = 0; i < n; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    for (size_t i = 0; i < np; i++) {
        if (!class_add_property(vm, c, props[i].name, props[i].fn)) return false;
    }
    return module_add_value(vm, m, name, obj_val(c));
}

bool decomp_init(VM *vm, DecompState *d) {
    d->eof = false;
    d->needs_input = true;
    d->pending = d->unused_data = UNDEF;
    Value empty = bytes_new(vm, NULL, 0);
    if (empty == ERR) return false;
    d->pending = d->unused_data = empty;
    return true;
}

void decomp_mark(VM *vm, DecompState *d) {
    gc_mark_value(vm, d->pending);
    gc_mark_value(vm, d->unused_data);
}

Value decomp_input(VM *vm, DecompState *d, const BinBuf *data) {
    /* pending is always bytes */
    BinBuf pend = {AS(ObjBytes, d->pending)->data, AS(ObjBytes, d->pending)->len};
    Value r = bytes_new(vm, NULL, (size_t)(pend.n + data->n));
    if (r == ERR) return ERR;
    if (pend.n) memcpy(AS(ObjBytes, r)->data, pend.p, (size_t)pend.n);
    if (data->n) memcpy(AS(ObjBytes, r)->data + pend.n, data->p, (size_t)data->n);
    return r;
}

bool decomp_settle(VM *vm, DecompState *d, const uint8_t *rest, size_t left, bool ended) {
    Value kept = bytes_new(vm, rest, left);
    Value empty = kept == ERR ? ERR : bytes_new(vm, NULL, 0);
    if (empty == ERR) return false;
    if (ended) {
        d->eof = true;
        d->needs_input = false;
        d->unused_data = kept;
        d->pending = empty;
    } else {
        d->pending = kept;
        d->needs_input = left == 0;
    }
    return true;
}

Value decomp_eof(DecompState *d) { return d ? bool_val(d->eof) : ERR; }
Value decomp_unused_data(DecompState *d) { return d ? d->unused_data : ERR; }
Value decomp_needs_input(DecompState *d) { return d ? bool_val(d->needs_input) : ERR; }
