/* Looks up CPython's docstrings and text signatures for Asy's natives:
 * a binary search of the generated table, sorted by (owner, name). */
#include <stddef.h>
#include <string.h>

#include "builtin_docs.h"

#include "builtin_docs_data.h"     /* generated in the build directory */

static int compare(const BuiltinDoc *d, const char *owner, const char *name) {
    int c = strcmp(d->owner, owner);
    return c ? c : strcmp(d->name, name);
}

const BuiltinDoc *builtin_doc_find(const char *owner, const char *name) {
    size_t lo = 0, hi = sizeof builtin_docs / sizeof builtin_docs[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(&builtin_docs[mid], owner, name);
        if (c == 0) return &builtin_docs[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}
