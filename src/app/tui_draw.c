/* tui_draw.c - drawing for every view and the frame around them: glyphs,
 * colours and attribute roles, text and headings fitted to a width, score
 * glyphs, and the frame itself (tabs, status line, message line, footer).
 *
 * The one idea: drawing only reads state. Nothing here changes what a view
 * or the shared state holds; draw() paints one whole frame into curses'
 * buffer and the loop updates the screen once. */
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app_impl.h"
#include "promptlab/words.h"
#include "tui_impl.h"

/* ---- glyphs, colours, attributes ---------------------------------------- */

static const struct tui_glyphs glyphs_utf8 = {
    .hline = "─", .vline = "│", .ellipsis = "…", .bullet = "●", .arrow = "→",
    .unseen = "†", .pending = "…", .cross = "✗", .guess = "°",
    .score = {"●", "◕", "◑", "○"},
    .eighths = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"},
};
static const struct tui_glyphs glyphs_ascii = {
    .hline = "-", .vline = "|", .ellipsis = "~", .bullet = "*", .arrow = "->",
    .unseen = "~", .pending = ".", .cross = "x", .guess = "^",
    .score = {"#", "+", "-", "."},
    .eighths = {" ", " ", " ", " ", "#", "#", "#", "#", "#"},
};

/* Draw at most w columns of s (no padding): returns the columns used. */
int tui_text(struct tui *t, int y, int x, int w, const char *s, enum tui_role r)
{
    if (w <= 0 || y < 0 || y >= t->rows || x < 0 || x >= t->cols)
        return 0;
    if (x + w > t->cols)
        w = t->cols - x;
    if (!s)
        s = "";
    int tw = ui_text_width(s, strlen(s));
    attrset(tui_attr(t, r));
    int n = ui_draw_text(stdscr, y, x, tw < w ? tw : w, s, strlen(s), UI_ALIGN_LEFT, t->tflags);
    attrset(A_NORMAL);
    return n;
}

int tui_text_right(struct tui *t, int y, int x, int w, const char *s, enum tui_role r)
{
    if (w <= 0 || y < 0 || y >= t->rows || x >= t->cols)
        return 0;
    if (!s)
        s = "";
    int tw = ui_text_width(s, strlen(s));
    if (tw < w) {
        x += w - tw;
        w = tw;
    }
    return tui_text(t, y, x, w, s, r);
}

void tui_heading(struct tui *t, int y, int x, int w, const char *title, bool focused)
{
    char buf[512];
    size_t n = 0;
    buf[0] = 0;
    for (int i = 0; i < w && n + 8 < sizeof buf; i++) {
        size_t l = strlen(t->g->hline);
        memcpy(buf + n, t->g->hline, l);
        n += l;
    }
    buf[n] = 0;
    tui_text(t, y, x, w, buf, focused ? TUI_R_FOCUS : TUI_R_DIM);
    char tb[300];
    snprintf(tb, sizeof tb, " %s ", title);
    int tw = ui_text_width(tb, strlen(tb));
    tui_text(t, y, x + 1, tw < w - 2 ? tw : w - 2, tb, focused ? TUI_R_FOCUS : TUI_R_TITLE);
}

void tui_msg(struct tui *t, enum tui_role r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof t->msg, fmt, ap);
    va_end(ap);
    t->msg_role = r;
    t->msg_time = pl_now();
}

int tui_export_table_to(struct tui *t, const char *prefix, const struct ui_table *tb, char *md,
                        char *csv, size_t cap)
{
    struct pl_err e = {0};
    int rc = tui_export_path_at(prefix, ".md", t->export_at, md, cap, &e);
    if (rc == 0) {
        tui_copy(csv, cap, md);
        size_t n = strlen(csv);
        if (n > 3 && n + 2 <= cap)
            memcpy(csv + n - 3, ".csv", 5);
        rc = ui_export_table_markdown(md, tb, &e);
    }
    if (rc == 0)
        rc = ui_export_table_csv(csv, tb, &e);
    if (rc)
        tui_msg(t, TUI_R_ERROR, "export failed: %s", e.msg);
    return rc ? -1 : 0;
}

