/* _sqlite3: the thin layer over the system's SQLite library that
 * stdlib/sqlite3.asy builds the DB-API module on (connections, cursors,
 * transactions, rows and adapters live there).
 *
 *   _Database   an open sqlite3* (close, prepare, exec_script, changes,
 *               total_changes, last_insert_rowid, autocommit,
 *               create_function)
 *   _Statement  a prepared sqlite3_stmt* (bind, step, columns, decltypes,
 *               param_count, param_names, readonly, reset, finalize)
 *   _Blob       an open sqlite3_blob* (size, read, write, close), made by
 *               _Database.blob_open
 *
 * Both are OBJ_CDATA objects whose free function finalizes or closes what
 * they hold when the collector sweeps them. A statement keeps its database
 * object alive; the database is closed with sqlite3_close_v2, so statements
 * still unfinalized keep the library's connection until they go. Errors
 * are the exception classes sqlite3.asy hands over with _init() (keyed by
 * name), chosen from SQLite's result codes as CPython does, with its
 * messages and the sqlite_errorcode / sqlite_errorname attributes. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vm/binbuf.h"
#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/gc.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "modules.h"

typedef struct Database {
    Obj obj;
    sqlite3 *db;            /* NULL once closed */
    Value functions;        /* a list of the callables create_function registered */
    Value trace, progress, authorizer;  /* the hooks' callables, or None */
    VM *vm;                 /* for the hooks SQLite calls */
} Database;

typedef struct Statement {
    Obj obj;
    sqlite3_stmt *stmt;     /* NULL for empty SQL (only comments), or once finalized */
    bool finalized;
    Value database;         /* the Database it was prepared on */
} Statement;

typedef struct Blob {
    Obj obj;
    sqlite3_blob *blob;     /* NULL once closed */
    Value database;         /* the Database it was opened on */
} Blob;

static void database_mark(VM *vm, Obj *o) {
    Database *d = (Database *)o;
    gc_mark_value(vm, d->functions);
    gc_mark_value(vm, d->trace);
    gc_mark_value(vm, d->progress);
    gc_mark_value(vm, d->authorizer);
}

static void database_free(VM *vm, Obj *o) {
    (void)vm;
    Database *d = (Database *)o;
    if (d->db) sqlite3_close_v2(d->db);
    d->db = NULL;
}

static void statement_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((Statement *)o)->database); }

static void statement_free(VM *vm, Obj *o) {
    (void)vm;
    Statement *s = (Statement *)o;
    if (s->stmt) sqlite3_finalize(s->stmt);
    s->stmt = NULL;
}

static void blob_mark(VM *vm, Obj *o) { gc_mark_value(vm, ((Blob *)o)->database); }

static void blob_free(VM *vm, Obj *o) {
    (void)vm;
    Blob *b = (Blob *)o;
    if (b->blob) sqlite3_blob_close(b->blob);
    b->blob = NULL;
}

static const CType database_ctype = {sizeof(Database), database_mark, database_free, NULL};
static const CType blob_ctype = {sizeof(Blob), blob_mark, blob_free, NULL};
static const CType statement_ctype = {sizeof(Statement), statement_mark, statement_free, NULL};

/* ---- errors ------------------------------------------------------------------ */

/* The module's attribute `name` (its classes, and _errors once _init ran). */
static Value module_attr(VM *vm, const char *name) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "_sqlite3"));
    Value v = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, name)) : UNDEF;
    if (v == UNDEF) return exc_raise(vm, E_RuntimeError, "_sqlite3.%s is missing", name);
    return v;
}

/* SQLite's names for its result codes: the primary ones and the
 * constraint failures (extended codes), as sqlite_errorname shows them. */
static const char *code_name(int code) {
    static const struct { int code; const char *name; } names[] = {
        {SQLITE_CONSTRAINT_CHECK, "SQLITE_CONSTRAINT_CHECK"}, {SQLITE_CONSTRAINT_FOREIGNKEY, "SQLITE_CONSTRAINT_FOREIGNKEY"},
        {SQLITE_CONSTRAINT_NOTNULL, "SQLITE_CONSTRAINT_NOTNULL"}, {SQLITE_CONSTRAINT_PRIMARYKEY, "SQLITE_CONSTRAINT_PRIMARYKEY"},
        {SQLITE_CONSTRAINT_UNIQUE, "SQLITE_CONSTRAINT_UNIQUE"}, {SQLITE_CONSTRAINT_TRIGGER, "SQLITE_CONSTRAINT_TRIGGER"},
        {SQLITE_ERROR, "SQLITE_ERROR"}, {SQLITE_INTERNAL, "SQLITE_INTERNAL"}, {SQLITE_PERM, "SQLITE_PERM"},
        {SQLITE_ABORT, "SQLITE_ABORT"}, {SQLITE_BUSY, "SQLITE_BUSY"}, {SQLITE_LOCKED, "SQLITE_LOCKED"},
        {SQLITE_NOMEM, "SQLITE_NOMEM"}, {SQLITE_READONLY, "SQLITE_READONLY"}, {SQLITE_INTERRUPT, "SQLITE_INTERRUPT"},
        {SQLITE_IOERR, "SQLITE_IOERR"}, {SQLITE_CORRUPT, "SQLITE_CORRUPT"}, {SQLITE_NOTFOUND, "SQLITE_NOTFOUND"},
        {SQLITE_FULL, "SQLITE_FULL"}, {SQLITE_CANTOPEN, "SQLITE_CANTOPEN"}, {SQLITE_PROTOCOL, "SQLITE_PROTOCOL"},
        {SQLITE_EMPTY, "SQLITE_EMPTY"}, {SQLITE_SCHEMA, "SQLITE_SCHEMA"}, {SQLITE_TOOBIG, "SQLITE_TOOBIG"},
        {SQLITE_CONSTRAINT, "SQLITE_CONSTRAINT"}, {SQLITE_MISMATCH, "SQLITE_MISMATCH"}, {SQLITE_MISUSE, "SQLITE_MISUSE"},
        {SQLITE_NOLFS, "SQLITE_NOLFS"}, {SQLITE_AUTH, "SQLITE_AUTH"}, {SQLITE_FORMAT, "SQLITE_FORMAT"},
        {SQLITE_RANGE, "SQLITE_RANGE"}, {SQLITE_NOTADB, "SQLITE_NOTADB"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].code == code) return names[i].name;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (names[i].code == (code & 0xff)) return names[i].name;
    }
    return NULL;
}

/* Raises sqlite3.<cls>(msg), with sqlite_errorcode and sqlite_errorname
 * when code >= 0. */
