/* The time module: clocks, sleep, and calendar conversion (gmtime,
 * localtime, mktime, strftime, asctime, ctime).
 *
 * struct_time is a small class whose instances carry tm_year ... tm_isdst,
 * tm_zone and tm_gmtoff as attributes and behave as the 9-tuple of the
 * first nine for indexing, len, iteration, == and repr. The class lives in
 * the module's namespace, where gmtime and localtime find it. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "../vm/gil.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "modules.h"

static const char *const st_fields[] = {
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
};
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
#undef CLOCK_FNS

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

/* The 9-tuple of a struct_time instance. */
static ObjTuple *st_tuple(VM *vm, Value self) {
    if (!is_kind(self, OBJ_INSTANCE)) {
        exc_raise(vm, E_TypeError, "descriptor requires a 'time.struct_time' object but received a '%T'", self);
        return NULL;
    }
    ObjTuple *t = tuple_new(vm, ST_NFIELDS);
    if (!t) return NULL;
    for (int i = 0; i < ST_NFIELDS; i++) {
        ObjStr *name = str_intern_cstr(vm, st_fields[i]);
        Value v = name ? dict_get_str(AS(ObjInstance, self)->dict, name) : UNDEF;
        t->items[i] = v == UNDEF ? NONE_VAL : v;
    }
    return t;
}

static Value st_getitem(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__getitem__", nargs - 1, kw, 1, 1)) return ERR;
    ObjTuple *t = st_tuple(vm, args[0]);
    return t ? tuple_getitem(vm, t, args[1]) : ERR;
}

static Value st_len(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)args;
    if (!args_check(vm, "__len__", nargs - 1, kw, 0, 0)) return ERR;
    return int_val(ST_NFIELDS);
}

static Value st_iter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__iter__", nargs - 1, kw, 0, 0)) return ERR;
    ObjTuple *t = st_tuple(vm, args[0]);
    return t ? op_iter(vm, obj_val(t)) : ERR;
}

static Value st_eq(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__eq__", nargs - 1, kw, 1, 1)) return ERR;
    ObjTuple *t = st_tuple(vm, args[0]);
    if (!t) return ERR;
    Value other = args[1];
    if (is_kind(other, OBJ_INSTANCE) && type_of(vm, other) == type_of(vm, args[0])) {
        ObjTuple *o = st_tuple(vm, other);
        if (!o) return ERR;
        other = obj_val(o);
    }
    if (!is_tuple(other)) return NOTIMPL_VAL;
    int r = op_eq(vm, obj_val(t), other);
    return r < 0 ? ERR : bool_val(r);
}

static Value st_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "__repr__", nargs - 1, kw, 0, 0)) return ERR;
    ObjTuple *t = st_tuple(vm, args[0]);
    if (!t) return ERR;
    StrBuf b = SB_INIT;
    sb_adds(&b, "time.struct_time(");
    for (int i = 0; i < ST_NFIELDS; i++) {
        if (i) sb_adds(&b, ", ");
        sb_adds(&b, st_fields[i]);
        sb_adds(&b, "=");
        if (!op_repr_to(vm, t->items[i], &b)) { sb_free(&b); return ERR; }
    }
    sb_adds(&b, ")");
    return str_from_buf(vm, &b);
}

static Value make_struct_time_class(VM *vm) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_new(vm, 0);
    ObjStr *name = str_intern_cstr(vm, "struct_time");
    if (!ns || !bases || !name) return ERR;
    if (dict_set_str(vm, ns, vm_name(vm, N___module__), str_from_cstr(vm, "time")) < 0) return ERR;
    Value cls = class_new(vm, name, bases, ns);
    if (cls == ERR) return ERR;
    ObjClass *c = AS(ObjClass, cls);
    bool ok = class_add_native(vm, c, "__getitem__", st_getitem) && class_add_native(vm, c, "__len__", st_len) &&
              class_add_native(vm, c, "__iter__", st_iter) && class_add_native(vm, c, "__eq__", st_eq) &&
              class_add_native(vm, c, "__repr__", st_repr);
    return ok ? cls : ERR;
}

static Value struct_time_class(VM *vm) {
    ObjStr *mname = str_intern_cstr(vm, "time"), *cname = str_intern_cstr(vm, "struct_time");
    Value m = mname ? dict_get_str(vm->modules, mname) : UNDEF;
    Value cls = is_kind(m, OBJ_MODULE) && cname ? dict_get_str(AS(ObjModule, m)->dict, cname) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_RuntimeError, "time.struct_time is missing");
    return cls;
}

static bool set_field(VM *vm, ObjInstance *o, const char *name, Value v) {
    ObjStr *s = str_intern_cstr(vm, name);
    return s && v != ERR && dict_set_str(vm, o->dict, s, v) == 0;
}

/* A struct_time from a C struct tm, with CPython's conventions (months from
 * 1, weekdays from Monday = 0, year days from 1). */
static Value struct_time_new(VM *vm, const struct tm *tm) {
    Value cls = struct_time_class(vm);
    if (cls == ERR) return ERR;
    ObjInstance *o = instance_new(vm, AS(ObjClass, cls));
    if (!o) return ERR;
    int64_t vals[ST_NFIELDS] = {
        (int64_t)tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
        tm->tm_sec, (tm->tm_wday + 6) % 7, tm->tm_yday + 1, tm->tm_isdst,
    };
    for (int i = 0; i < ST_NFIELDS; i++) {
        if (!set_field(vm, o, st_fields[i], int_val(vals[i]))) return ERR;
    }
    if (!set_field(vm, o, "tm_zone", tm->tm_zone ? str_from_cstr(vm, tm->tm_zone) : NONE_VAL) ||
        !set_field(vm, o, "tm_gmtoff", int_val(tm->tm_gmtoff)))
        return ERR;
    return obj_val(o);
}

