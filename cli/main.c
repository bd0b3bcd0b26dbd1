/* The asy command: one host of the VM, using nothing but asy.h.
 *
 *   asy FILE [ARGS]   run a script
 *   asy -c CODE       run a string
 *   asy -             run standard input
 *   asy               the REPL (or standard input when it is not a terminal)
 *
 * Exit status: 0, 1 for an uncaught exception, 2 for usage errors, or what
 * sys.exit() asked for. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asy.h"

/* The usage line alone follows a usage error, as CPython prints it; -h
 * prints it with the options. */
#define USAGE_LINE "usage: asy [option] ... [-c cmd | -m mod | file | -] [arg] ...\n"
static const char usage[] = USAGE_LINE;
static const char help[] =
    USAGE_LINE
    "Options:\n"
    "  -c cmd     program passed in as string (terminates option list)\n"
    "  -m mod     run library module as a script (terminates option list)\n"
    "  -W arg     warning control; arg is action:message:category:module:lineno\n"
    "             (also -Warg; see the warnings module)\n"
    "  -i         inspect interactively after running the script, -c or -m\n"
    "             (an interactive session on stdin even when it is not a tty)\n"
    "  -O         remove assert statements and make __debug__ False; -OO also\n"
    "             removes docstrings (sys.flags.optimize is 1 or 2)\n"
    "  -u         unbuffered stdout: each write reaches the file at once\n"
    "             (also $PYTHONUNBUFFERED, when not empty)\n"
    "  -P         don't prepend the script's directory (or '' for -c and -m)\n"
    "             to sys.path (also $PYTHONSAFEPATH, when not empty, and -I)\n"
    "  -X opt     implementation-specific option, kept in sys._xoptions\n"
    "  -q         don't print the version banner when the session is interactive\n"
    "  -B, -E, -I, -s, -S\n"
    "             accepted for CPython's sake; otherwise they change nothing\n"
    "  -h, --help print this help message and exit\n"
    "  -V, --version\n"
    "             print the Asy version and exit\n"
    "  --block-warn=MS\n"
    "             warn when a task blocks the event loop for MS milliseconds\n"
    "             (default 100, or $ASY_BLOCK_WARN; 0 turns the warning off)\n"
    "  file       program read from script file\n"
    "  -          program read from stdin (default; interactive mode if a tty)\n"
    "  arg ...    arguments passed to program in sys.argv[1:]\n";

/* Ctrl-C: the VM raises KeyboardInterrupt (or cancels asyncio.run's main
 * task) at its next safe point. */
static AsyVM *the_vm;

static void on_sigint(int sig) {
    (void)sig;
    if (the_vm) asy_interrupt(the_vm);
}

static void catch_sigint(AsyVM *vm) {
    struct sigaction old;
    /* As CPython: a SIGINT ignored by the parent (a background job) stays ignored. */
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_IGN) return;
    the_vm = vm;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);   /* no SA_RESTART: a blocking sleep wakes up */
}

/* Set when the script ended with an uncaught KeyboardInterrupt. */
static bool died_of_interrupt;

static int status_of(AsyVM *vm, AsyStatus st) {
    switch (st) {
    case ASY_OK: return 0;
    case ASY_EXIT: return asy_exit_code(vm);
    default:
        asy_print_error(vm);
        died_of_interrupt = asy_exit_code(vm) == 130;
        return asy_exit_code(vm);
    }
}

/* A module or a directory's __main__ that could not be found: as CPython,
 * "python: No module named x" and status 1, no traceback (true: the VM is
 * freed and the message printed). */
static bool not_found(AsyVM *vm, AsyStatus st) {
    static const char *const kinds[] = {"No module named", "No code object", "can't find '__main__'",
                                        "Error while finding module specification"};
    const char *err = st == ASY_ERROR ? asy_error_text(vm) : NULL;
    for (size_t k = 0; err && k < sizeof kinds / sizeof *kinds; k++) {
        if (strncmp(err, kinds[k], strlen(kinds[k]))) continue;
        fprintf(stderr, "asy: %s", err);
        asy_free(vm);
        return true;
    }
    return false;
}

static char *read_all(FILE *f, size_t *len) {
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *p = realloc(buf, cap *= 2);
            if (!p) { free(buf); return NULL; }
            buf = p;
        }
    }
    *len = n;
    return buf;
}

/* A plain line-by-line REPL: lines accumulate until the input is complete.
 * As CPython's, it writes its banner and prompts to stdout at a terminal
 * and to stderr otherwise (-i on a pipe), where they stay out of the
 * program's output. The banner is for a session that ran nothing first. */