void tui_export_table(struct tui *t, const char *prefix, const struct ui_table *tb)
{
    char md[PATH_MAX], csv[PATH_MAX];
    if (tui_export_table_to(t, prefix, tb, md, csv, sizeof md) == 0)
        tui_export_said(t, "table exported", (const char *const[]){md, csv}, 2);
}

int tui_export_chart(struct tui *t, const char *prefix, const struct ui_series *s, int n,
                     const struct ui_chart_params *p, char *path, size_t cap)
{
    struct pl_err e = {0};
    int rc = tui_export_path_at(prefix, ".svg", t->export_at, path, cap, &e);
    if (!rc)
        rc = ui_export_chart_svg(path, s, (size_t)(n > 0 ? n : 0), p, 0, 0, &e);
    if (rc)
        tui_msg(t, TUI_R_ERROR, "export failed: %s", e.msg);
    return rc ? -1 : 0;
}

static bool name_break(char c)
{
    return c == '-' || c == '.';
}

/* names[n] as one: their common start, {the parts that differ}, their
 * common end; the start ends and the end begins at a '-' or '.', so a
 * time stamp is never cut in the middle. */
static void fold_names(const char *const *names, int n, char *buf, size_t cap)
{
    size_t pre = strlen(names[0]), suf = pre, shortest = pre;
    for (int i = 1; i < n; i++) {
        size_t len = strlen(names[i]), k = 0, j = 0, l0 = strlen(names[0]);
        while (k < pre && names[i][k] && names[i][k] == names[0][k])
            k++;
        while (j < suf && j < len && j < l0 && names[i][len - 1 - j] == names[0][l0 - 1 - j])
            j++;
        pre = k, suf = j;
        shortest = len < shortest ? len : shortest;
    }
    size_t l0 = strlen(names[0]);
    while (pre > 0 && !name_break(names[0][pre - 1]))
        pre--;
    while (suf > 0 && !name_break(names[0][l0 - suf]))
        suf--;
    if (n < 2 || pre + suf >= shortest) {
        snprintf(buf, cap, "%s", names[0]);
        for (int i = 1; i < n; i++)
            snprintf(buf + strlen(buf), cap - strlen(buf), ", %s", names[i]);
        return;
    }
    snprintf(buf, cap, "%.*s{", (int)pre, names[0]);
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%.*s", i ? "," : "",
                 (int)(len - pre - suf), names[i] + pre);
    }
    snprintf(buf + strlen(buf), cap - strlen(buf), "}%s", names[0] + l0 - suf);
}

void tui_export_said(struct tui *t, const char *what, const char *const *paths, int n)
{
    if (n <= 0 || !paths[0])
        return;
    char full[2 * PATH_MAX], shown[2 * PATH_MAX];
    size_t len = (size_t)snprintf(full, sizeof full, "%.*s",
                                  (int)(tui_basename(paths[0]) - paths[0]), paths[0]);
    for (int i = 0; i < n && len < sizeof full;) {
        /* one group: the names up to the next NULL */
        const char *names[8] = {0};
        int k = 0;
        for (; i < n && paths[i] && k < 8; i++)
            names[k++] = tui_basename(paths[i]);
        if (k == 0)
            break;
        char folded[PATH_MAX];
        fold_names(names, k, folded, sizeof folded);
        len += (size_t)snprintf(full + len, sizeof full - len, "%s%s",
                                len > (size_t)(tui_basename(paths[0]) - paths[0]) ? ", " : "", folded);
        while (i < n && !paths[i])
            i++;
    }
    tui_short_path(full, COLS - (int)strlen(what) - 3, shown, sizeof shown);
    tui_msg(t, TUI_R_GOOD, "%s: %s", what, shown);
    tui_copy(t->last_export, sizeof t->last_export, paths[0]);
}

