/* Frame objects: what sys._getframe, inspect and a traceback's tb_frame
 * give scripts.
 *
 * The interpreter's frames (vm.h: Frame) are not objects: they live on a
 * fiber's data stack and calls never allocate. A frame object is made only
 * when a script asks for one, and it is a snapshot: the code, globals,
 * line, instruction offset and a copy of the frame's slots at that moment.
 * While the frame it shows still runs on the asking thread's fiber, reads
 * of f_lineno, f_locals and f_back look at the live frame (and refresh the
 * snapshot); once it has returned they give the last snapshot. Nothing on
 * the call or return path knows frame objects exist: whether the frame
 * still runs is found by looking for it on the fiber (frameobj.c: live). */
#ifndef ASY_FRAMEOBJ_H
#define ASY_FRAMEOBJ_H

#include "vm.h"

typedef struct FrameObj {
    Obj obj;
    ObjCode *code;
    ObjDict *globals;
    /* A dict (a module's globals, a class body's namespace, or one made
     * for f_locals), or a private tuple copy of a function frame's slots,
     * turned into a dict when first asked for. */
    Value locals;
    Value back;             /* the caller's frame object, UNDEF until asked */
    /* The dict f_locals gave for a function's frame, UNDEF until asked:
     * later reads update it, so keys a debugger adds stay (CPython 3.12's
     * frame dict keeps them too: pdb's __return__). */
    Value shown;
    /* The frame shown and its caller when the snapshot was made: compared
     * with the fiber's frames, never followed unless found there. */
    Frame *live, *live_prev;
    uint32_t pc;            /* just past the instruction running */
    int32_t line;           /* 0 until asked for (reading the line table costs) */
} FrameObj;

/* A frame object for frame f stopped at ip (just past the instruction
 * running), or NULL after raising MemoryError. */
FrameObj *frameobj_new(VM *vm, Frame *f, const uint32_t *ip);
/* o made again for frame f stopped at ip (a generator's frame object, read
 * again after it ran): o, or NULL after raising MemoryError. */
FrameObj *frameobj_retake(VM *vm, FrameObj *o, Frame *f, const uint32_t *ip);
/* o moved to frame f at ip without a new snapshot of its variables: a
 * running frame's object takes one when they are read (a trace hook's
 * events would otherwise copy them at every line). */
void frameobj_move(FrameObj *o, Frame *f, const uint32_t *ip);
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
