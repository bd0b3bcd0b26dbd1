/* The scheduler's two queues (DESIGN decision 4), plain C with no knowledge
 * of the VM beyond Value, so that they are unit-tested on their own:
 *
 *  - RunQueue: the FIFO of things to run in the next loop iteration, a ring
 *    buffer that grows by doubling (push and pop are O(1));
 *  - TimerHeap: a binary min-heap of deadlines, ordered by time and then by
 *    insertion, so that timers due at the same instant fire in the order they
 *    were set. A million sleeping tasks are a million entries here, behind a
 *    single uv_timer_t.
 *
 * Entries carry a few values and a kind that the scheduler interprets. Memory
 * comes from malloc; a push that cannot grow returns false. */
#ifndef ASY_RUNQ_H
#define ASY_RUNQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "value.h"

typedef struct RunItem {
    Value a, b, c;
    uint32_t kind;
} RunItem;

typedef struct RunQueue {
    RunItem *items;
    size_t head, len, cap;      /* cap is zero or a power of two */
} RunQueue;

static inline RunItem *runq_at(RunQueue *q, size_t i) { return &q->items[(q->head + i) & (q->cap - 1)]; }
bool runq_grow(RunQueue *q);    /* doubles the buffer; false when out of memory */
/* Inline: the scheduler pushes an item for every task switch. */
static inline bool runq_push(RunQueue *q, RunItem item) {
    if (q->len == q->cap && !runq_grow(q)) return false;
    *runq_at(q, q->len) = item;
    q->len++;
    return true;
}
bool runq_pop(RunQueue *q, RunItem *out);      /* false when empty */
void runq_free(RunQueue *q);
/* After a burst: when at most an eighth of a buffer of more than RUNQ_KEEP
 * entries is in use, the entries move to one with room for twice as many,
 * so that a million tasks that ran once do not keep the memory of their
 * steps. The scheduler calls it once per loop iteration (and timers_shrink
 * after taking the due timers); both cost two comparisons when there is
 * nothing to do. */
#define RUNQ_KEEP 1024
void runq_shrink_now(RunQueue *q);
static inline void runq_shrink(RunQueue *q) {
    if (q->cap > RUNQ_KEEP && q->len * 8 <= q->cap) runq_shrink_now(q);
}

typedef struct Timer {
    double when;
    Value a, b;
    uint32_t kind;
} Timer;

typedef struct TimerHeap {
    Timer *items;
    size_t len, cap;
} TimerHeap;

bool timers_push(TimerHeap *h, double when, Value a, Value b, uint32_t kind);
static inline Timer *timers_top(TimerHeap *h) { return h->len ? &h->items[0] : NULL; }
bool timers_pop(TimerHeap *h, Timer *out);     /* false when empty */
/* Drops the entries for which keep() says false and restores the heap: how
 * cancelled timers leave once they are many. */
void timers_filter(TimerHeap *h, bool (*keep)(const Timer *t, void *ctx), void *ctx);
void timers_shrink(TimerHeap *h);
void timers_free(TimerHeap *h);

#endif
