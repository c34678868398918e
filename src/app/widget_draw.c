/* widget_draw.c - the ncurses side of the widgets: paint text, editors,
 * charts and tables that the pure widget code has already laid out.
 *
 * The one idea: nothing here decides anything. Text is fitted or sliced by
 * widget_text.c (so it is sanitised and exactly as wide as planned), turned
 * into wchar_t and written with the wide-character calls, and every column
 * or cell is positioned explicitly so that a terminal disagreeing with us
 * about one character's width cannot shift the rest of the screen. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <ncurses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "promptlab/widgets.h"

/* Write UTF-8 text (already safe) at the window's cursor. */
static void put_utf8(WINDOW *win, const char *s, size_t len)
{
    wchar_t wb[128];
    size_t i = 0;
    while (i < len) {
        int n = 0;
        while (i < len && n < (int)(sizeof wb / sizeof wb[0]) - 1) {
            uint32_t cp;
            i += ui_utf8_decode(s + i, len - i, &cp);
            wb[n++] = (wchar_t)cp;
        }
        wb[n] = L'\0';
        waddnwstr(win, wb, n);
    }
}

/* Fit into a scratch buffer sized for `width` columns. */
static int fit_and_put(WINDOW *win, int y, int x, int width, const char *s, size_t len,
                       enum ui_align align, unsigned flags)
{
    if (width <= 0)
        return 0;
    char stack[1024];
    size_t cap = 4 * (size_t)width + 64;
    char *buf = cap <= sizeof stack ? stack : malloc(cap);
    if (!buf)
        return 0;
    int cols = ui_text_fit(buf, cap, s, len, width, align, flags);
    wmove(win, y, x);
    put_utf8(win, buf, strlen(buf));
    if (buf != stack)
        free(buf);
    return cols;
}

int ui_draw_text(WINDOW *win, int y, int x, int width, const char *s, size_t len,
                 enum ui_align align, unsigned flags)
{
    return fit_and_put(win, y, x, width, s, len, align, flags);
}

void ui_editor_draw(WINDOW *win, int y, int x, int h, int w, const struct ui_editor *ed,
                    bool focused, unsigned flags)
{
    if (h <= 0 || w <= 0)
        return;
    char stack[1024];
    size_t cap = 4 * (size_t)w + 256;
    char *buf = cap <= sizeof stack ? stack : malloc(cap);
    if (!buf)
        return;
    for (int r = 0; r < h; r++) {
        size_t len = 0;
        const char *line = ui_editor_line(ed, ed->top + r, &len);
        ui_text_slice(buf, cap, line ? line : "", line ? len : 0, ed->left, w, flags);
        wmove(win, y + r, x);
        put_utf8(win, buf, strlen(buf));
    }
    if (buf != stack)
        free(buf);
    if (focused) {
        int line, col;
        ui_editor_cursor(ed, &line, NULL, &col);
        int cy = line - ed->top, cx = col - ed->left;
        if (cy >= 0 && cy < h && cx >= 0 && cx < w)
            wmove(win, y + cy, x + cx);
    }
}

static void set_attr(WINDOW *win, attr_t attr, const struct ui_colors *c, short pair)
{
    wattr_set(win, attr, c && c->enabled ? pair : 0, NULL);
}

void ui_chart_draw(WINDOW *win, int y, int x, const struct ui_chart_grid *g,
                   const struct ui_colors *colors)
{
    attr_t old_attr;
    short old_pair;
    wattr_get(win, &old_attr, &old_pair, NULL);
    for (int r = 0; r < g->h; r++)
        for (int col = 0; col < g->w; col++) {
            const struct ui_cell *c = ui_chart_cell(g, r, col);
            if (c->cp == 0)
                continue; /* right half of a wide character */
            short pair = 0;
            attr_t attr = A_NORMAL;
            switch (c->kind) {
            case UI_CELL_PLOT:
            case UI_CELL_LEGEND:
                pair = c->style >= 0 && colors ? colors->series[c->style % UI_N_SERIES] : 0;
                break;
            case UI_CELL_AXIS:
            case UI_CELL_LABEL:
                pair = colors ? colors->axis : 0;
                break;
            case UI_CELL_TITLE:
                attr = A_BOLD;
                break;
            default:
                break;
            }
            set_attr(win, attr, colors, pair);
            wchar_t wc[2] = {(wchar_t)c->cp, L'\0'};
            mvwaddnwstr(win, y + r, x + col, wc, 1);
        }
    wattr_set(win, old_attr, old_pair, NULL);
}

void ui_table_draw(WINDOW *win, int y, int x, int h, int w, const struct ui_table *t,
                   const struct ui_list *l, bool focused, const struct ui_colors *colors,
                   unsigned flags)
{
    if (h <= 0 || w <= 0 || t->n_cols <= 0)
        return;
    attr_t old_attr;
    short old_pair;
    wattr_get(win, &old_attr, &old_pair, NULL);
    int widths[UI_TABLE_MAX_COLS];
    ui_table_layout(t, w, widths);
    int n_cols = t->n_cols < UI_TABLE_MAX_COLS ? t->n_cols : UI_TABLE_MAX_COLS;
    bool color = colors && colors->enabled;
    char cbuf[512];
    for (int r = 0; r < h; r++) {
        int row = r == 0 ? -1 : l->top + r - 1; /* -1: the header */
        attr_t attr = A_NORMAL;
        short pair = 0;
        if (row < 0) {
            attr = color ? A_BOLD : A_BOLD | A_UNDERLINE;
            pair = color ? colors->header : 0;
        } else if (row == l->selected && row < t->n_rows) {
            attr = focused ? (color ? A_NORMAL : A_REVERSE) : A_BOLD;
            pair = focused && color ? colors->selected : 0;
        }
        wattr_set(win, attr, pair, NULL);
        /* blank the whole row first so the highlight spans the gaps */
        mvwhline(win, y + r, x, ' ' | attr | COLOR_PAIR(pair), w);
        if (row >= t->n_rows)
            continue;
        int cx = x;
        for (int c = 0; c < n_cols; c++) {
            if (widths[c] <= 0)
                continue;
            const char *s = row < 0 ? (t->cols[c].title ? t->cols[c].title : "")
                                    : ui_table_cell(t, row, c, cbuf, sizeof cbuf);
            /* titles follow their column's alignment so they sit over the numbers */
            fit_and_put(win, y + r, cx, widths[c], s, strlen(s), t->cols[c].align, flags);
            cx += widths[c] + UI_TABLE_GAP;
        }
    }
    wattr_set(win, old_attr, old_pair, NULL);
}