void tui_bar(struct tui *t, int y, int x, int w, double frac, enum tui_role r)
{
    if (w <= 0)
        return;
    if (!(frac > 0))
        frac = 0;
    if (frac > 1)
        frac = 1;
    int eighths = (int)lround(frac * w * 8);
    char buf[256];
    size_t n = 0;
    for (int i = 0; i < w && n + 8 < sizeof buf; i++) {
        int e = eighths - i * 8;
        e = e < 0 ? 0 : e > 8 ? 8 : e;
        const char *g = t->g->eighths[e];
        size_t l = strlen(g);
        memcpy(buf + n, g, l);
        n += l;
    }
    buf[n] = 0;
    tui_text(t, y, x, w, buf, r);
}

const char *tui_score_glyph(const struct tui *t, double chrf, enum tui_role *role)
{
    if (!isfinite(chrf)) {
        *role = TUI_R_DIM;
        return t->g->pending;
    }
    if (chrf >= 80) {
        *role = TUI_R_GOOD;
        return t->g->score[0];
    }
    if (chrf >= 50) {
        *role = TUI_R_MID;
        return t->g->score[1];
    }
    if (chrf >= 20) {
        *role = TUI_R_BAD;
        return t->g->score[2];
    }
    *role = TUI_R_BAD;
    return t->g->score[3];
}

void tui_chart_params(const struct tui *t, struct ui_chart_params *p, int n_series)
{
    ui_chart_params_default(p);
    p->ascii = (t->tflags & UI_TEXT_ASCII) != 0;
    if (!t->color && n_series > 1)
        p->mode = UI_CHART_GLYPH;
}

int tui_table_col_x(const struct ui_table *tb, int w, int col, int *width)
{
    int widths[UI_TABLE_MAX_COLS];
    ui_table_layout(tb, w, widths);
    int x = 0;
    for (int c = 0; c < col && c < tb->n_cols; c++)
        if (widths[c] > 0)
            x += widths[c] + UI_TABLE_GAP;
    if (width)
        *width = col < tb->n_cols ? widths[col] : 0;
    return x;
}

void tui_score_cell(const struct tui *t, double chrf, int state, char *buf, size_t cap)
{
    enum tui_role role;
    if (state == TUI_CELL_FAILED)
        snprintf(buf, cap, "%s err", t->g->cross);
    else if (state != TUI_CELL_DONE)
        snprintf(buf, cap, "%s", t->g->pending);
    else if (!isfinite(chrf))
        snprintf(buf, cap, "  -");
    else
        snprintf(buf, cap, "%s %3.0f", tui_score_glyph(t, chrf, &role), chrf);
}

void tui_score_paint(struct tui *t, int y, int x, double chrf, int state)
{
    enum tui_role role;
    if (state == TUI_CELL_FAILED) {
        tui_text(t, y, x, 1, t->g->cross, TUI_R_BAD);
        return;
    }
    if (state != TUI_CELL_DONE || !isfinite(chrf))
        return;
    const char *g = tui_score_glyph(t, chrf, &role);
    tui_text(t, y, x, 1, g, role);
}

bool tui_key_is(const struct tui_key *k, int ch)
{
    return !k->fn && !k->alt && k->code == ch;
}

/* ---- the frame: tabs, status, message, footer ------------------------------- */

static const char *const view_names[TUI_N_VIEWS] = {"Hard prompt", "Soft prompt", "Side by side",
                                                   "Inspector"};
static void draw_tabs(struct tui *t)
{
    attrset(tui_attr(t, TUI_R_STATUS));
    mvhline(0, 0, ' ', t->cols);
    int x = tui_text(t, 0, 0, 11, " promptlab ", TUI_R_STATUS);
    for (int v = 0; v < TUI_N_VIEWS; v++) {
        char buf[40];
        /* brackets mark the current tab even without colour or attributes */
        snprintf(buf, sizeof buf, v == (int)t->view ? "[%d %s]" : " %d %s ", v + 1, view_names[v]);
        t->tab_x[v] = x;
        x += tui_text(t, 0, x, (int)strlen(buf), buf,
                      v == (int)t->view ? TUI_R_TAB_ACTIVE : TUI_R_STATUS);
        x += tui_text(t, 0, x, 1, " ", TUI_R_STATUS);
    }
    t->tab_x[TUI_N_VIEWS] = x;
    const char *right = t->demo ? "class demo  ? help" : "? help";
    if (x + (int)strlen(right) + 1 <= t->cols)
        tui_text_right(t, 0, x, t->cols - x - 1, right, TUI_R_STATUS);
    else if (t->demo && x + 11 <= t->cols)
        tui_text_right(t, 0, x, t->cols - x - 1, "class demo", TUI_R_STATUS);
}

