/* The time module: clocks, sleep, and calendar conversion (gmtime,
 * localtime, mktime, strftime, asctime, ctime; strptime is in Asy).
 *
 * struct_time is a tuple subclass written in Asy (stdlib/_structseq.asy);
 * gmtime and localtime call it with the nine fields, tm_zone and
 * tm_gmtoff. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "../vm/gil.h"
#include "../vm/class.h"
#include "../vm/import.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "modules.h"
#include "procargs.h"

#define ST_NFIELDS 9

/* ---- clocks ---------------------------------------------------------------- */

static Value clock_float(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, clockid_t id) {
    (void)args;
    if (!args_check(vm, name, nargs, kw, 0, 0)) return ERR;
    struct timespec ts;
    clock_gettime(id, &ts);
    return float_val((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
}

static Value clock_ns(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, clockid_t id) {
    (void)args;
    if (!args_check(vm, name, nargs, kw, 0, 0)) return ERR;
    struct timespec ts;
    clock_gettime(id, &ts);
    return int_from_i64(vm, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

#define CLOCK_FNS(cname, id) \
    static Value t_##cname(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_float(vm, a, n, kw, #cname, id); } \
    static Value t_##cname##_ns(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_ns(vm, a, n, kw, #cname "_ns", id); }
CLOCK_FNS(time, CLOCK_REALTIME)
CLOCK_FNS(monotonic, CLOCK_MONOTONIC)
CLOCK_FNS(perf_counter, CLOCK_MONOTONIC)
CLOCK_FNS(process_time, CLOCK_PROCESS_CPUTIME_ID)
CLOCK_FNS(thread_time, CLOCK_THREAD_CPUTIME_ID)
#undef CLOCK_FNS

/* The clock_* functions take a clock id; a bad one is the system's EINVAL. */
static bool clock_id_arg(VM *vm, Value v, clockid_t *out) {
    int64_t id;
    if (!ssize_value(vm, v, &id)) return false;
    if (id < INT32_MIN || id > INT32_MAX) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return false;
    }
    *out = (clockid_t)id;
    return true;
}

static Value clock_call(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool ns, bool res) {
    clockid_t id;
    if (!args_check(vm, name, nargs, kw, 1, 1) || !clock_id_arg(vm, args[0], &id)) return ERR;
    struct timespec ts;
    if ((res ? clock_getres(id, &ts) : clock_gettime(id, &ts)) != 0) return procargs_oserror(vm, errno, UNDEF, UNDEF);
    if (ns) return int_from_i64(vm, (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
    return float_val((double)ts.tv_sec + (double)ts.tv_nsec * 1e-9);
}

static Value t_clock_gettime(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_call(vm, a, n, kw, "clock_gettime", false, false); }
static Value t_clock_gettime_ns(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_call(vm, a, n, kw, "clock_gettime_ns", true, false); }
static Value t_clock_getres(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_call(vm, a, n, kw, "clock_getres", false, true); }

static Value clock_set(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool ns) {
    clockid_t id;
    if (!args_check(vm, name, nargs, kw, 2, 2) || !clock_id_arg(vm, args[0], &id)) return ERR;
    struct timespec ts;
    if (ns) {
        int64_t v;
        /* an int itself, as CPython's _PyTime_FromNanosecondsObject wants */
        if (!is_intlike(args[1])) return exc_raise(vm, E_TypeError, "expect int, got %T", args[1]);
        if (!ssize_value(vm, args[1], &v)) {
            if (!exc_is(vm, vm->exc, E_OverflowError)) return ERR;
            vm->exc = UNDEF;
            return exc_raise(vm, E_OverflowError, "timestamp too large to convert to C _PyTime_t");
        }
        ts.tv_sec = (time_t)(v / 1000000000), ts.tv_nsec = (long)(v % 1000000000);
        if (ts.tv_nsec < 0) ts.tv_sec--, ts.tv_nsec += 1000000000;
    } else {
        double secs;
        if (is_float(args[1])) secs = as_float(args[1]);
        else if (!is_intlike(args[1])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[1]);
        else if (int_to_float(vm, args[1], &secs) == ERR) return ERR;
        double whole = floor(secs);
        ts.tv_sec = (time_t)whole, ts.tv_nsec = (long)((secs - whole) * 1e9);
    }
    return clock_settime(id, &ts) == 0 ? NONE_VAL : procargs_oserror(vm, errno, UNDEF, UNDEF);
}

static Value t_clock_settime(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_set(vm, a, n, kw, "clock_settime", false); }
static Value t_clock_settime_ns(VM *vm, Value *a, int n, ObjTuple *kw) { return clock_set(vm, a, n, kw, "clock_settime_ns", true); }

/* pthread_getcpuclockid(thread_id): the C library takes any number for a
 * pthread_t and crashes on one that names no thread (CPython's does), so
 * only the ids of this VM's threads reach it; any other is ESRCH, as 0 is. */
static Value t_pthread_getcpuclockid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "pthread_getcpuclockid", nargs, kw, 1, 1)) return ERR;
    Value a = args[0];
    if (!is_intlike(a))
        return exc_raise(vm, E_TypeError, "pthread_getcpuclockid() argument 1 must be int, not %A", a);
    int64_t tid = 0;
    bool known = false;
    if (is_bool(a) || is_int(a) || int_to_i64(a, &tid)) {
        if (is_bool(a) || is_int(a)) tid = is_bool(a) ? as_bool(a) : as_int(a);
        for (ThreadState *ts = vm->gil->threads; ts && !known; ts = ts->next) known = ts->ident == (uint64_t)tid;
    }
    if (!known) return procargs_oserror(vm, ESRCH, UNDEF, UNDEF);
    clockid_t id;
    int err = pthread_getcpuclockid((pthread_t)tid, &id);
    return err ? procargs_oserror(vm, err, UNDEF, UNDEF) : int_from_i64(vm, (int64_t)id);
}

/* get_clock_info(name): a types.SimpleNamespace describing one of the
 * clocks above (all are clock_gettime clocks here). */
static Value t_get_clock_info(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const struct { const char *name, *clock; clockid_t id; bool monotonic; } clocks[] = {
        {"time", "CLOCK_REALTIME", CLOCK_REALTIME, false},
        {"monotonic", "CLOCK_MONOTONIC", CLOCK_MONOTONIC, true},
        {"perf_counter", "CLOCK_MONOTONIC", CLOCK_MONOTONIC, true},
        {"process_time", "CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID, true},
        {"thread_time", "CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID, true},
    };
    if (!args_check(vm, "get_clock_info", nargs, kw, 1, 1)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "get_clock_info() argument must be str, not %A", args[0]);
    for (size_t i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        if (strcmp(AS(ObjStr, args[0])->data, clocks[i].name) != 0) continue;
        struct timespec res;
        if (clock_getres(clocks[i].id, &res) != 0) return procargs_oserror(vm, errno, UNDEF, UNDEF);
        char impl[64];
        snprintf(impl, sizeof impl, "clock_gettime(%s)", clocks[i].clock);
        Value types = import_standard(vm, "types");
        ObjStr *ns_name = str_intern_cstr(vm, "SimpleNamespace");
        Value ns = types == ERR || !ns_name ? ERR : op_getattr(vm, types, ns_name);
        if (ns == ERR) return ERR;
        Value vals[4] = {str_from_cstr(vm, impl), bool_val(clocks[i].monotonic), bool_val(!clocks[i].monotonic),
                         float_val((double)res.tv_sec + (double)res.tv_nsec * 1e-9)};
        if (vals[0] == ERR || !vm_push_root(vm, vals[0])) return ERR;
        const char *names[4] = {"implementation", "monotonic", "adjustable", "resolution"};
        ObjTuple *kwn = tuple_new(vm, 4);
        if (!kwn || !vm_push_root(vm, obj_val(kwn))) { vm_pop_roots(vm, 1); return ERR; }
        for (int k = 0; k < 4; k++) kwn->items[k] = NONE_VAL;
        for (int k = 0; kwn && k < 4; k++) {
            ObjStr *key = str_intern_cstr(vm, names[k]);
            if (!key) { kwn = NULL; break; }
            kwn->items[k] = obj_val(key);
        }
        Value r = kwn ? op_call(vm, ns, vals, 0, kwn) : ERR;
        vm_pop_roots(vm, 2);
        return r;
    }
    return exc_raise(vm, E_ValueError, "unknown clock");
}

/* A number of seconds from an int or float argument. */
static bool seconds_arg(VM *vm, Value v, double *out) {
    if (is_float(v)) { *out = as_float(v); return true; }
    if (is_intlike(v)) return int_to_float(vm, v, out) != ERR;
    exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v);
    return false;
}

static Value t_sleep(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "sleep", nargs, kw, 1, 1)) return ERR;
    double secs;
    if (!seconds_arg(vm, args[0], &secs)) return ERR;
    if (isnan(secs)) return exc_raise(vm, E_ValueError, "Invalid value NaN (not a number)");
    if (secs < 0) return exc_raise(vm, E_ValueError, "sleep length must be non-negative");
    if (secs > 9.2e9) return exc_raise(vm, E_OverflowError, "timestamp too large to convert to C _PyTime_t");
    struct timespec req = {(time_t)secs, (long)((secs - floor(secs)) * 1e9)}, rem;
    ThreadState *ts = gil_release(vm);
    while (nanosleep(&req, &rem) != 0 && errno == EINTR) {
        if (vm_signals(vm) & (SIG_INTERRUPT | SIG_HANDLER)) {   /* Ctrl-C, a script's signal handler */
            gil_acquire(vm, ts);
            if (!vm_handle_signals(vm, false)) return ERR;
            ts = gil_release(vm);
        }
        req = rem;
    }
    gil_acquire(vm, ts);
    return NONE_VAL;
}

/* ---- struct_time ----------------------------------------------------------- */

/* The struct_time class, written in Asy (stdlib/_structseq.asy) and loaded
 * into the module's namespace on first use. */
static Value struct_time_class(VM *vm) {
    ObjStr *mname = str_intern_cstr(vm, "time"), *cname = str_intern_cstr(vm, "struct_time");
    if (!mname || !cname) return ERR;
    Value m = dict_get_str(vm->modules, mname);
    if (!is_kind(m, OBJ_MODULE)) return exc_raise(vm, E_RuntimeError, "time module is missing");
    Value cls = dict_get_str(AS(ObjModule, m)->dict, cname);
    if (is_kind(cls, OBJ_CLASS)) return cls;
    Value src = import_module(vm, "_structseq");
    cls = src == ERR ? ERR : op_getattr(vm, src, cname);
    if (cls == ERR) return ERR;
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_RuntimeError, "time.struct_time is missing");
    return dict_set_str(vm, AS(ObjModule, m)->dict, cname, cls) < 0 ? ERR : cls;
}

