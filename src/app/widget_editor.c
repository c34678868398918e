/* widget_editor.c - the text editor behind one-line form fields and the
 * multi-line hard prompt template: a UTF-8 buffer, a cursor, Emacs/readline
 * style keys, and scrolling.
 *
 * The one idea: the text is a single NUL-terminated buffer with '\n'
 * between lines and the cursor is a byte offset into it; lines and columns
 * are computed when needed (prompts are short, so a scan is cheaper than
 * keeping a line index in sync). Every edit goes through splice(), and every
 * cursor position is a "cluster boundary": never inside a UTF-8 sequence and
 * never between a character and the combining marks after it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promptlab/widgets.h"

void ui_editor_init(struct ui_editor *ed, unsigned flags)
{
    memset(ed, 0, sizeof *ed);
    ed->flags = flags;
    ed->goal_col = -1;
    ed->page = 1;
}

void ui_editor_free(struct ui_editor *ed)
{
    if (!ed)
        return;
    free(ed->kill);
    free(ed->buf);
    ed->buf = ed->kill = NULL;
    ed->len = ed->cap = ed->cur = ed->kill_len = 0;
}

const char *ui_editor_text(const struct ui_editor *ed, size_t *len)
{
    if (len)
        *len = ed->len;
    return ed->buf ? ed->buf : "";
}

/* Code point at byte offset i (i < ed->len). */
static uint32_t cp_at(const struct ui_editor *ed, size_t i)
{
    uint32_t cp;
    ui_utf8_decode(ed->buf + i, ed->len - i, &cp);
    return cp;
}

static bool is_mark(uint32_t cp)
{
    return ui_cp_width(cp) == 0;
}

/* Offset of the next cluster boundary after i (i < len). */
static size_t next_boundary(const struct ui_editor *ed, size_t i)
{
    uint32_t cp;
    i += ui_utf8_decode(ed->buf + i, ed->len - i, &cp);
    while (i < ed->len) {
        size_t n = ui_utf8_decode(ed->buf + i, ed->len - i, &cp);
        if (!is_mark(cp))
            break;
        i += n;
    }
    return i;
}

/* Start of the code point that ends at i (i > 0). */
static size_t prev_cp(const struct ui_editor *ed, size_t i)
{
    do
        i--;
    while (i > 0 && ((unsigned char)ed->buf[i] & 0xC0) == 0x80);
    return i;
}

/* Offset of the previous cluster boundary before i (i > 0). */
static size_t prev_boundary(const struct ui_editor *ed, size_t i)
{
    size_t j = prev_cp(ed, i);
    while (j > 0 && is_mark(cp_at(ed, j))) {
        size_t k = prev_cp(ed, j);
        if (cp_at(ed, k) == '\n')
            break;
        j = k;
    }
    return j;
}

static size_t line_start(const struct ui_editor *ed, size_t i)
{
    while (i > 0 && ed->buf[i - 1] != '\n')
        i--;
    return i;
}

static size_t line_end(const struct ui_editor *ed, size_t i)
{
    while (i < ed->len && ed->buf[i] != '\n')
        i++;
    return i;
}

static int line_of(const struct ui_editor *ed, size_t pos)
{
    int n = 0;
    for (size_t i = 0; i < pos; i++)
        n += ed->buf[i] == '\n';
    return n;
}

/* Byte offset of the start of line `line` (clamped to the last line). */
static size_t offset_of_line(const struct ui_editor *ed, int line)
{
    size_t i = 0;
    for (; line > 0 && i < ed->len; i++)
        if (ed->buf[i] == '\n')
            line--;
    return line > 0 ? line_start(ed, ed->len) : i;
}

static int col_of(const struct ui_editor *ed, size_t pos)
{
    size_t ls = line_start(ed, pos);
    return ed->buf ? ui_text_width(ed->buf + ls, pos - ls) : 0;
}

