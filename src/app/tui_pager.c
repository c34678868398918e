/* tui_pager.c - the full-text pane: a scrollable overlay that shows a text
 * too long for a table cell (view 1's row: source, reference, output,
 * score) word-wrapped to the screen, with / search and n/N; and the search
 * dispatch that sends n/N to whatever is in front (an overlay or a view).
 *
 * The one idea: the pager owns one plain string with '\n' line breaks and
 * wraps it again at every draw, so a resize needs nothing special; its
 * scroll position counts wrapped lines. */
#include <stdlib.h>
#include <string.h>

#include "promptlab/widgets.h"
#include "tui_impl.h"

enum { PAGER_MAX_LINES = 4000 };

struct wrapped {
    int n;
    int off[PAGER_MAX_LINES], len[PAGER_MAX_LINES];
    int ind[PAGER_MAX_LINES];  /* columns of indent (a continuation keeps its line's) */
    bool head[PAGER_MAX_LINES]; /* the first piece of a line without indent: a heading */
};

/* Break one logical line s[0..len) into pieces of at most w columns, at
 * the last space before the edge when there is one. */
static void wrap_line(struct wrapped *wr, const char *base, const char *s, size_t len, int w)
{
    int indent = 0;
    while ((size_t)indent < len && s[indent] == ' ' && indent < w / 2)
        indent++;
    bool first = true;
    do {
        int col, ind = first ? 0 : indent;
        size_t cut = ui_text_offset_at(s, len, w - ind, &col);
        if (cut < len) {
            size_t sp = cut;
            while (sp > 0 && s[sp - 1] != ' ')
                sp--;
            if (sp > 0)
                cut = sp;
            else if (cut == 0)
                cut = 1; /* one character wider than the pane: show it anyway */
        }
        if (wr->n == PAGER_MAX_LINES)
            return;
        wr->off[wr->n] = (int)(s - base);
        wr->len[wr->n] = (int)cut;
        wr->ind[wr->n] = ind;
        wr->head[wr->n] = first && indent == 0 && len > 0;
        wr->n++;
        s += cut;
        len -= cut;
        while (len > 0 && *s == ' ') /* a wrapped line starts at a word */
            s++, len--;
        first = false;
    } while (len > 0);
}

static void wrap_text(struct wrapped *wr, const char *text, int w)
{
    wr->n = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        wrap_line(wr, text, p, len, w > 1 ? w : 1);
        p += len + (nl ? 1 : 0);
    }
}

void tui_pager_open(struct tui *t, const char *title, char *text)
{
    free(t->pager);
    t->pager = text;
    tui_copy(t->pager_title, sizeof t->pager_title, title);
    t->pager_top = 0;
    t->pager_hit = -1;
    t->ov = TUI_OV_PAGER;
}

void tui_pager_close(struct tui *t)
{
    free(t->pager);
    t->pager = NULL;
    if (t->ov == TUI_OV_PAGER)
        t->ov = TUI_OV_NONE;
}

/* The pane: the whole screen below the tabs, above the message line. */
static void pager_box(const struct tui *t, int *y, int *x, int *h, int *w)
{
    *y = 1, *x = 0, *h = t->rows - 3, *w = t->cols;
}

static struct wrapped *pager_wrap(const struct tui *t, int *body)
{
    int y, x, h, w;
    pager_box(t, &y, &x, &h, &w);
    struct wrapped *wr = malloc(sizeof *wr);
    if (wr)
        wrap_text(wr, t->pager ? t->pager : "", w - 4);
    *body = h - 3;
    return wr;
}