static Value raise_error(VM *vm, const char *cls_name, const char *msg, int code) {
    Value errors = module_attr(vm, "_errors");
    if (errors == ERR) return ERR;
    Value cls = is_dict(errors) ? dict_get_str(AS(ObjDict, errors), str_intern_cstr(vm, cls_name)) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_RuntimeError, "sqlite3.%s is missing", cls_name);
    Value text = str_from_cstr(vm, msg);
    ObjTuple *args = text == ERR ? NULL : tuple_from(vm, &text, 1);
    Value e = args ? exc_new(vm, AS(ObjClass, cls), args) : ERR;
    if (e == ERR || !vm_push_root(vm, e)) return ERR;
    const char *name = code >= 0 ? code_name(code) : NULL;
    Value name_v = name ? str_from_cstr(vm, name) : NONE_VAL;
    bool ok = code < 0 ||
              (name_v != ERR && op_setattr(vm, e, str_intern_cstr(vm, "sqlite_errorcode"), int_val(code)) == 0 &&
               op_setattr(vm, e, str_intern_cstr(vm, "sqlite_errorname"), name_v) == 0);
    vm_pop_roots(vm, 1);
    return ok ? exc_raise_value(vm, e) : ERR;
}

/* The DB-API class for a SQLite result code, as CPython maps them. */
static const char *error_class(int code) {
    switch (code & 0xff) {
    case SQLITE_INTERNAL: case SQLITE_NOTFOUND: return "InternalError";
    case SQLITE_ERROR: case SQLITE_PERM: case SQLITE_ABORT: case SQLITE_BUSY: case SQLITE_LOCKED:
    case SQLITE_READONLY: case SQLITE_INTERRUPT: case SQLITE_IOERR: case SQLITE_FULL: case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL: case SQLITE_EMPTY: case SQLITE_SCHEMA: return "OperationalError";
    case SQLITE_CORRUPT: return "DatabaseError";
    case SQLITE_TOOBIG: return "DataError";
    case SQLITE_CONSTRAINT: case SQLITE_MISMATCH: return "IntegrityError";
    case SQLITE_MISUSE: case SQLITE_RANGE: return "InterfaceError";
    default: return "DatabaseError";
    }
}

/* Raises the error the connection last reported (its message and code). */
static Value raise_db(VM *vm, sqlite3 *db) {
    int code = sqlite3_extended_errcode(db);
    if ((code & 0xff) == SQLITE_NOMEM) return exc_nomem(vm);
    return raise_error(vm, error_class(code), sqlite3_errmsg(db), code);
}

static Value closed_error(VM *vm) { return raise_error(vm, "ProgrammingError", "Cannot operate on a closed database.", -1); }

/* ---- receivers ---------------------------------------------------------------- */

static Database *self_database(VM *vm, Value *args, int nargs, bool open) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &database_ctype) {
        exc_raise(vm, E_TypeError, "descriptor requires a '_sqlite3._Database' object");
        return NULL;
    }
    Database *d = (Database *)as_obj(args[0]);
    if (open && !d->db) {
        closed_error(vm);
        return NULL;
    }
    return d;
}

static Statement *self_statement(VM *vm, Value *args, int nargs) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &statement_ctype) {
        exc_raise(vm, E_TypeError, "descriptor requires a '_sqlite3._Statement' object");
        return NULL;
    }
    Statement *s = (Statement *)as_obj(args[0]);
    if (!((Database *)as_obj(s->database))->db) {
        closed_error(vm);
        return NULL;
    }
    if (s->finalized) {
        exc_raise(vm, E_RuntimeError, "the statement was finalized");
        return NULL;
    }
    return s;
}

static bool str_arg(VM *vm, Value v, const char *fname, int pos, ObjStr **out) {
    if (!is_str(v)) {
        exc_raise(vm, E_TypeError, "%s() argument %d must be str, not %T", fname, pos, v);
        return false;
    }
    *out = AS(ObjStr, v);
    return true;
}

/* ---- values between SQLite and Asy ---------------------------------------------- */

/* A column of the current row as an Asy value: int, float, str, bytes or None. */
static Value column_value(VM *vm, sqlite3_stmt *st, int i) {
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return int_from_i64(vm, sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return float_val(sqlite3_column_double(st, i));
    case SQLITE_TEXT: {
        const char *t = (const char *)sqlite3_column_text(st, i);
        int n = sqlite3_column_bytes(st, i);
        if (!t) return str_new_ascii(vm, "", 0);
        Value s = str_decode_utf8(vm, t, (size_t)n, "strict");
        if (s == ERR) {
            vm->exc = UNDEF;
            char msg[512];
            snprintf(msg, sizeof msg, "Could not decode to UTF-8 column '%s' with text '%.*s'",
                     sqlite3_column_name(st, i), n > 200 ? 200 : n, t);
            return raise_error(vm, "OperationalError", msg, -1);
        }
        return s;
    }
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        return bytes_new(vm, p, (size_t)sqlite3_column_bytes(st, i));
    }
    default: return NONE_VAL;
    }
}

/* Binds one parameter (1-based); the message names it as CPython does. */
static bool bind_one(VM *vm, sqlite3_stmt *st, int i, Value v) {
    int rc;
    BinBuf b;
    if (v == NONE_VAL) {
        rc = sqlite3_bind_null(st, i);
    } else if (is_intlike(v)) {
        int64_t n;
        if (!int_to_i64(v, &n)) {
            exc_raise(vm, E_OverflowError, "Python int too large to convert to SQLite INTEGER");
            return false;
        }
        rc = sqlite3_bind_int64(st, i, n);
    } else if (is_float(v)) {
        rc = sqlite3_bind_double(st, i, as_float(v));
    } else if (is_str(v)) {
        rc = sqlite3_bind_text(st, i, AS(ObjStr, v)->data, (int)AS(ObjStr, v)->len, SQLITE_TRANSIENT);
    } else if (binbuf_get(v, &b)) {
        rc = sqlite3_bind_blob(st, i, b.p, (int)b.n, SQLITE_TRANSIENT);
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "Error binding parameter %d: type '%s' is not supported", i, type_name(vm, v));
        raise_error(vm, "ProgrammingError", msg, -1);
        return false;
    }
    if (rc != SQLITE_OK) {
        raise_db(vm, sqlite3_db_handle(st));
        return false;
    }
    return true;
}

/* ---- user functions ------------------------------------------------------------------ */

typedef struct UserFunction {
    VM *vm;
    Value func;             /* the callable (an aggregate's class), also in owner->functions */
    Database *owner;
} UserFunction;

/* An aggregate's state for one group: its instance, held by the owner's
 * `functions` list from the first step until finalize. */
typedef struct AggregateState {
    bool started;           /* (SQLite hands it over zeroed) */
    Value instance;
} AggregateState;

static void user_function_result(sqlite3_context *ctx, VM *vm, Value r) {
    BinBuf b;
    int64_t n;
    if (r == NONE_VAL) sqlite3_result_null(ctx);
    else if (is_intlike(r) && int_to_i64(r, &n)) sqlite3_result_int64(ctx, n);
    else if (is_float(r)) sqlite3_result_double(ctx, as_float(r));
    else if (is_str(r)) sqlite3_result_text(ctx, AS(ObjStr, r)->data, (int)AS(ObjStr, r)->len, SQLITE_TRANSIENT);
    else if (binbuf_get(r, &b)) sqlite3_result_blob(ctx, b.p, (int)b.n, SQLITE_TRANSIENT);
    else sqlite3_result_error(ctx, "user-defined function raised exception", -1);
    (void)vm;
}