/* A struct_time from a C struct tm, with CPython's conventions (months from
 * 1, weekdays from Monday = 0, year days from 1). */
static Value struct_time_new(VM *vm, const struct tm *tm) {
    Value cls = struct_time_class(vm);
    if (cls == ERR) return ERR;
    int64_t vals[ST_NFIELDS] = {
        (int64_t)tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
        tm->tm_sec, (tm->tm_wday + 6) % 7, tm->tm_yday + 1, tm->tm_isdst,
    };
    Value items[ST_NFIELDS + 2];
    for (int i = 0; i < ST_NFIELDS; i++) items[i] = int_val(vals[i]);
    items[ST_NFIELDS] = tm->tm_zone ? str_from_cstr(vm, tm->tm_zone) : NONE_VAL;
    items[ST_NFIELDS + 1] = int_from_i64(vm, tm->tm_gmtoff);
    if (items[ST_NFIELDS] == ERR || items[ST_NFIELDS + 1] == ERR) return ERR;
    ObjTuple *t = tuple_from(vm, items, ST_NFIELDS + 2);
    return t ? op_call1(vm, cls, obj_val(t)) : ERR;
}

/* The time_t of an optional seconds argument (None or absent: now). */
static bool when_arg(VM *vm, Value *args, int nargs, time_t *out) {
    if (nargs == 0 || args[0] == NONE_VAL) { *out = time(NULL); return true; }
    int64_t whole;
    if (is_intlike(args[0]) && int_to_i64(args[0], &whole)) { *out = (time_t)whole; return true; }
    double secs;
    if (!seconds_arg(vm, args[0], &secs)) return false;
    if (isnan(secs)) { exc_raise(vm, E_ValueError, "Invalid value NaN (not a number)"); return false; }
    /* beyond time_t; a time_t whose year the C library cannot represent
     * fails later, in localtime/gmtime, with OSError(EOVERFLOW) */
    if (fabs(secs) >= 9223372036854775808.0) { exc_raise(vm, E_OverflowError, "timestamp out of range for platform time_t"); return false; }
    *out = (time_t)(secs < 0 ? ceil(secs) : floor(secs));
    return true;
}

