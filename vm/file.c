/* open() and file objects, after CPython's io module: TextIOWrapper for text
 * and BufferedReader/BufferedWriter/BufferedRandom for binary files, with
 * CPython's messages.
 *
 * A file object is an ObjIter of one of those classes whose `next` function
 * reads lines, so `for line in f` and next(f) need nothing else:
 *
 *   i     the file descriptor, -1 once closed
 *   n     flags (F_*) and the newline mode (NL_*, in bits 8..10)
 *   a     a tuple (name, mode, encoding, errors, newline, UnsupportedOperation)
 *   b     text files: the raw bytes the decoded chunk `c` came from, or UNDEF
 *   c     text files: the decoded chunk being read, or UNDEF
 *   step  text files: the byte offset in `c` of the next character to read
 *
 * Writes go straight to the descriptor, so nothing is lost when a file is
 * never closed. Binary files buffer nothing either: readline reads a chunk
 * and seeks back over what follows the line (a byte at a time when the file
 * cannot seek). Text files decode 8 KiB chunks ahead, as CPython does, so a
 * decoding error shows at the same read as in CPython (for small files).
 * A chunk never ends inside a UTF-8 sequence or right after '\r': it is
 * extended by single bytes instead, so newlines and characters are never
 * split across chunks. tell() maps the position in `c` back to bytes.
 *
 * A file that was never closed is closed when the collector frees it
 * (file_release); so that programs that open files in a loop and leave them
 * to die, as CPython's reference counts allow, do not run out of
 * descriptors, every FILES_PER_GC opens ask the next safe point to collect. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binbuf.h"
#include "builtins.h"
#include "bytes.h"
#include "class.h"
#include "containers.h"
#include "exc.h"
#include "func.h"
#include "gc.h"
#include "gil.h"
#include "import.h"
#include "memview.h"
#include "num.h"
#include "ops.h"
#include "str.h"
#include "strbuf.h"
#include "textenc.h"

enum {
    F_READ = 1, F_WRITE = 2, F_APPEND = 4, F_BINARY = 8, F_CLOSEFD = 16,
    F_NOTELL = 32,      /* next() is iterating: tell() is disabled, as in CPython */
    F_SINGLEBYTE = 64,  /* latin-1, ascii or cp1252: one byte per character */
    F_LINEBUF = 128,    /* line_buffering (writes are unbuffered anyway) */
    /* the newlines met so far when reading with newline None or '' */
    F_SEEN_CR = 1 << 11, F_SEEN_LF = 1 << 12, F_SEEN_CRLF = 1 << 13,
    F_DECODED = 1 << 14,    /* reading has begun: reconfigure keeps the encoding */
    /* UTF-16 and UTF-32 files: code units of 2 or 4 bytes, big-endian or
     * not; F_BOM: the byte order comes from a BOM at the start (written
     * there, read from there, little-endian without one). F_SIG: utf-8-sig,
     * a UTF-8 BOM at the start is skipped and written. */
    F_UNIT2 = 1 << 15, F_UNIT4 = 1 << 16, F_BE = 1 << 17, F_BOM = 1 << 18, F_SIG = 1 << 19,
    F_WROTE = 1 << 20,      /* text was written (a pipe gets one BOM) */
};
#define F_CODEC (F_SINGLEBYTE | F_UNIT2 | F_UNIT4 | F_BE | F_BOM | F_SIG)
/* newline=None (universal, translated), '', '\n', '\r', '\r\n' */
enum { NL_NONE, NL_ANY, NL_LF, NL_CR, NL_CRLF };
#define NL_SHIFT 8
#define NL_MODE(f) ((int)(((f)->n >> NL_SHIFT) & 7))

/* INFO_BUFFER: a text file's `buffer` once asked for (None before), the same
 * object on each access as CPython's. */
enum { INFO_NAME, INFO_MODE, INFO_ENCODING, INFO_ERRORS, INFO_NEWLINE, INFO_UNSUPPORTED, INFO_BUFFER, INFO_COUNT };

#define CHUNK 8192
#define FILES_PER_GC 128

static Value file_next(VM *vm, ObjIter *f);

static bool is_file(Value v) { return is_kind(v, OBJ_ITER) && AS(ObjIter, v)->next == file_next; }
static bool is_binary(ObjIter *f) { return f->n & F_BINARY; }
static Value info(ObjIter *f, int k) { return AS(ObjTuple, f->a)->items[k]; }

/* ---- errors --------------------------------------------------------------- */

