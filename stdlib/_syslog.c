/* _syslog: the C library's syslog(3) calls under the syslog module
 * (stdlib/syslog.asy, which parses the arguments and supplies defaults). */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/str.h"
#include "modules.h"
#include "procargs.h"

/* openlog() keeps the pointer it is given, so the ident lives here until
 * the next openlog() or closelog(); the log is one per process anyway. */
static char *log_ident;

static bool text_arg(VM *vm, Value v, const char *what, const char **out) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s must be str, not %T", what, v);
        return false;
    }
    const ObjStr *s = AS(ObjStr, v);
    if (strlen(s->data) != (size_t)s->len) {
        exc_raise(vm, E_ValueError, "embedded null character");
        return false;
    }
    *out = s->data;
    return true;
}

/* openlog(ident or None, logoption, facility) */
static Value f_openlog(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    long option, facility;
    const char *ident = NULL;
    if (!args_check(vm, "openlog", nargs, kw, 3, 3) || (args[0] != NONE_VAL && !text_arg(vm, args[0], "ident", &ident)) ||
        !procargs_long(vm, args[1], &option) || !procargs_long(vm, args[2], &facility))
        return ERR;
    char *copy = ident ? strdup(ident) : NULL;
    if (ident && !copy) return exc_nomem(vm);
    closelog();
    free(log_ident);
    log_ident = copy;
    openlog(log_ident, (int)option, (int)facility);
    return NONE_VAL;
}

static Value f_syslog(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    long priority;
    const char *msg;
    if (!args_check(vm, "syslog", nargs, kw, 2, 2) || !procargs_long(vm, args[0], &priority) ||
        !text_arg(vm, args[1], "message", &msg))
        return ERR;
    syslog((int)priority, "%s", msg);
    return NONE_VAL;
}

static Value f_closelog(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "closelog", nargs, kw, 0, 0)) return ERR;
    closelog();
    free(log_ident);
    log_ident = NULL;
    return NONE_VAL;
}

static Value f_setlogmask(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    long mask;
    if (!args_check(vm, "setlogmask", nargs, kw, 1, 1) || !procargs_long(vm, args[0], &mask)) return ERR;
    return int_from_i64(vm, setlogmask((int)mask));
}

bool mod__syslog_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; long value; } consts[] = {
        {"LOG_EMERG", LOG_EMERG}, {"LOG_ALERT", LOG_ALERT}, {"LOG_CRIT", LOG_CRIT}, {"LOG_ERR", LOG_ERR},
        {"LOG_WARNING", LOG_WARNING}, {"LOG_NOTICE", LOG_NOTICE}, {"LOG_INFO", LOG_INFO}, {"LOG_DEBUG", LOG_DEBUG},
        {"LOG_KERN", LOG_KERN}, {"LOG_USER", LOG_USER}, {"LOG_MAIL", LOG_MAIL}, {"LOG_DAEMON", LOG_DAEMON},
        {"LOG_AUTH", LOG_AUTH}, {"LOG_LPR", LOG_LPR}, {"LOG_NEWS", LOG_NEWS}, {"LOG_UUCP", LOG_UUCP},
        {"LOG_CRON", LOG_CRON}, {"LOG_SYSLOG", LOG_SYSLOG}, {"LOG_LOCAL0", LOG_LOCAL0}, {"LOG_LOCAL1", LOG_LOCAL1},
        {"LOG_LOCAL2", LOG_LOCAL2}, {"LOG_LOCAL3", LOG_LOCAL3}, {"LOG_LOCAL4", LOG_LOCAL4},
        {"LOG_LOCAL5", LOG_LOCAL5}, {"LOG_LOCAL6", LOG_LOCAL6}, {"LOG_LOCAL7", LOG_LOCAL7},
        {"LOG_AUTHPRIV", LOG_AUTHPRIV}, {"LOG_PID", LOG_PID}, {"LOG_CONS", LOG_CONS}, {"LOG_NDELAY", LOG_NDELAY},
        {"LOG_ODELAY", LOG_ODELAY}, {"LOG_NOWAIT", LOG_NOWAIT}, {"LOG_PERROR", LOG_PERROR},
    };
    for (size_t i = 0; i < sizeof consts / sizeof consts[0]; i++)
        if (!module_add_value(vm, m, consts[i].name, int_from_i64(vm, consts[i].value))) return false;
    return module_add_native(vm, m, "openlog", f_openlog) && module_add_native(vm, m, "syslog", f_syslog) &&
           module_add_native(vm, m, "closelog", f_closelog) && module_add_native(vm, m, "setlogmask", f_setlogmask);
}
