/* binascii: hex and base64 conversions and the CRCs, with CPython's rules
 * for what the decoders accept and its messages (binascii.Error, a
 * ValueError, for bad data). crc32 is zlib's. */
#include <string.h>
#include <zlib.h>

#include "../vm/bytes.h"
#include "../vm/class.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/ops.h"
#include "../vm/str.h"
#include "../vm/binbuf.h"
#include "modules.h"

static const char hexdigits[] = "0123456789abcdef";
static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static Value raise_error(VM *vm, const char *msg) {
    Value mod = dict_get_str(vm->modules, str_intern_cstr(vm, "binascii"));
    Value cls = is_kind(mod, OBJ_MODULE) ? dict_get_str(AS(ObjModule, mod)->dict, str_intern_cstr(vm, "Error")) : UNDEF;
    if (!is_kind(cls, OBJ_CLASS)) return exc_raise(vm, E_RuntimeError, "binascii.Error is gone");
    Value text = str_from_cstr(vm, msg);
    ObjTuple *args = text != ERR ? tuple_from(vm, &text, 1) : NULL;
    Value exc = args ? exc_new(vm, AS(ObjClass, cls), args) : ERR;
    return exc == ERR ? ERR : exc_raise_value(vm, exc);
}

/* What the a2b_ functions decode: bytes-like, or a str of ASCII only. */
static bool ascii_arg(VM *vm, Value v, BinBuf *b) {
    int r = binbuf_any(vm, v, b);
    if (r) return r > 0;
    if (is_str(v)) {
        ObjStr *s = AS(ObjStr, v);
        for (int64_t i = 0; i < s->len; i++) {
            if ((unsigned char)s->data[i] >= 0x80) {
                exc_raise(vm, E_ValueError, "string argument should contain only ASCII characters");
                return false;
            }
        }
        b->p = (const uint8_t *)s->data, b->n = s->len;
        return true;
    }
    exc_raise(vm, E_TypeError, "argument should be bytes, buffer or ASCII string, not '%T'", v);
    return false;
}

static Value bytes_from_sb(VM *vm, StrBuf *sb) {
    if (sb->oom) { sb_free(sb); return exc_nomem(vm); }
    Value r = bytes_new(vm, (const uint8_t *)(sb->data ? sb->data : ""), sb->len);
    sb_free(sb);
    return r;
}

/* ---- hex ----------------------------------------------------------------------- */

/* hexlify(data, sep=None, bytes_per_sep=1): a separator every |bytes_per_sep|
 * bytes, counted from the right when positive, from the left when negative. */
static Value ba_hexlify(VM *vm, Value *args, int nargs, ObjTuple *kw, const char *name) {
    static const char *const names[] = {"data", "sep", "bytes_per_sep"};
    Value a[3];
    BinBuf b;
    int64_t per = 1;
    if (!args_bind(vm, name, args, nargs, kw, names, 3, 3, 1, 0, a) || !binbuf_arg(vm, a[0], &b)) return ERR;
    if (a[2] != UNDEF && !index_value(vm, a[2], &per, NULL)) return ERR;
    char sep = 0;
    if (a[1] != UNDEF && a[1] != NONE_VAL) {
        BinBuf s;
        if (is_str(a[1])) s.p = (const uint8_t *)AS(ObjStr, a[1])->data, s.n = AS(ObjStr, a[1])->len;
        else if (!binbuf_get(a[1], &s)) {
            if (op_len(vm, a[1]) < 0) return ERR;
            return exc_raise(vm, E_TypeError, "sep must be str or bytes.");
        }
        /* (CPython takes a non-ASCII str's first UTF-8 byte; Asy refuses it) */
        if (s.n != 1 || (is_str(a[1]) && (s.p[0] & 0x80)))
            return exc_raise(vm, E_ValueError, "sep must be length 1.");
        sep = (char)s.p[0];
    }
    if (!binbuf_arg(vm, a[0], &b)) return ERR;     /* again: __index__ or __len__ may have run */
    int64_t group = per < 0 ? -per : per;
    StrBuf sb = SB_INIT;
    for (int64_t i = 0; i < b.n; i++) {
        /* bytes before this one, counted from the grouping's side */
        int64_t k = per > 0 ? b.n - i : i;
        if (sep && group && i && k % group == 0) sb_addc(&sb, sep);
        sb_addc(&sb, hexdigits[b.p[i] >> 4]);
        sb_addc(&sb, hexdigits[b.p[i] & 15]);
    }
    return bytes_from_sb(vm, &sb);
}