static void draw_status(struct tui *t)
{
    char left[512], right[400], train[200];
    const struct tui_soft *s = tui_soft_current(t);
    snprintf(left, sizeof left, " model %s (%s) %s samples %s (%d) %s soft %s", t->model_name,
             t->family, t->g->vline, t->samples_name, t->samples.n, t->g->vline,
             s ? s->name : "none");
    tui_train_status(t, train, sizeof train);
    if (t->last_export[0])
        snprintf(right, sizeof right, "%s%sexported %.120s ", train, train[0] ? " | " : "",
                 tui_basename(t->last_export));
    else
        snprintf(right, sizeof right, "%s ", train);
    int rw = ui_text_width(right, strlen(right));
    if (rw > t->cols / 2)
        rw = t->cols / 2;
    tui_text(t, 1, 0, t->cols - rw - 1, left, TUI_R_BOLD);
    tui_text_right(t, 1, t->cols - rw, rw, right, TUI_R_INFO);
}

size_t tui_footer_fit(const char *keys, int width)
{
    int x = 0;
    const char *p = keys;
    while (*p) {
        const char *end = strchr(p, '\t');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        /* "key desc" and two columns before the next item */
        if (x + ui_text_width(p, len) > width)
            break;
        x += ui_text_width(p, len) + 2;
        p = end ? end + 1 : p + len;
    }
    size_t n = (size_t)(p - keys);
    return n && keys[n - 1] == '\t' ? n - 1 : n;
}

static void draw_footer(struct tui *t, const char *keys)
{
    /* "k desc\tk desc..." most important first: keys bright, descriptions
     * plain; the items that do not fit are dropped from the end */
    int y = t->rows - 1, x = 0;
    attrset(tui_attr(t, TUI_R_FOOTER));
    mvhline(y, 0, ' ', t->cols);
    size_t fit = tui_footer_fit(keys, t->cols - 1);
    char item[128];
    const char *p = keys;
    while (p < keys + fit) {
        const char *end = strchr(p, '\t');
        size_t len = end && end < keys + fit ? (size_t)(end - p) : (size_t)(keys + fit - p);
        if (len >= sizeof item)
            len = sizeof item - 1;
        memcpy(item, p, len);
        item[len] = 0;
        char *sp = strchr(item, ' ');
        if (sp)
            *sp = 0;
        x += tui_text(t, y, x, t->cols - x, item, TUI_R_KEY);
        if (sp) {
            x += tui_text(t, y, x, 1, " ", TUI_R_FOOTER);
            x += tui_text(t, y, x, t->cols - x, sp + 1, TUI_R_FOOTER);
        }
        x += 2; /* the line is blank already */
        p = end && end < keys + fit ? end + 1 : keys + fit;
    }
}

double tui_median(double *v, int n)
{
    if (n == 0)
        return NAN;
    double *c = malloc(sizeof *c * (size_t)n);
    if (!c)
        return NAN;
    memcpy(c, v, sizeof *c * (size_t)n);
    for (int i = 1; i < n; i++) /* insertion sort: n is at most a few thousand */
        for (int j = i; j > 0 && c[j - 1] > c[j]; j--) {
            double tmp = c[j];
            c[j] = c[j - 1];
            c[j - 1] = tmp;
        }
    double m = n % 2 ? c[n / 2] : 0.5 * (c[n / 2 - 1] + c[n / 2]);
    free(c);
    return m;
}