static Value convert(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool local) {
    if (!args_check(vm, name, nargs, kw, 0, 1)) return ERR;
    time_t t;
    if (!when_arg(vm, args, nargs, &t)) return ERR;
    struct tm tm;
    errno = 0;
    if (!(local ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)))
        return procargs_oserror(vm, errno ? errno : EINVAL, UNDEF, UNDEF);
    return struct_time_new(vm, &tm);
}

static Value t_gmtime(VM *vm, Value *a, int n, ObjTuple *kw) { return convert(vm, a, n, kw, "gmtime", false); }
static Value t_localtime(VM *vm, Value *a, int n, ObjTuple *kw) { return convert(vm, a, n, kw, "localtime", true); }

/* The zone of a struct_time (what %Z and %z print), as CPython takes it;
 * tuples have none. tm_zone points into the instance's string, which the
 * caller's argument keeps alive while the struct tm is used. */
static bool st_zone_arg(VM *vm, Value v, struct tm *tm) {
    if (!is_kind(v, OBJ_TUPLE) || !(as_obj(v)->flags & OBJ_SUBTYPE)) return true;
    Value cls = struct_time_class(vm);
    if (cls == ERR) return false;
    if (!class_is_subclass(type_of(vm, v), AS(ObjClass, cls))) return true;
    ObjStr *zname = str_intern_cstr(vm, "tm_zone"), *oname = str_intern_cstr(vm, "tm_gmtoff");
    if (!zname || !oname) return false;
    Value zone = op_getattr(vm, v, zname);
    if (zone == ERR) return false;
    Value off = op_getattr(vm, v, oname);
    if (off == ERR) return false;
    if (is_str(zone)) tm->tm_zone = AS(ObjStr, zone)->data;
    int64_t secs;
    if (is_int(off) && int_to_i64(off, &secs)) tm->tm_gmtoff = (long)secs;
    return true;
}

