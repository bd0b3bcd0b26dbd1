/* asy.h: the embedding API of Asy, the only header a host includes.
 *
 * A host fills an AsyConfig (asy_config_init gives the defaults), creates a
 * VM with asy_new, runs source or files, and frees the VM. VMs share nothing:
 * a process may run several at once, each on its own thread. Errors come back
 * as values: a run returns an AsyStatus, and asy_error_text describes the
 * exception that ended it, traceback included. Nothing here calls abort() or
 * exits the process.
 */
#ifndef ASY_H
#define ASY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ASY_VERSION_STRING "0.1.0"
#define ASY_PYTHON_VERSION "3.12"

typedef struct AsyVM AsyVM;

/* Where the VM's output goes. `stream` is 1 for stdout and 2 for stderr. */
typedef void (*AsyWriteFn)(AsyVM *vm, int stream, const char *text, size_t len);

typedef struct AsyConfig {
    /* Output of print(), tracebacks and warnings. Default: stdout/stderr. */
    AsyWriteFn write;
    /* Bytes the heap may hold before allocations fail with MemoryError;
     * 0 means no limit. */
    size_t memory_limit;
    /* Bytes allocated before the first collection (later thresholds grow
     * with the live heap). */
    size_t gc_initial;
    /* Collect at every safe point that follows an allocation (for tests). */
    int gc_stress;
    /* Anything the host wants to reach from callbacks. */
    void *user_data;
    /* The blocked-loop detector (SPEC 6.2): a task that holds the event
     * loop longer than this many milliseconds is reported on stderr.
     * Default 100; 0 turns it off. */
    int block_warn_ms;
    /* Non-zero: the default write callback passes every write of stdout
     * to its file descriptor at once, as `python -u` or PYTHONUNBUFFERED
     * do (sys.stdout.write_through is True); otherwise stdout is buffered
     * by C's stdio. Default 0 (the command line sets it from -u and
     * PYTHONUNBUFFERED). */
    int unbuffered;
    /* Non-zero: sys.path does not get the script's directory (or '' for
     * -c, -m and the REPL) first, and sys.flags.safe_path is True, as
     * `python -P` or PYTHONSAFEPATH. Default 0. */
    int safe_path;
    /* The optimization level, as `python -O` (1: assert statements are
     * not compiled and __debug__ is False) or -OO (2: docstrings are
     * dropped too); sys.flags.optimize. Default 0. */
    int optimize;
    /* sys.flags.inspect and sys.flags.interactive, as `python -i` sets
     * both and PYTHONINSPECT the first. Default 0; the host runs the
     * interactive session itself. */
    int inspect, interactive;
    /* Directories that sys.path gets after its first entry, separated by
     * ':', as PYTHONPATH gives them (a relative one, or an empty one, is
     * taken from the working directory). Kept, not copied. Default NULL;
     * the command line sets it from PYTHONPATH unless -E or -I. */
    const char *module_path;
    /* The most digits an int may have in a conversion to or from str in
     * a base that is not a power of two (sys.get_int_max_str_digits()):
     * 0 (the default) for CPython's 4300, -1 for no limit. The command
     * line sets it from -X int_max_str_digits and PYTHONINTMAXSTRDIGITS. */
    int int_max_str_digits;
} AsyConfig;

typedef enum AsyStatus {
    ASY_OK = 0,         /* ran to the end */
    ASY_ERROR = 1,      /* an uncaught exception: see asy_error_text */
    ASY_EXIT = 2        /* SystemExit: see asy_exit_code */
} AsyStatus;

/* Fills `cfg` with the defaults. */
void asy_config_init(AsyConfig *cfg);

/* Creates a VM, or returns NULL if memory runs out. `cfg` may be NULL for
 * the defaults; it is copied. */
AsyVM *asy_new(const AsyConfig *cfg);

/* Frees the VM and everything it allocated. */
void asy_free(AsyVM *vm);

/* The host's pointer from AsyConfig.user_data. */
void *asy_user_data(AsyVM *vm);

/* Sets sys.argv (argv[0] is the script name, as in Python). */
AsyStatus asy_set_argv(AsyVM *vm, int argc, const char *const *argv);
/* Adds warning filters as CPython's -W options do (appended to
 * sys.warnoptions; "action:message:category:module:lineno"). An option that
 * cannot be understood is reported on stderr and ignored. */
AsyStatus asy_set_warnoptions(AsyVM *vm, int n, const char *const *options);
/* Records CPython's -X options in sys._xoptions: "name=value" as a str,
 * a bare "name" as True. Asy's behaviour does not depend on them (the
 * command line reads -X int_max_str_digits into AsyConfig itself). */
AsyStatus asy_set_xoptions(AsyVM *vm, int n, const char *const *options);

/* Runs `len` bytes of source as the __main__ module; `filename` is what
 * tracebacks show. */
AsyStatus asy_run_source(AsyVM *vm, const char *source, size_t len, const char *filename);

/* Reads and runs a file as the __main__ module. */
AsyStatus asy_run_file(AsyVM *vm, const char *path);

/* Runs module `name` (dotted; a package runs its __main__.asy) as the
 * __main__ module, finding it along sys.path as `python -m` does. */
AsyStatus asy_run_module(AsyVM *vm, const char *name);

/* Runs one chunk of interactive input in __main__: each expression
 * statement's value is printed with repr() unless it is None, as in
 * Python's REPL. */
AsyStatus asy_run_interactive(AsyVM *vm, const char *source, size_t len);

/* The interactive prompt to show: str(sys.ps1), or str(sys.ps2) when
 * `continuation` is nonzero; the first call sets sys.ps1 and sys.ps2 to
 * '>>> ' and '... ' when they are missing, as CPython's REPL does. The
 * text is valid until the next call. */
const char *asy_prompt(AsyVM *vm, int continuation);

/* Whether `source` is an incomplete interactive input that needs more lines
 * (an open bracket, a compound statement header, a triple-quoted string). */
int asy_source_incomplete(const char *source, size_t len);

/* After ASY_ERROR: the exception's traceback and message exactly as an
 * uncaught exception prints it; NULL if there is none. Valid until the next
 * run. After ASY_EXIT: the exit status of SystemExit; after ASY_ERROR: 130
 * for an uncaught KeyboardInterrupt (what a shell shows for Ctrl-C), else 1. */
const char *asy_error_text(AsyVM *vm);
int asy_exit_code(AsyVM *vm);

/* Interrupts the VM as Ctrl-C does: KeyboardInterrupt at the next safe
 * point, or, while asyncio.run() runs, cancellation of its main task
 * (a second interrupt then raises KeyboardInterrupt). Safe to call from a
 * signal handler or another thread. */
void asy_interrupt(AsyVM *vm);

/* Whether a Ctrl-C (asy_interrupt) is pending, which it then drops: a host
 * that was waiting for input itself (the REPL at its prompt) answers it
 * there rather than in the next code it runs. */
int asy_take_interrupt(AsyVM *vm);

/* Prints the pending error (traceback) through the write callback and
 * clears it. */
void asy_print_error(AsyVM *vm);

/* Captures everything the VM writes to stdout into a buffer until
 * asy_capture_end, which returns it (NUL-terminated; owned by the VM, valid
 * until the next capture). */
void asy_capture_begin(AsyVM *vm);
const char *asy_capture_end(AsyVM *vm, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