static int repl(AsyVM *vm, bool banner) {
    FILE *out = isatty(0) ? stdout : stderr;
    if (banner) fprintf(out, "Asy %s (Python %s compatible)\n", ASY_VERSION_STRING, ASY_PYTHON_VERSION);
    char line[65536];
    size_t cap = 4096, len = 0;
    char *src = malloc(cap);
    if (!src) return 1;
    for (;;) {
        fflush(stdout);
        fputs(asy_prompt(vm, len != 0), out);
        fflush(out);
        if (!fgets(line, sizeof line, stdin)) {
            /* Ctrl-C at the prompt drops the lines typed so far, as CPython's */
            if (asy_take_interrupt(vm) && ferror(stdin)) {
                clearerr(stdin);
                fputc('\n', out);
                fputs("KeyboardInterrupt\n", stderr);
                len = 0;
                continue;
            }
            fputc('\n', out);
            break;
        }
        size_t n = strlen(line);
        if (len + n + 1 > cap) {
            char *p = realloc(src, cap = (len + n + 1) * 2);
            if (!p) break;
            src = p;
        }
        memcpy(src + len, line, n + 1);
        len += n;
        if (asy_source_incomplete(src, len)) continue;
        AsyStatus st = asy_run_interactive(vm, src, len);
        len = 0;
        if (st == ASY_EXIT) { free(src); return asy_exit_code(vm); }
        if (st == ASY_ERROR) asy_print_error(vm);
    }
    free(src);
    return 0;
}

/* Whether an environment variable is set and not empty. */
static bool env_set(const char *name) {
    const char *v = getenv(name);
    return v && *v;
}

/* A blocked-loop threshold in milliseconds, 0 to 24 hours. */
static bool parse_block_warn(const char *text, int *ms) {
    char *end;
    long v = strtol(text, &end, 10);
    if (*end || end == text || v < 0 || v > 86400000) return false;
    *ms = (int)v;
    return true;
}

/* A limit for int/str conversions as CPython's startup reads one: a whole
 * decimal int (strtol's leading blanks and sign allowed), 0 or at least
 * 640. */
static bool parse_digits_limit(const char *text, int *limit) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end || errno || v < INT_MIN || v > INT_MAX) return false;
    if (v != 0 && v < 640) return false;
    *limit = v == 0 ? -1 : (int)v;
    return true;
}

/* -X int_max_str_digits=N, else PYTHONINTMAXSTRDIGITS (unless -E), into
 * cfg; a bad one ends the process as CPython's startup error does. */
static bool set_digits_limit(AsyConfig *cfg, bool ignore_env, int nx, const char *const *xopts) {
    const char *what = NULL;
    const char *env = ignore_env ? NULL : getenv("PYTHONINTMAXSTRDIGITS");
    if (env && !parse_digits_limit(env, &cfg->int_max_str_digits)) what = "PYTHONINTMAXSTRDIGITS";
    for (int k = 0; !what && k < nx; k++) {     /* (the first one counts) */
        const char *x = xopts[k];
        size_t n = strlen("int_max_str_digits");
        if (strncmp(x, "int_max_str_digits", n) || (x[n] && x[n] != '=')) continue;
        if (!x[n] || !parse_digits_limit(x + n + 1, &cfg->int_max_str_digits)) what = "-X int_max_str_digits";
        break;
    }
    if (!what) return true;
    fprintf(stderr, "Fatal Python error: config_init_int_max_str_digits: %s: invalid limit; "
            "must be >= 640 or 0 for unlimited.\nPython runtime state: preinitialized\n\n", what);
    return false;
}

/* The switch letters of one word such as -Es or -Im: 0 when all were
 * plain switches (applied to cfg), the index of a 'c' or 'm' that ends the
 * letters, or -1 for a letter asy does not know (nothing applied then). */
static int combined_flags(const char *a, AsyConfig *cfg, bool *ignore_env, bool *quiet) {
    int k = 1;
    for (; a[k] && a[k] != 'c' && a[k] != 'm'; k++)
        if (!strchr("BsSuOEPIq", a[k])) return -1;
    for (int j = 1; j < k; j++) {
        switch (a[j]) {
        case 'u': cfg->unbuffered = 1; break;
        case 'O': cfg->optimize++; break;
        case 'E': *ignore_env = true; break;
        case 'q': *quiet = true; break;
        case 'P': cfg->safe_path = 1; break;
        case 'I': cfg->safe_path = 1; *ignore_env = true; break;
        default: break;     /* B, s, S change nothing here */
        }
    }
    return a[k] ? k : 0;
}

