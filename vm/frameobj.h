/* Frame objects: what sys._getframe, inspect and a traceback's tb_frame
 * give scripts.
 *
 * The interpreter's frames (vm.h: Frame) are not objects: they live on a
 * fiber's data stack and calls never allocate. A frame object is made only
 * when a script asks for one, and it is a snapshot: the code, globals,
 * line, instruction offset and a copy of the frame's slots. While the
 * frame it shows still runs on the asking thread's fiber, reads of
 * f_lineno, f_locals and f_back look at the live frame (and refresh the
 * snapshot); the frame, marked FRAME_OBSERVED, gives its object a last
 * snapshot as it returns, unwinds or yields, and later reads show that.
 * Calls know nothing of frame objects; whether the frame still runs is
 * found by looking for it on the fiber (frameobj.c: live), never by
 * following the pointer kept, which may outlive a frame that went away
 * otherwise (a generator freed while suspended). */
#ifndef ASY_FRAMEOBJ_H
#define ASY_FRAMEOBJ_H

#include "vm.h"

typedef struct FrameObj {
    Obj obj;
    ObjCode *code;
    ObjDict *globals;
    /* A dict (a module's globals, a class body's namespace, or one made
     * for f_locals), or a private tuple copy of a function frame's slots,
     * turned into a dict when first asked for; UNDEF for a running frame
     * not yet read. */
    Value locals;
    Value back;             /* the caller's frame object, UNDEF until asked */
    /* The dict f_locals gave for a function's frame, UNDEF until asked:
     * later reads update it, so keys a debugger adds stay (CPython 3.12's
     * frame dict keeps them too: pdb's __return__). */
    Value shown;
    /* The frame shown and its caller when the object was made (NULL once
     * it has ended): compared with the fiber's frames, never followed
     * unless found there. */
    Frame *live, *live_prev;
    uint32_t pc;            /* just past the instruction running */
    int32_t line;           /* 0 until asked for (reading the line table costs) */
} FrameObj;

/* The frame object of frame f, standing just past ip's instruction: a
 * frame has one (CPython's identity: `sys._getframe() is
 * sys._getframe()`), made on the first request, which marks f
 * FRAME_OBSERVED; NULL after raising MemoryError. */
FrameObj *frameobj_of(VM *vm, Frame *f, const uint32_t *ip);
/* Observed frame f leaving: returning or unwinding (its object keeps this
 * last snapshot and links its caller's as f_back) or yielding (a suspended
 * generator's object shows its yield). The one cost frame objects put on
 * returns, behind the flag test those already make. */
typedef enum { LEAVE_RETURN, LEAVE_UNWIND, LEAVE_YIELD } FrameLeave;
void frameobj_leave(VM *vm, Frame *f, FrameLeave how);
/* Observed frame f, not running, whose memory the caller knows is there
 * (a suspended generator's, read through gi_frame): its object takes a
 * snapshot now. */
void frameobj_sync(VM *vm, Frame *f);
/* sys._getframe(depth): the frame object `depth` calls above the frame
 * calling it (a negative depth counts as 0). */
Value frameobj_getframe(VM *vm, Value depth);

/* f, or the nearest frame above it that is not an inlined comprehension's. */
Frame *frame_visible(Frame *f);
/* Sets f_back of a traceback entry's frame that has none yet (the next
 * entry's frame, or None), as CPython links a traceback's frames. */
void frameobj_set_back(FrameObj *f, Value back);
/* The frame type's attributes and methods. */
void frameobj_init(VM *vm);

#endif