/* The time_t of an optional seconds argument (None or absent: now). */
static bool when_arg(VM *vm, Value *args, int nargs, time_t *out) {
    if (nargs == 0 || args[0] == NONE_VAL) { *out = time(NULL); return true; }
    double secs;
    if (!seconds_arg(vm, args[0], &secs)) return false;
    if (isnan(secs)) { exc_raise(vm, E_ValueError, "Invalid value NaN (not a number)"); return false; }
    if (fabs(secs) > 1e17) { exc_raise(vm, E_OverflowError, "timestamp out of range for platform time_t"); return false; }
    *out = (time_t)(secs < 0 ? ceil(secs) : floor(secs));
    return true;
}

static Value convert(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, bool local) {
    if (!args_check(vm, name, nargs, kw, 0, 1)) return ERR;
    time_t t;
    if (!when_arg(vm, args, nargs, &t)) return ERR;
    struct tm tm;
    if (!(local ? localtime_r(&t, &tm) : gmtime_r(&t, &tm)))
        return exc_raise(vm, E_OverflowError, "timestamp out of range for platform time_t");
    return struct_time_new(vm, &tm);
}

static Value t_gmtime(VM *vm, Value *a, int n, ObjTuple *kw) { return convert(vm, a, n, kw, "gmtime", false); }
static Value t_localtime(VM *vm, Value *a, int n, ObjTuple *kw) { return convert(vm, a, n, kw, "localtime", true); }

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

static Value t_strftime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "strftime", nargs, kw, 1, 2)) return ERR;
    if (!is_str(args[0])) return exc_raise(vm, E_TypeError, "strftime() argument 1 must be str, not %T", args[0]);
    struct tm tm;
    if (!tm_or_now(vm, args, nargs, 1, "strftime", &tm)) return ERR;
    if (tm.tm_mon < 0 || tm.tm_mon > 11) return exc_raise(vm, E_ValueError, "month out of range");
    if (tm.tm_mday < 0 || tm.tm_mday > 31) return exc_raise(vm, E_ValueError, "day of month out of range");
    if (tm.tm_hour < 0 || tm.tm_hour > 23) return exc_raise(vm, E_ValueError, "hour out of range");
    if (tm.tm_min < 0 || tm.tm_min > 59) return exc_raise(vm, E_ValueError, "minute out of range");
    if (tm.tm_sec < 0 || tm.tm_sec > 61) return exc_raise(vm, E_ValueError, "seconds out of range");
    if (tm.tm_wday < 0) tm.tm_wday += 7;
    if (tm.tm_yday < -1 || tm.tm_yday > 365) return exc_raise(vm, E_ValueError, "day of year out of range");
    if (tm.tm_yday < 0) tm.tm_yday = 0;
    const ObjStr *fmt = AS(ObjStr, args[0]);
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
    if (tm->tm_mon < 0 || tm->tm_mon > 11) return exc_raise(vm, E_ValueError, "month out of range");
    char buf[96];
    snprintf(buf, sizeof buf, "%s %s%3d %.2d:%.2d:%.2d %lld", days[((tm->tm_wday % 7) + 7) % 7],
             months[tm->tm_mon], tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, (long long)tm->tm_year + 1900);
    return str_from_cstr(vm, buf);
}

static Value t_asctime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    struct tm tm;
    if (!args_check(vm, "asctime", nargs, kw, 0, 1) || !tm_or_now(vm, args, nargs, 0, "asctime", &tm)) return ERR;
    return format_asctime(vm, &tm);
}

static Value t_ctime(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "ctime", nargs, kw, 0, 1)) return ERR;
    time_t t;
    struct tm tm;
    if (!when_arg(vm, args, nargs, &t)) return ERR;
    if (!localtime_r(&t, &tm)) return exc_raise(vm, E_OverflowError, "timestamp out of range for platform time_t");
    return format_asctime(vm, &tm);
}

/* ---- the module ---------------------------------------------------------- */

static const struct { const char *name; NativeFn fn; } functions[] = {
    {"time", t_time}, {"time_ns", t_time_ns}, {"monotonic", t_monotonic}, {"monotonic_ns", t_monotonic_ns},
    {"perf_counter", t_perf_counter}, {"perf_counter_ns", t_perf_counter_ns},
    {"process_time", t_process_time}, {"process_time_ns", t_process_time_ns},
    {"sleep", t_sleep}, {"gmtime", t_gmtime}, {"localtime", t_localtime}, {"mktime", t_mktime},
    {"strftime", t_strftime}, {"asctime", t_asctime}, {"ctime", t_ctime},
};

bool mod_time_init(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
        if (!module_add_native(vm, m, functions[i].name, functions[i].fn)) return false;
    }
    tzset();
    Value names[2] = {str_from_cstr(vm, tzname[0]), str_from_cstr(vm, tzname[1])};
    if (names[0] == ERR || names[1] == ERR) return false;
    ObjTuple *tzn = tuple_from(vm, names, 2);
    return tzn && module_add_value(vm, m, "struct_time", make_struct_time_class(vm)) &&
           module_add_value(vm, m, "timezone", int_from_i64(vm, timezone)) &&
           module_add_value(vm, m, "altzone", int_from_i64(vm, daylight ? timezone - 3600 : timezone)) &&
           module_add_value(vm, m, "daylight", int_val(daylight)) &&
           module_add_value(vm, m, "tzname", obj_val(tzn));
}
