/* _mmap: the system calls under the mmap module (stdlib/mmap.asy). A map
 * is an opaque _mmap.Map object that owns one mapping (munmap'ed by close()
 * or when collected); every function checks its bounds here, so the Asy
 * layer's arithmetic can never reach memory outside the mapping. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/memview.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

typedef struct Map {
    Obj obj;
    uint8_t *data;  /* NULL once closed */
    size_t size;    /* bytes mapped (a zero-length anonymous map has data but size 0) */
    size_t alloc;   /* bytes given to mmap(): never 0 */
    int prot;
    int64_t views;  /* memoryviews showing the mapping: it stays while there are some */
} Map;

static void map_free(VM *vm, Obj *o) {
    (void)vm;
    Map *m = (Map *)o;
    if (m->data) munmap(m->data, m->alloc);
    m->data = NULL;
}

static uint8_t *map_mem(Obj *o, int64_t *n) {
    Map *m = (Map *)o;
    *n = (int64_t)m->size;
    return m->data;
}

static void map_pin(Obj *o, int delta) { ((Map *)o)->views += delta; }

static const CType map_ctype = {sizeof(Map), NULL, map_free, NULL};
static const MemExporter map_exporter = {&map_ctype, map_mem, map_pin};

/* True when no memoryview shows the mapping (after a collection has
 * dropped the views nothing refers to, as CPython's reference counts
 * would); else BufferError with `msg` and false. */
static bool unpinned(VM *vm, Map *m, const char *msg) {
    if (m->views > 0) gc_collect(vm);
    if (m->views <= 0) return true;
    exc_raise(vm, E_BufferError, "%s", msg);
    return false;
}

static Value os_err(VM *vm) { return procargs_oserror(vm, errno, UNDEF, UNDEF); }

/* The open map in args[0], or NULL after ValueError/TypeError. */
static Map *map_arg(VM *vm, Value v) {
    if (!is_kind(v, OBJ_CDATA) || as_obj(v)->cls->ctype != &map_ctype) {
        exc_raise(vm, E_TypeError, "expected an _mmap.Map, not '%T'", v);
        return NULL;
    }
    Map *m = (Map *)as_obj(v);
    if (!m->data) exc_raise(vm, E_ValueError, "mmap closed or invalid");
    return m->data ? m : NULL;
}

static bool size_arg(VM *vm, Value v, int64_t *out) {
    long n;
    if (!procargs_long(vm, v, &n)) return false;
    *out = n;
    return true;
}

/* Map(fd, length, flags, prot, offset): a new mapping (Map.__new__). */
static Value map_new(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t fd, len, flags, prot, off;
    if (nargs < 1 || !is_kind(args[0], OBJ_CLASS) || AS(ObjClass, args[0])->ctype != &map_ctype)
        return exc_raise(vm, E_TypeError, "Map.__new__(X): X is not the Map class");
    if (!args_check(vm, "Map", nargs - 1, kw, 5, 5) || !size_arg(vm, args[1], &fd) ||
        !size_arg(vm, args[2], &len) || !size_arg(vm, args[3], &flags) || !size_arg(vm, args[4], &prot) ||
        !size_arg(vm, args[5], &off))
        return ERR;
    if (len < 0) return exc_raise(vm, E_OverflowError, "memory mapped length must be positive");
    if (off < 0) return exc_raise(vm, E_OverflowError, "memory mapped offset must be positive");
    Map *m = gc_new(vm, sizeof(Map), OBJ_CDATA, AS(ObjClass, args[0]));
    if (!m) return ERR;
    m->data = NULL;
    size_t alloc = len ? (size_t)len : 1;
    void *p = mmap(NULL, alloc, (int)prot, (int)flags, (int)fd, (off_t)off);
    if (p == MAP_FAILED) return os_err(vm);
    m->data = p;
    m->size = (size_t)len;
    m->alloc = alloc;
    m->prot = (int)prot;
    return obj_val(m);
}

/* A [start, stop) range of m, clipped to its size. */
static void clip(const Map *m, int64_t *start, int64_t *stop) {
    int64_t n = (int64_t)m->size;
    if (*start < 0) *start = 0;
    if (*start > n) *start = n;
    if (*stop > n) *stop = n;
    if (*stop < *start) *stop = *start;
}

static Value f_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Map *m = args_check(vm, "size", nargs, kw, 1, 1) ? map_arg(vm, args[0]) : NULL;
    return m ? int_from_i64(vm, (int64_t)m->size) : ERR;
}

static Value f_closed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "closed", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &map_ctype) return map_arg(vm, args[0]), ERR;
    return bool_val(((Map *)as_obj(args[0]))->data == NULL);
}