/* The OSError subclass for `err`, with args (errno, strerror[, filename]). */
static Value raise_errno(VM *vm, int err, Value filename) {
    Value args[3] = {int_val(err), str_from_cstr(vm, strerror(err)), filename};
    if (args[1] == ERR) return ERR;
    int n = filename == UNDEF ? 2 : 3;
    ObjTuple *t = tuple_from(vm, args, n);
    if (!t) return ERR;
    Value e = exc_new(vm, exc_oserror_class(vm, vm->exc_types[E_OSError], args, n), t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* io.UnsupportedOperation(msg). */
static Value raise_unsupported(VM *vm, ObjIter *f, const char *msg) {
    Value m = str_from_cstr(vm, msg);
    ObjTuple *t = m == ERR ? NULL : tuple_from(vm, &m, 1);
    if (!t) return ERR;
    Value e = exc_new(vm, AS(ObjClass, info(f, INFO_UNSUPPORTED)), t);
    return e == ERR ? ERR : exc_raise_value(vm, e);
}

/* Text files say "I/O operation on closed file." everywhere; the buffered
 * binary classes name the operation ("read of closed file"). */
static bool check_open(VM *vm, ObjIter *f, const char *binary_msg) {
    if (f->i >= 0) return true;
    exc_raise(vm, E_ValueError, "%s", is_binary(f) && binary_msg ? binary_msg : "I/O operation on closed file.");
    return false;
}

/* What the raw file layer says, for text files too. */
static bool check_open_raw(VM *vm, ObjIter *f) {
    if (f->i >= 0) return true;
    exc_raise(vm, E_ValueError, "I/O operation on closed file");
    return false;
}

/* Text files check closed first, then "not readable"; binary files the
 * other way round, with the operation's name as the message. */
static bool check_readable(VM *vm, ObjIter *f, const char *op, const char *closed_msg) {
    if (!is_binary(f) && !check_open(vm, f, NULL)) return false;
    if (!(f->n & F_READ)) {
        raise_unsupported(vm, f, is_binary(f) ? op : "not readable");
        return false;
    }
    return check_open(vm, f, closed_msg);
}

static bool check_writable(VM *vm, ObjIter *f, const char *op, const char *closed_msg) {
    if (!is_binary(f) && !check_open(vm, f, NULL)) return false;
    if (!(f->n & F_WRITE)) {
        raise_unsupported(vm, f, is_binary(f) ? op : "not writable");
        return false;
    }
    return check_open(vm, f, closed_msg);
}

/* The file object a method was called on; TypeError otherwise. */
static ObjIter *self_file(VM *vm, Value *args, int nargs, const char *method) {
    if (nargs < 1 || !is_file(args[0])) {
        exc_raise(vm, E_TypeError, "descriptor '%s' requires a file object", method);
        return NULL;
    }
    return AS(ObjIter, args[0]);
}

/* ---- the descriptor ------------------------------------------------------- */

/* Reads and writes block (a pipe, a terminal, a slow disk): they release
 * the interpreter lock, and touch only C buffers meanwhile. */
static ssize_t fd_read(VM *vm, int fd, void *buf, size_t n) {
    ssize_t r;
    ThreadState *ts = gil_release(vm);
    do r = read(fd, buf, n); while (r < 0 && errno == EINTR);
    int err = errno;
    gil_acquire(vm, ts);
    errno = err;
    return r;
}

static bool fd_write_all(VM *vm, int fd, const void *data, size_t n) {
    const char *p = data;
    ThreadState *ts = gil_release(vm);
    bool ok = true;
    while (n > 0) {
        ssize_t r = write(fd, p, n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) { ok = false; break; }
        p += r;
        n -= (size_t)r;
    }
    int err = errno;
    gil_acquire(vm, ts);
    errno = err;
    return ok;
}

/* Appends everything up to end of file to `out`; false with errno set. */
static bool fd_read_all(VM *vm, int fd, StrBuf *out) {
    char buf[CHUNK];
    for (;;) {
        ssize_t r = fd_read(vm, fd, buf, sizeof buf);
        if (r < 0) return false;
        if (r == 0) return true;
        sb_add(out, buf, (size_t)r);
    }
}

/* ---- text decoding -------------------------------------------------------- */

/* Whether `p` ends inside a UTF-8 sequence. */
static bool utf8_incomplete(const uint8_t *p, size_t n) {
    for (size_t k = 1; k <= 4 && k <= n; k++) {
        uint8_t c = p[n - k];
        if ((c & 0xC0) == 0x80) continue;
        size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        return need > k && c < 0xF8;
    }
    return false;
}

/* The bytes of one code unit of the file's encoding. */
static int unit_size(const ObjIter *f) { return f->n & F_UNIT4 ? 4 : f->n & F_UNIT2 ? 2 : 1; }

/* The code unit at byte i of p (a byte, or a UTF-16/32 unit in the file's
 * byte order). */
static uint32_t unit_at(const ObjIter *f, const uint8_t *p, size_t i) {
    int n = unit_size(f);
    uint32_t u = 0;
    for (int k = 0; k < n; k++) u |= (uint32_t)p[i + k] << (8 * (f->n & F_BE ? n - 1 - k : k));
    return u;
}

static bool chunk_needs_more(ObjIter *f, const StrBuf *raw) {
    size_t unit = (size_t)unit_size(f);
    if (raw->len % unit) return true;
    if (raw->len == 0) return false;
    const uint8_t *p = (const uint8_t *)raw->data;
    uint32_t last = unit_at(f, p, raw->len - unit);
    int nl = NL_MODE(f);
    if (last == '\r' && nl != NL_LF && nl != NL_CR) return true;
    if (unit == 2) return last >= 0xD800 && last < 0xDC00;     /* a lead surrogate */
    return unit == 1 && !(f->n & F_SINGLEBYTE) && utf8_incomplete(p, raw->len);
}

/* Universal newlines: "\r\n" and "\r" become "\n". */
static Value translate_newlines(VM *vm, Value s) {
    ObjStr *str = AS(ObjStr, s);
    if (!memchr(str->data, '\r', (size_t)str->len)) return s;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < str->len; i++) {
        char c = str->data[i];
        if (c == '\r') {
            if (i + 1 < str->len && str->data[i + 1] == '\n') i++;
            c = '\n';
        }
        sb_addc(&b, c);
    }
    return str_from_buf(vm, &b);
}

/* Notes the kinds of newline in decoded text s, for the newlines attribute
 * (chunks never end between "\r" and "\n"). */
static void note_newlines(ObjIter *f, const ObjStr *s) {
    for (const char *p = memchr(s->data, '\r', (size_t)s->len); p; p = memchr(p, '\r', (size_t)(s->data + s->len - p))) {
        bool crlf = p + 1 < s->data + s->len && p[1] == '\n';
        f->n |= crlf ? F_SEEN_CRLF : F_SEEN_CR;
        p += crlf ? 2 : 1;
    }
    for (const char *p = s->data, *e = s->data + s->len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        if (p == s->data || p[-1] != '\r') { f->n |= F_SEEN_LF; break; }
}

/* The codec that reads and writes the file's bytes after any BOM. */
static const char *file_codec(ObjIter *f) {
    if (f->n & (F_UNIT2 | F_UNIT4)) {
        static const char *const names[2][2] = {{"utf-16-le", "utf-16-be"}, {"utf-32-le", "utf-32-be"}};
        return names[(f->n & F_UNIT4) != 0][(f->n & F_BE) != 0];
    }
    return f->n & F_SIG ? "utf-8" : AS(ObjStr, info(f, INFO_ENCODING))->data;
}

/* The BOM the file's encoding writes at its start ("" for none). */
static const char *file_bom(ObjIter *f, size_t *len) {
    static const char *const boms[] = {"\xef\xbb\xbf", "\xff\xfe", "\xff\xfe\0\0"};
    int k = f->n & F_SIG ? 0 : !(f->n & F_BOM) ? -1 : f->n & F_UNIT2 ? 1 : 2;
    *len = k < 0 ? 0 : k == 0 ? 3 : k == 1 ? 2 : 4;
    return k < 0 ? "" : boms[k];
}

/* Bytes read from the start of the file: the length of the BOM there,
 * which settles a UTF-16/32 file's byte order (little-endian without one);
 * -1 after raising UnicodeError for a UTF-16 file without one, as
 * CPython's incremental decoder does. */
static int64_t skip_bom(VM *vm, ObjIter *f, const uint8_t *p, size_t n) {
    if (f->n & F_SIG) return n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3) ? 3 : 0;
    if (!(f->n & F_BOM)) return 0;
    size_t unit = (size_t)unit_size(f);
    if (n < unit) return 0;
    f->n &= ~(F_BOM | F_BE);
    bool be = unit == 2 ? p[0] == 0xFE && p[1] == 0xFF : !memcmp(p, "\0\0\xfe\xff", 4);
    bool le = unit == 2 ? p[0] == 0xFF && p[1] == 0xFE : !memcmp(p, "\xff\xfe\0\0", 4);
    if (be) f->n |= F_BE;
    if (!be && !le && unit == 2) return exc_raise(vm, E_UnicodeError, "UTF-16 stream does not start with BOM"), -1;
    return be || le ? (int64_t)unit : 0;
}

/* Whether the next bytes read are the file's first, which a BOM may lead. */
static bool at_start(ObjIter *f) {
    if (!(f->n & (F_BOM | F_SIG))) return false;
    off_t at = lseek((int)f->i, 0, SEEK_CUR);
    return at == 0 || (at < 0 && !(f->n & F_DECODED));
}

static Value decode(VM *vm, ObjIter *f, const char *p, size_t n) {
    Value errs = info(f, INFO_ERRORS);
    Value s = bytes_decode(vm, (const uint8_t *)p, n, file_codec(f), is_str(errs) ? AS(ObjStr, errs)->data : "strict");
    f->n |= F_DECODED;
    if (s != ERR && (NL_MODE(f) == NL_NONE || NL_MODE(f) == NL_ANY)) note_newlines(f, AS(ObjStr, s));
    return s != ERR && NL_MODE(f) == NL_NONE ? translate_newlines(vm, s) : s;
}

static void drop_chunk(ObjIter *f) {
    f->b = f->c = UNDEF;
    f->step = 0;
}

/* Reads and decodes the next chunk into f->c; *eof when the file had no
 * more bytes. False after raising. */
static bool text_refill(VM *vm, ObjIter *f, bool *eof) {
    char buf[CHUNK];
    StrBuf raw = SB_INIT;
    bool start = at_start(f);
    ssize_t r = fd_read(vm, (int)f->i, buf, sizeof buf);
    if (r < 0) return raise_errno(vm, errno, UNDEF), false;
    int64_t skip = start ? skip_bom(vm, f, (const uint8_t *)buf, (size_t)r) : 0;
    if (skip < 0) return false;
    sb_add(&raw, buf + skip, (size_t)(r - skip));
    while (chunk_needs_more(f, &raw)) {
        ssize_t k = fd_read(vm, (int)f->i, buf, 1);
        if (k < 0) { sb_free(&raw); return raise_errno(vm, errno, UNDEF), false; }
        if (k == 0) break;
        sb_addc(&raw, buf[0]);
    }
    if (raw.oom) { sb_free(&raw); return exc_nomem(vm), false; }
    drop_chunk(f);
    *eof = raw.len == 0;
    if (*eof) { sb_free(&raw); return true; }
    Value bytes = bytes_new(vm, (const uint8_t *)raw.data, raw.len);
    Value s = bytes == ERR ? ERR : decode(vm, f, raw.data, raw.len);
    sb_free(&raw);
    if (s == ERR) return false;
    f->b = bytes;
    f->c = s;
    return true;
}

/* The end (exclusive) of the first line in p[0..n), or n with *found false. */
static size_t find_eol(int nl, const char *p, size_t n, bool *found) {
    const char *e = NULL;
    size_t len = 1;
    switch (nl) {
    case NL_CR: e = memchr(p, '\r', n); break;
    case NL_CRLF: e = memmem(p, n, "\r\n", 2); len = 2; break;
    case NL_ANY:
        for (size_t i = 0; i < n && !e; i++) {
            if (p[i] == '\n' || p[i] == '\r') e = p + i;
        }
        if (e && *e == '\r' && e + 1 < p + n && e[1] == '\n') len = 2;
        break;
    default: e = memchr(p, '\n', n); break;
    }
    *found = e != NULL;
    return e ? (size_t)(e - p) + len : n;
}

/* Reads up to `limit` characters (all when negative) from a text file,
 * stopping after a newline when `line`. */
static Value text_read(VM *vm, ObjIter *f, int64_t limit, bool line) {
    StrBuf out = SB_INIT;
    int64_t chars = 0;
    while (limit < 0 || chars < limit) {
        if (f->c == UNDEF || f->step >= AS(ObjStr, f->c)->len) {
            if (limit < 0 && !line) {
                /* read(): the rest of the file in one piece, as CPython. */
                StrBuf raw = SB_INIT;
                drop_chunk(f);
                bool start = at_start(f);
                if (!fd_read_all(vm, (int)f->i, &raw)) { sb_free(&raw); sb_free(&out); return raise_errno(vm, errno, UNDEF); }
                int64_t skip = start && raw.data ? skip_bom(vm, f, (const uint8_t *)raw.data, raw.len) : 0;
                Value s = skip < 0 ? ERR : decode(vm, f, raw.data ? raw.data + skip : "", raw.len - (size_t)skip);
                sb_free(&raw);
                if (s == ERR) { sb_free(&out); return ERR; }
                sb_add(&out, AS(ObjStr, s)->data, (size_t)AS(ObjStr, s)->len);
                break;
            }
            bool eof;
            if (!text_refill(vm, f, &eof)) { sb_free(&out); return ERR; }
            if (eof) break;
            continue;
        }
        ObjStr *s = AS(ObjStr, f->c);
        const char *p = s->data + f->step;
        size_t avail = (size_t)(s->len - f->step), eol = avail;
        bool found = false;
        if (line) eol = find_eol(NL_MODE(f), p, avail, &found);
        size_t end = eol;
        if (limit >= 0) {
            for (size_t i = 0; i < end; i++) {
                if (((uint8_t)p[i] & 0xC0) == 0x80) continue;
                if (chars == limit) { end = i; break; }
                chars++;
            }
        }
        sb_add(&out, p, end);
        f->step += (int64_t)end;
        if (found && end == eol) break;
    }
    if (out.oom) { sb_free(&out); return exc_nomem(vm); }
    return out.len ? str_from_buf(vm, &out) : (sb_free(&out), obj_val(vm->empty_str));
}

/* The byte position of the next character of a text file: the position of
 * the descriptor, less the raw bytes of the chunk not consumed yet. */
static bool text_tell(VM *vm, ObjIter *f, int64_t *pos) {
    off_t cur = lseek((int)f->i, 0, SEEK_CUR);
    if (cur < 0) return raise_errno(vm, errno, UNDEF), false;
    *pos = cur;
    if (f->c == UNDEF) return true;
    ObjBytes *raw = AS(ObjBytes, f->b);
    ObjStr *s = AS(ObjStr, f->c);
    int64_t i = 0, j = 0, unit = unit_size(f);
    bool translated = NL_MODE(f) == NL_NONE;
    while (j < f->step && i + unit <= raw->len) {
        if (translated && unit_at(f, raw->data, (size_t)i) == '\r') {
            i += i + 2 * unit <= raw->len && unit_at(f, raw->data, (size_t)(i + unit)) == '\n' ? 2 * unit : unit;
            j++;
            continue;
        }
        uint8_t c = (uint8_t)s->data[j];
        int64_t clen = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        /* bytes in the file: one, the UTF-8 length, or 1-2 UTF-16 units */
        i += unit == 4 ? 4 : unit == 2 ? (clen == 4 ? 4 : 2) : f->n & F_SINGLEBYTE ? 1 : clen;
        j += clen;
    }
    *pos = cur - raw->len + i;
    return true;
}

/* Before writing or seeking: puts the descriptor where the reader is. */
static bool text_sync(VM *vm, ObjIter *f) {
    if (f->c == UNDEF) return true;
    int64_t pos;
    if (!text_tell(vm, f, &pos)) return false;
    drop_chunk(f);
    if (lseek((int)f->i, (off_t)pos, SEEK_SET) < 0) return raise_errno(vm, errno, UNDEF), false;
    return true;
}

/* ---- binary reading ------------------------------------------------------- */

static Value bin_read(VM *vm, ObjIter *f, int64_t limit) {
    StrBuf out = SB_INIT;
    int fd = (int)f->i;
    if (limit < 0) {
        if (!fd_read_all(vm, fd, &out)) { sb_free(&out); return raise_errno(vm, errno, UNDEF); }
    } else {
        char buf[CHUNK];
        while ((int64_t)out.len < limit) {
            size_t want = (size_t)(limit - (int64_t)out.len);
            ssize_t r = fd_read(vm, fd, buf, want < sizeof buf ? want : sizeof buf);
            if (r < 0) { sb_free(&out); return raise_errno(vm, errno, UNDEF); }
            if (r == 0) break;
            sb_add(&out, buf, (size_t)r);
        }
    }
    if (out.oom) { sb_free(&out); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(out.data ? out.data : ""), out.len);
    sb_free(&out);
    return r;
}

static Value bin_readline(VM *vm, ObjIter *f, int64_t limit) {
    StrBuf out = SB_INIT;
    int fd = (int)f->i;
    bool seekable = lseek(fd, 0, SEEK_CUR) >= 0;
    char buf[CHUNK];
    while (limit < 0 || (int64_t)out.len < limit) {
        size_t want = seekable ? sizeof buf : 1;
        if (limit >= 0 && (int64_t)want > limit - (int64_t)out.len) want = (size_t)(limit - (int64_t)out.len);
        ssize_t r = fd_read(vm, fd, buf, want);
        if (r < 0) { sb_free(&out); return raise_errno(vm, errno, UNDEF); }
        if (r == 0) break;
        char *nl = memchr(buf, '\n', (size_t)r);
        size_t take = nl ? (size_t)(nl - buf) + 1 : (size_t)r;
        sb_add(&out, buf, take);
        if (take < (size_t)r && lseek(fd, (off_t)take - (off_t)r, SEEK_CUR) < 0) {
            sb_free(&out);
            return raise_errno(vm, errno, UNDEF);
        }
        if (nl) break;
    }
    if (out.oom) { sb_free(&out); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(out.data ? out.data : ""), out.len);
    sb_free(&out);
    return r;
}

/* ---- methods -------------------------------------------------------------- */

/* An optional size argument: None or absent is -1. */
static bool size_arg(VM *vm, Value *args, int nargs, int64_t *out) {
    *out = -1;
    if (nargs < 2 || is_none(args[1])) return true;
    if (!is_intlike(args[1]) && op_special(vm, args[1], N___index__) == UNDEF)
        return exc_raise(vm, E_TypeError, "argument should be integer or None, not '%T'", args[1]), false;
    if (!count_value(vm, args[1], out)) return false;
    if (*out < 0) *out = -1;
    return true;
}

static Value f_read(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "read");
    int64_t n;
    if (!f || !args_check(vm, "read", nargs, kw, 1, 2) || !size_arg(vm, args, nargs, &n) ||
        !check_readable(vm, f, "read", "read of closed file"))
        return ERR;
    return is_binary(f) ? bin_read(vm, f, n) : text_read(vm, f, n, false);
}