/* SQLite's argument values as Asy values in args[0..argc); false if one failed. */
static bool sqlite_args(VM *vm, int argc, sqlite3_value **argv, Value *args) {
    for (int i = 0; i < argc; i++) {
        sqlite3_value *v = argv[i];
        switch (sqlite3_value_type(v)) {
        case SQLITE_INTEGER: args[i] = int_from_i64(vm, sqlite3_value_int64(v)); break;
        case SQLITE_FLOAT: args[i] = float_val(sqlite3_value_double(v)); break;
        case SQLITE_TEXT: {
            const char *t = (const char *)sqlite3_value_text(v);
            args[i] = t ? str_decode_utf8(vm, t, (size_t)sqlite3_value_bytes(v), "replace") : str_new_ascii(vm, "", 0);
            break;
        }
        case SQLITE_BLOB: args[i] = bytes_new(vm, sqlite3_value_blob(v), (size_t)sqlite3_value_bytes(v)); break;
        default: args[i] = NONE_VAL;
        }
        if (args[i] == ERR) return false;
    }
    return true;
}

/* Calls fn(*SQLite's arguments); ERR (the exception dropped) on failure. */
static Value call_with_sqlite_args(VM *vm, Value fn, int argc, sqlite3_value **argv) {
    Value *args = vm_roots_open(vm, argc + 1);
    if (!args) return ERR;
    args[argc] = fn;
    Value r = sqlite_args(vm, argc, argv, args) ? op_call(vm, fn, args, argc, NULL) : ERR;
    vm_pop_roots(vm, argc + 1);
    if (r == ERR) vm->exc = UNDEF;
    return r;
}

/* SQLite calls this for each use of a function: an exception is reported
 * as the failure CPython reports. */
static void user_function_call(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    UserFunction *uf = sqlite3_user_data(ctx);
    Value r = call_with_sqlite_args(uf->vm, uf->func, argc, argv);
    if (r == ERR || !vm_push_root(uf->vm, r)) {
        uf->vm->exc = UNDEF;
        sqlite3_result_error(ctx, "user-defined function raised exception", -1);
        return;
    }
    user_function_result(ctx, uf->vm, r);
    vm_pop_roots(uf->vm, 1);
}

/* An aggregate's step: the group's instance (made at its first row) gets
 * step(*args). */
static void aggregate_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    UserFunction *uf = sqlite3_user_data(ctx);
    VM *vm = uf->vm;
    AggregateState *st = sqlite3_aggregate_context(ctx, sizeof *st);
    if (!st) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!st->started) {
        Value inst = op_call0(vm, uf->func);
        if (inst == ERR || list_append(vm, AS(ObjList, uf->owner->functions), inst) < 0) {
            vm->exc = UNDEF;
            sqlite3_result_error(ctx, "user-defined aggregate's '__init__' method raised error", -1);
            return;
        }
        st->instance = inst;
        st->started = true;
    }
    Value step = op_getattr_opt(vm, st->instance, str_intern_cstr(vm, "step"));
    if (step == ERR || step == UNDEF) {
        vm->exc = UNDEF;
        sqlite3_result_error(ctx, "user-defined aggregate's 'step' method not defined", -1);
        return;
    }
    if (!vm_push_root(vm, step)) { vm->exc = UNDEF; return; }
    Value r = call_with_sqlite_args(vm, step, argc, argv);
    vm_pop_roots(vm, 1);
    if (r == ERR) sqlite3_result_error(ctx, "user-defined aggregate's 'step' method raised error", -1);
}

/* Drops inst from the list that kept it alive during its group. */
static void release_instance(ObjList *l, Value inst) {
    for (int64_t i = l->len - 1; i >= 0; i--) {
        if (l->items[i] != inst) continue;
        memmove(&l->items[i], &l->items[i + 1], (size_t)(l->len - i - 1) * sizeof(Value));
        l->len--;
        return;
    }
}

/* An aggregate's end: the group's instance gives finalize(); no rows, NULL. */
static void aggregate_final(sqlite3_context *ctx) {
    UserFunction *uf = sqlite3_user_data(ctx);
    VM *vm = uf->vm;
    AggregateState *st = sqlite3_aggregate_context(ctx, 0);
    if (!st || !st->started) {
        sqlite3_result_null(ctx);
        return;
    }
    Value inst = st->instance;
    Value r = op_call_method(vm, inst, str_intern_cstr(vm, "finalize"), NULL, 0);
    if (r == ERR || !vm_push_root(vm, r)) {
        vm->exc = UNDEF;
        sqlite3_result_error(ctx, "user-defined aggregate's 'finalize' method raised error", -1);
    } else {
        user_function_result(ctx, vm, r);
        vm_pop_roots(vm, 1);
    }
    release_instance(AS(ObjList, uf->owner->functions), inst);
    st->started = false;
}

/* A collation: the callable's int result orders the two strings. */
static int collation_compare(void *p, int na, const void *a, int nb, const void *b) {
    UserFunction *uf = p;
    VM *vm = uf->vm;
    Value *args = vm_roots_open(vm, 2);
    if (!args) { vm->exc = UNDEF; return 0; }
    args[0] = str_decode_utf8(vm, a, (size_t)na, "replace");
    args[1] = args[0] == ERR ? ERR : str_decode_utf8(vm, b, (size_t)nb, "replace");
    Value r = args[1] == ERR ? ERR : op_call(vm, uf->func, args, 2, NULL);
    vm_pop_roots(vm, 2);
    int64_t n = 0;      /* an error or a result that is no C long sorts as equal, as in CPython */
    if (r == ERR || !is_intlike(r) || !int_to_i64(r, &n)) vm->exc = UNDEF;
    return n < 0 ? -1 : n > 0;
}

/* ---- _Database ---------------------------------------------------------------------------- */

/* connect(path, timeout, uri): a new _Database. */
static Value f_connect(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjStr *path;
    double timeout;
    if (!args_check(vm, "connect", nargs, kw, 3, 3) || !str_arg(vm, args[0], "connect", 1, &path)) return ERR;
    if (is_float(args[1])) timeout = as_float(args[1]);
    else if (is_intlike(args[1])) timeout = is_bool(args[1]) ? as_bool(args[1]) : (double)as_int(args[1]);
    else return exc_raise(vm, E_TypeError, "timeout must be a real number, not %T", args[1]);
    int t = op_truthy(vm, args[2]);
    if (t < 0) return ERR;
    Value cls = module_attr(vm, "_Database");
    if (cls == ERR) return ERR;
    Database *d = gc_new(vm, sizeof(Database), OBJ_CDATA, AS(ObjClass, cls));
    if (!d) return ERR;
    d->db = NULL;
    d->functions = d->trace = d->progress = d->authorizer = NONE_VAL;
    d->vm = vm;
    ObjList *funcs = list_new(vm, 0);
    if (!funcs) return ERR;
    d->functions = obj_val(funcs);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | (t ? SQLITE_OPEN_URI : 0);
    int rc = sqlite3_open_v2(path->data, &d->db, flags, NULL);
    if (rc != SQLITE_OK) {
        Value r = d->db ? raise_db(vm, d->db) : exc_nomem(vm);
        if (d->db) sqlite3_close_v2(d->db);
        d->db = NULL;
        return r;
    }
    sqlite3_busy_timeout(d->db, (int)(timeout * 1000));
    return obj_val(d);
}