static Value ba_hexlify_fn(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return ba_hexlify(vm, args, nargs, kw, "hexlify");
}

static Value ba_b2a_hex(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    return ba_hexlify(vm, args, nargs, kw, "b2a_hex");
}

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static Value ba_unhexlify(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    BinBuf b;
    if (!args_check(vm, "unhexlify", nargs, kw, 1, 1) || !ascii_arg(vm, args[0], &b)) return ERR;
    if (b.n % 2) return raise_error(vm, "Odd-length string");
    Value r = bytes_new(vm, NULL, (size_t)(b.n / 2));
    if (r == ERR) return ERR;
    for (int64_t i = 0; i < b.n; i += 2) {
        int hi = hexval(b.p[i]), lo = hexval(b.p[i + 1]);
        if (hi < 0 || lo < 0) return raise_error(vm, "Non-hexadecimal digit found");
        AS(ObjBytes, r)->data[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return r;
}

/* ---- base64 ------------------------------------------------------------------- */

static Value ba_b2a_base64(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "newline"};
    Value a[2];
    BinBuf b;
    if (nargs > 1) return exc_raise(vm, E_TypeError, "b2a_base64() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "b2a_base64", args, nargs, kw, names, 2, 1, 1, 0, a)) return ERR;
    int newline = a[1] == UNDEF ? 1 : op_truthy(vm, a[1]);
    if (newline < 0 || !binbuf_arg(vm, a[0], &b)) return ERR;
    StrBuf sb = SB_INIT;
    int64_t i = 0;
    for (; i + 2 < b.n; i += 3) {
        uint32_t w = (uint32_t)b.p[i] << 16 | (uint32_t)b.p[i + 1] << 8 | b.p[i + 2];
        for (int k = 18; k >= 0; k -= 6) sb_addc(&sb, b64chars[(w >> k) & 63]);
    }
    if (i < b.n) {
        uint32_t w = (uint32_t)b.p[i] << 16 | (i + 1 < b.n ? (uint32_t)b.p[i + 1] << 8 : 0);
        sb_addc(&sb, b64chars[w >> 18]);
        sb_addc(&sb, b64chars[(w >> 12) & 63]);
        sb_addc(&sb, i + 1 < b.n ? b64chars[(w >> 6) & 63] : '=');
        sb_addc(&sb, '=');
    }
    if (newline) sb_addc(&sb, '\n');
    return bytes_from_sb(vm, &sb);
}

static int b64val(uint8_t c) {
    const char *p = c ? strchr(b64chars, c) : NULL;
    return p ? (int)(p - b64chars) : -1;
}

/* Decodes as CPython's binascii: outside strict mode, characters not in the
 * alphabet are skipped, and the first '=' that completes a quad (after at
 * least two data characters of it) ends the data, whatever follows. */
static Value ba_a2b_base64(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "strict_mode"};
    Value a[2];
    BinBuf b;
    if (nargs > 1) return exc_raise(vm, E_TypeError, "a2b_base64() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "a2b_base64", args, nargs, kw, names, 2, 1, 1, 0, a)) return ERR;
    int strict = a[1] == UNDEF ? 0 : op_truthy(vm, a[1]);
    if (strict < 0 || !ascii_arg(vm, a[0], &b)) return ERR;
    StrBuf sb = SB_INIT;
    int quad = 0, pads = 0;
    bool padding = false;
    uint32_t left = 0;
    int64_t ndata = 0;
    for (int64_t i = 0; i < b.n; i++) {
        uint8_t c = b.p[i];
        if (c == '=') {
            padding = true;
            if (strict && i == 0) { sb_free(&sb); return raise_error(vm, "Leading padding not allowed"); }
            if (quad >= 2 && quad + ++pads >= 4) {
                if (strict && i + 1 < b.n) { sb_free(&sb); return raise_error(vm, "Excess data after padding"); }
                return bytes_from_sb(vm, &sb);
            }
            continue;
        }
        int v = b64val(c);
        if (v < 0) {
            if (strict) { sb_free(&sb); return raise_error(vm, "Only base64 data is allowed"); }
            continue;
        }
        if (strict && padding) { sb_free(&sb); return raise_error(vm, "Discontinuous padding not allowed"); }
        pads = 0;
        ndata++;
        left = left << 6 | (uint32_t)v;
        if (quad) sb_addc(&sb, (char)(left >> (2 * (3 - quad))));
        left &= (1u << (2 * (3 - quad))) - 1;
        quad = (quad + 1) % 4;
    }
    if (quad) sb_free(&sb);
    if (quad == 1) {
        char msg[160];
        snprintf(msg, sizeof msg, "Invalid base64-encoded string: number of data characters (%lld) cannot be 1 "
                 "more than a multiple of 4", (long long)ndata);
        return raise_error(vm, msg);
    }
    if (quad) return raise_error(vm, "Incorrect padding");
    return bytes_from_sb(vm, &sb);
}

/* ---- uuencode --------------------------------------------------------------- */

/* One uuencoded line: a length character, then 6-bit groups as ' '+value
 * (a zero as '`' with backtick), the data padded with zero bytes to a
 * multiple of three. */
static Value ba_b2a_uu(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "backtick"};
    Value a[2];
    BinBuf b;
    if (nargs > 1) return exc_raise(vm, E_TypeError, "b2a_uu() takes exactly 1 positional argument (%d given)", nargs);
    if (!args_bind(vm, "b2a_uu", args, nargs, kw, names, 2, 1, 1, 0, a)) return ERR;
    int tick = a[1] == UNDEF ? 0 : op_truthy(vm, a[1]);
    if (tick < 0 || !binbuf_arg(vm, a[0], &b)) return ERR;
    if (b.n > 45) return raise_error(vm, "At most 45 bytes at once");
    StrBuf sb = SB_INIT;
    sb_addc(&sb, tick && !b.n ? '`' : (char)(' ' + b.n));
    for (int64_t i = 0; i < b.n; i += 3) {
        uint32_t w = (uint32_t)b.p[i] << 16;
        if (i + 1 < b.n) w |= (uint32_t)b.p[i + 1] << 8;
        if (i + 2 < b.n) w |= b.p[i + 2];
        for (int k = 18; k >= 0; k -= 6) {
            unsigned v = (w >> k) & 63;
            sb_addc(&sb, tick && !v ? '`' : (char)(' ' + v));
        }
    }
    sb_addc(&sb, '\n');
    return bytes_from_sb(vm, &sb);
}

/* Decodes one line: the first character gives the byte count (an empty
 * line reads as a NUL there, as CPython's does); characters missing at the
 * end, or a line end, count as zeros; after the data only spaces, '`' and
 * line ends may follow. */
static Value ba_a2b_uu(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    BinBuf b;
    if (!args_check(vm, "a2b_uu", nargs, kw, 1, 1) || !ascii_arg(vm, args[0], &b)) return ERR;
    int want = ((b.n ? b.p[0] : 0) - ' ') & 63;
    int64_t i = 1;
    uint32_t bits = 0;
    int nbits = 0;
    StrBuf sb = SB_INIT;
    while (want > 0) {
        unsigned v = 0;
        if (i < b.n && b.p[i] != '\n' && b.p[i] != '\r') {
            if (b.p[i] < ' ' || b.p[i] > ' ' + 64) { sb_free(&sb); return raise_error(vm, "Illegal char"); }
            v = (b.p[i] - ' ') & 63;
        }
        i++;
        bits = bits << 6 | v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            sb_addc(&sb, (char)(bits >> nbits));
            bits &= (1u << nbits) - 1;
            want--;
        }
    }
    for (; i < b.n; i++) {
        uint8_t c = b.p[i];
        if (c != ' ' && c != ' ' + 64 && c != '\n' && c != '\r') {
            sb_free(&sb);
            return raise_error(vm, "Trailing garbage");
        }
    }
    return bytes_from_sb(vm, &sb);
}