/* readinto(b) of binary files: read as bytes (the read may let other
 * threads run), then copied into b's memory, looked up again. */
static Value readinto(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name, const char *op) {
    ObjIter *f = self_file(vm, args, nargs, name);
    if (!f || !args_check(vm, name, nargs, kw, 2, 2) || !check_readable(vm, f, op, "readinto of closed file"))
        return ERR;
    uint8_t *p;
    int64_t room;
    if (!is_binary(f)) return exc_raise(vm, E_AttributeError, "'TextIOWrapper' object has no attribute 'readinto'");
    Value target = memview_writable_target(vm, args[1]);
    if (target == ERR) return ERR;
    if (target == UNDEF || !binbuf_writable(target, &p, &room))
        return exc_raise(vm, E_TypeError, "readinto() argument must be read-write bytes-like object, not %T", args[1]);
    if (!vm_push_root(vm, target)) return ERR;
    Value data = bin_read(vm, f, room);
    vm_pop_roots(vm, 1);
    if (data == ERR) return ERR;
    int64_t n = AS(ObjBytes, data)->len;
    if (!binbuf_writable(target, &p, &room)) return exc_raise(vm, E_ValueError, "readinto() buffer was released");
    if (n > room) n = room;
    if (n) memcpy(p, AS(ObjBytes, data)->data, (size_t)n);
    return int_val(n);
}

static Value f_readinto(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return readinto(vm, args, nargs, kw, "readinto", "read");
}

static Value f_readinto1(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return readinto(vm, args, nargs, kw, "readinto1", "read1");
}

static Value readline(VM *vm, ObjIter *f, int64_t n) {
    return is_binary(f) ? bin_readline(vm, f, n) : text_read(vm, f, n, true);
}

static Value f_readline(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "readline");
    int64_t n;
    if (!f || !args_check(vm, "readline", nargs, kw, 1, 2) || !size_arg(vm, args, nargs, &n) ||
        !check_readable(vm, f, "read", "readline of closed file"))
        return ERR;
    return readline(vm, f, n);
}