/* get(map, start, stop): the bytes in [start, stop), clipped. */
static Value f_get(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t start, stop;
    Map *m = args_check(vm, "get", nargs, kw, 3, 3) ? map_arg(vm, args[0]) : NULL;
    if (!m || !size_arg(vm, args[1], &start) || !size_arg(vm, args[2], &stop)) return ERR;
    clip(m, &start, &stop);
    return bytes_new(vm, m->data + start, (size_t)(stop - start));
}

static bool writable(VM *vm, const Map *m) {
    if (m->prot & PROT_WRITE) return true;
    exc_raise(vm, E_TypeError, "mmap can't modify a readonly memory map.");
    return false;
}

/* put(map, pos, data): writes the bytes-like data at pos; IndexError when
 * it does not fit. */
static Value f_put(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t pos;
    BinBuf b;
    Map *m = args_check(vm, "put", nargs, kw, 3, 3) ? map_arg(vm, args[0]) : NULL;
    if (!m || !size_arg(vm, args[1], &pos) || !binbuf_arg(vm, args[2], &b) || !writable(vm, m)) return ERR;
    if (pos < 0 || pos > (int64_t)m->size || b.n > (int64_t)m->size - pos)
        return exc_raise(vm, E_IndexError, "mmap slice assignment is wrong size");
    memmove(m->data + pos, b.p, (size_t)b.n);
    return NONE_VAL;
}

/* find(map, sub, start, stop, reverse): the first (last) offset of sub
 * within [start, stop), or -1. */
static Value f_find(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t start, stop;
    BinBuf b;
    Map *m = args_check(vm, "find", nargs, kw, 5, 5) ? map_arg(vm, args[0]) : NULL;
    if (!m || !binbuf_arg(vm, args[1], &b) || !size_arg(vm, args[2], &start) || !size_arg(vm, args[3], &stop))
        return ERR;
    bool reverse = args[4] == TRUE_VAL;
    clip(m, &start, &stop);
    if (b.n > stop - start) return int_val(-1);
    if (reverse) {
        for (int64_t i = stop - b.n; i >= start; i--)
            if (memcmp(m->data + i, b.p, (size_t)b.n) == 0) return int_from_i64(vm, i);
    } else {
        for (int64_t i = start; i + b.n <= stop; i++)
            if (memcmp(m->data + i, b.p, (size_t)b.n) == 0) return int_from_i64(vm, i);
    }
    return int_val(-1);
}

/* move(map, dest, src, count), each range checked whole. */
static Value f_move(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t dest, src, count;
    Map *m = args_check(vm, "move", nargs, kw, 4, 4) ? map_arg(vm, args[0]) : NULL;
    if (!m || !size_arg(vm, args[1], &dest) || !size_arg(vm, args[2], &src) || !size_arg(vm, args[3], &count) ||
        !writable(vm, m))
        return ERR;
    int64_t n = (int64_t)m->size;
    if (dest < 0 || src < 0 || count < 0 || src > n - count || dest > n - count)
        return exc_raise(vm, E_ValueError, "source, destination, or count out of range");
    memmove(m->data + dest, m->data + src, (size_t)count);
    return NONE_VAL;
}

/* flush(map, offset, size): msync of that range (offset page-aligned). */
static Value f_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t off, size;
    Map *m = args_check(vm, "flush", nargs, kw, 3, 3) ? map_arg(vm, args[0]) : NULL;
    if (!m || !size_arg(vm, args[1], &off) || !size_arg(vm, args[2], &size)) return ERR;
    if (off < 0 || size < 0 || off > (int64_t)m->size || size > (int64_t)m->size - off)
        return exc_raise(vm, E_ValueError, "flush values out of range");
    if (size && msync(m->data + off, (size_t)size, MS_SYNC) < 0) return os_err(vm);
    return NONE_VAL;
}

static Value f_madvise(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t option, start, len;
    Map *m = args_check(vm, "madvise", nargs, kw, 4, 4) ? map_arg(vm, args[0]) : NULL;
    if (!m || !size_arg(vm, args[1], &option) || !size_arg(vm, args[2], &start) || !size_arg(vm, args[3], &len))
        return ERR;
    if (start < 0 || start >= (int64_t)m->size) return exc_raise(vm, E_ValueError, "madvise start out of bounds");
    if (len < 0) return exc_raise(vm, E_ValueError, "madvise length invalid");
    if (len > (int64_t)m->size - start) len = (int64_t)m->size - start;
    if (madvise(m->data + start, (size_t)len, (int)option) < 0) return os_err(vm);
    return NONE_VAL;
}