static Value f_complete_statement(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"statement"};
    Value a[1];
    ObjStr *sql;
    if (!args_bind(vm, "complete_statement", args, nargs, kw, names, 1, 1, 1, 0, a) ||
        !str_arg(vm, a[0], "complete_statement", 1, &sql))
        return ERR;
    return bool_val(sqlite3_complete(sql->data));
}

/* _init(errors): the dict of sqlite3's exception classes, by name. */
static Value f_init(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_init", nargs, kw, 1, 1)) return ERR;
    if (!is_dict(args[0])) return exc_raise(vm, E_TypeError, "_init() wants a dict of exception classes");
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "_sqlite3"));
    if (!is_kind(mod, OBJ_MODULE)) return exc_raise(vm, E_RuntimeError, "_sqlite3 is not imported");
    return dict_set_str(vm, AS(ObjModule, mod)->dict, str_intern_cstr(vm, "_errors"), args[0]) < 0 ? ERR : NONE_VAL;
}

static Value db_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, false);
    if (!d || !args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    if (d->db) {
        int rc = sqlite3_close_v2(d->db);
        if (rc != SQLITE_OK) return raise_db(vm, d->db);
        d->db = NULL;
    }
    return NONE_VAL;
}

/* Whether sql holds nothing but whitespace, ';' and comments. */
static bool only_trivia(const char *p) {
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == ';') p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n') p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            if (!end) return true;
            p = end + 2;
        } else {
            return *p == 0;
        }
    }
}

/* prepare(sql): a _Statement; ProgrammingError for more than one statement. */
static Value db_prepare(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    ObjStr *sql;
    if (!d || !args_check(vm, "prepare", nargs - 1, kw, 1, 1) || !str_arg(vm, args[1], "prepare", 1, &sql)) return ERR;
    if (strlen(sql->data) != (size_t)sql->len)
        return raise_error(vm, "ProgrammingError", "the query contains a null character", -1);
    Value cls = module_attr(vm, "_Statement");
    if (cls == ERR) return ERR;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v2(d->db, sql->data, (int)sql->len + 1, &st, &tail);
    if (rc != SQLITE_OK) return raise_db(vm, d->db);
    if (tail && !only_trivia(tail)) {
        sqlite3_finalize(st);
        return raise_error(vm, "ProgrammingError", "You can only execute one statement at a time.", -1);
    }
    Statement *s = gc_new(vm, sizeof(Statement), OBJ_CDATA, AS(ObjClass, cls));
    if (!s) {
        sqlite3_finalize(st);
        return ERR;
    }
    s->stmt = st;       /* NULL for an empty statement: it has no row and no columns */
    s->finalized = false;
    s->database = args[0];
    return obj_val(s);
}

/* exec_script(sql): runs every statement in sql (executescript). */
static Value db_exec_script(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    ObjStr *sql;
    if (!d || !args_check(vm, "exec_script", nargs - 1, kw, 1, 1) || !str_arg(vm, args[1], "executescript", 1, &sql))
        return ERR;
    if (strlen(sql->data) != (size_t)sql->len)
        return raise_error(vm, "ProgrammingError", "the query contains a null character", -1);
    int rc = sqlite3_exec(d->db, sql->data, NULL, NULL, NULL);
    return rc == SQLITE_OK ? NONE_VAL : raise_db(vm, d->db);
}

static Value db_changes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    return d && args_check(vm, "changes", nargs - 1, kw, 0, 0) ? int_from_i64(vm, sqlite3_changes64(d->db)) : ERR;
}

static Value db_total_changes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    return d && args_check(vm, "total_changes", nargs - 1, kw, 0, 0) ? int_from_i64(vm, sqlite3_total_changes64(d->db))
                                                                      : ERR;
}

static Value db_last_insert_rowid(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    return d && args_check(vm, "last_insert_rowid", nargs - 1, kw, 0, 0)
               ? int_from_i64(vm, sqlite3_last_insert_rowid(d->db)) : ERR;
}

/* limit(category, new): sqlite3_limit, the old value (new < 0 reads it). */
static Value db_limit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    if (!d || !args_check(vm, "limit", nargs - 1, kw, 2, 2)) return ERR;
    int64_t cat, value;
    if (!index_value(vm, args[1], &cat, NULL) || !index_value(vm, args[2], &value, NULL)) return ERR;
    if (cat < 0 || cat > SQLITE_LIMIT_WORKER_THREADS)
        return raise_error(vm, "ProgrammingError", "'category' is out of bounds", -1);
    if (value > INT32_MAX) value = INT32_MAX;
    return int_val(sqlite3_limit(d->db, (int)cat, value < 0 ? -1 : (int)value));
}

/* autocommit(): True unless a transaction is open. */
static Value db_autocommit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    return d && args_check(vm, "autocommit", nargs - 1, kw, 0, 0) ? bool_val(sqlite3_get_autocommit(d->db)) : ERR;
}

static Value db_is_open(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, false);
    return d && args_check(vm, "is_open", nargs - 1, kw, 0, 0) ? bool_val(d->db != NULL) : ERR;
}

/* A UserFunction for func, which the database keeps alive. */
static UserFunction *user_function_new(VM *vm, Database *d, Value func) {
    UserFunction *uf = malloc(sizeof *uf);
    if (!uf) {
        exc_nomem(vm);
        return NULL;
    }
    uf->vm = vm;
    uf->func = func;
    uf->owner = d;
    if (list_append(vm, AS(ObjList, d->functions), func) < 0) {
        free(uf);
        return NULL;
    }
    return uf;
}

/* create_function(name, narg, func, deterministic) and, with kind
 * "aggregate", create_aggregate(name, narg, cls): func None removes it. */
static Value create_common(VM *vm, Value *args, int nargs, ObjTuple *kw, bool aggregate) {
    const char *fname = aggregate ? "create_aggregate" : "create_function";
    Database *d = self_database(vm, args, nargs, true);
    ObjStr *name;
    int64_t narg;
    if (!d || !args_check(vm, fname, nargs - 1, kw, 4, 4) || !str_arg(vm, args[1], fname, 1, &name)) return ERR;
    if (!is_intlike(args[2]) || !int_to_i64(args[2], &narg))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[2]);
    int det = op_truthy(vm, args[4]);
    if (det < 0) return ERR;
    int flags = SQLITE_UTF8 | (det ? SQLITE_DETERMINISTIC : 0);
    UserFunction *uf = NULL;
    if (args[3] != NONE_VAL && !(uf = user_function_new(vm, d, args[3]))) return ERR;
    int rc = sqlite3_create_function_v2(d->db, name->data, (int)narg, flags, uf,
                                        uf && !aggregate ? user_function_call : NULL,
                                        uf && aggregate ? aggregate_step : NULL,
                                        uf && aggregate ? aggregate_final : NULL, uf ? free : NULL);
    if (rc != SQLITE_OK)
        return raise_error(vm, "OperationalError", aggregate ? "Error creating aggregate" : "Error creating function", rc);
    return NONE_VAL;
}

