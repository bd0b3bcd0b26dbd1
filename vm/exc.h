/* Exceptions: raising from C, matching, tracebacks, and the text an uncaught
 * exception prints (CPython's format, chained causes and contexts included). */
#ifndef ASY_EXC_H
#define ASY_EXC_H

#include "strbuf.h"
#include "suggest.h"
#include "vm.h"

/* Raises a new exception of a builtin class with a formatted message and
 * returns ERR. Besides printf's %s %d %ld %lld %c %%, it understands %S (an
 * ObjStr*), %T (the type name of a Value), %A (the same, but None for None, as in argument errors) and %R (the repr of a Value). */
Value exc_raise(VM *vm, ExcId id, const char *fmt, ...);

/* Issues a warning of a builtin category, formatted as exc_raise does,
 * through the warnings module, whose filters decide whether it is shown,
 * ignored or raised; the script line that called the native is its
 * location. Returns false, with the exception set, if it was raised. */
bool exc_warn(VM *vm, ExcId category, const char *fmt, ...);
/* The same, naming the object the warning is about (warn's `source`: the
 * warnings module adds CPython's tracemalloc line for it). */
bool exc_warn_source(VM *vm, ExcId category, Value source, const char *fmt, ...);
/* Gives the pending exception (an AttributeError or NameError just raised)
 * its `name` (and `obj` unless UNDEF) attributes, as CPython does; returns ERR. */
Value exc_note_name(VM *vm, ObjStr *name, Value obj);
/* exc.add_note(note) for an exception object exc and a str note. */
Value exc_add_note(VM *vm, Value exc, Value note);
/* Raises UnicodeDecodeError/UnicodeEncodeError(encoding, object, start,
 * end, reason): CPython's arguments, from which str() and the attributes
 * come. Returns ERR. */
Value exc_unicode_error(VM *vm, ExcId id, const char *encoding, Value object, int64_t start, int64_t end,
                        const char *reason);
/* The keyword arguments BaseException.__init__ accepts for some classes
 * (AttributeError's name= and obj=, NameError's name=, ImportError's name=
 * and path=): stored as attributes; TypeError for others. -1 on error. */
int exc_init_kwargs(VM *vm, Value exc, Value *vals, ObjTuple *kwnames);
/* Checks keywords given to exception class cls (before its arguments, as
 * CPython's __init__ does); -1 after raising. */
int exc_check_kwargs(VM *vm, ObjClass *cls, ObjTuple *kwnames);
/* What obj.__float__ returned, r, not an exact float, as PyFloat_AsDouble
 * takes it: a float subclass's instance with a DeprecationWarning, else
 * TypeError. false after raising. */
bool exc_float_subclass_ok(VM *vm, Value obj, Value r);
/* Raises an exception instance or class (instantiated without args);
 * TypeError if it is neither. Sets __context__ from the exception being
 * handled. Returns ERR. */
Value exc_raise_value(VM *vm, Value exc);
/* Raises SystemExit(*args): sys.exit(), exit() and quit(). */
Value exc_system_exit(VM *vm, Value *args, int nargs);
Value exc_nomem(VM *vm);                         /* MemoryError */
Value exc_new(VM *vm, ObjClass *cls, ObjTuple *args);
/* Whether the pending/given exception is an instance of a builtin class. */
bool exc_is(VM *vm, Value exc, ExcId id);
/* `except T:` matching: T is a class or a tuple of classes; -1 if T is bad. */
int exc_matches(VM *vm, Value exc, Value type);
/* Records that `exc` passed through the instruction before `ip` of `code`,
 * the code of the fiber's innermost frame (with a frame object for it). */
void exc_add_tb(VM *vm, Value exc, ObjCode *code, const uint32_t *ip);
/* An exception re-raised in the frame that caught it (a finally's end, an
 * except clause that did not match): the frame object its traceback holds
 * shows where the frame got to (f_lineno), as CPython's frame does. */
void exc_reraised_at(Value e, Frame *frame, ObjCode *code, const uint32_t *ip);
/* Makes ctx (the exception being handled) the __context__ of e, raised
 * meanwhile, without forming a cycle in the chain. */
void exc_chain_context(Value e, Value ctx);
/* Sets e.args as BaseException.__init__ does (an OSError's are parsed
 * into errno, strerror, filename and filename2). false after MemoryError. */