static int64_t value_len(Value v) {
    return is_str(v) ? AS(ObjStr, v)->cplen : AS(ObjBytes, v)->len;
}

static Value f_readlines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "readlines");
    int64_t hint;
    if (!f || !args_check(vm, "readlines", nargs, kw, 1, 2) || !size_arg(vm, args, nargs, &hint) ||
        !check_readable(vm, f, "read", "readline of closed file"))
        return ERR;
    if (hint == 0) hint = -1;
    ObjList *l = list_new(vm, 0);
    if (!l) return ERR;
    int64_t total = 0;
    for (;;) {
        Value line = readline(vm, f, -1);
        if (line == ERR) return ERR;
        int64_t len = value_len(line);
        if (len == 0) break;
        if (list_append(vm, l, line) < 0) return ERR;
        total += len;
        if (hint > 0 && total >= hint) break;
    }
    return obj_val(l);
}

/* `for line in f` and next(f). */
static Value file_next(VM *vm, ObjIter *f) {
    if (!check_readable(vm, f, "read", "readline of closed file")) return ERR;
    Value line = readline(vm, f, -1);
    if (line == ERR) return ERR;
    if (value_len(line) == 0) {
        f->n &= ~(int64_t)F_NOTELL;
        return UNDEF;
    }
    if (!is_binary(f)) f->n |= F_NOTELL;
    return line;
}

/* newline='\r' or '\r\n': "\n" is written as that. */
static Value translate_for_write(VM *vm, ObjIter *f, Value s) {
    int nl = NL_MODE(f);
    ObjStr *str = AS(ObjStr, s);
    if ((nl != NL_CR && nl != NL_CRLF) || !memchr(str->data, '\n', (size_t)str->len)) return s;
    StrBuf b = SB_INIT;
    for (int64_t i = 0; i < str->len; i++) {
        if (str->data[i] == '\n') sb_adds(&b, nl == NL_CR ? "\r" : "\r\n");
        else sb_addc(&b, str->data[i]);
    }
    return str_from_buf(vm, &b);
}

/* A write at the start of a file whose encoding has a BOM writes it first
 * (a UTF-16/32 file's byte order is then little-endian). */
static bool write_bom(VM *vm, ObjIter *f) {
    size_t n;
    const char *bom = file_bom(f, &n);
    off_t at = n ? lseek((int)f->i, 0, SEEK_CUR) : 1;
    bool first = !(f->n & F_WROTE);
    f->n |= F_WROTE;
    if (at > 0 || (at < 0 && !first)) return true;
    f->n &= ~(F_BOM | F_BE);
    if (!fd_write_all(vm, (int)f->i, bom, n)) return raise_errno(vm, errno, UNDEF), false;
    return true;
}

static Value write_value(VM *vm, ObjIter *f, Value v) {
    if (!check_writable(vm, f, "write", "write to closed file")) return ERR;
    const void *data;
    size_t len;
    int64_t count;
    if (is_binary(f)) {
        BinBuf b;
        if (!binbuf_arg(vm, v, &b)) return ERR;
        data = b.p;
        len = (size_t)b.n;
        count = (int64_t)len;
    } else {
        if (!is_str(v)) return exc_raise(vm, E_TypeError, "write() argument must be str, not %A", v);
        count = AS(ObjStr, v)->cplen;
        Value t = translate_for_write(vm, f, v);
        if (t == ERR || !text_sync(vm, f)) return ERR;
        if (!write_bom(vm, f)) return ERR;
        /* One-byte and wide codecs, and lone surrogates in UTF-8, go through
         * the codec and its errors handler. */
        if ((f->n & (F_SINGLEBYTE | F_UNIT2 | F_UNIT4)) || str_has_surrogates(AS(ObjStr, t))) {
            Value errs = info(f, INFO_ERRORS);
            t = bytes_encode(vm, AS(ObjStr, t), file_codec(f), is_str(errs) ? AS(ObjStr, errs)->data : "strict");
            if (t == ERR) return ERR;
            data = AS(ObjBytes, t)->data;
            len = (size_t)AS(ObjBytes, t)->len;
        } else {
            data = AS(ObjStr, t)->data;
            len = (size_t)AS(ObjStr, t)->len;
        }
    }
    if (!fd_write_all(vm, (int)f->i, data, len)) return raise_errno(vm, errno, UNDEF);
    return int_from_i64(vm, count);
}

static Value f_write(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "write");
    if (!f || !args_check(vm, "write", nargs, kw, 2, 2)) return ERR;
    return write_value(vm, f, args[1]);
}

static Value f_writelines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "writelines");
    if (!f || !args_check(vm, "writelines", nargs, kw, 2, 2) || !check_open(vm, f, NULL)) return ERR;
    Value it = op_iter(vm, args[1]);
    if (it == ERR) return ERR;
    /* The iterator may run script code (a generator): keep it reachable. */
    if (!vm_push_root(vm, it)) return ERR;
    Value r = NONE_VAL;
    for (;;) {
        Value line = op_next(vm, it);
        if (line == UNDEF) break;
        if (line == ERR || write_value(vm, f, line) == ERR) { r = ERR; break; }
    }
    vm_pop_roots(vm, 1);
    return r;
}

static Value close_file(VM *vm, ObjIter *f) {
    if (f->i < 0) return NONE_VAL;
    int fd = (int)f->i;
    f->i = -1;
    drop_chunk(f);
    Value buf = info(f, INFO_BUFFER);
    if (is_file(buf)) close_file(vm, AS(ObjIter, buf));     /* (closefd=False: it only marks it closed) */
    if ((f->n & F_CLOSEFD) && close(fd) < 0 && errno != EINTR) return raise_errno(vm, errno, UNDEF);
    return NONE_VAL;
}

static Value f_close(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "close");
    if (!f || !args_check(vm, "close", nargs, kw, 1, 1)) return ERR;
    return close_file(vm, f);
}

static Value f_flush(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "flush");
    if (!f || !args_check(vm, "flush", nargs, kw, 1, 1)) return ERR;
    if (f->i < 0) return exc_raise(vm, E_ValueError, "I/O operation on closed file.");
    return NONE_VAL;
}

static Value f_tell(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "tell");
    if (!f || !args_check(vm, "tell", nargs, kw, 1, 1) || !check_open(vm, f, "I/O operation on closed file"))
        return ERR;
    if (is_binary(f)) {
        off_t pos = lseek((int)f->i, 0, SEEK_CUR);
        return pos < 0 ? raise_errno(vm, errno, UNDEF) : int_from_i64(vm, pos);
    }
    if (f->n & F_NOTELL) return exc_raise(vm, E_OSError, "telling position disabled by next() call");
    int64_t pos;
    return text_tell(vm, f, &pos) ? int_from_i64(vm, pos) : ERR;
}

static Value f_seek(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "seek");
    if (!f || !args_check(vm, "seek", nargs, kw, 2, 3)) return ERR;
    int64_t off, whence = 0;
    if (!is_intlike(args[1]))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[1]);
    if (nargs > 2 && !is_intlike(args[2]))
        return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[2]);
    if (!int_to_i64(args[1], &off) || (nargs > 2 && !int_to_i64(args[2], &whence)))
        return exc_raise(vm, E_OverflowError, "Python int too large to convert to C long");
    if (!check_open(vm, f, "seek of closed file")) return ERR;
    if (whence < 0 || whence > 2) {
        if (is_binary(f)) return exc_raise(vm, E_ValueError, "whence value %lld unsupported", (long long)whence);
        return exc_raise(vm, E_ValueError, "invalid whence (%lld, should be 0, 1 or 2)", (long long)whence);
    }
    if (!is_binary(f)) {
        if (whence == 1 && off != 0) return raise_unsupported(vm, f, "can't do nonzero cur-relative seeks");
        if (whence == 2 && off != 0) return raise_unsupported(vm, f, "can't do nonzero end-relative seeks");
        if (whence == 0 && off < 0) return exc_raise(vm, E_ValueError, "negative seek position %lld", (long long)off);
        if (!text_sync(vm, f)) return ERR;
        f->n &= ~(int64_t)F_NOTELL;
    }
    off_t pos = lseek((int)f->i, (off_t)off, whence == 0 ? SEEK_SET : whence == 1 ? SEEK_CUR : SEEK_END);
    return pos < 0 ? raise_errno(vm, errno, UNDEF) : int_from_i64(vm, pos);
}

