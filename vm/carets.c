/* The line of carets a traceback prints under a source line, as CPython
 * 3.11+ does:
 *
 *     x = d["a"]["b"] + 1
 *         ~~~~~~^^^^^
 *
 * `^` marks the span of the instruction that raised (or made the call that
 * did). When that span is a binary operation or a subscript on one line, `~`
 * marks the operands and `^` the operator or the brackets; to find them the
 * span's text is parsed again as an expression. No line is printed when `^`
 * would underline the whole stripped line. */
#include "carets.h"

#include "str.h"
#include "unidata.h"
#include "../parser/ast.h"

static bool is_wide(uint32_t cp) {
    const char *w = unidata_east_asian_width(cp);
    return w && (w[0] == 'W' || w[0] == 'F') && w[1] == 0;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\r' || c == '\n'; }

/* Byte offsets, within the segment, of the part to mark with `^` when the
 * rest gets `~`: a binary operator, or a subscript's brackets. */
typedef struct Anchors { int left, right; } Anchors;

static bool binop_anchors(const char *seg, const Node *e, Anchors *a) {
    int from = e->u.binop.left->end_col, to = e->u.binop.right->col;
    for (int i = from; i < to; i++) {
        if (is_blank(seg[i])) continue;
        a->left = i;
        a->right = i + 1;
        if (i + 1 < to && !is_blank(seg[i + 1])) a->right++;      /* //, **, <<, ... */
        if (seg[i] == ')' && i + 1 < to) continue;   /* a parenthesized left operand */
        return true;
    }
    return false;
}

static bool subscript_anchors(const char *seg, int len, const Node *e, Anchors *a) {
    int left = e->u.subscript.value->end_col, right = e->u.subscript.index->end_col + 1;
    while (left < len && seg[left] != '[') left++;
    while (right < len && seg[right] != ']') right++;
    if (right < len) right++;
    a->left = left;
    a->right = right;
    return true;
}

static bool find_anchors(const char *seg, int len, Anchors *a) {
    AstArena *arena = ast_arena_new();
    if (!arena) return false;
    ParseError err;
    Node *e = ast_parse(arena, seg, (size_t)len, PARSE_EVAL, &err);
    bool found = false;
    if (e && e->line == 1 && e->end_line == 1) {
        if (e->kind == E_BINOP) found = binop_anchors(seg, e, a);
        else if (e->kind == E_SUBSCRIPT) found = subscript_anchors(seg, len, e, a);
    }
    ast_arena_free(arena);
    return found;
}

void tb_carets(const char *line, size_t len, const LineEntry *pos, StrBuf *out) {
    if (pos->col < 0 || pos->end_col < 0) return;
    size_t indent = 0, rend = len;
    while (indent < len && is_blank(line[indent])) indent++;
    while (rend > indent && is_blank(line[rend - 1])) rend--;
    size_t start = (size_t)pos->col;
    size_t end = pos->end_line == pos->line ? (size_t)pos->end_col : rend;
    if (start < indent || start >= end || end > len) return;
    Anchors a = {-1, -1};
    bool anchored = pos->end_line == pos->line && end - start < 4096 &&
                    find_anchors(line + start, (int)(end - start), &a);
    /* Whether to print is decided in code points; the line itself is laid out
     * in display columns, as CPython's traceback does: a wide or fullwidth
     * character (East Asian width W or F) takes two columns, so it gets two
     * spaces or two marks. */
    int64_t first = utf8_count(line, indent), from = utf8_count(line, start);
    int64_t to = utf8_count(line, end), last = utf8_count(line, rend);
    if (to - from == last - first && !anchored) return;
    size_t left = anchored ? start + (size_t)a.left : 0, right = anchored ? start + (size_t)a.right : 0;
    sb_adds(out, "    ");
    for (size_t pos = indent; pos < end;) {
        size_t at = pos;
        uint32_t cp = utf8_decode(line, end, &pos);
        int width = cp >= 0x80 && is_wide(cp) ? 2 : 1;
        char mark = at < start ? ' ' : !anchored ? '^' : at >= left && at < right ? '^' : '~';
        for (int w = 0; w < width; w++) sb_addc(out, mark);
    }
    sb_addc(out, '\n');
}
