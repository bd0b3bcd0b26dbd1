/* libFuzzer target for the front end: ast_parse() must never crash, read out
 * of bounds or leak on any input, and must either return a tree that
 * ast_dump() can walk or fill in a complete ParseError.
 *
 *   clang -fsanitize=fuzzer,address,undefined ... fuzz_parse.c <front end>
 *   ./fuzz_parse corpus/   (a dictionary of Python tokens helps)
 *
 * The input is the source, byte for byte (it need not be NUL-terminated:
 * libFuzzer's buffer is exactly `size` bytes, so ASan catches overreads).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    AstArena *a = ast_arena_new();
    if (!a)
        return 0;
    ParseError err;
    Node *n = ast_parse(a, (const char *)data, size, PARSE_FILE, &err);
    if (n) {
        char *dump = ast_dump(n);
        if (!dump || strncmp(dump, "(Module", 7) != 0)
            abort();
        free(dump);
    } else if (!err.kind || !err.msg[0] || err.line < 0 || err.col < 0 ||
               err.end_line < err.line) {
        abort();
    }
    ast_arena_free(a);
    return 0;
}
