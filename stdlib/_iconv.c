/* _iconv: the C library's iconv(3) under codecs.asy's multibyte East Asian
 * codecs (shift_jis, euc_jp, gbk, gb18030, big5, euc_kr, ...). Each call
 * converts from a start position up to the first character or byte
 * sequence the codec cannot take, and says where it stopped; codecs.asy
 * hands that spot to the error handler and calls again past it, so every
 * errors= value works as with CPython's own codecs. The codecs are
 * stateless, so each call opens its own conversion. */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "../vm/bytes.h"
#include "../vm/containers.h"
#include "../vm/exc.h"
#include "../vm/func.h"
#include "../vm/num.h"
#include "../vm/str.h"
#include "../vm/strbuf.h"
#include "modules.h"

/* Runs cd over in[0:n) into b; the bytes of in it took, and in *why 0
 * (all), EILSEQ (an unconvertible piece at the stop) or EINVAL (an
 * incomplete sequence ending the input). */
static size_t run(iconv_t cd, const char *in, size_t n, StrBuf *b, int *why) {
    char *inp = (char *)in;
    size_t left = n;
    char chunk[4096];
    *why = 0;
    while (left > 0) {
        char *outp = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(cd, &inp, &left, &outp, &room);
        sb_add(b, chunk, (size_t)(outp - chunk));
        if (r == (size_t)-1 && errno != E2BIG) {
            *why = errno == EINVAL ? EINVAL : EILSEQ;
            break;
        }
    }
    return (size_t)(inp - in);
}

static iconv_t open_codec(VM *vm, Value name, bool encode) {
    if (!is_str(name)) {
        exc_raise(vm, E_TypeError, "codec name must be str");
        return (iconv_t)-1;
    }
    const char *codec = AS(ObjStr, name)->data;
    iconv_t cd = encode ? iconv_open(codec, "UTF-8") : iconv_open("UTF-8", codec);
    if (cd == (iconv_t)-1) exc_raise(vm, E_LookupError, "unknown encoding: %s", codec);
    return cd;
}

/* encode(codec, text, start) -> (bytes, stop): text[start:] encoded up to
 * the first character the codec has no bytes for (stop == len(text) when
 * there is none). */
static Value f_encode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t start;
    if (!args_check(vm, "encode", nargs, kw, 3, 3) || !index_value(vm, args[2], &start, NULL)) return ERR;
    if (!is_str(args[1])) return exc_raise(vm, E_TypeError, "encode() argument 2 must be str");
    const ObjStr *s = AS(ObjStr, args[1]);
    if (start < 0 || start > s->cplen) return exc_raise(vm, E_IndexError, "start out of range");
    iconv_t cd = open_codec(vm, args[0], true);
    if (cd == (iconv_t)-1) return ERR;
    int64_t from = str_offset(s, start);
    StrBuf b = SB_INIT;
    int why;
    size_t took = run(cd, s->data + from, (size_t)(s->len - from), &b, &why);
    iconv_close(cd);
    /* the stop as a code point index: count the lead bytes taken */
    int64_t stop = start;
    for (size_t k = 0; k < took; k++) stop += ((uint8_t)s->data[from + k] & 0xC0) != 0x80;
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value out = bytes_new(vm, (const uint8_t *)(b.data ? b.data : ""), b.len);
    sb_free(&b);
    if (out == ERR || !vm_push_root(vm, out)) return ERR;
    Value items[2] = {out, int_val(why ? stop : s->cplen)};
    ObjTuple *t = tuple_from(vm, items, 2);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

/* decode(codec, data, start) -> (str, stop, why): data[start:] decoded up
 * to the first byte sequence the codec cannot read; why is 0 (all read),
 * 1 (an illegal sequence at stop) or 2 (an incomplete one ends data). */
static Value f_decode(VM *vm, Value *args, int nargs, ObjTuple *kw) {
    int64_t start;
    if (!args_check(vm, "decode", nargs, kw, 3, 3) || !index_value(vm, args[2], &start, NULL)) return ERR;
    if (!is_kind(args[1], OBJ_BYTES)) return exc_raise(vm, E_TypeError, "decode() argument 2 must be bytes");
    const ObjBytes *d = AS(ObjBytes, args[1]);
    if (start < 0 || start > d->len) return exc_raise(vm, E_IndexError, "start out of range");
    iconv_t cd = open_codec(vm, args[0], false);
    if (cd == (iconv_t)-1) return ERR;
    StrBuf b = SB_INIT;
    int why;
    size_t took = run(cd, (const char *)d->data + start, (size_t)(d->len - start), &b, &why);
    iconv_close(cd);
    if (b.oom) { sb_free(&b); return exc_nomem(vm); }
    Value out = str_new(vm, b.data ? b.data : "", b.len);
    sb_free(&b);
    if (out == ERR || !vm_push_root(vm, out)) return ERR;
    Value items[3] = {out, int_val(start + (int64_t)took), int_val(why == EILSEQ ? 1 : why == EINVAL ? 2 : 0)};
    ObjTuple *t = tuple_from(vm, items, 3);
    vm_pop_roots(vm, 1);
    return t ? obj_val(t) : ERR;
}

bool mod__iconv_init(VM *vm, ObjModule *m) {
    return module_add_native(vm, m, "encode", f_encode) && module_add_native(vm, m, "decode", f_decode);
}
