/* Finalization: closing generators that die suspended, and __del__.
 *
 * A generator or coroutine stopped inside a try/finally, a with block or an
 * except clause has code left to run: CPython runs it (gen.close()) when the
 * last reference goes. An object whose class defines __del__ has its __del__
 * called then. Asy's collector finds such objects instead: each is tracked
 * from creation (generators whose code has an exception table; instances of
 * classes marked CLASS_HAS_DEL); before the sweep, a tracked object that is
 * unmarked (and, for a generator, suspended inside a protected region) is
 * kept alive (marked), and after the collection its finalizer runs. An
 * object's __del__ runs once (OBJ_FINALIZABLE is never cleared), so one that
 * resurrects itself is freed by a later collection without another call.
 * What escapes a finalizer is printed as CPython's "Exception ignored in:
 * ...". At the VM's end, the tracked objects still alive are finalized too,
 * oldest first, as CPython's interpreter shutdown does. An async generator
 * first iterated while asyncio's loop ran is finalized as that loop's hook
 * does it: its aclose() is scheduled as a task (while the loop still runs;
 * asyncio.run's shutdown_asyncgens closes the rest).
 *
 * CPython frees an object the moment its last reference goes, and programs
 * print from __del__ expecting that moment. While objects with __del__,
 * instances watched by weak references or plain generators with handlers
 * are alive, the interpreter therefore collects right away
 * (finalize_collect) after `del name`, after a store or del drops such a
 * value from a variable, an attribute or a list or dict item (or a class's
 * own __setattr__ keeps nothing of the value given), or POP_TOP
 * drops one (a for loop left by break drops its generator), when a for
 * loop ends (dropping its iterator), when `a or b` / `a and b` drops the
 * operand it does not give, when unpacking drops the iterator a class's
 * __iter__ made, when an exception unwinds a stack value that holds one,
 * after a call to a native that was given a value made for the call
 * (print(A()): the compiler marks such calls OP_CALL_TEMP), after an
 * attribute is read from a call's result (make().x, OP_LOAD_ATTR_TMP),
 * and after a
 * function or generator
 * returns (to bytecode or to a native caller) if its locals may have held
 * the last references
 * (finalize_frame_drops: a bounded look a few levels into them, so that
 * returns from functions that hold nothing of the kind cost no collection).
 * These forced collections draw on a budget of heap bytes
 * marked (fin_budget), so a program that keeps such objects alive through
 * millions of calls falls back to the ordinary collection schedule after a
 * bounded cost instead of slowing down. */
#ifndef ASY_FINALIZE_H
#define ASY_FINALIZE_H

#include "gen.h"

/* Tracks a new generator whose code has handlers; false after MemoryError
 * (then it is simply not finalized). A plain generator (not a coroutine)
 * turns on the early collections, since for-loops drop them midway. */
bool finalize_track(VM *vm, ObjGen *g, bool plain);
/* An async generator (tracked since it was made) that asyncio's loop
 * hooked: dropped unfinished, its aclose() is scheduled as a task, as the
 * loop's finalizer hook does, and `async for ... break` drops such
 * generators, so it turns on the early collections. */
bool finalize_agen_hooked(VM *vm, ObjGen *g);
/* Tracks an object whose class has __del__ (once; false after MemoryError). */
bool finalize_track_del(VM *vm, Obj *o);
/* The collector's step between marking and sweeping. */
void finalize_before_sweep(VM *vm);
void finalize_mark(VM *vm);
/* After a collection: runs the finalizers of what before_sweep kept. True
 * if one of them was an instance a weak reference watches: that collection
 * kept it alive for its __del__, so its refs still point at it, and it
 * takes another collection to clear them (and call their callbacks) unless
 * __del__ resurrected it; CPython clears them right after __del__. */
bool finalize_run(VM *vm);
/* The VM's end: closes every tracked generator still suspended and calls
 * __del__ of every tracked object still alive. */
void finalize_all(VM *vm);
void finalize_free(VM *vm);

/* At a return from f (its stack ending at sp), while finalize_wanted: sets
 * vm->fin_after_return, on which the return collects once the frame is gone,
 * if its locals, cells or leftover stack values may hold the last reference
 * to an object to finalize (see finalize_pending). Frees no memory and runs
 * no code. */