/* Replace bytes [from, to) by s[0..n). The cursor is left to the caller. */
static int splice(struct ui_editor *ed, size_t from, size_t to, const char *s, size_t n)
{
    size_t len = ed->len - (to - from) + n;
    if (len + 1 > ed->cap) {
        size_t cap = ed->cap ? ed->cap : 64;
        while (cap < len + 1)
            cap *= 2;
        char *p = realloc(ed->buf, cap);
        if (!p)
            return PL_ENOMEM;
        ed->buf = p;
        ed->cap = cap;
    }
    if (ed->len == 0)
        ed->buf[0] = '\0';
    memmove(ed->buf + from + n, ed->buf + to, ed->len - to + 1);
    if (n)
        memcpy(ed->buf + from, s, n);
    ed->len = len;
    return 0;
}

/* Clean text for insertion (see ui_editor_insert) into a new buffer. */
static char *clean(const char *s, size_t len, bool single_line, size_t *out_len)
{
    if (len > SIZE_MAX / 4)
        return NULL;
    char *out = malloc(len * 3 + 1); /* an invalid byte grows into 3 (U+FFFD) */
    if (!out)
        return NULL;
    size_t o = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = ui_utf8_decode(s + i, len - i, &cp);
        if (cp == '\r' || cp == '\n') {
            if (cp == '\r' && i + 1 < len && s[i + 1] == '\n')
                n++;
            out[o++] = single_line ? ' ' : '\n';
        } else if (cp == '\t') {
            out[o++] = '\t';
        } else if (ui_cp_width(cp) < 0 || cp == 0) {
            /* other controls are dropped */
        } else {
            o += ui_utf8_encode(cp, out + o); /* re-encodes U+FFFD for bad bytes */
        }
        i += n;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

int ui_editor_insert(struct ui_editor *ed, const char *s, size_t len)
{
    size_t n;
    char *t = clean(s, len, ed->flags & UI_EDITOR_SINGLE_LINE, &n);
    if (!t)
        return PL_ENOMEM;
    int rc = n ? splice(ed, ed->cur, ed->cur, t, n) : 0;
    free(t);
    if (rc < 0)
        return rc;
    ed->cur += n;
    /* text inserted before combining marks would leave the cursor inside a
     * cluster; step over them */
    while (ed->cur < ed->len && is_mark(cp_at(ed, ed->cur)))
        ed->cur = next_boundary(ed, ed->cur);
    ed->goal_col = -1;
    return n ? 1 : 0;
}

int ui_editor_set_text(struct ui_editor *ed, const char *s, size_t len)
{
    size_t n;
    char *t = clean(s, len, ed->flags & UI_EDITOR_SINGLE_LINE, &n);
    if (!t)
        return PL_ENOMEM;
    if (n + 1 > ed->cap) {
        char *p = realloc(ed->buf, n + 1);
        if (!p) {
            free(t);
            return PL_ENOMEM;
        }
        ed->buf = p;
        ed->cap = n + 1;
    }
    if (ed->buf)
        memcpy(ed->buf, t, n + 1);
    free(t);
    ed->len = n;
    ed->cur = n;
    ed->goal_col = -1;
    ed->top = ed->left = 0;
    return 0;
}

int ui_editor_n_lines(const struct ui_editor *ed)
{
    return line_of(ed, ed->len) + 1;
}

const char *ui_editor_line(const struct ui_editor *ed, int line, size_t *len)
{
    if (line < 0 || line >= ui_editor_n_lines(ed))
        return NULL;
    const char *text = ui_editor_text(ed, NULL);
    size_t a = offset_of_line(ed, line);
    if (len)
        *len = ed->buf ? line_end(ed, a) - a : 0;
    return text + a;
}

void ui_editor_cursor(const struct ui_editor *ed, int *line, size_t *byte, int *col)
{
    size_t ls = line_start(ed, ed->cur);
    if (line)
        *line = line_of(ed, ed->cur);
    if (byte)
        *byte = ed->cur - ls;
    if (col)
        *col = col_of(ed, ed->cur);
}

/* Offset in line `line` nearest to display column col (not past it). */
static size_t offset_at_col(const struct ui_editor *ed, int line, int col)
{
    size_t a = offset_of_line(ed, line);
    if (!ed->buf)
        return 0;
    size_t b = line_end(ed, a);
    return a + ui_text_offset_at(ed->buf + a, b - a, col, NULL);
}

void ui_editor_move_to(struct ui_editor *ed, int line, int col)
{
    int n = ui_editor_n_lines(ed);
    if (line >= n)
        line = n - 1;
    if (line < 0)
        line = 0;
    ed->cur = offset_at_col(ed, line, col < 0 ? 0 : col);
    ed->goal_col = -1;
}

/* Word characters: letters, digits and '_' in any script. Outside ASCII
 * everything but spaces and punctuation blocks counts as a letter. */
static bool is_word(uint32_t cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
               (cp >= 'a' && cp <= 'z') || cp == '_';
    if (cp < 0xC0) /* Latin-1 punctuation and symbols, NBSP */
        return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
    if (cp == 0xD7 || cp == 0xF7)
        return false;
    if ((cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
        (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) ||
        (cp >= 0xFF1A && cp <= 0xFF20))
        return false; /* punctuation, symbols, CJK punctuation, fullwidth punctuation */
    return true;
}

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == 0x3000 || cp == 0xA0;
}

static size_t word_right(const struct ui_editor *ed, size_t i)
{
    while (i < ed->len && !is_word(cp_at(ed, i)))
        i = next_boundary(ed, i);
    while (i < ed->len && is_word(cp_at(ed, i)))
        i = next_boundary(ed, i);
    return i;
}

static size_t word_left(const struct ui_editor *ed, size_t i)
{
    while (i > 0 && !is_word(cp_at(ed, prev_boundary(ed, i))))
        i = prev_boundary(ed, i);
    while (i > 0 && is_word(cp_at(ed, prev_boundary(ed, i))))
        i = prev_boundary(ed, i);
    return i;
}

/* Back to the previous whitespace, as a shell's Ctrl-W. */
static size_t space_word_left(const struct ui_editor *ed, size_t i)
{
    while (i > 0 && is_space(cp_at(ed, prev_boundary(ed, i))))
        i = prev_boundary(ed, i);
    while (i > 0 && !is_space(cp_at(ed, prev_boundary(ed, i))))
        i = prev_boundary(ed, i);
    return i;
}

/* Delete [a, b), keeping it for yank when `keep`, and put the cursor at a. */
static int delete_range(struct ui_editor *ed, size_t a, size_t b, bool keep)
{
    if (a >= b)
        return 0;
    if (keep) {
        char *k = malloc(b - a);
        if (!k)
            return PL_ENOMEM;
        memcpy(k, ed->buf + a, b - a);
        free(ed->kill);
        ed->kill = k;
        ed->kill_len = b - a;
    }
    int rc = splice(ed, a, b, NULL, 0);
    if (rc < 0)
        return rc;
    ed->cur = a;
    return UI_CHANGED;
}

/* Move the cursor `dl` lines keeping the goal column. */
static int move_lines(struct ui_editor *ed, int dl)
{
    int line = line_of(ed, ed->cur), n = ui_editor_n_lines(ed);
    if (ed->flags & UI_EDITOR_SINGLE_LINE)
        return UI_IGNORED;
    if ((dl < 0 && line == 0) || (dl > 0 && line == n - 1))
        return UI_IGNORED;
    if (ed->goal_col < 0)
        ed->goal_col = col_of(ed, ed->cur);
    int target = line + dl;
    target = target < 0 ? 0 : target >= n ? n - 1 : target;
    ed->cur = offset_at_col(ed, target, ed->goal_col);
    return 0;
}

/* Cursor movement within the text; false when key is not one. */
static bool move_key(struct ui_editor *ed, enum ui_key key)
{
    size_t cur = ed->cur;
    switch (key) {
    case UI_KEY_LEFT: ed->cur = cur > 0 ? prev_boundary(ed, cur) : cur; return true;
    case UI_KEY_RIGHT: ed->cur = cur < ed->len ? next_boundary(ed, cur) : cur; return true;
    case UI_KEY_HOME: ed->cur = line_start(ed, cur); return true;
    case UI_KEY_END: ed->cur = line_end(ed, cur); return true;
    case UI_KEY_DOC_START: ed->cur = 0; return true;
    case UI_KEY_DOC_END: ed->cur = ed->len; return true;
    case UI_KEY_WORD_LEFT: ed->cur = word_left(ed, cur); return true;
    case UI_KEY_WORD_RIGHT: ed->cur = word_right(ed, cur); return true;
    default: return false;
    }
}

/* Deletions and the yank; UI_IGNORED when key is not one of them. */
static int kill_key(struct ui_editor *ed, enum ui_key key)
{
    size_t cur = ed->cur;
    switch (key) {
    case UI_KEY_BACKSPACE:
        return cur > 0 ? delete_range(ed, prev_boundary(ed, cur), cur, false) : 0;
    case UI_KEY_DELETE:
        return cur < ed->len ? delete_range(ed, cur, next_boundary(ed, cur), false) : 0;
    case UI_KEY_KILL_WORD_BACK:
        return delete_range(ed, space_word_left(ed, cur), cur, true);
    case UI_KEY_KILL_WORD_FORWARD:
        return delete_range(ed, cur, word_right(ed, cur), true);
    case UI_KEY_KILL_LINE_END: {
        size_t e = line_end(ed, cur);
        if (e == cur && e < ed->len)
            e++; /* at the end of a line: join the next one */
        return delete_range(ed, cur, e, true);
    }
    case UI_KEY_KILL_LINE_START:
        return delete_range(ed, line_start(ed, cur), cur, true);
    case UI_KEY_YANK: {
        if (!ed->kill_len)
            return 0;
        int rc = ui_editor_insert(ed, ed->kill, ed->kill_len);
        return rc < 0 ? rc : rc ? UI_CHANGED : 0;
    }
    default: return UI_IGNORED;
    }
}

int ui_editor_key(struct ui_editor *ed, enum ui_key key, uint32_t ch)
{
    if (key == UI_KEY_UP || key == UI_KEY_DOWN)
        return move_lines(ed, key == UI_KEY_UP ? -1 : 1);
    if (key == UI_KEY_PAGE_UP || key == UI_KEY_PAGE_DOWN) {
        int page = ed->page > 0 ? ed->page : 1;
        return move_lines(ed, key == UI_KEY_PAGE_UP ? -page : page);
    }
    ed->goal_col = -1;
    if (key == UI_KEY_CHAR) {
        if (ch == '\n' || ch == '\r')
            return ui_editor_key(ed, UI_KEY_ENTER, 0);
        if (ch != '\t' && (ch == 0 || ui_cp_width(ch) < 0))
            return UI_IGNORED;
        char b[4];
        size_t n = ui_utf8_encode(ch, b);
        int rc = ui_editor_insert(ed, b, n);
        return rc < 0 ? rc : UI_CHANGED;
    }
    if (key == UI_KEY_ENTER) {
        if (ed->flags & UI_EDITOR_SINGLE_LINE)
            return UI_IGNORED;
        return ui_editor_insert(ed, "\n", 1) < 0 ? PL_ENOMEM : UI_CHANGED;
    }
    if (move_key(ed, key))
        return 0;
    return kill_key(ed, key);
}

void ui_editor_scroll(struct ui_editor *ed, int height, int width)
{
    if (height < 1)
        height = 1;
    if (width < 1)
        width = 1;
    ed->page = height;
    int line, col;
    ui_editor_cursor(ed, &line, NULL, &col);
    int n = ui_editor_n_lines(ed);
    if (ed->top > n - height)
        ed->top = n - height;
    if (ed->top < 0)
        ed->top = 0;
    if (line < ed->top)
        ed->top = line;
    else if (line >= ed->top + height)
        ed->top = line - height + 1;
    /* the cursor may sit just after the last character: keep that cell visible */
    if (col < ed->left)
        ed->left = col;
    else if (col >= ed->left + width)
        ed->left = col - width + 1;
}
