/* tracemalloc's tracer (memtrace.h). */
#include "memtrace.h"

#include <stdlib.h>
#include <string.h>

#include "func.h"
#include "gc.h"

/* A live block: its address, size and site index. Open addressing on the
 * address; a freed slot becomes a tombstone (ptr TOMB) until the next
 * rebuild. */
typedef struct Block {
    const void *ptr;
    size_t size;
    uint32_t site;
} Block;

#define TOMB ((const void *)1)

struct MemTrace {
    Block *blocks;
    size_t cap, used, live;         /* slots, slots not empty, live blocks */
    MemSite *sites;
    size_t nsites, sites_cap;
    uint32_t *site_index;           /* hash of (file, line) -> site + 1, 0 empty */
    size_t index_cap;
    size_t current, peak;
    int nframe;
    /* the last frame position looked up, and its site */
    const ObjCode *last_code;
    const uint32_t *last_ip;
    uint32_t last_site;
};

static size_t ptr_hash(const void *p) { return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull); }

static size_t site_hash(const char *file, int line) {
    size_t h = 1469598103934665603ull ^ (size_t)line;
    for (const unsigned char *c = (const unsigned char *)file; *c; c++) h = (h ^ *c) * 1099511628211ull;
    return h;
}

static bool blocks_rebuild(MemTrace *t, size_t cap) {
    Block *nb = calloc(cap, sizeof *nb);
    if (!nb) return false;
    for (size_t i = 0; i < t->cap; i++) {
        const Block *b = &t->blocks[i];
        if (!b->ptr || b->ptr == TOMB) continue;
        size_t j = ptr_hash(b->ptr) & (cap - 1);
        while (nb[j].ptr) j = (j + 1) & (cap - 1);
        nb[j] = *b;
    }
    free(t->blocks);
    t->blocks = nb;
    t->cap = cap;
    t->used = t->live;
    return true;
}

static Block *block_find(MemTrace *t, const void *p) {
    if (!t->cap) return NULL;
    size_t mask = t->cap - 1;
    for (size_t i = ptr_hash(p) & mask;; i = (i + 1) & mask) {
        if (!t->blocks[i].ptr) return NULL;
        if (t->blocks[i].ptr == p) return &t->blocks[i];
    }
}

static bool index_rebuild(MemTrace *t, size_t cap) {
    uint32_t *ni = calloc(cap, sizeof *ni);
    if (!ni) return false;
    for (size_t s = 0; s < t->nsites; s++) {
        size_t j = site_hash(t->sites[s].file, t->sites[s].line) & (cap - 1);
        while (ni[j]) j = (j + 1) & (cap - 1);
        ni[j] = (uint32_t)s + 1;
    }
    free(t->site_index);
    t->site_index = ni;
    t->index_cap = cap;
    return true;
}

/* The site of (file, line), made if new; UINT32_MAX without memory. */
static uint32_t site_get(MemTrace *t, const char *file, int line) {
    if ((t->nsites + 1) * 2 > t->index_cap && !index_rebuild(t, t->index_cap ? t->index_cap * 2 : 256))
        return UINT32_MAX;
    size_t mask = t->index_cap - 1, i = site_hash(file, line) & mask;
    for (; t->site_index[i]; i = (i + 1) & mask) {
        MemSite *s = &t->sites[t->site_index[i] - 1];
        if (s->line == line && !strcmp(s->file, file)) return t->site_index[i] - 1;
    }
    if (t->nsites == t->sites_cap) {
        size_t cap = t->sites_cap ? t->sites_cap * 2 : 64;
        MemSite *ns = realloc(t->sites, cap * sizeof *ns);
        if (!ns) return UINT32_MAX;
        t->sites = ns;
        t->sites_cap = cap;
    }
    char *copy = strdup(file);
    if (!copy) return UINT32_MAX;
    t->sites[t->nsites] = (MemSite){copy, line, 0, 0};
    t->site_index[i] = (uint32_t)t->nsites + 1;
    return (uint32_t)t->nsites++;
}