static void draw_message(struct tui *t)
{
    int y = t->rows - 2;
    attrset(A_NORMAL);
    mvhline(y, 0, ' ', t->cols);
    int w = t->cols;
    if (t->debug) {
        double mx = 0;
        for (int i = 0; i < t->n_lat; i++)
            mx = t->lat[i] > mx ? t->lat[i] : mx;
        char dbg[128];
        snprintf(dbg, sizeof dbg, "key->screen last %.1f med %.1f max %.1f ms, frame max %.1f ms (%d keys)",
                 t->last_lat * 1e3, tui_median(t->lat, t->n_lat) * 1e3, mx * 1e3, t->frame_max * 1e3,
                 t->n_lat);
        int dw = (int)strlen(dbg);
        tui_text_right(t, y, t->cols - dw - 1, dw, dbg, TUI_R_DIM);
        w = t->cols - dw - 2;
    }
    if (t->msg[0])
        tui_text(t, y, 1, w - 1, t->msg, t->msg_role);
}

static const char *view_footer(const struct tui *t)
{
    switch (t->view) {
    case TUI_VIEW_HARD: return tui_hard_footer(t);
    case TUI_VIEW_TRAIN: return tui_train_footer(t);
    case TUI_VIEW_SIDE: return tui_side_footer(t);
    case TUI_VIEW_INSPECT: return tui_insp_footer(t);
    default: return "";
    }
}

bool tui_view_editing(const struct tui *t)
{
    switch (t->view) {
    case TUI_VIEW_HARD: return tui_hard_editing(t);
    case TUI_VIEW_TRAIN: return tui_train_editing(t);
    case TUI_VIEW_SIDE: return tui_side_editing(t);
    default: return false;
    }
}

void tui_draw(struct tui *t)
{
    erase();
    curs_set(0);
    getmaxyx(stdscr, t->rows, t->cols);
    if (t->rows < TUI_MIN_ROWS || t->cols < TUI_MIN_COLS) {
        char a[96], b[96];
        snprintf(a, sizeof a, "promptlab needs a terminal of at least %dx%d;", TUI_MIN_COLS,
                 TUI_MIN_ROWS);
        snprintf(b, sizeof b, "this one is %dx%d. Please enlarge the window.", t->cols, t->rows);
        int y = t->rows / 2 - 1;
        for (int i = 0; i < 3; i++) {
            const char *s = i == 0 ? a : i == 1 ? b : "(q quits)";
            int w = (int)strlen(s) < t->cols ? (int)strlen(s) : t->cols;
            tui_text(t, y + i, (t->cols - w) / 2 > 0 ? (t->cols - w) / 2 : 0, w, s,
                     i == 2 ? TUI_R_DIM : TUI_R_BOLD);
        }
        return;
    }
    draw_tabs(t);
    draw_status(t);
    int y = 2, h = t->rows - 4;
    switch (t->view) {
    case TUI_VIEW_HARD: tui_hard_draw(t, y, 0, h, t->cols); break;
    case TUI_VIEW_TRAIN: tui_train_draw(t, y, 0, h, t->cols); break;
    case TUI_VIEW_SIDE: tui_side_draw(t, y, 0, h, t->cols); break;
    case TUI_VIEW_INSPECT: tui_insp_draw(t, y, 0, h, t->cols); break;
    default: break;
    }
    int cy, cx;
    getyx(stdscr, cy, cx); /* a focused editor left the cursor there */
    bool show_cursor = tui_view_editing(t) && t->ov == TUI_OV_NONE;
    draw_message(t);
    char footer[600];
    const char *vf = view_footer(t);
    if (tui_view_editing(t))
        snprintf(footer, sizeof footer, "%s", vf);
    else
        snprintf(footer, sizeof footer, "? help\tq quit\t%s\t1-4 views\tm model/data\tT theme",
                 vf);
    draw_footer(t, footer);
    tui_overlay_draw(t);
    if (t->ov == TUI_OV_INPUT) { /* the input leaves the cursor in its field */
        getyx(stdscr, cy, cx);
        show_cursor = true;
    }
    if (show_cursor) {
        move(cy, cx);
        curs_set(1);
    }
}


const struct tui_glyphs *tui_glyphs_for(bool utf8)
{
    return utf8 ? &glyphs_utf8 : &glyphs_ascii;
}
