/* tracemalloc's tracer: where the live allocations of the heap were made.
 *
 * While tracing (vm->memtrace set by tracemalloc.start()), gc_new and the
 * buffer functions of gc.c note each block they hand out, with the size and
 * the site that asked for it: the file and line of the innermost script
 * frame (one frame: Asy keeps no deeper tracebacks for blocks). Freeing a
 * block forgets it. The totals per site are kept as blocks come and go, so
 * a snapshot is one pass over the sites. Without tracing, gc.c pays one
 * test of vm->memtrace per allocation and per free. The tracer's own
 * tables are malloc'd, never on the collected heap. */
#ifndef ASY_MEMTRACE_H
#define ASY_MEMTRACE_H

#include "vm.h"

typedef struct MemSite {
    char *file;             /* malloc'd copy of the code's filename */
    int line;
    size_t size, count;     /* live blocks made here */
} MemSite;

typedef struct MemTrace MemTrace;

/* Starts tracing with the frame limit tracemalloc reports (1..65535);
 * false without memory. Already tracing: only the limit changes. */
bool memtrace_start(VM *vm, int nframe);
/* Stops tracing and forgets every block. */
void memtrace_stop(VM *vm);
/* Forgets the blocks noted so far (tracing goes on). */
void memtrace_clear(VM *vm);
/* A block made (p with size bytes), or moved/resized from old (NULL for new). */
void memtrace_note(VM *vm, const void *old, const void *p, size_t size);
/* A block freed. */
void memtrace_forget(VM *vm, const void *p);
/* Current and peak traced bytes; reset_peak sets the peak to the current. */
void memtrace_totals(VM *vm, size_t *current, size_t *peak);
void memtrace_reset_peak(VM *vm);
int memtrace_nframe(VM *vm);
/* Bytes the tracer's own tables take. */
size_t memtrace_overhead(VM *vm);
/* The sites (n of them); a site with count 0 has no live block. */
const MemSite *memtrace_sites(VM *vm, size_t *n);
/* The site of a live block, or NULL. */
const MemSite *memtrace_site_of(VM *vm, const void *p);

#endif