/* A struct tm from a struct_time or a 9-tuple (or any 9-item sequence). */
static bool tm_arg(VM *vm, Value v, const char *fname, struct tm *tm) {
    int64_t len = op_len(vm, v);
    if (len < 0) return false;
    if (len != ST_NFIELDS) {
        exc_raise(vm, E_TypeError, "%s(): illegal time tuple argument", fname);
        return false;
    }
    int64_t f[ST_NFIELDS];
    for (int i = 0; i < ST_NFIELDS; i++) {
        Value x = op_getitem(vm, v, int_val(i));
        if (x == ERR) return false;
        if (!is_intlike(x)) {
            exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", x);
            return false;
        }
        if (!int_to_i64(x, &f[i]) || f[i] < INT32_MIN + 1900 || f[i] > INT32_MAX) {
            exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
            return false;
        }
    }
    memset(tm, 0, sizeof *tm);
    if (!st_zone_arg(vm, v, tm)) return false;
    tm->tm_year = (int)(f[0] - 1900);
    tm->tm_mon = (int)f[1] - 1;
    tm->tm_mday = (int)f[2];
    tm->tm_hour = (int)f[3];
    tm->tm_min = (int)f[4];
    tm->tm_sec = (int)f[5];
    tm->tm_wday = (int)((f[6] + 1) % 7);
    tm->tm_yday = (int)f[7] - 1;
    tm->tm_isdst = (int)f[8];
    return true;
}

/* The struct tm of an optional time-tuple argument (absent: local now). */
static bool tm_or_now(VM *vm, Value *args, int nargs, int index, const char *fname, struct tm *tm) {
    if (nargs > index) return tm_arg(vm, args[index], fname, tm);
    time_t t = time(NULL);
    localtime_r(&t, tm);
    return true;
}

static Value t_mktime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    struct tm tm;
    if (!args_check(vm, "mktime", nargs, kw, 1, 1) || !tm_arg(vm, args[0], "mktime", &tm)) return ERR;
    tm.tm_wday = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 && tm.tm_wday == -1) return exc_raise(vm, E_OverflowError, "mktime argument out of range");
    return float_val((double)t);
}

/* The field checks strftime and asctime make before indexing tables by
 * the fields; a 0 month, day of month or day of year stands for the first
 * one, as CPython allows. */
static bool tm_range_error(VM *vm, const char *what) {
    exc_raise(vm, E_ValueError, "%s out of range", what);
    return false;
}