/* The site of the running code: the innermost frame's line. */
static uint32_t site_here(VM *vm, MemTrace *t) {
    Frame *f = vm->fiber ? vm->fiber->frame : NULL;
    if (!f) return site_get(t, "<unknown>", 0);
    if (f->code == t->last_code && f->ip == t->last_ip) return t->last_site;
    const char *file = f->code->filename ? f->code->filename->data : "<unknown>";
    uint32_t s = site_get(t, file, code_line(f->code, f->ip));
    t->last_code = f->code;
    t->last_ip = f->ip;
    t->last_site = s;
    return s;
}

void memtrace_forget(VM *vm, const void *p) {
    MemTrace *t = vm->memtrace;
    Block *b = p ? block_find(t, p) : NULL;
    if (!b) return;
    MemSite *s = &t->sites[b->site];
    s->size -= b->size;
    s->count--;
    t->current -= b->size;
    b->ptr = TOMB;
    t->live--;
}

void memtrace_note(VM *vm, const void *old, const void *p, size_t size) {
    MemTrace *t = vm->memtrace;
    if (old) memtrace_forget(vm, old);
    if ((t->used + 1) * 2 > t->cap && !blocks_rebuild(t, t->live * 4 > t->cap ? t->cap * 2 : (t->cap ? t->cap : 1024)))
        return;     /* without memory the block goes untraced */
    uint32_t site = site_here(vm, t);
    if (site == UINT32_MAX) return;
    size_t mask = t->cap - 1, i = ptr_hash(p) & mask;
    while (t->blocks[i].ptr && t->blocks[i].ptr != TOMB && t->blocks[i].ptr != p) i = (i + 1) & mask;
    if (t->blocks[i].ptr == p) memtrace_forget(vm, p);      /* (a stale entry: cannot happen, but stay exact) */
    if (!t->blocks[i].ptr) t->used++;
    t->blocks[i] = (Block){p, size, site};
    t->live++;
    t->sites[site].size += size;
    t->sites[site].count++;
    t->current += size;
    if (t->current > t->peak) t->peak = t->current;
}

bool memtrace_start(VM *vm, int nframe) {
    if (!vm->memtrace) {
        vm->memtrace = calloc(1, sizeof(MemTrace));
        if (!vm->memtrace) return false;
        gc_update_watch(vm);
    }
    vm->memtrace->nframe = nframe;
    return true;
}

static void release(MemTrace *t) {
    for (size_t i = 0; i < t->nsites; i++) free(t->sites[i].file);
    free(t->sites);
    free(t->site_index);
    free(t->blocks);
}

void memtrace_clear(VM *vm) {
    MemTrace *t = vm->memtrace;
    if (!t) return;
    int nframe = t->nframe;
    release(t);
    memset(t, 0, sizeof *t);
    t->nframe = nframe;
}

void memtrace_stop(VM *vm) {
    if (!vm->memtrace) return;
    release(vm->memtrace);
    free(vm->memtrace);
    vm->memtrace = NULL;
    gc_update_watch(vm);
}

void memtrace_totals(VM *vm, size_t *current, size_t *peak) {
    MemTrace *t = vm->memtrace;
    *current = t ? t->current : 0;
    *peak = t ? t->peak : 0;
}

void memtrace_reset_peak(VM *vm) {
    if (vm->memtrace) vm->memtrace->peak = vm->memtrace->current;
}

int memtrace_nframe(VM *vm) { return vm->memtrace ? vm->memtrace->nframe : 1; }

size_t memtrace_overhead(VM *vm) {
    MemTrace *t = vm->memtrace;
    if (!t) return 0;
    size_t n = sizeof *t + t->cap * sizeof(Block) + t->sites_cap * sizeof(MemSite) + t->index_cap * sizeof(uint32_t);
    for (size_t i = 0; i < t->nsites; i++) n += strlen(t->sites[i].file) + 1;
    return n;
}

const MemSite *memtrace_sites(VM *vm, size_t *n) {
    *n = vm->memtrace ? vm->memtrace->nsites : 0;
    return vm->memtrace ? vm->memtrace->sites : NULL;
}

const MemSite *memtrace_site_of(VM *vm, const void *p) {
    MemTrace *t = vm->memtrace;
    Block *b = t && p ? block_find(t, p) : NULL;
    return b ? &t->sites[b->site] : NULL;
}