void tui_pager_draw(struct tui *t)
{
    int y, x, h, w, body;
    pager_box(t, &y, &x, &h, &w);
    struct wrapped *wr = pager_wrap(t, &body);
    if (!wr)
        return;
    tui_box(t, y, x, h, w, t->pager_title);
    int max_top = wr->n - body > 0 ? wr->n - body : 0;
    if (t->pager_top > max_top)
        t->pager_top = max_top;
    char buf[1024];
    for (int r = 0; r < body && t->pager_top + r < wr->n; r++) {
        int i = t->pager_top + r;
        snprintf(buf, sizeof buf, "%.*s", wr->len[i], t->pager + wr->off[i]);
        enum tui_role role = i == t->pager_hit ? TUI_R_SELECTED : wr->head[i] ? TUI_R_TITLE : TUI_R_NORMAL;
        tui_text(t, y + 1 + r, x + 2 + wr->ind[i], w - 4 - wr->ind[i], buf, role);
    }
    char foot[160];
    snprintf(foot, sizeof foot, "lines %d-%d of %d  Up/Down/PgDn scroll  / search  n/N next  Esc close",
             wr->n ? t->pager_top + 1 : 0,
             t->pager_top + body < wr->n ? t->pager_top + body : wr->n, wr->n);
    tui_text(t, y + h - 2, x + 2, w - 4, foot, TUI_R_DIM);
    free(wr);
}

int tui_pager_find(struct tui *t, const char *q, int dir)
{
    int body;
    struct wrapped *wr = pager_wrap(t, &body);
    if (!wr)
        return -1;
    int found = -1, from = t->pager_hit >= 0 ? t->pager_hit : t->pager_top - (dir > 0 ? 1 : 0);
    char buf[1024];
    for (int k = 1; k <= wr->n && found < 0; k++) {
        int i = ((from + dir * k) % wr->n + wr->n) % wr->n;
        snprintf(buf, sizeof buf, "%.*s", wr->len[i], t->pager + wr->off[i]);
        if (tui_text_matches(buf, q))
            found = i;
    }
    if (found >= 0) {
        t->pager_hit = found;
        if (found < t->pager_top || found >= t->pager_top + body)
            t->pager_top = found - body / 2 > 0 ? found - body / 2 : 0;
    }
    free(wr);
    return found;
}

int tui_pager_key(struct tui *t, const struct tui_key *k)
{
    int body;
    struct wrapped *wr = pager_wrap(t, &body);
    int n = wr ? wr->n : 0;
    free(wr);
    if (tui_key_is(k, 27) || tui_key_is(k, 'q') || tui_key_is(k, 'v')) {
        tui_pager_close(t);
        return TUI_REDRAW;
    }
    if (tui_key_is(k, '/')) {
        tui_open_input(t, TUI_IN_SEARCH, "Search the text for", t->search);
        return TUI_REDRAW;
    }
    if ((tui_key_is(k, 'n') || tui_key_is(k, 'N')) && t->search[0]) {
        tui_search_next(t, tui_key_is(k, 'n') ? 1 : -1);
        return TUI_REDRAW;
    }
    int max_top = n - body > 0 ? n - body : 0, top = t->pager_top;
    switch (k->ui) {
    case UI_KEY_DOWN: top++; break;
    case UI_KEY_UP: top--; break;
    case UI_KEY_PAGE_DOWN: top += body > 1 ? body - 1 : 1; break;
    case UI_KEY_PAGE_UP: top -= body > 1 ? body - 1 : 1; break;
    case UI_KEY_HOME:
    case UI_KEY_DOC_START: top = 0; break;
    case UI_KEY_END:
    case UI_KEY_DOC_END: top = max_top; break;
    default: return TUI_REDRAW;
    }
    t->pager_top = top < 0 ? 0 : top > max_top ? max_top : top;
    return TUI_REDRAW;
}

void tui_search_next(struct tui *t, int dir)
{
    int row = -1;
    const char *what = "row";
    switch (t->ov) {
    case TUI_OV_HELP: row = tui_help_find(t, t->search, dir), what = "line"; break;
    case TUI_OV_PICKER: row = tui_picker_find(t, t->search, dir), what = "entry"; break;
    case TUI_OV_PAGER: row = tui_pager_find(t, t->search, dir), what = "line"; break;
    default:
        if (t->view == TUI_VIEW_HARD)
            row = tui_hard_find(t, t->search, dir);
        else if (t->view == TUI_VIEW_SIDE)
            row = tui_side_find(t, t->search, dir);
        else if (t->view == TUI_VIEW_INSPECT)
            row = tui_insp_find(t, t->search, dir), what = "line";
        break;
    }
    if (row < 0)
        tui_msg(t, TUI_R_DIM, "no %s contains \"%s\"", what, t->search);
    else
        tui_msg(t, TUI_R_INFO, "\"%s\" in %s %d (n next, N previous)", t->search, what, row + 1);
}