/* ---- quoted-printable ----------------------------------------------------------- */

#define QP_LINE 76

/* =XX escapes (either case) and soft line breaks ('=' before a line end)
 * are undone; '==' gives '=', and an '=' before anything else stays;
 * with header, '_' is a space. */
static Value ba_a2b_qp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "header"};
    Value a[2];
    BinBuf b;
    if (!args_bind(vm, "a2b_qp", args, nargs, kw, names, 2, 2, 1, 0, a)) return ERR;
    int header = a[1] == UNDEF ? 0 : op_truthy(vm, a[1]);
    if (header < 0 || !ascii_arg(vm, a[0], &b)) return ERR;
    StrBuf sb = SB_INIT;
    int64_t i = 0;
    while (i < b.n) {
        uint8_t c = b.p[i];
        if (c != '=') {
            sb_addc(&sb, header && c == '_' ? ' ' : (char)c);
            i++;
            continue;
        }
        if (++i >= b.n) break;
        if (b.p[i] == '\n' || b.p[i] == '\r') {          /* soft break */
            while (i < b.n && b.p[i] != '\n') i++;
            if (i < b.n) i++;
        } else if (b.p[i] == '=') {
            sb_addc(&sb, '=');
            i++;
        } else if (i + 1 < b.n && hexval(b.p[i]) >= 0 && hexval(b.p[i + 1]) >= 0) {
            sb_addc(&sb, (char)(hexval(b.p[i]) << 4 | hexval(b.p[i + 1])));
            i += 2;
        } else {
            sb_addc(&sb, '=');
        }
    }
    return bytes_from_sb(vm, &sb);
}

