/* "Did you mean" hints on the last line of an uncaught NameError or
 * AttributeError, as CPython 3.12 prints them. */
#ifndef ASY_SUGGEST_H
#define ASY_SUGGEST_H

#include "strbuf.h"
#include "vm.h"

/* Raises NameError("name '...' is not defined") with its `name`, and keeps
 * what the hint is looked for in (the raising frame's local names, globals
 * and self), since frames are gone when the traceback is printed. Returns
 * ERR. */
Value suggest_name_error(VM *vm, ObjStr *name);
/* Who prints the hint: CPython 3.12's uncaught-exception printer, or its
 * traceback module, which gives a NameError no hint without a traceback
 * (format_exception_only) and ends "forget to import 'x'" without '?'. */
typedef enum SuggestStyle { SUGGEST_UNCAUGHT, SUGGEST_TRACEBACK, SUGGEST_TRACEBACK_ONLY } SuggestStyle;

/* Appends ". Did you mean: 'x'?" (and for a NameError on a standard module's
 * name, "Did you forget to import 'x'?") to the last line of exc. */
void suggest_append(VM *vm, Value exc, StrBuf *out, SuggestStyle style);

/* Whether `name` is in CPython 3.12's sys.stdlib_module_names. */
bool suggest_is_stdlib_module(const char *name);

#endif