void finalize_frame_drops(VM *vm, Frame *f, Value *sp);
/* Collects now if objects with __del__ are alive and the budget allows
 * (see above); the caller has saved its frame state. */
void finalize_collect(VM *vm);
/* Whether v is an object with a __del__ still to run, an instance a weak
 * reference watches, or a suspended generator (which may be stopped in a
 * try/finally or with block). */
static inline bool finalize_pending(Value v) {
    if (!is_obj(v)) return false;
    Obj *o = as_obj(v);
    if ((o->flags & OBJ_FINALIZABLE) && (o->cls->obj.flags & CLASS_HAS_DEL)) return true;
    if (o->kind == OBJ_GEN) return ((ObjGen *)o)->state == GEN_SUSPENDED;
    return (o->kind == OBJ_INSTANCE || o->kind == OBJ_EXC) && (o->flags & INST_WEAKREFD);
}


/* Before a collection for a value the program just dropped (finalize_wanted
 * is true): notes the objects to finalize that it holds, itself or in its
 * items and attributes a few levels deep, in the order CPython's
 * deallocation reaches them (an object before its attributes, a list's or
 * tuple's items last to first, a dict's in order). The next finalize_run
 * runs them first, in that order. */
void finalize_note_order(VM *vm, Value v);

/* Whether one of the first few attributes of instance o (its slots, then
 * its dict's values) is to be finalized. */
bool finalize_attrs_due(Obj *o);
/* Whether dropping v calls for a collection: v is to be finalized, or (a
 * guess that costs nothing for other values) the first or last item of a
 * list or tuple is, or one of the first attributes of a plain instance
 * (`car = None` where car.engine has __del__). If so, its order is noted. */
static inline bool finalize_item_due(Value v) {
    return finalize_pending(v) || (is_obj(v) && as_obj(v)->kind == OBJ_INSTANCE && finalize_attrs_due(as_obj(v)));
}
static inline bool finalize_drop_due(Value v) {
    if (!is_obj(v)) return false;
    Obj *o = as_obj(v);
    if (finalize_pending(v)) return true;
    if (o->kind == OBJ_LIST || o->kind == OBJ_TUPLE) {
        Value *items = o->kind == OBJ_LIST ? ((ObjList *)o)->items : ((ObjTuple *)o)->items;
        int64_t n = o->kind == OBJ_LIST ? ((ObjList *)o)->len : ((ObjTuple *)o)->len;
        return n && (finalize_item_due(items[0]) || finalize_item_due(items[n - 1]));
    }
    return o->kind == OBJ_INSTANCE && finalize_attrs_due(o);
}
static inline bool finalize_dropped(VM *vm, Value v) {
    bool due = finalize_drop_due(v);
    if (due) finalize_note_order(vm, v);
    return due;
}
/* As finalize_dropped, for the values lo..hi-1 of a stack an exception
 * unwinds (a for loop's generator): the order noted is the topmost's
 * first, as CPython pops them; `more` adds to the order an earlier call
 * for an inner frame noted. */
bool finalize_stack_dropped(VM *vm, Value *lo, Value *hi, bool more);
/* As finalize_dropped, for the arguments a native call just dropped
 * (OP_CALL_TEMP), first to last as CPython releases them. */
bool finalize_args_dropped(VM *vm, Value *args, int n);
/* Whether the end of an except clause, which drops the exception it
 * handled, calls for a collection: the exception, its args or the variables
 * of the frames its traceback keeps may hold an object to finalize (as
 * finalize_frame_drops looks). If so, its order is noted. */
bool finalize_exc_dropped(VM *vm, Value exc);
/* Before a builtin drops the items of a plain list or dict at once
 * (list.clear, dict.clear, a slice store or del): whether one of them (one
 * of the first few thousand) is to be finalized, with their order noted;
 * then the caller collects once they are gone. */
bool finalize_items_dropped(VM *vm, Value container);
/* Recomputes fin_forcing after a collection or a new tracked object. */
static inline void finalize_update_forcing(VM *vm) {
    vm->fin_forcing = (vm->fin_live || vm->weak_live || vm->fin_gens) && vm->fin_budget;
}
static inline bool finalize_wanted(VM *vm) { return __builtin_expect(vm->fin_forcing, 0); }

#endif