/* Whether byte i of the data must be written as =XX. */
static bool qp_escape(const BinBuf *b, int64_t i, int64_t col, int quotetabs, int istext, int header) {
    uint8_t c = b->p[i];
    bool last = i + 1 == b->n;
    if (c > 126 || c == '=' || (header && c == '_')) return true;
    if (c == '.' && col == 0 && (last || b->p[i + 1] == '\n' || b->p[i + 1] == '\r' || b->p[i + 1] == 0))
        return true;                       /* a lone '.' line means end of mail to SMTP */
    if (!istext && (c == '\r' || c == '\n')) return true;
    if ((c == '\t' || c == ' ') && last) return true;
    return c < 33 && c != '\r' && c != '\n' && (quotetabs || (c != '\t' && c != ' '));
}

static void qp_hex(StrBuf *sb, uint8_t c) {
    static const char up[] = "0123456789ABCDEF";
    sb_addc(sb, '=');
    sb_addc(sb, up[c >> 4]);
    sb_addc(sb, up[c & 15]);
}

/* Lines are kept under 76 columns with soft breaks; the line ends are
 * those of the data (CRLF when its first LF follows a CR); a space or tab
 * ending a line is escaped. */
static Value ba_b2a_qp(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    static const char *const names[] = {"data", "quotetabs", "istext", "header"};
    Value a[4];
    BinBuf b;
    if (!args_bind(vm, "b2a_qp", args, nargs, kw, names, 4, 4, 1, 0, a)) return ERR;
    int flag[3] = {0, 1, 0};
    for (int k = 0; k < 3; k++) {
        if (a[k + 1] != UNDEF && (flag[k] = op_truthy(vm, a[k + 1])) < 0) return ERR;
    }
    int quotetabs = flag[0], istext = flag[1], header = flag[2];
    if (!binbuf_arg(vm, a[0], &b)) return ERR;
    const uint8_t *lf = b.n ? memchr(b.p, '\n', (size_t)b.n) : NULL;
    const char *eol = lf && lf > b.p && lf[-1] == '\r' ? "\r\n" : "\n";
    StrBuf sb = SB_INIT;
    int64_t col = 0, i = 0;
    while (i < b.n) {
        uint8_t c = b.p[i];
        if (qp_escape(&b, i, col, quotetabs, istext, header)) {
            if (col + 3 >= QP_LINE) { sb_addc(&sb, '='); sb_adds(&sb, eol); col = 0; }
            qp_hex(&sb, c);
            col += 3;
            i++;
        } else if (istext && (c == '\n' || (c == '\r' && i + 1 < b.n && b.p[i + 1] == '\n'))) {
            if (sb.len && (sb.data[sb.len - 1] == ' ' || sb.data[sb.len - 1] == '\t')) {
                uint8_t ws = (uint8_t)sb.data[--sb.len];
                qp_hex(&sb, ws);
            }
            sb_adds(&sb, eol);
            col = 0;
            i += c == '\r' ? 2 : 1;
        } else {
            if (i + 1 != b.n && b.p[i + 1] != '\n' && col + 1 >= QP_LINE) {
                sb_addc(&sb, '=');
                sb_adds(&sb, eol);
                col = 0;
            }
            col++;
            sb_addc(&sb, header && c == ' ' ? '_' : (char)c);
            i++;
        }
    }
    return bytes_from_sb(vm, &sb);
}