static Value db_create_function(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return create_common(vm, args, nargs, kw, false);
}

static Value db_create_aggregate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return create_common(vm, args, nargs, kw, true);
}

/* create_collation(name, func): func None removes it. */
static Value db_create_collation(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    ObjStr *name;
    if (!d || !args_check(vm, "create_collation", nargs - 1, kw, 2, 2) ||
        !str_arg(vm, args[1], "create_collation", 1, &name))
        return ERR;
    UserFunction *uf = NULL;
    if (args[2] != NONE_VAL && !(uf = user_function_new(vm, d, args[2]))) return ERR;
    int rc = sqlite3_create_collation_v2(d->db, name->data, SQLITE_UTF8, uf, uf ? collation_compare : NULL,
                                         uf ? free : NULL);
    return rc == SQLITE_OK ? NONE_VAL : raise_db(vm, d->db);
}

/* ---- hooks: trace, progress, authorizer; interrupt, limits, backup ---- */

/* SQLite calls this as each statement starts: the callable gets its SQL
 * with the bound values written in (sqlite3_expanded_sql), as CPython's. */
static int trace_hook(unsigned type, void *ctx, void *stmt, void *unused) {
    (void)unused;
    Database *d = ctx;
    if (type != SQLITE_TRACE_STMT || d->trace == NONE_VAL) return 0;
    VM *vm = d->vm;
    char *expanded = sqlite3_expanded_sql(stmt);
    const char *sql = expanded ? expanded : sqlite3_sql(stmt);
    Value text = str_decode_utf8(vm, sql ? sql : "", sql ? strlen(sql) : 0, "replace");
    sqlite3_free(expanded);
    Value *root = text == ERR ? NULL : vm_roots_open(vm, 1);
    if (root) {
        *root = text;
        if (op_call(vm, d->trace, root, 1, NULL) == ERR) vm->exc = UNDEF;
        vm_pop_roots(vm, 1);
    }
    vm->exc = UNDEF;    /* a failure in the callback is dropped, as with tracebacks disabled */
    return 0;
}

/* set_trace(callable or None) */
static Value db_set_trace(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    if (!d || !args_check(vm, "set_trace", nargs - 1, kw, 1, 1)) return ERR;
    d->vm = vm;
    d->trace = args[1];
    sqlite3_trace_v2(d->db, args[1] == NONE_VAL ? 0 : SQLITE_TRACE_STMT, args[1] == NONE_VAL ? NULL : trace_hook, d);
    return NONE_VAL;
}

/* Called every n virtual machine steps: a true result (or an exception)
 * interrupts the statement. */
static int progress_hook(void *ctx) {
    Database *d = ctx;
    VM *vm = d->vm;
    Value r = op_call(vm, d->progress, NULL, 0, NULL);
    int t = r == ERR ? 1 : op_truthy(vm, r);
    vm->exc = UNDEF;
    return t != 0;
}

/* set_progress(callable or None, n) */
static Value db_set_progress(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    int64_t n;
    if (!d || !args_check(vm, "set_progress_handler", nargs - 1, kw, 2, 2) || !ssize_value(vm, args[2], &n)) return ERR;
    d->vm = vm;
    d->progress = args[1];
    sqlite3_progress_handler(d->db, (int)n, args[1] == NONE_VAL ? NULL : progress_hook, d);
    return NONE_VAL;
}

static Value str_or_none(VM *vm, const char *s) { return s ? str_from_cstr(vm, s) : NONE_VAL; }

/* Asked while statements are prepared: the callable's int decides
 * (SQLITE_OK, SQLITE_DENY, SQLITE_IGNORE); anything else denies. */
static int authorizer_hook(void *ctx, int action, const char *a1, const char *a2, const char *db, const char *trig) {
    Database *d = ctx;
    VM *vm = d->vm;
    Value *args = vm_roots_open(vm, 5);
    if (!args) { vm->exc = UNDEF; return SQLITE_DENY; }
    args[0] = int_val(action);
    const char *strs[4] = {a1, a2, db, trig};
    bool ok = true;
    for (int i = 0; i < 4 && ok; i++) ok = (args[i + 1] = str_or_none(vm, strs[i])) != ERR;
    Value r = ok ? op_call(vm, d->authorizer, args, 5, NULL) : ERR;
    vm_pop_roots(vm, 5);
    int64_t code = SQLITE_DENY;
    if (r == ERR || !is_intlike(r) || !int_to_i64(r, &code)) code = SQLITE_DENY;
    vm->exc = UNDEF;
    return (int)code;
}

/* set_authorizer(callable or None) */
static Value db_set_authorizer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    if (!d || !args_check(vm, "set_authorizer", nargs - 1, kw, 1, 1)) return ERR;
    d->vm = vm;
    d->authorizer = args[1];
    if (sqlite3_set_authorizer(d->db, args[1] == NONE_VAL ? NULL : authorizer_hook, d) != SQLITE_OK)
        return raise_error(vm, "OperationalError", "Error setting authorizer callback", -1);
    return NONE_VAL;
}

static Value db_interrupt(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    if (!d || !args_check(vm, "interrupt", nargs - 1, kw, 0, 0)) return ERR;
    sqlite3_interrupt(d->db);
    return NONE_VAL;
}

/* backup(target, pages, progress, name, sleep_ms): copies this database
 * into target's main one, `pages` at a time, calling progress(status,
 * remaining, total) after each step. */