static Value f_truncate(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "truncate");
    if (!f || !args_check(vm, "truncate", nargs, kw, 1, 2) || !check_writable(vm, f, "truncate", NULL)) return ERR;
    int64_t size;
    if (nargs > 1 && !is_none(args[1])) {
        if (!is_intlike(args[1]) || !int_to_i64(args[1], &size))
            return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", args[1]);
        if (size < 0) return raise_errno(vm, EINVAL, UNDEF);
    } else {
        if (!text_sync(vm, f)) return ERR;
        off_t pos = lseek((int)f->i, 0, SEEK_CUR);
        if (pos < 0) return raise_errno(vm, errno, UNDEF);
        size = pos;
    }
    if (!text_sync(vm, f)) return ERR;
    if (ftruncate((int)f->i, (off_t)size) < 0) return raise_errno(vm, errno, UNDEF);
    return int_from_i64(vm, size);
}

static Value f_fileno(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "fileno");
    if (!f || !args_check(vm, "fileno", nargs, kw, 1, 1) || !check_open_raw(vm, f))
        return ERR;
    return int_val(f->i);
}

static Value f_isatty(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "isatty");
    if (!f || !args_check(vm, "isatty", nargs, kw, 1, 1) || !check_open_raw(vm, f))
        return ERR;
    return bool_val(isatty((int)f->i));
}

static Value f_readable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "readable");
    if (!f || !args_check(vm, "readable", nargs, kw, 1, 1) || !check_open_raw(vm, f))
        return ERR;
    return bool_val(f->n & F_READ);
}

static Value f_writable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "writable");
    if (!f || !args_check(vm, "writable", nargs, kw, 1, 1) || !check_open_raw(vm, f))
        return ERR;
    return bool_val(f->n & F_WRITE);
}

static Value f_seekable(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "seekable");
    if (!f || !args_check(vm, "seekable", nargs, kw, 1, 1) || !check_open_raw(vm, f))
        return ERR;
    return bool_val(lseek((int)f->i, 0, SEEK_CUR) >= 0);
}

static Value f_enter(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "__enter__");
    if (!f || !args_check(vm, "__enter__", nargs, kw, 1, 1)) return ERR;
    if (f->i < 0) return exc_raise(vm, E_ValueError, "I/O operation on closed file.");
    return args[0];
}

static Value f_exit(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    ObjIter *f = self_file(vm, args, nargs, "__exit__");
    return f ? close_file(vm, f) : ERR;
}

static Value f_repr(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "__repr__");
    if (!f || !args_check(vm, "__repr__", nargs, kw, 1, 1)) return ERR;
    const char *cname = as_obj(args[0])->cls->name->data;
    bool raw = !strcmp(cname, "FileIO");
    if (raw && f->i < 0) return str_from_cstr(vm, "<_io.FileIO [closed]>");
    StrBuf b = SB_INIT;
    sb_addf(&b, "<_io.%s name=", cname);
    bool ok = op_repr_to(vm, info(f, INFO_NAME), &b);
    if (ok && raw) {
        sb_adds(&b, " mode=");
        ok = op_repr_to(vm, info(f, INFO_MODE), &b);
        sb_adds(&b, f->n & F_CLOSEFD ? " closefd=True" : " closefd=False");
    } else if (ok && !is_binary(f)) {
        sb_adds(&b, " mode=");
        ok = op_repr_to(vm, info(f, INFO_MODE), &b);
        sb_adds(&b, " encoding=");
        ok = ok && op_repr_to(vm, info(f, INFO_ENCODING), &b);
    }
    sb_addc(&b, '>');
    if (!ok) { sb_free(&b); return ERR; }
    return str_from_buf(vm, &b);
}

/* Read-only attributes, as properties whose getter is one of these. */
static Value p_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "name");
    (void)kw;
    return f ? info(f, INFO_NAME) : ERR;
}

static Value p_mode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "mode");
    (void)kw;
    return f ? info(f, INFO_MODE) : ERR;
}

static Value p_encoding(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "encoding");
    (void)kw;
    return f ? info(f, INFO_ENCODING) : ERR;
}

static Value p_errors(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "errors");
    (void)kw;
    if (!f) return ERR;
    Value e = info(f, INFO_ERRORS);
    return is_str(e) ? e : str_from_cstr(vm, "strict");
}

static Value p_closed(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "closed");
    (void)kw;
    return f ? bool_val(f->i < 0) : ERR;
}

/* FileIO's readall() and closefd (open(..., buffering=0) gives a FileIO). */
static Value f_readall(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "readall", nargs - 1, kw, 0, 0)) return ERR;
    return f_read(vm, args, 1, NULL);
}

static Value p_closefd(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "closefd");
    (void)kw;
    return f ? bool_val(f->n & F_CLOSEFD) : ERR;
}

/* ---- open() --------------------------------------------------------------- */

typedef struct OpenMode {
    int flags;          /* F_READ, F_WRITE, F_APPEND, F_BINARY */
    int oflags;         /* for open(2) */
    const char *raw_mode;   /* FileIO's mode: "rb", "wb", "rb+", ... */
} OpenMode;

/* Parses open()'s mode with CPython's checks and messages. */
static bool parse_mode(VM *vm, ObjStr *mode, OpenMode *m) {
    int seen[128] = {0};
    for (int64_t i = 0; i < mode->len; i++) {
        unsigned char c = (unsigned char)mode->data[i];
        if (c >= 128 || !strchr("rwxabt+", c) || c == 0 || seen[c]++)
            return exc_raise(vm, E_ValueError, "invalid mode: %R", obj_val(mode)), false;
    }
    bool creating = seen['x'], reading = seen['r'], writing = seen['w'], appending = seen['a'];
    bool updating = seen['+'];
    if (seen['t'] && seen['b']) return exc_raise(vm, E_ValueError, "can't have text and binary mode at once"), false;
    if (creating + reading + writing + appending > 1)
        return exc_raise(vm, E_ValueError, "must have exactly one of create/read/write/append mode"), false;
    if (creating + reading + writing + appending == 0)
        return exc_raise(vm, E_ValueError,
                         "Must have exactly one of create/read/write/append mode and at most one plus"), false;
    m->flags = seen['b'] ? F_BINARY : 0;
    m->oflags = O_CLOEXEC;
    if (reading) {
        m->flags |= F_READ;
        m->raw_mode = updating ? "rb+" : "rb";
    } else if (writing) {
        m->flags |= F_WRITE;
        m->oflags |= O_CREAT | O_TRUNC;
        m->raw_mode = updating ? "rb+" : "wb";
    } else if (appending) {
        m->flags |= F_WRITE | F_APPEND;
        m->oflags |= O_CREAT | O_APPEND;
        m->raw_mode = updating ? "ab+" : "ab";
    } else {
        m->flags |= F_WRITE;
        m->oflags |= O_CREAT | O_EXCL;
        m->raw_mode = updating ? "xb+" : "xb";
    }
    if (updating) m->flags |= F_READ | F_WRITE;
    m->oflags |= (m->flags & F_READ) && (m->flags & F_WRITE) ? O_RDWR : (m->flags & F_READ) ? O_RDONLY : O_WRONLY;
    return true;
}

/* An optional str argument (None when absent). */
static bool str_or_none(VM *vm, const char *fname, Value v, const char *name, Value *out) {
    *out = v == UNDEF ? NONE_VAL : v;
    if (is_none(*out) || is_str(*out)) return true;
    exc_raise(vm, E_TypeError, "%s() argument '%s' must be str or None, not %T", fname, name, v);
    return false;
}

/* Whether codecs has `enc` as one of its single-byte code pages (the
 * rarer ones, checked after the names below): 1, 0, or -1 after raising. */
static int codecs_single_byte(VM *vm, Value enc) {
    Value m = import_module(vm, "codecs");
    Value fn = m == ERR ? ERR : op_getattr(vm, m, str_intern_cstr(vm, "_single_byte"));
    Value r = fn == ERR ? ERR : op_call1(vm, fn, enc);
    return r == ERR ? -1 : r == TRUE_VAL;
}