static bool check_tm(VM *vm, struct tm *tm) {
    if (tm->tm_mon == -1) tm->tm_mon = 0;
    if (tm->tm_mon < 0 || tm->tm_mon > 11) return tm_range_error(vm, "month");
    if (tm->tm_mday == 0) tm->tm_mday = 1;
    if (tm->tm_mday < 0 || tm->tm_mday > 31) return tm_range_error(vm, "day of month");
    if (tm->tm_hour < 0 || tm->tm_hour > 23) return tm_range_error(vm, "hour");
    if (tm->tm_min < 0 || tm->tm_min > 59) return tm_range_error(vm, "minute");
    if (tm->tm_sec < 0 || tm->tm_sec > 61) return tm_range_error(vm, "seconds");
    if (tm->tm_wday < 0) return tm_range_error(vm, "day of week");
    if (tm->tm_yday == -1) tm->tm_yday = 0;
    if (tm->tm_yday < 0 || tm->tm_yday > 365) return tm_range_error(vm, "day of year");
    return true;
}

static Value t_strftime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "strftime", nargs, kw, 1, 2)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "strftime() argument 1 must be str, not %A", args[0]);
    struct tm tm;
    if (!tm_or_now(vm, args, nargs, 1, "strftime", &tm) || !check_tm(vm, &tm)) return ERR;
    /* glibc's %Z reads tm_isdst as an index: keep it within -1..1 */
    if (tm.tm_isdst < -1) tm.tm_isdst = -1;
    else if (tm.tm_isdst > 1) tm.tm_isdst = 1;
    const ObjStr *fmt = AS(ObjStr, args[0]);
    if (strlen(fmt->data) != (size_t)fmt->len) return exc_raise(vm, E_ValueError, "embedded null character");
    if (fmt->len == 0) return obj_val(vm->empty_str);
    /* strftime's 0 is both "too small" and "empty result": grow up to a bound. */
    for (size_t cap = 256 + (size_t)fmt->len * 4; cap <= (size_t)fmt->len * 256 + 4096; cap *= 4) {
        char *buf = malloc(cap);
        if (!buf) return exc_nomem(vm);
        size_t n = strftime(buf, cap, fmt->data, &tm);
        if (n > 0) {
            Value r = str_decode_utf8(vm, buf, n, "replace");
            free(buf);
            return r;
        }
        free(buf);
    }
    return obj_val(vm->empty_str);
}

static Value format_asctime(VM *vm, const struct tm *tm) {
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[96];
    snprintf(buf, sizeof buf, "%s %s%3d %.2d:%.2d:%.2d %lld", days[tm->tm_wday],
             months[tm->tm_mon], tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, (long long)tm->tm_year + 1900);
    return str_from_cstr(vm, buf);
}

static Value t_asctime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    struct tm tm;
    if (!args_check(vm, "asctime", nargs, kw, 0, 1) || !tm_or_now(vm, args, nargs, 0, "asctime", &tm) ||
        !check_tm(vm, &tm))
        return ERR;
    return format_asctime(vm, &tm);
}

static Value t_ctime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "ctime", nargs, kw, 0, 1)) return ERR;
    time_t t;
    struct tm tm;
    if (!when_arg(vm, args, nargs, &t)) return ERR;
    errno = 0;
    if (!localtime_r(&t, &tm)) return procargs_oserror(vm, errno ? errno : EINVAL, UNDEF, UNDEF);
    return format_asctime(vm, &tm);
}

/* ---- time zone ----------------------------------------------------------- */

/* Sets timezone, altzone, daylight and tzname from the C library's view of
 * the TZ environment variable. */
static bool publish_zone(VM *vm, ObjModule *m) {
    tzset();
    Value names[2] = {str_from_cstr(vm, tzname[0]), str_from_cstr(vm, tzname[1])};
    if (names[0] == ERR || names[1] == ERR) return false;
    ObjTuple *tzn = tuple_from(vm, names, 2);
    return tzn && module_add_value(vm, m, "timezone", int_from_i64(vm, timezone)) &&
           module_add_value(vm, m, "altzone", int_from_i64(vm, daylight ? timezone - 3600 : timezone)) &&
           module_add_value(vm, m, "daylight", int_val(daylight)) &&
           module_add_value(vm, m, "tzname", obj_val(tzn));
}

/* os.environ is a plain dict in Asy that does not write through to the
 * process environment, so tzset() copies its TZ there first: the usual
 * `os.environ['TZ'] = ...; time.tzset()` then works as in CPython. */