/* resize(map, newsize): mremap, the mapping may move. The Asy side has
 * already resized a mapped file. */
static Value f_resize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t size;
    Map *m = args_check(vm, "resize", nargs, kw, 2, 2) ? map_arg(vm, args[0]) : NULL;
    if (!m || !size_arg(vm, args[1], &size)) return ERR;
    if (size < 0) return exc_raise(vm, E_ValueError, "new size out of range");
    if (!unpinned(vm, m, "mmap can't resize with extant buffers exported.")) return ERR;
    size_t alloc = size ? (size_t)size : 1;
    void *p = mremap(m->data, m->alloc, alloc, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) return os_err(vm);
    m->data = p;
    m->alloc = alloc;
    m->size = (size_t)size;
    return NONE_VAL;
}

static Value f_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "close", nargs, kw, 1, 1)) return ERR;
    if (!is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &map_ctype) return map_arg(vm, args[0]), ERR;
    if (!unpinned(vm, (Map *)as_obj(args[0]), "cannot close exported pointers exist")) return ERR;
    map_free(vm, as_obj(args[0]));
    return NONE_VAL;
}

/* view(map, owner, readonly): a memoryview of the mapping itself, whose
 * .obj is owner (the mmap object); writes through it reach the mapping. */
static Value f_view(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "view", nargs, kw, 3, 3)) return ERR;
    Map *m = map_arg(vm, args[0]);
    if (!m) return ERR;
    return memview_external(vm, args[0], args[1], args[2] == bool_val(true));
}

bool mod__mmap_init(VM *vm, ObjModule *mod) {
    static const struct { const char *name; long value; } consts[] = {
        {"PROT_READ", PROT_READ}, {"PROT_WRITE", PROT_WRITE}, {"PROT_EXEC", PROT_EXEC},
        {"MAP_SHARED", MAP_SHARED}, {"MAP_PRIVATE", MAP_PRIVATE}, {"MAP_ANON", MAP_ANONYMOUS},
        {"MAP_ANONYMOUS", MAP_ANONYMOUS}, {"MAP_DENYWRITE", MAP_DENYWRITE},
        {"MAP_EXECUTABLE", MAP_EXECUTABLE}, {"MAP_POPULATE", MAP_POPULATE}, {"MAP_STACK", MAP_STACK},
        {"MAP_NORESERVE", MAP_NORESERVE},
        {"MADV_NORMAL", MADV_NORMAL}, {"MADV_RANDOM", MADV_RANDOM}, {"MADV_SEQUENTIAL", MADV_SEQUENTIAL},
        {"MADV_WILLNEED", MADV_WILLNEED}, {"MADV_DONTNEED", MADV_DONTNEED}, {"MADV_REMOVE", MADV_REMOVE},
        {"MADV_DONTFORK", MADV_DONTFORK}, {"MADV_DOFORK", MADV_DOFORK}, {"MADV_HWPOISON", MADV_HWPOISON},
        {"MADV_MERGEABLE", MADV_MERGEABLE}, {"MADV_UNMERGEABLE", MADV_UNMERGEABLE},
        {"MADV_HUGEPAGE", MADV_HUGEPAGE}, {"MADV_NOHUGEPAGE", MADV_NOHUGEPAGE},
        {"MADV_DONTDUMP", MADV_DONTDUMP}, {"MADV_DODUMP", MADV_DODUMP}, {"MADV_FREE", MADV_FREE},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (!module_add_value(vm, mod, consts[i].name, int_from_i64(vm, consts[i].value))) return false;
    long page = sysconf(_SC_PAGESIZE);
    if (!module_add_value(vm, mod, "PAGESIZE", int_from_i64(vm, page)) ||
        !module_add_value(vm, mod, "ALLOCATIONGRANULARITY", int_from_i64(vm, page)))
        return false;
    memview_add_exporter(&map_exporter);
    ObjClass *c = class_new_builtin(vm, "Map", vm->types[T_OBJECT], OBJ_CDATA);
    if (!c) return false;
    c->ctype = &map_ctype;
    if (!class_add_native(vm, c, "__new__", map_new) || !module_add_value(vm, mod, "Map", obj_val(c))) return false;
    static const struct { const char *name; NativeFn fn; } fns[] = {
        {"size", f_size}, {"closed", f_closed}, {"get", f_get}, {"put", f_put}, {"find", f_find},
        {"move", f_move}, {"flush", f_flush}, {"madvise", f_madvise}, {"resize", f_resize}, {"close", f_close}, {"view", f_view},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (!module_add_native(vm, mod, fns[i].name, fns[i].fn)) return false;
    return true;
}
