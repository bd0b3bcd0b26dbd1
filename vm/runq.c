/* The ready queue and the timer heap (see runq.h). */
#include "runq.h"

#include <stdlib.h>
#include <string.h>

bool runq_grow(RunQueue *q) {
    size_t cap = q->cap ? q->cap * 2 : 64;
    RunItem *items = malloc(cap * sizeof *items);
    if (!items) return false;
    /* Unroll the ring into the new buffer, oldest first. */
    for (size_t i = 0; i < q->len; i++) items[i] = *runq_at(q, i);
    free(q->items);
    q->items = items;
    q->head = 0;
    q->cap = cap;
    return true;
}


bool runq_pop(RunQueue *q, RunItem *out) {
    if (!q->len) return false;
    *out = q->items[q->head];
    q->head = (q->head + 1) & (q->cap - 1);
    q->len--;
    return true;
}

/* The smallest power of two (at least 64) with room for twice n. */
static size_t shrunk_cap(size_t n) {
    size_t cap = 64;
    while (cap < 2 * n) cap *= 2;
    return cap;
}

void runq_shrink_now(RunQueue *q) {
    size_t cap = shrunk_cap(q->len);
    RunItem *items = malloc(cap * sizeof *items);
    if (!items) return;
    for (size_t i = 0; i < q->len; i++) items[i] = *runq_at(q, i);
    free(q->items);
    q->items = items;
    q->head = 0;
    q->cap = cap;
}

void runq_free(RunQueue *q) {
    free(q->items);
    memset(q, 0, sizeof *q);
}

/* ---- the timer heap ---------------------------------------------------- */

/* The heap is heapq's, step for step, comparing deadlines only, as
 * asyncio's TimerHandles compare: timers with equal deadlines then come
 * out in the order CPython's loop runs them (which is not always the
 * order they were made). */

/* heapq._siftdown: moves t[i] up towards `top` while it is earlier. */
static void sift_up(Timer *t, size_t top, size_t i) {
    Timer x = t[i];
    while (i > top) {
        size_t parent = (i - 1) / 2;
        if (!(x.when < t[parent].when)) break;
        t[i] = t[parent];
        i = parent;
    }
    t[i] = x;
}

/* heapq._siftup: moves the earlier child up all the way to a leaf, then
 * puts t[i] there and lets it rise back. */
static void sift_down(Timer *t, size_t n, size_t i) {
    size_t top = i;
    Timer x = t[i];
    size_t child = 2 * i + 1;
    while (child < n) {
        if (child + 1 < n && !(t[child].when < t[child + 1].when)) child++;
        t[i] = t[child];
        i = child;
        child = 2 * i + 1;
    }
    t[i] = x;
    sift_up(t, top, i);
}

bool timers_push(TimerHeap *h, double when, Value a, Value b, uint32_t kind) {
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        Timer *items = realloc(h->items, cap * sizeof *items);
        if (!items) return false;
        h->items = items;
        h->cap = cap;
    }
    h->items[h->len] = (Timer){when, a, b, kind};
    sift_up(h->items, 0, h->len++);
    return true;
}

bool timers_pop(TimerHeap *h, Timer *out) {
    if (!h->len) return false;
    *out = h->items[0];
    h->items[0] = h->items[--h->len];
    if (h->len) sift_down(h->items, h->len, 0);
    return true;
}

void timers_filter(TimerHeap *h, bool (*keep)(const Timer *t, void *ctx), void *ctx) {
    size_t n = 0;
    for (size_t i = 0; i < h->len; i++) {
        if (keep(&h->items[i], ctx)) h->items[n++] = h->items[i];
    }
    h->len = n;
    for (size_t i = n / 2; i-- > 0;) sift_down(h->items, n, i);
}

void timers_shrink(TimerHeap *h) {
    if (h->cap <= RUNQ_KEEP || h->len * 8 > h->cap) return;
    size_t cap = shrunk_cap(h->len);
    Timer *items = realloc(h->items, cap * sizeof *items);
    if (!items) return;
    h->items = items;
    h->cap = cap;
}

void timers_free(TimerHeap *h) {
    free(h->items);
    memset(h, 0, sizeof *h);
}