static bool single_byte_codec(const char *enc) {
    char norm[32];
    size_t n = 0;
    for (; enc[n] && n < sizeof norm - 1; n++) {
        char c = enc[n];
        norm[n] = c == '_' ? '-' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    norm[n] = 0;
    static const char *const names[] = {"latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "ascii", "us-ascii",
                                        "cp1252", "windows-1252", NULL};
    for (int i = 0; names[i]; i++) {
        if (!strcmp(norm, names[i])) return true;
    }
    return false;
}

static int newline_mode(VM *vm, Value nl) {
    if (is_none(nl)) return NL_NONE;
    const char *s = AS(ObjStr, nl)->data;
    if (AS(ObjStr, nl)->len == (int64_t)strlen(s)) {
        if (!*s) return NL_ANY;
        if (!strcmp(s, "\n")) return NL_LF;
        if (!strcmp(s, "\r")) return NL_CR;
        if (!strcmp(s, "\r\n")) return NL_CRLF;
    }
    exc_raise(vm, E_ValueError, "illegal newline value: %S", AS(ObjStr, nl));
    return -1;
}

/* opener(name, flags): the descriptor it returns, or -1 after raising. */
static int opener_fd(VM *vm, Value opener, Value name, const OpenMode *m) {
    Value r = op_call2(vm, opener, name, int_val(m->oflags));
    if (r == ERR) return -1;
    int64_t n;
    if (!is_intlike(r)) {
        exc_raise(vm, E_TypeError, "expected integer from opener");
        return -1;
    }
    if (!int_to_i64(r, &n) || n > 0x7fffffff || n < INT32_MIN) {
        exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
        return -1;
    }
    if (n < 0) {
        exc_raise(vm, E_ValueError, "opener returned %d", (int)n);
        return -1;
    }
    return (int)n;
}

/* The descriptor for `file` (a path or a descriptor, or what opener(name,
 * flags) returns when opener is not None), or -1 after raising. */
static int open_fd(VM *vm, Value file, Value name, Value opener, const OpenMode *m, bool closefd) {
    int fd;
    if (is_intlike(file) && !is_bool(file)) {
        int64_t n;
        if (!int_to_i64(file, &n) || n < 0 || n > 0x7fffffff) {
            exc_raise(vm, E_ValueError, "negative file descriptor");
            return -1;
        }
        fd = (int)n;
    } else {
        if (!closefd) {
            exc_raise(vm, E_ValueError, "Cannot use closefd=False with file name");
            return -1;
        }
        /* A bytes path is the file name's bytes as they are. */
        const char *path = is_str(file) ? AS(ObjStr, file)->data : (const char *)AS(ObjBytes, file)->data;
        int64_t len = is_str(file) ? AS(ObjStr, file)->len : AS(ObjBytes, file)->len;
        if ((int64_t)strlen(path) != len) {
            exc_raise(vm, E_ValueError, "embedded null byte");
            return -1;
        }
        if (!is_none(opener)) {
            fd = opener_fd(vm, opener, name, m);
            if (fd < 0) return -1;
        } else {
            do fd = open(path, m->oflags, 0666); while (fd < 0 && errno == EINTR);
        }
        if (fd < 0) {
            raise_errno(vm, errno, file);
            return -1;
        }
    }
    struct stat st;
    int err = fstat(fd, &st) < 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
    if (!err && (m->flags & F_APPEND) && lseek(fd, 0, SEEK_END) < 0 && errno != ESPIPE) err = errno;
    if (err) {
        if (!is_intlike(file)) close(fd);
        raise_errno(vm, err, file);
        return -1;
    }
    return fd;
}

/* The flags of the Unicode encodings a file reads and writes itself
 * (UTF-8 with or without a signature, UTF-16 and UTF-32): 0 for UTF-8, -1
 * for another encoding. */
static int unicode_codec_flags(const char *name) {
    char norm[16];
    size_t n = 0;
    for (const char *p = name; *p; p++) {
        if (*p == '-' || *p == '_') continue;
        if (n + 1 >= sizeof norm) return -1;
        norm[n++] = (char)tolower((unsigned char)*p);
    }
    norm[n] = 0;
    static const struct { const char *name; int flags; } codecs[] = {
        {"utf8", 0}, {"u8", 0}, {"utf", 0}, {"cp65001", 0}, {"utf8sig", F_SIG},
        {"utf16", F_UNIT2 | F_BOM}, {"u16", F_UNIT2 | F_BOM}, {"utf16le", F_UNIT2}, {"utf16be", F_UNIT2 | F_BE},
        {"utf32", F_UNIT4 | F_BOM}, {"u32", F_UNIT4 | F_BOM}, {"utf32le", F_UNIT4}, {"utf32be", F_UNIT4 | F_BE}};
    for (size_t k = 0; k < sizeof codecs / sizeof *codecs; k++)
        if (!strcmp(norm, codecs[k].name)) return codecs[k].flags;
    return -1;
}

/* A text file's encoding (None or "locale": the default), checked: the
 * flags it gives (F_SINGLEBYTE or 0), -1 after raising. */
static int text_encoding(VM *vm, Value *encoding) {
    if (is_none(*encoding) || (is_str(*encoding) && !strcmp(AS(ObjStr, *encoding)->data, "locale")))
        *encoding = str_from_cstr(vm, textenc_default(vm));
    if (*encoding == ERR || bytes_decode(vm, (const uint8_t *)"", 0, AS(ObjStr, *encoding)->data, "strict") == ERR)
        return -1;
    /* Files decode chunk by chunk, which only the VM's own codecs and
       the one-byte ones (any chunk boundary will do) allow. */
    const char *name = AS(ObjStr, *encoding)->data;
    int wide = unicode_codec_flags(name);
    if (wide >= 0) return wide;
    int single = single_byte_codec(name);
    if (!single && !bytes_native_codec(name) && (single = codecs_single_byte(vm, *encoding)) <= 0) {
        if (!single) exc_raise(vm, E_NotImplementedError, "open() with encoding '%s': use codecs.open()", name);
        return -1;
    }
    return single ? F_SINGLEBYTE : 0;
}

/* open(file, mode='r', buffering=-1, encoding=None, errors=None,
 * newline=None, closefd=True, opener=None); the native's self is the _io
 * module, where the file classes live. */
static Value b_open(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"file", "mode", "buffering", "encoding", "errors", "newline", "closefd", "opener", NULL};
    ObjDict *io = AS(ObjModule, args[0])->dict;
    args++;
    nargs--;
    if (!args_kw_only(vm, "open", kw, names)) return ERR;
    if (nargs > 8) return exc_raise(vm, E_TypeError, "open() takes at most 8 arguments (%d given)", nargs);
    Value v[8];
    for (int i = 0; i < 8; i++) {
        Value k = args_kw(vm, args, nargs, kw, names[i]);
        if (i < nargs && k != UNDEF)
            return exc_raise(vm, E_TypeError, "argument for open() given by name ('%s') and position (%d)", names[i], i + 1);
        v[i] = i < nargs ? args[i] : k;
    }
    Value file = v[0], encoding, errors, newline;
    if (file == UNDEF) return exc_raise(vm, E_TypeError, "open() missing required argument 'file' (pos 1)");
    if (!is_str(file) && !is_kind(file, OBJ_BYTES) && !(is_intlike(file) && !is_bool(file))) {
        file = op_fspath(vm, file);
        if (file == ERR) return ERR;
    }
    Value mode = v[1] == UNDEF ? str_from_cstr(vm, "r") : v[1];
    if (mode == ERR) return ERR;
    if (!is_str(mode)) return exc_raise(vm, E_TypeError, "open() argument 'mode' must be str, not %A", mode);
    int64_t buffering = -1;
    if (v[2] != UNDEF) {
        if (!is_intlike(v[2])) return exc_raise(vm, E_TypeError, "'%T' object cannot be interpreted as an integer", v[2]);
        if (!int_to_i64(v[2], &buffering)) return exc_raise(vm, E_OverflowError, "Python int too large to convert to C int");
    }
    if (!str_or_none(vm, "open", v[3], "encoding", &encoding) || !str_or_none(vm, "open", v[4], "errors", &errors) ||
        !str_or_none(vm, "open", v[5], "newline", &newline))
        return ERR;
    bool closefd = true;
    if (v[6] != UNDEF) {
        int t = op_truthy(vm, v[6]);
        if (t < 0) return ERR;
        closefd = t;
    }
    Value opener = v[7] == UNDEF ? NONE_VAL : v[7];

    OpenMode m;
    if (!parse_mode(vm, AS(ObjStr, mode), &m)) return ERR;
    bool binary = m.flags & F_BINARY;
    if (binary && !is_none(encoding)) return exc_raise(vm, E_ValueError, "binary mode doesn't take an encoding argument");
    if (binary && !is_none(errors)) return exc_raise(vm, E_ValueError, "binary mode doesn't take an errors argument");
    if (binary && !is_none(newline)) return exc_raise(vm, E_ValueError, "binary mode doesn't take a newline argument");
    if (!binary && buffering == 0) return exc_raise(vm, E_ValueError, "can't have unbuffered text I/O");
    int nl = binary ? NL_NONE : newline_mode(vm, newline);
    if (nl < 0) return ERR;
    int flags = m.flags | (closefd ? F_CLOSEFD : 0) | nl << NL_SHIFT;
    if (!binary) {
        int ef = text_encoding(vm, &encoding);
        if (ef < 0) return ERR;
        flags |= ef;
    }
    if (!binary && buffering == 1) flags |= F_LINEBUF;

    /* Binary files buffer nothing either way: buffering=0 only names them FileIO. */
    const char *cname = !binary ? "TextIOWrapper" : buffering == 0 ? "FileIO"
                        : (m.flags & F_READ) && (m.flags & F_WRITE) ? "BufferedRandom"
                        : (m.flags & F_READ) ? "BufferedReader" : "BufferedWriter";
    ObjStr *cn = str_intern_cstr(vm, cname), *un = str_intern_cstr(vm, "UnsupportedOperation");
    if (!cn || !un) return ERR;
    Value cls = dict_get_str(io, cn), unsupported = dict_get_str(io, un);
    if (!is_kind(cls, OBJ_CLASS) || !is_kind(unsupported, OBJ_CLASS))
        return exc_raise(vm, E_RuntimeError, "open(): the _io module lost its classes");
    Value shown_mode = binary ? str_from_cstr(vm, m.raw_mode) : mode;
    if (shown_mode == ERR) return ERR;
    Value items[INFO_COUNT] = {file, shown_mode, encoding, errors, newline, unsupported, NONE_VAL};
    ObjTuple *t = tuple_from(vm, items, INFO_COUNT);
    ObjIter *f = t ? gc_new(vm, sizeof(ObjIter), OBJ_ITER, AS(ObjClass, cls)) : NULL;
    if (!f) return ERR;
    f->next = file_next;
    f->a = obj_val(t);
    f->b = f->c = UNDEF;
    f->n = flags;
    f->i = -1;      /* no descriptor yet: if open(2) fails, freeing f must not close fd 0 */
    if (!vm_push_root(vm, obj_val(f))) return ERR;     /* the opener may collect */
    int fd = open_fd(vm, file, v[0], opener, &m, closefd);
    vm_pop_roots(vm, 1);
    if (fd < 0) return ERR;
    f->i = fd;
    if (++vm->files_since_gc >= FILES_PER_GC) vm->gc_request = true;
    return obj_val(f);
}

