/* The default text encoding (see textenc.h). */
#include "textenc.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vm.h"

/* Whether a codeset name is UTF-8 in one of its spellings. */
static bool is_utf8(const char *codeset) {
    return !strcasecmp(codeset, "UTF-8") || !strcasecmp(codeset, "utf8");
}

/* The LC_CTYPE locale name the environment asks for, as setlocale(LC_CTYPE,
 * "") reads it. */
static const char *ctype_name(void) {
    static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (int i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return v;
    }
    return "C";
}

void textenc_init(VM *vm) {
    /* newlocale, not setlocale: nothing process-wide changes, so VMs made
     * on several threads (or a host's own locale) are left alone. */
    const char *name = ctype_name();
    locale_t loc = newlocale(LC_CTYPE_MASK, name, (locale_t)0);
    bool c_locale = !loc || !strcmp(name, "C") || !strcmp(name, "POSIX");
    bool utf8_codeset = loc && is_utf8(nl_langinfo_l(CODESET, loc));
    if (loc) freelocale(loc);
    const char *env = getenv("PYTHONUTF8");
    if (env && (!strcmp(env, "0") || !strcmp(env, "1"))) vm->utf8_mode = env[0] == '1';
    else vm->utf8_mode = c_locale;
    vm->utf8_locale_name = !vm->utf8_mode && utf8_codeset;
}

const char *textenc_default(VM *vm) { return vm->utf8_locale_name ? "UTF-8" : "utf-8"; }

bool textenc_utf8_mode(VM *vm) { return vm->utf8_mode; }

const char *textenc_stdio_errors(VM *vm) {
    const char *io = getenv("PYTHONIOENCODING");
    if (io && *io) {
        const char *colon = strchr(io, ':');
        if (colon && colon[1]) return colon + 1;
        if (colon != io) return "strict";
    }
    /* CPython's locale coercion targets count as the C locale */
    const char *name = ctype_name();
    bool coerced = is_utf8(name) || (!strncmp(name, "C.", 2) && is_utf8(name + 2));
    return vm->utf8_mode || coerced ? "surrogateescape" : "strict";
}
