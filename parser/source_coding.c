/* PEP 263: `# -*- coding: latin-1 -*-` in the first or second line of a
 * source given as bytes says how to decode it. Asy's parser reads UTF-8,
 * so other encodings are decoded here, through the codecs every
 * bytes.decode reaches, before parsing; a str source is already text and
 * its declaration is ignored, as in CPython. */
#include "source_coding.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../vm/bytes.h"
#include "../vm/exc.h"
#include "../vm/ops.h"
#include "../vm/str.h"

/* The encoding named by a declaration in line [p, end), if the line is a
 * comment (only blanks before the '#') holding `coding[:=]NAME`. */
static bool line_cookie(const char *p, const char *end, char *name, size_t cap) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\f')) p++;
    if (p >= end || *p != '#') return false;
    for (const char *q = p; q + 7 <= end; q++) {
        if (memcmp(q, "coding", 6) != 0 || (q[6] != ':' && q[6] != '=')) continue;
        const char *n = q + 7;
        while (n < end && (*n == ' ' || *n == '\t')) n++;
        size_t k = 0;
        while (n < end && (isalnum((unsigned char)*n) || *n == '-' || *n == '_' || *n == '.') && k + 1 < cap)
            name[k++] = *n++;
        name[k] = '\0';
        if (k) return true;
    }
    return false;
}

/* Whether a line holds anything but blanks and a comment (CPython looks at
 * the second line only when the first is such a line). */
static bool blank_or_comment(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\r')) p++;
    return p >= end || *p == '#';
}

static bool is_utf8_name(const char *name) {
    char low[16];
    size_t k = 0;
    for (; name[k] && k + 1 < sizeof low; k++) low[k] = (char)(name[k] == '_' ? '-' : tolower((unsigned char)name[k]));
    low[k] = '\0';
    return !strcmp(low, "utf-8") || !strcmp(low, "utf8") || !strncmp(low, "utf-8-", 6);
}

int source_recode(VM *vm, const char **src, size_t *len, bool *bytes) {
    if (!*bytes) return 0;
    const char *s = *src, *end = s + *len;
    char name[64];
    const char *eol = memchr(s, '\n', (size_t)(end - s));
    const char *line1_end = eol ? eol : end;
    bool found = line_cookie(s, line1_end, name, sizeof name);
    if (!found && eol && blank_or_comment(s, line1_end)) {
        const char *next = eol + 1;
        const char *eol2 = memchr(next, '\n', (size_t)(end - next));
        found = line_cookie(next, eol2 ? eol2 : end, name, sizeof name);
    }
    if (!found || is_utf8_name(name)) return 0;
    Value text = bytes_decode(vm, (const uint8_t *)s, *len, name, "strict");
    if (text == ERR) {
        /* CPython's message: the codec's own for undecodable bytes */
        bool unknown = exc_is(vm, vm->exc, E_LookupError);
        Value err = vm->exc, why = UNDEF;
        vm->exc = UNDEF;
        if (!unknown && vm_push_root(vm, err)) {
            why = op_str(vm, err);
            vm_pop_roots(vm, 1);
        }
        if (vm->compile_file_input) {
            /* CPython's reader of a script file says no more than this */
            vm->exc = UNDEF;
            exc_raise(vm, E_SyntaxError, "encoding problem: %s", name);
        } else if (unknown || why == ERR || !is_str(why)) {
            vm->exc = UNDEF;
            exc_raise(vm, E_SyntaxError, "unknown encoding: %s", name);
        } else {
            exc_raise(vm, E_SyntaxError, "%s", AS(ObjStr, why)->data);
        }
        return -1;
    }
    if (!is_str(text) || !vm_push_root(vm, text)) {
        if (vm->exc == UNDEF) exc_raise(vm, E_SyntaxError, "unknown encoding: %s", name);
        return -1;
    }
    *src = AS(ObjStr, text)->data;
    *len = (size_t)AS(ObjStr, text)->len;
    *bytes = false;
    return 1;
}