static Value db_backup(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    Value targs[1] = {nargs > 1 ? args[1] : NONE_VAL};
    Database *t = d ? self_database(vm, targs, 1, true) : NULL;
    ObjStr *name;
    int64_t pages, sleep_ms;
    if (!t || !args_check(vm, "backup", nargs - 1, kw, 5, 5) || !ssize_value(vm, args[2], &pages) ||
        !str_arg(vm, args[4], "backup", 4, &name) || !ssize_value(vm, args[5], &sleep_ms))
        return ERR;
    sqlite3_backup *b = sqlite3_backup_init(t->db, "main", d->db, name->data);
    if (!b) return raise_db(vm, t->db);
    int rc;
    do {
        rc = sqlite3_backup_step(b, pages == 0 ? -1 : (int)pages);
        if (args[3] != NONE_VAL) {
            Value *pa = vm_roots_open(vm, 3);
            if (!pa) { sqlite3_backup_finish(b); return ERR; }
            pa[0] = int_val(rc);
            pa[1] = int_val(sqlite3_backup_remaining(b));
            pa[2] = int_val(sqlite3_backup_pagecount(b));
            Value r = op_call(vm, args[3], pa, 3, NULL);
            vm_pop_roots(vm, 3);
            if (r == ERR) { sqlite3_backup_finish(b); return ERR; }
        }
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep((int)sleep_ms);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return raise_db(vm, t->db);
    return NONE_VAL;
}

/* ---- _Statement ---------------------------------------------------------------------- */

/* bind(values): binds a list or tuple of values to ?1..?n. */
static Value st_bind(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    if (!s || !args_check(vm, "bind", nargs - 1, kw, 1, 1)) return ERR;
    if (!is_list(args[1]) && !is_tuple(args[1])) return exc_raise(vm, E_TypeError, "bind() wants a list or tuple");
    const Value *items = is_list(args[1]) ? AS(ObjList, args[1])->items : AS(ObjTuple, args[1])->items;
    int64_t n = is_list(args[1]) ? AS(ObjList, args[1])->len : AS(ObjTuple, args[1])->len;
    if (!s->stmt) return NONE_VAL;      /* (the caller checked n against param_count(), 0) */
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    for (int64_t i = 0; i < n; i++) {
        if (!bind_one(vm, s->stmt, (int)i + 1, items[i])) return ERR;
    }
    return NONE_VAL;
}

/* step(): the next row as a tuple, or None when the statement is done. */
static Value st_step(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    if (!s || !args_check(vm, "step", nargs - 1, kw, 0, 0)) return ERR;
    if (!s->stmt) return NONE_VAL;
    int rc = sqlite3_step(s->stmt);
    if (rc == SQLITE_DONE) return NONE_VAL;
    if (rc != SQLITE_ROW) {
        sqlite3 *db = sqlite3_db_handle(s->stmt);
        sqlite3_reset(s->stmt);     /* (the error sticks to the connection for raise_db) */
        return raise_db(vm, db);
    }
    int n = sqlite3_column_count(s->stmt);
    ObjTuple *row = tuple_new(vm, n);
    if (!row || !vm_push_root(vm, obj_val(row))) return ERR;
    for (int i = 0; i < n; i++) row->items[i] = NONE_VAL;
    for (int i = 0; i < n; i++) {
        Value v = column_value(vm, s->stmt, i);
        if (v == ERR) { vm_pop_roots(vm, 1); return ERR; }
        row->items[i] = v;
    }
    vm_pop_roots(vm, 1);
    return obj_val(row);
}

/* A list of getter's string (or None) for each index from first to last:
 * the columns' names or declared types, or the parameters' names. */
static Value name_list(VM *vm, Statement *s, const char *(*getter)(sqlite3_stmt *, int), int first, int last) {
    ObjList *l = list_new(vm, 0);
    if (!l || !vm_push_root(vm, obj_val(l))) return ERR;
    for (int i = first; i <= last; i++) {
        const char *t = getter(s->stmt, i);
        Value v = t ? str_decode_utf8(vm, t, strlen(t), "replace") : NONE_VAL;
        if (v == ERR || list_append(vm, l, v) < 0) { vm_pop_roots(vm, 1); return ERR; }
    }
    vm_pop_roots(vm, 1);
    return obj_val(l);
}

static Value column_strings(VM *vm, Statement *s, const char *(*getter)(sqlite3_stmt *, int)) {
    return name_list(vm, s, getter, 0, sqlite3_column_count(s->stmt) - 1);
}

static Value st_columns(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    return s && args_check(vm, "columns", nargs - 1, kw, 0, 0) ? column_strings(vm, s, sqlite3_column_name) : ERR;
}

static Value st_decltypes(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    return s && args_check(vm, "decltypes", nargs - 1, kw, 0, 0) ? column_strings(vm, s, sqlite3_column_decltype) : ERR;
}

static Value st_param_count(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    return s && args_check(vm, "param_count", nargs - 1, kw, 0, 0) ? int_val(sqlite3_bind_parameter_count(s->stmt)) : ERR;
}

/* param_names(): each parameter's name with its prefix (':a', '?1'), or None for '?'. */
static Value st_param_names(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    if (!s || !args_check(vm, "param_names", nargs - 1, kw, 0, 0)) return ERR;
    return name_list(vm, s, sqlite3_bind_parameter_name, 1, sqlite3_bind_parameter_count(s->stmt));
}

static Value st_readonly(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    return s && args_check(vm, "readonly", nargs - 1, kw, 0, 0) ? bool_val(sqlite3_stmt_readonly(s->stmt)) : ERR;
}

static Value st_reset(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Statement *s = self_statement(vm, args, nargs);
    if (!s || !args_check(vm, "reset", nargs - 1, kw, 0, 0)) return ERR;
    sqlite3_reset(s->stmt);
    return NONE_VAL;
}

static Value st_finalize(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &statement_ctype)
        return exc_raise(vm, E_TypeError, "descriptor requires a '_sqlite3._Statement' object");
    if (!args_check(vm, "finalize", nargs - 1, kw, 0, 0)) return ERR;
    Statement *s = (Statement *)as_obj(args[0]);
    if (s->stmt) sqlite3_finalize(s->stmt);
    s->stmt = NULL;
    s->finalized = true;
    return NONE_VAL;
}

/* ---- the module ---------------------------------------------------------------------- */

/* ---- incremental blob I/O ------------------------------------------------------ */

/* blob_open(table, column, row, readonly, name): a _Blob on one value. */
static Value db_blob_open(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Database *d = self_database(vm, args, nargs, true);
    ObjStr *table, *column, *name;
    int64_t row;
    if (!d || !args_check(vm, "blob_open", nargs - 1, kw, 5, 5) || !str_arg(vm, args[1], "blobopen", 1, &table) ||
        !str_arg(vm, args[2], "blobopen", 2, &column) || !index_value(vm, args[3], &row, NULL) ||
        !str_arg(vm, args[5], "blobopen", 5, &name))
        return ERR;
    Value cls = module_attr(vm, "_Blob");
    if (cls == ERR) return ERR;
    sqlite3_blob *h = NULL;
    int rc = sqlite3_blob_open(d->db, name->data, table->data, column->data, row, args[4] != bool_val(true), &h);
    if (rc != SQLITE_OK) {
        if (h) sqlite3_blob_close(h);
        return raise_db(vm, d->db);
    }
    Blob *b = gc_new(vm, sizeof(Blob), OBJ_CDATA, AS(ObjClass, cls));
    if (!b) {
        sqlite3_blob_close(h);
        return ERR;
    }
    b->blob = h;
    b->database = args[0];
    return obj_val(b);
}

/* The receiving blob, open on an open database; NULL after raising. */
static Blob *self_blob(VM *vm, Value *args, int nargs) {
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &blob_ctype) {
        exc_raise(vm, E_TypeError, "descriptor requires a '_sqlite3._Blob' object");
        return NULL;
    }
    Blob *b = (Blob *)as_obj(args[0]);
    if (!((Database *)as_obj(b->database))->db) {
        closed_error(vm);
        return NULL;
    }
    if (!b->blob) {
        raise_error(vm, "ProgrammingError", "Cannot operate on a closed blob.", -1);
        return NULL;
    }
    return b;
}

