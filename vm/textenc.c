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

void textenc_init(VM *vm) {
    const char *env = getenv("PYTHONUTF8");
    char saved[128];
    const char *cur = setlocale(LC_CTYPE, NULL);
    snprintf(saved, sizeof saved, "%s", cur ? cur : "C");
    const char *name = setlocale(LC_CTYPE, "");
    bool c_locale = !name || !strcmp(name, "C") || !strcmp(name, "POSIX");
    const char *codeset = name ? nl_langinfo(CODESET) : "";
    bool utf8_codeset = codeset && is_utf8(codeset);
    setlocale(LC_CTYPE, saved);
    if (env && (!strcmp(env, "0") || !strcmp(env, "1"))) vm->utf8_mode = env[0] == '1';
    else vm->utf8_mode = c_locale;
    vm->utf8_locale_name = !vm->utf8_mode && utf8_codeset;
}

const char *textenc_default(VM *vm) { return vm->utf8_locale_name ? "UTF-8" : "utf-8"; }

bool textenc_utf8_mode(VM *vm) { return vm->utf8_mode; }