void file_release(Obj *o) {
    ObjIter *f = (ObjIter *)o;
    if (f->next == file_next && f->i >= 0 && (f->n & F_CLOSEFD)) close((int)f->i);
}

/* A binary file on f's descriptor, opened with closefd=False and f's name
 * (FileIO when buffering is 0). Binary files buffer nothing, so a new one
 * each time reads and writes alike; what a text file decoded ahead is not
 * in it. */
static Value reopen_binary(VM *vm, ObjIter *f, int buffering) {
    if (f->i < 0) return exc_raise(vm, E_ValueError, "I/O operation on closed file.");
    const char *mode = (f->n & F_READ) && (f->n & (F_WRITE | F_APPEND)) ? ((f->n & F_APPEND) ? "ab+" : "rb+")
                       : (f->n & F_APPEND) ? "ab" : (f->n & F_WRITE) ? "wb" : "rb";
    Value open = dict_get_str(vm->builtins, str_intern_cstr(vm, "open"));
    Value m = str_from_cstr(vm, mode);
    if (open == UNDEF || m == ERR) return open == UNDEF ? exc_raise(vm, E_RuntimeError, "open() is gone") : ERR;
    Value argv[7] = {int_val(f->i), m, int_val(buffering), NONE_VAL, NONE_VAL, NONE_VAL, FALSE_VAL};
    Value g = op_call(vm, open, argv, 7, NULL);
    /* (builtins.open may have been replaced by something else) */
    if (is_kind(g, OBJ_ITER) && AS(ObjIter, g)->next == file_next) {
        ObjTuple *info = AS(ObjTuple, AS(ObjIter, g)->a);    /* fresh, not shared: open() made it */
        info->items[INFO_NAME] = AS(ObjTuple, f->a)->items[INFO_NAME];
        info->items[INFO_BUFFER] = NONE_VAL;
    }
    return g;
}

/* A text file's `buffer`. */
static Value p_buffer(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "buffer");
    (void)kw;
    if (!f) return ERR;
    if (info(f, INFO_BUFFER) != NONE_VAL) return info(f, INFO_BUFFER);
    Value b = reopen_binary(vm, f, -1);
    if (b != ERR) AS(ObjTuple, f->a)->items[INFO_BUFFER] = b;    /* f->a is f's own (open() made it) */
    return b;
}

/* A buffered binary file's `raw`, its FileIO. */
static Value p_raw(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "raw");
    (void)kw;
    return f ? reopen_binary(vm, f, 0) : ERR;
}

/* _io._set_name(file, name): what the file's name attribute and repr show;
 * sys.stdin is open(0) named '<stdin>', as CPython's. */
static Value io_set_name(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    if (!args_check(vm, "_set_name", nargs - 1, kw, 2, 2)) return ERR;
    ObjIter *f = self_file(vm, args + 1, 1, "_set_name");
    if (!f) return ERR;
    ObjTuple *old = AS(ObjTuple, f->a);
    ObjTuple *t = tuple_from(vm, old->items, old->len);
    if (!t) return ERR;
    t->items[INFO_NAME] = args[2];
    f->a = obj_val(t);
    return NONE_VAL;
}

/* __reduce__ and __reduce_ex__: an open file cannot be pickled or copied,
 * with the message CPython's _io classes give. */
static Value f_cannot_pickle(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    (void)kw;
    if (nargs < 1) return exc_raise(vm, E_TypeError, "cannot pickle file objects");
    return exc_raise(vm, E_TypeError, "cannot pickle '%s' instances", type_of(vm, args[0])->name->data);
}

/* newlines: the kinds of newline read so far (newline None or ''), None,
 * one str, or a tuple of them in the order '\r', '\n', '\r\n'. */
static Value p_newlines(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "newlines");
    (void)kw;
    if (!f) return ERR;
    static const struct { int flag; const char *text; } kinds[] = {
        {F_SEEN_CR, "\r"}, {F_SEEN_LF, "\n"}, {F_SEEN_CRLF, "\r\n"}};
    Value seen[3];
    int n = 0;
    for (int k = 0; k < 3; k++) {
        if (!(f->n & kinds[k].flag)) continue;
        if ((seen[n++] = str_from_cstr(vm, kinds[k].text)) == ERR) return ERR;
    }
    if (n <= 1) return n ? seen[0] : NONE_VAL;
    ObjTuple *t = tuple_from(vm, seen, n);
    return t ? obj_val(t) : ERR;
}

static Value p_line_buffering(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "line_buffering");
    (void)kw;
    return f ? bool_val(f->n & F_LINEBUF) : ERR;
}

/* write_through: writes reach the descriptor at once in any case */
static Value p_write_through(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "write_through");
    (void)kw;
    return f ? FALSE_VAL : ERR;
}

/* reconfigure(*, encoding, errors, newline, line_buffering, write_through):
 * a new encoding resets errors to 'strict' unless errors is given; the
 * encoding, errors and newline stay once reading has begun, as in CPython. */
static Value f_reconfigure(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"encoding", "errors", "newline", "line_buffering", "write_through", NULL};
    ObjIter *f = self_file(vm, args, nargs, "reconfigure");
    if (!f) return ERR;
    if (nargs > 1) return exc_raise(vm, E_TypeError, "reconfigure() takes no positional arguments");
    if (!args_kw_only(vm, "reconfigure", kw, names)) return ERR;
    Value v[5];
    for (int i = 0; i < 5; i++) v[i] = args_kw(vm, args, nargs, kw, names[i]);
    Value enc = NONE_VAL, errs = NONE_VAL, nl = NONE_VAL;
    if (!str_or_none(vm, "reconfigure", v[0], "encoding", &enc) ||
        !str_or_none(vm, "reconfigure", v[1], "errors", &errs) ||
        (v[2] != UNDEF && !str_or_none(vm, "reconfigure", v[2], "newline", &nl)))
        return ERR;
    int mode = v[2] == UNDEF ? NL_MODE(f) : newline_mode(vm, nl);
    if (mode < 0) return ERR;
    bool new_enc = !is_none(enc);
    if ((new_enc || !is_none(errs) || v[2] != UNDEF) && (f->n & F_DECODED))
        return raise_unsupported(vm, f, "It is not possible to set the encoding or newline of stream after the first read");
    if (!check_open(vm, f, NULL)) return ERR;
    int ef = new_enc ? text_encoding(vm, &enc) : 0;
    if (ef < 0) return ERR;
    int flags[2] = {F_LINEBUF, 0};
    for (int i = 3; i < 5; i++) {
        int t = v[i] == UNDEF || is_none(v[i]) ? -1 : op_truthy(vm, v[i]);
        if (v[i] != UNDEF && !is_none(v[i]) && t < 0) return ERR;
        if (t >= 0 && flags[i - 3]) f->n = t ? f->n | flags[i - 3] : f->n & ~flags[i - 3];
    }
    ObjTuple *old = AS(ObjTuple, f->a);
    ObjTuple *t = tuple_from(vm, old->items, old->len);
    if (!t) return ERR;
    if (new_enc) {
        t->items[INFO_ENCODING] = enc;
        t->items[INFO_ERRORS] = is_none(errs) ? NONE_VAL : errs;
        f->n = (f->n & ~F_CODEC) | ef;
    } else if (!is_none(errs)) {
        t->items[INFO_ERRORS] = errs;
    }
    if (v[2] != UNDEF) {
        t->items[INFO_NEWLINE] = nl;
        f->n = (f->n & ~(7 << NL_SHIFT)) | mode << NL_SHIFT;
    }
    f->a = obj_val(t);
    return NONE_VAL;
}