static Value bl_size(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Blob *b = self_blob(vm, args, nargs);
    if (!b || !args_check(vm, "size", nargs - 1, kw, 0, 0)) return ERR;
    return int_val(sqlite3_blob_bytes(b->blob));
}

/* read(offset, n): n bytes from offset (the caller keeps them in range). */
static Value bl_read(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Blob *b = self_blob(vm, args, nargs);
    int64_t off, n;
    if (!b || !args_check(vm, "read", nargs - 1, kw, 2, 2) || !index_value(vm, args[1], &off, NULL) ||
        !index_value(vm, args[2], &n, NULL))
        return ERR;
    int64_t size = sqlite3_blob_bytes(b->blob);
    if (off < 0 || n < 0 || off > size || n > size - off) return exc_raise(vm, E_ValueError, "offset out of blob range");
    Value r = bytes_new(vm, NULL, (size_t)n);
    if (r == ERR) return ERR;
    if (n && sqlite3_blob_read(b->blob, AS(ObjBytes, r)->data, (int)n, (int)off) != SQLITE_OK)
        return raise_db(vm, ((Database *)as_obj(b->database))->db);
    return r;
}

/* write(offset, data): data (bytes-like) written at offset. */
static Value bl_write(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    Blob *b = self_blob(vm, args, nargs);
    int64_t off;
    BinBuf buf;
    if (!b || !args_check(vm, "write", nargs - 1, kw, 2, 2) || !index_value(vm, args[1], &off, NULL) ||
        !binbuf_arg(vm, args[2], &buf))
        return ERR;
    int64_t size = sqlite3_blob_bytes(b->blob);
    if (off < 0 || off > size || buf.n > size - off) return exc_raise(vm, E_ValueError, "data longer than blob length");
    if (buf.n && sqlite3_blob_write(b->blob, buf.p, (int)buf.n, (int)off) != SQLITE_OK)
        return raise_db(vm, ((Database *)as_obj(b->database))->db);
    return NONE_VAL;
}

static Value bl_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "close", nargs - 1, kw, 0, 0)) return ERR;
    if (nargs < 1 || !is_kind(args[0], OBJ_CDATA) || as_obj(args[0])->cls->ctype != &blob_ctype)
        return exc_raise(vm, E_TypeError, "descriptor requires a '_sqlite3._Blob' object");
    Blob *b = (Blob *)as_obj(args[0]);
    if (!((Database *)as_obj(b->database))->db) return closed_error(vm);
    blob_free(vm, &b->obj);
    return NONE_VAL;
}

typedef struct Method {
    const char *name;
    NativeFn fn;
} Method;

static bool add_class(VM *vm, ObjModule *m, const char *name, const CType *ctype, const Method *methods, size_t n) {
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_CDATA);
    Value mod = str_from_cstr(vm, "_sqlite3");
    if (!c || mod == ERR) return false;
    c->ctype = ctype;
    c->module = mod;
    if (dict_set_str(vm, c->dict, vm_name(vm, N___module__), mod) < 0) return false;
    for (size_t i = 0; i < n; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    return module_add_value(vm, m, name, obj_val(c));
}

/* The module's SQLITE_* constants (result codes, extended result codes,
 * authorizer actions, limit categories), their values from sqlite3.h. */