int main(int argc, char **argv) {
    int i = 1;
    const char *code = NULL, *module = NULL;
    bool inspect = false, quiet = false;
    const char *warnopts[argc], *xopts[argc];
    int nwarn = 0, nx = 0;
    bool ignore_env = false;
    AsyConfig cfg;
    asy_config_init(&cfg);
    /* As CPython: a write to a closed pipe or socket is a BrokenPipeError,
     * not the end of the process (child processes get SIGPIPE back). */
    signal(SIGPIPE, SIG_IGN);
    const char *unbuf = getenv("PYTHONUNBUFFERED");
    cfg.unbuffered = unbuf && *unbuf;
    const char *safe = getenv("PYTHONSAFEPATH");
    cfg.safe_path = safe && *safe;
    cfg.inspect = env_set("PYTHONINSPECT");
    const char *env = getenv("ASY_BLOCK_WARN");
    if (env && !parse_block_warn(env, &cfg.block_warn_ms)) {
        fprintf(stderr, "asy: ASY_BLOCK_WARN needs a number of milliseconds (0 turns it off), not '%s'\n", env);
        return 2;
    }
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-m")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "Argument expected for the -m option\n%sTry `asy -h' for more information.\n", usage);
                return 2;
            }
            module = argv[++i];
            i++;
            break;
        }
        if (!strcmp(a, "-c")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "Argument expected for the -c option\n%sTry `asy -h' for more information.\n", usage);
                return 2;
            }
            code = argv[++i];
            i++;
            break;
        }
        if (!strncmp(a, "-W", 2)) {
            const char *w = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
            if (!w) {
                fprintf(stderr, "Argument expected for the -W option\n%sTry `asy -h' for more information.\n", usage);
                return 2;
            }
            warnopts[nwarn++] = w;
            continue;
        }
        if (!strncmp(a, "-X", 2)) {
            const char *x = a[2] ? a + 2 : i + 1 < argc ? argv[++i] : NULL;
            if (!x) {
                fprintf(stderr, "Argument expected for the -X option\n%sTry `asy -h' for more information.\n", usage);
                return 2;
            }
            xopts[nx++] = x;
            continue;
        }
        if (!strcmp(a, "-u")) { cfg.unbuffered = 1; continue; }
        if (!strcmp(a, "-i")) { inspect = true; cfg.inspect = cfg.interactive = 1; continue; }
        if (!strcmp(a, "-O") || !strcmp(a, "-OO")) { cfg.optimize += (int)strlen(a) - 1; continue; }
        if (!strcmp(a, "-P") || !strcmp(a, "-I")) {    /* (-I implies -P and -E) */
            cfg.safe_path = 1;
            ignore_env |= a[1] == 'I';
            continue;
        }
        if (!strcmp(a, "-E")) { ignore_env = true; continue; }
        if (!strcmp(a, "-q")) { quiet = true; continue; }
        /* CPython's switches that change nothing here: -B (no bytecode
         * files), -s, -S. (-E only keeps PYTHONPATH out.) */
        if (strlen(a) == 2 && strchr("BsS", a[1])) continue;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(help, stdout); return 0; }
        if (!strcmp(a, "-V") || !strcmp(a, "--version")) { printf("Asy %s\n", ASY_VERSION_STRING); return 0; }
        if (!strncmp(a, "--block-warn=", 13)) {
            if (!parse_block_warn(a + 13, &cfg.block_warn_ms)) {
                fprintf(stderr, "asy: --block-warn needs a number of milliseconds (0 turns it off), not '%s'\n", a + 13);
                return 2;
            }
            continue;
        }
        if (!strcmp(a, "--")) { i++; break; }
        /* Letters run together, as CPython reads them: -Es, -mMOD,
         * -cCODE, -Ic CODE (a c or m takes the rest, else the next word). */
        int taken = a[1] != '-' ? combined_flags(a, &cfg, &ignore_env, &quiet) : -1;
        if (taken > 0) {
            const char *rest = a + taken + 1;
            const char *val = *rest ? rest : i + 1 < argc ? argv[++i] : NULL;
            if (!val) {
                fprintf(stderr, "Argument expected for the -%c option\n%sTry `asy -h' for more information.\n",
                        a[taken], usage);
                return 2;
            }
            if (a[taken] == 'c') code = val;
            else module = val;
            i++;
            break;
        }
        if (taken == 0) continue;
        fprintf(stderr, "Unknown option: %s\n%sTry `asy -h' for more information.\n", a, usage);
        return 2;
    }
    if (!ignore_env) cfg.module_path = getenv("PYTHONPATH");
    /* sys.warnoptions: PYTHONWARNINGS's comma-separated filters (the empty
     * ones dropped), then -W's */
    char *envwarn = NULL;
    const char **allwarn = (const char **)warnopts;
    const char *pw = ignore_env ? NULL : getenv("PYTHONWARNINGS");
    if (pw && *pw) {
        size_t len = strlen(pw), parts = 1;
        for (size_t k = 0; k < len; k++) parts += pw[k] == ',';
        envwarn = strdup(pw);
        allwarn = envwarn ? malloc((parts + (size_t)nwarn) * sizeof *allwarn) : NULL;
        if (!allwarn) { fputs("asy: out of memory\n", stderr); return 1; }
        int n = 0;
        for (char *tok = envwarn, *comma; tok; tok = comma) {
            if ((comma = strchr(tok, ','))) *comma++ = 0;
            if (*tok) allwarn[n++] = tok;
        }
        for (int k = 0; k < nwarn; k++) allwarn[n++] = warnopts[k];
        nwarn = n;
    }
    if (!set_digits_limit(&cfg, ignore_env, nx, xopts)) return 1;
    AsyVM *vm = asy_new(&cfg);
    if (!vm) { fputs("asy: out of memory\n", stderr); return 1; }
    catch_sigint(vm);
    bool opts_ok = (!nx || asy_set_xoptions(vm, nx, xopts) == ASY_OK) &&
                   (!nwarn || asy_set_warnoptions(vm, nwarn, allwarn) == ASY_OK);
    if (envwarn) { free(envwarn); free(allwarn); }    /* (the VM has made strs of them) */
    if (!opts_ok) {
        int st = status_of(vm, ASY_ERROR);
        asy_free(vm);
        return st;
    }
    int status;
    bool ran_program = true;
    if (module) {
        const char *args[argc + 1];
        int n = 0;
        args[n++] = module;
        for (int k = i; k < argc; k++) args[n++] = argv[k];
        asy_set_argv(vm, n, args);
        AsyStatus st = asy_run_module(vm, module);
        if (not_found(vm, st)) return 1;
        status = status_of(vm, st);
    } else if (code) {
        const char *args[argc + 1];
        args[0] = "-c";
        int n = 1;
        for (int k = i; k < argc; k++) args[n++] = argv[k];
        asy_set_argv(vm, n, args);
        status = status_of(vm, asy_run_source(vm, code, strlen(code), "<string>"));
    } else if (i < argc && strcmp(argv[i], "-") != 0) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            /* As CPython: a usage-level error, status 2. */
            /* named by its absolute path, as CPython names it */
            int err = errno;
            char cwd[4096];
            bool rel = argv[i][0] != '/' && getcwd(cwd, sizeof cwd);
            fprintf(stderr, "asy: can't open file '%s%s%s': [Errno %d] %s\n", rel ? cwd : "", rel ? "/" : "", argv[i], err,
                    strerror(err));
            asy_free(vm);
            return 2;
        }
        fclose(f);
        asy_set_argv(vm, argc - i, (const char *const *)argv + i);
        AsyStatus st = asy_run_file(vm, argv[i]);
        if (not_found(vm, st)) return 1;
        status = status_of(vm, st);
    } else if (i >= argc && (isatty(0) || inspect)) {
        asy_set_argv(vm, 0, NULL);
        status = repl(vm, !quiet);
        inspect = ran_program = false;
    } else {
        const char *args[argc + 1];
        int n = 0;
        args[n++] = i < argc ? argv[i++] : "";
        for (int k = i; k < argc; k++) args[n++] = argv[k];
        asy_set_argv(vm, n, args);
        size_t len;
        char *src = read_all(stdin, &len);
        status = src ? status_of(vm, asy_run_source(vm, src, len, "<stdin>")) : 1;
        free(src);
    }
    /* -i: the session continues in the program's namespace, whatever
     * became of the program (CPython's exit status is then the session's).
     * PYTHONINSPECT, also when the program set it in os.environ, does the
     * same at a terminal. */
    if (!died_of_interrupt && (inspect || (ran_program && env_set("PYTHONINSPECT") && isatty(0))))
        status = repl(vm, false);
    fflush(stdout);
    the_vm = NULL;
    asy_free(vm);
    if (died_of_interrupt) {
        /* An uncaught KeyboardInterrupt: as CPython, die of SIGINT so the
         * parent sees the signal. */
        signal(SIGINT, SIG_DFL);
        raise(SIGINT);
    }
    return status;
}