/* The buffered binary classes' read1(size=-1) and readinto1(b): one read
 * of the descriptor at most (a chunk when size is -1). */
static Value f_read1(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "read1");
    int64_t n;
    if (!f || !args_check(vm, "read1", nargs, kw, 1, 2) || !size_arg(vm, args, nargs, &n) ||
        !check_readable(vm, f, "read1", "read of closed file"))
        return ERR;
    return bin_read(vm, f, n < 0 ? CHUNK : n);
}

/* peek(size=0): the bytes ahead (up to a chunk, at least one unless at the
 * end) without moving; a file that cannot seek has nothing to give back. */
static Value f_peek(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    ObjIter *f = self_file(vm, args, nargs, "peek");
    int64_t n;
    if (!f || !args_check(vm, "peek", nargs, kw, 1, 2) || !size_arg(vm, args, nargs, &n) ||
        !check_readable(vm, f, "peek", "peek of closed file"))
        return ERR;
    off_t at = lseek((int)f->i, 0, SEEK_CUR);
    if (at < 0) return bytes_new(vm, (const uint8_t *)"", 0);
    Value data = bin_read(vm, f, CHUNK);
    if (data != ERR && lseek((int)f->i, at, SEEK_SET) < 0) return raise_errno(vm, errno, UNDEF);
    return data;
}

/* ---- registration ----------------------------------------------------------- */

static bool add_property(VM *vm, ObjClass *cls, const char *name, NativeFn get) {
    ObjNative *n = native_new(vm, name, get);
    ObjProperty *p = n ? gc_new(vm, sizeof(ObjProperty), OBJ_PROPERTY, vm->types[T_PROPERTY]) : NULL;
    if (!p) return false;
    p->fget = obj_val(n);
    p->fset = p->fdel = p->doc = NONE_VAL;
    p->name = obj_val(n->name);
    return dict_set_str(vm, cls->dict, n->name, obj_val(p)) == 0;
}

static bool add_file_class(VM *vm, ObjModule *io, const char *name, bool text, Value modname) {
    static const struct { const char *name; NativeFn fn; } methods[] = {
        {"read", f_read}, {"readinto", f_readinto}, {"readline", f_readline}, {"readlines", f_readlines}, {"write", f_write},
        {"writelines", f_writelines}, {"close", f_close}, {"flush", f_flush}, {"seek", f_seek},
        {"tell", f_tell}, {"truncate", f_truncate}, {"fileno", f_fileno}, {"isatty", f_isatty},
        {"readable", f_readable}, {"writable", f_writable}, {"seekable", f_seekable},
        {"__enter__", f_enter}, {"__exit__", f_exit}, {"__repr__", f_repr},
        {"__reduce__", f_cannot_pickle}, {"__reduce_ex__", f_cannot_pickle},
    };
    ObjClass *c = class_new_builtin(vm, name, vm->types[T_OBJECT], OBJ_ITER);
    if (!c) return false;
    c->module = modname;
    c->obj.flags |= CLASS_WEAKREFABLE;
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!class_add_native(vm, c, methods[i].name, methods[i].fn)) return false;
    }
    if (!add_property(vm, c, "name", p_name) || !add_property(vm, c, "mode", p_mode) ||
        !add_property(vm, c, "closed", p_closed))
        return false;
    if (text && (!add_property(vm, c, "encoding", p_encoding) || !add_property(vm, c, "errors", p_errors) ||
                 !add_property(vm, c, "buffer", p_buffer) || !add_property(vm, c, "newlines", p_newlines) ||
                 !add_property(vm, c, "line_buffering", p_line_buffering) ||
                 !add_property(vm, c, "write_through", p_write_through) ||
                 !class_add_native(vm, c, "reconfigure", f_reconfigure)))
        return false;
    /* readinto is the binary classes'; read1 and readinto1 the buffered
     * ones' (FileIO is raw), peek a reader's */
    bool buffered = !text && strcmp(name, "FileIO");
    if (text && dict_del(vm, c->dict, obj_val(str_intern_cstr(vm, "readinto"))) < 0) return false;
    if (buffered && (!class_add_native(vm, c, "read1", f_read1) || !class_add_native(vm, c, "readinto1", f_readinto1)))
        return false;
    if (buffered && strcmp(name, "BufferedWriter") && !class_add_native(vm, c, "peek", f_peek)) return false;
    if (!text && strcmp(name, "FileIO") && !add_property(vm, c, "raw", p_raw)) return false;
    ObjStr *key = str_intern_cstr(vm, name);
    return key && dict_set_str(vm, io->dict, key, obj_val(c)) == 0;
}

/* io.UnsupportedOperation, a subclass of OSError and ValueError. */
static bool add_unsupported(VM *vm, ObjModule *io) {
    Value bases_v[2] = {obj_val(vm->exc_types[E_OSError]), obj_val(vm->exc_types[E_ValueError])};
    ObjTuple *bases = tuple_from(vm, bases_v, 2);
    ObjDict *ns = dict_new(vm);
    ObjStr *name = str_intern_cstr(vm, "UnsupportedOperation");
    Value mod = str_from_cstr(vm, "io");
    if (!bases || !ns || !name || mod == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), mod) < 0) return false;
    Value cls = class_new(vm, name, bases, ns);
    return cls != ERR && dict_set_str(vm, io->dict, name, cls) == 0;
}

bool file_init(VM *vm) {
    textenc_init(vm);
    /* The file classes live in a module object of their own, CPython's _io,
     * which is also open's __self__: sys.modules does not exist yet. */
    ObjModule *io = gc_new(vm, sizeof(ObjModule), OBJ_MODULE, vm->types[T_MODULE]);
    if (!io) return false;
    io->name = str_intern_cstr(vm, "_io");
    io->dict = dict_new(vm);
    Value modname = str_from_cstr(vm, "_io");
    if (!io->name || !io->dict || modname == ERR ||
        dict_set_str(vm, io->dict, vm_name(vm, N___name__), obj_val(io->name)) < 0)
        return false;
    if (!add_file_class(vm, io, "TextIOWrapper", true, modname) ||
        !add_file_class(vm, io, "BufferedReader", false, modname) ||
        !add_file_class(vm, io, "BufferedWriter", false, modname) ||
        !add_file_class(vm, io, "BufferedRandom", false, modname) || !add_file_class(vm, io, "FileIO", false, modname) ||
        !add_unsupported(vm, io))
        return false;
    ObjClass *raw = AS(ObjClass, dict_get_str(io->dict, str_intern_cstr(vm, "FileIO")));
    if (!class_add_native(vm, raw, "readall", f_readall) || !add_property(vm, raw, "closefd", p_closefd)) return false;
    ObjNative *open_fn = native_new(vm, "open", b_open);
    ObjStr *key = str_intern_cstr(vm, "open");
    if (!open_fn || !key) return false;
    open_fn->self = obj_val(io);
    if (dict_set_str(vm, io->dict, key, obj_val(open_fn)) < 0 || dict_set_str(vm, vm->builtins, key, obj_val(open_fn)) < 0)
        return false;
    ObjNative *set_name = native_new(vm, "_set_name", io_set_name);
    if (!set_name) return false;
    set_name->self = obj_val(io);
    /* what io, locale and sys.flags report of the default encoding */
    Value enc = str_from_cstr(vm, textenc_default(vm));
    return enc != ERR && dict_set_str(vm, io->dict, set_name->name, obj_val(set_name)) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_text_encoding"), enc) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_utf8_mode"), int_val(textenc_utf8_mode(vm))) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_safe_path"), vm->cfg.safe_path ? TRUE_VAL : FALSE_VAL) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_optimize"), int_val(vm->cfg.optimize)) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_inspect"), int_val(vm->cfg.inspect != 0)) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_interactive"), int_val(vm->cfg.interactive != 0)) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_int_max_str_digits"), int_val(vm->int_max_str_digits)) == 0 &&
           dict_set_str(vm, io->dict, str_intern_cstr(vm, "_stdio_errors"),
                        str_from_cstr(vm, textenc_stdio_errors(vm))) == 0;
}