#define C(name) {#name, name}
static const struct {
    const char *name;
    int value;
} constants[] = {
    C(SQLITE_ABORT), C(SQLITE_ABORT_ROLLBACK), C(SQLITE_ALTER_TABLE), C(SQLITE_ANALYZE), C(SQLITE_ATTACH),
    C(SQLITE_AUTH), C(SQLITE_AUTH_USER), C(SQLITE_BUSY), C(SQLITE_BUSY_RECOVERY), C(SQLITE_BUSY_SNAPSHOT),
    C(SQLITE_BUSY_TIMEOUT), C(SQLITE_CANTOPEN), C(SQLITE_CANTOPEN_CONVPATH), C(SQLITE_CANTOPEN_DIRTYWAL),
    C(SQLITE_CANTOPEN_FULLPATH), C(SQLITE_CANTOPEN_ISDIR), C(SQLITE_CANTOPEN_NOTEMPDIR),
    C(SQLITE_CANTOPEN_SYMLINK), C(SQLITE_CONSTRAINT), C(SQLITE_CONSTRAINT_CHECK),
    C(SQLITE_CONSTRAINT_COMMITHOOK), C(SQLITE_CONSTRAINT_FOREIGNKEY), C(SQLITE_CONSTRAINT_FUNCTION),
    C(SQLITE_CONSTRAINT_NOTNULL), C(SQLITE_CONSTRAINT_PINNED), C(SQLITE_CONSTRAINT_PRIMARYKEY),
    C(SQLITE_CONSTRAINT_ROWID), C(SQLITE_CONSTRAINT_TRIGGER), C(SQLITE_CONSTRAINT_UNIQUE),
    C(SQLITE_CONSTRAINT_VTAB), C(SQLITE_CORRUPT), C(SQLITE_CORRUPT_INDEX), C(SQLITE_CORRUPT_SEQUENCE),
    C(SQLITE_CORRUPT_VTAB), C(SQLITE_CREATE_INDEX), C(SQLITE_CREATE_TABLE), C(SQLITE_CREATE_TEMP_INDEX),
    C(SQLITE_CREATE_TEMP_TABLE), C(SQLITE_CREATE_TEMP_TRIGGER), C(SQLITE_CREATE_TEMP_VIEW),
    C(SQLITE_CREATE_TRIGGER), C(SQLITE_CREATE_VIEW), C(SQLITE_CREATE_VTABLE), C(SQLITE_DBCONFIG_DEFENSIVE),
    C(SQLITE_DBCONFIG_DQS_DDL), C(SQLITE_DBCONFIG_DQS_DML), C(SQLITE_DBCONFIG_ENABLE_FKEY),
    C(SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER), C(SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION),
    C(SQLITE_DBCONFIG_ENABLE_QPSG), C(SQLITE_DBCONFIG_ENABLE_TRIGGER), C(SQLITE_DBCONFIG_ENABLE_VIEW),
    C(SQLITE_DBCONFIG_LEGACY_ALTER_TABLE), C(SQLITE_DBCONFIG_LEGACY_FILE_FORMAT),
    C(SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE), C(SQLITE_DBCONFIG_RESET_DATABASE), C(SQLITE_DBCONFIG_TRIGGER_EQP),
    C(SQLITE_DBCONFIG_TRUSTED_SCHEMA), C(SQLITE_DBCONFIG_WRITABLE_SCHEMA), C(SQLITE_DELETE), C(SQLITE_DENY),
    C(SQLITE_DETACH), C(SQLITE_DONE), C(SQLITE_DROP_INDEX), C(SQLITE_DROP_TABLE), C(SQLITE_DROP_TEMP_INDEX),
    C(SQLITE_DROP_TEMP_TABLE), C(SQLITE_DROP_TEMP_TRIGGER), C(SQLITE_DROP_TEMP_VIEW), C(SQLITE_DROP_TRIGGER),
    C(SQLITE_DROP_VIEW), C(SQLITE_DROP_VTABLE), C(SQLITE_EMPTY), C(SQLITE_ERROR),
    C(SQLITE_ERROR_MISSING_COLLSEQ), C(SQLITE_ERROR_RETRY), C(SQLITE_ERROR_SNAPSHOT), C(SQLITE_FORMAT),
    C(SQLITE_FULL), C(SQLITE_FUNCTION), C(SQLITE_IGNORE), C(SQLITE_INSERT), C(SQLITE_INTERNAL),
    C(SQLITE_INTERRUPT), C(SQLITE_IOERR), C(SQLITE_IOERR_ACCESS), C(SQLITE_IOERR_AUTH),
    C(SQLITE_IOERR_BEGIN_ATOMIC), C(SQLITE_IOERR_BLOCKED), C(SQLITE_IOERR_CHECKRESERVEDLOCK),
    C(SQLITE_IOERR_CLOSE), C(SQLITE_IOERR_COMMIT_ATOMIC), C(SQLITE_IOERR_CONVPATH), C(SQLITE_IOERR_CORRUPTFS),
    C(SQLITE_IOERR_DATA), C(SQLITE_IOERR_DELETE), C(SQLITE_IOERR_DELETE_NOENT), C(SQLITE_IOERR_DIR_CLOSE),
    C(SQLITE_IOERR_DIR_FSYNC), C(SQLITE_IOERR_FSTAT), C(SQLITE_IOERR_FSYNC), C(SQLITE_IOERR_GETTEMPPATH),
    C(SQLITE_IOERR_LOCK), C(SQLITE_IOERR_MMAP), C(SQLITE_IOERR_NOMEM), C(SQLITE_IOERR_RDLOCK),
    C(SQLITE_IOERR_READ), C(SQLITE_IOERR_ROLLBACK_ATOMIC), C(SQLITE_IOERR_SEEK), C(SQLITE_IOERR_SHMLOCK),
    C(SQLITE_IOERR_SHMMAP), C(SQLITE_IOERR_SHMOPEN), C(SQLITE_IOERR_SHMSIZE), C(SQLITE_IOERR_SHORT_READ),
    C(SQLITE_IOERR_TRUNCATE), C(SQLITE_IOERR_UNLOCK), C(SQLITE_IOERR_VNODE), C(SQLITE_IOERR_WRITE),
    C(SQLITE_LIMIT_ATTACHED), C(SQLITE_LIMIT_COLUMN), C(SQLITE_LIMIT_COMPOUND_SELECT),
    C(SQLITE_LIMIT_EXPR_DEPTH), C(SQLITE_LIMIT_FUNCTION_ARG), C(SQLITE_LIMIT_LENGTH),
    C(SQLITE_LIMIT_LIKE_PATTERN_LENGTH), C(SQLITE_LIMIT_SQL_LENGTH), C(SQLITE_LIMIT_TRIGGER_DEPTH),
    C(SQLITE_LIMIT_VARIABLE_NUMBER), C(SQLITE_LIMIT_VDBE_OP), C(SQLITE_LIMIT_WORKER_THREADS),
    C(SQLITE_LOCKED), C(SQLITE_LOCKED_SHAREDCACHE), C(SQLITE_LOCKED_VTAB), C(SQLITE_MISMATCH),
    C(SQLITE_MISUSE), C(SQLITE_NOLFS), C(SQLITE_NOMEM), C(SQLITE_NOTADB), C(SQLITE_NOTFOUND),
    C(SQLITE_NOTICE), C(SQLITE_NOTICE_RECOVER_ROLLBACK), C(SQLITE_NOTICE_RECOVER_WAL), C(SQLITE_OK),
    C(SQLITE_OK_LOAD_PERMANENTLY), C(SQLITE_OK_SYMLINK), C(SQLITE_PERM), C(SQLITE_PRAGMA), C(SQLITE_PROTOCOL),
    C(SQLITE_RANGE), C(SQLITE_READ), C(SQLITE_READONLY), C(SQLITE_READONLY_CANTINIT),
    C(SQLITE_READONLY_CANTLOCK), C(SQLITE_READONLY_DBMOVED), C(SQLITE_READONLY_DIRECTORY),
    C(SQLITE_READONLY_RECOVERY), C(SQLITE_READONLY_ROLLBACK), C(SQLITE_RECURSIVE), C(SQLITE_REINDEX),
    C(SQLITE_ROW), C(SQLITE_SAVEPOINT), C(SQLITE_SCHEMA), C(SQLITE_SELECT), C(SQLITE_TOOBIG),
    C(SQLITE_TRANSACTION), C(SQLITE_UPDATE), C(SQLITE_WARNING), C(SQLITE_WARNING_AUTOINDEX),
};
#undef C

static bool add_constants(VM *vm, ObjModule *m) {
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++)
        if (!module_add_value(vm, m, constants[i].name, int_val(constants[i].value))) return false;
    return true;
}

bool mod_sqlite3_init(VM *vm, ObjModule *m) {
    static const Method dbm[] = {
        {"close", db_close}, {"prepare", db_prepare}, {"exec_script", db_exec_script}, {"changes", db_changes},
        {"total_changes", db_total_changes}, {"last_insert_rowid", db_last_insert_rowid},
        {"autocommit", db_autocommit}, {"limit", db_limit}, {"is_open", db_is_open}, {"create_function", db_create_function},
        {"create_aggregate", db_create_aggregate}, {"create_collation", db_create_collation},
        {"blob_open", db_blob_open},
        {"set_trace", db_set_trace}, {"set_progress", db_set_progress}, {"set_authorizer", db_set_authorizer},
        {"interrupt", db_interrupt}, {"backup", db_backup},
    };
    static const Method blm[] = {
        {"size", bl_size}, {"read", bl_read}, {"write", bl_write}, {"close", bl_close},
    };
    static const Method stm[] = {
        {"bind", st_bind}, {"step", st_step}, {"columns", st_columns}, {"decltypes", st_decltypes},
        {"param_count", st_param_count}, {"param_names", st_param_names}, {"readonly", st_readonly},
        {"reset", st_reset}, {"finalize", st_finalize},
    };
    return add_class(vm, m, "_Database", &database_ctype, dbm, sizeof dbm / sizeof dbm[0]) &&
           add_class(vm, m, "_Statement", &statement_ctype, stm, sizeof stm / sizeof stm[0]) &&
           add_class(vm, m, "_Blob", &blob_ctype, blm, sizeof blm / sizeof blm[0]) &&
           module_add_native(vm, m, "connect", f_connect) &&
           module_add_native(vm, m, "complete_statement", f_complete_statement) &&
           module_add_native(vm, m, "_init", f_init) &&
           module_add_value(vm, m, "sqlite_version", str_from_cstr(vm, sqlite3_libversion())) &&
           add_constants(vm, m);
}