/* ---- CRCs --------------------------------------------------------------------- */

/* An int argument reduced modulo 2**bits, as CPython's unsigned masks. */
static bool masked_arg(VM *vm, Value v, int bits, uint32_t *out) {
    if (!is_intlike(v)) {
        int64_t i;
        if (!index_value(vm, v, &i, NULL)) return false;
        *out = (uint32_t)i & (uint32_t)((1ull << bits) - 1);
        return true;
    }
    Value m = int_binop(vm, BIN_AND, v, int_from_u64(vm, (1ull << bits) - 1));
    int64_t i;
    if (m == ERR || !int_to_i64(m, &i)) return false;
    *out = (uint32_t)i;
    return true;
}

static Value ba_crc32(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    BinBuf b;
    uint32_t crc = 0;
    if (!args_check(vm, "crc32", nargs, kw, 1, 2)) return ERR;
    if (!binbuf_arg(vm, args[0], &b) || (nargs > 1 && !masked_arg(vm, args[1], 32, &crc))) return ERR;
    if (binbuf_any(vm, args[0], &b) < 0) return ERR;    /* again: __index__ may have resized it */
    uLong c = crc;
    for (int64_t done = 0; done < b.n;) {   /* zlib takes a uInt length */
        uInt chunk = b.n - done > 0x40000000 ? 0x40000000 : (uInt)(b.n - done);
        c = crc32(c, b.p + done, chunk);
        done += chunk;
    }
    return int_from_u64(vm, (uint32_t)c);
}

/* CRC-CCITT (polynomial 0x1021, most significant bit first), as binhex. */
static Value ba_crc_hqx(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    BinBuf b;
    uint32_t crc;
    if (!args_no_kw(vm, "crc_hqx", kw)) return ERR;
    if (nargs != 2) return exc_raise(vm, E_TypeError, "crc_hqx expected 2 arguments, got %d", nargs);
    if (!binbuf_arg(vm, args[0], &b) || !masked_arg(vm, args[1], 16, &crc)) return ERR;
    if (binbuf_any(vm, args[0], &b) < 0) return ERR;    /* again: __index__ may have resized it */
    for (int64_t i = 0; i < b.n; i++) {
        crc ^= (uint32_t)b.p[i] << 8;
        for (int k = 0; k < 8; k++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
        crc &= 0xffff;
    }
    return int_val(crc);
}

/* ---- the module ---------------------------------------------------------------- */

static bool add_exception(VM *vm, ObjModule *m, const char *name, ExcId base) {
    ObjDict *ns = dict_new(vm);
    ObjTuple *bases = tuple_from(vm, (Value[]){obj_val(vm->exc_types[base])}, 1);
    Value modname = str_from_cstr(vm, "binascii");
    if (!ns || !bases || modname == ERR || dict_set_str(vm, ns, vm_name(vm, N___module__), modname) < 0) return false;
    Value cls = class_new(vm, str_intern_cstr(vm, name), bases, ns);
    return cls != ERR && module_add_value(vm, m, name, cls);
}

bool mod_binascii_init(VM *vm, ObjModule *m) {
    static const struct { const char *name; NativeFn fn; } funcs[] = {
        {"hexlify", ba_hexlify_fn}, {"b2a_hex", ba_b2a_hex}, {"unhexlify", ba_unhexlify},
        {"a2b_hex", ba_unhexlify}, {"b2a_base64", ba_b2a_base64}, {"a2b_base64", ba_a2b_base64},
        {"crc32", ba_crc32}, {"crc_hqx", ba_crc_hqx}, {"b2a_uu", ba_b2a_uu}, {"a2b_uu", ba_a2b_uu},
        {"b2a_qp", ba_b2a_qp}, {"a2b_qp", ba_a2b_qp},
    };
    for (size_t i = 0; i < sizeof funcs / sizeof funcs[0]; i++) {
        if (!module_add_native(vm, m, funcs[i].name, funcs[i].fn)) return false;
    }
    return add_exception(vm, m, "Error", E_ValueError) && add_exception(vm, m, "Incomplete", E_Exception);
}