bool exc_set_args(VM *vm, ObjException *e, ObjTuple *args);
/* The arguments that remake e (for pickling): its args, and an OSError's
 * filename (and filename2) that left them. NULL after MemoryError. */
ObjTuple *exc_reduce_args(VM *vm, ObjException *e);
/* A traceback entry's line (computed on first use). */
int exc_tb_line(TbEntry *t);
/* The span of a traceback object's instruction; false if unknown. */
bool exc_tb_position(VM *vm, Value tb, LineEntry *pos);
/* A list, set or dict comprehension's code, which CPython 3.12 compiles
 * into the function around it. */
bool exc_inlined_comprehension(ObjCode *code);
/* The text an uncaught exception prints, from "Traceback (most recent call
 * last):" to the last line. */
void exc_format(VM *vm, Value exc, StrBuf *out);
/* The same for an exception that ended a module run as CPython's runpy runs
 * one (-m, a directory): its traceback starts at runpy's two frames. */
void exc_format_runpy(VM *vm, Value exc, StrBuf *out);
/* The same, with the "Did you mean" hints of the traceback module rather
 * than those of the uncaught-exception printer (see suggest.h). */
void exc_format_style(VM *vm, Value exc, StrBuf *out, SuggestStyle style);
/* CPython's unraisable hook: writes `prefix`, repr(obj) (unless obj is
 * UNDEF), a newline and the traceback of the pending exception to stderr,
 * and clears it. For errors nothing can catch: finalizers, callbacks run by
 * the VM, threads. */
void exc_report_unraisable(VM *vm, const char *prefix, Value obj);
/* A queued warning about an object the sweep freed (vm_queue_warning),
 * given to warnings._warn_swept: its filters apply, and an error the
 * warning raises is reported as unraisable, naming `origin`. False when
 * it cannot be (at exit, no file, out of memory): the caller writes it. */
bool exc_warn_swept(VM *vm, const char *message, const char *origin, const char *file, int line);
bool exc_write_sys_stderr(VM *vm, const char *text, size_t len);
/* "TypeError: message" (or "TypeError" alone), as the last traceback line. */
void exc_format_only(VM *vm, Value exc, StrBuf *out, bool notes, bool name_hint);
/* str(exc) */
Value exc_str(VM *vm, Value exc);
/* Attributes held in fields (args, __cause__, StopIteration.value, ...):
 * UNDEF when `name` is not one of them. */
Value exc_getattr(VM *vm, ObjException *e, ObjStr *name);
/* 1 when `name` is such a field and was set, 0 when it is not one, -1 on error. */
int exc_setattr(VM *vm, ObjException *e, ObjStr *name, Value v);
/* OSError(errno, ...) makes the subclass for that errno, as CPython. */
ObjClass *exc_oserror_class(VM *vm, ObjClass *cls, Value *args, int nargs);
/* An OSError subclass whose own __new__ gave OSError.__new__ its
 * arguments: OSError.__init__ then changes nothing. */
bool exc_oserror_parsed_by_new(VM *vm, ObjClass *cls);
/* e.__traceback__: a traceback object for entry `index` (outermost is
 * ntb - 1), or None. */
Value exc_traceback(VM *vm, Value exc, int index);
Value exc_traceback_attr(VM *vm, ObjIter *t, ObjStr *name);
/* Makes an instance of an exception class from the constructor's arguments:
 * OSError picks its subclass by errno, BaseExceptionGroup checks its
 * arguments and becomes an ExceptionGroup when it holds only Exceptions. */
Value exc_construct(VM *vm, ObjClass *cls, Value *args, int nargs);
/* except* T (CHECK_EG_MATCH): splits exc by T. *match is the matching part
 * (a naked exception is wrapped in ExceptionGroup("", (exc,))) or None;
 * *rest the part left over (None, or exc itself when nothing matched).
 * TypeError for a bad T or one deriving from BaseExceptionGroup. -1 on error. */
int exc_group_match(VM *vm, Value exc, Value type, Value *match, Value *rest);
/* The end of try/except* (PREP_RERAISE_STAR): from the exception caught
 * (orig) and the list of what the handlers raised or re-raised plus the
 * unhandled rest, what to raise: None for nothing; re-raised parts keep
 * orig's structure, new exceptions join them in ExceptionGroup("", [...]). */
Value exc_prep_reraise_star(VM *vm, Value orig, ObjList *excs);
void exc_init_types(VM *vm);

#endif