static bool sync_tz_from_environ(VM *vm) {
    ObjStr *mname = str_intern_cstr(vm, "os"), *ename = str_intern_cstr(vm, "environ"), *key = str_intern_cstr(vm, "TZ");
    if (!mname || !ename || !key) return false;
    Value os = dict_get_str(vm->modules, mname);
    Value env = is_kind(os, OBJ_MODULE) ? dict_get_str(AS(ObjModule, os)->dict, ename) : UNDEF;
    if (!is_dict(env)) return true;
    Value tz = dict_get_str(AS(ObjDict, env), key);
    if (is_str(tz)) setenv("TZ", AS(ObjStr, tz)->data, 1);
    else unsetenv("TZ");
    return true;
}

static Value t_tzset(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "tzset", nargs, kw, 0, 0) || !sync_tz_from_environ(vm)) return ERR;
    ObjStr *mname = str_intern_cstr(vm, "time");
    Value m = mname ? dict_get_str(vm->modules, mname) : UNDEF;
    if (is_kind(m, OBJ_MODULE) && !publish_zone(vm, AS(ObjModule, m))) return ERR;
    return NONE_VAL;
}

/* ---- the module ---------------------------------------------------------- */

/* time.strptime(string[, format]) is a builtin (so dir(time) lists it)
 * whose work is written in Asy: _strptime._strptime_time, loaded on first
 * use, as CPython's time module does it. */
static Value t_strptime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (kw && kw->len) return exc_raise(vm, E_TypeError, "strptime() takes no keyword arguments");
    Value src = import_module(vm, "_strptime");
    Value f = src == ERR ? ERR : op_getattr(vm, src, str_intern_cstr(vm, "_strptime_time"));
    return f == ERR ? ERR : op_call(vm, f, args, nargs, NULL);
}

/* struct_time is written in Asy (stdlib/_structseq.asy), loaded on first use. */
static Value t_getattr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getattr__", nargs, kw, 1, 1)) return ERR;
    if (is_str(args[0]) && strcmp(AS(ObjStr, args[0])->data, "struct_time") == 0) return struct_time_class(vm);
    return exc_raise(vm, E_AttributeError, "module 'time' has no attribute %R", args[0]);
}

static const struct { const char *name; NativeFn fn; } functions[] = {
    {"time", t_time}, {"time_ns", t_time_ns}, {"monotonic", t_monotonic}, {"monotonic_ns", t_monotonic_ns},
    {"perf_counter", t_perf_counter}, {"perf_counter_ns", t_perf_counter_ns},
    {"process_time", t_process_time}, {"process_time_ns", t_process_time_ns},
    {"thread_time", t_thread_time}, {"thread_time_ns", t_thread_time_ns},
    {"clock_gettime", t_clock_gettime}, {"clock_gettime_ns", t_clock_gettime_ns}, {"clock_getres", t_clock_getres},
    {"clock_settime", t_clock_settime}, {"clock_settime_ns", t_clock_settime_ns},
    {"pthread_getcpuclockid", t_pthread_getcpuclockid}, {"get_clock_info", t_get_clock_info},
    {"sleep", t_sleep}, {"gmtime", t_gmtime}, {"localtime", t_localtime}, {"mktime", t_mktime},
    {"strftime", t_strftime}, {"strptime", t_strptime}, {"asctime", t_asctime}, {"ctime", t_ctime}, {"tzset", t_tzset},
    {"__getattr__", t_getattr},
};

bool mod_time_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    /* struct_time's items with tm_zone and tm_gmtoff (programs test it to
     * know whether those two are there) */
    static const struct { const char *name; int id; } ids[] = {
        {"CLOCK_REALTIME", CLOCK_REALTIME}, {"CLOCK_MONOTONIC", CLOCK_MONOTONIC},
        {"CLOCK_MONOTONIC_RAW", CLOCK_MONOTONIC_RAW}, {"CLOCK_PROCESS_CPUTIME_ID", CLOCK_PROCESS_CPUTIME_ID},
        {"CLOCK_THREAD_CPUTIME_ID", CLOCK_THREAD_CPUTIME_ID}, {"CLOCK_BOOTTIME", CLOCK_BOOTTIME},
        {"CLOCK_TAI", CLOCK_TAI},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        if (!module_add_value(vm, m, ids[i].name, int_val(ids[i].id))) return false;
    }
    return module_add_value(vm, m, "_STRUCT_TM_ITEMS", int_val(11)) && publish_zone(vm, m);
}
